import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadTokenizer, type Tokenizer } from "../tokenizer/index.js";
import { BUNDLE_HINT, ModelBundleError } from "./bundle-error.js";
import { checkManifest, type ModelManifest } from "./manifest.js";

/** A bundle whose manifest and tokenizer passed the checks; the ONNX file is not opened yet. */
export interface ModelBundle {
  dir: string;
  manifest: ModelManifest;
  tokenizer: Tokenizer;
  modelPath: string;
}

/**
 * Reads and checks `manifest.json` and the tokenizer of the bundle in `modelDir`.
 *
 * @throws ModelBundleError when a file is missing, the manifest does not fit the contract,
 * or the vocabulary's size differs from the manifest's.
 */
export function loadBundle(modelDir: string): ModelBundle {
  const dir = resolve(modelDir);
  const manifestPath = join(dir, "manifest.json");
  const modelPath = join(dir, "model.onnx");
  for (const path of [manifestPath, modelPath]) {
    if (!existsSync(path)) throw new ModelBundleError(`model bundle ${dir} has no ${path.slice(dir.length + 1)}: ${BUNDLE_HINT}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (cause) {
    throw new ModelBundleError(`cannot read ${manifestPath} as JSON: ${BUNDLE_HINT}`, { cause });
  }
  const { manifest, problems } = checkManifest(raw);
  if (manifest === undefined) {
    throw new ModelBundleError(`${manifestPath} does not match this version of cwe-review (${problems.join("; ")}): ${BUNDLE_HINT}`);
  }
  const vocabPath = join(dir, manifest.tokenizer.vocab);
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(vocabPath);
  } catch (cause) {
    throw new ModelBundleError(`cannot load the tokenizer vocabulary ${vocabPath}: ${BUNDLE_HINT}`, { cause });
  }
  if (tokenizer.vocabSize !== manifest.tokenizer.vocabSize) {
    throw new ModelBundleError(
      `${vocabPath} gives ${tokenizer.vocabSize} tokens but the manifest says ${manifest.tokenizer.vocabSize}; the bundle's files are from different builds: ${BUNDLE_HINT}`,
    );
  }
  return { dir, manifest, tokenizer, modelPath };
}
