import { readFileSync } from "node:fs";

/**
 * The GitHub App's private key from `PRIVATE_KEY` (PEM, PEM with literal `\n`, or base64 of
 * the PEM, as Probot accepts) or from the file at `PRIVATE_KEY_PATH`.
 * Returns an error message that says what to do instead of throwing, so that the caller
 * can report it with the other environment problems at once.
 */
export function loadPrivateKey(
  key: string | undefined,
  path: string | undefined,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): { key: string } | { error: string } {
  let text = key;
  if (!text && path) {
    try {
      text = readFile(path);
    } catch (error) {
      return { error: `PRIVATE_KEY_PATH: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}); point it at the .pem file downloaded from the GitHub App's settings` };
    }
  }
  if (!text) {
    return { error: "PRIVATE_KEY: set PRIVATE_KEY (the PEM text) or PRIVATE_KEY_PATH (the .pem file) from the GitHub App's settings" };
  }
  text = text.replace(/\\n/g, "\n");
  if (!text.includes("-----BEGIN")) {
    // Probot's convention: a key that is not PEM may be base64 of the PEM (one-line env vars).
    const decoded = Buffer.from(text, "base64").toString("utf8");
    if (!decoded.includes("-----BEGIN")) {
      return { error: "PRIVATE_KEY: not a PEM private key (nor base64 of one); paste the whole .pem file including the BEGIN/END lines" };
    }
    text = decoded;
  }
  return { key: text };
}
