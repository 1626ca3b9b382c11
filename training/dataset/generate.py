"""Generate the labelled dataset from the hand-written scenario families.

Usage: /usr/bin/python3 training/dataset/generate.py [--out data]
Writes data/{train,validation,test}.jsonl. Deterministic: every choice is seeded by
the family name and variant number.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from core import SOURCES, STYLES, WORDS, Ctx, Spec, dedent, render, shell  # noqa: E402
from registry import FAMILIES  # noqa: E402
from cwes import GROUPS  # noqa: E402
from tokens import exact_key, norm_tokens, shingles  # noqa: E402
from check import near_duplicates  # noqa: E402
import review  # noqa: E402
import second_review  # noqa: E402
import scenarios  # noqa: E402,F401  (registers families)

# weaknesses where the untrusted input is part of the weakness: the line reading it (taint
# source) is marked together with the sink. For the others (weak crypto, TLS, cookies,
# debug, permissions, secrets...) only the sink / setting line is marked.
TAINT_CWES = {"CWE-89", "CWE-78", "CWE-77", "CWE-94", "CWE-90", "CWE-643", "CWE-1333", "CWE-400", "CWE-117",
              "CWE-79", "CWE-601", "CWE-22", "CWE-434", "CWE-502", "CWE-611", "CWE-918", "CWE-639", "CWE-287",
              "CWE-269", "CWE-863"}


def _h(family: str) -> int:
    return int(hashlib.sha256(family.encode()).hexdigest(), 16)


def group_of(cwe: str) -> str:
    return next((g for g, ms in GROUPS.items() if cwe in ms), cwe)


def assign_splits(families) -> dict:
    """Family -> split, fixed by sha256 of the family name, stratified by CWE group.

    Within each coverage group (cwes.GROUPS) families are ordered by their hash: the first
    goes to test and the second to validation, so every group is measured on both; the
    others go to train (about 72/14/14 of the examples).
    Adding a family can move another one only if the new one takes rank 0 or 1 of its group.
    Families of the `scenarios/train_*.py` modules (written after the test and validation
    families were fixed, by authors who did not read those families) go to train, so the
    held-out families stay the ones every release was measured on. Families of the
    `scenarios/valfiles_*.py` modules (whole realistic modules, written by authors who read no
    training family) go to validation: thresholds and early stopping are then chosen on code
    shaped like what the app reviews, not only on snippet families. Families of the
    `scenarios/val_*.py` modules (snippet families written later, by authors who read no held-out
    family) go to validation too: with one held-out family per group, validation had 57 families
    and a score interval of ±0.05, too wide to tell one release from the next.
    """
    by_group: dict = {}
    out = {}
    for f in families:
        module = f.module.split(".")[-1]
        if module.startswith("train_"):
            out[f.name] = "train"
            continue
        if module.startswith(("valfiles_", "val_")):
            out[f.name] = "validation"
            continue
        by_group.setdefault(group_of(f.cwe), []).append(f.name)
    for names in by_group.values():
        for i, n in enumerate(sorted(names, key=_h)):
            out[n] = "test" if i == 0 else "validation" if i == 1 else "train"
    return out


SPLIT = assign_splits(FAMILIES)


# Whole-module families name the concrete stack they imitate; the record's `framework` field
# keeps the schema's coarser kinds (a Celery task and a Kafka consumer are both "pipeline"; a
# strawberry schema is "graphql", whatever server mounts it).
FRAMEWORK_KIND = {"celery": "pipeline", "queue": "pipeline", "kafka": "pipeline", "sqs": "pipeline",
                  "drf": "django", "sdk": "script", "strawberry": "graphql", "graphene": "graphql",
                  "grpc": "script", "scrapy": "pipeline", "airflow": "pipeline", "discord": "script",
                  "telegram": "script", "homeassistant": "script", "sanic": "aiohttp", "litestar": "starlette",
                  "cherrypy": "script",
                  "xmlrpc": "script"}


def framework_kind(spec, c) -> str:
    fw = spec.fw or c.fw
    return FRAMEWORK_KIND.get(fw, fw)


def make_ctx(f, i: int, salt: str = "") -> Ctx:
    rng = random.Random(f"{f.name}/{i}/{salt}")
    fw = rng.choice(f.fws)
    src = rng.choice(SOURCES.get(fw, ["args"]))
    key = rng.choice(f.keys)
    x = rng.choice([key, key, "raw_" + key, key + "_param", "user_" + key, "requested_" + key])
    return Ctx(rng=rng, fw=fw, src=src, style=rng.choice(STYLES), key=key,
               wrap=f.wrap and rng.random() < 0.25, x=x, word=rng.choice(WORDS))


def assemble(c: Ctx, spec: Spec, which: str) -> str:
    if spec.full:
        return dedent(getattr(spec, which)).strip("\n") + "\n"
    imps = spec.imports + "\n" + (spec.vimports if which == "v" else spec.simports)
    return shell(c, getattr(spec, which), spec, imps)


def build_family(f) -> list[dict]:
    out: list[dict] = []
    seen: set = set()
    made, tries = 0, 0
    author = f"training/dataset/scenarios/{f.module.split('.')[-1]}.py"
    while made < f.n and tries < f.n * 6:
        c = make_ctx(f, tries)
        tries += 1
        spec = f.build(c)
        # The shell draws the route, handler and helper names from the rng: replay the same
        # draws for the twin, so the pair differs only in the fix (second-author review finding).
        shell_state = c.snapshot()
        vraw = assemble(c, spec, "v")
        srcl = [i for i, l in enumerate(vraw.split("\n"), 1) if l.rstrip().endswith("#@S")]
        if f.cwe not in TAINT_CWES:
            vraw = vraw.replace("  #@S\n", "\n")
        vcode, vlines = render(vraw, True)
        c.restore(shell_state)
        scode, _ = render(assemble(c, spec, "s"), False)
        k, ks = exact_key(vcode), exact_key(scode)
        if k in seen or ks in seen:
            continue
        seen.update((k, ks))
        fw = framework_kind(spec, c)
        vid, sid = f"{f.name}-{made:03d}-v", f"{f.name}-{made:03d}-s"
        note = spec.notes or ""
        ctxnote = f"fw={c.fw} src={c.src} style={c.style} helper={c.wrap}"
        vnote = ctxnote + (f"; taint source line {srcl[0]}" if srcl else "")
        out.append(dict(id=vid, label="vulnerable", cwes=[f.cwe], code=vcode, lines=vlines, family=f.name,
                        framework=fw, twin=sid, hard_negative=False, author=author, reviewer="",
                        notes=(note + "; " if note else "") + vnote, split=SPLIT[f.name], augmented_from=None))
        out.append(dict(id=sid, label="safe", cwes=[], code=scode, lines=[], family=f.name, framework=fw,
                        twin=vid, hard_negative=False, author=author, reviewer="",
                        notes=f"safe twin of {vid} (minimal fix for {f.cwe}); {ctxnote}",
                        split=SPLIT[f.name], augmented_from=None))
        made += 1
    for hi, (hb, hn) in enumerate(f.hn):
        hmade, htries = 0, 0
        while hmade < hn and htries < hn * 6:
            c = make_ctx(f, htries, salt=f"hn{hi}")
            htries += 1
            spec = hb(c)
            code, _ = render(assemble(c, spec, "s"), False)
            k = exact_key(code)
            if k in seen:
                continue
            seen.add(k)
            out.append(dict(id=f"{f.name}-hn{hi}-{hmade:03d}", label="safe", cwes=[], code=code, lines=[],
                            family=f.name, framework=framework_kind(spec, c), twin=None, hard_negative=True,
                            author=author, reviewer="",
                            notes=f"hard negative near {f.cwe}: {spec.notes or 'looks like the sink but is safe'}",
                            split=SPLIT[f.name], augmented_from=None))
            hmade += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "data"))
    ap.add_argument("--only", default="", help="generate only families whose name contains this")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 unless the splits in --out are exactly what generation makes now")
    args = ap.parse_args()
    t0 = time.time()
    recs: list[dict] = []
    if scenarios.IMPORT_ERRORS:
        print("\n".join(scenarios.IMPORT_ERRORS), file=sys.stderr)
        if not args.only:
            print("fix the scenario modules above before a full generation run", file=sys.stderr)
            return 1
    reviews, problems = second_review.load()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    dropped = {f for f, rev in reviews.items() if rev["verdict"] == "dropped"}
    fams = [f for f in FAMILIES if args.only in f.name and f.name not in dropped]
    names = [f.name for f in FAMILIES]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        print("duplicate family names:", sorted(dup), file=sys.stderr)
        return 1
    for i, f in enumerate(fams, 1):
        recs += build_family(f)
        if i % 25 == 0 or i == len(fams):
            el = time.time() - t0
            print(f"[{i}/{len(fams)}] families, {len(recs)} records, {el:.1f}s, eta {el / i * (len(fams) - i):.0f}s",
                  file=sys.stderr)
    bad = [r for r in recs if not _parses(r["code"])]
    for r in bad:
        print("DOES NOT PARSE:", r["id"], file=sys.stderr)
    if bad:
        print(bad[0]["code"], file=sys.stderr)
        return 1
    recs, report = review.review_all(recs)
    second_review.stamp(recs, reviews, review.REVIEWER)
    if dropped:
        report += f"\nsecond-author review dropped {len(dropped)} families: {', '.join(sorted(dropped))}"
    late = frozenset(f.name for f in fams if f.module.split(".")[-1].startswith("train_"))
    recs, dreport = drop_cross_split_near_duplicates(recs, late)
    report += "\n" + dreport
    print(report, file=sys.stderr)
    if args.check and not args.only:
        return check_written(recs, args.out)
    os.makedirs(args.out, exist_ok=True)
    if args.only:
        for r in recs[:4]:
            print(json.dumps(r, indent=1))
            print(r["code"])
        return 0
    for split in ("train", "validation", "test"):
        rows = [r for r in recs if r["split"] == split]
        with open(os.path.join(args.out, f"{split}.jsonl"), "w") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{split}: {len(rows)}", file=sys.stderr)
    with open(os.path.join(args.out, "review-report.txt"), "w") as fh:
        fh.write(report + "\n")
    return 0


def check_written(recs: list[dict], out: str) -> int:
    """Compare a fresh generation with the committed splits, record by record.

    A difference means a template changed without regenerating, or a template renders differently
    from run to run (e.g. `repr()` of a set, whose order follows the per-process string hash seed).
    """
    bad = 0
    for split in ("train", "validation", "test"):
        made = [json.dumps(r, ensure_ascii=False) for r in recs if r["split"] == split]
        with open(os.path.join(out, f"{split}.jsonl"), encoding="utf-8") as fh:
            written = fh.read().splitlines()
        if made == written:
            print(f"{split}: {len(made)} records, identical", file=sys.stderr)
            continue
        bad += 1
        ids_made = {json.loads(m)["id"]: m for m in made}
        ids_written = {json.loads(w)["id"]: w for w in written}
        diff = sorted(i for i in set(ids_made) | set(ids_written) if ids_made.get(i) != ids_written.get(i))
        print(f"{split}: {len(made)} generated, {len(written)} written, {len(diff)} differ, e.g. {diff[:5]}",
              file=sys.stderr)
    if bad:
        print("data/ is not what the templates generate now: regenerate with "
              "`python3 training/dataset/generate.py && npm run data:augment`, or make the template "
              "deterministic if it renders differently from run to run", file=sys.stderr)
    return 1 if bad else 0


def drop_cross_split_near_duplicates(recs: list[dict], late: frozenset = frozenset()) -> tuple[list[dict], str]:
    """Drop (with its twin) any example that is a near duplicate of one in another split.

    Two families can converge on the same safe code (e.g. the AES-GCM fix of two cipher
    families); the split is by family, so such pairs would leak across splits.
    Families in `late` (the always-train `train_*` modules, written after the held-out splits
    were fixed) lose every tie with a held-out example, so a new train family can never
    change validation or test.
    """
    items = [(r["id"], r["split"], shingles(norm_tokens(r["code"]))) for r in recs]
    pairs = near_duplicates(items)
    by_id = {r["id"]: r for r in recs}
    drop: set = set()
    for i, (a, b, j) in enumerate(pairs):
        if by_id[a]["family"] in late and by_id[b]["split"] != "train":
            a, b = b, a
            pairs[i] = (a, b, j)
        loser = by_id[b]
        drop.add(loser["id"])
        if loser["twin"]:
            drop.add(loser["twin"])
    kept = [r for r in recs if r["id"] not in drop]
    listed = "".join(f"\n  dropped {b} (near duplicate of {a}, Jaccard {j:.2f})" for a, b, j in pairs)
    return kept, f"near-duplicate filter: {len(pairs)} cross-split pairs, {len(drop)} examples dropped (with their twins){listed}"


def _parses(code: str) -> bool:
    try:
        compile(code, "<example>", "exec")  # compile, not ast.parse: catches `await` outside async
        return True
    except SyntaxError:
        return False


if __name__ == "__main__":
    sys.exit(main())
