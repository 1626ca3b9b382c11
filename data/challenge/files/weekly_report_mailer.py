"""Weekly KPI report mailer (runs from cron every Monday 07:00)."""
from __future__ import annotations

import csv
import io
import logging
import smtplib
import sqlite3
from datetime import date, timedelta
from email.message import EmailMessage

log = logging.getLogger("kpi_mailer")

SMTP_HOST = "mail.example.org"
SMTP_PORT = 25
SMTP_USER = "reports@example.org"
SMTP_PASSWORD = "Rep0rts!2023-weekly"
RECIPIENTS = ["management@example.org", "finance@example.org"]
DB = "/var/lib/kpi/warehouse.db"


def week_bounds(today: date) -> tuple[date, date]:
    start = today - timedelta(days=today.weekday() + 7)
    return start, start + timedelta(days=6)


def gather(conn: sqlite3.Connection, start: date, end: date) -> list[dict]:
    rows = conn.execute(
        """
        SELECT region, count(*) AS orders, sum(total_cents) AS revenue, avg(total_cents) AS aov
        FROM orders
        WHERE date(created_at) BETWEEN ? AND ?
        GROUP BY region ORDER BY revenue DESC
        """,
        (start.isoformat(), end.isoformat()),
    ).fetchall()
    return [
        {"region": r[0], "orders": r[1], "revenue": (r[2] or 0) / 100, "aov": (r[3] or 0) / 100}
        for r in rows
    ]


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["region", "orders", "revenue", "aov"])
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def body_text(rows: list[dict], start: date, end: date) -> str:
    total = sum(r["revenue"] for r in rows)
    orders = sum(r["orders"] for r in rows)
    lines = [f"KPI report {start:%d %b} - {end:%d %b %Y}", "", f"Orders: {orders}", f"Revenue: {total:,.2f}", ""]
    for r in rows[:10]:
        lines.append(f"  {r['region']:<20} {r['orders']:>6} {r['revenue']:>12,.2f}")
    return "\n".join(lines)


def build_message(rows: list[dict], start: date, end: date) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"Weekly KPIs {start.isoformat()}"
    msg["From"] = SMTP_USER
    msg["To"] = ", ".join(RECIPIENTS)
    msg.set_content(body_text(rows, start, end))
    msg.add_attachment(to_csv(rows).encode(), maintype="text", subtype="csv", filename=f"kpi-{start}.csv")
    return msg


def send(msg: EmailMessage) -> None:
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=30) as smtp:
        smtp.ehlo()
        smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.send_message(msg)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    start, end = week_bounds(date.today())
    conn = sqlite3.connect(DB)
    try:
        rows = gather(conn, start, end)
    finally:
        conn.close()
    if not rows:
        log.warning("no orders between %s and %s, skipping mail", start, end)
        return
    send(build_message(rows, start, end))
    log.info("sent KPI report for %s..%s to %d recipients", start, end, len(RECIPIENTS))


if __name__ == "__main__":
    main()
