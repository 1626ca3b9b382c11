"""Train-only whole-module web/access families on libraries no other family uses: Quart HTML
routes, Flask-SeaSurf, Litestar redirects, Pyramid's AuthTktCookieHelper, CherryPy error
configuration, Flask-RESTX models, Django Ninja routers, Flask-Smorest MethodViews and Tornado's
AsyncHTTPClient. Each module (about 55-90 lines) holds one weakness among ordinary safe code, and its
twin differs only by the minimal fix.

Framework labels: the record schema has no Quart, Litestar, CherryPy, Flask-RESTX, Flask-Smorest
or Django Ninja kind, so Quart / Flask-SeaSurf / Flask-RESTX / Flask-Smorest modules are labelled
"flask", Litestar "starlette" (ASGI), Django Ninja "django", CherryPy "script" (own server);
Pyramid and Tornado keep their own kinds. ``ctx.fw`` in the notes keeps the concrete stack.
Written without reading the held-out or val_* families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _w
from registry import fam, hardneg


def T(text: str, **kw) -> str:
    """Dedent ``text`` and substitute ``$name`` tokens, longest names first."""
    text = dedent(text)
    for k in sorted(kw, key=len, reverse=True):
        text = text.replace("$" + k, str(kw[k]))
    return text.strip("\n") + "\n"


def _pair(tmpl: str, vfix, sfix, **kw):
    """Vulnerable and safe module from one template; ``$FIX``/``$FIX2`` take ``vfix``/``sfix``."""
    if isinstance(vfix, str):
        vfix, sfix = (vfix,), (sfix,)
    names = ["FIX"] + [f"FIX{i}" for i in range(2, len(vfix) + 1)]
    v = T(tmpl, **kw, **dict(zip(names, vfix)))
    s = T(tmpl, **kw, **dict(zip(names, sfix)))
    return v, _clean(s)


def _blocks(c, *blocks) -> str:
    """Optional blocks (None skipped) in a drawn order, joined by two blank lines."""
    out = [dedent(b).strip("\n") for b in blocks if b]
    c.rng.shuffle(out)
    return "\n\n\n".join(out)


# ---------------- CWE-79: Quart route returning an f-string HTML page ----------------


def _quart_xss(c):
    w, W = _w(c)
    x = c.pick("q", "term", "query", "needle")
    shape = c.pick("search", "tag", "empty")
    ps = c.pick(20, 25, 50)
    if shape == "search":
        route = f'@app.get("/{w}s/search")\nasync def search_{w}s():\n    {x} = request.args.get("q", "").strip()[:MAX_Q]  #@S'
        vfix = f'return f"<h2>Results for {{{x}}}</h2><ul>{{rows}}</ul>"  #@V'
        sfix = f'return f"<h2>Results for {{html.escape({x})}}</h2><ul>{{rows}}</ul>"'
        hits = f"await store.search({x}, limit=PAGE_SIZE)"
    elif shape == "tag":
        route = f'@app.get("/{w}s/tags/<{x}>")\nasync def {w}s_by_tag({x}: str):  #@S'
        vfix = f'return f"<h1>Tagged: {{{x}}}</h1><ul>{{rows}}</ul>"  #@V'
        sfix = f'return f"<h1>Tagged: {{html.escape({x})}}</h1><ul>{{rows}}</ul>"'
        hits = f"await store.by_tag({x}[:MAX_Q], limit=PAGE_SIZE)"
    else:
        route = f'@app.get("/{w}s/find")\nasync def find_{w}s():\n    {x} = request.args.get("name", "").strip()[:MAX_Q]  #@S'
        vfix = f'return f"<p class=\\"empty\\">Nothing matched <b>{{{x}}}</b> yet.</p>" if not rows else f"<ul>{{rows}}</ul>"  #@V'
        sfix = f'return f"<p class=\\"empty\\">Nothing matched <b>{{html.escape({x})}}</b> yet.</p>" if not rows else f"<ul>{{rows}}</ul>"'
        hits = f"await store.search({x}, limit=PAGE_SIZE)"
    handler = route + f'''
    log.debug("$w lookup %r", {x})
    hits = [Hit(r.id, r.title, r.score) for r in {hits}]
    rows = "".join(f'<li><a href="/$ws/{{h.id}}">{{html.escape(h.title)}}</a></li>' for h in hits)
    $FIX'''
    listing = '''
        @app.get("/$ws")
        async def list_$ws():
            items = await store.list(offset=(_page() - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            return await render_template("$w/list.html", items=items, page=_page())
    '''
    detail = '''
        @app.get("/$ws/<int:item_id>.json")
        async def $w_json(item_id: int):
            item = await store.get(item_id)
            if item is None:
                abort(404)
            return jsonify(id=item.id, title=item.title, tags=sorted(item.tags))
    '''
    create = '''
        @app.post("/$ws")
        async def create_$w():
            data = await request.get_json()
            title = (data or {}).get("title", "").strip()
            if not title or len(title) > 200:
                abort(400)
            item = await store.create(title=title, tags=(data or {}).get("tags", []))
            log.info("created $w %s", item.id)
            return jsonify(id=item.id), 201
    '''
    headers = '''
        @app.after_request
        async def _no_sniff(response):
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response
    '''
    tmpl = '''
        """$W pages for the Quart front end: listing, JSON detail, creation and lookup."""
        from __future__ import annotations

        import html
        import logging
        from dataclasses import dataclass

        from quart import Quart, abort, jsonify, render_template, request

        from .store import $WStore

        app = Quart(__name__)
        log = logging.getLogger("$w.web")
        store = $WStore()
        PAGE_SIZE = $ps
        MAX_Q = 120


        @dataclass
        class Hit:
            id: int
            title: str
            score: float


        def _page() -> int:
            try:
                return max(1, int(request.args.get("page", "1")))
            except ValueError:
                return 1


        $BODY
    '''
    body = _blocks(c, T(listing, w=w), T(detail, w=w), c.pick(T(create, w=w), None),
                   c.pick(T(headers), None), handler)
    tmpl = T(tmpl).replace("$BODY", body)
    v, s = _pair(tmpl, vfix, sfix, w=w, W=W, ps=ps)
    return v, s


@fam("xss-quart-fstring-page", "CWE-79", fws=["quart"], n=8, wrap=False)
def xss_quart(c):
    v, s = _quart_xss(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="a Quart route returns a str, which Quart serves as text/html; the request value "
                      "is interpolated into it without html.escape (reflected XSS)")


@hardneg(4)
def xss_quart_hn(c):
    _, s = _quart_xss(c)
    return Spec(s=s, full=True, fw="flask",
                notes="every user value in the HTML string is passed through html.escape")


# ---------------- CWE-352: Flask-SeaSurf exempt on a cookie-authenticated state change ----------------


def _seasurf(c, vuln=True):
    w, W = _w(c)
    action = c.pick("email", "delete", "password")
    if action == "email":
        act = '''
            @app.post("/settings/email")
            $FIX
            @login_required
            def change_email():
                new_email = request.form.get("email", "").strip().lower()
                if "@" not in new_email or len(new_email) > 254:
                    abort(400)
                current_user.email = new_email
                current_user.email_verified = False
                db.session.commit()
                log.info("user %s changed email", current_user.id)
                flash("Email updated; check your inbox to confirm it.")
                return redirect(url_for("settings_page"))
        '''
    elif action == "delete":
        act = '''
            @app.post("/settings/delete-account")
            $FIX
            @login_required
            def delete_account():
                if request.form.get("confirm") != "DELETE":
                    abort(400)
                user_id = current_user.id
                db.session.delete(User.query.get_or_404(user_id))
                db.session.commit()
                logout_user()
                log.warning("account %s deleted by its owner", user_id)
                return redirect(url_for("settings_page"))
        '''
    else:
        act = '''
            @app.post("/settings/password")
            $FIX
            @login_required
            def change_password():
                new_pw = request.form.get("new_password", "")
                if len(new_pw) < 12:
                    abort(400)
                current_user.set_password(new_pw)
                db.session.commit()
                log.info("user %s changed password", current_user.id)
                flash("Password changed.")
                return redirect(url_for("settings_page"))
        '''
    hook = '''
        @app.post("/hooks/$w-billing")
        @csrf.exempt
        def billing_webhook():
            # server-to-server call: authenticated by its HMAC signature, not by a session cookie
            if not _valid_signature(request.get_data(), request.headers.get("X-Signature", "")):
                abort(403)
            event = request.get_json(force=True)
            log.info("billing event %s for customer %s", event.get("type"), event.get("customer"))
            return "", 204
    '''
    page = '''
        @app.get("/settings")
        @login_required
        def settings_page():
            return render_template("settings.html", user=current_user)
    '''
    prefs = '''
        @app.post("/settings/notifications")
        @login_required
        def save_notifications():
            current_user.notify_$ws = request.form.get("notify_$ws") == "on"
            digest = request.form.get("digest", "weekly")
            current_user.digest = digest if digest in ("daily", "weekly") else "weekly"
            db.session.commit()
            return redirect(url_for("settings_page"))
    '''
    head = '''
        """Account settings pages and the billing webhook of the $W portal (Flask + Flask-SeaSurf)."""
        from __future__ import annotations

        import hashlib
        import hmac
        import logging
        import os

        from flask import Flask, abort, flash, redirect, render_template, request, url_for
        from flask_login import current_user, login_required, logout_user
        from flask_seasurf import SeaSurf

        from .models import User, db

        log = logging.getLogger(__name__)
        app = Flask(__name__)
        app.config.update(
            SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_HTTPONLY=True,
        )
        csrf = SeaSurf(app)
        WEBHOOK_SECRET = os.environ["BILLING_WEBHOOK_SECRET"].encode()


        def _valid_signature(payload: bytes, header: str) -> bool:
            expected = hmac.new(WEBHOOK_SECRET, payload, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, header or "")


        $BODY
    '''
    body = _blocks(c, T(page), T(hook, w=w), act, c.pick(T(prefs, w=w), None))
    tmpl = T(head).replace("$BODY", body)
    if vuln:
        v = T(tmpl, W=W, w=w, FIX="@csrf.exempt  #@V")
        s = "\n".join(l for l in T(tmpl, W=W, w=w, FIX="@@DROP").split("\n") if l.strip() != "@@DROP") + "\n"
        return v, s
    return None, "\n".join(l for l in T(tmpl, W=W, w=w, FIX="@@DROP").split("\n") if l.strip() != "@@DROP") + "\n"


@fam("csrf-seasurf-exempt-settings", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_seasurf(c):
    v, s = _seasurf(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="a session-cookie authenticated settings action is exempted from Flask-SeaSurf's "
                      "token check, so a cross-site form post performs it for the logged-in victim")


@hardneg(4)
def csrf_seasurf_hn(c):
    _, s = _seasurf(c, vuln=False)
    return Spec(s=s, full=True, fw="flask",
                notes="only the HMAC-signed server-to-server webhook is exempt from the CSRF check")


# ---------------- CWE-601: Litestar Redirect to an unchecked next / return_to parameter ----------------


def _litestar_redirect(c, hard=False):
    w, W = _w(c)
    shape = c.pick("login", "locale")
    param = c.pick("next_url", "return_to", "target")
    qname = c.pick("next", "return_to", "redirect")
    if shape == "login":
        handler = f'''
            @post("/login")
            async def login(
                self,
                request: Request,
                data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
                {param}: str = Parameter(query="{qname}", default="/"),  #@S
            ) -> Redirect:
                user = await users.authenticate(data.username, data.password)
                if user is None:
                    log.info("failed login for %s", data.username)
                    return Redirect(path="/login?error=1")
                request.set_session({{"user_id": user.id, "tenant": user.tenant_id}})
                log.info("user %s logged in", user.id)
                $FIX'''
        vfix = f"return Redirect(path={param})  #@V"
        sfix = f"return Redirect(path=_local_path({param}))"
        other = f'''
            @get("/logout")
            async def logout(self, request: Request, {param}: str = Parameter(query="{qname}", default="/")) -> Redirect:
                request.clear_session()
                return Redirect(path=_local_path({param}))'''
    else:
        handler = f'''
            @get("/locale/{{code:str}}")
            async def switch_locale(
                self, request: Request, code: str, {param}: str = Parameter(query="{qname}", default="/")  #@S
            ) -> Redirect:
                if code not in SUPPORTED_LOCALES:
                    raise NotFoundException(detail="unknown locale")
                request.set_session({{**request.session, "locale": code}})
                $FIX'''
        vfix = f"return Redirect(path={param})  #@V"
        sfix = f"return Redirect(path=_local_path({param}))"
        other = f'''
            @get("/logout")
            async def logout(self, request: Request, {param}: str = Parameter(query="{qname}", default="/")) -> Redirect:
                request.clear_session()
                return Redirect(path=_local_path({param}))'''
    tmpl = '''
        """Session routes of the $W web app (Litestar): sign-in page, logout and preferences."""
        from __future__ import annotations

        import logging
        from dataclasses import dataclass
        from typing import Annotated
        from urllib.parse import urlsplit

        from litestar import Controller, Request, get, post
        from litestar.enums import RequestEncodingType
        from litestar.exceptions import NotFoundException
        from litestar.params import Body, Parameter
        from litestar.response import Redirect, Template

        from .users import UserService

        log = logging.getLogger("$w.session")
        users = UserService()
        SUPPORTED_LOCALES = frozenset({"en", "de", "fr", "es", "nl"})


        @dataclass
        class LoginForm:
            username: str
            password: str


        def _local_path(target: str) -> str:
            """Only same-site absolute paths are allowed as redirect targets."""
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\\\" in target:
                return "/"
            return target


        class SessionController(Controller):
            path = "/"

            @get("/login")
            async def login_form(self, error: int = 0) -> Template:
                return Template(template_name="login.html", context={"error": bool(error)})

        $HANDLERS
    '''
    hs = [dedent(handler), dedent(other)]
    c.rng.shuffle(hs)
    body = "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in h.split("\n")) for h in hs)
    tmpl = T(tmpl).replace("$HANDLERS", body)
    return _pair(tmpl, sfix if hard else vfix, sfix, w=w, W=W)


@fam("redirect-litestar-redirect-param", "CWE-601", fws=["litestar"], n=8, wrap=False)
def redirect_litestar(c):
    v, s = _litestar_redirect(c)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="a Litestar Redirect goes to a query parameter as given; the _local_path check "
                      "used by the sibling route is skipped here (open redirect)")


@hardneg(4)
def redirect_litestar_hn(c):
    _, s = _litestar_redirect(c, hard=True)
    return Spec(s=s, full=True, fw="starlette",
                notes="every Redirect target from a query parameter goes through the same-site path check")


# ---------------- CWE-1004: Pyramid AuthTktCookieHelper without http_only ----------------


def _pyramid_authtkt(c):
    w, W = _w(c)
    max_age = c.pick(3600, 8 * 3600, 86400)
    hashalg = c.pick("sha512", "sha256")
    vfix = c.pick(
        f'self.helper = AuthTktCookieHelper(secret, hashalg="{hashalg}", secure=True, max_age=MAX_AGE)  #@V',
        f'self.helper = AuthTktCookieHelper(secret, hashalg="{hashalg}", secure=True, http_only=False, max_age=MAX_AGE)  #@V',
    )
    sfix = f'self.helper = AuthTktCookieHelper(secret, hashalg="{hashalg}", secure=True, http_only=True, max_age=MAX_AGE)'
    views = '''
        @view_config(route_name="login", renderer="templates/login.jinja2", request_method=("GET", "POST"))
        def login_view(request):
            error = None
            if request.method == "POST":
                login = request.POST.get("login", "").strip()
                user = request.dbsession.query(User).filter_by(login=login).one_or_none()
                if user is not None and user.check_password(request.POST.get("password", "")):
                    log.info("user %s logged in", user.id)
                    return HTTPSeeOther(request.route_url("$w_home"), headers=remember(request, str(user.id)))
                error = "Unknown login or wrong password"
            return {"error": error}


        @view_config(route_name="logout", request_method="POST", require_csrf=True)
        def logout_view(request):
            return HTTPSeeOther(request.route_url("login"), headers=forget(request))
    '''
    tmpl = '''
        """Authentication for the $W Pyramid app: security policy, login and logout views."""
        import logging

        from pyramid.authentication import AuthTktCookieHelper
        from pyramid.authorization import ACLHelper, Authenticated, Everyone
        from pyramid.httpexceptions import HTTPSeeOther
        from pyramid.request import RequestLocalCache
        from pyramid.security import forget, remember
        from pyramid.view import view_config

        from .models import User

        log = logging.getLogger(__name__)
        MAX_AGE = $max_age


        class $WSecurityPolicy:
            def __init__(self, secret: str):
                $FIX
                self.identity_cache = RequestLocalCache(self.load_identity)
                self.acl = ACLHelper()

            def load_identity(self, request):
                identity = self.helper.identify(request)
                if identity is None:
                    return None
                user = request.dbsession.get(User, int(identity["userid"]))
                if user is None or not user.active:
                    return None
                return user

            def identity(self, request):
                return self.identity_cache.get_or_create(request)

            def authenticated_userid(self, request):
                user = self.identity(request)
                return None if user is None else user.id

            def permits(self, request, context, permission):
                principals = [Everyone]
                user = self.identity(request)
                if user is not None:
                    principals += [Authenticated, f"user:{user.id}"] + [f"role:{r}" for r in user.roles]
                return self.acl.permits(context, principals, permission)

            def remember(self, request, userid, **kw):
                return self.helper.remember(request, userid, **kw)

            def forget(self, request, **kw):
                return self.helper.forget(request, **kw)


        $VIEWS


        def includeme(config):
            settings = config.get_settings()
            config.set_security_policy($WSecurityPolicy(settings["$w.auth_secret"]))
            config.set_default_csrf_options(require_csrf=True)
            config.add_route("login", "/login")
            config.add_route("logout", "/logout")
            config.scan(__name__)
    '''
    tmpl = T(tmpl).replace("$VIEWS", T(views, w=w).rstrip("\n"))
    return _pair(tmpl, vfix, sfix, w=w, W=W, max_age=max_age)


@fam("cookie-pyramid-authtkt-httponly", "CWE-1004", fws=["pyramid"], n=8, wrap=False)
def cookie_pyramid(c):
    v, s = _pyramid_authtkt(c)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="AuthTktCookieHelper defaults to http_only=False: the auth_tkt login cookie is "
                      "readable from page JavaScript, so any XSS can steal the session")


# ---------------- CWE-209: CherryPy tracebacks in error responses ----------------


def _cherrypy_errors(c):
    w, W = _w(c)
    shape = c.pick("flag", "handler")
    port = c.pick(8080, 8081, 9000, 8443)
    ps = c.pick(20, 25, 50)
    if shape == "flag":
        err_fn = ""
        err_cfg = ""
        vfix = '"request.show_tracebacks": True,  #@V'
        sfix = '"request.show_tracebacks": False,'
    else:
        err_fn = '''
            def _json_error(status, message, traceback, version):
                cherrypy.response.headers["Content-Type"] = "application/json"
                $FIX'''
        err_cfg = '"error_page.default": _json_error,'
        vfix = 'return json.dumps({"status": status, "message": message, "traceback": traceback})  #@V'
        sfix = ('log.error("request failed with %s: %s\\n%s", status, message, traceback)\n'
                '    return json.dumps({"status": status, "message": message})')
    health = c.pick('''
        @cherrypy.expose
        @cherrypy.tools.json_out()
        def health(self):
            return {"status": "ok", "db": store.ping()}''', "")
    tmpl = '''
        """$W JSON API served by CherryPy: listing, detail, creation and health check."""
        import json
        import logging

        import cherrypy

        from .store import NotFound, $WStore

        log = logging.getLogger("$w.api")
        store = $WStore()
        MAX_PAGE = 200


        class $WApi:
            @cherrypy.expose
            @cherrypy.tools.json_out()
            def index(self, page="1", size="$ps"):
                try:
                    page_n, size_n = max(1, int(page)), min(MAX_PAGE, max(1, int(size)))
                except ValueError:
                    raise cherrypy.HTTPError(400, "page and size must be integers")
                rows = store.list(offset=(page_n - 1) * size_n, limit=size_n)
                return {"items": [r.as_dict() for r in rows], "page": page_n}

            @cherrypy.expose
            @cherrypy.tools.json_out()
            def default(self, item_id):
                try:
                    return store.get(int(item_id)).as_dict()
                except (ValueError, NotFound):
                    raise cherrypy.NotFound()

            @cherrypy.expose
            @cherrypy.tools.allow(methods=["POST"])
            @cherrypy.tools.json_in()
            @cherrypy.tools.json_out()
            def create(self):
                data = cherrypy.request.json
                title = str(data.get("title", "")).strip()
                if not title or len(title) > 200:
                    raise cherrypy.HTTPError(400, "title is required (max 200 characters)")
                item = store.create(title=title)
                log.info("created $w %s", item.id)
                cherrypy.response.status = 201
                return item.as_dict()
        $HEALTH
        $ERRFN


        CONFIG = {
            "global": {
                "server.socket_host": "0.0.0.0",
                "server.socket_port": $port,
                "engine.autoreload.on": False,
                "log.screen": False,
                $FLAG
            },
            "/": {
                $ERRCFG
                "tools.encode.on": True,
                "tools.response_headers.on": True,
                "tools.response_headers.headers": [("X-Content-Type-Options", "nosniff")],
            },
        }


        def main():
            logging.basicConfig(level=logging.INFO)
            cherrypy.quickstart($WApi(), "/api/$ws", CONFIG)


        if __name__ == "__main__":
            main()
    '''
    tmpl = T(tmpl)
    tmpl = tmpl.replace("$HEALTH\n", ("\n" + "\n".join(("    " + l) if l.strip() else "" for l in dedent(health).split("\n")) + "\n") if health else "")
    tmpl = tmpl.replace("$ERRFN\n", ("\n\n" + dedent(err_fn) + "\n") if err_fn else "")
    if shape == "flag":
        tmpl = tmpl.replace("$FLAG", "$FIX").replace("        $ERRCFG\n", "")
    else:
        tmpl = tmpl.replace("        $FLAG\n", "").replace("$ERRCFG", err_cfg)
    return _pair(tmpl, vfix, sfix, w=w, W=W, port=port, ps=ps)


@fam("errors-cherrypy-show-tracebacks", "CWE-209", fws=["cherrypy"], n=8, wrap=False)
def errors_cherrypy(c):
    v, s = _cherrypy_errors(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="CherryPy puts the Python traceback of a failed request into the error response "
                      "(request.show_tracebacks on, or an error_page.default that returns it), exposing "
                      "code paths, file names and data to any client")


# ---------------- CWE-200: Flask-RESTX response model that marshals a secret column ----------------


def _restx_model(c, hard=False):
    w, W = _w(c)
    secret = c.pick(('"api_token": fields.String,', "api_token"),
                    ('"password_hash": fields.String(attribute="password"),', "password"),
                    ('"totp_secret": fields.String,', "totp_secret"),
                    ('"reset_token": fields.String(attribute="reset_token"),', "reset_token"))
    ps = c.pick(20, 25, 50)
    if hard:
        vfix = c.pick('"has_api_token": fields.Boolean(attribute=lambda m: m.api_token_hash is not None),',
                      '"password_changed": fields.DateTime(attribute="password_changed_at", dt_format="iso8601"),',
                      '"totp_enabled": fields.Boolean(attribute=lambda m: bool(m.totp_secret)),')
        sfix = vfix
    else:
        vfix, sfix = secret[0] + "  #@V", "@@DROP"
    tmpl = '''
        """Member directory API of the $W service (Flask-RESTX namespace)."""
        import logging

        from flask_login import current_user, login_required
        from flask_restx import Namespace, Resource, abort, fields, reqparse

        from .models import Member, db

        log = logging.getLogger(__name__)
        ns = Namespace("members", description="$W team directory")
        PAGE_SIZE = $ps

        member_model = ns.model("Member", {
            "id": fields.Integer(readonly=True),
            "display_name": fields.String(required=True),
            "email": fields.String,
            "team": fields.String(attribute="team.name"),
            "role": fields.String(enum=["viewer", "editor", "owner"]),
            $FIX
            "joined": fields.DateTime(attribute="created_at", dt_format="iso8601"),
        })

        member_update = ns.model("MemberUpdate", {
            "display_name": fields.String(required=True, min_length=1, max_length=80),
            "timezone": fields.String,
        })

        list_args = reqparse.RequestParser()
        list_args.add_argument("team", type=str, location="args")
        list_args.add_argument("page", type=int, default=1, location="args")


        @ns.route("/")
        class MemberList(Resource):
            method_decorators = [login_required]

            @ns.expect(list_args)
            @ns.marshal_list_with(member_model)
            def get(self):
                args = list_args.parse_args()
                q = Member.query.filter_by(org_id=current_user.org_id)
                if args["team"]:
                    q = q.filter(Member.team.has(name=args["team"]))
                return q.order_by(Member.display_name).paginate(page=args["page"], per_page=PAGE_SIZE).items


        @ns.route("/<int:member_id>")
        @ns.response(404, "Member not found")
        class MemberItem(Resource):
            method_decorators = [login_required]

            def _load(self, member_id):
                member = Member.query.filter_by(id=member_id, org_id=current_user.org_id).first()
                if member is None:
                    abort(404, "Member not found")
                return member

            @ns.marshal_with(member_model)
            def get(self, member_id):
                return self._load(member_id)

            @ns.expect(member_update, validate=True)
            @ns.marshal_with(member_model)
            def patch(self, member_id):
                member = self._load(member_id)
                if member.id != current_user.id:
                    abort(403, "Only the member can edit their own entry")
                member.display_name = ns.payload["display_name"]
                member.timezone = ns.payload.get("timezone") or member.timezone
                db.session.commit()
                log.info("member %s updated", member.id)
                return member
    '''
    v, s = _pair(tmpl, vfix, sfix, w=w, W=W, ps=ps)
    s = "\n".join(l for l in s.split("\n") if l.strip() != "@@DROP") + "\n"
    return v, s


@fam("expose-restx-model-secret-field", "CWE-200", fws=["flask"], n=8, wrap=False)
def expose_restx(c):
    v, s = _restx_model(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the Flask-RESTX response model marshals a credential column (token / password hash / "
                      "TOTP secret) of every member to any logged-in user of the organisation")


@hardneg(4)
def expose_restx_hn(c):
    _, s = _restx_model(c, hard=True)
    return Spec(s=s, full=True, fw="flask",
                notes="the model exposes only a derived flag or timestamp about the credential, not the credential")


# ---------------- CWE-639: Django Ninja router, one handler without the owner filter ----------------


def _ninja(c, hard=False):
    w, W = _w(c)
    ps = c.pick(20, 25, 50)
    bad = None if hard else c.pick("get", "update", "delete")
    owner = c.pick("request.auth", "request.user")

    def lookup(which):
        if which == bad:
            return f"obj = get_object_or_404($W, id=$w_id)  #@V", "  #@S"
        return f"obj = get_object_or_404($W, id=$w_id, owner={owner})", ""

    g, gs = lookup("get")
    u, us = lookup("update")
    d, ds = lookup("delete")
    get_h = f'''
        @router.get("/{{$w_id}}", response=$WOut)
        def get_$w(request, $w_id: int):{gs}
            {g}
            return obj'''
    upd_h = f'''
        @router.put("/{{$w_id}}", response=$WOut)
        def update_$w(request, $w_id: int, payload: $WIn):{us}
            {u}
            obj.title = payload.title
            obj.body = payload.body
            obj.archived = payload.archived
            obj.save(update_fields=["title", "body", "archived", "updated_at"])
            return obj'''
    del_h = f'''
        @router.delete("/{{$w_id}}", response={{204: None}})
        def delete_$w(request, $w_id: int):{ds}
            {d}
            obj.delete()
            log.info("user %s deleted $w %s", {owner}.pk, $w_id)
            return 204, None'''
    lst = f'''
        @router.get("/", response=list[$WOut])
        @paginate(PageNumberPagination, page_size=$ps)
        def list_$ws(request, archived: bool = False):
            return $W.objects.filter(owner={owner}, archived=archived).order_by("-updated_at")'''
    new = f'''
        @router.post("/", response={{201: $WOut}})
        def create_$w(request, payload: $WIn):
            obj = $W.objects.create(owner={owner}, **payload.dict())
            log.info("user %s created $w %s", {owner}.pk, obj.pk)
            return 201, obj'''
    handlers = [dedent(h) for h in (lst, new, get_h, upd_h, del_h)]
    if c.rng.random() < 0.5:
        handlers = handlers[:2] + _shuffle3(c, handlers[2:])
    body = "\n\n\n".join(handlers)
    tmpl = '''
        """$W endpoints of the Django Ninja API: list, create, read, update and delete."""
        import logging
        from datetime import datetime

        from django.shortcuts import get_object_or_404
        from ninja import Router, Schema
        from ninja.pagination import PageNumberPagination, paginate
        from ninja.security import django_auth

        from .models import $W

        log = logging.getLogger(__name__)
        router = Router(auth=django_auth, tags=["$ws"])


        class $WIn(Schema):
            title: str
            body: str = ""
            archived: bool = False


        class $WOut(Schema):
            id: int
            title: str
            body: str
            archived: bool
            updated_at: datetime


        $BODY
    '''
    code = T(T(tmpl).replace("$BODY", body), w=w, W=W, ps=ps)
    return code, _clean(code.replace(f"obj = get_object_or_404({W}, id={w}_id)  #@V",
                                      f"obj = get_object_or_404({W}, id={w}_id, owner={owner})"))


def _shuffle3(c, hs):
    hs = list(hs)
    c.rng.shuffle(hs)
    return hs


@fam("idor-ninja-router-object", "CWE-639", fws=["ninja"], n=8, wrap=False)
def idor_ninja(c):
    v, s = _ninja(c)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="one Django Ninja handler loads the object by the id from the path without the "
                      "owner filter its sibling handlers apply, so any logged-in user reads / changes / "
                      "deletes another user's object (IDOR)")


@hardneg(4)
def idor_ninja_hn(c):
    code, _ = _ninja(c, hard=True)
    return Spec(s=_clean(code), full=True, fw="django",
                notes="every handler scopes get_object_or_404 to the requesting user")


# ---------------- CWE-306: Flask-Smorest MethodView, one method without the token decorator ----------------


def _smorest(c, hard=False):
    w, W = _w(c)
    bad = None if hard else c.pick("delete", "put", "purge")
    ps = c.pick(20, 25, 50)

    def guard(which):
        return ("", "  #@V") if which == bad else ("@token_required\n" + " " * 12, "")

    gd, md = guard("delete")
    gp, mp = guard("put")
    gu, mu = guard("purge")
    coll = '''
        @blp.route("/")
        class $WCollection(MethodView):
            @token_required
            @blp.arguments($WQuerySchema, location="query")
            @blp.response(200, $WSchema(many=True))
            def get(self, args):
                q = $W.query
                if args.get("status"):
                    q = q.filter_by(status=args["status"])
                return q.order_by($W.id.desc()).limit(args.get("limit", PAGE_SIZE)).all()

            @token_required
            @blp.arguments($WSchema)
            @blp.response(201, $WSchema)
            def post(self, new_item):
                item = $W(created_by=g.api_key.id, **new_item)
                db.session.add(item)
                db.session.commit()
                log.info("api key %s created $w %s", g.api_key.id, item.id)
                return item'''
    item = f'''
        @blp.route("/<int:item_id>")
        class $WItem(MethodView):
            @token_required
            @blp.response(200, $WSchema)
            def get(self, item_id):
                return db.get_or_404($W, item_id)

            {gp}@blp.arguments($WSchema(partial=True))
            @blp.response(200, $WSchema)
            def put(self, changes, item_id):{mp}
                item = db.get_or_404($W, item_id)
                for field in ("title", "status", "due"):
                    if field in changes:
                        setattr(item, field, changes[field])
                db.session.commit()
                return item

            {gd}@blp.response(204)
            def delete(self, item_id):{md}
                item = db.get_or_404($W, item_id)
                db.session.delete(item)
                db.session.commit()
                log.warning("$w %s deleted", item_id)'''
    purge = f'''
        @blp.route("/purge")
        class $WPurge(MethodView):
            {gu}@blp.response(202)
            def post(self):{mu}
                cutoff = datetime.now(timezone.utc) - timedelta(days=RETENTION_DAYS)
                n = $W.query.filter($W.updated_at < cutoff).delete()
                db.session.commit()
                log.warning("purged %d $ws older than %s", n, cutoff.date())'''
    tmpl = '''
        """Internal operations API for $ws (Flask-Smorest); callers authenticate with hashed API keys."""
        import functools
        import hashlib
        import logging
        from datetime import datetime, timedelta, timezone

        from flask import g, request
        from flask.views import MethodView
        from flask_smorest import Blueprint, abort

        from .models import ApiKey, $W, db
        from .schemas import $WQuerySchema, $WSchema

        log = logging.getLogger(__name__)
        blp = Blueprint("$ws", __name__, url_prefix="/api/$ws", description="$W resources")
        PAGE_SIZE = $ps
        RETENTION_DAYS = 90


        def token_required(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                scheme, _, token = request.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not token:
                    abort(401, message="missing bearer token")
                key = ApiKey.query.filter_by(digest=hashlib.sha256(token.encode()).hexdigest()).first()
                if key is None or key.revoked:
                    abort(401, message="invalid or revoked token")
                g.api_key = key
                return fn(*args, **kwargs)
            return wrapper


        $BODY
    '''
    body = "\n\n\n".join(dedent(b) for b in (coll, item, purge))
    code = T(T(tmpl).replace("$BODY", body), w=w, W=W, ps=ps)
    return code


def _smorest_fix(code):
    out = []
    lines = code.split("\n")
    for i, l in enumerate(lines):
        if l.endswith("  #@V"):
            # the decorator stack above the def: put the token check on top of it
            j = len(out)
            while j > 0 and out[j - 1].strip().startswith("@blp."):
                j -= 1
            ind = l[: len(l) - len(l.lstrip())]
            out.insert(j, ind + "@token_required")
            out.append(l[:-5])
        else:
            out.append(l)
    return _clean("\n".join(out))


@fam("noauth-smorest-methodview-unguarded", "CWE-306", fws=["flask"], n=8, wrap=False)
def noauth_smorest(c):
    v = _smorest(c)
    return Spec(v=v, s=_smorest_fix(v), full=True, fw="flask",
                notes="one Flask-Smorest MethodView method lacks the @token_required decorator its "
                      "siblings carry, so anyone can call this destructive operation without a key")


@hardneg(4)
def noauth_smorest_hn(c):
    return Spec(s=_clean(_smorest(c, hard=True)), full=True, fw="flask",
                notes="every MethodView method carries @token_required")


# ---------------- CWE-918: Tornado AsyncHTTPClient fetching a user-supplied webhook URL ----------------


def _tornado_ssrf(c):
    w, W = _w(c)
    shape = c.pick("test", "preview")
    timeout = c.pick(5, 8, 10)
    if shape == "test":
        src = 'url = json.loads(self.request.body or b"{}").get("url", "")  #@S'
        act = '''
            class WebhookTestHandler(BaseHandler):
                """Sends a sample event so the user can check their endpoint before saving it."""

                @authenticated
                async def post(self):
                    $SRC
                    $FIX
                    req = HTTPRequest(url, method="POST", body=json.dumps(SAMPLE_EVENT),
                                      headers={"Content-Type": "application/json"},
                                      request_timeout=$timeout, follow_redirects=False)
                    try:
                        resp = await AsyncHTTPClient().fetch(req, raise_error=False)  #@V
                    except (OSError, HTTPClientError) as exc:
                        log.info("test delivery to %s failed: %s", url, exc)
                        raise HTTPError(502, "endpoint unreachable")
                    self.write({"status": resp.code, "body": resp.body[:500].decode(errors="replace")})'''
    else:
        src = 'url = self.get_argument("url")  #@S'
        act = '''
            class WebhookPreviewHandler(BaseHandler):
                """Shows what the user's endpoint answers to a GET, as a setup hint."""

                @authenticated
                async def get(self):
                    $SRC
                    $FIX
                    try:
                        resp = await AsyncHTTPClient().fetch(url, request_timeout=$timeout, follow_redirects=False, raise_error=False)  #@V
                    except (OSError, HTTPClientError) as exc:
                        log.info("preview of %s failed: %s", url, exc)
                        raise HTTPError(502, "endpoint unreachable")
                    self.write({"status": resp.code, "headers": dict(resp.headers), "body": resp.body[:500].decode(errors="replace")})'''
    vfix = ""
    sfix = 'if not _public_http_url(url):\n            raise HTTPError(400, "webhook URL must be a public http(s) address")'
    tmpl = '''
        """Webhook subscriptions of the $W service (Tornado): register, list and try an endpoint."""
        import ipaddress
        import json
        import logging
        import socket
        from urllib.parse import urlsplit

        from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
        from tornado.web import HTTPError, RequestHandler, authenticated

        from .store import SubscriptionStore

        log = logging.getLogger("$w.webhooks")
        subscriptions = SubscriptionStore()
        SAMPLE_EVENT = {"type": "$w.updated", "id": 0, "test": True}


        def _public_http_url(url: str) -> bool:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return False
            try:
                infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
            except (socket.gaierror, ValueError):
                return False
            return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


        class BaseHandler(RequestHandler):
            def get_current_user(self):
                uid = self.get_signed_cookie("uid")
                return int(uid) if uid else None


        class WebhookListHandler(BaseHandler):
            @authenticated
            def get(self):
                self.write({"items": [s.as_dict() for s in subscriptions.for_user(self.current_user)]})

            @authenticated
            def post(self):
                data = json.loads(self.request.body or b"{}")
                url = str(data.get("url", ""))
                if not _public_http_url(url):
                    raise HTTPError(400, "webhook URL must be a public http(s) address")
                sub = subscriptions.add(self.current_user, url, events=data.get("events", ["$w.updated"]))
                log.info("user %s subscribed %s", self.current_user, sub.id)
                self.set_status(201)
                self.write(sub.as_dict())


        $ACT
    '''
    a = dedent(act).replace("$SRC", src)
    code = T(tmpl).replace("$ACT", a)
    v = T(code, w=w, W=W, timeout=timeout, FIX="@@DROP")
    v = "\n".join(l for l in v.split("\n") if l.strip() != "@@DROP") + "\n"
    s = _clean(T(code, w=w, W=W, timeout=timeout, FIX=sfix))
    return v, s


@fam("ssrf-tornado-asynchttpclient-fetch", "CWE-918", fws=["tornado"], n=8, wrap=False)
def ssrf_tornado(c):
    v, s = _tornado_ssrf(c)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="the try-endpoint handler fetches a URL from the request with Tornado's "
                      "AsyncHTTPClient and returns the answer, without the public-address check the "
                      "registration handler applies (SSRF to internal services / cloud metadata)")
