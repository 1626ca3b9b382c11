"""Train-only crypto, transport and secrets families on libraries no other family uses (groups
295, 327/328/916, 347, 798): a pyOpenSSL client context with set_verify(VERIFY_NONE), RC2 (ARC2)
field encryption in PyCryptodome, argon2-cffi's PasswordHasher with a test-sized memory cost, a
websockets client given an SSL context that checks nothing, a jwcrypto JWS whose payload is read
from ``objects`` without a key, and a multiprocessing manager (a pickle endpoint) whose authkey is
written in the source. Framework labels: manager servers and clients are ``script``/``cli``/
``pipeline``; the rest use the framework shells."""
from core import Spec
from module_kit import shell_pair as _pair, _ind
from registry import hardneg, fam

TOOL_FWS = ["script", "cli", "pipeline"]


# ---------------- CWE-295: pyOpenSSL client context with VERIFY_NONE ----------------


def _ossl_send(c):
    host = c.pick(f"ledger.{c.word}-partner.com", f"edi.{c.word}.example.net", f"sync.{c.word}-hub.io")
    port = c.pick(443, 8443, 6443)
    consts = f'PEER_HOST = "{host}"\nPEER_PORT = {port}'
    proto = c.pick("line", "http")
    if proto == "line":
        send = ('conn.sendall(("AUTH " + os.environ["PEER_TOKEN"] + "\\n").encode())\n'
                'conn.sendall((json.dumps(payload) + "\\n").encode())')
    else:
        send = ('body = json.dumps(payload).encode()\n'
                'head = (\n'
                '    f"POST /v1/{c.word}s HTTP/1.1\\r\\nHost: {PEER_HOST}\\r\\n"\n'
                '    f"Authorization: Bearer {os.environ[\'PEER_TOKEN\']}\\r\\n"\n'
                '    f"Content-Type: application/json\\r\\nContent-Length: {len(body)}\\r\\n\\r\\n"\n'
                ')\n'
                'conn.sendall(head.encode() + body)')
    send = send.replace("{c.word}", c.word)
    return consts, send


@fam("tls-pyopenssl-set-verify-none", "CWE-295", fws=["script", "cli", "pipeline", "flask", "django"],
     keys=["reference", "batch_id", "amount"], n=8, wrap=False)
def tls_pyopenssl(c):
    consts, send = _ossl_send(c)
    cb = c.pick("none", "lambda", "func")
    if cb == "none":
        bad = "ctx.set_verify(SSL.VERIFY_NONE)  #@V"
        extra = ""
    elif cb == "lambda":
        bad = "ctx.set_verify(SSL.VERIFY_NONE, lambda conn, cert, errno, depth, ok: True)  #@V"
        extra = ""
    else:
        bad = "ctx.set_verify(SSL.VERIFY_NONE, _log_peer)  #@V"
        extra = ('\n\n\ndef _log_peer(conn, cert, errno, depth, ok):\n'
                 '    logging.getLogger(__name__).debug("peer cert depth=%s subject=%s", depth, cert.get_subject())\n'
                 '    return True')
    fix = c.pick("ca", "default")
    good = ("ctx.set_verify(SSL.VERIFY_PEER)\n    ctx.load_verify_locations(CA_FILE)" if fix == "ca"
            else "ctx.set_verify(SSL.VERIFY_PEER)\n    ctx.set_default_verify_paths()")
    ca = f'\nCA_FILE = "/etc/{c.word}/partner-ca.pem"' if fix == "ca" else ""

    def fn(line, check):
        return ("def send(payload: dict) -> str:\n"
                "    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)\n"
                f"    {line}\n"
                "    sock = socket.create_connection((PEER_HOST, PEER_PORT), timeout=15)\n"
                "    conn = SSL.Connection(ctx, sock)\n"
                "    conn.set_tlsext_host_name(PEER_HOST.encode())\n"
                "    conn.set_connect_state()\n"
                "    try:\n"
                "        conn.do_handshake()\n"
                + ("        verify_hostname(conn, PEER_HOST)\n" if check else "")
                + _ind(send, 8) + "\n"
                "        return conn.recv(4096).decode(errors=\"replace\").strip()\n"
                "    finally:\n"
                "        conn.shutdown()\n"
                "        conn.close()")

    hv = consts + extra + "\n\n\n" + fn(bad, False)
    hs = consts + ca + extra + "\n\n\n" + fn(good, True)
    body = f'result = send({{"{c.key}": {c.x}, "source": "{c.word}"}})'
    return _pair(c, body, body, hv, hs,
                 imports="import json\nimport logging\nimport os\nimport socket\nfrom OpenSSL import SSL",
                 simports="from service_identity.pyopenssl import verify_hostname",
                 notes="set_verify(VERIFY_NONE) makes the pyOpenSSL client accept any certificate chain (a verify "
                       "callback returning True changes nothing), so anyone on the path can present their own "
                       "certificate and read the bearer token and payload; the fix verifies the peer against a CA "
                       "(VERIFY_PEER) and checks the host name with service_identity, which pyOpenSSL does not do itself")


@hardneg(3)
def tls_pyopenssl_hn(c):
    consts, send = _ossl_send(c)
    fn = ("def send(payload: dict) -> str:\n"
          "    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)\n"
          "    ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT)\n"
          "    ctx.load_verify_locations(CA_FILE)\n"
          "    ctx.use_certificate_file(CLIENT_CERT)\n"
          "    ctx.use_privatekey_file(CLIENT_KEY)\n"
          "    sock = socket.create_connection((PEER_HOST, PEER_PORT), timeout=15)\n"
          "    conn = SSL.Connection(ctx, sock)\n"
          "    conn.set_tlsext_host_name(PEER_HOST.encode())\n"
          "    conn.set_connect_state()\n"
          "    try:\n"
          "        conn.do_handshake()\n"
          "        verify_hostname(conn, PEER_HOST)\n"
          + _ind(send, 8) + "\n"
          "        return conn.recv(4096).decode(errors=\"replace\").strip()\n"
          "    finally:\n"
          "        conn.close()")
    helpers = (consts + f'\nCA_FILE = "/etc/{c.word}/partner-ca.pem"\nCLIENT_CERT = "/etc/{c.word}/client.crt"\n'
               f'CLIENT_KEY = "/etc/{c.word}/client.key"\n\n\n' + fn)
    body = f'result = send({{"{c.key}": {c.x}}})'
    return Spec(s=body, helpers=helpers,
                imports="import json\nimport os\nimport socket\nfrom OpenSSL import SSL\n"
                        "from service_identity.pyopenssl import verify_hostname",
                notes="pyOpenSSL mTLS client: VERIFY_PEER against a pinned CA and a host-name check after the handshake")


# ---------------- CWE-327: RC2 (ARC2) field encryption in PyCryptodome ----------------


def _field(c):
    fld = c.key
    store = c.pick("sqlite", "dict")
    if store == "sqlite":
        save = (f'with sqlite3.connect(DB_PATH) as db:\n'
                f'    db.execute("INSERT INTO {c.word}_secure ({fld}_enc) VALUES (?)", (sealed,))\n'
                f'result = "stored"')
        imps = "import sqlite3"
        consts = f'DB_PATH = "{c.pick("vault.db", "/srv/" + c.word + "/secure.db")}"'
    else:
        save = f'VAULT[{c.x}[:4] + "-{fld}"] = sealed\nresult = len(VAULT)'
        imps = ""
        consts = "VAULT: dict[str, str] = {}"
    return fld, save, imps, consts


@fam("crypto-pycryptodome-arc2-cbc", "CWE-327", fws=["flask", "django", "fastapi", "script", "pipeline"],
     keys=["tax_id", "iban", "account_number"], n=8)
def crypto_arc2(c):
    fld, save, imps, consts = _field(c)
    keyl = c.pick("FIELD_KEY", "ENC_KEY")
    ekl = c.pick("", ", effective_keylen=128", ", effective_keylen=64")
    key = f'{keyl} = bytes.fromhex(os.environ["{keyl}_HEX"])  # 16 bytes'
    hv = (f"{consts}\n{key}\n\n\n"
          "def seal(value: str) -> str:\n"
          "    iv = get_random_bytes(ARC2.block_size)\n"
          f"    cipher = ARC2.new({keyl}, ARC2.MODE_CBC, iv=iv{ekl})  #@V\n"
          "    ct = cipher.encrypt(pad(value.encode(), ARC2.block_size))\n"
          "    return base64.b64encode(iv + ct).decode()")
    hs = (f"{consts}\n{key}\n\n\n"
          "def seal(value: str) -> str:\n"
          "    nonce = get_random_bytes(12)\n"
          f"    cipher = AES.new({keyl}, AES.MODE_GCM, nonce=nonce)\n"
          "    ct, tag = cipher.encrypt_and_digest(value.encode())\n"
          "    return base64.b64encode(nonce + tag + ct).decode()")
    body = f"sealed = seal({c.x})\n" + save
    return _pair(c, body, body, hv, hs,
                 imports="import base64\nimport os\n" + imps + "\nfrom Crypto.Random import get_random_bytes",
                 vimports="from Crypto.Cipher import ARC2\nfrom Crypto.Util.Padding import pad",
                 simports="from Crypto.Cipher import AES",
                 notes=f"the {fld} is encrypted with RC2 (ARC2), a 64-bit-block cipher from the 1980s with related-key "
                       "attacks and birthday-bound limits, and CBC without a MAC lets the ciphertext be altered; the fix "
                       "encrypts with AES-GCM under the same 16-byte key")


@hardneg(3)
def crypto_arc2_hn(c):
    fld, save, imps, consts = _field(c)
    helpers = (f'{consts}\nFIELD_KEY = bytes.fromhex(os.environ["FIELD_KEY_HEX"])\n\n\n'
               "def seal(value: str) -> str:\n"
               "    cipher = AES.new(FIELD_KEY, AES.MODE_GCM)\n"
               "    ct, tag = cipher.encrypt_and_digest(value.encode())\n"
               "    return base64.b64encode(cipher.nonce + tag + ct).decode()")
    body = f"sealed = seal({c.x})\n" + save
    return Spec(s=body, helpers=helpers, imports="import base64\nimport os\n" + imps + "\nfrom Crypto.Cipher import AES",
                notes=f"{fld} sealed with AES-GCM and a fresh nonce per value")


# ---------------- CWE-916: argon2-cffi with a test-sized memory cost ----------------


def _account(c, x):
    shape = c.pick("sqlite", "orm")
    if shape == "sqlite":
        return ("import sqlite3",
                f'with sqlite3.connect("{c.pick("accounts.db", "/srv/app/users.db")}") as db:\n'
                f'    db.execute("UPDATE users SET pw_hash = ? WHERE email = ?", ({c.n("digest")}, email))\n'
                f'result = "ok"')
    return ("from app.models import User",
            f'User.update_password(email, {c.n("digest")})\nresult = "ok"')


@fam("hash-argon2-cffi-low-memory-cost", "CWE-916", fws=["cli", "script"],
     keys=["password", "new_password"], n=8)
def hash_argon2(c):
    x, d = c.x, c.n("digest")
    imp, save = _account(c, x)
    t = c.pick(1, 2)
    m = c.pick(16, 64, 512, 1024, 4096)
    p = c.pick(1, 2)
    shape = c.pick("ctor", "multiline", "lowlevel")
    email = c.pick('email = os.environ.get("ACCOUNT_EMAIL", "admin@localhost")',
                   'email = os.environ["RESET_EMAIL"].strip().lower()')
    if shape == "ctor":
        hv = f"PH = PasswordHasher(time_cost={t}, memory_cost={m}, parallelism={p})  #@V"
        hs = "PH = PasswordHasher()"
        line = f"{d} = PH.hash({x})"
        imps = "from argon2 import PasswordHasher"
    elif shape == "multiline":
        hv = ("PH = PasswordHasher(\n"
              f"    time_cost={t},\n"
              f"    memory_cost={m},  # KiB  #@V\n"
              f"    parallelism={p},\n"
              "    hash_len=32,\n"
              ")")
        hs = ("PH = PasswordHasher(\n"
              "    time_cost=3,\n"
              "    memory_cost=65536,  # KiB\n"
              "    parallelism=4,\n"
              "    hash_len=32,\n"
              ")")
        line = f"{d} = PH.hash({x})"
        imps = "from argon2 import PasswordHasher"
    else:
        hv = (f"def hash_password(pw: str) -> str:\n"
              "    salt = os.urandom(16)\n"
              "    return hash_secret(\n"
              f"        pw.encode(), salt, time_cost={t}, memory_cost={m}, parallelism={p}, hash_len=32, type=Type.ID  #@V\n"
              "    ).decode()")
        hs = (f"def hash_password(pw: str) -> str:\n"
              "    salt = os.urandom(16)\n"
              "    return hash_secret(\n"
              "        pw.encode(), salt, time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, type=Type.ID\n"
              "    ).decode()")
        line = f"{d} = hash_password({x})"
        imps = "from argon2.low_level import Type, hash_secret"
    body = f"{email}\n{line}\n{save}"
    return _pair(c, body, body, hv, hs, imports="import os\n" + imp + "\n" + imps,
                 notes=f"argon2's memory_cost is in KiB: {m} KiB with time_cost={t} makes each guess cost almost "
                       "nothing, so a GPU tests leaked hashes at a fast-hash rate; the fix uses argon2-cffi's "
                       "RFC 9106 low-memory defaults (time_cost=3, 64 MiB, parallelism=4)")


@hardneg(3)
def hash_argon2_hn(c):
    x, d = c.x, c.n("digest")
    imp, save = _account(c, x)
    shape = c.pick("default", "profile")
    hs = ("PH = PasswordHasher()" if shape == "default"
          else "PH = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)")
    imps = "from argon2 import PasswordHasher" + ("" if shape == "default" else "\nfrom argon2.profiles import RFC_9106_LOW_MEMORY")
    body = (f'email = os.environ["RESET_EMAIL"].strip().lower()\n'
            f"{d} = PH.hash({x})\n"
            f"if PH.check_needs_rehash({d}):\n"
            f'    raise RuntimeError("hasher parameters changed")\n' + save)
    return Spec(s=body, helpers=hs, imports="import os\n" + imp + "\n" + imps,
                notes="argon2-cffi PasswordHasher with its RFC 9106 defaults (64 MiB, time_cost=3)")


# ---------------- CWE-295: websockets client with an SSL context that checks nothing ----------------


_ASYNC = ("aiohttp", "fastapi")


def _ws_push(c, ctx_expr):
    return ("async def push(event: dict) -> str:\n"
            f"    async with websockets.connect(\n"
            f"        FEED_URL,\n"
            f"        ssl={ctx_expr},\n"
            '        additional_headers={"Authorization": "Bearer " + os.environ["FEED_TOKEN"]},\n'
            "        open_timeout=10,\n"
            "    ) as ws:\n"
            "        await ws.send(json.dumps(event))\n"
            "        return await asyncio.wait_for(ws.recv(), timeout=10)")


@fam("tls-websockets-client-cert-none", "CWE-295", fws=["aiohttp", "fastapi", "script", "cli", "pipeline"],
     keys=["symbol", "status", "device_id"], n=8, wrap=False)
def tls_websockets_client(c):
    url = c.pick(f"wss://stream.{c.word}-feeds.com/v2/ingest", f"wss://ws.{c.word}.example.net/events",
                 f"wss://push.{c.word}-hub.io/socket")
    consts = f'FEED_URL = "{url}"'
    shape = c.pick("module", "local", "unverified")
    fix = c.pick("default", "cafile")
    ca = f'\nCA_FILE = "/etc/ssl/certs/{c.word}-feed-ca.pem"' if fix == "cafile" else ""
    good = "ssl.create_default_context()" if fix == "default" else "ssl.create_default_context(cafile=CA_FILE)"
    if shape == "module":
        hv = (consts + "\n\nTLS_CTX = ssl.create_default_context()\nTLS_CTX.check_hostname = False  #@V\n"
              "TLS_CTX.verify_mode = ssl.CERT_NONE  #@V\n\n\n" + _ws_push(c, "TLS_CTX"))
        hs = consts + ca + f"\n\nTLS_CTX = {good}\n\n\n" + _ws_push(c, "TLS_CTX")
    elif shape == "local":
        fnv = _ws_push(c, "ctx").split("\n")
        fns = list(fnv)
        fnv[1:1] = ["    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)", "    ctx.check_hostname = False  #@V",
                    "    ctx.verify_mode = ssl.CERT_NONE  #@V"]
        fns[1:1] = ["    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)",
                    "    ctx.load_verify_locations(cafile=CA_FILE)" if fix == "cafile" else "    ctx.load_default_certs()"]
        hv = consts + "\n\n\n" + "\n".join(fnv)
        hs = consts + ca + "\n\n\n" + "\n".join(fns)
    else:
        hv = consts + "\n\nTLS_CTX = ssl._create_unverified_context()  #@V\n\n\n" + _ws_push(c, "TLS_CTX")
        hs = consts + ca + f"\n\nTLS_CTX = {good}\n\n\n" + _ws_push(c, "TLS_CTX")
    rec = f'{{"{c.key}": {c.x}, "source": "{c.word}", "ts": time.time()}}'
    call = f"await push({rec})" if c.fw in _ASYNC else f"asyncio.run(push({rec}))"
    body = f"result = {call}"
    return _pair(c, body, body, hv, hs, imports="import asyncio\nimport json\nimport os\nimport ssl\nimport time\nimport websockets",
                 notes="the SSL context handed to websockets.connect checks neither the certificate chain nor the "
                       "host name, so whoever intercepts the wss:// connection gets the bearer token and the events; "
                       "the fix passes a verifying context (system or pinned CA)")


@hardneg(3)
def tls_websockets_client_hn(c):
    url = f"wss://stream.{c.word}-feeds.com/v2/ingest"
    shape = c.pick("ca", "plain")
    if shape == "ca":
        helpers = (f'FEED_URL = "{url}"\nCA_FILE = "/etc/ssl/certs/{c.word}-feed-ca.pem"\n\n'
                   "TLS_CTX = ssl.create_default_context(cafile=CA_FILE)\n"
                   "TLS_CTX.minimum_version = ssl.TLSVersion.TLSv1_2\n\n\n" + _ws_push(c, "TLS_CTX"))
    else:
        helpers = (f'FEED_URL = "{url}"\n\nTLS_CTX = ssl.create_default_context()\n'
                   "TLS_CTX.check_hostname = True\nTLS_CTX.verify_mode = ssl.CERT_REQUIRED\n\n\n" + _ws_push(c, "TLS_CTX"))
    rec = f'{{"{c.key}": {c.x}, "ts": time.time()}}'
    call = f"await push({rec})" if c.fw in _ASYNC else f"asyncio.run(push({rec}))"
    return Spec(s=f"result = {call}", helpers=helpers,
                imports="import asyncio\nimport json\nimport os\nimport ssl\nimport time\nimport websockets",
                notes="websockets client with a verifying SSL context (chain and host name checked)")


# ---------------- CWE-347: jwcrypto JWS payload read without verification ----------------


def _jws_consts(c):
    iss = c.pick("billing", "partner", "idp", "licensing")
    path = c.pick(f"/etc/{c.word}/{iss}-signing.pub.pem", f"keys/{iss}_public.pem")
    return iss, f'with open("{path}", "rb") as _fh:\n    ISSUER_KEY = jwk.JWK.from_pem(_fh.read())'


@fam("sig-jwcrypto-jws-objects-payload", "CWE-347", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["token", "signed_event", "assertion"], n=8)
def sig_jwcrypto(c):
    iss, keyload = _jws_consts(c)
    algs = c.pick('["RS256"]', '["ES256"]', '["RS256", "PS256"]')
    hv = (keyload + "\n\n\n"
          "def read_claims(raw: str) -> dict:\n"
          "    token = jws.JWS()\n"
          "    token.deserialize(raw)  #@V\n"
          '    return json.loads(token.objects["payload"])  #@V')
    hs = (keyload + "\n\n\n"
          "def read_claims(raw: str) -> dict:\n"
          f"    token = jws.JWS()\n    token.allowed_algs = {algs}\n"
          "    token.deserialize(raw, key=ISSUER_KEY)\n"
          "    return json.loads(token.payload)")
    act = c.pick("credit", "status", "grant")
    if act == "credit":
        tail = 'result = {"account": claims["sub"], "credited": int(claims["amount_cents"])}'
    elif act == "status":
        tail = 'result = {"order": claims["order_id"], "status": claims.get("status", "unknown")}'
    else:
        tail = 'result = {"user": claims["sub"], "plan": claims.get("plan", "free"), "seats": claims.get("seats", 1)}'
    body = (f"claims = read_claims({c.x})\n"
            f'if claims.get("iss") != "{iss}":\n    raise ValueError("unexpected issuer")\n' + tail)
    return _pair(c, body, body, hv, hs, imports="import json\nfrom jwcrypto import jwk, jws",
                 notes="jwcrypto only checks a JWS signature when deserialize() gets a key; without it the payload "
                       "is still decoded into token.objects, so a token signed with any key (or alg none) is trusted; "
                       "the fix verifies against the issuer's public key and reads token.payload")


@hardneg(3)
def sig_jwcrypto_hn(c):
    iss, keyload = _jws_consts(c)
    shape = c.pick("jws", "jwt")
    if shape == "jws":
        fn = ("def read_claims(raw: str) -> dict:\n"
              "    token = jws.JWS()\n"
              "    token.deserialize(raw, key=ISSUER_KEY)\n"
              "    return json.loads(token.payload)")
    else:
        fn = ("def read_claims(raw: str) -> dict:\n"
              f'    tok = jwt.JWT(jwt=raw, key=ISSUER_KEY, check_claims={{"iss": "{iss}", "exp": None}})\n'
              "    return json.loads(tok.claims)")
    body = f'claims = read_claims({c.x})\nresult = {{"sub": claims["sub"], "scope": claims.get("scope", "")}}'
    return Spec(s=body, helpers=keyload + "\n\n\n" + fn, imports="import json\nfrom jwcrypto import jwk, jws, jwt",
                notes="jwcrypto token verified with the issuer key before its payload is used")


# ---------------- CWE-798: multiprocessing manager with a literal authkey ----------------


@fam("secret-mp-manager-authkey-literal", "CWE-798", fws=TOOL_FWS, keys=["job", "scene", "task_spec"], n=8, wrap=False)
def secret_mp_manager(c):
    lit = c.pick("render-farm-2023", "abracadabra", f"{c.word}-queue-key", "s3cr3t-jobs", f"{c.word}Q!2024")
    port = c.pick(50000, 50505, 6001)
    side = c.pick("client", "server")
    envk = c.pick("JOBQ_AUTHKEY", "MANAGER_AUTHKEY")
    good = c.pick(f'os.environ["{envk}"].encode()', f'bytes.fromhex(os.environ["{envk}"])')
    reg = c.pick("get_queue", "jobs")
    if side == "client":
        host = c.pick(f"queue.{c.word}.internal", "10.0.4.12", f"{c.word}-broker")

        def h(auth):
            return (f'QUEUE_ADDR = ("{host}", {port})\n\n\n'
                    "class QueueManager(BaseManager):\n    pass\n\n\n"
                    f'QueueManager.register("{reg}")\n\n\n'
                    "def enqueue(job: dict) -> int:\n"
                    f"    mgr = QueueManager(address=QUEUE_ADDR, authkey={auth})\n"
                    "    mgr.connect()\n"
                    f"    q = mgr.{reg}()\n"
                    "    q.put(job)\n"
                    "    return q.qsize()")
        hv = h(f'b"{lit}"').replace(f'b"{lit}")', f'b"{lit}")  #@V')
        hs = h(good)
        body = f'result = enqueue({{"{c.key}": {c.x}, "submitted": time.time()}})'
        tstr = "the client"
    else:
        bind = c.pick('"0.0.0.0"', '""')

        def h(auth):
            return ("JOBS: queue.Queue = queue.Queue()\n\n\n"
                    "class QueueManager(BaseManager):\n    pass\n\n\n"
                    f'QueueManager.register("{reg}", callable=lambda: JOBS)\n\n\n'
                    "def serve() -> None:\n"
                    f"    mgr = QueueManager(address=({bind}, {port}), authkey={auth})\n"
                    "    server = mgr.get_server()\n"
                    '    logging.info("job queue listening on %s", server.address)\n'
                    "    server.serve_forever()")
        hv = h(f'b"{lit}"').replace(f'b"{lit}")', f'b"{lit}")  #@V')
        hs = h(good)
        body = (f'JOBS.put({{"{c.key}": {c.x}, "submitted": time.time()}})\n'
                "threading.Thread(target=serve, daemon=True).start()\n"
                "JOBS.join()  # the render workers call task_done() through the proxy\n"
                'result = "done"')
        tstr = "the server"
    imps = "import logging\nimport os\nimport queue\nimport threading\nimport time\nfrom multiprocessing.managers import BaseManager"
    return _pair(c, body, body, hv, hs, imports=imps,
                 notes=f"{tstr} of a multiprocessing manager uses an authkey written in the source; the manager "
                       "protocol unpickles every request once the HMAC challenge passes, so anyone who reads the code "
                       "can connect to the queue and run code in the server; the fix reads the key from the environment")


@hardneg(3)
def secret_mp_manager_hn(c):
    envk = c.pick("JOBQ_AUTHKEY", "MANAGER_AUTHKEY")
    helpers = ("class QueueManager(BaseManager):\n    pass\n\n\n"
               'QueueManager.register("get_queue")\n\n\n'
               "def enqueue(job: dict) -> int:\n"
               f'    mgr = QueueManager(address=("127.0.0.1", {c.pick(50000, 6001)}), authkey=os.environ["{envk}"].encode())\n'
               "    mgr.connect()\n"
               "    q = mgr.get_queue()\n"
               "    q.put(job)\n"
               "    return q.qsize()")
    body = f'result = enqueue({{"{c.key}": {c.x}, "submitted": time.time()}})'
    return Spec(s=body, helpers=helpers, imports="import os\nimport time\nfrom multiprocessing.managers import BaseManager",
                notes="multiprocessing manager client whose authkey comes from the environment")
