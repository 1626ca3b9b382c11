/**
 * Something a later attempt can fix: GitHub 5xx, a rate limit, a Redis hiccup. The queue
 * retries the job with backoff.
 *
 * Errors cross process boundaries serialized (BullMQ stores them in Redis), so callers
 * check `name` through {@link isRetryableError}, never the message text.
 */
export class RetryableError extends Error {
  override readonly name = "RetryableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a {@link RetryableError}, also after it lost its prototype (checks `name`). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof RetryableError || (error instanceof Error && error.name === "RetryableError");
}
