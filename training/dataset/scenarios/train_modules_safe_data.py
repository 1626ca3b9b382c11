"""Train-only whole-module families of ordinary data-access code, written mainly for their hard
negatives: psycopg2 / sqlite3 / SQLAlchemy repositories whose every query binds its values,
query builders that join constant SQL fragments (`" AND ".join(clauses)`, `" ".join(p for p in
parts if p)`, `", ".join(["%s"] * len(ids))`), ORDER BY columns looked up in allow-lists,
`psycopg2.sql.Identifier`, f-strings in log and exception text only; config and import modules on
`yaml.safe_load` / `json.loads` / `csv.DictReader`, and XML imports on defusedxml or an lxml parser
that resolves no entities. Each family also has a positive/twin pair: one statement of an
otherwise identical module formats a value into SQL text, deserializes request data with an
object-constructing loader, or parses uploaded XML with entity resolution on."""
import re
import textwrap

from core import Spec
from registry import fam, hardneg

STDLIB = {"argparse", "base64", "collections", "configparser", "contextlib", "csv", "dataclasses", "datetime",
          "decimal", "enum", "functools", "gzip", "hashlib", "io", "itertools", "json", "logging", "os", "pathlib",
          "pickle", "queue", "re", "sqlite3", "string", "sys", "textwrap", "threading", "time", "tomllib", "typing",
          "uuid", "xml", "zipfile", "__future__"}
FIRST_PARTY = {"app"}


def W(c):
    return c.word, c.word.capitalize()


def _sub(text, **kw):
    for k, v in kw.items():
        text = text.replace("@" + k + "@", str(v))
    return text


def _nl(s):
    return len(s.strip("\n").split("\n"))


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


class B:
    """A block of module code, with the import lines and module constants it needs."""

    def __init__(self, code, imps=(), consts=(), call=None):
        self.code = code.strip("\n")
        self.imps = tuple(imps)
        self.consts = tuple(consts)
        self.call = call  # (function name, glue parameters) when the web/CLI glue can call it


def _imports(lines):
    """isort-like import section: stdlib, then third party; `from` lines of one module merged."""
    plain, frm = {}, {}
    for line in lines:
        for l in line.split("\n"):
            l = l.strip()
            if not l:
                continue
            if l.startswith("import "):
                plain[l] = l.split()[1].split(".")[0]
            else:
                mod, names = l[5:].split(" import ", 1)
                cur = frm.setdefault(mod, [])
                for n in names.split(","):
                    if n.strip() and n.strip() not in cur:
                        cur.append(n.strip())
    def section(top):
        return 0 if top in STDLIB else 2 if top in FIRST_PARTY else 1

    def by_type(n):  # isort's order_by_type: CONSTANTS, Classes, functions
        return (0 if n.isupper() else 1 if n[:1].isupper() else 2, n.lower())

    out = []
    for sec_no in (0, 1, 2):
        sec = sorted(l for l, top in plain.items() if section(top) == sec_no and top != "__future__")
        for m in sorted(m for m in frm if section(m.split(".")[0]) == sec_no and m != "__future__"):
            names = sorted(frm[m], key=by_type)
            sec.append(_wrap_from(m, names))
        if sec:
            out.append("\n".join(sec))
    return "\n\n".join(out)


def _wrap_from(mod, names):
    """One `from` import, wrapped in isort's default grid style past 99 columns."""
    one = f"from {mod} import {', '.join(names)}"
    if len(one) <= 99:
        return one
    cur = f"from {mod} import ("
    pad, lines = " " * len(cur), []
    for i, n in enumerate(names):
        tok = n + ("," if i < len(names) - 1 else ")")
        if len(cur) + len(tok) > 99 and not cur.endswith("("):
            lines.append(cur.rstrip())
            cur = pad
        cur += tok + " "
    lines.append(cur.rstrip())
    return "\n".join(lines)


def _prune(imps, text):
    """Drop imported names the module never uses."""
    out = []
    for line in imps:
        for l in line.split("\n"):
            l = l.strip()
            if l.startswith("import "):
                local = l.split(" as ")[-1].split()[-1] if " as " in l else l.split()[1].split(".")[0]
                if re.search(r"(?<![\w.])" + re.escape(local) + r"\b", text):
                    out.append(l)
            elif l.startswith("from "):
                mod, names = l[5:].split(" import ", 1)
                keep = [n.strip() for n in names.split(",")
                        if re.search(r"(?<![\w.])" + re.escape(n.strip().split(" as ")[-1]) + r"\b", text)]
                if keep:
                    out.append(f"from {mod} import {', '.join(keep)}")
    return out


def _module(doc, imps, consts, body, glue, uses=""):
    """docstring, imports, logger, constants, body, glue. `uses`: text whose names keep their imports."""
    seen = []
    for k in consts:
        if k and k not in seen:
            seen.append(k)
    imps = _prune(imps, "\n".join(seen) + body + glue + uses + "\nlogging")
    head = f'"""{doc}"""\nfrom __future__ import annotations\n\n' + _imports(imps)
    parts = [head, "log = logging.getLogger(__name__)" + ("\n\n" + "\n".join(seen) if seen else "")]
    return "\n\n".join(parts) + "\n\n\n" + body.strip("\n") + "\n\n\n" + glue.strip("\n") + "\n"


def _fit(c, make, pool, must=(), lo=84, hi=108):
    """Add optional blocks (random order) while the module stays within hi lines; stop once past lo.
    The first `must` block stays first; the others land at a random place among the chosen ones."""
    order = list(pool)
    c.rng.shuffle(order)
    must = list(must)
    slots = [c.rng.randint(1, 5) for _ in must[1:]]

    def place(extra):
        out = must[:1] + list(extra)
        for b, k in zip(must[1:], slots):
            out.insert(min(k, len(out)), b)
        return out

    extra = []
    for b in order:
        if _nl(make(place(extra + [b]))) <= hi:
            extra.append(b)
            if _nl(make(place(extra))) >= lo and c.rng.random() < 0.45:
                break
    return make(place(extra)), place(extra)


def _as_func(code):
    """A method block (4-space indented, `self`) as a module-level function."""
    code = textwrap.dedent(code)
    return code.replace("(self, ", "(").replace("(self)", "()").replace("self.", "")


def _as_method(code, var, typ):
    """A function block whose first parameter is the connection/session `var`, as a method using self.<var>."""
    code = code.replace(f"({var}: {typ}, ", "(self, ").replace(f"({var}: {typ})", "(self)")
    code = re.sub(r"(?<![\w.])" + var + r"\b", "self." + var, code)
    return textwrap.indent(code, "    ")


# ---------------------------------------------------------------------------------------------
# glue shared by the SQL families: a detail endpoint and a listing endpoint (or CLI / consumer)
# ---------------------------------------------------------------------------------------------

_P = {
    "sort": ("str", '"created"'), "page": ("int", "0"), "limit": ("int", "20"), "q": ("str", '""'),
    "status": ("opt", "None"), "ref": ("str", '""'), "state": ("str", '""'), "term": ("str", '""'),
    "region": ("str", '""'), "category": ("opt", "None"), "tag": ("str", '""'), "since": ("opt", "None"),
}


def _extract(fw, p, taint):
    kind, default = _P[p]
    m = "  #@S" if taint else ""
    if fw == "flask":
        if kind == "int":
            return f'{p} = request.args.get("{p}", {default}, type=int)'
        if kind == "opt":
            return f'{p} = request.args.get("{p}") or None{m}'
        return f'{p} = request.args.get("{p}", {default}).strip(){m}'
    if fw == "django":
        if kind == "int":
            return f'{p} = _int_param(request.GET.get("{p}"), {default})'
        if kind == "opt":
            return f'{p} = request.GET.get("{p}") or None{m}'
        return f'{p} = request.GET.get("{p}", {default}).strip(){m}'
    if fw == "fastapi":
        if not taint:
            return None
        return f"{p} = {p}.strip(){m}" if kind == "str" else f"{p} = {p} or None{m}"
    if fw == "cli":
        return f"{p} = args.{p}{m}"
    if kind == "int":
        return f'{p} = int(message.get("{p}", {default}))'
    if kind == "opt":
        return f'{p} = message.get("{p}") or None{m}'
    return f'{p} = str(message.get("{p}", {default})).strip(){m}'


def _fastapi_param(p, taint):
    kind, default = _P[p]
    if kind == "int":
        return f"{p}: int = Query({default}, ge=0)" if p == "page" else f"{p}: int = Query({default}, ge=1, le=100)"
    if kind == "opt":
        return f"{p}: str | None = None"
    return f"{p}: str" if taint else f"{p}: str = {default}"


def _cli_arg(p, taint):
    kind, default = _P[p]
    if taint:
        return f'listing.add_argument("{p}")'
    if kind == "int":
        return f'listing.add_argument("--{p}", type=int, default={default})'
    if kind == "opt":
        return f'listing.add_argument("--{p}")'
    return f'listing.add_argument("--{p}", default={default})'


def _glue89(c, fw, get_fn, list_fn, params, taint=None, pre="", init="", sess=None, dberr="Exception"):
    """(glue code, imports). sess: dict(open=..., var=..., typ=..., dep=...) when the data functions
    take a connection/session as first argument."""
    w, Wc = W(c)
    own = {"flask": "current_user.id", "django": "request.user.id", "fastapi": "user.id",
           "cli": "args.owner", "pipeline": "owner"}[fw]
    lead = sess["var"] + ", " if sess else ""
    args = ", ".join(params)
    gcall = f"{pre}{get_fn}({lead}{own}, item_id)"
    lcall = f"{pre}{list_fn}({lead}{own}, {args})"
    ex = [e for e in (_extract(fw, p, p == taint) for p in params) if e]
    single = c.pick("item", "row", "found", "record")
    many = c.pick("rows", "items", "results")

    def call(var, expr, ind):
        if sess and fw != "fastapi":
            return [f"{ind}with {sess['open']} as {sess['var']}:", f"{ind}    {var} = {expr}"]
        return [f"{ind}{var} = {expr}"]

    L = []
    if fw == "flask":
        imps = ["from flask import Blueprint, jsonify, request", "from flask_login import current_user, login_required"]
        L += [f'bp = Blueprint("{w}s", __name__, url_prefix="/{c.pick("", "api/")}{w}s")']
        if init:
            L += [init]
        if get_fn:
            imps.append("from flask import abort")
            L += ["", "", f'@bp.get("/<int:item_id>")', "@login_required",
                  f"def {c.pick('show', 'view', 'detail')}_{w}(item_id: int):"]
            L += call(single, gcall, "    ")
            L += [f"    if {single} is None:", "        abort(404)", f"    return jsonify({single})"]
        L += ["", "", f'@bp.get("/")', "@login_required", f"def {c.pick('index', 'browse', 'listing')}_{w}s():"]
        L += ["    " + e for e in ex]
        L += call(many, lcall, "    ")
        L += [f"    return jsonify({many}=" + many + f", count=len({many}))"]
    elif fw == "django":
        imps = ["from django.contrib.auth.decorators import login_required", "from django.http import JsonResponse",
                "from django.views.decorators.http import require_GET"]
        if init:
            L += [init, "", ""]
        if any(_P[p][0] == "int" for p in params):
            L += ["def _int_param(raw: str | None, default: int) -> int:", "    try:",
                  "        return max(int(raw), 0) if raw is not None else default", "    except ValueError:",
                  "        return default", "", ""]
        if get_fn:
            imps.append("from django.http import Http404")
            L += ["@login_required", "@require_GET", f"def {w}_detail(request, item_id: int):"]
            L += call(single, gcall, "    ")
            L += [f"    if {single} is None:", f'        raise Http404("no such {w}")', f"    return JsonResponse({single})",
                  "", ""]
        L += ["@login_required", "@require_GET", f"def {w}_{c.pick('list', 'index', 'search')}(request):"]
        L += ["    " + e for e in ex]
        L += call(many, lcall, "    ")
        L += [f'    return JsonResponse({{"{many}": {many}, "count": len({many})}})']
    elif fw == "fastapi":
        imps = ["from fastapi import APIRouter, Depends", "from app.auth import User, current_user"]
        if any(_P[p][0] == "int" for p in params):
            imps.append("from fastapi import Query")
        dep = f", {sess['var']}: {sess['typ']} = Depends({sess['dep']})" if sess else ""
        L += [f'router = APIRouter(prefix="/{w}s", tags=["{w}s"])']
        if init:
            L += [init]
        if get_fn:
            imps.append("from fastapi import HTTPException")
            dsig = f"item_id: int, user: User = Depends(current_user){dep}"
            dname = f"def {c.pick('read', 'show', 'retrieve')}_{w}("
            if len(dname + dsig) > 90:
                dsig = "\n" + "".join(f"    {x.strip()},\n" for x in dsig.split(", "))
            L += ["", "", '@router.get("/{item_id}")', f"{dname}{dsig}) -> dict:"]
            L += call(single, gcall, "    ")
            L += [f"    if {single} is None:", '        raise HTTPException(status_code=404, detail="not found")',
                  f"    return {single}"]
        L += ["", ""]
        lname = c.pick(f"{w}s_index", f"browse_{w}s", f"query_{w}s")
        ordered = [p for p in params if p == taint] + [p for p in params if p != taint]  # required first
        ps = [_fastapi_param(p, p == taint) for p in ordered] + ["user: User = Depends(current_user)"] + [dep[2:]] * bool(dep)
        if len(", ".join(ps)) > 70:
            L += ['@router.get("/")', f"def {lname}("] + [f"    {x}," for x in ps] + [") -> dict:"]
        else:
            L += ['@router.get("/")', f"def {lname}({', '.join(ps)}) -> dict:"]
        L += ["    " + e for e in ex]
        L += call(many, lcall, "    ")
        L += [f'    return {{"{many}": {many}, "count": len({many})}}']
    elif fw == "cli":
        imps = ["import argparse", "import json", "import sys"]
        L += [f"def main(argv: list[str] | None = None) -> int:",
              f'    parser = argparse.ArgumentParser(description="{c.pick("Inspect", "Query", "Browse")} {w} records")',
              '    parser.add_argument("--owner", type=int, required=True)']
        if get_fn:
            L += ['    sub = parser.add_subparsers(dest="command", required=True)',
                  '    sub.add_parser("show").add_argument("item_id", type=int)',
                  '    listing = sub.add_parser("list")']
            L += ["    " + _cli_arg(p, p == taint) for p in params]
        else:
            L += ["    " + _cli_arg(p, p == taint).replace("listing.", "parser.") for p in params]
        L += ["    args = parser.parse_args(argv)"]
        if init:
            L += ["    " + init]
        if get_fn:
            L += ['    if args.command == "show":', "        item_id = args.item_id"]
            L += call("result", gcall, "        ")
            L += ["    else:"] + ["        " + e for e in ex]
            L += call("result", lcall, "        ")
        else:
            L += ["    " + e for e in ex]
            L += call("result", lcall, "    ")
        L += ["    json.dump(result, sys.stdout, indent=2, default=str)", '    sys.stdout.write("\\n")', "    return 0",
              "", "", 'if __name__ == "__main__":', "    logging.basicConfig(level=logging.INFO)", "    sys.exit(main())"]
    else:
        imps = ["import json"]
        if init:
            L += [init, "", ""]
        L += [f"def handle_{w}_request(message: dict) -> dict:", '    owner = int(message["owner_id"])']
        if get_fn:
            L += ['    if message.get("op") == "get":', '        item_id = int(message["id"])']
            L += call(single, gcall, "        ")
            L += [f'        return {{"item": {single}}}']
        L += ["    " + e for e in ex]
        L += call(many, lcall, "    ")
        L += [f'    return {{"items": {many}, "count": len({many})}}', "", "",
              "def consume(requests, replies) -> None:", "    while (raw := requests.get()) is not None:", "        try:",
              f"            replies.put(json.dumps(handle_{w}_request(json.loads(raw)), default=str))",
              f"        except (KeyError, ValueError, {dberr}):",
              f'            log.exception("{w} request failed")', "        finally:", "            requests.task_done()"]
    return "\n".join(L), imps


# ---------------------------------------------------------------------------------------------
# 1. CWE-89: psycopg2 repository, %s placeholders everywhere
# ---------------------------------------------------------------------------------------------


def _pg_tokens(c):
    w, Wc = W(c)
    return dict(W=w, Wc=Wc, WU=w.upper(), T=c.pick(w + "s", w + "s", "app_" + w + "s", w + "_records"),
                OWN=c.pick("owner_id", "account_id", "tenant_id", "user_id"),
                REF=c.pick("reference", "code", "title", "label"),
                AMT=c.pick("amount_cents", "total_cents", "price_cents"),
                TS=c.pick("created_at", "inserted_at", "opened_at"),
                PS=c.pick(25, 50, 100), MAXIDS=c.pick(100, 200, 500),
                COLS=c.pick("id, @REF@, status, @AMT@", "id, @REF@, status, @AMT@, @TS@", "id, @REF@, @AMT@, status"))


def _pg_cols(t):
    return _sub(t["COLS"], **t)


PG_CONSTS = {
    "sort": 'SORT_COLUMNS = {\n    "created": "@TS@",\n    "amount": "@AMT@",\n    "@REF@": "@REF@",\n    "status": "status",\n}',

    "status": 'STATUSES = ("draft", "open", "settled", "void")',
    "edit": 'EDITABLE = frozenset({"@REF@", "status", "note"})',
    "tables": 'COUNTED_TABLES = ("@T@", "@W@_notes", "@W@_events")',
    "export": 'EXPORT_DIR = Path(os.environ.get("@WU@_EXPORT_DIR", "var/exports"))',
    "ids": "MAX_IDS = @MAXIDS@",
}


def _pg_blocks(t):
    cols = _pg_cols(t)
    K = {k: _sub(v, **t) for k, v in PG_CONSTS.items()}
    S = lambda s: _sub(s, **dict(t, COLS=cols))  # noqa: E731
    get = B(S(r'''
    def fetch_@W@(self, @OWN@: int, item_id: int) -> dict | None:
        with self._cursor() as cur:
            cur.execute(
                "SELECT @COLS@ FROM @T@ "
                "WHERE id = %s AND @OWN@ = %s",
                (item_id, @OWN@),
            )
            return cur.fetchone()
'''))
    lists = [
        B(S(r'''
    def list_page(self, @OWN@: int, sort: str = "created", page: int = 0) -> list[dict]:
        column = SORT_COLUMNS.get(sort, "@TS@")
        offset = max(page, 0) * PAGE_SIZE
        with self._cursor() as cur:
            cur.execute(
                f"SELECT @COLS@ FROM @T@ "
                f"WHERE @OWN@ = %s ORDER BY {column} DESC LIMIT %s OFFSET %s",
                (@OWN@, PAGE_SIZE, offset),
            )
            rows = cur.fetchall()
        log.debug("page %d of @W@s sorted by %s: %d rows", page, column, len(rows))
        return rows
'''), consts=[K["sort"]], call=("list_page", ["sort", "page"])),
        B(S(r'''
    def list_sorted(self, @OWN@: int, sort: str = "created", limit: int = 20) -> list[dict]:
        if sort not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_COLUMNS)}")
        query = sql.SQL(
            "SELECT @COLS@ FROM @T@ "
            "WHERE @OWN@ = %s ORDER BY {} DESC LIMIT %s"
        ).format(sql.Identifier(SORT_COLUMNS[sort]))
        with self._cursor() as cur:
            cur.execute(query, (@OWN@, max(1, min(limit, PAGE_SIZE))))
            return cur.fetchall()
'''), imps=["from psycopg2 import sql"], consts=[K["sort"]], call=("list_sorted", ["sort", "limit"])),
        B(S(r'''
    def list_filtered(self, @OWN@: int, status: str | None = None, page: int = 0) -> list[dict]:
        clauses, params = ["@OWN@ = %s"], [@OWN@]
        if status in STATUSES:
            clauses.append("status = %s")
            params.append(status)
        query = (
            "SELECT @COLS@ FROM @T@ "
            "WHERE " + " AND ".join(clauses) + " ORDER BY @TS@ DESC LIMIT %s OFFSET %s"
        )
        params += [PAGE_SIZE, max(page, 0) * PAGE_SIZE]
        with self._cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()
'''), consts=[K["status"]], call=("list_filtered", ["status", "page"])),
        B(S(r'''
    def search(self, @OWN@: int, q: str, limit: int = 20) -> list[dict]:
        q = q.strip()[:100]
        if not q:
            return []
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._cursor() as cur:
            cur.execute(
                "SELECT @COLS@ FROM @T@ "
                "WHERE @OWN@ = %s AND @REF@ ILIKE %s ORDER BY @TS@ DESC LIMIT %s",
                (@OWN@, pattern, max(1, min(limit, PAGE_SIZE))),
            )
            return cur.fetchall()
'''), call=("search", ["q", "limit"])),
    ]
    extra = [
        B(S(r'''
    def fetch_many(self, @OWN@: int, ids: Sequence[int]) -> list[dict]:
        wanted = [int(i) for i in ids][:MAX_IDS]
        if not wanted:
            return []
        placeholders = ", ".join(["%s"] * len(wanted))
        query = (
            f"SELECT @COLS@ FROM @T@ "
            f"WHERE @OWN@ = %s AND id IN ({placeholders})"
        )
        with self._cursor() as cur:
            cur.execute(query, [@OWN@, *wanted])
            rows = cur.fetchall()
        log.debug("fetched %d of %d requested @W@s", len(rows), len(wanted))
        return rows
'''), imps=["from typing import Sequence"], consts=[K["ids"]]),
        B(S(r'''
    def fetch_any(self, @OWN@: int, ids: list[int]) -> list[dict]:
        with self._cursor() as cur:
            cur.execute(
                "SELECT @COLS@ FROM @T@ "
                "WHERE @OWN@ = %s AND id = ANY(%s) ORDER BY id",
                (@OWN@, [int(i) for i in ids][:MAX_IDS]),
            )
            return cur.fetchall()
'''), consts=[K["ids"]]),
        B(S(r'''
    def create_@W@(self, @OWN@: int, @REF@: str, amount: int) -> int:
        params = {"owner": @OWN@, "ref": @REF@.strip()[:64], "amount": int(amount)}
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO @T@ (@OWN@, @REF@, @AMT@, status) "
                "VALUES (%(owner)s, %(ref)s, %(amount)s, 'draft') RETURNING id",
                params,
            )
            new_id = cur.fetchone()["id"]
        log.info("created @W@ %d for @OWN@=%d", new_id, @OWN@)
        return new_id
''')),
        B(S(r'''
    def import_rows(self, @OWN@: int, rows: Iterable[tuple[str, int]]) -> int:
        values = [(@OWN@, ref[:64], int(amount)) for ref, amount in rows]
        if not values:
            return 0
        with self._cursor() as cur:
            execute_values(
                cur,
                "INSERT INTO @T@ (@OWN@, @REF@, @AMT@) VALUES %s",
                values,
                page_size=500,
            )
        log.info("imported %d @W@ rows", len(values))
        return len(values)
'''), imps=["from psycopg2.extras import execute_values", "from typing import Iterable"]),
        B(S(r'''
    def set_status(self, @OWN@: int, item_id: int, status: str) -> bool:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        with self._cursor() as cur:
            cur.execute(
                "UPDATE @T@ SET status = %s WHERE id = %s AND @OWN@ = %s",
                (status, item_id, @OWN@),
            )
            return cur.rowcount == 1
'''), consts=[K["status"]]),
        B(S(r'''
    def table_sizes(self) -> dict[str, int]:
        sizes: dict[str, int] = {}
        with self._cursor() as cur:
            for table in COUNTED_TABLES:
                cur.execute(sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(table)))
                sizes[table] = cur.fetchone()["n"]
        log.info("table sizes: %s", " ".join(f"{name}={n}" for name, n in sizes.items()))
        return sizes
'''), imps=["from psycopg2 import sql"], consts=[K["tables"]]),
        B(S(r'''
    def update_field(self, @OWN@: int, item_id: int, field: str, value: str) -> None:
        if field not in EDITABLE:
            raise KeyError(f"field {field} cannot be edited")
        stmt = sql.SQL("UPDATE {} SET {} = %s WHERE id = %s AND @OWN@ = %s").format(
            sql.Identifier("@T@"), sql.Identifier(field)
        )
        with self._cursor() as cur:
            cur.execute(stmt, (value[:500], item_id, @OWN@))
'''), imps=["from psycopg2 import sql"], consts=[K["edit"]]),
        B(S(r'''
    def purge_drafts(self, days: int = 30) -> int:
        with self._cursor() as cur:
            cur.execute(
                "DELETE FROM @T@ "
                "WHERE status = 'draft' AND @TS@ < now() - %s * interval '1 day'",
                (int(days),),
            )
            removed = cur.rowcount
        log.info("purged %d draft @W@s older than %d days", removed, days)
        return removed
''')),
        B(S(r'''
    def summary_text(self, @OWN@: int) -> str:
        with self._cursor() as cur:
            cur.execute(
                "SELECT status, count(*) AS n, coalesce(sum(@AMT@), 0) AS total "
                "FROM @T@ WHERE @OWN@ = %s GROUP BY status ORDER BY status",
                (@OWN@,),
            )
            rows = cur.fetchall()
        lines = [f"{r['status']:<10} {r['n']:>6} {r['total'] / 100:>12.2f}" for r in rows]
        return "\n".join(["status      count        total", *lines])
''')),
        B(S(r'''
    def export_csv(self, @OWN@: int) -> Path:
        EXPORT_DIR.mkdir(parents=True, exist_ok=True)
        target = EXPORT_DIR / ("@W@s-%d-%s.csv" % (int(@OWN@), uuid.uuid4().hex))
        query = sql.SQL(
            "COPY (SELECT @COLS@ FROM {} WHERE @OWN@ = {}) "
            "TO STDOUT WITH CSV HEADER"
        )
        query = query.format(sql.Identifier("@T@"), sql.Literal(int(@OWN@)))
        with self._cursor() as cur, target.open("w", encoding="utf-8", newline="") as fh:
            cur.copy_expert(query, fh)
        log.info("exported @W@s of @OWN@=%d to %s", @OWN@, target.name)
        return target
'''), imps=["import uuid", "from pathlib import Path", "from psycopg2 import sql"], consts=[K["export"]]),
        B(S(r'''
    def describe_filter(self, status: str | None, sort: str, page: int) -> str:
        parts = [
            f"status={status}" if status in STATUSES else "",
            f"order={SORT_COLUMNS.get(sort, '@TS@')}",
            f"page={page}" if page else "",
        ]
        return " ".join(p for p in parts if p)
'''), consts=[K["status"], K["sort"]]),
        B(S(r'''
    def add_note(self, item_id: int, author_id: int, body: str) -> None:
        with self._cursor() as cur:
            cur.execute(
                "INSERT INTO @W@_notes (@W@_id, author_id, body) VALUES (%s, %s, %s) "
                "ON CONFLICT (@W@_id, author_id) DO UPDATE SET body = EXCLUDED.body",
                (item_id, author_id, body[:2000]),
            )
''')),
    ]
    return get, lists, extra


_PG_HEADS = {
    ("class", "connect"): (r'''
class @Wc@Repository:
    """Queries on the @T@ table. Values always travel as bound parameters."""

    def __init__(self, dsn: str = DSN) -> None:
        self._dsn = dsn

    @contextmanager
    def _cursor(self) -> Iterator[RealDictCursor]:
        conn = psycopg2.connect(self._dsn, connect_timeout=5)
        try:
            with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
                yield cur
        finally:
            conn.close()
''', "repo = @Wc@Repository()", []),
    ("class", "pool"): (r'''
class @Wc@Store:
    """Data access for @W@s over a shared connection pool."""

    def __init__(self, pool: ThreadedConnectionPool) -> None:
        self._pool = pool

    @contextmanager
    def _cursor(self) -> Iterator[RealDictCursor]:
        conn = self._pool.getconn()
        try:
            with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
                yield cur
        finally:
            self._pool.putconn(conn)
''', "repo = @Wc@Store(ThreadedConnectionPool(1, 8, dsn=DSN))", ["from psycopg2.pool import ThreadedConnectionPool"]),
    ("func", "connect"): (r'''
@contextmanager
def _cursor() -> Iterator[RealDictCursor]:
    """One short transaction; commits on success, rolls back on error."""
    conn = psycopg2.connect(DSN, connect_timeout=5)
    try:
        with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
            yield cur
    finally:
        conn.close()
''', "", []),
    ("func", "pool"): (r'''
_POOL = ThreadedConnectionPool(1, 10, dsn=DSN)


@contextmanager
def _cursor() -> Iterator[RealDictCursor]:
    conn = _POOL.getconn()
    try:
        with conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
            yield cur
    finally:
        _POOL.putconn(conn)
''', "", ["from psycopg2.pool import ThreadedConnectionPool"]),
}

_PG_IMPS = ["import logging", "import os", "from contextlib import contextmanager", "from typing import Iterator",
            "import psycopg2", "from psycopg2.extras import RealDictCursor"]


def _pg_module(c, t, style, conn, fw, must, pool, doc, vuln_call=None, taint=None, uses="", hi=108):
    head, init, himps = _PG_HEADS[(style, conn)]
    head = _sub(head, **t)
    init = _sub(init, **t)
    call = vuln_call or must[1].call
    dsn = c.pick('DSN = os.environ["DATABASE_URL"]', _sub('DSN = os.environ.get("@WU@_DSN", "dbname=@W@s")', **t))

    def make(blocks):
        glue, gimps = _glue89(c, fw, "fetch_" + t["W"], call[0], call[1], taint=taint,
                              pre="repo." if style == "class" else "", init=init, dberr="psycopg2.Error")
        if style == "class":
            body = head.strip("\n") + "\n\n" + "\n\n".join(b.code for b in blocks)
        else:
            body = "\n\n\n".join([head.strip("\n")] + [_as_func(b.code) for b in blocks])
        consts = [dsn, f"PAGE_SIZE = {t['PS']}"] + [k for b in blocks for k in b.consts]
        imps = _PG_IMPS + himps + gimps + [i for b in blocks for i in b.imps]
        return _module(doc, imps, consts, body, glue, uses)

    return _fit(c, make, pool, must=must, hi=hi)


@fam("mod-safe-data-pg-repository", "CWE-89", fws=["flask", "fastapi", "cli", "pipeline", "django"], n=6, wrap=False)
def mod_safe_data_pg_repository(c):
    t = _pg_tokens(c)
    cols = _pg_cols(t)
    get, lists, extra = _pg_blocks(t)
    shape = c.pick("ref", "state", "term", "literal")
    S = lambda s: _sub(s, **dict(t, COLS=cols))  # noqa: E731
    if shape == "ref":
        name, params, taint = "find_by_@REF@", ["ref"], "ref"
        code = r'''
    def find_by_@REF@(self, @OWN@: int, ref: str) -> list[dict]:
        ref = ref.strip()
        with self._cursor() as cur:
            @SINK@
            return cur.fetchall()
'''
        vs = ('''query = ("SELECT @COLS@ FROM @T@ "\n'''
              '''                     f"WHERE @OWN@ = %s AND @REF@ = '{ref}'")  #@V\n'''
              '''            cur.execute(query, (@OWN@,))  #@V''')
        ss = ('''query = ("SELECT @COLS@ FROM @T@ "\n'''
              '''                     "WHERE @OWN@ = %s AND @REF@ = %s")\n'''
              '''            cur.execute(query, (@OWN@, ref))''')
    elif shape == "state":
        name, params, taint = "daily_counts", ["state"], "state"
        code = r'''
    def daily_counts(self, @OWN@: int, state: str) -> list[dict]:
        """Number of @W@s per day in one state, newest day first."""
        with self._cursor() as cur:
            @SINK@
            rows = cur.fetchall()
        log.debug("daily counts: %d days", len(rows))
        return rows
'''
        vs = ('''cur.execute(  #@V
                "SELECT date_trunc('day', @TS@) AS day, count(*) AS n FROM @T@ "
                "WHERE @OWN@ = %s AND status = '" + state + "' "  #@V
                "GROUP BY 1 ORDER BY 1 DESC",
                (@OWN@,),
            )''')
        ss = ('''cur.execute(
                "SELECT date_trunc('day', @TS@) AS day, count(*) AS n FROM @T@ "
                "WHERE @OWN@ = %s AND status = %s "
                "GROUP BY 1 ORDER BY 1 DESC",
                (@OWN@, state),
            )''')
    elif shape == "term":
        name, params, taint = "search_@REF@", ["term"], "term"
        code = r'''
    def search_@REF@(self, @OWN@: int, term: str) -> list[dict]:
        with self._cursor() as cur:
            @SINK@
            return cur.fetchall()
'''
        vs = ('''query = ("SELECT @COLS@ FROM @T@ "\n'''
              '''                     "WHERE @OWN@ = %s AND @REF@ ILIKE '%%{}%%' "\n'''
              '''                     "ORDER BY @TS@ DESC LIMIT %s".format(term))  #@V\n'''
              '''            cur.execute(query, (@OWN@, PAGE_SIZE))  #@V''')
        ss = ('''query = ("SELECT @COLS@ FROM @T@ "\n'''
              '''                     "WHERE @OWN@ = %s AND @REF@ ILIKE %s "\n'''
              '''                     "ORDER BY @TS@ DESC LIMIT %s")\n'''
              '''            cur.execute(query, (@OWN@, f"%{term}%", PAGE_SIZE))''')
    else:
        name, params, taint = "find_by_@REF@", ["ref"], "ref"
        code = r'''
    def find_by_@REF@(self, @OWN@: int, ref: str) -> list[dict]:
        @SINK@
        with self._cursor() as cur:
            cur.execute(query, (@OWN@,))  #@V
            return cur.fetchall()
'''
        vs = ('''query = sql.SQL("SELECT @COLS@ FROM {} "\n'''
              '''                        "WHERE @OWN@ = %s AND @REF@ = {}")\n'''
              '''        query = query.format(sql.Identifier("@T@"), sql.SQL(ref))  #@V''')
        ss = ('''query = sql.SQL("SELECT @COLS@ FROM {} "\n'''
              '''                        "WHERE @OWN@ = %s AND @REF@ = {}")\n'''
              '''        query = query.format(sql.Identifier("@T@"), sql.Literal(ref))''')
    vb = B(S(code.replace("@SINK@", "@@SINK@@")), imps=["from psycopg2 import sql"] if shape == "literal" else [])
    style = "class"
    conn = c.pick("connect", "pool")
    fw = c.fw
    doc = _sub(c.pick("PostgreSQL access for @W@ records.", "Repository for the @T@ table (psycopg2).",
                      "@Wc@ lookups and maintenance queries."), **t)
    pool = extra + [b for b in lists if c.rng.random() < 0.5]
    code, _ = _pg_module(c, t, style, conn, fw, [get, vb], pool, doc,
                         vuln_call=(_sub(name, **t), params), taint=taint, uses=vs + ss,
                         hi=109 - max(_nl(vs), _nl(ss)))
    v = code.replace("@@SINK@@", S(vs))
    s = code.replace("@@SINK@@", S(ss)).replace("  #@V", "")
    return Spec(v=v, s=_clean(s), full=True, fw=fw,
                notes="one repository method puts the request value into the SQL text (f-string / concatenation / "
                      "str.format / sql.SQL) while every other query of the module binds %s parameters")


@hardneg(10)
def mod_safe_data_pg_repository_hn(c):
    t = _pg_tokens(c)
    get, lists, extra = _pg_blocks(t)
    lst = c.pick(*lists)
    style = c.pick("class", "class", "func")
    conn = c.pick("connect", "pool")
    fw = c.pick("flask", "fastapi", "django", "cli", "pipeline")
    doc = _sub(c.pick("PostgreSQL access for @W@ records.", "Repository for the @T@ table (psycopg2).",
                      "@Wc@ queries: listing, lookups, bulk import and maintenance.",
                      "Read and write @W@s; identifiers come from allow-lists, values are bound parameters."), **t)
    pool = [b for b in extra + lists if b is not lst]
    code, chosen = _pg_module(c, t, style, conn, fw, [get, lst], pool, doc)
    return Spec(v="", s=code, full=True, fw=fw,
                notes="every value is a %s parameter; IN lists are built from placeholders, ORDER BY columns and "
                      "table names come from allow-lists or sql.Identifier, f-strings only build log/exception text")


# ---------------------------------------------------------------------------------------------
# 2. CWE-89: sqlite3 query builder over constant fragments and bound values
# ---------------------------------------------------------------------------------------------


def _lite_tokens(c):
    w, Wc = W(c)
    return dict(W=w, Wc=Wc, WU=w.upper(), T=c.pick(w + "s", w + "s", w + "_items"),
                OWN=c.pick("owner_id", "account_id", "user_id", "team_id"),
                CAT=c.pick("category", "kind", "section", "channel"),
                TITLE=c.pick("title", "name", "subject"),
                TS=c.pick("created_at", "updated_at", "opened_on"),
                PS=c.pick(20, 50, 100))


LITE_CONSTS = {
    "status": 'STATUSES = frozenset({"new", "active", "done", "archived"})',
    "sorts": ('SORTS = {\n    "newest": "@TS@ DESC",\n    "oldest": "@TS@ ASC",\n'
              '    "@TITLE@": "@TITLE@ COLLATE NOCASE ASC",\n}'),
    "filters": ('FILTERS = {\n    "status": "status = ?",\n    "@CAT@": "@CAT@ = ?",\n'
                '    "after": "@TS@ >= ?",\n    "before": "@TS@ < ?",\n}'),
    "tables": 'KNOWN_TABLES = ("@T@", "@W@_tags", "@W@_comments")',
    "export": 'EXPORT_DIR = Path(os.environ.get("@WU@_EXPORT_DIR", "exports"))',
    "backup": 'BACKUP_DIR = Path(os.environ.get("@WU@_BACKUP_DIR", "backups"))',
    "schema": ('SCHEMA = """\nCREATE TABLE IF NOT EXISTS @T@ (\n    id INTEGER PRIMARY KEY,\n'
               '    @OWN@ INTEGER NOT NULL,\n    @TITLE@ TEXT NOT NULL,\n    @CAT@ TEXT,\n'
               "    status TEXT NOT NULL DEFAULT 'new',\n    @TS@ TEXT NOT NULL\n);\n"
               'CREATE INDEX IF NOT EXISTS ix_@T@_@OWN@ ON @T@ (@OWN@, @TS@);\n"""'),
}

# the query object and its builder: every slot is a constant fragment plus a bound value
_LITE_SLOTS = {
    "status": r'''
    if q.status in STATUSES:
        clauses.append("status = ?")
        params.append(q.status)''',
    "cat": r'''
    if q.@CAT@:
        clauses.append("@CAT@ = ?")
        params.append(q.@CAT@)''',
    "tags": r'''
    if q.tags:
        marks = ", ".join("?" * len(q.tags))
        clauses.append(f"id IN (SELECT @W@_id FROM @W@_tags WHERE tag IN ({marks}))")
        params.extend(q.tags)''',
    "text": r'''
    if q.text:
        clauses.append("@TITLE@ LIKE ? ESCAPE '\\'")
        params.append("%" + q.text.replace("%", "\\%").replace("_", "\\_") + "%")''',
}

_LITE_VULN = {
    "cat": (r'''
    if q.@CAT@:
        clauses.append(f"@CAT@ = '{q.@CAT@}'")  #@V''', "category"),
    "tags": (r'''
    if q.tags:
        tag_list = "', '".join(q.tags)  #@V
        clauses.append(f"id IN (SELECT @W@_id FROM @W@_tags WHERE tag IN ('{tag_list}'))")  #@V''', "tag"),
    "text": (r'''
    if q.text:
        clauses.append("@TITLE@ LIKE '%" + q.text + "%'")  #@V''', "q"),
}

_LITE_QUERY = r'''
@dataclass
class @Wc@Query:
    @OWN@: int
    status: str | None = None
    @CAT@: str | None = None
    tags: list[str] = field(default_factory=list)
    text: str = ""
    page: int = 0


def build_select(q: @Wc@Query) -> tuple[str, list]:
    """SQL text from constant fragments only; every value goes to the parameter list."""
    clauses: list[str] = ["@OWN@ = ?"]
    params: list = [q.@OWN@]@SLOTS@
    parts = [
        "SELECT id, @TITLE@, status, @CAT@, @TS@ FROM @T@",
        "WHERE " + " AND ".join(clauses),
        "ORDER BY @TS@ DESC",
        "LIMIT ? OFFSET ?",
    ]
    params += [PAGE_SIZE, max(q.page, 0) * PAGE_SIZE]
    return " ".join(p for p in parts if p), params
'''

_LITE_FIND = r'''
def find_@W@s(conn: sqlite3.Connection, @OWN@: int, status: str | None, category: str | None,
@PAD@tag: str, q: str, page: int) -> list[dict]:
    tags = [t.strip() for t in tag.split(",") if t.strip()][:10]
    sql, params = build_select(@Wc@Query(@OWN@, status, category, tags, q[:100], page))
    rows = conn.execute(sql, params).fetchall()@XV@
    log.debug("%d @W@s matched %d filters", len(rows), len(params) - 3)
    return [dict(r) for r in rows]
'''

_LITE_MAP = (r'''
def where_clause(filters: dict[str, str | None]) -> tuple[str, list[str]]:
    clauses, params = [], []
    for key, fragment in FILTERS.items():
        value = filters.get(key)
        if value:
            clauses.append(fragment)
            params.append(value)
    return " AND ".join(clauses) or "1 = 1", params


def list_@W@s(conn: sqlite3.Connection, @OWN@: int, status: str | None, since: str | None,
@PAD@page: int) -> list[dict]:
    where, params = where_clause({"status": status, "after": since})
    sql = " ".join([
        "SELECT id, @TITLE@, status, @TS@ FROM @T@",
        f"WHERE @OWN@ = ? AND {where}",
        "ORDER BY @TS@ DESC LIMIT ? OFFSET ?",
    ])
    params = [@OWN@, *params, PAGE_SIZE, max(page, 0) * PAGE_SIZE]
    rows = conn.execute(sql, params).fetchall()
    return [dict(r) for r in rows]
''', ["filters"], ("list_@W@s", ["status", "since", "page"]))

_LITE_BUILDER = (r'''
class Select:
    """A tiny SELECT builder: the SQL text only receives constant fragments."""

    def __init__(self, columns: str) -> None:
        self.head = f"SELECT {columns} FROM @T@"
        self.where: list[str] = []
        self.params: list = []
        self.tail: list[str] = []

    def filter(self, fragment: str, *values) -> "Select":
        self.where.append(fragment)
        self.params.extend(values)
        return self

    def order(self, key: str) -> "Select":
        self.tail.append("ORDER BY " + SORTS.get(key, SORTS["newest"]))
        return self

    def page(self, number: int) -> "Select":
        self.tail.append("LIMIT ? OFFSET ?")
        self.params += [PAGE_SIZE, max(number, 0) * PAGE_SIZE]
        return self

    def sql(self) -> str:
        where = "WHERE " + " AND ".join(self.where) if self.where else ""
        return " ".join(p for p in [self.head, where, *self.tail] if p)


def browse(conn: sqlite3.Connection, @OWN@: int, sort: str, page: int) -> list[dict]:
    sel = Select("id, @TITLE@, status, @TS@").filter("@OWN@ = ?", @OWN@)
    sel = sel.order(sort).page(page)
    return [dict(r) for r in conn.execute(sel.sql(), sel.params)]
''', ["sorts"], ("browse", ["sort", "page"]))

_LITE_GET = r'''
def get_@W@(conn: sqlite3.Connection, @OWN@: int, item_id: int) -> dict | None:
    row = conn.execute(
        "SELECT id, @TITLE@, status, @CAT@, @TS@ FROM @T@ "
        "WHERE id = ? AND @OWN@ = ?",
        (item_id, @OWN@),
    ).fetchone()
    return dict(row) if row else None
'''

_LITE_EXTRA = [
    (r'''
def get_many(conn: sqlite3.Connection, @OWN@: int, ids: list[int]) -> list[dict]:
    ids = [int(i) for i in ids][:500]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, @TITLE@, status FROM @T@ WHERE @OWN@ = ? AND id IN ({marks})",
        [@OWN@, *ids],
    ).fetchall()
    return [dict(r) for r in rows]
''', [], []),
    (r'''
def count_by_status(conn: sqlite3.Connection, @OWN@: int) -> dict[str, int]:
    rows = conn.execute(
        "SELECT status, COUNT(*) AS n FROM @T@ WHERE @OWN@ = ? GROUP BY status",
        (@OWN@,),
    ).fetchall()
    return {r["status"]: r["n"] for r in rows}
''', [], []),
    (r'''
def add_@W@(conn: sqlite3.Connection, @OWN@: int, @TITLE@: str, @CAT@: str | None = None) -> int:
    @TITLE@ = @TITLE@.strip()[:200]
    if not @TITLE@:
        raise ValueError("empty @TITLE@")
    with conn:
        cur = conn.execute(
            "INSERT INTO @T@ (@OWN@, @TITLE@, @CAT@, @TS@) "
            "VALUES (?, ?, ?, datetime('now'))",
            (@OWN@, @TITLE@, @CAT@),
        )
    log.info("added @W@ %d", cur.lastrowid)
    return cur.lastrowid
''', [], []),
    (r'''
def import_csv(conn: sqlite3.Connection, @OWN@: int, path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [(@OWN@, r["@TITLE@"].strip(), r.get("@CAT@") or None) for r in reader]
    with conn:
        conn.executemany(
            "INSERT INTO @T@ (@OWN@, @TITLE@, @CAT@, @TS@) "
            "VALUES (?, ?, ?, datetime('now'))",
            rows,
        )
    log.info("imported %d rows from %s", len(rows), path.name)
    return len(rows)
''', ["import csv", "from pathlib import Path"], []),
    (r'''
def set_tags(conn: sqlite3.Connection, item_id: int, tags: list[str]) -> None:
    clean = sorted({t.strip().lower() for t in tags if t.strip()})[:20]
    with conn:
        conn.execute("DELETE FROM @W@_tags WHERE @W@_id = ?", (item_id,))
        conn.executemany(
            "INSERT INTO @W@_tags (@W@_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(item_id, t) for t in clean],
        )
''', [], []),
    (r'''
def purge_archived(conn: sqlite3.Connection, days: int = 90) -> int:
    with conn:
        cur = conn.execute(
            "DELETE FROM @T@ "
            "WHERE status = 'archived' AND @TS@ < datetime('now', ?)",
            (f"-{int(days)} days",),
        )
    log.info("purged %d archived @W@s older than %d days", cur.rowcount, days)
    return cur.rowcount
''', [], []),
    (r'''
def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {}
    for table in KNOWN_TABLES:  # fixed names, never user input
        counts[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    log.info("row counts: %s", ", ".join(f"{t}={n}" for t, n in counts.items()))
    return counts
''', [], ["tables"]),
    (r'''
def export_csv(conn: sqlite3.Connection, @OWN@: int) -> Path:
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    target = EXPORT_DIR / f"@W@s-{@OWN@}-{uuid.uuid4().hex[:12]}.csv"
    rows = conn.execute(
        "SELECT id, @TITLE@, status, @TS@ FROM @T@ WHERE @OWN@ = ? ORDER BY id",
        (@OWN@,),
    )
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "@TITLE@", "status", "@TS@"])
        writer.writerows(rows)
    return target
''', ["import csv", "import uuid", "from pathlib import Path"], ["export"]),
    (r'''
def status_report(conn: sqlite3.Connection, @OWN@: int) -> str:
    rows = conn.execute(
        "SELECT status, COUNT(*) AS n, MAX(@TS@) AS latest FROM @T@ "
        "WHERE @OWN@ = ? GROUP BY status ORDER BY n DESC",
        (@OWN@,),
    ).fetchall()
    lines = [f"{r['status']:<10}{r['n']:>6}  {r['latest'] or '-'}" for r in rows]
    return "\n".join([f"@W@s for {@OWN@}", "-" * 32, *lines])
''', [], []),
    (r'''
def init_schema(conn: sqlite3.Connection) -> None:
    with conn:
        conn.executescript(SCHEMA)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    log.info("schema ready (user_version=%d)", version)
''', [], ["schema"]),
    (r'''
def backup(conn: sqlite3.Connection) -> Path:
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    target = BACKUP_DIR / ("%s-%d.sqlite3" % ("@W@s", int(time.time())))
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    log.info("backup written to %s", target.name)
    return target
''', ["import time", "from pathlib import Path"], ["backup"]),
    (r'''
def describe(status: str | None, since: str | None, page: int) -> str:
    parts = [
        f"status={status}" if status else "",
        f"since={since}" if since else "",
        f"page={page}" if page else "",
    ]
    return " ".join(p for p in parts if p) or "all"
''', [], []),
]

_LITE_FUNC_HEAD = r'''
def connect(path: Path = DB_PATH) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn
'''

_LITE_CLASS_HEAD = r'''
class @Wc@Store:
    """sqlite3 storage for @W@s. SQL text is built from constant fragments only."""

    def __init__(self, path: Path = DB_PATH) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
'''

_LITE_DEP = r'''
def get_conn() -> Iterator[sqlite3.Connection]:
    conn = connect()
    try:
        yield conn
    finally:
        conn.close()
'''


def _lite_module(c, t, fw, style, core, pool, doc, taint=None, call=None, with_get=True, hi=108):
    """core: list of (code, consts, imps) that come before the pool blocks (query objects, builders)."""
    K = {k: _sub(v, **t) for k, v in LITE_CONSTS.items()}
    sess = None
    if style == "func":
        sess = dict(open="closing(connect())", var="conn", typ="sqlite3.Connection", dep="get_conn")
        pre, init = "", ""
    else:
        pre, init = "store.", _sub("store = @Wc@Store()", **t)
    dbp = c.pick('DB_PATH = Path(os.environ.get("@WU@_DB", "@W@s.sqlite3"))',
                 'DB_PATH = Path(os.environ.get("DB_PATH", "var/@W@s.db"))')

    def fn(code):
        out = []
        for piece in re.split(r"\n\n\n(?=def |class |@dataclass)", _sub(code, **t).strip("\n")):
            if style == "class" and "(conn: sqlite3.Connection" in piece.split("\n")[0]:
                piece = _as_method(piece, "conn", "sqlite3.Connection")
            out.append(piece)
        return out

    def make(blocks):
        glue, gimps = _glue89(c, fw, _sub("get_@W@", **t) if with_get else None, _sub(call[0], **t), call[1],
                              taint=taint, pre=pre,
                              init=init, sess=sess, dberr="sqlite3.Error")
        imps = ["import logging", "import os", "import sqlite3", "from pathlib import Path"] + gimps
        consts = [_sub(dbp, **t), f"PAGE_SIZE = {t['PS']}"]
        free, methods = [], []
        for code, kc, ki in core + blocks:
            consts += [K[k] for k in kc]
            imps += list(ki)
            for piece in fn(code):
                (methods if piece.startswith("    ") else free).append(piece)
        if style == "func":
            if fw != "fastapi":
                imps.append("from contextlib import closing")
            body = "\n\n\n".join([_LITE_FUNC_HEAD.strip("\n")] + free + methods)
        else:
            body = "\n\n\n".join(free + [_sub(_LITE_CLASS_HEAD, **t).strip("\n") + "\n\n" + "\n\n".join(methods)])
        if style == "func" and fw == "fastapi":
            body += "\n\n\n" + _LITE_DEP.strip("\n")
            imps.append("from typing import Iterator")
        if "dataclass" in body:
            imps.append("from dataclasses import dataclass, field")
        return _module(doc, imps, consts, body, glue)

    return _fit(c, make, pool, must=[], lo=84, hi=hi)[0]


@fam("mod-safe-data-sqlite-query-builder", "CWE-89", fws=["flask", "fastapi", "cli", "pipeline", "django"], n=6,
     wrap=False)
def mod_safe_data_sqlite_query_builder(c):
    t = _lite_tokens(c)
    slot = c.pick("cat", "tags", "text")
    vcode, taint = _LITE_VULN[slot]
    order = ["status", "cat", "tags", "text"]
    slots = "".join("@@VULN@@" if k == slot else _LITE_SLOTS[k] for k in order)
    query = _LITE_QUERY.replace("@SLOTS@", slots)
    pad = " " * len("def find_@W@s(".replace("@W@", t["W"]))
    find = _LITE_FIND.replace("@PAD@", pad).replace("@XV@", "@@XV@@")
    core = [(query, ["status"], []), (find, [], [])]
    pool = [(code, kc, ki) for code, ki, kc in _LITE_EXTRA if "def describe" not in code]
    style = c.pick("func", "class")
    doc = _sub(c.pick("Search over @W@s stored in SQLite.", "@Wc@ storage and filtered listing (sqlite3).",
                      "SQLite-backed @W@ catalogue with a small query builder."), **t)
    code = _lite_module(c, t, c.fw, style, core, pool, doc, taint=taint,
                        call=("find_@W@s", ["status", "category", "tag", "q", "page"]), with_get=False, hi=104)
    vline = _sub(vcode, **t)
    sline = _sub(_LITE_SLOTS[slot], **t)
    if style == "class":
        pass  # build_select is a module-level function in both styles
    v = code.replace("@@VULN@@", vline).replace("@@XV@@", "  #@V")
    s = code.replace("@@VULN@@", sline).replace("@@XV@@", "")
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="one filter of the query builder writes the request value into the SQL fragment instead of "
                      "adding a ? placeholder and a bound parameter like the others")


@hardneg(10)
def mod_safe_data_sqlite_query_builder_hn(c):
    t = _lite_tokens(c)
    fw = c.pick("flask", "fastapi", "django", "cli", "pipeline")
    style = c.pick("func", "class", "func")
    kind = c.pick("query", "map", "builder")
    if kind == "query":
        keys = [k for k in ["status", "cat", "tags", "text"] if k == "status" or c.rng.random() < 0.8]
        slots = "".join(_LITE_SLOTS[k] for k in keys)
        pad = " " * len("def find_@W@s(".replace("@W@", t["W"]))
        find = _LITE_FIND.replace("@PAD@", pad).replace("@XV@", "")
        core = [(_LITE_QUERY.replace("@SLOTS@", slots), ["status"], []), (find, [], [])]
        call = ("find_@W@s", ["status", "category", "tag", "q", "page"])
    elif kind == "map":
        code, kc, call = _LITE_MAP
        pad = " " * len("def list_@W@s(".replace("@W@", t["W"]))
        core = [(code.replace("@PAD@", pad), kc, []), (_LITE_GET, [], [])]
    else:
        code, kc, call = _LITE_BUILDER
        core = [(code, kc, []), (_LITE_GET, [], [])]
    pool = [(code, kc, ki) for code, ki, kc in _LITE_EXTRA]
    doc = _sub(c.pick("Search over @W@s stored in SQLite.", "@Wc@ storage and filtered listing (sqlite3).",
                      "SQLite-backed @W@ catalogue: filters, reports, import and export.",
                      "Data access for @W@s; SQL text comes from constant fragments, values are bound."), **t)
    code = _lite_module(c, t, fw, style, core, pool, doc, call=call, with_get=kind != "query")
    return Spec(v="", s=code, full=True, fw=fw,
                notes="clauses are constant fragments joined with AND / spaces, values are ? parameters, IN lists "
                      "get one placeholder per value, ORDER BY comes from an allow-list, table names from a constant tuple")


# ---------------------------------------------------------------------------------------------
# 3. CWE-89: SQLAlchemy Core / ORM store: select().where(), text() with bound parameters
# ---------------------------------------------------------------------------------------------


def _sa_tokens(c):
    w, Wc = W(c)
    return dict(W=w, Wc=Wc, WU=w.upper(), T=c.pick(w + "s", w + "s", w + "_entries"),
                OWN=c.pick("owner_id", "account_id", "org_id", "user_id"),
                TITLE=c.pick("title", "name", "summary"),
                REGION=c.pick("region", "country", "locale", "zone"),
                TS=c.pick("created_at", "submitted_at", "updated_at"),
                PS=c.pick(20, 25, 50))


_SA_ORM_HEAD = r'''
engine = create_engine(@URL@, pool_pre_ping=True)
SessionLocal = sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class @Wc@(Base):
    __tablename__ = "@T@"

    id: Mapped[int] = mapped_column(primary_key=True)
    @OWN@: Mapped[int] = mapped_column(index=True)
    @TITLE@: Mapped[str] = mapped_column(String(200))
    @REGION@: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")@OEXTRA@
    @TS@: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    def to_dict(self) -> dict:
        return {"id": self.id, "@TITLE@": self.@TITLE@, "@REGION@": self.@REGION@,
                "status": self.status, "@TS@": self.@TS@.isoformat()}@OREPR@
'''

_SA_CORE_HEAD = r'''
engine = create_engine(@URL@, pool_pre_ping=True)
metadata = MetaData()

@T@ = Table(
    "@T@",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("@OWN@", Integer, nullable=False, index=True),
    Column("@TITLE@", String(200), nullable=False),
    Column("@REGION@", String(32)),
    Column("status", String(16), nullable=False, server_default="open"),@CEXTRA@
    Column("@TS@", DateTime(timezone=True), nullable=False),@CINDEX@
)
'''

_SA_IMPS = {
    "orm": ["from datetime import datetime, timezone", "from sqlalchemy import DateTime, String, create_engine, select",
            "from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker"],
    "core": ["from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, select"],
}

_SA_ORM = {
    "get": (r'''
def get_@W@(session: Session, @OWN@: int, item_id: int) -> dict | None:
    stmt = select(@Wc@).where(@Wc@.id == item_id, @Wc@.@OWN@ == @OWN@)
    item = session.scalars(stmt).first()
    return item.to_dict() if item else None
''', []),
    "list_sorted": (r'''
def list_@W@s(session: Session, @OWN@: int, sort: str, page: int) -> list[dict]:
    columns = {"created": @Wc@.@TS@, "@TITLE@": @Wc@.@TITLE@, "status": @Wc@.status}
    order = columns.get(sort, @Wc@.@TS@)
    stmt = (
        select(@Wc@)
        .where(@Wc@.@OWN@ == @OWN@)
        .order_by(order.desc(), @Wc@.id)
        .limit(PAGE_SIZE)
        .offset(max(page, 0) * PAGE_SIZE)
    )
    return [item.to_dict() for item in session.scalars(stmt)]
''', []),
    "search": (r'''
def search_@W@s(session: Session, @OWN@: int, q: str, limit: int) -> list[dict]:
    q = q.strip()[:80]
    if not q:
        return []
    stmt = (
        select(@Wc@)
        .where(@Wc@.@OWN@ == @OWN@, @Wc@.@TITLE@.ilike(f"%{q}%"))
        .order_by(@Wc@.@TS@.desc())
        .limit(max(1, min(limit, PAGE_SIZE)))
    )
    return [item.to_dict() for item in session.scalars(stmt)]
''', []),
    "filtered": (r'''
def filter_@W@s(
    session: Session, @OWN@: int, status: str | None, since: str | None
) -> list[dict]:
    conditions = [@Wc@.@OWN@ == @OWN@]
    if status in STATUSES:
        conditions.append(@Wc@.status == status)
    if since:
        conditions.append(@Wc@.@TS@ >= datetime.fromisoformat(since))
    stmt = (
        select(@Wc@)
        .where(and_(*conditions))
        .order_by(@Wc@.@TS@.desc())
        .limit(PAGE_SIZE)
    )
    return [item.to_dict() for item in session.scalars(stmt)]
''', ["from sqlalchemy import and_"], ["status"]),
    "by_ids": (r'''
def get_many(session: Session, @OWN@: int, ids: list[int]) -> list[dict]:
    wanted = [int(i) for i in ids][:200]
    stmt = select(@Wc@).where(@Wc@.@OWN@ == @OWN@, @Wc@.id.in_(wanted))
    return [item.to_dict() for item in session.scalars(stmt)]
''', []),
    "counts": (r'''
def status_counts(session: Session, @OWN@: int) -> dict[str, int]:
    stmt = text(
        "SELECT status, COUNT(*) AS n FROM @T@ WHERE @OWN@ = :owner GROUP BY status"
    ).bindparams(owner=@OWN@)
    return {row.status: row.n for row in session.execute(stmt)}
''', ["from sqlalchemy import text"]),
    "expanding": (r'''
def titles_in_states(session: Session, @OWN@: int, states: list[str]) -> list[str]:
    wanted = [s for s in states if s in STATUSES]
    if not wanted:
        return []
    stmt = text(
        "SELECT @TITLE@ FROM @T@ "
        "WHERE @OWN@ = :owner AND status IN :states ORDER BY @TITLE@"
    ).bindparams(bindparam("states", expanding=True))
    return list(session.scalars(stmt, {"owner": @OWN@, "states": wanted}))
''', ["from sqlalchemy import bindparam, text"], ["status"]),
    "update": (r'''
def set_status(session: Session, @OWN@: int, item_id: int, status: str) -> bool:
    if status not in STATUSES:
        raise ValueError(f"invalid status {status!r}")
    stmt = (
        update(@Wc@)
        .where(@Wc@.id == item_id, @Wc@.@OWN@ == @OWN@)
        .values(status=status)
    )
    result = session.execute(stmt)
    session.commit()
    return result.rowcount == 1
''', ["from sqlalchemy import update"], ["status"]),
    "purge": (r'''
def purge_closed(session: Session, days: int = 180) -> int:
    cutoff = _now() - timedelta(days=days)
    result = session.execute(
        text("DELETE FROM @T@ WHERE status = 'closed' AND @TS@ < :cutoff"),
        {"cutoff": cutoff},
    )
    session.commit()
    log.info("purged %d closed @W@s older than %d days", result.rowcount, days)
    return result.rowcount
''', ["from sqlalchemy import text", "from datetime import timedelta"]),
    "create": (r'''
def create_@W@(session: Session, @OWN@: int, @TITLE@: str, @REGION@: str | None = None) -> int:
    item = @Wc@(@OWN@=@OWN@, @TITLE@=@TITLE@.strip()[:200], @REGION@=@REGION@)
    session.add(item)
    session.commit()
    log.info("created @W@ %d", item.id)
    return item.id
''', []),
    "by_region": (r'''
def region_totals(session: Session, @OWN@: int) -> str:
    stmt = (
        select(@Wc@.@REGION@, func.count(@Wc@.id))
        .where(@Wc@.@OWN@ == @OWN@)
        .group_by(@Wc@.@REGION@)
        .order_by(func.count(@Wc@.id).desc())
    )
    lines = [f"{region or 'unknown':<12} {n:>6}" for region, n in session.execute(stmt)]
    return "\n".join(lines) or "no @W@s yet"
''', ["from sqlalchemy import func"]),
}

_SA_CORE = {
    "get": (r'''
def get_@W@(@OWN@: int, item_id: int) -> dict | None:
    stmt = select(@T@).where(
        @T@.c.id == item_id,
        @T@.c.@OWN@ == @OWN@,
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None
''', []),
    "list_sorted": (r'''
def list_@W@s(@OWN@: int, sort: str, page: int) -> list[dict]:
    order = SORTABLE.get(sort, @T@.c.@TS@)
    stmt = (
        select(@T@.c.id, @T@.c.@TITLE@, @T@.c.status)
        .where(@T@.c.@OWN@ == @OWN@)
        .order_by(order.desc())
        .limit(PAGE_SIZE)
        .offset(max(page, 0) * PAGE_SIZE)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
''', [], ["sortable"]),
    "search": (r'''
def search_@W@s(@OWN@: int, q: str, limit: int) -> list[dict]:
    q = q.strip()[:80]
    stmt = text(
        "SELECT id, @TITLE@, status FROM @T@ "
        "WHERE @OWN@ = :owner AND lower(@TITLE@) LIKE :pattern ORDER BY id DESC LIMIT :limit"
    ).bindparams(owner=@OWN@, pattern=f"%{q.lower()}%", limit=max(1, min(limit, PAGE_SIZE)))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
''', ["from sqlalchemy import text"]),
    "filtered": (r'''
def filter_@W@s(@OWN@: int, status: str | None, since: str | None) -> list[dict]:
    stmt = select(@T@).where(@T@.c.@OWN@ == @OWN@)
    if status in STATUSES:
        stmt = stmt.where(@T@.c.status == status)
    if since:
        stmt = stmt.where(@T@.c.@TS@ >= datetime.fromisoformat(since))
    with engine.connect() as conn:
        stmt = stmt.order_by(@T@.c.@TS@.desc()).limit(PAGE_SIZE)
        rows = conn.execute(stmt).mappings().all()
    log.debug("filter matched %d rows", len(rows))
    return [dict(r) for r in rows]
''', ["from datetime import datetime"], ["status"]),
    "by_ids": (r'''
def get_many(@OWN@: int, ids: list[int]) -> list[dict]:
    wanted = [int(i) for i in ids][:200]
    stmt = select(@T@).where(
        @T@.c.@OWN@ == @OWN@,
        @T@.c.id.in_(wanted),
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
''', []),
    "stale": (r'''
def stale_count(days: int = 30) -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    stmt = text("SELECT COUNT(*) FROM @T@ WHERE status = 'open' AND @TS@ < :cutoff")
    with engine.connect() as conn:
        return conn.execute(stmt.bindparams(cutoff=cutoff)).scalar_one()
''', ["from sqlalchemy import text", "from datetime import datetime, timedelta, timezone"]),
    "insert_many": (r'''
def bulk_insert(@OWN@: int, rows: list[dict]) -> int:
    now = datetime.now(timezone.utc)
    values = [
        {
            "@OWN@": @OWN@,
            "@TITLE@": str(r["@TITLE@"])[:200],
            "@REGION@": r.get("@REGION@"),
            "@TS@": now,
        }
        for r in rows
    ]
    with engine.begin() as conn:
        conn.execute(insert(@T@), values)
    log.info("inserted %d @W@ rows", len(values))
    return len(values)
''', ["from sqlalchemy import insert", "from datetime import datetime, timezone"]),
    "update": (r'''
def close_@W@(@OWN@: int, item_id: int) -> bool:
    stmt = (
        update(@T@)
        .where(@T@.c.id == item_id, @T@.c.@OWN@ == @OWN@)
        .values(status="closed")
    )
    with engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1
''', ["from sqlalchemy import update"]),
    "by_region": (r'''
def region_report(@OWN@: int) -> str:
    stmt = (
        select(@T@.c.@REGION@, func.count().label("n"))
        .where(@T@.c.@OWN@ == @OWN@)
        .group_by(@T@.c.@REGION@)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    parts = [f"{region}={n}" for region, n in rows if region]
    return " ".join(parts) or "no regions"
''', ["from sqlalchemy import func"]),
    "archive": (r'''
def archive_old(days: int = 365) -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    with engine.begin() as conn:
        result = conn.execute(
            text(
                "UPDATE @T@ SET status = 'archived' "
                "WHERE status = 'closed' AND @TS@ < :cutoff"
            ),
            {"cutoff": cutoff},
        )
    log.info("archived %d @W@s", result.rowcount)
    return result.rowcount
''', ["from sqlalchemy import text", "from datetime import datetime, timedelta, timezone"]),
}

_SA_CONSTS = {
    "status": 'STATUSES = ("open", "review", "closed", "archived")',
}

_SA_DEP = r'''
def get_session() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
'''

_SA_LIST_CALLS = {"list_sorted": ("list_@W@s", ["sort", "page"]), "search": ("search_@W@s", ["q", "limit"]),
                  "filtered": ("filter_@W@s", ["status", "since"])}


def _sa_module(c, t, fw, style, lst, extra, doc, vuln=None, hi=108, also=(), uses=""):
    """vuln: (code, imports, call) of the positive's weak function, or None."""
    blocks = _SA_ORM if style == "orm" else _SA_CORE
    url = c.pick('os.environ["DATABASE_URL"]', _sub('os.environ.get("@WU@_DB_URL", "sqlite:///@W@s.db")', **t))
    head = _sub(_SA_ORM_HEAD if style == "orm" else _SA_CORE_HEAD, **t).replace("@URL@", url)
    hx = []
    head = head.replace("@OEXTRA@", c.pick("", "\n    priority: Mapped[int] = mapped_column(default=0)",
                                          "\n    revision: Mapped[int] = mapped_column(default=1)"))
    head = head.replace("@OREPR@", c.pick("", _sub(
        '\n\n    def __repr__(self) -> str:\n        return f"<@Wc@ id={self.id} status={self.status}>"', **t)))
    head = head.replace("@CEXTRA@", c.pick("", '\n    Column("priority", Integer, nullable=False, server_default="0"),',
                                          '\n    Column("notes", Text),'))
    if "Text)" in head:
        hx.append("from sqlalchemy import Text")
    if style == "core" and c.rng.random() < 0.4:
        head = head.replace("@CINDEX@", _sub('\n    Index("ix_@T@_@OWN@_status", "@OWN@", "status"),', **t))
        hx.append("from sqlalchemy import Index")
    head = head.replace("@CINDEX@", "")
    sess = dict(open="SessionLocal()", var="session", typ="Session", dep="get_session") if style == "orm" else None
    if vuln:
        must = [B(_sub(vuln[0], **t), vuln[1])]
        call = vuln[2]
    else:
        code, imps, *k = blocks[lst]
        must = [B(_sub(code, **t), imps, k[0] if k else ())]
        call = _SA_LIST_CALLS[lst]
    for key in also:
        code, imps, *k = blocks[key]
        must.append(B(_sub(code, **t), imps, k[0] if k else ()))
    pool = []
    for key in extra:
        code, imps, *k = blocks[key]
        pool.append(B(_sub(code, **t), imps, k[0] if k else ()))
    get = B(_sub(blocks["get"][0], **t))
    sortable = _sub('SORTABLE = {\n    "created": @T@.c.@TS@,\n    "@TITLE@": @T@.c.@TITLE@,\n'
                    '    "status": @T@.c.status,\n}', **t)

    def make(chosen):
        glue, gimps = _glue89(c, fw, _sub("get_@W@", **t), _sub(call[0], **t), call[1], taint=vuln and vuln[3],
                              sess=sess, dberr="SQLAlchemyError")
        imps = ["import logging", "import os"] + _SA_IMPS[style] + gimps + hx
        if "SQLAlchemyError" in glue:
            imps.append("from sqlalchemy.exc import SQLAlchemyError")
        consts = [f"PAGE_SIZE = {t['PS']}"]
        parts = [head.strip("\n")]
        if style == "orm":
            parts.insert(0, "def _now() -> datetime:\n    return datetime.now(timezone.utc)")
        if any("sortable" in b.consts for b in chosen):
            parts[-1] += "\n\n" + sortable
        for b in [get] + chosen:
            imps += list(b.imps)
            consts += [_SA_CONSTS[k] for k in b.consts if k in _SA_CONSTS]
            parts.append(b.code)
        if style == "orm" and fw == "fastapi":
            parts.append(_SA_DEP.strip("\n"))
            imps.append("from typing import Iterator")
        return _module(doc, imps, consts, "\n\n\n".join(parts), glue, uses)

    return _fit(c, make, pool, must=must, lo=84, hi=hi)[0]


@fam("mod-safe-data-sqlalchemy-store", "CWE-89", fws=["fastapi", "flask", "cli", "pipeline", "fastapi"], n=6,
     wrap=False)
def mod_safe_data_sqlalchemy_store(c):
    t = _sa_tokens(c)
    style = c.pick("orm", "core")
    shape = c.pick("region", "where", "like")
    if style == "orm":
        fn_open, run, rows = "", "session.execute", "[dict(r) for r in rows]"
        sig = "session: Session, "
    else:
        fn_open, run, rows = "", "conn.execute", "[dict(r) for r in rows]"
        sig = ""
    if shape == "region":
        call = ("by_@REGION@", ["region"])
        taint = "region"
        body = r'''
def by_@REGION@(@SIG@@OWN@: int, region: str) -> list[dict]:
    """@Wc@s of one owner in one @REGION@, newest first."""
@SINK@'''
        v = '''stmt = text(
    "SELECT id, @TITLE@, status FROM @T@ "
    f"WHERE @OWN@ = :owner AND @REGION@ = '{region}' ORDER BY @TS@ DESC"  #@V
)
@RUN@(stmt, {"owner": @OWN@}).mappings().all()  #@V'''
        s = '''stmt = text(
    "SELECT id, @TITLE@, status FROM @T@ "
    "WHERE @OWN@ = :owner AND @REGION@ = :region ORDER BY @TS@ DESC"
)
@RUN@(stmt, {"owner": @OWN@, "region": region}).mappings().all()'''
        imps = ["from sqlalchemy import text"]
    elif shape == "where":
        call = ("in_state", ["state"])
        taint = "state"
        body = r'''
def in_state(@SIG@@OWN@: int, state: str) -> list[dict]:
    """@Wc@s of one owner in the given workflow state."""
@SINK@'''
        if style == "orm":
            v = '''stmt = (
    select(@Wc@.id, @Wc@.@TITLE@, @Wc@.status)
    .where(@Wc@.@OWN@ == @OWN@, text(f"status = '{state}'"))  #@V
    .order_by(@Wc@.@TS@.desc())
)
@RUN@(stmt).mappings().all()  #@V'''
            s = '''stmt = (
    select(@Wc@.id, @Wc@.@TITLE@, @Wc@.status)
    .where(@Wc@.@OWN@ == @OWN@, @Wc@.status == state)
    .order_by(@Wc@.@TS@.desc())
)
@RUN@(stmt).mappings().all()'''
        else:
            v = '''stmt = (
    select(@T@.c.id, @T@.c.@TITLE@, @T@.c.status)
    .where(@T@.c.@OWN@ == @OWN@)
    .where(text(f"status = '{state}'"))  #@V
)
@RUN@(stmt).mappings().all()  #@V'''
            s = '''stmt = (
    select(@T@.c.id, @T@.c.@TITLE@, @T@.c.status)
    .where(@T@.c.@OWN@ == @OWN@)
    .where(@T@.c.status == state)
)
@RUN@(stmt).mappings().all()'''
        imps = ["from sqlalchemy import text"]
    else:
        call = ("find_by_@TITLE@", ["term"])
        taint = "term"
        body = r'''
def find_by_@TITLE@(@SIG@@OWN@: int, term: str) -> list[dict]:
    term = term.strip()
@SINK@'''
        v = '''stmt = text(
    "SELECT id, @TITLE@, status FROM @T@ "
    "WHERE @OWN@ = :owner AND @TITLE@ LIKE '%" + term + "%' LIMIT 50"  #@V
)
@RUN@(stmt.bindparams(owner=@OWN@)).mappings().all()  #@V'''
        s = '''stmt = text(
    "SELECT id, @TITLE@, status FROM @T@ "
    "WHERE @OWN@ = :owner AND @TITLE@ LIKE :pattern LIMIT 50"
)
@RUN@(stmt.bindparams(owner=@OWN@, pattern=f"%{term}%")).mappings().all()'''
        imps = ["from sqlalchemy import text"]

    def fill(sink):
        lines = sink.split("\n")
        out = ["    " + l for l in lines[:-1]]
        if style == "orm":
            out += ["    rows = " + lines[-1].replace("@RUN@", run), "    return " + rows]
        else:
            out += ["    with engine.connect() as conn:", "        rows = " + lines[-1].replace("@RUN@", run),
                    "    return " + rows]
        return "\n".join(out)

    code = body.replace("@SIG@", sig)
    blocks = _SA_ORM if style == "orm" else _SA_CORE
    also = [c.pick(*[k for k, b in blocks.items() if "text(" in b[0]])]
    extra = [k for k in blocks if k not in ("get", also[0])]
    doc = _sub(c.pick("@Wc@ storage on SQLAlchemy.", "Queries for @W@s (SQLAlchemy @STYLE@).",
                      "Persistence for @W@ records."), **t).replace("@STYLE@", "ORM" if style == "orm" else "Core")
    mod = _sa_module(c, t, c.fw, style, None, extra, doc, vuln=(code.replace("@SINK@", "@@SINK@@"), imps, call, taint),
                     hi=102, also=also, uses=v + s)
    vm = mod.replace("@@SINK@@", _sub(fill(v), **t))
    sm = mod.replace("@@SINK@@", _sub(fill(s), **t))
    return Spec(v=vm, s=_clean(sm), full=True, fw=c.fw,
                notes="one query hands SQLAlchemy a text() fragment with the request value formatted into it, while "
                      "the rest of the module uses select().where() expressions and :name bind parameters")


@hardneg(10)
def mod_safe_data_sqlalchemy_store_hn(c):
    t = _sa_tokens(c)
    style = c.pick("orm", "core")
    fw = c.pick("fastapi", "flask", "django", "cli", "pipeline")
    lst = c.pick("list_sorted", "search", "filtered")
    blocks = _SA_ORM if style == "orm" else _SA_CORE
    texty = [k for k, b in blocks.items() if "text(" in b[0] and k != lst]
    also = [c.pick(*texty)]
    extra = [k for k in blocks if k not in ("get", lst, also[0])]
    doc = _sub(c.pick("@Wc@ storage on SQLAlchemy.", "Queries for @W@s (SQLAlchemy @STYLE@).",
                      "Persistence for @W@ records: expressions and bound text() queries.",
                      "@Wc@ data access; raw SQL only through text() with :name parameters."), **t)
    doc = doc.replace("@STYLE@", "ORM" if style == "orm" else "Core")
    code = _sa_module(c, t, fw, style, lst, extra, doc, hi=110, also=also)
    return Spec(v="", s=code, full=True, fw=fw,
                notes="SQLAlchemy expressions and text() statements whose values are :name bind parameters "
                      "(bindparams / execute parameters / expanding IN); ORDER BY from a column allow-list")


# ---------------------------------------------------------------------------------------------
# glue shared by the import families (502, 611): an upload endpoint, CLI, consumer or inbox script
# ---------------------------------------------------------------------------------------------


def _glue_import(c, fw, fn, errs, route, taint=False):
    """(glue code, imports): read raw bytes from the framework and hand them to `fn` (returns a dict)."""
    w, Wc = W(c)
    m = "  #@S" if taint else ""
    name = c.pick(f"import_{w}s", f"upload_{w}s", f"receive_{w}_document", f"ingest_{w}s")
    var = c.pick("raw", "payload", "body", "document")
    res = c.pick("result", "outcome", "report")
    if fw == "flask":
        imps = ["from flask import Blueprint, abort, jsonify, request", "from app.auth import require_api_token"]
        code = f'''
bp = Blueprint("{w}_import", __name__)


@bp.post("/{route}")
@require_api_token
def {name}():
    if (request.content_length or 0) > MAX_BYTES:
        abort(413)
    {var} = request.get_data(cache=False){m}
    try:
        {res} = {fn}({var})
    except ({errs}):
        log.warning("rejected {w} upload of %d bytes", len({var}))
        return jsonify(error="invalid document"), 400
    return jsonify({res})
'''
    elif fw == "fastapi":
        imps = ["from fastapi import APIRouter, Depends, HTTPException, Request", "from app.auth import require_token"]
        code = f'''
router = APIRouter(tags=["{w}s"])


@router.post("/{route}")
async def {name}(request: Request, _token: str = Depends(require_token)) -> dict:
    {var} = await request.body(){m}
    if len({var}) > MAX_BYTES:
        raise HTTPException(status_code=413, detail="document too large")
    try:
        return {fn}({var})
    except ({errs}):
        raise HTTPException(status_code=400, detail="invalid document") from None
'''
    elif fw == "django":
        imps = ["from django.contrib.auth.decorators import login_required", "from django.http import JsonResponse",
                "from django.views.decorators.http import require_POST"]
        code = f'''
@login_required
@require_POST
def {name}(request):
    {var} = request.body{m}
    if len({var}) > MAX_BYTES:
        return JsonResponse({{"error": "document too large"}}, status=413)
    try:
        {res} = {fn}({var})
    except ({errs}):
        return JsonResponse({{"error": "invalid document"}}, status=400)
    return JsonResponse({res})
'''
    elif fw == "pipeline":
        imps = ["import base64"]
        code = f'''
def handle_message(message: dict) -> dict:
    {var} = base64.b64decode(message["{c.pick("payload", "document", "data")}"]){m}
    if len({var}) > MAX_BYTES:
        raise ValueError("document too large")
    return {fn}({var})


def consume(inbox, outbox) -> None:
    while (message := inbox.get()) is not None:
        try:
            outbox.put(handle_message(message))
        except ({errs}, KeyError):
            log.exception("dropping {w} message")
        finally:
            inbox.task_done()
'''
    elif fw == "cli":
        imps = ["import argparse", "import json", "import sys", "from pathlib import Path"]
        code = f'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import {w} files")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    failed = 0
    for number, path in enumerate(args.files, 1):
        {var} = path.read_bytes(){m}
        try:
            {res} = {fn}({var})
        except ({errs}) as exc:
            failed += 1
            log.error("file %d of %d rejected (%s)", number, len(args.files), type(exc).__name__)
            continue
        if not args.quiet:
            json.dump({res}, sys.stdout, default=str)
            sys.stdout.write("\\n")
    return 1 if failed else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(main())
'''
    else:  # script: drain an inbox directory
        imps = ["from pathlib import Path"]
        code = f'''
def main() -> None:
    logging.basicConfig(level=logging.INFO)
    done = INBOX / "done"
    done.mkdir(parents=True, exist_ok=True)
    processed = skipped = 0
    for path in sorted(INBOX.glob("*.*")):
        if not path.is_file():
            continue
        try:
            {fn}(path.read_bytes())
        except ({errs}):
            skipped += 1
            continue
        path.replace(done / path.name)
        processed += 1
    log.info("inbox drained: %d processed, %d skipped", processed, skipped)


if __name__ == "__main__":
    main()
'''
    return code.strip("\n"), imps


def _simple_module(c, doc, base_imps, consts, must, pool, glue, gimps, lo=84, hi=108, sink=None):
    """Top-level functions/classes only. `sink`: (placeholder, text) replaced before imports are pruned."""
    def make(blocks, text=None, glue2=None):
        body = "\n\n\n".join(b.code for b in blocks)
        if sink:
            body = body.replace(sink[0], text if text is not None else sink[1])
        ks = list(consts) + [k for b in blocks for k in b.consts]
        imps = list(base_imps) + gimps + [i for b in blocks for i in b.imps]
        return _module(doc, imps, ks, body, glue2 or glue)

    code, chosen = _fit(c, make, pool, must=must, lo=lo, hi=hi)
    return code, (lambda text, glue2=None: make(chosen, text, glue2))


# ---------------------------------------------------------------------------------------------
# 4. CWE-502: YAML / JSON / CSV import and configuration modules
# ---------------------------------------------------------------------------------------------


def _de_tokens(c):
    w, Wc = W(c)
    return dict(W=w, Wc=Wc, WU=w.upper(), KB=c.pick(64, 256, 512, 1024),
                KINDS=c.pick('"daily", "weekly", "monthly"', '"email", "sms", "push"', '"draft", "final"',
                             '"small", "medium", "large"'),
                REQ=c.pick('"name", "kind"', '"name", "kind", "owner"', '"id", "name", "kind"'))


_DE_RESULT = r'''
@dataclass
class ImportResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{len(self.accepted)} accepted",
            f"{len(self.rejected)} rejected" if self.rejected else "",
        ]
        return ", ".join(p for p in parts if p)
'''

_DE_VALIDATE = r'''
def validate(entry: dict) -> str | None:
    """None when the entry is usable, else a short reason."""
    missing = [k for k in REQUIRED if not entry.get(k)]
    if missing:
        return "missing " + ", ".join(missing)
    if entry["kind"] not in KINDS:
        return f"unknown kind {str(entry['kind'])[:20]!r}"
    return None
'''

_DE_DEFAULTS = r'''
def load_defaults(path: Path = DEFAULTS_FILE) -> dict:
    """Defaults shipped next to this module."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data if isinstance(data, dict) else {}
'''

_DE_PROCESS = r'''
def import_document(raw: bytes) -> dict:
    defaults = load_defaults()
    result = ImportResult()
    for entry in parse_document(raw):
        merged = {**defaults, **entry}
        name = str(merged.get("name", "?"))[:60]
        problem = validate(merged)
        if problem:
            result.rejected.append(f"{name}: {problem}")
        else:
            result.accepted.append(name)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    log.info("document %s: %s", digest, result.summary())
    return {"accepted": result.accepted, "rejected": result.rejected}
'''

_DE_PARSE = r'''
def parse_document(raw: bytes) -> list[dict]:
    if len(raw) > MAX_BYTES:
        raise ValueError("document too large")
    @@SINK@@
    items = data.get("@W@s", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError("expected a list of @W@s")
    return [i for i in items if isinstance(i, dict)]
'''

_DE_CONSTS = [
    "MAX_BYTES = @KB@ * 1024",
    "REQUIRED = (@REQ@)",
    "KINDS = frozenset({@KINDS@})",
    'DEFAULTS_FILE = Path(__file__).with_name("@W@_defaults.yaml")',
]

_DE_POOL = [
    B(r'''
def archive(raw: bytes, suffix: str = ".yaml") -> Path:
    """Keep a copy of every accepted document under a generated name."""
    ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    target = ARCHIVE_DIR / f"{uuid.uuid4().hex}{suffix}"
    target.write_bytes(raw)
    log.debug("archived %d bytes as %s", len(raw), target.name)
    return target
''', ["import uuid", "from pathlib import Path"],
      ['ARCHIVE_DIR = Path(os.environ.get("@WU@_ARCHIVE_DIR", "var/archive"))']),
    B(r'''
def deep_merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
'''),
    B(r'''
def dump_normalized(entries: list[dict], path: Path) -> None:
    """Write the cleaned entries back out as YAML (plain types only)."""
    with path.open("w", encoding="utf-8") as fh:
        yaml.safe_dump({"@W@s": entries}, fh, sort_keys=False, allow_unicode=True)
''', ["import yaml", "from pathlib import Path"]),
    B(r'''
def read_csv_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [k for k in REQUIRED if k not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
''', ["import csv", "import io"], ["REQUIRED = (@REQ@)"]),
    B(r'''
def error_report(rejected: list[str]) -> str:
    lines = [f"{n:>3}. {reason}" for n, reason in enumerate(rejected[:50], 1)]
    if len(rejected) > 50:
        lines.append(f"... and {len(rejected) - 50} more")
    return "\n".join(lines)
'''),
    B(r'''
def load_overrides(env: dict[str, str] | None = None) -> dict:
    """@WU@_OVERRIDES holds a JSON object; anything else is ignored."""
    text = (env if env is not None else os.environ).get("@WU@_OVERRIDES", "")
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        log.warning("ignoring malformed @WU@_OVERRIDES")
        return {}
    return data if isinstance(data, dict) else {}
''', ["import json"]),
    B(r'''
def fingerprint(entries: list[dict]) -> str:
    canonical = json.dumps(entries, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
''', ["import hashlib", "import json"]),
    B(r'''
def describe(entry: dict) -> str:
    parts = [
        str(entry.get("name", ""))[:40],
        f"kind={entry['kind']}" if entry.get("kind") in KINDS else "",
        "disabled" if entry.get("enabled") is False else "",
    ]
    return " ".join(p for p in parts if p)
''', [], ["KINDS = frozenset({@KINDS@})"]),
    B(r'''
def cache_result(key: str, result: dict) -> Path:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    target = CACHE_DIR / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    target.write_text(json.dumps(result, default=str), encoding="utf-8")
    return target


def cached_result(key: str) -> dict | None:
    path = CACHE_DIR / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
''', ["import hashlib", "import json", "from pathlib import Path"],
      ['CACHE_DIR = Path(os.environ.get("@WU@_CACHE_DIR", "var/cache")) / "@W@"']),
]

_DE_SHAPES = {
    "loader": ("data = yaml.load(raw, Loader=yaml.Loader)  #@V", "data = yaml.safe_load(raw)"),
    "unsafe": ("data = yaml.unsafe_load(raw)  #@V", "data = yaml.safe_load(raw)"),
    "unsafe_loader": ("data = yaml.load(raw, Loader=yaml.UnsafeLoader)  #@V", "data = yaml.load(raw, Loader=yaml.SafeLoader)"),
    "pickle": ("data = pickle.loads(raw)  #@V", "data = json.loads(raw)"),
}


@fam("mod-safe-data-yaml-import", "CWE-502", fws=["flask", "fastapi", "django", "pipeline"], n=6, wrap=False)
def mod_safe_data_yaml_import(c):
    t = _de_tokens(c)
    shape = c.pick("loader", "unsafe", "unsafe_loader", "pickle")
    vs, ss = _DE_SHAPES[shape]
    S = lambda x: _sub(x, **t)  # noqa: E731
    errs = "ValueError, yaml.YAMLError" if shape != "pickle" else "ValueError, pickle.UnpicklingError"
    route = S(c.pick("@W@s/import", "import/@W@s", "api/@W@s/bulk"))
    glue, gimps = _glue_import(c, c.fw, "import_document", errs, route, taint=True)
    glue_s = glue.replace("pickle.UnpicklingError", "UnicodeDecodeError")
    must = [B(S(_DE_RESULT)), B(S(_DE_DEFAULTS)), B(S(_DE_VALIDATE)), B(S(_DE_PARSE)), B(S(_DE_PROCESS))]
    pool = [B(S(b.code), b.imps, [S(k) for k in b.consts]) for b in _DE_POOL]
    base = ["import hashlib", "import logging", "import os", "from dataclasses import dataclass, field",
            "from pathlib import Path", "import yaml", "import pickle", "import json"]
    doc = S(c.pick("Import of @W@ definitions uploaded as YAML documents.",
                   "Bulk import endpoint for @W@ definitions.", "Loads @W@ definitions pushed by partner systems."))
    code, remake = _simple_module(c, doc, base, [S(k) for k in _DE_CONSTS], must, pool, glue, gimps, hi=106,
                                  sink=("@@SINK@@", vs))
    v = code
    s = remake(ss, glue_s)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the uploaded document is deserialized with a loader that can build arbitrary Python objects "
                      "(yaml Loader/UnsafeLoader or pickle), so the request body can run code; the defaults file "
                      "shipped with the module is read with safe_load")


_DE_RESULT_ALT = r'''
@dataclass
class ImportResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        counts = {
            "accepted": len(self.accepted),
            "rejected": len(self.rejected),
            "skipped": self.skipped,
        }
        return " ".join(f"{k}={v}" for k, v in counts.items() if v) or "empty"
'''

_DE_VALIDATE_ALT = r'''
def validate(entry: dict) -> str | None:
    problems = []
    for key in REQUIRED:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{key} is required")
    kind = entry.get("kind")
    if kind is not None and kind not in KINDS:
        problems.append("kind must be one of " + ", ".join(sorted(KINDS)))
    return "; ".join(problems) or None
'''

_DE_SETTINGS = r'''
@dataclass(frozen=True)
class Settings:
    database_url: str
    batch_size: int = 100
    retention_days: int = 30
    features: tuple[str, ...] = ()
    log_level: str = "INFO"

    def describe(self) -> str:
        parts = [
            f"batch={self.batch_size}",
            f"retention={self.retention_days}d",
            "features=" + ",".join(self.features) if self.features else "",
            f"log={self.log_level}",
        ]
        return " ".join(p for p in parts if p)
'''

_DE_READ = {
    "safe_load": r'''
def read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: the top level must be a mapping")
    return data
''',
    "safe_loader": r'''
def read_yaml(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.SafeLoader)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping, got {type(data).__name__}")
    return data
''',
    "toml": r'''
def read_yaml(path: Path) -> dict:
    """Settings files may be YAML or TOML; both parsers only build plain data."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping")
    return data
''',
}

_DE_LOAD_SETTINGS = r'''
def load_settings(path: Path = CONFIG_PATH) -> Settings:
    data = read_yaml(path) if path.exists() else {}@MERGE@
    database_url = os.environ.get("DATABASE_URL") or data.get("database_url")
    if not database_url:
        raise ValueError("database_url is not configured")
    features = tuple(sorted(str(f) for f in data.get("features", []) if f in KNOWN_FEATURES))
    level = str(data.get("log_level", "INFO")).upper()
    return Settings(
        database_url=database_url,
        batch_size=max(1, min(int(data.get("batch_size", 100)), 10_000)),
        retention_days=int(data.get("retention_days", 30)),
        features=features,
        log_level=level if level in LOG_LEVELS else "INFO",
    )
'''

_DE_SETTINGS_CONSTS = [
    'CONFIG_PATH = Path(os.environ.get("@WU@_CONFIG", "config/@W@.yaml"))',
    'KNOWN_FEATURES = frozenset({"exports", "webhooks", "audit", "beta_ui"})',
    'LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")',
]

_DE_SETTINGS_GLUE = {
    "cli": (r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the @W@ service settings")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"invalid configuration: {exc}", file=sys.stderr)
        return 1
    print(settings.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
''', ["import argparse", "import sys"]),
    "flask": (r'''
def create_app(config_path: Path = CONFIG_PATH) -> Flask:
    settings = load_settings(config_path)
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=settings.database_url,
        BATCH_SIZE=settings.batch_size,
        FEATURES=list(settings.features),
    )
    logging.getLogger().setLevel(settings.log_level)
    log.info("@W@ service configured: %s", settings.describe())
    return app
''', ["from flask import Flask"]),
    "script": (r'''
def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level)
    log.info("starting @W@ worker (%s)", settings.describe())
    cutoff_days = settings.retention_days
    for batch in range(3):
        log.debug("batch %d of %d rows, retention %d days", batch, settings.batch_size, cutoff_days)


if __name__ == "__main__":
    main()
''', []),
}

_DE_JSON_PARSE = r'''
def parse_payload(raw: bytes) -> list[dict]:
    if len(raw) > MAX_BYTES:
        raise ValueError("payload too large")
    data = json.loads(raw)
    items = data.get("@W@s") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError("expected an object with a @W@s list")
    return [i for i in items if isinstance(i, dict)][:MAX_ITEMS]
'''

_DE_CSV_PARSE = r'''
def parse_payload(raw: bytes) -> list[dict]:
    if len(raw) > MAX_BYTES:
        raise ValueError("file too large")
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [k for k in REQUIRED if k not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("missing columns: " + ", ".join(missing))
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    return rows[:MAX_ITEMS]
'''

_DE_MULTI_PARSE = r'''
def parse_payload(raw: bytes) -> list[dict]:
    """A stream of YAML documents, one @W@ per document."""
    if len(raw) > MAX_BYTES:
        raise ValueError("document stream too large")
    entries = []
    for doc in yaml.safe_load_all(raw):
        if isinstance(doc, dict):
            entries.append(doc)
        if len(entries) >= MAX_ITEMS:
            break
    return entries
'''

_DE_GENERIC_PROCESS = r'''
def process(raw: bytes) -> dict:
    entries = parse_payload(raw)
    result = ImportResult()
    for n, entry in enumerate(entries, 1):
        problem = validate(entry)
        label = str(entry.get("name") or f"#{n}")[:60]
        if problem:
            result.rejected.append(f"{label}: {problem}")
        else:
            result.accepted.append(label)
    log.info("processed %d entries: %s", len(entries), result.summary())
    return {"accepted": result.accepted, "rejected": result.rejected, "summary": result.summary()}
'''


@hardneg(10)
def mod_safe_data_yaml_import_hn(c):
    t = _de_tokens(c)
    S = lambda x: _sub(x, **t)  # noqa: E731
    kind = c.pick("settings", "settings", "json", "csv", "multi", "yaml")
    pool = [B(S(b.code), b.imps, [S(k) for k in b.consts]) for b in _DE_POOL]
    base = ["import logging", "import os", "from dataclasses import dataclass, field", "from pathlib import Path",
            "import yaml", "import json", "import csv", "import io", "import hashlib", "import tomllib"]
    if kind == "settings":
        fw = c.pick("cli", "flask", "script")
        read = c.pick(*_DE_READ)
        merged = c.pick("", "\n    data = deep_merge(data, load_overrides())")
        must = [B(S(_DE_SETTINGS)), B(S(_DE_READ[read])), B(S(_DE_LOAD_SETTINGS.replace("@MERGE@", merged)))]
        if merged:
            names = ("def deep_merge", "def load_overrides")
            must += [b for b in pool if b.code.lstrip().startswith(names)]
            pool = [b for b in pool if not b.code.lstrip().startswith(names)]
        glue, gimps = _DE_SETTINGS_GLUE[fw]
        glue = S(glue)
        consts = [S(k) for k in _DE_SETTINGS_CONSTS]
        pool = [b for b in pool if "ImportResult" not in b.code]
        doc = S(c.pick("Runtime settings for the @W@ service: YAML file plus environment overrides.",
                       "@Wc@ service configuration loader.", "Loads and validates the @W@ settings file."))
        notes = "configuration is read with yaml.safe_load / SafeLoader / tomllib and validated field by field"
    else:
        fw = c.pick("flask", "fastapi", "django", "pipeline", "cli", "script")
        parse = {"json": _DE_JSON_PARSE, "csv": _DE_CSV_PARSE, "multi": _DE_MULTI_PARSE,
                 "yaml": _DE_PARSE.replace("@@SINK@@", c.pick("data = yaml.safe_load(raw)",
                                                             "data = yaml.load(raw, Loader=yaml.SafeLoader)"))}[kind]
        errs = {"json": "ValueError", "csv": "ValueError, csv.Error", "multi": "ValueError, yaml.YAMLError",
                "yaml": "ValueError, yaml.YAMLError"}[kind]
        if kind == "json":
            errs = c.pick("ValueError", "ValueError, json.JSONDecodeError")
        fn = "process"
        must = [B(S(c.pick(_DE_RESULT, _DE_RESULT_ALT))), B(S(c.pick(_DE_VALIDATE, _DE_VALIDATE_ALT))), B(S(parse))]
        if kind in ("json", "csv"):
            extra = c.pick("def dump_normalized", "def load_defaults")
            if extra == "def load_defaults":
                must.append(B(S(_DE_DEFAULTS)))
                consts_extra = [S(k) for k in _DE_CONSTS if "DEFAULTS" in k]
            else:
                must += [b for b in pool if b.code.lstrip().startswith(extra)]
                pool = [b for b in pool if not b.code.lstrip().startswith(extra)]
                consts_extra = []
        else:
            consts_extra = []
        if kind == "yaml":
            must += [B(S(_DE_DEFAULTS)), B(S(_DE_PROCESS))]
            fn = "import_document"
        else:
            must += [B(S(_DE_GENERIC_PROCESS))]
        route = S(c.pick("@W@s/import", "import/@W@s", "api/@W@s/upload", "v1/@W@s:batch"))
        glue, gimps = _glue_import(c, fw, fn, errs, route)
        consts = [S(k) for k in _DE_CONSTS if kind == "yaml" or "DEFAULTS" not in k] + consts_extra
        consts.append(f"MAX_ITEMS = {c.pick(500, 1000, 5000)}")
        if fw == "script":
            consts.append(S('INBOX = Path(os.environ.get("@WU@_INBOX", "var/inbox"))'))
        if kind == "yaml":
            pool = [b for b in pool if "def deep_merge" not in b.code]
        doc = S(c.pick("Import of @W@ records uploaded as {k}.", "Bulk {k} import for @W@s.",
                       "Validates and imports @W@ batches ({k}).")).replace(
            "{k}", {"json": "JSON", "csv": "CSV", "multi": "YAML document streams", "yaml": "YAML"}[kind])
        notes = ("uploaded documents are parsed with json.loads / csv.DictReader / yaml.safe_load(_all) / SafeLoader, "
                 "which only build plain data")
    code, _ = _simple_module(c, doc, base, consts, must, pool, glue, gimps, lo=82, hi=108)
    return Spec(v="", s=code, full=True, fw=fw, notes=notes)


# ---------------------------------------------------------------------------------------------
# 5. CWE-611: XML feed imports on defusedxml or an lxml parser that resolves no entities
# ---------------------------------------------------------------------------------------------


def _x_tokens(c):
    w, Wc = W(c)
    return dict(W=w, Wc=Wc, WU=w.upper(), KB=c.pick(512, 1024, 2048, 4096),
                NSURI=c.pick(f"urn:example:{w}-feed:1", f"https://schemas.example.com/{w}/2", f"urn:partner:{w}s"),
                ITEM=c.pick("item", "entry", "record", "line"), SKU=c.pick("sku", "code", "ref"),
                TITLE=c.pick("title", "name", "label"), PRICE=c.pick("price", "amount", "unit_price"),
                QTY=c.pick("qty", "quantity", "count"))


_X_ITEM = r'''
@dataclass
class FeedItem:
    @SKU@: str
    @TITLE@: str
    @PRICE@: Decimal
    @QTY@: int


def from_fields(fields: dict[str, str]) -> FeedItem | None:
    try:
        return FeedItem(
            @SKU@=fields["@SKU@"][:40],
            @TITLE@=" ".join(fields.get("@TITLE@", "").split())[:200],
            @PRICE@=Decimal(fields.get("@PRICE@") or "0"),
            @QTY@=int(fields.get("@QTY@") or 0),
        )
    except (KeyError, InvalidOperation, ValueError):
        return None
'''

_X_TO_ITEM = r'''
def to_item(el) -> FeedItem | None:
    """Child elements of one <@ITEM@>, keyed by local name."""
    fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in el}
    return from_fields(fields)
'''

_X_PROCESS = r'''
def process(raw: bytes) -> dict:
    items = parse_feed(raw)
    total = sum((i.@PRICE@ * i.@QTY@ for i in items), Decimal("0"))
    log.info("feed with %d items, total value %s", len(items), total)
    return {"items": len(items), "value": str(total), "@SKU@s": [i.@SKU@ for i in items][:MAX_ITEMS]}
'''

_X_PARSE_VULN = r'''
def parse_feed(raw: bytes) -> list[FeedItem]:
    if len(raw) > MAX_BYTES:
        raise ValueError("feed too large")
@@SINK@@
    items = [to_item(el) for el in root.iterfind("f:@ITEM@", NS)]
    return [i for i in items if i is not None][:MAX_ITEMS]
'''

_X_SHAPES = {
    "func": ('''    parser = etree.XMLParser(resolve_entities=True, remove_blank_text=True)  #@V
    root = etree.fromstring(raw, parser)  #@V''',
             '''    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(raw, parser)'''),
    "module": ('''    root = etree.fromstring(raw, PARSER)  #@V''', '''    root = etree.fromstring(raw, PARSER)'''),
    "parse": ('''    tree = etree.parse(io.BytesIO(raw), etree.XMLParser(resolve_entities=True))  #@V
    root = tree.getroot()''',
              '''    tree = etree.parse(io.BytesIO(raw), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()'''),
}

_X_PARSERS = {
    "defused": (r'''
def parse_feed(raw: bytes) -> list[FeedItem]:
    if len(raw) > MAX_BYTES:
        raise ValueError("feed too large")
    root = DET.fromstring(raw, forbid_dtd=True)
    items = [to_item(el) for el in root.iterfind("f:@ITEM@", NS)]
    return [i for i in items if i is not None][:MAX_ITEMS]
''', ["from defusedxml import ElementTree as DET"], "ValueError, DET.ParseError", True),
    "lxml": (r'''
def parse_feed(raw: bytes) -> list[FeedItem]:
    if len(raw) > MAX_BYTES:
        raise ValueError("feed too large")
    root = etree.fromstring(raw, SAFE_PARSER)
    items = [to_item(el) for el in root.iterfind("f:@ITEM@", NS)]
    return [i for i in items if i is not None][:MAX_ITEMS]
''', ["from lxml import etree"], "ValueError, etree.XMLSyntaxError", True),
    "iterparse": (r'''
def parse_feed(raw: bytes) -> list[FeedItem]:
    """Streams the feed; entity declarations and DTDs are refused by defusedxml."""
    items: list[FeedItem] = []
    for _event, el in DET.iterparse(io.BytesIO(raw), events=("end",), forbid_dtd=True):
        if el.tag != ITEM_TAG:
            continue
        item = to_item(el)
        el.clear()
        if item is not None:
            items.append(item)
        if len(items) >= MAX_ITEMS:
            break
    return items
''', ["import io", "from defusedxml import ElementTree as DET"], "ValueError, DET.ParseError", True),
    "minidom": (r'''
def parse_feed(raw: bytes) -> list[FeedItem]:
    if len(raw) > MAX_BYTES:
        raise ValueError("feed too large")
    doc = parseString(raw, forbid_dtd=True)
    items = []
    for node in doc.getElementsByTagNameNS(NS["f"], "@ITEM@")[:MAX_ITEMS]:
        fields = {
            child.localName: (child.firstChild.data.strip() if child.firstChild else "")
            for child in node.childNodes
            if child.nodeType == child.ELEMENT_NODE
        }
        item = from_fields(fields)
        if item is not None:
            items.append(item)
    return items
''', ["from defusedxml.minidom import parseString", "from xml.parsers.expat import ExpatError"],
        "ValueError, ExpatError", False),
}

_X_SAFE_PARSER = ("SAFE_PARSER = etree.XMLParser(\n    resolve_entities=False, no_network=True, load_dtd=False, "
                  "remove_blank_text=True\n)")

_X_POOL = [
    B(r'''
def store_copy(raw: bytes) -> Path:
    STORE_DIR.mkdir(parents=True, exist_ok=True)
    target = STORE_DIR / f"{time.strftime('%Y%m%d')}-{uuid.uuid4().hex}.xml"
    target.write_bytes(raw)
    return target
''', ["import time", "import uuid", "from pathlib import Path"],
      ['STORE_DIR = Path(os.environ.get("@WU@_FEED_DIR", "var/feeds"))']),
    B(r'''
def summary_lines(items: list[FeedItem], limit: int = 20) -> str:
    lines = [f"{i.@SKU@:<14} {i.@QTY@:>6} {i.@PRICE@:>10}" for i in items[:limit]]
    if len(items) > limit:
        lines.append(f"... {len(items) - limit} more")
    return "\n".join(lines)
'''),
    B(r'''
def export_xml(items: list[FeedItem]) -> bytes:
    """Outbound document for the warehouse; built, never parsed."""
    root = ET.Element("@W@s", {"count": str(len(items))})
    for item in items:
        el = ET.SubElement(root, "@ITEM@", {"@SKU@": item.@SKU@})
        ET.SubElement(el, "@TITLE@").text = item.@TITLE@
        ET.SubElement(el, "@PRICE@").text = str(item.@PRICE@)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
''', ["import xml.etree.ElementTree as ET"]),
    B(r'''
def write_csv(items: list[FeedItem]) -> Path:
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    target = EXPORT_DIR / ("@W@-feed-%d.csv" % int(time.time()))
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["@SKU@", "@TITLE@", "@PRICE@", "@QTY@"])
        for i in items:  # partner text never starts a spreadsheet formula
            cells = ["'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s for s in (i.@SKU@, i.@TITLE@)]
            writer.writerow([*cells, i.@PRICE@, i.@QTY@])
    return target
''', ["import csv", "import time", "from pathlib import Path"],
      ['EXPORT_DIR = Path(os.environ.get("@WU@_EXPORT_DIR", "exports"))']),
    B(r'''
def schema_errors(raw: bytes) -> list[str]:
    """Validate against the bundled XSD; both documents go through the hardened parser."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), SAFE_PARSER))
    doc = etree.fromstring(raw, SAFE_PARSER)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log][:20]
''', ["from lxml import etree"], [_X_SAFE_PARSER, 'SCHEMA_PATH = Path(__file__).with_name("@W@_feed.xsd")']),
    B(r'''
def find_@SKU@(raw: bytes, @SKU@: str) -> dict | None:
    root = etree.fromstring(raw, SAFE_PARSER)
    matches = root.xpath("//f:@ITEM@[f:@SKU@ = $wanted]", namespaces=NS, wanted=@SKU@)
    if not matches:
        return None
    return {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in matches[0]}
''', ["from lxml import etree"], [_X_SAFE_PARSER]),
    B(r'''
def totals_by_prefix(items: list[FeedItem]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in items:
        prefix = item.@SKU@.split("-", 1)[0] or "?"
        totals[prefix] = totals.get(prefix, Decimal("0")) + item.@PRICE@ * item.@QTY@
    log.debug("feed covers %d prefixes", len(totals))
    return dict(sorted(totals.items()))
'''),
    B(r'''
def describe(item: FeedItem) -> str:
    parts = [
        item.@SKU@,
        item.@TITLE@[:30],
        f"x{item.@QTY@}" if item.@QTY@ != 1 else "",
        f"@ {item.@PRICE@}",
    ]
    return " ".join(p for p in parts if p)
'''),
]

_X_CONSTS = ["MAX_BYTES = @KB@ * 1024", 'NS = {"f": "@NSURI@"}', "MAX_ITEMS = 5000"]


def _x_base():
    return ["import logging", "import os", "from dataclasses import dataclass", "from decimal import Decimal, InvalidOperation",
            "from pathlib import Path"]


@fam("mod-safe-data-xml-feed-import", "CWE-611", fws=["flask", "fastapi", "django", "pipeline"], n=6, wrap=False)
def mod_safe_data_xml_feed_import(c):
    t = _x_tokens(c)
    S = lambda x: _sub(x, **t)  # noqa: E731
    shape = c.pick("func", "module", "parse")
    vs, ss = _X_SHAPES[shape]
    consts = [S(k) for k in _X_CONSTS]
    if shape == "module":
        consts.append("@@PARSER@@")
    route = S(c.pick("feeds/@W@s", "@W@s/feed", "partners/@W@-feed"))
    glue, gimps = _glue_import(c, c.fw, "process", "ValueError, etree.XMLSyntaxError", route, taint=True)
    must = [B(S(_X_ITEM)), B(S(_X_TO_ITEM)), B(S(_X_PARSE_VULN)), B(S(_X_PROCESS))]
    pool = [B(S(b.code), b.imps, [S(k) for k in b.consts]) for b in _X_POOL]
    base = _x_base() + ["from lxml import etree", "import io"]
    doc = S(c.pick("Import of partner @W@ feeds delivered as XML.", "@Wc@ feed receiver: parse, total, keep a copy.",
                   "Parses the XML @W@ feed pushed by suppliers."))
    code, remake = _simple_module(c, doc, base, consts, must, pool, glue, gimps, hi=104, sink=("@@SINK@@", vs))
    v, s = code, remake(ss)
    vp = "PARSER = etree.XMLParser(load_dtd=True, resolve_entities=True, remove_blank_text=True)  #@V"
    sp = "PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)"
    v, s = v.replace("@@PARSER@@", vp), s.replace("@@PARSER@@", sp)
    return Spec(v=v, s=_clean(s), full=True, fw=c.fw,
                notes="the uploaded feed is parsed by an lxml parser with entity resolution switched on, so an "
                      "external entity in the DOCTYPE reads local files or internal URLs into the feed")


@hardneg(10)
def mod_safe_data_xml_feed_import_hn(c):
    t = _x_tokens(c)
    S = lambda x: _sub(x, **t)  # noqa: E731
    kind = c.pick(*_X_PARSERS)
    code, imps, errs, uses_el = _X_PARSERS[kind]
    fw = c.pick("flask", "fastapi", "django", "pipeline", "cli", "script")
    consts = [S(k) for k in _X_CONSTS]
    if kind == "lxml":
        consts.append(_X_SAFE_PARSER)
    if kind == "iterparse":
        consts.append(S('ITEM_TAG = "{@NSURI@}@ITEM@"'))
    if fw == "script":
        consts.append(S('INBOX = Path(os.environ.get("@WU@_INBOX", "var/inbox"))'))
    route = S(c.pick("feeds/@W@s", "@W@s/feed", "partners/@W@-feed", "v2/@W@s/xml"))
    glue, gimps = _glue_import(c, fw, "process", errs, route)
    must = [B(S(_X_ITEM))] + ([B(S(_X_TO_ITEM))] if uses_el else []) + [B(S(code), imps), B(S(_X_PROCESS))]
    pool = [B(S(b.code), b.imps, [S(k) for k in b.consts]) for b in _X_POOL]
    if kind == "minidom":  # the outbound side still uses ElementTree / lxml
        extra = c.pick("def export_xml", "def schema_errors", "def find_")
        must += [b for b in pool if b.code.startswith(extra)]
        pool = [b for b in pool if not b.code.startswith(extra)]
    doc = S(c.pick("Import of partner @W@ feeds delivered as XML.", "@Wc@ feed receiver: parse, total, keep a copy.",
                   "Parses the XML @W@ feed pushed by suppliers; DTDs and entities are refused.",
                   "Inbound @W@ XML: hardened parsing, totals and exports."))
    code, _ = _simple_module(c, doc, _x_base(), consts, must, pool, glue, gimps, lo=82, hi=108)
    return Spec(v="", s=code, full=True, fw=fw,
                notes="XML from outside goes through defusedxml (forbid_dtd) or an lxml parser with "
                      "resolve_entities=False and no_network=True; ElementTree is only used to build output")
