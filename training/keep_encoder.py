"""Keeps a pretrained encoder where git holds it: the weights in float16, with their provenance.

training/runs/ is ignored by git, and that is how every earlier encoder was lost with its machine
(REPORT.md's base-model row with it). Without the optimizer state and with half-precision weights,
an encoder of the default shape is small enough to commit. finetune.py --init and export.py
--encoder read the kept file as they read encoder.pt (load_state_dict casts back to float32).

  /usr/bin/python3 training/keep_encoder.py training/runs/pretrain --out training/encoders/NAME.pt
"""
import argparse
import hashlib
import json
import os

import torch

from common import atomic_save, log


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("run", help="a pretrain.py --out folder (encoder.pt and summary.json)")
    p.add_argument("--out", required=True, help="file to write, e.g. training/encoders/pretrain-2026-11-27.pt")
    p.add_argument("--corpus", default="", help="corpus folder whose corpus.json is recorded (pretrain.py --corpus)")
    p.add_argument("--vocab-head", action="store_true",
                   help="keep the vocabulary head too, so pretraining can be continued from the kept file")
    return p.parse_args()


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def half(state):
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def main():
    args = parse_args()
    source = os.path.join(args.run, "encoder.pt")
    summary_path = os.path.join(args.run, "summary.json")
    if not os.path.exists(source) or not os.path.exists(summary_path):
        raise SystemExit(f"{args.run} has no encoder.pt and summary.json: point at a pretrain.py --out folder")
    saved = torch.load(source)
    summary = json.load(open(summary_path))
    if not summary.get("final"):
        log(f"note: {args.run} stopped at step {summary['step']} of {summary['total_steps']} (not a finished run)")
    corpus = json.load(open(os.path.join(args.corpus, "corpus.json"))) if args.corpus else None
    kept = {
        "encoder": half(saved["encoder"]),
        "config": saved["config"],
        "objective": saved.get("objective"),
        "provenance": {
            "source": source,
            "sourceSha256": sha256(source),
            "summary": summary,
            "corpus": corpus,
            "dtype": "float16 (float32 when trained)",
        },
    }
    if args.vocab_head:
        kept["lm_head"] = half(saved["lm_head"])
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    atomic_save(kept, args.out)
    size = os.path.getsize(args.out) / 1e6
    worst = max(float((saved["encoder"][k].float() - v.float()).abs().max()) for k, v in kept["encoder"].items())
    log(f"kept {source} (step {summary['step']}, {summary['tokens_seen']:,} tokens) as {args.out}: {size:.1f} MB, "
        f"largest float16 rounding {worst:.1e}")


if __name__ == "__main__":
    main()
