"""Validation-only web snippet families: XSS (79), CSRF (352), open redirect (601), cookie flags
(614, 1004), error and debug exposure (209, 489), information exposure (200), unrestricted upload
(434) and XML external entities (611).

Every family of this module goes to the **validation** split (generate.assign_splits: `val_*`
modules), so thresholds and early stopping are also chosen on sinks and code shapes that no train
or held-out family uses: Tornado `RequestHandler.write` of HTML and a no-op `check_xsrf_cookie`,
escaped but scheme-unchecked `href` values, Pyramid `require_csrf=False`, a Django `RedirectView`
returning the query parameter, Falcon `HTTPFound` and `secure_cookies_by_default = False`, Bottle
`set_cookie` without `httponly`, Celery `AsyncResult.traceback` in a status API, Dash dev tools in a
deployed entry point, `dataclasses.asdict` and SQLAlchemy Core `select(table)` rows returned whole,
Tornado `request.files` and Flask-Uploads `UploadSet(..., ALL)` written to a served folder, lxml
`dtd_validation` against the document's own DTD and a permissive `etree.set_default_parser`.
A second batch adds: stored Markdown rendered by Python-Markdown into a Starlette `HTMLResponse`,
Flask-WTF `WTF_CSRF_CHECK_DEFAULT = False` with a hand-written hook that protects one prefix, an
unanchored `re.match` allow-list in front of FastAPI `RedirectResponse`, flask-jwt-extended
`JWT_COOKIE_SECURE = False`, Ariadne `GraphQL(schema, debug=True)`, an organisation's API secret kept in
Flask's signed (readable) session cookie, a Django `FileField` without `FileExtensionValidator`, and a
custom DRF `BaseParser` built on a resolving lxml parser.

Written by an author who read no held-out family builder; train-family authors must not read it.
"""
from core import Spec
from registry import WEB_FWS, fam, hardneg


def _sub(text: str, old: str, new: str) -> str:
    """Replace ``old`` (which must occur) by ``new``: a twin that silently equals its source is a bug."""
    assert old in text, old
    return text.replace(old, new)


def _html(c, expr):
    return {"flask": f"make_response({expr})",
            "django": f"HttpResponse({expr})",
            "fastapi": f"HTMLResponse({expr})",
            "aiohttp": f'web.Response(text={expr}, content_type="text/html")'}[c.fw]


def _html_imp(c):
    return {"flask": "from flask import make_response", "django": "from django.http import HttpResponse",
            "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]


def _query_src(c):
    """Read the input from the URL (query string or path), as a link anyone can open would carry it."""
    if c.src not in ("args", "query", "match"):
        c.src = "query" if c.fw == "fastapi" else "args"


# ---------------- CWE-79 cross-site scripting ----------------


@fam("val-xss-tornado-write-fstring", "CWE-79", fws=["script"], n=8, wrap=False)
def val_xss_tornado(c):
    w = c.word
    W = w.capitalize()
    p = c.pick("q", "query", "term", "keyword")
    getter = c.pick("get_argument", "get_query_argument")
    style = c.pick("fstring", "percent", "format")
    tpl = c.pick("<h2>Results for <em>{}</em></h2>", "<p class=\"summary\">Showing {}s matching <b>{}</b></p>",
                 "<h1>Search: {}</h1>")
    if tpl.count("{}") == 2:
        head_v = c.fmt(tpl, f'"{w}"', p, style=style)
        head_s = c.fmt(tpl, f'"{w}"', f"xhtml_escape({p})", style=style)
    else:
        head_v = c.fmt(tpl, p, style=style)
        head_s = c.fmt(tpl, f"xhtml_escape({p})", style=style)
    v = f"""
        import os

        import tornado.ioloop
        import tornado.web
        from tornado.escape import xhtml_escape

        from .search import search_{w}s


        class {W}SearchHandler(tornado.web.RequestHandler):
            def get(self):
                {p} = self.{getter}("{p}", "").strip()  #@S
                hits = search_{w}s({p}, limit=25)
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.write({head_v})  #@V
                self.write('<ul class="results">')
                for hit in hits:
                    self.write(f'<li><a href="/{w}s/{{int(hit.id)}}">{{xhtml_escape(hit.title)}}</a></li>')
                self.write("</ul>")


        def make_app():
            return tornado.web.Application([(r"/{w}s/search", {W}SearchHandler)])


        if __name__ == "__main__":
            make_app().listen(int(os.environ.get("PORT", "8888")))
            tornado.ioloop.IOLoop.current().start()
    """
    s = _sub(v, f"self.write({head_v})  #@V", f"self.write({head_s})")
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="RequestHandler.write sends the string as is: the search term is echoed into the HTML unescaped")


@hardneg(8)
def val_xss_tornado_hn(c):
    w = c.word
    W = w.capitalize()
    p = c.pick("q", "query", "term")
    if c.pick(True, False):
        body = f"""
                self.render("{w}_search.html", {p}={p}, hits=hits)  # tornado templates autoescape by default"""
    else:
        body = f"""
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.write(f"<h2>Results for <em>{{xhtml_escape({p})}}</em></h2>")
                self.write("".join(f"<li>{{xhtml_escape(h.title)}}</li>" for h in hits))"""
    imp = "\n        from tornado.escape import xhtml_escape" if "xhtml_escape" in body else ""
    s = f"""
        import tornado.web{imp}

        from .search import search_{w}s


        class {W}SearchHandler(tornado.web.RequestHandler):
            def get(self):
                {p} = self.get_argument("{p}", "").strip()
                hits = search_{w}s({p}, limit=25){body}
    """
    return Spec(s=s, full=True, fw="tornado", notes="the term is escaped with xhtml_escape or rendered by an autoescaping template")


@fam("val-xss-href-javascript-scheme", "CWE-79", fws=WEB_FWS, keys=["website", "homepage", "link_url"], n=8)
def val_xss_href(c):
    if c.src in ("header", "cookie"):  # a link an attacker can send: query or form value, not a header
        _query_src(c)
    x, w = c.x, c.word
    style = c.pick("fstring", "percent", "format")
    card = c.fmt('<p class="' + w + '-link">Website: <a href="{}" rel="nofollow noopener">{}</a></p>', "href", "href", style=style)
    v = f"""
        href = html.escape({x}.strip(), quote=True)
        card = {card}  #@V
        result = {_html(c, "card")}
    """
    s = f"""
        href = html.escape({x}.strip(), quote=True)
        if urlsplit({x}.strip()).scheme.lower() not in ("http", "https"):
            href = "#"
        card = {card}
        result = {_html(c, "card")}
    """
    return Spec(v=v, s=s, imports="import html\n" + _html_imp(c), simports="from urllib.parse import urlsplit", raw=True,
                notes="html.escape keeps the value inside the attribute but a javascript: URL still runs when the link is clicked")


@hardneg(8)
def val_xss_href_hn(c):
    x, w = c.x, c.word
    s = f"""
        href = "/{w}s/search?q=" + quote({x}.strip(), safe="")
        card = f'<p><a href="{{html.escape(href)}}">More {w}s like {{html.escape({x})}}</a></p>'
        result = {_html(c, "card")}
    """
    return Spec(s=s, imports="import html\nfrom urllib.parse import quote\n" + _html_imp(c), raw=True,
                notes="the link is a fixed local path; the input is only a quoted query value and escaped text")


# ---------------- CWE-352 cross-site request forgery ----------------


@fam("val-csrf-tornado-xsrf-check-noop", "CWE-352", fws=["script"], n=8, wrap=False)
def val_csrf_tornado(c):
    w = c.word
    W = w.capitalize()
    route, cls, action = c.pick(
        ("/settings/email", "EmailHandler",
         'PROFILES[self.current_user].update(email=self.get_body_argument("email"))'),
        ("/settings/payout", "PayoutHandler",
         'PAYOUTS[self.current_user].update(iban=self.get_body_argument("iban"), holder=self.get_body_argument("holder"))'),
        (f"/{w}s/delete", f"{W}DeleteHandler",
         f'{w.upper()}_STORE.delete(owner=self.current_user, item_id=int(self.get_body_argument("id")))'),
        ("/settings/forwarding", "ForwardingHandler",
         'FORWARDING.update({self.current_user: self.get_body_argument("forward_to")})'))
    why = c.pick("the mobile app posts without the _xsrf field", "called from the old jQuery pages",
                 "the token kept expiring on long forms")
    store = {"EmailHandler": "PROFILES", "PayoutHandler": "PAYOUTS", "ForwardingHandler": "FORWARDING"}.get(cls, f"{w.upper()}_STORE")
    v = f"""
        import os

        import tornado.ioloop
        import tornado.web

        from .store import {store}


        class BaseHandler(tornado.web.RequestHandler):
            def get_current_user(self):
                uid = self.get_signed_cookie("uid")
                return int(uid) if uid else None


        class {cls}(BaseHandler):
            def check_xsrf_cookie(self):  #@V
                pass  # {why}

            @tornado.web.authenticated
            def post(self):
                {action}  #@V
                self.redirect("/settings")


        def make_app():
            return tornado.web.Application(
                [(r"{route}", {cls})],
                cookie_secret=os.environ["COOKIE_SECRET"],
                login_url="/login",
                xsrf_cookies=True,
            )


        if __name__ == "__main__":
            make_app().listen(int(os.environ.get("PORT", "8888")))
            tornado.ioloop.IOLoop.current().start()
    """
    s = _sub(v, f"""            def check_xsrf_cookie(self):  #@V
                pass  # {why}

""", "")
    s = s.replace("  #@V", "")
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="overriding check_xsrf_cookie with a no-op turns off Tornado's xsrf_cookies check for a cookie-authenticated POST")


@hardneg(8)
def val_csrf_tornado_hn(c):
    w = c.word
    s = f"""
        import hashlib
        import hmac
        import os

        import tornado.web

        from .store import record_{w}_event

        HOOK_KEY = os.environ["{w.upper()}_HOOK_KEY"].encode()


        class {w.capitalize()}WebhookHandler(tornado.web.RequestHandler):
            def check_xsrf_cookie(self):
                # server-to-server webhook: no cookies, every request carries an HMAC signature instead
                pass

            def post(self):
                sig = self.request.headers.get("X-Signature", "")
                expected = hmac.new(HOOK_KEY, self.request.body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(sig, expected):
                    raise tornado.web.HTTPError(401)
                record_{w}_event(self.request.body)
                self.set_status(204)
    """
    return Spec(s=s, full=True, fw="tornado",
                notes="XSRF check skipped only on a webhook that uses no cookies and verifies an HMAC signature")


@fam("val-csrf-pyramid-require-csrf-false", "CWE-352", fws=["pyramid"], n=8, wrap=False)
def val_csrf_pyramid(c):
    w = c.word
    route, path, body = c.pick(
        ("change_email", "/account/email", """
            request.dbsession.query(User).filter_by(id=uid).update({"email": request.POST["email"]})"""),
        ("close_account", "/account/close", """
            request.dbsession.query(User).filter_by(id=uid).delete()
            request.session.invalidate()"""),
        (f"share_{w}", f"/{w}s/share", f"""
            share = {w.capitalize()}Share(owner_id=uid, grantee_email=request.POST["email"], can_edit=True)
            request.dbsession.add(share)"""),
        ("add_ssh_key", "/account/keys", """
            request.dbsession.add(SshKey(user_id=uid, public_key=request.POST["public_key"]))"""))
    models = "User" if route in ("change_email", "close_account") else ("SshKey" if route == "add_ssh_key" else f"{w.capitalize()}Share")
    v = f"""
        from pyramid.config import Configurator
        from pyramid.csrf import SessionCSRFStoragePolicy
        from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
        from pyramid.session import SignedCookieSessionFactory
        from pyramid.view import view_config

        from .models import {models}


        @view_config(route_name="{route}", request_method="POST", require_csrf=False)  #@V
        def {route}_view(request):
            uid = request.session.get("uid")
            if uid is None:
                raise HTTPForbidden()
            {dedent_block(body)}
            return HTTPSeeOther(location=request.route_url("account"))


        def main(global_config, **settings):
            config = Configurator(settings=settings)
            config.set_session_factory(SignedCookieSessionFactory(settings["session.secret"], secure=True, httponly=True))
            config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
            config.set_default_csrf_options(require_csrf=True)
            config.include("pyramid_tm")
            config.include(".models")
            config.add_route("account", "/account")
            config.add_route("{route}", "{path}")
            config.scan()
            return config.make_wsgi_app()
    """
    s = _sub(v, ', require_csrf=False)  #@V', ")")
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="require_csrf=False opts this session-authenticated POST view out of Pyramid's default CSRF check")


def dedent_block(body: str) -> str:
    """Lines of a handler body, re-indented to sit under a 4-space def inside the module template."""
    lines = [l.strip() for l in body.strip("\n").split("\n")]
    lines[0] += "  #@V"  # the state change the missing token check should protect
    return ("\n" + " " * 12).join(lines)


@hardneg(8)
def val_csrf_pyramid_hn(c):
    w = c.word
    s = f"""
        import hashlib
        import hmac
        import os

        from pyramid.httpexceptions import HTTPNoContent, HTTPUnauthorized
        from pyramid.view import view_config

        from .billing import apply_{w}_event

        SIGNING_KEY = os.environ["PAYMENT_WEBHOOK_KEY"].encode()


        @view_config(route_name="{w}_webhook", request_method="POST", require_csrf=False)
        def {w}_webhook(request):
            # called by the payment provider: no session cookie, authenticated by the HMAC signature
            sig = request.headers.get("X-Signature", "")
            expected = hmac.new(SIGNING_KEY, request.body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(sig, expected):
                raise HTTPUnauthorized()
            apply_{w}_event(request.json_body)
            return HTTPNoContent()
    """
    return Spec(s=s, full=True, fw="pyramid", notes="CSRF opt-out on a cookie-less, signature-verified webhook")


# ---------------- CWE-601 open redirect ----------------


def _local_only(var: str, ind: int) -> str:
    """The fix: keep a redirect target only if it is a path on this site (no scheme, host, '//' or backslash)."""
    pad = " " * ind
    return (f'{pad}if not {var}.startswith("/") or {var}.startswith("//") or "\\\\" in {var} or urlsplit({var}).netloc:\n'
            f'{pad}    {var} = "/"\n')


@fam("val-redirect-django-redirectview", "CWE-601", fws=["django"], n=8, wrap=False)
def val_redirect_redirectview(c):
    w = c.word
    param = c.pick("next", "return_to", "back")
    cls, route, kw, conv, store = c.pick(
        ("SetLanguageView", "lang/<str:code>/", "code", "str", 'self.request.session["lang"] = kwargs["code"][:8]'),
        ("AnnouncementClickView", "announcements/<int:announcement_id>/click/", "announcement_id", "int",
         'Announcement.objects.filter(pk=kwargs["announcement_id"]).update(clicks=F("clicks") + 1)'),
        ("SetCurrencyView", "currency/<str:code>/", "code", "str",
         'self.request.session["currency"] = kwargs["code"].upper()[:3]'),
        ("DismissNoticeView", "notices/<int:notice_id>/dismiss/", "notice_id", "int",
         'self.request.session.setdefault("dismissed", []).append(kwargs["notice_id"])\n'
         '                self.request.session.modified = True'))
    name = cls.replace("View", "").lower()
    extra_imp = "from django.db.models import F\n        " if "Announcement" in store else ""
    model_imp = "\n\n        from .models import Announcement" if "Announcement" in store else ""
    v = f"""
        {extra_imp}from django.urls import path
        from django.views.generic.base import RedirectView{model_imp}


        class {cls}(RedirectView):
            permanent = False

            def get_redirect_url(self, *args, **kwargs):
                {store}
                redirect_to = self.request.GET.get("{param}") or "/"  #@S
                return redirect_to  #@V


        urlpatterns = [
            path("{route}", {cls}.as_view(), name="{name}"),
        ]
    """
    s = _sub(v, "                return redirect_to  #@V\n",
             _local_only("redirect_to", 16) + "                return redirect_to\n")
    assert s.startswith("\n        " + extra_imp + "from django.urls import path\n")
    s = "\n        from urllib.parse import urlsplit\n" + s
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the RedirectView sends the user to whatever ?" + param + "= holds, including another site")


@hardneg(8)
def val_redirect_redirectview_hn(c):
    w = c.word
    s = f"""
        from django.urls import path, reverse
        from django.views.generic.base import RedirectView


        class Legacy{w.capitalize()}View(RedirectView):
            permanent = True
            query_string = True

            def get_redirect_url(self, *args, **kwargs):
                redirect_to = reverse("{w}-detail", kwargs={{"pk": kwargs["pk"]}})
                return redirect_to


        urlpatterns = [
            path("old/{w}s/<int:pk>/", Legacy{w.capitalize()}View.as_view()),
        ]
    """
    return Spec(s=s, full=True, fw="django", notes="the redirect target is built with reverse() from an int path parameter")


@fam("val-redirect-falcon-httpfound", "CWE-601", fws=["script"], n=8, wrap=False)
def val_redirect_falcon(c):
    w = c.word
    asgi = c.pick(True, False)
    var = c.pick("return_to", "next_url", "target")
    kind = c.pick("logout", "terms", "sso")
    if kind == "logout":
        cls, route, meth = "LogoutResource", "/logout", "on_get"
        read = f'{var} = req.get_param("return_to") or "/"'
        act = 'sid = req.cookies.get("sid")\n        if sid:\n            SESSIONS.pop(sid, None)\n        resp.unset_cookie("sid", path="/")'
        imp = "from .sessions import SESSIONS"
    elif kind == "terms":
        cls, route, meth = "AcceptTermsResource", "/terms/accept", "on_post"
        read = f'{var} = req.get_param("next") or "/"'
        act = f"TERMS.accept(req.context.user_id, version=CURRENT_TERMS)"
        imp = "from .terms import CURRENT_TERMS, TERMS"
    else:
        cls, route, meth = "SsoLandingResource", "/sso/landing", "on_get"
        read = f'{var} = req.get_param("target") or "/{w}s"'
        act = 'req.context.session["sso_seen"] = True'
        imp = ""
    if asgi:
        head, app_line, fimp = f"async def {meth}(self, req, resp):", "app = falcon.asgi.App()", "import falcon\nimport falcon.asgi"
    else:
        head, app_line, fimp = f"def {meth}(self, req, resp):", "app = falcon.App()", "import falcon"
    imps = fimp + ("\n\n" + imp if imp else "")
    v = f"""
{imps}


class {cls}:
    {head}
        {read}  #@S
        {act}
        raise falcon.HTTPFound({var})  #@V


{app_line}
app.add_route("{route}", {cls}())
"""
    s = _sub(v, f"        raise falcon.HTTPFound({var})  #@V\n", _local_only(var, 8) + f"        raise falcon.HTTPFound({var})\n")
    s = "from urllib.parse import urlsplit\n\n" + s.lstrip("\n")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="Falcon HTTPFound sends the browser to the unchecked query parameter (open redirect)")


@hardneg(8)
def val_redirect_falcon_hn(c):
    w = c.word
    s = f"""
import falcon

from .sessions import SESSIONS

AFTER_LOGOUT = {{"home": "/", "{w}s": "/{w}s", "help": "/help"}}


class LogoutResource:
    def on_get(self, req, resp):
        SESSIONS.pop(req.cookies.get("sid", ""), None)
        resp.unset_cookie("sid", path="/")
        raise falcon.HTTPFound(AFTER_LOGOUT.get(req.get_param("to") or "home", "/"))


app = falcon.App()
app.add_route("/logout", LogoutResource())
"""
    return Spec(s=s, full=True, fw="script", notes="the parameter only selects one of a fixed set of local paths")


# ---------------- CWE-614 / CWE-1004 cookie flags ----------------


@fam("val-cookie-falcon-secure-default-off", "CWE-614", fws=["script"], n=8, wrap=False)
def val_cookie_falcon(c):
    w = c.word
    name = c.pick("sid", "session", f"{w}_session", "auth")
    why = c.pick("local dev runs over plain http", "the load balancer talks http to us", "so login works on the staging IP")
    ttl = c.pick("3600", "8 * 3600", "14 * 24 * 3600")
    asgi = c.pick(True, False)
    if asgi:
        app_line, head, media, fimp = ("app = falcon.asgi.App()", "async def on_post(self, req, resp):",
                                       "creds = await req.get_media()", "import falcon\nimport falcon.asgi")
    else:
        app_line, head, media, fimp = "app = falcon.App()", "def on_post(self, req, resp):", "creds = req.get_media()", "import falcon"
    v = f"""
import secrets

{fimp}

from .accounts import verify_password
from .sessions import SESSIONS

{app_line}
app.resp_options.secure_cookies_by_default = False  # {why}  #@V


class LoginResource:
    {head}
        {media}
        user = verify_password(creds.get("username", ""), creds.get("password", ""))
        if user is None:
            raise falcon.HTTPUnauthorized(title="invalid credentials")
        sid = secrets.token_urlsafe(32)
        SESSIONS[sid] = user.id
        resp.set_cookie("{name}", sid, max_age={ttl}, path="/", same_site="Lax")  #@V
        resp.media = {{"ok": True}}


app.add_route("/login", LoginResource())
"""
    s = _sub(v, f"app.resp_options.secure_cookies_by_default = False  # {why}  #@V\n", "")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="with secure_cookies_by_default off, Falcon's set_cookie omits Secure and the session id also travels over http")


@hardneg(8)
def val_cookie_falcon_hn(c):
    w = c.word
    s = f"""
import secrets

import falcon

from .accounts import verify_password
from .sessions import SESSIONS


class LoginResource:
    def on_post(self, req, resp):
        creds = req.get_media()
        user = verify_password(creds.get("username", ""), creds.get("password", ""))
        if user is None:
            raise falcon.HTTPUnauthorized(title="invalid credentials")
        sid = secrets.token_urlsafe(32)
        SESSIONS[sid] = user.id
        # Falcon sets Secure and HttpOnly by default
        resp.set_cookie("{w}_sid", sid, max_age=3600, path="/", same_site="Strict")
        resp.media = {{"ok": True}}


app = falcon.App()
app.add_route("/login", LoginResource())
"""
    return Spec(s=s, full=True, fw="script", notes="Falcon's set_cookie defaults are secure=True and http_only=True")


@fam("val-cookie-bottle-no-httponly", "CWE-1004", fws=["script"], n=8, wrap=False)
def val_cookie_bottle(c):
    w = c.word
    name = c.pick("session_id", "sid", f"{w}_auth", "remember_token")
    ttl = c.pick("3600", "30 * 24 * 3600", "12 * 3600")
    order = c.pick(0, 1)
    kwargs = (f'path="/", secure=True, samesite="lax", max_age={ttl}' if order == 0
              else f'max_age={ttl}, secure=True, path="/", samesite="strict"')
    v = f"""
import os
import secrets

from bottle import Bottle, request, response

from .accounts import check_password
from .sessions import SESSIONS

app = Bottle()


@app.post("/login")
def login():
    user = check_password(request.forms.get("username", ""), request.forms.get("password", ""))
    if user is None:
        response.status = 401
        return {{"error": "invalid credentials"}}
    token = secrets.token_urlsafe(32)
    SESSIONS[token] = user.id
    response.set_cookie("{name}", token, {kwargs})  #@V
    return {{"ok": True, "user": user.display_name}}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
"""
    s = _sub(v, f"{kwargs})  #@V", f"{kwargs}, httponly=True)")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="Bottle's set_cookie does not add HttpOnly unless asked, so any injected script can read the session token")


@hardneg(8)
def val_cookie_bottle_hn(c):
    w = c.word
    pref, vals = c.pick(("theme", '("light", "dark")'), ("lang", '("en", "de", "fr")'), ("density", '("compact", "cozy")'))
    s = f"""
from bottle import Bottle, redirect, request, response

app = Bottle()


@app.post("/preferences/{pref}")
def set_{pref}():
    value = request.forms.get("{pref}", "")
    if value not in {vals}:
        value = {vals}[0]
    # read by the front-end script to style the page: not a credential, so not HttpOnly
    response.set_cookie("{pref}", value, path="/", secure=True, samesite="lax", max_age=365 * 24 * 3600)
    redirect("/{w}s")
"""
    return Spec(s=s, full=True, fw="script", notes="a non-sensitive UI preference cookie is meant to be readable by scripts")


# ---------------- CWE-209 / CWE-489 error details and debug code ----------------


@fam("val-errors-celery-result-traceback", "CWE-209", fws=WEB_FWS, keys=["task_id", "job_id"], n=8)
def val_errors_celery(c):
    x, w = c.x, c.word
    err = c.pick("repr(res.result)", "str(res.result)", "res.result.__class__.__name__ + ': ' + str(res.result)")
    v = f"""
        res = AsyncResult({x}, app=celery_app)
        if res.failed():
            result = {{"state": res.state, "error": {err}, "traceback": res.traceback}}  #@V
        else:
            result = {{"state": res.state, "ready": res.ready()}}
    """
    s = f"""
        res = AsyncResult({x}, app=celery_app)
        if res.failed():
            log.error("{w} job %s failed:\\n%s", res.id, res.traceback)
            result = {{"state": res.state, "error": "the job failed; quote its id to support"}}
        else:
            result = {{"state": res.state, "ready": res.ready()}}
    """
    helpers = f"""
        log = logging.getLogger("{w}.jobs")
        celery_app = Celery("{w}", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ["CELERY_RESULT_BACKEND"])
    """
    return Spec(v=v, s=s, imports="import logging\nimport os\nfrom celery import Celery\nfrom celery.result import AsyncResult",
                helpers=helpers,
                notes="the job status API returns the worker's exception and full traceback (paths, SQL, settings) to the client")


@hardneg(8)
def val_errors_celery_hn(c):
    x, w = c.x, c.word
    s = f"""
        res = AsyncResult({x}, app=celery_app)
        if res.successful():
            result = {{"state": res.state, "rows": res.result.get("rows", 0)}}
        else:
            if res.failed():
                log.error("{w} job %s failed:\\n%s", res.id, res.traceback)
            result = {{"state": res.state}}
    """
    helpers = f"""
        log = logging.getLogger("{w}.jobs")
        celery_app = Celery("{w}", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ["CELERY_RESULT_BACKEND"])
    """
    return Spec(s=s, imports="import logging\nimport os\nfrom celery import Celery\nfrom celery.result import AsyncResult",
                helpers=helpers, notes="the failure is logged server-side; the client only sees the task state")


@fam("val-debug-dash-dev-server", "CWE-489", fws=["script"], n=8, wrap=False)
def val_debug_dash(c):
    w = c.word
    W = w.capitalize()
    col = c.pick("region", "channel", "team", "country")
    runner = c.pick("run_server", "run")
    port = c.pick("8050", "8080", "8000")
    why = c.pick("# container entrypoint: python app.py", "# systemd unit runs this file on the reporting host",
                 "# started by the Dockerfile CMD")
    v = f"""
        import os

        import pandas as pd
        import plotly.express as px
        from dash import Dash, Input, Output, dcc, html

        DATA = pd.read_parquet(os.environ.get("{w.upper()}_DATA", "data/{w}s.parquet"))

        app = Dash(__name__, title="{W} dashboard")
        server = app.server

        app.layout = html.Div([
            html.H1("{W}s per {col}"),
            dcc.Dropdown(sorted(DATA["{col}"].unique()), id="{col}"),
            dcc.Graph(id="trend"),
        ])


        @app.callback(Output("trend", "figure"), Input("{col}", "value"))
        def update_trend(value):
            frame = DATA if value is None else DATA[DATA["{col}"] == value]
            return px.line(frame.groupby("day", as_index=False)["count"].sum(), x="day", y="count")


        if __name__ == "__main__":
            {why}
            app.{runner}(host="0.0.0.0", port=int(os.environ.get("PORT", "{port}")), debug=True)  #@V
    """
    s = _sub(v, 'debug=True)  #@V', 'debug=os.environ.get("DASH_DEBUG") == "1")')
    return Spec(v=v, s=s, full=True, fw="script",
                notes="debug=True in the deployed Dash entry point turns on dev tools, the error overlay and the Werkzeug debugger")


@hardneg(8)
def val_debug_dash_hn(c):
    w = c.word
    W = w.capitalize()
    s = f"""
        import os

        from dash import Dash, dcc, html

        app = Dash(__name__, title="{W} status")
        server = app.server  # served by gunicorn: gunicorn app:server

        app.layout = html.Div([html.H1("{W} status"), dcc.Interval(id="tick", interval=30_000)])

        if __name__ == "__main__":
            app.run(host="127.0.0.1", port=8050, debug=os.environ.get("DASH_DEBUG") == "1")
    """
    return Spec(s=s, full=True, fw="script", notes="debug is off unless explicitly enabled for local development")


# ---------------- CWE-200 exposure of sensitive information ----------------


@fam("val-expose-dataclass-asdict", "CWE-200", fws=WEB_FWS, keys=["username", "handle", "member"], n=8)
def val_expose_asdict(c):
    _query_src(c)  # a public lookup: anyone can open the URL
    x, w = c.x, c.word
    M = c.pick("Account", "Member", "Customer", "Tutor", "Seller")
    m = M.lower()
    secret = c.pick("password_hash: str", "totp_secret: str", "api_key: str", "reset_token: str | None = None")
    pii = c.pick("phone: str", "date_of_birth: str", "home_address: str")
    obj = c.n("obj")
    helpers = f"""
        @dataclass
        class {M}:
            id: int
            username: str
            display_name: str
            email: str
            {pii}
            {secret}
            bio: str = ""
            joined: str = ""
    """
    v = f"""
        {obj} = load_{m}({x})
        result = asdict({obj})  #@V
    """
    s = f"""
        {obj} = load_{m}({x})
        result = {{"username": {obj}.username, "display_name": {obj}.display_name, "bio": {obj}.bio, "joined": {obj}.joined}}
    """
    return Spec(v=v, s=s, imports=f"from dataclasses import asdict, dataclass\nfrom .repo import load_{m}", helpers=helpers,
                notes=f"the public {m} profile returns every field of the dataclass: e-mail, personal data and the stored secret")


@hardneg(8)
def val_expose_asdict_hn(c):
    x, w = c.x, c.word
    helpers = """
        @dataclass
        class PublicProfile:
            username: str
            display_name: str
            bio: str = ""
    """
    s = f"""
        acct = load_account({x})
        result = asdict(PublicProfile(acct.username, acct.display_name, acct.bio))
    """
    return Spec(s=s, imports="from dataclasses import asdict, dataclass\nfrom .repo import load_account", helpers=helpers,
                notes="asdict of a dataclass that only holds the public fields")


@fam("val-expose-sqlalchemy-select-table", "CWE-200", fws=WEB_FWS, keys=["team", "department", "site"], n=8)
def val_expose_select(c):
    _query_src(c)  # a public lookup: anyone can open the URL
    x, w = c.x, c.word
    tbl = c.pick("staff", "employees", "volunteers", "instructors")
    secret_cols = c.pick(
        ('Column("password_hash", String(200))', 'Column("salary", Integer)'),
        ('Column("national_id", String(20))', 'Column("home_address", String(300))'),
        ('Column("api_token", String(64))', 'Column("date_of_birth", String(10))'),
        ('Column("password_hash", String(200))', 'Column("personal_phone", String(40))'))
    rows = c.n("rows")
    helpers = f"""
        engine = create_engine(os.environ["DATABASE_URL"])
        metadata = MetaData()
        {tbl} = Table(
            "{tbl}",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("name", String(120)),
            Column("title", String(120)),
            Column("{c.key}", String(60)),
            Column("work_email", String(200)),
            {secret_cols[0]},
            {secret_cols[1]},
        )
    """
    v = f"""
        stmt = select({tbl}).where({tbl}.c.{c.key} == {x}).order_by({tbl}.c.name)  #@V
        with engine.connect() as conn:
            {rows} = [dict(r._mapping) for r in conn.execute(stmt)]  #@V
        result = {rows}
    """
    s = _sub(v, f"select({tbl}).where(", f"select({tbl}.c.id, {tbl}.c.name, {tbl}.c.title, {tbl}.c.work_email).where(")
    return Spec(v=v, s=s, imports="import os\nfrom sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select",
                helpers=helpers,
                notes=f"the {c.key} directory selects the whole {tbl} table, so credential and personal columns reach the client")


@hardneg(8)
def val_expose_select_hn(c):
    x, w = c.x, c.word
    helpers = """
        engine = create_engine(os.environ["DATABASE_URL"])
        metadata = MetaData()
        rooms = Table("rooms", metadata, Column("id", Integer, primary_key=True), Column("name", String(80)),
                      Column("site", String(60)), Column("seats", Integer))
    """
    s = f"""
        stmt = select(rooms).where(rooms.c.site == {x}).order_by(rooms.c.name)
        with engine.connect() as conn:
            result = [dict(r._mapping) for r in conn.execute(stmt)]
    """
    return Spec(s=s, imports="import os\nfrom sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select",
                helpers=helpers, notes="select of a whole table that holds no sensitive column")


# ---------------- CWE-434 unrestricted upload ----------------


@fam("val-upload-tornado-request-files", "CWE-434", fws=["script"], n=8, wrap=False)
def val_upload_tornado(c):
    w = c.word
    W = w.capitalize()
    field = c.pick("attachment", "file", "upload", "document")
    sub = c.pick("uploads", "attachments", "files", "media")
    v = f"""
        import os

        import tornado.web

        STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
        UPLOAD_DIR = os.path.join(STATIC_DIR, "{sub}")


        class BaseHandler(tornado.web.RequestHandler):
            def get_current_user(self):
                return self.get_signed_cookie("uid")


        class {W}UploadHandler(BaseHandler):
            @tornado.web.authenticated
            def post(self):
                upload = self.request.files["{field}"][0]
                filename = os.path.basename(upload["filename"])  #@S
                with open(os.path.join(UPLOAD_DIR, filename), "wb") as fh:  #@V
                    fh.write(upload["body"])
                self.write({{"url": self.static_url("{sub}/" + filename)}})


        def make_app():
            return tornado.web.Application(
                [(r"/{w}s/upload", {W}UploadHandler)],
                static_path=STATIC_DIR,
                cookie_secret=os.environ["COOKIE_SECRET"],
                login_url="/login",
                xsrf_cookies=True,
            )
    """
    s = _sub(v, """                filename = os.path.basename(upload["filename"])  #@S
""", """                ext = os.path.splitext(upload["filename"])[1].lower()
                if ext not in ALLOWED_EXTENSIONS:
                    raise tornado.web.HTTPError(415, "file type not allowed")
                filename = uuid.uuid4().hex + ext
""")
    s = _sub(s, "import os\n", "import os\n        import uuid\n")
    s = _sub(s, f'UPLOAD_DIR = os.path.join(STATIC_DIR, "{sub}")\n',
             f'UPLOAD_DIR = os.path.join(STATIC_DIR, "{sub}")\n        ALLOWED_EXTENSIONS = {{".png", ".jpg", ".jpeg", ".gif", ".pdf"}}\n')
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="any file type (.html, .svg, .js) is stored under the static path and served from the site's origin")


@hardneg(8)
def val_upload_tornado_hn(c):
    w = c.word
    sub, field = c.pick(("avatars", "avatar"), ("thumbnails", "image"), ("photos", "photo"), ("logos", "logo"))
    size = c.pick(128, 256, 512)
    s = f"""
        import os
        import uuid

        import tornado.web
        from PIL import Image

        {sub.upper()}_DIR = os.path.join(os.path.dirname(__file__), "static", "{sub}")


        class {w.capitalize()}{sub.capitalize()}Handler(tornado.web.RequestHandler):
            def post(self):
                upload = self.request.files["{field}"][0]
                name = uuid.uuid4().hex + ".png"
                img = Image.open(io.BytesIO(upload["body"]))
                img.thumbnail(({size}, {size}))
                img.save(os.path.join({sub.upper()}_DIR, name), "PNG")
                self.write({{"url": self.static_url("{sub}/" + name)}})
    """
    s = s.replace("import os\n", "import io\n        import os\n", 1)
    return Spec(s=s, full=True, fw="tornado", notes="the upload is decoded as an image and re-encoded as PNG under a random name")


@fam("val-upload-flask-uploads-all", "CWE-434", fws=["flask"], n=8, wrap=False)
def val_upload_flask_uploads(c):
    w = c.word
    setname = c.pick("attachments", "documents", "files", "media")
    item = c.pick(w, "ticket", "case")
    v = f"""
        import os

        from flask import Flask, jsonify, request, url_for
        from flask_uploads import ALL, UploadSet, configure_uploads

        from .auth import login_required

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
        app.config["UPLOADED_{setname.upper()}_DEST"] = os.path.join(app.static_folder, "{setname}")

        {setname} = UploadSet("{setname}", ALL)  #@V
        configure_uploads(app, {setname})


        @app.post("/{item}s/<int:item_id>/{setname}")
        @login_required
        def add_{item}_file(item_id):
            upload = request.files["file"]  #@S
            saved = {setname}.save(upload, folder=str(item_id))  #@V
            return jsonify(url=url_for("static", filename="{setname}/" + saved)), 201
    """
    s = _sub(v, f'UploadSet("{setname}", ALL)  #@V', f'UploadSet("{setname}", ("png", "jpg", "jpeg", "gif", "pdf", "txt"))')
    s = _sub(s, "from flask_uploads import ALL, UploadSet", "from flask_uploads import UploadSet")
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="UploadSet(..., ALL) accepts every extension and the files land under the static folder (HTML/SVG served from the origin)")


@hardneg(8)
def val_upload_flask_uploads_hn(c):
    w = c.word
    s = f"""
        import os

        from flask import Flask, abort, jsonify, request, url_for
        from flask_uploads import UploadNotAllowed, UploadSet, configure_uploads

        app = Flask(__name__)
        app.config["UPLOADED_PHOTOS_DEST"] = os.path.join(app.static_folder, "photos")

        photos = UploadSet("photos", ("png", "jpg", "jpeg", "webp"))
        configure_uploads(app, photos)


        @app.post("/{w}s/<int:item_id>/photos")
        def add_photo(item_id):
            try:
                saved = photos.save(request.files["photo"], folder=str(item_id))
            except UploadNotAllowed:
                abort(415)
            return jsonify(url=url_for("static", filename="photos/" + saved)), 201
    """
    return Spec(s=s, full=True, fw="flask", notes="the UploadSet only allows raster image extensions")


# ---------------- CWE-611 XML external entities ----------------


@fam("val-xxe-lxml-dtd-validation", "CWE-611", fws=WEB_FWS + ["pipeline"], keys=["xml", "document", "payload"], n=8)
def val_xxe_dtd_validation(c):
    if c.fw != "pipeline" and c.src not in ("form", "json"):  # an XML document arrives in a request body
        c.src = "json" if c.fw in ("fastapi", "aiohttp") else c.pick("form", "json")
    x, w = c.x, c.word
    opts, sopts = c.pick(("dtd_validation=True, resolve_entities=True, no_network=False", "resolve_entities=False, no_network=True"),
                         ("dtd_validation=True, resolve_entities=True, no_network=False, remove_blank_text=True",
                          "resolve_entities=False, no_network=True, remove_blank_text=True"),
                         ("no_network=False, dtd_validation=True, resolve_entities=True", "no_network=True, resolve_entities=False"))
    doc = c.n("doc")
    v = f"""
        parser = etree.XMLParser({opts})  #@V
        {doc} = etree.fromstring({x}.encode(), parser)  #@V
        result = {{"ref": {doc}.get("ref"), "lines": len({doc}.findall("line"))}}
    """
    s = f"""
        parser = etree.XMLParser({sopts})
        {doc} = etree.fromstring({x}.encode(), parser)
        if not etree.DTD("schemas/{w}.dtd").validate({doc}):
            raise ValueError("document does not match the {w} DTD")
        result = {{"ref": {doc}.get("ref"), "lines": len({doc}.findall("line"))}}
    """
    return Spec(v=v, s=s, imports="from lxml import etree",
                notes="validating against the DTD the document itself names loads it (file or network) and, with resolve_entities=True (needed since lxml 5), expands its external entities")


@hardneg(8)
def val_xxe_dtd_validation_hn(c):
    if c.fw != "pipeline" and c.src not in ("form", "json"):
        c.src = "json" if c.fw in ("fastapi", "aiohttp") else c.pick("form", "json")
    x, w = c.x, c.word
    s = f"""
        dtd = etree.DTD(DTD_PATH)
        doc = etree.fromstring({x}.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
        if not dtd.validate(doc):
            raise ValueError(str(dtd.error_log.last_error))
        result = {{"ref": doc.get("ref")}}
    """
    return Spec(s=s, imports="import os\nfrom lxml import etree",
                helpers=f'DTD_PATH = os.path.join(os.path.dirname(__file__), "schemas", "{w}.dtd")',
                notes="validation against a server-side DTD with a parser that resolves no entities and uses no network")


@fam("val-xxe-lxml-set-default-parser", "CWE-611", fws=["flask", "pipeline"], n=8, wrap=False)
def val_xxe_default_parser(c):
    w = c.word
    opts = c.pick("resolve_entities=True", "load_dtd=True, resolve_entities=True, no_network=False", "resolve_entities=True, no_network=False",
                  "huge_tree=True, resolve_entities=True")
    fields = c.pick(("sku", "name", "price"), ("code", "title", "qty"), ("ref", "label", "amount"))
    upsert = f'upsert_{w}(' + ", ".join(f'{f}=node.findtext("{f}")' for f in fields) + ")"
    if c.fw == "flask":
        v = f"""
            from flask import Flask, jsonify, request
            from lxml import etree

            from .auth import login_required
            from .catalog import upsert_{w}

            etree.set_default_parser(etree.XMLParser(remove_blank_text=True, {opts}))  #@V

            app = Flask(__name__)


            @app.post("/{w}s/import")
            @login_required
            def import_{w}s():
                raw = request.get_data()  #@S
                root = etree.fromstring(raw)  #@V
                count = 0
                for node in root.iter("{w}"):
                    {upsert}
                    count += 1
                return jsonify(imported=count)
        """
    else:
        v = f"""
            import logging

            from lxml import etree

            from .catalog import upsert_{w}

            log = logging.getLogger("{w}.import")
            etree.set_default_parser(etree.XMLParser(remove_blank_text=True, {opts}))  #@V


            def handle_message(message):
                raw = message.body  #@S
                root = etree.fromstring(raw)  #@V
                for node in root.iter("{w}"):
                    {upsert}
                log.info("imported %d {w}s from partner %s", len(root), message.headers.get("partner"))
                message.ack()
        """
    s = _sub(v, f"etree.XMLParser(remove_blank_text=True, {opts}))  #@V",
             "etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True))")
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the process-wide default parser set at import time resolves entities / loads DTDs, so every plain etree.fromstring on partner XML is exposed")


@hardneg(8)
def val_xxe_default_parser_hn(c):
    w = c.word
    s = f"""
        from lxml import etree

        from .catalog import upsert_{w}

        etree.set_default_parser(etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False))


        def handle_message(message):
            root = etree.fromstring(message.body)
            for node in root.iter("{w}"):
                upsert_{w}(ref=node.findtext("ref"), qty=int(node.findtext("qty") or 0))
            message.ack()
    """
    return Spec(s=s, full=True, fw="pipeline", notes="the default parser is hardened: no entity resolution, DTD or network")


# ---------------- second batch: one more shape per group ----------------


@fam("val-xss-markdown-raw-html", "CWE-79", fws=["script"], n=8, wrap=False)
def val_xss_markdown(c):
    w = c.word
    what = c.pick("comment", "review", "answer", "reply")
    exts = c.pick('["fenced_code", "tables"]', '["extra"]', '["nl2br", "sane_lists"]', "[]")
    page = c.pick('<article class="{what}">{{body}}</article>', '<div class="preview">{{body}}</div>',
                  '<section id="{what}-preview">{{body}}</section>').format(what=what)
    v = f"""
import markdown
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from .store import load_{what}

PAGE = '{page}'


async def show_{what}(request):
    {what} = await load_{what}(int(request.path_params["{what}_id"]))
    text = {what}.body_markdown  #@S
    body = markdown.markdown(text, extensions={exts})  #@V
    return HTMLResponse(PAGE.format(body=body))  #@V


app = Starlette(routes=[Route("/{w}s/{what}s/{{{what}_id:int}}", show_{what})])
"""
    s = _sub(v, "    body = markdown.markdown(text, extensions=" + exts + ")  #@V\n",
             "    body = nh3.clean(markdown.markdown(text, extensions=" + exts + "))\n")
    s = _sub(s, "import markdown\n", "import markdown\nimport nh3\n")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="Python-Markdown passes raw HTML (<script>, <img onerror>) in the stored text through; the page is sent to every visitor without sanitising")


@hardneg(8)
def val_xss_markdown_hn(c):
    w = c.word
    what = c.pick("comment", "review", "answer", "reply")
    tags = c.pick('{"p", "em", "strong", "code", "pre", "ul", "ol", "li", "a"}', '{"p", "em", "strong", "code", "pre", "blockquote"}')
    s = f"""
import markdown
import nh3
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from .store import load_{what}

ALLOWED_TAGS = {tags}
PAGE = '<article class="{what}">{{body}}</article>'


async def show_{what}(request):
    {what} = await load_{what}(int(request.path_params["{what}_id"]))
    body = nh3.clean(markdown.markdown({what}.body_markdown), tags=ALLOWED_TAGS)
    return HTMLResponse(PAGE.format(body=body))


app = Starlette(routes=[Route("/{w}s/{what}s/{{{what}_id:int}}", show_{what})])
"""
    return Spec(s=s, full=True, fw="script", notes="the rendered Markdown is sanitised with nh3 and an allow-list of tags before it is sent")


@fam("val-csrf-flask-wtf-check-default-off", "CWE-352", fws=["flask"], n=8, wrap=False)
def val_csrf_check_default(c):
    w = c.word
    action, model_call = c.pick(("email", "current_user.email = request.form[\"email\"]"),
                                ("password", "current_user.set_password(request.form[\"new_password\"])"),
                                ("payout", "current_user.payout_iban = request.form[\"iban\"]"),
                                ("phone", "current_user.phone = request.form[\"phone\"]"))
    prefix = c.pick("/admin", "/staff", "/backoffice")
    v = f"""
import os

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, current_user, login_required
from flask_wtf.csrf import CSRFProtect

from .models import db

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["WTF_CSRF_CHECK_DEFAULT"] = False  #@V
csrf = CSRFProtect(app)
login_manager = LoginManager(app)


@app.before_request
def protect_{prefix.strip("/")}():
    if request.path.startswith("{prefix}/") and request.method == "POST":
        csrf.protect()


@app.post("/account/{action}")
@login_required
def change_{action}():
    {model_call}  #@V
    db.session.commit()
    return redirect(url_for("{w}_settings"))
"""
    s = _sub(v, 'app.config["WTF_CSRF_CHECK_DEFAULT"] = False  #@V\n', "")
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"WTF_CSRF_CHECK_DEFAULT = False turns off the global check; only {prefix}/ is protected by hand, so the cookie-authenticated account change can be forged")


@hardneg(8)
def val_csrf_check_default_hn(c):
    w = c.word
    hook = c.pick("stripe", "github", "billing")
    s = f"""
import hashlib
import hmac
import os

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFProtect

from .models import Item, db
from .webhooks import handle_{hook}_event

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["WTF_CSRF_CHECK_DEFAULT"] = False
csrf = CSRFProtect(app)


@app.before_request
def check_csrf():
    # every unsafe request is checked, except the {hook} webhook, which is verified by its signature
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.endpoint != "{hook}_webhook":
        csrf.protect()


@app.post("/hooks/{hook}")
def {hook}_webhook():
    sig = request.headers.get("X-Signature", "")
    mac = hmac.new(os.environ["{hook.upper()}_WEBHOOK_SECRET"].encode(), request.get_data(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sig, mac):
        abort(401)
    handle_{hook}_event(request.get_json())
    return "", 204


@app.post("/{w}s/<int:item_id>/archive")
@login_required
def archive_{w}(item_id):
    item = Item.query.filter_by(id=item_id, owner_id=current_user.id).first_or_404()
    item.archived = True
    db.session.commit()
    return redirect(url_for("{w}_list"))
"""
    return Spec(s=s, full=True, fw="flask",
                notes="the global check is off but a before_request hook calls csrf.protect() on every unsafe request except a signature-verified webhook")


@fam("val-redirect-regex-prefix-allowlist", "CWE-601", fws=["fastapi"], n=8, wrap=False)
def val_redirect_regex(c):
    w = c.word
    dom = c.pick("example.com", "acme.io", "shop.example.org", "corp.example.net")
    param = c.pick("return_to", "after", "target", "dest")
    pat = c.pick(r'r"https://([a-z0-9-]+\.)*' + dom.replace(".", r"\.") + '"',
                 r'r"https://(www|app|accounts)\.' + dom.replace(".", r"\.") + '"')
    route = c.pick("/logout", "/sso/done", "/switch-account")
    v = f"""
import re

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from .sessions import end_session

ALLOWED_RETURN = re.compile({pat})

app = FastAPI()


@app.get("{route}")
async def {route.strip("/").replace("/", "_").replace("-", "_")}(request: Request, {param}: str = "/"):  #@S
    end_session(request)
    if not ALLOWED_RETURN.match({param}):  #@V
        {param} = "/"
    return RedirectResponse(url={param}, status_code=303)  #@V
"""
    s = _sub(v, "ALLOWED_RETURN.match(", "ALLOWED_RETURN.fullmatch(")
    s = _sub(s, f"ALLOWED_RETURN = re.compile({pat})", f"ALLOWED_RETURN = re.compile({pat[:-1]}(/[^\\s\\\\]*)?\")")
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"re.match only anchors the start of the URL: https://www.{dom}.evil.net/ or https://www.{dom}@evil.net/ passes the allow-list")


@hardneg(8)
def val_redirect_regex_hn(c):
    w = c.word
    dom = c.pick("example.com", "acme.io", "shop.example.org")
    s = f"""
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from .sessions import end_session

ALLOWED_HOSTS = {{"{dom}", "www.{dom}", "{w}s.{dom}"}}

app = FastAPI()


@app.get("/{w}s/logout")
async def logout(request: Request, return_to: str = "/"):
    end_session(request)
    parts = urlsplit(return_to)
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        return_to = "/"
    return RedirectResponse(url=return_to, status_code=303)
"""
    return Spec(s=s, full=True, fw="fastapi", notes="the return URL's parsed scheme and host are checked against an exact allow-list")


@fam("val-cookie-flask-jwt-extended-insecure", "CWE-614", fws=["flask"], n=8, wrap=False)
def val_cookie_jwt_ext(c):
    w = c.word
    why = c.pick("cookies did not work on http://localhost", "TLS ends at the load balancer", "staging has no certificate")
    exp = c.pick("timedelta(minutes=15)", "timedelta(hours=1)", "timedelta(minutes=30)")
    v = f"""
import os
from datetime import timedelta

from flask import Flask, jsonify, request
from flask_jwt_extended import JWTManager, create_access_token, set_access_cookies, unset_jwt_cookies

from .accounts import check_credentials

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
app.config["JWT_TOKEN_LOCATION"] = ["cookies"]
app.config["JWT_ACCESS_TOKEN_EXPIRES"] = {exp}
app.config["JWT_COOKIE_SECURE"] = False  # {why}  #@V
app.config["JWT_COOKIE_SAMESITE"] = "Lax"
jwt = JWTManager(app)


@app.post("/{w}s/login")
def login():
    user = check_credentials(request.json.get("username", ""), request.json.get("password", ""))
    if user is None:
        return jsonify(error="invalid credentials"), 401
    resp = jsonify(ok=True)
    set_access_cookies(resp, create_access_token(identity=str(user.id)))  #@V
    return resp


@app.post("/{w}s/logout")
def logout():
    resp = jsonify(ok=True)
    unset_jwt_cookies(resp)
    return resp
"""
    s = _sub(v, f'app.config["JWT_COOKIE_SECURE"] = False  # {why}  #@V', 'app.config["JWT_COOKIE_SECURE"] = True')
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="with JWT_COOKIE_SECURE off, flask-jwt-extended sets the access-token cookie without Secure, so it is sent over plain http")


@hardneg(8)
def val_cookie_jwt_ext_hn(c):
    w = c.word
    s = f"""
import os

from flask import Flask, jsonify, request
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, set_access_cookies, set_refresh_cookies

from .accounts import check_credentials

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
app.config["JWT_TOKEN_LOCATION"] = ["cookies"]
app.config["JWT_COOKIE_SECURE"] = True
app.config["JWT_COOKIE_CSRF_PROTECT"] = True
jwt = JWTManager(app)


@app.post("/{w}s/login")
def login():
    user = check_credentials(request.json.get("username", ""), request.json.get("password", ""))
    if user is None:
        return jsonify(error="invalid credentials"), 401
    resp = jsonify(ok=True)
    set_access_cookies(resp, create_access_token(identity=str(user.id)))
    set_refresh_cookies(resp, create_refresh_token(identity=str(user.id)))
    return resp
"""
    return Spec(s=s, full=True, fw="flask", notes="flask-jwt-extended cookies with Secure and double-submit CSRF protection")


@fam("val-debug-ariadne-graphql-debug", "CWE-215", fws=["script"], n=8, wrap=False)
def val_debug_ariadne(c):
    w = c.word
    W = w.capitalize()
    field = c.pick(f"{w}", f"{w}s", f"my{W}s")
    mount = c.pick(True, False)
    if mount:
        tail = f"""
graphql_app = GraphQL(schema, debug=True)  #@V
app = Starlette(routes=[Mount("/graphql", graphql_app)])
"""
        imp = "from starlette.applications import Starlette\nfrom starlette.routing import Mount\n"
    else:
        tail = """
app = GraphQL(schema, debug=True)  #@V
"""
        imp = ""
    v = f"""
from ariadne import QueryType, load_schema_from_path, make_executable_schema
from ariadne.asgi import GraphQL
{imp}
from .store import fetch_{w}s

query = QueryType()


@query.field("{field}")
async def resolve_{field}(_, info, limit=20):
    return await fetch_{w}s(info.context["request"].user, limit=limit)


schema = make_executable_schema(load_schema_from_path("schema.graphql"), query)
{tail}"""
    s = _sub(v, "GraphQL(schema, debug=True)  #@V", "GraphQL(schema, debug=False)")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="Ariadne's debug=True adds the exception and its stack trace to every GraphQL error sent to the client")


@hardneg(8)
def val_debug_ariadne_hn(c):
    w = c.word
    s = f"""
import logging

from ariadne import QueryType, format_error, load_schema_from_path, make_executable_schema
from ariadne.asgi import GraphQL

from .store import fetch_{w}s

log = logging.getLogger("graphql")
query = QueryType()


@query.field("{w}s")
async def resolve_{w}s(_, info, limit=20):
    return await fetch_{w}s(info.context["request"].user, limit=limit)


def log_and_hide(error, debug=False):
    log.error("graphql error", exc_info=error.original_error)
    formatted = format_error(error, debug=False)
    if error.original_error is not None:
        formatted["message"] = "internal error"
    return formatted


schema = make_executable_schema(load_schema_from_path("schema.graphql"), query)
app = GraphQL(schema, debug=False, error_formatter=log_and_hide)
"""
    return Spec(s=s, full=True, fw="script", notes="debug is off and unexpected errors are logged server-side and replaced by a generic message")


@fam("val-expose-flask-session-cookie-secret", "CWE-200", fws=["flask"], n=8, wrap=False)
def val_expose_session(c):
    w = c.word
    svc, attr = c.pick(("stripe", "secret_key"), ("mailgun", "api_key"), ("warehouse", "api_key"), ("crm", "api_token"))
    v = f"""
import os

import requests
from flask import Flask, g, jsonify, session

from .auth import login_required
from .orgs import load_org, load_{svc}_credentials

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]


@app.post("/session/org/<int:org_id>")
@login_required
def select_org(org_id):
    org = load_org(org_id, member=g.user)
    session["org_id"] = org.id
    session["{svc}_{attr}"] = load_{svc}_credentials(org.id).{attr}  #@V
    return jsonify(org=org.name)


@app.get("/{w}s/sync")
@login_required
def sync_{w}s():
    secret = session["{svc}_{attr}"]  #@V
    r = requests.get(os.environ["{svc.upper()}_API"] + "/{w}s", headers={{"Authorization": "Bearer " + secret}}, timeout=10)
    r.raise_for_status()
    return jsonify(count=len(r.json()))
"""
    s = _sub(v, f'    session["{svc}_{attr}"] = load_{svc}_credentials(org.id).{attr}  #@V\n', "")
    s = _sub(s, f'session["{svc}_{attr}"]  #@V', f'load_{svc}_credentials(session["org_id"]).{attr}')
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"Flask's session is a signed, not encrypted, cookie: the organisation's {svc} {attr} is readable by every member (base64)")


@hardneg(8)
def val_expose_session_hn(c):
    w = c.word
    s = f"""
import os

from flask import Flask, g, jsonify, session

from .auth import login_required
from .orgs import load_org

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]


@app.post("/session/org/<int:org_id>")
@login_required
def select_org(org_id):
    org = load_org(org_id, member=g.user)
    session["org_id"] = org.id
    session["org_name"] = org.name
    session["{w}_view"] = "list"
    return jsonify(org=org.name)
"""
    return Spec(s=s, full=True, fw="flask", notes="the signed session cookie only holds an id, a display name and a UI preference")


@fam("val-upload-django-filefield-no-validator", "CWE-434", fws=["django"], n=8, wrap=False)
def val_upload_filefield(c):
    w = c.word
    W = w.capitalize()
    fld = c.pick("attachment", "document", "scan", "file")
    sub = c.pick("attachments", "documents", "uploads")
    exts = c.pick('["pdf", "png", "jpg"]', '["pdf", "docx", "xlsx"]', '["png", "jpg", "jpeg", "gif"]')
    v = f"""
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import models
from django.shortcuts import redirect, render


class {W}File(models.Model):
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    title = models.CharField(max_length=120)
    {fld} = models.FileField(upload_to="{sub}/%Y/%m/")  #@V
    created = models.DateTimeField(auto_now_add=True)


class {W}FileForm(forms.ModelForm):
    class Meta:
        model = {W}File
        fields = ["title", "{fld}"]


@login_required
def upload_{w}_file(request):
    form = {W}FileForm(request.POST or None, request.FILES or None)  #@S
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.owner = request.user
        item.save()  #@V
        return redirect(item.{fld}.url)
    return render(request, "{w}s/upload.html", {{"form": form}})
"""
    s = _sub(v, f'models.FileField(upload_to="{sub}/%Y/%m/")  #@V',
             f'models.FileField(upload_to="{sub}/%Y/%m/", validators=[FileExtensionValidator({exts})])')
    s = _sub(s, "from django.contrib.auth.decorators import login_required\n",
             "from django.contrib.auth.decorators import login_required\nfrom django.core.validators import FileExtensionValidator\n")
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the FileField has no extension validator: .html/.svg files are stored under MEDIA_ROOT and served from the site's origin")


@hardneg(8)
def val_upload_filefield_hn(c):
    w = c.word
    W = w.capitalize()
    s = f"""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import FileExtensionValidator
from django.db import models
from django.shortcuts import redirect, render


class {W}Image(models.Model):
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="{w}s/%Y/%m/", validators=[FileExtensionValidator(["png", "jpg", "jpeg"])])


class {W}ImageForm(forms.ModelForm):
    class Meta:
        model = {W}Image
        fields = ["image"]


@login_required
def upload_{w}_image(request):
    form = {W}ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.owner = request.user
        item.save()
        return redirect(item.image.url)
    return render(request, "{w}s/upload.html", {{"form": form}})
"""
    return Spec(s=s, full=True, fw="django", notes="the ImageField decodes the upload with Pillow and the validator allows raster extensions only")


@fam("val-xxe-drf-custom-lxml-parser", "CWE-611", fws=["django"], n=8, wrap=False)
def val_xxe_drf_parser(c):
    w = c.word
    W = w.capitalize()
    opts = c.pick("resolve_entities=True, no_network=False", "load_dtd=True, resolve_entities=True",
                  "resolve_entities=True, load_dtd=True, no_network=False", "remove_blank_text=True, resolve_entities=True, no_network=False")
    tags = c.pick(("ref", "amount"), ("code", "qty"), ("id", "status"))
    v = f"""
from lxml import etree
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import import_{w}s


class LxmlParser(BaseParser):
    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        parser = etree.XMLParser({opts})  #@V
        try:
            root = etree.parse(stream, parser).getroot()  #@V
        except etree.XMLSyntaxError as exc:
            raise ParseError("malformed XML") from exc
        return [{{child.tag: child.text for child in item}} for item in root]


class {W}ImportView(APIView):
    parser_classes = [LxmlParser]

    def post(self, request):
        rows = request.data  #@S
        created = import_{w}s(request.user, [(r.get("{tags[0]}"), r.get("{tags[1]}")) for r in rows])
        return Response({{"created": created}}, status=201)
"""
    sopts = opts.replace("resolve_entities=True", "resolve_entities=False").replace("no_network=False", "no_network=True")
    sopts = sopts.replace("load_dtd=True", "load_dtd=False")
    s = _sub(v, f"etree.XMLParser({opts})  #@V", f"etree.XMLParser({sopts})")
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the custom DRF parser resolves external entities in every application/xml request body (file:// or http:// entities)")


@hardneg(8)
def val_xxe_drf_parser_hn(c):
    w = c.word
    s = f"""
from lxml import etree
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class LxmlParser(BaseParser):
    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            root = etree.parse(stream, SAFE_PARSER).getroot()
        except etree.XMLSyntaxError as exc:
            raise ParseError("malformed XML") from exc
        if root.tag != "{w}s":
            raise ParseError("unexpected root element")
        return [{{child.tag: child.text for child in item}} for item in root]
"""
    return Spec(s=s, full=True, fw="django", notes="the DRF parser uses an lxml parser that resolves no entities and loads no DTD")
