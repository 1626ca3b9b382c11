import type { Finding } from "../findings/finding.js";
import type { Window } from "../windows/window.js";

/** Identifies the model in check-run summaries and reports. */
export interface DetectorInfo {
  name: string;
  version: string;
}

/**
 * What the worker and the CLI call to find weaknesses. The ONNX model implements it in
 * `src/model/`; tests write their own. Findings may lie anywhere in the window; callers
 * keep those on focus lines.
 */
export interface Detector {
  readonly info: DetectorInfo;
  detect(windows: readonly Window[]): Promise<Finding[]>;
  close(): Promise<void>;
}
