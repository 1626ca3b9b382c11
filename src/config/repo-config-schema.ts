import { z } from "zod";

/** Where the reviewed repository keeps its settings (read at the pull request's base commit, so a PR cannot switch off its own review). */
export const REPO_CONFIG_PATH = ".github/cwe-review.yml";

const UNIT_INTERVAL = "must be a number from 0 to 1";
const FAIL_ON = 'must be "any", "none", or a confidence from 0 to 1';
const unitInterval = (error = UNIT_INTERVAL) => z.number({ error }).min(0, { error }).max(1, { error });

const globs = z.array(z.string({ error: "must be a glob string" }), {
  error: 'must be a list of glob strings, e.g. ["**/*.py"]',
});

/**
 * Schema of `.github/cwe-review.yml`: every key optional, unknown keys rejected (a typo such
 * as `treshold` should be reported, not silently ignored).
 */
export const repoConfigFileSchema = z.strictObject({
  paths: z
    .strictObject(
      { include: globs.optional(), exclude: globs.optional() },
      { error: "must be a map with `include` and/or `exclude` lists of globs" },
    )
    .optional(),
  skipCwes: z
    .array(
      z
        .string({ error: 'must be a CWE id such as "CWE-330"' })
        .regex(/^cwe-\d+$/i, { error: 'must be a CWE id such as "CWE-330"' })
        .transform((id) => id.toUpperCase()),
      { error: 'must be a list of CWE ids, e.g. ["CWE-330"]' },
    )
    .optional(),
  threshold: unitInterval().optional(),
  failOn: z
    .union([z.literal("any"), z.literal("none"), unitInterval(FAIL_ON)], { error: FAIL_ON })
    .optional(),
  inlineComments: z.boolean({ error: "must be true or false" }).optional(),
  maxInlineComments: z
    .number({ error: "must be a whole number from 0 to 1000" })
    .int({ error: "must be a whole number from 0 to 1000" })
    .min(0, { error: "must be a whole number from 0 to 1000" })
    .max(1000, { error: "must be a whole number from 0 to 1000" })
    .optional(),
  drafts: z.boolean({ error: "must be true or false" }).optional(),
});

/** The keys a config file may use, for error messages. */
export const REPO_CONFIG_KEYS = Object.keys(repoConfigFileSchema.shape);
