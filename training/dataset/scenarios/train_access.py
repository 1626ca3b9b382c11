"""Train-only access-control families (second wave): missing authorization (862), incorrect
authorization (863), user-controlled keys / IDOR (639), missing authentication (306), improper
authentication (287), privilege management (269).

Shapes not covered by the first wave (scenarios/access.py): a guard present on sibling routes but
not on one, a GraphQL mutation, a CLI subcommand, a decorator that builds the refusal but does not
return it, any-of scope checks, method-subset write guards, JWT identity never compared with the
resource owner, a child object not scoped to its checked parent, bulk id lists, Django admin
get_urls, routers/blueprints registered without their auth hook, websocket consoles, a second
factor the session guard never checks, OIDC e-mail linking without email_verified, fail-open
identity providers, role fields in self-service schemas, roles cached in the session, and
impersonation of privileged accounts.
"""
from core import Spec
from registry import fam


def W(c):
    return c.word, c.word.capitalize()


def W639(c):
    # keep clear of the held-out profile-update IDOR family: no "profile" resources here
    w = "note" if c.word == "profile" else c.word
    return w, w.capitalize()


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


# A framework listed twice in fws= is drawn more often: with eight seeded draws per family this
# keeps every framework variant of a family represented.


# ---------------- CWE-862 missing authorization ----------------


@fam("authz-sibling-route-unguarded", "CWE-862", fws=["fastapi", "aiohttp", "flask"], n=8, wrap=False)
def authz_sibling(c):
    w, Wc = W(c)
    if c.fw == "fastapi":
        act = c.pick("delete", "reassign")
        if act == "delete":
            route = f'@router.delete("/{{{w}_id}}")'
            body = f"""                db.delete(obj)  #@V
                db.commit()
                return {{"deleted": {w}_id}}"""
            params = f"{w}_id: int"
            fn = f"delete_{w}"
        else:
            route = f'@router.post("/{{{w}_id}}/owner")'
            body = f"""                obj.owner_id = new_owner_id
                db.commit()  #@V
                return {{"id": obj.id, "owner_id": obj.owner_id}}"""
            params = f"{w}_id: int, new_owner_id: int"
            fn = f"reassign_{w}"
        v = f"""
            from fastapi import APIRouter, Depends, FastAPI, HTTPException
            from sqlalchemy.orm import Session

            from .db import get_session
            from .models import {Wc}
            from .security import User, get_current_user, require_admin

            router = APIRouter(prefix="/admin/{w}s", tags=["admin"])


            @router.get("/")
            def list_{w}s(db: Session = Depends(get_session), admin: User = Depends(require_admin)):
                return [{{"id": o.id, "name": o.name}} for o in db.query({Wc}).limit(500)]


            @router.post("/{{{w}_id}}/archive")
            def archive_{w}({w}_id: int, db: Session = Depends(get_session), admin: User = Depends(require_admin)):
                obj = db.get({Wc}, {w}_id)
                if obj is None:
                    raise HTTPException(status_code=404)
                obj.archived = True
                db.commit()
                return {{"archived": {w}_id}}


            {route}
            def {fn}({params}, db: Session = Depends(get_session), user: User = Depends(get_current_user)):  #@V
                obj = db.get({Wc}, {w}_id)
                if obj is None:
                    raise HTTPException(status_code=404)
{body}


            app = FastAPI()
            app.include_router(router)
        """
        s = v.replace("user: User = Depends(get_current_user)):  #@V", "admin: User = Depends(require_admin)):")
    elif c.fw == "aiohttp":
        deco = c.pick('@require_role("admin")', '@require_role("owner")')
        act, call = c.pick(("delete", "delete(item_id)"), ("purge", "delete(item_id, hard=True)"))
        v = f"""
            from aiohttp import web

            from .auth import require_login, require_role

            routes = web.RouteTableDef()


            @routes.get("/admin/{w}s")
            {deco}
            async def list_{w}s(request):
                items = await request.app["store"].list(limit=200)
                return web.json_response([{{"id": i.id, "name": i.name}} for i in items])


            @routes.delete("/admin/{w}s/{{id}}")
            @require_login  #@V
            async def {act}_{w}(request):
                item_id = int(request.match_info["id"])
                await request.app["store"].{call}  #@V
                return web.json_response({{"{act}d": item_id}})


            def setup(app):
                app.add_routes(routes)
        """
        s = v.replace("@require_login  #@V", deco)
    else:
        v = f"""
            from flask import Blueprint, jsonify
            from flask_login import login_required

            from .auth import admin_required
            from .models import {Wc}, db

            bp = Blueprint("{w}_admin", __name__, url_prefix="/admin/{w}s")


            @bp.get("/")
            @login_required
            @admin_required
            def list_{w}s():
                return jsonify([{{"id": o.id, "name": o.name}} for o in {Wc}.query.limit(500)])


            @bp.post("/<int:pk>/delete")
            @login_required  #@V
            def delete_{w}(pk):
                obj = db.get_or_404({Wc}, pk)
                db.session.delete(obj)  #@V
                db.session.commit()
                return jsonify(deleted=pk)
        """
        s = v.replace("@login_required  #@V", "@login_required\n            @admin_required")
    return Spec(v=v, s=_clean(s), full=True,
                notes="sibling admin routes require the admin dependency/decorator; this one only requires a login")


@fam("authz-graphql-mutation", "CWE-862", fws=["django", "fastapi", "fastapi"], n=8, wrap=False)
def authz_graphql(c):
    w, Wc = W(c)
    if c.fw == "django":
        verb, call = c.pick(("Delete", ".delete()"), ("Publish", ".update(published=True)"),
                            ("Feature", ".update(featured=True)"))
        perm = "delete" if verb == "Delete" else "change"
        guard = c.pick('not user.is_staff', f'not user.has_perm("catalog.{perm}_{w}")')
        v = f"""
            import graphene
            from graphql import GraphQLError

            from .models import {Wc}


            class {verb}{Wc}(graphene.Mutation):
                class Arguments:
                    id = graphene.ID(required=True)

                ok = graphene.Boolean()

                @staticmethod
                def mutate(root, info, id):  #@V
                    user = info.context.user
                    if not user.is_authenticated:
                        raise GraphQLError("login required")
                    {Wc}.objects.filter(pk=id){call}  #@V
                    return {verb}{Wc}(ok=True)


            class Mutation(graphene.ObjectType):
                {verb.lower()}_{w} = {verb}{Wc}.Field()


            schema = graphene.Schema(mutation=Mutation)
        """
        s = v.replace("""                        raise GraphQLError("login required")
""", f"""                        raise GraphQLError("login required")
                    if {guard}:
                        raise GraphQLError("permission denied")
""")
    else:
        act, call, ret = c.pick(("purge", "purge(older_than_days)", "int"),
                                ("expire", "expire(older_than_days)", "int"),
                                ("reindex", "reindex(since_days=older_than_days)", "int"))
        v = f"""
            import strawberry
            from fastapi import FastAPI
            from strawberry.fastapi import GraphQLRouter
            from strawberry.types import Info

            from .store import {w}_store


            def current_user(info: Info):
                user = info.context["request"].state.user
                if user is None:
                    raise PermissionError("login required")
                return user


            @strawberry.type
            class Query:
                @strawberry.field
                def {w}_count(self, info: Info) -> int:
                    current_user(info)
                    return {w}_store.count()


            @strawberry.type
            class Mutation:
                @strawberry.mutation
                def {act}_{w}s(self, info: Info, older_than_days: int) -> {ret}:  #@V
                    user = current_user(info)
                    return {w}_store.{call}  #@V


            schema = strawberry.Schema(query=Query, mutation=Mutation)
            app = FastAPI()
            app.include_router(GraphQLRouter(schema), prefix="/graphql")
        """
        s = v.replace("""                    user = current_user(info)
""", """                    user = current_user(info)
                    if not user.is_admin:
                        raise PermissionError("admin only")
""")
    return Spec(v=v, s=_clean(s), full=True, notes="the mutation resolver checks that a user is logged in but not that they may run it")


@fam("authz-cli-subcommand-unchecked", "CWE-862", fws=["cli"], n=8, wrap=False)
def authz_cli(c):
    w, Wc = W(c)
    ent = c.pick("customer", "tenant", "workspace")
    act, sql, msg = c.pick(
        ("purge", f'db.execute("DELETE FROM {ent}s WHERE id = ?", (args.{ent},))', "purged"),
        ("reset-mfa", f'db.execute("UPDATE {ent}s SET mfa_secret = NULL WHERE id = ?", (args.{ent},))', "reset MFA of"),
        ("close", f'db.execute("UPDATE {ent}s SET closed_at = CURRENT_TIMESTAMP WHERE id = ?", (args.{ent},))', "closed"),
    )
    fn = "cmd_" + act.replace("-", "_")
    role = c.pick("support", "helpdesk")
    v = f"""
        import argparse
        import os
        import pwd
        import sys

        from {w}ops.db import connect
        from {w}ops.roles import roles_of


        def require(operator, role):
            if role not in roles_of(operator):
                sys.exit(f"{{operator}} lacks the {{role}} role")


        def cmd_show(args, operator, db):
            require(operator, "{role}")
            row = db.execute("SELECT id, name, plan FROM {ent}s WHERE id = ?", (args.{ent},)).fetchone()
            print(dict(row) if row else "not found")


        def {fn}(args, operator, db):  #@V
            {sql}  #@V
            db.commit()
            print("{msg}", args.{ent})


        def main(argv=None):
            parser = argparse.ArgumentParser(description="{Wc} {role} tool")
            sub = parser.add_subparsers(dest="command", required=True)
            for name, fn in (("show", cmd_show), ("{act}", {fn})):
                p = sub.add_parser(name)
                p.add_argument("{ent}", type=int)
                p.set_defaults(fn=fn)
            args = parser.parse_args(argv)
            operator = pwd.getpwuid(os.getuid()).pw_name
            with connect() as db:
                args.fn(args, operator, db)


        if __name__ == "__main__":
            main()
    """
    s = v.replace(f"""        def {fn}(args, operator, db):  #@V
""", f"""        def {fn}(args, operator, db):
            require(operator, "admin")
""")
    return Spec(v=v, s=_clean(s), full=True, fw="cli",
                notes=f"the read subcommand checks the operator's role, the destructive '{act}' subcommand checks nothing")


# ---------------- CWE-863 incorrect authorization ----------------


@fam("authz-decorator-no-return", "CWE-863", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def authz_noreturn(c):
    w, Wc = W(c)
    act, attr = c.pick(("approve", "approved"), ("publish", "published"), ("verify", "verified"))
    if c.fw == "flask":
        dn = c.pick("admin_required", "admins_only")
        v = f"""
            from functools import wraps

            from flask import Flask, flash, jsonify, redirect, url_for
            from flask_login import current_user, login_required

            from .models import {Wc}, db

            app = Flask(__name__)


            def {dn}(view):
                @wraps(view)
                def wrapped(*args, **kwargs):
                    if not current_user.is_admin:  #@V
                        flash("Administrators only.")
                        redirect(url_for("index"))  #@V
                    return view(*args, **kwargs)
                return wrapped


            @app.post("/admin/{w}s/<int:pk>/{act}")
            @login_required
            @{dn}
            def {act}_{w}(pk):
                obj = db.get_or_404({Wc}, pk)
                obj.{attr} = True
                db.session.commit()
                return jsonify({attr}=pk)
        """
        s = v.replace('                        redirect(url_for("index"))  #@V', '                        return redirect(url_for("index"))')
    elif c.fw == "django":
        dn = c.pick("staff_only", "moderator_required")
        v = f"""
            from functools import wraps

            from django.contrib.auth.decorators import login_required
            from django.http import HttpResponseForbidden, JsonResponse
            from django.views.decorators.http import require_POST

            from .models import {Wc}


            def {dn}(view):
                @wraps(view)
                def wrapped(request, *args, **kwargs):
                    if not request.user.is_staff:  #@V
                        HttpResponseForbidden("staff only")  #@V
                    return view(request, *args, **kwargs)
                return wrapped


            @require_POST
            @login_required
            @{dn}
            def {act}_{w}(request, pk):
                updated = {Wc}.objects.filter(pk=pk).update({attr}=True)
                return JsonResponse({{"{attr}": updated}})
        """
        s = v.replace('                        HttpResponseForbidden("staff only")  #@V', '                        return HttpResponseForbidden("staff only")')
    else:
        role = c.pick("admin", "moderator")
        v = f"""
            import functools

            from aiohttp import web
            from aiohttp_session import get_session


            def {role}_only(handler):
                @functools.wraps(handler)
                async def wrapped(request):
                    session = await get_session(request)
                    if session.get("role") != "{role}":  #@V
                        web.HTTPForbidden(reason="{role} only")  #@V
                    return await handler(request)
                return wrapped


            @{role}_only
            async def {act}_{w}(request):
                item_id = int(request.match_info["id"])
                await request.app["db"].execute("UPDATE {w}s SET {attr} = true WHERE id = $1", item_id)
                return web.json_response({{"{attr}": item_id}})


            app = web.Application()
            app.router.add_post("/admin/{w}s/{{id}}/{act}", {act}_{w})
        """
        s = v.replace(f'                        web.HTTPForbidden(reason="{role} only")  #@V', f'                        raise web.HTTPForbidden(reason="{role} only")')
    return Spec(v=v, s=_clean(s), full=True,
                notes="the guard builds the refusal response but never returns/raises it, so the view runs for everyone")


@fam("authz-scopes-any", "CWE-863", fws=["fastapi", "flask", "aiohttp"], n=8, wrap=False)
def authz_scopes(c):
    w, Wc = W(c)
    act, s2 = c.pick(("refund", f"{w}s:refund"), ("cancel", f"{w}s:cancel"), ("export", f"{w}s:export"))
    s1 = f"{w}s:read"
    if c.fw == "fastapi":
        v = f"""
            from fastapi import Depends, FastAPI, HTTPException

            from .auth import Principal, get_principal
            from .actions import {act}_{w}

            app = FastAPI()


            def require_scopes(*needed: str):
                def checker(principal: Principal = Depends(get_principal)) -> Principal:
                    if not any(scope in principal.scopes for scope in needed):  #@V
                        raise HTTPException(status_code=403, detail="insufficient scope")
                    return principal
                return checker


            @app.post("/{w}s/{{item_id}}/{act}")
            def {act}(item_id: int, principal: Principal = Depends(require_scopes("{s1}", "{s2}"))):
                return {{"result": {act}_{w}(item_id, by=principal.client_id)}}  #@V
        """
        s = v.replace("if not any(scope in principal.scopes for scope in needed):  #@V",
                      "if not all(scope in principal.scopes for scope in needed):")
    elif c.fw == "flask":
        bad, good = c.pick(("if not granted & set(needed):", "if not set(needed) <= granted:"),
                           ("if not any(s in granted for s in needed):", "if not all(s in granted for s in needed):"))
        v = f"""
            from functools import wraps

            from flask import Flask, abort, g, jsonify

            from .actions import {act}_{w}
            from .tokens import load_token

            app = Flask(__name__)


            def require_scopes(*needed):
                def deco(view):
                    @wraps(view)
                    def wrapped(*args, **kwargs):
                        g.token = load_token()
                        granted = set(g.token["scope"].split())
                        {bad}  #@V
                            abort(403)
                        return view(*args, **kwargs)
                    return wrapped
                return deco


            @app.post("/{w}s/<int:item_id>/{act}")
            @require_scopes("{s1}", "{s2}")
            def {act}(item_id):
                return jsonify(result={act}_{w}(item_id, by=g.token["client_id"]))  #@V
        """
        s = v.replace(f"{bad}  #@V", good)
    else:
        v = f"""
            from aiohttp import web

            from .actions import {act}_{w}


            def require_scopes(*needed):
                def deco(handler):
                    async def wrapped(request):
                        granted = set(request["claims"].get("scope", "").split())
                        if not any(s in granted for s in needed):  #@V
                            raise web.HTTPForbidden(reason="insufficient scope")
                        return await handler(request)
                    return wrapped
                return deco


            @require_scopes("{s1}", "{s2}")
            async def {act}(request):
                item_id = int(request.match_info["id"])
                result = await {act}_{w}(item_id, by=request["claims"]["sub"])  #@V
                return web.json_response({{"result": result}})


            app = web.Application()
            app.router.add_post("/{w}s/{{id}}/{act}", {act})
        """
        s = v.replace("if not any(s in granted for s in needed):  #@V", "if not all(s in granted for s in needed):")
    return Spec(v=v, s=_clean(s), full=True,
                notes=f"the route needs both scopes but the check accepts either, so a read-only token can {act}")


@fam("authz-method-subset-guard", "CWE-863", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def authz_methods(c):
    w, Wc = W(c)
    meths = c.pick('("POST", "PUT")', '("POST", "PUT", "PATCH")', '("POST",)')
    if c.fw == "flask":
        v = f"""
            from flask import Blueprint, abort, jsonify, request
            from flask_login import current_user, login_required

            from .models import {Wc}, db

            bp = Blueprint("{w}s", __name__, url_prefix="/api/{w}s")


            @bp.before_request
            @login_required
            def guard_writes():
                if request.method in {meths} and not current_user.is_admin:  #@V
                    abort(403)


            @bp.get("/<int:pk>")
            def show_{w}(pk):
                obj = db.get_or_404({Wc}, pk)
                return jsonify(id=obj.id, name=obj.name)


            @bp.post("/")
            def create_{w}():
                obj = {Wc}(name=request.json["name"])
                db.session.add(obj)
                db.session.commit()
                return jsonify(id=obj.id), 201


            @bp.delete("/<int:pk>")
            def remove_{w}(pk):
                db.session.delete(db.get_or_404({Wc}, pk))  #@V
                db.session.commit()
                return "", 204
        """
        s = v.replace(f"if request.method in {meths} and not current_user.is_admin:  #@V",
                      'if request.method not in ("GET", "HEAD", "OPTIONS") and not current_user.is_admin:')
    elif c.fw == "django":
        v = f"""
            from django.http import HttpResponseForbidden, JsonResponse
            from django.shortcuts import get_object_or_404

            from .models import {Wc}


            class {Wc}WriteGuard:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    if request.path.startswith("/api/{w}s/"):
                        if request.method in {meths} and not request.user.has_perm("shop.manage_{w}s"):  #@V
                            return HttpResponseForbidden()
                    return self.get_response(request)


            def {w}_detail(request, pk):
                obj = get_object_or_404({Wc}, pk=pk)
                if request.method == "DELETE":
                    obj.delete()  #@V
                    return JsonResponse({{"deleted": pk}})
                return JsonResponse({{"id": obj.pk, "name": obj.name}})
        """
        s = v.replace(f'if request.method in {meths} and not request.user.has_perm("shop.manage_{w}s"):  #@V',
                      f'if request.method not in ("GET", "HEAD", "OPTIONS") and not request.user.has_perm("shop.manage_{w}s"):')
    else:
        v = f"""
            from aiohttp import web


            @web.middleware
            async def write_guard(request, handler):
                if request.method in {meths} and request.get("role") != "admin":  #@V
                    raise web.HTTPForbidden()
                return await handler(request)


            async def show_{w}(request):
                item = await request.app["store"].get(int(request.match_info["id"]))
                return web.json_response({{"id": item.id, "name": item.name}})


            async def delete_{w}(request):
                await request.app["store"].delete(int(request.match_info["id"]))  #@V
                return web.Response(status=204)


            app = web.Application(middlewares=[write_guard])
            app.router.add_get("/api/{w}s/{{id}}", show_{w})
            app.router.add_delete("/api/{w}s/{{id}}", delete_{w})
        """
        s = v.replace(f'if request.method in {meths} and request.get("role") != "admin":  #@V',
                      'if request.method not in ("GET", "HEAD", "OPTIONS") and request.get("role") != "admin":')
    return Spec(v=v, s=_clean(s), full=True,
                notes="the write guard lists some unsafe methods only, so DELETE passes without the admin check")


# ---------------- CWE-639 IDOR ----------------


@fam("idor-jwt-sub-not-owner", "CWE-639", fws=["flask", "fastapi", "aiohttp"], n=8, wrap=False)
def idor_jwt(c):
    w, Wc = W639(c)
    aud = f"{w}-api"
    if c.fw == "flask":
        v = f"""
            import os

            import jwt
            from flask import Flask, abort, jsonify, request

            from .audit import record
            from .store import ACCOUNTS

            app = Flask(__name__)
            JWT_KEY = os.environ["JWT_SIGNING_KEY"]


            def claims():
                auth = request.headers.get("Authorization", "")
                try:
                    return jwt.decode(auth.removeprefix("Bearer "), JWT_KEY, algorithms=["HS256"], audience="{aud}")
                except jwt.InvalidTokenError:
                    abort(401)


            @app.get("/accounts/<account_id>/{w}s")
            def list_{w}s(account_id):
                user_id = claims()["sub"]
                account = ACCOUNTS.get(account_id)  #@V
                if account is None:  #@V
                    abort(404)
                record(user_id, "list_{w}s", account_id)
                return jsonify(items=account["{w}s"])
        """
        s = v.replace("if account is None:  #@V", 'if account is None or account["owner_id"] != user_id:')
    elif c.fw == "fastapi":
        v = f"""
            import os

            import jwt
            from fastapi import Depends, FastAPI, HTTPException
            from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
            from sqlalchemy import text
            from sqlalchemy.orm import Session

            from .db import get_session

            app = FastAPI()
            bearer = HTTPBearer()
            JWT_KEY = os.environ["JWT_SIGNING_KEY"]


            def token_claims(cred: HTTPAuthorizationCredentials = Depends(bearer)) -> dict:
                try:
                    return jwt.decode(cred.credentials, JWT_KEY, algorithms=["HS256"], audience="{aud}")
                except jwt.InvalidTokenError:
                    raise HTTPException(status_code=401)


            @app.get("/{w}s")
            def list_{w}s(account_id: int, claims: dict = Depends(token_claims), db: Session = Depends(get_session)):
                rows = db.execute(
                    text("SELECT id, title, total FROM {w}s WHERE account_id = :acct"),  #@V
                    {{"acct": account_id}},
                ).mappings().all()
                return {{"user": claims["sub"], "items": [dict(r) for r in rows]}}
        """
        s = v.replace("""                    text("SELECT id, title, total FROM {w}s WHERE account_id = :acct"),  #@V
                    {{"acct": account_id}},""".format(w=w).replace("{{", "{").replace("}}", "}"),
                      """                    text("SELECT id, title, total FROM {w}s WHERE account_id = :acct"
                         " AND account_id IN (SELECT account_id FROM memberships WHERE user_sub = :sub)"),
                    {{"acct": account_id, "sub": claims["sub"]}},""".format(w=w).replace("{{", "{").replace("}}", "}"))
    else:
        v = f"""
            import os

            import jwt
            from aiohttp import web

            JWT_KEY = os.environ["JWT_SIGNING_KEY"]


            async def get_{w}(request):
                token = request.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, JWT_KEY, algorithms=["HS256"], audience="{aud}")
                except jwt.InvalidTokenError:
                    raise web.HTTPUnauthorized()
                row = await request.app["db"].fetchrow(
                    "SELECT id, title, body FROM {w}s WHERE id = $1",  #@V
                    int(request.match_info["id"]),
                )
                if row is None:
                    raise web.HTTPNotFound()
                return web.json_response({{"viewer": claims["sub"], **dict(row)}})


            app = web.Application()
            app.router.add_get("/{w}s/{{id}}", get_{w})
        """
        s = v.replace(f'''                    "SELECT id, title, body FROM {w}s WHERE id = $1",  #@V
                    int(request.match_info["id"]),''', f'''                    "SELECT id, title, body FROM {w}s WHERE id = $1 AND owner_sub = $2",
                    int(request.match_info["id"]),
                    claims["sub"],''')
    return Spec(v=v, s=_clean(s), full=True,
                notes="the token is verified and its subject known, but the requested record is never checked against it")


@fam("idor-child-not-scoped-to-parent", "CWE-639", fws=["django", "flask", "fastapi"], n=8, wrap=False)
def idor_parent(c):
    w, Wc = W639(c)
    P = c.pick("Project", "Workspace", "Board", "Team")
    p = P.lower()
    if c.fw == "django":
        v = f"""
            from django.contrib.auth.decorators import login_required
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404

            from .models import {P}, {Wc}


            @login_required
            def {w}_detail(request, {p}_id, {w}_id):
                {p} = get_object_or_404({P}, pk={p}_id, members=request.user)
                item = get_object_or_404({Wc}, pk={w}_id)  #@V
                return JsonResponse({{"{p}": {p}.name, "id": item.pk, "title": item.title, "body": item.body}})
        """
        s = v.replace(f"get_object_or_404({Wc}, pk={w}_id)  #@V", f"get_object_or_404({Wc}, pk={w}_id, {p}={p})")
    elif c.fw == "flask":
        v = f"""
            from flask import Flask, abort, jsonify, request
            from flask_login import current_user, login_required

            from .models import {P}, {Wc}, db

            app = Flask(__name__)


            @app.route("/{p}s/<int:{p}_id>/{w}s/<int:item_id>", methods=["PATCH"])
            @login_required
            def edit_{w}({p}_id, item_id):
                {p} = {P}.query.filter_by(id={p}_id).first_or_404()
                if current_user not in {p}.members:
                    abort(403)
                item = {Wc}.query.filter_by(id=item_id).first_or_404()  #@V
                item.title = request.json["title"]
                db.session.commit()
                return jsonify(id=item.id, title=item.title)
        """
        s = v.replace(f"{Wc}.query.filter_by(id=item_id).first_or_404()  #@V", f"{Wc}.query.filter_by(id=item_id, {p}_id={p}.id).first_or_404()")
    else:
        v = f"""
            from fastapi import Depends, FastAPI, HTTPException
            from sqlalchemy.orm import Session

            from .db import get_session
            from .models import {P}, {Wc}
            from .security import User, current_user

            app = FastAPI()


            @app.delete("/{p}s/{{{p}_id}}/{w}s/{{item_id}}")
            def delete_{w}({p}_id: int, item_id: int, user: User = Depends(current_user), db: Session = Depends(get_session)):
                {p} = db.get({P}, {p}_id)
                if {p} is None or user.id not in {{m.id for m in {p}.members}}:
                    raise HTTPException(status_code=404)
                item = db.get({Wc}, item_id)  #@V
                if item is None:  #@V
                    raise HTTPException(status_code=404)
                db.delete(item)
                db.commit()
                return {{"deleted": item_id}}
        """
        s = v.replace("if item is None:  #@V", f"if item is None or item.{p}_id != {p}.id:")
    return Spec(v=v, s=_clean(s), full=True,
                notes=f"membership of the {p} in the URL is checked, but the child id is looked up without tying it to that {p}")


@fam("idor-bulk-id-list", "CWE-639", fws=["django", "flask", "aiohttp", "fastapi"], n=8, wrap=False)
def idor_bulk(c):
    w, Wc = W639(c)
    if c.fw == "django":
        op = c.pick(".update(archived=True)", ".delete()", '.update(status="closed")')
        v = f"""
            import json

            from django.contrib.auth.decorators import login_required
            from django.http import JsonResponse
            from django.views.decorators.http import require_POST

            from .models import {Wc}


            @require_POST
            @login_required
            def bulk_{w}s(request):
                ids = [int(i) for i in json.loads(request.body)["ids"]]  #@V
                n = {Wc}.objects.filter(pk__in=ids){op}  #@V
                return JsonResponse({{"affected": n if isinstance(n, int) else n[0]}})
        """
        s = v.replace(f"{Wc}.objects.filter(pk__in=ids){op}  #@V", f"{Wc}.objects.filter(pk__in=ids, owner=request.user){op}")
    elif c.fw == "flask":
        v = f"""
            from flask import Flask, jsonify, request
            from flask_login import current_user, login_required

            from .models import {Wc}, db

            app = Flask(__name__)


            @app.post("/{w}s/bulk-delete")
            @login_required
            def bulk_delete_{w}s():
                ids = [int(i) for i in request.get_json()["ids"]]  #@V
                n = {Wc}.query.filter({Wc}.id.in_(ids)).delete(synchronize_session=False)  #@V
                db.session.commit()
                return jsonify(deleted=n)
        """
        s = v.replace(f"{Wc}.query.filter({Wc}.id.in_(ids)).delete(synchronize_session=False)  #@V",
                      f"{Wc}.query.filter({Wc}.id.in_(ids), {Wc}.owner_id == current_user.id).delete(synchronize_session=False)")
    elif c.fw == "aiohttp":
        col = c.pick("archived = true", "hidden = true", "status = 'closed'")
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session


            async def bulk_{w}s(request):
                session = await get_session(request)
                if "uid" not in session:
                    raise web.HTTPUnauthorized()
                body = await request.json()
                ids = [int(i) for i in body["ids"]]  #@V
                status = await request.app["db"].execute(
                    "UPDATE {w}s SET {col} WHERE id = ANY($1::int[])", ids  #@V
                )
                return web.json_response({{"status": status}})


            app = web.Application()
            app.router.add_post("/{w}s/bulk", bulk_{w}s)
        """
        s = v.replace(f'''                    "UPDATE {w}s SET {col} WHERE id = ANY($1::int[])", ids  #@V''',
                      f'''                    "UPDATE {w}s SET {col} WHERE id = ANY($1::int[]) AND owner_id = $2", ids, session["uid"]''')
    else:
        v = f"""
            from fastapi import Body, Depends, FastAPI
            from sqlalchemy import update
            from sqlalchemy.orm import Session

            from .db import get_session
            from .models import {Wc}
            from .security import User, current_user

            app = FastAPI()


            @app.post("/{w}s/close")
            def close_{w}s(payload: dict = Body(...), user: User = Depends(current_user), db: Session = Depends(get_session)):
                ids = [int(i) for i in payload["ids"]]  #@V
                res = db.execute(update({Wc}).where({Wc}.id.in_(ids)).values(status="closed"))  #@V
                db.commit()
                return {{"closed": res.rowcount}}
        """
        s = v.replace(f"update({Wc}).where({Wc}.id.in_(ids)).values(status=\"closed\"))  #@V",
                      f"update({Wc}).where({Wc}.id.in_(ids), {Wc}.owner_id == user.id).values(status=\"closed\"))")
    return Spec(v=v, s=_clean(s), full=True,
                notes="a bulk action applies to every id the client lists, not only the caller's own records")


# ---------------- CWE-306 missing authentication ----------------


@fam("noauth-django-admin-get-urls", "CWE-306", fws=["django"], n=8, wrap=False)
def noauth_admin_urls(c):
    w, Wc = W(c)
    act = c.pick("rebuild_index", "purge_expired", "resend_notifications", "recalculate_totals", "sync_from_erp")
    url = act.replace("_", "-")
    cols = c.pick('("id", "created_at")', '("id", "status", "updated_at")', '("id", "owner")')
    v = f"""
        from django.contrib import admin, messages
        from django.http import HttpResponseRedirect
        from django.urls import path, reverse

        from .models import {Wc}
        from .tasks import {act}


        @admin.register({Wc})
        class {Wc}Admin(admin.ModelAdmin):
            list_display = {cols}
            change_list_template = "admin/{w}_changelist.html"

            def get_urls(self):
                custom = [
                    path("{url}/", self.{act}_view, name="{w}_{act}"),  #@V
                ]
                return custom + super().get_urls()

            def {act}_view(self, request):
                count = {act}()  #@V
                self.message_user(request, f"{{count}} {w}s processed", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:shop_{w}_changelist"))
    """
    s = v.replace(f'path("{url}/", self.{act}_view, name="{w}_{act}"),  #@V',
                  f'path("{url}/", self.admin_site.admin_view(self.{act}_view), name="{w}_{act}"),')
    return Spec(v=v, s=_clean(s), full=True,
                notes="a custom ModelAdmin URL not wrapped in admin_site.admin_view is reachable without logging in")


@fam("noauth-router-without-dependency", "CWE-306", fws=["fastapi", "flask"], n=8, wrap=False)
def noauth_router(c):
    w, Wc = W(c)
    act = c.pick("rotate_signing_keys", "flush_cache", "replay_dead_letters", "rebuild_search")
    url = act.replace("_", "-")
    if c.fw == "fastapi":
        dep = c.pick("verify_service_token", "require_api_key")
        v = f"""
            from fastapi import APIRouter, Depends, FastAPI

            from .auth import {dep}
            from .ops import {act}
            from .{w}s import list_{w}s

            api = APIRouter()
            ops = APIRouter()


            @api.get("/{w}s")
            def read_{w}s(limit: int = 50):
                return list_{w}s(limit=min(limit, 200))


            @ops.post("/{url}")
            def run_{act}():
                return {{"done": {act}()}}  #@V


            app = FastAPI()
            app.include_router(api, prefix="/api", dependencies=[Depends({dep})])
            app.include_router(ops, prefix="/ops")  #@V
        """
        s = v.replace('app.include_router(ops, prefix="/ops")  #@V', f'app.include_router(ops, prefix="/ops", dependencies=[Depends({dep})])')
    else:
        hook = c.pick("require_api_token", "check_bearer")
        v = f"""
            from flask import Blueprint, Flask, jsonify, request

            from .auth import {hook}
            from .ops import {act}
            from .{w}s import list_{w}s

            api = Blueprint("api", __name__, url_prefix="/api")
            ops = Blueprint("ops", __name__, url_prefix="/ops")
            api.before_request({hook})  #@V


            @api.get("/{w}s")
            def read_{w}s():
                return jsonify(list_{w}s(limit=min(request.args.get("limit", 50, type=int), 200)))


            @ops.post("/{url}")
            def run_{act}():
                return jsonify(done={act}())  #@V


            app = Flask(__name__)
            app.register_blueprint(api)
            app.register_blueprint(ops)
        """
        s = v.replace(f"api.before_request({hook})  #@V", f"api.before_request({hook})\n            ops.before_request({hook})")
    return Spec(v=v, s=_clean(s), full=True,
                notes="the API router is registered with its authentication hook, the operations router without one")


@fam("noauth-websocket-control", "CWE-306", fws=["flask", "fastapi"], n=8, wrap=False)
def noauth_ws(c):
    w, Wc = W(c)
    if c.fw == "flask":
        ev, call, state = c.pick(("pause_jobs", "scheduler.pause()", '"paused": True'),
                                 ("resume_jobs", "scheduler.resume()", '"paused": False'),
                                 ("clear_jobs", "scheduler.remove_all_jobs()", '"jobs": 0'))
        v = f"""
            from flask import Flask
            from flask_login import current_user
            from flask_socketio import SocketIO, disconnect, emit

            from .scheduler import scheduler

            app = Flask(__name__)
            app.config.from_prefixed_env()
            socketio = SocketIO(app)


            @socketio.on("status", namespace="/{w}-ops")
            def on_status():
                emit("status", {{"jobs": len(scheduler.get_jobs())}})


            @socketio.on("{ev}", namespace="/{w}-ops")
            def on_{ev}():  #@V
                {call}  #@V
                emit("status", {{{state}}}, broadcast=True)
        """
        s = v.replace(f"""            def on_{ev}():  #@V
""", f"""            def on_{ev}():
                if not current_user.is_authenticated or not current_user.is_admin:
                    disconnect()
                    return
""")
    else:
        op = c.pick("drain", "restart_workers", "drop_backlog")
        v = f"""
            import hmac
            import os

            from fastapi import FastAPI, WebSocket, WebSocketDisconnect

            from .workers import pool

            app = FastAPI()
            CONSOLE_TOKEN = os.environ["{w.upper()}_CONSOLE_TOKEN"]


            @app.websocket("/ws/{w}/console")
            async def console(ws: WebSocket):  #@V
                await ws.accept()
                try:
                    while True:
                        msg = await ws.receive_json()
                        if msg.get("op") == "{op}":
                            await pool.{op}()  #@V
                            await ws.send_json({{"ok": True, "op": "{op}"}})
                        elif msg.get("op") == "stats":
                            await ws.send_json(pool.stats())
                except WebSocketDisconnect:
                    pass
        """
        s = v.replace("""            async def console(ws: WebSocket):  #@V
""", """            async def console(ws: WebSocket):
                supplied = ws.headers.get("authorization", "").removeprefix("Bearer ")
                if not hmac.compare_digest(supplied, CONSOLE_TOKEN):
                    await ws.close(code=1008)
                    return
""")
    return Spec(v=v, s=_clean(s), full=True, notes="a websocket control channel runs operations for any client that connects")


# ---------------- CWE-287 improper authentication ----------------


@fam("authn-mfa-step-skippable", "CWE-287", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def authn_mfa(c):
    w, Wc = W(c)
    if c.fw == "flask":
        v = f"""
            from functools import wraps

            import pyotp
            from flask import Flask, abort, jsonify, redirect, request, session, url_for
            from werkzeug.security import check_password_hash

            from .models import User, db

            app = Flask(__name__)
            app.config.from_prefixed_env()


            def login_required(view):
                @wraps(view)
                def wrapped(*args, **kwargs):
                    if "uid" not in session:  #@V
                        return redirect(url_for("login"))
                    return view(*args, **kwargs)
                return wrapped


            @app.post("/login")
            def login():
                user = User.query.filter_by(email=request.form["email"]).first()
                if user is None or not check_password_hash(user.password_hash, request.form["password"]):
                    abort(401)
                session["uid"] = user.id  #@V
                session["mfa_ok"] = False
                return redirect(url_for("verify_otp"))


            @app.post("/login/otp")
            def verify_otp():
                user = db.session.get(User, session.get("uid"))
                if user is None or not pyotp.TOTP(user.otp_secret).verify(request.form["code"]):
                    abort(401)
                session["mfa_ok"] = True
                return redirect(url_for("{w}s"))


            @app.get("/{w}s")
            @login_required
            def {w}s():
                return jsonify(items=[o.id for o in db.session.get(User, session["uid"]).{w}s])
        """
        s = v.replace('if "uid" not in session:  #@V', 'if "uid" not in session or not session.get("mfa_ok"):')
    elif c.fw == "django":
        v = f"""
            from functools import wraps

            import pyotp
            from django.contrib.auth import authenticate
            from django.http import HttpResponse, JsonResponse
            from django.shortcuts import redirect

            from .models import {Wc}, OtpDevice


            def session_required(view):
                @wraps(view)
                def wrapped(request, *args, **kwargs):
                    if not request.session.get("uid"):  #@V
                        return redirect("login")
                    return view(request, *args, **kwargs)
                return wrapped


            def password_step(request):
                user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
                if user is None:
                    return HttpResponse(status=401)
                request.session.cycle_key()
                request.session["uid"] = user.pk  #@V
                request.session["otp_ok"] = False
                return redirect("otp_step")


            def otp_step(request):
                device = OtpDevice.objects.filter(user_id=request.session.get("uid")).first()
                if device is None or not pyotp.TOTP(device.secret).verify(request.POST["code"]):
                    return HttpResponse(status=401)
                request.session["otp_ok"] = True
                return redirect("{w}_list")


            @session_required
            def {w}_list(request):
                items = {Wc}.objects.filter(owner_id=request.session["uid"]).values("id", "title")
                return JsonResponse({{"items": list(items)}})
        """
        s = v.replace('if not request.session.get("uid"):  #@V', 'if not request.session.get("uid") or not request.session.get("otp_ok"):')
    else:
        v = f"""
            import pyotp
            from aiohttp import web
            from aiohttp_session import get_session, new_session

            from .users import check_password, find_user, otp_secret_of

            PUBLIC = {{"/login", "/login/otp"}}


            @web.middleware
            async def auth_middleware(request, handler):
                if request.path not in PUBLIC:
                    session = await get_session(request)
                    if session.get("uid") is None:  #@V
                        raise web.HTTPFound("/login")
                return await handler(request)


            async def login(request):
                form = await request.post()
                user = await find_user(request.app["db"], form["email"])
                if user is None or not check_password(user, form["password"]):
                    raise web.HTTPUnauthorized()
                session = await new_session(request)
                session["uid"] = user["id"]  #@V
                session["mfa_ok"] = False
                raise web.HTTPFound("/login/otp")


            async def login_otp(request):
                form = await request.post()
                session = await get_session(request)
                secret = await otp_secret_of(request.app["db"], session.get("uid"))
                if secret is None or not pyotp.TOTP(secret).verify(form["code"]):
                    raise web.HTTPUnauthorized()
                session["mfa_ok"] = True
                raise web.HTTPFound("/{w}s")


            async def list_{w}s(request):
                session = await get_session(request)
                rows = await request.app["db"].fetch("SELECT id, title FROM {w}s WHERE owner_id = $1", session["uid"])
                return web.json_response([dict(r) for r in rows])


            app = web.Application(middlewares=[auth_middleware])
            app.router.add_post("/login", login)
            app.router.add_post("/login/otp", login_otp)
            app.router.add_get("/{w}s", list_{w}s)
        """
        s = v.replace('if session.get("uid") is None:  #@V', 'if session.get("uid") is None or not session.get("mfa_ok"):')
    return Spec(v=v, s=_clean(s), full=True,
                notes="the password step already stores the user id, and the guard on protected pages never checks that the second factor was passed")


@fam("authn-oidc-email-unverified", "CWE-287", fws=["flask", "django", "fastapi"], n=8, wrap=False)
def authn_oidc(c):
    w, Wc = W(c)
    idp, host = c.pick(("corpidp", "login.corp-idp.example"), ("sso", "sso.partner.example"), ("auth0", "tenant.eu.auth0.com"))
    if c.fw == "flask":
        v = f"""
            from authlib.integrations.flask_client import OAuth
            from flask import Flask, abort, redirect, session, url_for

            from .models import User

            app = Flask(__name__)
            app.config.from_prefixed_env()
            oauth = OAuth(app)
            oauth.register(
                "{idp}",
                server_metadata_url="https://{host}/.well-known/openid-configuration",
                client_kwargs={{"scope": "openid email profile"}},
            )


            @app.get("/auth/{idp}/callback")
            def {idp}_callback():
                token = oauth.{idp}.authorize_access_token()
                info = token["userinfo"]
                user = User.query.filter_by(email=info["email"].lower()).first()  #@V
                if user is None:
                    abort(403)
                session["uid"] = user.id  #@V
                return redirect(url_for("{w}s"))
        """
        s = v.replace("""                info = token["userinfo"]
""", """                info = token["userinfo"]
                if not info.get("email_verified"):
                    abort(403)
""")
    elif c.fw == "django":
        v = f"""
            from authlib.integrations.django_client import OAuth
            from django.contrib.auth import get_user_model, login
            from django.http import HttpResponseForbidden
            from django.shortcuts import redirect

            oauth = OAuth()
            oauth.register(
                "{idp}",
                server_metadata_url="https://{host}/.well-known/openid-configuration",
                client_kwargs={{"scope": "openid email profile"}},
            )


            def {idp}_callback(request):
                token = oauth.{idp}.authorize_access_token(request)
                info = token["userinfo"]
                user = get_user_model().objects.filter(email__iexact=info["email"]).first()  #@V
                if user is None:
                    return HttpResponseForbidden()
                login(request, user)  #@V
                return redirect("{w}_list")
        """
        s = v.replace("""                info = token["userinfo"]
""", """                info = token["userinfo"]
                if not info.get("email_verified"):
                    return HttpResponseForbidden()
""")
    else:
        v = f"""
            import os

            from authlib.integrations.starlette_client import OAuth
            from fastapi import FastAPI, HTTPException, Request
            from fastapi.responses import RedirectResponse
            from starlette.middleware.sessions import SessionMiddleware

            from .users import find_by_email

            app = FastAPI()
            app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], https_only=True)
            oauth = OAuth()
            oauth.register(
                "{idp}",
                client_id=os.environ["OIDC_CLIENT_ID"],
                client_secret=os.environ["OIDC_CLIENT_SECRET"],
                server_metadata_url="https://{host}/.well-known/openid-configuration",
                client_kwargs={{"scope": "openid email profile"}},
            )


            @app.get("/auth/{idp}/callback")
            async def {idp}_callback(request: Request):
                token = await oauth.{idp}.authorize_access_token(request)
                info = token["userinfo"]
                user = await find_by_email(info["email"])  #@V
                if user is None:
                    raise HTTPException(status_code=403)
                request.session["uid"] = user.id  #@V
                return RedirectResponse("/{w}s")
        """
        s = v.replace("""                info = token["userinfo"]
""", """                info = token["userinfo"]
                if not info.get("email_verified"):
                    raise HTTPException(status_code=403)
""")
    return Spec(v=v, s=_clean(s), full=True,
                notes="a local account is logged in for whatever e-mail the identity provider reports, even one the provider never verified")


@fam("authn-fail-open-idp", "CWE-287", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def authn_failopen(c):
    w, Wc = W(c)
    exc = c.pick("IdPUnavailable", "(IdPUnavailable, TimeoutError)", "(ConnectionError, TimeoutError)")
    if c.fw == "flask":
        v = f"""
            import logging

            from flask import Flask, request, session

            from .idp import IdPUnavailable, InvalidCredentials, idp_client

            app = Flask(__name__)
            app.config.from_prefixed_env()
            log = logging.getLogger("{w}.auth")


            @app.post("/{w}/login")
            def {w}_login():
                username = request.form["username"]
                try:
                    idp_client.verify_password(username, request.form["password"])
                except InvalidCredentials:
                    return {{"ok": False}}, 401
                except {exc}:  #@V
                    log.warning("identity provider unreachable during login of %s", username)
                session.clear()
                session["user"] = username  #@V
                return {{"ok": True}}
        """
        ret = '                    return {"ok": False, "error": "try again later"}, 503\n'
    elif c.fw == "django":
        v = f"""
            import logging

            from django.contrib.auth import get_user_model, login
            from django.http import JsonResponse
            from django.views.decorators.http import require_POST

            from .idp import IdPUnavailable, InvalidCredentials, idp_client

            log = logging.getLogger("{w}.auth")


            @require_POST
            def {w}_login(request):
                username = request.POST["username"]
                try:
                    idp_client.verify_password(username, request.POST["password"])
                except InvalidCredentials:
                    return JsonResponse({{"ok": False}}, status=401)
                except {exc}:  #@V
                    log.warning("identity provider unreachable during login of %s", username)
                user, _ = get_user_model().objects.get_or_create(username=username)
                login(request, user)  #@V
                return JsonResponse({{"ok": True}})
        """
        ret = '                    return JsonResponse({"ok": False, "error": "try again later"}, status=503)\n'
    else:
        v = f"""
            import logging

            from aiohttp import web
            from aiohttp_session import new_session

            from .idp import IdPUnavailable, InvalidCredentials, idp_client

            log = logging.getLogger("{w}.auth")


            async def {w}_login(request):
                form = await request.post()
                username = form["username"]
                try:
                    await idp_client.verify_password(username, form["password"])
                except InvalidCredentials:
                    raise web.HTTPUnauthorized()
                except {exc}:  #@V
                    log.warning("identity provider unreachable during login of %s", username)
                session = await new_session(request)
                session["user"] = username  #@V
                return web.json_response({{"ok": True}})


            app = web.Application()
            app.router.add_post("/{w}/login", {w}_login)
        """
        ret = '                    raise web.HTTPServiceUnavailable(reason="try again later")\n'
    line = '                    log.warning("identity provider unreachable during login of %s", username)\n'
    s = v.replace(line, line + ret)
    return Spec(v=v, s=_clean(s), full=True,
                notes="when the identity provider cannot be reached the login handler logs a warning and falls through to logging the user in (fail-open)")


# ---------------- CWE-269 privilege management ----------------


@fam("priv-schema-role-field", "CWE-269", fws=["fastapi", "flask"], n=8, wrap=False)
def priv_schema(c):
    w, Wc = W(c)
    if c.fw == "fastapi":
        priv = c.pick("role: str | None = None", "is_admin: bool | None = None", "role: Literal[\"member\", \"manager\", \"admin\"] | None = None")
        lit = "from typing import Literal\n\n            " if "Literal" in priv else ""
        v = f"""
            {lit}from fastapi import Depends, FastAPI
            from pydantic import BaseModel
            from sqlalchemy.orm import Session

            from .db import get_session
            from .models import User
            from .security import current_user

            app = FastAPI()


            class ProfileUpdate(BaseModel):
                display_name: str | None = None
                timezone: str | None = None
                {w}_digest: bool | None = None
                {priv}  #@V


            @app.patch("/me")
            def update_me(body: ProfileUpdate, user: User = Depends(current_user), db: Session = Depends(get_session)):
                for field, value in body.model_dump(exclude_unset=True).items():
                    setattr(user, field, value)  #@V
                db.commit()
                return {{"id": user.id, "display_name": user.display_name}}
        """
        s = v.replace(f"                {priv}  #@V\n", "")
        if lit:
            s = s.replace(lit, "")
    else:
        fld = c.pick("role = fields.Str()", 'role = fields.Str(validate=validate.OneOf(["member", "admin"]))')
        v = f"""
            from flask import Flask, request
            from flask_login import current_user, login_required
            from marshmallow import Schema, fields, validate

            from .models import db

            app = Flask(__name__)


            class ProfileSchema(Schema):
                display_name = fields.Str(validate=validate.Length(max=80))
                timezone = fields.Str()
                {w}_digest = fields.Bool()
                {fld}  #@V


            @app.patch("/me")
            @login_required
            def update_me():
                data = ProfileSchema(partial=True).load(request.get_json())
                for key, value in data.items():
                    setattr(current_user, key, value)  #@V
                db.session.commit()
                return ProfileSchema().dump(current_user)
        """
        safe_fld = fld[:-1] + ("dump_only=True)" if fld.endswith("()") else ", dump_only=True)")
        s = v.replace(f"{fld}  #@V", safe_fld)
    return Spec(v=v, s=_clean(s), full=True,
                notes="the self-service profile schema accepts the privilege field, so a user can make themselves admin")


@fam("priv-cached-session-role", "CWE-269", fws=["flask", "django", "aiohttp", "flask"], n=8, wrap=False)
def priv_cached_role(c):
    w, Wc = W(c)
    role = c.pick("admin", "owner", "billing_admin")
    if c.fw == "flask":
        v = f"""
            from functools import wraps

            from flask import Flask, abort, request, session
            from werkzeug.security import check_password_hash

            from .models import User, db

            app = Flask(__name__)
            app.config.from_prefixed_env()


            @app.post("/login")
            def login():
                user = User.query.filter_by(email=request.form["email"]).first()
                if user is None or not check_password_hash(user.password_hash, request.form["password"]):
                    abort(401)
                session.permanent = True
                session["uid"] = user.id
                session["role"] = user.role  #@V
                return {{"ok": True}}


            def {role}_required(view):
                @wraps(view)
                def wrapped(*args, **kwargs):
                    if session.get("role") != "{role}":  #@V
                        abort(403)
                    return view(*args, **kwargs)
                return wrapped


            @app.post("/admin/users/<int:uid>/suspend")
            @{role}_required
            def suspend_user(uid):
                target = db.get_or_404(User, uid)
                target.suspended = True
                db.session.commit()
                return {{"uid": uid, "suspended": True}}
        """
        s = v.replace(f"""                    if session.get("role") != "{role}":  #@V
""", f"""                    user = db.session.get(User, session.get("uid"))
                    if user is None or user.role != "{role}":
""")
    elif c.fw == "django":
        v = f"""
            from functools import wraps

            from django.contrib.auth import authenticate, login
            from django.http import HttpResponse, HttpResponseForbidden, JsonResponse

            from .models import {Wc}


            def login_view(request):
                user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
                if user is None:
                    return HttpResponse(status=401)
                login(request, user)
                request.session["role"] = user.profile.role  #@V
                return JsonResponse({{"ok": True}})


            def {role}_required(view):
                @wraps(view)
                def wrapped(request, *args, **kwargs):
                    if request.session.get("role") != "{role}":  #@V
                        return HttpResponseForbidden()
                    return view(request, *args, **kwargs)
                return wrapped


            @{role}_required
            def delete_{w}(request, pk):
                {Wc}.objects.filter(pk=pk).delete()
                return JsonResponse({{"deleted": pk}})
        """
        s = v.replace(f'if request.session.get("role") != "{role}":  #@V',
                      f'if not request.user.is_authenticated or request.user.profile.role != "{role}":')
    else:
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session, new_session

            from .users import verify_login


            async def login(request):
                form = await request.post()
                user = await verify_login(request.app["db"], form["email"], form["password"])
                if user is None:
                    raise web.HTTPUnauthorized()
                session = await new_session(request)
                session["uid"] = user["id"]
                session["role"] = user["role"]  #@V
                return web.json_response({{"ok": True}})


            async def {w}_report(request):
                session = await get_session(request)
                if session.get("role") != "{role}":  #@V
                    raise web.HTTPForbidden()
                rows = await request.app["db"].fetch("SELECT id, owner_id, total FROM {w}s")
                return web.json_response([dict(r) for r in rows])


            app = web.Application()
            app.router.add_post("/login", login)
            app.router.add_get("/admin/{w}s/report", {w}_report)
        """
        s = v.replace(f"""                if session.get("role") != "{role}":  #@V
""", f"""                current = await request.app["db"].fetchval("SELECT role FROM users WHERE id = $1", session.get("uid"))
                if current != "{role}":
""")
    return Spec(v=v, s=_clean(s), full=True,
                notes="the role is copied into the session at login and trusted from there, so a demoted or disabled admin keeps the privilege until the session ends")


@fam("priv-impersonate-privileged", "CWE-269", fws=["flask", "django", "aiohttp", "django"], n=8, wrap=False)
def priv_impersonate(c):
    w, Wc = W(c)
    staff = c.pick("support", "helpdesk", "customer_success")
    if c.fw == "flask":
        v = f"""
            from flask import Flask, abort, redirect, session
            from flask_login import current_user, login_required, login_user

            from .audit import record
            from .models import User, db

            app = Flask(__name__)


            @app.post("/{staff}/impersonate/<int:uid>")
            @login_required
            def impersonate(uid):
                if not current_user.has_role("{staff}"):  #@V
                    abort(403)
                target = db.get_or_404(User, uid)  #@V
                record(current_user.id, "impersonate", target.id)
                session["impersonator"] = current_user.id
                login_user(target)  #@V
                return redirect("/{w}s")
        """
        s = v.replace("""                target = db.get_or_404(User, uid)  #@V
""", """                target = db.get_or_404(User, uid)
                if target.is_admin or target.has_role("{staff}"):
                    abort(403)
""".format(staff=staff))
    elif c.fw == "django":
        v = f"""
            from django.contrib.auth import get_user_model, login
            from django.contrib.auth.decorators import login_required
            from django.http import HttpResponseForbidden
            from django.shortcuts import get_object_or_404, redirect
            from django.views.decorators.http import require_POST


            @require_POST
            @login_required
            def impersonate(request, uid):
                if not request.user.groups.filter(name="{staff}").exists():  #@V
                    return HttpResponseForbidden()
                target = get_object_or_404(get_user_model(), pk=uid, is_active=True)  #@V
                impersonator = request.user.pk
                login(request, target, backend="django.contrib.auth.backends.ModelBackend")  #@V
                request.session["impersonator"] = impersonator
                return redirect("{w}_list")
        """
        s = v.replace("""                target = get_object_or_404(get_user_model(), pk=uid, is_active=True)  #@V
""", """                target = get_object_or_404(get_user_model(), pk=uid, is_active=True)
                if target.is_staff or target.is_superuser:
                    return HttpResponseForbidden()
""")
    else:
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session


            async def impersonate(request):
                session = await get_session(request)
                if session.get("role") != "{staff}":  #@V
                    raise web.HTTPForbidden()
                uid = int(request.match_info["uid"])
                target = await request.app["db"].fetchrow("SELECT id, role FROM users WHERE id = $1", uid)  #@V
                if target is None:
                    raise web.HTTPNotFound()
                session["impersonator"] = session["uid"]
                session["uid"] = target["id"]
                session["role"] = target["role"]  #@V
                raise web.HTTPFound("/{w}s")


            app = web.Application()
            app.router.add_post("/{staff}/impersonate/{{uid}}", impersonate)
        """
        s = v.replace("""                if target is None:
                    raise web.HTTPNotFound()
""", """                if target is None:
                    raise web.HTTPNotFound()
                if target["role"] != "customer":
                    raise web.HTTPForbidden()
""")
    return Spec(v=v, s=_clean(s), full=True,
                notes=f"{staff} staff may impersonate any account, including administrators, and so gain their privileges")
