/**
 * The model bundle is missing, incomplete or does not match this build (labels,
 * tokenizer, input/output names). No retry fixes it: the worker stops at start and the
 * CLI exits 2, both with this message, which says what to do.
 *
 * Errors cross process boundaries serialized, so check `name` through
 * {@link isModelBundleError}, never the message text.
 */
export class ModelBundleError extends Error {
  override readonly name = "ModelBundleError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a {@link ModelBundleError}, also after it lost its prototype (checks `name`). */
export function isModelBundleError(error: unknown): boolean {
  return error instanceof ModelBundleError || (error instanceof Error && error.name === "ModelBundleError");
}

/** What to do about a bad bundle; appended to every {@link ModelBundleError} message. */
export const BUNDLE_HINT = "run `npm run train` to build one, or set MODEL_DIR (CLI: --model) to a bundle directory such as models/cwe-review-small";
