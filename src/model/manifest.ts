import { z } from "zod";
import { SPECIAL, TOKENIZER_TYPE } from "../tokenizer/index.js";

/** An input/output entry: a bare name or an object with at least `name` (shape, type, …). */
const tensorEntry = z.union([z.string(), z.looseObject({ name: z.string() })]);

const probability = z.number().min(0).max(1);

/**
 * `manifest.json` of a model bundle (DESIGN.md "Model bundle", issue 4 point 5). Only the
 * fields serving needs are checked strictly; `data`, `training` and `eval` are kept as
 * they are for reports.
 */
export const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  format: z.literal(1),
  labels: z.array(z.string().regex(/^CWE-\d+$/, "labels are CWE ids such as CWE-89")).min(1),
  labelNames: z.record(z.string(), z.string()).optional(),
  thresholds: z.record(z.string(), probability),
  lineThreshold: probability,
  maxLength: z.number().int().min(2),
  tokenizer: z.object({
    type: z.literal(TOKENIZER_TYPE),
    vocab: z.string().min(1),
    special: z.object({
      pad: z.literal(SPECIAL.pad),
      cls: z.literal(SPECIAL.cls),
      sep: z.literal(SPECIAL.sep),
      mask: z.literal(SPECIAL.mask),
      unk: z.literal(SPECIAL.unk),
    }),
    byteOffset: z.number().int().min(0),
    vocabSize: z.number().int().min(1),
  }),
  inputs: z.array(tensorEntry).min(1),
  outputs: z.array(tensorEntry).min(1),
  data: z.unknown().optional(),
  training: z.unknown().optional(),
  eval: z.unknown().optional(),
});

/** A checked manifest. */
export type ModelManifest = z.infer<typeof manifestSchema>;

/** Tensor names the ONNX graph must have, per the bundle contract (issue 4). */
export const REQUIRED_INPUTS = ["input_ids", "attention_mask"] as const;
export const REQUIRED_OUTPUTS = ["window_logits", "token_logits"] as const;

/** Names of manifest `inputs`/`outputs` entries, whichever form they take. */
export function tensorNames(entries: ModelManifest["inputs"]): string[] {
  return entries.map((entry) => (typeof entry === "string" ? entry : entry.name));
}

/**
 * Checks a parsed `manifest.json`. Returns the problems in words (empty when it is fine):
 * schema errors, labels without a threshold, thresholds for unknown labels, tensor names
 * other than the contract's.
 */
export function checkManifest(raw: unknown): { manifest?: ModelManifest; problems: string[] } {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`) };
  }
  const manifest = parsed.data;
  const problems: string[] = [];
  const labels = new Set(manifest.labels);
  if (labels.size !== manifest.labels.length) problems.push("labels: duplicate label");
  for (const label of manifest.labels) {
    if (manifest.thresholds[label] === undefined) problems.push(`thresholds: no threshold for ${label}`);
  }
  for (const label of Object.keys(manifest.thresholds)) {
    if (!labels.has(label)) problems.push(`thresholds: ${label} is not in labels`);
  }
  problems.push(...missingNames("inputs", tensorNames(manifest.inputs), REQUIRED_INPUTS));
  problems.push(...missingNames("outputs", tensorNames(manifest.outputs), REQUIRED_OUTPUTS));
  return problems.length === 0 ? { manifest, problems } : { problems };
}

/** Problems when `actual` lacks a name of `required` (order does not matter). */
export function missingNames(where: string, actual: readonly string[], required: readonly string[]): string[] {
  return required.filter((name) => !actual.includes(name)).map((name) => `${where}: missing ${name} (has ${actual.join(", ") || "none"})`);
}
