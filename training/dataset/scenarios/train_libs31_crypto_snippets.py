"""Train-only snippet families (libs31 crypto set): short modules of the kind found in CWE example suites,
tutorials and Stack Overflow answers, for weak cryptography in libraries and code shapes no other family of
the group uses:

- crypto-pydes-m2crypto-des-cipher (327): field / file / credential encryption helpers built on pyDes
  (``pyDes.triple_des`` / ``pyDes.des``) or M2Crypto (``EVP.Cipher(alg="des_ede3_cbc" | "des_cbc")``):
  single DES is brute-forced, 3DES has 64-bit blocks (Sweet32) and is disallowed, and CBC without a MAC
  gives no integrity; the fix seals with AES-GCM (``cryptography`` AESGCM, random 96-bit nonce);
- hash-flask-bcrypt-log-rounds (916): a Flask app hashing passwords with Flask-Bcrypt at a work factor of
  4-6 (``BCRYPT_LOG_ROUNDS`` in the production config, a ``*_ROUNDS`` constant passed to
  ``generate_password_hash``, or the default of an environment override); the fix uses 12-13;
- hash-custom-hasher-plugin-single-sha (916): a password-hasher plug-in (a Django ``BasePasswordHasher``
  subclass, a FastAPI-Users ``PasswordHelperProtocol`` implementation) that stores one salted SHA-1 /
  SHA-256 / SHA-512 digest; the fix derives the stored value with scrypt (n=2**14, r=8) in the same class;
- tls-db-driver-ssl-context-unverified (295): asyncpg / aiomysql / PyMySQL / SQLAlchemy connections to a
  managed database over TLS whose ``ssl.SSLContext`` has ``check_hostname = False`` and ``CERT_NONE``; the
  fix verifies against the provider's CA bundle;
- tls-gql-client-transport-verify-off (295): GraphQL clients built with ``gql`` transports
  (RequestsHTTPTransport / HTTPXTransport ``verify=False``, AIOHTTPTransport ``ssl=False``) that send an
  admin secret or API token; the fix verifies (CA bundle or system store);
- rand-randrange-hex-session-state (338): CSRF tokens, OAuth ``state`` values, server-side session ids and
  websocket tickets formatted from ``random.randrange`` (``"%032x" % random.randrange(16 ** 32)`` and
  variants); the fix draws them from ``secrets``.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _joined, _replayed
from registry import fam, hardneg


def _mark(line, safe):
    return line if safe else line + "  #@V"


# ---------------- CWE-327: pyDes / M2Crypto DES and 3DES ----------------

_DES_LIBS = {
    # lib: (import, key constant, key length note, encrypt line, decrypt line, iv length)
    "pydes3": ("import pyDes", "TRIPLE_DES_KEY", "24",
               "k = pyDes.triple_des(TRIPLE_DES_KEY, pyDes.CBC, iv, padmode=pyDes.PAD_PKCS5)",
               "k = pyDes.triple_des(TRIPLE_DES_KEY, pyDes.CBC, {blob}[:8], padmode=pyDes.PAD_PKCS5)"),
    "pydes1": ("import pyDes", "DES_KEY", "8",
               "k = pyDes.des(DES_KEY, pyDes.CBC, iv, padmode=pyDes.PAD_PKCS5)",
               "k = pyDes.des(DES_KEY, pyDes.CBC, {blob}[:8], padmode=pyDes.PAD_PKCS5)"),
    "m2_3des": ("from M2Crypto import EVP", "TDES_KEY", "24",
                'cipher = EVP.Cipher(alg="des_ede3_cbc", key=TDES_KEY, iv=iv, op=1)',
                'cipher = EVP.Cipher(alg="des_ede3_cbc", key=TDES_KEY, iv={blob}[:8], op=0)'),
    "m2_des": ("from M2Crypto import EVP", "DES_KEY", "8",
               'cipher = EVP.Cipher(alg="des_cbc", key=DES_KEY, iv=iv, op=1)',
               'cipher = EVP.Cipher(alg="des_cbc", key=DES_KEY, iv={blob}[:8], op=0)'),
}


def _des_block(c, lib, safe, env, enc, dec):
    """(imports, key line, the encrypt / decrypt helpers)."""
    blob = "blob"
    if safe:
        key = f'FIELD_KEY = base64.b64decode(os.environ["{env}"])'
        funcs = (f"def {enc}(data: bytes) -> bytes:\n"
                 "    nonce = os.urandom(12)\n"
                 "    return nonce + AESGCM(FIELD_KEY).encrypt(nonce, data, None)\n\n\n"
                 f"def {dec}({blob}: bytes) -> bytes:\n"
                 f"    return AESGCM(FIELD_KEY).decrypt({blob}[:12], {blob}[12:], None)")
        return ["from cryptography.hazmat.primitives.ciphers.aead import AESGCM"], key, funcs
    imp, kname, _, eline, dline = _DES_LIBS[lib]
    slicing = "[:8]" if kname == "DES_KEY" else ""
    key = f'{kname} = base64.b64decode(os.environ["{env}"]){slicing}'
    dline = dline.format(blob=blob)
    if lib.startswith("pydes"):
        funcs = (f"def {enc}(data: bytes) -> bytes:\n"
                 "    iv = os.urandom(8)\n"
                 f"    {eline}  #@V\n"
                 "    return iv + k.encrypt(data)\n\n\n"
                 f"def {dec}({blob}: bytes) -> bytes:\n"
                 f"    {dline}  #@V\n"
                 f"    return k.decrypt({blob}[8:])")
    else:
        funcs = (f"def {enc}(data: bytes) -> bytes:\n"
                 "    iv = os.urandom(8)\n"
                 f"    {eline}  #@V\n"
                 "    return iv + cipher.update(data) + cipher.final()\n\n\n"
                 f"def {dec}({blob}: bytes) -> bytes:\n"
                 f"    {dline}  #@V\n"
                 f"    return cipher.update({blob}[8:]) + cipher.final()")
    return [imp], key, funcs


def _des_module(c, lib, safe):
    fw = c.fw
    env = c.pick("FIELD_KEY_B64", "DATA_KEY_B64", "ENCRYPTION_KEY")
    enc, dec = c.pick(("seal", "unseal"), ("encrypt_value", "decrypt_value"), ("protect", "unprotect"))
    libimps, key, funcs = _des_block(c, lib, safe, env, enc, dec)
    std = ["import base64", "import os"]

    def third(*extra):
        return sorted(list(extra) + libimps, key=lambda l: l.split()[1].lower())
    if fw == "cli":
        thing = c.pick("payroll", "customer", "audit")
        an = "an" if thing[0] in "aeiou" else "a"
        body = dedent(f'''
            def main(argv=None):
                parser = argparse.ArgumentParser(description="Encrypt or decrypt {an} {thing} export before it leaves the host")
                parser.add_argument("mode", choices=["encrypt", "decrypt"])
                parser.add_argument("path")
                args = parser.parse_args(argv)
                with open(args.path, "rb") as fh:
                    data = fh.read()
                if args.mode == "encrypt":
                    sys.stdout.write(base64.b64encode({enc}(data)).decode() + "\\n")
                else:
                    sys.stdout.buffer.write({dec}(base64.b64decode(data)))


            if __name__ == "__main__":
                main()''')
        return _joined(f'"""{thing.capitalize()} export sealing tool."""\n' + "\n".join(
            ["import argparse"] + std + ["import sys", ""] + libimps), key, funcs, body)
    if fw == "script":
        svc = c.pick("billing-sync", "partner-feed", "crm-bridge")
        body = dedent(f'''
            CRED_FILE = Path(os.environ.get("CRED_FILE", "/var/lib/{svc}/credentials.enc"))


            def save_credentials(creds: dict) -> None:
                CRED_FILE.write_bytes({enc}(json.dumps(creds).encode()))


            def load_credentials() -> dict:
                return json.loads({dec}(CRED_FILE.read_bytes()))


            if __name__ == "__main__":
                save_credentials({{"client_id": os.environ["PARTNER_CLIENT_ID"],
                                  "client_secret": os.environ["PARTNER_CLIENT_SECRET"]}})''')
        return _joined(f'"""Keeps the partner API credentials of {svc} encrypted at rest."""\n' + "\n".join(
            std[:1] + ["import json"] + std[1:] + ["from pathlib import Path", ""] + libimps), key, funcs, body)
    if fw == "flask":
        field = c.pick("tax_id", "iban", "passport_no")
        body = dedent(f'''
            app = Flask(__name__)
            DB_PATH = os.environ.get("DB_PATH", "customers.db")


            @app.post("/customers/<int:customer_id>/{field.replace("_", "-")}")
            def store_{field}(customer_id):
                value = request.get_json(force=True)["{field}"].strip()
                sealed = base64.b64encode({enc}(value.encode())).decode()
                with sqlite3.connect(DB_PATH) as db:
                    db.execute("UPDATE customers SET {field}_enc = ? WHERE id = ?", (sealed, customer_id))
                return jsonify(status="stored")''')
        return _joined("\n".join(std + ["import sqlite3", ""] + third("from flask import Flask, jsonify, request")),
                       key, funcs, body)
    if fw == "django":
        model, field = c.pick(("Patient", "insurance_no"), ("Employee", "salary_account"), ("Supplier", "bank_account"))
        body = dedent(f'''
            class {model}(models.Model):
                name = models.CharField(max_length=200)
                {field}_enc = models.BinaryField(editable=False)

                def set_{field}(self, value: str) -> None:
                    self.{field}_enc = {enc}(value.encode())

                def get_{field}(self) -> str:
                    return {dec}(bytes(self.{field}_enc)).decode()''')
        return _joined("\n".join(std + [""] + third("from django.db import models")), key, funcs, body)
    if fw == "orm":
        cls = c.pick("EncryptedText", "SealedString", "SecretColumn")
        body = dedent(f'''
            class {cls}(TypeDecorator):
                """Transparently encrypts a text column."""

                impl = LargeBinary
                cache_ok = True

                def process_bind_param(self, value, dialect):
                    return None if value is None else {enc}(value.encode())

                def process_result_value(self, value, dialect):
                    return None if value is None else {dec}(value).decode()''')
        return _joined("\n".join(std + [""] + third("from sqlalchemy.types import LargeBinary, TypeDecorator")),
                       key, funcs, body)
    field = c.pick("card_token", "national_id", "account_no")
    body = dedent(f'''
        def handle_{c.word}(message: dict, store) -> None:
            record = dict(message)
            record["{field}"] = base64.b64encode({enc}(message["{field}"].encode())).decode()
            store.put(record["id"], json.dumps(record))''')
    return _joined("\n".join(std[:1] + ["import json"] + std[1:] + [""] + libimps), key, funcs, body)


@fam("crypto-pydes-m2crypto-des-cipher", "CWE-327", fws=["cli", "script", "flask", "django", "orm", "pipeline"],
     n=8, wrap=False)
def crypto_pydes_m2(c):
    lib = c.pick(*_DES_LIBS)
    v, s = _replayed(c, lambda cc, safe: _des_module(cc, lib, safe))
    what = {"pydes3": "pyDes.triple_des (3DES-CBC)", "pydes1": "pyDes.des (single DES, 56-bit key)",
            "m2_3des": "M2Crypto EVP.Cipher des_ede3_cbc (3DES)", "m2_des": "M2Crypto EVP.Cipher des_cbc (single DES)"}[lib]
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes=f"data is encrypted with {what}: DES keys are brute-forced, 3DES has 64-bit blocks (Sweet32) and "
                      "is disallowed for new encryption, and unauthenticated CBC lets anyone who can alter the stored "
                      "value flip plaintext bits; the fix seals with AES-GCM (random 96-bit nonce, 256-bit key)")


@hardneg(3)
def crypto_pydes_m2_hn(c):
    shape = c.pick("m2-aes-etm", "m2-aes-etm", "migrate")
    if shape == "migrate":
        body = dedent('''
            """One-off migration: re-encrypts the legacy 3DES columns under AES-GCM; the legacy key is retired after the run."""
            import base64
            import os
            import sqlite3

            import pyDes
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            LEGACY_TRIPLE_DES_KEY = base64.b64decode(os.environ["LEGACY_KEY_B64"])
            FIELD_KEY = base64.b64decode(os.environ["FIELD_KEY_B64"])


            def _legacy_plaintext(blob: bytes) -> bytes:
                k = pyDes.triple_des(LEGACY_TRIPLE_DES_KEY, pyDes.CBC, blob[:8], padmode=pyDes.PAD_PKCS5)
                return k.decrypt(blob[8:])


            def migrate(db_path: str) -> int:
                done = 0
                with sqlite3.connect(db_path) as db:
                    for row_id, old in db.execute("SELECT id, secret_enc FROM accounts WHERE key_version = 1").fetchall():
                        nonce = os.urandom(12)
                        new = nonce + AESGCM(FIELD_KEY).encrypt(nonce, _legacy_plaintext(old), None)
                        db.execute("UPDATE accounts SET secret_enc = ?, key_version = 2 WHERE id = ?", (new, row_id))
                        done += 1
                return done''')
        return Spec(s=body.replace("accounts", c.pick("accounts", "vendors", "members")), full=True, fw="script",
                    notes="3DES is only used to read legacy ciphertext once, so it can be re-encrypted under AES-GCM")
    alg = c.pick("aes_256_cbc", "aes_256_cbc", "aes_128_cbc")
    klen = "32" if "256" in alg else "16"
    body = dedent(f'''
        import base64
        import hashlib
        import hmac
        import os

        from M2Crypto import EVP

        ENC_KEY = base64.b64decode(os.environ["ENC_KEY_B64"])  # {klen} bytes
        MAC_KEY = base64.b64decode(os.environ["MAC_KEY_B64"])


        def seal(data: bytes) -> bytes:
            iv = os.urandom(16)
            cipher = EVP.Cipher(alg="{alg}", key=ENC_KEY, iv=iv, op=1)
            body = iv + cipher.update(data) + cipher.final()
            return body + hmac.new(MAC_KEY, body, hashlib.sha256).digest()


        def unseal(blob: bytes) -> bytes:
            body, tag = blob[:-32], blob[-32:]
            if not hmac.compare_digest(hmac.new(MAC_KEY, body, hashlib.sha256).digest(), tag):
                raise ValueError("ciphertext was modified")
            cipher = EVP.Cipher(alg="{alg}", key=ENC_KEY, iv=body[:16], op=0)
            return cipher.update(body[16:]) + cipher.final()''')
    return Spec(s=body, full=True, fw="script",
                notes="M2Crypto EVP.Cipher with AES-CBC, a random IV and encrypt-then-MAC (HMAC-SHA256, checked "
                      "in constant time before decrypting)")


# ---------------- CWE-916: Flask-Bcrypt with a tiny work factor ----------------

def _bcrypt_app(c, variant, rounds, safe, login):
    r = "12" if safe else rounds
    const = c.pick("BCRYPT_ROUNDS", "HASH_ROUNDS", "PASSWORD_ROUNDS")
    cfg = ['class Config:',
           '    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]',
           '    SECRET_KEY = os.environ["SECRET_KEY"]']
    hash_arg = ""
    top = []
    setup = ["    app.config.from_object(Config)"]
    if variant == "config":
        cfg.append(_mark(f"    BCRYPT_LOG_ROUNDS = {r}", safe))
    elif variant == "const":
        top.append(_mark(f"{const} = {r}", safe))
        hash_arg = f", {const}"
    else:
        setup.append(_mark(f'    app.config["BCRYPT_LOG_ROUNDS"] = int(os.environ.get("BCRYPT_LOG_ROUNDS", {r}))', safe))
    minlen = c.pick("10", "12")
    model = c.pick("User", "Account", "Member")
    col = c.pick("password_hash", "pw_hash")
    routes = [f'    @app.post("/{c.pick("signup", "register", "accounts")}")',
              "    def signup():",
              "        data = request.get_json(force=True)",
              f'        if len(data.get("password", "")) < {minlen}:',
              f'            return jsonify(error="password must have at least {minlen} characters"), 400',
              f'        user = {model}(email=data["email"].strip().lower(),',
              " " * len(f"        user = {model}(") +
              f'{col}=bcrypt.generate_password_hash(data["password"]{hash_arg}).decode("utf-8"))'
              + ("  #@V" if hash_arg and not safe else ""),
              "        db.session.add(user)",
              "        db.session.commit()",
              "        return jsonify(id=user.id), 201"]
    if login:
        routes += ["",
                   '    @app.post("/login")',
                   "    def login():",
                   "        data = request.get_json(force=True)",
                   f'        user = {model}.query.filter_by(email=data["email"].strip().lower()).first()',
                   f'        if user is None or not bcrypt.check_password_hash(user.{col}, data["password"]):',
                   '            return jsonify(error="invalid e-mail or password"), 401',
                   "        return jsonify(id=user.id)"]
    factory = (["def create_app() -> Flask:", "    app = Flask(__name__)"] + setup +
               ["    db.init_app(app)", "    bcrypt.init_app(app)", ""] + routes + ["", "    return app"])
    model_block = (f"class {model}(db.Model):\n"
                   "    id = db.Column(db.Integer, primary_key=True)\n"
                   "    email = db.Column(db.String(255), unique=True, nullable=False)\n"
                   f"    {col} = db.Column(db.String(60), nullable=False)")
    imps = ("import os\n\nfrom flask import Flask, jsonify, request\nfrom flask_bcrypt import Bcrypt\n"
            "from flask_sqlalchemy import SQLAlchemy")
    glob = "db = SQLAlchemy()\nbcrypt = Bcrypt()" + ("\n" + "\n".join(top) if top else "")
    return _joined(f'"""Accounts API of the {c.word} portal."""\n' + imps, glob, "\n".join(cfg), model_block,
                   "\n".join(factory))


@fam("hash-flask-bcrypt-log-rounds", "CWE-916", fws=["flask"], n=8, wrap=False)
def hash_flask_bcrypt(c):
    variant = c.pick("config", "config", "const", "env")
    rounds = c.pick("4", "4", "5", "6")
    login = c.pick(True, False)
    v, s = _replayed(c, lambda cc, safe: _bcrypt_app(cc, variant, rounds, safe, login))
    where = {"config": "BCRYPT_LOG_ROUNDS in the production Config", "const": "the rounds constant passed to "
             "generate_password_hash", "env": "the default of the BCRYPT_LOG_ROUNDS environment override"}[variant]
    return Spec(v=v, s=s, full=True,
                notes=f"passwords are hashed with bcrypt at cost {rounds} ({where}): 2^{rounds} iterations, "
                      f"{2 ** (12 - int(rounds))} times cheaper than the default 12, so a leaked table is cracked that "
                      "much faster; the fix uses cost 12")


@hardneg(3)
def hash_flask_bcrypt_hn(c):
    shape = c.pick("testing-config", "pytest-fixture", "default")
    if shape == "testing-config":
        body = dedent(f'''
            """Settings of the {c.word} portal; create_app(TestingConfig) is used by the test suite only."""
            import os


            class Config:
                SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///dev.db")
                BCRYPT_LOG_ROUNDS = {c.pick("12", "13")}


            class ProductionConfig(Config):
                SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


            class TestingConfig(Config):
                TESTING = True
                SQLALCHEMY_DATABASE_URI = "sqlite://"
                BCRYPT_LOG_ROUNDS = 4  # hashing speed only matters in the test run''')
        return Spec(s=body, full=True, fw="flask",
                    notes="cost 4 only in TestingConfig (the test suite); production keeps 12+")
    if shape == "pytest-fixture":
        body = dedent(f'''
            import pytest

            from {c.word}_portal import create_app, db


            @pytest.fixture
            def app():
                app = create_app({{"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "BCRYPT_LOG_ROUNDS": 4}})
                with app.app_context():
                    db.create_all()
                    yield app
                    db.drop_all()


            def test_signup_hashes_password(app):
                client = app.test_client()
                resp = client.post("/signup", json={{"email": "a@example.org", "password": "correct horse battery"}})
                assert resp.status_code == 201''')
        return Spec(s=body, full=True, fw="flask", notes="a pytest fixture lowers the bcrypt cost for the tests only")
    body = dedent('''
        from flask import Flask, jsonify, request
        from flask_bcrypt import Bcrypt

        app = Flask(__name__)
        app.config["BCRYPT_LOG_ROUNDS"] = 13
        bcrypt = Bcrypt(app)


        @app.post("/password/check")
        def check_password():
            data = request.get_json(force=True)
            stored = load_hash(data["user_id"])
            ok = stored is not None and bcrypt.check_password_hash(stored, data["password"])
            return jsonify(ok=ok)


        def load_hash(user_id):
            from .models import Account
            account = Account.query.get(user_id)
            return account.password_hash if account else None''')
    return Spec(s=body, full=True, fw="flask", notes="Flask-Bcrypt at cost 13")


# ---------------- CWE-916: password-hasher plug-in storing one salted SHA digest ----------------

_SHA = ["sha256", "sha512", "sha1"]


def _hasher_django(c, safe, alg, mix, name, legacy):
    pw_expr = {"salt-first": "(salt + password)", "pw-first": "(password + salt)", "colon": 'f"{salt}:{password}"'}[mix]
    if safe:
        digest = "digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=2 ** 14, r=8, p=1, dklen=32).hex()"
    else:
        digest = f"digest = hashlib.{alg}({pw_expr}.encode()).hexdigest()  #@V"
    return dedent(f'''
        """Password hasher of the {legacy} import; it heads PASSWORD_HASHERS, so every new password uses it."""
        import hashlib

        from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
        from django.utils.crypto import constant_time_compare


        class {name}(BasePasswordHasher):
            algorithm = "{legacy.lower().replace(" ", "_")}"

            def encode(self, password, salt):
                self._check_encode_args(password, salt)
                {digest}
                return "%s$%s$%s" % (self.algorithm, salt, digest)

            def decode(self, encoded):
                algorithm, salt, digest = encoded.split("$", 2)
                assert algorithm == self.algorithm
                return {{"algorithm": algorithm, "hash": digest, "salt": salt}}

            def verify(self, password, encoded):
                decoded = self.decode(encoded)
                return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

            def safe_summary(self, encoded):
                decoded = self.decode(encoded)
                return {{"algorithm": decoded["algorithm"], "salt": mask_hash(decoded["salt"], show=2),
                        "hash": mask_hash(decoded["hash"])}}''')


def _hasher_fastapi(c, safe, alg, mix, name, legacy):
    def calc(pw):
        if safe:
            return f"hashlib.scrypt({pw}.encode(), salt=bytes.fromhex(salt), n=2 ** 14, r=8, p=1).hex()"
        expr = {"salt-first": f"(salt + {pw})", "pw-first": f"({pw} + salt)", "colon": f'f"{{salt}}:{{{pw}}}"'}[mix]
        return f"hashlib.{alg}({expr}.encode()).hexdigest()"
    m = "" if safe else "  #@V"
    return dedent(f'''
        """Password helper kept from the {legacy} import; the UserManager is built with it for every account."""
        import hashlib
        import hmac
        import secrets

        from fastapi import Depends
        from fastapi_users.password import PasswordHelperProtocol

        from .users import UserManager, get_user_db


        class {name}(PasswordHelperProtocol):
            def hash(self, password: str) -> str:
                salt = secrets.token_hex(16)
                return salt + "$" + {calc("password")}{m}

            def verify_and_update(self, plain_password: str, hashed_password: str) -> tuple[bool, str | None]:
                salt, digest = hashed_password.split("$", 1)
                candidate = {calc("plain_password")}{m}
                return hmac.compare_digest(candidate, digest), None

            def generate(self) -> str:
                return secrets.token_urlsafe(16)


        async def get_user_manager(user_db=Depends(get_user_db)):
            yield UserManager(user_db, password_helper={name}())''')


@fam("hash-custom-hasher-plugin-single-sha", "CWE-916", fws=["django", "django", "fastapi"], n=8, wrap=False)
def hash_custom_hasher(c):
    alg = c.pick(*_SHA)
    mix = c.pick("salt-first", "pw-first", "colon")
    legacy = c.pick("Legacy PHP", "Old Portal", "Magento", "Classic Forum", "ERP")
    if c.fw == "django":
        name = c.pick("LegacySaltedHasher", "PortalPasswordHasher", "SaltedDigestHasher")
        v, s = _hasher_django(c, False, alg, mix, name, legacy), _hasher_django(c, True, alg, mix, name, legacy)
    else:
        name = c.pick("LegacyPasswordHelper", "SaltedDigestHelper", "PortalPasswordHelper")
        v, s = _hasher_fastapi(c, False, alg, mix, name, legacy), _hasher_fastapi(c, True, alg, mix, name, legacy)
    return Spec(v=v, s=s, full=True,
                notes=f"the hasher plug-in stores one salted {alg.upper()} digest of the password: a single fast "
                      "hash, so a GPU tests billions of guesses per second against a leaked table (the salt only "
                      "stops precomputed tables); the fix derives the stored value with scrypt (n=2**14, r=8)")


@hardneg(3)
def hash_custom_hasher_hn(c):
    shape = c.pick("django-scrypt", "django-argon2", "fastapi-pwdlib")
    if shape == "django-scrypt":
        body = _hasher_django(c, True, "sha256", "salt-first", c.pick("ScryptSaltedHasher", "PortalScryptHasher"),
                              c.pick("Portal", "Shop"))
        return Spec(s=body, full=True, fw="django", notes="custom Django hasher deriving the value with scrypt n=2**14")
    if shape == "django-argon2":
        body = dedent(f'''
            from django.contrib.auth.hashers import Argon2PasswordHasher


            class Tuned{c.pick("Argon2", "Argon")}Hasher(Argon2PasswordHasher):
                """Argon2id with more memory than Django's default; first entry of PASSWORD_HASHERS."""

                time_cost = {c.pick("2", "3")}
                memory_cost = {c.pick("65536", "131072")}
                parallelism = {c.pick("2", "4")}''')
        return Spec(s=body, full=True, fw="django", notes="Argon2id hasher tuned upwards")
    body = dedent('''
        from fastapi import Depends
        from fastapi_users.password import PasswordHelper
        from pwdlib import PasswordHash
        from pwdlib.hashers.argon2 import Argon2Hasher
        from pwdlib.hashers.bcrypt import BcryptHasher

        from .users import UserManager, get_user_db

        # argon2 for new hashes; bcrypt ones from the old system still verify and are upgraded on login
        password_helper = PasswordHelper(PasswordHash((Argon2Hasher(), BcryptHasher(rounds=12))))


        async def get_user_manager(user_db=Depends(get_user_db)):
            yield UserManager(user_db, password_helper=password_helper)''')
    return Spec(s=body, full=True, fw="fastapi", notes="FastAPI-Users password helper with pwdlib argon2 / bcrypt 12")


# ---------------- CWE-295: database drivers with an unverified SSLContext ----------------

_PG_HOSTS = ["orders-db.c9xk2hq1.eu-west-1.rds.amazonaws.com", "ledger.postgres.database.azure.com",
             "pg-prod-01.example.com"]
_MY_HOSTS = ["orders-mysql.c9xk2hq1.eu-west-1.rds.amazonaws.com", "shop.mysql.database.azure.com",
             "analytics-mysql.internal.example.net"]
_DB_CA = ["/etc/ssl/certs/rds-global-bundle.pem", "/etc/ssl/certs/DigiCertGlobalRootG2.crt.pem",
          "/usr/local/share/ca-certificates/db-ca.crt"]


def _ctx_fn(c, safe, style, fn):
    if style == "default":
        if safe:
            return f"def {fn}() -> ssl.SSLContext:\n    return ssl.create_default_context(cafile=CA_BUNDLE)"
        return (f"def {fn}() -> ssl.SSLContext:\n"
                "    ctx = ssl.create_default_context()\n"
                "    ctx.check_hostname = False  #@V\n"
                "    ctx.verify_mode = ssl.CERT_NONE  #@V\n"
                "    return ctx")
    if safe:
        return (f"def {fn}() -> ssl.SSLContext:\n"
                "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
                "    ctx.load_verify_locations(CA_BUNDLE)\n"
                "    return ctx")
    return (f"def {fn}() -> ssl.SSLContext:\n"
            "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
            "    ctx.check_hostname = False  #@V\n"
            "    ctx.verify_mode = ssl.CERT_NONE  #@V\n"
            "    return ctx")


def _db_tls_module(c, drv, safe):
    host = c.pick(*(_MY_HOSTS if "mysql" in drv else _PG_HOSTS))
    ca = c.pick(*_DB_CA)
    style = c.pick("default", "default", "client")
    fn = c.pick("_tls_context", "db_ssl_context", "_make_ssl")
    w = c.word
    consts = f'DB_HOST = "{host}"' + (f'\nCA_BUNDLE = "{ca}"' if safe else "")
    ctxf = _ctx_fn(c, safe, style, fn)
    if drv == "asyncpg":
        head = "import os\nimport ssl\n\nimport asyncpg"
        rest = dedent(f'''
            async def open_pool() -> asyncpg.Pool:
                return await asyncpg.create_pool(host=DB_HOST, port=5432, user="{w}_app", database="{w}s",
                                                 password=os.environ["PGPASSWORD"], ssl={fn}(),
                                                 min_size=1, max_size=10)


            async def {w}_counts(pool: asyncpg.Pool, since) -> dict:
                async with pool.acquire() as conn:
                    rows = await conn.fetch("SELECT status, count(*) AS n FROM {w}s WHERE created_at >= $1 "
                                            "GROUP BY status", since)
                return {{r["status"]: r["n"] for r in rows}}''')
    elif drv == "aiomysql":
        head = "import os\nimport ssl\n\nimport aiomysql"
        rest = dedent(f'''
            async def open_pool():
                return await aiomysql.create_pool(host=DB_HOST, port=3306, user="{w}_app", db="{w}s",
                                                  password=os.environ["MYSQL_PASSWORD"], ssl={fn}(),
                                                  minsize=1, maxsize=10, autocommit=True)


            async def recent_{w}s(pool, limit: int = 50) -> list:
                async with pool.acquire() as conn:
                    async with conn.cursor(aiomysql.DictCursor) as cur:
                        await cur.execute("SELECT id, status, created_at FROM {w}s ORDER BY id DESC LIMIT %s", (limit,))
                        return await cur.fetchall()''')
    elif drv == "pymysql":
        head = "import csv\nimport os\nimport ssl\nimport sys\n\nimport pymysql"
        rest = dedent(f'''
            def main() -> None:
                conn = pymysql.connect(host=DB_HOST, user="{w}_report", password=os.environ["MYSQL_PASSWORD"],
                                       database="{w}s", ssl={fn}(), cursorclass=pymysql.cursors.DictCursor)
                with conn, conn.cursor() as cur:
                    cur.execute("SELECT id, status, total FROM {w}s WHERE created_at >= CURDATE() - INTERVAL 1 DAY")
                    rows = cur.fetchall()
                out = csv.DictWriter(sys.stdout, fieldnames=["id", "status", "total"])
                out.writeheader()
                out.writerows(rows)


            if __name__ == "__main__":
                main()''')
    else:
        head = ("import os\nimport ssl\n\nfrom sqlalchemy import text\n"
                "from sqlalchemy.ext.asyncio import create_async_engine")
        rest = dedent(f'''
            engine = create_async_engine(
                f"postgresql+asyncpg://{w}_app:{{os.environ['PGPASSWORD']}}@{{DB_HOST}}:5432/{w}s",
                connect_args={{"ssl": {fn}()}},
                pool_size=5,
            )


            async def open_{w}_ids() -> list[int]:
                async with engine.connect() as conn:
                    result = await conn.execute(text("SELECT id FROM {w}s WHERE closed_at IS NULL"))
                    return [row.id for row in result]''')
    return _joined(head, consts, ctxf, rest)


@fam("tls-db-driver-ssl-context-unverified", "CWE-295", fws=["script", "pipeline", "cli"],
     n=8, wrap=False)
def tls_db_driver_ctx(c):
    drv = c.pick("asyncpg", "asyncpg", "aiomysql", "pymysql", "sqlalchemy")
    v, s = _replayed(c, lambda cc, safe: _db_tls_module(cc, drv, safe))
    return Spec(v=v, s=s, full=True, fw="cli" if drv == "pymysql" else "script",
                notes=f"the {drv} connection to a database on another host uses TLS with check_hostname off and "
                      "CERT_NONE, so any certificate is accepted: someone on the path impersonates the server, reads "
                      "the queries and results (and, for MySQL, the password the client sends) and can alter them; "
                      "the fix verifies the server against the provider's CA bundle")


@hardneg(3)
def tls_db_driver_ctx_hn(c):
    shape = c.pick("mtls", "explicit", "asyncpg-verify-full")
    host = c.pick(*(_PG_HOSTS if shape == "asyncpg-verify-full" else _MY_HOSTS))
    ca = c.pick(*_DB_CA)
    if shape == "asyncpg-verify-full":
        body = dedent(f'''
            import os

            import asyncpg


            async def connect() -> asyncpg.Connection:
                # libpq-style mode: verify the chain (sslrootcert) and the host name
                return await asyncpg.connect(host="{host}", user="reporting", database="warehouse",
                                             password=os.environ["PGPASSWORD"], ssl="verify-full")''')
        return Spec(s=body, full=True, fw="script", notes="asyncpg with ssl='verify-full'")
    if shape == "mtls":
        body = dedent(f'''
            import os
            import ssl

            import aiomysql

            CA_BUNDLE = "{ca}"


            def tls_context() -> ssl.SSLContext:
                ctx = ssl.create_default_context(cafile=CA_BUNDLE)
                ctx.load_cert_chain("/etc/{c.word}/db-client.crt", "/etc/{c.word}/db-client.key")
                return ctx


            async def open_pool():
                return await aiomysql.create_pool(host="{host}", user="{c.word}_app", db="{c.word}s",
                                                  password=os.environ["MYSQL_PASSWORD"], ssl=tls_context())''')
        return Spec(s=body, full=True, fw="script", notes="server verified against the CA bundle, plus a client cert")
    body = dedent(f'''
        import os
        import ssl

        import pymysql


        def connect():
            ctx = ssl.create_default_context(cafile="{ca}")
            ctx.check_hostname = True
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            return pymysql.connect(host="{host}", user="etl", password=os.environ["MYSQL_PASSWORD"],
                                   database="staging", ssl=ctx)''')
    return Spec(s=body, full=True, fw="script", notes="context settings spelled out, all verifying")


# ---------------- CWE-295: gql GraphQL transports with certificate checks off ----------------

_GQL_APIS = [
    # (url, header name, env var, query, variables, result path)
    ("https://hasura.{w}.internal:8443/v1/graphql", "x-hasura-admin-secret", "HASURA_ADMIN_SECRET",
     "query Open($limit: Int!) { {w}s(where: {status: {_eq: \"open\"}}, limit: $limit) { id status } }",
     '{"limit": 100}', '["{w}s"]'),
    ("https://graph.{w}-prod.example.net/graphql", "Authorization", "GRAPH_API_TOKEN",
     "query Recent($first: Int!) { {w}s(first: $first) { nodes { id status } } }",
     '{"first": 50}', '["{w}s"]["nodes"]'),
    ("https://10.40.2.15/api/graphql", "Authorization", "INVENTORY_TOKEN",
     "query Low($below: Int!) { stockItems(below: $below) { sku quantity } }",
     '{"below": 5}', '["stockItems"]'),
]


def _gql_module(c, api, tr, fix, safe):
    url, hdr, env, query, variables, path = api
    w = c.word
    url, query, path = url.replace("{w}", w), query.replace("{w}", w), path.replace("{w}", w)
    hval = f'f"Bearer {{os.environ[\'{env}\']}}"' if hdr == "Authorization" else f'os.environ["{env}"]'
    ca = c.pick(*_DB_CA[1:])
    fn = c.pick(f"fetch_{w}s", f"load_{w}s", "run_query")
    hv = c.pick("headers", "auth_headers")
    consts = [f'API_URL = "{url}"'] + ([f'CA_BUNDLE = "{ca}"'] if safe and fix == "ca" else [])
    hline = f"    {hv} = {{\"{hdr}\": {hval}}}\n"
    if tr == "requests":
        arg = ("verify=CA_BUNDLE" if fix == "ca" else "verify=True") if safe else "verify=False"
        imps = "import os\n\nfrom gql import Client, gql\nfrom gql.transport.requests import RequestsHTTPTransport"
        body = (f"def {fn}() -> list:\n"
                + hline + f"    transport = RequestsHTTPTransport(url=API_URL, headers={hv}, {arg}, retries=3)"
                + ("" if safe else "  #@V") + "\n"
                "    client = Client(transport=transport, fetch_schema_from_transport=False)\n"
                f"    result = client.execute(QUERY, variable_values={variables})\n"
                f"    return result{path}")
    elif tr == "httpx":
        arg = ("verify=ssl.create_default_context(cafile=CA_BUNDLE)" if fix == "ca" else "verify=True") if safe \
            else "verify=False"
        imps = ("import os\n" + ("import ssl\n" if safe and fix == "ca" else "") +
                "\nfrom gql import Client, gql\nfrom gql.transport.httpx import HTTPXTransport")
        body = (f"def {fn}() -> list:\n"
                + hline + f"    transport = HTTPXTransport(url=API_URL, headers={hv}, {arg}, timeout=30)"
                + ("" if safe else "  #@V") + "\n"
                "    with Client(transport=transport, fetch_schema_from_transport=False) as session:\n"
                f"        result = session.execute(QUERY, variable_values={variables})\n"
                f"    return result{path}")
    else:
        arg = ("ssl=ssl.create_default_context(cafile=CA_BUNDLE)" if fix == "ca" else "ssl=True") if safe \
            else "ssl=False"
        imps = ("import os\n" + ("import ssl\n" if safe and fix == "ca" else "") +
                "\nfrom gql import Client, gql\nfrom gql.transport.aiohttp import AIOHTTPTransport")
        body = (f"async def {fn}() -> list:\n"
                + hline + f"    transport = AIOHTTPTransport(url=API_URL, headers={hv}, {arg})"
                + ("" if safe else "  #@V") + "\n"
                "    async with Client(transport=transport, fetch_schema_from_transport=False) as session:\n"
                f"        result = await session.execute(QUERY, variable_values={variables})\n"
                f"    return result{path}")
    qconst = f"QUERY = gql(\n    \"\"\"\n    {query}\n    \"\"\"\n)"
    tail = ""
    if c.fw == "cli":
        tail = (f'if __name__ == "__main__":\n'
                + (f"    import asyncio\n\n    for item in asyncio.run({fn}()):\n" if tr == "aiohttp"
                   else f"    for item in {fn}():\n")
                + "        print(item)")
    elif c.fw == "pipeline":
        call = f"await {fn}()" if tr == "aiohttp" else f"{fn}()"
        tail = (("async " if tr == "aiohttp" else "") + f"def sync_{w}s(store) -> int:\n"
                f"    items = {call}\n"
                "    for item in items:\n"
                f'        store.upsert("{w}s", item)\n'
                "    return len(items)")
    return _joined(f'"""Client for the {w} GraphQL API."""\n' + imps, "\n".join(consts), qconst, body, tail)


@fam("tls-gql-client-transport-verify-off", "CWE-295", fws=["script", "cli", "pipeline"], n=8, wrap=False)
def tls_gql_transport(c):
    api = c.pick(*_GQL_APIS)
    tr = c.pick("requests", "requests", "httpx", "aiohttp", "aiohttp")
    fix = c.pick("ca", "on")
    v, s = _replayed(c, lambda cc, safe: _gql_module(cc, api, tr, fix, safe))
    sent = "the Hasura admin secret" if api[1].startswith("x-hasura") else "the bearer token"
    return Spec(v=v, s=s, full=True,
                notes=f"the gql {tr} transport is built with certificate verification off, and every request sends "
                      f"{sent}: anyone on the path presents any certificate, takes the credential and changes the "
                      "answers; the fix verifies the server "
                      + ("against the internal CA bundle" if fix == "ca" else "against the system trust store"))


@hardneg(3)
def tls_gql_transport_hn(c):
    api = c.pick(*_GQL_APIS)
    tr = c.pick("requests", "httpx", "aiohttp")
    return Spec(s=_gql_module(c, api, tr, c.pick("ca", "on"), True), full=True,
                notes=f"gql {tr} transport with certificate verification on")


# ---------------- CWE-338: CSRF tokens / OAuth state / session ids from random.randrange ----------------

_RR = [  # (vulnerable expression, safe expression)
    ('"%032x" % random.randrange(16 ** 32)', "secrets.token_hex(16)"),
    ('format(random.randrange(1 << 128), "032x")', "secrets.token_hex(16)"),
    ("hex(random.randrange(2 ** 128))[2:]", "secrets.token_hex(16)"),
    ('base64.urlsafe_b64encode(random.randrange(2 ** 192).to_bytes(24, "big")).decode()', "secrets.token_urlsafe(24)"),
]


def _rr_module(c, purpose, gen, safe, jitter):
    vexpr, sexpr = gen
    expr = sexpr if safe else vexpr
    m = "" if safe else "  #@V"
    imps = (["import base64"] if "base64" in expr else []) + (["import secrets"] if safe else []) + \
           (["import random"] if not safe or jitter else [])
    if purpose == "csrf":
        var = c.pick("_csrf", "csrf_token", "form_token")
        body = dedent(f'''
            app = Flask(__name__)
            app.secret_key = os.environ["FLASK_SECRET_KEY"]


            def csrf_token() -> str:
                if "{var}" not in session:
                    session["{var}"] = {expr}{m}
                return session["{var}"]


            app.jinja_env.globals["csrf_token"] = csrf_token


            @app.before_request
            def check_csrf():
                if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                    expected = session.get("{var}")
                    sent = request.form.get("{var}") or request.headers.get("X-CSRF-Token", "")
                    if not expected or not hmac.compare_digest(sent, expected):
                        abort(400, "CSRF token missing or wrong")''')
        if jitter:
            body += "\n\n\n" + dedent('''


                @app.after_request
                def sample_timing(resp):
                    if random.random() < TIMING_SAMPLE_RATE:
                        app.logger.info("%s %s -> %s", request.method, request.path, resp.status_code)
                    return resp''').replace("TIMING_SAMPLE_RATE", c.pick("0.01", "0.05"))
        head = sorted(["import hmac", "import os"] + imps) + ["", "from flask import Flask, abort, request, session"]
        return _joined("\n".join(head), body)
    if purpose == "oauth":
        idp = c.pick("https://login.example-idp.com/oauth2/authorize", "https://accounts.partner.example.org/authorize")
        body = dedent(f'''
            AUTHORIZE_URL = "{idp}"
            CLIENT_ID = os.environ["OAUTH_CLIENT_ID"]
            REDIRECT_URI = "https://{c.word}s.example.com/auth/callback"


            async def login(request: web.Request) -> web.Response:
                session = await get_session(request)
                state = {expr}{m}
                session["oauth_state"] = state
                query = urlencode({{"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code",
                                   "scope": "openid email", "state": state}})
                raise web.HTTPFound(f"{{AUTHORIZE_URL}}?{{query}}")


            async def callback(request: web.Request) -> web.Response:
                session = await get_session(request)
                expected = session.pop("oauth_state", None)
                if not expected or not hmac.compare_digest(request.query.get("state", ""), expected):
                    raise web.HTTPForbidden(text="state mismatch")
                await finish_login(session, request.query["code"])
                raise web.HTTPFound("/")''')
        head = sorted(["import hmac", "import os"] + imps) + [
            "from urllib.parse import urlencode", "", "from aiohttp import web",
            "from aiohttp_session import get_session", "", "from .auth import finish_login"]
        return _joined("\n".join(head), body)
    if purpose == "session":
        ttl = c.pick("3600", "8 * 3600", "86400")
        exp = "SESSION_TTL + random.randrange(0, 300)" if jitter else "SESSION_TTL"
        cookie = c.pick("sid", "session_id", "__Host-sid")
        body = dedent(f'''
            app = FastAPI()
            redis = Redis.from_url(os.environ["REDIS_URL"])
            SESSION_TTL = {ttl}


            class LoginForm(BaseModel):
                email: str
                password: str


            @app.post("/login")
            async def login(form: LoginForm, response: Response):
                user = await authenticate(form.email, form.password)
                if user is None:
                    raise HTTPException(status_code=401, detail="invalid e-mail or password")
                sid = {expr}{m}
                await redis.set(f"sess:{{sid}}", user.id, ex={exp})
                response.set_cookie("COOKIE", sid, max_age=SESSION_TTL, httponly=True, secure=True, samesite="lax")
                return {{"ok": True}}''').replace('"COOKIE"', f'"{cookie}"')
        head = sorted(["import os"] + imps) + [
            "", "from fastapi import FastAPI, HTTPException, Response", "from pydantic import BaseModel",
            "from redis.asyncio import Redis", "", "from .auth import authenticate"]
        return _joined("\n".join(head), body)
    ttl = c.pick("30", "60")
    fn, var, feed = c.pick(("ws_ticket", "ticket", "live-updates"), ("socket_ticket", "ticket", "notifications"),
                           ("stream_token", "token", "dashboard stream"))
    body = dedent(f'''
        @login_required
        @require_POST
        def {fn}(request):
            """One-time {var} the browser presents when it opens the {feed} websocket."""
            {var} = {expr}{m}
            cache.set(f"ws-{var}:{{{var}}}", request.user.pk, timeout={ttl})
            return JsonResponse({{"{var}": {var}, "expires_in": {ttl}}})''')
    head = sorted(imps) + ["", "from django.contrib.auth.decorators import login_required",
                           "from django.core.cache import cache", "from django.http import JsonResponse",
                           "from django.views.decorators.http import require_POST"]
    return _joined("\n".join(head), body)


_RR_PURPOSE = {"flask": "csrf", "aiohttp": "oauth", "fastapi": "session", "django": "ticket"}


@fam("rand-randrange-hex-session-state", "CWE-338", fws=["flask", "aiohttp", "fastapi", "django"], n=8, wrap=False)
def rand_randrange_hex(c):
    purpose = _RR_PURPOSE[c.fw]
    gen = c.pick(*_RR)
    v, s = _replayed(c, lambda cc, safe: _rr_module(cc, purpose, gen, safe, False))
    what = {"csrf": "the CSRF token", "oauth": "the OAuth state value", "session": "the session id",
            "ticket": "the websocket ticket"}[purpose]
    return Spec(v=v, s=s, full=True,
                notes=f"{what} is formatted from random.randrange, the process-wide Mersenne Twister: a client that "
                      "collects a few hundred of its own values recovers the generator state and predicts the values "
                      "issued to other users next; the fix draws it from secrets (os.urandom)")


@hardneg(4)
def rand_randrange_hex_hn(c):
    purpose = _RR_PURPOSE[c.fw]
    if purpose == "csrf":
        return Spec(s=_rr_module(c, purpose, c.pick(*_RR), True, True), full=True,
                    notes="the CSRF token comes from secrets; random.random only samples which requests are logged")
    if purpose != "session":
        return Spec(s=_rr_module(c, purpose, c.pick(*_RR), True, False), full=True,
                    notes="the token is drawn from secrets")
    return Spec(s=_rr_module(c, purpose, c.pick(*_RR), True, True), full=True,
                notes="the session id comes from secrets; random.randrange only spreads the expiry times")
