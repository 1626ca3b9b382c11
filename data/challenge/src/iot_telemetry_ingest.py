# @notes aiohttp IoT ingest; device request body is base64-decoded and unpickled; device tokens are checked in constant time
"""Telemetry ingest service for field sensors."""
from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import pickle
import time
from collections import defaultdict
from typing import Any

from aiohttp import web

log = logging.getLogger("telemetry")

MAX_BODY = 256 * 1024


class DeviceRegistry:
    """In-memory registry of provisioned devices and their shared tokens."""

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._last_seen: dict[str, float] = {}

    def provision(self, device_id: str, token: str) -> None:
        self._tokens[device_id] = token

    def verify(self, device_id: str, token: str) -> bool:
        expected = self._tokens.get(device_id)
        if expected is None:
            return False
        return hmac.compare_digest(expected, token)

    def touch(self, device_id: str) -> None:
        self._last_seen[device_id] = time.time()

    def stale(self, older_than: float) -> list[str]:
        now = time.time()
        return [d for d, t in self._last_seen.items() if now - t > older_than]


class ReadingStore:
    def __init__(self) -> None:
        self._readings: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, device_id: str, readings: list[dict[str, Any]]) -> None:
        self._readings[device_id].extend(readings)
        del self._readings[device_id][:-1000]

    def latest(self, device_id: str) -> dict[str, Any] | None:
        items = self._readings.get(device_id)
        return items[-1] if items else None


registry = DeviceRegistry()
store = ReadingStore()


async def ingest(request: web.Request) -> web.Response:
    device_id = request.match_info["device_id"]
    token = request.headers.get("X-Device-Token", "")
    if not registry.verify(device_id, token):
        raise web.HTTPUnauthorized()
    if request.content_length and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=request.content_length)
    raw = await request.read()
    batch = pickle.loads(base64.b64decode(raw))  # @L CWE-502
    if not isinstance(batch, list):
        raise web.HTTPBadRequest(text="expected a list of readings")
    store.add(device_id, batch)
    registry.touch(device_id)
    log.debug("device %s sent %d readings", device_id, len(batch))
    return web.json_response({"accepted": len(batch)})


async def latest(request: web.Request) -> web.Response:
    device_id = request.match_info["device_id"]
    token = request.headers.get("X-Device-Token", "")
    if not registry.verify(device_id, token):
        raise web.HTTPUnauthorized()
    reading = store.latest(device_id)
    if reading is None:
        raise web.HTTPNotFound()
    return web.json_response(reading)


async def watchdog(app: web.Application) -> None:
    while True:
        await asyncio.sleep(60)
        for device in registry.stale(900):
            log.warning("device %s silent for 15 minutes", device)


async def on_startup(app: web.Application) -> None:
    app["watchdog"] = asyncio.create_task(watchdog(app))


async def on_cleanup(app: web.Application) -> None:
    app["watchdog"].cancel()


def make_app() -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/devices/{device_id}/telemetry", ingest)
    app.router.add_get("/devices/{device_id}/latest", latest)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(make_app(), port=8081)
