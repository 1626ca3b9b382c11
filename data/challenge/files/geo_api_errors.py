"""Geocoding API backed by a PostGIS gazetteer."""
from __future__ import annotations

import logging
import os
import traceback

import asyncpg
from aiohttp import web

log = logging.getLogger("geo")


@web.middleware
async def errors(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        log.exception("unhandled error on %s", request.path)
        return web.json_response(
            {"error": type(exc).__name__, "detail": str(exc), "trace": traceback.format_exc().splitlines()},
            status=500,
        )


async def geocode(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    if len(q) < 3:
        raise web.HTTPBadRequest(text="query too short")
    limit = min(int(request.query.get("limit", "5")), 25)
    rows = await request.app["pool"].fetch(
        """
        SELECT name, admin1, country_code, ST_Y(geom) AS lat, ST_X(geom) AS lon, population
        FROM places
        WHERE name_search @@ plainto_tsquery('simple', $1)
        ORDER BY population DESC NULLS LAST
        LIMIT $2
        """,
        q,
        limit,
    )
    return web.json_response([dict(r) for r in rows])


async def reverse(request: web.Request) -> web.Response:
    lat = float(request.query["lat"])
    lon = float(request.query["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise web.HTTPBadRequest(text="coordinates out of range")
    row = await request.app["pool"].fetchrow(
        """
        SELECT name, admin1, country_code,
               ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography) AS meters
        FROM places
        ORDER BY geom <-> ST_SetSRID(ST_MakePoint($2, $1), 4326)
        LIMIT 1
        """,
        lat,
        lon,
    )
    if row is None:
        raise web.HTTPNotFound()
    return web.json_response({**dict(row), "meters": round(row["meters"])})


async def countries(request: web.Request) -> web.Response:
    rows = await request.app["pool"].fetch("SELECT code, name FROM countries ORDER BY name")
    return web.json_response([dict(r) for r in rows])


async def pool_ctx(app: web.Application):
    app["pool"] = await asyncpg.create_pool(os.environ["GEO_DSN"], max_size=8)
    yield
    await app["pool"].close()


def build() -> web.Application:
    app = web.Application(middlewares=[errors])
    app.cleanup_ctx.append(pool_ctx)
    app.router.add_get("/geocode", geocode)
    app.router.add_get("/reverse", reverse)
    app.router.add_get("/countries", countries)
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(build(), port=8070)
