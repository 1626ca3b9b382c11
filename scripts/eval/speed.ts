import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Detector } from "../../src/detector/detector.js";
import type { Window } from "../../src/windows/window.js";

/**
 * Windows of exactly `tokens` model positions ([CLS] + `tokens - 1` line tokens, the last
 * line cut by the tokenizer) built from consecutive real source lines.
 */
export function fullWindows(lines: readonly string[], count: number, detector: Detector): Window[] {
  const windows: Window[] = [];
  let cursor = 0;
  while (windows.length < count && lines.length > 0) {
    const taken: string[] = [];
    let tokens = 0;
    while (tokens < detector.budget.maxTokens) {
      const line = lines[cursor % lines.length] ?? "";
      cursor++;
      taken.push(line);
      tokens += detector.budget.countTokens(line);
    }
    windows.push({ path: `speed-${windows.length}.py`, lines: taken, lineNumbers: taken.map((_, i) => i + 1), focusLines: [] });
  }
  return windows;
}

/**
 * Windows per second through `detector.detect` (tokenize, batch, infer, post-process):
 * one warm-up call, then repeated calls until `seconds` have passed.
 */
export async function windowsPerSecond(detector: Detector, windows: readonly Window[], seconds = 4): Promise<number> {
  await detector.detect(windows.slice(0, 8));
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await detector.detect(windows);
    done += windows.length;
  }
  return done / ((performance.now() - started) / 1000);
}

/**
 * Longest the event loop waited (ms) while `detector.detect(windows)` ran: what BullMQ's
 * lock-renewal timer would have waited in a worker doing the same.
 */
export async function maxEventLoopDelayMs(detector: Detector, windows: readonly Window[]): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await detector.detect(windows);
  histogram.disable();
  return histogram.max / 1e6;
}
