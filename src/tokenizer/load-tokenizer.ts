import { readFileSync } from "node:fs";
import { createTokenizer, type DecodingTokenizer } from "./tokenizer.js";

/** The vocabulary file is missing or not a list of p50k ids: rebuild or re-download the bundle. */
export class VocabFileError extends Error {
  override readonly name = "VocabFileError";
}

/**
 * Reads a bundle's `vocab.json` (a JSON array of p50k ids) and builds the tokenizer.
 *
 * @throws VocabFileError when the file cannot be read or does not hold a list of ids.
 */
export function loadTokenizer(vocabPath: string): DecodingTokenizer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(vocabPath, "utf8"));
  } catch (cause) {
    throw new VocabFileError(`cannot read tokenizer vocabulary ${vocabPath}; check the model bundle`, { cause });
  }
  if (!Array.isArray(parsed) || !parsed.every((id) => Number.isInteger(id) && id >= 0)) {
    throw new VocabFileError(`${vocabPath} must be a JSON array of p50k token ids`);
  }
  try {
    return createTokenizer(parsed as number[]);
  } catch (cause) {
    throw new VocabFileError(`${vocabPath} is not a valid p50k vocabulary`, { cause });
  }
}
