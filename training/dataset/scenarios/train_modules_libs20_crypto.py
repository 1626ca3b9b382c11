"""Train-only whole-module families (libs20): cryptography inside services, one weak statement among
many correct uses of the same primitives.

Covers: a backup encryptor whose AES-CTR nonce is a per-process sequence number, so nonces repeat
across runs under one key (327); a license-key server minting keys with ``random.getrandbits`` (338);
a document-signing service whose seal signs the header only and whose verifier never checks the
content against the header's signed digest, so the content can change (347); an e-voting tally whose ballot receipt ids come from the clock (330).

Each family has one weak module with its minimal fix as twin, and a ``@hardneg(10)`` builder that
assembles safe modules from the same pool of parts with other draws (random nonces, stored nonces for
decryption, ``random`` for jitter and audit samples, ``time.time()`` for timestamps, full-payload
verification), so the modules differ in the set of functions they hold, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"argparse", "collections", "fnmatch", "glob", "io", "shutil", "sqlite3", "struct",
                          "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-327: backup encryptor, AES-CTR nonce from a per-process sequence counter ----------------


def _bk_kw(c):
    what = c.pick("database", "mailbox", "wiki", "ledger", "media", "config")
    return dict(
        what=what, log=c.pick("log", "logger"),
        Enc=c.pick("BackupEncryptor", "ArchiveSealer", "SnapshotCipher", "VaultWriter"),
        enc_fn=c.pick("encrypt_file", "seal_file", "encrypt_snapshot"),
        dec_fn=c.pick("decrypt_file", "open_file", "restore_snapshot"),
        KEYENV=c.pick("BACKUP_KEY_HEX", f"{what.upper()}_BACKUP_KEY", "ARCHIVE_DATA_KEY"),
        magic=c.pick('b"BKP1"', 'b"SNP2"', 'b"ARC1"'),
        keep=c.pick(7, 14, 30),
    )


def _bk_parts(c):
    stream = c.pick(True, False)
    if stream:
        enc_body = '''
                def $enc_fn(self, src: Path, dst: Path) -> dict:
                    """Encrypt ``src`` chunk by chunk into ``dst``: magic, nonce, ciphertext, HMAC tag."""
                    self._sequence += 1
                    $FIX
                    mac = HMAC.new(self.mac_key, digestmod=SHA256)
                    header = $magic + cipher.nonce
                    mac.update(header)
                    size = 0
                    with src.open("rb") as fin, dst.open("wb") as fout:
                        fout.write(header)
                        while chunk := fin.read(CHUNK_SIZE):
                            block = cipher.encrypt(chunk)
                            mac.update(block)
                            fout.write(block)
                            size += len(chunk)
                        fout.write(mac.digest())
                    $log.info("sealed %s (%d bytes, #%d)", src.name, size, self._sequence)
                    return {"file": dst.name, "bytes": size, "seq": self._sequence}
        '''
    else:
        enc_body = '''
                def $enc_fn(self, src: Path, dst: Path) -> dict:
                    """Encrypt the whole of ``src`` into ``dst`` (snapshots are small)."""
                    plaintext = src.read_bytes()
                    self._sequence += 1
                    $FIX
                    body = cipher.encrypt(plaintext)
                    header = $magic + cipher.nonce
                    tag = HMAC.new(self.mac_key, header + body, digestmod=SHA256).digest()
                    dst.write_bytes(header + body + tag)
                    $log.info("sealed %s (%d bytes, #%d)", src.name, len(plaintext), self._sequence)
                    return {"file": dst.name, "bytes": len(plaintext), "seq": self._sequence}
        '''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const="CHUNK_SIZE = 1 << 20\nMAGIC_LEN = 4\nTAG_LEN = 32"),
        P("keys", rank=1, imp="import os", body='''
            def load_keys() -> tuple[bytes, bytes]:
                """Encryption and MAC keys from the 64-byte hex key material in the environment."""
                material = bytes.fromhex(os.environ["$KEYENV"])
                if len(material) != 64:
                    raise ValueError("$KEYENV must hold 64 bytes of hex")
                return material[:32], material[32:]
        '''),
        P("enc", rank=2,
          imp="import struct\nfrom pathlib import Path\nfrom Crypto.Cipher import AES\nfrom Crypto.Hash import HMAC, SHA256\n"
              "from Crypto.Random import get_random_bytes",
          body='''
            class $Enc:
                """Encrypt-then-MAC backups of the $what store with AES-256-CTR and HMAC-SHA256."""

                def __init__(self, key: bytes, mac_key: bytes) -> None:
                    self.key = key
                    self.mac_key = mac_key
                    self._sequence = 0
        ''' + enc_body),
    ]
    pool = [
        P("dec", rank=3, needs=["enc"], imp="import hmac", body='''
            def $dec_fn(enc: $Enc, src: Path, dst: Path) -> None:
                """Check the tag, then decrypt with the nonce stored in the header."""
                blob = src.read_bytes()
                header, body, tag = blob[:MAGIC_LEN + 8], blob[MAGIC_LEN + 8:-TAG_LEN], blob[-TAG_LEN:]
                expected = HMAC.new(enc.mac_key, header + body, digestmod=SHA256).digest()
                if not hmac.compare_digest(expected, tag):
                    raise ValueError(f"{src.name}: authentication tag mismatch")
                cipher = AES.new(enc.key, AES.MODE_CTR, nonce=header[MAGIC_LEN:])
                dst.write_bytes(cipher.decrypt(body))
        '''),
        P("checksum", rank=1, imp="import hashlib", body='''
            def file_sha256(path: Path) -> str:
                """Checksum of the plaintext, recorded in the manifest for restore checks."""
                digest = hashlib.sha256()
                with path.open("rb") as fh:
                    for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
                        digest.update(chunk)
                return digest.hexdigest()
        '''),
        P("manifest", rank=1, imp="import json\nimport time", body='''
            def write_manifest(out_dir: Path, entries: list[dict]) -> Path:
                """A JSON manifest next to the sealed files."""
                manifest = out_dir / "manifest.json"
                manifest.write_text(json.dumps({"created": int(time.time()), "files": entries}, indent=2))
                return manifest
        '''),
        P("prune", rank=1, const="KEEP_DAYS = $keep", imp="import time", body='''
            def prune_old(out_dir: Path, keep_days: int = KEEP_DAYS) -> int:
                """Delete sealed files older than the retention window."""
                cutoff = time.time() - keep_days * 86400
                removed = 0
                for item in sorted(out_dir.glob("*.enc")):
                    if item.stat().st_mtime < cutoff:
                        item.unlink()
                        removed += 1
                return removed
        '''),
        P("keygen", rank=1, body='''
            def new_key_material() -> str:
                """Fresh key material for rotation, printed once and stored by the operator."""
                return get_random_bytes(64).hex()
        '''),
        P("main", rank=4, needs=["enc"], imp="import argparse", body='''
            def main(argv: list[str] | None = None) -> None:
                parser = argparse.ArgumentParser(description="seal $what backups")
                parser.add_argument("files", nargs="+", type=Path)
                parser.add_argument("--out", type=Path, default=Path("sealed"))
                args = parser.parse_args(argv)
                args.out.mkdir(parents=True, exist_ok=True)
                key, mac_key = load_keys()
                enc = $Enc(key, mac_key)
                for src in args.files:
                    enc.$enc_fn(src, args.out / (src.name + ".enc"))
        '''),
    ]
    return core, pool


_BK_DOCS = ["Nightly $what backup sealing: AES-CTR encryption with an HMAC tag per file.",
            "Encrypts $what snapshots before they are shipped to object storage.",
            "Backup encryptor of the $what service (pycryptodome)."]


def _bk_safe(c):
    return c.pick("cipher = AES.new(self.key, AES.MODE_CTR, nonce=get_random_bytes(8))",
                  "cipher = AES.new(self.key, AES.MODE_CTR)",
                  "cipher = AES.new(self.key, AES.MODE_CTR, nonce=os.urandom(8))")


@fam("mod20-backup-encryptor-ctr-sequence-nonce", "CWE-327", fws=["script"], n=8, wrap=False)
def mod20_backup_ctr_seq(c):
    kw = _bk_kw(c)
    core, pool = _bk_parts(c)
    vfix = c.pick('cipher = AES.new(self.key, AES.MODE_CTR, nonce=struct.pack(">Q", self._sequence))  #@V',
                  'cipher = AES.new(self.key, AES.MODE_CTR, nonce=self._sequence.to_bytes(8, "big"))  #@V',
                  'cipher = AES.new(self.key, AES.MODE_CTR, nonce=struct.pack(">II", 0, self._sequence))  #@V')
    sfix = _bk_safe(c)
    if "os.urandom" in sfix:
        core = core + [P("osimp", rank=0, imp="import os")]
    v, s = pair(c, c.pick(*_BK_DOCS), '$log = logging.getLogger("backup.$what")', core, pool, kw, vfix, sfix,
                lo=70, hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the CTR nonce is the encryptor's sequence number, which restarts at 1 in every process: "
                      "every nightly run encrypts its first file under the same key and nonce, so the keystreams "
                      "repeat and XOR-ing two backups reveals the XOR of their plaintexts. The fix draws a random "
                      "nonce per file (it is stored in the header either way)")


@hardneg(10)
def mod20_backup_ctr_seq_hn(c):
    kw = _bk_kw(c)
    core, pool = _bk_parts(c)
    fix = _bk_safe(c)
    core = core + [P("osimp", rank=0, imp="import os")]
    code = compose(c, c.pick(*_BK_DOCS), '$log = logging.getLogger("backup.$what")', core, pool, kw, lo=70, hi=112,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="AES-CTR with a fresh random nonce per file stored in the header, decryption with the stored "
                      "nonce after an HMAC check; the sequence number only feeds the log and manifest")


# ---------------- CWE-338: license-key server minting keys with random.getrandbits ----------------


def _lic_kw(c):
    prod = c.pick("studio", "cadkit", "mapper", "dbtool", "render", "scanner")
    return dict(
        prod=prod, PROD=prod.upper(), log=c.pick("log", "logger"),
        bits=c.pick(64, 80, 100),
        mint_fn=c.pick("mint_license_key", "new_license_key", "generate_key"),
        issue_fn=c.pick("issue_license", "create_license", "grant_license"),
        act_fn=c.pick("activate", "activate_seat", "bind_machine"),
        Store=c.pick("LicenseStore", "LicenseRepo", "KeyLedger"),
        seats=c.pick(1, 3, 5),
    )


def _lic_parts(c):
    enc = c.pick("b32", "hex")
    if enc == "b32":
        fmt = '''
                raw = value.to_bytes((KEY_BITS + 7) // 8, "big")
                text = base64.b32encode(raw).decode().rstrip("=")
                return "-".join(text[i:i + 5] for i in range(0, len(text), 5))'''
        fimp = "import base64"
    else:
        fmt = '''
                text = format(value, "0%dX" % ((KEY_BITS + 3) // 4))
                return "-".join(text[i:i + 4] for i in range(0, len(text), 4))'''
        fimp = ""
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const="KEY_BITS = $bits\nDEFAULT_SEATS = $seats"),
        P("mint", rank=1, imp="import random\nimport secrets\n" + fimp, body='''
            def $mint_fn() -> str:
                """A new product key, grouped for typing into the installer."""
                $FIX''' + fmt + '''
        '''),
        P("store", rank=2, imp="import sqlite3\nimport time", body='''
            class $Store:
                """Licenses and activations in SQLite; keys are stored as their SHA-256 only."""

                def __init__(self, path: str) -> None:
                    self.db = sqlite3.connect(path)
                    self.db.execute("CREATE TABLE IF NOT EXISTS licenses (key_hash TEXT PRIMARY KEY, customer TEXT, seats INTEGER, created REAL)")
                    self.db.execute("CREATE TABLE IF NOT EXISTS activations (key_hash TEXT, machine TEXT, at REAL)")

                def add(self, key_hash: str, customer: str, seats: int) -> None:
                    with self.db:
                        self.db.execute("INSERT INTO licenses VALUES (?, ?, ?, ?)", (key_hash, customer, seats, time.time()))

                def seats(self, key_hash: str) -> int | None:
                    row = self.db.execute("SELECT seats FROM licenses WHERE key_hash = ?", (key_hash,)).fetchone()
                    return row[0] if row else None

                def used(self, key_hash: str) -> list[str]:
                    rows = self.db.execute("SELECT machine FROM activations WHERE key_hash = ?", (key_hash,))
                    return [r[0] for r in rows]

                def bind(self, key_hash: str, machine: str) -> None:
                    with self.db:
                        self.db.execute("INSERT INTO activations VALUES (?, ?, ?)", (key_hash, machine, time.time()))
        '''),
        P("hash", rank=1, imp="import hashlib", body='''
            def key_hash(key: str) -> str:
                return hashlib.sha256(key.replace("-", "").upper().encode()).hexdigest()
        '''),
        P("issue", rank=3, needs=["store", "hash", "mint"], body='''
            def $issue_fn(store: $Store, customer: str, seats: int = DEFAULT_SEATS) -> str:
                """Create a license and return the key; it is shown to the customer once."""
                key = $mint_fn()
                store.add(key_hash(key), customer, seats)
                $log.info("issued $prod license for %s (%d seats)", customer, seats)
                return key
        '''),
    ]
    pool = [
        P("activate", rank=3, needs=["store", "hash"], body='''
            def $act_fn(store: $Store, key: str, machine: str) -> bool:
                """Bind a machine to a license while seats remain."""
                digest = key_hash(key)
                seats = store.seats(digest)
                if seats is None:
                    $log.warning("activation with an unknown $prod key")
                    return False
                machines = store.used(digest)
                if machine in machines:
                    return True
                if len(machines) >= seats:
                    return False
                store.bind(digest, machine)
                return True
        '''),
        P("jitter", rank=1, imp="import random", body='''
            def heartbeat_interval(base: float = 3600.0) -> float:
                """Clients phone home at a jittered interval so they do not all arrive at once."""
                return base * random.uniform(0.8, 1.2)
        '''),
        P("audit", rank=1, imp="import random", body='''
            def audit_sample(rows: list[tuple], size: int = 20) -> list[tuple]:
                """Activations for the monthly manual compliance review."""
                return rows if len(rows) <= size else random.sample(rows, size)
        '''),
        P("mask", rank=1, body='''
            def masked(key: str) -> str:
                """What support staff see: the last group only."""
                return "*****-" + key.rsplit("-", 1)[-1]
        '''),
        P("trial", rank=1, imp="import secrets\nimport time", const="TRIAL_DAYS = 14", body='''
            def trial_token() -> dict:
                """A trial installation id with its expiry."""
                return {"id": secrets.token_hex(16), "expires": time.time() + TRIAL_DAYS * 86400}
        '''),
        P("normalize", rank=1, imp="import re", const='KEY_RE = re.compile(r"[A-Z0-9]{4,5}(-[A-Z0-9]{1,5})+")', body='''
            def normalize(key: str) -> str | None:
                """Upper-case and validate a key typed by a customer."""
                key = key.strip().upper()
                return key if KEY_RE.fullmatch(key) else None
        '''),
    ]
    return core, pool


_LIC_DOCS = ["License server of $prod: mints product keys, records seats, handles activations.",
             "$prod licensing backend (product keys and machine activations).",
             "Issues and activates $prod product keys."]


@fam("mod20-license-server-getrandbits-key", "CWE-338", fws=["script"], n=8, wrap=False)
def mod20_license_getrandbits(c):
    kw = _lic_kw(c)
    core, pool = _lic_parts(c)
    vfix = c.pick("value = random.getrandbits(KEY_BITS)  #@V",
                  "value = random.getrandbits(KEY_BITS) | 1 << (KEY_BITS - 1)  #@V",
                  'value = int.from_bytes(random.randbytes((KEY_BITS + 7) // 8), "big") >> (-KEY_BITS % 8)  #@V')
    sfix = c.pick("value = secrets.randbits(KEY_BITS)",
                  "value = int.from_bytes(secrets.token_bytes((KEY_BITS + 7) // 8), \"big\") >> (-KEY_BITS % 8)",
                  "value = random.SystemRandom().getrandbits(KEY_BITS)")
    if vfix.startswith("value = random.getrandbits(KEY_BITS) |"):
        sfix = "value = secrets.randbits(KEY_BITS) | 1 << (KEY_BITS - 1)"
    elif "randbytes" in vfix:
        sfix = "value = int.from_bytes(secrets.token_bytes((KEY_BITS + 7) // 8), \"big\") >> (-KEY_BITS % 8)"
    v, s = pair(c, c.pick(*_LIC_DOCS), '$log = logging.getLogger("$prod.licensing")', core, pool, kw, vfix, sfix,
                lo=70, hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="product keys come from random.getrandbits, the Mersenne Twister: after observing about 624 "
                      "32-bit outputs (a few hundred keys bought or trial-issued) its state can be recovered and "
                      "every later key predicted, so valid licenses can be generated. The fix draws the bits from "
                      "the OS CSPRNG (secrets / SystemRandom)")


@hardneg(10)
def mod20_license_getrandbits_hn(c):
    kw = _lic_kw(c)
    core, pool = _lic_parts(c)
    fix = c.pick("value = secrets.randbits(KEY_BITS)", "value = random.SystemRandom().getrandbits(KEY_BITS)",
                 "value = int.from_bytes(secrets.token_bytes(KEY_BITS // 8), \"big\")")
    code = compose(c, c.pick(*_LIC_DOCS), '$log = logging.getLogger("$prod.licensing")', core, pool, kw, lo=70,
                   hi=112, subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="product keys from the OS CSPRNG; random only jitters heartbeats and samples audit rows; "
                      "keys stored as SHA-256, SQL with placeholders")


# ---------------- CWE-347: document-signing service verifying the signature over the wrong bytes ----------------


def _ds_kw(c):
    doc = c.pick("contract", "invoice", "permit", "statement", "certificate", "policy")
    return dict(
        doc=doc, log=c.pick("log", "logger"),
        sign_fn=c.pick(f"sign_{doc}", "sign_document", "seal"),
        verify_fn=c.pick(f"verify_{doc}", "verify_document", "check_seal"),
        Err=c.pick("SignatureError", "TamperedDocument", "InvalidSeal"),
        KEYENV=c.pick("DOCSIGN_PRIVATE_KEY", f"{doc.upper()}_SIGNING_KEY_PEM", "SEAL_KEY_PEM"),
        issuer=c.pick("records.example.com", "docs.example.org", "esign.example.net"),
    )


def _ds_alg(c):
    alg = c.pick("ed25519", "ecdsa")
    if alg == "ed25519":
        return dict(alg="EdDSA", kimp="from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey",
                    ktype="Ed25519PrivateKey", ptype="Ed25519PublicKey", sargs="", vargs="")
    return dict(alg="ES256", kimp="from cryptography.hazmat.primitives import hashes\nfrom cryptography.hazmat.primitives.asymmetric import ec",
                ktype="ec.EllipticCurvePrivateKey", ptype="ec.EllipticCurvePublicKey",
                sargs=", ec.ECDSA(hashes.SHA256())", vargs=", ec.ECDSA(hashes.SHA256())")


def _ds_parts(c, a):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='ISSUER = "$issuer"\nMAX_DOCUMENT_BYTES = 10 * 1024 * 1024'),
        P("b64", rank=1, imp="import base64", body='''
            def _b64(data: bytes) -> str:
                return base64.urlsafe_b64encode(data).decode().rstrip("=")


            def _unb64(text: str) -> bytes:
                return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        '''),
        P("err", rank=1, body='''
            class $Err(Exception):
                """The envelope is malformed or its signature does not cover the content."""
        '''),
        P("sign", rank=2, needs=["b64"], imp="import hashlib\nimport json\nimport time\n" + a["kimp"], body='''
            def $sign_fn(private_key: ''' + a["ktype"] + ''', content: bytes, title: str) -> dict:
                """Sign the header, which binds the content through its SHA-256."""
                if len(content) > MAX_DOCUMENT_BYTES:
                    raise ValueError("document too large")
                header = {"alg": "''' + a["alg"] + '''", "iss": ISSUER, "title": title, "iat": int(time.time()),
                          "sha256": hashlib.sha256(content).hexdigest()}
                header_b64 = _b64(json.dumps(header, sort_keys=True).encode())
                body_b64 = _b64(content)
                signature = private_key.sign(header_b64.encode()''' + a["sargs"] + ''')
                return {"header": header_b64, "body": body_b64, "signature": _b64(signature)}
        '''),
        P("verify", rank=2, needs=["b64", "err"], imp="import base64\nimport hashlib\nimport hmac\nimport json\nfrom cryptography.exceptions import InvalidSignature\n" + a["kimp"], body='''
            def $verify_fn(public_key: ''' + a["ptype"] + ''', envelope: dict) -> tuple[dict, bytes]:
                """Check the seal of an envelope and return its header and content."""
                try:
                    header_b64, body_b64 = envelope["header"], envelope["body"]
                    public_key.verify(base64.urlsafe_b64decode(envelope["signature"] + "=="), header_b64.encode()''' + a["vargs"] + ''')$FIX2
                    header = json.loads(_unb64(header_b64))
                    content = _unb64(body_b64)$FIX
                except (KeyError, ValueError, InvalidSignature) as exc:
                    $log.warning("rejected $doc envelope: %s", type(exc).__name__)
                    raise $Err("signature check failed") from exc
                if header.get("iss") != ISSUER:
                    raise $Err("unknown issuer")
                return header, content
        '''),
    ]
    pool = [
        P("loadkey", rank=1, imp="import os\nfrom cryptography.hazmat.primitives import serialization", body='''
            def load_private_key():
                """The signing key, PEM from the environment (mounted secret)."""
                return serialization.load_pem_private_key(os.environ["$KEYENV"].encode(), password=None)
        '''),
        P("pubpem", rank=1, imp="from cryptography.hazmat.primitives import serialization", body='''
            def public_pem(private_key) -> bytes:
                """Published so that relying parties can verify seals offline."""
                return private_key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
        '''),
        P("fingerprint", rank=1, imp="import hashlib", body='''
            def fingerprint(content: bytes) -> str:
                """Short id shown in the UI next to the document title."""
                return hashlib.sha256(content).hexdigest()[:16]
        '''),
        P("save", rank=3, needs=["sign"], imp="import json\nfrom pathlib import Path", body='''
            def save_envelope(out_dir: Path, name: str, envelope: dict) -> Path:
                """Write a signed envelope as JSON; ``name`` is a generated id, not user input."""
                target = out_dir / f"{name}.sig.json"
                target.write_text(json.dumps(envelope, indent=2))
                return target
        '''),
        P("expiry", rank=3, needs=["verify"], imp="import time", const="MAX_AGE_DAYS = 365", body='''
            def is_current(header: dict, now: float | None = None) -> bool:
                """Seals older than the retention period must be re-issued."""
                now = time.time() if now is None else now
                return now - header.get("iat", 0) < MAX_AGE_DAYS * 86400
        '''),
    ]
    return core, pool


_DS_DOCS = ["Document signing service: seals $doc PDFs and verifies seals presented by relying parties.",
            "Signing and verification of $doc envelopes (cryptography).",
            "$doc seals: detached signatures over header and content."]


def _ds_good(c):
    cmp = c.pick('if not hmac.compare_digest(header.get("sha256", ""), hashlib.sha256(content).hexdigest()):',
                 'if header.get("sha256") != hashlib.sha256(content).hexdigest():')
    return "\n        " + cmp + "\n            raise ValueError(\"content does not match the signed digest\")"


@fam("mod20-docsign-header-signed-content-unbound", "CWE-347", fws=["script"], n=8, wrap=False)
def mod20_docsign_header_only(c):
    kw = _ds_kw(c)
    a = _ds_alg(c)
    core, pool = _ds_parts(c, a)
    v, s = pair(c, c.pick(*_DS_DOCS), '$log = logging.getLogger("docsign.$doc")', core, pool, kw,
                ("  #@V", "  #@V"), (_ds_good(c), ""), lo=66, hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the seal is a signature over the header only, and the header binds the content through "
                      "its sha256 field, but the verifier never compares that digest with the body it returns: "
                      "an attacker keeps a genuine header and signature, swaps the content, and the tampered "
                      "document is accepted. The fix checks the content against the signed digest before use")


@hardneg(10)
def mod20_docsign_header_only_hn(c):
    kw = _ds_kw(c)
    a = _ds_alg(c)
    core, pool = _ds_parts(c, a)
    code = compose(c, c.pick(*_DS_DOCS), '$log = logging.getLogger("docsign.$doc")', core, pool, kw, lo=66, hi=112,
                   subs=[{"$FIX2": "", "$FIX": _ds_good(c)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="signature verified over the signed header and the content checked against the header's "
                      "sha256 before it is returned; InvalidSignature is caught and re-raised as a rejection")


# ---------------- CWE-330: e-voting tally, ballot receipt ids derived from the clock ----------------


def _ev_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        Box=c.pick("BallotBox", "TallyService", "ElectionLedger"),
        cast_fn=c.pick("cast", "cast_ballot", "record_vote"),
        lookup_fn=c.pick("receipt_status", "lookup_receipt", "check_receipt"),
        elect=c.pick("board-2025", "council-spring", "union-officers", "budget-referendum"),
    )


def _ev_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='ELECTION_ID = "$elect"'),
        P("box", rank=2, imp="import hashlib\nimport hmac\nimport secrets\nimport threading\nimport time\nfrom collections import Counter",
          body='''
            class $Box:
                """Stores anonymous ballots; the voter keeps a receipt to check the ballot was counted."""

                def __init__(self, options: list[str], voter_pepper: bytes) -> None:
                    self.options = frozenset(options)
                    self._pepper = voter_pepper
                    self._voted: set[str] = set()
                    self._ballots: dict[str, str] = {}
                    self._seq = 0
                    self._lock = threading.Lock()
                    self.closed = False

                def _voter_tag(self, voter_id: str) -> str:
                    return hmac.new(self._pepper, voter_id.encode(), hashlib.sha256).hexdigest()

                def $cast_fn(self, voter_id: str, choice: str) -> str:
                    """Record one ballot and return the voter's receipt id."""
                    if self.closed:
                        raise RuntimeError("polls are closed")
                    if choice not in self.options:
                        raise ValueError("unknown option")
                    tag = self._voter_tag(voter_id)
                    with self._lock:
                        if tag in self._voted:
                            raise PermissionError("already voted")
                        self._seq += 1
                        $FIX
                        self._voted.add(tag)
                        self._ballots[receipt] = choice
                    $log.info("ballot %d recorded at %.0f", self._seq, time.time())
                    return receipt

                def $lookup_fn(self, receipt: str) -> str | None:
                    """The choice recorded under a receipt, for the voter's own check."""
                    return self._ballots.get(receipt)

                def tally(self) -> Counter:
                    self.closed = True
                    return Counter(self._ballots.values())
        '''),
    ]
    pool = [
        P("results", rank=3, needs=["box"], imp="import json", body='''
            def publish_results(box: $Box) -> str:
                """Totals only; receipts and voter tags are never published."""
                counts = box.tally()
                return json.dumps({"election": ELECTION_ID, "closed_at": int(time.time()),
                                   "totals": dict(sorted(counts.items()))}, indent=2)
        '''),
        P("pepper", rank=1, imp="import os", body='''
            def load_pepper() -> bytes:
                """Pepper for voter tags, from the deployment secret store."""
                pepper = bytes.fromhex(os.environ["VOTER_TAG_PEPPER"])
                if len(pepper) < 32:
                    raise ValueError("pepper too short")
                return pepper
        '''),
        P("digest", rank=3, needs=["box"], body='''
            def ledger_digest(box: $Box) -> str:
                """A commitment over all ballots, published before the count is opened."""
                h = hashlib.sha256(ELECTION_ID.encode())
                for receipt, choice in sorted(box._ballots.items()):
                    h.update(f"{receipt}:{choice}\\n".encode())
                return h.hexdigest()
        '''),
        P("shuffle", rank=1, imp="import random", body='''
            def display_order(options: list[str]) -> list[str]:
                """Candidate order on the ballot page is shuffled to avoid position bias."""
                order = list(options)
                random.shuffle(order)
                return order
        '''),
        P("window", rank=1, imp="import time", const="POLLS_OPEN = 1767225600\nPOLLS_CLOSE = POLLS_OPEN + 3 * 86400", body='''
            def polls_open(now: float | None = None) -> bool:
                now = time.time() if now is None else now
                return POLLS_OPEN <= now < POLLS_CLOSE
        '''),
    ]
    return core, pool


_EV_DOCS = ["Ballot box and tally for the $elect election.",
            "E-voting backend: anonymous ballots, voter receipts, result publication.",
            "Tally service of the $elect vote."]


@fam("mod20-evote-receipt-id-clock", "CWE-330", fws=["script"], n=8, wrap=False)
def mod20_evote_receipt_clock(c):
    kw = _ev_kw(c)
    core, pool = _ev_parts(c)
    vfix = c.pick('receipt = f"{int(time.time() * 1000):x}-{self._seq:05d}"  #@V',
                  "receipt = hashlib.sha256(f\"{ELECTION_ID}:{time.time()}\".encode()).hexdigest()[:20]  #@V",
                  'receipt = "%s-%d" % (ELECTION_ID, int(time.time()) * 1000 + self._seq)  #@V')
    sfix = c.pick("receipt = secrets.token_urlsafe(16)", "receipt = secrets.token_hex(16)")
    v, s = pair(c, c.pick(*_EV_DOCS), '$log = logging.getLogger("evote")', core, pool, kw, vfix, sfix,
                lo=66, hi=110)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="ballot receipts are derived from the clock (and a sequence number): anyone who knows "
                      "roughly when a voter cast a ballot can enumerate the few candidate receipts and look up "
                      "how that person voted, breaking ballot secrecy. The fix draws receipts from secrets")


@hardneg(10)
def mod20_evote_receipt_clock_hn(c):
    kw = _ev_kw(c)
    core, pool = _ev_parts(c)
    fix = c.pick("receipt = secrets.token_urlsafe(16)", "receipt = secrets.token_hex(16)",
                 "receipt = secrets.token_urlsafe(12)")
    code = compose(c, c.pick(*_EV_DOCS), '$log = logging.getLogger("evote")', core, pool, kw, lo=66, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="receipts from secrets; time.time() only timestamps logs and the poll window, random only "
                      "shuffles the display order of candidates")
