import { holdsCode } from "../../src/model/findings-from-scores.js";
import type { Tokenizer } from "../../src/tokenizer/index.js";
import type { Window } from "../../src/windows/window.js";

/** One labelled record of data/*.jsonl (fields this step reads; the schema has more). */
export interface LabelledRecord {
  id: string;
  label: "vulnerable" | "safe";
  cwes: string[];
  code: string;
  /** 1-based vulnerable lines (sink, source, missing check). */
  lines: number[];
  split?: string;
  family?: string;
  /** Free text; "taint source line N" names the marked line that only reads the input. */
  notes?: string;
}

/** A tokenized window with its targets, as training/finetune.py reads it. */
export interface WindowExample {
  id: string;
  split: string;
  family: string;
  ids: number[];
  /** 1-based file line of each token; -1 for [CLS]. */
  lineOfToken: number[];
  /** Label indices of each token: the record's CWEs on its marked lines, else []. */
  tokenLabels: number[][];
  /** Label indices of the window: the record's CWEs when a marked line is inside it. */
  windowLabels: number[];
  /** File lines of the window that can hold a finding in serving (not blank, not comment-only). */
  codeLines: number[];
}

/**
 * The marked lines a window is taught to flag: the sink, the missing check, the setting.
 * The line that only reads the taint source (`name = request.args["name"]`) is left out
 * when other lines are marked, because the same line stands unchanged in the safe twin and
 * in most safe code: labelling it positive taught the model to flag every input read.
 */
export function targetLines(record: LabelledRecord): Set<number> {
  const marked = new Set(record.lines);
  const source = /taint source line (\d+)/.exec(record.notes ?? "");
  if (source && marked.size > 1) marked.delete(Number(source[1]));
  return marked;
}

/**
 * Labels one record's windows. A window of a vulnerable record is positive only when it
 * holds a target line (see targetLines), because serving scores each window alone: a clean
 * function of a vulnerable file must teach "nothing here". A vulnerable record without
 * marked lines labels every window.
 */
export function labelWindows(
  record: LabelledRecord,
  windows: readonly Window[],
  tokenizer: Tokenizer,
  labelIndex: ReadonlyMap<string, number>,
  maxLength: number,
): WindowExample[] {
  const labels = record.label === "vulnerable"
    ? record.cwes.map((cwe) => labelIndex.get(cwe)).filter((i): i is number => i !== undefined)
    : [];
  const marked = targetLines(record);
  return windows.map((window) => {
    const { ids, lineOfToken } = tokenizer.encodeLines(window.lines, maxLength);
    const fileLines = lineOfToken.map((index) => (index < 0 ? -1 : window.lineNumbers[index] ?? -1));
    const onMarked = fileLines.map((line) => labels.length > 0 && marked.has(line));
    const hit = labels.length > 0 && (marked.size === 0 || onMarked.some(Boolean));
    return {
      id: record.id,
      split: record.split ?? "",
      family: record.family ?? "",
      ids,
      lineOfToken: fileLines,
      tokenLabels: onMarked.map((on) => (on ? [...labels] : [])),
      windowLabels: hit ? [...labels] : [],
      codeLines: window.lines.flatMap((line, index) => (holdsCode(line) ? [window.lineNumbers[index] ?? -1] : [])),
    };
  });
}

/** CWE ids sorted by number (CWE-22 before CWE-89), so label order is stable. */
export function sortCwes(cwes: Iterable<string>): string[] {
  const num = (cwe: string) => Number(cwe.replace(/^CWE-/, ""));
  return [...new Set(cwes)].sort((a, b) => num(a) - num(b) || a.localeCompare(b));
}
