/**
 * Progress lines on stderr with an ETA, so the table on stdout stays clean. The ETA comes
 * from the planned number of steps and the time the finished ones took.
 */
export interface Progress {
  step(label: string): void;
  done(): void;
}

/** Counts `total` steps; each `step` prints "[k/total] label · elapsed · ETA". */
export function progress(total: number, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Progress {
  const started = Date.now();
  let k = 0;
  const fmt = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s` : `${(ms / 1000).toFixed(0)}s`);
  return {
    step(label) {
      const elapsed = Date.now() - started;
      const eta = k === 0 ? "?" : fmt((elapsed / k) * (total - k));
      k += 1;
      write(`bench [${k}/${total}] ${label} · elapsed ${fmt(elapsed)} · ETA ${eta}`);
    },
    done() {
      write(`bench: done in ${fmt(Date.now() - started)}`);
    },
  };
}
