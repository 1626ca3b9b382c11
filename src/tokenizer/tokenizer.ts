import { CompactVocab } from "./compact-vocab.js";
import { LruCache } from "./lru-cache.js";
import { encodeP50k } from "./p50k.js";
import { SPECIAL } from "./special-tokens.js";

/**
 * The model's tokenizer. Line-wise: each source line is encoded as `line + "\n"` on its
 * own, so no token spans two lines and every token belongs to exactly one line — the
 * per-token head's scores then map straight onto lines.
 */
export interface Tokenizer {
  readonly vocabSize: number;
  /** Tokens `line` takes (its newline included); the window cutter budgets with it. */
  countTokens(line: string): number;
  /**
   * `[CLS]` then the tokens of `lines`, truncated to `maxLength` ids in all.
   * `lineOfToken[i]` is the index into `lines` of token `i`, and -1 for `[CLS]`.
   */
  encodeLines(lines: readonly string[], maxLength: number): { ids: number[]; lineOfToken: number[] };
}

/** A tokenizer that can also turn ids back into text (tests, debugging, data tools). */
export interface DecodingTokenizer extends Tokenizer {
  decode(ids: readonly number[]): string;
}

/** Lines cached by default: a few files' worth of distinct lines. */
const DEFAULT_CACHE_LINES = 50_000;

/**
 * Builds the tokenizer over a compact vocabulary (`vocab.json`: the p50k ids kept).
 *
 * @example
 * const tok = createTokenizer([1212, 796]);
 * tok.encodeLines(["x = 1"], 256); // { ids: [1, …], lineOfToken: [-1, 0, 0, …] }
 */
export function createTokenizer(
  p50kIds: readonly number[],
  options: { cacheLines?: number } = {},
): DecodingTokenizer {
  const vocab = new CompactVocab(p50kIds);
  const cache = new LruCache<string, readonly number[]>(options.cacheLines ?? DEFAULT_CACHE_LINES);

  const encodeLine = (line: string): readonly number[] => {
    const hit = cache.get(line);
    if (hit !== undefined) return hit;
    const ids: number[] = [];
    vocab.appendCompact(encodeP50k(line + "\n"), ids);
    cache.set(line, ids);
    return ids;
  };

  return {
    vocabSize: vocab.size,
    countTokens: (line) => encodeLine(line).length,
    encodeLines(lines, maxLength) {
      if (!Number.isInteger(maxLength) || maxLength < 1) {
        throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
      }
      const ids: number[] = [SPECIAL.cls];
      const lineOfToken: number[] = [-1];
      for (let index = 0; index < lines.length && ids.length < maxLength; index++) {
        for (const id of encodeLine(lines[index] ?? "")) {
          if (ids.length >= maxLength) break;
          ids.push(id);
          lineOfToken.push(index);
        }
      }
      return { ids, lineOfToken };
    },
    decode: (ids) => vocab.decode(ids),
  };
}
