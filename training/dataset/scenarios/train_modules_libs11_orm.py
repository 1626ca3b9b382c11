"""Train-only whole-module families on SQLAlchemy-ORM-centred code (libs11 set, mod11-*): Alembic data
migrations and repositories of about 65-105 lines,
each with exactly one weak statement and a twin that differs only by the minimal fix. No web framework
is involved, so the framework label is ``orm``.

- mod11-alembic-backfill-legacy-text-sqli (89): an Alembic data migration copies user-typed legacy
  values (free-text tags, full names, a JSON preference) into new columns or a new table; the one
  statement that writes them formats the value into the SQL (``op.execute(f"...")``,
  ``bind.execute(sa.text(f"..."))`` or ``session.execute(sa.text("...".format(...)))``). Fix: bound
  parameters.
- mod11-repo-saved-sort-order-by-text-sqli (89): a SQLAlchemy 2.0 repository pages through rows; the
  sort spec (method arguments, a base64 page cursor or a saved list view) reaches
  ``stmt.order_by(text(...))``. Fix: the module's allow-listed ``_order_clause`` helper.

Each family has ``@hardneg`` look-alike safe modules (the same APIs used correctly). The optional parts
of each module are drawn per rendering (``_opt`` / ``c.rng.sample``), so the renderings differ in their
set of functions, not only in names. Written without reading the held-out or validation families; every
family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _joined, _replayed, sub
from registry import fam, hardneg


def _ind(block, n=4):
    """A block dedented, then indented by ``n`` spaces (blank lines stay empty)."""
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).strip("\n").split("\n"))


def _methods(blocks):
    """Method blocks indented for a class body, one blank line apart."""
    return "\n\n".join(_ind(b) for b in blocks if b and b.strip())


def _some(c, blocks, least, most):
    """A random subset (``least`` to ``most``) of ``blocks`` in a random order (list)."""
    k = c.rng.randint(least, min(most, len(blocks)))
    return c.rng.sample(list(blocks), k)


def _hexrev(c):
    return "".join(c.rng.choice("0123456789abcdef") for _ in range(12))


# ---------------- CWE-89: Alembic data migration formats user-typed legacy values into SQL ----------------

_MIG_HEAD = r'''
"""$doc

Revision ID: $rev
Revises: $down
Create Date: $date
"""
from __future__ import annotations

$imps

import sqlalchemy as sa
from alembic import op
$sessimp
revision = "$rev"
down_revision = "$down"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.migration.$rev")

$consts
'''

# domain: (doc, schema-up, schema-down, reader, loop, weak templates per sink, safe per sink, helper, consts)
_MIG_DOMAINS = {
    "tags": dict(
        doc="Move the free-text $parent.tags column into the $child table.",
        up='''
    op.create_table(
        "$child",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("$fk", sa.Integer(), sa.ForeignKey("$parent.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(MAX_TAG), nullable=False),
        sa.UniqueConstraint("$fk", "name", name="uq_$child_$fk_name"),
    )''',
        down='''
    op.drop_table("$child")''',
        read='SELECT id, tags FROM $parent WHERE tags IS NOT NULL AND tags <> \'\'',
        helper='''
def _split(raw: str | None) -> list[str]:
    """The legacy column held whatever users typed, e.g. 'urgent, Billing ,vip'."""
    names: list[str] = []
    for part in (raw or "").split(","):
        name = part.strip().lower()[:MAX_TAG]
        if name and name not in names:
            names.append(name)
    return names
''',
        loop='''
for row in rows:
    for name in _split(row.tags):
        $SINK
        moved += 1''',
        sql='INSERT INTO $child ($fk, name) VALUES ({}, \'{}\')', vals=("row.id", "name"),
        bsql="INSERT INTO $child ($fk, name) VALUES (:owner, :name)", bparams=(("owner", "row.id"), ("name", "name")),
        consts="MAX_TAG = $maxlen", done="SELECT count(*) FROM $child",
        verify="SELECT count(*) FROM $parent p WHERE p.tags <> '' AND NOT EXISTS "
               "(SELECT 1 FROM $child t WHERE t.$fk = p.id)",
        restore='''
    op.execute(
        "UPDATE $parent p SET tags = agg.names FROM "
        "(SELECT $fk, string_agg(name, ', ' ORDER BY name) AS names FROM $child GROUP BY $fk) agg "
        "WHERE agg.$fk = p.id AND (p.tags IS NULL OR p.tags = '')"
    )''',
    ),
    "names": dict(
        doc="Split $parent.full_name into given_name and family_name.",
        up='''
    op.add_column("$parent", sa.Column("given_name", sa.String(MAX_NAME), nullable=True))
    op.add_column("$parent", sa.Column("family_name", sa.String(MAX_NAME), nullable=True))''',
        down='''
    op.drop_column("$parent", "family_name")
    op.drop_column("$parent", "given_name")''',
        read="SELECT id, full_name FROM $parent WHERE full_name IS NOT NULL",
        helper='''
def _split(full_name: str) -> tuple[str, str]:
    """'Ada King Lovelace' -> ('Ada King', 'Lovelace'); a single word is a given name."""
    parts = full_name.strip().split()
    if len(parts) < 2:
        return (parts[0] if parts else "")[:MAX_NAME], ""
    return " ".join(parts[:-1])[:MAX_NAME], parts[-1][:MAX_NAME]
''',
        loop='''
for row in rows:
    given, family = _split(row.full_name)
    $SINK
    moved += 1''',
        sql="UPDATE $parent SET given_name = '{}', family_name = '{}' WHERE id = {}", vals=("given", "family", "row.id"),
        bsql="UPDATE $parent SET given_name = :given, family_name = :family WHERE id = :id",
        bparams=(("given", "given"), ("family", "family"), ("id", "row.id")),
        consts="MAX_NAME = $maxlen", done="SELECT count(*) FROM $parent WHERE given_name IS NOT NULL",
        verify="SELECT count(*) FROM $parent WHERE full_name IS NOT NULL AND given_name IS NULL",
        restore='''
    op.execute("UPDATE $parent SET full_name = concat_ws(' ', given_name, family_name) WHERE full_name IS NULL")''',
    ),
    "prefs": dict(
        doc="Promote the timezone out of $parent.preferences into its own column.",
        up='''
    op.add_column("$parent", sa.Column("timezone", sa.String(MAX_TZ), nullable=False, server_default="UTC"))''',
        down='''
    op.drop_column("$parent", "timezone")''',
        read="SELECT id, preferences FROM $parent WHERE preferences IS NOT NULL",
        helper='''
def _timezone(preferences) -> str | None:
    """The settings page stored the preferences as JSON text; older rows hold a dict."""
    prefs = preferences if isinstance(preferences, dict) else json.loads(preferences or "{}")
    value = str(prefs.get("timezone") or prefs.get("tz") or "").strip()
    return value[:MAX_TZ] or None
''',
        loop='''
for row in rows:
    tz = _timezone(row.preferences)
    if tz is None or tz == "UTC":
        continue
    $SINK
    moved += 1''',
        sql="UPDATE $parent SET timezone = '{}' WHERE id = {}", vals=("tz", "row.id"),
        bsql="UPDATE $parent SET timezone = :tz WHERE id = :id", bparams=(("tz", "tz"), ("id", "row.id")),
        consts="MAX_TZ = 64", done="SELECT count(*) FROM $parent WHERE timezone <> 'UTC'",
        verify="SELECT count(*) FROM $parent WHERE preferences::text LIKE '%timezone%' AND timezone = 'UTC'",
        restore='''
    op.execute(
        "UPDATE $parent SET preferences = jsonb_set(coalesce(preferences::jsonb, '{}'), '{timezone}', "
        "to_jsonb(timezone)) WHERE timezone <> 'UTC'"
    )''',
    ),
}

_MIG_OPT = [
    '''
def _pending(bind) -> int:
    """How many rows the backfill has to look at (logged before it starts)."""
    return bind.execute(sa.text("SELECT count(*) FROM $parent")).scalar_one()
''',
    '''
def _check_clean(bind) -> None:
    """Refuse to run twice: nothing may have been migrated yet."""
    if bind.execute(sa.text("$done")).scalar_one():
        raise RuntimeError("$parent already holds migrated data; downgrade first")
''',
]


_MIG_VERIFY = '''
def _verify(bind) -> None:
    \"\"\"Log what the backfill left behind (rows that need a manual look).\"\"\"
    left = bind.execute(sa.text("$verify")).scalar_one()
    if left:
        log.warning("%d $parent rows still need a manual look", left)
'''


def _py_fmt(c, tmpl, vals):
    """tmpl with ``{}`` placeholders rendered as an f-string or a str.format call."""
    if c.pick("f", "f", "format") == "f":
        body = tmpl
        for v in vals:
            body = body.replace("{}", "{" + v + "}", 1)
        return 'f"' + body + '"'
    return '"' + tmpl + '".format(' + ", ".join(vals) + ")"


def _migration(c, safe):
    dom = c.pick(*_MIG_DOMAINS)
    d = _MIG_DOMAINS[dom]
    parent = {"tags": c.pick("tickets", "articles", "contacts", "listings"),
              "names": c.pick("members", "patients", "customers", "employees"),
              "prefs": c.pick("users", "accounts", "subscribers")}[dom]
    child = {"tickets": "ticket_tags", "articles": "article_tags", "contacts": "contact_labels",
             "listings": "listing_tags"}.get(parent, "")
    fk = parent[:-1] + "_id"
    sink = c.pick("op", "bind", "session")
    m = "" if safe else "  #@V"
    if sink == "op":
        weak = f"op.execute({_py_fmt(c, d['sql'], d['vals'])}){m}"
        fixed = ('op.execute(sa.text("' + d["bsql"] + '").bindparams('
                 + ", ".join(f"{k}={v}" for k, v in d["bparams"]) + "))")
        runner = "bind"
    else:
        runner = "session" if sink == "session" else "bind"
        weak = f"{runner}.execute(sa.text({_py_fmt(c, d['sql'], d['vals'])})){m}"
        fixed = (f'{runner}.execute(sa.text("' + d["bsql"] + '"), {'
                 + ", ".join(f'"{k}": {v}' for k, v in d["bparams"]) + "})")
    stmt = fixed if safe else weak
    loop = dedent(d["loop"]).replace("$SINK", stmt)
    progress = c.pick(True, False)
    if progress:
        ind = loop.split("\n")[-1][: len(loop.split("\n")[-1]) - len(loop.split("\n")[-1].lstrip())]
        loop += f"\n{ind}if moved % PROGRESS_EVERY == 0:\n{ind}    log.info(\"%d rows written so far\", moved)"
    fn = c.pick("_backfill", "_copy_rows", "_migrate_rows")
    src = "" if safe else "  #@S"
    if sink == "session":
        body = ("with Session(bind=bind) as session:\n"
                f'    rows = session.execute(sa.text("{d["read"]}")).all(){src}\n'
                "    moved = 0\n" + _ind(loop) + "\n    session.commit()\nreturn moved")
    else:
        body = (f'rows = bind.execute(sa.text("{d["read"]}")).all(){src}\n'
                "moved = 0\n" + loop + "\nreturn moved")
    backfill = f'def {fn}(bind) -> int:\n    """Copy the legacy values row by row; returns how many were written."""\n' + _ind(body)
    opts = _some(c, _MIG_OPT + [_MIG_VERIFY], 1, 3)
    names = [o.split("def ")[1].split("(")[0] for o in opts]
    pre = ""
    if "_pending" in names:
        pre += '    log.info("%d $parent rows to inspect", _pending(bind))\n'
    if "_check_clean" in names:
        pre += "    _check_clean(bind)\n"
    up = ('def upgrade() -> None:\n' + _ind(d["up"]) + "\n"
          "    bind = op.get_bind()\n" + pre +
          f'    written = {fn}(bind)\n    log.info("backfilled %d $target rows", written)')
    if "_verify" in names:
        up += "\n    _verify(bind)"
    if dom == "names" and c.pick(True, False):
        up += '\n    op.create_index("ix_$parent_family_name", "$parent", ["family_name"])'
        down = 'def downgrade() -> None:\n    op.drop_index("ix_$parent_family_name", table_name="$parent")\n' + _ind(d["down"])
    else:
        down = "def downgrade() -> None:\n" + _ind(d["down"])
    if c.pick(True, False):
        down = down.replace("def downgrade() -> None:\n", "def downgrade() -> None:\n" + _ind(d["restore"]) + "\n", 1)
    imps = "import logging" + ("\nimport json" if dom == "prefs" else "")
    imps = "\n".join(sorted(imps.split("\n"), key=lambda l: l.split()[1]))
    parts = [_MIG_HEAD, up, down, d["helper"], backfill] + opts
    fixed_parts = parts[:3]
    rest = parts[3:]
    c.rng.shuffle(rest)
    kw = dict(doc=d["doc"], rev=_hexrev(c), down=_hexrev(c),
              date=f"2024-{c.rng.randint(1, 12):02d}-{c.rng.randint(1, 28):02d} {c.rng.randint(0, 23):02d}:"
                   f"{c.rng.randint(0, 59):02d}:{c.rng.randint(0, 59):02d}.{c.rng.randint(100000, 999999)}",
              imps=imps, sessimp="from sqlalchemy.orm import Session\n" if sink == "session" else "",
              consts=d["consts"] + ("\nPROGRESS_EVERY = " + str(c.pick(500, 1000, 5000)) if progress else ""),
              verify=d["verify"], maxlen=c.pick(64, 80, 100, 120), parent=parent, child=child, fk=fk,
              target=child if dom == "tags" else parent, done=d["done"])
    out = _joined(*[sub(p, **kw) for p in fixed_parts + rest])
    out = sub(out, **kw)
    return out


@fam("mod11-alembic-backfill-legacy-text-sqli", "CWE-89", fws=["orm"], n=8, wrap=False)
def mod11_alembic_backfill_legacy_text_sqli(c):
    v, s = _replayed(c, _migration)
    return Spec(v=v, s=s, full=True, fw="orm",
                notes="the data migration reads values users typed into the legacy column (free-text tags, full "
                      "names, a JSON preference) and writes each one back with SQL built by string formatting; a "
                      "value holding a quote breaks the migration, and a crafted one (e.g. a tag ending in "
                      "'); UPDATE users SET is_admin = true; --) runs as SQL with the migration's owner rights "
                      "(second-order injection). The fix passes the values as bound parameters of sa.text")


@hardneg(2)
def mod11_alembic_backfill_legacy_text_sqli_hn(c):
    return Spec(s=_migration(c, True), full=True, fw="orm",
                notes="the data migration writes the legacy values through sa.text with bound parameters")


# ---------------- CWE-89: repository sort spec reaches order_by(text(...)) ----------------

_SORT_HEAD = r'''
"""$Wc repository (SQLAlchemy 2.0 ORM) for the $app back office.

The list screens page through $ws $how. Filtering uses column expressions only;
the sortable columns are listed in SORTABLE."""
from __future__ import annotations

$imps
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from $pkg.models import $Wc

log = logging.getLogger("$pkg.repository")

PAGE_SIZE = $page
SORTABLE = {
    "created": $Wc.created_at,
    "updated": $Wc.updated_at,
    "$extra": $Wc.$extra,
}


@dataclass
class Page:
    items: list[$Wc]
    total: int
    offset: int$pagefield


def _order_clause(sort: str, direction: str):
    """The Column expression for an allowed sort key; unknown keys fall back to newest first."""
    column = SORTABLE.get(sort, $Wc.created_at)
    return column.asc() if direction.lower() == "asc" else column.desc()
'''

_SORT_SRC = {
    "args": ('''
def list_page(self, status: str | None, sort: str, direction: str, offset: int = 0) -> Page:$S
    """One page of the list screen; ``sort`` and ``direction`` come from its query string."""
    stmt = self._filtered(status)''', "sort", "direction", "Page(items, total, offset)",
             "from the list screen's query string", ""),
    "cursor": ('''
def list_page(self, status: str | None, cursor: str | None = None) -> Page:
    """One page of the list screen; the opaque ``cursor`` carries the sort and the offset."""
    state = _decode_cursor(cursor)$S
    sort, direction, offset = state.get("sort", "created"), state.get("dir", "desc"), int(state.get("offset", 0))
    stmt = self._filtered(status)''', "sort", "direction",
               'Page(items, total, offset, _encode_cursor({"sort": sort, "dir": direction, "offset": offset + PAGE_SIZE}))',
               "with opaque cursors handed to the client", "\n    next_cursor: str | None = None"),
    "view": ('''
def list_page(self, view_id: int, offset: int = 0) -> Page:
    """One page of a list view the user saved (its status filter and its sort)."""
    view = self.session.get(SavedView, view_id)$S
    if view is None:
        raise LookupError(f"no saved view {view_id}")
    sort, direction = view.sort_key, view.sort_dir
    stmt = self._filtered(view.status)''', "sort", "direction", "Page(items, total, offset)",
             "as the list views users save them", ""),
}

_SORT_CURSOR = r'''
def _decode_cursor(cursor: str | None) -> dict:
    """The cursor is base64 JSON written by _encode_cursor and echoed back by the client."""
    if not cursor:
        return {}
    return json.loads(base64.urlsafe_b64decode(cursor.encode()))


def _encode_cursor(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()
'''

_SORT_REPO = r'''
class $WcRepository:
    """Reads and writes $ws; one instance per unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _filtered(self, status: str | None):
        stmt = select($Wc).where($Wc.deleted_at.is_(None))
        if status:
            stmt = stmt.where($Wc.status == status)
        return stmt

$list
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        $order
        items = list(self.session.scalars(stmt.offset(offset).limit(PAGE_SIZE)))
        log.debug("listed %d of %d $ws", len(items), total)
        return $ret

$methods
'''

_SORT_STALE = '''
def stale(self, days: int) -> list[$Wc]:
    \"\"\"Open $ws untouched for ``days`` days, oldest first, for the reminder job.\"\"\"
    cutoff = text("updated_at < now() - make_interval(days => :days)").bindparams(days=int(days))
    stmt = self._filtered("open").where(cutoff).order_by($Wc.updated_at)
    return list(self.session.scalars(stmt.limit(PAGE_SIZE)))
'''

_SORT_METHODS = [
    '''
def search(self, term: str, sort: str = "updated") -> list[$Wc]:
    """Title search for the quick-find box, best matches first, then by the chosen column."""
    pattern = f"%{term.strip()[:80]}%"
    stmt = self._filtered(None).where($Wc.title.ilike(pattern)).order_by(_order_clause(sort, "desc"))
    return list(self.session.scalars(stmt.limit(PAGE_SIZE)))
''',
    '''
def export_rows(self, status: str | None, sort: str, direction: str) -> list[tuple]:
    """All matching rows for the CSV export, in the order of the list screen."""
    stmt = select($Wc.id, $Wc.title, $Wc.status, $Wc.created_at).where($Wc.deleted_at.is_(None))
    if status:
        stmt = stmt.where($Wc.status == status)
    return [tuple(r) for r in self.session.execute(stmt.order_by(_order_clause(sort, direction)))]
''',
    '''
def add(self, item: $Wc) -> $Wc:
    self.session.add(item)
    self.session.flush()
    log.info("$w %s created", item.id)
    return item
''',
    '''
def counts_by_status(self) -> dict[str, int]:
    """Badge counts for the status tabs."""
    stmt = select($Wc.status, func.count()).where($Wc.deleted_at.is_(None)).group_by($Wc.status)
    return {status: n for status, n in self.session.execute(stmt)}
''',
    '''
def soft_delete(self, item_id: int) -> None:
    item = self.session.get($Wc, item_id)
    if item is not None and item.deleted_at is None:
        item.deleted_at = func.now()
        log.info("$w %s deleted", item_id)
''',
]


def _sortrepo(c, safe):
    w = c.pick("ticket", "shipment", "invoice", "listing", "claim", "campaign")
    src = c.pick(*_SORT_SRC)
    head, sv, dv, ret, how, pagefield = _SORT_SRC[src]
    m = "" if safe else "  #@V"
    expr = c.pick(f'text(f"{{{sv}}} {{{dv}}}")', f'text({sv} + " " + {dv})', f'text("{{}} {{}}".format({sv}, {dv}))')
    if safe:
        order = f"stmt = stmt.order_by(_order_clause({sv}, {dv}), {w.capitalize()}.id)"
    else:
        order = f"stmt = stmt.order_by({expr}, {w.capitalize()}.id){m}"
    listm = sub(head, S="" if safe else "  #@S")
    # the search or the export method always uses the allow-listed helper
    keep = c.pick(0, 1)
    others = [_SORT_METHODS[keep], _SORT_STALE] + _some(c, [b for i, b in enumerate(_SORT_METHODS) if i != keep], 1, 3)
    c.rng.shuffle(others)
    imps = ["import logging"] + (["import base64", "import json"] if src == "cursor" else [])
    head_tmpl = _SORT_HEAD
    if src == "view":
        head_tmpl = head_tmpl.replace("from $pkg.models import $Wc", "from $pkg.models import $Wc, SavedView")
    blocks = [head_tmpl] + ([_SORT_CURSOR] if src == "cursor" else []) + [_SORT_REPO]
    body = sub(_SORT_REPO, list=_ind(listm), order=order, ret=ret, methods=_methods(others))
    blocks[-1] = body
    extra = c.pick("title", "status", "due_on", "priority")
    kw = dict(Wc=w.capitalize(), w=w, ws=w + "s", app=c.pick("operations", "support", "billing", "logistics"),
              pkg=c.pick("backoffice", "core", "app", "crm"), page=c.pick(25, 50, 100), extra=extra,
              imps="\n".join(sorted(imps)), how=how, pagefield=pagefield)
    out = _joined(*[sub(b, **kw) for b in blocks])
    return out.replace("\n    \n", "\n\n")


@fam("mod11-repo-saved-sort-order-by-text-sqli", "CWE-89", fws=["orm"], n=8, wrap=False)
def mod11_repo_saved_sort_order_by_text_sqli(c):
    v, s = _replayed(c, _sortrepo)
    return Spec(v=v, s=s, full=True, fw="orm",
                notes="the list method sorts with order_by(text(...)) built from the sort key and direction the "
                      "caller supplies (query-string arguments, a base64 cursor the client echoes back, or a list "
                      "view the user saved); text() is emitted verbatim, so a sort value such as "
                      "'(SELECT CASE WHEN ... THEN 1 ELSE 2 END)' runs as SQL (blind extraction through the row "
                      "order). The fix uses the module's _order_clause helper, which maps the key through SORTABLE")


@hardneg(2)
def mod11_repo_saved_sort_order_by_text_sqli_hn(c):
    s = _sortrepo(c, True)
    wc = re.search(r"^class (\w+)Repository:", s, re.M).group(1)
    s = s.rstrip("\n") + "\n\n" + _methods([sub('''
def by_ids(self, ids: list[int]) -> list[$Wc]:
    """Rows picked for a bulk action, in id order (constant SQL text, the ids bound as an array)."""
    picked = text("id = ANY(:ids)").bindparams(ids=[int(i) for i in ids])
    return list(self.session.scalars(self._filtered(None).where(picked).order_by(text("id ASC"))))
''', Wc=wc)]) + "\n"
    return Spec(s=s, full=True, fw="orm",
                notes="sorting goes through the SORTABLE allow-list; the only text() fragments are constants with "
                      "bound parameters")
