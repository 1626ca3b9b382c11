"""Train-only whole-module web families (libs15 set, mod15-*): modules of frameworks used less so far
with exactly one weak statement each and a twin that differs only by the minimal fix, plus ``@hardneg(10)``
safe modules dense with look-alike idioms.

Covers: a Bottle bookmark/contact app with a double-submit CSRF check on every form post but one (352), and
Falcon resources that log a login name / search term / ref parameter verbatim (117). Framework labels follow
data/README.md (Bottle/Falcon -> flask); the real stack is named in ``notes``. Written without reading the
held-out or validation families; every family here goes to train.
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib", "sqlite3",
                          "html", "urllib", "functools", "unicodedata"}
compose, pair = _web.with_stdlib(_STDLIB)

_LO, _HI = 64, 118


def _sub(x, kw):
    """``$name`` tokens of a fix replaced, longest names first (no dedent: a fix may start with a newline)."""
    for k in sorted(kw, key=len, reverse=True):
        x = x.replace("$" + k, str(kw[k]))
    return x


def _pair(c, doc, logname, core, pool, kw, vfix, sfix):
    core = core + [P("logging", rank=0, imp="import logging")]
    if isinstance(vfix, str):
        vfix, sfix = _sub(vfix, kw), _sub(sfix, kw)
    else:
        vfix, sfix = tuple(_sub(x, kw) for x in vfix), tuple(_sub(x, kw) for x in sfix)
    return pair(c, doc, f'$log = logging.getLogger("{logname}")', core, pool, kw, vfix, sfix, lo=_LO, hi=_HI)


def _safe(c, doc, logname, core, pool, kw, sfix):
    core = core + [P("logging", rank=0, imp="import logging")]
    sfix = (sfix,) if isinstance(sfix, str) else sfix
    names = ["$FIX"] + [f"$FIX{i}" for i in range(2, len(sfix) + 1)]
    sub = dict(zip(names[::-1], [_sub(x, kw) for x in sfix][::-1]))
    return compose(c, doc, f'$log = logging.getLogger("{logname}")', core, pool, kw, _LO, _HI, subs=[sub])[0]


# ---------------- CWE-352: Bottle app with a double-submit CSRF check on all form posts but one ----------------


def _csrf_kw(c):
    w = c.pick("bookmark", "contact", "webhook", "snippet", "reminder", "alias")
    return dict(w=w, ws=w + ("es" if w.endswith("s") else "s"), W=w.capitalize(), APP=c.pick("LINKS", "DESK", "HUB", "PAD"),
                log=c.pick("log", "logger"), store=c.pick("store", "repo", "db_store"),
                Store=w.capitalize() + c.pick("Store", "Repository", "Table"),
                chk=c.pick("check_csrf", "require_csrf", "verify_form_token"),
                tok=c.pick("issue_csrf_token", "csrf_token_for_form", "form_token"),
                uid_fn=c.pick("current_user_id", "logged_in_user", "require_login"),
                field=c.pick("csrf_token", "_csrf", "form_token"))


def _csrf_parts(c):
    frame = P("frame", rank=0, imp="import os\nfrom bottle import Bottle, abort, redirect, request, response, template",
              const='COOKIE_SECRET = os.environ["$APP_COOKIE_SECRET"]\nDB_PATH = os.environ.get("$APP_DB", "$ws.sqlite3")',
              setup="app = Bottle()")
    helpers = P("csrf", rank=1, imp="import hmac\nimport secrets", body='''
        def $tok() -> str:
            """The form token, also kept in a cookie (double submit); rendered into every form."""
            token = request.get_cookie("$field")
            if not token:
                token = secrets.token_urlsafe(32)
                response.set_cookie("$field", token, path="/", secure=True, httponly=True)
            return token


        def $chk() -> None:
            """Reject a form post whose token does not match the cookie."""
            sent = request.forms.get("$field", "")
            expected = request.get_cookie("$field", "")
            if not expected or not hmac.compare_digest(sent, expected):
                abort(403, "CSRF token missing or invalid")
    ''')
    user = P("user", rank=1, body='''
        def $uid_fn() -> int:
            """The user id from the signed login cookie."""
            uid = request.get_cookie("uid", secret=COOKIE_SECRET)
            if uid is None:
                redirect("/login")
            return int(uid)
    ''')
    store = P("store", rank=1, imp="import sqlite3", body='''
        class $Store:
            """sqlite3 access for the $ws table; every query is scoped to the owner."""

            def __init__(self, path: str = DB_PATH) -> None:
                self.path = path

            def _conn(self) -> sqlite3.Connection:
                conn = sqlite3.connect(self.path)
                conn.row_factory = sqlite3.Row
                return conn

            def list(self, owner: int) -> list[sqlite3.Row]:
                with self._conn() as conn:
                    return conn.execute("SELECT id, title, note FROM $ws WHERE owner = ? ORDER BY id DESC", (owner,)).fetchall()

            def add(self, owner: int, title: str, note: str) -> None:
                with self._conn() as conn:
                    conn.execute("INSERT INTO $ws (owner, title, note) VALUES (?, ?, ?)", (owner, title, note))

            def update(self, owner: int, item_id: int, title: str) -> None:
                with self._conn() as conn:
                    conn.execute("UPDATE $ws SET title = ? WHERE id = ? AND owner = ?", (title, item_id, owner))

            def delete(self, owner: int, item_id: int) -> None:
                with self._conn() as conn:
                    conn.execute("DELETE FROM $ws WHERE id = ? AND owner = ?", (item_id, owner))


        $store = $Store()
    ''')
    index = P("index", rank=3, body='''
        @app.get("/$ws")
        def list_$ws():
            uid = $uid_fn()
            return template("$ws_list", items=$store.list(uid), $field=$tok())
    ''')
    add = P("add", rank=3, body='''
        @app.post("/$ws")
        def add_$w():
            uid = $uid_fn()
            $chk()
            title = request.forms.getunicode("title", "").strip()[:200]
            if not title:
                abort(400, "title required")
            $store.add(uid, title, request.forms.getunicode("note", "")[:2000])
            $log.info("user %d added a $w", uid)
            redirect("/$ws")
    ''')
    health = P("health", rank=3, body='''
        @app.get("/healthz")
        def healthz():
            response.content_type = "text/plain"
            return "ok"
    ''')
    logout = P("logout", rank=3, body='''
        @app.post("/logout")
        def logout():
            $chk()
            response.delete_cookie("uid", path="/")
            redirect("/login")
    ''')
    return frame, [helpers, user, store, index], [add, health, logout]


def _csrf_vuln(c):
    shape = c.pick("delete", "update", "delete-decorated")
    if shape == "update":
        body = '''
            @app.post("/$ws/<item_id:int>/rename")
            def rename_$w(item_id: int):
                uid = $uid_fn()$FIX
                $store.update(uid, item_id, request.forms.getunicode("title", "").strip()[:200])  #@V
                $log.info("user %d renamed $w %d", uid, item_id)
                redirect("/$ws")
        '''
    else:
        body = '''
            @app.post("/$ws/<item_id:int>/delete")
            def delete_$w(item_id: int):
                uid = $uid_fn()$FIX
                $store.delete(uid, item_id)  #@V
                $log.info("user %d deleted $w %d", uid, item_id)
                redirect("/$ws")
        '''
    return P("vuln", rank=3, body=body)


@fam("mod15-bottle-form-post-missing-csrf", "CWE-352", fws=["flask"], n=8, wrap=False)
def mod15_bottle_csrf(c):
    kw = _csrf_kw(c)
    frame, core, pool = _csrf_parts(c)
    doc = c.pick("$W manager (Bottle + sqlite3): list, add, rename and delete $ws; form posts carry a double-submit token.",
                 "Small Bottle app for personal $ws. Login sets a signed uid cookie; forms echo a CSRF token.")
    # the weak module has no check before the protected action; the twin calls it as the other posts do
    v, s = _pair(c, doc, "$ws.web", [frame, _csrf_vuln(c)] + core, pool, kw, "", "\n    $chk()")
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="fw=bottle. Every other form post calls the double-submit CSRF check, but this state-changing "
                      "POST acts on the signed login cookie alone, so a cross-site form can make a logged-in user's "
                      "browser change or delete their data. The fix calls the check before the action")


@hardneg(10)
def mod15_bottle_csrf_hn(c):
    kw = _csrf_kw(c)
    frame, core, pool = _csrf_parts(c)
    vuln = _csrf_vuln(c)
    vuln.body = vuln.body.replace("  #@V", "")
    api = P("api", rank=3, imp="import hmac\nimport hashlib", const='HOOK_SECRET = os.environ["$APP_HOOK_SECRET"].encode()', body='''
        @app.post("/hooks/$ws")
        def inbound_hook():
            """Server-to-server import: no cookies involved, the body is HMAC-signed by the sender."""
            sig = request.get_header("X-Signature", "")
            body = request.body.read(65536)
            mac = hmac.new(HOOK_SECRET, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(sig, mac):
                abort(401, "bad signature")
            $log.info("hook received (%d bytes)", len(body))
            return {"accepted": True}
    ''')
    doc = c.pick("$W manager (Bottle): every form post checks the double-submit token.",
                 "Bottle views for $ws; POSTs are CSRF-checked, GETs change nothing.")
    code = _safe(c, doc, "$ws.web", [frame, vuln] + core, pool + [api], kw, "\n    $chk()")
    return Spec(s=code, full=True, fw="flask", notes="fw=bottle. every state-changing form post calls the CSRF check; the webhook is HMAC-signed")


# ---------------- CWE-117: Falcon resources logging client text ----------------


def _logi_kw(c):
    return dict(log=c.pick("log", "logger", "audit"), App=c.pick("Accounts", "Portal", "Gateway", "Wiki"),
                clean=c.pick("_one_line", "_log_safe", "_sanitize_for_log"),
                Res=c.pick("Resource", "Endpoint", "Handler"))


def _logi_parts(c):
    esc = c.pick('value[:limit].replace("\\r", "\\\\r").replace("\\n", "\\\\n")',
                 'value[:limit].encode("unicode_escape").decode("ascii")',
                 '"".join(ch if ch.isprintable() else "?" for ch in value[:limit])')
    frame = P("frame", rank=0, imp="import falcon", setup="", tail='''
        app = falcon.App(middleware=[RequestId()])
        app.add_route("/login", Login$Res())
        app.add_route("/search", Search$Res())
        app.add_route("/healthz", Health$Res())
    ''')
    clean = P("clean", rank=1, body=f'''
        def $clean(value: str, limit: int = 200) -> str:
            """Client text made safe for a one-line log record (CR/LF and control characters escaped)."""
            return {esc}
    ''')
    health = P("health", rank=2, body='''
        class Health$Res:
            def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                resp.media = {"status": "ok"}
    ''')
    users = P("users", rank=1, imp="import hmac\nimport hashlib\nimport os", const='PEPPER = os.environ["PEPPER"].encode()', body='''
        def check_password(stored: dict | None, password: str) -> bool:
            """Compare against the stored scrypt hash in constant time."""
            if stored is None:
                return False
            digest = hashlib.scrypt(password.encode(), salt=stored["salt"] + PEPPER, n=2**14, r=8, p=1)
            return hmac.compare_digest(digest, stored["hash"])
    ''')
    rid = P("rid", rank=2, imp="import uuid", body='''
        class RequestId:
            """Middleware: a request id for every log line (uuid4, never taken from the client)."""

            def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
                req.context.request_id = uuid.uuid4().hex

            def process_response(self, req, resp, resource, req_succeeded) -> None:
                resp.set_header("X-Request-ID", req.context.request_id)
                $log.info("%s %s -> %s", req.method, $clean(req.path), resp.status)
    ''')
    return frame, [clean, health, rid], [users]


def _logi_vuln(c):
    shape = c.pick("login", "search", "ref")
    login_src = c.pick('username = str(body.get("username", ""))  #@S', 'username = (body.get("login") or "").strip()  #@S')
    if shape == "login":
        body = f'''
            class Login$Res:
                def __init__(self, users: dict | None = None) -> None:
                    self.users = users or {{}}

                def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
                    body = req.get_media()
                    {login_src}
                    password = str(body.get("password", ""))
                    if not check_password(self.users.get(username), password):
                        $FIX
                        raise falcon.HTTPUnauthorized(title="Login failed")
                    resp.media = {{"ok": True}}


            class Search$Res:
                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    term = req.get_param("q", default="")[:100]
                    $log.info("search (%d chars)", len(term))
                    resp.media = {{"results": []}}
        '''
        v = '$log.warning("failed login for %s from %s", username, req.remote_addr)  #@V'
        s = c.pick('$log.warning("failed login for %s from %s", $clean(username), req.remote_addr)',
                   '$log.warning("failed login for %r from %s", username, req.remote_addr)')
        needs = ["users"]
    else:
        src = ('term = req.get_param("q", default="")  #@S' if shape == "search"
               else 'ref = req.get_param("ref", default="-")  #@S')
        var = "term" if shape == "search" else "ref"
        body = f'''
            class Login$Res:
                def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
                    raise falcon.HTTPMethodNotAllowed(["GET"])


            class Search$Res:
                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    {src}
                    $FIX
                    resp.media = {{"results": [], "page": req.get_param_as_int("page", default=1)}}
        '''
        msg = "search q=%s" if shape == "search" else "search referred by %s"
        v = f'$log.info("{msg}", {var})  #@V'
        s = c.pick(f'$log.info("{msg}", $clean({var}))', f'$log.info("{msg.replace("%s", "%r")}", {var})')
        needs = []
    return P("vuln", rank=2, needs=needs, body=body), v, s


@fam("mod15-falcon-log-client-text-crlf", "CWE-117", fws=["flask"], n=8, wrap=False)
def mod15_falcon_logi(c):
    kw = _logi_kw(c)
    frame, core, pool = _logi_parts(c)
    vuln, v, s = _logi_vuln(c)
    doc = c.pick("$App HTTP resources (Falcon): login, search and health.", "Falcon app for the $App service.")
    vm, sm = _pair(c, doc, kw["App"].lower() + ".http", [frame, vuln] + core, pool, kw, v, s)
    return Spec(v=vm, s=sm, full=True, fw="flask",
                notes="fw=falcon. Client text (login name, search term or ref query parameter, percent-decoded by Falcon) goes into a log line as is; "
                      "with CR/LF in it a client forges extra log records. The fix escapes it (helper or %r)")


@hardneg(10)
def mod15_falcon_logi_hn(c):
    kw = _logi_kw(c)
    frame, core, pool = _logi_parts(c)
    vuln, v, s = _logi_vuln(c)
    vuln.body = vuln.body.replace("  #@S", "")
    doc = c.pick("Falcon resources for $App; client text is escaped before it is logged.", "$App API (Falcon).")
    code = _safe(c, doc, kw["App"].lower() + ".api", [frame, vuln] + core, pool, kw, s)
    return Spec(s=code, full=True, fw="flask", notes="fw=falcon. log lines carry counts, ids or escaped client text")
