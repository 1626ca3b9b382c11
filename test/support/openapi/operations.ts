/**
 * The GitHub operations cwe-review calls, as extracted from `@octokit/openapi` by
 * `scripts/openapi/extract-operations.ts` (regenerate with `npm run openapi:extract`),
 * and the mapping from a request URL to its operation.
 */
import { readFileSync } from "node:fs";

/** A JSON Schema from GitHub's description (plus our restrictions). */
export type JsonSchema = Record<string, unknown>;

/** One REST operation of the fixture. */
export interface Operation {
  /** GitHub's operationId, e.g. "checks/update". */
  id: string;
  method: string;
  /** Path template, e.g. "/repos/{owner}/{repo}/check-runs/{check_run_id}". */
  path: string;
  successStatus: number;
  pathParameters: Record<string, { required: boolean; schema: JsonSchema }>;
  queryParameters: Record<string, { required: boolean; schema: JsonSchema }>;
  requestBody: { required: boolean; schema: JsonSchema } | null;
  /** The documented success response: schema and first example. */
  response: { schema: JsonSchema | null; example: unknown };
}

interface Fixture {
  source: { package: string; version: string };
  operations: Operation[];
}

/**
 * GraphQL is not in the REST description. The worker sends one mutation
 * (resolveReviewThread); GitHub needs a `query` string, and we always send `variables`.
 */
export const GRAPHQL_OPERATION: Operation = {
  id: "graphql",
  method: "POST",
  path: "/graphql",
  successStatus: 200,
  pathParameters: {},
  queryParameters: {},
  requestBody: {
    required: true,
    schema: {
      type: "object",
      required: ["query", "variables"],
      additionalProperties: false,
      properties: { query: { type: "string", minLength: 1 }, variables: { type: "object" }, operationName: { type: "string" } },
    },
  },
  response: { schema: null, example: null },
};

const fixture = JSON.parse(readFileSync(new URL("./operations.json", import.meta.url), "utf8")) as Fixture;

/** Every REST operation in the fixture, by id. */
export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(fixture.operations.map((op) => [op.id, op]));

/** The @octokit/openapi version the fixture was extracted from. */
export const OPENAPI_VERSION = fixture.source.version;

interface Matcher {
  op: Operation;
  pattern: RegExp;
  names: string[];
}

const matchers: Matcher[] = fixture.operations.map((op) => {
  const names: string[] = [];
  const source = op.path.replace(/\{(\w+)\}|[^{]+/g, (part, name: string | undefined) => {
    if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    names.push(name);
    // A file path may contain slashes (repos/get-content's {path} is the last segment).
    return name === "path" && op.path.endsWith("{path}") ? "(.+)" : "([^/]+)";
  });
  return { op, pattern: new RegExp(`^${source}$`), names };
});

/** What a URL resolves to: the operation, its path parameters and its query. */
export interface MatchedRequest {
  op: Operation;
  params: Record<string, string>;
  query: Record<string, string>;
}

/**
 * Maps a request to its operation by path template. Accepts api.github.com URLs, GitHub
 * Enterprise Server URLs (`https://<host>/api/v3/...`, GraphQL at `/api/graphql`), and bare
 * paths. Returns undefined when cwe-review is not supposed to call that endpoint.
 *
 * @example
 * matchOperation("PATCH", "https://ghe.example/api/v3/repos/o/r/check-runs/7")?.op.id // "checks/update"
 */
export function matchOperation(method: string, url: string): MatchedRequest | undefined {
  const parsed = new URL(url, "https://api.github.com");
  const query = Object.fromEntries(parsed.searchParams);
  const upper = method.toUpperCase();
  if (upper === "POST" && (parsed.pathname === "/graphql" || parsed.pathname === "/api/graphql")) {
    return { op: GRAPHQL_OPERATION, params: {}, query };
  }
  const pathname = parsed.pathname.startsWith("/api/v3/") ? parsed.pathname.slice("/api/v3".length) : parsed.pathname;
  for (const { op, pattern, names } of matchers) {
    if (op.method !== upper) continue;
    const m = pattern.exec(pathname);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? "")]));
    return { op, params, query };
  }
  return undefined;
}
