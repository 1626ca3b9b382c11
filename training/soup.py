"""Averages the weights of fine-tuned models into one (a uniform "model soup").

Models fine-tuned from the same pretrained encoder, with the same head initialisation (seed),
stay in one basin of the loss, so their weight average is itself a working model; averaging
cancels part of what each run learned from its own data order and noise, and a soup tends to
hold up better on code unlike the training data than its ingredients (Wortsman et al., "Model
soups", ICML 2022). It costs nothing at serving time: the result is one model of the same shape.

The soup is uniform (every ingredient weighs the same) so no choice is fitted to validation
except the thresholds, which are chosen on validation exactly as fine-tuning chooses them.

  /usr/bin/python3 training/soup.py --out training/runs/soup A/model.pt B/model.pt ...   (from the repository root)
"""
import argparse
import json
import os

import torch

from common import atomic_save, log, setup_torch, write_json
from finetune import read_windows, validated_thresholds
from model import classifier_from

# What must be equal for weights to be averaged: the same network and outputs, and the same
# starting point (a soup of runs from different encoders is not in one basin). Dropout is a
# training setting, not a shape, so ingredients may differ in it.
SAME = ("config", "labels", "windowPool")


def shape_of(saved, key):
    if key == "config":
        return {k: v for k, v in saved["config"].items() if k != "dropout"}
    return saved[key]


def check_compatible(paths, models):
    first = models[0]
    for path, saved in zip(paths[1:], models[1:]):
        for key in SAME:
            if shape_of(saved, key) != shape_of(first, key):
                raise SystemExit(f"{path}: its {key} differs from {paths[0]}'s; only models of one shape can be averaged")
        if saved["training"]["pretrained"] != first["training"]["pretrained"]:
            raise SystemExit(f"{path} was fine-tuned from {saved['training']['pretrained']}, {paths[0]} from "
                             f"{first['training']['pretrained']}: a soup needs one shared starting encoder")


def average(states):
    out = {}
    for key, value in states[0].items():
        if value.is_floating_point():
            out[key] = sum(s[key] for s in states) / len(states)
        else:  # integer buffers (none today) are taken from the first model
            out[key] = value.clone()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="+", help="model.pt files written by finetune.py, same encoder and shape")
    p.add_argument("--out", required=True, help="folder for the soup's model.pt and summary.json")
    p.add_argument("--windows", default="training/cache")
    p.add_argument("--threshold-floor", type=float, default=0.15)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if len(args.models) < 2:
        raise SystemExit("a soup needs at least two models")
    setup_torch(args.threads, 4321)
    saved = [torch.load(path) for path in args.models]
    check_compatible(args.models, saved)
    base = saved[0]
    log(f"averaging {len(saved)} models fine-tuned from {base['training']['pretrained']}")
    model = classifier_from(base)
    model.load_state_dict(average([s["state"] for s in saved]))

    val_path = os.path.join(args.windows, "windows-validation.jsonl")
    if not os.path.exists(val_path):
        raise SystemExit(f"{val_path} is missing: run `npx tsx scripts/training/export-windows.ts` first")
    val = read_windows(val_path, 0)
    labels = base["labels"]
    thresholds, line_threshold, figures = validated_thresholds(model, val, len(labels), args.threshold_floor, "global")
    log(f"validation ({len(val)} windows): {json.dumps(figures)}")
    training = {
        "seed": base["training"]["seed"], "pretrained": base["training"]["pretrained"],
        "soupOf": [{"model": path, "steps": s["training"]["steps"], "trainWindows": s["training"]["trainWindows"]}
                   for path, s in zip(args.models, saved)],
        "trainWindows": max(s["training"]["trainWindows"] for s in saved),
        "backgroundWindows": max(s["training"]["backgroundWindows"] for s in saved),
        "validationWindows": len(val), "args": vars(args),
    }
    result = {"config": base["config"], "labels": labels, "windowPool": base["windowPool"], "state": model.state_dict(),
              "thresholds": {label: float(t) for label, t in zip(labels, thresholds)}, "lineThreshold": line_threshold,
              "training": training, "eval": {"validation": figures}, "history": []}
    os.makedirs(args.out, exist_ok=True)
    atomic_save(result, os.path.join(args.out, "model.pt"))
    write_json(os.path.join(args.out, "summary.json"), {k: v for k, v in result.items() if k != "state"})
    log(f"saved {os.path.join(args.out, 'model.pt')}")


if __name__ == "__main__":
    main()
