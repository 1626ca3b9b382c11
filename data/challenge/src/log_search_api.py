# @notes log search endpoint compiles a client-supplied regular expression and runs it over large log chunks (ReDoS)
"""Search recent application logs stored in Elasticsearch-less flat files."""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Blueprint, jsonify, request

from .auth import require_role

bp = Blueprint("logsearch", __name__, url_prefix="/api/logs")
log = logging.getLogger(__name__)

LOG_ROOT = Path(os.environ.get("LOG_ROOT", "/var/log/platform"))
MAX_RESULTS = 1000
LINE_RE = re.compile(r"^(?P<ts>\S+ \S+) (?P<level>[A-Z]+) (?P<logger>\S+) (?P<msg>.*)$")


@dataclass
class Match:
    service: str
    ts: str
    level: str
    message: str


def files_for(service: str, since: datetime) -> list[Path]:
    if not service.replace("-", "").isalnum():
        return []
    base = LOG_ROOT / service
    return sorted(p for p in base.glob("*.log") if datetime.fromtimestamp(p.stat().st_mtime) >= since)


def scan(paths: list[Path], pattern: re.Pattern[str], level: str | None) -> list[Match]:
    out: list[Match] = []
    for path in paths:
        with path.open(errors="replace") as fh:
            for line in fh:
                m = LINE_RE.match(line.rstrip("\n"))
                if not m:
                    continue
                if level and m["level"] != level:
                    continue
                if pattern.search(m["msg"]):  # @L CWE-1333
                    out.append(Match(path.parent.name, m["ts"], m["level"], m["msg"][:2000]))
                    if len(out) >= MAX_RESULTS:
                        return out
    return out


@bp.get("/<service>/search")
@require_role("developer")
def search(service: str):
    expr = request.args.get("re", "")
    hours = min(int(request.args.get("hours", "6")), 72)
    level = request.args.get("level")
    if not expr:
        return jsonify({"error": "missing re"}), 400
    try:
        pattern = re.compile(expr)  # @L CWE-1333
    except re.error as exc:
        return jsonify({"error": f"bad pattern: {exc}"}), 400
    since = datetime.now() - timedelta(hours=hours)
    matches = scan(files_for(service, since), pattern, level)
    return jsonify({"count": len(matches), "matches": [m.__dict__ for m in matches]})


@bp.get("/<service>/levels")
@require_role("developer")
def levels(service: str):
    counts: dict[str, int] = {}
    for path in files_for(service, datetime.now() - timedelta(hours=24)):
        with path.open(errors="replace") as fh:
            for line in fh:
                m = LINE_RE.match(line)
                if m:
                    counts[m["level"]] = counts.get(m["level"], 0) + 1
    return jsonify(counts)


@bp.get("/services")
@require_role("developer")
def services():
    return jsonify(sorted(p.name for p in LOG_ROOT.iterdir() if p.is_dir()))
