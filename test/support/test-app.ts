import { generateKeyPairSync } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Probot, ProbotOctokit } from "probot";

/** An HTTP handler the app adds next to the webhook route (Probot's `addHandler`). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | void | Promise<boolean | void>;
import type { ReviewQueue } from "../../src/queue/review-queue.js";
import { createApp } from "../../src/app/create-app.js";

/** One RSA key per test run: the app's and the worker's JWTs are signed with it (nock does not check them). */
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

export const TEST_APP_ID = 123;

/**
 * A Probot instance with our app loaded, as `probot run` would build it, against `baseUrl`
 * (api.github.com or a GHES `/api/v3`). Octokit's retries and throttling are off so a test
 * sees each request once.
 */
export async function createTestProbot(queue: ReviewQueue, baseUrl: string): Promise<Probot & { handlers: Handler[] }> {
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: TEST_PRIVATE_KEY,
    baseUrl,
    logLevel: "warn",
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  // The HTTP handlers the app adds (Probot's server would mount them).
  const handlers: Handler[] = [];
  await probot.load(createApp(queue), { cwd: process.cwd(), addHandler: (handler) => handlers.push(handler) });
  return Object.assign(probot, { handlers });
}
