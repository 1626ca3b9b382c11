# @notes CMS theme installer; uploaded zip is extracted with extractall without checking member paths (zip slip)
"""Install and manage storefront themes uploaded by shop administrators."""
from __future__ import annotations

import json
import logging
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("themes")

THEMES_DIR = Path("/srv/shop/themes")
MAX_ARCHIVE = 50 * 1024 * 1024
REQUIRED = {"theme.json", "templates/base.html"}


class ThemeError(ValueError):
    pass


@dataclass
class ThemeInfo:
    slug: str
    name: str
    version: str
    author: str

    @classmethod
    def from_manifest(cls, data: dict) -> "ThemeInfo":
        try:
            slug = str(data["slug"])
        except KeyError as exc:
            raise ThemeError("theme.json has no slug") from exc
        if not slug.replace("-", "").isalnum():
            raise ThemeError("invalid theme slug")
        return cls(slug, str(data.get("name", slug)), str(data.get("version", "0.0.0")), str(data.get("author", "")))


def read_manifest(zf: zipfile.ZipFile) -> ThemeInfo:
    names = set(zf.namelist())
    missing = REQUIRED - names
    if missing:
        raise ThemeError(f"archive is missing {', '.join(sorted(missing))}")
    with zf.open("theme.json") as fh:
        return ThemeInfo.from_manifest(json.load(fh))


def install(upload: BinaryIO, size: int, shop_id: int) -> ThemeInfo:
    if size > MAX_ARCHIVE:
        raise ThemeError("theme archive too large")
    with zipfile.ZipFile(upload) as zf:
        info = read_manifest(zf)
        target = THEMES_DIR / str(shop_id) / info.slug
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        zf.extractall(target)  # @L CWE-22
    log.info("shop %s installed theme %s %s", shop_id, info.slug, info.version)
    return info


def installed(shop_id: int) -> list[ThemeInfo]:
    base = THEMES_DIR / str(shop_id)
    if not base.exists():
        return []
    out = []
    for manifest in sorted(base.glob("*/theme.json")):
        try:
            out.append(ThemeInfo.from_manifest(json.loads(manifest.read_text())))
        except (ThemeError, json.JSONDecodeError):
            log.warning("ignoring broken theme at %s", manifest.parent)
    return out


def remove(shop_id: int, slug: str) -> bool:
    if not slug.replace("-", "").isalnum():
        raise ThemeError("invalid theme slug")
    target = THEMES_DIR / str(shop_id) / slug
    if not target.is_dir():
        return False
    shutil.rmtree(target)
    log.info("shop %s removed theme %s", shop_id, slug)
    return True


def activate(shop_id: int, slug: str, settings_path: Path) -> None:
    if slug not in {t.slug for t in installed(shop_id)}:
        raise ThemeError(f"theme {slug} is not installed")
    settings = json.loads(settings_path.read_text()) if settings_path.exists() else {}
    settings["active_theme"] = slug
    settings_path.write_text(json.dumps(settings, indent=2))
