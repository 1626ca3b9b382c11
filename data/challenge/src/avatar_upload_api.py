# @notes FastAPI avatar upload; trusts the client-sent content type and keeps the original extension in a publicly served folder
"""Profile avatar upload for the community forum."""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from fastapi.responses import FileResponse

from .auth import CurrentUser, current_user
from .users import set_avatar_path

router = APIRouter(prefix="/me/avatar")
log = logging.getLogger(__name__)

PUBLIC_DIR = Path(os.environ.get("FORUM_PUBLIC_DIR", "/srv/forum/public"))
AVATAR_DIR = PUBLIC_DIR / "avatars"
MAX_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}


async def _read_limited(upload: UploadFile) -> bytes:
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, "avatar must be at most 2 MB")
    return data


@router.post("")
async def upload_avatar(
    user: Annotated[CurrentUser, Depends(current_user)],
    file: Annotated[UploadFile, File()],
):
    if file.content_type not in IMAGE_TYPES:  # @L CWE-434
        raise HTTPException(415, "please upload a PNG, JPEG or GIF")
    data = await _read_limited(file)
    ext = os.path.splitext(file.filename or "")[1].lower() or ".png"
    AVATAR_DIR.mkdir(parents=True, exist_ok=True)
    name = f"{user.id}-{uuid.uuid4().hex[:8]}{ext}"
    (AVATAR_DIR / name).write_bytes(data)  # @L CWE-434
    set_avatar_path(user.id, f"/avatars/{name}")
    log.info("user %s uploaded avatar %s (%d bytes)", user.id, name, len(data))
    return {"url": f"/avatars/{name}"}


@router.get("")
async def get_avatar(user: Annotated[CurrentUser, Depends(current_user)]):
    if not user.avatar_path:
        return FileResponse(PUBLIC_DIR / "img" / "default-avatar.png")
    return FileResponse(PUBLIC_DIR / user.avatar_path.lstrip("/"))


@router.delete("", status_code=204)
async def delete_avatar(user: Annotated[CurrentUser, Depends(current_user)]):
    if user.avatar_path:
        path = (PUBLIC_DIR / user.avatar_path.lstrip("/")).resolve()
        if AVATAR_DIR.resolve() in path.parents:
            path.unlink(missing_ok=True)
    set_avatar_path(user.id, None)


def cleanup_orphans(known: set[str]) -> int:
    removed = 0
    for f in AVATAR_DIR.glob("*"):
        if f"/avatars/{f.name}" not in known:
            f.unlink()
            removed += 1
    return removed


def storage_stats() -> dict[str, int]:
    """Numbers for the admin dashboard: how many avatars and how much space."""
    count = 0
    total = 0
    for f in AVATAR_DIR.glob("*"):
        if f.is_file():
            count += 1
            total += f.stat().st_size
    return {"avatars": count, "bytes": total}
