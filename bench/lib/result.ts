/** One line of bench/results/latest.json. */
export interface Figure {
  name: string;
  /** The harness's (or simulator's) figure; null when not measured (see notes). */
  value: number | null;
  unit: string;
  /** The same measurement by the baseline, on the same card, reader or token. */
  baseline: number | null;
  baselineName: string;
  /** value / baseline. */
  ratio: number | null;
  /** The goal in words ("ratio <= 1.15") and whether this run met it; absent when the figure has none. */
  goal?: string;
  met?: boolean | null;
  rounds: number;
  /** The per-round figures the medians come from. */
  samples?: { value: number[]; baseline: number[] };
  /** Other clients measured the same way, for the table only (pyscard, scriptor, PyKCS11, ...). */
  references?: Reference[];
  /** Anything else measured with the figure (breakdowns), by name. */
  extra?: Record<string, number | string | null>;
  notes: string[];
}

export interface Reference {
  name: string;
  value: number | null;
  unit: string;
  note?: string;
}

/** A figure that could not be measured: no number, and the reason in the notes. */
export function notMeasured(name: string, unit: string, baselineName: string, reason: string): Figure {
  return { name, value: null, unit, baseline: null, baselineName, ratio: null, rounds: 0, notes: [`not measured: ${reason}`] };
}

export function ratioOf(value: number | null, baseline: number | null): number | null {
  return value === null || baseline === null || baseline === 0 ? null : value / baseline;
}
