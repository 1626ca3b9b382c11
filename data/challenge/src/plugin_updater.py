# @notes desktop app plugin updater; downloaded plugin archives are checked against a SHA-1 digest from the catalog
"""Check for and install plugin updates for the desktop note-taking app."""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import requests

log = logging.getLogger("plugins")

CATALOG_URL = "https://plugins.notes-app.example/catalog.json"
PLUGIN_DIR = Path.home() / ".notesapp" / "plugins"


@dataclass
class PluginRelease:
    name: str
    version: str
    url: str
    sha1: str


def installed_versions() -> dict[str, str]:
    versions = {}
    for manifest in PLUGIN_DIR.glob("*/plugin.json"):
        data = json.loads(manifest.read_text())
        versions[data["name"]] = data["version"]
    return versions


def fetch_catalog() -> list[PluginRelease]:
    resp = requests.get(CATALOG_URL, timeout=20)
    resp.raise_for_status()
    return [PluginRelease(p["name"], p["version"], p["url"], p["sha1"]) for p in resp.json()["plugins"]]


def _vtuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split(".") if x.isdigit())


def pending_updates() -> list[PluginRelease]:
    current = installed_versions()
    return [r for r in fetch_catalog() if r.name in current and _vtuple(r.version) > _vtuple(current[r.name])]


def download(release: PluginRelease, dest: Path) -> Path:
    path = dest / f"{release.name}-{release.version}.zip"
    digest = hashlib.sha1()  # @L CWE-328
    with requests.get(release.url, stream=True, timeout=60) as resp:
        resp.raise_for_status()
        with path.open("wb") as fh:
            for chunk in resp.iter_content(65536):
                digest.update(chunk)
                fh.write(chunk)
    if digest.hexdigest() != release.sha1.lower():  # @L CWE-328
        path.unlink()
        raise ValueError(f"checksum mismatch for {release.name}")
    return path


def install(archive: Path, name: str) -> None:
    target = PLUGIN_DIR / name
    staging = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                resolved = (staging / member.filename).resolve()
                if staging.resolve() not in resolved.parents and resolved != staging.resolve():
                    raise ValueError(f"unsafe path in archive: {member.filename}")
            zf.extractall(staging)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staging), target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def update_all() -> list[str]:
    updated = []
    with tempfile.TemporaryDirectory() as tmp:
        for release in pending_updates():
            try:
                archive = download(release, Path(tmp))
                install(archive, release.name)
                updated.append(f"{release.name} {release.version}")
            except (requests.RequestException, ValueError, zipfile.BadZipFile) as exc:
                log.warning("could not update %s: %s", release.name, exc)
    return updated


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for line in update_all() or ["everything up to date"]:
        print(line)
