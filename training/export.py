"""Exports a cwe-review model to an ONNX bundle: model.onnx, vocab.json, manifest.json, parity.json.

Contract (src/model/ codes against it; do not rename): inputs `input_ids` int64 [batch, seq],
`attention_mask` int64 [batch, seq]; outputs `window_logits` float32 [batch, labels],
`token_logits` float32 [batch, seq, labels]. ONNX opset 14, dynamic batch and length.

  fine-tuned:  export.py --model training/runs/finetune/model.pt --out models/cwe-review-small
  base row:    export.py --encoder training/runs/pretrain/encoder.pt --out training/runs/base
               export.py --encoder training/encoders/pretrain-r10.pt --like models/cwe-review-small --out training/runs/base
               (--like takes the vocabulary and labels from a bundle, so a fresh checkout needs no cache)
  untrained:   export.py --random --out /tmp/bundle   (contract placeholder, tests)
"""
import argparse
import glob
import hashlib
import json
import os
import shutil

import numpy as np
import onnx
import torch

from common import git_commit, log, write_json
from model import Classifier, Config, classifier_from

OPSET = 14
SPECIAL = {"pad": 0, "cls": 1, "sep": 2, "mask": 3, "unk": 4}
BYTE_OFFSET = 5
VOCAB_OFFSET = 261
MAX_LENGTH = 256
RELEASE_VERSION = "0.6.0"


# What a bundle's manifest records of the pretraining run its encoder came from.
PRETRAIN_KEYS = ("step", "seconds", "tokens_seen", "seed", "final")


def parse_args():
    p = argparse.ArgumentParser()
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="fine-tuned model.pt from finetune.py")
    src.add_argument("--encoder", help="pretrained encoder.pt: heads freshly initialised (the 'base' row)")
    src.add_argument("--random", action="store_true", help="untrained model (contract placeholder, tests)")
    p.add_argument("--cache", default="training/cache", help="vocab.json, labels.json, label-names.json, windows-*.jsonl")
    p.add_argument("--vocab", default=None, help="defaults to <cache>/vocab.json")
    p.add_argument("--like", default=None,
                   help="a bundle whose vocab.json, labels and label names to use instead of --cache's (base row on a fresh checkout)")
    p.add_argument("--data", default="data", help="labelled dataset, hashed into the manifest")
    p.add_argument("--out", required=True)
    p.add_argument("--pretrain-dir", default="training/runs/pretrain", help="its summary.json goes into the manifest")
    p.add_argument("--name", default="cwe-review-small")
    p.add_argument("--version", default=None,
                   help=f"defaults to {RELEASE_VERSION}, or base-<encoder file name> for --encoder, so a base bundle is never "
                        "mistaken for a release")
    p.add_argument("--seed", type=int, default=4321)
    p.add_argument("--window-pool", choices=["cls_mean", "token_max", "factored"], default="factored",
                   help="window head of --encoder/--random models (fine-tuned models carry their own)")
    p.add_argument("--d-model", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ff", type=int, default=1024)
    return p.parse_args()


def data_fingerprint(data_dir):
    """sha256 over data/*.jsonl (names and bytes, sorted), so a bundle names the data it learned from."""
    h = hashlib.sha256()
    files = sorted(glob.glob(os.path.join(data_dir, "*.jsonl")))
    for path in files:
        h.update(os.path.basename(path).encode() + b"\0")
        with open(path, "rb") as f:
            h.update(f.read())
        h.update(b"\0")
    version = "unknown"
    for meta in ("VERSION", "version.txt"):
        if os.path.exists(os.path.join(data_dir, meta)):
            version = open(os.path.join(data_dir, meta)).read().strip()
    digest = h.hexdigest()
    if version == "unknown" and files:
        version = "sha256-" + digest[:12]  # no version file in data/: name the data by its content
    return {"version": version if files else "none", "sha256": digest, "files": [os.path.basename(f) for f in files]}


def load_json(path, default):
    return json.load(open(path)) if os.path.exists(path) else default


def build(args, vocab_size):
    """(model, labels, thresholds, lineThreshold, training, eval) for the chosen source."""
    torch.manual_seed(args.seed)
    if args.model:
        saved = torch.load(args.model)
        model = classifier_from(saved)
        return model, saved["labels"], saved["thresholds"], saved["lineThreshold"], with_lineage(saved["training"]), saved["eval"]
    labels = like_manifest(args)["labels"] if args.like else load_json(os.path.join(args.cache, "labels.json"), None)
    if labels is None:
        raise SystemExit(f"{args.cache}/labels.json missing: run scripts/training/export-windows.ts first, "
                         "or pass --like BUNDLE to take the labels and vocabulary from a bundle")
    thresholds = {label: 0.5 for label in labels}
    if args.encoder:
        saved = torch.load(args.encoder)
        cfg = Config.from_dict(saved["config"])
        model = Classifier(cfg, len(labels), args.window_pool)  # heads freshly initialised (seeded)
        model.encoder.load_state_dict(saved["encoder"])
        training = {"source": "pretrained encoder, untrained heads", "encoder": args.encoder, "seed": args.seed,
                    "windowPool": args.window_pool}
        if "provenance" in saved:  # a keep_encoder.py file carries its own pretraining record
            summary = saved["provenance"]["summary"]
            training["pretraining"] = {k: summary.get(k) for k in PRETRAIN_KEYS}
            training["keptFrom"] = {k: saved["provenance"][k] for k in ("source", "sourceSha256")}
    else:
        cfg = Config(vocab_size, args.d_model, args.layers, args.heads, args.ff, MAX_LENGTH)
        model = Classifier(cfg, len(labels), args.window_pool)
        training = {"source": "random initialisation (contract placeholder)", "seed": args.seed}
    return model, labels, thresholds, 0.5, training, {}


def like_manifest(args):
    path = os.path.join(args.like, "manifest.json")
    if not os.path.exists(path):
        raise SystemExit(f"--like {args.like}: no manifest.json there; pass a model bundle such as models/cwe-review-small")
    return json.load(open(path))


def bundle_version(args):
    if args.version:
        return args.version
    if args.encoder:
        return "base-" + os.path.splitext(os.path.basename(args.encoder))[0]
    return RELEASE_VERSION


def with_lineage(training):
    """A fine-tune continued from another fine-tuned model.pt (`finetune.py --init model.pt`, e.g. one
    `recover.py` rebuilt from a shipped bundle) keeps that model's training record, so the manifest still
    says which encoder, pretraining and data the weights started from."""
    init = training.get("pretrained")
    if not init or not os.path.exists(init) or "continuedFrom" in training:
        return training
    prior = torch.load(init)
    if "state" not in prior or "training" not in prior:
        return training  # a pretrained encoder.pt: `pretrained` already names it
    return {**training, "continuedFrom": prior["training"]}


def parity_inputs(cache, vocab_size):
    """Three validation windows of different lengths (so one batch holds padding) that fit the vocabulary, else
    seeded random ids."""
    rows = []
    path = os.path.join(cache, "windows-validation.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                ids = json.loads(line)["ids"]
                if max(ids, default=0) < vocab_size:  # a cache of another corpus build (export.py --like) does not fit
                    rows.append(ids)
                if len(rows) >= 200:
                    break
    if len(rows) >= 3:
        rows.sort(key=len)
        picked = [rows[len(rows) // 10], rows[len(rows) // 2], rows[-1]]
    else:
        rng = np.random.default_rng(7)
        picked = [[1] + rng.integers(5, vocab_size, size=n - 1).tolist() for n in (9, 40, 23)]
    t = max(len(r) for r in picked)
    ids = np.zeros((3, t), dtype=np.int64)
    mask = np.zeros((3, t), dtype=np.int64)
    for i, r in enumerate(picked):
        ids[i, :len(r)] = r
        mask[i, :len(r)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def main():
    args = parse_args()
    vocab_path = args.vocab or os.path.join(args.like or args.cache, "vocab.json")
    vocab = json.load(open(vocab_path))
    vocab_size = VOCAB_OFFSET + len(vocab)
    model, labels, thresholds, line_threshold, training, evaluation = build(args, vocab_size)
    if model.encoder.cfg.vocab_size != vocab_size:
        raise SystemExit(f"model has {model.encoder.cfg.vocab_size} token embeddings but {vocab_path} gives {vocab_size}: "
                         "the vocabulary and the checkpoint are from different corpus builds")
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    ids, mask = parity_inputs(args.cache, vocab_size)
    # Trace with a batch and length unlike the parity inputs, so the parity check also
    # proves the graph's batch and length are really dynamic.
    trace_ids = torch.full((2, 17), 7, dtype=torch.int64)
    trace_ids[:, 0] = SPECIAL["cls"]
    trace_mask = torch.ones_like(trace_ids)
    trace_mask[1, 9:] = 0
    with torch.no_grad():
        torch.onnx.export(
            model, (trace_ids, trace_mask), onnx_path, opset_version=OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["window_logits", "token_logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "window_logits": {0: "batch"}, "token_logits": {0: "batch", 1: "seq"}},
            do_constant_folding=True)
        window_logits, token_logits = model(ids, mask)
    onnx.checker.check_model(onnx.load(onnx_path))
    shutil.copyfile(vocab_path, os.path.join(args.out, "vocab.json"))
    names = like_manifest(args).get("labelNames", {}) if args.like else load_json(os.path.join(args.cache, "label-names.json"), {})
    training = dict(training)
    training.setdefault("commit", git_commit())
    corpus = load_json(os.path.join(args.cache, "corpus.json"), {})
    pretrain = load_json(os.path.join(args.pretrain_dir, "summary.json"), {})
    if corpus:
        training["corpusTokens"] = corpus.get("tokens")
    if pretrain and "pretraining" not in training:
        training["pretraining"] = {k: pretrain.get(k) for k in PRETRAIN_KEYS}
    manifest = {
        "name": args.name, "version": bundle_version(args), "format": 1,
        "labels": labels,
        "labelNames": {label: names[label] for label in labels if label in names},
        "thresholds": {label: round(float(thresholds[label]), 4) for label in labels},
        "lineThreshold": round(float(line_threshold), 4),
        "maxLength": MAX_LENGTH,
        "tokenizer": {"type": "p50k_base-compact-linewise", "vocab": "vocab.json", "special": SPECIAL,
                      "byteOffset": BYTE_OFFSET, "vocabSize": vocab_size},
        "inputs": ["input_ids", "attention_mask"],
        "outputs": ["window_logits", "token_logits"],
        "data": data_fingerprint(args.data),
        "training": training,
        "eval": evaluation,
    }
    write_json(os.path.join(args.out, "manifest.json"), manifest)
    parity = {
        "note": "torch outputs for these inputs; onnxruntime-node must reproduce them within tolerance",
        "tolerance": 1e-4,
        "inputs": {"input_ids": ids.tolist(), "attention_mask": mask.tolist()},
        "outputs": {"window_logits": np.round(window_logits.numpy().astype(np.float64), 6).tolist(),
                    "token_logits": np.round(token_logits.numpy().astype(np.float64), 6).tolist()},
    }
    with open(os.path.join(args.out, "parity.json"), "w") as f:
        json.dump(parity, f)
    size = os.path.getsize(onnx_path) / 1e6
    log(f"exported {onnx_path} ({size:.1f} MB, {len(labels)} labels, vocab {vocab_size}) and manifest, parity")


if __name__ == "__main__":
    main()
