"""Train-only families on libraries and APIs no other family uses (written after the splits were
fixed, without reading the held-out families).

22: pandas.read_csv on a joined dataset path, sqlite3.connect on a per-tenant database file.
377: an external dump tool (pg_dump / mysqldump) writing to a predictable /tmp path.
732: os.fchmod / os.chmod with stat flags that grant other users write access.
502: multiprocessing.connection.Listener without an authkey, pyzmq recv_pyobj on a bound socket.
916/327: passlib legacy schemes (md5_crypt, des_crypt, ldap_salted_*), home-made XOR "encryption".
295: pymongo / motor clients with tlsAllowInvalidCertificates / tlsInsecure.
338: sign-in link tokens hashed from random.random().
"""
from core import Spec
from module_kit import shell_pair as _pair
from registry import fam, hardneg, WEB_FWS


def _post_source(c):
    """State-changing web handlers read the value from a POST body."""
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"



# ---------------- CWE-22 path traversal ----------------


@fam("pt-pandas-read-csv-dataset", "CWE-22", fws=["flask", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["dataset", "table_name", "csv_name"], n=8)
def pt_pandas_csv(c):
    x = c.x
    name = x if c.key == "csv_name" else c.fmt("{}.csv", x)
    opts = c.pick("nrows=PREVIEW_ROWS", "nrows=PREVIEW_ROWS, sep=None, engine=\"python\"",
                  "nrows=PREVIEW_ROWS, dtype=str", "nrows=PREVIEW_ROWS, on_bad_lines=\"skip\"")
    frame = c.pick("frame", "df", "table")
    out = c.pick(f'{frame}.head(20).to_dict(orient="records")',
                 f'{{"columns": list({frame}.columns), "rows": {frame}.head(20).values.tolist()}}',
                 f'{frame}.describe(include="all").fillna("").to_dict()')
    guard = c.pick("if os.path.dirname(csv_path) != DATASETS:",
                   "if os.path.commonpath([csv_path, DATASETS]) != DATASETS:")
    v = f"""
        csv_path = os.path.join(DATASETS, {name})  #@V
        {frame} = pd.read_csv(csv_path, {opts})  #@V
        result = {out}
    """
    s = f"""
        csv_path = os.path.realpath(os.path.join(DATASETS, {name}))
        {guard}
            raise ValueError("unknown dataset")
        {frame} = pd.read_csv(csv_path, {opts})
        result = {out}
    """
    helpers = f'DATASETS = os.path.realpath("/srv/{c.word}/datasets")\nPREVIEW_ROWS = {c.pick("200", "500", "1000")}'
    return Spec(v=v, s=s, imports="import os\n\nimport pandas as pd", helpers=helpers,
                notes="the dataset name is joined unchecked: ../ segments or an absolute path make read_csv load and "
                      "return any file the service can read (other tenants' exports, /etc/passwd as one column)")


@hardneg(4)
def pt_pandas_csv_hn(c):
    x = c.x
    if c.pick(True, False):
        s = f"""
            csv_path = DATASET_FILES.get({x})
            if csv_path is None:
                raise KeyError("unknown dataset")
            frame = pd.read_csv(csv_path, nrows=500)
            result = frame.head(20).to_dict(orient="records")
        """
        helpers = (f'DATASET_FILES = {{\n    "sales": "/srv/{c.word}/datasets/sales.csv",\n'
                   f'    "returns": "/srv/{c.word}/datasets/returns.csv",\n}}')
        return Spec(s=s, imports="import pandas as pd", helpers=helpers,
                    notes="the user picks a key of a server-side table of dataset paths")
    s = f"""
        name = os.path.basename({x})
        if not name.endswith(".csv"):
            name += ".csv"
        frame = pd.read_csv(os.path.join(DATASETS, name), nrows=500, dtype=str)
        result = {{"columns": list(frame.columns), "rows": len(frame)}}
    """
    return Spec(s=s, imports="import os\n\nimport pandas as pd",
                helpers=f'DATASETS = "/srv/{c.word}/datasets"',
                notes="os.path.basename keeps only the last path component, so the file stays in the dataset directory")


@fam("pt-sqlite-connect-tenant", "CWE-22", fws=["flask", "django", "aiohttp", "cli", "pipeline"],
     keys=["tenant", "workspace", "shard"], n=8)
def pt_sqlite_tenant(c):
    x = c.x
    conn = c.n("conn")
    ext = c.pick(".sqlite3", ".db", ".sqlite")
    table = c.pick("notes", "entries", "tasks")
    dbfile = c.fmt("{}" + ext, x)
    close = c.pick("closing", "try")
    if close == "closing":
        use = f"""
            with closing(sqlite3.connect(db_path)) as {conn}:  #@V
                rows = {conn}.execute("SELECT id, title, updated_at FROM {table} ORDER BY updated_at DESC LIMIT 50").fetchall()
        """
        imps = "import os\nimport sqlite3\nfrom contextlib import closing"
    else:
        use = f"""
            {conn} = sqlite3.connect(db_path)  #@V
            try:
                rows = {conn}.execute("SELECT id, title, updated_at FROM {table} ORDER BY updated_at DESC LIMIT 50").fetchall()
            finally:
                {conn}.close()
        """
        imps = "import os\nimport sqlite3"
    tail = 'result = [dict(zip(("id", "title", "updated_at"), r)) for r in rows]'
    from core import dedent
    v = f"db_path = os.path.join(TENANT_DB_DIR, {dbfile})  #@V\n" + dedent(use).rstrip() + "\n" + tail
    check = c.pick(f'if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{{0,62}}", {x}):',
                   f'if not re.fullmatch(r"[A-Za-z0-9]{{1,32}}", {x}):')
    s = (f"{check}\n    raise ValueError(\"invalid tenant id\")\n"
         f"db_path = os.path.join(TENANT_DB_DIR, {dbfile})\n" + dedent(use.replace("  #@V", "")).rstrip() + "\n" + tail)
    return Spec(v=v, s=s, imports=imps, simports="import re",
                helpers=f'TENANT_DB_DIR = "/var/lib/{c.word}/tenants"',
                notes="the tenant id becomes part of a database file path: ../other-tenant opens another tenant's "
                      "database, and sqlite3.connect creates a new database file at any writable path")


@hardneg(4)
def pt_sqlite_tenant_hn(c):
    s = f"""
        db_file = TENANT_DATABASES.get({c.x})
        if db_file is None:
            raise LookupError("unknown tenant")
        conn = sqlite3.connect(f"file:{{db_file}}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT id, title FROM notes ORDER BY id DESC LIMIT 50").fetchall()
        finally:
            conn.close()
        result = [list(r) for r in rows]
    """
    helpers = (f'TENANT_DATABASES = {{\n    "acme": "/var/lib/{c.word}/tenants/acme.sqlite3",\n'
               f'    "globex": "/var/lib/{c.word}/tenants/globex.sqlite3",\n}}')
    return Spec(s=s, imports="import sqlite3", helpers=helpers,
                notes="the database file comes from a server-side table; the input only selects one of its keys, and the "
                      "connection is opened read-only")


# ---------------- CWE-377 insecure temporary file ----------------


@fam("tmp-subprocess-dump-file", "CWE-377", fws=["script", "cli", "pipeline"],
     keys=["database", "db_name", "schema"], n=8)
def tmp_dump(c):
    x = c.x
    tool = c.pick("pg_dump", "mysqldump")
    stamp = c.pick("datetime.date.today().isoformat()", 'time.strftime("%Y%m%d")', "datetime.datetime.utcnow().strftime(\"%Y%m%d-%H\")")
    imps = "import os\nimport subprocess\n" + ("import time" if stamp.startswith("time") else "import datetime")
    name = c.fmt("{}-{}.sql", x, "stamp")

    def argv(p):
        if tool == "pg_dump":
            return f'["pg_dump", "--no-owner", "-f", {p}, "--dbname=" + {x}]'
        return f'["mysqldump", "--single-transaction", "--result-file=" + {p}, "--databases", {x}]'

    head = f"""
        if {x} not in DATABASES:
            raise ValueError("unknown database: " + {x})
        stamp = {stamp}
    """
    from core import dedent
    v = dedent(head).rstrip() + "\n" + f"""dump_path = os.path.join("/tmp", {name})  #@V
subprocess.run({argv("dump_path")}, check=True, timeout=3600)  #@V
with open(dump_path, "rb") as fh:  #@V
    upload_backup(os.path.basename(dump_path), fh)
os.remove(dump_path)
result = os.path.basename(dump_path)
"""
    s = dedent(head).rstrip() + "\n" + f"""with tempfile.TemporaryDirectory(prefix="dump-") as workdir:
    dump_path = os.path.join(workdir, {name})
    subprocess.run({argv("dump_path")}, check=True, timeout=3600)
    with open(dump_path, "rb") as fh:
        upload_backup(os.path.basename(dump_path), fh)
result = os.path.basename(dump_path)
"""
    bucket = c.pick("backups", f"{c.word}-dumps", "db-archive")
    helpers = f"""
DATABASES = {c.pick('("billing", "crm", "inventory")', '{"orders", "customers"}', '["analytics", "app"]')}


def upload_backup(key, fh):
    import boto3
    boto3.client("s3").upload_fileobj(fh, "{bucket}", key)
"""
    return Spec(v=v, s=s, imports=imps, simports="import tempfile", helpers=helpers,
                notes=f"{tool} writes the dump to a predictable name in the shared /tmp: a local user who pre-creates "
                      "the file (or a symlink) reads the whole database dump or redirects the write")


@hardneg(4)
def tmp_dump_hn(c):
    s = f"""
        if {c.x} not in DATABASES:
            raise ValueError("unknown database")
        with tempfile.NamedTemporaryFile(prefix="dump-", suffix=".sql") as tmp:
            subprocess.run(["pg_dump", "--no-owner", "-f", tmp.name, "--dbname=" + {c.x}], check=True, timeout=3600)
            tmp.seek(0)
            size = os.fstat(tmp.fileno()).st_size
        result = {{"database": {c.x}, "bytes": size}}
    """
    return Spec(s=s, imports="import os\nimport subprocess\nimport tempfile",
                helpers='DATABASES = ("billing", "crm", "inventory")',
                notes="NamedTemporaryFile creates an unpredictable name with O_EXCL and mode 0600")


# ---------------- CWE-732 permissions ----------------


@fam("perm-fchmod-stat-flags", "CWE-732", fws=["script", "cli"],
     keys=["username", "account", "profile"], n=8)
def perm_fchmod(c):
    x = c.x
    what = c.pick("token", "session", "credentials")
    shape = c.pick("fchmod", "chmod-add")
    bad = c.pick("stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH | stat.S_IWOTH",
                 "stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO",
                 "stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH")
    good = "stat.S_IRUSR | stat.S_IWUSR"
    head = f"""
        cache_file = os.path.join(CACHE_DIR, hashlib.sha256({x}.encode()).hexdigest()[:24] + ".json")
        payload = {{"user": {x}, "{what}": fetch_{what}({x}), "fetched_at": int(time.time())}}
    """
    from core import dedent
    if shape == "fchmod":
        body = """
fd = os.open(cache_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as fh:
    os.fchmod(fh.fileno(), MODE)MARK
    json.dump(payload, fh)
result = os.path.basename(cache_file)
"""
    else:
        body = """
fd = os.open(cache_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as fh:
    json.dump(payload, fh)
os.chmod(cache_file, MODE)MARK
result = os.path.basename(cache_file)
"""
    v = dedent(head).rstrip() + "\n" + body.lstrip("\n").replace("MODE", bad).replace("MARK", "  #@V")
    s = dedent(head).rstrip() + "\n" + body.lstrip("\n").replace("MODE", good).replace("MARK", "")
    helpers = f"""
CACHE_DIR = os.path.expanduser("~/.cache/{c.word}")
AUTH_URL = "https://auth.example.com/api/{what}"


def fetch_{what}(user):
    resp = requests.post(AUTH_URL, data={{"username": user, "password": getpass.getpass()}}, timeout=10)
    resp.raise_for_status()
    return resp.json()["{what}"]
"""
    return Spec(v=v, s=s, imports="import getpass\nimport hashlib\nimport json\nimport os\nimport stat\nimport time\n\nimport requests",
                helpers=helpers,
                notes=f"the stat flags give other users read and write access to a file holding a live {what}: any local "
                      "account can steal it or replace it")


@hardneg(4)
def perm_fchmod_hn(c):
    s = f"""
        page = os.path.join(PUBLIC_DIR, hashlib.sha256({c.x}.encode()).hexdigest()[:16] + ".html")
        with open(page, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
            fh.write("<h1>" + html.escape({c.x}) + "</h1>")
        result = os.path.basename(page)
    """
    return Spec(s=s, imports="import hashlib\nimport html\nimport os\nimport stat",
                helpers=f'PUBLIC_DIR = "/var/www/{c.word}/public"',
                notes="0644 on a public page served by the web server: others may read, only the owner writes")


# ---------------- CWE-502 deserialization ----------------


def _mp_module(c, safe: bool, hn: bool = False) -> str:
    w = c.word
    W = w.capitalize()
    host = c.pick('"0.0.0.0"', '""', '"10.20.0.5"')
    port = c.pick("6000", "7001", "5150", "8877")
    op = c.pick("op", "action", "kind")
    env = f"{w.upper()}_IPC_KEY"
    if hn:
        return f'''"""{W} worker: asks the coordinator for work over an authenticated multiprocessing connection."""
import logging
import os
import time
from multiprocessing import connection

log = logging.getLogger("{w}.worker")

ADDRESS = ("coordinator.internal", {port})
AUTHKEY = os.environ["{env}"].encode()


def process(job):
    time.sleep(0.1)
    return {{"job": job, "status": "ok"}}


def main():
    while True:
        with connection.Client(ADDRESS, authkey=AUTHKEY) as conn:
            conn.send({{"{op}": "next"}})
            job = conn.recv()
        if job is None:
            time.sleep(5)
            continue
        result = process(job)
        with connection.Client(ADDRESS, authkey=AUTHKEY) as conn:
            conn.send({{"{op}": "done", "job": job, "result": result}})
            conn.recv()
        log.info("finished %s", job)


if __name__ == "__main__":
    main()
'''
    listener = ("connection.Listener(ADDRESS, authkey=AUTHKEY)" if safe else "connection.Listener(ADDRESS)")
    mark = "" if safe else "  #@V"
    keyline = f'\nAUTHKEY = os.environ["{env}"].encode()' if safe else ""
    osimp = "import os\n" if safe else ""
    return f'''"""{W} coordinator: workers on other hosts ask for jobs and report results."""
import logging
{osimp}from multiprocessing import AuthenticationError, connection

log = logging.getLogger("{w}.coordinator")

ADDRESS = ({host}, {port}){keyline}
PENDING = ["{w}-001", "{w}-002", "{w}-003"]
DONE = {{}}


def dispatch(message):
    kind = message.get("{op}")
    if kind == "next":
        return PENDING.pop(0) if PENDING else None
    if kind == "done":
        DONE[message["job"]] = message.get("result")
        return True
    return {{"error": "unknown {op}"}}


def serve():
    with {listener} as listener:{mark}
        log.info("listening on %s:%s", *ADDRESS)
        while True:
            try:
                conn = listener.accept()
            except (AuthenticationError, EOFError, OSError) as exc:
                log.warning("rejected connection: %s", exc)
                continue
            with conn:
                message = conn.recv(){mark}
                conn.send(dispatch(message))


if __name__ == "__main__":
    serve()
'''


@fam("deser-mp-listener-no-authkey", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def deser_mp(c):
    st = c.rng.getstate()
    v = _mp_module(c, False)
    c.rng.setstate(st)
    s = _mp_module(c, True)
    return Spec(v=v, s=s, full=True,
                notes="a multiprocessing Listener without authkey accepts any client, and Connection.recv() unpickles "
                      "what it sends: remote code execution for anyone who can reach the port")


@hardneg(4)
def deser_mp_hn(c):
    return Spec(s=_mp_module(c, True, hn=True), full=True,
                notes="Client with an authkey: both ends prove knowledge of the shared key before any pickle is exchanged")


def _zmq_module(c, safe: bool, hn: bool = False) -> str:
    w = c.word
    W = w.capitalize()
    port = c.pick("5557", "5555", "6100", "7400")
    shape = "inproc" if hn else c.pick("pull", "rep")
    if shape == "inproc":
        return f'''"""{W} pipeline: a parser thread hands parsed batches to a writer thread in the same process."""
import json
import threading

import zmq

CTX = zmq.Context.instance()
ENDPOINT = "inproc://{w}-batches"


def writer(path):
    sock = CTX.socket(zmq.PULL)
    sock.bind(ENDPOINT)
    with open(path, "a", encoding="utf-8") as out:
        while True:
            batch = sock.recv_pyobj()
            if batch is None:
                break
            for row in batch:
                out.write(json.dumps(row) + "\\n")
    sock.close()


def run(lines, path):
    t = threading.Thread(target=writer, args=(path,))
    t.start()
    sock = CTX.socket(zmq.PUSH)
    sock.connect(ENDPOINT)
    batch = []
    for line in lines:
        batch.append({{"{w}": line.strip()}})
        if len(batch) == 100:
            sock.send_pyobj(batch)
            batch = []
    sock.send_pyobj(batch)
    sock.send_pyobj(None)
    t.join()
    sock.close()
'''
    recv = "recv_json" if safe else "recv_pyobj"
    mark = "" if safe else "  #@V"
    if shape == "pull":
        return f'''"""{W} render worker: pulls jobs from the dispatcher, pushes results to the collector."""
import logging

import zmq

log = logging.getLogger("{w}.worker")

JOBS_ENDPOINT = "tcp://*:{port}"
RESULTS_ENDPOINT = "tcp://collector.internal:{int(port) + 1}"


def render(job):
    pages = job.get("pages", [])
    return {{"id": job["id"], "pages": len(pages), "title": str(job.get("title", ""))[:200]}}


def main():
    ctx = zmq.Context()
    jobs = ctx.socket(zmq.PULL)
    jobs.bind(JOBS_ENDPOINT)
    results = ctx.socket(zmq.PUSH)
    results.connect(RESULTS_ENDPOINT)
    while True:
        job = jobs.{recv}(){mark}
        try:
            results.send_json(render(job))
        except (KeyError, TypeError, AttributeError) as exc:
            log.warning("bad job: %s", exc)


if __name__ == "__main__":
    main()
'''
    send = "send_json" if safe else "send_pyobj"
    return f'''"""{W} lookup service: answers price queries from the storefront over ZeroMQ."""
import logging

import zmq

log = logging.getLogger("{w}.lookup")

ENDPOINT = "tcp://0.0.0.0:{port}"
PRICES = {{"{w}-basic": 900, "{w}-plus": 1900, "{w}-pro": 4900}}


def answer(request):
    sku = str(request.get("sku", ""))
    return {{"sku": sku, "price": PRICES.get(sku)}}


def serve():
    sock = zmq.Context().socket(zmq.REP)
    sock.bind(ENDPOINT)
    log.info("serving on %s", ENDPOINT)
    while True:
        request = sock.{recv}(){mark}
        sock.{send}(answer(request))


if __name__ == "__main__":
    serve()
'''


@fam("deser-zmq-recv-pyobj", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def deser_zmq(c):
    st = c.rng.getstate()
    v = _zmq_module(c, False)
    c.rng.setstate(st)
    s = _zmq_module(c, True)
    return Spec(v=v, s=s, full=True,
                notes="recv_pyobj() is pickle.loads on the message: any peer that can connect to the bound TCP socket "
                      "runs code in the worker (ZeroMQ has no authentication by default)")


@hardneg(4)
def deser_zmq_hn(c):
    return Spec(s=_zmq_module(c, True, hn=True), full=True,
                notes="recv_pyobj only on an inproc:// socket between threads of one process: no outside peer can send")


# ---------------- CWE-916 / CWE-327 weak password hashing and home-made crypto ----------------


def _pw_source(c):
    # a password arrives in a POST body (or typed at a prompt), never in a URL, header or cookie
    c.src = "input" if c.fw == "script" else c.pick("form", "json")


@fam("hash-passlib-legacy-scheme", "CWE-916", fws=["flask", "django", "aiohttp", "script"],
     keys=["password", "new_password", "passphrase"], n=8)
def hash_passlib(c):
    _pw_source(c)
    x = c.x
    weak = c.pick("md5_crypt", "des_crypt", "ldap_salted_sha1", "ldap_salted_md5")
    strong = c.pick("bcrypt", "argon2")
    digest = c.n("digest")
    minlen = c.pick("8", "10", "12")
    v = f"""
        if len({x}) < {minlen}:
            raise ValueError("password too short")
        {digest} = {weak}.hash({x})  #@V
        result = {{"account_id": create_account({digest})}}
    """
    s = f"""
        if len({x}) < {minlen}:
            raise ValueError("password too short")
        {digest} = {strong}.hash({x})
        result = {{"account_id": create_account({digest})}}
    """
    helpers = f"""
def create_account(password_hash):
    with sqlite3.connect("/var/lib/{c.word}/accounts.sqlite3") as db:
        cur = db.execute("INSERT INTO accounts (password_hash, created_at) VALUES (?, datetime('now'))", (password_hash,))
        return cur.lastrowid
"""
    return Spec(v=v, s=s, imports="import sqlite3", vimports=f"from passlib.hash import {weak}",
                simports=f"from passlib.hash import {strong}", helpers=helpers,
                notes=f"passlib's {weak} is a fast legacy scheme (MD5/SHA-1/DES based; des_crypt keeps only 8 characters): "
                      "a leaked hash is brute-forced on a GPU in hours")


@hardneg(4)
def hash_passlib_hn(c):
    _pw_source(c)
    s = f"""
        stored = load_password_hash()
        ok, new_hash = PWD_CONTEXT.verify_and_update({c.x}, stored)
        if not ok:
            raise PermissionError("wrong password")
        if new_hash:
            save_password_hash(new_hash)
        result = "ok"
    """
    helpers = f"""
PWD_CONTEXT = CryptContext(schemes=["argon2", "md5_crypt"], deprecated="auto")
STORE = "/var/lib/{c.word}/password_hash"


def load_password_hash():
    with open(STORE, encoding="utf-8") as fh:
        return fh.read().strip()


def save_password_hash(value):
    with open(STORE, "w", encoding="utf-8") as fh:
        fh.write(value)
"""
    return Spec(s=s, imports="from passlib.context import CryptContext", helpers=helpers,
                notes="md5_crypt is only accepted to verify legacy hashes, which are rehashed with argon2 on login")


@fam("crypto-xor-repeating-key", "CWE-327", fws=WEB_FWS + ["pipeline"],
     keys=["account_number", "iban", "card_token", "tax_id"], n=8)
def crypto_xor(c):
    _post_source(c)
    x = c.x
    shape = c.pick("cycle", "index")
    sealed = c.pick("sealed", "ciphertext", "masked", "enc")
    if shape == "cycle":
        line = f"{sealed} = bytes(b ^ k for b, k in zip({x}.encode(), itertools.cycle(FIELD_KEY)))  #@V"
        vimp = "import itertools"
    else:
        line = f"{sealed} = bytes(ch ^ FIELD_KEY[i % len(FIELD_KEY)] for i, ch in enumerate({x}.encode()))  #@V"
        vimp = ""
    store = c.pick("VAULT", "RECORDS", "SEALED_FIELDS")
    v = f"""
        {line}
        ref = uuid.uuid4().hex
        {store}[ref] = base64.b64encode({sealed}).decode()
        result = ref
    """
    s = f"""
        {sealed} = Fernet(FIELD_KEY).encrypt({x}.encode())
        ref = uuid.uuid4().hex
        {store}[ref] = base64.b64encode({sealed}).decode()
        result = ref
    """
    helpers = f'FIELD_KEY = os.environ["{c.word.upper()}_FIELD_KEY"].encode()\n{store} = {{}}'
    return Spec(v=v, s=s, imports="import base64\nimport os\nimport uuid", vimports=vimp,
                simports="from cryptography.fernet import Fernet", helpers=helpers,
                notes="XOR with a repeating key is not encryption: one known plaintext reveals the key, and two "
                      "ciphertexts XORed together cancel it; no integrity either")


@hardneg(4)
def crypto_xor_hn(c):
    _post_source(c)
    s = f"""
        token = Fernet(FIELD_KEY).encrypt({c.x}.encode())
        frame = len(token).to_bytes(2, "big") + token
        checksum = functools.reduce(operator.xor, frame, 0)
        result = base64.b64encode(frame + bytes([checksum])).decode()
    """
    return Spec(s=s, imports="import base64\nimport functools\nimport operator\nimport os\n\nfrom cryptography.fernet import Fernet",
                helpers=f'FIELD_KEY = os.environ["{c.word.upper()}_FIELD_KEY"].encode()',
                notes="the data is encrypted with Fernet; XOR only computes a framing checksum byte")


# ---------------- CWE-295 certificate validation ----------------


@fam("tls-pymongo-allow-invalid", "CWE-295", fws=WEB_FWS + ["pipeline"], keys=["slug", "sku", "code"], n=8, wrap=False)
def tls_pymongo(c):
    x = c.x
    w = c.word
    bad = c.pick("tlsAllowInvalidCertificates=True", "tlsInsecure=True", "tlsAllowInvalidHostnames=True")
    is_async = c.fw in ("fastapi", "aiohttp")
    cls = "AsyncIOMotorClient" if is_async else "MongoClient"
    imp = ("from motor.motor_asyncio import AsyncIOMotorClient" if is_async else "from pymongo import MongoClient")
    uri = c.pick(f'"mongodb://db1.internal:27017,db2.internal:27017/?replicaSet=rs0"',
                 f'os.environ.get("MONGO_URI", "mongodb://mongo.internal:27017")')
    hv = f'client = {cls}({uri}, tls=True, {bad})  #@V\ndb = client["{w}"]'
    hs = f'client = {cls}({uri}, tls=True, tlsCAFile="/etc/ssl/certs/mongo-ca.pem")\ndb = client["{w}"]'
    aw = "await " if is_async else ""
    body = f"""
        doc = {aw}db.{w}s.find_one({{"{c.key}": str({x})}}, {{"_id": 0}})
        result = doc or {{}}
    """
    return _pair(c, body, body, hv, hs, imports="import os\n" + imp,
                 notes=f"{bad.split('=')[0]} turns off verification of the MongoDB server certificate or name: anyone on "
                       "the path can impersonate the database and read the credentials and every query")


@hardneg(4)
def tls_pymongo_hn(c):
    w = c.word
    is_async = c.fw in ("fastapi", "aiohttp")
    cls = "AsyncIOMotorClient" if is_async else "MongoClient"
    imp = ("from motor.motor_asyncio import AsyncIOMotorClient" if is_async else "from pymongo import MongoClient")
    aw = "await " if is_async else ""
    s = f"""
        doc = {aw}db.{w}s.find_one({{"{c.key}": str({c.x})}}, {{"_id": 0}})
        result = doc or {{}}
    """
    helpers = (f'client = {cls}(os.environ["MONGO_URI"], tls=True, tlsAllowInvalidCertificates=False,\n'
               f'    tlsCAFile="/etc/ssl/certs/mongo-ca.pem", tlsCertificateKeyFile="/etc/{w}/mongo-client.pem")\n'
               f'db = client["{w}"]')
    return Spec(s=s, imports="import os\n" + imp, helpers=helpers,
                notes="mutual TLS with a pinned CA; invalid certificates explicitly rejected")


# ---------------- CWE-338 weak randomness ----------------


@fam("rand-random-float-login-link", "CWE-338", fws=WEB_FWS, keys=["email", "login_email"], n=8)
def rand_float(c):
    _post_source(c)
    x = c.x
    expr = c.pick(f'hashlib.sha256(f"{{{x}}}:{{random.random()}}".encode()).hexdigest()',
                  'hashlib.blake2b(repr(random.random()).encode(), digest_size=20).hexdigest()',
                  'str(random.random())[2:] + str(random.random())[2:]',
                  f'hashlib.sha256((str(random.random()) + {x}).encode()).hexdigest()')
    tok = c.pick("link_token", "login_token", "magic")
    ttl = c.pick("900", "15 * 60", "600")
    body = f"""
        account = ACCOUNTS.get({x}.strip().lower())
        if account is not None:
            {tok} = EXPR
            LOGIN_LINKS[{tok}] = {{"account": account["id"], "expires": time.time() + {ttl}}}
            OUTBOX.append({{"to": {x}, "link": BASE_URL + "/login/" + {tok}}})
        result = "if the address is registered, a sign-in link is on its way"
    """
    v = body.replace("EXPR", expr + "  #@V")
    s = body.replace("EXPR", "secrets.token_urlsafe(32)")
    helpers = (f'BASE_URL = "https://{c.word}s.example.com"\n'
               'ACCOUNTS = {"alice@example.com": {"id": 1}, "bob@example.com": {"id": 2}}\n'
               "LOGIN_LINKS = {}\nOUTBOX = []")
    vimp = "import random" + ("\nimport hashlib" if "hashlib" in expr else "")
    return Spec(v=v, s=s, imports="import time", vimports=vimp, simports="import secrets", helpers=helpers,
                notes="the sign-in link token comes from random.random() (Mersenne Twister): after observing enough "
                      "outputs the state is recovered and the link sent to another user's mailbox is predicted; hashing "
                      "adds no entropy")


@hardneg(4)
def rand_float_hn(c):
    _post_source(c)
    s = f"""
        account = ACCOUNTS.get({c.x}.strip().lower())
        if account is None:
            time.sleep(random.uniform(0.05, 0.15))
        else:
            link_token = secrets.token_urlsafe(32)
            LOGIN_LINKS[link_token] = {{"account": account["id"], "expires": time.time() + 900}}
            OUTBOX.append({{"to": {c.x}, "link": BASE_URL + "/login/" + link_token}})
            if random.random() < AUDIT_SAMPLE_RATE:
                print("sampled sign-in link request", account["id"])
        result = "if the address is registered, a sign-in link is on its way"
    """
    helpers = (f'BASE_URL = "https://{c.word}s.example.com"\n'
               'ACCOUNTS = {"alice@example.com": {"id": 1}, "bob@example.com": {"id": 2}}\n'
               "LOGIN_LINKS = {}\nOUTBOX = []\nAUDIT_SAMPLE_RATE = 0.01")
    return Spec(s=s, imports="import random\nimport secrets\nimport time", helpers=helpers,
                notes="the link token comes from secrets; random only jitters timing and samples audit lines")
