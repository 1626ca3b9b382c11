import type { Detector } from "../../src/detector/detector.js";

/** A model row of the comparison tables: our model or the base model. */
export interface ModelTool {
  tool: string;
  detector: Detector;
  note?: string;
}

/** Progress and notes on stderr, with the time. */
export function log(text: string): void {
  process.stderr.write(`[eval ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}
