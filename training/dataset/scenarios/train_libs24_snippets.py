"""Train-only snippet families for the labels with the fewest families, each in an application and code
shape no other family uses:

- debug-vet-cli-remote-pdb-default-on (489): a veterinary records Click CLI or a hive telemetry Celery
  task that opens a remote-pdb shell on failure behind a switch that defaults on;
- perm-theatre-export-umask-zero-context (276): a ticket desk helper that sets os.umask(0) around the
  write of a patron export (context manager or try/finally), so the file is created 0o666;
- perm-makerspace-control-file-world-writable (732): a tool-checkout bot whose pid / control / induction-override file
  is chmod'ed world-writable, so any local user can drive the bot;
- rand-choir-share-link-clock-id (330): rehearsal recording share links built from time.time(), id()
  or uuid.uuid1(), guessable; the fix uses secrets.token_urlsafe;
- cookie-theatre-remember-me-starlette-httponly (1004): a FastAPI/Starlette remember-me cookie set with
  httponly=False or left at Starlette's default (httponly=False);
- cookie-ferry-aiohttp-session-no-secure (614): an aiohttp ferry booking session cookie set without
  secure=True on an HTTPS site.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import _joined, _replayed
from registry import hardneg, fam


def _v(safe):
    return "" if safe else "  #@V"


# ---------------- CWE-489: remote pdb on failure behind a default-on switch ----------------

def _vet_cli(c, safe):
    grp = c.pick("vetrec", "clinic", "records")
    cmd = c.pick("import-visits", "merge-patients", "reindex-charts", "export-vaccinations")
    fn = cmd.replace("-", "_")
    opt = c.pick("--post-mortem/--no-post-mortem", "--debug-shell/--no-debug-shell", "--rpdb/--no-rpdb")
    dest = opt.split("/")[0][2:].replace("-", "_")
    host = c.pick('"0.0.0.0"', '""')
    port = c.pick("4444", "5555", "7001")
    call = c.pick("mod", "cls")
    if call == "mod":
        imp, trace = "import remote_pdb", f"remote_pdb.set_trace(host={host}, port={port})"
    else:
        imp, trace = "from remote_pdb import RemotePdb", f"RemotePdb({host}, {port}).set_trace()"
    default = "False" if safe else "True"
    shape = c.pick("inline", "group")
    head = f'''
        """Command line tools for the clinic's veterinary records database."""
        import logging
        import sys

        import click
        {imp}

        from vetrec.db import open_session
        from vetrec.importers import {fn}_run
    '''
    log = "log = logging.getLogger(__name__)"
    if shape == "inline":
        body = f'''
            @click.command("{cmd}")
            @click.argument("source", type=click.Path(exists=True))
            @click.option("{opt}", default={default}, help="Open a debugger shell when the run fails"){_v(safe)}
            def {fn}(source, {dest}):
                session = open_session()
                try:
                    count = {fn}_run(session, source)
                    session.commit()
                except Exception:
                    session.rollback()
                    log.exception("{cmd} failed for %s", source)
                    if {dest}:
                        {trace}{_v(safe)}
                    sys.exit(1)
                click.echo(f"{{count}} records processed")
        '''
    else:
        body = f'''
            @click.group()
            @click.option("{opt}", default={default}, help="Debugger shell on unexpected errors"){_v(safe)}
            @click.pass_context
            def {grp}(ctx, {dest}):
                ctx.ensure_object(dict)
                ctx.obj["debug"] = {dest}
                ctx.obj["session"] = open_session()


            @{grp}.command("{cmd}")
            @click.argument("source")
            @click.pass_obj
            def {fn}(obj, source):
                try:
                    click.echo({fn}_run(obj["session"], source))
                except Exception:
                    log.exception("{cmd} failed")
                    if obj["debug"]:
                        {trace}{_v(safe)}
                    raise
        '''
    return _joined(head, log, body)


def _hive_task(c, safe):
    env = c.pick("HIVE_DEBUG_FAILURES", "TELEMETRY_RPDB", "APIARY_DEBUG")
    default = '"0"' if safe else '"1"'
    call = c.pick("mod", "cls")
    port = c.pick("4444", "6899")
    if call == "mod":
        imp, trace = "import remote_pdb", f'remote_pdb.set_trace(host="0.0.0.0", port={port})'
    else:
        imp, trace = "from remote_pdb import RemotePdb", f'RemotePdb("0.0.0.0", {port}).set_trace()'
    metric = c.pick("weight", "temperature", "humidity", "acoustic")
    retry = c.pick(True, False)
    deco = "@app.task(bind=True, max_retries=3)" if retry else "@app.task(bind=True)"
    tail = "raise self.retry(exc=exc, countdown=30)" if retry else "raise"
    return _joined(f'''
        """Celery tasks that ingest hive {metric} readings from the apiary gateways."""
        import logging
        import os

        {imp}
        from celery import Celery

        from hives.store import save_readings
    ''', f'''
        app = Celery("hive_telemetry", broker=os.environ["BROKER_URL"])
        log = logging.getLogger(__name__)
        DEBUG_ON_FAILURE = os.environ.get("{env}", {default}) == "1"{_v(safe)}
    ''', f'''
        {deco}
        def ingest_{metric}(self, hive_id, readings):
            try:
                rows = [r for r in readings if r.get("{metric}") is not None]
                save_readings(hive_id, "{metric}", rows)
                return len(rows)
            except Exception as exc:
                log.exception("ingest failed for hive %s", hive_id)
                if DEBUG_ON_FAILURE:
                    {trace}{_v(safe)}
                {tail}
    ''')


@fam("debug-vet-cli-remote-pdb-default-on", "CWE-489", fws=["cli", "pipeline"], n=8, wrap=False)
def debug_vet_cli_rpdb(c):
    kind = "cli" if c.fw == "cli" else "pipeline"
    build = _vet_cli if kind == "cli" else _hive_task
    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw=kind,
                notes="a remote-pdb shell is opened on the failure path behind a switch that defaults on, so every "
                      "production failure leaves a pdb shell listening on a network port; whoever connects runs "
                      "Python in the process (CWE-489 active debug code); the fix makes the switch default off")


@hardneg(3)
def debug_vet_cli_rpdb_hn(c):
    cmd = c.pick("import-visits", "merge-patients")
    fn = cmd.replace("-", "_")
    mod = _joined(f'''
        """Command line tools for the clinic's veterinary records database."""
        import logging
        import sys

        import click

        from vetrec.db import open_session
        from vetrec.importers import {fn}_run
    ''', "log = logging.getLogger(__name__)", f'''
        @click.command("{cmd}")
        @click.argument("source", type=click.Path(exists=True))
        @click.option("--verbose/--quiet", default=True, help="Log each processed record")
        def {fn}(source, verbose):
            logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO)
            session = open_session()
            try:
                count = {fn}_run(session, source)
                session.commit()
            except Exception:
                session.rollback()
                log.exception("{cmd} failed for %s", source)
                sys.exit(1)
            click.echo(f"{{count}} records processed")
    ''')
    return Spec(s=mod, full=True, fw="cli",
                notes="a verbose switch that defaults on only raises the log level; no debugger is opened")


# ---------------- CWE-276: umask 0 around a patron export ----------------

_UMASK_CM = '''
@contextmanager
def _shared_umask():
    """Exports are picked up by the mailing job, which runs as another user."""
    previous = os.umask($MASK)$V
    try:
        yield
    finally:
        os.umask(previous)
'''


@fam("perm-theatre-export-umask-zero-context", "CWE-276", fws=["flask", "django", "fastapi", "aiohttp", "cli"],
     keys=["show_id", "performance_id"], n=8, wrap=False)
def perm_theatre_umask(c):
    x = c.x
    shape = c.pick("cm", "inline")
    fmt = c.pick("csv", "json")
    d = c.pick("/srv/boxoffice/exports", "/var/lib/ticketdesk/exports", "/data/theatre/patron-exports")
    ext = "csv" if fmt == "csv" else "json"
    cols = c.pick('["name", "email", "phone", "seat"]', '["name", "email", "seat", "paid"]',
                  '["surname", "email", "row", "seat"]')
    imps = "import os\nfrom ticketdesk.db import patrons_for_show"
    imps += "\nimport csv" if fmt == "csv" else "\nimport json"
    helpers = f'EXPORT_DIR = "{d}"\nCOLUMNS = {cols}'
    if fmt == "csv":
        write = ["    writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction=\"ignore\")",
                 "    writer.writeheader()", "    writer.writerows(patrons)"]
        mode = 'open(target, "w", newline="", encoding="utf-8")'
    else:
        write = ["    json.dump([{k: p.get(k) for k in COLUMNS} for p in patrons], fh, indent=2)"]
        mode = 'open(target, "w", encoding="utf-8")'

    def body(safe):
        mask = "0o077" if safe else "0"
        lines = [f"show = int({x})", "patrons = patrons_for_show(show)",
                 f'target = os.path.join(EXPORT_DIR, f"show-{{show}}-patrons.{ext}")']
        if shape == "cm":
            lines += [f"with _shared_umask(), {mode} as fh:"] + write
        else:
            lines += [f"previous = os.umask({mask}){_v(safe)}", "try:", f"    with {mode} as fh:"]
            lines += ["    " + w for w in write]
            lines += ["finally:", "    os.umask(previous)"]
        lines.append("result = {\"file\": target, \"rows\": len(patrons)}")
        return "\n".join(lines)

    def hlp(safe):
        if shape != "cm":
            return helpers
        cm = _UMASK_CM.replace("$MASK", "0o077" if safe else "0").replace("$V", _v(safe))
        return helpers + "\n\n\n" + cm.strip("\n")

    extra = "\nfrom contextlib import contextmanager" if shape == "cm" else ""
    from module_kit import shell_pair
    return shell_pair(c, body(False), body(True), hlp(False), hlp(True), imports=imps + extra,
                      notes="the process umask is set to 0 while the patron export (names, emails, phone numbers) is "
                            "created, so open() creates it with mode 0o666: every local user can read and rewrite it "
                            "(CWE-276 incorrect default permissions); the fix creates it under umask 0o077")


@hardneg(3)
def perm_theatre_umask_hn(c):
    x = c.x
    helpers = 'EXPORT_DIR = "/srv/boxoffice/exports"'
    body = "\n".join([
        f"show = int({x})", "patrons = patrons_for_show(show)",
        'target = os.path.join(EXPORT_DIR, f"show-{show}-patrons.csv")',
        "fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)",
        'with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:',
        '    csv.writer(fh).writerows((p["name"], p["email"], p["seat"]) for p in patrons)',
        'result = {"file": target, "rows": len(patrons)}'])
    return Spec(s=body, helpers=helpers, imports="import csv\nimport os\nfrom ticketdesk.db import patrons_for_show",
                notes="the export is created with os.open mode 0o600, readable by the owner only")


# ---------------- CWE-732: makerspace bot control / pid file world-writable ----------------

def _maker_bot(c, safe):
    kind = c.pick("pid", "control", "override")
    how = c.pick("os", "path", "stat")
    run = c.pick("/run/toolbot", "/var/run/makerspace", "/srv/toolbot/run")
    name = {"pid": "toolbot.pid", "control": "toolbot.ctl", "override": "induction-overrides.txt"}[kind]
    good = "0o644" if kind != "control" else "0o600"
    if how == "os":
        ch = f"os.chmod(PATH, {good if safe else '0o666'})"
    elif how == "path":
        ch = f"Path(PATH).chmod({good if safe else '0o666'})"
    else:
        ch = ("os.chmod(PATH, stat.S_IRUSR | stat.S_IWUSR)" if safe else
              "os.chmod(PATH, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH)")
    imps = ["import logging", "import os"]
    if kind == "control":
        imps.append("import time")
    if how == "path":
        imps.append("from pathlib import Path")
    if how == "stat":
        imps.append("import stat")
    if kind == "pid":
        imps.append("import signal")
        code = f'''
            def write_pidfile():
                with open(PATH, "w", encoding="ascii") as fh:
                    fh.write(str(os.getpid()))
                {ch}{_v(safe)}


            def stop_bot():
                """Called by `toolbot stop` (runs as the bot's account)."""
                with open(PATH, encoding="ascii") as fh:
                    pid = int(fh.read().strip())
                os.kill(pid, signal.SIGTERM)
                log.info("sent SIGTERM to %d", pid)
        '''
    elif kind == "control":
        code = f'''
            def open_control_file():
                open(PATH, "a", encoding="utf-8").close()
                {ch}{_v(safe)}


            def poll_commands(bot):
                """Staff drop commands here: 'release <tool>', 'checkout <tool> <member>', 'lock-all'."""
                while True:
                    with open(PATH, "r+", encoding="utf-8") as fh:
                        lines = fh.read().splitlines()
                        fh.seek(0)
                        fh.truncate()
                    for line in lines:
                        verb, _, rest = line.partition(" ")
                        bot.dispatch(verb, rest.split())
                    time.sleep(2)
        '''
    else:
        code = f'''
            def init_overrides():
                """Badges listed here may check out induction-only tools (laser cutter, lathe)."""
                if not os.path.exists(PATH):
                    open(PATH, "w", encoding="utf-8").close()
                {ch}{_v(safe)}


            def has_override(badge):
                with open(PATH, encoding="utf-8") as fh:
                    return badge in {{line.strip() for line in fh if line.strip()}}
        '''
    imps = sorted(i for i in imps if i.startswith("import ")) + [i for i in imps if i.startswith("from ")]
    return _joined(f'"""Makerspace tool-checkout bot: process control helpers."""\n' + "\n".join(imps),
                   f'log = logging.getLogger("toolbot")\nPATH = os.path.join("{run}", "{name}")', code)


@fam("perm-makerspace-control-file-world-writable", "CWE-732", fws=["script"], n=8, wrap=False)
def perm_maker_control(c):
    v, s = _replayed(c, _maker_bot)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the bot's pid / control / induction-override file is made world-writable, so any local user can "
                      "point `stop` at another process, drop checkout commands, or add a badge to the override list and "
                      "drive the service (CWE-732); the fix keeps it writable by the bot's account only")


@hardneg(3)
def perm_maker_control_hn(c):
    run = c.pick("/run/toolbot", "/srv/toolbot/run")
    mod = _joined('"""Makerspace tool-checkout bot: status file for the lobby screen."""\nimport json\nimport os',
                  f'STATUS = os.path.join("{run}", "status.json")', '''
        def publish_status(tools):
            tmp = STATUS + ".new"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({t.name: t.holder is None for t in tools}, fh)
            os.chmod(tmp, 0o644)
            os.replace(tmp, STATUS)
    ''')
    return Spec(s=mod, full=True, fw="script",
                notes="a public status file is world-readable (0o644) but writable by the bot only")


# ---------------- CWE-330: choir rehearsal share link from the clock / id() / uuid1 ----------------

_LINK = {
    "clock-id": ('f"{int(time.time()):x}{id(recording):x}"', "import time"),
    "millis": ("str(int(time.time() * 1000))", "import time"),
    "uuid1": ("uuid.uuid1().hex[:16]", "import uuid"),
    "clock-b64": ('base64.urlsafe_b64encode(repr(time.time()).encode()).decode().rstrip("=")',
                  "import base64\nimport time"),
}


@fam("rand-choir-share-link-clock-id", "CWE-330", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["rehearsal_id", "recording_id"], n=8, wrap=False)
def rand_choir_share_link(c):
    x = c.x
    kind = c.pick(*_LINK)
    expr, imp = _LINK[kind]
    days = c.pick("7", "14", "3")
    host = c.pick("https://choir.example.org", "https://rehearsals.example.net")
    path = c.pick("listen", "r", "share")
    store = c.pick("insert", "attr")

    def body(safe):
        tok = "secrets.token_urlsafe(16)" if safe else expr
        # second-author review (R101): the caller must be allowed to share this recording, else the twin keeps
        # a missing authorization (anyone mints a link to any recording)
        lines = [f"ensure_can_share({x})  # raises PermissionError otherwise",
                 f"recording = get_recording(int({x}))",
                 f"link_id = {tok}{_v(safe)}",
                 f"expires = datetime.now(timezone.utc) + timedelta(days={days})"]
        if store == "insert":
            lines.append("save_share_link(link_id, recording.id, expires)")
        else:
            lines += ["recording.share_token = link_id", "recording.share_expires = expires", "recording.save()"]
        lines.append(f'result = {{"url": f"{host}/{path}/{{link_id}}", "expires": expires.isoformat()}}')
        return "\n".join(lines)

    imps = ("from datetime import datetime, timedelta, timezone\nfrom choir.auth import ensure_can_share\n"
            "from choir.recordings import get_recording")
    if store == "insert":
        imps += "\nfrom choir.recordings import save_share_link"
    return Spec(v=body(False), s=body(True), imports=imps, vimports=imp, simports="import secrets",
                notes="the share link that alone grants access to a rehearsal recording is built from the clock "
                      f"({kind}: time.time(), id() or uuid.uuid1(), which embeds the timestamp and the host MAC), so it "
                      "can be guessed by enumerating the creation time; the fix uses secrets.token_urlsafe(16)")


@hardneg(4)
def rand_choir_share_link_hn(c):
    x = c.x
    shape = c.pick("stamp-row", "time-name")
    if shape == "stamp-row":
        body = "\n".join([f"ensure_can_share({x})  # raises PermissionError otherwise",
                          f"recording = get_recording(int({x}))",
                          "created_at = time.time()",
                          "link_id = secrets.token_urlsafe(16)",
                          "save_share_link(link_id, recording.id, created_at)",
                          'result = {"url": f"https://choir.example.org/listen/{link_id}"}'])
        imps = "import secrets\nimport time\nfrom choir.auth import ensure_can_share\nfrom choir.recordings import get_recording, save_share_link"
        note = "the clock only stamps the row; the link itself comes from secrets.token_urlsafe"
    else:
        body = "\n".join([f"ensure_can_share({x})  # raises PermissionError otherwise",
                          f"recording = get_recording(int({x}))",
                          'stamp = time.strftime("%Y%m%d-%H%M%S")',
                          'recording.filename = f"rehearsal-{recording.id}-{stamp}.ogg"',
                          "recording.share_token = secrets.token_urlsafe(24)",
                          "recording.save()",
                          'result = {"file": recording.filename, "token": recording.share_token}'])
        imps = "import secrets\nimport time\nfrom choir.auth import ensure_can_share\nfrom choir.recordings import get_recording"
        note = "the clock only names the file; the share token comes from secrets"
    return Spec(s=body, imports=imps, notes=note)


# ---------------- CWE-1004: theatre ticket desk remember-me cookie readable from script ----------------

def _theatre_login(c, safe):
    shape = c.pick("param", "redirect", "json")
    omit = c.pick(True, False)
    name = c.pick("remember_me", "boxoffice_remember", "desk_token")
    days = c.pick("30", "14", "60")
    if safe:
        flags = "httponly=True, secure=True, samesite=\"lax\""
    elif omit:
        flags = "secure=True, samesite=\"lax\""
    else:
        flags = "httponly=False, secure=True, samesite=\"lax\""
    tgt = "response" if shape == "param" else "resp"
    setc = f'{tgt}.set_cookie("{name}", token, max_age={days} * 86400, {flags}){_v(safe)}'
    head = '''
        """Community theatre ticket desk: staff sign-in."""
        import secrets

        $FAPI

        from ticketdesk.auth import check_staff_password, store_remember_token
    '''
    if shape == "param":
        fn = f'''
            @app.post("/desk/login")
            async def login(response: Response, username: str = Form(...), password: str = Form(...),
                            remember: bool = Form(False)):
                staff = check_staff_password(username, password)
                if staff is None:
                    raise HTTPException(status_code=401, detail="wrong username or password")
                if remember:
                    token = secrets.token_urlsafe(32)
                    store_remember_token(staff.id, token)
                    {setc}
                return {{"staff": staff.display_name}}
        '''
    elif shape == "redirect":
        fn = f'''
            @app.post("/desk/login")
            async def login(username: str = Form(...), password: str = Form(...)):
                staff = check_staff_password(username, password)
                if staff is None:
                    return RedirectResponse("/desk/login?failed=1", status_code=303)
                token = secrets.token_urlsafe(32)
                store_remember_token(staff.id, token)
                resp = RedirectResponse("/desk/tonight", status_code=303)
                {setc}
                return resp
        '''
    else:
        fn = f'''
            @app.post("/api/desk/session")
            async def open_session(username: str = Form(...), password: str = Form(...)):
                staff = check_staff_password(username, password)
                if staff is None:
                    return JSONResponse({{"error": "invalid credentials"}}, status_code=401)
                token = secrets.token_urlsafe(32)
                store_remember_token(staff.id, token)
                resp = JSONResponse({{"staff": staff.display_name, "till": staff.till_number}})
                {setc}
                return resp
        '''
    fapi = {"param": "from fastapi import FastAPI, Form, HTTPException, Response",
            "redirect": "from fastapi import FastAPI, Form\n        from fastapi.responses import RedirectResponse",
            "json": "from fastapi import FastAPI, Form\n        from fastapi.responses import JSONResponse"}[shape]
    return _joined(head.replace("$FAPI", fapi), "app = FastAPI()", fn)


@fam("cookie-theatre-remember-me-starlette-httponly", "CWE-1004", fws=["fastapi"], n=8, wrap=False)
def cookie_theatre_remember(c):
    v, s = _replayed(c, _theatre_login)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the long-lived remember-me token of a box-office staff account is set with Starlette's "
                      "Response.set_cookie without httponly=True (its default is httponly=False, or it is passed "
                      "explicitly), so any script injected into the desk pages can read and exfiltrate it "
                      "(CWE-1004); the fix sets httponly=True")


@hardneg(3)
def cookie_theatre_remember_hn(c):
    name = c.pick("desk_theme", "seat_map_zoom", "last_venue")
    mod = _joined('''
        """Community theatre ticket desk: UI preferences."""
        from fastapi import FastAPI, Response
    ''', "app = FastAPI()", f'''
        @app.post("/desk/prefs/{{value}}")
        async def save_pref(value: str, response: Response):
            if value not in ("light", "dark", "small", "large", "main-hall", "studio"):
                return {{"ok": False}}
            # read by the page script on purpose; holds no credential
            response.set_cookie("{name}", value, max_age=365 * 86400, samesite="lax")
            return {{"ok": True}}
    ''')
    return Spec(s=mod, full=True, fw="fastapi",
                notes="a non-sensitive UI preference cookie is deliberately readable from script")


# ---------------- CWE-614: ferry booking session cookie without Secure ----------------

def _ferry_login(c, safe):
    shape = c.pick("json", "found", "text")
    # second-author review (R101): the variant that leaves secure out is the shape of a held-out family;
    # only the explicit secure=False variant is kept (the draw stays so the other choices do not move)
    c.pick(True, False)
    name = c.pick("ferry_sid", "booking_session", "fs_session")
    hours = c.pick("8", "12", "24")
    if safe:
        flags = 'httponly=True, secure=True, samesite="Lax"'
    else:
        flags = 'httponly=True, secure=False, samesite="Lax"'
    setc = f'resp.set_cookie("{name}", sid, max_age={hours} * 3600, {flags}){_v(safe)}'
    head = '''
        """Ferry timetable and booking API (served at https://ferries.example.com behind the TLS proxy)."""
        import secrets

        from aiohttp import web

        from ferry.accounts import verify_login
        from ferry.sessions import create_session
    '''
    if shape == "json":
        fn = f'''
            async def login(request):
                form = await request.post()
                account = await verify_login(form.get("email", ""), form.get("password", ""))
                if account is None:
                    return web.json_response({{"error": "invalid login"}}, status=401)
                sid = secrets.token_urlsafe(32)
                await create_session(sid, account.id)
                resp = web.json_response({{"account": account.id, "saved_routes": account.saved_routes}})
                {setc}
                return resp
        '''
    elif shape == "found":
        fn = f'''
            async def login(request):
                form = await request.post()
                account = await verify_login(form.get("email", ""), form.get("password", ""))
                if account is None:
                    raise web.HTTPFound("/login?error=1")
                sid = secrets.token_urlsafe(32)
                await create_session(sid, account.id)
                resp = web.HTTPFound("/bookings")
                {setc}
                raise resp
        '''
    else:
        fn = f'''
            async def login(request):
                body = await request.json()
                account = await verify_login(body.get("email", ""), body.get("password", ""))
                if account is None:
                    raise web.HTTPUnauthorized(text="invalid login")
                sid = secrets.token_urlsafe(32)
                await create_session(sid, account.id)
                resp = web.Response(text="signed in", content_type="text/plain")
                resp.headers["Strict-Transport-Security"] = "max-age=31536000"
                {setc}
                return resp
        '''
    tail = 'app = web.Application()\napp.router.add_post("/login", login)'
    return _joined(head, fn, tail)


@fam("cookie-ferry-aiohttp-session-no-secure", "CWE-614", fws=["aiohttp"], n=8, wrap=False)
def cookie_ferry_session(c):
    v, s = _replayed(c, _ferry_login)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the booking session cookie of an HTTPS-only site is set with aiohttp's "
                      "StreamResponse.set_cookie without secure=True (aiohttp leaves Secure off unless asked), so a "
                      "browser also sends it over any plain-http request to the host, where it can be sniffed "
                      "(CWE-614); the fix passes secure=True")


@hardneg(3)
def cookie_ferry_session_hn(c):
    name = c.pick("timetable_port", "preferred_route", "fare_currency")
    mod = _joined('''
        """Ferry timetable API: remembers the last departure port for the timetable page."""
        from aiohttp import web
    ''', f'''
        async def choose_port(request):
            port = request.match_info["port"]
            if port not in ("north-quay", "harbour", "island-pier"):
                raise web.HTTPNotFound()
            resp = web.json_response({{"port": port}})
            resp.set_cookie("{name}", port, max_age=90 * 86400, secure=True, samesite="Lax")
            return resp
    ''', 'app = web.Application()\napp.router.add_get("/ports/{port}", choose_port)')
    return Spec(s=mod, full=True, fw="aiohttp",
                notes="a preference cookie set with secure=True")
