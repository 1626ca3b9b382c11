"""Operational endpoints shared by our Flask services: health, readiness, metrics, version."""
from __future__ import annotations

import ipaddress
import logging
import os
import platform
import time

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)

STARTED = time.time()
REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
LATENCY = Histogram("http_request_seconds", "HTTP request latency", ["endpoint"])
INTERNAL_NETS = [ipaddress.ip_network(n) for n in os.environ.get("METRICS_ALLOW", "10.0.0.0/8,127.0.0.0/8").split(",")]


def _internal(addr: str | None) -> bool:
    if not addr:
        return False
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in INTERNAL_NETS)


@bp.before_app_request
def _start_timer() -> None:
    request._ops_started = time.perf_counter()


@bp.after_app_request
def _record(response: Response) -> Response:
    started = getattr(request, "_ops_started", None)
    endpoint = request.endpoint or "unknown"
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


@bp.get("/healthz")
def healthz():
    return jsonify({"ok": True, "uptime_s": int(time.time() - STARTED)})


@bp.get("/readyz")
def readyz():
    checks = current_app.extensions.get("ready_checks", {})
    results = {}
    for name, check in checks.items():
        try:
            results[name] = bool(check())
        except Exception:
            log.exception("readiness check %s failed", name)
            results[name] = False
    status = 200 if all(results.values()) else 503
    return jsonify({"ready": status == 200, "checks": results}), status


@bp.get("/metrics")
def metrics():
    if not _internal(request.remote_addr):
        abort(404)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


@bp.get("/version")
def version():
    return jsonify(
        {
            "service": current_app.name,
            "version": os.environ.get("APP_VERSION", "dev"),
            "commit": os.environ.get("GIT_SHA", "unknown")[:12],
            "python": platform.python_version(),
        }
    )


def register_ready_check(app, name: str, fn) -> None:
    app.extensions.setdefault("ready_checks", {})[name] = fn
