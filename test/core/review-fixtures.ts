import type { Finding } from "../../src/findings/finding.js";

/** A finding with sensible defaults; tests override what they are about. */
export function finding(over: Partial<Finding> = {}): Finding {
  return {
    path: "app/views.py",
    line: 3,
    endLine: 3,
    cwe: "CWE-89",
    name: "SQL Injection",
    confidence: 0.97,
    message: "User input is concatenated into an SQL query.",
    fix: "Pass the value as a query parameter.",
    ...over,
  };
}
