"""Pretraining of the cwe-review encoder on the Python corpus: causal LM (default) or masked LM.

Why causal: on this CPU budget (~20M tokens) a masked LM learns from 15% of the tokens it
reads and was measured stuck near the unigram loss (5.54 nats after 6.3M tokens); a causal
LM learns from (a share of) every position, and the fine-tuned heads still see what they
need, because a sink's tokens come after the input they use and the guard they lack.

Reads training/cache/corpus.u16 (ids written by the TypeScript tokenizer) and corpus.json.
Progress line with tokens/s and ETA; checkpoint every --checkpoint-minutes (atomic) and
resume from it; stops cleanly at --max-minutes or --steps and saves.

  /usr/bin/python3 training/pretrain.py --out training/runs/pretrain --max-minutes 40
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import atomic_save, fmt_seconds, log, rng_state, set_rng_state, setup_torch, write_json
from model import Config, MaskedLM, count_params

PAD, CLS, SEP, MASK, UNK = 0, 1, 2, 3, 4
FIRST_REAL = 5  # ids below are specials: never masked, never predicted


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default="training/cache")
    p.add_argument("--out", default="training/runs/pretrain")
    p.add_argument("--max-minutes", type=float, default=40.0)
    p.add_argument("--steps", type=int, default=0, help="fixed step count (0: derive from --max-minutes)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--max-len", type=int, default=256, help="position embeddings (fine-tuning windows are 256)")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--objective", choices=["clm", "mlm"], default="clm")
    p.add_argument("--mask-prob", type=float, default=0.15, help="mlm: share of tokens masked")
    p.add_argument("--predict-share", type=float, default=1.0,
                   help="clm: share of positions whose next token is predicted (lower it to trade signal for speed: "
                        "the vocabulary head costs about as much as the encoder)")
    p.add_argument("--init", default="", help="start from this encoder.pt (same shape), e.g. an earlier MLM run")
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ff", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--checkpoint-minutes", type=float, default=4.0)
    p.add_argument("--log-seconds", type=float, default=30.0)
    return p.parse_args()


def mask_tokens(ids, rng, mask_prob, vocab_size):
    """BERT masking: pick mask_prob of real tokens; 80% -> [MASK], 10% random, 10% kept."""
    real = ids >= FIRST_REAL
    chosen = (rng.random(ids.shape) < mask_prob) & real
    targets = ids[chosen]
    inputs = ids.copy()
    roll = rng.random(ids.shape)
    inputs[chosen & (roll < 0.8)] = MASK
    rand = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[rand] = rng.integers(FIRST_REAL, vocab_size, size=int(rand.sum()))
    positions = np.flatnonzero(chosen)
    return inputs, positions, targets


def next_token_targets(ids, rng, share):
    """clm: inputs are the ids; predict ids[:, i+1] at a random `share` of positions i."""
    b, t = ids.shape
    chosen = np.zeros((b, t), dtype=bool)
    chosen[:, :-1] = rng.random((b, t - 1)) < share
    positions = np.flatnonzero(chosen)
    return ids, positions, ids.reshape(-1)[positions + 1]


def objective_batch(ids, rng, args, vocab_size):
    if args.objective == "clm":
        return next_token_targets(ids, rng, args.predict_share)
    return mask_tokens(ids, rng, args.mask_prob, vocab_size)


def make_batch(corpus, lo, hi, batch, seq, rng):
    """[CLS] + seq-1 corpus tokens from random offsets in [lo, hi)."""
    starts = rng.integers(lo, hi - seq, size=batch)
    ids = np.empty((batch, seq), dtype=np.int64)
    ids[:, 0] = CLS
    for i, s in enumerate(starts):
        ids[i, 1:] = corpus[s:s + seq - 1]
    return ids


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def evaluate(model, corpus, lo, hi, args, vocab_size):
    """The objective's loss on the held-out documents, fixed batches and masks (comparable across runs)."""
    rng = np.random.default_rng(99)
    model.eval()
    losses = []
    with torch.no_grad():
        for _ in range(4):
            ids = make_batch(corpus, lo, hi, args.batch, args.seq, rng)
            inputs, positions, targets = objective_batch(ids, rng, args, vocab_size)
            logits = model(torch.from_numpy(inputs), torch.ones_like(torch.from_numpy(inputs)), torch.from_numpy(positions))
            losses.append(F.cross_entropy(logits, torch.from_numpy(targets)).item())
    model.train()
    return float(np.mean(losses))


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    gflops = setup_torch(args.threads, args.seed)
    stats = json.load(open(os.path.join(args.corpus, "corpus.json")))
    corpus = np.memmap(os.path.join(args.corpus, "corpus.u16"), dtype=np.uint16, mode="r")
    assert len(corpus) == stats["tokens"], "corpus.u16 does not match corpus.json: rebuild the corpus"
    vocab_size = stats["vocabSize"]
    train_hi = stats["validationStart"]
    cfg = Config(vocab_size, args.d_model, args.layers, args.heads, args.ff, max(args.max_len, args.seq),
                 causal=args.objective == "clm")
    model = MaskedLM(cfg)
    if args.init:
        init = torch.load(args.init)
        model.encoder.load_state_dict(init["encoder"])
        log(f"encoder initialised from {args.init}")
        # The vocabulary head too, when it was trained for the same objective: a fresh head
        # costs the first hundred steps of a continued run (step-1 loss 11 against 4).
        if init.get("lm_head") and init.get("objective") == args.objective:
            model.load_state_dict({**model.state_dict(), **init["lm_head"]})
            log("vocabulary head initialised from it too")
    log(f"corpus {len(corpus):,} tokens (train {train_hi:,}), vocab {vocab_size}; "
        f"params {count_params(model.encoder):,} encoder, {count_params(model.encoder, False):,} non-embedding")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    rng = np.random.default_rng(args.seed)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    step, elapsed, total_steps, history = 0, 0.0, args.steps, []
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        step, elapsed, total_steps, history = ckpt["step"], ckpt["elapsed"], ckpt["total_steps"], ckpt["history"]
        rng.bit_generator.state = ckpt["numpy_rng"]
        set_rng_state(ckpt["rng"])
        if args.steps:
            total_steps = args.steps  # an explicit step count wins over the saved estimate
        log(f"resumed from step {step} ({fmt_seconds(elapsed)} trained, schedule {total_steps} steps)")

    def save(final=False):
        atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "elapsed": elapsed,
                     "total_steps": total_steps, "history": history, "numpy_rng": rng.bit_generator.state,
                     "rng": rng_state(), "config": cfg.to_dict(), "args": vars(args)}, ckpt_path)
        head = {k: v for k, v in model.state_dict().items() if not k.startswith("encoder.")}
        atomic_save({"encoder": model.encoder.state_dict(), "config": cfg.to_dict(), "lm_head": head,
                     "objective": args.objective}, os.path.join(args.out, "encoder.pt"))
        write_json(os.path.join(args.out, "summary.json"), {
            "step": step, "total_steps": total_steps, "seconds": round(elapsed, 1), "tokens_seen": step * args.batch * args.seq,
            "corpus_tokens": len(corpus), "final": final, "history": history[-50:], "matmul_gflops": round(gflops, 1),
            "seed": args.seed, "config": cfg.to_dict(), "non_embedding_params": count_params(model.encoder, False)})

    budget = args.max_minutes * 60
    tokens_per_step = args.batch * args.seq
    model.train()
    session_start = time.time()
    last_log = last_ckpt = session_start
    window_tokens, window_start, window_loss = 0, time.time(), []
    while True:
        if total_steps and step >= total_steps:
            break
        if elapsed + (time.time() - session_start) >= budget:
            log("time budget reached")
            break
        # The cosine schedule needs a length: with only a time budget, estimate how many steps fit
        # after 30 steps of measured speed, and keep that number (saved, so a resume agrees).
        if not total_steps and step == 30:
            rate = 30 / (elapsed + time.time() - session_start)
            total_steps = max(60, int(rate * budget * 0.97))
            log(f"schedule: {total_steps} steps (~{rate:.2f} steps/s)")
        schedule_len = total_steps or max(1000, step + 1)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, schedule_len, args.lr, args.warmup)
        ids = make_batch(corpus, 0, train_hi, args.batch, args.seq, rng)
        inputs, positions, targets = objective_batch(ids, rng, args, vocab_size)
        inputs_t = torch.from_numpy(inputs)
        logits = model(inputs_t, torch.ones_like(inputs_t), torch.from_numpy(positions))
        loss = F.cross_entropy(logits, torch.from_numpy(targets))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        window_tokens += tokens_per_step
        window_loss.append(loss.item())
        now = time.time()
        if now - last_log >= args.log_seconds or step == 1:
            run_elapsed = elapsed + now - session_start
            tps = window_tokens / (now - window_start)
            left = budget - run_elapsed
            if total_steps:
                left = min(left, (total_steps - step) * tokens_per_step / max(tps, 1e-9))
            log(f"step {step}/{total_steps or '?'} loss {np.mean(window_loss):.3f} lr {opt.param_groups[0]['lr']:.2e} "
                f"{tps:,.0f} tokens/s, {step * tokens_per_step / 1e6:.2f}M tokens, elapsed {fmt_seconds(run_elapsed)}, "
                f"ETA {fmt_seconds(left)}")
            history.append({"step": step, "loss": round(float(np.mean(window_loss)), 4), "tokens_per_s": round(tps),
                            "elapsed": round(run_elapsed)})
            last_log, window_tokens, window_start, window_loss = now, 0, now, []
        if now - last_ckpt >= args.checkpoint_minutes * 60:
            elapsed += now - session_start
            session_start = now
            if not args.steps and total_steps:
                # The CPU is shared, so speed drifts: re-fit the schedule to the steps that the
                # rest of the budget will allow at the average speed so far (cosine then still
                # ends near its floor when time runs out).
                fitted = int(step + step / elapsed * (budget - elapsed) * 0.97)
                if abs(fitted - total_steps) > 0.02 * total_steps:
                    log(f"schedule: {total_steps} -> {fitted} steps ({step / elapsed:.2f} steps/s so far)")
                    total_steps = max(step + 1, fitted)
            val = evaluate(model, corpus, train_hi, len(corpus), args, vocab_size)
            history.append({"step": step, "val_loss": round(val, 4)})
            save()
            last_ckpt = time.time()
            log(f"checkpoint at step {step}, held-out {args.objective.upper()} loss {val:.3f} (ppl {math.exp(val):.1f})")
    elapsed += time.time() - session_start
    session_start = time.time()
    val = evaluate(model, corpus, train_hi, len(corpus), args, vocab_size)
    history.append({"step": step, "val_loss": round(val, 4)})
    save(final=True)
    log(f"done: {step} steps, {step * tokens_per_step / 1e6:.2f}M tokens in {fmt_seconds(elapsed)}, "
        f"held-out {args.objective.upper()} loss {val:.3f} (ppl {math.exp(val):.1f})")


if __name__ == "__main__":
    main()
