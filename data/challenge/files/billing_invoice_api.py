"""HTTP endpoints for listing and exporting customer invoices."""
from __future__ import annotations

import csv
import io
import logging
import sqlite3
from datetime import date
from typing import Any

from flask import Flask, Response, g, jsonify, request

app = Flask(__name__)
log = logging.getLogger("billing.invoices")

DB_PATH = "/var/lib/billing/invoices.db"
PAGE_SIZE = 50


def get_db() -> sqlite3.Connection:
    """Return a per-request connection, opening it lazily."""
    conn = getattr(g, "_db", None)
    if conn is None:
        conn = sqlite3.connect(DB_PATH)
        conn.row_factory = sqlite3.Row
        g._db = conn
    return conn


@app.teardown_appcontext
def close_db(_exc: BaseException | None) -> None:
    conn = getattr(g, "_db", None)
    if conn is not None:
        conn.close()


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _row_to_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "customer": row["customer_name"],
        "total_cents": row["total_cents"],
        "issued": row["issued_on"],
        "status": row["status"],
    }


@app.get("/invoices")
def list_invoices():
    status = request.args.get("status", "open")
    since = _parse_date(request.args.get("since"))
    order = request.args.get("order", "issued_on")
    page = max(int(request.args.get("page", 1)), 1)

    clauses = ["status = ?"]
    params: list[Any] = [status]
    if since is not None:
        clauses.append("issued_on >= ?")
        params.append(since.isoformat())

    sql = (
        "SELECT id, customer_name, total_cents, issued_on, status FROM invoices "
        f"WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT ? OFFSET ?"
    )
    params.extend([PAGE_SIZE, (page - 1) * PAGE_SIZE])
    rows = get_db().execute(sql, params).fetchall()
    log.info("listed %d invoices (status=%s page=%d)", len(rows), status, page)
    return jsonify([_row_to_dict(r) for r in rows])


@app.get("/invoices/<int:invoice_id>")
def get_invoice(invoice_id: int):
    row = get_db().execute(
        "SELECT id, customer_name, total_cents, issued_on, status FROM invoices WHERE id = ?",
        (invoice_id,),
    ).fetchone()
    if row is None:
        return jsonify({"error": "not found"}), 404
    return jsonify(_row_to_dict(row))


@app.get("/invoices/export.csv")
def export_csv():
    rows = get_db().execute(
        "SELECT id, customer_name, total_cents, issued_on, status FROM invoices ORDER BY id"
    ).fetchall()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "customer", "total_cents", "issued", "status"])
    for r in rows:
        writer.writerow([r["id"], r["customer_name"], r["total_cents"], r["issued_on"], r["status"]])
    return Response(buf.getvalue(), mimetype="text/csv")
