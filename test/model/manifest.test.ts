import { checkManifest } from "../../src/model/manifest.js";

const valid = {
  name: "cwe-review-small",
  version: "1.0.0",
  format: 1,
  labels: ["CWE-89", "CWE-78"],
  labelNames: { "CWE-89": "SQL Injection", "CWE-78": "OS Command Injection" },
  thresholds: { "CWE-89": 0.42, "CWE-78": 0.5 },
  lineThreshold: 0.3,
  maxLength: 256,
  tokenizer: {
    type: "p50k_base-compact-linewise",
    vocab: "vocab.json",
    special: { pad: 0, cls: 1, sep: 2, mask: 3, unk: 4 },
    byteOffset: 5,
    vocabSize: 8000,
  },
  inputs: [{ name: "input_ids", dtype: "int64" }, "attention_mask"],
  outputs: ["window_logits", "token_logits"],
  eval: { f1: 0.9 },
};

describe("checkManifest", () => {
  it("accepts a manifest that fits the contract", () => {
    const { manifest, problems } = checkManifest(valid);
    expect(problems).toEqual([]);
    expect(manifest?.labels).toEqual(["CWE-89", "CWE-78"]);
  });

  it.each([
    { case: "no labels", patch: { labels: [] }, problem: /labels/ },
    { case: "label not a CWE id", patch: { labels: ["SQLi", "CWE-78"] }, problem: /labels\.0/ },
    { case: "label without threshold", patch: { thresholds: { "CWE-89": 0.4 } }, problem: /no threshold for CWE-78/ },
    { case: "threshold for unknown label", patch: { thresholds: { ...valid.thresholds, "CWE-22": 0.5 } }, problem: /CWE-22 is not in labels/ },
    { case: "threshold above 1", patch: { thresholds: { "CWE-89": 1.5, "CWE-78": 0.5 } }, problem: /thresholds/ },
    { case: "other format", patch: { format: 2 }, problem: /format/ },
    { case: "other tokenizer", patch: { tokenizer: { ...valid.tokenizer, type: "bpe" } }, problem: /tokenizer\.type/ },
    { case: "other special ids", patch: { tokenizer: { ...valid.tokenizer, special: { ...valid.tokenizer.special, pad: 1 } } }, problem: /tokenizer\.special\.pad/ },
    { case: "missing input", patch: { inputs: ["input_ids"] }, problem: /inputs: missing attention_mask/ },
    { case: "renamed output", patch: { outputs: ["logits", "token_logits"] }, problem: /outputs: missing window_logits/ },
    { case: "no maxLength", patch: { maxLength: undefined }, problem: /maxLength/ },
  ])("refuses $case", ({ patch, problem }) => {
    const { manifest, problems } = checkManifest({ ...valid, ...patch });
    expect(manifest).toBeUndefined();
    expect(problems.join("\n")).toMatch(problem);
  });
});
