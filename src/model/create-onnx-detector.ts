import type { Detector } from "../detector/detector.js";
import { BUNDLE_HINT, ModelBundleError } from "./bundle-error.js";
import { packBatch } from "./batch.js";
import { detectWindows } from "./detect-windows.js";
import { loadBundle } from "./load-bundle.js";
import { missingNames, REQUIRED_INPUTS, REQUIRED_OUTPUTS } from "./manifest.js";
import { openOnnxSession } from "./onnx-session.js";

/** Windows per `session.run`: about 8 × 11 ms at 256 tokens on 2 threads, so the event loop never waits long. */
export const DEFAULT_BATCH_SIZE = 8;

/** Options for {@link createOnnxDetector}. */
export interface OnnxDetectorOptions {
  /** onnxruntime intra-op threads (default 2: the cores we plan for). */
  threads?: number;
  /** Windows per inference call (default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
}

/**
 * Loads the bundle in `modelDir` (manifest, tokenizer, ONNX session), checks that they fit
 * together and returns the {@link Detector} the worker and the CLI use.
 *
 * @throws ModelBundleError with a message that says what to do, when the bundle is
 * missing or does not match (manifest schema, thresholds, vocabulary size, tensor names,
 * label count).
 *
 * @example
 * const detector = await createOnnxDetector("models/cwe-review-small");
 * const findings = await detector.detect(windows);
 * await detector.close();
 */
export async function createOnnxDetector(modelDir: string, options: OnnxDetectorOptions = {}): Promise<Detector> {
  const bundle = loadBundle(modelDir);
  const { manifest, tokenizer } = bundle;
  let session;
  try {
    session = await openOnnxSession(bundle.modelPath, { threads: options.threads ?? 2 });
  } catch (cause) {
    throw new ModelBundleError(`onnxruntime cannot load ${bundle.modelPath}: ${BUNDLE_HINT}`, { cause });
  }
  const problems = [
    ...missingNames("model inputs", session.inputNames, REQUIRED_INPUTS),
    ...missingNames("model outputs", session.outputNames, REQUIRED_OUTPUTS),
  ];
  if (problems.length === 0) {
    // One [CLS]-only window: proves the graph runs and has one output per manifest label.
    const probe = await session.run(packBatch([{ ids: [manifest.tokenizer.special.cls] }], manifest.tokenizer.special.pad));
    if (probe.labels !== manifest.labels.length) problems.push(`model has ${probe.labels} labels, manifest lists ${manifest.labels.length}`);
  }
  if (problems.length > 0) {
    await session.close();
    throw new ModelBundleError(`${bundle.modelPath} does not match its manifest (${problems.join("; ")}): ${BUNDLE_HINT}`);
  }
  const deps = {
    tokenizer,
    session,
    policy: { labels: manifest.labels, thresholds: manifest.thresholds, lineThreshold: manifest.lineThreshold },
    maxLength: manifest.maxLength,
    padId: manifest.tokenizer.special.pad,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  };
  return {
    info: { name: manifest.name, version: manifest.version },
    // [CLS] takes one position of maxLength.
    budget: { maxTokens: manifest.maxLength - 1, countTokens: (line) => tokenizer.countTokens(line) },
    detect: (windows) => detectWindows(windows, deps),
    close: () => session.close(),
  };
}
