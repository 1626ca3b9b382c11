# @notes password reset API; the reset token is returned in the HTTP response body (meant for email only)
"""Password reset endpoints for the mobile app backend."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, BackgroundTasks, HTTPException
from pydantic import BaseModel, EmailStr, Field

from .mail import send_reset_email
from .passwords import hash_password
from .users import UserRepo

router = APIRouter(prefix="/password")
log = logging.getLogger(__name__)
users = UserRepo()

TOKEN_TTL = timedelta(minutes=30)


class ResetRequest(BaseModel):
    email: EmailStr


class ResetConfirm(BaseModel):
    token: str = Field(min_length=20, max_length=200)
    new_password: str = Field(min_length=12, max_length=200)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@router.post("/reset", status_code=202)
def request_reset(body: ResetRequest, tasks: BackgroundTasks):
    user = users.by_email(body.email.lower())
    if user is None:
        return {"status": "if the address is registered, an email is on its way"}
    token = secrets.token_urlsafe(32)
    users.store_reset(user.id, _digest(token), datetime.now(timezone.utc) + TOKEN_TTL)
    tasks.add_task(send_reset_email, user.email, token)
    log.info("password reset requested for user %s", user.id)
    return {"status": "if the address is registered, an email is on its way", "reset_token": token}  # @L CWE-200


@router.post("/reset/confirm")
def confirm_reset(body: ResetConfirm):
    record = users.reset_by_digest(_digest(body.token))
    if record is None or record.expires_at < datetime.now(timezone.utc):
        raise HTTPException(400, "reset link is invalid or has expired")
    users.set_password_hash(record.user_id, hash_password(body.new_password))
    users.clear_resets(record.user_id)
    users.revoke_sessions(record.user_id)
    log.info("password reset completed for user %s", record.user_id)
    return {"status": "password updated"}


@router.get("/reset/{token}/valid")
def token_valid(token: str):
    """Lets the app show an "expired link" screen before the user types a new password."""
    record = users.reset_by_digest(_digest(token))
    valid = record is not None and record.expires_at >= datetime.now(timezone.utc)
    return {"valid": valid}


def password_policy() -> dict[str, int | bool]:
    return {"min_length": 12, "max_length": 200, "requires_symbol": False, "checks_breached": True}


def cleanup_expired() -> int:
    return users.delete_resets_before(datetime.now(timezone.utc))


def reset_stats() -> dict[str, int]:
    now = datetime.now(timezone.utc)
    return {
        "pending": users.count_resets_after(now),
        "last_24h": users.count_resets_created_after(now - timedelta(days=1)),
    }
