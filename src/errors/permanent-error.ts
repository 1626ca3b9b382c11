/**
 * Something no retry can fix: a missing permission, a deleted pull request, a model bundle
 * that does not match. The queue gives up at once and the check run completes with
 * `failure` and this message, so it must say what to do.
 */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a {@link PermanentError}, also after it lost its prototype (checks `name`). */
export function isPermanentError(error: unknown): boolean {
  return error instanceof PermanentError || (error instanceof Error && error.name === "PermanentError");
}
