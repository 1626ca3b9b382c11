/** RIGHT-side line numbers added by a GitHub `patch` field (hunks only, no file headers). */
export function changedLinesFromPatch(_patch: string): number[] {
  throw new Error("not implemented");
}

/** When GitHub omits `patch` (binary/huge diffs): diff the two texts ourselves. */
export function changedLinesFromTexts(_before: string, _after: string): number[] {
  throw new Error("not implemented");
}
