"""Consent screen for connecting third-party apps from the marketplace."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from .auth import User, current_user
from .marketplace import MarketplaceApp, apps, grants

router = APIRouter(prefix="/connect")
templates = Jinja2Templates(directory="templates")
log = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=5)


def _app_or_404(client_id: str) -> MarketplaceApp:
    app = apps.get(client_id)
    if app is None or not app.published:
        raise HTTPException(404, "unknown app")
    return app


@router.get("/{client_id}", response_class=HTMLResponse)
async def consent(request: Request, client_id: str, user: Annotated[User, Depends(current_user)], scope: str = "read"):
    app = _app_or_404(client_id)
    scopes = [s for s in scope.split() if s in app.allowed_scopes]
    return templates.TemplateResponse(
        "consent.html",
        {"request": request, "app": app, "scopes": scopes, "continue": request.query_params.get("continue", "/")},
    )


@router.post("/{client_id}/approve")
async def approve(
    client_id: str,
    user: Annotated[User, Depends(current_user)],
    scopes: Annotated[str, Form()],
    continue_url: Annotated[str, Form(alias="continue")] = "/",
):
    app = _app_or_404(client_id)
    granted = [s for s in scopes.split() if s in app.allowed_scopes]
    code = secrets.token_urlsafe(24)
    grants.create(
        code=code,
        client_id=client_id,
        user_id=user.id,
        scopes=granted,
        expires_at=datetime.now(timezone.utc) + CODE_TTL,
    )
    log.info("user %s connected app %s with %s", user.id, client_id, granted)
    sep = "&" if "?" in continue_url else "?"
    return RedirectResponse(f"{continue_url}{sep}code={code}", status_code=303)


@router.post("/{client_id}/deny")
async def deny(client_id: str, user: Annotated[User, Depends(current_user)]):
    app = _app_or_404(client_id)
    log.info("user %s declined app %s", user.id, client_id)
    return RedirectResponse(f"{app.redirect_uri}?error=access_denied", status_code=303)


@router.get("/", response_class=HTMLResponse)
async def connected_apps(request: Request, user: Annotated[User, Depends(current_user)]):
    rows = grants.active_for_user(user.id)
    return templates.TemplateResponse("connected.html", {"request": request, "grants": rows})


@router.post("/{client_id}/revoke")
async def revoke(client_id: str, user: Annotated[User, Depends(current_user)]):
    removed = grants.revoke(user.id, client_id)
    if not removed:
        raise HTTPException(404)
    return RedirectResponse("/connect/", status_code=303)
