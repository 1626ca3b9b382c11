/**
 * A slice of one Python file the model reads at once: the file's imports, then the
 * enclosing function or class of changed lines (or a chunk of it when it is too long).
 * Lines are kept whole; `lines[i]` is the file's line `lineNumbers[i]`.
 */
export interface Window {
  path: string;
  /** Source lines of the window, in order, without trailing newlines. */
  lines: string[];
  /** 1-based file line number of each entry in `lines` (same length). */
  lineNumbers: number[];
  /** File lines (1-based) in this window that the change touched: findings are kept only here. */
  focusLines: number[];
}
