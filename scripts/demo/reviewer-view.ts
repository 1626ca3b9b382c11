/**
 * What a reviewer sees on the pull request, as plain text: each inline comment under the code
 * it sits on (file, line numbers, the commented lines marked), then the check run. Pure:
 * takes what the stand-in GitHub recorded, returns lines.
 */

/** One posted review comment (GitHub's fields that matter here). */
export interface PostedComment {
  path: string;
  line: number | null;
  start_line: number | null;
  body: string;
}

/** The completed check run. */
export interface FinishedCheck {
  name: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: number;
}

/** Lines of code shown around a comment. */
const CONTEXT = 2;

/** Markdown as a terminal shows it best: hidden markers gone, links as their text, `**` dropped. */
export function plainMarkdown(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<\/?sub>/g, "")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 <$2>")
    .replace(/\*\*/g, "")
    .replace(/&lt;/g, "<")
    .trim();
}

/**
 * Renders each comment in its code context.
 * @param fileAt returns a file's text at the reviewed commit (undefined if unknown)
 */
export function renderComments(comments: readonly PostedComment[], fileAt: (path: string) => string | undefined): string[] {
  const out: string[] = [];
  comments.forEach((c, i) => {
    const end = c.line ?? 0;
    const start = c.start_line ?? end;
    out.push(`── ${i + 1}/${comments.length}  ${c.path}:${start === end ? end : `${start}-${end}`} ${"─".repeat(Math.max(4, 60 - c.path.length))}`);
    const lines = fileAt(c.path)?.split("\n") ?? [];
    const width = String(end + CONTEXT).length;
    for (let n = Math.max(1, start - CONTEXT); n <= Math.min(lines.length, end + CONTEXT); n++) {
      const marked = n >= start && n <= end;
      out.push(`${marked ? ">" : " "} ${String(n).padStart(width)} │ ${lines[n - 1] ?? ""}`);
    }
    out.push("");
    for (const line of plainMarkdown(c.body).split("\n")) out.push(`    ${line}`.trimEnd());
    out.push("");
  });
  return out;
}

/** Renders the check run as the Checks tab shows it: name, conclusion, title, summary. */
export function renderCheck(check: FinishedCheck): string[] {
  return [
    `── check run "${check.name}": ${check.status}, conclusion ${check.conclusion ?? "none"}, ${check.annotations} annotation(s) ${"─".repeat(20)}`,
    check.title ?? "",
    "",
    ...(check.summary ?? "").split("\n").map((l) => `    ${l}`.trimEnd()),
  ];
}
