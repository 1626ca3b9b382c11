"""Billing API: invoices and credit notes for tenant accounts."""
from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import Principal, principal
from .db import session_dep
from .models import Invoice
from .pdf import render_invoice_pdf

router = APIRouter(prefix="/billing")
log = logging.getLogger(__name__)

DB = Annotated[Session, Depends(session_dep)]
Me = Annotated[Principal, Depends(principal)]


class InvoiceSummary(BaseModel):
    id: int
    number: str
    issued_on: date
    total_cents: int
    currency: str
    paid: bool


def _summary(inv: Invoice) -> InvoiceSummary:
    return InvoiceSummary(
        id=inv.id, number=inv.number, issued_on=inv.issued_on,
        total_cents=inv.total_cents, currency=inv.currency, paid=inv.paid_at is not None,
    )


@router.get("/invoices", response_model=list[InvoiceSummary])
def list_invoices(db: DB, me: Me, year: int | None = None):
    stmt = select(Invoice).where(Invoice.tenant_id == me.tenant_id).order_by(Invoice.issued_on.desc())
    if year:
        stmt = stmt.where(Invoice.issued_on.between(date(year, 1, 1), date(year, 12, 31)))
    return [_summary(i) for i in db.scalars(stmt)]


@router.get("/invoices/{invoice_id}", response_model=InvoiceSummary)
def get_invoice(invoice_id: int, db: DB, me: Me):
    inv = db.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == me.tenant_id))
    if inv is None:
        raise HTTPException(404)
    return _summary(inv)


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(invoice_id: int, db: DB, me: Me):
    inv = db.get(Invoice, invoice_id)
    if inv is None:
        raise HTTPException(404)
    log.info("tenant %s downloaded invoice %s", me.tenant_id, inv.number)
    pdf = render_invoice_pdf(inv)
    return StreamingResponse(
        iter([pdf]),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{inv.number}.pdf"'},
    )


@router.get("/balance")
def balance(db: DB, me: Me):
    invoices = db.scalars(select(Invoice).where(Invoice.tenant_id == me.tenant_id, Invoice.paid_at.is_(None)))
    by_currency: dict[str, int] = {}
    for inv in invoices:
        by_currency[inv.currency] = by_currency.get(inv.currency, 0) + inv.total_cents
    return {"open": by_currency}


@router.post("/invoices/{invoice_id}/resend")
def resend(invoice_id: int, db: DB, me: Me):
    inv = db.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == me.tenant_id))
    if inv is None:
        raise HTTPException(404)
    inv.resend_requested = True
    db.commit()
    return {"queued": True}
