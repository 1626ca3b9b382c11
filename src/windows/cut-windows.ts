import type { WindowBudget } from "../detector/detector.js";
import { chunkRows } from "./chunk-unit.js";
import { findUnits, type Unit } from "./find-units.js";
import { createPythonParser, type PythonParser } from "./python-parser.js";
import type { Window } from "./window.js";

/**
 * How many tokens a window may hold and how to count one line's tokens (the detector's
 * {@link WindowBudget}). A window's cost is the sum of its lines' costs.
 */
export type TokenBudget = WindowBudget;

/** Cuts Python files into model windows around changed lines. */
export interface WindowCutter {
  /**
   * Windows for `changedLines` (1-based head lines; `"all"` = every line of the file). Each
   * window holds the file's module-level imports plus the unit around its changed lines: the
   * innermost function (decorators included), else the innermost class, else the run of
   * module-level statements. Units over budget are split into chunks of whole lines that
   * repeat the imports (when they take under half the budget) and the `def` signature.
   * Every changed line that exists in the file is the focus of exactly one window. Never
   * throws on syntax errors (tree-sitter recovers) or empty files (no windows).
   */
  cut(path: string, source: string, changedLines: readonly number[] | "all", budget: TokenBudget): Window[];
}

/**
 * Loads tree-sitter-python (once per process) and returns a reusable cutter.
 *
 * @example
 * const cutter = await createWindowCutter();
 * const windows = cutter.cut("app/views.py", text, [42, 43], detector.budget);
 */
export async function createWindowCutter(): Promise<WindowCutter> {
  const parser = await createPythonParser();
  return { cut: (path, source, changedLines, budget) => cutWindows(parser, path, source, changedLines, budget) };
}

function splitLines(source: string): string[] {
  if (source === "") return [];
  const lines = source.split("\n");
  if (source.endsWith("\n")) lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

function cutWindows(
  parser: PythonParser,
  path: string,
  source: string,
  changedLines: readonly number[] | "all",
  budget: TokenBudget,
): Window[] {
  const lines = splitLines(source);
  if (lines.length === 0) return [];
  const tree = parser.parse(source);
  let units: ReturnType<typeof findUnits>;
  try {
    units = findUnits(tree.rootNode, lines);
  } finally {
    tree.delete();
  }

  const changedRows =
    changedLines === "all"
      ? lines.map((_, row) => row)
      : [...new Set(changedLines)].map((line) => line - 1).filter((row) => row >= 0 && row < lines.length);

  // Group changed rows by unit, in file order of the units.
  const byUnit = new Map<Unit, Set<number>>();
  for (const row of changedRows) {
    const unit = units.unitOfRow[row];
    if (!unit) continue; // every row has a unit; this only satisfies the type checker
    let rows = byUnit.get(unit);
    if (!rows) byUnit.set(unit, (rows = new Set()));
    rows.add(row);
  }
  const ordered = [...byUnit.entries()].sort(([a], [b]) => a.start - b.start || a.end - b.end);

  const costCache = new Map<number, number>();
  const cost = (row: number): number => {
    let c = costCache.get(row);
    if (c === undefined) costCache.set(row, (c = budget.countTokens(lines[row] ?? "")));
    return c;
  };
  const total = (rows: Iterable<number>) => {
    let sum = 0;
    for (const row of rows) sum += cost(row);
    return sum;
  };

  const windows: Window[] = [];
  const toWindow = (rows: Iterable<number>, focus: Iterable<number>): Window => {
    const sorted = [...new Set(rows)].sort((a, b) => a - b);
    return {
      path,
      lines: sorted.map((row) => lines[row] ?? ""),
      lineNumbers: sorted.map((row) => row + 1),
      focusLines: [...focus].sort((a, b) => a - b).map((row) => row + 1),
    };
  };

  for (const [unit, focus] of ordered) {
    const unitRows = range(unit.start, unit.end);
    const whole = new Set([...units.importRows, ...unitRows]);
    if (total(whole) <= budget.maxTokens) {
      windows.push(toWindow(whole, focus));
      continue;
    }
    const half = budget.maxTokens / 2;
    const prefix = new Set<number>(total(units.importRows) < half ? units.importRows : []);
    // The signature tells the model what the chunk belongs to; keep it while it stays small.
    if (total(new Set([...prefix, ...unit.header])) < half) unit.header.forEach((row) => prefix.add(row));
    const capacity = Math.max(1, budget.maxTokens - total(prefix));
    for (const chunk of chunkRows(unitRows, cost, capacity, prefix)) {
      const chunkFocus = chunk.filter((row) => focus.has(row));
      if (chunkFocus.length > 0) windows.push(toWindow([...prefix, ...chunk], chunkFocus));
    }
  }
  return windows;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}
