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

/** Installation clients kept per worker process; the oldest is dropped past this. */
const MAX_CACHED_CLIENTS = 500;

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
  // One client per installation, so its token (valid an hour, refreshed by auth-app) is reused across jobs.
  const clients = new Map<number, GitHubClient>();
  const create = (installationId: number): GitHubClient =>
    new RetryingOctokit({
      baseUrl: options.baseUrl,
      userAgent: "cwe-review",
      // Octokit logs every failed request at error level; we map and report failures
      // ourselves (a 404 on the repo config is normal), so only its warnings go through.
      log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
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
  return (installationId) => {
    let client = clients.get(installationId);
    if (!client) {
      if (clients.size >= MAX_CACHED_CLIENTS) clients.delete(clients.keys().next().value as number);
      clients.set(installationId, (client = create(installationId)));
    }
    return client;
  };
}
