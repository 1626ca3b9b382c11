"""Train a small bag-of-words classifier for support-ticket routing."""
from __future__ import annotations

import argparse
import json
import logging
import random
import time
from collections import Counter
from pathlib import Path

import torch
from torch import nn

log = logging.getLogger("train")


def tokenize(text: str) -> list[str]:
    return [t for t in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(t) > 1]


def build_vocab(texts: list[str], size: int) -> dict[str, int]:
    counts = Counter(tok for t in texts for tok in tokenize(t))
    return {tok: i for i, (tok, _) in enumerate(counts.most_common(size))}


def vectorize(text: str, vocab: dict[str, int]) -> torch.Tensor:
    vec = torch.zeros(len(vocab))
    for tok in tokenize(text):
        idx = vocab.get(tok)
        if idx is not None:
            vec[idx] += 1.0
    return torch.log1p(vec)


class Classifier(nn.Module):
    def __init__(self, vocab_size: int, n_classes: int, hidden: int = 128) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(vocab_size, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def load_jsonl(path: Path) -> list[dict]:
    with path.open() as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("data", type=Path)
    ap.add_argument("--out", type=Path, default=Path("router_model"))
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    random.seed(args.seed)
    torch.manual_seed(args.seed)

    rows = load_jsonl(args.data)
    random.shuffle(rows)
    split = int(len(rows) * 0.9)
    train, val = rows[:split], rows[split:]
    labels = sorted({r["queue"] for r in rows})
    label_ix = {l: i for i, l in enumerate(labels)}
    vocab = build_vocab([r["text"] for r in train], args.vocab)
    xtr = torch.stack([vectorize(r["text"], vocab) for r in train])
    ytr = torch.tensor([label_ix[r["queue"]] for r in train])
    xva = torch.stack([vectorize(r["text"], vocab) for r in val])
    yva = torch.tensor([label_ix[r["queue"]] for r in val])

    model = Classifier(len(vocab), len(labels))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        started = time.monotonic()
        model.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(perm), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(xva).argmax(1) == yva).float().mean().item()
        log.info("epoch %d/%d val_acc=%.3f (%.1fs)", epoch, args.epochs, acc, time.monotonic() - started)

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "weights.pt")
    (args.out / "meta.json").write_text(json.dumps({"labels": labels, "vocab": vocab}))
    log.info("saved model to %s", args.out)


if __name__ == "__main__":
    main()
