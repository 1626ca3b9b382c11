"""Scores fine-tuned models on today's validation windows, side by side.

Fine-tuning records validation figures on the validation split of its own day; when the split
grows (e.g. the whole-module `valfiles_*` families), those figures no longer compare. This
re-scores each model on the same windows, with thresholds chosen the way fine-tuning chooses
them, and splits the table into snippet families (the held-out ones and the `scenarios/val_*.py`
ones) and whole-module families (those written in `scenarios/valfiles_*.py`), found through the
`author` field of data/validation.jsonl, in all and per module.

  /usr/bin/python3 training/validate.py training/runs/finetune-factored/model.pt training/runs/finetune/model.pt

With `--bootstrap N`, the first model is the incumbent: each other model's differences against it
in score and in top-line accuracy (all windows, each at its own thresholds) get intervals from N
paired resamples of validation families, at 1 - 0.05/(2k) with k candidates (Bonferroni over the
two measures of each). Families, not windows, are resampled because a family's windows share a
scenario and move together. The release rule (training/README.md): a candidate replaces the
shipped model when its score interval lies above zero, or when the lower end of its score
interval is above -margin (0.02) and its top-line interval lies above zero; either way it may not
raise more than --alarm-margin (2.0) extra alarms per 10k held-out background lines.

It also counts each model's alarms per 10,000 lines on held-out background code
(`export-background.ts --held-out-lines`), files of installed packages no training window came
from: a false-alarm figure that may be looked at when choosing, unlike the reserved mature sources.
"""
import argparse
import json
import os

import numpy as np
import torch

from common import setup_torch
from finetune import choose_thresholds, localization, read_windows, top_line_hits
from metrics import line_scores, selection_score, window_metrics
from model import classifier_from
from prediction_cache import cached_predict


def figures(rows, wp, tp, thresholds, line_threshold):
    truth = np.zeros_like(wp, dtype=bool)
    for i, r in enumerate(rows):
        truth[i, r["windowLabels"]] = True
    m = window_metrics(wp, truth, thresholds)
    loc = localization(rows, tp, wp, thresholds, line_threshold)
    return {"windows": len(rows), "positives": int(truth.any(1).sum()), "P": m["binary"]["precision"],
            "R": m["binary"]["recall"], "F1": m["binary"]["f1"], "macro": m["macroF1"],
            "score": round(selection_score(m), 4), "top line": loc["topLineAccuracy"]}


def paired_bootstrap(val, scored, rounds, level, seed=4321):
    """Per candidate, {"score": (mean, low, high), "top line": (mean, low, high)} of candidate minus
    incumbent over family resamples; (low, high) is the central `level` interval. `scored` holds
    (window probs, thresholds, flagged, hit) per model, the first being the incumbent."""
    truth = np.zeros_like(scored[0][0], dtype=bool)
    by_family = {}
    for i, r in enumerate(val):
        truth[i, r["windowLabels"]] = True
        by_family.setdefault(r["family"], []).append(i)
    groups = [np.array(v) for v in by_family.values()]
    rng = np.random.default_rng(seed)

    def measures(model, idx):
        wp, th, flagged, hit = model
        return (selection_score(window_metrics(wp[idx], truth[idx], th)),
                hit[idx].sum() / max(1, flagged[idx].sum()))

    diffs = [([], []) for _ in scored[1:]]
    for _ in range(rounds):
        idx = np.concatenate([groups[k] for k in rng.integers(0, len(groups), len(groups))])
        base = measures(scored[0], idx)
        for (d_score, d_top), model in zip(diffs, scored[1:]):
            score, top = measures(model, idx)
            d_score.append(score - base[0])
            d_top.append(top - base[1])
    tail = (1 - level) / 2 * 100

    def interval(d):
        return float(np.mean(d)), float(np.percentile(d, tail)), float(np.percentile(d, 100 - tail))
    return [{"score": interval(s), "top line": interval(t)} for s, t in diffs]


def background_alarms(rows, wp, tp, thresholds):
    """(alarms, lines) on held-out background code: each flagged (file, label) of a window counts
    once at the window's top-scoring line, as serving puts a finding there and merges repeats."""
    alarms, lines = set(), {}
    for r, w, t in zip(rows, wp, tp):
        lines[r["id"]] = r["fileLines"]
        labels = np.flatnonzero(w >= thresholds)
        scores = line_scores(t, r["lineOfToken"], r.get("codeLines"))
        if len(labels) and scores:
            top = max(scores, key=scores.get)
            alarms.update((r["id"], top, int(k)) for k in labels)
    return len(alarms), sum(lines.values())


def verdict(score, top, margin, alarms=None, alarm_margin=2.0):
    """The release rule (training/README.md, "Release rule"): a shown score gain, or a score no worse
    than `margin` below the incumbent's together with a shown top-line gain; and, from the twelfth
    round on, no more than `alarm_margin` extra alarms per 10k held-out background lines. `alarms`
    is (incumbent, candidate) per 10k lines, or None when the background set is absent."""
    gain = "yes (score)" if score[1] > 0 else (
        "yes (top line; score within the margin)" if score[1] > -margin and top[1] > 0 else None)
    if gain is None:
        return "worse" if score[2] < 0 else "not shown"
    # A score gain bought with noise on ordinary code is no gain to a reviewer: the whole
    # false-alarm budget is 2 per 10k lines, so a candidate may not spend more than that again.
    if alarms is not None and alarms[1] > alarms[0] + alarm_margin:
        return f"no (alarms {alarms[1]:.2f} against {alarms[0]:.2f} per 10k lines)"
    return gain


def whole_module_parts(val, data_path):
    """Part name -> window indices: all, snippet families (the held-out ones and, apart, those of the
    `val_*` modules written to widen validation), and whole-module families, in all and per
    `valfiles_*` module.

    A family's module is read from the `author` field of its examples; families missing from the
    data file count as held-out snippets."""
    module_of = {}
    if os.path.exists(data_path):
        with open(data_path) as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    module_of[rec["family"]] = os.path.splitext(os.path.basename(rec.get("author", "")))[0]
    modules = [module_of.get(r["family"], "") for r in val]
    whole = [m.startswith("valfiles_") for m in modules]
    added = [m.startswith("val_") for m in modules]
    parts = {"all": list(range(len(val))), "snippets": [i for i, w in enumerate(whole) if not w]}
    if any(added):
        parts["snippets (held-out families)"] = [i for i, (w, a) in enumerate(zip(whole, added)) if not w and not a]
        parts["snippets (val_* families)"] = [i for i, a in enumerate(added) if a]
    parts["whole modules"] = [i for i, w in enumerate(whole) if w]
    names = sorted({m for m, w in zip(modules, whole) if w})
    if len(names) > 1:
        for name in names:
            parts[f"whole modules ({name})"] = [i for i, m in enumerate(modules) if m == name]
    return parts


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="+", help="model.pt files written by finetune.py")
    p.add_argument("--windows", default="training/cache")
    p.add_argument("--data", default="data/validation.jsonl", help="validation examples (to find whole-module families)")
    p.add_argument("--threshold-floor", type=float, default=0.15)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bootstrap", type=int, default=0, metavar="N",
                   help="paired family resamples of each model's score against the first (0: off)")
    p.add_argument("--background-validation", default="windows-background-validation.jsonl",
                   help="held-out background windows in --windows (export-background.ts --held-out-lines); skipped when absent")
    p.add_argument("--margin", type=float, default=0.02,
                   help="score loss accepted with a shown top-line gain (the release rule)")
    p.add_argument("--alarm-margin", type=float, default=2.0,
                   help="extra alarms per 10k held-out background lines a candidate may raise and still ship (the release rule)")
    p.add_argument("--candidates", type=int, default=0, metavar="K",
                   help="candidates the Bonferroni level counts (default: those given here); a session that "
                        "decides several candidates one at a time registers K for all of them")
    p.add_argument("--prediction-cache", default="training/runs/predictions",
                   help="where each model's predictions are kept, keyed by model, windows and code (prediction_cache.py)")
    p.add_argument("--no-cache", action="store_true", help="score every model afresh and store nothing")
    args = p.parse_args()
    cache = None if args.no_cache else args.prediction_cache
    setup_torch(args.threads, 4321)
    val_path = os.path.join(args.windows, "windows-validation.jsonl")
    val = read_windows(val_path, 0)
    parts = whole_module_parts(val, args.data)
    cols = ["windows", "positives", "P", "R", "F1", "macro", "score", "top line"]
    print(f"| model | part | threshold | {' | '.join(cols)} |")
    print("|---|---|---|" + "---|" * len(cols))
    scored = []
    alarm_rows = []
    background_path = os.path.join(args.windows, args.background_validation)
    background = read_windows(background_path, 0) if os.path.exists(background_path) else []
    for path in args.models:
        saved = torch.load(path)
        model = classifier_from(saved)
        own = np.array([saved["thresholds"][label] for label in saved["labels"]], dtype=np.float32)
        if background:
            bwp, btp = cached_predict(path, model, background_path, background, len(saved["labels"]), cache)
            alarm_rows.append((path, *background_alarms(background, bwp, btp, own)))
        wp, tp = cached_predict(path, model, val_path, val, len(saved["labels"]), cache)
        # Re-chosen on today's validation (global policy), and the model's own shipped ones.
        chosen, line_t, _ = choose_thresholds(val, wp, tp, args.threshold_floor, "global")
        scored.append((wp, own, *top_line_hits(val, tp, wp, own)))
        for name, thresholds, lt in (("re-chosen", chosen, line_t), ("its own", own, saved["lineThreshold"])):
            for part, idx in parts.items():
                if not idx:
                    continue
                f = figures([val[i] for i in idx], wp[idx], [tp[i] for i in idx], thresholds, lt)
                label = f"{name} {float(thresholds.max()):.2f}"
                print(f"| {path} | {part} | {label} | " + " | ".join(str(f[c]) for c in cols) + " |")
    if alarm_rows:
        # A false-alarm figure that, unlike the reserved mature sources, may be looked at when
        # choosing; the release rule caps how far a candidate may raise it (--alarm-margin).
        print(f"\nAlarms on held-out background code ({background_path}: {len(background)} windows of "
              f"{len({r['id'] for r in background})} files no training window came from), each model at its own thresholds:\n")
        print("| model | alarms | lines | alarms per 10k lines |")
        print("|---|---|---|---|")
        for path, alarms, lines in alarm_rows:
            print(f"| {path} | {alarms} | {lines} | {alarms / max(1, lines) * 1e4:.2f} |")
    if args.bootstrap and len(scored) > 1:
        # Bonferroni over every test made: two (score, top line) per candidate, so with k candidates
        # each interval is at 1 - 0.05/(2k) and the chance that any candidate shows a gain it does
        # not have stays at 5%, however many are tried at once.
        k = max(args.candidates, len(scored) - 1)
        level = 1 - 0.05 / (2 * k)
        print(f"\nAgainst {args.models[0]} (each at its own thresholds, all windows), "
              f"{args.bootstrap} paired resamples of {len({r['family'] for r in val})} families, "
              f"{level:.2%} intervals; score margin {args.margin}:\n")
        print("| model | score difference | interval | top-line difference | interval | ships? |")
        print("|---|---|---|---|---|---|")
        rates = [alarms / max(1, lines) * 1e4 for _, alarms, lines in alarm_rows]
        for i, (path, d) in enumerate(zip(args.models[1:], paired_bootstrap(val, scored, args.bootstrap, level)), 1):
            (sm, slo, shi), (tm, tlo, thi) = d["score"], d["top line"]
            alarms = (rates[0], rates[i]) if rates else None
            print(f"| {path} | {sm:+.4f} | {slo:+.4f} to {shi:+.4f} | {tm:+.4f} | {tlo:+.4f} to {thi:+.4f} | "
                  f"{verdict(d['score'], d['top line'], args.margin, alarms, args.alarm_margin)} |")

if __name__ == "__main__":
    main()
