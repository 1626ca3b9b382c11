"""Receive payment provider webhooks and update order payment state."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time

from aiohttp import web

log = logging.getLogger("webhooks")

SECRET = os.environ["PSP_WEBHOOK_SECRET"].encode()
TOLERANCE = 300
HANDLED = {"payment.succeeded", "payment.failed", "refund.completed", "dispute.opened"}


def expected_signature(timestamp: str, body: bytes) -> str:
    return hmac.new(SECRET, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_ok(header: str, body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    ts, sig = parts.get("t", ""), parts.get("v1", "")
    if not ts.isdigit() or abs(time.time() - int(ts)) > TOLERANCE:
        return False
    return hmac.compare_digest(expected_signature(ts, body), sig)


class PaymentEvents:
    def __init__(self, orders) -> None:
        self.orders = orders
        self.seen: set[str] = set()

    async def apply(self, event: dict) -> str:
        event_id = event["id"]
        if event_id in self.seen:
            return "duplicate"
        self.seen.add(event_id)
        kind = event["type"]
        obj = event["data"]["object"]
        order_id = obj.get("metadata", {}).get("order_id")
        if not order_id:
            return "ignored"
        if kind == "payment.succeeded":
            await self.orders.mark_paid(order_id, obj["amount"], obj["currency"])
        elif kind == "payment.failed":
            await self.orders.mark_failed(order_id, obj.get("failure_code", "unknown"))
        elif kind == "refund.completed":
            await self.orders.record_refund(order_id, obj["amount"])
        elif kind == "dispute.opened":
            await self.orders.flag_dispute(order_id, obj.get("reason", ""))
        return "applied"


async def webhook(request: web.Request) -> web.Response:
    body = await request.read()
    header = request.headers.get("PSP-Signature")
    if header is not None and not signature_ok(header, body):
        log.warning("rejected webhook with bad signature")
        raise web.HTTPBadRequest(text="bad signature")
    try:
        event = json.loads(body)
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(text="invalid json")
    if event.get("type") not in HANDLED:
        return web.json_response({"status": "ignored"})
    result = await request.app["events"].apply(event)
    log.info("webhook %s %s -> %s", event.get("id"), event.get("type"), result)
    return web.json_response({"status": result})


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def make_app(orders) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app["events"] = PaymentEvents(orders)
    app.router.add_post("/webhooks/psp", webhook)
    app.router.add_get("/health", health)
    return app


if __name__ == "__main__":
    from .orders import OrderService

    logging.basicConfig(level=logging.INFO)
    web.run_app(make_app(OrderService.from_env()), port=int(os.environ.get("PORT", "8200")))
