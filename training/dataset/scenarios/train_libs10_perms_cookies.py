"""Train-only snippet families on permissions, cookie flags and debug output (libs10 set):

- ``perm-posix-ipc-object-mode`` (732): POSIX (``posix_ipc``) and System V (``sysv_ipc``) shared
  memory segments and message queues holding session data or job credentials, created with a
  group/other-readable or -writable ``mode`` (or widened with ``os.fchmod`` after creation);
- ``perm-os-open-default-mode-store`` (276): per-session / per-tenant token files created with
  ``os.open`` (or an ``opener=`` callback) that leaves out the mode, so the default ``0o777`` & ~umask
  applies;
- ``cookie-options-dict-no-httponly`` (1004): the session cookie's keyword arguments travel in a
  shared options dict or builder that never sets ``httponly`` (Flask, Django, FastAPI, aiohttp);
- ``cookie-django-signed-auth-no-secure`` (614): Django ``set_signed_cookie`` for MFA trusted-device,
  step-up and impersonation markers without ``secure=True`` (SESSION_COOKIE_SECURE does not apply);
- ``debug-sqlalchemy-engine-param-logging`` (215): the ``sqlalchemy.engine`` logger at DEBUG (or an
  echo flag that defaults on) in production database modules whose queries bind hashes and tokens;
- ``debug-request-header-dump-hook`` (215): request-debugging hooks and middleware that log every
  request header, Authorization and Cookie included.

Written without reading the held-out or validation families; every family here goes to train.
Framework labels: shared-memory and queue programs are ``script``/``pipeline``; SQLAlchemy-centred
database modules are ``orm`` (or the web app that owns them)."""
from core import Spec, shell
from module_kit import _replayed, sub as _sub, _joined as _blocks
from registry import WEB_FWS, fam, hardneg


# ---------------- CWE-732: posix_ipc / sysv_ipc objects with a permissive mode ----------------


def _ipc_module(c, safe: bool) -> str:
    w = c.word
    V = "" if safe else "  #@V"
    size = c.pick("1 << 20", "4 * 1024 * 1024", "256 * 1024")
    shape = c.pick("posix-shm", "posix-mq", "sysv-shm", "posix-fchmod", "posix-mq")
    bad = c.pick("0o666", "0o644", "0o664") if shape != "sysv-shm" else c.pick("0o666", "0o644")
    good = c.pick("0o600", "0o660") if shape != "posix-fchmod" else "0o600"
    mode = good if safe else bad
    if shape == "posix-shm":
        seg = c.pick(f"/{w}-sessions", f"/{w}_auth_cache", f"/{w}-tokens")
        return _sub('''
            """Session table shared by the $w web workers through a POSIX shared-memory segment."""
            import json
            import mmap

            import posix_ipc

            SEGMENT = "$seg"
            SIZE = $size


            def _attach(create: bool) -> mmap.mmap:
                flags = posix_ipc.O_CREAT if create else 0
                mem = posix_ipc.SharedMemory(SEGMENT, flags, mode=$mode, size=SIZE if create else 0)$V
                try:
                    return mmap.mmap(mem.fd, mem.size)
                finally:
                    mem.close_fd()


            def publish(sessions: dict[str, dict]) -> None:
                """sessions: session id -> {"user_id", "csrf", "expires"}; written by the login service."""
                data = json.dumps(sessions).encode()
                if len(data) + 4 > SIZE:
                    raise ValueError("session table too large for the segment")
                buf = _attach(create=True)
                buf[:4] = len(data).to_bytes(4, "big")
                buf[4:4 + len(data)] = data
                buf.flush()
                buf.close()


            def lookup(session_id: str) -> dict | None:
                buf = _attach(create=False)
                n = int.from_bytes(buf[:4], "big")
                table = json.loads(buf[4:4 + n]) if n else {}
                buf.close()
                return table.get(session_id)
        ''', w=w, seg=seg, size=size, mode=mode, V=V)
    if shape == "posix-mq":
        qname = c.pick(f"/{w}-jobs", f"/{w}_sync", f"/{w}-outbox")
        secret = c.pick("api_token", "password", "access_key")
        return _sub('''
            """Hands $w sync jobs, with the partner credentials they need, to the worker processes."""
            import json
            import logging

            import posix_ipc

            log = logging.getLogger(__name__)
            QUEUE = "$qname"


            def open_queue() -> posix_ipc.MessageQueue:
                return posix_ipc.MessageQueue(QUEUE, posix_ipc.O_CREAT, mode=$mode,$V
                                              max_messages=64, max_message_size=8192)


            def enqueue(account: dict, since: str) -> None:
                job = {"account_id": account["id"], "$secret": account["$secret"], "since": since}
                q = open_queue()
                try:
                    q.send(json.dumps(job).encode(), timeout=5)
                finally:
                    q.close()


            def work(handle) -> None:
                q = open_queue()
                while True:
                    raw, _prio = q.receive()
                    job = json.loads(raw)
                    try:
                        handle(job)
                    except Exception:
                        log.exception("sync job for account %s failed", job["account_id"])
        ''', w=w, qname=qname, mode=mode, V=V, secret=secret)
    if shape == "sysv-shm":
        key = c.pick("0x5A17", "0x7E01", "0x4F2C")
        return _sub('''
            """Caches decrypted $w records for the report renderers in a System V segment."""
            import json

            import sysv_ipc

            SHM_KEY = $key
            SIZE = $size


            def write_cache(records: list[dict]) -> None:
                mem = sysv_ipc.SharedMemory(SHM_KEY, sysv_ipc.IPC_CREAT, mode=$mode, size=SIZE)$V
                data = json.dumps(records).encode()
                if len(data) + 4 > mem.size:
                    raise ValueError("cache too large")
                mem.write(len(data).to_bytes(4, "big") + data)
                mem.detach()


            def read_cache() -> list[dict]:
                mem = sysv_ipc.SharedMemory(SHM_KEY)
                n = int.from_bytes(mem.read(4), "big")
                records = json.loads(mem.read(n, offset=4)) if n else []
                mem.detach()
                return records
        ''', w=w, key=key, size=size, mode=mode, V=V)
    seg = c.pick(f"/{w}-keys", f"/{w}_creds")
    comment = "" if safe else "  # umask trims the creation mode, so widen it afterwards"
    return _sub('''
        """Short-lived $w API credentials shared between the refresher and the request workers."""
        import json
        import os

        import posix_ipc

        SEGMENT = "$seg"
        SIZE = $size


        def store(creds: dict) -> None:
            mem = posix_ipc.SharedMemory(SEGMENT, posix_ipc.O_CREAT, size=SIZE)
            os.fchmod(mem.fd, $mode)$comment$V
            data = json.dumps(creds).encode().ljust(SIZE, b"\\0")
            os.pwrite(mem.fd, data, 0)
            mem.close_fd()


        def load() -> dict:
            mem = posix_ipc.SharedMemory(SEGMENT)
            raw = os.pread(mem.fd, SIZE, 0).rstrip(b"\\0")
            mem.close_fd()
            return json.loads(raw) if raw else {}
    ''', w=w, seg=seg, size=size, mode=mode, V=V, comment=comment)


@fam("perm-posix-ipc-object-mode", "CWE-732", fws=["script", "pipeline"], n=8, wrap=False)
def perm_posix_ipc(c):
    v, s = _replayed(c, _ipc_module)
    return Spec(v=v, s=s, full=True,
                notes="the shared-memory segment / message queue holding session data or credentials is created with "
                      "group and other permission bits (POSIX shm/mq modes lose only the umask bits, so 0o666 is still "
                      "world-readable under umask 022; System V modes are applied as given, 0o666 is world-writable), "
                      "so any local account can attach and read (or rewrite) the sessions, jobs and keys; the fix "
                      "creates it 0o600 (or 0o660 for a shared service group)")


@hardneg(3)
def perm_posix_ipc_hn(c):
    w = c.word
    s = _sub('''
        """Coordination between the $w workers: a private queue and a named lock."""
        import json

        import posix_ipc

        QUEUE = "/$w-private-jobs"
        LOCK = "/$w-lock"


        def open_queue() -> posix_ipc.MessageQueue:
            return posix_ipc.MessageQueue(QUEUE, posix_ipc.O_CREAT, mode=0o600, max_messages=32)


        def with_lock(fn, *args):
            sem = posix_ipc.Semaphore(LOCK, posix_ipc.O_CREAT, mode=0o600, initial_value=1)
            sem.acquire(timeout=10)
            try:
                return fn(*args)
            finally:
                sem.release()
                sem.close()


        def submit(job: dict) -> None:
            q = open_queue()
            q.send(json.dumps(job).encode())
            q.close()
    ''', w=w)
    if c.pick(True, False):
        s = s.replace("import json\n", "import json\nimport os\n", 1) + "\n\n" + _sub('''


            def publish_snapshot(blob: bytes) -> None:
                mem = posix_ipc.SharedMemory("/$w-snapshot", posix_ipc.O_CREAT, size=len(blob))
                os.fchmod(mem.fd, 0o600)
                os.pwrite(mem.fd, blob, 0)
                mem.close_fd()
        ''', w=w)
    return Spec(s=s, full=True, fw=c.pick("script", "pipeline"),
                notes="POSIX IPC objects created owner-only (mode=0o600)")


# ---------------- CWE-276: os.open without a mode for session / token files ----------------


def _write_block(c, safe: bool, target: str, payload: str) -> str:
    V = "" if safe else "  #@V"
    m = ", 0o600" if safe else ""
    shape = c.pick("write", "opener", "fdopen", "write")
    if shape == "fdopen":
        flags = c.pick("os.O_WRONLY | os.O_CREAT | os.O_EXCL", "os.O_WRONLY | os.O_CREAT | os.O_TRUNC")
        return (f"fd = os.open({target}, {flags}{m}){V}\n"
                f"with os.fdopen(fd, \"w\") as fh:\n"
                f"    json.dump({payload}, fh)")
    if shape == "opener":
        return (f"with open({target}, \"x\", opener=lambda p, fl: os.open(p, fl | os.O_NOFOLLOW{m})) as fh:{V}\n"
                f"    fh.write(json.dumps({payload}))")
    return (f"blob = json.dumps({payload}).encode()\n"
            f"fd = os.open({target}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC{m}){V}\n"
            f"try:\n"
            f"    os.write(fd, blob)\n"
            f"finally:\n"
            f"    os.close(fd)")


def _store_body(c, safe: bool):
    w, x = c.word, c.x
    if c.fw == "pipeline":
        head = (f"tenant_id = int(message[\"tenant_id\"])\n"
                f"creds = redeem_partner_grant(tenant_id, {x})\n"
                f"path = os.path.join(CRED_DIR, f\"{{tenant_id}}.json\")")
        payload = '{"client_id": creds["client_id"], "access_token": creds["access_token"], "expires_at": creds["expires_at"]}'
        tail = "result = path"
        helpers = _sub('''
            CRED_DIR = "/var/lib/$w/partner-creds"


            def redeem_partner_grant(tenant_id, code):
                resp = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", "code": code,
                                                      "tenant": tenant_id}, timeout=10)
                resp.raise_for_status()
                return resp.json()
        ''', w=w)
        helpers = f'TOKEN_URL = "https://auth.{w}-partner.com/oauth/token"\n' + helpers
    else:
        head = (f"tokens = exchange_code({x})\n"
                f"sid = secrets.token_urlsafe(32)\n"
                f"path = os.path.join(SESSION_DIR, sid + \".json\")")
        payload = '{"access_token": tokens["access_token"], "refresh_token": tokens.get("refresh_token"), "created": int(time.time())}'
        tail = "result = sid"
        helpers = _sub('''
            SESSION_DIR = "/var/lib/$w/sessions"
            TOKEN_URL = "https://sso.$w.example.com/oauth/token"


            def exchange_code(code):
                resp = requests.post(TOKEN_URL, data={"grant_type": "authorization_code", "code": code}, timeout=10)
                resp.raise_for_status()
                return resp.json()
        ''', w=w)
    body = head + "\n" + _write_block(c, safe, "path", payload) + "\n" + tail
    return body, helpers


@fam("perm-os-open-default-mode-store", "CWE-276", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["code", "auth_code"], n=8)
def perm_os_open_default(c):
    st = c.snapshot()
    v, helpers = _store_body(c, False)
    c.restore(st)
    s, _ = _store_body(c, True)
    imps = "import json\nimport os\nimport requests" + ("" if c.fw == "pipeline" else "\nimport secrets\nimport time")
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="os.open without a mode argument creates the file with the default 0o777 & ~umask (0o755 under "
                      "umask 022; an opener= callback replaces open()'s 0o666 with that default too), so every local "
                      "account can read the stored access / refresh tokens; the fix passes 0o600")


@hardneg(3)
def perm_os_open_default_hn(c):
    x = c.x
    s = f"""
        path = os.path.join(SESSION_DIR, os.path.basename({x}) + ".json")
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd) as fh:
            record = json.load(fh)
        marker = os.open(path + ".seen", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(marker, str(int(time.time())).encode())
        os.close(marker)
        result = {{"created": record.get("created")}}
    """
    return Spec(s=s, imports="import json\nimport os\nimport time",
                helpers=f'SESSION_DIR = "/var/lib/{c.word}/sessions"',
                notes="os.open for reading needs no mode; the file it creates is given 0o600")


# ---------------- CWE-1004: cookie options dict without httponly ----------------


_CTOR = {"flask": "make_response(jsonify(ok=True))", "django": 'JsonResponse({"ok": True})',
         "fastapi": 'JSONResponse({"ok": True})', "aiohttp": 'web.json_response({"ok": True})'}
_CIMP = {"flask": "from flask import make_response", "django": "",
         "fastapi": "from fastapi.responses import JSONResponse", "aiohttp": ""}


def _opts_helpers(c, safe: bool, ttl: str, cname: str):
    V = "" if safe else "  #@V"
    h = '"httponly": True, ' if safe else ""
    hk = "httponly=True, " if safe else ""
    ss = c.pick('"Lax"', '"Strict"')
    shape = c.pick("const", "dict-call", "builder", "setter")
    if shape == "const":
        return shape, (f'SESSION_COOKIE = "{cname}"\n'
                       f'COOKIE_OPTS = {{"max_age": {ttl}, {h}"secure": True, "samesite": {ss}, "path": "/"}}{V}'), "**COOKIE_OPTS"
    if shape == "dict-call":
        return shape, (f'SESSION_COOKIE = "{cname}"\n'
                       f'SESSION_COOKIE_KWARGS = dict(max_age={ttl}, {hk}secure=True, samesite={ss}){V}'), "**SESSION_COOKIE_KWARGS"
    if shape == "builder":
        return shape, _sub(f'''
            SESSION_COOKIE = "{cname}"


            def cookie_options(long_lived: bool = False) -> dict:
                opts = {{{h}"secure": True, "samesite": {ss}, "path": "/"}}{V}
                opts["max_age"] = 30 * 86400 if long_lived else {ttl}
                return opts
        '''), "**cookie_options()"
    return shape, _sub(f'''
        SESSION_COOKIE = "{cname}"
        _BASE = {{"secure": True, "samesite": {ss}, "path": "/"}}


        def set_session_cookie(resp, sid):
            opts = dict(_BASE, {hk}max_age={ttl}){V}
            resp.set_cookie(SESSION_COOKIE, sid, **opts){V}
            return resp
    '''), None


@fam("cookie-options-dict-no-httponly", "CWE-1004", fws=WEB_FWS, keys=["ticket", "refresh_token"], n=8, wrap=False)
def cookie_opts_dict(c):
    x, w = c.x, c.word
    ttl = c.pick("8 * 3600", "3600", "12 * 60 * 60")
    cname = c.pick(f"{w}_sid", "sessionid", "auth", "__Host-session")
    redeem = "redeem_ticket" if c.key == "ticket" else "rotate_refresh_token"
    st = c.snapshot()
    shape, hv, spread = _opts_helpers(c, False, ttl, cname)
    c.restore(st)
    _, hs, _ = _opts_helpers(c, True, ttl, cname)
    V = "" if spread is None else "  #@V"
    setter = (f"reply = set_session_cookie(reply, sid)" if spread is None
              else f"reply.set_cookie(SESSION_COOKIE, sid, {spread}){V}")
    body = f"""
        user_id = {redeem}({x})
        if user_id is None:
            raise PermissionError("sign-in rejected")
        sid = secrets.token_urlsafe(32)
        SESSIONS[sid] = {{"user_id": user_id, "issued": int(time.time())}}
        reply = {_CTOR[c.fw]}
        {setter}
        result = reply
    """
    store = (f"SESSIONS: dict[str, dict] = {{}}\n\n\n"
             f"def {redeem}(value):\n"
             f"    \"\"\"The user id the {'SSO ticket' if c.key == 'ticket' else 'refresh token'} belongs to, or None.\"\"\"\n"
             f"    return AUTH_STORE.consume(value)")
    s_body = body.replace("  #@V\n", "\n")
    return _cookie_pair(c, body, s_body, hv, hs, store, shape)


def _cookie_pair(c, vb, sb, hv, hs, store, shape):
    w = c.word
    imps = f"import secrets\nimport time\n{_CIMP[c.fw]}\nfrom {w}_auth import AUTH_STORE"
    st = c.snapshot()
    vm = shell(c, vb, Spec(helpers=hv.rstrip("\n") + "\n\n\n" + store, ret="result", raw=True), imps)
    c.restore(st)
    sm = shell(c, sb, Spec(helpers=hs.rstrip("\n") + "\n\n\n" + store, ret="result", raw=True), imps)
    return Spec(v=vm, s=sm, full=True,
                notes=f"options shape {shape}: the session cookie's keyword arguments come from a shared options dict "
                      "that sets Secure and SameSite but never HttpOnly, and Flask, Django, Starlette and aiohttp all "
                      "leave httponly off by default, so any script running in the page (an XSS payload, a compromised "
                      "third-party widget) can read the session id from document.cookie; the fix adds httponly=True")


@hardneg(3)
def cookie_opts_dict_hn(c):
    w = c.word
    helpers = _sub('''
        SESSION_COOKIE = "$w_sid"
        SESSION_OPTS = {"max_age": 8 * 3600, "httponly": True, "secure": True, "samesite": "Lax"}
        # read by the SPA and echoed in X-CSRF-Token (double submit), so scripts must see it
        CSRF_OPTS = {"max_age": 8 * 3600, "secure": True, "samesite": "Strict"}
        SESSIONS: dict[str, dict] = {}
    ''', w=w)
    body = f"""
        user_id = AUTH_STORE.consume({c.x})
        if user_id is None:
            raise PermissionError("sign-in rejected")
        sid = secrets.token_urlsafe(32)
        SESSIONS[sid] = {{"user_id": user_id}}
        reply = {_CTOR[c.fw]}
        reply.set_cookie(SESSION_COOKIE, sid, **SESSION_OPTS)
        reply.set_cookie("csrf_token", secrets.token_urlsafe(24), **CSRF_OPTS)
        result = reply
    """
    return Spec(s=body, helpers=helpers, raw=True,
                imports=f"import secrets\n{_CIMP[c.fw]}\nfrom {w}_auth import AUTH_STORE",
                notes="session options dict carries httponly=True; only the double-submit CSRF cookie is script-readable")


# ---------------- CWE-614: Django set_signed_cookie for auth markers without secure ----------------


def _signed_module(c, safe: bool) -> str:
    w = c.word
    V = "" if safe else "  #@V"
    sec = "secure=True, " if safe else ""
    use = c.pick("trusted-device", "step-up", "impersonate")
    days = c.pick("30", "14", "60")
    view = c.pick("function", "class")
    if use == "trusted-device":
        cname, salt = c.pick(("trusted_device", "mfa.trusted-device"), ("mfa_remember", "otp-remember"))
        doc = "Second-factor check; a trusted-device cookie lets the browser skip the code for a while."
        value = "f\"{request.user.pk}:{secrets.token_hex(8)}\""
        age = f"{days} * 86400"
        check = ("if not verify_totp(request.user, form.cleaned_data[\"code\"]):\n"
                 "    return render(request, \"mfa/verify.html\", {\"form\": form, \"error\": \"Wrong code\"})")
        imports = "import secrets\n\nfrom django.contrib.auth.decorators import login_required\n" \
                  "from django.shortcuts import redirect, render\n\nfrom .forms import TotpForm\nfrom .otp import verify_totp"
        form = "TotpForm"
        extra_cond = "if form.cleaned_data.get(\"remember_device\"):"
        target = "redirect(\"dashboard\")"
    elif use == "step-up":
        cname, salt = c.pick(("reauth_at", "step-up"), ("sudo_mode", "sudo"))
        doc = f"Re-authentication before sensitive {w} actions; the signed cookie marks when it happened."
        value = "str(int(time.time()))"
        age = c.pick("600", "15 * 60")
        check = ("if not request.user.check_password(form.cleaned_data[\"password\"]):\n"
                 "    return render(request, \"account/confirm.html\", {\"form\": form, \"error\": \"Wrong password\"})")
        imports = "import time\n\nfrom django.contrib.auth.decorators import login_required\n" \
                  "from django.shortcuts import redirect, render\n\nfrom .forms import ConfirmPasswordForm"
        form = "ConfirmPasswordForm"
        extra_cond = ""
        target = "redirect(\"account-security\")"
    else:
        cname, salt = c.pick(("impersonate", "support.impersonate"), ("acting_as", "staff-acting-as"))
        doc = "Support staff act as a customer; the signed cookie carries the impersonated account id."
        value = "str(form.cleaned_data[\"user\"].pk)"
        age = c.pick("3600", "30 * 60")
        check = ("if not request.user.has_perm(\"accounts.impersonate_user\"):\n"
                 "    return render(request, \"support/denied.html\", status=403)")
        imports = "from django.contrib.auth.decorators import login_required\n" \
                  "from django.shortcuts import redirect, render\n\nfrom .forms import ImpersonateForm"
        form = "ImpersonateForm"
        extra_cond = ""
        target = "redirect(\"home\")"
    sign = c.pick("cookie-signer", "timestamp", "dumps")
    if sign == "cookie-signer":
        signed = f'signed = signing.get_cookie_signer(salt="{salt}").sign({value})'
    elif sign == "timestamp":
        signed = f'signed = signing.TimestampSigner(salt="{salt}").sign({value})'
    else:
        signed = f'signed = signing.dumps({{"v": {value}, "by": request.user.pk}}, salt="{salt}", compress=True)'
    imports = imports.replace("from django.shortcuts", "from django.core import signing\nfrom django.shortcuts", 1)
    setc = (signed + "\n" +
            f'response.set_cookie("{cname}", signed, max_age={age}, {sec}httponly=True, samesite="Lax"){V}')
    if extra_cond:
        setc = extra_cond + "\n    " + setc.replace("\n", "\n    ")
    if view == "function":
        fn = _sub('''
            @login_required
            def $fname(request):
                """$doc"""
                form = $form(request.POST or None)
                if request.method != "POST" or not form.is_valid():
                    return render(request, "$tmpl", {"form": form})
                $check
                response = $target
                $setc
                return response
        ''', fname=c.pick(f"confirm_{w}", "verify", "confirm"), doc=doc, form=form, tmpl=f"{w}/form.html",
                  check=check.replace("\n", "\n    "), target=target, setc=setc.replace("\n", "\n    "))
        return _blocks(imports, fn)
    imports = imports.replace("from django.contrib.auth.decorators import login_required\n",
                              "from django.contrib.auth.mixins import LoginRequiredMixin\n")
    imports = imports.replace("from django.shortcuts import redirect, render\n",
                              "from django.shortcuts import redirect, render\nfrom django.views.generic import FormView\n")
    cls = _sub('''
        class $cname(LoginRequiredMixin, FormView):
            """$doc"""

            template_name = "$tmpl"
            form_class = $form

            def form_valid(self, form):
                request = self.request
                $check
                response = $target
                $setc
                return response
    ''', cname=c.pick(f"{w.capitalize()}ConfirmView", "ConfirmView", "VerifyView"), doc=doc, form=form,
        tmpl=f"{w}/form.html", check=check.replace("\n", "\n        "), target=target, setc=setc.replace("\n", "\n        "))
    return _blocks(imports, cls)


# Second-author review (R48): dropped. Despite the name and notes, the vulnerable line is a plain Django
# response.set_cookie(...) without secure=True (the value is signed by hand with django.core.signing, and
# set_signed_cookie is never called), i.e. the same library and sink shape as the held-out cookie-no-secure.
# A set_signed_cookie version would be a new family and needs set_signed_cookie in review.py SINK["CWE-614"].
@fam("cookie-django-signed-auth-no-secure", "CWE-614", fws=["django"], n=8, wrap=False)
def cookie_django_signed(c):
    v, s = _replayed(c, _signed_module)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="set_signed_cookie takes the same flags as set_cookie and defaults secure to False "
                      "(SESSION_COOKIE_SECURE only covers the session cookie), so the trusted-device / step-up / "
                      "impersonation cookie is also sent on any plain-HTTP request to the host; the signature stops "
                      "tampering, not theft, and a captured value is replayed as is; the fix adds secure=True")


@hardneg(3)
def cookie_django_signed_hn(c):
    w = c.word
    reader = _sub('''
        def needs_second_factor(request) -> bool:
            marker = request.get_signed_cookie("trusted_device", default=None, salt=TRUST_SALT, max_age=30 * 86400)
            return marker is None or not marker.startswith(f"{request.user.pk}:")
    ''')
    setter = _sub('''
        def remember_device(request, response):
            response.set_signed_cookie("trusted_device", f"{request.user.pk}:{request.session.session_key}",
                                       salt=TRUST_SALT, max_age=30 * 86400, secure=True, httponly=True, samesite="Lax")
            return response
    ''')
    signer = _sub('''
        def mark_reauthenticated(response):
            signed = signing.TimestampSigner(salt="sudo").sign(str(int(time.time())))
            response.set_cookie("sudo_mode", signed, max_age=600, secure=True, httponly=True, samesite="Strict")
            return response
    ''')
    theme = _sub('''
        def set_$w_view(request):
            response = redirect("$w-list")
            view = request.POST.get("view", "table")[:16]
            response.set_cookie("$w_view", signing.get_cookie_signer(salt="ui").sign(view), max_age=365 * 86400)
            return response
    ''', w=w)
    parts = [p for p in (reader, setter, signer, theme) if c.rng.random() < 0.6] or [setter, theme]
    c.rng.shuffle(parts)
    imps = ["import time", "", "from django.core import signing", "from django.shortcuts import redirect"]
    s = _blocks("\n".join(imps), 'TRUST_SALT = "mfa.trusted-device"', *parts)
    return Spec(s=s, full=True, fw="django",
                notes="auth markers are set with secure=True and httponly=True; get_signed_cookie only reads; the "
                      "list-view preference cookie carries no credential")


# ---------------- CWE-215: sqlalchemy.engine logging at DEBUG in production ----------------


def _sa_module(c, safe: bool) -> str:
    w = c.word
    V = "" if safe else "  #@V"
    shape = c.pick("setlevel", "dictconfig", "env-echo", "async-setlevel")
    fn_reset = _sub('''
        def store_reset_token(email: str, token_hash: str) -> None:
            with engine.begin() as conn:
                conn.execute(text("UPDATE users SET reset_token = :t, reset_at = now() WHERE email = :e"),
                             {"t": token_hash, "e": email})
    ''')
    fn_login = _sub('''
        def find_login(email: str):
            with engine.connect() as conn:
                return conn.execute(text("SELECT id, password_hash, totp_secret FROM users WHERE email = :e"),
                                    {"e": email}).first()
    ''')
    fn_card = _sub('''
        def save_payout_account(user_id: int, iban: str, holder: str) -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO payout_accounts (user_id, iban, holder) VALUES (:u, :i, :h)"),
                             {"u": user_id, "i": iban, "h": holder})
    ''')
    fns = [f for f in (fn_reset, fn_login, fn_card) if c.rng.random() < 0.7] or [fn_login]
    url = c.pick('os.environ["DATABASE_URL"]', 'os.environ.get("DATABASE_URL", "postgresql+psycopg://app@db/app")')
    doc = f'"""Database access for the {w} service (production and staging)."""'
    if shape == "setlevel":
        lvl = "logging.WARNING" if safe else "logging.DEBUG"
        head = _sub('''
            import logging
            import os

            from sqlalchemy import create_engine, text

            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
            logging.getLogger("sqlalchemy.engine").setLevel($lvl)$V

            engine = create_engine($url, pool_pre_ping=True, pool_size=10)
        ''', lvl=lvl, V=V, url=url)
        return _blocks(doc + "\n" + head, *fns)
    if shape == "async-setlevel":
        lvl = "logging.WARNING" if safe else "logging.DEBUG"
        head = _sub('''
            import logging
            import os

            from sqlalchemy import text
            from sqlalchemy.ext.asyncio import create_async_engine

            log = logging.getLogger("$w.db")
            logging.getLogger("sqlalchemy.engine.Engine").setLevel($lvl)$V
            engine = create_async_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
        ''', lvl=lvl, V=V, w=w)
        body = _sub('''
            async def find_login(email: str):
                async with engine.connect() as conn:
                    res = await conn.execute(text("SELECT id, password_hash, totp_secret FROM users WHERE email = :e"),
                                             {"e": email})
                    return res.first()


            async def store_reset_token(email: str, token_hash: str) -> None:
                async with engine.begin() as conn:
                    await conn.execute(text("UPDATE users SET reset_token = :t WHERE email = :e"),
                                       {"t": token_hash, "e": email})
                log.info("reset token stored")
        ''')
        return _blocks(doc + "\n" + head, body)
    if shape == "dictconfig":
        lvl = '"WARNING"' if safe else '"DEBUG"'
        head = _sub('''
            import logging.config
            import os

            from sqlalchemy import create_engine, text

            LOGGING = {
                "version": 1,
                "disable_existing_loggers": False,
                "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},
                "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
                "root": {"handlers": ["stdout"], "level": "INFO"},
                "loggers": {
                    "sqlalchemy.engine": {"handlers": ["stdout"], "level": $lvl, "propagate": False},$V
                    "$w": {"level": "INFO"},
                },
            }
            logging.config.dictConfig(LOGGING)

            engine = create_engine($url, pool_pre_ping=True)
        ''', lvl=lvl, V=V, url=url, w=w)
        return _blocks(doc + "\n" + head, *fns)
    default = c.pick('"1"', '"true"')
    flag = (f'SQL_DEBUG = os.environ.get("SQL_DEBUG", "0") == "1"' if safe
            else f'SQL_DEBUG = os.environ.get("SQL_DEBUG", {default}) != "0"{V}')
    head = _sub('''
        import logging
        import os

        from sqlalchemy import create_engine, text

        logging.basicConfig(level=logging.INFO)
        $flag

        engine = create_engine($url, echo=SQL_DEBUG, pool_pre_ping=True)$V
    ''', flag=flag, url=url, V=V)
    return _blocks(doc + "\n" + head, *fns)


@fam("debug-sqlalchemy-engine-param-logging", "CWE-215", fws=["orm"], n=8, wrap=False)
def debug_sa_logging(c):
    v, s = _replayed(c, _sa_module)
    return Spec(v=v, s=s, full=True,
                notes="the sqlalchemy.engine logger at DEBUG (or echo switched on by an env flag that defaults on) "
                      "writes every statement with its bound parameters, and at DEBUG the result rows too, so password "
                      "hashes, TOTP secrets, reset tokens and IBANs end up in the production logs; the fix keeps the "
                      "engine logger at WARNING (echo off unless explicitly enabled)")


@hardneg(3)
def debug_sa_logging_hn(c):
    s = _sub('''
        import logging
        import os

        from sqlalchemy import create_engine, text

        logging.basicConfig(level=logging.DEBUG if os.environ.get("APP_ENV") == "dev" else logging.INFO)
        log = logging.getLogger("$w.db")
        # bound values never reach a log line or an error message
        engine = create_engine(os.environ["DATABASE_URL"], hide_parameters=True, pool_pre_ping=True)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


        def find_login(email: str):
            with engine.connect() as conn:
                row = conn.execute(text("SELECT id, password_hash FROM users WHERE email = :e"), {"e": email}).first()
            log.info("login lookup done, found=%s", row is not None)
            return row
    ''', w=c.word)
    return Spec(s=s, full=True, fw="orm",
                notes="DEBUG only for the dev environment, engine logger at WARNING and hide_parameters=True")


# ---------------- CWE-215: request-debugging hooks that log every header ----------------


def _dump_line(c, safe: bool, hdrs: str, meth: str, path: str) -> str:
    V = "" if safe else "  #@V"
    h = f"_redacted({hdrs})" if safe else f"dict({hdrs})"
    return c.pick(
        f'log.info("%s %s headers=%s", {meth}, {path}, {h}){V}',
        f'log.log(logging.DEBUG, "-> %s %s %r", {meth}, {path}, {h}){V}',
        f'log.info("request %s %s", {meth}, {path}, extra={{"headers": {h}}}){V}',
    )


_REDACT = _sub('''
    SENSITIVE = {"authorization", "cookie", "proxy-authorization", "x-api-key", "x-auth-token"}


    def _redacted(headers) -> dict:
        return {k: ("[redacted]" if k.lower() in SENSITIVE else v) for k, v in headers.items()}
''')


def _dump_module(c, safe: bool) -> str:
    w = c.word
    fw = c.fw
    gate = c.pick("env", "always")
    cond = 'os.environ.get("HTTP_TRACE") != "0"' if gate == "env" else "True"
    if fw == "flask":
        line = _dump_line(c, safe, "request.headers", "request.method", "request.path")
        code = _sub('''
            import logging
            import os

            from flask import Flask, request

            app = Flask(__name__)
            log = logging.getLogger("$w.http")
            log.setLevel(logging.DEBUG)
            TRACE_REQUESTS = $cond


            @app.before_request
            def trace_request():
                """Troubleshooting aid for the partner integration: record what each caller sends."""
                if TRACE_REQUESTS:
                    $line
        ''', w=w, cond=cond, line=line)
    elif fw == "django":
        line = _dump_line(c, safe, "request.headers", "request.method", "request.get_full_path()")
        code = _sub('''
            import logging
            import os

            log = logging.getLogger("$w.http")
            log.setLevel(logging.DEBUG)


            class RequestTraceMiddleware:
                """Logs each incoming request; added while chasing the mobile client's 401s."""

                def __init__(self, get_response):
                    self.get_response = get_response
                    self.enabled = $cond

                def __call__(self, request):
                    if self.enabled:
                        $line
                    return self.get_response(request)
        ''', w=w, cond=cond, line=line)
    elif fw == "fastapi":
        line = _dump_line(c, safe, "request.headers", "request.method", "request.url.path")
        code = _sub('''
            import logging
            import os

            from fastapi import FastAPI, Request

            app = FastAPI()
            log = logging.getLogger("$w.http")
            log.setLevel(logging.DEBUG)
            TRACE_REQUESTS = $cond


            @app.middleware("http")
            async def trace_requests(request: Request, call_next):
                if TRACE_REQUESTS:
                    $line
                response = await call_next(request)
                return response
        ''', w=w, cond=cond, line=line)
    else:
        line = _dump_line(c, safe, "request.headers", "request.method", "request.path")
        code = _sub('''
            import logging
            import os

            from aiohttp import web

            log = logging.getLogger("$w.http")
            log.setLevel(logging.DEBUG)
            TRACE_REQUESTS = $cond


            @web.middleware
            async def trace_requests(request, handler):
                if TRACE_REQUESTS:
                    $line
                return await handler(request)


            app = web.Application(middlewares=[trace_requests])
        ''', w=w, cond=cond, line=line)
    if gate == "always":
        code = code.replace("import logging\nimport os\n", "import logging\n")
    if safe:
        marker = "\n\n\n" + ("class " if fw == "django" else "@")
        head, tail = code.split(marker, 1)
        code = head + "\n\n\n" + _REDACT.strip("\n") + marker + tail
    return code


@fam("debug-request-header-dump-hook", "CWE-215", fws=WEB_FWS, n=8, wrap=False)
def debug_header_dump(c):
    v, s = _replayed(c, _dump_module)
    return Spec(v=v, s=s, full=True,
                notes="the request-tracing hook logs every incoming header, so bearer tokens, API keys and session "
                      "cookies are copied into the application logs (and whatever ships them) for as long as the "
                      "troubleshooting switch stays on; the fix redacts Authorization, Cookie and key headers "
                      "before logging")


@hardneg(3)
def debug_header_dump_hn(c):
    s = _sub('''
        import logging
        import os
        import time

        from fastapi import FastAPI, Request

        app = FastAPI()
        log = logging.getLogger("$w.http")
        log.setLevel(logging.DEBUG if os.environ.get("APP_ENV") == "dev" else logging.INFO)


        @app.middleware("http")
        async def access_log(request: Request, call_next):
            start = time.perf_counter()
            response = await call_next(request)
            log.info("%s %s -> %s in %.1f ms ua=%s", request.method, request.url.path, response.status_code,
                     (time.perf_counter() - start) * 1000, request.headers.get("user-agent", "-")[:80])
            return response
    ''', w=c.word)
    return Spec(s=s, full=True, fw="fastapi",
                notes="access log with method, path, status, timing and user agent; no credential header is logged")
