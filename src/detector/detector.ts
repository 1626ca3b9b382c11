import type { Finding } from "../findings/finding.js";
import type { Window } from "../windows/window.js";

/** Identifies the model in check-run summaries and reports. */
export interface DetectorInfo {
  name: string;
  version: string;
}

/** How much source fits one model window: the window cutter sizes windows with it. */
export interface WindowBudget {
  maxTokens: number;
  /** Tokens one source line takes (the model's own tokenizer). */
  countTokens(line: string): number;
}

/**
 * What the worker and the CLI call to find weaknesses. The ONNX model implements it in
 * `src/model/`; tests write their own. Findings may lie anywhere in the window; callers
 * keep those on focus lines.
 */
export interface Detector {
  readonly info: DetectorInfo;
  readonly budget: WindowBudget;
  detect(windows: readonly Window[]): Promise<Finding[]>;
  close(): Promise<void>;
}
