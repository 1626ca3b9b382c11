"""Train-only whole-module families (libs31 web configuration set, mod31w-*): an app factory or settings module
with a few handlers, written the way careful maintainers write them, in which ONE configuration value of the web
framework is wrong, in frameworks and shapes no other family uses:

- mod31w-litestar-session-cookie-httponly-off (1004): a Litestar app whose client-side session
  (``CookieBackendConfig``) is configured ``httponly=False`` so a front-end script can see it; any script on the
  site can then read and replay the session. The fix is ``httponly=True``.
- mod31w-cherrypy-session-secure-constant-off (614): a CherryPy app whose ``tools.sessions.secure`` comes from a
  ``SESSION_COOKIE_SECURE = False`` constant ("TLS ends at the load balancer"), so the browser also sends the
  session id over plain HTTP; the fix sets it True.
- mod31w-tornado-serve-traceback-on (209): a Tornado JSON API whose Application settings carry
  ``serve_traceback=True``, so every unhandled error answers the client with the full Python traceback; the fix
  turns it off (the error handler that reads the setting stays).
- mod31w-pyramid-debugtoolbar-always-included (489): a Pyramid app factory (the paste entry point production
  runs) that always does ``config.include("pyramid_debugtoolbar")``, whose exception pages are an interactive
  debugger; the fix includes it only when a development setting asks for it.
- mod31w-sanic-access-log-query-param-raw (117): a Sanic request-logging middleware that writes a query
  parameter (a decoded, client-chosen string) into a plain-text access log as is, although the module has a
  control-character scrubber it uses for the other fields; the fix passes that value through it too.

Each family has the weak module, its minimal fix as twin, and a ``@hardneg`` builder assembling safe modules from the
same pool of parts (the set of handlers differs per module). Written without reading the held-out or validation
families; every family here goes to train.
"""
import re

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"asyncio", "dataclasses", "datetime", "decimal", "pathlib", "time", "traceback",
                          "typing", "uuid"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=82, hi=110)


def _wire(code, token, names, render):
    """Replace ``token`` (a placeholder name in the assembled module) with ``render(names)``, ``names`` being the
    handlers the drawn parts actually define, so the registration lists name exactly those."""
    return code.replace(token, render(names))


# ---------------- CWE-1004: Litestar client-side session with httponly=False ----------------

_LS_DOCS = [
    "$W tracker web app ($app): Litestar handlers, cookie-backed sessions and the route guard.\n"
    "Sign-in rotates the session; every /api route requires it.",
    "HTTP layer of $app: sign-in and sign-out, the JSON endpoints the front end calls, session and CSRF\n"
    "configuration.",
    "Litestar application for the $app $w dashboard (session auth, CSRF cookie, JSON API).",
]


def _ls_kw(c):
    w, app = c.pick(("habit", "trackly"), ("expense", "ledgerlite"), ("reading", "pagemark"), ("workout", "stride"),
                    ("timesheet", "clockwise"), ("milestone", "roadmapper"))
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                cookie=c.pick("session", "sid", app + "_session"), maxage=c.pick("8 * 3600", "12 * 3600", "86400"),
                cap=c.pick(50, 100, 200))


_LS_HANDLER = re.compile(r"^@(?:get|post|put|patch|delete)\([^\n]*\)\n(?:@[^\n]*\n)*(?:async )?def (\w+)", re.M)


def _ls_parts(c):
    store = "from $app.store import accounts, preferences, $ws"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("session", rank=1, imp="import os\nfrom litestar.middleware.session.client_side import CookieBackendConfig",
          body='''
session_config = CookieBackendConfig(
    secret=bytes.fromhex(os.environ["$APP_SESSION_KEY"]),
    key="$cookie",
    max_age=$maxage,
    secure=True,
    $FIX
    samesite="lax",
)
'''),
        P("csrf", rank=1, imp="import os\nfrom litestar.config.csrf import CSRFConfig",
          setup='csrf_config = CSRFConfig(secret=os.environ["$APP_CSRF_SECRET"], cookie_secure=True)'),
        P("guard", rank=2, imp="from litestar.connection import ASGIConnection\n"
                                "from litestar.exceptions import NotAuthorizedException\n"
                                "from litestar.handlers.base import BaseRouteHandler", body='''
def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Route guard: the session must carry a user id."""
    if not connection.session.get("user_id"):
        raise NotAuthorizedException("sign in first")
'''),
        P("login", rank=3, imp="from dataclasses import dataclass\nfrom typing import Annotated\n"
                                "from argon2 import PasswordHasher\nfrom argon2.exceptions import VerificationError\n"
                                "from litestar import Request, post\nfrom litestar.enums import RequestEncodingType\n"
                                "from litestar.exceptions import NotAuthorizedException\nfrom litestar.params import Body\n"
                                "from litestar.response import Redirect\n" + store,
          setup="_hasher = PasswordHasher()", body='''
@dataclass
class LoginForm:
    email: str
    password: str


@post("/login")
async def login(request: Request, data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Redirect:
    """Check the password (argon2) and start a fresh session."""
    account = await accounts.by_email(data.email.strip().lower())
    try:
        ok = account is not None and _hasher.verify(account.password_hash, data.password)
    except VerificationError:
        ok = False
    if not ok:
        $log.info("failed sign-in (known account: %s)", account is not None)
        raise NotAuthorizedException("wrong email or password")
    request.clear_session()
    request.set_session({"user_id": account.id, "name": account.display_name})
    return Redirect("/")
'''),
        P("app", rank=9, imp="from litestar import Litestar", tail='''
app = Litestar(
    route_handlers=[__HANDLERS__],
    middleware=[session_config.middleware],
    csrf_config=csrf_config,
)
'''),
    ]
    pool = [
        P("logout", rank=4, imp="from litestar import Request, post\nfrom litestar.response import Redirect", body='''
@post("/logout", guards=[requires_login])
async def logout(request: Request) -> Redirect:
    """End the session (the cookie is cleared by the middleware)."""
    request.clear_session()
    return Redirect("/login")
'''),
        P("me", rank=4, imp="from litestar import Request, get", body='''
@get("/api/me", guards=[requires_login])
async def me(request: Request) -> dict[str, object]:
    """Who is signed in, for the header of the page."""
    return {"id": request.session["user_id"], "name": request.session.get("name", "")}
'''),
        P("list", rank=4, imp="from typing import Annotated\nfrom litestar import Request, get\n"
                               "from litestar.params import Parameter\n" + store, body='''
@get("/api/$ws", guards=[requires_login])
async def list_$ws(request: Request, limit: Annotated[int, Parameter(ge=1, le=$cap)] = 25) -> list[dict]:
    """The caller's $ws, newest first (page size capped)."""
    rows = await $ws.for_owner(request.session["user_id"], limit=limit)
    return [row.as_dict() for row in rows]
'''),
        P("detail", rank=4, imp="from litestar import Request, get\nfrom litestar.exceptions import NotFoundException\n"
                                 + store, body='''
@get("/api/$ws/{item_id:int}", guards=[requires_login])
async def get_$w(request: Request, item_id: int) -> dict:
    """One $w of the caller's; another user's id is a 404."""
    row = await $ws.get(item_id, owner_id=request.session["user_id"])
    if row is None:
        raise NotFoundException()
    return row.as_dict()
'''),
        P("prefs", rank=4, imp="from dataclasses import dataclass\nfrom typing import Literal\n"
                                "from litestar import Request, put\n" + store, body='''
@dataclass
class Preferences:
    theme: Literal["light", "dark", "system"] = "system"
    week_starts_on: Literal["monday", "sunday"] = "monday"


@put("/api/preferences", guards=[requires_login])
async def save_preferences(request: Request, data: Preferences) -> Preferences:
    """Store the display preferences (the CSRF header is checked by the middleware)."""
    await preferences.save(request.session["user_id"], theme=data.theme, week_starts_on=data.week_starts_on)
    $log.info("preferences saved for user %s", request.session["user_id"])
    return data
'''),
        P("health", rank=4, imp="from litestar import get", body='''
@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    """Liveness probe for the orchestrator."""
    return {"status": "ok"}
'''),
    ]
    return core, pool


_LS_VFIX = ["httponly=False,  #@V",
            "httponly=False,  # the front end checks document.cookie to know whether someone is signed in  #@V",
            "httponly=False,  # read by the SPA bootstrap script  #@V"]


def _ls_finish(code):
    return _wire(code, "__HANDLERS__", _LS_HANDLER.findall(code), ", ".join)


@fam("mod31w-litestar-session-cookie-httponly-off", "CWE-1004", fws=["litestar"], n=8, wrap=False)
def mod31w_litestar_httponly(c):
    kw = _ls_kw(c)
    core, pool = _ls_parts(c)
    v, s = _pair(c, c.pick(*_LS_DOCS), '$log = logging.getLogger("$app.web")', core, pool, kw,
                 c.pick(*_LS_VFIX), "httponly=True,")
    return Spec(v=_ls_finish(v), s=_ls_finish(s), full=True, fw="litestar",
                notes="the Litestar session cookie (CookieBackendConfig) is set with httponly=False, so any script "
                      "running on the site (an XSS, a compromised third-party widget) reads the session cookie and "
                      "replays it elsewhere as the signed-in user; the session holds the user id the guards trust. "
                      "Secure and SameSite are right; the fix makes the cookie HttpOnly")


@hardneg(8)
def mod31w_litestar_httponly_hn(c):
    kw = _ls_kw(c)
    core, pool = _ls_parts(c)
    code = _safe(c, c.pick(*_LS_DOCS), '$log = logging.getLogger("$app.web")', core, pool, kw, "httponly=True,")
    return Spec(s=_ls_finish(code), full=True, fw="litestar",
                notes="Litestar app with a Secure, HttpOnly, SameSite=Lax client-side session, CSRF config with a "
                      "secure cookie, argon2 password check, session rotated on sign-in, owner-scoped queries")


# ---------------- CWE-614: CherryPy sessions with tools.sessions.secure from a False constant ----------------

_CP_DOCS = [
    "CherryPy pages of $app: sign-in, the $w pages and the account page. Sessions are file-backed and\n"
    "the cookie settings live in APP_CONFIG.",
    "$app web front end (CherryPy). Runs behind the HTTPS load balancer; tools.proxy restores the\n"
    "client address and scheme.",
    "Server-rendered $w pages for $app, served by CherryPy with file sessions and Jinja2 templates.",
]


def _cp_kw(c):
    w, app = c.pick(("booking", "roomly"), ("invoice", "billwise"), ("lesson", "tutorhub"), ("permit", "permitdesk"),
                    ("claim", "claimline"), ("rental", "fleetbase"))
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                cookie=c.pick("session_id", app + "_sid", "sid"), timeout=c.pick(20, 30, 60), port=c.pick(8080, 8000, 9090))


_CP_MOUNTS = {"LoginPage": "/login", "LogoutPage": "/logout", "$WPages": "/$ws", "AccountPage": "/account",
              "HealthPage": "/healthz"}


def _cp_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os",
          const='SESSION_DIR = os.environ.get("$APP_SESSION_DIR", "/var/lib/$app/sessions")\n$FIX\n'
                "SESSION_TIMEOUT_MIN = $timeout"),
        P("config", rank=1, imp="import cherrypy", body='''
APP_CONFIG = {
    "/": {
        "tools.sessions.on": True,
        "tools.sessions.storage_class": cherrypy.lib.sessions.FileSession,
        "tools.sessions.storage_path": SESSION_DIR,
        "tools.sessions.timeout": SESSION_TIMEOUT_MIN,
        "tools.sessions.name": "$cookie",
        "tools.sessions.httponly": True,
        "tools.sessions.secure": SESSION_COOKIE_SECURE,  #@V
        "tools.proxy.on": True,
    },
}
'''),
        P("render", rank=2, imp="import cherrypy\nfrom jinja2 import Environment, PackageLoader, select_autoescape\n"
                                 "from $app import users",
          setup='_templates = Environment(loader=PackageLoader("$app"), autoescape=select_autoescape())', body='''
def current_user() -> dict | None:
    """The signed-in account, from the session (None when anonymous)."""
    user_id = cherrypy.session.get("user_id")
    return users.get(user_id) if user_id else None


def render(name: str, **context) -> str:
    """Render a template (autoescaped) with the current user."""
    return _templates.get_template(name).render(user=current_user(), **context)
'''),
        P("login", rank=3, needs=["render"], imp="import cherrypy\nfrom argon2 import PasswordHasher\n"
                                                  "from argon2.exceptions import VerificationError\nfrom $app import users",
          setup="_hasher = PasswordHasher()", body='''
class LoginPage:
    """Sign-in form; the session id is regenerated on success."""

    @cherrypy.expose
    @cherrypy.tools.allow(methods=["GET", "POST"])
    def index(self, email: str = "", password: str = "") -> str:
        if cherrypy.request.method == "GET":
            return render("login.html")
        account = users.by_email(email.strip().lower())
        try:
            ok = account is not None and _hasher.verify(account["password_hash"], password)
        except VerificationError:
            ok = False
        if not ok:
            $log.info("failed sign-in from %s", cherrypy.request.remote.ip)
            return render("login.html", error="Wrong email or password.")
        cherrypy.session.regenerate()
        cherrypy.session["user_id"] = account["id"]
        raise cherrypy.HTTPRedirect("/$ws/")
'''),
        P("mount", rank=9, imp="import cherrypy", tail='''
def mount() -> None:
    """Mount the pages on the CherryPy tree (the WSGI entry point calls this too)."""
    __MOUNTS__


if __name__ == "__main__":
    mount()
    cherrypy.config.update({"server.socket_host": "0.0.0.0", "server.socket_port": $port, "environment": "production"})
    cherrypy.engine.start()
    cherrypy.engine.block()
'''),
    ]
    pool = [
        P("logout", rank=4, imp="import cherrypy", body='''
class LogoutPage:
    """Sign-out: the server-side session is dropped and its cookie expired."""

    @cherrypy.expose
    @cherrypy.tools.allow(methods=["POST"])
    def index(self) -> None:
        cherrypy.session.clear()
        cherrypy.lib.sessions.expire()
        raise cherrypy.HTTPRedirect("/login")
'''),
        P("items", rank=4, needs=["render"], imp="import cherrypy\nfrom $app import $ws", body='''
class $WPages:
    """The signed-in user's $ws; ids of other users' $ws are 404s."""

    @cherrypy.expose
    def index(self, page: str = "1") -> str:
        user = current_user() or self._login()
        number = max(1, int(page)) if page.isdigit() else 1
        return render("$ws.html", items=$ws.for_owner(user["id"], page=number), page=number)

    @cherrypy.expose
    def default(self, item_id: str) -> str:
        user = current_user() or self._login()
        item = $ws.get(int(item_id), owner_id=user["id"]) if item_id.isdigit() else None
        if item is None:
            raise cherrypy.NotFound()
        return render("$w.html", item=item)

    @staticmethod
    def _login():
        raise cherrypy.HTTPRedirect("/login")
'''),
        P("account", rank=4, needs=["render"], imp="import cherrypy", body='''
class AccountPage:
    """Profile page of the signed-in user."""

    @cherrypy.expose
    def index(self) -> str:
        user = current_user()
        if user is None:
            raise cherrypy.HTTPRedirect("/login")
        return render("account.html", account=user)
'''),
        P("health", rank=4, imp="import cherrypy", body='''
class HealthPage:
    """Liveness probe for the load balancer (no session needed)."""

    _cp_config = {"tools.sessions.on": False}

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def index(self) -> dict:
        return {"status": "ok"}
'''),
    ]
    core.append(pool.pop(1))  # the $w pages (the sign-in page redirects there)
    return core, pool


_CP_VFIX = ["SESSION_COOKIE_SECURE = False  # TLS is terminated at the load balancer  #@V",
            "SESSION_COOKIE_SECURE = False  #@V",
            "SESSION_COOKIE_SECURE = False  # the app itself only ever sees plain HTTP  #@V"]
_CP_SFIX = ["SESSION_COOKIE_SECURE = True", "SESSION_COOKIE_SECURE = True  # users only reach us over HTTPS"]


def _cp_finish(code, kw):
    mounts = {_web.fill(k, **kw): _web.fill(p, **kw) for k, p in _CP_MOUNTS.items()}
    names = [n for n in re.findall(r"^class (\w+):", code, re.M) if n in mounts]
    return _wire(code, "__MOUNTS__", names,
                 lambda ns: "\n    ".join(f'cherrypy.tree.mount({n}(), "{mounts[n]}", APP_CONFIG)' for n in ns))


@fam("mod31w-cherrypy-session-secure-constant-off", "CWE-614", fws=["cherrypy"], n=8, wrap=False)
def mod31w_cherrypy_secure(c):
    kw = _cp_kw(c)
    core, pool = _cp_parts(c)
    v, s = _pair(c, c.pick(*_CP_DOCS), '$log = logging.getLogger("$app.web")', core, pool, kw,
                 c.pick(*_CP_VFIX), c.pick(*_CP_SFIX))
    return Spec(v=_cp_finish(v, kw), s=_cp_finish(s, kw), full=True, fw="cherrypy",
                notes="CherryPy's session tool takes its Secure flag from SESSION_COOKIE_SECURE, which is False "
                      "(TLS ends at the load balancer, so the app only sees HTTP): the session cookie then has no "
                      "Secure attribute and the browser also sends it over any plain-HTTP request to the host, where "
                      "it can be captured and replayed. The fix sets the constant True")


@hardneg(8)
def mod31w_cherrypy_secure_hn(c):
    kw = _cp_kw(c)
    core, pool = _cp_parts(c)
    code = _safe(c, c.pick(*_CP_DOCS), '$log = logging.getLogger("$app.web")', core, pool, kw, c.pick(*_CP_SFIX))
    return Spec(s=_cp_finish(code, kw), full=True, fw="cherrypy",
                notes="CherryPy file sessions with Secure and HttpOnly cookies, session id regenerated on sign-in, "
                      "argon2 password check, autoescaped Jinja2, owner-scoped lookups, production environment")


# ---------------- CWE-209: Tornado Application(serve_traceback=True) ----------------

_TN_DOCS = [
    "$W API of $app (Tornado): handlers, the route table and the application factory.\n"
    "Clients authenticate with an API key; values reach Postgres as bound parameters.",
    "Tornado service for $ws. Errors are answered as JSON objects by BaseHandler.write_error.",
    "HTTP API for the $app $w registry: asyncpg pool, API-key check and JSON handlers.",
]


def _tn_doc(c, json_errors):
    """A module docstring; the one naming the JSON write_error only when the module has it."""
    return c.pick(*_TN_DOCS) if json_errors else c.pick(_TN_DOCS[0], _TN_DOCS[2])


def _tn_kw(c):
    w, app = c.pick(("sensor", "fieldnet"), ("parcel", "tracklane"), ("vehicle", "depotline"), ("meter", "gridwatch"),
                    ("station", "metrix"), ("asset", "assetry"))
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                port=c.pick(8888, 8080, 9000), pool=c.pick(5, 10, 20), cap=c.pick(100, 200, 500))


_TN_HANDLER_JSON_ERR = '''
    def write_error(self, status_code: int, **kwargs) -> None:
        """Errors as JSON; the traceback only when the application allows serving it."""
        body = {"error": self._reason, "status": status_code}
        if self.settings.get("serve_traceback") and "exc_info" in kwargs:
            body["traceback"] = traceback.format_exception(*kwargs["exc_info"])  #@V
        self.finish(body)
'''


def _tn_parts(c, json_errors):
    base = '''
class BaseHandler(tornado.web.RequestHandler):
    """API-key check and JSON helpers shared by the handlers."""

    def prepare(self) -> None:
        key = self.request.headers.get("X-Api-Key", "")
        if not hmac.compare_digest(key.encode(), API_KEY.encode()):
            raise tornado.web.HTTPError(401, reason="missing or wrong API key")

    @property
    def db(self) -> asyncpg.Pool:
        return self.settings["db"]

    def json_body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except json.JSONDecodeError:
            raise tornado.web.HTTPError(400, reason="invalid JSON") from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, reason="expected a JSON object")
        return body
''' + (_TN_HANDLER_JSON_ERR if json_errors else "")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("key", rank=0, imp="import os", const='API_KEY = os.environ["$APP_API_KEY"]'),
        P("routes", rank=1, imp="import tornado.web", body='''
ROUTES: list[tuple[str, type[tornado.web.RequestHandler]]] = []


def route(pattern: str):
    """Class decorator: register a handler class under ``pattern``."""
    def deco(cls):
        ROUTES.append((pattern, cls))
        return cls
    return deco
'''),
        P("base", rank=2, imp="import hmac\nimport json\nimport traceback\nimport asyncpg\nimport tornado.web", body=base),
        P("list", rank=3, imp="import tornado.web", body='''
@route(r"/api/$ws")
class $WListHandler(BaseHandler):
    async def get(self) -> None:
        """$Ws of one site, page size capped."""
        site = self.get_query_argument("site")
        limit = min(int(self.get_query_argument("limit", "50")), $cap)
        rows = await self.db.fetch(
            "SELECT id, name, status FROM $ws WHERE site = $1 ORDER BY id LIMIT $2", site, limit
        )
        self.write({"items": [dict(r) for r in rows]})
'''),
        P("factory", rank=8, imp="import os\nimport asyncpg\nimport tornado.web", body='''
def make_app(db: asyncpg.Pool) -> tornado.web.Application:
    """The application as production runs it."""
    return tornado.web.Application(
        ROUTES,
        db=db,
        compress_response=True,
        $FIX
    )
'''),
        P("main", rank=9, imp="import asyncio\nimport os\nimport asyncpg", tail='''
async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    db = await asyncpg.create_pool(os.environ["$APP_DATABASE_URL"], min_size=1, max_size=$pool)
    make_app(db).listen(int(os.environ.get("PORT", "$port")), xheaders=True)
    $log.info("listening")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
'''),
    ]
    pool = [
        P("detail", rank=4, imp="import tornado.web", body='''
@route(r"/api/$ws/([0-9]+)")
class $WHandler(BaseHandler):
    async def get(self, item_id: str) -> None:
        row = await self.db.fetchrow("SELECT id, name, site, status FROM $ws WHERE id = $1", int(item_id))
        if row is None:
            raise tornado.web.HTTPError(404, reason="no such $w")
        self.write(dict(row))
'''),
        P("create", rank=4, imp="import tornado.web", body='''
@route(r"/api/$ws/new")
class $WCreateHandler(BaseHandler):
    async def post(self) -> None:
        body = self.json_body()
        name, site = str(body.get("name", "")).strip(), str(body.get("site", "")).strip()
        if not (0 < len(name) <= 120 and 0 < len(site) <= 40):
            raise tornado.web.HTTPError(400, reason="name and site are required")
        new_id = await self.db.fetchval("INSERT INTO $ws (name, site) VALUES ($1, $2) RETURNING id", name, site)
        $log.info("$w %d created", new_id)
        self.set_status(201)
        self.write({"id": new_id})
'''),
        P("health", rank=4, imp="import tornado.web", body='''
@route(r"/healthz")
class HealthHandler(tornado.web.RequestHandler):
    async def get(self) -> None:
        """Liveness probe (no API key)."""
        await self.settings["db"].fetchval("SELECT 1")
        self.write({"status": "ok"})
'''),
        P("stats", rank=4, body='''
@route(r"/api/$ws/stats")
class $WStatsHandler(BaseHandler):
    async def get(self) -> None:
        rows = await self.db.fetch("SELECT status, count(*) AS n FROM $ws GROUP BY status")
        self.write({r["status"]: r["n"] for r in rows})
'''),
    ]
    return core, pool


_TN_VFIX = ["serve_traceback=True,  #@V",
            "serve_traceback=True,  # lets the client teams see why a call failed  #@V",
            "serve_traceback=True,  # easier support: the caller gets the stack trace  #@V"]
_TN_SFIX = ["serve_traceback=False,", 'serve_traceback=os.environ.get("$APP_ENV") == "development",']


@fam("mod31w-tornado-serve-traceback-on", "CWE-209", fws=["tornado"], n=8, wrap=False)
def mod31w_tornado_traceback(c):
    kw = _tn_kw(c)
    json_errors = c.pick(True, False)
    core, pool = _tn_parts(c, json_errors)
    v, s = _pair(c, _tn_doc(c, json_errors), '$log = logging.getLogger("$app.api")', core, pool, kw,
                 c.pick(*_TN_VFIX), _TN_SFIX[0])
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="the Tornado Application is created with serve_traceback=True, so every unhandled exception "
                      "(a database error, a bad int() of a path or query value) is answered to the API client with "
                      "the full Python traceback: file paths, code lines, SQL and library versions. The fix turns "
                      "the setting off; write_error (default or the JSON override reading the setting) stays")


@hardneg(8)
def mod31w_tornado_traceback_hn(c):
    kw = _tn_kw(c)
    json_errors = c.pick(True, True, False)
    core, pool = _tn_parts(c, json_errors)
    code = _safe(c, _tn_doc(c, json_errors), '$log = logging.getLogger("$app.api")', core, pool, kw, c.pick(*_TN_SFIX))
    return Spec(s=code, full=True, fw="tornado",
                notes="Tornado API with serve_traceback off (or only in development): the JSON write_error only adds "
                      "a traceback when the setting allows it; compare_digest API key, bound asyncpg parameters")


# ---------------- CWE-489: Pyramid app factory that always includes pyramid_debugtoolbar ----------------

_PY_DOCS = [
    "$app: public $w catalogue (Pyramid). ``main`` is the paste entry point; production runs it with\n"
    "``gunicorn --paste production.ini``. Views are read-only.",
    "Pyramid application for browsing $ws: the WSGI factory, the request-scoped SQLAlchemy session and\n"
    "the catalogue views (HTML and JSON).",
    "Read-only $w catalogue of $app. Deployed behind nginx on the same host; settings come from the .ini file.",
]


def _py_kw(c):
    w, app = c.pick(("recipe", "cookbook"), ("trail", "trailmap"), ("exhibit", "galleria"), ("venue", "venuefinder"),
                    ("dataset", "opendata"), ("course", "syllabus"))
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, log=c.pick("log", "logger"), page=c.pick(20, 25, 50))


_PY_ROUTES = {"home": "/", "api_$ws": "/api/$ws", "$w_detail": "/$ws/{id}", "search": "/search",
              "api_stats": "/api/$ws/stats", "healthz": "/healthz"}


def _py_parts(c):
    views = "from pyramid.view import view_config\nfrom sqlalchemy import select\nfrom .models import $W"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("page", rank=0, const="PAGE_SIZE = $page"),
        P("db", rank=1, imp="from sqlalchemy.orm import Session", body='''
def get_db(request) -> Session:
    """One SQLAlchemy session per request, closed when the request is finished."""
    session = request.registry.dbmaker()
    request.add_finished_callback(lambda _request: session.close())
    return session
'''),
        P("home", rank=3, imp=views, body='''
@view_config(route_name="home", renderer="$app:templates/home.jinja2")
def home(request) -> dict:
    """Front page: the newest published $ws."""
    stmt = select($W).where($W.published.is_(True)).order_by($W.id.desc()).limit(PAGE_SIZE)
    return {"items": request.db.scalars(stmt).all()}
'''),
        P("main", rank=9, imp="from pyramid.config import Configurator\nfrom pyramid.router import Router\n"
                               "from pyramid.settings import asbool\nfrom sqlalchemy import engine_from_config\n"
                               "from sqlalchemy.orm import sessionmaker", tail='''
def main(global_config: dict, **settings: str) -> Router:
    """Paste entry point: build the WSGI application from the .ini settings."""
    engine = engine_from_config(settings, "sqlalchemy.")
    with Configurator(settings=settings) as config:
        config.include("pyramid_jinja2")
        $FIX
        config.registry.dbmaker = sessionmaker(bind=engine)
        config.add_request_method(get_db, "db", reify=True)
        config.add_static_view("static", "$app:static", cache_max_age=3600)
        __ROUTES__
        config.scan()
    $log.info("$app configured")
    return config.make_wsgi_app()
'''),
    ]
    pool = [
        P("list", rank=4, imp=views, body='''
@view_config(route_name="api_$ws", renderer="json", request_method="GET")
def api_list(request) -> dict:
    """Published $ws as JSON, paged; a bad page number means page 1."""
    try:
        page = max(1, int(request.params.get("page", "1")))
    except ValueError:
        page = 1
    stmt = (select($W).where($W.published.is_(True)).order_by($W.id)
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return {"page": page, "items": [item.as_dict() for item in request.db.scalars(stmt)]}
'''),
        P("detail", rank=4, imp=views + "\nfrom pyramid.httpexceptions import HTTPNotFound", body='''
@view_config(route_name="$w_detail", renderer="$app:templates/$w.jinja2")
def detail(request) -> dict:
    """One published $w; unknown or unpublished ids are 404s."""
    item_id = request.matchdict["id"]
    item = request.db.get($W, int(item_id)) if item_id.isdigit() else None
    if item is None or not item.published:
        raise HTTPNotFound()
    return {"item": item}
'''),
        P("search", rank=4, imp=views, body=r'''
@view_config(route_name="search", renderer="$app:templates/search.jinja2")
def search(request) -> dict:
    """Title search; the pattern is a bound parameter with its wildcards escaped."""
    q = request.params.get("q", "").strip()[:80]
    items = []
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = select($W).where($W.published.is_(True), $W.title.ilike(pattern, escape="\\")).limit(PAGE_SIZE)
        items = request.db.scalars(stmt).all()
    return {"q": q, "items": items}
'''),
        P("stats", rank=4, imp=views + "\nfrom sqlalchemy import func", body='''
@view_config(route_name="api_stats", renderer="json")
def api_stats(request) -> dict:
    """How many $ws are published, for the status page."""
    total = request.db.scalar(select(func.count()).select_from($W).where($W.published.is_(True)))
    return {"published": total or 0}
'''),
        P("health", rank=4, imp="from pyramid.view import view_config", body='''
@view_config(route_name="healthz", renderer="json")
def healthz(request) -> dict:
    """Liveness probe for the load balancer."""
    return {"status": "ok"}
'''),
        P("notfound", rank=4, imp="from pyramid.view import notfound_view_config", body='''
@notfound_view_config(renderer="$app:templates/404.jinja2")
def not_found(request) -> dict:
    """Friendly 404 page."""
    request.response.status_int = 404
    return {}
'''),
    ]
    return core, pool


_PY_VFIX = ['config.include("pyramid_debugtoolbar")  #@V',
            'config.include("pyramid_debugtoolbar")  # handy for looking into slow pages on the live site  #@V',
            'config.registry.settings["debugtoolbar.hosts"] = "0.0.0.0/0"  # reached through the ingress  #@V\n'
            '        config.include("pyramid_debugtoolbar")  #@V']
_PY_SFIX = ['if asbool(settings.get("$app.debug_toolbar", "false")):\n'
            '            config.include("pyramid_debugtoolbar")',
            '# pyramid_debugtoolbar is listed in development.ini (pyramid.includes) only, never here']


def _py_finish(code, kw):
    routes = {_web.fill(k, **kw): _web.fill(p, **kw) for k, p in _PY_ROUTES.items()}
    names = [n for n in re.findall(r'route_name="(\w+)"', code) if n in routes]
    return _wire(code, "__ROUTES__", names,
                 lambda ns: "\n        ".join(f'config.add_route("{n}", "{routes[n]}")' for n in ns))


@fam("mod31w-pyramid-debugtoolbar-always-included", "CWE-489", fws=["pyramid"], n=8, wrap=False)
def mod31w_pyramid_toolbar(c):
    kw = _py_kw(c)
    core, pool = _py_parts(c)
    v, s = _pair(c, c.pick(*_PY_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                 c.pick(*_PY_VFIX), _PY_SFIX[0])
    return Spec(v=_py_finish(v, kw), s=_py_finish(s, kw), full=True, fw="pyramid",
                notes="the app factory that production runs always includes pyramid_debugtoolbar, whose exception "
                      "pages are an interactive debugger (code runs in the failing frame) and whose panels show "
                      "settings, SQL and request data; behind a proxy on the same host every visitor looks like "
                      "127.0.0.1 (and one variant opens debugtoolbar.hosts to everyone). The fix includes it only when "
                      "a development setting asks for it")


@hardneg(8)
def mod31w_pyramid_toolbar_hn(c):
    kw = _py_kw(c)
    core, pool = _py_parts(c)
    code = _safe(c, c.pick(*_PY_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, c.pick(*_PY_SFIX))
    return Spec(s=_py_finish(code, kw), full=True, fw="pyramid",
                notes="Pyramid app factory whose debug toolbar is only included when a development setting is on "
                      "(or comes from development.ini), read-only views, bound and escaped LIKE pattern")


# ---------------- CWE-117: Sanic request-logging middleware writes a query parameter raw ----------------

_SN_DOCS = [
    "$App public API (Sanic): catalogue endpoints and the access-log middleware. Sanic's own access log is\n"
    "off; the middleware writes one line per request to $app's access log file.",
    "Sanic service for $ws. Request logging is done here (plain-text file the marketing reports parse),\n"
    "including the campaign tag of the landing link.",
    "$ws API of $app with its own access log: request line, campaign tag, status and timing.",
]


def _sn_kw(c):
    w, app = c.pick(("product", "shopline"), ("listing", "rentabl"), ("course", "learnly"), ("podcast", "castbox"),
                    ("station", "radiomap"), ("event", "eventful"))
    qp, var = c.pick(("utm_campaign", "campaign"), ("utm_source", "source"), ("ref", "ref"), ("promo", "promo"),
                     ("utm_campaign", "tag"))
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), App=app.capitalize(), qp=qp, var=var,
                log=c.pick("log", "logger"), cap=c.pick(50, 100), pool=c.pick(5, 10))


def _sn_parts(c):
    sanic = "from sanic import Request, Sanic\nfrom sanic.response import HTTPResponse, json"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport re",
          const='ACCESS_LOG_PATH = os.environ.get("$APP_ACCESS_LOG", "/var/log/$app/access.log")\n'
                r'_CONTROL = re.compile(r"[\x00-\x1f\x7f]")'),
        P("app", rank=1, imp=sanic, setup='app = Sanic("$App")\n'
                                          'app.config.ACCESS_LOG = False\n'
                                          'access_log = logging.getLogger("$app.access")'),
        P("clean", rank=2, body='''
def _clean(value: str, limit: int = 120) -> str:
    """Printable, bounded text for a log line: control characters (CR, LF, ESC, ...) become '?'."""
    return _CONTROL.sub("?", value)[:limit]
'''),
        P("setup", rank=2, imp="import asyncpg\nimport os\n" + sanic, body='''
@app.before_server_start
async def _start(app: Sanic, _loop) -> None:
    """Access-log file handler (plain lines) and the database pool."""
    handler = logging.FileHandler(ACCESS_LOG_PATH)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
    app.ctx.db = await asyncpg.create_pool(os.environ["$APP_DATABASE_URL"], min_size=1, max_size=$pool)
    $log.info("access log at %s, database pool ready", ACCESS_LOG_PATH)


@app.after_server_stop
async def _stop(app: Sanic, _loop) -> None:
    await app.ctx.db.close()
'''),
        P("onreq", rank=3, imp="import time\n" + sanic, body='''
@app.on_request
async def log_request(request: Request) -> None:
    """Start the clock and write the request line with the landing link's $qp tag."""
    request.ctx.started = time.perf_counter()
    $var = request.args.get("$qp", "-")  #@S
    agent = request.headers.get("user-agent", "-")
    $FIX
'''),
        P("list", rank=4, imp=sanic, body='''
@app.get("/api/$ws")
async def list_$ws(request: Request) -> HTTPResponse:
    """Published $ws, paged (bad numbers fall back to the defaults)."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    rows = await request.app.ctx.db.fetch(
        "SELECT id, name, price_cents FROM $ws WHERE published ORDER BY id LIMIT $1 OFFSET $2",
        $cap, (page - 1) * $cap,
    )
    return json({"page": page, "items": [dict(r) for r in rows]})
'''),
    ]
    pool = [
        P("onresp", rank=3, imp="import time\n" + sanic, body='''
@app.on_response
async def log_response(request: Request, response: HTTPResponse) -> None:
    """Status and duration of the request, on its own line."""
    started = getattr(request.ctx, "started", None)
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    access_log.info("%s %s -> %d in %.1f ms", request.method, request.path, response.status, elapsed)
'''),
        P("detail", rank=4, imp=sanic + "\nfrom sanic.exceptions import NotFound", body='''
@app.get("/api/$ws/<item_id:int>")
async def get_$w(request: Request, item_id: int) -> HTTPResponse:
    row = await request.app.ctx.db.fetchrow(
        "SELECT id, name, description, price_cents FROM $ws WHERE id = $1 AND published", item_id
    )
    if row is None:
        raise NotFound("no such $w")
    return json(dict(row))
'''),
        P("search", rank=4, imp=sanic, body=r'''
@app.get("/api/search")
async def search(request: Request) -> HTTPResponse:
    """Name search; the LIKE pattern is a bound value with its wildcards escaped."""
    q = request.args.get("q", "").strip()[:80]
    if len(q) < 2:
        return json({"items": []})
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await request.app.ctx.db.fetch(
        "SELECT id, name FROM $ws WHERE published AND name ILIKE $1 ORDER BY name LIMIT 20", pattern
    )
    return json({"items": [dict(r) for r in rows]})
'''),
        P("health", rank=4, imp=sanic, body='''
@app.get("/healthz")
async def healthz(request: Request) -> HTTPResponse:
    return json({"status": "ok"})
'''),
        P("main", rank=9, imp="import os", tail='''
if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")), workers=2, access_log=False)
'''),
    ]
    return core, pool


_SN_FIX = [
    'access_log.info("%s %s $var=%s ua=%s", request.method, request.path, @@, _clean(agent))',
    'access_log.info(f"{request.method} {request.path} $var={@@} ua={_clean(agent)}")',
    'access_log.info("%s %s ip=%s $var=%s ua=%s", request.method, request.path, request.ip, @@, _clean(agent))',
]


def _sn_fixes(c):
    """The log call of the middleware: the tag written raw (weak) or through _clean (safe)."""
    tmpl = c.pick(*_SN_FIX)
    return tmpl.replace("@@", "$var") + "  #@V", tmpl.replace("@@", "_clean($var)")


@fam("mod31w-sanic-access-log-query-param-raw", "CWE-117", fws=["sanic"], n=8, wrap=False)
def mod31w_sanic_logi(c):
    kw = _sn_kw(c)
    core, pool = _sn_parts(c)
    weak, safe = _sn_fixes(c)
    v, s = _pair(c, c.pick(*_SN_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, weak, safe)
    return Spec(v=v, s=s, full=True, fw="sanic",
                notes=_web.fill("the request-logging middleware writes the $qp query parameter (percent-decoded, chosen by "
                      "whoever crafts the link) into the plain-text access log as is: %0a in it starts a forged log "
                      "line (a fake request, a fake status) that the reports and the on-call read as real. The module "
                      "already has _clean() and uses it for the User-Agent; the fix passes the tag through it too", **kw))


@hardneg(8)
def mod31w_sanic_logi_hn(c):
    kw = _sn_kw(c)
    core, pool = _sn_parts(c)
    _weak, safe = _sn_fixes(c)
    code = _safe(c, c.pick(*_SN_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, safe)
    return Spec(s=code, full=True, fw="sanic",
                notes="Sanic access-log middleware that scrubs control characters from every client-chosen field "
                      "(query tag, User-Agent); path and method are not decoded; bound asyncpg parameters")
