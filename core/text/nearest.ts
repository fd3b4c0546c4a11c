/**
 * "Did you mean": the known names closest to what a spec wrote, for messages about
 * unknown mechanisms, key types, hashes, error codes, profiles and steps.
 */

/** Edit distance (insert, delete, substitute, swap of neighbours), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/**
 * The candidates nearest to `written`, best first: only those within about a third of the
 * name's length, so a name with nothing like it gets no suggestion rather than a wild one.
 */
export function nearest(written: string, candidates: Iterable<string>, max = 1): string[] {
  const limit = Math.max(2, Math.ceil(written.length / 3));
  return [...new Set(candidates)]
    .map((name) => ({ name, distance: editDistance(written, name) }))
    .filter((c) => c.distance <= limit)
    .sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** ` (did you mean X?)`, or nothing when no known name is near. */
export function didYouMean(written: string, candidates: Iterable<string>): string {
  const [best] = nearest(written, candidates);
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}
