# @notes CMS media upload; keeps the client filename and extension and writes it under the public web root (unrestricted upload + path)
"""Media library endpoints for the CMS editor."""
from __future__ import annotations

import logging
import mimetypes
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask_login import current_user, login_required

media = Blueprint("media", __name__, url_prefix="/cms/media")
log = logging.getLogger(__name__)

MAX_UPLOAD = 20 * 1024 * 1024


def media_root() -> Path:
    root = Path(current_app.config.get("MEDIA_ROOT", "/srv/cms/public/media"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _describe(path: Path) -> dict:
    st = path.stat()
    kind, _ = mimetypes.guess_type(path.name)
    return {
        "name": path.name,
        "size": st.st_size,
        "type": kind or "application/octet-stream",
        "modified": datetime.fromtimestamp(st.st_mtime, tz=timezone.utc).isoformat(),
        "url": f"/media/{path.name}",
    }


@media.get("/")
@login_required
def list_media():
    files = sorted(media_root().iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    return jsonify([_describe(p) for p in files if p.is_file()][:200])


@media.post("/")
@login_required
def upload():
    if request.content_length and request.content_length > MAX_UPLOAD:
        abort(413)
    item = request.files.get("file")
    if item is None or not item.filename:
        return jsonify({"error": "no file"}), 400
    dest = media_root() / item.filename  # @L CWE-22
    if dest.exists():
        stem, ext = os.path.splitext(item.filename)
        dest = media_root() / f"{stem}-{uuid.uuid4().hex[:6]}{ext}"
    item.save(dest)  # @L CWE-434
    log.info("user %s uploaded %s (%s)", current_user.get_id(), dest.name, item.mimetype)
    return jsonify(_describe(dest)), 201


@media.delete("/<name>")
@login_required
def delete(name: str):
    if not current_user.has_role("editor"):
        abort(403)
    path = media_root() / Path(name).name
    if not path.is_file():
        abort(404)
    path.unlink()
    log.info("user %s deleted %s", current_user.get_id(), path.name)
    return "", 204


@media.get("/raw/<name>")
@login_required
def raw(name: str):
    return send_from_directory(media_root(), name)


def usage_report() -> dict:
    total = 0
    by_type: dict[str, int] = {}
    for p in media_root().iterdir():
        if not p.is_file():
            continue
        size = p.stat().st_size
        total += size
        kind = (mimetypes.guess_type(p.name)[0] or "other").split("/")[0]
        by_type[kind] = by_type.get(kind, 0) + size
    return {"total_bytes": total, "by_type": by_type}
