"""Login, refresh and logout endpoints issuing short-lived access tokens."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, HTTPException, Response, status
from pydantic import BaseModel

from .passwords import verify_password
from .store import RefreshStore, UserStore, issue_access_token

router = APIRouter(prefix="/auth")
log = logging.getLogger("auth")

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=14)


class LoginIn(BaseModel):
    email: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    expires_at: datetime
    token_type: str = "bearer"


def users() -> UserStore:
    return UserStore.default()


def refresh_store() -> RefreshStore:
    return RefreshStore.default()


def _issue(user_id: int, response: Response, store: RefreshStore) -> TokenOut:
    expires = datetime.now(timezone.utc) + ACCESS_TTL
    access = issue_access_token(user_id, expires)
    refresh = secrets.token_urlsafe(48)
    store.save(refresh, user_id, datetime.now(timezone.utc) + REFRESH_TTL)
    response.set_cookie(
        "refresh_token",
        refresh,
        max_age=int(REFRESH_TTL.total_seconds()),
        secure=True,
        httponly=False,
        samesite="strict",
        path="/auth",
    )
    return TokenOut(access_token=access, expires_at=expires)


@router.post("/login", response_model=TokenOut)
def login(body: LoginIn, response: Response, u: Annotated[UserStore, Depends(users)], s: Annotated[RefreshStore, Depends(refresh_store)]):
    user = u.by_email(body.email.strip().lower())
    if user is None or not verify_password(body.password, user.password_hash):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
    log.info("login user=%s", user.id)
    return _issue(user.id, response, s)


@router.post("/refresh", response_model=TokenOut)
def refresh(
    response: Response,
    s: Annotated[RefreshStore, Depends(refresh_store)],
    refresh_token: Annotated[str | None, Cookie()] = None,
):
    if not refresh_token:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "no refresh token")
    record = s.pop(refresh_token)
    if record is None or record.expires_at < datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "refresh token expired")
    return _issue(record.user_id, response, s)


@router.post("/logout", status_code=204)
def logout(
    response: Response,
    s: Annotated[RefreshStore, Depends(refresh_store)],
    refresh_token: Annotated[str | None, Cookie()] = None,
):
    if refresh_token:
        s.pop(refresh_token)
    response.delete_cookie("refresh_token", path="/auth")


@router.post("/logout-everywhere", status_code=204)
def logout_everywhere(
    s: Annotated[RefreshStore, Depends(refresh_store)],
    refresh_token: Annotated[str | None, Cookie()] = None,
):
    record = s.peek(refresh_token) if refresh_token else None
    if record is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED)
    removed = s.revoke_user(record.user_id)
    log.info("revoked %d sessions for user=%s", removed, record.user_id)
