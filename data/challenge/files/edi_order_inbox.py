"""Receive XML purchase orders from retail partners and turn them into sales orders."""
from __future__ import annotations

import hmac
import logging
import os
from dataclasses import dataclass
from decimal import Decimal

import xmltodict
from flask import Flask, abort, jsonify, request

from .orders import create_sales_order

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
log = logging.getLogger("edi_inbox")

PARTNER_KEYS = {k: v for k, v in (item.split(":", 1) for item in os.environ.get("EDI_PARTNER_KEYS", "").split(",") if ":" in item)}


@dataclass
class PoLine:
    sku: str
    qty: int
    unit_price: Decimal


@dataclass
class PurchaseOrder:
    partner: str
    number: str
    ship_to: str
    lines: list[PoLine]


def authenticate(partner: str, key: str) -> bool:
    expected = PARTNER_KEYS.get(partner)
    return expected is not None and hmac.compare_digest(expected, key)


def parse_po(partner: str, body: bytes) -> PurchaseOrder:
    doc = xmltodict.parse(body, disable_entities=False)
    po = doc["PurchaseOrder"]
    raw_lines = po["Lines"]["Line"]
    if isinstance(raw_lines, dict):
        raw_lines = [raw_lines]
    lines = [PoLine(l["SKU"].strip(), int(l["Quantity"]), Decimal(l["UnitPrice"])) for l in raw_lines]
    ship = po.get("ShipTo", {})
    address = ", ".join(str(ship.get(k, "")) for k in ("Name", "Street", "City", "PostalCode", "Country") if ship.get(k))
    return PurchaseOrder(partner, po["@number"], address, lines)


@app.post("/edi/<partner>/orders")
def receive(partner: str):
    if not authenticate(partner, request.headers.get("X-Partner-Key", "")):
        abort(401)
    try:
        po = parse_po(partner, request.get_data())
    except (KeyError, TypeError, ValueError, xmltodict.expat.ExpatError) as exc:
        log.warning("partner %s sent an unreadable PO: %s", partner, type(exc).__name__)
        return jsonify({"error": "malformed purchase order"}), 400
    if not po.lines:
        return jsonify({"error": "purchase order has no lines"}), 422
    order_id = create_sales_order(
        partner=po.partner,
        reference=po.number,
        ship_to=po.ship_to,
        lines=[(l.sku, l.qty, l.unit_price) for l in po.lines],
    )
    log.info("partner %s PO %s -> sales order %s (%d lines)", partner, po.number, order_id, len(po.lines))
    return jsonify({"sales_order": order_id}), 201


@app.get("/edi/<partner>/ping")
def ping(partner: str):
    if not authenticate(partner, request.headers.get("X-Partner-Key", "")):
        abort(401)
    return jsonify({"partner": partner, "ok": True})


def totals(po: PurchaseOrder) -> dict[str, str]:
    amount = sum((l.unit_price * l.qty for l in po.lines), Decimal("0"))
    units = sum(l.qty for l in po.lines)
    return {"amount": f"{amount:.2f}", "units": str(units), "lines": str(len(po.lines))}
