"""Integration settings: configure outbound webhooks and send test events (async FastAPI)."""
from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, HttpUrl

from .auth import Workspace, current_workspace
from .store import IntegrationStore

router = APIRouter(prefix="/integrations")
log = logging.getLogger(__name__)
store = IntegrationStore()


class WebhookConfig(BaseModel):
    url: HttpUrl
    events: list[str]
    active: bool = True


class TestRequest(BaseModel):
    url: HttpUrl
    event: str = "ping"


class TestResult(BaseModel):
    status: int | None
    elapsed_ms: int
    body_preview: str


@router.get("/webhooks")
async def list_webhooks(ws: Annotated[Workspace, Depends(current_workspace)]):
    return await store.webhooks(ws.id)


@router.put("/webhooks/{hook_id}")
async def save_webhook(hook_id: str, cfg: WebhookConfig, ws: Annotated[Workspace, Depends(current_workspace)]):
    await store.save_webhook(ws.id, hook_id, str(cfg.url), cfg.events, cfg.active)
    return {"saved": hook_id}


@router.post("/webhooks/test", response_model=TestResult)
async def send_test(req: TestRequest, ws: Annotated[Workspace, Depends(current_workspace)]):
    payload = {"id": str(uuid.uuid4()), "type": req.event, "workspace": ws.id, "test": True, "ts": int(time.time())}
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=10, follow_redirects=True) as client:
            resp = await client.post(str(req.url), content=json.dumps(payload), headers={"Content-Type": "application/json"})
    except httpx.HTTPError as exc:
        log.info("test webhook for workspace %s failed: %s", ws.id, type(exc).__name__)
        return TestResult(status=None, elapsed_ms=int((time.perf_counter() - started) * 1000), body_preview=str(exc)[:200])
    return TestResult(
        status=resp.status_code,
        elapsed_ms=int((time.perf_counter() - started) * 1000),
        body_preview=resp.text[:500],
    )


@router.delete("/webhooks/{hook_id}", status_code=204)
async def delete_webhook(hook_id: str, ws: Annotated[Workspace, Depends(current_workspace)]):
    if not await store.delete_webhook(ws.id, hook_id):
        raise HTTPException(404)


@router.get("/events")
async def event_types():
    return ["ping", "invoice.created", "invoice.paid", "customer.created", "subscription.cancelled"]


@router.get("/webhooks/{hook_id}/deliveries")
async def deliveries(hook_id: str, ws: Annotated[Workspace, Depends(current_workspace)], limit: int = 20):
    """Recent delivery attempts for a configured webhook, newest first."""
    rows = await store.deliveries(ws.id, hook_id, limit=min(limit, 100))
    if rows is None:
        raise HTTPException(404)
    return [{"at": r.at, "status": r.status, "ms": r.elapsed_ms} for r in rows]
