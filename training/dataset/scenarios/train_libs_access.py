"""Train-only access-control, secret, signature and cleartext families on libraries no other family
uses: Litestar guards, Falcon hooks and Sanic decorators, Bottle/Quart scope checks, peewee and
Tortoise ORM lookups, PyJWT with a JWKS client, personal-access-token scopes, SDK clients built with
literal tokens (slack_sdk, hvac, stripe), signxml verification results, and pika AMQP connections.

Every family is a whole module (``full=True``). ``Spec.fw`` keeps the schema's framework kinds
(Litestar -> starlette, Sanic -> aiohttp, Falcon/Bottle/Quart -> flask); ``ctx.fw`` (in the notes)
names the real stack.
"""
import string

from core import Spec
from registry import fam, hardneg

KIND = {"litestar": "starlette", "sanic": "aiohttp", "falcon": "flask", "bottle": "flask",
        "quart": "flask", "fastapi": "fastapi", "flask": "flask", "django": "django",
        "script": "script", "pipeline": "pipeline", "cli": "cli"}


def W(c):
    w = "note" if c.word == "profile" else c.word
    return w, w.capitalize()


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


def _rand(c, n, alphabet=string.ascii_letters + string.digits):
    return "".join(c.rng.choice(alphabet) for _ in range(n))


# ---------------- CWE-862: Litestar route handler without the guard its siblings carry ----------------


def _litestar(c, hard=False):
    w, Wc = W(c)
    check = c.pick(('"admin" not in connection.user.roles', "admin role required"),
                   ("not connection.user.is_staff", "staff only"),
                   ("not connection.user.is_superuser", "superusers only"))
    act, verb, call, ret = c.pick(
        ("delete", "delete", f"await repo.delete({w}_id)", "None"),
        ("purge", "delete", f"await repo.delete({w}_id, hard=True)", "None"),
        ("reassign", "post", f"await repo.update({w}_id, owner_id=data.owner_id)", "dict"),
        ("restore", "post", f"await repo.update({w}_id, archived=False)", "dict"))
    route = f'"/{{{w}_id:int}}"' if verb == "delete" else f'"/{{{w}_id:int}}/{act}"'
    params = f"self, {w}_id: int" + (", data: OwnerChange" if act == "reassign" else "")
    past = {"reassign": "reassigned", "restore": "restored"}.get(act, act + "d")
    tail = "" if ret == "None" else f'\n                return {{"id": {w}_id, "{past}": True}}'
    cls_guard = "            guards = [admin_guard]\n" if hard else ""
    g = "" if hard else ", guards=[admin_guard]"
    v = f"""
        from dataclasses import dataclass

        from litestar import Controller, Litestar, delete, get, post
        from litestar.connection import ASGIConnection
        from litestar.exceptions import NotAuthorizedException, NotFoundException
        from litestar.handlers.base import BaseRouteHandler

        from .auth import jwt_auth
        from .repository import {Wc}Repository

        repo = {Wc}Repository()


        @dataclass
        class OwnerChange:
            owner_id: int


        def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
            if {check[0]}:
                raise NotAuthorizedException("{check[1]}")


        class {Wc}AdminController(Controller):
            path = "/admin/{w}s"
            tags = ["admin"]
{cls_guard}
            @get("/"{g})
            async def list_{w}s(self, limit: int = 100) -> list[dict]:
                return [o.as_dict() for o in await repo.list(limit=min(limit, 500))]

            @post("/{{{w}_id:int}}/archive"{g})
            async def archive_{w}(self, {w}_id: int) -> dict:
                if not await repo.exists({w}_id):
                    raise NotFoundException()
                await repo.update({w}_id, archived=True)
                return {{"id": {w}_id, "archived": True}}

            @{verb}({route})  #@V
            async def {act}_{w}({params}) -> {ret}:
                if not await repo.exists({w}_id):
                    raise NotFoundException()
                {call}  #@V{tail}


        app = Litestar(route_handlers=[{Wc}AdminController], on_app_init=[jwt_auth.on_app_init])
    """
    s = v.replace(f"@{verb}({route})  #@V", f"@{verb}({route}, guards=[admin_guard])")
    return v, _clean(s)


@fam("authz-litestar-route-guard-missing", "CWE-862", fws=["litestar"], n=8, wrap=False)
def authz_litestar(c):
    v, s = _litestar(c)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the other admin handlers of the Litestar controller carry guards=[admin_guard]; this "
                      "destructive handler has none, so any authenticated user (jwt_auth) can call it")


@hardneg(4)
def authz_litestar_hn(c):
    v, s = _litestar(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="starlette",
                notes="the guard is declared once on the Litestar controller (guards = [admin_guard]) and applies "
                      "to every handler, so the handler without its own guards= is still admin-only")


# ---------------- CWE-306: Falcon responder without the before-hook / Sanic route without @protected ----------------


def _falcon(c, hard=False):
    w, Wc = W(c)
    resp_name, act_line, status = c.pick(
        ("on_post", f"job = store.create(req.get_media())", "falcon.HTTP_201"),
        ("on_delete", f"store.delete_all(older_than_days=int(req.get_param('days', default='30')))", "falcon.HTTP_204"))
    env = c.pick("JOB_API_TOKENS", f"{w.upper()}_API_TOKENS", "SERVICE_TOKENS")
    body_tail = "\n                resp.media = job.to_dict()" if resp_name == "on_post" else ""
    cls_deco = "@falcon.before(require_api_token)\n        " if hard else ""
    get_deco = "" if hard else "@falcon.before(require_api_token)\n            "
    v = f"""
        import hmac
        import logging
        import os

        import falcon

        from .store import {Wc}Store

        log = logging.getLogger(__name__)
        store = {Wc}Store(os.environ["DATABASE_URL"])
        API_TOKENS = [t for t in os.environ.get("{env}", "").split(",") if t]


        def require_api_token(req, resp, resource, params):
            token = (req.get_header("Authorization") or "").removeprefix("Bearer ").strip()
            if not token or not any(hmac.compare_digest(token, t) for t in API_TOKENS):
                raise falcon.HTTPUnauthorized(title="Authentication required",
                                              challenges=["Bearer"])


        {cls_deco}class {Wc}Collection:
            {get_deco}def on_get(self, req, resp):
                limit = min(int(req.get_param("limit", default="50")), 200)
                resp.media = [j.to_dict() for j in store.list(limit=limit)]

            def {resp_name}(self, req, resp):  #@V
                {act_line}  #@V
                log.info("{w} collection changed via %s", req.method)
                resp.status = {status}{body_tail}


        class Health:
            def on_get(self, req, resp):
                resp.media = {{"ok": True}}


        app = falcon.App()
        app.add_route("/{w}s", {Wc}Collection())
        app.add_route("/healthz", Health())
    """
    s = v.replace(f"            def {resp_name}(self, req, resp):  #@V",
                  f"            @falcon.before(require_api_token)\n            def {resp_name}(self, req, resp):")
    return v, _clean(s)


def _sanic(c, hard=False):
    # reboot / factory reset / key rotation are actions on devices, not on invoices or reports
    w = c.pick("device", "sensor", "gateway", "kiosk", "printer", "camera")
    Wc = w.capitalize()
    act, path, call = c.pick(
        ("reboot", f"/{w}s/<item_id:int>/reboot", "await request.app.ctx.fleet.reboot(item_id)"),
        ("wipe", f"/{w}s/<item_id:int>/wipe", "await request.app.ctx.fleet.factory_reset(item_id)"),
        ("rotate_keys", f"/{w}s/<item_id:int>/keys", "await request.app.ctx.fleet.rotate_keys(item_id)"))
    bp = c.pick("api", "fleet", "ops")
    mw = (f"""

        @{bp}.on_request
        async def authenticate(request):
            if request.route and request.route.name.endswith(".healthz"):
                return None
            if not request.token or not await request.app.ctx.sessions.is_valid(request.token):
                raise Unauthorized("Auth required.", scheme="Bearer")
""" if hard else "")
    prot = "" if hard else "\n        @protected"
    v = f"""
        from functools import wraps

        from sanic import Blueprint, Sanic
        from sanic.exceptions import NotFound, Unauthorized
        from sanic.response import json

        {bp} = Blueprint("{bp}", url_prefix="/api")


        def protected(handler):
            @wraps(handler)
            async def wrapper(request, *args, **kwargs):
                if not request.token or not await request.app.ctx.sessions.is_valid(request.token):
                    raise Unauthorized("Auth required.", scheme="Bearer")
                return await handler(request, *args, **kwargs)
            return wrapper
{mw}

        @{bp}.get("/healthz")
        async def healthz(request):
            return json({{"ok": True}})


        @{bp}.get("/{w}s"){prot}
        async def list_{w}s(request):
            items = await request.app.ctx.fleet.list(limit=100)
            return json([i.to_dict() for i in items])


        @{bp}.post("{path}")
        async def {act}_{w}(request, item_id: int):  #@V
            if not await request.app.ctx.fleet.exists(item_id):
                raise NotFound("no such {w}")
            {call}  #@V
            return json({{"id": item_id, "status": "{act}"}})


        app = Sanic("{Wc}Service")
        app.blueprint({bp})
    """
    s = v.replace(f'        @{bp}.post("{path}")\n', f'        @{bp}.post("{path}")\n        @protected\n')
    return v, _clean(s)


@fam("noauth-falcon-sanic-unhooked", "CWE-306", fws=["falcon", "sanic"], n=8, wrap=False)
def noauth_falcon_sanic(c):
    v, s = (_falcon if c.fw == "falcon" else _sanic)(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="the read route requires the bearer-token hook/decorator, but the state-changing "
                      f"{c.fw} handler next to it has none, so anyone who can reach the service can call it")


@hardneg(4)
def noauth_falcon_sanic_hn(c):
    v, _ = (_falcon if c.fw == "falcon" else _sanic)(c, hard=True)
    return Spec(s=_clean(v), full=True, fw=KIND[c.fw],
                notes="authentication is applied to every responder at once (falcon.before on the resource "
                      "class / a blueprint on_request middleware), so handlers without their own decorator are covered")


# ---------------- CWE-863: `"x" in scopes or "y"` is always true (Bottle / Quart) ----------------


def _role_or(c, hard=False):
    w, Wc = W(c)
    act, call = c.pick(("void", f"ledger.void_{w}({w}_id, reason=reason)"),
                       ("refund", f"ledger.refund_{w}({w}_id, reason=reason)"),
                       ("delete", f"ledger.delete_{w}({w}_id)"))
    r1 = c.pick(f"{w}:{act}", f"{w}s:{act}", f"ledger:{act}")
    r2 = c.pick("admin", f"{w}:admin", "ledger:admin", "finance:manage")
    shape = c.pick("assign", "not")
    if hard:
        cond_v = f'allowed = bool(user.scopes & {{"{r1}", "{r2}"}})'
        guard_v = "if not allowed:"
        if shape == "not":
            cond_v = None
            guard_v = f'if not ("{r1}" in user.scopes or "{r2}" in user.scopes):'
    elif shape == "assign":
        cond_v = f'allowed = "{r1}" in user.scopes or "{r2}"  #@V'
        guard_v = "if not allowed:  #@V"
    else:
        cond_v = None
        guard_v = f'if not ("{r1}" in user.scopes or "{r2}"):  #@V'
    done = {"void": "voided", "refund": "refunded", "delete": "deleted"}[act]
    if c.fw == "bottle":
        cond = f"\n                {cond_v}" if cond_v else ""
        v = f"""
            import logging

            from bottle import Bottle, abort, request

            from .ledger import Ledger

            log = logging.getLogger(__name__)
            app = Bottle()
            ledger = Ledger()


            def current_user():
                user = request.environ.get("app.user")
                if user is None:
                    abort(401, "login required")
                return user


            @app.get("/{w}s/<{w}_id:int>")
            def show_{w}({w}_id):
                current_user()
                return ledger.get_{w}({w}_id).as_dict()


            @app.post("/{w}s/<{w}_id:int>/{act}")
            def {act}_{w}({w}_id):
                user = current_user(){cond}
                {guard_v}
                    abort(403, "not allowed")
                reason = (request.forms.get("reason") or "").strip()[:200]
                {call}
                log.info("%s %s %s by %s", "{act}", "{w}", {w}_id, user.id)
                return {{"id": {w}_id, "status": "{done}"}}
        """
    else:
        cond = f"\n                {cond_v}" if cond_v else ""
        v = f"""
            import logging

            from quart import Quart, abort, g, jsonify, request

            from .auth import load_user
            from .ledger import Ledger

            log = logging.getLogger(__name__)
            app = Quart(__name__)
            ledger = Ledger()


            @app.before_request
            async def attach_user():
                g.user = await load_user(request.headers.get("Authorization", ""))


            @app.get("/{w}s/<int:{w}_id>")
            async def show_{w}({w}_id: int):
                if g.user is None:
                    abort(401)
                return jsonify((await ledger.get_{w}({w}_id)).as_dict())


            @app.post("/{w}s/<int:{w}_id>/{act}")
            async def {act}_{w}({w}_id: int):
                user = g.user
                if user is None:
                    abort(401){cond}
                {guard_v}
                    abort(403)
                reason = ((await request.get_json()) or {{}}).get("reason", "")[:200]
                await {call}
                log.info("%s %s %s by %s", "{act}", "{w}", {w}_id, user.id)
                return jsonify(id={w}_id, status="{done}")
        """
    if shape == "assign":
        s = v.replace(f'allowed = "{r1}" in user.scopes or "{r2}"  #@V',
                      f'allowed = "{r1}" in user.scopes or "{r2}" in user.scopes')
    else:
        s = v.replace(f'if not ("{r1}" in user.scopes or "{r2}"):  #@V',
                      f'if not ("{r1}" in user.scopes or "{r2}" in user.scopes):')
    return v, _clean(s), r1, r2


@fam("authz-scope-or-literal-truthy", "CWE-863", fws=["bottle", "quart"], n=8, wrap=False)
def authz_role_or(c):
    v, s, r1, r2 = _role_or(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f'`"{r1}" in user.scopes or "{r2}"` parses as `("{r1}" in user.scopes) or "{r2}"`; the non-empty '
                      "string is always truthy, so the scope check passes for every logged-in user")


@hardneg(4)
def authz_role_or_hn(c):
    v, _, _, _ = _role_or(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="flask",
                notes="both scopes are tested against user.scopes (membership or set intersection), so the check really restricts the action")


# ---------------- CWE-639: peewee get_by_id / get_or_none without the owner ----------------


def _peewee(c, hard=False):
    w, Wc = W(c)
    look = c.pick("get_by_id", "get_or_none", "get_by_id")  # Model[pk] (else branch) has no R1 sink pattern
    pk = f"{w}_id"
    if look == "get_by_id":
        vline = f"obj = {Wc}.get_by_id({pk})  #@V"
        sline = f"obj = {Wc}.get(({Wc}.id == {pk}) & ({Wc}.owner == USER.id))"
        miss = f"except {Wc}.DoesNotExist:"
    elif look == "get_or_none":
        vline = f"obj = {Wc}.get_or_none({Wc}.id == {pk})  #@V"
        sline = f"obj = {Wc}.get_or_none(({Wc}.id == {pk}) & ({Wc}.owner == USER.id))"
        miss = None
    else:
        vline = f"obj = {Wc}[{pk}]  #@V"
        sline = f"obj = {Wc}.get(({Wc}.id == {pk}) & ({Wc}.owner == USER.id))"
        miss = f"except {Wc}.DoesNotExist:"
    if hard:
        vline = vline.replace("  #@V", "")
    op = c.pick("read", "delete")
    if c.fw == "flask":
        user = "current_user"
        head = f"""
            from flask import Flask, abort, jsonify
            from flask_login import current_user, login_required
            from playhouse.shortcuts import model_to_dict

            from .models import {Wc}, database

            app = Flask(__name__)


            @app.before_request
            def _db_connect():
                database.connect(reuse_if_open=True)


            @app.teardown_request
            def _db_close(exc):
                if not database.is_closed():
                    database.close()


            @app.get("/{w}s")
            @login_required
            def list_{w}s():
                q = {Wc}.select().where({Wc}.owner == current_user.id).order_by({Wc}.created.desc())
                return jsonify([model_to_dict(o, recurse=False) for o in q.limit(100)])


            @app.{"get" if op == "read" else "delete"}("/{w}s/<int:{pk}>")
            @login_required
            def {op}_{w}({pk}):"""
        nf = "abort(404)"
        ok = "jsonify(model_to_dict(obj, recurse=False))" if op == "read" else f"jsonify(deleted={pk})"
    else:
        user = "request.environ['app.user']"
        head = f"""
            from bottle import Bottle, abort, request
            from playhouse.shortcuts import model_to_dict

            from .models import {Wc}, database

            app = Bottle()


            @app.hook("before_request")
            def _db_connect():
                database.connect(reuse_if_open=True)


            @app.hook("after_request")
            def _db_close():
                if not database.is_closed():
                    database.close()


            def require_user():
                user = request.environ.get("app.user")
                if user is None:
                    abort(401, "login required")
                return user


            @app.get("/{w}s")
            def list_{w}s():
                user = require_user()
                q = {Wc}.select().where({Wc}.owner == user.id).order_by({Wc}.created.desc())
                return {{"items": [model_to_dict(o, recurse=False) for o in q.limit(100)]}}


            @app.{"get" if op == "read" else "delete"}("/{w}s/<{pk}:int>")
            def {op}_{w}({pk}):
                user = require_user()"""
        nf = "abort(404, \"not found\")"
        ok = "model_to_dict(obj, recurse=False)" if op == "read" else f'{{"deleted": {pk}}}'
    U = "current_user" if c.fw == "flask" else "user"
    sline = sline.replace("USER", U)
    own = ""
    if hard:
        own = f"\n                if obj is None or obj.owner_id != {U}.id:\n                    {nf}" if miss is None else \
              f"\n                if obj.owner_id != {U}.id:\n                    {nf}"
    act = "" if op == "read" else "\n                obj.delete_instance()"
    if miss:
        body = f"""
                try:
                    {vline}
                {miss}
                    {nf}{own}{act}
                return {ok}
        """
    else:
        chk = "" if hard else f"\n                if obj is None:\n                    {nf}"
        body = f"""
                {vline}{chk}{own}{act}
                return {ok}
        """
    v = head + body
    s = v.replace(vline, sline)
    return v, _clean(s)


@fam("idor-peewee-get-by-id", "CWE-639", fws=["flask", "bottle"], n=8, wrap=False)
def idor_peewee(c):
    v, s = _peewee(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the peewee lookup uses only the id from the URL (get_by_id / get_or_none); the "
                      "listing is scoped to the owner but this route returns or deletes any user's record")


@hardneg(4)
def idor_peewee_hn(c):
    v, _ = _peewee(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="flask",
                notes="the record is fetched by id and then compared with the logged-in owner before use")


# ---------------- CWE-639: Tortoise ORM lookups by the path id only ----------------


def _tortoise(c, hard=False):
    w, Wc = W(c)
    pk = f"{w}_id"
    look = c.pick("get_or_none", "get", "get_or_none")
    if look == "get_or_none":
        vline = f"obj = await {Wc}.get_or_none(id={pk})  #@V"
        sline = f"obj = await {Wc}.get_or_none(id={pk}, owner_id=USER.id)"
        pre, post = "", ""
    else:
        vline = f"obj = await {Wc}.get(id={pk})  #@V"
        sline = f"obj = await {Wc}.get(id={pk}, owner_id=USER.id)"
    op = c.pick("read", "update")
    if c.fw == "fastapi":
        U = "user"
        nf = "raise HTTPException(status_code=404)"
        sig = f"{pk}: int, " + (f"patch: {Wc}Patch, " if op == "update" else "") + "user: User = Depends(current_user)"
        deco = f'@router.{"get" if op == "read" else "patch"}("/{w}s/{{{pk}}}")'
        head = f"""
            from fastapi import APIRouter, Depends, HTTPException
            from pydantic import BaseModel
            from tortoise.contrib.pydantic import pydantic_model_creator
            from tortoise.exceptions import DoesNotExist

            from .auth import User, current_user
            from .models import {Wc}

            router = APIRouter(prefix="/api", tags=["{w}s"])
            {Wc}Out = pydantic_model_creator({Wc}, name="{Wc}Out")


            class {Wc}Patch(BaseModel):
                title: str | None = None
                notes: str | None = None


            @router.get("/{w}s")
            async def list_{w}s(user: User = Depends(current_user)):
                return await {Wc}Out.from_queryset({Wc}.filter(owner_id=user.id).order_by("-created_at").limit(100))


            {deco}
            async def {op}_{w}({sig}):"""
        out = f"await {Wc}Out.from_tortoise_orm(obj)"
        upd = f"\n                await obj.update_from_dict(patch.model_dump(exclude_unset=True)).save()"
    else:
        U = "request.ctx.user"
        nf = f'raise NotFound("no such {w}")'
        deco = f'@bp.{"get" if op == "read" else "patch"}("/{w}s/<{pk}:int>")'
        head = f"""
            from sanic import Blueprint
            from sanic.exceptions import NotFound
            from sanic.response import json
            from tortoise.exceptions import DoesNotExist

            from .auth import authorized
            from .models import {Wc}

            bp = Blueprint("{w}s", url_prefix="/api")
            EDITABLE = ("title", "notes")


            @bp.get("/{w}s")
            @authorized()
            async def list_{w}s(request):
                rows = await {Wc}.filter(owner_id=request.ctx.user.id).order_by("-created_at").limit(100)
                return json([r.to_dict() for r in rows])


            {deco}
            @authorized()
            async def {op}_{w}(request, {pk}: int):"""
        out = "json(obj.to_dict())"
        upd = (f"\n                changes = {{k: v for k, v in (request.json or {{}}).items() if k in EDITABLE}}"
               f"\n                await obj.update_from_dict(changes).save()")
    sline = sline.replace("USER", U)
    if hard:
        vline = vline.replace("  #@V", "")
    own = ""
    if hard:
        own = (f"\n                if obj is None or obj.owner_id != {U}.id:\n                    {nf}" if look == "get_or_none"
               else f"\n                if obj.owner_id != {U}.id:\n                    {nf}")
    act = upd if op == "update" else ""
    if look == "get_or_none":
        chk = "" if hard else f"\n                if obj is None:\n                    {nf}"
        body = f"""
                {vline}{chk}{own}{act}
                return {out}
        """
    else:
        body = f"""
                try:
                    {vline}
                except DoesNotExist:
                    {nf}{own}{act}
                return {out}
        """
    v = head + body
    return v, _clean(v.replace(vline, sline))


@fam("idor-tortoise-orm-get", "CWE-639", fws=["fastapi", "sanic"], n=8, wrap=False)
def idor_tortoise(c):
    v, s = _tortoise(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="the Tortoise ORM query filters on the id from the path only; the list route is scoped "
                      "to owner_id but this one returns or edits any user's record (owner_id filter missing)")


@hardneg(3)
def idor_tortoise_hn(c):
    v, _ = _tortoise(c, hard=True)
    return Spec(s=_clean(v), full=True, fw=KIND[c.fw],
                notes="the record is looked up by id and then compared with the caller's id before use")


# ---------------- CWE-287: PyJWT + PyJWKClient with audience verification turned off ----------------


def _pyjwt(c, hard=False):
    idp, env, jwks = c.pick(
        ("https://login.corp-idp.example/realms/main", "OIDC_ISSUER", 'f"{ISSUER}/protocol/openid-connect/certs"'),
        ("https://tenant.eu.auth0.com", "AUTH0_ISSUER", 'f"{ISSUER}/.well-known/jwks.json"'),
        ("https://sso.partner.example/oauth2/default", "OKTA_ISSUER", 'f"{ISSUER}/v1/keys"'))
    alg = c.pick('["RS256"]', '["RS256", "ES256"]')
    extra = c.pick("", ', "require": ["exp", "iat", "sub"]')
    if hard:
        opt = f'audience=CLIENT_ID,\n                issuer=ISSUER,\n                options={{"require": ["exp", "aud", "iss"]}},'
    else:
        opt = f'options={{"verify_aud": False{extra}}},  #@V'
    fix = ('audience=CLIENT_ID,\n' + ' ' * 20 + 'options={"require": ["exp", "iat", "sub"]},') if extra else "audience=CLIENT_ID,"
    core = f"""
        ISSUER = os.environ.get("{env}", "{idp}")
        CLIENT_ID = os.environ["OIDC_CLIENT_ID"]
        jwks_client = jwt.PyJWKClient({jwks}, cache_keys=True)


        def verify_access_token(token: str) -> dict:
            signing_key = jwks_client.get_signing_key_from_jwt(token)
            return jwt.decode(
                token,
                signing_key.key,
                algorithms={alg},
                {opt}
            )
    """
    if c.fw == "fastapi":
        v = f"""
            import os

            import jwt
            from fastapi import Depends, FastAPI, HTTPException
            from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

            from .accounts import get_or_create_user
            {core.replace(chr(10) + "        ", chr(10) + "            ")}

            bearer = HTTPBearer()
            app = FastAPI()


            async def current_user(creds: HTTPAuthorizationCredentials = Depends(bearer)):
                try:
                    claims = verify_access_token(creds.credentials)
                except jwt.PyJWTError as exc:
                    raise HTTPException(status_code=401, detail="invalid token") from exc
                return await get_or_create_user(subject=claims["sub"], email=claims.get("email"))


            @app.get("/api/me")
            async def me(user=Depends(current_user)):
                return {{"id": user.id, "email": user.email, "roles": user.roles}}
        """
    else:
        v = f"""
            import os

            import jwt
            from flask import Flask, abort, g, jsonify, request

            from .accounts import get_or_create_user
            {core.replace(chr(10) + "        ", chr(10) + "            ")}

            app = Flask(__name__)
            PUBLIC = {{"/healthz", "/api/version"}}


            @app.before_request
            def authenticate():
                if request.path in PUBLIC:
                    return None
                header = request.headers.get("Authorization", "")
                if not header.startswith("Bearer "):
                    abort(401)
                try:
                    claims = verify_access_token(header.removeprefix("Bearer "))
                except jwt.PyJWTError:
                    abort(401)
                g.user = get_or_create_user(subject=claims["sub"], email=claims.get("email"))


            @app.get("/api/me")
            def me():
                return jsonify(id=g.user.id, email=g.user.email, roles=g.user.roles)
        """
    s = v.replace(opt, fix)
    return v, _clean(s)


@fam("authn-pyjwt-audience-unchecked", "CWE-287", fws=["fastapi", "flask"], n=8, wrap=False)
def authn_pyjwt_aud(c):
    v, s = _pyjwt(c)
    return Spec(v=v, s=s, full=True,
                notes="the JWT signature is checked against the identity provider's JWKS, but verify_aud is off: "
                      "the provider signs tokens for every client application with the same keys, so an access "
                      "token issued to any other client (or another app's user) is accepted as a login here")


@hardneg(4)
def authn_pyjwt_aud_hn(c):
    v, _ = _pyjwt(c, hard=True)
    return Spec(s=_clean(v), full=True,
                notes="PyJWT decode pins algorithms, audience and issuer; options only adds required claims")


# ---------------- CWE-269: personal access tokens may carry scopes the creator does not hold ----------------


def _scopes(c, hard=False):
    w, Wc = W(c)
    known = c.pick('{"read:%s", "write:%s", "admin:%s", "admin:users"}' % (w, w, w),
                   '{"%s:read", "%s:write", "billing:manage", "users:admin"}' % (w, w),
                   '{"read", "write", "delete", "admin"}')
    ttl = c.pick(30, 90, 365)
    guard_hard = "if scope not in user.scopes:"
    if c.fw == "quart":
        guard = f"""
                    if scope not in user.scopes:
                        abort(403, f"you do not hold the {{scope}} scope")"""
        v = f"""
            import secrets
            from datetime import datetime, timedelta, timezone

            from quart import Quart, abort, g, jsonify, request

            from .auth import login_required
            from .models import ApiToken, hash_token

            app = Quart(__name__)
            KNOWN_SCOPES = {known}


            @app.post("/api/tokens")
            @login_required
            async def create_token():
                body = await request.get_json() or {{}}
                user = g.user
                granted = set()
                for scope in body.get("scopes", []):
                    if scope not in KNOWN_SCOPES:
                        abort(400, f"unknown scope {{scope}}"){guard if hard else ""}
                    granted.add(scope)  #@V
                raw = "pat_" + secrets.token_urlsafe(32)
                await ApiToken.create(
                    user_id=user.id,
                    name=str(body.get("name", "token"))[:64],
                    token_hash=hash_token(raw),
                    scopes=sorted(granted),
                    expires_at=datetime.now(timezone.utc) + timedelta(days={ttl}),
                )
                return jsonify(token=raw, scopes=sorted(granted)), 201
        """
    else:
        guard = f"""
                    if scope not in user.scopes:
                        raise Forbidden(f"you do not hold the {{scope}} scope")"""
        v = f"""
            import secrets
            from datetime import datetime, timedelta, timezone

            from sanic import Sanic
            from sanic.exceptions import BadRequest, Forbidden
            from sanic.response import json

            from .auth import authorized
            from .models import ApiToken, hash_token

            app = Sanic("TokenService")
            KNOWN_SCOPES = {known}


            @app.post("/api/tokens")
            @authorized()
            async def create_token(request):
                body = request.json or {{}}
                user = request.ctx.user
                granted = set()
                for scope in body.get("scopes", []):
                    if scope not in KNOWN_SCOPES:
                        raise BadRequest(f"unknown scope {{scope}}"){guard if hard else ""}
                    granted.add(scope)  #@V
                raw = "pat_" + secrets.token_urlsafe(32)
                await ApiToken.create(
                    user_id=user.id,
                    name=str(body.get("name", "token"))[:64],
                    token_hash=hash_token(raw),
                    scopes=sorted(granted),
                    expires_at=datetime.now(timezone.utc) + timedelta(days={ttl}),
                )
                return json({{"token": raw, "scopes": sorted(granted)}}, status=201)
        """
    marker = "                    granted.add(scope)  #@V"
    s = v.replace(marker, guard.lstrip("\n") + "\n" + marker) if not hard else v
    return v, _clean(s)


@fam("priv-token-scope-superset", "CWE-269", fws=["quart", "sanic", "quart"], n=8, wrap=False)
def priv_scopes(c):
    v, s = _scopes(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="the personal-access-token endpoint only checks that each requested scope exists, not that "
                      "the creating user holds it, so any user can mint a token with admin scopes")


@hardneg(3)
def priv_scopes_hn(c):
    v, _ = _scopes(c, hard=True)
    return Spec(s=_clean(v), full=True, fw=KIND[c.fw],
                notes="each requested scope must be both known and already held by the user before it is granted")


# ---------------- CWE-798: SDK clients constructed with a literal token (slack_sdk, hvac, stripe) ----------------


def _sdk(c, hard=False):
    w, Wc = W(c)
    if w == "job":  # avoid load_job_jobs / "job jobs failed"
        w, Wc = "export", "Export"
    # not c.pick(): with pick() the seeded draws of the 8 pairs never gave a slack example (now 3/2/3)
    kind = ("slack", "vault", "stripe")[c.rng.getrandbits(16) % 3]
    if kind == "slack":
        lit_tok = f"xoxb-{_rand(c, 12, string.digits)}-EXAMPLE{_rand(c, 17)}"
        env = c.pick("SLACK_BOT_TOKEN", "SLACK_TOKEN")
        imps = "from slack_sdk import WebClient\nfrom slack_sdk.errors import SlackApiError"
        vline = f'client = WebClient(token="{lit_tok}")  #@V'
        sline = f'client = WebClient(token=os.environ["{env}"])'
        hline = f'client = WebClient(token=read_secret("/run/secrets/{env.lower()}"))'
        chan = c.pick("#ops-alerts", "#billing", "#deployments")
        body = f"""
            def notify(summary: str, details: list[str]) -> None:
                blocks = [{{"type": "section", "text": {{"type": "mrkdwn", "text": f"*{{summary}}*"}}}}]
                for line in details[:10]:
                    blocks.append({{"type": "context", "elements": [{{"type": "mrkdwn", "text": line}}]}})
                try:
                    client.chat_postMessage(channel="{chan}", text=summary, blocks=blocks)
                except SlackApiError as exc:
                    log.warning("slack notification failed: %s", exc.response["error"])


            def main() -> None:
                failed = [j for j in load_{w}_jobs() if j.status == "failed"]
                if failed:
                    notify(f"{{len(failed)}} {w} jobs failed", [f"{{j.id}}: {{j.error}}" for j in failed])
        """
        extra = f"\n\n            from .jobs import load_{w}_jobs"
    elif kind == "vault":
        lit_tok = f"hvs.EXAMPLE{_rand(c, 17)}"
        env = "VAULT_TOKEN"
        imps = "import hvac"
        url = c.pick("https://vault.internal.example:8200", "https://vault.service.consul:8200")
        vline = f'client = hvac.Client(url="{url}", token="{lit_tok}")  #@V'
        sline = f'client = hvac.Client(url="{url}", token=os.environ["{env}"])'
        hline = f'client = hvac.Client(url="{url}", token=read_secret("/var/run/secrets/vault-token"))'
        mount = c.pick("kv", "secret", "apps")
        body = f"""
            def load_{w}_config() -> dict:
                if not client.is_authenticated():
                    raise RuntimeError("vault authentication failed")
                secret = client.secrets.kv.v2.read_secret_version(path="{w}-service", mount_point="{mount}")
                return secret["data"]["data"]


            def main() -> None:
                cfg = load_{w}_config()
                log.info("loaded %d config keys for the {w} service", len(cfg))
        """
        extra = ""
    else:
        lit_tok = f"sk_live_EXAMPLE{_rand(c, 13)}"
        env = "STRIPE_API_KEY"
        imps = "import stripe"
        vline = f'stripe.api_key = "{lit_tok}"  #@V'
        sline = f'stripe.api_key = os.environ["{env}"]'
        hline = f'stripe.api_key = read_secret("/run/secrets/stripe_api_key")'
        body = f"""
            def refund_{w}(charge_id: str, amount_cents: int | None = None) -> str:
                params = {{"charge": charge_id}}
                if amount_cents is not None:
                    params["amount"] = amount_cents
                refund = stripe.Refund.create(**params)
                log.info("refund %s for charge %s: %s", refund.id, charge_id, refund.status)
                return refund.id


            def main() -> None:
                for row in pending_{w}_refunds():
                    refund_{w}(row.charge_id, row.amount_cents)
        """
        extra = f"\n\n            from .refunds import pending_{w}_refunds"
    helper = f"""


            def read_secret(path: str) -> str:
                with open(path, encoding="utf-8") as fh:
                    return fh.read().strip()

""" if hard else ""
    line = hline if hard else vline
    v = f"""
            import logging
            import os

            {imps.replace(chr(10), chr(10) + "            ")}{extra}

            log = logging.getLogger("{w}-worker"){helper}
            {line}

{body}

            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                main()
    """
    return v, _clean(v.replace(vline, sline)), kind


@fam("secret-sdk-client-token", "CWE-798", fws=["script"], n=8, wrap=False)
def secret_sdk(c):
    v, s, kind = _sdk(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes=f"a live {kind} API token is written into the source; anyone with the code or the repository "
                      "history can use it, and rotating it needs a code change")


@hardneg(4)
def secret_sdk_hn(c):
    v, _, kind = _sdk(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="script",
                notes=f"the {kind} client token is read from a mounted secret file at start-up, not written in the code")


# ---------------- CWE-347: signxml verification result discarded, the unsigned document is used ----------------


def _signxml(c, hard=False):
    w, Wc = W(c)
    attr = c.pick("email", "uid", "mail")
    cert = c.pick("/etc/saml/idp.pem", "config/idp-signing.crt", "/run/secrets/idp_cert.pem")
    vl1 = "XMLVerifier().verify(xml, x509_cert=IDP_CERT)  #@V"
    vl2 = "root = etree.fromstring(xml, parser=SAFE_PARSER)  #@V"
    sl = "root = XMLVerifier().verify(xml, x509_cert=IDP_CERT).signed_xml"
    if c.fw == "flask":
        src = 'request.form["SAMLResponse"]'
        head = f"""
            import base64
            import logging

            from flask import Flask, abort, redirect, request, session
            from lxml import etree
            from signxml import InvalidSignature, XMLVerifier

            from .accounts import find_or_provision
            from .saml_checks import SP_ENTITY_ID, validate_conditions

            app = Flask(__name__)
            app.config.from_prefixed_env()"""
        route = '@app.post("/sso/acs")\n            def acs():'
        deny = "abort(403)"
        login = 'session.clear()\n                session["user_id"] = user.id\n                return redirect("/")'
    else:
        src = "SAMLResponse"
        head = f"""
            import base64
            import logging
            import os

            from fastapi import FastAPI, Form, HTTPException, Request
            from fastapi.responses import RedirectResponse
            from lxml import etree
            from signxml import InvalidSignature, XMLVerifier
            from starlette.middleware.sessions import SessionMiddleware

            from .accounts import find_or_provision
            from .saml_checks import SP_ENTITY_ID, validate_conditions

            app = FastAPI()
            app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], https_only=True)"""
        route = '@app.post("/sso/acs")\n            async def acs(request: Request, SAMLResponse: str = Form(...)):'
        deny = "raise HTTPException(status_code=403)"
        login = 'request.session.clear()\n                request.session["user_id"] = user.id\n                return RedirectResponse("/", status_code=303)'
    v = f"""{head}

            log = logging.getLogger(__name__)
            NS = {{"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}}
            SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            with open("{cert}", encoding="ascii") as fh:
                IDP_CERT = fh.read()


            {route}
                xml = base64.b64decode({src})
                try:
                    {sl if hard else vl1}
                except InvalidSignature:
                    log.warning("SAML response with a bad signature")
                    {deny}
                {"" if hard else vl2}
                validate_conditions(root, audience=SP_ENTITY_ID)  # NotBefore / NotOnOrAfter / AudienceRestriction
                name_id = root.find(".//saml:Subject/saml:NameID", NS)
                attr_el = root.find(".//saml:Attribute[@Name='{attr}']/saml:AttributeValue", NS)
                if name_id is None or not name_id.text:
                    {deny}
                user = find_or_provision(name_id.text.strip(), {attr}=attr_el.text if attr_el is not None else None)
                {login}
    """
    v = v.replace("\n                \n", "\n")
    s = v.replace(vl1, sl).replace("                " + vl2 + "\n", "")
    return v, _clean(s)


@fam("sig-signxml-unsigned-root", "CWE-347", fws=["flask", "fastapi"], n=8, wrap=False)
def sig_signxml(c):
    v, s = _signxml(c)
    return Spec(v=v, s=s, full=True,
                notes="signxml's verify() checks one signed element, but its result (signed_xml) is discarded and the "
                      "identity is read from the whole re-parsed response, so an unsigned assertion injected next to "
                      "the signed one (signature wrapping) decides who is logged in")


@hardneg(3)
def sig_signxml_hn(c):
    v, _ = _signxml(c, hard=True)
    return Spec(s=_clean(v), full=True,
                notes="the identity is read only from XMLVerifier().verify(...).signed_xml, the element the signature covers")


# ---------------- CWE-319: pika AMQP connection with credentials but without TLS ----------------


def _pika(c, hard=False):
    w, Wc = W(c)
    host = c.pick("mq.prod.example.net", "rabbitmq.shared.example.com", "amqp.eu-west.example.org")
    queue = f"{w}-events"
    shape = c.pick("params", "url")
    if shape == "params":
        vlines = f"""params = pika.ConnectionParameters(  #@V
                    host=MQ_HOST,
                    port=5672,  #@V
                    virtual_host="{w}",
                    credentials=pika.PlainCredentials(MQ_USER, MQ_PASSWORD),
                    heartbeat=60,
                )"""
        slines = f"""params = pika.ConnectionParameters(
                    host=MQ_HOST,
                    port=5671,
                    virtual_host="{w}",
                    credentials=pika.PlainCredentials(MQ_USER, MQ_PASSWORD),
                    ssl_options=pika.SSLOptions(ssl.create_default_context(), MQ_HOST),
                    heartbeat=60,
                )"""
    else:
        vlines = f"""params = pika.URLParameters(f"amqp://{{MQ_USER}}:{{quote(MQ_PASSWORD, safe='')}}@{{MQ_HOST}}:5672/{w}")  #@V"""
        slines = f"""params = pika.URLParameters(f"amqps://{{MQ_USER}}:{{quote(MQ_PASSWORD, safe='')}}@{{MQ_HOST}}:5671/{w}")
                params.ssl_options = pika.SSLOptions(ssl.create_default_context(), MQ_HOST)"""
    lines = slines if hard else vlines
    quote_imp = "\n            from urllib.parse import quote" if shape == "url" else ""
    if c.fw == "pipeline":
        loop = f"""
            def on_message(channel, method, properties, body):
                try:
                    event = json.loads(body)
                    handle_{w}_event(event)
                except Exception:
                    log.exception("failed to handle %s", method.delivery_tag)
                    channel.basic_nack(method.delivery_tag, requeue=False)
                else:
                    channel.basic_ack(method.delivery_tag)


            def main() -> None:
                channel = connect().channel()
                channel.queue_declare(queue="{queue}", durable=True)
                channel.basic_qos(prefetch_count=20)
                channel.basic_consume(queue="{queue}", on_message_callback=on_message)
                channel.start_consuming()"""
        extra = f"\n            from .handlers import handle_{w}_event"
    else:
        loop = f"""
            def publish(event: dict) -> None:
                channel = connect().channel()
                channel.queue_declare(queue="{queue}", durable=True)
                channel.basic_publish(
                    exchange="",
                    routing_key="{queue}",
                    body=json.dumps(event).encode(),
                    properties=pika.BasicProperties(content_type="application/json", delivery_mode=2),
                )


            def main() -> None:
                for event in pending_{w}_events():
                    publish(event)"""
        extra = f"\n            from .outbox import pending_{w}_events"
    v = f"""
            import json
            import logging
            import os{"SSLIMP" if hard else ""}{quote_imp}

            import pika
{extra}

            log = logging.getLogger(__name__)
            MQ_HOST = os.environ.get("MQ_HOST", "{host}")
            MQ_USER = os.environ["MQ_USER"]
            MQ_PASSWORD = os.environ["MQ_PASSWORD"]


            def connect() -> pika.BlockingConnection:
                {lines}
                return pika.BlockingConnection(params)

{loop}


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                main()
    """
    ssl_imp = "\n            import ssl"
    v = v.replace("SSLIMP", ssl_imp)
    s = v.replace(vlines, slines).replace("            import os\n", "            import os" + ssl_imp + "\n", 1)
    return v, _clean(s)


@fam("clear-pika-amqp-plain", "CWE-319", fws=["pipeline", "script"], n=8, wrap=False)
def clear_pika(c):
    v, s = _pika(c)
    return Spec(v=v, s=s, full=True,
                notes="the pika connection to a remote RabbitMQ broker uses plain AMQP on 5672 (no ssl_options, amqp:// "
                      "not amqps://), so the PLAIN credentials and every message cross the network unencrypted")


@hardneg(3)
def clear_pika_hn(c):
    v, _ = _pika(c, hard=True)
    return Spec(s=_clean(v), full=True,
                notes="the broker connection uses TLS (port 5671, pika.SSLOptions with a verifying default context)")
