/**
 * The stand-in GitHub for the demo, the end-to-end test and the benchmarks (never src/).
 * @example
 * const github = await FakeGitHub.start({ appId: 1, privateKey });
 * github.addPullRequest({ ...SAMPLE_REPO, history: sampleHistory() });
 * // run the app with GHE_HOST=github.host GHE_PROTOCOL=http, then:
 * await deliverWebhook(appUrl, secret, "pull_request", pullRequestEvent(github, "octo-shop", "shop", 7, "opened"));
 */
export { FakeGitHub, type FakeGitHubOptions, type PullRequestSpec } from "./server.js";
export { buildPullHistory, blobSha, type PullHistory, type PullFile, type FileChanges } from "./git-history.js";
export { sampleHistory, SAMPLE_REPO } from "./sample-pr.js";
export { syntheticHistory, syntheticModule } from "./synthetic-pr.js";
export { pullRequestEvent, deliverWebhook, signWebhook, type Delivery } from "./webhook.js";
export type { RecordedCheckRun, RecordedComment, RecordedReview, RecordedRequest, RecordedViolation } from "./state.js";
