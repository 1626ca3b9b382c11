import type { LogLevel } from "../config/env.js";

/** The worker's logger: one JSON line per event on stderr, filtered by LOG_LEVEL. */
export interface Log {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** Creates a {@link Log} writing lines at or above `level`. */
export function createLog(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Log {
  const at = (name: "info" | "warn" | "error") => (message: string, fields: object = {}) => {
    if (RANK[name] >= RANK[level]) write(JSON.stringify({ time: new Date().toISOString(), level: name, msg: message, ...fields }));
  };
  return { info: at("info"), warn: at("warn"), error: at("error") };
}
