/**
 * The whole of cwe-review as separate processes, wired to the stand-in GitHub: a private
 * Redis, the Probot app (`npm start`) and N workers (`npm run worker`). Shared by the demo,
 * the end-to-end test and the benchmarks.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { startRedis, type RedisHandle } from "../../test/support/redis-server.js";
import type { FakeGitHub } from "../../test/support/fake-github/index.js";
import { startService, type Service } from "./service.js";
import { freePort } from "../../test/support/free-port.js";

/** How to start the stack. */
export interface StackOptions {
  /** Repository root (where package.json is). */
  root: string;
  github: FakeGitHub;
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Worker processes to start. */
  workers: number;
  /** WORKER_CONCURRENCY of each worker. Default 1. */
  concurrency?: number;
  /** MODEL_DIR. Default models/cwe-review-small. */
  modelDir?: string;
  /** Where each process's output goes (<name>.log). */
  logDir: string;
  /**
   * true (default): the commands users type, `npm start` / `npm run worker`. false: the
   * node commands those scripts run, so a benchmark can read each worker's own memory.
   */
  viaNpm?: boolean;
  /** More environment for app and workers. */
  env?: Record<string, string | undefined>;
  /** Seconds to wait for each process to be ready. Default 60. */
  readyTimeoutS?: number;
}

/** A running stack. */
export interface Stack {
  redis: RedisHandle;
  app: Service;
  workers: Service[];
  /** Where GitHub would POST webhooks. */
  webhookUrl: string;
  queueName: string;
  /** Adds workers (for the throughput benchmark). */
  addWorkers(n: number): Promise<Service[]>;
  /** Stops workers, app and Redis; safe to call twice. */
  stop(): Promise<void>;
}

async function waitForHealthy(url: string, app: Service, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (app.child.exitCode !== null) throw new Error(`the app exited (code ${app.child.exitCode}) while starting:\n${app.tail()}`);
    if (Date.now() > deadline) throw new Error(`the app did not answer ${url} within ${timeoutMs / 1000} s:\n${app.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts Redis, the app and the workers; resolves when the app answers /healthz and every worker has loaded its model. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const readyMs = (options.readyTimeoutS ?? 60) * 1000;
  const redis = await startRedis();
  const port = await freePort();
  const queueName = `cwe-review-${randomUUID().slice(0, 8)}`;
  // Probot reads REDIS_URL for its own throttling: keep it unset; ours is CWE_REVIEW_REDIS_URL.
  const inherited: Record<string, string | undefined> = { ...process.env };
  delete inherited["REDIS_URL"];
  const env: Record<string, string | undefined> = {
    ...inherited,
    NODE_ENV: "production",
    APP_ID: String(options.appId),
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: options.webhookSecret,
    GHE_HOST: options.github.host,
    GHE_PROTOCOL: "http",
    CWE_REVIEW_REDIS_URL: redis.url,
    QUEUE_NAME: queueName,
    MODEL_DIR: options.modelDir ?? "models/cwe-review-small",
    WORKER_CONCURRENCY: String(options.concurrency ?? 1),
    // Readiness is read from the worker's info line ("cwe-review worker: model …"); output goes to files.
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    HOST: "127.0.0.1",
    PORT: String(port),
    ...options.env,
  };
  const viaNpm = options.viaNpm ?? true;
  const spawnOpts = (name: string) => ({ cwd: options.root, env, logFile: join(options.logDir, `${name}.log`) });
  const app = viaNpm
    ? startService("app", "npm", ["start", "--silent"], spawnOpts("app"))
    : startService("app", process.execPath, ["node_modules/probot/bin/probot.js", "run", "./dist/src/app/index.js"], spawnOpts("app"));
  const workers: Service[] = [];
  const addWorkers = async (n: number): Promise<Service[]> => {
    const started = Array.from({ length: n }, () => {
      const name = `worker-${workers.length + 1}`;
      const w = viaNpm ? startService(name, "npm", ["run", "--silent", "worker"], spawnOpts(name)) : startService(name, process.execPath, ["dist/src/worker/main.js"], spawnOpts(name));
      workers.push(w);
      return w;
    });
    await Promise.all(started.map((w) => w.waitForLine(/cwe-review worker: model/, readyMs)));
    return started;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([...workers, app].map((s) => s.stop()));
    await redis.stop();
  };
  try {
    await Promise.all([waitForHealthy(`http://127.0.0.1:${port}/healthz`, app, readyMs), addWorkers(options.workers)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, app, workers, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`, queueName, addWorkers, stop };
}
