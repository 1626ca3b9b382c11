"""Train-only whole-module families (libs19): Django ``views.py`` modules of applications no other family
uses (a clinic booking app, a library loans app, a volunteer rota, a recipe site, a conference CFP, a
school timetable). Each module holds several class-based and function views, a ModelForm, a model import,
``login_required`` and ``get_object_or_404`` scoped to the signed-in user, and exactly one weak statement:

- CWE-79: a staff board builds HTML with ``mark_safe``/``format_html`` around a user-entered field
  (the twin passes the field as a ``format_html`` placeholder);
- CWE-89: a report view puts a query-string value into a ``RawSQL`` annotation (the twin binds it as a
  parameter; the ``cursor.execute`` f-string shape is left to ``mod8-django-report-form-sqli``);
- CWE-22: a download view opens ``os.path.join(MEDIA_ROOT, ..., name)`` from the query string (the twin
  serves the FileField of the user's own object);
- CWE-918: a link-preview view fetches any URL the user posts (the twin allow-lists https hosts);
- CWE-862: one approve/delete view lacks its ``permission_required`` check;
- CWE-209: a JSON view returns the text of a payment or mail backend exception (the twin logs it and
  answers a generic message).

Each family adds a ``@hardneg(10)`` builder: safe modules dense with the same idioms used correctly.
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill  # noqa: F401

_STDLIB = _web._STDLIB | {"csv", "io", "mimetypes", "pathlib", "smtplib", "shutil", "tempfile", "zipfile"}
compose, pair = _web.with_stdlib(_STDLIB)

_APPS = [
    dict(app="clinic", App="Clinic", Model="Appointment", model="appointment", ws="appointments", owner="patient",
         title="reason", note="notes", date="slot", file="referral_letter", what="booking"),
    dict(app="loans", App="Library loans", Model="Loan", model="loan", ws="loans", owner="borrower",
         title="title", note="comment", date="due_on", file="receipt", what="loan"),
    dict(app="rota", App="Volunteer rota", Model="Shift", model="shift", ws="shifts", owner="volunteer",
         title="role", note="notes", date="starts_at", file="briefing", what="shift"),
    dict(app="recipes", App="Recipe site", Model="Recipe", model="recipe", ws="recipes", owner="author",
         title="title", note="method", date="publish_on", file="print_card", what="recipe"),
    dict(app="cfp", App="Conference CFP", Model="Proposal", model="proposal", ws="proposals", owner="speaker",
         title="title", note="abstract", date="submitted_at", file="slides", what="proposal"),
    dict(app="timetable", App="School timetable", Model="Lesson", model="lesson", ws="lessons", owner="teacher",
         title="subject", note="room_note", date="starts_at", file="worksheet", what="lesson"),
]

_DOC = '''Views of the $App app ($ws of the signed-in user, staff pages behind permissions).

Every lookup of a $model is scoped to ``request.user`` unless the view is a staff view with its own
permission; templates live under ``templates/$app/``.
'''


def _kw(c):
    a = dict(c.pick(*_APPS))
    a["page"] = c.pick(10, 20, 25, 50)
    a["Form"] = a["Model"] + c.pick("Form", "EditForm")
    return a


def _pool(c):
    """Safe views shared by every module: list, detail, create, update, owner-scoped cancel, search, export."""
    return [
        P("form", rank=1, imp="from django import forms\nfrom .models import $Model", body='''
            class $Form(forms.ModelForm):
                class Meta:
                    model = $Model
                    fields = ["$title", "$note", "$date"]

                def clean_$title(self):
                    value = self.cleaned_data["$title"].strip()
                    if len(value) < 3:
                        raise forms.ValidationError("Please enter at least three characters.")
                    return value
        '''),
        P("list", imp="from django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.views.generic import ListView\nfrom .models import $Model", body='''
            class $ModelListView(LoginRequiredMixin, ListView):
                model = $Model
                template_name = "$app/$model_list.html"
                paginate_by = $page

                def get_queryset(self):
                    return $Model.objects.filter($owner=self.request.user).order_by("-$date")
        '''),
        P("detail", imp="from django.contrib.auth.decorators import login_required\nfrom django.shortcuts import get_object_or_404, render\nfrom .models import $Model", body=c.pick('''
            @login_required
            def $model_detail(request, pk):
                $model = get_object_or_404($Model, pk=pk, $owner=request.user)
                return render(request, "$app/$model_detail.html", {"$model": $model})
        ''', '''
            @login_required
            def $model_detail(request, pk):
                """One $what of the signed-in user; someone else's id is a 404, not a 403."""
                $model = get_object_or_404($Model.objects.select_related("$owner"), pk=pk, $owner=request.user)
                context = {"$model": $model, "can_edit": $model.status == "draft"}
                return render(request, "$app/$model_detail.html", context)
        ''')),
        P("create", needs=["form"], imp="from django.contrib import messages\nfrom django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.urls import reverse_lazy\nfrom django.views.generic import CreateView\nfrom .models import $Model", body='''
            class $ModelCreateView(LoginRequiredMixin, CreateView):
                model = $Model
                form_class = $Form
                success_url = reverse_lazy("$app:$model-list")

                def form_valid(self, form):
                    form.instance.$owner = self.request.user
                    messages.success(self.request, "Your $what was saved.")
                    return super().form_valid(form)
        '''),
        P("update", needs=["form"], imp="from django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.urls import reverse_lazy\nfrom django.views.generic import UpdateView\nfrom .models import $Model", body='''
            class $ModelUpdateView(LoginRequiredMixin, UpdateView):
                form_class = $Form
                template_name = "$app/$model_form.html"
                success_url = reverse_lazy("$app:$model-list")

                def get_queryset(self):
                    return $Model.objects.filter($owner=self.request.user)
        '''),
        P("cancel", imp="from django.contrib import messages\nfrom django.contrib.auth.decorators import login_required\nfrom django.shortcuts import get_object_or_404, redirect\nfrom django.views.decorators.http import require_POST\nfrom .models import $Model", body='''
            @login_required
            @require_POST
            def $model_withdraw(request, pk):
                $model = get_object_or_404($Model, pk=pk, $owner=request.user)
                $model.delete()
                messages.info(request, "The $what was removed.")
                return redirect("$app:$model-list")
        '''),
        P("search", imp="from django.contrib.auth.decorators import login_required\nfrom django.db.models import Q\nfrom django.shortcuts import render\nfrom .models import $Model", body='''
            @login_required
            def $model_search(request):
                term = request.GET.get("q", "").strip()[:80]
                qs = $Model.objects.filter($owner=request.user)
                if term:
                    qs = qs.filter(Q($title__icontains=term) | Q($note__icontains=term))
                return render(request, "$app/$model_list.html", {"object_list": qs[:50], "q": term})
        '''),
        P("export", imp="import csv\nfrom django.contrib.auth.decorators import login_required\nfrom django.http import HttpResponse\nfrom .models import $Model", body='''
            @login_required
            def $model_export(request):
                response = HttpResponse(content_type="text/csv")
                response["Content-Disposition"] = 'attachment; filename="$ws.csv"'
                writer = csv.writer(response)
                writer.writerow(["$title", "$date", "status"])
                for row in $Model.objects.filter($owner=request.user).values_list("$title", "$date", "status"):
                    writer.writerow(row)
                return response
        '''),
        P("counts", imp="from django.contrib.auth.decorators import login_required\nfrom django.db.models import Count\nfrom django.http import JsonResponse\nfrom .models import $Model", body='''
            @login_required
            def $model_counts(request):
                rows = $Model.objects.filter($owner=request.user).values("status").annotate(total=Count("id"))
                return JsonResponse({"counts": {r["status"]: r["total"] for r in rows}})
        '''),
        P("upcoming", imp="from django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.utils import timezone\nfrom django.views.generic import TemplateView\nfrom .models import $Model", body='''
            class Upcoming$ModelView(LoginRequiredMixin, TemplateView):
                template_name = "$app/upcoming.html"

                def get_context_data(self, **kwargs):
                    ctx = super().get_context_data(**kwargs)
                    qs = $Model.objects.filter($owner=self.request.user, $date__gte=timezone.now())
                    ctx["upcoming"] = qs.order_by("$date")[:10]
                    return ctx
        '''),
    ]


def _log():
    return P("log", rank=0, imp="import logging")


_LOG = "logger = logging.getLogger(__name__)"


def _spec(v, s, notes):
    return Spec(v=v, s=s, full=True, fw="django", notes=notes)


def _hn(c, core, notes):
    kw = _kw(c)
    s = compose(c, _DOC, _LOG, [_log()] + core(c, kw), _pool(c), kw, lo=86, hi=132)
    return Spec(s=s, full=True, fw="django", notes=notes)


# ---------------- CWE-79: staff board renders a user-entered field through mark_safe / an f-string ----------------

_BOARD = '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_board(request):
        """Staff overview of the next $ws of every user, one HTML line each."""
        rows = []
        for $model in $Model.objects.select_related("$owner").order_by("$date")[:$page]:
            $FIX
        return render(request, "$app/board.html", {"rows": rows, "total": len(rows)})
'''

_BOARD_IMP = ("from django.contrib.auth.decorators import permission_required\nfrom django.shortcuts import render\n"
              "from django.utils.html import escape, format_html\nfrom django.utils.safestring import mark_safe\nfrom .models import $Model")


@fam("mod19-django-staff-board-mark-safe", "CWE-79", fws=["django"], n=8, wrap=False)
def mod19_django_staff_board_mark_safe(c):
    kw = _kw(c)
    m, t, o, d = kw["model"], kw["title"], kw["owner"], kw["date"]
    shape = c.pick("fstring", "percent", "fh_fstring", "concat")
    if shape == "fstring":
        v = f'rows.append(mark_safe(f"<li><strong>{{{m}.{t}}}</strong> &middot; {{{m}.{o}}}</li>"))  #@V'
        s = f'rows.append(format_html("<li><strong>{{}}</strong> &middot; {{}}</li>", {m}.{t}, {m}.{o}))'
    elif shape == "percent":
        v = f'rows.append(mark_safe("<em>%s</em> (%s)" % ({m}.{t}, {m}.{d})))  #@V'
        s = f'rows.append(format_html("<em>{{}}</em> ({{}})", {m}.{t}, {m}.{d}))'
    elif shape == "fh_fstring":
        v = f'rows.append(format_html(f\'<span class="tag">{{{m}.{t}}}</span> {{{m}.{o}}}\'))  #@V'
        s = f'rows.append(format_html(\'<span class="tag">{{}}</span> {{}}\', {m}.{t}, {m}.{o}))'
    else:
        v = f'rows.append(mark_safe("<td>" + {m}.{t} + "</td><td>" + str({m}.{d}) + "</td>"))  #@V'
        s = f'rows.append(mark_safe("<td>" + escape({m}.{t}) + "</td><td>" + escape(str({m}.{d})) + "</td>"))'
    core = [_log(), P("board", imp=_BOARD_IMP, body=_BOARD)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, v, s, lo=86, hi=132)
    return _spec(v, s, "The staff board builds each row's HTML from the $title field a user typed and marks it safe "
                 "(mark_safe, or format_html given an already formatted f-string, which escapes nothing), so markup in "
                 "that field runs in every staff member's browser. The fix passes the field as a format_html "
                 "placeholder (or escapes it) so Django escapes it.".replace("$title", t))


_BOARD_SAFE = [
    '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_board(request):
        qs = $Model.objects.select_related("$owner").order_by("$date")[:$page]
        items = format_html_join("\\n", "<li><strong>{}</strong> &middot; {}</li>", (($model.$title, $model.$owner) for $model in qs))
        return render(request, "$app/board.html", {"items": items, "empty": EMPTY_BOARD})
    ''',
    '''
    @login_required
    def $model_note_preview(request, pk):
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        lines = ($model.$note or "").splitlines()
        body = mark_safe("<br>".join(escape(line) for line in lines))
        return render(request, "$app/preview.html", {"$model": $model, "body": body})
    ''',
    '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_badge(request, pk):
        $model = get_object_or_404($Model, pk=pk)
        badge = format_html('<span class="badge badge-{}">{}</span>', STATUS_CLASS.get($model.status, "muted"), $model.$title)
        return HttpResponse(badge)
    ''',
]


@hardneg(10)
def mod19_django_staff_board_mark_safe_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_BOARD_SAFE, c.rng.randint(1, 3))
        return [P("b%d" % i, const='EMPTY_BOARD = mark_safe(\'<p class="muted">Nothing booked yet.</p>\')\n'
                                    'STATUS_CLASS = {"pending": "warning", "approved": "success", "cancelled": "muted"}',
                  imp=_BOARD_IMP + "\nfrom django.contrib.auth.decorators import login_required\nfrom django.http import HttpResponse"
                      "\nfrom django.shortcuts import get_object_or_404\nfrom django.utils.html import format_html_join",
                  body=b) for i, b in enumerate(bodies)]
    return _hn(c, core, "HTML is built with format_html placeholders, format_html_join or escape(); mark_safe only wraps "
                        "constant markup or already escaped text")


# ---------------- CWE-89: a report view puts a query-string value into RawSQL / cursor.execute ----------------

_RAWSQL = '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_report(request):
        """Staff report: users ranked by their number of $ws in one status."""
        $x = request.GET.get("status", "approved").strip()  #@S
        users = get_user_model().objects.annotate(
            $FIX
        ).filter(n_$ws__gt=0).order_by("-n_$ws")[:$page]
        return render(request, "$app/report.html", {"users": users, "status": $x})
'''

_SQL_IMP = ("from django.contrib.auth import get_user_model\nfrom django.contrib.auth.decorators import permission_required\n"
            "from django.db import connection\nfrom django.db.models.expressions import RawSQL\nfrom django.http import JsonResponse\n"
            "from django.shortcuts import render\nfrom .models import $Model")


@fam("mod19-django-report-rawsql-cursor", "CWE-89", fws=["django"], n=8, wrap=False)
def mod19_django_report_rawsql_cursor(c):
    kw = _kw(c)
    table, o, ws = f'{kw["app"]}_{kw["model"]}', kw["owner"], kw["ws"]
    # RawSQL annotation only: the cursor.execute f-string shape repeats mod8-django-report-form-sqli
    kw["x"] = x = c.pick("status", "wanted", "state")
    sql = f"SELECT COUNT(*) FROM {table} WHERE {table}.{o}_id = auth_user.id AND {table}.status = "
    v = f'n_{ws}=RawSQL(f"{sql}\'{{{x}}}\'", []),  #@V'
    s = f'n_{ws}=RawSQL("{sql}%s", ({x},)),'
    body = _RAWSQL
    core = [_log(), P("report", imp=_SQL_IMP, body=body)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, v, s, lo=86, hi=132)
    return _spec(v, s, "The report view formats a query-string value into the raw SQL of a RawSQL annotation "
                 "(an f-string) inside quotes; a quote in it rewrites the query and reads other "
                 "tables. The fix passes the value as a %s parameter so the driver binds it.")


_SQL_SAFE = [
    '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_ranking(request):
        status = request.GET.get("status", "approved")
        users = get_user_model().objects.annotate(
            n=RawSQL("SELECT COUNT(*) FROM $app_$model m WHERE m.$owner_id = auth_user.id AND m.status = %s", (status,)),
        ).order_by("-n")[:$page]
        return render(request, "$app/report.html", {"users": users, "status": status})
    ''',
    '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_by_status(request):
        since = request.GET.get("since", "2024-01-01")
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, COUNT(*) FROM $app_$model WHERE $date >= %s GROUP BY status", [since])
            return JsonResponse({"counts": dict(cursor.fetchall())})
    ''',
    '''
    @permission_required("$app.view_$model", raise_exception=True)
    def $model_monthly(request):
        order = ORDERINGS.get(request.GET.get("order", ""), "month")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT date_trunc('month', $date) AS month, COUNT(*) AS n FROM $app_$model GROUP BY month ORDER BY {order}")
            rows = cursor.fetchall()
        return JsonResponse({"rows": [[m.isoformat(), n] for m, n in rows]})
    ''',
]


@hardneg(10)
def mod19_django_report_rawsql_cursor_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_SQL_SAFE, c.rng.randint(1, 3))
        return [P("q%d" % i, imp=_SQL_IMP, const='ORDERINGS = {"month": "month", "busiest": "n DESC"}', body=b)
                for i, b in enumerate(bodies)]
    return _hn(c, core, "raw SQL only with %s parameters (RawSQL params, cursor.execute args); the one formatted "
                        "ORDER BY comes from a fixed mapping")


# ---------------- CWE-22: download view joins a query-string name under MEDIA_ROOT ----------------

_DL = '''
    @login_required
    def $model_$file(request, pk):
        """Download the $file attached to one of the user's $ws."""
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        $FIX
'''

_DL_IMP = ("import os\nfrom pathlib import Path\nfrom django.conf import settings\nfrom django.contrib.auth.decorators import login_required\n"
           "from django.http import FileResponse\nfrom django.shortcuts import get_object_or_404\nfrom .models import $Model")


@fam("mod19-django-media-download-join", "CWE-22", fws=["django"], n=8, wrap=False)
def mod19_django_media_download_join(c):
    kw = _kw(c)
    m, f, ws = kw["model"], kw["file"], kw["ws"]
    shape = c.pick("join", "pathlib", "join2")
    i8 = "\n    "
    param = c.pick("name", "file", "filename")
    src = f'name = request.GET.get("{param}", "")  #@S'
    if shape == "join":
        v = i8.join([src, f'path = os.path.join(settings.MEDIA_ROOT, "{ws}", name)  #@V',
                     'return FileResponse(open(path, "rb"), as_attachment=True)  #@V'])
    elif shape == "pathlib":
        v = i8.join([src, f'path = Path(settings.MEDIA_ROOT) / "{ws}" / str({m}.pk) / name  #@V',
                     'return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)  #@V'])
    else:
        v = i8.join([src, 'return FileResponse(open(os.path.join(settings.MEDIA_ROOT, name), "rb"), as_attachment=True)  #@V'])
    s = i8.join([f"if not {m}.{f}:", "    raise Http404(\"No file attached.\")",
                 f'return FileResponse({m}.{f}.open("rb"), as_attachment=True, filename=os.path.basename({m}.{f}.name))'])
    core = [_log(), P("dl", imp=_DL_IMP + "\nfrom django.http import Http404", body=_DL)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, v, s, lo=86, hi=132)
    return _spec(v, s, "The download view checks that the object belongs to the user but then opens a file named by "
                 "the query string under MEDIA_ROOT; '../' or an absolute name reads any file the server can read "
                 "(settings, other users' uploads). The fix serves the object's own FileField instead.")


_DL_SAFE = [
    '''
    @login_required
    def $model_$file(request, pk):
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        if not $model.$file:
            raise Http404("No file attached.")
        return FileResponse($model.$file.open("rb"), as_attachment=True, filename=os.path.basename($model.$file.name))
    ''',
    '''
    @login_required
    def $model_template(request):
        path = os.path.join(settings.BASE_DIR, "$app", "static", "$app", "import-template.csv")
        return FileResponse(open(path, "rb"), as_attachment=True, filename="$ws-template.csv")
    ''',
    '''
    @login_required
    def $model_guide(request, lang):
        name = GUIDES.get(lang, GUIDES["en"])
        return FileResponse(open(Path(settings.MEDIA_ROOT) / "guides" / name, "rb"), content_type="application/pdf")
    ''',
]


@hardneg(10)
def mod19_django_media_download_join_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_DL_SAFE, c.rng.randint(1, 3))
        return [P("d%d" % i, imp=_DL_IMP + "\nfrom django.http import Http404",
                  const='GUIDES = {"en": "guide-en.pdf", "fr": "guide-fr.pdf", "de": "guide-de.pdf"}', body=b)
                for i, b in enumerate(bodies)]
    return _hn(c, core, "files come from the user's own FileField, a fixed path, or a fixed mapping of names")


# ---------------- CWE-918: link preview fetches any URL the user gives ----------------

_PV = '''
    @login_required
    def link_preview(request):
        """Title of a page linked from a $what note, shown as a card under the text."""
        url = request.GET.get("url", "").strip()  #@S
        if not url:
            return JsonResponse({"error": "missing url"}, status=400)
        $FIX
            return JsonResponse({"error": "unsupported link"}, status=400)
        try:
            $FIX2
            resp.raise_for_status()
        except $EXC:
            return JsonResponse({"error": "could not fetch the page"}, status=502)
        match = TITLE_RE.search(resp.text[:200000])
        title = html.unescape(match.group(1).strip()) if match else ""
        return JsonResponse({"url": url, "title": title[:200]})
'''


@fam("mod19-django-link-preview-fetch", "CWE-918", fws=["django"], n=8, wrap=False)
def mod19_django_link_preview_fetch(c):
    kw = _kw(c)
    lib = c.pick("requests", "httpx")
    kw["EXC"] = "requests.RequestException" if lib == "requests" else "httpx.HTTPError"
    t = c.pick(3, 5, 8)
    get = (f'resp = requests.get(url, timeout={t}, allow_redirects=False, headers={{"User-Agent": "{kw["app"]}-preview"}})'
           if lib == "requests" else
           f'resp = httpx.get(url, timeout={t}, follow_redirects=False, headers={{"User-Agent": "{kw["app"]}-preview"}})')
    vcheck = c.pick('if not url.startswith(("http://", "https://")):',
                    'if urlsplit(url).scheme not in ("http", "https"):')
    scheck = 'if urlsplit(url).scheme != "https" or urlsplit(url).hostname not in PREVIEW_HOSTS:'
    hosts = c.pick('{"www.youtube.com", "vimeo.com", "github.com"}', '{"en.wikipedia.org", "www.bbc.co.uk"}',
                   '{"docs.google.com", "github.com", "gitlab.com"}')
    core = [_log(), P("pv", imp=f"import html\nimport re\nimport {lib}\nfrom urllib.parse import urlsplit\n"
                                "from django.contrib.auth.decorators import login_required\nfrom django.http import JsonResponse",
                      const=f'TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)\nPREVIEW_HOSTS = frozenset({hosts})',
                      body=_PV)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, (vcheck + "  #@V", get + "  #@V"), (scheck, get), lo=86, hi=132)
    return _spec(v, s, "The link-preview view fetches whatever URL the user sends, after checking only its scheme, "
                 "so the server requests internal addresses (cloud metadata, admin ports, intranet hosts) for the "
                 "user. The fix accepts only https URLs whose host is in the PREVIEW_HOSTS allow-list (redirects stay off).")


_PV_SAFE = [
    '''
    @login_required
    def link_preview(request):
        url = request.GET.get("url", "").strip()
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in PREVIEW_HOSTS:
            return JsonResponse({"error": "unsupported link"}, status=400)
        try:
            resp = requests.get(url, timeout=5, allow_redirects=False)
            resp.raise_for_status()
        except requests.RequestException:
            return JsonResponse({"error": "could not fetch the page"}, status=502)
        match = TITLE_RE.search(resp.text[:200000])
        return JsonResponse({"title": html.unescape(match.group(1).strip())[:200] if match else ""})
    ''',
    '''
    @login_required
    def video_embed(request):
        url = request.GET.get("url", "")
        try:
            resp = requests.get("https://noembed.com/embed", params={"url": url}, timeout=5)
            resp.raise_for_status()
        except requests.RequestException:
            return JsonResponse({"error": "no preview"}, status=502)
        data = resp.json()
        return JsonResponse({"title": data.get("title", ""), "thumbnail": data.get("thumbnail_url", "")})
    ''',
    '''
    @login_required
    def postcode_lookup(request):
        code = request.GET.get("postcode", "").replace(" ", "").upper()[:8]
        resp = requests.get(f"{settings.POSTCODE_API}/postcodes/{quote(code, safe='')}", timeout=4)
        if resp.status_code != 200:
            return JsonResponse({"found": False})
        result = resp.json()["result"]
        return JsonResponse({"found": True, "lat": result["latitude"], "lon": result["longitude"]})
    ''',
]


@hardneg(10)
def mod19_django_link_preview_fetch_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_PV_SAFE, c.rng.randint(1, 3))
        return [P("p%d" % i, imp="import html\nimport re\nimport requests\nfrom urllib.parse import quote, urlsplit\n"
                                  "from django.conf import settings\nfrom django.contrib.auth.decorators import login_required\n"
                                  "from django.http import JsonResponse",
                  const='TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)\n'
                        'PREVIEW_HOSTS = frozenset({"www.youtube.com", "vimeo.com", "github.com"})', body=b)
                for i, b in enumerate(bodies)]
    return _hn(c, core, "outbound requests go to allow-listed https hosts or fixed API base URLs; the user value is a "
                        "query parameter or a quoted path segment")


# ---------------- CWE-862: one staff approve/delete view lacks its permission check ----------------

_QUEUE = '''
    @permission_required("$app.approve_$model", raise_exception=True)
    def review_queue(request):
        """Pending $ws; approve_$model is a custom permission declared in $Model.Meta.permissions."""
        pending = $Model.objects.filter(status="pending").select_related("$owner").order_by("$date")
        return render(request, "$app/review_queue.html", {"pending": pending[:$page]})
'''

_APPROVE = '''
    $FIX
    @require_POST
    def approve_$model(request, pk):  #@V
        $model = get_object_or_404($Model, pk=pk, status="pending")
        $model.status = "approved"
        $model.reviewed_by = request.user
        $model.save(update_fields=["status", "reviewed_by"])  #@V
        messages.success(request, f"{$model} approved.")
        return redirect("$app:review-queue")
'''

_REMOVE = '''
    $FIX
    @require_POST
    def remove_$model(request, pk):  #@V
        """Moderation: take down any user's $what."""
        $model = get_object_or_404($Model, pk=pk)
        logger.info("%s removed $model %s", request.user, $model.pk)
        $model.delete()  #@V
        return redirect("$app:review-queue")
'''

_CBV = '''
    $FIX
        def post(self, request, pk):  #@V
            $model = get_object_or_404($Model, pk=pk, status="pending")
            $model.status = "rejected"
            $model.reviewed_by = request.user
            $model.save(update_fields=["status", "reviewed_by"])  #@V
            return redirect("$app:review-queue")
'''

_PERM_IMP = ("from django.contrib import messages\nfrom django.contrib.auth.decorators import login_required, permission_required\n"
             "from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin\n"
             "from django.shortcuts import get_object_or_404, redirect, render\nfrom django.views import View\n"
             "from django.views.decorators.http import require_POST\nfrom .models import $Model")


@fam("mod19-django-approve-view-no-permission", "CWE-862", fws=["django"], n=8, wrap=False)
def mod19_django_approve_view_no_permission(c):
    kw = _kw(c)
    m, app = kw["model"], kw["app"]
    shape = c.pick("approve", "remove", "cbv")
    if shape == "cbv":
        body = _CBV
        v = f"class Reject{kw['Model']}View(LoginRequiredMixin, View):  #@V"
        s = (f"class Reject{kw['Model']}View(LoginRequiredMixin, PermissionRequiredMixin, View):\n"
             f'    permission_required = "{app}.approve_{m}"')
    else:
        body = _APPROVE if shape == "approve" else _REMOVE
        perm = f"{app}.approve_{m}" if shape == "approve" else f"{app}.delete_{m}"
        v = "@login_required"
        s = f'@login_required\n@permission_required("{perm}", raise_exception=True)'
    core = [_log(), P("queue", imp=_PERM_IMP, body=_QUEUE), P("act", imp=_PERM_IMP, body=body)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, v, s, lo=86, hi=132)
    return _spec(v, s, "The review queue needs the approve permission, but the staff action next to it (approve, "
                 "reject or remove any user's item) only requires a login, so any signed-in user can post to it and "
                 "change or delete other users' items. The fix adds the permission check (permission_required / "
                 "PermissionRequiredMixin).")


_PERM_SAFE = [
    '''
    @login_required
    @permission_required("$app.approve_$model", raise_exception=True)
    @require_POST
    def approve_$model(request, pk):
        $model = get_object_or_404($Model, pk=pk, status="pending")
        $model.status = "approved"
        $model.reviewed_by = request.user
        $model.save(update_fields=["status", "reviewed_by"])
        return redirect("$app:review-queue")
    ''',
    '''
    class Reject$ModelView(LoginRequiredMixin, PermissionRequiredMixin, View):
        permission_required = "$app.approve_$model"
        raise_exception = True

        def post(self, request, pk):
            $model = get_object_or_404($Model, pk=pk, status="pending")
            $model.status = "rejected"
            $model.save(update_fields=["status"])
            return redirect("$app:review-queue")
    ''',
    '''
    @login_required
    @require_POST
    def $model_duplicate(request, pk):
        original = get_object_or_404($Model, pk=pk, $owner=request.user)
        copy = $Model.objects.create($owner=request.user, $title=original.$title, $note=original.$note, status="draft")
        messages.success(request, "A draft copy was created.")
        return redirect("$app:$model-detail", pk=copy.pk)
    ''',
]


@hardneg(10)
def mod19_django_approve_view_no_permission_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_PERM_SAFE, c.rng.randint(1, 3))
        return [P("queue", imp=_PERM_IMP, body=_QUEUE)] + [P("a%d" % i, imp=_PERM_IMP, body=b) for i, b in enumerate(bodies)]
    return _hn(c, core, "staff actions carry permission_required / PermissionRequiredMixin; owner actions look the "
                        "object up scoped to request.user")


# ---------------- CWE-209: JSON view returns a payment / mail backend exception's text ----------------

_PAY = '''
    @login_required
    @require_POST
    def pay_$model(request, pk):
        """Start the card payment of the $what fee; the page confirms it with Stripe.js."""
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        try:
            intent = stripe.PaymentIntent.create(
                amount=$model.fee_pence,
                currency="$cur",
                metadata={"$model": $model.pk, "user": request.user.pk},
                idempotency_key=f"$model-{$model.pk}-fee",
            )
        except stripe.error.StripeError as exc:
            $FIX
        return JsonResponse({"client_secret": intent.client_secret})
'''

_MAIL = '''
    @login_required
    @require_POST
    def email_$model(request, pk):
        """Send the user a copy of one $what by e-mail."""
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        body = render_to_string("$app/email/$model.txt", {"$model": $model, "user": request.user})
        try:
            send_mail("Your $what", body, settings.DEFAULT_FROM_EMAIL, [request.user.email], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            $FIX
        return JsonResponse({"sent": True})
'''


@fam("mod19-django-backend-error-json", "CWE-209", fws=["django"], n=8, wrap=False)
def mod19_django_backend_error_json(c):
    kw = _kw(c)
    kw["cur"] = c.pick("gbp", "eur", "usd")
    shape = c.pick("pay", "mail")
    form = c.pick("str", "fstr", "repr")
    if shape == "pay":
        body = _PAY
        imp = "import stripe\nfrom django.contrib.auth.decorators import login_required\nfrom django.http import JsonResponse\n" \
              "from django.shortcuts import get_object_or_404\nfrom django.views.decorators.http import require_POST\nfrom .models import $Model"
        val = {"str": "str(exc)", "fstr": 'f"Payment failed: {exc}"', "repr": "repr(exc)"}[form]
        v = f'return JsonResponse({{"error": {val}}}, status=402)  #@V'
        s = (f'logger.exception("payment for {kw["model"]} %s failed", {kw["model"]}.pk)\n'
             '        return JsonResponse({"error": "The payment could not be started. Please try again."}, status=402)')
    else:
        body = _MAIL
        imp = "import smtplib\nfrom django.conf import settings\nfrom django.contrib.auth.decorators import login_required\n" \
              "from django.core.mail import send_mail\nfrom django.http import JsonResponse\nfrom django.shortcuts import get_object_or_404\n" \
              "from django.template.loader import render_to_string\nfrom django.views.decorators.http import require_POST\nfrom .models import $Model"
        val = {"str": "str(exc)", "fstr": 'f"Mail server error: {exc}"', "repr": "repr(exc)"}[form]
        v = f'return JsonResponse({{"sent": False, "detail": {val}}}, status=502)  #@V'
        s = (f'logger.exception("mail for {kw["model"]} %s failed", {kw["model"]}.pk)\n'
             '        return JsonResponse({"sent": False, "detail": "The e-mail could not be sent right now."}, status=502)')
    core = [_log(), P("back", imp=imp, body=body)]
    v, s = pair(c, _DOC, _LOG, core, _pool(c), kw, v, s, lo=86, hi=132)
    return _spec(v, s, "The JSON view answers the client with the text of the payment / mail backend exception, which "
                 "carries backend details (request ids, masked API keys, SMTP host names and server replies). The fix "
                 "logs the exception server-side and returns a generic message.")


_ERR_SAFE = [
    '''
    @login_required
    @require_POST
    def pay_$model(request, pk):
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        try:
            intent = stripe.PaymentIntent.create(amount=$model.fee_pence, currency="gbp", metadata={"$model": $model.pk})
        except stripe.error.CardError as exc:
            return JsonResponse({"error": exc.user_message or "Your card was declined."}, status=402)
        except stripe.error.StripeError:
            logger.exception("payment for $model %s failed", $model.pk)
            return JsonResponse({"error": "The payment could not be started."}, status=502)
        return JsonResponse({"client_secret": intent.client_secret})
    ''',
    '''
    @login_required
    @require_POST
    def email_$model(request, pk):
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        try:
            send_mail("Your $what", $model.$note or "", settings.DEFAULT_FROM_EMAIL, [request.user.email])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("mail to user %s failed: %s", request.user.pk, exc)
            return JsonResponse({"sent": False, "detail": "The e-mail could not be sent right now."}, status=502)
        return JsonResponse({"sent": True})
    ''',
    '''
    @login_required
    @require_POST
    def $model_quick_edit(request, pk):
        $model = get_object_or_404($Model, pk=pk, $owner=request.user)
        form = $Form(request.POST, instance=$model)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        form.save()
        return JsonResponse({"ok": True})
    ''',
]


@hardneg(10)
def mod19_django_backend_error_json_hn(c):
    def core(c, kw):
        bodies = c.rng.sample(_ERR_SAFE, c.rng.randint(1, 3))
        return [P("e%d" % i, needs=["form"] if "$Form" in b else [],
                  imp="import smtplib\nimport stripe\nfrom django.conf import settings\n"
                      "from django.contrib.auth.decorators import login_required\nfrom django.core.mail import send_mail\n"
                      "from django.http import JsonResponse\nfrom django.shortcuts import get_object_or_404\n"
                      "from django.views.decorators.http import require_POST\nfrom .models import $Model", body=b)
                for i, b in enumerate(bodies)]
    return _hn(c, core, "backend exceptions are logged server-side; the client gets a generic message, Stripe's "
                        "user_message for card declines, or the form's own validation errors")
