"""Train-only snippet families (libs28 set): short functions of the kind found in CWE example suites,
tutorials and quick scripts, for groups where the model misses weaknesses in code written by others.
Each uses a driver, library or code shape that no other family of its group uses:

- secret-db-driver-connect-literal (798): a helper that opens a connection with a DB driver no other
  family uses for this (PyMySQL, mysql-connector, pymssql, python-oracledb, psycopg 3, asyncpg) and passes
  the password as a literal, as the default of the helper's ``password`` parameter, or as the fallback of
  ``os.environ.get("..._PASSWORD", "<literal>")``,
  which is still a hard-coded credential: it is in the repository, and a deployment that forgets the
  variable silently runs with it; the fix reads the password from the environment with no fallback;
- tls-infra-sdk-verify-off (295): ops scripts driving GitLab (python-gitlab ``ssl_verify=False``),
  Proxmox (proxmoxer ``verify_ssl=False``), MISP (PyMISP ``ssl=False``) or Jira / Confluence
  (atlassian-python-api ``verify_ssl=False``) with certificate checks off while sending an API token or
  password; the fix verifies (system store or the internal CA bundle);
- clear-realtime-client-plain-scheme (319): a client of a realtime feed (python-socketio over
  ``http://``, websockets / websocket-client / aiohttp ``ws_connect`` over ``ws://``, written out or derived
  from the service's ``http://`` base URL) that sends an API
  token in the handshake or the first frame over an unencrypted connection to a remote host; the fix uses
  ``https://`` / ``wss://``;
- deser-websocket-pickle-frame (502): a websocket endpoint (FastAPI, aiohttp, websockets, flask-sock) that
  unpickles the frames clients send; the fix parses JSON;
- sig-saas-webhook-validator-soft-fail (347): Twilio ``RequestValidator.validate`` / Slack
  ``SignatureVerifier.is_valid`` called on an inbound webhook (Flask, Django, FastAPI), but a failed check is
  only logged and the request is processed anyway; the fix rejects it with 403.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent, shell
from module_kit import _joined, _replayed, shell_pair
from registry import fam, hardneg


def _rekey(c, *keys):
    """Point the context at a request key that fits the family's tool (the shell reads c.key and c.x)."""
    c.key = c.pick(*keys)
    c.x = c.pick(c.key, c.key, "raw_" + c.key, "requested_" + c.key)
    return c.x


# ---------------- CWE-798: DB driver connect with a literal password ----------------

_PW = ["Inv3ntory!2024", "s3cr3t-db-pass", "Tr0ub4dor&3", "reporting_pw_77", "P4ss-w0rd-prod", "dbadmin#991"]

# driver -> (import, connect call template with {pw}, placeholder query, async?)
_DRIVERS = {
    "pymysql": ("import pymysql",
                'pymysql.connect(host=DB_HOST, user="{user}", {pw}, database="{db}", connect_timeout=5)', "%s"),
    "mysql.connector": ("import mysql.connector",
                        'mysql.connector.connect(host=DB_HOST, user="{user}", {pw}, database="{db}")', "%s"),
    "pymssql": ("import pymssql",
                'pymssql.connect(server=DB_HOST, user="{user}", {pw}, database="{db}", login_timeout=5)', "%s"),
    "oracledb": ("import oracledb",
                 'oracledb.connect(user="{user}", {pw}, dsn=DB_HOST + ":1521/{db_upper}")', ":1"),
    "psycopg": ("import psycopg",
                'psycopg.connect(host=DB_HOST, dbname="{db}", user="{user}", {pw}, connect_timeout=5)', "%s"),
    "asyncpg": ("import asyncpg",
                'await asyncpg.connect(host=DB_HOST, user="{user}", {pw}, database="{db}", timeout=5)', "$1"),
}


def _db_parts(c, safe_pw, vuln_pw=None, vuln_default=None, drv=None):
    """Module helpers (a connection function) and a handler body. ``safe_pw`` is the password argument of the
    fixed / look-alike module, ``vuln_pw`` the marked one of the vulnerable module; ``vuln_default`` makes the
    vulnerable helper take the password as a parameter whose default is that literal."""
    drv = drv or _pick_driver(c)
    imp, call, ph = _DRIVERS[drv]
    w = c.word
    user = c.pick(f"{w}_app", "reporting", "svc_" + w, "etl_reader")
    db = c.pick(f"{w}s", f"{w}_prod", "warehouse", "backoffice")
    host = c.pick(f"db.{w}.internal", "db-primary.corp.example.net", "10.20.4.11", f"{w}-db.prod.example.com")
    fn = c.pick("get_connection", "open_db", "connect_db", "_db")
    col = c.key
    table = c.pick(f"{w}s", f"{w}_items", "stock_levels")
    kw = "async def" if drv == "asyncpg" else "def"

    def helpers(pw, default=None):
        if default is not None:
            conn_call = call.format(user=user, pw="password=password", db=db, db_upper=db.upper())
            return (f'DB_HOST = "{host}"\n\n\n'
                    f'{kw} {fn}(password="{default}"):  #@V\n'
                    f'    """Open a connection to the {w} database."""\n'
                    f"    return {conn_call}")
        conn_call = call.format(user=user, pw=pw.replace("  #@V", ""), db=db, db_upper=db.upper())
        return (f'DB_HOST = "{host}"\n\n\n'
                f"{kw} {fn}():\n"
                f'    """Open a connection to the {w} database."""\n'
                f"    return {conn_call}" + ("  #@V" if "#@V" in pw else ""))

    x = c.x
    q = f'"SELECT id, status, updated_at FROM {table} WHERE {col} = {ph}"'
    if drv == "asyncpg":
        body = (f"conn = await {fn}()\n"
                "try:\n"
                f"    row = await conn.fetchrow({q}, {x})\n"
                "finally:\n"
                "    await conn.close()\n"
                "result = dict(row) if row else None")
    else:
        body = (f"conn = {fn}()\n"
                "try:\n"
                "    cur = conn.cursor()\n"
                f"    cur.execute({q}, ({x},))\n"
                "    row = cur.fetchone()\n"
                "finally:\n"
                "    conn.close()\n"
                'result = {"id": row[0], "status": row[1]} if row else None')
    hv = helpers(vuln_pw, vuln_default) if (vuln_pw or vuln_default) else None
    hs = helpers(safe_pw)
    return drv, imp, body, hv, hs


def _pick_driver(c):
    asyncable = c.fw in ("fastapi", "aiohttp")
    return c.pick(*[d for d in _DRIVERS if asyncable or d != "asyncpg"])


_PWVAR = {"pymysql": "MYSQL_PASSWORD", "mysql.connector": "MYSQL_PASSWORD", "pymssql": "MSSQL_PASSWORD",
          "oracledb": "ORACLE_PASSWORD", "psycopg": "PGPASSWORD", "asyncpg": "PGPASSWORD"}


@fam("secret-db-driver-connect-literal", "CWE-798", fws=["flask", "fastapi", "aiohttp", "script", "cli", "pipeline"],
     keys=["sku", "order_ref", "account_no", "serial"], n=10, wrap=False)
def secret_db_driver(c):
    pw = c.pick(*_PW)
    shape = c.pick("literal", "literal", "default-arg", "env-default")
    drv = _pick_driver(c)
    var = c.pick(_PWVAR[drv], "DB_PASSWORD", "APP_DB_PASSWORD")
    if shape == "literal":
        why = "the database password is a string literal in the connect call"
        drv, imp, body, hv, hs = _db_parts(c, f'password=os.environ["{var}"]', f'password="{pw}"  #@V', drv=drv)
    elif shape == "default-arg":
        why = ("the connection helper takes the password as a parameter whose default is the literal, and every "
               "caller relies on the default, so the credential is in the source")
        drv, imp, body, hv, hs = _db_parts(c, f'password=os.environ["{var}"]', vuln_default=pw, drv=drv)
    else:
        why = ("the password is read from the environment but falls back to a literal: the credential is in the "
               "source and in every copy of the repository, and a deployment that forgets the variable silently "
               "connects with it, so the fallback is a hard-coded credential, not a harmless default")
        drv, imp, body, hv, hs = _db_parts(c, f'password=os.environ["{var}"]',
                                           f'password=os.environ.get("{var}", "{pw}")  #@V', drv=drv)
    return shell_pair(c, body, body, hv, hs, imports=imp,
                      vimports="import os" if shape == "env-default" else "", simports="import os",
                      notes=f"{drv}: {why}; the fix reads it with os.environ[...] and no fallback, so a missing "
                            "variable fails at start-up")


@hardneg(4)
def secret_db_driver_hn(c):
    src = c.pick("env", "secret-file", "keyring", "env-host-default")
    if src == "env":
        pw, imps, note = 'password=os.environ["DB_PASSWORD"]', "import os", "the password comes from the environment"
    elif src == "secret-file":
        pw = 'password=Path(os.environ.get("DB_PASSWORD_FILE", "/run/secrets/db_password")).read_text().strip()'
        imps, note = "import os\nfrom pathlib import Path", ("the password is read from a mounted secret file; the "
                                                              "literal is only the default path of that file")
    elif src == "keyring":
        pw = f'password=keyring.get_password("{c.word}-db", "db-password")'
        imps, note = "import keyring", "the password is looked up in the OS keyring at run time"
    else:
        pw = 'password=os.environ["DB_PASSWORD"]'
        imps, note = "import os", ("only non-secret settings (host, user, database name) are literals; the password "
                                   "comes from the environment with no fallback")
    drv, imp, body, _, hs = _db_parts(c, pw)
    if src == "env-host-default":
        hs = hs.replace('DB_HOST = "', 'DB_HOST = os.environ.get("DB_HOST", "', 1).replace('"\n', '")\n', 1)
    return Spec(s=shell(c, body, Spec(helpers=hs), imp + "\n" + imps), full=True, notes=f"{drv}: {note}")


# ---------------- CWE-295: infrastructure SDK clients with certificate checks off ----------------

_CA = ["/etc/ssl/certs/corp-root-ca.pem", "/usr/local/share/ca-certificates/internal-ca.crt",
       "/etc/pki/ca-trust/source/anchors/ops-ca.pem"]


def _sdk_parts(c, verify):
    """(body, imports, helpers, sdk) for one infrastructure SDK; ``verify`` is "off", "ca" or "on"."""
    sdk = c.pick("gitlab", "proxmox", "misp", "jira", "confluence")
    w = c.word
    ca = c.pick(*_CA)
    helpers = ""
    if sdk == "gitlab":
        x = _rekey(c, "project", "project_path", "repo")
        arg = {"off": "ssl_verify=False", "ca": "ssl_verify=CA_BUNDLE", "on": "ssl_verify=True"}[verify]
        url = c.pick("https://gitlab.corp.example.net", "https://git.example.org", f"https://gitlab.{w}.internal")
        helpers = f'GITLAB_URL = "{url}"' + (f'\nCA_BUNDLE = "{ca}"' if verify == "ca" else "")
        body = (f'gl = gitlab.Gitlab(GITLAB_URL, private_token=os.environ["GITLAB_TOKEN"], {arg})\n'
                f"project = gl.projects.get({x})\n"
                'failed = project.pipelines.list(status="failed", per_page=20, get_all=False)\n'
                "result = [(p.id, p.ref) for p in failed]")
        return body, "import os\nimport gitlab", helpers, sdk
    if sdk == "proxmox":
        x = _rekey(c, "vmid", "vm_id", "guest")
        arg = {"off": "verify_ssl=False", "ca": "verify_ssl=CA_BUNDLE", "on": "verify_ssl=True"}[verify]
        node = c.pick("pve1", "hv-01", "node-a")
        helpers = (f'PVE_HOST = "{c.pick("pve.corp.example.net", "proxmox.lab.example.org", "10.0.8.2")}"\n'
                   f'NODE = "{node}"' + (f'\nCA_BUNDLE = "{ca}"' if verify == "ca" else ""))
        auth = c.pick('token_name="automation", token_value=os.environ["PVE_TOKEN_SECRET"]',
                      'password=os.environ["PVE_PASSWORD"]')
        body = (f'pve = ProxmoxAPI(PVE_HOST, user="automation@pve", {auth}, {arg})\n'
                f"status = pve.nodes(NODE).qemu(int({x})).status.current.get()\n"
                f'result = {{"vmid": {x}, "status": status["status"], "uptime": status.get("uptime", 0)}}')
        return body, "import os\nfrom proxmoxer import ProxmoxAPI", helpers, sdk
    if sdk == "misp":
        x = _rekey(c, "indicator", "ioc", "value")
        arg = {"off": "ssl=False", "ca": "ssl=CA_BUNDLE", "on": "ssl=True"}[verify]
        helpers = (f'MISP_URL = "{c.pick("https://misp.corp.example.net", "https://misp.soc.example.org")}"'
                   + (f'\nCA_BUNDLE = "{ca}"' if verify == "ca" else ""))
        body = (f'misp = PyMISP(MISP_URL, os.environ["MISP_API_KEY"], {arg})\n'
                f'hits = misp.search(controller="attributes", value={x}, pythonify=True)\n'
                "result = sorted({a.event_id for a in hits})")
        return body, "import os\nfrom pymisp import PyMISP", helpers, sdk
    arg = {"off": "verify_ssl=False", "ca": "verify_ssl=CA_BUNDLE", "on": "verify_ssl=True"}[verify]
    helpers = (f'ATLASSIAN_URL = "{c.pick("https://jira.corp.example.net", "https://wiki.example.org", "https://atlassian.ops.example.com")}"'
               + (f'\nCA_BUNDLE = "{ca}"' if verify == "ca" else ""))
    if sdk == "jira":
        x = _rekey(c, "issue_key", "ticket")
        body = (f'jira = Jira(url=ATLASSIAN_URL, username="{c.pick("ops-bot", "release-bot", "svc_" + w)}", '
                f'password=os.environ["JIRA_API_TOKEN"], {arg})\n'
                f"issue = jira.issue({x})\n"
                'result = {"key": issue["key"], "status": issue["fields"]["status"]["name"]}')
        return body, "import os\nfrom atlassian import Jira", helpers, sdk
    x = _rekey(c, "page_title", "title")
    body = (f'wiki = Confluence(url=ATLASSIAN_URL, username="{c.pick("docs-bot", "svc_" + w)}", '
            f'password=os.environ["CONFLUENCE_TOKEN"], {arg})\n'
            f'page = wiki.get_page_by_title(space="{c.pick("OPS", "ENG", "RUN")}", title={x}, expand="version")\n'
            'result = {"id": page["id"], "version": page["version"]["number"]} if page else None')
    return body, "import os\nfrom atlassian import Confluence", helpers, sdk


@fam("tls-infra-sdk-verify-off", "CWE-295", fws=["script", "cli", "pipeline"], n=8, wrap=False)
def tls_infra_sdk(c):
    fix = c.pick("ca", "on")
    st = c.snapshot()
    vb, imp, vh, sdk = _sdk_parts(c, "off")
    c.restore(st)
    sb, _, sh, _ = _sdk_parts(c, fix)
    vb = "\n".join(l + "  #@V" if l.startswith(("gl = ", "pve = ", "misp = ", "jira = ", "wiki = ")) else l
                   for l in vb.split("\n"))
    return shell_pair(c, vb, sb, vh, sh, imports=imp,
                      notes=f"{sdk} client built with certificate verification off: anyone on the path to the server "
                            "can present any certificate, read the API token / password sent with every call and "
                            "change the answers; the fix verifies the server certificate "
                            + ("against the internal CA bundle" if fix == "ca" else "against the system trust store"))


@hardneg(3)
def tls_infra_sdk_hn(c):
    body, imp, helpers, sdk = _sdk_parts(c, c.pick("ca", "on"))
    return Spec(s=shell(c, body, Spec(helpers=helpers), imp), full=True,
                notes=f"{sdk} client with certificate verification on (system store or internal CA bundle)")


# ---------------- CWE-319: realtime clients sending a token over http:// / ws:// ----------------


def _ws_const(c, scheme_safe, host, port, path):
    """The websocket URL constant(s): a ws:// / wss:// literal, or (more often, as SDKs do) derived from the
    service's http base URL. The first line carries the scheme (the line the vulnerable twin marks)."""
    if c.pick("direct", "derived", "derived", "derived") == "direct":
        return f'FEED_URL = "{"wss" if scheme_safe else "ws"}://{host}{port}{path}"'
    return (f'API_BASE = "{"https" if scheme_safe else "http"}://{host}{port}"\n'
            f'FEED_URL = API_BASE.replace("http", "ws", 1) + "{path}"')


def _rt_parts(c, scheme_safe, local=False):
    """(helpers, body, imports, lib). ``scheme_safe``: the encrypted scheme; ``local``: a loopback
    sidecar without credentials (a look-alike)."""
    lib = c.pick("socketio", "websockets", "websocket-client", "aiohttp")
    w = c.word
    host = c.pick(f"realtime.{w}.example.com", "stream.partner-feed.example.net", f"push.{w}-cloud.example.io",
                  "events.example.org")
    if local:
        host = c.pick("127.0.0.1", "localhost")
    port = c.pick("", ":8080", ":9001") if not local else c.pick(":8765", ":9222", ":7070")
    path = c.pick("/v1/stream", "/feed", "/ws/updates", "/live")
    tokvar = c.pick("FEED_API_TOKEN", "REALTIME_TOKEN", "STREAM_KEY", "PUSH_TOKEN")
    fn = c.pick("send_update", "publish_change", "push_event", "notify_feed")
    x = c.x
    if lib == "socketio":
        scheme = "https" if scheme_safe else "http"
        const = f'SERVER_URL = "{scheme}://{host}{port}"'
        auth = "" if local else f', auth={{"token": os.environ["{tokvar}"]}}'
        helper = (f"def {fn}(value):\n"
                  "    sio = socketio.Client(reconnection=False)\n"
                  f'    sio.connect(SERVER_URL{auth}, transports=["websocket"], wait_timeout=10)\n'
                  "    try:\n"
                  f'        sio.emit("{c.pick("update", "change", "event")}", {{"{c.key}": value}})\n'
                  "    finally:\n"
                  "        sio.disconnect()\n"
                  '    return "sent"')
        body = f"result = {fn}({x})"
        imps = "import socketio" + ("" if local else "\nimport os")
    elif lib == "websockets":
        const = _ws_const(c, scheme_safe, host, port, path)
        hdr = ("" if local else
               f'    headers = {{"Authorization": "Bearer " + os.environ["{tokvar}"]}}\n')
        kw = "" if local else "additional_headers=headers, "
        helper = (f"async def {fn}(value):\n"
                  + hdr +
                  f"    async with websockets.connect(FEED_URL, {kw}open_timeout=10) as ws:\n"
                  f'        await ws.send(json.dumps({{"op": "subscribe", "{c.key}": value}}))\n'
                  "        return json.loads(await asyncio.wait_for(ws.recv(), timeout=10))")
        body = f"result = asyncio.run({fn}({x}))"
        imps = "import asyncio\nimport json\nimport websockets" + ("" if local else "\nimport os")
    elif lib == "websocket-client":
        const = _ws_const(c, scheme_safe, host, port, path)
        hdr = "" if local else f', header=["Authorization: Bearer " + os.environ["{tokvar}"]]'
        helper = (f"def {fn}(value):\n"
                  f"    ws = websocket.create_connection(FEED_URL{hdr}, timeout=10)\n"
                  "    try:\n"
                  f'        ws.send(json.dumps({{"op": "subscribe", "{c.key}": value}}))\n'
                  "        return json.loads(ws.recv())\n"
                  "    finally:\n"
                  "        ws.close()")
        body = f"result = {fn}({x})"
        imps = "import json\nimport websocket" + ("" if local else "\nimport os")
    else:
        const = _ws_const(c, scheme_safe, host, port, path)
        login = ("" if local else
                 f'            await ws.send_json({{"action": "auth", "api_key": os.environ["{tokvar}"]}})\n')
        helper = (f"async def {fn}(value):\n"
                  "    async with aiohttp.ClientSession() as session:\n"
                  "        async with session.ws_connect(FEED_URL, heartbeat=30) as ws:\n"
                  + login +
                  f'            await ws.send_json({{"action": "subscribe", "{c.key}": value}})\n'
                  "            return await ws.receive_json(timeout=10)")
        body = f"result = asyncio.run({fn}({x}))"
        imps = "import aiohttp\nimport asyncio" + ("" if local else "\nimport os")
    return const, helper, body, imps, lib


@fam("clear-realtime-client-plain-scheme", "CWE-319", fws=["script", "cli", "pipeline"],
     keys=["channel", "symbol", "device_id", "room"], n=11, wrap=False)
def clear_realtime(c):
    st = c.snapshot()
    vconst, helper, body, imps, lib = _rt_parts(c, False)
    c.restore(st)
    sconst, _, _, _, _ = _rt_parts(c, True)
    first, _, rest = vconst.partition("\n")
    vconst = first + "  #@V" + ("\n" + rest if rest else "")
    # the line that puts the token on the wire (handshake auth / header, or the auth frame) is marked too
    vhelper = "\n".join(l + "  #@V" if ("os.environ[" in l and "headers = " not in l) or "additional_headers=" in l
                         else l for l in helper.split("\n"))
    return shell_pair(c, body, body, vconst + "\n\n\n" + vhelper, sconst + "\n\n\n" + helper, imports=imps,
                      notes=f"{lib} client connects to a remote host over an unencrypted scheme "
                            "(http:// for Socket.IO, ws:// -- written out or derived from the http:// base URL -- for a "
                            "websocket) and sends the API token in the "
                            "handshake or the first frame, so anyone on the path reads and replays it; the fix "
                            "uses https:// / wss://")


@hardneg(3)
def clear_realtime_hn(c):
    local = c.pick(True, False)
    const, helper, body, imps, lib = _rt_parts(c, not local, local=local)
    note = ("a loopback sidecar (127.0.0.1 / localhost) reached without credentials: nothing leaves the host"
            if local else f"{lib} client over an encrypted scheme (https:// / wss://)")
    return Spec(s=shell(c, body, Spec(helpers=const + "\n\n\n" + helper), imps), full=True, notes=note)


# ---------------- CWE-502: websocket frames unpickled ----------------


def _ws_deser(c, safe):
    fw = c.fw
    b64 = c.pick(False, False, True) or fw == "flask"
    dec = "json.loads" if safe else "pickle.loads"
    mark = "" if safe else "  #@V"
    imp_mod = "import json" if safe else "import pickle"
    w = c.word
    var = c.pick("obj", "update", "item", "change")

    def load(expr):
        inner = f"base64.b64decode({expr})" if b64 else expr
        return f"{dec}({inner})"

    def std(*mods):
        return "\n".join(sorted({"import " + m for m in mods if m} | ({"import base64"} if b64 else set())))

    if fw == "fastapi":
        store = c.pick("BOARDS", "ROOMS", "SESSIONS")
        path = c.pick("/ws/{room_id}", "/ws/boards/{room_id}", "/live/{room_id}")
        recv = "receive_text" if b64 else "receive_bytes"
        return _joined(
            std(imp_mod[7:], "logging") + "\n\nfrom fastapi import FastAPI, WebSocket, WebSocketDisconnect",
            f'app = FastAPI()\nlog = logging.getLogger("{w}.ws")\n{store}: dict[str, list] = {{}}',
            f'''
            @app.websocket("{path}")
            async def {w}_socket(websocket: WebSocket, room_id: str):
                """Collaborative {w} editing: every client streams its changes, the server keeps them in order."""
                await websocket.accept()
                history = {store}.setdefault(room_id, [])
                try:
                    while True:
                        frame = await websocket.{recv}()  #@S
                        {var} = {load("frame")}{mark}
                        history.append({var})
                        await websocket.send_json({{"seq": len(history)}})
                except WebSocketDisconnect:
                    log.info("client left room %s", room_id)
            ''')
    if fw == "aiohttp":
        path = c.pick("/ws/telemetry", "/ws/ingest", "/stream")
        return _joined(
            std(imp_mod[7:], "logging") + "\n\nfrom aiohttp import WSMsgType, web",
            f'log = logging.getLogger("{w}.ws")\nLATEST = {{}}',
            f'''
            async def {w}_stream(request):
                """Devices push {w} readings over a websocket; the latest one per device is kept."""
                ws = web.WebSocketResponse(heartbeat=30)
                await ws.prepare(request)
                async for msg in ws:  #@S
                    if msg.type in (WSMsgType.BINARY, WSMsgType.TEXT):
                        {var} = {load("msg.data")}{mark}
                        LATEST[{var}["device"]] = {var}
                        await ws.send_json({{"ok": True}})
                    elif msg.type == WSMsgType.ERROR:
                        log.warning("websocket closed with %s", ws.exception())
                return ws
            ''',
            f'app = web.Application()\napp.router.add_get("{path}", {w}_stream)\n\n'
            'if __name__ == "__main__":\n    web.run_app(app, port=8080)')
    if fw == "flask":
        path = c.pick("/ws/cart", "/ws/queue", "/ws/sync")
        return _joined(
            std(imp_mod[7:]) + "\n\nfrom flask import Flask\nfrom flask_sock import Sock",
            "app = Flask(__name__)\nsock = Sock(app)\nPENDING = []",
            f'''
            @sock.route("{path}")
            def {w}_sync(ws):
                """Browser clients send {w} edits as base64 frames; each is queued for the writer thread."""
                while True:
                    data = ws.receive()  #@S
                    if data is None:
                        break
                    {var} = {load("data")}{mark}
                    PENDING.append({var})
                    ws.send(str(len(PENDING)))
            ''')
    port = c.pick("8765", "9000", "6789")
    return _joined(
        std(imp_mod[7:], "asyncio", "json") + "\n\nimport websockets",
        f"JOBS = asyncio.Queue()",
        f'''
        async def handler(websocket):
            """Workers anywhere on the network submit {w} jobs to this scheduler."""
            async for message in websocket:  #@S
                job = {load("message")}{mark}
                await JOBS.put(job)
                await websocket.send(json.dumps({{"queued": JOBS.qsize()}}))
        ''',
        f'''
        async def main():
            async with websockets.serve(handler, "0.0.0.0", {port}):
                await asyncio.get_running_loop().create_future()
        ''',
        'if __name__ == "__main__":\n    asyncio.run(main())')


@fam("deser-websocket-pickle-frame", "CWE-502", fws=["fastapi", "aiohttp", "flask", "script"], n=8, wrap=False)
def deser_websocket_pickle(c):
    v, s = _replayed(c, _ws_deser)
    lib = {"fastapi": "FastAPI WebSocket", "aiohttp": "aiohttp WebSocketResponse", "flask": "flask-sock",
           "script": "websockets server"}[c.fw]
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"{lib}: every frame a client sends is passed to pickle.loads, so any client that can open the "
                      "socket runs code in the server (a pickle's __reduce__ calls any callable); the fix parses JSON")


@hardneg(3)
def deser_websocket_pickle_hn(c):
    code = _ws_deser(c, True)
    return Spec(s=code, full=True, fw=c.fw, notes="websocket frames parsed as JSON, never unpickled")


# ---------------- CWE-347: Twilio / Slack webhook signature checked but only logged ----------------


def _hook(c, safe, hn=False):
    fw = c.fw
    prov = c.pick("twilio", "slack")
    form = c.pick("inline", "flag")
    log = c.pick("log", "logger")
    mark = "" if safe else "  #@V"
    w = c.word
    # framework accessors: (raw body, form mapping, header getter, absolute url, reject statement)
    if fw == "flask":
        A = dict(body="request.get_data()", form="request.form", hdr='request.headers.get("{h}", "")',
                 url="request.url", headers="request.headers", reject="abort(403)", who="request.remote_addr")
    elif fw == "django":
        A = dict(body="request.body", form="request.POST", hdr='request.headers.get("{h}", "")',
                 url="request.build_absolute_uri()", headers="request.headers",
                 reject='return HttpResponseForbidden("invalid signature")', who='request.META.get("REMOTE_ADDR")')
    else:
        A = dict(body="raw", form="fields", hdr='request.headers.get("{h}", "")', url="str(request.url)",
                 headers="request.headers", reject='raise HTTPException(status_code=403, detail="invalid signature")',
                 who="request.client.host if request.client else None")
    if prov == "twilio":
        check = f'validator.validate({A["url"]}, {A["form"]}, {A["hdr"].format(h="X-Twilio-Signature")})'
        setup = 'validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])'
        imp = "from twilio.request_validator import RequestValidator"
        what = "Twilio signature"
    else:
        check = f'verifier.is_valid_request({A["body"]}, {A["headers"]})'
        setup = 'verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])'
        imp = "from slack_sdk.signature import SignatureVerifier"
        what = "Slack signature"
    if form == "inline":
        guard = [f"if not {check}:{mark}"]
    else:
        flag = c.pick("valid", "signed", "ok")
        guard = [f"{flag} = {check}", f"if not {flag}:{mark}"]
    guard.append(f'    {log}.warning("{what} check failed (client %s)", {A["who"]}){mark}')
    if safe:
        guard.append("    " + A["reject"])
    # the action the webhook triggers
    F = A["form"]
    if prov == "twilio":
        action = c.pick("optout", "status")
        if action == "optout":
            act = [f'sender = {F}.get("From", "")',
                   f'text = {F}.get("Body", "").strip().upper()',
                   'if text in ("STOP", "UNSUBSCRIBE", "CANCEL"):',
                   "    OPTED_OUT.add(sender)",
                   'reply = "<Response/>"']
            state = "OPTED_OUT = set()"
        else:
            act = [f'DELIVERY[{F}.get("MessageSid", "")] = {F}.get("MessageStatus", "unknown")',
                   'reply = "<Response/>"']
            state = "DELIVERY = {}"
    else:
        action = c.pick("command", "command")
        act = [f'user_id = {F}.get("user_id", "")',
               f'target = {F}.get("text", "").strip()',
               f'if {F}.get("command") == "/{c.pick("deploy", "rollback", "restart")}":',
               '    JOBS.append({"by": user_id, "target": target})',
               'reply = "queued"']
        state = "JOBS = []"
    name = c.pick(f"{prov}_webhook", f"{prov}_{w}_hook", f"inbound_{prov}")
    route = c.pick(f"/hooks/{prov}", f"/{prov}/inbound", f"/webhooks/{prov}/{w}")
    if not safe:  # the state change the forged webhook still reaches
        act = [l + mark if l.lstrip().startswith(("OPTED_OUT.add(", "DELIVERY[", "JOBS.append(")) else l for l in act]
    body_lines = guard + act
    if fw == "flask":
        fn = (f'@app.route("{route}", methods=["POST"])\n'
              f"def {name}():\n"
              + "\n".join("    " + l for l in body_lines) +
              '\n    return Response(reply, mimetype="text/xml" if reply.startswith("<") else "text/plain")')
        return _joined(f"import logging\nimport os\n\nfrom flask import Flask, Response{', abort' if safe else ''}, request\n{imp}",
                       f"app = Flask(__name__)\n{log} = logging.getLogger(__name__)\n{setup}\n{state}", fn), prov
    if fw == "django":
        fn = (f"@require_POST\ndef {name}(request):\n"
              + "\n".join("    " + l for l in body_lines) +
              "\n    return HttpResponse(reply)")
        return _joined(f"import logging\nimport os\n\nfrom django.http import HttpResponse{', HttpResponseForbidden' if safe else ''}\n"
                       f"from django.urls import path\nfrom django.views.decorators.csrf import csrf_exempt\n"
                       f"from django.views.decorators.http import require_POST\n{imp}",
                       f"{log} = logging.getLogger(__name__)\n{setup}\n{state}", fn,
                       f'urlpatterns = [path("{route.lstrip("/")}/", csrf_exempt({name}))]'), prov
    pre = ["raw = await request.body()", "fields = await request.form()"]
    fn = (f'@app.post("{route}")\nasync def {name}(request: Request):\n'
          + "\n".join("    " + l for l in pre + body_lines) +
          "\n    return PlainTextResponse(reply)")
    return _joined(f"import logging\nimport os\n\nfrom fastapi import FastAPI{', HTTPException' if safe else ''}, Request\n"
                   f"from fastapi.responses import PlainTextResponse\n{imp}",
                   f"app = FastAPI()\n{log} = logging.getLogger(__name__)\n{setup}\n{state}", fn), prov


@fam("sig-saas-webhook-validator-soft-fail", "CWE-347", fws=["flask", "django", "fastapi"], n=8, wrap=False)
def sig_saas_webhook_soft_fail(c):
    st = c.snapshot()
    v, prov = _hook(c, False)
    c.restore(st)
    s, _ = _hook(c, True)
    lib = "Twilio RequestValidator.validate" if prov == "twilio" else "Slack SignatureVerifier.is_valid_request"
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"{lib} is called, but a failed check is only logged and the webhook is processed anyway, "
                      "so anyone who knows the URL forges opt-outs, delivery states or slash commands; the fix "
                      "rejects the request with 403 when the signature does not verify")


@hardneg(2)
def sig_saas_webhook_hn_checked(c):
    code, prov = _hook(c, True)
    return Spec(s=code, full=True, fw=c.fw,
                notes=f"{prov} webhook: a failed signature check is logged and the request is rejected with 403")


@hardneg(2)
def sig_saas_webhook_hn_bolt(c):
    cmd = c.pick("deploy", "rollback", "restart")
    code = _joined(
        "import os\n\nfrom flask import Flask, request\nfrom slack_bolt import App\n"
        "from slack_bolt.adapter.flask import SlackRequestHandler",
        'bolt = App(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])\n'
        "JOBS = []",
        f'''
        @bolt.command("/{cmd}")
        def {cmd}_command(ack, command):
            ack(f"{cmd.capitalize()} of {{command['text']}} queued")
            JOBS.append({{"by": command["user_id"], "target": command["text"].strip()}})
        ''',
        "flask_app = Flask(__name__)\nhandler = SlackRequestHandler(bolt)",
        f'''
        @flask_app.route("/slack/{c.pick("events", "commands")}", methods=["POST"])
        def slack_events():
            return handler.handle(request)
        ''')
    return Spec(s=code, full=True, fw="flask",
                notes="Slack Bolt App built with the signing secret verifies every request's signature and "
                      "timestamp before a listener runs")
