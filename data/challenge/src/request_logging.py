# @notes clean: structured request logging middleware; user-controlled values go through a JSON formatter (escaped) and are truncated
"""Structured JSON access logging for WSGI apps, with request ids."""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, Callable, Iterable

access_log = logging.getLogger("access")

REDACT_HEADERS = {"authorization", "cookie", "x-api-key"}
MAX_FIELD = 256


class JsonFormatter(logging.Formatter):
    """Emit one JSON object per line; json.dumps escapes control characters."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            payload.update(extra)
        return json.dumps(payload, ensure_ascii=True, default=str)


def _clip(value: str | None) -> str | None:
    if value is None:
        return None
    return value if len(value) <= MAX_FIELD else value[:MAX_FIELD] + "..."


def safe_headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if not key.startswith("HTTP_"):
            continue
        name = key[5:].replace("_", "-").lower()
        headers[name] = "[redacted]" if name in REDACT_HEADERS else _clip(str(value)) or ""
    return headers


class AccessLogMiddleware:
    def __init__(self, app: Callable, log_headers: bool = False) -> None:
        self.app = app
        self.log_headers = log_headers

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request_id = environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex
        if len(request_id) > 64 or not request_id.replace("-", "").isalnum():
            request_id = uuid.uuid4().hex
        environ["request_id"] = request_id
        started = time.perf_counter()
        status_holder: dict[str, str] = {}

        def _start_response(status: str, headers: list, exc_info=None):
            status_holder["status"] = status
            headers.append(("X-Request-Id", request_id))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, _start_response)
        finally:
            fields = {
                "request_id": request_id,
                "method": environ.get("REQUEST_METHOD"),
                "path": _clip(environ.get("PATH_INFO")),
                "query": _clip(environ.get("QUERY_STRING")),
                "status": int(status_holder.get("status", "500 ").split()[0]),
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "ua": _clip(environ.get("HTTP_USER_AGENT")),
            }
            if self.log_headers:
                fields["headers"] = safe_headers(environ)
            access_log.info("request", extra={"fields": fields})


def configure(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    access_log.handlers[:] = [handler]
    access_log.setLevel(level)
    access_log.propagate = False
