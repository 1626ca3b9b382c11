"""Fine-tunes the pretrained encoder with a window multi-label CWE head and a per-token head.

Reads training/cache/windows-<split>.jsonl and labels.json (written by
scripts/training/export-windows.ts with the project's tokenizer and window cutter). Trains
on train + train.augmented, evaluates on validation every --eval-minutes, keeps the best
state by validation score (or the last, --keep last), stops early after --patience evaluations without
improvement or at --max-minutes, then picks per-label thresholds and the line threshold on validation only.
Saves <out>/checkpoint.pt every --checkpoint-minutes; rerunning the same command resumes from it exactly
(weights, optimizer, batch order and random states), so a long fixed-step run survives an interruption.

  /usr/bin/python3 training/finetune.py --init training/runs/pretrain/encoder.pt --out training/runs/finetune
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import atomic_save, fmt_seconds, log, rng_state, set_rng_state, setup_torch, write_json
from metrics import choose_label_thresholds, f1_counts, line_scores, selection_score, window_metrics
from model import Classifier, Config, classifier_from

PAD = 0
# Arguments that may differ between an interrupted run and its resumption; any other difference
# would make the resumed model a different experiment, so it is refused.
RESUMABLE_CHANGES = {"out", "threads", "max_minutes", "checkpoint_minutes", "interrupt_at"}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--windows", default="training/cache")
    p.add_argument("--init", default="training/runs/pretrain/encoder.pt",
                   help="pretrained encoder.pt, a fine-tuned model.pt to continue from, or 'none' for random")
    p.add_argument("--out", default="training/runs/finetune")
    p.add_argument("--max-minutes", type=float, default=45.0)
    p.add_argument("--epochs", type=float, default=2.5)
    p.add_argument("--steps", type=int, default=0, help="fixed schedule length in steps; the decay ends there, whatever the CPU speed (0: fit the schedule to --max-minutes)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--head-lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100, help="warm-up steps (capped at 6%% of planned steps)")
    p.add_argument("--token-weight", type=float, default=1.0, help="weight of the per-token loss")
    p.add_argument("--max-pos-weight", type=float, default=20.0)
    p.add_argument("--eval-minutes", type=float, default=5.0)
    p.add_argument("--checkpoint-minutes", type=float, default=5.0,
                   help="save <out>/checkpoint.pt this often; rerunning the same command resumes from it")
    p.add_argument("--interrupt-at", type=int, default=0, help="(tests) save a checkpoint and exit at this step")
    p.add_argument("--eval-steps", type=int, default=0, help="evaluate every N steps instead (tests)")
    p.add_argument("--patience", type=int, default=4)
    p.add_argument("--keep", choices=["best", "last"], default="best",
                   help="state to keep: the best validation score (early stopping), or the last one, so the split "
                        "that decides a release has not also chosen the step (evaluations are then reported only)")
    p.add_argument("--threshold-floor", type=float, default=0.15)
    p.add_argument("--threshold-policy", choices=["global", "per-label"], default="global",
                   help="one threshold for all labels, or one per label (both chosen on validation)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=4321)
    p.add_argument("--window-pool", choices=["cls_mean", "token_max", "factored"], default="factored")
    p.add_argument("--input-mask", type=float, default=0.1,
                   help="share of training tokens replaced by [MASK] (noise against memorising names; 0.4.0: 0.1)")
    p.add_argument("--dropout", type=float, default=0.15,
                   help="the encoder's dropout in fine-tuning (pretraining used 0.1; 0.4.0: 0.15)")
    p.add_argument("--background", default="", help="extra negative windows file in --windows (export-background.ts)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N windows per split (tests)")
    # Used only with --init none (tests): shape of a random encoder.
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ff", type=int, default=1024)
    return p.parse_args()


def read_windows(path, limit):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
                if limit and len(rows) >= limit:
                    break
    return rows


def encode_batch(rows, n_labels):
    """Padded tensors for a list of windows: ids, mask, window targets, token targets."""
    t = max(len(r["ids"]) for r in rows)
    b = len(rows)
    ids = np.zeros((b, t), dtype=np.int64)
    mask = np.zeros((b, t), dtype=np.int64)
    wy = np.zeros((b, n_labels), dtype=np.float32)
    ty = np.zeros((b, t, n_labels), dtype=np.float32)
    for i, r in enumerate(rows):
        n = len(r["ids"])
        ids[i, :n] = r["ids"]
        mask[i, :n] = 1
        wy[i, r["windowLabels"]] = 1.0
        for k, labels in enumerate(r["tokenLabels"]):
            if labels:
                ty[i, k, labels] = 1.0
    return (torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(wy), torch.from_numpy(ty))


def batches(rows, batch, rng, shuffle=True):
    """Length-bucketed batches: shuffle, then sort within pools of 50 batches so padding is small."""
    order = rng.permutation(len(rows)) if shuffle else np.arange(len(rows))
    pool = batch * 50
    out = []
    for s in range(0, len(order), pool):
        chunk = sorted(order[s:s + pool], key=lambda i: len(rows[i]["ids"]))
        out.extend([chunk[k:k + batch] for k in range(0, len(chunk), batch)])
    if shuffle:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def pos_weights(rows, n_labels, cap):
    """neg/pos for the window and token BCE (positives are rare, tokens rarer): per label, and
    for "any label" (the factored head's weakness logit)."""
    w_pos = np.zeros(n_labels)
    t_pos = np.zeros(n_labels)
    w_any = t_any = 0
    tokens = 0
    for r in rows:
        w_pos[r["windowLabels"]] += 1
        w_any += bool(r["windowLabels"])
        tokens += len(r["ids"])
        for labels in r["tokenLabels"]:
            t_pos[labels] += 1
            t_any += bool(labels)
    w = np.clip((len(rows) - w_pos) / np.maximum(w_pos, 1), 1.0, cap)
    t = np.clip((tokens - t_pos) / np.maximum(t_pos, 1), 1.0, cap)
    anyw = float(np.clip((len(rows) - w_any) / max(w_any, 1), 1.0, cap))
    anyt = float(np.clip((tokens - t_any) / max(t_any, 1), 1.0, cap))
    return {"window": torch.tensor(w, dtype=torch.float32), "token": torch.tensor(t, dtype=torch.float32),
            "windowAny": torch.tensor(anyw), "tokenAny": torch.tensor(anyt)}


def losses(model, batch, pw, token_weight):
    """(loss, window logits, token logits, window part, token part) for a batch.

    Per-label heads: BCE per label with positive weights. Factored head: BCE of the weakness
    logit (per token, and its max per window), cross-entropy of the CWE softmax on marked
    tokens only, and an unweighted BCE of the composed window probabilities so that the CWE
    the window is reported under is the labelled one."""
    ids, mask, wy, ty = batch
    window_logits, token_logits, weakness, cwe = model.parts(ids, mask)
    m = mask.to(window_logits.dtype)
    if weakness is None:
        lw = F.binary_cross_entropy_with_logits(window_logits, wy, pos_weight=pw["window"])
        per_token = F.binary_cross_entropy_with_logits(token_logits, ty, pos_weight=pw["token"], reduction="none").mean(-1)
        lt = (per_token * m).sum() / m.sum()
        return lw + token_weight * lt, window_logits, token_logits, lw.item(), lt.item()
    token_any = (ty.sum(-1) > 0).to(m.dtype)
    window_any = (wy.sum(-1) > 0).to(m.dtype)
    per_token = F.binary_cross_entropy_with_logits(weakness, token_any, pos_weight=pw["tokenAny"], reduction="none")
    lt = (per_token * m).sum() / m.sum()
    pooled = (weakness + (m - 1.0) * 1e4).max(dim=1)[0]
    lw = F.binary_cross_entropy_with_logits(pooled, window_any, pos_weight=pw["windowAny"])
    lw = lw + F.binary_cross_entropy_with_logits(window_logits, wy, reduction="none").sum(-1).mean()
    marked = token_any * m
    if marked.sum() > 0:
        target = ty / ty.sum(-1, keepdim=True).clamp(min=1.0)
        ce = -(target * torch.log_softmax(cwe, dim=-1)).sum(-1)
        lt = lt + (ce * marked).sum() / marked.sum()
    return lw + token_weight * lt, window_logits, token_logits, lw.item(), lt.item()


def predict(model, rows, n_labels, batch=32, weights=None):
    """Window probabilities [n, labels], per-window token probabilities (list of [t, labels]),
    and with `weights` = (pos_weights(...), token weight) the mean loss."""
    model.eval()
    wp = np.zeros((len(rows), n_labels), dtype=np.float32)
    tp = [None] * len(rows)
    total = 0.0
    with torch.no_grad():
        for idx in batches(rows, batch, None, shuffle=False):
            encoded = encode_batch([rows[i] for i in idx], n_labels)
            if weights is not None:
                loss, wl, tl, _, _ = losses(model, encoded, weights[0], weights[1])
                total += loss.item() * len(idx)
            else:
                wl, tl = model(encoded[0], encoded[1])
            w = torch.sigmoid(wl).numpy()
            t = torch.sigmoid(tl).numpy()
            for k, i in enumerate(idx):
                wp[i] = w[k]
                tp[i] = t[k, :len(rows[i]["ids"])]
    model.train()
    if weights is not None:
        return wp, tp, total / max(1, len(rows))
    return wp, tp


def marked_lines(row):
    return {line for line, labels in zip(row["lineOfToken"], row["tokenLabels"]) if labels}


def top_line_hits(rows, token_probs, window_probs, thresholds):
    """Per window: (flagged, hit). flagged: a truly positive window the model flags; hit: its
    top-scoring line is also a marked line. Top-line accuracy is hits / flagged."""
    flagged = np.zeros(len(rows), dtype=bool)
    hit = np.zeros(len(rows), dtype=bool)
    for i, (r, t_probs, w_probs) in enumerate(zip(rows, token_probs, window_probs)):
        if not r["windowLabels"] or not (w_probs >= thresholds).any():
            continue
        scores = line_scores(t_probs, r["lineOfToken"], r.get("codeLines"))
        if scores:
            flagged[i] = True
            hit[i] = max(scores, key=scores.get) in marked_lines(r)
    return flagged, hit


def localization(rows, token_probs, window_probs, thresholds, line_threshold):
    """Of the truly positive windows the model flags, how often its top-scoring line is a marked line;
    and line-level P/R/F1 of `line score >= line_threshold` over lines of positive windows."""
    flagged, hit = top_line_hits(rows, token_probs, window_probs, thresholds)
    hits, flagged = int(hit.sum()), int(flagged.sum())
    tp = fp = fn = 0
    for r, t_probs in zip(rows, token_probs):
        if not r["windowLabels"]:
            continue
        marked = marked_lines(r)
        scores = line_scores(t_probs, r["lineOfToken"], r.get("codeLines"))
        for line, s in scores.items():
            pos = s >= line_threshold
            tp += pos and line in marked
            fp += pos and line not in marked
            fn += (not pos) and line in marked
    p, rc, f = f1_counts(tp, fp, fn)
    return {"topLineAccuracy": round(hits / max(1, flagged), 4), "lineF1": round(f, 4),
            "linePrecision": round(p, 4), "lineRecall": round(rc, 4)}


def choose_thresholds(rows, window_probs, token_probs, floor, policy):
    truth = np.zeros_like(window_probs, dtype=bool)
    for i, r in enumerate(rows):
        truth[i, r["windowLabels"]] = True
    thresholds = choose_label_thresholds(window_probs, truth, floor, policy)
    best = (0.5, -1.0)
    for lt in np.round(np.arange(floor, 0.951, 0.05), 2):
        f = localization(rows, token_probs, window_probs, thresholds, lt)["lineF1"]
        if f >= best[1]:
            best = (float(lt), f)
    return thresholds, best[0], truth


def validated_thresholds(model, val, n_labels, floor, policy):
    """The thresholds a model ships with, chosen on validation, and its validation figures under them."""
    window_probs, token_probs = predict(model, val, n_labels)
    thresholds, line_threshold, truth = choose_thresholds(val, window_probs, token_probs, floor, policy)
    figures = window_metrics(window_probs, truth, thresholds)
    figures.update(localization(val, token_probs, window_probs, thresholds, line_threshold))
    return thresholds, line_threshold, figures


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    setup_torch(args.threads, args.seed)
    rng = np.random.default_rng(args.seed)
    labels = json.load(open(os.path.join(args.windows, "labels.json")))
    n_labels = len(labels)
    train = read_windows(os.path.join(args.windows, "windows-train.jsonl"), args.limit)
    train += read_windows(os.path.join(args.windows, "windows-train.augmented.jsonl"), args.limit)
    background = read_windows(os.path.join(args.windows, args.background), args.limit) if args.background else []
    train += background
    val = read_windows(os.path.join(args.windows, "windows-validation.jsonl"), args.limit)
    if not train or not val:
        raise SystemExit("no train or validation windows: run scripts/training/export-windows.ts first")

    if args.init == "none":
        vocab_size = max(max(r["ids"]) for r in train + val) + 1
        cfg = Config(vocab_size, args.d_model, args.layers, args.heads, args.ff, 256)
        model = Classifier(cfg, n_labels, args.window_pool)
        pretrained = None
    else:
        saved = torch.load(args.init)
        if "state" in saved:
            # A fine-tuned model.pt: continue from it (encoder and heads) with a fresh schedule.
            if saved["labels"] != labels or saved.get("windowPool") != args.window_pool:
                raise SystemExit(f"{args.init} has other labels or another --window-pool than this run")
            model = classifier_from(saved, args.dropout)
            cfg = model.encoder.cfg
        else:
            cfg = Config.from_dict(saved["config"])
            if args.dropout is not None:
                cfg.dropout = args.dropout
            model = Classifier(cfg, n_labels, args.window_pool)
            model.encoder.load_state_dict(saved["encoder"])
        pretrained = args.init
    pw = pos_weights(train, n_labels, args.max_pos_weight)
    log(f"{len(train)} train windows ({len(background)} background), {len(val)} validation windows, {n_labels} labels; init {pretrained or 'random'}")

    steps_per_epoch = math.ceil(len(train) / args.batch)
    planned = args.steps or int(steps_per_epoch * args.epochs)
    warmup = max(1, min(args.warmup, int(planned * 0.06)))
    head_params = list(model.window_head.parameters()) + list(model.token_head.parameters())
    opt = torch.optim.AdamW([
        {"params": list(model.encoder.parameters()), "lr": args.lr, "base": args.lr},
        {"params": head_params, "lr": args.head_lr, "base": args.head_lr},
    ], weight_decay=0.01)

    start = time.time()
    last_eval = start
    step, best_loss, best_score, best_state, best_step, bad, history = 0, float("inf"), -1.0, None, 0, 0, []
    epoch, order, pos, tokens = 0, None, 0, 0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    run_args = {k: v for k, v in vars(args).items() if k not in RESUMABLE_CHANGES}
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        if ck["args"] != run_args:
            changed = sorted(k for k in set(ck["args"]) | set(run_args) if ck["args"].get(k) != run_args.get(k))
            raise SystemExit(f"{ckpt_path} is from a run with other arguments ({', '.join(changed)}): rerun that "
                             f"command to resume it, or delete the checkpoint (or use another --out) to start afresh")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        step, epoch, order, pos, tokens, planned = ck["step"], ck["epoch"], ck["order"], ck["pos"], ck["tokens"], ck["planned"]
        best_loss, best_score, best_state, best_step, bad, history = ck["best"]
        rng.bit_generator.state = ck["numpy_rng"]
        set_rng_state(ck["rng"])
        start = time.time() - ck["elapsed"]
        last_eval = start + ck["last_eval"]
        log(f"resumed from step {step} of {planned} ({fmt_seconds(ck['elapsed'])} trained) in {ckpt_path}")

    def checkpoint():
        """Everything the loop needs to continue as if never stopped: weights, optimizer moments, the
        epoch's batch order and position, and every random state (mask noise and dropout)."""
        now = time.time()
        atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "epoch": epoch,
                     "order": order, "pos": pos, "tokens": tokens, "planned": planned,
                     "best": (best_loss, best_score, best_state, best_step, bad, history),
                     "numpy_rng": rng.bit_generator.state, "rng": rng_state(), "elapsed": now - start,
                     "last_eval": last_eval - start, "args": run_args}, ckpt_path)

    val_truth = np.zeros((len(val), n_labels), dtype=bool)
    for i, r in enumerate(val):
        val_truth[i, r["windowLabels"]] = True
    stop_reason = "step limit" if args.steps else "epochs done"

    def evaluate():
        """Selects on validation F1 (binary and macro over CWEs, per-label thresholds tuned), not loss: on
        families unseen in training the loss grows with a few confident mistakes while F1
        still improves (measured: loss up from step 316 to 592 as training loss fell to 0.006)."""
        nonlocal best_loss, best_score, best_state, best_step, bad
        wp, _, vl = predict(model, val, n_labels, weights=(pw, args.token_weight))
        # Thresholds tuned on validation under the run's policy, as they will be at the end: a
        # model that is right but not yet confident on unseen families should not score zero.
        tuned = choose_label_thresholds(wp, val_truth, args.threshold_floor, args.threshold_policy)
        m = window_metrics(wp, val_truth, tuned)
        score = selection_score(m)
        log(f"  (mean max-prob: positives {wp.max(1)[val_truth.any(1)].mean():.3f}, "
            f"negatives {wp.max(1)[~val_truth.any(1)].mean():.3f})")
        history.append({"step": step, "val_loss": round(vl, 5), "val_binary_f1": m["binary"]["f1"],
                        "val_macro_f1": m["macroF1"], "elapsed": round(time.time() - start)})
        if score > best_score or (score == best_score and vl < best_loss):
            # --keep last never loads the best state, so it is not copied (a copy per improvement).
            kept = copy.deepcopy(model.state_dict()) if args.keep == "best" else None
            best_score, best_loss, best_state, best_step, bad = score, vl, kept, step, 0
        else:
            bad += 1
        log(f"validation at step {step}: loss {vl:.4f}, binary F1 {m['binary']['f1']:.4f}, macro F1 {m['macroF1']:.4f} "
            f"(best score {best_score:.4f} at {best_step}, patience {bad}/{args.patience})")

    def replan():
        """Fit the decay to the steps the time budget allows at the speed so far (evaluations
        included), so the learning rate has decayed when time runs out on a shared CPU."""
        nonlocal planned
        if args.steps:
            return
        spent = time.time() - start
        fitted = int(step + step / spent * max(0.0, args.max_minutes * 60 - spent - 60))
        fitted = max(step + 1, min(int(steps_per_epoch * args.epochs), fitted))
        if abs(fitted - planned) > 0.03 * planned:
            log(f"schedule: {planned} -> {fitted} steps")
            planned = fitted

    done = False
    last_ckpt = time.time()
    while not done:
        if order is None:
            order, pos = batches(train, args.batch, rng), 0
        while pos < len(order):
            idx = order[pos]
            if step >= planned:
                done = True
                break
            if time.time() - start >= args.max_minutes * 60:
                stop_reason, done = "time budget", True
                break
            scale = (step + 1) / warmup if step < warmup else max(0.0, (planned - step) / max(1, planned - warmup))
            for g in opt.param_groups:
                g["lr"] = g["base"] * scale
            batch = encode_batch([train[i] for i in idx], n_labels)
            if args.input_mask > 0:
                ids = batch[0]
                noise = torch.from_numpy(rng.random(ids.shape) < args.input_mask) & (ids >= 5)
                batch = (ids.masked_fill(noise, 3),) + batch[1:]
            loss, _, _, lw, lt = losses(model, batch, pw, args.token_weight)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            pos += 1
            tokens += int(batch[1].sum())
            now = time.time()
            if step % 20 == 0 or step == 1:
                rate = step / (now - start)
                eta = min((planned - step) / rate, args.max_minutes * 60 - (now - start))
                log(f"epoch {epoch} step {step}/{planned} loss {loss.item():.4f} (window {lw:.4f}, token {lt:.4f}) "
                    f"{tokens / (now - start):,.0f} tokens/s, elapsed {fmt_seconds(now - start)}, ETA {fmt_seconds(eta)}")
            if step == 50:
                replan()
            due = (step % args.eval_steps == 0) if args.eval_steps else (now - last_eval >= args.eval_minutes * 60)
            if due:
                evaluate()
                last_eval = time.time()
                replan()
                if bad >= args.patience and args.keep == "best":
                    stop_reason, done = "early stopping", True
                    break
            if step == args.interrupt_at or time.time() - last_ckpt >= args.checkpoint_minutes * 60:
                checkpoint()
                last_ckpt = time.time()
                if step == args.interrupt_at:
                    raise SystemExit(f"interrupted at step {step} (--interrupt-at); rerun without it to resume")
        if not done:
            epoch, order = epoch + 1, None
    if not history or history[-1]["step"] != step:
        evaluate()
    if args.keep == "best":
        model.load_state_dict(best_state)
    else:
        best_step = step
    minutes = (time.time() - start) / 60
    log(f"stopped ({stop_reason}) after {step} steps, {fmt_seconds(minutes * 60)}; best step {best_step}")

    thresholds, line_threshold, figures = validated_thresholds(model, val, n_labels, args.threshold_floor,
                                                               args.threshold_policy)
    figures["loss"] = round(best_loss, 5)
    log(f"validation: {json.dumps(figures)}")
    result = {
        "config": cfg.to_dict(), "labels": labels, "windowPool": args.window_pool, "state": model.state_dict(),
        "thresholds": {l: float(t) for l, t in zip(labels, thresholds)}, "lineThreshold": line_threshold,
        "training": {"seed": args.seed, "steps": step, "bestStep": best_step, "minutes": round(minutes, 1),
                     "stopReason": stop_reason, "pretrained": pretrained, "trainWindows": len(train), "backgroundWindows": len(background),
                     "validationWindows": len(val), "args": vars(args)},
        "eval": {"validation": figures}, "history": history,
    }
    atomic_save(result, os.path.join(args.out, "model.pt"))
    write_json(os.path.join(args.out, "summary.json"), {k: v for k, v in result.items() if k != "state"})
    if os.path.exists(ckpt_path):
        os.remove(ckpt_path)  # the run is complete: a later run in this folder starts afresh
    log(f"saved {os.path.join(args.out, 'model.pt')}")


if __name__ == "__main__":
    main()
