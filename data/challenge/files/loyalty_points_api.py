"""Loyalty points service for the retail app."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from .tokens import verify_customer_token

app = FastAPI(title="loyalty")
log = logging.getLogger("loyalty")

BALANCES: dict[str, int] = {}
HISTORY: dict[str, list[dict]] = {}


class Adjustment(BaseModel):
    customer_id: str
    delta: int = Field(ge=-100_000, le=100_000)
    reason: str = Field(min_length=3, max_length=200)


class Redemption(BaseModel):
    points: int = Field(gt=0)
    reward_code: str


REWARDS = {"COFFEE": 150, "TOTE": 900, "VOUCHER10": 1000}


def customer(authorization: Annotated[str, Header()]) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        raise HTTPException(401, "bearer token required")
    customer_id = verify_customer_token(token)
    if customer_id is None:
        raise HTTPException(401, "invalid token")
    return customer_id


def _record(customer_id: str, delta: int, reason: str) -> int:
    BALANCES[customer_id] = BALANCES.get(customer_id, 0) + delta
    HISTORY.setdefault(customer_id, []).append(
        {"delta": delta, "reason": reason, "at": datetime.now(timezone.utc).isoformat()}
    )
    return BALANCES[customer_id]


@app.get("/me/points")
def my_points(customer_id: Annotated[str, Depends(customer)]):
    return {"customer": customer_id, "balance": BALANCES.get(customer_id, 0)}


@app.get("/me/history")
def my_history(customer_id: Annotated[str, Depends(customer)], limit: int = 20):
    return HISTORY.get(customer_id, [])[-limit:]


@app.post("/me/redeem")
def redeem(body: Redemption, customer_id: Annotated[str, Depends(customer)]):
    cost = REWARDS.get(body.reward_code)
    if cost is None or cost != body.points:
        raise HTTPException(400, "unknown reward or wrong price")
    if BALANCES.get(customer_id, 0) < cost:
        raise HTTPException(409, "insufficient points")
    balance = _record(customer_id, -cost, f"redeemed {body.reward_code}")
    return {"balance": balance}


@app.post("/internal/adjust")
def adjust(body: Adjustment):
    balance = _record(body.customer_id, body.delta, body.reason)
    log.info("adjusted %s by %d (%s)", body.customer_id, body.delta, body.reason)
    return {"customer": body.customer_id, "balance": balance}


@app.get("/rewards")
def rewards():
    return [{"code": k, "points": v} for k, v in sorted(REWARDS.items(), key=lambda kv: kv[1])]


@app.get("/healthz")
def healthz():
    return {"ok": True, "customers": len(BALANCES)}
