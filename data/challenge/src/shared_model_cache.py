# @notes ML model cache shared by notebook users; cache directories created with mode 0o777 (world-writable shared cache)
"""Download-once cache for ML model artifacts on shared JupyterHub nodes."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import requests

log = logging.getLogger("model_cache")

CACHE_ROOT = Path(os.environ.get("MODEL_CACHE", "/shared/model-cache"))
REGISTRY = os.environ.get("MODEL_REGISTRY", "https://models.internal.example.com")


@dataclass
class Artifact:
    name: str
    version: str
    sha256: str
    size: int


def ensure_dirs() -> None:
    for sub in ("blobs", "refs", "locks"):
        os.makedirs(CACHE_ROOT / sub, mode=0o777, exist_ok=True)  # @L CWE-276


def resolve(name: str, version: str = "latest") -> Artifact:
    resp = requests.get(f"{REGISTRY}/api/models/{name}/{version}", timeout=15)
    resp.raise_for_status()
    d = resp.json()
    return Artifact(d["name"], d["version"], d["sha256"], d["size"])


def blob_path(art: Artifact) -> Path:
    return CACHE_ROOT / "blobs" / art.sha256


def _lock(art: Artifact) -> Path:
    return CACHE_ROOT / "locks" / f"{art.sha256}.lock"


def fetch(art: Artifact) -> Path:
    target = blob_path(art)
    if target.exists():
        return target
    lock = _lock(art)
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.close(fd)
            break
        except FileExistsError:
            if target.exists():
                return target
            time.sleep(1)
    try:
        partial = target.with_suffix(".partial")
        h = hashlib.sha256()
        with requests.get(f"{REGISTRY}/blobs/{art.sha256}", stream=True, timeout=60) as resp:
            resp.raise_for_status()
            with partial.open("wb") as fh:
                for chunk in resp.iter_content(1 << 20):
                    h.update(chunk)
                    fh.write(chunk)
        if h.hexdigest() != art.sha256:
            partial.unlink()
            raise ValueError(f"digest mismatch for {art.name}:{art.version}")
        partial.rename(target)
    finally:
        lock.unlink(missing_ok=True)
    return target


def link(art: Artifact) -> Path:
    ref = CACHE_ROOT / "refs" / f"{art.name}@{art.version}.json"
    ref.write_text(json.dumps(art.__dict__))
    return ref


def get_model(name: str, version: str = "latest") -> Path:
    ensure_dirs()
    art = resolve(name, version)
    path = fetch(art)
    link(art)
    log.info("model %s:%s ready at %s", art.name, art.version, path)
    return path


def gc(max_bytes: int) -> int:
    blobs = sorted((CACHE_ROOT / "blobs").glob("*"), key=lambda p: p.stat().st_atime)
    total = sum(p.stat().st_size for p in blobs)
    removed = 0
    for p in blobs:
        if total <= max_bytes:
            break
        total -= p.stat().st_size
        p.unlink()
        removed += 1
    shutil.rmtree(CACHE_ROOT / "locks", ignore_errors=True)
    return removed
