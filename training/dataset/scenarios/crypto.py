"""Crypto and secrets families: broken/weak crypto (327, 328, 916), certificate validation (295),
weak randomness (330, 338), signature verification (347), hard-coded credentials (798),
cleartext transmission (319)."""
from core import Spec
from registry import hardneg, fam, WEB_FWS, TAINT_FWS

# ---------------- CWE-327 broken crypto algorithm ----------------


@fam("crypto-des-ecb", "CWE-327", keys=["plaintext", "message", "card"], n=8)
def crypto_des(c):
    x = c.x
    algo = c.pick("DES", "DES3", "ARC2", "Blowfish")
    v = f"""
        cipher = {algo}.new(KEY, {algo}.MODE_ECB)  #@V
        blob = cipher.encrypt(pad({x}.encode(), {algo}.block_size))
        result = base64.b64encode(blob).decode()
    """
    s = f"""
        cipher = AES.new(KEY, AES.MODE_GCM)
        blob, tag = cipher.encrypt_and_digest({x}.encode())
        result = base64.b64encode(cipher.nonce + tag + blob).decode()
    """
    return Spec(v=v, s=s, imports="import base64\nimport os", vimports=f"from Crypto.Cipher import {algo}\nfrom Crypto.Util.Padding import pad",
                simports="from Crypto.Cipher import AES",
                helpers=f'KEY = bytes.fromhex(os.environ["{c.word.upper()}_KEY"])')


@fam("crypto-aes-ecb", "CWE-327", keys=["token", "record"], n=8)
def crypto_ecb(c):
    x = c.x
    v = f"""
        enc = AES.new(KEY, AES.MODE_ECB)  #@V
        ct = enc.encrypt(pad({x}.encode(), 16))
        result = ct.hex()
    """
    s = f"""
        enc = AES.new(KEY, AES.MODE_GCM)
        ct, tag = enc.encrypt_and_digest({x}.encode())
        result = (enc.nonce + tag + ct).hex()
    """
    return Spec(v=v, s=s, imports="import os\nfrom Crypto.Cipher import AES", vimports="from Crypto.Util.Padding import pad",
                helpers="KEY = os.urandom(32)", notes="ECB leaks equal plaintext blocks")


@fam("crypto-cryptography-ecb", "CWE-327", fws=["script", "cli", "pipeline"], keys=["payload", "data"], n=8)
def crypto_hazmat(c):
    x = c.x
    alg = c.pick("algorithms.AES(KEY), modes.ECB()", "algorithms.TripleDES(KEY[:24]), modes.CBC(iv)", "algorithms.Blowfish(KEY[:16]), modes.CBC(iv)")
    iv_line = "iv = os.urandom(8)\n        " if "CBC" in alg else ""
    iv_out = "iv + " if "CBC" in alg else ""
    v = f"""
        {iv_line}cipher = Cipher({alg})  #@V
        padder = padding.PKCS7(128).padder()
        data = padder.update({x}.encode()) + padder.finalize()
        enc = cipher.encryptor()
        result = ({iv_out}enc.update(data) + enc.finalize()).hex()
    """
    s = f"""
        nonce = os.urandom(12)
        result = (nonce + AESGCM(KEY).encrypt(nonce, {x}.encode(), None)).hex()
    """
    return Spec(v=v, s=s, imports="import os", vimports="from cryptography.hazmat.primitives import padding\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes",
                simports="from cryptography.hazmat.primitives.ciphers.aead import AESGCM", helpers="KEY = os.urandom(32)")


@fam("crypto-ssl-old-protocol", "CWE-327", fws=["script", "cli", "pipeline"], keys=["host"], n=8)
def crypto_ssl(c):
    x = c.x
    proto = c.pick("ssl.PROTOCOL_TLSv1", "ssl.PROTOCOL_SSLv3", "ssl.PROTOCOL_TLSv1_1", "ssl.PROTOCOL_SSLv2")
    v = f"""
        ctx = ssl.SSLContext({proto})  #@V
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.check_hostname = True
        ctx.load_default_certs()
        with socket.create_connection(({x}, 443)) as raw:
            with ctx.wrap_socket(raw, server_hostname={x}) as tls:
                result = tls.version()
    """
    s = f"""
        ctx = ssl.create_default_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(({x}, 443)) as raw:
            with ctx.wrap_socket(raw, server_hostname={x}) as tls:
                result = tls.version()
    """
    return Spec(v=v, s=s, imports="import socket\nimport ssl")


@fam("crypto-arc4-stream", "CWE-327", keys=["secret_note"], n=8)
def crypto_rc4(c):
    x = c.x
    v = f"""
        stream = ARC4.new(KEY)  #@V
        result = stream.encrypt({x}.encode()).hex()
    """
    s = f"""
        token = Fernet(FERNET_KEY).encrypt({x}.encode())
        result = token.decode("ascii")
    """
    return Spec(v=v, s=s, imports="import os", vimports="from Crypto.Cipher import ARC4", simports="from cryptography.fernet import Fernet",
                helpers="KEY = os.urandom(32)\nFERNET_KEY = os.environ[\"NOTES_FERNET_KEY\"].encode()")


@fam("hash-md5-password", "CWE-916", keys=["password", "new_password"], n=10)
def hash_md5_pw(c):
    x, d = c.x, c.n("digest")
    algo = c.pick("md5", "sha1", "sha256", "sha512")
    salted = c.pick(True, False)
    expr = f'hashlib.{algo}((SALT + {x}).encode()).hexdigest()' if salted else f"hashlib.{algo}({x}.encode()).hexdigest()"
    v = f"""
        {d} = {expr}  #@V
        USERS["current"] = {{"password_hash": {d}}}
        result = "saved"
    """
    s = f"""
        salt = os.urandom(16)
        {d} = salt.hex() + "$" + hashlib.scrypt({x}.encode(), salt=salt, n=2**14, r=8, p=1).hex()
        USERS["current"] = {{"password_hash": {d}}}
        result = "saved"
    """
    return Spec(v=v, s=s, imports="import hashlib", simports="import os", helpers='USERS = {}\nSALT = "static-salt-v1"' if salted else "USERS = {}",
                notes=f"fast {algo} hash for passwords (offline guessing)")


@hardneg(6)
def hash_md5_hn(c):
    c.key = c.x = c.pick("page", "resource", "query_key")
    x = c.x
    s = c.pick(f"""
        cache_key = hashlib.md5({x}.encode(), usedforsecurity=False).hexdigest()
        result = CACHE.get(cache_key)
    """, f"""
        etag = hashlib.sha1({x}.encode()).hexdigest()  # ETag for caching, not a security control
        result = {{"etag": etag}}
    """, f"""
        bucket = int(hashlib.md5({x}.encode(), usedforsecurity=False).hexdigest(), 16) % 100
        result = {{"variant": "B" if bucket < 50 else "A"}}
    """)
    return Spec(s=s, imports="import hashlib", helpers="CACHE = {}", notes="md5/sha1 used for cache keys or bucketing, not security")


@fam("hash-werkzeug-weak-method", "CWE-916", fws=["flask", "django", "fastapi"], keys=["password"], n=8)
def hash_weak_method(c):
    x = c.x
    v = f"""
        pw_hash = hashlib.pbkdf2_hmac("sha256", {x}.encode(), b"static-salt", {c.pick("1", "10", "100", "1000")})  #@V
        result = {{"stored": pw_hash.hex()}}
    """
    s = f"""
        pw_hash = generate_password_hash({x})
        result = {{"stored": pw_hash}}
    """
    return Spec(v=v, s=s, vimports="import hashlib", simports="from werkzeug.security import generate_password_hash",
                notes="constant salt and very low iteration count")


@fam("hash-login-compare-md5", "CWE-916", fws=WEB_FWS, keys=["password"], n=8)
def hash_login(c):
    x = c.x
    v = f"""
        stored = STORED_HASHES.get("alice", "")
        ok = hashlib.md5({x}.encode()).hexdigest() == stored  #@V
        result = {{"ok": ok}}
    """
    s = f"""
        stored = STORED_HASHES.get("alice", "")
        ok = bcrypt.checkpw({x}.encode(), stored.encode()) if stored else False
        result = {{"ok": ok}}
    """
    return Spec(v=v, s=s, vimports="import hashlib", simports="import bcrypt", helpers="STORED_HASHES = {}")


@fam("hash-md5-integrity", "CWE-328", fws=["script", "cli", "pipeline"], keys=["package_path", "artifact"], n=8)
def hash_integrity(c):
    x = c.x
    algo = c.pick("md5", "sha1")
    v = f"""
        with open({x}, "rb") as fh:
            actual = hashlib.{algo}(fh.read()).hexdigest()  #@V
        if actual != EXPECTED_DIGESTS[os.path.basename({x})]:  #@V
            raise RuntimeError("artifact was tampered with")
        result = "verified"
    """
    s = f"""
        with open({x}, "rb") as fh:
            actual = hashlib.sha256(fh.read()).hexdigest()
        if actual != EXPECTED_DIGESTS[os.path.basename({x})]:
            raise RuntimeError("artifact was tampered with")
        result = "verified"
    """
    return Spec(v=v, s=s, imports="import hashlib\nimport os", helpers="EXPECTED_DIGESTS = {}",
                notes=f"{algo} collisions let an attacker craft a matching artifact")


@fam("hash-sha1-hmac-signature", "CWE-328", keys=["payload"], n=8)
def hash_sig(c):
    x = c.x
    v = f"""
        signature = hashlib.sha1((SIGNING_SECRET + {x}).encode()).hexdigest()  #@V
        result = {{"data": {x}, "sig": signature}}
    """
    s = f"""
        signature = hmac.new(SIGNING_SECRET.encode(), {x}.encode(), hashlib.sha256).hexdigest()
        result = {{"data": {x}, "sig": signature}}
    """
    return Spec(v=v, s=s, imports="import hashlib\nimport os", simports="import hmac", helpers='SIGNING_SECRET = os.environ["SIGNING_SECRET"]',
                notes="secret-prefix SHA-1 is a weak MAC (length extension, weak hash)")


# ---------------- CWE-295 certificate validation ----------------


@fam("tls-requests-verify-false", "CWE-295", keys=["query", "sku"], n=10)
def tls_requests(c):
    x = c.x
    meth = c.pick("get", "post", "put")
    v = f"""
        r = requests.{meth}(
            API_URL,
            params={{"q": {x}}},
            timeout=10,
            verify=False,  #@V
        )
        result = r.status_code
    """
    s = f"""
        r = requests.{meth}(
            API_URL,
            params={{"q": {x}}},
            timeout=10,
            verify=True,
        )
        result = r.status_code
    """
    return Spec(v=v, s=s, imports="import requests", helpers=f'API_URL = "https://api.{c.word}.example.com/v1/lookup"')


@hardneg(4)
def tls_hn(c):
    s = f"""
        r = requests.get(
            API_URL,
            params={{"q": {c.x}}},
            timeout=10,
            verify="/etc/ssl/certs/corp-internal-ca.pem",
        )
        result = r.status_code
    """
    return Spec(s=s, imports="import requests", helpers=f'API_URL = "https://{c.word}.corp.internal/v1/lookup"',
                notes="verify points to a private CA bundle")


@fam("tls-unverified-context", "CWE-295", keys=["query"], n=8)
def tls_unverified(c):
    x = c.x
    v = f"""
        ctx = ssl._create_unverified_context()  #@V
        with urllib.request.urlopen(API_URL + "?" + urlencode({{"q": {x}}}), context=ctx, timeout=10) as fh:
            result = fh.status
    """
    s = f"""
        ctx = ssl.create_default_context()
        with urllib.request.urlopen(API_URL + "?" + urlencode({{"q": {x}}}), context=ctx, timeout=10) as fh:
            result = fh.status
    """
    return Spec(v=v, s=s, imports="import ssl\nimport urllib.request\nfrom urllib.parse import urlencode",
                helpers=f'API_URL = "https://api.{c.word}.example.com/v1/search"')


@fam("tls-cert-none", "CWE-295", fws=["script", "cli", "pipeline"], keys=["host"], n=8)
def tls_cert_none(c):
    x = c.x
    v = f"""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False  #@V
        ctx.verify_mode = ssl.CERT_NONE  #@V
        with socket.create_connection(({x}, 8443)) as raw, ctx.wrap_socket(raw, server_hostname={x}) as tls:
            tls.sendall(b"PING\\n")
            result = tls.recv(64)
    """
    s = f"""
        ctx = ssl.create_default_context(cafile="/etc/{c.word}/ca.pem")
        with socket.create_connection(({x}, 8443)) as raw, ctx.wrap_socket(raw, server_hostname={x}) as tls:
            tls.sendall(b"PING\\n")
            result = tls.recv(64)
    """
    return Spec(v=v, s=s, imports="import socket\nimport ssl")


@fam("tls-httpx-verify-false", "CWE-295", fws=["fastapi", "aiohttp", "pipeline", "script"], keys=["currency"], n=8)
def tls_httpx(c):
    x = c.x
    v = f"""
        with httpx.Client(base_url=API_BASE, verify=False, timeout=5) as client:  #@V
            result = client.get("/v1/rates", params={{"base": {x}}}).json()
    """
    s = f"""
        with httpx.Client(base_url=API_BASE, verify=True, timeout=5) as client:
            result = client.get("/v1/rates", params={{"base": {x}}}).json()
    """
    return Spec(v=v, s=s, imports="import httpx", helpers='API_BASE = "https://fx.partner.example.com"')


@fam("tls-aiohttp-ssl-false", "CWE-295", fws=["aiohttp", "fastapi"], keys=["query"], n=8, wrap=False)
def tls_aio(c):
    x = c.x
    v = f"""
        conn = aiohttp.TCPConnector(ssl=False)  #@V
        async with aiohttp.ClientSession(connector=conn) as session:
            async with session.get(API_URL, params={{"q": {x}}}) as resp:
                result = resp.status
    """
    s = f"""
        conn = aiohttp.TCPConnector(ssl=ssl.create_default_context())
        async with aiohttp.ClientSession(connector=conn) as session:
            async with session.get(API_URL, params={{"q": {x}}}) as resp:
                result = resp.status
    """
    return Spec(v=v, s=s, imports="import aiohttp", simports="import ssl", helpers=f'API_URL = "https://api.{c.word}.example.com/v1/search"')


@fam("tls-urllib3-cert-none", "CWE-295", fws=["script", "cli", "pipeline"], keys=["url"], n=8)
def tls_urllib3(c):
    x = c.x
    v = f"""
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        http = urllib3.PoolManager(cert_reqs="CERT_NONE")  #@V
        result = http.request("GET", {x}).status
    """
    s = f"""
        http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
        result = http.request("GET", {x}).status
    """
    return Spec(v=v, s=s, imports="import urllib3", simports="import certifi")


@fam("tls-paramiko-autoadd", "CWE-295", fws=["script", "cli", "pipeline"], keys=["host"], n=8)
def tls_paramiko(c):
    x = c.x
    user = c.pick('deploy', 'backup', 'ci')
    v = f"""
        ssh = paramiko.SSHClient()
        ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())  #@V
        ssh.connect({x}, username="{user}", key_filename=os.path.expanduser("~/.ssh/id_ed25519"))
        result = ssh.exec_command("uptime")[1].read().decode()
    """
    s = f"""
        ssh = paramiko.SSHClient()
        ssh.load_system_host_keys()
        ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
        ssh.connect({x}, username="{user}", key_filename=os.path.expanduser("~/.ssh/id_ed25519"))
        result = ssh.exec_command("uptime")[1].read().decode()
    """
    return Spec(v=v, s=s, imports="import os\nimport paramiko", notes="unknown host keys accepted silently (MITM)")


# ---------------- CWE-330 / CWE-338 weak randomness ----------------


@fam("rand-reset-token", "CWE-338", keys=["email"], n=10)
def rand_token(c):
    x = c.x
    alias = c.pick("random", "rnd")
    imp = "import random" if alias == "random" else "import random as rnd"
    gen = c.pick(f'"".join({alias}.choice(ALPHABET) for _ in range(32))', f'"".join({alias}.choices(ALPHABET, k=32))', f"'%030x' % {alias}.getrandbits(120)")
    v = f"""
        {c.n('token')} = {gen}  #@V
        RESETS[{x}] = {c.n('token')}
        result = {{"sent_to": {x}}}
    """
    s = f"""
        {c.n('token')} = secrets.token_urlsafe(32)
        RESETS[{x}] = {c.n('token')}
        result = {{"sent_to": {x}}}
    """
    return Spec(v=v, s=s, vimports=imp + "\nimport string", simports="import secrets\nimport string",
                helpers="ALPHABET = string.ascii_letters + string.digits\nRESETS = {}")


@hardneg(6)
def rand_hn(c):
    x = c.x
    s = c.pick(f"""
        delay = min(60, 2 ** min(len({x}), 6)) + random.uniform(0, 1)  # backoff jitter
        result = {{"retry_after": round(delay, 2)}}
    """, f"""
        sample = random.sample(range(1000), k=10)  # rows to show in the preview
        result = {{"preview": sample, "q": {x}}}
    """, f"""
        tips = ["Use filters", "Try keyboard shortcuts", "Export to CSV"]
        result = {{"tip": random.choice(tips), "for": {x}}}
    """)
    return Spec(s=s, imports="import random", notes="random for non-security purposes")


@fam("rand-otp-randint", "CWE-338", keys=["phone"], n=8)
def rand_otp(c):
    x = c.x
    v = f"""
        otp = str(random.randint(100000, 999999))  #@V
        send_sms({x}, "Your code is " + otp)
        result = "sent"
    """
    s = f"""
        otp = f"{{secrets.randbelow(1_000_000):06d}}"
        send_sms({x}, "Your code is " + otp)
        result = "sent"
    """
    return Spec(v=v, s=s, vimports="import random", simports="import secrets",
                helpers="def send_sms(number, text):\n    return (number, text)")


@fam("rand-uuid1-session", "CWE-330", fws=WEB_FWS, keys=["login_token"], n=8)
def rand_uuid1(c):
    x = c.x
    v = f"""
        user = LOGIN_LINKS.pop({x}, None)
        if user is None:
            raise PermissionError("invalid or used login link")
        sid = str(uuid.uuid1())  #@V
        SESSIONS[sid] = user
        result = {{"session": sid}}
    """
    s = f"""
        user = LOGIN_LINKS.pop({x}, None)
        if user is None:
            raise PermissionError("invalid or used login link")
        sid = secrets.token_urlsafe(32)
        SESSIONS[sid] = user
        result = {{"session": sid}}
    """
    return Spec(v=v, s=s, vimports="import uuid", simports="import secrets", helpers="LOGIN_LINKS = {}\nSESSIONS = {}",
                notes="uuid1 is time and MAC based, so session ids are guessable")


@fam("rand-seed-time", "CWE-330", fws=["script", "cli", "pipeline"], keys=["count"], n=8)
def rand_seed(c):
    x = c.x
    v = f"""
        random.seed(int(time.time()))  #@V
        keys = ["%032x" % random.getrandbits(128) for _ in range(min(int({x}), 100))]  #@V
        result = keys
    """
    s = f"""
        keys = [secrets.token_hex(16) for _ in range(min(int({x}), 100))]
        result = keys
    """
    return Spec(v=v, s=s, vimports="import random\nimport time", simports="import secrets", notes="seeded with the clock: predictable API keys")


@fam("rand-md5-time-token", "CWE-330", keys=["user_id"], n=8)
def rand_md5time(c):
    x = c.x
    v = f"""
        token = hashlib.md5((str({x}) + str(time.time())).encode()).hexdigest()  #@V
        INVITES[token] = {x}
        result = token
    """
    s = f"""
        token = secrets.token_hex(16)
        INVITES[token] = {x}
        result = token
    """
    return Spec(v=v, s=s, vimports="import hashlib\nimport time", simports="import secrets", helpers="INVITES = {}")


@fam("rand-numpy-salt", "CWE-338", fws=["script", "cli", "pipeline"], keys=["password"], n=8)
def rand_np(c):
    x = c.x
    v = f"""
        salt = np.random.bytes(16)  #@V
        key = hashlib.pbkdf2_hmac("sha256", {x}.encode(), salt, 600_000)
        result = (salt + key).hex()
    """
    s = f"""
        salt = os.urandom(16)
        key = hashlib.pbkdf2_hmac("sha256", {x}.encode(), salt, 600_000)
        result = (salt + key).hex()
    """
    return Spec(v=v, s=s, imports="import hashlib", vimports="import numpy as np", simports="import os")


@fam("rand-api-key-choices", "CWE-338", fws=WEB_FWS + ["cli"], keys=["client_name"], n=8)
def rand_apikey(c):
    x = c.x
    v = f"""
        rng = random.Random()
        api_key = "sk_" + "".join(rng.choice(string.hexdigits.lower()) for _ in range(40))  #@V
        CLIENTS[{x}] = api_key
        result = api_key
    """
    s = f"""
        api_key = "sk_" + secrets.token_hex(20)
        CLIENTS[{x}] = api_key
        result = api_key
    """
    return Spec(v=v, s=s, vimports="import random\nimport string", simports="import secrets", helpers="CLIENTS = {}")


# ---------------- CWE-347 signature verification ----------------


@fam("jwt-verify-signature-false", "CWE-347", fws=WEB_FWS, keys=["authorization", "token"], n=10)
def jwt_noverify(c):
    x = c.x
    opt = c.pick('options={"verify_signature": False}', 'options={"verify_signature": False, "verify_exp": True}')
    v = f"""
        raw = {x}.removeprefix("Bearer ").strip()
        claims = jwt.decode(raw, {opt}, algorithms=["HS256"])  #@V
        result = {{"user": claims.get("sub"), "scope": claims.get("scope", "")}}
    """
    s = f"""
        raw = {x}.removeprefix("Bearer ").strip()
        claims = jwt.decode(raw, JWT_SECRET, algorithms=["HS256"], audience="{c.word}-api")
        result = {{"user": claims.get("sub"), "scope": claims.get("scope", "")}}
    """
    return Spec(v=v, s=s, imports="import os\nimport jwt", helpers='JWT_SECRET = os.environ["JWT_SECRET"]')


@hardneg(4)
def jwt_hn(c):
    s = f"""
        header = jwt.get_unverified_header({c.x})
        key = JWKS_KEYS[header["kid"]]  # only to pick the key; the token is verified below
        claims = jwt.decode({c.x}, key, algorithms=["RS256"], audience="api")
        result = claims["sub"]
    """
    return Spec(s=s, imports="import jwt", helpers="JWKS_KEYS = {}", notes="unverified header only selects the key")


@fam("jwt-jose-unverified-claims", "CWE-347", fws=WEB_FWS, keys=["token"], n=8)
def jwt_jose(c):
    x = c.x
    v = f"""
        claims = jwt.get_unverified_claims({x})  #@V
        if claims.get("role") != "admin":
            raise PermissionError("admins only")
        result = claims["sub"]
    """
    s = f"""
        claims = jwt.decode({x}, PUBLIC_KEY, algorithms=["RS256"])
        if claims.get("role") != "admin":
            raise PermissionError("admins only")
        result = claims["sub"]
    """
    return Spec(v=v, s=s, imports="from jose import jwt", helpers='PUBLIC_KEY = open("/etc/keys/jwt.pub").read()')


@fam("jwt-manual-base64", "CWE-347", keys=["token", "id_token"], n=8)
def jwt_manual(c):
    x = c.x
    v = f"""
        header_b64, payload_b64, signature_b64 = {x}.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload_b64 + "=" * (-len(payload_b64) % 4)))  #@V
        result = ACCOUNTS.get(claims.get("email"))
    """
    s = f"""
        claims = jwt.decode({x}, key=IDP_PUBLIC_KEY, algorithms=["RS256"], audience=CLIENT_ID)
        result = ACCOUNTS.get(claims.get("email"))
    """
    return Spec(v=v, s=s, vimports="import base64\nimport json", simports="import jwt",
                helpers='IDP_PUBLIC_KEY = open("/etc/keys/idp.pub").read()\nCLIENT_ID = "client-id.apps.example"\nACCOUNTS = {}',
                notes="claims read from an unverified token")


@fam("sig-webhook-not-checked", "CWE-347", fws=["flask", "django", "aiohttp"], keys=["x_hub_signature_256"], n=8, wrap=False)
def sig_webhook(c):
    x = c.x
    body = {"flask": "request.get_data()", "django": "request.body", "aiohttp": "await request.read()"}[c.fw]
    v = f"""
        body = {body}
        if not {x}:  #@V
            raise PermissionError("missing signature")
        event = json.loads(body)  #@V
        result = {{"handled": event.get("action")}}
    """
    s = f"""
        body = {body}
        expected = "sha256=" + hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
        if not {x} or not hmac.compare_digest({x}, expected):
            raise PermissionError("bad signature")
        event = json.loads(body)
        result = {{"handled": event.get("action")}}
    """
    return Spec(v=v, s=s, imports="import json\nimport os", simports="import hashlib\nimport hmac",
                helpers='WEBHOOK_SECRET = os.environ["WEBHOOK_SECRET"].encode()',
                notes="signature header only checked for presence")


@fam("sig-itsdangerous-unsafe", "CWE-347", fws=WEB_FWS, keys=["remember"], n=8)
def sig_itsd(c):
    x = c.x
    v = f"""
        ok, data = SERIALIZER.loads_unsafe({x})  #@V
        result = {{"user": data.get("uid") if isinstance(data, dict) else None}}
    """
    s = f"""
        try:
            data = SERIALIZER.loads({x}, max_age=30 * 24 * 3600)
        except BadSignature:
            data = None
        result = {{"user": data.get("uid") if isinstance(data, dict) else None}}
    """
    return Spec(v=v, s=s, imports="import os\nfrom itsdangerous import URLSafeTimedSerializer", simports="from itsdangerous import BadSignature",
                helpers='SERIALIZER = URLSafeTimedSerializer(os.environ["SECRET_KEY"], salt="remember-me")',
                notes="loads_unsafe returns the payload even when the signature is wrong")


@fam("sig-rsa-verify-ignored", "CWE-347", fws=["script", "cli", "pipeline"], keys=["bundle"], n=8)
def sig_rsa(c):
    x = c.x
    v = f"""
        payload, sig = open({x}, "rb").read().rsplit(b"\\n--sig--\\n", 1)
        try:
            PUBKEY.verify(sig, payload, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            log.warning("signature mismatch for %s", {x})  #@V
        install(payload)  #@V
        result = "installed"
    """
    s = f"""
        payload, sig = open({x}, "rb").read().rsplit(b"\\n--sig--\\n", 1)
        try:
            PUBKEY.verify(sig, payload, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            log.warning("signature mismatch for %s", {x})
            raise SystemExit("refusing to install an unsigned update")
        install(payload)
        result = "installed"
    """
    helpers = """
        log = logging.getLogger("updater")
        PUBKEY = serialization.load_pem_public_key(open("/etc/updater/pub.pem", "rb").read())


        def install(blob):
            return len(blob)
    """
    return Spec(v=v, s=s, imports="import logging\nfrom cryptography.exceptions import InvalidSignature\nfrom cryptography.hazmat.primitives import hashes, serialization\nfrom cryptography.hazmat.primitives.asymmetric import padding",
                helpers=helpers, notes="verification failure is only logged")


# ---------------- CWE-798 hard-coded credentials ----------------


@fam("secret-db-password", "CWE-798", fws=["script", "cli", "pipeline", "flask", "django"], keys=["table"], n=9)
def secret_db(c):
    x = c.x
    pw = c.pick("Sup3rS3cret!", "hunter2-prod", "P@ssw0rd2024", "changeme123", "db_pass_9f8e7d")
    v = f"""
        if {x} not in REPORT_TABLES:
            raise ValueError("unknown table")
        conn = psycopg2.connect(
            host="db.internal",
            user="{c.pick('app', 'reporting', 'etl')}",
            password="{pw}",  #@V
            dbname="{c.word}s",
        )
        cur = conn.cursor()
        cur.execute(sql.SQL("SELECT count(*) FROM {{}}").format(sql.Identifier({x})))
        result = cur.fetchone()[0]
    """
    s = v.replace(f'password="{pw}",  #@V', 'password=os.environ["PGPASSWORD"],')
    return Spec(v=v, s=s, imports="import psycopg2\nfrom psycopg2 import sql", simports="import os",
                helpers='REPORT_TABLES = {"orders", "invoices", "shipments"}')


@hardneg(5)
def secret_hn(c):
    s = f"""
        PASSWORD_FIELD = "password"
        TOKEN_HEADER = "X-Api-Token"
        value = {c.x}
        form = {{"username": value, PASSWORD_FIELD: os.environ.get("SERVICE_PASSWORD", "")}}
        result = {{"fields": sorted(form), "header": TOKEN_HEADER}}
    """
    return Spec(s=s, imports="import os", notes="names that look like secrets but hold field names; the secret comes from the environment")


@fam("secret-aws-keys", "CWE-798", fws=["script", "cli", "pipeline"], keys=["bucket"], n=8)
def secret_aws(c):
    x = c.x
    kid = "AKIA" + c.pick("EXAMPLE7Q2DPL3ZTU", "EXAMPLEQ4HD8M2KPW", "EXAMPLEJ7T5N1XRAV")
    v = f"""
        s3 = boto3.client(
            "s3",
            aws_access_key_id="{kid}",  #@V
            aws_secret_access_key="{c.pick('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY')}",  #@V
            region_name="eu-west-1",
        )
        result = [o["Key"] for o in s3.list_objects_v2(Bucket={x}).get("Contents", [])]
    """
    s = f"""
        s3 = boto3.client(
            "s3",
            region_name="eu-west-1",
        )
        result = [o["Key"] for o in s3.list_objects_v2(Bucket={x}).get("Contents", [])]
    """
    return Spec(v=v, s=s, imports="import boto3", notes="credentials should come from the environment/instance role (values are fake)")


@fam("secret-flask-secret-key", "CWE-798", fws=["flask"], n=8, wrap=False)
def secret_flask(c):
    key = c.pick("dev-secret-key", "super-secret-123", "my_flask_secret", "a9f8e7d6c5b4a3f2e1d0")
    v = f"""
        import os

        from flask import Flask, session

        app = Flask(__name__)
        app.secret_key = "{key}"  #@V
        app.config["SESSION_COOKIE_SECURE"] = True


        @app.route("/{c.word}s/visit")
        def visit():
            session["visits"] = session.get("visits", 0) + 1
            return {{"visits": session["visits"]}}
    """
    s = v.replace(f'app.secret_key = "{key}"  #@V', 'app.secret_key = os.environ["FLASK_SECRET_KEY"]')
    return Spec(v=v, s=s, full=True, notes="session signing key in source lets anyone forge sessions")


@fam("secret-django-settings", "CWE-798", fws=["django"], n=8, wrap=False)
def secret_django(c):
    key = c.pick("django-insecure-8f$kq!x2@v#p0m^r7&t", "k3y-for-prod-do-not-share-71hd8", "s9d8f7g6h5j4k3l2q1w0e9r8t7y6u5i4")
    v = f"""
        # {c.word}/settings.py
        import os
        from pathlib import Path

        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = "{key}"  #@V
        DEBUG = False
        ALLOWED_HOSTS = ["{c.word}.example.com"]
        EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    """
    s = v.replace(f'SECRET_KEY = "{key}"  #@V', 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]')
    return Spec(v=v, s=s, full=True)


@fam("secret-api-token-header", "CWE-798", keys=["query"], n=8)
def secret_token(c):
    x = c.x
    tok = c.pick("ghp_EXAMPLEa8f7d6s5a4q3w2e1r0t9y8u7i6o5", "xoxb-000000000000-EXAMPLEtoken", "sk_live_EXAMPLE51Hq2Xk8Lm3Np")
    v = f"""
        headers = {{"Authorization": "Bearer {tok}"}}  #@V
        r = requests.get("https://api.example.com/search", params={{"q": {x}}}, headers=headers, timeout=10)
        result = r.json()
    """
    s = f"""
        headers = {{"Authorization": "Bearer " + os.environ["EXAMPLE_API_TOKEN"]}}
        r = requests.get("https://api.example.com/search", params={{"q": {x}}}, headers=headers, timeout=10)
        result = r.json()
    """
    return Spec(v=v, s=s, imports="import requests", simports="import os")


@fam("secret-smtp-login", "CWE-798", fws=["script", "cli", "pipeline"], keys=["recipient"], n=8)
def secret_smtp(c):
    x = c.x
    pw = c.pick("mailpass2023", "N0tify!Me", "smtp-secret-77")
    v = f"""
        msg = EmailMessage()
        msg["To"], msg["From"], msg["Subject"] = {x}, "noreply@{c.word}.example.com", "Your {c.word}"
        msg.set_content("See attachment.")
        with smtplib.SMTP_SSL("smtp.example.com", 465, context=ssl.create_default_context()) as smtp:
            smtp.login("noreply@{c.word}.example.com", "{pw}")  #@V
            smtp.send_message(msg)
        result = "sent"
    """
    s = v.replace(f'"{pw}")  #@V', 'os.environ["SMTP_PASSWORD"])')
    return Spec(v=v, s=s, imports="import smtplib\nimport ssl\nfrom email.message import EmailMessage", simports="import os")


@fam("secret-backdoor-password", "CWE-798", fws=WEB_FWS, keys=["password"], n=8)
def secret_backdoor(c):
    x = c.x
    pw = c.pick("admin123", "letmein!", "support2024", "master-override")
    v = f"""
        if {x} == "{pw}":  #@V
            result = {{"role": "admin"}}
        elif check_password({x}):
            result = {{"role": "user"}}
        else:
            result = {{"role": None}}
    """
    s = f"""
        if check_password({x}):
            result = {{"role": "user"}}
        else:
            result = {{"role": None}}
    """
    return Spec(v=v, s=s, helpers="def check_password(pw):\n    return False", notes="hard-coded master password")


@fam("secret-jwt-signing-key", "CWE-798", fws=["cli", "script"], keys=["user_id"], n=8)
def secret_jwt(c):
    x = c.x
    key = c.pick("jwt-secret", "my-signing-key-123", "change_me_later")
    v = f"""
        claims = {{"sub": str({x}), "exp": int(time.time()) + 3600}}
        result = jwt.encode(claims, "{key}", algorithm="HS256")  #@V
    """
    s = f"""
        claims = {{"sub": str({x}), "exp": int(time.time()) + 3600}}
        result = jwt.encode(claims, os.environ["JWT_SIGNING_KEY"], algorithm="HS256")
    """
    return Spec(v=v, s=s, imports="import time\nimport jwt", simports="import os")


# ---------------- CWE-319 cleartext transmission ----------------


@fam("clear-http-credentials", "CWE-319", keys=["username"], n=9)
def clear_http(c):
    x = c.x
    host = c.pick("auth.example.com", "sso.corp.example", "api.partner.example")
    v = f"""
        r = requests.post(
            "http://{host}/oauth/token",  #@V
            data={{"username": {x}, "password": os.environ["SVC_PASSWORD"], "grant_type": "password"}},
            timeout=10,
        )
        result = r.json().get("access_token", "")[:8]
    """
    s = v.replace(f'"http://{host}/oauth/token",  #@V', f'"https://{host}/oauth/token",')
    return Spec(v=v, s=s, imports="import os\nimport requests")


@hardneg(4)
def clear_hn(c):
    s = f"""
        r = requests.get("http://localhost:9100/metrics", timeout=2)
        lines = [l for l in r.text.splitlines() if l.startswith({c.x})]
        result = lines[:20]
    """
    return Spec(s=s, imports="import requests", notes="plain http to localhost, no credentials")


@fam("clear-ftp-login", "CWE-319", fws=["script", "cli", "pipeline"], keys=["remote_file"], n=8)
def clear_ftp(c):
    x = c.x
    user = c.pick('upload', 'partner', 'ops')
    v = f"""
        ftp = FTP("ftp.{c.word}.example.com")  #@V
        ftp.login("{user}", os.environ["FTP_PASSWORD"])  #@V
        with open("export.csv", "rb") as fh:
            ftp.storbinary("STOR " + {x}, fh)
        result = ftp.quit()
    """
    s = f"""
        ftp = FTP_TLS("ftp.{c.word}.example.com", context=ssl.create_default_context())
        ftp.login("{user}", os.environ["FTP_PASSWORD"])
        ftp.prot_p()
        with open("export.csv", "rb") as fh:
            ftp.storbinary("STOR " + {x}, fh)
        result = ftp.quit()
    """
    return Spec(v=v, s=s, imports="import os", vimports="from ftplib import FTP", simports="import ssl\nfrom ftplib import FTP_TLS")


@fam("clear-smtp-no-starttls", "CWE-319", fws=["script", "cli", "pipeline"], keys=["to_addr"], n=8)
def clear_smtp(c):
    x = c.x
    v = f"""
        server = smtplib.SMTP("mail.{c.word}.example.com", 587)
        server.login("alerts", os.environ["SMTP_PASSWORD"])  #@V
        server.sendmail("alerts@{c.word}.example.com", [{x}], "Subject: alert\\n\\ndisk almost full")
        result = server.quit()
    """
    s = f"""
        server = smtplib.SMTP("mail.{c.word}.example.com", 587)
        server.starttls(context=ssl.create_default_context())
        server.login("alerts", os.environ["SMTP_PASSWORD"])
        server.sendmail("alerts@{c.word}.example.com", [{x}], "Subject: alert\\n\\ndisk almost full")
        result = server.quit()
    """
    return Spec(v=v, s=s, imports="import os\nimport smtplib", simports="import ssl")


@fam("clear-telnet", "CWE-319", fws=["script", "cli"], keys=["device"], n=8)
def clear_telnet(c):
    x = c.x
    v = f"""
        tn = telnetlib.Telnet({x}, 23, timeout=10)  #@V
        tn.read_until(b"login: ")
        tn.write(b"admin\\n")
        tn.read_until(b"Password: ")
        tn.write(os.environ["DEVICE_PASSWORD"].encode() + b"\\n")  #@V
        result = tn.read_until(b"$ ", timeout=5)
    """
    s = f"""
        ssh = paramiko.SSHClient()
        ssh.load_system_host_keys()
        ssh.connect({x}, username="admin", password=os.environ["DEVICE_PASSWORD"], timeout=10)
        result = ssh.exec_command("show version")[1].read()
    """
    return Spec(v=v, s=s, imports="import os", vimports="import telnetlib", simports="import paramiko")


@fam("clear-socket-password", "CWE-319", fws=["script", "cli"], keys=["server"], n=8)
def clear_socket(c):
    x = c.x
    port = c.pick("4000", "5555", "7001")
    v = f"""
        sock = socket.create_connection(({x}, {port}))  #@V
        sock.sendall(("AUTH " + os.environ["AGENT_SECRET"] + "\\n").encode())  #@V
        result = sock.recv(128).decode()
    """
    s = f"""
        raw = socket.create_connection(({x}, {port}))
        sock = ssl.create_default_context().wrap_socket(raw, server_hostname={x})
        sock.sendall(("AUTH " + os.environ["AGENT_SECRET"] + "\\n").encode())
        result = sock.recv(128).decode()
    """
    return Spec(v=v, s=s, imports="import os\nimport socket", simports="import ssl")


@fam("clear-http-api-key-url", "CWE-319", fws=TAINT_FWS, keys=["city", "symbol"], n=8)
def clear_apikey(c):
    x = c.x
    url = c.fmt("http://api.{}.example.com/v2/lookup?key={}&q={}", "REGION", "API_KEY", "quote(" + x + ")")
    v = f"""
        url = {url}  #@V
        result = urllib.request.urlopen(url, timeout=10).read()[:500]  #@V
    """
    s = f"""
        url = {url.replace("http://api.", "https://api.")}
        result = urllib.request.urlopen(url, timeout=10).read()[:500]
    """
    return Spec(v=v, s=s, imports="import os\nimport urllib.request\nfrom urllib.parse import quote",
                helpers='API_KEY = os.environ["LOOKUP_API_KEY"]\nREGION = "eu"')
