# @notes clean: feature-flag evaluation with percentage rollouts; sha256 used for stable bucketing (not security), rules from a reviewed JSON file
"""Evaluate feature flags: on/off, allow-lists, attribute rules and percentage rollouts."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("flags")


@dataclass
class Rule:
    attribute: str
    op: str
    values: list[Any]

    def matches(self, ctx: dict[str, Any]) -> bool:
        value = ctx.get(self.attribute)
        if self.op == "in":
            return value in self.values
        if self.op == "not_in":
            return value not in self.values
        if self.op == "gte":
            return value is not None and value >= self.values[0]
        if self.op == "lte":
            return value is not None and value <= self.values[0]
        log.warning("unknown operator %s", self.op)
        return False


@dataclass
class Flag:
    key: str
    enabled: bool = False
    allow: set[str] = field(default_factory=set)
    rules: list[Rule] = field(default_factory=list)
    rollout_percent: float = 0.0


def bucket(flag_key: str, user_key: str) -> float:
    """Map a user to [0, 100) deterministically per flag."""
    digest = hashlib.sha256(f"{flag_key}:{user_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100


def evaluate(flag: Flag, ctx: dict[str, Any]) -> bool:
    if not flag.enabled:
        return False
    user_key = str(ctx.get("user_id", ""))
    if user_key and user_key in flag.allow:
        return True
    if flag.rules and not all(r.matches(ctx) for r in flag.rules):
        return False
    if flag.rollout_percent >= 100:
        return True
    return bool(user_key) and bucket(flag.key, user_key) < flag.rollout_percent


def parse_flags(data: dict[str, Any]) -> dict[str, Flag]:
    flags = {}
    for key, spec in data.get("flags", {}).items():
        flags[key] = Flag(
            key=key,
            enabled=bool(spec.get("enabled", False)),
            allow=set(map(str, spec.get("allow", []))),
            rules=[Rule(r["attribute"], r["op"], list(r["values"])) for r in spec.get("rules", [])],
            rollout_percent=float(spec.get("rollout_percent", 0)),
        )
    return flags


class FlagStore:
    def __init__(self, path: Path, refresh_seconds: float = 30.0) -> None:
        self.path = path
        self.refresh_seconds = refresh_seconds
        self._flags: dict[str, Flag] = {}
        self._loaded_at = 0.0
        self._mtime = 0.0
        self._lock = threading.Lock()

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._loaded_at < self.refresh_seconds:
            return
        with self._lock:
            self._loaded_at = time.monotonic()
            try:
                mtime = self.path.stat().st_mtime
                if mtime != self._mtime:
                    self._flags = parse_flags(json.loads(self.path.read_text()))
                    self._mtime = mtime
                    log.info("loaded %d flags", len(self._flags))
            except (OSError, ValueError, KeyError) as exc:
                log.error("keeping previous flags, reload failed: %s", exc)

    def is_on(self, key: str, ctx: dict[str, Any]) -> bool:
        self._maybe_reload()
        flag = self._flags.get(key)
        return evaluate(flag, ctx) if flag else False

    def snapshot(self, ctx: dict[str, Any]) -> dict[str, bool]:
        self._maybe_reload()
        return {k: evaluate(f, ctx) for k, f in self._flags.items()}
