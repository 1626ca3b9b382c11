import type { WindowBudget } from "../detector/detector.js";
import type { Window } from "./window.js";

/** How many tokens a window may hold and how to count them (same shape as the detector's budget). */
export type TokenBudget = WindowBudget;

/** Cuts a Python file into model windows around changed lines. */
export interface WindowCutter {
  cut(path: string, source: string, changedLines: readonly number[] | "all", budget: TokenBudget): Window[];
}

/** Loads tree-sitter-python once and returns a cutter that can be reused for many files. */
export async function createWindowCutter(): Promise<WindowCutter> {
  throw new Error("not implemented");
}
