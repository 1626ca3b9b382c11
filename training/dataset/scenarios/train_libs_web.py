"""Train-only web families on libraries no other family uses: Sanic, Starlette (exception
handlers, starlette-csrf), CherryPy, bleach, pydantic-settings, lxml.objectify.

Groups: XSS (79), CSRF (352), open redirect (601), cookie flags (1004), errors/debug (209, 489),
exposure (200), upload (434), XXE (611). Written without reading the held-out families; every
family here goes to train (generate.assign_splits).

Framework labels: the record schema knows no Sanic or CherryPy, so Sanic modules are labelled
"aiohttp" (async handler + request object + own server) and CherryPy modules "script"."""
from core import Spec, dedent
from registry import hardneg, fam, WEB_FWS


def _sanic_head(c, W):
    return f'app = Sanic("{W}{c.pick("App", "Service", "Portal", "Api")}")'


def _ind(block: str, n: int) -> str:
    """Indent every line of a dedented block by exactly n spaces (for splicing into a template)."""
    return "\n".join(" " * n + l if l.strip() else "" for l in dedent(block).split("\n"))


def _mod(*parts: str) -> str:
    """A module from parts (each dedented), separated by two blank lines."""
    return "\n\n\n".join(dedent(p).strip("\n") for p in parts if p.strip()) + "\n"


# ---------------- CWE-79: Sanic response.html with an interpolated parameter ----------------


def _sanic_xss(c, safe: bool) -> str:
    w, W, x = c.word, c.word.capitalize(), c.x
    st = c.pick("fstring", "percent", "format", "join")
    val = f"escape({x})" if safe else x
    shape = c.pick("search", "tag", "preview")
    esc = safe or shape == "search"
    if shape == "search":
        page = c.fmt("<h2>Results for {}</h2><p>{} matching entries</p>", val, "str(len(hits))", style=st)
        body = f"""
            @app.get("/{w}s/search")
            async def search_{w}s(request):
                {x} = request.args.get("q", "").strip()  #@S
                hits = [row for row in CATALOG if {x}.lower() in row["title"].lower()][:50]
                items = "".join(f"<li>{{escape(row['title'])}}</li>" for row in hits)
                header = {page}  #@V
                return html("<html><body>" + header + "<ul>" + items + "</ul></body></html>")  #@V
        """
        helpers = f'CATALOG = [{{"title": "{W} handbook"}}, {{"title": "{W} archive 2023"}}, {{"title": "Quarterly {w}"}}]'
    elif shape == "tag":
        page = c.fmt("<h1>" + W + "s tagged {}</h1>", val, style=st)
        body = f"""
            @app.route("/tags/<{x}:str>", unquote=True)
            async def {w}s_by_tag(request, {x}: str):  #@S
                count = TAG_COUNTS.get({x}, 0)
                title = {page}  #@V
                if count == 0:
                    return html(title + "<p>Nothing here yet.</p>", status=404)  #@V
                return html(title + f"<p>{{count}} items</p>")  #@V
        """
        helpers = f'TAG_COUNTS = {{"urgent": 4, "archived": 17, "{w}": 9}}'
    else:
        page = c.fmt('<div class="preview">{}</div>', val, style=st)
        body = f"""
            @app.post("/{w}s/preview")
            async def preview_{w}(request):
                {x} = request.form.get("body", "")  #@S
                if len({x}) > 5000:
                    return html("<p>Too long</p>", status=413)
                rendered = {page}  #@V
                return html(PREVIEW_SHELL.replace("%BODY%", rendered))  #@V
        """
        helpers = 'PREVIEW_SHELL = "<!doctype html><html><body><h3>Preview</h3>%BODY%</body></html>"'
    imports = ("from html import escape\n\n" if esc else "") + "from sanic import Sanic\nfrom sanic.response import html"
    return _mod(imports, _sanic_head(c, W) + "\n\n" + helpers, body,
                'if __name__ == "__main__":\n    app.run(host="0.0.0.0", port=8000)')


@fam("xss-sanic-response-html", "CWE-79", fws=["sanic"], n=8, wrap=False)
def xss_sanic_html(c):
    state = c.snapshot()
    v = _sanic_xss(c, False)
    c.restore(state)
    s = _sanic_xss(c, True)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="sanic.response.html sends the string as text/html as is; the request value is interpolated unescaped (reflected XSS)")


@hardneg(4)
def xss_sanic_html_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f"""
        @app.get("/{w}s/status/<state:str>")
        async def {w}_status(request, state: str):
            total = int(STATS.get(state, 0))
            page = f"<h1>{W}s: {{escape(state)}}</h1><p>{{total}} in this state</p>"
            return html(page)
    """
    return Spec(s=_mod("from html import escape\n\nfrom sanic import Sanic\nfrom sanic.response import html",
                       _sanic_head(c, W) + '\n\nSTATS = {"open": 12, "closed": 40}', body),
                full=True, fw="aiohttp", notes="the path value is HTML-escaped and the count is an int")


# ---------------- CWE-79: bleach.clean with a permissive attribute filter ----------------

_BLEACH_TAGS = '{"a", "b", "i", "em", "strong", "p", "br", "ul", "ol", "li", "img", "code", "blockquote"}'


def _bleach_mod(c, safe: bool) -> str:
    w, x = c.word, c.x
    kind = c.pick("all", "deny")
    if safe:
        filt = "return name in ALLOWED_ATTRIBUTES.get(tag, ())"
    elif kind == "all":
        filt = "return True  #@V"
    else:
        filt = 'return name not in ("style", "class")  #@V'
    policy = f"""
        ALLOWED_TAGS = {_BLEACH_TAGS}
        ALLOWED_ATTRIBUTES = {{"a": ("href", "title"), "img": ("src", "alt", "width", "height")}}


        def _allow_attribute(tag, name, value):
            {filt}


        def sanitize(text):
            return bleach.clean(text, tags=ALLOWED_TAGS, attributes=_allow_attribute, strip=True)
    """
    if c.fw == "flask":
        imports = "import bleach\nfrom flask import Flask, render_template, request\nfrom markupsafe import Markup"
        pre = "app = Flask(__name__)\nCOMMENTS = {}"
        body = f"""
            @app.route("/{w}s/<int:{w}_id>/comments", methods=["POST"])
            def add_comment({w}_id):
                {x} = request.form.get("comment", "")  #@S
                COMMENTS.setdefault({w}_id, []).append(sanitize({x}))
                return render_template("{w}_comments.html", comments=[Markup(c) for c in COMMENTS[{w}_id]])  #@V
        """
    elif c.fw == "django":
        imports = ("import bleach\nfrom django.http import HttpResponse\nfrom django.utils.safestring import mark_safe\n"
                   "from django.views.decorators.http import require_POST")
        pre = ""
        body = f"""
            @require_POST
            def update_bio(request):
                {x} = request.POST.get("bio", "")  #@S
                profile = request.user.profile
                profile.bio_html = sanitize({x})
                profile.save(update_fields=["bio_html"])
                return HttpResponse(mark_safe(f"<section class='bio'>{{profile.bio_html}}</section>"))  #@V
        """
    else:
        imports = "import bleach\nfrom fastapi import FastAPI, Form\nfrom fastapi.responses import HTMLResponse"
        pre = "app = FastAPI()"
        body = f"""
            @app.post("/{w}s/render", response_class=HTMLResponse)
            async def render_{w}(text: str = Form(...)):
                {x} = text.strip()  #@S
                cleaned = sanitize({x})
                return HTMLResponse(f"<article class='{w}'>{{cleaned}}</article>")  #@V
        """
    return _mod(imports, pre, policy, body)


@fam("xss-bleach-attribute-callable", "CWE-79", fws=["flask", "django", "fastapi"], n=8, wrap=False)
def xss_bleach_attr(c):
    state = c.snapshot()
    v = _bleach_mod(c, False)
    c.restore(state)
    s = _bleach_mod(c, True)
    return Spec(v=v, s=s, full=True,
                notes="bleach keeps every attribute the callable accepts; a filter that accepts all (or only denies style/class) "
                      "lets onerror/onmouseover handlers through, and the cleaned HTML is rendered as safe")


@hardneg(4)
def xss_bleach_attr_hn(c):
    w, x = c.word, c.x
    body = f"""
        @app.route("/{w}s/notes", methods=["POST"])
        def add_note():
            {x} = request.form.get("note", "")
            cleaned = bleach.clean({x}, tags={{"b", "i", "em", "strong", "p", "a"}}, attributes={{"a": ["href", "title"]}},
                                   protocols={{"http", "https", "mailto"}}, strip=True)
            return render_template("{w}_note.html", note=Markup(cleaned))
    """
    return Spec(s=_mod("import bleach\nfrom flask import Flask, render_template, request\nfrom markupsafe import Markup",
                       "app = Flask(__name__)", body),
                full=True, fw="flask", notes="bleach with an allow-list of tags, attributes and URL schemes")


# ---------------- CWE-352: starlette-csrf middleware configured to skip the unsafe requests ----------------


def _csrf_mod(c, safe: bool) -> str:
    w = c.word
    kind = c.pick("methods", "exempt")
    field, action = c.pick(("email", "update_email"), ("payout_iban", "update_payout_account"),
                           ("phone", "update_recovery_phone"), ("display_name", "rename_account"))
    if safe:
        mw_args = 'secret=os.environ["CSRF_SECRET"]'
    elif kind == "methods":
        mw_args = 'secret=os.environ["CSRF_SECRET"], safe_methods={"GET", "HEAD", "OPTIONS", "POST"}'
    else:
        mw_args = 'secret=os.environ["CSRF_SECRET"], exempt_urls=[re.compile(r"^/account/.*")]'
    mark = "" if safe else "  #@V"
    need_re = (not safe and kind == "exempt")
    if c.fw == "starlette":
        imports = ("import os\n" + ("import re\n" if need_re else "") + "\n"
                   "from starlette.applications import Starlette\nfrom starlette.middleware import Middleware\n"
                   "from starlette.middleware.sessions import SessionMiddleware\n"
                   "from starlette.responses import JSONResponse\nfrom starlette.routing import Route\n"
                   f"from starlette_csrf import CSRFMiddleware\n\nfrom .accounts import {action}")
        body = f"""
            async def change_{field}(request):
                uid = request.session.get("uid")
                if uid is None:
                    return JSONResponse({{"error": "login required"}}, status_code=401)
                data = await request.json()
                await {action}(uid, data["{field}"])
                return JSONResponse({{"ok": True}})
        """
        app = f"""
            middleware = [
                Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True),
                Middleware(CSRFMiddleware, {mw_args}),{mark}
            ]
            app = Starlette(routes=[Route("/account/{field}", change_{field}, methods=["POST"])], middleware=middleware)
        """
        return _mod(imports, body, app)
    imports = ("import os\n" + ("import re\n" if need_re else "") + "\n"
               "from fastapi import Depends, FastAPI, Request\nfrom starlette.middleware.sessions import SessionMiddleware\n"
               f"from starlette_csrf import CSRFMiddleware\n\nfrom .accounts import {action}, current_user")
    app = f"""
        app = FastAPI()
        app.add_middleware(CSRFMiddleware, {mw_args}){mark}
        app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True)
    """
    body = f"""
        @app.post("/account/{field}")
        async def change_{field}(request: Request, user=Depends(current_user)):
            data = await request.json()
            await {action}(user.id, data["{field}"])
            return {{"ok": True, "{w}": "updated"}}
    """
    return _mod(imports, app, body)


@fam("csrf-starlette-csrf-middleware-config", "CWE-352", fws=["starlette", "fastapi"], n=8, wrap=False)
def csrf_starlette_csrf(c):
    state = c.snapshot()
    v = _csrf_mod(c, False)
    c.restore(state)
    s = _csrf_mod(c, True)
    return Spec(v=v, s=s, full=True,
                notes="starlette-csrf only checks methods outside safe_methods and URLs not in exempt_urls; adding POST to the "
                      "safe methods (or exempting the /account routes) leaves the session-cookie-authenticated account change forgeable; "
                      "the session cookie is SameSite=None (the app is embedded cross-site), so browsers send it on forged requests")


@hardneg(4)
def csrf_starlette_csrf_hn(c):
    w = c.word
    hook, verify, header = c.pick(("stripe", "verify_stripe_signature", "Stripe-Signature"),
                                  ("github", "verify_github_signature", "X-Hub-Signature-256"),
                                  ("slack", "verify_slack_signature", "X-Slack-Signature"))
    s = f"""
        import os
        import re

        from fastapi import FastAPI, Request
        from starlette_csrf import CSRFMiddleware

        from .{w}_events import {verify}, record_event

        app = FastAPI()
        app.add_middleware(CSRFMiddleware, secret=os.environ["CSRF_SECRET"], exempt_urls=[re.compile(r"^/webhooks/{hook}$")])


        @app.post("/webhooks/{hook}")
        async def {hook}_webhook(request: Request):
            payload = await request.body()
            event = {verify}(payload, request.headers.get("{header}", ""))
            await record_event("{w}", event)
            return {{"received": True}}
    """
    return Spec(s=_mod(s), full=True, fw="fastapi",
                notes="only the signature-verified, cookie-less webhook URL is exempt from the CSRF check")


# ---------------- CWE-601: CherryPy HTTPRedirect to a request parameter ----------------

_LOCAL_CHECK = '''
    def _is_local(url):
        parts = urlsplit(url)
        return (not parts.scheme and not parts.netloc and url.startswith("/")
                and not url.startswith("//") and "\\\\" not in url)
'''


def _cherry_mod(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("logout", "login", "switch")
    param = c.pick("return_to", "next", "redirect_uri", "back")
    guard = f"""
                if not _is_local({param}):
                    {param} = "/"
""" if safe else ""
    if shape == "logout":
        meth = f"""
            @cherrypy.expose
            def logout(self, {param}="/"):  #@S
                cherrypy.lib.sessions.expire(){guard.rstrip()}
                raise cherrypy.HTTPRedirect({param})  #@V
        """
    elif shape == "login":
        meth = f"""
            @cherrypy.expose
            def login(self, username="", password="", {param}="/{w}s"):  #@S
                if cherrypy.request.method != "POST":
                    return open_template("login.html").render({param}={param})
                user = check_credentials(username, password)
                if user is None:
                    return open_template("login.html").render(error="Invalid login", {param}={param})
                cherrypy.session["uid"] = user.id{guard.rstrip()}
                raise cherrypy.HTTPRedirect({param}, status=303)  #@V
        """
    else:
        meth = f"""
            @cherrypy.expose
            def switch_language(self, lang="en", **params):
                {param} = params.get("{param}") or "/"  #@S
                if lang in ("en", "de", "fr"):
                    cherrypy.session["lang"] = lang{guard.rstrip()}
                raise cherrypy.HTTPRedirect({param})  #@V
        """
    meth = dedent(meth)
    cls = f"class {W}Portal:\n" + "\n".join(("    " + l) if l.strip() else "" for l in meth.split("\n"))
    imports = "import cherrypy\n" + ("from urllib.parse import urlsplit\n" if safe else "") + (
        f"\nfrom {w}_portal.auth import check_credentials\nfrom {w}_portal.templates import open_template"
        if shape == "login" else "")
    run = f"""
        if __name__ == "__main__":
            cherrypy.config.update({{"server.socket_host": "0.0.0.0", "server.socket_port": 8080, "tools.sessions.on": True}})
            cherrypy.quickstart({W}Portal(), "/")
    """
    return _mod(imports, _LOCAL_CHECK if safe else "", cls, run)


@fam("redirect-cherrypy-httpredirect", "CWE-601", fws=["cherrypy"], n=8, wrap=False)
def redirect_cherrypy(c):
    state = c.snapshot()
    v = _cherry_mod(c, False)
    c.restore(state)
    s = _cherry_mod(c, True)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="cherrypy.HTTPRedirect sends the browser to the query/form value as given: any absolute or "
                      "scheme-relative URL is an open redirect")


@hardneg(4)
def redirect_cherrypy_hn(c):
    w, W = c.word, c.word.capitalize()
    s = f"""
        import cherrypy

        DESTINATIONS = {{"home": "/", "{w}s": "/{w}s", "settings": "/account/settings"}}


        class {W}Portal:
            @cherrypy.expose
            def go(self, to="home"):
                raise cherrypy.HTTPRedirect(DESTINATIONS.get(to, "/"))

            @cherrypy.expose
            def logout(self):
                cherrypy.lib.sessions.expire()
                raise cherrypy.HTTPRedirect("/login")
    """
    return Spec(s=_mod(s), full=True, fw="script", notes="redirect targets come from a fixed table of local paths")


# ---------------- CWE-1004: Sanic add_cookie leaves httponly at its default (False) ----------------


def _sanic_cookie(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    name = c.pick("session", "sid", f"{w}_session", "auth")
    kind = c.pick("omitted", "explicit")
    age = c.pick("3600", "86400", "60 * 60 * 8")
    if safe:
        flags = f"max_age={age}, secure=True, httponly=True, samesite=\"Lax\""
    elif kind == "omitted":
        flags = f"max_age={age}, secure=True, samesite=\"Lax\""
    else:
        flags = f"max_age={age}, secure=True, httponly=False, samesite=\"Lax\""
    body = f"""
        @app.post("/auth/login")
        async def login(request):
            creds = request.json or {{}}
            user = await authenticate(creds.get("username", ""), creds.get("password", ""))
            if user is None:
                return json({{"error": "invalid credentials"}}, status=401)
            token = await create_session(user.id)
            response = json({{"ok": True, "user": user.username}})
            response.add_cookie("{name}", token, {flags})  #@V
            return response
    """
    body2 = f"""
        @app.post("/auth/logout")
        async def logout(request):
            response = json({{"ok": True}})
            response.delete_cookie("{name}")
            return response
    """
    imports = f"from sanic import Sanic\nfrom sanic.response import json\n\nfrom {w}_app.auth import authenticate, create_session"
    return _mod(imports, _sanic_head(c, W), body, body2)


@fam("cookie-sanic-add-cookie-httponly", "CWE-1004", fws=["sanic"], n=8, wrap=False)
def cookie_sanic(c):
    state = c.snapshot()
    v = _sanic_cookie(c, False)
    c.restore(state)
    s = _sanic_cookie(c, True)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="Sanic's add_cookie defaults to httponly=False: the session token cookie is readable from page scripts, "
                      "so any XSS can steal it")


@hardneg(4)
def cookie_sanic_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f"""
        @app.get("/prefs/theme/<theme:str>")
        async def set_theme(request, theme: str):
            response = json({{"theme": theme}})
            response.add_cookie("theme", theme if theme in ("light", "dark") else "light", max_age=31536000, samesite="Lax")
            return response
    """
    return Spec(s=_mod("from sanic import Sanic\nfrom sanic.response import json", _sanic_head(c, W), body),
                full=True, fw="aiohttp", notes="a UI preference cookie the page script is meant to read; no credential in it")


# ---------------- CWE-489: Sanic server started with debug=True ----------------


def _sanic_debug(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("run", "prepare", "single")
    dbg = 'debug=os.environ.get("SANIC_DEBUG") == "1"' if safe else "debug=True"
    mark = "" if safe else "  #@V"
    port = c.pick("8000", "8080", "9000")
    body = c.pick(f"""
        @app.get("/api/{w}s/<{w}_id:int>")
        async def get_{w}(request, {w}_id: int):
            row = await request.app.ctx.db.fetchrow("SELECT id, title, status FROM {w}s WHERE id = $1", {w}_id)
            if row is None:
                return json({{"error": "not found"}}, status=404)
            return json(dict(row))
    """, f"""
        @app.get("/api/{w}s")
        async def list_{w}s(request):
            limit = min(int(request.args.get("limit", "20")), 100)
            rows = await request.app.ctx.db.fetch("SELECT id, title FROM {w}s ORDER BY id DESC LIMIT $1", limit)
            return json({{"items": [dict(r) for r in rows]}})


        @app.get("/healthz")
        async def healthz(request):
            return json({{"ok": True}})
    """)
    hooks = f"""
        @app.before_server_start
        async def connect_db(app, loop):
            app.ctx.db = await asyncpg.create_pool(os.environ["DATABASE_URL"])
    """
    if shape == "run":
        main = f"""
            if __name__ == "__main__":
                app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "{port}")), workers=4, {dbg}){mark}
        """
    elif shape == "prepare":
        main = f"""
            if __name__ == "__main__":
                app.prepare(host="0.0.0.0", port={port}, {dbg}, access_log=True){mark}
                Sanic.serve()
        """
    else:
        main = f"""
            def main():
                app.config.FALLBACK_ERROR_FORMAT = "json"
                app.run(host="0.0.0.0", port={port}, single_process=True, {dbg}){mark}


            if __name__ == "__main__":
                main()
        """
    imports = "import os\n\nimport asyncpg\nfrom sanic import Sanic\nfrom sanic.response import json"
    return _mod(imports, _sanic_head(c, W), hooks, body, main)


@fam("debug-sanic-run-debug", "CWE-489", fws=["sanic"], n=8, wrap=False)
def debug_sanic(c):
    state = c.snapshot()
    v = _sanic_debug(c, False)
    c.restore(state)
    s = _sanic_debug(c, True)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the production entry point starts Sanic in debug mode on a server bound to all interfaces: "
                      "error responses carry the exception and its traceback, and debug logging and access logs are on "
                      "(auto-reload comes only with dev=True, not with debug=True)")


@hardneg(4)
def debug_sanic_hn(c):
    w, W = c.word, c.word.capitalize()
    main = f"""
        def main(argv=None):
            parser = argparse.ArgumentParser(description="{W} API server")
            parser.add_argument("--debug", action="store_true", help="development mode (local only)")
            args = parser.parse_args(argv)
            host = "127.0.0.1" if args.debug else "0.0.0.0"
            app.run(host=host, port=8000, debug=args.debug, auto_reload=args.debug)


        if __name__ == "__main__":
            main()
    """
    body = f"""
        @app.get("/health")
        async def health(request):
            return json({{"status": "ok", "service": "{w}"}})
    """
    return Spec(s=_mod("import argparse\n\nfrom sanic import Sanic\nfrom sanic.response import json", _sanic_head(c, W), body, main),
                full=True, fw="aiohttp", notes="debug is an opt-in command-line flag, off by default and bound to localhost")


# ---------------- CWE-209: Starlette exception_handlers returning the traceback ----------------


def _starlette_errors(c, safe: bool) -> str:
    w = c.word
    kind = c.pick("plain", "json", "status500")
    key = "Exception" if kind != "status500" else "500"
    log = c.n("log")
    if safe:
        handler = f"""
            async def server_error(request: Request, exc: Exception):
                incident = uuid.uuid4().hex[:12]
                {log}.error("unhandled error %s on %s", incident, request.url.path, exc_info=exc)
                return JSONResponse({{"error": "internal server error", "incident": incident}}, status_code=500)
        """
    elif kind == "plain":
        handler = f"""
            async def server_error(request: Request, exc: Exception):
                {log}.error("unhandled error on %s", request.url.path, exc_info=exc)
                return PlainTextResponse(traceback.format_exc(), status_code=500)  #@V
        """
    else:
        handler = f"""
            async def server_error(request: Request, exc: Exception):
                {log}.error("unhandled error on %s", request.url.path, exc_info=exc)
                trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))  #@V
                return JSONResponse({{"error": str(exc), "type": type(exc).__name__, "trace": trace}}, status_code=500)  #@V
        """
    body = f"""
        async def {w}_summary(request: Request):
            {w}_id = int(request.path_params["{w}_id"])
            async with request.app.state.pool.acquire() as conn:
                row = await conn.fetchrow("SELECT id, total, currency FROM {w}s WHERE id = $1", {w}_id)
            return JSONResponse({{"id": row["id"], "total": str(row["total"]), "currency": row["currency"]}})
    """
    lifespan = """
        @asynccontextmanager
        async def lifespan(app):
            app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"])
            yield
            await app.state.pool.close()
    """
    app = f"""
        app = Starlette(
            routes=[Route("/{w}s/{{{w}_id:int}}/summary", {w}_summary)],
            exception_handlers={{{key}: server_error}},
            lifespan=lifespan,
        )
    """
    imports = ("import logging\nimport os\n" + ("import uuid\n" if safe else "import traceback\n") +
               "from contextlib import asynccontextmanager\n"
               "\nimport asyncpg\nfrom starlette.applications import Starlette\nfrom starlette.requests import Request\n"
               "from starlette.responses import JSONResponse" + (", PlainTextResponse" if kind == "plain" and not safe else "") +
               "\nfrom starlette.routing import Route")
    return _mod(imports, f"{log} = logging.getLogger(__name__)", handler, body, lifespan, app)


@fam("errors-starlette-exception-handlers", "CWE-209", fws=["starlette"], n=8, wrap=False)
def errors_starlette(c):
    state = c.snapshot()
    v = _starlette_errors(c, False)
    c.restore(state)
    s = _starlette_errors(c, True)
    return Spec(v=v, s=s, full=True,
                notes="the catch-all Starlette exception handler sends the stack trace (file paths, source lines, SQL, "
                      "exception text) to the client")


@hardneg(4)
def errors_starlette_hn(c):
    w = c.word
    s = f"""
        import logging
        import traceback

        from starlette.applications import Starlette
        from starlette.exceptions import HTTPException
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        logger = logging.getLogger(__name__)


        async def http_error(request: Request, exc: HTTPException):
            return JSONResponse({{"error": exc.detail}}, status_code=exc.status_code)


        async def server_error(request: Request, exc: Exception):
            logger.error("unhandled error on %s\\n%s", request.url.path, traceback.format_exc())
            return JSONResponse({{"error": "internal server error"}}, status_code=500)


        async def ping(request: Request):
            return JSONResponse({{"service": "{w}", "ok": True}})


        app = Starlette(routes=[Route("/ping", ping)], exception_handlers={{HTTPException: http_error, Exception: server_error}})
    """
    return Spec(s=_mod(s), full=True, fw="starlette",
                notes="the traceback goes to the server log; the client gets a generic message and the HTTP error's own detail")


# ---------------- CWE-200: pydantic-settings object dumped by a config endpoint ----------------


@fam("expose-pydantic-settings-dump", "CWE-200", fws=WEB_FWS, keys=["section", "key", "field"], n=8)
def expose_settings(c):
    x, w = c.x, c.word
    secret = c.pick("stripe_secret_key", "smtp_password", "jwt_signing_secret", "s3_secret_access_key")
    helpers = f"""
        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", env_prefix="{w.upper()}_")

            app_name: str = "{w}-service"
            region: str = "eu-west-1"
            database_url: str
            {secret}: str
            feature_flags: list[str] = []
            page_size: int = 50


        settings = Settings()
    """
    v = f"""
        config = settings.model_dump()  #@V
        result = config if not {x} else {{{x}: config.get({x})}}
    """
    s = f"""
        config = settings.model_dump(include={{"app_name", "region", "feature_flags", "page_size"}})
        result = config if not {x} else {{{x}: config.get({x})}}
    """
    return Spec(v=v, s=s, imports="from pydantic_settings import BaseSettings, SettingsConfigDict", helpers=helpers,
                notes=f"the public config endpoint returns every setting, including database_url (with its password) and {secret}")


@hardneg(4)
def expose_settings_hn(c):
    x, w = c.x, c.word
    helpers = f"""
        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="{w.upper()}_")

            app_name: str = "{w}-service"
            region: str = "eu-west-1"
            database_password: SecretStr
            api_token: SecretStr
            page_size: int = 50


        settings = Settings()
    """
    s = f"""
        config = settings.model_dump(mode="json", exclude={{"database_password", "api_token"}})
        result = config if not {x} else {{{x}: config.get({x})}}
    """
    return Spec(s=s, imports="from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings, SettingsConfigDict",
                helpers=helpers, notes="credentials are SecretStr and excluded from the dumped settings")


# ---------------- CWE-434: Sanic request.files written into a served directory under the client's name ----------------


def _sanic_upload(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    field, folder = c.pick(("avatar", "avatars"), ("attachment", "attachments"), ("logo", "logos"), ("photo", "photos"))
    multi = c.pick(False, True)
    exts = c.pick('{".png", ".jpg", ".jpeg", ".gif", ".webp"}', '{".png", ".jpg", ".jpeg"}')
    if safe:
        check = f"""
            ext = os.path.splitext(upload.name)[1].lower()
            if ext not in ALLOWED_EXTENSIONS:
                return json({{"error": "unsupported file type"}}, status=415)
            name = uuid.uuid4().hex + ext"""
    else:
        check = """
            name = os.path.basename(upload.name)  #@V"""
    check = dedent(check)
    if multi:
        body = f"""
            @app.post("/{w}s/<{w}_id:int>/{folder}")
            async def upload_{folder}(request, {w}_id: int):
                saved = []
                for upload in request.files.getlist("{field}") or []:  #@S
                    if len(upload.body) > MAX_BYTES:
                        return json({{"error": "file too large"}}, status=413)
{_ind(check, 20)}
                    with open(os.path.join(UPLOAD_DIR, name), "wb") as fh:  #@V
                        fh.write(upload.body)
                    saved.append(f"/static/{folder}/{{name}}")
                return json({{"{w}": {w}_id, "files": saved}})
        """
    else:
        body = f"""
            @app.post("/{w}s/<{w}_id:int>/{field}")
            async def upload_{field}(request, {w}_id: int):
                upload = request.files.get("{field}")  #@S
                if upload is None:
                    return json({{"error": "no file"}}, status=400)
                if len(upload.body) > MAX_BYTES:
                    return json({{"error": "file too large"}}, status=413)
{_ind(check, 16)}
                with open(os.path.join(UPLOAD_DIR, name), "wb") as fh:  #@V
                    fh.write(upload.body)
                return json({{"{w}": {w}_id, "url": f"/static/{folder}/{{name}}"}})
        """
    imports = "import os\n" + ("import uuid\n" if safe else "") + "\nfrom sanic import Sanic\nfrom sanic.response import json"
    consts = (f'UPLOAD_DIR = os.path.join(os.path.dirname(__file__), "static", "{folder}")\nMAX_BYTES = 5 * 1024 * 1024'
              + (f"\nALLOWED_EXTENSIONS = {exts}" if safe else ""))
    app = f'{_sanic_head(c, W)}\napp.static("/static", os.path.join(os.path.dirname(__file__), "static"))'
    return _mod(imports, consts, app, body)


@fam("upload-sanic-request-files", "CWE-434", fws=["sanic"], n=8, wrap=False)
def upload_sanic(c):
    state = c.snapshot()
    v = _sanic_upload(c, False)
    c.restore(state)
    s = _sanic_upload(c, True)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="any file type (.html, .svg, .js) is stored under the client's file name in a directory the app serves "
                      "statically from its own origin, so an uploaded page runs script for every visitor")


@hardneg(4)
def upload_sanic_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f"""
        @app.post("/{w}s/import")
        async def import_{w}s(request):
            upload = request.files.get("csv")
            if upload is None or not upload.name.lower().endswith(".csv"):
                return json({{"error": "a .csv file is required"}}, status=400)
            rows = list(csv.DictReader(io.StringIO(upload.body.decode("utf-8", errors="replace"))))
            with open(os.path.join(IMPORT_DIR, uuid.uuid4().hex + ".csv"), "wb") as fh:
                fh.write(upload.body)
            return json({{"imported": len(rows)}})
    """
    imports = "import csv\nimport io\nimport os\nimport uuid\n\nfrom sanic import Sanic\nfrom sanic.response import json"
    return Spec(s=_mod(imports, 'IMPORT_DIR = "/var/lib/' + w + '/imports"', _sanic_head(c, W), body), full=True, fw="aiohttp",
                notes="only .csv accepted, stored under a random name outside any served directory")


# ---------------- CWE-611: lxml.objectify parser built with resolve_entities=True ----------------


@fam("xxe-lxml-objectify-makeparser", "CWE-611", fws=["flask", "fastapi", "script", "cli", "pipeline"],
     keys=["xml", "payload", "document"], n=8)
def xxe_objectify(c):
    x, w = c.x, c.word
    extra = c.pick("remove_blank_text=True, ", "", "huge_tree=False, ")
    tail = c.pick(
        f'result = {{"id": str(getattr({c.n("doc")}, "id", "")), "fields": [child.tag for child in {c.n("doc")}.iterchildren()]}}',
        f'result = [(child.tag, str(child.text)) for child in {c.n("doc")}.iterchildren()]',
        f'result = {{child.tag: child.pyval for child in {c.n("doc")}.iterchildren() if child.countchildren() == 0}}')
    d = c.n("doc")
    data = f'{x}.encode("utf-8") if isinstance({x}, str) else {x}'
    v = f"""
        parser = objectify.makeparser({extra}resolve_entities=True)  #@V
        {d} = objectify.fromstring({data}, parser)  #@V
        {tail}
    """
    s = f"""
        parser = objectify.makeparser({extra}resolve_entities=False, no_network=True)
        {d} = objectify.fromstring({data}, parser)
        {tail}
    """
    return Spec(v=v, s=s, imports="from lxml import objectify",
                notes=f"the objectify parser substitutes entities, so a DOCTYPE declaring <!ENTITY x SYSTEM 'file:///etc/passwd'> "
                      f"in the {w} XML is read from disk into the parsed values (XXE)")


@hardneg(4)
def xxe_objectify_hn(c):
    x = c.x
    d = c.n("doc")
    s = f"""
        parser = objectify.makeparser(resolve_entities=False, no_network=True, load_dtd=False)
        {d} = objectify.fromstring({x}.encode("utf-8") if isinstance({x}, str) else {x}, parser)
        result = sorted(child.tag for child in {d}.iterchildren())
    """
    return Spec(s=s, imports="from lxml import objectify", notes="entities are not resolved and no DTD or network access is allowed")
