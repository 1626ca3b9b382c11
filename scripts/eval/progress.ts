/** Fewest milliseconds between two progress lines. */
const REDRAW_MS = 10_000;

/** A progress line with ETA on stderr (stdout stays clean), e.g. "test split [ours] 120/400 30% 0m12s ETA 0m28s". */
export interface Progress {
  tick(count?: number): void;
  done(): void;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** Starts a progress line for `total` units of work called `label`. */
export function progress(label: string, total: number, now: () => number = Date.now): Progress {
  const started = now();
  let doneCount = 0;
  let drawn = started;
  const draw = (final: boolean) => {
    const elapsed = now() - started;
    const eta = doneCount === 0 ? "?" : clock((elapsed / doneCount) * (total - doneCount));
    const pct = total === 0 ? 100 : Math.floor((100 * doneCount) / total);
    process.stderr.write(`  ${label}: ${doneCount}/${total} ${pct}% elapsed ${clock(elapsed)}${final ? "" : ` ETA ${eta}`}\n`);
  };
  return {
    tick(count = 1) {
      doneCount += count;
      if (now() - drawn >= REDRAW_MS && doneCount < total) {
        drawn = now();
        draw(false);
      }
    },
    done() {
      draw(true);
    },
  };
}
