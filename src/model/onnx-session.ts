import * as ort from "onnxruntime-node";
import type { PackedBatch } from "./batch.js";

/** Raw model outputs for one batch. */
export interface BatchOutputs {
  /** Row-major `[batch, labels]`. */
  windowLogits: Float32Array;
  /** Row-major `[batch, seq, labels]`. */
  tokenLogits: Float32Array;
  labels: number;
}

/** The one handle on onnxruntime-node in this codebase (STYLE.md: one module owns each outside thing). */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(batch: PackedBatch): Promise<BatchOutputs>;
  close(): Promise<void>;
}

/**
 * Opens `model.onnx` on the CPU.
 *
 * `threads` sets intra-op threads (one op split over cores); inter-op stays 1 because the
 * encoder is one chain of ops. The native `run` is synchronous under its Promise
 * (onnxruntime-node dist/backend.js runs it in a setImmediate), so callers keep batches
 * small enough not to block the event loop for long.
 */
export async function openOnnxSession(modelPath: string, options: { threads: number }): Promise<OnnxSession> {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    // Idle pool threads spin by default. On a shared CPU (a worker next to Redis, the app
    // and other workers) spinning takes cycles from the thread doing the work: measured on
    // the 2-core dev machine under load, batches of 8×256 tokens at 2 threads ran at a
    // median 57 windows/s spinning and 78 without.
    extra: { session: { intra_op: { allow_spinning: options.threads > 1 ? "0" : "1" } } },
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(batch) {
      const dims = [batch.batch, batch.seq];
      const results = await session.run({
        input_ids: new ort.Tensor("int64", batch.ids, dims),
        attention_mask: new ort.Tensor("int64", batch.mask, dims),
      });
      const windowLogits = results["window_logits"];
      const tokenLogits = results["token_logits"];
      if (windowLogits === undefined || tokenLogits === undefined) {
        throw new Error("model returned no window_logits/token_logits");
      }
      return {
        windowLogits: windowLogits.data as Float32Array,
        tokenLogits: tokenLogits.data as Float32Array,
        labels: windowLogits.dims[1] ?? 0,
      };
    },
    close: () => session.release(),
  };
}
