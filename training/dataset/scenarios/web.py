"""Web-layer families: XSS (79), CSRF (352), open redirect (601), cookie flags (614, 1004),
debug and error exposure (209, 215, 489), sensitive data exposure (200)."""
from core import Spec, dedent
from registry import hardneg, fam, WEB_FWS

# ---------------- CWE-79 cross-site scripting ----------------


def _html_resp(c, expr):
    return {"flask": f"make_response({expr})", "django": f"HttpResponse({expr})",
            "fastapi": f"HTMLResponse({expr})", "aiohttp": f'web.Response(text={expr}, content_type="text/html")'}[c.fw]


def _html_imp(c):
    return {"flask": "from flask import make_response", "django": "from django.http import HttpResponse",
            "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]


@fam("xss-greeting-page", "CWE-79", fws=WEB_FWS, keys=["name", "q", "search", "username"], n=9)
def xss_greet(c):
    x = c.x
    page = c.fmt("<html><body><h2>Results for {}</h2><p>No matches.</p></body></html>", x)
    safe = c.fmt("<html><body><h2>Results for {}</h2><p>No matches.</p></body></html>", "shown")
    v = f"""
        html_page = {page}  #@V
        result = {_html_resp(c, "html_page")}  #@V
    """
    s = f"""
        shown = html.escape({x})
        html_page = {safe}
        result = {_html_resp(c, "html_page")}
    """
    return Spec(v=v, s=s, imports=_html_imp(c), simports="import html", raw=True)


@hardneg(4)
def xss_greet_hn(c):
    x = c.x
    s = f"""
        count = len({x}.split())
        html_page = {c.fmt("<p>{} words</p>", "count", style=c.pick("fstring", "percent", "format"))}
        result = {_html_resp(c, "html_page")}
    """
    return Spec(s=s, imports=_html_imp(c), raw=True, notes="HTML built by string formatting, but only an integer is inserted")


@fam("xss-markup-wrap", "CWE-79", fws=["flask", "script", "pipeline"], keys=["comment", "bio", "note"], n=8, twin_hard=True)
def xss_markup(c):
    x = c.x
    built = c.fmt('<div class="comment">{}</div>', x, style=c.pick("fstring", "concat", "percent"))
    v = f"""
        snippet = Markup({built})  #@V
        result = str(snippet)
    """
    s = f"""
        snippet = Markup("<div class=\\"comment\\">{{}}</div>").format({x})
        result = str(snippet)
    """
    return Spec(v=v, s=s, imports="from markupsafe import Markup", notes="Markup.format escapes its arguments; Markup(f-string) trusts them")


@fam("xss-django-mark-safe", "CWE-79", fws=["django"], keys=["title", "caption", "label"], n=8, twin_hard=True)
def xss_mark_safe(c):
    x = c.x
    built = c.fmt('<span class="badge">{}</span>', x)
    v = f"""
        badge = mark_safe({built})  #@V
        result = HttpResponse(render_to_string("badge.html", {{"badge": badge}}))
    """
    s = f"""
        badge = format_html("<span class=\\"badge\\">{{}}</span>", {x})
        result = HttpResponse(render_to_string("badge.html", {{"badge": badge}}))
    """
    return Spec(v=v, s=s, imports="from django.http import HttpResponse\nfrom django.template.loader import render_to_string",
                vimports="from django.utils.safestring import mark_safe", simports="from django.utils.html import format_html", raw=True)


@fam("xss-jinja-autoescape-off", "CWE-79", fws=WEB_FWS, keys=["message", "headline"], n=8)
def xss_autoescape(c):
    x = c.x
    v = f"""
        env = Environment(loader=FileSystemLoader("templates"), autoescape=False)  #@V
        page = env.get_template("notice.html").render(message={x})  #@V
        result = {_html_resp(c, "page")}
    """
    s = f"""
        env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
        page = env.get_template("notice.html").render(message={x})
        result = {_html_resp(c, "page")}
    """
    return Spec(v=v, s=s, imports="from jinja2 import Environment, FileSystemLoader\n" + _html_imp(c),
                simports="from jinja2 import select_autoescape", raw=True)


@hardneg(4)
def xss_autoescape_hn(c):
    s = f"""
        env = Environment(loader=FileSystemLoader("templates"), autoescape=True)
        page = env.get_template("notice.html").render(message={c.x}, year=2024)
        result = {_html_resp(c, "page")}
    """
    return Spec(s=s, imports="from jinja2 import Environment, FileSystemLoader\n" + _html_imp(c), raw=True,
                notes="template rendering with autoescape on")


@fam("xss-safe-filter", "CWE-79", fws=["flask"], keys=["bio", "signature"], n=8)
def xss_safe_filter(c):
    x = c.x
    v = f"""
        tpl = "<section><h3>About</h3>{{{{ text|safe }}}}</section>"  #@V
        result = render_template_string(tpl, text={x})  #@V
    """
    s = f"""
        tpl = "<section><h3>About</h3>{{{{ text }}}}</section>"
        result = render_template_string(tpl, text={x})
    """
    return Spec(v=v, s=s, imports="from flask import render_template_string", raw=True)


@fam("xss-json-in-script", "CWE-79", fws=WEB_FWS, keys=["state", "prefs"], n=8)
def xss_script(c):
    x = c.x
    v = f"""
        boot = "<script>window.INITIAL = '" + {x} + "';</script>"  #@V
        result = {_html_resp(c, 'boot + "<div id=app></div>"')}  #@V
    """
    s = f"""
        boot = "<script>window.INITIAL = " + json.dumps({x}).replace("<", "\\\\u003c") + ";</script>"
        result = {_html_resp(c, 'boot + "<div id=app></div>"')}
    """
    return Spec(v=v, s=s, imports=_html_imp(c), simports="import json", raw=True)


@fam("xss-error-echo", "CWE-79", fws=WEB_FWS, keys=["page", "section"], n=8)
def xss_echo(c):
    x = c.x
    v = f"""
        known = {{"home", "pricing", "about"}}
        if {x} not in known:
            body = "<h1>Not found</h1><p>No page named %s</p>" % {x}  #@V
            result = {_html_resp(c, "body")}  #@V
        else:
            result = {_html_resp(c, '"<h1>ok</h1>"')}
    """
    s = f"""
        known = {{"home", "pricing", "about"}}
        if {x} not in known:
            body = "<h1>Not found</h1><p>No page named %s</p>" % escape({x})
            result = {_html_resp(c, "body")}
        else:
            result = {_html_resp(c, '"<h1>ok</h1>"')}
    """
    return Spec(v=v, s=s, imports=_html_imp(c), simports="from html import escape", raw=True)


# ---------------- CWE-352 CSRF ----------------


@fam("csrf-django-exempt", "CWE-352", fws=["django"], n=8, wrap=False)
def csrf_exempt(c):
    w = c.word
    act = c.pick("delete", "archive", "transfer", "approve", "update_email")
    code = f"""
        from django.contrib.auth.decorators import login_required
        from django.http import JsonResponse
        from django.views.decorators.csrf import csrf_exempt
        from django.views.decorators.http import require_POST

        from .models import {w.capitalize()}


        @csrf_exempt  #@V
        @login_required
        @require_POST
        def {act}_{w}(request, pk):
            obj = {w.capitalize()}.objects.get(pk=pk, owner=request.user)
            obj.{c.pick("status", "state")} = "{act}d"
            obj.save()
            return JsonResponse({{"ok": True, "id": obj.pk}})
    """
    s = "\n".join(l for l in dedent(code).split("\n") if "csrf_exempt" not in l)
    return Spec(v=code, s=s, full=True, notes="state-changing view opted out of CSRF protection")


@hardneg(4)
def csrf_exempt_hn(c):
    s = f"""
        from django.http import JsonResponse
        from django.views.decorators.csrf import csrf_exempt
        from django.views.decorators.http import require_POST

        from .webhooks import verify_signature


        @csrf_exempt  # webhook: authenticated by an HMAC signature, no browser session
        @require_POST
        def {c.word}_webhook(request):
            if not verify_signature(request.body, request.headers.get("X-Signature", "")):
                return JsonResponse({{"error": "bad signature"}}, status=403)
            return JsonResponse({{"received": True}})
    """
    return Spec(s=s, full=True, notes="csrf_exempt on a signature-verified webhook without cookies")


@fam("csrf-flask-wtf-disabled", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_wtf(c):
    w = c.word
    key = c.pick('os.environ["SECRET_KEY"]', 'os.environ.get("FLASK_SECRET")', 'open("/run/secrets/flask").read()')
    v = f"""
        import os

        from flask import Flask, redirect, request, session
        from flask_wtf.csrf import CSRFProtect

        app = Flask(__name__)
        app.config["SECRET_KEY"] = {key}
        app.config["WTF_CSRF_ENABLED"] = False  #@V
        csrf = CSRFProtect(app)


        @app.route("/{w}s/<int:item_id>/delete", methods=["POST"])
        def delete_{w}(item_id):
            if "user_id" not in session:
                return redirect("/login")
            remove_{w}(session["user_id"], item_id)
            return redirect("/{w}s")


        def remove_{w}(owner, item_id):
            print("removing", owner, item_id)
    """
    s = v.replace('app.config["WTF_CSRF_ENABLED"] = False  #@V', 'app.config["WTF_CSRF_ENABLED"] = True')
    return Spec(v=v, s=s, full=True)


@fam("csrf-get-state-change", "CWE-352", fws=["flask", "django"], n=8, wrap=False)
def csrf_get(c):
    w = c.word
    if c.fw == "flask":
        v = f"""
            from flask import Flask, abort, session

            app = Flask(__name__)


            @app.route("/account/{w}s/<int:{w}_id>/cancel", methods=["GET"])  #@V
            def cancel_{w}({w}_id):
                if "uid" not in session:
                    abort(401)
                cancel(session["uid"], {w}_id)  #@V
                return {{"cancelled": {w}_id}}


            def cancel(uid, item):
                return uid, item
        """
        s = v.replace('methods=["GET"])  #@V', 'methods=["POST"])').replace("  #@V", "").replace(
            "from flask import Flask, abort, session", "from flask import Flask, abort, session\n            from flask_wtf.csrf import CSRFProtect").replace(
            "app = Flask(__name__)", "app = Flask(__name__)\n            csrf = CSRFProtect(app)")
    else:
        v = f"""
            from django.contrib.auth.decorators import login_required
            from django.http import JsonResponse

            from .models import Subscription


            @login_required
            def cancel_{w}(request, pk):  #@V
                sub = Subscription.objects.get(pk=pk, user=request.user)
                sub.active = False  #@V
                sub.save()
                return JsonResponse({{"cancelled": pk}})
        """
        s = v.replace("@login_required\n", "@login_required\n            @require_POST\n").replace(
            "from django.http import JsonResponse", "from django.http import JsonResponse\n            from django.views.decorators.http import require_POST").replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="state change reachable by a cross-site GET")


@fam("csrf-django-middleware-removed", "CWE-352", fws=["django"], n=8, wrap=False)
def csrf_mw(c):
    extra = c.pick('"corsheaders.middleware.CorsMiddleware",', '"whitenoise.middleware.WhiteNoiseMiddleware",', '"django.middleware.locale.LocaleMiddleware",')
    v = f"""
        # settings.py for the {c.word} service
        import os

        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        DEBUG = False
        ALLOWED_HOSTS = ["{c.word}.example.com"]

        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            {extra}
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            # "django.middleware.csrf.CsrfViewMiddleware",  #@V
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ]
        ROOT_URLCONF = "{c.word}.urls"
    """
    s = v.replace('# "django.middleware.csrf.CsrfViewMiddleware",  #@V', '"django.middleware.csrf.CsrfViewMiddleware",')
    return Spec(v=v, s=s, full=True, notes="CSRF middleware disabled in settings")


@fam("csrf-cookie-auth-api", "CWE-352", fws=["fastapi", "aiohttp"], n=8, wrap=False)
def csrf_api(c):
    w = c.word
    if c.fw == "fastapi":
        v = f"""
            from fastapi import Cookie, FastAPI, Form, HTTPException, Request

            app = FastAPI()


            @app.post("/{w}s/transfer")
            async def transfer_{w}(request: Request, amount: int = Form(...), to: str = Form(...), session: str = Cookie(None)):
                user = SESSIONS.get(session)
                if user is None:
                    raise HTTPException(status_code=401)
                move_funds(user, to, amount)  #@V
                return {{"status": "sent"}}


            SESSIONS = {{}}


            def move_funds(src, dst, amount):
                return (src, dst, amount)
        """
        s = v.replace("                move_funds(user, to, amount)  #@V", """                token = request.headers.get("X-CSRF-Token", "")
                if not token or not hmac.compare_digest(token, request.cookies.get("csrftoken", "")):
                    raise HTTPException(status_code=403, detail="CSRF check failed")
                move_funds(user, to, amount)""").replace("from fastapi", "import hmac\n\n            from fastapi", 1)
    else:
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session


            async def update_{w}_email(request):
                session = await get_session(request)
                if "uid" not in session:
                    raise web.HTTPUnauthorized()
                form = await request.post()
                await save_email(session["uid"], form["email"])  #@V
                return web.json_response({{"ok": True}})


            async def save_email(uid, email):
                return uid, email
        """
        s = v.replace("                await save_email(session[\"uid\"], form[\"email\"])  #@V", """                expected = session.get("csrf_token")
                if not expected or not secrets.compare_digest(form.get("csrf_token", ""), expected):
                    raise web.HTTPForbidden(reason="CSRF check failed")
                await save_email(session["uid"], form["email"])""").replace("from aiohttp import web", "import secrets\n\n            from aiohttp import web", 1)
    return Spec(v=v, s=s, full=True, notes="cookie-authenticated state change with no CSRF token check")


@fam("csrf-wtf-exempt-blueprint", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_bp(c):
    w = c.word
    v = f"""
        from flask import Blueprint, Flask, request, session
        from flask_wtf.csrf import CSRFProtect

        app = Flask(__name__)
        csrf = CSRFProtect(app)
        {w}_bp = Blueprint("{w}", __name__, url_prefix="/{w}")
        csrf.exempt({w}_bp)  #@V


        @{w}_bp.route("/settings", methods=["POST"])
        def save_settings():
            prefs = dict(request.form)
            session["prefs"] = prefs
            return {{"saved": sorted(prefs)}}


        app.register_blueprint({w}_bp)
    """
    s = v.replace(f"        csrf.exempt({w}_bp)  #@V\n", "")
    return Spec(v=v, s=s, full=True)


@fam("csrf-method-decorator-exempt", "CWE-352", fws=["django"], n=8, wrap=False)
def csrf_cbv(c):
    w = c.word.capitalize()
    v = f"""
        from django.contrib.auth.mixins import LoginRequiredMixin
        from django.http import JsonResponse
        from django.utils.decorators import method_decorator
        from django.views import View
        from django.views.decorators.csrf import csrf_exempt


        @method_decorator(csrf_exempt, name="dispatch")  #@V
        class {w}UpdateView(LoginRequiredMixin, View):
            def post(self, request, pk):
                item = request.user.{c.word}_set.get(pk=pk)
                item.title = request.POST.get("title", item.title)
                item.save(update_fields=["title"])
                return JsonResponse({{"id": item.pk, "title": item.title}})
    """
    s = "\n".join(l for l in dedent(v).split("\n") if "csrf_exempt" not in l and "method_decorator" not in l)
    return Spec(v=v, s=s, full=True)


# ---------------- CWE-601 open redirect ----------------


def _redir(c, target):
    return {"flask": f"redirect({target})", "django": f"HttpResponseRedirect({target})",
            "fastapi": f"RedirectResponse({target}, status_code=303)", "aiohttp": f"web.HTTPFound({target})"}[c.fw]


def _redir_imp(c):
    return {"flask": "from flask import redirect", "django": "from django.http import HttpResponseRedirect",
            "fastapi": "from fastapi.responses import RedirectResponse", "aiohttp": ""}[c.fw]


@fam("redirect-next-param", "CWE-601", fws=WEB_FWS, keys=["next", "return_to", "redirect_uri", "continue_url"], n=9)
def redirect_next(c):
    x = c.x
    v = f"""
        target = {x} or "/dashboard"
        result = {_redir(c, "target")}  #@V
    """
    s = f"""
        target = {x} or "/dashboard"
        parts = urlparse(target)
        if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\\\" in target or not target.isprintable():
            target = "/dashboard"
        result = {_redir(c, "target")}
    """
    return Spec(v=v, s=s, imports=_redir_imp(c), simports="from urllib.parse import urlparse", raw=True)


@hardneg(4)
def redirect_hn(c):
    x = c.x
    s = f"""
        destinations = {{"home": "/", "billing": "/account/billing", "docs": "https://docs.example.com/"}}
        result = {_redir(c, f'destinations.get({x}, "/")')}
    """
    return Spec(s=s, imports=_redir_imp(c), raw=True, notes="redirect target chosen from a fixed mapping")


@fam("redirect-django-allowed-host", "CWE-601", fws=["django"], keys=["next"], n=8, twin_hard=True, wrap=False)
def redirect_django(c):
    x = c.x
    v = f"""
        logout(request)
        result = redirect({x} or settings.LOGOUT_REDIRECT_URL)  #@V
    """
    s = f"""
        logout(request)
        if not url_has_allowed_host_and_scheme({x}, allowed_hosts={{request.get_host()}}, require_https=request.is_secure()):
            {x} = settings.LOGOUT_REDIRECT_URL
        result = redirect({x} or settings.LOGOUT_REDIRECT_URL)
    """
    return Spec(v=v, s=s, imports="from django.conf import settings\nfrom django.contrib.auth import logout\nfrom django.shortcuts import redirect",
                simports="from django.utils.http import url_has_allowed_host_and_scheme", raw=True)


@fam("redirect-referer", "CWE-601", fws=WEB_FWS, keys=["referer"], n=8)
def redirect_referer(c):
    x = c.x
    v = f"""
        back = {x} if {x} else "/"
        result = {_redir(c, "back")}  #@V
    """
    s = f"""
        back = {x} if {x} else "/"
        parts = urlsplit(back)
        if "\\\\" in back or back.startswith("//") or not back.isprintable() or (parts.scheme, parts.netloc) not in (("", ""), ("https", "{c.word}.example.com")):
            back = "/"
        result = {_redir(c, "back")}
    """
    return Spec(v=v, s=s, imports=_redir_imp(c), simports="from urllib.parse import urlsplit", raw=True)


@fam("redirect-url-join", "CWE-601", fws=WEB_FWS, keys=["path", "dest"], n=8)
def redirect_join(c):
    x = c.x
    v = f"""
        location = urljoin("https://{c.word}.example.com/", {x})  #@V
        result = {_redir(c, "location")}  #@V
    """
    s = f"""
        location = urljoin("https://{c.word}.example.com/", {x})
        if urlparse(location).netloc != "{c.word}.example.com":
            location = "https://{c.word}.example.com/"
        result = {_redir(c, "location")}
    """
    return Spec(v=v, s=s, imports="from urllib.parse import urljoin\n" + _redir_imp(c), simports="from urllib.parse import urlparse", raw=True,
                notes="urljoin keeps an absolute or scheme-relative input URL")


@fam("redirect-startswith-check", "CWE-601", fws=WEB_FWS, keys=["url", "target"], n=8)
def redirect_prefix(c):
    x = c.x
    v = f"""
        if not {x}.startswith("https://{c.word}.example.com"):  #@V
            {x} = "/"
        result = {_redir(c, x)}  #@V
    """
    s = f"""
        if urlparse({x}).netloc != "{c.word}.example.com":
            {x} = "/"
        result = {_redir(c, x)}
    """
    return Spec(v=v, s=s, imports=_redir_imp(c), simports="from urllib.parse import urlparse", raw=True,
                notes="prefix check passes https://{word}.example.com.evil.net")


@fam("redirect-oauth-callback", "CWE-601", fws=WEB_FWS, keys=["state"], n=8)
def redirect_oauth(c):
    x = c.x
    v = f"""
        payload = json.loads(base64.urlsafe_b64decode({x} + "=="))
        result = {_redir(c, 'payload["return_url"]')}  #@V
    """
    s = f"""
        payload = json.loads(base64.urlsafe_b64decode({x} + "=="))
        dest = payload.get("return_url", "/")
        if not dest.startswith("/") or dest.startswith("//") or "\\\\" in dest or not dest.isprintable():
            dest = "/"
        result = {_redir(c, "dest")}
    """
    return Spec(v=v, s=s, imports="import base64\nimport json\n" + _redir_imp(c), raw=True)


# ---------------- CWE-614 / CWE-1004 cookie flags ----------------


def _cookie_module(c, flags_v, flags_s, cwe_note):
    w = c.word
    tok = c.pick("secrets.token_urlsafe(32)", "secrets.token_hex(24)", "create_session(user_id)")
    helper = "\n\n\n            def create_session(uid):\n                return secrets.token_urlsafe(32) + str(uid)" if "create_session" in tok else ""
    # the rejected-login branch varies so that the four set_cookie families do not converge on one file
    deny = c.pick("user_id is None", "not user_id", "user_id in (None, False)") if c.fw != "django" else "user is None"
    if c.fw == "flask":
        v = f"""
            import secrets

            from flask import Flask, jsonify, request

            from .auth import verify_credentials

            app = Flask(__name__)


            @app.route("/{w}/login", methods=["POST"])
            def login():
                user_id = verify_credentials(request.form["username"], request.form["password"])
                if {deny}:
                    return jsonify(ok=False), 401
                resp = jsonify(ok=True)
                resp.set_cookie("{c.pick('session', 'sid', 'auth')}", {tok}, {flags_v})  #@V
                return resp{helper}
        """
    elif c.fw == "django":
        v = f"""
            import secrets

            from django.contrib.auth import authenticate
            from django.http import JsonResponse


            def login_view(request):
                user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
                if user is None:
                    return JsonResponse({{"ok": False}}, status=401)
                user_id = user.pk
                response = JsonResponse({{"ok": True}})
                response.set_cookie("{c.pick('session', 'sid', 'auth')}", {tok}, {flags_v})  #@V
                return response{helper}
        """
    elif c.fw == "aiohttp":
        v = f"""
            import secrets

            from aiohttp import web

            from .auth import verify_credentials


            async def login(request):
                form = await request.post()
                user_id = await verify_credentials(form["username"], form["password"])
                if {deny}:
                    raise web.HTTPUnauthorized()
                resp = web.json_response({{"ok": True}})
                resp.set_cookie("{c.pick('session', 'sid', 'auth')}", {tok}, {flags_v})  #@V
                return resp{helper}
        """
    else:
        v = f"""
            import secrets

            from fastapi import FastAPI, Form, HTTPException, Response

            from .auth import verify_credentials

            app = FastAPI()


            @app.post("/{w}/login")
            def login(response: Response, username: str = Form(...), password: str = Form(...)):
                user_id = verify_credentials(username, password)
                if {deny}:
                    raise HTTPException(status_code=401)
                response.set_cookie("{c.pick('session', 'sid', 'auth')}", {tok}, {flags_v})  #@V
                return {{"ok": True}}{helper}
        """
    return Spec(v=v, s=v.replace(flags_v + ")  #@V", flags_s + ")"), full=True, notes=cwe_note)


@fam("cookie-no-secure", "CWE-614", fws=WEB_FWS, n=10, wrap=False)
def cookie_secure(c):
    age = c.pick("3600", "86400", "60 * 60 * 24 * 7")
    return _cookie_module(c, f"max_age={age}, httponly=True", f"max_age={age}, httponly=True, secure=True", "session cookie sent over plain HTTP too")


@fam("cookie-secure-false", "CWE-614", fws=WEB_FWS, n=10, wrap=False)
def cookie_secure_false(c):
    ss = c.pick('"Lax"', '"Strict"')
    return _cookie_module(c, f"httponly=True, secure=False, samesite={ss}", f"httponly=True, secure=True, samesite={ss}", "secure explicitly off")


@fam("cookie-no-httponly", "CWE-1004", fws=WEB_FWS, n=10, wrap=False)
def cookie_httponly(c):
    return _cookie_module(c, "secure=True", "secure=True, httponly=True", "session cookie readable from JavaScript")


@fam("cookie-httponly-false", "CWE-1004", fws=WEB_FWS, n=10, wrap=False)
def cookie_httponly_false(c):
    ss = c.pick('"Lax"', '"Strict"')
    return _cookie_module(c, f"secure=True, httponly=False, samesite={ss}", f"secure=True, httponly=True, samesite={ss}", "httponly explicitly off")


@fam("cookie-settings-flags", "CWE-614", fws=["django", "flask"], n=8, wrap=False)
def cookie_settings(c):
    if c.fw == "django":
        v = f"""
            # production settings for {c.word}
            from .base import *  # noqa: F401,F403

            DEBUG = False
            ALLOWED_HOSTS = ["{c.word}.example.com"]
            SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
            SESSION_COOKIE_SECURE = False  #@V
            SESSION_COOKIE_AGE = {c.pick("1209600", "3600", "86400")}
            CSRF_COOKIE_SECURE = True
        """
        s = v.replace("SESSION_COOKIE_SECURE = False  #@V", "SESSION_COOKIE_SECURE = True")
    else:
        v = f"""
            import os

            from flask import Flask

            app = Flask(__name__)
            app.config.update(
                SECRET_KEY=os.environ["SECRET_KEY"],
                SESSION_COOKIE_SECURE=False,  #@V
                SESSION_COOKIE_SAMESITE="{c.pick('Lax', 'Strict')}",
                PERMANENT_SESSION_LIFETIME={c.pick("3600", "1800", "86400")},
            )
        """
        s = v.replace("SESSION_COOKIE_SECURE=False,  #@V", "SESSION_COOKIE_SECURE=True,")
    return Spec(v=v, s=s, full=True)


@fam("cookie-settings-httponly", "CWE-1004", fws=["django", "flask"], n=8, wrap=False)
def cookie_settings_http(c):
    if c.fw == "django":
        v = f"""
            # settings/production.py ({c.word} portal)
            from .common import *  # noqa: F401,F403

            SESSION_ENGINE = "django.contrib.sessions.backends.cache"
            SESSION_COOKIE_SECURE = True
            SESSION_COOKIE_HTTPONLY = False  #@V
            SESSION_COOKIE_NAME = "{c.word}_sid"
        """
        s = v.replace("SESSION_COOKIE_HTTPONLY = False  #@V", "SESSION_COOKIE_HTTPONLY = True")
    else:
        v = f"""
            import os

            from flask import Flask

            app = Flask("{c.word}")
            app.secret_key = os.environ["FLASK_SECRET_KEY"]
            app.config["SESSION_COOKIE_SECURE"] = True
            app.config["SESSION_COOKIE_HTTPONLY"] = False  #@V
            app.config["SESSION_COOKIE_NAME"] = "{c.word}_session"
        """
        s = v.replace('app.config["SESSION_COOKIE_HTTPONLY"] = False  #@V', 'app.config["SESSION_COOKIE_HTTPONLY"] = True')
    return Spec(v=v, s=s, full=True)


@hardneg(5)
def cookie_hn(c):
    w = c.word
    s = f"""
        from flask import Flask, make_response

        app = Flask(__name__)


        @app.route("/{w}/theme/<name>")
        def set_theme(name):
            resp = make_response({{"theme": name}})
            # UI preference only, read by client-side JS on purpose; no session data
            resp.set_cookie("theme", "dark" if name == "dark" else "light", max_age=31536000, samesite="Lax")
            return resp
    """
    return Spec(s=s, full=True, fw="flask", notes="non-sensitive preference cookie without secure/httponly")


# ---------------- CWE-209 / 215 / 489 error and debug exposure ----------------


@fam("debug-flask-run", "CWE-489", fws=["flask"], n=8, wrap=False)
def debug_run(c):
    w = c.word
    host = c.pick('"0.0.0.0"', '"::"', 'os.environ.get("HOST", "0.0.0.0")')
    v = f"""
        import os

        from flask import Flask, jsonify

        app = Flask(__name__)


        @app.route("/{w}s")
        def list_{w}s():
            return jsonify(items=[], total=0)


        if __name__ == "__main__":
            app.run(host={host}, port=int(os.environ.get("PORT", "{c.pick('5000', '8080', '8000')}")), debug=True)  #@V
    """
    s = v.replace("debug=True)  #@V", 'debug=os.environ.get("FLASK_DEBUG") == "1")')
    return Spec(v=v, s=s, full=True, notes="Werkzeug debugger reachable on a public interface allows code execution")


@hardneg(4)
def debug_run_hn(c):
    s = f"""
        from flask import Flask

        app = Flask(__name__)


        @app.route("/health")
        def health():
            return "ok"


        if __name__ == "__main__":
            # local development only: bound to loopback
            app.run(host="127.0.0.1", port={c.pick("5000", "5001", "8081")}, debug=False)
    """
    return Spec(s=s, full=True, fw="flask", notes="app.run with debug off")


@fam("debug-django-settings", "CWE-215", fws=["django"], n=8, wrap=False)
def debug_django(c):
    w = c.word
    v = f"""
        # {w}/settings/prod.py
        import os

        from .base import *  # noqa: F401,F403

        DEBUG = True  #@V
        ALLOWED_HOSTS = ["{w}.example.com", "www.{w}.example.com"]
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{w}", "HOST": os.environ["DB_HOST"]}}}}
        STATIC_ROOT = "/srv/{w}/static"
    """
    s = v.replace("DEBUG = True  #@V", 'DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"')
    return Spec(v=v, s=s, full=True)


@fam("debug-fastapi-debug", "CWE-215", fws=["fastapi"], n=8, wrap=False)
def debug_fastapi(c):
    w = c.word
    v = f"""
        from fastapi import FastAPI

        app = FastAPI(title="{w.capitalize()} API", debug=True)  #@V


        @app.get("/{w}s/{{item_id}}")
        async def read_{w}(item_id: int):
            return {{"id": item_id, "name": "{w}-%d" % item_id}}
    """
    s = v.replace("debug=True)  #@V", "debug=False)")
    return Spec(v=v, s=s, full=True, notes="debug=True makes Starlette return tracebacks and local source to clients on errors")


@fam("errors-traceback-response", "CWE-209", fws=WEB_FWS, keys=["payload", "document"], n=9)
def err_tb(c):
    x = c.x
    v = f"""
        try:
            parsed = parse_{c.word}({x})
            result = {{"ok": True, "data": parsed}}
        except Exception:
            result = {{"ok": False, "error": traceback.format_exc()}}  #@V
    """
    s = f"""
        try:
            parsed = parse_{c.word}({x})
            result = {{"ok": False}} if parsed is None else {{"ok": True, "data": parsed}}
        except Exception:
            log.exception("failed to parse {c.word}")
            result = {{"ok": False, "error": "invalid input"}}
    """
    helpers = f"""
        log = logging.getLogger(__name__)


        def parse_{c.word}(text):
            return dict(part.split("=", 1) for part in text.split("&"))
    """
    return Spec(v=v, s=s, imports="import logging", vimports="import traceback", helpers=helpers)


@fam("errors-str-exception", "CWE-209", fws=WEB_FWS, keys=["sku", "product_code"], n=9)
def err_str(c):
    x = c.x
    v = f"""
        try:
            conn = psycopg2.connect(DSN)
            cur = conn.cursor()
            cur.execute("SELECT price FROM products WHERE sku = %s", ({x},))
            result = {{"price": cur.fetchone()[0]}}
        except psycopg2.Error as exc:
            result = {{"error": {c.pick("str(exc)", 'f"database error: {exc}"', "repr(exc)", "exc.pgerror")}}}  #@V
    """
    s = f"""
        try:
            conn = psycopg2.connect(DSN)
            cur = conn.cursor()
            cur.execute("SELECT price FROM products WHERE sku = %s", ({x},))
            result = {{"price": cur.fetchone()[0]}}
        except psycopg2.Error:
            logging.getLogger(__name__).exception("price lookup failed")
            result = {{"error": "temporarily unavailable"}}
    """
    return Spec(v=v, s=s, simports="import logging",
                imports="import os\nimport psycopg2", helpers='DSN = os.environ["CATALOG_DSN"]', notes="driver error text reveals schema and host")


@fam("errors-flask-handler", "CWE-209", fws=["flask", "aiohttp"], n=8, wrap=False)
def err_handler(c):
    if c.fw == "flask":
        v = f"""
            import traceback

            from flask import Flask, jsonify

            app = Flask(__name__)


            @app.errorhandler(Exception)
            def on_error(exc):
                body = {{"error": type(exc).__name__, "detail": str(exc), "trace": traceback.format_tb(exc.__traceback__)}}  #@V
                return jsonify(body), 500


            @app.route("/{c.word}s")
            def {c.word}s():
                return jsonify([])
        """
        s = v.replace('''                body = {"error": type(exc).__name__, "detail": str(exc), "trace": traceback.format_tb(exc.__traceback__)}  #@V''',
                      '''                app.logger.error("unhandled: %s", "".join(traceback.format_tb(exc.__traceback__)))
                body = {"error": "internal error"}''')
    else:
        v = f"""
            import traceback

            from aiohttp import web


            @web.middleware
            async def errors(request, handler):
                try:
                    return await handler(request)
                except web.HTTPException:
                    raise
                except Exception:
                    return web.Response(status=500, text=traceback.format_exc())  #@V


            app = web.Application(middlewares=[errors])
        """
        s = v.replace("return web.Response(status=500, text=traceback.format_exc())  #@V",
                      'request.app.logger.exception("unhandled error")\n                    return web.Response(status=500, text="internal error")')
    return Spec(v=v, s=s, full=True)


@fam("debug-werkzeug-debugged-app", "CWE-489", fws=["flask", "script"], n=8, wrap=False)
def debug_werkzeug(c):
    v = f"""
        import os

        from werkzeug.debug import DebuggedApplication
        from werkzeug.serving import run_simple

        from {c.word}_service import create_app

        application = create_app(os.environ.get("CONFIG", "production"))
        application = DebuggedApplication(application, evalex=True)  #@V

        if __name__ == "__main__":
            run_simple("0.0.0.0", {c.pick("8000", "9000", "5050")}, application, use_reloader={c.pick("True", "False")})
    """
    s = v.replace("        from werkzeug.debug import DebuggedApplication\n", "").replace(
        "        application = DebuggedApplication(application, evalex=True)  #@V\n", "")
    return Spec(v=v, s=s, full=True, fw=c.fw)


@fam("debug-print-secrets-env", "CWE-215", fws=["script", "cli", "pipeline"], n=8, wrap=False)
def debug_settings_dump(c):
    msg = c.pick("starting with config %s", "env at startup: %s", "effective settings %s")
    v = f"""
        import logging
        import os

        logging.basicConfig(level=logging.DEBUG)  #@V
        log = logging.getLogger("{c.word}-worker")


        def start():
            config = dict(os.environ)
            log.debug("{msg}", config)  #@V
            return config.get("QUEUE_URL", "redis://localhost")


        if __name__ == "__main__":
            start()
    """
    s = v.replace(f'log.debug("{msg}", config)  #@V', 'log.debug("starting with config keys %s", sorted(k for k in config if not k.endswith(("KEY", "TOKEN", "PASSWORD", "SECRET"))))')
    return Spec(v=v, s=s, full=True, notes="debug logging dumps secrets from the environment")


# ---------------- CWE-200 sensitive information exposure ----------------


@fam("expose-user-dict", "CWE-200", fws=WEB_FWS, keys=["user_id", "uid"], n=9)
def expose_user(c):
    x = c.x
    v = f"""
        row = db.execute("SELECT * FROM users WHERE id = ?", ({x},)).fetchone()  #@V
        result = dict(row) if row else {{}}  #@V
    """
    s = f"""
        row = db.execute("SELECT id, display_name, avatar_url FROM users WHERE id = ?", ({x},)).fetchone()
        result = dict(row) if row else {{}}
    """
    return Spec(v=v, s=s, imports="import sqlite3", helpers='db = sqlite3.connect("users.db", check_same_thread=False)\ndb.row_factory = sqlite3.Row',
                notes="public profile endpoint returns every column, including password hash and email")


@fam("expose-env-endpoint", "CWE-200", fws=WEB_FWS, n=8, wrap=False, keys=["verbose"])
def expose_env(c):
    v = f"""
        info = {{"version": VERSION, "python": sys.version}}
        if {c.x}:
            info["env"] = dict(os.environ)  #@V
        result = info
    """
    s = f"""
        info = {{"version": VERSION, "python": sys.version.split()[0]}}
        if {c.x}:
            info["env"] = {{k: os.environ.get(k) for k in ("REGION", "RELEASE_CHANNEL")}}
        result = info
    """
    return Spec(v=v, s=s, imports="import os\nimport sys", helpers=f'VERSION = "{c.pick("1.4.2", "2.0.0", "0.9.13")}"')


@fam("expose-drf-all-fields", "CWE-200", fws=["django"], n=8, wrap=False)
def expose_drf(c):
    m = c.pick("User", "Customer", "Employee", "Patient", "Member", "Applicant", "Driver", "Tenant")
    v = f"""
        from rest_framework import serializers, viewsets
        from rest_framework.permissions import IsAuthenticated

        from .models import {m}


        class {m}Serializer(serializers.ModelSerializer):
            class Meta:
                model = {m}
                fields = "__all__"  #@V


        class {m}ViewSet(viewsets.ReadOnlyModelViewSet):
            queryset = {m}.objects.all()
            serializer_class = {m}Serializer
            permission_classes = [IsAuthenticated]
    """
    s = v.replace('fields = "__all__"  #@V', f'fields = ["id", "{c.pick("username", "display_name")}", "date_joined"]')
    return Spec(v=v, s=s, full=True, notes="serializer exposes password hashes and personal fields")


@fam("expose-model-to-dict", "CWE-200", fws=WEB_FWS, keys=["account"], n=8)
def expose_todict(c):
    x = c.x
    v = f"""
        acct = ACCOUNTS.get({x})
        result = acct.__dict__ if acct else None  #@V
    """
    s = f"""
        acct = ACCOUNTS.get({x})
        result = {{"name": acct.name, "plan": acct.plan}} if acct else None
    """
    helpers = """
        class Account:
            def __init__(self, name, plan, api_key, card_last4):
                self.name = name
                self.plan = plan
                self.api_key = api_key
                self.card_last4 = card_last4


        ACCOUNTS = {"acme": Account("acme", "pro", "sk_live_placeholder", "4242")}
    """
    return Spec(v=v, s=s, helpers=helpers)


@fam("expose-directory-listing", "CWE-200", fws=["flask", "aiohttp"], n=8, wrap=False)
def expose_dir(c):
    if c.fw == "flask":
        v = f"""
            import os

            from flask import Flask, jsonify

            app = Flask(__name__)
            SHARE = "/srv/{c.word}/files"


            @app.route("/files/")
            def index():
                return jsonify(sorted(os.listdir(SHARE)))  #@V
        """
        s = v.replace("return jsonify(sorted(os.listdir(SHARE)))  #@V", 'return jsonify(sorted(f for f in os.listdir(SHARE) if f.endswith(".pdf") and not f.startswith(".")))')
    else:
        v = f"""
            from aiohttp import web

            app = web.Application()
            app.router.add_static("/files/", path="/srv/{c.word}", show_index=True)  #@V
        """
        s = v.replace("show_index=True)  #@V", "show_index=False)")
    return Spec(v=v, s=s, full=True, notes="listing reveals backups and dotfiles")


@fam("expose-exception-headers", "CWE-200", fws=WEB_FWS, keys=["debug"], n=8, wrap=False)
def expose_headers(c):
    v = f"""
        result = {{"server": platform.node(), "pid": os.getpid(), "cwd": os.getcwd(), "user": getpass.getuser(), "flag": {c.x}}}  #@V
    """
    s = f"""
        result = {{"status": "ok", "flag": bool({c.x})}}
    """
    return Spec(v=v, s=s, vimports="import getpass\nimport os\nimport platform", notes="status endpoint leaks host internals")
