import { P50K_SIZE } from "./p50k.js";

/**
 * Chooses the p50k ids the compact vocabulary keeps: those seen at least `minCount` times
 * in the corpus, most frequent first, at most `maxSize` (ties broken by id, so the result
 * is deterministic). Tokens left out are spelled as bytes.
 *
 * @param counts `counts[id]` = occurrences of p50k id `id` in the corpus.
 */
export function buildVocab(counts: ArrayLike<number>, minCount: number, maxSize: number): number[] {
  const kept: number[] = [];
  for (let id = 0; id < Math.min(counts.length, P50K_SIZE); id++) {
    if ((counts[id] ?? 0) >= minCount) kept.push(id);
  }
  kept.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b);
  return kept.slice(0, maxSize);
}
