import type { ApplicationFunction } from "probot";
import type { ReviewQueue } from "../queue/review-queue.js";
import { healthzHandler } from "./healthz.js";
import { onPullRequest, REVIEWED_ACTIONS } from "./on-pull-request.js";
import { onRerequested } from "./on-rerequested.js";

/**
 * The Probot app, given its queue: webhook handlers plus `/healthz`. It never loads the
 * model; the worker does the review.
 */
export function createApp(queue: ReviewQueue): ApplicationFunction {
  return (app, options) => {
    app.on(
      REVIEWED_ACTIONS.map((action) => `pull_request.${action}` as const),
      (context) => onPullRequest(context, queue),
    );
    app.on(["check_run.rerequested", "check_suite.rerequested"], (context) => onRerequested(context, queue));
    options.addHandler(healthzHandler(() => queue.count()));
  };
}
