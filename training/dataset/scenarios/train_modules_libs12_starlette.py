"""Train-only whole-module Starlette / Litestar families (libs12 set, mod12-*): realistic modules of about
80-110 lines (Route tables, ``request.path_params`` / ``query_params`` / ``json()`` / ``form()``,
BackgroundTasks, SQLAlchemy async sessions, ``AuthenticationMiddleware`` with ``@requires``) with exactly one
weak statement each, and a twin that differs only by the minimal fix.

- mod12-starlette-archive-bgtask-name-traversal (22): a device telemetry / chat transcript / webhook
  delivery archive; the request hands a client-chosen archive name (JSON field, header or query
  parameter) to a BackgroundTasks job that appends to ``ARCHIVE_DIR / name / f"{day}.jsonl"``.
- mod12-starlette-confirm-stored-continue-redirect (601): a double opt-in / e-mail verification / RSVP
  confirmation flow that stores the client's ``return_to`` with the pending row (SQLAlchemy async) and
  redirects there with ``RedirectResponse`` once the e-mailed link is opened.
- mod12-litestar-convert-bgtask-shell-string (78): a Litestar conversion service (LibreOffice,
  Ghostscript, cwebp) whose multipart option travels through a Job dataclass into a background task
  that runs a ``shell=True`` command string.
- mod12-starlette-snapshot-import-unsafe-loader (502): an authenticated import of an exported file
  (saved searches, dashboards, bookmarks) parsed with ``yaml.load(Loader=yaml.Loader)``,
  ``yaml.unsafe_load`` or ``pickle.loads``.
- mod12-starlette-requires-approval-self-approve (863): refund / release / payment / change approvals
  behind ``@requires([..., "x:approve"])``; the four-eyes check is missing or compares the wrong field,
  so the requester approves their own request.
- mod12-starlette-integrity-error-detail (209): sign-up / developer registration / workspace sign-up through an
  SQLAlchemy async session whose IntegrityError text (SQL, parameters with the hash, driver detail) is
  sent to the client.

Each family has ``@hardneg`` look-alike safe modules. The optional functions of each module are drawn per
rendering (``module_kit._opt``), so the renderings differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, sub_nested
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """``module_kit.sub_nested``, with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


def _routes(opts, table, indent="    "):
    """Route entries of the optional functions that were drawn."""
    return "".join(f",\n{indent}{r}" for fn, r in table if f"def {fn}(" in opts)


# ---------------- CWE-22: background task appends under a client-chosen archive name ----------------

_ARCH = r'''
"""$Title archive (Starlette).

$Owners post batches of $items; the request returns at once and a background task appends
the batch to a JSON-lines file per $owner and day under ARCHIVE_DIR, which the analytics
job picks up every night. Retention is handled by purge_old_days()."""
from __future__ import annotations

import contextlib
import json
import logging
import os
$imp_re
import time
from datetime import datetime, timezone
from pathlib import Path

from starlette.applications import Starlette
from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger("$slug.archive")

ARCHIVE_DIR = Path(os.environ.get("$ENVDIR", "/srv/$slug/archive"))
MAX_BATCH = $maxbatch
RETENTION_DAYS = $days
MAX_FIELD = $maxfield
$name_re

def clean_record(record: dict) -> dict:
    """Keeps scalar fields, truncates long strings and stamps the time the batch was received."""
    out: dict = {}
    for key, value in record.items():
        if not isinstance(key, str) or len(key) > 64:
            continue
        if isinstance(value, str):
            value = value[:MAX_FIELD]
        elif value is not None and not isinstance(value, (int, float, bool)):
            continue
        out[key] = value
    out["received_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return out


def append_batch(name: str, records: list[dict]) -> None:
    """Runs after the response is sent: appends the batch to today's file for this $owner."""
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    $pathline
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, separators=(",", ":")) + "\n")
    log.info("appended %d $items to %s", len(records), target)


async def ingest(request: Request) -> JSONResponse:
    $src
    $check
        return JSONResponse({"error": "unknown $owner"}, status_code=400)
    records = [clean_record(r) for r in $recs if isinstance(r, dict)]
    if not records or len(records) > MAX_BATCH:
        return JSONResponse({"error": f"send 1 to {MAX_BATCH} $items"}, status_code=413)
    tasks = BackgroundTasks()
    tasks.add_task(append_batch, name, records)
    return JSONResponse({"accepted": len(records)}, status_code=202, background=tasks)


$opts


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    log.info("archiving to %s", ARCHIVE_DIR)
    yield


app = Starlette(routes=[
    Route("$route", ingest, methods=["POST"])$routes,
], lifespan=lifespan)
$main'''

_ARCH_OPTS = [r'''
def purge_old_days(now: float | None = None) -> int:
    """Called by the nightly job: removes day files older than RETENTION_DAYS."""
    cutoff = (now or time.time()) - RETENTION_DAYS * 86400
    removed = 0
    for path in ARCHIVE_DIR.glob("*/*.jsonl"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    log.info("purged %d day files", removed)
    return removed
''', r'''
async def archive_stats(request: Request) -> JSONResponse:
    """Sizes per day file, for the operations dashboard (names come from the directory)."""
    files = sorted(ARCHIVE_DIR.glob("*/*.jsonl"))[-200:]
    return JSONResponse({"files": [{"file": str(p.relative_to(ARCHIVE_DIR)), "bytes": p.stat().st_size}
                                   for p in files]})
''', r'''
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": ARCHIVE_DIR.is_dir(), "time": int(time.time())})
''']

_MAIN = r'''


def main() -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8000")))


if __name__ == "__main__":
    main()
'''

_ARCH_ROUTES = [("archive_stats", 'Route("/archive/stats", archive_stats)'), ("health", 'Route("/healthz", health)')]


def _archive(c, safe, hn=False):
    Title, slug, Owners, owner, items, field = c.pick(
        ("Telemetry", "telemetry", "Devices", "device", "readings", "device_id"),
        ("Chat transcript", "transcripts", "Chat gateways", "channel", "messages", "channel"),
        ("Webhook delivery", "deliveries", "Integrations", "integration", "delivery records", "integration"),
        ("Point-of-sale journal", "posjournal", "Tills", "till", "journal lines", "till_id"))
    how = c.pick("json", "header", "query")
    fix = "hn" if hn else c.pick("validate", "sink")
    recs_key = c.pick("records", "items", "batch")
    opts = _opt(c, *_ARCH_OPTS, least=1, most=2)
    V = "" if safe else "  #@V"
    S = "" if safe else "  #@S"
    hdr = "X-" + "-".join(w.capitalize() for w in field.replace("_id", "").split("_")) + "-Id"
    if how == "json":
        src = (f"payload = await request.json()\n    name = str(payload.get(\"{field}\", \"\")).strip(){S}")
        recs = f'payload.get("{recs_key}", [])'
    elif how == "header":
        src = (f"name = request.headers.get(\"{hdr}\", \"\").strip(){S}\n    payload = await request.json()")
        recs = f'payload.get("{recs_key}", [])'
    else:
        src = (f"name = request.query_params.get(\"{field}\", \"\").strip(){S}\n    payload = await request.json()")
        recs = f'payload.get("{recs_key}", [])'
    use_re = fix in ("validate", "hn") and (safe or hn)
    if fix == "validate" and not safe:
        check = "if not name or len(name) > 64:" + V
    elif use_re:
        check = "if not NAME_RE.fullmatch(name):"
    else:
        check = "if not name or len(name) > 64:"
    if fix == "sink" and safe:
        pathline = ('target = (ARCHIVE_DIR / name / f"{day}.jsonl").resolve()\n'
                    '    if not target.is_relative_to(ARCHIVE_DIR.resolve()):\n'
                    '        log.warning("rejected archive name %r", name)\n'
                    '        return')
    else:
        pathline = 'target = ARCHIVE_DIR / name / f"{day}.jsonl"' + V
    route = c.pick(f"/{slug}", f"/{slug}/batches", f"/ingest/{slug}")
    out = sub(_ARCH, Title=Title, slug=slug, Owners=Owners, owner=owner, items=items, src=src, check=check,
               recs=recs, pathline=pathline, opts=opts, routes=_routes(opts, _ARCH_ROUTES), route=route,
               imp_re="import re" if use_re else "@@DROP@@",
               name_re='NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")\n' if use_re else "",
               ENVDIR=c.pick("ARCHIVE_DIR", f"{slug.upper()}_ARCHIVE", "SPOOL_DIR"),
               maxbatch=c.pick(500, 1000, 5000), days=c.pick(30, 90, 365), maxfield=c.pick(1024, 2048, 4096),
               main=c.pick("", _MAIN))
    return re.sub(r"\n@@DROP@@\n", "\n", out)


@fam("mod12-starlette-archive-bgtask-name-traversal", "CWE-22", fws=["starlette"], n=8, wrap=False)
def mod12_starlette_archive_bgtask_name_traversal(c):
    v, s = _replayed(c, _archive)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the archive name comes from the request (JSON field, header or query parameter) and only "
                      "its length is checked; the background task joins it under ARCHIVE_DIR, so '../..' or an "
                      "absolute path makes the service append attacker-controlled JSON lines to any file it can "
                      "write (path traversal on write). The fix allows only [A-Za-z0-9_-] names, or resolves the "
                      "target and drops the batch unless it stays inside ARCHIVE_DIR")


@hardneg(2)
def mod12_starlette_archive_bgtask_name_traversal_hn(c):
    return Spec(s=_archive(c, True, hn=True), full=True, fw="starlette",
                notes="the client-chosen name is checked against a strict [A-Za-z0-9_-] pattern before it is "
                      "joined under ARCHIVE_DIR; the other paths come from glob() of the archive itself")


# ---------------- CWE-601: stored return_to redirect after the e-mailed confirmation ----------------

_CONF = r'''
"""$Title for $site (Starlette + SQLAlchemy asyncio).

$flowdoc The page the visitor came from is remembered with the pending
row, so the link in the e-mail brings them back there once it is opened."""
from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import DateTime, String, delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from .models import $Model

log = logging.getLogger("$slug.confirm")

TOKEN_TTL = timedelta(hours=$hours)
MAIL_API = os.environ["MAIL_API_URL"]
engine = create_async_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
Session = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Pending(Base):
    __tablename__ = "$table"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    return_to: Mapped[str] = mapped_column(String(2000), default="/")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

$helper
async def send_link(email: str, link: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        resp = await client.post(MAIL_API, json={"to": email, "template": "$template", "link": link})
        resp.raise_for_status()


async def $apply_fn(session: AsyncSession, email: str) -> None:
    $apply


async def start(request: Request) -> JSONResponse:
    $src
    email = str($holder.get("email", "")).strip().lower()
    if "@" not in email or len(email) > 320:
        return JSONResponse({"error": "a valid e-mail address is required"}, status_code=400)
    token = secrets.token_urlsafe(32)
    async with Session() as session, session.begin():
        session.add(Pending(token=token, email=email, return_to=$stored,
                            expires_at=datetime.now(timezone.utc) + TOKEN_TTL))
    await send_link(email, str(request.url_for("$confirm", token=token)))
    log.info("$what link sent to %s", email)
    return JSONResponse({"status": "sent"}, status_code=202)


async def $confirm(request: Request) -> RedirectResponse | PlainTextResponse:
    async with Session() as session, session.begin():
        pending = await session.get(Pending, request.path_params["token"])
        if pending is None or pending.expires_at < datetime.now(timezone.utc):
            return PlainTextResponse("This link has expired.", status_code=410)
        await $apply_fn(session, pending.email)
        await session.delete(pending)
    log.info("$what confirmed for %s", pending.email)
    return RedirectResponse($target, status_code=303)$V


$opts


app = Starlette(routes=[
    Route("/$prefix", start, methods=["POST"]),
    Route("/$prefix/confirm/{token}", $confirm)$routes,
])
'''

_CONF_HELPER = r'''
def local_path(target: str | None) -> str:
    """A path on this site: no scheme, no host, no protocol-relative or backslash form."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return "/"
    return target

'''

_CONF_OPTS = [r'''
async def purge_expired() -> int:
    """Cron entry point: drops links that were never opened."""
    async with Session() as session, session.begin():
        result = await session.execute(delete(Pending).where(Pending.expires_at < datetime.now(timezone.utc)))
    log.info("purged %d expired links", result.rowcount)
    return result.rowcount
''', r'''
async def create_tables() -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
''', r'''
async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")
''']

_CONF_ROUTES = [("health", 'Route("/healthz", health)')]


def _confirm(c, safe, hn=False):
    Title, what, flowdoc, Model, apply, template = c.pick(
        ("Newsletter double opt-in", "opt-in",
         "A sign-up only becomes a subscription when the address owner opens the link we e-mail.",
         "Subscriber", 'session.add(Subscriber(email=email, confirmed_at=datetime.now(timezone.utc)))', "optin"),
        ("E-mail verification", "verification",
         "New accounts verify their address by opening the link we e-mail them.",
         "Account", 'await session.execute(update(Account).where(Account.email == email).values(email_verified=True))',
         "verify-email"),
        ("Event RSVP confirmation", "rsvp",
         "A reservation for an event is held until the guest confirms it from the e-mail.",
         "Rsvp", 'await session.execute(update(Rsvp).where(Rsvp.email == email, Rsvp.status == "held").values(status="confirmed"))',
         "rsvp-confirm"))
    site = c.pick("the community site", "the shop", "the events portal", "the product blog", "the help centre")
    how = c.pick("json", "form", "query")
    key = c.pick("return_to", "next", "continue")
    confirm = c.pick("confirm", "confirm_link", "open_link")
    opts = _opt(c, *_CONF_OPTS, least=1, most=2)
    S = "" if safe else "  #@S"
    if how == "json":
        src, holder = f"data = await request.json()\n    return_to = str(data.get(\"{key}\") or \"/\"){S}", "data"
    elif how == "form":
        src, holder = f"form = await request.form()\n    return_to = str(form.get(\"{key}\") or \"/\"){S}", "form"
    else:
        src, holder = f"return_to = request.query_params.get(\"{key}\", \"/\"){S}\n    data = await request.json()", "data"
    if hn:
        stored, target, V = "local_path(return_to)", "pending.return_to", ""
    elif safe:
        stored, target, V = "return_to", "local_path(pending.return_to)", ""
    else:
        stored, target, V = "return_to", "pending.return_to", "  #@V"
    slug = what.replace("-", "")
    return sub(_CONF, Title=Title, what=what, flowdoc=flowdoc, Model=Model, apply=apply, template=template,
               site=site, src=src, holder=holder, confirm=confirm, opts=opts, routes=_routes(opts, _CONF_ROUTES),
               stored=stored, target=target, V=V, helper=_CONF_HELPER if (safe or hn) else "",
               apply_fn=c.pick("mark_confirmed", f"apply_{slug}", "complete"), slug=slug,
               table=c.pick(f"pending_{slug}", "pending_links", "email_tokens"),
               prefix=c.pick(slug, f"{slug}/start", f"api/{slug}"), hours=c.pick(2, 24, 48))


@fam("mod12-starlette-confirm-stored-continue-redirect", "CWE-601", fws=["starlette"], n=8, wrap=False)
def mod12_starlette_confirm_stored_continue_redirect(c):
    v, s = _replayed(c, _confirm)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the return_to value of the start request is stored with the pending row unchecked and the "
                      "confirmation handler redirects to it; an attacker starts the flow for the victim's address "
                      "with return_to=https://evil.example, and the genuine e-mail from the site lands the victim "
                      "on the attacker's page (stored open redirect). The fix redirects only to a local path")


@hardneg(2)
def mod12_starlette_confirm_stored_continue_redirect_hn(c):
    return Spec(s=_confirm(c, True, hn=True), full=True, fw="starlette",
                notes="return_to is reduced to a local path before it is stored, so redirecting to the stored "
                      "value later cannot leave the site")


# ---------------- CWE-78: Litestar background conversion through a shell command string ----------------

_CONV = r'''
"""$Title service (Litestar).

Clients upload a $what with the output options and get a job id back; the conversion runs
as a background task with $tool, and the result is fetched from /jobs/{job_id}/result."""
from __future__ import annotations

import logging
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from litestar import Litestar, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import File, Response

log = logging.getLogger("$slug")

WORK_DIR = Path(os.environ.get("$ENVDIR", "/var/lib/$slug"))
TIMEOUT = $timeout


@dataclass
class Job:
    id: str
    source: Path
    $opt: str
    status: str = "queued"
    output: Path | None = None


@dataclass
class ConvertForm:
    file: UploadFile
    $opt: str = "$default"


JOBS: dict[str, Job] = {}


def run_conversion(job: Job) -> None:
    """Background task: converts job.source and records the output path or the failure."""
    out = $outexpr
    $cmd
    try:
        $call
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        job.status = "failed"
        log.warning("job %s failed: %s", job.id, exc)
        return
    job.output = out
    job.status = "done"
    log.info("job %s converted ($opt=%s)", job.id, job.$opt)


@post("/convert")
async def convert(data: Annotated[ConvertForm, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Response[dict]:
    job_id = uuid.uuid4().hex
    (WORK_DIR / job_id).mkdir(parents=True)
    source = WORK_DIR / job_id / "input$ext"
    source.write_bytes(await data.file.read())
    job = Job(id=job_id, source=source, $opt=data.$opt.strip())$S
    JOBS[job_id] = job
    log.info("job %s queued for %s", job_id, data.file.filename)
    return Response({"job": job_id}, status_code=202, background=BackgroundTask(run_conversion, job))


$opts


app = Litestar(route_handlers=[convert$handlers])
'''

_CONV_OPTS = [r'''
@get("/jobs/{job_id:str}")
async def job_status(job_id: str) -> dict:
    job = JOBS.get(job_id)
    if job is None:
        raise NotFoundException("no such job")
    return {"job": job.id, "status": job.status}
''', r'''
@get("/jobs/{job_id:str}/result")
async def job_result(job_id: str) -> File:
    job = JOBS.get(job_id)
    if job is None or job.status != "done" or job.output is None:
        raise NotFoundException("no finished job with that id")
    return File(path=job.output, filename=f"converted{job.output.suffix}")
''', r'''
@get("/healthz")
async def health() -> dict:
    return {"ok": WORK_DIR.is_dir(), "jobs": len(JOBS)}
''']


def _convert(c, safe):
    tool, Title, what, ext, opt, default, outexpr, vcmd, scmd = c.pick(
        ("LibreOffice", "Document conversion", "office document", ".docx", "fmt", "pdf",
         'job.source.with_suffix("." + job.fmt.split(":")[0])',
         'cmd = f"soffice --headless --convert-to {job.fmt} --outdir {job.source.parent} {job.source}"',
         'cmd = ["soffice", "--headless", "--convert-to", job.fmt, "--outdir", str(job.source.parent), str(job.source)]'),
        ("Ghostscript", "PDF compression", "PDF", ".pdf", "preset", "ebook",
         'job.source.with_name("compressed.pdf")',
         'cmd = f"gs -sDEVICE=pdfwrite -dPDFSETTINGS=/{job.preset} -dNOPAUSE -dBATCH -dQUIET -sOutputFile={out} {job.source}"',
         'cmd = ["gs", "-sDEVICE=pdfwrite", f"-dPDFSETTINGS=/{job.preset}", "-dNOPAUSE", "-dBATCH", "-dQUIET",\n'
         '           f"-sOutputFile={out}", str(job.source)]'),
        ("cwebp", "Image optimisation", "photo", ".jpg", "quality", "80",
         'job.source.with_suffix(".webp")',
         'cmd = f"cwebp -quiet -q {job.quality} {job.source} -o {out}"',
         'cmd = ["cwebp", "-quiet", "-q", job.quality, str(job.source), "-o", str(out)]'))
    callv, calls = c.pick(
        ("subprocess.run(cmd, shell=True, check=True, timeout=TIMEOUT, capture_output=True)",
         "subprocess.run(cmd, check=True, timeout=TIMEOUT, capture_output=True)"),
        ("subprocess.check_call(cmd, shell=True, timeout=TIMEOUT)",
         "subprocess.check_call(cmd, timeout=TIMEOUT)"),
        ("subprocess.check_output(cmd, shell=True, timeout=TIMEOUT, stderr=subprocess.STDOUT)",
         "subprocess.check_output(cmd, timeout=TIMEOUT, stderr=subprocess.STDOUT)"))
    opts = _opt(c, *_CONV_OPTS, least=1, most=3)
    handlers = "".join(", " + fn for fn in ("job_status", "job_result", "health") if f"def {fn}(" in opts)
    slug = Title.lower().replace(" ", "-")
    return sub(_CONV, Title=Title, what=what, tool=tool, ext=ext, opt=opt, default=default, outexpr=outexpr,
               cmd=scmd if safe else vcmd, call=calls if safe else callv + "  #@V", S="" if safe else "  #@S",
               opts=opts, handlers=handlers, slug=slug,
               ENVDIR=c.pick("WORK_DIR", "JOBS_DIR", f"{opt.upper()}_SPOOL"), timeout=c.pick(60, 120, 300))


@fam("mod12-litestar-convert-bgtask-shell-string", "CWE-78", fws=["starlette"], n=8, wrap=False)
def mod12_litestar_convert_bgtask_shell_string(c):
    v, s = _replayed(c, _convert)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="Litestar (framework label starlette): the multipart option field is a free string that is "
                      "stored on the Job and formatted into a command string run with shell=True by the background "
                      "task; 'pdf; curl ... | sh' runs any command as the service. The fix passes an argument list "
                      "without a shell, so the option is a single argument")


@hardneg(2)
def mod12_litestar_convert_bgtask_shell_string_hn(c):
    return Spec(s=_convert(c, True), full=True, fw="starlette",
                notes="the converter is run with an argument list and no shell; the client option is one argument")


# ---------------- CWE-502: authenticated import of an exported file with an unsafe loader ----------------

_IMP = r'''
"""$Title import and export for $app (Starlette).

Users download their $things as a $fmtname file and import it again on another workspace.
Only the known fields of each entry are kept; rows are written through the SQLAlchemy async session."""
from __future__ import annotations

import logging
import os
$deser_imports
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .auth import SessionTokenBackend
from .models import $Model

log = logging.getLogger("$slug.transfer")

MAX_UPLOAD = $maxkb * 1024
FIELDS = $fields

engine = create_async_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
Session = async_sessionmaker(engine, expire_on_commit=False)


def parse_snapshot(raw: bytes) -> list[dict[str, Any]]:
    """The entries of an exported file that carry every known field."""
    $parse
    entries = doc.get("$things", []) if isinstance(doc, dict) else []
    return [{k: str(e[k]) for k in FIELDS} for e in entries if isinstance(e, dict) and all(k in e for k in FIELDS)]


def dump_snapshot(entries: list[dict[str, Any]]) -> bytes:
    $dump


async def existing_keys(session: AsyncSession, owner: str) -> set[str]:
    """The $key values the user already has, so importing the same file twice adds nothing."""
    rows = await session.scalars(select($Model.$key).where($Model.owner_id == owner))
    return set(rows.all())


@requires("authenticated")
async def import_$things(request: Request) -> JSONResponse:
    $src
    if len(raw) > MAX_UPLOAD:
        return JSONResponse({"error": "file too large"}, status_code=413)
    entries = parse_snapshot(raw)
    added = 0
    async with Session() as session, session.begin():
        known = await existing_keys(session, request.user.identity)
        for entry in entries:
            if entry["$key"] in known:
                continue
            session.add($Model(owner_id=request.user.identity, **entry))
            known.add(entry["$key"])
            added += 1
    log.info("%s imported %d of %d $things", request.user.identity, added, len(entries))
    return JSONResponse({"imported": added, "skipped": len(entries) - added})


@requires("authenticated")
async def export_$things(request: Request) -> Response:
    async with Session() as session:
        rows = (await session.scalars(select($Model).where($Model.owner_id == request.user.identity))).all()
    body = dump_snapshot([{k: getattr(r, k) for k in FIELDS} for r in rows])
    return Response(body, media_type="$mime",
                    headers={"Content-Disposition": 'attachment; filename="$things.$ext"'})


$opts


app = Starlette(
    routes=[
        Route("/$things/import", import_$things, methods=["POST"]),
        Route("/$things/export", export_$things)$routes,
    ],
    middleware=[Middleware(AuthenticationMiddleware, backend=SessionTokenBackend())],
)
'''

_IMP_OPTS = [r'''
@requires("authenticated")
async def count_$things(request: Request) -> JSONResponse:
    async with Session() as session:
        total = await session.scalar(select(func.count()).select_from($Model).where($Model.owner_id == request.user.identity))
    return JSONResponse({"count": total or 0})
''', r'''
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})
''']


def _import(c, safe, hn=False):
    Title, app, things, Model, fields = c.pick(
        ("Saved search", "the job board", "searches", "SavedSearch", '("name", "query", "sort")'),
        ("Dashboard layout", "the metrics portal", "dashboards", "Dashboard", '("title", "layout", "refresh")'),
        ("Bookmark", "the reading app", "bookmarks", "Bookmark", '("url", "title", "folder")'),
        ("Feed subscription", "the news reader", "feeds", "Feed", '("url", "title", "category")'))
    fmt = c.pick("yaml", "yaml_unsafe", "pickle")
    if hn:
        fmt = c.pick("yaml_safeloader", "yaml")
    how = c.pick("form", "body")
    opts = _opt(c, *_IMP_OPTS, least=0, most=2)
    S = "" if safe else "  #@S"
    if fmt == "pickle":
        fmtname, ext, mime = ("JSON", "json", "application/json") if safe else ("snapshot", "pkl", "application/octet-stream")
        deser = "import json" if safe else "import pickle"
        parse = "doc = json.loads(raw)" if safe else "doc = pickle.loads(raw)  #@V"
        dump = ('return json.dumps({"$things": entries}, indent=2).encode()' if safe
                else 'return pickle.dumps({"$things": entries})')
    else:
        fmtname, ext, mime, deser = "YAML", "yaml", "application/yaml", "import yaml"
        dump = 'return yaml.safe_dump({"$things": entries}, sort_keys=False, allow_unicode=True).encode()'
        if fmt == "yaml_safeloader":
            parse = "doc = yaml.load(raw, Loader=yaml.SafeLoader)"
        elif safe:
            parse = "doc = yaml.safe_load(raw)"
        elif fmt == "yaml":
            parse = "doc = yaml.load(raw, Loader=yaml.Loader)  #@V"
        else:
            parse = "doc = yaml.unsafe_load(raw)  #@V"
    if how == "form":
        src = ("form = await request.form()\n    upload = form.get(\"file\")\n"
               "    if upload is None or isinstance(upload, str):\n"
               "        return JSONResponse({\"error\": \"attach the exported file\"}, status_code=400)\n"
               f"    raw = await upload.read(){S}")
    else:
        src = f"raw = await request.body(){S}"
    routes = ""
    if "def count_$things(" in opts:
        routes += ',\n        Route("/$things/count", count_$things)'
    if "def health(" in opts:
        routes += ',\n        Route("/healthz", health)'
    return sub(_IMP, Title=Title, app=app, things=things, Model=Model, fields=fields, fmtname=fmtname, ext=ext,
               mime=mime, deser_imports=deser, parse=parse, dump=dump, src=src, opts=opts, routes=routes,
               slug=things, maxkb=c.pick(256, 512, 1024), key=fields.split('"')[1])


@fam("mod12-starlette-snapshot-import-unsafe-loader", "CWE-502", fws=["starlette"], n=8, wrap=False)
def mod12_starlette_snapshot_import_unsafe_loader(c):
    v, s = _replayed(c, _import)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="any signed-in user uploads an 'exported' file that is parsed with yaml.load(Loader=yaml.Loader), "
                      "yaml.unsafe_load or pickle.loads; a crafted file (!!python/object/apply or a pickle __reduce__) "
                      "runs code in the server process before the fields are filtered. The fix parses with "
                      "yaml.safe_load or switches the snapshot format to JSON")


@hardneg(2)
def mod12_starlette_snapshot_import_unsafe_loader_hn(c):
    return Spec(s=_import(c, True, hn=True), full=True, fw="starlette",
                notes="the uploaded YAML is parsed with yaml.safe_load or yaml.load(..., Loader=yaml.SafeLoader), "
                      "which build only plain data")


# ---------------- CWE-863: @requires approver scope, but the requester may approve their own request ----------------

_APPR = r'''
"""$Title approvals (Starlette + SQLAlchemy asyncio).

Anyone signed in can submit a $thing; members whose token carries the "$scope" scope approve
it. $why"""
from __future__ import annotations

import hashlib
import logging
import os
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from starlette.applications import Starlette
from starlette.authentication import (AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser,
                                      requires)
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .models import ApiToken, $Model

log = logging.getLogger("$slug.approvals")

engine = create_async_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
Session = async_sessionmaker(engine, expire_on_commit=False)


class StaffUser(BaseUser):
    def __init__(self, username: str, full_name: str) -> None:
        self.username = username
        self.full_name = full_name

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.full_name

    @property
    def identity(self) -> str:
        return self.username


class TokenBackend(AuthenticationBackend):
    """Bearer tokens issued by the SSO bridge; the token row lists the granted scopes."""

    async def authenticate(self, conn: HTTPConnection):
        header = conn.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        digest = hashlib.sha256(header[7:].encode()).hexdigest()
        async with Session() as session:
            token = await session.scalar(select(ApiToken).where(ApiToken.digest == digest))
        if token is None or token.revoked:
            raise AuthenticationError("invalid token")
        return AuthCredentials(["authenticated", *token.scopes.split()]), StaffUser(token.username, token.full_name)


@requires("authenticated")
async def submit(request: Request) -> JSONResponse:
    data = await request.json()
    item = $Model($create_kw, requested_by=request.user.identity, status="pending")
    async with Session() as session, session.begin():
        session.add(item)
    log.info("%s submitted $thing %s", request.user.identity, item.id)
    return JSONResponse({"id": item.id, "status": item.status}, status_code=201)


@requires(["authenticated", "$scope"])
async def approve(request: Request) -> JSONResponse:
    item_id = request.path_params["item_id"]
    async with Session() as session, session.begin():
        $fetch
        if item is None or item.status != "pending":
            raise HTTPException(status_code=404, detail="no pending $thing with that id")
        $guard
        item.status = "approved"
        item.approved_by = request.user.identity
        item.decided_at = datetime.now(timezone.utc)
    log.info("%s approved $thing %s", request.user.identity, item_id)
    return JSONResponse({"id": item_id, "status": "approved"})


$opts


app = Starlette(
    routes=[
        Route("/$things", submit, methods=["POST"]),
        Route("/$things/{item_id:int}/approve", approve, methods=["POST"])$routes,
    ],
    middleware=[Middleware(AuthenticationMiddleware, backend=TokenBackend())],
)
'''

_APPR_OPTS = [r'''
@requires("authenticated")
async def withdraw(request: Request) -> JSONResponse:
    """The requester may withdraw a $thing that is still pending."""
    async with Session() as session, session.begin():
        item = await session.get($Model, request.path_params["item_id"])
        if item is None or item.requested_by != request.user.identity or item.status != "pending":
            raise HTTPException(status_code=404, detail="no pending $thing of yours with that id")
        item.status = "withdrawn"
    return JSONResponse({"id": item.id, "status": "withdrawn"})
''', r'''
@requires(["authenticated", "$scope"])
async def queue(request: Request) -> JSONResponse:
    """Pending $things, oldest first, for the approvers' inbox."""
    async with Session() as session:
        rows = (await session.scalars(select($Model).where($Model.status == "pending").order_by($Model.id).limit(100))).all()
    return JSONResponse([{"id": r.id, "requested_by": r.requested_by, $summary} for r in rows])
''', r'''
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})
''']

_APPR_ROUTES = [("withdraw", 'Route("/$things/{item_id:int}/withdraw", withdraw, methods=["POST"])'),
                ("queue", 'Route("/$things/pending", queue)'), ("health", 'Route("/healthz", health)')]


def _approve(c, safe, hn=False):
    Title, thing, things, Model, scope, why, create_kw, summary = c.pick(
        ("Refund", "refund", "refunds", "RefundRequest", "refunds:approve",
         "Refunds above the desk limit need a second person: nobody may approve a refund they requested.",
         'order_id=int(data["order_id"]), amount_cents=int(data["amount_cents"]), reason=str(data.get("reason", ""))[:500]',
         '"amount_cents": r.amount_cents'),
        ("Production release", "release", "releases", "Release", "deploy:approve",
         "Promotion to production is a four-eyes control: an engineer cannot approve their own release.",
         'service=str(data["service"]), version=str(data["version"]), notes=str(data.get("notes", ""))[:2000]',
         '"service": r.service, "version": r.version'),
        ("Vendor payment", "payment", "payments", "PaymentRequest", "payments:approve",
         "Payments are approved by a second member of finance, never by the person who entered them.",
         'vendor_id=int(data["vendor_id"]), amount_cents=int(data["amount_cents"]), iban=str(data["iban"])',
         '"vendor_id": r.vendor_id, "amount_cents": r.amount_cents'),
        ("Firewall change", "change", "changes", "ChangeRequest", "changes:approve",
         "Rule changes are peer-reviewed: the requester of a change cannot approve it.",
         'rule=str(data["rule"])[:1000], justification=str(data.get("justification", ""))[:2000]',
         '"rule": r.rule'))
    shape = c.pick("missing", "display_name", "approved_by")
    opts = _opt(c, *_APPR_OPTS, least=0, most=1)
    get_line = f"item = await session.get({Model}, item_id)"
    good_guard = ("if item.requested_by == request.user.identity:\n"
                  f"            raise HTTPException(status_code=403, detail=\"you cannot approve your own {thing}\")")
    if hn:
        fetch = (f"item = await session.scalar(select({Model}).where({Model}.id == item_id,\n"
                 f"                                                     {Model}.requested_by != request.user.identity))")
        guard = "@@DROP@@"
    elif shape == "missing":
        fetch = get_line + ("" if safe else "  #@V")
        guard = good_guard if safe else "@@DROP@@"
    else:
        fetch = get_line + ("" if safe else "  #@V")
        wrong = "item.requested_by == request.user.display_name" if shape == "display_name" \
            else "item.approved_by == request.user.identity"
        guard = good_guard if safe else (
            f"if {wrong}:  #@V\n"
            f"            raise HTTPException(status_code=403, detail=\"you cannot approve your own {thing}\")")
    out = sub(_APPR, Title=Title, thing=thing, things=things, Model=Model, scope=scope, why=why,
              create_kw=create_kw, summary=summary, fetch=fetch, guard=guard, opts=opts,
              routes=_routes(opts, _APPR_ROUTES, "        "), slug=things)
    if shape == "missing" and not safe and not hn:
        # the check is missing: mark the protected action as well as the unconstrained fetch
        out = out.replace('        item.status = "approved"\n', '        item.status = "approved"  #@V\n', 1)
    return re.sub(r"\n[ ]*@@DROP@@\n", "\n", out)


@fam("mod12-starlette-requires-approval-self-approve", "CWE-863", fws=["starlette"], n=8, wrap=False)
def mod12_starlette_requires_approval_self_approve(c):
    v, s = _replayed(c, _approve)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="approving is restricted with @requires to the approver scope, but the policy is four-eyes: "
                      "the requester must not approve their own request. The check is missing, or compares the "
                      "stored username with the display name (never equal) or with approved_by (still empty), so "
                      "an approver submits and approves their own refund / release / payment. The fix rejects "
                      "the request when requested_by equals request.user.identity")


@hardneg(2)
def mod12_starlette_requires_approval_self_approve_hn(c):
    return Spec(s=_approve(c, True, hn=True), full=True, fw="starlette",
                notes="the approve query itself excludes the caller's own requests (requested_by != identity)")


# ---------------- CWE-209: IntegrityError text sent to the client ----------------

_INT = r'''
"""$Title API for $site (Starlette + SQLAlchemy asyncio).

$doc
Duplicate $uniq values are rejected by the unique index; the handler turns the IntegrityError
into a 409 response."""
from __future__ import annotations

import logging
import os
import secrets

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .models import $Model

log = logging.getLogger("$slug")

PUBLIC_FIELDS = $public
hasher = PasswordHasher()
engine = create_async_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
Session = async_sessionmaker(engine, expire_on_commit=False)


def public_fields(row: $Model) -> dict:
    """What the API shows about a $thing: never the stored hashes."""
    return {name: getattr(row, name) for name in PUBLIC_FIELDS}


def validate(data: dict) -> str | None:
    """The first problem with the submitted fields, or None."""
    $validate
    return None


async def create(request: Request) -> JSONResponse:
    data = await request.json()
    problem = validate(data)
    if problem:
        return JSONResponse({"error": problem}, status_code=400)
    $prepare
    row = $Model($row_kw)
    async with Session() as session:
        session.add(row)
        try:
            await session.commit()
        except IntegrityError as exc:
            await session.rollback()
            log.warning("duplicate $uniq on create: %s", exc.orig)
            $errline
    log.info("$thing %s created", row.id)
    return JSONResponse($created, status_code=201)


$opts


app = Starlette(routes=[
    Route("/$things", create, methods=["POST"])$routes,
])
$main'''

_INT_OPTS = [r'''
async def lookup(row_id: int) -> dict | None:
    """Used by the operators' CLI (scripts/admin.py), which runs on the database host; not routed."""
    async with Session() as session:
        row = await session.scalar(select($Model).where($Model.id == row_id))
    return public_fields(row) if row is not None else None
''', r'''
async def recent(limit: int = 20) -> list[dict]:
    """The newest $things, for the operators' CLI overview; not routed."""
    limit = max(1, min(limit, 100))
    async with Session() as session:
        rows = (await session.scalars(select($Model).order_by($Model.id.desc()).limit(limit))).all()
    return [public_fields(r) for r in rows]
''', r'''
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})
''']

_INT_ROUTES = [("health", 'Route("/healthz", health)')]


def _integrity(c, safe, hn=False):
    Title, thing, things, Model, uniq, doc, validate, prepare, row_kw, created = c.pick(
        ("Sign-up", "account", "accounts", "Account", "email",
         "New users register with an e-mail address and a password (argon2 hashed).",
         'email = str(data.get("email", ""))\n    if "@" not in email or len(email) > 320:\n'
         '        return "a valid e-mail address is required"\n'
         '    if len(str(data.get("password", ""))) < 12:\n        return "the password needs at least 12 characters"',
         'password_hash = hasher.hash(str(data["password"]))',
         'email=data["email"].strip().lower(), password_hash=password_hash, display_name=str(data.get("name", ""))[:80]',
         '{"id": row.id, "email": row.email}'),
        ("Developer registration", "developer", "developers", "Developer", "username",
         "Developers register a public username with a password (argon2 hashed) to publish packages.",
         'username = str(data.get("username", ""))\n    if not username.isidentifier() or len(username) > 39:\n'
         '        return "username must be an identifier of at most 39 characters"\n'
         '    if len(str(data.get("password", ""))) < 12:\n        return "the password needs at least 12 characters"',
         'password_hash = hasher.hash(str(data["password"]))',
         'username=data["username"], password_hash=password_hash, bio=str(data.get("bio", ""))[:280]',
         '{"id": row.id, "username": row.username}'),
        ("Workspace sign-up", "workspace", "workspaces", "Workspace", "slug",
         "A new customer creates a workspace with a unique slug and an owner password (argon2 hashed); the invite code for colleagues is generated and shown once.",
         'slug = str(data.get("slug", ""))\n    if not slug.isidentifier() or len(slug) > 40:\n'
         '        return "slug must be an identifier of at most 40 characters"\n'
         '    if "@" not in str(data.get("owner_email", "")):\n        return "a valid owner e-mail address is required"\n'
         '    if len(str(data.get("password", ""))) < 12:\n        return "the password needs at least 12 characters"',
         'invite = secrets.token_urlsafe(24)\n    password_hash = hasher.hash(str(data["password"]))',
         'slug=data["slug"], owner_email=str(data["owner_email"]).strip().lower(), owner_password_hash=password_hash, invite_hash=hasher.hash(invite)',
         '{"id": row.id, "slug": row.slug, "invite": invite}'))
    public = {"account": '("id", "email", "display_name")', "developer": '("id", "username", "bio")',
              "workspace": '("id", "slug")'}[thing]
    site = c.pick("the developer portal", "the SaaS console", "the booking platform", "the analytics suite")
    form = c.pick("json", "http", "repr")
    opts = _opt(c, *_INT_OPTS, least=1, most=3)
    msg = f"that {uniq} is already in use"
    if form == "http":
        vline = f'raise HTTPException(status_code=409, detail=f"could not create {thing}: {{exc}}")'
        sline = f'raise HTTPException(status_code=409, detail="{msg}")'
    elif form == "repr":
        vline = 'return JSONResponse({"error": "conflict", "detail": repr(exc)}, status_code=409)'
        sline = f'return JSONResponse({{"error": "conflict", "detail": "{msg}"}}, status_code=409)'
    else:
        vline = 'return JSONResponse({"error": str(exc)}, status_code=409)'
        sline = f'return JSONResponse({{"error": "{msg}"}}, status_code=409)'
    errline = sline if (safe or hn) else vline + "  #@V"
    if hn:
        errline = f'log.exception("create failed for {uniq}")\n            ' + sline
    return sub(_INT, Title=Title, thing=thing, things=things, Model=Model, uniq=uniq, doc=doc, site=site,
               validate=validate, prepare=prepare, row_kw=row_kw, created=created, errline=errline, opts=opts,
               routes=_routes(opts, _INT_ROUTES), slug=things.replace("-", "_"), public=public,
               main=c.pick("", _MAIN))


@fam("mod12-starlette-integrity-error-detail", "CWE-209", fws=["starlette"], n=8, wrap=False)
def mod12_starlette_integrity_error_detail(c):
    v, s = _replayed(c, _integrity)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the text of an SQLAlchemy IntegrityError is returned in the 409 body: str() (the f-string "
                      "and str(exc) forms) holds the driver message with the constraint and key, the full INSERT "
                      "statement and its bound parameters (the argon2 password hash, the invite hash); repr() still "
                      "names the driver, the constraint and the schema; the fix logs the error and returns a "
                      "fixed message")


@hardneg(2)
def mod12_starlette_integrity_error_detail_hn(c):
    return Spec(s=_integrity(c, True, hn=True), full=True, fw="starlette",
                notes="the IntegrityError is logged server-side with log.exception and the client gets a fixed "
                      "message")
