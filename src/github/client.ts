import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";

/** The worker's GitHub client: REST + GraphQL, authenticated as one installation. */
export type GitHubClient = Octokit;

/** Creates a client for an installation; the worker makes one per job. */
export type GitHubClientFactory = (installationId: number) => GitHubClient;

const RetryingOctokit = Octokit.plugin(retry, throttling);

/** Retries on a primary or secondary rate limit before the error reaches the queue's backoff. */
const RATE_LIMIT_RETRIES = 2;

export interface GitHubClientOptions {
  appId: number;
  privateKey: string;
  /** `https://api.github.com`, or `https://<GHE_HOST>/api/v3` for GitHub Enterprise Server. */
  baseUrl: string;
  /** Overrides for @octokit/plugin-retry and @octokit/plugin-throttling (tests shorten the waits). */
  retry?: { enabled?: boolean; retries?: number; retryAfterBaseValue?: number };
  throttle?: { enabled?: boolean };
  log?: { warn(message: string): void };
}

/**
 * Builds installation-authenticated Octokit clients with @octokit/plugin-retry (retries
 * 5xx with backoff) and @octokit/plugin-throttling (waits out rate limits, including the
 * secondary limits that fast comment posting triggers). Installation tokens are fetched and
 * refreshed by @octokit/auth-app through the same base URL, so GHES works unchanged.
 */
export function createGitHubClientFactory(options: GitHubClientOptions): GitHubClientFactory {
  const warn = options.log?.warn.bind(options.log) ?? (() => undefined);
  return (installationId) =>
    new RetryingOctokit({
      baseUrl: options.baseUrl,
      userAgent: "cwe-review",
      authStrategy: createAppAuth,
      auth: { appId: options.appId, privateKey: options.privateKey, installationId },
      retry: options.retry,
      throttle: {
        enabled: options.throttle?.enabled ?? true,
        onRateLimit: (retryAfter, request, _octokit, retryCount) => {
          warn(`GitHub rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
          warn(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
      },
    });
}
