# @notes aiohttp bookmarks service; tag filter interpolated into an aiosqlite query (other queries parameterized)
"""Personal bookmarks service with tags (aiohttp + aiosqlite)."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from urllib.parse import urlparse

import aiosqlite
from aiohttp import web

log = logging.getLogger("bookmarks")

DB = os.environ.get("BOOKMARKS_DB", "bookmarks.db")


async def user_id(request: web.Request) -> int:
    uid = request.get("user_id")
    if uid is None:
        raise web.HTTPUnauthorized()
    return uid


async def list_bookmarks(request: web.Request) -> web.Response:
    uid = await user_id(request)
    tag = request.query.get("tag")
    sql = "SELECT b.id, b.url, b.title, b.created_at FROM bookmarks b WHERE b.user_id = ?"
    if tag:
        sql += f" AND b.id IN (SELECT bookmark_id FROM tags WHERE name = '{tag}')"  # @L CWE-89
    sql += " ORDER BY b.created_at DESC LIMIT 200"
    async with aiosqlite.connect(DB) as db:
        db.row_factory = aiosqlite.Row
        async with db.execute(sql, (uid,)) as cur:  # @L CWE-89
            rows = await cur.fetchall()
    return web.json_response([dict(r) for r in rows])


async def add_bookmark(request: web.Request) -> web.Response:
    uid = await user_id(request)
    data = await request.json()
    url = str(data.get("url", "")).strip()
    if urlparse(url).scheme not in ("http", "https"):
        raise web.HTTPBadRequest(text="url must be http(s)")
    title = str(data.get("title", url))[:200]
    tags = {str(t).strip().lower() for t in data.get("tags", []) if str(t).strip()}
    async with aiosqlite.connect(DB) as db:
        cur = await db.execute(
            "INSERT INTO bookmarks (user_id, url, title, created_at) VALUES (?, ?, ?, ?)",
            (uid, url, title, datetime.now(timezone.utc).isoformat()),
        )
        bookmark_id = cur.lastrowid
        await db.executemany("INSERT INTO tags (bookmark_id, name) VALUES (?, ?)", [(bookmark_id, t) for t in tags])
        await db.commit()
    return web.json_response({"id": bookmark_id}, status=201)


async def delete_bookmark(request: web.Request) -> web.Response:
    uid = await user_id(request)
    bid = int(request.match_info["id"])
    async with aiosqlite.connect(DB) as db:
        cur = await db.execute("DELETE FROM bookmarks WHERE id = ? AND user_id = ?", (bid, uid))
        await db.execute("DELETE FROM tags WHERE bookmark_id = ?", (bid,))
        await db.commit()
    if cur.rowcount == 0:
        raise web.HTTPNotFound()
    return web.Response(status=204)


async def tag_cloud(request: web.Request) -> web.Response:
    uid = await user_id(request)
    async with aiosqlite.connect(DB) as db:
        async with db.execute(
            "SELECT t.name, count(*) FROM tags t JOIN bookmarks b ON b.id = t.bookmark_id "
            "WHERE b.user_id = ? GROUP BY t.name ORDER BY 2 DESC LIMIT 50",
            (uid,),
        ) as cur:
            rows = await cur.fetchall()
    return web.json_response({name: n for name, n in rows})


def routes(app: web.Application) -> None:
    app.router.add_get("/bookmarks", list_bookmarks)
    app.router.add_post("/bookmarks", add_bookmark)
    app.router.add_delete("/bookmarks/{id:\\d+}", delete_bookmark)
    app.router.add_get("/tags", tag_cloud)
