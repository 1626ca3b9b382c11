/**
 * One weakness the detector found: the contract between the model, the CLI's JSON,
 * inline comments and check-run annotations (see DESIGN.md, "Finding").
 *
 * @example
 * { path: "app/views.py", line: 42, endLine: 43, cwe: "CWE-89", name: "SQL Injection",
 *   confidence: 0.97, message: "…why…", fix: "…how…" }
 */
export interface Finding {
  /** Path relative to the repository (or as given to the CLI). */
  path: string;
  /** 1-based first line in the file as it is on disk (head side of a PR). */
  line: number;
  /** 1-based last line; equal to `line` for single-line findings. */
  endLine: number;
  /** MITRE id, e.g. "CWE-89". */
  cwe: string;
  /** MITRE weakness name, e.g. "SQL Injection". */
  name: string;
  /** Model score in [0, 1]. */
  confidence: number;
  /** Why this line is a weakness. */
  message: string;
  /** How to fix it. */
  fix: string;
}
