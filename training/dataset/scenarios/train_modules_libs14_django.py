"""Train-only whole-module Django families (libs14 set, mod14-*): Django apps of about 80-110 lines (function
views, class-based views, models with methods, middleware) with exactly one weak statement each, and a twin
that differs only by the minimal fix.

- mod14-django-allotment-waitlist-next-redirect (601): an allotment society's waiting-list views; every view
  sends the member back through ``safe_next`` except one, which redirects to the posted / queried ``next``.
- mod14-django-hive-inspection-client-extension (434): beekeeping inspection attachments stored under
  MEDIA_ROOT (served by the web server) with the extension of the client's file name.
- mod14-django-cycling-rider-avatar-fetch-ssrf (918): a cycling club's model method downloads the rider's
  avatar / the club's ride-calendar URL with requests or httpx, without the host allow-list the form documents.
- mod14-django-lettings-letter-jinja-template (94): letting-agency letters whose bodies are edited in the admin
  and rendered with ``jinja2.Template`` / a plain ``Environment`` instead of a sandboxed environment.
- mod14-django-museum-boxoffice-middleware-log (117): a box-office audit middleware that escapes every logged
  request value but one before writing it to a plain FileHandler log.
- mod14-django-callsheet-wrong-production-check (863): film call-sheet class-based views that check the
  coordinator role on the production named in the URL instead of the production the call sheet belongs to.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _opt, _replayed, sub_nested, _append
from registry import fam, hardneg


def _s(_tmpl, **kw):
    """``module_kit.sub_nested`` with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


# ---------------- CWE-601: allotment waiting list, one view redirects to the raw `next` ----------------

_ALLOT = r'''
"""$Society waiting list: apply for a plot, change an application, withdraw it.

The plot map and the member pages link to these views with a ``next`` value, so that after the form
is saved the member lands back on the page they came from."""
from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .models import Application

log = logging.getLogger("$logname")

RETURN_PAGES = $pages


class ApplicationForm(forms.ModelForm):
$nextfield    class Meta:
        model = Application
        fields = ["site", "plot_size", "$extra"]


def safe_next(value: str | None, fallback: str) -> str:
    """``value`` when it is one of the society's own return pages, else the fallback page."""
    targets = {reverse(name) for name in RETURN_PAGES}
    if value and value in targets:
        return value
    return reverse(fallback)


$views
'''

_ALLOT_VIEWS = {
    "apply": r'''
@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Join the waiting list of one of the sites."""
$top    form = ApplicationForm(request.POST or None$init)
    if request.method == "POST" and form.is_valid():
        application = form.save(commit=False)
        application.member = request.user
        application.save()
        log.info("member %s applied for site %s", request.user.pk, application.site_id)
        messages.success(request, "You are on the waiting list.")
$read        return $RET
    return render(request, "allotments/apply.html", {"form": form})
''',
    "edit": r'''
@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the plot size or the notes of an application that is still waiting."""
    application = get_object_or_404(Application, pk=pk, member=request.user, status="waiting")
$top    form = ApplicationForm(request.POST or None, instance=application$init)
    if request.method == "POST" and form.is_valid():
        form.save()
        log.info("application %s updated", application.pk)
$read        return $RET
    return render(request, "allotments/edit.html", {"form": form, "application": application})
''',
    "withdraw": r'''
@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an application off the waiting list (the confirm button posts here)."""
    application = get_object_or_404(Application, pk=pk, member=request.user)
    application.status = "withdrawn"
    application.save(update_fields=["status"])
    log.info("application %s withdrawn", application.pk)
    messages.info(request, "Your application was withdrawn.")
$wread    return $RET
''',
}

_ALLOT_LIST = r'''
@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """The member's applications, newest first, with their place in the queue."""
    rows = Application.objects.filter(member=request.user).select_related("site").order_by("-created_at")
    return render(request, "allotments/mine.html", {"applications": rows})
'''


def _allot(c, safe, hn=False):
    travel = c.pick("post", "form", "query")
    weak = c.pick("apply", "edit", "withdraw")
    others = [k for k in _ALLOT_VIEWS if k != weak]
    keep = [weak] + c.rng.sample(others, c.rng.randint(1, 2))
    c.rng.shuffle(keep)
    sink = c.pick("redirect", "HttpResponseRedirect")
    fallback = c.pick("allotments:my_applications", "allotments:map", "allotments:home")
    with_list = c.pick(True, False)
    good = (f'redirect(safe_next(next_url, "{fallback}"))' if sink == "redirect"
            else f'HttpResponseRedirect(safe_next(next_url, "{fallback}"))')
    bad = (f'redirect(next_url or "{fallback}")' if sink == "redirect"
           else f'HttpResponseRedirect(next_url or reverse("{fallback}"))')
    reads = {"post": '        next_url = request.POST.get("next", "")\n',
             "form": '        next_url = form.cleaned_data["next"]\n',
             "query": ""}
    top = '    next_url = request.GET.get("next", "")\n' if travel == "query" else ""
    init = ', initial={"next": request.GET.get("next", "")}' if travel == "form" else ""
    nextfield = ('    next = forms.CharField(required=False, widget=forms.HiddenInput)\n\n'
                 if travel == "form" else "")
    blocks = []
    for k in keep:
        weak_here = k == weak and not safe and not hn
        ret = bad + "  #@V" if weak_here else good
        t = dedent(_ALLOT_VIEWS[k]).strip("\n")
        if k == "withdraw":
            wread = ('    next_url = request.POST.get("next", "")\n' if travel != "query"
                     else '    next_url = request.GET.get("next", "")\n')
            if weak_here:
                wread = wread.replace("\n", "  #@S\n")
            t = t.replace("$wread", wread)
        else:
            r, tp = reads[travel], top
            if weak_here:
                r, tp = r.replace("\n", "  #@S\n"), tp.replace("\n", "  #@S\n")
            t = t.replace("$read", r).replace("$top", tp).replace("$init", init)
        blocks.append(t.replace("$RET", ret))
    if with_list:
        blocks.insert(c.rng.randint(0, len(blocks)), dedent(_ALLOT_LIST).strip("\n"))
    views = "\n\n\n".join(blocks)
    if hn:
        views += "\n\n\n" + dedent(r'''
            BACK_ROUTES = {"map": "allotments:map", "mine": "allotments:my_applications"}


            @login_required
            @require_POST
            def dismiss_notice(request: HttpRequest) -> HttpResponse:
                """Hide the waiting-list notice; the button posts a route key, never a URL."""
                request.session["notice_dismissed"] = True
                back = request.POST.get("back", "mine")
                return redirect(BACK_ROUTES.get(back, "allotments:home"))
        ''').strip("\n")
    pages = c.pick('("allotments:map", "allotments:my_applications", "allotments:home")',
                   '("allotments:home", "allotments:map", "allotments:my_applications", "allotments:rules")')
    return _s(_ALLOT, views=views, nextfield=nextfield, pages=pages,
              Society=c.pick("Riverside Allotment Society", "Northfield Allotments", "Hillcrest Garden Plots",
                             "Mill Lane Allotment Association"),
              logname=c.pick("allotments.waitlist", "waitlist", "plots.views"),
              extra=c.pick("notes", "experience", "preferred_day"))


@fam("mod14-django-allotment-waitlist-next-redirect", "CWE-601", fws=["django"], n=8, wrap=False)
def mod14_django_allotment_waitlist_next_redirect(c):
    v, s = _replayed(c, _allot)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="every view of the waiting list sends the member back through safe_next(), which only "
                      "accepts the society's own return pages, except one: after its form is saved it redirects to "
                      "the `next` value from the request (POST field, hidden form field or query string) as given, so "
                      "a link to the form with next=https://evil.example sends members to a phishing page from the "
                      "trusted site. The fix passes the value through safe_next like the other views")


@hardneg(2)
def mod14_django_allotment_waitlist_next_redirect_hn(c):
    return Spec(s=_allot(c, True, hn=True), full=True, fw="django",
                notes="every redirect goes through safe_next() (exact match against reversed return pages) or maps "
                      "a posted key to a route name with a dict; no request value reaches redirect() unchecked")


# ---------------- CWE-434: inspection attachments stored with the client's extension ----------------

_HIVE = r'''
"""Hive inspection attachments for the $assoc.

Members attach frame photos and the bee inspector's report to an inspection. The files are stored
under MEDIA_ROOT/$prefix/ and served straight from MEDIA_URL by the front web server."""
from __future__ import annotations

import logging
import os
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .models import Inspection

log = logging.getLogger("$logname")

ALLOWED_EXTENSIONS = $exts
MAX_UPLOAD_BYTES = $mb * 1024 * 1024

$pathfn
class Attachment(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True)
    caption = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=$uploadto, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.caption or os.path.basename(self.file.name)


class AttachmentForm(forms.Form):
    caption = forms.CharField(max_length=200, required=False)
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than $mb MB.")
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def upload_attachment(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """Attach a photo or a report to one of the member's inspections."""
    inspection = get_object_or_404($Model, pk=inspection_id, apiary__keeper=request.user)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]$srcmark
        attachment = Attachment(inspection=inspection, uploaded_by=request.user,
                                caption=form.cleaned_data["caption"])
$store
        log.info("attachment %s added to inspection %s (%d bytes)", attachment.pk, inspection.pk, upload.size)
        return redirect("inspections:detail", pk=inspection.pk)
    return render(request, "inspections/attach.html", {"form": form, "inspection": inspection})


$opts
'''

_HIVE_OPTS = [r'''
@login_required
def attachment_list(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """The attachments of one inspection, newest first."""
    inspection = get_object_or_404($Model, pk=inspection_id, apiary__keeper=request.user)
    return render(request, "inspections/attachments.html",
                  {"inspection": inspection, "attachments": inspection.attachments.all()})
''', r'''
@login_required
@require_http_methods(["POST"])
def delete_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an attachment and its file."""
    attachment = get_object_or_404(Attachment, pk=pk, inspection__apiary__keeper=request.user)
    inspection_id = attachment.inspection_id
    attachment.file.delete(save=False)
    attachment.delete()
    log.info("attachment %s deleted", pk)
    return redirect("inspections:detail", pk=inspection_id)
''', r'''
def human_size(num: int) -> str:
    """1536 -> '1.5 KB', for the attachment list."""
    for unit in ("B", "KB", "MB"):
        if num < 1024:
            return f"{num:.0f} {unit}" if unit == "B" else f"{num:.1f} {unit}"
        num /= 1024
    return f"{num:.1f} GB"
''']


def _hive(c, safe):
    shape = c.pick("upload_to", "field_save")
    fallback = c.pick("bin", "reject")
    exts = c.pick('{".jpg", ".jpeg", ".png", ".pdf"}', '{".jpg", ".jpeg", ".png", ".heic", ".pdf"}',
                  'frozenset({".jpg", ".png", ".pdf", ".txt"})')
    prefix = c.pick("inspections", "hives", "apiary")
    Model = "Inspection"
    opts = _opt(c, *_HIVE_OPTS, least=1, most=2)
    mark = "" if safe else "  #@V"
    if shape == "upload_to":
        pathfn = (f'def attachment_path(instance: "Attachment", filename: str) -> str:\n'
                  f'    """{prefix}/<hive>/<random><ext>: a fresh name, so uploads never overwrite each other."""\n'
                  f'    ext = os.path.splitext(filename)[1].lower(){mark}\n')
        if safe:
            pathfn += ('    if ext not in ALLOWED_EXTENSIONS:\n'
                       '        ext = ".bin"  # stored and served as an opaque download\n')
        pathfn += f'    return f"{prefix}/{{instance.inspection.hive_id}}/{{uuid.uuid4().hex}}{{ext}}"\n\n'
        uploadto = "attachment_path"
        store = ("        attachment.file = upload\n"
                 "        attachment.save()")
        srcmark = "" if safe else "  #@S"
    else:
        pathfn = ""
        uploadto = c.pick(f'"{prefix}/%Y/%m/"', f'"{prefix}/"')
        store = "        ext = os.path.splitext(upload.name)[1].lower()\n"
        if safe:
            if fallback == "bin":
                store += '        if ext not in ALLOWED_EXTENSIONS:\n            ext = ".bin"\n'
            else:
                store += ('        if ext not in ALLOWED_EXTENSIONS:\n'
                          '            form.add_error("file", "Attach a photo or a PDF report.")\n'
                          '            return render(request, "inspections/attach.html", {"form": form, "inspection": inspection})\n')
        store += (f'        attachment.file.save(f"{{uuid.uuid4().hex}}{{ext}}", upload, save=False){mark}\n'
                  "        attachment.save()")
        srcmark = "" if safe else "  #@S"
    return _s(_HIVE, pathfn=pathfn, uploadto=uploadto, store=store, srcmark=srcmark, opts=opts, exts=exts,
              Model=Model, prefix=prefix, mb=c.pick(10, 15, 25),
              assoc=c.pick("Wyre Valley Beekeepers' Association", "county beekeeping association",
                           "Hollins Apiary Group", "Eastgate beekeepers"),
              logname=c.pick("inspections.attachments", "apiary.uploads", "hives.files"))


@fam("mod14-django-hive-inspection-client-extension", "CWE-434", fws=["django"], n=8, wrap=False)
def mod14_django_hive_inspection_client_extension(c):
    v, s = _replayed(c, _hive)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the stored file name keeps the extension of the client's file name (upload_to callable or "
                      "FieldFile.save), and MEDIA_ROOT is served by the web server by extension, so a member uploads "
                      "page.html or image.svg with script (stored XSS on the site's origin) or a server-executed type. "
                      "ALLOWED_EXTENSIONS is declared but never applied; only the size is checked. The fix keeps "
                      "only allow-listed extensions (others become .bin or are rejected)")


@hardneg(2)
def mod14_django_hive_inspection_client_extension_hn(c):
    s = _hive(c, True)
    s = _append(s, r'''
        def export_name(attachment: Attachment) -> str:
            """Download name for the zip export: the caption plus the stored (allow-listed) extension."""
            ext = os.path.splitext(attachment.file.name)[1].lower()
            if ext not in ALLOWED_EXTENSIONS:
                ext = ".bin"
            stem = "".join(ch for ch in attachment.caption if ch.isalnum() or ch in " -_")[:60] or "attachment"
            return f"{stem}{ext}"
    ''')
    return Spec(s=s, full=True, fw="django",
                notes="stored names are random with an allow-listed extension; the export name reuses only that "
                      "checked extension")


# ---------------- CWE-918: cycling club model method fetches a rider-supplied URL ----------------

_RIDE = r'''
"""$Club members: rider $what, kept on the server.

Riders paste the address of their $thing on the settings page; $method() downloads it once so
pages never hotlink third-party hosts, and the nightly job refreshes the stale ones."""
from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

$client
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import models
from django.shortcuts import redirect, render
from django.utils import timezone

log = logging.getLogger("$logname")

FETCH_HOSTS = $hosts
FETCH_TIMEOUT = $timeout
MAX_BYTES = $kb * 1024
STALE_AFTER = timedelta(days=$days)


class Rider(models.Model):
    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="rider")
    display_name = models.CharField(max_length=80)
    $field = models.URLField(blank=True)
    $stored = models.FileField(upload_to="riders/$dir/", blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    def is_stale(self) -> bool:
        return self.fetched_at is None or timezone.now() - self.fetched_at > STALE_AFTER

    def $method(self) -> bool:
        """Download $field into $stored; False when there is nothing usable."""
        if not self.$field:
            return False
        parts = urlsplit(self.$field)
$fetch
        if resp.status_code != 200 or len(resp.content) > MAX_BYTES:
            log.warning("rider %s: %s gave %s", self.pk, parts.hostname, resp.status_code)
            return False
        self.$stored.save(f"{self.pk}$suffix", ContentFile(resp.content), save=False)
        self.fetched_at = timezone.now()
        self.save(update_fields=["$stored", "fetched_at"])
        return True


class RiderSettingsForm(forms.ModelForm):
    class Meta:
        model = Rider
        fields = ["display_name", "$field"]
        help_texts = {"$field": "An https address on " + ", ".join(sorted(FETCH_HOSTS)) + "."}


@login_required
def rider_settings(request):
    """Edit the display name and the $thing address; a changed address is fetched at once."""
    rider = request.user.rider
    form = RiderSettingsForm(request.POST or None, instance=rider)
    if request.method == "POST" and form.is_valid():
        rider = form.save()$srcmark
        if "$field" in form.changed_data:
            rider.$method()
        return redirect("riders:settings")
    return render(request, "riders/settings.html", {"form": form, "rider": rider})


$opts
'''

_RIDE_OPTS = [r'''
def refresh_stale(limit: int = 200) -> int:
    """Nightly job: refresh the riders whose copy is older than STALE_AFTER."""
    done = 0
    for rider in Rider.objects.exclude($field="").order_by("fetched_at")[:limit]:
        if rider.is_stale() and rider.$method():
            done += 1
    log.info("refreshed %d riders", done)
    return done
''', r'''
def initials(name: str) -> str:
    """Fallback badge text when a rider has no $thing yet."""
    parts = [p for p in name.split() if p]
    return "".join(p[0].upper() for p in parts[:2]) or "?"
''']


def _ride(c, safe):
    kind = c.pick("avatar", "calendar")
    lib = c.pick("requests", "httpx")
    if kind == "avatar":
        field, stored, method, thing, what, suffix, d = ("avatar_url", "avatar", "fetch_avatar", "profile picture",
                                                         "avatars", ".img", "avatars")
        hosts = c.pick('{"www.gravatar.com", "secure.gravatar.com"}',
                       '{"dgalywyr863hv.cloudfront.net", "www.gravatar.com"}')
    else:
        field, stored, method, thing, what, suffix, d = ("calendar_url", "calendar", "import_calendar",
                                                         "ride calendar (iCal feed)", "ride calendars", ".ics", "ics")
        hosts = c.pick('{"calendar.google.com", "outlook.office365.com"}',
                       '{"calendar.google.com", "p01-caldav.icloud.com", "outlook.live.com"}')
    if lib == "requests":
        client = "import requests"
        call = "requests.get(self.$field, timeout=FETCH_TIMEOUT, allow_redirects=False)"
    else:
        client = "import httpx"
        call = "httpx.get(self.$field, timeout=FETCH_TIMEOUT, follow_redirects=False)"
    shape = c.pick("direct", "try")
    mark = "" if safe else "  #@V"
    guard = ('        if parts.scheme != "https" or parts.hostname not in FETCH_HOSTS:\n'
             '            log.warning("rider %s: refusing to fetch from %s", self.pk, parts.hostname)\n'
             '            return False\n') if safe else ""
    if shape == "direct":
        fetch = guard + f"        resp = {call}{mark}"
    else:
        exc = "requests.RequestException" if lib == "requests" else "httpx.HTTPError"
        fetch = (guard + "        try:\n"
                 f"            resp = {call}{mark}\n"
                 f"        except {exc} as exc:\n"
                 '            log.warning("rider %s: fetch failed: %s", self.pk, exc)\n'
                 "            return False")
    opts = _opt(c, *_RIDE_OPTS, least=0, most=2)
    return _s(_RIDE, fetch=fetch, opts=opts, client=client, field=field, stored=stored, method=method,
              thing=thing, what=what, suffix=suffix, dir=d, hosts=hosts, srcmark="" if safe else "  #@S",
              Club=c.pick("Harbour Wheelers", "Fenland Road Club", "Ridgeway Cycling Club", "Velo Northside"),
              logname=c.pick("riders.media", "club.riders", "riders"), timeout=c.pick(5, 8, 10),
              kb=c.pick(512, 1024, 2048), days=c.pick(7, 14, 30))


@fam("mod14-django-cycling-rider-avatar-fetch-ssrf", "CWE-918", fws=["django"], n=8, wrap=False)
def mod14_django_cycling_rider_avatar_fetch_ssrf(c):
    v, s = _replayed(c, _ride)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the rider's URLField (any http/https URL) is fetched by a model method from the server with "
                      "requests/httpx right after the settings form saves it, and again by the nightly job; the host "
                      "allow-list FETCH_HOSTS only appears in the help text, so a rider makes the server request "
                      "http://169.254.169.254/ or intranet hosts (and sees status codes in behaviour). The fix refuses "
                      "anything but https on an allow-listed host before the request (redirects are off in both)")


@hardneg(2)
def mod14_django_cycling_rider_avatar_fetch_ssrf_hn(c):
    return Spec(s=_ride(c, True), full=True, fw="django",
                notes="the model method fetches only https URLs on the FETCH_HOSTS allow-list, without redirects")


# ---------------- CWE-863: call-sheet views check the production from the URL, not the sheet's ----------------

_CALL = r'''
"""Call sheets for the $office production office.

Crew see the call sheets of the productions they work on; coordinators of a production may edit
and publish its sheets. URLs look like /productions/<production_pk>/callsheets/<pk>/..."""
from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import $generic

from .models import CallSheet, Production

log = logging.getLogger("$logname")

COORDINATOR_ROLES = $roles


def is_coordinator(user, production: Production) -> bool:
    return production.crew.filter(user=user, role__in=COORDINATOR_ROLES).exists()


def is_crew(user, production: Production) -> bool:
    return production.crew.filter(user=user).exists()


$views
'''

_CALL_LIST = r'''
class CallSheetListView(LoginRequiredMixin, ListView):
    """The sheets of one production, for its crew."""
    template_name = "callsheets/list.html"
    context_object_name = "sheets"

    def get_queryset(self):
        production = get_object_or_404(Production, pk=self.kwargs["production_pk"])
        if not is_crew(self.request.user, production):
            raise PermissionDenied
        return production.callsheets.order_by("-shoot_date")
'''

_CALL_EDIT_TEST = r'''
class CallSheetUpdateView(LoginRequiredMixin, UserPassesTestMixin, UpdateView):
    """Edit the unit call, locations and notes of a call sheet."""
    model = CallSheet
    fields = [$fields]
    template_name = "callsheets/edit.html"

    def test_func(self) -> bool:
        production = $lookup
        return is_coordinator(self.request.user, production)

    def form_valid(self, form):
        form.instance.updated_by = self.request.user
        log.info("call sheet %s edited by %s", form.instance.pk, self.request.user.pk)
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()
'''

_CALL_EDIT_OBJ = r'''
class CallSheetUpdateView(LoginRequiredMixin, UpdateView):
    """Edit the unit call, locations and notes of a call sheet."""
    model = CallSheet
    fields = [$fields]
    template_name = "callsheets/edit.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.production = get_object_or_404(Production, pk=kwargs["production_pk"])

    def get_object(self, queryset=None):
        sheet = super().get_object(queryset)
        if not is_coordinator(self.request.user, $checked):
            raise PermissionDenied
        return sheet

    def get_context_data(self, **kwargs):
        return super().get_context_data(production=self.production, **kwargs)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()
'''

_CALL_PUBLISH = r'''
class CallSheetPublishView(LoginRequiredMixin, View):
    """Publish a sheet: it becomes read-only and the crew are notified."""

    def post(self, request, production_pk: int, pk: int):
        sheet = get_object_or_404(CallSheet, pk=pk)
        if not is_coordinator(request.user, sheet.production):
            raise PermissionDenied
        sheet.published_at = timezone.now()
        sheet.save(update_fields=["published_at"])
        messages.success(request, "Call sheet published.")
        log.info("call sheet %s published by %s", sheet.pk, request.user.pk)
        return redirect(sheet)
'''


def _call(c, safe):
    shape = c.pick("test_func", "get_object")
    if shape == "test_func":
        vline = c.pick('Production.objects.get(pk=self.kwargs["production_pk"])',
                       'get_object_or_404(Production, pk=self.kwargs.get("production_pk"))')
        lookup = "self.get_object().production" if safe else vline + "  #@V"
        edit = dedent(_CALL_EDIT_TEST).strip("\n").replace("$lookup", lookup)
    else:
        checked = "sheet.production):" if safe else "self.production):  #@V"
        edit = dedent(_CALL_EDIT_OBJ).strip("\n").replace("$checked):", checked)
    blocks = [edit]
    if c.pick(True, False):
        blocks.append(dedent(_CALL_LIST).strip("\n"))
    if c.pick(True, False):
        blocks.append(dedent(_CALL_PUBLISH).strip("\n"))
    c.rng.shuffle(blocks)
    generic = ", ".join(g for g in ("ListView", "UpdateView", "View") if any(g + ")" in b or g + "," in b for b in blocks))
    return _s(_CALL, views="\n\n\n".join(blocks), generic=generic,
              fields=c.pick('"unit_call", "location", "notes"', '"shoot_date", "unit_call", "location", "weather_cover"',
                            '"unit_call", "breakfast", "location", "parking", "notes"'),
              roles=c.pick('("coordinator", "line_producer")', '("production_coordinator", "producer", "ad")',
                           'frozenset({"coordinator", "first_ad"})'),
              office=c.pick("Northlight Pictures", "Saltmarsh Films", "Quarry Lane Studios", "Blue Hour Productions"),
              logname=c.pick("callsheets", "production.callsheets", "office.sheets"))


@fam("mod14-django-callsheet-wrong-production-check", "CWE-863", fws=["django"], n=8, wrap=False)
def mod14_django_callsheet_wrong_production_check(c):
    v, s = _replayed(c, _call)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the edit view checks the coordinator role on the production named in the URL, but the call "
                      "sheet is looked up by its own pk only (model = CallSheet, no scoping), so a coordinator of any "
                      "production edits another production's sheet with /productions/<mine>/callsheets/<theirs>/edit/. "
                      "The fix checks the role on the production the call sheet belongs to")


@hardneg(2)
def mod14_django_callsheet_wrong_production_check_hn(c):
    return Spec(s=_call(c, True), full=True, fw="django",
                notes="every class-based view checks the role on the production of the object it acts on")


# ---------------- CWE-117: box-office audit middleware, one request value logged raw ----------------

_BOX = r'''
"""Box-office audit middleware for the $museum ticket shop.

Writes one line per ticketing request to the audit log (a plain-text FileHandler that the night
script greps for refunds and voucher abuse) and warns about slow checkouts."""
from __future__ import annotations

import logging
import time
from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

audit = logging.getLogger("$logname")
if not audit.handlers:
    _handler = logging.FileHandler(getattr(settings, "BOXOFFICE_AUDIT_LOG", "$logfile"))
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    audit.addHandler(_handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False

WATCHED = $watched
SLOW_SECONDS = $slow


def oneline(value: object, limit: int = $limit) -> str:
    """The value on one line: control characters escaped, long values cut."""
$helper


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "-")


class BoxOfficeAuditMiddleware:
    """Audit line for every request under WATCHED; the rest pass straight through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        if request.path.startswith(WATCHED):
            self.record(request, response, time.monotonic() - started)
        return response

    def record(self, request: HttpRequest, response: HttpResponse, elapsed: float) -> None:
        user = request.user.get_username() if request.user.is_authenticated else "anonymous"
$value
$logline
        if elapsed > SLOW_SECONDS:
            audit.warning("slow %s %s: %.2fs", request.method, oneline(request.path), elapsed)
$opts
'''

_BOX_HELPERS = [
    '    text = str(value)[:limit]\n    return text.encode("unicode_escape").decode("ascii")',
    '    text = str(value)[:limit]\n    return text.replace("\\\\", "\\\\\\\\").replace("\\r", "\\\\r").replace("\\n", "\\\\n")',
    '    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(value)[:limit])',
]

_BOX_VALUES = {
    "voucher": ('request.POST.get("voucher", "")', "voucher"),
    "campaign": ('request.GET.get("utm_campaign", "-")', "campaign"),
    "search": ('request.GET.get("q", "")', "query"),
    "slot": ('request.POST.get("timeslot", "")', "slot"),
}

_BOX_OPTS = [r'''
    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Failed ticketing requests get their own line; the traceback goes to the error log."""
        if request.path.startswith(WATCHED):
            audit.error("failed %s %s: %s", request.method, oneline(request.path), type(exception).__name__)
        return None
''', r'''
    @staticmethod
    def basket_size(request: HttpRequest) -> int:
        """Number of tickets in the session basket, for the audit line."""
        return sum(int(n) for n in request.session.get("basket", {}).values())
''']


def _box(c, safe):
    key = c.pick(*_BOX_VALUES)
    expr, label = _BOX_VALUES[key]
    var = c.pick(label, f"{label}_value", "raw")
    style = c.pick("lazy", "fstring", "percent")
    ok = f"oneline({var})"
    shown = ok if safe else var
    mark = "" if safe else "  #@V"
    if style == "lazy":
        logline = (f'        audit.info("%s %s %s status=%s user=%s {label}=%s", client_ip(request), request.method,{mark}\n'
                   f"                   oneline(request.path), response.status_code, oneline(user), {shown}){mark}")
    elif style == "fstring":
        logline = (f'        audit.info(f"{{client_ip(request)}} {{request.method}} {{oneline(request.path)}} "{mark}\n'
                   f'                   f"status={{response.status_code}} user={{oneline(user)}} {label}={{{shown}}}"){mark}')
    else:
        logline = (f'        audit.info("%s %s %s status=%s user=%s {label}=%s" % (client_ip(request), request.method,{mark}\n'
                   f"                   oneline(request.path), response.status_code, oneline(user), {shown})){mark}")
    value = f"        {var} = {expr}" + ("" if safe else "  #@S")
    opts = _opt(c, *_BOX_OPTS, least=0, most=2)
    opts = "\n".join(("    " + ln) if ln.strip() else "" for ln in opts.split("\n")) if opts else ""
    return _s(_BOX, helper=c.pick(*_BOX_HELPERS), value=value, logline=logline,
              opts=("\n" + opts) if opts else "",
              museum=c.pick("Harbourside Maritime Museum", "City Natural History Museum", "Old Mill Heritage Centre",
                            "Lindqvist Gallery"),
              logname=c.pick("boxoffice.audit", "tickets.audit", "audit.boxoffice"),
              logfile=c.pick("/var/log/boxoffice/audit.log", "logs/boxoffice-audit.log", "boxoffice-audit.log"),
              watched=c.pick('("/tickets/", "/checkout/", "/vouchers/")', '("/checkout/", "/basket/", "/search/")',
                             '("/book/", "/tickets/", "/members/renew/")'),
              slow=c.pick(1.5, 2.0, 3.0), limit=c.pick(120, 200, 256))


@fam("mod14-django-museum-boxoffice-middleware-log", "CWE-117", fws=["django"], n=8, wrap=False)
def mod14_django_museum_boxoffice_middleware_log(c):
    v, s = _replayed(c, _box)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the middleware escapes the path and the user name with oneline() but writes one request value "
                      "(a POST voucher / time-slot field or a query parameter, form-decoded so %0a becomes a newline) "
                      "to the plain-text audit file as given, so a client forges audit lines (fake refunds, another "
                      "user's voucher use) that the night script trusts. The fix passes that value through oneline() too")


@hardneg(2)
def mod14_django_museum_boxoffice_middleware_log_hn(c):
    return Spec(s=_box(c, True), full=True, fw="django",
                notes="every request value in the audit line goes through oneline(), which escapes control characters")


# ---------------- CWE-94: letting-agency letters rendered from admin-edited bodies with plain jinja2 ----------------

_LET = r'''
"""Tenant letters for $agency.

Branch staff edit the letter bodies (rent reminders, inspection notices, renewal offers) in the
Django admin; they are Jinja templates with the tenancy in the context, so a branch can word its
own letters without a deploy. This module renders them and sends them by e-mail."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.utils import timezone
$jimport

log = logging.getLogger("$logname")

LETTER_KINDS = [("rent_reminder", "Rent reminder"), ("inspection", "Inspection notice"),
                ("renewal", "Renewal offer")]
$envdef

class LetterTemplate(models.Model):
    branch = models.ForeignKey("branches.Branch", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=32, choices=LETTER_KINDS)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Jinja syntax, e.g. {{ tenant.first_name }} or $moneyhelp.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("branch", "kind")]


def money(value) -> str:
    return f"\u00a3{value:,.2f}"


def letter_context(tenancy) -> dict:
    """What a letter may mention: the tenant, the property and the money owed."""
    return {
        "tenant": tenancy.tenant,
        "property": tenancy.property,
        "rent": tenancy.monthly_rent,
        "arrears": tenancy.arrears(),
        "today": date.today(),
        "branch": tenancy.property.branch,
    }


def render_letter(tpl: LetterTemplate, tenancy) -> str:
    """The letter body for one tenancy."""
    context = letter_context(tenancy)
$render


def send_letter(kind: str, tenancy) -> bool:
    """E-mail the branch's letter of ``kind`` to the tenant; False when the branch has none."""
    tpl = LetterTemplate.objects.filter(branch=tenancy.property.branch, kind=kind).first()
    if tpl is None:
        log.warning("branch %s has no %s letter", tenancy.property.branch_id, kind)
        return False
    message = EmailMessage(subject=tpl.subject, body=render_letter(tpl, tenancy),
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[tenancy.tenant.email])
    message.send(fail_silently=False)
    log.info("%s letter sent for tenancy %s", kind, tenancy.pk)
    return True


$opts
'''

_LET_OPTS = [r'''
def send_rent_reminders(min_arrears: int = $arrears) -> int:
    """Daily job: a reminder for every tenancy in arrears, at most once a week."""
    sent = 0
    week_ago = timezone.now() - timedelta(days=7)
    for tenancy in Tenancy.objects.filter(active=True).exclude(last_reminder_at__gt=week_ago):
        if tenancy.arrears() >= min_arrears and send_letter("rent_reminder", tenancy):
            tenancy.last_reminder_at = timezone.now()
            tenancy.save(update_fields=["last_reminder_at"])
            sent += 1
    return sent
''', r'''
def preview(tpl: LetterTemplate, tenancy) -> dict:
    """Admin preview: subject and rendered body, without sending."""
    return {"subject": tpl.subject, "body": render_letter(tpl, tenancy), "to": tenancy.tenant.email}
''']


def _let(c, safe, hn=False):
    shape = c.pick("template", "env")
    undefined = c.pick("StrictUndefined", "ChainableUndefined")
    if shape == "template":
        jimport = f"from jinja2 import {undefined}, Template"
        envdef = ""
        if safe or hn:
            jimport = f"from jinja2 import {undefined}\nfrom jinja2.sandbox import SandboxedEnvironment"
            call = f"SandboxedEnvironment(undefined={undefined}).from_string(tpl.body)"
            render = ("    context[\"money\"] = money\n"
                      f"    return {call}.render(**context)")
        else:
            render = ("    context[\"money\"] = money\n"
                      f"    return Template(tpl.body, undefined={undefined}).render(**context)  #@V")
    else:
        cls = "SandboxedEnvironment" if (safe or hn) else "Environment"
        jimport = (f"from jinja2 import {undefined}\nfrom jinja2.sandbox import SandboxedEnvironment"
                   if (safe or hn) else f"from jinja2 import Environment, {undefined}")
        mark = "" if (safe or hn) else "  #@V"
        envdef = (f"\n_env = {cls}(undefined={undefined}, trim_blocks=True, lstrip_blocks=True){mark}\n"
                  '_env.filters["money"] = money\n')
        render = f"    return _env.from_string(tpl.body).render(**context){mark}"
    opts = _opt(c, *_LET_OPTS, least=0, most=2)
    if "Tenancy.objects" in opts:
        jimport += "\n\nfrom .models import Tenancy"
    out = _s(_LET, moneyhelp="{{ money(rent) }}" if shape == "template" else "{{ rent | money }}", jimport=jimport, envdef=envdef, render=render, opts=opts, arrears=c.pick(1, 50, 100),
             agency=c.pick("Castlegate Lettings", "Amberley Homes lettings", "Riverside Residential Lettings",
                           "Kestrel Property Management"),
             logname=c.pick("lettings.letters", "letters", "tenancies.letters"))
    if shape == "env":
        # the filter is registered on the environment after money() exists
        out = out.replace('_env.filters["money"] = money\n', "")
        out = out.replace("\n\ndef letter_context", '\n\n_env.filters["money"] = money\n\n\ndef letter_context', 1)
    return out


@fam("mod14-django-lettings-letter-jinja-template", "CWE-94", fws=["django"], n=8, wrap=False)
def mod14_django_lettings_letter_jinja_template(c):
    v, s = _replayed(c, _let)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="letter bodies are edited by branch staff in the admin and compiled as Jinja templates with "
                      "jinja2.Template / a plain jinja2.Environment, so a body like {{ cycler.__init__.__globals__.os"
                      ".popen('id').read() }} runs code in the web and mail workers: branch staff (or a stolen "
                      "branch login) get code execution on the server. The fix compiles the bodies in a "
                      "SandboxedEnvironment, which blocks attribute access to internals")


@hardneg(2)
def mod14_django_lettings_letter_jinja_template_hn(c):
    s = _let(c, True, hn=True)
    s = _append(s, r'''
        _FOOTER = "{{ branch.name }} \u00b7 {{ branch.phone }} \u00b7 registered office: {{ office }}"


        def letter_footer(branch) -> str:
            """The footer under every letter; its template is a constant of this module, only data varies."""
            from jinja2 import Template

            return Template(_FOOTER).render(branch=branch, office=settings.REGISTERED_OFFICE)
    ''')
    return Spec(s=s, full=True, fw="django",
                notes="staff-edited bodies are compiled in a SandboxedEnvironment; the only plain jinja2.Template "
                      "compiles a constant footer of the module, with the branch as data")
