"""Train-only whole-module Pyramid families (libs12 set, mod12-*): realistic Pyramid modules of about
80-110 lines (view_config views, URL dispatch and traversal, ``request.matchdict`` / ``params`` /
``json_body``, SQLAlchemy sessions through ``request.dbsession``, ACL resources, Chameleon templates,
urllib3 pools) with exactly one weak statement each, and a twin that differs only by the minimal fix.

- mod12-pyramid-report-driver-sql (89): a daily-totals report whose SQL goes to the driver
  (``connection().exec_driver_sql`` or ``execute(text(...))``) with the dimension value pasted into the
  WHERE clause while the date window is bound.
- mod12-pyramid-chameleon-structure (79): a comment / Q&A page compiled with ``chameleon.PageTemplate``
  that prints the posted text (or a reflected draft) with ``structure``, which turns escaping off.
- mod12-pyramid-traversal-add-view-perm (862): a traversal app (resources with ``__acl__``, views
  registered with ``config.add_view``) where one destructive view is added without ``permission=`` and
  no default permission is set, so anyone may call it.
- mod12-pyramid-body-fk-idor (639): a JSON API that scopes its own object to the user but loads a
  referenced object (address, card, document, project) by the id from the request alone.
- mod12-pyramid-export-center-path (22): an export centre whose file helper joins a client-chosen
  name to the export directory without a containment check.
- mod12-pyramid-urllib3-preview-ssrf (918): subscriptions (calendar, feed, webhook, avatar) that check
  the URL's host on create, but whose preview / test view fetches the body's URL with a urllib3 pool
  without that check.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, sub_nested
from registry import fam, hardneg


def _s(_tmpl, **kw):
    """``module_kit.sub_nested`` with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


# ---------------- CWE-89: report SQL sent to the driver with the dimension pasted in ----------------

_REPORT = r'''
"""$Title report views (Pyramid + SQLAlchemy on PostgreSQL).

Daily totals of $table per $col for the $who dashboard. The aggregate query is written by hand and
sent to the driver, because the ORM model has no view for it; the listing views use the ORM."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config
$imp
from .models import $Model

log = logging.getLogger(__name__)

MAX_DAYS = $maxdays
KNOWN_LEN = 64$consts


def _window(request) -> tuple[date, date]:
    """The reporting window from ?days=, capped at MAX_DAYS."""
    try:
        days = int(request.params.get("days", "$defdays"))
    except ValueError:
        raise HTTPBadRequest(json_body={"error": "days must be a number"})
    days = min(max(days, 1), MAX_DAYS)
    end = date.today() + timedelta(days=1)
    return end - timedelta(days=days), end


$reader


def daily_totals(request, $x: str, start: date, end: date) -> list[dict]:
    """One row per day for the given $col."""
$query
    return [{"day": r["day"].isoformat(), "count": r["n"], "total": float(r["total"] or 0)} for r in rows]


@view_config(route_name="$rname", request_method="$verb", renderer="json", permission="reports.view")
def $col_report(request):
    start, end = _window(request)
    $x = $call
    rows = daily_totals(request, $x, start, end)
    log.info("$col report for %s: %d days", $x, len(rows))
    return {"$col": $x, "from": start.isoformat(), "to": end.isoformat(), "days": rows}


$opts
'''

_REPORT_OPTS = [r'''
@view_config(route_name="$col_choices", request_method="GET", renderer="json", permission="reports.view")
def $col_choices(request):
    """The distinct $col values, for the dashboard's drop-down."""
    stmt = select($Model.$col).distinct().order_by($Model.$col)
    return {"choices": [v for v in request.dbsession.scalars(stmt) if v]}
''', r'''
@view_config(route_name="$table_recent", request_method="GET", renderer="json", permission="reports.view")
def recent_$table(request):
    """The last few rows, newest first (ORM query, bound parameters)."""
    limit = min(int(request.params.get("limit", "20")), 100)
    stmt = select($Model).order_by($Model.created_at.desc()).limit(limit)
    return {"items": [{"id": o.id, "$col": o.$col, "$measure": float(o.$measure)}
                      for o in request.dbsession.scalars(stmt)]}
''']

_REPORT_CSV = r'''
@view_config(route_name="$rname_csv", request_method="GET", permission="reports.view")
def $col_report_csv(request):
    """The same report as CSV, for the spreadsheet users."""
    start, end = _window(request)
    $x = $call
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["day", "count", "total"])
    for row in daily_totals(request, $x, start, end):
        writer.writerow([row["day"], row["count"], row["total"]])
    return Response(buf.getvalue(), content_type="text/csv", charset="utf-8")
'''

_REPORT_INC = r'''
def includeme(config) -> None:
    config.add_route("$rname", "$path")
$extra_routes    config.scan(__name__)
'''


def _report(c, safe, hn=False):
    Title, table, col, Model, who, measure = c.pick(
        ("Sales", "orders", "channel", "Order", "sales", "amount"),
        ("Support", "tickets", "queue", "Ticket", "support", "reopen_count"),
        ("Signup", "signups", "campaign", "Signup", "marketing", "seats"),
        ("Shipping", "shipments", "carrier", "Shipment", "logistics", "weight_kg"),
        ("Refund", "refunds", "reason", "Refund", "finance", "amount"))
    x = c.pick(col, f"{col}_name", "dimension", "wanted")
    travel = c.pick("matchdict", "params", "json")
    if travel == "matchdict":
        rname, path, verb = f"{col}_report", f"/reports/{col}/{{{col}}}/daily", "GET"
        reader = (f'def _{col}(request) -> str:\n    """The {col} from the URL."""\n'
                  f'    value = request.matchdict["{col}"]  #@S\n'
                  f'    if not value or len(value) > KNOWN_LEN:\n'
                  f'        raise HTTPBadRequest(json_body={{"error": "bad {col}"}})\n    return value')
    elif travel == "params":
        rname, path, verb = f"{col}_report", f"/reports/{col}/daily", "GET"
        reader = (f'def _{col}(request) -> str:\n    """?{col}= from the query string, stripped."""\n'
                  f'    value = request.params.get("{col}", "").strip()  #@S\n'
                  f'    if not value or len(value) > KNOWN_LEN:\n'
                  f'        raise HTTPBadRequest(json_body={{"error": "{col} is required"}})\n    return value')
    else:
        rname, path, verb = f"{col}_report", f"/reports/{col}/daily", "POST"
        reader = (f'def _{col}(request) -> str:\n    """The {col} from the JSON filter object."""\n'
                  f'    try:\n        value = str(request.json_body["filter"]["{col}"])  #@S\n'
                  f'    except (ValueError, KeyError, TypeError):\n'
                  f'        raise HTTPBadRequest(json_body={{"error": "filter.{col} is required"}})\n'
                  f'    return value[:KNOWN_LEN]')
    if safe:
        reader = reader.replace("  #@S", "")
    sink = c.pick("driver", "text")
    head = f"SELECT date_trunc('day', created_at) AS day, count(*) AS n, sum({measure}) AS total"
    tail = "GROUP BY 1 ORDER BY 1"
    order = ""
    if hn:
        order = "    sort = ORDER_BY.get(request.params.get(\"sort\", \"day\"), \"1\")\n"
        tail = "GROUP BY 1 ORDER BY {sort}"
    if sink == "driver":
        imp = "from sqlalchemy import select\n"
        if safe:
            q = (f'    sql = f"{head} FROM {table} WHERE {col} = %s AND created_at >= %s AND created_at < %s {tail}"\n'
                 f"    rows = request.dbsession.connection().exec_driver_sql(sql, ({x}, start, end)).mappings().all()")
            if not hn:
                q = q.replace('sql = f"', 'sql = "')
        else:
            q = (f"    sql = f\"{head} FROM {table} WHERE {col} = '{{{x}}}' AND created_at >= %s AND created_at < %s {tail}\"  #@V\n"
                 f"    rows = request.dbsession.connection().exec_driver_sql(sql, (start, end)).mappings().all()  #@V")
    else:
        imp = "from sqlalchemy import select, text\n"
        if safe:
            q = (f'    sql = f"{head} FROM {table} WHERE {col} = :value AND created_at >= :start AND created_at < :end {tail}"\n'
                 f'    rows = request.dbsession.execute(text(sql), {{"value": {x}, "start": start, "end": end}}).mappings().all()')
            if not hn:
                q = q.replace('sql = f"', 'sql = "')
        else:
            q = (f"    sql = f\"{head} FROM {table} WHERE {col} = '{{{x}}}' AND created_at >= :start AND created_at < :end {tail}\"  #@V\n"
                 f'    rows = request.dbsession.execute(text(sql), {{"start": start, "end": end}}).mappings().all()  #@V')
    q = order + q
    consts = '\nORDER_BY = {"day": "1", "count": "n DESC", "total": "total DESC"}' if hn else ""
    blocks = list(_REPORT_OPTS) + ([_REPORT_CSV] if travel != "json" else [])
    opts = _opt(c, *blocks, least=1)
    extra_routes = ""
    if "_choices(request)" in opts:
        extra_routes += f'    config.add_route("{col}_choices", "/reports/{col}/choices")\n'
    if "def recent_" in opts:
        extra_routes += f'    config.add_route("{table}_recent", "/reports/{table}/recent")\n'
    if "_report_csv(" in opts:
        extra_routes += f'    config.add_route("{rname}_csv", "{path}.csv")\n'
        imp = imp + "from pyramid.response import Response\n"
    opts += "\n\n\n" + _REPORT_INC.strip("\n")
    call = f"_{col}(request)"
    out = _s(_REPORT, Title=Title, table=table, col=col, Model=Model, who=who, x=x, reader=reader, query=q,
              imp=imp, opts=opts, consts=consts, extra_routes=extra_routes, measure=measure, rname=rname, path=path, verb=verb, call=call,
              maxdays=c.pick(90, 180, 366), defdays=c.pick(7, 14, 30))
    if "csv.writer" in out:
        out = out.replace("import logging\n", "import csv\nimport io\nimport logging\n", 1)
    return out


@fam("mod12-pyramid-report-driver-sql", "CWE-89", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_report_driver_sql(c):
    v, s = _replayed(c, _report)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the report query is sent to the driver with the dimension value (from the URL, the query "
                      "string or the JSON filter) pasted inside quotes, while the date window is bound; a quote in "
                      "the value rewrites the query (UNION SELECT, OR 1=1). The fix binds the value like the dates")


@hardneg(2)
def mod12_pyramid_report_driver_sql_hn(c):
    s = _report(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="the SQL is an f-string, but only for an ORDER BY taken from a fixed mapping; every client "
                      "value is a bound parameter")


# ---------------- CWE-79: Chameleon PageTemplate prints posted text with structure ----------------

_CHAM = r'''
"""$Title (Pyramid + Chameleon).

Readers post short $items under each $parent_l; the page template is compiled once from the module
constant below. Chameleon escapes ``${...}`` and ``tal:content`` unless told otherwise."""
from __future__ import annotations

import logging

from chameleon import PageTemplate
$mimp
from pyramid.csrf import check_csrf_token, get_csrf_token
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from .models import $Item, $Parent

log = logging.getLogger(__name__)

MAX_LEN = $maxlen

PAGE = PageTemplate("""<!doctype html>
<html><head><meta charset="utf-8"><title>${parent.title}</title></head>
<body>
<h1>${parent.title}</h1>
<ul class="$items">
  <li tal:repeat="e entries">
    <strong>${e.author}</strong> <small>${e.created_at.strftime('%Y-%m-%d')}</small>
    $row
  </li>
</ul>
<form method="post" action="${request.route_path('$add_route', id=parent.id)}">
  <input type="hidden" name="csrf_token" value="${csrf}">
  <textarea name="$field" maxlength="${max_len}"></textarea>
  <button type="submit">Post</button>
</form>
$preview_html</body></html>
""")
$helper

def _parent(request) -> $Parent:
    obj = request.dbsession.get($Parent, int(request.matchdict["id"]))
    if obj is None:
        raise HTTPNotFound()
    return obj


@view_config(route_name="$page_route", request_method="GET")
def show_$parent_l(request):
    parent = _parent(request)
    entries = (request.dbsession.query($Item).filter_by($parent_l_id=parent.id, hidden=False)
               .order_by($Item.created_at.desc()).limit($limit).all())
$preview_src
    html = PAGE(request=request, parent=parent, entries=entries, csrf=get_csrf_token(request),
                max_len=MAX_LEN$preview_kw)
    return Response(html, content_type="text/html", charset="utf-8")


@view_config(route_name="$add_route", request_method="POST")
def add_$item(request):
    check_csrf_token(request)
    parent = _parent(request)
    $src
    if not text or len(text) > MAX_LEN:
        raise HTTPBadRequest("empty or too long")
    entry = $Item($parent_l_id=parent.id, author=request.authenticated_userid or "guest", $field=text)
    request.dbsession.add(entry)
    log.info("$item added to $parent_l %s", parent.id)
    return HTTPFound(request.route_url("$page_route", id=parent.id))


$opts
'''

_CHAM_OPTS = [r'''
@view_config(route_name="$item_hide", request_method="POST", renderer="json", permission="moderate")
def hide_$item(request):
    check_csrf_token(request)
    entry = request.dbsession.get($Item, int(request.matchdict["item_id"]))
    if entry is None:
        raise HTTPNotFound()
    entry.hidden = True
    log.info("$item %s hidden by %s", entry.id, request.authenticated_userid)
    return {"hidden": entry.id}
''', r'''
@view_config(route_name="$item_feed", request_method="GET", renderer="json")
def $item_feed(request):
    """The visible entries as JSON; the client escapes them when it renders."""
    parent = _parent(request)
    rows = request.dbsession.query($Item).filter_by($parent_l_id=parent.id, hidden=False).limit(50)
    return {"items": [{"author": e.author, "$field": e.$field} for e in rows]}
''', r'''
def includeme(config) -> None:
    config.add_route("$page_route", "/$parent_ls/{id}")
    config.add_route("$add_route", "/$parent_ls/{id}/$items")
    config.add_route("$item_hide", "/$items/{item_id}/hide")
    config.add_route("$item_feed", "/$parent_ls/{id}/$items.json")
    config.scan(__name__)
''']


def _cham(c, safe, hn=False):
    Title, items, item, Item, parent_l, Parent, field = c.pick(
        ("Recipe comments", "comments", "comment", "Comment", "recipe", "Recipe", "body"),
        ("Product questions", "questions", "question", "Question", "product", "Product", "text"),
        ("Event RSVP notes", "notes", "note", "RsvpNote", "event", "Event", "message"),
        ("Article feedback", "remarks", "remark", "Feedback", "article", "Article", "comment"),
        ("Course forum", "replies", "reply", "Reply", "lesson", "Lesson", "body"))
    shape = "stored" if hn else c.pick("stored", "stored", "preview")
    syntax = c.pick("tal", "dollar")
    mark = "" if safe else "  #@V"
    helper, mimp = "", ""
    if hn:
        mimp = "from markupsafe import Markup, escape"
        helper = (f'\n\ndef paragraphs(text: str) -> Markup:\n'
                  f'    """Escape the text, then keep its line breaks as <br> tags."""\n'
                  f'    return escape(text).replace("\\n", Markup("<br>\\n"))\n')
        row = c.pick(f'<div class="{field}" tal:content="structure paragraphs(e.{field})"></div>',
                     f'<div class="{field}">${{structure: paragraphs(e.{field})}}</div>')
    elif shape == "stored" and not safe:
        row = (f'<div class="{field}" tal:content="structure e.{field}"></div>' if syntax == "tal"
               else f'<div class="{field}">${{structure: e.{field}}}</div>') + mark
    else:
        row = (f'<div class="{field}" tal:content="e.{field}"></div>' if syntax == "tal"
               else f'<div class="{field}">${{e.{field}}}</div>')
    preview_html, preview_src, preview_kw = "", "", ""
    src_mark = "" if safe else "  #@S"
    src = c.pick(f'text = request.POST.get("{field}", "").strip()', f'text = (request.params.get("{field}") or "").strip()')
    if shape == "stored":
        src += src_mark
    if shape == "preview":
        pv = (f'<div class="preview" tal:condition="draft" tal:content="{"" if safe else "structure "}draft"></div>'
              if syntax == "tal" else
              f'<div class="preview" tal:condition="draft">${{{"" if safe else "structure: "}draft}}</div>')
        preview_html = pv + mark + "\n"
        preview_src = (f'    # ?draft= shows a reader how their {item} will look before posting\n'
                       f'    draft = request.params.get("draft", "")[:MAX_LEN]{src_mark}')
        preview_kw = ", draft=draft"
    if hn:
        preview_kw += ", paragraphs=paragraphs"
    opts = _opt(c, *_CHAM_OPTS, least=1)
    return _s(_CHAM, Title=Title, items=items, item=item, Item=Item, parent_l=parent_l, Parent=Parent, field=field,
              row=row, preview_html=preview_html, preview_src=preview_src, preview_kw=preview_kw, src=src,
              helper=helper, mimp=mimp, opts=opts, page_route=f"{parent_l}_page", add_route=f"{item}_add",
              maxlen=c.pick(500, 1000, 2000), limit=c.pick(50, 100, 200))


@fam("mod12-pyramid-chameleon-structure", "CWE-79", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_chameleon_structure(c):
    v, s = _replayed(c, _cham)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="Chameleon escapes ${...} and tal:content by default, but the structure keyword inserts the "
                      "value as markup; the page prints the posted text (or the ?draft= preview) with structure, so "
                      "a <script> in it runs in every reader's browser. The fix drops structure")


@hardneg(2)
def mod12_pyramid_chameleon_structure_hn(c):
    s = _cham(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="structure is used only on the result of paragraphs(), which escapes the text with "
                      "markupsafe.escape before it adds <br> tags")


# ---------------- CWE-862: traversal view added without permission= ----------------

_TRAV = r'''
"""$Title (Pyramid traversal).

The resource tree is Root -> $Folder ($folder slug) -> $Leaf ($leaf slug). Permissions come from the
ACLs below through the application's security policy (bearer tokens, groups from the user record);
views are registered in ``includeme``. There is no default permission: each view names its own."""
from __future__ import annotations

import logging

from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Everyone
from pyramid.httpexceptions import HTTPBadRequest$himp

from .models import $FolderModel, $LeafModel

log = logging.getLogger(__name__)


class Root:
    __name__ = ""
    __parent__ = None
    __acl__ = [
        (Allow, Everyone, "view"),
        (Allow, "group:$editors", ("edit", "add")),
        (Allow, "group:admins", ALL_PERMISSIONS),
        DENY_ALL,
    ]

    def __init__(self, request) -> None:
        self.request = request

    def __getitem__(self, key: str) -> "$Folder":
        row = self.request.dbsession.query($FolderModel).filter_by(slug=key).one_or_none()
        if row is None:
            raise KeyError(key)
        return $Folder(row, self)


class $Folder:
    def __init__(self, row: $FolderModel, parent: Root) -> None:
        self.row, self.__parent__, self.__name__ = row, parent, row.slug
        # owners of a $folder may edit anything in it
        self.__acl__ = [(Allow, f"user:{row.owner_id}", ("edit", "add"))]

    def __getitem__(self, key: str) -> "$Leaf":
        row = (self.__parent__.request.dbsession.query($LeafModel)
               .filter_by($folder_id=self.row.id, slug=key).one_or_none())
        if row is None:
            raise KeyError(key)
        return $Leaf(row, self)


class $Leaf:
    def __init__(self, row: $LeafModel, parent: $Folder) -> None:
        self.row, self.__parent__, self.__name__ = row, parent, row.slug


def _out(leaf: $Leaf) -> dict:
    r = leaf.row
    return {"slug": r.slug, "title": r.title, "version": r.version, "updated_by": r.updated_by}


def view_$leaf(context: $Leaf, request) -> dict:
    return _out(context)


def edit_$leaf(context: $Leaf, request) -> dict:
    body = request.json_body
    title = str(body.get("title", "")).strip()
    if not title or len(title) > 200:
        raise HTTPBadRequest(json_body={"error": "title is required"})
    context.row.title, context.row.body = title, str(body.get("body", ""))
    context.row.version += 1
    context.row.updated_by = request.authenticated_userid
    return _out(context)


def $act_$leaf(context: $Leaf, request) -> dict:
    """$actdoc"""
$actbody
    log.warning("$leaf %s/%s $acted by %s", context.__parent__.__name__, context.__name__,
                request.authenticated_userid)
    return {"$acted": context.__name__}
$opts

def includeme(config) -> None:
    config.set_root_factory(Root)
$regs
'''

_TRAV_ACTS = {
    "delete": ("Remove the $leaf and its revisions for good.",
               "    request.dbsession.delete(context.row)", "deleted"),
    "purge": ("Drop every old revision of the $leaf, keeping only the current one.",
              "    for rev in context.row.revisions[:-1]:\n        request.dbsession.delete(rev)",
              "purged"),
    "move": ("Move the $leaf to another $folder (by slug).",
             "    target = request.dbsession.query($FolderModel).filter_by(slug=request.json_body[\"to\"]).one()\n"
             "    context.row.$folder_id = target.id", "moved"),
    "lock": ("Mark the $leaf as locked and record who locked it.",
             "    context.row.locked = True\n    context.row.locked_by = request.authenticated_userid", "locked"),
}

_TRAV_OPTS = {
    "history": (r'''
def history_$leaf(context: $Leaf, request) -> dict:
    revs = context.row.revisions[-20:]
    return {"revisions": [{"version": r.version, "by": r.author, "at": r.created_at.isoformat()} for r in revs]}
''', '    config.add_view(history_$leaf, context=$Leaf, name="history", renderer="json", permission="view")'),
    "add": (r'''
def add_$leaf(context: $Folder, request) -> dict:
    slug = str(request.json_body.get("slug", "")).strip().lower()
    if not slug.isidentifier():
        raise HTTPBadRequest(json_body={"error": "bad slug"})
    row = $LeafModel($folder_id=context.row.id, slug=slug, title=slug, body="", version=1,
                     updated_by=request.authenticated_userid)
    context.__parent__.request.dbsession.add(row)
    return {"created": slug}
''', '    config.add_view(add_$leaf, context=$Folder, name="add", request_method="POST", renderer="json",\n'
     '                    permission="add")'),
    "index": (r'''
def index_$folder(context: $Folder, request) -> dict:
    rows = request.dbsession.query($LeafModel).filter_by($folder_id=context.row.id).order_by($LeafModel.slug)
    return {"$folder": context.__name__, "$leafs": [r.slug for r in rows]}
''', '    config.add_view(index_$folder, context=$Folder, renderer="json", permission="view")'),
}

_TRAV_PUBLIC = (r'''
def sitemap(context: Root, request) -> dict:
    """The $folders marked for the sitemap, for the crawler; read-only, slugs only."""
    rows = request.dbsession.query($FolderModel.slug).filter_by(in_sitemap=True).order_by($FolderModel.slug)
    return {"$folders": [slug for (slug,) in rows]}
''', '    config.add_view(sitemap, context=Root, name="sitemap.json", renderer="json")')


def _trav(c, safe, hn=False):
    Title, folder, Folder, leaf, Leaf, editors = c.pick(
        ("Team wiki", "space", "Space", "page", "Page", "editors"),
        ("Product docs", "manual", "Manual", "chapter", "Chapter", "writers"),
        ("Recipe book", "cookbook", "Cookbook", "recipe", "Recipe", "cooks"),
        ("Course catalogue", "course", "Course", "lesson", "Lesson", "teachers"),
        ("Runbook library", "service", "Service", "runbook", "Runbook", "oncall"))
    act = c.pick(*_TRAV_ACTS)
    actdoc, actbody, acted = _TRAV_ACTS[act]
    keys = list(_TRAV_OPTS)
    chosen = [k for k in keys if c.rng.random() < 0.5] or [c.pick(*keys)]
    c.rng.shuffle(chosen)
    opts = "".join("\n\n" + _TRAV_OPTS[k][0].rstrip("\n") + "\n" for k in chosen)
    regs = ['    config.add_view(view_$leaf, context=$Leaf, renderer="json", permission="view")',
            '    config.add_view(edit_$leaf, context=$Leaf, name="edit", request_method="POST", renderer="json",\n'
            '                    permission="edit")'] + [_TRAV_OPTS[k][1] for k in chosen]
    if hn:
        opts += "\n\n" + _TRAV_PUBLIC[0].rstrip("\n") + "\n"
        regs.append(_TRAV_PUBLIC[1])
    regs.append('    config.add_view($act_$leaf, context=$Leaf, name="$act", request_method="POST", renderer="json"$perm)  #@V')
    c.rng.shuffle(regs)
    perm = f', permission="{c.pick("admin", "delete", "manage") if act != "move" else "edit"}"'
    if act == "lock":
        perm = ', permission="admin"'
    v = _s(_TRAV, Title=Title, folder=folder, Folder=Folder, leaf=leaf, Leaf=Leaf, editors=editors, act=act,
           actdoc=actdoc, actbody=actbody, acted=acted, opts=opts, regs="\n".join(regs),
           perm=perm if safe else "", FolderModel=f"{Folder}Row", LeafModel=f"{Leaf}Row",
           himp="", folders=f"{folder}s", leafs=f"{leaf}s")
    if safe:
        v = v.replace("  #@V", "")
    return v


@fam("mod12-pyramid-traversal-add-view-perm", "CWE-862", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_traversal_add_view_perm(c):
    v, s = _replayed(c, _trav)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the application sets no default permission and every other view is added with its "
                      "permission=, but the destructive action view is added without one, so Pyramid serves it to "
                      "anyone, anonymous callers included, whatever the ACLs say. The fix adds the permission the "
                      "ACL grants only to admins / editors")


@hardneg(2)
def mod12_pyramid_traversal_add_view_perm_hn(c):
    s = _trav(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="every state-changing view is added with a permission; the one view without permission= is "
                      "a read-only public sitemap of public slugs")


# ---------------- CWE-639: referenced object loaded by the id from the request alone ----------------

_FK = r'''
"""$Title API (Pyramid + SQLAlchemy).

Signed-in customers manage their own $objs; a $obj refers to one of the customer's saved $refs by
id. Every view here requires the "customer" permission (granted to any signed-in account), so the
ownership of each row is checked in the view code, through ``_owned``."""
from __future__ import annotations

import logging

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.view import view_config

from .models import $Obj, $Ref

log = logging.getLogger(__name__)

$consts


def _owned(request, model, row_id):
    """The row with this id if it belongs to the signed-in user, else 404."""
    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        raise HTTPNotFound()
    row = (request.dbsession.query(model)
           .filter_by(id=row_id, user_id=request.authenticated_userid).one_or_none())
    if row is None:
        raise HTTPNotFound()
    return row


def _out($obj: $Obj) -> dict:
    return {"id": $obj.id, "status": $obj.status, "$ref_id": $obj.$ref_id, "$extra": str($obj.$extra)}


@view_config(route_name="$obj_item", request_method="GET", renderer="json", permission="customer")
def show_$obj(request):
    return _out(_owned(request, $Obj, request.matchdict["id"]))


@view_config(route_name="$obj_$verb", request_method="$method", renderer="json", permission="customer")
def $verb_$obj(request):
    """$verbdoc"""
$body
    log.info("$obj %s uses $ref %s (user %s)", $obj.id, $ref.id, request.authenticated_userid)
    return _out($obj)


$opts
'''

_FK_OPTS = [r'''
@view_config(route_name="$obj_list", request_method="GET", renderer="json", permission="customer")
def list_$objs(request):
    rows = (request.dbsession.query($Obj).filter_by(user_id=request.authenticated_userid)
            .order_by($Obj.id.desc()).limit(PAGE_SIZE))
    return {"items": [_out(o) for o in rows]}
''', r'''
@view_config(route_name="$ref_list", request_method="GET", renderer="json", permission="customer")
def list_$refs(request):
    """The user's saved $refs, for the picker."""
    rows = request.dbsession.query($Ref).filter_by(user_id=request.authenticated_userid).order_by($Ref.id)
    return {"$refs": [{"id": r.id, "label": r.label} for r in rows]}
''', r'''
@view_config(route_name="$obj_cancel", request_method="POST", renderer="json", permission="customer")
def cancel_$obj(request):
    $obj = _owned(request, $Obj, request.matchdict["id"])
    if $obj.status not in ("draft", "pending"):
        raise HTTPBadRequest(json_body={"error": f"cannot cancel a {$obj.status} $obj"})
    $obj.status = "cancelled"
    return _out($obj)
''']


def _fk(c, safe, hn=False):
    Title, obj, Obj, ref, Ref, extra, verbdoc = c.pick(
        ("Checkout", "order", "Order", "address", "Address", "total", "Set the shipping address of an open order."),
        ("Subscriptions", "subscription", "Subscription", "card", "PaymentCard", "price",
         "Switch the card a subscription is charged to."),
        ("Claims", "claim", "Claim", "document", "Document", "amount", "Attach an uploaded document to a claim."),
        ("Bookings", "booking", "Booking", "traveller", "Traveller", "fare", "Name the traveller of a booking."),
        ("Returns", "return_request", "ReturnRequest", "pickup_slot", "PickupSlot", "refund",
         "Choose the pickup slot of a return."))
    travel = c.pick("json", "form", "matchdict")
    verb = c.pick("update", "assign", "set_" + ref)
    method = "PUT" if travel == "json" and verb == "update" else "POST"
    if travel == "json":
        read = f'    {ref}_id = request.json_body.get("{ref}_id")'
    elif travel == "form":
        read = f'    {ref}_id = request.POST.get("{ref}_id")'
    else:
        read = f'    {ref}_id = request.matchdict["{ref}_id"]'
    weak = c.pick(f"    {ref} = request.dbsession.get({Ref}, int({ref}_id))  #@V",
                        f"    {ref} = request.dbsession.query({Ref}).get(int({ref}_id))  #@V",
                      f"    {ref} = request.dbsession.query({Ref}).filter_by(id=int({ref}_id)).first()  #@V")
    if safe:
        lookup = f"    {ref} = _owned(request, {Ref}, {ref}_id)"
    else:
        lookup = weak + f"\n    if {ref} is None:\n        raise HTTPNotFound()"
    head = f'    {obj} = _owned(request, {Obj}, request.matchdict["id"])'
    state = (f'    if {obj}.status not in ("draft", "pending"):\n'
             f'        raise HTTPBadRequest(json_body={{"error": "{obj} can no longer be changed"}})')
    order = c.pick("obj_first", "ref_first")
    parts = [head, state, read, lookup] if order == "obj_first" else [read, lookup, head, state]
    if hn:
        parts = [head, state, read, f"    {ref} = _owned(request, {Ref}, {ref}_id)",
                 f"    if {ref}.expired:\n        raise HTTPBadRequest(json_body={{\"error\": \"{ref} expired\"}})"]
    parts.append(f"    {obj}.{ref}_id = {ref}.id")
    consts = f"PAGE_SIZE = {c.pick(20, 50, 100)}"
    opts = _opt(c, *_FK_OPTS, least=1)
    vpath = f"/api/{obj}s/{{id}}/{ref}" + (f"/{{{ref}_id}}" if travel == "matchdict" else "")
    routes = [f'    config.add_route("{obj}_item", "/api/{obj}s/{{id}}")', f'    config.add_route("{obj}_{verb}", "{vpath}")']
    if "def list_$objs(" in opts:
        routes.append(f'    config.add_route("{obj}_list", "/api/{obj}s")')
    if "def list_$refs(" in opts:
        routes.append(f'    config.add_route("{ref}_list", "/api/{ref}s")')
    if "def cancel_" in opts:
        routes.append(f'    config.add_route("{obj}_cancel", "/api/{obj}s/{{id}}/cancel")')
    opts += "\n\n\ndef includeme(config) -> None:\n" + "\n".join(routes) + "\n    config.scan(__name__)\n"
    return _s(_FK, Title=Title, obj=obj, Obj=Obj, ref=ref, Ref=Ref, extra=extra, verbdoc=verbdoc, verb=verb,
              method=method, body="\n".join(parts), consts=consts, opts=opts, objs=f"{obj}s", refs=f"{ref}s")


@fam("mod12-pyramid-body-fk-idor", "CWE-639", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_body_fk_idor(c):
    v, s = _replayed(c, _fk)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the view checks that the edited object belongs to the user, but loads the referenced object "
                      "(address, card, document...) by the id from the request alone; any account can link another "
                      "customer's row and then read it back or use it. The fix loads it through _owned like the rest")


@hardneg(2)
def mod12_pyramid_body_fk_idor_hn(c):
    s = _fk(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="both the object and the referenced id are loaded with _owned, which filters by the "
                      "authenticated user id")


# ---------------- CWE-22: export centre joins a client-chosen file name ----------------

_EXP = r'''
"""Export centre (Pyramid): the $kind files generated by the nightly job.

Files live under the directory named by the ``exports.dir`` setting; the views list them, and
$what. Every view requires the "exports" permission."""
from __future__ import annotations

import logging
import os
$imps
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.response import $respimp
from pyramid.view import view_config

log = logging.getLogger(__name__)

SUFFIXES = $suffixes


def _root(request) -> str:
    return os.path.realpath(request.registry.settings["exports.dir"])


def _export_file(request, name: str) -> str:
    """The path of an existing export by file name."""
    if not name or not name.endswith(SUFFIXES):
        raise HTTPBadRequest(json_body={"error": "unknown export type"})
    root = _root(request)
$join
    if not os.path.isfile(path):
        raise HTTPNotFound()
    return path


@view_config(route_name="exports", request_method="GET", renderer="json", permission="exports")
def list_exports(request):
    root = _root(request)
    items = []
    with os.scandir(root) as it:
        for entry in it:
            if entry.is_file() and entry.name.endswith(SUFFIXES):
                st = entry.stat()
                items.append({"name": entry.name, "size": st.st_size, "modified": int(st.st_mtime)})
    items.sort(key=lambda i: i["modified"], reverse=True)
    return {"exports": items[:$limit]}


$views
'''

_EXP_VIEWS = {
    "download": r'''
@view_config(route_name="export_download", request_method="GET", permission="exports")
def download_export(request):
    path = _export_file(request, request.params.get("$param", ""))
    log.info("export %s downloaded by %s", os.path.basename(path), request.authenticated_userid)
    response = Response(app_iter=FileIter(open(path, "rb")), content_type="application/octet-stream")
    response.content_length = os.path.getsize(path)
    response.content_disposition = f'attachment; filename="{os.path.basename(path)}"'
    return response
''',
    "preview": r'''
@view_config(route_name="export_preview", request_method="GET", renderer="json", permission="exports")
def preview_export(request):
    """The first lines of an export, for the dialog shown before a download."""
    path = _export_file(request, request.params.get("$param", ""))
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = [line.rstrip("\n") for _, line in zip(range(PREVIEW_LINES), fh)]
    return {"name": os.path.basename(path), "lines": lines}
''',
    "delete": r'''
@view_config(route_name="export_delete", request_method="POST", renderer="json", permission="exports")
def delete_export(request):
    path = _export_file(request, str(request.json_body.get("$param", "")))
    os.remove(path)
    log.warning("export %s deleted by %s", os.path.basename(path), request.authenticated_userid)
    return {"deleted": os.path.basename(path)}
''',
    "archive": r'''
@view_config(route_name="export_archive", request_method="POST", renderer="json", permission="exports")
def archive_export(request):
    """Move an export into the archive folder next to the export directory."""
    path = _export_file(request, request.POST.get("$param", ""))
    target_dir = os.path.join(os.path.dirname(_root(request)), "archive")
    os.makedirs(target_dir, exist_ok=True)
    shutil.move(path, os.path.join(target_dir, os.path.basename(path)))
    return {"archived": os.path.basename(path)}
''',
}


def _exp(c, safe, hn=False):
    kind, suffixes = c.pick(("report", '(".csv", ".xlsx")'), ("payroll", '(".csv", ".pdf")'),
                            ("audit log", '(".jsonl", ".csv")'), ("invoice", '(".pdf",)'),
                            ("inventory", '(".csv", ".json")'))
    keys = c.rng.sample(list(_EXP_VIEWS), c.rng.randint(2, 4))
    views = "\n\n\n".join(_EXP_VIEWS[k].strip("\n") for k in keys)
    views += ("\n\n\ndef includeme(config) -> None:\n    config.add_route(\"exports\", \"/exports\")\n"
              + "".join(f'    config.add_route("export_{k}", "/exports/{k}")\n' for k in keys)
              + "    config.scan(__name__)")
    what = {"download": "download one", "preview": "preview its first lines", "delete": "delete one",
            "archive": "move one into the archive"}
    what = ", ".join(what[k] for k in keys)
    imps = ("import shutil\n" if "archive" in keys else "") + "\n"
    respimp = "FileIter, Response" if "download" in keys else "Response"
    if "preview" in keys:
        suffixes += "\nPREVIEW_LINES = " + str(c.pick(10, 20, 40))
    if "download" not in keys:
        imps = imps.replace("\n", "", 1) if imps.startswith("\n") else imps
    if safe or hn:
        join = c.pick(
            "    path = os.path.realpath(os.path.join(root, name))\n"
            "    if os.path.commonpath([root, path]) != root:\n"
            "        raise HTTPNotFound()",
            "    path = os.path.realpath(os.path.join(root, name))\n"
            "    if not path.startswith(root + os.sep):\n"
            "        raise HTTPNotFound()")
        if hn:
            join = ("    if os.path.basename(name) != name:\n"
                    "        raise HTTPBadRequest(json_body={\"error\": \"a bare file name is required\"})\n"
                    "    path = os.path.join(root, name)")
    else:
        join = c.pick("    path = os.path.join(root, name)  #@V",
                      "    path = os.path.normpath(os.path.join(root, name))  #@V")
    v = _s(_EXP, kind=kind, suffixes=suffixes, views=views, what=what,
           imps=imps.rstrip("\n") + ("\n" if imps.strip() else ""),
           respimp=respimp, join=join, limit=c.pick(100, 200, 500), param=c.pick("name", "file", "export"))
    if "Response(" not in v.split("def list_exports")[1]:
        v = v.replace("from pyramid.response import Response\n", "")
    return v


@fam("mod12-pyramid-export-center-path", "CWE-22", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_export_center_path(c):
    v, s = _replayed(c, _exp)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="_export_file joins the client's file name (query string, form or JSON body) to the export "
                      "directory and only checks the suffix, so ../../ names reach any .csv/.pdf file the process "
                      "can read, delete or move. The fix resolves the path and requires it to stay under the root")


@hardneg(2)
def mod12_pyramid_export_center_path_hn(c):
    s = _exp(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="the name is joined to the export directory only after it is checked to be a bare file name "
                      "(os.path.basename(name) == name), so no separator or .. can reach the join")


# ---------------- CWE-918: preview / test view fetches the body's URL without the host check ----------------

_SSRF = r'''
"""$Title (Pyramid + urllib3).

Users register $what; the subscription view checks that the URL points at a public host before it is
stored, and a background job $jobdoc. The $pview view lets the form $pdoc."""
from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

import urllib3
from pyramid.httpexceptions import HTTPBadGateway, HTTPBadRequest
from pyramid.view import view_config

from .models import $Model

log = logging.getLogger(__name__)

MAX_BYTES = $maxbytes
HTTP = urllib3.PoolManager(timeout=urllib3.Timeout(connect=3.0, read=$read), retries=False)


def _public_url(url: str) -> str:
    """An http(s) URL whose host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HTTPBadRequest(json_body={"error": "an http(s) URL is required"})
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        raise HTTPBadRequest(json_body={"error": "unknown host"})
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise HTTPBadRequest(json_body={"error": "host not allowed"})
    return url


def _fetch(method: str, url: str, **kw) -> tuple[int, bytes]:
    resp = HTTP.request(method, url, redirect=False, preload_content=False, **kw)
    try:
        return resp.status, resp.read(MAX_BYTES)
    finally:
        resp.release_conn()


@view_config(route_name="$slug_create", request_method="POST", renderer="json", permission="$perm")
def create_$slug(request):
    url = _public_url(str(request.json_body.get("url", "")).strip())
    row = $Model(user_id=request.authenticated_userid, url=url)
    request.dbsession.add(row)
    request.dbsession.flush()
    log.info("$slug %s registered by %s", row.id, request.authenticated_userid)
    return {"id": row.id, "url": url}


@view_config(route_name="$slug_$pview", request_method="POST", renderer="json", permission="$perm")
def $pview_$slug(request):
    """$pdocfull"""
    $src
$call
    if status >= 400:
        raise HTTPBadGateway(json_body={"error": f"the server answered {status}"})
$tailcode


$opts
'''

_SSRF_APPS = [
    dict(Title="Calendar subscriptions", slug="calendar", Model="CalendarFeed", perm="calendars.edit",
         what="iCal feeds to overlay on their calendar", jobdoc="refreshes the stored feeds every hour",
         pview="preview", pdoc="show the next events of a feed before it is saved",
         call='    status, body = $callname("GET", url, headers={"Accept": "text/calendar"})',
         tailcode='    events = body.count(b"BEGIN:VEVENT")\n    return {"status": status, "events": events}'),
    dict(Title="Feed reader", slug="feed", Model="FeedSubscription", perm="feeds.edit",
         what="RSS and Atom feeds", jobdoc="polls the stored feeds", pview="preview",
         pdoc="show the title of a feed before it is saved",
         call='    status, body = $callname("GET", url, headers={"Accept": "application/rss+xml, application/atom+xml"})',
         tailcode='    start = body.find(b"<title>")\n    title = body[start + 7:body.find(b"</title>", start)] if start >= 0 else b""\n'
                  '    return {"status": status, "title": title.decode("utf-8", "replace")[:200]}'),
    dict(Title="Outgoing webhooks", slug="webhook", Model="WebhookEndpoint", perm="integrations.edit",
         what="webhook endpoints for their events", jobdoc="delivers the queued events", pview="test",
         pdoc="send a test ping to an endpoint before it is saved",
         call='    payload = json.dumps({"event": "ping", "by": request.authenticated_userid}).encode()\n'
              '    status, body = $callname("POST", url, body=payload, headers={"Content-Type": "application/json"})',
         tailcode='    return {"status": status, "response": body[:500].decode("utf-8", "replace")}'),
    dict(Title="Team avatars", slug="avatar", Model="AvatarSource", perm="team.edit",
         what="image URLs as the avatar source of their team", jobdoc="re-fetches the images weekly",
         pview="check", pdoc="check that an image URL answers with an image",
         call='    status, body = $callname("HEAD", url)',
         tailcode='    return {"status": status, "ok": status == 200}'),
]

_SSRF_OPTS = [r'''
@view_config(route_name="$slug_list", request_method="GET", renderer="json", permission="$perm")
def list_$slugs(request):
    rows = request.dbsession.query($Model).filter_by(user_id=request.authenticated_userid).order_by($Model.id)
    return {"items": [{"id": r.id, "url": r.url} for r in rows]}
''', r'''
@view_config(route_name="$slug_delete", request_method="POST", renderer="json", permission="$perm")
def delete_$slug(request):
    row = (request.dbsession.query($Model)
           .filter_by(id=int(request.matchdict["id"]), user_id=request.authenticated_userid).one_or_none())
    if row is not None:
        request.dbsession.delete(row)
    return {"deleted": bool(row)}
''']


def _ssrf(c, safe, hn=False):
    app = dict(c.pick(*_SSRF_APPS))
    travel = c.pick("json", "params", "form")
    expr = {"json": 'str(request.json_body.get("url", "")).strip()',
            "params": 'request.params.get("url", "").strip()',
            "form": 'request.POST.get("url", "").strip()'}[travel]
    if safe:
        src = f"url = _public_url({expr})"
    else:
        src = f"url = {expr}  #@S"
    inline = c.pick(True, False)
    if inline:
        # the view talks to the pool itself instead of going through _fetch
        app["call"] = app["call"].replace("status, body = $callname(", "resp = HTTP.request(").rstrip(")") \
            + ", redirect=False, preload_content=False)" + ("" if safe else "  #@V") \
            + "\n    status, body = resp.status, resp.read(MAX_BYTES)\n    resp.release_conn()"
    else:
        app["call"] = app["call"].replace("$callname", "_fetch") + ("" if safe else "  #@V")
    if hn:
        app["call"] = app["call"].replace("  #@V", "")
    imp = "import json\n" if app["slug"] == "webhook" else ""
    opts = _opt(c, *_SSRF_OPTS, least=0)
    routes = [("create", f"/{app['slug']}s"), (app["pview"], f"/{app['slug']}s/{app['pview']}")]
    routes += [(k, p) for k, p in (("list", f"/{app['slug']}s/mine"), ("delete", f"/{app['slug']}s/{{id}}/delete"))
               if f"def {k}_" in opts]
    opts += ("\n\n\ndef includeme(config) -> None:\n"
             + "".join(f'    config.add_route("{app["slug"]}_{k}", "{p}")\n' for k, p in routes)
             + "    config.scan(__name__)")
    v = _s(_SSRF, src=src, opts=opts, pdocfull=app["pdoc"][0].upper() + app["pdoc"][1:] + ".",
           maxbytes=c.pick("512 * 1024", "1_000_000", "2 * 1024 * 1024"), read=c.pick("5.0", "10.0", "15.0"),
           slugs=app["slug"] + "s", **app)
    if imp:
        v = v.replace("import ipaddress\n", "import ipaddress\nimport json\n")
    return v


@fam("mod12-pyramid-urllib3-preview-ssrf", "CWE-918", fws=["pyramid"], n=8, wrap=False)
def mod12_pyramid_urllib3_preview_ssrf(c):
    v, s = _replayed(c, _ssrf)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the create view passes the URL through _public_url (public http(s) hosts only), but the "
                      "preview / test view sends the request's URL straight to the urllib3 pool, so a user makes the "
                      "server request internal services or the cloud metadata address and reads the answer. The fix "
                      "runs the same _public_url check in that view")


@hardneg(2)
def mod12_pyramid_urllib3_preview_ssrf_hn(c):
    s = _ssrf(c, True, hn=True)
    return Spec(s=s, full=True, fw="pyramid",
                notes="every URL that reaches the urllib3 pool went through _public_url first; redirects are not "
                      "followed, so a public host cannot bounce the request inside")
