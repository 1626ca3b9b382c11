# @notes clean: aiohttp fleet-tracking API; token middleware, asyncpg parameterized queries, vehicle lookups scoped to the caller's company
"""Fleet tracking API: vehicles, positions and trips for logistics customers."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone

import asyncpg
from aiohttp import web

log = logging.getLogger("fleet")


@web.middleware
async def auth_middleware(request: web.Request, handler):
    if request.path == "/healthz":
        return await handler(request)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise web.HTTPUnauthorized()
    row = await request.app["pool"].fetchrow(
        "SELECT company_id FROM api_tokens WHERE token_sha256 = encode(sha256($1::bytea), 'hex') AND revoked = false",
        header[7:].encode(),
    )
    if row is None:
        raise web.HTTPUnauthorized()
    request["company_id"] = row["company_id"]
    return await handler(request)


async def list_vehicles(request: web.Request) -> web.Response:
    rows = await request.app["pool"].fetch(
        "SELECT id, plate, model, active FROM vehicles WHERE company_id = $1 ORDER BY plate",
        request["company_id"],
    )
    return web.json_response([dict(r) for r in rows])


async def vehicle_positions(request: web.Request) -> web.Response:
    vehicle_id = int(request.match_info["vehicle_id"])
    hours = min(int(request.query.get("hours", "6")), 72)
    since = datetime.now(timezone.utc) - timedelta(hours=hours)
    rows = await request.app["pool"].fetch(
        """
        SELECT p.recorded_at, p.lat, p.lon, p.speed_kmh
        FROM positions p JOIN vehicles v ON v.id = p.vehicle_id
        WHERE v.id = $1 AND v.company_id = $2 AND p.recorded_at >= $3
        ORDER BY p.recorded_at
        """,
        vehicle_id,
        request["company_id"],
        since,
    )
    return web.json_response(
        [{"at": r["recorded_at"].isoformat(), "lat": r["lat"], "lon": r["lon"], "speed": r["speed_kmh"]} for r in rows]
    )


async def trips(request: web.Request) -> web.Response:
    day = request.query.get("day")
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=timezone.utc) if day else datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    except ValueError:
        raise web.HTTPBadRequest(text="day must be YYYY-MM-DD")
    rows = await request.app["pool"].fetch(
        """
        SELECT t.id, v.plate, t.started_at, t.ended_at, t.distance_km
        FROM trips t JOIN vehicles v ON v.id = t.vehicle_id
        WHERE v.company_id = $1 AND t.started_at >= $2 AND t.started_at < $2 + interval '1 day'
        ORDER BY t.started_at
        """,
        request["company_id"],
        start,
    )
    return web.json_response(
        [
            {"id": r["id"], "plate": r["plate"], "start": r["started_at"].isoformat(),
             "end": r["ended_at"].isoformat() if r["ended_at"] else None, "km": float(r["distance_km"] or 0)}
            for r in rows
        ]
    )


async def healthz(request: web.Request) -> web.Response:
    await request.app["pool"].fetchval("SELECT 1")
    return web.Response(text="ok")


async def init_pool(app: web.Application):
    app["pool"] = await asyncpg.create_pool(os.environ["FLEET_DSN"], min_size=2, max_size=10)
    yield
    await app["pool"].close()


def make_app() -> web.Application:
    app = web.Application(middlewares=[auth_middleware])
    app.cleanup_ctx.append(init_pool)
    app.add_routes([
        web.get("/vehicles", list_vehicles),
        web.get("/vehicles/{vehicle_id:\\d+}/positions", vehicle_positions),
        web.get("/trips", trips),
        web.get("/healthz", healthz),
    ])
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(make_app(), port=8090)
