"""Train-only whole-module families (libs16): API services in aiohttp, Flask-RESTX, Flask-Smorest and
Tornado with one weak statement among ordinary safe code, each with its minimal fix as twin and a
``@hardneg(10)`` builder of safe modules dense with look-alike idioms.

Covers: an aiohttp CSRF middleware whose exemption set also lists a cookie-authenticated payout path
(352), a request header passed through ``logging.LoggerAdapter`` ``extra`` into a plain formatter (117),
a Flask-Smorest webhook that computes the HMAC but never compares it (347), a Tornado service calling an
internal API with a bearer token over ``http://`` (319), a Flask-RESTX maintenance resource missing the
token decorator every other resource has (306), and an aiohttp feature-flag API building an lxml
``xpath`` over its configuration XML from the path (643).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "io", "mimetypes", "queue", "shutil", "ssl", "stat", "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)

_WORDS = ["payout", "invoice", "shipment", "booking", "refund", "transfer", "voucher", "order"]


def _kw(c):
    w = c.pick(*_WORDS)
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"),
                svc=c.pick("ledger", "billing", "fulfil", "treasury", "payments"),
                page=c.pick(20, 25, 50), maxpage=c.pick(100, 200))


# ---------------- CWE-352: aiohttp CSRF middleware with a cookie-authenticated path in its exempt set ----------------

_CSRF_DOCS = ["$W API (aiohttp): cookie sessions for the web app, a double-submit CSRF check for unsafe methods.",
              "aiohttp service for $ws. Browsers authenticate with the session cookie; writes need the CSRF header.",
              "HTTP API for $ws behind the SPA: aiohttp_session cookies, a CSRF middleware and JSON handlers."]


def _csrf_parts(c):
    hdr = c.pick("X-CSRF-Token", "X-XSRF-Token", "X-Csrf-Token")
    ck = c.pick("csrf_token", "XSRF-TOKEN", "csrftoken")
    mw_shape = c.pick("frozen", "prefix")
    check = ("                if request.path in CSRF_EXEMPT_PATHS:\n                    return await handler(request)"
             if mw_shape == "frozen" else
             "                if any(request.path == p or request.path.startswith(p + \"/\") for p in CSRF_EXEMPT_PATHS):\n"
             "                    return await handler(request)")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const=f'SAFE_METHODS = frozenset({{"GET", "HEAD", "OPTIONS"}})\nCSRF_HEADER = "{hdr}"\n'
                                  f'CSRF_COOKIE = "{ck}"\n$FIX'),
        P("mw", rank=1, imp="import hmac\nfrom aiohttp import web", body='''
            @web.middleware
            async def csrf_middleware(request: web.Request, handler):
                """Double-submit check: the header must equal the CSRF cookie on every unsafe request."""
                if request.method in SAFE_METHODS:
                    return await handler(request)
''' + check + '''
                cookie = request.cookies.get(CSRF_COOKIE, "")
                header = request.headers.get(CSRF_HEADER, "")
                if not cookie or not hmac.compare_digest(cookie, header):
                    $log.warning("csrf check failed on %s", request.path)
                    raise web.HTTPForbidden(text="csrf check failed")
                return await handler(request)
        '''),
        P("user", rank=1, imp="from aiohttp import web\nfrom aiohttp_session import get_session", body='''
            async def current_user(request: web.Request) -> int:
                session = await get_session(request)
                user_id = session.get("user_id")
                if user_id is None:
                    raise web.HTTPUnauthorized()
                return int(user_id)
        '''),
        P("create", rank=3, imp="from aiohttp import web\nfrom .store import $ws", body='''
            async def create_$w(request: web.Request) -> web.Response:
                user_id = await current_user(request)
                body = await request.json()
                amount = int(body.get("amount_cents", 0))
                if amount <= 0 or amount > 5_000_000:
                    raise web.HTTPBadRequest(text="amount out of range")
                row = await $ws.create(owner_id=user_id, amount_cents=amount, account=str(body.get("account", ""))[:64])
                $log.info("$w %s created by user %d", row["id"], user_id)
                return web.json_response(row, status=201)
        '''),
        P("app", rank=5, imp="import base64\nimport os\nfrom aiohttp import web\nfrom aiohttp_session import setup as setup_session\n"
                             "from aiohttp_session.cookie_storage import EncryptedCookieStorage", body='''
            def make_app() -> web.Application:
                app = web.Application(middlewares=[csrf_middleware])
                setup_session(app, EncryptedCookieStorage(base64.urlsafe_b64decode(os.environ["SESSION_KEY"]), secure=True,
                                                          httponly=True))
                app.router.add_get("/api/$ws", list_$ws)
                app.router.add_post("/api/$ws", create_$w)
                app.router.add_post("/api/webhooks/$svc", provider_webhook)
                app.router.add_get("/api/csrf", issue_csrf)
                return app
        '''),
        P("list", rank=3, imp="from aiohttp import web\nfrom .store import $ws", const="PAGE_SIZE = $page\nMAX_PAGE_SIZE = $maxpage", body='''
            async def list_$ws(request: web.Request) -> web.Response:
                user_id = await current_user(request)
                try:
                    limit = min(int(request.query.get("limit", PAGE_SIZE)), MAX_PAGE_SIZE)
                except ValueError:
                    raise web.HTTPBadRequest(text="limit must be an integer")
                rows = await $ws.for_owner(user_id, limit=limit)
                return web.json_response({"items": rows, "count": len(rows)})
        '''),
        P("hook", rank=3, imp="import hashlib\nimport hmac\nimport os\nfrom aiohttp import web\nfrom .store import $ws", body='''
            async def provider_webhook(request: web.Request) -> web.Response:
                """Server-to-server callback: authenticated by its HMAC signature, not by a cookie."""
                raw = await request.read()
                secret = os.environ["$SVC_WEBHOOK_SECRET"].encode()
                expected = hmac.new(secret, raw, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
                    raise web.HTTPUnauthorized()
                await $ws.apply_provider_event(raw)
                return web.Response(status=204)
        '''),
        P("token", rank=3, imp="import secrets\nfrom aiohttp import web", body='''
            async def issue_csrf(request: web.Request) -> web.Response:
                token = secrets.token_urlsafe(32)
                resp = web.json_response({"ok": True})
                resp.set_cookie(CSRF_COOKIE, token, secure=True, samesite="Strict")
                return resp
        '''),
    ]
    pool = []
    if c.pick(True, False):
        core[1] = P("consts", rank=0, const=core[1].const + "\nMAX_BODY = 64 * 1024")
    return core, pool


@fam("mod16-aiohttp-csrf-exempt-set-payout-path", "CWE-352", fws=["script"], n=8, wrap=False)
def mod16_aiohttp_csrf_exempt(c):
    kw = _kw(c)
    kw["SVC"] = kw["svc"].upper()
    core, pool = _csrf_parts(c)
    hook = "/api/webhooks/$svc"
    extra = c.pick("/api/health", "/api/session/refresh", "/api/metrics")
    vfix = fill(f'CSRF_EXEMPT_PATHS = frozenset({{"{hook}", "{extra}", "/api/$ws"}})  #@V', **kw)
    sfix = fill(f'CSRF_EXEMPT_PATHS = frozenset({{"{hook}", "{extra}"}})', **kw)
    v, s = pair(c, c.pick(*_CSRF_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, vfix, sfix, lo=60, hi=110)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the CSRF exemption set lists the cookie-authenticated POST /api/<items> endpoint (moving money "
                      "for the session's user) next to the signed webhook, so a page on any site can post a form to it "
                      "with the victim's session cookie; the fix exempts only the signature-authenticated webhook")


@hardneg(10)
def mod16_aiohttp_csrf_exempt_hn(c):
    kw = _kw(c)
    kw["SVC"] = kw["svc"].upper()
    core, pool = _csrf_parts(c)
    extra = c.pick("/api/health", "/api/session/refresh", "/api/metrics")
    core[1] = P("consts", rank=0, const=core[1].const.replace(
        "$FIX", f'CSRF_EXEMPT_PATHS = frozenset({{"/api/webhooks/$svc", "{extra}"}})'))
    code = compose(c, c.pick(*_CSRF_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, lo=60, hi=110)
    return Spec(s=code, full=True, fw="aiohttp",
                notes="only the HMAC-signed webhook and a read-only path skip the CSRF check; every cookie-"
                      "authenticated write needs the double-submit header")


# ---------------- CWE-643: aiohttp feature-flag API, lxml xpath over the configuration XML ----------------

_XP_DOCS = ["Feature-flag API (aiohttp) backed by the deployment's flags.xml.",
            "Read-only API over the tenant configuration XML: flags and limits per tenant, served by aiohttp."]


def _xp_module(c, kw, query_line, doc=None):
    return fill('''
        """$doc"""
        import logging
        import os

        from aiohttp import web
        from lxml import etree

        $log = logging.getLogger("flags.api")

        CONFIG_PATH = os.environ.get("FLAGS_XML", "/etc/$svc/flags.xml")
        _parser = etree.XMLParser(resolve_entities=False, no_network=True)


        def load_config() -> etree._ElementTree:
            """Parse the deployment's configuration once; the file is owned by the release pipeline."""
            return etree.parse(CONFIG_PATH, _parser)


        def _as_bool(values: list) -> bool:
            return bool(values) and str(values[0]).strip().lower() in ("1", "true", "on", "yes")


        async def list_flags(request: web.Request) -> web.Response:
            tree = request.app["config"]
            names = tree.xpath("//feature/@name")
            return web.json_response({"flags": sorted(str(n) for n in names)})


        async def flag_state(request: web.Request) -> web.Response:
            tree = request.app["config"]
            name = request.match_info["name"]  #@S
            if len(name) > 80:
                raise web.HTTPBadRequest(text="name too long")
        $query
            if not values:
                raise web.HTTPNotFound(text="unknown flag")
            $log.info("flag lookup %r", name)
            return web.json_response({"name": name, "enabled": _as_bool(values)})


        async def flag_count(request: web.Request) -> web.Response:
            tree = request.app["config"]
            total = tree.xpath("count(//feature[@enabled='true'])")
            return web.json_response({"enabled": int(total)})


        def make_app() -> web.Application:
            app = web.Application()
            app["config"] = load_config()
            app.router.add_get("/api/flags", list_flags)
            app.router.add_get("/api/flags/count", flag_count)
            app.router.add_get("/api/flags/{name}", flag_state)
            return app
    ''', doc=doc or c.pick(*_XP_DOCS), query=query_line, **kw)


@fam("mod16-aiohttp-flags-xml-xpath-path-name", "CWE-643", fws=["script"], n=8, wrap=False)
def mod16_aiohttp_flags_xpath(c):
    kw = _kw(c)
    attr = c.pick("enabled", "state", "value")
    weak = c.pick(f'    values = tree.xpath(f"//feature[@name=\'{{name}}\']/@{attr}")  #@V',
                  f'    values = tree.xpath("//feature[@name=\'%s\']/@{attr}" % name)  #@V',
                  f'    values = tree.xpath("//feature[@name=\'" + name + "\']/@{attr}")  #@V')
    safe = f'    values = tree.xpath("//feature[@name=$name]/@{attr}", name=name)'
    doc = c.pick(*_XP_DOCS)
    v = _xp_module(c, kw, weak, doc)
    s = _xp_module(c, kw, safe, doc).replace("  #@S", "")
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the flag name from the URL is pasted into the XPath expression, so a name like "
                      "x' or '1'='1 selects other features' values (or the whole configuration through other axes); "
                      "the fix passes it as an XPath variable ($name) that lxml binds as a string")


@hardneg(10)
def mod16_aiohttp_flags_xpath_hn(c):
    kw = _kw(c)
    attr = c.pick("enabled", "state", "value")
    safe = c.pick(f'    values = tree.xpath("//feature[@name=$name]/@{attr}", name=name)',
                  f'    values = [f.get("{attr}") for f in tree.iter("feature") if f.get("name") == name]')
    return Spec(s=_xp_module(c, kw, safe).replace("  #@S", ""), full=True, fw="aiohttp",
                notes="the flag name is bound as an XPath variable or compared in Python, never pasted into the expression")
