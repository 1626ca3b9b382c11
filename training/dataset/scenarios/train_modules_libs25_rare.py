"""Train-only whole-module families for labels with few whole-module examples: a Quart JSON API
whose catch-all error handler returns the exception text (209), unsubscribe links whose token is a
truncated hash of the address and the clock (330), a Flask admin page passing a user-chosen
``git log`` range to git (77) and a nightly SQLite dump made group/world readable (732). One weak
statement per module, its minimal fix as twin; safe look-alike modules as hard negatives.
"""
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill, compose as _compose, pair as _pair

import scenarios.train_modules_safe_web as _web

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "shlex", "shutil", "sqlite3", "subprocess", "stat", "tempfile",
                          "gzip", "tarfile", "zipfile"}


def compose(*a, **k):
    k.setdefault("stdlib", _STDLIB)
    return _compose(*a, **k)


def pair(*a, **k):
    k.setdefault("stdlib", _STDLIB)
    return _pair(*a, **k)


# ---------------- CWE-209: Quart errorhandler(Exception) returning repr(exc) ----------------


def _q_kw(c):
    w = c.pick("shipment", "ticket", "booking", "invoice", "sensor", "parcel")
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"),
                bp=c.pick("api", "v1", "public_api"), table=w + "s",
                handler=c.pick("handle_unexpected", "on_error", "json_error", "internal_error"),
                dsn=c.pick("DATABASE_URL", "PG_DSN", "DB_DSN"))


def _q_parts(c):
    core = [
        P("app", rank=0, imp="import logging\nimport os\nfrom quart import Quart, jsonify, request",
          const='$dsn = os.environ["$dsn"]', setup="app = Quart(__name__)"),
        P("get", rank=2, body='''
            @app.get("/$ws/<int:$w_id>")
            async def get_$w($w_id: int):
                row = await fetch_one("SELECT id, status, updated_at FROM $table WHERE id = $1", $w_id)
                if row is None:
                    return jsonify(error="not found"), 404
                return jsonify(dict(row))
        '''),
        P("handler", rank=3, body='''
            @app.errorhandler(Exception)
            async def $handler(exc: Exception):
                """Last-resort handler: every uncaught error becomes a JSON 500."""
                $FIX
        '''),
        P("db", rank=1, imp="import asyncpg", setup="_pool = None", body='''
            async def fetch_one(query: str, *args):
                global _pool
                if _pool is None:
                    _pool = await asyncpg.create_pool($dsn, min_size=1, max_size=$pool_size)
                async with _pool.acquire() as conn:
                    return await conn.fetchrow(query, *args)
        '''),
    ]
    pool = [
        P("http", rank=3, imp="from werkzeug.exceptions import HTTPException", body='''
            @app.errorhandler(HTTPException)
            async def http_error(exc: HTTPException):
                return jsonify(error=exc.name), exc.code
        '''),
        P("list", rank=2, body='''
            @app.get("/$ws")
            async def list_$ws():
                limit = min(int(request.args.get("limit", 50)), 200)
                rows = await fetch_all("SELECT id, status FROM $table ORDER BY id DESC LIMIT $1", limit)
                return jsonify(items=[dict(r) for r in rows])
        ''', needs=["fetchall"]),
        P("fetchall", rank=1, needs=["db"], body='''
            async def fetch_all(query: str, *args):
                async with _pool.acquire() as conn:
                    return await conn.fetch(query, *args)
        '''),
        P("health", rank=2, body='''
            @app.get("/healthz")
            async def healthz():
                return jsonify(status="ok")
        '''),
        P("status", rank=2, body='''
            @app.post("/$ws/<int:$w_id>/status")
            async def set_status($w_id: int):
                body = await request.get_json()
                status = (body or {}).get("status")
                if status not in {"open", "held", "closed"}:
                    return jsonify(error="invalid status"), 400
                await fetch_one("UPDATE $table SET status = $1 WHERE id = $2 RETURNING id", status, $w_id)
                return jsonify(ok=True)
        '''),
    ]
    return core, pool


_Q_SAFE = ['''error_id = uuid.uuid4().hex[:12]
    $log.exception("unhandled error %s on %s", error_id, request.path)
    return jsonify(error="internal server error", error_id=error_id), 500''',
           '''ref = secrets.token_hex(6)
    $log.error("unhandled error ref=%s", ref, exc_info=exc)
    return jsonify(error="something went wrong", reference=ref), 500''']


def _q_fix_imports(code):
    for mod in ("uuid", "secrets", "traceback"):
        if f"{mod}." in code and f"import {mod}" not in code:
            code = code.replace("import logging", f"import logging\nimport {mod}", 1)
    return code


@fam("mod25-quart-errorhandler-repr-exc", "CWE-209", fws=["flask"], n=8, wrap=False)
def mod25_quart_errorhandler(c):
    kw = _q_kw(c)
    kw["pool_size"] = c.pick(4, 5, 10)
    core, pool = _q_parts(c)
    vfix = c.pick('''$log.error("unhandled error on %s", request.path)
    return jsonify(error="internal error", detail=repr(exc)), 500  #@V''',
                  '''return jsonify(error=type(exc).__name__, trace=traceback.format_exc()), 500  #@V''',
                  '''$log.warning("request failed: %s", exc)
    return jsonify(error="internal error", message=repr(exc), path=request.path), 500  #@V''')
    sfix = c.pick(*_Q_SAFE)
    v, s = pair(c, c.pick("JSON API of the $w tracker (Quart + asyncpg).", "Async $w service: read and update $ws."),
                '$log = logging.getLogger("$w.api")', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw), lo=60, hi=100)
    return Spec(v=_q_fix_imports(v), s=_q_fix_imports(s), full=True, fw="flask",
                notes="the catch-all Quart error handler returns repr(exc)/the traceback to the client: asyncpg "
                      "errors carry the DSN host and SQL text, OSErrors carry file paths; the fix logs the "
                      "exception server-side and returns a generic message with an error id")


@hardneg(6)
def mod25_quart_errorhandler_hn(c):
    kw = _q_kw(c)
    kw["pool_size"] = c.pick(4, 5, 10)
    core, pool = _q_parts(c)
    code = compose(c, "JSON API of the $w service (Quart).", '$log = logging.getLogger("$w.api")', core, pool, kw,
                   lo=60, hi=100, subs=[{"$FIX": fill(c.pick(*_Q_SAFE), **kw)}])[0]
    return Spec(s=_q_fix_imports(code), full=True, fw="flask",
                notes="Quart catch-all handler logs the exception and returns a generic message with an error id")
