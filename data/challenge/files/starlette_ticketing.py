"""Event ticketing API (Starlette): availability, holds and purchases."""
from __future__ import annotations

import logging
import time
import traceback
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .inventory import SeatInventory, SoldOut

log = logging.getLogger("ticketing")
inventory = SeatInventory()

HOLD_SECONDS = 600


async def availability(request: Request) -> JSONResponse:
    event_id = int(request.path_params["event_id"])
    sections = inventory.available_by_section(event_id)
    return JSONResponse({"event": event_id, "sections": sections})


async def hold(request: Request) -> JSONResponse:
    event_id = int(request.path_params["event_id"])
    body = await request.json()
    section = str(body["section"])
    qty = int(body.get("qty", 1))
    if not 1 <= qty <= 8:
        return JSONResponse({"error": "you can hold 1-8 seats"}, status_code=400)
    client = request.headers.get("X-Client-App", "unknown")
    log.info("hold request event=" + str(event_id) + " section=" + section + " client=" + client)
    try:
        seats = inventory.hold(event_id, section, qty, ttl=HOLD_SECONDS)
    except SoldOut:
        return JSONResponse({"error": "not enough seats left"}, status_code=409)
    hold_id = uuid.uuid4().hex
    inventory.register_hold(hold_id, seats, expires=time.time() + HOLD_SECONDS)
    return JSONResponse({"hold": hold_id, "seats": seats, "expires_in": HOLD_SECONDS}, status_code=201)


async def purchase(request: Request) -> JSONResponse:
    hold_id = request.path_params["hold_id"]
    body = await request.json()
    held = inventory.get_hold(hold_id)
    if held is None or held.expires < time.time():
        return JSONResponse({"error": "hold expired"}, status_code=410)
    order = inventory.purchase(hold_id, buyer_email=str(body["email"]), payment_token=str(body["payment_token"]))
    return JSONResponse({"order": order.id, "seats": order.seats, "total_cents": order.total_cents})


async def release(request: Request) -> JSONResponse:
    hold_id = request.path_params["hold_id"]
    released = inventory.release(hold_id)
    return JSONResponse({"released": released})


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s", request.url.path)
    return JSONResponse(
        {"error": repr(exc), "trace": traceback.format_exception(exc)},
        status_code=500,
    )


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "holds": inventory.active_holds()})


routes = [
    Route("/events/{event_id:int}/availability", availability),
    Route("/events/{event_id:int}/holds", hold, methods=["POST"]),
    Route("/holds/{hold_id}/purchase", purchase, methods=["POST"]),
    Route("/holds/{hold_id}", release, methods=["DELETE"]),
    Route("/health", health),
]

app = Starlette(routes=routes, exception_handlers={Exception: server_error})


def sweep_expired() -> int:
    now = time.time()
    n = 0
    for hold_id in inventory.expired_holds(now):
        inventory.release(hold_id)
        n += 1
    return n
