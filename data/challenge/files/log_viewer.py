"""Tiny internal web UI to tail application logs on a host."""
from __future__ import annotations

import collections
import gzip
import logging
import os
import re
from pathlib import Path

from flask import Flask, Response, abort, jsonify, render_template, request

from .sso import require_ops_group

app = Flask(__name__)
log = logging.getLogger(__name__)

LOG_DIR = os.environ.get("VIEWER_LOG_DIR", "/var/log/apps")
LEVEL_RE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")


def list_logs() -> list[dict]:
    out = []
    for p in sorted(Path(LOG_DIR).glob("*.log*")):
        st = p.stat()
        out.append({"name": p.name, "size": st.st_size, "mtime": int(st.st_mtime)})
    return out


def tail(path: str, lines: int) -> list[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as fh:
        return list(collections.deque(fh, maxlen=lines))


def level_counts(rows: list[str]) -> dict[str, int]:
    counts: dict[str, int] = collections.Counter()
    for row in rows:
        m = LEVEL_RE.search(row)
        if m:
            counts[m.group(1)] += 1
    return dict(counts)


@app.get("/")
@require_ops_group
def index():
    return render_template("logs.html", logs=list_logs())


@app.get("/tail")
@require_ops_group
def tail_view():
    name = request.args.get("file", "")
    lines = min(int(request.args.get("lines", "200")), 5000)
    path = os.path.join(LOG_DIR, name)
    if not os.path.isfile(path):
        abort(404)
    rows = tail(path, lines)
    if request.args.get("format") == "json":
        return jsonify({"file": name, "lines": rows, "levels": level_counts(rows)})
    return Response("".join(rows), mimetype="text/plain")


@app.get("/grep")
@require_ops_group
def grep_view():
    needle = request.args.get("q", "")
    if not needle or len(needle) > 200:
        abort(400)
    hits = []
    for entry in list_logs():
        path = Path(LOG_DIR) / entry["name"]
        for row in tail(str(path), 2000):
            if needle in row:
                hits.append({"file": entry["name"], "line": row.rstrip("\n")})
                if len(hits) >= 500:
                    return jsonify(hits)
    return jsonify(hits)


@app.get("/summary")
@require_ops_group
def summary():
    result = {}
    for entry in list_logs():
        if entry["name"].endswith(".gz"):
            continue
        result[entry["name"]] = level_counts(tail(str(Path(LOG_DIR) / entry["name"]), 1000))
    return jsonify(result)
