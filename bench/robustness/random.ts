/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same APDUs on every
 * machine, so a finding is reproduced by its seed and index alone.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  byte(): number {
    return this.next() & 0xff;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.byte();
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** A positive whole number from the environment variable `name`, else `fallback`. */
export function countFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The seed of a run: CARDSPEC_SEED, else a fixed one, so that a plain run is reproducible. */
export function seedFromEnv(fallback = 0xc0ffee): number {
  const configured = Number(process.env.CARDSPEC_SEED);
  return Number.isInteger(configured) ? configured >>> 0 : fallback;
}
