"""Registry of scenario families: each family is a builder plus its variation space."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from core import Ctx, Spec

TAINT_FWS = ["flask", "django", "fastapi", "aiohttp", "script", "cli", "pipeline"]
WEB_FWS = ["flask", "django", "fastapi", "aiohttp"]


@dataclass
class Family:
    name: str
    cwe: str
    build: Callable[[Ctx], Spec]
    module: str
    fws: list = field(default_factory=lambda: list(TAINT_FWS))
    keys: list = field(default_factory=lambda: ["name"])
    n: int = 8
    twin_hard: bool = False
    wrap: bool = True
    hn: list = field(default_factory=list)  # (builder, count)


FAMILIES: list[Family] = []


def fam(name: str, cwe: str, **kw):
    """Decorator registering a scenario family builder."""
    def deco(fn):
        FAMILIES.append(Family(name=name, cwe=cwe, build=fn, module=fn.__module__, **kw))
        return fn
    return deco


def hardneg(n: int = 4):
    """Decorator attaching a hard-negative builder to the family registered just before."""
    def deco(fn):
        FAMILIES[-1].hn.append((fn, n))
        return fn
    return deco
