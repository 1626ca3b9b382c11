/**
 * Splits a unit's rows into consecutive chunks of whole rows whose token cost fits
 * `capacity`. Rows listed in `free` cost nothing (they are already in the window's prefix).
 * A single row over capacity gets a chunk of its own: rows are never cut.
 *
 * @example
 * chunkRows([0, 1, 2, 3], (r) => 5, 10, new Set()) // → [[0, 1], [2, 3]]
 */
export function chunkRows(
  rows: readonly number[],
  cost: (row: number) => number,
  capacity: number,
  free: ReadonlySet<number>,
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let used = 0;
  for (const row of rows) {
    const c = free.has(row) ? 0 : cost(row);
    if (current.length > 0 && used + c > capacity) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(row);
    used += c;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
