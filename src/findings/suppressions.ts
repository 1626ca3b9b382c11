/**
 * The comment part of one Python line: the text after the first `#` that is not inside a
 * string literal, or null when there is none. A line is read on its own, so a `#` inside a
 * triple-quoted string that began on an earlier line is taken as a comment; the worst case is
 * a suppression marker written inside such a string.
 */
export function commentOf(lineText: string): string | null {
  let quote: string | null = null; // the delimiter of the open string: ', ", ''' or """
  for (let i = 0; i < lineText.length; i++) {
    const ch = lineText[i];
    if (quote !== null) {
      if (ch === "\\") i++; // an escaped character never closes the string (raw strings too)
      else if (lineText.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
    } else if (ch === "#") {
      return lineText.slice(i + 1);
    } else if (ch === "'" || ch === '"') {
      quote = lineText.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length - 1;
    }
  }
  return null;
}

// Bandit's marker: any `nosec`, with or without test ids, silences the line for us too.
const NOSEC = /(?:^|[^\w-])nosec\b/i;
// `cwe-review: ignore` (everything) or `cwe-review: ignore[CWE-89, CWE-78]` (those ids);
// not `ignore-file`, which is the file-wide marker below.
const IGNORE = /cwe-review:\s*ignore(?![\w-])(?:\[([^\]]*)\])?/gi;
// A comment-only line `# cwe-review: ignore-file` or `# cwe-review: ignore-file[CWE-330]`.
const IGNORE_FILE = /^\s*#.*cwe-review:\s*ignore-file(?![\w-])(?:\[([^\]]*)\])?/i;

const idsOf = (list: string): string[] => list.split(/[\s,]+/).filter(Boolean).map((id) => id.toUpperCase());

/**
 * Whether a finding of `cwe` on this line is silenced by a comment on the line: `# nosec`
 * (bare or with Bandit ids such as `# nosec B608`), `# cwe-review: ignore`, or
 * `# cwe-review: ignore[CWE-89, CWE-78]` for those CWEs only. Markers inside string
 * literals do not count.
 *
 * @example
 * isSuppressed('cur.execute(q)  # cwe-review: ignore[CWE-89]', "CWE-89") // → true
 * isSuppressed('log("# nosec")', "CWE-89") // → false
 */
export function isSuppressed(lineText: string, cwe: string): boolean {
  const comment = commentOf(lineText);
  if (comment === null) return false;
  if (NOSEC.test(comment)) return true;
  const wanted = cwe.trim().toUpperCase();
  for (const match of comment.matchAll(IGNORE)) {
    const list = match[1];
    if (list === undefined) return true;
    if (idsOf(list).includes(wanted)) return true;
  }
  return false;
}

/** What a file's `# cwe-review: ignore-file` lines silence: every CWE, or the listed ones. */
export interface FileSuppression {
  all: boolean;
  cwes: ReadonlySet<string>;
}

/**
 * Reads a file's file-wide markers: a line holding only a comment with
 * `cwe-review: ignore-file` silences every finding in the file (generated code, a vendored
 * copy, a deliberate test fixture), `cwe-review: ignore-file[CWE-330, CWE-338]` those CWEs.
 * Only comment-only lines count, so a marker inside code or a string on a code line does not
 * switch off a whole file.
 */
export function fileSuppression(lines: readonly string[]): FileSuppression {
  let all = false;
  const cwes = new Set<string>();
  for (const line of lines) {
    const match = IGNORE_FILE.exec(line);
    if (!match) continue;
    if (match[1] === undefined) all = true;
    else for (const id of idsOf(match[1])) cwes.add(id);
  }
  return { all, cwes };
}

/**
 * Whether a finding is silenced: by its file's `ignore-file` markers (`file`, from
 * {@link fileSuppression}) or by a line marker on any line of its range, so a finding reported
 * on lines 4-6 is silenced by `# nosec` on line 5.
 */
export function isFindingSuppressed(
  lines: readonly string[],
  finding: { line: number; endLine: number; cwe: string },
  file: FileSuppression = fileSuppression(lines),
): boolean {
  if (file.all || file.cwes.has(finding.cwe.trim().toUpperCase())) return true;
  for (let line = finding.line; line <= Math.max(finding.line, finding.endLine); line++) {
    if (isSuppressed(lines[line - 1] ?? "", finding.cwe)) return true;
  }
  return false;
}
