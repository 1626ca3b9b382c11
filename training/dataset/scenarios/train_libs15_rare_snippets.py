"""Train-only snippet families for the rarest labels, in applications not yet used for them:

- hash-prefix-digest-request-signature (328): a game server / mobile-API / billing endpoint that checks a
  request signature computed as md5/sha1(secret + message) (secret-prefix digest, length extension,
  weak hash); the fix keys the same message with hmac.new(..., hashlib.sha256);
- rand-time-lobby-invite-code (330): lobby / room invite codes derived from the clock or uuid1
  (millisecond hex, microsecond base32, uuid1 prefix); the fix draws them from secrets;
- debug-socketio-run-debug (489): a Flask-SocketIO game lobby whose real entry point calls
  socketio.run(..., debug=True) under eventlet/gevent (the Werkzeug debugger console is wrapped in);
  the fix drops the debug switch;
- argi-git-grep-pager-option (77): a chat-bot / code-search command that runs `git grep -e MARK PATH` or
  `git log PATH` with the user path as a positional argument, so `--open-files-in-pager=CMD` or
  `--output=FILE` is read as an option; the fix passes it after `--`;
- debug-env-default-on-error-detail (215): a billing / mobile backend whose error response adds a
  traceback or settings dump when a DEBUG flag read from the environment is on, and the flag
  defaults to on; the fix defaults it to off.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import _joined, _opt, _v
from registry import WEB_FWS, fam, hardneg


# ---------------- CWE-328: secret-prefix md5/sha1 request signature ----------------


@fam("hash-prefix-digest-request-signature", "CWE-328", fws=["flask", "django", "aiohttp"],
     keys=["payload", "score_report", "receipt"], n=8, wrap=False)
def hash_prefix_signature(c):
    x = c.x
    app = c.pick("game", "mobile", "billing")
    hdr = {"game": "X-Game-Signature", "mobile": "X-Api-Signature", "billing": "X-Terminal-Sig"}[app]
    env = {"game": "SCORE_SIGNING_KEY", "mobile": "MOBILE_API_SECRET", "billing": "TERMINAL_SHARED_SECRET"}[app]
    key = c.pick("SIGNING_KEY", "API_SECRET", "SHARED_SECRET")
    algo = c.pick("md5", "sha1")
    # no one-shot hashlib.sha1(KEY + msg) shape: that is hash-sha1-hmac-signature (crypto.py)
    shape = c.pick("update", "timestamp")
    canon = c.pick("json", "str")
    sent = c.pick("sent", "claimed", "signature")
    helpers = f'{key} = os.environ["{env}"].encode()'
    if shape == "timestamp":
        helpers += "\nMAX_SKEW = 300"

    def body(safe):
        V = _v(safe)
        lines = [f'{sent} = request.headers.get("{hdr}", "")']
        if canon == "json":
            lines.append(f'msg = json.dumps({x}, sort_keys=True, separators=(",", ":")).encode()')
        else:
            lines.append(f"msg = str({x}).encode()")
        if shape == "timestamp":
            lines += ['ts = request.headers.get("X-Timestamp", "0")',
                      "fresh = abs(time.time() - float(ts)) < MAX_SKEW"]
            signed = 'ts.encode() + b"." + msg'
        else:
            signed = "msg"
        if shape == "update":
            if safe:
                lines.append(f"h = hmac.new({key}, digestmod=hashlib.sha256)")
            else:
                lines.append(f"h = hashlib.{algo}({key}){V}")
            lines += ["h.update(msg)", "expected = h.hexdigest()"]
        elif safe:
            lines.append(f"expected = hmac.new({key}, {signed}, hashlib.sha256).hexdigest()")
        else:
            lines.append(f"expected = hashlib.{algo}({key} + {signed}).hexdigest(){V}")
        cond = "fresh and " if shape == "timestamp" else ""
        lines += [f"if {cond}hmac.compare_digest(expected, {sent}):",
                  f'    result = {{"accepted": True, "size": len(msg)}}',
                  "else:",
                  '    result = {"accepted": False}']
        return "\n".join(lines)

    imps = "import hashlib\nimport hmac\nimport os" + ("\nimport json" if canon == "json" else "") \
        + ("\nimport time" if shape == "timestamp" else "")
    return Spec(v=body(False), s=body(True), imports=imps, helpers=helpers,
                notes=f"the {app} request signature is {algo}(secret + message): a weak hash used as a MAC "
                      "(an ad hoc secret-prefix construction, open to length extension where the signed bytes allow it, "
                      "over a collision-prone digest); the fix keys the same message with HMAC-SHA256")


@hardneg(3)
def hash_prefix_signature_hn(c):
    x = c.x
    shape = c.pick("etag", "hmac", "cache_key")
    if shape == "etag":
        body = (f"blob = str({x}).encode()\n"
                "etag = hashlib.md5(blob, usedforsecurity=False).hexdigest()\n"
                'result = {"etag": etag, "size": len(blob)}')
        note = "md5 only names the payload for caching (an ETag), no security decision rests on it"
    elif shape == "hmac":
        body = ('sent = request.headers.get("X-Api-Signature", "")\n'
                f"msg = str({x}).encode()\n"
                "expected = hmac.new(API_SECRET, msg, hashlib.sha256).hexdigest()\n"
                'result = {"accepted": hmac.compare_digest(expected, sent)}')
        note = "the signature is HMAC-SHA256 compared in constant time"
    else:
        body = (f'bucket = hashlib.sha1(str({x}).encode()).hexdigest()[:2]\n'
                'result = {"shard": bucket}')
        note = "sha1 only spreads keys over cache shards"
    return Spec(s=body, imports="import hashlib\nimport hmac\nimport os",
                helpers='API_SECRET = os.environ["MOBILE_API_SECRET"].encode()', notes=note)


# ---------------- CWE-330: clock / uuid1 lobby invite codes ----------------

_INVITE = {
    "ms_hex": ('code = format(int(time.time() * 1000), "x")[-8:].upper()', "code = secrets.token_hex(4).upper()",
               "the low hex digits of the millisecond clock"),
    "uuid1": ("code = uuid.uuid1().hex[:10]", "code = secrets.token_hex(5)",
              "a uuid1 prefix (timestamp and node id)"),
    "us_b32": ('code = base64.b32encode(int(time.time() * 1e6).to_bytes(8, "big")).decode().rstrip("=")[-10:]',
               'code = "".join(secrets.choice(ALPHABET) for _ in range(10))',
               "the base32 microsecond clock"),
}


@fam("rand-time-lobby-invite-code", "CWE-330", fws=WEB_FWS + ["pipeline"],
     keys=["room", "channel", "guild_id"], n=8)
def rand_lobby_invite(c):
    x = c.x
    kind = c.pick(*_INVITE)
    store = c.pick("dict", "redis")
    ttl = c.pick("3600", "86400", "900")
    host = c.pick("play.example.com", "chat.example.net", "app.example.org")
    vline, sline, how = _INVITE[kind]
    imps = ["import time"] if store == "dict" or kind != "uuid1" else []
    vimps = {"ms_hex": "", "uuid1": "import uuid", "us_b32": "import base64"}[kind]
    helpers = []
    if store == "redis":
        imps += ["import os", "import redis"]
        helpers.append('rds = redis.Redis.from_url(os.environ["REDIS_URL"])')
    else:
        helpers.append("INVITES: dict[str, dict] = {}")
    shelpers = list(helpers)
    if kind == "us_b32":
        shelpers.append('ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"')

    def body(safe):
        lines = [(sline if safe else vline + "  #@V")]
        if store == "redis":
            lines.append(f'rds.setex(f"invite:{{code}}", {ttl}, str({x}))')
        else:
            lines.append(f'INVITES[code] = {{"room": {x}, "expires": time.time() + {ttl}}}')
        lines.append(f'result = {{"invite": f"https://{host}/join/{{code}}", "ttl": {ttl}}}')
        return "\n".join(lines)

    # helpers differ (ALPHABET) only in the safe twin: keep them identical and put ALPHABET in both
    helpers_all = "\n".join(shelpers)
    return Spec(v=body(False), s=body(True), imports="\n".join(imps), vimports=vimps, simports="import secrets",
                helpers=helpers_all,
                notes=f"the room invite code is {how}: anyone who knows roughly when invites are made can "
                      "enumerate the few candidate codes and join private rooms; the fix draws the code from secrets")


@hardneg(3)
def rand_lobby_invite_hn(c):
    x = c.x
    shape = c.pick("jitter", "token", "shuffle")
    if shape == "jitter":
        body = ("code = secrets.token_urlsafe(9)\n"
                "retry_after = round(random.uniform(0.5, 2.0), 2)\n"
                f'result = {{"invite": code, "room": {x}, "retry_after": retry_after}}')
        imps = "import random\nimport secrets"
        note = "the code comes from secrets; random only jitters the client retry delay"
    elif shape == "token":
        body = ("code = secrets.token_hex(6)\n"
                f'INVITES[code] = {{"room": {x}, "created": time.time()}}\n'
                'result = {"invite": code}')
        imps = "import secrets\nimport time"
        note = "the clock is only stored as the creation time; the code is from secrets"
    else:
        body = ("seats = list(range(1, 9))\n"
                "random.shuffle(seats)\n"
                f'result = {{"room": {x}, "seat_order": seats, "request_id": str(uuid.uuid4())}}')
        imps = "import random\nimport uuid"
        note = "random only orders seats; the id is a uuid4 used for tracing"
    return Spec(s=body, imports=imps, helpers="INVITES: dict[str, dict] = {}", notes=note)


# ---------------- CWE-489: Flask-SocketIO game lobby run with debug=True ----------------


def _socketio_lobby(c, safe):
    w = c.word
    V = _v(safe)
    mode = c.pick("eventlet", "gevent")
    entry = c.pick("direct", "main", "kwargs")
    env = c.pick("LOBBY_SECRET_KEY", "GAME_SECRET_KEY", "SOCKET_SECRET")
    origins = c.pick('["https://play.example.com"]', '["https://app.example.org", "https://m.example.org"]')
    state = c.pick("PLAYERS", "SEATS", "ONLINE")
    dbg = "" if safe else ", debug=True"
    argimp = "import argparse\n        " if entry == "main" else ""
    head = f'''
        """Realtime {w} lobby for the mobile game: players join rooms and exchange moves."""
        {argimp}import os

        from flask import Flask, request
        from flask_socketio import SocketIO, emit, join_room, leave_room
    '''
    setup = f'''
        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["{env}"]
        socketio = SocketIO(app, async_mode="{mode}", cors_allowed_origins={origins})
        {state}: dict[str, str] = {{}}
    '''
    join = f'''
        @socketio.on("join")
        def on_join(data):
            room = str(data.get("room", "lobby"))[:32]
            join_room(room)
            {state}[request.sid] = room
            emit("joined", {{"room": room, "players": sum(1 for r in {state}.values() if r == room)}}, to=room)
    '''
    leave = f'''
        @socketio.on("leave")
        def on_leave(data):
            room = {state}.pop(request.sid, None)
            if room:
                leave_room(room)
                emit("left", {{"sid": request.sid}}, to=room)
    '''
    move = f'''
        @socketio.on("move")
        def on_move(data):
            room = {state}.get(request.sid)
            if room is None:
                return {{"ok": False}}
            emit("move", {{"sid": request.sid, "x": int(data["x"]), "y": int(data["y"])}}, to=room, include_self=False)
            return {{"ok": True}}
    '''
    chat = f'''
        @socketio.on("chat")
        def on_chat(data):
            room = {state}.get(request.sid)
            if room:
                emit("chat", {{"sid": request.sid, "text": str(data.get("text", ""))[:200]}}, to=room)
    '''
    handlers = _opt(c, leave, move, chat, least=1, most=2)
    if entry == "direct":
        tail = f'''
            if __name__ == "__main__":
                socketio.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "5000")){dbg}){V}
        '''
    elif entry == "main":
        tail = f'''
            def main() -> None:
                parser = argparse.ArgumentParser(description="{w} lobby server")
                parser.add_argument("--port", type=int, default=5000)
                args = parser.parse_args()
                socketio.run(app, host="0.0.0.0", port=args.port{dbg}){V}


            if __name__ == "__main__":
                main()
        '''
    else:
        tail = f'''
            RUN_OPTIONS = dict(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")){dbg}){V}


            if __name__ == "__main__":
                socketio.run(app, **RUN_OPTIONS)
        '''
    return _joined(head, setup, join, handlers, tail), mode


@fam("debug-socketio-run-debug", "CWE-489", fws=["flask"], n=8, wrap=False)
def debug_socketio_run(c):
    st = c.snapshot()
    v, mode = _socketio_lobby(c, False)
    c.restore(st)
    s, _ = _socketio_lobby(c, True)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the production entry point of the Flask-SocketIO lobby runs with debug=True: under {mode} "
                      "Flask-SocketIO wraps the app in Werkzeug's DebuggedApplication (evalex) and starts the "
                      "reloader, so any error page offers an interactive Python console to the player; the fix "
                      "drops the debug switch")


@hardneg(3)
def debug_socketio_run_hn(c):
    w = c.word
    env = c.pick("LOBBY_DEBUG", "GAME_DEBUG")
    mod = _joined(f'''
        """Realtime {w} lobby server."""
        import os

        from flask import Flask
        from flask_socketio import SocketIO, emit
    ''', f'''
        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["LOBBY_SECRET_KEY"]
        socketio = SocketIO(app, async_mode="eventlet")
    ''', '''
        @socketio.on("ping")
        def on_ping(data):
            emit("pong", {"t": data.get("t")})
    ''', f'''
        if __name__ == "__main__":
            local = os.environ.get("{env}") == "1"
            socketio.run(app, host="127.0.0.1" if local else "0.0.0.0", port=5000, debug=local)
    ''')
    return Spec(s=mod, full=True, fw="flask",
                notes="debug is opt-in through an environment switch that is off by default, and then bound to loopback")


# ---------------- CWE-77: git grep / git log with an option-looking user value ----------------


@fam("argi-git-grep-pager-option", "CWE-77", fws=["flask", "fastapi", "pipeline", "cli"],
     keys=["path", "subdir", "folder"], n=8)
def argi_git_grep(c):
    x = c.x
    sub = c.pick("grep", "grep", "log")
    mark = c.pick("TODO", "FIXME", "XXX")
    repo = c.pick("/srv/checkouts/game-server", "/var/lib/codebot/monorepo", "/opt/mirrors/firmware")
    call = c.pick("run", "check_output")
    split = c.pick(True, False)
    limit = c.pick("40", "25", "60")

    def argv(safe):
        if sub == "grep":
            # the pattern is fixed (-e MARK): the user path is the only positional, so an option in it
            # (-O/--open-files-in-pager=CMD) is honoured and git grep still has a pattern to run with
            head = f'"git", "grep", "-n", "-I", "--no-color", "-e", "{mark}"'
            return f"[{head}, \"--\", {x}]" if safe else f"[{head}, {x}]"
        head = '"git", "log", "-n", "20", "--format=%h %an %s"'
        return f'[{head}, "--", {x}]' if safe else f"[{head}, {x}]"

    def body(safe):
        V = _v(safe)
        lines = []
        if split:
            lines.append(f"argv = {argv(safe)}{V}")
            a = "argv"
        else:
            a = argv(safe)
        if call == "run":
            lines.append(f"proc = subprocess.run({a}, cwd=REPO_DIR, capture_output=True, text=True, timeout=20){V}")
            lines.append(f"result = proc.stdout.splitlines()[:{limit}]")
        else:
            lines.append(f"out = subprocess.check_output({a}, cwd=REPO_DIR, text=True, timeout=20){V}")
            lines.append(f"result = out.splitlines()[:{limit}]")
        return "\n".join(lines)

    what = ("`--open-files-in-pager=CMD` makes git grep run CMD through the shell on the matching files" if sub == "grep"
            else "`--output=FILE` makes git log write its output over any file the bot can write")
    fix = "after `--`"
    return Spec(v=body(False), s=body(True), imports="import subprocess", helpers=f'REPO_DIR = "{repo}"',
                notes=f"the {c.key} from the chat command / request is a positional (path) argument of git {sub}; a value "
                      f"starting with '-' is parsed as an option ({what}); the fix passes it {fix}")


@hardneg(3)
def argi_git_grep_hn(c):
    x = c.x
    shape = c.pick("fixed", "validated", "rev")
    if shape == "fixed":
        body = (f'proc = subprocess.run(["git", "grep", "-n", "--fixed-strings", "-e", {x}, "--", "docs/"],\n'
                "                      cwd=REPO_DIR, capture_output=True, text=True, timeout=20)\n"
                "result = proc.stdout.splitlines()[:40]")
        note = "the term follows -e, so it is always the pattern"
    elif shape == "validated":
        body = (f'if {x}.startswith("-") or not {x}.strip():\n'
                '    raise ValueError("invalid search term")\n'
                f'out = subprocess.check_output(["git", "grep", "-n", "-e", {x}], cwd=REPO_DIR, text=True, timeout=20)\n'
                "result = out.splitlines()[:40]")
        note = "the value is rejected when it looks like an option and passed after -e"
    else:
        body = (f'ref = {x} if re.fullmatch(r"[0-9a-f]{{7,40}}", {x}) else "HEAD"\n'
                'out = subprocess.check_output(["git", "show", "--stat", "--format=%h %s", ref, "--"],\n'
                "                              cwd=REPO_DIR, text=True, timeout=20)\n"
                "result = out.splitlines()[:40]")
        note = "only a hex commit id reaches git show"
    return Spec(s=body, imports="import re\nimport subprocess" if shape == "rev" else "import subprocess",
                helpers='REPO_DIR = "/srv/checkouts/game-server"', notes=note)


# ---------------- CWE-215: error detail under an env DEBUG flag that defaults to on ----------------

_FLAGS = [
    ('os.environ.get("{E}", "1") == "1"', 'os.environ.get("{E}", "0") == "1"'),
    ('os.getenv("{E}", "true").lower() in ("1", "true", "yes")', 'os.getenv("{E}", "false").lower() in ("1", "true", "yes")'),
    ('os.environ.get("{E}") != "0"', 'os.environ.get("{E}") == "1"'),
    ('bool(int(os.environ.get("{E}", "1")))', 'bool(int(os.environ.get("{E}", "0")))'),
]

_DETAIL = {
    "trace": ('{"trace": traceback.format_exc()}', "import traceback", "the full traceback"),
    "exc_env": ('{"exception": repr(exc), "settings": {k: v for k, v in os.environ.items() if k.startswith("$P")}}',
                "", "the exception and every $P* environment setting (database URL, gateway keys)"),
    "frames": ('{"frames": traceback.format_exception(type(exc), exc, exc.__traceback__), "dsn": $MOD.DATABASE_URL}',
               "import traceback", "the traceback frames and the database DSN"),
}


@fam("debug-env-default-on-error-detail", "CWE-215", fws=WEB_FWS, keys=["invoice_id", "account_id", "plan"], n=8)
def debug_env_default_on(c):
    x = c.x
    app = c.pick("billing", "mobile")
    prefix = "BILLING_" if app == "billing" else "MOBILE_"
    mod = "billing_settings" if app == "billing" else "api_settings"
    flagname = c.pick("DEBUG", prefix + "DEBUG", "DEBUG_ERRORS", "SHOW_DEBUG")
    env = c.pick(prefix + "DEBUG", "APP_DEBUG", "DEBUG")
    fv, fs = c.pick(*_FLAGS)
    det = c.pick(*_DETAIL)
    expr, dimp, what = _DETAIL[det]
    expr = expr.replace("$P", prefix).replace("$MOD", mod)
    what = what.replace("$P", prefix)
    call = {"billing": c.pick("compute_invoice", "close_billing_period", "charge_account"),
            "mobile": c.pick("load_account_summary", "sync_device_state", "refresh_plan")}[app]
    svc = "billing_core" if app == "billing" else "mobile_core"
    key = c.pick("debug", "_debug", "detail")

    def helpers(safe):
        f = (fs if safe else fv).replace("{E}", env)
        return f"{flagname} = {f}{_v(safe)}\nlog = logging.getLogger(__name__)"

    body = (f"try:\n"
            f"    summary = {call}({x})\n"
            f'    result = {{"ok": True, "summary": summary}}\n'
            f"except Exception as exc:\n"
            f'    log.exception("{call} failed for %s", {x})\n'
            f'    result = {{"ok": False, "error": "request failed"}}\n'
            f"    if {flagname}:\n"
            f'        result["{key}"] = {expr}  #@V')
    imps = f"import logging\nimport os\nfrom {svc} import {call}"
    if dimp:
        imps += "\n" + dimp
    if det == "frames":
        imps += f"\nimport {mod}"
    hv, hs = helpers(False), helpers(True)
    # helpers differ between the twins: render them through separate Specs sharing the body
    return _two_helpers(c, body, imps, hv, hs,
                        notes=f"{flagname} is read from the environment and defaults to on, so a deployment that never "
                              f"sets {env} returns {what} to the caller of a failed {app} request; the fix "
                              "defaults the flag to off")


def _two_helpers(c, body, imps, hv, hs, notes):
    from module_kit import shell_pair
    return shell_pair(c, body, body.replace("  #@V", ""), hv, hs, imports=imps, notes=notes)


@hardneg(3)
def debug_env_default_on_hn(c):
    x = c.x
    shape = c.pick("off_default", "log_only", "id_only")
    flag = 'DEBUG = os.environ.get("APP_DEBUG", "0") == "1"'
    if shape == "off_default":
        body = (f"try:\n    summary = compute_invoice({x})\n    result = {{\"ok\": True, \"summary\": summary}}\n"
                "except Exception:\n    result = {\"ok\": False, \"error\": \"request failed\"}\n"
                "    if DEBUG:\n        result[\"trace\"] = traceback.format_exc()")
        note = "the debug detail is opt-in: the flag defaults to off"
    elif shape == "log_only":
        flag = 'DEBUG = os.environ.get("APP_DEBUG", "1") == "1"'
        body = (f"try:\n    summary = compute_invoice({x})\n    result = {{\"ok\": True, \"summary\": summary}}\n"
                "except Exception:\n    if DEBUG:\n        log.debug(\"trace: %s\", traceback.format_exc())\n"
                "    result = {\"ok\": False, \"error\": \"request failed\"}")
        note = "the traceback goes to the server log only; the response carries a generic message"
    else:
        body = (f"try:\n    summary = compute_invoice({x})\n    result = {{\"ok\": True, \"summary\": summary}}\n"
                "except Exception:\n    incident = uuid.uuid4().hex[:12]\n"
                "    log.exception(\"incident %s\", incident)\n"
                "    result = {\"ok\": False, \"error\": \"request failed\", \"incident\": incident}")
        note = "the client gets an incident id; the detail is logged server-side"
    return Spec(s=body, imports="import logging\nimport os\nimport traceback\nimport uuid\nfrom billing_core import compute_invoice",
                helpers=flag + "\nlog = logging.getLogger(__name__)", notes=note)
