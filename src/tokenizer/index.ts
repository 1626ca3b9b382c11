export { createTokenizer, type Tokenizer, type DecodingTokenizer } from "./tokenizer.js";
export { loadTokenizer, VocabFileError } from "./load-tokenizer.js";
export { BYTE_OFFSET, SPECIAL, TOKENIZER_TYPE, VOCAB_OFFSET } from "./special-tokens.js";
