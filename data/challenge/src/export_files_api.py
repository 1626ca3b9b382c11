# @notes FastAPI data-export downloads; the {filename:path} parameter is joined to the export directory without confinement
"""Self-service data exports for workspace admins (GDPR / offboarding)."""
from __future__ import annotations

import json
import logging
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from fastapi.responses import FileResponse

from .auth import Admin, require_workspace_admin
from .data import iter_workspace_records

router = APIRouter(prefix="/exports")
log = logging.getLogger(__name__)

EXPORT_ROOT = Path("/var/lib/app/exports")


def workspace_dir(workspace_id: int) -> Path:
    path = EXPORT_ROOT / str(int(workspace_id))
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_export(workspace_id: int, name: str) -> None:
    target = workspace_dir(workspace_id) / name
    tmp = target.with_suffix(".partial")
    counts: dict[str, int] = {}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for kind, records in iter_workspace_records(workspace_id):
            zf.writestr(f"{kind}.jsonl", "\n".join(json.dumps(r, default=str) for r in records))
            counts[kind] = len(records)
        zf.writestr("manifest.json", json.dumps({"workspace": workspace_id, "counts": counts}))
    tmp.rename(target)
    log.info("export %s for workspace %s ready (%s)", name, workspace_id, counts)


@router.post("", status_code=202)
def start_export(tasks: BackgroundTasks, admin: Annotated[Admin, Depends(require_workspace_admin)]):
    name = f"export-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.zip"
    tasks.add_task(build_export, admin.workspace_id, name)
    return {"file": name, "status": "building"}


@router.get("")
def list_exports(admin: Annotated[Admin, Depends(require_workspace_admin)]):
    folder = workspace_dir(admin.workspace_id)
    return [
        {"file": p.name, "bytes": p.stat().st_size, "created": datetime.fromtimestamp(p.stat().st_mtime, timezone.utc)}
        for p in sorted(folder.glob("*.zip"), reverse=True)
    ]


@router.get("/{filename:path}")
def download(filename: str, admin: Annotated[Admin, Depends(require_workspace_admin)]):
    path = workspace_dir(admin.workspace_id) / filename  # @L CWE-22
    if not path.is_file():
        raise HTTPException(404, "no such export")
    log.info("admin %s downloaded %s", admin.id, filename)
    return FileResponse(path, filename=path.name)  # @L CWE-22


@router.delete("/{name}", status_code=204)
def delete_export(name: str, admin: Annotated[Admin, Depends(require_workspace_admin)]):
    if "/" in name or not name.endswith(".zip"):
        raise HTTPException(400)
    path = workspace_dir(admin.workspace_id) / name
    if not path.exists():
        raise HTTPException(404)
    path.unlink()


def expire_old(days: int = 7) -> int:
    cutoff = datetime.now(timezone.utc).timestamp() - days * 86400
    removed = 0
    for p in EXPORT_ROOT.glob("*/*.zip"):
        if p.stat().st_mtime < cutoff:
            p.unlink()
            removed += 1
    return removed
