"""Validation-only access-control and file families on libraries and sinks no other family uses
(groups 862, 863, 639, 306, 287, 269, 434, 22): aiohttp-security handlers that call
check_authorized where their siblings call check_permission, Flask-Principal ``Permission.require()``
tested for truth (an always-truthy IdentityContext) instead of ``.can()``, S3 presigned URLs /
listings / presigned POSTs for a workspace id taken from the request, an rpyc ThreadedServer exposing
operations without an authenticator, aiohttp_session's unsigned SimpleCookieStorage holding the
signed-in user id, a discord.py bot that lets members give themselves any role below its own, Falcon
multipart uploads saved under their (secure) client name into a directory served by
``add_static_route``, and per-job ``logging.FileHandler`` paths joined from a client-chosen log name.

Every family of a ``val_*`` module goes to the validation split (generate.assign_splits). All but the
last are whole short modules (``full=True``); ``Spec.fw`` keeps the schema's framework kinds (Falcon ->
flask, rpyc / discord.py -> script); ``ctx.fw`` (in the notes) names the real stack.
"""
from core import Spec
from module_kit import _clean, _w as W
from registry import fam, hardneg


def J(text, n):
    """A multi-line insert for a template indented by n spaces: indent its continuation lines."""
    return text.replace("\n", "\n" + " " * n)


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-862: aiohttp-security handler with check_authorized instead of check_permission ----------------


def _aiosec(c, hard=False):
    perm = c.pick("admin", "staff", "support_admin", "accounts.manage")
    act, verb, path, call, ret = c.pick(
        ("disable", "post", "/api/admin/users/{user_id}/disable",
         "await users.update(user_id, active=False)", '{"id": user_id, "active": False}'),
        ("delete", "delete", "/api/admin/users/{user_id}",
         "await users.delete(user_id)", '{"id": user_id, "deleted": True}'),
        ("reset_mfa", "post", "/api/admin/users/{user_id}/mfa/reset",
         "await users.update(user_id, totp_secret=None, mfa_enabled=False)", '{"id": user_id, "mfa_enabled": False}'),
        ("set_plan", "post", "/api/admin/accounts/{user_id}/plan",
         'await users.update(user_id, plan=(await request.json())["plan"])', '{"id": user_id, "plan_changed": True}'))
    fname = {"disable": "disable_user", "delete": "delete_user", "reset_mfa": "reset_user_mfa",
             "set_plan": "set_account_plan"}[act]
    store = c.pick(("UserStore", ".store"), ("AccountRepository", ".repository"), ("Users", ".db"))
    storage = c.pick(
        ("from aiohttp_session.redis_storage import RedisStorage\nfrom redis import asyncio as aioredis",
         'RedisStorage(aioredis.from_url(os.environ["REDIS_URL"]))'),
        ("from aiohttp_session.cookie_storage import EncryptedCookieStorage",
         'EncryptedCookieStorage(base64.urlsafe_b64decode(os.environ["SESSION_KEY"]))'))
    extra_imp = "import base64\n        " if "base64" in storage[1] else ""
    check = "await check_permission(request, PERM)" if hard else "await check_authorized(request)  #@V"
    mark = "" if hard else "  #@V"
    self_service = ""
    if hard:
        self_service = f"""

        @routes.patch("/api/me")
        async def update_me(request):
            user_id = await check_authorized(request)
            body = await request.json()
            await request.app["users"].update(user_id, display_name=str(body.get("display_name", ""))[:80])
            return web.json_response({{"id": user_id, "updated": True}})
"""
    v = f"""
        {extra_imp}import logging
        import os

        from aiohttp import web
        from aiohttp_security import SessionIdentityPolicy, check_authorized, check_permission
        from aiohttp_security import setup as setup_security
        from aiohttp_security.abc import AbstractAuthorizationPolicy
        from aiohttp_session import setup as setup_session
        {J(storage[0], 8)}

        from {store[1]} import {store[0]}

        log = logging.getLogger(__name__)
        routes = web.RouteTableDef()
        PERM = "{perm}"


        class DBAuthorizationPolicy(AbstractAuthorizationPolicy):
            def __init__(self, users):
                self.users = users

            async def authorized_userid(self, identity):
                user = await self.users.get_by_login(identity)
                return user.id if user is not None and user.active else None

            async def permits(self, identity, permission, context=None):
                user = await self.users.get_by_login(identity)
                return user is not None and permission in user.permissions


        @routes.get("/api/me")
        async def me(request):
            user_id = await check_authorized(request)
            user = await request.app["users"].get(user_id)
            return web.json_response({{"id": user.id, "email": user.email}})
{self_service}

        @routes.get("/api/admin/users")
        async def list_users(request):
            await check_permission(request, PERM)
            rows = await request.app["users"].list(limit=200)
            return web.json_response([{{"id": u.id, "email": u.email, "active": u.active}} for u in rows])


        @routes.{verb}("{path}")
        async def {fname}(request):
            {check}
            users = request.app["users"]
            user_id = int(request.match_info["user_id"])
            {call}{mark}
            log.info("admin action %s on user %s", "{act}", user_id)
            return web.json_response({ret})


        def create_app():
            app = web.Application()
            app["users"] = {store[0]}(os.environ["DATABASE_URL"])
            setup_session(app, {storage[1]})
            setup_security(app, SessionIdentityPolicy(), DBAuthorizationPolicy(app["users"]))
            app.add_routes(routes)
            return app
    """
    s = v.replace("await check_authorized(request)  #@V", "await check_permission(request, PERM)")
    return v, _clean(s)


@fam("val-authz-aiohttp-security-authorized-only", "CWE-862", fws=["aiohttp"], n=8, wrap=False)
def authz_aiosec(c):
    v, s = _aiosec(c)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="aiohttp-security: check_authorized only proves the caller is signed in; the admin handler "
                      "never calls check_permission(request, PERM) like its siblings, so any user can run it; the "
                      "fix checks the permission")


@hardneg(3)
def authz_aiosec_hn(c):
    v, _ = _aiosec(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="aiohttp",
                notes="every admin handler calls check_permission; the only check_authorized-only handler updates "
                      "the caller's own record")


# ---------------- CWE-863: Flask-Principal require() tested for truth instead of can() ----------------


def _principal(c, hard=False):
    w, Wc = W(c)
    need, perm_name = c.pick(('RoleNeed("admin")', "admin_permission"),
                             ('RoleNeed("owner"), RoleNeed("admin")', "owner_permission"),
                             ('ActionNeed("manage")', "manage_permission"))
    exc = c.pick("http_exception=403", "403", "")
    shape = c.pick("route", "route", "blueprint")
    act, verb, suffix, action, ret = c.pick(
        ("delete", "delete", "", "db.session.delete(item)", '"", 204'),
        ("purge", "post", "/purge", f"{Wc}Revision.query.filter_by({w}_id=item.id).delete()", "jsonify(purged=True)"),
        ("transfer", "post", "/transfer",
         'item.owner_id = int(request.get_json(force=True)["owner_id"])', "jsonify(id=item.id, owner_id=item.owner_id)"))
    if hard:
        guard = f"with {perm_name}.require({exc}):"
    else:
        guard = f"if not {perm_name}.require({exc}):  #@V"
    if shape == "route":
        if hard:
            body = f"""
                item = {Wc}.query.get_or_404(item_id)
                {guard}
                    {action}
                    db.session.commit()
                return {ret}"""
        else:
            body = f"""
                {guard}
                    abort(403)
                item = {Wc}.query.get_or_404(item_id)
                {action}  #@V
                db.session.commit()
                return {ret}"""
        routes = f"""
            @app.{verb}("/api/{w}s/<int:item_id>{suffix}")
            @login_required
            def {act}_{w}(item_id):{body}"""
        bp_setup = ""
        register = ""
    else:
        if hard:
            hook = f"""
            @admin_bp.before_request
            def restrict_to_admins():
                if not current_user.is_authenticated or not {perm_name}.can():
                    abort(403)"""
        else:
            hook = f"""
            @admin_bp.before_request
            def restrict_to_admins():
                if not current_user.is_authenticated or not {perm_name}.require({exc}):  #@V
                    abort(403)"""
        routes = f"""{hook}


            @admin_bp.{verb}("/{w}s/<int:item_id>{suffix}")
            def {act}_{w}(item_id):
                item = {Wc}.query.get_or_404(item_id)
                {action}{"" if hard else "  #@V"}
                db.session.commit()
                return {ret}"""
        bp_setup = '\n            admin_bp = Blueprint("admin", __name__, url_prefix="/admin")\n'
        register = "\n\n            app.register_blueprint(admin_bp)"
    bp_imp = "Blueprint, " if shape == "blueprint" else ""
    req_imp = ", request" if "request." in action else ""
    need_imp = "ActionNeed" if "ActionNeed" in need else "RoleNeed"
    v = f"""
            import os

            from flask import {bp_imp}Flask, abort, jsonify{req_imp}
            from flask_login import LoginManager, current_user, login_required
            from flask_principal import AnonymousIdentity, Identity, Permission, Principal, {need_imp}, identity_loaded

            from .models import {Wc}, {Wc}Revision, User, db

            app = Flask(__name__)
            app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
            login_manager = LoginManager(app)
            principals = Principal(app, use_sessions=False)
            {perm_name} = Permission({need})
            editor_permission = Permission({need_imp}("{"edit" if need_imp == "ActionNeed" else "editor"}"))
{bp_setup}

            @login_manager.user_loader
            def load_user(user_id):
                return User.query.get(int(user_id))


            @principals.identity_loader
            def load_identity():
                if current_user.is_authenticated:
                    return Identity(current_user.id)
                return AnonymousIdentity()


            @identity_loaded.connect_via(app)
            def on_identity_loaded(sender, identity):
                if current_user.is_authenticated:
                    for grant in current_user.grants:
                        identity.provides.add({need_imp}(grant.name))


            @app.post("/api/{w}s/<int:item_id>/publish")
            @login_required
            @editor_permission.require(http_exception=403)
            def publish_{w}(item_id):
                item = {Wc}.query.get_or_404(item_id)
                item.published = True
                db.session.commit()
                return jsonify(id=item.id, published=True)

{routes}{register}
    """
    s = v.replace(f"{perm_name}.require({exc}):  #@V", f"{perm_name}.can():")
    return v, _clean(s)


@fam("val-authz-flask-principal-require-truthy", "CWE-863", fws=["flask"], n=8, wrap=False)
def authz_principal(c):
    v, s = _principal(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Flask-Principal: Permission.require() only builds an IdentityContext (checked when used as a "
                      "decorator or with-block); the object is always truthy, so `not perm.require()` is never true "
                      "and every signed-in user passes; the fix tests perm.can()")


@hardneg(4)
def authz_principal_hn(c):
    v, _ = _principal(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="flask",
                notes="Flask-Principal used correctly: require() as a decorator or with-block, can() in a test")


# ---------------- CWE-639: S3 presigned URL / listing / POST for a workspace id from the request ----------------


def _s3(c, hard=False):
    w, Wc = W(c)
    fw = c.fw
    I = "                "  # body indentation inside the templates below
    folder = c.pick("files", "exports", "attachments", "reports")
    op = c.pick("get", "list", "post")
    ttl = c.pick("300", "600", "900")
    bucket_env = c.pick("WORKSPACE_BUCKET", f"{w.upper()}_BUCKET", "FILES_BUCKET")
    name_arg = {"flask": 'request.args["name"]', "django": 'request.GET["name"]',
                "aiohttp": 'request.query["name"]'}[fw]
    if op == "get":
        work = ["name = os.path.basename(" + name_arg + ")",
                f'key = f"workspaces/{{workspace_id}}/{folder}/{{name}}"',
                f'url = s3.generate_presigned_url("get_object", Params={{"Bucket": BUCKET, "Key": key}}, ExpiresIn={ttl})  #@V']
        res = '{"url": url, "expires_in": ' + ttl + "}"
    elif op == "list":
        work = [f'listing = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"workspaces/{{workspace_id}}/{folder}/", MaxKeys=200)  #@V',
                "files = [",
                '    {"key": o["Key"], "size": o["Size"],',
                f'     "url": s3.generate_presigned_url("get_object", Params={{"Bucket": BUCKET, "Key": o["Key"]}}, ExpiresIn={ttl})}}',
                '    for o in listing.get("Contents", [])',
                "]"]
        res = '{"files": files}'
    else:
        work = [f'key = f"workspaces/{{workspace_id}}/{folder}/{{uuid.uuid4().hex}}"',
                f"post = s3.generate_presigned_post(BUCKET, key, ExpiresIn={ttl},  #@V",
                '                                  Conditions=[["content-length-range", 1, 25 * 1024 * 1024]])']
        res = '{"upload": post, "key": key}'
    verb = "post" if op == "post" else "get"
    fn = {"get": f"{folder}_link", "list": f"list_{folder}", "post": f"{folder}_upload_url"}[op]
    tail = {"get": "/link", "list": "", "post": "/upload-url"}[op]
    std = "import os" + ("\nimport uuid" if op == "post" else "")
    pre = (f's3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION", "eu-west-1"))\n'
           f'BUCKET = os.environ["{bucket_env}"]')

    def block(ret_fmt):
        return "\n".join(I + l for l in work) + "\n" + I + ret_fmt.format(res)

    if fw == "flask":
        src = 'workspace_id = int(request.args["workspace_id"])  #@S'
        guard = I + "if not is_member(current_user.id, workspace_id):\n" + I + "    abort(404)\n"
        head = f"""
            {J(std, 12)}

            import boto3
            from flask import Flask, abort, jsonify, request
            from flask_login import current_user, login_required

            from .access import is_member, members_of, workspaces_for

            app = Flask(__name__)
            {J(pre, 12)}


            @app.get("/api/workspaces")
            @login_required
            def my_workspaces():
                return jsonify([{{"id": ws.id, "name": ws.name}} for ws in workspaces_for(current_user.id)])


            @app.get("/api/workspaces/<int:workspace_id>/members")
            @login_required
            def members(workspace_id):
                if not is_member(current_user.id, workspace_id):
                    abort(404)
                return jsonify(members=[m.email for m in members_of(workspace_id)])


            @app.{verb}("/api/{folder}{tail}")
            @login_required
            def {fn}():
                {src}
GUARD"""
        v = head + block("return jsonify({})") + "\n"
    elif fw == "django":
        src = 'workspace_id = int(request.GET["workspace"])  #@S'
        guard = (I + "if not Membership.objects.filter(user=request.user, workspace_id=workspace_id).exists():\n"
                 + I + "    raise Http404()\n")
        deco = "require_POST" if verb == "post" else "require_GET"
        head = f"""
            {J(std, 12)}

            import boto3
            from django.contrib.auth.decorators import login_required
            from django.http import Http404, JsonResponse
            from django.views.decorators.http import {"require_GET, require_POST" if deco == "require_POST" else "require_GET"}

            from .models import Membership

            {J(pre, 12)}


            @login_required
            @require_GET
            def my_workspaces(request):
                rows = Membership.objects.filter(user=request.user).select_related("workspace")
                return JsonResponse({{"workspaces": [{{"id": m.workspace_id, "name": m.workspace.name}} for m in rows]}})


            @login_required
            @require_GET
            def workspace_members(request, workspace_id):
                if not Membership.objects.filter(user=request.user, workspace_id=workspace_id).exists():
                    raise Http404()
                rows = Membership.objects.filter(workspace_id=workspace_id).select_related("user")
                return JsonResponse({{"members": [m.user.email for m in rows]}})


            @login_required
            @{deco}
            def {fn}(request):
                {src}
GUARD"""
        v = head + block("return JsonResponse({})") + "\n"
    else:
        src = 'workspace_id = int(request.match_info["workspace_id"])  #@S'
        guard = I + "if not await is_member(request[\"user\"].id, workspace_id):\n" + I + "    raise web.HTTPNotFound()\n"
        head = f"""
            {J(std, 12)}

            import boto3
            from aiohttp import web

            from .access import is_member, members_of

            routes = web.RouteTableDef()
            {J(pre, 12)}


            @routes.get("/api/workspaces/{{workspace_id}}/members")
            async def members(request):
                workspace_id = int(request.match_info["workspace_id"])
                if not await is_member(request["user"].id, workspace_id):
                    raise web.HTTPNotFound()
                return web.json_response({{"members": [m.email for m in await members_of(workspace_id)]}})


            @routes.{verb}("/api/workspaces/{{workspace_id}}/{folder}{tail}")
            async def {fn}(request):
                {src}
GUARD"""
        v = head + block("return web.json_response({})") + "\n\n\n" + I[:12] + "def setup_routes(app):\n" + I + "app.add_routes(routes)\n"
    s = v.replace("GUARD", guard)
    v = s if hard else v.replace("GUARD", "")
    sc = c.pick("workspace", "workspace", "team", "org", "project")
    v, s = (x.replace("workspace", sc).replace("WORKSPACE", sc.upper()) for x in (v, s))
    return v, _clean(s)


@fam("val-idor-s3-presigned-workspace-key", "CWE-639", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def idor_s3(c):
    v, s = _s3(c)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the S3 key prefix is built from a workspace id the client sends, and boto3 signs a URL or "
                      "lists the prefix (generate_presigned_url / list_objects_v2 / generate_presigned_post) without "
                      "checking that the caller belongs to that workspace, so any signed-in user reads or writes other "
                      "workspaces' objects; the fix checks membership first")


@hardneg(3)
def idor_s3_hn(c):
    v, _ = _s3(c, hard=True)
    return Spec(s=_clean(v), full=True, fw=c.fw,
                notes="the same presigned-URL handler after a membership check for the requested workspace")


# ---------------- CWE-306: rpyc server exposing operations without an authenticator ----------------


def _rpyc(c, hard=False):
    w, Wc = W(c)
    svc = c.pick("OpsService", "MaintenanceService", "WorkerControlService", f"{Wc}AdminService")
    server_cls = c.pick("ThreadedServer", "ThreadedServer", "ThreadPoolServer", "ForkingServer")
    host = c.pick('"0.0.0.0"', '"0.0.0.0"', '"::", ipv6=True')  # rpyc binds an AF_INET socket unless ipv6=True
    port = c.pick("18861", "18812", "9400", "7755")
    tls = c.pick("/etc/opsd/tls", f"/etc/{w}-ops/tls", "/srv/ops/certs")
    act, args, call, logline = c.pick(
        ("run_migration", "self, name", "return fleet.run_migration(str(name))", '"migration %s requested", name'),
        ("restart", "self, service", "return fleet.restart(str(service))", '"restart of %s requested", service'),
        ("set_config", "self, key, value", "fleet.config.set(str(key), str(value))\n                return True",
         '"config %s changed", key'),
        ("drain_node", "self, node", "return fleet.drain(str(node), force=True)", '"drain of %s requested", node'),
        ("purge_queue", "self, queue", "return fleet.purge_queue(str(queue))", '"purge of %s requested", queue'))
    extra = c.pick(
        ("exposed_workers", "return [wk.as_dict() for wk in fleet.workers()]"),
        ("exposed_version", "return fleet.version"),
        ("exposed_queue_depth", "return {q.name: q.depth for q in fleet.queues()}"))
    auth = (f"""authenticator=SSLAuthenticator(
                    os.path.join(TLS_DIR, "server.key"), os.path.join(TLS_DIR, "server.crt"),
                    ca_certs=os.path.join(TLS_DIR, "clients-ca.pem"), cert_reqs=ssl.CERT_REQUIRED,
                ),
                """)
    v = f"""
        import logging
        import os

        import rpyc
        from rpyc.utils.server import {server_cls}

        from .fleet import Fleet

        log = logging.getLogger("{w}-ops")
        fleet = Fleet.from_env()


        class {svc}(rpyc.Service):
            def on_connect(self, conn):
                log.info("ops client connected")

            def on_disconnect(self, conn):
                log.info("ops client disconnected")

            def exposed_status(self):
                return fleet.status()

            def {extra[0]}(self):
                {extra[1]}

            def exposed_{act}({args}):  #@V
                log.warning({logline})
                {call}


        def main():
            logging.basicConfig(level=logging.INFO)
            server = {server_cls}(  #@V
                {svc},
                hostname={host},
                port=int(os.environ.get("OPS_PORT", "{port}")),
                protocol_config={{"allow_public_attrs": False, "sync_request_timeout": 120}},
            )
            server.start()


        if __name__ == "__main__":
            main()
    """
    s = (v.replace("        import os\n", "        import os\n        import ssl\n", 1)
          .replace(f"        from rpyc.utils.server import {server_cls}\n",
                   f"        from rpyc.utils.authenticators import SSLAuthenticator\n"
                   f"        from rpyc.utils.server import {server_cls}\n", 1)
          .replace('        fleet = Fleet.from_env()\n',
                   f'        fleet = Fleet.from_env()\n        TLS_DIR = os.environ.get("OPS_TLS_DIR", "{tls}")\n', 1)
          .replace(f"                {svc},\n", f"                {svc},\n                " + auth.rstrip(" "), 1)
          .replace(f"server = {server_cls}(  #@V", f"server = {server_cls}("))
    return v, _clean(s)


@fam("val-noauth-rpyc-threaded-server", "CWE-306", fws=["rpyc"], n=8, wrap=False)
def noauth_rpyc(c):
    v, s = _rpyc(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the rpyc server listens on every interface with no authenticator, so any host that reaches "
                      "the port can call the exposed_ operations (migrations, restarts, config changes); the fix "
                      "requires client certificates from the ops CA (SSLAuthenticator with CERT_REQUIRED)")


@hardneg(3)
def noauth_rpyc_hn(c):
    _, s = _rpyc(c)
    return Spec(s=s, full=True, fw="script",
                notes="the rpyc server is built with an SSLAuthenticator that requires a client certificate signed "
                      "by the ops CA before any exposed_ method can be called")


# ---------------- CWE-287: aiohttp_session SimpleCookieStorage holds the signed-in user id ----------------


def _simple_cookie(c, hard=False):
    w, Wc = W(c)
    key = c.pick("user_id", "uid", "account_id")
    cookie = c.pick("AIOHTTP_SESSION", f"{w}_session", "sid")
    age = c.pick("8 * 3600", "7 * 24 * 3600", "3600")
    shape = c.pick("setup", "setup", "middleware")
    opts = f'cookie_name="{cookie}", httponly=True, secure=True, max_age={age}'
    v_store = f"SimpleCookieStorage({opts})"
    s_store = f"EncryptedCookieStorage(SESSION_KEY, {opts})"
    if shape == "setup":
        app_lines = f"""app = web.Application()
            setup_session(app, {v_store})  #@V
            app.middlewares.append(require_login)"""
        sess_imp = "from aiohttp_session import SimpleCookieStorage, get_session, new_session\n        from aiohttp_session import setup as setup_session"
    else:
        app_lines = f"""app = web.Application(middlewares=[
                session_middleware({v_store}),  #@V
                require_login,
            ])"""
        sess_imp = "from aiohttp_session import SimpleCookieStorage, get_session, new_session, session_middleware"
    v = f"""
        import logging

        from aiohttp import web
        {sess_imp}

        from .db import Database
        from .passwords import verify_password

        log = logging.getLogger(__name__)
        PUBLIC_PATHS = {{"/login", "/healthz"}}


        @web.middleware
        async def require_login(request, handler):
            if request.path in PUBLIC_PATHS:
                return await handler(request)
            session = await get_session(request)
            if "{key}" not in session:
                raise web.HTTPFound("/login")
            request["{key}"] = session["{key}"]  #@V
            return await handler(request)


        async def login(request):
            form = await request.post()
            user = await request.app["db"].find_user(form.get("email", ""))
            if user is None or not verify_password(user.password_hash, form.get("password", "")):
                log.info("failed sign-in")
                raise web.HTTPUnauthorized(text="invalid email or password")
            session = await new_session(request)
            session["{key}"] = user.id
            raise web.HTTPFound("/")


        async def list_{w}s(request):
            rows = await request.app["db"].{w}s_for(request["{key}"], limit=50)
            return web.json_response([r.as_dict() for r in rows])


        async def healthz(request):
            return web.json_response({{"ok": True}})


        def create_app(db: Database):
            {app_lines}
            app["db"] = db
            app.router.add_post("/login", login)
            app.router.add_get("/api/{w}s", list_{w}s)
            app.router.add_get("/healthz", healthz)
            return app
    """
    s = (v.replace("SimpleCookieStorage, ", "")
          .replace("        import logging\n", "        import base64\n        import logging\n        import os\n", 1)
          .replace("\n\n        from .db import Database\n",
                   "\n        from aiohttp_session.cookie_storage import EncryptedCookieStorage\n\n"
                   "        from .db import Database\n", 1)
          .replace("        PUBLIC_PATHS = ",
                   '        SESSION_KEY = base64.urlsafe_b64decode(os.environ["SESSION_KEY"])\n        PUBLIC_PATHS = ', 1)
          .replace(v_store + ")  #@V", s_store + ")")
          .replace(v_store + "),  #@V", s_store + "),"))
    return v, _clean(s)


@fam("val-authn-aiohttp-session-simple-cookie", "CWE-287", fws=["aiohttp"], n=8, wrap=False)
def authn_simple_cookie(c):
    v, s = _simple_cookie(c)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="aiohttp_session's SimpleCookieStorage keeps the session as plain, unsigned JSON in the "
                      "cookie; the login middleware trusts the user id found there, so a client that writes "
                      "{\"user_id\": N} into the cookie is signed in as user N; the fix uses EncryptedCookieStorage "
                      "with a server-side key")


@hardneg(2)
def authn_simple_cookie_hn(c):
    _, s = _simple_cookie(c)
    return Spec(s=s, full=True, fw="aiohttp",
                notes="the session cookie is encrypted and authenticated (EncryptedCookieStorage), so the user id "
                      "in it was written by the server")


@hardneg(2)
def authn_simple_cookie_test_hn(c):
    w, Wc = W(c)
    key = c.pick("user_id", "uid", "account_id")
    v = f"""
        import pytest
        from aiohttp import web
        from aiohttp_session import SimpleCookieStorage, get_session
        from aiohttp_session import setup as setup_session

        from {w}app.views import list_{w}s, require_login


        async def _sign_in_as(request):
            session = await get_session(request)
            session["{key}"] = int(request.match_info["uid"])
            return web.json_response({{"ok": True}})


        @pytest.fixture
        def app(fake_db):
            app = web.Application()
            # tests only: a readable cookie lets the assertions look inside the session
            setup_session(app, SimpleCookieStorage())
            app.middlewares.append(require_login)
            app["db"] = fake_db
            app.router.add_get("/_test/sign-in/{{uid}}", _sign_in_as)
            app.router.add_get("/api/{w}s", list_{w}s)
            return app


        async def test_lists_only_own_{w}s(aiohttp_client, app, fake_db):
            fake_db.add_{w}(owner=1, title="mine")
            fake_db.add_{w}(owner=2, title="theirs")
            client = await aiohttp_client(app)
            await client.get("/_test/sign-in/1")
            resp = await client.get("/api/{w}s")
            assert resp.status == 200
            assert [r["title"] for r in await resp.json()] == ["mine"]
    """
    return Spec(s=v, full=True, fw="aiohttp",
                notes="SimpleCookieStorage in a pytest fixture: test code that never serves real users")


# ---------------- CWE-269: discord.py bot lets members give themselves any role below its own ----------------


def _discord(c):
    shape = c.pick("prefix", "slash", "mod")
    optin = c.pick(("announcements", "events", "python", "rust", "beta-testers"),
                   ("lfg", "raid-alerts", "patch-notes", "eu", "na"),
                   ("he-him", "she-her", "they-them", "movie-night", "book-club"))
    optin_lit = "{" + ", ".join(f'"{r}"' for r in optin) + "}"
    token_env = c.pick("DISCORD_TOKEN", "BOT_TOKEN", "ROLEBOT_TOKEN")
    logname = c.pick("rolebot", "guildbot", "community-bot")
    if shape == "prefix":
        cmd, prefix = c.pick(("iam", "!"), ("join", "?"), ("role", "."))
        v = f"""
            import logging
            import os

            import discord
            from discord.ext import commands

            log = logging.getLogger("{logname}")
            intents = discord.Intents.default()
            intents.members = True
            intents.message_content = True
            bot = commands.Bot(command_prefix="{prefix}", intents=intents)

            SELF_ASSIGNABLE = {optin_lit}


            @bot.command(name="roles")
            @commands.guild_only()
            async def list_roles(ctx: commands.Context):
                await ctx.send("Roles you can take: " + ", ".join(sorted(SELF_ASSIGNABLE)))


            @bot.command(name="{cmd}")
            @commands.guild_only()
            async def add_role(ctx: commands.Context, *, role_name: str):  #@S
                role = discord.utils.get(ctx.guild.roles, name=role_name.strip())
                if role is None:  #@V
                    await ctx.send(f"There is no role called {{role_name}}.")
                    return
                if role >= ctx.guild.me.top_role:
                    await ctx.send("That role is above mine, I cannot hand it out.")
                    return
                await ctx.author.add_roles(role, reason="self-assigned with {prefix}{cmd}")  #@V
                log.info("%s took role %s in %s", ctx.author, role.name, ctx.guild.name)
                await ctx.send(f"You now have {{role.name}}.")


            @bot.command(name="{cmd}not")
            @commands.guild_only()
            async def remove_role(ctx: commands.Context, *, role_name: str):
                role = discord.utils.get(ctx.author.roles, name=role_name.strip())
                if role is not None and role.name in SELF_ASSIGNABLE:
                    await ctx.author.remove_roles(role, reason="self-removed")
                    await ctx.send(f"Removed {{role.name}}.")


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                bot.run(os.environ["{token_env}"])
        """
        s = v.replace("                if role is None:  #@V",
                      "                if role is None or role.name not in SELF_ASSIGNABLE:")
        s = s.replace('There is no role called {role_name}.', '{role_name} is not a role you can take; see the roles command.')
    elif shape == "slash":
        v = f"""
            import logging
            import os

            import discord
            from discord import app_commands

            log = logging.getLogger("{logname}")
            SELF_ASSIGNABLE_IDS = {{int(r) for r in os.environ["SELF_ROLE_IDS"].split(",") if r}}


            class RoleBot(discord.Client):
                def __init__(self):
                    intents = discord.Intents.default()
                    intents.members = True
                    super().__init__(intents=intents)
                    self.tree = app_commands.CommandTree(self)

                async def setup_hook(self):
                    await self.tree.sync()


            client = RoleBot()


            @client.tree.command(name="roles", description="List the opt-in roles")
            @app_commands.guild_only()
            async def roles(interaction: discord.Interaction):
                names = [r.mention for r in interaction.guild.roles if r.id in SELF_ASSIGNABLE_IDS]
                await interaction.response.send_message(" ".join(names) or "none", ephemeral=True)


            @client.tree.command(name="giveme", description="Give yourself an opt-in role")
            @app_commands.guild_only()
            async def giveme(interaction: discord.Interaction, role: discord.Role):  #@S
                if role.managed or role >= interaction.guild.me.top_role:  #@V
                    await interaction.response.send_message("I can't hand out that role.", ephemeral=True)
                    return
                await interaction.user.add_roles(role, reason="/giveme")  #@V
                log.info("%s took role %s", interaction.user, role.name)
                await interaction.response.send_message(f"Added {{role.mention}}.", ephemeral=True)


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                client.run(os.environ["{token_env}"])
        """
        s = v.replace("                if role.managed or role >= interaction.guild.me.top_role:  #@V",
                      "                if role.id not in SELF_ASSIGNABLE_IDS or role >= interaction.guild.me.top_role:")
    else:
        cmd = c.pick("giverole", "grant", "addrole")
        v = f"""
            import logging
            import os

            import discord
            from discord.ext import commands

            log = logging.getLogger("{logname}")
            intents = discord.Intents.default()
            intents.members = True
            intents.message_content = True
            bot = commands.Bot(command_prefix="!", intents=intents)


            @bot.command(name="{cmd}")
            @commands.guild_only()
            @commands.has_guild_permissions(manage_roles=True)
            async def give_role(ctx: commands.Context, member: discord.Member, *, role: discord.Role):  #@S
                if role >= ctx.guild.me.top_role:  #@V
                    await ctx.send("That role is above mine.")
                    return
                await member.add_roles(role, reason=f"{{ctx.author}} used !{cmd}")  #@V
                log.info("%s gave %s the role %s", ctx.author, member, role.name)
                await ctx.send(f"Gave {{member.display_name}} {{role.name}}.")


            @give_role.error
            async def give_role_error(ctx: commands.Context, error):
                if isinstance(error, commands.MissingPermissions):
                    await ctx.send("You need Manage Roles for that.")
                else:
                    raise error


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                bot.run(os.environ["{token_env}"])
        """
        s = v.replace("                if role >= ctx.guild.me.top_role:  #@V",
                      "                if role >= ctx.guild.me.top_role or (role >= ctx.author.top_role and ctx.author != ctx.guild.owner):")
        s = s.replace('"That role is above mine."', '"That role is above mine or yours."')
    return v, _clean(s), shape


@fam("val-priv-discord-self-assign-role", "CWE-269", fws=["discord"], n=8, wrap=False)
def priv_discord(c):
    v, s, shape = _discord(c)
    why = {"prefix": "the !-command looks the role up by any name and only checks that the bot can hand it out, "
                     "never that it is one of the SELF_ASSIGNABLE opt-in roles",
           "slash": "the slash command accepts any discord.Role and only checks that the bot can hand it out, never "
                    "that it is one of the opt-in SELF_ASSIGNABLE_IDS",
           "mod": "a member with Manage Roles can make the bot hand out any role below the bot's, including roles "
                  "above the member's own top role, which Discord itself would refuse them"}[shape]
    return Spec(v=v, s=s, full=True, fw="script",
                notes=f"discord.py bot with Manage Roles: {why}; members escalate to moderator/admin roles; the fix "
                      f"adds the missing restriction")


@hardneg(3)
def priv_discord_hn(c):
    _, s, _ = _discord(c)
    return Spec(s=s, full=True, fw="script",
                notes="the bot only hands out opt-in roles (or roles below the invoking moderator's top role)")


# ---------------- CWE-434: Falcon multipart upload saved under its client name into a static route ----------------


def _falcon_upload(c):
    w, Wc = W(c)
    asgi = c.pick(False, False, True)
    field = c.pick("file", "attachment", "upload")
    prefix = c.pick("/files", "/media", f"/{w}-files")
    updir = c.pick(f"/srv/{w}/uploads", "/var/www/uploads", f"/data/{w}/public")
    naming = c.pick("uuid", "plain")
    allowed = c.pick('{".png", ".jpg", ".jpeg", ".gif", ".pdf"}', '{".pdf", ".docx", ".xlsx", ".csv", ".txt"}',
                     '{".jpg", ".jpeg", ".png", ".webp"}')
    stored = ('stored = f"{uuid.uuid4().hex[:12]}-{name}"' if naming == "uuid" else "stored = name")
    std = "import logging\n            import os" + ("\n            import uuid" if naming == "uuid" else "")
    if asgi:
        app_imp = "import falcon\n            import falcon.asgi"
        head = "async def on_post(self, req, resp):"
        media = "form = await req.get_media()"
        loop = "async for part in form:"
        write = ("data = await part.get_data()\n"
                 "                        with open(os.path.join(UPLOAD_DIR, stored), \"wb\") as dest:  #@V\n"
                 "                            dest.write(data)")
        app_line = "app = falcon.asgi.App()"
    else:
        app_imp = "import falcon"
        head = "def on_post(self, req, resp):"
        media = "form = req.get_media()"
        loop = "for part in form:"
        write = ("with open(os.path.join(UPLOAD_DIR, stored), \"wb\") as dest:  #@V\n"
                 "                            part.stream.pipe(dest)")
        app_line = "app = falcon.App()"
    v = f"""
            {std}

            {app_imp}

            log = logging.getLogger(__name__)
            UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "{updir}")
            PUBLIC_PREFIX = "{prefix}"


            class {Wc}Attachments:
                {head}
                    {media}
                    saved = []
                    {loop}
                        if part.name != "{field}":
                            continue
                        name = part.secure_filename  #@S
                        {stored}
                        {write}
                        log.info("stored upload %s (%s)", stored, part.content_type)
                        saved.append(f"{{PUBLIC_PREFIX}}/{{stored}}")
                    if not saved:
                        raise falcon.HTTPBadRequest(description="no {field} part in the form")
                    resp.media = {{"files": saved}}
                    resp.status = falcon.HTTP_201


            {app_line}
            app.add_route("/{w}s/attachments", {Wc}Attachments())
            app.add_static_route(PUBLIC_PREFIX, UPLOAD_DIR)
    """
    s = (v.replace("                        name = part.secure_filename  #@S\n",
                   "                        name = part.secure_filename\n"
                   "                        if os.path.splitext(name)[1].lower() not in ALLOWED_EXTENSIONS:\n"
                   "                            raise falcon.HTTPUnsupportedMediaType(description=\"file type not allowed\")\n")
          .replace('            PUBLIC_PREFIX = ', f'            ALLOWED_EXTENSIONS = {allowed}\n            PUBLIC_PREFIX = ', 1))
    return v, _clean(s), asgi


@fam("val-upload-falcon-multipart-secure-filename", "CWE-434", fws=["falcon"], n=8, wrap=False)
def upload_falcon(c):
    v, s, asgi = _falcon_upload(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Falcon multipart: part.secure_filename strips path parts but keeps any extension, and the "
                      "file lands in the directory app.add_static_route serves with a type guessed from that "
                      "extension, so an uploaded .html or .svg runs script in the site's origin; the fix allows only "
                      "listed extensions" + ("; falcon.asgi" if asgi else ""))


@hardneg(3)
def upload_falcon_hn(c):
    _, s, _ = _falcon_upload(c)
    return Spec(s=s, full=True, fw="flask",
                notes="the multipart part's extension is checked against an allow-list before the file is stored "
                      "under the static route")


# ---------------- CWE-22: per-job logging.FileHandler path joined from a client-chosen log name ----------------


@fam("val-pt-logging-filehandler-job-log", "CWE-22", fws=["pipeline", "pipeline", "flask", "fastapi"],
     keys=["log_file", "logfile", "log_name"], n=8)
def pt_filehandler(c):
    _pin(c)
    x = c.x
    kind = c.pick("FileHandler", "RotatingFileHandler", "WatchedFileHandler", "TimedRotatingFileHandler")
    ctor = {"FileHandler": 'logging.FileHandler(log_path, encoding="utf-8")',
            "RotatingFileHandler": 'RotatingFileHandler(log_path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")',
            "WatchedFileHandler": 'WatchedFileHandler(log_path, encoding="utf-8")',
            "TimedRotatingFileHandler": 'TimedRotatingFileHandler(log_path, when="midnight", backupCount=7, encoding="utf-8")'}[kind]
    imp = "import logging\nimport os\nimport uuid" + ("" if kind == "FileHandler" else f"\nfrom logging.handlers import {kind}")
    logdir = c.pick(f'"/var/log/{c.word}-jobs"', 'os.environ.get("JOB_LOG_DIR", "/var/log/jobs")', f'"/srv/{c.word}/logs"')
    task = c.pick(("rebuild_index", "index rebuilt: %d documents", "len(docs)", "docs = load_documents()"),
                  ("sync_accounts", "synced %d accounts", "len(accounts)", "accounts = fetch_accounts()"),
                  ("export_ledger", "exported %d ledger rows", "len(rows)", "rows = read_ledger()"))
    v = f"""
        run_id = uuid.uuid4().hex[:12]
        job_log = logging.getLogger(f"jobs.{{run_id}}")
        log_path = os.path.join(LOG_DIR, {x})  #@V
        handler = {ctor}  #@V
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        job_log.addHandler(handler)
        job_log.setLevel(logging.INFO)
        try:
            result = {task[0]}(job_log, run_id)
        finally:
            job_log.removeHandler(handler)
            handler.close()
    """
    s = v.replace(f"log_path = os.path.join(LOG_DIR, {x})  #@V", f"log_path = os.path.join(LOG_DIR, os.path.basename({x}))")
    s = _clean(s)
    loader = task[3].split(" = ")[1].rstrip("()")
    helpers = f'''
        LOG_DIR = {logdir}
        DATA_DIR = os.environ.get("JOB_DATA_DIR", "/srv/jobs/data")
        LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


        def {loader}():
            with open(os.path.join(DATA_DIR, "{task[0]}.jsonl"), encoding="utf-8") as fh:
                return [line for line in fh if line.strip()]


        def {task[0]}(job_log, run_id):
            job_log.info("run %s started", run_id)
            {task[3]}
            job_log.info("{task[1]}", {task[2]})
            return {{"run_id": run_id, "status": "done"}}
    '''
    return Spec(v=v, s=s, imports=imp, helpers=helpers,
                notes=f"the per-job log file name comes from the request and is joined under LOG_DIR unchecked; "
                      f"logging.{kind} opens it for append, so ../ or an absolute name creates or appends to any file "
                      f"the worker can write (the rotating handlers also rename it on rollover); the fix keeps only "
                      f"the base name")


@hardneg(3)
def pt_filehandler_hn(c):
    x = c.x
    s = f"""
        run_id = uuid.uuid4().hex[:12]
        job_log = logging.getLogger(f"jobs.{{run_id}}")
        handler = logging.FileHandler(os.path.join(LOG_DIR, f"{{run_id}}.log"), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        job_log.addHandler(handler)
        job_log.info("job requested with log label %r", {x})
        job_log.removeHandler(handler)
        handler.close()
        with open(os.path.join(LOG_DIR, f"{{run_id}}.log"), encoding="utf-8") as fh:
            result = {{"run_id": run_id, "log_tail": fh.read()[-2000:]}}
    """
    return Spec(s=s, imports="import logging\nimport os\nimport uuid",
                helpers=f'LOG_DIR = os.environ.get("JOB_LOG_DIR", "/var/log/{c.word}-jobs")',
                notes="the log file is named after a server-generated run id; the client's value is only logged")
