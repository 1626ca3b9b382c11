/**
 * Extracts the GitHub REST operations cwe-review calls from `@octokit/openapi` into a small
 * fixture, `test/support/openapi/operations.json`, so tests validate request bodies against
 * GitHub's own description without loading the 78 MB dereferenced spec each time.
 *
 * Run: `npm run openapi:extract` (then commit the fixture). It fails if an operation is
 * missing from the api.github.com description or from GitHub Enterprise Server 3.19, the
 * oldest GHES we claim to support.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { closeObjects, nullableToJsonSchema, restrictCheckRun, restrictQuery, restrictReview, stripDocs, type Schema } from "./restrictions.js";

/** The operations the app and worker call, with the restrictions each request body gets. */
const OPERATIONS: Record<string, (body: Schema) => Schema> = {
  "apps/create-installation-access-token": (b) => b,
  "checks/create": restrictCheckRun,
  "checks/update": restrictCheckRun,
  "checks/list-annotations": (b) => b,
  "pulls/get": (b) => b,
  "pulls/list": (b) => b,
  "pulls/list-files": (b) => b,
  "pulls/list-review-comments": (b) => b,
  "pulls/create-review": restrictReview,
  "git/get-blob": (b) => b,
  "repos/get-content": (b) => b,
};

const GHES_CHECKED = "ghes-3.19";

interface Spec {
  info: { version: string };
  paths: Record<string, Record<string, SpecOperation>>;
}
interface SpecOperation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema; examples?: Record<string, { value: unknown }> }> }>;
}

const require = createRequire(import.meta.url);
const specDir = join(dirname(require.resolve("@octokit/openapi/package.json")), "generated");
const out = join(dirname(fileURLToPath(import.meta.url)), "../../test/support/openapi/operations.json");

function load(name: string): Spec {
  const started = Date.now();
  const spec = JSON.parse(readFileSync(join(specDir, `${name}.json`), "utf8")) as Spec;
  console.error(`openapi: loaded ${name} in ${Date.now() - started} ms`);
  return spec;
}

function find(spec: Spec, id: string): { method: string; path: string; op: SpecOperation } | undefined {
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) if (op.operationId === id) return { method: method.toUpperCase(), path, op };
  }
  return undefined;
}

function extract(id: string, spec: Spec, ghes: Spec): Record<string, unknown> {
  const found = find(spec, id);
  if (!found) throw new Error(`openapi: ${id} is not in api.github.com; check its operationId in @octokit/openapi`);
  const { method, path, op } = found;
  const onGhes = find(ghes, id);
  if (!onGhes || onGhes.path !== path || onGhes.method !== method) throw new Error(`openapi: ${id} (${method} ${path}) is not in ${GHES_CHECKED}`);

  const success = Object.keys(op.responses).filter((s) => s.startsWith("2")).sort()[0];
  if (!success) throw new Error(`openapi: ${id} documents no 2xx response`);
  const content = op.responses[success]?.content?.["application/json"];
  const body = op.requestBody?.content["application/json"]?.schema;
  const restrict = OPERATIONS[id] ?? ((b: Schema) => b);
  const clean = (schema: unknown) => nullableToJsonSchema(stripDocs(schema)) as Schema;
  const params = (where: string) =>
    Object.fromEntries((op.parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, { required: p.required === true, schema: restrictQuery(p.name, clean(p.schema)) }]));

  return {
    id,
    method,
    path,
    successStatus: Number(success),
    pathParameters: params("path"),
    queryParameters: params("query"),
    requestBody: body ? { required: op.requestBody?.required === true, schema: restrict(closeObjects(clean(body))) } : null,
    response: {
      schema: content?.schema ? clean(content.schema) : null,
      // The first documented example: the stand-in GitHub builds its answers on these shapes.
      example: content?.examples ? Object.values(content.examples)[0]?.value ?? null : null,
    },
  };
}

const spec = load("api.github.com.deref");
const ghes = load(GHES_CHECKED);
const operations = Object.keys(OPERATIONS).map((id) => extract(id, spec, ghes));
const fixture = {
  generatedBy: "scripts/openapi/extract-operations.ts",
  source: { package: "@octokit/openapi", version: spec.info.version, description: "api.github.com", alsoCheckedIn: [GHES_CHECKED] },
  operations,
};
writeFileSync(out, JSON.stringify(fixture, null, 1) + "\n");
console.error(`openapi: wrote ${operations.length} operations to ${out}`);
