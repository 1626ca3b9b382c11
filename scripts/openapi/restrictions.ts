/**
 * Restrictions GitHub enforces (or documents in prose) that its OpenAPI description does
 * not state as schema, so a validator built from the description alone would let through
 * request bodies GitHub answers with 422. Each entry says where GitHub documents it.
 */

/** A JSON Schema node; the description's schemas are plain JSON. */
export type Schema = Record<string, unknown>;

/** GitHub takes at most 50 annotations per request ("Update a check run", `output.annotations`). */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

/** "The number of results per page (max 100)" (every paginated endpoint's `per_page`). */
export const MAX_PER_PAGE = 100;

/**
 * Forbids fields the description does not list on every object schema reachable through
 * `properties` / `items` from the request body root. The description allows extra fields,
 * so a misspelled `start_lin` would pass it while GitHub ignores or rejects it. Branches of
 * `anyOf`/`oneOf` are partial schemas (they restate one field), so they are left alone.
 */
export function closeObjects(schema: Schema): Schema {
  const out: Schema = { ...schema };
  const properties = out["properties"] as Record<string, Schema> | undefined;
  if (properties) {
    out["properties"] = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, closeObjects(v)]));
    if (out["additionalProperties"] === undefined) out["additionalProperties"] = false;
  }
  const items = out["items"] as Schema | undefined;
  if (items && typeof items === "object" && !Array.isArray(items)) out["items"] = closeObjects(items);
  return out;
}

/** Walks `properties` by name; throws when the description's shape changed under us. */
export function at(schema: Schema, ...names: string[]): Schema {
  let node = schema;
  for (const name of names) {
    const next = name === "[]" ? node["items"] : (node["properties"] as Record<string, unknown> | undefined)?.[name];
    if (!next || typeof next !== "object") throw new Error(`openapi: no "${names.join(".")}" in schema; the description changed, update scripts/openapi/restrictions.ts`);
    node = next as Schema;
  }
  return node;
}

/** Check runs: ≤ 50 annotations, the three levels, and `conclusion` whenever the run is completed. */
export function restrictCheckRun(body: Schema): Schema {
  const annotations = at(body, "output", "annotations");
  annotations["maxItems"] = MAX_ANNOTATIONS_PER_REQUEST;
  at(annotations, "[]", "annotation_level")["enum"] = ["notice", "warning", "failure"];
  // "conclusion: Required if you provide completed_at or a status of completed" (Create a check run).
  const needConclusion: Schema[] = [
    { if: { required: ["status"], properties: { status: { const: "completed" } } }, then: { required: ["conclusion"] } },
    { if: { required: ["completed_at"] }, then: { required: ["conclusion"] } },
  ];
  body["allOf"] = [...((body["allOf"] as Schema[] | undefined) ?? []), ...needConclusion];
  return body;
}

/**
 * Review comments: `side`/`start_side` are LEFT or RIGHT ("Create a review for a pull
 * request"); a comment is placed by `line` (or the legacy `position`); a multi-line comment
 * needs both ends.
 */
export function restrictReview(body: Schema): Schema {
  const comment = at(body, "comments", "[]");
  for (const side of ["side", "start_side"]) at(comment, side)["enum"] = ["LEFT", "RIGHT"];
  comment["anyOf"] = [{ required: ["line"] }, { required: ["position"] }];
  // draft-07 `dependencies` (ajv's default draft ignores 2019-09 `dependentRequired`).
  comment["dependencies"] = { start_line: ["line"], start_side: ["start_line"] };
  return body;
}

/** `per_page` bounds that the description states only in prose. */
export function restrictQuery(name: string, schema: Schema): Schema {
  return name === "per_page" ? { ...schema, minimum: 1, maximum: MAX_PER_PAGE } : schema;
}

/** Drops prose and examples from a schema: the fixture keeps only what validates. */
export function stripDocs(value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stripDocs(v));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // Inside `properties` the keys are field names (a field may be called "description").
    if (!isPropertyMap && DOC_KEYWORDS.has(k)) continue;
    out[k] = stripDocs(v, !isPropertyMap && k === "properties");
  }
  return out;
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: ajv ignores it next to `enum`, so a
 * documented `conclusion: null` would fail. Rewrites it as JSON Schema (type list, null in enum).
 */
export function nullableToJsonSchema(value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => nullableToJsonSchema(v));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = nullableToJsonSchema(v, !isPropertyMap && k === "properties");
  if (!isPropertyMap && out["nullable"] === true) {
    delete out["nullable"];
    if (typeof out["type"] === "string") out["type"] = [out["type"], "null"];
    if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null];
  }
  return out;
}

const DOC_KEYWORDS = new Set(["description", "example", "examples", "title", "externalDocs"]);
