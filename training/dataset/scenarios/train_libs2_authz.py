"""Train-only authorization / authentication / privilege families on libraries no other family uses:
Casbin enforcement results that are only logged, django-guardian get_objects_for_user(any_perm=True)
on a destructive view, a gRPC server built without its auth interceptor, a websockets control server
without a token handshake, Flask-HTTPAuth verify_password accepting accounts with no local password,
google-auth verify_oauth2_token without an audience, Django permission/group delegation of rights the
delegator does not hold, and python-keycloak realm-role assignment from a request.

Every family is a whole module (``full=True``); ``Spec.fw`` keeps the schema's framework kinds
(gRPC / websockets servers -> script); ``ctx.fw`` (in the notes) names the real stack.
"""
from core import Spec
from registry import fam, hardneg

KIND = {"flask": "flask", "django": "django", "fastapi": "fastapi", "grpc": "script",
        "websockets": "script", "script": "script"}


def W(c):
    w = "note" if c.word == "profile" else c.word
    return w, w.capitalize()


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-863: Casbin enforce() result only logged ----------------


def _casbin(c):
    w, Wc = W(c)
    act, verb, call = c.pick(("delete", "delete", f"store.delete({w}_id)"),
                             ("write", "put", f"store.update({w}_id, title=str(payload.get('title', ''))[:200])"),
                             ("approve", "post", f"store.approve({w}_id)"))
    model = c.pick("rbac_model.conf", "authz/model.conf", "casbin/rbac_model.conf")
    policy = c.pick("rbac_policy.csv", "authz/policy.csv", "casbin/policy.csv")
    if c.fw == "flask":
        payload = "\n                payload = request.get_json(force=True)" if act == "write" else ""
        v = f"""
            import logging

            import casbin
            from flask import Flask, abort, jsonify, request
            from flask_login import current_user, login_required

            from .store import {Wc}Store

            log = logging.getLogger(__name__)
            app = Flask(__name__)
            store = {Wc}Store()
            enforcer = casbin.Enforcer("{model}", "{policy}")


            def authorize(obj, act):
                if not enforcer.enforce(current_user.username, obj, act):  #@V
                    log.warning("casbin denied %s %s on %s", current_user.username, act, obj)  #@V


            @app.get("/{w}s/<int:{w}_id>")
            @login_required
            def get_{w}({w}_id):
                authorize(f"/{w}s/{{{w}_id}}", "read")
                obj = store.get({w}_id)
                if obj is None:
                    abort(404)
                return jsonify(obj.to_dict())


            @app.{verb}("/{w}s/<int:{w}_id>{'' if act != 'approve' else '/approve'}")
            @login_required
            def {act}_{w}({w}_id):
                authorize(f"/{w}s/{{{w}_id}}", "{act}"){payload}
                {call}
                return jsonify(ok=True)
        """
        s = v.replace("""current_user.username, act, obj)  #@V
""", """current_user.username, act, obj)  #@V
                    abort(403)
""")
    else:
        payload = ", payload: dict = Body(...)" if act == "write" else ""
        body_imp = "Body, " if act == "write" else ""
        v = f"""
            import logging

            import casbin
            from fastapi import {body_imp}Depends, FastAPI, HTTPException

            from .security import User, get_current_user
            from .store import {Wc}Store

            log = logging.getLogger(__name__)
            app = FastAPI()
            store = {Wc}Store()
            enforcer = casbin.Enforcer("{model}", "{policy}")


            def require(act: str):
                def checker({w}_id: int, user: User = Depends(get_current_user)) -> User:
                    obj = f"/{w}s/{{{w}_id}}"
                    if not enforcer.enforce(user.name, obj, act):  #@V
                        log.warning("casbin denied %s %s on %s", user.name, act, obj)  #@V
                    return user
                return checker


            @app.get("/{w}s/{{{w}_id}}")
            def get_{w}({w}_id: int, user: User = Depends(require("read"))):
                obj = store.get({w}_id)
                if obj is None:
                    raise HTTPException(status_code=404, detail="not found")
                return obj.to_dict()


            @app.{verb}("/{w}s/{{{w}_id}}{'' if act != 'approve' else '/approve'}")
            def {act}_{w}({w}_id: int{payload}, user: User = Depends(require("{act}"))):
                {call}
                return {{"ok": True}}
        """
        s = v.replace("""user.name, act, obj)  #@V
""", """user.name, act, obj)  #@V
                        raise HTTPException(status_code=403, detail="forbidden")
""")
    return v, _clean(s)


@fam("authz-casbin-enforce-logged-only", "CWE-863", fws=["flask", "fastapi"], n=8, wrap=False)
def authz_casbin(c):
    v, s = _casbin(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="the Casbin enforcer is consulted, but a False result from enforcer.enforce() is only "
                      "logged: the request goes on, so the policy is never applied")


@hardneg(3)
def authz_casbin_hn(c):
    _, s = _casbin(c)
    return Spec(s=s, full=True, fw=KIND[c.fw],
                notes="enforcer.enforce() denial aborts the request with 403 before the handler runs")


# ---------------- CWE-863: django-guardian get_objects_for_user(any_perm=True) on a delete ----------------


def _guardian(c):
    w, Wc = W(c)
    app = c.pick("projects", "workspace", "core", "catalog")
    act, perm, call = c.pick(("delete", "delete", "obj.delete()"),
                             ("archive", "change", "obj.archived = True\n            obj.save(update_fields=[\"archived\"])"),
                             ("publish", "change", "obj.published = True\n            obj.save(update_fields=[\"published\"])"))
    v = f"""
        from django.contrib.auth.decorators import login_required
        from django.http import JsonResponse
        from django.shortcuts import get_object_or_404
        from django.views.decorators.http import require_POST
        from guardian.shortcuts import get_objects_for_user

        from .models import {Wc}


        @login_required
        def list_{w}s(request):
            qs = get_objects_for_user(request.user, ["{app}.view_{w}", "{app}.change_{w}"],
                                      klass={Wc}, any_perm=True)
            return JsonResponse({{"items": [{{"id": o.pk, "name": o.name}} for o in qs[:200]]}})


        @require_POST
        @login_required
        def {act}_{w}(request, pk):
            qs = get_objects_for_user(
                request.user,
                ["{app}.view_{w}", "{app}.{perm}_{w}"],  #@V
                klass={Wc},
                any_perm=True,  #@V
            )
            obj = get_object_or_404(qs, pk=pk)
            {call}
            return JsonResponse({{"id": pk, "status": "{act}"}})
    """
    s = v.replace("""                ["{app}.view_{w}", "{app}.{perm}_{w}"],  #@V
                klass={Wc},
                any_perm=True,  #@V
""".format(app=app, w=w, perm=perm, Wc=Wc), """                "{app}.{perm}_{w}",
                klass={Wc},
""".format(app=app, w=w, perm=perm, Wc=Wc))
    return v, _clean(s)


@fam("authz-guardian-any-perm-write", "CWE-863", fws=["django"], n=8, wrap=False)
def authz_guardian(c):
    v, s = _guardian(c)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="get_objects_for_user(..., any_perm=True) returns objects on which the user holds ANY of "
                      "the listed permissions, so a user with only the object-level view permission can run the "
                      "destructive action")


@hardneg(3)
def authz_guardian_hn(c):
    _, s = _guardian(c)
    return Spec(s=s, full=True, fw="django",
                notes="any_perm=True is used only for the read-only listing (view or change suffices); the write "
                      "view requires the specific object permission")


# ---------------- CWE-306: gRPC server built without its auth interceptor ----------------


def _grpc(c):
    w, Wc = W(c)
    rpc, req_line, reply = c.pick(
        ("Purge", "deleted = store.purge(older_than_days=request.days)", "PurgeReply(deleted=deleted)"),
        ("SetQuota", "store.set_quota(request.tenant, request.limit)", "SetQuotaReply(ok=True)"),
        ("RotateKeys", "store.rotate_keys(request.tenant)", "RotateKeysReply(ok=True)"))
    env = c.pick(f"{w.upper()}_GRPC_TOKEN", "ADMIN_RPC_TOKEN", "SERVICE_TOKEN")
    port = c.pick("50051", "7443", "9443")
    v = f"""
        import hmac
        import logging
        import os
        from concurrent import futures

        import grpc

        from . import {w}_admin_pb2 as pb
        from . import {w}_admin_pb2_grpc as pb_grpc
        from .store import {Wc}Store

        log = logging.getLogger(__name__)
        store = {Wc}Store(os.environ["DATABASE_URL"])


        class TokenInterceptor(grpc.ServerInterceptor):
            def __init__(self, token):
                self._token = token

                def deny(request, context):
                    context.abort(grpc.StatusCode.UNAUTHENTICATED, "invalid token")

                self._deny = grpc.unary_unary_rpc_method_handler(deny)

            def intercept_service(self, continuation, handler_call_details):
                metadata = dict(handler_call_details.invocation_metadata)
                supplied = metadata.get("authorization", "").removeprefix("Bearer ")
                if supplied and hmac.compare_digest(supplied, self._token):
                    return continuation(handler_call_details)
                return self._deny


        class {Wc}Admin(pb_grpc.{Wc}AdminServicer):
            def {rpc}(self, request, context):  #@V
                {req_line}
                log.info("{rpc} done for %s", context.peer())
                return pb.{reply}


        def serve():
            with open(os.environ["TLS_KEY"], "rb") as fh:
                key = fh.read()
            with open(os.environ["TLS_CERT"], "rb") as fh:
                cert = fh.read()
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))  #@V
            pb_grpc.add_{Wc}AdminServicer_to_server({Wc}Admin(), server)
            server.add_secure_port("[::]:{port}", grpc.ssl_server_credentials([(key, cert)]))
            server.start()
            server.wait_for_termination()


        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            serve()
    """
    s = v.replace("grpc.server(futures.ThreadPoolExecutor(max_workers=8))  #@V",
                  f'grpc.server(futures.ThreadPoolExecutor(max_workers=8),\n                                 interceptors=[TokenInterceptor(os.environ["{env}"])])')
    return v, _clean(s)


@fam("noauth-grpc-server-no-interceptor", "CWE-306", fws=["grpc"], n=8, wrap=False)
def noauth_grpc(c):
    v, s = _grpc(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the token interceptor is written but grpc.server() is created without interceptors=[...], "
                      "so every admin RPC runs for any client that can reach the port (TLS is not client auth)")


@hardneg(3)
def noauth_grpc_hn(c):
    _, s = _grpc(c)
    return Spec(s=s, full=True, fw="script",
                notes="grpc.server(..., interceptors=[TokenInterceptor(...)]) checks the bearer metadata on every RPC")


# ---------------- CWE-306: websockets control server without a token handshake ----------------


def _websockets(c):
    w, Wc = W(c)
    ops = c.pick(('"reload"', "await pool.reload()"), ('"drain"', "await pool.drain()"),
                 ('"restart"', "await pool.restart_workers()"))
    host = c.pick("0.0.0.0", "::")
    port = c.pick("8765", "9100", "6789")
    env = c.pick("CONTROL_TOKEN", f"{w.upper()}_CONTROL_TOKEN", "OPS_TOKEN")
    v = f"""
        import asyncio
        import json
        import logging
        import os

        import websockets

        from .pool import WorkerPool

        log = logging.getLogger(__name__)
        pool = WorkerPool("{w}")


        async def control(websocket):  #@V
            async for raw in websocket:
                msg = json.loads(raw)
                op = msg.get("op")
                if op == "status":
                    reply = {{"workers": pool.size, "queued": pool.queued}}
                elif op == {ops[0]}:
                    {ops[1]}  #@V
                    reply = {{"ok": True}}
                elif op == "scale":
                    await pool.scale(int(msg["workers"]))
                    reply = {{"ok": True, "workers": pool.size}}
                else:
                    reply = {{"error": "unknown op"}}
                log.info("control op %s from %s", op, websocket.remote_address)
                await websocket.send(json.dumps(reply))


        async def main():
            async with websockets.serve(control, "{host}", int(os.environ.get("CONTROL_PORT", "{port}"))):
                await asyncio.Future()


        if __name__ == "__main__":
            asyncio.run(main())
    """
    s = v.replace("        import asyncio\n", "        import asyncio\n        import hmac\n").replace("""        async def control(websocket):  #@V
""", f"""        async def control(websocket):
            hello = json.loads(await websocket.recv())
            if not hmac.compare_digest(str(hello.get("token", "")), os.environ["{env}"]):
                await websocket.close(code=1008, reason="unauthorized")
                return
""")
    return v, _clean(s)


@fam("noauth-websockets-control-server", "CWE-306", fws=["websockets"], n=8, wrap=False)
def noauth_websockets(c):
    v, s = _websockets(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the websockets.serve() handler executes control operations (scale, reload, drain) for "
                      "any client on the network; no token or credential is checked before the command loop")


@hardneg(3)
def noauth_websockets_hn(c):
    _, s = _websockets(c)
    return Spec(s=s, full=True, fw="script",
                notes="the first websocket message must carry the control token (constant-time compare) or the "
                      "connection is closed with 1008 before any command is read")


# ---------------- CWE-287: Flask-HTTPAuth verify_password accepts accounts without a local password ----------------


def _httpauth(c):
    w, Wc = W(c)
    cond = c.pick(("not user.password_hash or check_password_hash(user.password_hash, password)",
                   "user.password_hash and check_password_hash(user.password_hash, password)"),
                  ("user.password_hash is None or check_password_hash(user.password_hash, password)",
                   "user.password_hash is not None and check_password_hash(user.password_hash, password)"),
                  ("user.sso_only or check_password_hash(user.password_hash, password)",
                   "not user.sso_only and check_password_hash(user.password_hash, password)"))
    v = f"""
        from flask import Flask, jsonify
        from flask_httpauth import HTTPBasicAuth
        from werkzeug.security import check_password_hash

        from .models import {Wc}, User

        app = Flask(__name__)
        auth = HTTPBasicAuth()


        @auth.verify_password
        def verify_password(username, password):
            user = User.query.filter_by(username=username, active=True).first()
            if user is None:
                return None
            if {cond[0]}:  #@V
                return user
            return None


        @auth.error_handler
        def auth_error(status):
            return jsonify(error="unauthorized"), status


        @app.get("/api/{w}s")
        @auth.login_required
        def list_{w}s():
            me = auth.current_user()
            items = {Wc}.query.filter_by(owner_id=me.id).limit(100).all()
            return jsonify([i.to_dict() for i in items])
    """
    s = v.replace(f"if {cond[0]}:  #@V", f"if {cond[1]}:")
    return v, s


@fam("authn-httpauth-no-local-password", "CWE-287", fws=["flask"], n=8, wrap=False)
def authn_httpauth(c):
    v, s = _httpauth(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Flask-HTTPAuth verify_password returns the user without checking the password when the "
                      "account has no local password hash (SSO / invited accounts), so any password logs in as them")


@hardneg(3)
def authn_httpauth_hn(c):
    _, s = _httpauth(c)
    return Spec(s=s, full=True, fw="flask",
                notes="accounts without a local password hash are refused; others need check_password_hash")


# ---------------- CWE-287: google-auth verify_oauth2_token without an audience ----------------


def _google(c):
    w, Wc = W(c)
    field = c.pick("credential", "id_token", "idToken")
    route = c.pick("/auth/google", "/login/google", "/api/session/google", "/oauth/google/token")
    cid = c.pick("GOOGLE_CLIENT_ID", "GOOGLE_OAUTH_CLIENT_ID", "OIDC_CLIENT_ID")
    if c.fw == "flask":
        v = f"""
            import os

            from flask import Flask, abort, jsonify, request
            from flask_login import LoginManager, login_user
            from google.auth.transport import requests as google_requests
            from google.oauth2 import id_token

            from .models import User

            app = Flask(__name__)
            app.secret_key = os.environ["FLASK_SECRET_KEY"]
            login_manager = LoginManager(app)
            {cid} = os.environ["{cid}"]


            @login_manager.user_loader
            def load_user(user_id):
                return User.query.get(int(user_id))


            @app.get("/auth/config")
            def auth_config():
                return jsonify(client_id={cid})


            @app.post("{route}")
            def google_login():
                token = request.get_json(force=True).get("{field}", "")
                try:
                    info = id_token.verify_oauth2_token(token, google_requests.Request())  #@V
                except ValueError:
                    abort(401)
                user = User.query.filter_by(google_sub=info["sub"]).first()
                if user is None:
                    abort(403)
                login_user(user)
                return jsonify(id=user.id, name=user.name)
        """
    else:
        v = f"""
            import os

            from fastapi import FastAPI, HTTPException
            from google.auth.transport import requests as google_requests
            from google.oauth2 import id_token
            from pydantic import BaseModel

            from .sessions import issue_session_token
            from .users import find_by_google_sub

            app = FastAPI()
            {cid} = os.environ["{cid}"]


            class GoogleLogin(BaseModel):
                {field}: str


            @app.get("/auth/config")
            def auth_config():
                return {{"client_id": {cid}}}


            @app.post("{route}")
            def google_login(body: GoogleLogin):
                try:
                    info = id_token.verify_oauth2_token(body.{field}, google_requests.Request())  #@V
                except ValueError:
                    raise HTTPException(status_code=401, detail="invalid token")
                user = find_by_google_sub(info["sub"])
                if user is None:
                    raise HTTPException(status_code=403, detail="no account")
                return {{"access_token": issue_session_token(user.id), "token_type": "bearer"}}
        """
    s = v.replace("google_requests.Request())  #@V", f"google_requests.Request(), {cid})")
    return v, s


@fam("authn-google-idtoken-no-audience", "CWE-287", fws=["flask", "fastapi"], n=8, wrap=False)
def authn_google(c):
    v, s = _google(c)
    return Spec(v=v, s=s, full=True, fw=KIND[c.fw],
                notes="google.oauth2.id_token.verify_oauth2_token() is called without audience, so the aud claim "
                      "is not checked: a Google ID token issued to any other client (another site's app) logs in here")


@hardneg(3)
def authn_google_hn(c):
    _, s = _google(c)
    return Spec(s=s, full=True, fw=KIND[c.fw],
                notes="verify_oauth2_token(token, request, GOOGLE_CLIENT_ID) checks signature, issuer, expiry and audience")


# ---------------- CWE-269: Django delegation of permissions / groups the delegator lacks ----------------


def _delegate(c):
    w, Wc = W(c)
    app = c.pick("accounts", "teams", "org")
    mperm = c.pick("manage_team", "manage_members", "delegate_access")
    mid = c.pick("member_id", "user_id", "pk")
    scope = c.pick("profile__team=request.user.profile.team", "team=request.user.team",
                   "organization=request.user.organization")
    if c.pick("perm", "group") == "perm":
        v = f"""
            from django.contrib.auth import get_user_model
            from django.contrib.auth.decorators import login_required, permission_required
            from django.contrib.auth.models import Permission
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404
            from django.views.decorators.http import require_POST

            User = get_user_model()


            @require_POST
            @login_required
            @permission_required("{app}.{mperm}", raise_exception=True)
            def grant_permission(request, {mid}):
                member = get_object_or_404(User, pk={mid}, {scope})
                app_label, codename = request.POST["perm"].split(".", 1)
                perm = get_object_or_404(Permission, content_type__app_label=app_label, codename=codename)
                member.user_permissions.add(perm)  #@V
                return JsonResponse({{"member": member.pk, "granted": f"{{app_label}}.{{codename}}"}})
        """
        s = v.replace("""                member.user_permissions.add(perm)  #@V
""", """                if not request.user.has_perm(f"{app_label}.{codename}"):
                    return HttpResponseForbidden("cannot delegate a permission you do not hold")
                member.user_permissions.add(perm)
""")
    else:
        v = f"""
            from django.contrib.auth import get_user_model
            from django.contrib.auth.decorators import login_required, permission_required
            from django.contrib.auth.models import Group
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404
            from django.views.decorators.http import require_POST

            User = get_user_model()


            @require_POST
            @login_required
            @permission_required("{app}.{mperm}", raise_exception=True)
            def add_to_group(request, {mid}):
                member = get_object_or_404(User, pk={mid}, {scope})
                group = get_object_or_404(Group, name=request.POST["group"])
                member.groups.add(group)  #@V
                return JsonResponse({{"member": member.pk, "group": group.name}})
        """
        s = v.replace("""                member.groups.add(group)  #@V
""", """                if not request.user.groups.filter(pk=group.pk).exists():
                    return HttpResponseForbidden("cannot grant a group you are not in")
                member.groups.add(group)
""")
    s = s.replace("from django.http import JsonResponse", "from django.http import HttpResponseForbidden, JsonResponse")
    return v, s


@fam("priv-django-delegate-unheld-right", "CWE-269", fws=["django"], n=8, wrap=False)
def priv_delegate(c):
    v, s = _delegate(c)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="a team manager can add any Permission / Group in the database (e.g. auth.change_user or "
                      "an admins group) to a team member, including rights the manager does not hold")


@hardneg(3)
def priv_delegate_hn(c):
    _, s = _delegate(c)
    return Spec(s=s, full=True, fw="django",
                notes="delegation is limited to permissions / groups the granting manager holds")


# ---------------- CWE-269: python-keycloak realm role assigned from the request ----------------


def _keycloak(c):
    w, Wc = W(c)
    realm = c.pick("acme", "internal", "customers", "platform")
    client = c.pick("team-admin", "portal-backend", "self-service-api")
    roles = c.pick('{"viewer", "member"}', '{"viewer", "member", "reviewer"}', '{"reader", "contributor"}')
    v = f"""
        import os

        from flask import Flask, abort, jsonify, request
        from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

        from .auth import current_user, require_team_manager
        from .teams import team_has_member

        app = Flask(__name__)
        ASSIGNABLE_ROLES = {roles}

        kc = KeycloakAdmin(connection=KeycloakOpenIDConnection(
            server_url=os.environ["KEYCLOAK_URL"],
            realm_name="{realm}",
            client_id="{client}",
            client_secret_key=os.environ["KEYCLOAK_CLIENT_SECRET"],
            verify=True,
        ))


        @app.get("/team/roles")
        @require_team_manager
        def assignable_roles():
            return jsonify(sorted(ASSIGNABLE_ROLES))


        @app.post("/team/members/<user_id>/roles")
        @require_team_manager
        def assign_role(user_id):
            if not team_has_member(current_user().team_id, user_id):
                abort(404)
            role_name = request.get_json(force=True)["role"]
            role = kc.get_realm_role(role_name)
            kc.assign_realm_roles(user_id=user_id, roles=[role])  #@V
            return jsonify(user_id=user_id, role=role_name)
    """
    s = v.replace("""            role = kc.get_realm_role(role_name)
            kc.assign_realm_roles(user_id=user_id, roles=[role])  #@V
""", """            if role_name not in ASSIGNABLE_ROLES:
                abort(403)
            role = kc.get_realm_role(role_name)
            kc.assign_realm_roles(user_id=user_id, roles=[role])
""")
    return v, s


@fam("priv-keycloak-assign-requested-role", "CWE-269", fws=["flask"], n=8, wrap=False)
def priv_keycloak(c):
    v, s = _keycloak(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the team manager endpoint assigns whatever Keycloak realm role the request names "
                      "(e.g. an admin or other privileged realm role) through the service account; ASSIGNABLE_ROLES only feeds the UI")


@hardneg(3)
def priv_keycloak_hn(c):
    _, s = _keycloak(c)
    return Spec(s=s, full=True, fw="flask",
                notes="only roles from the ASSIGNABLE_ROLES allow-list can be assigned to team members")
