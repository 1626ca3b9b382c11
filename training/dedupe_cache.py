"""Drops the training windows of near-copies inside a family from a windows cache.

A family renders its template about twenty times with different names, literals and optional
parts; where the optional parts happen to coincide, two examples of one label are the same code
with other identifiers (normalized-token Jaccard >= 0.95: 5,256 of the 19,797 train examples at
commit a0c6765). `data:augment` already adds renamed copies of every example, so such a pair
teaches what one of them and its augmented copies teach, and costs its share of every epoch.
This keeps the first example of each group (in file order) and drops the windows, augmented ones
included, of the others. It is a training choice, not a dataset change: `data/` keeps every
example, and the cache records what was dropped (`dedupe.json`).

  /usr/bin/python3 training/dedupe_cache.py training/cache-r14 [--jaccard 0.95]

Idempotent: the first run keeps the full window files as `*.full.jsonl` and every run filters
from those.
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "dataset"))
from tokens import norm_tokens, shingles  # noqa: E402

WINDOW_FILES = ("windows-train.jsonl", "windows-train.augmented.jsonl")
AUGMENTED = re.compile(r"-aug\d+$")


def near_copies(records, jaccard):
    """Ids of examples whose code is a near-copy of an earlier kept example of the same family and
    label (Jaccard of normalized token 5-grams >= `jaccard`); greedy in file order."""
    kept = {}
    dropped = []
    for r in records:
        s = shingles(norm_tokens(r["code"]))
        group = kept.setdefault((r["family"], r["label"]), [])
        if any(len(s & k) / max(1, len(s | k)) >= jaccard for k in group):
            dropped.append(r["id"])
        else:
            group.append(s)
    return dropped


def filter_windows(src, dst, drop):
    """Copies the windows of `src` whose example is not in `drop` to `dst`: (read, written)."""
    read = written = 0
    tmp = dst + ".tmp"
    with open(src) as f, open(tmp, "w") as out:
        for line in f:
            if not line.strip():
                continue
            read += 1
            example = AUGMENTED.sub("", json.loads(line)["id"])
            if example not in drop:
                out.write(line if line.endswith("\n") else line + "\n")
                written += 1
    os.replace(tmp, dst)
    return read, written


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cache", help="a windows cache with a copy of its data in CACHE/data (export-windows.ts --data)")
    p.add_argument("--jaccard", type=float, default=0.95)
    args = p.parse_args()
    data = os.path.join(args.cache, "data", "train.jsonl")
    if not os.path.exists(data):
        raise SystemExit(f"{data} is missing: build the cache from a copy of the data in {args.cache}/data "
                         "(see training/README.md, how r11-r13's caches were built)")
    started = time.time()
    with open(data) as f:
        records = [json.loads(line) for line in f if line.strip()]
    drop = set(near_copies(records, args.jaccard))
    print(f"{len(drop)} of {len(records)} train examples are near-copies (Jaccard >= {args.jaccard}) of an earlier "
          f"example of their family and label ({time.time() - started:.0f}s)", flush=True)
    report = {"jaccard": args.jaccard, "examples": len(records), "dropped": sorted(drop), "windows": {}}
    for name in WINDOW_FILES:
        path = os.path.join(args.cache, name)
        full = path[: -len(".jsonl")] + ".full.jsonl"
        if not os.path.exists(full):
            if not os.path.exists(path):
                raise SystemExit(f"{path} is missing: run scripts/training/export-windows.ts for {args.cache} first")
            os.replace(path, full)
        read, written = filter_windows(full, path, drop)
        report["windows"][name] = {"before": read, "after": written}
        print(f"{name}: {read} -> {written} windows", flush=True)
    with open(os.path.join(args.cache, "dedupe.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
