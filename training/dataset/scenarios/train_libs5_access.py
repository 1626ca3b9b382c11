"""Train-only access-control and file families on libraries no other family uses (groups 639, 862,
863, 306, 269, 22): Beanie documents fetched by id without an owner filter, Authlib
``ResourceProtector`` decorators without a scope on a write route, a FastAPI ``SecurityScopes``
dependency that falls back to the requested scopes when the token has none, a Quart-Auth route
missing ``@login_required``, a django-allauth account adapter that takes the role from the signup
request, and ``anyio.Path`` / ``trio.Path`` joins of a client-chosen file name.

Every family is a complete short module (``full=True``). ``Spec.fw`` keeps the schema's framework
kinds (Quart -> flask, a trio worker -> pipeline); ``ctx.fw`` (in the notes) names the real stack.
"""
from core import Spec
from module_kit import _clean, _twin, _w as W
from registry import fam, hardneg




# ---------------- CWE-639: Beanie documents fetched by the path id only ----------------


def _beanie(c, hard=False):
    w, Wc = W(c)
    pk = f"{w}_id"
    op = c.pick("read", "delete", "update")
    vline = f"doc = await {Wc}.get({pk})  #@V"
    sline = f"doc = await {Wc}.find_one({Wc}.id == {pk}, {Wc}.owner_id == {{U}}.id)"
    miss = "if doc is None:"
    if hard:
        vline = vline.replace("  #@V", "")
        miss = "if doc is None or doc.owner_id != {U}.id:"
    field = c.pick("title", "summary", "status")
    if c.fw == "fastapi":
        U = "user"
        verb = {"read": "get", "delete": "delete", "update": "patch"}[op]
        extra = f"patch: {Wc}Patch, " if op == "update" else ""
        act = {"read": "return doc",
               "delete": f"await doc.delete()\n                return {{\"deleted\": str({pk})}}",
               "update": f"await doc.set(patch.model_dump(exclude_unset=True))\n                return doc"}[op]
        v = f"""
            from beanie import Document, PydanticObjectId
            from fastapi import APIRouter, Depends, HTTPException
            from pydantic import BaseModel

            from .auth import User, current_user

            router = APIRouter(prefix="/api/{w}s", tags=["{w}s"])


            class {Wc}(Document):
                owner_id: PydanticObjectId
                {field}: str
                body: str = ""

                class Settings:
                    name = "{w}s"


            class {Wc}Patch(BaseModel):
                {field}: str | None = None
                body: str | None = None


            @router.get("")
            async def list_{w}s(user: User = Depends(current_user)):
                return await {Wc}.find({Wc}.owner_id == user.id).sort(-{Wc}.id).limit(50).to_list()


            @router.{verb}("/{{{pk}}}")
            async def {op}_{w}({pk}: PydanticObjectId, {extra}user: User = Depends(current_user)):  #@S
                {vline}
                {miss}
                    raise HTTPException(status_code=404, detail="{w} not found")
                {act}
        """
    else:
        U = "request.user"
        method = {"read": "GET", "delete": "DELETE", "update": "PATCH"}[op]
        act = {"read": "return JSONResponse(doc.model_dump(mode=\"json\"))",
               "delete": f"await doc.delete()\n                return JSONResponse({{\"deleted\": str({pk})}})",
               "update": (f"changes = await request.json()\n"
                          f"                await doc.set({{\"{field}\": str(changes.get(\"{field}\", doc.{field}))}})\n"
                          f"                return JSONResponse(doc.model_dump(mode=\"json\"))")}[op]
        v = f"""
            from beanie import PydanticObjectId
            from bson.errors import InvalidId
            from starlette.authentication import requires
            from starlette.exceptions import HTTPException
            from starlette.responses import JSONResponse
            from starlette.routing import Route

            from .models import {Wc}


            @requires("authenticated")
            async def list_{w}s(request):
                docs = await {Wc}.find({Wc}.owner_id == request.user.id).limit(50).to_list()
                return JSONResponse([d.model_dump(mode="json") for d in docs])


            @requires("authenticated")
            async def {op}_{w}(request):
                try:
                    {pk} = PydanticObjectId(request.path_params["{pk}"])  #@S
                except InvalidId:
                    raise HTTPException(status_code=404)
                {vline}
                {miss}
                    raise HTTPException(status_code=404, detail="{w} not found")
                {act}


            routes = [
                Route("/api/{w}s", list_{w}s),
                Route("/api/{w}s/{{{pk}}}", {op}_{w}, methods=["{method}"]),
            ]
        """
    v = v.replace("{U}", U)
    s = _twin(v, (vline, sline.replace("{U}", U)))
    return v, s


@fam("idor-beanie-get-no-owner", "CWE-639", fws=["fastapi", "starlette"], n=8, wrap=False)
def idor_beanie(c):
    v, s = _beanie(c)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="Beanie's Document.get() looks the document up by its ObjectId alone; the listing is scoped "
                      "to the owner but the detail route reads, changes or deletes any user's document whose id "
                      "the caller supplies; the fix queries with find_one on both the id and owner_id")


@hardneg(4)
def idor_beanie_hn(c):
    v, _ = _beanie(c, hard=True)
    return Spec(s=_clean(v), full=True, fw=c.fw,
                notes="the document is fetched with Document.get() by id and then compared with the caller before use")


# ---------------- CWE-862: Authlib ResourceProtector without a scope on a write route ----------------


def _authlib(c, hard=False):
    w, Wc = W(c)
    pk = f"{w}_id"
    op = c.pick("delete", "archive", "approve")
    rscope, wscope = f"{w}s:read", c.pick(f"{w}s:write", f"{w}s:admin", f"{w}s:manage")
    deco_v = "@require_oauth()  #@V"
    deco_s = f'@require_oauth("{wscope}")'
    if c.fw == "flask":
        if op == "delete":
            action = f"db.session.delete(obj)\n                db.session.commit()  #@V"
        else:
            state = "archived" if op == "archive" else "approved"
            action = f'obj.status = "{state}"\n                db.session.commit()  #@V'
        if hard:
            body_route = f"""
            @app.get("/api/me")
            @require_oauth()
            def whoami():
                user = current_token.user
                return jsonify(id=user.id, username=user.username, scopes=current_token.scope.split())
            """
        else:
            body_route = f"""
            @app.post("/api/{w}s/<int:{pk}>/{op}")
            {deco_v}
            def {op}_{w}({pk}):
                obj = db.get_or_404({Wc}, {pk})
                {action}
                return jsonify(id=obj.id, done="{op}")
            """
        v = f"""
            from authlib.integrations.flask_oauth2 import ResourceProtector, current_token
            from authlib.oauth2.rfc6750 import BearerTokenValidator
            from flask import Flask, jsonify

            from .models import OAuth2Token, {Wc}, db

            app = Flask(__name__)


            class TokenValidator(BearerTokenValidator):
                def authenticate_token(self, token_string):
                    return OAuth2Token.query.filter_by(access_token=token_string).first()


            require_oauth = ResourceProtector()
            require_oauth.register_token_validator(TokenValidator())


            @app.get("/api/{w}s/<int:{pk}>")
            @require_oauth("{rscope}")
            def read_{w}({pk}):
                obj = db.get_or_404({Wc}, {pk})
                return jsonify(id=obj.id, title=obj.title, status=obj.status)


            {body_route.strip()}
        """
    else:
        if op == "delete":
            action = "obj.delete()  #@V"
        else:
            state = "archived" if op == "archive" else "approved"
            action = f'obj.status = "{state}"\n                obj.save(update_fields=["status"])  #@V'
        if hard:
            body_route = f"""
            @require_GET
            @require_oauth()
            def whoami(request):
                user = request.oauth_token.user
                return JsonResponse({{"id": user.pk, "username": user.get_username()}})
            """
        else:
            body_route = f"""
            @require_POST
            {deco_v}
            def {op}_{w}(request, {pk}):
                obj = get_object_or_404({Wc}, pk={pk})
                {action}
                return JsonResponse({{"id": obj.pk, "done": "{op}"}})
            """
        v = f"""
            from authlib.integrations.django_oauth2 import BearerTokenValidator, ResourceProtector
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404
            from django.views.decorators.http import require_GET, require_POST

            from .models import OAuth2Token, {Wc}

            require_oauth = ResourceProtector()
            require_oauth.register_token_validator(BearerTokenValidator(OAuth2Token))


            @require_GET
            @require_oauth("{rscope}")
            def read_{w}(request, {pk}):
                obj = get_object_or_404({Wc}, pk={pk})
                return JsonResponse({{"id": obj.pk, "title": obj.title, "status": obj.status}})


            {body_route.strip()}
        """
    v = _dd(v).rstrip() + "\n"
    s = _twin(v, (deco_v, deco_s)) if not hard else _clean(v)
    return v, s, wscope


@fam("authz-authlib-require-oauth-no-scope", "CWE-862", fws=["flask", "django"], n=8, wrap=False)
def authz_authlib(c):
    v, s, wscope = _authlib(c)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="Authlib's ResourceProtector called with no scope only checks that the bearer token is valid; "
                      "the read route demands a read scope, but the state-changing route accepts any token, also a "
                      f"read-only one issued to a third-party client; the fix requires the '{wscope}' scope")


@hardneg(4)
def authz_authlib_hn(c):
    v, s, _ = _authlib(c, hard=True)
    return Spec(s=s, full=True, fw=c.fw,
                notes="require_oauth() without a scope only on a route that returns the token holder's own "
                      "identity; the resource route still demands its scope")


# ---------------- CWE-863: FastAPI SecurityScopes falling back to the requested scopes ----------------


def _scopes(c, hard=False):
    w, Wc = W(c)
    claim = c.pick("scopes", "scope")
    if claim == "scopes":
        vline = f'token_scopes = payload.get("scopes") or security_scopes.scopes  #@V'
        sline = 'token_scopes = payload.get("scopes", [])'
    else:
        vline = f'token_scopes = payload.get("scope", security_scopes.scope_str).split()  #@V'
        sline = 'token_scopes = payload.get("scope", "").split()'
    if hard:
        vline = sline
    act = c.pick("refund", "purge", "export")
    scope = f"{w}s:{act}"
    v = f"""
        import os

        import jwt
        from fastapi import Depends, FastAPI, HTTPException, Security, status
        from fastapi.security import OAuth2PasswordBearer, SecurityScopes

        from .models import User, get_user, {act}_{w}

        SECRET_KEY = os.environ["JWT_SECRET"]
        oauth2_scheme = OAuth2PasswordBearer(
            tokenUrl="token",
            scopes={{"{w}s:read": "Read {w}s", "{scope}": "{act.capitalize()} {w}s"}},
        )
        app = FastAPI()


        async def get_current_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)) -> User:
            denied = HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Could not validate credentials",
                headers={{"WWW-Authenticate": f'Bearer scope="{{security_scopes.scope_str}}"'}},
            )
            try:
                payload = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
            except jwt.InvalidTokenError:
                raise denied
            user = await get_user(payload.get("sub"))
            if user is None:
                raise denied
            {vline}
            for needed in security_scopes.scopes:
                if needed not in token_scopes:
                    raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not enough permissions")
            return user


        @app.get("/{w}s/{{item_id}}")
        async def read_{w}(item_id: int, user: User = Security(get_current_user, scopes=["{w}s:read"])):
            return {{"id": item_id, "owner": user.username}}


        @app.post("/{w}s/{{item_id}}/{act}")
        async def {act}(item_id: int, user: User = Security(get_current_user, scopes=["{scope}"])):
            return {{"result": await {act}_{w}(item_id, by=user.username)}}
    """
    s = _twin(v, (vline, sline)) if not hard else _clean(v)
    return v, s, claim


@fam("authz-fastapi-security-scopes-fallback", "CWE-863", fws=["fastapi"], n=8, wrap=False)
def authz_security_scopes(c):
    v, s, claim = _scopes(c)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"when the decoded token carries no '{claim}' claim (a refresh token, a token from the legacy "
                      "login flow) the dependency uses the scopes the route asks for as the token's scopes, so the "
                      "scope loop always passes; the fix treats a missing claim as no scopes")


@hardneg(4)
def authz_security_scopes_hn(c):
    _, s, _ = _scopes(c, hard=True)
    return Spec(s=s, full=True, fw="fastapi",
                notes="SecurityScopes checked against the token's own claim, defaulting to no scopes")


# ---------------- CWE-306: Quart-Auth route without @login_required ----------------


def _quart_auth(c, hard=False):
    w, Wc = W(c)
    holder = c.pick("app", "bp")
    action, path, body = c.pick(
        ("invite_member", "/team/invites", "invite = await create_invite(email=form[\"email\"], team_id=TEAM_ID)\n"
                                            "    return {\"invite_url\": invite.url}, 201"),
        ("add_webhook", "/settings/webhooks", "hook = await register_webhook(url=form[\"url\"], events=form.getlist(\"event\"))\n"
                                              "    return {\"id\": hook.id}, 201"),
        ("export_all", f"/{w}s/export", f"rows = await export_{w}s(status=form.get(\"status\", \"open\"))\n"
                                        "    return {\"rows\": rows}"),
    )
    deco = f'@{holder}.post("{path}")'
    if hard:
        guarded = f"""
            @{holder}.get("/healthz")
            async def healthz():
                return {{"status": "ok"}}


            {deco}
            @login_required
            async def {action}():
                form = await request.form
                {body}
        """
    else:
        guarded = f"""
            {deco}  #@V
            async def {action}():  #@V
                form = await request.form
                {body}
        """
    if holder == "app":
        head = f"""
            from quart import Quart, request
            from quart_auth import QuartAuth, current_user, login_required

            from .services import create_invite, export_{w}s, list_{w}s, register_webhook

            TEAM_ID = 1
            app = Quart(__name__)
            app.config.from_prefixed_env()
            QuartAuth(app)
        """
    else:
        head = f"""
            from quart import Blueprint, request
            from quart_auth import current_user, login_required

            from .services import create_invite, export_{w}s, list_{w}s, register_webhook

            TEAM_ID = 1
            bp = Blueprint("{w}s", __name__, url_prefix="/api")
        """
    listing = f"""
            @{holder}.get("/{w}s")
            @login_required
            async def list_all():
                return {{"items": await list_{w}s(owner=current_user.auth_id)}}
    """
    # the body lines sit 4 columns deeper than the template's other lines once dedented
    guarded = guarded.replace("\n    return", "\n                return")
    v = "\n\n".join(x.strip("\n") for x in (_dd(head), _dd(listing), _dd(guarded))) + "\n"
    v = v.replace("\n\n@", "\n\n\n@").replace("\n\n\n\n@", "\n\n\n@")
    s = v if hard else _twin(v, (f"{deco}  #@V\nasync def {action}():  #@V",
                                 f"{deco}\n@login_required\nasync def {action}():"))
    return v, s, path


def _dd(s):
    lines = s.strip("\n").rstrip().split("\n")
    ind = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    return "\n".join(l[ind:] for l in lines)


@fam("noauth-quart-auth-unguarded-route", "CWE-306", fws=["quart"], n=8, wrap=False)
def noauth_quart_auth(c):
    v, s, path = _quart_auth(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"Quart-Auth only protects routes decorated with @login_required; the POST {path} handler "
                      "next to a guarded listing has no decorator, so an anonymous client can call it; the fix "
                      "adds @login_required")


@hardneg(4)
def noauth_quart_auth_hn(c):
    v, _, _ = _quart_auth(c, hard=True)
    return Spec(s=_clean(v), full=True, fw="flask",
                notes="only the health check is public; every state-changing Quart route carries @login_required")


# ---------------- CWE-269: django-allauth adapter taking the role from the signup request ----------------


def _allauth(c, hard=False):
    shape = c.pick("role", "group", "role")
    default = c.pick("member", "viewer", "customer", "reader")
    key = c.pick("role", "account_type", "plan_role") if shape == "role" else c.pick("group", "team", "access_group")
    raw = c.pick("request.POST", "form.data")
    cls = c.pick("AccountAdapter", "SignupAdapter", "TeamAccountAdapter", "PortalAccountAdapter")
    name_field = c.pick("display_name", "full_name", "nickname")
    if shape == "role":
        vline = f'user.role = {raw}.get("{key}", "{default}")  #@V'
        sline = f'user.role = "{default}"'
        tail = f"""
                {vline}
                if commit:
                    user.save()
                return user
        """
    else:
        vline = f'user.groups.add(Group.objects.get(name={raw}.get("{key}", "{default}s")))  #@V'
        sline = f'user.groups.add(Group.objects.get(name="{default}s"))'
        tail = f"""
                user.save()
                {vline}
                return user
        """
    if hard:  # the role or group comes from a server-side invitation bound to the e-mail, else the default
        look = ('invite = Invitation.objects.filter(\n'
                '                    key=request.session.get("invite_key", ""), email__iexact=user.email, accepted_at__isnull=True\n'
                '                ).first()')
        if shape == "role":
            vline_h = f'{look}\n                user.role = invite.role if invite else "{default}"'
        else:
            vline_h = (f'{look}\n                user.groups.add(invite.group if invite else '
                       f'Group.objects.get(name="{default}s"))')
        tail = tail.replace(vline, vline_h)
    extras = []
    if c.rng.random() < 0.6:
        extras.append("""
            def is_open_for_signup(self, request):
                return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)
        """)
    if c.rng.random() < 0.5:
        extras.append(f"""
            def get_login_redirect_url(self, request):
                return resolve_url("{c.pick("dashboard", "home", "workspace-index")}")
        """)
    if c.rng.random() < 0.4:
        extras.append("""
            def clean_email(self, email):
                email = super().clean_email(email)
                if email.lower().endswith(BLOCKED_DOMAINS):
                    raise ValidationError("Please use a work e-mail address.")
                return email
        """)
    c.rng.shuffle(extras)
    imports = ["from allauth.account.adapter import DefaultAccountAdapter",
               "from allauth.account.utils import user_field",
               "from django.conf import settings"]
    body = "".join(extras)
    if "ValidationError" in body:
        imports.append("from django.core.exceptions import ValidationError")
    if shape == "group":
        imports.append("from django.contrib.auth.models import Group")
    if "resolve_url" in body:
        imports.append("from django.shortcuts import resolve_url")
    if "getattr(settings" not in body:
        imports.remove("from django.conf import settings")
    consts = '\n\nBLOCKED_DOMAINS = ("mailinator.com", "guerrillamail.com", "10minutemail.com")' if "BLOCKED_DOMAINS" in body else ""
    methods = [_dd(e) for e in extras] + [_dd(f"""
            def save_user(self, request, user, form, commit=True):
                user = super().save_user(request, user, form, commit=False)
                user_field(user, "{name_field}", form.cleaned_data.get("{name_field}", ""))
        """) + "\n" + "\n".join("    " + l for l in _dd(tail).split("\n"))]
    cls_body = "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in m.split("\n")) for m in methods)
    local = "\n\nfrom .models import Invitation" if hard else ""
    v = "\n".join(sorted(imports)) + local + consts + f"\n\n\nclass {cls}(DefaultAccountAdapter):\n" + cls_body + "\n"
    s = _twin(v, (vline, sline)) if not hard else _clean(v)
    return v, s, shape


@fam("priv-allauth-adapter-request-role", "CWE-269", fws=["django"], n=8, wrap=False)
def priv_allauth(c):
    v, s, shape = _allauth(c)
    what = "role" if shape == "role" else "permission group"
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"the allauth account adapter copies the {what} from the raw signup POST data, which the "
                      "signup form never validates, so a new account can register itself as an admin; the fix "
                      f"assigns the default {what} and leaves promotion to an administrator")


@hardneg(4)
def priv_allauth_hn(c):
    _, s, _ = _allauth(c, hard=True)
    return Spec(s=s, full=True, fw="django",
                notes="the adapter stores a display name from the validated form and a fixed default role/group")


# ---------------- CWE-22: anyio.Path / trio.Path joined with a client-chosen name ----------------


def _async_path(c, hard=False):
    w, Wc = W(c)
    lib = "trio" if c.fw == "pipeline" else "anyio"
    root_const, root_val = c.pick(("EXPORT_ROOT", "/srv/app/exports"), ("STORE_DIR", "/var/lib/app/files"),
                                  ("ATTACHMENT_DIR", "/data/attachments"))
    op = c.pick("read", "write", "unlink")
    nm = c.pick("filename", "name", "file_name")
    vj = [f"root = {lib}.Path({root_const})", f"target = root / {nm}  #@V"]
    sj = [f"root = await {lib}.Path({root_const}).resolve()",
          f"target = await (root / {nm}).resolve()",
          "if not target.is_relative_to(root):",
          "    {DENY}"]
    if hard:
        sj = [f"root = {lib}.Path({root_const})",
              f"target = root / PurePosixPath({nm}).name",
              "if target.suffix not in ALLOWED_SUFFIXES:",
              "    {DENY}"]
    if op == "read":
        use = ["data = await target.read_bytes()  #@V"]
    elif op == "write":
        use = ["await target.parent.mkdir(parents=True, exist_ok=True)", "await target.write_bytes(data)  #@V"]
    else:
        use = ["await target.unlink(missing_ok=True)  #@V"]
    ind = " " * 4
    if c.fw == "pipeline":
        deny = 'raise ValueError("file name outside the export root")'
        ret = {"read": "return len(data)", "write": "return str(target)", "unlink": "return True"}[op]
        head = f"""
            import json
            import os
            from pathlib import PurePosixPath

            import trio

            {root_const} = os.environ.get("{root_const}", "{root_val}")
            ALLOWED_SUFFIXES = {{".csv", ".json", ".pdf"}}


            async def handle_job(job: dict):
                {nm} = job["{nm}"]  #@S"""
        if op == "write":
            head += "\n                data = json.dumps(job[\"rows\"]).encode()"
        tail = f"""


            async def worker(receive_channel):
                async with receive_channel:
                    async for raw in receive_channel:
                        await handle_job(json.loads(raw))
        """
        ind = " " * 16
    elif c.fw == "fastapi":
        deny = 'raise HTTPException(status_code=404, detail="not found")'
        verb = {"read": "get", "write": "put", "unlink": "delete"}[op]
        fa_names = ", ".join(["Depends", "FastAPI", "HTTPException"] + (["Request"] if op == "write" else [])
                             + (["Response"] if op == "read" else []))
        ret = {"read": "return Response(data, media_type=\"application/octet-stream\")",
               "write": "return {\"stored\": target.name}", "unlink": "return {\"deleted\": target.name}"}[op]
        head = f"""
            import os
            from pathlib import PurePosixPath

            import anyio
            from fastapi import {fa_names}

            from .auth import require_user

            {root_const} = os.environ.get("{root_const}", "{root_val}")
            ALLOWED_SUFFIXES = {{".csv", ".json", ".pdf"}}
            app = FastAPI()


            @app.{verb}("/{w}s/files", dependencies=[Depends(require_user)])
            async def {op}_{w}_file({nm}: str{", request: Request" if op == "write" else ""}):  #@S"""
        if op == "write":
            head += "\n                data = await request.body()"
        tail = ""
        ind = " " * 16
    else:
        deny = 'raise HTTPException(status_code=404)'
        method = {"read": "GET", "write": "PUT", "unlink": "DELETE"}[op]
        ret = {"read": "return Response(data, media_type=\"application/octet-stream\")",
               "write": "return JSONResponse({\"stored\": target.name})",
               "unlink": "return JSONResponse({\"deleted\": target.name})"}[op]
        head = f"""
            import os
            from pathlib import PurePosixPath

            import anyio
            from starlette.authentication import requires
            from starlette.exceptions import HTTPException
            from starlette.responses import {"Response" if op == "read" else "JSONResponse"}
            from starlette.routing import Route

            {root_const} = os.environ.get("{root_const}", "{root_val}")
            ALLOWED_SUFFIXES = {{".csv", ".json", ".pdf"}}


            @requires("authenticated")
            async def {op}_{w}_file(request):
                {nm} = request.path_params["{nm}"]  #@S"""
        if op == "write":
            head += "\n                data = await request.body()"
        tail = f"""


            routes = [Route("/{w}s/files/{{{nm}:path}}", {op}_{w}_file, methods=["{method}"])]
        """
        ind = " " * 16
    vbody = "\n".join(ind + l for l in vj + use + [ret])
    if hard:
        deny = deny.replace("file name outside the export root", "file type not allowed")
    sbody = "\n".join(ind + l.replace("{DENY}", deny) for l in sj + [u.replace("  #@V", "") for u in use] + [ret])
    v = _dd(head + "\n" + vbody + tail) + "\n"
    s = _clean(_dd(head + "\n" + sbody + tail)) + "\n"
    if not hard:  # the basename/suffix helpers belong to the hard negative only
        for line in ("from pathlib import PurePosixPath\n", "ALLOWED_SUFFIXES = {\".csv\", \".json\", \".pdf\"}\n"):
            v, s = v.replace(line, ""), s.replace(line, "")
    return v, s, lib


@fam("pt-anyio-path-client-name", "CWE-22", fws=["fastapi", "starlette", "pipeline", "pipeline"], n=8, wrap=False)
def pt_async_path(c):
    v, s, lib = _async_path(c)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"{lib}.Path's / operator joins the client-chosen name as is: '../' segments or an absolute "
                      "path leave the root directory; the fix resolves the joined path and rejects it unless it is "
                      "still inside the resolved root (is_relative_to)")


@hardneg(4)
def pt_async_path_hn(c):
    _, s, lib = _async_path(c, hard=True)
    return Spec(s=s, full=True, fw=c.fw,
                notes=f"{lib}.Path joined only with the final component of the name (PurePosixPath(...).name) and "
                      "an allow-listed suffix")
