"""Second-author review records (data/review/<module>.jsonl, see REVIEWING.md).

The generator stamps each family's reviewer into its records and skips dropped families;
the quality gate fails when a written family has no review record or a thin one.
"""
from __future__ import annotations

import glob
import json
import os

REVIEW_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "data", "review")
VERDICTS = {"agree", "fixed", "dropped"}
MIN_READ = 5


def load(review_dir: str = REVIEW_DIR) -> tuple[dict[str, dict], list[str]]:
    """Family -> review record, and the problems found reading the files."""
    reviews: dict[str, dict] = {}
    problems: list[str] = []
    for path in sorted(glob.glob(os.path.join(review_dir, "*.jsonl"))):
        name = os.path.basename(path)
        for ln, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"review {name}:{ln}: invalid JSON: {e}")
                continue
            fam = rec.get("family")
            if not isinstance(fam, str) or not rec.get("reviewer") or rec.get("verdict") not in VERDICTS:
                problems.append(f"review {name}:{ln}: needs family, reviewer and verdict ({'/'.join(sorted(VERDICTS))})")
                continue
            if fam in reviews:
                problems.append(f"review {name}:{ln}: family {fam} reviewed twice")
            reviews[fam] = rec
    return reviews, problems


def stamp(recs: list[dict], reviews: dict[str, dict], rules_reviewer: str) -> None:
    """reviewer = '<second author>; <rules>' for reviewed families (the rules pass always ran)."""
    for r in recs:
        rev = reviews.get(r["family"])
        r["reviewer"] = f"{rev['reviewer']}; {rules_reviewer}" if rev else rules_reviewer


def gate(recs: list[dict], reviews: dict[str, dict]) -> list[str]:
    """Failures for data:check: every written family reviewed, with at least MIN_READ examples
    read, and every record naming its family's reviewer as `stamp` writes it."""
    fails = []
    by_family: dict[str, set] = {}
    unstamped = []
    for r in recs:
        if not r.get("augmented_from"):
            by_family.setdefault(r["family"], set()).add(r["id"])
        rev = reviews.get(r["family"])
        if rev is not None and not r.get("reviewer", "").startswith(rev["reviewer"] + "; "):
            unstamped.append(r["id"])
    if unstamped:
        fails.append(f"{len(unstamped)} examples do not name their second-author reviewer (e.g. {unstamped[0]}): "
                     "regenerate the data")
    for fam, ids in sorted(by_family.items()):
        rev = reviews.get(fam)
        if rev is None:
            fails.append(f"family {fam}: no second-author review record in data/review/ (see training/dataset/REVIEWING.md)")
            continue
        if rev["verdict"] == "dropped":
            fails.append(f"family {fam}: reviewed as dropped but still generated: regenerate the data")
        read = set(rev.get("read") or [])
        strangers = sorted(i for i in read if not str(i).startswith(fam + "-"))
        if strangers:
            fails.append(f"family {fam}: review lists examples of other families as read: {strangers[:3]}")
        if len(read) < min(MIN_READ, len(ids)):
            fails.append(f"family {fam}: review read {len(read)} examples, needs {MIN_READ}")
    return fails


def summary(reviews: dict[str, dict]) -> dict:
    verdicts = {v: 0 for v in sorted(VERDICTS)}
    read = findings = 0
    for rev in reviews.values():
        verdicts[rev["verdict"]] += 1
        read += len(rev.get("read") or [])
        findings += len(rev.get("findings") or [])
    return {"families": len(reviews), "examples_read": read, "findings": findings, **verdicts}
