# @notes clean: cursor pagination helpers for an API; cursors are signed with HMAC-SHA256 and verified in constant time, page size capped
"""Opaque, tamper-evident cursor pagination for list endpoints."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SECRET = os.environ.get("CURSOR_SECRET", "").encode()


class BadCursor(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(position: dict[str, Any], secret: bytes = _SECRET) -> str:
    if not secret:
        raise RuntimeError("CURSOR_SECRET is not configured")
    body = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    sig = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    return f"{_b64(body)}.{_b64(sig)}"


def decode_cursor(cursor: str, secret: bytes = _SECRET) -> dict[str, Any]:
    if not secret:
        raise RuntimeError("CURSOR_SECRET is not configured")
    try:
        body_b64, sig_b64 = cursor.split(".", 1)
        body, sig = _unb64(body_b64), _unb64(sig_b64)
    except ValueError as exc:
        raise BadCursor("malformed cursor") from exc
    expected = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(sig, expected):
        raise BadCursor("cursor signature mismatch")
    data = json.loads(body)
    if not isinstance(data, dict):
        raise BadCursor("cursor payload must be an object")
    return data


def clamp_limit(raw: str | int | None) -> int:
    try:
        value = int(raw) if raw is not None else DEFAULT_LIMIT
    except (TypeError, ValueError):
        return DEFAULT_LIMIT
    return max(1, min(value, MAX_LIMIT))


@dataclass
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None

    def to_json(self, serialize: Callable[[T], Any]) -> dict[str, Any]:
        return {"items": [serialize(i) for i in self.items], "next": self.next_cursor}


def paginate(
    fetch: Callable[[dict[str, Any] | None, int], Sequence[T]],
    key: Callable[[T], dict[str, Any]],
    cursor: str | None,
    limit: str | int | None,
) -> Page[T]:
    """fetch(after, n) must return up to n items strictly after the given position."""
    n = clamp_limit(limit)
    after = decode_cursor(cursor) if cursor else None
    rows = list(fetch(after, n + 1))
    has_more = len(rows) > n
    rows = rows[:n]
    next_cursor = encode_cursor(key(rows[-1])) if has_more and rows else None
    return Page(rows, next_cursor)
