/** Small statistics for benchmark figures. */

/** The value at quantile `q` (0..1) of `values`, nearest-rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Median (nearest-rank, lower middle for even counts). */
export const median = (values: readonly number[]): number => quantile(values, 0.5);
