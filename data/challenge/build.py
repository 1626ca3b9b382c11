#!/usr/bin/env python3
"""Assemble the challenge set from marked sources.

The author writes each file once under ``src/`` and marks weakness lines with a
trailing ``# @L CWE-NNN`` (optionally ``# @L CWE-NNN:k`` to split two separate
findings of the same CWE in one file). The first line may be ``# @notes ...``.
This script strips every marker, writes the clean file to ``files/`` and
derives exact 1-based line numbers for ``labels.jsonl``. Writing markers next
to the code rather than typing line numbers by hand is what keeps the labels
exact when a file is edited.

Usage:
    python3 build.py            # build files/ and labels.jsonl
    python3 build.py --show     # also print every labelled line (review aid)
"""
from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
OUT = ROOT / "files"
LABELS = ROOT / "labels.jsonl"
MARK = re.compile(r"\s*#\s*@L\s+(CWE-\d+)(?::(\w+))?\s*$")
NOTES = re.compile(r"^#\s*@notes\s+(.*)$")
AUTHOR = "challenge-author (independent)"
REVIEWER = "challenge-author second pass"


def build_one(path: Path) -> tuple[str, dict]:
    raw = path.read_text().splitlines()
    notes = ""
    if raw and (m := NOTES.match(raw[0])):
        notes = m.group(1).strip()
        raw = raw[1:]
    out_lines: list[str] = []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, line in enumerate(raw, start=1):
        m = MARK.search(line)
        if m:
            line = line[: m.start()].rstrip()
            if not line.strip():
                raise SystemExit(f"{path.name}:{i}: marker on an empty line")
            groups.setdefault((m.group(1), m.group(2) or ""), []).append(i)
        if "@L" in line and "CWE-" in line:
            raise SystemExit(f"{path.name}:{i}: malformed marker")
        out_lines.append(line)
    text = "\n".join(out_lines) + "\n"
    ast.parse(text, filename=path.name, feature_version=(3, 11))
    n = len(out_lines)
    if not 80 <= n <= 300:
        raise SystemExit(f"{path.name}: {n} lines, expected 80-300")
    findings = [{"cwe": cwe, "lines": lines} for (cwe, _), lines in groups.items()]
    rec = {
        "file": f"files/{path.name}",
        "findings": findings,
        "author": AUTHOR,
        "reviewer": REVIEWER,
        "notes": notes,
    }
    return text, rec


def main() -> None:
    show = "--show" in sys.argv
    OUT.mkdir(exist_ok=True)
    records = []
    cwe_counts: Counter[str] = Counter()
    for path in sorted(SRC.glob("*.py")):
        text, rec = build_one(path)
        (OUT / path.name).write_text(text)
        records.append(rec)
        for f in rec["findings"]:
            cwe_counts[f["cwe"]] += 1
        if show:
            lines = text.splitlines()
            print(f"== {rec['file']}  ({len(lines)} lines)  {rec['notes']}")
            for f in rec["findings"]:
                for ln in f["lines"]:
                    print(f"   {f['cwe']:>9} L{ln}: {lines[ln - 1].strip()}")
    stale = {p.name for p in OUT.glob("*.py")} - {p.name for p in SRC.glob("*.py")}
    for name in stale:
        (OUT / name).unlink()
    with LABELS.open("w") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
    clean = sum(1 for r in records if not r["findings"])
    print(f"{len(records)} files, {clean} clean, {sum(cwe_counts.values())} findings")
    for cwe, n in sorted(cwe_counts.items(), key=lambda kv: int(kv[0][4:])):
        print(f"  {cwe}: {n}")


if __name__ == "__main__":
    main()
