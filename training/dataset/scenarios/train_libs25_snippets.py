"""Train-only snippet families for labels with few families, each in an application and code shape
no other family uses:

- hash-crypto-sha1-signed-export (328): a wind-farm maintenance portal that signs a CSV / JSON export
  of work orders with an RSA or EC key from ``cryptography`` and returns the detached signature in a
  header, the digest being SHA-1 (or MD5 with PKCS#1 v1.5); the fix signs with SHA-256;
- cookie-aiohttp-session-storage-httponly-off (1004): a climbing-gym membership desk (aiohttp) whose
  aiohttp_session storage (EncryptedCookieStorage, NaClCookieStorage, RedisStorage) is built with
  httponly=False, so the session cookie is readable from page scripts; the fix sets httponly=True;
- debug-aiomonitor-manhole-startup (489): a school-bus tracker whose production start-up path opens an
  aiomonitor console on all interfaces or installs a manhole; the fix starts it only on an opt-in
  setting that defaults off, bound to localhost;
- debug-aiohttp-error-middleware-env-default (215): a translation-memory service (aiohttp) whose error
  middleware adds traceback.format_exc() to the JSON error when a debug setting read from the
  environment, on by default, is set; the fix defaults the setting off;
- perm-double-fork-daemon-umask-zero (276): a seed-library catalogue sync daemon daemonized by hand
  (fork, setsid, fork) that calls os.umask(0), so every file it writes later is world-writable; the
  fix sets umask 0o027 / 0o077.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import shell_pair
from registry import hardneg, fam


def _wired(sp, line):
    """Both modules of a shell_pair with ``line`` (registering a module-level helper on the aiohttp
    ``app`` the shell builds last) appended, so the rendered module really runs the helper."""
    sp.v = sp.v.rstrip("\n") + "\n" + line + "\n"
    sp.s = sp.s.rstrip("\n") + "\n" + line + "\n"
    return sp


# ---------------- CWE-328: SHA-1 / MD5 digest in a signed export (cryptography) ----------------

_KEYLOAD = {
    "pem-file": ('with open("{path}", "rb") as _fh:\n'
                 '    {k} = serialization.load_pem_private_key(_fh.read(), password=None)'),
    "pem-env": ('{k} = serialization.load_pem_private_key(\n'
                '    os.environ["EXPORT_SIGNING_KEY"].encode(), password=None)'),
}


def _sig_call(alg, h, k, data):
    if alg == "pkcs1":
        return f"{k}.sign({data}, padding.PKCS1v15(), hashes.{h}())"
    if alg == "pss":
        return (f"{k}.sign({data}, padding.PSS(mgf=padding.MGF1(hashes.{h}()), "
                f"salt_length=padding.PSS.MAX_LENGTH), hashes.{h}())")
    return f"{k}.sign({data}, ec.ECDSA(hashes.{h}()))"


@fam("hash-crypto-sha1-signed-export", "CWE-328", fws=["flask", "fastapi", "aiohttp"],
     keys=["turbine_id", "site_code", "crew"], n=8)
def hash_crypto_signed_export(c):
    x = c.x
    alg = c.pick("pkcs1", "pkcs1", "pss", "ecdsa")
    weak = "MD5" if alg == "pkcs1" and c.pick(True, False) else "SHA1"
    good = c.pick("SHA256", "SHA256", "SHA384")
    k = c.pick("SIGNING_KEY", "EXPORT_KEY", "_signer")
    fmt = c.pick("csv", "json")
    keyload = c.pick(*_KEYLOAD)
    path = c.pick("/etc/windops/export-signing.pem", "keys/workorders.pem", "/run/secrets/export_key.pem")
    hdr = c.pick("X-Export-Signature", "X-Signature", "X-Windops-Signature")
    helpers = _KEYLOAD[keyload].format(path=path, k=k)
    helpers += ("\n\n\ndef open_work_orders(key):\n"
                "    return [\n"
                '        {"order": "WO-1042", "key": key, "task": "gearbox oil sample", "status": "open"},\n'
                '        {"order": "WO-1043", "key": key, "task": "blade leading-edge check", "status": "open"},\n'
                "    ]")
    if fmt == "csv":
        build = ["rows = open_work_orders(" + x + ")",
                 "buf = io.StringIO()",
                 'writer = csv.DictWriter(buf, fieldnames=["order", "key", "task", "status"])',
                 "writer.writeheader()",
                 "writer.writerows(rows)",
                 'payload = buf.getvalue().encode("utf-8")']
        imps = "import csv\nimport io"
    else:
        build = ["rows = open_work_orders(" + x + ")",
                 'payload = json.dumps({"site": ' + x + ', "orders": rows}, sort_keys=True).encode()']
        imps = "import json"
    sigfmt = c.pick("b64", "hex")
    enc = ("base64.b64encode(signature).decode()" if sigfmt == "b64" else "signature.hex()")
    tail = [f"result = {{\"export\": payload.decode(\"utf-8\"), \"signature\": {enc}, "
            f"\"signature_header\": \"{hdr}\"}}"]

    def body(h, mark):
        return "\n".join(build + [f"signature = {_sig_call(alg, h, k, 'payload')}{mark}"] + tail)

    imps += "\nfrom cryptography.hazmat.primitives import hashes, serialization"
    imps += "\nfrom cryptography.hazmat.primitives.asymmetric import " + ("ec" if alg == "ecdsa" else "padding")
    if sigfmt == "b64":
        imps += "\nimport base64"
    if keyload == "pem-env":
        imps += "\nimport os"
    return Spec(v=body(weak, "  #@V"), s=body(good, ""), imports=imps, helpers=helpers,
                notes=f"the work-order export is signed over a {weak} digest; {weak} collisions are practical, "
                      "so a second export with the same digest (and so the same valid signature) can be forged; "
                      f"the fix signs with {good}")


@hardneg(3)
def hash_crypto_signed_export_hn(c):
    x = c.x
    k = c.pick("SIGNING_KEY", "EXPORT_KEY")
    shape = c.pick("sha1-etag", "sha256-sign")
    helpers = ('with open("/etc/windops/export-signing.pem", "rb") as _fh:\n'
               f"    {k} = serialization.load_pem_private_key(_fh.read(), password=None)")
    if shape == "sha1-etag":
        body = (f'payload = json.dumps({{"site": {x}, "orders": []}}, sort_keys=True).encode()\n'
                "etag = hashlib.sha1(payload, usedforsecurity=False).hexdigest()\n"
                f"signature = {k}.sign(payload, padding.PKCS1v15(), hashes.SHA256())\n"
                'result = {"etag": etag, "signature": signature.hex()}')
        note = "SHA-1 only names the cache entry (ETag); the signature is over SHA-256"
    else:
        body = (f'payload = json.dumps({{"site": {x}}}, sort_keys=True).encode()\n'
                f"signature = {k}.sign(payload, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), "
                "salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())\n"
                'result = {"signature": signature.hex()}')
        note = "RSA-PSS over SHA-256"
    return Spec(s=body, helpers=helpers, notes=note,
                imports="import hashlib\nimport json\nfrom cryptography.hazmat.primitives import hashes, serialization\n"
                        "from cryptography.hazmat.primitives.asymmetric import padding")


# ---------------- CWE-1004: aiohttp_session storage with httponly=False ----------------

@fam("cookie-aiohttp-session-storage-httponly-off", "CWE-1004", fws=["aiohttp"], keys=["member_id", "card_no"], n=8, wrap=False)
def cookie_aiohttp_storage_httponly(c):
    x = c.x
    store = c.pick("encrypted", "encrypted", "nacl", "redis")
    name = c.pick("CRAGDESK_SESSION", "gym_session", "desk_sid")
    age = c.pick("3600", "8 * 3600", "12 * 3600")
    layout = c.pick("oneline", "multiline")
    if store == "encrypted":
        imps = "import base64\nimport os\nfrom aiohttp_session.cookie_storage import EncryptedCookieStorage"
        pre = '_secret = base64.urlsafe_b64decode(os.environ["DESK_SESSION_KEY"])'
        ctor, first = "EncryptedCookieStorage", "_secret"
    elif store == "nacl":
        imps = "import base64\nimport os\nfrom aiohttp_session.nacl_storage import NaClCookieStorage"
        pre = '_secret = base64.urlsafe_b64decode(os.environ["DESK_SESSION_KEY"])'
        ctor, first = "NaClCookieStorage", "_secret"
    else:
        imps = "import os\nfrom aiohttp_session.redis_storage import RedisStorage\nfrom redis import asyncio as aioredis"
        pre = '_redis = aioredis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/2"))'
        ctor, first = "RedisStorage", "_redis"
    imps += "\nimport aiohttp_session"

    def helpers(flag, mark):
        if layout == "oneline":
            mk = (f'SESSION_STORAGE = {ctor}({first}, cookie_name="{name}", max_age={age}, '
                  f'secure=True, httponly={flag}){mark}')
        else:
            mk = (f"SESSION_STORAGE = {ctor}(\n    {first},\n    cookie_name=\"{name}\",\n    max_age={age},\n"
                  f"    secure=True,\n    httponly={flag},{mark}\n    samesite=\"Lax\",\n)")
        return pre + "\n" + mk + "\n\n\ndef setup_sessions(app):\n    aiohttp_session.setup(app, SESSION_STORAGE)"

    body = "\n".join([
        "session = await aiohttp_session.get_session(request)",
        f'session["member"] = {x}',
        c.pick('session["checked_in"] = True', 'session["visits"] = session.get("visits", 0) + 1'),
        f'result = {{"member": {x}, "session": "started"}}',
    ])
    return _wired(shell_pair(c, body, body, helpers("False", "  #@V"), helpers("True", ""), imports=imps,
                      notes="the aiohttp_session storage is built with httponly=False, so the session cookie that "
                            "identifies the checked-in member is readable from document.cookie and any XSS on the "
                            "desk pages can steal it; the fix keeps httponly=True (the library default)"), "setup_sessions(app)")


@hardneg(3)
def cookie_aiohttp_storage_httponly_hn(c):
    x = c.x
    shape = c.pick("default", "pref")
    if shape == "default":
        helpers = ('_secret = base64.urlsafe_b64decode(os.environ["DESK_SESSION_KEY"])\n'
                   'SESSION_STORAGE = EncryptedCookieStorage(_secret, cookie_name="gym_session", secure=True)')
        body = (f'session = await aiohttp_session.get_session(request)\nsession["member"] = {x}\n'
                f'result = {{"member": {x}}}')
        note = "EncryptedCookieStorage defaults to httponly=True"
    else:
        helpers = ('_secret = base64.urlsafe_b64decode(os.environ["DESK_SESSION_KEY"])\n'
                   'SESSION_STORAGE = EncryptedCookieStorage(_secret, cookie_name="gym_session", secure=True, '
                   'httponly=True)')
        body = (f'session = await aiohttp_session.get_session(request)\nsession["member"] = {x}\n'
                'result = {"theme": "dark"}')
        note = "the session storage is HttpOnly"
    return Spec(s=body, helpers=helpers, notes=note,
                imports="import base64\nimport os\nimport aiohttp_session\n"
                        "from aiohttp_session.cookie_storage import EncryptedCookieStorage")


# ---------------- CWE-489: aiomonitor / manhole in the production start-up path ----------------

@fam("debug-aiomonitor-manhole-startup", "CWE-489", fws=["aiohttp"], keys=["route_no", "bus_id"], n=8)
def debug_aiomonitor_manhole(c):
    x = c.x
    tool = c.pick("aiomonitor", "aiomonitor", "manhole")
    env = c.pick("BUS_TRACKER_MONITOR", "TRACKER_CONSOLE", "ENABLE_MONITOR")
    port = c.pick("50101", "20101", "9101")
    hook = c.pick("on_startup", "cleanup_ctx")
    if tool == "aiomonitor":
        imps = "import asyncio\nimport os\nimport aiomonitor"
        start_v = f'mon = aiomonitor.start_monitor(asyncio.get_running_loop(), host="0.0.0.0", port={port})  #@V'
        start_s = f'mon = aiomonitor.start_monitor(asyncio.get_running_loop(), host="127.0.0.1", port={port})'
        stop = "mon.close()"
    else:
        imps = "import os\nimport manhole"
        start_v = "mon = manhole.install(verbose=False, patch_fork=False)  #@V"
        start_s = "mon = manhole.install(verbose=False, patch_fork=False)"
        stop = "mon = None"
    gate = f'if os.environ.get("{env}", "0") == "1":'

    def helpers(safe):
        start = start_s if safe else start_v
        if hook == "on_startup":
            lines = ["async def start_console(app):"]
            if safe:
                lines += ["    " + gate, "        " + start, '        app["console"] = mon']
            else:
                lines += ["    " + start, '    app["console"] = mon']
            return "\n".join(lines)
        lines = ["async def console_ctx(app):"]
        if safe:
            lines += ["    mon = None", "    " + gate, "        " + start, "    yield",
                      "    if mon is not None:", "        " + stop]
        else:
            lines += ["    " + start, "    yield", "    " + stop]
        return "\n".join(lines)

    reg = "app.on_startup.append(start_console)" if hook == "on_startup" else "app.cleanup_ctx.append(console_ctx)"
    body = "\n".join([
        f"positions = request.app.get(\"positions\", {{}})",
        f"last = positions.get({x})",
        f'result = {{"bus": {x}, "position": last}}',
    ])
    h_v = helpers(False) + f"\n\n\ndef install_console(app):\n    {reg}"
    h_s = helpers(True) + f"\n\n\ndef install_console(app):\n    {reg}"
    what = ("an aiomonitor console (an interactive Python REPL in the running loop) listening on every interface"
            if tool == "aiomonitor" else "a manhole (a Python REPL in the process behind a UNIX socket, open to "
            "any process running as the service user or root)")
    return _wired(shell_pair(c, body, body, h_v, h_s, imports=imps,
                      notes=f"the production start-up hook always opens {what}; whoever reaches it runs code in the "
                            "tracker process with its secrets; the fix starts it only when an opt-in setting that "
                            "defaults off is set" + (", bound to localhost" if tool == "aiomonitor" else "")), "install_console(app)")


# ---------------- CWE-215: aiohttp error middleware, debug setting on by default ----------------

@fam("debug-aiohttp-error-middleware-env-default", "CWE-215", fws=["aiohttp"], keys=["segment_id", "tm_key"], n=8)
def debug_aiohttp_error_mw(c):
    x = c.x
    flag = c.pick("DEBUG", "TM_DEBUG", "DEBUG_ERRORS")
    env = c.pick("TM_DEBUG", "APP_DEBUG", "TRANSLATION_DEBUG")
    form = c.pick("eq", "in", "bool")
    if form == "eq":
        fv = f'os.environ.get("{env}", "1") == "1"'
        fs = f'os.environ.get("{env}", "0") == "1"'
    elif form == "in":
        fv = f'os.environ.get("{env}", "true").lower() in ("1", "true", "yes")'
        fs = f'os.environ.get("{env}", "false").lower() in ("1", "true", "yes")'
    else:
        fv = f'bool(int(os.environ.get("{env}", "1")))'
        fs = f'bool(int(os.environ.get("{env}", "0")))'
    field = c.pick("traceback", "trace", "detail")
    split = c.pick(True, False)

    def helpers(safe):
        mark = "" if safe else "  #@V"
        lines = [f"{flag} = {fs if safe else fv}{mark}", "log = logging.getLogger(__name__)", "", "",
                 "@web.middleware", "async def error_middleware(request, handler):", "    try:",
                 "        return await handler(request)", "    except web.HTTPException:", "        raise",
                 "    except Exception:", '        log.exception("request failed: %s", request.path)',
                 '        body = {"error": "internal error"}']
        if split:
            lines += [f"        if {flag}:", f'            body["{field}"] = traceback.format_exc().splitlines()']
        else:
            lines += [f"        if {flag}:", f'            body["{field}"] = traceback.format_exc()']
        lines += ["        return web.json_response(body, status=500)"]
        return "\n".join(lines)

    body = "\n".join([
        f"memory = request.app[\"memory\"]",
        f"entry = memory.lookup({x})",
        f'result = {{"key": {x}, "source": entry.source, "target": entry.target}}',
    ])
    return _wired(shell_pair(c, body, body, helpers(False), helpers(True),
                      imports="import logging\nimport os\nimport traceback\nfrom aiohttp import web",
                      notes=f"{flag} is read from the environment but defaults to on, so a deployment that does not "
                            "set it returns the full traceback (paths, code lines, local values in messages) in "
                            "every 500 response; the fix defaults the setting off"), "app.middlewares.append(error_middleware)")


@hardneg(3)
def debug_aiohttp_error_mw_hn(c):
    x = c.x
    helpers = ('DEBUG = os.environ.get("TM_DEBUG", "0") == "1"\nlog = logging.getLogger(__name__)\n\n\n'
               "@web.middleware\nasync def error_middleware(request, handler):\n    try:\n"
               "        return await handler(request)\n    except web.HTTPException:\n        raise\n"
               "    except Exception:\n        incident = uuid.uuid4().hex[:12]\n"
               '        log.exception("request failed [%s]: %s", incident, request.path)\n'
               '        return web.json_response({"error": "internal error", "incident": incident}, status=500)')
    body = f'entry = request.app["memory"].lookup({x})\nresult = {{"key": {x}, "target": entry.target}}'
    return Spec(s=body, helpers=helpers, imports="import logging\nimport os\nimport uuid\nfrom aiohttp import web",
                notes="the traceback goes to the server log only; the client gets an incident id")


# ---------------- CWE-276: hand-written double-fork daemon with umask(0) ----------------

@fam("perm-double-fork-daemon-umask-zero", "CWE-276", fws=["script", "cli"], keys=["catalogue_dir", "state_dir"], n=8)
def perm_double_fork_umask(c):
    x = c.x
    good = c.pick("0o027", "0o077", "0o022")
    order = c.pick("after-setsid", "after-chdir")
    null = c.pick("devnull", "fdopen")

    def helpers(safe):
        um = f"os.umask({good})" if safe else "os.umask(0)  #@V"
        lines = ["def daemonize(workdir):", "    if os.fork() > 0:", "        os._exit(0)", "    os.setsid()"]
        if order == "after-setsid":
            lines += ["    " + um]
        lines += ["    if os.fork() > 0:", "        os._exit(0)", "    os.chdir(workdir)"]
        if order == "after-chdir":
            lines += ["    " + um]
        if null == "devnull":
            lines += ["    devnull = os.open(os.devnull, os.O_RDWR)", "    for fd in (0, 1, 2):",
                      "        os.dup2(devnull, fd)"]
        else:
            lines += ["    sys.stdout.flush()", "    sys.stderr.flush()",
                      '    with open(os.devnull, "rb") as src, open(os.devnull, "ab") as dst:',
                      "        os.dup2(src.fileno(), sys.stdin.fileno())",
                      "        os.dup2(dst.fileno(), sys.stdout.fileno())",
                      "        os.dup2(dst.fileno(), sys.stderr.fileno())"]
        return "\n".join(lines)

    write = c.pick("json", "lines")
    body = ["daemonize(" + x + ")",
            'with open("seedlib.pid", "w") as fh:',
            "    fh.write(str(os.getpid()))"]
    if write == "json":
        body += ["holdings = {\"tomato-brandywine\": 14, \"bean-scarlet-runner\": 9}",
                 'with open("catalogue-cache.json", "w") as fh:',
                 "    json.dump(holdings, fh)"]
    else:
        body += ['with open("loans.log", "a") as fh:',
                 '    fh.write("sync started\\n")']
    body += [f"result = {x}"]
    b = "\n".join(body)
    return shell_pair(c, b, b, helpers(False), helpers(True), imports="import json\nimport os\nimport sys",
                      notes="the hand-written daemonize() sets the process umask to 0, so the pid file, the "
                            "catalogue cache and every file the daemon creates later are world-writable (0666) and "
                            f"any local user can alter them; the fix daemonizes with umask {good}")


@hardneg(2)
def perm_double_fork_umask_hn(c):
    x = c.x
    helpers = ("def daemonize(workdir):\n    if os.fork() > 0:\n        os._exit(0)\n    os.setsid()\n"
               "    if os.fork() > 0:\n        os._exit(0)\n    os.chdir(workdir)\n    os.umask(0o027)")
    body = (f"daemonize({x})\nfd = os.open(\"seedlib.pid\", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)\n"
            "with os.fdopen(fd, \"w\") as fh:\n    fh.write(str(os.getpid()))\n" + f"result = {x}")
    return Spec(s=body, helpers=helpers, imports="import os", notes="the daemon keeps a 0o027 umask")
