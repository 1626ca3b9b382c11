"""Train-only snippet families (libs33 access set): access-control weaknesses written in web frameworks and
auth libraries that other families use rarely (Django Ninja, Flask-RESTful, Sanic blueprint groups,
BlackSheep / GuardPost policies) and one ORM pitfall. Each family has a minimal-fix twin and hand-written hard
negatives that use the same API safely:

- l33acc-ninja-op-auth-none (306): a Django Ninja ops API authenticates every operation (``NinjaAPI(auth=...)``
  or ``Router(auth=...)``), but a critical operation (cache purge, re-index, export, secret rotation) carries
  ``auth=None`` like the health check next to it, or its router is mounted with ``add_router`` without the
  ``auth=`` its sibling gets; the fix removes the override / passes the auth. Hard negatives: public health,
  version and status operations with ``auth=None`` while every state-changing operation is authenticated;
- l33acc-ninja-me-schema-privileged-field (269): a "PATCH /me" operation copies a Ninja ``ModelSchema`` onto the
  logged-in user with ``setattr``; the schema's ``Meta.fields`` lists (or ``Meta.exclude`` leaves in)
  ``is_staff`` / ``is_superuser`` / ``role``, so users promote themselves; the fix lists only profile fields.
  Hard negative: the same role field in a schema used only by a superuser-only operation;
- l33acc-apikey-none-matches-null (287): a partner API looks the client up by the X-Api-Key header with an
  ORM equality (SQLAlchemy ``filter_by(api_key=key)`` / ``Partner.api_key == key``), but the header may be
  missing and the column is NULL for pending / revoked partners: ``== None`` renders ``IS NULL``, so a request
  without a key authenticates as such a partner; the fix rejects a missing key first. Hard negative: the same
  lookup on a NOT NULL column (revocation is a flag), or with the key required first;
- l33acc-restful-method-decorators-gap (862): a Flask-RESTful ``Resource`` requires a login for the whole view
  (``decorators``) and puts the role check in a per-method ``method_decorators`` dict that forgets one write
  method (delete / patch / post); the fix adds it. Hard negatives: read-only resources, dicts covering every
  write method, the check written inside the method;
- l33acc-sanic-bpgroup-middleware-outside (306): a Sanic API authenticates through a request middleware on a
  ``Blueprint.group``; the maintenance / export blueprint is registered on the app outside the group, so
  its routes run with no authentication; the fix puts it into the group. Hard negatives: only a health
  blueprint outside the group, or the outside blueprint with its own token middleware;
- l33acc-blacksheep-role-claim-presence (863): a BlackSheep app's GuardPost "admin" policy requirement checks
  only that the identity *has* a role / roles / scope claim (``has_claim("role")``, truthy ``get``), which
  every signed-in user's token carries; the fix compares the value. Hard negative: value checks for admin and
  a presence check used only for a read policy where any signed-in user is meant to pass.

The brief also named "privileges dropped in the wrong order" (CWE-269); it is left out because the held-out
``priv-setuid-order`` family covers that API. Written without reading the held-out or validation families;
every family here goes to train.
"""
import re

from core import Spec
from module_kit import _joined, _replayed
from registry import fam, hardneg


def _V(safe):
    return "" if safe else "  #@V"


def _ind(lines, n=4):
    return ["" if not l else " " * n + l for l in lines]


def _fn(head, body):
    return "\n".join(head + _ind(body))


def _prune(code):
    """Drop names a ``from X import a, b`` line imports but the module never uses, and empty import lines."""
    lines = code.split("\n")
    out = []
    for i, l in enumerate(lines):
        m = re.match(r"from (\S+) import ([\w, ]+)$", l)
        if m:
            rest = "\n".join(x for j, x in enumerate(lines) if j != i and not x.lstrip().startswith(('"""', "#")))
            names = [n.strip() for n in m.group(2).split(",")]
            keep = sorted(n for n in names if re.search(r"(?<![\w.])" + re.escape(n) + r"\b", rest))
            if not keep:
                continue
            l = f"from {m.group(1)} import {', '.join(keep)}"
        out.append(l)
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(out))


_STDLIB = {"hmac", "logging", "secrets", "datetime", "functools", "re", "json"}


def _imports(lines):
    """Import lines merged per module and grouped: standard library, third party, the app's own modules."""
    plain, froms = set(), {}
    for l in lines:
        if l.startswith("import "):
            plain.add(l)
        elif l.startswith("from "):
            mod, names = l[5:].split(" import ", 1)
            froms.setdefault(mod, set()).update(n.strip() for n in names.split(","))
    groups = [[], [], []]
    for l in plain:
        groups[0 if l.split()[1].split(".")[0] in _STDLIB else 1].append((0, l))
    for mod, names in froms.items():
        g = 2 if mod.startswith(".") else 0 if mod.split(".")[0] in _STDLIB else 1
        groups[g].append((1, f"from {mod} import {', '.join(sorted(names))}"))
    return "\n\n".join("\n".join(l for _, l in sorted(g, key=lambda t: (t[0], t[1]))) for g in groups if g)


def _mod(*blocks):
    return _prune(_joined(*blocks))


# ---------------- CWE-306: Django Ninja operation with auth=None / router mounted without auth ----------------

# (function name, path, body lines, extra imports)
_OPS = [
    ("purge_cache", "/cache/purge",
     ["cache.clear()", 'log.warning("cache purged by ops API")', 'return {"purged": True}'],
     ["from django.core.cache import cache"]),
    ("rebuild_search_index", "/search/rebuild",
     ['call_command("update_index", remove=True, interactive=False)', 'return {"rebuilt": True}'],
     ["from django.core.management import call_command"]),
    ("export_customers", "/export/customers",
     ['rows = list(Customer.objects.values("id", "email", "phone", "billing_address"))',
      'return {"count": len(rows), "customers": rows}'],
     ["from .models import Customer"]),
    ("rotate_webhook_secrets", "/webhooks/rotate",
     ["rotated = 0", "for hook in WebhookEndpoint.objects.filter(active=True):",
      "    hook.secret = secrets.token_urlsafe(32)", '    hook.save(update_fields=["secret"])', "    rotated += 1",
      'return {"rotated": rotated}'],
     ["import secrets", "from .models import WebhookEndpoint"]),
    ("purge_inactive_accounts", "/accounts/purge-inactive",
     ["cutoff = timezone.now() - timedelta(days=payload.days)",
      "deleted, _ = Account.objects.filter(last_login__lt=cutoff).delete()", 'return {"deleted": deleted}'],
     ["from datetime import timedelta", "from django.utils import timezone", "from .models import Account"]),
    ("set_maintenance_mode", "/maintenance",
     ['SiteFlag.objects.update_or_create(name="maintenance", defaults={"enabled": payload.enabled})',
      'return {"maintenance": payload.enabled}'],
     ["from .models import SiteFlag"]),
]

_SIBLINGS = [
    ("queue_stats", "get", "/queues", ['return {"pending": Job.objects.filter(state="pending").count(), '
                                       '"failed": Job.objects.filter(state="failed").count()}'], ["from .models import Job"]),
    ("retry_failed_jobs", "post", "/jobs/retry",
     ['updated = Job.objects.filter(state="failed").update(state="pending", attempts=0)', 'return {"requeued": updated}'],
     ["from .models import Job"]),
    ("list_feature_flags", "get", "/flags", ['return list(SiteFlag.objects.values("name", "enabled"))'],
     ["from .models import SiteFlag"]),
]


def _token_auth(c):
    """(imports, top-level block, auth expression) of the ops API's authentication."""
    kind = c.pick("bearer", "apikey", "superuser")
    if kind == "superuser":
        return ["from ninja.security import django_auth_superuser"], "", "django_auth_superuser"
    cls = c.pick("OpsToken", "OpsBearer", "ServiceToken") if kind == "bearer" else c.pick("OpsKey", "AdminApiKey")
    setting = c.pick("OPS_API_TOKEN", "MAINTENANCE_TOKEN", "INTERNAL_API_KEY")
    if kind == "bearer":
        block = (f"class {cls}(HttpBearer):\n"
                 "    def authenticate(self, request, token):\n"
                 f"        if token and hmac.compare_digest(token, settings.{setting}):\n"
                 '            return "ops"\n'
                 "        return None")
        return ["import hmac", "from django.conf import settings", "from ninja.security import HttpBearer"], block, cls + "()"
    block = (f"class {cls}(APIKeyHeader):\n"
             f'    param_name = "{c.pick("X-Ops-Key", "X-Admin-Key", "X-Api-Key")}"\n\n'
             "    def authenticate(self, request, key):\n"
             f"        if key and hmac.compare_digest(key, settings.{setting}):\n"
             "            return key\n"
             "        return None")
    return ["import hmac", "from django.conf import settings", "from ninja.security import APIKeyHeader"], block, cls + "()"


def _ninja_ops_module(c, safe, hn=False):
    shape = c.pick("global", "global", "router", "add_router")
    op = c.pick(*_OPS)
    sib = c.pick(*_SIBLINGS)
    fname, path, body, op_imps = op
    needs_payload = "payload." in "\n".join(body)
    auth_imps, auth_block, auth_expr = _token_auth(c)
    health = c.pick("health", "healthz", "ping")
    title = c.pick("Ops API", "Maintenance API", "Internal operations", "Back-office ops")
    imps = ["import logging"] + op_imps + sib[4] + auth_imps + ["from ninja import NinjaAPI, Router, Schema"]
    schema = ""
    if needs_payload:
        schema = ("class PurgeIn(Schema):\n    days: int = 365" if "days" in "\n".join(body)
                  else "class MaintenanceIn(Schema):\n    enabled: bool")
    params = "request" + (", payload: " + ("PurgeIn" if "days" in "\n".join(body) else "MaintenanceIn")
                          if needs_payload else "")
    top = ["log = logging.getLogger(__name__)"]
    health_op = []
    V = _V(safe)
    if shape in ("global", "router"):
        owner = "api" if shape == "global" else "router"
        if shape == "global":
            top.append(f'api = NinjaAPI(title="{title}", urls_namespace="ops", auth={auth_expr})')
        else:
            top.append(f'router = Router(auth={auth_expr}, tags=["ops"])')
        health_op = [_fn([f'@{owner}.get("/{health}", auth=None)', f"def {health}(request):"], ['return {"status": "ok"}'])]
        sib_op = _fn([f'@{owner}.{sib[1]}("{sib[2]}")', f"def {sib[0]}(request):"], sib[3])
        if safe or hn:
            crit_head = [f'@{owner}.post("{path}")', f"def {fname}({params}):"]
        else:
            crit_head = [f'@{owner}.post("{path}", auth=None)' + V, f"def {fname}({params}):" + V]
        crit = _fn(crit_head, body)
        ops = [sib_op, crit] if c.pick(True, False) else [crit, sib_op]
        tail = []
        if shape == "router":
            tail = [f'api = NinjaAPI(title="{title}")\napi.add_router("/ops/", router)']
        blocks = health_op + ops + tail
    else:
        # siblings: a public catalog router, a private router with auth; the ops router is mounted last
        top.append(f'api = NinjaAPI(title="{title}")')
        top.append('public = Router(tags=["public"])')
        top.append('jobs = Router(tags=["jobs"])')
        top.append('ops = Router(tags=["ops"])')
        pub = _fn([f'@public.get("/{health}")', f"def {health}(request):"], ['return {"status": "ok"}'])
        sib_op = _fn([f'@jobs.{sib[1]}("{sib[2]}")', f"def {sib[0]}(request):"], sib[3])
        crit = _fn([f'@ops.post("{path}")', f"def {fname}({params}):" + ("" if (safe or hn) else V)], body)
        mount = ['api.add_router("/public/", public)', f'api.add_router("/jobs/", jobs, auth={auth_expr})']
        mount.append(f'api.add_router("/ops/", ops, auth={auth_expr})' if (safe or hn)
                     else 'api.add_router("/ops/", ops)' + V)
        blocks = [pub, sib_op, crit, "\n".join(mount)]
    doc = c.pick(f'"""{title}: endpoints the on-call tooling calls."""', '"""Operational endpoints of the shop backend."""', "")
    first = (doc + "\n" if doc else "") + _imports(imps)
    return _mod(first, auth_block, "\n".join(top), schema, *blocks)


@fam("l33acc-ninja-op-auth-none", "CWE-306", fws=["ninja"], n=8, wrap=False)
def l33acc_ninja_auth_none(c):
    v, s = _replayed(c, lambda cc, safe: _ninja_ops_module(cc, safe))
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the ops API authenticates its operations (NinjaAPI/Router auth=...), but the critical "
                      "operation overrides it with auth=None (copied from the health check) or its router is "
                      "mounted with add_router without auth=, so anyone who reaches the API runs it; the fix drops "
                      "the override / passes the same auth")


def _ninja_public_hn(c):
    auth_imps, auth_block, auth_expr = _token_auth(c)
    extra = c.pick("version", "holidays", "status")
    pub = [_fn(['@api.get("/health", auth=None)', "def health(request):"], ['return {"status": "ok"}'])]
    imps = auth_imps + ["from ninja import NinjaAPI"]
    if extra == "version":
        pub.append(_fn(['@api.get("/version", auth=None)', "def version(request):"],
                       ['return {"version": settings.APP_VERSION, "build": settings.BUILD_SHA[:12]}']))
        imps.append("from django.conf import settings")
    elif extra == "holidays":
        pub.append(_fn(['@api.get("/public/holidays", auth=None)', "def public_holidays(request, year: int):"],
                       ['return list(Holiday.objects.filter(date__year=year).values("date", "name"))']))
        imps.append("from .models import Holiday")
    else:
        pub.append(_fn(['@api.get("/status", auth=None)', "def public_status(request):"],
                       ['return {"maintenance": SiteFlag.objects.filter(name="maintenance", enabled=True).exists()}']))
        imps.append("from .models import SiteFlag")
    fname, path, body, op_imps = c.pick(*[o for o in _OPS if "payload." not in "\n".join(o[2])])
    crit = _fn([f'@api.post("{path}")', f"def {fname}(request):"], body)
    imps += op_imps + ["import logging"]
    first = _imports(imps)
    top = f'log = logging.getLogger(__name__)\napi = NinjaAPI(title="Ops API", auth={auth_expr})'
    blocks = pub + [crit]
    c.rng.shuffle(blocks)
    return _mod(first, auth_block, top, *blocks)


@hardneg(4)
def l33acc_ninja_auth_none_hn(c):
    if c.pick(True, False):
        return Spec(s=_ninja_public_hn(c), full=True, fw="django",
                    notes="auth=None only on public read-only operations (health, version, public calendar, "
                          "maintenance banner); the state-changing operation inherits the API's authentication")
    return Spec(s=_ninja_ops_module(c, True, hn=True), full=True, fw="django",
                notes="only the health check overrides the ops API's authentication with auth=None; every "
                      "other operation / router is authenticated")


# ---------------- CWE-269: Ninja ModelSchema for PATCH /me includes a privilege field ----------------

_PROFILE_FIELDS = [["first_name", "last_name", "email"], ["first_name", "last_name"], ["email", "first_name"]]


def _ninja_me_module(c, safe, hn=False):
    model = c.pick("user", "user", "member")
    if model == "user":
        priv = c.pick("is_staff", "is_superuser")
        base = list(c.pick(*_PROFILE_FIELDS))
        mimp = ["from django.contrib.auth import get_user_model"]
        mtop = "User = get_user_model()"
        M = "User"
        obj = "request.user"
        excl = ["password", "last_login", "date_joined", "groups", "user_permissions", "username"]
    else:
        priv = c.pick("role", "role", "is_moderator")
        base = list(c.pick(["display_name", "bio", "timezone"], ["display_name", "avatar_url"],
                           ["display_name", "bio", "locale"]))
        mimp = ["from .models import Member"]
        mtop = ""
        M = "Member"
        obj = "member"
        excl = ["id", "user", "created_at", "email_verified"]
    # Meta.exclude only for the Django User, whose is_staff / is_superuser fields the reader knows; the Member
    # model is not shown, so an exclude list would hide which privilege field it leaves in
    style = c.pick("fields", "fields", "exclude") if (not hn and model == "user") else "fields"
    auth = c.pick("django_auth", "JWTAuth()")
    auth_imp = "from ninja.security import django_auth" if auth == "django_auth" else "from ninja_jwt.authentication import JWTAuth"
    V = _V(safe)
    upd = c.pick("UpdateMe", "ProfilePatch", "MeUpdate")
    out = c.pick("MeOut", "ProfileOut")
    dump = c.pick("payload.dict(exclude_unset=True)", "payload.model_dump(exclude_unset=True)")
    out_fields = (["id"] if model == "user" else ["id"]) + base
    imps = mimp + ["from ninja import ModelSchema, Router", auth_imp]
    if hn:
        imps.append("from django.shortcuts import get_object_or_404")
        imps.append("from ninja.security import django_auth_superuser")
    # the update schema
    if style == "fields":
        flist = base + ([] if safe else [priv])
        meta_line = f"fields = {flist!r}".replace("'", '"') + V
    else:
        meta_line = (f"fields = {base!r}".replace("'", '"') if safe
                     else f"exclude = {excl!r}".replace("'", '"') + V)
    upd_cls = (f"class {upd}(ModelSchema):\n    class Meta:\n        model = {M}\n        {meta_line}\n"
               f'        fields_optional = "__all__"')
    out_cls = (f"class {out}(ModelSchema):\n    class Meta:\n        model = {M}\n        fields = "
               + repr(out_fields).replace("'", '"'))
    router = f'router = Router(auth={auth}, tags=["{c.pick("account", "me", "profile")}"])'
    if model == "user":
        get_obj = []
        save = [f"{obj}.save()"]
    else:
        get_obj = ["member = Member.objects.get(user=request.user)"]
        save = ["member.save()"]
    read = _fn([f'@router.get("/me", response={out})', "def read_me(request):"],
               get_obj + [f"return {obj}"])
    loop = [f"for attr, value in {dump}.items():", f"    setattr({obj}, attr, value)" + V]
    update = _fn([f'@router.patch("/me", response={out})', f"def update_me(request, payload: {upd}):"],
                 get_obj + loop + save + [f"return {obj}"])
    blocks = [read, update]
    if hn:
        adm = c.pick("AdminMemberPatch", "StaffUpdate")
        adm_cls = (f"class {adm}(ModelSchema):\n    class Meta:\n        model = {M}\n        fields = "
                   + repr(base + [priv]).replace("'", '"') + '\n        fields_optional = "__all__"')
        blocks.insert(0, adm_cls)
        key = "user_id" if model == "user" else "member_id"
        blocks.append(_fn([f'@router.patch("/admin/{M.lower()}s/{{{key}}}", response={out}, auth=django_auth_superuser)',
                           f"def admin_update(request, {key}: int, payload: {adm}):"],
                          [f"target = get_object_or_404({M}, pk={key})",
                           f"for attr, value in {dump}.items():", "    setattr(target, attr, value)",
                           "target.save()", "return target"]))
    first = _imports(imps)
    return _mod(first, mtop, router, out_cls, upd_cls, *blocks)


@fam("l33acc-ninja-me-schema-privileged-field", "CWE-269", fws=["ninja"], n=8, wrap=False)
def l33acc_ninja_me(c):
    v, s = _replayed(c, lambda cc, safe: _ninja_me_module(cc, safe))
    return Spec(v=v, s=s, full=True, fw="django",
                notes="PATCH /me copies every set field of the ModelSchema onto the caller's own account, and the "
                      "schema lists (or, with Meta.exclude, leaves in) a privilege field such as is_staff, "
                      "is_superuser or role, so any user can grant themselves that privilege; the fix lists only "
                      "the profile fields")


@hardneg(4)
def l33acc_ninja_me_hn(c):
    return Spec(s=_ninja_me_module(c, True, hn=True), full=True, fw="django",
                notes="the privilege field is only in the schema of a superuser-only operation "
                      "(auth=django_auth_superuser); the self-service schema lists profile fields only")


# ---------------- CWE-287: missing API key matches rows whose key column is NULL ----------------


def _apikey_module(c, safe, hn=None):
    fw = c.fw
    model = c.pick("Partner", "Integration", "Merchant", "ApiClient")
    hdr = c.pick("X-Api-Key", "X-Partner-Key", "X-Client-Key")
    why = c.pick("revoke", "pending")
    # hn: "notnull" (column NOT NULL, revocation is a flag) or "required" (the key is required first)
    notnull = hn == "notnull"
    required = safe or hn == "required"
    res = c.pick("orders", "payouts", "shipments")
    V = _V(safe or hn is not None)
    if notnull:
        col_comment = ""
        revoke_stmt = "revoked = True"
    else:
        col_comment = "  # issued when the account is approved" if why == "pending" else ""
        revoke_stmt = "api_key = None"
    if fw == "flask":
        cols = [f'__tablename__ = "{model.lower()}s"', "id = db.Column(db.Integer, primary_key=True)",
                "name = db.Column(db.String(120), nullable=False)",
                (f"api_key = db.Column(db.String(64), unique=True, nullable=False)" if notnull else
                 f"api_key = db.Column(db.String(64), unique=True, nullable=True){col_comment}")]
        if notnull:
            cols.append("revoked = db.Column(db.Boolean, nullable=False, default=False)")
        model_cls = f"class {model}(db.Model):\n" + "\n".join(_ind(cols))
        look = (f"{model}.query.filter_by(api_key=key, revoked=False).first()" if notnull
                else c.pick(f"{model}.query.filter_by(api_key=key).first()",
                            f"{model}.query.filter({model}.api_key == key).first()"))
        body = [f'key = request.headers.get("{hdr}")' + V]
        if required and not notnull:
            body += ["if not key:", "    abort(401)"]
        body += [f"client = {look}" + V, "if client is None:", "    abort(401)", "g.client = client",
                 "return view(*args, **kwargs)"]
        deco = ("def require_api_key(view):\n    @wraps(view)\n    def wrapper(*args, **kwargs):\n" +
                "\n".join(_ind(body, 8)) + "\n\n    return wrapper")
        ep = _fn([f'@app.get("/v1/{res}")', "@require_api_key", f"def list_{res}():"],
                 [f"rows = {res.capitalize()[:-1]}.query.filter_by(client_id=g.client.id).limit(100).all()",
                  f"return jsonify([r.to_dict() for r in rows])"])
        revoke = _fn([f'@app.post("/admin/{model.lower()}s/<int:client_id>/revoke")', "@admin_required",
                      "def revoke_key(client_id):"],
                     [f"client = db.get_or_404({model}, client_id)", f"client.{revoke_stmt}", "db.session.commit()",
                      'return jsonify(status="revoked")'])
        imps = ["from functools import wraps", "", "from flask import Flask, abort, g, jsonify, request",
                "from flask_sqlalchemy import SQLAlchemy", "", f"from .auth import admin_required",
                f"from .models import {res.capitalize()[:-1]}"]
        top = "app = Flask(__name__)\napp.config.from_prefixed_env()\ndb = SQLAlchemy(app)"
        blocks = [model_cls, deco, ep] + ([revoke] if why == "revoke" or notnull else [])
        # models of the resource live elsewhere; Partner is defined here with the auth code
        return _mod("\n".join(imps), top, *blocks)
    # fastapi + SQLAlchemy 2.0
    cols = [f'__tablename__ = "{model.lower()}s"', "id: Mapped[int] = mapped_column(primary_key=True)",
            "name: Mapped[str] = mapped_column(String(120))",
            ("api_key: Mapped[str] = mapped_column(String(64), unique=True)" if notnull else
             f"api_key: Mapped[str | None] = mapped_column(String(64), unique=True){col_comment}")]
    if notnull:
        cols.append("revoked: Mapped[bool] = mapped_column(default=False)")
    model_cls = f"class {model}(Base):\n" + "\n".join(_ind(cols))
    where = (f"{model}.api_key == key, {model}.revoked.is_(False)" if notnull else f"{model}.api_key == key")
    body = []
    if required and not notnull:
        body += ["if not key:", '    raise HTTPException(status_code=401, detail="missing API key")']
    body += [f"client = db.scalar(select({model}).where({where}))" + V, "if client is None:",
             '    raise HTTPException(status_code=401, detail="invalid API key")', "return client"]
    dep = _fn([f"def current_client(key: str | None = Security(api_key_header), db: Session = Depends(get_db)) -> {model}:" + V],
              body)
    ep = _fn([f'@app.get("/v1/{res}")', f"def list_{res}(client: {model} = Depends(current_client), db: Session = Depends(get_db)):"],
             [f"return db.scalars(select({res.capitalize()[:-1]}).where({res.capitalize()[:-1]}.client_id == client.id).limit(100)).all()"])
    revoke = _fn([f'@app.post("/admin/{model.lower()}s/{{client_id}}/revoke", dependencies=[Depends(require_admin)])',
                  "def revoke_key(client_id: int, db: Session = Depends(get_db)):"],
                 [f"client = db.get({model}, client_id)", "if client is None:", "    raise HTTPException(status_code=404)",
                  f"client.{revoke_stmt}", "db.commit()", 'return {"status": "revoked"}'])
    imps = ["from fastapi import Depends, FastAPI, HTTPException, Security", "from fastapi.security import APIKeyHeader",
            "from sqlalchemy import String, select", "from sqlalchemy.orm import Mapped, Session, mapped_column", "",
            f"from .db import Base, get_db", f"from .models import {res.capitalize()[:-1]}",
            "from .security import require_admin"]
    top = f'app = FastAPI()\napi_key_header = APIKeyHeader(name="{hdr}", auto_error=False)'
    blocks = [model_cls, dep, ep] + ([revoke] if why == "revoke" or notnull else [])
    return _mod("\n".join(imps), top, *blocks)


@fam("l33acc-apikey-none-matches-null", "CWE-287", fws=["flask", "fastapi"], n=8, wrap=False)
def l33acc_apikey_null(c):
    v, s = _replayed(c, lambda cc, safe: _apikey_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the API key header is optional (request.headers.get / APIKeyHeader(auto_error=False)), so "
                      "a request without it looks up api_key == None, which SQLAlchemy renders as IS NULL; the "
                      "column is NULL for pending or revoked accounts, so a keyless request authenticates as one of "
                      "them; the fix rejects a missing or empty key before the lookup")


@hardneg(4)
def l33acc_apikey_null_hn(c):
    hn = c.pick("notnull", "required")
    return Spec(s=_apikey_module(c, True, hn=hn), full=True,
                notes=("the key column is NOT NULL and revocation sets a flag the lookup filters on, so a missing key "
                       "(IS NULL) matches no row" if hn == "notnull"
                       else "a missing or empty key is rejected before the ORM lookup"))


# ---------------- CWE-862: Flask-RESTful method_decorators dict misses a write method ----------------

_RES = [
    # (class, noun, role, fields)
    ("ArticleResource", "article", "editor", ["title", "body", "published"]),
    ("PriceResource", "price", "catalog_manager", ["sku", "amount", "currency"]),
    ("SalaryResource", "salary", "hr", ["employee_id", "annual_amount"]),
    ("RefundResource", "refund", "finance", ["order_id", "amount", "reason"]),
    ("CouponResource", "coupon", "marketing", ["code", "percent_off", "expires_on"]),
    ("ShiftResource", "shift", "scheduler", ["starts_at", "ends_at", "station"]),
]


def _restful_module(c, safe, hn=None):
    # a read-only resource that any signed-in employee may read: only non-confidential records
    cls, noun, role, fields = c.pick(*(_RES if hn != "readonly" else [r for r in _RES if r[1] in ("article", "price", "shift")]))
    authlib = c.pick("login", "jwt")
    V = _V(safe or hn is not None)
    model = noun.capitalize()
    if authlib == "login":
        auth_imps = ["from flask_login import current_user, login_required"]
        who = "current_user.role"
        view_deco = "login_required"
    else:
        auth_imps = ["from flask_jwt_extended import get_jwt, jwt_required"]
        who = 'get_jwt().get("role")'
        view_deco = "jwt_required()"
    two = c.pick(True, False)
    roles = f'("{role}", "admin")' if two else f'("{role}",)'
    role_args = f'"{role}", "admin"' if two else f'"{role}"'
    gname = role.upper() + c.pick("_ONLY", "_ROLE", "_REQUIRED")
    role_fn = ("def require_role(*allowed):\n    def decorator(fn):\n        @wraps(fn)\n"
               "        def wrapper(*args, **kwargs):\n"
               f"            if {who} not in allowed:\n                abort(403)\n"
               "            return fn(*args, **kwargs)\n        return wrapper\n    return decorator")
    parser = (f"parser = reqparse.RequestParser()\n" +
              "\n".join(f'parser.add_argument("{f}", required=True, location="json")' for f in fields))
    guard = gname
    key = f"{noun}_id"
    methods = {
        "get": [f"def get(self, {key}):", f"    return db.get_or_404({model}, {key}).to_dict()"],
        "put": [f"def put(self, {key}):", f"    obj = db.get_or_404({model}, {key})", "    args = parser.parse_args()",
                "    for name, value in args.items():", "        setattr(obj, name, value)", "    db.session.commit()",
                "    return obj.to_dict()"],
        "delete": [f"def delete(self, {key}):", f"    obj = db.get_or_404({model}, {key})", "    db.session.delete(obj)",
                   "    db.session.commit()", '    return "", 204'],
    }
    if c.pick(True, False):
        methods["patch"] = [f"def patch(self, {key}):", f"    obj = db.get_or_404({model}, {key})",
                            f'    obj.{fields[-1]} = request.get_json(force=True)["{fields[-1]}"]',
                            "    db.session.commit()", "    return obj.to_dict()"]
    route = f'api.add_resource({cls}, "/{noun}s/<int:{key}>")'
    writes = [m for m in methods if m != "get"]
    missing = c.pick(*writes)
    covered = [m for m in writes if m != missing]
    inline = hn == "inline"
    readonly = hn == "readonly"
    if readonly:
        methods = {"get": methods["get"]}
        dec_items = []
    elif (safe and not hn) or hn == "full":
        dec_items = writes
    else:
        dec_items = covered
    body_lines = [f"decorators = [{view_deco}]"]
    if dec_items:
        d = ", ".join(f'"{m}": {guard}' for m in dec_items)
        body_lines.append(f"method_decorators = {{{d}}}" + ("" if (safe or hn or not covered) else V))
    if inline:
        # the check for the missing method is written inside it instead of in the dict
        m = methods[missing]
        methods[missing] = [m[0], f"    if {who} not in {roles}:", "        abort(403)"] + m[1:]
    for name, lines in methods.items():
        body_lines.append("")
        if name == missing and not (safe or hn):
            lines = [lines[0] + V] + lines[1:]
        body_lines += lines
    klass = f"class {cls}(Resource):\n" + "\n".join(_ind(body_lines))
    imps = ["from functools import wraps", "from flask import Flask, abort, request",
            "from flask_restful import Api, Resource, reqparse"] + auth_imps + [f"from .models import {model}, db"]
    top = "app = Flask(__name__)\napi = Api(app)"
    guard_def = f"{gname} = [require_role({role_args})]"
    blocks = [role_fn, guard_def + "\n\n" + parser, klass, route] if not readonly else [klass, route]
    if readonly:
        imps = [i for i in imps if "functools" not in i]
    return _mod(_imports(imps), top, *blocks)


@fam("l33acc-restful-method-decorators-gap", "CWE-862", fws=["flask"], n=8, wrap=False)
def l33acc_restful_gap(c):
    v, s = _replayed(c, lambda cc, safe: _restful_module(cc, safe))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the Resource requires a login for every method (decorators) and applies the role check "
                      "per method through a method_decorators dict, which omits one write method, so any "
                      "logged-in user can call it; the fix adds that method to the dict")


@hardneg(4)
def l33acc_restful_gap_hn(c):
    hn = c.pick("full", "inline", "inline", "readonly")
    return Spec(s=_restful_module(c, True, hn=hn), full=True, fw="flask",
                notes={"full": "every write method of the Resource is in the method_decorators dict",
                       "inline": "the method missing from the dict checks the role itself before changing anything",
                       "readonly": "a read-only Resource: any logged-in user may read it, no role is needed"}[hn])


# ---------------- CWE-306: Sanic blueprint registered outside the authenticated group ----------------

_OPS_BP = [
    ("maintenance", "/maintenance", "reindex", "post", "/reindex",
     ["await request.app.ctx.search.rebuild(full=True)", 'return json({"status": "rebuilding"}, status=202)']),
    ("exports", "/exports", "export_users", "get", "/users.csv",
     ['rows = await request.app.ctx.db.fetch("SELECT id, email, full_name, phone FROM users ORDER BY id")',
      'body = "\\n".join(",".join(str(v) for v in r.values()) for r in rows)',
      'return text(body, content_type="text/csv")']),
    ("admin_ops", "/ops", "flush_sessions", "post", "/sessions/flush",
     ['await request.app.ctx.redis.delete(*[k async for k in request.app.ctx.redis.scan_iter("session:*")])',
      'return json({"flushed": True})']),
    ("billing_ops", "/billing-ops", "rerun_invoices", "post", "/invoices/rerun",
     ['period = request.json["period"]', "job = await request.app.ctx.queue.enqueue(\"invoice_run\", period=period)",
      'return json({"job": job.id}, status=202)']),
]


def _sanic_module(c, safe, hn=None):
    bp_name, prefix, fname, verb, path, body = c.pick(*_OPS_BP)
    app_name = c.pick("inventory", "storefront", "ledger", "fleet")
    tok = c.pick("API_TOKEN", "SERVICE_TOKEN")
    V = _V(safe or hn is not None)
    grouped = ["items", "orders"] if c.pick(True, False) else ["items", "orders", "customers"]
    mw_name = c.pick("require_token", "authenticate", "check_bearer")
    in_group = safe and hn is None
    own_mw = hn == "own_mw"
    only_health = hn == "health"
    if only_health:
        in_group = True
    bps = [f'{g} = Blueprint("{g}", url_prefix="/api/{g}")' for g in grouped]
    bps.append(f'{bp_name} = Blueprint("{bp_name}", url_prefix="/api{prefix}")')
    bps.append('health = Blueprint("health", url_prefix="/health")')
    members = grouped + ([bp_name] if in_group else [])
    group_line = f"api = Blueprint.group({', '.join(members)})" + ("" if in_group or own_mw else V)
    mw = _fn(['@api.middleware("request")', f"async def {mw_name}(request):"],
             ["token = request.token",
              f"if not token or not hmac.compare_digest(token, request.app.config.{tok}):",
              '    return json({"error": "unauthorized"}, status=401)'])
    handlers = [
        _fn([f'@{grouped[0]}.get("/<item_id:int>")', f"async def get_{grouped[0][:-1]}(request, item_id):"],
            [f'row = await request.app.ctx.db.fetchrow("SELECT * FROM {grouped[0]} WHERE id = $1", item_id)',
             "if row is None:", '    return json({"error": "not found"}, status=404)', "return json(dict(row))"]),
        _fn([f'@{grouped[1]}.post("/")', f"async def create_{grouped[1][:-1]}(request):"],
            [f'row = await request.app.ctx.db.fetchrow("INSERT INTO {grouped[1]} (payload) VALUES ($1) RETURNING id", '
             "request.json)", 'return json({"id": row["id"]}, status=201)']),
    ]
    crit = _fn([f'@{bp_name}.{verb}("{path}")', f"async def {fname}(request):" + ("" if in_group or own_mw else V)], body)
    health_h = _fn(['@health.get("/")', "async def healthcheck(request):"], ['return json({"status": "ok"})'])
    blocks = [mw]
    if own_mw:
        blocks.append(_fn([f'@{bp_name}.middleware("request")', "async def require_ops_token(request):"],
                          ["token = request.token",
                           "if not token or not hmac.compare_digest(token, request.app.config.OPS_TOKEN):",
                           '    return json({"error": "unauthorized"}, status=401)']))
    blocks += handlers + [crit, health_h]
    reg = ["app.blueprint(api)"] + ([] if in_group else [f"app.blueprint({bp_name})" + V]) + ["app.blueprint(health)"]
    resp = "json, text" if "text(" in "\n".join(body) else "json"
    imps = ["import hmac", "", "from sanic import Blueprint, Sanic", f"from sanic.response import {resp}"]
    top = f'app = Sanic("{app_name}")'
    return _mod("\n".join(imps), top, "\n".join(bps), group_line, *blocks, "\n".join(reg))


@fam("l33acc-sanic-bpgroup-middleware-outside", "CWE-306", fws=["sanic"], n=8, wrap=False)
def l33acc_sanic_group(c):
    v, s = _replayed(c, lambda cc, safe: _sanic_module(cc, safe))
    return Spec(v=v, s=s, full=True,
                notes="the token check is a request middleware of the Blueprint.group, which Sanic runs only for "
                      "the blueprints in that group; the maintenance / export blueprint is registered on the app "
                      "outside the group, so its routes need no token; the fix adds it to the group")


@hardneg(4)
def l33acc_sanic_group_hn(c):
    hn = c.pick("health", "own_mw")
    return Spec(s=_sanic_module(c, True, hn=hn), full=True,
                notes=("only the public health blueprint stays outside the authenticated group" if hn == "health"
                       else "the blueprint outside the group has its own request middleware that requires the ops token"))


# ---------------- CWE-863: BlackSheep / GuardPost admin requirement checks only that a claim exists ----------------

_CHECKS = {
    # name: (vulnerable condition, fixed condition) ; both are the condition that *fails* the requirement
    "has_claim": ('not identity or not identity.has_claim("role")',
                  'not identity or not identity.has_claim_value("role", "admin")'),
    "get_role": ('not identity or not identity.get("role")',
                 'not identity or identity.get("role") != "admin"'),
    "roles_list": ('not identity or not identity.get("roles")',
                   'not identity or "admin" not in (identity.get("roles") or [])'),
    "scope": ('not identity or not identity.has_claim("scp")',
              'not identity or "inventory.admin" not in (identity.get("scp") or "").split()'),
}


def _blacksheep_module(c, safe, hn=False):
    check = c.pick(*_CHECKS)
    req = c.pick("AdminRequirement", "AdministratorRequirement", "AdminRoleRequirement")
    pol = c.pick("admin", "admins", "administrator")
    V = _V(safe or hn)
    cond = _CHECKS[check][1 if (safe or hn) else 0]
    req_cls = _fn([f"class {req}(Requirement):", "    def handle(self, context: AuthorizationContext):"],
                  ["    identity = context.identity",
                   f"    if {cond}:" + V,
                   '        context.fail("administrator role required")',
                   "        return",
                   "    context.succeed(self)"])
    reader = ""
    policies = [f'Policy("{pol}", {req}())']
    if hn:
        reader = _fn(["class SignedInRequirement(Requirement):", "    def handle(self, context: AuthorizationContext):"],
                     ["    identity = context.identity",
                      '    if identity is not None and identity.has_claim("sub"):',
                      "        context.succeed(self)"])
        policies.append('Policy("reader", SignedInRequirement())')
    auth_setup = ("app.use_authentication().add(\n    JWTBearerAuthentication(\n"
                  f'        authority="{c.pick("https://login.example.com/acme/v2.0", "https://id.example.org/realms/ops")}",\n'
                  f'        valid_audiences=["{c.pick("api://inventory", "stock-api", "backoffice")}"],\n'
                  "    )\n)")
    authz = "app.use_authorization()" + "".join(f".add({p})" for p in policies)
    read_pol = '"reader"' if hn else ""
    handlers = [
        _fn([f"@auth({read_pol})", '@get("/api/products")', "async def list_products(products: ProductRepo):"],
            ["return json(await products.list(limit=100))"]),
        _fn([f'@auth("{pol}")', c.pick('@post("/api/users/{user_id}/disable")', '@delete("/api/users/{user_id}")'),
             "async def deactivate_user(request: Request, user_id: int, users: UserRepo):"],
            ["await users.deactivate(user_id)",
             'log.info("user %s deactivated by %s", user_id, request.identity.sub)', "return no_content()"]),
    ]
    if c.pick(True, False):
        handlers.append(_fn([f'@auth("{pol}")', '@put("/api/settings/{key}")',
                             "async def update_setting(request: Request, key: str, settings: SettingsRepo):"],
                            ["data = await request.json()", 'await settings.set(key, data["value"])',
                             "return no_content()"]))
    imps = ["import logging", "", "from blacksheep import Application, Request, delete, get, json, no_content, post, put",
            "from blacksheep.server.authentication.jwt import JWTBearerAuthentication",
            "from blacksheep.server.authorization import Policy, auth",
            "from guardpost.authorization import AuthorizationContext, Requirement", "",
            "from .repos import ProductRepo, SettingsRepo, UserRepo"]
    idp = c.pick("the company IdP", "Keycloak", "Entra ID")
    doc = {"has_claim": f'"""Back-office API. Access tokens come from {idp}; every account\'s token carries a "role" claim: "viewer", "support" or "admin"."""',
           "get_role": f'"""Back-office API. Access tokens come from {idp}; every account\'s token carries a "role" claim: "viewer", "support" or "admin"."""',
           "roles_list": f'"""Back-office API. Access tokens come from {idp}; the "roles" claim lists the app roles of the account (every account has at least "reader")."""',
           "scope": f'"""Stock API. Access tokens come from {idp} and carry the granted scopes in "scp" (inventory.read, inventory.write, inventory.admin)."""'}[check]
    imps = [doc] + imps
    top = ("log = logging.getLogger(__name__)\napp = Application()\n"
           "app.services.add_scoped(ProductRepo)\napp.services.add_scoped(SettingsRepo)\napp.services.add_scoped(UserRepo)")
    return _mod("\n".join(imps), top, req_cls, reader, auth_setup, authz, *handlers)


@fam("l33acc-blacksheep-role-claim-presence", "CWE-863", fws=["blacksheep"], n=8, wrap=False)
def l33acc_blacksheep_claim(c):
    v, s = _replayed(c, lambda cc, safe: _blacksheep_module(cc, safe))
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the requirement behind the admin policy passes whenever the identity has a role / roles / "
                      "scope claim at all, which the identity provider puts in every signed-in user's token, so "
                      "ordinary users pass the admin policy; the fix compares the claim's value with the admin role")


@hardneg(4)
def l33acc_blacksheep_claim_hn(c):
    return Spec(s=_blacksheep_module(c, True, hn=True), full=True, fw="starlette",
                notes="the admin requirement compares the role / scope value; the presence check (has_claim('sub')) "
                      "only guards a read policy meant for any signed-in user")
