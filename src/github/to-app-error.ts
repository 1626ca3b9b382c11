import { RetryableError } from "../errors/retryable-error.js";
import { PermanentError } from "../errors/permanent-error.js";

interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Octokit's RequestError, recognised by name and status (it may come from another copy of the package). */
export function isRequestError(error: unknown): error is RequestErrorLike {
  return error instanceof Error && error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

/** GitHub status of a failed request, or undefined when it is no Octokit RequestError. */
export function requestStatus(error: unknown): number | undefined {
  return isRequestError(error) ? error.status : undefined;
}

function isRateLimited(error: RequestErrorLike): boolean {
  const headers = error.response?.headers ?? {};
  // Primary limit: 403/429 with x-ratelimit-remaining 0; secondary: 403/429 with retry-after
  // (docs: "Rate limits for the REST API", "Exceeding the rate limit").
  return String(headers["x-ratelimit-remaining"]) === "0" || headers["retry-after"] !== undefined;
}

/**
 * Sorts a failed GitHub call by what to do about it: 5xx, 429, rate limits, 401 (a token that
 * expired mid-job) and network failures are retryable; other 4xx mean no retry will help.
 * Errors that are not GitHub's pass through unchanged.
 *
 * @param what the call, for the message, e.g. "list the pull request's files"
 */
export function toAppError(error: unknown, what: string): unknown {
  if (!isRequestError(error)) return error;
  const status = error.status;
  if (status >= 500 || status === 429 || status === 401 || (status === 403 && isRateLimited(error))) {
    return new RetryableError(`GitHub answered ${status} when trying to ${what}; will retry`, { cause: error });
  }
  const hint =
    status === 403 ? "check the GitHub App's permissions (checks: write, pull requests: write, contents: read)"
    : status === 404 ? "the repository or pull request is gone, or the app lost access to it"
    : "GitHub rejected the request";
  return new PermanentError(`GitHub answered ${status} when trying to ${what}: ${hint}`, { cause: error });
}

/** Runs one GitHub call and maps its failure with {@link toAppError}. */
export async function callGitHub<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAppError(error, what);
  }
}
