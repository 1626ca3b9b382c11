"""Train-only hashing, randomness, cipher and regex families in new shapes (groups 327/328/916, 330/338,
400/1333): API access tokens stored and looked up by an MD5/SHA-1 digest (hashlib, ``from hashlib import``,
HMAC-MD5), link-signing keys drawn at start-up from uuid1 or the clock (itsdangerous, hmac, django.core.signing),
scrypt password hashes with a test-sized cost (hashlib.scrypt, cryptography's Scrypt, passlib's scrypt),
a column encrypted with AES-ECB so it can be looked up by equality (PyCryptodome, cryptography; the fix is
deterministic AES-SIV), RSA signing keys generated with 1024 bits (cryptography, PyCryptodome), and
comma/space/slash separated list validators whose optional separator makes the regex backtrack exponentially.
Framework labels come from the shells (flask, django, fastapi, aiohttp, script, cli, pipeline)."""
from core import Spec, shell
from registry import WEB_FWS, fam, hardneg


def _pair(c, v, s, hv, hs, imports="", vimports="", simports="", notes="", ret="result"):
    """Both modules through the framework shell, with different module-level helpers; the shell's
    random draws are replayed for the twin, so the pair differs only in the fix."""
    c.n("handler"), c.n("result")
    st = c.snapshot()
    vm = shell(c, v, Spec(helpers=hv, ret=ret), imports + "\n" + vimports)
    c.restore(st)
    sm = shell(c, s, Spec(helpers=hs, ret=ret), imports + "\n" + simports)
    return Spec(v=vm, s=sm, full=True, notes=notes)


# ---------------- CWE-328: API access tokens stored and looked up by an MD5/SHA-1 digest ----------------


def _tok_store(c, d, mode):
    """(imports, module constants, body tail) for the token table: sqlite, redis or the Django ORM."""
    opts = ["sqlite", "redis"] + (["orm"] if c.fw == "django" else [])
    store = c.pick(*opts)
    x = c.x
    if store == "sqlite":
        consts = f'DB_PATH = "{c.pick("tokens.db", "/srv/" + c.word + "/auth.db", "instance/api.sqlite3")}"'
        if mode == "verify":
            tail = ("with sqlite3.connect(DB_PATH) as db:\n"
                    "    row = db.execute(\n"
                    '        "SELECT owner_id, scopes FROM api_tokens WHERE token_digest = ? AND revoked = 0",\n'
                    f"        ({d},),\n"
                    "    ).fetchone()\n"
                    "if row is None:\n"
                    '    result = {"authenticated": False}\n'
                    "else:\n"
                    '    result = {"authenticated": True, "owner": row[0], "scopes": row[1].split()}')
        else:
            tail = ("with sqlite3.connect(DB_PATH) as db:\n"
                    '    db.execute("INSERT INTO api_tokens (label, token_digest) VALUES (?, ?)", '
                    f"({x}, {d}))\n"
                    f'result = {{"label": {x}, "token": raw_token}}')
        return "import sqlite3", consts, tail
    if store == "redis":
        consts = 'TOKENS = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))'
        if mode == "verify":
            tail = (f'owner = TOKENS.hget(f"apitoken:{{{d}}}", "owner")\n'
                    'result = {"authenticated": owner is not None, "owner": owner.decode() if owner else None}')
        else:
            tail = (f'TOKENS.hset(f"apitoken:{{{d}}}", mapping={{"label": {x}, "created": int(time.time())}})\n'
                    f'result = {{"label": {x}, "token": raw_token}}')
        return "import os\nimport redis" + ("\nimport time" if mode == "issue" else ""), consts, tail
    if mode == "verify":
        tail = (f"tok = ApiToken.objects.filter(digest={d}, revoked=False).select_related(\"owner\").first()\n"
                'result = {"authenticated": tok is not None, "owner": tok.owner.username if tok else None}')
    else:
        tail = (f"ApiToken.objects.create(label={x}, digest={d})\n"
                f'result = {{"label": {x}, "token": raw_token}}')
    return "from tokens.models import ApiToken", "", tail


@fam("hash-api-token-md5-digest-lookup", "CWE-328", fws=WEB_FWS + ["pipeline"],
     keys=["api_key", "access_token"], n=8)
def hash_token_digest(c):
    mode = "verify" if c.key in ("api_key", "access_token") else "issue"
    if mode == "verify" and c.fw in WEB_FWS:
        c.src = c.pick("header", "header", "json")  # a credential travels in a header or a body, not a URL
    d = c.pick("digest_hex", "lookup_hash", "key_hash", "fingerprint")
    imp, consts, tail = _tok_store(c, d, mode)
    shape = c.pick("md5", "from_sha1", "hmac_md5", "inline")
    src = c.x if mode == "verify" else "raw_token"
    head = "" if mode == "verify" else "raw_token = secrets.token_urlsafe(32)\n"
    vimp = simp = ""
    pre = consts
    if shape == "md5":
        hv = ("def token_digest(raw: str) -> str:\n"
              "    return hashlib.md5(raw.encode()).hexdigest()  #@V")
        hs = hv.replace("hashlib.md5", "hashlib.sha256").replace("  #@V", "")
        line = f"{d} = token_digest({src})"
        imps = "import hashlib"
    elif shape == "from_sha1":
        hv = ("def token_digest(raw: str) -> str:\n"
              '    """Hex digest stored in place of the token; the token itself is shown once."""\n'
              '    return sha1(raw.encode("utf-8")).hexdigest()  #@V')
        hs = hv.replace("sha1(", "sha256(").replace("  #@V", "")
        vimp, simp = "from hashlib import sha1", "from hashlib import sha256"
        line = f"{d} = token_digest({src})"
        imps = ""
    elif shape == "hmac_md5":
        pre = (consts + "\n" if consts else "") + 'TOKEN_PEPPER = os.environ["TOKEN_PEPPER"].encode()'
        hv = ("def token_digest(raw: str) -> str:\n"
              "    return hmac.new(TOKEN_PEPPER, raw.encode(), hashlib.md5).hexdigest()  #@V")
        hs = hv.replace("hashlib.md5", "hashlib.sha256").replace("  #@V", "")
        line = f"{d} = token_digest({src})"
        imps = "import hashlib\nimport hmac\nimport os"
    else:
        hv = hs = ""
        alg = c.pick("md5", "sha1")
        line = f"{d} = hashlib.{alg}({src}.encode()).hexdigest()  #@V"
        imps = "import hashlib"
    sline = line.replace("hashlib.md5", "hashlib.sha256").replace("hashlib.sha1", "hashlib.sha256").replace("  #@V", "")
    if mode == "issue":
        imps += "\nimport secrets"
    hv = "\n\n\n".join(p for p in (pre, hv) if p)
    hs = "\n\n\n".join(p for p in (pre, hs) if p)
    vbody = head + line + "\n" + tail
    sbody = head + sline + "\n" + tail
    what = "looked up" if mode == "verify" else "stored"
    return _pair(c, vbody, sbody, hv, hs, imports=imps + "\n" + imp, vimports=vimp, simports=simp,
                 notes=f"API access tokens are {what} by an MD5/SHA-1 digest (plain or HMAC-MD5): both hash functions "
                       "are broken (practical collisions) and disallowed for security uses such as the digests a credential "
                       "table is kept and searched by; the fix keeps the same lookup with SHA-256")


@hardneg(3)
def hash_token_digest_hn(c):
    mode = "verify" if c.key in ("api_key", "access_token") else "issue"
    d = c.pick("digest_hex", "lookup_hash")
    imp, consts, tail = _tok_store(c, d, mode)
    src = c.x if mode == "verify" else "raw_token"
    head = "" if mode == "verify" else "raw_token = secrets.token_urlsafe(32)\n"
    helpers = ((consts + "\n\n\n" if consts else "")
               + "def token_digest(raw: str) -> str:\n"
               "    return hashlib.sha256(raw.encode()).hexdigest()\n\n\n"
               "def response_etag(payload: dict) -> str:\n"
               '    """Cache validator for the JSON body, not a credential."""\n'
               "    return hashlib.md5(json.dumps(payload, sort_keys=True).encode(), usedforsecurity=False).hexdigest()")
    body = head + f"{d} = token_digest({src})\n" + tail + '\nresult = {**result, "etag": response_etag(result)}'
    imps = "import hashlib\nimport json\n" + imp + ("\nimport secrets" if mode == "issue" else "")
    return Spec(s=body, helpers=helpers, imports=imps,
                notes="token digests are SHA-256; MD5 (usedforsecurity=False) only builds an ETag of the response")


# ---------------- CWE-330: link-signing key drawn at start-up from uuid1 or the clock ----------------


def _weak_key(c):
    kind = c.pick("uuid1_hex", "uuid1_str", "sha_time", "host_time")
    if kind == "uuid1_hex":
        v = "LINK_KEY = uuid.uuid1().hex  #@V"
        imps = "import uuid"
    elif kind == "uuid1_str":
        v = "LINK_KEY = str(uuid.uuid1())  # regenerated on every deploy  #@V"
        imps = "import uuid"
    elif kind == "sha_time":
        v = "LINK_KEY = hashlib.sha256(str(time.time()).encode()).hexdigest()  #@V"
        imps = "import hashlib\nimport time"
    else:
        v = 'LINK_KEY = f"{socket.gethostname()}-{os.getpid()}-{time.time()}"  #@V'
        imps = "import os\nimport socket\nimport time"
    s = c.pick("LINK_KEY = secrets.token_hex(32)", 'LINK_KEY = os.environ["LINK_SIGNING_KEY"]')
    simps = "import secrets" if "secrets" in s else "import os"
    return v, s, imps, simps


@fam("rand-link-signing-key-uuid1-clock", "CWE-330", fws=WEB_FWS,
     keys=["email", "subscriber_email", "invitee"], n=8)
def rand_link_key(c):
    x = c.x
    opts = ["itsdangerous", "hmac"] + (["django_signing"] if c.fw == "django" else [])
    shape = c.pick(*opts)
    vk, sk, vimps, simps = _weak_key(c)
    base = c.pick(f"https://{c.word}s.example.com", f"https://app.{c.word}-hub.io", "https://mail.example.org")
    purpose = c.pick("confirm", "unsubscribe", "accept-invite")
    if shape == "itsdangerous":
        rest = f'SERIALIZER = URLSafeTimedSerializer(LINK_KEY, salt="{purpose}")'
        body = (f"addr = {x}.strip().lower()\n"
                'token = SERIALIZER.dumps({"email": addr})\n'
                f'send_link_email(addr, "{base}/{purpose}/" + token)\n'
                'result = {"sent": True}')
        imps = "from itsdangerous import URLSafeTimedSerializer"
        what = "an itsdangerous serializer"
    elif shape == "hmac":
        rest = ""
        body = (f"addr = {x}.strip().lower()\n"
                f'sig = hmac.new(LINK_KEY.encode(), f"{purpose}:{{addr}}".encode(), hashlib.sha256).hexdigest()\n'
                f'send_link_email(addr, "{base}/{purpose}?" + urlencode({{"email": addr, "sig": sig}}))\n'
                'result = {"sent": True}')
        imps = "import hashlib\nimport hmac\nfrom urllib.parse import urlencode"
        what = "an HMAC-SHA256 link signature"
    else:
        rest = ""
        body = (f"addr = {x}.strip().lower()\n"
                f'token = signing.dumps({{"email": addr}}, key=LINK_KEY, salt="{purpose}")\n'
                f'send_link_email(addr, "{base}/{purpose}/" + token + "/")\n'
                'result = {"sent": True}')
        imps = "from django.core import signing"
        what = "django.core.signing"
    hv = vk + ("\n" + rest if rest else "")
    hs = sk + ("\n" + rest if rest else "")
    imps += "\nfrom app.mail import send_link_email"
    return _pair(c, body, body, hv, hs, imports=imps, vimports=vimps, simports=simps,
                 notes=f"the key behind {what} for {purpose} links is built at start-up from uuid1 or the clock "
                       "(a 100-ns timestamp, a 14-bit clock sequence and the MAC address, or time/pid/host name), so "
                       "one captured link lets an attacker search the small key space offline and then sign links for "
                       "any address; the fix takes the key from secrets (CSPRNG) or from configuration")


@hardneg(3)
def rand_link_key_hn(c):
    x = c.x
    purpose = c.pick("confirm", "unsubscribe")
    key = c.pick('LINK_KEY = os.environ["LINK_SIGNING_KEY"]', "LINK_KEY = secrets.token_hex(32)")
    helpers = key + f'\nSERIALIZER = URLSafeTimedSerializer(LINK_KEY, salt="{purpose}")'
    body = (f"addr = {x}.strip().lower()\n"
            'token = SERIALIZER.dumps({"email": addr, "link_id": uuid.uuid4().hex, "issued": int(time.time())})\n'
            f'send_link_email(addr, "https://{c.word}s.example.com/{purpose}/" + token)\n'
            'result = {"sent": True}')
    return Spec(s=body, helpers=helpers,
                imports="import os\nimport secrets\nimport time\nimport uuid\nfrom itsdangerous import URLSafeTimedSerializer\n"
                        "from app.mail import send_link_email",
                notes="signing key from configuration or secrets; uuid4 and the clock only label and date the link")


# ---------------- CWE-916: scrypt password hash with a test-sized cost ----------------


def _acct(c):
    if c.fw in ("script", "cli"):
        return ("import os\nfrom app.accounts import set_password_hash",
                'account = os.environ.get("ACCOUNT", "admin")\n')
    return ("from app.accounts import current_account_id, set_password_hash",
            "account = current_account_id()\n")


def _pw_src(c):
    """A password arrives in a request body, or is typed in / set in the environment for a script."""
    c.src = {"flask": c.pick("form", "json"), "django": c.pick("form", "json"), "fastapi": "json",
             "script": c.pick("input", "env")}[c.fw]


@fam("hash-scrypt-low-cost-parameters", "CWE-916", fws=["flask", "django", "fastapi", "script", "script"],
     keys=["password", "new_password"], n=8)
def hash_scrypt_low(c):
    _pw_src(c)
    x = c.x
    imp_acct, acct = _acct(c)
    n = c.pick("2**4", "2**8", "16", "1024", "2**10")
    r = c.pick(8, 8, 1)
    shape = c.pick("hashlib_line", "hashlib_multi", "cryptography", "passlib")
    if shape == "hashlib_line":
        hv = ("def hash_password(pw: str) -> str:\n"
              "    salt = os.urandom(16)\n"
              f"    key = hashlib.scrypt(pw.encode(), salt=salt, n={n}, r={r}, p=1, dklen=32)  #@V\n"
              '    return f"scrypt${salt.hex()}${key.hex()}"')
        hs = hv.replace(f"n={n}, r={r}", "n=2**14, r=8").replace("  #@V", "")
        imps = "import hashlib\nimport os"
    elif shape == "hashlib_multi":
        hv = ("SCRYPT_SALT_BYTES = 16\n\n\n"
              "def hash_password(pw: str) -> str:\n"
              "    salt = secrets.token_bytes(SCRYPT_SALT_BYTES)\n"
              "    key = hashlib.scrypt(\n"
              "        pw.encode(\"utf-8\"),\n"
              "        salt=salt,\n"
              f"        n={n},  # cost  #@V\n"
              f"        r={r},\n"
              "        p=1,\n"
              "    )\n"
              '    return "$".join(["scrypt", salt.hex(), key.hex()])')
        hs = hv.replace(f"n={n},  # cost  #@V", "n=2**14,  # cost").replace(f"r={r},", "r=8,")
        imps = "import hashlib\nimport secrets"
    elif shape == "cryptography":
        hv = ("def hash_password(pw: str) -> str:\n"
              "    salt = os.urandom(16)\n"
              f"    kdf = Scrypt(salt=salt, length=32, n={n}, r={r}, p=1)  #@V\n"
              '    return base64.b64encode(salt + kdf.derive(pw.encode())).decode()')
        hs = hv.replace(f"n={n}, r={r}", "n=2**14, r=8").replace("  #@V", "")
        imps = "import base64\nimport os\nfrom cryptography.hazmat.primitives.kdf.scrypt import Scrypt"
    else:
        rounds = c.pick(4, 6, 8, 10)
        hv = f"PW_HASHER = scrypt.using(rounds={rounds})  # log2(N)  #@V"
        hs = "PW_HASHER = scrypt.using(rounds=16)  # log2(N)"
        imps = "from passlib.hash import scrypt"
    call = "PW_HASHER.hash" if shape == "passlib" else "hash_password"
    d = c.pick("pw_hash", "stored_hash", "hashed")
    body = (f"if len({x}) < 10:\n"
            '    raise ValueError("password too short")\n'
            + acct + f"{d} = {call}({x})\n"
            f"set_password_hash(account, {d})\n"
            'result = "password updated"')
    return _pair(c, body, body, hv, hs, imports=imps + "\n" + imp_acct,
                 notes="the password is hashed with scrypt at a test-sized cost (N far below 2**14, or r=1), so each "
                       "guess needs at most 1 MiB (a few KiB for the smallest N) and about a millisecond or less, and a leaked hash falls to a GPU at nearly fast-hash "
                       "speed; the fix uses N=2**14, r=8, p=1 (16 MiB, Django's and cryptography's interactive-login "
                       "parameters; passlib's default rounds=16)")


@hardneg(3)
def hash_scrypt_low_hn(c):
    _pw_src(c)
    x = c.x
    imp_acct, acct = _acct(c)
    shape = c.pick("maxmem", "verify")
    if shape == "maxmem":
        helpers = ("def hash_password(pw: str) -> str:\n"
                   "    salt = os.urandom(16)\n"
                   "    key = hashlib.scrypt(pw.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)\n"
                   '    return f"scrypt$15${salt.hex()}${key.hex()}"')
        body = acct + f"set_password_hash(account, hash_password({x}))\nresult = \"password updated\""
    else:
        helpers = ("def check_password(pw: str, stored: str) -> bool:\n"
                   '    _, salt_hex, key_hex = stored.split("$")\n'
                   "    key = hashlib.scrypt(pw.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1, dklen=32)\n"
                   "    return hmac.compare_digest(key, bytes.fromhex(key_hex))")
        body = (acct + f"stored = get_password_hash(account)\n"
                f"result = bool(stored) and check_password({x}, stored)")
        imp_acct = imp_acct.replace("set_password_hash", "get_password_hash")
    return Spec(s=body, helpers=helpers, imports="import hashlib\nimport hmac\nimport os\n" + imp_acct,
                notes="scrypt with N=2**14 or more and r=8 (memory limit raised where N=2**15 needs it)")


# ---------------- CWE-327: AES-ECB used to make a column deterministically searchable ----------------


def _col_lookup(c, fld, sealed):
    shape = c.pick("sqlite", "sqlalchemy") if c.fw != "django" else c.pick("sqlite", "orm")
    if shape == "sqlite":
        return ("import sqlite3",
                f'with sqlite3.connect("{c.pick("customers.db", "/srv/crm/crm.db")}") as db:\n'
                f'    rows = db.execute("SELECT id, display_name FROM customers WHERE {fld}_enc = ?", ({sealed},)).fetchall()\n'
                'result = [{"id": r[0], "name": r[1]} for r in rows]')
    if shape == "sqlalchemy":
        return ("from sqlalchemy import select\nfrom crm.db import SessionLocal\nfrom crm.models import Customer",
                "with SessionLocal() as session:\n"
                f"    found = session.scalars(select(Customer).where(Customer.{fld}_enc == {sealed})).all()\n"
                'result = [{"id": cu.id, "name": cu.display_name} for cu in found]')
    return ("from crm.models import Customer",
            f'result = list(Customer.objects.filter({fld}_enc={sealed}).values("id", "display_name"))')


@fam("crypto-ecb-searchable-column", "CWE-327", fws=WEB_FWS + ["pipeline"],
     keys=["iban", "email", "billing_address"], n=8)
def crypto_ecb_column(c):
    x, fld = c.x, c.key
    sealed = c.pick("sealed", "needle", "enc_value")
    imp, tail = _col_lookup(c, fld, sealed)
    keyl = 'COLUMN_KEY = bytes.fromhex(os.environ["COLUMN_KEY_HEX"])  # 32 bytes'
    lib = c.pick("pycryptodome", "cryptography")
    norm = c.pick(".strip().upper()", ".strip().lower()", ".strip()")
    if lib == "pycryptodome":
        hv = (keyl + "\n\n\n"
              "def seal(value: str) -> bytes:\n"
              '    """Deterministic, so equal values give equal ciphertexts and the column can be searched."""\n'
              "    cipher = AES.new(COLUMN_KEY, AES.MODE_ECB)  #@V\n"
              "    return cipher.encrypt(pad(value.encode(), AES.block_size))")
        hs = (keyl + "\n\n\n"
              "def seal(value: str) -> bytes:\n"
              '    """Deterministic, so equal values give equal ciphertexts and the column can be searched."""\n'
              "    cipher = AES.new(COLUMN_KEY, AES.MODE_SIV)\n"
              "    ct, tag = cipher.encrypt_and_digest(value.encode())\n"
              "    return tag + ct")
        imps = "import os\nfrom Crypto.Cipher import AES"
        vimps, simps = "from Crypto.Util.Padding import pad", ""
    else:
        hv = (keyl + "\n\n\n"
              "def seal(value: str) -> bytes:\n"
              "    padder = padding.PKCS7(128).padder()\n"
              "    data = padder.update(value.encode()) + padder.finalize()\n"
              "    enc = Cipher(algorithms.AES(COLUMN_KEY), modes.ECB()).encryptor()  #@V\n"
              "    return enc.update(data) + enc.finalize()")
        hs = (keyl + "\n\n\n"
              "def seal(value: str) -> bytes:\n"
              f'    return AESSIV(COLUMN_KEY).encrypt(value.encode(), [b"customers.{fld}"])')
        imps = "import os"
        vimps = ("from cryptography.hazmat.primitives import padding\n"
                 "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        simps = "from cryptography.hazmat.primitives.ciphers.aead import AESSIV"
    body = f"{sealed} = seal({x}{norm})\n" + tail
    return _pair(c, body, body, hv, hs, imports=imps + "\n" + imp, vimports=vimps, simports=simps,
                 notes=f"the {fld} column is encrypted with AES-ECB so it can be searched by equality, but ECB encrypts "
                       "each 16-byte block on its own: shared prefixes (country and bank codes, e-mail local parts, "
                       "street names) show as equal blocks across rows, and blocks can be swapped between rows "
                       "undetected; the fix keeps the lookup deterministic with AES-SIV, which leaks only whole-value "
                       "equality and authenticates the ciphertext")


@hardneg(3)
def crypto_ecb_column_hn(c):
    x, fld = c.x, c.key
    imp, tail = _col_lookup(c, fld, "index")
    helpers = ('COLUMN_KEY = bytes.fromhex(os.environ["COLUMN_KEY_HEX"])\n'
               'INDEX_KEY = bytes.fromhex(os.environ["INDEX_KEY_HEX"])\n\n\n'
               "def seal(value: str) -> bytes:\n"
               "    nonce = os.urandom(12)\n"
               "    return nonce + AESGCM(COLUMN_KEY).encrypt(nonce, value.encode(), None)\n\n\n"
               "def blind_index(value: str) -> bytes:\n"
               "    return hmac.new(INDEX_KEY, value.encode(), hashlib.sha256).digest()")
    body = f"index = blind_index({x}.strip())\n" + tail.replace(f"{fld}_enc", f"{fld}_bidx")
    return Spec(s=body, helpers=helpers,
                imports="import hashlib\nimport hmac\nimport os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n" + imp,
                notes="searchable column done with an HMAC-SHA256 blind index; the value itself is sealed with AES-GCM")


# ---------------- CWE-327 (group 327/328/916; the CWE-326 case): RSA signing keys generated with 1024 bits ----------------


@fam("crypto-rsa-1024-signing-keygen", "CWE-327", fws=["script", "cli"],
     keys=["tenant", "issuer", "key_id"], n=8, wrap=False)
def crypto_rsa_1024(c):
    x = c.x
    bits = 1024  # PyCryptodome and cryptography >= 43 refuse keys under 1024 bits
    shape = c.pick("crypt_line", "crypt_multi", "crypt_const", "pycryptodome")
    store = ("from app.keystore import save_signing_key", "save_signing_key")
    if shape == "crypt_line":
        hv = ("def new_signing_key() -> rsa.RSAPrivateKey:\n"
              f"    return rsa.generate_private_key(public_exponent=65537, key_size={bits})  #@V")
        hs = hv.replace(f"key_size={bits}", "key_size=3072").replace("  #@V", "")
    elif shape == "crypt_multi":
        hv = ("def new_signing_key() -> rsa.RSAPrivateKey:\n"
              "    return rsa.generate_private_key(\n"
              "        public_exponent=65537,\n"
              f"        key_size={bits},  #@V\n"
              "    )")
        hs = hv.replace(f"key_size={bits},  #@V", "key_size=3072,")
    elif shape == "crypt_const":
        hv = (f"SIGNING_KEY_BITS = {bits}  #@V\n\n\n"
              "def new_signing_key() -> rsa.RSAPrivateKey:\n"
              "    return rsa.generate_private_key(public_exponent=65537, key_size=SIGNING_KEY_BITS)")
        hs = hv.replace(f"SIGNING_KEY_BITS = {bits}  #@V", "SIGNING_KEY_BITS = 3072")
    else:
        hv = ("def new_signing_key():\n"
              f"    return RSA.generate({bits})  #@V")
        hs = hv.replace(f"RSA.generate({bits})", "RSA.generate(3072)").replace("  #@V", "")
    if shape == "pycryptodome":
        body = ("key = new_signing_key()\n"
                f'manifest = json.dumps({{"{c.key}": {x}, "created": int(time.time())}}, sort_keys=True).encode()\n'
                "signature = pss.new(key).sign(SHA256.new(manifest))\n"
                f'{store[1]}({x}, key.export_key(format="PEM", pkcs=8, passphrase=os.environ["KEY_PASSPHRASE"], '
                'protection="scryptAndAES128-CBC"))\n'
                'result = {"public_key": key.publickey().export_key().decode(), "signature": signature.hex()}')
        imps = "import json\nimport os\nimport time\nfrom Crypto.Hash import SHA256\nfrom Crypto.PublicKey import RSA\nfrom Crypto.Signature import pss"
    else:
        body = ("key = new_signing_key()\n"
                f'manifest = json.dumps({{"{c.key}": {x}, "created": int(time.time())}}, sort_keys=True).encode()\n'
                "signature = key.sign(\n"
                "    manifest,\n"
                "    padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),\n"
                "    hashes.SHA256(),\n"
                ")\n"
                "pem = key.private_bytes(\n"
                "    serialization.Encoding.PEM,\n"
                "    serialization.PrivateFormat.PKCS8,\n"
                '    serialization.BestAvailableEncryption(os.environ["KEY_PASSPHRASE"].encode()),\n'
                ")\n"
                f"{store[1]}({x}, pem)\n"
                "public_pem = key.public_key().public_bytes(\n"
                "    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo\n"
                ")\n"
                'result = {"public_key": public_pem.decode(), "signature": signature.hex()}')
        imps = ("import json\nimport os\nimport time\nfrom cryptography.hazmat.primitives import hashes, serialization\n"
                "from cryptography.hazmat.primitives.asymmetric import padding, rsa")
    return _pair(c, body, body, hv, hs, imports=imps + "\n" + store[0],
                 notes=f"the signing key for each {c.key} is an RSA key of {bits} bits, about 80 bits of security or "
                       "less and disallowed for signatures since 2013 (NIST SP 800-131A): whoever factors the public key "
                       "can sign manifests in its name; the fix generates 3072-bit keys (128-bit security). Inadequate key "
                       "strength (CWE-326) labelled CWE-327, the model CWE of group 327/328/916")


@hardneg(3)
def crypto_rsa_1024_hn(c):
    x = c.x
    shape = c.pick("rsa4096", "ed25519")
    if shape == "rsa4096":
        helpers = ("SIGNING_KEY_BITS = 4096\n\n\n"
                   "def new_signing_key() -> rsa.RSAPrivateKey:\n"
                   "    return rsa.generate_private_key(public_exponent=65537, key_size=SIGNING_KEY_BITS)")
        sign = ("signature = key.sign(manifest, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), "
                "salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())")
        imps = "from cryptography.hazmat.primitives.asymmetric import padding, rsa\nfrom cryptography.hazmat.primitives import hashes, serialization"
    else:
        helpers = ("def new_signing_key() -> ed25519.Ed25519PrivateKey:\n"
                   "    return ed25519.Ed25519PrivateKey.generate()")
        sign = "signature = key.sign(manifest)"
        imps = "from cryptography.hazmat.primitives.asymmetric import ed25519\nfrom cryptography.hazmat.primitives import serialization"
    body = ("key = new_signing_key()\n"
            f'manifest = json.dumps({{"{c.key}": {x}}}, sort_keys=True).encode()\n'
            + sign + "\n"
            "public_pem = key.public_key().public_bytes(\n"
            "    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo\n"
            ")\n"
            'result = {"public_key": public_pem.decode(), "signature": signature.hex()}')
    return Spec(s=body, helpers=helpers, imports="import json\n" + imps,
                notes="signing key generated as RSA-4096 or Ed25519")


# ---------------- CWE-1333: delimited-list validators with an optional separator ----------------


_LISTS = {
    # key: (vulnerable pattern, linear pattern, what)
    "tags": (r"^([a-z0-9-]+,?)*$", r"^[a-z0-9-]+(,[a-z0-9-]+)*$", "comma-separated tags"),
    "scopes": (r"^(\w+(:\w+)? ?)*$", r"^\w+(:\w+)?( \w+(:\w+)?)*$", "space-separated OAuth scopes"),
    "columns": (r"^(\s*\w+\s*,?)*$", r"^\s*\w+\s*(,\s*\w+\s*)*$", "a CSV header line"),
    "series": (r"^(-?\d+(\.\d+)?,?)*$", r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?)*$", "a CSV row of numbers"),
    "folder_path": (r"^(/?[\w.-]+)*/?$", r"^/?([\w.-]+/)*[\w.-]*$", "a slash-separated folder path"),
}


@fam("redos-delimited-list-validator", "CWE-1333", fws=WEB_FWS + ["pipeline"],
     keys=list(_LISTS), n=8)
def redos_list(c):
    x = c.x
    bad, good, what = _LISTS[c.key]
    const = c.pick("LIST_RE", f"{c.key.upper()}_RE", "ALLOWED_FORMAT")
    shape = c.pick("compiled", "inline_match", "fullmatch_str", "split_after")
    err = c.pick(f'raise ValueError("invalid {c.key}")', f'return_error = "invalid {c.key}"')
    if err.startswith("return_error"):
        fail = f'    result = {{"error": "invalid {c.key}"}}\nelse:\n'
    else:
        fail = f"    {err}\n"
    sep = {"scopes": " ", "folder_path": "/"}.get(c.key, ",")
    after = c.pick(
        f'items = [p.strip() for p in {x}.split("{sep}") if p.strip()]\nresult = {{"count": len(items), "items": items}}',
        f'result = {{"{c.key}": {x}, "length": len({x})}}',
    )
    if fail.endswith("else:\n"):
        after = "\n".join("    " + l for l in after.split("\n"))
    if shape == "compiled":
        hv = f'{const} = re.compile(r"{bad}")  #@V'
        hs = f'{const} = re.compile(r"{good}")'
        check = f"if not {const}.fullmatch({x}):\n"
        vcheck = scheck = check
    elif shape == "inline_match":
        hv = hs = ""
        vcheck = f'if not re.match(r"{bad}", {x}):  #@V\n'
        scheck = f'if not re.match(r"{good}", {x}):\n'
    elif shape == "fullmatch_str":
        hv = f'{const} = r"{bad}"  #@V'
        hs = f'{const} = r"{good}"'
        vcheck = f"if re.fullmatch({const}, {x}) is None:  #@V\n"
        scheck = f"if re.fullmatch({const}, {x}) is None:\n"
    else:
        hv = f'{const} = re.compile(r"{bad}")  #@V'
        hs = f'{const} = re.compile(r"{good}")'
        vcheck = scheck = f"if {const}.match({x}) is None:\n"
    vbody = vcheck + fail + after
    sbody = scheck + fail + after
    return _pair(c, vbody, sbody, hv, hs, imports="import re",
                 notes=f"the validator for {what} repeats a group whose separator is optional, so a long run of "
                       "item characters can be split between iterations in exponentially many ways; one request with "
                       "a few dozen characters and a bad last one pins a worker in backtracking; the fix makes the "
                       "separator mandatory between items, which accepts the same lists (bar an empty value or a trailing "
                       "separator) in linear time")


@hardneg(3)
def redos_list_hn(c):
    x = c.x
    _, good, what = _LISTS[c.key]
    shape = c.pick("linear", "split_items")
    if shape == "linear":
        helpers = f'LIST_RE = re.compile(r"{good}")\nMAX_LEN = 512'
        body = (f"if len({x}) > MAX_LEN or not LIST_RE.fullmatch({x}):\n"
                f'    raise ValueError("invalid {c.key}")\n'
                f'result = {{"{c.key}": {x}}}')
    else:
        helpers = 'ITEM_RE = re.compile(r"[\\w.:-]{1,64}")'
        body = (f'items = [p.strip() for p in re.split(r"[,/ ]", {x}) if p.strip()]\n'
                "if not items or not all(ITEM_RE.fullmatch(p) for p in items):\n"
                f'    raise ValueError("invalid {c.key}")\n'
                'result = {"count": len(items), "items": items}')
    return Spec(s=body, helpers=helpers, imports="import re",
                notes=f"{what} validated with an unambiguous pattern (or split first, each item checked by a bounded class)")
