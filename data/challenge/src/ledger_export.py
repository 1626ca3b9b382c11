# @notes accounting export CLI; builds the export in a predictable /tmp path from tempfile.mktemp before moving it
"""Export general-ledger journal entries to the format the auditors' tool expects."""
from __future__ import annotations

import argparse
import csv
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg2
import psycopg2.extras

log = logging.getLogger("ledger_export")


@dataclass
class JournalLine:
    entry_id: int
    posted: date
    account: str
    debit: Decimal
    credit: Decimal
    memo: str


def fetch_lines(dsn: str, start: date, end: date) -> list[JournalLine]:
    with psycopg2.connect(dsn) as conn, conn.cursor(cursor_factory=psycopg2.extras.DictCursor) as cur:
        cur.execute(
            """
            SELECT e.id, e.posted_on, l.account_code, l.debit, l.credit, e.memo
            FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
            WHERE e.posted_on BETWEEN %s AND %s AND e.state = 'posted'
            ORDER BY e.posted_on, e.id, l.id
            """,
            (start, end),
        )
        return [JournalLine(r[0], r[1], r[2], r[3], r[4], r[5] or "") for r in cur.fetchall()]


def check_balanced(lines: list[JournalLine]) -> list[int]:
    totals: dict[int, Decimal] = {}
    for line in lines:
        totals[line.entry_id] = totals.get(line.entry_id, Decimal(0)) + line.debit - line.credit
    return [eid for eid, diff in totals.items() if diff != 0]


def write_export(lines: list[JournalLine], dest: Path) -> Path:
    tmp_path = tempfile.mktemp(prefix="ledger-", suffix=".csv")  # @L CWE-377
    with open(tmp_path, "w", newline="") as fh:  # @L CWE-377
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["EntryId", "Date", "Account", "Debit", "Credit", "Memo"])
        for line in lines:
            writer.writerow(
                [
                    line.entry_id,
                    line.posted.strftime("%d.%m.%Y"),
                    line.account,
                    f"{line.debit:.2f}".replace(".", ","),
                    f"{line.credit:.2f}".replace(".", ","),
                    line.memo.replace("\n", " ")[:120],
                ]
            )
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp_path, dest)
    return dest


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    ap.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    ap.add_argument("--out", type=Path, default=Path("exports"))
    ap.add_argument("--allow-unbalanced", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    lines = fetch_lines(os.environ["LEDGER_DSN"], args.start, args.end)
    bad = check_balanced(lines)
    if bad and not args.allow_unbalanced:
        log.error("%d unbalanced entries, e.g. %s", len(bad), bad[:5])
        return 1
    out = write_export(lines, args.out / f"journal-{args.start}-{args.end}.csv")
    log.info("exported %d lines to %s", len(lines), out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
