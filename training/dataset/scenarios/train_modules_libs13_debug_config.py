"""Train-only whole-module families on application factories and settings modules (libs13 set, mod13-*):
realistic modules of about 80-110 lines (Quart and Sanic factories, FastAPI lifespans with pydantic-settings,
a Flask server-side session interface, a Quart operations blueprint) with exactly one weak statement each,
and a twin that differs only by the minimal fix.

- mod13-quart-serve-profile-debug (489): the Quart entry point runs the production profile with
  ``app.run(..., debug=True)`` (a per-profile options table, a production branch, or a ``partial``).
- mod13-fastapi-lifespan-sql-trace-default (215): a pydantic-settings flag that turns the SQLAlchemy engine
  logger to DEBUG (statements, parameters and result rows) defaults to on, so production logs every row.
- mod13-fastapi-sliding-session-httponly (1004): an HTTP middleware re-issues the session id cookie on every
  response without HttpOnly (Starlette's ``set_cookie`` defaults it off).
- mod13-flask-redis-session-interface-secure (614): a custom Flask ``SessionInterface`` writes the session
  cookie without ``secure=self.get_cookie_secure(app)``, so SESSION_COOKIE_SECURE is ignored.
- mod13-sanic-error-handler-detail (209): a Sanic ``ErrorHandler`` subclass answers unexpected errors with
  the exception text or traceback.
- mod13-quart-ops-diagnostics-config (200): an operations blueprint's diagnostics endpoint returns the whole
  app config (secret key, database URL) or the process environment.

The optional parts of each module are drawn per rendering (``_opt``, ``_iopt``), so the eight renderings differ
in their set of functions, not only in names. Written without reading the held-out or validation families;
every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, _w, sub_nested
from registry import fam, hardneg


def _s(_tmpl, **kw):
    """``module_kit.sub_nested`` with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


def _iopt(c, *blocks, least=1, most=None, sep="\n\n"):
    """Like ``_opt`` for blocks nested in a function body: indented by four spaces."""
    text = _opt(c, *blocks, least=least, most=most).replace("\n\n\n", sep)
    if not text:
        return ""
    return "\n".join(("    " + l) if l.strip() else "" for l in text.split("\n")) + "\n"


# ---------------- CWE-489: Quart entry point runs the production profile with debug=True ----------------

_QUART_RUN = r'''
"""$Title service (Quart): the application factory, the run options per profile and the entry point.

``create_app`` builds the app for a named profile; ``serve`` is what the container runs
(``python -m $pkg.app``), with Quart's built-in Hypercorn server."""
from __future__ import annotations

import logging
import os$fimp
from quart import Quart, jsonify, request

from .db import close_pool, open_pool
from .$bpmod import bp as $bpname

log = logging.getLogger(__name__)

PROFILES = ("development", "testing", "production")


def _env_flag(name: str, default: bool = False) -> bool:
    """A boolean from the environment: 1/true/yes/on."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _port() -> int:
    return int(os.environ.get("PORT", "$port"))
$table

def create_app(profile: str | None = None) -> Quart:
    """The Quart app for ``profile`` ($ENVVAR, default production)."""
    profile = profile or os.environ.get("$ENVVAR", "production")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}")
    app = Quart(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ["$PREFIX_SECRET_KEY"],
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgresql://localhost/$db"),
        MAX_CONTENT_LENGTH=$maxmb * 1024 * 1024,
        PROFILE=profile,
    )
    app.register_blueprint($bpname, url_prefix="/$prefix")

    @app.before_serving
    async def _startup() -> None:
        app.db_pool = await open_pool(app.config["DATABASE_URL"])
        log.info("$w service started (%s)", profile)

    @app.after_serving
    async def _shutdown() -> None:
        await close_pool(app.db_pool)

$inner
    return app


$serve


$opts


if __name__ == "__main__":
    serve()
'''

_QUART_INNER = [r'''
@app.get("/healthz")
async def healthz():
    return jsonify(status="ok", profile=profile)
''', r'''
@app.after_request
async def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
''', r'''
@app.errorhandler(404)
async def _not_found(error):
    return jsonify(error="not found", path=request.path), 404
''']

_QUART_OPTS = [r'''
def configure_logging(level: str | None = None) -> None:
    """Plain-text logs on stderr; LOG_LEVEL overrides the default."""
    logging.basicConfig(level=level or os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
''', r'''
def describe(app: Quart) -> dict:
    """What the deploy script prints after a release (no secrets)."""
    return {"profile": app.config["PROFILE"], "blueprints": sorted(app.blueprints),
            "max_upload_mb": app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)}
''', r'''
async def check_database(app: Quart) -> bool:
    """Readiness probe used by the orchestrator."""
    try:
        async with app.db_pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except Exception:
        log.warning("database not reachable", exc_info=True)
        return False
    return True
''']


def _quart_run(c, safe, hn=False):
    w, W = _w(c)
    travel = c.pick("table", "branch", "partial")
    dbg = "debug=False" if safe else "debug=True"
    mark = "" if safe else "  #@V"
    fimp = ""
    table = ""
    if travel == "table":
        table = ("\n\nRUN_OPTIONS = {\n"
                 '    "development": dict(host="127.0.0.1", port=_port(), use_reloader=True, debug=_env_flag("QUART_DEBUG")),\n'
                 '    "testing": dict(host="127.0.0.1", port=_port(), use_reloader=False, debug=False),\n'
                 f'    "production": dict(host="0.0.0.0", port=_port(), use_reloader=False, {dbg}),{mark}\n'
                 "}\n")
        serve = ('def serve(profile: str | None = None) -> None:\n'
                 '    """Run the app with the options of its profile."""\n'
                 '    app = create_app(profile)\n'
                 '    options = RUN_OPTIONS[app.config["PROFILE"]]\n'
                 '    log.info("serving %s on %s:%s", app.config["PROFILE"], options["host"], options["port"])\n'
                 '    app.run(**options)')
    elif travel == "branch":
        serve = ('def serve(profile: str | None = None) -> None:\n'
                 '    """Run the app: loopback and the reloader locally, all interfaces in production."""\n'
                 '    app = create_app(profile)\n'
                 '    if app.config["PROFILE"] == "production":\n'
                 '        log.info("serving production on 0.0.0.0:%d", _port())\n'
                 f'        app.run(host="0.0.0.0", port=_port(), use_reloader=False, {dbg}){mark}\n'
                 '    else:\n'
                 '        app.run(host="127.0.0.1", port=_port(), use_reloader=True, debug=_env_flag("QUART_DEBUG", True))')
    else:
        fimp = "\nfrom functools import partial"
        serve = ('def _runner(app: Quart):\n'
                 '    """The bound run call for the app\'s profile."""\n'
                 '    if app.config["PROFILE"] == "production":\n'
                 f'        return partial(app.run, host="0.0.0.0", port=_port(), use_reloader=False, {dbg}){mark}\n'
                 '    return partial(app.run, host="127.0.0.1", port=_port(), use_reloader=True,\n'
                 '                   debug=_env_flag("QUART_DEBUG"))\n\n\n'
                 'def serve(profile: str | None = None) -> None:\n'
                 '    app = create_app(profile)\n'
                 '    run = _runner(app)\n'
                 '    log.info("starting %s (%s)", app.name, app.config["PROFILE"])\n'
                 '    run()')
    inner = _iopt(c, *_QUART_INNER, least=1)
    opts = _opt(c, *_QUART_OPTS, least=1, most=2)
    if hn:
        opts += ("\n\n\ndef serve_local() -> None:\n"
                 '    """For a laptop: the debugger on the loopback interface only."""\n'
                 '    create_app("development").run(host="127.0.0.1", port=_port(), debug=_env_flag("QUART_DEBUG", True))')
    return _s(_QUART_RUN, Title=W, w=w, pkg=w + c.pick("_svc", "_api", "s"), fimp=fimp, table=table, serve=serve,
              inner=inner, opts=opts, bpmod=c.pick("routes", "views", "api"), bpname=c.pick("api_bp", "routes", f"{w}_bp"),
              ENVVAR=c.pick("APP_PROFILE", "QUART_PROFILE", f"{w.upper()}_ENV"), PREFIX=w.upper(),
              db=w + "s", maxmb=c.pick(4, 8, 16), prefix=c.pick("api", f"{w}s", "v1"), port=c.pick(8000, 8080, 5000))


@fam("mod13-quart-serve-profile-debug", "CWE-489", fws=["quart"], n=8, wrap=False)
def mod13_quart_serve_profile_debug(c):
    v, s = _replayed(c, _quart_run)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="fw=quart. the production profile runs Quart with debug=True (from the options table, the production "
                      "branch or the bound partial): debug mode is active code in production, Quart then answers "
                      "unhandled errors with its traceback page and enables the reloader machinery; the fix pins "
                      "debug=False for production, leaving the debugger to the loopback development profile")


@hardneg(2)
def mod13_quart_serve_profile_debug_hn(c):
    return Spec(s=_quart_run(c, True, hn=True), full=True, fw="flask",
                notes="fw=quart. debug comes from an environment flag only in the development profile and the loopback-bound "
                      "local runner; production pins debug=False")


# ---------------- CWE-215: pydantic-settings flag for SQL tracing defaults to on ----------------

_SQLTRACE = r'''
"""$Title API (FastAPI): settings, the database lifespan and the application factory.

Settings come from the environment (prefix ``$P_``) through pydantic-settings; the async engine is created
in the lifespan and disposed of on shutdown."""
from __future__ import annotations

import logging$limp
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import AsyncIterator

from fastapi import APIRouter, Depends, FastAPI, $fimpRequest$mimp
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .models import $Model

log = logging.getLogger(__name__)
router = APIRouter(prefix="/$ws")


class Settings(BaseSettings):
    """Runtime settings; every field can be set as $P_<FIELD> in the environment or the .env file."""

    model_config = SettingsConfigDict(env_prefix="$P_", env_file=".env", extra="ignore")

    environment: str = "production"
    database_url: str = "postgresql+asyncpg://$ws@localhost/$ws"
    pool_size: int = $pool
    log_level: str = "INFO"
    $flag: bool = $default$mark
$fields

@lru_cache
def get_settings() -> Settings:
    return Settings()


$trace


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    configure_sql_trace(settings)
    engine = create_async_engine(settings.database_url, pool_size=settings.pool_size, pool_pre_ping=True)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    log.info("database pool ready (%s)", settings.environment)
    try:
        yield
    finally:
        await engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


$routes


def create_app() -> FastAPI:
    settings = get_settings()
    docs = None if settings.environment == "production" else "/docs"
    app = FastAPI(title="$Title API", lifespan=lifespan, docs_url=docs, redoc_url=None)
$middleware    app.include_router(router)
    return app
'''

_SQLTRACE_ROUTES = [r'''
@router.get("")
async def list_$ws(limit: int = 50, session: AsyncSession = Depends(get_session)) -> list[dict]:
    rows = await session.scalars(select($Model).order_by($Model.id.desc()).limit(min(limit, 200)))
    return [{"id": o.id, "$field": o.$field} for o in rows]
''', r'''
@router.get("/{$w_id}")
async def get_$w($w_id: int, session: AsyncSession = Depends(get_session)) -> dict:
    obj = await session.get($Model, $w_id)
    if obj is None:
        raise HTTPException(status_code=404, detail="not found")
    return {"id": obj.id, "$field": obj.$field}
''', r'''
@router.get("/health/db", include_in_schema=False)
async def db_health(session: AsyncSession = Depends(get_session)) -> dict:
    await session.execute(text("SELECT 1"))
    return {"database": "ok"}
''']


def _sqltrace(c, safe, hn=False):
    w, W = _w(c)
    flag = c.pick("sql_trace", "db_trace", "trace_queries", "log_sql")
    travel = c.pick("setlevel", "dictconfig", "ifblock")
    limp = ""
    if travel == "setlevel":
        trace = (f'def configure_sql_trace(settings: Settings) -> None:\n'
                 f'    """The engine logger: at DEBUG it writes statements, parameters and result rows."""\n'
                 f'    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG if settings.{flag} else logging.WARNING)  #@V')
    elif travel == "dictconfig":
        limp = "\nimport logging.config"
        trace = (f'def configure_sql_trace(settings: Settings) -> None:\n'
                 f'    """Levels of the library loggers; SQLAlchemy\'s engine logger traces every query at DEBUG."""\n'
                 f'    logging.config.dictConfig({{\n'
                 f'        "version": 1,\n'
                 f'        "disable_existing_loggers": False,\n'
                 f'        "loggers": {{\n'
                 f'            "sqlalchemy.engine": {{"level": "DEBUG" if settings.{flag} else "WARNING"}},  #@V\n'
                 f'            "uvicorn.access": {{"level": "INFO"}},\n'
                 f'        }},\n'
                 f'    }})')
    else:
        trace = (f'def configure_sql_trace(settings: Settings) -> None:\n'
                 f'    """Query tracing for troubleshooting: statements, parameters and result rows."""\n'
                 f'    engine_log = logging.getLogger("sqlalchemy.engine")\n'
                 f'    if settings.{flag}:\n'
                 f'        engine_log.setLevel(logging.DEBUG)  #@V\n'
                 f'        log.warning("SQL tracing is on")\n'
                 f'    else:\n'
                 f'        engine_log.setLevel(logging.WARNING)')
    if safe:
        trace = trace.replace("  #@V", "")
    default = "False" if safe or hn else "True"
    extra = ["    cors_origins: list[str] = []", f"    page_size: int = {c.pick(25, 50, 100)}",
             "    request_timeout_s: float = 15.0"]
    fields = "\n".join(c.rng.sample(extra, c.rng.randint(0, 2)))
    routes = _opt(c, *_SQLTRACE_ROUTES, least=1)
    Model, field = c.pick(("Order", "status"), ("Ticket", "subject"), ("Invoice", "number"), ("Device", "serial"))
    fimp = "HTTPException, " if "HTTPException" in routes else ""
    mimp = ""
    middleware = ""
    if "cors_origins" in fields:
        mimp = "\nfrom fastapi.middleware.cors import CORSMiddleware"
        middleware = "    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=[\"GET\"])\n"
    return _s(_SQLTRACE, Title=W, w=w, ws=w + "s", P=c.pick(w.upper(), "APP", "API"), pool=c.pick(5, 10, 20),
              flag=flag, default=default, mark="" if safe or hn else "  #@V", fields=fields + "\n" if fields else "",
              trace=trace, limp=limp, fimp=fimp, mimp=mimp, routes=routes, Model=Model, field=field, middleware=middleware)


@fam("mod13-fastapi-lifespan-sql-trace-default", "CWE-215", fws=["fastapi"], n=8, wrap=False)
def mod13_fastapi_lifespan_sql_trace_default(c):
    v, s = _replayed(c, _sqltrace)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the SQL tracing flag defaults to on, so a production deployment that does not set it puts "
                      "the SQLAlchemy engine logger at DEBUG: every statement with its bound parameters (e-mails, "
                      "tokens, password hashes) and every result row goes to the application logs. The fix makes "
                      "tracing opt-in (default False)")


@hardneg(2)
def mod13_fastapi_lifespan_sql_trace_default_hn(c):
    return Spec(s=_sqltrace(c, True, hn=True), full=True, fw="fastapi",
                notes="the engine logger goes to DEBUG only when tracing is switched on explicitly; it defaults off")


# ---------------- CWE-1004: sliding-session middleware re-issues the session cookie without HttpOnly ----------------

_SLIDE = r'''
"""Sessions of the $Title portal (FastAPI): server-side session records in Redis, keyed by an opaque id
that travels in the ``$cookie`` cookie and slides forward on every authenticated request."""
from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager
from typing import AsyncIterator

import redis.asyncio as redis
from fastapi import FastAPI, HTTPException, Request, Response
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="$P_")

    redis_url: str = "redis://localhost:6379/$dbn"
    session_ttl_s: int = $ttl
$fields

settings = Settings()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.redis = redis.from_url(settings.redis_url, decode_responses=True)
    try:
        yield
    finally:
        await app.state.redis.aclose()


app = FastAPI(title="$Title portal", lifespan=lifespan)
$helper

@app.middleware("http")
async def slide_session(request: Request, call_next):
    """Extend a live session's TTL and re-send its cookie with the new expiry."""
    sid = request.cookies.get("$cookie")
    user_id = await request.app.state.redis.get(f"session:{sid}") if sid else None
    request.state.user_id = user_id
    response = await call_next(request)
    if user_id is not None and "$cookie" not in response.headers.get("set-cookie", ""):
        await request.app.state.redis.expire(f"session:{sid}", settings.session_ttl_s)
$setcookie
    return response


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


$opts
'''

_SLIDE_OPTS = [r'''
@app.post("/logout")
async def logout(request: Request, response: Response) -> dict:
    sid = request.cookies.get("$cookie")
    if sid:
        await request.app.state.redis.delete(f"session:{sid}")
    response.delete_cookie("$cookie", path="/")
    log.info("session closed")
    return {"ok": True}
''', r'''
@app.get("/me")
async def me(request: Request) -> dict:
    if request.state.user_id is None:
        raise HTTPException(status_code=401, detail="not signed in")
    return {"user_id": request.state.user_id}
''', r'''
@app.post("/preferences/theme")
async def set_theme(theme: str, response: Response) -> dict:
    """The UI theme is read by the page script, so this cookie stays readable; it carries no credential."""
    if theme not in {"light", "dark", "system"}:
        raise HTTPException(status_code=422, detail="unknown theme")
    response.set_cookie("theme", theme, max_age=365 * 24 * 3600, samesite="lax", secure=True)
    return {"theme": theme}
''']


_SLIDE_MORE = [r'''
async def require_user(request: Request) -> str:
    """Dependency for the routes that need a signed-in user."""
    if request.state.user_id is None:
        raise HTTPException(status_code=401, detail="not signed in")
    return request.state.user_id
''', r'''
@app.get("/sessions/count", include_in_schema=False)
async def session_count(request: Request) -> dict:
    """How many sessions are live (for the ops dashboard; counts keys, reads no values)."""
    n = 0
    async for _ in request.app.state.redis.scan_iter(match="session:*", count=500):
        n += 1
    return {"live_sessions": n}
''']


def _slide(c, safe, hn=False):
    w, W = _w(c)
    cookie = c.pick("sid", f"{w}_session", "portal_sid", "session")
    travel = c.pick("direct", "dict", "setting")
    fields = ""
    helper = ""
    ind = "        "
    if travel == "direct":
        h = ", httponly=True" if safe else ""
        setcookie = (f'{ind}response.set_cookie("{cookie}", sid, max_age=settings.session_ttl_s, path="/", '
                     f'secure=True, samesite="lax"{h})' + ("" if safe else "  #@V"))
    elif travel == "dict":
        h = '\n    "httponly": True,' if safe else ""
        helper = ('\n\n# the attributes of the session cookie, shared by login and the sliding refresh\n'
                  'SESSION_COOKIE = {\n    "path": "/",\n    "secure": True,\n    "samesite": "lax",' + h
                  + ("" if safe else "  #@V") + '\n}\n')
        setcookie = (f'{ind}response.set_cookie("{cookie}", sid, max_age=settings.session_ttl_s, **SESSION_COOKIE)'
                     + ("" if safe else "  #@V"))
    else:
        fields = f'    cookie_secure: bool = True\n    cookie_httponly: bool = {"True" if safe else "False"}' + (
            "" if safe else "  #@V")
        setcookie = (f'{ind}response.set_cookie("{cookie}", sid, max_age=settings.session_ttl_s, path="/",'
                     + ("" if safe else "  #@V") + "\n"
                     f'{ind}                    secure=settings.cookie_secure, httponly=settings.cookie_httponly,'
                     f' samesite="lax")')
    blocks = list(_SLIDE_OPTS[:2]) + ([_SLIDE_OPTS[2]] if hn or c.pick(0, 1) else [])
    opts = _opt(c, *blocks, *_SLIDE_MORE, least=2)
    return _s(_SLIDE, Title=W, w=w, cookie=cookie, P=c.pick(w.upper(), "PORTAL", "WEB"), dbn=c.pick(0, 1, 2),
              ttl=c.pick(1800, 3600, 7200), fields=fields + "\n" if fields else "", helper=helper,
              setcookie=setcookie, opts=opts)


@fam("mod13-fastapi-sliding-session-httponly", "CWE-1004", fws=["fastapi"], n=8, wrap=False)
def mod13_fastapi_sliding_session_httponly(c):
    v, s = _replayed(c, _slide)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the middleware re-sends the session id cookie on every authenticated response without "
                      "HttpOnly (Starlette's set_cookie defaults httponly to False; the shared attribute dict or the "
                      "settings default leaves it off), so any injected script can read document.cookie and steal the "
                      "session; the fix sets httponly=True on the session cookie")


@hardneg(2)
def mod13_fastapi_sliding_session_httponly_hn(c):
    return Spec(s=_slide(c, True, hn=True), full=True, fw="fastapi",
                notes="the session cookie is HttpOnly and Secure; only the non-credential theme cookie stays readable")


# ---------------- CWE-614: custom Flask SessionInterface drops the Secure flag ----------------

_FSESS = r'''
"""Server-side sessions for the $Title app (Flask): the session data lives in Redis, the browser only holds
an opaque id. ``create_app`` installs the interface; the cookie attributes come from the usual
SESSION_COOKIE_* settings."""
from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

import redis
from flask import Flask
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

log = logging.getLogger(__name__)


class RedisSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, new: bool = False):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.new = new
        self.modified = False


class RedisSessionInterface(SessionInterface):
    """Sessions stored as JSON under ``$prefix<id>`` with the app's session lifetime as TTL."""

    def __init__(self, client: redis.Redis, prefix: str = "$prefix"):
        self.redis = client
        self.prefix = prefix

    def open_session(self, app: Flask, request) -> RedisSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid:
            raw = self.redis.get(self.prefix + sid)
            if raw is not None:
                return RedisSession(json.loads(raw), sid=sid)
        return RedisSession(sid=secrets.token_urlsafe(32), new=True)
$helper
    def save_session(self, app: Flask, session: RedisSession, response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session:
            if session.modified:
                self.redis.delete(self.prefix + session.sid)
                response.delete_cookie(name, domain=domain, path=path)
            return
        ttl: timedelta = app.permanent_session_lifetime
        self.redis.setex(self.prefix + session.sid, int(ttl.total_seconds()), json.dumps(dict(session)))
        if not self.should_set_cookie(app, session):
            return
$setcookie


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_prefixed_env("$ENVP")
    app.config.update(
        SESSION_COOKIE_NAME="$cookie",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=$hours),
    )
    if config:
        app.config.update(config)
    client = redis.Redis.from_url(app.config.get("REDIS_URL", "redis://localhost:6379/0"))
    app.session_interface = RedisSessionInterface(client)
$inner
    log.info("$w app created")
    return app
'''

_FSESS_INNER = [r'''
@app.get("/healthz")
def healthz():
    return {"status": "ok"}
''', r'''
@app.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response
''', r'''
from .auth import bp as auth_bp
app.register_blueprint(auth_bp, url_prefix="/auth")
''']


def _fsess(c, safe, hn=False):
    w, W = _w(c)
    travel = c.pick("direct", "helper", "wrongkey")
    ind = "        "
    helper = ""
    mark = "" if safe else "  #@V"
    tail = ("expires=self.get_expiration_time(app, session), httponly=self.get_cookie_httponly(app),\n"
            f"{ind}                    samesite=self.get_cookie_samesite(app)")
    if travel == "direct":
        sec = " secure=self.get_cookie_secure(app)," if safe else ""
        setcookie = (f"{ind}response.set_cookie(name, session.sid, domain=domain, path=path,{sec}{mark}\n"
                     f"{ind}                    {tail})")
    elif travel == "helper":
        sec = '\n            "secure": self.get_cookie_secure(app),' if safe else ""
        helper = ('\n    def _cookie_options(self, app: Flask, session: RedisSession) -> dict:\n'
                  '        """Attributes of the session cookie, from the SESSION_COOKIE_* settings."""\n'
                  '        return {\n'
                  '            "expires": self.get_expiration_time(app, session),\n'
                  '            "httponly": self.get_cookie_httponly(app),' + sec + mark + '\n'
                  '            "samesite": self.get_cookie_samesite(app),\n'
                  '        }\n')
        setcookie = (f"{ind}response.set_cookie(name, session.sid, domain=domain, path=path,{mark}\n"
                     f"{ind}                    **self._cookie_options(app, session))")
    else:
        sec = "self.get_cookie_secure(app)" if safe else 'app.config.get("SESSION_SECURE", False)'
        setcookie = (f"{ind}response.set_cookie(name, session.sid, domain=domain, path=path,\n"
                     f"{ind}                    secure={sec},{mark}\n"
                     f"{ind}                    {tail})")
    if not safe and travel == "wrongkey":
        # mark the call line too: it carries the sink pattern
        setcookie = setcookie.replace("path=path,\n", "path=path,  #@V\n", 1)
    inner = _iopt(c, *_FSESS_INNER, least=0, most=2)
    inner = ("\n" + inner) if inner else ""
    return _s(_FSESS, Title=W, w=w, helper=helper, setcookie=setcookie, inner=inner,
              prefix=c.pick("session:", f"{w}:sess:", "sess:"), cookie=c.pick("session", f"{w}_sid", "sid"),
              ENVP=c.pick("FLASK", w.upper(), "APP"), hours=c.pick(8, 12, 24))


@fam("mod13-flask-redis-session-interface-secure", "CWE-614", fws=["flask"], n=8, wrap=False)
def mod13_flask_redis_session_interface_secure(c):
    v, s = _replayed(c, _fsess)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the custom session interface writes the session id cookie without the Secure attribute "
                      "(Werkzeug's set_cookie defaults secure to False; the options helper leaves it out, or it reads "
                      "a key nobody sets, while the app sets SESSION_COOKIE_SECURE=True), so the browser also sends "
                      "the session id over plain HTTP; the fix passes secure=self.get_cookie_secure(app)")


# ---------------- CWE-209: Sanic ErrorHandler subclass returns exception details ----------------

_SANIC = r'''
"""$Title API (Sanic): the application factory, the JSON error handler and the server listeners."""
from __future__ import annotations

import logging$timp
import uuid

from sanic import Sanic
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.request import Request
from sanic.response import HTTPResponse, json

from .$bpmod import bp as $bpname
from .db import create_pool

log = logging.getLogger(__name__)


class JSONErrorHandler(ErrorHandler):
    """Every error as a JSON object. Sanic's own exceptions keep their status and public message."""

    def default(self, request: Request, exc: Exception) -> HTTPResponse:
        if isinstance(exc, SanicException):
            return json({"error": str(exc.message or "error")}, status=exc.status_code)
        error_id = uuid.uuid4().hex[:12]
        log.error("unhandled error %s on %s %s", error_id, request.method, request.path, exc_info=exc)
$body
        return json(body, status=500)


$mopts


def create_app(name: str = "$appname") -> Sanic:
    """The Sanic app; configuration from $ENVP_* environment variables."""
$make
    app.config.REQUEST_MAX_SIZE = $maxmb * 1024 * 1024
    app.config.REQUEST_TIMEOUT = $timeout
    app.blueprint($bpname)

    @app.before_server_start
    async def _open_pool(app: Sanic) -> None:
        app.ctx.pool = await create_pool(app.config.get("DATABASE_URL", "postgresql://localhost/$db"))
        log.info("pool opened")

    @app.after_server_stop
    async def _close_pool(app: Sanic) -> None:
        await app.ctx.pool.close()

$inner
    return app
'''

_SANIC_INNER = [r'''
@app.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    return json({"status": "ok"})
''', r'''
@app.on_response
async def _request_id(request: Request, response: HTTPResponse) -> None:
    response.headers["X-Request-ID"] = str(request.id)
''', r'''
@app.on_request
async def _reject_huge_queries(request: Request):
    if len(request.query_string) > 2048:
        return json({"error": "query string too long"}, status=414)
''']


_SANIC_MOPTS = [r'''
class QuotaExceeded(SanicException):
    """Raised by the handlers when a tenant is over its plan; the message is meant for the client."""

    status_code = 429
    message = "quota exceeded, try again later"
''', r'''
def configure_logging(level: str = "INFO") -> None:
    """One line per record on stderr; Sanic's access log stays off in production."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
''', r'''
def client_ip(request: Request) -> str:
    """The caller's address as seen through the trusted proxy (Sanic resolves FORWARDED_SECRET / PROXIES_COUNT)."""
    return request.remote_addr or request.ip
''']


def _sanic(c, safe, hn=False):
    w, W = _w(c)
    travel = c.pick("repr", "trace", "fstring")
    timp = ""
    if safe:
        body = '        body = {"error": "internal server error", "id": error_id}'
        if hn:
            timp = "\nimport traceback"
            body = ('        log.debug("traceback of %s:\\n%s", error_id, "".join(traceback.format_exception(exc)))\n'
                    + body)
    elif travel == "repr":
        body = '        body = {"error": "internal server error", "id": error_id, "detail": repr(exc)}  #@V'
    elif travel == "trace":
        timp = "\nimport traceback"
        body = ('        body = {"error": "internal server error", "id": error_id,\n'
                '                "trace": traceback.format_exception(exc)}  #@V')
    else:
        body = '        body = {"error": f"{type(exc).__name__}: {exc}", "id": error_id}  #@V'
    make = c.pick("    app = Sanic(name, error_handler=JSONErrorHandler(), env_prefix=\"$ENVP_\")",
                  "    app = Sanic(name, env_prefix=\"$ENVP_\")\n    app.error_handler = JSONErrorHandler()")
    inner = _iopt(c, *_SANIC_INNER, least=2)
    mopts = _opt(c, *_SANIC_MOPTS, least=2)
    return _s(_SANIC, mopts=mopts, Title=W, w=w, body=body, timp=timp, make=make, inner=inner,
              bpmod=c.pick("routes", "views", "handlers"), bpname=c.pick("api", "routes", f"{w}_bp"),
              appname=c.pick(f"{w}_api", f"{W}API", f"{w}-service".replace("-", "_")), ENVP=c.pick("APP", w.upper(), "SANIC"),
              maxmb=c.pick(2, 10, 50), timeout=c.pick(30, 60), db=w + "s")


@fam("mod13-sanic-error-handler-detail", "CWE-209", fws=["sanic"], n=8, wrap=False)
def mod13_sanic_error_handler_detail(c):
    v, s = _replayed(c, _sanic)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="fw=sanic. the app's error handler answers every unexpected exception with its repr, its formatted "
                      "traceback or its message (database errors with SQL and values, file paths, driver versions) "
                      "to any client; the fix returns a generic message with the error id and keeps the detail in "
                      "the server log")


@hardneg(2)
def mod13_sanic_error_handler_detail_hn(c):
    return Spec(s=_sanic(c, True, hn=True), full=True, fw="aiohttp",
                notes="fw=sanic. the traceback is formatted, but only into the server log; the client gets a generic message "
                      "and an error id")


# ---------------- CWE-200: Quart operations blueprint returns the whole config / environment ----------------

_OPS = r'''
"""Operations endpoints of the $Title service (Quart): liveness, readiness and a diagnostics summary for the
on-call dashboard. Mounted at ``/$mount`` by ``init_app``; the load balancer probes ``/$mount/live``."""
from __future__ import annotations

import logging
import os
import platform
import time

from quart import Blueprint, Quart, current_app, jsonify

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)
STARTED = time.monotonic()
PUBLIC_KEYS = ("ENV_NAME", "VERSION", "MAX_CONTENT_LENGTH", "$extra_key")


def _uptime() -> int:
    return int(time.monotonic() - STARTED)


@bp.get("/live")
async def live():
    return jsonify(status="ok")


$opts


@bp.get("/diagnostics")
async def diagnostics():
    """Build and runtime facts for the dashboard."""
$body
    log.info("diagnostics served")
    return jsonify(version=current_app.config.get("VERSION", "dev"), python=platform.python_version(),
                   uptime_s=_uptime(), $retkw)


def init_app(app: Quart) -> None:
    app.register_blueprint(bp, url_prefix="/$mount")
'''

_OPS_OPTS = [r'''
@bp.get("/ready")
async def ready():
    """Ready when the database answers."""
    try:
        async with current_app.db_pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
''', r'''
@bp.get("/version")
async def version():
    return jsonify(version=current_app.config.get("VERSION", "dev"), commit=os.environ.get("GIT_SHA", "unknown"))
''', r'''
def _pool_stats() -> dict:
    pool = getattr(current_app, "db_pool", None)
    if pool is None:
        return {"size": 0, "idle": 0}
    return {"size": pool.get_size(), "idle": pool.get_idle_size()}
''']


_OPS_OPTS.append(r'''
@bp.after_request
async def _no_cache(response):
    """Probe answers must never be cached by the proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response
''')


def _ops(c, safe, hn=False):
    w, W = _w(c)
    travel = c.pick("config", "sorted", "environ")
    public = "    settings = {k: str(current_app.config.get(k)) for k in PUBLIC_KEYS}"
    runtime = '    runtime = {"workers": int(os.environ.get("WEB_CONCURRENCY", "1")), "pid": os.getpid()}'
    if travel == "config":
        body = ("    config = dict(current_app.config)  #@V\n"
                "    settings = {k: str(v) for k, v in config.items()}  #@V\n" + runtime)
        if safe:
            body = public + "\n" + runtime
    elif travel == "sorted":
        body = ("    settings = {k: str(v) for k, v in dict(sorted(current_app.config.items())).items()}  #@V\n"
                + runtime)
        if safe:
            body = public + "\n" + runtime
    else:
        body = public + "\n    runtime = dict(os.environ)  #@V"
        if safe:
            body = public + "\n" + runtime
    if safe:
        body = body.replace("  #@V", "")
    if hn:
        body = body.replace(runtime, runtime[:-1] + ', "env_vars": len(os.environ)}')
    opts = _opt(c, *_OPS_OPTS, least=3)
    if "_pool_stats()" in opts:
        retkw = "settings=settings, runtime=runtime, pool=_pool_stats()"
    else:
        retkw = "settings=settings, runtime=runtime"
    return _s(_OPS, Title=W, w=w, body=body, opts=opts, retkw=retkw, mount=c.pick("_ops", "ops", "internal"),
              extra_key=c.pick("REGION", "FEATURE_FLAGS", "DEFAULT_LOCALE"))


@fam("mod13-quart-ops-diagnostics-config", "CWE-200", fws=["quart"], n=8, wrap=False)
def mod13_quart_ops_diagnostics_config(c):
    v, s = _replayed(c, _ops)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="fw=quart. the unauthenticated diagnostics endpoint returns the whole Quart config (SECRET_KEY, the "
                      "database URL with its password, API keys) or the whole process environment; the fix returns "
                      "only an allow-list of public keys")


@hardneg(2)
def mod13_quart_ops_diagnostics_config_hn(c):
    return Spec(s=_ops(c, True, hn=True), full=True, fw="flask",
                notes="fw=quart. diagnostics with an allow-list of public config keys and a count of environment variables")
