"""Train-only crypto and secrets families (added after the splits were fixed; see WRITING.md).

327/328/916: legacy ciphers from cryptography's decrepit module, weak-hash certificate pins,
fast hashes used as a passphrase KDF. 295: certificate checks switched off in websocket-client,
ldap3 and Celery broker TLS. 330/338: random.randbytes data keys, numpy voucher codes, pid/clock
session ids. 347: unverified PyNaCl envelopes, Stripe events built without the signature check,
ignored ECDSA verification results. 798: literal passwords in SQLAlchemy URL.create, Kafka SASL
and seeded admin accounts. 319: card data to a payment API, Odoo XML-RPC and SOAP (zeep) over
plain http.
"""
from core import Spec, dedent, shell
from module_kit import shell_pair as _pair
from registry import hardneg, fam, WEB_FWS


# ---------------- CWE-327 / 328 / 916 ----------------


@fam("crypto-decrepit-cipher-cookie", "CWE-327", fws=WEB_FWS + ["pipeline"], keys=["preferences", "cart_state", "draft"], n=8)
def crypto_decrepit(c):
    x = c.x
    algo = c.pick("ARC4", "CAST5", "IDEA")
    blob = c.pick("blob", "sealed", "ciphertext", "packed")
    if algo == "ARC4":
        v = f"""
            enc = Cipher(algorithms.ARC4(STATE_KEY), mode=None).encryptor()  #@V
            {blob} = enc.update({x}.encode()) + enc.finalize()
            result = base64.urlsafe_b64encode({blob}).decode()
        """
        vimports = "from cryptography.hazmat.decrepit.ciphers import algorithms\nfrom cryptography.hazmat.primitives.ciphers import Cipher"
    else:
        v = f"""
            iv = os.urandom(8)
            padder = padding.PKCS7(64).padder()
            data = padder.update({x}.encode()) + padder.finalize()
            enc = Cipher(algorithms.{algo}(STATE_KEY[:16]), modes.CBC(iv)).encryptor()  #@V
            {blob} = iv + enc.update(data) + enc.finalize()
            result = base64.urlsafe_b64encode({blob}).decode()
        """
        vimports = ("from cryptography.hazmat.decrepit.ciphers import algorithms\nfrom cryptography.hazmat.primitives import padding\n"
                    "from cryptography.hazmat.primitives.ciphers import Cipher, modes")
    s = f"""
        nonce = os.urandom(12)
        {blob} = nonce + AESGCM(STATE_KEY).encrypt(nonce, {x}.encode(), None)
        result = base64.urlsafe_b64encode({blob}).decode()
    """
    return Spec(v=v, s=s, imports="import base64\nimport os", vimports=vimports,
                simports="from cryptography.hazmat.primitives.ciphers.aead import AESGCM",
                helpers=f'STATE_KEY = bytes.fromhex(os.environ["{c.word.upper()}_STATE_KEY"])',
                notes=f"{algo} is a broken/legacy cipher (decrepit module), and the blob has no integrity protection")


@hardneg(4)
def crypto_decrepit_hn(c):
    x = c.x
    s = f"""
        iv = os.urandom(12)
        enc = Cipher(algorithms.AES(STATE_KEY), modes.GCM(iv)).encryptor()
        sealed = iv + enc.update({x}.encode()) + enc.finalize() + enc.tag
        result = base64.urlsafe_b64encode(sealed).decode()
    """
    return Spec(s=s, imports="import base64\nimport os\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes",
                helpers=f'STATE_KEY = bytes.fromhex(os.environ["{c.word.upper()}_STATE_KEY"])',
                notes="low-level Cipher() API, but AES in GCM mode with a fresh nonce")


@fam("hash-sha1-cert-pin", "CWE-328", fws=["script", "cli", "pipeline", "flask"], keys=["entry", "batch"], n=8)
def hash_cert_pin(c):
    x = c.x
    algo = c.pick("sha1", "sha1", "md5")
    fp = c.pick("fp", "fingerprint", "cert_fp", "peer_fp")
    port = c.pick("7443", "9443", "8443")
    cmp_v, cmp_s = c.pick(
        (f'if not hmac.compare_digest({fp}, PINS["{algo}"]):', f'if not hmac.compare_digest({fp}, PINS["sha256"]):'),
        (f'if {fp} != PINS["{algo}"]:', f'if {fp} != PINS["sha256"]:'),
    )
    body = """
        ctx = ssl.create_default_context()
        with socket.create_connection((LEDGER_HOST, {port}), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname=LEDGER_HOST) as tls:
                der = tls.getpeercert(binary_form=True)
                {fp} = hashlib.{algo}(der).hexdigest(){mark}
                {cmp}
                    raise ssl.SSLError("ledger certificate does not match the pinned fingerprint")
                tls.sendall(json.dumps({{"entry": {x}}}).encode() + b"\\n")
                result = tls.recv(256).decode()
    """
    v = body.format(port=port, fp=fp, algo=algo, mark="  #@V", cmp=cmp_v, x=x)
    s = body.format(port=port, fp=fp, algo="sha256", mark="", cmp=cmp_s, x=x)
    helpers = f'LEDGER_HOST = "ledger.{c.word}.example.net"\nPINS = json.load(open("/etc/{c.word}/ledger-pins.json"))'
    imports = "import hashlib\nimport json\nimport socket\nimport ssl" + ("\nimport hmac" if "compare_digest" in cmp_v else "")
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes=f"certificate pin compared on a {algo} fingerprint (collision-prone hash)")


@hardneg(3)
def hash_cert_pin_hn(c):
    x = c.x
    s = f"""
        ctx = ssl.create_default_context()
        with socket.create_connection((LEDGER_HOST, 7443), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname=LEDGER_HOST) as tls:
                der = tls.getpeercert(binary_form=True)
                if not hmac.compare_digest(hashlib.sha256(der).hexdigest(), PINS["sha256"]):
                    raise ssl.SSLError("ledger certificate does not match the pinned fingerprint")
                log.info("connected to %s, legacy sha1 fingerprint %s (display only)", LEDGER_HOST, hashlib.sha1(der).hexdigest())
                tls.sendall(json.dumps({{"entry": {x}}}).encode() + b"\\n")
                result = tls.recv(256).decode()
    """
    helpers = (f'LEDGER_HOST = "ledger.{c.word}.example.net"\nPINS = json.load(open("/etc/{c.word}/ledger-pins.json"))\n'
               'log = logging.getLogger("ledger")')
    return Spec(s=s, imports="import hashlib\nimport hmac\nimport json\nimport logging\nimport socket\nimport ssl", helpers=helpers,
                notes="the pin is checked on sha256; sha1 is only printed for operators")


@fam("kdf-fast-hash-passphrase", "CWE-916", fws=["script", "cli", "pipeline", "flask", "fastapi"], keys=["passphrase"], n=8)
def kdf_fast_hash(c):
    x = c.x
    d = c.n("data")
    kdf = c.pick(
        f"hashlib.sha256({x}.encode()).digest()",
        f"hashlib.md5({x}.encode()).hexdigest().encode()",
        f"hashlib.sha512(b\"{c.word}-export\" + {x}.encode()).digest()[:32]",
        f"hashlib.sha1({x}.encode()).hexdigest()[:32].encode()",
    )
    v = f"""
        {d} = EXPORT_PATH.read_bytes()
        key = {kdf}  #@V
        nonce = os.urandom(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, {d}, None)
        out = EXPORT_PATH.with_suffix(".enc")
        out.write_bytes(sealed)
        result = out.name
    """
    s = f"""
        {d} = EXPORT_PATH.read_bytes()
        salt = os.urandom(16)
        key = hashlib.scrypt({x}.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
        nonce = os.urandom(12)
        sealed = salt + nonce + AESGCM(key).encrypt(nonce, {d}, None)
        out = EXPORT_PATH.with_suffix(".enc")
        out.write_bytes(sealed)
        result = out.name
    """
    return Spec(v=v, s=s, imports="import hashlib\nimport os\nimport pathlib\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM",
                helpers=f'EXPORT_PATH = pathlib.Path(os.environ.get("EXPORT_PATH", "exports/{c.word}s.csv"))',
                notes="encryption key derived from a passphrase with one fast hash, no salt or work factor")


@hardneg(4)
def kdf_fast_hash_hn(c):
    if c.pick(True, False):
        c.key = c.x = c.pick("api_token", "access_token")
        s = f"""
            digest = hashlib.sha256({c.x}.encode()).hexdigest()  # tokens are 256-bit random values, a fast hash is enough
            result = API_TOKENS.get(digest)
        """
        return Spec(s=s, imports="import hashlib", helpers="API_TOKENS = {}", notes="fast hash of a high-entropy random token, not of a password")
    x = c.x
    s = f"""
        salt = os.urandom(16)
        key = hashlib.pbkdf2_hmac("sha256", {x}.encode(), salt, 600_000)
        result = (salt + key).hex()
    """
    return Spec(s=s, imports="import hashlib\nimport os", notes="PBKDF2 with a random salt and 600k iterations")


# ---------------- CWE-295 certificate validation ----------------


@fam("tls-websocket-sslopt-none", "CWE-295", fws=["script", "cli", "pipeline"], keys=["channel", "symbol"], n=8)
def tls_websocket(c):
    x = c.x
    bad = c.pick('{"cert_reqs": ssl.CERT_NONE}', '{"cert_reqs": ssl.CERT_NONE, "check_hostname": False}')
    good = c.pick('{"cert_reqs": ssl.CERT_REQUIRED}', '{"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": certifi.where()}')
    if c.pick("conn", "app") == "conn":
        body = """
            ws = websocket.create_connection(
                FEED_URL,
                sslopt={opt},{mark}
                timeout=10,
            )
            try:
                ws.send(json.dumps({{"op": "subscribe", "channel": {x}}}))
                result = json.loads(ws.recv())
            finally:
                ws.close()
        """
    else:
        body = """
            received = []
            feed = websocket.WebSocketApp(
                FEED_URL,
                on_open=lambda ws: ws.send(json.dumps({{"op": "subscribe", "channel": {x}}})),
                on_message=lambda ws, msg: (received.append(msg), ws.close()),
            )
            feed.run_forever(sslopt={opt}){mark}
            result = received[:1]
        """
    v = body.format(opt=bad, mark="  #@V", x=x)
    s = body.format(opt=good, mark="", x=x)
    return Spec(v=v, s=s, imports="import json\nimport ssl\nimport websocket", simports="import certifi" if "certifi" in good else "",
                helpers=f'FEED_URL = "wss://stream.{c.word}.example.com/v1/ws"',
                notes="websocket-client told not to verify the server certificate")


@hardneg(3)
def tls_websocket_hn(c):
    s = f"""
        ws = websocket.create_connection(
            FEED_URL,
            sslopt={{"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": "/etc/ssl/certs/{c.word}-feed-ca.pem"}},
            timeout=10,
        )
        ws.send(json.dumps({{"op": "subscribe", "channel": {c.x}}}))
        result = json.loads(ws.recv())
        ws.close()
    """
    return Spec(s=s, imports="import json\nimport ssl\nimport websocket", helpers=f'FEED_URL = "wss://stream.{c.word}.internal/v1/ws"',
                notes="sslopt pins verification to a private CA bundle")


@fam("tls-ldap3-validate-none", "CWE-295", fws=WEB_FWS + ["cli"], keys=["username", "uid"], n=8)
def tls_ldap3(c):
    x = c.x
    flt = c.fmt("(uid={})", f"escape_filter_chars({x})")
    bad = c.pick("Tls(validate=ssl.CERT_NONE)", "Tls(validate=ssl.CERT_NONE, ca_certs_file=None)")
    good = c.pick('Tls(validate=ssl.CERT_REQUIRED, ca_certs_file="/etc/ssl/certs/corp-ldap-ca.pem")', "Tls(validate=ssl.CERT_REQUIRED)")
    starttls = c.pick(True, False)
    if starttls:
        conn_lines = """server = Server(LDAP_HOST, port=389, tls=tls)
        conn = Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PASSWORD"], auto_bind=AUTO_BIND_TLS_BEFORE_BIND)"""
        imp = "from ldap3 import AUTO_BIND_TLS_BEFORE_BIND, Connection, Server, Tls"
    else:
        conn_lines = """server = Server(LDAP_HOST, port=636, use_ssl=True, tls=tls)
        conn = Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PASSWORD"], auto_bind=True)"""
        imp = "from ldap3 import Connection, Server, Tls"
    body = """
        tls = {tls}{mark}
        {conn_lines}
        conn.search(BASE_DN, {flt}, attributes=["cn", "mail", "telephoneNumber"])
        result = [e.entry_attributes_as_dict for e in conn.entries]
        conn.unbind()
    """
    v = body.format(tls=bad, mark="  #@V", conn_lines=conn_lines, flt=flt)
    s = body.format(tls=good, mark="", conn_lines=conn_lines, flt=flt)
    helpers = f'LDAP_HOST = "ldap.{c.word}.corp.example"\nBASE_DN = "ou=people,dc=corp,dc=example"\nBIND_DN = "cn=svc-{c.word},ou=services,dc=corp,dc=example"'
    return Spec(v=v, s=s, imports=f"import os\nimport ssl\n{imp}\nfrom ldap3.utils.conv import escape_filter_chars", helpers=helpers,
                notes="LDAPS/StartTLS without certificate validation: the bind password goes to whoever answers")


@hardneg(3)
def tls_ldap3_hn(c):
    x = c.x
    s = f"""
        tls = Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file="/etc/ssl/certs/corp-ldap-ca.pem",
            local_certificate_file="/etc/{c.word}/ldap-client.crt",
            local_private_key_file="/etc/{c.word}/ldap-client.key",
        )
        server = Server(LDAP_HOST, port=636, use_ssl=True, tls=tls)
        conn = Connection(server, authentication=SASL, sasl_mechanism=EXTERNAL, auto_bind=True)
        conn.search("ou=people,dc=corp,dc=example", "(uid=%s)" % escape_filter_chars({x}), attributes=["mail"])
        result = [str(e.mail) for e in conn.entries]
    """
    return Spec(s=s, imports="import ssl\nfrom ldap3 import EXTERNAL, SASL, Connection, Server, Tls\nfrom ldap3.utils.conv import escape_filter_chars",
                helpers=f'LDAP_HOST = "ldap.{c.word}.corp.example"', notes="ldap3 Tls object with CA validation and client certificate")


@fam("tls-celery-broker-cert-none", "CWE-295", fws=["pipeline", "script", "cli", "flask"], keys=["order_id", "job_ref"], n=8)
def tls_celery(c):
    x = c.x
    setting, opt = c.pick(("broker_use_ssl", "cert_reqs"), ("redis_backend_use_ssl", "ssl_cert_reqs"))
    task = c.pick(f"tasks.process_{c.word}", f"{c.word}.tasks.reindex", f"workers.{c.word}_sync")
    base = f'celery_app = Celery("{c.word}", broker=os.environ["BROKER_URL"], backend=os.environ.get("RESULT_BACKEND"))\n'
    hv = base + f'celery_app.conf.{setting} = {{\n    "{opt}": ssl.CERT_NONE,  #@V\n}}'
    ca = "/etc/ssl/certs/broker-ca.pem" if setting == "broker_use_ssl" else "/etc/ssl/certs/redis-ca.pem"
    hs = base + f'celery_app.conf.{setting} = {{\n    "{opt}": ssl.CERT_REQUIRED,\n    "{"ca_certs" if opt == "cert_reqs" else "ssl_ca_certs"}": "{ca}",\n}}'
    body = f"""
        async_result = celery_app.send_task("{task}", args=[{x}], queue="{c.word}")
        result = async_result.id
    """
    return _pair(c, body, body, hv, hs, imports="import os\nimport ssl\nfrom celery import Celery",
                 notes=f"Celery {setting} disables certificate checks on the broker/backend connection")


@hardneg(3)
def tls_celery_hn(c):
    helpers = (f'celery_app = Celery("{c.word}", broker=os.environ["BROKER_URL"])\n'
               "celery_app.conf.broker_use_ssl = {\n"
               '    "cert_reqs": ssl.CERT_REQUIRED,\n'
               '    "ca_certs": "/etc/ssl/certs/broker-ca.pem",\n'
               f'    "certfile": "/etc/{c.word}/broker-client.crt",\n'
               f'    "keyfile": "/etc/{c.word}/broker-client.key",\n'
               "}")
    s = f"""
        result = celery_app.send_task("tasks.process_{c.word}", args=[{c.x}]).id
    """
    return Spec(s=s, imports="import os\nimport ssl\nfrom celery import Celery", helpers=helpers,
                notes="broker TLS with CERT_REQUIRED, a CA bundle and a client certificate")


# ---------------- CWE-330 / 338 randomness ----------------


@fam("rand-randbytes-data-key", "CWE-338", fws=["script", "cli", "pipeline", "flask", "fastapi"], keys=["record", "field_value"], n=8)
def rand_randbytes(c):
    x = c.x
    dk = c.pick("data_key", "dek", "record_key")
    gen = c.pick("random.randbytes(32)", 'random.getrandbits(256).to_bytes(32, "big")', "bytes(random.randrange(256) for _ in range(32))")
    fix = c.pick("AESGCM.generate_key(bit_length=256)", "os.urandom(32)", "secrets.token_bytes(32)")
    body = """
        {dk} = {gen}{mark}
        wrapped = aes_key_wrap(MASTER_KEY, {dk})
        nonce = os.urandom(12)
        sealed = AESGCM({dk}).encrypt(nonce, {x}.encode(), None)
        result = {{"wrapped_key": wrapped.hex(), "blob": (nonce + sealed).hex()}}
    """
    v = body.format(dk=dk, gen=gen, mark="  #@V", x=x)
    s = body.format(dk=dk, gen=fix, mark="", x=x)
    return Spec(v=v, s=s, imports="import os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\nfrom cryptography.hazmat.primitives.keywrap import aes_key_wrap",
                vimports="import random", simports="import secrets" if "secrets" in fix else "",
                helpers='MASTER_KEY = bytes.fromhex(os.environ["KEK_HEX"])',
                notes="per-record encryption key drawn from the Mersenne Twister (predictable from its outputs)")


@hardneg(4)
def rand_randbytes_hn(c):
    c.key = c.x = c.pick("seed", "run_seed")
    s = f"""
        rng = random.Random(int({c.x}))  # fixed seed so benchmark runs are comparable
        payloads = [rng.randbytes(rng.randrange(256, 4096)) for _ in range(50)]
        result = sum(len(p) for p in payloads)
    """
    return Spec(s=s, imports="import random", notes="seeded PRNG bytes for reproducible load-test payloads, not secrets")


@fam("rand-numpy-voucher-code", "CWE-338", fws=WEB_FWS + ["cli"], keys=["campaign", "customer_email"], n=8)
def rand_np_voucher(c):
    x = c.x
    code = c.pick("code", "voucher", "gift_code")
    shape = c.pick("rng", "randint", "choice")
    if shape == "rng":
        v = f"""
            rng = np.random.default_rng()  #@V
            idx = rng.integers(0, len(ALPHABET), size=16)  #@V
            {code} = "".join(ALPHABET[i] for i in idx)
        """
    elif shape == "randint":
        v = f"""
            idx = np.random.randint(0, len(ALPHABET), size=16)  #@V
            {code} = "".join(ALPHABET[i] for i in idx)
        """
    else:
        v = f"""
            {code} = "".join(np.random.choice(list(ALPHABET), size=16))  #@V
        """
    tail = f"""
        VOUCHERS[{code}] = {{"{c.key}": {x}, "value_cents": {c.pick("2500", "1000", "5000")}}}
        result = {code}
    """
    s = f"""
        {code} = "".join(secrets.choice(ALPHABET) for _ in range(16))
    """
    return Spec(v=dedent(v) + "\n" + dedent(tail), s=dedent(s) + "\n" + dedent(tail), vimports="import numpy as np", simports="import secrets",
                helpers='ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"\nVOUCHERS = {}',
                notes="redeemable voucher codes from numpy's non-cryptographic generator")


@hardneg(4)
def rand_np_voucher_hn(c):
    c.key = c.x = c.pick("category", "shelf")
    s = f"""
        rng = np.random.default_rng()
        pool = PRODUCTS.get({c.x}, [])
        picked = rng.choice(len(pool), size=min(3, len(pool)), replace=False) if pool else []
        result = [pool[i] for i in picked]  # random "featured" products on the landing page
    """
    return Spec(s=s, imports="import numpy as np", helpers="PRODUCTS = {}", notes="numpy randomness for display order, not for secrets")


@fam("rand-pid-time-session", "CWE-330", fws=WEB_FWS + ["pipeline"], keys=["device_id", "serial"], n=8)
def rand_pid_time(c):
    x = c.x
    sid = c.pick("session_id", "sid", "pairing_id")
    expr = c.pick(
        '"%x%x" % (os.getpid(), int(time.time() * 1000))',
        'f"{int(time.time() * 1e6):x}-{os.getpid()}"',
        'str(time.time()).replace(".", "") + str(os.getpid())',
        'hex(int(time.time() * 1000) ^ os.getpid())[2:]',
    )
    body = """
        if {x} not in REGISTERED_DEVICES:
            raise PermissionError("unknown device")
        {sid} = {expr}{mark}
        SESSIONS[{sid}] = {{"device": {x}, "expires": time.time() + 3600}}
        result = {{"session": {sid}}}
    """
    v = body.format(x=x, sid=sid, expr=expr, mark="  #@V")
    s = body.format(x=x, sid=sid, expr="secrets.token_urlsafe(32)", mark="")
    return Spec(v=v, s=s, imports="import time", vimports="import os", simports="import secrets",
                helpers="REGISTERED_DEVICES = set()\nSESSIONS = {}", notes="session id built from the process id and the clock")


@hardneg(3)
def rand_pid_time_hn(c):
    x = c.x
    s = f"""
        if {x} not in REGISTERED_DEVICES:
            raise PermissionError("unknown device")
        session_id = secrets.token_urlsafe(32)
        SESSIONS[session_id] = {{"device": {x}, "issued": time.time(), "worker": os.getpid()}}
        result = {{"session": session_id}}
    """
    return Spec(s=s, imports="import os\nimport secrets\nimport time", helpers="REGISTERED_DEVICES = set()\nSESSIONS = {}",
                notes="clock and pid are only metadata; the id comes from secrets")


# ---------------- CWE-347 signature verification ----------------


@fam("sig-nacl-envelope-unverified", "CWE-347", fws=["pipeline", "script", "cli"], keys=["envelope", "signed_update"], n=8)
def sig_nacl(c):
    x = c.x
    upd = c.pick("update", "change", "msg")
    if c.pick("detached", "combined") == "detached":
        v = f"""
            env = json.loads({x})
            {upd} = json.loads(base64.b64decode(env["payload"]))  #@V
            result = apply_update({upd})
        """
        s = f"""
            env = json.loads({x})
            signed = VERIFY_KEY.verify(base64.b64decode(env["payload"]), base64.b64decode(env["signature"]))
            {upd} = json.loads(signed)
            result = apply_update({upd})
        """
    else:
        v = f"""
            {upd} = json.loads(base64.b64decode({x})[64:])  #@V
            result = apply_update({upd})
        """
        s = f"""
            {upd} = json.loads(VERIFY_KEY.verify(base64.b64decode({x})))
            result = apply_update({upd})
        """
    helpers = f"""
        VERIFY_KEY = VerifyKey(bytes.fromhex(os.environ["PUBLISHER_VERIFY_KEY"]))
        {c.word.upper()}_PRICES = {{}}


        def apply_update(update):
            {c.word.upper()}_PRICES[update["sku"]] = update["price"]
            return update["sku"]
    """
    return Spec(v=v, s=s, imports="import base64\nimport json\nimport os\nfrom nacl.signing import VerifyKey", helpers=helpers,
                notes="Ed25519-signed price update applied without checking the signature")


@hardneg(3)
def sig_nacl_hn(c):
    x = c.x
    s = f"""
        body = VERIFY_KEY.verify(base64.b64decode({x}))  # raises BadSignatureError on tampering
        update = json.loads(body)
        attachment = base64.b64decode(update.get("attachment", ""))
        result = {{"sku": update["sku"], "attachment_bytes": len(attachment)}}
    """
    return Spec(s=s, imports="import base64\nimport json\nimport os\nfrom nacl.signing import VerifyKey",
                helpers='VERIFY_KEY = VerifyKey(bytes.fromhex(os.environ["PUBLISHER_VERIFY_KEY"]))',
                notes="payload decoded only after VerifyKey.verify succeeded")


_STRIPE_BODY = {"flask": "request.get_data()", "django": "request.body", "aiohttp": "await request.read()"}


def _stripe_route(code):
    """Stripe POSTs its events and signs them in the ``Stripe-Signature`` header (review fix: the shell's
    header source reads ``X-<Key>`` on a GET route, which Stripe never calls)."""
    return (code.replace('"X-Stripe-Signature"', '"Stripe-Signature"').replace('methods=["GET"]', 'methods=["POST"]')
            .replace("app.router.add_get(", "app.router.add_post("))


@fam("sig-stripe-event-unverified", "CWE-347", fws=["flask", "aiohttp"], keys=["stripe_signature"], n=8, wrap=False)
def sig_stripe(c):
    c.src = "header"
    x = c.x
    body = _STRIPE_BODY[c.fw]
    if c.pick("construct_from", "dict") == "construct_from":
        v = f"""
            payload = {body}
            event = stripe.Event.construct_from(json.loads(payload), stripe.api_key)  #@V
            if event.type == "checkout.session.completed":
                PAID_ORDERS.add(event.data.object.client_reference_id)
            result = {{"received": True}}
        """
        s = f"""
            payload = {body}
            event = stripe.Webhook.construct_event(payload, {x}, ENDPOINT_SECRET)
            if event.type == "checkout.session.completed":
                PAID_ORDERS.add(event.data.object.client_reference_id)
            result = {{"received": True}}
        """
    else:
        v = f"""
            payload = {body}
            event = json.loads(payload)  #@V
            if event["type"] in ("invoice.paid", "checkout.session.completed"):
                PAID_ORDERS.add(event["data"]["object"]["client_reference_id"])
            result = {{"received": True}}
        """
        s = f"""
            payload = {body}
            event = stripe.Webhook.construct_event(payload, {x}, ENDPOINT_SECRET)
            if event["type"] in ("invoice.paid", "checkout.session.completed"):
                PAID_ORDERS.add(event["data"]["object"]["client_reference_id"])
            result = {{"received": True}}
        """
    helpers = 'stripe.api_key = os.environ["STRIPE_API_KEY"]\nENDPOINT_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]\nPAID_ORDERS = set()'
    sp = _pair(c, v, s, helpers, helpers, imports="import json\nimport os\nimport stripe",
               notes="Stripe webhook event trusted without checking the Stripe-Signature header")
    sp.v, sp.s = _stripe_route(sp.v), _stripe_route(sp.s)
    return sp


@hardneg(3)
def sig_stripe_hn(c):
    c.src = "header"
    s = f"""
        payload = {_STRIPE_BODY[c.fw]}
        event_id = json.loads(payload)["id"]
        event = stripe.Event.retrieve(event_id)  # re-fetched from Stripe over the authenticated API
        if event.type == "checkout.session.completed":
            PAID_ORDERS.add(event.data.object.client_reference_id)
        result = {{"received": True}}
    """
    mod = shell(c, s, Spec(helpers='stripe.api_key = os.environ["STRIPE_API_KEY"]\nPAID_ORDERS = set()'),
                "import json\nimport os\nimport stripe")
    return Spec(s=_stripe_route(mod), full=True, notes="the body only supplies an event id; the event is fetched from Stripe itself")


@fam("sig-ecdsa-result-ignored", "CWE-347", fws=["script", "cli", "pipeline"], keys=["manifest_path", "bundle"], n=8)
def sig_ecdsa(c):
    x = c.x
    d = c.n("data")
    if c.pick("bare", "logged") == "bare":
        v = f"""
            {d} = open({x}, "rb").read()
            signature = open({x} + ".sig", "rb").read()
            signature_valid({d}, signature)  #@V
            manifest = json.loads({d})  #@V
            result = apply_manifest(manifest)
        """
        s = f"""
            {d} = open({x}, "rb").read()
            signature = open({x} + ".sig", "rb").read()
            if not signature_valid({d}, signature):
                raise SystemExit("manifest signature invalid")
            manifest = json.loads({d})
            result = apply_manifest(manifest)
        """
    else:
        v = f"""
            {d} = open({x}, "rb").read()
            signature = open({x} + ".sig", "rb").read()
            ok = signature_valid({d}, signature)  #@V
            log.info("manifest %s signature valid: %s", {x}, ok)
            manifest = json.loads({d})  #@V
            result = apply_manifest(manifest)
        """
        s = f"""
            {d} = open({x}, "rb").read()
            signature = open({x} + ".sig", "rb").read()
            ok = signature_valid({d}, signature)
            log.info("manifest %s signature valid: %s", {x}, ok)
            if not ok:
                raise SystemExit("manifest signature invalid")
            manifest = json.loads({d})
            result = apply_manifest(manifest)
        """
    helpers = f"""
        log = logging.getLogger("{c.word}-updater")
        PUBLIC_KEY = serialization.load_pem_public_key(open("/etc/{c.word}/release-signing.pub", "rb").read())


        def signature_valid(blob, signature):
            try:
                PUBLIC_KEY.verify(signature, blob, ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                return False
            return True


        def apply_manifest(manifest):
            return sorted(manifest.get("files", {{}}))
    """
    return Spec(v=v, s=s, imports="import json\nimport logging\nfrom cryptography.exceptions import InvalidSignature\n"
                "from cryptography.hazmat.primitives import hashes, serialization\nfrom cryptography.hazmat.primitives.asymmetric import ec",
                helpers=helpers, notes="ECDSA verification result computed but never acted on")


@hardneg(3)
def sig_ecdsa_hn(c):
    x = c.x
    s = f"""
        data = open({x}, "rb").read()
        signature = open({x} + ".sig", "rb").read()
        PUBLIC_KEY.verify(signature, data, ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
        manifest = json.loads(data)
        result = sorted(manifest.get("files", {{}}))
    """
    helpers = f'PUBLIC_KEY = serialization.load_pem_public_key(open("/etc/{c.word}/release-signing.pub", "rb").read())'
    return Spec(s=s, imports="import json\nfrom cryptography.hazmat.primitives import hashes, serialization\nfrom cryptography.hazmat.primitives.asymmetric import ec",
                helpers=helpers, notes="verify() has no return value to check: it raises, which aborts before json.loads")


# ---------------- CWE-798 hard-coded credentials ----------------

_PWS = ["Pr0d-DB-2024!", "r3port1ng_pw", "s3cr3t-analytics", "Winter2024#", "etl_Pass_77"]


@fam("secret-sqlalchemy-url-create", "CWE-798", fws=["flask", "fastapi", "script", "cli", "pipeline"], keys=["status", "region"], n=8)
def secret_sqla(c):
    x = c.x
    pw = c.pick(*_PWS)
    driver = c.pick("postgresql+psycopg2", "mysql+pymysql", "postgresql+psycopg")
    user = c.pick("app", "reporting", "svc_" + c.word)
    url = """DB_URL = URL.create(
    "{driver}",
    username="{user}",
    {pwline}
    host="db.{word}.internal",
    database="{word}s",
)
engine = create_engine(DB_URL, pool_pre_ping=True)"""
    hv = url.format(driver=driver, user=user, pwline=f'password="{pw}",  #@V', word=c.word)
    hs = url.format(driver=driver, user=user, pwline='password=os.environ["DB_PASSWORD"],', word=c.word)
    body = f"""
        stmt = text("SELECT count(*) AS n, sum(total) AS amount FROM {c.word}s WHERE {c.key} = :value")
        with engine.connect() as conn:
            row = conn.execute(stmt, {{"value": {x}}}).one()
        result = dict(row._mapping)
    """
    return _pair(c, body, body, hv, hs, imports="import os\nfrom sqlalchemy import create_engine, text\nfrom sqlalchemy.engine import URL",
                 notes="database password written into the SQLAlchemy URL in source")


@hardneg(3)
def secret_sqla_hn(c):
    helpers = f'''def read_secret(name):
    with open(f"/run/secrets/{{name}}") as fh:
        return fh.read().strip()


engine = create_engine(URL.create(
    "postgresql+psycopg2",
    username="app",
    password=read_secret("db_password"),
    host="db.{c.word}.internal",
    database="{c.word}s",
))'''
    s = f"""
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id FROM {c.word}s WHERE name = :name"), {{"name": {c.x}}}).fetchall()
        result = [r.id for r in rows]
    """
    return Spec(s=s, imports="from sqlalchemy import create_engine, text\nfrom sqlalchemy.engine import URL", helpers=helpers,
                notes="password= argument filled from a mounted secret file")


@fam("secret-kafka-sasl-password", "CWE-798", fws=["pipeline", "script", "cli"], keys=["order_id", "event_type"], n=8)
def secret_kafka(c):
    x = c.x
    pw = c.pick("kafka-s3cret", "Q2h4nge!me", "svc_producer_pw1", "evts-2024-pass")
    mech = c.pick("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
    user = c.pick(f"{c.word}-producer", "svc-events", "ingest")
    cfg = """producer = KafkaProducer(
    bootstrap_servers=["kafka-1.{word}.internal:9093", "kafka-2.{word}.internal:9093"],
    security_protocol="SASL_SSL",
    sasl_mechanism="{mech}",
    sasl_plain_username="{user}",
    {pwline}
    value_serializer=lambda v: json.dumps(v).encode(),
)"""
    hv = cfg.format(word=c.word, mech=mech, user=user, pwline=f'sasl_plain_password="{pw}",  #@V')
    hs = cfg.format(word=c.word, mech=mech, user=user, pwline='sasl_plain_password=os.environ["KAFKA_SASL_PASSWORD"],')
    body = f"""
        future = producer.send("{c.word}-events", {{"{c.key}": {x}, "source": "{c.word}-service"}})
        producer.flush(10)
        result = future.get(timeout=10).offset
    """
    return _pair(c, body, body, hv, hs, imports="import json\nimport os\nfrom kafka import KafkaProducer",
                 notes="Kafka SASL password in source")


@hardneg(3)
def secret_kafka_hn(c):
    helpers = f"""producer = KafkaProducer(
    bootstrap_servers=["kafka-1.{c.word}.internal:9093"],
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_plain_username=os.environ["KAFKA_USER"],
    sasl_plain_password=Path(os.environ["KAFKA_PASSWORD_FILE"]).read_text().strip(),
    value_serializer=lambda v: json.dumps(v).encode(),
)"""
    s = f"""
        producer.send("{c.word}-events", {{"id": {c.x}}})
        result = "queued"
    """
    return Spec(s=s, imports="import json\nimport os\nfrom pathlib import Path\nfrom kafka import KafkaProducer", helpers=helpers,
                notes="SASL password read from a mounted file")


@fam("secret-seeded-admin-password", "CWE-798", fws=["cli", "script", "pipeline"], keys=["tenant", "tenant_slug"], n=8)
def secret_seed_admin(c):
    x = c.x
    pw = c.pick("Welcome2024!", "ChangeMe123", "Tenant#Admin1", "admin")
    login = c.pick("login_name", "admin_login", "username")
    name = c.fmt("admin@{}.example.com", x)
    create = c.pick(
        ("User.objects.create_superuser(username={l}, email={l}, password={p})", ""),
        ("admin = User.objects.create_user({l}, {l}, password={p})", "\n                admin.is_staff = admin.is_superuser = True\n                admin.save()"),
    )
    body = """
        User = get_user_model()
        {l} = {name}
        if not User.objects.filter(username={l}).exists():
            {create}{mark}{extra}
        result = {l}
    """
    v = body.format(l=login, name=name, create=create[0].format(l=login, p=f'"{pw}"'), mark="  #@V", extra=create[1].replace("                ", "            "))
    s = body.format(l=login, name=name, create=create[0].format(l=login, p="secrets.token_urlsafe(24)"), mark="",
                    extra=create[1].replace("                ", "            "))
    helpers = "" if c.fw == "django" else f'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{c.word}site.settings")\ndjango.setup()'
    imports = "import os\nfrom django.contrib.auth import get_user_model" + ("" if c.fw == "django" else "\nimport django")
    return Spec(v=v, s=s, imports=imports, simports="import secrets", helpers=helpers,
                notes="admin password hard-coded in source: every provisioned tenant gets the same built-in admin password")


@hardneg(3)
def secret_seed_admin_hn(c):
    s = f"""
        User = get_user_model()
        login_name = "admin@" + {c.x} + ".example.com"
        admin = User.objects.create_superuser(username=login_name, email=login_name, password=None)
        result = {{"admin": admin.username, "reset": "invite e-mail sent", "usable_password": admin.has_usable_password()}}
    """
    helpers = "" if c.fw == "django" else f'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{c.word}site.settings")\ndjango.setup()'
    imports = "import os\nfrom django.contrib.auth import get_user_model" + ("" if c.fw == "django" else "\nimport django")
    return Spec(s=s, imports=imports, helpers=helpers, notes="password=None creates an unusable password; the admin sets one via invite")


# ---------------- CWE-319 cleartext transmission ----------------


@fam("clear-payment-http-psp", "CWE-319", fws=WEB_FWS + ["pipeline"], keys=["card_number", "pan"], n=8)
def clear_psp(c):
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"
    x = c.x
    psp = c.pick("paygate", "cardhub", "acquirer", "payplus")
    const = c.pick("PSP_BASE", "PAYMENTS_API", "GATEWAY_URL")
    hv = f'{const} = "http://api.{psp}.example/v2"  #@V'
    hs = f'{const} = "https://api.{psp}.example/v2"'
    call = c.pick(
        f'r = httpx.post({const} + "/charges", json=charge, headers=auth, timeout=15)',
        f'r = requests.post({const} + "/charges", json=charge, headers=auth, timeout=15)',
        f'with httpx.Client(base_url={const}, headers=auth, timeout=15) as client:\n            r = client.post("/charges", json=charge)',
    )
    imp = "import requests" if "requests." in call else "import httpx"
    body = f"""
        charge = {{"amount": {c.pick("1999", "4500", "12000")}, "currency": "EUR", "card": {{"number": {x}}}, "reference": "{c.word}-checkout"}}
        auth = {{"Authorization": "Bearer " + os.environ["PSP_SECRET"]}}
        {call}
        result = r.json().get("status")
    """
    return _pair(c, body, body, hv, hs, imports=f"import os\n{imp}", notes="card numbers and the PSP secret sent over plain http")


@hardneg(3)
def clear_psp_hn(c):
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"
    helpers = 'PSP_SIDECAR = "http://127.0.0.1:3500/v1.0/invoke/payments/method"  # local sidecar; mTLS to the PSP is done by the mesh'
    s = f"""
        charge = {{"amount": 1999, "currency": "EUR", "card_token": {c.x}}}
        r = httpx.post(PSP_SIDECAR + "/charges", json=charge, timeout=15)
        result = r.json().get("status")
    """
    return Spec(s=s, imports="import httpx", helpers=helpers, notes="http only over loopback to a sidecar")


@fam("clear-odoo-xmlrpc-http", "CWE-319", fws=["script", "cli", "pipeline"], keys=["email", "partner_ref"], n=8)
def clear_odoo(c):
    x = c.x
    host = c.pick(f"erp.{c.word}.example.com", "odoo.corp.example", f"{c.word}.odoo-hosting.example")
    base_h = f'ODOO_DB = "{c.word}-prod"\nODOO_USER = "integration@{c.word}.example.com"\n'
    field = "email" if c.key == "email" else "ref"
    tail = f"""
        uid = common.authenticate(ODOO_DB, ODOO_USER, os.environ["ODOO_PASSWORD"], {{{{}}}})
        models = xmlrpc.client.ServerProxy({{obj}}){{mark2}}
        result = models.execute_kw(
            ODOO_DB, uid, os.environ["ODOO_PASSWORD"],
            "res.partner", "search_read", [[["{field}", "=", {x}]]], {{{{"fields": ["name", "phone"], "limit": 5}}}},
        )
    """
    if c.pick("const", "inline") == "const":
        hv = base_h + f'ODOO_URL = "http://{host}"  #@V'
        hs = base_h + f'ODOO_URL = "https://{host}"'
        common = c.fmt("{}/xmlrpc/2/common", "ODOO_URL")
        obj = c.fmt("{}/xmlrpc/2/object", "ODOO_URL")
        body = f"        common = xmlrpc.client.ServerProxy({common})\n" + tail.format(obj=obj, mark2="")
        return _pair(c, body, body, hv, hs, imports="import os\nimport xmlrpc.client", notes="Odoo password sent over XML-RPC on plain http")
    v = (f'        common = xmlrpc.client.ServerProxy("http://{host}/xmlrpc/2/common")  #@V\n'
         + tail.format(obj=f'"http://{host}/xmlrpc/2/object"', mark2="  #@V"))
    s = (f'        common = xmlrpc.client.ServerProxy("https://{host}/xmlrpc/2/common")\n'
         + tail.format(obj=f'"https://{host}/xmlrpc/2/object"', mark2=""))
    return Spec(v=v, s=s, imports="import os\nimport xmlrpc.client", helpers=base_h, notes="Odoo password sent over XML-RPC on plain http")


@hardneg(3)
def clear_odoo_hn(c):
    helpers = 'ODOO_URL = "http://localhost:8069"  # odoo container of the local docker-compose dev stack\nODOO_DB = "dev"'
    s = f"""
        common = xmlrpc.client.ServerProxy(ODOO_URL + "/xmlrpc/2/common")
        uid = common.authenticate(ODOO_DB, "admin", os.environ["ODOO_DEV_PASSWORD"], {{}})
        models = xmlrpc.client.ServerProxy(ODOO_URL + "/xmlrpc/2/object")
        result = models.execute_kw(ODOO_DB, uid, os.environ["ODOO_DEV_PASSWORD"], "res.partner", "search_count", [[["email", "=", {c.x}]]])
    """
    return Spec(s=s, imports="import os\nimport xmlrpc.client", helpers=helpers, notes="plain http only to a loopback dev instance")


@fam("clear-soap-zeep-http", "CWE-319", fws=["script", "cli", "pipeline", "flask"], keys=["order_id", "shipment_ref"], n=8)
def clear_zeep(c):
    x = c.x
    partner = c.pick("logistics", "carrier", "wholesale", "customs")
    hv = f'WSDL_URL = "http://soap.{partner}.example/{c.word.capitalize()}Service.svc?wsdl"  #@V\nSOAP_USER = "{c.word}-integration"'
    hs = hv.replace('"http://', '"https://').replace("  #@V", "")
    op = c.pick("GetStatus", "TrackShipment", "GetOrderDetails")
    if c.pick("basic", "wsse") == "basic":
        body = f"""
            session = Session()
            session.auth = HTTPBasicAuth(SOAP_USER, os.environ["SOAP_PASSWORD"])
            client = Client(WSDL_URL, transport=Transport(session=session, timeout=20))
            reply = client.service.{op}(reference={x})
            result = serialize_object(reply, dict)
        """
        imports = ("import os\nfrom requests import Session\nfrom requests.auth import HTTPBasicAuth\nfrom zeep import Client\n"
                   "from zeep.helpers import serialize_object\nfrom zeep.transports import Transport")
    else:
        body = f"""
            client = Client(WSDL_URL, wsse=UsernameToken(SOAP_USER, os.environ["SOAP_PASSWORD"]))
            reply = client.service.{op}(reference={x})
            result = serialize_object(reply, dict)
        """
        imports = "import os\nfrom zeep import Client\nfrom zeep.helpers import serialize_object\nfrom zeep.wsse.username import UsernameToken"
    return _pair(c, body, body, hv, hs, imports=imports, notes="SOAP credentials sent to a plain-http endpoint")


@hardneg(3)
def clear_zeep_hn(c):
    helpers = f'WSDL_URL = "https://soap.logistics.example/{c.word.capitalize()}Service.svc?wsdl"\nORDERS_NS = "http://schemas.logistics.example/orders/v1"'
    s = f"""
        client = Client(WSDL_URL, wsse=UsernameToken("{c.word}-integration", os.environ["SOAP_PASSWORD"]))
        factory = client.type_factory(ORDERS_NS)
        reply = client.service.GetStatus(request=factory.StatusRequest(reference={c.x}))
        result = serialize_object(reply, dict)
    """
    return Spec(s=s, imports="import os\nfrom zeep import Client\nfrom zeep.helpers import serialize_object\nfrom zeep.wsse.username import UsernameToken",
                helpers=helpers, notes="http:// only in an XML namespace name; the endpoint is https")
