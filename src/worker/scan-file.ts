import type { Detector } from "../detector/detector.js";
import { changedLinesFromPatch, changedLinesFromTexts } from "../diff/changed-lines.js";
import type { Finding } from "../findings/finding.js";
import { getBlobText, getFileTextAt } from "../github/file-text.js";
import type { GitHubClient } from "../github/client.js";
import type { PullFile } from "../github/pull-files.js";
import type { RepoRef } from "../github/repo-ref.js";
import type { WindowCutter } from "../windows/cut-windows.js";

/** Windows per `detect` call: bounds memory on files with many changed units. */
export const WINDOWS_PER_DETECT = 32;

/** What scanning one file gave: its findings with what selection needs, or why it was skipped. */
export type FileScan =
  | { path: string; findings: Finding[]; changedLines: number[]; lines: string[]; windows: number }
  | { path: string; skipped: string };

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/**
 * Reads one changed Python file at the head commit, works out its changed (RIGHT-side)
 * lines, cuts windows around them and runs the detector. When GitHub sent no patch (binary
 * or very large diff) the file is read at the base commit too and diffed here.
 */
export async function scanFile(
  gh: GitHubClient,
  ref: RepoRef,
  file: PullFile,
  ctx: { baseSha: string; maxFileBytes: number; detector: Detector; cutter: WindowCutter },
): Promise<FileScan> {
  const path = file.filename;
  if (file.sha === null) return { path, skipped: "GitHub gave no blob for it" };
  const head = await getBlobText(gh, ref, file.sha, ctx.maxFileBytes);
  if ("skipped" in head) return { path, skipped: head.skipped };

  let changedLines: number[];
  if (file.patch !== undefined) {
    changedLines = changedLinesFromPatch(file.patch);
  } else if (file.status === "added") {
    changedLines = changedLinesFromTexts("", head.text);
  } else {
    const base = await getFileTextAt(gh, ref, file.previous_filename ?? path, ctx.baseSha, ctx.maxFileBytes);
    // Unreadable at the base: review the whole file rather than miss changed lines.
    changedLines = changedLinesFromTexts("skipped" in base ? "" : base.text, head.text);
  }

  const lines = splitLines(head.text);
  if (changedLines.length === 0) return { path, findings: [], changedLines, lines, windows: 0 };
  const windows = ctx.cutter.cut(path, head.text, changedLines, ctx.detector.budget);
  const findings: Finding[] = [];
  for (let i = 0; i < windows.length; i += WINDOWS_PER_DETECT) {
    findings.push(...(await ctx.detector.detect(windows.slice(i, i + WINDOWS_PER_DETECT))));
  }
  return { path, findings, changedLines, lines, windows: windows.length };
}
