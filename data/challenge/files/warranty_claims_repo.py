"""Warranty claims data access for the after-sales portal."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, text

from .extensions import db

log = logging.getLogger(__name__)

SORTABLE = {"opened": "c.opened_on", "product": "p.name", "status": "c.status"}


@dataclass
class ClaimRow:
    id: int
    serial: str
    product: str
    status: str
    opened_on: date


def search_claims(dealer_id: int, serial_prefix: str = "", statuses: list[str] | None = None, sort: str = "opened") -> list[ClaimRow]:
    order_by = SORTABLE.get(sort, SORTABLE["opened"])
    sql = f"""
        SELECT c.id, c.serial, p.name AS product, c.status, c.opened_on
        FROM warranty_claims c JOIN products p ON p.id = c.product_id
        WHERE c.dealer_id = :dealer
          AND c.serial LIKE :serial
          AND (:any_status OR c.status IN :statuses)
        ORDER BY {order_by} DESC
        LIMIT 500
    """
    stmt = text(sql).bindparams(bindparam("statuses", expanding=True))
    params = {
        "dealer": dealer_id,
        "serial": serial_prefix.replace("%", r"\%").replace("_", r"\_") + "%",
        "any_status": not statuses,
        "statuses": statuses or ["__none__"],
    }
    rows = db.session.execute(stmt, params).all()
    return [ClaimRow(r.id, r.serial, r.product, r.status, r.opened_on) for r in rows]


def warranty_valid(serial: str, on: date | None = None) -> bool:
    on = on or date.today()
    row = db.session.execute(
        text("SELECT sold_on, warranty_months FROM units WHERE serial = :serial"), {"serial": serial}
    ).first()
    if row is None:
        return False
    return on <= row.sold_on + timedelta(days=30 * row.warranty_months)


def open_claim(dealer_id: int, serial: str, description: str) -> int:
    if not warranty_valid(serial):
        raise ValueError("unit is out of warranty")
    result = db.session.execute(
        text(
            """
            INSERT INTO warranty_claims (dealer_id, serial, product_id, status, description, opened_on)
            SELECT :dealer, u.serial, u.product_id, 'open', :description, CURRENT_DATE
            FROM units u WHERE u.serial = :serial
            RETURNING id
            """
        ),
        {"dealer": dealer_id, "serial": serial, "description": description[:2000]},
    )
    claim_id = result.scalar_one()
    db.session.commit()
    log.info("dealer %s opened claim %s", dealer_id, claim_id)
    return claim_id


def close_stale(days: int = 90) -> int:
    result = db.session.execute(
        text("UPDATE warranty_claims SET status = 'closed' WHERE status = 'waiting_customer' AND opened_on < :cutoff"),
        {"cutoff": date.today() - timedelta(days=days)},
    )
    db.session.commit()
    return result.rowcount
