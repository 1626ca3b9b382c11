/**
 * Ids of the compact vocabulary's special tokens. Python training and the ONNX model use
 * the same numbers; they are written into the bundle manifest (`tokenizer.special`).
 */
export const SPECIAL = { pad: 0, cls: 1, sep: 2, mask: 3, unk: 4 } as const;

/** Compact id of byte `b` (0–255) is `BYTE_OFFSET + b`: the fallback for rare p50k tokens. */
export const BYTE_OFFSET = 5;

/** First compact id of the corpus-derived p50k tokens (`vocab.json` entry 0). */
export const VOCAB_OFFSET = BYTE_OFFSET + 256;

/** The tokenizer's name in the manifest, so a bundle built for another scheme is refused. */
export const TOKENIZER_TYPE = "p50k_base-compact-linewise";
