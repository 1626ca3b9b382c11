"""Coupon validation and redemption for the checkout service."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from flask import Blueprint, jsonify, request

from .carts import CartRepo
from .coupons import CouponRepo

bp = Blueprint("coupons", __name__)
logger = logging.getLogger("checkout.coupons")

carts = CartRepo()
coupons = CouponRepo()


@dataclass
class Outcome:
    ok: bool
    discount: Decimal = Decimal("0")
    message: str = ""


def evaluate(code: str, cart) -> Outcome:
    coupon = coupons.find(code.upper())
    now = datetime.now(timezone.utc)
    if coupon is None:
        return Outcome(False, message="Unknown code")
    if coupon.expires_at and coupon.expires_at < now:
        return Outcome(False, message="This code has expired")
    if coupon.max_uses and coupon.uses >= coupon.max_uses:
        return Outcome(False, message="This code has been used up")
    if cart.subtotal < coupon.minimum:
        return Outcome(False, message=f"Spend at least {coupon.minimum} to use this code")
    if coupon.percent:
        discount = (cart.subtotal * coupon.percent / 100).quantize(Decimal("0.01"))
    else:
        discount = min(coupon.amount, cart.subtotal)
    return Outcome(True, discount=discount, message="Code applied")


@bp.post("/cart/<cart_id>/coupon")
def apply_coupon(cart_id: str):
    payload = request.get_json(silent=True) or {}
    code = str(payload.get("code", "")).strip()
    cart = carts.get(cart_id)
    if cart is None:
        return jsonify({"error": "cart not found"}), 404
    outcome = evaluate(code, cart)
    if not outcome.ok:
        logger.warning(f"coupon rejected: code={code} cart={cart_id} reason={outcome.message}")
        return jsonify({"ok": False, "message": outcome.message}), 422
    cart.coupon_code = code.upper()
    cart.discount = outcome.discount
    carts.save(cart)
    logger.info("coupon applied to cart %s (discount %s)", cart.id, outcome.discount)
    return jsonify({"ok": True, "discount": str(outcome.discount), "total": str(cart.subtotal - outcome.discount)})


@bp.delete("/cart/<cart_id>/coupon")
def remove_coupon(cart_id: str):
    cart = carts.get(cart_id)
    if cart is None:
        return jsonify({"error": "cart not found"}), 404
    cart.coupon_code = None
    cart.discount = Decimal("0")
    carts.save(cart)
    return jsonify({"ok": True})


@bp.post("/cart/<cart_id>/redeem")
def redeem(cart_id: str):
    cart = carts.get(cart_id)
    if cart is None or not cart.coupon_code:
        return jsonify({"error": "nothing to redeem"}), 400
    coupon = coupons.find(cart.coupon_code)
    if coupon is None:
        return jsonify({"error": "coupon vanished"}), 409
    coupons.increment_use(coupon.code)
    return jsonify({"ok": True})
