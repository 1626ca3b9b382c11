import type { DetectorInfo } from "../detector/detector.js";
import type { Finding } from "../findings/finding.js";

export const MAX_SUMMARY_CHARS = 65535;
export interface SummaryInput { findings: readonly Finding[]; overflow: readonly Finding[]; fixed: readonly { path: string; line: number | null }[]; filesScanned: number; windows: number; skipped: readonly { path: string; reason: string }[]; model: DetectorInfo; configError?: string; ms?: number }

export function renderSummary(_input: SummaryInput): { title: string; summary: string } {
  throw new Error("not implemented");
}
