"""Validation metrics and threshold choice for the fine-tuned heads (numpy only)."""
import numpy as np


def f1_counts(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_threshold(probs, truth, floor=0.3, grid=None):
    """Threshold in [floor, 0.95] maximizing F1 of `probs >= t` against boolean `truth`.

    Ties go to the higher threshold (fewer false alarms). The floor keeps a label whose
    validation positives are all easy from getting a threshold so low that unseen code trips it.
    """
    grid = np.round(np.arange(floor, 0.951, 0.01), 2) if grid is None else grid
    best_t, best_f = 0.5, -1.0
    if truth.sum() == 0:
        return 0.5, 0.0
    for t in grid:
        pred = probs >= t
        _, _, f = f1_counts(int((pred & truth).sum()), int((pred & ~truth).sum()), int((~pred & truth).sum()))
        if f >= best_f:
            best_t, best_f = float(t), f
    return best_t, best_f


def window_metrics(probs, truth, thresholds):
    """Binary (any label) and per-label/macro figures; probs, truth: [windows, labels]."""
    pred = probs >= thresholds[None, :]
    bin_pred = pred.any(1)
    bin_true = truth.any(1)
    tp = int((bin_pred & bin_true).sum())
    fp = int((bin_pred & ~bin_true).sum())
    fn = int((~bin_pred & bin_true).sum())
    tn = int((~bin_pred & ~bin_true).sum())
    p, r, f = f1_counts(tp, fp, fn)
    per_label = []
    for j in range(truth.shape[1]):
        if truth[:, j].sum() == 0:
            continue
        lp, lr, lf = f1_counts(int((pred[:, j] & truth[:, j]).sum()), int((pred[:, j] & ~truth[:, j]).sum()),
                               int((~pred[:, j] & truth[:, j]).sum()))
        per_label.append(lf)
    return {
        "windows": int(len(truth)),
        "binary": {"accuracy": round((tp + tn) / max(1, len(truth)), 4), "precision": round(p, 4),
                   "recall": round(r, 4), "f1": round(f, 4)},
        "macroF1": round(float(np.mean(per_label)) if per_label else 0.0, 4),
    }


def selection_score(m):
    """The validation score a run keeps its best state by and releases are compared on: binary F1
    and macro F1 over CWEs weighted equally, so a model cannot win on detection alone while
    naming the wrong CWE. `m` is a window_metrics result."""
    return 0.5 * m["binary"]["f1"] + 0.5 * m["macroF1"]


def line_scores(token_probs, line_of_token, code_lines=None):
    """Per line: max token probability over labels and over the line's tokens. With
    `code_lines`, only those lines are scored: serving never puts a finding on a blank or
    comment-only line, so validation must not choose the line threshold on them either."""
    keep = set(code_lines) if code_lines is not None else None
    scores = {}
    for prob, line in zip(token_probs.max(-1), line_of_token):
        if line < 0 or (keep is not None and line not in keep):
            continue
        if prob > scores.get(line, -1.0):
            scores[line] = float(prob)
    return scores


def global_threshold(probs, truth, floor=0.3):
    """One threshold for every label: the one in [floor, 0.95] with the best micro F1 over all
    (window, label) cells.

    Validation holds one scenario family per CWE group, so a threshold tuned per label fits
    that one family: a label the family does not trip at all would get 0.95 (silenced), one it
    trips weakly a threshold that fires on everything. One shared value is fitted on all of it.
    """
    return best_threshold(probs.reshape(-1), truth.reshape(-1).astype(bool), floor)


def choose_label_thresholds(probs, truth, floor, policy):
    """Per-label thresholds under `policy`: "global" (one shared value) or "per-label"."""
    if policy == "global":
        t, _ = global_threshold(probs, truth, floor)
        return np.full(truth.shape[1], t)
    return np.array([best_threshold(probs[:, j], truth[:, j], floor)[0] for j in range(truth.shape[1])])
