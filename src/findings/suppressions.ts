/** True when the line's comment silences `cwe` (`# nosec`, `# cwe-review: ignore[...]`). */
export function isSuppressed(_lineText: string, _cwe: string): boolean {
  throw new Error("not implemented");
}
