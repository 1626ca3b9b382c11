"""Validation-only snippet families (every family of a ``val_*`` module goes to the validation
split; see WRITING.md). Written without reading the held-out builders; each uses a sink, API or
library that no other family uses.

22: shutil.rmtree of a joined workspace path, aiofiles reads. 502: dill of uploaded blobs,
pickle.Unpickler over an uploaded file. 1333/400: a nested-quantifier hostname validator, Pillow
with the decompression-bomb limit removed, asyncio StreamReader.read() to EOF. 732/276: a unix
socket chmod'ed with stat S_IRWXO, a private key chmod'ed 0o644, a dbm store created 0o666.
916/327: PBKDF2 with a tiny iteration count, pycryptodome Blowfish. 295:
http.client with check_hostname off, ftplib.FTP_TLS with CERT_NONE. 338: random.sample temporary
passwords, uuid.UUID built from random.getrandbits. 377: a sqlite scratch db and a zip export at
fixed /tmp paths. 319: imaplib.IMAP4 plaintext login, urllib basic auth over http://.
"""
from core import Spec, dedent, shell
from registry import fam, hardneg, TAINT_FWS, WEB_FWS

NOTAINT = ["script", "cli", "pipeline"]


def _pair(c, v, s, hv, hs, imports="", notes=""):
    """Both modules through the shell with different module-level helpers; the shell's draws are replayed.

    The shell's source-line marker is dropped: in these families the handler's parameter is not
    what reaches the weakness (the untrusted data is read on a marked line of its own)."""
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=dedent(hv)), imports)
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=dedent(hs)), imports)
    return Spec(v=vm.replace("  #@S\n", "\n"), s=sm.replace("  #@S\n", "\n"), full=True, notes=notes)


# ---------------- CWE-22 ----------------


@fam("val-pt-rmtree-workspace", "CWE-22", keys=["workspace", "project", "build_id"], n=8)
def val_pt_rmtree(c):
    x = c.x
    v = f"""
        target = os.path.join(WORKSPACES, {x})  #@V
        shutil.rmtree(target, ignore_errors=True)  #@V
        result = {{"removed": {x}}}
    """
    s = f"""
        target = os.path.realpath(os.path.join(WORKSPACES, {x}))
        if os.path.dirname(target) != WORKSPACES:
            raise PermissionError("workspace outside the workspace root")
        shutil.rmtree(target, ignore_errors=True)
        result = {{"removed": {x}}}
    """
    return Spec(v=v, s=s, imports="import os\nimport shutil",
                helpers=f'WORKSPACES = os.path.realpath("/srv/{c.word}/workspaces")',
                notes="a workspace name like ../../ deletes any directory tree the service can write")


@hardneg(8)
def val_pt_rmtree_hn(c):
    s = f"""
        if not re.fullmatch(r"[a-f0-9]{{32}}", {c.x}):
            raise ValueError("bad workspace id")
        shutil.rmtree(os.path.join(WORKSPACES, {c.x}), ignore_errors=True)
        os.remove(os.path.join(WORKSPACES, {c.x} + ".lock"))
        result = {{"removed": {c.x}}}
    """
    return Spec(s=s, imports="import os\nimport re\nimport shutil", helpers=f'WORKSPACES = "/srv/{c.word}/workspaces"',
                notes="the id is a 32-char hex string, so it cannot contain separators or dots")


@fam("val-pt-aiofiles-read", "CWE-22", fws=["aiohttp", "fastapi"], keys=["filename", "doc", "attachment"], n=8, wrap=False)
def val_pt_aiofiles(c):
    x = c.x
    v = f"""
        path = os.path.join(ATTACH_DIR, {x})  #@V
        async with aiofiles.open(path, "rb") as fh:  #@V
            blob = await fh.read()
        result = base64.b64encode(blob).decode()
    """
    s = f"""
        path = os.path.join(ATTACH_DIR, os.path.basename({x}))
        async with aiofiles.open(path, "rb") as fh:
            blob = await fh.read()
        result = base64.b64encode(blob).decode()
    """
    return Spec(v=v, s=s, imports="import base64\nimport os\nimport aiofiles",
                helpers=f'ATTACH_DIR = "/srv/{c.word}/attachments"',
                notes="aiofiles.open follows ../ in the joined name, so any readable file is returned")


@hardneg(8)
def val_pt_aiofiles_hn(c):
    s = f"""
        path = os.path.join(ATTACH_DIR, os.path.basename({c.x}))
        if not os.path.isfile(path):
            raise FileNotFoundError({c.x})
        async with aiofiles.open(path, "rb") as fh:
            blob = await fh.read()
        result = len(blob)
    """
    return Spec(s=s, imports="import os\nimport aiofiles", helpers=f'ATTACH_DIR = "/srv/{c.word}/attachments"')


# ---------------- CWE-502 ----------------


@fam("val-deser-dill-upload", "CWE-502", fws=WEB_FWS + ["pipeline"], keys=["state", "session_blob", "model_state"], n=8)
def val_deser_dill(c):
    x = c.x
    v = f"""
        raw = base64.b64decode({x})
        state = dill.loads(raw)  #@V
        result = sorted(state.keys())
    """
    s = f"""
        raw = base64.b64decode({x})
        state = json.loads(raw)
        result = sorted(state.keys())
    """
    return Spec(v=v, s=s, imports="import base64", vimports="import dill", simports="import json",
                notes="dill.loads runs arbitrary code embedded in the client's blob")


@fam("val-deser-unpickler-upload", "CWE-502", fws=["flask", "django"], keys=["label"], n=8, wrap=False)
def val_deser_unpickler(c):
    fobj = "request.files[\"snapshot\"]" if c.fw == "flask" else "request.FILES[\"snapshot\"]"
    v = f"""
        fh = {fobj}  #@V
        snap = pickle.Unpickler(fh).load()  #@V
        result = {{"rows": len(snap), "label": {c.x}}}
    """
    s = f"""
        fh = {fobj}
        snap = json.load(fh)
        result = {{"rows": len(snap), "label": {c.x}}}
    """
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = _pair(c, v, s, "", "", imports="import pickle")
    c.rng.setstate(st)
    sm = _pair(c, v, s, "", "", imports="import json")
    return Spec(v=vm.v, s=sm.s, full=True,
                notes="an uploaded pickle runs code through __reduce__ as soon as it is loaded")


@hardneg(8)
def val_deser_unpickler_hn(c):
    s = f"""
        with open(os.path.join(CACHE_DIR, "index.pkl"), "rb") as fh:
            index = pickle.Unpickler(fh).load()
        result = index.get({c.x}, [])
    """
    return Spec(s=s, imports="import os\nimport pickle", helpers=f'CACHE_DIR = "/var/lib/{c.word}/cache"',
                notes="the pickle is the service's own cache file, not client data")


# ---------------- CWE-1333 / 400 ----------------


@fam("val-redos-hostname-validator", "CWE-1333", keys=["hostname", "domain", "host"], n=8)
def val_redos_host(c):
    x = c.x
    fn = c.pick("re.fullmatch", "re.match")
    v = f"""
        if not {fn}(r"^([a-zA-Z0-9-]+\\.?)+$", {x}):  #@V
            raise ValueError("invalid host name")
        result = {x}.lower()
    """
    s = f"""
        if len({x}) > 253 or not {fn}(r"^[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*\\.?$", {x}):
            raise ValueError("invalid host name")
        result = {x}.lower()
    """
    return Spec(v=v, s=s, imports="import re",
                notes="the optional dot lets ([a-z0-9-]+\\.?)+ split a long label exponentially many ways on a failing match")


@hardneg(8)
def val_redos_host_hn(c):
    s = f"""
        if len({c.x}) > 253 or not re.fullmatch(r"[a-zA-Z0-9-]{{1,63}}(\\.[a-zA-Z0-9-]{{1,63}})*", {c.x}):
            raise ValueError("invalid host name")
        result = {c.x}.lower()
    """
    return Spec(s=s, imports="import re")


@fam("val-dos-pillow-max-pixels", "CWE-400", fws=["flask", "django"], keys=["caption"], n=8, wrap=False)
def val_dos_pillow(c):
    fobj = "request.files[\"image\"]" if c.fw == "flask" else "request.FILES[\"image\"]"
    v = f"""
        Image.MAX_IMAGE_PIXELS = None  #@V
        img = Image.open(io.BytesIO({fobj}.read()))  #@V
        img.thumbnail((256, 256))
        result = {{"size": img.size, "caption": {c.x}}}
    """
    s = f"""
        Image.MAX_IMAGE_PIXELS = 40_000_000
        img = Image.open(io.BytesIO({fobj}.read()))
        img.thumbnail((256, 256))
        result = {{"size": img.size, "caption": {c.x}}}
    """
    return _pair(c, v, s, "", "", imports="import io\nfrom PIL import Image",
                 notes="with the pixel limit removed a small decompression-bomb image allocates gigabytes")


# ---------------- CWE-732 ----------------


@fam("val-perm-unix-socket-stat", "CWE-732", fws=NOTAINT, keys=["socket_name"], n=8)
def val_perm_socket(c):
    v = f"""
        sock_path = os.path.join(RUN_DIR, "{c.word}.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(sock_path)
        os.chmod(sock_path, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)  #@V
        srv.listen(8)
        result = sock_path
    """
    s = f"""
        sock_path = os.path.join(RUN_DIR, "{c.word}.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(sock_path)
        os.chmod(sock_path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP)
        srv.listen(8)
        result = sock_path
    """
    return Spec(v=v, s=s, imports="import os\nimport socket\nimport stat", helpers=f'RUN_DIR = "/run/{c.word}"',
                notes="S_IRWXO lets every local user connect to the control socket")


@fam("val-perm-private-key-0644", "CWE-732", fws=NOTAINT, keys=["key_name"], n=8)
def val_perm_key(c):
    v = f"""
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        key_path = Path(KEY_DIR) / "{c.word}.pem"
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        key_path.chmod(0o644)  #@V
        result = str(key_path)
    """
    s = v.replace("key_path.chmod(0o644)  #@V", "key_path.chmod(0o400)")
    return Spec(v=v, s=s, imports="import os\nfrom pathlib import Path\nfrom cryptography.hazmat.primitives import serialization\n"
                "from cryptography.hazmat.primitives.asymmetric import ed25519", helpers=f'KEY_DIR = "/etc/{c.word}/keys"',
                notes="0o644 makes the unencrypted private key readable by every local user")


# ---------------- CWE-916 / 327 ----------------


@fam("val-kdf-pbkdf2-low-iterations", "CWE-916", keys=["password", "new_password"], n=8)
def val_kdf_pbkdf2(c):
    x = c.x
    it = c.pick("1000", "1_000", "500", "2048")
    algo = c.pick("sha256", "sha512")
    v = f"""
        salt = os.urandom(16)
        dk = hashlib.pbkdf2_hmac("{algo}", {x}.encode(), salt, {it})  #@V
        result = salt.hex() + "$" + dk.hex()
    """
    s = f"""
        salt = os.urandom(16)
        dk = hashlib.pbkdf2_hmac("{algo}", {x}.encode(), salt, 600_000)
        result = salt.hex() + "$" + dk.hex()
    """
    return Spec(v=v, s=s, imports="import hashlib\nimport os",
                notes=f"{it} PBKDF2 iterations make offline guessing of stored password hashes cheap")


@fam("val-crypto-blowfish-cbc", "CWE-327", keys=["card_note", "memo", "secret_note"], n=8)
def val_crypto_blowfish(c):
    x = c.x
    v = f"""
        iv = get_random_bytes(8)
        cipher = Blowfish.new(NOTE_KEY, Blowfish.MODE_CBC, iv)  #@V
        blob = iv + cipher.encrypt(pad({x}.encode(), 8))
        result = base64.b64encode(blob).decode()
    """
    s = f"""
        cipher = AES.new(NOTE_KEY, AES.MODE_GCM)
        ct, tag = cipher.encrypt_and_digest({x}.encode())
        blob = cipher.nonce + tag + ct
        result = base64.b64encode(blob).decode()
    """
    return Spec(v=v, s=s, imports="import base64\nimport os", vimports="from Crypto.Cipher import Blowfish\n"
                "from Crypto.Random import get_random_bytes\nfrom Crypto.Util.Padding import pad",
                simports="from Crypto.Cipher import AES", helpers='NOTE_KEY = bytes.fromhex(os.environ["NOTE_KEY"])',
                notes="Blowfish has a 64-bit block (birthday attacks on long-lived keys) and is a legacy cipher")


# ---------------- CWE-295 ----------------


@fam("val-tls-httpclient-check-hostname", "CWE-295", fws=NOTAINT, keys=["path"], n=8)
def val_tls_httpclient(c):
    v = f"""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False  #@V
        conn = http.client.HTTPSConnection(API_HOST, 443, context=ctx, timeout=10)
        conn.request("GET", "/v1/{c.word}s", headers={{"Authorization": "Bearer " + os.environ["API_TOKEN"]}})
        result = json.loads(conn.getresponse().read())
    """
    s = v.replace("        ctx.check_hostname = False  #@V\n", "")
    return Spec(v=v, s=s, imports="import http.client\nimport json\nimport os\nimport ssl",
                helpers=f'API_HOST = "api.{c.word}s.example.com"',
                notes="without hostname checking any certificate from a trusted CA for another name is accepted")


@fam("val-tls-ftps-cert-none", "CWE-295", fws=NOTAINT, keys=["remote_dir"], n=8)
def val_tls_ftps(c):
    v = f"""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False  #@V
        ctx.verify_mode = ssl.CERT_NONE  #@V
        ftps = ftplib.FTP_TLS(FTP_HOST, context=ctx)
        ftps.login(os.environ["FTP_USER"], os.environ["FTP_PASSWORD"])
        ftps.prot_p()
        result = ftps.nlst("/outgoing/{c.word}s")
    """
    s = f"""
        ctx = ssl.create_default_context()
        ftps = ftplib.FTP_TLS(FTP_HOST, context=ctx)
        ftps.login(os.environ["FTP_USER"], os.environ["FTP_PASSWORD"])
        ftps.prot_p()
        result = ftps.nlst("/outgoing/{c.word}s")
    """
    return Spec(v=v, s=s, imports="import ftplib\nimport os\nimport ssl", helpers=f'FTP_HOST = "ftp.{c.word}-partner.example.com"',
                notes="CERT_NONE accepts any server certificate, so the FTPS login can be intercepted")


# ---------------- CWE-338 ----------------


@fam("val-rand-sample-temp-password", "CWE-338", keys=["username", "email"], n=8)
def val_rand_sample(c):
    v = f"""
        temp_pw = "".join(random.sample(string.ascii_letters + string.digits, 12))  #@V
        result = {{"user": {c.x}, "temporary_password": temp_pw}}
    """
    s = f"""
        temp_pw = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
        result = {{"user": {c.x}, "temporary_password": temp_pw}}
    """
    return Spec(v=v, s=s, imports="import string", vimports="import random", simports="import secrets",
                notes="random.sample uses the Mersenne Twister, whose output can be predicted")


@hardneg(8)
def val_rand_sample_hn(c):
    s = f"""
        shown = random.sample(FEATURED, 3)
        result = {{"user": {c.x}, "featured": shown}}
    """
    return Spec(s=s, imports="import random", helpers='FEATURED = ["alpha", "beta", "gamma", "delta", "epsilon"]',
                notes="random.sample for picking featured items is not security relevant")


@fam("val-rand-uuid-getrandbits", "CWE-338", fws=WEB_FWS, keys=["username"], n=8)
def val_rand_uuid_bits(c):
    v = f"""
        session_id = str(uuid.UUID(int=random.getrandbits(128)))  #@V
        SESSIONS[session_id] = {c.x}
        result = session_id
    """
    s = f"""
        session_id = str(uuid.uuid4())
        SESSIONS[session_id] = {c.x}
        result = session_id
    """
    return Spec(v=v, s=s, imports="import uuid", vimports="import random", helpers="SESSIONS = {}",
                notes="session ids from random.getrandbits can be predicted after observing outputs")


# ---------------- CWE-377 ----------------


@fam("val-tmp-sqlite-scratch-db", "CWE-377", fws=NOTAINT, keys=["batch"], n=8)
def val_tmp_sqlite(c):
    v = f"""
        conn = sqlite3.connect("/tmp/{c.word}_scratch.db")  #@V
        conn.execute("CREATE TABLE IF NOT EXISTS rows (k TEXT, v TEXT)")
        conn.executemany("INSERT INTO rows VALUES (?, ?)", [(str(i), str(i * i)) for i in range(100)])
        conn.commit()
        result = conn.execute("SELECT count(*) FROM rows").fetchone()[0]
    """
    s = f"""
        scratch = tempfile.mkdtemp(prefix="{c.word}-")
        conn = sqlite3.connect(os.path.join(scratch, "scratch.db"))
        conn.execute("CREATE TABLE IF NOT EXISTS rows (k TEXT, v TEXT)")
        conn.executemany("INSERT INTO rows VALUES (?, ?)", [(str(i), str(i * i)) for i in range(100)])
        conn.commit()
        result = conn.execute("SELECT count(*) FROM rows").fetchone()[0]
    """
    return Spec(v=v, s=s, imports="import sqlite3", simports="import os\nimport tempfile",
                notes="a fixed path in /tmp lets another local user pre-create or symlink the database")


@fam("val-tmp-zip-export", "CWE-377", fws=NOTAINT, keys=["export"], n=8)
def val_tmp_zip(c):
    v = f"""
        archive = "/tmp/{c.word}-export.zip"  #@V
        with zipfile.ZipFile(archive, "w") as zf:  #@V
            for name in os.listdir(EXPORT_DIR):
                zf.write(os.path.join(EXPORT_DIR, name), name)
        result = archive
    """
    s = f"""
        fd, archive = tempfile.mkstemp(suffix=".zip")
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            for name in os.listdir(EXPORT_DIR):
                zf.write(os.path.join(EXPORT_DIR, name), name)
        result = archive
    """
    return Spec(v=v, s=s, imports="import os\nimport zipfile", simports="import tempfile",
                helpers=f'EXPORT_DIR = "/var/lib/{c.word}/export"',
                notes="a predictable archive name in /tmp can be replaced by a symlink to any file the job can write")


# ---------------- CWE-319 ----------------


@fam("val-clear-imap4-login", "CWE-319", fws=NOTAINT, keys=["mailbox"], n=8)
def val_clear_imap(c):
    v = f"""
        imap = imaplib.IMAP4(MAIL_HOST, 143)  #@V
        imap.login(os.environ["MAIL_USER"], os.environ["MAIL_PASSWORD"])  #@V
        imap.select("INBOX")
        typ, data = imap.search(None, "UNSEEN")
        result = len(data[0].split())
    """
    s = f"""
        imap = imaplib.IMAP4_SSL(MAIL_HOST, 993, ssl_context=ssl.create_default_context())
        imap.login(os.environ["MAIL_USER"], os.environ["MAIL_PASSWORD"])
        imap.select("INBOX")
        typ, data = imap.search(None, "UNSEEN")
        result = len(data[0].split())
    """
    return Spec(v=v, s=s, imports="import imaplib\nimport os", simports="import ssl",
                helpers=f'MAIL_HOST = "mail.{c.word}s.example.com"',
                notes="IMAP on port 143 without STARTTLS sends the password in clear text")


# ---------------- later additions: 276, 400, 319 ----------------


@fam("val-perm-dbm-open-mode", "CWE-276", fws=NOTAINT, keys=["store"], n=8)
def val_perm_dbm(c):
    mode = c.pick("0o666", "0o644")
    v = f"""
        db = dbm.open(os.path.join(STATE_DIR, "{c.word}_sessions"), "c", {mode})  #@V
        db[str(uuid.uuid4())] = json.dumps({{"user": os.environ.get("USER", "svc")}})
        result = len(db.keys())
        db.close()
    """
    s = v.replace(f'"c", {mode})  #@V', '"c", 0o600)')
    return Spec(v=v, s=s, imports="import dbm\nimport json\nimport os\nimport uuid", helpers=f'STATE_DIR = "/var/lib/{c.word}"',
                notes="the session store is created readable by other local users")


@fam("val-dos-asyncio-read-eof", "CWE-400", fws=["script"], keys=["port"], n=8, wrap=False)
def val_dos_asyncio(c):
    h = f"""
        PORT = 7070
        MAX_FRAME = 1 << 20


        async def on_client(reader, writer):
            frame = await reader.read()  #@V
            writer.write(str(len(json.loads(frame))).encode())
            await writer.drain()
            writer.close()


        async def serve(port):
            srv = await asyncio.start_server(on_client, "0.0.0.0", port)
            async with srv:
                await srv.serve_forever()
    """
    body = f"""
        result = asyncio.run(serve(int({c.x} or PORT)))
    """
    hs = h.replace("frame = await reader.read()  #@V", "frame = await reader.read(MAX_FRAME)")
    return _pair(c, body, body, h, hs, imports="import asyncio\nimport json",
                 notes="read() with no size buffers the whole stream until EOF, so one client can exhaust memory")


@fam("val-clear-urllib-basic-auth", "CWE-319", fws=NOTAINT, keys=["report"], n=8)
def val_clear_urllib(c):
    v = f"""
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, "http://reports.{c.word}-corp.example/", os.environ["RPT_USER"], os.environ["RPT_PASSWORD"])  #@V
        opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr))
        with opener.open("http://reports.{c.word}-corp.example/daily.csv", timeout=30) as resp:  #@V
            result = resp.read().decode()
    """
    s = v.replace("http://", "https://").replace("  #@V", "")
    return Spec(v=v, s=s, imports="import os\nimport urllib.request",
                notes="HTTP basic auth over http:// sends the base64-encoded password in clear text")
