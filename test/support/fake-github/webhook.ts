/**
 * Webhook deliveries as GitHub sends them: a real payload from @octokit/webhooks-examples,
 * adjusted to the stand-in's repository and pull request, POSTed with GitHub's headers and
 * an HMAC-SHA256 signature (X-Hub-Signature-256, "Validating webhook deliveries").
 */
import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { FakeGitHub } from "./server.js";
import { pullShape, repoShape } from "./shapes.js";

type Json = Record<string, unknown>;

interface ExampleGroup {
  name: string;
  examples: Json[];
}

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as ExampleGroup[];

/** A pull_request example for an action, carrying an installation (as apps receive them). */
function exampleFor(action: string): Json {
  const group = examples.find((g) => g.name === "pull_request");
  const found = group?.examples.find((e) => e["action"] === action && e["installation"]);
  if (!found) throw new Error(`@octokit/webhooks-examples has no pull_request.${action} example with an installation`);
  return structuredClone(found);
}

/**
 * The `pull_request` event for a pull request the stand-in serves, built on GitHub's own
 * example for that action. For `synchronize`, `before` is the previous head.
 */
export function pullRequestEvent(github: FakeGitHub, owner: string, repo: string, number: number, action: "opened" | "synchronize" | "reopened" | "ready_for_review", before?: string): Json {
  const r = github.state.repo(owner, repo);
  const pull = r?.pulls.get(number);
  if (!r || !pull) throw new Error(`fake GitHub: no pull request ${owner}/${repo}#${number}`);
  const urls = { api: github.apiUrl, web: github.url };
  const payload = exampleFor(action);
  const prExample = payload["pull_request"] as Json;
  payload["number"] = number;
  payload["pull_request"] = { ...prExample, ...pullShape(r, pull, urls), draft: pull.draft };
  payload["repository"] = repoShape(r, payload["repository"], urls);
  payload["installation"] = { ...(payload["installation"] as Json), id: r.installationId };
  payload["sender"] = { ...(payload["sender"] as Json), login: owner };
  delete payload["organization"];
  if (action === "synchronize") {
    payload["before"] = before ?? pull.history.heads[pull.pushIndex - 1]?.commit.sha ?? pull.base.sha;
    payload["after"] = pull.head.sha;
  }
  return payload;
}

/** `sha256=<hex HMAC of the raw body>`, the X-Hub-Signature-256 value. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What the receiver answered. */
export interface Delivery {
  id: string;
  status: number;
  body: string;
  /** When the request was sent (ms since epoch). */
  sentAt: number;
}

/**
 * POSTs a signed webhook to the app (Probot listens on /api/github/webhooks by default).
 * @example await deliverWebhook("http://127.0.0.1:3000/api/github/webhooks", "secret", "pull_request", payload)
 */
export async function deliverWebhook(url: string, secret: string, event: string, payload: Json, id: string = randomUUID()): Promise<Delivery> {
  const body = JSON.stringify(payload);
  const sentAt = Date.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-github-hook-id": "1",
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature-256": signWebhook(body, secret),
    },
    body,
  });
  return { id, status: res.status, body: await res.text(), sentAt };
}
