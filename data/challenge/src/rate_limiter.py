# @notes clean: Redis sliding-window rate limiter and Flask decorator; keys hashed, limits from config
"""Sliding-window rate limiting backed by Redis sorted sets."""
from __future__ import annotations

import functools
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Callable

import redis
from flask import Response, g, jsonify, request

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int

    @classmethod
    def parse(cls, spec: str) -> "Limit":
        """Parse specs such as '100/minute' or '10/second'."""
        count, _, unit = spec.partition("/")
        seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[unit.strip()]
        return cls(int(count), seconds)


@dataclass
class Decision:
    allowed: bool
    remaining: int
    reset_after: float


class SlidingWindowLimiter:
    def __init__(self, client: redis.Redis, prefix: str = "rl") -> None:
        self.client = client
        self.prefix = prefix

    def _key(self, scope: str, identity: str) -> str:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"{self.prefix}:{scope}:{digest}"

    def hit(self, scope: str, identity: str, limit: Limit) -> Decision:
        key = self._key(scope, identity)
        now = time.time()
        window_start = now - limit.window_seconds
        member = f"{now:.6f}:{uuid.uuid4().hex[:6]}"
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(key, 0, window_start)
        pipe.zadd(key, {member: now})
        pipe.zcard(key)
        pipe.zrange(key, 0, 0, withscores=True)
        pipe.expire(key, limit.window_seconds + 1)
        _, _, count, oldest, _ = pipe.execute()
        allowed = count <= limit.requests
        if not allowed:
            self.client.zrem(key, member)
        reset = (oldest[0][1] + limit.window_seconds - now) if oldest else limit.window_seconds
        return Decision(allowed, max(limit.requests - count, 0), max(reset, 0.0))


def client_identity() -> str:
    user = getattr(g, "user", None)
    if user is not None:
        return f"user:{user.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def rate_limited(limiter: SlidingWindowLimiter, spec: str, scope: str | None = None) -> Callable:
    limit = Limit.parse(spec)

    def deco(view: Callable) -> Callable:
        name = scope or view.__name__

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                decision = limiter.hit(name, client_identity(), limit)
            except redis.RedisError as exc:
                log.warning("rate limiter unavailable, allowing request: %s", exc)
                return view(*args, **kwargs)
            if not decision.allowed:
                resp: Response = jsonify({"error": "rate limit exceeded"})
                resp.status_code = 429
                resp.headers["Retry-After"] = str(int(decision.reset_after) + 1)
                return resp
            resp = view(*args, **kwargs)
            if isinstance(resp, Response):
                resp.headers["X-RateLimit-Remaining"] = str(decision.remaining)
            return resp

        return wrapper

    return deco
