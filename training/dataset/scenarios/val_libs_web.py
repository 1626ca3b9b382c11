"""Validation-only web families (groups 79, 601, 614/1004, 352, 209/215/489, 200, 918) on sinks, APIs
and code shapes no other family uses: pandas ``DataFrame.to_html(escape=False)`` on pasted rows, a
redirect written as a bare ``Location`` header, Beaker's ``SessionMiddleware`` without
``session.secure``, Django Ninja cookie auth built with ``csrf=False``, gRPC servicers that put the
traceback or the exception text into ``context.abort`` / ``set_details``, ``http.client``
``HTTPConnection.debuglevel`` wire dumps of bearer tokens, ``http.client`` connections to a
caller-chosen host, and per-user views cached under one shared key (Flask-Caching ``cached``, Django
``cache_page`` without ``vary_on_cookie``).

Every family of a ``val_*`` module goes to the validation split (generate.assign_splits).
Whole-module families (``full=True``) keep the schema's framework kinds in ``Spec.fw`` (Bottle, bare
WSGI and gRPC modules are ``script``, Django Ninja is ``django``); ``ctx.fw`` names the real stack.
"""
from core import Spec, dedent
from module_kit import _clean, _twin, _w
from registry import fam, hardneg, WEB_FWS

KIND = {"flask": "flask", "django": "django", "ninja": "django", "bottle": "script", "wsgi": "script",
        "grpc": "script", "grpc-aio": "script", "script": "script", "cli": "cli", "pipeline": "pipeline"}


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")




def _html_resp(c, expr):
    return {"flask": f'Response({expr}, mimetype="text/html")',
            "django": f'HttpResponse({expr}, content_type="text/html; charset=utf-8")',
            "fastapi": f"HTMLResponse(content={expr})",
            "aiohttp": f'web.Response(text={expr}, content_type="text/html")'}[c.fw]


def _html_imp(c):
    return {"flask": "from flask import Response", "django": "from django.http import HttpResponse",
            "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]


# ---------------- CWE-79: pandas DataFrame.to_html(escape=False) on pasted rows ----------------


def _pandas_load(c, x):
    kind = c.pick("csv", "csv", "json")
    if kind == "csv":
        sep = c.pick('", "', '";"', '"\\t"')
        return f"df = pd.read_csv(io.StringIO({x}), sep={sep}, nrows={c.pick('200', '500', '1000')})"
    return f'df = pd.read_json(io.StringIO({x}), orient="records")'


@fam("val-xss-pandas-to-html-escape-false", "CWE-79", fws=WEB_FWS, keys=["pasted_rows", "sheet_data", "import_table"],
     n=8)
def xss_pandas_to_html(c):
    _pin(c)
    x, w = c.x, c.word
    load = _pandas_load(c, x)
    opts = c.pick('index=False, border=0', 'classes="table table-sm", index=False',
                  'classes="preview", na_rep="", index=False', 'classes=["grid", "striped"], max_rows=50')
    head = c.pick("25", "50", "100")
    title = c.pick("Import preview", f"{w.capitalize()} import check", "Rows to be imported")
    fix = c.pick("drop", "true")
    v = f"""
        {load}
        df.columns = [str(col).strip() for col in df.columns]
        summary = f"{{len(df)}} rows, {{len(df.columns)}} columns"
        table = df.head({head}).to_html({opts}, escape=False)  #@V
        page = '<section class="import-preview"><h2>{title}</h2><p>' + summary + "</p>" + table + "</section>"
        result = {_html_resp(c, "page")}  #@V
    """
    new = f"df.head({head}).to_html({opts})" if fix == "drop" else f"df.head({head}).to_html({opts}, escape=True)"
    s = _twin(v, (f"df.head({head}).to_html({opts}, escape=False)", new))
    return Spec(v=v, s=s, imports="import io\nimport pandas as pd\n" + _html_imp(c), ret="result", raw=True,
                notes="the pasted rows (cells and header names) are rendered by DataFrame.to_html with escape=False, so "
                      "a cell holding <img src=x onerror=...> runs script in the page of whoever previews the import; "
                      "the fix keeps to_html's default escaping of <, > and &")


@hardneg(4)
def xss_pandas_to_html_hn(c):
    x = c.x
    load = _pandas_load(c, x)
    s = f"""
        {load}
        df = df.astype(str).apply(lambda col: col.map(html.escape))
        df.columns = [html.escape(str(col)) for col in df.columns]
        df.insert(0, "#", [f'<span class="rownum">{{i}}</span>' for i in range(1, len(df) + 1)])
        table = df.head(50).to_html(index=False, border=0, escape=False)
        page = '<section class="import-preview">' + table + "</section>"
        result = {_html_resp(c, "page")}
    """
    return Spec(s=s, imports="import html\nimport io\nimport pandas as pd\n" + _html_imp(c), ret="result", raw=True,
                notes="to_html(escape=False) only after every cell and header was passed through html.escape; the "
                      "added row-number markup is the app's own")


# ---------------- CWE-601: redirect written as a bare Location header ----------------


def _location_body(c, target):
    status = c.pick("302", "303", "307")
    if c.fw == "flask":
        return f"""
            resp = Response(status={status})
            resp.headers["Location"] = {target}  #@V
            resp.headers["Cache-Control"] = "no-store"
            result = resp
        """, "from flask import Response"
    if c.fw == "django":
        return f"""
            resp = HttpResponse(status={status})
            resp["Location"] = {target}  #@V
            resp["Cache-Control"] = "no-store"
            result = resp
        """, "from django.http import HttpResponse"
    if c.fw == "fastapi":
        return f"""
            result = Response(status_code={status}, headers={{"Location": {target}, "Cache-Control": "no-store"}})  #@V
        """, "from fastapi import Response"
    return f"""
        result = web.Response(status={status}, headers={{"Location": {target}, "Cache-Control": "no-store"}})  #@V
    """, ""


@fam("val-redirect-location-header-manual", "CWE-601", fws=WEB_FWS, keys=["redirect_to", "redirect_uri", "redirect_url"],
     n=8)
def redirect_location_header(c):
    _pin(c)
    x = c.x
    default = c.pick('"/"', '"/dashboard"', '"/account"')
    body, imp = _location_body(c, f"{x} or {default}")
    v = body
    guard = f"""
        if not re.fullmatch(r"/(?!/)[\\w\\-./?=&%#]*", {x} or ""):
            {x} = {default}
    """
    s = _clean(dedent(guard).rstrip() + "\n" + dedent(body))
    return Spec(v=v, s=s, imports=imp, simports="import re", ret="result", raw=True,
                notes="the handler answers with a 3xx status and copies the parameter into the Location header "
                      "itself, so https://evil.example/ or //evil.example sends the user off-site; the fix only "
                      "follows local paths (one leading slash, no backslash, no scheme or host)")


@hardneg(4)
def redirect_location_header_hn(c):
    x = c.x
    body, imp = _location_body(c, f'RETURN_PAGES.get({x}, "/")')
    return Spec(s=_clean(body), imports=imp, ret="result", raw=True,
                helpers='RETURN_PAGES = {"billing": "/settings/billing", "team": "/settings/team", '
                        '"alerts": "/settings/alerts", "home": "/"}',
                notes="the Location header is chosen from a fixed map of local pages by the parameter")


# ---------------- CWE-614: Beaker SessionMiddleware without session.secure ----------------


def _beaker_opts(c, w, secure_line, hard=False):
    exp = c.pick("3600", "1800", "28800")
    if hard:
        lines = [
            '"session.type": "ext:redis",',
            '"session.url": os.environ["REDIS_URL"],',
            f'"session.key": "{w}_sid",',
            f'"session.timeout": {exp},',
            '"session.httponly": True,',
            f'"session.samesite": {c.pick(chr(34) + "Strict" + chr(34), chr(34) + "Lax" + chr(34))},',
        ]
    else:
        lines = [
            '"session.type": "cookie",',
            f'"session.key": "{w}_sid",',
            f'"session.cookie_expires": {exp},',
            '"session.validate_key": os.environ["SESSION_VALIDATE_KEY"],',
            '"session.encrypt_key": os.environ["SESSION_ENCRYPT_KEY"],',
            '"session.httponly": True,',
        ]
        if c.pick(True, False):
            lines.append('"session.samesite": "Lax",')
    if secure_line:
        lines.append(secure_line)
    # no session.secure entry: the options dict is where the setting is missing (marked with the middleware)
    head = "SESSION_OPTS = {" + ("  #@V" if secure_line is None else "")
    return head + "\n" + "\n".join("    " + l for l in lines) + "\n}"


def _beaker(c, hard=False):
    w, Wc = _w(c)
    shape = c.pick("missing", "missing", "false")
    if hard:
        sec = '"session.secure": True,'
    else:
        sec = None if shape == "missing" else '"session.secure": False,  #@V'
    opts = _beaker_opts(c, w, sec, hard)
    if c.fw == "bottle":
        top = f"""
import os

import bottle
from beaker.middleware import SessionMiddleware

from {w}shop.accounts import verify_login
from {w}shop.store import list_{w}s

app = bottle.Bottle()


def current_session():
    return bottle.request.environ["beaker.session"]


@app.post("/login")
def login():
    account = verify_login(bottle.request.forms.get("email", ""), bottle.request.forms.get("password", ""))
    if account is None:
        bottle.abort(401, "invalid email or password")
    session = current_session()
    session["account_id"] = account.id
    session.save()
    return {{"ok": True}}


@app.get("/{w}s")
def {w}s():
    session = current_session()
    if "account_id" not in session:
        bottle.abort(401, "sign in first")
    return {{"items": list_{w}s(session["account_id"])}}


@app.post("/logout")
def logout():
    current_session().delete()
    return {{"ok": True}}
"""
        tail = """
application = SessionMiddleware(app, SESSION_OPTS)  #@V

if __name__ == "__main__":
    bottle.run(application, host="0.0.0.0", port=8080)
"""
    elif c.fw == "flask":
        top = f"""
import os

from beaker.middleware import SessionMiddleware
from flask import Flask, abort, jsonify, request

from .accounts import authenticate
from .{w}s import {w}s_for

app = Flask(__name__)


def beaker_session():
    return request.environ["beaker.session"]


@app.post("/api/login")
def login():
    user = authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        abort(401)
    session = beaker_session()
    session["uid"] = user.id
    session["name"] = user.display_name
    session.save()
    return jsonify(ok=True, name=user.display_name)


@app.get("/api/{w}s")
def my_{w}s():
    uid = beaker_session().get("uid")
    if uid is None:
        abort(401)
    return jsonify(items=[i.to_json() for i in {w}s_for(uid)])
"""
        tail = """
app.wsgi_app = SessionMiddleware(app.wsgi_app, SESSION_OPTS)  #@V
"""
    else:
        top = f"""
import json
import os
from urllib.parse import parse_qs

from beaker.middleware import SessionMiddleware

from .auth import check_credentials
from .{w}s import summary_for


def _json(start_response, status, payload):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def {w}_app(environ, start_response):
    session = environ["beaker.session"]
    path = environ.get("PATH_INFO", "/")
    if path == "/login" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(min(size, 4096)).decode())
        user = check_credentials(form.get("user", [""])[0], form.get("password", [""])[0])
        if user is None:
            return _json(start_response, "401 Unauthorized", {{"error": "bad credentials"}})
        session["user"] = user.id
        session.save()
        return _json(start_response, "200 OK", {{"ok": True}})
    if path == "/summary":
        if "user" not in session:
            return _json(start_response, "401 Unauthorized", {{"error": "sign in first"}})
        return _json(start_response, "200 OK", summary_for(session["user"]))
    return _json(start_response, "404 Not Found", {{"error": "not found"}})
"""
        tail = f"""
application = SessionMiddleware({w}_app, SESSION_OPTS)  #@V
"""
    if hard:
        # server-side sessions: a fresh id at sign-in (no fixation of a planted id)
        for a in ('    session["account_id"] = account.id', '    session["uid"] = user.id', '        session["user"] = user.id'):
            top = top.replace(a, a[: len(a) - len(a.lstrip())] + "session.regenerate_id()\n" + a)
    v = top.strip("\n") + "\n\n\n" + opts + "\n\n" + tail.lstrip("\n")
    if hard:
        return _clean(v)
    if shape == "missing":
        s = _twin(v, ('    "session.httponly": True,\n', '    "session.httponly": True,\n    "session.secure": True,\n'))
        # keep the new entry last, after an optional samesite line
        if '"session.samesite": "Lax",\n}' in v:
            s = _twin(v, ('    "session.samesite": "Lax",\n}', '    "session.samesite": "Lax",\n    "session.secure": True,\n}'))
    else:
        s = _twin(v, ('"session.secure": False,  #@V', '"session.secure": True,'))
    return v, s


@fam("val-cookie-beaker-session-secure-missing", "CWE-614", fws=["bottle", "flask", "wsgi"], n=8, wrap=False)
def cookie_beaker(c):
    v, s = _beaker(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="Beaker's session cookie is sent without the Secure attribute unless session.secure is set "
                      "(the default is False), so the signed-in session cookie also travels over any plain-HTTP "
                      "request to the host; the fix sets session.secure = True")


@hardneg(3)
def cookie_beaker_hn(c):
    return Spec(s=_beaker(c, hard=True), full=True, fw=KIND[c.fw],
                notes="Beaker SessionMiddleware with session.secure and session.httponly set")


# ---------------- CWE-352: Django Ninja cookie auth built with csrf=False ----------------


# (name, schema, fields, op template with {r}, local model import, needs HttpError)
_NINJA_DOMAINS = [
    ("ContactChange", [("email", "str"), ("phone", 'str = ""')],
     '@{r}.post("/account/contact")\ndef change_contact(request, payload: ContactChange):\n'
     '    profile = get_object_or_404(Profile, user=request.auth)\n'
     '    profile.email = payload.email\n    profile.phone = payload.phone\n'
     '    profile.save(update_fields=["email", "phone"])\n    return {{"ok": True}}',
     "from accounts.models import Profile"),
    ("MemberInvite", [("email", "str"), ("role", 'str = "member"')],
     '@{r}.post("/team/members")\ndef add_member(request, payload: MemberInvite):\n'
     '    team = get_object_or_404(Team, owner=request.auth)\n'
     '    if payload.role not in ("member", "admin"):\n        raise HttpError(400, "unknown role")\n'
     '    member = team.memberships.create(email=payload.email, role=payload.role)\n'
     '    return {{"id": member.id, "role": member.role}}',
     "from teams.models import Team"),
    ("PayoutTarget", [("iban", "str"), ("holder", "str")],
     '@{r}.post("/payouts/target")\ndef set_payout_target(request, payload: PayoutTarget):\n'
     '    seller = get_object_or_404(Seller, user=request.auth)\n'
     '    seller.payout_iban = payload.iban\n    seller.payout_holder = payload.holder\n'
     '    seller.save(update_fields=["payout_iban", "payout_holder"])\n    return {{"ok": True}}',
     "from market.models import Seller"),
    ("WebhookSettings", [("url", "str"), ("events", "list[str]")],
     '@{r}.post("/integrations/webhook")\ndef set_webhook(request, payload: WebhookSettings):\n'
     '    integration, _ = Integration.objects.get_or_create(owner=request.auth, kind="webhook")\n'
     '    if not payload.url.startswith("https://"):\n        raise HttpError(422, "https URL required")\n'
     '    integration.target_url = payload.url\n    integration.events = payload.events\n'
     '    integration.save()\n    return {{"ok": True, "events": integration.events}}',
     "from integrations.models import Integration"),
    ("OwnershipTransfer", [("project_id", "int"), ("new_owner_email", "str")],
     '@{r}.post("/projects/transfer")\ndef transfer_project(request, payload: OwnershipTransfer):\n'
     '    project = get_object_or_404(Project, id=payload.project_id, owner=request.auth)\n'
     '    new_owner = get_object_or_404(User, email__iexact=payload.new_owner_email)\n'
     '    project.owner = new_owner\n    project.save(update_fields=["owner"])\n'
     '    return {{"id": project.id, "owner": new_owner.get_username()}}',
     "from django.contrib.auth.models import User\nfrom projects.models import Project"),
]

_NINJA_READ = [
    '@{r}.get("/me")\ndef whoami(request):\n'
    '    return {{"id": request.auth.id, "username": request.auth.get_username()}}',
    '@{r}.get("/session")\ndef session_info(request):\n'
    '    return {{"user": request.auth.get_username(), "staff": request.auth.is_staff}}',
]

_PORTAL_COOKIE = '''
class PortalSessionCookie(APIKeyCookie):
    param_name = "portal_session"

    def authenticate(self, request, key):
        session = (
            PortalSession.objects.filter(key=key, expires_at__gt=timezone.now())
            .select_related("user")
            .first()
        )
        return session.user if session else None
'''


def _ninja(c, hard=False):
    schema, fields, op, model_imp = c.pick(*_NINJA_DOMAINS)
    shape = c.pick("api", "router", "variable", "custom")
    title = c.pick("Portal API", "Self-service API", "Account API", "App API")
    flds = "\n".join(f"    {f}: {t}" for f, t in fields)
    r = "router" if shape == "router" else "api"
    django_imps = ["from django.shortcuts import get_object_or_404"]
    local_imps = model_imp.split("\n")
    if model_imp.startswith("from django."):
        django_imps.insert(0, local_imps.pop(0))
    ninja_names = "NinjaAPI, Router, Schema" if shape == "router" else "NinjaAPI, Schema"
    auth_name = "APIKeyCookie" if shape == "custom" else "SessionAuth"
    ninja_imps = [f"from ninja import {ninja_names}"]
    if "HttpError" in op:
        ninja_imps.append("from ninja.errors import HttpError")
    ninja_imps.append(f"from ninja.security import {auth_name}")
    auth_def = ""
    if shape == "custom":
        django_imps.append("from django.utils import timezone")
        local_imps.insert(0, "from portal.models import PortalSession")
        auth_def = _PORTAL_COOKIE.strip("\n") + "\n\n\nportal_auth = PortalSessionCookie(csrf=False)  #@V\n"
        holder = f'api = NinjaAPI(title="{title}", auth=portal_auth)'
        fix = ("portal_auth = PortalSessionCookie(csrf=False)  #@V", "portal_auth = PortalSessionCookie()")
    elif shape == "variable":
        var = c.pick("session_auth", "cookie_auth", "browser_auth")
        auth_def = f"{var} = SessionAuth(csrf=False)  #@V\n"
        holder = f'api = NinjaAPI(title="{title}", auth={var})'
        fix = (f"{var} = SessionAuth(csrf=False)  #@V", f"{var} = SessionAuth()")
    elif shape == "router":
        holder = "router = Router(auth=SessionAuth(csrf=False))  #@V"
        fix = ("router = Router(auth=SessionAuth(csrf=False))  #@V", "router = Router(auth=SessionAuth())")
    else:
        holder = f'api = NinjaAPI(title="{title}", auth=SessionAuth(csrf=False))  #@V'
        fix = (holder, f'api = NinjaAPI(title="{title}", auth=SessionAuth())')
    parts = ["\n".join(sorted(django_imps)) + "\n" + "\n".join(ninja_imps) + "\n\n" + "\n".join(sorted(local_imps))]
    if auth_def:
        parts.append(auth_def.strip("\n") + ("\n" + holder if shape != "custom" else "\n\n" + holder))
    else:
        parts.append(holder)
    parts.append(f"class {schema}(Schema):\n{flds}")
    parts.append(c.pick(*_NINJA_READ).format(r=r))
    parts.append(op.format(r=r))
    if shape == "router":
        parts.append(f'api = NinjaAPI(title="{title}")\napi.add_router("/v1/", router)')
    v = "\n\n\n".join(parts) + "\n"
    if hard:
        return _twin(v, fix)
    return v, _twin(v, fix)


@fam("val-csrf-ninja-cookie-auth-csrf-false", "CWE-352", fws=["ninja"], n=8, wrap=False)
def csrf_ninja(c):
    v, s = _ninja(c)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="Django Ninja marks its views csrf_exempt and leaves the CSRF check to cookie-based auth classes; "
                      "building the session/cookie auth with csrf=False turns that check off, so another site can "
                      "post to the state-changing operations with the victim's cookie; the fix keeps the default "
                      "csrf=True")


def _ninja_header_hn(c):
    schema, fields, op, model_imp = c.pick(*_NINJA_DOMAINS)
    flds = "\n".join(f"    {f}: {t}" for f, t in fields)
    local_imps = model_imp.split("\n")
    django_imps = ["from django.shortcuts import get_object_or_404"]
    if model_imp.startswith("from django."):
        django_imps.insert(0, local_imps.pop(0))
    ninja_imps = ["from ninja import NinjaAPI, Schema"]
    if "HttpError" in op:
        ninja_imps.append("from ninja.errors import HttpError")
    ninja_imps.append("from ninja.security import HttpBearer")
    local_imps.append("from portal.models import ServiceToken")
    head = ("import hmac\n\n" + "\n".join(sorted(django_imps)) + "\n" + "\n".join(ninja_imps) + "\n\n"
            + "\n".join(sorted(local_imps)))
    return "\n\n\n".join([head, '''class ServiceBearer(HttpBearer):
    def authenticate(self, request, token):
        record = ServiceToken.objects.filter(prefix=token[:8], revoked=False).select_related("user").first()
        if record and hmac.compare_digest(record.digest, ServiceToken.digest_for(token)):
            return record.user
        return None''', 'api = NinjaAPI(title="Automation API", auth=ServiceBearer())',
                          f"class {schema}(Schema):\n{flds}", op.format(r="api")]) + "\n"


@hardneg(4)
def csrf_ninja_hn(c):
    if c.pick(True, False):
        return Spec(s=_ninja(c, hard=True), full=True, fw="django",
                    notes="Django Ninja session/cookie auth with its default csrf=True")
    return Spec(s=_ninja_header_hn(c), full=True, fw="django",
                notes="bearer-token auth in the Authorization header: the browser never attaches it, so no CSRF check "
                      "is needed")


# ---------------- CWE-209: gRPC servicer returning the traceback / exception text ----------------


def _grpc_errors(c, hard=False):
    w, Wc = _w(c)
    aio = c.fw == "grpc-aio"
    sink = c.pick("abort-tb", "abort-str", "details-fstring", "abort-repr")
    aw = "await " if aio else ""
    fn = "async def" if aio else "def"
    key_field = c.pick("id", "reference", "external_id")
    cols = c.pick(("status", "total", "updated_at"), ("title", "owner_id", "created_at"),
                  ("state", "quantity", "modified_at"))
    tbl = f"{w}s"
    if sink == "abort-tb":
        bad = f"{aw}context.abort(grpc.StatusCode.INTERNAL, traceback.format_exc())  #@V"
        good = f'{aw}context.abort(grpc.StatusCode.INTERNAL, "internal error")'
    elif sink == "abort-str":
        bad = f'{aw}context.abort(grpc.StatusCode.UNAVAILABLE, "database error: " + str(exc))  #@V'
        good = f'{aw}context.abort(grpc.StatusCode.UNAVAILABLE, "database unavailable, retry later")'
    elif sink == "abort-repr":
        bad = f"{aw}context.abort(grpc.StatusCode.INTERNAL, repr(exc))  #@V"
        good = f'{aw}context.abort(grpc.StatusCode.INTERNAL, "internal error")'
    else:
        bad = f'context.set_details(f"lookup of {{request.{key_field}}} failed: {{exc}}")  #@V'
        good = 'context.set_details("internal error")'
    exc_as = "" if sink == "abort-tb" else " as exc"
    if hard:
        handler = f"""
        except Exception:
            log.error("Get{Wc} failed:\\n%s", traceback.format_exc())
            {aw}context.abort(grpc.StatusCode.INTERNAL, "internal error")"""
    elif sink == "details-fstring":
        handler = f"""
        except Exception{exc_as}:
            log.exception("Get{Wc} failed")
            context.set_code(grpc.StatusCode.INTERNAL)
            {bad}
            return pb.{Wc}Reply()"""
    else:
        handler = f"""
        except Exception{exc_as}:
            log.exception("Get{Wc} failed")
            {bad}"""
    sel = f"SELECT {key_field}, {', '.join(cols)} FROM {tbl} WHERE {key_field} = "
    if aio:
        pool = "pool = None"
        fetch = f"""
        try:
            async with pool.acquire() as conn:
                row = await conn.fetchrow(
                    "{sel}$1",
                    request.{key_field},
                )"""
        vals = [f'{key_field}=row["{key_field}"]'] + [
            f'{col}=str(row["{col}"])' if col in ("total", "quantity", "owner_id") else
            f'{col}=row["{col}"].isoformat()' if col.endswith("_at") else f'{col}=row["{col}"]' for col in cols]
        imports = "import asyncio\nimport logging\nimport os\nimport traceback\n\nimport asyncpg\nimport grpc"
        serve = f"""
async def serve():
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=8)
    server = grpc.aio.server()
    pb_grpc.add_{Wc}ServiceServicer_to_server({Wc}Service(), server)
    server.add_secure_port("[::]:{c.pick('50051', '7443')}", _credentials())
    await server.start()
    await server.wait_for_termination()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(serve())
"""
        finally_block = ""
    else:
        pool = 'pool = psycopg2.pool.ThreadedConnectionPool(1, 8, os.environ["DATABASE_URL"])'
        fetch = f"""
        conn = pool.getconn()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "{sel}%s",
                    (request.{key_field},),
                )
                row = cur.fetchone()"""
        vals = [f"{key_field}=row[0]"] + [
            f"{col}=str(row[{i}])" if col in ("total", "quantity", "owner_id") else
            f"{col}=row[{i}].isoformat()" if col.endswith("_at") else f"{col}=row[{i}]" for i, col in enumerate(cols, 1)]
        imports = ("import logging\nimport os\nimport traceback\nfrom concurrent import futures\n\nimport grpc\n"
                   "import psycopg2.pool")
        serve = f"""
def serve():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    pb_grpc.add_{Wc}ServiceServicer_to_server({Wc}Service(), server)
    server.add_secure_port("[::]:{c.pick('50051', '7443')}", _credentials())
    server.start()
    server.wait_for_termination()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serve()
"""
        finally_block = "\n        finally:\n            pool.putconn(conn)"
    reply = f"pb.{Wc}Reply(\n            " + ",\n            ".join(vals) + ",\n        )"
    v = f"""
{imports}

from . import {w}_pb2 as pb
from . import {w}_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)
{pool}


def _credentials():
    with open(os.environ["TLS_KEY"], "rb") as fh:
        key = fh.read()
    with open(os.environ["TLS_CERT"], "rb") as fh:
        cert = fh.read()
    with open(os.environ["CLIENT_CA"], "rb") as fh:
        ca = fh.read()
    return grpc.ssl_server_credentials([(key, cert)], root_certificates=ca, require_client_auth=True)


class {Wc}Service(pb_grpc.{Wc}ServiceServicer):
    {fn} Get{Wc}(self, request, context):{fetch}{handler}{finally_block}
        if row is None:
            {aw}context.abort(grpc.StatusCode.NOT_FOUND, "no such {w}")
        return {reply}

{serve}"""
    v = v.strip("\n") + "\n"
    if not hard and sink != "abort-tb":
        v = v.replace("import traceback\n", "")
    if hard:
        return _clean(v)
    s = _twin(v, (bad, good)).replace("import traceback\n", "").replace("except Exception as exc:", "except Exception:")
    return v, s


@fam("val-errors-grpc-abort-details", "CWE-209", fws=["grpc", "grpc", "grpc-aio"], n=8, wrap=False)
def errors_grpc(c):
    v, s = _grpc_errors(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the except branch sends the traceback or the database exception text to the gRPC client as the "
                      "status details (SQL text, host names, file paths and library versions); the fix logs it on the "
                      "server and returns a generic message")


@hardneg(3)
def errors_grpc_hn(c):
    return Spec(s=_grpc_errors(c, hard=True), full=True, fw="script",
                notes="the traceback is only logged on the server; the client gets a fixed status message")


# ---------------- CWE-215: http.client wire debugging left on in an API client ----------------


def _wire_debug(c, hard=False):
    w, Wc = _w(c)
    vendor = c.pick("ledgerly", "shipcloud", "crmhub", "paydesk")
    env = vendor.upper() + "_API_TOKEN"
    if c.pick("from", "module") == "from":
        dbg_imp = "from http.client import HTTPConnection"
        dbg = "HTTPConnection.debuglevel = 1  #@V"
    else:
        dbg_imp = "import http.client as http_client"
        dbg = "http_client.HTTPConnection.debuglevel = 1  #@V"
    fmt = c.pick('"%(asctime)s %(levelname)s %(name)s %(message)s"', '"%(levelname)s %(message)s"')
    lvl = c.pick("root", "urllib3")
    if lvl == "root":
        log_v = f"logging.basicConfig(level=logging.DEBUG, format={fmt})"
        log_s = f"logging.basicConfig(level=logging.INFO, format={fmt})"
    else:
        log_v = (f"logging.basicConfig(level=logging.INFO, format={fmt})\n"
                 'logging.getLogger("urllib3").setLevel(logging.DEBUG)')
        log_s = f"logging.basicConfig(level=logging.INFO, format={fmt})"
    header = c.pick("session", "request")
    if header == "session":
        auth_setup = c.pick(f'SESSION.headers["Authorization"] = "Bearer " + os.environ["{env}"]',
                            f'SESSION.headers["X-Api-Key"] = os.environ["{env}"]')
        call_hdr = ""
    else:
        auth_setup = f'API_KEY = os.environ["{env}"]'
        call_hdr = ', headers={"Authorization": "Bearer " + API_KEY}'
    pii = c.pick('"customer_email": record["email"]', '"phone": record["phone"]',
                 '"billing_address": record["address"]')
    placement = c.pick("module", "module", "main")
    stdlib = {"logging", "os"}
    if c.fw == "script":
        stdlib |= {"json", "sys"}
        main_head, main_body = "def main(path):", f"""
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for record in records:
        remote_id = push(record)
        log.info("pushed %s as %s", record["id"], remote_id)
"""
        tail = '\n\nif __name__ == "__main__":\n    main(sys.argv[1])\n'
    elif c.fw == "cli":
        stdlib |= {"argparse", "json"}
        main_head, main_body = "def main(argv=None):", f"""
    parser = argparse.ArgumentParser(description="Push {w}s to {vendor}")
    parser.add_argument("export", help="JSON export of {w}s")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    with open(args.export, encoding="utf-8") as fh:
        records = json.load(fh)
    for record in records:
        if args.dry_run:
            log.info("would push %s", record["id"])
            continue
        log.info("pushed %s as %s", record["id"], push(record))
"""
        tail = '\n\nif __name__ == "__main__":\n    main()\n'
    else:
        stdlib |= {"json"}
        main_head, main_body = "def run_consumer(consumer):", f"""
    for message in consumer:
        record = json.loads(message.value)
        try:
            remote_id = push(record)
        except requests.HTTPError as exc:
            log.warning("push of %s failed: %s", record["id"], exc.response.status_code)
            continue
        log.info("pushed %s as %s", record["id"], remote_id)
"""
        tail = ""
    if hard:
        log_v = ('LOG_LEVEL = logging.DEBUG if os.environ.get("VERBOSE") else logging.INFO\n'
                 f"logging.basicConfig(level=LOG_LEVEL, format={fmt})\n"
                 'logging.getLogger("urllib3").setLevel(logging.WARNING)')
        debug_block = log_v
    else:
        debug_block = dbg + "\n" + log_v
    imps = sorted(f"import {m}" for m in stdlib)
    if not hard:
        imps.append(dbg_imp)
    head = "\n".join(imps) + "\n\nimport requests"
    if placement == "module" or hard:
        module_setup = debug_block + "\n"
        main_pre = ""
    else:
        module_setup = ""
        main_pre = "\n" + "\n".join("    " + l for l in debug_block.split("\n"))
    v = f"""{head}

{module_setup}log = logging.getLogger("{w}-sync")

API_BASE = "https://api.{vendor}.com/v2"
SESSION = requests.Session()
{auth_setup}


def push(record):
    payload = {{"external_id": record["id"], {pii}, "amount": record["total"]}}
    resp = SESSION.post(API_BASE + "/{w}s", json=payload, timeout=20{call_hdr})
    resp.raise_for_status()
    return resp.json()["id"]


{main_head}{main_pre}{main_body.rstrip()}
{tail}"""
    v = v.rstrip("\n") + "\n"
    if hard:
        return _clean(v)
    s = v.replace(dbg_imp + "\n", "")
    s = s.replace("    " + dbg + "\n", "").replace(dbg + "\n", "")
    # The DEBUG logging line stays in the twin: http.client prints its wire dump with print(), and
    # urllib3's DEBUG lines carry only method, path and status, so the fix is the debuglevel line alone.
    return v, _clean(s)


@fam("val-debug-http-client-debuglevel", "CWE-215", fws=["script", "cli", "pipeline"], n=8, wrap=False)
def debug_wire(c):
    v, s = _wire_debug(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="HTTPConnection.debuglevel = 1 makes http.client print every request it sends (headers with the "
                      "API token, JSON bodies with customer e-mail addresses) to stdout, which ends up in the job logs, "
                      "and DEBUG logging is switched on (root or urllib3 logger); the fix removes the wire dump and logs "
                      "at INFO")


@hardneg(3)
def debug_wire_hn(c):
    return Spec(s=_wire_debug(c, hard=True), full=True, fw=KIND[c.fw],
                notes="DEBUG logging only when VERBOSE is set, urllib3 kept at WARNING and no http.client wire dump: "
                      "the logs carry record ids, never the token")


# ---------------- CWE-918: http.client connection to a caller-chosen host ----------------


@fam("val-ssrf-http-client-connection", "CWE-918", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["status_url", "endpoint_url", "probe_url"], n=8)
def ssrf_http_client(c):
    _pin(c)
    x, w = c.x, c.word
    method = c.pick("GET", "HEAD")
    agent = c.pick("uptime-probe/2.1", f"{w}-monitor/1.0", "statuscheck")
    lines = [f"parts = urlsplit({x})"]
    if c.pick(True, False):
        lines.append("conn = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=5)  #@V")
    else:
        lines.append('conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection')
        lines.append("conn = conn_cls(parts.hostname, parts.port, timeout=5)  #@V")
    lines += [
        'path = (parts.path or "/") + ("?" + parts.query if parts.query else "")',
        f'conn.request("{method}", path, headers={{"User-Agent": "{agent}"}})  #@V',
        "resp = conn.getresponse()",
        'snippet = resp.read(512).decode("utf-8", "replace")' if method == "GET" else
        'snippet = resp.getheader("Server", "")',
        "conn.close()",
        'result = {"status": resp.status, "reason": resp.reason, "detail": snippet}',
    ]
    hosts = c.pick(f'{{"status.{w}app.com", "api.{w}app.com"}}', '{"eu.api.example.net", "us.api.example.net"}',
                   f'{{"{w}.partner-one.com", "{w}.partner-two.io", "hooks.{w}app.com"}}')
    guard = [f"monitored = {hosts}",
             'if parts.scheme != "https" or parts.hostname not in monitored or parts.port not in (None, 443):',
             '    raise ValueError("host is not registered for monitoring")']
    v = "\n".join(lines)
    s = _clean("\n".join(lines[:1] + guard + lines[1:]))
    return Spec(v=v, s=s, imports="import http.client\nfrom urllib.parse import urlsplit",
                notes="http.client connects to whatever host and port the caller's URL names (http.client follows no "
                      "redirects, so the host named is the host reached), so the probe reaches internal services and "
                      "admin ports (over plain http, where the URL picks it, also 169.254.169.254 and localhost) and "
                      "returns their status and first bytes, or maps open ports by its errors; the fix only connects "
                      "to the registered monitoring hosts over https on 443")


@hardneg(4)
def ssrf_http_client_hn(c):
    x, w = c.x, c.word
    s = f"""
        conn = http.client.HTTPSConnection("status.{w}app.com", 443, timeout=5)
        conn.request("GET", "/api/v1/services?" + urlencode({{"name": {x}}}), headers={{"Accept": "application/json"}})
        resp = conn.getresponse()
        payload = resp.read(4096).decode("utf-8", "replace")
        conn.close()
        result = {{"status": resp.status, "detail": payload}}
    """
    return Spec(s=s, imports="import http.client\nfrom urllib.parse import urlencode",
                notes="http.client to a fixed host; the input only travels URL-encoded in the query string")


# ---------------- CWE-200: per-user view cached under one shared key ----------------


_CACHE_VIEWS = [
    ("billing_summary", "/api/billing/summary",
     ["email", "billing_address", "card_last4"], "Invoice", "invoices",
     '{{"number": i.number, "total": str(i.total), "status": i.status}}'),
    ("notification_feed", "/api/notifications",
     ["email", "display_name", "phone"], "Notification", "items",
     '{{"id": n.id, "text": n.text, "read": n.read}}'),
    ("order_history", "/api/orders/mine",
     ["email", "shipping_address", "phone"], "Order", "orders",
     '{{"number": o.number, "total": str(o.total), "ship_to": o.ship_to}}'),
]


def _cache_flask(c, hard=False):
    name, route, fields, model, coll, item = c.pick(*_CACHE_VIEWS)
    var = {"Invoice": "i", "Notification": "n", "Order": "o"}[model]
    timeout = c.pick("60", "120", "300")
    order = {"Invoice": "Invoice.issued_at.desc()", "Notification": "Notification.created_at.desc()",
             "Order": "Order.placed_at.desc()"}[model]
    owner = {"Invoice": "user_id", "Notification": "recipient_id", "Order": "customer_id"}[model]
    user_fields = ",\n        ".join(f"{f}=current_user.{f}" for f in fields)
    cache_type = c.pick('CACHE_TYPE="RedisCache",\n    CACHE_REDIS_URL=os.environ["REDIS_URL"],',
                        'CACHE_TYPE="MemcachedCache",\n    CACHE_MEMCACHED_SERVERS=[os.environ["MEMCACHED_HOST"]],')
    deco = f"@cache.cached(timeout={timeout})  #@V"
    v = f"""
import os

from flask import Flask, jsonify
from flask_caching import Cache
from flask_login import LoginManager, current_user, login_required

from .models import {model}, User

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
    {cache_type}
    CACHE_DEFAULT_TIMEOUT=300,
)
cache = Cache(app)
login_manager = LoginManager(app)

PLANS = [
    {{"id": "starter", "seats": 3, "monthly": "9.00"}},
    {{"id": "team", "seats": 20, "monthly": "49.00"}},
]


@login_manager.user_loader
def load_user(user_id):
    return User.query.get(int(user_id))


@app.get("/api/plans")
@cache.cached(timeout=3600)
def plans():
    return jsonify(plans=PLANS)


@app.get("{route}")
@login_required
{deco}
def {name}():
    rows = {model}.query.filter_by({owner}=current_user.id).order_by({order}).limit(20).all()
    return jsonify(
        {user_fields},
        {coll}=[{item.replace("{{", "{").replace("}}", "}")} for {var} in rows],
    )
"""
    v = v.strip("\n") + "\n"
    if hard:
        rows_line = (f"    rows = {model}.query.filter_by({owner}=current_user.id).order_by({order}).limit(20).all()\n")
        coll_line = f'        {coll}=[{item.replace("{{", "{").replace("}}", "}")} for {var} in rows],\n'
        memo = (f"@cache.memoize(timeout={timeout})\n"
                f"def {coll}_for(user_id):\n"
                f"    rows = {model}.query.filter_by({owner}=user_id).order_by({order}).limit(20).all()\n"
                f"    return [{item.replace('{{', '{').replace('}}', '}')} for {var} in rows]\n\n\n")
        return _twin(v, (deco + "\n", ""), (rows_line, ""), (coll_line, f"        {coll}={coll}_for(current_user.id),\n"),
                     (f'@app.get("{route}")', memo + f'@app.get("{route}")'))
    s = _twin(v, (deco, f"@cache.cached(timeout={timeout}, key_prefix=lambda: f\"{name}:{{current_user.get_id()}}\")"))
    return v, s


def _cache_django(c, hard=False):
    name, route, fields, model, coll, item = c.pick(*_CACHE_VIEWS)
    var = {"Invoice": "i", "Notification": "n", "Order": "o"}[model]
    owner = {"Invoice": "user", "Notification": "recipient", "Order": "customer"}[model]
    order = {"Invoice": "-issued_at", "Notification": "-created_at", "Order": "-placed_at"}[model]
    minutes = c.pick("2", "5", "10")
    app = {"Invoice": "billing", "Notification": "inbox", "Order": "shop"}[model]
    user_fields = "\n".join(f'        "{f}": request.user.{f},' if f == "email" else f'        "{f}": profile.{f},'
                            for f in fields)
    deco_v = f"@cache_page(60 * {minutes})  #@V"
    v = f"""
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET

from {app}.models import {model}


@require_GET
@cache_page(60 * 60)
def public_plans(request):
    return JsonResponse({{"plans": [{{"id": "starter", "monthly": "9.00"}}, {{"id": "team", "monthly": "49.00"}}]}})


@require_GET
@login_required
{deco_v}
def {name}(request):
    profile = request.user.profile
    rows = {model}.objects.filter({owner}=request.user).order_by("{order}")[:20]
    return JsonResponse({{
{user_fields}
        "{coll}": [{item.replace("{{", "{").replace("}}", "}")} for {var} in rows],
    }})
"""
    v = v.strip("\n") + "\n"
    if hard:
        return _twin(v, (deco_v, "@never_cache"),
                     ("from django.views.decorators.cache import cache_page\n",
                      "from django.views.decorators.cache import cache_page, never_cache\n"))
    fixed = _twin(v, (deco_v, f"@cache_page(60 * {minutes})\n@vary_on_cookie"),
                  ("from django.views.decorators.http import require_GET\n",
                   "from django.views.decorators.http import require_GET\n"
                   "from django.views.decorators.vary import vary_on_cookie\n"))
    return v, fixed


@fam("val-expose-shared-cache-per-user-view", "CWE-200", fws=["flask", "django"], n=8, wrap=False)
def expose_shared_cache(c):
    if c.fw == "flask":
        v, s = _cache_flask(c)
        notes = ("Flask-Caching's cached() keys the entry on the request path only, so the first signed-in user's "
                 "account data is served from the cache to every other user of the endpoint until it expires; the "
                 "fix adds the user id to the key (key_prefix callable)")
    else:
        v, s = _cache_django(c)
        notes = ("cache_page learns its key from the response before SessionMiddleware adds Vary: Cookie, so one "
                 "user's private feed is cached under the bare URL and served to the next users; the fix adds "
                 "vary_on_cookie under cache_page so the key includes the session cookie")
    return Spec(v=v, s=s, full=True, fw=c.fw, notes=notes)


@hardneg(4)
def expose_shared_cache_hn(c):
    if c.fw == "flask":
        return Spec(s=_cache_flask(c, hard=True), full=True, fw="flask",
                    notes="public data cached by path; the per-user view's cache key includes the user id")
    return Spec(s=_cache_django(c, hard=True), full=True, fw="django",
                notes="public view cached by URL; the per-user view is marked never_cache, so it is never cached")
