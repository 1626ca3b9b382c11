# @notes guest shopping cart kept in a cookie as base64-encoded pickle and unpickled on every request
"""Guest cart stored client-side so anonymous shoppers don't need a session row."""
from __future__ import annotations

import base64
import logging
import pickle
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, g, jsonify, request

from .catalog import Catalog

bp = Blueprint("guest_cart", __name__, url_prefix="/cart")
log = logging.getLogger(__name__)
catalog = Catalog()

COOKIE = "gcart"
MAX_LINES = 50


@dataclass
class CartLine:
    sku: str
    qty: int


@dataclass
class GuestCart:
    lines: list[CartLine] = field(default_factory=list)
    currency: str = "EUR"

    def add(self, sku: str, qty: int) -> None:
        for line in self.lines:
            if line.sku == sku:
                line.qty = min(line.qty + qty, 99)
                return
        if len(self.lines) >= MAX_LINES:
            raise ValueError("cart is full")
        self.lines.append(CartLine(sku, min(qty, 99)))

    def remove(self, sku: str) -> None:
        self.lines = [l for l in self.lines if l.sku != sku]

    def total(self) -> Decimal:
        return sum((catalog.price(l.sku) * l.qty for l in self.lines), Decimal("0"))


def load_cart() -> GuestCart:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return GuestCart()
    try:
        cart = pickle.loads(base64.urlsafe_b64decode(raw))  # @L CWE-502
    except Exception:
        log.info("discarding unreadable guest cart cookie")
        return GuestCart()
    return cart if isinstance(cart, GuestCart) else GuestCart()


def dump_cart(cart: GuestCart) -> str:
    return base64.urlsafe_b64encode(pickle.dumps(cart)).decode()


@bp.before_app_request
def attach_cart() -> None:
    g.cart = load_cart()


def _respond(cart: GuestCart):
    resp = jsonify(
        {
            "lines": [{"sku": l.sku, "qty": l.qty, "title": catalog.title(l.sku)} for l in cart.lines],
            "total": str(cart.total()),
            "currency": cart.currency,
        }
    )
    resp.set_cookie(COOKIE, dump_cart(cart), max_age=14 * 86400, secure=True, httponly=True, samesite="Lax")
    return resp


@bp.get("")
def show():
    return _respond(g.cart)


@bp.post("/lines")
def add_line():
    data = request.get_json(force=True) or {}
    sku = str(data.get("sku", ""))
    qty = int(data.get("qty", 1))
    if not catalog.exists(sku) or qty < 1:
        return jsonify({"error": "unknown product or bad quantity"}), 400
    try:
        g.cart.add(sku, qty)
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 409
    return _respond(g.cart)


@bp.delete("/lines/<sku>")
def remove_line(sku: str):
    g.cart.remove(sku)
    return _respond(g.cart)
