"""Validation-only families of whole realistic modules (80-130 lines each).

Each vulnerable module carries exactly one weakness, sitting in ordinary business code
(several functions or a class, docstrings, type hints, logging, constants, dataclasses);
the twin is the minimal fix. The hard negatives are clean modules that use the look-alike
APIs safely. Written independently of the training families; all go to validation
(generate.assign_splits, prefix ``valfiles_``).

Templates use ``string.Template`` placeholders (``${w}`` the domain noun, ``${W}`` capitalized,
``${U}`` upper case, plus per-family ones) so the module text needs no brace escaping.
"""
from string import Template

from core import Spec
from registry import fam, hardneg


def T(c, text, **kw):
    w = c.word
    d = dict(w=w, W=w.capitalize(), U=w.upper())
    d.update(kw)
    return Template(text).substitute(d)


def sub(text, old, new):
    assert old in text, old
    return text.replace(old, new)


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-89: Flask report search with a LIKE clause built from the query ----------------

@fam("vf-flask-search-export", "CWE-89", fws=["flask"], n=4, wrap=False)
def vf_sql_search(c):
    qp = c.pick("q", "term", "search")
    page = c.pick("25", "50", "100")
    shape = c.pick("fstring", "percent", "concat")
    like = {
        "fstring": "clauses.append(f\"title LIKE '%{term}%'\")  #@V",
        "percent": "clauses.append(\"title LIKE '%%%s%%'\" % term)  #@V",
        "concat": "clauses.append(\"title LIKE '%\" + term + \"%'\")  #@V",
    }[shape]
    v = T(c, '''
"""${W} search and CSV export endpoints for the back-office dashboard."""
from __future__ import annotations

import csv
import io
import logging
import sqlite3
from dataclasses import asdict, dataclass
from datetime import date, datetime

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_login import login_required

log = logging.getLogger(__name__)

bp = Blueprint("${w}s", __name__, url_prefix="/api/${w}s")

PAGE_SIZE = $page
EXPORT_COLUMNS = ("id", "title", "status", "owner", "created_at")


@dataclass
class ${W}Row:
    id: int
    title: str
    status: str
    owner: str
    created_at: str


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE_PATH"])
        g.db.row_factory = sqlite3.Row
    return g.db


@bp.teardown_app_request
def close_db(exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None


def search_${w}s(term: str, status: str | None, since: date | None, page: int) -> list[${W}Row]:
    """Active ${w}s matching the filters, newest first."""
    clauses = ["archived = 0"]
    params: list = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if since:
        clauses.append("created_at >= ?")
        params.append(since.isoformat())
    if term:
        $like
    sql = (
        "SELECT id, title, status, owner, created_at FROM ${w}s WHERE "
        + " AND ".join(clauses)
        + " ORDER BY created_at DESC LIMIT ? OFFSET ?"
    )
    params += [PAGE_SIZE, (page - 1) * PAGE_SIZE]
    rows = get_db().execute(sql, params).fetchall()  #@V
    return [${W}Row(**dict(r)) for r in rows]


@bp.get("/search")
@login_required
def search():
    term = request.args.get("$qp", "").strip()  #@S
    status = request.args.get("status") or None
    since = _parse_day(request.args.get("since"))
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows = search_${w}s(term, status, since, page)
    log.info("${w} search returned %d rows (page %d)", len(rows), page)
    return jsonify(items=[asdict(r) for r in rows], page=page)


@bp.get("/export.csv")
@login_required
def export_csv():
    status = request.args.get("status") or None
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    page = 1
    while True:
        rows = search_${w}s("", status, None, page)
        for r in rows:
            writer.writerow(asdict(r))
        if len(rows) < PAGE_SIZE:
            break
        page += 1
    headers = {"Content-Disposition": "attachment; filename=${w}s.csv"}
    return Response(buf.getvalue(), mimetype="text/csv", headers=headers)
''', page=page, like=like, qp=qp)
    s = sub(v, like, 'clauses.append("title LIKE ?")\n        params.append(f"%{term}%")')
    return Spec(v=v, s=_clean(s), full=True, fw="flask",
                notes="the search term is pasted into the LIKE clause of the SQL text; other filters are bound")


@hardneg(3)
def vf_sql_search_hn(c):
    default = c.pick("newest", "oldest", "amount")
    s = T(c, '''
"""Read-only reporting queries for ${w}s (PostgreSQL)."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from decimal import Decimal

import psycopg2
import psycopg2.extras
from flask import Flask, abort, jsonify, request
from flask_login import login_required

log = logging.getLogger("${w}.reports")

app = Flask(__name__)

SORTS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "amount": "total_amount DESC",
    "customer": "customer_name ASC, created_at DESC",
}
DEFAULT_SORT = "$default"
MAX_LIMIT = 500


@dataclass
class ${W}Summary:
    id: int
    customer_name: str
    status: str
    total_amount: Decimal


def _connect():
    return psycopg2.connect(os.environ["REPORTING_DSN"], cursor_factory=psycopg2.extras.RealDictCursor)


def list_${w}s(status: str | None, customer: str | None, sort: str, limit: int) -> list[${W}Summary]:
    """Filtered ${w}s; values are bound, the ORDER BY comes from a fixed table."""
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    where, params = ["deleted_at IS NULL"], []
    if status:
        where.append("status = %s")
        params.append(status)
    if customer:
        where.append("customer_name ILIKE %s")
        params.append(f"%{customer}%")
    sql = (
        "SELECT id, customer_name, status, total_amount FROM ${w}s WHERE "
        + " AND ".join(where)
        + f" ORDER BY {order} LIMIT %s"
    )
    params.append(limit)
    with _connect() as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return [${W}Summary(**row) for row in cur.fetchall()]


def ${w}_totals_by_status(since: str) -> dict[str, Decimal]:
    with _connect() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT status, SUM(total_amount) AS total FROM ${w}s WHERE created_at >= %s GROUP BY status",
            (since,),
        )
        return {row["status"]: row["total"] for row in cur.fetchall()}


@app.get("/reports/${w}s")
@login_required
def report_${w}s():
    try:
        limit = min(MAX_LIMIT, int(request.args.get("limit", "100")))
    except ValueError:
        abort(400)
    rows = list_${w}s(
        request.args.get("status"),
        request.args.get("customer"),
        request.args.get("sort", DEFAULT_SORT),
        limit,
    )
    log.info("report for %d ${w}s", len(rows))
    return jsonify([{**r.__dict__, "total_amount": str(r.total_amount)} for r in rows])


@app.get("/reports/${w}s/totals")
@login_required
def report_totals():
    since = request.args.get("since", "1970-01-01")
    totals = ${w}_totals_by_status(since)
    return jsonify({k: str(v) for k, v in totals.items()})
''', default=default)
    return Spec(v="", s=s, full=True, fw="flask",
                notes="values bound as parameters; ORDER BY taken from a fixed dict, never from the request text")


# ---------------- CWE-78: Celery task shelling out to ImageMagick ----------------

@fam("vf-celery-renditions", "CWE-78", fws=["pipeline"], n=4, wrap=False)
def vf_cmd_celery(c):
    tool = c.pick("convert", "magick")
    opt = c.pick("geometry", "size", "resize")
    q = c.pick("82", "85", "90")
    v = T(c, '''
"""Background jobs that turn uploaded ${w} images into web-friendly renditions."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from celery import Celery

app = Celery("${w}_media", broker=os.environ.get("BROKER_URL", "redis://localhost:6379/0"))
log = logging.getLogger(__name__)

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "/srv/media"))
RENDITIONS = {"thumb": "320x240", "preview": "1280x720"}
CONVERT_TIMEOUT = 120
DEFAULT_QUALITY = $q


@dataclass
class Rendition:
    name: str
    path: Path
    size_bytes: int


def _source_path(upload_id: int, filename: str) -> Path:
    return MEDIA_ROOT / "originals" / str(upload_id) / Path(filename).name


def _output_dir(upload_id: int) -> Path:
    out = MEDIA_ROOT / "renditions" / str(upload_id)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _convert(src: Path, dst: Path, geometry: str, quality: int) -> None:
    cmd = f"$tool {src} -resize {geometry} -quality {quality} {dst}"  #@V
    subprocess.run(cmd, shell=True, check=True, timeout=CONVERT_TIMEOUT)  #@V


@app.task(bind=True, max_retries=3, acks_late=True)
def render_${w}(self, upload_id: int, filename: str, options: dict | None = None) -> list[dict]:
    """Render the standard sizes plus the size the uploader asked for."""
    options = options or {}
    geometry = options.get("$opt") or RENDITIONS["preview"]  #@S
    quality = int(options.get("quality", DEFAULT_QUALITY))
    src = _source_path(upload_id, filename)
    if not src.exists():
        log.warning("upload %s is missing its original %s", upload_id, src.name)
        return []
    out_dir = _output_dir(upload_id)
    done: list[Rendition] = []
    targets = dict(RENDITIONS, custom=geometry)
    for name, geo in targets.items():
        dst = out_dir / f"{name}.jpg"
        try:
            _convert(src, dst, geo, quality)
        except subprocess.TimeoutExpired as exc:
            raise self.retry(exc=exc, countdown=30)
        except subprocess.CalledProcessError:
            log.exception("conversion failed for upload %s rendition %s", upload_id, name)
            continue
        done.append(Rendition(name, dst, dst.stat().st_size))
    log.info("rendered %d renditions for upload %s", len(done), upload_id)
    return [{"name": r.name, "path": str(r.path), "bytes": r.size_bytes} for r in done]


@app.task
def purge_${w}_renditions(upload_id: int) -> int:
    """Remove generated files; the original upload is kept."""
    target = MEDIA_ROOT / "renditions" / str(upload_id)
    if not target.is_dir():
        return 0
    count = sum(1 for p in target.iterdir() if p.is_file())
    shutil.rmtree(target)
    log.info("purged %d renditions for upload %s", count, upload_id)
    return count


@app.task
def rebuild_all(upload_ids: list[int]) -> None:
    for upload_id in upload_ids:
        originals = MEDIA_ROOT / "originals" / str(upload_id)
        for original in sorted(originals.glob("*")):
            render_${w}.delay(upload_id, original.name)
''', tool=tool, opt=opt, q=q)
    s = sub(v, '''    cmd = f"$tool {src} -resize {geometry} -quality {quality} {dst}"  #@V
    subprocess.run(cmd, shell=True, check=True, timeout=CONVERT_TIMEOUT)  #@V'''.replace("$tool", tool),
            f'''    cmd = ["{tool}", str(src), "-resize", geometry, "-quality", str(quality), str(dst)]
    subprocess.run(cmd, check=True, timeout=CONVERT_TIMEOUT)''')
    return Spec(v=v, s=_clean(s), full=True, fw="celery",
                notes="the uploader's geometry option (and file name) are pasted into a shell command line")


@hardneg(3)
def vf_cmd_celery_hn(c):
    fmt = c.pick("custom", "directory", "tar")
    keep = c.pick("7", "14", "30")
    s = T(c, '''
"""Nightly database backup for the ${w} service: pg_dump, compress, prune old dumps."""
from __future__ import annotations

import argparse
import logging
import os
import shlex
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger("${w}_backup")

BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", "/var/backups/${w}"))
KEEP_DAYS = $keep
DUMP_FORMAT = "$fmt"


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run an argument vector (no shell) and log it in a copy-pasteable form."""
    log.info("running: %s", " ".join(shlex.quote(part) for part in cmd))
    return subprocess.run(cmd, check=True, env=_pg_env(), **kw)


def dump(database: str, schema: str | None) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = BACKUP_DIR / f"{database}-{stamp}.dump"
    cmd = ["pg_dump", "--format", DUMP_FORMAT, "--no-owner", "--file", str(target)]
    if schema:
        cmd += ["--schema", schema]
    cmd += ["--", database]
    run(cmd, timeout=3600)
    return target


def verify(dump_path: Path) -> bool:
    if DUMP_FORMAT == "directory":
        return dump_path.is_dir()
    result = run(["pg_restore", "--list", str(dump_path)], capture_output=True, text=True)
    return "TABLE DATA" in result.stdout


def prune(now: datetime) -> list[Path]:
    removed = []
    for p in sorted(BACKUP_DIR.glob("*.dump")):
        age = now - datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc)
        if age.days > KEEP_DAYS and p.is_file():
            p.unlink()
            removed.append(p)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Back up the ${w} database")
    parser.add_argument("database")
    parser.add_argument("--schema")
    parser.add_argument("--no-prune", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    try:
        path = dump(args.database, args.schema)
    except subprocess.CalledProcessError as exc:
        log.error("pg_dump failed with exit code %s", exc.returncode)
        return 1
    if not verify(path):
        log.error("backup %s did not verify", path.name)
        return 2
    if not args.no_prune:
        for old in prune(datetime.now(timezone.utc)):
            log.info("pruned %s", old.name)
    log.info("backup written to %s", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
''', fmt=fmt, keep=keep)
    return Spec(v="", s=s, full=True, fw="script",
                notes="subprocess with argument vectors only; shlex.quote used just for the log line")


# ---------------- CWE-22: FastAPI attachment download joined onto the storage root ----------------

@fam("vf-fastapi-attachments", "CWE-22", fws=["fastapi"], n=4, wrap=False)
def vf_traversal_fastapi(c):
    mb = c.pick("5", "10", "25")
    suffixes = c.pick('".pdf", ".png", ".jpg", ".txt", ".csv"', '".pdf", ".docx", ".xlsx", ".png"',
                      '".pdf", ".jpg", ".jpeg", ".heic"')
    v = T(c, '''
"""Attachment storage for ${w} records: upload, list and download."""
from __future__ import annotations

import logging
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException, UploadFile
from fastapi.responses import FileResponse

from .auth import User, get_current_user
from .records import user_can_access

log = logging.getLogger("${w}.attachments")

ATTACHMENT_ROOT = Path(os.environ.get("ATTACHMENT_ROOT", "/var/lib/${w}s/attachments"))
MAX_UPLOAD_BYTES = $mb * 1024 * 1024
ALLOWED_SUFFIXES = {$suffixes}

router = APIRouter(prefix="/${w}s/{record_id}/attachments", tags=["attachments"])


@dataclass
class AttachmentInfo:
    name: str
    size: int
    modified: str


def _record_dir(record_id: int, user: User) -> Path:
    """The record's attachment folder, after checking the caller may see the record."""
    if not user_can_access(user, "${w}", record_id):
        raise HTTPException(status_code=404, detail="record not found")
    d = ATTACHMENT_ROOT / str(record_id)
    d.mkdir(parents=True, exist_ok=True)
    return d


def _info(p: Path) -> AttachmentInfo:
    st = p.stat()
    ts = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc).isoformat()
    return AttachmentInfo(name=p.name, size=st.st_size, modified=ts)


@router.get("")
def list_attachments(record_id: int, user: User = Depends(get_current_user)) -> list[dict]:
    folder = _record_dir(record_id, user)
    return [asdict(_info(p)) for p in sorted(folder.iterdir()) if p.is_file()]


@router.post("", status_code=201)
async def upload_attachment(record_id: int, file: UploadFile, user: User = Depends(get_current_user)) -> dict:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise HTTPException(status_code=415, detail="unsupported file type")
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="file too large")
    stored = _record_dir(record_id, user) / f"{uuid.uuid4().hex}{suffix}"
    stored.write_bytes(data)
    log.info("user %s stored %s on ${w} %s", user.id, stored.name, record_id)
    return {"name": stored.name, "size": len(data)}


@router.get("/{filename:path}")
def download_attachment(record_id: int, filename: str, user: User = Depends(get_current_user)):  #@S
    folder = _record_dir(record_id, user)
    path = os.path.join(folder, filename)  #@V
    if not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="attachment not found")
    log.info("user %s downloaded %s from ${w} %s", user.id, filename, record_id)
    return FileResponse(path, filename=os.path.basename(path))  #@V


@router.delete("/{name}", status_code=204)
def delete_attachment(record_id: int, name: str, user: User = Depends(get_current_user)) -> None:
    folder = _record_dir(record_id, user)
    target = next((p for p in folder.iterdir() if p.name == name and p.is_file()), None)
    if target is None:
        raise HTTPException(status_code=404, detail="attachment not found")
    target.unlink()
    log.info("user %s deleted %s from ${w} %s", user.id, name, record_id)


app = FastAPI(title="${W} attachments")
app.include_router(router)
''', mb=mb, suffixes=suffixes)
    s = sub(v, '''    folder = _record_dir(record_id, user)
    path = os.path.join(folder, filename)  #@V
    if not os.path.isfile(path):''', '''    folder = _record_dir(record_id, user).resolve()
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder) or not path.is_file():''')
    s = sub(s, "return FileResponse(path, filename=os.path.basename(path))  #@V", "return FileResponse(path, filename=path.name)")
    return Spec(v=v, s=_clean(s), full=True, fw="fastapi",
                notes="the {filename:path} segment is joined onto the record folder without checking it stays inside")


# ---------------- CWE-918: aiohttp link preview fetching any URL ----------------

@fam("vf-aiohttp-link-preview", "CWE-918", fws=["aiohttp"], n=4, wrap=False)
def vf_ssrf_aiohttp(c):
    qp = c.pick("url", "link", "href")
    t = c.pick("5", "8", "10")
    kb = c.pick("256", "512", "1024")
    v = T(c, '''
"""Link previews for ${w} comments: fetch a page and extract its title and Open Graph tags."""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import asdict, dataclass
from html import unescape
from urllib.parse import urlparse

import aiohttp
from aiohttp import web

log = logging.getLogger("${w}.previews")

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=$t)
MAX_BYTES = $kb * 1024
USER_AGENT = "${W}PreviewBot/1.2 (+https://example.com/bot)"
OG_RE = re.compile(r'<meta\\s+property="og:(title|description|image)"\\s+content="([^"]*)"', re.I)
TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
CACHE_LIMIT = 2048


@dataclass
class Preview:
    url: str
    title: str | None = None
    description: str | None = None
    image: str | None = None


def parse_preview(url: str, html: str) -> Preview:
    preview = Preview(url=url)
    m = TITLE_RE.search(html)
    if m:
        preview.title = unescape(m.group(1).strip())[:300]
    for key, value in OG_RE.findall(html):
        setattr(preview, key.lower(), unescape(value)[:500])
    return preview


async def fetch_preview(session: aiohttp.ClientSession, url: str) -> Preview:
    async with session.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False) as resp:  #@V
        if resp.status != 200 or "html" not in resp.headers.get("Content-Type", ""):
            return Preview(url=url)
        body = await resp.content.read(MAX_BYTES)
        charset = resp.charset or "utf-8"
    return parse_preview(url, body.decode(charset, errors="replace"))


async def preview_handler(request: web.Request) -> web.Response:
    url = request.query.get("$qp", "").strip()  #@S
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise web.HTTPBadRequest(text="$qp must be an http(s) URL")
    cache: dict = request.app["preview_cache"]
    if url in cache:
        return web.json_response(asdict(cache[url]))
    try:
        preview = await fetch_preview(request.app["http"], url)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        log.info("preview fetch failed for %s: %s", parsed.hostname, type(exc).__name__)
        raise web.HTTPBadGateway(text="could not fetch the page")
    if len(cache) >= CACHE_LIMIT:
        cache.pop(next(iter(cache)))
    cache[url] = preview
    return web.json_response(asdict(preview))


async def _open_session(app: web.Application) -> None:
    app["http"] = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
    app["preview_cache"] = {}


async def _close_session(app: web.Application) -> None:
    await app["http"].close()


def create_app() -> web.Application:
    app = web.Application()
    app.on_startup.append(_open_session)
    app.on_cleanup.append(_close_session)
    app.router.add_get("/api/${w}s/preview", preview_handler)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=8081)
''', qp=qp, t=t, kb=kb)
    s = sub(v, "import asyncio\n", "import asyncio\nimport ipaddress\n")
    s = sub(s, '''async def fetch_preview(session: aiohttp.ClientSession, url: str) -> Preview:
''', '''async def _resolves_to_public(host: str) -> bool:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


async def fetch_preview(session: aiohttp.ClientSession, url: str) -> Preview:
    if not await _resolves_to_public(urlparse(url).hostname or ""):
        raise web.HTTPForbidden(text="address not allowed")
''')
    return Spec(v=v, s=_clean(s), full=True, fw="aiohttp",
                notes="any http(s) URL from the query is fetched server-side, including internal and metadata hosts")


# ---------------- CWE-502: Kafka consumer unpickling message values ----------------

@fam("vf-kafka-snapshot-consumer", "CWE-502", fws=["pipeline"], n=4, wrap=False)
def vf_deser_kafka(c):
    batch = c.pick("100", "200", "500")
    shape = c.pick("loads", "deser")
    if shape == "loads":
        dec_v = "    data = pickle.loads(raw)  #@V"
        dec_s = '    data = json.loads(raw.decode("utf-8"))'
    else:
        dec_v = "    data = pickle.loads(raw, encoding=\"utf-8\")  #@V"
        dec_s = '    data = json.loads(raw)'
    v = T(c, '''
"""Consumes ${w} snapshots published by the storefront and upserts them into the analytics store."""
from __future__ import annotations

import logging
import os
import pickle
import signal
from dataclasses import dataclass, field

import psycopg2
from kafka import KafkaConsumer

log = logging.getLogger("${w}_consumer")

TOPIC = os.environ.get("${U}_TOPIC", "storefront.${w}s")
GROUP_ID = "analytics-${w}s"
BATCH_SIZE = $batch
UPSERT = (
    "INSERT INTO ${w}_snapshots (id, customer_id, item_count, total_cents, updated_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
    "item_count = EXCLUDED.item_count, total_cents = EXCLUDED.total_cents, updated_at = EXCLUDED.updated_at"
)


@dataclass
class ${W}Snapshot:
    id: str
    customer_id: str
    items: list = field(default_factory=list)
    total_cents: int = 0
    updated_at: str = ""


class Stopper:
    def __init__(self) -> None:
        self.stopped = False
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, *_args) -> None:
        log.info("shutdown requested")
        self.stopped = True


def decode(raw: bytes) -> ${W}Snapshot:
$dec
    return ${W}Snapshot(
        id=str(data["id"]),
        customer_id=str(data["customer_id"]),
        items=list(data.get("items", [])),
        total_cents=int(data.get("total_cents", 0)),
        updated_at=str(data.get("updated_at", "")),
    )


def flush(conn, batch: list[${W}Snapshot]) -> None:
    rows = [(s.id, s.customer_id, len(s.items), s.total_cents, s.updated_at) for s in batch]
    with conn.cursor() as cur:
        cur.executemany(UPSERT, rows)
    conn.commit()
    log.info("upserted %d ${w} snapshots", len(rows))


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    consumer = KafkaConsumer(
        TOPIC,
        group_id=GROUP_ID,
        bootstrap_servers=os.environ.get("KAFKA_BROKERS", "localhost:9092").split(","),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    conn = psycopg2.connect(os.environ["ANALYTICS_DSN"])
    stopper = Stopper()
    batch: list[${W}Snapshot] = []
    try:
        while not stopper.stopped:
            polled = consumer.poll(timeout_ms=1000, max_records=BATCH_SIZE)
            for records in polled.values():
                for record in records:
                    try:
                        batch.append(decode(record.value))  #@S
                    except (KeyError, ValueError) as exc:
                        log.warning("skipping malformed record at offset %s: %s", record.offset, exc)
            if batch:
                flush(conn, batch)
                consumer.commit()
                batch.clear()
    finally:
        consumer.close()
        conn.close()


if __name__ == "__main__":
    main()
''', batch=batch, dec=dec_v)
    s = sub(v, "import pickle\n", "import json\n")
    s = sub(s, "import logging\nimport os\nimport json\n", "import json\nimport logging\nimport os\n")
    s = sub(s, dec_v, dec_s)
    return Spec(v=v, s=_clean(s), full=True, fw="kafka",
                notes="message values from a shared topic are unpickled; anyone who can produce to it runs code")


@hardneg(3)
def vf_deser_kafka_hn(c):
    env = c.pick("PIPELINE_CONFIG", "${U}_SETTINGS", "JOB_CONFIG").replace("${U}", c.word.upper())
    s = T(c, '''
"""Configuration loading for the ${w} pipeline: YAML file, environment overrides, validation."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("${w}.config")

CONFIG_ENV = "$env"
DEFAULT_PATH = Path("/etc/${w}-pipeline/config.yaml")
ENV_PREFIX = "${U}_"


class ConfigError(ValueError):
    pass


@dataclass
class SourceConfig:
    topic: str
    brokers: list[str]
    batch_size: int = 200


@dataclass
class PipelineConfig:
    source: SourceConfig
    sink_dsn: str
    dry_run: bool = False
    tags: dict[str, str] = field(default_factory=dict)


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping")
    return data


def _apply_env(data: dict[str, Any]) -> None:
    """${U}_SOURCE__BATCH_SIZE=500 overrides source.batch_size."""
    for key, value in os.environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        parts = key[len(ENV_PREFIX):].lower().split("__")
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = yaml.safe_load(value)


def load_config(path: str | None = None) -> PipelineConfig:
    cfg_path = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH)
    data = _read(cfg_path)
    _apply_env(data)
    try:
        src = data["source"]
        source = SourceConfig(
            topic=str(src["topic"]),
            brokers=[str(b) for b in src["brokers"]],
            batch_size=int(src.get("batch_size", 200)),
        )
        config = PipelineConfig(
            source=source,
            sink_dsn=str(data["sink_dsn"]),
            dry_run=bool(data.get("dry_run", False)),
            tags={str(k): str(v) for k, v in (data.get("tags") or {}).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{cfg_path}: invalid configuration: {exc}") from exc
    if not 1 <= config.source.batch_size <= 10000:
        raise ConfigError("source.batch_size must be between 1 and 10000")
    log.info("loaded %s (topic %s, dry_run=%s)", cfg_path, config.source.topic, config.dry_run)
    return config


def dump_effective(config: PipelineConfig) -> str:
    return yaml.safe_dump({
        "source": vars(config.source),
        "sink_dsn": "***",
        "dry_run": config.dry_run,
        "tags": config.tags,
    }, sort_keys=True)
''', env=env)
    return Spec(v="", s=s, full=True, fw="script",
                notes="YAML parsed with safe_load only (file and environment overrides)")


# ---------------- CWE-79: Django HTMX fragment built from stored comment text ----------------

@fam("vf-django-comment-fragment", "CWE-79", fws=["django"], n=4, wrap=False)
def vf_xss_django(c):
    per = c.pick("20", "30", "50")
    shape = c.pick("join", "loop")
    line_v = ('        f\'<li class="comment" id="c{cm.pk}"><strong>{cm.author_name}</strong> \'  #@V\n'
              '        f\'<time>{cm.created:%d %b %Y}</time><p>{cm.body}</p></li>\'  #@V')
    line_s = ('        format_html(\n'
              '            \'<li class="comment" id="c{}"><strong>{}</strong> <time>{}</time><p>{}</p></li>\',\n'
              '            cm.pk, cm.author_name, f"{cm.created:%d %b %Y}", cm.body,\n'
              '        )')
    if shape == "join":
        render_v = f"""    items = [
{line_v}
        for cm in comments
    ]
    html = "<ul class=\\"comments\\">" + "".join(items) + "</ul>"
    return HttpResponse(html)  #@V"""
        render_s = render_v.replace(line_v, line_s).replace("  #@V", "")
        render_s = render_s.replace('html = "<ul class=\\"comments\\">" + "".join(items) + "</ul>"',
                                    'html = format_html(\'<ul class="comments">{}</ul>\', mark_safe("".join(items)))')
    else:
        render_v = f"""    parts = ['<ul class="comments">']
    for cm in comments:
        parts.append(
    {line_v.replace(chr(10), chr(10) + '    ')}
        )
    parts.append("</ul>")
    return HttpResponse("".join(parts))  #@V"""
        render_s = render_v.replace(line_v.replace("\n", "\n    "), line_s.replace("\n", "\n    "))
        render_s = render_s.replace("  #@V", "")
        render_s = render_s.replace('return HttpResponse("".join(parts))', 'return HttpResponse(mark_safe("".join(parts)))')
    v = T(c, '''
"""Comment thread on ${w} pages, served as HTML fragments for htmx."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Comment, ${W}

log = logging.getLogger(__name__)

COMMENTS_PER_PAGE = $per
MAX_COMMENT_LENGTH = 4000


@dataclass
class CommentRow:
    pk: int
    author_name: str
    body: str
    created: object


def _rows(${w}: ${W}, page: int) -> list[CommentRow]:
    qs = Comment.objects.filter(${w}=${w}, hidden=False).select_related("author").order_by("-created")
    page_obj = Paginator(qs, COMMENTS_PER_PAGE).get_page(page)
    return [
        CommentRow(pk=cm.pk, author_name=cm.author.get_full_name() or cm.author.username,
                   body=cm.body, created=cm.created)
        for cm in page_obj
    ]


def render_comments(comments: list[CommentRow]) -> HttpResponse:
$render


@require_GET
def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    ${w} = get_object_or_404(${W}, pk=pk, published=True)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return render_comments(_rows(${w}, page))


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    ${w} = get_object_or_404(${W}, pk=pk, published=True)
    body = request.POST.get("body", "").strip()  #@S
    if not body or len(body) > MAX_COMMENT_LENGTH:
        return HttpResponseBadRequest("comment must be 1-4000 characters")
    Comment.objects.create(${w}=${w}, author=request.user, body=body, created=timezone.now())
    log.info("user %s commented on ${w} %s", request.user.pk, ${w}.pk)
    return render_comments(_rows(${w}, 1))


@login_required
@require_POST
def comment_hide(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_pk, ${w}__pk=pk)
    if comment.author_id != request.user.pk and not request.user.has_perm("comments.moderate"):
        return HttpResponse(status=403)
    comment.hidden = True
    comment.save(update_fields=["hidden"])
    return render_comments(_rows(comment.${w}, 1))
''', per=per, render=render_v)
    s = sub(v, render_v, render_s)
    s = sub(s, "from django.utils import timezone\n",
            "from django.utils import timezone\nfrom django.utils.html import format_html\n"
            "from django.utils.safestring import mark_safe\n")
    return Spec(v=v, s=_clean(s), full=True, fw="django",
                notes="stored comment bodies and author names are pasted into HTML without escaping (stored XSS)")


# ---------------- CWE-601: Flask login that follows ?next= anywhere ----------------

@fam("vf-flask-login-next", "CWE-601", fws=["flask"], n=4, wrap=False)
def vf_redirect_flask(c):
    param = c.pick("next", "return_to", "redirect_to")
    limit = c.pick("5 per minute", "10 per minute", "20 per hour")
    home = c.pick("dashboard.index", "main.home", f"{c.word}s.list_{c.word}s")
    v = T(c, '''
"""Session login and logout for the ${w} portal."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from .models import User, db

log = logging.getLogger("${w}.auth")

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)

HOME_ENDPOINT = "$home"
MAX_FAILURES = 5


@dataclass
class LoginAttempt:
    email: str
    remote_addr: str
    ok: bool
    at: datetime


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _record(attempt: LoginAttempt) -> None:
    level = logging.INFO if attempt.ok else logging.WARNING
    log.log(level, "login %s from %s", "ok" if attempt.ok else "failed", attempt.remote_addr)


def _check_credentials(email: str, password: str) -> User | None:
    user = User.query.filter_by(email=email.lower()).first()
    if user is None or not user.active:
        return None
    if user.failed_logins >= MAX_FAILURES:
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        db.session.commit()
        return None
    user.failed_logins = 0
    user.last_login = datetime.now(timezone.utc)
    db.session.commit()
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("$limit", methods=["POST"])
def login():
    target = request.args.get("$param") or request.form.get("$param")  #@S
    if request.method == "GET":
        return render_template("auth/login.html", $param=target)
    email = request.form.get("email", "").strip()
    user = _check_credentials(email, request.form.get("password", ""))
    _record(LoginAttempt(email, request.remote_addr or "-", user is not None, datetime.now(timezone.utc)))
    if user is None:
        flash("Invalid e-mail or password.", "error")
        return render_template("auth/login.html", $param=target), 401
    session.clear()
    login_user(user, remember=request.form.get("remember") == "on")
    return redirect(target or url_for(HOME_ENDPOINT))  #@V


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("You have been signed out.", "info")
    return redirect(url_for("auth.login"))
''', param=param, limit=limit, home=home)
    s = sub(v, "from datetime import datetime, timezone\n",
            "from datetime import datetime, timezone\nfrom urllib.parse import urlsplit\n")
    s = sub(s, '''@bp.route("/login"''', '''def _local_target(target: str | None) -> str:
    if not target:
        return url_for(HOME_ENDPOINT)
    parts = urlsplit(target.replace("\\\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for(HOME_ENDPOINT)
    return target


@bp.route("/login"''')
    s = sub(s, "return redirect(target or url_for(HOME_ENDPOINT))  #@V", "return redirect(_local_target(target))")
    return Spec(v=v, s=_clean(s), full=True, fw="flask",
                notes="after login the user is sent to whatever URL the query/form parameter names (open redirect)")


@hardneg(3)
def vf_redirect_flask_hn(c):
    hosts = c.pick('"app.example.com", "help.example.com"', '"shop.example.org", "account.example.org"',
                   '"portal.example.net"')
    s = T(c, '''
"""Outbound link tracking for ${w} newsletters: count the click, then forward to the target."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .models import Click, ${W}Link

log = logging.getLogger(__name__)

ALLOWED_HOSTS = {$hosts}
FALLBACK = "/"


@dataclass
class ClickInfo:
    link_id: int
    user_agent: str
    at: datetime


def _allowed(target: str) -> bool:
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=ALLOWED_HOSTS, require_https=True):
        return False
    host = urlsplit(target).hostname
    return host is None or host in ALLOWED_HOSTS


def tracking_url(request: HttpRequest, link: ${W}Link) -> str:
    """Absolute URL that newsletters embed instead of the raw target."""
    path = reverse("${w}-track-click", args=[link.pk])
    return request.build_absolute_uri(f"{path}?{urlencode({'src': 'newsletter'})}")


def _count(info: ClickInfo) -> None:
    ${W}Link.objects.filter(pk=info.link_id).update(clicks=F("clicks") + 1)
    Click.objects.create(link_id=info.link_id, user_agent=info.user_agent[:200], created=info.at)


@require_GET
def track_click(request: HttpRequest, link_id: int) -> HttpResponseRedirect:
    link = ${W}Link.objects.filter(pk=link_id, active=True).first()
    if link is None:
        return redirect(FALLBACK)
    _count(ClickInfo(link_id, request.META.get("HTTP_USER_AGENT", ""), datetime.now(timezone.utc)))
    return HttpResponseRedirect(link.target_url)


@require_GET
def continue_to(request: HttpRequest):
    target = request.GET.get("to", "")
    if not target:
        return HttpResponseBadRequest("missing target")
    if not _allowed(target):
        log.warning("refused redirect to a host outside the allow-list")
        return redirect(FALLBACK)
    return HttpResponseRedirect(target)


@require_GET
def open_link(request: HttpRequest, link_id: int):
    link = get_object_or_404(${W}Link, pk=link_id, active=True)
    if not _allowed(link.target_url):
        log.warning("stored link %s points outside the allow-list", link.pk)
        return redirect(FALLBACK)
    return HttpResponseRedirect(link.target_url)


@require_GET
def unsubscribe_done(request: HttpRequest):
    nxt = request.GET.get("next", FALLBACK)
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=not settings.DEBUG):
        nxt = FALLBACK
    return redirect(nxt)
''', hosts=hosts)
    return Spec(v="", s=s, full=True, fw="django",
                notes="redirect targets come from the database or are checked against an allow-list of hosts")


# ---------------- CWE-639: FastAPI invoice PDF fetched by id only ----------------

@fam("vf-fastapi-billing-documents", "CWE-639", fws=["fastapi"], n=4, wrap=False)
def vf_idor_fastapi(c):
    owner = c.pick("account_id", "customer_id", "tenant_id")
    action = c.pick("pdf", "resend")
    if action == "pdf":
        tail = '''    pdf = render_pdf(doc)  #@V
    log.info("user %s downloaded ${w} %s", user.id, doc.number)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{doc.number}.pdf"'})'''
        route = '@router.get("/{doc_id}/pdf")\ndef download_pdf('
    else:
        tail = '''    send_document_email.delay(doc.id, to=doc.billing_email)  #@V
    log.info("user %s re-sent ${w} %s", user.id, doc.number)
    return {"queued": True, "number": doc.number}'''
        route = '@router.post("/{doc_id}/resend")\ndef resend_document('
    v = T(c, '''
"""Billing documents (${w}s) for the customer portal: list, export and download."""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth import User, get_current_user
from .db import get_db
from .models import ${W}
$helper_import

log = logging.getLogger("billing.${w}s")

router = APIRouter(prefix="/billing/${w}s", tags=["billing"])

DEFAULT_PAGE_SIZE = 25


@dataclass
class DocumentOut:
    id: int
    number: str
    issued: date
    total: Decimal
    status: str

    @classmethod
    def of(cls, doc: ${W}) -> "DocumentOut":
        return cls(doc.id, doc.number, doc.issued_on, doc.total, doc.status)


@router.get("")
def list_documents(
    status: str | None = None,
    page: int = Query(1, ge=1),
    db: Session = Depends(get_db),
    user: User = Depends(get_current_user),
) -> list[DocumentOut]:
    stmt = select(${W}).where(${W}.$owner == user.$owner)
    if status:
        stmt = stmt.where(${W}.status == status)
    stmt = stmt.order_by(${W}.issued_on.desc()).limit(DEFAULT_PAGE_SIZE).offset((page - 1) * DEFAULT_PAGE_SIZE)
    return [DocumentOut.of(d) for d in db.scalars(stmt)]


@router.get("/summary")
def summary(db: Session = Depends(get_db), user: User = Depends(get_current_user)) -> dict:
    docs = db.scalars(select(${W}).where(${W}.$owner == user.$owner)).all()
    open_total = sum((d.total for d in docs if d.status == "open"), Decimal("0"))
    return {"count": len(docs), "open_total": str(open_total)}


@router.get("/export.csv")
def export_csv(
    year: int = Query(..., ge=2000, le=2100),
    db: Session = Depends(get_db),
    user: User = Depends(get_current_user),
) -> Response:
    stmt = (
        select(${W})
        .where(${W}.$owner == user.$owner)
        .where(${W}.issued_on >= date(year, 1, 1), ${W}.issued_on <= date(year, 12, 31))
        .order_by(${W}.issued_on)
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["number", "issued", "total", "status"])
    for d in db.scalars(stmt):
        writer.writerow([d.number, d.issued_on.isoformat(), str(d.total), d.status])
    return Response(buf.getvalue(), media_type="text/csv")


$route
    doc_id: int,  #@S
    db: Session = Depends(get_db),
    user: User = Depends(get_current_user),
):
    doc = db.get(${W}, doc_id)  #@V
    if doc is None:
        raise HTTPException(status_code=404, detail="document not found")
$tail
''', owner=owner, route=route, tail=T(c, tail),
          helper_import="from .pdf import render_pdf" if action == "pdf" else "from .tasks import send_document_email")
    s = sub(v, "    doc = db.get(${W}, doc_id)  #@V".replace("${W}", c.word.capitalize()),
            f"    doc = db.scalars(select({c.word.capitalize()}).where({c.word.capitalize()}.id == doc_id, "
            f"{c.word.capitalize()}.{owner} == user.{owner})).first()")
    return Spec(v=v, s=_clean(s), full=True, fw="fastapi",
                notes="the list and summary routes scope by the caller's account; this route loads any id it is given")


# ---------------- CWE-862: DRF viewset action without the staff permission its siblings use ----------------

@fam("vf-drf-refund-actions", "CWE-862", fws=["django"], n=4, wrap=False)
def vf_missing_authz_drf(c):
    act = c.pick("approve", "issue", "release")
    limit = c.pick("500", "1000", "2500")
    v = T(c, '''
"""REST API for ${w} refund requests: customers open them, finance staff decide them."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response

from .models import RefundRequest
from .payments import issue_refund

log = logging.getLogger("${w}.refunds")

AUTO_APPROVE_LIMIT = Decimal("$limit")


@dataclass
class Decision:
    refund_id: int
    decided_by: int
    outcome: str


class RefundRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundRequest
        fields = ["id", "${w}_id", "amount", "reason", "status", "created", "decided_at"]
        read_only_fields = ["status", "created", "decided_at"]

    def validate_amount(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise serializers.ValidationError("amount must be positive")
        return value


class RefundRequestViewSet(mixins.CreateModelMixin, mixins.ListModelMixin,
                           mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RefundRequestSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        qs = RefundRequest.objects.select_related("${w}").order_by("-created")
        if self.request.user.is_staff:
            return qs
        return qs.filter(requested_by=self.request.user)

    def perform_create(self, serializer):
        refund = serializer.save(requested_by=self.request.user, status="pending")
        log.info("refund %s opened by user %s", refund.pk, self.request.user.pk)

    def _decide(self, refund: RefundRequest, outcome: str) -> Decision:
        refund.status = outcome
        refund.decided_at = timezone.now()
        refund.decided_by = self.request.user
        refund.save(update_fields=["status", "decided_at", "decided_by"])
        return Decision(refund.pk, self.request.user.pk, outcome)

    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def reject(self, request, pk=None):
        refund = self.get_object()
        if refund.status != "pending":
            return Response({"detail": "already decided"}, status=status.HTTP_409_CONFLICT)
        decision = self._decide(refund, "rejected")
        log.info("refund %s rejected by %s", decision.refund_id, decision.decided_by)
        return Response(RefundRequestSerializer(refund).data)

    @action(detail=True, methods=["post"])  #@V
    def $act(self, request, pk=None):  #@V
        refund = self.get_object()
        if refund.status != "pending":
            return Response({"detail": "already decided"}, status=status.HTTP_409_CONFLICT)
        with transaction.atomic():
            issue_refund(refund.${w}_id, refund.amount, reference=f"refund-{refund.pk}")  #@V
            decision = self._decide(refund, "approved")
        log.info("refund %s approved by %s", decision.refund_id, decision.decided_by)
        return Response(RefundRequestSerializer(refund).data)

    @action(detail=False, methods=["get"], permission_classes=[IsAdminUser])
    def pending_total(self, request):
        pending = self.get_queryset().filter(status="pending")
        total = sum((r.amount for r in pending), Decimal("0"))
        return Response({"count": pending.count(), "total": str(total),
                         "auto_approve_limit": str(AUTO_APPROVE_LIMIT)})
''', act=act, limit=limit)
    s = sub(v, '@action(detail=True, methods=["post"])  #@V',
            '@action(detail=True, methods=["post"], permission_classes=[IsAdminUser])')
    return Spec(v=v, s=_clean(s), full=True, fw="django",
                notes="the approve action (which pays out) only inherits IsAuthenticated; reject and totals require staff; "
                      "a customer can approve and be paid for their own refund request")


# ---------------- CWE-798: nightly export job with credentials in the source ----------------

@fam("vf-etl-nightly-export", "CWE-798", fws=["script"], n=4, wrap=False)
def vf_hardcoded_etl(c):
    dest = c.pick("s3", "smtp")
    bucket = c.pick("acme-finance-exports", "ops-data-drop", "bi-landing-zone")
    if dest == "s3":
        imp = "import boto3"
        deliver_v = '''def deliver(path: Path, day: date) -> str:
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id="AKIA4XQ7RZ2MBN6TWV3E",  #@V
        aws_secret_access_key="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",  #@V
    )
    key = f"${w}s/{day:%Y/%m}/{path.name}"
    s3.upload_file(str(path), BUCKET, key, ExtraArgs={"ServerSideEncryption": "AES256"})
    return f"s3://{BUCKET}/{key}"'''
        deliver_s = sub(deliver_v, "\n".join(deliver_v.split("\n")[1:7]),
                        '    s3 = boto3.client("s3", region_name=REGION)')
        extra = f'BUCKET = "{bucket}"\nREGION = os.environ.get("AWS_REGION", "eu-central-1")\n'
    else:
        imp = "import smtplib\nimport ssl\nfrom email.message import EmailMessage"
        deliver_v = '''def deliver(path: Path, day: date) -> str:
    msg = EmailMessage()
    msg["Subject"] = f"${W} export {day.isoformat()}"
    msg["From"] = SENDER
    msg["To"] = ", ".join(RECIPIENTS)
    msg.set_content(f"Attached: ${w} export for {day.isoformat()}.")
    msg.add_attachment(path.read_bytes(), maintype="application", subtype="gzip", filename=path.name)
    with smtplib.SMTP(SMTP_HOST, 587, timeout=30) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        smtp.login(SENDER, "Qx7!mR2p-finance")  #@V
        smtp.send_message(msg)
    return ", ".join(RECIPIENTS)'''
        deliver_s = deliver_v.replace('        smtp.login(SENDER, "Qx7!mR2p-finance")  #@V',
                                      '        smtp.login(SENDER, os.environ["EXPORT_SMTP_PASSWORD"])')
        extra = ('SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.example.com")\n'
                 'SENDER = "exports@example.com"\nRECIPIENTS = ["finance@example.com", "controlling@example.com"]\n')
    v = T(c, '''
"""Nightly export of yesterday's ${w}s to CSV, compressed and delivered to finance."""
from __future__ import annotations

import argparse
import csv
import gzip
import logging
import os
import sys
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2
$imp

log = logging.getLogger("${w}_export")

EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", "/var/spool/${w}-export"))
$extra

@dataclass
class ExportRow:
    id: int
    reference: str
    customer: str
    amount_cents: int
    currency: str
    created_at: datetime


def fetch_rows(dsn: str, day: date) -> list[ExportRow]:
    start = datetime.combine(day, datetime.min.time())
    end = start + timedelta(days=1)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, reference, customer_name, amount_cents, currency, created_at "
            "FROM ${w}s WHERE created_at >= %s AND created_at < %s ORDER BY id",
            (start, end),
        )
        return [ExportRow(*row) for row in cur.fetchall()]


def write_csv(rows: list[ExportRow], day: date) -> Path:
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"${w}s-{day.isoformat()}.csv.gz"
    with gzip.open(path, "wt", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([f.name for f in fields(ExportRow)])
        for row in rows:
            writer.writerow(astuple(row))
    return path


$deliver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export ${w}s for one day")
    parser.add_argument("--day", type=date.fromisoformat, default=date.today() - timedelta(days=1))
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    rows = fetch_rows(os.environ["EXPORT_DSN"], args.day)
    if not rows:
        log.info("no ${w}s on %s, nothing to export", args.day)
        return 0
    path = write_csv(rows, args.day)
    log.info("wrote %d rows to %s", len(rows), path)
    if args.dry_run:
        return 0
    where = deliver(path, args.day)
    log.info("delivered %s to %s", path.name, where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
''', imp=T(c, imp), extra=extra, deliver=T(c, deliver_v))
    s = sub(v, T(c, deliver_v), T(c, deliver_s))
    return Spec(v=v, s=_clean(s), full=True, fw="script",
                notes="delivery credentials are literals in the job's source instead of coming from the environment")


# ---------------- CWE-295: SDK client for a partner API with certificate checks off ----------------

@fam("vf-sdk-partner-client", "CWE-295", fws=["script"], n=4, wrap=False)
def vf_tls_sdk(c):
    lib = c.pick("requests", "httpx")
    retries = c.pick("3", "4", "5")
    if lib == "requests":
        imp = "import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util.retry import Retry"
        init_v = '''        self._http = requests.Session()
        retry = Retry(total=MAX_RETRIES, backoff_factor=0.5, status_forcelist=(502, 503, 504))
        self._http.mount("https://", HTTPAdapter(max_retries=retry))
        self._http.headers.update({"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT})'''
        call_v = '''        resp = self._http.request(method, self.base_url + path, params=params, json=body,
                                  timeout=self.timeout, verify=False)  #@V'''
        call_s = '''        resp = self._http.request(method, self.base_url + path, params=params, json=body,
                                  timeout=self.timeout)'''
        err = "requests.RequestException"
        close = "self._http.close()"
    else:
        imp = "import httpx"
        init_v = '''        self._http = httpx.Client(
            timeout=self.timeout,
            transport=httpx.HTTPTransport(retries=MAX_RETRIES),
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT},
            verify=False,  #@V
        )'''
        call_v = '''        resp = self._http.request(method, self.base_url + path, params=params, json=body)'''
        call_s = call_v
        err = "httpx.HTTPError"
        close = "self._http.close()"
    v = T(c, '''
"""Thin client for the partner ${w} API (v2): typed results, retries, pagination."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

$imp

log = logging.getLogger("partner_sdk.${w}s")

DEFAULT_BASE_URL = "https://api.partner.example.com/v2"
USER_AGENT = "${w}-sync/3.1"
MAX_RETRIES = $retries
PAGE_LIMIT = 100


class PartnerAPIError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


@dataclass
class ${W}:
    id: str
    name: str
    updated_at: datetime
    attributes: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> "${W}":
        return cls(
            id=data["id"],
            name=data.get("name", ""),
            updated_at=datetime.fromisoformat(data["updated_at"].replace("Z", "+00:00")),
            attributes=data.get("attributes", {}),
        )


class PartnerClient:
    """Client for one partner account; use as a context manager."""

    def __init__(self, api_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
$init

    @classmethod
    def from_env(cls) -> "PartnerClient":
        return cls(os.environ["PARTNER_API_KEY"], os.environ.get("PARTNER_BASE_URL", DEFAULT_BASE_URL))

    def __enter__(self) -> "PartnerClient":
        return self

    def __exit__(self, *exc_info) -> None:
        $close

    def _request(self, method: str, path: str, params: dict | None = None, body: dict | None = None) -> dict:
$call
        if resp.status_code >= 400:
            raise PartnerAPIError(resp.status_code, resp.text[:200])
        return resp.json() if resp.content else {}

    def get_${w}(self, ${w}_id: str) -> ${W}:
        return ${W}.from_api(self._request("GET", f"/${w}s/{${w}_id}"))

    def iter_${w}s(self, updated_since: datetime | None = None) -> Iterator[${W}]:
        params: dict[str, Any] = {"limit": PAGE_LIMIT}
        if updated_since:
            params["updated_since"] = updated_since.isoformat()
        while True:
            page = self._request("GET", "/${w}s", params=params)
            for item in page.get("data", []):
                yield ${W}.from_api(item)
            cursor = page.get("next_cursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def update_${w}(self, ${w}_id: str, **changes: Any) -> ${W}:
        try:
            data = self._request("PATCH", f"/${w}s/{${w}_id}", body=changes)
        except $err:
            log.exception("update of ${w} %s failed", ${w}_id)
            raise
        return ${W}.from_api(data)
''', imp=imp, retries=retries, init=T(c, init_v), call=call_v, close=close, err=err)
    if lib == "requests":
        s = sub(v, call_v, call_s)
    else:
        s = sub(v, "            verify=False,  #@V\n", "")
    return Spec(v=v, s=_clean(s), full=True, fw="sdk",
                notes="the client turns off certificate verification for every call that carries the bearer key")


# ---------------- CWE-338: password reset codes from the random module ----------------

@fam("vf-flask-password-reset", "CWE-338", fws=["flask"], n=4, wrap=False)
def vf_prng_reset(c):
    shape = c.pick("alnum", "digits")
    ttl = c.pick("15", "30", "60")
    if shape == "alnum":
        gen_v = '    return "".join(random.choices(CODE_ALPHABET, k=CODE_LENGTH))  #@V'
        gen_s = '    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))'
        consts = 'CODE_ALPHABET = string.ascii_uppercase + string.digits\nCODE_LENGTH = 10'
        imps = "import string\n"
    else:
        gen_v = '    return f"{random.randint(0, 10 ** CODE_LENGTH - 1):0{CODE_LENGTH}d}"  #@V'
        gen_s = '    return f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"'
        consts = 'CODE_LENGTH = 8'
        imps = ""
    v = T(c, '''
"""Password reset by e-mailed one-time code for ${w} portal accounts."""
from __future__ import annotations

import hashlib
import hmac
import logging
import random
${imps}from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, request
from werkzeug.security import generate_password_hash

from .mail import send_mail
from .models import PasswordReset, User, db

log = logging.getLogger("${w}.password_reset")

bp = Blueprint("password_reset", __name__, url_prefix="/account/reset")

$consts
CODE_TTL = timedelta(minutes=$ttl)
MAX_ATTEMPTS = 5
MIN_LENGTH = 12


@dataclass
class ResetRequest:
    user_id: int
    code_digest: str
    expires_at: datetime


def _new_code() -> str:
$gen


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@bp.post("/request")
def request_reset():
    email = (request.get_json(silent=True) or {}).get("email", "").strip().lower()
    user = User.query.filter_by(email=email, active=True).first()
    if user is not None:
        code = _new_code()
        req = ResetRequest(user.id, _digest(code), datetime.now(timezone.utc) + CODE_TTL)
        PasswordReset.query.filter_by(user_id=user.id).delete()
        db.session.add(PasswordReset(user_id=req.user_id, code_digest=req.code_digest,
                                     expires_at=req.expires_at, attempts=0))
        db.session.commit()
        send_mail(user.email, "Your reset code", f"Your code is {code}. It expires in $ttl minutes.")
        log.info("reset code issued for user %s", user.id)
    return jsonify(status="sent"), 202


@bp.post("/confirm")
def confirm_reset():
    data = request.get_json(silent=True) or {}
    user = User.query.filter_by(email=str(data.get("email", "")).strip().lower(), active=True).first()
    pending = PasswordReset.query.filter_by(user_id=user.id).first() if user else None
    if pending is None or pending.expires_at < datetime.now(timezone.utc):
        return jsonify(error="invalid or expired code"), 400
    if pending.attempts >= MAX_ATTEMPTS:
        db.session.delete(pending)
        db.session.commit()
        return jsonify(error="too many attempts"), 429
    if not hmac.compare_digest(pending.code_digest, _digest(str(data.get("code", "")))):
        pending.attempts += 1
        db.session.commit()
        return jsonify(error="invalid or expired code"), 400
    new_secret = str(data.get("new_password", ""))
    if len(new_secret) < MIN_LENGTH:
        return jsonify(error=f"password must have at least {MIN_LENGTH} characters"), 400
    user.password_hash = generate_password_hash(new_secret)
    db.session.delete(pending)
    db.session.commit()
    log.info("password reset completed for user %s", user.id)
    return jsonify(status="ok")


def purge_expired_resets() -> int:
    """Called from the hourly maintenance job."""
    now = datetime.now(timezone.utc)
    removed = PasswordReset.query.filter(PasswordReset.expires_at < now).delete()
    db.session.commit()
    if removed:
        log.info("purged %d expired reset codes", removed)
    return removed
''', imps=imps, consts=consts, ttl=ttl, gen=gen_v)
    s = sub(v, gen_v, gen_s)
    s = sub(s, "import random\n" + imps, "import secrets\n" + imps)
    return Spec(v=v, s=_clean(s), full=True, fw="flask",
                notes="one-time reset codes come from the Mersenne Twister (random), which is predictable")


@hardneg(3)
def vf_prng_reset_hn(c):
    base = c.pick("0.5", "1.0", "2.0")
    cap = c.pick("30", "60", "120")
    s = T(c, '''
"""Webhook delivery for ${w} events: signed payloads, retries with jittered backoff."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

log = logging.getLogger("${w}.webhooks")

BASE_DELAY = $base
MAX_DELAY = $cap
MAX_ATTEMPTS = 6
SAMPLE_RATE = 0.05


@dataclass
class Endpoint:
    url: str
    signing_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    failures: int = 0


def new_endpoint(url: str) -> Endpoint:
    """Register a receiver; the signing secret is shown to the customer once."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("webhook URLs must use https")
    addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise ValueError("webhook URLs must resolve to public addresses")
    return Endpoint(url=url)


def rotate_secret(endpoint: Endpoint) -> str:
    """New signing secret; the old one stops working immediately."""
    endpoint.signing_secret = secrets.token_hex(32)
    endpoint.failures = 0
    log.info("rotated signing secret for %s", endpoint.url)
    return endpoint.signing_secret


def backoff(attempt: int) -> float:
    """Full-jitter exponential backoff so retries from many workers spread out."""
    ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** attempt)
    return random.uniform(0, ceiling)


def sign(secret: str, body: bytes, ts: int) -> str:
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256)
    return f"t={ts},v1={mac.hexdigest()}"


def deliver(endpoint: Endpoint, event: dict) -> bool:
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
    delivery_id = secrets.token_urlsafe(16)
    for attempt in range(MAX_ATTEMPTS):
        ts = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Delivery-Id": delivery_id,
            "X-Signature": sign(endpoint.signing_secret, body, ts),
        }
        try:
            resp = requests.post(endpoint.url, data=body, headers=headers, timeout=10, allow_redirects=False)
            if resp.status_code < 300:
                endpoint.failures = 0
                if random.random() < SAMPLE_RATE:
                    log.info("delivered %s to %s after %d attempts", delivery_id, endpoint.url, attempt + 1)
                return True
            log.warning("endpoint answered %s for %s", resp.status_code, delivery_id)
        except requests.RequestException as exc:
            log.warning("delivery %s failed: %s", delivery_id, type(exc).__name__)
        time.sleep(backoff(attempt))
    endpoint.failures += 1
    return False


def shuffled_batches(events: list[dict], size: int) -> list[list[dict]]:
    """Spread one tenant's burst across workers."""
    order = events[:]
    random.shuffle(order)
    return [order[i:i + size] for i in range(0, len(order), size)]
''', base=base, cap=cap)
    return Spec(v="", s=s, full=True, fw="script",
                notes="random only for jitter, sampling and shuffling; secrets and ids come from the secrets module")


# ---------------- CWE-916: CLI account tool storing fast salted digests ----------------

@fam("vf-cli-account-admin", "CWE-916", fws=["cli"], n=4, wrap=False)
def vf_weak_pwhash_cli(c):
    algo = c.pick("sha256", "sha1", "sha512", "md5")
    order = c.pick("salt_first", "pw_first")
    expr = "salt + password" if order == "salt_first" else "password + salt"
    v = T(c, '''
"""Command-line administration of local ${w} service accounts (SQLite user store)."""
from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

log = logging.getLogger("${w}-accounts")

DB_PATH = os.environ.get("${U}_USER_DB", "/var/lib/${w}/users.sqlite3")
MIN_LENGTH = 12
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    salt TEXT NOT NULL,
    pw_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'operator',
    created_at TEXT NOT NULL
)
"""


@dataclass
class Account:
    username: str
    role: str
    created_at: str


def connect(path: str = DB_PATH) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute(SCHEMA)
    return conn


def hash_password(password: str, salt: str) -> str:
    return hashlib.$algo(($expr).encode("utf-8")).hexdigest()  #@V


def read_new_password() -> str:
    first = getpass.getpass("New password: ")
    if len(first) < MIN_LENGTH:
        raise SystemExit(f"password must have at least {MIN_LENGTH} characters")
    if getpass.getpass("Repeat: ") != first:
        raise SystemExit("passwords do not match")
    return first


def add_user(conn: sqlite3.Connection, username: str, role: str) -> Account:
    salt = os.urandom(16).hex()
    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.execute(
        "INSERT INTO users (username, salt, pw_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
        (username, salt, hash_password(read_new_password(), salt), role, created),
    )
    conn.commit()
    return Account(username, role, created)


def set_password(conn: sqlite3.Connection, username: str) -> None:
    salt = os.urandom(16).hex()
    cur = conn.execute("UPDATE users SET salt = ?, pw_hash = ? WHERE username = ?",
                       (salt, hash_password(read_new_password(), salt), username))
    if cur.rowcount == 0:
        raise SystemExit(f"no such user: {username}")
    conn.commit()


def verify(conn: sqlite3.Connection, username: str, password: str) -> bool:
    row = conn.execute("SELECT salt, pw_hash FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        return False
    return hmac.compare_digest(hash_password(password, row[0]), row[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage ${w} service accounts")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", choices=["operator", "admin", "viewer"], default="operator")
    sub.add_parser("passwd").add_argument("username")
    sub.add_parser("check").add_argument("username")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    conn = connect()
    if args.command == "add":
        acct = add_user(conn, args.username, args.role)
        log.info("created %s (%s)", acct.username, acct.role)
    elif args.command == "passwd":
        set_password(conn, args.username)
        log.info("password changed for %s", args.username)
    else:
        ok = verify(conn, args.username, getpass.getpass("Password: "))
        print("ok" if ok else "mismatch")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
''', algo=algo, expr=expr)
    s = sub(v, f'    return hashlib.{algo}(({expr}).encode("utf-8")).hexdigest()  #@V',
            '    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), ITERATIONS).hex()')
    s = sub(s, "MIN_LENGTH = 12\n", "MIN_LENGTH = 12\nITERATIONS = 600_000\n")
    return Spec(v=v, s=_clean(s), full=True, fw="cli",
                notes=f"account passwords are stored as one salted {algo} digest, fast enough to brute-force offline")


@hardneg(3)
def vf_weak_pwhash_cli_hn(c):
    algo = c.pick("md5", "sha1")
    ttl = c.pick("300", "900", "3600")
    s = T(c, '''
"""Rendering cache for ${w} thumbnails and API responses: content-addressed keys and ETags."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from flask import Flask, Response, request

log = logging.getLogger("${w}.cache")

app = Flask(__name__)

CACHE_DIR = Path(os.environ.get("${U}_CACHE_DIR", "/var/cache/${w}"))
TTL_SECONDS = $ttl


@dataclass
class CacheEntry:
    key: str
    path: Path
    stored_at: float

    def fresh(self, now: float) -> bool:
        return now - self.stored_at < TTL_SECONDS


def cache_key(namespace: str, params: dict[str, Any]) -> str:
    """Stable short key for a parameter set (not a security boundary)."""
    blob = json.dumps(params, sort_keys=True, separators=(",", ":")).encode()
    return f"{namespace}-{hashlib.$algo(blob).hexdigest()}"


def etag_for(body: bytes) -> str:
    return '"' + hashlib.$algo(body, usedforsecurity=False).hexdigest() + '"'


def lookup(key: str) -> CacheEntry | None:
    path = CACHE_DIR / f"{key}.bin"
    if not path.exists():
        return None
    return CacheEntry(key, path, path.stat().st_mtime)


def cached(namespace: str, params: dict[str, Any], build: Callable[[], bytes]) -> bytes:
    key = cache_key(namespace, params)
    entry = lookup(key)
    if entry is not None and entry.fresh(time.time()):
        return entry.path.read_bytes()
    body = build()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = CACHE_DIR / f".{key}.{os.getpid()}"
    tmp.write_bytes(body)
    tmp.replace(CACHE_DIR / f"{key}.bin")
    log.debug("cache miss for %s", key)
    return body


def invalidate(namespace: str) -> int:
    removed = 0
    for path in CACHE_DIR.glob(f"{namespace}-*.bin"):
        path.unlink(missing_ok=True)
        removed += 1
    log.info("invalidated %d cached %s entries", removed, namespace)
    return removed


def _render_listing(page: int) -> bytes:
    items = [{"id": i, "name": f"${w} {i}"} for i in range((page - 1) * 20, page * 20)]
    return json.dumps({"page": page, "items": items}).encode()


@app.get("/api/${w}s")
def listing() -> Response:
    page = max(1, request.args.get("page", 1, type=int))
    body = cached("listing", {"page": page}, lambda: _render_listing(page))
    tag = etag_for(body)
    if request.headers.get("If-None-Match") == tag:
        return Response(status=304, headers={"ETag": tag})
    return Response(body, mimetype="application/json", headers={"ETag": tag, "Cache-Control": "max-age=60"})
''', algo=algo, ttl=ttl)
    return Spec(v="", s=s, full=True, fw="flask",
                notes="md5/sha1 used only for cache keys and ETags of public content, never for credentials")


# ---------------- CWE-611: supplier catalog import parsing XML with entity expansion ----------------

@fam("vf-etl-supplier-catalog", "CWE-611", fws=["script"], n=4, wrap=False)
def vf_xxe_etl(c):
    opts = c.pick("resolve_entities=True, load_dtd=True", "load_dtd=True, resolve_entities=True, no_network=False",
                  "resolve_entities=True, remove_blank_text=True")
    drop = c.pick("/srv/sftp/suppliers", "/data/incoming/catalogs", "/home/sftp/feeds")
    v = T(c, '''
"""Hourly import of supplier ${w} catalogs dropped as XML files on the SFTP server."""
from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import psycopg2
from lxml import etree

log = logging.getLogger("catalog_import")

DROP_DIR = Path(os.environ.get("CATALOG_DROP_DIR", "$drop"))
DONE_DIR = DROP_DIR / "processed"
FAILED_DIR = DROP_DIR / "failed"
NS = {"c": "urn:example:catalog:1"}
PARSER = etree.XMLParser($opts)  #@V


@dataclass
class CatalogItem:
    supplier: str
    sku: str
    title: str
    price: Decimal
    currency: str
    stock: int


def parse_catalog(raw: bytes) -> list[CatalogItem]:
    root = etree.fromstring(raw, PARSER)  #@V
    supplier = root.get("supplier", "unknown")
    items = []
    for node in root.iterfind("c:item", NS):
        try:
            items.append(CatalogItem(
                supplier=supplier,
                sku=node.findtext("c:sku", "", NS).strip(),
                title=node.findtext("c:title", "", NS).strip()[:255],
                price=Decimal(node.findtext("c:price", "0", NS)),
                currency=node.find("c:price", NS).get("currency", "EUR"),
                stock=int(node.findtext("c:stock", "0", NS)),
            ))
        except (InvalidOperation, ValueError, AttributeError):
            log.warning("skipping malformed item in %s catalog", supplier)
    return items


def upsert(conn, items: list[CatalogItem]) -> int:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ${w}_catalog (supplier, sku, title, price, currency, stock) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (supplier, sku) DO UPDATE SET "
            "title = EXCLUDED.title, price = EXCLUDED.price, stock = EXCLUDED.stock",
            [(i.supplier, i.sku, i.title, i.price, i.currency, i.stock) for i in items if i.sku],
        )
    conn.commit()
    return len(items)


def process(conn, path: Path) -> bool:
    raw = path.read_bytes()  #@S
    try:
        items = parse_catalog(raw)
    except etree.XMLSyntaxError as exc:
        log.error("%s is not well-formed: %s", path.name, exc)
        shutil.move(str(path), FAILED_DIR / path.name)
        return False
    count = upsert(conn, items)
    shutil.move(str(path), DONE_DIR / path.name)
    log.info("imported %d items from %s", count, path.name)
    return True


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    DONE_DIR.mkdir(parents=True, exist_ok=True)
    FAILED_DIR.mkdir(parents=True, exist_ok=True)
    files = sorted(DROP_DIR.glob("*/*.xml"))
    if not files:
        log.info("no catalogs waiting")
        return 0
    conn = psycopg2.connect(os.environ["CATALOG_DSN"])
    try:
        failures = sum(not process(conn, p) for p in files)
    finally:
        conn.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
''', opts=opts, drop=drop)
    s = sub(v, f"PARSER = etree.XMLParser({opts})  #@V",
            "PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)")
    return Spec(v=v, s=_clean(s), full=True, fw="script",
                notes="supplier-uploaded XML is parsed with external entity resolution on (file disclosure via XXE)")


# ---------------- CWE-117: Django auth audit log writing the submitted user name as is ----------------

@fam("vf-django-auth-audit", "CWE-117", fws=["django"], n=4, wrap=False)
def vf_log_injection_django(c):
    slow = c.pick("1.5", "2.0", "3.0")
    fmt = c.pick("plain", "kv")
    line = ('    audit.warning("login failed for %s from %s", username, ip)  #@V' if fmt == "plain" else
            '    audit.warning("event=login_failed user=%s ip=%s", username, ip)  #@V')
    v = T(c, '''
"""Audit trail for the ${w} back office: sign-ins, sign-outs and slow requests."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .models import AuditEntry

audit = logging.getLogger("${w}.audit")

SLOW_REQUEST_SECONDS = $slow
AUDIT_KINDS = ("login", "logout", "login_failed")


@dataclass
class AuditEvent:
    kind: str
    user_id: int | None
    ip: str
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def store(self) -> None:
        AuditEntry.objects.create(kind=self.kind, user_id=self.user_id, ip=self.ip, created=self.at)


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


@receiver(user_logged_in)
def on_login(sender, request: HttpRequest, user, **kwargs) -> None:
    event = AuditEvent("login", user.pk, client_ip(request))
    event.store()
    audit.info("login user_id=%s ip=%s", user.pk, event.ip)


@receiver(user_logged_out)
def on_logout(sender, request: HttpRequest, user, **kwargs) -> None:
    if user is None:
        return
    event = AuditEvent("logout", user.pk, client_ip(request))
    event.store()
    audit.info("logout user_id=%s ip=%s", user.pk, event.ip)


@receiver(user_login_failed)
def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]  #@S
    ip = client_ip(request)
    AuditEvent("login_failed", None, ip).store()
$line


class SlowRequestMiddleware:
    """Logs requests slower than SLOW_REQUEST_SECONDS with their view name and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        elapsed = time.monotonic() - started
        if elapsed >= SLOW_REQUEST_SECONDS:
            match = getattr(request, "resolver_match", None)
            view = match.view_name if match else "-"
            user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
            audit.warning("slow request view=%s method=%s status=%s user_id=%s seconds=%.2f",
                          view, request.method, response.status_code, user_id, elapsed)
        return response
''', slow=slow, line=line)
    s = sub(v, '    username = str(credentials.get("username", ""))[:150]  #@S',
            '    username = str(credentials.get("username", ""))[:150].encode("unicode_escape").decode("ascii")')
    return Spec(v=v, s=_clean(s), full=True, fw="django",
                notes="the user name typed into the login form goes into the audit log unescaped; CR/LF forge entries")


# ---------------- CWE-400: aiohttp catalog listing with an unbounded page size ----------------

@fam("vf-aiohttp-catalog-page-size", "CWE-400", fws=["aiohttp"], n=4, wrap=False)
def vf_unbounded_aiohttp(c):
    qp = c.pick("page_size", "per_page", "limit")
    dflt = c.pick("20", "25", "50")
    v = T(c, '''
"""Public read API for the ${w} catalog (aiohttp + asyncpg)."""
from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from decimal import Decimal

import asyncpg
from aiohttp import web

log = logging.getLogger("${w}.catalog")

DEFAULT_PAGE_SIZE = $dflt
LIST_SQL = (
    "SELECT id, slug, title, price, currency, in_stock FROM ${w}s "
    "WHERE published AND ($$1::text IS NULL OR category = $$1) ORDER BY id LIMIT $$2 OFFSET $$3"
)
DETAIL_SQL = "SELECT id, slug, title, price, currency, in_stock FROM ${w}s WHERE published AND slug = $$1"


@dataclass
class CatalogItem:
    id: int
    slug: str
    title: str
    price: Decimal
    currency: str
    in_stock: bool

    def to_json(self) -> dict:
        data = asdict(self)
        data["price"] = str(self.price)
        return data


def _int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)  #@S
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer")


async def list_${w}s(request: web.Request) -> web.Response:
    page = max(1, _int_param(request, "page", 1))
    page_size = _int_param(request, "$qp", DEFAULT_PAGE_SIZE)  #@V
    if page_size < 1:
        raise web.HTTPBadRequest(text="$qp must be positive")
    category = request.query.get("category")
    async with request.app["pool"].acquire() as conn:
        rows = await conn.fetch(LIST_SQL, category, page_size, (page - 1) * page_size)  #@V
    items = [CatalogItem(**dict(r)).to_json() for r in rows]
    log.debug("listed %d ${w}s (page %d)", len(items), page)
    return web.json_response({"page": page, "$qp": page_size, "items": items})


async def get_${w}(request: web.Request) -> web.Response:
    slug = request.match_info["slug"]
    async with request.app["pool"].acquire() as conn:
        row = await conn.fetchrow(DETAIL_SQL, slug)
    if row is None:
        raise web.HTTPNotFound()
    return web.json_response(CatalogItem(**dict(row)).to_json())


async def _init_pool(app: web.Application) -> None:
    app["pool"] = await asyncpg.create_pool(os.environ["CATALOG_DSN"], min_size=2, max_size=10)


async def _close_pool(app: web.Application) -> None:
    await app["pool"].close()


def create_app() -> web.Application:
    app = web.Application()
    app.on_startup.append(_init_pool)
    app.on_cleanup.append(_close_pool)
    app.router.add_get("/api/${w}s", list_${w}s)
    app.router.add_get("/api/${w}s/{slug}", get_${w})
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=int(os.environ.get("PORT", "8080")))
''', qp=qp, dflt=dflt)
    s = sub(v, f'    page_size = _int_param(request, "{qp}", DEFAULT_PAGE_SIZE)  #@V',
            f'    page_size = min(_int_param(request, "{qp}", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)')
    s = sub(s, f"DEFAULT_PAGE_SIZE = {dflt}\n", f"DEFAULT_PAGE_SIZE = {dflt}\nMAX_PAGE_SIZE = 100\n")
    return Spec(v=v, s=_clean(s), full=True, fw="aiohttp",
                notes="the page size from the query has no upper bound: one request can pull and serialise the whole table")
