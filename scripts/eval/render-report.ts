import { BANDIT_DEAD_PLUGINS } from "./bandit-cwes.js";
import type { Interval } from "./bootstrap.js";
import type { Scores } from "./metrics.js";
import type { EvalResults, FalseAlarmRow } from "./results.js";

/** Targets of issue 4 ("Targets"). */
export const TARGETS = {
  testF1: 0.99,
  challengeFileF1: 0.85,
  challengeCweF1: 0.75,
  challengeLocalization: 0.8,
  falseAlarmsPer10k: 2,
  windowsPerSecond2Threads: 80,
} as const;

const f3 = (x: number) => x.toFixed(3);
/** A figure with its 95% interval, when one was measured. */
const withInterval = (x: number, i: Interval | undefined) => (i === undefined ? f3(x) : `${f3(x)} (${f3(i.low)}–${f3(i.high)})`);
const pct = (s: { value: number; hits: number; total: number }) => `${f3(s.value)} (${s.hits}/${s.total})`;
const per10k = (count: number, lines: number) => (lines === 0 ? 0 : (count * 10_000) / lines);
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

function sum(rows: FalseAlarmRow[], name: string): FalseAlarmRow {
  return rows.reduce((acc, r) => ({ name, files: acc.files + r.files, lines: acc.lines + r.lines, ours: acc.ours + r.ours, bandit: acc.bandit + r.bandit }), {
    name, files: 0, lines: 0, ours: 0, bandit: 0,
  });
}

/** Why the "base model" row can be missing: no bundle was passed and none could be exported from training/encoders/. */
const BASE_MISSING_NOTE =
  "No base-model row: `npm run eval` found no base bundle at `training/runs/base` and could not export one from " +
  "`training/encoders/*.pt` (it needs Debian's python3-torch and python3-onnx; the log says why). Pass one with `--base DIR`.";

/** What the "base model" row is, since its figures depend on how untrained heads happen to score. */
const BASE_NOTE =
  "The base model is the pretrained encoder with freshly initialised (seeded) heads at threshold 0.5 for every CWE: the paper's " +
  "'base model fails' row. How it fails depends on the head: the per-label sigmoids of 0.1.0 and 0.2.0 scored about 0.5 everywhere " +
  "and flagged almost every sample; the factored head (0.3.0 on) gives each CWE about sigmoid(0)/41 ≈ 0.01 and reports nothing.";

/** Groupings the issue quotes upstream Bandit for. */
export function falseAlarmTotals(rows: FalseAlarmRow[]): { withoutDjango: FalseAlarmRow; all: FalseAlarmRow } {
  return {
    withoutDjango: sum(rows.filter((r) => r.name !== "django"), "Flask + requests + Werkzeug + Jinja2"),
    all: sum(rows, "all five (with Django)"),
  };
}

/** One line per target: goal, measured value, met or by how much it is missed. */
function targetRows(results: EvalResults): string[][] {
  const rows: string[][] = [];
  const add = (name: string, goal: number, measured: number | undefined, higherIsBetter: boolean, hint: string) => {
    if (measured === undefined) return rows.push([name, `${higherIsBetter ? "≥" : "≤"} ${goal}`, "not measured", "—", ""]);
    const met = higherIsBetter ? measured >= goal : measured <= goal;
    const gap = higherIsBetter ? goal - measured : measured - goal;
    rows.push([name, `${higherIsBetter ? "≥" : "≤"} ${goal}`, measured.toFixed(3), met ? "met" : `missed by ${gap.toFixed(3)}`, met ? "" : hint]);
  };
  const ours = (rowsOf: { tool: string }[] | undefined) => rowsOf?.find((r) => r.tool.startsWith("cwe-review"));
  const test = ours(results.testSplit?.rows) as { result: { binary: Scores } } | undefined;
  const challenge = ours(results.challenge?.rows) as
    | { result: { fileLevel: Scores; correctCwe: Scores; localization: { value: number } } }
    | undefined;
  add("Test split F1 (binary)", TARGETS.testF1, test?.result.binary.f1, true, "a stronger model rather than more of the same rounds: each test group is one family it never saw, and four fine-tunes continuing 0.5.0 on 9,432 to 15,404 train examples moved the validation score by +0.003 to +0.036 (`training/README.md`); next, a fresh fine-tune of all the data from a rebuilt pretrained encoder (under way), then a larger encoder. Recipe changes are chosen on the validation split, which resolves about ±0.02 to ±0.05 (`training/validate.py --bootstrap`)");
  const fileRecall = challenge?.result.fileLevel.recall;
  add("Challenge file-level F1", TARGETS.challengeFileF1, challenge?.result.fileLevel.f1, true, `more whole-module training families with weaknesses (0.4.0 added the first 31 and 16 whole-module validation families to choose the threshold on: file F1 0.217 → 0.513); recall is the gap${fileRecall === undefined ? "" : ` (the model reports on ${Math.round(fileRecall * 100)}% of the weak files)`}`);
  add("Challenge correct-CWE F1", TARGETS.challengeCweF1, challenge?.result.correctCwe.f1, true, "more families per CWE, whole-module ones above all, and a stronger encoder; CWEs compete in a softmax since 0.3.0, but on these files the model still names the wrong CWE for most of what it reports");
  add("Challenge line localization", TARGETS.challengeLocalization, challenge?.result.localization.value, true, "a bidirectional encoder, since a causal one lets the lines after a sink see it too; the release rule weighs top-line accuracy on validation since the third round (`training/README.md`); a line head trained on whole modules with their own line threshold");
  const fa = results.falseAlarms === undefined ? undefined : falseAlarmTotals(results.falseAlarms).withoutDjango;
  add("False alarms / 10k lines (Flask, requests, Werkzeug, Jinja2)", TARGETS.falseAlarmsPer10k, fa && per10k(fa.ours, fa.lines), false, "more hard-negative whole modules paired with weak ones, and background negatives from library-style code; the shared threshold, chosen on validation, trades recall on other authors' files against false alarms (0.3.0: 1.77 with far lower recall; 0.4.0: 6.86)");
  const two = results.speed?.rows.find((r) => r.threads === 2);
  add("Windows/s at 256 tokens, 2 threads", TARGETS.windowsPerSecond2Threads, two?.windowsPerSecond, true, "smaller model or int8 quantization (onnxruntime quantize_dynamic)");
  return rows;
}

/** REPORT.md for a model bundle. */
export function renderReport(r: EvalResults): string {
  const out: string[] = [];
  const m = r.meta;
  out.push(`# ${m.model.name} ${m.model.version}: evaluation report`, "");
  out.push(
    `Written by \`npm run eval\` on ${m.date} in ${m.minutes.toFixed(1)} min. Commit \`${m.commit}\`${m.dirty ? " (working tree had uncommitted changes)" : ""}; ` +
      `data hash \`${m.dataHash}\` (sha256 of data/*.jsonl and data/challenge/labels.jsonl). Model bundle \`${m.model.dir}\`. ` +
      `Node ${m.node}; machine load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(" / ")} (1/5/15 min) on ${m.cores} cores.`,
    "",
  );

  out.push("## Targets (issue 4)", "");
  out.push(table(["Target", "Goal", "Measured", "Status", "What we would change"], targetRows(r)), "");

  const banditNote =
    `Bandit is Debian's ${m.bandit ?? "bandit (not installed)"}; on Python 3.11 four of its plugins never fire ` +
    `(${BANDIT_DEAD_PLUGINS.join(", ")}: they look for \`ast.Str\`, removed in Python 3.8; fixed upstream in 1.6.3). ` +
    "Its SQL-injection and hard-coded-password rows are therefore a broken peer, not a beaten one. " +
    "Bandit's test ids are mapped to our CWE labels by the table in scripts/eval/bandit-cwes.ts; issues of unmapped tests (B101 assert, B110 try/except/pass, …) are not counted.";

  if (r.testSplit !== undefined) {
    const t = r.testSplit;
    out.push(`## Test split (data/test.jsonl: ${t.samples} samples, ${t.vulnerable} vulnerable, ${t.safe} safe)`, "");
    out.push(
      "The paper's table. Binary: a sample is predicted vulnerable when the tool reports anything on it. Macro: one-vs-rest per CWE the split labels, averaged with equal weight. " +
        "Line localization: of the vulnerable samples the tool gives a right CWE, the share where a finding of a right CWE covers a marked line (any line of the finding's range). " +
        "Samples are scanned as files, exactly as `cwe-review scan` does. " +
        "In brackets beside F1: its 95% interval over 1,000 resamples of the split's scenario families (a family's samples share a sink shape and succeed or fail together), " +
        "so a difference between two releases, or a miss of a target, can be read against the noise.",
      "",
    );
    out.push(
      table(
        ["Tool", "Accuracy", "Precision", "Recall", "F1", "Macro acc.", "Macro P", "Macro R", "Macro F1", "Line localization"],
        t.rows.map(({ tool, result: s, note }) => [
          tool + (note ? ` (${note})` : ""), f3(s.binary.accuracy), f3(s.binary.precision), f3(s.binary.recall), withInterval(s.binary.f1, s.intervals?.f1),
          f3(s.macro.accuracy), f3(s.macro.precision), f3(s.macro.recall), withInterval(s.macro.f1, s.intervals?.macroF1), pct(s.localization),
        ]),
      ),
      "",
      banditNote,
      "",
    );
    out.push(t.rows.some((row) => row.tool === "base model") ? BASE_NOTE : BASE_MISSING_NOTE, "");
    const [first] = t.rows;
    if (first !== undefined) {
      const cwes = [...first.result.perCwe.keys()];
      out.push("### Per CWE (test split, F1)", "");
      out.push(
        table(
          ["CWE", "Vulnerable samples", ...t.rows.map((row) => `${row.tool} P / R / F1`)],
          cwes.map((cwe) => [
            cwe,
            String(first.result.perCwe.get(cwe)?.support ?? 0),
            ...t.rows.map((row) => {
              const s = row.result.perCwe.get(cwe);
              return s === undefined ? "—" : `${f3(s.precision)} / ${f3(s.recall)} / ${f3(s.f1)}`;
            }),
          ]),
        ),
        "",
      );
    }
  }

  if (r.challenge !== undefined) {
    const c = r.challenge;
    out.push(`## Challenge set (data/challenge: ${c.files} files, ${c.labelled} labelled weaknesses, independent author)`, "");
    out.push(
      "File level: any finding vs any label per file. Correct CWE: (file, CWE) pairs, micro-averaged. Line localization: of the (file, CWE) pairs a tool gets right, the share where a finding of that CWE covers a labelled line. Line recall: labelled weaknesses found with the right CWE on a labelled line. In brackets beside F1: its 95% interval over 1,000 resamples of the files.",
      "",
    );
    out.push(
      table(
        ["Tool", "File P", "File R", "File F1", "File acc.", "CWE P", "CWE R", "CWE F1", "Line localization", "Line recall"],
        c.rows.map(({ tool, result: s, note }) => [
          tool + (note ? ` (${note})` : ""), f3(s.fileLevel.precision), f3(s.fileLevel.recall), withInterval(s.fileLevel.f1, s.intervals?.fileF1), f3(s.fileLevel.accuracy),
          f3(s.correctCwe.precision), f3(s.correctCwe.recall), withInterval(s.correctCwe.f1, s.intervals?.cweF1), pct(s.localization), pct(s.lineRecall),
        ]),
      ),
      "",
      banditNote,
      "",
    );
  }

  if (r.falseAlarms !== undefined) {
    const { withoutDjango, all } = falseAlarmTotals(r.falseAlarms);
    out.push("## False alarms on mature sources", "");
    out.push(
      "Debian's Django, Flask, requests, Werkzeug and Jinja2 (/usr/lib/python3/dist-packages, non-test .py files; reserved: never labelled training data). " +
        "Every report counts as a false alarm. Lines are physical lines of the same files for both tools. cwe-review: every finding at the model's thresholds; Bandit: issues of medium or high severity (any test). " +
        "For reference, the issue measured current upstream Bandit at 7.8 medium-or-higher issues per 10k lines without Django and 12.8 with it.",
      "",
    );
    out.push(
      table(
        ["Package", "Files", "Lines", `${m.model.name} findings`, "per 10k lines", "Bandit ≥ medium", "per 10k lines"],
        [...r.falseAlarms, withoutDjango, all].map((row) => [
          row.name, String(row.files), String(row.lines), String(row.ours), per10k(row.ours, row.lines).toFixed(2), String(row.bandit), per10k(row.bandit, row.lines).toFixed(2),
        ]),
      ),
      "",
    );
  }

  if (r.speed !== undefined) {
    const s = r.speed;
    out.push("## Inference speed", "");
    out.push(
      `Windows of ${s.seq} tokens through the whole detector (tokenize, pad, onnxruntime-node, scores → findings), batch 8, tokenizer cache warm; rounds of 16 windows for 5 s, best and median round. ` +
        `The model costs ${(s.flopsPerWindow / 1e9).toFixed(3)} GFLOP per window (2·M·N·K over every MatMul/Gemm after ONNX shape inference${s.unknownMatmuls > 0 ? `; the ${s.unknownMatmuls} attention matmuls whose shapes inference cannot resolve counted as 2·seq²·width each` : ""}). ` +
        "Peak: best float32 1024×1024 matmul with /usr/bin/python3 + torch (OpenBLAS) at the same thread count. The CPU is shared (training runs and other engineers' tests), so figures move with the load above; " +
        "a share above 100% means onnxruntime's own kernels (MLAS) ran faster than the torch + OpenBLAS matmul taken as the reference, so that reference understates what this CPU can do.",
      "",
    );
    out.push(
      table(
        ["Threads", "Windows/s (best round)", "Windows/s (median round)", "Model GFLOP/s (best)", "Matmul peak GFLOP/s", "Share of peak"],
        s.rows.map((row) => {
          const achieved = (row.windowsPerSecond * s.flopsPerWindow) / 1e9;
          return [
            String(row.threads), row.windowsPerSecond.toFixed(1), row.medianWindowsPerSecond.toFixed(1), achieved.toFixed(1), row.peakGflops.toFixed(1),
            `${((100 * achieved) / row.peakGflops).toFixed(1)}%`,
          ];
        }),
      ),
      "",
      `Event loop: while detecting ${s.eventLoop.windows} such windows on 2 threads, the longest the event loop waited was ${s.eventLoop.maxDelayMs.toFixed(0)} ms ` +
        "(perf_hooks.monitorEventLoopDelay). onnxruntime-node's `run` is synchronous under its Promise, so one batch (8 windows) blocks at most this long; " +
        "BullMQ renews job locks every lockDuration/2 = 15 s by default, so the worker's lock renewal is never starved.",
      "",
    );
  }
  return out.join("\n");
}
