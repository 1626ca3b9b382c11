"""Convert CSV files to JSON Lines, inferring numbers, booleans and empty values."""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

log = logging.getLogger("csv2jsonl")

TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


def infer(value: str, *, bools: bool) -> Any:
    v = value.strip()
    if v == "":
        return None
    if bools:
        low = v.lower()
        if low in TRUE:
            return True
        if low in FALSE:
            return False
    try:
        if v.lstrip("-").isdigit() and not (len(v) > 1 and v.lstrip("-").startswith("0")):
            return int(v)
        return float(v) if any(c in v for c in ".eE") else v
    except ValueError:
        return v


def sniff_dialect(sample: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def rows(fh: TextIO, columns: list[str] | None, bools: bool) -> Iterator[dict[str, Any]]:
    sample = fh.read(64 * 1024)
    fh.seek(0)
    reader = csv.DictReader(fh, dialect=sniff_dialect(sample))
    if reader.fieldnames is None:
        return
    missing = [c for c in (columns or []) if c not in reader.fieldnames]
    if missing:
        raise SystemExit(f"unknown columns: {', '.join(missing)}")
    keep = columns or list(reader.fieldnames)
    for n, row in enumerate(reader, start=2):
        if None in row:
            log.warning("line %d has extra fields; ignoring them", n)
        yield {k: infer(row.get(k) or "", bools=bools) for k in keep}


def convert(src: TextIO, dst: TextIO, columns: list[str] | None, bools: bool) -> int:
    count = 0
    for record in rows(src, columns, bools):
        dst.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def open_input(path: str) -> TextIO:
    if path == "-":
        return io.StringIO(sys.stdin.read())
    return open(path, newline="", encoding="utf-8-sig")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("input", help="CSV file or - for stdin")
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("-c", "--columns", help="comma-separated columns to keep")
    ap.add_argument("--no-bools", action="store_true", help="keep yes/no/true/false as strings")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    with open_input(args.input) as src:
        if args.output:
            with args.output.open("w", encoding="utf-8") as dst:
                n = convert(src, dst, columns, not args.no_bools)
        else:
            n = convert(src, sys.stdout, columns, not args.no_bools)
    print(f"{n} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
