import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

interface ExampleGroup {
  name: string;
  actions: string[];
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const groups = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as ExampleGroup[];

/**
 * A deep copy of the first real payload from @octokit/webhooks-examples for `event.action`
 * that carries an installation (the app only receives those), so tests may edit it.
 */
export function examplePayload<T = Record<string, unknown>>(event: string, action: string): T {
  const group = groups.find((g) => g.name === event);
  const example = group?.examples.find((e) => e["action"] === action && e["installation"] !== undefined);
  if (!example) throw new Error(`no @octokit/webhooks-examples payload for ${event}.${action} with an installation`);
  return structuredClone(example) as T;
}
