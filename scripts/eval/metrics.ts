/** Confusion counts of one binary decision. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Accuracy, precision, recall and F1 (0 where undefined, e.g. no predictions). */
export interface Scores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Counts from (truth, prediction) pairs. */
export function countPairs(pairs: Iterable<readonly [boolean, boolean]>): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const [truth, predicted] of pairs) {
    if (truth && predicted) c.tp++;
    else if (!truth && predicted) c.fp++;
    else if (truth && !predicted) c.fn++;
    else c.tn++;
  }
  return c;
}

/** Scores from counts; `support` is the number of true positives in the truth (tp + fn). */
export function scoresOf(c: Counts): Scores {
  const total = c.tp + c.fp + c.fn + c.tn;
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  return {
    accuracy: total === 0 ? 0 : (c.tp + c.tn) / total,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    support: c.tp + c.fn,
  };
}

/** One labelled item (a sample or a file): its true and predicted CWE sets. */
export interface Labelled {
  truth: ReadonlySet<string>;
  predicted: ReadonlySet<string>;
}

/** Vulnerable (any CWE) vs safe. */
export function binaryScores(items: readonly Labelled[]): Scores {
  return scoresOf(countPairs(items.map((item) => [item.truth.size > 0, item.predicted.size > 0] as const)));
}

/**
 * Per-CWE one-vs-rest scores over `cwes` (the CWEs the truth uses), and their unweighted
 * mean (macro average): every CWE counts the same however many samples it has.
 */
export function macroScores(items: readonly Labelled[], cwes: readonly string[]): { macro: Scores; perCwe: Map<string, Scores> } {
  const perCwe = new Map<string, Scores>();
  for (const cwe of cwes) perCwe.set(cwe, scoresOf(countPairs(items.map((item) => [item.truth.has(cwe), item.predicted.has(cwe)] as const))));
  const values = [...perCwe.values()];
  const mean = (key: keyof Scores) => (values.length === 0 ? 0 : values.reduce((sum, s) => sum + s[key], 0) / values.length);
  return {
    macro: { accuracy: mean("accuracy"), precision: mean("precision"), recall: mean("recall"), f1: mean("f1"), support: values.reduce((s, v) => s + v.support, 0) },
    perCwe,
  };
}

/**
 * Micro scores over (item, CWE) pairs: a prediction counts only with the right CWE.
 * Accuracy is left 0: there are no true negatives among pairs.
 */
export function correctCweScores(items: readonly Labelled[]): Scores {
  const c: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const item of items) {
    for (const cwe of item.predicted) {
      if (item.truth.has(cwe)) c.tp++;
      else c.fp++;
    }
    for (const cwe of item.truth) if (!item.predicted.has(cwe)) c.fn++;
  }
  return { ...scoresOf(c), accuracy: 0 };
}

/** Share of `hits` among `total` as a fraction (0 when total is 0), with both counts. */
export function share(hits: number, total: number): { value: number; hits: number; total: number } {
  return { value: total === 0 ? 0 : hits / total, hits, total };
}

/** Lines of a finding or issue, first to last. */
export function lineRange(line: number, endLine: number): number[] {
  return Array.from({ length: Math.max(1, endLine - line + 1) }, (_, i) => line + i);
}
