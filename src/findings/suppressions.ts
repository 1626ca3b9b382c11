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
// `cwe-review: ignore` (everything) or `cwe-review: ignore[CWE-89, CWE-78]` (those ids).
const IGNORE = /cwe-review:\s*ignore(?:\[([^\]]*)\])?/gi;

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
    const ids = list.split(/[\s,]+/).filter(Boolean).map((id) => id.toUpperCase());
    if (ids.includes(wanted)) return true;
  }
  return false;
}
