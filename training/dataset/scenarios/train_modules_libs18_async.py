"""Train-only whole-module families (libs18 async set): async services in FastAPI / Starlette and aiohttp
with websockets and background tasks, each with exactly one weak statement among many safe ones, its
minimal fix as twin, and a ``@hardneg(10)`` builder of safe modules dense with look-alike idioms.

Covers: a websocket handler that accumulates a session transcript with no count or size cap (400) and an
asyncpg search filter built with an f-string (89).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pathlib", "shutil", "ssl", "tempfile", "weakref"}
compose, pair = _web.with_stdlib(_STDLIB)


def _kw(c):
    w = c.pick("room", "board", "session", "channel", "workspace", "lobby")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(),
        log=c.pick("log", "logger"),
        svc=c.pick("relay", "collab", "livechat", "notify", "hub"),
        maxn=c.pick(200, 500, 1000), maxb=c.pick("64 * 1024", "256 * 1024", "1024 * 1024"),
        ping=c.pick(15, 20, 30), ttl=c.pick(60, 300, 900),
        reg=c.pick("_connections", "_peers", "_clients"),
        bg=c.pick("_background", "_tasks", "_pending"),
    )


# ---------------- shared safe parts (framework-specific) ----------------


def _fa_parts(c, star=False):
    """Safe FastAPI/Starlette parts: health, metrics, a connection registry, a background sweeper."""
    if star:
        health = P("health", rank=3, body='''
            async def health(request: Request) -> JSONResponse:
                return JSONResponse({"status": "ok", "open": len($reg)})
        ''', imp="from starlette.requests import Request\nfrom starlette.responses import JSONResponse")
    else:
        health = P("health", rank=3, body='''
            @app.get("/healthz")
            async def health() -> dict:
                return {"status": "ok", "open": len($reg)}
        ''')
    parts = [
        health,
        P("registry", rank=1, imp="import asyncio\nfrom collections import defaultdict", const="$reg: dict[str, set] = defaultdict(set)\n$bg: set[asyncio.Task] = set()", body='''
            def spawn(coro) -> asyncio.Task:
                """Keep a reference to fire-and-forget tasks so they are not garbage-collected mid-run."""
                task = asyncio.create_task(coro)
                $bg.add(task)
                task.add_done_callback($bg.discard)
                return task
        '''),
        P("broadcast", rank=2, needs=["registry"], body='''
            async def broadcast($w_id: str, payload: dict) -> int:
                """Send ``payload`` to every socket of the $w; drop sockets that have gone away."""
                sent = 0
                for peer in list($reg[$w_id]):
                    try:
                        await peer.send_json(payload)
                        sent += 1
                    except Exception:
                        $log.info("dropping closed peer in $w %s", $w_id)
                        $reg[$w_id].discard(peer)
                return sent
        '''),
        P("sweeper", rank=2, needs=["registry"], imp="import asyncio\nimport time", const="IDLE_SECONDS = $ttl\n_last_seen: dict[str, float] = {}", body='''
            async def sweep_idle() -> None:
                """Background loop: forget $ws nobody has touched for IDLE_SECONDS."""
                while True:
                    await asyncio.sleep(IDLE_SECONDS / 4)
                    cutoff = time.monotonic() - IDLE_SECONDS
                    for $w_id, seen in list(_last_seen.items()):
                        if seen < cutoff and not $reg.get($w_id):
                            _last_seen.pop($w_id, None)
                            $log.debug("forgot idle $w %s", $w_id)
        '''),
        P("validate", rank=1, imp="import re", const='ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")', body='''
            def valid_id(value: str) -> bool:
                return ID_RE.fullmatch(value) is not None
        '''),
    ]
    return parts


def _aio_parts(c):
    return [
        P("health", rank=3, body='''
            async def health(request: web.Request) -> web.Response:
                return web.json_response({"status": "ok"})
        '''),
        P("cleanup", rank=2, imp="import asyncio\nimport contextlib", body='''
            async def background_jobs(app: web.Application):
                """cleanup_ctx: start the periodic job with the app and cancel it on shutdown."""
                task = asyncio.create_task(periodic_flush(app))
                yield
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        ''', needs=["flush"]),
        P("flush", rank=1, imp="import asyncio", const="FLUSH_SECONDS = $ping", body='''
            async def periodic_flush(app: web.Application) -> None:
                while True:
                    await asyncio.sleep(FLUSH_SECONDS)
                    $log.debug("flush tick, %d open sockets", len(app["sockets"]))
        '''),
        P("validate", rank=1, imp="import re", const='ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")', body='''
            def valid_id(value: str) -> bool:
                return ID_RE.fullmatch(value) is not None
        '''),
    ]


# ---------------- CWE-400: websocket transcript accumulated with no cap ----------------

_WS_CAP = {
    "count": ('if len($buf) >= MAX_MESSAGES:\n    await $close\n    break\n', "MAX_MESSAGES = $maxn"),
    "bytes": ('if total + len($item) > MAX_TRANSCRIPT_BYTES:\n    await $close\n    break\ntotal += len($item)\n',
              "MAX_TRANSCRIPT_BYTES = $maxb"),
}


def _ind(text, n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in text.split("\n")).rstrip("\n")


def _ws_core(c, kw, fw, cap):
    """The websocket endpoint; $FIX is the cap (empty in the weak version) right before the append."""
    buf = c.pick("transcript", "lines", "history", "frames")
    if fw == "aiohttp":
        item, close = "msg.data", "ws.close(code=WSCloseCode.MESSAGE_TOO_BIG)"
        body = '''
            async def $w_socket(request: web.Request) -> web.WebSocketResponse:
                $w_id = request.match_info["$w_id"]
                if not valid_id($w_id):
                    raise web.HTTPNotFound()
                ws = web.WebSocketResponse(heartbeat=$ping)
                await ws.prepare(request)
                request.app["sockets"].add(ws)
                $buf: list[str] = []$XTOTAL
                try:
                    async for msg in ws:
                        if msg.type != WSMsgType.TEXT:
                            continue
            $FIX
                        await ws.send_json({"ack": len($buf)})
                finally:
                    request.app["sockets"].discard(ws)
                $log.info("$w %s closed after %d messages", $w_id, len($buf))
                await store_transcript($w_id, $buf)
                return ws
        '''
        ind = 12
        imp = "from aiohttp import WSCloseCode, WSMsgType, web"
    else:
        item, close = "text", "websocket.close(code=1009)"
        deco = "" if fw == "starlette" else '@app.websocket("/ws/{$w_id}")\n'
        sig = ("async def $w_socket(websocket: WebSocket) -> None:\n    $w_id = websocket.path_params[\"$w_id\"]"
               if fw == "starlette" else "async def $w_socket(websocket: WebSocket, $w_id: str) -> None:")
        loop = c.pick("while", "iter")
        if loop == "while":
            head = "while True:\n    try:\n        text = await websocket.receive_text()\n    except WebSocketDisconnect:\n        break"
        else:
            head = "async for text in websocket.iter_text():"
        body = deco + sig + '''
    if not valid_id($w_id):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    $reg[$w_id].add(websocket)
    $buf: list[str] = []$XTOTAL
    try:
''' + _ind(head, 8) + '''
$FIX
            await websocket.send_json({"ack": len($buf)})
    finally:
        $reg[$w_id].discard(websocket)
    $log.info("$w %s closed after %d messages", $w_id, len($buf))
    spawn(store_transcript($w_id, $buf))
'''
        ind = 12
        imp = "from starlette.websockets import WebSocket, WebSocketDisconnect" if fw == "starlette" else \
            "from fastapi import WebSocket, WebSocketDisconnect"
    check, const = _WS_CAP[cap]
    app_line = "$buf.append(" + item + ")"
    fix = _ind(fill(check + app_line, buf=buf, item=item, close=close), ind)
    vfix = _ind(fill(app_line + "  #@V", buf=buf), ind)
    kw2 = dict(kw, buf=buf)
    # the cap constant and the byte counter exist only in the fixed version (no unused cue in the weak one)
    vsub = {"$FIX": vfix, "\n$XCAP": "", "$XTOTAL": ""}
    ssub = {"$FIX": fix, "\n$XCAP": "\n" + fill(const, **kw2),
            "$XTOTAL": "\n    total = 0" if cap == "bytes" else ""}
    store = P("store", rank=1, imp="import json\nfrom pathlib import Path",
              const='ARCHIVE_DIR = Path(os.environ.get("ARCHIVE_DIR", "/var/lib/$svc/archive"))', body='''
        async def store_transcript($w_id: str, lines: list[str]) -> None:
            """Archive a finished transcript as JSON lines (ids are validated before we get here)."""
            path = ARCHIVE_DIR / f"{$w_id}.jsonl"
            text = "".join(json.dumps({"line": line}) + "\\n" for line in lines)
            await asyncio.to_thread(path.write_text, text, encoding="utf-8")
    ''')
    store.imp += "\nimport asyncio\nimport os"
    ep = P("socket", rank=4, imp=imp, const="$XCAP", body=body, needs=["validate"] + ([] if fw == "aiohttp" else ["registry"]))
    return [ep, store], (vsub, ssub), kw2


def _frame(c, fw, kw):
    if fw == "fastapi":
        return P("frame", rank=0, imp="import logging\nfrom fastapi import FastAPI",
                 setup='app = FastAPI(title="$svc")')
    if fw == "starlette":
        return P("frame", rank=0, imp="import logging\nfrom starlette.applications import Starlette\nfrom starlette.routing import Route, WebSocketRoute")
    return P("frame", rank=0, imp="import logging\nfrom aiohttp import web")


def _star_tail(routes):
    return P("app", rank=9, tail="app = Starlette(routes=[\n" + "".join(f"    {r},\n" for r in routes) + "])")


def _aio_tail(routes, cleanup):
    return P("app", rank=9, tail="def create_app() -> web.Application:\n    app = web.Application()\n    app[\"sockets\"] = set()\n" + ("    app.cleanup_ctx.append(background_jobs)\n" if cleanup else "") + "".join(
        f"    app.router.{r}\n" for r in routes) + "    return app\n", needs=["cleanup"] if cleanup else [])


def _ws_module(c, fw, kw, vuln, cap, hn=False):
    parts, (vsub, ssub), kw2 = _ws_core(c, kw, fw, cap)
    frame = _frame(c, fw, kw2)
    if fw == "aiohttp":
        pool = _aio_parts(c)
        tail = _aio_tail(['add_get("/healthz", health)', 'add_get("/ws/{$w_id}", $w_socket)'], True)
        core = [frame, tail] + parts + [p for p in pool if p.key in ("validate", "health", "cleanup", "flush")]
        pool = []
    elif fw == "starlette":
        pool = [p for p in _fa_parts(c) if p.key not in ("health",)]
        tail = _star_tail(['WebSocketRoute("/ws/{$w_id}", $w_socket)'])
        core = [frame, tail] + parts
    else:
        pool = _fa_parts(c)
        core = [frame] + parts
    doc = c.pick("Live $w sockets for the $svc service: clients stream lines, the server acks and archives them.",
                 "$W websocket endpoint ($svc): collects a transcript per connection and archives it on close.",
                 "Realtime $ws: websocket handler, connection registry and background archiving.")
    logline = f'$log = logging.getLogger("$svc.{c.pick("ws", "live", "sockets")}")'
    if hn:
        return compose(c, doc, logline, core, pool, kw2, lo=70, hi=130, subs=[ssub])[0]
    v, s = compose(c, doc, logline, core, pool, kw2, lo=70, hi=130, subs=[vsub, ssub])
    return v, s.replace("  #@V", "").replace("  #@S", "")


@fam("mod18-ws-transcript-unbounded", "CWE-400", fws=["fastapi", "fastapi", "starlette", "aiohttp"], n=8, wrap=False)
def mod18_ws_unbounded(c):
    kw = _kw(c)
    v, s = _ws_module(c, c.fw, kw, True, c.pick("count", "bytes"))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="every websocket message is appended to an in-memory transcript with no count or size "
                      "limit, so one client can grow the server's memory without bound; the fix closes the "
                      "socket with 1009 once a cap is reached")


@hardneg(10)
def mod18_ws_unbounded_hn(c):
    kw = _kw(c)
    fw = c.pick("fastapi", "starlette", "aiohttp")
    code = _ws_module(c, fw, kw, False, c.pick("count", "bytes"), hn=True)
    return Spec(s=code, full=True, fw=fw,
                notes="websocket transcript capped by message count or total bytes; the socket is closed with "
                      "1009 when the cap is hit")


# ---------------- CWE-89: asyncpg search filter built with an f-string ----------------


def _pg_module(c, fw, kw, hn=False):
    col = c.pick("title", "name", "label", "topic")
    tbl = kw["w"] + "s"
    shape = c.pick("ilike", "eq")
    if shape == "ilike":
        vq = f'f"SELECT id, {col}, updated_at FROM {tbl} WHERE {col} ILIKE \'%{{term}}%\' ORDER BY updated_at DESC LIMIT 50"'
        sq = f'"SELECT id, {col}, updated_at FROM {tbl} WHERE {col} ILIKE $1 ORDER BY updated_at DESC LIMIT 50", f"%{{term}}%"'
    else:
        vq = f'f"SELECT id, {col}, updated_at FROM {tbl} WHERE owner = \'{{term}}\' ORDER BY updated_at DESC LIMIT 50"'
        sq = f'"SELECT id, {col}, updated_at FROM {tbl} WHERE owner = $1 ORDER BY updated_at DESC LIMIT 50", term'
    vfix = f"        rows = await conn.fetch({vq})  #@V"
    sfix = f"        rows = await conn.fetch({sq})"
    if fw == "aiohttp":
        ep = P("search", rank=4, body=f'''
            async def search(request: web.Request) -> web.Response:
                term = request.query.get("q", "").strip()  #@S
                if not term:
                    return web.json_response({{"results": []}})
                async with request.app["pool"].acquire() as conn:
            $FIX
                return web.json_response({{"results": [dict(r, updated_at=r["updated_at"].isoformat()) for r in rows]}})
        ''')
        tail = _aio_tail(['add_get("/healthz", health)', 'add_get("/search", search)', 'add_get("/$ws/{item_id}", get_one)'], True)
        tail.tail = tail.tail.replace('app["sockets"] = set()', 'app["sockets"] = set()\n    app.cleanup_ctx.append(db_pool)')
        extra = [P("dbpool", rank=2, imp="import asyncpg\nimport os", body='''
            async def db_pool(app: web.Application):
                app["pool"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=10)
                yield
                await app["pool"].close()
        '''), P("getone", rank=3, body=f'''
            async def get_one(request: web.Request) -> web.Response:
                try:
                    item_id = int(request.match_info["item_id"])
                except ValueError:
                    raise web.HTTPNotFound()
                async with request.app["pool"].acquire() as conn:
                    row = await conn.fetchrow("SELECT id, {col} FROM {tbl} WHERE id = $1", item_id)
                if row is None:
                    raise web.HTTPNotFound()
                return web.json_response(dict(row))
        ''')]
        core = [_frame(c, fw, kw), tail, ep] + extra + [p for p in _aio_parts(c) if p.key in ("health", "cleanup", "flush")]
        pool = []
    else:
        ep = P("search", rank=4, imp="from fastapi import Query", body=f'''
            @app.get("/search")
            async def search(term: str = Query("", max_length=100)) -> dict:  #@S
                if not term:
                    return {{"results": []}}
                async with app.state.pool.acquire() as conn:
            $FIX
                return {{"results": [dict(r) for r in rows]}}
        ''')
        extra = [P("lifespan", rank=0, imp="import asyncpg\nimport os\nfrom contextlib import asynccontextmanager", body='''
            @asynccontextmanager
            async def lifespan(app: FastAPI):
                app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=10)
                try:
                    yield
                finally:
                    await app.state.pool.close()


            app = FastAPI(title="$svc", lifespan=lifespan)
        '''), P("recent", rank=4, imp="from fastapi import BackgroundTasks", body=f'''
            @app.post("/$ws/{{item_id}}/touch", status_code=202)
            async def touch(item_id: int, tasks: BackgroundTasks) -> dict:
                tasks.add_task(mark_touched, item_id)
                return {{"queued": item_id}}


            async def mark_touched(item_id: int) -> None:
                async with app.state.pool.acquire() as conn:
                    await conn.execute("UPDATE {tbl} SET updated_at = now() WHERE id = $1", item_id)
        ''')]
        frame = P("frame", rank=0, imp="import logging\nfrom fastapi import FastAPI")
        core = [frame, ep] + extra
        pool = [p for p in _fa_parts(c) if p.key in ("health", "registry", "validate")]
    doc = c.pick("Search API for $ws (asyncpg pool).", "$W lookup endpoints of the $svc service, backed by PostgreSQL.",
                 "Async $w search with background bookkeeping.")
    logline = f'$log = logging.getLogger("$svc.{c.pick("search", "db", "api")}")'
    if hn:
        return compose(c, doc, logline, core, pool, kw, lo=60, hi=120, subs=[{"$FIX": sfix}])[0]
    return pair(c, doc, logline, core, pool, kw, vfix, sfix, lo=60, hi=120)


@fam("mod18-asyncpg-search-fstring", "CWE-89", fws=["fastapi", "fastapi", "aiohttp", "aiohttp"], n=8, wrap=False)
def mod18_pg_search(c):
    kw = _kw(c)
    v, s = _pg_module(c, c.fw, kw)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the search term is pasted into the SQL text with an f-string; the fix passes it as an "
                      "asyncpg $1 parameter")


@hardneg(10)
def mod18_pg_search_hn(c):
    kw = _kw(c)
    fw = c.pick("fastapi", "aiohttp")
    return Spec(s=_pg_module(c, fw, kw, hn=True), full=True, fw=fw,
                notes="every asyncpg query passes values as $1 parameters; SQL text is constant")
