import type { Finding } from "../findings/finding.js";
import type { Tokenizer } from "../tokenizer/index.js";
import type { Window } from "../windows/window.js";
import { packBatch, planBatches, type EncodedWindow } from "./batch.js";
import { findingsFromScores, mergeFindings, type ScorePolicy } from "./findings-from-scores.js";
import type { OnnxSession } from "./onnx-session.js";

/** Windows tokenized between two yields to the event loop. */
const ENCODE_CHUNK = 16;

/** What {@link detectWindows} needs; the detector built in `index.ts` supplies it. */
export interface DetectDeps {
  tokenizer: Tokenizer;
  session: Pick<OnnxSession, "run">;
  policy: ScorePolicy;
  maxLength: number;
  padId: number;
  batchSize: number;
}

/**
 * Tokenizes windows, runs them in length-sorted batches and turns the scores into merged
 * findings.
 *
 * The event loop gets a turn between every chunk of tokenization and every batch, so
 * BullMQ's lock renewal timer (every lockDuration/2, 15 s by default) never waits longer
 * than one batch's inference (measured in test/model/event-loop.test.ts).
 */
export async function detectWindows(windows: readonly Window[], deps: DetectDeps): Promise<Finding[]> {
  const encoded: EncodedWindow[] = [];
  for (let start = 0; start < windows.length; start += ENCODE_CHUNK) {
    for (const window of windows.slice(start, start + ENCODE_CHUNK)) encoded.push(deps.tokenizer.encodeLines(window.lines, deps.maxLength));
    await yieldToEventLoop();
  }
  const findings: Finding[] = [];
  for (const indices of planBatches(encoded.map((e) => e.ids.length), deps.batchSize)) {
    const members = indices.map((index) => encoded[index] as EncodedWindow);
    const batch = packBatch(members, deps.padId);
    const out = await deps.session.run(batch);
    if (out.labels !== deps.policy.labels.length) {
      throw new Error(`model has ${out.labels} labels, manifest ${deps.policy.labels.length}`);
    }
    indices.forEach((windowIndex, row) => {
      const member = members[row] as EncodedWindow;
      const tokenStart = row * batch.seq * out.labels;
      findings.push(
        ...findingsFromScores(
          windows[windowIndex] as Window,
          member.lineOfToken,
          out.windowLogits.subarray(row * out.labels, (row + 1) * out.labels),
          out.tokenLogits.subarray(tokenStart, tokenStart + member.ids.length * out.labels),
          deps.policy,
        ),
      );
    });
    await yieldToEventLoop();
  }
  return mergeFindings(findings);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
