"""Train-only whole-module access-control families (libs28 set, mod28-*): one weak statement among many
correct ones, its minimal fix as twin, and ``@hardneg`` safe modules that use the same idioms correctly.

- mod28-grpc-servicer-rpc-skips-auth (306): a gRPC servicer whose RPCs each authenticate the calling
  service from the bearer token in the call metadata, except one destructive or bulk RPC (purge a tenant,
  export a tenant, cancel, change retention) that never calls ``_authenticate``; the fix adds the call.
- mod28-starlette-session-mfa-flag-ignored (287): password + TOTP login on Starlette's signed session; the
  login step stores the user id with ``mfa_ok=False`` until the TOTP step, but ``current_user`` only looks
  at the user id, so the second factor is never required; the fix also requires ``mfa_ok``.
- mod28-celery-statement-task-unscoped-invoice (639): a Flask endpoint queues one Celery task per invoice
  id from the JSON body with the caller's account; the task loads the invoice by id alone and mails the
  rendered PDF to the requester; the fix scopes the lookup to the account the task was queued for.
- mod28-graphene-bulk-mutation-partial-ownership (863): a graphene + SQLAlchemy schema whose resolvers are
  owner-scoped, except a bulk mutation that checks ownership of *any* of the listed
  documents before changing all of them; the fix requires every document to be the caller's.
- mod28-flask-jit-elevation-any-role (269): a Flask blueprint for just-in-time elevated access that checks
  the role name is a known role but not that the caller is eligible for it, so any engineer grants
  themselves any role (superadmin included); the fix checks the caller's eligible roles.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"base64", "binascii", "collections", "concurrent", "dataclasses", "datetime", "hmac",
                          "typing", "time", "secrets"}


def _compose(c, doc, logline, core, pool, kw, subs, lo=82, hi=110):
    """Modules for each substitution dict (tokens -> already filled text)."""
    return _web.compose(c, doc, logline, core, pool, kw, lo=lo, hi=hi, subs=subs, stdlib=_STDLIB)


def _pair(c, doc, logline, core, pool, kw, vsub, ssub, lo=82, hi=110):
    v, s = _compose(c, doc, logline, core, pool, kw, [vsub, ssub], lo, hi)
    return v, s.replace("  #@V", "").replace("  #@S", "")


def _safe(c, doc, logline, core, pool, kw, ssub, lo=82, hi=110):
    code = _compose(c, doc, logline, core, pool, kw, [ssub], lo, hi)[0]
    return code.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-306: gRPC servicer, one RPC never authenticates the caller ----------------


def _grpc_kw(c):
    w = c.pick("invoice", "shipment", "booking", "subscription", "voucher", "contract")
    app = c.pick("northwind", "kestrel", "orbit", "tessera", "lumen", "halyard")
    return dict(w=w, ws=w + "s", W=w.capitalize(), Ws=w.capitalize() + "s", app=app, APP=app.upper(),
                log=c.pick("log", "logger"), port=c.pick(50051, 50061, 7443, 8443), workers=c.pick(8, 16, 32),
                page=c.pick(50, 100), maxpage=c.pick(500, 1000), mind=c.pick(7, 30), maxd=c.pick(365, 730, 2555),
                Svc=c.pick("$WService", "$WStore", "$WAdmin").replace("$W", w.capitalize()))


_GRPC_AUTH = '''
    def _authenticate(self, context: grpc.ServicerContext) -> str:
        """Name of the calling service, from the bearer token in the call metadata; aborts the call otherwise."""
        metadata = dict(context.invocation_metadata())
        scheme, _, token = metadata.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            digest = hashlib.sha256(token.encode()).hexdigest()
            for name, expected in self._digests.items():
                if hmac.compare_digest(digest, expected):
                    return name
        $log.warning("rejected call without a valid token from %s", context.peer())
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or invalid bearer token")
'''

# (body, needs): ordinary RPCs that use the caller's name in their logs
_GRPC_PLAIN = {
    "get": ('''
    def Get$W(self, request, context):
        """One $w of a tenant."""
        caller = self._authenticate(context)
        record = self._store.get(request.tenant_id, request.id)
        if record is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "$w not found")
        $log.debug("%s read $w %s", caller, request.id)
        return _to_message(record)
''', ["tomsg"]),
    "list": ('''
    def List$Ws(self, request, context):
        """A page of a tenant's $ws, newest first."""
        caller = self._authenticate(context)
        size = min(request.page_size or DEFAULT_PAGE, MAX_PAGE)
        offset = _decode_page_token(request.page_token)
        rows = self._store.list(request.tenant_id, limit=size + 1, offset=offset)
        reply = $w_pb2.List$WsReply($ws=[_to_message(r) for r in rows[:size]])
        if len(rows) > size:
            reply.next_page_token = _encode_page_token(offset + size)
        $log.debug("%s listed %d $ws of tenant %s", caller, len(reply.$ws), request.tenant_id)
        return reply
''', ["tomsg", "pages"]),
    "create": ('''
    def Create$W(self, request, context):
        """Create a $w in draft status."""
        caller = self._authenticate(context)
        if not request.tenant_id or not request.reference:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "tenant_id and reference are required")
        record = self._store.create(request.tenant_id, reference=request.reference, status="draft")
        $log.info("%s created $w %s for tenant %s", caller, record["id"], request.tenant_id)
        return _to_message(record)
''', ["tomsg"]),
}

# RPCs that may be the weak one: "@@AUTH@@" is where the authentication call goes
_GRPC_TARGETS = {
    "purge": ('''
    def PurgeTenant(self, request, context):  #@V
        """Delete every $w of a tenant (offboarding); the rows cannot be recovered."""
        @@AUTH@@
        if not request.confirm:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "confirm must be set")
        removed = self._store.delete_all(request.tenant_id)
        $log.warning("purged %d $ws of tenant %s (peer %s)", removed, request.tenant_id, context.peer())
        return $w_pb2.PurgeTenantReply(removed=removed)
''', [], "PurgeTenant deletes every record of any tenant named in the request"),
    "export": ('''
    def ExportTenant(self, request, context):  #@V
        """Stream every $w of a tenant (used by the nightly data-export job)."""
        @@AUTH@@
        count = 0
        for record in self._store.iter_all(request.tenant_id):
            count += 1
            yield _to_message(record)
        $log.info("exported %d $ws of tenant %s to %s", count, request.tenant_id, context.peer())
''', ["tomsg"], "ExportTenant streams every record of any tenant named in the request"),
    "cancel": ('''
    def Cancel$W(self, request, context):  #@V
        """Cancel an open $w; cancelled $ws cannot be reopened."""
        @@AUTH@@
        if not self._store.set_status(request.tenant_id, request.id, "cancelled", only_from=("draft", "open")):
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "$w is not open")
        $log.info("$w %s of tenant %s cancelled (peer %s)", request.id, request.tenant_id, context.peer())
        return $w_pb2.Cancel$WReply(id=request.id, status="cancelled")
''', [], "Cancel$W cancels any tenant's $w"),
    "retention": ('''
    def SetRetention(self, request, context):  #@V
        """Change how many days closed $ws of a tenant are kept before deletion."""
        @@AUTH@@
        if not MIN_RETENTION_DAYS <= request.days <= MAX_RETENTION_DAYS:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "days out of range")
        self._store.set_retention(request.tenant_id, request.days)
        $log.info("retention of tenant %s set to %d days (peer %s)", request.tenant_id, request.days, context.peer())
        return $w_pb2.SetRetentionReply(days=request.days)
''', ["retconst"], "SetRetention lets any caller shorten a tenant's retention (and so have its data deleted)"),
}

_GRPC_AUTH_CALL = "        self._authenticate(context)\n"


def _grpc_parts(c, target):
    kw = _grpc_kw(c)
    others = [k for k in _GRPC_TARGETS if k != target]
    plain = c.rng.sample(sorted(_GRPC_PLAIN), c.pick(1, 2, 2))
    extra = c.rng.sample(others, c.pick(0, 1, 1))
    methods = [(k, _GRPC_PLAIN[k][0], _GRPC_PLAIN[k][1]) for k in plain]
    methods += [(k, _GRPC_TARGETS[k][0].replace("  #@V", "").replace("        @@AUTH@@\n", _GRPC_AUTH_CALL),
                 _GRPC_TARGETS[k][1]) for k in extra]
    c.rng.shuffle(methods)
    pos = c.rng.randint(0, len(methods))
    methods.insert(pos, (target, _GRPC_TARGETS[target][0].replace("        @@AUTH@@\n", "@@AUTH@@"),
                         _GRPC_TARGETS[target][1]))
    needs = sorted({n for _k, _b, ns in methods for n in ns})
    cls = ('''
class $WServicer($w_pb2_grpc.$SvcServicer):
    """$Svc RPCs; every call carries "authorization: Bearer <token>" metadata."""

    def __init__(self, store: $WRepository, digests: dict[str, str]) -> None:
        self._store = store
        self._digests = digests
''' + _GRPC_AUTH + "".join(b for _k, b, _n in methods))
    imp_pb = "from . import $w_pb2, $w_pb2_grpc\nfrom .repository import $WRepository"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("servicer", rank=3, imp="import hashlib\nimport hmac\nimport grpc\n" + imp_pb, body=cls),
        P("digests", rank=1, imp="import os", const='TOKENS_ENV = "$APP_SERVICE_TOKENS"', body='''
def load_token_digests() -> dict[str, str]:
    """Caller name -> SHA-256 hex digest of its token, from the environment ("name:digest,name:digest")."""
    raw = os.environ.get(TOKENS_ENV, "")
    pairs = (item.split(":", 1) for item in raw.split(",") if ":" in item)
    return {name.strip(): digest.strip().lower() for name, digest in pairs}
'''),
    ]
    interceptor = c.pick(True, False)
    pool = [
        P("serve", rank=5, needs=["interceptor"] if interceptor else [],
          imp="import os\nfrom concurrent import futures\nimport grpc\n" + imp_pb, body='''
def serve(port: int = $port) -> None:
    """Serve over TLS (certificate and key paths from the environment) until terminated."""
    with open(os.environ["$APP_TLS_CERT"], "rb") as fh:
        cert = fh.read()
    with open(os.environ["$APP_TLS_KEY"], "rb") as fh:
        key = fh.read()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=$workers)''' +
          (", interceptors=[AccessLogInterceptor()])" if interceptor else ")") + '''
    servicer = $WServicer($WRepository(os.environ["$APP_DATABASE_URL"]), load_token_digests())
    $w_pb2_grpc.add_$SvcServicer_to_server(servicer, server)
    server.add_secure_port(f"[::]:{port}", grpc.ssl_server_credentials([(key, cert)]))
    server.start()
    $log.info("$w service listening on port %d", port)
    server.wait_for_termination()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serve()
'''),
        P("interceptor", rank=2, imp="import time\nimport grpc", body='''
class AccessLogInterceptor(grpc.ServerInterceptor):
    """Log the method of every call and how long the handler lookup took (never metadata: it holds tokens)."""

    def intercept_service(self, continuation, handler_call_details):
        started = time.perf_counter()
        handler = continuation(handler_call_details)
        elapsed_ms = (time.perf_counter() - started) * 1000
        $log.debug("rpc %s dispatched in %.1f ms", handler_call_details.method, elapsed_ms)
        return handler
'''),
    ]
    extras = {
        "tomsg": P("tomsg", rank=2, imp="from . import $w_pb2", body='''
def _to_message(record: dict) -> $w_pb2.$W:
    """Repository row -> protobuf message (timestamps as RFC 3339 strings)."""
    return $w_pb2.$W(
        id=record["id"],
        tenant_id=record["tenant_id"],
        reference=record["reference"],
        status=record["status"],
        created_at=record["created_at"].isoformat(),
    )
'''),
        "pages": P("pages", rank=2, imp="import base64\nimport binascii", const="DEFAULT_PAGE = $page\nMAX_PAGE = $maxpage",
                   body='''
def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def _decode_page_token(token: str) -> int:
    """Offset from an opaque page token; a malformed token starts from the top."""
    if not token:
        return 0
    try:
        return max(0, int(base64.urlsafe_b64decode(token.encode()).decode()))
    except (binascii.Error, ValueError):
        return 0
'''),
        "retconst": P("retconst", rank=1, const="MIN_RETENTION_DAYS = $mind\nMAX_RETENTION_DAYS = $maxd"),
    }
    core += [extras[n] for n in needs]
    return kw, core, pool


_GRPC_DOCS = [
    "gRPC service for $ws ($app). Internal callers authenticate with per-service bearer\n"
    "tokens whose SHA-256 digests are configured in the environment.",
    "$W service of $app: the servicer, its token check and the server bootstrap.",
    "Internal gRPC API over the $w repository (tenants' $ws, retention and offboarding).",
]


@fam("mod28-grpc-servicer-rpc-skips-auth", "CWE-306", fws=["grpc"], n=8, wrap=False)
def mod28_grpc_skip_auth(c):
    target = c.pick(*_GRPC_TARGETS)
    kw, core, pool = _grpc_parts(c, target)
    doc = c.pick(*_GRPC_DOCS)
    log = '$log = logging.getLogger("$app.$w.rpc")'
    v, s = _pair(c, doc, log, core, pool, kw, {"@@AUTH@@": ""}, {"@@AUTH@@": _GRPC_AUTH_CALL})
    return Spec(v=v, s=s, full=True, fw="grpc",
                notes=fill(_GRPC_TARGETS[target][2], **kw) + ": every other RPC of the servicer starts with "
                      "self._authenticate(context), this one never does, and nothing else (the server's TLS has no "
                      "client certificates, the interceptor only logs) authenticates the caller, so any network peer "
                      "can call it; the fix authenticates the caller first")


@hardneg(8)
def mod28_grpc_skip_auth_hn(c):
    target = c.pick(*_GRPC_TARGETS)
    kw, core, pool = _grpc_parts(c, target)
    code = _safe(c, c.pick(*_GRPC_DOCS), '$log = logging.getLogger("$app.$w.rpc")', core, pool, kw,
                 {"@@AUTH@@": _GRPC_AUTH_CALL})
    return Spec(s=code, full=True, fw="grpc",
                notes="gRPC servicer whose every RPC authenticates the calling service from the metadata bearer "
                      "token (SHA-256 digest, hmac.compare_digest) before touching the repository")


# ---------------- CWE-287: Starlette password + TOTP login, current_user ignores the second factor ----------------


def _mfa_kw(c):
    w = c.pick("invoice", "report", "project", "payout", "contract", "dataset")
    app = c.pick("tallyho", "ferrous", "quillon", "brightdesk", "moorland", "parcelo")
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                uid=c.pick("uid", "user_id", "account_id"), mfa=c.pick("mfa_ok", "mfa_passed", "second_factor_ok"),
                cookie=c.pick("__Host-session", "console_session", "sid"), maxage=c.pick(3600, 8 * 3600, 14400),
                maxl=c.pick(5, 8, 10), win=c.pick(300, 600, 900), minpw=c.pick(12, 14), page=c.pick(50, 100),
                cur=c.pick("current_user", "session_user", "signed_in_user"))


_MFA_CURRENT = '''
def $cur(request: Request) -> dict | None:
    """The user this session belongs to, or None when nobody is signed in."""
    $uid = request.session.get("$uid")
@@CHECK@@
        return None
    return get_user_by_id($uid)
'''

_MFA_LOGIN = '''
async def login(request: Request) -> JSONResponse:
    """First step: e-mail and password. Users with TOTP enrolled still have to send a code."""
    form = await request.form()
    email = str(form.get("email", "")).strip().lower()
    if login_throttle.blocked(email):
        return JSONResponse({"error": "too many attempts, try again later"}, status_code=429)
    user = get_user_by_email(email)
    try:
        _hasher.verify(user["password_hash"] if user else DUMMY_HASH, str(form.get("password", "")))
    except VerifyMismatchError:
        user = None
    if user is None:
        login_throttle.fail(email)
        $log.info("failed sign-in from %s", request.client.host if request.client else "unknown")
        return JSONResponse({"error": "invalid e-mail or password"}, status_code=401)
    request.session.clear()
    request.session["$uid"] = user["id"]
    request.session["$mfa"] = not user["totp_secret"]
    return JSONResponse({"totp_required": bool(user["totp_secret"])})
'''

_MFA_TOTP = '''
async def verify_totp(request: Request) -> JSONResponse:
    """Second step: the current TOTP code of the user whose password was accepted."""
    $uid = request.session.get("$uid")
    user = get_user_by_id($uid) if $uid is not None else None
    if user is None or not user["totp_secret"]:
        return JSONResponse({"error": "no sign-in in progress"}, status_code=400)
    key = f"totp:{user['id']}"
    if totp_throttle.blocked(key):
        return JSONResponse({"error": "too many codes, sign in again later"}, status_code=429)
    form = await request.form()
    if not pyotp.TOTP(user["totp_secret"]).verify(str(form.get("code", "")), valid_window=1):
        totp_throttle.fail(key)
        return JSONResponse({"error": "invalid code"}, status_code=401)
    request.session["$mfa"] = True
    $log.info("second factor accepted for user %s", user["id"])
    return JSONResponse({"ok": True})
'''

_MFA_THROTTLE = '''
class Throttle:
    """Failures per key within a sliding window (per process; the ingress also limits per address)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, key: str) -> bool:
        hits = self._hits[key]
        while hits and time.monotonic() - hits[0] > self.window:
            hits.popleft()
        return len(hits) >= self.limit

    def fail(self, key: str) -> None:
        self._hits[key].append(time.monotonic())


login_throttle = Throttle(limit=$maxl, window=$win)
totp_throttle = Throttle(limit=5, window=300)
'''

_NOT_IN = 'JSONResponse({"error": "not signed in"}, status_code=401)'

# optional endpoints: (key, route line, body, extra imports)
_MFA_OPTIONAL = [
    ("me", 'Route("/me", me)', '''
async def me(request: Request) -> JSONResponse:
    user = $cur(request)
    if user is None:
        return ''' + _NOT_IN + '''
    return JSONResponse({"id": user["id"], "email": user["email"], "totp": bool(user["totp_secret"])})
''', ""),
    ("logout", 'Route("/logout", logout, methods=["POST"])', '''
async def logout(request: Request) -> JSONResponse:
    request.session.clear()
    return JSONResponse({"ok": True})
''', ""),
    ("items", 'Route("/api/$ws", list_$ws)', '''
async def list_$ws(request: Request) -> JSONResponse:
    """The signed-in user's $ws, newest first."""
    user = $cur(request)
    if user is None:
        return ''' + _NOT_IN + '''
    rows = $ws_for_owner(user["id"], limit=$page)
    return JSONResponse({"items": [{"id": r["id"], "title": r["title"], "status": r["status"]} for r in rows]})
''', "from .$ws import $ws_for_owner"),
    ("password", 'Route("/account/password", change_password, methods=["POST"])', '''
async def change_password(request: Request) -> JSONResponse:
    """Set a new password; the current one must be given again."""
    user = $cur(request)
    if user is None:
        return ''' + _NOT_IN + '''
    form = await request.form()
    key = f"pw:{user['id']}"
    if login_throttle.blocked(key):
        return JSONResponse({"error": "too many attempts, try again later"}, status_code=429)
    try:
        _hasher.verify(user["password_hash"], str(form.get("current", "")))
    except VerifyMismatchError:
        login_throttle.fail(key)
        return JSONResponse({"error": "the current password is wrong"}, status_code=403)
    new_password = str(form.get("new", ""))
    if len(new_password) < $minpw:
        return JSONResponse({"error": "use at least $minpw characters"}, status_code=400)
    set_password_hash(user["id"], _hasher.hash(new_password))
    $log.info("password changed for user %s", user["id"])
    return JSONResponse({"ok": True})
''', "from .users import set_password_hash"),
]

_MFA_CHECKS = {
    "none": ('    if $uid is None:  #@V\n', '    if $uid is None or not request.session.get("$mfa"):\n'),
    "falsy": ('    if not $uid:  #@V\n', '    if not $uid or request.session.get("$mfa") is not True:\n'),
}


def _mfa_parts(c):
    kw = _mfa_kw(c)
    by = {o[0]: o for o in _MFA_OPTIONAL}
    opts = [by[k] for k in c.pick(("me",), ("items",), ("password",), ("me", "items"), ("items", "me"))]
    if opts[0][0] != "password" and c.pick(True, False):
        opts.insert(c.rng.randint(0, len(opts)), _MFA_OPTIONAL[1])
    # the sliding-window throttle class is inlined when the endpoints leave room for it
    inline = len(opts) == 1 and opts[0][0] != "password"
    routes = ['Route("/login", login, methods=["POST"])', 'Route("/login/totp", verify_totp, methods=["POST"])']
    routes += [r for _k, r, _b, _i in opts]
    app = ("middleware = [\n"
           "    Middleware(SessionMiddleware, secret_key=os.environ[\"$APP_SESSION_SECRET\"], session_cookie=\"$cookie\",\n"
           "               max_age=$maxage, same_site=\"strict\", https_only=True),\n]\n"
           "app = Starlette(routes=[\n" + "".join(f"    {r},\n" for r in routes) + "], middleware=middleware)\n")
    star = ("from starlette.applications import Starlette\nfrom starlette.middleware import Middleware\n"
            "from starlette.middleware.sessions import SessionMiddleware\nfrom starlette.requests import Request\n"
            "from starlette.responses import JSONResponse\nfrom starlette.routing import Route")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("hasher", rank=0, imp="import secrets\nfrom argon2 import PasswordHasher\n"
                                 "from argon2.exceptions import VerifyMismatchError\n"
                                 "from .users import get_user_by_email, get_user_by_id",
          setup="_hasher = PasswordHasher()\nDUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))"),
        P("throttle", rank=1, imp="import time\nfrom collections import defaultdict, deque", body=_MFA_THROTTLE)
        if inline else P("throttle", rank=1, imp="from .ratelimit import Throttle",
                         setup="login_throttle = Throttle(limit=$maxl, window=$win)\n"
                               "totp_throttle = Throttle(limit=5, window=300)"),
        P("current", rank=2, imp=star, body=_MFA_CURRENT),
        P("login", rank=3, imp=star, body=_MFA_LOGIN),
        P("totp", rank=3, imp="import pyotp\n" + star, body=_MFA_TOTP),
        P("app", rank=6, imp="import os\n" + star, body=app),
    ]
    for k, _r, b, i in opts:
        core.append(P("opt_" + k, rank=4, imp=star + ("\n" + i if i else ""), body=b))
    return kw, core


_MFA_DOCS = [
    "Sign-in for the $app console: password (argon2) then, for enrolled users, a TOTP code.\n"
    "State lives in Starlette's signed session cookie.",
    "Authentication endpoints of $app (Starlette): login, second factor and the session helpers.",
    "$app web console: two-step sign-in and the first account endpoints.",
]


@fam("mod28-starlette-session-mfa-flag-ignored", "CWE-287", fws=["starlette"], n=8, wrap=False)
def mod28_mfa_flag(c):
    kw, core = _mfa_parts(c)
    vchk, schk = _MFA_CHECKS[c.pick(*_MFA_CHECKS)]
    v, s = _pair(c, c.pick(*_MFA_DOCS), '$log = logging.getLogger("$app.auth")', core, [], kw,
                 {"@@CHECK@@\n": _fill_keep(vchk, kw)},
                 {"@@CHECK@@\n": _fill_keep(schk, kw)})
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes=fill("the login step stores $uid in the session with $mfa=False until the TOTP step, but "
                           "$cur() only looks at $uid, so right after the password every endpoint treats the "
                           "session as fully signed in and the second factor is never required; the fix also "
                           "requires $mfa", **kw))


@hardneg(8)
def mod28_mfa_flag_hn(c):
    kw, core = _mfa_parts(c)
    _v, schk = _MFA_CHECKS[c.pick(*_MFA_CHECKS)]
    code = _safe(c, c.pick(*_MFA_DOCS), '$log = logging.getLogger("$app.auth")', core, [], kw,
                 {"@@CHECK@@\n": _fill_keep(schk, kw)})
    return Spec(s=code, full=True, fw="starlette",
                notes="two-step sign-in whose session helper requires both the user id and the second-factor flag; "
                      "argon2 with a dummy hash for unknown e-mails, throttled password and TOTP attempts, signed "
                      "session cookie with https_only and same_site=strict")


def _fill_keep(text, kw):
    """`fill` without dedenting (the text is a line at its final indentation)."""
    for k in sorted(kw, key=len, reverse=True):
        text = text.replace("$" + k, str(kw[k]))
    return text


# ---------------- CWE-639: Flask endpoint queues Celery tasks; the task loads the invoice by id alone ----------------


def _stmt_kw(c):
    app = c.pick("paystream", "ledgerly", "invoicely", "clearbill", "northpay", "remit")
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"), batch=c.pick(20, 25, 50), page=c.pick(25, 50),
                ttl=c.pick(900, 3600, 86400), keep=c.pick(30, 60, 90), retries=c.pick(3, 5),
                task=c.pick("render_statement", "build_statement", "statement_pdf"),
                ep=c.pick("request_statements", "queue_statements", "order_statements"),
                pfx=c.pick("/billing", "/api/billing", "/account"), rate=c.pick("30/m", "60/m", "10/s"))


_STMT_TASK = '''
@celery_app.task(bind=True, max_retries=$retries, acks_late=True, rate_limit="$rate")
def $task(self, account_id: int, invoice_id: int, requested_by: int) -> str | None:
    """Render one invoice of ``account_id`` to PDF, store it and mail a download link to the requester."""
    with SessionLocal() as session:
@@LOOKUP@@
            $log.warning("statement skipped: invoice %s not found for account %s", invoice_id, account_id)
            return None
        number = invoice.number
        pdf = render_invoice_pdf(invoice)
    key = f"statements/{account_id}/{number}.pdf"
    try:
        put_object(key, pdf, content_type="application/pdf")
    except StorageError as exc:
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1))
    with SessionLocal() as session:
        session.add(
            StatementJob(account_id=account_id, invoice_id=invoice_id, requested_by=requested_by, object_key=key)
        )
        session.commit()
    send_mail(requested_by, subject=f"Statement {number}", link=signed_url(key, expires_in=$ttl))
    $log.info("statement %s stored for account %s", number, account_id)
    return key
'''

_STMT_ENDPOINT = '''
@bp.post("/statements")
@login_required
def $ep():
    """Queue one statement per requested invoice; the PDFs arrive by e-mail."""
    payload = request.get_json(silent=True) or {}
    ids = payload.get("invoice_ids")
    if not isinstance(ids, list) or not 0 < len(ids) <= MAX_BATCH:
        abort(400, description=f"invoice_ids must be a list of 1 to {MAX_BATCH} ids")
    try:
        invoice_ids = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        abort(400, description="invoice ids must be integers")
    task_ids = [$task.delay(current_user.account_id, i, current_user.id).id for i in invoice_ids]
    $log.info("user %s queued %d statements", current_user.id, len(task_ids))
    return jsonify(queued=len(task_ids), task_ids=task_ids), 202
'''

# (vulnerable lookup, its fix); the text replaces "@@LOOKUP@@" plus the `if invoice is None:` line
# (the filter_by pair comes first: with the family's seeds the draw otherwise never gave a vulnerable filter_by)
_STMT_LOOKUPS = [
    ("        invoice = session.query(Invoice).filter_by(id=invoice_id).one_or_none()  #@V\n        if invoice is None:\n",
     "        invoice = session.query(Invoice).filter_by(id=invoice_id, account_id=account_id).one_or_none()\n"
     "        if invoice is None:\n"),
    ("        invoice = session.get(Invoice, invoice_id)  #@V\n        if invoice is None:\n",
     "        invoice = session.scalar(\n"
     "            select(Invoice).where(Invoice.id == invoice_id, Invoice.account_id == account_id)\n"
     "        )\n        if invoice is None:\n"),
    ("        invoice = session.get(Invoice, invoice_id)  #@V\n        if invoice is None:  #@V\n",
     "        invoice = session.get(Invoice, invoice_id)\n"
     "        if invoice is None or invoice.account_id != account_id:\n"),
]

_STMT_IMP = ("from flask import Blueprint, abort, jsonify, request\nfrom flask_login import current_user, login_required\n"
             "from celery import Celery\nfrom sqlalchemy import select\nfrom .db import SessionLocal\n"
             "from .models import Invoice, StatementJob")


def _stmt_parts(c):
    kw = _stmt_kw(c)
    core = [
        P("logging", rank=0, imp="import logging"),
        P("apps", rank=0, imp="import os\n" + _STMT_IMP, const="MAX_BATCH = $batch",
          setup='celery_app = Celery("$app", broker=os.environ["$APP_BROKER_URL"])\n'
                'bp = Blueprint("statements", __name__, url_prefix="$pfx")'),
        P("task", rank=2, imp=_STMT_IMP + "\nfrom .pdf import render_invoice_pdf\nfrom .mail import send_mail\n"
                                           "from .storage import StorageError, put_object, signed_url",
          body=_STMT_TASK),
        P("endpoint", rank=3, imp=_STMT_IMP, body=_STMT_ENDPOINT),
    ]
    pool = [
        P("history", rank=3, imp=_STMT_IMP + "\nfrom .storage import signed_url", body='''
@bp.get("/statements")
@login_required
def list_statements():
    """Recent statements of the caller's account, with fresh download links."""
    with SessionLocal() as session:
        jobs = session.scalars(
            select(StatementJob)
            .where(StatementJob.account_id == current_user.account_id)
            .order_by(StatementJob.created_at.desc())
            .limit($page)
        ).all()
    items = [
        {"invoice_id": j.invoice_id, "created": j.created_at.isoformat(),
         "url": signed_url(j.object_key, expires_in=$ttl)}
        for j in jobs
    ]
    return jsonify(items=items)
'''),
        P("purge", rank=2, imp=_STMT_IMP + "\nfrom datetime import datetime, timedelta, timezone\n"
                                            "from .storage import delete_object",
          setup='celery_app.conf.beat_schedule = {\n'
                '    "purge-statements": {"task": "statements.purge_old", "schedule": 24 * 3600},\n}',
          body='''
@celery_app.task(name="statements.purge_old")
def purge_old_statements(days: int = $keep) -> int:
    """Delete stored statements older than ``days`` (scheduled nightly by beat)."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    with SessionLocal() as session:
        old = session.scalars(select(StatementJob).where(StatementJob.created_at < cutoff)).all()
        for job in old:
            delete_object(job.object_key)
            session.delete(job)
        session.commit()
    $log.info("purged %d statements older than %d days", len(old), days)
    return len(old)
'''),
        P("failure", rank=2, imp="from celery.signals import task_failure", body='''
@task_failure.connect
def _log_task_failure(sender=None, task_id=None, exception=None, **_):
    """Failed statement tasks are logged with their id; the exception stays in the worker log."""
    $log.error("task %s (%s) failed: %s", task_id, getattr(sender, "name", "?"), type(exception).__name__)
'''),
        P("config", rank=1, setup='celery_app.conf.update(task_serializer="json", accept_content=["json"], '
                                  'result_expires=$keep * 86400)'),
    ]
    return kw, core, pool


_STMT_DOCS = [
    "Statement PDFs for the $app billing portal: the endpoint queues one Celery task per invoice; the task\n"
    "renders the PDF, stores it and mails a download link to the user who asked.",
    "Billing statements ($app): Flask endpoints and the Celery tasks behind them.",
    "Invoice statement export: request endpoint, rendering task, storage and retention.",
]


@fam("mod28-celery-statement-task-unscoped-invoice", "CWE-639", fws=["celery"], n=8, wrap=False)
def mod28_stmt_unscoped(c):
    kw, core, pool = _stmt_parts(c)
    vl, sl = c.pick(*_STMT_LOOKUPS)
    v, s = _pair(c, c.pick(*_STMT_DOCS), '$log = logging.getLogger("$app.statements")', core, pool, kw,
                 {"@@LOOKUP@@\n": vl}, {"@@LOOKUP@@\n": sl})
    return Spec(v=v, s=s, full=True, fw="celery",
                notes="the endpoint queues a task for every invoice id in the JSON body with the caller's account, "
                      "but the task loads the invoice by id alone (never comparing its account_id with the account "
                      "it was queued for), renders it and mails the link to the requester: any customer gets any "
                      "other customer's invoice by number; the fix scopes the lookup to the account")


@hardneg(8)
def mod28_stmt_unscoped_hn(c):
    kw, core, pool = _stmt_parts(c)
    _vl, sl = c.pick(*_STMT_LOOKUPS)
    code = _safe(c, c.pick(*_STMT_DOCS), '$log = logging.getLogger("$app.statements")', core, pool, kw,
                 {"@@LOOKUP@@\n": sl})
    return Spec(s=code, full=True, fw="celery",
                notes="Celery task acting on an invoice id from the message, with the lookup scoped to the account "
                      "the task was queued for; the history query is scoped to the caller's account too")


# ---------------- CWE-863: graphene bulk mutation checks ownership of any / the first document only ----------------


def _gq_kw(c):
    w = c.pick("document", "note", "playlist", "board", "snippet", "recipe")
    W = w.capitalize()
    return dict(w=w, ws=w + "s", W=W, Ws=W + "s", M=W + c.pick("Model", "Row", "Record"), app=c.pick(
        "inkwell", "marginalia", "corkboard", "tessellate", "scrivo", "papyr"), log=c.pick("log", "logger"),
        bulk=c.pick(50, 100, 200), cap=c.pick(100, 200), first=c.pick(20, 50), maxt=c.pick(120, 200, 255))


_GQ_BULK = {
    "archive": ('Archive$Ws', 'archive_$ws', "Archive several of the viewer's $ws at once.",
                "        for item in items:\n            item.archived = True\n", "archived"),
    "delete": ('Delete$Ws', 'delete_$ws', "Delete several of the viewer's $ws at once.",
               "        for item in items:\n            db.delete(item)\n", "deleted"),
    "restore": ('Restore$Ws', 'restore_$ws', "Take several of the viewer's $ws out of the archive.",
                "        for item in items:\n            item.archived = False\n", "restored"),
}


def _gq_bulk(key):
    cls, _f, doc, act, verb = _GQ_BULK[key]
    return ('''
class ''' + cls + '''(graphene.Mutation):
    """''' + doc + '''"""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    count = graphene.Int(required=True)

    def mutate(root, info, ids):
        user = _viewer(info)
        db = info.context["db"]
        wanted = {int(i) for i in ids}
        if not 0 < len(wanted) <= MAX_BULK:
            raise GraphQLError(f"give between 1 and {MAX_BULK} ids")
        items = db.scalars(select($M).where($M.id.in_(wanted))).all()
        if len(items) != len(wanted):
            raise GraphQLError("no such $w")
@@CHECK@@
            raise GraphQLError("no such $w")
''' + act + '''        db.commit()
        $log.info("user %s ''' + verb + ''' %d $ws", user.id, len(items))
        return ''' + cls + '''(count=len(items))
''')


_GQ_CHECKS = {
    "any": ("        if not any(item.owner_id == user.id for item in items):  #@V\n",
            "        if not all(item.owner_id == user.id for item in items):\n"),
    "owned": ("        owned = [item for item in items if item.owner_id == user.id]\n        if not owned:  #@V\n",
              "        owned = [item for item in items if item.owner_id == user.id]\n        if len(owned) != len(items):\n"),
}

_GQ_SINGLE = {
    "rename": ("Rename$W", "rename_$w", '''
class Rename$W(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        title = graphene.String(required=True)

    $w = graphene.Field($W)

    def mutate(root, info, id, title):
        item = _owned(info, id)
        if item is None:
            raise GraphQLError("no such $w")
        title = title.strip()
        if not 0 < len(title) <= $maxt:
            raise GraphQLError("the title must have 1 to $maxt characters")
        item.title = title
        info.context["db"].commit()
        return Rename$W($w=item)
''', ["owned"]),
    "create": ("Create$W", "create_$w", '''
class Create$W(graphene.Mutation):
    class Arguments:
        title = graphene.String(required=True)

    $w = graphene.Field($W)

    def mutate(root, info, title):
        user = _viewer(info)
        db = info.context["db"]
        item = $M(owner_id=user.id, title=title.strip()[:$maxt] or "Untitled", archived=False)
        db.add(item)
        db.commit()
        $log.info("user %s created $w %s", user.id, item.id)
        return Create$W($w=item)
''', []),
}


def _gq_parts(c, target):
    kw = _gq_kw(c)
    muts = [("bulk_" + target, _GQ_BULK[target][1], _GQ_BULK[target][0], _gq_bulk(target), [])]
    others = [k for k in _GQ_BULK if k != target]
    if c.pick(True, False):
        k = c.pick(*others)
        muts.append(("bulk_" + k, _GQ_BULK[k][1], _GQ_BULK[k][0], _gq_bulk(k).replace("@@CHECK@@\n", "@@SAFE@@\n"), []))
    singles = c.rng.sample(sorted(_GQ_SINGLE), 1 if len(muts) == 1 else 0)
    for k in singles:
        cls, field, body, needs = _GQ_SINGLE[k]
        muts.append((k, field, cls, body, needs))
    c.rng.shuffle(muts)
    imp = "import graphene\nfrom graphql import GraphQLError\nfrom sqlalchemy import select\nfrom .models import $W as $M"
    root = ("class Mutation(graphene.ObjectType):\n" + "".join(f"    {f} = {cls}.Field()\n" for _k, f, cls, _b, _n in muts)
            + "\n\nschema = graphene.Schema(query=Query, mutation=Mutation)\n")
    one_query = c.pick(False, False, True)
    core = [
        P("logging", rank=0, imp="import logging", const="MAX_BULK = $bulk"),
        P("type", rank=1, imp=imp, body='''
class $W(graphene.ObjectType):
    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    archived = graphene.Boolean(required=True)
    updated_at = graphene.DateTime()
'''),
        P("viewer", rank=2, imp=imp, body='''
def _viewer(info):
    """The signed-in user the GraphQL view put into the context; anonymous requests stop here."""
    user = info.context.get("user")
    if user is None or not user.is_active:
        raise GraphQLError("authentication required")
    return user
'''),
        P("query", rank=3, imp=imp, needs=["owned"], body='''
class Query(graphene.ObjectType):
    $ws = graphene.List(
        graphene.NonNull($W), archived=graphene.Boolean(default_value=False), first=graphene.Int(default_value=$first)
    )''' + ("" if one_query else '''
    $w = graphene.Field($W, id=graphene.ID(required=True))''') + '''

    def resolve_$ws(root, info, archived, first):
        user = _viewer(info)
        stmt = select($M).where($M.owner_id == user.id, $M.archived == archived)
        return info.context["db"].scalars(stmt.order_by($M.updated_at.desc()).limit(min(first, $cap))).all()
''' + ("" if one_query else '''
    def resolve_$w(root, info, id):
        return _owned(info, id)
''')),
        P("owned", rank=2, imp=imp, body='''
def _owned(info, item_id):
    """One of the viewer's $ws, or None (someone else's $w looks exactly like a missing one)."""
    user = _viewer(info)
    stmt = select($M).where($M.id == int(item_id), $M.owner_id == user.id)
    return info.context["db"].scalar(stmt)
'''),
        P("root", rank=6, imp="import graphene", body=root),
    ]
    for k, _f, _cls, body, _n in muts:
        core.append(P("m_" + k, rank=4, imp=imp, body=body))
    return kw, core


_GQ_DOCS = [
    "GraphQL schema of the $app $w library (graphene over SQLAlchemy). The view puts the signed-in user and\n"
    "a database session into the context; every resolver works on that user's $ws only.",
    "$W queries and mutations of $app (graphene).",
    "graphene types, queries and mutations for $ws, scoped to the viewer.",
]


@fam("mod28-graphene-bulk-mutation-partial-ownership", "CWE-863", fws=["graphene"], n=8, wrap=False)
def mod28_gq_partial(c):
    target = c.pick(*_GQ_BULK)
    kw, core = _gq_parts(c, target)
    vchk, schk = _GQ_CHECKS[c.pick(*_GQ_CHECKS)]
    safe_other = c.pick(*_GQ_CHECKS.values())[1]
    v, s = _pair(c, c.pick(*_GQ_DOCS), '$log = logging.getLogger("$app.graphql")', core, [], kw,
                 {"@@CHECK@@\n": vchk, "@@SAFE@@\n": safe_other}, {"@@CHECK@@\n": schk, "@@SAFE@@\n": safe_other})
    cls = fill(_GQ_BULK[target][0], **kw)
    return Spec(v=v, s=s, full=True, fw="graphene",
                notes=f"{cls} loads every listed id but only checks that the viewer owns at least one of them "
                      "(any(), or a non-empty list of owned rows), then changes all of them: listing one's own id next to other users' ids changes "
                      "their rows; every other resolver is scoped to the viewer, and the fix requires every row to "
                      "be the viewer's")


@hardneg(8)
def mod28_gq_partial_hn(c):
    target = c.pick(*_GQ_BULK)
    kw, core = _gq_parts(c, target)
    schk = c.pick(*_GQ_CHECKS.values())[1]
    code = _safe(c, c.pick(*_GQ_DOCS), '$log = logging.getLogger("$app.graphql")', core, [], kw,
                 {"@@CHECK@@\n": schk, "@@SAFE@@\n": c.pick(*_GQ_CHECKS.values())[1]})
    return Spec(s=code, full=True, fw="graphene",
                notes="graphene schema whose resolvers are scoped to the viewer and whose bulk mutations require "
                      "every listed row to be the viewer's (all(), or as many owned rows as rows)")


# ---------------- CWE-269: Flask just-in-time elevation grants any known role ----------------


def _jit_kw(c):
    app = c.pick("bastion", "keystone", "atlas-admin", "sentinel", "watchtower", "helm")
    roles = c.pick(("support", "billing-admin", "db-operator", "superadmin"),
                   ("read-only", "support", "deployer", "org-admin"),
                   ("on-call", "incident-commander", "data-export", "root-admin"),
                   ("tier1", "tier2", "finance-ops", "platform-admin"))
    sec = c.pick("security", "secops", "security-audit")
    listed = list(roles[:-1]) + [sec, roles[-1]]
    return dict(app=app, log=c.pick("log", "logger"), maxh=c.pick(4, 8, 12), page=c.pick(20, 50),
                roles="{" + ", ".join(f'"{r}"' for r in listed) + "}", top=roles[-1], sec=sec,
                pfx=c.pick("/access", "/admin/access", "/jit"), ep=c.pick("request_elevation", "elevate", "grant_elevation"),
                elig=c.pick("eligible_roles", "roles_for_team", "grantable_roles"),
                act=c.pick("active_roles", "current_roles", "elevated_roles"))


_JIT_IMP = ("from datetime import datetime, timedelta, timezone\nfrom flask import Blueprint, abort, jsonify, request\n"
            "from flask_login import current_user, login_required\nfrom sqlalchemy import select\n"
            "from .extensions import db\nfrom .models import Elevation, RoleEligibility")

_JIT_GRANT = '''
@bp.post("/elevations")
@login_required
def $ep():
    """Grant the caller a role for up to MAX_HOURS hours; the reason goes to the audit log."""
    body = request.get_json(silent=True) or {}
    role = str(body.get("role", ""))
    reason = str(body.get("reason", "")).strip()[:500]
    try:
        hours = int(body.get("hours", 1))
    except (TypeError, ValueError):
        abort(400, description="hours must be a whole number")
    if role not in ROLES:
        abort(400, description="unknown role")
    if not reason or not 1 <= hours <= MAX_HOURS:
        abort(400, description=f"a reason and 1 to {MAX_HOURS} hours are required")
@@CHECK@@
    grant = Elevation(user_id=current_user.id, role=role, reason=reason,  #@V
                      expires_at=datetime.now(timezone.utc) + timedelta(hours=hours))
    db.session.add(grant)
    db.session.commit()
    audit_event("elevation.granted", actor=current_user.id, role=role, hours=hours, reason=reason)
    $log.info("user %s elevated to %s for %d h", current_user.id, role, hours)
    return jsonify(id=grant.id, role=role, expires_at=grant.expires_at.isoformat()), 201
'''

_JIT_CHECKS = [
    "    if role not in $elig(current_user):\n        abort(403, description=\"your team is not eligible for this role\")\n",
    "    if role not in $elig(current_user):\n        $log.warning(\"user %s asked for ineligible role %s\", current_user.id, role)\n"
    "        abort(403)\n",
]


def _jit_parts(c):
    kw = _jit_kw(c)
    core = [
        P("logging", rank=0, imp="import logging"),
        P("bp", rank=0, imp=_JIT_IMP, const="ROLES = $roles\nMAX_HOURS = $maxh",
          setup='bp = Blueprint("elevation", __name__, url_prefix="$pfx")'),
        P("elig", rank=1, imp=_JIT_IMP, body='''
def $elig(user) -> set[str]:
    """Roles the user's team may elevate to (the security team maintains the list)."""
    return set(db.session.scalars(select(RoleEligibility.role).where(RoleEligibility.team_id == user.team_id)))
'''),
        P("grant", rank=3, imp=_JIT_IMP + "\nfrom .audit import audit_event", body=_JIT_GRANT),
        P("list_elig", rank=3, imp=_JIT_IMP, body='''
@bp.get("/eligible")
@login_required
def list_eligible():
    """What the request form offers the caller."""
    return jsonify(roles=sorted($elig(current_user)), max_hours=MAX_HOURS)
'''),
    ]
    pool = [
        P("active", rank=1, imp=_JIT_IMP, body='''
def $act(user) -> set[str]:
    """Roles of the user's unexpired, unrevoked elevations."""
    now = datetime.now(timezone.utc)
    stmt = select(Elevation.role).where(
        Elevation.user_id == user.id, Elevation.expires_at > now, Elevation.revoked_at.is_(None)
    )
    return set(db.session.scalars(stmt))
'''),
        P("require", rank=2, needs=["active"], imp="from functools import wraps\n" + _JIT_IMP, body='''
def require_role(role: str):
    """View decorator: the signed-in user must currently hold ``role`` through an elevation."""
    def deco(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if role not in $act(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return deco
'''),
        P("mine", rank=3, imp=_JIT_IMP, body='''
@bp.get("/elevations")
@login_required
def my_elevations():
    """The caller's elevations of the last 30 days, newest first."""
    since = datetime.now(timezone.utc) - timedelta(days=30)
    rows = db.session.scalars(
        select(Elevation)
        .where(Elevation.user_id == current_user.id, Elevation.created_at > since)
        .order_by(Elevation.created_at.desc())
        .limit($page)
    )
    return jsonify(items=[
        {"id": e.id, "role": e.role, "expires_at": e.expires_at.isoformat(), "revoked": e.revoked_at is not None}
        for e in rows
    ])
'''),
        P("revoke", rank=3, imp=_JIT_IMP + "\nfrom .audit import audit_event", body='''
@bp.post("/elevations/<int:grant_id>/revoke")
@login_required
def revoke_elevation(grant_id: int):
    """End one of the caller's own elevations early."""
    grant = db.session.scalar(select(Elevation).where(Elevation.id == grant_id, Elevation.user_id == current_user.id))
    if grant is None:
        abort(404)
    if grant.revoked_at is None:
        grant.revoked_at = datetime.now(timezone.utc)
        db.session.commit()
        audit_event("elevation.revoked", actor=current_user.id, grant=grant.id)
    return jsonify(id=grant.id, revoked=True)
'''),
        P("audit_view", rank=4, needs=["require"], imp=_JIT_IMP, body='''
@bp.get("/elevations/active")
@require_role("$sec")
def active_elevations():
    """Everyone's current elevations, for the security team's dashboard."""
    now = datetime.now(timezone.utc)
    rows = db.session.scalars(
        select(Elevation)
        .where(Elevation.expires_at > now, Elevation.revoked_at.is_(None))
        .order_by(Elevation.expires_at)
    )
    return jsonify(items=[{"user_id": e.user_id, "role": e.role, "expires_at": e.expires_at.isoformat()} for e in rows])
'''),
    ]
    return kw, core, pool


_JIT_DOCS = [
    "Just-in-time elevated access for the $app admin console: an engineer asks for one of the roles their\n"
    "team may hold, for a few hours and with a reason; grants are audited and expire on their own.",
    "Elevation requests ($app): temporary roles with a reason, an expiry and an audit trail.",
    "$app access blueprint: request, list and revoke time-limited role elevations.",
]


@fam("mod28-flask-jit-elevation-any-role", "CWE-269", fws=["flask"], n=8, wrap=False)
def mod28_jit_any_role(c):
    kw, core, pool = _jit_parts(c)
    sfix = _fill_keep(c.pick(*_JIT_CHECKS), kw)
    v, s = _pair(c, c.pick(*_JIT_DOCS), '$log = logging.getLogger("$app.elevation")', core, pool, kw,
                 {"@@CHECK@@\n": ""}, {"@@CHECK@@\n": sfix})
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=fill("the grant endpoint checks that the requested role exists and that a reason and a duration "
                           "are given, but never that the caller's team is eligible for it ($elig() only feeds the "
                           "form), so any signed-in engineer grants themselves any role, $top included; the fix "
                           "refuses roles outside $elig(current_user)", **kw))


@hardneg(8)
def mod28_jit_any_role_hn(c):
    kw, core, pool = _jit_parts(c)
    code = _safe(c, c.pick(*_JIT_DOCS), '$log = logging.getLogger("$app.elevation")', core, pool, kw,
                 {"@@CHECK@@\n": _fill_keep(c.pick(*_JIT_CHECKS), kw)})
    return Spec(s=code, full=True, fw="flask",
                notes="just-in-time elevation that grants only roles the caller's team is eligible for, with a "
                      "bounded duration, an audit event, owner-scoped revoke and a role-guarded dashboard")
