"""Administrative endpoints for the order service."""
from __future__ import annotations

import logging
from datetime import datetime
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import User, current_user
from .db import get_session
from .models import Order, Refund

router = APIRouter(prefix="/admin/orders", tags=["admin"])
log = logging.getLogger(__name__)


class OrderState(str, Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"
    cancelled = "cancelled"


class OrderOut(BaseModel):
    id: int
    customer_id: int
    state: OrderState
    total_cents: int
    created_at: datetime


class RefundIn(BaseModel):
    amount_cents: int = Field(gt=0)
    reason: str = Field(max_length=500)


async def require_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if "orders:admin" not in user.scopes:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "admin scope required")
    return user


Session = Annotated[AsyncSession, Depends(get_session)]
Admin = Annotated[User, Depends(require_admin)]


@router.get("/", response_model=list[OrderOut])
async def list_orders(session: Session, admin: Admin, state: OrderState | None = None, limit: int = 100):
    stmt = select(Order).order_by(Order.created_at.desc()).limit(min(limit, 500))
    if state is not None:
        stmt = stmt.where(Order.state == state.value)
    result = await session.execute(stmt)
    return [OrderOut.model_validate(o, from_attributes=True) for o in result.scalars()]


@router.post("/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: int, session: Session, admin: Admin):
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    if order.state == OrderState.shipped.value:
        raise HTTPException(status.HTTP_409_CONFLICT, "already shipped")
    order.state = OrderState.cancelled.value
    await session.commit()
    log.info("order %s cancelled by %s", order_id, admin.id)
    return OrderOut.model_validate(order, from_attributes=True)


@router.post("/{order_id}/refund", status_code=201)
async def refund_order(order_id: int, body: RefundIn, session: Session, user: Annotated[User, Depends(current_user)]):
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    if body.amount_cents > order.total_cents:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "refund exceeds order total")
    refund = Refund(order_id=order.id, amount_cents=body.amount_cents, reason=body.reason, created_by=user.id)
    session.add(refund)
    await session.commit()
    log.info("refund of %d cents on order %s by %s", body.amount_cents, order_id, user.id)
    return {"refund_id": refund.id}


@router.get("/stats")
async def order_stats(session: Session, admin: Admin):
    result = await session.execute(select(Order.state, Order.total_cents))
    by_state: dict[str, dict[str, int]] = {}
    for state, total in result.all():
        bucket = by_state.setdefault(state, {"count": 0, "total_cents": 0})
        bucket["count"] += 1
        bucket["total_cents"] += total
    return by_state
