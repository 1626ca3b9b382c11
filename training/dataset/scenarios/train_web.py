"""Train-only web families: XSS (79), CSRF (352), open redirect (601), cookie flags (614, 1004),
error/debug exposure (209, 215, 489), information exposure (200) and SSRF (918).

Written after the splits were fixed, without reading the held-out families; every family here
goes to train (generate.assign_splits)."""
from core import Spec
from registry import hardneg, fam, WEB_FWS


def _page(c, expr):
    """An HTML response object per framework (different constructors from scenarios.web)."""
    return {"flask": f'Response({expr}, mimetype="text/html")',
            "django": f'HttpResponse({expr}, content_type="text/html; charset=utf-8")',
            "fastapi": f"HTMLResponse(content={expr})",
            "aiohttp": f'web.Response(text={expr}, content_type="text/html")'}[c.fw]


def _page_imp(c):
    return {"flask": "from flask import Response", "django": "from django.http import HttpResponse",
            "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]


def _redirect(c, target):
    return {"flask": f"redirect({target}, code=302)", "django": f"redirect({target})",
            "fastapi": f"RedirectResponse(url={target}, status_code=302)", "aiohttp": f"web.HTTPFound(location={target})"}[c.fw]


def _redirect_imp(c):
    return {"flask": "from flask import redirect", "django": "from django.shortcuts import redirect",
            "fastapi": "from fastapi.responses import RedirectResponse", "aiohttp": ""}[c.fw]


# ---------------- CWE-79 cross-site scripting ----------------


@fam("xss-format-html-prebuilt", "CWE-79", fws=["django"], keys=["tags", "labels", "topics"], n=8)
def xss_format_html_prebuilt(c):
    x, w = c.x, c.word
    built = c.fmt('<span class="chip">{}</span>', "tag", style=c.pick("fstring", "percent", "format", "concat"))
    tpl = c.pick("chips.html", "tag_list.html", "labels.html")
    v = f"""
        tags = [t.strip() for t in {x}.split(",") if t.strip()][:20]
        chips = [format_html({built}) for tag in tags]  #@V
        page = render_to_string("{w}/{tpl}", {{"chips": chips, "count": len(chips)}})
        result = HttpResponse(page)
    """
    s = f"""
        tags = [t.strip() for t in {x}.split(",") if t.strip()][:20]
        chips = [format_html('<span class="chip">{{}}</span>', tag) for tag in tags]
        page = render_to_string("{w}/{tpl}", {{"chips": chips, "count": len(chips)}})
        result = HttpResponse(page)
    """
    return Spec(v=v, s=s, imports="from django.http import HttpResponse\nfrom django.template.loader import render_to_string\n"
                "from django.utils.html import format_html", raw=True,
                notes="format_html only escapes its arguments; a string already built with the input is marked safe as is")


@hardneg(4)
def xss_format_html_prebuilt_hn(c):
    x, w = c.x, c.word
    s = f"""
        tags = [t.strip() for t in {x}.split(",") if t.strip()][:20]
        chips = format_html_join("\\n", '<span class="chip" data-{w}="{{}}">{{}}</span>', ((i, t) for i, t in enumerate(tags)))
        result = HttpResponse(render_to_string("{w}/chips.html", {{"chips": chips}}))
    """
    return Spec(s=s, imports="from django.http import HttpResponse\nfrom django.template.loader import render_to_string\n"
                "from django.utils.html import format_html_join", raw=True,
                notes="format_html_join escapes every argument tuple")


@fam("xss-stored-table-rows", "CWE-79", fws=WEB_FWS, keys=["note", "comment", "message"], n=8)
def xss_stored_rows(c):
    x, w = c.x, c.word
    st = c.pick("fstring", "percent", "format", "join")
    cell_v = c.fmt("<tr><td>{}</td><td>{}</td></tr>", "r[0]", "r[1]", style=st)
    cell_s = c.fmt("<tr><td>{}</td><td>{}</td></tr>", "escape(r[0])", "escape(r[1])", style=st)
    rows = c.n("rows")
    tbl = f'"<table class=\'{w}s\'>" + body + "</table>"'
    v = f"""
        db.execute("INSERT INTO {w}_notes (created, body) VALUES (datetime('now'), ?)", ({x},))
        db.commit()
        {rows} = db.execute("SELECT created, body FROM {w}_notes ORDER BY created DESC LIMIT 50").fetchall()
        body = "".join({cell_v} for r in {rows})  #@V
        result = {_page(c, tbl)}  #@V
    """
    s = f"""
        db.execute("INSERT INTO {w}_notes (created, body) VALUES (datetime('now'), ?)", ({x},))
        db.commit()
        {rows} = db.execute("SELECT created, body FROM {w}_notes ORDER BY created DESC LIMIT 50").fetchall()
        body = "".join({cell_s} for r in {rows})
        result = {_page(c, tbl)}
    """
    return Spec(v=v, s=s, imports="import sqlite3\n" + _page_imp(c), simports="from html import escape",
                helpers=f'db = sqlite3.connect("{w}s.db", check_same_thread=False)', raw=True,
                notes="posted notes are stored and every visitor gets them back in the HTML table unescaped (stored XSS)")


@hardneg(4)
def xss_stored_rows_hn(c):
    x, w = c.x, c.word
    s = f"""
        rows = db.execute("SELECT id, score FROM {w}_stats WHERE label = ? LIMIT 50", ({x},)).fetchall()
        body = "".join(f"<tr><td>{{int(r[0])}}</td><td>{{float(r[1]):.2f}}</td></tr>" for r in rows)
        result = {_page(c, '"<table>" + body + "</table>"')}
    """
    return Spec(s=s, imports="import sqlite3\n" + _page_imp(c), helpers=f'db = sqlite3.connect("{w}s.db", check_same_thread=False)',
                raw=True, notes="only numbers (int/float formatted) are interpolated into the HTML")


@fam("xss-string-template-page", "CWE-79", fws=WEB_FWS, keys=["email", "list_name", "address"], n=8)
def xss_string_template(c):
    x, w = c.x, c.word
    meth = c.pick("substitute", "safe_substitute")
    v = f"""
        removed = UNSUBSCRIBED.setdefault("{w}-news", set())
        removed.add({x})
        page = PAGE.{meth}(who={x}, total=len(removed))  #@V
        result = {_page(c, "page")}  #@V
    """
    s = f"""
        removed = UNSUBSCRIBED.setdefault("{w}-news", set())
        removed.add({x})
        page = PAGE.{meth}(who=html.escape({x}), total=len(removed))
        result = {_page(c, "page")}
    """
    helpers = f"""
        UNSUBSCRIBED = {{}}
        PAGE = Template(
            "<!doctype html><html><head><title>{w.capitalize()} newsletter</title></head>"
            "<body><p><b>$who</b> will no longer receive the {w} newsletter.</p>"
            "<small>$total addresses unsubscribed</small></body></html>"
        )
    """
    return Spec(v=v, s=s, imports="from string import Template\n" + _page_imp(c), simports="import html", helpers=helpers, raw=True,
                notes="string.Template does no HTML escaping")


@hardneg(4)
def xss_string_template_hn(c):
    x, w = c.x, c.word
    s = f"""
        page = PAGE.substitute(who=html.escape({x}, quote=True), when=datetime.date.today().isoformat())
        result = {_page(c, "page")}
    """
    helpers = f"""
        PAGE = Template("<html><body><h2>{w.capitalize()} receipt</h2><p>Sent to $who on $when</p></body></html>")
    """
    return Spec(s=s, imports="import datetime\nimport html\nfrom string import Template\n" + _page_imp(c), helpers=helpers, raw=True,
                notes="template values are HTML-escaped before substitution")


# ---------------- CWE-352 cross-site request forgery ----------------


@fam("csrf-wtforms-meta-disabled", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_wtforms_meta(c):
    w = c.word
    field, label, valid, action = c.pick(
        ("email", "New e-mail", "InputRequired(), Email()", "update_email"),
        ("iban", "Payout IBAN", "InputRequired(), Length(min=15, max=34)", "update_payout_account"),
        ("address", "Shipping address", "InputRequired(), Length(max=200)", "update_shipping_address"),
        ("phone", "Recovery phone", "InputRequired(), Length(min=6, max=20)", "update_recovery_phone"))
    form = field.capitalize() + "Form"
    vimp = ", ".join(n for n in ("Email", "InputRequired", "Length") if n + "(" in valid)
    meta_class = c.pick(True, False)
    if meta_class:
        cls = f"""class {form}(FlaskForm):
            class Meta:
                csrf = False  #@V

            {field} = StringField("{label}", validators=[{valid}])"""
        inst = f"form = {form}()"
    else:
        cls = f"""class {form}(FlaskForm):
            {field} = StringField("{label}", validators=[{valid}])"""
        inst = f'form = {form}(meta={{"csrf": False}})  #@V'
    v = f"""
        import os

        from flask import Flask, redirect, render_template, session, url_for
        from flask_wtf import FlaskForm
        from wtforms import StringField
        from wtforms.validators import {vimp}

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]


        {cls}


        @app.route("/settings/{field}", methods=["GET", "POST"])
        def change_{field}():
            if "uid" not in session:
                return redirect(url_for("login"))
            {inst}
            if form.validate_on_submit():
                {action}(session["uid"], form.{field}.data)
                return redirect(url_for("{w}_settings"))
            return render_template("settings/{field}.html", form=form)


        def {action}(uid, value):
            print("{action}", uid, value)
    """
    if meta_class:
        s = v.replace("            class Meta:\n                csrf = False  #@V\n\n", "")
    else:
        s = v.replace(f'form = {form}(meta={{"csrf": False}})  #@V', f"form = {form}()")
    return Spec(v=v, s=s, full=True, notes="the form that changes account data turns off Flask-WTF's CSRF token")


@hardneg(4)
def csrf_wtforms_meta_hn(c):
    w = c.word
    s = f"""
        from flask import Flask, render_template, request
        from flask_wtf import FlaskForm
        from wtforms import StringField


        app = Flask(__name__)


        class SearchForm(FlaskForm):
            class Meta:
                csrf = False  # read-only GET search form, no state change

            q = StringField("Search")


        @app.route("/{w}s/search", methods=["GET"])
        def search_{w}s():
            form = SearchForm(request.args)
            hits = [] if not form.q.data else [h for h in ("alpha", "beta", "gamma") if form.q.data in h]
            return render_template("search.html", form=form, hits=hits)
    """
    return Spec(s=s, full=True, fw="flask", notes="CSRF disabled only on a read-only GET search form")


@fam("csrf-drf-enforce-csrf-noop", "CWE-352", fws=["django"], n=8, wrap=False)
def csrf_drf_noop(c):
    w = c.word
    cls = c.pick("CsrfExemptSessionAuthentication", "NoCsrfSessionAuth", "SpaSessionAuthentication")
    body = c.pick("return  # the SPA does not send the token", "return None", "pass  # handled by SameSite")
    if c.pick(True, False):
        view = f"""
        class {w.capitalize()}TransferView(APIView):
            authentication_classes = [{cls}]  #@V
            permission_classes = [IsAuthenticated]

            def post(self, request):
                amount = int(request.data["amount"])
                dest = request.data["to_account"]
                transfer_{w}_credit(request.user, dest, amount)
                return Response({{"ok": True, "amount": amount}})"""
        imps = "from rest_framework.views import APIView"
    else:
        view = f"""
        @api_view(["POST"])
        @authentication_classes([{cls}])  #@V
        @permission_classes([IsAuthenticated])
        def transfer_{w}(request):
            amount = int(request.data["amount"])
            dest = request.data["to_account"]
            transfer_{w}_credit(request.user, dest, amount)
            return Response({{"ok": True, "amount": amount}})"""
        imps = "from rest_framework.decorators import api_view, authentication_classes, permission_classes"
    v = f"""
        from rest_framework.authentication import SessionAuthentication
        {imps}
        from rest_framework.permissions import IsAuthenticated
        from rest_framework.response import Response

        from .services import transfer_{w}_credit


        class {cls}(SessionAuthentication):
            def enforce_csrf(self, request):  #@V
                {body}

{view}
    """
    s = v.replace(f"""

        class {cls}(SessionAuthentication):
            def enforce_csrf(self, request):  #@V
                {body}
""", "").replace(f"[{cls}]  #@V", "[SessionAuthentication]").replace(f"[{cls}])  #@V", "[SessionAuthentication])")
    return Spec(v=v, s=s, full=True,
                notes="overriding SessionAuthentication.enforce_csrf to do nothing removes DRF's CSRF check for cookie-authenticated requests")


@hardneg(4)
def csrf_drf_noop_hn(c):
    w = c.word
    s = f"""
        import logging

        from rest_framework.authentication import SessionAuthentication
        from rest_framework.decorators import api_view, authentication_classes
        from rest_framework.response import Response

        log = logging.getLogger("{w}.auth")


        class AuditedSessionAuthentication(SessionAuthentication):
            def authenticate(self, request):
                result = super().authenticate(request)  # still calls enforce_csrf
                if result is not None:
                    log.debug("session auth for user id %s", result[0].pk)
                return result


        @api_view(["POST"])
        @authentication_classes([AuditedSessionAuthentication])
        def archive_{w}(request, pk):
            return Response({{"archived": pk}})
    """
    return Spec(s=s, full=True, fw="django", notes="SessionAuthentication subclass that keeps enforce_csrf")


@fam("csrf-optional-token-check", "CWE-352", fws=["flask", "aiohttp"], n=8, wrap=False)
def csrf_optional(c):
    w = c.word
    hdr = c.pick("X-CSRF-Token", "X-CSRFToken", "X-Xsrf-Token")
    if c.fw == "flask":
        sent = c.pick(f'request.form.get("csrf_token") or request.headers.get("{hdr}")', f'request.headers.get("{hdr}")')
        v = f"""
            import os

            from flask import Flask, abort, jsonify, request, session

            app = Flask(__name__)
            app.secret_key = os.environ["FLASK_SECRET_KEY"]


            @app.before_request
            def check_csrf():
                if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                    sent = {sent}
                    if sent and sent != session.get("csrf_token"):  #@V
                        abort(403)


            @app.route("/{w}s/<int:item_id>/delete", methods=["POST"])
            def delete_{w}(item_id):
                if "uid" not in session:
                    abort(401)
                return jsonify(deleted=item_id, owner=session["uid"])
        """
        s = v.replace('if sent and sent != session.get("csrf_token"):  #@V',
                      'if not sent or not hmac.compare_digest(sent, session.get("csrf_token", "")):').replace(
            "import os\n", "import hmac\n            import os\n", 1)
    else:
        v = f"""
            import hmac
            import os

            from aiohttp import web
            from aiohttp_session import get_session, session_middleware
            from aiohttp_session.cookie_storage import EncryptedCookieStorage


            @web.middleware
            async def csrf_middleware(request, handler):
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    session = await get_session(request)
                    sent = request.headers.get("{hdr}", "")
                    if sent and not hmac.compare_digest(sent, session.get("csrf_token", "")):  #@V
                        raise web.HTTPForbidden(text="bad csrf token")
                return await handler(request)


            async def close_{w}(request):
                session = await get_session(request)
                if "uid" not in session:
                    raise web.HTTPUnauthorized()
                return web.json_response({{"closed": request.match_info["id"]}})


            app = web.Application(middlewares=[session_middleware(EncryptedCookieStorage(os.environ["SESSION_KEY"])), csrf_middleware])
            app.router.add_post("/{w}s/{{id}}/close", close_{w})
        """
        s = v.replace('if sent and not hmac.compare_digest(sent, session.get("csrf_token", "")):  #@V',
                      'if not sent or not hmac.compare_digest(sent, session.get("csrf_token", "")):')
    return Spec(v=v, s=s, full=True, notes="the token is only compared when the request carries one; a forged request simply omits it")


@hardneg(4)
def csrf_optional_hn(c):
    w = c.word
    s = f"""
        import hmac

        from flask import Flask, abort, jsonify, request

        app = Flask(__name__)


        @app.before_request
        def double_submit_check():
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                cookie = request.cookies.get("csrf_token", "")
                sent = request.headers.get("X-CSRF-Token", "")
                if not cookie or not sent or not hmac.compare_digest(cookie, sent):
                    abort(403)


        @app.route("/{w}s/<int:item_id>/archive", methods=["POST"])
        def archive_{w}(item_id):
            return jsonify(archived=item_id)
    """
    return Spec(s=s, full=True, fw="flask", notes="double-submit CSRF check that rejects a missing token")


# ---------------- CWE-601 open redirect ----------------


@fam("redirect-host-endswith", "CWE-601", fws=WEB_FWS, keys=["next", "return_url", "back"], n=8)
def redirect_endswith(c):
    x, w = c.x, c.word
    v = f"""
        target = {x} or "/"
        parts = urlsplit(target.replace("\\\\", "/"))
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("", "https") or (parts.netloc and not host.endswith("{w}app.com")):  #@V
            target = "/"
        result = {_redirect(c, "target")}  #@V
    """
    s = f"""
        target = {x} or "/"
        parts = urlsplit(target.replace("\\\\", "/"))
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("", "https") or (parts.netloc and host != "{w}app.com" and not host.endswith(".{w}app.com")):
            target = "/"
        result = {_redirect(c, "target")}
    """
    return Spec(v=v, s=s, imports="from urllib.parse import urlsplit\n" + _redirect_imp(c), raw=True,
                notes=f"a suffix check without the leading dot accepts any registrable look-alike such as evil{w}app.com")


@hardneg(4)
def redirect_endswith_hn(c):
    x, w = c.x, c.word
    s = f"""
        target = {x} or "/"
        parts = urlsplit(target.replace("\\\\", "/"))
        if parts.scheme not in ("", "https") or (parts.netloc and (parts.hostname or "").lower() not in TRUSTED_HOSTS):
            target = "/"
        result = {_redirect(c, "target")}
    """
    return Spec(s=s, imports="from urllib.parse import urlsplit\n" + _redirect_imp(c), raw=True,
                helpers=f'TRUSTED_HOSTS = {{"{w}app.com", "www.{w}app.com", "help.{w}app.com"}}',
                notes="redirect host compared against an exact allow-list")


@fam("redirect-session-stored-next", "CWE-601", fws=["flask", "django"], n=8, wrap=False)
def redirect_session(c):
    w = c.word
    key = c.pick("after_login", "next_url", "return_to")
    param = c.pick("next", "continue", "return_to")
    if c.fw == "flask":
        v = f"""
            import os

            from flask import Flask, redirect, render_template, request, session

            from .auth import check_credentials

            app = Flask(__name__)
            app.secret_key = os.environ["FLASK_SECRET_KEY"]


            @app.get("/login")
            def login_form():
                session["{key}"] = request.args.get("{param}", "/")  #@S
                return render_template("login.html")


            @app.post("/login")
            def login_submit():
                user = check_credentials(request.form["username"], request.form["password"])
                if user is None:
                    return render_template("login.html", error="Invalid credentials"), 401
                session["uid"] = user.id
                return redirect(session.pop("{key}", "/"))  #@V
        """
        s = v.replace(f'session["{key}"] = request.args.get("{param}", "/")  #@S',
                      f'nxt = request.args.get("{param}", "/")\n'
                      f'                parts = urlsplit(nxt)\n'
                      f'                session["{key}"] = nxt if not parts.scheme and not parts.netloc and nxt.startswith("/") and "\\\\" not in nxt else "/"').replace(
            "import os\n", "import os\n            from urllib.parse import urlsplit\n", 1).replace("  #@V", "")
    else:
        v = f"""
            from django.contrib.auth import authenticate, login
            from django.shortcuts import redirect, render


            def login_view(request):
                if request.method == "GET":
                    request.session["{key}"] = request.GET.get("{param}", "/")  #@S
                    return render(request, "{w}/login.html")
                user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
                if user is None:
                    return render(request, "{w}/login.html", {{"error": "Invalid credentials"}}, status=401)
                login(request, user)
                return redirect(request.session.pop("{key}", "/"))  #@V
        """
        s = v.replace(f'request.session["{key}"] = request.GET.get("{param}", "/")  #@S',
                      f'nxt = request.GET.get("{param}", "/")\n'
                      f'                    parts = urlsplit(nxt)\n'
                      f'                    request.session["{key}"] = nxt if not parts.scheme and not parts.netloc and nxt.startswith("/") and "\\\\" not in nxt else "/"').replace(
            "from django.contrib.auth import authenticate, login\n",
            "from urllib.parse import urlsplit\n\n            from django.contrib.auth import authenticate, login\n", 1).replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="the next URL is stored in the session unchecked and used for the redirect after login")


@fam("redirect-tracking-link-unsigned", "CWE-601", fws=WEB_FWS, keys=["link", "t", "dest"], n=8)
def redirect_tracking(c):
    x = c.x
    v = f"""
        encoded, _, sig = {x}.partition(".")
        dest = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        CLICKS[dest] += 1
        result = {_redirect(c, "dest")}  #@V
    """
    s = f"""
        encoded, _, sig = {x}.partition(".")
        dest = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        expected = hmac.new(LINK_KEY, encoded.encode(), hashlib.sha256).hexdigest()[:24]
        if not hmac.compare_digest(sig, expected):
            dest = "/"
        CLICKS[dest] += 1
        result = {_redirect(c, "dest")}
    """
    return Spec(v=v, s=s, imports="import base64\nimport os\nfrom collections import Counter\n" + _redirect_imp(c),
                simports="import hashlib\nimport hmac",
                helpers='LINK_KEY = os.environ["LINK_SIGNING_KEY"].encode()\nCLICKS = Counter()', raw=True,
                notes="the click-tracking link carries a signature that is parsed but never verified, so any destination is accepted")


@hardneg(4)
def redirect_tracking_hn(c):
    x, w = c.x, c.word
    target = f'"/{w}s/search?q=" + quote({x}, safe="")'
    s = f"""
        CLICKS[{x}] += 1
        result = {_redirect(c, target)}
    """
    return Spec(s=s, imports="from collections import Counter\nfrom urllib.parse import quote\n" + _redirect_imp(c),
                helpers="CLICKS = Counter()", raw=True, notes="redirect to a fixed local path; the input is only a quoted query value")


# ---------------- CWE-614 / CWE-1004 cookie flags ----------------


@fam("cookie-simplecookie-morsel", "CWE-614", fws=["script"], n=8, wrap=False)
def cookie_morsel(c):
    w = c.word
    name = c.pick("sid", "session", f"{w}_sid")
    same = c.pick("Lax", "Strict")
    if c.pick(True, False):
        v = f"""
            import secrets
            from http.cookies import SimpleCookie
            from urllib.parse import parse_qs

            from .accounts import verify_login

            SESSIONS = {{}}


            def application(environ, start_response):
                if environ["PATH_INFO"] == "/login" and environ["REQUEST_METHOD"] == "POST":
                    size = int(environ.get("CONTENT_LENGTH") or 0)
                    form = parse_qs(environ["wsgi.input"].read(size).decode())
                    user = verify_login(form.get("user", [""])[0], form.get("pw", [""])[0])
                    if user is None:
                        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
                        return [b"denied"]
                    sid = secrets.token_urlsafe(32)
                    SESSIONS[sid] = user
                    cookie = SimpleCookie()
                    cookie["{name}"] = sid
                    cookie["{name}"]["path"] = "/"
                    cookie["{name}"]["httponly"] = True
                    cookie["{name}"]["samesite"] = "{same}"
                    headers = [("Content-Type", "text/plain"), ("Set-Cookie", cookie["{name}"].OutputString())]  #@V
                    start_response("200 OK", headers)
                    return [b"welcome"]
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found"]
        """
        s = v.replace(f'cookie["{name}"]["samesite"] = "{same}"\n',
                      f'cookie["{name}"]["samesite"] = "{same}"\n                    cookie["{name}"]["secure"] = True\n').replace("  #@V", "")
    else:
        v = f"""
            import secrets
            from http.cookies import SimpleCookie
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

            TOKENS = {{}}


            class {w.capitalize()}Handler(BaseHTTPRequestHandler):
                def do_POST(self):
                    if self.path != "/session":
                        self.send_error(404)
                        return
                    token = secrets.token_hex(32)
                    TOKENS[token] = self.client_address[0]
                    jar = SimpleCookie()
                    jar["{name}"] = token
                    jar["{name}"]["httponly"] = True
                    jar["{name}"]["max-age"] = 3600
                    self.send_response(204)
                    self.send_header("Set-Cookie", jar["{name}"].OutputString())  #@V
                    self.end_headers()


            if __name__ == "__main__":
                # plain HTTP on loopback: the public HTTPS endpoint is the TLS-terminating proxy in front
                ThreadingHTTPServer(("127.0.0.1", 8080), {w.capitalize()}Handler).serve_forever()
        """
        s = v.replace(f'jar["{name}"]["max-age"] = 3600\n',
                      f'jar["{name}"]["max-age"] = 3600\n                    jar["{name}"]["secure"] = True\n').replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="the session morsel gets HttpOnly but no Secure attribute, so it is also sent over plain HTTP")


@fam("cookie-werkzeug-dump-cookie", "CWE-614", fws=["flask", "fastapi"], n=8, wrap=False)
def cookie_dump(c):
    w = c.word
    name = c.pick(f"{w}_sid", "session_id", "auth")
    age = c.pick("1800", "3600", "86400")
    args = f'"{name}", sid, max_age={age}, path="/", httponly=True, samesite="{c.pick("Lax", "Strict")}"'
    if c.fw == "flask":
        v = f"""
            from flask import Flask, g, jsonify
            from werkzeug.http import dump_cookie

            from .sessions import rotate_session

            app = Flask(__name__)


            @app.after_request
            def refresh_session_cookie(response):
                sid = g.get("sid")
                if sid:
                    sid = rotate_session(sid)
                    response.headers.add("Set-Cookie", dump_cookie({args}))  #@V
                return response


            @app.get("/{w}s")
            def list_{w}s():
                return jsonify(items=[])
        """
    else:
        v = f"""
            from fastapi import FastAPI, Request
            from werkzeug.http import dump_cookie

            from .sessions import rotate_session

            app = FastAPI()


            @app.middleware("http")
            async def refresh_session_cookie(request: Request, call_next):
                response = await call_next(request)
                sid = request.cookies.get("{name}")
                if sid:
                    sid = rotate_session(sid)
                    response.headers.append("Set-Cookie", dump_cookie({args}))  #@V
                return response


            @app.get("/{w}s")
            async def list_{w}s():
                return {{"items": []}}
        """
    s = v.replace("httponly=True,", "secure=True, httponly=True,").replace("  #@V", "")
    return Spec(v=v, s=s, full=True, notes="werkzeug's dump_cookie defaults to secure=False; the rotated session id is sent over HTTP too")


@fam("cookie-httponly-config-default", "CWE-1004", fws=WEB_FWS, keys=["code", "login_code", "magic"], n=8, wrap=False)
def cookie_httponly_cfg(c):
    x, w = c.x, c.word
    name = c.pick(f"{w}_auth", "auth_token", "refresh_token")
    flag_v, flag_imp = c.pick(
        ('os.environ.get("AUTH_COOKIE_HTTPONLY") == "1"', "import os"),
        ('bool(int(os.environ.get("AUTH_COOKIE_HTTPONLY", "0")))', "import os"),
        ('CONFIG.get("AUTH_COOKIE_HTTPONLY", False)', ""))
    if c.fw == "django" and c.pick(True, False):
        flag_v, flag_imp = 'getattr(settings, "AUTH_COOKIE_HTTPONLY", False)', "from django.conf import settings"
    ctor = {"flask": "make_response(jsonify(ok=True))", "django": 'JsonResponse({"ok": True})',
            "fastapi": 'JSONResponse({"ok": True})', "aiohttp": 'web.json_response({"ok": True})'}[c.fw]
    imp = {"flask": "from flask import make_response", "django": "", "fastapi": "from fastapi.responses import JSONResponse",
           "aiohttp": ""}[c.fw]
    v = f"""
        user = LOGIN_CODES.pop({x}, None)
        if user is None:
            raise PermissionError("invalid or already used login code")
        token = secrets.token_urlsafe(32)
        SESSIONS[token] = user
        reply = {ctor}
        reply.set_cookie("{name}", token, max_age=3600, secure=True, httponly={flag_v}, samesite="Lax")  #@V
        result = reply
    """
    s = v.replace(f"httponly={flag_v}, samesite=\"Lax\")  #@V", 'httponly=True, samesite="Lax")')
    helpers = "SESSIONS = {}\nLOGIN_CODES = {}  # one-time codes from the magic-link e-mails"
    if flag_v.startswith("CONFIG"):
        helpers += '\nCONFIG = json.load(open("config.json"))'
        flag_imp = "import json"
    return Spec(v=v, s=s, imports="import secrets\n" + imp + "\n" + flag_imp, helpers=helpers, raw=True,
                notes="HttpOnly on the auth cookie depends on a setting that is off unless configured, so scripts can read the token")


@hardneg(4)
def cookie_httponly_cfg_hn(c):
    ctor = {"flask": "make_response(jsonify(ok=True))", "django": 'JsonResponse({"ok": True})',
            "fastapi": 'JSONResponse({"ok": True})', "aiohttp": 'web.json_response({"ok": True})'}[c.fw]
    imp = {"flask": "from flask import make_response", "django": "", "fastapi": "from fastapi.responses import JSONResponse",
           "aiohttp": ""}[c.fw]
    s = f"""
        csrf = secrets.token_urlsafe(32)
        reply = {ctor}
        # double-submit token: the SPA must read it from JS and echo it in a header, so no HttpOnly
        reply.set_cookie("csrf_token", csrf, max_age=3600, secure=True, samesite="Strict")
        result = reply
    """
    return Spec(s=s, imports="import secrets\n" + imp, raw=True, notes="CSRF double-submit cookie is meant to be readable by scripts")


# ---------------- CWE-209 / 215 / 489 error and debug exposure ----------------


@fam("errors-httpexception-detail", "CWE-209", fws=["flask", "fastapi", "aiohttp"], keys=["sku", "order_ref", "code"], n=8)
def errors_httpexc(c):
    x, w = c.x, c.word
    detail = c.pick(f'f"{w} lookup failed: {{exc}}"', f'"database error: " + str(exc)', f'"{w} failed: " + str(exc)', f'"{w} query failed: " + repr(exc)')
    raise_v = {"flask": f"abort(500, description={detail})",
               "fastapi": f"raise HTTPException(status_code=500, detail={detail})",
               "aiohttp": f"raise web.HTTPInternalServerError(text={detail})"}[c.fw]
    raise_s = {"flask": 'abort(500, description="internal error")',
               "fastapi": 'raise HTTPException(status_code=500, detail="internal error")',
               "aiohttp": 'raise web.HTTPInternalServerError(text="internal error")'}[c.fw]
    imp = {"flask": "from flask import abort", "fastapi": "from fastapi import HTTPException", "aiohttp": ""}[c.fw]
    v = f"""
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT qty, warehouse FROM {w}_stock WHERE ref = %s", ({x},))
                row = cur.fetchone()
        except psycopg2.Error as exc:
            conn.rollback()
            {raise_v}  #@V
        result = {{"qty": row[0], "warehouse": row[1]}} if row else None
    """
    s = f"""
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT qty, warehouse FROM {w}_stock WHERE ref = %s", ({x},))
                row = cur.fetchone()
        except psycopg2.Error:
            conn.rollback()
            log.exception("{w} stock lookup failed")
            {raise_s}
        result = {{"qty": row[0], "warehouse": row[1]}} if row else None
    """
    return Spec(v=v, s=s, imports="import logging\nimport os\nimport psycopg2\n" + imp,
                helpers=f'conn = psycopg2.connect(os.environ["DATABASE_URL"])\nlog = logging.getLogger("{w}")',
                notes="the database error text (SQL, table and column names, server details) is sent to the client")


@hardneg(4)
def errors_httpexc_hn(c):
    x, w = c.x, c.word
    raise_s = {"flask": 'abort(500, description="internal error, reference " + ref)',
               "fastapi": 'raise HTTPException(status_code=500, detail="internal error, reference " + ref)',
               "aiohttp": 'raise web.HTTPInternalServerError(text="internal error, reference " + ref)'}[c.fw]
    imp = {"flask": "from flask import abort", "fastapi": "from fastapi import HTTPException", "aiohttp": ""}[c.fw]
    s = f"""
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT status FROM {w}s WHERE ref = %s", ({x},))
                row = cur.fetchone()
        except psycopg2.Error:
            ref = uuid.uuid4().hex[:12]
            log.exception("status lookup failed (ref %s)", ref)
            {raise_s}
        result = row[0] if row else "unknown"
    """
    return Spec(s=s, imports="import logging\nimport os\nimport uuid\nimport psycopg2\n" + imp,
                helpers=f'conn = psycopg2.connect(os.environ["DATABASE_URL"])\nlog = logging.getLogger("{w}")',
                notes="the exception is logged server-side; the client gets only a reference id")


@fam("debug-toolbar-always-shown", "CWE-215", fws=["django", "flask"], n=8, wrap=False)
def debug_toolbar(c):
    w = c.word
    if c.fw == "django":
        cb = c.pick("lambda request: True", "lambda request: not request.path.startswith(\"/api/\")",
                    "lambda request: request.user.is_authenticated")
        v = f"""
            # {w}/settings/production.py
            import os

            from .base import *  # noqa: F401,F403
            from .base import INSTALLED_APPS, MIDDLEWARE

            DEBUG = False
            ALLOWED_HOSTS = ["{w}.example.com"]
            INTERNAL_IPS = ["127.0.0.1"]

            INSTALLED_APPS += ["debug_toolbar"]
            MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
            DEBUG_TOOLBAR_CONFIG = {{"SHOW_TOOLBAR_CALLBACK": {cb}}}  #@V

            DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{w}", "HOST": os.environ["DB_HOST"]}}}}
        """
        s = v.replace(f'{{"SHOW_TOOLBAR_CALLBACK": {cb}}}  #@V',
                      '{"SHOW_TOOLBAR_CALLBACK": lambda request: DEBUG and request.META.get("REMOTE_ADDR") in INTERNAL_IPS}')
    else:
        v = f"""
            import os

            from flask import Flask
            from flask_debugtoolbar import DebugToolbarExtension

            app = Flask(__name__)
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
            app.config["DEBUG_TB_ENABLED"] = True  #@V
            app.config["DEBUG_TB_INTERCEPT_REDIRECTS"] = False
            toolbar = DebugToolbarExtension(app)


            @app.route("/{w}s")
            def list_{w}s():
                return "<html><body>{w}s</body></html>"


            if __name__ == "__main__":
                app.run(host="0.0.0.0", port=8000)
        """
        s = v.replace('app.config["DEBUG_TB_ENABLED"] = True  #@V', 'app.config["DEBUG_TB_ENABLED"] = app.debug')
    return Spec(v=v, s=s, full=True,
                notes="the debug toolbar is shown to production visitors: SQL queries, settings, headers and session data")


@hardneg(4)
def debug_toolbar_hn(c):
    w = c.word
    s = f"""
        # {w}/settings/development.py
        import os

        from .base import *  # noqa: F401,F403
        from .base import INSTALLED_APPS, MIDDLEWARE

        DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
        INTERNAL_IPS = ["127.0.0.1", "::1"]

        if DEBUG:
            INSTALLED_APPS += ["debug_toolbar"]
            MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    """
    return Spec(s=s, full=True, fw="django", notes="toolbar only installed when DEBUG is on, shown to INTERNAL_IPS by default")


@fam("debug-tornado-application", "CWE-489", fws=["script"], n=8, wrap=False)
def debug_tornado(c):
    w = c.word
    W = w.capitalize()
    port = c.pick("8888", "8080", "9000")
    if c.pick(True, False):
        v = f"""
            import os

            import tornado.ioloop
            import tornado.web


            class {W}Handler(tornado.web.RequestHandler):
                def get(self, item_id):
                    self.write({{"id": int(item_id), "kind": "{w}"}})


            def make_app():
                return tornado.web.Application(
                    [(r"/{w}s/([0-9]+)", {W}Handler)],
                    cookie_secret=os.environ["COOKIE_SECRET"],
                    debug=True,  #@V
                )


            if __name__ == "__main__":
                app = make_app()
                app.listen(int(os.environ.get("PORT", "{port}")), address="0.0.0.0")
                tornado.ioloop.IOLoop.current().start()
        """
    else:
        v = f"""
            import asyncio
            import os

            import tornado.web


            class {W}ListHandler(tornado.web.RequestHandler):
                async def get(self):
                    self.write({{"items": [], "source": "{w}"}})


            async def main():
                app = tornado.web.Application([(r"/api/{w}s", {W}ListHandler)], debug=True, xsrf_cookies=True)  #@V
                app.listen(int(os.environ.get("PORT", "{port}")))
                await asyncio.Event().wait()


            if __name__ == "__main__":
                asyncio.run(main())
        """
    s = v.replace("debug=True,  #@V", 'debug=os.environ.get("TORNADO_DEBUG") == "1",').replace(
        "debug=True, xsrf_cookies=True)  #@V", 'debug=os.environ.get("TORNADO_DEBUG") == "1", xsrf_cookies=True)')
    return Spec(v=v, s=s, full=True,
                notes="tornado debug=True turns on serve_traceback (stack traces to clients) and autoreload in a deployed server")


@hardneg(4)
def debug_tornado_hn(c):
    w = c.word
    s = f"""
        import tornado.ioloop
        import tornado.web
        from tornado.options import define, options, parse_command_line

        define("port", default=8888, type=int)
        define("debug", default=False, type=bool, help="development mode")


        class PingHandler(tornado.web.RequestHandler):
            def get(self):
                self.write("{w} ok")


        if __name__ == "__main__":
            parse_command_line()
            app = tornado.web.Application([(r"/ping", PingHandler)], debug=options.debug)
            app.listen(options.port, address="127.0.0.1")
            tornado.ioloop.IOLoop.current().start()
    """
    return Spec(s=s, full=True, fw="script", notes="debug is an opt-in command-line option, off by default")


# ---------------- CWE-200 sensitive information exposure ----------------


@fam("expose-response-model-secret-field", "CWE-200", fws=["fastapi"], n=8, wrap=False)
def expose_pydantic(c):
    w = c.word
    M, Ms = c.pick(("Member", "members"), ("Author", "authors"), ("Seller", "sellers"), ("Coach", "coaches"), ("Host", "hosts"), ("Creator", "creators"))
    field = c.pick("password_hash: str", "totp_secret: str | None = None", "api_secret: str", "hashed_password: str")
    extra = c.pick("bio: str | None = None", "avatar_url: str | None = None", "headline: str = \"\"", "website: str | None = None")
    suffix = c.pick("profile", "public", "card")
    v = f"""
        from datetime import datetime

        from fastapi import Depends, FastAPI, HTTPException
        from pydantic import BaseModel, ConfigDict
        from sqlalchemy.orm import Session

        from .db import get_db
        from .models import {M}

        app = FastAPI()


        class {M}Public(BaseModel):
            model_config = ConfigDict(from_attributes=True)

            id: int
            display_name: str
            {extra}
            {field}  #@V
            created_at: datetime


        @app.get("/{Ms}/{{{M.lower()}_id}}/{suffix}", response_model={M}Public)
        def public_profile({M.lower()}_id: int, db: Session = Depends(get_db)):
            obj = db.get({M}, {M.lower()}_id)
            if obj is None:
                raise HTTPException(status_code=404)
            return obj
    """
    s = v.replace(f"            {field}  #@V\n", "")
    return Spec(v=v, s=s, full=True, notes="the public profile response model includes a credential column of the ORM object")


@hardneg(4)
def expose_pydantic_hn(c):
    w = c.word
    s = f"""
        from fastapi import Depends, FastAPI
        from pydantic import BaseModel, ConfigDict
        from sqlalchemy.orm import Session

        from .db import get_db
        from .security import create_account

        app = FastAPI()


        class SignupIn(BaseModel):
            email: str
            password: str


        class AccountOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)

            id: int
            email: str


        @app.post("/{w}/signup", response_model=AccountOut, status_code=201)
        def signup(body: SignupIn, db: Session = Depends(get_db)):
            return create_account(db, body.email, body.password)
    """
    return Spec(s=s, full=True, fw="fastapi", notes="password only in the input model; the response model leaves it out")


@fam("expose-marshmallow-load-only", "CWE-200", fws=["flask", "aiohttp"], n=8, wrap=False)
def expose_marshmallow(c):
    w = c.word
    secret = c.pick("signing_secret", "client_secret", "smtp_password", "api_token")
    M, Ms = c.pick(("Integration", "integrations"), ("Connector", "connectors"), ("Webhook", "webhooks"), ("Mailbox", "mailboxes"))
    m = M.lower()
    schema = (f"class {M}Schema(Schema):\n"
              f"                id = fields.Int(dump_only=True)\n"
              f"                name = fields.Str(required=True)\n"
              f"                endpoint = fields.Url(required=True)\n"
              f"                {secret} = fields.Str(required=True)  #@V")
    if c.fw == "flask":
        v = f"""
            from flask import Flask, jsonify, request
            from flask_login import login_required
            from marshmallow import Schema, fields

            from .store import add_{m}, list_{Ms}

            app = Flask(__name__)


            {schema}


            schema = {M}Schema()


            @app.post("/{w}/{Ms}")
            @login_required
            def create_{m}():
                obj = add_{m}(**schema.load(request.get_json(force=True)))
                return jsonify(schema.dump(obj)), 201


            @app.get("/{w}/{Ms}")
            @login_required
            def index_{Ms}():
                return jsonify(schema.dump(list_{Ms}(), many=True))
        """
    else:
        v = f"""
            from aiohttp import web
            from marshmallow import Schema, fields

            from .auth import require_login
            from .store import add_{m}, list_{Ms}


            {schema}


            schema = {M}Schema()


            async def create_{m}(request):
                obj = await add_{m}(**schema.load(await request.json()))
                return web.json_response(schema.dump(obj), status=201)


            async def index_{Ms}(request):
                return web.json_response(schema.dump(await list_{Ms}(), many=True))


            app = web.Application(middlewares=[require_login])
            app.router.add_post("/{w}/{Ms}", create_{m})
            app.router.add_get("/{w}/{Ms}", index_{Ms})
        """
    s = v.replace(f"{secret} = fields.Str(required=True)  #@V", f"{secret} = fields.Str(required=True, load_only=True)")
    return Spec(v=v, s=s, full=True, notes=f"the write-only {secret} is serialised back in every list and create response")


@hardneg(4)
def expose_marshmallow_hn(c):
    w = c.word
    s = f"""
        from flask import Flask, jsonify, request
        from marshmallow import Schema, fields, validate

        from .accounts import register

        app = Flask(__name__)


        class RegisterSchema(Schema):
            id = fields.Int(dump_only=True)
            email = fields.Email(required=True)
            password = fields.Str(required=True, load_only=True, validate=validate.Length(min=12))


        schema = RegisterSchema()


        @app.post("/{w}/register")
        def register_account():
            account = register(**schema.load(request.get_json(force=True)))
            return jsonify(schema.dump(account)), 201
    """
    return Spec(s=s, full=True, fw="flask", notes="password field is load_only, never dumped")


@fam("expose-health-db-url", "CWE-200", fws=WEB_FWS, keys=["probe", "deep", "check"], n=8)
def expose_health(c):
    x = c.x
    v = f"""
        ok = True
        if {x}:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:
                ok = False
        result = {{"ok": ok, "database": engine.url.render_as_string(hide_password=False), "pool": engine.pool.status()}}  #@V
    """
    s = f"""
        ok = True
        if {x}:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:
                ok = False
        result = {{"ok": ok, "database": engine.url.get_backend_name(), "pool": engine.pool.status()}}
    """
    return Spec(v=v, s=s, imports="import os\nfrom sqlalchemy import create_engine, text",
                helpers='engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)',
                notes="the public health check returns the full database URL including user and password")


@hardneg(4)
def expose_health_hn(c):
    x = c.x
    s = f"""
        started = time.monotonic()
        if {x}:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        log.info("health check against %s", engine.url.render_as_string(hide_password=True))
        result = {{"ok": True, "db_ms": round((time.monotonic() - started) * 1000, 1)}}
    """
    return Spec(s=s, imports="import logging\nimport os\nimport time\nfrom sqlalchemy import create_engine, text",
                helpers='engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)\nlog = logging.getLogger("health")',
                notes="the URL is logged server-side with the password masked; the client gets only status and latency")


# ---------------- CWE-918 server-side request forgery ----------------


@fam("ssrf-httpx-async-unfurl", "CWE-918", fws=["fastapi", "aiohttp"], keys=["url", "link", "page_url"], n=8, wrap=False)
def ssrf_unfurl(c):
    x = c.x
    v = f"""
        async with httpx.AsyncClient(timeout=5, follow_redirects=True) as client:
            page = await client.get({x}, headers={{"User-Agent": "LinkPreviewBot/1.0"}})  #@V
        title = re.search(r"<title[^>]*>([^<]{{0,300}})</title>", page.text, re.I)
        result = {{"url": str(page.url), "title": title.group(1).strip() if title else None}}
    """
    s = f"""
        parts = urlsplit({x})
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("unsupported url")
        addrs = {{info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}}
        if any(not ipaddress.ip_address(a).is_global for a in addrs):
            raise ValueError("url points to a non-public address")
        async with httpx.AsyncClient(timeout=5, follow_redirects=False) as client:
            page = await client.get({x}, headers={{"User-Agent": "LinkPreviewBot/1.0"}})
        title = re.search(r"<title[^>]*>([^<]{{0,300}})</title>", page.text, re.I)
        result = {{"url": str(page.url), "title": title.group(1).strip() if title else None}}
    """
    return Spec(v=v, s=s, imports="import re\nimport httpx", simports="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit",
                notes="the link-preview fetcher requests any URL, including cloud metadata and internal hosts, and follows redirects")


@hardneg(4)
def ssrf_unfurl_hn(c):
    x = c.x
    s = f"""
        async with httpx.AsyncClient(base_url="https://api.example-search.com", timeout=5) as client:
            page = await client.get("/v1/lookup", params={{"q": {x}, "limit": 5}})
        result = page.json().get("hits", [])
    """
    return Spec(s=s, imports="import httpx", notes="fixed base URL; the input is only a query parameter")


@fam("ssrf-avatar-image-import", "CWE-918", fws=["flask", "django", "pipeline"],
     keys=["avatar_url", "image_url", "picture"], n=8)
def ssrf_avatar(c):
    x = c.x
    fetch, imp = c.pick(("requests.get({}, timeout=10)", "import requests"),
                        ("httpx.get({}, timeout=10, follow_redirects=True)", "import httpx"),
                        ("http.get({}, timeout=10)", "import requests"))
    fetch_s = fetch.replace("follow_redirects=True", "follow_redirects=False") if "httpx" in fetch else fetch.replace("timeout=10)", "timeout=10, allow_redirects=False)")
    helpers = 'AVATAR_DIR = "/srv/media/avatars"'
    if fetch.startswith("http.get"):
        helpers += '\nhttp = requests.Session()\nhttp.headers["User-Agent"] = "avatar-importer/2.1"'
    v = f"""
        r = {fetch.format(x)}  #@V
        img = Image.open(io.BytesIO(r.content))
        img.thumbnail((128, 128))
        out = os.path.join(AVATAR_DIR, hashlib.sha256({x}.encode()).hexdigest()[:20] + ".png")
        img.save(out, "PNG")
        result = out
    """
    s = f"""
        parts = urlsplit({x})
        if parts.scheme != "https" or not all(ipaddress.ip_address(i[4][0]).is_global for i in socket.getaddrinfo(parts.hostname or "", 443)):
            raise ValueError("avatar URL must be a public https address")
        r = {fetch_s.format(x)}
        img = Image.open(io.BytesIO(r.content))
        img.thumbnail((128, 128))
        out = os.path.join(AVATAR_DIR, hashlib.sha256({x}.encode()).hexdigest()[:20] + ".png")
        img.save(out, "PNG")
        result = out
    """
    return Spec(v=v, s=s, imports=f"import hashlib\nimport io\nimport os\n{imp}\nfrom PIL import Image",
                simports="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit", helpers=helpers,
                notes="the avatar importer fetches any URL server-side (internal services, metadata endpoint)")


@hardneg(4)
def ssrf_avatar_hn(c):
    x = c.x
    s = f"""
        r = requests.get("https://avatars.example-cdn.com/u/" + quote(str({x}), safe="") + ".png", timeout=10)
        img = Image.open(io.BytesIO(r.content))
        img.thumbnail((128, 128))
        result = img.size
    """
    return Spec(s=s, imports="import io\nimport requests\nfrom urllib.parse import quote\nfrom PIL import Image",
                notes="fixed CDN host; the input is a quoted path segment")


@fam("ssrf-urljoin-absolute-path", "CWE-918", fws=WEB_FWS + ["pipeline"], keys=["path", "resource_path", "api_path"], n=8)
def ssrf_urljoin(c):
    x = c.x
    v = f"""
        url = urljoin(API_BASE, {x})  #@V
        r = SESSION.get(url, timeout=5)  #@V
        r.raise_for_status()
        result = r.json()
    """
    s = f"""
        url = urljoin(API_BASE, {x})
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != ("https", "inventory.internal") or not parts.path.startswith("/api/v2/") or ".." in unquote(parts.path):
            raise ValueError("path must stay under the inventory API")
        r = SESSION.get(url, timeout=5)
        r.raise_for_status()
        result = r.json()
    """
    helpers = """
        API_BASE = "https://inventory.internal/api/v2/"
        SESSION = requests.Session()
        SESSION.headers["Authorization"] = "Bearer " + os.environ["INVENTORY_TOKEN"]
    """
    return Spec(v=v, s=s, imports="import os\nimport requests\nfrom urllib.parse import urljoin", simports="from urllib.parse import unquote, urlsplit",
                helpers=helpers, notes="urljoin replaces the base when the input is an absolute or scheme-relative URL; the bearer token goes along")


@hardneg(4)
def ssrf_urljoin_hn(c):
    x = c.x
    s = f"""
        r = SESSION.get(urljoin(API_BASE, "items"), params={{"sku": {x}}}, timeout=5)
        r.raise_for_status()
        result = r.json()
    """
    helpers = """
        API_BASE = "https://inventory.internal/api/v2/"
        SESSION = requests.Session()
        SESSION.headers["Authorization"] = "Bearer " + os.environ["INVENTORY_TOKEN"]
    """
    return Spec(s=s, imports="import os\nimport requests\nfrom urllib.parse import urljoin", helpers=helpers,
                notes="urljoin with a constant relative path; the input is only a query parameter")
