"""Train-only crypto and randomness families on APIs no other family uses (groups 327/328/916,
330/338, 347): PyCryptodome AES-CTR with a nonce that never changes, PyCryptodome RSA signatures
over SHA-1 / MD5 digests (Crypto.Hash + Crypto.Signature), nanoid's ``non_secure_generate`` for
invite codes, API keys and share links, pyotp TOTP/HOTP secrets derived from uuid1 or the clock,
password hashes made with one HMAC keyed by the salt, and python-rsa's ``rsa.verify`` whose
VerificationError is logged and then ignored.

Written without reading the held-out families; every family here goes to train
(generate.assign_splits). Framework labels: the framework shells (flask, django, fastapi,
aiohttp, script, cli, pipeline)."""
from core import Spec
from module_kit import shell_pair as _pair
from registry import hardneg, fam


# ---------------- CWE-327: PyCryptodome AES-CTR with a static nonce ----------------


def _ctr_keys(c):
    src = c.pick("env", "file")
    if src == "env":
        return ('ENC_KEY = bytes.fromhex(os.environ["FIELD_ENC_KEY"])  # 32 bytes\n'
                'MAC_KEY = bytes.fromhex(os.environ["FIELD_MAC_KEY"])')
    d = c.pick(f"/etc/{c.word}/keys", "/run/secrets")
    return (f'with open("{d}/field.key", "rb") as _fh:\n    ENC_KEY = _fh.read(32)\n'
            f'with open("{d}/field-mac.key", "rb") as _fh:\n    MAC_KEY = _fh.read(32)')


def _ctr_seal(new_line, extra_lines=""):
    return ("def seal(value: str) -> str:\n"
            + extra_lines
            + f"    {new_line}\n"
            "    ct = cipher.encrypt(value.encode())\n"
            "    blob = cipher.nonce + ct\n"
            "    tag = hmac.new(MAC_KEY, blob, hashlib.sha256).digest()\n"
            "    return base64.urlsafe_b64encode(blob + tag).decode()")


def _ctr_store(c):
    store = c.pick("sqlite", "dict", "token")
    x, fld = c.x, c.key
    if store == "sqlite":
        db = c.pick("vault.db", f"/srv/{c.word}/records.db")
        return ("import sqlite3", f'DB_PATH = "{db}"',
                f"with sqlite3.connect(DB_PATH) as db:\n"
                f'    cur = db.execute("INSERT INTO {c.word}_secure ({fld}_enc) VALUES (?)", (seal({x}),))\n'
                f"result = cur.lastrowid")
    if store == "dict":
        return ("import secrets", "VAULT: dict[str, str] = {}",
                f"ref = secrets.token_hex(8)\nVAULT[ref] = seal({x})\nresult = ref")
    return ("", "", f'result = {{"{fld}": seal({x}), "v": 1}}')


@fam("crypto-pycryptodome-ctr-static-nonce", "CWE-327",
     fws=["flask", "django", "fastapi", "aiohttp", "script", "pipeline"],
     keys=["note", "ssn", "card_number", "diagnosis"], n=8)
def crypto_ctr_static(c):
    keys = _ctr_keys(c)
    simp, consts, body = _ctr_store(c)
    shape = c.pick("const", "inline", "counter", "label")
    vimports = ""
    simports = "from Crypto.Random import get_random_bytes"
    vconst = ""
    if shape == "const":
        vconst = c.pick("STATIC_NONCE = bytes(8)  #@V", 'STATIC_NONCE = b"\\x00" * 8  #@V')
        bad = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=STATIC_NONCE)  #@V")
        good = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=get_random_bytes(8))")
    elif shape == "inline":
        bad = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=bytes(8))  #@V")
        good = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=get_random_bytes(8))")
    elif shape == "counter":
        iv = c.pick("1", "0")
        bad = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, counter=ctr)  #@V",
                        f"    ctr = Counter.new(128, initial_value={iv})  #@V\n")
        good = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR)  # fresh random 8-byte nonce")
        vimports = "from Crypto.Util import Counter"
        simports = ""
    else:
        label = c.pick(f"{c.key[:5]}-v1", f"{c.word[:4]}-enc", "fieldenc")[:8].ljust(8, "0")
        vconst = f'FIELD_LABEL = b"{label}"  #@V'
        bad = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=FIELD_LABEL)  #@V")
        good = _ctr_seal("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=get_random_bytes(8))")
    head = "\n".join(p for p in (consts, keys) if p)
    hv = head + ("\n" + vconst if vconst else "") + "\n\n\n" + bad
    hs = head + "\n\n\n" + good
    return _pair(c, body, body, hv, hs,
                 imports="import base64\nimport hashlib\nimport hmac\nimport os\n" + simp + "\nfrom Crypto.Cipher import AES",
                 vimports=vimports, simports=simports,
                 notes=f"every {c.key} is encrypted with AES-CTR under one key and the same nonce/counter start, so all "
                       "values share one keystream: XOR of two ciphertexts is the XOR of the plaintexts, and one known "
                       "value reveals the others (the HMAC does not help); the fix draws a fresh random nonce per value")


@hardneg(3)
def crypto_ctr_static_hn(c):
    keys = _ctr_keys(c)
    simp, consts, body = _ctr_store(c)
    shape = c.pick("ctr", "gcm")
    if shape == "ctr":
        fn = _ctr_seal(c.pick("cipher = AES.new(ENC_KEY, AES.MODE_CTR, nonce=get_random_bytes(8))",
                              "cipher = AES.new(ENC_KEY, AES.MODE_CTR)"))
        imps = "import hashlib\nimport hmac\nfrom Crypto.Random import get_random_bytes"
    else:
        fn = ("def seal(value: str) -> str:\n"
              "    cipher = AES.new(ENC_KEY, AES.MODE_GCM, nonce=get_random_bytes(12))\n"
              "    ct, tag = cipher.encrypt_and_digest(value.encode())\n"
              "    return base64.urlsafe_b64encode(cipher.nonce + tag + ct).decode()")
        imps = "from Crypto.Random import get_random_bytes"
    head = "\n".join(p for p in (consts, keys) if p)
    return Spec(s=body, helpers=head + "\n\n\n" + fn,
                imports="import base64\nimport os\n" + simp + "\n" + imps + "\nfrom Crypto.Cipher import AES",
                notes="AES-CTR with a fresh random nonce per value and an HMAC over nonce and ciphertext (or AES-GCM)")


# ---------------- CWE-328: PyCryptodome RSA signatures over SHA-1 / MD5 ----------------


def _sig_key(c):
    path = c.pick(f"/etc/{c.word}/signing.pem", "keys/issuer_private.pem", f"/run/secrets/{c.word}-signer.pem")
    return (f'with open("{path}", "rb") as _fh:\n'
            f'    SIGNING_KEY = RSA.import_key(_fh.read(), passphrase=os.environ.get("SIGNING_KEY_PASS"))')


def _sig_doc(c):
    x = c.x
    kind = c.pick("license", "voucher", "manifest")
    if kind == "license":
        doc = (f'doc = {{"licensee": {x}, "seats": 25, "features": ["export", "sso"],\n'
               f'       "expires": (datetime.date.today() + datetime.timedelta(days=365)).isoformat()}}')
    elif kind == "voucher":
        doc = (f'doc = {{"{c.key}": {x}, "credit_cents": 5000, "issued": datetime.date.today().isoformat(),\n'
               f'       "serial": secrets.token_hex(8)}}')
    else:
        doc = (f'doc = {{"{c.word}": {x}, "channel": "stable",\n'
               f'       "published": datetime.datetime.now(datetime.timezone.utc).isoformat()}}')
    return kind, doc, ("\nimport secrets" if kind == "voucher" else "")


# second-author review (R29): operator tools only; a web/socket handler that signs a licence, voucher or
# manifest for any unauthenticated caller keeps a missing-authentication weakness in the safe twin
@fam("hash-pycryptodome-sha1-rsa-signature", "CWE-328",
     fws=["script", "cli"],
     keys=["customer", "licensee", "device_id", "account_ref"], n=8)
def hash_pycryptodome_sig(c):
    kind, doc, dimp = _sig_doc(c)
    weak = c.pick("SHA1", "SHA1", "MD5")
    strong = c.pick("SHA256", "SHA384", "SHA512")
    scheme = c.pick("pkcs1_15", "pss") if weak == "SHA1" else "pkcs1_15"
    shape = c.pick("twoline", "oneline", "update")
    canon = c.pick('json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()',
                   'json.dumps(doc, sort_keys=True).encode("utf-8")')

    def body(h, mark):
        m = "  #@V" if mark else ""
        if shape == "twoline":
            sig = (f"digest = {h}.new(payload){m}\n"
                   f"signature = {scheme}.new(SIGNING_KEY).sign(digest)")
        elif shape == "oneline":
            sig = f"signature = {scheme}.new(SIGNING_KEY).sign({h}.new(payload)){m}"
        else:
            sig = (f"digest = {h}.new(){m}\n"
                   "digest.update(payload)\n"
                   f'digest.update(b"|{kind}-v2")\n'
                   f"signature = {scheme}.new(SIGNING_KEY).sign(digest)")
        return (f"{doc}\n"
                f"payload = {canon}\n"
                f"{sig}\n"
                'result = {"document": doc, "signature": base64.b64encode(signature).decode()}')

    imps = (f"import base64\nimport datetime\nimport json\nimport os{dimp}\n"
            f"from Crypto.PublicKey import RSA\nfrom Crypto.Signature import {scheme}")
    return Spec(v=body(weak, True), s=body(strong, False), imports=imps,
                vimports=f"from Crypto.Hash import {weak}", simports=f"from Crypto.Hash import {strong}",
                helpers=_sig_key(c),
                notes=f"the {kind} is signed with RSA over a {weak.replace('SHA1', 'SHA-1')} digest; {weak} collisions "
                      "are practical (chosen-prefix), so a forger can get a harmless document signed and reuse the "
                      f"signature on a colliding one; the fix signs a {strong} digest")


@hardneg(3)
def hash_pycryptodome_sig_hn(c):
    kind, doc, dimp = _sig_doc(c)
    body = (f"{doc}\n"
            'payload = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()\n'
            "signature = pss.new(SIGNING_KEY).sign(SHA256.new(payload))\n"
            "# short content id for the cache, not a security check\n"
            "cache_id = SHA1.new(payload).hexdigest()[:12]\n"
            'result = {"document": doc, "signature": base64.b64encode(signature).decode(), "cache_id": cache_id}')
    return Spec(s=body, helpers=_sig_key(c),
                imports="import base64\nimport datetime\nimport json\nimport os" + dimp + "\n"
                        "from Crypto.Hash import SHA1, SHA256\nfrom Crypto.PublicKey import RSA\nfrom Crypto.Signature import pss",
                notes="RSA-PSS over SHA-256; SHA-1 only names a cache entry")


# ---------------- CWE-338: nanoid non_secure_generate for secrets ----------------


def _nano_use(c, gen):
    x = c.x
    use = c.pick("invite", "apikey", "share", "pairing")
    if use == "invite":
        alpha = c.pick('"23456789ABCDEFGHJKLMNPQRSTUVWXYZ"', '"abcdefghijkmnopqrstuvwxyz23456789"')
        helpers = (f"INVITE_ALPHABET = {alpha}\nINVITES: dict[str, dict] = {{}}\n"
                   f'BASE_URL = "https://{c.word}.example.com"')
        body = (f"code = {gen}(INVITE_ALPHABET, {c.pick(8, 10, 12)})\n"
                f'INVITES[code] = {{"{c.key}": {x}, "expires": time.time() + 7 * 86400}}\n'
                'result = f"{BASE_URL}/join/{code}"')
        what = "team invite code"
    elif use == "apikey":
        helpers = f'DB_PATH = "{c.pick("keys.db", "/srv/" + c.word + "/api.db")}"'
        body = (f'api_key = "{c.pick("sk_live_", "ak_", "key-")}" + {gen}(size={c.pick(32, 40)})\n'
                "with sqlite3.connect(DB_PATH) as db:\n"
                '    db.execute("INSERT INTO api_keys (owner, key_sha256, created) VALUES (?, ?, ?)",\n'
                f"               ({x}, hashlib.sha256(api_key.encode()).hexdigest(), time.time()))\n"
                "result = api_key  # shown once")
        what = "API key"
    elif use == "share":
        helpers = ("URL_ALPHABET = \"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\"\n"
                   "SHARES: dict[str, str] = {}")
        body = (f"share_id = {gen}(alphabet=URL_ALPHABET, size={c.pick(12, 16, 21)})\n"
                f"SHARES[share_id] = {x}\n"
                f'result = "/s/" + share_id  # anyone with the link can open the {c.word}')
        what = "unguessable share link"
    else:
        helpers = "PAIRINGS: dict[str, dict] = {}"
        body = (f'pairing_code = {gen}("0123456789", {c.pick(6, 8)})\n'
                f'PAIRINGS[pairing_code] = {{"device": {x}, "until": time.time() + 300}}\n'
                "result = pairing_code")
        what = "device pairing code"
    return use, what, helpers, body


@fam("rand-nanoid-non-secure-generate", "CWE-338",
     fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["team", "owner", "device_id", "document_id"], n=8)
def rand_nanoid(c):
    imp = c.pick("from", "module", "alias")
    if imp == "from":
        vg, sg = "non_secure_generate", "generate"
        vi, si = "from nanoid import non_secure_generate", "from nanoid import generate"
    elif imp == "module":
        vg, sg = "nanoid.non_secure_generate", "nanoid.generate"
        vi = si = "import nanoid"
    else:
        vg = sg = "make_id"
        vi, si = "from nanoid import non_secure_generate as make_id  #@V", "from nanoid import generate as make_id"
    state = c.snapshot()
    use, what, helpers, vbody = _nano_use(c, vg)
    c.restore(state)
    _, _, _, sbody = _nano_use(c, sg)
    first = vbody.split("\n", 1)
    vbody = first[0] + "  #@V" + ("\n" + first[1] if len(first) > 1 else "")
    # second-author review (R29): the caller must be allowed to manage the team/owner/device/document the
    # code grants access to, else the safe twin keeps a missing-authorization weakness (web and socket shells)
    guard = f"ensure_can_manage({c.x})  # raises PermissionError otherwise\n"
    vbody, sbody = guard + vbody, guard + sbody
    imps = "import time" + ("\nimport hashlib\nimport sqlite3" if use == "apikey" else "") + "\nfrom app.auth import ensure_can_manage"
    return Spec(v=vbody, s=sbody, imports=imps, vimports=vi, simports=si, helpers=helpers,
                notes=f"nanoid's non_secure_generate draws from random.random() (Mersenne Twister), so the {what} "
                      "can be predicted by anyone who has seen enough earlier ids; the fix calls nanoid.generate, "
                      "which uses os.urandom with the same alphabet and size")


@hardneg(3)
def rand_nanoid_hn(c):
    x = c.x
    body = (f"ensure_can_manage({x})  # raises PermissionError otherwise\n"
            f"request_id = non_secure_generate(size=10)  # log correlation only\n"
            f"code = generate(INVITE_ALPHABET, 12)\n"
            f'INVITES[code] = {{"{c.key}": {x}, "expires": time.time() + 7 * 86400}}\n'
            f'log.info("[%s] invite created for %s", request_id, {x})\n'
            'result = {"invite": code, "request": request_id}')
    helpers = ('INVITE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"\nINVITES: dict[str, dict] = {}\n'
               f'log = logging.getLogger("{c.word}.invites")')
    return Spec(s=body, helpers=helpers,
                imports="import logging\nimport time\nfrom app.auth import ensure_can_manage\nfrom nanoid import generate, non_secure_generate",
                notes="the invite code comes from nanoid.generate (os.urandom); non_secure_generate only tags log lines")


# ---------------- CWE-330: pyotp secrets derived from uuid1 / the clock ----------------


def _otp_tail(c, x):
    kind = c.pick("totp", "totp", "hotp")
    issuer = c.pick(f"{c.word.capitalize()} Cloud", "Acme Portal", f"{c.word}-admin")
    store = c.pick("dict", "orm")
    save = (f'PENDING_2FA[account.id] = {{"secret": secret, "device": {x}}}' if store == "dict"
            else f"Account.set_pending_otp_secret(account.id, secret, device_name={x})")
    if kind == "totp":
        tail = (f"totp = pyotp.TOTP(secret)\n{save}\n"
                f'result = totp.provisioning_uri(name=account.email, issuer_name="{issuer}")')
    else:
        tail = (f"hotp = pyotp.HOTP(secret)\n{save}\n"
                f"result = [hotp.at(i) for i in range({c.pick(8, 10)})]  # printable recovery codes")
    helpers = "PENDING_2FA: dict[int, dict] = {}" if store == "dict" else ""
    imp = "from app.auth import current_account" + ("" if store == "dict" else "\nfrom app.models import Account")
    return tail, helpers, imp


@fam("rand-pyotp-secret-uuid1-clock", "CWE-330",
     fws=["flask", "django", "fastapi", "aiohttp", "cli"],
     keys=["device_name", "label", "authenticator"], n=8)
def rand_pyotp(c):
    x = c.x
    tail, helpers, imp = _otp_tail(c, x)
    shape = c.pick("uuid1", "uuid1hex", "clock", "seed")
    vimps = ""
    if shape == "uuid1":
        bad = 'secret = base64.b32encode(uuid.uuid1().bytes).decode().rstrip("=")  #@V'
        vimps = "import base64\nimport uuid"
    elif shape == "uuid1hex":
        bad = "secret = base64.b32encode(uuid.uuid1().hex[:20].encode()).decode()  #@V"
        vimps = "import base64\nimport uuid"
    elif shape == "clock":
        bad = 'secret = base64.b32encode(hashlib.sha1(f"{account.email}:{time.time()}".encode()).digest()).decode()  #@V'
        vimps = "import base64\nimport hashlib\nimport time"
    else:
        bad = ('seed = f"{account.id}{int(time.time())}".encode()  #@V\n'
               'secret = base64.b32encode(seed.ljust(20, b"0")[:20]).decode()  #@V')
        vimps = "import base64\nimport time"
    v = "account = current_account()\n" + bad + "\n" + tail
    s = "account = current_account()\nsecret = pyotp.random_base32()\n" + tail
    return Spec(v=v, s=s, imports="import pyotp\n" + imp, vimports=vimps, helpers=helpers,
                notes="the one-time-password secret is built from uuid1 (timestamp plus MAC address) or from the "
                      "account and the enrolment time, so an attacker who knows roughly when the account enrolled can "
                      "rebuild the secret and generate valid codes; the fix uses pyotp.random_base32(), which draws "
                      "from the secrets module")


@hardneg(3)
def rand_pyotp_hn(c):
    x = c.x
    tail, helpers, imp = _otp_tail(c, x)
    body = ("account = current_account()\n"
            "secret = pyotp.random_base32()\n"
            "enrolment_id = uuid.uuid4().hex  # record id, not a secret\n"
            'log.info("2fa enrolment %s for account %s started at %.0f", enrolment_id, account.id, time.time())\n' + tail)
    return Spec(s=body, helpers=(helpers + "\n" if helpers else "") + 'log = logging.getLogger("auth.2fa")',
                imports="import logging\nimport time\nimport uuid\nimport pyotp\n" + imp,
                notes="the OTP secret comes from pyotp.random_base32 (secrets module); uuid4 and the clock only label the record")


# ---------------- CWE-916: password hashed with one HMAC keyed by the salt ----------------


def _pw_hmac(c, x, alg, form):
    if form == "salt-key":
        return f"hmac.new(salt, {x}.encode(), hashlib.{alg}).hexdigest()"
    if form == "kw":
        return f"hmac.new(key=salt, msg={x}.encode(), digestmod=hashlib.{alg}).hexdigest()"
    return f"hmac.new(PEPPER, salt + {x}.encode(), hashlib.{alg}).hexdigest()"


@fam("hash-hmac-salt-keyed-password", "CWE-916",
     fws=["flask", "django", "fastapi", "aiohttp", "cli", "script"],
     keys=["password", "new_password"], n=8)
def hash_hmac_salt(c):
    x = c.x
    alg = c.pick("sha256", "sha256", "sha512")
    form = c.pick("salt-key", "kw", "pepper")
    flow = c.pick("set", "check")
    weak = _pw_hmac(c, x, alg, form)
    strong = f"hashlib.scrypt({x}.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()"
    helpers = 'PEPPER = bytes.fromhex(os.environ["PASSWORD_PEPPER"])' if form == "pepper" else ""
    who = c.pick("account", "username", "member_id")
    if flow == "set":
        def body(h, m):
            return (f"{who} = current_{who}()\n"
                    "salt = os.urandom(16)\n"
                    f"pw_hash = {h}{m}\n"
                    f'save_credentials({who}, salt.hex() + "$" + pw_hash)\n'
                    'result = "password updated"')
        imp = f"from app.accounts import current_{who}, save_credentials"
    else:
        def body(h, m):
            return (f"{who} = current_{who}()\n"
                    f"stored = load_credentials({who})\n"
                    'salt_hex, expected = stored.split("$", 1)\n'
                    "salt = bytes.fromhex(salt_hex)\n"
                    f"candidate = {h}{m}\n"
                    "result = hmac.compare_digest(candidate, expected)")
        imp = f"from app.accounts import current_{who}, load_credentials"
    return Spec(v=body(weak, "  #@V"), s=body(strong, ""),
                imports="import hashlib\nimport hmac\nimport os\n" + imp, helpers=helpers,
                notes=f"the password hash is a single HMAC-{alg.upper()} keyed with the salt: salted but with no work "
                      "factor, so a leaked table is attacked at billions of guesses per second on a GPU; the fix "
                      "derives the hash with scrypt (n=2**14, r=8) from the same salt")


@hardneg(3)
def hash_hmac_salt_hn(c):
    x = c.x
    body = (f"salt = os.urandom(16)\n"
            f"pw_hash = hashlib.scrypt({x}.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()\n"
            'record = json.dumps({"salt": salt.hex(), "hash": pw_hash}).encode()\n'
            "# integrity tag for the outbound sync message (keyed MAC, not a password hash)\n"
            "tag = hmac.new(SYNC_KEY, record, hashlib.sha256).hexdigest()\n"
            "publish_credentials(record, tag)\n"
            'result = "queued"')
    return Spec(s=body, helpers='SYNC_KEY = bytes.fromhex(os.environ["SYNC_HMAC_KEY"])',
                imports="import hashlib\nimport hmac\nimport json\nimport os\nfrom app.sync import publish_credentials",
                notes="password hashed with scrypt; HMAC-SHA256 only authenticates the sync message")


# ---------------- CWE-347: python-rsa verify whose failure is only logged ----------------


def _rsa_key(c):
    path = c.pick(f"/etc/{c.word}/vendor_pub.pem", "keys/publisher.pem", f"/opt/{c.word}/trust/update-signing.pem")
    fn = c.pick("load_pkcs1_openssl_pem", "load_pkcs1")
    return (f'with open("{path}", "rb") as _fh:\n'
            f"    VENDOR_KEY = rsa.PublicKey.{fn}(_fh.read())\n"
            f'log = logging.getLogger("{c.word}.updates")')


def _rsa_apply(c):
    what = c.pick("flags", "prices", "rules")
    if what == "flags":
        return 'FEATURE_FLAGS.update(update["flags"])\nresult = sorted(FEATURE_FLAGS)', "FEATURE_FLAGS: dict[str, bool] = {}"
    if what == "prices":
        return ("with sqlite3.connect(PRICES_DB) as db:\n"
                '    db.executemany("UPDATE prices SET cents = ? WHERE sku = ?",\n'
                '                   [(p["cents"], p["sku"]) for p in update["prices"]])\n'
                'result = len(update["prices"])'), f'PRICES_DB = "{c.pick("prices.db", "/srv/shop/prices.db")}"'
    return ('RULES[:] = update["rules"]\nresult = {"rules": len(RULES), "version": update.get("version")}',
            "RULES: list[dict] = []")


@fam("sig-python-rsa-verify-error-logged", "CWE-347",
     fws=["flask", "django", "fastapi", "aiohttp", "script", "pipeline"],
     keys=["envelope", "bundle", "signed_update"], n=8)
def sig_python_rsa(c):
    x = c.x
    apply, consts = _rsa_apply(c)
    parse = (f"envelope = json.loads({x})\n"
             'payload = base64.b64decode(envelope["payload"])\n'
             'signature = base64.b64decode(envelope["signature"])\n')
    shape = c.pick("log", "warn", "flag")
    hv = hs = consts + "\n" + _rsa_key(c)
    vimp = simp = ""
    if shape == "log":
        v = (parse + "try:\n    rsa.verify(payload, signature, VENDOR_KEY)\n"
             "except rsa.VerificationError:\n"
             '    log.warning("signature check failed for %s bundle", envelope.get("kind"))  #@V\n'
             "update = json.loads(payload)\n" + apply)
        s = (parse + "try:\n    rsa.verify(payload, signature, VENDOR_KEY)\n"
             "except rsa.VerificationError:\n"
             '    log.warning("signature check failed for %s bundle", envelope.get("kind"))\n'
             '    raise PermissionError("update signature invalid") from None\n'
             "update = json.loads(payload)\n" + apply)
    elif shape == "warn":
        v = (parse + "try:\n    rsa.verify(payload, signature, VENDOR_KEY)\n"
             "except rsa.VerificationError as exc:\n"
             '    warnings.warn(f"applying unverified update: {exc}")  #@V\n'
             "update = json.loads(payload)\n" + apply)
        s = (parse + "try:\n    rsa.verify(payload, signature, VENDOR_KEY)\n"
             "except rsa.VerificationError as exc:\n"
             '    raise PermissionError("update signature invalid") from exc\n'
             "update = json.loads(payload)\n" + apply)
        vimp = "import warnings"
    else:
        env = c.pick("ENFORCE_SIGNATURES", "STRICT_UPDATES")
        hv = hv + f'\n{env} = os.environ.get("{env}", "0") == "1"  #@V'
        common = (parse + "verified = True\n"
                  "try:\n    rsa.verify(payload, signature, VENDOR_KEY)\n"
                  "except rsa.VerificationError:\n"
                  '    log.warning("unsigned or tampered update from %s", envelope.get("source"))\n'
                  "    verified = False\n")
        v = common + f"if not verified and {env}:  #@V\n" + '    raise PermissionError("update signature invalid")\n' \
            + "update = json.loads(payload)\n" + apply
        s = common + "if not verified:\n" + '    raise PermissionError("update signature invalid")\n' \
            + "update = json.loads(payload)\n" + apply
        vimp = "import os"
    imps = "import base64\nimport json\nimport logging\nimport rsa" + ("\nimport sqlite3" if "sqlite3" in apply else "")
    return _pair(c, v, s, hv, hs, imports=imps, vimports=vimp, simports=simp,
                 notes="rsa.verify raises VerificationError when the signature does not match, but the handler only "
                       "logs it (or the check is enforced only when an opt-in setting is on) and goes on to apply the "
                       "payload, so anyone who can send an envelope pushes an unsigned update; the fix rejects the "
                       "envelope when verification fails")


@hardneg(3)
def sig_python_rsa_hn(c):
    x = c.x
    apply, consts = _rsa_apply(c)
    body = (f"envelope = json.loads({x})\n"
            'payload = base64.b64decode(envelope["payload"])\n'
            'signature = base64.b64decode(envelope["signature"])\n'
            "try:\n"
            "    method = rsa.verify(payload, signature, VENDOR_KEY)\n"
            "except rsa.VerificationError:\n"
            '    log.warning("rejected %s bundle: bad signature", envelope.get("kind"))\n'
            "    raise PermissionError(\"update signature invalid\") from None\n"
            'if method not in ("SHA-256", "SHA-384", "SHA-512"):\n'
            '    raise PermissionError("weak signature hash " + method)\n'
            "update = json.loads(payload)\n" + apply)
    imps = "import base64\nimport json\nimport logging\nimport rsa" + ("\nimport sqlite3" if "sqlite3" in apply else "")
    return Spec(s=body, helpers=consts + "\n" + _rsa_key(c), imports=imps,
                notes="rsa.verify failure is logged and then rejected; the returned hash name is checked too")
