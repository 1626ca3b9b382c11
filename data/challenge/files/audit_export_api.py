"""Export audit logs for compliance reviews (JSON or CSV)."""
from __future__ import annotations

import csv
import io
import logging
from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, jsonify, request

from .auth import require_role
from .db import get_conn

bp = Blueprint("audit_export", __name__, url_prefix="/api/audit")
log = logging.getLogger(__name__)

FIELDS = ["id", "at", "actor", "action", "target", "ip"]


def parse_range() -> tuple[datetime, datetime]:
    try:
        end = datetime.fromisoformat(request.args["to"]) if "to" in request.args else datetime.utcnow()
        start = datetime.fromisoformat(request.args["from"]) if "from" in request.args else end - timedelta(days=7)
    except ValueError:
        abort(400)
    if start >= end:
        abort(400)
    return start, end


def fetch(start: datetime, end: datetime, action: str | None, limit: int) -> list[dict]:
    sql = "SELECT id, at, actor, action, target, ip FROM audit_log WHERE at >= %s AND at < %s"
    params: list = [start, end]
    if action:
        sql += " AND action = %s"
        params.append(action)
    sql += " ORDER BY at DESC LIMIT %s"
    params.append(limit)
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return [dict(zip(FIELDS, row)) for row in cur.fetchall()]


@bp.get("/export")
@require_role("compliance")
def export():
    start, end = parse_range()
    limit = int(request.args.get("limit", "1000"))
    rows = fetch(start, end, request.args.get("action"), limit)
    log.info("audit export %s..%s: %d rows", start.date(), end.date(), len(rows))
    if request.args.get("format") == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
        return Response(buf.getvalue(), mimetype="text/csv")
    return jsonify(rows)


@bp.get("/actions")
@require_role("compliance")
def actions():
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY 2 DESC")
        return jsonify({a: n for a, n in cur.fetchall()})


@bp.get("/actors/<actor>")
@require_role("compliance")
def actor_timeline(actor: str):
    start, end = parse_range()
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, at, actor, action, target, ip FROM audit_log WHERE actor = %s AND at >= %s AND at < %s "
            "ORDER BY at LIMIT 500",
            (actor, start, end),
        )
        return jsonify([dict(zip(FIELDS, r)) for r in cur.fetchall()])


@bp.get("/health")
def health():
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT max(at) FROM audit_log")
        latest = cur.fetchone()[0]
    return jsonify({"ok": True, "latest_event": latest.isoformat() if latest else None})
