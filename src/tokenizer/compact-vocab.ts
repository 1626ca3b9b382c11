import { p50kTokenBytes } from "./p50k.js";
import { BYTE_OFFSET, VOCAB_OFFSET } from "./special-tokens.js";

/**
 * Maps p50k ids to the model's compact ids and back. Layout: 0–4 specials, 5–260 the 256
 * bytes, then `p50kIds[i]` at `261 + i`. A p50k token outside the list is spelled as its
 * UTF-8 bytes, so every text has an encoding and decoding is exact.
 */
export class CompactVocab {
  readonly size: number;
  private readonly toCompactId = new Map<number, number>();

  constructor(readonly p50kIds: readonly number[]) {
    p50kIds.forEach((id, i) => {
      if (this.toCompactId.has(id)) throw new Error(`vocab lists p50k id ${id} twice`);
      p50kTokenBytes(id); // throws on an id p50k does not have
      this.toCompactId.set(id, VOCAB_OFFSET + i);
    });
    this.size = VOCAB_OFFSET + p50kIds.length;
  }

  /** Appends the compact ids of p50k tokens `ids` to `out`. */
  appendCompact(ids: readonly number[], out: number[]): void {
    for (const id of ids) {
      const compact = this.toCompactId.get(id);
      if (compact !== undefined) {
        out.push(compact);
        continue;
      }
      for (const byte of p50kTokenBytes(id)) out.push(BYTE_OFFSET + byte);
    }
  }

  /** Bytes a compact id stands for; specials stand for nothing. */
  bytesOf(compactId: number): Uint8Array {
    if (compactId < BYTE_OFFSET) return new Uint8Array(0);
    if (compactId < VOCAB_OFFSET) return Uint8Array.of(compactId - BYTE_OFFSET);
    const p50kId = this.p50kIds[compactId - VOCAB_OFFSET];
    if (p50kId === undefined) throw new RangeError(`compact id ${compactId} is outside the vocabulary`);
    return p50kTokenBytes(p50kId);
  }

  /** Text of compact ids (specials dropped). The inverse of encoding, used by tests and tools. */
  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => this.bytesOf(id));
    return Buffer.concat(parts).toString("utf8");
  }
}
