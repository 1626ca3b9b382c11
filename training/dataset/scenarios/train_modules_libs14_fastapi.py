"""Train-only whole-module FastAPI families (libs14 set, mod14-fastapi-*): FastAPI services of about 80-110 lines
in domains not used before (logistics, veterinary clinic, event ticketing, research lab inventory, club
membership, municipal permits), each with exactly one weak statement and a twin that differs only by the
minimal fix.

- mod14-fastapi-shipment-depot-repo-sqli (89): a shipment-tracking router whose repository function formats
  the depot / carrier / route / hub value into a SQLAlchemy Core ``text()`` or sqlite3 statement, while every
  other query binds its values.
- mod14-fastapi-vet-visit-summary-html (79): a clinic's printable visit summary returned as an
  ``HTMLResponse`` built with f-strings; one stored free-text field (entered by owners at intake or by
  staff) is interpolated without ``html.escape`` while the others are escaped.
- mod14-fastapi-ticket-file-join (22): a ticket-delivery service that serves PDF tickets / wallet passes
  with ``FileResponse`` on a path joined from the order directory and a query / path value.
- mod14-fastapi-lab-inventory-redis-pickle (502): a read-through cache in the institute's shared Redis
  that unpickles the stored bytes.
- mod14-fastapi-permit-callback-bgtask (918): a permit-application API whose BackgroundTasks job posts
  the decision to the applicant's callback URL with no host allow-list.
- mod14-fastapi-club-office-router-role (862): an office router where every endpoint depends on
  ``require_role(...)`` except one, which only authenticates the member.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, sub_nested
from registry import fam, hardneg


def _s(_tmpl, **kw):
    """``module_kit.sub_nested`` with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


# ---------------- CWE-89: shipment repository pastes one filter into text() / sqlite3 SQL ----------------

_SHIP = r'''
"""Shipment tracking API for $company (FastAPI + $dbdoc).

Dispatchers list the open shipments of a $col; the handhelds of the drivers post scan
events. Callers are authenticated by the API gateway in front of this service."""
from __future__ import annotations

import logging
import os
$stdimp
from fastapi import APIRouter, Depends, FastAPI, $fimpHTTPException
from pydantic import BaseModel$dbimp

log = logging.getLogger("$logname")

app = FastAPI(title="$company shipments")
router = APIRouter(prefix="/shipments", tags=["shipments"])
$dbsetup


class ScanEvent(BaseModel):
    tracking_no: str
    location: str
    status: str


def find_by_tracking(conn, tracking_no: str) -> dict | None:
    """One shipment by its tracking number."""
$byno


def $repofn(conn, $col: str, limit: int = $page) -> list[dict]:
    """Shipments of one $col that are not delivered yet, newest first."""
$repo


$opts


@router.get("$route")
def list_by_$col($param, conn=Depends(get_conn)) -> list[dict]:
    """The dispatch board of one $col."""
    $x = $read  #@S
    rows = $repofn(conn, $x)
    log.info("%d open shipments for $col %s", len(rows), $x)
    return rows


@router.get("/{tracking_no}")
def get_shipment(tracking_no: str, conn=Depends(get_conn)) -> dict:
    row = find_by_tracking(conn, tracking_no)
    if row is None:
        raise HTTPException(status_code=404, detail="unknown tracking number")
    return row


app.include_router(router)
'''

_SHIP_SA = r'''
engine = create_engine(os.environ.get("SHIPMENTS_DB", "$dsn"), pool_pre_ping=True)


def get_conn():
    """A connection per request, returned to the pool afterwards."""
    with engine.connect() as conn:
        yield conn
'''

_SHIP_LITE = r'''
DB_PATH = os.environ.get("SHIPMENTS_DB", "$dbfile")


def get_conn():
    """A sqlite3 connection per request (rows behave like dicts)."""
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()
'''

_SHIP_OPTS = [r'''
def record_scan(conn, event: ScanEvent) -> None:
    conn.execute(text("INSERT INTO scan_events (tracking_no, location, status) VALUES (:no, :loc, :st)"),
                 {"no": event.tracking_no, "loc": event.location, "st": event.status})
    conn.execute(text("UPDATE shipments SET status = :st WHERE tracking_no = :no"),
                 {"st": event.status, "no": event.tracking_no})
    conn.commit()


@router.post("/scans", status_code=201)
def post_scan(event: ScanEvent, conn=Depends(get_conn)) -> dict:
    """A scan event from a driver's handheld."""
    if find_by_tracking(conn, event.tracking_no) is None:
        raise HTTPException(status_code=404, detail="unknown tracking number")
    record_scan(conn, event)
    return {"recorded": event.tracking_no}
''', r'''
@router.get("/stats/by-status")
def status_counts(conn=Depends(get_conn)) -> dict[str, int]:
    """How many shipments are in each status (fixed SQL, no input)."""
    rows = conn.execute(text("SELECT status, COUNT(*) FROM shipments GROUP BY status")).fetchall()
    return {status: count for status, count in rows}
''', r'''
def scan_history(conn, tracking_no: str) -> list[tuple]:
    sql = text("SELECT location, status, scanned_at FROM scan_events WHERE tracking_no = :no ORDER BY scanned_at")
    return [tuple(r) for r in conn.execute(sql, {"no": tracking_no}).fetchall()]


@router.get("/{tracking_no}/history")
def get_history(tracking_no: str, conn=Depends(get_conn)) -> list[tuple]:
    return scan_history(conn, tracking_no)
''']


def _ship(c, safe):
    backend = c.pick("sa", "sqlite")
    col = c.pick("depot", "carrier", "route_code", "hub")
    src = c.pick("query", "header", "path")
    shape = c.pick("fstring", "percent", "format", "concat")
    x = c.pick("wanted", col, "code", "key")
    repofn = c.pick(f"open_shipments_for_{col}", f"find_open_by_{col}", f"shipments_by_{col}")
    page = c.pick(50, 100, 200)
    opts = _opt(c, *_SHIP_OPTS, least=1)
    company = c.pick("Nordfracht", "Harbor Line Freight", "Coastal Parcel", "Tri-County Haulage")
    logname = c.pick("shipments", "tracking.api", "dispatch")
    dsn = c.pick("postgresql+psycopg2://tracker@db/shipments", "postgresql+psycopg://dispatch@pg/freight",
                 "mysql+pymysql://tracker@db/shipments")
    dbfile = c.pick("shipments.db", "/var/lib/tracking/shipments.sqlite3")
    slug = col.replace("_", "-")
    if src == "query":
        param, read, route, fimp = f"{col}: str = Query(..., min_length=2, max_length=40)", f"{col}.strip()", f"/by-{slug}", "Query, "
    elif src == "header":
        param, read, route, fimp = f"x_{col}: str = Header(...)", f"x_{col}.strip()", "/board", "Header, "
    else:
        param, read, route, fimp = "value: str", "value.strip().upper()", f"/by-{slug}/{{value}}", ""
    cond_tail = "AND status != 'delivered' ORDER BY created_at DESC LIMIT"
    base = f"SELECT tracking_no, status, eta, consignee FROM shipments WHERE {col} = "
    ph_limit, ph_val = (":limit", ":value") if backend == "sa" else ("?", "?")
    if shape == "fstring":
        vexpr = f"f\"{base}'{{{col}}}' {cond_tail} {ph_limit}\""
    elif shape == "percent":
        vexpr = f"\"{base}'%s' {cond_tail} {ph_limit}\" % {col}"
    elif shape == "format":
        vexpr = f"\"{base}'{{}}' {cond_tail} {ph_limit}\".format({col})"
    else:
        vexpr = f"\"{base}'\" + {col} + \"' {cond_tail} {ph_limit}\""
    sexpr = f"\"{base}{ph_val} {cond_tail} {ph_limit}\""
    if backend == "sa":
        dbimp, stdimp = "\nfrom sqlalchemy import create_engine, text", ""
        dbsetup = _SHIP_SA.replace("$dsn", dsn)
        dbdoc = "SQLAlchemy Core"
        byno = ('    row = conn.execute(text("SELECT * FROM shipments WHERE tracking_no = :no"), {"no": tracking_no}).mappings().first()\n'
                "    return dict(row) if row else None")
        if safe:
            repo = (f"    stmt = text({sexpr})\n"
                    f'    return [dict(r) for r in conn.execute(stmt, {{"value": {col}, "limit": limit}}).mappings()]')
        else:
            repo = (f"    stmt = text({vexpr})  #@V\n"
                    '    return [dict(r) for r in conn.execute(stmt, {"limit": limit}).mappings()]')
    else:
        dbimp, stdimp = "", "import sqlite3\n"
        dbsetup = _SHIP_LITE.replace("$dbfile", dbfile)
        dbdoc = "sqlite3"
        byno = ('    row = conn.execute("SELECT * FROM shipments WHERE tracking_no = ?", (tracking_no,)).fetchone()\n'
                "    return dict(row) if row else None")
        if safe:
            repo = (f"    sql = {sexpr}\n"
                    f"    return [dict(r) for r in conn.execute(sql, ({col}, limit)).fetchall()]")
        else:
            repo = (f"    sql = {vexpr}  #@V\n"
                    "    return [dict(r) for r in conn.execute(sql, (limit,)).fetchall()]")
        opts = re.sub(r'text\(("[^"]*")\)', r"\1", opts)
    return _s(_SHIP, dbimp=dbimp, stdimp=stdimp, dbsetup=dbsetup, dbdoc=dbdoc, byno=byno, repo=repo, opts=opts,
              param=param, read=read, route=route, fimp=fimp, repofn=repofn, col=col, x=x, page=page,
              company=company, logname=logname)


@fam("mod14-fastapi-shipment-depot-repo-sqli", "CWE-89", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_shipment_depot_repo_sqli(c):
    v, s = _replayed(c, _ship)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the endpoint hands the depot / carrier / route value from the query string, a header or the "
                      "path to a repository function that formats it inside quotes into the SQL (SQLAlchemy text() "
                      "or sqlite3), while every other statement binds its values; a quote rewrites the WHERE clause "
                      "(' OR '1'='1, UNION SELECT). The fix binds it as :value / ? like the limit")


@hardneg(2)
def mod14_fastapi_shipment_depot_repo_sqli_hn(c):
    s = _ship(c, True)
    sa = "import create_engine, text" in s
    q = 'f"SELECT tracking_no, status FROM shipments ORDER BY {column}"'
    s = s.replace("\n\napp.include_router(router)", f'''

SORTS = {{"eta": "eta", "created": "created_at", "consignee": "consignee"}}


@router.get("/export/sorted")
def export_sorted(sort: str = "eta", conn=Depends(get_conn)) -> list[tuple]:
    """The column name comes from a fixed mapping; no value is formatted into the SQL."""
    column = SORTS.get(sort, "eta")
    return [tuple(r) for r in conn.execute({"text(" + q + ")" if sa else q}).fetchall()]


app.include_router(router)''')
    return Spec(s=s, full=True, fw="fastapi",
                notes="every value is bound (:value / ?); the only formatted part is an allow-listed column name")
# ---------------- CWE-79: visit summary HTMLResponse with one stored field not escaped ----------------

_VET = r'''
"""Visit summaries for $clinic (FastAPI + sqlite3).

Owners register their animals through the intake form; after each consultation the vet
adds findings and home-care instructions. The summary page is opened from the owner
portal and printed at the front desk."""
from __future__ import annotations

import html
import logging
import os
import sqlite3
from datetime import date

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

log = logging.getLogger("$logname")

app = FastAPI(title="$clinic")
DB_PATH = os.environ.get("CLINIC_DB", "$dbfile")
SPECIES = ("dog", "cat", "rabbit", "bird", "reptile", "other")


class Intake(BaseModel):
    pet_name: str = Field(max_length=60)
    species: str
    owner_name: str = Field(max_length=80)
    owner_note: str = Field(default="", max_length=2000)


def db() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    return conn


@app.post("/patients", status_code=201)
def register(intake: Intake) -> dict:
    """The owner portal's intake form."""
    if intake.species not in SPECIES:
        raise HTTPException(status_code=422, detail="unknown species")
    with db() as conn:
        cur = conn.execute("INSERT INTO patients (pet_name, species, owner_name, owner_note) VALUES (?, ?, ?, ?)",
                           (intake.pet_name, intake.species, intake.owner_name, intake.owner_note))
    log.info("registered patient %d", cur.lastrowid)
    return {"id": cur.lastrowid}


def load_visit(visit_id: int) -> sqlite3.Row | None:
    with db() as conn:
        return conn.execute(
            "SELECT v.id, v.visit_date, v.findings, v.weight_kg, p.pet_name, p.species, p.owner_name, p.owner_note "
            "FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.id = ?", (visit_id,)).fetchone()


$opts


@app.get("/visits/{visit_id}/summary", response_class=HTMLResponse)
def visit_summary(visit_id: int) -> HTMLResponse:
    """The printable summary of one visit."""
    visit = load_visit(visit_id)
    if visit is None:
        raise HTTPException(status_code=404, detail="no such visit")
$body
'''

_VET_OPTS = [r'''
@app.get("/visits/{visit_id}/weight")
def weight(visit_id: int) -> dict:
    visit = load_visit(visit_id)
    if visit is None:
        raise HTTPException(status_code=404, detail="no such visit")
    return {"pet": visit["pet_name"], "weight_kg": visit["weight_kg"]}
''', r'''
def age_in_days(visit_date: str) -> int:
    """Days since the visit, for the reminder banner."""
    return (date.today() - date.fromisoformat(visit_date)).days
''', r'''
@app.get("/healthz")
def healthz() -> dict:
    with db() as conn:
        conn.execute("SELECT 1")
    return {"ok": True}
''']

# the free-text fields of the page: (local name, row key, label, html element)
_VET_FIELDS = [("pet", "pet_name", "Patient", "h1"), ("owner", "owner_name", "Owner", "p"),
               ("note", "owner_note", "Owner's note", "blockquote"), ("findings", "findings", "Findings", "pre")]


def _vet(c, safe):
    weak = c.pick(*range(len(_VET_FIELDS)))
    order = list(range(len(_VET_FIELDS)))
    c.rng.shuffle(order)
    shape = c.pick("lines", "card", "parts")
    title = c.pick("Visit summary", "Consultation report", "Checkout sheet")
    opts = _opt(c, *_VET_OPTS, least=1)
    reads, cells = [], []
    for i in order:
        var, key, label, el = _VET_FIELDS[i]
        weak_here = i == weak and not safe
        reads.append(f'    {var} = visit["{key}"]' + ("  #@S" if i == weak else ""))
        val = var if weak_here else f"html.escape({var})"
        cells.append((f"<{el} class='{key.replace('_', '-')}'>{label}: {{{val}}}</{el}>", weak_here))
    head = ('    species = visit["species"] if visit["species"] in SPECIES else "other"\n'
            + "\n".join(reads))
    if shape == "lines":
        body = [f'    page = [f"<html><head><title>{title}</title></head><body>"]']
        for cell, w in cells:
            body.append(f'    page.append(f"{cell}")' + ("  #@V" if w else ""))
        body.append('    page.append(f"<p>{species}, {visit[\'weight_kg\']} kg, seen on {visit[\'visit_date\']}</p>")')
        body.append('    page.append("</body></html>")')
        body.append('    return HTMLResponse("\\n".join(page))')
    elif shape == "card":
        body = [f'    content = f"""<html><head><title>{title}</title></head><body>']
        for cell, w in cells:
            body.append(f"      {cell}" + ("  #@V" if w else ""))
        body.append("      <p>{species}, {visit['weight_kg']} kg, seen on {visit['visit_date']}</p>")
        body.append('    </body></html>"""')
        body.append("    return HTMLResponse(content=content, status_code=200)")
    else:
        body = ["    parts = ["]
        for cell, w in cells:
            body.append(f'        f"{cell}",' + ("  #@V" if w else ""))
        body.append("    ]")
        body.append(f'    html_doc = "<html><head><title>{title}</title></head><body>" + "".join(parts) + "</body></html>"')
        body.append('    log.info("summary of visit %d rendered", visit_id)')
        body.append("    return HTMLResponse(html_doc)")
    return _s(_VET, body=head + "\n" + "\n".join(body), opts=opts,
              clinic=c.pick("Riverside Veterinary Clinic", "Oak Lane Animal Hospital", "PawsFirst Vets", "Hillcrest Vet Practice"),
              logname=c.pick("clinic", "vet.visits", "summaries"), dbfile=c.pick("clinic.db", "/srv/clinic/data.sqlite3"))


@fam("mod14-fastapi-vet-visit-summary-html", "CWE-79", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_vet_visit_summary_html(c):
    v, s = _replayed(c, _vet)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the summary page is an HTMLResponse built with f-strings from the stored visit; one free-text "
                      "field (pet or owner name, owner's note from the intake form, or findings) is interpolated "
                      "without html.escape while the others are escaped, so markup stored through the intake form "
                      "runs in the browser of staff and owners opening the summary. The fix escapes it too")


@hardneg(2)
def mod14_fastapi_vet_visit_summary_html_hn(c):
    return Spec(s=_vet(c, True), full=True, fw="fastapi",
                notes="every stored free-text field is passed through html.escape before it is put into the HTMLResponse")


# ---------------- CWE-22: ticket files served with FileResponse on a joined path ----------------

_TIX = r'''
"""Ticket delivery for $org (FastAPI).

After checkout the ticket worker renders the PDF tickets and wallet passes of an order into
TICKET_ROOT/<order reference>/. Buyers open the links of their confirmation e-mail, which
carry the order reference and the access key of the order."""
from __future__ import annotations

import hmac
import logging
import os
import re
from pathlib import Path

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse

log = logging.getLogger("$logname")

app = FastAPI(title="$org tickets")
TICKET_ROOT = Path(os.environ.get("TICKET_ROOT", "$root")).resolve()
ORDER_REF = re.compile(r"^[A-Z0-9]{$reflen}$")
MEDIA_TYPES = {".pdf": "application/pdf", ".pkpass": "application/vnd.apple.pkpass", ".png": "image/png"}


def order_dir(ref: str, key: str) -> Path:
    """The directory of an order whose access key matches, or 404."""
    if not ORDER_REF.match(ref):
        raise HTTPException(status_code=404, detail="unknown order")
    directory = TICKET_ROOT / ref
    try:
        expected = (directory / ".access-key").read_text().strip()
    except FileNotFoundError:
        raise HTTPException(status_code=404, detail="unknown order") from None
    if not hmac.compare_digest(expected, key):
        raise HTTPException(status_code=404, detail="unknown order")
    return directory


$opts


@app.get("$route")
def download(ref: str, $param) -> FileResponse:
    """One ticket file of the order, as an attachment."""
    directory = order_dir(ref, key)
    $x = $read  #@S
$join
    if not os.path.isfile(target):
        raise HTTPException(status_code=404, detail="no such ticket")
    media_type = MEDIA_TYPES.get(os.path.splitext(target)[1], "application/octet-stream")
    log.info("order %s: sending %s", ref, os.path.basename(target))
    return FileResponse(target, media_type=media_type, filename=os.path.basename(target))
'''

_TIX_OPTS = [r'''
@app.get("/orders/{ref}/tickets")
def list_tickets(ref: str, key: str = Query(...)) -> dict:
    """The files rendered for the order so far."""
    directory = order_dir(ref, key)
    files = sorted(p.name for p in directory.iterdir() if p.suffix in MEDIA_TYPES)
    return {"order": ref, "files": files}
''', r'''
@app.get("/orders/{ref}/status")
def render_status(ref: str, key: str = Query(...)) -> dict:
    """Whether the ticket worker has finished the order."""
    directory = order_dir(ref, key)
    return {"order": ref, "ready": (directory / ".done").exists()}
''', r'''
@app.get("/healthz")
def healthz() -> dict:
    return {"ok": TICKET_ROOT.is_dir()}
''', r'''
def order_size(directory: Path) -> int:
    """Bytes used by the rendered files of an order (reported to the box-office dashboard)."""
    return sum(p.stat().st_size for p in directory.iterdir() if p.is_file())


@app.get("/orders/{ref}/usage")
def usage(ref: str, key: str = Query(...)) -> dict:
    directory = order_dir(ref, key)
    return {"order": ref, "bytes": order_size(directory)}
''', r'''
@app.post("/orders/{ref}/rerender", status_code=202)
def rerender(ref: str, key: str = Query(...)) -> dict:
    """Ask the ticket worker to render the order again (it watches for the marker file)."""
    directory = order_dir(ref, key)
    (directory / ".done").unlink(missing_ok=True)
    (directory / ".rerender").touch()
    log.info("order %s queued for re-rendering", ref)
    return {"order": ref, "queued": True}
''']


def _tix(c, safe):
    src = c.pick("name", "seat", "pathparam")
    joiner = c.pick("ospath", "pathlib")
    fix = c.pick("realpath", "basename")
    x = c.pick("wanted", "requested", "fname")
    opts = _opt(c, *_TIX_OPTS, least=2)
    if src == "name":
        route, param, read = "/orders/{ref}/file", "name: str = Query(...), key: str = Query(...)", "name.strip()"
        joined_os, joined_pl = f"os.path.join(directory, {x})", f"directory / {x}"
    elif src == "seat":
        route, param, read = "/orders/{ref}/seat", "seat: str = Query(...), key: str = Query(...)", "seat.strip()"
        joined_os, joined_pl = f'os.path.join(directory, f"{{{x}}}.pdf")', f'directory / f"{{{x}}}.pdf"'
    else:
        route, param, read = "/orders/{ref}/files/{name:path}", "name: str, key: str = Query(...)", "name"
        joined_os, joined_pl = f"os.path.join(directory, {x})", f"directory / {x}"
    if fix == "basename":
        if safe:
            if src == "seat":
                pre = f"    {x} = os.path.basename({x})\n"
            else:
                pre = f"    {x} = os.path.basename({x})\n"
        else:
            pre = ""
        line = f"    target = {joined_os}" if joiner == "ospath" else f"    target = str({joined_pl})"
        join = pre + line + ("" if safe else "  #@V")
    else:
        if joiner == "ospath":
            line = f"    target = {joined_os}"
            if safe:
                join = (f"    target = os.path.realpath({joined_os[:]})\n"
                        "    if not target.startswith(str(directory) + os.sep):\n"
                        '        raise HTTPException(status_code=404, detail="no such ticket")')
            else:
                join = line + "  #@V"
        else:
            if safe:
                join = (f"    resolved = ({joined_pl}).resolve()\n"
                        "    if not resolved.is_relative_to(directory):\n"
                        '        raise HTTPException(status_code=404, detail="no such ticket")\n'
                        "    target = str(resolved)")
            else:
                join = f"    target = str({joined_pl})  #@V"
    return _s(_TIX, join=join, opts=opts, route=route, param=param, read=read, x=x,
              org=c.pick("Lakeside Arena", "Northern Lights Festival", "Civic Theatre", "Stadium Events Ltd"),
              logname=c.pick("tickets", "delivery", "box_office"), root=c.pick("/srv/tickets", "/var/lib/tickets", "/data/orders"),
              reflen=c.pick(8, 10, 12))


@fam("mod14-fastapi-ticket-file-join", "CWE-22", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_ticket_file_join(c):
    v, s = _replayed(c, _tix)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the order directory is checked (reference pattern, access key), but the file name or seat from "
                      "the query string or a {name:path} segment is joined under it and served with FileResponse as "
                      "is, so ../ walks into other orders (their tickets) or out of TICKET_ROOT. The fix keeps only "
                      "the base name, or resolves the path and requires it to stay inside the order directory")


@hardneg(2)
def mod14_fastapi_ticket_file_join_hn(c):
    return Spec(s=_tix(c, True), full=True, fw="fastapi",
                notes="the requested name is reduced to its base name, or the resolved path is checked to lie in the order directory")


# ---------------- CWE-502: lab inventory read-through cache unpickles values from the shared Redis ----------------

_LAB = r'''
"""Reagent and equipment inventory of the $lab (FastAPI + SQLAlchemy Core + Redis).

Lookups are cached in the institute's shared Redis, which the booking, ordering and LIMS
services use as well; entries expire after CACHE_TTL seconds and are dropped when a
stock movement is recorded."""
from __future__ import annotations

$stdimps
from typing import Any

$redisimp
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import create_engine, select, update
from $pkg.tables import items

log = logging.getLogger("$logname")

app = FastAPI(title="$lab inventory")
engine = create_engine(os.environ.get("INVENTORY_DB", "$dsn"))
CACHE_TTL = int(os.environ.get("CACHE_TTL", "$ttl"))
$client


class Movement(BaseModel):
    delta: int = Field(ge=-10000, le=10000)
    reason: str = Field(max_length=200)


$cache


def load_item(item_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(items).where(items.c.id == item_id)).mappings().first()
    return dict(row) if row else None


@app.get("/items/{item_id}")
$defkw get_item(item_id: int) -> dict:
    """An inventory item, from the cache when possible."""
    key = f"$prefix:item:{item_id}"
    item = $awcache_get(key)
    if item is None:
        item = load_item(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="unknown item")
        $awcache_put(key, item)
    return item


@app.post("/items/{item_id}/movements")
$defkw record_movement(item_id: int, movement: Movement) -> dict:
    """Book a stock movement and drop the cached copy."""
    with engine.begin() as conn:
        res = conn.execute(update(items).where(items.c.id == item_id).values(quantity=items.c.quantity + movement.delta))
    if res.rowcount == 0:
        raise HTTPException(status_code=404, detail="unknown item")
    $aw$dropcall
    log.info("item %d moved by %d (%s)", item_id, movement.delta, movement.reason)
    return {"id": item_id, "delta": movement.delta}
$opts
'''

_LAB_OPTS = [r'''

@app.get("/healthz")
$defkw healthz() -> dict:
    return {"redis": bool($awrds.ping())}
''', r'''

def low_stock(threshold: int = 5) -> list[dict]:
    """Items at or below the reorder threshold (never cached: the ordering service polls it)."""
    with engine.connect() as conn:
        rows = conn.execute(select(items.c.id, items.c.name, items.c.quantity).where(items.c.quantity <= threshold))
        return [dict(r) for r in rows.mappings()]
''', r'''

@app.get("/items/{item_id}/location")
$defkw item_location(item_id: int) -> dict:
    item = load_item(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="unknown item")
    return {"room": item["room"], "shelf": item["shelf"]}
''']


def _lab(c, safe, hn=False):
    mode = c.pick("sync", "async")
    shape = c.pick("funcs", "helper")
    prefix = c.pick("inv", "lab-inventory", "stock")
    opts = "".join(c.rng.sample([o.strip("\n") and "\n\n" + o.strip("\n") for o in _LAB_OPTS], c.rng.randint(1, 3)))
    aw = "await " if mode == "async" else ""
    defkw = "async def" if mode == "async" else "def"
    if mode == "async":
        redisimp = "import redis.asyncio as redis"
        client = 'rds = redis.from_url(os.environ.get("CACHE_URL", "redis://cache.lab.internal:6379/2"))'
    else:
        redisimp = "import redis"
        client = 'rds = redis.Redis(host=os.environ.get("CACHE_HOST", "cache.lab.internal"), port=6379, db=2)'
    ser = "json" if (safe or hn) else "pickle"
    dec = "json.loads(raw)" if (safe or hn) else "pickle.loads(raw)"
    enc = "json.dumps(value, default=str)" if (safe or hn) else "pickle.dumps(value)"
    vm = "" if (safe or hn) else "  #@V"
    if shape == "funcs":
        cache = (f'{defkw} cache_get(key: str) -> Any | None:\n'
                 f'    """The cached value of key, or None."""\n'
                 f"    raw = {aw}rds.get(key)  #@S\n"
                 f"    if raw is None:\n        return None\n"
                 f"    return {dec}{vm}\n\n\n"
                 f"{defkw} cache_put(key: str, value: Any) -> None:\n"
                 f"    {aw}rds.set(key, {enc}, ex=CACHE_TTL)")
    else:
        cache = (f"def _decode(raw: bytes) -> Any:\n    return {dec}{vm}\n\n\n"
                 f"def _encode(value: Any) -> bytes:\n    return {enc}\n\n\n"
                 f'{defkw} cache_get(key: str) -> Any | None:\n'
                 f"    raw = {aw}rds.get(key)  #@S\n"
                 f"    return None if raw is None else _decode(raw)\n\n\n"
                 f"{defkw} cache_put(key: str, value: Any) -> None:\n"
                 f"    {aw}rds.setex(key, CACHE_TTL, _encode(value))")
    if hn:
        cache = cache.replace("  #@S", "")
    dropcall = f'rds.delete(f"{prefix}:item:{{item_id}}")'
    out = _s(_LAB, cache=cache, opts=opts, stdimps="\n".join(sorted(["import logging", "import os", f"import {ser}"])), redisimp=redisimp, client=client, aw=aw, defkw=defkw,
             dropcall=dropcall, prefix=prefix,
             lab=c.pick("Structural Biology lab", "Organic Synthesis group", "Neurogenetics lab", "Materials Characterisation facility"),
             logname=c.pick("inventory", "lab.stock", "reagents"), pkg=c.pick("labinv", "inventory", "stockroom"),
             dsn=c.pick("postgresql+psycopg2://inventory@db/lab", "sqlite:///inventory.db"), ttl=c.pick(300, 600, 3600))
    return out


@fam("mod14-fastapi-lab-inventory-redis-pickle", "CWE-502", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_lab_inventory_redis_pickle(c):
    v, s = _replayed(c, _lab)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the read-through cache stores pickled dicts in the institute's shared Redis and unpickles "
                      "whatever bytes it finds under the key; any service or host that can write to that Redis "
                      "(booking, ordering, LIMS, a compromised client) plants a pickle that runs code in this API "
                      "on the next lookup. The fix stores the cached rows as JSON")


@hardneg(2)
def mod14_fastapi_lab_inventory_redis_pickle_hn(c):
    return Spec(s=_lab(c, True, hn=True), full=True, fw="fastapi",
                notes="the shared-Redis cache holds JSON documents, decoded with json.loads")


# ---------------- CWE-918: permit decision posted to the applicant's callback URL by a background task ----------------

_PERMIT = r'''
"""Building and street-use permit applications for the $city (FastAPI).

Contractors' planning software files applications through this API and may register a
callback URL; when a clerk decides an application, a background task posts the decision
there so the contractor's system does not have to poll."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from urllib.parse import urlsplit
from uuid import uuid4

$httpimp
from fastapi import BackgroundTasks, FastAPI, HTTPException
from pydantic import BaseModel, Field

log = logging.getLogger("$logname")

app = FastAPI(title="$city permits")
CALLBACK_HOSTS = frozenset(os.environ.get("PERMIT_CALLBACK_HOSTS", "$hosts").split(","))
KINDS = ("building", "street_use", "scaffolding", "event", "signage")
APPLICATIONS: dict[str, dict] = {}  # the clerk UI's store; replaced by the records database in production


class Application(BaseModel):
    kind: str
    address: str = Field(max_length=200)
    applicant: str = Field(max_length=120)
    description: str = Field(max_length=4000)
    callback_url: str | None = None


class Decision(BaseModel):
    approved: bool
    conditions: str = Field(default="", max_length=2000)


def post_decision(callback_url: str, ref: str, payload: dict) -> None:
    """Background task: tell the applicant's system about the decision."""
$guard$sink
    if resp.status_code >= 400:
        log.warning("callback for %s answered %d", ref, resp.status_code)


@app.post("/applications", status_code=201)
def file_application(application: Application$bgsubmit) -> dict:
    if application.kind not in KINDS:
        raise HTTPException(status_code=422, detail="unknown permit kind")
    ref = "$refprefix-" + uuid4().hex[:10].upper()
    APPLICATIONS[ref] = {**application.model_dump(), "status": "filed",  #@S
                         "filed_at": datetime.now(timezone.utc).isoformat()}
$submitextra    log.info("application %s filed (%s)", ref, application.kind)
    return {"reference": ref}


@app.post("/applications/{ref}/decision")
def decide(ref: str, decision: Decision, background_tasks: BackgroundTasks) -> dict:
    """A clerk's decision; the applicant's system is told in the background."""
    record = APPLICATIONS.get(ref)
    if record is None:
        raise HTTPException(status_code=404, detail="unknown application")
    record["status"] = "approved" if decision.approved else "refused"
    record["conditions"] = decision.conditions
    if record.get("callback_url"):
        payload = {"reference": ref, "status": record["status"], "conditions": decision.conditions}
        background_tasks.add_task(post_decision, record["callback_url"], ref, payload)
    return {"reference": ref, "status": record["status"]}
$opts
'''

_PERMIT_OPTS = [r'''

@app.get("/applications/{ref}")
def status(ref: str) -> dict:
    record = APPLICATIONS.get(ref)
    if record is None:
        raise HTTPException(status_code=404, detail="unknown application")
    return {"reference": ref, "status": record["status"], "kind": record["kind"]}
''', r'''

@app.get("/kinds")
def kinds() -> list[str]:
    """The permit kinds the city accepts."""
    return list(KINDS)
''', r'''

@app.delete("/applications/{ref}", status_code=204)
def withdraw(ref: str) -> None:
    if APPLICATIONS.pop(ref, None) is None:
        raise HTTPException(status_code=404, detail="unknown application")
    log.info("application %s withdrawn", ref)
''']


def _permit(c, safe):
    lib = c.pick("httpx", "requests", "httpx_request")
    receipt = c.pick(True, False)
    opts = "".join(c.rng.sample(["\n\n" + o.strip("\n") for o in _PERMIT_OPTS], c.rng.randint(1, 3)))
    timeout = c.pick(5, 10, 15)
    scheme_only = c.pick(True, False)
    if lib == "httpx":
        httpimp, call = "import httpx", f"resp = httpx.post(callback_url, json=payload, timeout={timeout})"
        exc = "httpx.HTTPError"
    elif lib == "requests":
        httpimp, call = "import requests", f"resp = requests.post(callback_url, json=payload, timeout={timeout})"
        exc = "requests.RequestException"
    else:
        httpimp, call = "import httpx", f'resp = httpx.request("POST", callback_url, json=payload, timeout={timeout}, follow_redirects=False)'
        exc = "httpx.HTTPError"
    mark = "" if safe else "  #@V"
    sink = (f"    try:\n        {call}{mark}\n"
            f"    except {exc} as exc:\n"
            '        log.warning("callback for %s failed: %s", ref, exc)\n        return')
    guard = ""
    if safe:
        guard = ("    parts = urlsplit(callback_url)\n"
                 '    if parts.scheme != "https" or parts.hostname not in CALLBACK_HOSTS:\n'
                 '        log.warning("callback host %s of %s is not registered", parts.hostname, ref)\n'
                 "        return\n")
    else:
        guard = ('    if urlsplit(callback_url).scheme not in ("http", "https"):  #@V\n'
                 "        return\n") if scheme_only else ""
    bgsubmit, submitextra = "", ""
    if receipt:
        bgsubmit = ", background_tasks: BackgroundTasks"
        submitextra = ("    if application.callback_url:\n"
                       '        background_tasks.add_task(post_decision, application.callback_url, ref, {"reference": ref, "status": "filed"})\n')
    return _s(_PERMIT, guard=guard, sink=sink, httpimp=httpimp, bgsubmit=bgsubmit, submitextra=submitextra, opts=opts,
              city=c.pick("City of Westbrook", "Borough of Ashford", "Municipality of Lindenau", "Town of Port Carey"),
              logname=c.pick("permits", "permits.api", "planning"), refprefix=c.pick("BP", "PRM", "APP"),
              hosts=c.pick("api.permitflow.example,hooks.buildsoft.example", "callbacks.planbase.example",
                           "partner.contractorhub.example,api.siteplan.example"))


@fam("mod14-fastapi-permit-callback-bgtask", "CWE-918", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_permit_callback_bgtask(c):
    v, s = _replayed(c, _permit)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the callback URL of a permit application is stored as filed and later posted to by a "
                      "BackgroundTasks job, with at most a scheme check; an applicant registers "
                      "http://169.254.169.254/... or an internal admin host and the city's server sends requests "
                      "there (and reports the status code). The fix requires https and a registered callback host "
                      "(CALLBACK_HOSTS) before posting")


# ---------------- CWE-862: one office endpoint lacks Depends(require_role(...)) ----------------

_CLUB = r'''
"""Membership office API of the $club (FastAPI router).

Members sign in through the club portal, whose bearer tokens are resolved by
current_member(); office roles ($roles) are stored with each member and checked by
require_role() on every office endpoint."""
from __future__ import annotations

import logging
from datetime import date

from fastapi import APIRouter, Depends, Header, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from $pkg.auth import member_from_token
from $pkg.db import get_session
from $pkg.models import Member, Payment

log = logging.getLogger("$logname")

router = APIRouter(prefix="/office", tags=["office"])


def current_member(authorization: str = Header(...), session: Session = Depends(get_session)) -> Member:
    """The signed-in member, from the portal's bearer token."""
    member = member_from_token(session, authorization.removeprefix("Bearer ").strip())
    if member is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in first")
    return member


def require_role(*roles: str):
    """A dependency letting through members who hold one of the office roles."""
    def checker(member: Member = Depends(current_member)) -> Member:
        if not set(roles) & set(member.roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "office role required")
        return member
    return checker


class StatusChange(BaseModel):
    status: str
    reason: str = ""


class PaymentIn(BaseModel):
    amount_cents: int
    period: str


def get_member_or_404(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such member")
    return member


$endpoints
'''

# name: (decorator, signature tail, role, body); the actor parameter is spliced in
_CLUB_EPS = {
    "roster": ('@router.get("/members")', "session: Session = Depends(get_session)", '"secretary", "board"',
               '''    rows = session.scalars(select(Member).order_by(Member.last_name)).all()
    log.info("roster read by %s", actor.id)
    return [{"id": m.id, "name": m.full_name, "email": m.email, "phone": m.phone} for m in rows]  #@P'''),
    "status": ('@router.post("/members/{member_id}/status")', "member_id: int, change: StatusChange, session: Session = Depends(get_session)",
               '"secretary", "board"',
               '''    if change.status not in ("active", "suspended", "lapsed"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown status")
    member = get_member_or_404(session, member_id)
    member.status = change.status
    session.commit()  #@P
    log.info("member %d set to %s by %s (%s)", member_id, change.status, actor.id, change.reason)
    return {"id": member_id, "status": change.status}'''),
    "payment": ('@router.post("/members/{member_id}/payments", status_code=201)',
                "member_id: int, body: PaymentIn, session: Session = Depends(get_session)", '"treasurer"',
                '''    member = get_member_or_404(session, member_id)
    session.add(Payment(member_id=member.id, amount_cents=body.amount_cents, period=body.period,
                        recorded_by=actor.id, recorded_on=date.today()))
    session.commit()  #@P
    return {"member": member_id, "period": body.period}'''),
    "delete": ('@router.delete("/members/{member_id}", status_code=204)', "member_id: int, session: Session = Depends(get_session)",
               '"secretary"',
               '''    member = get_member_or_404(session, member_id)
    session.delete(member)  #@P
    session.commit()
    log.warning("member %d removed by %s", member_id, actor.id)'''),
    "grant": ('@router.post("/members/{member_id}/roles/{role}")', "member_id: int, role: str, session: Session = Depends(get_session)",
              '"board"',
              '''    if role not in ("secretary", "treasurer", "board", "steward"):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown role")
    member = get_member_or_404(session, member_id)
    member.roles = sorted(set(member.roles) | {role})
    session.commit()  #@P
    log.info("role %s granted to %d by %s", role, member_id, actor.id)
    return {"id": member_id, "roles": member.roles}'''),
}

_CLUB_FN = {"roster": "list_members", "status": "set_status", "payment": "record_payment", "delete": "remove_member",
            "grant": "grant_role"}


def _club(c, safe, hn=False):
    keys = list(_CLUB_EPS)
    chosen = c.rng.sample(keys, c.rng.randint(3, 4))
    weak = c.pick(*chosen)
    public_calendar = c.pick(True, False)
    blocks = []
    for k in chosen:
        deco, sig, role, body = _CLUB_EPS[k]
        is_weak = k == weak and not safe and not hn
        dep = "current_member" if is_weak else f"require_role({role})"
        defline = f"def {_CLUB_FN[k]}({sig}, actor: Member = Depends({dep}))" + (" -> None:" if k == "delete" else ":")
        if is_weak:
            defline += "  #@V"
            body = body.replace("  #@P", "  #@V")
        else:
            body = body.replace("  #@P", "")
        doc = f'    """Office: {k} (roles {role.replace(chr(34), "")})."""'
        blocks.append(f"{deco}\n{defline}\n{doc}\n{body}")
    if hn and public_calendar:
        blocks.append('@router.get("/calendar")\ndef public_calendar() -> list[dict]:\n'
                      '    """The public meeting calendar (no sign-in: it is on the club website too)."""\n'
                      '    return [{"date": d, "title": t} for d, t in MEETINGS]')
    out = _s(_CLUB, endpoints="\n\n\n".join(blocks),
             club=c.pick("St. Aidan's parish council", "Riverside Rowing Club", "Harmony Choir Society", "Elmwood Chess Club"),
             roles=c.pick("secretary, treasurer, board", "board, secretary, treasurer, steward"),
             pkg=c.pick("clubapp", "membership", "parish"), logname=c.pick("office", "club.office", "membership"))
    if hn and public_calendar:
        out = out.replace('router = APIRouter(prefix="/office", tags=["office"])',
                          'router = APIRouter(prefix="/office", tags=["office"])\nMEETINGS = [("2025-01-14", "Annual general meeting"), ("2025-03-11", "Spring committee")]')
    return out


@fam("mod14-fastapi-club-office-router-role", "CWE-862", fws=["fastapi"], n=8, wrap=False)
def mod14_fastapi_club_office_router_role(c):
    v, s = _replayed(c, _club)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="every office endpoint depends on require_role(...) except one, which only depends on "
                      "current_member: any signed-in member can read the roster with contact details, change a "
                      "member's status, record payments, remove members or grant office roles. The fix puts the "
                      "endpoint behind require_role like the others")


@hardneg(2)
def mod14_fastapi_club_office_router_role_hn(c):
    return Spec(s=_club(c, True, hn=True), full=True, fw="fastapi",
                notes="every office endpoint depends on require_role(...); the only public route is the meeting calendar")
