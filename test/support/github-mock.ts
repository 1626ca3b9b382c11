import nock from "nock";
import { validateRequest } from "./openapi/validate-request.js";

/** A nock scope for one GitHub host that validates every request body against GitHub's OpenAPI description. */
export interface GitHubMock {
  scope: nock.Scope;
  /** Requests that did not match GitHub's description, as messages. */
  violations: string[];
  /** Bodies of the requests seen, in order, as `METHOD path` → body. */
  requests: { method: string; path: string; body: unknown }[];
}

/**
 * Mocks GitHub at `baseUrl` (`https://api.github.com` or `https://<host>/api/v3`). Every
 * intercepted REST request is checked with validateRequest; GraphQL (`/graphql`) is not REST
 * and is only recorded.
 */
export function mockGitHub(baseUrl: string): GitHubMock {
  const url = new URL(baseUrl);
  const scope = nock(url.origin);
  const violations: string[] = [];
  const requests: GitHubMock["requests"] = [];
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    const parsed = body ? (JSON.parse(body) as unknown) : undefined;
    requests.push({ method: req.method, path: req.path, body: parsed });
    if (req.path.endsWith("/graphql")) return;
    try {
      validateRequest(req.method, `${url.origin}${req.path}`, parsed);
    } catch (error) {
      violations.push((error as Error).message);
    }
  });
  return { scope, violations, requests };
}

/** The path prefix of REST calls for this base URL: "" for api.github.com, "/api/v3" for GHES. */
export function restPrefix(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/$/, "");
}

/** GraphQL endpoint path for this base URL (`/graphql`, or `/api/graphql` on GHES). */
export function graphqlPath(baseUrl: string): string {
  const prefix = restPrefix(baseUrl);
  return prefix === "" ? "/graphql" : prefix.replace(/\/v3$/, "/graphql");
}
