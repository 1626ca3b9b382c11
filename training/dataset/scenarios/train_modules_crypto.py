"""Train-only whole-module families for the crypto / secrets / files / logging groups.

Each example is a realistic module (80-130 lines: constants, dataclasses, helpers, a class or
several functions) in which exactly one statement is the weakness; the twin is the same module
with the minimal fix. Hard negatives are whole modules that use the look-alike API safely.
"""
from core import Spec
from module_kit import _mod, _shuffled, _twin
from registry import fam, hardneg


# ---------------- CWE-327 broken cipher mode in a backup tool ----------------


@fam("mod-backup-archive-cipher", "CWE-327", fws=["script", "cli"], n=6, wrap=False)
def mod_backup_cipher(c):
    w = c.word
    lib = c.pick("pycryptodome", "cryptography")
    keyvar = c.pick("BACKUP_KEY", "ARCHIVE_KEY", f"{w.upper()}_BACKUP_KEY")
    root = c.pick(f"/srv/{w}s", f"/var/lib/{w}-service/data", f"/opt/{w}/storage")
    if lib == "pycryptodome":
        imp = "from Crypto.Cipher import AES\nfrom Crypto.Util.Padding import pad"
        enc_v = """
            def seal(data: bytes, key: bytes) -> bytes:
                \"\"\"Encrypt an archive so it can be shipped to the off-site bucket.\"\"\"
                cipher = AES.new(key, AES.MODE_ECB)  #@V
                return MAGIC + cipher.encrypt(pad(data, AES.block_size))
        """
        fix = ("""                cipher = AES.new(key, AES.MODE_ECB)  #@V
                return MAGIC + cipher.encrypt(pad(data, AES.block_size))""",
               """                cipher = AES.new(key, AES.MODE_GCM)
                sealed, tag = cipher.encrypt_and_digest(data)
                return MAGIC + cipher.nonce + tag + sealed""")
    else:
        imp = ("from cryptography.hazmat.primitives import padding\n"
               "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        enc_v = """
            def seal(data: bytes, key: bytes) -> bytes:
                \"\"\"Encrypt an archive so it can be shipped to the off-site bucket.\"\"\"
                padder = padding.PKCS7(128).padder()
                body = padder.update(data) + padder.finalize()
                enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  #@V
                return MAGIC + enc.update(body) + enc.finalize()
        """
        fix = ("""                enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  #@V
                return MAGIC + enc.update(body) + enc.finalize()""",
               """                nonce = os.urandom(12)
                enc = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
                sealed = enc.update(body) + enc.finalize()
                return MAGIC + nonce + enc.tag + sealed""")
    head = f'''
        """Nightly {w} backup: tar the data directory, encrypt it and keep a rotating set."""
        import base64
        import hashlib
        import io
        import logging
        import os
        import tarfile
        import time
        from dataclasses import dataclass
        from pathlib import Path

        {imp.replace(chr(10), chr(10) + "        ")}

        log = logging.getLogger("{w}.backup")

        DATA_ROOT = Path(os.environ.get("{w.upper()}_DATA_ROOT", "{root}"))
        DEST_DIR = Path(os.environ.get("{w.upper()}_BACKUP_DIR", "/var/backups/{w}"))
        RETENTION_DAYS = {c.pick(7, 14, 30)}
        MAGIC = b"{w[:3].upper()}BK1"
        SKIP_SUFFIXES = (".lock", ".pid", ".sock")
    '''
    dc = """
        @dataclass
        class BackupResult:
            path: Path
            files: int
            size: int
            sha256: str
    """
    load_key = f'''
        def load_key() -> bytes:
            raw = base64.b64decode(os.environ["{keyvar}"])
            if len(raw) not in (16, 24, 32):
                raise ValueError("{keyvar} must decode to 16, 24 or 32 bytes")
            return raw
    '''
    collect = '''
        def collect_files(root: Path) -> list[Path]:
            """Regular files under root, skipping runtime artefacts."""
            found = []
            for p in sorted(root.rglob("*")):
                if p.is_file() and not p.name.endswith(SKIP_SUFFIXES):
                    found.append(p)
            return found
    '''
    archive = '''
        def build_archive(files: list[Path], root: Path) -> bytes:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz") as tar:
                for p in files:
                    tar.add(p, arcname=str(p.relative_to(root)))
            return buf.getvalue()
    '''
    prune = '''
        def prune_old(dest: Path, days: int) -> int:
            cutoff = time.time() - days * 86400
            removed = 0
            for p in dest.glob("*.bk"):
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            return removed
    '''
    run = f'''
        def run_backup() -> BackupResult:
            files = collect_files(DATA_ROOT)
            blob = seal(build_archive(files, DATA_ROOT), load_key())
            DEST_DIR.mkdir(parents=True, exist_ok=True)
            out = DEST_DIR / time.strftime("{w}-%Y%m%d-%H%M%S.bk")
            out.write_bytes(blob)
            digest = hashlib.sha256(blob).hexdigest()
            log.info("wrote %s (%d files, %d bytes)", out, len(files), len(blob))
            return BackupResult(path=out, files=len(files), size=len(blob), sha256=digest)
    '''
    if c.fw == "cli":
        main = f'''
            def main(argv=None) -> int:
                import argparse

                parser = argparse.ArgumentParser(description="Back up the {w} data directory")
                parser.add_argument("--keep-days", type=int, default=RETENTION_DAYS)
                parser.add_argument("--dry-run", action="store_true")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                if args.dry_run:
                    print(len(collect_files(DATA_ROOT)), "files would be archived")
                    return 0
                result = run_backup()
                print(result.path, result.sha256)
                prune_old(DEST_DIR, args.keep_days)
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''
    else:
        main = '''
            def main() -> None:
                logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
                result = run_backup()
                removed = prune_old(DEST_DIR, RETENTION_DAYS)
                log.info("backup %s done, %d old archives removed", result.sha256[:12], removed)


            if __name__ == "__main__":
                main()
        '''
    v = _mod(head, dc, *_shuffled(c, load_key, collect, archive, prune), enc_v, run, main)
    old = "\n".join(l[12:] for l in fix[0].split("\n"))
    new = "\n".join(l[12:] for l in fix[1].split("\n"))
    s = _twin(v, (old, new))
    return Spec(v=v, s=s, full=True, notes="archives are encrypted with AES in ECB mode: identical blocks "
                "leak and there is no integrity; the fix uses AES-GCM with a fresh nonce")


# ---------------- CWE-916 fast salted hash for stored passwords ----------------


@fam("mod-account-service-pwhash", "CWE-916", fws=["flask", "django"], n=6, wrap=False)
def mod_account_pwhash(c):
    w = c.word
    pw = c.n("pw")
    algo = c.pick("sha256", "sha1", "sha512")
    shape = c.pick("concat", "hexsalt")
    if shape == "concat":
        vline = f"digest = hashlib.{algo}(salt + {pw}.encode()).hexdigest()  #@V"
        sline = f'digest = hashlib.pbkdf2_hmac("sha256", {pw}.encode(), salt, 600_000).hex()'
    else:
        vline = f"digest = hashlib.{algo}((salt.hex() + {pw}).encode()).hexdigest()  #@V"
        sline = f"digest = hashlib.scrypt({pw}.encode(), salt=salt, n=2**14, r=8, p=1).hex()"
    if c.fw == "django":
        store_imp = "from django.db import transaction\n\n        from .models import Account"
        get = "Account.objects.filter(email__iexact=email).first()"
        create = ("with transaction.atomic():\n"
                  "                account = Account.objects.create(email=email, display_name=display_name,\n"
                  "                                                 password_hash=encoded)")
        save = "account.save(update_fields=[\"password_hash\"])"
    else:
        store_imp = "from .models import Account, db"
        get = "Account.query.filter(db.func.lower(Account.email) == email.lower()).first()"
        create = ("account = Account(email=email, display_name=display_name, password_hash=encoded)\n"
                  "            db.session.add(account)\n"
                  "            db.session.commit()")
        save = "db.session.commit()"
    min_len = c.pick(8, 10, 12)
    head = f'''
        """Account service: sign-up, login and password changes for the {w} portal."""
        import hashlib
        import hmac
        import logging
        import os
        import re
        from dataclasses import dataclass

        {store_imp}

        logger = logging.getLogger(__name__)

        MIN_PASSWORD_LENGTH = {min_len}
        SALT_BYTES = 16
        EMAIL_RE = re.compile(r"^[^@\\s]+@[^@\\s]+\\.[a-z]{{2,}}$", re.I)
        AVATAR_URL = "https://www.gravatar.com/avatar/{{}}?d=identicon&s=80"
    '''
    dc = '''
        class AccountError(Exception):
            pass


        @dataclass(frozen=True)
        class PublicAccount:
            id: int
            email: str
            display_name: str
            avatar: str
    '''
    avatar = '''
        def avatar_for(email: str) -> str:
            key = hashlib.md5(email.strip().lower().encode()).hexdigest()
            return AVATAR_URL.format(key)
    '''
    hashfn = f'''
        def hash_password({pw}: str, salt: bytes | None = None) -> str:
            salt = salt or os.urandom(SALT_BYTES)
            {vline}
            return f"{{salt.hex()}}${{digest}}"
    '''
    check = f'''
        def check_password({pw}: str, encoded: str) -> bool:
            salt_hex, _, expected = encoded.partition("$")
            candidate = hash_password({pw}, bytes.fromhex(salt_hex)).partition("$")[2]
            return hmac.compare_digest(candidate, expected)
    '''
    public = '''
        def to_public(account) -> PublicAccount:
            return PublicAccount(id=account.id, email=account.email, display_name=account.display_name,
                                 avatar=avatar_for(account.email))
    '''
    register = f'''
        def register(email: str, {pw}: str, display_name: str = "") -> PublicAccount:
            email = email.strip()
            if not EMAIL_RE.match(email):
                raise AccountError("invalid e-mail address")
            if len({pw}) < MIN_PASSWORD_LENGTH:
                raise AccountError(f"password must have at least {{MIN_PASSWORD_LENGTH}} characters")
            if {get} is not None:
                raise AccountError("an account with this e-mail already exists")
            encoded = hash_password({pw})
            {create}
            logger.info("account %s registered", account.id)
            return to_public(account)
    '''
    login = f'''
        def authenticate(email: str, {pw}: str) -> PublicAccount | None:
            account = {get}
            if account is None or not check_password({pw}, account.password_hash):
                logger.info("failed login for account lookup")
                return None
            return to_public(account)
    '''
    change = f'''
        def change_password(account, old: str, new: str) -> None:
            if not check_password(old, account.password_hash):
                raise AccountError("current password is wrong")
            if len(new) < MIN_PASSWORD_LENGTH:
                raise AccountError("new password too short")
            account.password_hash = hash_password(new)
            {save}
            logger.info("password changed for account %s", account.id)
    '''
    v = _mod(head, dc, *_shuffled(c, avatar, public), hashfn, check, register, *_shuffled(c, login, change))
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes=f"passwords are stored as one salted {algo} digest: fast to brute-force; "
                "the fix derives the hash with a slow KDF (PBKDF2/scrypt)")


# ---------------- CWE-295 SDK client with certificate validation off ----------------


@fam("mod-sdk-client-tls", "CWE-295", fws=["script", "cli"], n=6, wrap=False)
def mod_sdk_tls(c):
    w, W = c.word, c.word.capitalize()
    lib = c.pick("requests", "httpx")
    host = c.pick(f"api.{w}hub.io", f"{w}s.partner-cloud.com", f"gateway.{w}-platform.net")
    retries = c.pick(3, 4, 5)
    if lib == "requests":
        imp = "import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util.retry import Retry"
        init = f'''
                self._session = requests.Session()
                retry = Retry(total={retries}, backoff_factor=0.5, status_forcelist=(502, 503, 504))
                self._session.mount("https://", HTTPAdapter(max_retries=retry))
                self._session.headers.update({{"Authorization": f"Token {{api_key}}", "User-Agent": USER_AGENT}})'''
        vline = ("resp = self._session.request(method, self.base_url + path, params=params, json=body,\n"
                 "                                             timeout=self.timeout, verify=False)  #@V")
        sline = ("resp = self._session.request(method, self.base_url + path, params=params, json=body,\n"
                 "                                             timeout=self.timeout)")
        call = vline
    else:
        imp = "import httpx"
        init = f'''
                self._session = httpx.Client(
                    headers={{"Authorization": f"Token {{api_key}}", "User-Agent": USER_AGENT}},
                    transport=httpx.HTTPTransport(retries={retries}),
                    verify=False,  #@V
                )'''
        vline = "                    verify=False,  #@V\n"
        sline = ""
        call = ("resp = self._session.request(method, self.base_url + path, params=params, json=body,\n"
                "                                             timeout=self.timeout)")
    head = f'''
        """Thin client for the {W} REST API (v2): pagination, retries and typed results."""
        from __future__ import annotations

        import logging
        import os
        from dataclasses import dataclass, field
        from typing import Any, Iterator

        {imp.replace(chr(10), chr(10) + "        ")}

        log = logging.getLogger("{w}_sdk")

        DEFAULT_BASE_URL = "https://{host}/v2"
        USER_AGENT = "{w}-sdk/{c.pick("1.4.2", "2.0.1", "0.9.7")}"
        PAGE_SIZE = {c.pick(50, 100, 200)}
    '''
    dc = f'''
        class {W}ApiError(RuntimeError):
            def __init__(self, status: int, message: str):
                super().__init__(f"{{status}}: {{message}}")
                self.status = status


        @dataclass
        class {W}:
            id: str
            name: str
            status: str
            tags: list[str] = field(default_factory=list)

            @classmethod
            def from_json(cls, data: dict[str, Any]) -> "{W}":
                return cls(id=data["id"], name=data.get("name", ""), status=data.get("status", "unknown"),
                           tags=list(data.get("tags", [])))
    '''
    get_or_create = f'''
            def find_by_name(self, name: str) -> {W} | None:
                for item in self.iter_{w}s(name=name):
                    if item.name == name:
                        return item
                return None
    '''
    klass = f'''
        class {W}Client:
            def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 15.0):
                self.base_url = base_url.rstrip("/")
                self.timeout = timeout{init}

            @classmethod
            def from_env(cls) -> "{W}Client":
                return cls(os.environ["{w.upper()}_API_KEY"], os.environ.get("{w.upper()}_BASE_URL", DEFAULT_BASE_URL))

            def _call(self, method: str, path: str, params: dict | None = None, body: dict | None = None) -> Any:
                {call}
                if resp.status_code >= 400:
                    log.debug("%s %s -> %s", method, path, resp.status_code)
                    raise {W}ApiError(resp.status_code, resp.text[:200])
                return resp.json() if resp.content else None

            def get_{w}(self, {w}_id: str) -> {W}:
                return {W}.from_json(self._call("GET", f"/{w}s/{{{w}_id}}"))

            def iter_{w}s(self, **filters: str) -> Iterator[{W}]:
                cursor = None
                while True:
                    params = dict(filters, limit=PAGE_SIZE)
                    if cursor:
                        params["cursor"] = cursor
                    page = self._call("GET", "/{w}s", params=params)
                    for item in page["items"]:
                        yield {W}.from_json(item)
                    cursor = page.get("next_cursor")
                    if not cursor:
                        break

            def create_{w}(self, name: str, tags: list[str] | None = None) -> {W}:
                return {W}.from_json(self._call("POST", "/{w}s", body={{"name": name, "tags": tags or []}}))

            def delete_{w}(self, {w}_id: str) -> None:
                self._call("DELETE", f"/{w}s/{{{w}_id}}")
{get_or_create if c.pick(True, False) else ""}
            def close(self) -> None:
                self._session.close()
    '''
    if c.fw == "cli":
        main = f'''
            def main(argv=None) -> int:
                import argparse

                parser = argparse.ArgumentParser(prog="{w}ctl")
                parser.add_argument("command", choices=["list", "get", "delete"])
                parser.add_argument("id", nargs="?")
                args = parser.parse_args(argv)
                client = {W}Client.from_env()
                try:
                    if args.command == "list":
                        for item in client.iter_{w}s():
                            print(item.id, item.status, item.name)
                    elif args.command == "get":
                        print(client.get_{w}(args.id))
                    else:
                        client.delete_{w}(args.id)
                finally:
                    client.close()
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''
    else:
        main = ""
    v = _mod(head, dc, klass, main)
    v = v.replace("\n\n\n    def close", "\n\n    def close").replace("\n\n\n    def find_by", "\n\n    def find_by")
    if lib == "requests":
        s = _twin(v, ("timeout=self.timeout, verify=False)  #@V", "timeout=self.timeout)"))
    else:
        s = _twin(v, ("            verify=False,  #@V\n", ""))
    return Spec(v=v, s=s, full=True, fw="script" if c.fw == "script" else "cli",
                notes="every API call of the SDK client is made with certificate verification disabled, so the "
                      "API token and data can be intercepted; the fix keeps the default verification")


# ---------------- CWE-338 random module for voucher / payment-link codes ----------------


@fam("mod-billing-voucher-codes", "CWE-338", fws=["flask", "django", "script"], n=6, wrap=False)
def mod_billing_codes(c):
    w = c.word
    shape = c.pick("choices", "choice-loop", "randbits")
    length = c.pick(10, 12, 16)
    if shape == "choices":
        vline = "return \"\".join(random.choices(CODE_ALPHABET, k=length))  #@V"
        sline = "return \"\".join(secrets.choice(CODE_ALPHABET) for _ in range(length))"
    elif shape == "choice-loop":
        vline = "return \"\".join(random.choice(CODE_ALPHABET) for _ in range(length))  #@V"
        sline = "return \"\".join(secrets.choice(CODE_ALPHABET) for _ in range(length))"
    else:
        vline = "return format(random.getrandbits(length * 5), \"x\")[:length].upper()  #@V"
        sline = "return secrets.token_hex(length)[:length].upper()"
    head = f'''
        """Billing: prepaid {w} vouchers and one-off payment links."""
        import logging
        import random
        import secrets
        import time
        from dataclasses import dataclass, field
        from datetime import datetime, timedelta, timezone
        from decimal import Decimal

        log = logging.getLogger("billing.vouchers")

        CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        CODE_LENGTH = {length}
        VOUCHER_TTL = timedelta(days={c.pick(30, 90, 365)})
        MAX_FACE_VALUE = Decimal("{c.pick("500.00", "1000.00", "250.00")}")
        RETRY_BASE_DELAY = 0.2
    '''
    dc = f'''
        @dataclass
        class Voucher:
            code: str
            amount: Decimal
            currency: str
            expires_at: datetime
            redeemed_by: int | None = None
            meta: dict = field(default_factory=dict)

            @property
            def expired(self) -> bool:
                return datetime.now(timezone.utc) >= self.expires_at
    '''
    gen = f'''
        def new_code(length: int = CODE_LENGTH) -> str:
            {vline}
    '''
    fmt = '''
        def display_code(code: str) -> str:
            """ABCD-EFGH-... for printing on receipts."""
            return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    '''
    backoff = '''
        def _backoff(attempt: int) -> float:
            return RETRY_BASE_DELAY * (2 ** attempt) + random.uniform(0, RETRY_BASE_DELAY)
    '''
    svc = f'''
        class VoucherService:
            def __init__(self, store, ledger):
                self.store = store
                self.ledger = ledger

            def issue(self, amount: Decimal, currency: str = "EUR", **meta) -> Voucher:
                if amount <= 0 or amount > MAX_FACE_VALUE:
                    raise ValueError("voucher amount out of range")
                for attempt in range(5):
                    code = new_code()
                    if not self.store.exists(code):
                        break
                    time.sleep(_backoff(attempt))
                else:
                    raise RuntimeError("could not allocate a unique voucher code")
                voucher = Voucher(code=code, amount=amount, currency=currency,
                                  expires_at=datetime.now(timezone.utc) + VOUCHER_TTL, meta=meta)
                self.store.save(voucher)
                log.info("issued %s voucher for %s %s", "{w}", amount, currency)
                return voucher

            def redeem(self, code: str, account_id: int) -> Decimal:
                voucher = self.store.get(code.replace("-", "").upper())
                if voucher is None or voucher.expired or voucher.redeemed_by is not None:
                    raise LookupError("voucher not valid")
                voucher.redeemed_by = account_id
                self.store.save(voucher)
                self.ledger.credit(account_id, voucher.amount, voucher.currency, reference=voucher.code)
                return voucher.amount

            def sample_for_audit(self, vouchers: list[Voucher], share: float = 0.05) -> list[Voucher]:
                k = max(1, int(len(vouchers) * share)) if vouchers else 0
                return random.sample(vouchers, k)
    '''
    if c.fw == "flask":
        tail = '''
            def register(app, service: VoucherService) -> None:
                from flask import jsonify, request

                @app.post("/vouchers/redeem")
                def redeem_voucher():
                    body = request.get_json(force=True)
                    amount = service.redeem(body["code"], int(body["account_id"]))
                    return jsonify(credited=str(amount))
        '''
    elif c.fw == "django":
        tail = '''
            def redeem_view(request, service: VoucherService):
                import json

                from django.http import JsonResponse

                body = json.loads(request.body)
                amount = service.redeem(body["code"], request.user.id)
                return JsonResponse({"credited": str(amount)})
        '''
    else:
        tail = '''
            def print_batch(service: VoucherService, count: int, amount: Decimal) -> None:
                for _ in range(count):
                    print(display_code(service.issue(amount).code))
        '''
    v = _mod(head, dc, *_shuffled(c, gen, fmt, backoff), svc, tail)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes="voucher codes are bearer credentials for money but come from the "
                "Mersenne Twister (random), which is predictable; the fix draws them from secrets")


@hardneg(3)
def mod_billing_codes_hn(c):
    w = c.word
    head = f'''
        """Load generator and sampler for the {w} staging environment (test traffic only)."""
        import hashlib
        import logging
        import random
        import secrets
        import time
        from dataclasses import dataclass

        log = logging.getLogger("{w}.loadgen")

        SAMPLE_RATE = {c.pick("0.01", "0.05", "0.1")}
        JITTER_S = {c.pick("0.25", "0.5", "1.0")}
        SEED = {c.pick(1234, 42, 2024)}
    '''
    body = f'''
        @dataclass
        class Shot:
            name: str
            latency_ms: float
            status: int


        def jittered(delay: float) -> float:
            """Spread retries so clients do not reconnect in lock step."""
            return delay + random.uniform(0, JITTER_S)


        def should_trace(request_id: str) -> bool:
            bucket = int(hashlib.md5(request_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            return bucket < SAMPLE_RATE


        def fake_{w}s(n: int) -> list[dict]:
            rng = random.Random(SEED)
            return [{{"id": i, "score": rng.randint(0, 100), "region": rng.choice(["eu", "us", "ap"])}}
                    for i in range(n)]


        def new_run_id() -> str:
            return secrets.token_urlsafe(16)


        def pick_targets(targets: list[str], k: int) -> list[str]:
            return random.sample(targets, min(k, len(targets)))


        def fire(client, targets: list[str], rounds: int = 3) -> list[Shot]:
            run_id = new_run_id()
            shots = []
            for r in range(rounds):
                for name in pick_targets(targets, 5):
                    t0 = time.perf_counter()
                    status = client.get(name, headers={{"X-Run-Id": run_id}}).status_code
                    shots.append(Shot(name, (time.perf_counter() - t0) * 1000, status))
                time.sleep(jittered(0.5 * (r + 1)))
            log.info("run %s: %d shots", run_id, len(shots))
            return shots


        def summary(shots: list[Shot]) -> dict:
            if not shots:
                return {{}}
            lat = sorted(s.latency_ms for s in shots)
            return {{"n": len(lat), "p50": lat[len(lat) // 2], "p95": lat[int(len(lat) * 0.95) - 1],
                    "errors": sum(s.status >= 500 for s in shots)}}


        def main() -> None:
            import requests

            logging.basicConfig(level=logging.INFO)
            data = fake_{w}s(200)
            log.info("generated %d fake {w}s", len(data))
            with requests.Session() as session:
                print(summary(fire(session, ["https://staging.internal/{w}s", "https://staging.internal/health"])))


        if __name__ == "__main__":
            main()
    '''
    return Spec(s=_mod(head, body), full=True, fw="script",
                notes="random is used for jitter, sampling and fake data only; the run id comes from secrets")


# ---------------- CWE-347 SSO / partner token accepted without signature check ----------------


@fam("mod-sso-token-unverified", "CWE-347", fws=["flask", "fastapi"], n=6, wrap=False)
def mod_sso_unverified(c):
    w = c.word
    shape = c.pick("options", "manual")
    issuer = c.pick("https://login.partner-idp.com/", "https://sso.corp-auth.net", "https://id.example-hr.io")
    if shape == "options":
        vline = 'claims = jwt.decode(token, options={"verify_signature": False})  #@V'
        sline = ('claims = jwt.decode(token, jwks.get_signing_key_from_jwt(token).key, algorithms=["RS256"], '
                 'audience=AUDIENCE)')
        extra = ""
    else:
        vline = 'claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))  #@V'
        sline = ('claims = jwt.decode(token, jwks.get_signing_key_from_jwt(token).key, algorithms=["RS256"], '
                 'audience=AUDIENCE)')
        extra = "import base64\n        "
    head = f'''
        """Single sign-on for the {w} dashboard: exchange the partner IdP token for a local session."""
        {extra}import json
        import logging
        import time
        from dataclasses import dataclass

        import jwt
        from jwt import PyJWKClient

        log = logging.getLogger("{w}.sso")

        ISSUER = "{issuer}"
        AUDIENCE = "{w}-dashboard"
        JWKS_URL = ISSUER.rstrip("/") + "/.well-known/jwks.json"
        CLOCK_SKEW = {c.pick(30, 60, 120)}
        ALLOWED_DOMAINS = {c.pick('("example.com",)', '("example.com", "example.org")')}

        jwks = PyJWKClient(JWKS_URL, cache_keys=True)
    '''
    dc = '''
        class SSOError(Exception):
            pass


        @dataclass
        class Identity:
            subject: str
            email: str
            name: str
            groups: tuple[str, ...]
    '''
    parse = f'''
        def read_identity(token: str) -> Identity:
            {vline}
            now = time.time()
            if claims.get("iss") != ISSUER or AUDIENCE not in _as_list(claims.get("aud")):
                raise SSOError("token not issued for this application")
            if claims.get("exp", 0) + CLOCK_SKEW < now:
                raise SSOError("token expired")
            email = claims.get("email", "")
            if email.rsplit("@", 1)[-1] not in ALLOWED_DOMAINS:
                raise SSOError("e-mail domain not allowed")
            return Identity(subject=claims["sub"], email=email, name=claims.get("name", email),
                            groups=tuple(claims.get("groups", ())))
    '''
    aslist = '''
        def _as_list(value) -> list:
            if value is None:
                return []
            return value if isinstance(value, list) else [value]
    '''
    roles = f'''
        def roles_for(identity: Identity) -> set[str]:
            roles = {{"viewer"}}
            if "{w}-editors" in identity.groups:
                roles.add("editor")
            if "{w}-admins" in identity.groups:
                roles.add("admin")
            return roles
    '''
    if c.fw == "flask":
        tail = '''
            def init_sso(app) -> None:
                from flask import abort, redirect, request, session

                @app.post("/sso/callback")
                def sso_callback():
                    token = request.form.get("id_token", "")
                    try:
                        identity = read_identity(token)
                    except (SSOError, KeyError, ValueError) as exc:
                        log.info("sso rejected: %s", exc)
                        abort(401)
                    session.clear()
                    session["user"] = {"sub": identity.subject, "email": identity.email,
                                       "roles": sorted(roles_for(identity))}
                    return redirect("/")
        '''
    else:
        tail = '''
            def build_router():
                from fastapi import APIRouter, Form, HTTPException, Request
                from fastapi.responses import RedirectResponse

                router = APIRouter()

                @router.post("/sso/callback")
                async def sso_callback(request: Request, id_token: str = Form(...)):
                    try:
                        identity = read_identity(id_token)
                    except (SSOError, KeyError, ValueError) as exc:
                        log.info("sso rejected: %s", exc)
                        raise HTTPException(status_code=401) from exc
                    request.session["user"] = {"sub": identity.subject, "email": identity.email,
                                               "roles": sorted(roles_for(identity))}
                    return RedirectResponse("/", status_code=303)

                return router
        '''
    expiry = '''
        def session_lifetime(claims_exp: float, max_hours: int = 8) -> int:
            """Seconds the local session may live: never past the IdP token, never past max_hours."""
            remaining = int(claims_exp - time.time())
            return max(0, min(remaining, max_hours * 3600))


        def display_name(identity: Identity) -> str:
            if identity.name and identity.name != identity.email:
                return identity.name
            return identity.email.split("@", 1)[0].replace(".", " ").title()
    '''
    v = _mod(head, dc, *_shuffled(c, aslist, roles, expiry), parse, tail)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes="the IdP token's claims are read without checking its signature, so "
                "anyone can forge an identity (and groups); the fix verifies it against the IdP's JWKS key")


@hardneg(3)
def mod_sso_hn(c):
    w = c.word
    alg = c.pick("HS256", "HS512")
    head = f'''
        """Signed {w} webhooks and short-lived download tokens."""
        import hashlib
        import hmac
        import json
        import logging
        import os
        import time

        import jwt

        log = logging.getLogger("{w}.signing")

        WEBHOOK_SECRET = os.environ["{w.upper()}_WEBHOOK_SECRET"].encode()
        TOKEN_KEY = os.environ["{w.upper()}_TOKEN_KEY"]
        TOKEN_TTL = {c.pick(300, 600, 900)}
        MAX_SKEW = 300
    '''
    body = f'''
        class SignatureError(Exception):
            pass


        def sign_payload(body: bytes, ts: int) -> str:
            mac = hmac.new(WEBHOOK_SECRET, f"{{ts}}.".encode() + body, hashlib.sha256)
            return mac.hexdigest()


        def verify_webhook(body: bytes, header: str) -> dict:
            parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
            ts = int(parts.get("t", "0"))
            if abs(time.time() - ts) > MAX_SKEW:
                raise SignatureError("stale webhook")
            if not hmac.compare_digest(sign_payload(body, ts), parts.get("v1", "")):
                raise SignatureError("bad signature")
            return json.loads(body)


        def download_token({w}_id: int, user_id: int) -> str:
            now = int(time.time())
            claims = {{"sub": str(user_id), "{w}": {w}_id, "iat": now, "exp": now + TOKEN_TTL}}
            return jwt.encode(claims, TOKEN_KEY, algorithm="{alg}")


        def read_download_token(token: str) -> tuple[int, int]:
            claims = jwt.decode(token, TOKEN_KEY, algorithms=["{alg}"], options={{"require": ["exp", "sub"]}})
            return int(claims["sub"]), int(claims["{w}"])


        def handle_event(event: dict) -> None:
            kind = event.get("type")
            if kind == "{w}.created":
                log.info("new {w} %s", event["data"]["id"])
            elif kind == "{w}.deleted":
                log.info("{w} %s deleted", event["data"]["id"])
            else:
                log.debug("ignored event type %r", kind)


        def redeliver_signature(body: bytes) -> dict:
            """Headers for re-sending a stored event to a subscriber."""
            ts = int(time.time())
            return {{"X-Signature": f"t={{ts}},v1={{sign_payload(body, ts)}}", "Content-Type": "application/json"}}


        def token_from_query(args: dict) -> tuple[int, int] | None:
            token = args.get("t", "")
            if not token:
                return None
            try:
                return read_download_token(token)
            except jwt.InvalidTokenError as exc:
                log.info("download token rejected: %s", type(exc).__name__)
                return None


        def receive(body: bytes, headers: dict) -> int:
            try:
                event = verify_webhook(body, headers.get("X-Signature", ""))
            except (SignatureError, ValueError):
                return 400
            handle_event(event)
            return 204
    '''
    return Spec(s=_mod(head, body), full=True, fw="flask",
                notes="HMAC verified with compare_digest and a timestamp; JWT decoded with a pinned algorithm list")


# ---------------- CWE-798 IoT daemon with a hard-coded broker / API credential ----------------


@fam("mod-iot-daemon-credential", "CWE-798", fws=["script", "pipeline"], n=6, wrap=False)
def mod_iot_cred(c):
    w = c.word
    shape = c.pick("mqtt", "bearer")
    secret = c.pick("Hx7!qPz29vLm", "s3ns0r-G4te-2023", "tT9#wq81Lr0x", "b7Kd2-Qm9x-Pz4w")
    token = c.pick("5f1c9a2e7b4d8f3061ac", "gw_3a9f7c21e8b64d50", "9b8e77d1c4a2f0e5d6c3")
    interval = c.pick(15, 30, 60)
    if shape == "mqtt":
        vline = f'client.username_pw_set(DEVICE_ID, password="{secret}")  #@V'
        sline = 'client.username_pw_set(DEVICE_ID, password=os.environ["GATEWAY_MQTT_PASSWORD"])'
        vline2 = sline2 = None
    else:
        vline = f'session.headers["Authorization"] = "Bearer {token}"  #@V'
        sline = 'session.headers["Authorization"] = f"Bearer {os.environ[\'GATEWAY_API_TOKEN\']}"'
    head = f'''
        """Edge gateway daemon: polls local {w} sensors and forwards readings upstream."""
        import json
        import logging
        import os
        import signal
        import socket
        import time
        from dataclasses import asdict, dataclass

        import paho.mqtt.client as mqtt
        import requests

        log = logging.getLogger("{w}-gateway")

        DEVICE_ID = os.environ.get("GATEWAY_ID", socket.gethostname())
        BROKER_HOST = os.environ.get("GATEWAY_BROKER", "mqtt.fleet-telemetry.com")
        API_URL = "https://fleet-telemetry.com/api/v1/readings"
        POLL_INTERVAL = {interval}
        SENSOR_DIR = "/sys/bus/w1/devices"
        _running = True
    '''
    dc = '''
        @dataclass
        class Reading:
            sensor: str
            value: float
            ts: float
    '''
    stop = '''
        def _stop(signum, frame) -> None:
            global _running
            log.info("signal %s received, shutting down", signum)
            _running = False
    '''
    read = '''
        def read_sensors() -> list[Reading]:
            out = []
            for name in sorted(os.listdir(SENSOR_DIR)):
                path = os.path.join(SENSOR_DIR, name, "temperature")
                try:
                    with open(path) as fh:
                        out.append(Reading(name, int(fh.read().strip()) / 1000.0, time.time()))
                except (OSError, ValueError):
                    log.debug("sensor %s unreadable", name)
            return out
    '''
    if shape == "mqtt":
        conn = f'''
            def connect() -> mqtt.Client:
                client = mqtt.Client(client_id=DEVICE_ID)
                {vline}
                client.tls_set()
                client.connect(BROKER_HOST, 8883, keepalive=60)
                client.loop_start()
                return client


            def publish(client: mqtt.Client, readings: list[Reading]) -> None:
                for r in readings:
                    client.publish(f"{w}/{{DEVICE_ID}}/{{r.sensor}}", json.dumps(asdict(r)), qos=1)
        '''
    else:
        conn = f'''
            def connect() -> requests.Session:
                session = requests.Session()
                {vline}
                session.headers["X-Device-Id"] = DEVICE_ID
                return session


            def publish(session: requests.Session, readings: list[Reading]) -> None:
                body = {{"device": DEVICE_ID, "kind": "{w}", "readings": [asdict(r) for r in readings]}}
                resp = session.post(API_URL, json=body, timeout=10)
                resp.raise_for_status()
        '''
    main = '''
        def main() -> None:
            logging.basicConfig(level=logging.INFO)
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
            link = connect()
            failures = 0
            while _running:
                readings = read_sensors()
                try:
                    if readings:
                        publish(link, readings)
                    failures = 0
                except Exception:
                    failures += 1
                    log.exception("publish failed (%d in a row)", failures)
                time.sleep(min(POLL_INTERVAL * (failures + 1), 600))


        if __name__ == "__main__":
            main()
    '''
    v = _mod(head, dc, *_shuffled(c, stop, read), conn, main)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes="the gateway's upstream credential is a literal in the source that ships "
                "on every device; the fix reads it from the environment")


# ---------------- CWE-319 report exporter posting to a partner over plain HTTP ----------------


@fam("mod-report-export-cleartext", "CWE-319", fws=["script", "cli"], n=6, wrap=False)
def mod_report_http(c):
    w = c.word
    host = c.pick(f"ingest.{w}-analytics.com", f"partner.{w}hub.net", f"reports.acme-{w}.io")
    path = c.pick("/api/v1/upload", "/v2/ingest", "/exports")
    shape = c.pick("const", "fstring")
    if shape == "const":
        vline = f'UPLOAD_URL = "http://{host}{path}"  #@V'
        sline = f'UPLOAD_URL = "https://{host}{path}"'
        url = "UPLOAD_URL"
        head_url = vline
    else:
        vline = f'UPLOAD_BASE = "http://{host}"  #@V'
        sline = f'UPLOAD_BASE = "https://{host}"'
        url = f'f"{{UPLOAD_BASE}}{path}"'
        head_url = vline
    head = f'''
        """Daily {w} report: aggregate yesterday's rows, write CSV and push it to the partner."""
        import csv
        import gzip
        import hashlib
        import io
        import logging
        import os
        import sqlite3
        from dataclasses import dataclass
        from datetime import date, timedelta

        import requests

        log = logging.getLogger("{w}.export")

        DB_PATH = os.environ.get("{w.upper()}_DB", "/var/lib/{w}/{w}.sqlite3")
        {head_url}
        HEALTH_URL = "http://localhost:{c.pick(8080, 9000, 8001)}/healthz"
        API_KEY = os.environ["PARTNER_API_KEY"]
        COLUMNS = ("day", "region", "count", "total")
    '''
    dc = '''
        @dataclass
        class ExportStats:
            day: date
            rows: int
            bytes_sent: int
            checksum: str
    '''
    query = f'''
        def fetch_rows(day: date) -> list[tuple]:
            with sqlite3.connect(DB_PATH) as conn:
                cur = conn.execute(
                    "SELECT date(created_at), region, COUNT(*), SUM(amount) FROM {w}s "
                    "WHERE date(created_at) = ? GROUP BY region ORDER BY region",
                    (day.isoformat(),),
                )
                return cur.fetchall()
    '''
    tocsv = '''
        def to_csv(rows: list[tuple]) -> bytes:
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
            return gzip.compress(buf.getvalue().encode())
    '''
    health = '''
        def service_up() -> bool:
            try:
                return requests.get(HEALTH_URL, timeout=2).ok
            except requests.RequestException:
                return False
    '''
    upload = f'''
        def upload(day: date, blob: bytes) -> str:
            checksum = hashlib.sha256(blob).hexdigest()
            resp = requests.post(
                {url},
                headers={{"X-Api-Key": API_KEY, "Content-Encoding": "gzip", "X-Checksum": checksum}},
                params={{"day": day.isoformat()}},
                data=blob,
                timeout=60,
            )
            resp.raise_for_status()
            return checksum
    '''
    run = '''
        def export_day(day: date) -> ExportStats:
            rows = fetch_rows(day)
            blob = to_csv(rows)
            checksum = upload(day, blob)
            log.info("exported %d rows for %s (%d bytes)", len(rows), day, len(blob))
            return ExportStats(day=day, rows=len(rows), bytes_sent=len(blob), checksum=checksum)
    '''
    if c.fw == "cli":
        main = '''
            def main(argv=None) -> int:
                import argparse

                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("--day", type=date.fromisoformat, default=date.today() - timedelta(days=1))
                parser.add_argument("--skip-health", action="store_true")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                if not args.skip_health and not service_up():
                    log.error("local service is down, not exporting")
                    return 2
                print(export_day(args.day))
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''
    else:
        main = '''
            def main() -> None:
                logging.basicConfig(level=logging.INFO)
                if not service_up():
                    log.error("local service is down, not exporting")
                    return
                stats = export_day(date.today() - timedelta(days=1))
                log.info("done: %s", stats.checksum[:16])


            if __name__ == "__main__":
                main()
        '''
    v = _mod(head, dc, *_shuffled(c, query, tocsv, health), upload, run, main)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes="the report and the partner API key are sent over plain http; "
                "the fix uses https (the localhost health check is fine)")


# ---------------- CWE-377 cron job staging its export in a predictable temp file ----------------


@fam("mod-cron-export-tempfile", "CWE-377", fws=["script", "cli"], n=6, wrap=False)
def mod_cron_tmp(c):
    w = c.word
    shape = c.pick("mktemp", "gettempdir")
    if shape == "mktemp":
        vline = f'path = tempfile.mktemp(prefix="{w}-", suffix=".csv")  #@V'
    else:
        vline = f'path = os.path.join(tempfile.gettempdir(), f"{w}-{{os.getpid()}}.csv")  #@V'
    sline = f'fd, path = tempfile.mkstemp(prefix="{w}-", suffix=".csv")'
    open_v = 'with open(path, "w", newline="") as fh:'
    open_s = 'with os.fdopen(fd, "w", newline="") as fh:'
    remote = c.pick(f"/incoming/{w}s", "/upload/daily", f"/data/{w}")
    head = f'''
        """Cron job: dump open {w}s to CSV and deliver them to the warehouse over SFTP."""
        import csv
        import logging
        import os
        import tempfile
        from dataclasses import dataclass
        from datetime import datetime, timezone

        import paramiko
        import psycopg2

        log = logging.getLogger("{w}.cron")

        DSN = os.environ["{w.upper()}_DSN"]
        SFTP_HOST = os.environ.get("WAREHOUSE_HOST", "sftp.warehouse.internal")
        SFTP_USER = os.environ.get("WAREHOUSE_USER", "{w}-export")
        SFTP_KEY = os.path.expanduser("~/.ssh/warehouse_ed25519")
        REMOTE_DIR = "{remote}"
        BATCH = {c.pick(500, 1000, 2000)}
    '''
    dc = '''
        @dataclass
        class Delivery:
            remote_path: str
            rows: int
            started: datetime
            finished: datetime
    '''
    fetch = f'''
        def iter_rows():
            with psycopg2.connect(DSN) as conn, conn.cursor(name="{w}_export") as cur:
                cur.itersize = BATCH
                cur.execute("SELECT id, reference, status, updated_at FROM {w}s WHERE status <> 'closed'")
                yield from cur
    '''
    write = f'''
        def write_csv() -> tuple[str, int]:
            {vline}
            count = 0
            {open_v}
                writer = csv.writer(fh)
                writer.writerow(["id", "reference", "status", "updated_at"])
                for row in iter_rows():
                    writer.writerow(row)
                    count += 1
            return path, count
    '''
    ship = '''
        def deliver(local_path: str, remote_name: str) -> str:
            client = paramiko.SSHClient()
            client.load_system_host_keys()
            client.connect(SFTP_HOST, username=SFTP_USER, key_filename=SFTP_KEY, timeout=30)
            try:
                sftp = client.open_sftp()
                remote_path = f"{REMOTE_DIR}/{remote_name}"
                sftp.put(local_path, remote_path + ".part")
                sftp.rename(remote_path + ".part", remote_path)
                return remote_path
            finally:
                client.close()
    '''
    run = f'''
        def run() -> Delivery:
            started = datetime.now(timezone.utc)
            local, rows = write_csv()
            try:
                remote = deliver(local, started.strftime("{w}s-%Y%m%dT%H%M.csv"))
            finally:
                os.unlink(local)
            log.info("delivered %d rows to %s", rows, remote)
            return Delivery(remote, rows, started, datetime.now(timezone.utc))
    '''
    if c.fw == "cli":
        main = '''
            def main(argv=None) -> int:
                import argparse

                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("-v", "--verbose", action="store_true")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
                print(run())
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''
    else:
        main = '''
            def main() -> None:
                logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
                try:
                    delivery = run()
                except (paramiko.SSHException, psycopg2.Error):
                    log.exception("export failed")
                    raise SystemExit(1)
                took = (delivery.finished - delivery.started).total_seconds()
                log.info("export finished in %.1fs", took)


            if __name__ == "__main__":
                main()
        '''
    v = _mod(head, dc, *_shuffled(c, fetch, ship), write, run, main)
    s = _twin(v, (vline, sline), (open_v, open_s))
    return Spec(v=v, s=s, full=True, notes="the export is staged under a predictable name in the shared temp "
                "directory (race / symlink attack); the fix creates it atomically with mkstemp")


@hardneg(3)
def mod_cron_tmp_hn(c):
    w = c.word
    head = f'''
        """Render {w} PDFs through an external converter, using private scratch files."""
        import logging
        import os
        import shutil
        import subprocess
        import tempfile
        from dataclasses import dataclass
        from pathlib import Path

        log = logging.getLogger("{w}.render")

        OUTPUT_DIR = Path(os.environ.get("{w.upper()}_PDF_DIR", "/srv/{w}/pdf"))
        CONVERTER = shutil.which("wkhtmltopdf") or "/usr/local/bin/wkhtmltopdf"
        TIMEOUT = {c.pick(30, 60, 120)}
    '''
    body = f'''
        @dataclass
        class Rendered:
            {w}_id: int
            path: Path
            size: int


        def render_html({w}: dict) -> str:
            rows = "".join(f"<tr><td>{{k}}</td><td>{{v}}</td></tr>" for k, v in {w}["lines"])
            return f"<html><body><h1>{{{w}['title']}}</h1><table>{{rows}}</table></body></html>"


        def to_pdf(html: str) -> bytes:
            with tempfile.TemporaryDirectory(prefix="{w}-") as work:
                src = Path(work) / "in.html"
                dst = Path(work) / "out.pdf"
                src.write_text(html, encoding="utf-8")
                subprocess.run([CONVERTER, "--quiet", str(src), str(dst)], check=True, timeout=TIMEOUT)
                return dst.read_bytes()


        def store(name: str, data: bytes) -> Path:
            OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=OUTPUT_DIR, suffix=".part", delete=False) as fh:
                fh.write(data)
                tmp_name = fh.name
            final = OUTPUT_DIR / name
            os.replace(tmp_name, final)
            return final


        def render({w}: dict) -> Rendered:
            pdf = to_pdf(render_html({w}))
            path = store(f"{w}-{{{w}['id']}}.pdf", pdf)
            log.info("rendered %s (%d bytes)", path, len(pdf))
            return Rendered({w}["id"], path, len(pdf))


        def render_all(items: list[dict]) -> list[Rendered]:
            done = []
            for item in items:
                try:
                    done.append(render(item))
                except subprocess.CalledProcessError as exc:
                    log.error("converter failed for %s: %s", item.get("id"), exc.returncode)
            return done


        def cleanup(days: int = 30) -> int:
            import time

            cutoff = time.time() - days * 86400
            removed = 0
            for p in OUTPUT_DIR.glob("*.pdf"):
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            return removed


        def spool_stats(items: list[dict]) -> int:
            with tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+") as fh:
                for item in items:
                    fh.write(f"{{item['id']}},{{len(item['lines'])}}\\n")
                fh.seek(0)
                return sum(1 for _ in fh)
    '''
    return Spec(s=_mod(head, body), full=True, fw="script",
                notes="scratch files come from TemporaryDirectory / NamedTemporaryFile, created atomically")


# ---------------- CWE-117 refund service logging a client-supplied field verbatim ----------------


@fam("mod-refund-service-logging", "CWE-117", fws=["flask", "pipeline"], n=6, wrap=False)
def mod_refund_log(c):
    w = c.word
    field = c.pick("reason", "note", "customer_ref")
    lg = c.n("log")
    shape = c.pick("pct", "fstr")
    if shape == "pct":
        vline = f'{lg}.info("refund requested for {w} %s by %s: %s", {w}_id, actor, {field})  #@V'
        sline = f'{lg}.info("refund requested for {w} %s by %r: %r", {w}_id, actor, {field})'
    else:
        vline = f'{lg}.info(f"refund requested for {w} {{{w}_id}} by {{actor}}: {{{field}}}")  #@V'
        sline = f'{lg}.info("refund requested for {w} %s by %r: %r", {w}_id, actor, {field})'
    if c.fw == "flask":
        src = f'{field} = str(body.get("{field}", ""))[:500]  #@S'
        entry = f'''
            def register(app, service: "RefundService") -> None:
                from flask import g, jsonify, request

                @app.post("/{w}s/<int:{w}_id>/refunds")
                def request_refund({w}_id: int):
                    body = request.get_json(force=True)
                    amount = Decimal(str(body["amount"]))
                    {src}
                    refund = service.request({w}_id, amount, g.user.email, {field})
                    return jsonify(id=refund.id, status=refund.status), 201
        '''
    else:
        src = f'{field} = str(message.get("{field}", ""))[:500]  #@S'
        entry = f'''
            def handle_message(service: "RefundService", message: dict) -> None:
                """Refund requests arriving from the support-desk queue."""
                {w}_id = int(message["{w}_id"])
                amount = Decimal(str(message["amount"]))
                {src}
                service.request({w}_id, amount, message.get("agent", "support-desk"), {field})
        '''
    head = f'''
        """Refunds for {w}s: validation, approval thresholds and audit logging."""
        import itertools
        import logging
        from dataclasses import dataclass, field
        from datetime import datetime, timezone
        from decimal import Decimal

        {lg} = logging.getLogger("billing.refunds")

        AUTO_APPROVE_LIMIT = Decimal("{c.pick("50.00", "100.00", "25.00")}")
        MAX_REFUNDS_PER_{w.upper()} = {c.pick(2, 3, 5)}
        _ids = itertools.count(1)
    '''
    dc = f'''
        class RefundError(ValueError):
            pass


        @dataclass
        class Refund:
            id: int
            {w}_id: int
            amount: Decimal
            requested_by: str
            status: str = "pending"
            created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    '''
    svc = f'''
        class RefundService:
            def __init__(self, repo, payments):
                self.repo = repo
                self.payments = payments

            def _check(self, {w}_id: int, amount: Decimal) -> None:
                {w} = self.repo.get_{w}({w}_id)
                if {w} is None:
                    raise RefundError("unknown {w}")
                if amount <= 0 or amount > {w}.total - {w}.refunded:
                    raise RefundError("amount exceeds the refundable balance")
                if len(self.repo.refunds_for({w}_id)) >= MAX_REFUNDS_PER_{w.upper()}:
                    raise RefundError("too many refunds for this {w}")

            def request(self, {w}_id: int, amount: Decimal, actor: str, {field}: str) -> Refund:
                self._check({w}_id, amount)
                refund = Refund(id=next(_ids), {w}_id={w}_id, amount=amount, requested_by=actor)
                {vline}
                if amount <= AUTO_APPROVE_LIMIT:
                    self.approve(refund, approver="auto")
                self.repo.save_refund(refund)
                return refund

            def approve(self, refund: Refund, approver: str) -> None:
                self.payments.refund(refund.{w}_id, refund.amount, idempotency_key=f"refund-{{refund.id}}")
                refund.status = "approved"
                {lg}.info("refund %d approved by %s", refund.id, approver)

            def reject(self, refund: Refund, approver: str) -> None:
                refund.status = "rejected"
                self.repo.save_refund(refund)
                {lg}.info("refund %d rejected by %s", refund.id, approver)
    '''
    summary = f'''
        def daily_total(refunds: list[Refund]) -> Decimal:
            today = datetime.now(timezone.utc).date()
            return sum((r.amount for r in refunds if r.status == "approved" and r.created.date() == today),
                       Decimal("0"))
    '''
    export = f'''
        def export_rows(refunds: list[Refund]) -> list[dict]:
            """Rows for the finance team's weekly spreadsheet."""
            return [
                {{"id": r.id, "{w}": r.{w}_id, "amount": str(r.amount), "by": r.requested_by,
                 "status": r.status, "created": r.created.isoformat()}}
                for r in sorted(refunds, key=lambda r: r.created)
            ]
    '''
    v = _mod(head, dc, *_shuffled(c, svc, summary, export), entry)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, notes=f"the client-supplied {field} is written to the audit log verbatim, so "
                "embedded newlines forge log entries; the fix logs it with %r")
