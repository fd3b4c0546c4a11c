/** Order statistics for noisy timings: medians, not means, because a shared 2-core machine stalls now and then. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * The median of the ratios of values taken side by side (round i of `values` over round i
 * of `over`): load drifts move each pair alike, where they move two medians apart.
 */
export function pairedRatio(values: readonly number[], over: readonly number[]): number {
  return median(values.map((v, i) => v / over[i]!));
}

/** Rounds to `digits` significant digits, for the JSON file and the table. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** A clock in microseconds, for loops that time every call. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
