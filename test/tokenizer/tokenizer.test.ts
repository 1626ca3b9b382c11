import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenizer, loadTokenizer, SPECIAL, BYTE_OFFSET, VOCAB_OFFSET, VocabFileError } from "../../src/tokenizer/index.js";
import { buildVocab } from "../../src/tokenizer/build-vocab.js";
import { encodeP50k, P50K_SIZE } from "../../src/tokenizer/p50k.js";

// 529 strings: lines sampled from CPython's standard library plus hand-written cases
// (unicode identifiers, emoji with ZWJ, tabs, CR from CRLF files, NBSP, form feed, NUL,
// special-token text, very long lines). Generated once; see the test name for how used.
const STRINGS: string[] = JSON.parse(
  readFileSync(new URL("./fixtures/strings.json", import.meta.url), "utf8"),
) as string[];

// A vocabulary counted on half of the table, so the other half exercises byte fallback.
function vocabFrom(texts: readonly string[], minCount: number): number[] {
  const counts = new Uint32Array(P50K_SIZE);
  for (const text of texts) for (const id of encodeP50k(text + "\n")) counts[id] = (counts[id] ?? 0) + 1;
  return buildVocab(counts, minCount, 16_000);
}
const vocab = vocabFrom(STRINGS.filter((_, i) => i % 2 === 0), 2);

const tokenizers = {
  "bytes only": createTokenizer([]),
  "corpus vocab": createTokenizer(vocab),
  "tiny cache": createTokenizer(vocab, { cacheLines: 3 }),
};

describe.each(Object.entries(tokenizers))("tokenizer (%s)", (_name, tok) => {
  test("table has at least 500 strings", () => {
    expect(STRINGS.length).toBeGreaterThanOrEqual(500);
  });

  test.each(STRINGS.map((s, i) => [i, s] as const))("string %i round-trips through ids", (_i, text) => {
    const { ids, lineOfToken } = tok.encodeLines([text], 100_000);
    expect(ids[0]).toBe(SPECIAL.cls);
    expect(lineOfToken[0]).toBe(-1);
    expect(ids.slice(1).every((id) => id >= BYTE_OFFSET && id < tok.vocabSize)).toBe(true);
    expect(lineOfToken.slice(1).every((line) => line === 0)).toBe(true);
    expect(tok.decode(ids)).toBe(text + "\n");
    expect(tok.countTokens(text)).toBe(ids.length - 1);
  });

  test("each token belongs to one line and decodes back to it", () => {
    const lines = STRINGS.slice(0, 120);
    const { ids, lineOfToken } = tok.encodeLines(lines, 1_000_000);
    expect(ids).toHaveLength(lineOfToken.length);
    for (let i = 2; i < lineOfToken.length; i++) {
      expect(lineOfToken[i]).toBeGreaterThanOrEqual(lineOfToken[i - 1] ?? 0);
    }
    lines.forEach((line, index) => {
      const own = ids.filter((_, t) => lineOfToken[t] === index);
      expect(own.length).toBe(tok.countTokens(line));
      expect(tok.decode(own)).toBe(line + "\n");
    });
  });

  test.each([1, 2, 7, 64, 256])("truncates to maxLength %i", (maxLength) => {
    const lines = STRINGS.slice(200, 260);
    const full = tok.encodeLines(lines, 1_000_000);
    const cut = tok.encodeLines(lines, maxLength);
    expect(cut.ids).toEqual(full.ids.slice(0, maxLength));
    expect(cut.lineOfToken).toEqual(full.lineOfToken.slice(0, maxLength));
  });
});

describe("compact vocabulary", () => {
  test("kept tokens use their compact id; others fall back to UTF-8 bytes", () => {
    const returnId = encodeP50k("return")[0] ?? -1;
    const tok = createTokenizer([returnId]);
    expect(tok.vocabSize).toBe(VOCAB_OFFSET + 1);
    const { ids } = tok.encodeLines(["return"], 16);
    // "return" is one kept token, "\n" falls back to byte 0x0a.
    expect(ids).toEqual([SPECIAL.cls, VOCAB_OFFSET, BYTE_OFFSET + 0x0a]);
    expect(createTokenizer([]).encodeLines(["é"], 16).ids).toEqual([SPECIAL.cls, BYTE_OFFSET + 0xc3, BYTE_OFFSET + 0xa9, BYTE_OFFSET + 0x0a]);
  });

  test("p50k keeps runs of spaces as single tokens (why we chose it)", () => {
    expect(encodeP50k("        return x\n").length).toBeLessThanOrEqual(4);
  });

  test("buildVocab keeps ids seen at least minCount times, most frequent first, capped", () => {
    const counts = [0, 5, 2, 9, 5, 1];
    expect(buildVocab(counts, 2, 10)).toEqual([3, 1, 4, 2]);
    expect(buildVocab(counts, 2, 2)).toEqual([3, 1]);
    expect(buildVocab(counts, 10, 10)).toEqual([]);
  });

  test("encodeLines rejects a non-positive maxLength", () => {
    expect(() => createTokenizer([]).encodeLines(["x"], 0)).toThrow(RangeError);
  });

  test("a duplicate or unknown id in the vocabulary is refused", () => {
    expect(() => createTokenizer([17, 17])).toThrow(/twice/);
    expect(() => createTokenizer([P50K_SIZE + 10])).toThrow(RangeError);
  });
});

describe("loadTokenizer", () => {
  const dir = mkdtempSync(join(tmpdir(), "vocab-"));

  test("reads vocab.json", () => {
    const path = join(dir, "vocab.json");
    writeFileSync(path, JSON.stringify(vocab));
    const tok = loadTokenizer(path);
    expect(tok.vocabSize).toBe(VOCAB_OFFSET + vocab.length);
    expect(tok.decode(tok.encodeLines(["x = 1"], 10).ids)).toBe("x = 1\n");
  });

  test.each([
    ["missing", null],
    ["not an array", '{"a": 1}'],
    ["not ids", '["x"]'],
    ["unknown id", "[99999]"],
  ])("a %s file gives VocabFileError", (_case, content) => {
    const path = join(dir, `bad-${_case.replace(/ /g, "-")}.json`);
    if (content !== null) writeFileSync(path, content);
    expect(() => loadTokenizer(path)).toThrow(VocabFileError);
    try {
      loadTokenizer(path);
    } catch (error) {
      expect((error as Error).name).toBe("VocabFileError");
    }
  });
});
