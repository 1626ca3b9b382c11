import { requestStatus, callGitHub } from "./to-app-error.js";
import type { GitHubClient } from "./client.js";
import type { RepoRef } from "./repo-ref.js";

/** A file's text, or why it was skipped (shown in the check summary). */
export type FileText = { text: string } | { skipped: string };

/**
 * Decodes file bytes as UTF-8 text. `fatal: true` makes invalid UTF-8 an error instead of
 * U+FFFD replacements, so such files are reported as skipped rather than scanned garbled.
 */
export function decodeFileBytes(bytes: Uint8Array, maxBytes: number): FileText {
  if (bytes.byteLength > maxBytes) return { skipped: `larger than ${maxBytes} bytes` };
  if (bytes.includes(0)) return { skipped: "binary file" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { skipped: "not UTF-8 text" };
  }
}

/** 404/422 on one file means that file cannot be read: skip it, do not fail the review. */
function skippedFor(error: unknown): FileText | undefined {
  const status = requestStatus(error);
  return status === 404 || status === 422 ? { skipped: `GitHub could not return the file (${status})` } : undefined;
}

/**
 * Reads a git blob by its SHA (the `sha` of a pull request file) as text. The size is
 * checked from GitHub's answer before decoding.
 */
export async function getBlobText(gh: GitHubClient, ref: RepoRef, blobSha: string, maxBytes: number): Promise<FileText> {
  try {
    const { data } = await gh.rest.git.getBlob({ ...ref, file_sha: blobSha });
    if (data.size !== null && data.size !== undefined && data.size > maxBytes) return { skipped: `larger than ${maxBytes} bytes` };
    return decodeFileBytes(Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"), maxBytes);
  } catch (error) {
    const skipped = skippedFor(error);
    if (skipped) return skipped;
    return callGitHub("read a file", () => Promise.reject(error));
  }
}

/**
 * Reads a file at a commit (contents API). A missing file is `{ skipped }`; files over 1 MB,
 * which the contents API returns without content, are read through their blob.
 */
export async function getFileTextAt(
  gh: GitHubClient,
  ref: RepoRef,
  path: string,
  commitSha: string,
  maxBytes: number,
): Promise<FileText> {
  try {
    const { data } = await gh.rest.repos.getContent({ ...ref, path, ref: commitSha });
    if (Array.isArray(data) || data.type !== "file") return { skipped: "not a file" };
    if (data.size > maxBytes) return { skipped: `larger than ${maxBytes} bytes` };
    if (data.encoding === "base64" && data.content) return decodeFileBytes(Buffer.from(data.content, "base64"), maxBytes);
    return getBlobText(gh, ref, data.sha, maxBytes);
  } catch (error) {
    const skipped = skippedFor(error);
    if (skipped) return skipped;
    return callGitHub("read a file", () => Promise.reject(error));
  }
}
