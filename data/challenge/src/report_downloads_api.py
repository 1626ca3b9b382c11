# @notes clean: FastAPI report download; report ids validated as UUIDs, ownership checked, FileResponse from a fixed directory
"""Download generated analytics reports (PDF/CSV) for the signed-in account."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel

from .auth import Account, current_account
from .jobs import ReportJob, enqueue_report, job_store

router = APIRouter(prefix="/reports")
log = logging.getLogger(__name__)

REPORT_DIR = Path("/var/lib/analytics/reports")
MEDIA = {"pdf": "application/pdf", "csv": "text/csv"}


class ReportRequest(BaseModel):
    kind: Literal["traffic", "revenue", "retention"]
    start: datetime
    end: datetime
    fmt: Literal["pdf", "csv"] = "pdf"


class ReportStatus(BaseModel):
    id: uuid.UUID
    kind: str
    state: str
    created_at: datetime


@router.post("", response_model=ReportStatus, status_code=202)
def request_report(body: ReportRequest, account: Annotated[Account, Depends(current_account)]):
    if body.end <= body.start:
        raise HTTPException(422, "end must be after start")
    if (body.end - body.start).days > 366:
        raise HTTPException(422, "reports cover at most one year")
    job = enqueue_report(account.id, body.kind, body.start, body.end, body.fmt)
    return ReportStatus(id=job.id, kind=job.kind, state=job.state, created_at=job.created_at)


def _owned_job(report_id: uuid.UUID, account: Account) -> ReportJob:
    job = job_store.get(report_id)
    if job is None or job.account_id != account.id:
        raise HTTPException(404, "report not found")
    return job


@router.get("/{report_id}", response_model=ReportStatus)
def report_status(report_id: uuid.UUID, account: Annotated[Account, Depends(current_account)]):
    job = _owned_job(report_id, account)
    return ReportStatus(id=job.id, kind=job.kind, state=job.state, created_at=job.created_at)


@router.get("/{report_id}/download")
def download(report_id: uuid.UUID, account: Annotated[Account, Depends(current_account)]):
    job = _owned_job(report_id, account)
    if job.state != "done":
        raise HTTPException(409, "report is not ready yet")
    path = REPORT_DIR / f"{job.id}.{job.fmt}"
    if not path.is_file():
        log.error("report %s marked done but file is missing", job.id)
        raise HTTPException(410, "report expired")
    filename = f"{job.kind}-{job.start:%Y%m%d}-{job.end:%Y%m%d}.{job.fmt}"
    return FileResponse(path, media_type=MEDIA[job.fmt], filename=filename)


@router.get("", response_model=list[ReportStatus])
def my_reports(account: Annotated[Account, Depends(current_account)], limit: int = 20):
    jobs = job_store.for_account(account.id, limit=min(limit, 100))
    return [ReportStatus(id=j.id, kind=j.kind, state=j.state, created_at=j.created_at) for j in jobs]


def purge_old(days: int = 14) -> int:
    cutoff = datetime.now(timezone.utc).timestamp() - days * 86400
    removed = 0
    for f in REPORT_DIR.glob("*.*"):
        if f.stat().st_mtime < cutoff:
            f.unlink()
            removed += 1
    return removed
