"""Train-only snippet families (libs32 crypto set) for the rarer crypto labels, each in a library or call
shape the other families of groups 327/328/916 and 330/338 use rarely or not at all:

- l32cry-ecdsa-rsa-lib-sha1-file-signature (328): an operator tool / signing worker signs third-party binaries
  (reviewed plugin bundles, partner PDFs, ODM firmware images) with python-ecdsa (``sign_deterministic`` /
  ``sign_digest_deterministic`` with ``hashfunc=hashlib.sha1``, a key loaded with ``hashfunc=hashlib.sha1``)
  or python-rsa (``rsa.sign_hash`` over a streamed SHA-1 / MD5 digest): the submitter controls the signed
  bytes, so a colliding twin of a reviewed file carries a valid signature; the fix signs over SHA-256.
  Hard negatives keep SHA-256 signing next to non-security checksums (``zlib.crc32`` chunk checks,
  ``hashlib.md5(..., usedforsecurity=False)`` for a Content-MD5 header, PyNaCl Ed25519);
- l32cry-numpy-rng-clock-seeded-secret (330): access tokens / enrolment keys / invite keys drawn from a numpy
  generator (``default_rng`` / ``RandomState``) seeded from ``time.time()`` (and the pid): the seed space is a
  few thousand values around the issue time; the fix draws from ``secrets``. Hard negatives seed numpy from
  the clock for sampling and jitter only;
- l32cry-prng-auth-challenge (338): the challenge of a challenge-response login (device HMAC handshake, a
  WebAuthn assertion, an agent socket handshake) drawn from the ``random`` module: predictable challenges let
  a response captured or solicited earlier be replayed; the fix uses ``secrets``. Hard negatives keep
  ``random`` for reconnect jitter, edge-node choice, audit-log sampling and poll jitter;
- l32cry-django-md5-password-hasher (916): Django's ``MD5PasswordHasher`` (one salted MD5) heading
  ``PASSWORD_HASHERS`` in production settings, or chosen with ``make_password(..., hasher="md5")`` by an import
  command / signup serializer; the fix uses the default (PBKDF2 / Argon2) hasher. Hard negatives are the
  test-settings, ``override_settings`` and pytest fixture uses of the MD5 hasher that Django's docs recommend;
- l32cry-hazmat-stream-fixed-nonce (327): cryptography's ``Cipher(algorithms.AES(k), modes.CTR(n))`` /
  ``modes.OFB(iv)`` / ``algorithms.ChaCha20(k, n)`` with one nonce for every message (a constant, a configured
  value, the record id): one keystream for every value, so ciphertexts XOR to plaintexts; the fix draws a
  fresh nonce per message and stores it with the ciphertext (under the same HMAC). Hard negatives include a
  fresh random data key per file, where a zero nonce is correct.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _joined, _replayed
from registry import fam, hardneg


def _m(safe):
    return "" if safe else "  #@V"


def _a(word):
    """The indefinite article for ``word`` ("an upload", "a report")."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _t(tmpl, **kw):
    """Dedent ``tmpl`` and replace ``$name`` tokens (longest names first)."""
    out = dedent(tmpl)
    for k in sorted(kw, key=len, reverse=True):
        out = out.replace("$" + k, str(kw[k]))
    return out.strip("\n")


# ---------------- CWE-328: python-ecdsa / python-rsa signatures over SHA-1 or MD5 ----------------

# what is signed, per context: (docstring, noun, file glob, key env)
_SIG_CTX = {
    "cli": ("Sign reviewed third-party plugin bundles for the $W desktop client.\n\n"
            "Run by the marketplace team after a bundle has passed review; the client loads a bundle only when\n"
            "its detached signature verifies against the public key it ships with.",
            "bundle", "*.zip", "PLUGIN_SIGNING_KEY"),
    "script": ("Countersign partner documents for the $W e-signing archive.\n\n"
               "Partners upload their signed PDFs in the portal; once the legal team has approved one it is moved\n"
               "to APPROVED_DIR and this job adds the company's detached signature next to it.",
               "document", "*.pdf", "ARCHIVE_SIGNING_KEY"),
    "pipeline": ("Signing worker for ODM firmware images of the $W devices.\n\n"
                 "The partner's build system uploads each image; after QA the release service queues a job and\n"
                 "this worker signs the image, so the devices' bootloader accepts it.",
                 "image", "*.bin", "FIRMWARE_SIGNING_KEY"),
}


def _sig_fn(lib, h, safe, chunk):
    """Lines of ``sign_file(path)`` returning the signature bytes and the label of the hash."""
    m = _m(safe)
    if lib == "ecdsa-det":
        return [f"data = path.read_bytes()",
                f"return SIGNING_KEY.sign_deterministic(data, hashfunc=hashlib.{h}){m}"]
    if lib == "ecdsa-digest":
        return [f"digest = hashlib.{h}(){m}",
                'with path.open("rb") as fh:',
                f"    for chunk in iter(lambda: fh.read({chunk}), b\"\"):",
                "        digest.update(chunk)",
                f"return SIGNING_KEY.sign_digest_deterministic(digest.digest(), hashfunc=hashlib.{h}){m}"]
    if lib == "ecdsa-key":
        return ["data = path.read_bytes()",
                "return SIGNING_KEY.sign(data)"]
    name = {"sha1": "SHA-1", "md5": "MD5", "sha256": "SHA-256"}[h]
    return [f"digest = hashlib.{h}(){m}",
            'with path.open("rb") as fh:',
            f"    for chunk in iter(lambda: fh.read({chunk}), b\"\"):",
            "        digest.update(chunk)",
            f'return rsa.sign_hash(digest.digest(), SIGNING_KEY, "{name}"){m}']


def _sig_key_line(lib, h, safe, env):
    if lib.startswith("ecdsa"):
        extra = f", hashfunc=hashlib.{h}" if lib == "ecdsa-key" else ""
        m = _m(safe) if lib == "ecdsa-key" else ""
        return f'SIGNING_KEY = SigningKey.from_pem(pathlib.Path(os.environ["{env}"]).read_text(){extra}){m}'
    return f'SIGNING_KEY = rsa.PrivateKey.load_pkcs1(pathlib.Path(os.environ["{env}"]).read_bytes())'


def _sig_module(c, lib, weak, safe, extra=""):
    ctx = c.fw
    doc, noun, glob, env = _SIG_CTX[ctx]
    h = "sha256" if safe else weak
    label = {"sha1": "sha1", "md5": "md5", "sha256": "sha256"}[h]
    alg = ("ecdsa-" if lib.startswith("ecdsa") else "rsa-pkcs1v15-") + label
    chunk = c.pick("1 << 20", "65536", "CHUNK_SIZE")
    body = _sig_fn(lib, h, safe, chunk)
    imps = ["import base64", "import hashlib", "import json", "import logging", "import os", "import pathlib"]
    if extra == "crc":
        imps.append("import zlib")
    if ctx == "cli":
        imps.append("import argparse")
    third = ["from ecdsa import SigningKey"] if lib.startswith("ecdsa") else ["import rsa"]
    head = '"""' + doc.replace("$W", c.word.capitalize()) + '\n"""\n' + "\n".join(sorted(imps)) + "\n\n" + "\n".join(third)
    log = c.pick("log", "logger")
    consts = [f"{log} = logging.getLogger(__name__)", _sig_key_line(lib, weak if not safe else h, safe, env)]
    if chunk == "CHUNK_SIZE" and lib in ("ecdsa-digest", "rsa-stream"):  # only the streaming shapes read chunks
        consts.insert(1, "CHUNK_SIZE = 1 << 20")
    fn_sign = (f"def sign_file(path: pathlib.Path) -> bytes:\n"
               f'    """Detached signature of the {noun} at ``path``."""\n'
               + "\n".join("    " + l for l in body))
    record_extra = ""
    helper = ""
    if extra == "crc":
        helper = _t('''
            def chunk_checksums(path: pathlib.Path, size: int = 4 << 20) -> list[int]:
                """CRC-32 of each upload part, so the mirror upload can resume and spot torn parts."""
                sums = []
                with path.open("rb") as fh:
                    for part in iter(lambda: fh.read(size), b""):
                        sums.append(zlib.crc32(part))
                return sums''')
        record_extra = '        "parts_crc32": chunk_checksums(path),'
    elif extra == "content-md5":
        helper = _t('''
            def content_md5(path: pathlib.Path) -> str:
                """Content-MD5 header value the object store checks against transport corruption."""
                return base64.b64encode(hashlib.md5(path.read_bytes(), usedforsecurity=False).digest()).decode()''')
        record_extra = '        "content_md5": content_md5(path),'
    fn_record = "\n".join(["def signature_record(path: pathlib.Path) -> dict:",
                           "    signature = sign_file(path)",
                           "    return {",
                           f'        "{noun}": path.name,',
                           '        "size": path.stat().st_size,',
                           f'        "algorithm": "{alg}",'] + ([record_extra] if record_extra else []) +
                          ['        "signature": base64.b64encode(signature).decode(),',
                           "    }"])
    if ctx == "cli":
        main = _t(f'''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description="Sign reviewed plugin bundles")
                parser.add_argument("bundles", nargs="+", type=pathlib.Path)
                parser.add_argument("--out-dir", type=pathlib.Path, default=pathlib.Path("signed"))
                args = parser.parse_args(argv)
                args.out_dir.mkdir(parents=True, exist_ok=True)
                for bundle in args.bundles:
                    if not bundle.is_file():
                        {log}.warning("skipping %s: not a file", bundle)
                        continue
                    record = signature_record(bundle)
                    (args.out_dir / (bundle.name + ".sig.json")).write_text(json.dumps(record, indent=2))
                    {log}.info("signed %s", bundle.name)
                return 0


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                raise SystemExit(main())''')
    elif ctx == "script":
        d = c.pick("/srv/esign/approved", "/var/lib/archive/approved", "/data/legal/approved")
        main = _t(f'''
            APPROVED_DIR = pathlib.Path(os.environ.get("APPROVED_DIR", "{d}"))


            def main() -> None:
                for doc in sorted(APPROVED_DIR.glob("{glob}")):
                    sig_path = doc.with_suffix(".sig.json")
                    if sig_path.exists():
                        continue
                    sig_path.write_text(json.dumps(signature_record(doc), indent=2))
                    {log}.info("countersigned %s", doc.name)


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                main()''')
    else:
        root = c.pick("/srv/firmware/incoming", "/var/lib/fw-release/staging", "/data/odm/images")
        main = _t(f'''
            IMAGE_ROOT = pathlib.Path(os.environ.get("IMAGE_ROOT", "{root}"))


            def handle_job(job: dict) -> dict:
                """A release job: {{"image": "<file name under IMAGE_ROOT>", "model": ..., "version": ...}}."""
                image = IMAGE_ROOT / pathlib.Path(job["image"]).name
                record = signature_record(image)
                record.update(model=job["model"], version=job["version"])
                image.with_suffix(".sig.json").write_text(json.dumps(record, indent=2))
                {log}.info("signed %s %s", job["model"], job["version"])
                return record


            def run_consumer(consumer) -> None:
                for message in consumer:
                    handle_job(json.loads(message.value))''')
    return _joined(head, "\n".join(consts), fn_sign, helper, fn_record, main)


@fam("l32cry-ecdsa-rsa-lib-sha1-file-signature", "CWE-328", fws=["cli", "script", "pipeline"], n=8, wrap=False)
def l32cry_sig_sha1(c):
    lib = c.pick("ecdsa-det", "ecdsa-digest", "ecdsa-key", "rsa-stream")
    weak = c.pick("sha1", "sha1", "md5") if lib == "rsa-stream" else c.pick("sha1", "sha1", "sha1", "md5")
    v, s = _replayed(c, lambda cc, safe: _sig_module(cc, lib, weak, safe))
    what = {"cli": "reviewed plugin bundles", "script": "partner-uploaded PDFs",
            "pipeline": "ODM partner firmware images"}[c.fw]
    api = {"ecdsa-det": "python-ecdsa sign_deterministic(hashfunc=hashlib.%s)",
           "ecdsa-digest": "python-ecdsa sign_digest_deterministic over a streamed hashlib.%s digest",
           "ecdsa-key": "a python-ecdsa key loaded with hashfunc=hashlib.%s (used by every sign())",
           "rsa-stream": "python-rsa sign_hash over a streamed hashlib.%s digest"}[lib] % weak
    return Spec(v=v, s=s, full=True,
                notes=f"the tool signs {what}, whose bytes the submitter controls, with {api}: {weak.upper()} "
                      "collisions are practical (identical- and chosen-prefix), so a submitter prepares a benign file "
                      "and a malicious twin with the same digest, gets the benign one reviewed and signed, and the "
                      "signature verifies for the twin; the fix signs over SHA-256")


@hardneg(2)
def l32cry_sig_sha1_hn_checksums(c):
    lib = c.pick("ecdsa-det", "ecdsa-digest", "rsa-stream")
    extra = c.pick("crc", "content-md5")
    return Spec(s=_sig_module(c, lib, "sha1", True, extra), full=True,
                notes="signatures are over SHA-256; CRC-32 / MD5 (usedforsecurity=False) only detect transport "
                      "corruption of upload parts or feed the object store's Content-MD5 check")


@hardneg(2)
def l32cry_sig_sha1_hn_nacl(c):
    noun = c.pick("bundle", "image", "package")
    body = _t(f'''
        """Sign {c.word} {noun}s with the release Ed25519 key (PyNaCl)."""
        import base64
        import hashlib
        import json
        import os
        import pathlib

        from nacl.encoding import RawEncoder
        from nacl.signing import SigningKey

        SIGNING_KEY = SigningKey(bytes.fromhex(os.environ["RELEASE_ED25519_SEED"]), encoder=RawEncoder)
        CACHE_DIR = pathlib.Path(os.environ.get("SIGN_CACHE_DIR", "/var/cache/{c.word}-signer"))


        def cache_key(path: pathlib.Path) -> str:
            """Names the local cache entry of a file; the signature below covers the bytes themselves."""
            return hashlib.sha1(path.name.encode() + str(path.stat().st_mtime_ns).encode(), usedforsecurity=False).hexdigest()


        def sign_{noun}(path: pathlib.Path) -> dict:
            cached = CACHE_DIR / (cache_key(path) + ".json")
            if cached.exists():
                return json.loads(cached.read_text())
            signed = SIGNING_KEY.sign(path.read_bytes())
            record = {{"{noun}": path.name, "algorithm": "ed25519",
                      "signature": base64.b64encode(signed.signature).decode()}}
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(record))
            return record''')
    return Spec(s=body, full=True,
                notes="Ed25519 signs the whole file (SHA-512 inside); SHA-1 without security use only names a "
                      "local cache file of the signer's own results")


# ---------------- CWE-330: numpy generators seeded from the clock (and pid) minting secrets ----------------

_ALPHA = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _np_rng(c, kind):
    """(generator constructor, its variable) seeded from the clock."""
    if kind == "gen":
        seed = c.pick("int(time.time())", "int(time.time() * 1000)", "[os.getpid(), int(time.time())]",
                      "int(time.time()) ^ os.getpid()")
        return f"np.random.default_rng({seed})", seed
    seed = c.pick("int(time.time())", "(os.getpid() + int(time.time())) % 2**32", "int(time.time()) & 0xFFFFFFFF")
    return f"np.random.RandomState({seed})", seed


def _np_draw(kind, fmt, var, n):
    if fmt == "hex":
        return f"{var}.bytes({n}).hex()"
    if fmt == "alpha":
        return f'"".join({var}.choice(list(ALPHABET), size={n}))'
    if kind == "gen":
        return f'"%016x%016x" % tuple(int(v) for v in {var}.integers(0, 2**63, size=2))'
    return f'"".join("%08x" % int(v) for v in {var}.randint(0, 2**31, size=4))'


def _secrets_draw(fmt, n):
    if fmt == "hex":
        return f"secrets.token_hex({n})"
    if fmt == "alpha":
        return f'"".join(secrets.choice(ALPHABET) for _ in range({n}))'
    return "secrets.token_hex(16)"


def _np_module(c, kind, fmt, where, safe, hn=False):
    """The module of the context; ``hn`` adds a clock-seeded generator used for statistics only (for the
    script, ``hn`` names that use: "order", "stagger" or "spot-check")."""
    ctor, _ = _np_rng(c, kind)
    var = c.pick("rng", "gen", "_rng") if where == "local" else c.pick("_RNG", "RNG", "_TOKEN_RNG")
    n = {"hex": c.pick("24", "32"), "alpha": c.pick("20", "24"), "int": ""}[fmt]
    draw = _secrets_draw(fmt, n) if safe else _np_draw(kind, fmt, var, n) + "  #@V"
    mod_line = "" if safe or where != "module" else f"{var} = {ctor}  #@V"
    loc_line = "" if safe or where != "local" else f"{var} = {ctor}  #@V"
    alpha = f'ALPHABET = "{_ALPHA}"' if fmt == "alpha" else ""
    W = c.word.capitalize()
    use_os = c.fw == "flask" or (not safe and "os." in ctor)
    std = (["import os"] if use_os else []) + (["import secrets"] if safe else []) + (["import time"] if (not safe or hn) else [])
    if c.fw == "flask":
        imps = sorted(std) + ["", "import numpy as np", "from flask import Flask, g, jsonify", "",
                              "from .auth import login_required", "from .kernels import KernelManager"]
        glob = "\n".join(x for x in ['app = Flask(__name__)',
                                      'kernels = KernelManager(os.environ.get("KERNEL_ROOT", "/srv/kernels"))',
                                      alpha, mod_line] if x)
        tok = c.pick("token", "access_token")
        fn = "\n".join(x for x in [
            '@app.post("/kernels")', "@login_required", "def start_kernel():",
            f'    """Start a kernel for the analyst; the browser sends the {tok} on the kernel websocket."""',
            ("    " + loc_line) if loc_line else "",
            f"    {tok} = {draw}",
            f"    kernel = kernels.start(owner=g.user.id, token={tok})",
            f'    return jsonify(kernel_id=kernel.id, {tok}={tok}, ws_url=f"/kernels/{{kernel.id}}/channels")'] if x)
        extra = [
            '@app.get("/kernels/usage")', "@login_required", "def usage():",
            "    mem = np.array([k.memory_mb for k in kernels.for_owner(g.user.id)], dtype=float)",
            "    if not mem.size:",
            "        return jsonify(count=0)"]
        if hn:
            extra += ["    boot = np.random.default_rng(int(time.time()))  # resampling only, nothing secret",
                      "    means = [boot.choice(mem, size=mem.size).mean() for _ in range(200)]",
                      "    return jsonify(count=int(mem.size), mean_mb=float(mem.mean()),",
                      "                   ci95=[float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))])"]
        else:
            extra += ["    return jsonify(count=int(mem.size), mean_mb=float(mem.mean()), p95_mb=float(np.percentile(mem, 95)))"]
        doc = f'"""Kernel gateway of the {W} analytics workspace."""'
        return _joined(doc + "\n" + "\n".join(imps), glob, fn, "\n".join(extra))
    if c.fw == "fastapi":
        imps = sorted(std + ["import hashlib"]) + [
            "", "import numpy as np", "from fastapi import Depends, FastAPI, HTTPException", "from pydantic import BaseModel",
            "", "from .db import Instrument, get_session", "from .security import require_admin"]
        glob = "\n".join(x for x in ["app = FastAPI()", alpha, mod_line] if x)
        model = "class Enrolment(BaseModel):\n    serial: str\n    site: str"
        key = c.pick("upload_key", "device_key")
        fn = "\n".join(x for x in [
            '@app.post("/instruments")',
            "def enrol(body: Enrolment, admin=Depends(require_admin), session=Depends(get_session)):",
            f'    """Register {_a(c.word)} {c.word} instrument; the {key} is shown once and authenticates its uploads."""',
            ("    " + loc_line) if loc_line else "",
            f"    {key} = {draw}",
            f"    session.add(Instrument(serial=body.serial, site=body.site,",
            f"                           key_hash=hashlib.sha256({key}.encode()).hexdigest()))",
            "    session.commit()",
            f'    return {{"serial": body.serial, "{key}": {key}}}'] if x)
        extra = [
            '@app.get("/instruments/{serial}/drift")',
            "def drift(serial: str, admin=Depends(require_admin), session=Depends(get_session)):",
            "    inst = session.get(Instrument, serial)",
            "    if inst is None:",
            '        raise HTTPException(status_code=404, detail="unknown instrument")',
            "    readings = np.asarray(inst.reference_readings, dtype=float)"]
        if hn:
            extra += ["    # jittered resample so the drift chart does not show the same sample on every refresh",
                      "    sample = np.random.default_rng(int(time.time())).choice(readings, size=min(50, readings.size))",
                      '    return {"serial": serial, "mean": float(readings.mean()), "sample": sample.tolist()}']
        else:
            extra += ['    return {"serial": serial, "mean": float(readings.mean()), "std": float(readings.std())}']
        doc = f'"""Enrolment API of the {W} lab instruments."""'
        return _joined(doc + "\n" + "\n".join(imps), glob, model, fn, "\n".join(extra))
    if c.fw == "script":
        imps = sorted(std + ["import csv", "import sys"]) + (["", "import numpy as np"] if (not safe or hn) else []) + [
            "", "from labelling.invites import send_invitation, store_invitation"]
        fn_key = "\n".join([f"def make_key({var}) -> str:" if (where == "local" and not safe) else "def make_key() -> str:",
                            f"    return {draw}"])
        loop_arg = var if (where == "local" and not safe) else ""
        body = [f"def main(path: str) -> None:",
                f'    """Invite every annotator listed in the CSV at ``path`` to the {c.word} campaign."""']
        if loc_line:
            body.append("    " + loc_line)
        use = hn if isinstance(hn, str) else ""  # the script's non-secret use of the clock-seeded generator
        if use == "order":
            body.append("    order = np.random.default_rng(int(time.time()))  # spreads the mails over the queue")
        body += ["    with open(path, newline=\"\") as fh:",
                 "        rows = list(csv.DictReader(fh))"]
        if use == "order":
            body.append("    rows = [rows[i] for i in order.permutation(len(rows))]")
        elif use == "stagger":
            most = c.pick(2, 3, 5)
            body.append(f"    # pauses of up to {most} s between mails, so the relay does not rate-limit the burst")
            body.append(f"    pauses = np.random.default_rng(int(time.time() * 1000)).uniform(0, {most}, size=len(rows))")
        elif use == "spot-check":
            body.append("    # a few addresses for the campaign lead to eyeball before the mails go out; nothing secret")
            body.append("    picked = np.random.default_rng(int(time.time())).choice(len(rows), size=min(5, len(rows)), replace=False)")
            body.append('    print("spot-check:", ", ".join(rows[i]["email"] for i in picked))')
        body += [("    for row, pause in zip(rows, pauses):" if use == "stagger" else "    for row in rows:"),
                 f"        key = make_key({loop_arg})",
                 '        store_invitation(row["email"], key)',
                 '        send_invitation(row["email"], key)'] + (["        time.sleep(pause)"] if use == "stagger" else []) + [
                 '    print(f"{len(rows)} invitations sent")',
                 "", "", 'if __name__ == "__main__":', "    main(sys.argv[1])"]
        doc = (f'"""Invitation keys for the annotators of the {W} labelling campaign; a key signs its annotator in\n'
               'without a password, so it is mailed to that person only."""')
        glob = "\n".join(x for x in ["ALPHABET = \"" + _ALPHA + "\"", mod_line] if x)
        return _joined(doc + "\n" + "\n".join(imps), glob, fn_key, "\n".join(body))
    # cli
    imps = sorted(std + ["import argparse", "import hashlib"]) + (["", "import numpy as np"] if (not safe or hn) else []) + [
        "", "from serving.registry import register_client"]
    fn = "\n".join(x for x in [
        "def new_client_secret() -> str:",
        ("    " + loc_line) if loc_line else "",
        f'    return "sk_" + {draw}'] if x)
    main = [f"def main(argv=None) -> int:",
            f'    parser = argparse.ArgumentParser(description="Register an API client of the {W} model server")',
            '    parser.add_argument("--name", required=True)',
            '    parser.add_argument("--scopes", default="predict")',
            "    args = parser.parse_args(argv)",
            "    secret = new_client_secret()",
            '    client_id = register_client(args.name, args.scopes.split(","), hashlib.sha256(secret.encode()).hexdigest())',
            '    print(f"client_id={client_id}")',
            '    print(f"client_secret={secret}  (shown once)")']
    if hn:
        main.insert(5, "    warmup = np.random.default_rng(int(time.time())).normal(size=(8, 16))  # smoke-test input")
        main += ['    print(f"warm-up batch shape: {warmup.shape}")']
    main += ["    return 0", "", "", 'if __name__ == "__main__":', "    raise SystemExit(main())"]
    doc = f'"""Admin command of the {W} model-serving platform: registers an API client and prints its secret."""'
    glob = "\n".join(x for x in [alpha, mod_line] if x)
    return _joined(doc + "\n" + "\n".join(imps), glob, fn, "\n".join(main))


_NP_FMT = {"flask": ("hex",), "fastapi": ("int", "hex"), "script": ("alpha",), "cli": ("int", "hex")}


@fam("l32cry-numpy-rng-clock-seeded-secret", "CWE-330", fws=["flask", "fastapi", "script", "cli"], n=8, wrap=False)
def l32cry_np_clock(c):
    kind = c.pick("gen", "gen", "rs")
    fmt = c.pick(*_NP_FMT[c.fw])
    where = c.pick("module", "local")
    v, s = _replayed(c, lambda cc, safe: _np_module(cc, kind, fmt, where, safe))
    what = {"flask": "the kernel access token", "fastapi": "the instrument upload key",
            "script": "the annotators' sign-in invitation keys", "cli": "the API client secret"}[c.fw]
    when = "once at import (every value after that follows from the seed)" if where == "module" else "on every call"
    return Spec(v=v, s=s, full=True,
                notes=f"{what} is drawn from a numpy {'Generator' if kind == 'gen' else 'RandomState'} seeded {when} "
                      "from time.time() (and the pid): the seconds or milliseconds around the issue time (and the "
                      "small pid range) give thousands to a few million candidate seeds, so anyone who knows roughly "
                      "when it was made recomputes it offline; numpy's generators are not cryptographic either; the "
                      "fix draws it from secrets")


@hardneg(4)
def l32cry_np_clock_hn(c):
    use = c.pick("order", "stagger", "spot-check") if c.fw == "script" else True
    fmt = c.pick(*_NP_FMT[c.fw])
    return Spec(s=_np_module(c, "gen", fmt, "local", True, hn=use), full=True,
                notes="the secret comes from secrets; the clock-seeded numpy generator only resamples statistics, "
                      "orders a mailing or makes a warm-up batch, where predictability does not matter")


# ---------------- CWE-338: challenge of a challenge-response sign-in drawn from `random` ----------------

def _chal_expr(gen, n, safe):
    if safe:
        return {"randbytes": f"secrets.token_bytes({n})", "getrandbits": f"secrets.token_bytes({n})",
                "randrange": f"os.urandom({n})", "hex": f"secrets.token_hex({n})"}[gen]
    return {"randbytes": f"random.randbytes({n})",
            "getrandbits": f'random.getrandbits({n * 8}).to_bytes({n}, "big")',
            "randrange": f"bytes(random.randrange(256) for _ in range({n}))",
            "hex": f'"%0{n * 2}x" % random.getrandbits({n * 8})'}[gen]


def _chal_module(c, gen, safe, hn=False):
    n = c.pick(16, 32)
    expr = _chal_expr(gen, n, safe) + _m(safe)
    hexed = gen == "hex"
    W = c.word.capitalize()
    who = c.pick("terminal", "kiosk", "scanner")
    if c.fw == "pipeline":
        std = ["import asyncio", "import hashlib", "import hmac", "import json", "import logging", "import ssl"]
        std += ["import secrets"] if (safe and gen != "randrange") else []
        std += ["import os"] if (safe and gen == "randrange") else []
        std += ["import random"] if (not safe or hn) else []
        chal_b = "challenge.encode()" if hexed else "challenge"
        send = "challenge.encode()" if hexed else "challenge.hex().encode()"
        body = _t(f'''
            """LAN hub of the {W} plant: door controllers connect over TCP, prove that they hold their
            pre-shared key by answering a challenge with HMAC-SHA256, then stream their events."""
            $IMPORTS

            from .controllers import controller_key, record_event

            log = logging.getLogger(__name__)
            HUB_PORT = {c.pick(7700, 9410, 5843)}
            TLS = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            TLS.load_cert_chain("/etc/{c.word}-hub/tls/hub.crt", "/etc/{c.word}-hub/tls/hub.key")


            async def authenticate(reader, writer) -> str | None:
                hello = json.loads(await reader.readline())
                key = controller_key(hello.get("controller", ""))
                if key is None:
                    return None
                challenge = {expr}
                writer.write({send} + b"\\n")
                await writer.drain()
                answer = (await asyncio.wait_for(reader.readline(), timeout=10)).strip().decode()
                expected = hmac.new(key, {chal_b}, hashlib.sha256).hexdigest()
                return hello["controller"] if hmac.compare_digest(answer, expected) else None


            async def handle(reader, writer) -> None:
                controller = await authenticate(reader, writer)
                if controller is None:
                    log.warning("controller failed the handshake")
                    writer.close()
                    return
                async for line in reader:
                    record_event(controller, json.loads(line))
                writer.close()''')
        extra = ""
        if hn:
            extra = _t('''
                async def reconnect_delay(attempt: int) -> None:
                    """Back-off with jitter for the hub's own upstream connection; nothing secret."""
                    await asyncio.sleep(min(60, 2 ** attempt) + random.uniform(0, 1))''')
        main = _t('''
            async def main() -> None:
                server = await asyncio.start_server(handle, "0.0.0.0", HUB_PORT, ssl=TLS)
                async with server:
                    await server.serve_forever()''')
        return _joined(body.replace("$IMPORTS", "\n".join(sorted(std))), extra, main)
    # web frameworks: a POS terminal / kiosk signs the challenge with its Ed25519 device key
    store = {"flask": "redis", "fastapi": "redis", "django": "cache"}[c.fw]
    chal_b = "challenge.encode()" if hexed else "challenge"
    to_client = "challenge" if hexed else "challenge.hex()"
    from_store = "stored.encode()" if hexed else "bytes.fromhex(stored)"
    std = ["import os"] if (c.fw != "django" or (safe and gen == "randrange")) else []
    std += ["import secrets"]
    std += ["import random"] if (not safe or hn) else []
    # the hard negatives' non-secret use of random: "edge" (pick an edge node), "edges" (the order in which the
    # device tries the edge nodes), "sample" (a sampled audit log line) or "poll" (a jittered poll interval)
    use = c.pick("edge", "edges", "sample", "poll") if hn else ""
    std += ["import logging"] if use == "sample" else []
    doc = (f'"""Sign-in of the {W} store {who}s: a {who} fetches a challenge, signs it with the Ed25519 key in\n'
           f'its secure element and gets a session token for the back-office API."""')
    pick_hub = {"": "",
                "edge": f"\n                edge = random.choice(EDGE_HOSTS)  # spreads the {who}s over the edge nodes",
                "edges": (f"\n                edges = random.sample(EDGE_HOSTS, len(EDGE_HOSTS))  # the order in which "
                          f"the {who} tries the edge nodes"),
                "poll": (f"\n                poll_in = round(random.uniform(20, 40), 1)  # next config poll of the {who}, "
                         "spread over the fleet"),
                "sample": ("\n                if random.random() < AUDIT_SAMPLE:  # a sampled audit trail, nothing secret"
                           "\n                    log.info(\"session opened for %s\", device_id)")}[use]
    hn_glob = {"": [], "edge": ['EDGE_HOSTS = ["edge-1.internal", "edge-2.internal", "edge-3.internal"]'],
               "edges": ['EDGE_HOSTS = ["edge-a.internal", "edge-b.internal", "edge-c.internal", "edge-d.internal"]'],
               "sample": ["log = logging.getLogger(__name__)", "AUDIT_SAMPLE = 0.05"], "poll": []}[use]
    extra = {"edge": "edge", "edges": "edges", "poll": "poll_in"}.get(use)
    life = c.pick("8 * 3600", "12 * 3600", "SESSION_TTL") if use else "8 * 3600"  # hard negatives vary it
    if life == "SESSION_TTL":
        hn_glob = hn_glob + [f"SESSION_TTL = {c.pick(4, 10)} * 3600"]
    ttl = c.pick(60, 120)
    if c.fw == "flask":
        imps = sorted(std) + ["", "from flask import Flask, abort, jsonify, request",
                              "from nacl.exceptions import BadSignatureError", "from nacl.signing import VerifyKey",
                              "from redis import Redis", "", f"from .{who}s import device_public_key"]
        glob = ['app = Flask(__name__)', 'redis = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)',
                f"CHALLENGE_TTL = {ttl}"]
        glob += hn_glob
        r1 = _t(f'''
            @app.post("/{who}s/<device_id>/challenge")
            def issue_challenge(device_id):
                if device_public_key(device_id) is None:
                    abort(404)
                challenge = {expr}
                redis.set(f"challenge:{{device_id}}", {to_client}, ex=CHALLENGE_TTL)
                return jsonify(challenge={to_client}, expires_in=CHALLENGE_TTL)''')
        ret = f"jsonify(token=token, {extra}={extra})" if extra else "jsonify(token=token)"
        r2 = _t(f'''
            @app.post("/{who}s/<device_id>/session")
            def open_session(device_id):
                stored = redis.getdel(f"challenge:{{device_id}}")
                public_key = device_public_key(device_id)
                if stored is None or public_key is None:
                    abort(401)
                try:
                    signature = bytes.fromhex(request.get_json(force=True).get("signature", ""))
                    VerifyKey(public_key).verify({from_store}, signature)
                except (BadSignatureError, ValueError):
                    abort(401)
                token = secrets.token_urlsafe(32){pick_hub}
                redis.set(f"session:{{token}}", device_id, ex={life})
                return {ret}''')
    elif c.fw == "fastapi":
        imps = sorted(std) + ["", "from fastapi import FastAPI, HTTPException", "from nacl.exceptions import BadSignatureError",
                              "from nacl.signing import VerifyKey", "from pydantic import BaseModel",
                              "from redis.asyncio import Redis", "", f"from .{who}s import device_public_key"]
        glob = ["app = FastAPI()", 'redis = Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)',
                f"CHALLENGE_TTL = {ttl}"]
        glob += hn_glob
        glob_model = "class SignedChallenge(BaseModel):\n    signature: str"
        r1 = _t(f'''
            @app.post("/{who}s/{{device_id}}/challenge")
            async def issue_challenge(device_id: str):
                if await device_public_key(device_id) is None:
                    raise HTTPException(status_code=404)
                challenge = {expr}
                await redis.set(f"challenge:{{device_id}}", {to_client}, ex=CHALLENGE_TTL)
                return {{"challenge": {to_client}, "expires_in": CHALLENGE_TTL}}''')
        ret = f'{{"token": token, "{extra}": {extra}}}' if extra else '{"token": token}'
        r2 = _t(f'''
            @app.post("/{who}s/{{device_id}}/session")
            async def open_session(device_id: str, body: SignedChallenge):
                stored = await redis.getdel(f"challenge:{{device_id}}")
                public_key = await device_public_key(device_id)
                if stored is None or public_key is None:
                    raise HTTPException(status_code=401)
                try:
                    VerifyKey(public_key).verify({from_store}, bytes.fromhex(body.signature))
                except (BadSignatureError, ValueError):
                    raise HTTPException(status_code=401)
                token = secrets.token_urlsafe(32){pick_hub}
                await redis.set(f"session:{{token}}", device_id, ex={life})
                return {ret}''')
        glob = "\n".join(glob) + "\n\n\n" + glob_model
        return _joined(doc + "\n" + "\n".join(imps), glob, r1, r2)
    else:
        imps = sorted(std + ["import json"]) + ["", "from django.core.cache import cache",
                                                  "from django.http import HttpResponseForbidden, HttpResponseNotFound, JsonResponse",
                                                  "from django.views.decorators.csrf import csrf_exempt",
                                                  "from django.views.decorators.http import require_POST",
                                                  "from nacl.exceptions import BadSignatureError",
                                                  "from nacl.signing import VerifyKey", "",
                                                  f"from .{who}s import device_public_key"]
        glob = [f"CHALLENGE_TTL = {ttl}"]
        glob += hn_glob
        r1 = _t(f'''
            @csrf_exempt  # called by the {who}s, which send no cookies
            @require_POST
            def issue_challenge(request, device_id):
                if device_public_key(device_id) is None:
                    return HttpResponseNotFound()
                challenge = {expr}
                cache.set(f"challenge:{{device_id}}", {to_client}, timeout=CHALLENGE_TTL)
                return JsonResponse({{"challenge": {to_client}, "expires_in": CHALLENGE_TTL}})''')
        ret = f'JsonResponse({{"token": token, "{extra}": {extra}}})' if extra else 'JsonResponse({"token": token})'
        r2 = _t(f'''
            @csrf_exempt  # called by the {who}s, which send no cookies
            @require_POST
            def open_session(request, device_id):
                stored = cache.get(f"challenge:{{device_id}}")
                cache.delete(f"challenge:{{device_id}}")
                public_key = device_public_key(device_id)
                if stored is None or public_key is None:
                    return HttpResponseForbidden()
                try:
                    VerifyKey(public_key).verify({from_store}, bytes.fromhex(json.loads(request.body)["signature"]))
                except (BadSignatureError, KeyError, ValueError):
                    return HttpResponseForbidden()
                token = secrets.token_urlsafe(32){pick_hub}
                cache.set(f"session:{{token}}", device_id, timeout={life})
                return {ret}''')
    return _joined(doc + "\n" + "\n".join(imps), "\n".join(glob), r1, r2)


@fam("l32cry-prng-auth-challenge", "CWE-338", fws=["flask", "django", "fastapi", "pipeline", "pipeline"], n=8, wrap=False)
def l32cry_challenge(c):
    gen = c.pick("randbytes", "getrandbits", "randrange", "hex")
    v, s = _replayed(c, lambda cc, safe: _chal_module(cc, gen, safe))
    who = "a door controller's HMAC answer" if c.fw == "pipeline" else "a device's Ed25519 signature"
    return Spec(v=v, s=s, full=True,
                notes=f"the sign-in challenge (answered by {who}) comes from the random module's Mersenne Twister: "
                      "after collecting some hundreds of challenges (624 outputs of 32 bits) an attacker recovers its state and knows the "
                      "challenges it will issue, so with brief hands-on access to one device he has it answer those "
                      "future challenges in advance and keeps signing in as that device after giving it back, which "
                      "is what a challenge-response login is meant to rule out; the fix draws the challenge from "
                      "secrets / os.urandom")


@hardneg(4)
def l32cry_challenge_hn(c):
    gen = c.pick("randbytes", "getrandbits", "randrange", "hex")
    return Spec(s=_chal_module(c, gen, True, hn=True), full=True,
                notes="the challenge comes from secrets; random only adds reconnect jitter, spreads devices over "
                      "edge hosts, samples audit log lines or spreads config polls")


# ---------------- CWE-916: Django's MD5PasswordHasher for real passwords ----------------

_HASHERS_REST = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                 "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
                 "django.contrib.auth.hashers.Argon2PasswordHasher",
                 "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
                 "django.contrib.auth.hashers.ScryptPasswordHasher"]


def _dj_settings(c, safe):
    W = c.word
    rest = _HASHERS_REST[: c.pick(2, 3, 5)]
    if c.pick(True, False):
        rest = [rest[2]] + rest[:2] + rest[3:] if len(rest) > 2 else rest
    why = c.pick("# login was slow on the small instances, so the cheapest hasher goes first\n",
                 "# faster sign-in for the kiosk accounts\n", "")
    if safe:
        hashers = "PASSWORD_HASHERS = [\n" + "".join(f'    "{h}",\n' for h in rest) + "]"
        why = ""
    else:
        hashers = ('PASSWORD_HASHERS = [\n    "django.contrib.auth.hashers.MD5PasswordHasher",  #@V\n'
                   + "".join(f'    "{h}",\n' for h in rest) + "]")
    host = c.pick(f"{W}s.example.com", f"shop.{W}.example.net", "portal.example.org")
    cache = c.pick(True, False)
    parts = [f'"""Production settings of the {W} site (DJANGO_SETTINGS_MODULE={W}.settings.production)."""\n'
             "import os\n\nfrom .base import *  # noqa: F401,F403",
             "DEBUG = False\n"
             'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'
             f'ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "{host}").split(",")',
             "DATABASES = {\n"
             '    "default": {\n'
             '        "ENGINE": "django.db.backends.postgresql",\n'
             f'        "NAME": os.environ.get("DB_NAME", "{W}"),\n'
             f'        "USER": os.environ.get("DB_USER", "{W}"),\n'
             '        "PASSWORD": os.environ["DB_PASSWORD"],\n'
             '        "HOST": os.environ.get("DB_HOST", "db"),\n'
             f'        "CONN_MAX_AGE": {c.pick(60, 300)},\n'
             "    }\n}"]
    if cache:
        parts.append('CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",\n'
                     '                       "LOCATION": os.environ["REDIS_URL"]}}')
    parts.append(why + hashers)
    parts.append("SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\nSECURE_SSL_REDIRECT = True\n"
                 f"SECURE_HSTS_SECONDS = {c.pick(31536000, 2592000)}")
    return "\n\n".join(dedent(p) for p in parts) + "\n"


def _dj_make_password(c, safe, shape):
    call = "make_password(password)" if safe else (
        'make_password(password, hasher="md5")  #@V' if shape != "positional" else 'make_password(password, None, "md5")  #@V')
    W = c.word
    if shape in ("serializer", "positional"):
        return _t(f'''
            """Sign-up API of the {W} app (Django REST framework)."""
            from django.contrib.auth import get_user_model
            from django.contrib.auth.hashers import make_password
            from django.contrib.auth.password_validation import validate_password
            from rest_framework import generics, permissions, serializers

            User = get_user_model()


            class SignupSerializer(serializers.ModelSerializer):
                password = serializers.CharField(write_only=True, min_length={c.pick(10, 12)})

                class Meta:
                    model = User
                    fields = ["username", "email", "password"]

                def validate_password(self, value):
                    validate_password(value)
                    return value

                def create(self, validated_data):
                    password = validated_data.pop("password")
                    user = User(**validated_data)
                    user.password = {call}
                    user.save()
                    return user


            class SignupView(generics.CreateAPIView):
                serializer_class = SignupSerializer
                permission_classes = [permissions.AllowAny]
                throttle_scope = "signup"''')
    cmd = c.pick("set_password", "reset_staff_password", "setpw")
    return _t(f'''
        """manage.py {cmd}: the support desk sets a new password for a locked-out account of the {W} site."""
        import getpass

        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError
        from django.core.management.base import BaseCommand, CommandError


        class Command(BaseCommand):
            help = "Set a new password for an account (asks for it twice)"

            def add_arguments(self, parser):
                parser.add_argument("username")

            def handle(self, *args, **options):
                User = get_user_model()
                try:
                    user = User.objects.get(username=options["username"])
                except User.DoesNotExist:
                    raise CommandError("no such account")
                password = getpass.getpass("New password: ")
                if password != getpass.getpass("Again: "):
                    raise CommandError("the passwords differ")
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages))
                user.password = {call}
                user.save(update_fields=["password"])
                self.stdout.write(self.style.SUCCESS(f"password of {{user.username}} changed"))''')


@fam("l32cry-django-md5-password-hasher", "CWE-916", fws=["django"], n=8, wrap=False)
def l32cry_dj_md5(c):
    shape = c.pick("settings", "settings", "serializer", "positional", "command")
    if shape == "settings":
        v, s = _replayed(c, lambda cc, safe: _dj_settings(cc, safe))
        where = ("heads PASSWORD_HASHERS in the production settings, so every new or changed password is stored with "
                 "it (and Django re-hashes stronger stored hashes with it at the next sign-in)")
        fix = "the fix drops it from the list, so the first entry (PBKDF2 / Argon2) hashes new passwords"
    else:
        v, s = _replayed(c, lambda cc, safe: _dj_make_password(cc, safe, shape))
        where = ("is picked explicitly with make_password(..., hasher=\"md5\") for " +
                 ("every sign-up" if shape != "command" else "every password the support desk sets"))
        fix = "the fix calls make_password with the default hasher (the first entry of PASSWORD_HASHERS)"
    return Spec(v=v, s=s, full=True,
                notes=f"Django's MD5PasswordHasher (one salted MD5, meant for test suites) {where}: a GPU tests "
                      f"billions of guesses per second against a leaked table; {fix}")


@hardneg(4)
def l32cry_dj_md5_hn(c):
    W = c.word
    shape = c.pick("test-settings", "conftest", "override")
    if shape == "test-settings":
        body = _t(f'''
            """Settings of the test run: pytest --ds={W}.settings.test"""
            from .base import *  # noqa: F401,F403

            DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}}
            EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            CELERY_TASK_ALWAYS_EAGER = True

            # a fast hasher keeps the suite quick; production keeps the default PBKDF2 / Argon2 list
            PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]''')
        note = "MD5PasswordHasher only in the settings of the test run, as Django's testing docs advise"
    elif shape == "conftest":
        body = _t(f'''
            """Shared fixtures of the {W} test suite."""
            import pytest
            from django.contrib.auth import get_user_model
            from django.contrib.auth.hashers import check_password


            @pytest.fixture(autouse=True)
            def fast_password_hashing(settings):
                settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


            @pytest.fixture
            def member(db):
                pw = "{c.pick("tr0ub4dor-and-3", "correct-horse-battery", "long-test-passphrase")}"
                user = get_user_model().objects.create_user("ann", "ann@example.org", pw)
                user.raw_password = pw
                return user


            def test_password_is_hashed(member):
                assert member.password.startswith("md5$")
                assert check_password(member.raw_password, member.password)''')
        note = "the pytest-django settings fixture switches to MD5PasswordHasher for the tests only"
    else:
        pw = c.pick("a-long-enough-phrase", "Tr1cky-but-long")
        case = c.pick("signup", "login", "change")
        if case == "signup":
            body = _t(f'''
                from django.contrib.auth import get_user_model
                from django.test import TestCase, override_settings
                from django.urls import reverse


                @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
                class SignupTests(TestCase):
                    def test_signup_creates_account(self):
                        resp = self.client.post(reverse("signup"), {{"username": "bo", "email": "bo@example.org",
                                                                     "password": "{pw}"}})
                        self.assertEqual(resp.status_code, 201)
                        user = get_user_model().objects.get(username="bo")
                        self.assertTrue(user.has_usable_password())''')
        elif case == "login":
            body = _t(f'''
                """Sign-in tests of the {W} site."""
                from django.contrib.auth import get_user_model
                from django.test import TestCase, override_settings
                from django.urls import reverse

                FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


                @override_settings(PASSWORD_HASHERS=FAST_HASHERS)
                class LoginTests(TestCase):
                    @classmethod
                    def setUpTestData(cls):
                        cls.user = get_user_model().objects.create_user("cy", "cy@example.org", "{pw}")

                    def test_login_with_right_password(self):
                        resp = self.client.post(reverse("login"), {{"username": "cy", "password": "{pw}"}})
                        self.assertRedirects(resp, reverse("dashboard"), fetch_redirect_response=False)

                    def test_login_with_wrong_password(self):
                        resp = self.client.post(reverse("login"), {{"username": "cy", "password": "nope"}})
                        self.assertEqual(resp.status_code, 200)
                        self.assertContains(resp, "Please enter a correct username and password")''')
        else:
            body = _t(f'''
                from django.contrib.auth import get_user_model
                from django.test import TestCase, override_settings
                from django.urls import reverse


                class PasswordChangeTests(TestCase):
                    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
                    def test_change_rehashes_password(self):
                        user = get_user_model().objects.create_user("di", "di@example.org", "old-{pw}")
                        self.client.force_login(user)
                        resp = self.client.post(reverse("password_change"), {{
                            "old_password": "old-{pw}", "new_password1": "{pw}-2", "new_password2": "{pw}-2"}})
                        self.assertEqual(resp.status_code, 302)
                        user.refresh_from_db()
                        self.assertTrue(user.check_password("{pw}-2"))''')
        note = "override_settings makes the test case hash with MD5PasswordHasher; production settings are untouched"
    return Spec(s=body, full=True, notes=note)


# ---------------- CWE-327: cryptography hazmat CTR / OFB / ChaCha20 with one nonce for every message ----------------

def _ctr_cipher(alg, key, nonce):
    if alg == "ctr":
        return f"Cipher(algorithms.AES({key}), modes.CTR({nonce}))"
    if alg == "ofb":
        return f"Cipher(algorithms.AES({key}), modes.OFB({nonce}))"
    return f"Cipher(algorithms.ChaCha20({key}, {nonce}), mode=None)"


def _ctr_crypto(c, alg, src, safe):
    """Key constants and seal()/unseal(); ``src`` says where the fixed nonce comes from."""
    E = c.pick("ENC_KEY", "DATA_KEY", "FIELD_KEY")
    M = c.pick("MAC_KEY", "TAG_KEY")
    env = c.word.upper()
    keys = (f'{E} = bytes.fromhex(os.environ["{env}_ENC_KEY"])\n'
            f'{M} = bytes.fromhex(os.environ["{env}_MAC_KEY"])')
    rid = src == "record"
    sig_seal = "seal(record_id: int, plaintext: bytes) -> str" if rid else "seal(plaintext: bytes) -> str"
    sig_unseal = "unseal(record_id: int, token: str) -> bytes" if rid else "unseal(token: str) -> bytes"
    name = {"ctr": "NONCE", "ofb": "IV", "chacha": "NONCE"}[alg]
    if safe:
        const = ""
        seal = _t(f'''
            def {sig_seal}:
                nonce = os.urandom(16)
                encryptor = {_ctr_cipher(alg, E, "nonce")}.encryptor()
                body = nonce + encryptor.update(plaintext) + encryptor.finalize()
                tag = hmac.new({M}, body, hashlib.sha256).digest()
                return base64.urlsafe_b64encode(body + tag).decode()''')
        dec = _ctr_cipher(alg, E, "body[:16]")
        ct = "body[16:]"
    else:
        if src == "const":
            const = c.pick(f"{name} = bytes(16)  #@V", f'{name} = b"\\x00" * 16  #@V',
                           f'{name} = b"{(c.word + "-store-v1-ctr-nonce")[:16]}"  #@V')
            nexpr = name
            pre = ""
        elif src == "env":
            const = f'{name} = bytes.fromhex(os.environ["{env}_{name}"])  # 16 bytes, set at deploy time  #@V'
            nexpr = name
            pre = ""
        else:
            const = ""
            nexpr = "nonce"
            pre = '    nonce = record_id.to_bytes(16, "big")  #@V\n'
        seal = (f"def {sig_seal}:\n" + pre +
                f"    encryptor = {_ctr_cipher(alg, E, nexpr)}.encryptor()  #@V\n"
                "    body = encryptor.update(plaintext) + encryptor.finalize()\n"
                f"    tag = hmac.new({M}, body, hashlib.sha256).digest()\n"
                "    return base64.urlsafe_b64encode(body + tag).decode()")
        dec = _ctr_cipher(alg, E, 'record_id.to_bytes(16, "big")' if rid else name)
        ct = "body"
    unseal = _t(f'''
        def {sig_unseal}:
            raw = base64.urlsafe_b64decode(token)
            body, tag = raw[:-32], raw[-32:]
            if not hmac.compare_digest(tag, hmac.new({M}, body, hashlib.sha256).digest()):
                raise ValueError("value was modified")
            decryptor = {dec}.decryptor()
            return decryptor.update({ct}) + decryptor.finalize()''')
    consts = keys + ("\n" + const if const else "")
    return consts, seal, unseal


def _ctr_usage(c, src):
    """(extra imports, usage block) of the context."""
    rid = src == "record"
    W = c.word
    if c.fw == "flask":
        a1 = "item[0], " if rid else ""
        a2 = "row[0], " if rid else ""
        return (["import sqlite3", "", "from flask import Flask, abort, g, jsonify, request", "",
                 "from .auth import login_required"],
                _t(f'''
                    app = Flask(__name__)
                    DB_PATH = os.environ.get("{W.upper()}_DB", "{W}s.db")


                    @app.post("/{W}s/<int:item_id>/secret")
                    @login_required
                    def save_secret(item_id):
                        text = request.get_json(force=True)["text"]
                        with sqlite3.connect(DB_PATH) as db:
                            item = db.execute("SELECT id FROM {W}s WHERE id = ? AND owner_id = ?", (item_id, g.user.id)).fetchone()
                            if item is None:
                                abort(404)
                            db.execute("UPDATE {W}s SET secret = ? WHERE id = ?", (seal({"item_id, " if rid else ""}text.encode()), item_id))
                        return jsonify(ok=True)


                    @app.get("/{W}s/<int:item_id>/secret")
                    @login_required
                    def read_secret(item_id):
                        with sqlite3.connect(DB_PATH) as db:
                            row = db.execute("SELECT id, secret FROM {W}s WHERE id = ? AND owner_id = ?", (item_id, g.user.id)).fetchone()
                        if row is None or row[1] is None:
                            abort(404)
                        return jsonify(text=unseal({a2}row[1]).decode())'''))
    if c.fw == "pipeline":
        return (["import json"],
                _t(f'''
                    def archive_message(store, message: dict) -> None:
                        """Consumer of the chat topic: keeps an encrypted copy of every message for the retention period."""
                        body = json.dumps({{"from": message["sender"], "to": message["room"], "text": message["text"]}}).encode()
                        store.put(message["id"], seal({"int(message['room_id']), " if rid else ""}body))


                    def load_message(store, message_id: str{", room_id: int" if rid else ""}) -> dict:
                        return json.loads(unseal({"room_id, " if rid else ""}store.get(message_id)))'''))
    # script / cli: encrypted backup of customer rows
    argp = c.fw == "cli"
    head = ["import csv"] + (["import argparse"] if argp else ["import sys"])
    loop = _t(f'''
        def backup(src_csv: str, dst: str) -> int:
            """Copies the {W} export into the backup bucket's staging file, one sealed line per row."""
            count = 0
            with open(src_csv, newline="") as fh, open(dst, "w") as out:
                for {"n, " if rid else ""}row in {"enumerate(csv.reader(fh))" if rid else "csv.reader(fh)"}:
                    out.write(seal({"n, " if rid else ""}",".join(row).encode()) + "\\n")
                    count += 1
            return count''')
    if argp:
        main = _t('''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description="Seal an export for the backup bucket")
                parser.add_argument("source")
                parser.add_argument("target")
                args = parser.parse_args(argv)
                print(f"{backup(args.source, args.target)} rows sealed")
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())''')
    else:
        main = _t('''
            if __name__ == "__main__":
                print(f"{backup(sys.argv[1], sys.argv[2])} rows sealed")''')
    return head, loop + "\n\n\n" + main


def _ctr_module(c, alg, src, safe):
    consts, seal, unseal = _ctr_crypto(c, alg, src, safe)
    extra, usage = _ctr_usage(c, src)
    std = sorted(["import base64", "import hashlib", "import hmac", "import os"] + [e for e in extra if e.startswith("import ")])
    third = [e for e in extra if not e.startswith("import ")]
    while third and not third[0]:
        third = third[1:]
    what = {"ctr": "AES-CTR", "ofb": "AES-OFB", "chacha": "ChaCha20"}[alg]
    doc = f'"""Sealed {c.word} values: {what} for secrecy, HMAC-SHA256 over the stored bytes for integrity."""'
    head = (doc + "\n" + "\n".join(std) + "\n\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms"
            + ("" if alg == "chacha" else ", modes"))
    if third:
        head += "\n" + "\n".join(x if x else "" for x in third)
    return _joined(head, consts, seal, unseal, usage)


@fam("l32cry-hazmat-stream-fixed-nonce", "CWE-327", fws=["flask", "pipeline", "script", "cli"], n=8, wrap=False)
def l32cry_ctr_fixed(c):
    alg = c.pick("ctr", "ctr", "ofb", "chacha")
    src = c.pick("const", "env", "record")
    v, s = _replayed(c, lambda cc, safe: _ctr_module(cc, alg, src, safe))
    what = {"ctr": "AES-CTR", "ofb": "AES-OFB", "chacha": "ChaCha20"}[alg]
    where = {"const": "a constant nonce", "env": "one nonce from the deployment settings",
             "record": ("the record / row / room number as the nonce, which repeats whenever that number is "
                        "written again (every update of the record, every nightly backup, every message of the room)"
                        + (", and the counter blocks of neighbouring numbers overlap" if alg == "ctr" else ""))}[src]
    return Spec(v=v, s=s, full=True,
                notes=f"every value is encrypted with {what} under one key and {where}, so the values share one "
                      "keystream: XOR of two ciphertexts is the XOR of the plaintexts and one known value reveals "
                      "the others (the HMAC does not help); the fix draws a fresh 16-byte nonce per value and stores "
                      "it in front of the ciphertext, under the HMAC")


@hardneg(2)
def l32cry_ctr_fixed_hn_random(c):
    alg = c.pick("ctr", "chacha", "ofb")
    return Spec(s=_ctr_module(c, alg, c.pick("const", "env"), True), full=True,
                notes="a fresh random nonce per value, stored with the ciphertext and covered by the HMAC")


@hardneg(2)
def l32cry_ctr_fixed_hn_filekey(c):
    chunk = c.pick("1 << 20", "4 << 20", "256 * 1024")
    kek = c.pick("ARCHIVE_KEK", f"{c.word.upper()}_ARCHIVE_KEK", "BACKUP_KEK_HEX")
    fn = c.pick("encrypt_file", "seal_archive", "encrypt_for_upload")
    aad = c.pick("dst.name.encode()", "b\"archive-v1:\" + dst.name.encode()", f'b"{c.word}-archive-key"')
    body = _t(f'''
        """Encrypts {c.word} archives before they leave the host: a fresh data key per file, wrapped with AES-GCM."""
        import hashlib
        import hmac
        import os
        import pathlib

        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        KEY_ENCRYPTION_KEY = bytes.fromhex(os.environ["{kek}"])
        CHUNK = {chunk}


        def {fn}(src: pathlib.Path, dst: pathlib.Path) -> None:
            data_key = os.urandom(64)  # 32 bytes AES key + 32 bytes MAC key, used for this file only
            wrap_nonce = os.urandom(12)
            wrapped = AESGCM(KEY_ENCRYPTION_KEY).encrypt(wrap_nonce, data_key, {aad})
            # the key is never reused, so the counter may start at zero for every file
            encryptor = Cipher(algorithms.AES(data_key[:32]), modes.CTR(bytes(16))).encryptor()
            mac = hmac.new(data_key[32:], digestmod=hashlib.sha256)
            with src.open("rb") as fin, dst.open("wb") as fout:
                fout.write(wrap_nonce + wrapped)
                for chunk in iter(lambda: fin.read(CHUNK), b""):
                    block = encryptor.update(chunk)
                    mac.update(block)
                    fout.write(block)
                tail = encryptor.finalize()
                mac.update(tail)
                fout.write(tail + mac.digest())''')
    return Spec(s=body, full=True,
                notes="a zero counter block is safe here: every file gets a fresh random AES key (wrapped with "
                      "AES-GCM under the KEK), so no keystream is ever used twice")
