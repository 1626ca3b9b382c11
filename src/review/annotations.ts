import { percent } from "../cwe/cwe-link.js";
import type { RepoConfig } from "../config/repo-config.js";
import type { Finding } from "../findings/finding.js";
import { failsCheck } from "./conclusion.js";

/**
 * GitHub, "Update a check run", `output.annotations`: "The Checks API limits the number of
 * annotations to a maximum of 50 per API request. To create more than 50 annotations, you
 * have to make multiple requests to the Update a check run endpoint."
 */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** GitHub: annotation `title` — "The maximum size is 255 characters." */
export const MAX_ANNOTATION_TITLE_CHARS = 255;
/** GitHub: annotation `message` — "The maximum size is 64 KB." */
export const MAX_ANNOTATION_MESSAGE_BYTES = 64 * 1024;

/** One entry of a check run's `output.annotations`. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  message: string;
  title: string;
  raw_details?: string;
}

/**
 * Check-run annotations for findings: `failure` for those that fail the check under
 * `failOn`, `warning` for the rest.
 */
export function toAnnotations(findings: readonly Finding[], failOn: RepoConfig["failOn"]): CheckAnnotation[] {
  return findings.map((f) => ({
    path: f.path,
    start_line: f.line,
    end_line: Math.max(f.line, f.endLine),
    annotation_level: failsCheck(f, failOn) ? "failure" : "warning",
    title: truncateChars(`${f.cwe}: ${f.name.trim()} (${percent(f.confidence)})`, MAX_ANNOTATION_TITLE_CHARS),
    message: truncateBytes(`${f.message.trim()}\n\nHow to fix: ${f.fix.trim()}`, MAX_ANNOTATION_MESSAGE_BYTES),
  }));
}

/**
 * Splits items into request-sized batches (default {@link MAX_ANNOTATIONS_PER_REQUEST}).
 *
 * @example
 * batchAnnotations(Array(101).fill(a)).map((b) => b.length) // → [50, 50, 1]
 */
export function batchAnnotations<T>(items: readonly T[], size: number = MAX_ANNOTATIONS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a whole number ≥ 1, got ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** Cuts to at most `max` UTF-16 code units without splitting a surrogate pair. */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1; // room for the ellipsis
  if (/[\uD800-\uDBFF]/.test(text[cut - 1] ?? "")) cut--;
  return `${text.slice(0, cut)}…`;
}

/** Cuts to at most `max` UTF-8 bytes, on a character boundary, ending with an ellipsis. */
export function truncateBytes(text: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= max) return text;
  const budget = max - encoder.encode("…").length;
  let bytes = 0;
  let out = "";
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (bytes + size > budget) break;
    bytes += size;
    out += ch;
  }
  return `${out}…`;
}
