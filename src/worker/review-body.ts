import type { DetectorInfo } from "../detector/detector.js";

/** The short body of a review; the details are in the inline comments and the check run. */
export function renderReviewBody(newComments: number, overflow: number, model: DetectorInfo): string {
  const noun = newComments === 1 ? "weakness" : "weaknesses";
  const more = overflow > 0 ? ` ${overflow} more are listed in the \`cwe-review\` check run.` : "";
  return `**cwe-review** found ${newComments} new potential ${noun} in this push.${more}\n\n<sub>Model ${model.name} ${model.version}. Silence a line with \`# nosec\` or \`# cwe-review: ignore[CWE-NNN]\`, a file with \`# cwe-review: ignore-file\`.</sub>`;
}
