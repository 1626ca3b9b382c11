import { Tiktoken } from "js-tiktoken/lite";
import p50kBase from "js-tiktoken/ranks/p50k_base";

/**
 * The one module that imports js-tiktoken. p50k_base is the Codex-era encoding: it keeps
 * runs of spaces as single tokens, so Python indentation costs few ids.
 */
const encoding = new Tiktoken(p50kBase);

/** Number of ordinary (non-special) p50k ranks; all fit in a uint16. */
export const P50K_SIZE = 50281;

/**
 * p50k ids of `text`. Special-token strings such as `<|endoftext|>` in source code are
 * encoded as ordinary text (an empty disallow list), never rejected.
 */
export function encodeP50k(text: string): number[] {
  return encoding.encode(text, [], []);
}

let tokenBytes: Uint8Array[] | undefined;

/**
 * The raw bytes of p50k token `id`. A token may hold part of a UTF-8 sequence, so the
 * string `decode` gives is not enough for byte fallback; we read the rank table directly
 * (its format: lines of `! <offset> <base64 token>…`, see js-tiktoken's constructor).
 */
export function p50kTokenBytes(id: number): Uint8Array {
  if (tokenBytes === undefined) tokenBytes = parseRanks(p50kBase.bpe_ranks);
  const bytes = tokenBytes[id];
  if (bytes === undefined) throw new RangeError(`p50k id ${id} is not an ordinary token`);
  return bytes;
}

function parseRanks(ranks: string): Uint8Array[] {
  const table: Uint8Array[] = [];
  for (const line of ranks.split("\n")) {
    if (line === "") continue;
    const [, offsetText, ...tokens] = line.split(" ");
    const offset = Number.parseInt(offsetText ?? "", 10);
    tokens.forEach((token, i) => {
      table[offset + i] = new Uint8Array(Buffer.from(token, "base64"));
    });
  }
  return table;
}
