import { fileURLToPath } from "node:url";

/** The committed bundle the tests run against (MODEL_DIR overrides it, as for the worker). */
export const MODEL_DIR = process.env["MODEL_DIR"] ?? fileURLToPath(new URL("../../models/cwe-review-small", import.meta.url));
