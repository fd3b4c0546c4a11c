/**
 * Runs contenders in interleaved rounds (A B C, B C A, C A B, ...) so that a burst of load
 * from a concurrent build hits all of them alike, and no one always runs first.
 */
export interface Contender<T> {
  name: string;
  run(round: number): Promise<T>;
}

export async function interleave<T>(rounds: number, contenders: readonly Contender<T>[]): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length]!;
      results.get(contender.name)!.push(await contender.run(round));
    }
  }
  return results;
}
