import { z } from "zod";
import { loadPrivateKey } from "./env-private-key.js";

/** What the app (webhook receiver) needs from the environment. Probot reads its own variables itself. */
export interface AppEnv {
  redisUrl: string;
  queueName: string;
}

/** What a worker process needs from the environment. */
export interface WorkerEnv extends AppEnv {
  appId: number;
  privateKey: string;
  /** REST base URL: `https://<GHE_HOST>/api/v3` for GitHub Enterprise Server, else api.github.com. */
  githubBaseUrl: string;
  modelDir: string;
  concurrency: number;
  logLevel: LogLevel;
  maxFileBytes: number;
  maxFiles: number;
}

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** Variables as in `process.env` (plain strings: Probot narrows some of `ProcessEnv`'s types). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Thrown when the environment is incomplete or wrong; the message lists every problem and what to do. */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** GitHub caps `pulls.listFiles` at 3,000 files (docs: "List pull requests files"). */
export const GITHUB_MAX_PULL_FILES = 3000;

const positiveInt = (name: string, fallback: number) =>
  z.coerce.number({ error: `${name}: expected a whole number` })
    .int({ error: `${name}: expected a whole number` })
    .positive({ error: `${name}: must be at least 1` })
    .default(fallback);

const appSchema = z.object({
  CWE_REVIEW_REDIS_URL: z
    .string({ error: "CWE_REVIEW_REDIS_URL: set it to the Redis the app and the workers share, e.g. redis://localhost:6379" })
    .regex(/^rediss?:\/\//, { error: "CWE_REVIEW_REDIS_URL: expected a redis:// or rediss:// URL, e.g. redis://localhost:6379" }),
  QUEUE_NAME: z.string().min(1).default("cwe-review"),
});

const workerSchema = appSchema.extend({
  APP_ID: z.coerce
    .number({ error: "APP_ID: set it to the GitHub App's numeric id (App settings → About)" })
    .int({ error: "APP_ID: expected the GitHub App's numeric id" })
    .positive({ error: "APP_ID: set it to the GitHub App's numeric id (App settings → About)" }),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, { error: "GHE_HOST: give the host name only, e.g. github.example.com (no scheme, no path)" })
    .optional(),
  GHE_PROTOCOL: z.enum(["https", "http"]).default("https"),
  MODEL_DIR: z.string().min(1).default("models/cwe-review-small"),
  WORKER_CONCURRENCY: positiveInt("WORKER_CONCURRENCY", 1),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"], {
      error: "LOG_LEVEL: use one of trace, debug, info, warn, error, fatal, silent",
    })
    .default("info"),
  MAX_FILE_BYTES: positiveInt("MAX_FILE_BYTES", 1_000_000),
  MAX_FILES: positiveInt("MAX_FILES", GITHUB_MAX_PULL_FILES),
});

function describe(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
  });
}

function fail(problems: string[]): never {
  throw new EnvError(`cwe-review: the environment is not complete:\n  - ${problems.join("\n  - ")}\nSee .env.example.`);
}

/** Empty strings count as unset, as in a `.env` file with `NAME=`. */
function withoutEmpty(source: EnvSource): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
}

/**
 * Reads the app's settings once, through a schema.
 * @throws {EnvError} listing every problem with what to do.
 */
export function readAppEnv(source: EnvSource = process.env): AppEnv {
  const parsed = appSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) fail(describe(parsed.error.issues));
  return { redisUrl: parsed.data.CWE_REVIEW_REDIS_URL, queueName: parsed.data.QUEUE_NAME };
}

/**
 * Reads a worker's settings once, through a schema, including the private key file.
 * @throws {EnvError} listing every problem with what to do.
 * @example readWorkerEnv({ APP_ID: "1", PRIVATE_KEY_PATH: "key.pem", CWE_REVIEW_REDIS_URL: "redis://localhost:6379" })
 */
export function readWorkerEnv(
  source: EnvSource = process.env,
  readFile?: (path: string) => string,
): WorkerEnv {
  const parsed = workerSchema.safeParse(withoutEmpty(source));
  const problems = parsed.success ? [] : describe(parsed.error.issues);
  const values = withoutEmpty(source);
  const key = loadPrivateKey(values.PRIVATE_KEY, values.PRIVATE_KEY_PATH, readFile);
  if ("error" in key) problems.push(key.error);
  if (!parsed.success || "error" in key) fail(problems);
  const d = parsed.data;
  return {
    redisUrl: d.CWE_REVIEW_REDIS_URL,
    queueName: d.QUEUE_NAME,
    appId: d.APP_ID,
    privateKey: key.key,
    githubBaseUrl: d.GHE_HOST ? `${d.GHE_PROTOCOL}://${d.GHE_HOST}/api/v3` : "https://api.github.com",
    modelDir: d.MODEL_DIR,
    concurrency: d.WORKER_CONCURRENCY,
    logLevel: d.LOG_LEVEL,
    maxFileBytes: d.MAX_FILE_BYTES,
    maxFiles: Math.min(d.MAX_FILES, GITHUB_MAX_PULL_FILES),
  };
}
