"""Prints generated examples of one family with line numbers, for a human (or agent) reviewer.

Marked (vulnerable) lines carry a '>>' gutter; the record's label, CWEs, twin and notes
come first. Reads data/{train,validation,test}.jsonl (written examples only, not augmented); a
family or module not generated yet is rendered from its template as generate.py would render it,
so a reviewer can read new families before the full generation run.

  /usr/bin/python3 training/dataset/show.py sqli-sqlite-lookup --n 5
  /usr/bin/python3 training/dataset/show.py --families injection   # families of a template module
"""
import argparse
import sys

from check import SPLITS, load


def records():
    for split in SPLITS:
        yield from load(f"{split}.jsonl")


def rendered(keep):
    """Records of the registered families that ``keep`` accepts, built and rule-reviewed as
    generate.py builds them (imported here only: loading every template takes a moment)."""
    import generate
    import review
    recs = []
    for f in generate.FAMILIES:
        if keep(f):
            recs += generate.build_family(f)
    return review.review_all(recs)[0] if recs else []


def sample(rows, n):
    """Spread the sample over the family: vulnerable/twin pairs first, then hard negatives."""
    pairs = [r for r in rows if r["label"] == "vulnerable"]
    hns = [r for r in rows if r["hard_negative"] and r["twin"] is None]
    by_id = {r["id"]: r for r in rows}
    out = []
    step = max(1, len(pairs) // max(1, (n + 1) // 2))
    for v in pairs[::step]:
        out.append(v)
        if v["twin"] in by_id and len(out) < n:
            out.append(by_id[v["twin"]])
        if len(out) >= n - (1 if hns else 0):
            break
    out += hns[: max(0, n - len(out))] or []
    return out[:max(n, 1)]


def show(r):
    print(f"=== {r['id']}  label={r['label']}  cwes={r['cwes']}  lines={r['lines']}  "
          f"framework={r['framework']}  twin={r['twin']}  hard_negative={r['hard_negative']}")
    print(f"    notes: {r['notes']}")
    marked = set(r["lines"])
    for i, line in enumerate(r["code"].split("\n"), 1):
        print(f"{'>>' if i in marked else '  '}{i:4d}  {line}")
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("family", nargs="?")
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--families", help="list the families written by scenarios/<MODULE>.py")
    args = ap.parse_args()
    rows = list(records())
    if args.families:
        fams = {}
        for r in rows:
            if r["author"].endswith(f"scenarios/{args.families}.py"):
                fams.setdefault(r["family"], [0, 0])[r["label"] == "safe"] += 1
        if not fams:
            for r in rendered(lambda f: f.module.split(".")[-1] == args.families):
                fams.setdefault(r["family"], [0, 0])[r["label"] == "safe"] += 1
            if fams:
                print(f"(not generated yet: rendered from scenarios/{args.families}.py)", file=sys.stderr)
        for f, (v, s) in sorted(fams.items()):
            print(f"{f}\t{v} vulnerable\t{s} safe")
        return 0
    rows = [r for r in rows if r["family"] == args.family]
    if not rows:
        rows = rendered(lambda f: f.name == args.family)
        if rows:
            print(f"(not generated yet: {args.family} rendered from its template)", file=sys.stderr)
    if not rows:
        print(f"no examples of family {args.family!r}: list them with --families MODULE", file=sys.stderr)
        return 2
    for r in sample(rows, args.n):
        show(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
