# @notes audit logging middleware for a Flask API; raw username and user-agent from the request written into the audit log
"""Audit trail for authentication events, shipped to the SIEM via syslog."""
from __future__ import annotations

import logging
import logging.handlers
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, Response, g, request

audit = logging.getLogger("audit")


def configure_audit(address: str = "/dev/log") -> None:
    handler = logging.handlers.SysLogHandler(address=address)
    handler.setFormatter(logging.Formatter("api-audit: %(message)s"))
    audit.addHandler(handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False


@dataclass
class AuthAttempt:
    username: str
    ip: str
    ok: bool
    reason: str = ""


class AuditTrail:
    """Collects auth outcomes per request and emits them once the response is ready."""

    def __init__(self, app: Flask | None = None) -> None:
        self._sinks: list[Callable[[AuthAttempt], None]] = []
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.before_request(self._start)
        app.after_request(self._finish)

    def add_sink(self, sink: Callable[[AuthAttempt], None]) -> None:
        self._sinks.append(sink)

    def _start(self) -> None:
        g.audit_started = time.perf_counter()
        g.audit_attempts = []

    def record(self, username: str, ok: bool, reason: str = "") -> None:
        attempt = AuthAttempt(username=username, ip=request.remote_addr or "-", ok=ok, reason=reason)
        g.audit_attempts.append(attempt)

    def _finish(self, response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("audit_started", time.perf_counter())) * 1000
        agent = request.headers.get("User-Agent", "-")
        for attempt in g.get("audit_attempts", []):
            outcome = "success" if attempt.ok else f"failure ({attempt.reason})"
            audit.info(  # @L CWE-117
                "auth " + outcome + " user=" + attempt.username + " ip=" + attempt.ip + " agent=" + agent  # @L CWE-117
                + f" path={request.path} status={response.status_code} ms={elapsed:.0f}"
            )
            for sink in self._sinks:
                try:
                    sink(attempt)
                except Exception:
                    audit.exception("audit sink failed")
        return response


class LockoutTracker:
    def __init__(self, limit: int = 5, window: float = 600.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, list[float]] = {}

    def __call__(self, attempt: AuthAttempt) -> None:
        if attempt.ok:
            self._failures.pop(attempt.username, None)
            return
        now = time.time()
        recent = [t for t in self._failures.get(attempt.username, []) if now - t < self.window]
        recent.append(now)
        self._failures[attempt.username] = recent

    def locked(self, username: str) -> bool:
        now = time.time()
        return len([t for t in self._failures.get(username, []) if now - t < self.window]) >= self.limit


def create_app() -> Flask:
    app = Flask(__name__)
    trail = AuditTrail(app)
    lockouts = LockoutTracker()
    trail.add_sink(lockouts)
    app.extensions["audit"] = trail
    app.extensions["lockouts"] = lockouts
    configure_audit()
    return app
