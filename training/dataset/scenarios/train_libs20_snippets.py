"""Train-only snippet families in applications no other family uses (ride-hailing dispatch, court-records
portal, newsroom CMS, farm sensor gateway, genomics pipeline), each in a code shape of its own:

- errors-dispatch-html-fragment-db-error (209): an htmx-style endpoint that assigns a driver to a ride
  and, when the database driver raises, renders the exception text (str / repr / pgerror / formatted
  traceback, HTML-escaped) into the HTML error fragment it swaps into the page;
- expose-party-autocomplete-contact-columns (200): a name autocomplete (sqlite3, SQLAlchemy Core or a
  Django raw cursor) whose query returns other people's e-mail / phone / address columns with the names;
- priv-self-update-bulk-fields (269): a "PATCH my account" endpoint that passes every posted field to a
  bulk update (SQLAlchemy update().values(**fields), Django QuerySet.update(**fields), Mongo $set), so
  the caller sets their own role / is_staff / scopes column;
- authn-gateway-key-empty-default (287): a gateway endpoint comparing the posted API key with a key read
  from the environment with an empty default and .strip(); with the variable unset, an empty key passes;
- tmp-dated-report-csv-served (377): a CSV report written to /tmp/<name>-<date>.csv (predictable, shared
  directory, followed symlinks) and then served as a download;
- dos-readings-limit-uncapped-db (400): a `limit` query parameter converted with int() and handed to the
  database (sqlite LIMIT ?, SQLAlchemy .limit(), pymongo .limit()) with no upper bound.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import shell_pair, sub
from registry import WEB_FWS, fam, hardneg


def _html_resp(c, expr_body="fragment", status="status"):
    """(ret expression, imports) returning an HTML fragment with a status, per framework."""
    if c.fw == "flask":
        return f"{expr_body}, {status}", ""
    if c.fw == "django":
        return f"HttpResponse({expr_body}, status={status})", "from django.http import HttpResponse"
    if c.fw == "fastapi":
        return f"HTMLResponse({expr_body}, status_code={status})", "from fastapi.responses import HTMLResponse"
    return f'web.Response(text={expr_body}, status={status}, content_type="text/html")', ""


# ---------------- CWE-209: DB error text rendered into an HTML error fragment ----------------

_DISPATCH_DB = {
    "sqlite3": ("import sqlite3", 'db = sqlite3.connect("dispatch.db", check_same_thread=False)', "sqlite3.Error", "?"),
    "psycopg2": ("import os\nimport psycopg2", 'db = psycopg2.connect(os.environ["DISPATCH_DSN"])', "psycopg2.Error", "%s"),
    "pymysql": ("import os\nimport pymysql",
                'db = pymysql.connect(host="db.dispatch.internal", user="dispatch",\n'
                '                     password=os.environ["DISPATCH_DB_PASSWORD"], database="dispatch")',
                "pymysql.MySQLError", "%s"),
}


@fam("errors-dispatch-html-fragment-db-error", "CWE-209", fws=WEB_FWS, keys=["ride_id", "trip_id", "pickup_id"],
     n=8, wrap=False)
def errors_dispatch_fragment(c):
    c.word = c.pick("ride", "trip", "pickup")
    x = c.x
    lib = c.pick(*_DISPATCH_DB)
    imp, conn, err, ph = _DISPATCH_DB[lib]
    shape = c.pick("str", "repr", "traceback", "tmpl") if lib != "psycopg2" else c.pick("str", "pgerror", "traceback", "tmpl")
    cls = c.pick("alert alert-danger", "notice error", "flash is-danger")
    tag = c.pick("div", "p", "li")
    lg = c.pick("log", "logger", "dispatch_log")
    order = c.pick("last_seen DESC", "rating DESC, last_seen DESC", "distance_km ASC")
    ret, rimp = _html_resp(c)
    helpers = conn
    vimp = ""
    if shape == "str":
        vline = f"fragment = f'<{tag} class=\"{cls}\">Dispatch failed: {{html.escape(str(exc))}}</{tag}>'"
    elif shape == "repr":
        vline = f"fragment = '<{tag} class=\"{cls}\">' + html.escape(repr(exc)) + '</{tag}>'"
    elif shape == "pgerror":
        vline = f"fragment = '<{tag} class=\"{cls}\">' + html.escape(exc.pgerror or str(exc)) + '</{tag}>'"
    elif shape == "traceback":
        vline = f"fragment = '<pre class=\"{cls}\">' + html.escape(traceback.format_exc()) + '</pre>'"
        vimp = "import traceback"
    else:
        helpers += f"\nERROR_FRAGMENT = '<{tag} class=\"{cls}\">Could not dispatch: {{detail}}</{tag}>'"
        vline = "fragment = ERROR_FRAGMENT.format(detail=html.escape(str(exc)))"
    helpers += f'\n{lg} = logging.getLogger("dispatch")'
    if shape == "tmpl":
        sline = 'fragment = ERROR_FRAGMENT.format(detail="please retry (ref " + incident + ")")'
    else:
        sline = (f"fragment = '<{tag} class=\"{cls}\">Dispatch failed, please retry (ref ' + incident + ').</{tag}>'"
                 if shape != "traceback" else
                 f"fragment = '<pre class=\"{cls}\">Dispatch failed, please retry (ref ' + incident + ').</pre>'")
    no_driver = True  # driver[0] on None would escape the except clause

    def body(safe):
        lines = ["try:", "    cur = db.cursor()",
                 f"    cur.execute(\"SELECT id, name FROM drivers WHERE status = 'idle' ORDER BY {order} LIMIT 1\")",
                 "    driver = cur.fetchone()"]
        if no_driver:
            lines += ["    if driver is None:",
                      f"        fragment = '<{tag} class=\"notice\">No driver available yet.</{tag}>'",
                      "        status = 409", "    else:"]
            ind = "        "
        else:
            ind = "    "
        lines += [ind + f"cur.execute(\"UPDATE {c.word}s SET driver_id = {ph}, status = 'assigned' WHERE id = {ph}\", (driver[0], {x}))",
                  ind + "db.commit()",
                  ind + f"fragment = '<{tag} class=\"assigned\">Driver ' + html.escape(str(driver[1])) + ' assigned</{tag}>'",
                  ind + "status = 200",
                  f"except {err} as exc:", "    db.rollback()"]
        if safe:
            lines += ["    incident = uuid.uuid4().hex[:8]",
                      f'    {lg}.exception("dispatch of {c.word} %s failed (ref %s)", {x}, incident)', "    " + sline]
        else:
            lines += ["    " + vline + "  #@V"]
        lines.append("    status = 500")
        return "\n".join(lines)

    return shell_pair(c, body(False), body(True), helpers, helpers, imports=f"import html\nimport logging\n{imp}\n{rimp}",
                      vimports=vimp, simports="import uuid", ret=ret, raw=True,
                      notes=f"when the {lib} call fails, the driver's error text ({shape}) is rendered into the HTML "
                            "fragment shown to the user: table, column and constraint names, SQL fragments and "
                            "server details leak; escaping stops XSS, not the disclosure; the fix logs the exception "
                            "server-side and renders a generic message with an incident reference")


@hardneg(3)
def errors_dispatch_fragment_hn(c):
    c.word = c.pick("ride", "trip")
    x = c.x
    shape = c.pick("integrity", "generic", "validation")
    ret, rimp = _html_resp(c)
    if shape == "integrity":
        body = f"""
            try:
                db.execute("UPDATE {c.word}s SET status = 'cancelled' WHERE id = ?", ({x},))
                db.commit()
                fragment = '<div class="notice">Cancelled.</div>'
                status = 200
            except sqlite3.IntegrityError:
                db.rollback()
                log.exception("cancel of {c.word} %s violated a constraint", {x})
                fragment = '<div class="alert">This {c.word} can no longer be cancelled.</div>'
                status = 409
        """
        note = "the exception is logged; the fragment carries a fixed message chosen by the exception type"
    elif shape == "generic":
        body = f"""
            try:
                row = db.execute("SELECT driver_name, eta_min FROM {c.word}s WHERE id = ?", ({x},)).fetchone()
                fragment = '<div class="eta">' + html.escape(str(row[0])) + ' arrives in ' + str(int(row[1])) + ' min</div>'
                status = 200
            except sqlite3.Error:
                ref = uuid.uuid4().hex[:8]
                log.exception("eta lookup failed (ref %s)", ref)
                fragment = '<div class="alert">ETA unavailable (ref ' + ref + ').</div>'
                status = 503
        """
        note = "the traceback goes to the log through log.exception; the user sees a reference only"
    else:
        body = f"""
            try:
                seats = int({x})
            except ValueError as exc:
                log.info("bad seat count: %s", exc)
                seats = 0
            if not 1 <= seats <= 6:
                fragment = '<div class="alert">Seats must be a number from 1 to 6.</div>'
                status = 400
            else:
                fragment = '<div class="notice">Looking for a car with ' + str(seats) + ' seats.</div>'
                status = 200
        """
        note = "the parse error is logged, and the fragment shows a fixed validation message"
    helpers = 'db = sqlite3.connect("dispatch.db", check_same_thread=False)\nlog = logging.getLogger("dispatch")'
    from core import shell
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers=helpers, ret=ret, raw=True),
                        f"import html\nimport logging\nimport sqlite3\nimport uuid\n{rimp}"), full=True, notes=note)


# ---------------- CWE-200: autocomplete returning other people's contact columns ----------------

_PEOPLE = [("parties", "full_name"), ("members", "display_name"), ("riders", "name"), ("contributors", "byline_name")]
_CONTACT = [("email", "phone"), ("email",), ("phone", "home_address"), ("email", "date_of_birth"), ("mobile", "email")]


@fam("expose-party-autocomplete-contact-columns", "CWE-200", fws=WEB_FWS, keys=["q", "term", "prefix"], n=8, wrap=False)
def expose_autocomplete(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    tbl, col = c.pick(*_PEOPLE)
    extra = c.pick(*_CONTACT)
    lib = c.pick("sqlite3", "sqlalchemy", "djcursor") if c.fw == "django" else c.pick("sqlite3", "sqlalchemy")
    lim = c.pick(8, 10, 15, 20)
    guard = c.pick(True, False)
    cols_v = ", ".join(("id", col) + extra)
    cols_s = f"id, {col}"
    pre = [f"if len({x}.strip()) < 2:", "    result = []", "else:"] if guard else []
    ind = "    " if guard else ""
    if lib == "sqlite3":
        helpers = f'db = sqlite3.connect("{c.pick("records.db", "portal.db", "kiosk.db")}", check_same_thread=False)\ndb.row_factory = sqlite3.Row'
        imps = "import sqlite3"

        def body(safe):
            cols = cols_s if safe else cols_v
            V = "" if safe else "  #@V"
            return "\n".join(pre + [
                ind + f'rows = db.execute("SELECT {cols} FROM {tbl} WHERE {col} LIKE ? ORDER BY {col} LIMIT {lim}",{V}',
                ind + f'                  ({x}.strip() + "%",)).fetchall()',
                ind + "result = [dict(r) for r in rows]" + V])
    elif lib == "sqlalchemy":
        tcols = "".join(f'\n    Column("{e}", String),' for e in extra)
        helpers = (f'engine = create_engine(os.environ["DATABASE_URL"])\nmetadata = MetaData()\n'
                   f'{tbl} = Table(\n    "{tbl}", metadata,\n    Column("id", Integer, primary_key=True),\n'
                   f'    Column("{col}", String),{tcols}\n)')
        imps = "import os\nfrom sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select"
        meth = c.pick("ilike", "startswith")

        def body(safe):
            V = "" if safe else "  #@V"
            sel = [f"{tbl}.c.id", f"{tbl}.c.{col}"] + ([] if safe else [f"{tbl}.c.{e}" for e in extra])
            cond = (f'{tbl}.c.{col}.ilike({x}.strip() + "%")' if meth == "ilike"
                    else f"{tbl}.c.{col}.startswith({x}.strip(), autoescape=True)")
            return "\n".join(pre + [
                ind + f"stmt = select({', '.join(sel)}).where({cond}).limit({lim}){V}",
                ind + "with engine.connect() as conn:",
                ind + "    rows = conn.execute(stmt).all()",
                ind + "result = [r._asdict() for r in rows]" + V])
    else:
        helpers = ""
        imps = "from django.db import connection"

        def body(safe):
            cols = cols_s if safe else cols_v
            V = "" if safe else "  #@V"
            return "\n".join(pre + [
                ind + "with connection.cursor() as cur:",
                ind + f'    cur.execute("SELECT {cols} FROM {tbl} WHERE {col} ILIKE %s ORDER BY {col} LIMIT {lim}",{V}',
                ind + f'                [{x}.strip() + "%"])',
                ind + "    names = [d[0] for d in cur.description]",
                ind + "    result = [dict(zip(names, row)) for row in cur.fetchall()]" + V])

    return shell_pair(c, body(False), body(True), helpers, helpers, imports=imps,
                      notes=f"the {tbl} name autocomplete, open to any signed-in user, returns {', '.join(extra)} "
                            "of every matching person along with the name; typing two letters harvests other people's "
                            "contact data; the fix returns only the id and the display name")


@hardneg(3)
def expose_autocomplete_hn(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    tbl, col = c.pick(*_PEOPLE)
    body = (f'rows = db.execute("SELECT id, {col} FROM {tbl} WHERE {col} LIKE ? ORDER BY {col} LIMIT 10",\n'
            f'                  ({x}.strip() + "%",)).fetchall()\n'
            f'result = [{{"id": r["id"], "label": r["{col}"]}} for r in rows]')
    note = "only the id and the display name of the matches are returned"
    helpers = 'db = sqlite3.connect("portal.db", check_same_thread=False)\ndb.row_factory = sqlite3.Row'
    from core import shell
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers=helpers), "import sqlite3"), full=True, notes=note)


# ---------------- CWE-269: every posted field passed to a bulk self-update ----------------

_PRIV_FIELD = ["role", "is_staff", "scopes", "is_superuser", "desk_role"]

_PRIV_FLASK = '''
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import update

from $pkg.models import $Model, db

bp = Blueprint("account", __name__, url_prefix="/api")
$ALLOW

@bp.route("/me", methods=["PATCH"])
@login_required
def update_me():
    """Update the signed-in $model's own account ($fields_doc)."""
    fields = request.get_json(silent=True)
    if not isinstance(fields, dict) or not fields:
        abort(400)
$FILTER    db.session.execute(update($Model).where($Model.id == current_user.id).values(**fields))$V
    db.session.commit()
    return jsonify(updated=sorted(fields))
'''

_PRIV_DJANGO = '''
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_http_methods
$ALLOW

@login_required
@require_http_methods(["PATCH", "POST"])
def update_account(request):
    """Update the signed-in $model's own account ($fields_doc)."""
    try:
        fields = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("invalid JSON")
$FILTER    get_user_model().objects.filter(pk=request.user.pk).update(**fields)$V
    return JsonResponse({"updated": sorted(fields)})
'''

_PRIV_FASTAPI = '''
import os

from fastapi import Depends, FastAPI, HTTPException, Request
from motor.motor_asyncio import AsyncIOMotorClient

from $pkg.auth import current_user

app = FastAPI()
db = AsyncIOMotorClient(os.environ["MONGO_URL"])["$pkg"]
$ALLOW

@app.patch("/api/me")
async def update_me(request: Request, user: dict = Depends(current_user)):
    """Update the signed-in $model's own account ($fields_doc)."""
    fields = await request.json()
    if not isinstance(fields, dict):
        raise HTTPException(status_code=400, detail="expected an object")
$FILTER    await db.accounts.update_one({"_id": user["_id"]}, {"$$set": fields})$V
    return {"updated": sorted(fields)}
'''


@fam("priv-self-update-bulk-fields", "CWE-269", fws=["flask", "django", "fastapi"], keys=["fields"], n=8, wrap=False)
def priv_self_update(c):
    pkg, model = c.pick(("newsroom", "editor"), ("courtportal", "clerk"), ("museum", "docent"), ("newsdesk", "reporter"))
    priv = c.pick(*_PRIV_FIELD)
    own = c.pick(("display_name", "bio", "avatar_url"), ("display_name", "byline", "timezone"),
                 ("display_name", "phone", "signature"), ("bio", "locale"))
    tmpl = {"flask": _PRIV_FLASK, "django": _PRIV_DJANGO, "fastapi": _PRIV_FASTAPI}[c.fw]
    allow_name = c.pick("SELF_EDITABLE", "PROFILE_FIELDS", "EDITABLE_FIELDS")
    doc = "display name, bio and similar; the " + priv + " column is managed by admins"
    filt = c.pick("comp", "loop")
    if filt == "comp":
        fline = f"    fields = {{k: v for k, v in fields.items() if k in {allow_name}}}\n"
    else:
        fline = (f"    unknown = set(fields) - {allow_name}\n    if unknown:\n"
                 + ('        abort(400)\n' if c.fw == "flask" else
                    '        return HttpResponseBadRequest("not editable: " + ", ".join(sorted(unknown)))\n'
                    if c.fw == "django" else
                    '        raise HTTPException(status_code=400, detail="not editable: " + ", ".join(sorted(unknown)))\n'))
    allow = f"{allow_name} = frozenset({{{', '.join(repr(f).replace(chr(39), chr(34)) for f in own)}}})\n"

    def mk(safe):
        return sub(tmpl.replace("$$set", "\x00set"), pkg=pkg, Model=model.capitalize(), model=model, fields_doc=doc,
                   ALLOW=("\n" + allow) if safe else "", FILTER=fline if safe else "",
                   V="" if safe else "  #@V").replace("\x00set", "$set")

    return Spec(v=mk(False), s=mk(True), full=True,
                notes=f"every key of the posted JSON goes into the update of the caller's own row, so a {model} sends "
                      f"{{\"{priv}\": ...}} and grants themselves admin rights; the fix keeps only an allow-list of "
                      "self-editable fields (or rejects the others)")


@hardneg(3)
def priv_self_update_hn(c):
    pkg, model = c.pick(("newsroom", "editor"), ("courtportal", "clerk"), ("museum", "docent"))
    code = sub('''
        from flask import Blueprint, abort, jsonify, request
        from flask_login import current_user, login_required

        from $pkg.models import db

        bp = Blueprint("account", __name__, url_prefix="/api")
        MAX_BIO = 2000


        @bp.route("/me", methods=["PATCH"])
        @login_required
        def update_me():
            """Update the signed-in $model's display name and bio."""
            fields = request.get_json(silent=True) or {}
            if "display_name" in fields:
                current_user.display_name = str(fields["display_name"])[:80]
            if "bio" in fields:
                current_user.bio = str(fields["bio"])[:MAX_BIO]
            db.session.commit()
            return jsonify(display_name=current_user.display_name, role=current_user.role)
    ''', pkg=pkg, model=model)
    return Spec(s=code, full=True, fw="flask",
                notes="only named, self-editable attributes are copied from the posted fields; the role is only read")


# ---------------- CWE-287: API key compared with a stripped empty default ----------------


def _deny(c):
    if c.fw == "flask":
        return "abort(401)", "from flask import abort"
    if c.fw == "django":
        return 'return JsonResponse({"error": "invalid api key"}, status=401)', ""
    if c.fw == "fastapi":
        return 'raise HTTPException(status_code=401, detail="invalid api key")', "from fastapi import HTTPException"
    return "raise web.HTTPUnauthorized()", ""


@fam("authn-gateway-key-empty-default", "CWE-287", fws=WEB_FWS, keys=["api_key", "gateway_key", "ingest_key"],
     n=8, wrap=False)
def authn_gateway_key(c):
    c.src = "header"
    x = c.x
    env = c.pick("GATEWAY_API_KEY", "SENSOR_INGEST_KEY", "FARM_GATEWAY_TOKEN", "PIPELINE_API_KEY")
    where = c.pick("module", "inline")
    cmp = c.pick("ne", "digest", "eq")
    deny, dimp = _deny(c)
    c.word = c.pick("reading", "valve", "sample", "zone")
    action = c.pick("valve", "buffer", "zones")
    if action == "valve":
        helpers = ("def open_valve(zone, minutes):\n"
                   '    """Queue an irrigation run on the field controller."""\n'
                   '    CONTROLLER_QUEUE.append({"zone": zone, "minutes": minutes})\n'
                   '    return {"zone": zone, "minutes": minutes, "queued": True}')
        pre = "CONTROLLER_QUEUE = []"
        tail = f'result = open_valve("{c.pick("north", "b2", "orchard")}", {c.pick(10, 15, 30)})'
    elif action == "buffer":
        pre = "BUFFER = []"
        helpers = ""
        tail = "flushed, BUFFER[:] = list(BUFFER), []\nresult = {\"flushed\": len(flushed)}"
    else:
        pre = 'ZONES = {"north": "idle", "south": "irrigating", "greenhouse": "idle"}'
        helpers = ""
        tail = "result = dict(ZONES)"
    key_expr = f'os.environ.get("{env}", "").strip()' if c.pick(True, False) else f'os.getenv("{env}", "").strip()'
    top = f"{pre}\n" + (f"EXPECTED_KEY = {key_expr}\n" if where == "module" else "")
    helpers = top + ("\n\n" + helpers if helpers else "")
    ek = "EXPECTED_KEY" if where == "module" else "expected"

    def body(safe):
        lines = []
        if where == "inline":
            lines.append(f"expected = {key_expr}")
        lines.append(f"supplied = {x}.strip()")
        if safe:
            lines.append(f"if not {ek} or not hmac.compare_digest(supplied, {ek}):")
        elif cmp == "ne":
            lines.append(f"if supplied != {ek}:  #@V")
        elif cmp == "digest":
            lines.append(f"if not hmac.compare_digest(supplied, {ek}):  #@V")
        else:
            lines.append(f"authorised = supplied == {ek}  #@V")
            lines.append("if not authorised:")
        lines.append("    " + deny)
        lines.append(tail)
        return "\n".join(lines)

    vimp = "import hmac" if cmp == "digest" else ""
    return shell_pair(c, body(False), body(True), helpers, helpers, imports=f"import os\n{dimp}",
                      vimports=vimp, simports="import hmac",
                      notes=f"the expected key is read with an empty default ({env} unset or blank gives \"\") and the "
                            "stripped header is compared with it; with the variable missing, a request without the "
                            "header (or with a blank one) passes; the fix refuses every request while no key is configured "
                            "and compares with hmac.compare_digest")


@hardneg(3)
def authn_gateway_key_hn(c):
    c.src = "header"
    x = c.x
    deny, dimp = _deny(c)
    shape = c.pick("required", "nonempty")
    if shape == "required":
        helpers = 'EXPECTED_KEY = os.environ["GATEWAY_API_KEY"].strip()\nif not EXPECTED_KEY:\n    raise RuntimeError("GATEWAY_API_KEY is empty")'
        body = f"if not hmac.compare_digest({x}.strip(), EXPECTED_KEY):\n    {deny}\nresult = {{\"status\": \"ok\"}}"
        note = "the key is required at start-up (KeyError / RuntimeError when missing or blank)"
    else:
        helpers = 'EXPECTED_KEY = os.environ.get("SENSOR_INGEST_KEY", "").strip()'
        body = (f"supplied = {x}.strip()\n"
                f"if not EXPECTED_KEY or not supplied or not hmac.compare_digest(supplied, EXPECTED_KEY):\n    {deny}\n"
                "result = {\"status\": \"ok\"}")
        note = "an unset key or an empty header is refused before the constant-time comparison"
    from core import shell
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers=helpers), f"import hmac\nimport os\n{dimp}"), full=True, notes=note)


# ---------------- CWE-377: dated report CSV in /tmp, then served ----------------


def _serve_file(c, dl):
    if c.fw == "flask":
        return f'send_file(path, mimetype="text/csv", as_attachment=True, download_name="{dl}")', "from flask import send_file"
    if c.fw == "django":
        return f'FileResponse(open(path, "rb"), as_attachment=True, filename="{dl}")', "from django.http import FileResponse"
    if c.fw == "fastapi":
        return f'FileResponse(path, media_type="text/csv", filename="{dl}")', "from fastapi.responses import FileResponse"
    return (f'web.FileResponse(path, headers={{"Content-Disposition": "attachment; filename={dl}"}})', "")


@fam("tmp-dated-report-csv-served", "CWE-377", fws=WEB_FWS, keys=["court", "run_id", "sample_set", "gallery"],
     n=8, wrap=False)
def tmp_dated_report(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    rep, tbl, cols, filt = c.pick(("docket", "hearings", ("case_no", "hearing_at", "courtroom"), "court"),
                                  ("variants", "variant_calls", ("chrom", "pos", "ref", "alt", "qual"), "run_id"),
                                  ("visits", "ticket_scans", ("gate", "scanned_at", "ticket_type"), "gallery"),
                                  ("coverage", "sample_coverage", ("sample_id", "mean_depth", "pct_30x"), "sample_set"))
    stamp = c.pick("date.today().isoformat()", 'date.today().strftime("%Y%m%d")', 'time.strftime("%Y-%m-%d")')
    simp_stamp = "import time" if stamp.startswith("time") else "from datetime import date"
    build = c.pick("fstring", "join", "format")
    fix = c.pick("mkstemp", "named")
    dl = f"{rep}.csv"
    ret, rimp = _serve_file(c, dl)
    cl = ", ".join(cols)
    if build == "fstring":
        vpath = f'path = f"/tmp/{rep}-{{{stamp}}}.csv"' if '"' not in stamp else f"path = f'/tmp/{rep}-{{{stamp}}}.csv'"
    elif build == "join":
        vpath = f'path = os.path.join("/tmp", "{rep}-" + {stamp} + ".csv")'
    else:
        vpath = f'path = "/tmp/{rep}-{{}}.csv".format({stamp})'

    def body(safe):
        lines = [f'rows = db.execute("SELECT {cl} FROM {tbl} WHERE {filt} = ? ORDER BY 1", ({x},)).fetchall()']
        if not safe:
            lines += [vpath + "  #@V",
                      'with open(path, "w", newline="") as fh:  #@V']
        elif fix == "mkstemp":
            lines += [f'fd, path = tempfile.mkstemp(prefix="{rep}-", suffix=".csv")',
                      'with os.fdopen(fd, "w", newline="") as fh:']
        else:
            lines += [f'with tempfile.NamedTemporaryFile("w", newline="", prefix="{rep}-", suffix=".csv", delete=False) as fh:',
                      "    path = fh.name"]
        lines += ["    writer = csv.writer(fh)",
                  f"    writer.writerow({list(cols)!r})".replace("'", '"'),
                  "    writer.writerows(rows)"]
        return "\n".join(lines)

    helpers = f'db = sqlite3.connect("{c.pick("reports.db", "lims.db", "portal.db")}", check_same_thread=False)'
    vimp = (simp_stamp + ("\nimport os" if build == "join" else ""))
    simp = "import os\nimport tempfile"
    return shell_pair(c, body(False), body(True), helpers, helpers, imports=f"import csv\nimport sqlite3\n{rimp}",
                      vimports=vimp, simports=simp, ret=ret, raw=True,
                      notes=f"the {rep} report is written to a name in the shared /tmp directory that anyone can predict "
                            "(report name plus today's date): another local user pre-creates it or plants a symlink, so "
                            "the export overwrites another file or the served CSV is theirs; the fix creates the file "
                            f"with tempfile ({fix}), a random name opened O_EXCL with mode 0600")


@hardneg(3)
def tmp_dated_report_hn(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    shape = c.pick("stringio", "private_dir")
    ret, rimp = _serve_file(c, "report.csv")
    if shape == "stringio":
        body = (f'rows = db.execute("SELECT chrom, pos, ref, alt FROM variant_calls WHERE run_id = ?", ({x},)).fetchall()\n'
                "buf = io.StringIO()\n"
                "writer = csv.writer(buf)\n"
                'writer.writerow(["chrom", "pos", "ref", "alt"])\n'
                "writer.writerows(rows)\n"
                'path = os.path.join(EXPORT_DIR, "report-" + date.today().isoformat() + "-" + uuid.uuid4().hex + ".csv")\n'
                'with open(path, "x", newline="") as fh:\n'
                "    fh.write(buf.getvalue())")
        note = "the file goes to the service's own export directory under a random name, opened with mode 'x'"
    else:
        body = (f'rows = db.execute("SELECT case_no, hearing_at FROM hearings WHERE court = ?", ({x},)).fetchall()\n'
                'with tempfile.NamedTemporaryFile("w", newline="", suffix=".csv", delete=False) as fh:\n'
                "    csv.writer(fh).writerows(rows)\n"
                "    path = fh.name")
        note = "tempfile.NamedTemporaryFile picks a random name and creates it exclusively with mode 0600"
    helpers = ('db = sqlite3.connect("reports.db", check_same_thread=False)\n'
               'EXPORT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exports")\n'
               "os.makedirs(EXPORT_DIR, mode=0o700, exist_ok=True)")
    from core import shell
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers=helpers, ret=ret, raw=True),
                        f"import csv\nimport io\nimport os\nimport sqlite3\nimport tempfile\nimport uuid\n"
                        f"from datetime import date\n{rimp}"), full=True, notes=note)


# ---------------- CWE-400: client `limit` passed to the database uncapped ----------------


@fam("dos-readings-limit-uncapped-db", "CWE-400", fws=WEB_FWS, keys=["limit", "max_rows", "take"], n=8, wrap=False)
def dos_limit_db(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    lib = c.pick("sqlite3", "sqlalchemy", "pymongo")
    what, tbl, cols = c.pick(("sensor readings", "readings", ("sensor_id", "taken_at", "moisture")),
                             ("court filings", "filings", ("case_no", "filed_at", "kind")),
                             ("wire stories", "stories", ("slug", "published_at", "headline")),
                             ("alignments", "alignments", ("read_id", "chrom", "pos")))
    cap = c.pick(100, 200, 500, 1000)
    default = c.pick(50, 100)
    conv = c.pick("plain", "or")
    raw = f"int({x} or {default})" if conv == "or" else f"int({x}) if {x} else {default}"
    safe_line = c.pick(f"limit = max(1, min({raw}, MAX_LIMIT))",
                       f"limit = {raw}\nif not 1 <= limit <= MAX_LIMIT:\n    limit = MAX_LIMIT")
    if lib == "sqlite3":
        helpers = f'db = sqlite3.connect("{c.pick("gateway.db", "records.db", "cms.db")}", check_same_thread=False)'
        imps = "import sqlite3"
        q = [f'rows = db.execute("SELECT {", ".join(cols)} FROM {tbl} ORDER BY {cols[1]} DESC LIMIT ?", (limit,)).fetchall()',
             f"result = [dict(zip({list(cols)!r}, r)) for r in rows]".replace("'", '"')]
    elif lib == "sqlalchemy":
        helpers = (f'engine = create_engine(os.environ["DATABASE_URL"])\n'
                   f'{tbl} = Table("{tbl}", MetaData(), autoload_with=engine)')
        imps = "import os\nfrom sqlalchemy import MetaData, Table, create_engine, select"
        q = [f"stmt = select({tbl}).order_by({tbl}.c.{cols[1]}.desc()).limit(limit)",
             "with engine.connect() as conn:",
             "    result = [dict(r._mapping) for r in conn.execute(stmt)]"]
    else:
        helpers = f'coll = MongoClient(os.environ["MONGO_URL"])["{c.pick("farm", "court", "newsroom", "genomics")}"]["{tbl}"]'
        imps = "import os\nfrom pymongo import DESCENDING, MongoClient"
        proj = "{" + ", ".join(f'"{k}": 1' for k in cols) + ', "_id": 0}'
        q = [f'cursor = coll.find({{}}, {proj}).sort("{cols[1]}", DESCENDING).limit(limit)',
             "result = list(cursor)"]

    def body(safe):
        if safe:
            return safe_line + "\n" + "\n".join(q)
        return f"limit = {raw}  #@V\n" + "\n".join(q)

    v = body(False)
    # the sink line that takes the limit is marked too
    v = "\n".join((l + "  #@V") if ("(limit,)" in l or ".limit(limit)" in l) else l for l in v.split("\n"))
    return shell_pair(c, v, body(True), helpers, helpers + f"\nMAX_LIMIT = {cap}", imports=imps,
                      notes=f"the number of {what} returned is taken from the query string and passed to the database "
                            "with no upper bound (and, for sqlite LIMIT -1 / pymongo limit(0), no limit at all): one "
                            "request pulls the whole table into memory and JSON; the fix clamps it to 1..MAX_LIMIT")


@hardneg(3)
def dos_limit_db_hn(c):
    c.src = {"flask": "args", "django": "args", "fastapi": "query", "aiohttp": "args"}[c.fw]
    x = c.x
    shape = c.pick("clamp", "choices")
    if shape == "clamp":
        body = (f"limit = max(1, min(int({x} or 50), 200))\n"
                'rows = db.execute("SELECT sensor_id, taken_at, moisture FROM readings ORDER BY taken_at DESC LIMIT ?", (limit,)).fetchall()\n'
                "result = [list(r) for r in rows]")
        note = "the limit is clamped to 1..200 before it reaches the query"
    else:
        body = (f"limit = {{\"small\": 20, \"medium\": 100, \"large\": 250}}.get({x}, 20)\n"
                'rows = db.execute("SELECT slug, headline FROM stories ORDER BY published_at DESC LIMIT ?", (limit,)).fetchall()\n'
                "result = [list(r) for r in rows]")
        note = "the page size is picked from a fixed map of sizes"
    from core import shell
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers='db = sqlite3.connect("gateway.db", check_same_thread=False)'),
                        "import sqlite3"), full=True, notes=note)
