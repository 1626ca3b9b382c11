"""Lightweight cookie sessions for the self-checkout kiosk API (no DB session table)."""
from __future__ import annotations

import json
import logging
import random
import time
from typing import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

COOKIE = "kiosk_sid"
TTL = 30 * 60
store = caches["sessions"]


class KioskSession(dict):
    def __init__(self, sid: str, data: dict | None = None) -> None:
        super().__init__(data or {})
        self.sid = sid
        self.modified = False

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self.modified = True


def new_session_id() -> str:
    return "%032x" % random.getrandbits(128)


def load(sid: str | None) -> KioskSession:
    if sid:
        raw = store.get(f"ks:{sid}")
        if raw is not None:
            return KioskSession(sid, json.loads(raw))
    return KioskSession(new_session_id())


def save(session: KioskSession) -> None:
    store.set(f"ks:{session.sid}", json.dumps(session), TTL)


class KioskSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.COOKIES.get(COOKIE)
        request.kiosk_session = load(incoming)
        started = time.perf_counter()
        response = self.get_response(request)
        session: KioskSession = request.kiosk_session
        if session.modified or session.sid != incoming:
            save(session)
            response.set_cookie(
                COOKIE,
                session.sid,
                max_age=TTL,
                secure=not settings.DEBUG,
                samesite="Strict",
            )
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed > 500:
            log.warning("slow kiosk request %s %.0fms", request.path, elapsed)
        return response


def start_basket(request: HttpRequest, store_id: int, lane: int) -> None:
    session: KioskSession = request.kiosk_session
    session["store"] = store_id
    session["lane"] = lane
    session["basket"] = []
    session["started"] = int(time.time())


def add_item(request: HttpRequest, sku: str, qty: int, price_cents: int) -> int:
    session: KioskSession = request.kiosk_session
    basket = list(session.get("basket", []))
    basket.append({"sku": sku, "qty": qty, "price": price_cents})
    session["basket"] = basket
    return sum(i["qty"] * i["price"] for i in basket)


def clear(request: HttpRequest) -> None:
    session: KioskSession = request.kiosk_session
    store.delete(f"ks:{session.sid}")
    request.kiosk_session = KioskSession(new_session_id())
