"""Send monthly pension contribution files to the pension provider."""
from __future__ import annotations

import argparse
import csv
import ftplib
import io
import logging
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg2

log = logging.getLogger("pension_transfer")

PROVIDER_HOST = "transfer.pension-provider.example"
REMOTE_DIR = "/incoming/contributions"


@dataclass
class Contribution:
    national_id: str
    name: str
    employee_pct: Decimal
    employer_amount: Decimal
    employee_amount: Decimal


def load(period: date) -> list[Contribution]:
    with psycopg2.connect(os.environ["PAYROLL_DSN"]) as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT e.national_id, e.full_name, e.pension_pct, p.employer_pension, p.employee_pension
            FROM payslips p JOIN employees e ON e.id = p.employee_id
            WHERE p.period = %s AND p.status = 'paid' AND e.pension_member
            ORDER BY e.national_id
            """,
            (period,),
        )
        return [Contribution(*row) for row in cur.fetchall()]


def render(period: date, rows: list[Contribution]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="|")
    writer.writerow(["H", "EXAMPLECORP", period.strftime("%Y%m"), len(rows)])
    for r in rows:
        writer.writerow(["D", r.national_id, r.name, f"{r.employee_pct:.2f}", f"{r.employer_amount:.2f}", f"{r.employee_amount:.2f}"])
    total = sum((r.employer_amount + r.employee_amount for r in rows), Decimal("0"))
    writer.writerow(["T", f"{total:.2f}"])
    return buf.getvalue().encode("utf-8")


def upload(filename: str, payload: bytes) -> None:
    ftp = ftplib.FTP(PROVIDER_HOST, timeout=60)
    try:
        ftp.login(os.environ["PENSION_FTP_USER"], os.environ["PENSION_FTP_PASSWORD"])
        ftp.cwd(REMOTE_DIR)
        ftp.storbinary(f"STOR {filename}", io.BytesIO(payload))
    finally:
        ftp.quit()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--period", type=lambda s: date.fromisoformat(s + "-01"), required=True, help="YYYY-MM")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    rows = load(args.period)
    if not rows:
        log.error("no paid payslips with pension for %s", args.period)
        return 1
    payload = render(args.period, rows)
    filename = f"contrib_{args.period:%Y%m}.csv"
    if args.dry_run:
        log.info("dry run: %s would contain %d members, %d bytes", filename, len(rows), len(payload))
        return 0
    upload(filename, payload)
    log.info("sent %s (%d members)", filename, len(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
