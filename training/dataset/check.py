"""Quality gate for the labelled dataset: `npm run data:check` (plain python3, stdlib only).

Checks data/{train,validation,test}.jsonl (+ train.augmented.jsonl when present) against
data/schema.json, that every sample parses as Python 3, line numbers are in range, CWE ids
are known and among the shipped model's labels, every vulnerable example has a safe twin, no family sits in two splits, no exact
duplicates anywhere and no near duplicates (Jaccard >= 0.9 of normalized token 5-grams)
across splits or against data/challenge/. Prints the datasheet table and the coverage
requirements of issue 3 with PASS/FAIL. Exit status 1 on any failure.
"""
from __future__ import annotations

import ast
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cwes import CWES, GROUPS  # noqa: E402
from tokens import exact_key, norm_tokens, shingles  # noqa: E402
import second_review  # noqa: E402

DATA = os.path.normpath(os.path.join(HERE, "..", "..", "data"))
SPLITS = ("train", "validation", "test")
NEAR = 0.9
MANIFEST = os.path.normpath(os.path.join(HERE, "..", "..", "models", "cwe-review-small", "manifest.json"))
FRAMEWORKS = ["flask", "django", "fastapi", "aiohttp", "tornado", "starlette", "pyramid", "graphql", "script", "cli", "pipeline", "orm"]


# ---------------- a small JSON Schema validator (the keywords data/schema.json uses) ----------------

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is_type(v, t: str) -> bool:
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(v, _TYPES[t])


def validate(inst, schema: dict, path: str = "$") -> list[str]:
    errs: list[str] = []
    if "type" in schema:
        ts = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(inst, t) for t in ts):
            return [f"{path}: expected {'/'.join(ts)}"]
    if "enum" in schema and inst not in schema["enum"]:
        errs.append(f"{path}: {inst!r} not in {schema['enum']}")
    if "const" in schema and inst != schema["const"]:
        errs.append(f"{path}: expected {schema['const']!r}")
    if isinstance(inst, str):
        if len(inst) < schema.get("minLength", 0):
            errs.append(f"{path}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], inst):
            errs.append(f"{path}: does not match {schema['pattern']}")
    if isinstance(inst, (int, float)) and not isinstance(inst, bool) and "minimum" in schema and inst < schema["minimum"]:
        errs.append(f"{path}: below {schema['minimum']}")
    if isinstance(inst, list):
        if len(inst) < schema.get("minItems", 0):
            errs.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(inst) > schema["maxItems"]:
            errs.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, v in enumerate(inst):
                errs += validate(v, schema["items"], f"{path}[{i}]")
    if isinstance(inst, dict):
        for k in schema.get("required", []):
            if k not in inst:
                errs.append(f"{path}: missing {k}")
        props = schema.get("properties", {})
        for k, v in inst.items():
            if k in props:
                errs += validate(v, props[k], f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                errs.append(f"{path}: unexpected property {k}")
    for sub in schema.get("allOf", []):
        if "if" in sub:
            if not validate(inst, sub["if"], path):
                errs += validate(inst, sub.get("then", {}), path)
        else:
            errs += validate(inst, sub, path)
    return errs


# ---------------- near-duplicate search: exact Jaccard with prefix filtering ----------------


def near_duplicates(items: list[tuple[str, str, set]], t: float = NEAR) -> list[tuple[str, str, float]]:
    """Pairs (id_a, id_b, jaccard) with jaccard >= t whose groups differ.

    items: (id, group, shingle set). Prefix filtering (Chaudhuri et al. 2006): order every
    set by global rarity; two sets with Jaccard >= t must share one of the first
    |A| - ceil(t*|A|) + 1 elements, so only those are indexed. Exact, and fast in pure Python.
    """
    freq: Counter = Counter()
    for _, _, s in items:
        freq.update(s)
    index: dict = defaultdict(list)
    out = []
    order = sorted(range(len(items)), key=lambda i: len(items[i][2]))
    for i in order:
        ida, ga, sa = items[i]
        if not sa:
            continue
        ranked = sorted(sa, key=lambda h: (freq[h], h))
        p = len(sa) - math.ceil(t * len(sa)) + 1
        cands = set()
        for h in ranked[:p]:
            cands.update(index[h])
        for j in cands:
            idb, gb, sb = items[j]
            if gb == ga or len(sb) < t * len(sa):
                continue
            inter = len(sa & sb)
            jac = inter / (len(sa) + len(sb) - inter)
            if jac >= t:
                out.append((idb, ida, jac))
        for h in ranked[:p]:
            index[h].append(i)
    return out


# ---------------- checks ----------------


def load(name: str) -> list[dict]:
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(l) for l in fh if l.strip()]


def self_test() -> bool:
    """Run test_dataset.py (validator, near-duplicate search, templates, augmentation, reviewer)."""
    import io
    import unittest
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py")
    stream = io.StringIO()
    res = unittest.TextTestRunner(stream=stream, verbosity=0).run(suite)
    print(f"[0/6] self-test of the checker and tooling: {res.testsRun} tests, "
          f"{len(res.failures) + len(res.errors)} failed", flush=True)
    if not res.wasSuccessful():
        print(stream.getvalue())
    return res.wasSuccessful()


def main() -> int:
    global DATA
    if len(sys.argv) > 2 and sys.argv[1] == "--data":
        DATA = os.path.abspath(sys.argv[2])
    t0 = time.time()
    fails: list[str] = []

    def fail(msg: str):
        if len(fails) < 200:
            print("FAIL:", msg)
        fails.append(msg)

    if not self_test():
        fail("self-test of training/dataset failed")

    with open(os.path.join(DATA, "schema.json")) as fh:
        schema = json.load(fh)
    recs = {s: load(f"{s}.jsonl") for s in SPLITS}
    aug = load("train.augmented.jsonl")
    allw = [r for s in SPLITS for r in recs[s]]
    if not allw:
        fail("no data files found in " + DATA)
        return 1
    by_id: dict = {}
    for r in allw + aug:
        if r.get("id") in by_id:
            fail(f"duplicate id {r.get('id')}")
        by_id[r.get("id")] = r
    print(f"[1/6] schema, parse, lines, CWE ids ({len(allw)} written + {len(aug)} augmented)...", flush=True)
    for split in SPLITS:
        for r in recs[split]:
            if r.get("split") != split:
                fail(f"{r.get('id')}: split field {r.get('split')!r} but stored in {split}.jsonl")
    for r in allw + aug:
        errs = validate(r, schema)
        if errs:
            fail(f"{r.get('id')}: schema: {errs[0]}")
            continue
        try:
            compile(r["code"], r["id"], "exec")  # also rejects `await` outside async
        except SyntaxError as e:
            fail(f"{r['id']}: does not parse: {e}")
        n = r["code"].count("\n") + 1
        if any(not 1 <= l <= n for l in r["lines"]) or len(set(r["lines"])) != len(r["lines"]):
            fail(f"{r['id']}: line numbers out of range or repeated: {r['lines']} (file has {n})")
        for l in r["lines"]:
            if 1 <= l <= n and not r["code"].split("\n")[l - 1].strip():
                fail(f"{r['id']}: marked line {l} is blank")
        for c in r["cwes"]:
            if c not in CWES:
                fail(f"{r['id']}: unknown CWE id {c}")
    for m in unshipped_labels(allw + aug):
        fail(m)
    print("[2/6] twins, families, augmentation links...", flush=True)
    fam_split: dict = defaultdict(set)
    for r in allw:
        fam_split[r["family"]].add(r["split"])
        if r["label"] == "vulnerable":
            tw = by_id.get(r["twin"])
            if tw is None or tw["label"] != "safe" or tw["family"] != r["family"] or tw.get("twin") != r["id"]:
                fail(f"{r['id']}: no valid safe twin ({r['twin']})")
        elif r["twin"] is not None:
            tw = by_id.get(r["twin"])
            if tw is None or tw["label"] != "vulnerable":
                fail(f"{r['id']}: twin {r['twin']} is not a vulnerable example")
        if r["augmented_from"] is not None:
            fail(f"{r['id']}: written example has augmented_from set")
    for f, ss in fam_split.items():
        if len(ss) > 1:
            fail(f"family {f} appears in several splits: {sorted(ss)}")
    train_ids = {r["id"] for r in recs["train"]}
    for r in aug:
        src = by_id.get(r["augmented_from"])
        if r["augmented_from"] not in train_ids or src is None:
            fail(f"{r['id']}: augmented_from {r['augmented_from']} is not a train example")
        elif src["label"] != r["label"] or src["cwes"] != r["cwes"] or src["family"] != r["family"] or r["split"] != "train":
            fail(f"{r['id']}: augmentation changed label/cwes/family/split")
    print("[3/6] exact duplicates...", flush=True)
    seen: dict = {}
    for r in allw:
        k = exact_key(r["code"])
        if k in seen:
            fail(f"exact duplicate code: {seen[k]} and {r['id']}")
        seen[k] = r["id"]
    print("[4/6] near duplicates across splits (normalized token 5-grams, Jaccard >= 0.9)...", flush=True)
    items = [(r["id"], r["split"], shingles(norm_tokens(r["code"]))) for r in allw]
    # augmented train examples must not be near-copies of validation/test either
    items += [(r["id"], "train", shingles(norm_tokens(r["code"]))) for r in aug]
    chal = challenge_items()
    if chal is not None:
        chal_items, chal_fails = chal
        for m in chal_fails:
            fail(m)
        items += chal_items
    pairs = near_duplicates(items)
    for a, b, j in pairs[:50]:
        fail(f"near duplicate across splits: {a} ~ {b} (Jaccard {j:.2f})")
    if len(pairs) > 50:
        fail(f"... and {len(pairs) - 50} more near-duplicate pairs")
    print(f"      {len(items)} items compared, {len(pairs)} cross-split pairs >= {NEAR}", flush=True)
    print("[5/6] datasheet", flush=True)
    datasheet(recs, aug)
    print("[6/6] coverage requirements (issue 3) and second-author review", flush=True)
    coverage(recs, fail)
    reviews, problems = second_review.load(os.path.join(DATA, "review"))
    for m in problems + second_review.gate(allw, reviews):
        fail(m)
    s = second_review.summary(reviews)
    print(f"      second-author review: {s['families']} families, {s['examples_read']} examples read, "
          f"{s['findings']} findings; agree {s['agree']}, fixed {s['fixed']}, dropped {s['dropped']}", flush=True)
    el = time.time() - t0
    print(f"\ndata:check {'FAILED' if fails else 'PASSED'}: {len(fails)} failure(s), {el:.1f}s")
    return 1 if fails else 0


def unshipped_labels(recs: list[dict], manifest_path: str = MANIFEST) -> list[str]:
    """CWEs labelled in the data that the shipped model has no output for.

    Fine-tuning continues from the shipped model (`finetune.py --init`), whose heads have one row per
    manifest label; a new label would make that impossible, so it must be a deliberate change.
    """
    if not os.path.exists(manifest_path):
        return []
    with open(manifest_path, encoding="utf-8") as fh:
        known = set(json.load(fh)["labels"])
    out = []
    for c in sorted({c for r in recs for c in r.get("cwes", [])} - known):
        ids = [r["id"] for r in recs if c in r.get("cwes", [])]
        out.append(f"{c} is labelled on {len(ids)} example(s) (first {ids[0]}) but is not one of the "
                   f"{len(known)} labels of the shipped model ({os.path.relpath(manifest_path)}): fine-tuning "
                   f"from it (finetune.py --init) cannot learn a new label; relabel these examples with a "
                   f"shipped CWE, or train a new head from the pretrained encoder and ship it with the label")
    return out


def challenge_items():
    root = os.path.join(DATA, "challenge")
    labels = os.path.join(root, "labels.jsonl")
    if not os.path.isdir(root):
        print("      data/challenge/ absent: challenge checks skipped (pass)")
        return None
    if not os.path.exists(labels):
        print("      data/challenge/labels.jsonl absent: challenge checks skipped (pass)")
        return None
    items, fails = [], []
    n = 0
    with open(labels, encoding="utf-8") as fh:
        for ln, line in enumerate(fh, 1):
            if not line.strip():
                continue
            n += 1
            try:
                lab = json.loads(line)
            except json.JSONDecodeError as e:
                fails.append(f"challenge labels.jsonl:{ln}: invalid JSON: {e}")
                continue
            f = lab.get("file")
            if not isinstance(f, str) or not isinstance(lab.get("findings"), list):
                fails.append(f"challenge labels.jsonl:{ln}: needs 'file' (string) and 'findings' (list)")
                continue
            for k in ("author", "reviewer"):
                if not lab.get(k):
                    fails.append(f"challenge {f}: missing {k}")
            path = os.path.join(root, f)
            if not os.path.isfile(path):
                fails.append(f"challenge {f}: file not found")
                continue
            code = open(path, encoding="utf-8").read()
            try:
                ast.parse(code)
            except SyntaxError as e:
                fails.append(f"challenge {f}: does not parse: {e}")
            nl = code.count("\n") + (0 if code.endswith("\n") else 1)
            for fd in lab["findings"]:
                if fd.get("cwe") not in CWES:
                    fails.append(f"challenge {f}: unknown CWE id {fd.get('cwe')}")
                ls = fd.get("lines")
                if not isinstance(ls, list) or not ls or any(not isinstance(l, int) or not 1 <= l <= nl for l in ls):
                    fails.append(f"challenge {f}: lines {ls} out of range (file has {nl})")
            items.append(("challenge:" + f, "challenge", shingles(norm_tokens(code))))
    print(f"      data/challenge/: {n} labelled files checked")
    return items, fails


def _group_of(cwe: str) -> str:
    for g, ms in GROUPS.items():
        if cwe in ms:
            return g
    return cwe


def datasheet(recs: dict, aug: list):
    allw = [r for s in SPLITS for r in recs[s]]
    fam_cwe = {r["family"]: r["cwes"][0] for r in allw if r["label"] == "vulnerable"}
    rows: dict = defaultdict(Counter)
    for r in allw:
        cwe = r["cwes"][0] if r["cwes"] else fam_cwe.get(r["family"], "?")
        kind = "vuln" if r["label"] == "vulnerable" else ("hardneg" if r["hard_negative"] else "safe")
        if r["label"] == "safe" and r["twin"] is not None:
            rows[cwe]["twin"] += 1
        rows[cwe][kind] += 1
        if r["label"] == "vulnerable":
            rows[cwe]["fw:" + r["framework"]] += 1
        rows[cwe]["fam:" + r["family"]] += 0
    fams = defaultdict(set)
    for r in allw:
        fams[fam_cwe.get(r["family"], "?")].add(r["family"])
    hdr = f"{'CWE':<10}{'vuln':>6}{'twin':>6}{'hardneg':>8}{'safe-other':>11}{'fams':>6} | " + "".join(f"{f[:7]:>8}" for f in FRAMEWORKS)
    print("\nCounts by CWE x label (vulnerable / safe twin / hard negative) x framework (vulnerable examples):")
    print("  hardneg = safe examples flagged hard_negative (twins that keep the look-alike API + hand-written ones);")
    print("  safe-other = safe examples not flagged hard_negative\n")
    print(hdr)
    print("-" * len(hdr))
    tot: Counter = Counter()
    for cwe in sorted(rows, key=lambda c: int(c.split("-")[1]) if c != "?" else 0):
        c = rows[cwe]
        tot.update({k: v for k, v in c.items() if not k.startswith("fam:")})
        print(f"{cwe:<10}{c['vuln']:>6}{c['twin']:>6}{c['hardneg']:>8}{c['safe']:>11}{len(fams[cwe]):>6} | "
              + "".join(f"{c['fw:' + f]:>8}" for f in FRAMEWORKS))
    print("-" * len(hdr))
    print(f"{'total':<10}{tot['vuln']:>6}{tot['twin']:>6}{tot['hardneg']:>8}{tot['safe']:>11}{len(fam_cwe):>6} | "
          + "".join(f"{tot['fw:' + f]:>8}" for f in FRAMEWORKS))
    fw_all = Counter(r["framework"] for r in allw)
    print("\nAll written examples by framework: " + ", ".join(f"{f} {fw_all[f]}" for f in FRAMEWORKS))
    print("\nSplit sizes (written examples; families):")
    for s in SPLITS:
        rs = recs[s]
        v = sum(r["label"] == "vulnerable" for r in rs)
        print(f"  {s:<11}{len(rs):>6}  vulnerable {v:>5}  safe {len(rs) - v:>5}  families {len({r['family'] for r in rs}):>4}")
    print(f"  {'train.aug':<11}{len(aug):>6}  (augmentation of train only)")


def coverage(recs: dict, fail) -> None:
    allw = [r for s in SPLITS for r in recs[s]]
    safe = [r for r in allw if r["label"] == "safe"]
    vuln = [r for r in allw if r["label"] == "vulnerable"]
    hn = sum(r["hard_negative"] for r in safe)
    gcount: Counter = Counter()
    gfams: dict = defaultdict(set)
    for r in vuln:
        for c in r["cwes"]:
            gcount[_group_of(c)] += 1
            gfams[_group_of(c)].add(r["family"])
    req = [
        (f">= 2500 written examples: {len(allw)}", len(allw) >= 2500),
        (f">= 40% safe: {len(safe) / max(1, len(allw)):.1%}", len(safe) >= 0.4 * len(allw)),
        (f">= 1/3 of safe are hard negatives: {hn}/{len(safe)} = {hn / max(1, len(safe)):.1%}", hn * 3 >= len(safe)),
        (f"every vulnerable example has a safe twin: {sum(1 for r in vuln if r['twin'])}/{len(vuln)}", all(r["twin"] for r in vuln)),
        (f"test split >= 400 examples: {len(recs['test'])}", len(recs["test"]) >= 400),
    ]
    for g in GROUPS:
        req.append((f"CWE {g:<12} >= 40 vulnerable: {gcount[g]:>4}  ({len(gfams[g])} families, >= 6 wanted)",
                    gcount[g] >= 40 and len(gfams[g]) >= 6))
    for text, ok in req:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
        if not ok:
            fail("coverage: " + text)


if __name__ == "__main__":
    sys.exit(main())
