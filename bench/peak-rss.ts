import { readFileSync } from "node:fs";

/**
 * Peak resident set size of a process in MB, from Linux's /proc/<pid>/status (`VmHWM`, the
 * high-water mark of RSS since it started). Undefined when the process is gone or not Linux.
 */
export function peakRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
