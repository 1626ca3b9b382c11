"""Train-only snippet families for crypto and transport labels, on libraries and shapes no other family
uses for them:

- hash-passlib-context-argon2-test-cost (916): a passlib CryptContext (or ``argon2.using``) whose argon2
  scheme keeps a test-sized cost (memory_cost of a few KiB, time_cost=1); the signup / password-change
  handler hashes with it; the fix sets production argon2 parameters;
- crypto-homemade-stream-to-secretbox (327): integration secrets stored "encrypted" with a home-made
  repeating-key XOR or a hand-written RC4 class; the fix seals them with PyNaCl's SecretBox;
- tls-httpx-transport-verify-off (295): an httpx client whose HTTPTransport / AsyncHTTPTransport (given
  directly or through ``mounts=``) has verify=False; the fix verifies against the partner CA bundle;
- clear-kombu-amqp-remote-broker (319): a kombu Connection to a remote RabbitMQ over plain ``amqp://``
  with the service credentials, publishing sensitive payloads; the fix uses ``amqps://`` / ``ssl=``;
- secret-redis-client-password-literal (798): a redis-py client (Redis, ConnectionPool, asyncio.Redis,
  Sentinel) with the password written in the source; the fix reads it from the environment;
- hash-md5-signed-partner-request (328): an outbound API client that signs its query with
  md5(sorted params + app secret); the fix signs with HMAC-SHA256.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import shell_pair, _v
from registry import WEB_FWS, fam, hardneg


# ---------------- CWE-916: passlib CryptContext with a test-sized argon2 cost ----------------


@fam("hash-passlib-context-argon2-test-cost", "CWE-916", fws=WEB_FWS,
     keys=["password", "new_password", "passphrase"], n=8)
def hash_passlib_argon2(c):
    x = c.x
    shape = c.pick("context", "context_legacy", "using")
    mem = c.pick("8", "16", "64", "256", "1024")
    tc = c.pick("1", "1", "2")
    par = c.pick("1", "2") if int(mem) >= 16 else "1"
    smem, stc, spar = c.pick(("65536", "3", "4"), ("19456", "2", "1"), ("47104", "1", "1"), ("102400", "2", "8"))
    name = c.pick("PWD_CONTEXT", "pwd_context", "PASSWORDS", "HASHER")
    src_note = c.pick("# password hashing policy for user accounts", "# argon2id via argon2-cffi", "")

    def helpers(safe):
        m, t, p = (smem, stc, spar) if safe else (mem, tc, par)
        V = _v(safe)
        note = (src_note + "\n") if src_note else ""
        if shape == "using":
            return note + f"{name} = argon2.using(memory_cost={m}, time_cost={t}, parallelism={p}){V}"
        schemes = '["argon2"]' if shape == "context" else '["argon2", "md5_crypt"]'
        dep = '"auto"' if shape == "context" else '["md5_crypt"]'
        return (note + f"{name} = CryptContext(\n"
                f"    schemes={schemes},\n"
                f"    deprecated={dep},\n"
                f"    argon2__memory_cost={m},{V}\n"
                f"    argon2__time_cost={t},\n"
                f"    argon2__parallelism={p},\n"
                ")")

    flow = c.pick("store", "rotate") if shape == "using" else c.pick("store", "rotate", "upgrade")
    acct = c.pick("account_id", "user_id", "member_id")
    minlen = c.pick("10", "12", "14")
    if flow == "store":
        body = (f"{acct} = current_account_id()\n"
                f"if len({x}) < {minlen}:\n"
                f'    result = "too short"\n'
                "else:\n"
                f"    save_password_hash({acct}, {name}.hash({x}))\n"
                f'    result = "saved"')
    elif flow == "rotate":
        body = (f"{acct} = current_account_id()\n"
                f"previous = load_password_hash({acct})\n"
                f"if previous and {name}.verify({x}, previous):\n"
                f'    result = "unchanged"\n'
                "else:\n"
                f"    save_password_hash({acct}, {name}.hash({x}))\n"
                f"    result = \"rotated\"")
    else:
        body = (f"{acct} = current_account_id()\n"
                f"ok, new_hash = {name}.verify_and_update({x}, load_password_hash({acct}))\n"
                "if ok and new_hash:\n"
                f"    save_password_hash({acct}, new_hash)\n"
                "result = ok")
    imps = ("from passlib.hash import argon2" if shape == "using" else "from passlib.context import CryptContext")
    imps += "\nfrom accounts import current_account_id, load_password_hash, save_password_hash"
    return shell_pair(c, body, body, helpers(False), helpers(True), imports=imps,
                      notes=f"passlib's argon2 is set to memory_cost={mem} KiB and time_cost={tc}: every guess costs "
                            "almost nothing, so leaked hashes fall to GPU guessing nearly as fast as a plain hash; the "
                            f"fix uses production argon2 parameters (memory_cost={smem} KiB, time_cost={stc})")


@hardneg(4)
def hash_passlib_argon2_hn(c):
    x = c.x
    shape = c.pick("default", "strong", "bcrypt")
    if shape == "default":
        helpers = 'PWD_CONTEXT = CryptContext(schemes=["argon2", "md5_crypt"], deprecated="auto")'
        note = "md5_crypt is kept only to verify old hashes (deprecated=auto rehashes them with argon2)"
    elif shape == "strong":
        helpers = ('PWD_CONTEXT = CryptContext(schemes=["argon2"], argon2__memory_cost=65536,\n'
                   '                           argon2__time_cost=3, argon2__parallelism=4)')
        note = "argon2 with 64 MiB and time_cost=3"
    else:
        helpers = 'PWD_CONTEXT = CryptContext(schemes=["bcrypt"], bcrypt__rounds=13)'
        note = "bcrypt with 2**13 rounds"
    body = ("account_id = current_account_id()\n"
            f"ok, new_hash = PWD_CONTEXT.verify_and_update({x}, load_password_hash(account_id))\n"
            "if ok and new_hash:\n"
            "    save_password_hash(account_id, new_hash)\n"
            "result = ok")
    return Spec(s=body, helpers=helpers, notes=note,
                imports="from passlib.context import CryptContext\n"
                        "from accounts import current_account_id, load_password_hash, save_password_hash")


# ---------------- CWE-327: home-made stream cipher, fixed with PyNaCl SecretBox ----------------

_RC4 = '''class ARC4Stream:
    """Small RC4 implementation, so the service needs no crypto dependency."""

    def __init__(self, key: bytes):
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) % 256
            s[i], s[j] = s[j], s[i]
        self.s, self.i, self.j = s, 0, 0

    def process(self, data: bytes) -> bytes:
        s, out = self.s, bytearray()
        for b in data:
            self.i = (self.i + 1) % 256
            self.j = (self.j + s[self.i]) % 256
            s[self.i], s[self.j] = s[self.j], s[self.i]
            out.append(b ^ s[(s[self.i] + s[self.j]) % 256])
        return bytes(out)'''


@fam("crypto-homemade-stream-to-secretbox", "CWE-327", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["webhook_secret", "refresh_token", "api_token", "bank_account"], n=8)
def crypto_homemade_secretbox(c):
    x = c.x
    shape = c.pick("cycle", "index", "rc4")
    env = c.pick("FIELD_KEY_HEX", "INTEGRATION_KEY", "VAULT_FIELD_KEY")
    load = c.pick("hex", "b64")
    if load == "b64":
        env = env.replace("_HEX", "_B64")
    key_line = (f'FIELD_KEY = bytes.fromhex(os.environ["{env}"])' if load == "hex"
                else f'FIELD_KEY = base64.b64decode(os.environ["{env}"])')
    with_open = c.pick(True, False)
    store = c.pick("save_integration_secret", "put_credential", "store_field")

    def helpers(safe):
        V = _v(safe)
        h = [key_line]
        if safe:
            h.append("_BOX = nacl.secret.SecretBox(FIELD_KEY)")
        elif shape == "rc4":
            h.append(_RC4)
        h = ["\n".join(h)]
        if safe:
            seal = "def _seal(data: bytes) -> bytes:\n    return _BOX.encrypt(data)"
            unseal = "def _unseal(blob: bytes) -> bytes:\n    return _BOX.decrypt(blob)"
        elif shape == "cycle":
            seal = ("def _seal(data: bytes) -> bytes:\n"
                    f"    return bytes(b ^ k for b, k in zip(data, itertools.cycle(FIELD_KEY))){V}")
            unseal = "def _unseal(blob: bytes) -> bytes:\n    return _seal(blob)"
        elif shape == "index":
            seal = ("def _seal(data: bytes) -> bytes:\n"
                    f"    return bytes(b ^ FIELD_KEY[i % len(FIELD_KEY)] for i, b in enumerate(data)){V}")
            unseal = "def _unseal(blob: bytes) -> bytes:\n    return _seal(blob)"
        else:
            seal = f"def _seal(data: bytes) -> bytes:\n    return ARC4Stream(FIELD_KEY).process(data){V}"
            unseal = f"def _unseal(blob: bytes) -> bytes:\n    return ARC4Stream(FIELD_KEY).process(blob){V}"
        h.append(seal)
        if with_open:
            h.append(unseal)
        return "\n\n\n".join(h)

    ref = c.pick("integration_id", "connector_id", "vendor_ref")
    if with_open:
        body = (f"{ref} = new_reference()\n"
                f"sealed = _seal({x}.encode())\n"
                f"{store}({ref}, base64.b64encode(sealed).decode())\n"
                f"assert _unseal(sealed) == {x}.encode()\n"
                f"result = {ref}")
    else:
        body = (f"{ref} = new_reference()\n"
                f"{store}({ref}, base64.b64encode(_seal({x}.encode())).decode())\n"
                f"result = {{\"id\": {ref}, \"stored\": True}}")
    imps = f"import base64\nimport os\nfrom secret_store import new_reference, {store}"
    vimps = "import itertools" if shape == "cycle" else ""
    return shell_pair(c, body, body, helpers(False), helpers(True), imports=imps, vimports=vimps,
                      simports="import nacl.secret",
                      notes=f"the {c.key.replace('_', ' ')} is stored 'encrypted' with a home-made "
                            f"{'RC4 implementation' if shape == 'rc4' else 'repeating-key XOR'}: the keystream is the same "
                            "for every record, so two stored values (or one known plaintext) give the key away and "
                            "nothing detects tampering; the fix seals it with PyNaCl's SecretBox (XSalsa20-Poly1305, "
                            "random nonce per record)")


@hardneg(4)
def crypto_homemade_secretbox_hn(c):
    x = c.x
    shape = c.pick("secretbox", "sealed", "xor_mask")
    if shape == "secretbox":
        helpers = ('FIELD_KEY = bytes.fromhex(os.environ["FIELD_KEY_HEX"])\n'
                   "_BOX = nacl.secret.SecretBox(FIELD_KEY)")
        body = (f"sealed = _BOX.encrypt({x}.encode())\n"
                "ref = new_reference()\n"
                "save_integration_secret(ref, base64.b64encode(sealed).decode())\n"
                "result = ref")
        imps = "import base64\nimport os\nimport nacl.secret\nfrom secret_store import new_reference, save_integration_secret"
        note = "SecretBox authenticated encryption with a random nonce"
    elif shape == "sealed":
        helpers = "ESCROW_KEY = nacl.public.PublicKey(bytes.fromhex(os.environ[\"ESCROW_PUBLIC_KEY\"]))"
        body = (f"sealed = nacl.public.SealedBox(ESCROW_KEY).encrypt({x}.encode())\n"
                "ref = new_reference()\n"
                "save_integration_secret(ref, base64.b64encode(sealed).decode())\n"
                "result = ref")
        imps = "import base64\nimport os\nimport nacl.public\nfrom secret_store import new_reference, save_integration_secret"
        note = "PyNaCl SealedBox to an escrow public key"
    else:
        helpers = ""
        body = (f"raw = {x}.encode()\n"
                "pad = secrets.token_bytes(len(raw))\n"
                "masked = bytes(a ^ b for a, b in zip(raw, pad))\n"
                "result = {\"share_a\": pad.hex(), \"share_b\": masked.hex()}")
        imps = "import secrets"
        note = "XOR with a fresh random pad of the same length: a two-share split, not a reused keystream"
    return Spec(s=body, helpers=helpers, imports=imps, notes=note)


# ---------------- CWE-295: httpx transport with verify=False ----------------


@fam("tls-httpx-transport-verify-off", "CWE-295", fws=["fastapi", "aiohttp", "pipeline", "cli", "script"],
     keys=["vin", "iban", "policy_no", "tax_id"], n=8, wrap=False)
def tls_httpx_transport(c):
    x = c.x
    aio = c.fw in ("fastapi", "aiohttp") and c.pick(True, True, False)
    form = c.pick("transport", "mounts")
    host = c.pick("https://api.registry-partner.example", "https://lookup.insurer.example.net",
                  "https://gateway.bank-partner.example")
    retries = c.pick("2", "3", "5")
    fix = c.pick("ca", "default")
    ca = c.pick("/etc/ssl/partner-ca.pem", "certs/partner-chain.pem")
    tcls = "httpx.AsyncHTTPTransport" if aio else "httpx.HTTPTransport"
    ccls = "httpx.AsyncClient" if aio else "httpx.Client"
    name = c.pick("PARTNER", "CLIENT", "lookup_client")

    def helpers(safe):
        V = _v(safe)
        pre = f'PARTNER_URL = "{host}"\n'
        if safe and fix == "ca":
            pre += f'PARTNER_CA = "{ca}"\n'
            vf = "verify=ssl.create_default_context(cafile=PARTNER_CA), "
        elif safe:
            vf = ""
        else:
            vf = "verify=False, "
        tr = f"{tcls}({vf}retries={retries})"
        if form == "transport":
            return pre + (f"_transport = {tr}{V}\n"
                          f"{name} = {ccls}(base_url=PARTNER_URL, transport=_transport, timeout=10.0)")
        return pre + (f"{name} = {ccls}(\n"
                      "    base_url=PARTNER_URL,\n"
                      f"    mounts={{PARTNER_URL: {tr}}},{V}\n"
                      "    timeout=10.0,\n"
                      ")")

    path = c.pick("/v2/lookup", "/v1/records/search", "/api/verify")
    aw = "await " if aio else ""
    verb = c.pick("get", "post")
    arg = f'params={{"{c.key}": {x}}}' if verb == "get" else f'json={{"{c.key}": {x}}}'
    body = (f'{c.n("resp")} = {aw}{name}.{verb}("{path}", {arg})\n'
            f'{c.n("resp")}.raise_for_status()\n'
            + c.pick(f'result = {c.n("resp")}.json()',
                     f'result = {c.n("resp")}.json().get("status", "unknown")'))
    simps = "import ssl" if fix == "ca" else ""
    return shell_pair(c, body, body, helpers(False), helpers(True), imports="import httpx", simports=simps,
                      notes=f"the httpx {'mounted ' if form == 'mounts' else ''}transport to the partner API has "
                            "verify=False: any certificate is accepted, so a man in the middle reads and alters the "
                            f"{c.key.replace('_', ' ')} lookups and their answers; the fix keeps verification "
                            f"({'against the partner CA bundle' if fix == 'ca' else 'the default'})")


@hardneg(4)
def tls_httpx_transport_hn(c):
    x = c.x
    shape = c.pick("retries", "ctx", "local")
    if shape == "retries":
        helpers = ('PARTNER = httpx.Client(base_url="https://api.registry-partner.example",\n'
                   "                       transport=httpx.HTTPTransport(retries=3), timeout=10.0)")
        note = "HTTPTransport with the default verify=True"
    elif shape == "ctx":
        helpers = ('_ctx = ssl.create_default_context(cafile="/etc/ssl/partner-ca.pem")\n'
                   'PARTNER = httpx.Client(base_url="https://api.registry-partner.example",\n'
                   "                       mounts={\"https://\": httpx.HTTPTransport(verify=_ctx, retries=2)})")
        note = "verify is an SSLContext built from the partner CA bundle"
    else:
        helpers = ('PARTNER = httpx.Client(base_url="http://127.0.0.1:8081",\n'
                   "                       transport=httpx.HTTPTransport(uds=\"/run/lookup/lookup.sock\"))")
        note = "a Unix-socket transport to a local sidecar: no TLS involved"
    body = (f'resp = PARTNER.get("/v2/lookup", params={{"{c.key}": {x}}})\n'
            "resp.raise_for_status()\n"
            "result = resp.json()")
    return Spec(s=body, helpers=helpers, imports="import httpx" + ("\nimport ssl" if shape == "ctx" else ""),
                notes=note)


# ---------------- CWE-319: kombu over plain amqp:// to a remote broker ----------------


@fam("clear-kombu-amqp-remote-broker", "CWE-319", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["card_token", "ssn", "payout_account", "diagnosis_code"], n=8)
def clear_kombu_amqp(c):
    x = c.x
    form = c.pick("url", "kwargs")
    host = c.pick("rabbit.prod.example.net", "mq-01.payments.example.com", "broker.eu-west.example.org")
    vhost = c.pick("/", "billing", "claims")
    fix = c.pick("amqps", "ssl_dict")
    user_env = c.pick("MQ_USER", "RABBIT_USER", "BROKER_USER")
    pw_env = user_env.replace("USER", "PASSWORD")
    vpath = "//" if vhost == "/" else "/" + vhost

    def helpers(safe):
        V = _v(safe)
        scheme = "amqps" if safe and fix == "amqps" else "amqp"
        port = "5671" if safe else "5672"
        extra = ""
        if safe:
            extra = (', ssl={"ca_certs": "/etc/ssl/rabbit-ca.pem", "cert_reqs": ssl.CERT_REQUIRED,\n'
                     f'                       "server_hostname": "{host}"}}')
        if form == "url":
            return (f"BROKER_URL = \"{scheme}://{{}}:{{}}@{host}:{port}{vpath}\".format({V}\n"
                    f'    quote(os.environ["{user_env}"]), quote(os.environ["{pw_env}"]))\n\n\n'
                    "def _connection():\n"
                    f"    return Connection(BROKER_URL{extra}, heartbeat=30)")
        return ("def _connection():\n"
                f'    return Connection("{scheme}://{host}:{port}{vpath}",{V}\n'
                f'                      userid=os.environ["{user_env}"],\n'
                f'                      password=os.environ["{pw_env}"]{extra})')

    queue = c.pick("payouts", "card-updates", "claims-intake")
    send = c.pick("producer", "simple")
    if send == "producer":
        body = (f'{c.n("data")} = {{"{c.key}": {x}, "ref": str(uuid.uuid4())}}\n'
                "with _connection() as conn:\n"
                '    producer = conn.Producer(serializer="json")\n'
                f'    producer.publish({c.n("data")}, exchange=EXCHANGE, routing_key="{queue}",\n'
                "                     declare=[QUEUE], retry=True)\n"
                f'result = {c.n("data")}["ref"]')
        qdef = (f'EXCHANGE = Exchange("{queue}", type="direct", durable=True)\n'
                f'QUEUE = Queue("{queue}", exchange=EXCHANGE, routing_key="{queue}")')
        kimp = "from kombu import Connection, Exchange, Queue"
    else:
        body = (f'{c.n("data")} = {{"{c.key}": {x}, "ref": str(uuid.uuid4())}}\n'
                "with _connection() as conn:\n"
                f'    q = conn.SimpleQueue("{queue}")\n'
                f"    q.put({c.n('data')})\n"
                "    q.close()\n"
                f'result = {c.n("data")}["ref"]')
        qdef = ""
        kimp = "from kombu import Connection"

    def hp(safe):
        h = helpers(safe)
        return h + ("\n\n\n" + qdef if qdef else "")

    imps = "import os\nimport uuid\n" + kimp + ("\nfrom urllib.parse import quote" if form == "url" else "")
    return shell_pair(c, body, body, hp(False), hp(True), imports=imps,
                      simports="import ssl",
                      notes=f"the kombu connection to the remote broker {host} is plain amqp:// on 5672: the broker "
                            f"credentials and every message with the {c.key.replace('_', ' ')} cross the network in "
                            "cleartext; the fix connects over TLS on 5671 (amqps:// or ssl=) with the broker CA, "
                            "CERT_REQUIRED and the server host name, since ssl=True alone verifies nothing in older "
                            "py-amqp and never checks the host name")


@hardneg(4)
def clear_kombu_amqp_hn(c):
    x = c.x
    shape = c.pick("local", "amqps", "memory")
    if shape == "local":
        helpers = ('BROKER_URL = "amqp://guest:guest@localhost:5672//"  # local development broker in docker-compose')
        note = "plain AMQP only to a broker on localhost"
    elif shape == "amqps":
        helpers = ('BROKER_URL = "amqps://{}:{}@rabbit.prod.example.net:5671//".format(\n'
                   '    quote(os.environ["MQ_USER"]), quote(os.environ["MQ_PASSWORD"]))\n'
                   'BROKER_SSL = {"ca_certs": "/etc/ssl/rabbit-ca.pem", "cert_reqs": ssl.CERT_REQUIRED,\n'
                   '              "server_hostname": "rabbit.prod.example.net"}')
        note = "amqps:// to the remote broker, verified against the broker CA with its host name"
    else:
        helpers = 'BROKER_URL = "memory://"'
        note = "kombu's in-memory transport (tests), nothing on the network"
    body = (f'{c.n("data")} = {{"{c.key}": {x}}}\n'
            + ("with Connection(BROKER_URL, ssl=BROKER_SSL) as conn:\n" if shape == "amqps"
               else "with Connection(BROKER_URL) as conn:\n")
            + '    q = conn.SimpleQueue("payouts")\n'
            f"    q.put({c.n('data')})\n"
            "    q.close()\n"
            "result = True")
    imps = "from kombu import Connection" + ("\nimport os\nimport ssl\nfrom urllib.parse import quote" if shape == "amqps" else "")
    return Spec(s=body, helpers=helpers, imports=imps, notes=note)


# ---------------- CWE-798: redis-py client with a password literal ----------------


@fam("secret-redis-client-password-literal", "CWE-798", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "script"],
     keys=["client_ip", "session_id", "api_key_id", "username"], n=8, wrap=False)
def secret_redis_password(c):
    x = c.x
    aio = c.fw in ("fastapi", "aiohttp") and c.pick(True, True, False)
    shape = "async" if aio else c.pick("client", "pool", "sentinel")
    host = c.pick("cache.prod.example.net", "redis-main.internal.example.com", "10.20.4.17")
    lit = c.pick("Rk7pQ2vLm9xZt4wB", "cache-Prod!2023", "r3dis_s3rvice_pw_88", "Zq8#Lw2vNn5sTt0e")
    env = c.pick("REDIS_PASSWORD", "CACHE_PASSWORD", "REDIS_AUTH")
    user = c.pick("", "", 'username="app", ')
    name = c.pick("cache", "rds", "store")

    def helpers(safe):
        pw = f'os.environ["{env}"]' if safe else f'"{lit}"'
        V = _v(safe)
        if shape == "client":
            return (f"{name} = redis.Redis(\n"
                    f'    host="{host}",\n'
                    "    port=6380,\n"
                    "    ssl=True,\n"
                    f"    {user}password={pw},{V}\n"
                    "    decode_responses=True,\n"
                    ")")
        if shape == "pool":
            return (f'_pool = redis.ConnectionPool(host="{host}", port=6380, db=0, {user}password={pw},{V}\n'
                    "                             connection_class=redis.SSLConnection,\n"
                    "                             max_connections=20, decode_responses=True)\n"
                    f"{name} = redis.Redis(connection_pool=_pool)")
        if shape == "sentinel":
            return ("_sentinel = Sentinel(\n"
                    f'    [("sentinel-1.{host.split(".", 1)[-1]}", 26379), ("sentinel-2.{host.split(".", 1)[-1]}", 26379)],\n'
                    "    socket_timeout=0.5,\n"
                    "    ssl=True,\n"
                    f"    password={pw},{V}\n"
                    ")\n"
                    f'{name} = _sentinel.master_for("mymaster", decode_responses=True)')
        return (f'{name} = aioredis.Redis(host="{host}", port=6380, {user}password={pw},{V}\n'
                "                        ssl=True, decode_responses=True)")

    aw = "await " if aio else ""
    use = c.pick("ratelimit", "session", "counter")
    if use == "ratelimit":
        lim = c.pick("30", "60", "120")
        body = (f'bucket = "ratelimit:" + {x}\n'
                f"hits = {aw}{name}.incr(bucket)\n"
                "if hits == 1:\n"
                f"    {aw}{name}.expire(bucket, 60)\n"
                f"result = hits <= {lim}")
    elif use == "session":
        body = (f'cached = {aw}{name}.get("sess:" + {x})\n'
                "result = json.loads(cached) if cached else None")
    else:
        body = (f'{aw}{name}.zincrby("{c.word}-views", 1, {x})\n'
                f'result = {aw}{name}.zscore("{c.word}-views", {x})')
    imps = "import os"
    if use == "session":
        imps += "\nimport json"
    if shape == "async":
        imps += "\nimport redis.asyncio as aioredis"
    elif shape == "sentinel":
        imps += "\nfrom redis.sentinel import Sentinel"
    else:
        imps += "\nimport redis"
    return shell_pair(c, body, body, helpers(False), helpers(True), imports=imps,
                      notes="the redis password is a string literal in the source: everyone with the repository, "
                            "an image layer or a crash dump can read and rewrite the cache; it cannot be rotated "
                            "without a release; the fix reads it from the environment")


@hardneg(3)
def secret_redis_password_hn(c):
    x = c.x
    shape = c.pick("env_url", "env_kw", "local")
    if shape == "env_url":
        helpers = 'cache = redis.from_url(os.environ["REDIS_URL"], decode_responses=True)'
        note = "the URL with its password comes from the environment"
    elif shape == "env_kw":
        helpers = ('cache = redis.Redis(host=os.environ.get("REDIS_HOST", "localhost"), port=6379,\n'
                   '                    password=os.environ.get("REDIS_PASSWORD"), decode_responses=True)')
        note = "password from the environment"
    else:
        helpers = 'cache = redis.Redis(unix_socket_path="/run/redis/redis.sock", decode_responses=True)'
        note = "a local Unix socket, no password in the code"
    body = (f'cached = cache.get("sess:" + {x})\n'
            "result = cached or None")
    return Spec(s=body, helpers=helpers, imports="import os\nimport redis", notes=note)


# ---------------- CWE-328: md5 request signature in an outbound API client ----------------


@fam("hash-md5-signed-partner-request", "CWE-328", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["order_no", "tracking_no", "phone", "out_trade_no"], n=8, wrap=False)
def hash_md5_signed_request(c):
    x = c.x
    aio = c.fw in ("fastapi", "aiohttp") and c.pick(True, False)
    where = c.pick("suffix", "wrapped", "key_param")
    canon = c.pick("amp", "concat")
    upper = c.pick(True, False)
    secret = c.pick("APP_SECRET", "PARTNER_SECRET", "SIGN_KEY")
    url = c.pick("https://open.logistics-partner.example/api/query", "https://api.paygate.example.com/v3/orders",
                 "https://openapi.sms-vendor.example.net/send/status")

    if canon == "amp":
        canon_line = '    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params) if params[k] != "")'
    else:
        canon_line = '    canonical = "".join(f"{k}{params[k]}" for k in sorted(params))'

    def helpers(safe):
        V = _v(safe)
        up = ".upper()" if upper else ""
        h = [f'APP_ID = os.environ["PARTNER_APP_ID"]\n{secret} = os.environ["PARTNER_APP_SECRET"]\nAPI_URL = "{url}"',
             ""]
        lines = ["def _sign(params: dict) -> str:", canon_line]
        if safe:
            lines.append(f"    return hmac.new({secret}.encode(), canonical.encode(), hashlib.sha256).hexdigest(){up}")
        elif where == "suffix":
            lines.append(f"    return hashlib.md5((canonical + {secret}).encode()).hexdigest(){up}{V}")
        elif where == "wrapped":
            lines.append(f"    return hashlib.md5(({secret} + canonical + {secret}).encode()).hexdigest(){up}{V}")
        else:
            lines.append(f'    return hashlib.md5((canonical + "&key=" + {secret}).encode("utf-8")).hexdigest(){up}{V}')
        h[1] = "\n".join(lines)
        return "\n\n\n".join(h)

    method = c.pick("get", "post")
    pre = (f'params = {{"app_id": APP_ID, "timestamp": str(int(time.time())), "{c.key}": {x}}}\n'
           'params["sign"] = _sign(params)\n')
    kw = "params=params" if method == "get" else "data=params"
    if aio:
        body = (pre + "async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:\n"
                f"    async with session.{method}(API_URL, {kw}) as {c.n('resp')}:\n"
                f"        {c.n('resp')}.raise_for_status()\n"
                f"        result = await {c.n('resp')}.json()")
        lib = "import aiohttp"
    else:
        body = (pre + f"{c.n('resp')} = httpx.{method}(API_URL, {kw}, timeout=10.0)\n"
                f"{c.n('resp')}.raise_for_status()\n"
                f"result = {c.n('resp')}.json()")
        lib = "import httpx"
    imps = f"import hashlib\nimport os\nimport time\n{lib}"
    return shell_pair(c, body, body, helpers(False), helpers(True), imports=imps, simports="import hmac",
                      notes="the partner request is signed with md5 over the sorted parameters and the app secret: "
                            "MD5 is collision-prone and md5(params + secret) (or secret + params + secret) is an ad hoc "
                            "keyed hash, not a MAC: colliding parameter strings share a signature, and one captured "
                            "request lets the secret be brute-forced at MD5 speed; the fix signs with HMAC-SHA256")


@hardneg(4)
def hash_md5_signed_request_hn(c):
    x = c.x
    shape = c.pick("reset_lookup", "etag", "hmac")
    if shape == "reset_lookup":
        body = ("raw_token = secrets.token_urlsafe(32)\n"
                "token_id = hashlib.sha1(raw_token.encode()).hexdigest()\n"
                f"store_reset_request({x}, token_id)\n"
                "send_reset_mail(raw_token)\n"
                "result = True")
        imps = "import hashlib\nimport secrets\nfrom accounts import send_reset_mail, store_reset_request"
        note = ("only the sha1 of a 256-bit random reset token is stored for lookup: the token has full entropy, "
                "so nothing can be guessed back from the digest")
    elif shape == "etag":
        body = (f"body = render_export({x}).encode()\n"
                "etag = hashlib.md5(body, usedforsecurity=False).hexdigest()\n"
                "result = {\"etag\": etag, \"size\": len(body)}")
        imps = "import hashlib\nfrom exports import render_export"
        note = "md5 as a cache validator (ETag) of public content, not for security"
    else:
        body = (f'params = {{"app_id": APP_ID, "{c.key}": {x}, "timestamp": str(int(time.time()))}}\n'
                'canonical = "&".join(f"{k}={params[k]}" for k in sorted(params))\n'
                'params["sign"] = hmac.new(APP_SECRET.encode(), canonical.encode(), hashlib.sha256).hexdigest()\n'
                "resp = httpx.get(API_URL, params=params, timeout=10.0)\n"
                "result = resp.json()")
        imps = "import hashlib\nimport hmac\nimport os\nimport time\nimport httpx"
        return Spec(s=body, imports=imps, notes="HMAC-SHA256 request signature",
                    helpers='APP_ID = os.environ["PARTNER_APP_ID"]\nAPP_SECRET = os.environ["PARTNER_APP_SECRET"]\n'
                            'API_URL = "https://open.logistics-partner.example/api/query"')
    return Spec(s=body, imports=imps, notes=note)
