import { cweMarkdownLink, percent } from "../cwe/cwe-link.js";
import type { Finding } from "../findings/finding.js";
import { fingerprintMarker } from "../findings/fingerprint.js";

/**
 * Markdown body of one inline review comment: the CWE with its MITRE link and name, the
 * confidence, why and how to fix, how to silence it, and the hidden fingerprint marker that
 * makes posting idempotent.
 *
 * @example
 * renderComment(finding, "0123456789abcdef")
 * // **[CWE-89](https://cwe.mitre.org/data/definitions/89.html): SQL Injection** · confidence 97%
 * // …why…
 * // **How to fix:** …how…
 * // <!-- cwe-review:fp=0123456789abcdef -->
 */
export function renderComment(f: Finding, fp: string): string {
  return [
    `**${cweMarkdownLink(f.cwe)}: ${oneLine(f.name)}** · confidence ${percent(f.confidence)}`,
    "",
    hideMarkers(f.message.trim()),
    "",
    `**How to fix:** ${hideMarkers(f.fix.trim())}`,
    "",
    `<sub>Not a problem here? Add \`# cwe-review: ignore[${f.cwe}]\` at the end of the line.</sub>`,
    fingerprintMarker(fp),
  ].join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Messages may quote the reviewed code; an HTML comment opener copied from it must not be
 * able to hide the rest of the body or plant a fingerprint marker.
 */
export function hideMarkers(text: string): string {
  return text.replace(/<!--/g, "&lt;!--");
}
