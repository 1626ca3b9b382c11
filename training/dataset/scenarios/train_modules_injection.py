"""Train-only whole-module injection families: realistic modules of 80-130 lines (dataclasses,
logging, helpers, ordinary safe code) in which exactly one statement is the weakness, with a
twin that differs only by the minimal fix. Covers SQL (89), OS command (78), argument (77),
template/code (94), path traversal (22), SSRF (918), XXE (611), deserialization (502), LDAP (90)
and upload (434), plus whole-module hard negatives that use the same APIs safely."""
from core import Spec
from registry import fam, hardneg


def W(c):
    return c.word, c.word.capitalize()


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-89: repository class with one string-built query ----------------


@fam("mod-sqli-repository", "CWE-89", fws=["flask", "fastapi", "cli", "flask", "fastapi"], n=6, wrap=False)
def mod_sqli_repository(c):
    w, Wc = W(c)
    tbl = w + "s"
    conn, q, rows, x = c.pick("conn", "db", "_conn"), c.n("query"), c.n("rows"), c.pick("term", "needle", "value")
    shape = c.pick("search", "owner", "status")
    page = c.pick(25, 50, 100)
    if shape == "search":
        meth = "search"
        sig = f"def search(self, {x}: str, page: int = 0) -> list[{Wc}]:"
        vq = (f"""{q} = "SELECT * FROM {tbl} WHERE title LIKE '%" + {x} + "%' ORDER BY created_at DESC LIMIT ? OFFSET ?"  #@V\n"""
              f"""        {rows} = self.{conn}.execute({q}, (PAGE_SIZE, page * PAGE_SIZE)).fetchall()  #@V""")
        sq = (f"""{q} = "SELECT * FROM {tbl} WHERE title LIKE ? ORDER BY created_at DESC LIMIT ? OFFSET ?"\n"""
              f"""        {rows} = self.{conn}.execute({q}, ("%" + {x} + "%", PAGE_SIZE, page * PAGE_SIZE)).fetchall()""")
        ret = f"return [{Wc}.from_row(r) for r in {rows}]"
        call = f"[asdict(i) for i in repo.search({{x}}, page=page)]"
    elif shape == "owner":
        meth = "for_owner"
        sig = f"def for_owner(self, {x}: str) -> list[{Wc}]:"
        vq = (f"""{q} = f"SELECT * FROM {tbl} WHERE owner = '{{{x}}}' AND status != 'archived'"  #@V\n"""
              f"""        {rows} = self.{conn}.execute({q}).fetchall()  #@V""")
        sq = (f"""{q} = "SELECT * FROM {tbl} WHERE owner = ? AND status != 'archived'"\n"""
              f"""        {rows} = self.{conn}.execute({q}, ({x},)).fetchall()""")
        ret = f"return [{Wc}.from_row(r) for r in {rows}]"
        call = "[asdict(i) for i in repo.for_owner({x})]"
    else:
        meth = "count_by_status"
        sig = f"def count_by_status(self, {x}: str) -> int:"
        vq = (f"""{q} = "SELECT COUNT(*) FROM {tbl} WHERE status = '%s'" % {x}  #@V\n"""
              f"""        {rows} = self.{conn}.execute({q}).fetchone()  #@V""")
        sq = (f"""{q} = "SELECT COUNT(*) FROM {tbl} WHERE status = ?"\n"""
              f"""        {rows} = self.{conn}.execute({q}, ({x},)).fetchone()""")
        ret = f"return int({rows}[0]) if {rows} else 0"
        call = "repo.count_by_status({x})"
    if c.fw == "flask":
        imp = "from flask import Flask, abort, jsonify, request"
        inp = c.pick("q", "filter", "value")
        app = f"""
app = Flask(__name__)
repo = {Wc}Repository()


@app.get("/{w}s/<int:item_id>")
def show_{w}(item_id: int):
    item = repo.get(item_id)
    if item is None:
        abort(404)
    return jsonify(asdict(item))


@app.get("/{w}s")
def list_{w}s():
    arg = request.args.get("{inp}", "").strip()  #@S
    page = request.args.get("page", 0, type=int)
    log.debug("listing {w}s page=%d", page)
    return jsonify(result={call.format(x="arg")})
"""
    elif c.fw == "fastapi":
        imp = "from fastapi import FastAPI, HTTPException"
        app = f"""
app = FastAPI(title="{Wc} service")
repo = {Wc}Repository()


@app.get("/{w}s/{{item_id}}")
def show_{w}(item_id: int) -> dict:
    item = repo.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    return asdict(item)


@app.get("/{w}s")
def list_{w}s(q: str = "", page: int = 0) -> dict:
    arg = q.strip()  #@S
    return {{"result": {call.format(x="arg")}}}
"""
    else:
        imp = "import argparse\nimport json\nimport sys"
        app = f"""
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Query the {w} database")
    parser.add_argument("value", help="search value")
    parser.add_argument("--page", type=int, default=0)
    parser.add_argument("--db", default=DB_PATH)
    args = parser.parse_args(argv)
    repo = {Wc}Repository(args.db)
    page = args.page
    arg = args.value  #@S
    json.dump({call.format(x="arg")}, sys.stdout, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
"""
    extra = c.pick(f"""
    def archive_older_than(self, days: int) -> int:
        cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()
        cur = self.{conn}.execute(
            "UPDATE {tbl} SET status = 'archived' WHERE created_at < ? AND status = 'closed'", (cutoff,)
        )
        self.{conn}.commit()
        log.info("archived %d {w}s", cur.rowcount)
        return cur.rowcount
""", f"""
    def delete(self, item_id: int) -> bool:
        cur = self.{conn}.execute("DELETE FROM {tbl} WHERE id = ?", (item_id,))
        self.{conn}.commit()
        return cur.rowcount > 0

    def recent(self, limit: int = 10) -> list[{Wc}]:
        limit = max(1, min(limit, PAGE_SIZE))
        found = self.{conn}.execute("SELECT * FROM {tbl} ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
        return [{Wc}.from_row(r) for r in found]
""")
    tmpl = f'''"""Storage and lookup of {w} records."""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

{imp}

log = logging.getLogger(__name__)

DB_PATH = "{w}s.db"
PAGE_SIZE = {page}
VALID_STATUSES = ("open", "closed", "archived")


@dataclass
class {Wc}:
    id: int
    owner: str
    title: str
    status: str
    created_at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "{Wc}":
        return cls(row["id"], row["owner"], row["title"], row["status"], row["created_at"])


class {Wc}Repository:
    """Data access for the {tbl} table."""

    def __init__(self, path: str = DB_PATH) -> None:
        self.{conn} = sqlite3.connect(path, check_same_thread=False)
        self.{conn}.row_factory = sqlite3.Row

    def get(self, item_id: int) -> {Wc} | None:
        row = self.{conn}.execute("SELECT * FROM {tbl} WHERE id = ?", (item_id,)).fetchone()
        return {Wc}.from_row(row) if row else None

    def create(self, owner: str, title: str) -> int:
        now = datetime.now(timezone.utc).isoformat()
        cur = self.{conn}.execute(
            "INSERT INTO {tbl} (owner, title, status, created_at) VALUES (?, ?, 'open', ?)",
            (owner, title, now),
        )
        self.{conn}.commit()
        log.info("created {w} %s for %s", cur.lastrowid, owner)
        return cur.lastrowid

    def set_status(self, item_id: int, status: str) -> None:
        if status not in VALID_STATUSES:
            raise ValueError(f"unknown status: {{status}}")
        self.{conn}.execute("UPDATE {tbl} SET status = ? WHERE id = ?", (status, item_id))
        self.{conn}.commit()
{extra}
    {sig}
        {{SINK}}
        {ret}

{app}'''
    v = tmpl.replace("{SINK}", vq)
    s = tmpl.replace("{SINK}", sq)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes=f"{meth} splices the request value into the SQL text while every other query of the "
                      "repository binds parameters")


@hardneg(3)
def mod_sqli_repository_hn(c):
    w, Wc = W(c)
    tbl = w + "s"
    sort_default = c.pick("created_at", "title", "id")
    fw = c.pick("flask", "fastapi")
    if fw == "flask":
        imp = "from flask import Flask, jsonify, request"
        app = f"""
app = Flask(__name__)
store = {Wc}Store()


@app.get("/{w}s")
def list_{w}s():
    rows = store.listing(
        owner=request.args.get("owner"),
        sort=request.args.get("sort", "{sort_default}"),
        direction=request.args.get("dir", "desc"),
        page=request.args.get("page", 0, type=int),
    )
    return jsonify(result=rows)
"""
    else:
        imp = "from fastapi import FastAPI"
        app = f"""
app = FastAPI()
store = {Wc}Store()


@app.get("/{w}s")
def list_{w}s(owner: str | None = None, sort: str = "{sort_default}", dir: str = "desc", page: int = 0):
    return {{"result": store.listing(owner=owner, sort=sort, direction=dir, page=page)}}
"""
    s = f'''"""Listing endpoint for {w}s with user-selectable sorting."""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

{imp}

log = logging.getLogger(__name__)

DB_PATH = "{w}s.db"
PAGE_SIZE = 50
SORTABLE = {{
    "created_at": "created_at",
    "title": "title COLLATE NOCASE",
    "id": "id",
    "status": "status",
}}
DIRECTIONS = {{"asc": "ASC", "desc": "DESC"}}


@dataclass
class ListQuery:
    owner: str | None
    order_by: str
    direction: str
    offset: int


def build_query(owner: str | None, sort: str, direction: str, page: int) -> ListQuery:
    order_by = SORTABLE.get(sort, SORTABLE["{sort_default}"])
    dir_sql = DIRECTIONS.get(direction.lower(), "DESC")
    return ListQuery(owner=owner or None, order_by=order_by, direction=dir_sql, offset=max(page, 0) * PAGE_SIZE)


class {Wc}Store:
    def __init__(self, path: str = DB_PATH) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row

    def listing(self, owner: str | None, sort: str, direction: str, page: int) -> list[dict]:
        lq = build_query(owner, sort, direction, page)
        where, params = "", []
        if lq.owner:
            where = "WHERE owner = ?"
            params.append(lq.owner)
        sql = (
            f"SELECT id, title, status, owner FROM {tbl} {{where}} "
            f"ORDER BY {{lq.order_by}} {{lq.direction}} LIMIT ? OFFSET ?"
        )
        params += [PAGE_SIZE, lq.offset]
        rows = self.conn.execute(sql, params).fetchall()
        log.debug("listing returned %d rows", len(rows))
        return [dict(r) for r in rows]

    def rename(self, item_id: int, title: str) -> None:
        title = title.strip()[:200]
        if not title:
            raise ValueError("empty title")
        self.conn.execute("UPDATE {tbl} SET title = ? WHERE id = ?", (title, item_id))
        self.conn.commit()

    def stats(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, COUNT(*) AS n FROM {tbl} GROUP BY status").fetchall()
        return {{r["status"]: r["n"] for r in rows}}

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:
            log.warning("closing the {w} store failed", exc_info=True)

{app}'''
    return Spec(v="", s=s, full=True, fw=fw,
                notes="ORDER BY identifiers are looked up in fixed allow-list tables; every value is a bound parameter")


# ---------------- CWE-78: document conversion worker with one shell command ----------------


@fam("mod-cmdi-convert-worker", "CWE-78", fws=["celery", "queue"], n=6, wrap=False)
def mod_cmdi_convert_worker(c):
    w, Wc = W(c)
    x = c.pick("filename", "doc_name", "source_name")
    cmd = c.n("cmd")
    shape = c.pick("soffice", "thumb", "text")
    if shape == "soffice":
        fn, what = f"convert_{w}", "pdf"
        vs = (f'{cmd} = f"soffice --headless --convert-to pdf --outdir {{OUTPUT}} {{src}}"  #@V\n'
              f'    subprocess.run({cmd}, shell=True, check=True, timeout=CONVERT_TIMEOUT)  #@V')
        ss = (f'{cmd} = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(OUTPUT), str(src)]\n'
              f'    subprocess.run({cmd}, check=True, timeout=CONVERT_TIMEOUT)')
        after = '    out = OUTPUT / (src.stem + ".pdf")\n    pages = _page_count(out)'
    elif shape == "thumb":
        fn, what = f"thumbnail_{w}", "png"
        vs = (f'out = OUTPUT / (src.stem + ".png")\n'
              f'    os.system(f"convert {{src}}[0] -thumbnail {{THUMB_SIZE}} {{out}}")  #@V')
        ss = (f'out = OUTPUT / (src.stem + ".png")\n'
              f'    subprocess.run(["convert", f"{{src}}[0]", "-thumbnail", THUMB_SIZE, str(out)], check=True)')
        after = "    pages = 1"
    else:
        fn, what = f"extract_{w}_text", "txt"
        vs = (f'text = subprocess.check_output("pdftotext -layout " + str(src) + " -", shell=True, text=True)  #@V')
        ss = (f'text = subprocess.check_output(["pdftotext", "-layout", str(src), "-"], text=True)')
        after = ('    out = OUTPUT / (src.stem + ".txt")\n    out.write_text(text, encoding="utf-8")\n'
                 '    pages = text.count("\\f") + 1')
    if c.fw == "celery":
        head = f'from celery import Celery\n\napp = Celery("{w}_jobs", broker=os.environ.get("BROKER_URL", "redis://localhost:6379/0"))'
        deco = "@app.task(bind=True, max_retries=3, acks_late=True)"
        sig = f"def {fn}(self, payload: dict) -> dict:"
        tail = ""
    else:
        head = "import redis\n\nqueue = redis.Redis.from_url(os.environ.get(\"REDIS_URL\", \"redis://localhost:6379/1\"))"
        deco = ""
        sig = f"def {fn}(payload: dict) -> dict:"
        tail = f'''


def run_worker() -> None:
    log.info("waiting for {w} jobs")
    while True:
        item = queue.blpop("{w}:convert", timeout=30)
        if item is None:
            continue
        try:
            result = {fn}(json.loads(item[1]))
            queue.rpush("{w}:done", json.dumps(result))
        except (subprocess.SubprocessError, OSError, KeyError, ValueError):
            log.exception("{w} job failed")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run_worker()'''
    helpers = [f'''


def _cleanup(older_than: float = 86400.0) -> int:
    """Remove rendered files older than a day."""
    removed = 0
    cutoff = time.time() - older_than
    for path in OUTPUT.glob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed''', f'''


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()''', f'''


def spool_status() -> dict:
    """Counts shown on the operations dashboard."""
    pending = [p for p in SPOOL.glob("*") if p.suffix.lower() in ALLOWED_SUFFIXES]
    rendered = list(OUTPUT.glob("*")) if OUTPUT.exists() else []
    return {{"pending": len(pending), "rendered": len(rendered), "oldest": min(
        (p.stat().st_mtime for p in pending), default=None)}}''']
    c.rng.shuffle(helpers)
    helper = "".join(helpers)
    deco_line = (deco + "\n") if deco else ""
    tmpl = f'''"""Background jobs that render uploaded {w} documents."""
import hashlib
import json
import logging
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

{head}

log = logging.getLogger(__name__)

SPOOL = Path(os.environ.get("{w.upper()}_SPOOL", "/var/spool/{w}"))
OUTPUT = Path(os.environ.get("{w.upper()}_OUTPUT", "/var/lib/{w}/rendered"))
CONVERT_TIMEOUT = {c.pick(60, 120, 300)}
THUMB_SIZE = "{c.pick("256x256", "320x320", "200x200")}"
ALLOWED_SUFFIXES = {{".docx", ".odt", ".pdf", ".rtf"}}


@dataclass
class RenderResult:
    source: str
    output: str
    pages: int
    seconds: float


def _ensure_dirs() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)


def _page_count(pdf: Path) -> int:
    proc = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30, check=True)
    for line in proc.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    return 0{helper}


{deco_line}{sig}
    {x} = payload["{x}"]  #@S
    src = SPOOL / os.path.basename({x})
    if src.suffix.lower() not in ALLOWED_SUFFIXES:
        raise ValueError(f"unsupported document type: {{src.suffix}}")
    _ensure_dirs()
    started = time.monotonic()
    log.info("rendering %s to {what}", src.name)
    {{SINK}}
{after}
    result = RenderResult(str(src), str(OUTPUT / (src.stem + ".{what}")), pages, time.monotonic() - started)
    log.info("rendered %s (%d pages) in %.1fs", src.name, result.pages, result.seconds)
    return asdict(result){tail}
'''
    v = tmpl.replace("{SINK}", vs)
    s = tmpl.replace("{SINK}", ss)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the file name from the job payload is interpolated into a shell command line; "
                      "basename() and the suffix check leave shell metacharacters in place")


@hardneg(3)
def mod_cmdi_convert_worker_hn(c):
    w, Wc = W(c)
    tool = c.pick("pg_dump", "mysqldump")
    if tool == "pg_dump":
        dump = '["pg_dump", "--format=custom", "--no-owner", "--host", cfg.host, "--username", cfg.user, "--", cfg.database]'
        env = 'env = dict(os.environ, PGPASSWORD=cfg.password)'
    else:
        dump = '["mysqldump", "--single-transaction", "-h", cfg.host, "-u", cfg.user, "--", cfg.database]'
        env = 'env = dict(os.environ, MYSQL_PWD=cfg.password)'
    s = f'''"""Nightly backup of the {w} databases, run from cron."""
import argparse
import datetime as dt
import logging
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("{w}-backup")

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", "/var/backups/{w}"))
KEEP_DAYS = {c.pick(7, 14, 30)}
DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{{0,62}}$")


@dataclass
class DbConfig:
    host: str
    user: str
    password: str
    database: str


def load_config(database: str) -> DbConfig:
    if not DB_NAME.match(database):
        raise ValueError(f"invalid database name: {{database!r}}")
    return DbConfig(
        host=os.environ.get("DB_HOST", "localhost"),
        user=os.environ.get("DB_USER", "backup"),
        password=os.environ["DB_PASSWORD"],
        database=database,
    )


def dump(cfg: DbConfig) -> Path:
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = BACKUP_DIR / f"{{cfg.database}}-{{stamp}}.dump"
    argv = {dump}
    {env}
    log.info("running %s", shlex.join(argv))
    with target.open("wb") as fh:
        subprocess.run(argv, stdout=fh, env=env, check=True, timeout=3600)
    subprocess.run(["gzip", "-9", "--", str(target)], check=True)
    return target.with_suffix(target.suffix + ".gz")


def prune(now: dt.datetime | None = None) -> int:
    now = now or dt.datetime.now()
    removed = 0
    for path in BACKUP_DIR.glob("*.dump.gz"):
        age = now - dt.datetime.fromtimestamp(path.stat().st_mtime)
        if age.days > KEEP_DAYS:
            path.unlink()
            removed += 1
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Back up {w} databases")
    parser.add_argument("databases", nargs="+")
    parser.add_argument("--no-prune", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    failed = 0
    for name in args.databases:
        try:
            out = dump(load_config(name))
            log.info("wrote %s", out)
        except (subprocess.CalledProcessError, ValueError, KeyError) as exc:
            log.error("backup of %s failed: %s", name, exc)
            failed += 1
    if not args.no_prune:
        log.info("pruned %d old backups", prune())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
'''
    return Spec(v="", s=s, full=True, fw="cli",
                notes="subprocess is called with argument lists (no shell), the database name is validated and "
                      "passed after --; shlex.join is only used for logging")


# ---------------- CWE-77: sync/clone service passing a request value as a positional argument ----------------


@fam("mod-argi-sync-service", "CWE-77", fws=["fastapi", "celery"], n=6, wrap=False)
def mod_argi_sync_service(c):
    w, Wc = W(c)
    x = c.pick("source", "remote", "origin")
    cmd = c.n("cmd")
    tool = c.pick("rsync", "hg")
    if tool == "rsync":
        vline = f'{cmd} = ["rsync", "-az", "--delete", "--timeout=60", {x}, str(dest) + "/"]  #@V'
        sline = f'{cmd} = ["rsync", "-az", "--delete", "--timeout=60", "--", {x}, str(dest) + "/"]'
        check = f'if "::" not in {x} and ":" not in {x}:\n        raise SyncError("expected host:path or host::module")'
        what = "rsync mirror"
    else:
        vline = f'{cmd} = ["hg", "clone", "--noupdate", {x}, str(dest)]  #@V'
        sline = f'{cmd} = ["hg", "clone", "--noupdate", "--", {x}, str(dest)]'
        check = f'if len({x}) > 512:\n        raise SyncError("source too long")'
        what = "mercurial clone"
    if c.fw == "fastapi":
        head = "from fastapi import BackgroundTasks, FastAPI, HTTPException\nfrom pydantic import BaseModel"
        entry = f'''

app = FastAPI(title="{Wc} mirrors")


class MirrorRequest(BaseModel):
    {x}: str
    name: str


@app.post("/{w}s/mirrors", status_code=202)
def create_mirror(body: MirrorRequest, tasks: BackgroundTasks) -> dict:
    if not NAME_RE.match(body.name):
        raise HTTPException(status_code=422, detail="invalid mirror name")
    {x} = body.{x}.strip()  #@S
    tasks.add_task(sync_mirror, body.name, {x})
    return {{"queued": body.name}}'''
        task_deco = ""
    else:
        head = 'from celery import Celery\n\napp = Celery("{w}_mirrors")'.replace("{w}", w)
        entry = f'''


@app.task(bind=True, max_retries=2, default_retry_delay=60)
def mirror_task(self, message: dict) -> dict:
    name = message["name"]
    if not NAME_RE.match(name):
        raise SyncError(f"invalid mirror name: {{name!r}}")
    {x} = message["{x}"]  #@S
    try:
        return asdict(sync_mirror(name, {x}))
    except subprocess.TimeoutExpired as exc:
        raise self.retry(exc=exc)'''
        task_deco = ""
    tmpl = f'''"""Keeps local mirrors of {w} repositories in sync ({what})."""
import logging
import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

{head}

log = logging.getLogger(__name__)

MIRROR_ROOT = Path(os.environ.get("MIRROR_ROOT", "/srv/{w}/mirrors"))
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{{1,40}}$")
SYNC_TIMEOUT = {c.pick(600, 900, 1800)}


class SyncError(Exception):
    """Raised when a mirror cannot be created or refreshed."""


@dataclass
class SyncResult:
    name: str
    path: str
    seconds: float
    bytes_on_disk: int


def _disk_usage(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def list_mirrors() -> list[dict]:
    """Name, size and last modification of every mirror, for the status page."""
    out = []
    if not MIRROR_ROOT.exists():
        return out
    for entry in sorted(MIRROR_ROOT.iterdir()):
        if entry.is_dir() and NAME_RE.match(entry.name):
            out.append({{"name": entry.name, "bytes": _disk_usage(entry), "mtime": entry.stat().st_mtime}})
    return out


def remove_mirror(name: str) -> bool:
    if not NAME_RE.match(name):
        raise SyncError(f"invalid mirror name: {{name!r}}")
    target = MIRROR_ROOT / name
    if target.exists():
        shutil.rmtree(target)
        log.info("removed mirror %s", name)
        return True
    return False

{task_deco}
def sync_mirror(name: str, {x}: str) -> SyncResult:
    dest = MIRROR_ROOT / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    {check}
    started = time.monotonic()
    {{SINK}}
    log.info("syncing %s into %s", {x}, dest)
    proc = subprocess.run({cmd}, capture_output=True, text=True, timeout=SYNC_TIMEOUT)  #@V
    if proc.returncode != 0:
        log.error("sync of %s failed: %s", name, proc.stderr[-2000:])
        raise SyncError(f"sync failed with exit code {{proc.returncode}}")
    return SyncResult(name, str(dest), time.monotonic() - started, _disk_usage(dest)){entry}
'''
    v = tmpl.replace("{SINK}", vline)
    s = tmpl.replace("{SINK}", sline)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes=f"the client-supplied source is passed to {tool} as a positional argument without a "
                      "preceding --, so a value starting with - is parsed as an option (e.g. -e / --config) "
                      "that runs a command")


# ---------------- CWE-94: notification renderer that splices user text into a template source ----------------


@fam("mod-ssti-notification-renderer", "CWE-94", fws=["flask", "celery"], n=6, wrap=False)
def mod_ssti_notification(c):
    w, Wc = W(c)
    x = c.pick("intro", "custom_text", "message")
    eng = c.pick("jinja", "mako")
    tv = c.n("tmpl")
    if eng == "jinja":
        eimp = "from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape"
        env = ('env = Environment(\n    loader=FileSystemLoader(TEMPLATE_DIR),\n    autoescape=select_autoescape(["html"], default_for_string=False),\n'
               '    undefined=StrictUndefined,\n)')
        load = 'return env.get_template(name).render(**context)'
        vs = (f'{tv} = "Hello {{{{ recipient.first_name }}}},\\n\\n" + {x} + "\\n\\n-- {{{{ org.name }}}}"  #@V\n'
              f'    body = env.from_string({tv}).render(recipient=recipient, org=org)  #@V')
        ss = (f'{tv} = "Hello {{{{ recipient.first_name }}}},\\n\\n{{{{ {x} }}}}\\n\\n-- {{{{ org.name }}}}"\n'
              f'    body = env.from_string({tv}).render(recipient=recipient, org=org, {x}={x})')
    else:
        eimp = "from mako.lookup import TemplateLookup\nfrom mako.template import Template"
        env = 'lookup = TemplateLookup(directories=[str(TEMPLATE_DIR)], strict_undefined=True)'
        load = 'return lookup.get_template(name).render(**context)'
        vs = (f'{tv} = "Hello ${{recipient.first_name}},\\n\\n" + {x} + "\\n\\n-- ${{org.name}}"  #@V\n'
              f'    body = Template({tv}).render(recipient=recipient, org=org)  #@V')
        ss = (f'{tv} = "Hello ${{recipient.first_name}},\\n\\n${{{x}}}\\n\\n-- ${{org.name}}"\n'
              f'    body = Template({tv}).render(recipient=recipient, org=org, {x}={x})')
    if c.fw == "flask":
        fimp = "from flask import Flask, abort, jsonify, request"
        entry = f'''

app = Flask(__name__)


@app.post("/{w}s/<int:{w}_id>/notify/preview")
def preview_notification({w}_id: int):
    data = request.get_json(force=True)
    recipient = Recipient.from_dict(data["recipient"])
    {x} = str(data.get("{x}", ""))[:MAX_TEXT]  #@S
    org = Org(name=data.get("org_name", DEFAULT_ORG), support_email=SUPPORT_EMAIL)
    if not recipient.email or "@" not in recipient.email:
        abort(400, "recipient e-mail required")
    return jsonify(subject=subject_for({w}_id), body=compose(recipient, org, {x}))'''
    else:
        fimp = "from celery import Celery"
        entry = f'''

app = Celery("{w}_notifications")


@app.task(bind=True, max_retries=5, default_retry_delay=30)
def send_notification(self, payload: dict) -> str:
    recipient = Recipient.from_dict(payload["recipient"])
    {x} = payload.get("{x}", "")[:MAX_TEXT]  #@S
    org = Org(name=payload.get("org_name", DEFAULT_ORG), support_email=SUPPORT_EMAIL)
    msg = EmailMessage()
    msg["To"] = recipient.email
    msg["From"] = SUPPORT_EMAIL
    msg["Subject"] = subject_for(payload["{w}_id"])
    msg.set_content(compose(recipient, org, {x}))
    try:
        with smtplib.SMTP(SMTP_HOST, 587, timeout=20) as smtp:
            smtp.starttls()
            smtp.send_message(msg)
    except OSError as exc:
        raise self.retry(exc=exc)
    log.info("notification sent to %s", recipient.email)
    return msg["Subject"]'''
    helper_order = [f'''


def subject_for({w}_id: int) -> str:
    return f"Update on your {w} #{{{w}_id}}"''', f'''


def render_named(name: str, **context) -> str:
    """Render one of the stored templates shipped with the application."""
    if name not in KNOWN_TEMPLATES:
        raise KeyError(name)
    {load}''', '''


def to_html(text: str) -> str:
    """HTML alternative of a plain-text body for multipart mails."""
    paragraphs = [html.escape(p).replace("\\n", "<br>") for p in text.split("\\n\\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs if p.strip())''']
    c.rng.shuffle(helper_order)
    tmpl = f'''"""Composition of {w} notification e-mails."""
from __future__ import annotations

import html
import logging
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

{fimp}
{eimp}

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates" / "{w}"
KNOWN_TEMPLATES = {{"created.txt", "updated.txt", "closed.txt"}}
SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@example.com")
DEFAULT_ORG = "{c.pick("Acme", "Northwind", "Globex")}"
MAX_TEXT = {c.pick(1000, 2000, 4000)}

{env}


@dataclass
class Recipient:
    email: str
    first_name: str
    locale: str = "en"

    @classmethod
    def from_dict(cls, data: dict) -> "Recipient":
        return cls(email=data["email"].strip(), first_name=data.get("first_name", "").strip() or "there",
                   locale=data.get("locale", "en"))


@dataclass
class Org:
    name: str
    support_email: str
{"".join(helper_order)}


def compose(recipient: Recipient, org: Org, {x}: str) -> str:
    """The e-mail body: a greeting, the sender's own text and the signature."""
    {{SINK}}
    log.debug("composed %d characters for %s", len(body), recipient.email)
    return body.strip() + "\\n"
{entry}
'''
    v = tmpl.replace("{SINK}", vs)
    s = tmpl.replace("{SINK}", ss)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the sender's free text is concatenated into the template source, so template expressions "
                      "in it are evaluated by the engine (server-side template injection); the fix passes it as a "
                      "template variable")


# ---------------- CWE-22: export download view joining a request value to a per-user directory ----------------


@fam("mod-pt-export-download", "CWE-22", fws=["django", "fastapi"], n=6, wrap=False)
def mod_pt_export_download(c):
    w, Wc = W(c)
    x = c.pick("filename", "name", "export_name")
    pv = c.n("path")
    fmts = c.pick('{"csv", "xlsx", "json"}', '{"csv", "pdf"}', '{"csv", "json", "zip"}')
    if c.fw == "django":
        fimp = ("from django.conf import settings\nfrom django.contrib.auth.decorators import login_required\n"
                "from django.http import FileResponse, Http404, JsonResponse\n"
                "from django.views.decorators.http import require_GET")
        vimp, simp = "", "from django.utils._os import safe_join\n"
        vs = f'{pv} = os.path.join(_user_dir(request.user.pk), {x})  #@V'
        ss = f'{pv} = safe_join(_user_dir(request.user.pk), {x})'
        body = f'''

def _user_dir(user_id: int) -> str:
    return os.path.join(EXPORT_ROOT, str(user_id))


@login_required
@require_GET
def list_exports(request):
    base = _user_dir(request.user.pk)
    if not os.path.isdir(base):
        return JsonResponse({{"exports": []}})
    infos = [asdict(_describe(os.path.join(base, n))) for n in sorted(os.listdir(base))]
    return JsonResponse({{"exports": [i for i in infos if i["fmt"] in ALLOWED_FORMATS]}})


@login_required
@require_GET
def download_export(request):
    {x} = request.GET.get("file", "")  #@S
    if not {x}:
        return JsonResponse({{"error": "file is required"}}, status=400)
    fmt = os.path.splitext({x})[1].lstrip(".").lower()
    if fmt not in ALLOWED_FORMATS:
        return JsonResponse({{"error": "unsupported format"}}, status=400)
    {{SINK}}
    if not os.path.isfile({pv}):
        raise Http404("no such export")
    log.info("user %s downloads %s", request.user.pk, {x})
    return FileResponse(open({pv}, "rb"), as_attachment=True, filename=os.path.basename({pv}))'''
        root = 'EXPORT_ROOT = os.path.join(settings.MEDIA_ROOT, "{w}_exports")'.replace("{w}", w)
    else:
        fimp = ("from fastapi import Depends, FastAPI, HTTPException\nfrom fastapi.responses import FileResponse\n\n"
                "from .auth import User, current_user")
        vimp = simp = ""
        vs = f'{pv} = _user_dir(user.id) / {x}  #@V'
        ss = (f'{pv} = (_user_dir(user.id) / {x}).resolve()\n'
              f'    if not {pv}.is_relative_to(_user_dir(user.id).resolve()):\n'
              f'        raise HTTPException(status_code=404, detail="no such export")')
        body = f'''

app = FastAPI()


def _user_dir(user_id: int) -> Path:
    return Path(EXPORT_ROOT) / str(user_id)


@app.get("/{w}s/exports")
def list_exports(user: User = Depends(current_user)) -> dict:
    base = _user_dir(user.id)
    if not base.is_dir():
        return {{"exports": []}}
    infos = [asdict(_describe(str(p))) for p in sorted(base.iterdir())]
    return {{"exports": [i for i in infos if i["fmt"] in ALLOWED_FORMATS]}}


@app.get("/{w}s/exports/download")
def download_export(file: str, user: User = Depends(current_user)):
    {x} = file.strip()  #@S
    if not {x}:
        raise HTTPException(status_code=400, detail="file is required")
    fmt = os.path.splitext({x})[1].lstrip(".").lower()
    if fmt not in ALLOWED_FORMATS:
        raise HTTPException(status_code=400, detail="unsupported format")
    {{SINK}}
    if not {pv}.is_file():
        raise HTTPException(status_code=404, detail="no such export")
    log.info("user %s downloads %s", user.id, {x})
    return FileResponse({pv}, filename={pv}.name)'''
        root = f'EXPORT_ROOT = os.environ.get("EXPORT_ROOT", "/srv/{w}/exports")'
    extras = [f'''


def purge_old_exports(max_age_days: int = RETENTION_DAYS) -> int:
    """Called from the nightly cron job."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=max_age_days)
    removed = 0
    for dirpath, _dirs, files in os.walk(EXPORT_ROOT):
        for fname in files:
            full = os.path.join(dirpath, fname)
            if datetime.fromtimestamp(os.path.getmtime(full), timezone.utc) < cutoff:
                os.remove(full)
                removed += 1
    log.info("purged %d old {w} exports", removed)
    return removed''', f'''


def export_filename(kind: str, fmt: str) -> str:
    """Name under which the export job stores a finished file."""
    if fmt not in ALLOWED_FORMATS:
        raise ValueError(fmt)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{w}-{{kind}}-{{stamp}}.{{fmt}}"''']
    c.rng.shuffle(extras)
    extra = "".join(extras)
    tmpl = f'''"""Download endpoints for generated {w} exports."""
from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

{fimp}
{{IMP}}
log = logging.getLogger(__name__)

{root}
ALLOWED_FORMATS = {fmts}
RETENTION_DAYS = {c.pick(7, 14, 30)}


@dataclass
class ExportInfo:
    name: str
    fmt: str
    size: int
    created: str


def _describe(path: str) -> ExportInfo:
    st = os.stat(path)
    return ExportInfo(
        name=os.path.basename(path),
        fmt=os.path.splitext(path)[1].lstrip(".").lower(),
        size=st.st_size,
        created=datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat(),
    ){extra}{body}
'''
    v = tmpl.replace("{IMP}", vimp).replace("{SINK}", vs)
    s = tmpl.replace("{IMP}", simp).replace("{SINK}", ss)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the requested file name is joined to the user's export directory without normalising it, "
                      "so ../<other user id>/<file> reads another user's export (the extension check does not help)")


@hardneg(3)
def mod_pt_export_download_hn(c):
    w, Wc = W(c)
    dest_name = c.pick("dest", "target_dir", "out_dir")
    s = f'''"""Imports {w} bundles (tar archives uploaded by partners) into the shared library."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("{w}-import")

LIBRARY = Path(os.environ.get("{w.upper()}_LIBRARY", "/srv/{w}/library"))
MAX_MEMBERS = {c.pick(500, 1000, 2000)}
MAX_TOTAL = {c.pick(200, 500)} * 1024 * 1024
ALLOWED_SUFFIXES = {{".json", ".csv", ".png", ".jpg", ".txt"}}


class BundleError(Exception):
    """Raised for archives that cannot be imported."""


@dataclass
class ImportReport:
    bundle: str
    extracted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _checked_members(tar: tarfile.TarFile, {dest_name}: Path, report: ImportReport) -> list[tarfile.TarInfo]:
    root = {dest_name}.resolve()
    members, total = [], 0
    for member in tar.getmembers():
        if len(members) >= MAX_MEMBERS:
            raise BundleError("too many members")
        target = (root / member.name).resolve()
        if not target.is_relative_to(root) or not (member.isfile() or member.isdir()):
            report.skipped.append(member.name)
            continue
        if member.isfile() and Path(member.name).suffix.lower() not in ALLOWED_SUFFIXES:
            report.skipped.append(member.name)
            continue
        total += member.size
        if total > MAX_TOTAL:
            raise BundleError("bundle too large")
        members.append(member)
    return members


def import_bundle(path: Path) -> ImportReport:
    report = ImportReport(bundle=path.name)
    {dest_name} = LIBRARY / path.stem
    {dest_name}.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:*") as tar:
        members = _checked_members(tar, {dest_name}, report)
        tar.extractall({dest_name}, members=members)
    report.extracted = [m.name for m in members if m.isfile()]
    log.info("%s: %d files extracted, %d skipped", path.name, len(report.extracted), len(report.skipped))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import {w} bundles")
    parser.add_argument("bundles", nargs="+", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    status = 0
    for bundle in args.bundles:
        try:
            import_bundle(bundle)
        except (BundleError, tarfile.TarError, OSError) as exc:
            log.error("%s rejected: %s", bundle, exc)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
'''
    return Spec(v="", s=s, full=True, fw="cli",
                notes="extractall only receives members whose resolved target stays inside the destination and "
                      "that are plain files or directories (no links, no devices)")


# ---------------- CWE-918: feed importer client fetching a caller-supplied URL ----------------


@fam("mod-ssrf-feed-importer", "CWE-918", fws=["fastapi", "celery"], n=6, wrap=False)
def mod_ssrf_feed_importer(c):
    w, Wc = W(c)
    resp = c.n("resp")
    lib = c.pick("requests", "httpx")
    hosts = c.pick(f'"feeds.partner-a.com", "api.partner-b.io"', f'"export.{w}hub.net", "feeds.partner-a.com"')
    if lib == "requests":
        init = ("self.http = requests.Session()\n        self.http.headers[\"User-Agent\"] = USER_AGENT")
        get = f"{resp} = self.http.get(url, timeout=self.timeout, stream=True, allow_redirects=False)  #@V"
        read = f"data = {resp}.raw.read(MAX_BYTES + 1, decode_content=True)"
        exc = "requests.RequestException"
    else:
        init = "self.http = httpx.Client(timeout=timeout, headers={\"User-Agent\": USER_AGENT})"
        get = f"{resp} = self.http.get(url, follow_redirects=False)  #@V"
        read = f"data = {resp}.content"
        exc = "httpx.HTTPError"
    guard = ('        if parts.hostname not in PARTNER_HOSTS:\n'
             '            raise FeedError(f"feed host not allowed: {parts.hostname}")\n')
    if c.fw == "fastapi":
        fimp = "from fastapi import FastAPI, HTTPException\nfrom pydantic import BaseModel"
        entry = f'''


app = FastAPI(title="{Wc} imports")


class ImportRequest(BaseModel):
    feed_url: str
    dry_run: bool = False


@app.post("/{w}s/imports")
def start_import(body: ImportRequest) -> dict:
    url = body.feed_url.strip()  #@S
    try:
        summary = import_feed(url, dry_run=body.dry_run)
    except ({exc}, FeedError, ValueError) as exc:
        raise HTTPException(status_code=400, detail=f"import failed: {{exc.__class__.__name__}}")
    return asdict(summary)'''
    else:
        fimp = "from celery import Celery"
        entry = f'''


app = Celery("{w}_imports")


@app.task(bind=True, max_retries=3, default_retry_delay=120)
def import_feed_task(self, payload: dict) -> dict:
    url = payload["feed_url"]  #@S
    try:
        return asdict(import_feed(url, dry_run=payload.get("dry_run", False)))
    except {exc} as exc:
        raise self.retry(exc=exc)'''
    tmpl = f'''"""Imports partner {w} feeds (JSON) on demand."""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlparse

import {lib}
{fimp}

log = logging.getLogger(__name__)

PARTNER_HOSTS = frozenset({{{hosts}}})
MAX_BYTES = {c.pick(2, 5, 10)} * 1024 * 1024
TIMEOUT = {c.pick(5, 10, 15)}
USER_AGENT = "{w}-importer/2.{c.pick(1, 3, 4)}"
NON_PARTNER_LIMIT = 50


class FeedError(Exception):
    """The feed could not be fetched or parsed."""


@dataclass
class FeedItem:
    external_id: str
    title: str
    updated: str


@dataclass
class ImportSummary:
    source: str
    partner: bool
    fetched: int = 0
    imported: list[str] = field(default_factory=list)
    finished_at: str = ""


class FeedClient:
    def __init__(self, timeout: int = TIMEOUT) -> None:
        self.timeout = timeout
        {init}

    def fetch(self, url: str) -> bytes:
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FeedError(f"unsupported feed URL scheme: {{parts.scheme}}")
{{GUARD}}        {get}
        {resp}.raise_for_status()
        {read}
        if len(data) > MAX_BYTES:
            raise FeedError("feed too large")
        return data

    @staticmethod
    def parse(data: bytes) -> list[FeedItem]:
        doc = json.loads(data)
        items = []
        for entry in doc.get("items", []):
            try:
                items.append(FeedItem(str(entry["id"]), str(entry.get("title", ""))[:200], entry.get("updated", "")))
            except KeyError:
                log.warning("feed entry without id skipped")
        return items


def import_feed(url: str, dry_run: bool = False, client: FeedClient | None = None) -> ImportSummary:
    client = client or FeedClient()
    summary = ImportSummary(source=url, partner=urlparse(url).hostname in PARTNER_HOSTS)
    items = client.parse(client.fetch(url))
    summary.fetched = len(items)
    if not summary.partner:
        items = items[:NON_PARTNER_LIMIT]
    for item in items:
        if not dry_run:
            log.debug("upserting {w} %s", item.external_id)
        summary.imported.append(item.external_id)
    summary.finished_at = datetime.now(timezone.utc).isoformat()
    log.info("imported %d of %d items from %s", len(summary.imported), summary.fetched, url)
    return summary{entry}
'''
    v = tmpl.replace("{GUARD}", "")
    s = tmpl.replace("{GUARD}", guard)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the caller-supplied feed URL is fetched after only a scheme check, so the server can be made "
                      "to request internal hosts (metadata service, admin ports); partner hosts only affect a limit")


# ---------------- CWE-611: supplier invoice loader with an entity-resolving lxml parser ----------------


@fam("mod-xxe-invoice-loader", "CWE-611", fws=["cli", "flask"], n=6, wrap=False)
def mod_xxe_invoice_loader(c):
    w, Wc = W(c)
    shape = c.pick("resolve", "dtd")
    if shape == "resolve":
        vp = "parser = etree.XMLParser(resolve_entities=True, remove_blank_text=True)  #@V"
        sp = "parser = etree.XMLParser(resolve_entities=False, remove_blank_text=True)"
    else:
        vp = "parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=False)  #@V"
        sp = "parser = etree.XMLParser(load_dtd=False, resolve_entities=False, no_network=True)"
    root_v = c.pick("root", "doc", "tree")
    if c.fw == "cli":
        fimp = "import argparse\nimport shutil\nimport sys"
        entry = f'''


def process_inbox(db: sqlite3.Connection, inbox: Path) -> int:
    failures = 0
    for path in sorted(inbox.glob("*.xml")):
        data = path.read_bytes()  #@S
        try:
            store(db, parse_invoice(data))
            shutil.move(str(path), str(DONE / path.name))
        except (etree.XMLSyntaxError, ValueError) as exc:
            log.error("%s rejected: %s", path.name, exc)
            failures += 1
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load supplier invoices")
    parser.add_argument("--inbox", type=Path, default=INBOX)
    parser.add_argument("--db", default=DB_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    DONE.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(args.db) as db:
        return 1 if process_inbox(db, args.inbox) else 0


if __name__ == "__main__":
    sys.exit(main())'''
    else:
        fimp = "from flask import Flask, abort, jsonify, request"
        entry = f'''


app = Flask(__name__)


@app.post("/suppliers/invoices")
def upload_invoice():
    if request.content_type not in ("application/xml", "text/xml"):
        abort(415)
    data = request.get_data(cache=False)  #@S
    if len(data) > MAX_BYTES:
        abort(413)
    try:
        invoice = parse_invoice(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return jsonify(error=str(exc)), 400
    with sqlite3.connect(DB_PATH) as db:
        store(db, invoice)
    return jsonify(number=invoice.number, total=str(invoice.total)), 201'''
    tmpl = f'''"""Loads supplier {w} invoices delivered as XML into the accounting database."""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree
{fimp}

log = logging.getLogger(__name__)

NS = {{"inv": "urn:example:{w}:invoice:{c.pick(1, 2, 3)}"}}
INBOX = Path("/srv/sftp/{w}/inbox")
DONE = Path("/srv/sftp/{w}/processed")
DB_PATH = "accounting.db"
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class InvoiceLine:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class Invoice:
    number: str
    supplier: str
    issued: str
    lines: list[InvoiceLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((l.unit_price * l.quantity for l in self.lines), Decimal("0"))


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, NS)
    if found is None or not (found.text or "").strip():
        raise ValueError(f"missing element {{path}}")
    return found.text.strip()


def parse_invoice(data: bytes) -> Invoice:
    {{PARSER}}
    {root_v} = etree.fromstring(data, parser)  #@V
    invoice = Invoice(_text({root_v}, "inv:Number"), _text({root_v}, "inv:Supplier"), _text({root_v}, "inv:IssueDate"))
    for line in {root_v}.iterfind("inv:Line", NS):
        try:
            invoice.lines.append(InvoiceLine(_text(line, "inv:SKU"), int(_text(line, "inv:Qty")),
                                             Decimal(_text(line, "inv:UnitPrice"))))
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"invoice {{invoice.number}}: bad line: {{exc}}") from exc
    if not invoice.lines:
        raise ValueError(f"invoice {{invoice.number}} has no lines")
    return invoice


def store(db: sqlite3.Connection, invoice: Invoice) -> None:
    db.execute(
        "INSERT INTO invoices (number, supplier, issued, total) VALUES (?, ?, ?, ?)",
        (invoice.number, invoice.supplier, invoice.issued, str(invoice.total)),
    )
    db.executemany(
        "INSERT INTO invoice_lines (number, sku, qty, unit_price) VALUES (?, ?, ?, ?)",
        [(invoice.number, l.sku, l.quantity, str(l.unit_price)) for l in invoice.lines],
    )
    log.info("stored invoice %s from %s (%s)", invoice.number, invoice.supplier, invoice.total){entry}
'''
    v = tmpl.replace("{PARSER}", vp)
    s = tmpl.replace("{PARSER}", sp)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="supplier XML is parsed with an lxml parser that resolves external entities, so a DOCTYPE "
                      "can read local files into invoice fields (XXE)")


# ---------------- CWE-502: change-event consumer decoding message bodies ----------------


@fam("mod-deser-event-consumer", "CWE-502", fws=["kafka", "sqs", "kafka"], n=6, wrap=False)
def mod_deser_event_consumer(c):
    w, Wc = W(c)
    pv = c.n("data")
    shape = c.pick("pickle", "yaml", "yaml_unsafe")
    if shape == "pickle":
        vimp, simp = "import pickle\n", ""
        vs = f"{pv} = pickle.loads(raw)  #@V"
        ss = f"{pv} = json.loads(raw)"
    elif shape == "yaml":
        vimp = simp = "import yaml\n"
        vs = f"{pv} = yaml.load(raw, Loader=yaml.Loader)  #@V"
        ss = f"{pv} = yaml.safe_load(raw)"
    else:
        vimp = simp = "import yaml\n"
        vs = f"{pv} = yaml.unsafe_load(raw)  #@V"
        ss = f"{pv} = yaml.safe_load(raw)"
    if c.fw == "kafka":
        fimp = "from kafka import KafkaConsumer"
        loop = f'''def run() -> None:
    consumer = KafkaConsumer(
        TOPIC,
        bootstrap_servers=os.environ.get("KAFKA_BROKERS", "localhost:9092").split(","),
        group_id="{w}-indexer",
        enable_auto_commit=False,
        max_poll_records=BATCH,
    )
    index = SearchIndex(os.environ.get("INDEX_DIR", "/var/lib/{w}/index"))
    signal.signal(signal.SIGTERM, _stop)
    log.info("consuming %s", TOPIC)
    while not STOP:
        for records in consumer.poll(timeout_ms=1000).values():
            for record in records:
                raw = record.value  #@S
                try:
                    index.apply(decode(raw))
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("skipping offset %s: %s", record.offset, exc)
        consumer.commit()
    consumer.close()'''
    else:
        fimp = "import base64\n\nimport boto3"
        loop = f'''def run() -> None:
    sqs = boto3.client("sqs")
    queue_url = os.environ["{w.upper()}_QUEUE_URL"]
    index = SearchIndex(os.environ.get("INDEX_DIR", "/var/lib/{w}/index"))
    signal.signal(signal.SIGTERM, _stop)
    while not STOP:
        resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=20)
        for msg in resp.get("Messages", []):
            raw = base64.b64decode(msg["Body"])  #@S
            try:
                index.apply(decode(raw))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("dropping message %s: %s", msg["MessageId"], exc)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])'''
    tmpl = f'''"""Consumes {w} change events and keeps the local search index up to date."""
from __future__ import annotations

import json
import logging
import os
{{IMP}}import signal
from dataclasses import dataclass, field
from pathlib import Path

{fimp}

log = logging.getLogger("{w}-indexer")

TOPIC = "{w}-changes"
BATCH = {c.pick(50, 100, 250)}
ACTIONS = {{"created", "updated", "deleted"}}
STOP = False


def _stop(signum, frame) -> None:
    global STOP
    STOP = True


@dataclass
class ChangeEvent:
    id: str
    action: str
    fields: dict = field(default_factory=dict)
    version: int = 0


def decode(raw: bytes) -> ChangeEvent:
    {{SINK}}
    if not isinstance({pv}, dict):
        raise ValueError("event must be a mapping")
    action = {pv}.get("action")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {{action!r}}")
    return ChangeEvent(id=str({pv}["id"]), action=action, fields=dict({pv}.get("fields") or {{}}),
                       version=int({pv}.get("version", 0)))


class SearchIndex:
    """A tiny JSON-file index: one document per {w}."""

    def __init__(self, directory: str) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, doc_id: str) -> Path:
        safe = "".join(ch for ch in doc_id if ch.isalnum() or ch in "-_")
        if not safe:
            raise ValueError("empty document id")
        return self.dir / f"{{safe}}.json"

    def apply(self, event: ChangeEvent) -> None:
        path = self._path(event.id)
        if event.action == "deleted":
            path.unlink(missing_ok=True)
            log.info("removed %s", event.id)
            return
        current = json.loads(path.read_text()) if path.exists() else {{"version": -1}}
        if event.version <= current.get("version", -1):
            log.debug("stale event for %s ignored", event.id)
            return
        path.write_text(json.dumps({{"version": event.version, **event.fields}}, sort_keys=True))
        log.info("indexed %s v%d", event.id, event.version)


{loop}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run()
'''
    v = tmpl.replace("{IMP}", vimp).replace("{SINK}", vs)
    s = tmpl.replace("{IMP}", simp).replace("{SINK}", ss)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="message bodies from the broker are deserialized with a loader that can construct arbitrary "
                      "Python objects, so anyone able to publish to the topic/queue runs code in the consumer")


@hardneg(3)
def mod_deser_event_consumer_hn(c):
    w, Wc = W(c)
    s = f'''"""Loads the {w} pipeline configuration and a signed local cache of lookup tables."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

CONFIG_PATH = Path(os.environ.get("{w.upper()}_CONFIG", "/etc/{w}/pipeline.yaml"))
CACHE_PATH = Path(os.environ.get("{w.upper()}_CACHE", "/var/cache/{w}/lookups.json"))
CACHE_KEY = os.environ.get("{w.upper()}_CACHE_KEY", "").encode()
DEFAULT_BATCH = {c.pick(100, 500, 1000)}


@dataclass
class StepConfig:
    name: str
    kind: str
    options: dict = field(default_factory=dict)


@dataclass
class PipelineConfig:
    source: str
    batch_size: int = DEFAULT_BATCH
    steps: list[StepConfig] = field(default_factory=list)


def load_config(path: Path = CONFIG_PATH) -> PipelineConfig:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {{}}
    if not isinstance(raw, dict) or "source" not in raw:
        raise ValueError(f"{{path}}: a mapping with 'source' is required")
    steps = [StepConfig(s["name"], s.get("kind", "map"), dict(s.get("options") or {{}})) for s in raw.get("steps", [])]
    return PipelineConfig(source=str(raw["source"]), batch_size=int(raw.get("batch_size", DEFAULT_BATCH)), steps=steps)


def _sign(body: bytes) -> str:
    return hmac.new(CACHE_KEY, body, hashlib.sha256).hexdigest()


def save_cache(tables: dict[str, dict]) -> None:
    body = json.dumps(tables, sort_keys=True).encode()
    CACHE_PATH.parent.mkdir(parents=True, exist_ok=True)
    CACHE_PATH.write_text(json.dumps({{"sig": _sign(body), "body": body.decode()}}))


def load_cache() -> dict[str, dict]:
    if not CACHE_PATH.exists() or not CACHE_KEY:
        return {{}}
    envelope = json.loads(CACHE_PATH.read_text())
    body = envelope.get("body", "").encode()
    if not hmac.compare_digest(envelope.get("sig", ""), _sign(body)):
        log.warning("lookup cache signature mismatch, ignoring %s", CACHE_PATH)
        return {{}}
    return json.loads(body)


def describe(config: PipelineConfig) -> str:
    names = ", ".join(f"{{s.name}}({{s.kind}})" for s in config.steps) or "no steps"
    return f"{{config.source}} -> {{names}} [batch={{config.batch_size}}]"


def dump_config(config: PipelineConfig) -> str:
    data = {{"source": config.source, "batch_size": config.batch_size,
            "steps": [{{"name": s.name, "kind": s.kind, "options": s.options}} for s in config.steps]}}
    return yaml.safe_dump(data, sort_keys=False)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    cfg = load_config()
    log.info("pipeline: %s", describe(cfg))
    log.info("%d lookup tables cached", len(load_cache()))
'''
    return Spec(v="", s=s, full=True, fw="script",
                notes="YAML is read with safe_load/safe_dump and the cache is plain JSON checked with an HMAC; "
                      "no loader can build arbitrary objects")


# ---------------- CWE-90: directory SDK client with one unescaped filter ----------------


@fam("mod-ldapi-directory-client", "CWE-90", fws=["flask", "fastapi", "cli"], n=6, wrap=False)
def mod_ldapi_directory_client(c):
    w, Wc = W(c)
    flt = c.pick("flt", "search_filter", "ldap_filter")
    shape = c.pick("employee", "name", "title")
    if shape == "employee":
        meth, arg, path = "by_employee_number", "number", "employees"
        vs = f'{flt} = f"(&(objectClass=person)(employeeNumber={{number}}))"  #@V'
        ss = f'{flt} = f"(&(objectClass=person)(employeeNumber={{escape_filter_chars(number)}}))"'
        ret = "return self._one({flt})".format(flt=flt)
        rtype = "Person | None"
    elif shape == "name":
        meth, arg, path = "name_prefix", "prefix", "people/suggest"
        vs = f'{flt} = f"(&(objectClass=person)(|(cn={{prefix}}*)(sn={{prefix}}*)))"  #@V'
        ss = (f'prefix = escape_filter_chars(prefix)\n'
              f'        {flt} = f"(&(objectClass=person)(|(cn={{prefix}}*)(sn={{prefix}}*)))"')
        ret = f"return self._many({flt}, limit=20)"
        rtype = "list[Person]"
    else:
        meth, arg, path = "with_title", "title", "people/by-title"
        vs = f'{flt} = "(&(objectClass=person)(title=" + title + "))"  #@V'
        ss = f'{flt} = "(&(objectClass=person)(title=" + escape_filter_chars(title) + "))"'
        ret = f"return self._many({flt})"
        rtype = "list[Person]"
    conv = "asdict(r) if r else None" if shape == "employee" else "[asdict(p) for p in r]"
    if c.fw == "flask":
        fimp = "from flask import Flask, jsonify, request"
        entry = f'''

app = Flask(__name__)
directory = Directory.from_env()


@app.get("/{path}")
def {meth}_view():
    value = request.args.get("{arg}", "").strip()  #@S
    if not value:
        return jsonify(error="{arg} is required"), 400
    r = directory.{meth}(value)
    return jsonify(result={conv})'''
    elif c.fw == "fastapi":
        fimp = "from fastapi import FastAPI, HTTPException"
        entry = f'''

app = FastAPI()
directory = Directory.from_env()


@app.get("/{path}")
def {meth}_view({arg}: str) -> dict:
    value = {arg}.strip()  #@S
    if not value:
        raise HTTPException(status_code=400, detail="{arg} is required")
    r = directory.{meth}(value)
    return {{"result": {conv}}}'''
    else:
        fimp = "import argparse\nimport json\nimport sys"
        entry = f'''

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Directory lookups for the {w} team")
    parser.add_argument("{arg}")
    args = parser.parse_args(argv)
    value = args.{arg}  #@S
    r = Directory.from_env().{meth}(value)
    json.dump({conv}, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())'''
    tmpl = f'''"""Directory client used by the {w} service to resolve people."""
from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass

from ldap3 import ALL, SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars
{fimp}

log = logging.getLogger(__name__)

BASE_DN = os.environ.get("LDAP_BASE_DN", "ou=people,dc=example,dc=com")
ATTRIBUTES = ["uid", "cn", "mail", "departmentNumber", "title", "employeeNumber"]
SIZE_LIMIT = {c.pick(50, 100, 200)}


@dataclass
class Person:
    uid: str
    name: str
    email: str
    department: str
    title: str

    @classmethod
    def from_entry(cls, entry) -> "Person":
        attrs = entry.entry_attributes_as_dict
        first = lambda key: (attrs.get(key) or [""])[0]  # noqa: E731
        return cls(first("uid"), first("cn"), first("mail"), first("departmentNumber"), first("title"))


class Directory:
    def __init__(self, url: str, bind_dn: str, password: str) -> None:
        self.server = Server(url, use_ssl=True, get_info=ALL)
        self.conn = Connection(self.server, bind_dn, password, auto_bind=True, read_only=True)

    @classmethod
    def from_env(cls) -> "Directory":
        return cls(os.environ["LDAP_URL"], os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PASSWORD"])

    def _many(self, search_filter: str, limit: int = SIZE_LIMIT) -> list[Person]:
        self.conn.search(BASE_DN, search_filter, SUBTREE, attributes=ATTRIBUTES, size_limit=limit)
        log.debug("%s -> %d entries", search_filter, len(self.conn.entries))
        return [Person.from_entry(e) for e in self.conn.entries]

    def _one(self, search_filter: str) -> Person | None:
        found = self._many(search_filter, limit=2)
        return found[0] if len(found) == 1 else None

    def by_uid(self, uid: str) -> Person | None:
        return self._one(f"(&(objectClass=person)(uid={{escape_filter_chars(uid)}}))")

    def by_email(self, email: str) -> Person | None:
        return self._one("(&(objectClass=person)(mail=" + escape_filter_chars(email.lower()) + "))")

    def department(self, number: str) -> list[Person]:
        if not number.isdigit():
            raise ValueError("department numbers are numeric")
        return self._many(f"(&(objectClass=person)(departmentNumber={{number}}))")

    def close(self) -> None:
        if self.conn.bound:
            self.conn.unbind()

    def {meth}(self, {arg}: str) -> {rtype}:
        {{SINK}}
        {ret}
{entry}
'''
    v = tmpl.replace("{SINK}", vs)
    s = tmpl.replace("{SINK}", ss)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes=f"{meth} puts the caller's value into the LDAP filter without escape_filter_chars (used by the "
                      "sibling methods), so *, ( and ) change the filter")


# ---------------- CWE-434: attachment upload keeping the client's extension after a magic-byte check ----------------


@fam("mod-upload-attachment-sniff", "CWE-434", fws=["flask", "aiohttp"], n=6, wrap=False)
def mod_upload_attachment_sniff(c):
    w, Wc = W(c)
    stored = c.pick("stored", "stored_name", "disk_name")
    if c.fw == "flask":
        fimp = "from flask import Flask, abort, jsonify, request"
        vext = "ext = os.path.splitext(upload.filename)[1].lower()  #@V"
        handler = f'''app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = MAX_SIZE


@app.post("/{w}s/<int:item_id>/attachments")
def upload_attachment(item_id: int):
    upload = request.files.get("file")  #@S
    if upload is None or not upload.filename:
        abort(400, "file is required")
    head = upload.stream.read(16)
    upload.stream.seek(0)
    kind = sniff(head)
    if kind is None:
        abort(415, "only images and PDF files are accepted")
    {{EXT}}
    {stored} = f"{{uuid.uuid4().hex}}{{ext}}"
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    upload.save(UPLOAD_DIR / {stored})  #@V
    meta = record(item_id, {stored}, (UPLOAD_DIR / {stored}).stat().st_size, kind)
    return jsonify(asdict(meta)), 201'''
    else:
        fimp = "from aiohttp import web"
        vext = "ext = os.path.splitext(field.filename or \"\")[1].lower()  #@V"
        handler = f'''async def upload_attachment(request: web.Request) -> web.Response:
    item_id = int(request.match_info["item_id"])
    reader = await request.multipart()
    field = await reader.next()  #@S
    if field is None or field.name != "file":
        raise web.HTTPBadRequest(text="file is required")
    head = await field.read_chunk(16)
    kind = sniff(head)
    if kind is None:
        raise web.HTTPUnsupportedMediaType(text="only images and PDF files are accepted")
    {{EXT}}
    {stored} = f"{{uuid.uuid4().hex}}{{ext}}"
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    size = len(head)
    with open(UPLOAD_DIR / {stored}, "wb") as fh:  #@V
        fh.write(head)
        while chunk := await field.read_chunk():
            size += len(chunk)
            if size > MAX_SIZE:
                raise web.HTTPRequestEntityTooLarge(max_size=MAX_SIZE, actual_size=size)
            fh.write(chunk)
    meta = record(item_id, {stored}, size, kind)
    return web.json_response(asdict(meta), status=201)


app = web.Application(client_max_size=MAX_SIZE)
app.router.add_post("/{w}s/{{item_id}}/attachments", upload_attachment)'''
    sext = "ext = kind"
    tmpl = f'''"""Attachment uploads for {w}s. Files are served by the web server from UPLOAD_DIR."""
from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

{fimp}

log = logging.getLogger(__name__)

UPLOAD_DIR = Path(os.environ.get("{w.upper()}_UPLOAD_DIR", "/srv/www/{w}/attachments"))
INDEX_FILE = UPLOAD_DIR / "index.jsonl"
MAX_SIZE = {c.pick(5, 10, 20)} * 1024 * 1024
SIGNATURES = {{
    b"\\x89PNG\\r\\n\\x1a\\n": ".png",
    b"\\xff\\xd8\\xff": ".jpg",
    b"GIF87a": ".gif",
    b"GIF89a": ".gif",
    b"%PDF-": ".pdf",
}}


@dataclass
class Attachment:
    {w}_id: int
    stored_name: str
    size: int
    kind: str
    uploaded_at: str


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes, or None for anything that is not an image or a PDF."""
    for signature, suffix in SIGNATURES.items():
        if head.startswith(signature):
            return suffix
    return None


def record(item_id: int, stored_name: str, size: int, kind: str) -> Attachment:
    meta = Attachment(item_id, stored_name, size, kind, datetime.now(timezone.utc).isoformat())
    with INDEX_FILE.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(meta)) + "\\n")
    log.info("{w} %s: stored attachment %s (%d bytes)", item_id, stored_name, size)
    return meta


def attachments_for(item_id: int) -> list[dict]:
    if not INDEX_FILE.exists():
        return []
    with INDEX_FILE.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if r["{w}_id"] == item_id]


{handler}
'''
    v = tmpl.replace("{EXT}", vext)
    s = tmpl.replace("{EXT}", sext)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the magic-byte check passes a polyglot (e.g. GIF89a followed by PHP or HTML) but the file is "
                      "stored in the web-served directory with the client's own extension (.php, .html)")
