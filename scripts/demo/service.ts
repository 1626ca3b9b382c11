/**
 * A child process of the demo stack (the app or a worker) started as its own process group,
 * so stopping it also stops what npm started beneath it; its output goes to a log file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

/** A running service. */
export interface Service {
  name: string;
  child: ChildProcess;
  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** The last lines of its output, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Every service started and not yet stopped, so an exit handler can stop them all. */
export const running = new Set<Service>();

/**
 * Starts `command args` in `cwd` with `env`, output appended to `logFile` (and kept in
 * memory for `waitForLine`/`tail`).
 */
export function startService(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; onLine?: (line: string) => void }): Service {
  const log: WriteStream = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  let partial = "";
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 500) lines.shift();
      options.onLine?.(line);
      for (const w of waiters) if (w.pattern.test(line)) w.resolve(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const service: Service = {
    name,
    child,
    tail: (n = 20) => lines.slice(-n).join("\n"),
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (line: string) => {
            cleanup();
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not log ${pattern} within ${timeoutMs / 1000} s; its last output (${options.logFile}):\n${service.tail()}`));
        }, timeoutMs);
        void exited.then(() => {
          cleanup();
          reject(new Error(`${name} exited (code ${exit?.code}, signal ${exit?.signal}) before logging ${pattern}; its last output (${options.logFile}):\n${service.tail()}`));
        });
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    async stop(graceMs = 5000) {
      if (child.pid === undefined) return;
      const group = -child.pid;
      const signal = (s: NodeJS.Signals | 0): boolean => {
        try {
          process.kill(group, s);
          return true;
        } catch {
          return false; // no process left in the group
        }
      };
      if (!signal(0)) return;
      signal("SIGTERM");
      // npm may exit before the node process it started: wait for the whole group, not the child.
      const deadline = Date.now() + graceMs;
      while (signal(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      signal("SIGKILL");
      await exited;
      running.delete(service);
      log.end();
    },
  };
  running.add(service);
  return service;
}
