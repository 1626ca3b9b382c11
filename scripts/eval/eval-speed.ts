import { join } from "node:path";
import { createOnnxDetector, loadBundle } from "../../src/model/index.js";
import { matmulPeakGflops, modelFlopsPerWindow } from "./machine-peak.js";
import { log } from "./model-tool.js";
import type { EvalResults } from "./results.js";
import { fullWindows, maxEventLoopDelayMs, windowsPerSecond } from "./speed.js";

/**
 * Windows/s at 1 and 2 threads for full-length windows cut from `lines`, the machine's
 * matmul peak at the same thread counts, the model's FLOPs per window, and the event
 * loop's longest wait while 200 windows are detected.
 */
export async function evalSpeed(modelDir: string, lines: string[]): Promise<EvalResults["speed"]> {
  const seq = loadBundle(modelDir).manifest.maxLength;
  const rows = [];
  let eventLoop = { windows: 0, maxDelayMs: 0 };
  for (const threads of [1, 2]) {
    const detector = await createOnnxDetector(modelDir, { threads });
    try {
      const windows = fullWindows(lines, 64, detector);
      log(`speed: ${threads} thread(s), ${windows.length} windows of ${seq} tokens, ~4 s`);
      const rate = await windowsPerSecond(detector, windows);
      rows.push({ threads, windowsPerSecond: rate.best, medianWindowsPerSecond: rate.median, peakGflops: matmulPeakGflops(threads) });
      if (threads === 2) {
        const many = fullWindows(lines, 200, detector);
        log(`event loop: max delay while detecting ${many.length} windows`);
        eventLoop = { windows: many.length, maxDelayMs: await maxEventLoopDelayMs(detector, many) };
      }
    } finally {
      await detector.close();
    }
  }
  const flops = modelFlopsPerWindow(join(modelDir, "model.onnx"), seq);
  return { rows, flopsPerWindow: flops.flops, unknownMatmuls: flops.unknown, seq, eventLoop };
}
