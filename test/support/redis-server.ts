import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** A private redis-server for one test file (or one demo/bench run). */
export interface RedisHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port with no persistence, in its own temp directory,
 * and resolves once it accepts connections. Needs `redis-server` on PATH
 * (Debian: `apt-get install redis-server`; `.ci/run` installs it).
 *
 * @example
 * const redis = await startRedis();   // in beforeAll
 * ...new Queue(`test-${randomUUID()}`, { connection: { url: redis.url } })
 * await redis.stop();                 // in afterAll
 */
export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cwe-review-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
      // BullMQ needs Redis never to evict its keys (going-to-production.md).
      "--maxmemory-policy", "noeviction"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port} within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (install it: apt-get install redis-server): ${error.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
