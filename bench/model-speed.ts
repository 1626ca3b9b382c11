/**
 * Model throughput: windows per second through the detector (tokenize, batch, onnxruntime,
 * scores → findings) at a given number of onnxruntime threads and window length.
 */
import { createOnnxDetector } from "../src/model/index.js";
import type { Detector } from "../src/detector/detector.js";
import type { Window } from "../src/windows/window.js";
import { syntheticModule } from "../test/support/fake-github/synthetic-pr.js";

/**
 * Windows of `tokens` model positions ([CLS] + source tokens, whole lines, filled as close to
 * `tokens` as whole lines allow) cut from synthetic Python modules.
 */
export function windowsOf(detector: Detector, tokens: number, count: number): Window[] {
  const source = syntheticModule(1, 3000).split("\n");
  const windows: Window[] = [];
  let cursor = 0;
  while (windows.length < count) {
    const lines: string[] = [];
    let used = 1; // [CLS]
    for (;;) {
      const line = source[cursor % source.length] ?? "";
      const cost = detector.budget.countTokens(line);
      if (used + cost > tokens && lines.length > 0) break;
      lines.push(line);
      used += cost;
      cursor++;
    }
    windows.push({ path: `bench_${windows.length}.py`, lines, lineNumbers: lines.map((_, i) => i + 1), focusLines: lines.map((_, i) => i + 1) });
  }
  return windows;
}

/**
 * Windows/s: one warm-up call, then `runs` timed passes over `count` windows; returns each
 * pass's rate (the caller takes the median).
 */
export async function measureModel(modelDir: string, threads: number, tokens: number, count: number, runs: number): Promise<number[]> {
  const detector = await createOnnxDetector(modelDir, { threads });
  try {
    const windows = windowsOf(detector, tokens, count);
    await detector.detect(windows.slice(0, 8));
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      await detector.detect(windows);
      rates.push(windows.length / ((performance.now() - started) / 1000));
    }
    return rates;
  } finally {
    await detector.close();
  }
}
