/**
 * Validates a request cwe-review sends to GitHub against GitHub's OpenAPI description for
 * that operation (see operations.ts), so a body GitHub would refuse with 422 fails the test
 * instead of passing against a lenient mock.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import formatsModule from "ajv-formats";
import { matchOperation, type JsonSchema, type Operation } from "./operations.js";

// ajv-formats is CommonJS: under Node's ESM loader the default import is module.exports.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => Ajv;

/** Thrown when a request does not match GitHub's description; carries the operation and each violation. */
export class OpenApiViolation extends Error {
  override readonly name = "OpenApiViolation";
  constructor(
    readonly method: string,
    readonly url: string,
    readonly operationId: string | undefined,
    readonly violations: string[],
  ) {
    super(`${operationId ?? "unknown operation"} (${method.toUpperCase()} ${url}): ${violations.join("; ")}`);
  }
}

// Bodies: exact types. Path and query values arrive as strings, so those coerce.
const bodyAjv = addFormats(new Ajv({ strict: false, allErrors: true }));
const paramAjv = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: true }));
const compiled = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, key: string, schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const field = `${where}${e.instancePath}`;
    const extra = e.keyword === "additionalProperties" ? ` "${String(e.params["additionalProperty"])}"` : e.keyword === "enum" ? `: ${JSON.stringify(e.params["allowedValues"])}` : "";
    return `${field} ${e.message ?? e.keyword}${extra}`;
  });
}

function parameters(op: Operation, kind: "path" | "query", values: Record<string, string>): string[] {
  const declared = kind === "path" ? op.pathParameters : op.queryParameters;
  const out: string[] = [];
  for (const name of Object.keys(values)) if (!declared[name]) out.push(`${kind} parameter "${name}" is not accepted by ${op.id}`);
  for (const [name, { required, schema }] of Object.entries(declared)) {
    const value = values[name];
    if (value === undefined) {
      if (required) out.push(`${kind} parameter "${name}" is required`);
      continue;
    }
    // Wrapped in an object so coercion has a parent to write the coerced value to.
    const fn = validator(paramAjv, `${op.id}:${kind}:${name}`, { type: "object", properties: { [name]: schema } });
    if (!fn({ [name]: value })) out.push(...describe(`${kind} parameter`, fn.errors));
  }
  return out;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  if (body === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

/**
 * Throws {@link OpenApiViolation} unless `method url` is an operation cwe-review may call and
 * its path parameters, query and body satisfy GitHub's description (plus the restrictions
 * GitHub documents only in prose: no unknown fields, `side` LEFT/RIGHT, ≤ 50 annotations,
 * `conclusion` when completed, `per_page` ≤ 100).
 *
 * @param url  full URL (api.github.com or `https://<ghe-host>/api/v3/...`) or a path with query
 * @param body parsed JSON, a JSON string, or undefined
 * @example
 * validateRequest("PATCH", "https://api.github.com/repos/o/r/check-runs/1", { status: "completed" });
 * // throws: checks/update (PATCH …): body must have required property 'conclusion'
 */
export function validateRequest(method: string, url: string, body: unknown): void {
  const matched = matchOperation(method, url);
  if (!matched) throw new OpenApiViolation(method, url, undefined, ["no operation cwe-review uses has this method and path (add it to scripts/openapi/extract-operations.ts)"]);
  const { op, params, query } = matched;
  const violations = [...parameters(op, "path", params), ...parameters(op, "query", query)];
  const parsed = parseBody(body);
  if (!op.requestBody) {
    if (parsed !== undefined && !(typeof parsed === "object" && parsed !== null && Object.keys(parsed).length === 0)) violations.push(`${op.id} takes no request body`);
  } else if (parsed === undefined) {
    if (op.requestBody.required) violations.push("request body is required");
  } else {
    const fn = validator(bodyAjv, `${op.id}:body`, op.requestBody.schema);
    if (!fn(parsed)) violations.push(...describe("body", fn.errors));
  }
  if (violations.length > 0) throw new OpenApiViolation(method, url, op.id, violations);
}
