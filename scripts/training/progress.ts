/**
 * A progress line with rate and ETA, printed at most every `everyMs` (long steps of
 * `npm run train` must say how far they are).
 */
export function createProgress(label: string, total: number, everyMs = 5000): (done: number, extra?: string) => void {
  const start = Date.now();
  let last = 0;
  return (done, extra = "") => {
    const now = Date.now();
    if (now - last < everyMs && done < total) return;
    last = now;
    const seconds = (now - start) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = ((100 * done) / Math.max(total, 1)).toFixed(1);
    console.log(`[${label}] ${done}/${total} (${pct}%) ${seconds.toFixed(0)}s elapsed, ETA ${eta.toFixed(0)}s ${extra}`);
  };
}
