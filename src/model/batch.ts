/** Token ids of one window as the tokenizer gave them (`[CLS]` first). */
export interface EncodedWindow {
  ids: readonly number[];
  /** Index into the window's lines of each token; -1 for `[CLS]`. */
  lineOfToken: readonly number[];
}

/** Model inputs for one batch, row-major `[batch, seq]`, as onnxruntime wants them. */
export interface PackedBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  batch: number;
  seq: number;
}

/**
 * Groups window indices into batches of at most `batchSize`, shortest windows together,
 * so padding (wasted compute) stays small. Every index appears exactly once.
 *
 * @example
 * planBatches([5, 200, 7, 180], 2) // → [[0, 2], [3, 1]]
 */
export function planBatches(lengths: readonly number[], batchSize: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = lengths.map((_, index) => index).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/**
 * Pads windows to the longest in the batch with `padId` and builds the attention mask
 * (1 for real tokens, 0 for padding).
 *
 * @example
 * packBatch([{ ids: [1, 7] }, { ids: [1] }], 0) // ids [1,7, 1,0], mask [1,1, 1,0], batch 2, seq 2
 */
export function packBatch(windows: readonly Pick<EncodedWindow, "ids">[], padId: number): PackedBatch {
  const batch = windows.length;
  const seq = Math.max(1, ...windows.map((window) => window.ids.length));
  const ids = new BigInt64Array(batch * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(batch * seq);
  windows.forEach((window, row) => {
    window.ids.forEach((id, col) => {
      ids[row * seq + col] = BigInt(id);
      mask[row * seq + col] = 1n;
    });
  });
  return { ids, mask, batch, seq };
}
