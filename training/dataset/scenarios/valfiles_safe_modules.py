"""Validation-only whole-module families aimed at false alarms (prefix ``valsafe-``).

Each family is one realistic module (80-110 lines) with exactly one weak statement and its
minimal fix, followed by six SAFE modules of the same kind that are dense with look-alike
idioms used correctly (bound SQL parameters, argument vectors, resolved paths, configured
hosts, autoescaping, AEAD ciphers, safe loaders, verified TLS). The validation split uses
them to tell a model that flags ordinary code from one that does not.

Templates use ``<<key>>`` placeholders (``<<w>>`` the domain noun, ``<<W>>`` capitalized,
``<<U>>`` upper case, plus per-family ones), so module text needs no brace escaping.
Each family registers three hard-negative builders of two modules each, one per kind of
module (e.g. asyncpg router, Django ORM helpers, sqlite CLI), and every module is assembled
from a header and a random subset of sections, so the six modules of a family differ in
shape, not only in names (pairwise Jaccard of token 5-grams stays well below 0.9).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from core import Spec
from registry import fam, hardneg

_TOKEN = re.compile(r"<<(\w+)>>")


def T(c, text: str, **kw) -> str:
    """Fill ``<<key>>`` placeholders with the domain noun and the family's own values."""
    w = c.word
    d = dict(w=w, W=w.capitalize(), U=w.upper())
    d.update(kw)
    out = _TOKEN.sub(lambda m: str(d[m.group(1)]), text)
    return out


def sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def clean(s: str) -> str:
    return re.sub(r"[ \t]*#@[VS][ \t]*$", "", s, flags=re.M)


@dataclass
class Sec:
    """A module section: code (placeholders allowed), the imports it needs, its position."""
    code: str
    imports: tuple = ()
    order: int = 50


def _name_key(n: str):
    """isort's order_by_type: CONSTANTS, then Classes, then functions and modules."""
    base = n.split(" as ")[0]
    kind = 0 if base.isupper() and len(base) > 1 else 1 if base[:1].isupper() else 2
    return kind, base.lower(), base


def _imports(lines) -> str:
    plain: set = set()
    merged: dict = {}
    for l in lines:
        l = l.strip()
        if not l:
            continue
        if l.startswith("import "):
            plain.add(l)
        else:
            mod, names = l[5:].split(" import ", 1)
            merged.setdefault(mod, set()).update(n.strip() for n in names.split(","))

    def group(mod: str) -> int:
        if mod.startswith("."):
            return 2
        return 0 if mod.split(".")[0] in sys.stdlib_module_names else 1

    groups: list = [[], [], []]
    for l in sorted(plain):
        groups[group(l[7:].split(" as ")[0])].append(l)
    for mod in sorted(merged):
        groups[group(mod)].append(f"from {mod} import {', '.join(sorted(merged[mod], key=_name_key))}")
    return "\n\n".join("\n".join(g) for g in groups if g)


def _assemble(c, doc: str, imports, head: str, secs, tail: str, kw: dict) -> str:
    imps = list(imports)
    for s in secs:
        imps += list(s.imports)
    parts = ['"""' + doc + '"""\nfrom __future__ import annotations\n\n' + _imports(imps)]
    if head.strip():
        parts.append(head.strip("\n"))
    parts += [s.code.strip("\n") for s in secs]
    if tail.strip():
        parts.append(tail.strip("\n"))
    text = parts[0] + "\n\n" + "\n\n\n".join(parts[1:]) + "\n"
    return T(c, text, **kw)


def compose(c, doc: str, imports, head: str, core, pool, tail: str = "", kw: dict | None = None,
            lo: int = 80, hi: int = 110) -> str:
    """A module from fixed sections plus a random subset of optional ones, 80-110 lines."""
    kw = kw or {}
    chosen = list(core)
    rest = list(pool)
    c.rng.shuffle(rest)
    rank = {id(s): i for i, s in enumerate(list(core) + list(pool))}

    def build(secs):
        secs = sorted(secs, key=lambda s: (s.order, rank[id(s)]))
        return _assemble(c, doc, imports, head, secs, tail, kw)

    text = build(chosen)
    k = c.rng.randint(1, max(1, len(rest)))
    added = 0
    for s in rest:
        n = len(text.split("\n")) - 1
        if n >= lo and added >= k:
            break
        cand = build(chosen + [s])
        if len(cand.split("\n")) - 1 <= hi:
            chosen.append(s)
            text = cand
            added += 1
    return text


# ---------------- CWE-89: FastAPI + asyncpg stock levels, one clause pasted into the SQL ----------------

_SQL_STYLES = {
    "fstring": (
        "f\"SELECT {COLUMNS} FROM stock_levels WHERE warehouse = '{warehouse}' \"",
        "\"AND on_hand - reserved < $1 ORDER BY on_hand - reserved LIMIT $2\"",
        "f\"SELECT {COLUMNS} FROM stock_levels WHERE warehouse = $1 \"",
        "\"AND on_hand - reserved < $2 ORDER BY on_hand - reserved LIMIT $3\"",
    ),
    "concat": (
        "\"SELECT \" + COLUMNS + \" FROM stock_levels WHERE warehouse = '\" + warehouse + \"' \"",
        "\"AND on_hand - reserved < $1 ORDER BY on_hand - reserved LIMIT $2\"",
        "\"SELECT \" + COLUMNS + \" FROM stock_levels WHERE warehouse = $1 \"",
        "\"AND on_hand - reserved < $2 ORDER BY on_hand - reserved LIMIT $3\"",
    ),
    "format": (
        "\"SELECT {} FROM stock_levels WHERE warehouse = '{}' \".format(COLUMNS, warehouse)",
        "+ \"AND on_hand - reserved < $1 ORDER BY on_hand - reserved LIMIT $2\"",
        "\"SELECT {} FROM stock_levels WHERE warehouse = $1 \".format(COLUMNS)",
        "+ \"AND on_hand - reserved < $2 ORDER BY on_hand - reserved LIMIT $3\"",
    ),
}


@fam("valsafe-fastapi-stock-levels", "CWE-89", fws=["fastapi"], n=5, wrap=False)
def valsafe_sql_stock(c):
    l1, l2, f1, f2 = _SQL_STYLES[c.pick("fstring", "concat", "format")]
    v = T(c, r'''
"""Stock level API for the <<w>> warehouses (FastAPI + asyncpg)."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone

import asyncpg
from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from .auth import require_scope

log = logging.getLogger("<<w>>.stock")

app = FastAPI(title="<<W>> stock levels")

COLUMNS = "sku, warehouse, on_hand, reserved, updated_at"
LOW_STOCK_DEFAULT = <<thr>>
MAX_ROWS = <<maxrows>>


class StockLevel(BaseModel):
    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    updated_at: datetime

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class Adjustment(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    delta: int = Field(ge=-100_000, le=100_000)
    reason: str = Field(max_length=200)


@app.on_event("startup")
async def open_pool() -> None:
    app.state.pool = await asyncpg.create_pool(os.environ["STOCK_DSN"], min_size=1, max_size=<<pool>>)


@app.on_event("shutdown")
async def close_pool() -> None:
    await app.state.pool.close()


async def low_stock(warehouse: str, threshold: int) -> list[StockLevel]:
    """SKUs of one warehouse whose free quantity is below the threshold, scarcest first."""
    sql = (
        <<l1>>  #@V
        <<l2>>
    )
    async with app.state.pool.acquire() as conn:
        rows = await conn.fetch(sql, threshold, MAX_ROWS)  #@V
    return [StockLevel(**dict(r)) for r in rows]


async def levels_for_sku(sku: str) -> list[StockLevel]:
    async with app.state.pool.acquire() as conn:
        rows = await conn.fetch(f"SELECT {COLUMNS} FROM stock_levels WHERE sku = $1 ORDER BY warehouse", sku)
    return [StockLevel(**dict(r)) for r in rows]


@app.get("/warehouses/{warehouse}/low-stock", response_model=list[StockLevel])
async def get_low_stock(
    warehouse: str,  #@S
    threshold: int = Query(LOW_STOCK_DEFAULT, ge=0, le=100_000),
    _: None = Depends(require_scope("stock:read")),
) -> list[StockLevel]:
    items = await low_stock(warehouse, threshold)
    log.info("low-stock query returned %d rows", len(items))
    return items


@app.get("/skus/{sku}/levels", response_model=list[StockLevel])
async def get_sku_levels(sku: str, _: None = Depends(require_scope("stock:read"))) -> list[StockLevel]:
    items = await levels_for_sku(sku)
    if not items:
        raise HTTPException(status_code=404, detail="unknown sku")
    return items


@app.post("/warehouses/{warehouse}/adjustments", status_code=204)
async def adjust_stock(warehouse: str, adj: Adjustment, _: None = Depends(require_scope("stock:write"))) -> None:
    now = datetime.now(timezone.utc)
    async with app.state.pool.acquire() as conn:
        async with conn.transaction():
            status = await conn.execute(
                "UPDATE stock_levels SET on_hand = on_hand + $1, updated_at = $2 WHERE warehouse = $3 AND sku = $4",
                adj.delta, now, warehouse, adj.sku,
            )
            if status == "UPDATE 0":
                raise HTTPException(status_code=404, detail="unknown sku")
            await conn.execute(
                "INSERT INTO stock_adjustments (warehouse, sku, delta, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
                warehouse, adj.sku, adj.delta, adj.reason, now,
            )
    log.info("stock adjusted by %+d", adj.delta)
''', l1=l1, l2=l2, thr=c.pick("5", "10", "20"), maxrows=c.pick("200", "250", "500"), pool=c.pick("5", "8", "10"))
    s = sub(v, l1 + "  #@V", f1)
    s = sub(s, "        " + l2 + "\n", "        " + f2 + "\n")
    s = sub(s, "conn.fetch(sql, threshold, MAX_ROWS)", "conn.fetch(sql, warehouse, threshold, MAX_ROWS)")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the warehouse path segment is pasted into the WHERE clause while the other values are bound")


_SQLHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.history")

router = APIRouter(prefix="/me/<<w>>s", tags=["<<w>>s"])

SORTS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "total": "total_cents DESC, created_at DESC",
}
PAGE_LIMIT = <<lim>>


async def get_conn(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with request.app.state.pool.acquire() as conn:
        await conn.execute("SET statement_timeout = <<stmt>>")
        yield conn
'''

_SQLHN_A = [
    Sec(r'''
@router.get("")
async def list_<<w>>s(
    sort: str = Query("newest"),
    status: str | None = Query(None, max_length=32),
    limit: int = Query(25, ge=1, le=PAGE_LIMIT),
    offset: int = Query(0, ge=0),
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> list[dict]:
    order_by = SORTS.get(sort, SORTS["newest"])
    sql = (
        "SELECT id, reference, status, total_cents, created_at FROM <<w>>s "
        "WHERE customer_id = $1 AND ($2::text IS NULL OR status = $2) "
        f"ORDER BY {order_by} LIMIT $3 OFFSET $4"
    )
    rows = await conn.fetch(sql, user.id, status, limit, offset)
    log.debug("listed %d <<w>>s for customer %s", len(rows), user.id)
    return [dict(r) for r in rows]
''', order=10),
    Sec(r'''
@router.get("/batch")
async def get_<<w>>s_batch(
    ids: list[int] = Query(...),
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> list[dict]:
    if len(ids) > 50:
        raise HTTPException(status_code=400, detail="at most 50 ids per request")
    rows = await conn.fetch(
        "SELECT id, reference, status, total_cents FROM <<w>>s WHERE customer_id = $1 AND id = ANY($2::bigint[])",
        user.id, ids,
    )
    return [dict(r) for r in rows]
''', ("from fastapi import HTTPException",), order=20),
    Sec(r'''
def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped + "%"


@router.get("/search")
async def search_<<w>>s(
    q: str = Query(..., min_length=2, max_length=80),
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> list[dict]:
    rows = await conn.fetch(
        "SELECT id, reference, status FROM <<w>>s WHERE customer_id = $1 AND reference ILIKE $2 "
        "ORDER BY created_at DESC LIMIT 20",
        user.id, _like_pattern(q),
    )
    return [dict(r) for r in rows]
''', order=30),
    Sec(r'''
@router.get("/totals")
async def monthly_totals(
    year: int = Query(..., ge=2000, le=2100),
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT date_trunc('month', created_at)::date AS month, SUM(total_cents) AS total FROM <<w>>s "
        "WHERE customer_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1 ORDER BY 1",
        user.id, date(year, 1, 1), date(year + 1, 1, 1),
    )
    return {r["month"].isoformat(): r["total"] for r in rows}
''', ("from datetime import date",), order=40),
    Sec(r'''
@router.put("/{<<w>>_id}/tags", status_code=204)
async def replace_tags(
    <<w>>_id: int,
    tags: list[str],
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> None:
    clean = sorted({t.strip().lower()[:40] for t in tags if t.strip()})[:20]
    async with conn.transaction():
        owner = await conn.fetchval("SELECT customer_id FROM <<w>>s WHERE id = $1 FOR UPDATE", <<w>>_id)
        if owner != user.id:
            raise HTTPException(status_code=404, detail="<<w>> not found")
        await conn.execute("DELETE FROM <<w>>_tags WHERE <<w>>_id = $1", <<w>>_id)
        await conn.executemany(
            "INSERT INTO <<w>>_tags (<<w>>_id, tag) VALUES ($1, $2)", [(<<w>>_id, t) for t in clean]
        )
''', ("from fastapi import HTTPException",), order=50),
    Sec(r'''
@router.post("/{<<w>>_id}/cancel")
async def cancel_<<w>>(
    <<w>>_id: int,
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> dict:
    cancelled = await conn.fetchval(
        "UPDATE <<w>>s SET status = 'cancelled', updated_at = now() "
        "WHERE id = $1 AND customer_id = $2 AND status = 'open' RETURNING id",
        <<w>>_id, user.id,
    )
    if cancelled is None:
        raise HTTPException(status_code=409, detail="only open <<w>>s can be cancelled")
    log.info("customer %s cancelled <<w>> %d", user.id, <<w>>_id)
    return {"id": cancelled, "status": "cancelled"}
''', ("from fastapi import HTTPException",), order=60),
    Sec(r'''
@router.get("/since/{day}")
async def <<w>>s_since(
    day: date,
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> list[dict]:
    rows = await conn.fetch(
        "SELECT id, reference, status FROM <<w>>s WHERE customer_id = $1 AND created_at >= $2::date "
        "ORDER BY created_at LIMIT $3",
        user.id, day, PAGE_LIMIT,
    )
    return [dict(r) for r in rows]
''', ("from datetime import date",), order=45),
    Sec(r'''
@router.get("/{<<w>>_id}")
async def get_<<w>>(
    <<w>>_id: int,
    user: User = Depends(current_user),
    conn: asyncpg.Connection = Depends(get_conn),
) -> dict:
    row = await conn.fetchrow(
        "SELECT id, reference, status, total_cents, created_at FROM <<w>>s WHERE id = $1 AND customer_id = $2",
        <<w>>_id, user.id,
    )
    if row is None:
        raise HTTPException(status_code=404, detail="<<w>> not found")
    lines = await conn.fetch(
        "SELECT sku, quantity, unit_cents FROM <<w>>_lines WHERE <<w>>_id = $1 ORDER BY id", <<w>>_id
    )
    return {**dict(row), "lines": [dict(line) for line in lines]}
''', ("from fastapi import HTTPException",), order=90),
]

_SQLHN_B_HEAD = r'''
log = logging.getLogger(__name__)

ORDERINGS = {"newest": "-created", "oldest": "created", "title": "title", "amount": "-amount"}
MAX_RESULTS = <<lim>>
'''

_SQLHN_B = [
    Sec(r'''
def search_<<w>>s(user, term: str, ordering: str = "newest"):
    """The user's active <<w>>s whose title or reference matches the term."""
    qs = <<W>>.objects.filter(owner=user, archived=False)
    if term:
        qs = qs.filter(Q(title__icontains=term) | Q(reference__iexact=term))
    return qs.order_by(ORDERINGS.get(ordering, "-created"))[:MAX_RESULTS]


@require_GET
@login_required
def search_view(request: HttpRequest) -> JsonResponse:
    term = request.GET.get("q", "").strip()[:100]
    rows = search_<<w>>s(request.user, term, request.GET.get("order", "newest"))
    return JsonResponse({"results": [{"id": r.pk, "title": r.title, "reference": r.reference} for r in rows]})
''', ("from django.contrib.auth.decorators import login_required", "from django.db.models import Q",
      "from django.http import HttpRequest, JsonResponse", "from django.views.decorators.http import require_GET"),
        order=10),
    Sec(r'''
def recent_for_owner(user, days: int = 30) -> list[<<W>>]:
    since = timezone.now() - timedelta(days=days)
    return list(
        <<W>>.objects.raw(
            "SELECT id, title, reference, created FROM app_<<w>> WHERE owner_id = %s AND created >= %s "
            "ORDER BY created DESC",
            [user.pk, since],
        )
    )
''', ("from datetime import timedelta", "from django.utils import timezone"), order=20),
    Sec(r'''
def status_counts(user) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, COUNT(*) FROM app_<<w>> WHERE owner_id = %s GROUP BY status",
            [user.pk],
        )
        counts = dict(cursor.fetchall())
    summary = " ".join(f"{status}={n}" for status, n in sorted(counts.items()))
    log.info("status counts for user %s: %s", user.pk, summary)
    return counts
''', ("from django.db import connection",), order=30),
    Sec(r'''
def by_ids(user, raw_ids: str):
    ids = [int(p) for p in raw_ids.split(",") if p.strip().isdigit()][:100]
    return <<W>>.objects.filter(owner=user, pk__in=ids).only("id", "title")
''', order=40),
    Sec(r'''
def totals(user) -> dict:
    agg = <<W>>.objects.filter(owner=user).aggregate(total=Sum("amount"), count=Count("id"))
    over_budget = <<W>>.objects.filter(owner=user, amount__gt=F("budget")).count()
    return {"total": agg["total"] or 0, "count": agg["count"], "over_budget": over_budget}


@require_GET
@login_required
def totals_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(totals(request.user))
''', ("from django.contrib.auth.decorators import login_required", "from django.db.models import Count, F, Sum",
      "from django.http import HttpRequest, JsonResponse", "from django.views.decorators.http import require_GET"),
        order=50),
    Sec(r'''
def mark_overdue() -> int:
    """Nightly job: open <<w>>s past their due date become overdue."""
    cutoff = timezone.now() - timedelta(days=<<days>>)
    updated = <<W>>.objects.filter(status="open", due__lt=cutoff).update(status="overdue", updated=timezone.now())
    log.info("marked %d <<w>>s overdue", updated)
    return updated
''', ("from datetime import timedelta", "from django.utils import timezone"), order=60),
    Sec(r'''
def duplicate_references() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference, COUNT(*) FROM app_<<w>> WHERE archived = %s GROUP BY reference HAVING COUNT(*) > %s",
            [False, 1],
        )
        return list(cursor.fetchall())
''', ("from django.db import connection",), order=70),
    Sec(r'''
@require_GET
@login_required
def list_view(request: HttpRequest) -> JsonResponse:
    qs = <<W>>.objects.filter(owner=request.user).order_by("-created")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return JsonResponse({
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": list(page.object_list.values("id", "title", "status")),
    })
''', ("from django.contrib.auth.decorators import login_required", "from django.core.paginator import Paginator",
      "from django.http import HttpRequest, JsonResponse", "from django.views.decorators.http import require_GET"),
        order=15),
    Sec(r'''
def import_rows(user, rows: list[dict]) -> int:
    objs = [
        <<W>>(owner=user, title=str(r["title"])[:200], reference=str(r["reference"])[:64], amount=r.get("amount", 0))
        for r in rows
    ]
    with transaction.atomic():
        created = <<W>>.objects.bulk_create(objs, batch_size=500, ignore_conflicts=True)
    log.info("imported %d <<w>>s for user %s", len(created), user.pk)
    return len(created)
''', ("from django.db import transaction",), order=80),
    Sec(r'''
def close_<<w>>(user, pk: int) -> bool:
    with transaction.atomic():
        obj = <<W>>.objects.select_for_update().filter(owner=user, pk=pk).first()
        if obj is None or obj.status == "closed":
            return False
        obj.status = "closed"
        obj.closed_at = timezone.now()
        obj.save(update_fields=["status", "closed_at"])
    return True
''', ("from django.db import transaction", "from django.utils import timezone"), order=85),
    Sec(r'''
def titles_for(user, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, title FROM app_<<w>> WHERE owner_id = %s AND id IN ({placeholders})",
            [user.pk, *ids],
        )
        return dict(cursor.fetchall())
''', ("from django.db import connection",), order=90),
    Sec(r'''
def with_open_tasks(user):
    open_tasks = Task.objects.filter(<<w>>=OuterRef("pk"), done=False)
    return (
        <<W>>.objects.filter(owner=user)
        .annotate(has_open_tasks=Exists(open_tasks))
        .values("id", "title", "has_open_tasks")
    )
''', ("from django.db.models import Exists, OuterRef", "from .models import Task"), order=95),
]

_SQLHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.cache")

DB_PATH = Path.home() / ".cache" / "<<w>>" / "cache.db"
TABLES = ("<<w>>s", "<<w>>_tags", "sync_state")


def connect(path: Path = DB_PATH) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn
'''

_SQLHN_C_CORE = [
    Sec(r'''
def fetch_<<w>>s(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return conn.execute(f"SELECT id, title, updated FROM <<w>>s WHERE id IN ({marks})", ids).fetchall()
''', order=10),
    Sec(r'''
def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        counts[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return counts
''', order=20),
]

_SQLHN_C_POOL = [
    Sec(r'''
def prune(conn: sqlite3.Connection, keep_days: int = <<days>>) -> int:
    with conn:
        cur = conn.execute("DELETE FROM <<w>>s WHERE updated < date('now', ?)", (f"-{int(keep_days)} days",))
    log.info("pruned %d rows older than %d days", cur.rowcount, keep_days)
    return cur.rowcount
''', order=30),
    Sec(r'''
def upsert(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> int:
    with conn:
        conn.executemany(
            "INSERT INTO <<w>>s (id, title, updated) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, updated = excluded.updated",
            rows,
        )
    return len(rows)
''', order=40),
    Sec(r'''
def find(conn: sqlite3.Connection, term: str) -> list[sqlite3.Row]:
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return conn.execute(
        "SELECT id, title FROM <<w>>s WHERE title LIKE ? ESCAPE '\\' ORDER BY title LIMIT 50", (pattern,)
    ).fetchall()
''', order=50),
    Sec(r'''
def backup(conn: sqlite3.Connection, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(dest) as target:
        conn.backup(target)
    log.info("backup written to %s (%d bytes)", dest, dest.stat().st_size)
''', order=60),
    Sec(r'''
def export_json(conn: sqlite3.Connection, out: Path) -> int:
    rows = [dict(r) for r in conn.execute("SELECT id, title, updated FROM <<w>>s ORDER BY id")]
    out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return len(rows)
''', ("import json",), order=70),
    Sec(r'''
def last_sync(conn: sqlite3.Connection, source: str) -> str | None:
    row = conn.execute("SELECT finished_at FROM sync_state WHERE source = ?", (source,)).fetchone()
    return row["finished_at"] if row else None
''', order=75),
    Sec(r'''
SCHEMA = """
CREATE TABLE IF NOT EXISTS <<w>>s (id INTEGER PRIMARY KEY, title TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS <<w>>_tags (
    <<w>>_id INTEGER REFERENCES <<w>>s(id) ON DELETE CASCADE,
    tag TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (source TEXT PRIMARY KEY, finished_at TEXT);
"""


def init_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
''', order=5),
    Sec(r'''
def set_tags(conn: sqlite3.Connection, <<w>>_id: int, tags: list[str]) -> None:
    with conn:
        conn.execute("DELETE FROM <<w>>_tags WHERE <<w>>_id = ?", (<<w>>_id,))
        conn.executemany(
            "INSERT INTO <<w>>_tags (<<w>>_id, tag) VALUES (?, ?)", [(<<w>>_id, t) for t in sorted(set(tags))]
        )
''', order=45),
    Sec(r'''
def record_sync(conn: sqlite3.Connection, source: str) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with conn:
        conn.execute("INSERT OR REPLACE INTO sync_state (source, finished_at) VALUES (?, ?)", (source, now))
''', ("from datetime import datetime, timezone",), order=76),
    Sec(r'''
def compact(conn: sqlite3.Connection) -> None:
    before = DB_PATH.stat().st_size
    conn.execute("VACUUM")
    log.info("vacuum: %d -> %d bytes", before, DB_PATH.stat().st_size)
''', order=80),
    Sec(r'''
def tagged(conn: sqlite3.Connection, tag: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT r.id, r.title FROM <<w>>s AS r JOIN <<w>>_tags AS t ON t.<<w>>_id = r.id "
        "WHERE t.tag = ? ORDER BY r.updated DESC",
        (tag,),
    ).fetchall()
''', order=55),
]

_SQLHN_C_TAIL = r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="<<W>> cache maintenance")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("stats")
    p_show = sub.add_parser("show")
    p_show.add_argument("ids", nargs="+", type=int)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    conn = connect()
    if args.cmd == "stats":
        for table, n in row_counts(conn).items():
            print(f"{table:<20} {n:>8}")
    else:
        for row in fetch_<<w>>s(conn, args.ids):
            print(row["id"], row["title"], row["updated"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def valsafe_sql_stock_hn(c, kind: str):
    kw = dict(lim=c.pick("50", "100", "200"), days=c.pick("30", "60", "90"), stmt=c.pick("5000", "10000", "15000"))
    if kind == "asyncpg":
        text = compose(c, "<<W>> history endpoints for signed-in customers (FastAPI + asyncpg).",
                       ["import logging", "from typing import AsyncIterator", "import asyncpg",
                        "from fastapi import APIRouter, Depends, Query, Request",
                        "from .auth import User, current_user"],
                       _SQLHN_A_HEAD, [_SQLHN_A[0]], _SQLHN_A[1:], kw=kw)
        fw = "fastapi"
    elif kind == "django":
        text = compose(c, c.pick("Reporting helpers and read-only views for <<w>>s (Django ORM).",
                                 "Queries behind the <<w>> dashboard; everything goes through the ORM or bound SQL."),
                       ["import logging", "from .models import <<W>>"],
                       _SQLHN_B_HEAD, [_SQLHN_B[0]], _SQLHN_B[1:], kw=kw)
        fw = "django"
    else:
        text = compose(c, "Maintenance commands for the local <<w>> cache database (sqlite3).",
                       ["import argparse", "import logging", "import sqlite3", "import sys", "from pathlib import Path"],
                       _SQLHN_C_HEAD, _SQLHN_C_CORE, _SQLHN_C_POOL, _SQLHN_C_TAIL, kw=kw)
        fw = "cli"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="every value is bound ($n, %s, ?); ORDER BY and table names come from fixed tables; "
                      "IN lists use generated placeholders")

hardneg(2)(lambda c: valsafe_sql_stock_hn(c, "asyncpg"))
hardneg(2)(lambda c: valsafe_sql_stock_hn(c, "django"))
hardneg(2)(lambda c: valsafe_sql_stock_hn(c, "sqlite"))


# ---------------- CWE-78: asyncio media worker, ffprobe started through the shell ----------------

@fam("valsafe-media-probe-worker", "CWE-78", fws=["pipeline"], n=5, wrap=False)
def valsafe_cmd_probe(c):
    quote = c.pick("'", "\\\"")
    at = c.pick("3.0", "5.0", "10.0")
    v = T(c, r'''
"""Async worker that probes uploaded <<w>> videos and extracts a poster frame."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as redis

log = logging.getLogger("<<w>>.media")

QUEUE = "<<w>>:probe"
UPLOAD_ROOT = Path(os.environ.get("UPLOAD_ROOT", "/srv/uploads"))
TOOL_TIMEOUT = <<timeout>>
MAX_ATTEMPTS = 3
POSTER_AT = <<at>>


@dataclass
class ProbeResult:
    duration: float
    width: int
    height: int
    codec: str


class ProbeError(RuntimeError):
    pass


async def _finish(proc: asyncio.subprocess.Process, tool: str) -> bytes:
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=TOOL_TIMEOUT)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise ProbeError(f"{tool} timed out after {TOOL_TIMEOUT}s")
    if proc.returncode != 0:
        raise ProbeError(f"{tool} exited with status {proc.returncode}")
    return out


async def probe(path: Path) -> ProbeResult:
    proc = await asyncio.create_subprocess_shell(  #@V
        f"ffprobe -v error -print_format json -show_streams -show_format <<q>>{path}<<q>>",  #@V
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    info = json.loads(await _finish(proc, "ffprobe"))
    video = next(s for s in info["streams"] if s.get("codec_type") == "video")
    return ProbeResult(
        float(info["format"]["duration"]), int(video["width"]), int(video["height"]), video["codec_name"]
    )


async def extract_poster(path: Path, at: float) -> Path:
    poster = path.with_suffix(".poster.jpg")
    proc = await asyncio.create_subprocess_exec(
        "ffmpeg", "-y", "-loglevel", "error", "-ss", f"{at:.2f}", "-i", str(path), "-frames:v", "1", str(poster),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await _finish(proc, "ffmpeg")
    return poster


async def handle_job(r: redis.Redis, raw: bytes) -> None:
    job = json.loads(raw)
    upload_id = int(job["upload_id"])
    filename = str(job["filename"])  #@S
    path = UPLOAD_ROOT / str(upload_id) / Path(filename).name
    if not path.is_file():
        log.warning("upload %d has no file on disk", upload_id)
        return
    try:
        result = await probe(path)
        poster = await extract_poster(path, min(POSTER_AT, result.duration / 2))
    except (ProbeError, KeyError, StopIteration, ValueError) as exc:
        attempts = int(job.get("attempts", 0)) + 1
        log.warning("probe of upload %d failed (attempt %d): %s", upload_id, attempts, type(exc).__name__)
        if attempts < MAX_ATTEMPTS:
            job["attempts"] = attempts
            await asyncio.sleep(random.uniform(0.5, 2.0) * attempts)
            await r.rpush(QUEUE, json.dumps(job))
        return
    await r.hset(f"<<w>>:media:{upload_id}", mapping={
        "duration": result.duration, "width": result.width, "height": result.height,
        "codec": result.codec, "poster": poster.name,
    })
    log.info("probed upload %d: %.1fs %dx%d", upload_id, result.duration, result.width, result.height)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    r = redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    while True:
        item = await r.blpop(QUEUE, timeout=5)
        if item is not None:
            await handle_job(r, item[1])


if __name__ == "__main__":
    asyncio.run(main())
''', q=quote, at=at, timeout=c.pick("60", "90", "120"))
    bad = T(c, '''    proc = await asyncio.create_subprocess_shell(  #@V
        f"ffprobe -v error -print_format json -show_streams -show_format <<q>>{path}<<q>>",  #@V
''', q=quote)
    s = sub(v, bad, '''    proc = await asyncio.create_subprocess_exec(
        "ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path),
''')
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the uploaded file name (from the job message) ends up in a shell command line; quotes "
                      "around it do not stop a name containing the quote character")


_CMDHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.release")

REPO_ROOT = Path(__file__).resolve().parents[1]
GIT = shutil.which("git") or "git"
TAG_RE = re.compile(r"v\d+\.\d+\.\d+")
UNIT_RE = re.compile(r"[a-z0-9][a-z0-9@._-]{0,62}\.service")


def run(cmd: list[str], *, cwd: Path = REPO_ROOT, timeout: int = <<timeout>>) -> str:
    """Run an argument vector (no shell) and return its stdout."""
    log.debug("running: %s", " ".join(cmd))
    return subprocess.check_output(cmd, cwd=cwd, text=True, timeout=timeout).strip()
'''

_CMDHN_A_HEAD2 = _CMDHN_A_HEAD.replace('''    """Run an argument vector (no shell) and return its stdout."""
    log.debug("running: %s", " ".join(cmd))
    return subprocess.check_output(cmd, cwd=cwd, text=True, timeout=timeout).strip()
''', '''    """Run an argument vector (no shell); failures name the command, not its output."""
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed with status {result.returncode}")
    return result.stdout.strip()
''')

_CMDHN_A = [
    Sec(r'''
def current_revision() -> dict[str, str]:
    return {
        "commit": run([GIT, "rev-parse", "HEAD"]),
        "describe": run([GIT, "describe", "--tags", "--always", "--dirty"]),
        "branch": run([GIT, "rev-parse", "--abbrev-ref", "HEAD"]),
    }
''', order=10),
    Sec(r'''
def changed_files(since_tag: str) -> list[str]:
    if not TAG_RE.fullmatch(since_tag):
        raise ValueError(f"not a release tag: {since_tag!r}")
    out = run([GIT, "diff", "--name-only", f"{since_tag}..HEAD", "--"])
    return [line for line in out.splitlines() if line]
''', order=20),
    Sec(r'''
def service_active(unit: str) -> bool:
    if not UNIT_RE.fullmatch(unit):
        raise ValueError(f"invalid unit name: {unit!r}")
    result = subprocess.run(["systemctl", "is-active", "--quiet", unit], check=False, timeout=10)
    return result.returncode == 0
''', order=30),
    Sec(r'''
def free_space_mb(path: Path) -> int:
    out = subprocess.run(["df", "-P", "-k", str(path)], capture_output=True, text=True, check=True).stdout
    available_kb = int(out.splitlines()[1].split()[3])
    return available_kb // 1024
''', order=40),
    Sec(r'''
def build_wheel(dist: Path) -> list[Path]:
    dist.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist)], cwd=REPO_ROOT, check=True)
    wheels = sorted(dist.glob("*.whl"), key=lambda p: p.stat().st_mtime)
    log.info("built %s", wheels[-1].name if wheels else "nothing")
    return wheels
''', ("import sys",), order=50),
    Sec(r'''
def tag_release(tag: str, dry_run: bool = False) -> None:
    if not TAG_RE.fullmatch(tag):
        raise ValueError(f"tags look like v1.2.3, got {tag!r}")
    cmd = [GIT, "tag", "--annotate", tag, "--message", f"Release {tag}"]
    if dry_run:
        print("would run:", " ".join(shlex.quote(part) for part in cmd))
        return
    run(cmd)
''', ("import shlex",), order=60),
    Sec(r'''
LINT_COMMAND = "ruff check --quiet src tests"


def lint() -> bool:
    result = subprocess.run(shlex.split(LINT_COMMAND), cwd=REPO_ROOT, check=False)
    if result.returncode:
        log.warning("lint failed with status %d", result.returncode)
    return result.returncode == 0
''', ("import shlex",), order=70),
    Sec(r'''
def python_version() -> str:
    return subprocess.check_output([sys.executable, "--version"], text=True).strip()
''', ("import sys",), order=15),
    Sec(r'''
def freeze_requirements(out: Path) -> int:
    frozen = subprocess.check_output([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], text=True)
    lines = sorted(line for line in frozen.splitlines() if line and not line.startswith("#"))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log.info("pinned %d packages into %s", len(lines), out.name)
    return len(lines)
''', ("import sys",), order=55),
    Sec(r'''
IMAGE = "registry.example.com/platform/<<w>>"


def docker_build(version: str) -> str:
    if not TAG_RE.fullmatch(version):
        raise ValueError(f"bad version {version!r}")
    ref = f"{IMAGE}:{version.lstrip('v')}"
    subprocess.run(["docker", "build", "--pull", "--tag", ref, "."], cwd=REPO_ROOT, check=True, timeout=1800)
    return ref
''', order=65),
    Sec(r'''
def run_tests(extra_env: dict[str, str] | None = None) -> int:
    env = dict(os.environ, PYTHONHASHSEED="0", **(extra_env or {}))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "--maxfail=1"], cwd=REPO_ROOT, env=env)
    log.info("tests finished with status %d", result.returncode)
    return result.returncode
''', ("import sys", "import os",), order=75),
    Sec(r'''
def is_clean() -> bool:
    status = run([GIT, "status", "--porcelain"])
    if status:
        log.warning("working tree has %d modified paths", len(status.splitlines()))
    return not status
''', order=12),
    Sec(r'''
def contributors(since_tag: str) -> list[str]:
    if not TAG_RE.fullmatch(since_tag):
        raise ValueError(f"not a release tag: {since_tag!r}")
    out = run([GIT, "shortlog", "--summary", "--numbered", "--email", f"{since_tag}..HEAD"])
    return [line.split("\t", 1)[1] for line in out.splitlines() if "\t" in line]
''', order=25),
]

_CMDHN_A_TAIL = r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="<<W>> release helper")
    parser.add_argument("--json", action="store_true", help="print machine-readable output")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    info = current_revision()
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in info.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_CMDHN_A_TAIL2 = r'''
def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    rev = current_revision()
    log.info("release candidate %s on %s (%s)", rev["describe"], rev["branch"], rev["commit"][:12])
    (REPO_ROOT / "REVISION").write_text(json.dumps(rev) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
'''

_CMDHN_B_HEAD = r'''
log = logging.getLogger("<<w>>.convert")

WORK_ROOT = Path(os.environ.get("<<U>>_WORK_ROOT", "/srv/<<w>>/work"))
TOOL_TIMEOUT = <<timeout>>
_slots = asyncio.Semaphore(<<par>>)


class ToolError(RuntimeError):
    pass


async def run_tool(*argv: str, timeout: float = TOOL_TIMEOUT) -> bytes:
    """Run a fixed binary with an argument vector; no shell is involved."""
    async with _slots:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), timeout)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise ToolError(f"{argv[0]} timed out after {timeout}s")
    if proc.returncode:
        raise ToolError(f"{argv[0]} exited with status {proc.returncode}")
    return out
'''

_CMDHN_B_CORE = [
    Sec(r'''
async def handle(message: dict) -> dict:
    job_id = int(message["job_id"])
    src = WORK_ROOT / f"{job_id}.pdf"
    if not src.is_file():
        raise ToolError(f"job {job_id} has no input file")
    result: dict = {"job_id": job_id}
    for step in STEPS:
        result.update(await step(src))
    log.info("job %d done: %s", job_id, ", ".join(sorted(result)))
    return result
''', order=80),
]

_CMDHN_B_POOL = [
    Sec(r'''
async def extract_text(src: Path) -> dict:
    text = await run_tool("pdftotext", "-layout", "-enc", "UTF-8", str(src), "-")
    return {"text": text.decode("utf-8", errors="replace")[:200_000]}
''', order=10),
    Sec(r'''
async def page_count(src: Path) -> dict:
    info = (await run_tool("pdfinfo", str(src))).decode("utf-8", errors="replace")
    pages = next((int(line.split(":", 1)[1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
    return {"pages": pages}
''', order=20),
    Sec(r'''
async def first_page_png(src: Path) -> dict:
    prefix = src.with_suffix("")
    await run_tool("pdftoppm", "-png", "-r", "<<dpi>>", "-f", "1", "-l", "1", "-singlefile", str(src), str(prefix))
    return {"preview": prefix.with_suffix(".png").name}
''', order=30),
    Sec(r'''
async def checksum(src: Path) -> dict:
    digest = hashlib.sha256()
    with src.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return {"sha256": digest.hexdigest()}
''', ("import hashlib",), order=40),
    Sec(r'''
async def fonts(src: Path) -> dict:
    out = (await run_tool("pdffonts", str(src))).decode("utf-8", errors="replace")
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return {"fonts": sorted(set(names))}
''', order=50),
    Sec(r'''
async def embedded_files(src: Path) -> dict:
    out = (await run_tool("pdfdetach", "-list", str(src))).decode("utf-8", errors="replace")
    return {"attachments": max(0, len(out.splitlines()) - 1)}
''', order=55),
    Sec(r'''
async def image_count(src: Path) -> dict:
    out = (await run_tool("pdfimages", "-list", str(src))).decode("utf-8", errors="replace")
    return {"images": max(0, len(out.splitlines()) - 2)}
''', order=57),
]

_CMDHN_B_EXTRA = [
    Sec(r'''
REQUIRED_TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "pdffonts")


def check_tools() -> None:
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise SystemExit("missing poppler tools: " + ", ".join(missing))
''', ("import shutil",), order=5),
    Sec(r'''
def cleanup(max_age_days: int = <<days>>) -> int:
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for entry in os.scandir(WORK_ROOT):
        if entry.is_file() and entry.stat().st_mtime < cutoff:
            os.unlink(entry.path)
            removed += 1
    log.info("removed %d stale work files", removed)
    return removed
''', ("import time",), order=90),
    Sec(r'''
async def feed(queue: asyncio.Queue, lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            await queue.put(json.loads(line))
            count += 1
    return count
''', ("import json",), order=95),
]

_CMDHN_B_TAIL = r'''
STEPS = (<<steps>>)


async def consume(queue: asyncio.Queue) -> None:
    attempt = 0
    while True:
        message = await queue.get()
        try:
            await handle(message)
            attempt = 0
        except ToolError as exc:
            attempt += 1
            delay = min(60.0, 2.0 ** attempt) + random.uniform(0, 1)
            log.warning("job failed (%s); retrying in %.1fs", exc, delay)
            await asyncio.sleep(delay)
            await queue.put(message)
        finally:
            queue.task_done()
'''

_CMDHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.mirror")

MIRROR_ROOT = Path(os.environ.get("MIRROR_ROOT", "/var/lib/<<w>>-mirrors"))
ARCHIVE_DIR = Path(os.environ.get("ARCHIVE_DIR", "/var/backups/<<w>>-mirrors"))
REPOSITORIES = {
    "<<w>>-api": "https://git.example.com/platform/<<w>>-api.git",
    "<<w>>-web": "https://git.example.com/platform/<<w>>-web.git",
    "<<w>>-infra": "https://git.example.com/ops/<<w>>-infra.git",
}


def git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    cmd = ["git", *args]
    log.info("git %s", " ".join(args))
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, timeout=<<timeout>>)
'''

_CMDHN_C_CORE = [
    Sec(r'''
def sync(name: str) -> Path:
    """Clone the mirror on first use, then fetch and prune."""
    url = REPOSITORIES[name]
    target = MIRROR_ROOT / f"{name}.git"
    if not target.exists():
        git("clone", "--mirror", "--", url, str(target))
    else:
        git("remote", "update", "--prune", cwd=target)
    return target
''', order=10),
]

_CMDHN_C_POOL = [
    Sec(r'''
def archive(name: str, mirror: Path) -> Path:
    ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
    out = ARCHIVE_DIR / f"{name}-{stamp}.tar.gz"
    subprocess.run(["tar", "-czf", str(out), "-C", str(mirror.parent), mirror.name], check=True, timeout=1800)
    return out
''', ("from datetime import datetime, timezone",), order=20),
    Sec(r'''
def verify(mirror: Path) -> bool:
    result = subprocess.run(["git", "fsck", "--no-progress"], cwd=mirror, capture_output=True, text=True)
    if result.returncode:
        log.error("fsck failed for %s: %d problems", mirror.name, len(result.stderr.splitlines()))
    return result.returncode == 0
''', order=30),
    Sec(r'''
def head_commits(mirror: Path) -> dict[str, str]:
    out = git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads", cwd=mirror).stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if line)
''', order=40),
    Sec(r'''
def size_mb(mirror: Path) -> float:
    out = subprocess.check_output(["du", "-sk", str(mirror)], text=True)
    return int(out.split()[0]) / 1024
''', order=50),
    Sec(r'''
def copy_offsite(archive_path: Path) -> None:
    dest = os.environ.get("OFFSITE_DEST")
    if not dest:
        return
    subprocess.run(["rsync", "--archive", "--partial", "--", str(archive_path), dest], check=True, timeout=3600)
''', order=60),
    Sec(r'''
def housekeeping(mirror: Path) -> None:
    git("gc", "--auto", "--quiet", cwd=mirror)
    git("count-objects", "-v", cwd=mirror)
''', order=35),
    Sec(r'''
def bundle(name: str, mirror: Path) -> Path:
    ARCHIVE_DIR.mkdir(parents=True, exist_ok=True)
    out = ARCHIVE_DIR / f"{name}.bundle"
    git("bundle", "create", str(out), "--all", cwd=mirror)
    subprocess.run(["git", "bundle", "verify", str(out)], cwd=mirror, check=True, capture_output=True)
    return out
''', order=25),
    Sec(r'''
def prune_archives(keep: int = <<keep>>) -> list[Path]:
    archives = sorted(ARCHIVE_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = archives[keep:]
    for old in removed:
        old.unlink()
        log.info("removed old archive %s", old.name)
    return removed
''', order=70),
    Sec(r'''
def with_retries(fn, *args, attempts: int = 3):
    for attempt in range(1, attempts + 1):
        try:
            return fn(*args)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
            delay = attempt * 5 + random.uniform(0, 3)
            log.warning("attempt %d failed, sleeping %.1fs", attempt, delay)
            time.sleep(delay)
''', ("import random", "import time"), order=15),
]

_CMDHN_C_TAIL = r'''
def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    failures = 0
    for name in sorted(REPOSITORIES):
        try:
            mirror = sync(name)
        except subprocess.CalledProcessError as exc:
            log.error("sync of %s failed with status %d", name, exc.returncode)
            failures += 1
            continue
        log.info("%s synced into %s", name, mirror)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
'''


def valsafe_cmd_probe_hn(c, kind: str):
    kw = dict(timeout=c.pick("60", "120", "300"), par=c.pick("2", "4", "8"), dpi=c.pick("72", "96", "150"),
              days=c.pick("2", "3", "7"), keep=c.pick("7", "14", "30"))
    if kind == "release":
        tail = c.pick(_CMDHN_A_TAIL, _CMDHN_A_TAIL2)
        text = compose(c, c.pick("Release helper for the <<w>> service: revision info, tags and builds.",
                                 "Small ops toolbox for the <<w>> repository; every command is an argument list."),
                       ["import json", "import logging", "import re", "import shutil",
                        "import subprocess", "from pathlib import Path"]
                       + (["import argparse", "import sys"] if tail is _CMDHN_A_TAIL else []),
                       c.pick(_CMDHN_A_HEAD, _CMDHN_A_HEAD2), [_CMDHN_A[0]], _CMDHN_A[1:], tail, kw=kw)
        fw = "cli"
    elif kind == "worker":
        pool = list(_CMDHN_B_POOL)
        c.rng.shuffle(pool)
        steps_pool = pool[:c.rng.randint(2, 4)]
        names = [re.search(r"async def (\w+)", s.code).group(1) for s in sorted(steps_pool, key=lambda s: s.order)]
        kw["steps"] = ", ".join(names) + ("," if len(names) == 1 else "")
        text = compose(c, "Converts uploaded <<w>> PDFs: text, page count and previews via poppler tools.",
                       ["import asyncio", "import logging", "import os", "import random", "from pathlib import Path"],
                       _CMDHN_B_HEAD, _CMDHN_B_CORE + steps_pool, _CMDHN_B_EXTRA, _CMDHN_B_TAIL, kw=kw)
        fw = "pipeline"
    else:
        text = compose(c, "Keeps bare mirrors of the <<w>> repositories and archives them nightly.",
                       ["import logging", "import os", "import subprocess", "import sys", "from pathlib import Path"],
                       _CMDHN_C_HEAD, _CMDHN_C_CORE, _CMDHN_C_POOL, _CMDHN_C_TAIL, kw=kw)
        fw = "script"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="subprocess and asyncio.create_subprocess_exec with argument vectors of fixed binaries; "
                      "inputs are validated or internal; joins and shlex.quote only build log lines")

hardneg(2)(lambda c: valsafe_cmd_probe_hn(c, "release"))
hardneg(2)(lambda c: valsafe_cmd_probe_hn(c, "worker"))
hardneg(2)(lambda c: valsafe_cmd_probe_hn(c, "mirror"))


# ---------------- CWE-22: Flask statement download joined onto the account folder ----------------

_PT_JOIN = {
    "join": "path = os.path.join(folder, filename)",
    "fstring": 'path = f"{folder}/{filename}"',
    "concat": "path = folder + os.sep + filename",
}


@fam("valsafe-flask-statement-files", "CWE-22", fws=["flask"], n=5, wrap=False)
def valsafe_path_statements(c):
    join = _PT_JOIN[c.pick("join", "fstring", "concat")]
    v = T(c, r'''
"""Monthly <<w>> statements: listing and PDF download for the signed-in account."""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, jsonify
from flask_login import current_user, login_required

log = logging.getLogger(__name__)

bp = Blueprint("<<w>>_statements", __name__, url_prefix="/account/<<w>>-statements")

STATEMENT_RE = re.compile(r"(\d{4})-(\d{2})(?:-[a-z0-9]+)?\.pdf")
MAX_LISTED = <<maxlisted>>


@dataclass
class Statement:
    filename: str
    period: str
    size: int
    created: str

    def to_json(self) -> dict:
        return {"filename": self.filename, "period": self.period, "size": self.size, "created": self.created}


def _account_dir(account_id: int) -> str:
    root = current_app.config["STATEMENT_ROOT"]
    return os.path.join(root, f"{int(account_id):08d}")


def _describe(entry: os.DirEntry) -> Statement | None:
    match = STATEMENT_RE.fullmatch(entry.name)
    if match is None or not entry.is_file():
        return None
    st = entry.stat()
    created = datetime.fromtimestamp(st.st_mtime, tz=timezone.utc).isoformat(timespec="seconds")
    return Statement(entry.name, f"{match.group(1)}-{match.group(2)}", st.st_size, created)


def list_statements(account_id: int) -> list[Statement]:
    folder = _account_dir(account_id)
    if not os.path.isdir(folder):
        return []
    with os.scandir(folder) as it:
        found = [s for s in (_describe(e) for e in it) if s is not None]
    found.sort(key=lambda s: s.period, reverse=True)
    return found[:MAX_LISTED]


@bp.get("/")
@login_required
def index():
    items = list_statements(current_user.account_id)
    log.info("account %s listed %d statements", current_user.account_id, len(items))
    return jsonify(statements=[s.to_json() for s in items], total_bytes=sum(s.size for s in items))


@bp.get("/latest")
@login_required
def latest():
    items = list_statements(current_user.account_id)
    if not items:
        abort(404)
    return jsonify(items[0].to_json())


@bp.get("/files/<path:filename>")
@login_required
def download(filename: str):  #@S
    folder = _account_dir(current_user.account_id)
    <<join>>  #@V
    if not os.path.isfile(path):
        abort(404)
    with open(path, "rb") as fh:  #@V
        data = fh.read()
    log.info("account %s downloaded a statement (%d bytes)", current_user.account_id, len(data))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": "attachment; filename=statement.pdf", "Cache-Control": "private, no-store"},
    )
''', join=join, maxlisted=c.pick("24", "36", "60"))
    s = sub(v, f"    {join}  #@V\n    if not os.path.isfile(path):",
            "    path = safe_join(folder, filename)\n    if path is None or not os.path.isfile(path):")
    s = sub(s, "from flask_login import current_user, login_required\n",
            "from flask_login import current_user, login_required\nfrom werkzeug.utils import safe_join\n")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the <path:> segment is joined onto the account folder without normalisation; "
                      "../ reaches other accounts' statements and any readable file")


_PTHN_A_HEAD = r'''
log = logging.getLogger(__name__)

bp = Blueprint("<<w>>_files", __name__)

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
THUMB_SIZES = {"small", "medium", "large"}


def storage_root() -> Path:
    return Path(current_app.config["<<U>>_STORAGE"]).resolve()


def owned_<<w>>(<<w>>_id: int) -> <<W>>:
    return <<W>>.query.filter_by(id=<<w>>_id, owner_id=current_user.id).first_or_404()
'''

_PTHN_A = [
    Sec(r'''
@bp.get("/<<w>>s/<int:<<w>>_id>/files/<path:name>")
@login_required
def download_file(<<w>>_id: int, name: str):
    item = owned_<<w>>(<<w>>_id)
    folder = storage_root() / str(item.id)
    log.info("user %s downloads a file of <<w>> %d", current_user.id, item.id)
    return send_from_directory(folder, name, as_attachment=True)
''', ("from flask import send_from_directory",), order=10),
    Sec(r'''
@bp.get("/help/<slug>")
def help_page(slug: str):
    if not SLUG_RE.fullmatch(slug):
        abort(404)
    return send_from_directory(current_app.config["HELP_DIR"], f"{slug}.html")
''', ("from flask import abort", "from flask import send_from_directory",), order=20),
    Sec(r'''
@bp.get("/<<w>>s/<int:<<w>>_id>/thumbnail/<size>")
@login_required
def thumbnail(<<w>>_id: int, size: str):
    if size not in THUMB_SIZES:
        abort(404)
    owned_<<w>>(<<w>>_id)
    path = safe_join(str(storage_root()), str(<<w>>_id), f"thumb-{size}.webp")
    if path is None or not os.path.isfile(path):
        abort(404)
    return send_file(path, mimetype="image/webp", max_age=3600)
''', ("from flask import abort", "import os", "from flask import send_file", "from werkzeug.utils import safe_join"), order=30),
    Sec(r'''
@bp.get("/<<w>>s/<int:<<w>>_id>/files")
@login_required
def list_files(<<w>>_id: int):
    owned_<<w>>(<<w>>_id)
    folder = storage_root() / str(<<w>>_id)
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return jsonify(files=files, count=len(files))
''', ("from flask import jsonify",), order=40),
    Sec(r'''
def load_manifest() -> dict:
    manifest = Path(current_app.static_folder) / "manifest.json"
    with open(manifest, encoding="utf-8") as fh:
        return json.load(fh)


@bp.app_context_processor
def asset_helpers() -> dict:
    manifest = load_manifest()
    return {"asset": lambda name: "/static/" + manifest.get(name, name)}
''', ("import json",), order=50),
    Sec(r'''
def resolve_inside(root: Path, relative: str) -> Path:
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        raise NotFound()
    return candidate


@bp.get("/<<w>>s/<int:<<w>>_id>/preview/<path:relative>")
@login_required
def preview(<<w>>_id: int, relative: str):
    owned_<<w>>(<<w>>_id)
    path = resolve_inside(storage_root() / str(<<w>>_id), relative)
    if path.suffix.lower() not in {".txt", ".md", ".csv"} or not path.is_file():
        abort(404)
    return Response(path.read_text(encoding="utf-8", errors="replace")[:100_000], mimetype="text/plain")
''', ("from flask import abort", "from flask import Response", "from werkzeug.exceptions import NotFound"), order=60),
    Sec(r'''
@bp.get("/<<w>>s/<int:<<w>>_id>/usage")
@login_required
def usage(<<w>>_id: int):
    owned_<<w>>(<<w>>_id)
    folder = storage_root() / str(<<w>>_id)
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
    return jsonify(bytes=total, megabytes=round(total / 1_048_576, 2))
''', ("from flask import jsonify",), order=70),
    Sec(r'''
@bp.get("/robots.txt")
def robots():
    return send_from_directory(current_app.static_folder, "robots.txt", mimetype="text/plain")
''', ("from flask import send_from_directory",), order=5),
    Sec(r'''
def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
''', ("import os", "import tempfile"), order=80),
    Sec(r'''
@bp.get("/avatars/<int:user_id>")
@login_required
def avatar(user_id: int):
    key = current_app.extensions["avatars"].key_for(user_id)
    if key is None:
        return send_from_directory(current_app.static_folder, "default-avatar.png")
    return send_from_directory(current_app.config["AVATAR_DIR"], f"{key}.png", max_age=86400)
''', ("from flask import send_from_directory",), order=75),
]

_PTHN_B_HEAD = r'''
log = logging.getLogger("<<w>>.retention")

EXPORT_ROOT = Path(os.environ.get("<<U>>_EXPORT_ROOT", "/srv/<<w>>/exports")).resolve()
KEEP_DAYS = <<days>>


def iter_expired(root: Path, now: float) -> Iterator[Path]:
    """Regular files under root older than KEEP_DAYS; symlinks are never followed."""
    cutoff = now - KEEP_DAYS * 86400
    for dirpath, _dirnames, filenames in os.walk(root, followlinks=False):
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink() and path.stat().st_mtime < cutoff:
                yield path
'''

_PTHN_B_CORE = [
    Sec(r'''
def remove_expired(root: Path, dry_run: bool) -> int:
    count = 0
    for path in iter_expired(root, time.time()):
        if dry_run:
            log.info("would remove %s", path.relative_to(root))
        else:
            os.remove(path)
        count += 1
    return count
''', ("import time",), order=10),
]

_PTHN_B_POOL = [
    Sec(r'''
def remove_empty_dirs(root: Path) -> int:
    removed = 0
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if Path(dirpath) != root and not dirnames and not filenames:
            os.rmdir(dirpath)
            removed += 1
    return removed
''', order=20),
    Sec(r'''
def archive_expired(root: Path, dest: Path) -> int:
    dest.parent.mkdir(parents=True, exist_ok=True)
    added = 0
    with tarfile.open(dest, "w:gz") as tar:
        for path in iter_expired(root, time.time()):
            tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
            added += 1
    log.info("archived %d files into %s", added, dest.name)
    return added
''', ("import tarfile", "import time"), order=30),
    Sec(r'''
def purge_listed(root: Path, listing: Path) -> int:
    """Remove the files named (relative to root) in an operator-provided list."""
    removed = 0
    for line in listing.read_text(encoding="utf-8").splitlines():
        rel = line.strip()
        if not rel or rel.startswith("#"):
            continue
        target = (root / rel).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            log.warning("skipping %r: not a file inside the export root", rel)
            continue
        target.unlink()
        removed += 1
    return removed
''', order=40),
    Sec(r'''
def disk_report(root: Path) -> dict:
    usage = shutil.disk_usage(root)
    return {"total_gb": round(usage.total / 1e9, 1), "free_gb": round(usage.free / 1e9, 1),
            "used_pct": round(100 * usage.used / usage.total, 1)}
''', ("import shutil",), order=50),
    Sec(r'''
def write_report(report: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2, sort_keys=True)
''', ("import json",), order=60),
    Sec(r'''
def largest(root: Path, n: int = 10) -> list[tuple[str, int]]:
    sizes = [(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()]
    return sorted(sizes, key=lambda item: item[1], reverse=True)[:n]
''', order=70),
    Sec(r'''
def checksum_manifest(root: Path, out: Path) -> int:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root)}")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return len(lines)
''', ("import hashlib",), order=65),
    Sec(r'''
def quarantine(root: Path, path: Path) -> Path:
    qdir = root / ".quarantine"
    qdir.mkdir(exist_ok=True)
    dest = qdir / f"{int(time.time())}-{path.name}"
    shutil.move(str(path), dest)
    log.warning("quarantined %s", path.relative_to(root))
    return dest
''', ("import shutil", "import time"), order=45),
    Sec(r'''
@contextmanager
def single_run(root: Path):
    with open(root / ".retention.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit("another retention run is in progress")
        yield
''', ("import fcntl", "from contextlib import contextmanager"), order=5),
]

_PTHN_B_TAIL = r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Remove <<w>> exports older than %d days" % KEEP_DAYS)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--root", type=Path, default=EXPORT_ROOT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    root = args.root.resolve()
    if not root.is_dir():
        log.error("%s is not a directory", root)
        return 2
    count = remove_expired(root, args.dry_run)
    log.info("%s %d expired files", "found" if args.dry_run else "removed", count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_PTHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.files")

router = APIRouter(prefix="/<<w>>s", tags=["files"])

WORKSPACE_ROOT = Path(os.environ.get("WORKSPACE_ROOT", "/srv/workspaces")).resolve()


def workspace(user: User) -> Path:
    return WORKSPACE_ROOT / f"tenant-{int(user.tenant_id):06d}"
'''

_PTHN_C = [
    Sec(r'''
@router.get("/{<<w>>_id}/document")
async def get_document(<<w>>_id: int, user: User = Depends(current_user), db: Session = Depends(get_db)):
    rec = db.query(Document).filter_by(id=<<w>>_id, tenant_id=user.tenant_id).one_or_none()
    if rec is None:
        raise HTTPException(status_code=404, detail="document not found")
    path = workspace(user) / rec.storage_key
    return FileResponse(path, media_type=rec.content_type, filename=f"<<w>>-{rec.id}{path.suffix}")
''', ("from fastapi.responses import FileResponse", "from sqlalchemy.orm import Session",
      "from .db import Document, get_db"), order=10),
    Sec(r'''
def inside_workspace(user: User, relative: str) -> Path:
    root = workspace(user).resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        raise HTTPException(status_code=404, detail="not found")
    return candidate


@router.get("/files/{relative:path}")
async def read_file(relative: str, user: User = Depends(current_user)):
    path = inside_workspace(user, relative)
    if not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(path)
''', ("from fastapi.responses import FileResponse",), order=20),
    Sec(r'''
TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = {"invoice": "invoice.txt", "reminder": "reminder.txt", "welcome": "welcome.txt"}


@router.get("/templates/{name}", response_class=PlainTextResponse)
async def template_text(name: str) -> str:
    filename = TEMPLATES.get(name)
    if filename is None:
        raise HTTPException(status_code=404, detail="unknown template")
    return (TEMPLATE_DIR / filename).read_text(encoding="utf-8")
''', ("from fastapi.responses import PlainTextResponse",), order=30),
    Sec(r'''
@router.get("/files")
async def list_files(user: User = Depends(current_user)) -> list[dict]:
    root = workspace(user)
    if not root.is_dir():
        return []
    return [
        {"path": str(p.relative_to(root)), "bytes": p.stat().st_size}
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ][:500]
''', order=40),
    Sec(r'''
ALLOWED_SUFFIXES = {".pdf", ".png", ".jpg", ".txt"}
MAX_UPLOAD = <<mb>> * 1024 * 1024


@router.post("/uploads", status_code=201)
async def upload(file: UploadFile, user: User = Depends(current_user)) -> dict:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise HTTPException(status_code=415, detail="unsupported file type")
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(status_code=413, detail="file too large")
    dest_dir = workspace(user) / "uploads"
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{uuid.uuid4().hex}{suffix}"
    with open(dest, "wb") as fh:
        fh.write(data)
    log.info("tenant %s uploaded %d bytes", user.tenant_id, len(data))
    return {"id": dest.stem, "bytes": len(data)}
''', ("import uuid", "from fastapi import UploadFile"), order=50),
    Sec(r'''
@router.get("/usage")
async def usage(user: User = Depends(current_user)) -> dict:
    root = workspace(user)
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0
    return {"bytes": total, "quota_bytes": user.quota_bytes, "over_quota": total > user.quota_bytes}
''', order=60),
    Sec(r'''
@router.delete("/uploads/{upload_id}", status_code=204)
async def delete_upload(upload_id: str, user: User = Depends(current_user)) -> None:
    if not re.fullmatch(r"[0-9a-f]{32}", upload_id):
        raise HTTPException(status_code=404, detail="not found")
    matches = list((workspace(user) / "uploads").glob(f"{upload_id}.*"))
    if not matches:
        raise HTTPException(status_code=404, detail="not found")
    for path in matches:
        os.remove(path)
    log.info("tenant %s deleted upload %s", user.tenant_id, upload_id)
''', ("import re",), order=55),
    Sec(r'''
@router.get("/export.zip")
async def export_zip(user: User = Depends(current_user)) -> StreamingResponse:
    root = workspace(user)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                zf.write(path, arcname=str(path.relative_to(root)))
    buf.seek(0)
    headers = {"Content-Disposition": "attachment; filename=workspace.zip"}
    return StreamingResponse(buf, media_type="application/zip", headers=headers)
''', ("import io", "import zipfile", "from fastapi.responses import StreamingResponse"), order=65),
    Sec(r'''
FOLDER_RE = re.compile(r"[A-Za-z0-9 _-]{1,64}")


@router.post("/folders", status_code=201)
async def create_folder(name: str = Body(..., embed=True), user: User = Depends(current_user)) -> dict:
    if not FOLDER_RE.fullmatch(name):
        raise HTTPException(status_code=422, detail="folder names use letters, digits, spaces, - and _")
    (workspace(user) / "folders" / name).mkdir(parents=True, exist_ok=True)
    return {"folder": name}
''', ("import re", "from fastapi import Body"), order=70),
    Sec(r'''
@router.get("/changelog", response_class=PlainTextResponse)
async def changelog() -> str:
    return resources.files("<<w>>_service").joinpath("CHANGELOG.md").read_text(encoding="utf-8")
''', ("from importlib import resources", "from fastapi.responses import PlainTextResponse"), order=80),
    Sec(r'''
@router.get("/recent")
async def recent_files(user: User = Depends(current_user), limit: int = 20) -> list[str]:
    root = workspace(user)
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [str(p.relative_to(root)) for p in files[: max(1, min(limit, 100))]]
''', order=45),
    Sec(r'''
@router.get("/exports/{export_id}.csv")
async def get_export(export_id: int, user: User = Depends(current_user)) -> FileResponse:
    path = workspace(user) / "exports" / f"{export_id:d}.csv"
    if not path.is_file():
        raise HTTPException(status_code=404, detail="export not ready")
    return FileResponse(path, media_type="text/csv", filename=f"<<w>>-export-{export_id}.csv")
''', ("from fastapi.responses import FileResponse",), order=35),
]


def valsafe_path_statements_hn(c, kind: str):
    kw = dict(days=c.pick("30", "90", "180"), mb=c.pick("5", "10", "25"))
    if kind == "flask":
        text = compose(c, c.pick("File downloads for <<w>>s: owner-scoped, served from the storage root.",
                                 "Routes that serve <<w>> attachments, thumbnails and help pages."),
                       ["import logging", "import re", "from pathlib import Path",
                        "from flask import Blueprint, current_app",
                        "from flask_login import current_user, login_required", "from .models import <<W>>"],
                       _PTHN_A_HEAD, [_PTHN_A[0]], _PTHN_A[1:], kw=kw)
        fw = "flask"
    elif kind == "retention":
        text = compose(c, "Retention job for generated <<w>> exports: expire, archive and purge files.",
                       ["import argparse", "import logging", "import os", "import sys", "from pathlib import Path",
                        "from typing import Iterator"],
                       _PTHN_B_HEAD, _PTHN_B_CORE, _PTHN_B_POOL, _PTHN_B_TAIL, kw=kw)
        fw = "cli"
    else:
        first = c.pick(0, 1, 4)
        text = compose(c, "Tenant workspace files for <<w>>s (FastAPI).",
                       ["import logging", "import os", "from pathlib import Path",
                        "from fastapi import APIRouter, Depends, HTTPException", "from .auth import User, current_user"],
                       _PTHN_C_HEAD, [_PTHN_C[first]], [x for i, x in enumerate(_PTHN_C) if i != first], kw=kw)
        fw = "fastapi"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="file access goes through send_from_directory / safe_join, resolved paths checked with "
                      "is_relative_to, allowlisted names or server-generated storage keys")

hardneg(2)(lambda c: valsafe_path_statements_hn(c, "flask"))
hardneg(2)(lambda c: valsafe_path_statements_hn(c, "retention"))
hardneg(2)(lambda c: valsafe_path_statements_hn(c, "fastapi"))


# ---------------- CWE-918: Django image import fetching any URL the editor pastes ----------------

@fam("valsafe-django-image-import", "CWE-918", fws=["django"], n=5, wrap=False)
def valsafe_ssrf_image_import(c):
    hosts = c.pick("IMAGE_IMPORT_HOSTS", "SUPPLIER_IMAGE_HOSTS", "ALLOWED_IMAGE_HOSTS")
    v = T(c, r'''
"""Import product images for <<w>>s from a supplier URL (Django)."""
from __future__ import annotations

import json
import logging
import uuid
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from .models import <<W>>, <<W>>Image

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = <<mb>> * 1024 * 1024
CONTENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TIMEOUT = getattr(settings, "IMAGE_IMPORT_TIMEOUT", (3.05, <<read>>))


class ImportRejected(Exception):
    """The remote file cannot be used as a <<w>> image."""


def _download(url: str) -> tuple[bytes, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):  #@V
        raise ImportRejected("this URL cannot be imported")
    with requests.get(url, timeout=TIMEOUT, stream=True, allow_redirects=False) as resp:  #@V
        if resp.status_code != 200:
            raise ImportRejected(f"the image server answered HTTP {resp.status_code}")
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype not in CONTENT_TYPES:
            raise ImportRejected("not a supported image type")
        chunks, size = [], 0
        for chunk in resp.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_IMAGE_BYTES:
                raise ImportRejected("the image is too large")
            chunks.append(chunk)
    return b"".join(chunks), CONTENT_TYPES[ctype]


def _store(item: <<W>>, data: bytes, ext: str) -> <<W>>Image:
    name = default_storage.save(f"<<w>>s/{item.pk}/{uuid.uuid4().hex}{ext}", ContentFile(data))
    position = item.images.count()
    return <<W>>Image.objects.create(<<w>>=item, file=name, position=position, size=len(data))


@require_POST
@permission_required("catalog.change_<<w>>", raise_exception=True)
def import_image(request: HttpRequest, pk: int) -> JsonResponse:
    item = get_object_or_404(<<W>>, pk=pk)
    try:
        payload = json.loads(request.body)
    except json.JSONDecodeError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    url = str(payload.get("image_url", "")).strip()  #@S
    if not url:
        return JsonResponse({"error": "image_url is required"}, status=400)
    try:
        data, ext = _download(url)
    except ImportRejected as exc:
        return JsonResponse({"error": str(exc)}, status=422)
    except requests.RequestException:
        log.warning("image download for <<w>> %s failed", item.pk)
        return JsonResponse({"error": "could not fetch the image"}, status=502)
    image = _store(item, data, ext)
    log.info("imported image %s for <<w>> %s (%d bytes)", image.pk, item.pk, len(data))
    return JsonResponse({"id": image.pk, "url": default_storage.url(image.file.name)}, status=201)


@require_POST
@permission_required("catalog.change_<<w>>", raise_exception=True)
def reorder_images(request: HttpRequest, pk: int) -> JsonResponse:
    item = get_object_or_404(<<W>>, pk=pk)
    order = [int(i) for i in json.loads(request.body).get("order", [])][:50]
    images = {img.pk: img for img in item.images.all()}
    for position, image_id in enumerate(order):
        image = images.get(image_id)
        if image is not None and image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    return JsonResponse({"order": [i for i in order if i in images]})
''', mb=c.pick("5", "8", "10"), read=c.pick("10", "15", "20"))
    s = sub(v, '''    if parts.scheme not in ("http", "https"):  #@V
        raise ImportRejected("this URL cannot be imported")''',
            f'''    if parts.scheme != "https" or parts.hostname not in settings.{hosts}:
        raise ImportRejected("only images from approved suppliers can be imported")''')
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the server fetches whatever URL the editor submits (only the scheme is checked): "
                      "internal services and cloud metadata endpoints are reachable")


_SSRFHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.billing")

BASE_URL = os.environ.get("BILLING_API_URL", "https://billing.internal.example.com/v2")
TIMEOUT = httpx.Timeout(<<t>>, connect=3.0)
RETRY_STATUSES = {429, 502, 503, 504}


class BillingError(RuntimeError):
    pass


class BillingClient:
    """Client for the billing service: every request is BASE_URL plus a quoted path."""

    def __init__(self, token: str, base_url: str = BASE_URL) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, **kw) -> dict:
        for attempt in range(1, 4):
            resp = self._http.request(method, path, **kw)
            if resp.status_code not in RETRY_STATUSES:
                break
            time.sleep(min(8.0, 0.5 * 2 ** attempt) + random.uniform(0, 0.25))
        if resp.is_error:
            raise BillingError(f"{method} {path} failed with HTTP {resp.status_code}")
        return resp.json() if resp.content else {}
'''

_SSRFHN_A = [
    Sec(r'''
def get_customer(client: BillingClient, customer_id: str) -> dict:
    return client.request("GET", f"/customers/{quote(customer_id, safe='')}")
''', ("from urllib.parse import quote",), order=10),
    Sec(r'''
def list_invoices(client: BillingClient, customer_id: str, status: str = "open") -> list[dict]:
    data = client.request("GET", "/invoices", params={"customer": customer_id, "status": status, "limit": 100})
    return data.get("items", [])
''', order=20),
    Sec(r'''
def create_refund(client: BillingClient, invoice_id: str, amount_cents: int, reason: str) -> dict:
    if amount_cents <= 0:
        raise ValueError(f"refund amount must be positive, got {amount_cents}")
    return client.request(
        "POST",
        f"/invoices/{quote(invoice_id, safe='')}/refunds",
        json={"amount": amount_cents, "reason": reason[:200]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
''', ("import uuid", "from urllib.parse import quote"), order=30),
    Sec(r'''
def invoice_pdf(token: str, invoice_id: str, limit: int = <<mb>> * 1024 * 1024) -> bytes:
    url = f"{BASE_URL}/invoices/{quote(invoice_id, safe='')}/pdf"
    with httpx.stream("GET", url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"}) as resp:
        resp.raise_for_status()
        body = bytearray()
        for chunk in resp.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise BillingError("invoice PDF exceeds the size limit")
    return bytes(body)
''', ("from urllib.parse import quote",), order=40),
    Sec(r'''
def verify_webhook(secret: bytes, body: bytes, signature: str) -> bool:
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.removeprefix("sha256="))
''', ("import hashlib", "import hmac"), order=50),
    Sec(r'''
@contextmanager
def billing_client() -> Iterator[BillingClient]:
    client = BillingClient(os.environ["BILLING_API_TOKEN"])
    try:
        yield client
    finally:
        client.close()
''', ("from contextlib import contextmanager", "from typing import Iterator"), order=60),
    Sec(r'''
def sync_overdue(client: BillingClient, customer_ids: list[str]) -> int:
    overdue = 0
    for customer_id in customer_ids:
        invoices = client.request("GET", "/invoices", params={"customer": customer_id, "status": "overdue"})
        overdue += len(invoices.get("items", []))
    log.info("%d overdue invoices across %d customers", overdue, len(customer_ids))
    return overdue
''', order=70),
    Sec(r'''
def ping() -> bool:
    try:
        return httpx.get(f"{BASE_URL}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False
''', order=80),
    Sec(r'''
def plan_catalog(client: BillingClient) -> dict[str, dict]:
    plans = client.request("GET", "/plans", params={"active": "true"}).get("items", [])
    return {p["code"]: {"name": p["name"], "monthly_cents": p["monthly_cents"]} for p in plans}
''', order=15),
    Sec(r'''
def update_billing_email(client: BillingClient, customer_id: str, email: str) -> None:
    if "@" not in email or len(email) > 254:
        raise ValueError("not an email address")
    client.request("PATCH", f"/customers/{quote(customer_id, safe='')}", json={"billing_email": email})
    log.info("billing email updated for customer %s", customer_id)
''', ("from urllib.parse import quote",), order=25),
]

_SSRFHN_B_HEAD = r'''
log = logging.getLogger(__name__)

http = requests.Session()
http.headers.update({"User-Agent": "<<w>>-portal/2.3"})
TIMEOUT = (3.05, <<t>>)
'''

_SSRFHN_B = [
    Sec(r'''
@require_POST
@login_required
def shipping_quote(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    payload = {
        "country": str(body.get("country", ""))[:2].upper(),
        "postcode": str(body.get("postcode", ""))[:12],
        "weight_grams": int(body.get("weight_grams", 0)),
    }
    resp = http.post(f"{settings.SHIPPING_API_URL}/v1/quotes", json=payload, timeout=TIMEOUT)
    if resp.status_code != 200:
        log.warning("shipping API answered %d", resp.status_code)
        return JsonResponse({"error": "no quote available"}, status=502)
    quotes = resp.json().get("quotes", [])
    return JsonResponse({"quotes": [{"carrier": q["carrier"], "price": q["price"]} for q in quotes]})
''', ("import json", "from django.views.decorators.http import require_POST"), order=10),
    Sec(r'''
@require_GET
@login_required
def address_search(request: HttpRequest) -> JsonResponse:
    q = request.GET.get("q", "").strip()[:120]
    if len(q) < 3:
        return JsonResponse({"results": []})
    params = {"q": q, "limit": 5, "format": "json", "countrycodes": settings.GEOCODER_COUNTRIES}
    resp = http.get(f"{settings.GEOCODER_URL}/search", params=params, timeout=TIMEOUT)
    resp.raise_for_status()
    results = [{"label": r["display_name"], "lat": r["lat"], "lon": r["lon"]} for r in resp.json()]
    return JsonResponse({"results": results})
''', ("from django.views.decorators.http import require_GET",), order=20),
    Sec(r'''
def exchange_rates() -> dict[str, float]:
    def fetch() -> dict[str, float]:
        resp = http.get(settings.FX_RATES_URL, timeout=TIMEOUT)
        resp.raise_for_status()
        return {k: float(v) for k, v in resp.json()["rates"].items()}

    return cache.get_or_set("fx-rates", fetch, 3600)
''', ("from django.core.cache import cache",), order=30),
    Sec(r'''
def oembed(url: str) -> dict | None:
    """Embed data for a video link; only configured providers are asked, never the link itself."""
    host = (urlsplit(url).hostname or "").lower()
    endpoint = settings.OEMBED_PROVIDERS.get(host)
    if endpoint is None:
        return None
    resp = http.get(endpoint, params={"url": url, "format": "json", "maxwidth": 640}, timeout=TIMEOUT)
    return resp.json() if resp.ok else None
''', ("from urllib.parse import urlsplit",), order=40),
    Sec(r'''
@staff_member_required
def dependency_status(request: HttpRequest) -> JsonResponse:
    status = {}
    for name, url in settings.HEALTH_ENDPOINTS.items():
        try:
            status[name] = http.get(url, timeout=2).status_code
        except requests.RequestException as exc:
            status[name] = type(exc).__name__
    return JsonResponse(status)
''', ("from django.contrib.admin.views.decorators import staff_member_required",), order=50),
    Sec(r'''
def avatar_url(email: str, size: int = 80) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?" + urlencode({"s": size, "d": "identicon"})
''', ("import hashlib", "from urllib.parse import urlencode"), order=60),
    Sec(r'''
def notify_slack(text: str) -> None:
    webhook = settings.OPS_SLACK_WEBHOOK
    if not webhook:
        return
    try:
        http.post(webhook, json={"text": text[:3000]}, timeout=TIMEOUT)
    except requests.RequestException:
        log.warning("slack notification failed")
''', order=70),
    Sec(r'''
def tax_rate(country: str) -> float:
    if len(country) != 2 or not country.isalpha():
        raise ValueError(f"not an ISO country code: {country!r}")
    resp = http.get(f"{settings.TAX_API_URL}/rates/{quote(country.upper())}", timeout=TIMEOUT)
    resp.raise_for_status()
    return float(resp.json()["standard_rate"])
''', ("from urllib.parse import quote",), order=45),
    Sec(r'''
@require_GET
@login_required
def track_shipment(request: HttpRequest, pk: int) -> JsonResponse:
    shipment = get_object_or_404(Shipment, pk=pk, owner=request.user)
    url = f"{settings.CARRIER_API_URL}/track/{quote(shipment.tracking_number, safe='')}"
    resp = http.get(url, timeout=TIMEOUT)
    if not resp.ok:
        return JsonResponse({"status": "unknown"})
    events = resp.json().get("events", [])[:20]
    return JsonResponse({"status": events[0]["status"] if events else "pending", "events": events})
''', ("from urllib.parse import quote", "from django.shortcuts import get_object_or_404",
      "from django.views.decorators.http import require_GET", "from .models import Shipment"), order=55),
    Sec(r'''
def send_sms(to: str, text: str) -> bool:
    resp = http.post(
        f"{settings.SMS_API_URL}/messages",
        json={"to": to, "text": text[:480]},
        headers={"Authorization": f"Bearer {settings.SMS_API_KEY}"},
        timeout=TIMEOUT,
    )
    if resp.status_code >= 400:
        log.warning("SMS gateway rejected a message with HTTP %d", resp.status_code)
    return resp.ok
''', order=65),
    Sec(r'''
RECAPTCHA_VERIFY_URL = "https://www.google.com/recaptcha/api/siteverify"


def captcha_ok(request: HttpRequest, response_token: str) -> bool:
    data = {"secret": settings.RECAPTCHA_SECRET, "response": response_token,
            "remoteip": request.META.get("REMOTE_ADDR", "")}
    resp = http.post(RECAPTCHA_VERIFY_URL, data=data, timeout=TIMEOUT)
    return resp.ok and resp.json().get("success") is True
''', order=75),
]

_SSRFHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.gateway")

UPSTREAM = os.environ.get("<<U>>_UPSTREAM", "https://<<w>>-api.internal.example.com")
TIMEOUT = aiohttp.ClientTimeout(total=<<t>>, connect=3)
routes = web.RouteTableDef()


def upstream(request: web.Request) -> aiohttp.ClientSession:
    return request.app["upstream"]


def actor(request: web.Request) -> dict[str, str]:
    """The upstream service authorizes every call for the signed-in user named here."""
    return {"X-Actor-Id": str(request["user"].id)}
'''

_SSRFHN_C = [
    Sec(r'''
@routes.get(r"/<<w>>s/{item_id:\d+}")
async def get_<<w>>(request: web.Request) -> web.Response:
    item_id = int(request.match_info["item_id"])
    async with upstream(request).get(f"/v1/<<w>>s/{item_id}", headers=actor(request)) as resp:
        if resp.status == 404:
            raise web.HTTPNotFound()
        resp.raise_for_status()
        return web.json_response(await resp.json())
''', order=10),
    Sec(r'''
@routes.get("/<<w>>s")
async def search_<<w>>s(request: web.Request) -> web.Response:
    params = {"q": request.query.get("q", "")[:100], "limit": "20"}
    async with upstream(request).get("/v1/<<w>>s", params=params, headers=actor(request)) as resp:
        resp.raise_for_status()
        data = await resp.json()
    return web.json_response({"items": data.get("items", [])[:20]})
''', order=20),
    Sec(r'''
STATUS_PAGES = {
    "eu": "https://status-eu.example.com/api/v2/status.json",
    "us": "https://status-us.example.com/api/v2/status.json",
}


@routes.get("/status")
async def status(request: web.Request) -> web.Response:
    async def one(region: str, url: str) -> tuple[str, str]:
        try:
            async with request.app["public"].get(url) as resp:
                return region, (await resp.json())["status"]["indicator"]
        except (aiohttp.ClientError, asyncio.TimeoutError, KeyError):
            return region, "unknown"

    pairs = await asyncio.gather(*(one(r, u) for r, u in STATUS_PAGES.items()))
    return web.json_response(dict(pairs))
''', ("import asyncio",), order=30),
    Sec(r'''
@routes.post(r"/<<w>>s/{item_id:\d+}/notes")
async def add_note(request: web.Request) -> web.Response:
    body = await request.json()
    note = {"text": str(body.get("text", ""))[:2000], "author": request["user"].id}
    item_id = int(request.match_info["item_id"])
    async with upstream(request).post(f"/v1/<<w>>s/{item_id}/notes", json=note, headers=actor(request)) as resp:
        return web.json_response(await resp.json(), status=resp.status)
''', order=40),
    Sec(r'''
@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    try:
        async with upstream(request).get("/healthz") as resp:
            ok = resp.status == 200
    except aiohttp.ClientError:
        ok = False
    return web.json_response({"upstream": ok}, status=200 if ok else 503)
''', order=50),
    Sec(r'''
@routes.get(r"/<<w>>s/{item_id:\d+}/history")
async def history(request: web.Request) -> web.Response:
    item_id = int(request.match_info["item_id"])
    page = max(1, min(50, int(request.query.get("page", "1")) if request.query.get("page", "1").isdigit() else 1))
    async with upstream(request).get(
        f"/v1/<<w>>s/{item_id}/history", params={"page": str(page)}, headers=actor(request)
    ) as resp:
        resp.raise_for_status()
        return web.json_response(await resp.json())
''', order=60),
    Sec(r'''
@routes.get("/<<w>>s/batch")
async def batch(request: web.Request) -> web.Response:
    ids = [int(p) for p in request.query.get("ids", "").split(",") if p.isdigit()][:20]
    limiter = asyncio.Semaphore(5)

    async def one(item_id: int) -> dict | None:
        async with limiter, upstream(request).get(f"/v1/<<w>>s/{item_id}", headers=actor(request)) as resp:
            return await resp.json() if resp.status == 200 else None

    found = await asyncio.gather(*(one(i) for i in ids))
    return web.json_response([item for item in found if item is not None])
''', ("import asyncio",), order=25),
    Sec(r'''
MAX_ATTACHMENT = <<mb>> * 1024 * 1024


@routes.get(r"/<<w>>s/{item_id:\d+}/attachments/{att_id:\d+}")
async def attachment(request: web.Request) -> web.StreamResponse:
    item_id, att_id = int(request.match_info["item_id"]), int(request.match_info["att_id"])
    async with upstream(request).get(f"/v1/<<w>>s/{item_id}/attachments/{att_id}", headers=actor(request)) as resp:
        if resp.status != 200:
            raise web.HTTPNotFound()
        out = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        await out.prepare(request)
        sent = 0
        async for chunk in resp.content.iter_chunked(65536):
            sent += len(chunk)
            if sent > MAX_ATTACHMENT:
                break
            await out.write(chunk)
        await out.write_eof()
        return out
''', order=35),
    Sec(r'''
@routes.delete(r"/<<w>>s/{item_id:\d+}")
async def delete_<<w>>(request: web.Request) -> web.Response:
    item_id = int(request.match_info["item_id"])
    async with upstream(request).delete(f"/v1/<<w>>s/{item_id}", headers=actor(request)) as resp:
        log.info("delete of <<w>> %d by user %s: HTTP %d", item_id, request["user"].id, resp.status)
        return web.Response(status=resp.status)
''', order=45),
]

_SSRFHN_C_TAIL = r'''
async def _open(app: web.Application) -> None:
    connector = aiohttp.TCPConnector(limit=<<limit>>)
    app["upstream"] = aiohttp.ClientSession(base_url=UPSTREAM, timeout=TIMEOUT, connector=connector)
    app["public"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))


async def _close(app: web.Application) -> None:
    await app["upstream"].close()
    await app["public"].close()


def create_app() -> web.Application:
    app = web.Application(middlewares=[auth_middleware])
    app.add_routes(routes)
    app.on_startup.append(_open)
    app.on_cleanup.append(_close)
    return app
'''


def valsafe_ssrf_image_import_hn(c, kind: str):
    kw = dict(t=c.pick("10", "15", "20"), mb=c.pick("5", "10", "20"), limit=c.pick("20", "50", "100"))
    if kind == "client":
        text = compose(c, "Client for the internal billing API used by the <<w>> service.",
                       ["import logging", "import os", "import random", "import time", "import httpx"],
                       _SSRFHN_A_HEAD, [_SSRFHN_A[0]], _SSRFHN_A[1:], kw=kw)
        fw = "script"
    elif kind == "django":
        text = compose(c, c.pick("Portal views for <<w>>s that call partner APIs configured in settings.",
                                 "Outbound integrations of the <<w>> portal: shipping, geocoding, FX rates."),
                       ["import logging", "import requests", "from django.conf import settings",
                        "from django.contrib.auth.decorators import login_required",
                        "from django.http import HttpRequest, JsonResponse"],
                       _SSRFHN_B_HEAD, [_SSRFHN_B[0]], _SSRFHN_B[1:], kw=kw)
        fw = "django"
    else:
        text = compose(c, "API gateway for <<w>>s: forwards to the configured upstream service (aiohttp).",
                       ["import logging", "import os", "import aiohttp", "from aiohttp import web",
                        "from .auth import auth_middleware"],
                       _SSRFHN_C_HEAD, [_SSRFHN_C[0]], _SSRFHN_C[1:], _SSRFHN_C_TAIL, kw=kw)
        fw = "aiohttp"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="outbound requests go to hosts fixed in configuration; user input only fills quoted path "
                      "segments, query parameters or JSON bodies")

hardneg(2)(lambda c: valsafe_ssrf_image_import_hn(c, "client"))
hardneg(2)(lambda c: valsafe_ssrf_image_import_hn(c, "django"))
hardneg(2)(lambda c: valsafe_ssrf_image_import_hn(c, "gateway"))


# ---------------- CWE-79: aiohttp profile pages rendered by a Jinja2 environment without escaping ----------------

@fam("valsafe-aiohttp-profile-pages", "CWE-79", fws=["aiohttp"], n=5, wrap=False)
def valsafe_xss_profiles(c):
    shape = c.pick("false", "xml-only")
    if shape == "false":
        imp, bad, good = "Environment, PackageLoader", "autoescape=False,", 'autoescape=select_autoescape(["html", "xml"]),'
    else:
        imp = "Environment, PackageLoader, select_autoescape"
        bad = 'autoescape=select_autoescape(enabled_extensions=("xml",)),'
        good = 'autoescape=select_autoescape(enabled_extensions=("html", "xml")),'
    v = T(c, r'''
"""Public <<w>> profile pages and the JSON endpoint that edits them (aiohttp + Jinja2)."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

from aiohttp import web
from jinja2 import <<imp>>

from .auth import require_user

log = logging.getLogger("<<w>>.profiles")

routes = web.RouteTableDef()

TEMPLATES = Environment(
    loader=PackageLoader("<<w>>_site", "templates"),
    <<bad>>  #@V
    trim_blocks=True,
    lstrip_blocks=True,
)
HANDLE_RE = re.compile(r"[a-z0-9_]{3,30}")
MAX_BIO = <<maxbio>>


def render(name: str, content_type: str = "text/html", **context) -> web.Response:
    body = TEMPLATES.get_template(name).render(**context)
    return web.Response(text=body, content_type=content_type, headers={"Cache-Control": "public, max-age=60"})


async def load_profile(pool, handle: str) -> dict | None:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT handle, display_name, bio, website, updated_at FROM profiles WHERE handle = $1 AND visible",
            handle,
        )
    return dict(row) if row else None


@routes.get("/u/{handle}")
async def profile_page(request: web.Request) -> web.Response:
    handle = request.match_info["handle"].lower()
    if not HANDLE_RE.fullmatch(handle):
        raise web.HTTPNotFound()
    profile = await load_profile(request.app["pool"], handle)
    if profile is None:
        raise web.HTTPNotFound()
    return render("profile.html", profile=profile, year=datetime.now(timezone.utc).year)  #@V


@routes.get("/sitemap.xml")
async def sitemap(request: web.Request) -> web.Response:
    async with request.app["pool"].acquire() as conn:
        rows = await conn.fetch("SELECT handle, updated_at FROM profiles WHERE visible ORDER BY handle LIMIT 50000")
    return render("sitemap.xml", content_type="application/xml", profiles=rows)


def _clean_website(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not value.startswith("https://") or len(value) > 200:
        raise web.HTTPUnprocessableEntity(text="website must be an https:// URL")
    return value


@routes.put("/api/profile")
async def update_profile(request: web.Request) -> web.Response:
    user = await require_user(request)
    body = await request.json()
    display_name = str(body.get("display_name", "")).strip()[:80]
    bio = str(body.get("bio", "")).strip()[:MAX_BIO]  #@S
    website = _clean_website(str(body.get("website", "")))
    if not display_name:
        raise web.HTTPUnprocessableEntity(text="display_name is required")
    async with request.app["pool"].acquire() as conn:
        await conn.execute(
            "UPDATE profiles SET display_name = $1, bio = $2, website = $3, updated_at = now() WHERE user_id = $4",
            display_name, bio, website, user.id,
        )
    log.info("profile of user %s updated", user.id)
    return web.json_response({"ok": True})


@routes.delete("/api/profile/website")
async def clear_website(request: web.Request) -> web.Response:
    user = await require_user(request)
    async with request.app["pool"].acquire() as conn:
        await conn.execute("UPDATE profiles SET website = NULL WHERE user_id = $1", user.id)
    return web.json_response({"ok": True})


def create_app(pool) -> web.Application:
    app = web.Application()
    app["pool"] = pool
    app.add_routes(routes)
    return app
''', imp=imp, bad=bad, maxbio=c.pick("500", "1000", "2000"))
    s = sub(v, f"    {bad}  #@V", f"    {good}")
    if shape == "false":
        s = sub(s, "from jinja2 import Environment, PackageLoader\n",
                "from jinja2 import Environment, PackageLoader, select_autoescape\n")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the Jinja2 environment does not escape .html templates, so the stored bio and display "
                      "name are written into the public profile page as markup")


_XSSHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.mail")

bp = Blueprint("<<w>>_notifications", __name__)

mail_env = Environment(
    loader=PackageLoader("<<w>>_app", "templates/email"),
    autoescape=select_autoescape(["html", "xml"], default_for_string=True),
)
'''

_XSSHN_A = [
    Sec(r'''
def render_email(template: str, **context) -> tuple[str, str]:
    """HTML and plain-text bodies of a notification email."""
    html = mail_env.get_template(f"{template}.html").render(**context)
    text = mail_env.get_template(f"{template}.txt").render(**context)
    return html, text
''', order=10),
    Sec(r'''
def highlight(text: str, term: str) -> Markup:
    """Wrap occurrences of term in <mark>; everything else is escaped."""
    if not term:
        return escape(text)
    parts = re.split(f"({re.escape(term)})", text, flags=re.IGNORECASE)
    return Markup("").join(Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts))
''', ("import re", "from markupsafe import Markup, escape"), order=20),
    Sec(r'''
@bp.app_template_filter("nl2br")
def nl2br(value: str) -> Markup:
    return Markup("<br>\n").join(escape(line) for line in str(value).splitlines())
''', ("from markupsafe import Markup, escape",), order=30),
    Sec(r'''
def user_link(user) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url_for("users.profile", user_id=user.id), user.display_name)


@bp.get("/notifications")
@login_required
def inbox():
    items = Notification.query.filter_by(user_id=current_user.id).order_by(Notification.created.desc()).limit(50)
    return render_template("notifications/inbox.html", items=items, user_link=user_link)
''', ("from flask import render_template, url_for", "from flask_login import current_user, login_required",
      "from markupsafe import Markup", "from .models import Notification"), order=50),
    Sec(r'''
@bp.get("/notifications/<int:note_id>/preview")
@login_required
def preview(note_id: int):
    note = Notification.query.filter_by(id=note_id, user_id=current_user.id).first_or_404()
    html, _ = render_email(note.template, note=note, user=current_user)
    resp = make_response(html)
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src https:"
    return resp
''', ("from flask import make_response", "from flask_login import current_user, login_required",
      "from .models import Notification"), order=60),
    Sec(r'''
@bp.get("/notifications/export.txt")
@login_required
def export_text():
    rows = Notification.query.filter_by(user_id=current_user.id).order_by(Notification.created).all()
    body = "\n".join(f"{n.created:%Y-%m-%d %H:%M}  {n.subject}" for n in rows)
    return Response(body, mimetype="text/plain")
''', ("from flask import Response", "from flask_login import current_user, login_required",
      "from .models import Notification"), order=70),
    Sec(r'''
def send_digest(user, items: list) -> None:
    html, text = render_email("digest", user=user, items=items, count=len(items))
    mailer.send(to=user.email, subject=f"{len(items)} new updates", html=html, text=text)
    log.info("digest with %d items sent to user %s", len(items), user.id)
''', ("from .mail import mailer",), order=80),
    Sec(r'''
FOOTER = mail_env.from_string(
    '<p class="footer">Sent to {{ email }} &middot; <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>'
)


def footer(user) -> str:
    url = url_for("<<w>>_notifications.unsubscribe", token=user.unsubscribe_token, _external=True)
    return FOOTER.render(email=user.email, unsubscribe_url=url)
''', ("from flask import url_for",), order=15),
    Sec(r'''
@bp.app_template_filter("money")
def money(cents: int, currency: str = "EUR") -> str:
    return f"{cents / 100:,.2f} {currency}"


@bp.app_template_global()
def initials(name: str) -> str:
    return "".join(part[0].upper() for part in name.split()[:2]) or "?"
''', order=35),
    Sec(r'''
@bp.get("/notifications/unread")
@login_required
def unread_count():
    count = Notification.query.filter_by(user_id=current_user.id, read=False).count()
    return jsonify(unread=count)
''', ("from flask import jsonify", "from flask_login import current_user, login_required",
      "from .models import Notification"), order=55),
    Sec(r'''
@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    user = User.query.filter_by(unsubscribe_token=token).first()
    if user is None:
        abort(404)
    return render_template("notifications/unsubscribe.html", email=user.email, token=token)
''', ("from flask import abort, render_template", "from .models import User"), order=65),
    Sec(r'''
def subject_line(kind: str, count: int) -> str:
    labels = {"comment": "new comments", "mention": "mentions", "digest": "updates"}
    return " ".join([str(count), labels.get(kind, "notifications"), "on <<W>>"])
''', order=75),
]

_XSSHN_B_HEAD = r'''
log = logging.getLogger(__name__)

STATUS_CLASSES = {"open": "badge-success", "pending": "badge-warning", "closed": "badge-secondary"}
'''

_XSSHN_B = [
    Sec(r'''
@login_required
def <<w>>_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(<<W>>, pk=pk, owner=request.user)
    context = {"item": item, "badge": status_badge(item.status), "tags": tag_list(item.tags.all())}
    return render(request, "<<w>>s/detail.html", context)


def status_badge(status: str) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASSES.get(status, "badge-light"), status)


def tag_list(tags) -> str:
    return format_html_join(" ", '<a class="tag" href="?tag={}">{}</a>', ((t.slug, t.name) for t in tags))
''', ("from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, HttpResponse",
      "from django.shortcuts import get_object_or_404, render", "from django.utils.html import format_html, format_html_join",
      "from .models import <<W>>"), order=10),
    Sec(r'''
@admin.register(<<W>>)
class <<W>>Admin(admin.ModelAdmin):
    list_display = ("title", "owner_link", "status", "created")
    search_fields = ("title", "reference")

    @admin.display(description="Owner")
    def owner_link(self, obj: <<W>>) -> str:
        url = reverse("admin:auth_user_change", args=[obj.owner_id])
        return format_html('<a href="{}">{}</a>', url, obj.owner.get_username())
''', ("from django.contrib import admin", "from django.urls import reverse", "from django.utils.html import format_html"),
        order=20),
    Sec(r'''
@login_required
def export_text(request: HttpRequest) -> HttpResponse:
    rows = <<W>>.objects.filter(owner=request.user).order_by("created").values_list("reference", "title")
    body = "\n".join(f"{ref}\t{title}" for ref, title in rows)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
''', ("from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, HttpResponse"),
        order=30),
    Sec(r'''
@login_required
def search(request: HttpRequest) -> JsonResponse:
    term = request.GET.get("q", "").strip()[:100]
    qs = <<W>>.objects.filter(owner=request.user, title__icontains=term)[:20] if term else []
    return JsonResponse({"query": term, "results": [{"id": o.pk, "title": o.title} for o in qs]})
''', ("from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, JsonResponse"),
        order=40),
    Sec(r'''
def summary_line(item: <<W>>) -> str:
    return format_html("<strong>{}</strong> &middot; {} &middot; {}", item.title, item.reference,
                       date_format(item.created, "SHORT_DATE_FORMAT"))
''', ("from django.utils.formats import date_format", "from django.utils.html import format_html"), order=50),
    Sec(r'''
def plain_preview(text: str, words: int = 30) -> str:
    """First words of a description as plain text for list pages (escaped by the template)."""
    return Truncator(strip_tags(text)).words(words, truncate=" ...")
''', ("from django.utils.html import strip_tags", "from django.utils.text import Truncator"), order=60),
    Sec(r'''
@login_required
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(<<W>>, pk=pk, owner=request.user)
    html = render_to_string("<<w>>s/print.html", {"item": item}, request=request)
    log.info("user %s printed <<w>> %s", request.user.pk, item.pk)
    return HttpResponse(html)
''', ("from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, HttpResponse",
      "from django.shortcuts import get_object_or_404", "from django.template.loader import render_to_string"),
        order=70),
    Sec(r'''
register = template.Library()


@register.simple_tag
def avatar(user, size: int = 32) -> str:
    src = user.profile.avatar.url if user.profile.avatar else static("img/avatar.svg")
    return format_html('<img src="{}" alt="{}" width="{}" height="{}">', src, user.get_full_name(), size, size)


@register.filter
def cents(value: int) -> str:
    return f"{value / 100:.2f}"
''', ("from django import template", "from django.templatetags.static import static",
      "from django.utils.html import format_html"), order=5),
    Sec(r'''
class <<W>>ListView(LoginRequiredMixin, ListView):
    template_name = "<<w>>s/list.html"
    paginate_by = 25

    def get_queryset(self):
        qs = <<W>>.objects.filter(owner=self.request.user).order_by("-created")
        status = self.request.GET.get("status")
        return qs.filter(status=status) if status in STATUS_CLASSES else qs
''', ("from django.contrib.auth.mixins import LoginRequiredMixin", "from django.views.generic import ListView",
      "from .models import <<W>>"), order=15),
    Sec(r'''
class <<W>>Form(forms.ModelForm):
    class Meta:
        model = <<W>>
        fields = ["title", "reference", "description"]


@login_required
def edit_<<w>>(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(<<W>>, pk=pk, owner=request.user)
    form = <<W>>Form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {item.title}.")
        return redirect("<<w>>-detail", pk=item.pk)
    return render(request, "<<w>>s/edit.html", {"form": form, "item": item})
''', ("from django import forms", "from django.contrib import messages",
      "from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, HttpResponse",
      "from django.shortcuts import get_object_or_404, redirect, render"), order=25),
    Sec(r'''
@login_required
def recent_titles(request: HttpRequest) -> JsonResponse:
    titles = list(<<W>>.objects.filter(owner=request.user).order_by("-created").values_list("title", flat=True)[:10])
    return JsonResponse(titles, safe=False)
''', ("from django.contrib.auth.decorators import login_required", "from django.http import HttpRequest, JsonResponse"),
        order=45),
]

_XSSHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.pages")

routes = web.RouteTableDef()

env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=<<auto>>,
    enable_async=True,
)
MIDDLEWARES: list = []


async def page(template: str, **context) -> web.Response:
    html = await env.get_template(template).render_async(**context)
    return web.Response(text=html, content_type="text/html")
'''

_XSSHN_C = [
    Sec(r'''
@routes.get("/<<w>>s/{slug}")
async def <<w>>_page(request: web.Request) -> web.Response:
    item = await request.app["repo"].by_slug(request.match_info["slug"])
    if item is None:
        return await page("404.html", path=request.path)
    return await page("<<w>>.html", item=item, comments=await request.app["repo"].comments(item.id))
''', order=10),
    Sec(r'''
@routes.get("/search")
async def search(request: web.Request) -> web.Response:
    term = request.query.get("q", "").strip()[:100]
    results = await request.app["repo"].search(term, limit=25) if term else []
    return await page("search.html", term=term, results=results)
''', order=20),
    Sec(r'''
@routes.get("/feed.xml")
async def feed(request: web.Request) -> web.Response:
    items = await request.app["repo"].latest(limit=30)
    xml = await env.get_template("feed.xml").render_async(items=items, site=request.url.origin())
    return web.Response(text=xml, content_type="application/rss+xml")
''', order=30),
    Sec(r'''
@routes.get("/<<w>>s/{slug}/raw")
async def raw_text(request: web.Request) -> web.Response:
    item = await request.app["repo"].by_slug(request.match_info["slug"])
    if item is None:
        raise web.HTTPNotFound()
    return web.Response(text=item.body, content_type="text/plain", headers={"X-Content-Type-Options": "nosniff"})
''', order=40),
    Sec(r'''
@web.middleware
async def security_headers(request: web.Request, handler) -> web.StreamResponse:
    resp = await handler(request)
    resp.headers.setdefault("Content-Security-Policy", "default-src 'self'; object-src 'none'")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    return resp


MIDDLEWARES.append(security_headers)
''', order=5),
    Sec(r'''
def excerpt(text: str, limit: int = 160) -> Markup:
    """Shortened text with its line breaks kept; the input is escaped first."""
    short = escape(text[:limit] + ("..." if len(text) > limit else ""))
    return Markup(str(short).replace("\n", Markup("<br>")))


env.filters["excerpt"] = excerpt
''', ("from markupsafe import Markup, escape",), order=8),
    Sec(r'''
@routes.get("/<<w>>s/{slug}/embed")
async def embed(request: web.Request) -> web.Response:
    item = await request.app["repo"].by_slug(request.match_info["slug"])
    if item is None:
        raise web.HTTPNotFound()
    resp = await page("embed.html", item=item)
    resp.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors https:"
    return resp
''', order=50),
    Sec(r'''
@web.middleware
async def error_pages(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or request.path.startswith("/api/"):
            raise
        resp = await page("error.html", status=exc.status, reason=exc.reason)
        resp.set_status(exc.status)
        return resp


MIDDLEWARES.append(error_pages)
''', order=6),
    Sec(r'''
@routes.get("/tags/{tag}")
async def tag_page(request: web.Request) -> web.Response:
    tag = request.match_info["tag"][:50]
    items = await request.app["repo"].tagged(tag, limit=50)
    return await page("tag.html", tag=tag, items=items)
''', order=25),
    Sec(r'''
@routes.get("/api/<<w>>s/{slug}")
async def api_<<w>>(request: web.Request) -> web.Response:
    item = await request.app["repo"].by_slug(request.match_info["slug"])
    if item is None:
        raise web.HTTPNotFound()
    return web.json_response({"slug": item.slug, "title": item.title, "body": item.body})
''', order=45),
    Sec(r'''
@routes.get("/robots.txt")
async def robots(request: web.Request) -> web.Response:
    lines = ["User-agent: *", "Disallow: /search", f"Sitemap: {request.url.origin()}/sitemap.xml"]
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")
''', order=60),
    Sec(r'''
@routes.get("/authors/{handle}")
async def author_page(request: web.Request) -> web.Response:
    author = await request.app["repo"].author(request.match_info["handle"])
    if author is None:
        raise web.HTTPNotFound()
    items = await request.app["repo"].by_author(author.id, limit=20)
    return await page("author.html", author=author, items=items)
''', order=35),
]

_XSSHN_C_TAIL = r'''
def create_app(repo) -> web.Application:
    app = web.Application(middlewares=MIDDLEWARES)
    app["repo"] = repo
    app.add_routes(routes)
    log.info("<<w>> pages ready with %d routes", len(routes))
    return app
'''


def valsafe_xss_profiles_hn(c, kind: str):
    kw = dict(auto=c.pick("True", 'select_autoescape(["html", "xml"])', "select_autoescape()"))
    if kind == "flask":
        text = compose(c, c.pick("Notification emails and inbox pages for <<w>>s (Flask + Jinja2).",
                                 "Rendering helpers for <<w>> notifications; all markup goes through escaping."),
                       ["import logging", "from flask import Blueprint",
                        "from jinja2 import Environment, PackageLoader, select_autoescape"],
                       _XSSHN_A_HEAD, [_XSSHN_A[0]], _XSSHN_A[1:], kw=kw)
        fw = "flask"
    elif kind == "django":
        text = compose(c, "Views, admin and HTML helpers for <<w>>s (Django templates, format_html).",
                       ["import logging"], _XSSHN_B_HEAD, [_XSSHN_B[0]], _XSSHN_B[1:], kw=kw)
        fw = "django"
    else:
        imps = ["import logging", "from pathlib import Path", "from aiohttp import web",
                "from jinja2 import Environment, FileSystemLoader"]
        if "select_autoescape" in kw["auto"]:
            imps.append("from jinja2 import select_autoescape")
        text = compose(c, "Public <<w>> pages rendered with an autoescaping Jinja2 environment (aiohttp).",
                       imps, _XSSHN_C_HEAD, [_XSSHN_C[0]], _XSSHN_C[1:], _XSSHN_C_TAIL, kw=kw)
        fw = "aiohttp"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="templates autoescape; markup is built with Markup.format / format_html, which escape "
                      "their arguments; plain-text responses are served as text/plain")

hardneg(2)(lambda c: valsafe_xss_profiles_hn(c, "flask"))
hardneg(2)(lambda c: valsafe_xss_profiles_hn(c, "django"))
hardneg(2)(lambda c: valsafe_xss_profiles_hn(c, "aiohttp"))


# ---------------- CWE-327: field encryption built on a 64-bit-block legacy cipher ----------------

@fam("valsafe-field-encryption", "CWE-327", fws=["script"], n=5, wrap=False)
def valsafe_crypto_fields(c):
    algo = c.pick("TripleDES", "Blowfish")
    f1, f2 = c.pick(("tax_id", "iban"), ("ssn", "bank_account"), ("passport_no", "iban"))
    v = T(c, r'''
"""Encrypt-then-MAC protection of sensitive <<w>> fields (<<f1>>, <<f2>>) before they are stored."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger("<<w>>.fieldcrypt")

FORMAT_VERSION = b"\x01"
TAG_LEN = 32
ENC_KEY_LEN = <<klen>>


class DecryptionError(ValueError):
    """The stored value was modified, truncated or written with another key."""


@dataclass(frozen=True)
class FieldKeys:
    enc: bytes
    mac: bytes
    index: bytes

    @classmethod
    def from_master(cls, master: bytes) -> "FieldKeys":
        if len(master) < 32:
            raise ValueError(f"master key must be at least 32 bytes, got {len(master)}")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=ENC_KEY_LEN + 64, salt=None, info=b"<<w>>-fields")
        okm = hkdf.derive(master)
        return cls(enc=okm[:ENC_KEY_LEN], mac=okm[ENC_KEY_LEN:ENC_KEY_LEN + 32], index=okm[ENC_KEY_LEN + 32:])


def _cipher_algorithm(key: bytes):
    return algorithms.<<algo>>(key)  #@V


def encrypt_field(keys: FieldKeys, value: str) -> str:
    algo = _cipher_algorithm(keys.enc)
    iv = os.urandom(algo.block_size // 8)
    padder = padding.PKCS7(algo.block_size).padder()
    data = padder.update(value.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algo, modes.CBC(iv)).encryptor()
    body = FORMAT_VERSION + iv + encryptor.update(data) + encryptor.finalize()
    tag = hmac.new(keys.mac, body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + tag).decode("ascii")


def decrypt_field(keys: FieldKeys, token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode("ascii"))
    if len(raw) <= TAG_LEN + 1:
        raise DecryptionError("value is too short")
    body, tag = raw[:-TAG_LEN], raw[-TAG_LEN:]
    if not hmac.compare_digest(tag, hmac.new(keys.mac, body, hashlib.sha256).digest()):
        raise DecryptionError("authentication failed")
    if body[:1] != FORMAT_VERSION:
        raise DecryptionError(f"unknown format version {body[0]}")
    algo = _cipher_algorithm(keys.enc)
    iv_len = algo.block_size // 8
    iv, ciphertext = body[1:1 + iv_len], body[1 + iv_len:]
    decryptor = Cipher(algo, modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(algo.block_size).unpadder()
    data = unpadder.update(decryptor.update(ciphertext) + decryptor.finalize()) + unpadder.finalize()
    return data.decode("utf-8")


def blind_index(keys: FieldKeys, value: str) -> str:
    """Deterministic keyed digest so equal values can be found without decrypting them."""
    normalized = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
    return hmac.new(keys.index, normalized.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedRecord:
    """Seals the configured fields of a row before it is written and opens them after reading."""

    def __init__(self, keys: FieldKeys, fields: tuple[str, ...] = ("<<f1>>", "<<f2>>")) -> None:
        self.keys = keys
        self.fields = fields

    def seal(self, record: dict) -> dict:
        out = dict(record)
        for name in self.fields:
            value = out.pop(name, None)
            if value:
                out[f"{name}_enc"] = encrypt_field(self.keys, str(value))
                out[f"{name}_idx"] = blind_index(self.keys, str(value))
        return out

    def open(self, row: dict) -> dict:
        out = dict(row)
        for name in self.fields:
            token = out.pop(f"{name}_enc", None)
            out.pop(f"{name}_idx", None)
            if token:
                try:
                    out[name] = decrypt_field(self.keys, token)
                except DecryptionError:
                    log.error("could not decrypt %s of record %s", name, row.get("id"))
                    out[name] = None
        return out
''', algo=algo, f1=f1, f2=f2, klen=c.pick("16", "24"))
    s = sub(v, f"    return algorithms.{algo}(key)  #@V", "    return algorithms.AES(key)")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes=f"{algo} is a legacy 64-bit-block cipher (deprecated, Sweet32-style birthday attacks); "
                      "the MAC and key handling around it are sound, only the algorithm is weak")


_CRHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.artifacts")

STORE = Path(os.environ.get("<<U>>_ARTIFACT_STORE", "/var/lib/<<w>>/artifacts"))


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def load_key() -> bytes:
    key = base64.b64decode(os.environ["<<U>>_ARTIFACT_KEY"])
    if len(key) != 32:
        raise RuntimeError(f"<<U>>_ARTIFACT_KEY must decode to 32 bytes, got {len(key)}")
    return key
'''

_CRHN_A = [
    Sec(r'''
def seal(data: bytes, key: bytes, name: str) -> bytes:
    """AES-256-GCM with a random 96-bit nonce; the artifact name is bound as associated data."""
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, name.encode())


def unseal(blob: bytes, key: bytes, name: str) -> bytes:
    return AESGCM(key).decrypt(blob[:12], blob[12:], name.encode())
''', ("from cryptography.hazmat.primitives.ciphers.aead import AESGCM",), order=10),
    Sec(r'''
def cache_key(*parts: str) -> str:
    """Short, stable key for the local build cache (not a security boundary)."""
    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
''', order=20),
    Sec(r'''
def put(path: Path) -> str:
    """Store a file under its BLAKE2b digest; identical content is stored once."""
    digest = hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
    dest = STORE / digest[:2] / digest
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    return digest
''', ("import shutil",), order=30),
    Sec(r'''
def write_manifest(paths: list[Path], key: bytes, out: Path) -> None:
    entries = {p.name: sha256_file(p) for p in sorted(paths)}
    body = json.dumps(entries, sort_keys=True).encode()
    signature = hmac.new(key, body, hashlib.sha256).hexdigest()
    out.write_text(json.dumps({"files": entries, "hmac": signature}, indent=2), encoding="utf-8")


def verify_manifest(manifest: Path, key: bytes) -> bool:
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    body = json.dumps(doc["files"], sort_keys=True).encode()
    if not hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), doc.get("hmac", "")):
        return False
    return all(sha256_file(manifest.parent / name) == digest for name, digest in doc["files"].items())
''', ("import hmac", "import json"), order=40),
    Sec(r'''
def etag_for(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
''', order=50),
    Sec(r'''
def duplicates(paths: list[Path]) -> dict[str, list[str]]:
    by_digest: dict[str, list[str]] = {}
    for path in paths:
        by_digest.setdefault(sha256_file(path), []).append(path.name)
    return {d: names for d, names in by_digest.items() if len(names) > 1}
''', order=60),
    Sec(r'''
def changed_since(path: Path, previous_crc: int | None) -> tuple[bool, int]:
    """Cheap change detection for the upload loop; integrity is checked with SHA-256 later."""
    crc = zlib.crc32(path.read_bytes())
    return crc != previous_crc, crc
''', ("import zlib",), order=70),
    Sec(r'''
def archive_sealed(paths: list[Path], key: bytes, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        target = out_dir / f"{path.name}.sealed"
        target.write_bytes(seal(path.read_bytes(), key, path.name))
        written.append(target)
    log.info("sealed %d artifacts into %s", len(written), out_dir)
    return written
''', order=80),
    Sec(r'''
def download_token(name: str, expires: int, key: bytes) -> str:
    mac = hmac.new(key, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{mac}"


def download_token_valid(name: str, token: str, key: bytes) -> bool:
    expires, _, mac = token.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(download_token(name, int(expires), key), token)
''', ("import hmac", "import time"), order=45),
    Sec(r'''
def sri(data: bytes) -> str:
    """Subresource Integrity value for a static bundle."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")
''', order=55),
    Sec(r'''
def verify_download(path: Path, expected_sha256: str) -> None:
    actual = sha256_file(path)
    if not hmac.compare_digest(actual, expected_sha256.lower()):
        raise ValueError(f"checksum mismatch for {path.name}: expected {expected_sha256[:12]}..., got {actual[:12]}...")
''', ("import hmac",), order=65),
    Sec(r'''
RELEASE_PUBLIC_KEY = bytes.fromhex(os.environ["<<U>>_RELEASE_PUBKEY"])


def release_signature_ok(data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(RELEASE_PUBLIC_KEY).verify(signature, data)
    except InvalidSignature:
        return False
    return True
''', ("from cryptography.exceptions import InvalidSignature",
      "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey"), order=75),
    Sec(r'''
def seal_stream_chunk(key: bytes, chunk: bytes, index: int, last: bool) -> bytes:
    """ChaCha20-Poly1305 per chunk; index and last-chunk flag are authenticated."""
    nonce = os.urandom(12)
    aad = index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")
    return nonce + ChaCha20Poly1305(key).encrypt(nonce, chunk, aad)
''', ("from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305",), order=85),
]

_CRHN_B_HEAD = r'''
log = logging.getLogger("<<w>>.credentials")

PBKDF2_ITERATIONS = <<iters>>
SALT_BYTES = 16
'''

_CRHN_B = [
    Sec(r'''
def hash_password(password: str) -> str:
    salt = os.urandom(SALT_BYTES)
    dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PBKDF2_ITERATIONS)
    parts = ["pbkdf2_sha256", str(PBKDF2_ITERATIONS), base64.b64encode(salt).decode(), base64.b64encode(dk).decode()]
    return "$".join(parts)


def verify_password(password: str, encoded: str) -> bool:
    algorithm, iterations, salt_b64, hash_b64 = encoded.split("$", 3)
    if algorithm != "pbkdf2_sha256":
        return False
    dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt_b64), int(iterations))
    return hmac.compare_digest(dk, base64.b64decode(hash_b64))


def needs_rehash(encoded: str) -> bool:
    return int(encoded.split("$", 2)[1]) < PBKDF2_ITERATIONS
''', order=10),
    Sec(r'''
def encrypt_totp_secret(secret: bytes, user_id: int) -> bytes:
    """TOTP seeds are stored encrypted with AES-GCM; the user id is the associated data."""
    key = base64.b64decode(os.environ["TOTP_ENCRYPTION_KEY"])
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, secret, f"user:{user_id}".encode())


def decrypt_totp_secret(blob: bytes, user_id: int) -> bytes:
    key = base64.b64decode(os.environ["TOTP_ENCRYPTION_KEY"])
    return AESGCM(key).decrypt(blob[:12], blob[12:], f"user:{user_id}".encode())
''', ("from cryptography.hazmat.primitives.ciphers.aead import AESGCM",), order=15),
    Sec(r'''
def new_reset_token() -> tuple[str, str]:
    """The token mailed to the user and the digest kept server-side."""
    token = secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def reset_token_matches(token: str, stored_digest: str) -> bool:
    return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), stored_digest)
''', ("import secrets",), order=30),
    Sec(r'''
def hash_pin(pin: str) -> bytes:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise ValueError("PIN must be 4 to 8 digits")
    return bcrypt.hashpw(pin.encode(), bcrypt.gensalt(rounds=<<rounds>>))


def check_pin(pin: str, hashed: bytes) -> bool:
    return bcrypt.checkpw(pin.encode(), hashed)
''', ("import bcrypt",), order=40),
    Sec(r'''
def new_api_key() -> tuple[str, str, str]:
    """(key shown once to the user, public prefix, SHA-256 digest stored for lookup)."""
    prefix = secrets.token_hex(4)
    key = f"<<w>>_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hashlib.sha256(key.encode()).hexdigest()
''', ("import secrets",), order=50),
    Sec(r'''
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def recovery_codes(count: int = 10) -> list[str]:
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(count)]
    return [f"{code[:5]}-{code[5:]}" for code in codes]
''', ("import secrets",), order=60),
    Sec(r'''
def throttle_cache_key(ip: str, username: str) -> str:
    """Rate-limit bucket name; md5 only shortens the key, it protects nothing."""
    raw = f"{ip}|{username.lower()}".encode()
    return "login-throttle:" + hashlib.md5(raw, usedforsecurity=False).hexdigest()
''', order=70),
    Sec(r'''
def email_fingerprint(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()
''', order=80),
    Sec(r'''
COMMON_PASSWORDS = frozenset({"password", "123456", "qwerty", "letmein", "<<w>>123"})


def password_acceptable(candidate: str, email: str) -> bool:
    lowered = candidate.lower()
    return len(candidate) >= 12 and lowered not in COMMON_PASSWORDS and email.split("@")[0].lower() not in lowered
''', order=5),
    Sec(r'''
def unsubscribe_signature(user_id: int) -> str:
    key = base64.b64decode(os.environ["UNSUBSCRIBE_SIGNING_KEY"])
    return hmac.new(key, f"unsubscribe:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_valid(user_id: int, signature: str) -> bool:
    return hmac.compare_digest(unsubscribe_signature(user_id), signature)
''', order=75),
    Sec(r'''
def webhook_secret_box() -> Fernet:
    return Fernet(os.environ["WEBHOOK_SECRETS_KEY"].encode())


def store_webhook_secret(raw_secret: str) -> bytes:
    return webhook_secret_box().encrypt(raw_secret.encode())
''', ("from cryptography.fernet import Fernet",), order=85),
]

_CRHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.vault")

MAGIC = b"VAULT1"
HEADER_LEN = len(MAGIC) + 16 + 12


def derive_key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2 ** 15, r=8, p=1).derive(passphrase.encode("utf-8"))
'''

_CRHN_C_CORE = [
    Sec(r'''
def encrypt_file(src: Path, dst: Path, passphrase: str) -> None:
    salt, nonce = os.urandom(16), os.urandom(12)
    header = MAGIC + salt + nonce
    ciphertext = AESGCM(derive_key(passphrase, salt)).encrypt(nonce, src.read_bytes(), header)
    dst.write_bytes(header + ciphertext)


def decrypt_file(src: Path, passphrase: str) -> bytes:
    blob = src.read_bytes()
    if not blob.startswith(MAGIC) or len(blob) < HEADER_LEN + 16:
        raise ValueError(f"{src.name} is not a vault file")
    header, ciphertext = blob[:HEADER_LEN], blob[HEADER_LEN:]
    salt, nonce = header[len(MAGIC):len(MAGIC) + 16], header[len(MAGIC) + 16:]
    return AESGCM(derive_key(passphrase, salt)).decrypt(nonce, ciphertext, header)
''', order=10),
]

_CRHN_C_POOL = [
    Sec(r'''
def read_passphrase(confirm: bool) -> str:
    passphrase = getpass.getpass("Vault passphrase: ")
    if len(passphrase) < 12:
        raise SystemExit("use a passphrase of at least 12 characters")
    if confirm and getpass.getpass("Repeat passphrase: ") != passphrase:
        raise SystemExit("passphrases do not match")
    return passphrase
''', ("import getpass",), order=20),
    Sec(r'''
def upload(path: Path, host: str, token: str) -> int:
    ctx = ssl.create_default_context()
    conn = http.client.HTTPSConnection(host, 443, timeout=60, context=ctx)
    try:
        conn.request("PUT", f"/vault/{path.name}", body=path.read_bytes(),
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})
        return conn.getresponse().status
    finally:
        conn.close()
''', ("import http.client", "import ssl"), order=30),
    Sec(r'''
def retry(fn, attempts: int = 4):
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OSError:
            if attempt == attempts:
                raise
            time.sleep(2 ** attempt + random.uniform(0, 1))
''', ("import random", "import time"), order=35),
    Sec(r'''
def rotate(path: Path, old: str, new: str) -> None:
    data = decrypt_file(path, old)
    salt, nonce = os.urandom(16), os.urandom(12)
    header = MAGIC + salt + nonce
    tmp = path.with_suffix(".rotating")
    tmp.write_bytes(header + AESGCM(derive_key(new, salt)).encrypt(nonce, data, header))
    os.replace(tmp, path)
''', order=40),
    Sec(r'''
def retention_from_config(path: Path) -> tuple[int, int]:
    """Legacy configs store ``keep = (daily, weekly)`` as a Python literal."""
    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    daily, weekly = ast.literal_eval(parser.get("vault", "keep", fallback="(7, 4)"))
    return int(daily), int(weekly)
''', ("import ast", "import configparser"), order=50),
    Sec(r'''
def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
''', ("import hashlib",), order=60),
    Sec(r'''
def list_vault(folder: Path) -> list[tuple[str, int]]:
    entries = [(p.name, p.stat().st_size) for p in sorted(folder.glob("*.vault"))]
    for name, size in entries:
        log.info("%-40s %10d bytes", name, size)
    return entries
''', order=65),
    Sec(r'''
def verify(path: Path, passphrase: str) -> bool:
    try:
        decrypt_file(path, passphrase)
    except InvalidTag:
        log.warning("%s: wrong passphrase or corrupted file", path.name)
        return False
    return True
''', ("from cryptography.exceptions import InvalidTag",), order=45),
    Sec(r'''
def write_sidecar(path: Path) -> Path:
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.write_text(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n", encoding="utf-8")
    return sidecar
''', ("import hashlib",), order=70),
]

_CRHN_C_TAIL = r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Encrypt and decrypt <<w>> backup files")
    parser.add_argument("action", choices=["encrypt", "decrypt"])
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    passphrase = getpass.getpass("Vault passphrase: ")
    if args.action == "encrypt":
        out = args.path.with_name(args.path.name + ".vault")
        encrypt_file(args.path, out, passphrase)
        log.info("wrote %s", out)
    else:
        sys.stdout.buffer.write(decrypt_file(args.path, passphrase))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def valsafe_crypto_fields_hn(c, kind: str):
    kw = dict(iters=c.pick("600_000", "720_000", "1_000_000"), rounds=c.pick("12", "13", "14"))
    if kind == "artifacts":
        text = compose(c, c.pick("Artifact store for <<w>> builds: content digests, cache keys, sealed copies.",
                                 "Checksums, manifests and encrypted-at-rest copies of <<w>> build artifacts."),
                       ["import base64", "import hashlib", "import logging", "import os", "from pathlib import Path"],
                       _CRHN_A_HEAD, [_CRHN_A[0]], _CRHN_A[1:], kw=kw)
        fw = "script"
    elif kind == "credentials":
        text = compose(c, "Credential helpers for <<w>> accounts: passwords, PINs, reset tokens and API keys.",
                       ["import base64", "import hashlib", "import hmac", "import logging", "import os"],
                       _CRHN_B_HEAD, _CRHN_B[:2], _CRHN_B[2:], kw=kw)
        fw = "script"
    else:
        text = compose(c, "Passphrase-encrypted <<w>> backup files (scrypt + AES-GCM).",
                       ["import argparse", "import getpass", "import logging", "import os", "import sys",
                        "from pathlib import Path", "from cryptography.hazmat.primitives.ciphers.aead import AESGCM",
                        "from cryptography.hazmat.primitives.kdf.scrypt import Scrypt"],
                       _CRHN_C_HEAD, _CRHN_C_CORE, _CRHN_C_POOL, _CRHN_C_TAIL, kw=kw)
        fw = "cli"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="AES-GCM / scrypt / PBKDF2 / bcrypt for secrets; SHA-256, BLAKE2 and CRC for integrity "
                      "and change detection; md5 only for cache keys with usedforsecurity=False")

hardneg(2)(lambda c: valsafe_crypto_fields_hn(c, "artifacts"))
hardneg(2)(lambda c: valsafe_crypto_fields_hn(c, "credentials"))
hardneg(2)(lambda c: valsafe_crypto_fields_hn(c, "vault"))


# ---------------- CWE-502: FastAPI workflow import parsing YAML with the full loader ----------------

@fam("valsafe-fastapi-workflow-import", "CWE-502", fws=["fastapi"], n=5, wrap=False)
def valsafe_deser_workflows(c):
    bad = c.pick("yaml.load(text, Loader=yaml.Loader)", "yaml.unsafe_load(text)",
                 "yaml.load(text, Loader=yaml.UnsafeLoader)")
    v = T(c, r'''
"""Import and export of <<w>> workflow definitions as YAML (FastAPI)."""
from __future__ import annotations

import logging
from typing import Literal

import yaml
from fastapi import APIRouter, Depends, HTTPException, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from .auth import Tenant, current_tenant
from .store import WorkflowStore, get_store

log = logging.getLogger("<<w>>.workflows")

router = APIRouter(prefix="/workflows", tags=["workflows"])

MAX_UPLOAD_BYTES = <<kb>> * 1024


class Step(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    action: Literal["http", "email", "wait", "approve"]
    params: dict[str, str | int | bool] = {}
    timeout_s: int = Field(default=300, ge=1, le=86_400)


class Workflow(BaseModel):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    title: str = Field(max_length=120)
    trigger: Literal["manual", "schedule", "event"] = "manual"
    steps: list[Step] = Field(min_length=1, max_length=50)


def parse_definition(raw: bytes) -> Workflow:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(status_code=400, detail="definition must be UTF-8")
    try:
        data = <<bad>>  #@V
    except yaml.YAMLError:
        raise HTTPException(status_code=400, detail="definition is not valid YAML")
    if not isinstance(data, dict):
        raise HTTPException(status_code=422, detail="definition must be a mapping")
    try:
        return Workflow.model_validate(data)
    except ValidationError as exc:
        raise HTTPException(status_code=422, detail=exc.errors(include_url=False))


async def read_upload(file: UploadFile) -> bytes:
    raw = await file.read(MAX_UPLOAD_BYTES + 1)  #@S
    if len(raw) > MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="definition too large")
    return raw


@router.post("/import", status_code=201)
async def import_workflow(
    file: UploadFile,
    tenant: Tenant = Depends(current_tenant),
    store: WorkflowStore = Depends(get_store),
) -> dict:
    workflow = parse_definition(await read_upload(file))
    version = await store.save(tenant.id, workflow.key, workflow.model_dump())
    log.info("tenant %s imported workflow %s v%d (%d steps)", tenant.id, workflow.key, version, len(workflow.steps))
    return {"key": workflow.key, "version": version}


@router.post("/validate")
async def validate_workflow(file: UploadFile, tenant: Tenant = Depends(current_tenant)) -> dict:
    workflow = parse_definition(await read_upload(file))
    return {"ok": True, "key": workflow.key, "steps": len(workflow.steps)}


@router.get("")
async def list_workflows(
    tenant: Tenant = Depends(current_tenant), store: WorkflowStore = Depends(get_store)
) -> list[dict]:
    items = await store.list(tenant.id)
    return [{"key": i["key"], "title": i["title"], "version": i["version"]} for i in items]


@router.get("/{key}/export")
async def export_workflow(
    key: str, tenant: Tenant = Depends(current_tenant), store: WorkflowStore = Depends(get_store)
) -> Response:
    data = await store.load(tenant.id, key)
    if data is None:
        raise HTTPException(status_code=404, detail="unknown workflow")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    headers = {"Content-Disposition": f"attachment; filename={data['key']}.yaml"}
    return Response(body, media_type="application/yaml", headers=headers)
''', bad=bad, kb=c.pick("64", "128", "256"))
    s = sub(v, f"        data = {bad}  #@V", "        data = yaml.safe_load(text)")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="an uploaded YAML document is parsed with a loader that constructs arbitrary Python "
                      "objects (!!python/object/apply), i.e. code execution before any validation")


_DSHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.config")

CONFIG_DIR = Path(os.environ.get("<<U>>_CONFIG_DIR", "/etc/<<w>>"))
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
'''

_DSHN_A = [
    Sec(r'''
def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=SafeLoader)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: top level must be a mapping, got {type(data).__name__}")
    return data
''', order=10),
    Sec(r'''
def load_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)
''', ("import tomllib",), order=20),
    Sec(r'''
def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
''', ("import json",), order=25),
    Sec(r'''
def env_override(name: str, default):
    """Typed overrides from the environment: numbers, booleans, lists and tuples as literals."""
    raw = os.environ.get(f"<<U>>_{name.upper()}")
    if raw is None:
        return default
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
''', ("import ast",), order=30),
    Sec(r'''
def load_ini(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return {section: dict(parser[section]) for section in parser.sections()}
''', ("import configparser",), order=35),
    Sec(r'''
def merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
''', order=40),
    Sec(r'''
def dump_effective(config: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(config, sort_keys=True, default_flow_style=False), encoding="utf-8")
    log.info("effective configuration written to %s", path)
''', order=50),
    Sec(r'''
def load_all_documents(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [doc for doc in yaml.safe_load_all(fh) if doc]
''', order=55),
    Sec(r'''
def feature_flags(path: Path) -> dict[str, bool]:
    flags = load_yaml(path).get("flags", {})
    unknown = [k for k, v in flags.items() if not isinstance(v, bool)]
    if unknown:
        raise ValueError(f"non-boolean flags: {', '.join(sorted(unknown))}")
    return flags
''', order=60),
    Sec(r'''
def check_ports(config: dict) -> None:
    for name in ("http_port", "metrics_port"):
        port = config.get(name)
        if port is not None and not (isinstance(port, int) and 1 <= port <= 65535):
            raise ValueError(f"{name} must be a TCP port, got {port!r}")
''', order=65),
    Sec(r'''
def resolve_file_values(config: dict) -> dict:
    """``db_password_file: /run/secrets/db`` style keys are replaced by the file's content."""
    out = {}
    for key, value in config.items():
        if key.endswith("_file") and isinstance(value, str):
            out[key[:-5]] = Path(value).read_text(encoding="utf-8").strip()
        else:
            out[key] = value
    return out
''', order=70),
    Sec(r'''
SENSITIVE = ("password", "token", "secret", "key")


def redacted(config: dict) -> dict:
    return {
        k: "***" if any(word in k.lower() for word in SENSITIVE) else (redacted(v) if isinstance(v, dict) else v)
        for k, v in config.items()
    }
''', order=75),
    Sec(r'''
def validate_schema(config: dict) -> None:
    schema = json.loads((Path(__file__).parent / "config.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(config, schema)
''', ("import json", "import jsonschema"), order=80),
    Sec(r'''
def changed(path: Path, last_mtime: float) -> tuple[bool, float]:
    mtime = path.stat().st_mtime
    return mtime != last_mtime, mtime
''', order=85),
]

_DSHN_A_TAIL = r'''
def load_config() -> dict:
    config: dict = {}
    for path in sorted(CONFIG_DIR.glob("*.yaml")):
        config = merge(config, load_yaml(path))
        log.debug("loaded %s", path.name)
    config["workers"] = env_override("workers", config.get("workers", 4))
    return config
'''

_DSHN_B_HEAD = r'''
log = logging.getLogger("<<w>>.events")


class <<W>>Event(BaseModel):
    event_id: str = Field(max_length=64)
    kind: Literal["created", "updated", "deleted"]
    <<w>>_id: int
    occurred_at: datetime
    changes: dict[str, str | int | float | bool | None] = {}


def decode(raw: bytes, content_type: str) -> <<W>>Event:
    """Events arrive as msgpack or JSON; both decode to plain data, then pydantic validates."""
    if content_type == "application/msgpack":
        data = msgpack.unpackb(raw, raw=False, timestamp=3, max_bin_len=1 << 20)
    else:
        data = json.loads(raw)
    return <<W>>Event.model_validate(data)
'''

_DSHN_B = [
    Sec(r'''
def encode(event: <<W>>Event) -> bytes:
    return msgpack.packb(event.model_dump(mode="json"), use_bin_type=True)
''', order=10),
    Sec(r'''
ROUTING = yaml.safe_load(Path(__file__).with_name("routing.yaml").read_text(encoding="utf-8"))


def topics_for(event: <<W>>Event) -> list[str]:
    return list(ROUTING.get(event.kind, [])) + list(ROUTING.get("*", []))
''', ("import yaml", "from pathlib import Path"), order=20),
    Sec(r'''
def handle(raw: bytes, content_type: str, seen: set[str]) -> bool:
    try:
        event = decode(raw, content_type)
    except (ValueError, ValidationError, msgpack.ExtraData) as exc:
        log.warning("dropping malformed event: %s", type(exc).__name__)
        return False
    if event.event_id in seen:
        return False
    seen.add(event.event_id)
    log.info("%s event for <<w>> %d", event.kind, event.<<w>>_id)
    return True


def consume(consumer, recent: set[str]) -> None:
    for message in consumer:
        ctype = dict(message.headers or []).get("content-type", b"application/json").decode()
        handle(message.value, ctype, recent)
        consumer.commit()
''', ("from pydantic import ValidationError",), order=30),
    Sec(r'''
def debug_dump(event: <<W>>Event) -> str:
    return yaml.safe_dump(event.model_dump(mode="json"), sort_keys=False)
''', ("import yaml",), order=40),
    Sec(r'''
def replay(path: str) -> int:
    count = 0
    with open(path, "rb") as fh:
        for obj in msgpack.Unpacker(fh, raw=False, max_buffer_size=8 << 20):
            <<W>>Event.model_validate(obj)
            count += 1
    return count
''', order=50),
    Sec(r'''
def from_jsonl(lines: list[str]) -> list[<<W>>Event]:
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            events.append(<<W>>Event.model_validate_json(line))
        except ValidationError:
            log.warning("line %d is not a valid event", number)
    return events
''', ("from pydantic import ValidationError",), order=60),
    Sec(r'''
def to_envelope(event: <<W>>Event) -> dict:
    body = base64.b64encode(encode(event)).decode("ascii")
    return {"content_type": "application/msgpack", "body": body, "id": event.event_id}


def from_envelope(envelope: dict) -> <<W>>Event:
    return decode(base64.b64decode(envelope["body"]), envelope.get("content_type", "application/json"))
''', ("import base64",), order=70),
    Sec(r'''
def summarize(raws: list[tuple[bytes, str]]) -> str:
    kinds = Counter()
    for raw, content_type in raws:
        try:
            kinds[decode(raw, content_type).kind] += 1
        except (ValueError, ValidationError):
            kinds["invalid"] += 1
    return " ".join(f"{kind}={n}" for kind, n in sorted(kinds.items()))
''', ("from pydantic import ValidationError", "from collections import Counter",), order=35),
    Sec(r'''
def dead_letter(path: str, raw: bytes, reason: str) -> None:
    record = {"reason": reason, "size": len(raw), "body_b64": base64.b64encode(raw[:4096]).decode("ascii")}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
''', ("import base64",), order=45),
    Sec(r'''
def authentic(raw: bytes, signature: str) -> bool:
    key = os.environ["EVENT_SIGNING_KEY"].encode()
    return hmac.compare_digest(hmac.new(key, raw, hashlib.sha256).hexdigest(), signature)
''', ("import hashlib", "import hmac", "import os"), order=25),
    Sec(r'''
class RecentIds:
    """Bounded memory of processed event ids for de-duplication."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, event_id: str) -> bool:
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return True
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return False
''', ("from collections import OrderedDict",), order=55),
]

_DSHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.features")

CACHE_DIR = Path(os.environ.get("FEATURE_CACHE", "/var/cache/<<w>>-features"))
TTL_SECONDS = <<ttl>>
'''

_DSHN_C = [
    Sec(r'''
def save_matrix(name: str, matrix: np.ndarray) -> Path:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"{name}.npy"
    np.save(path, matrix, allow_pickle=False)
    return path


def load_matrix(name: str) -> np.ndarray:
    return np.load(CACHE_DIR / f"{name}.npy", allow_pickle=False)
''', order=10),
    Sec(r'''
class JSONEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime, date)):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def cache_set(r: redis.Redis, key: str, value: dict) -> None:
    r.set(key, json.dumps(value, cls=JSONEncoder), ex=TTL_SECONDS)


def cache_get(r: redis.Redis, key: str) -> dict | None:
    raw = r.get(key)
    return json.loads(raw) if raw is not None else None
''', ("import json", "import redis", "from datetime import date, datetime", "from decimal import Decimal"), order=20),
    Sec(r'''
def save_bundle(name: str, arrays: dict[str, np.ndarray]) -> Path:
    path = CACHE_DIR / f"{name}.npz"
    np.savez_compressed(path, **arrays)
    return path


def load_bundle(name: str) -> dict[str, np.ndarray]:
    with np.load(CACHE_DIR / f"{name}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
''', order=30),
    Sec(r'''
def write_metadata(name: str, meta: dict) -> None:
    (CACHE_DIR / f"{name}.meta.yaml").write_text(yaml.safe_dump(meta, sort_keys=True), encoding="utf-8")


def read_metadata(name: str) -> dict:
    path = CACHE_DIR / f"{name}.meta.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}
''', ("import yaml",), order=40),
    Sec(r'''
def expired(path: Path) -> bool:
    return time.time() - path.stat().st_mtime > TTL_SECONDS


def purge_expired() -> int:
    removed = 0
    for path in CACHE_DIR.glob("*.np[yz]"):
        if expired(path):
            path.unlink()
            removed += 1
    log.info("purged %d cached feature files", removed)
    return removed
''', ("import time",), order=50),
    Sec(r'''
def load_vocabulary(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8") as fh:
        vocab = json.load(fh)
    if not all(isinstance(k, str) and isinstance(v, int) for k, v in vocab.items()):
        raise ValueError(f"{path.name} is not a token -> id mapping")
    return vocab
''', ("import json",), order=60),
    Sec(r'''
def parquet_rows(path: Path, columns: list[str]) -> list[dict]:
    table = pq.read_table(path, columns=columns)
    return table.to_pylist()
''', ("import pyarrow.parquet as pq",), order=70),
    Sec(r'''
def load_weights(path: Path) -> dict[str, np.ndarray]:
    """Model weights are distributed as safetensors, which hold raw tensors only."""
    return load_file(str(path))
''', ("from safetensors.numpy import load_file",), order=15),
    Sec(r'''
def params_key(params: dict) -> str:
    """File name for a parameter set; md5 only gives a short, stable name here."""
    blob = json.dumps(params, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.md5(blob, usedforsecurity=False).hexdigest()
''', ("import hashlib", "import json"), order=25),
    Sec(r'''
def read_labels(path: Path) -> dict[str, int]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["id"]: int(row["label"]) for row in csv.DictReader(fh)}
''', ("import csv",), order=35),
    Sec(r'''
def open_readonly(name: str) -> np.ndarray:
    return np.load(CACHE_DIR / f"{name}.npy", mmap_mode="r", allow_pickle=False)
''', order=45),
    Sec(r'''
def describe(matrix: np.ndarray) -> dict[str, float]:
    return {
        "rows": float(matrix.shape[0]),
        "mean": float(matrix.mean()),
        "std": float(matrix.std()),
        "nan_fraction": float(np.isnan(matrix).mean()),
    }
''', order=55),
]


def valsafe_deser_workflows_hn(c, kind: str):
    kw = dict(ttl=c.pick("3600", "21600", "86400"))
    if kind == "config":
        text = compose(c, c.pick("Configuration loading for the <<w>> service (YAML, TOML, JSON, INI).",
                                 "Reads layered <<w>> settings from /etc and the environment."),
                       ["import logging", "import os", "from pathlib import Path", "import yaml"],
                       _DSHN_A_HEAD, [_DSHN_A[i] for i in (0, 3, 5)], [x for i, x in enumerate(_DSHN_A) if i not in (0, 3, 5)], _DSHN_A_TAIL, kw=kw)
        fw = "script"
    elif kind == "events":
        text = compose(c, "Decoding and routing of <<w>> change events from the message bus (msgpack/JSON).",
                       ["import json", "import logging", "from datetime import datetime", "from typing import Literal",
                        "import msgpack", "from pydantic import BaseModel, Field"],
                       _DSHN_B_HEAD, _DSHN_B[:2], _DSHN_B[2:], kw=kw)
        fw = "pipeline"
    else:
        text = compose(c, "On-disk and Redis caches for <<w>> feature matrices (no pickle anywhere).",
                       ["import logging", "import os", "from pathlib import Path", "import numpy as np"],
                       _DSHN_C_HEAD, [_DSHN_C[0]], _DSHN_C[1:], kw=kw)
        fw = "script"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="yaml.safe_load / SafeLoader, json, tomllib, msgpack of plain data, numpy with "
                      "allow_pickle=False, ast.literal_eval for literals; every decoded value is validated")

hardneg(2)(lambda c: valsafe_deser_workflows_hn(c, "config"))
hardneg(2)(lambda c: valsafe_deser_workflows_hn(c, "events"))
hardneg(2)(lambda c: valsafe_deser_workflows_hn(c, "features"))


# ---------------- CWE-295: TLS log forwarder that switches off certificate verification ----------------

_TLS_CTX = {
    "default": '''    ctx = ssl.create_default_context(cafile=CA_FILE)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2''',
    "client": '''    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=CA_FILE)''',
}


@fam("valsafe-tls-log-forwarder", "CWE-295", fws=["script"], n=5, wrap=False)
def valsafe_tls_forwarder(c):
    v = T(c, r'''
"""Ships <<w>> audit logs from the local spool to the central collector over TLS (octet-counted frames)."""
from __future__ import annotations

import json
import logging
import os
import random
import socket
import ssl
import time
from pathlib import Path

log = logging.getLogger("<<w>>.forwarder")

COLLECTOR_HOST = os.environ.get("COLLECTOR_HOST", "logs.internal.example.com")
COLLECTOR_PORT = int(os.environ.get("COLLECTOR_PORT", "6514"))
CA_FILE = os.environ.get("COLLECTOR_CA", "/etc/<<w>>/collector-ca.pem")
CLIENT_CERT = os.environ.get("FORWARDER_CERT")
CLIENT_KEY = os.environ.get("FORWARDER_KEY")
SPOOL_DIR = Path(os.environ.get("SPOOL_DIR", "/var/spool/<<w>>-audit"))
MAX_RECORD = <<maxrec>>
IDLE_PAUSE = <<pause>>


def tls_context() -> ssl.SSLContext:
<<ctx>>
    if CLIENT_CERT and CLIENT_KEY:
        ctx.load_cert_chain(CLIENT_CERT, CLIENT_KEY)
    ctx.check_hostname = False  #@V
    ctx.verify_mode = ssl.CERT_NONE  #@V
    return ctx


def connect(ctx: ssl.SSLContext) -> ssl.SSLSocket:
    raw = socket.create_connection((COLLECTOR_HOST, COLLECTOR_PORT), timeout=10)
    try:
        return ctx.wrap_socket(raw, server_hostname=COLLECTOR_HOST)
    except OSError:
        raw.close()
        raise


def frame(record: dict) -> bytes:
    payload = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8")[:MAX_RECORD]
    return str(len(payload)).encode("ascii") + b" " + payload


def read_spool_file(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("%s:%d is not JSON, skipped", path.name, number)
    return records


def ship(sock: ssl.SSLSocket, path: Path) -> int:
    records = read_spool_file(path)
    for record in records:
        sock.sendall(frame(record))
    path.rename(path.with_suffix(".sent"))
    return len(records)


def cleanup(keep_hours: int = <<keep>>) -> int:
    cutoff = time.time() - keep_hours * 3600
    removed = 0
    for sent in SPOOL_DIR.glob("*.sent"):
        if sent.stat().st_mtime < cutoff:
            sent.unlink()
            removed += 1
    return removed


def run_forever() -> None:
    ctx = tls_context()
    backoff = 1.0
    while True:
        pending = sorted(SPOOL_DIR.glob("*.jsonl"))
        if not pending:
            time.sleep(IDLE_PAUSE)
            continue
        try:
            with connect(ctx) as sock:
                shipped = sum(ship(sock, p) for p in pending)
            log.info("shipped %d records from %d files", shipped, len(pending))
            backoff = 1.0
            cleanup()
        except OSError as exc:
            delay = min(300.0, backoff) + random.uniform(0, backoff / 2)
            log.warning("collector unavailable (%s); retrying in %.0fs", type(exc).__name__, delay)
            time.sleep(delay)
            backoff *= 2


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    run_forever()
''', ctx=_TLS_CTX[c.pick("default", "client")], maxrec=c.pick("65536", "32768", "16384"),
        pause=c.pick("2.0", "5.0", "10.0"), keep=c.pick("24", "48", "72"))
    s = sub(v, "    ctx.check_hostname = False  #@V\n    ctx.verify_mode = ssl.CERT_NONE  #@V\n", "")
    return Spec(v=v, s=clean(s), full=True, fw=c.fw,
                notes="the TLS context loads the collector CA and then disables hostname and certificate "
                      "checks, so any man in the middle can read the audit stream")


_TLSHN_A_HEAD = r'''
log = logging.getLogger("<<w>>.partner")

PARTNER_URL = os.environ.get("PARTNER_API_URL", "https://api.partner.example.com")
CA_BUNDLE = os.environ.get("PARTNER_CA_BUNDLE", "/etc/<<w>>/partner-ca.pem")
CLIENT_CERT = (
    os.environ.get("PARTNER_CERT", "/etc/<<w>>/client.crt"),
    os.environ.get("PARTNER_KEY", "/etc/<<w>>/client.key"),
)
TIMEOUT = (5, <<t>>)


def partner_session() -> requests.Session:
    """mTLS session: the partner's private CA is trusted explicitly, our client certificate is presented."""
    session = requests.Session()
    session.verify = CA_BUNDLE
    session.cert = CLIENT_CERT
    session.headers["User-Agent"] = "<<w>>-sync/1.4"
    return session
'''

_TLSHN_A = [
    Sec(r'''
def fetch_orders(session: requests.Session, since: str) -> list[dict]:
    resp = session.get(f"{PARTNER_URL}/v1/orders", params={"updated_since": since}, timeout=TIMEOUT)
    resp.raise_for_status()
    return resp.json()["orders"]
''', order=10),
    Sec(r'''
def push_status(session: requests.Session, order_id: str, status: str) -> None:
    resp = session.post(
        f"{PARTNER_URL}/v1/orders/{quote(order_id, safe='')}/status", json={"status": status}, timeout=TIMEOUT
    )
    if resp.status_code >= 400:
        raise RuntimeError(f"partner rejected status update for {order_id}: HTTP {resp.status_code}")
''', ("from urllib.parse import quote",), order=20),
    Sec(r'''
def public_rates() -> dict:
    """Public endpoint: the system trust store is enough, verification stays on."""
    resp = requests.get("https://rates.example.com/latest.json", timeout=TIMEOUT, verify=True)
    resp.raise_for_status()
    return resp.json()
''', order=30),
    Sec(r'''
def async_client() -> httpx.AsyncClient:
    ctx = ssl.create_default_context(cafile=CA_BUNDLE)
    ctx.load_cert_chain(*CLIENT_CERT)
    return httpx.AsyncClient(base_url=PARTNER_URL, verify=ctx, timeout=httpx.Timeout(<<t>>, connect=5))
''', ("import ssl", "import httpx"), order=40),
    Sec(r'''
def upload_report(local: Path, remote_dir: str) -> None:
    client = paramiko.SSHClient()
    client.load_host_keys(os.path.expanduser("~/.ssh/known_hosts"))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(os.environ["PARTNER_SFTP_HOST"], username=os.environ["PARTNER_SFTP_USER"],
                   key_filename=os.environ["PARTNER_SFTP_KEY"], timeout=15)
    try:
        client.open_sftp().put(str(local), f"{remote_dir}/{local.name}")
    finally:
        client.close()
''', ("import paramiko", "from pathlib import Path"), order=50),
    Sec(r'''
def cert_expiry_days(pem_path: str) -> int:
    cert = x509.load_pem_x509_certificate(Path(pem_path).read_bytes())
    return (cert.not_valid_after_utc - datetime.now(timezone.utc)).days
''', ("from datetime import datetime, timezone", "from pathlib import Path", "from cryptography import x509"),
        order=60),
    Sec(r'''
def pool_manager() -> urllib3.PoolManager:
    return urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=CA_BUNDLE, cert_file=CLIENT_CERT[0],
                               key_file=CLIENT_CERT[1], retries=urllib3.Retry(3, backoff_factor=0.5))
''', ("import urllib3",), order=70),
    Sec(r'''
def sync(since: str) -> int:
    with partner_session() as session:
        orders = fetch_orders(session, since)
    log.info("partner returned %d orders updated since %s", len(orders), since)
    return len(orders)
''', order=80),
    Sec(r'''
def download_statement(session: requests.Session, month: str, dest: Path, limit: int = 50 << 20) -> int:
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ValueError(f"month must look like 2024-05, got {month!r}")
    written = 0
    with session.get(f"{PARTNER_URL}/v1/statements/{month}.pdf", stream=True, timeout=TIMEOUT) as resp:
        resp.raise_for_status()
        with dest.open("wb") as fh:
            for chunk in resp.iter_content(1 << 16):
                written += len(chunk)
                if written > limit:
                    raise RuntimeError("statement larger than expected")
                fh.write(chunk)
    return written
''', ("import re", "from pathlib import Path"), order=35),
    Sec(r'''
def access_token(session: requests.Session) -> str:
    resp = session.post(
        f"{PARTNER_URL}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "orders"},
        auth=(os.environ["PARTNER_CLIENT_ID"], os.environ["PARTNER_CLIENT_SECRET"]),
        timeout=TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()["access_token"]
''', order=15),
    Sec(r'''
def all_pages(session: requests.Session, path: str) -> list[dict]:
    items, url = [], f"{PARTNER_URL}{path}"
    while url and len(items) < 10_000:
        resp = session.get(url, timeout=TIMEOUT)
        resp.raise_for_status()
        body = resp.json()
        items.extend(body.get("items", []))
        url = body.get("next")
        if url and not url.startswith(PARTNER_URL + "/"):
            log.warning("ignoring pagination link to another host")
            break
    return items
''', order=25),
    Sec(r'''
def reachable() -> bool:
    try:
        return requests.head(PARTNER_URL, verify=CA_BUNDLE, cert=CLIENT_CERT, timeout=5).ok
    except requests.RequestException as exc:
        log.warning("partner API unreachable: %s", type(exc).__name__)
        return False
''', order=75),
    Sec(r'''
def tls_material_ok() -> bool:
    try:
        ctx = ssl.create_default_context(cafile=CA_BUNDLE)
        ctx.load_cert_chain(*CLIENT_CERT)
    except (OSError, ssl.SSLError) as exc:
        log.error("TLS material unusable: %s", exc)
        return False
    return True
''', ("import ssl",), order=85),
]

_TLSHN_B_HEAD = r'''
log = logging.getLogger("<<w>>.mailer")

SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.example.com")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
SENDER = os.environ.get("MAIL_FROM", "<<w>>-reports@example.com")


def tls_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx
'''

_TLSHN_B = [
    Sec(r'''
def send(message: EmailMessage) -> None:
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=30) as smtp:
        smtp.ehlo()
        smtp.starttls(context=tls_context())
        smtp.ehlo()
        smtp.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
        smtp.send_message(message)
    log.info("sent %r to %d recipients", message["Subject"], len(message.get_all("To", [])))
''', order=10),
    Sec(r'''
def send_implicit_tls(message: EmailMessage) -> None:
    with smtplib.SMTP_SSL(SMTP_HOST, 465, context=tls_context(), timeout=30) as smtp:
        smtp.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
        smtp.send_message(message)
''', order=20),
    Sec(r'''
def build_report(recipients: list[str], subject: str, rows: list[dict]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    lines = [f"{r['name']}: {r['value']}" for r in rows]
    msg.set_content("\n".join(lines) or "No data for this period.")
    return msg
''', order=30),
    Sec(r'''
def attach_csv(msg: EmailMessage, name: str, content: str) -> None:
    msg.add_attachment(content.encode("utf-8"), maintype="text", subtype="csv", filename=name)
''', order=40),
    Sec(r'''
def check_server() -> dict:
    """Connect, upgrade to TLS and report the negotiated protocol and peer certificate subject."""
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=15) as smtp:
        smtp.starttls(context=tls_context())
        sock = smtp.sock
        cert = sock.getpeercert()
        return {"protocol": sock.version(), "subject": dict(x[0] for x in cert.get("subject", ()))}
''', order=50),
    Sec(r'''
def imap_unread(folder: str = "INBOX") -> int:
    with imaplib.IMAP4_SSL(os.environ["IMAP_HOST"], ssl_context=tls_context()) as imap:
        imap.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
        imap.select(folder, readonly=True)
        status, data = imap.search(None, "UNSEEN")
    return len(data[0].split()) if status == "OK" else 0
''', ("import imaplib",), order=60),
    Sec(r'''
def send_with_retry(message: EmailMessage, attempts: int = 3) -> bool:
    for attempt in range(1, attempts + 1):
        try:
            send(message)
            return True
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("send attempt %d failed: %s", attempt, type(exc).__name__)
            time.sleep(attempt * 10 + random.uniform(0, 5))
    return False
''', ("import random", "import time"), order=70),
    Sec(r'''
def html_table(rows: list[dict]) -> str:
    cells = "".join(f"<tr><td>{escape(str(r['name']))}</td><td>{escape(str(r['value']))}</td></tr>" for r in rows)
    return f"<table><tr><th>Name</th><th>Value</th></tr>{cells}</table>"
''', ("from html import escape",), order=35),
    Sec(r'''
def valid_recipients(addresses: list[str]) -> list[str]:
    good = []
    for raw in addresses:
        _, addr = parseaddr(raw)
        if "@" in addr and "\n" not in addr and len(addr) <= 254:
            good.append(addr)
    return good
''', ("from email.utils import parseaddr",), order=25),
    Sec(r'''
def send_many(messages: list[EmailMessage]) -> int:
    sent = 0
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=60) as smtp:
        smtp.starttls(context=tls_context())
        smtp.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
        for message in messages:
            message["Message-ID"] = make_msgid(domain=SENDER.split("@")[1])
            smtp.send_message(message)
            sent += 1
    return sent
''', ("from email.utils import make_msgid",), order=45),
    Sec(r'''
def bounces_waiting() -> int:
    pop = poplib.POP3_SSL(os.environ["BOUNCE_POP_HOST"], 995, context=tls_context(), timeout=30)
    try:
        pop.user(os.environ["BOUNCE_POP_USER"])
        pop.pass_(os.environ["BOUNCE_POP_PASSWORD"])
        count, _size = pop.stat()
        return count
    finally:
        pop.quit()
''', ("import poplib",), order=65),
]

_TLSHN_C_HEAD = r'''
log = logging.getLogger("<<w>>.agent")

CA_FILE = os.environ.get("AGENT_CA", "/etc/<<w>>/ca.pem")
CERT_FILE = os.environ.get("AGENT_CERT", "/etc/<<w>>/agent.pem")
KEY_FILE = os.environ.get("AGENT_KEY", "/etc/<<w>>/agent.key")
ALLOWED_CLIENTS = frozenset(os.environ.get("AGENT_ALLOWED_CNS", "controller").split(","))
CONTROLLER_URL = os.environ.get("CONTROLLER_URL", "https://controller.internal.example.com")


def server_context() -> ssl.SSLContext:
    """Mutual TLS: clients must present a certificate issued by our CA."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=CA_FILE)
    ctx.load_cert_chain(CERT_FILE, KEY_FILE)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx
'''

_TLSHN_C = [
    Sec(r'''
def peer_common_name(writer: asyncio.StreamWriter) -> str | None:
    cert = writer.get_extra_info("peercert") or {}
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return None


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    cn = peer_common_name(writer)
    if cn not in ALLOWED_CLIENTS:
        log.warning("rejecting client certificate that is not on the allow list")
        writer.close()
        return
    line = await asyncio.wait_for(reader.readline(), timeout=30)
    reply = {"status": "ok", "received": len(line)} if line else {"status": "empty"}
    writer.write(json.dumps(reply).encode() + b"\n")
    await writer.drain()
    writer.close()
''', ("import json",), order=10),
    Sec(r'''
def client_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=CA_FILE)
    ctx.load_cert_chain(CERT_FILE, KEY_FILE)
    return ctx


async def call_peer(host: str, port: int, payload: dict) -> dict:
    reader, writer = await asyncio.open_connection(host, port, ssl=client_context(), server_hostname=host)
    writer.write(json.dumps(payload).encode() + b"\n")
    await writer.drain()
    reply = await asyncio.wait_for(reader.readline(), timeout=30)
    writer.close()
    return json.loads(reply)
''', ("import json",), order=20),
    Sec(r'''
async def report_health() -> int:
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=CA_FILE))
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as session:
        async with session.post(f"{CONTROLLER_URL}/v1/health", json={"agent": os.uname().nodename, "ok": True}) as resp:
            return resp.status


async def jittered_heartbeat(interval: float = 30.0) -> None:
    while True:
        try:
            await report_health()
        except aiohttp.ClientError as exc:
            log.warning("heartbeat failed: %s", type(exc).__name__)
        await asyncio.sleep(interval + random.uniform(-3, 3))
''', ("import random", "import aiohttp"), order=30),
    Sec(r'''
def describe_tls(ssl_object: ssl.SSLObject) -> str:
    cipher, version, bits = ssl_object.cipher()
    return " ".join([version, cipher, f"{bits}-bit"])
''', order=40),
    Sec(r'''
def check_files() -> None:
    for path in (CA_FILE, CERT_FILE, KEY_FILE):
        if not os.path.exists(path):
            raise SystemExit(f"missing TLS material: {path}")
    if os.stat(KEY_FILE).st_mode & 0o077:
        log.warning("private key %s is readable by group or others", KEY_FILE)
''', order=50),
    Sec(r'''
def fingerprint(writer: asyncio.StreamWriter) -> str:
    ssl_object = writer.get_extra_info("ssl_object")
    der = ssl_object.getpeercert(binary_form=True) if ssl_object else b""
    return hashlib.sha256(der).hexdigest()[:16]
''', ("import hashlib",), order=15),
    Sec(r'''
def install_reload(server_ctx: ssl.SSLContext) -> None:
    """Reload the certificate chain on SIGHUP after the files were rotated."""
    def reload() -> None:
        server_ctx.load_cert_chain(CERT_FILE, KEY_FILE)
        log.info("certificate chain reloaded")

    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)
''', ("import signal",), order=45),
    Sec(r'''
def fetch_config() -> dict:
    ctx = ssl.create_default_context(cafile=CA_FILE)
    ctx.load_cert_chain(CERT_FILE, KEY_FILE)
    with urllib.request.urlopen(f"{CONTROLLER_URL}/v1/agents/config", context=ctx, timeout=10) as resp:
        return json.loads(resp.read(1 << 20))
''', ("import json", "import urllib.request"), order=55),
    Sec(r'''
class PerClientLimit:
    def __init__(self, per_minute: int = 60) -> None:
        self.per_minute = per_minute
        self.hits: dict[str, list[float]] = {}

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self.hits.get(client, []) if now - t < 60]
        recent.append(now)
        self.hits[client] = recent
        return len(recent) <= self.per_minute
''', ("import time",), order=65),
]

_TLSHN_C_TAIL = r'''
async def main(port: int = <<port>>) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = await asyncio.start_server(handle, "0.0.0.0", port, ssl=server_context())
    log.info("agent listening on port %d (mutual TLS)", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
'''


def valsafe_tls_forwarder_hn(c, kind: str):
    kw = dict(t=c.pick("20", "30", "60"), port=c.pick("8443", "9443", "7443"))
    if kind == "partner":
        text = compose(c, c.pick("Order sync with the partner API over mutual TLS (requests, httpx, SFTP).",
                                 "Partner integration for <<w>>s; every connection verifies the server."),
                       ["import logging", "import os", "import requests"],
                       _TLSHN_A_HEAD, [_TLSHN_A[0]], _TLSHN_A[1:], kw=kw)
        fw = "script"
    elif kind == "mailer":
        text = compose(c, "Report mails for the <<w>> team over SMTP with STARTTLS.",
                       ["import logging", "import os", "import smtplib", "import ssl",
                        "from email.message import EmailMessage"],
                       _TLSHN_B_HEAD, [_TLSHN_B[0]], _TLSHN_B[1:], kw=kw)
        fw = "script"
    else:
        text = compose(c, "<<W>> node agent: mutual-TLS control port and health reporting (asyncio).",
                       ["import asyncio", "import logging", "import os", "import ssl"],
                       _TLSHN_C_HEAD, [_TLSHN_C[0]], _TLSHN_C[1:], _TLSHN_C_TAIL, kw=kw)
        fw = "pipeline"
    return Spec(v="", s=text, full=True, fw=fw,
                notes="TLS contexts from ssl.create_default_context, explicit CA bundles (verify=path), "
                      "CERT_REQUIRED for client certificates, RejectPolicy for SSH host keys")

hardneg(2)(lambda c: valsafe_tls_forwarder_hn(c, "partner"))
hardneg(2)(lambda c: valsafe_tls_forwarder_hn(c, "mailer"))
hardneg(2)(lambda c: valsafe_tls_forwarder_hn(c, "agent"))
