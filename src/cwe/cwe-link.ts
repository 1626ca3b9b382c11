/**
 * MITRE's page for a CWE id, or null when the id is not of the form `CWE-<number>`.
 *
 * @example
 * cweUrl("CWE-89") // → "https://cwe.mitre.org/data/definitions/89.html"
 */
export function cweUrl(cwe: string): string | null {
  const match = /^CWE-(\d+)$/i.exec(cwe.trim());
  return match ? `https://cwe.mitre.org/data/definitions/${match[1]}.html` : null;
}

/** `[CWE-89](https://cwe.mitre.org/…/89.html)` in Markdown, or the bare id when it has no page. */
export function cweMarkdownLink(cwe: string): string {
  const url = cweUrl(cwe);
  return url ? `[${cwe}](${url})` : cwe;
}

/** A confidence in [0, 1] as a whole percentage, e.g. 0.974 → "97%". */
export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
