import { EnvError, readAppEnv, readWorkerEnv } from "../../src/config/env.js";
import { loadPrivateKey } from "../../src/config/env-private-key.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
const BASE = { APP_ID: "12", PRIVATE_KEY: PEM, CWE_REVIEW_REDIS_URL: "redis://localhost:6379" };

describe("readWorkerEnv", () => {
  it("applies the documented defaults", () => {
    expect(readWorkerEnv(BASE)).toEqual({
      appId: 12,
      privateKey: PEM,
      redisUrl: "redis://localhost:6379",
      queueName: "cwe-review",
      githubBaseUrl: "https://api.github.com",
      modelDir: "models/cwe-review-small",
      concurrency: 1,
      logLevel: "info",
      maxFileBytes: 1_000_000,
      maxFiles: 3000,
    });
  });

  it.each([
    ["GHE_HOST → https://<host>/api/v3", { GHE_HOST: "github.example.com" }, { githubBaseUrl: "https://github.example.com/api/v3" }],
    ["GHE_PROTOCOL=http", { GHE_HOST: "ghe.local:8080", GHE_PROTOCOL: "http" }, { githubBaseUrl: "http://ghe.local:8080/api/v3" }],
    ["numbers are parsed", { WORKER_CONCURRENCY: "4", MAX_FILE_BYTES: "2048", MAX_FILES: "10" }, { concurrency: 4, maxFileBytes: 2048, maxFiles: 10 }],
    ["MAX_FILES is capped at GitHub's 3000", { MAX_FILES: "5000" }, { maxFiles: 3000 }],
    ["empty values count as unset", { QUEUE_NAME: "", MODEL_DIR: "" }, { queueName: "cwe-review", modelDir: "models/cwe-review-small" }],
    ["PEM with literal \\n", { PRIVATE_KEY: PEM.replace(/\n/g, "\\n") }, { privateKey: PEM }],
    ["base64 of the PEM", { PRIVATE_KEY: Buffer.from(PEM).toString("base64") }, { privateKey: PEM }],
    ["LOG_LEVEL", { LOG_LEVEL: "debug" }, { logLevel: "debug" }],
  ])("%s", (_name, extra, expected) => {
    expect(readWorkerEnv({ ...BASE, ...extra })).toMatchObject(expected);
  });

  it.each([
    ["APP_ID missing", { APP_ID: undefined }, "APP_ID: set it to the GitHub App's numeric id"],
    ["APP_ID not a number", { APP_ID: "abc" }, "APP_ID: set it to the GitHub App's numeric id"],
    ["no key at all", { PRIVATE_KEY: undefined }, "PRIVATE_KEY: set PRIVATE_KEY (the PEM text) or PRIVATE_KEY_PATH"],
    ["key is not PEM", { PRIVATE_KEY: "hello" }, "PRIVATE_KEY: not a PEM private key"],
    ["Redis URL missing", { CWE_REVIEW_REDIS_URL: undefined }, "CWE_REVIEW_REDIS_URL: set it to the Redis the app and the workers share"],
    ["Redis URL not redis://", { CWE_REVIEW_REDIS_URL: "localhost:6379" }, "CWE_REVIEW_REDIS_URL: expected a redis:// or rediss:// URL"],
    ["GHE_HOST with a scheme", { GHE_HOST: "https://ghe.example.com" }, "GHE_HOST: give the host name only"],
    ["concurrency 0", { WORKER_CONCURRENCY: "0" }, "WORKER_CONCURRENCY: must be at least 1"],
    ["unknown log level", { LOG_LEVEL: "loud" }, "LOG_LEVEL: use one of"],
  ])("%s → an EnvError that says what to do", (_name, change, message) => {
    const env: Record<string, string | undefined> = { ...BASE, ...change };
    expect(() => readWorkerEnv(env)).toThrow(EnvError);
    expect(() => readWorkerEnv(env)).toThrow(message);
  });

  it("lists every problem at once", () => {
    let message = "";
    try {
      readWorkerEnv({});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4).split(":")[0]).sort()).toEqual(["APP_ID", "CWE_REVIEW_REDIS_URL", "PRIVATE_KEY"]);
  });

  it("reads PRIVATE_KEY_PATH and reports an unreadable file", () => {
    expect(readWorkerEnv({ ...BASE, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "k.pem" }, () => PEM).privateKey).toBe(PEM);
    const missing = () => {
      throw Object.assign(new Error("nope"), { code: "ENOENT" });
    };
    expect(loadPrivateKey(undefined, "k.pem", missing)).toEqual({ error: expect.stringContaining("PRIVATE_KEY_PATH: cannot read k.pem (ENOENT)") });
  });

  it("does not use Probot's REDIS_URL for our queue", () => {
    expect(() => readWorkerEnv({ ...BASE, CWE_REVIEW_REDIS_URL: undefined, REDIS_URL: "redis://x:1" })).toThrow("CWE_REVIEW_REDIS_URL");
  });
});

describe("readAppEnv", () => {
  it("needs only the Redis URL and has a default queue name", () => {
    expect(readAppEnv({ CWE_REVIEW_REDIS_URL: "rediss://r:6380/0" })).toEqual({ redisUrl: "rediss://r:6380/0", queueName: "cwe-review" });
    expect(() => readAppEnv({})).toThrow("CWE_REVIEW_REDIS_URL");
  });
});
