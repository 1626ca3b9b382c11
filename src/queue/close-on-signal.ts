/**
 * Closes the given resources once on SIGTERM or SIGINT, then exits. BullMQ workers must be
 * closed so their current jobs finish instead of stalling (bullmq
 * docs/gitbook/guide/going-to-production.md, "Gracefully shut-down workers").
 */
export function closeOnSignal(close: () => Promise<void>, log: (message: string) => void = console.error): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`cwe-review: ${signal} received, closing (running jobs finish first)`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`cwe-review: shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
