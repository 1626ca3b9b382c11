import { describeCwe } from "../cwe/catalog.js";
import type { Finding } from "../findings/finding.js";
import type { Window } from "../windows/window.js";

/** Most lines one finding spans below its best line: a sink plus its continuation lines. */
export const MAX_EXTRA_LINES = 2;

/** How scores become findings; the bundle's manifest supplies it. */
export interface ScorePolicy {
  labels: readonly string[];
  /** Window probability a label needs to be reported. */
  thresholds: Readonly<Record<string, number>>;
  /** Line probability that lets a finding extend over the next line. */
  lineThreshold: number;
}

/** Logistic function, stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Turns one window's logits into findings.
 *
 * For each label whose window probability (sigmoid of `windowLogits[label]`) reaches its
 * threshold: a line's score is the highest token probability among the line's tokens;
 * the finding starts at the best line and extends over following adjacent file lines
 * whose score reaches `lineThreshold`, at most {@link MAX_EXTRA_LINES} of them. The best
 * line is the best focus (changed) line when that one reaches `lineThreshold` — a window
 * also holds imports and unchanged code, and a pull request review can only comment on
 * changed lines — else the best line of the whole window.
 *
 * Blank and comment-only lines never hold or extend a finding: a causal encoder's tokens
 * after a sink still see it, so the blank lines below a weakness can outscore the line
 * itself, and a comment there would point at nothing.
 *
 * `confidence` is the window probability: it is what the per-label thresholds were tuned
 * on (validation, issue 4), so a user's confidence threshold means the same thing as the
 * model's; line scores only place the finding.
 *
 * @param tokenLogits row-major `[token, label]` for this window's real tokens (padding may follow).
 */
export function findingsFromScores(
  window: Window,
  lineOfToken: readonly number[],
  windowLogits: ArrayLike<number>,
  tokenLogits: ArrayLike<number>,
  policy: ScorePolicy,
): Finding[] {
  const labelCount = policy.labels.length;
  const findings: Finding[] = [];
  const canHoldFinding = window.lines.map(holdsCode);
  policy.labels.forEach((cwe, label) => {
    const confidence = sigmoid(windowLogits[label] ?? Number.NEGATIVE_INFINITY);
    if (confidence < (policy.thresholds[cwe] ?? 1)) return;
    const lineScores = new Array<number>(window.lines.length).fill(Number.NaN);
    lineOfToken.forEach((lineIndex, token) => {
      if (lineIndex < 0 || !canHoldFinding[lineIndex]) return;
      const score = sigmoid(tokenLogits[token * labelCount + label] ?? Number.NEGATIVE_INFINITY);
      const current = lineScores[lineIndex] ?? Number.NaN;
      if (Number.isNaN(current) || score > current) lineScores[lineIndex] = score;
    });
    const best = bestLine(lineScores, window, policy.lineThreshold);
    if (best < 0) return;
    let last = best;
    while (
      last - best < MAX_EXTRA_LINES &&
      (lineScores[last + 1] ?? 0) >= policy.lineThreshold &&
      window.lineNumbers[last + 1] === (window.lineNumbers[last] ?? 0) + 1
    ) {
      last++;
    }
    const entry = describeCwe(cwe);
    findings.push({
      path: window.path,
      line: window.lineNumbers[best] ?? 1,
      endLine: window.lineNumbers[last] ?? 1,
      cwe,
      name: entry.shortName,
      confidence: round4(confidence),
      message: entry.why,
      fix: entry.fix,
    });
  });
  return findings;
}

/**
 * One finding per weakness. Windows overlap (every window repeats the file's imports), so
 * the same weakness can come from two windows: one finding per (path, CWE, line) is kept,
 * the most confident. And one weakness has one CWE — every labelled example and the
 * model's softmax over CWEs say so — so where findings overlap in lines, of the same CWE
 * or not, only the most confident stays (sibling CWEs such as 77 and 78 otherwise both
 * land on one shell call). Sorted by path, line, CWE.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const key = `${finding.path}\u0000${finding.cwe}\u0000${finding.line}`;
    const seen = byKey.get(key);
    if (seen === undefined || finding.confidence > seen.confidence) byKey.set(key, finding);
  }
  const kept: Finding[] = [];
  for (const finding of [...byKey.values()].sort((a, b) => b.confidence - a.confidence || byPosition(a, b))) {
    const overlaps = kept.some((k) => k.path === finding.path && k.line <= finding.endLine && finding.line <= k.endLine);
    if (!overlaps) kept.push(finding);
  }
  return kept.sort(byPosition);
}

/** Order by path, line, CWE. */
function byPosition(a: Finding, b: Finding): number {
  return (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.line - b.line || (a.cwe < b.cwe ? -1 : a.cwe > b.cwe ? 1 : 0);
}

/** False for a blank or comment-only line: no finding starts on or spans one (training's localization skips them too). */
export function holdsCode(line: string): boolean {
  const text = line.trim();
  return text !== "" && !text.startsWith("#");
}

/** Index of the best focus line if it reaches `lineThreshold`, else of the best line; -1 when no line has a score. */
function bestLine(lineScores: readonly number[], window: Window, lineThreshold: number): number {
  const focus = new Set(window.focusLines);
  const inFocus = argmax(lineScores, (index) => focus.has(window.lineNumbers[index] ?? -1));
  if (inFocus >= 0 && (lineScores[inFocus] ?? 0) >= lineThreshold) return inFocus;
  return argmax(lineScores, () => true);
}

/** Index of the largest non-NaN value among those `keep` accepts; first on ties; -1 when there is none. */
function argmax(values: readonly number[], keep: (index: number) => boolean): number {
  let best = -1;
  values.forEach((value, index) => {
    if (!Number.isNaN(value) && keep(index) && (best < 0 || value > (values[best] ?? 0))) best = index;
  });
  return best;
}

/** Four decimals are plenty for a score and keep JSON output readable. */
function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
