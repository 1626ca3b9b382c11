"""Train-only snippet families (libs30 access set): short Flask / Django / FastAPI / aiohttp views of the kind
found in example suites, tutorials and answers, for access-control weaknesses the model rarely finds in other
people's code. Each uses a code shape no other family of its group uses:

- noauth-setup-wizard-reentrant (306): a first-run "setup" endpoint creates the administrator account and
  (in some renderings) writes an "installed" lock file or settings flag, but never checks that the instance is
  already set up, so anyone can call it again later and create an administrator; the fix refuses once an
  administrator / the lock / the flag exists;
- authz-ui-flag-action-unchecked (862): a back-office page computes "may this user refund / approve /
  publish?" to show or hide the button, but the POST action behind the button only requires a login; the fix
  repeats the same permission check in the action;
- authz-admin-of-any-project (863): a project-settings action checks that the caller is an admin of *some*
  project (any() over the memberships, a membership query without the project id) instead of the project in
  the URL; the fix scopes the check to that project;
- idor-self-default-user-param (639): a "my notifications / addresses / cards" endpoint defaults to the
  logged-in user but honours a ``user_id`` query parameter meant for support staff without checking who
  asks; the fix refuses another user's id unless the caller is staff;
- priv-login-active-role-from-request (269): a login (or token) endpoint verifies the password and then
  stores the "active role" the client asked for in the session / token, without checking that the user
  holds that role; the fix refuses a role the user is not assigned;
- authn-token-checked-only-when-sent (287): an internal service hook compares the shared token only when
  the header is present (``if token and token != ...``), so a request without it passes; the fix rejects
  a missing or empty token;
- authn-argon2-mismatch-swallowed (287): a login view calls argon2 ``PasswordHasher.verify`` in a
  try/except whose ``VerifyMismatchError`` branch only logs / counts / passes, then logs the user in
  anyway; the fix ends the request in the except branch.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _joined, _replayed
from registry import WEB_FWS, fam, hardneg


def _V(safe):
    return "" if safe else "  #@V"


def _S(safe):
    return "" if safe else "  #@S"


def _ind(lines, n=4):
    return ["" if not l else " " * n + l for l in lines]


def _top(items):
    """Module-level statements: one-liners together, blocks (classes, functions) two blank lines apart."""
    out = ""
    for i, t in enumerate(items):
        if not t:
            continue
        if out:
            out += "\n\n\n" if ("\n" in t or "\n" in items[i - 1]) else "\n"
        out += t
    return out


def _neg(cond):
    """``not cond``, written ``x not in y`` for a membership test."""
    return cond.replace(" in (", " not in (", 1) if " in (" in cond else "not " + cond


def _prune(code):
    """Drop names a ``from X import a, b`` line imports but the module never uses (the vulnerable and the
    safe renderings need different ones, e.g. ``abort``), and the import line if none is left."""
    lines = code.split("\n")
    out = []
    for i, l in enumerate(lines):
        m = re.match(r"from (\S+) import ([\w, ]+)$", l)
        if m and not l.startswith("from __future__"):
            rest = "\n".join(x for j, x in enumerate(lines)
                             if j != i and not x.lstrip().startswith(('"""', "#")))
            names = [n.strip() for n in m.group(2).split(",")]
            keep = sorted(n for n in names if re.search(r"(?<![\w.])" + re.escape(n) + r"\b", rest))
            if not keep:
                continue
            l = f"from {m.group(1)} import {', '.join(keep)}"
        out.append(l)
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(out))


def _mod(*blocks):
    return _prune(_joined(*blocks))


def _fn(head, body):
    """A function: ``head`` lines (decorators, def) then the indented body lines."""
    return "\n".join(head + _ind(body))


# ---------------- CWE-306: first-run setup endpoint that can be called again ----------------

_APPS = [("helpdesk", "Helpdesk"), ("wiki", "Team Wiki"), ("inventory", "Stockroom"), ("kiosk", "Kiosk"),
         ("labportal", "Lab Portal"), ("booking", "Room Booking")]


def _setup_module(c, safe, hn=None):
    fw = c.fw
    app, title = c.pick(*_APPS)
    marker = c.pick("lock", "count", "flag")
    route = c.pick("/setup", "/install", "/api/setup", "/first-run")
    fn = c.pick("initial_setup", "first_run_setup", "install", "setup_instance")
    site = c.pick(True, False)
    lock = f'INSTALL_LOCK = Path("/var/lib/{app}/installed.lock")'
    imps, top, body, post = [], [], [], []
    guard = []
    V = _V(safe)
    doc = c.pick(f'"""First-run setup of a {title} instance: creates the administrator account."""',
                 f'"""Installer endpoint of {title}; the setup page posts the first admin account here."""')
    if fw == "flask":
        imps = ["from flask import Flask, abort, jsonify, request", "from werkzeug.security import generate_password_hash",
                "", "from .models import Setting, User, db"]
        top = ["app = Flask(__name__)"]
        if marker == "lock":
            guard = ["if INSTALL_LOCK.exists():", "    abort(404)"]
        elif marker == "count":
            guard = ["if User.query.filter_by(is_admin=True).count():", "    abort(404)"]
        else:
            guard = ['if db.session.get(Setting, "installed") is not None:', "    abort(404)"]
        body = ["data = request.get_json(force=True)",
                'admin = User(email=data["email"], password_hash=generate_password_hash(data["password"]), '
                "is_admin=True)" + V,
                "db.session.add(admin)"]
        if site:
            body.append(f'db.session.merge(Setting(key="site_name", value=data.get("site_name", "{title}")))')
        if marker == "flag":
            body.append('db.session.merge(Setting(key="installed", value="1"))')
        body.append("db.session.commit()")
        if marker == "lock":
            body.append("INSTALL_LOCK.touch()")
        body.append("return jsonify(admin=admin.email), 201")
        head = [f'@app.post("{route}")', f"def {fn}():" + V]
    elif fw == "django":
        imps = ["import json", "", "from django.contrib.auth import get_user_model",
                "from django.http import Http404, JsonResponse", "from django.views.decorators.http import require_POST",
                "", "from .models import SiteSetting"]
        top = ["User = get_user_model()"]
        if marker == "lock":
            guard = ["if INSTALL_LOCK.exists():", "    raise Http404"]
        elif marker == "count":
            guard = ["if User.objects.filter(is_superuser=True).exists():", "    raise Http404"]
        else:
            guard = ['if SiteSetting.objects.filter(key="installed").exists():', "    raise Http404"]
        body = ["data = json.loads(request.body)",
                'admin = User.objects.create_superuser(username=data["username"], email=data["email"], '
                'password=data["password"])' + V]
        if site:
            body.append(f'SiteSetting.objects.update_or_create(key="site_name", defaults={{"value": '
                        f'data.get("site_name", "{title}")}})')
        if marker == "flag":
            body.append('SiteSetting.objects.update_or_create(key="installed", defaults={"value": "1"})')
        if marker == "lock":
            body.append("INSTALL_LOCK.touch()")
        body.append('return JsonResponse({"admin": admin.username}, status=201)')
        head = ["@require_POST", f"def {fn}(request):" + V]
    elif fw == "fastapi":
        imps = ["from fastapi import Depends, FastAPI, HTTPException", "from passlib.context import CryptContext",
                "from pydantic import BaseModel", "from sqlalchemy.orm import Session", "",
                "from .db import get_session", "from .models import Setting, User"]
        top = ["app = FastAPI()", 'pwd = CryptContext(schemes=["bcrypt"], deprecated="auto")']
        post_model = ["class SetupIn(BaseModel):", "    email: str", "    password: str"] + (
            [f'    site_name: str = "{title}"'] if site else [])
        top.append("\n".join(post_model))
        if marker == "lock":
            guard = ["if INSTALL_LOCK.exists():", "    raise HTTPException(status_code=404)"]
        elif marker == "count":
            guard = ["if db.query(User).filter(User.is_admin.is_(True)).first() is not None:",
                     "    raise HTTPException(status_code=404)"]
        else:
            guard = ['if db.get(Setting, "installed") is not None:', "    raise HTTPException(status_code=404)"]
        body = ["admin = User(email=body.email, password_hash=pwd.hash(body.password), is_admin=True)" + V,
                "db.add(admin)"]
        if site:
            body.append('db.merge(Setting(key="site_name", value=body.site_name))')
        if marker == "flag":
            body.append('db.merge(Setting(key="installed", value="1"))')
        body.append("db.commit()")
        if marker == "lock":
            body.append("INSTALL_LOCK.touch()")
        body.append('return {"admin": admin.email}')
        head = [f'@app.post("{route}", status_code=201)',
                f"def {fn}(body: SetupIn, db: Session = Depends(get_session)):" + V]
    else:
        imps = ["from aiohttp import web", "from argon2 import PasswordHasher"]
        top = ["ph = PasswordHasher()", "routes = web.RouteTableDef()"]
        if marker == "lock":
            guard = ["if INSTALL_LOCK.exists():", "    raise web.HTTPNotFound()"]
        elif marker == "count":
            guard = ["if await pool.fetchval(\"SELECT count(*) FROM users WHERE role = 'admin'\"):",
                     "    raise web.HTTPNotFound()"]
        else:
            guard = ["if await pool.fetchval(\"SELECT value FROM settings WHERE key = 'installed'\") is not None:",
                     "    raise web.HTTPNotFound()"]
        body = ["data = await request.json()",
                "await pool.execute(" + V,
                "    \"INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'admin')\",",
                '    data["email"], ph.hash(data["password"]),',
                ")"]
        if site:
            body += ["await pool.execute(",
                     "    \"INSERT INTO settings (key, value) VALUES ('site_name', $1) \"",
                     '    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",',
                     f'    data.get("site_name", "{title}"),', ")"]
        if marker == "flag":
            body.append("await pool.execute(\"INSERT INTO settings (key, value) VALUES ('installed', '1') ON CONFLICT DO NOTHING\")")
        if marker == "lock":
            body.append("INSTALL_LOCK.touch()")
        body.append('return web.json_response({"admin": data["email"]}, status=201)')
        head = [f'@routes.post("{route}")', f"async def {fn}(request):" + V]
        body = ['pool = request.app["db"]'] + (guard if safe else []) + body
        post = ["app = web.Application()\napp.add_routes(routes)"]
    if fw != "aiohttp":
        body = (guard if safe else []) + body
    if marker == "lock":
        k = 0
        while k < len(imps) and imps[k].startswith("import "):
            k += 1
        imps = imps[:k] + ["from pathlib import Path"] + ([] if k else [""]) + imps[k:]
        top.insert(1 if fw in ("flask", "fastapi") else 0, lock)
        if fw == "aiohttp":
            top = [lock] + [t for t in top if t != lock]
    if hn == "token":
        # the setup page must present the one-time setup token printed by the installer
        lead, path_imp = ["import hmac", "import os"], []
        while imps and imps[0].startswith("import "):
            lead.append(imps.pop(0))
        if imps and imps[0] == "from pathlib import Path":
            path_imp = [imps.pop(0)]
        while imps and not imps[0]:
            imps.pop(0)
        imps = sorted(set(lead)) + path_imp + [""] + imps
        top.insert(1, 'SETUP_TOKEN = os.environ["SETUP_TOKEN"]')
        get = {"flask": 'request.headers.get("X-Setup-Token", "")', "django": 'request.headers.get("X-Setup-Token", "")',
               "fastapi": "x_setup_token", "aiohttp": 'request.headers.get("X-Setup-Token", "")'}[fw]
        deny = {"flask": "abort(403)", "django": 'return JsonResponse({"error": "setup token required"}, status=403)',
                "fastapi": "raise HTTPException(status_code=403)", "aiohttp": "raise web.HTTPForbidden()"}[fw]
        tok = [f"if not SETUP_TOKEN or not hmac.compare_digest({get}, SETUP_TOKEN):", "    " + deny]
        at = 1 if fw == "aiohttp" else 0
        body = body[:at] + tok + body[at:]
        if fw == "fastapi":
            head[-1] = head[-1].replace("db: Session", 'x_setup_token: str = Header(""), db: Session')
            imps = [i.replace("FastAPI, HTTPException", "FastAPI, Header, HTTPException") for i in imps]
    views = [_fn(head, body)]
    if c.pick(True, False):
        # the wizard page asks whether the instance is installed before it shows the form
        status = {
            "flask": ('@app.get("/setup/status")\ndef setup_status():\n'
                      "    return jsonify(installed=User.query.filter_by(is_admin=True).count() > 0)"),
            "django": ("def setup_status(request):\n"
                       '    return JsonResponse({"installed": User.objects.filter(is_superuser=True).exists()})'),
            "fastapi": ('@app.get("/setup/status")\ndef setup_status(db: Session = Depends(get_session)):\n'
                        '    return {"installed": db.query(User).filter(User.is_admin.is_(True)).first() is not None}'),
            "aiohttp": ('@routes.get("/setup/status")\nasync def setup_status(request):\n'
                        "    admins = await request.app[\"db\"].fetchval(\"SELECT count(*) FROM users WHERE role = 'admin'\")\n"
                        '    return web.json_response({"installed": admins > 0})'),
        }[fw]
        views.insert(c.pick(0, 1), status)
    blocks = [doc + "\n" + "\n".join(imps), _top(top)] + views + post
    return _mod(*blocks)


@fam("noauth-setup-wizard-reentrant", "CWE-306", fws=WEB_FWS, n=8, wrap=False)
def noauth_setup_reentrant(c):
    v, s = _replayed(c, lambda cc, safe: _setup_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the first-run setup endpoint creates an administrator account for whoever posts to it and "
                      "never checks that the instance is already set up (the lock file / installed flag it writes is "
                      "never read), so after installation any anonymous client can call it again and create an admin "
                      "of their own; the fix refuses (404) once an administrator, the lock or the flag exists")


@hardneg(3)
def noauth_setup_reentrant_hn(c):
    return Spec(s=_setup_module(c, True, hn="token"), full=True,
                notes="the setup endpoint refuses once the instance is installed and also requires the one-time "
                      "setup token the installer printed (constant-time comparison)")


@hardneg(2)
def noauth_setup_reentrant_hn_cli(c):
    app, title = c.pick(*_APPS)
    if c.pick(True, False):
        code = f'''
            """Operator command: create the first {title} administrator from the server's shell."""
            import click
            from werkzeug.security import generate_password_hash

            from . import app
            from .models import User, db


            @app.cli.command("create-admin")
            @click.argument("email")
            @click.password_option()
            def create_admin(email, password):
                """Create an administrator account (run on the server: flask create-admin you@example.org)."""
                db.session.add(User(email=email, password_hash=generate_password_hash(password), is_admin=True))
                db.session.commit()
                click.echo(f"created administrator {{email}}")
        '''
    else:
        code = f'''
            """Operator command: python manage.py bootstrap_admin EMAIL (run on the {title} server)."""
            import getpass

            from django.contrib.auth import get_user_model
            from django.core.management.base import BaseCommand, CommandError


            class Command(BaseCommand):
                help = "Create the first superuser of a fresh {title} install"

                def add_arguments(self, parser):
                    parser.add_argument("email")

                def handle(self, *args, **options):
                    User = get_user_model()
                    if User.objects.filter(is_superuser=True).exists():
                        raise CommandError("an administrator already exists")
                    password = getpass.getpass("Password: ")
                    User.objects.create_superuser(username=options["email"], email=options["email"], password=password)
                    self.stdout.write(self.style.SUCCESS("administrator created"))
        '''
    return Spec(s=code, full=True, fw="django" if "BaseCommand" in code else "flask",
                notes="the first administrator is created by a command run on the server, not by a web endpoint")


# ---------------- CWE-862: the page hides the button, the action does not check ----------------

_UI_ACTIONS = [
    # noun, verb, roles allowed, new status, django permission codename
    ("order", "refund", ("finance", "admin"), "refunded", "shop.refund_order"),
    ("expense", "approve", ("manager", "admin"), "approved", "claims.approve_expense"),
    ("article", "publish", ("editor", "admin"), "published", "newsroom.publish_article"),
    ("invoice", "void", ("billing", "admin"), "void", "billing.void_invoice"),
    ("shipment", "release", ("warehouse_lead", "admin"), "released", "logistics.release_shipment"),
]


def _ui_module(c, safe, hn=False):
    fw = c.fw
    noun, verb, roles, status, perm = c.pick(*_UI_ACTIONS)
    Noun = noun.capitalize()
    form = c.pick("helper", "inline")
    rtuple = "(" + ", ".join(f'"{r}"' for r in roles) + ")"
    V = _V(safe)
    art = "an" if noun[0] in "aeiou" else "a"
    who = roles[0].replace("_", " ")
    doc = c.pick(f'"""Back office: every staff member can open {art} {noun}; only {who} staff may {verb} it."""',
                 f'"""{Noun} screens of the staff console (the {verb} button is shown to {who} staff only)."""')
    helper = f"def can_{verb}(user):\n    return user.role in {rtuple}"
    if fw == "flask":
        cond = f"can_{verb}(current_user)" if form == "helper" else f"current_user.role in {rtuple}"
        imps = ["from flask import Flask, abort, redirect, render_template, request, url_for",
                "from flask_login import current_user, login_required", "", f"from .models import {Noun}, Note, db"]
        top = ["app = Flask(__name__)"]
        if hn:
            imps[0] = "from functools import wraps\n\n" + imps[0]
            top.append(f"def {roles[0]}_only(view):\n    @wraps(view)\n    def wrapped(*args, **kwargs):\n"
                       f"        if current_user.role not in {rtuple}:\n            abort(403)\n"
                       "        return view(*args, **kwargs)\n    return wrapped")
        page = _fn([f'@app.get("/{noun}s/<int:{noun}_id>")', "@login_required", f"def {noun}_detail({noun}_id):"],
                   [f"{noun} = db.get_or_404({Noun}, {noun}_id)",
                    f'return render_template("{noun}.html", {noun}={noun}, show_{verb}_button={cond})'])
        check = [f"if {_neg(cond)}:", "    abort(403)"] if safe and not hn else []
        act = _fn([f'@app.post("/{noun}s/<int:{noun}_id>/{verb}")', "@login_required"]
                  + ([f"@{roles[0]}_only"] if hn else []) + [f"def {verb}_{noun}({noun}_id):" + V],
                  check + [f"{noun} = db.get_or_404({Noun}, {noun}_id)",
                           f'{noun}.status = "{status}"' + V,
                           "db.session.commit()",
                           f'return redirect(url_for("{noun}_detail", {noun}_id={noun}_id))'])
    elif fw == "django":
        cond = f"can_{verb}(request.user)" if form == "helper" else f'request.user.has_perm("{perm}")'
        helper = f'def can_{verb}(user):\n    return user.has_perm("{perm}")'
        imps = ["from django.contrib.auth.decorators import login_required"
                + (", permission_required" if hn else ""),
                "from django.core.exceptions import PermissionDenied",
                "from django.shortcuts import get_object_or_404, redirect, render",
                "from django.views.decorators.http import require_POST", "", f"from .models import {Noun}, Note"]
        if hn:
            imps.remove("from django.core.exceptions import PermissionDenied")
        top = []
        page = _fn(["@login_required", f"def {noun}_detail(request, pk):"],
                   [f"{noun} = get_object_or_404({Noun}, pk=pk)",
                    f'return render(request, "backoffice/{noun}.html", {{"{noun}": {noun}, "can_{verb}": {cond}}})'])
        check = [f"if not {cond}:", "    raise PermissionDenied"] if safe and not hn else []
        act = _fn(["@login_required"] + ([f'@permission_required("{perm}", raise_exception=True)'] if hn else [])
                  + ["@require_POST", f"def {verb}_{noun}(request, pk):" + V],
                  check + [f"{noun} = get_object_or_404({Noun}, pk=pk)",
                           f'{noun}.status = "{status}"' + V,
                           f'{noun}.save(update_fields=["status"])',
                           f'return redirect("{noun}-detail", pk=pk)'])
    elif fw == "fastapi":
        cond = f"can_{verb}(user)" if form == "helper" else f"user.role in {rtuple}"
        imps = ["from fastapi import Body, Depends, FastAPI, HTTPException", "from sqlalchemy.orm import Session", "",
                "from .auth import current_user", "from .db import get_db", f"from .models import {Noun}, Note, User"]
        top = ["app = FastAPI()"]
        if hn:
            top.append(f"def require_{roles[0]}(user: User = Depends(current_user)) -> User:\n"
                       f"    if user.role not in {rtuple}:\n"
                       f'        raise HTTPException(status_code=403, detail="{roles[0]} role required")\n'
                       "    return user")
        page = _fn([f'@app.get("/api/{noun}s/{{{noun}_id}}")',
                    f"def get_{noun}({noun}_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):"],
                   [f"{noun} = db.get({Noun}, {noun}_id)", f"if {noun} is None:",
                    "    raise HTTPException(status_code=404)",
                    f'return {{"{noun}": {noun}.to_dict(), "actions": {{"{verb}": {cond}}}}}'])
        dep = f"Depends(require_{roles[0]})" if hn else "Depends(current_user)"
        check = [f"if {_neg(cond)}:", f'    raise HTTPException(status_code=403, detail="not allowed to {verb}")'] \
            if safe and not hn else []
        act = _fn([f'@app.post("/api/{noun}s/{{{noun}_id}}/{verb}")',
                   f"def {verb}_{noun}({noun}_id: int, user: User = {dep}, db: Session = Depends(get_db)):" + V],
                  check + [f"{noun} = db.get({Noun}, {noun}_id)", f"if {noun} is None:",
                           "    raise HTTPException(status_code=404)",
                           f'{noun}.status = "{status}"' + V, "db.commit()",
                           f'return {{"id": {noun}.id, "status": {noun}.status}}'])
    else:
        cond = f'can_{verb}(request["user"])' if form == "helper" else f'request["user"]["role"] in {rtuple}'
        if form == "helper":
            helper = f'def can_{verb}(user):\n    return user["role"] in {rtuple}'
        imps = ["from aiohttp import web", "", "from .auth import session_user_middleware"]
        top = ["routes = web.RouteTableDef()"]
        page = _fn([f'@routes.get("/api/{noun}s/{{{noun}_id}}")', f"async def get_{noun}(request):"],
                   [f'row = await request.app["db"].fetchrow(',
                    f'    "SELECT id, status, total_cents FROM {noun}s WHERE id = $1", int(request.match_info["{noun}_id"])',
                    ")", "if row is None:", "    raise web.HTTPNotFound()",
                    f'return web.json_response({{"{noun}": dict(row), "can_{verb}": {cond}}})'])
        check = ([f"if {_neg(cond)}:", "    raise web.HTTPForbidden()"] if safe or hn else [])
        act = _fn([f'@routes.post("/api/{noun}s/{{{noun}_id}}/{verb}")', f"async def {verb}_{noun}(request):" + V],
                  check + [f'{noun}_id = int(request.match_info["{noun}_id"])',
                           f'await request.app["db"].execute("UPDATE {noun}s SET status = \'{status}\' WHERE id = $1", '
                           f"{noun}_id)" + V,
                           f'return web.json_response({{"id": {noun}_id, "status": "{status}"}})'])
        act += "\n\n\n# every route needs a signed-in staff session (the middleware answers 401 otherwise)\n" \
               "app = web.Application(middlewares=[session_user_middleware])\napp.add_routes(routes)"
    blocks = [doc + "\n" + "\n".join(imps), _top(top)]
    if form == "helper":
        blocks.append(helper)
    views = [page, act]
    if c.pick(True, False):
        # any staff member may comment on a record: a login is the whole requirement here
        note = {
            "flask": (f'@app.post("/{noun}s/<int:{noun}_id>/notes")\n@login_required\ndef add_{noun}_note({noun}_id):\n'
                      f'    db.session.add(Note({noun}_id={noun}_id, author_id=current_user.id, text=request.form["text"][:2000]))\n'
                      "    db.session.commit()\n"
                      f'    return redirect(url_for("{noun}_detail", {noun}_id={noun}_id))'),
            "django": (f"@login_required\n@require_POST\ndef add_{noun}_note(request, pk):\n"
                       f'    Note.objects.create({noun}_id=pk, author=request.user, text=request.POST["text"][:2000])\n'
                       f'    return redirect("{noun}-detail", pk=pk)'),
            "fastapi": (f'@app.post("/api/{noun}s/{{{noun}_id}}/notes", status_code=201)\n'
                        f"def add_{noun}_note({noun}_id: int, text: str = Body(..., embed=True, max_length=2000), "
                        "user: User = Depends(current_user), db: Session = Depends(get_db)):\n"
                        f"    db.add(Note({noun}_id={noun}_id, author_id=user.id, text=text))\n"
                        "    db.commit()\n"
                        '    return {"ok": True}'),
            "aiohttp": (f'@routes.post("/api/{noun}s/{{{noun}_id}}/notes")\nasync def add_{noun}_note(request):\n'
                        '    text = (await request.post())["text"][:2000]\n'
                        f'    await request.app["db"].execute(\n'
                        f'        "INSERT INTO notes ({noun}_id, author_id, text) VALUES ($1, $2, $3)",\n'
                        f'        int(request.match_info["{noun}_id"]), request["user"]["id"], text,\n'
                        "    )\n"
                        '    return web.json_response({"ok": True}, status=201)'),
        }[fw]
        if fw == "aiohttp":
            act, tail = act.split("\n\n\n# every route", 1)
            views = [page, act, note + "\n\n\n# every route" + tail]
        else:
            views.insert(c.pick(1, 2), note)
    blocks += views
    return _mod(*blocks)


@fam("authz-ui-flag-action-unchecked", "CWE-862", fws=WEB_FWS, n=8, wrap=False)
def authz_ui_flag(c):
    v, s = _replayed(c, lambda cc, safe: _ui_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the detail page computes whether the signed-in staff member may perform the action, but only "
                      "to show or hide the button; the POST endpoint behind it requires nothing more than a login, so "
                      "any staff account (or a script posting to the URL) performs it; the fix repeats the same "
                      "permission check in the action")


@hardneg(4)
def authz_ui_flag_hn(c):
    return Spec(s=_ui_module(c, True, hn=True), full=True,
                notes="the page shows the button by permission and the action enforces the same permission with a "
                      "decorator / dependency / inline check")


# ---------------- CWE-863: admin of any project instead of this project ----------------

_PROJ_ACTIONS = ["remove_member", "rotate_key", "delete_webhook"]


def _proj_module(c, safe, hn=False):
    fw = c.fw
    action = c.pick(*_PROJ_ACTIONS)
    form = c.pick("any", "query", "set")
    roles_ok = c.pick('"admin"', '"owner"')
    V = _V(safe)
    container = c.pick("project", "workspace", "board")
    C = container.capitalize()
    cid = f"{container}_id"
    hname = c.pick(f"is_{container}_admin", f"can_manage_{container}", "has_admin_role")
    doc = c.pick(f'"""{C} settings API: {container} admins manage their own {container}."""',
                 f'"""Settings endpoints of a {container} (members, keys, hooks)."""')
    if fw == "flask":
        imps = ["from flask import Flask, abort, jsonify", "from flask_login import current_user, login_required", "",
                f"from .models import Membership, {C}, Webhook, db"]
        if action == "rotate_key":
            imps.insert(0, "import secrets\n")
        top = ["app = Flask(__name__)"]
        if form == "any":
            line = (f"return any(m.role == {roles_ok} and m.{cid} == {cid} for m in user.memberships)" if safe else
                    f"return any(m.role == {roles_ok} for m in user.memberships)  #@V")
        elif form == "query":
            line = (f"return Membership.query.filter_by(user_id=user.id, {cid}={cid}, role={roles_ok}).first() is not None"
                    if safe else f"return Membership.query.filter_by(user_id=user.id, role={roles_ok}).first() is not None  #@V")
        else:
            line = (f"return {roles_ok} in {{m.role for m in user.memberships if m.{cid} == {cid}}}" if safe else
                    f"return {roles_ok} in {{m.role for m in user.memberships}}  #@V")
        helper = f"def {hname}(user, {cid}):\n    {line}"
        if hn:
            helper = ""
            chk = [f"membership = Membership.query.filter_by({cid}={cid}, user_id=current_user.id).first_or_404()",
                   f"if membership.role != {roles_ok}:", "    abort(403)"]
        else:
            chk = [f"if not {hname}(current_user, {cid}):" + V, "    abort(403)"]
        if action == "remove_member":
            route, meth, sig = f"/{container}s/<int:{cid}>/members/<int:user_id>", "delete", f"{cid}, user_id"
            act = [f"Membership.query.filter_by({cid}={cid}, user_id=user_id).delete()", "db.session.commit()",
                   'return "", 204']
        elif action == "rotate_key":
            route, meth, sig = f"/{container}s/<int:{cid}>/deploy-key", "post", cid
            act = [f"{container} = db.get_or_404({C}, {cid})", f"{container}.deploy_key = secrets.token_urlsafe(32)",
                   "db.session.commit()", f"return jsonify(deploy_key={container}.deploy_key)"]
        else:
            route, meth, sig = f"/{container}s/<int:{cid}>/webhooks/<int:hook_id>", "delete", f"{cid}, hook_id"
            act = [f"Webhook.query.filter_by(id=hook_id, {cid}={cid}).delete()", "db.session.commit()",
                   'return "", 204']
        view = _fn([f'@app.{meth}("{route}")', "@login_required", f"def {action}({sig}):"], chk + act)
    elif fw == "django":
        imps = ["from django.contrib.auth.decorators import login_required",
                "from django.core.exceptions import PermissionDenied",
                "from django.http import HttpResponse, JsonResponse",
                "from django.shortcuts import get_object_or_404",
                "from django.views.decorators.http import require_POST", "",
                f"from .models import Membership, {C}, Webhook"]
        if action == "rotate_key":
            imps.insert(0, "import secrets\n")
        top = []
        if form == "set":
            line = (f"return {roles_ok} in set(Membership.objects.filter(user=user, {cid}={cid}).values_list(\"role\", flat=True))"
                    if safe else f"return {roles_ok} in set(Membership.objects.filter(user=user).values_list(\"role\", flat=True))  #@V")
        else:
            line = (f"return Membership.objects.filter(user=user, {cid}={cid}, role={roles_ok}).exists()" if safe else
                    f"return Membership.objects.filter(user=user, role={roles_ok}).exists()  #@V")
        helper = f"def {hname}(user, {cid}):\n    {line}"
        if hn:
            helper = ""
            chk = [f"membership = get_object_or_404(Membership, {cid}={cid}, user=request.user)",
                   f"if membership.role != {roles_ok}:", "    raise PermissionDenied"]
        else:
            chk = [f"if not {hname}(request.user, {cid}):" + V, "    raise PermissionDenied"]
        if action == "remove_member":
            sig = f"request, {cid}, user_id"
            act = [f"Membership.objects.filter({cid}={cid}, user_id=user_id).delete()", "return HttpResponse(status=204)"]
        elif action == "rotate_key":
            sig = f"request, {cid}"
            act = [f"{container} = get_object_or_404({C}, pk={cid})", f"{container}.deploy_key = secrets.token_urlsafe(32)",
                   f'{container}.save(update_fields=["deploy_key"])',
                   f'return JsonResponse({{"deploy_key": {container}.deploy_key}})']
        else:
            sig = f"request, {cid}, hook_id"
            act = [f"Webhook.objects.filter(pk=hook_id, {cid}={cid}).delete()", "return HttpResponse(status=204)"]
        view = _fn(["@login_required", "@require_POST", f"def {action}({sig}):"], chk + act)
    elif fw == "fastapi":
        imps = ["from fastapi import Depends, FastAPI, HTTPException", "from sqlalchemy import delete, select",
                "from sqlalchemy.orm import Session", "", "from .auth import current_user", "from .db import get_db",
                f"from .models import Membership, {C}, User, Webhook"]
        if action == "rotate_key":
            imps.insert(0, "import secrets\n")
        top = ["app = FastAPI()"]
        where = f"Membership.user_id == user.id, Membership.role == {roles_ok}"
        swhere = f"Membership.user_id == user.id, Membership.{cid} == {cid}, Membership.role == {roles_ok}"
        line = (f"return db.scalar(select(Membership.id).where({swhere})) is not None" if safe else
                f"return db.scalar(select(Membership.id).where({where})) is not None  #@V")
        helper = f"def {hname}(db: Session, user: User, {cid}: int) -> bool:\n    {line}"
        if hn:
            helper = ""
            chk = [f"role = db.scalar(select(Membership.role).where(Membership.{cid} == {cid}, Membership.user_id == user.id))",
                   f"if role != {roles_ok}:", "    raise HTTPException(status_code=403)"]
        else:
            chk = [f"if not {hname}(db, user, {cid}):" + V, "    raise HTTPException(status_code=403)"]
        dep = "user: User = Depends(current_user), db: Session = Depends(get_db)"
        if action == "remove_member":
            head = [f'@app.delete("/{container}s/{{{cid}}}/members/{{user_id}}", status_code=204)',
                    f"def {action}({cid}: int, user_id: int, {dep}):"]
            act = [f"db.execute(delete(Membership).where(Membership.{cid} == {cid}, Membership.user_id == user_id))",
                   "db.commit()"]
        elif action == "rotate_key":
            head = [f'@app.post("/{container}s/{{{cid}}}/deploy-key")', f"def {action}({cid}: int, {dep}):"]
            act = [f"{container} = db.get({C}, {cid})", f"if {container} is None:", "    raise HTTPException(status_code=404)",
                   f"{container}.deploy_key = secrets.token_urlsafe(32)",
                   "db.commit()", f'return {{"deploy_key": {container}.deploy_key}}']
        else:
            head = [f'@app.delete("/{container}s/{{{cid}}}/webhooks/{{hook_id}}", status_code=204)',
                    f"def {action}({cid}: int, hook_id: int, {dep}):"]
            act = [f"db.execute(delete(Webhook).where(Webhook.id == hook_id, Webhook.{cid} == {cid}))", "db.commit()"]
        view = _fn(head, chk + act)
    else:
        imps = ["from aiohttp import web"]
        if action == "rotate_key":
            imps.insert(0, "import secrets\n")
        top = ["routes = web.RouteTableDef()"]
        table = container + "s"
        q = (f"SELECT 1 FROM memberships WHERE user_id = $1 AND {cid} = $2 AND role = {roles_ok.replace(chr(34), chr(39))}"
             if safe else f"SELECT 1 FROM memberships WHERE user_id = $1 AND role = {roles_ok.replace(chr(34), chr(39))}")
        args = f"user_id, {cid}" if safe else "user_id"
        if form == "query":
            helper = (f"async def {hname}(pool, user_id, {cid}):\n"
                      f'    return await pool.fetchval("{q}", {args}) is not None' + V)
        else:
            rq = (f'"SELECT role FROM memberships WHERE user_id = $1 AND {cid} = $2", user_id, {cid}' if safe else
                  '"SELECT role FROM memberships WHERE user_id = $1", user_id')
            helper = (f"async def {hname}(pool, user_id, {cid}):\n"
                      f"    rows = await pool.fetch({rq})" + V + "\n"
                      f'    return any(r["role"] == {roles_ok} for r in rows)')
        if hn:
            helper = ""
            chk = [f'role = await pool.fetchval("SELECT role FROM memberships WHERE {cid} = $1 AND user_id = $2", '
                   f'{cid}, request["user"]["id"])', f"if role != {roles_ok}:", "    raise web.HTTPForbidden()"]
        else:
            chk = [f'if not await {hname}(pool, request["user"]["id"], {cid}):' + V,
                   "    raise web.HTTPForbidden()"]
        pre = ['pool = request.app["db"]', f'{cid} = int(request.match_info["{cid}"])']
        if action == "remove_member":
            head = [f'@routes.delete("/{table}/{{{cid}}}/members/{{user_id}}")', f"async def {action}(request):"]
            act = [f'await pool.execute("DELETE FROM memberships WHERE {cid} = $1 AND user_id = $2", {cid}, '
                   'int(request.match_info["user_id"]))', "return web.Response(status=204)"]
        elif action == "rotate_key":
            head = [f'@routes.post("/{table}/{{{cid}}}/deploy-key")', f"async def {action}(request):"]
            act = ["key = secrets.token_urlsafe(32)",
                   f'await pool.execute("UPDATE {table} SET deploy_key = $1 WHERE id = $2", key, {cid})',
                   'return web.json_response({"deploy_key": key})']
        else:
            head = [f'@routes.delete("/{table}/{{{cid}}}/webhooks/{{hook_id}}")', f"async def {action}(request):"]
            act = [f'await pool.execute("DELETE FROM webhooks WHERE id = $1 AND {cid} = $2", '
                   f'int(request.match_info["hook_id"]), {cid})', "return web.Response(status=204)"]
        view = _fn(head, pre + chk + act)
        view += ("\n\n\n# request[\"user\"] is set by the session middleware (401 for anonymous requests)\n"
                 "app = web.Application(middlewares=[session_user_middleware])\napp.add_routes(routes)")
        imps += ["", "from .auth import session_user_middleware"]
    return _mod(doc + "\n" + "\n".join(imps), _top(top), helper, view)


@fam("authz-admin-of-any-project", "CWE-863", fws=WEB_FWS, n=8, wrap=False)
def authz_admin_any_project(c):
    v, s = _replayed(c, lambda cc, safe: _proj_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the settings action is guarded, but the guard asks whether the caller is an admin of any "
                      "project (any() over all memberships / a membership query without the project id), so the admin "
                      "of their own throw-away project removes members, rotates keys or deletes hooks of every other "
                      "project; the fix checks the admin membership of the project named in the URL")


@hardneg(3)
def authz_admin_any_project_hn(c):
    return Spec(s=_proj_module(c, True, hn=True), full=True,
                notes="the caller's membership of the project in the URL is loaded and its role checked before acting")


# ---------------- CWE-639: defaults to the caller, but a user_id parameter overrides it ----------------

_SELF_RES = [
    # resource (url), model, table, columns
    ("notifications", "Notification", "notifications", ("id", "kind", "message", "read")),
    ("addresses", "Address", "addresses", ("id", "label", "street", "city", "postcode")),
    ("cards", "PaymentMethod", "payment_methods", ("id", "brand", "last4", "exp_month", "exp_year")),
    ("devices", "LoginDevice", "login_devices", ("id", "user_agent", "ip_address", "trusted")),
    ("tickets", "SupportTicket", "support_tickets", ("id", "subject", "status", "priority")),
]


def _self_module(c, safe, hn=False):
    fw = c.fw
    res, Model, table, cols = c.pick(*_SELF_RES)
    staff = c.pick("is_staff", "is_support")
    param = c.pick("user_id", "uid", "for_user")
    V, S = _V(safe), _S(safe)
    limit = c.pick("50", "100", "200")
    alt = c.pick(False, True)  # how the default to the caller is written
    doc = c.pick(f'"""Account API: the signed-in user\'s {res}; support staff may look at a customer\'s."""',
                 f'"""/api/{res}: lists the caller\'s {res} (the support console passes ?{param}=...)."""')
    collit = ", ".join(f'"{x}"' for x in cols)
    if fw == "flask":
        imps = ["from flask import Flask, abort, jsonify, request", "from flask_login import current_user, login_required",
                "", f"from .models import {Model}, db"]
        top = ["app = Flask(__name__)"]
        if hn:
            src = [f'requested = request.args.get("{param}", type=int)',
                   f"user_id = requested if requested and current_user.{staff} else current_user.id"]
            chk = []
        else:
            src = [(f'user_id = request.args.get("{param}", type=int) or current_user.id' if alt else
                    f'user_id = request.args.get("{param}", default=current_user.id, type=int)') + S]
            chk = [f"if user_id != current_user.id and not current_user.{staff}:", "    abort(403)"] if safe else []
        body = src + chk + [
            f"rows = {Model}.query.filter_by(user_id=user_id).order_by({Model}.id.desc()).limit({limit}).all()" + V,
            f"return jsonify([{{k: getattr(r, k) for k in ({collit})}} for r in rows])"]
        view = _fn([f'@app.get("/api/{res}")', "@login_required", f"def list_{res}():"], body)
    elif fw == "django":
        imps = ["from django.contrib.auth.decorators import login_required",
                "from django.core.exceptions import PermissionDenied", "from django.http import JsonResponse",
                "from django.views.decorators.http import require_POST", "", f"from .models import {Model}"]
        staff = "is_staff"
        top = []
        if hn:
            imps.remove("from django.core.exceptions import PermissionDenied")
            src = [f"user_id = request.user.pk",
                   f'if request.user.is_staff and request.GET.get("{param}"):',
                   f'    user_id = int(request.GET["{param}"])']
            chk = []
        else:
            src = [(f'user_id = int(request.GET.get("{param}") or request.user.pk)' if alt else
                    f'user_id = int(request.GET.get("{param}", request.user.pk))') + S]
            chk = ["if user_id != request.user.pk and not request.user.is_staff:", "    raise PermissionDenied"] \
                if safe else []
        body = src + chk + [
            f"rows = {Model}.objects.filter(user_id=user_id).order_by(\"-id\").values({collit})[:{limit}]" + V,
            'return JsonResponse({"items": list(rows)})']
        view = _fn(["@login_required", f"def list_{res}(request):"], body)
    elif fw == "fastapi":
        imps = ["from fastapi import Depends, FastAPI, HTTPException", "from sqlalchemy import delete, select",
                "from sqlalchemy.orm import Session", "", "from .auth import current_user", "from .db import get_db",
                f"from .models import {Model}, User"]
        top = ["app = FastAPI()"]
        if hn:
            src = [f"user_id = {param} if {param} is not None and user.{staff} else user.id"]
            chk = []
        else:
            src = [(f"user_id = user.id if {param} is None else {param}" if alt else f"user_id = {param} or user.id") + S]
            chk = [f"if user_id != user.id and not user.{staff}:", "    raise HTTPException(status_code=403)"] \
                if safe else []
        body = src + chk + [
            f"rows = db.scalars(select({Model}).filter_by(user_id=user_id).order_by({Model}.id.desc()).limit({limit})).all()" + V,
            f"return [{{k: getattr(r, k) for k in ({collit})}} for r in rows]"]
        view = _fn([f'@app.get("/api/{res}")',
                    f"def list_{res}({param}: int | None = None, user: User = Depends(current_user), "
                    "db: Session = Depends(get_db)):"], body)
    else:
        imps = ["from aiohttp import web", "", "from .auth import session_user_middleware"]
        top = ["routes = web.RouteTableDef()"]
        colsql = ", ".join(cols)
        if hn:
            src = ['me = request["user"]', "user_id = me[\"id\"]",
                   f'if "{param}" in request.query and me["{staff}"]:',
                   f'    user_id = int(request.query["{param}"])']
            chk = []
        else:
            src = ['me = request["user"]',
                   (f'user_id = int(request.query["{param}"]) if "{param}" in request.query else me["id"]' if alt else
                    f'user_id = int(request.query.get("{param}", me["id"]))') + S]
            chk = [f'if user_id != me["id"] and not me["{staff}"]:', "    raise web.HTTPForbidden()"] if safe else []
        body = src + chk + [
            'rows = await request.app["db"].fetch(',
            f'    "SELECT {colsql} FROM {table} WHERE user_id = $1 ORDER BY id DESC LIMIT {limit}", user_id' + V,
            ")",
            "return web.json_response([dict(r) for r in rows])"]
        view = _fn([f'@routes.get("/api/{res}")', f"async def list_{res}(request):"], body)
        view += "\n\n\napp = web.Application(middlewares=[session_user_middleware])\napp.add_routes(routes)"
    if c.pick(True, False):
        one = res[:-2] if res.endswith("sses") else res[:-1]
        dele = {
            "flask": (f'@app.delete("/api/{res}/<int:item_id>")\n@login_required\ndef delete_{one}(item_id):\n'
                      f"    {Model}.query.filter_by(id=item_id, user_id=current_user.id).delete()\n"
                      "    db.session.commit()\n"
                      '    return "", 204'),
            "django": (f"@login_required\n@require_POST\ndef delete_{one}(request, pk):\n"
                       f"    deleted, _ = {Model}.objects.filter(pk=pk, user=request.user).delete()\n"
                       '    return JsonResponse({"deleted": deleted})'),
            "fastapi": (f'@app.delete("/api/{res}/{{item_id}}", status_code=204)\n'
                        f"def delete_{one}(item_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):\n"
                        f"    db.execute(delete({Model}).where({Model}.id == item_id, {Model}.user_id == user.id))\n"
                        "    db.commit()"),
            "aiohttp": (f'@routes.delete("/api/{res}/{{item_id}}")\nasync def delete_{one}(request):\n'
                        f'    await request.app["db"].execute(\n'
                        f'        "DELETE FROM {table} WHERE id = $1 AND user_id = $2",\n'
                        '        int(request.match_info["item_id"]), request["user"]["id"],\n'
                        "    )\n"
                        "    return web.Response(status=204)"),
        }[fw]
        if fw == "aiohttp":
            view, tail = view.split("\n\n\napp = web.Application(", 1)
            view = view + "\n\n\n" + dele + "\n\n\napp = web.Application(" + tail
        else:
            view = view + "\n\n\n" + dele
    return _mod(doc + "\n" + "\n".join(imps), _top(top), view)


@fam("idor-self-default-user-param", "CWE-639", fws=WEB_FWS, n=8, wrap=False)
def idor_self_default(c):
    v, s = _replayed(c, lambda cc, safe: _self_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the list defaults to the signed-in user, but a user id in the query string (meant for the "
                      "support console) replaces it with no check of who is asking, so any customer reads another "
                      "customer's records by adding ?user_id=N; the fix refuses another user's id unless the caller "
                      "is support staff")


@hardneg(3)
def idor_self_default_hn(c):
    return Spec(s=_self_module(c, True, hn=True), full=True,
                notes="the user id parameter is honoured only for staff; everyone else gets their own records")


# ---------------- CWE-269: login stores the role the client asked for ----------------

_ROLE_SETS = [
    ("clinic", ("nurse", "doctor", "pharmacist", "admin"), "nurse"),
    ("school", ("teacher", "registrar", "admin"), "teacher"),
    ("warehouse", ("picker", "supervisor", "admin"), "picker"),
    ("newsroom", ("writer", "editor", "admin"), "writer"),
]


def _role_module(c, safe, hn=False):
    fw = c.fw
    ctx, roles, default = c.pick(*_ROLE_SETS)
    key = c.pick("role", "active_role", "acting_as")
    V, S = _V(safe)[:], _S(safe)
    doc = c.pick(f'"""{ctx.capitalize()} portal sign-in: staff with several roles choose the one they work in."""',
                 f'"""Login of the {ctx} app; the login form has a "work as" role picker."""')
    if fw == "flask":
        imps = ["from flask import Flask, jsonify, request, session", "from werkzeug.security import check_password_hash",
                "", "from .models import User"]
        top = ["app = Flask(__name__)", f'app.config.from_object("{ctx}.settings")']
        pre = ["data = request.get_json()",
               'user = User.query.filter_by(email=data["email"].lower()).first()',
               'if user is None or not check_password_hash(user.password_hash, data["password"]):',
               '    return jsonify(error="invalid credentials"), 401']
        if hn:
            src = [f'requested = data.get("{key}")',
                   f"role = requested if requested in user.role_names() else user.default_role"]
            chk = []
        else:
            src = [f'role = data.get("{key}", "{default}")' + S]
            chk = ["if role not in user.role_names():", '    return jsonify(error="role not assigned"), 403'] \
                if safe else []
        body = pre + src + chk + ['session["user_id"] = user.id', f'session["role"] = role' + V,
                                  "return jsonify(user=user.email, role=role)"]
        view = _fn(['@app.post("/login")', "def login():"], body)
    elif fw == "django":
        imps = ["from django.contrib.auth import authenticate, login, logout", "from django.http import JsonResponse",
                "from django.views.decorators.http import require_POST"]
        top = []
        pre = ['user = authenticate(request, username=request.POST["username"], password=request.POST["password"])',
               "if user is None:", '    return JsonResponse({"error": "invalid credentials"}, status=401)']
        if hn:
            src = [f'role = request.POST.get("{key}", "{default}")',
                   "if not user.groups.filter(name=role).exists():",
                   f'    role = "{default}"']
            chk = []
        else:
            src = [f'role = request.POST.get("{key}", "{default}")' + S]
            chk = ["if not user.groups.filter(name=role).exists():",
                   '    return JsonResponse({"error": "role not assigned"}, status=403)'] if safe else []
        body = pre + src + chk + ["login(request, user)", f'request.session["active_role"] = role' + V,
                                  'return JsonResponse({"user": user.get_username(), "role": role})']
        view = _fn(["@require_POST", "def sign_in(request):"], body)
    elif fw == "fastapi":
        imps = ["from datetime import datetime, timedelta, timezone", "", "import jwt",
                "from fastapi import Depends, FastAPI, HTTPException", "from passlib.context import CryptContext",
                "from pydantic import BaseModel", "from sqlalchemy import select", "from sqlalchemy.orm import Session",
                "", "from .config import settings", "from .db import get_db", "from .models import User"]
        top = ["app = FastAPI()", 'pwd = CryptContext(schemes=["argon2"], deprecated="auto")',
               f'class LoginIn(BaseModel):\n    username: str\n    password: str\n    {key}: str = "{default}"']
        pre = ["user = db.scalar(select(User).filter_by(username=body.username))",
               "if user is None or not pwd.verify(body.password, user.password_hash):",
               '    raise HTTPException(status_code=401, detail="invalid credentials")']
        if hn:
            src = [f"role = body.{key} if body.{key} in user.role_names else user.default_role"]
            chk = []
            rexpr = "role"
        else:
            src = []
            chk = [f"if body.{key} not in user.role_names:",
                   '    raise HTTPException(status_code=403, detail="role not assigned")'] if safe else []
            rexpr = f"body.{key}"
        body = pre + src + chk + [
            "claims = {",
            '    "sub": str(user.id),',
            f'    "role": {rexpr},' + V,
            '    "exp": datetime.now(timezone.utc) + timedelta(hours=8),',
            "}",
            'return {"access_token": jwt.encode(claims, settings.jwt_secret, algorithm="HS256"), "token_type": "bearer"}']
        view = _fn(['@app.post("/token")', "def issue_token(body: LoginIn, db: Session = Depends(get_db)):"], body)
    else:
        imps = ["from aiohttp import web", "from aiohttp_session import new_session",
                "from passlib.context import CryptContext"]
        top = ['pwd = CryptContext(schemes=["bcrypt"], deprecated="auto")',
               "routes = web.RouteTableDef()  # main.py adds these routes after aiohttp_session.setup()"]
        pre = ["data = await request.post()", 'pool = request.app["db"]',
               'row = await pool.fetchrow("SELECT id, password_hash FROM staff WHERE username = $1", data["username"])',
               'if row is None or not pwd.verify(data["password"], row["password_hash"]):',
               "    raise web.HTTPUnauthorized()"]
        rq = 'roles = await pool.fetchval("SELECT array_agg(role) FROM staff_roles WHERE staff_id = $1", row["id"]) or []'
        if hn:
            src = [f'role = data.get("{key}", "{default}")', rq, "if role not in roles:", f'    role = "{default}"']
            chk = []
        else:
            src = [f'role = data.get("{key}", "{default}")' + S]
            chk = [rq, "if role not in roles:", "    raise web.HTTPForbidden()"] if safe else []
        body = pre + src + chk + ["session = await new_session(request)", 'session["staff_id"] = row["id"]',
                                  'session["role"] = role' + V, 'return web.json_response({"role": role})']
        view = _fn(['@routes.post("/login")', "async def login(request):"], body)
    guard_view = ""
    if fw in ("flask", "aiohttp", "django") and c.pick(True, False):
        # where the session role is used (shows what the chosen role unlocks)
        if fw == "flask":
            imps[0] = "from flask import Flask, abort, jsonify, request, session"
            guard_view = _fn([f'@app.get("/{ctx}/admin/users")', "def admin_users():"],
                             ['if session.get("role") != "admin":', "    abort(403)",
                              'return jsonify(users=[u.email for u in User.query.order_by(User.email).limit(100)])'])
        elif fw == "django":
            imps[0] = "from django.contrib.auth import authenticate, get_user_model, login, logout"
            imps[1:1] = ["from django.contrib.auth.decorators import login_required",
                         "from django.core.exceptions import PermissionDenied"]
            top = ["User = get_user_model()"]
            guard_view = _fn(["@login_required", "def staff_accounts(request):"],
                             ['if request.session.get("active_role") != "admin":', "    raise PermissionDenied",
                              'names = User.objects.order_by("username").values_list("username", flat=True)[:100]',
                              'return JsonResponse({"users": list(names)})'])
        else:
            guard_view = _fn([f'@routes.get("/{ctx}/admin/staff")', "async def admin_staff(request):"],
                             ["session = await get_session(request)", 'if session.get("role") != "admin":',
                              "    raise web.HTTPForbidden()",
                              'rows = await request.app["db"].fetch("SELECT id, username FROM staff ORDER BY username")',
                              "return web.json_response([dict(r) for r in rows])"])
            imps[1] = "from aiohttp_session import get_session, new_session"
    more = ""
    if c.pick(True, False):
        choices = "(" + ", ".join(f'"{r}"' for r in roles) + ")"
        more = {
            "flask": '@app.post("/logout")\ndef logout():\n    session.clear()\n    return jsonify(ok=True)',
            "django": 'def sign_out(request):\n    logout(request)\n    return JsonResponse({"ok": True})',
            "fastapi": f'@app.get("/login/roles")\ndef role_choices():\n    """Choices of the "work as" picker."""\n    return {{"roles": {list(roles)!r}}}'.replace("'", '"'),
            "aiohttp": ('@routes.post("/logout")\nasync def logout(request):\n    session = await get_session(request)\n'
                        '    session.invalidate()\n    return web.json_response({"ok": True})'),
        }[fw]
        if fw == "aiohttp":
            imps[1] = "from aiohttp_session import get_session, new_session"
    return _mod(doc + "\n" + "\n".join(imps), _top(top), view, guard_view, more)


@fam("priv-login-active-role-from-request", "CWE-269", fws=WEB_FWS, n=8, wrap=False)
def priv_login_role(c):
    v, s = _replayed(c, lambda cc, safe: _role_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the password is verified, but the role the session (or the issued token) carries is the one "
                      "the client put in the login request, and later checks trust that role; a nurse, picker or writer "
                      "signs in with role=admin and gets administrator rights; the fix refuses a role the user is not "
                      "assigned")


@hardneg(3)
def priv_login_role_hn(c):
    return Spec(s=_role_module(c, True, hn=True), full=True,
                notes="the requested working role is used only if the user holds it; otherwise the user's default "
                      "role is stored")


# ---------------- CWE-287: shared token checked only when the header is present ----------------

_HOOKS = [
    # path, handler, caller, action lines, result
    ("payouts/release", "release_payouts", "the ledger scheduler", "released = ledger.release_pending()",
     "released=released", "from .ledger import ledger"),
    ("users/deactivate", "deactivate_user", "the HR system", "count = directory.deactivate(payload[\"employee_id\"])",
     "deactivated=count", "from .directory import directory"),
    ("cache/purge", "purge_cache", "the CMS publisher", "purged = cdn.purge(payload.get(\"paths\", [\"/*\"]))",
     "purged=purged", "from .cdn import cdn"),
    ("exports/run", "run_export", "the nightly cron job", "job_id = exports.start(payload.get(\"dataset\", \"orders\"))",
     "job=job_id", "from .exports import exports"),
]


def _hook_module(c, safe, hn=False):
    fw = c.fw
    path, handler, caller, action, res, aimp = c.pick(*_HOOKS)
    needs_payload = "payload" in action
    form = c.pick("and", "nested", "notnone", "bearer")
    hdr = c.pick("X-Service-Token", "X-Internal-Token", "X-Hook-Secret")
    env = c.pick("SERVICE_TOKEN", "INTERNAL_HOOK_TOKEN", "HOOK_SECRET")
    V, S = _V(safe), _S(safe)
    doc = c.pick(f'"""Internal hook: {caller} calls this with the shared service token."""',
                 f'"""Service-to-service endpoint ({caller}); authenticated by a shared secret header."""')
    if fw == "fastapi" and form == "bearer":
        form = "and"
    tv = "x_" + hdr[2:].lower().replace("-", "_") if fw == "fastapi" else "token"
    if form == "bearer":
        hdr = "Authorization"
    get = {"flask": f'request.headers.get("{hdr}")', "django": f'request.headers.get("{hdr}")',
           "aiohttp": f'request.headers.get("{hdr}")', "fastapi": None}[fw]
    deny = {"flask": "abort(401)", "django": 'return JsonResponse({"error": "unauthorized"}, status=401)',
            "fastapi": "raise HTTPException(status_code=401)", "aiohttp": "raise web.HTTPUnauthorized()"}[fw]
    # the check
    if hn:
        src = [f"{tv} = {get}"] if get else []
        chk = [f'if not hmac.compare_digest(({tv} or "").encode(), {env}.encode()):', "    " + deny]
    elif form == "bearer":
        src = [f'auth = request.headers.get("Authorization", "")' + S]
        if safe:
            chk = ["if not auth:", "    " + deny, 'scheme, _, cred = auth.partition(" ")',
                   f'if scheme.lower() != "bearer" or not hmac.compare_digest(cred, {env}):', "    " + deny]
        else:
            chk = ["if auth:" + V, '    scheme, _, cred = auth.partition(" ")',
                   f'    if scheme.lower() != "bearer" or not hmac.compare_digest(cred, {env}):', "        " + deny]
    elif form == "nested":
        # the comparison sits inside ``if token:``; the twin rejects a missing token before comparing
        src = [f"{tv} = {get}" + S] if get else []
        if safe:
            chk = [f"if not {tv}:", "    " + deny, f"if not hmac.compare_digest({tv}, {env}):", "    " + deny]
        else:
            chk = [f"if {tv}:" + V, f"    if not hmac.compare_digest({tv}, {env}):", "        " + deny]
    else:
        src = [f"{tv} = {get}" + S] if get else []
        cmp = {"and": (f"if {tv} and not hmac.compare_digest({tv}, {env}):",
                       f"if not {tv} or not hmac.compare_digest({tv}, {env}):"),
               "notnone": (f"if {tv} is not None and not hmac.compare_digest({tv}, {env}):",
                           f"if not {tv} or not hmac.compare_digest({tv}, {env}):")}[form]
        chk = [(cmp[1] if safe else cmp[0] + V), "    " + deny]
    if fw == "flask":
        imps = ["import os", "", "from flask import Flask, abort, jsonify, request", "", aimp]
        top = ["app = Flask(__name__)", f'{env} = os.environ["{env}"]']
        body = src + chk + (["payload = request.get_json(silent=True) or {}"] if needs_payload else []) + \
            [action, f"return jsonify({res})"]
        view = _fn([f'@app.post("/internal/{path}")', f"def {handler}():"], body)
    elif fw == "django":
        imps = ["import json", "import os", "", "from django.http import JsonResponse",
                "from django.views.decorators.csrf import csrf_exempt",
                "from django.views.decorators.http import require_POST", "", aimp]
        if not needs_payload:
            imps.remove("import json")
        top = [f'{env} = os.environ["{env}"]']
        k, val = res.split("=")
        body = src + chk + (["payload = json.loads(request.body or b\"{}\")"] if needs_payload else []) + \
            [action, f'return JsonResponse({{"{k}": {val}}})']
        # a server-to-server hook carries no CSRF token; it authenticates with the shared secret instead
        view = _fn(["@csrf_exempt  # called by another service, authenticated by the shared token", "@require_POST",
                    f"def {handler}(request):"], body)
    elif fw == "fastapi":
        imps = ["import os", "", "from fastapi import Body, FastAPI, Header, HTTPException", "", aimp]
        if not needs_payload:
            imps[2] = "from fastapi import FastAPI, Header, HTTPException"
        top = ["app = FastAPI()", f'{env} = os.environ["{env}"]']
        k, val = res.split("=")
        params = (["payload: dict = Body(default_factory=dict)"] if needs_payload else []) + \
            [f"{tv}: str | None = Header(default=None)"]
        body = chk + [action, f'return {{"{k}": {val}}}']
        view = _fn([f'@app.post("/internal/{path}")', f"def {handler}({', '.join(params)}):" + ("" if hn else S)], body)
    else:
        imps = ["import os", "", "from aiohttp import web", "", aimp]
        top = [f'{env} = os.environ["{env}"]', "routes = web.RouteTableDef()"]
        k, val = res.split("=")
        body = src + chk + (["payload = await request.json() if request.can_read_body else {}"] if needs_payload else []) + \
            [action, f'return web.json_response({{"{k}": {val}}})']
        view = _fn([f'@routes.post("/internal/{path}")', f"async def {handler}(request):"], body)
        view += "\n\n\napp = web.Application()\napp.add_routes(routes)"
    imps = ["import hmac"] + imps
    if c.pick(True, False):
        health = {
            "flask": '@app.get("/internal/health")\ndef health():\n    return jsonify(status="ok")',
            "django": 'def health(request):\n    return JsonResponse({"status": "ok"})',
            "fastapi": '@app.get("/internal/health")\ndef health():\n    return {"status": "ok"}',
            "aiohttp": '@routes.get("/internal/health")\nasync def health(request):\n    return web.json_response({"status": "ok"})',
        }[fw]
        if fw == "aiohttp":
            view, tail = view.split("\n\n\napp = web.Application()", 1)
            view = health + "\n\n\n" + view + "\n\n\napp = web.Application()" + tail
        else:
            view = health + "\n\n\n" + view
    return _mod(doc + "\n" + "\n".join(imps), _top(top), view)


@fam("authn-token-checked-only-when-sent", "CWE-287", fws=WEB_FWS, n=8, wrap=False)
def authn_token_when_sent(c):
    v, s = _replayed(c, lambda cc, safe: _hook_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the shared service token is compared only when the request carries the header (or the "
                      "Authorization header is non-empty): a request without it, or with an empty value, skips the "
                      "comparison and runs the internal action anonymously; the fix rejects a missing or empty token "
                      "before comparing")


@hardneg(3)
def authn_token_when_sent_hn(c):
    return Spec(s=_hook_module(c, True, hn=True), full=True,
                notes="the token is always compared (a missing header compares as empty and fails against the "
                      "required, non-empty environment secret)")


# ---------------- CWE-287: argon2 VerifyMismatchError caught and ignored ----------------


def _argon_module(c, safe, hn=False):
    fw = c.fw
    swallow = c.pick("log", "pass", "count")
    rehash = c.pick(True, False)
    ident = c.pick("email", "username")
    V = _V(safe)
    doc = c.pick('"""Sign-in with argon2id password hashes (migrated from the old PHP site)."""',
                 '"""Login endpoint; passwords are stored as argon2 hashes."""', "")
    pw = {"flask": 'data["password"]', "django": 'request.POST["password"]', "fastapi": "body.password",
          "aiohttp": 'data["password"]'}[fw]
    deny = {"flask": 'return jsonify(error="invalid credentials"), 401',
            "django": 'return JsonResponse({"error": "invalid credentials"}, status=401)',
            "fastapi": 'raise HTTPException(status_code=401, detail="invalid credentials")',
            "aiohttp": "raise web.HTTPUnauthorized()"}[fw]
    uref = {"flask": "user", "django": "member", "fastapi": "user", "aiohttp": "row"}[fw]
    hash_expr = f'{uref}["password_hash"]' if fw == "aiohttp" else f"{uref}.password_hash"
    if swallow == "count":
        counted = {"flask": ["user.failed_logins += 1", "db.session.commit()"],
                   "django": ["member.failed_logins += 1", 'member.save(update_fields=["failed_logins"])'],
                   "fastapi": ["user.failed_logins += 1", "db.commit()"],
                   "aiohttp": ['await pool.execute("UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = $1", row["id"])']}[fw]
    if hn:
        if fw in ("flask", "django", "aiohttp") and c.pick(True, False):
            verify = [f"if not password_matches({hash_expr}, {pw}):", "    " + deny]
            helper = ("def password_matches(stored_hash, password):\n    try:\n"
                      "        return ph.verify(stored_hash, password)\n"
                      "    except (VerifyMismatchError, InvalidHashError):\n        return False")
        else:
            verify = ["try:", f"    ph.verify({hash_expr}, {pw})", "except (VerifyMismatchError, InvalidHashError):",
                      "    " + deny]
            helper = ""
    else:
        helper = ""
        exc = ["except VerifyMismatchError:" + V]
        if swallow == "log":
            exc.append(f'    log.warning("wrong password for account %s", {uref}.id)'
                       if fw != "aiohttp" else '    log.warning("wrong password for account %s", row["id"])')
        elif swallow == "count":
            exc += ["    " + l for l in counted]
        if safe:
            exc.append("    " + deny)
        elif swallow == "pass":
            exc.append("    pass" + V)
        verify = ["try:", f"    ph.verify({hash_expr}, {pw})"] + exc
    if rehash:
        if fw == "flask":
            rh = ["if ph.check_needs_rehash(user.password_hash):", f"    user.password_hash = ph.hash({pw})",
                  "    db.session.commit()"]
        elif fw == "django":
            rh = ["if ph.check_needs_rehash(member.password_hash):", f"    member.password_hash = ph.hash({pw})",
                  '    member.save(update_fields=["password_hash"])']
        elif fw == "fastapi":
            rh = ["if ph.check_needs_rehash(user.password_hash):", f"    user.password_hash = ph.hash({pw})",
                  "    db.commit()"]
        else:
            rh = ['if ph.check_needs_rehash(row["password_hash"]):',
                  f'    await pool.execute("UPDATE accounts SET password_hash = $1 WHERE id = $2", ph.hash({pw}), row["id"])']
    else:
        rh = []
    exc_names = "InvalidHashError, VerifyMismatchError" if hn else "VerifyMismatchError"
    aimps = ["from argon2 import PasswordHasher", f"from argon2.exceptions import {exc_names}"]
    need_log = swallow == "log" and not hn
    if fw == "flask":
        imps = (["import logging", ""] if need_log else []) + aimps + \
            ["from flask import Flask, jsonify, request, session", "",
             "from .models import User, db"]
        top = ["app = Flask(__name__)", "app.config.from_prefixed_env()  # FLASK_SECRET_KEY signs the session"] + \
            (["log = logging.getLogger(__name__)"] if need_log else []) + ["ph = PasswordHasher()"]
        body = ["data = request.get_json()",
                f'user = User.query.filter_by({ident}=data["{ident}"].strip().lower()).first()',
                "if user is None:", "    " + deny] + verify + rh + \
            ["session.clear()", 'session["user_id"] = user.id' + V, "return jsonify(user=user.id)"]
        view = _fn(['@app.post("/login")', "def login():"], body)
    elif fw == "django":
        imps = (["import logging", ""] if need_log else []) + aimps + \
            ["from django.http import JsonResponse", "from django.views.decorators.http import require_POST", "",
             "from .models import Member"]
        top = (["log = logging.getLogger(__name__)"] if need_log else []) + ["ph = PasswordHasher()"]
        body = [f'member = Member.objects.filter({ident}__iexact=request.POST["{ident}"].strip()).first()',
                "if member is None:", "    " + deny] + verify + rh + \
            ["request.session.cycle_key()", 'request.session["member_id"] = member.pk' + V,
             'return JsonResponse({"member": member.pk})']
        view = _fn(["@require_POST", "def member_login(request):"], body)
    elif fw == "fastapi":
        imps = (["import logging", ""] if need_log else []) + aimps + \
            ["from fastapi import Depends, FastAPI, HTTPException, Request", "from pydantic import BaseModel",
             "from sqlalchemy import select", "from sqlalchemy.orm import Session", "",
             "from .db import get_db", "from .models import User"]
        top = ["app = FastAPI()  # SessionMiddleware is added in main.py"] + \
            (["log = logging.getLogger(__name__)"] if need_log else []) + ["ph = PasswordHasher()",
             f"class LoginIn(BaseModel):\n    {ident}: str\n    password: str"]
        body = [f"user = db.scalar(select(User).filter_by({ident}=body.{ident}.strip().lower()))",
                "if user is None:", "    " + deny] + verify + rh + \
            ['request.session["user_id"] = user.id' + V, 'return {"user": user.id}']
        view = _fn(['@app.post("/login")', "def login(body: LoginIn, request: Request, db: Session = Depends(get_db)):"],
                   body)
    else:
        imps = (["import logging", ""] if need_log else []) + ["from aiohttp import web",
                                                              "from aiohttp_session import new_session"] + aimps
        top = (["log = logging.getLogger(__name__)"] if need_log else []) + \
            ["ph = PasswordHasher()", "routes = web.RouteTableDef()  # main.py adds these routes after aiohttp_session.setup()"]
        body = ["data = await request.post()", 'pool = request.app["db"]',
                f'row = await pool.fetchrow("SELECT id, password_hash FROM accounts WHERE {ident} = $1", '
                f'data["{ident}"].strip().lower())',
                "if row is None:", "    " + deny] + verify + rh + \
            ["session = await new_session(request)", 'session["account_id"] = row["id"]' + V,
             'return web.json_response({"account": row["id"]})']
        view = _fn(['@routes.post("/login")', "async def login(request):"], body)
    more = ""
    if c.pick(True, False):
        more = {
            "flask": '@app.post("/logout")\ndef logout():\n    session.clear()\n    return jsonify(ok=True)',
            "django": 'def member_logout(request):\n    request.session.flush()\n    return JsonResponse({"ok": True})',
            "fastapi": '@app.post("/logout")\ndef logout(request: Request):\n    request.session.clear()\n    return {"ok": True}',
            "aiohttp": ('@routes.post("/logout")\nasync def logout(request):\n    session = await get_session(request)\n'
                        '    session.invalidate()\n    return web.json_response({"ok": True})'),
        }[fw]
        imps = [i.replace("from aiohttp_session import new_session", "from aiohttp_session import get_session, new_session")
                for i in imps]
    first = (doc + "\n" if doc else "") + "\n".join(imps)
    return _mod(first, _top(top), helper, view, more)


@fam("authn-argon2-mismatch-swallowed", "CWE-287", fws=WEB_FWS, n=8, wrap=False)
def authn_argon2_swallowed(c):
    v, s = _replayed(c, lambda cc, safe: _argon_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="argon2's PasswordHasher.verify signals a wrong password by raising VerifyMismatchError; the "
                      "handler catches it and only logs / counts / passes, then falls through to the sign-in, so any "
                      "password logs into any existing account; the fix ends the request with 401 in the except branch")


@hardneg(3)
def authn_argon2_swallowed_hn(c):
    return Spec(s=_argon_module(c, True, hn=True), full=True,
                notes="the argon2 mismatch (or an invalid stored hash) ends the request before the sign-in, inline or "
                      "through a helper that returns False")
