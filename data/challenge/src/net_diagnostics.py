# @notes router admin panel diagnostics page; host field passed to ping/traceroute through os.popen
"""Network diagnostics page for the branch-office router admin UI."""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import time

from flask import Blueprint, jsonify, render_template, request

from .auth import admin_required

bp = Blueprint("diagnostics", __name__, url_prefix="/admin/diagnostics")
log = logging.getLogger(__name__)

HOSTNAME_RE = re.compile(r"^[A-Za-z0-9.-]{1,253}")
TOOLS = {"ping": "ping -c 4 -W 2", "traceroute": "traceroute -m 15 -w 2"}


def looks_like_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return bool(HOSTNAME_RE.match(value))


def run_tool(tool: str, host: str) -> str:
    cmd = f"{TOOLS[tool]} {host} 2>&1"
    log.info("diagnostics: %s", tool)
    with os.popen(cmd) as pipe:  # @L CWE-78
        return pipe.read()


def resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return []
    return sorted({info[4][0] for info in infos})


def interface_stats() -> list[dict]:
    rows = []
    with open("/proc/net/dev") as fh:
        for line in fh.readlines()[2:]:
            name, data = line.split(":", 1)
            fields = data.split()
            rows.append({"iface": name.strip(), "rx_bytes": int(fields[0]), "tx_bytes": int(fields[8])})
    return rows


@bp.get("/")
@admin_required
def page():
    return render_template("diagnostics.html", tools=sorted(TOOLS), interfaces=interface_stats())


@bp.post("/run")
@admin_required
def run():
    tool = request.form.get("tool", "ping")
    host = request.form.get("host", "").strip()
    if tool not in TOOLS:
        return jsonify({"error": "unknown tool"}), 400
    if not looks_like_host(host):  # @L CWE-78
        return jsonify({"error": "invalid host"}), 400
    started = time.monotonic()
    output = run_tool(tool, host)
    return jsonify({"tool": tool, "host": host, "output": output, "seconds": round(time.monotonic() - started, 1)})


@bp.get("/resolve")
@admin_required
def resolve_view():
    host = request.args.get("host", "")
    return jsonify({"host": host, "addresses": resolve(host)})


@bp.get("/interfaces")
@admin_required
def interfaces():
    return jsonify(interface_stats())
