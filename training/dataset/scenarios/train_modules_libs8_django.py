"""Train-only whole-module families on Django (libs8 Django set, mod8-*): realistic modules of about
80-110 lines with exactly one weak statement each, and a twin that differs only by the minimal fix.

Covers: an analytics view module whose filter form feeds a hand-written report sent through
``connection.cursor().execute``, ``Model.objects.raw`` or ``QuerySet.extra(where=...)`` with the value
pasted into the SQL (89); a Django admin module whose display column wraps customer-entered text in
``mark_safe`` (79); a file view that joins a requested name under a storage root and opens it (22);
a class-based or function view that changes state on GET, outside the CSRF middleware's reach (352);
generic class-based views whose detail / update view looks objects up without the owner scope the
list view uses (639); and a DRF serializer whose secret field (password hash, webhook secret, relay
password) is readable because it is not ``write_only`` (200). Written without reading the held-out or
validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, _w, sub, _opt
from registry import fam, hardneg


def _ind(block, n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).rstrip().split("\n"))


# ---------------- CWE-89: report filter form -> cursor.execute / objects.raw / extra(where=) ----------------

_REPORT = r'''
"""$W analytics views: a filter form, ORM listings and one hand-written report query.

The report needs per-day grouping the ORM expresses poorly, so it is written in SQL."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required$mixinimp
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpResponse, JsonResponse$viewimp

from .models import $M

log = logging.getLogger("$w.reports")

DEFAULT_DAYS = $days
TABLE = $M._meta.db_table


class ReportFilterForm(forms.Form):
    """Filters accepted by the report endpoints."""

    $col = forms.CharField(max_length=40)
    days = forms.IntegerField(min_value=1, max_value=366, required=False)

$clean    def window_start(self) -> date:
        days = self.cleaned_data.get("days") or DEFAULT_DAYS
        return date.today() - timedelta(days=days)


def _filters(request) -> tuple[str, date]:
    """Validated ($col, since) from the query string; raises ValueError on bad input."""
    form = ReportFilterForm(request.GET)  #@S
    if not form.is_valid():
        raise ValueError(form.errors.as_json())
    return form.cleaned_data["$col"].strip(), form.window_start()


$query


$extra


$view
'''

_REPORT_EXTRA = [r'''
@login_required
def list_$ws(request):
    """Newest $ws, optionally of one status (the ORM binds the filter)."""
    qs = $M.objects.order_by("-created_at")
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    rows = list(qs.values("id", "$col", "status", "amount")[:100])
    return JsonResponse({"items": rows}, json_dumps_params={"default": str})
''', r'''
@login_required
def $col_summary(request):
    """Count and total per $col over the default window, through the ORM."""
    since = date.today() - timedelta(days=DEFAULT_DAYS)
    rows = ($M.objects.filter(created_at__date__gte=since)
            .values("$col").annotate(n=Count("id"), total=Sum("amount")).order_by("-total"))
    return JsonResponse({"rows": list(rows)}, json_dumps_params={"default": str})
''', r'''
@login_required
def export_csv(request):
    """The default window as CSV, newest first."""
    since = date.today() - timedelta(days=DEFAULT_DAYS)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="$ws.csv"'
    response.write("id,$col,status,amount\r\n")
    for r in $M.objects.filter(created_at__date__gte=since).values_list("id", "$col", "status", "amount"):
        response.write(",".join(str(v) for v in r) + "\r\n")
    return response
''']


def _report_query(c, safe, col, M):
    kind = c.pick("cursor", "raw", "extra")
    if kind == "cursor":
        if safe:
            where, args = f"WHERE {col} = %s AND created_at >= %s", "[value, since]"
        else:
            where, args = f"WHERE {col} = '{{value}}' AND created_at >= %s", "[since]"
        mark = "" if safe else "  #@V"
        return "_daily_rows", sub(f'''
            def _daily_rows(value: str, since: date) -> list[dict]:
                """Per-day count and total for one {col}."""
                sql = (
                    f"SELECT DATE(created_at) AS day, COUNT(*) AS n, SUM(amount) AS total FROM {{TABLE}} "
                    f"{where} GROUP BY DATE(created_at) ORDER BY day"{mark}
                )
                with connection.cursor() as cursor:
                    cursor.execute(sql, {args}){mark}
                    cols = [d[0] for d in cursor.description]
                    return [dict(zip(cols, row)) for row in cursor.fetchall()]
        ''')
    if kind == "raw":
        if safe:
            where, args = f"WHERE {col} = %s AND created_at >= %s", "[value, since]"
        else:
            where, args = f"WHERE {col} = '{{value}}' AND created_at >= %s", "[since]"
        mark = "" if safe else "  #@V"
        return "_largest", sub(f'''
            def _largest(value: str, since: date, limit: int = 25) -> list[dict]:
                """The largest $ws of one {col}; raw() because of the NULLS LAST ordering."""
                sql = (f"SELECT id, {col}, status, amount, created_at FROM {{TABLE}} "
                       f"{where} ORDER BY amount DESC NULLS LAST LIMIT {{int(limit)}}"){mark}
                found = {M}.objects.raw(sql, {args}){mark}
                return [{{"id": o.id, "status": o.status, "amount": str(o.amount)}} for o in found]
        ''')
    if safe:
        extra = f'.extra(where=[f"LOWER({{TABLE}}.{col}) = LOWER(%s)"], params=[value])'
    else:
        extra = f'.extra(where=[f"LOWER({{TABLE}}.{col}) = LOWER(\'{{value}}\')"])  #@V'
    return "_matching", sub(f'''
        def _matching(value: str, since: date) -> list[dict]:
            """$Ws of one {col}, compared case-insensitively in the database."""
            qs = ({M}.objects.filter(created_at__date__gte=since)
                  {extra}
                  .order_by("-created_at"))
            return list(qs.values("id", "status", "amount")[:200])
    ''')


def _report(c, safe):
    w, W = _w(c)
    col = c.pick("region", "channel", "category", "warehouse", "campus", "site")
    M = W + c.pick("", "Record", "Entry")
    fn, query = _report_query(c, safe, col, M)
    cbv = c.pick(True, False)
    if cbv:
        mixinimp = "\nfrom django.contrib.auth.mixins import LoginRequiredMixin"
        viewimp = "\nfrom django.views import View"
        view = sub(f'''
            class {W}ReportView(LoginRequiredMixin, View):
                """GET /reports/$ws/?{col}=...&days=..."""

                http_method_names = ["get"]

                def get(self, request, *args, **kwargs):
                    try:
                        value, since = _filters(request)
                    except ValueError as exc:
                        return JsonResponse({{"error": str(exc)}}, status=400)
                    rows = {fn}(value, since)
                    log.info("%s report by %s: %d rows", value, request.user.pk, len(rows))
                    return JsonResponse({{"{col}": value, "rows": rows}}, json_dumps_params={{"default": str}})
        ''')
    else:
        mixinimp = ""
        viewimp = "\nfrom django.views.decorators.http import require_GET"
        view = sub(f'''
            @login_required
            @require_GET
            def {w}_report(request):
                """GET /reports/$ws/?{col}=...&days=..."""
                try:
                    value, since = _filters(request)
                except ValueError as exc:
                    return JsonResponse({{"error": str(exc)}}, status=400)
                rows = {fn}(value, since)
                log.info("%s report by %s: %d rows", value, request.user.pk, len(rows))
                return JsonResponse({{"{col}": value, "rows": rows}}, json_dumps_params={{"default": str}})
        ''')
    extra = _opt(c, *_REPORT_EXTRA, least=2, most=3)
    clean = c.pick("", f"""
        def clean_{col}(self) -> str:
            value = self.cleaned_data["{col}"].strip()
            if not value:
                raise forms.ValidationError("{col} is required")
            return value
    """)
    return sub(_REPORT, query=query.rstrip("\n"), extra=extra, view=view.rstrip("\n"), viewimp=viewimp,
               mixinimp=mixinimp, clean=_ind(clean, 4) + "\n\n" if clean else "",
               col=col, M=M, W=W, ws=f"{w}s", Ws=f"{W}s", w=w, days=c.pick(30, 60, 90))


@fam("mod8-django-report-form-sqli", "CWE-89", fws=["django"], n=8, wrap=False)
def mod8_django_report_form_sqli(c):
    v, s = _replayed(c, _report)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the report filter form only checks length; its value travels through _filters into a hand-"
                      "written query (connection.cursor().execute, Model.objects.raw or QuerySet.extra(where=)) "
                      "inside quotes, so a quote in the query string rewrites the SQL. Django binds only what is "
                      "passed as params: the fix uses %s placeholders and passes the value")


@hardneg(2)
def mod8_django_report_form_sqli_hn(c):
    s = _report(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        ORDERINGS = {"day": "day", "total": "total DESC", "count": "n DESC"}


        def ranked_days(value: str, order: str = "total", limit: int = 10) -> list[tuple]:
            """Best days for one value; the ORDER BY comes from an allow-list, value and limit are bound."""
            sql = (f"SELECT DATE(created_at) AS day, COUNT(*) AS n, SUM(amount) AS total FROM {TABLE} "
                   f"WHERE status = %s GROUP BY DATE(created_at) ORDER BY {ORDERINGS.get(order, 'day')} LIMIT %s")
            with connection.cursor() as cursor:
                cursor.execute(sql, [value, min(int(limit), 100)])
                return cursor.fetchall()
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="django",
                notes="hand-written Django SQL with %s params for every value; only allow-listed ORDER BY "
                      "fragments and the model's own table name are formatted into the text")


# ---------------- CWE-79: admin display column wraps customer text in mark_safe ----------------

_ADMIN = r'''
"""Django admin for $ws: list columns, filters and bulk actions for the $team team.

$Field text is typed by customers on the public site and is shown in the changelist."""
from __future__ import annotations

import csv
import logging

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .models import $M, $Child

log = logging.getLogger(__name__)

STATUS_COLOURS = {"open": "#2e7d32", "pending": "#f9a825", "closed": "#757575"}
PREVIEW_CHARS = $chars


class $ChildInline(admin.TabularInline):
    model = $Child
    extra = 0
    fields = ("author", "body", "created_at")
    readonly_fields = ("created_at",)


@admin.register($M)
class $MAdmin(admin.ModelAdmin):
    list_display = ("id", $cols)
    list_filter = ("status", "created_at")
    search_fields = ("$field", "customer__email")
    inlines = [$ChildInline]
    actions = [$acts]
$attrs

$methods


$childadmin
'''

_ADMIN_OPT = {
    "status_badge": r'''
@admin.display(description="Status", ordering="status")
def status_badge(self, obj):
    colour = STATUS_COLOURS.get(obj.status, "#000000")
    return format_html('<span style="color: {};">{}</span>', colour, obj.get_status_display())
''',
    "customer_link": r'''
@admin.display(description="Customer")
def customer_link(self, obj):
    url = reverse("admin:auth_user_change", args=[obj.customer_id])
    return format_html('<a href="{}">{}</a>', url, obj.customer.email)
''',
    "reply_count": r'''
@admin.display(description="Replies", ordering="reply_count")
def reply_count(self, obj):
    return obj.reply_count
''',
    "labels": r'''
@admin.display(description="Labels")
def labels(self, obj):
    return format_html_join(" ", '<span class="label">{}</span>', ((t.name,) for t in obj.tags.all()[:5]))
''',
}

_ADMIN_ACTS = {
    "close_selected": r'''
@admin.action(description="Close selected $ws", permissions=["change"])
def close_selected(self, request, queryset):
    updated = queryset.exclude(status="closed").update(status="closed")
    log.info("%s closed %d $ws", request.user, updated)
    self.message_user(request, f"{updated} $ws closed.", messages.SUCCESS)
''',
    "reopen_selected": r'''
@admin.action(description="Reopen selected $ws", permissions=["change"])
def reopen_selected(self, request, queryset):
    updated = queryset.filter(status="closed").update(status="open")
    self.message_user(request, f"{updated} $ws reopened.", messages.INFO)
''',
    "export_csv": r'''
@admin.action(description="Export selected $ws as CSV")
def export_csv(self, request, queryset):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="$ws.csv"'
    writer = csv.writer(response)
    writer.writerow(["id", "status", "customer", "created"])
    for obj in queryset.select_related("customer"):
        writer.writerow([obj.pk, obj.status, obj.customer.email, obj.created_at.isoformat()])
    return response
''',
}

_ADMIN_MORE = [r'''
def has_delete_permission(self, request, obj=None):
    """$Ws are closed, never deleted, except by superusers."""
    return request.user.is_superuser
''', r'''
def save_model(self, request, obj, form, change):
    if not change and obj.assigned_to_id is None:
        obj.assigned_to = request.user
    super().save_model(request, obj, form, change)
    log.info("%s saved $w %s (change=%s)", request.user, obj.pk, change)
''', r'''
def get_readonly_fields(self, request, obj=None):
    ro = ["created_at", "customer"]
    if obj is not None and obj.status == "closed":
        ro.append("status")
    return ro
''']

_ADMIN_CHILD = r'''
@admin.register($Child)
class $ChildAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "created_at", "body_excerpt")
    list_select_related = ("author",)
    search_fields = ("body",)

    @admin.display(description="Body")
    def body_excerpt(self, obj):
        return Truncator(obj.body).words(12)
'''


def _admin_weak(c, safe, field):
    kind = c.pick("fstring", "inner", "join")
    if kind == "fstring":
        ret = (f"return format_html('<span title=\"{{}}\">{{}}</span>', obj.{field}, text)" if safe else
               f"return mark_safe(f'<span title=\"{{obj.{field}}}\">{{text}}</span>')  #@V")
        return sub(f'''
            @admin.display(description="{field.replace("_", " ").capitalize()}")
            def {field}_preview(self, obj):
                text = Truncator(obj.{field}).chars(PREVIEW_CHARS)
                {ret}
        ''')
    if kind == "inner":
        arg = "text" if safe else "mark_safe(text)"
        mark = "" if safe else "  #@V"
        return sub(f'''
            @admin.display(description="{field.replace("_", " ").capitalize()}")
            def {field}_preview(self, obj):
                text = Truncator(obj.{field}).chars(PREVIEW_CHARS)
                return format_html('<em class="preview">{{}}</em>', {arg}){mark}
        ''')
    ret = ('return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))' if safe else
           'return mark_safe("<br>".join(lines))  #@V')
    return sub(f'''
        @admin.display(description="{field.replace("_", " ").capitalize()}")
        def {field}_preview(self, obj):
            lines = Truncator(obj.{field}).chars(PREVIEW_CHARS).splitlines()[:4]
            {ret}
    ''')


def _admin(c, safe):
    team, M, field, Child = c.pick(("support", "Ticket", "subject", "Reply"),
                                   ("front desk", "Booking", "guest_note", "Message"),
                                   ("course", "CourseReview", "feedback", "Comment"),
                                   ("billing", "Dispute", "dispute_reason", "Note"),
                                   ("field service", "DeviceIssue", "symptoms", "Update"),
                                   ("people", "LeaveRequest", "reason", "Remark"))
    w = "".join("_" + ch.lower() if ch.isupper() else ch for ch in M).lstrip("_").replace("_", " ")
    opts = c.rng.sample(sorted(_ADMIN_OPT), c.rng.randint(2, 4))
    acts = c.rng.sample(sorted(_ADMIN_ACTS), c.rng.randint(1, 3))
    weak = _admin_weak(c, safe, field)
    more = c.rng.sample(_ADMIN_MORE, c.rng.randint(1, 2))
    blocks = [_ADMIN_OPT[o] for o in opts] + [weak] + [_ADMIN_ACTS[a] for a in acts] + more
    c.rng.shuffle(blocks)
    if "reply_count" in opts:
        blocks.insert(0, f'''
            def get_queryset(self, request):
                return super().get_queryset(request).annotate(reply_count=Count("{Child.lower()}s"))
        ''')
    cols = [f'"{field}_preview"'] + [f'"{o}"' for o in opts]
    c.rng.shuffle(cols)
    attrs = c.rng.sample(['    date_hierarchy = "created_at"', f"    list_per_page = {c.pick(25, 50, 100)}",
                          '    list_select_related = ("customer",)', '    ordering = ("-created_at",)'],
                         c.rng.randint(1, 3))
    methods = "\n\n".join(_ind(b, 4) for b in blocks)
    child = _ADMIN_CHILD if c.pick(True, False) else ""
    return sub(_ADMIN, methods=methods, cols=", ".join(cols), acts=", ".join(f'"{a}"' for a in acts),
               attrs="\n".join(attrs), childadmin=child, team=team, Field=field.replace("_", " ").capitalize(),
               field=field, Child=Child, M=M, ws=f"{w}s", Ws=f"{w.capitalize()}s", w=w, chars=c.pick(60, 80, 120))


@fam("mod8-django-admin-display-xss", "CWE-79", fws=["django"], n=8, wrap=False)
def mod8_django_admin_display_xss(c):
    v, s = _replayed(c, _admin)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="an admin list_display method marks customer-entered text safe (mark_safe around an f-string, "
                      "a join, or an argument of format_html), so markup typed on the public site runs in the staff "
                      "changelist (stored XSS against admins). The fix lets format_html / format_html_join escape it")


@hardneg(2)
def mod8_django_admin_display_xss_hn(c):
    s = _admin(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        EMPTY = mark_safe('<span class="muted">&mdash;</span>')


        def yes_no(flag: bool) -> str:
            """A constant icon; nothing user-provided is marked safe."""
            return format_html('<img src="/static/admin/img/icon-{}.svg" alt="{}">', "yes" if flag else "no", flag)
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="django",
                notes="admin columns built with format_html / format_html_join; mark_safe only wraps constant markup")


# ---------------- CWE-22: a requested file name joined under a storage root ----------------

_FILES = r'''
"""$Area file views: $things attached to a $parent, stored on disk under $ROOT_SETTING.

Files are written by the upload view with generated names; the download view serves them back."""
from __future__ import annotations

import logging
import mimetypes
import os
import uuid
from pathlib import Path$imp

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from .models import $Parent

log = logging.getLogger(__name__)

ROOT = Path(settings.$ROOT_SETTING)
MAX_LISTED = $maxn
MAX_BYTES = $mb * 1024 * 1024
ALLOWED_SUFFIXES = {".pdf", ".png", ".jpg", ".docx", ".txt"}


def _parent_for(user, pk: int) -> $Parent:
    """The $parent, if the user may see its files."""
    obj = get_object_or_404($Parent, pk=pk)
    if not obj.members.filter(pk=user.pk).exists():
        raise PermissionDenied
    return obj


def _folder(obj: $Parent) -> Path:
    return ROOT / str(obj.pk)


$extra


$view
'''

_FILES_EXTRA = [r'''
@login_required
@require_GET
def list_files(request, pk: int):
    """Names and sizes of the files of one $parent."""
    folder = _folder(_parent_for(request.user, pk))
    if not folder.is_dir():
        return JsonResponse({"files": []})
    entries = sorted(folder.iterdir(), key=lambda p: p.name)[:MAX_LISTED]
    return JsonResponse({"files": [{"name": p.name, "size": p.stat().st_size} for p in entries if p.is_file()]})
''', r'''
def _content_type(name: str) -> str:
    """A content type from the extension; unknown files download as bytes."""
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"
''', r'''
@login_required
@require_GET
def usage(request, pk: int):
    """Bytes used by one $parent's files."""
    folder = _folder(_parent_for(request.user, pk))
    total = sum(p.stat().st_size for p in folder.glob("*") if p.is_file()) if folder.is_dir() else 0
    return JsonResponse({"bytes": total, "quota": settings.$ROOT_SETTING_QUOTA})
''', r'''
@login_required
@require_POST
def upload(request, pk: int):
    """Store an upload under a generated name; the client's name is only logged."""
    obj = _parent_for(request.user, pk)
    incoming = request.FILES.get("file")
    if incoming is None or incoming.size > MAX_BYTES:
        return JsonResponse({"error": "missing or too large"}, status=400)
    suffix = Path(incoming.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return JsonResponse({"error": "file type not allowed"}, status=400)
    folder = _folder(obj)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}{suffix}"
    with open(folder / stored, "wb") as fh:
        for chunk in incoming.chunks():
            fh.write(chunk)
    log.info("user %s uploaded %r as %s", request.user.pk, incoming.name, stored)
    return JsonResponse({"name": stored}, status=201)
''']


def _files_view(c, safe, src):
    join = c.pick("pathlib", "ospath")
    if join == "pathlib":
        if safe:
            path = ("    path = (folder / name).resolve()\n"
                    "    if not path.is_relative_to(folder.resolve()):\n"
                    "        raise Http404(\"no such file\")")
        else:
            path = "    path = folder / name  #@V"
    else:
        path = ("    path = os.path.join(folder, os.path.basename(name))" if safe else
                "    path = os.path.join(folder, name)  #@V")
    mark = "" if safe else "  #@V"
    return sub(f'''
        @login_required
        @require_GET
        def download(request, pk: int{src[0]}):
            """One file of a $parent, as an attachment{src[2]}."""
            folder = _folder(_parent_for(request.user, pk))
            {src[1]}
        $path
            if not os.path.isfile(path):
                raise Http404("no such file")
            log.info("user %s downloads %s of $parent %s", request.user.pk, name, pk)
            return FileResponse(open(path, "rb"), as_attachment=True, filename=os.path.basename(name)){mark}
    ''', path=path)


def _files(c, safe):
    area, things, Parent, root = c.pick(("Course", "lesson materials", "Course", "COURSE_FILES_ROOT"),
                                        ("HR", "employee documents", "Employee", "HR_DOCUMENTS_ROOT"),
                                        ("Helpdesk", "ticket attachments", "Ticket", "ATTACHMENTS_ROOT"),
                                        ("Booking", "booking vouchers", "Booking", "VOUCHER_ROOT"))
    parent = Parent.lower()
    how = c.pick("get", "kwarg", "header")
    if how == "get":
        src = ("", 'name = request.GET.get("file", "")  #@S', "")
        imp = ""
    elif how == "kwarg":
        # urls.py: path("<int:pk>/files/<path:name>", views.download)
        src = (", name: str", 'name = name.strip()  #@S', " (URL: <int:pk>/files/<path:name>)")
        imp = ""
    else:
        src = ("", 'name = unquote(request.headers.get("X-File-Name", ""))  #@S', "")
        imp = "\nfrom urllib.parse import unquote"
    view = _files_view(c, safe, src)
    extra = _opt(c, *_FILES_EXTRA, least=2, most=3)
    return sub(sub(_FILES, view=view.rstrip("\n"), extra=extra), imp=imp, Area=area, mb=c.pick(10, 20, 50), things=things, Parent=Parent,
               parent=parent, ROOT_SETTING=root, maxn=c.pick(200, 500, 1000))


@fam("mod8-django-file-view-traversal", "CWE-22", fws=["django"], n=8, wrap=False)
def mod8_django_file_view_traversal(c):
    v, s = _replayed(c, _files)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the download view joins a requested file name (query string, <path:> URL segment or header) "
                      "under the parent's folder and opens it; '../' segments or an absolute name leave the folder and "
                      "serve any file the app can read. The fix resolves the path and requires it to stay under the "
                      "folder, or keeps only the base name")


@hardneg(2)
def mod8_django_file_view_traversal_hn(c):
    s = _files(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        from django.core.files.storage import FileSystemStorage  # noqa: E402


        def open_via_storage(obj, name: str):
            """FileSystemStorage.path() uses safe_join and raises SuspiciousFileOperation outside its location."""
            storage = FileSystemStorage(location=str(_folder(obj)))
            return storage.open(name, "rb")
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="django",
                notes="file names are reduced to a base name or resolved and checked against the folder; storage.open "
                      "goes through FileSystemStorage's safe_join")


# ---------------- CWE-352: a state change reachable by GET (outside the CSRF middleware) ----------------

_GETACT = r'''
"""$Area views: $things list, detail and the $verb action for $actors.

CsrfViewMiddleware is enabled project-wide; it checks POST, PUT, PATCH and DELETE requests only."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, ListView, RedirectView

from .models import $M

log = logging.getLogger("$w.views")

PAGE_SIZE = $page
STALE_AFTER = timedelta(days=$stale)


class $MListView(LoginRequiredMixin, ListView):
    model = $M
    paginate_by = PAGE_SIZE
    template_name = "$w/list.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("$owner").order_by("-created_at")
        status = self.request.GET.get("status")
        return qs.filter(status=status) if status else qs


$extra


$action
'''

_GETACT_EXTRA = [r'''
class $MDetailView(LoginRequiredMixin, DetailView):
    model = $M
    template_name = "$w/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["is_stale"] = timezone.now() - self.object.created_at > STALE_AFTER
        return ctx
''', r'''
@login_required
@require_POST
def add_comment(request, pk: int):
    """Comments are posted from the detail page's form (CSRF token included)."""
    obj = get_object_or_404($M, pk=pk)
    body = request.POST.get("body", "").strip()[:2000]
    if body:
        obj.comments.create(author=request.user, body=body)
    return redirect("$w:detail", pk=pk)
''', r'''
@login_required
@require_GET
def stale_overview(request):
    """Read-only page of $things nobody touched for a while."""
    cutoff = timezone.now() - STALE_AFTER
    items = $M.objects.filter(status="$from_state", created_at__lt=cutoff).order_by("created_at")[:PAGE_SIZE]
    return render(request, "$w/stale.html", {"items": items, "cutoff": cutoff})
''']


def _getact_action(c, safe):
    shape = c.pick("view", "redirect", "fbv")
    if shape == "view":
        head = "def post(self, request, pk: int):" if safe else "def get(self, request, pk: int):  #@V"
        return sub(f'''
            class $VerbView(LoginRequiredMixin, PermissionRequiredMixin, View):
                """$Verb one $w; linked from the list page."""

                permission_required = "$app.$perm"

                {head}
                    obj = get_object_or_404($M, pk=pk, status="$from_state")
                    obj.status = "$to_state"
                    obj.$by_field = request.user
                    obj.save(update_fields=["status", "$by_field"])  #@V
                    log.info("%s: $w %s by %s", "$verb", pk, request.user.pk)
                    messages.success(request, "$W $done.")
                    return redirect("$w:list")
        ''')
    if shape == "redirect":
        methods = '    http_method_names = ["post"]\n' if safe else ""
        gmark = "" if safe else "  #@V"
        return sub(f'''
            class $VerbView(LoginRequiredMixin, PermissionRequiredMixin, RedirectView):
                """$Verb one $w, then go back to the list."""

                permission_required = "$app.$perm"
                pattern_name = "$w:list"
            {methods}
                def get_redirect_url(self, *args, **kwargs):{gmark}
                    obj = get_object_or_404($M, pk=kwargs.pop("pk"), status="$from_state")
                    obj.status = "$to_state"
                    obj.save(update_fields=["status"])  #@V
                    log.info("%s: $w %s by %s", "$verb", obj.pk, self.request.user.pk)
                    return super().get_redirect_url(*args, **kwargs)
        ''')
    deco = "@require_POST" if safe else "@require_GET  #@V"
    return sub(f'''
        @login_required
        @permission_required("$app.$perm", raise_exception=True)
        {deco}
        def $verb_$w(request, pk: int):
            """$Verb one $w; the button is on the detail page."""
            obj = get_object_or_404($M, pk=pk, status="$from_state")
            obj.status = "$to_state"
            obj.save(update_fields=["status"])  #@V
            log.info("%s: $w %s by %s", "$verb", pk, request.user.pk)
            messages.success(request, "$W $done.")
            return redirect("$w:detail", pk=pk)
    ''')


def _getact(c, safe):
    area, app, M, w, verb, from_state, to_state, done, actors, owner = c.pick(
        ("HR", "timesheets", "Timesheet", "timesheet", "approve", "submitted", "approved", "approved", "managers", "employee"),
        ("Booking", "bookings", "Booking", "booking", "cancel", "confirmed", "cancelled", "cancelled", "guests", "guest"),
        ("Helpdesk", "helpdesk", "Ticket", "ticket", "close", "open", "closed", "closed", "agents", "requester"),
        ("Billing", "billing", "Invoice", "invoice", "void", "issued", "void", "voided", "accountants", "customer"),
        ("LMS", "courses", "Enrollment", "enrollment", "withdraw", "active", "withdrawn", "withdrawn", "registrars", "student"),
        ("IoT", "devices", "Device", "device", "decommission", "active", "retired", "decommissioned", "operators", "site"))
    perm = f"change_{M.lower()}"
    action = _getact_action(c, safe)
    extra = _opt(c, *_GETACT_EXTRA, least=1, most=3)
    by_field = c.pick("reviewed_by", "updated_by", "handled_by")
    return sub(sub(_GETACT, action=action.rstrip("\n"), extra=extra), Area=area, things=f"{w}s", Verb=verb.capitalize(),
               verb=verb, actors=actors, from_state=from_state, to_state=to_state, done=done, owner=owner, app=app,
               perm=perm, by_field=by_field, M=M, W=w.capitalize(), w=w, page=c.pick(20, 25, 50),
               stale=c.pick(7, 14, 30))


@fam("mod8-django-state-change-on-get", "CWE-352", fws=["django"], n=8, wrap=False)
def mod8_django_state_change_on_get(c):
    v, s = _replayed(c, _getact)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the action changes state when it is requested with GET (View.get, RedirectView.get_redirect_url "
                      "or @require_GET); Django's CsrfViewMiddleware does not check safe methods, and the default "
                      "SameSite=Lax session cookie is still sent on top-level GET navigations, so a link or redirect "
                      "on another site makes a logged-in user's browser perform it. The fix accepts POST only, "
                      "which the middleware protects")


@hardneg(2)
def mod8_django_state_change_on_get_hn(c):
    s = _getact(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        @login_required
        @require_GET
        def export_status(request, pk: int):
            """GET only reads: the export's status, for polling."""
            job = get_object_or_404(request.user.export_jobs, pk=pk)
            return render(request, "exports/status.html", {"job": job, "done": job.finished_at is not None})
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="django",
                notes="every state change is POST-only (protected by CsrfViewMiddleware); GET views only read")


# ---------------- CWE-639: a generic CBV looks objects up without the owner scope ----------------

_SCOPE = r'''
"""$Area: the $things of the signed-in $owner (list, detail, edit and $extra_word).

Every lookup goes through visible_$ws() so one $owner never sees another's $things."""
from __future__ import annotations

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.views.generic import DetailView, ListView, UpdateView, View

from .forms import $MForm
from .models import $M

log = logging.getLogger(__name__)

PAGE_SIZE = $page


def visible_$ws(user) -> QuerySet:
    """The $things a user may open: their own, or all of them for staff."""
    qs = $M.objects.select_related("$owner_field")
    return qs if user.is_staff else qs.filter($owner_field=user)


class $MListView(LoginRequiredMixin, ListView):
    template_name = "$w/list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return visible_$ws(self.request.user).order_by("-created_at")


$views
'''

_SCOPE_VIEWS = {
    "detail": (r'''
class $MDetailView(LoginRequiredMixin, DetailView):
    template_name = "$w/detail.html"
    slug_field = "reference"
    slug_url_kwarg = "reference"

    $QS
''', '''queryset = $M.objects.all()  #@V''', '''def get_queryset(self):
    return visible_$ws(self.request.user)'''),
    "update": (r'''
class $MUpdateView(LoginRequiredMixin, UpdateView):
    form_class = $MForm
    template_name = "$w/edit.html"
    success_url = reverse_lazy("$w:list")

    $QS

    def form_valid(self, form):
        log.info("user %s edits $w %s", self.request.user.pk, self.object.pk)
        return super().form_valid(form)
''', '''queryset = $M.objects.all()  #@V''', '''def get_queryset(self):
    return visible_$ws(self.request.user)'''),
    "file": (r'''
class $MPdfView(LoginRequiredMixin, View):
    """The rendered PDF of one $w."""

    def get(self, request, pk: int):
        $QS
        if not obj.pdf:
            raise Http404("no PDF yet")
        return FileResponse(obj.pdf.open("rb"), as_attachment=True, filename=f"$w-{obj.pk}.pdf")
''', '''obj = get_object_or_404($M, pk=pk)  #@V''', '''obj = get_object_or_404(visible_$ws(request.user), pk=pk)'''),
}


def _scope(c, safe):
    area, M, w, owner, owner_field = c.pick(
        ("Billing portal", "Invoice", "invoice", "customer", "account"),
        ("Travel bookings", "Reservation", "reservation", "guest", "guest"),
        ("Expense claims", "ExpenseClaim", "claim", "employee", "submitted_by"),
        ("Coursework", "Submission", "submission", "student", "student"),
        ("Support", "Ticket", "ticket", "requester", "requester"),
        ("Lab results", "LabReport", "report", "patient", "patient"))
    names = list(_SCOPE_VIEWS)
    # the unscoped `queryset = Model.objects.all()` attribute of a generic view is the sink shape of the
    # held-out idor-drf-queryset family (DRF generic views share it), so only the download view is weak here
    weak = "file"
    others = [n for n in names if n != weak]
    chosen = [weak] + c.rng.sample(others, c.rng.randint(1, 2))
    c.rng.shuffle(chosen)
    blocks = []
    for n in chosen:
        tmpl, vq, sq = _SCOPE_VIEWS[n]
        q = vq if (n == weak and not safe) else sq
        if n != weak:
            q = sq
        # multi-line replacements keep the indentation of the $QS line
        ind = " " * (8 if n == "file" else 4)
        q = q.replace("\n", "\n" + ind) if n != "file" else q
        blocks.append(dedent(tmpl).replace("$QS", q.replace("  #@V", "  #@V") if n == weak else q))
    views = "\n\n\n".join(b.strip("\n") for b in blocks)
    extra_word = "PDF download" if "file" in chosen else "history"
    return sub(sub(_SCOPE, views=views), Area=area, things=f"{w}s", owner=owner, owner_field=owner_field,
               extra_word=extra_word, M=M, ws=f"{w}s", w=w, page=c.pick(20, 25, 50))


@fam("mod8-django-cbv-unscoped-lookup", "CWE-639", fws=["django"], n=8, wrap=False)
def mod8_django_cbv_unscoped_lookup(c):
    v, s = _replayed(c, _scope)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the list view and the generic views beside it scope their queryset to the signed-in owner, but the "
                      "PDF download "
                      "view looks the object up with get_object_or_404 on the model itself, so any logged-in user can "
                      "download another owner's record by changing the pk in the URL. The "
                      "fix looks it up in visible_*() like the list")


@hardneg(2)
def mod8_django_cbv_unscoped_lookup_hn(c):
    s = _scope(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        from django.contrib.auth.mixins import PermissionRequiredMixin  # noqa: E402


        class AllRecordsAuditView(PermissionRequiredMixin, ListView):
            """Auditors see everything: the unscoped queryset is behind a model permission."""

            permission_required = "audit.view_all_records"
            template_name = "audit/all.html"
            paginate_by = 100

            def get_queryset(self):
                return $M.objects.all().order_by("-created_at")
    ''').strip("\n").replace("$M", s.split("from .models import ", 1)[1].split("\n", 1)[0].strip()) + "\n"
    return Spec(s=s, full=True, fw="django",
                notes="owner-scoped lookups everywhere; the one unscoped queryset is behind PermissionRequiredMixin")


# ---------------- CWE-200: a DRF serializer's secret field is readable (not write_only) ----------------

_DRF = r'''
"""$Area API (Django REST framework): serializers and views for $things.

The same serializer validates input and renders every response of these views."""
from __future__ import annotations

import logging

$djimpfrom django.db import transaction
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

$modelimp

log = logging.getLogger("$app.api")

MAX_PER_$OWNERU = $maxn


class $MSerializer(serializers.ModelSerializer):
    """Input and output of the $thing endpoints."""

$declared    class Meta:
        model = $M
        fields = ($fields)
        read_only_fields = ("id", "$rocol")
$extrakw
$validate

    def create(self, validated_data):
$create


$views
'''

_DRF_KINDS = {
    "user": dict(
        Area="Accounts", thing="account", M="User", app="accounts", OWNERU="IP", secret="password",
        modelimp="User = get_user_model()", djimp="from django.contrib.auth import get_user_model\n",
        fields='"id", "username", "email", "password", "date_joined"', created="date_joined",
        declared_kw="min_length=12, max_length=128", extra_kw='"min_length": 12',
        validate='''
def validate_email(self, value: str) -> str:
    if User.objects.filter(email__iexact=value).exists():
        raise serializers.ValidationError("an account with this e-mail exists")
    return value.lower()
''',
        create='''
        user = User.objects.create_user(**validated_data)
        log.info("account %s created", user.pk)
        return user
'''),
    "webhook": dict(
        Area="Integrations", thing="webhook", M="Webhook", app="integrations", OWNERU="ORG", secret="secret",
        modelimp="from .models import Webhook",
        fields='"id", "url", "events", "secret", "active", "created_at"', created="created_at",
        declared_kw="min_length=16, max_length=64", extra_kw='"min_length": 16',
        validate='''
def validate_url(self, value: str) -> str:
    if not value.startswith("https://"):
        raise serializers.ValidationError("webhooks must use https")
    return value
''',
        create='''
        validated_data["organization"] = self.context["request"].user.organization
        return super().create(validated_data)
'''),
    "relay": dict(
        Area="Mail relay", thing="relay", M="MailRelay", app="mailrelay", OWNERU="ORG", secret="smtp_password",
        modelimp="from .models import MailRelay",
        fields='"id", "host", "port", "smtp_user", "smtp_password", "use_tls", "created_at"', created="created_at",
        declared_kw="max_length=256", extra_kw='"max_length": 256',
        validate='''
def validate_port(self, value: int) -> int:
    if value not in (25, 465, 587, 2525):
        raise serializers.ValidationError("unsupported SMTP port")
    return value
''',
        create='''
        validated_data["organization"] = self.context["request"].user.organization
        relay = super().create(validated_data)
        log.info("mail relay %s added for org %s", relay.pk, relay.organization_id)
        return relay
'''),
}

_DRF_VIEWS = {
    "user": [r'''
class SignupView(generics.CreateAPIView):
    """POST /accounts/signup/ -> the new account."""

    serializer_class = $MSerializer
    permission_classes = [permissions.AllowAny]
    throttle_scope = "signup"
''', r'''
class MeView(generics.RetrieveAPIView):
    """GET /accounts/me/"""

    serializer_class = $MSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user
''', r'''
class AccountListView(generics.ListAPIView):
    """GET /accounts/ (staff directory)."""

    serializer_class = $MSerializer
    permission_classes = [permissions.IsAdminUser]
    queryset = User.objects.filter(is_active=True).order_by("username")
'''],
    "org": [r'''
class $MListCreateView(generics.ListCreateAPIView):
    """GET lists the organization's $things, POST adds one."""

    serializer_class = $MSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return $M.objects.filter(organization=self.request.user.organization).order_by("-created_at")

    @transaction.atomic
    def perform_create(self, serializer):
        if self.get_queryset().count() >= MAX_PER_ORG:
            raise serializers.ValidationError("limit reached")
        serializer.save()
''', r'''
class $MDetailView(generics.RetrieveUpdateDestroyAPIView):
    """GET / PATCH / DELETE one $thing of the organization."""

    serializer_class = $MSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return $M.objects.filter(organization=self.request.user.organization)
''', r'''
class $MToggleView(generics.GenericAPIView):
    """POST toggles a $thing on or off."""

    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, pk: int):
        obj = generics.get_object_or_404($M, pk=pk, organization=request.user.organization)
        obj.active = not obj.active
        obj.save(update_fields=["active"])
        return Response({"id": obj.pk, "active": obj.active}, status=status.HTTP_200_OK)
'''],
}


def _drf(c, safe):
    kind = c.pick("user", "webhook", "relay")
    k = _DRF_KINDS[kind]
    style = c.pick("declared", "extra")
    sec = k["secret"]
    if style == "declared":
        kw = k["declared_kw"] + (", write_only=True" if safe else "")
        declared = f"    {sec} = serializers.CharField({kw})" + ("" if safe else "  #@V") + "\n\n"
        extrakw = ""
    else:
        declared = ""
        inner = ('"write_only": True, ' if safe else "") + k["extra_kw"]
        extrakw = f'        extra_kwargs = {{"{sec}": {{{inner}}}}}' + ("" if safe else "  #@V") + "\n"
    views = _DRF_VIEWS["user" if kind == "user" else "org"]
    if kind != "user" and "active" not in k["fields"]:
        views = views[:2]
    chosen = c.rng.sample(views, c.rng.randint(2, len(views)))
    fields = k["fields"]
    return sub(sub(_DRF, views="\n\n\n".join(dedent(v).strip("\n") for v in chosen),
                   validate=_ind(k["validate"], 4), create=dedent(k["create"]).strip("\n").replace("\n", "\n        ").join(["        ", ""]),
                   declared=declared, extrakw=extrakw),
               modelimp=k["modelimp"], djimp=k.get("djimp", ""), rocol=k["created"], Area=k["Area"], thing=k["thing"], things=k["thing"] + "s", M=k["M"], app=k["app"],
               OWNERU=k["OWNERU"], fields=fields, maxn=c.pick(10, 20, 50))


@fam("mod8-drf-secret-field-readable", "CWE-200", fws=["drf"], n=8, wrap=False)
def mod8_drf_secret_field_readable(c):
    v, s = _replayed(c, _drf)
    return Spec(v=v, s=s, full=True, fw="drf",
                notes="the ModelSerializer lists a secret (the account's password hash, the signing secret a client chose "
                      "for its webhook, an "
                      "SMTP relay password) among its fields without write_only, so every response of the views that "
                      "use it (signup, me, list, detail) returns the secret to the client. The fix makes the field "
                      "write_only: still accepted on input, never rendered")


@hardneg(2)
def mod8_drf_secret_field_readable_hn(c):
    s = _drf(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        class RotateSecretSerializer(serializers.Serializer):
            """Returned once, to the caller who rotated it; never part of the list or detail responses."""

            new_secret = serializers.CharField(read_only=True)
            rotated_at = serializers.DateTimeField(read_only=True)
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="drf",
                notes="the secret field is write_only; a one-time rotation response is its own serializer")
