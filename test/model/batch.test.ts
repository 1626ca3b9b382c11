import { packBatch, planBatches } from "../../src/model/batch.js";

describe("planBatches", () => {
  it.each([
    { lengths: [], size: 4, batches: [] },
    { lengths: [3], size: 4, batches: [[0]] },
    { lengths: [5, 200, 7, 180], size: 2, batches: [[0, 2], [3, 1]] },
    { lengths: [9, 9, 9], size: 2, batches: [[0, 1], [2]] },
    { lengths: [4, 1, 3, 2], size: 8, batches: [[1, 3, 2, 0]] },
  ])("$lengths in batches of $size → $batches", ({ lengths, size, batches }) => {
    expect(planBatches(lengths, size)).toEqual(batches);
  });

  it("rejects a batch size below 1", () => {
    expect(() => planBatches([1], 0)).toThrow(RangeError);
  });
});

describe("packBatch", () => {
  it.each([
    { ids: [[1, 7]], pad: 0, seq: 2, flat: [1, 7], mask: [1, 1] },
    { ids: [[1, 7, 8], [1]], pad: 0, seq: 3, flat: [1, 7, 8, 1, 0, 0], mask: [1, 1, 1, 1, 0, 0] },
    { ids: [[1], [1, 9]], pad: 5, seq: 2, flat: [1, 5, 1, 9], mask: [1, 0, 1, 1] },
  ])("pads $ids to $seq with $pad", ({ ids, pad, seq, flat, mask }) => {
    const batch = packBatch(ids.map((row) => ({ ids: row })), pad);
    expect(batch.batch).toBe(ids.length);
    expect(batch.seq).toBe(seq);
    expect([...batch.ids].map(Number)).toEqual(flat);
    expect([...batch.mask].map(Number)).toEqual(mask);
  });
});
