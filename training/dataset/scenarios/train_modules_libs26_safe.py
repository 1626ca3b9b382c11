"""Train-only whole-module families weighted towards hard negatives (libs26 set, mod26s-*): Django app modules
and a ChatOps tooling module written the way careful maintainers write them, dense with look-alike idioms used
correctly (ORM filters with user input, ``format_html`` and ``mark_safe`` of constants, ``hashlib.md5(...,
usedforsecurity=False)`` ETags, ``random`` for jitter and sampling, ``secrets`` nonces, ``subprocess.run`` with
argument lists and ``--``, ``[sys.executable, "-m", "pip", "list"]``, ``asyncio.create_subprocess_exec``), each
with one weak module whose single weak statement is subtle, its minimal fix as twin, and a ``@hardneg(10)``
builder assembling safe modules from the same parts:

- mod26s-django-private-storage-file-modes (276): the documents app's private ``FileSystemStorage`` is built
  with ``file_permissions_mode=0o666`` or ``directory_permissions_mode=0o777``, so every stored contract / ID scan
  (or its folder) is world-writable on the host; the fix uses 0o640 / 0o750 (or 0o600 / 0o700).
- mod26s-django-middleware-sql-inspector-switch (215): the project's middleware module has an SQL inspector that
  turns on Django's debug cursor and appends the executed SQL (with the bound values) to JSON responses; it is
  meant for DEBUG only but a query parameter, header or cookie also switches it on in production; the fix keys
  it on settings.DEBUG (and INTERNAL_IPS) only.
- mod26s-chatops-make-target-option (77): a Slack slash-command runner calls ``make -C checkout TARGET`` with an
  argument list, but only refuses protected targets (a deny list), so a "target" such as ``--eval=...`` or
  ``--file=...`` is read by make as an option; the fix checks the target against the allow list (or a pattern
  that starts with a letter).

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"asyncio", "shlex", "shutil", "subprocess", "sys", "time", "urllib", "pathlib", "datetime"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=82, hi=108)


# ---------------- CWE-276: Django private documents storage with world-writable modes ----------------

_DOC_DOCS = [
    "Models of the $app app: $ws uploaded by customers (contracts, invoices, ID scans),\n"
    "kept in private storage outside MEDIA_ROOT and served only through the signed download view.",
    "$W model, its queryset, storage and upload helpers. Files live under settings.$ROOT, which the web server\n"
    "does not serve.",
    "Private $ws for $app: storage, model, queryset and the housekeeping helpers used by the nightly job.",
]


def _doc_kw(c):
    w = c.pick("document", "contract", "attachment", "scan", "statement")
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=c.pick("vault", "paperwork", "records", "dossier", "claims"),
                ROOT=c.pick("PRIVATE_MEDIA_ROOT", "PROTECTED_ROOT", "DOCUMENTS_ROOT"), log=c.pick("log", "logger"),
                days=c.pick(30, 90, 365), maxmb=c.pick(10, 20, 25))


def _doc_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("kinds", rank=0, const='''
            KIND_CHOICES = [
                ("contract", "Contract"),
                ("invoice", "Invoice"),
                ("id_scan", "ID scan"),
                ("other", "Other"),
            ]
        '''),
        P("storage", rank=1, imp="from django.conf import settings\nfrom django.core.files.storage import FileSystemStorage",
          body='''
            private_storage = FileSystemStorage(
                location=settings.$ROOT,
                $FIX
            )
        '''),
        P("upload_to", rank=1, imp="import os\nimport uuid", body='''
            def $w_upload_to(instance: "$W", filename: str) -> str:
                """Random name under the owner's folder; only the extension of the client's name is kept."""
                ext = os.path.splitext(filename)[1].lower()[:10]
                return f"$ws/{instance.owner_id}/{uuid.uuid4().hex}{ext}"
        '''),
        P("qs", rank=2, imp="import datetime\nfrom django.db import models\nfrom django.utils import timezone", body='''
            class $WQuerySet(models.QuerySet):
                def for_owner(self, user):
                    return self.filter(owner=user)

                def of_kind(self, kind: str):
                    return self.filter(kind=kind)

                def expired(self, now: datetime.datetime | None = None):
                    return self.filter(expires_at__lt=now or timezone.now())
        '''),
        P("model", rank=3, needs=["storage", "upload_to", "qs", "kinds"],
          imp="import hashlib\nfrom django.conf import settings\nfrom django.db import models", body='''
            class $W(models.Model):
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="$ws")
                title = models.CharField(max_length=200)
                kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="other")
                file = models.FileField(storage=private_storage, upload_to=$w_upload_to)
                size = models.PositiveIntegerField(default=0, editable=False)
                sha256 = models.CharField(max_length=64, editable=False, blank=True)
                created = models.DateTimeField(auto_now_add=True)
                expires_at = models.DateTimeField(null=True, blank=True)

                objects = $WQuerySet.as_manager()

                class Meta:
                    ordering = ["-created"]
                    indexes = [models.Index(fields=["owner", "kind"])]

                def __str__(self) -> str:
                    return self.title

                def save(self, *args, **kwargs):
                    if self.file and not self.sha256:
                        digest = hashlib.sha256()
                        for chunk in self.file.chunks():
                            digest.update(chunk)
                        self.sha256 = digest.hexdigest()
                        self.size = self.file.size
                    super().save(*args, **kwargs)
        '''),
    ]
    pool = [
        P("etag", rank=4, imp="import hashlib", body='''
            def $w_etag(doc: $W) -> str:
                """Validator for the download view's conditional GET (a fingerprint, not a security control)."""
                raw = f"{doc.pk}:{doc.sha256}:{doc.created.timestamp()}".encode()
                return hashlib.md5(raw, usedforsecurity=False).hexdigest()
        '''),
        P("badge", rank=4, imp="from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe",
          const="EMPTY_BADGE = mark_safe('<span class=\"badge badge-muted\">none</span>')", body='''
            def kind_badge(doc: $W) -> str:
                """Admin list column; format_html escapes the interpolated values."""
                if not doc.kind:
                    return EMPTY_BADGE
                return format_html('<span class="badge badge-{}">{}</span>', doc.kind, doc.get_kind_display())
        '''),
        P("delete_signal", rank=4, imp="from django.db.models.signals import post_delete\nfrom django.dispatch import receiver",
          body='''
            @receiver(post_delete, sender=$W)
            def _remove_file(sender, instance: $W, **kwargs) -> None:
                """Delete the stored file together with its row."""
                if instance.file:
                    instance.file.delete(save=False)
        '''),
        P("save_signal", rank=4, imp="from django.db.models.signals import post_save\nfrom django.dispatch import receiver",
          body='''
            @receiver(post_save, sender=$W)
            def _log_created(sender, instance: $W, created: bool, **kwargs) -> None:
                if created:
                    $log.info("$w %s stored for user %s (%d bytes)", instance.pk, instance.owner_id, instance.size)
        '''),
        P("purge", rank=4, needs=["delete_signal"], imp="from django.utils import timezone", body='''
            def purge_expired() -> int:
                """Delete expired $ws (the post_delete handler removes their files)."""
                count, _ = $W.objects.expired(timezone.now()).delete()
                $log.info("purged %d expired $ws", count)
                return count
        '''),
        P("quota", rank=4, imp="from django.db.models import Sum", const="QUOTA_BYTES = $maxmb * 1024 * 1024 * 20", body='''
            def over_quota(user, incoming: int) -> bool:
                used = $W.objects.for_owner(user).aggregate(total=Sum("size"))["total"] or 0
                return used + incoming > QUOTA_BYTES
        '''),
        P("search", rank=4, body='''
            def search(user, term: str):
                """Title search within the user's own $ws (an ORM filter, values are bound)."""
                return $W.objects.for_owner(user).filter(title__icontains=term.strip()[:100])
        '''),
        P("dlname", rank=4, imp="import os\nfrom django.utils.text import slugify", body='''
            def download_name(doc: $W) -> str:
                """Content-Disposition file name: the slugified title and the stored extension."""
                ext = os.path.splitext(doc.file.name)[1]
                return (slugify(doc.title) or "$w") + ext
        '''),
        P("form", rank=4, imp="import os\nfrom django import forms",
          const='ALLOWED_EXTENSIONS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})', body='''
            class $WUploadForm(forms.ModelForm):
                """Upload form: size limit and an extension allow list (the stored name is random anyway)."""

                class Meta:
                    model = $W
                    fields = ["title", "kind", "file"]

                def clean_file(self):
                    upload = self.cleaned_data["file"]
                    if upload.size > $maxmb * 1024 * 1024:
                        raise forms.ValidationError("the file is larger than $maxmb MB")
                    if os.path.splitext(upload.name)[1].lower() not in ALLOWED_EXTENSIONS:
                        raise forms.ValidationError("only PDF and image files are accepted")
                    return upload
        '''),
        P("jitter", rank=4, imp="import random", const="PURGE_INTERVAL = 3600", body='''
            def next_purge_delay() -> float:
                """Seconds until the next purge run, spread so that workers do not start together."""
                return PURGE_INTERVAL + random.uniform(0, PURGE_INTERVAL / 10)
        '''),
        P("expiry", rank=4, imp="import datetime\nfrom django.utils import timezone", body='''
            def default_expiry(kind: str) -> datetime.datetime | None:
                """ID scans are kept for $days days; other kinds until the owner deletes them."""
                if kind == "id_scan":
                    return timezone.now() + datetime.timedelta(days=$days)
                return None
        '''),
    ]
    return core, pool


_DOC_V = [
    ("file_permissions_mode=0o666,  #@V\n    directory_permissions_mode=0o755,",
     "file_permissions_mode=0o640,\n    directory_permissions_mode=0o755,"),
    ("file_permissions_mode=0o640,\n    directory_permissions_mode=0o777,  #@V",
     "file_permissions_mode=0o640,\n    directory_permissions_mode=0o750,"),
    ("file_permissions_mode=0o666,  #@V\n    directory_permissions_mode=0o777,  #@V",
     "file_permissions_mode=0o600,\n    directory_permissions_mode=0o700,"),
]
_DOC_S = ["file_permissions_mode=0o640,\n    directory_permissions_mode=0o750,",
          "file_permissions_mode=0o600,\n    directory_permissions_mode=0o700,",
          "file_permissions_mode=0o640,\n    directory_permissions_mode=0o2750,"]


@fam("mod26s-django-private-storage-file-modes", "CWE-276", fws=["django"], n=8, wrap=False)
def mod26s_doc_storage(c):
    kw = _doc_kw(c)
    core, pool = _doc_parts(c)
    vfix, sfix = c.pick(*_DOC_V)
    v, s = _pair(c, c.pick(*_DOC_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw, vfix, sfix)
    what = ("every stored file is created 0o666 (readable and writable by every local account)" if "0o666" in vfix and "0o777" not in vfix
            else "every folder is created 0o777, so any local account can add, replace or delete the files in it"
            if "0o666" not in vfix else "files are created 0o666 and folders 0o777")
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"the private storage for customers' contracts and ID scans sets the default permissions of what "
                      f"it creates: {what}; other services and users on the host read or swap the documents that the "
                      "signed download view then serves; the fix removes the bits that let other local accounts read or "
                      "change the documents")


_DOC_REPAIR = P("repair", rank=4, imp="import os\nfrom django.conf import settings", body='''
    def tighten_existing(root: str = settings.$ROOT) -> int:
        """One-off repair for files stored before the storage had explicit modes: drop every 'other' bit."""
        fixed = 0
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                if os.stat(path).st_mode & 0o007:
                    os.chmod(path, 0o640)
                    fixed += 1
        return fixed
''')


@hardneg(10)
def mod26s_doc_storage_hn(c):
    kw = _doc_kw(c)
    core, pool = _doc_parts(c)
    pool = pool + [_DOC_REPAIR]
    code = _safe(c, c.pick(*_DOC_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw, c.pick(*_DOC_S))
    return Spec(s=code, full=True, fw="django",
                notes="private FileSystemStorage with owner/group-only modes, random upload names, ORM filters scoped to "
                      "the owner, format_html / mark_safe of a constant, md5 only for the ETag, random only for jitter")


# ---------------- CWE-215: Django middleware; SQL inspector switched on by a request value ----------------

_MW_DOCS = [
    "Project middleware for $proj: request ids, timing, security headers and the SQL inspector used while\n"
    "profiling slow pages.",
    "HTTP middleware of the $proj site. Order in settings.MIDDLEWARE: request id first, SQL inspector last.",
    "Cross-cutting request handling for $proj (ids, headers, conditional GET, diagnostics).",
]


def _mw_kw(c):
    return dict(proj=c.pick("atlas", "lighthouse", "meridian", "ferry", "quarry", "tandem"), log=c.pick("log", "logger"),
                rate=c.pick("0.01", "0.02", "0.05"), limit=c.pick(50, 100, 200), hdr=c.pick("X-Request-ID", "X-Correlation-ID"))


def _mw_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("sql", rank=3, imp="import json\nfrom django.conf import settings\nfrom django.db import connection, reset_queries",
          body='''
            class SqlInspectorMiddleware:
                """Appends the SQL a request ran (and its timings) to JSON responses, for profiling slow pages."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    $FIX
                        return self.get_response(request)
                    reset_queries()
                    connection.force_debug_cursor = True
                    try:
                        response = self.get_response(request)
                    finally:
                        connection.force_debug_cursor = False
                    if response.get("Content-Type", "").startswith("application/json"):
                        payload = json.loads(response.content or b"{}")
                        if isinstance(payload, dict):
                            payload["_sql"] = [{"sql": q["sql"], "ms": float(q["time"]) * 1000}  #@V
                                               for q in connection.queries[:$limit]]
                            response.content = json.dumps(payload)
                    return response
        '''),
    ]
    pool = [
        P("rid", rank=2, imp="import re\nimport uuid", const=r'REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}")', body='''
            class RequestIdMiddleware:
                """Propagates the caller's request id when it looks like one, else mints a uuid4."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    rid = request.headers.get("$hdr", "")
                    request.request_id = rid if REQUEST_ID_RE.fullmatch(rid) else uuid.uuid4().hex
                    response = self.get_response(request)
                    response["$hdr"] = request.request_id
                    return response
        '''),
        P("timing", rank=2, imp="import time", body='''
            class ServerTimingMiddleware:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    started = time.perf_counter()
                    response = self.get_response(request)
                    response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                    return response
        '''),
        P("headers", rank=2, imp="import secrets", body='''
            class SecurityHeadersMiddleware:
                """CSP with a per-request nonce (templates read request.csp_nonce) and the usual hardening headers."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    request.csp_nonce = secrets.token_urlsafe(16)
                    response = self.get_response(request)
                    response.setdefault("Content-Security-Policy",
                                        f"default-src 'self'; script-src 'self' 'nonce-{request.csp_nonce}'")
                    response.setdefault("X-Content-Type-Options", "nosniff")
                    response.setdefault("Referrer-Policy", "same-origin")
                    return response
        '''),
        P("maint", rank=2, imp="import random\nfrom django.conf import settings\nfrom django.http import HttpResponse\n"
                               "from django.utils.html import format_html\nfrom django.utils.safestring import mark_safe",
          const="MAINTENANCE_HEAD = mark_safe(\"<h1>We'll be right back</h1>\")", body='''
            class MaintenanceMiddleware:
                """503 page while settings.MAINTENANCE_UNTIL is set; health checks still pass."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    until = getattr(settings, "MAINTENANCE_UNTIL", None)
                    if not until or request.path.startswith("/health"):
                        return self.get_response(request)
                    body = MAINTENANCE_HEAD + format_html("<p>Expected back at {}.</p>", until)
                    response = HttpResponse(body, status=503)
                    response["Retry-After"] = str(120 + random.randint(0, 60))
                    return response
        '''),
        P("etag", rank=2, imp="import hashlib\nfrom django.http import HttpResponseNotModified", body='''
            class ContentETagMiddleware:
                """Weak conditional GET for small JSON responses (md5 names the content; it protects nothing)."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    response = self.get_response(request)
                    if request.method != "GET" or response.status_code != 200 or response.streaming:
                        return response
                    etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
                    if request.headers.get("If-None-Match") == etag:
                        return HttpResponseNotModified()
                    response["ETag"] = etag
                    return response
        '''),
        P("sample", rank=2, imp="import random\nimport time", const="ACCESS_SAMPLE_RATE = $rate", body='''
            class SampledAccessLogMiddleware:
                """Logs a random sample of requests (all errors); the path is logged with %r."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    started = time.monotonic()
                    response = self.get_response(request)
                    elapsed_ms = (time.monotonic() - started) * 1000
                    if response.status_code >= 500 or random.random() < ACCESS_SAMPLE_RATE:
                        $log.info("%s %r -> %d in %.0fms", request.method, request.path, response.status_code, elapsed_ms)
                    return response
        '''),
    ]
    return core, pool


_MW_V = [
    'if not (settings.DEBUG or request.GET.get("_sql") == "1"):  #@V',
    'if not settings.DEBUG and request.headers.get("X-Debug-SQL") != "1":  #@V',
    'if not (settings.DEBUG or request.COOKIES.get("sql_inspector") == "on"):  #@V',
    'if not (settings.DEBUG or "profile_sql" in request.GET):  #@V',
]
_MW_S = ["if not settings.DEBUG:",
         'if not (settings.DEBUG and request.META.get("REMOTE_ADDR") in settings.INTERNAL_IPS):']


@fam("mod26s-django-middleware-sql-inspector-switch", "CWE-215", fws=["django"], n=8, wrap=False)
def mod26s_mw_sql(c):
    kw = _mw_kw(c)
    core, pool = _mw_parts(c)
    vfix, sfix = c.pick(*_MW_V), c.pick(*_MW_S)
    v, s = _pair(c, c.pick(*_MW_DOCS), '$log = logging.getLogger("$proj.middleware")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the SQL inspector is debugging code: it enables Django's debug cursor and appends every "
                      "executed statement, with the bound values interpolated (e-mail addresses, tokens, password "
                      "hashes of the rows it touched), to the JSON response; besides settings.DEBUG a request value "
                      "switches it on, so anyone can turn it on in production; the fix keys it on DEBUG "
                      "(and INTERNAL_IPS) only")


@hardneg(10)
def mod26s_mw_sql_hn(c):
    kw = _mw_kw(c)
    core, pool = _mw_parts(c)
    code = _safe(c, c.pick(*_MW_DOCS), '$log = logging.getLogger("$proj.middleware")', core, pool, kw, c.pick(*_MW_S))
    return Spec(s=code, full=True, fw="django",
                notes="middleware module whose SQL inspector runs only with settings.DEBUG; request ids validated, "
                      "CSP nonce from secrets, format_html and mark_safe of a constant, md5 only for the ETag, random "
                      "only for sampling and Retry-After jitter")


# ---------------- CWE-77: ChatOps runner; make target checked against a deny list only ----------------

_OPS_DOCS = [
    "Slack slash-command runner for the $proj build host: `/$bot make docs`, `/$bot log path`, ...\n"
    "Requests are verified with the signing secret; every program runs with an argument list, never a shell.",
    "ChatOps for $proj: runs Make targets and read-only git queries in the build checkout for the team channel.",
    "Handlers of the `/$bot` slash command (signed Slack requests) on the $proj CI host.",
]


def _ops_kw(c):
    proj = c.pick("harbor", "sundial", "keel", "pebble", "orchard", "tessera")
    return dict(proj=proj, PROJ=proj.upper(), bot=c.pick("ops", "ci", "build", "bot"), log=c.pick("log", "logger"),
                timeout=c.pick(600, 900, 1200), tail=c.pick(2000, 3000, 3500))


def _ops_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport pathlib", const='''
            CHECKOUT = pathlib.Path(os.environ.get("$PROJ_CHECKOUT", "/srv/$proj/checkout"))
            SIGNING_SECRET = os.environ["SLACK_SIGNING_SECRET"].encode()
            ALLOWED_TARGETS = frozenset({"docs", "lint", "test", "build", "changelog", "deploy-staging"})
            PROTECTED_TARGETS = frozenset({"deploy-staging", "release"})
            ADMINS = frozenset(os.environ.get("$PROJ_OPS_ADMIN_IDS", "").split(","))  # Slack user ids
        '''),
        P("registry", rank=1, imp="from typing import Callable", const="COMMANDS: dict[str, Callable[[str, str], str]] = {}",
          body='''
            class TaskRefused(Exception):
                """A command the caller may not run."""


            def command(name: str):
                def deco(fn):
                    COMMANDS[name] = fn
                    return fn
                return deco
        '''),
        P("verify", rank=1, imp="import hashlib\nimport hmac\nimport time", body='''
            def verify_request(headers: dict, body: bytes) -> bool:
                """Slack's v0 signature: HMAC-SHA256 of 'v0:timestamp:body', compared in constant time."""
                ts = headers.get("X-Slack-Request-Timestamp", "")
                if not ts.isdigit() or abs(time.time() - int(ts)) > 300:
                    return False
                mac = hmac.new(SIGNING_SECRET, b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
                return hmac.compare_digest("v0=" + mac, headers.get("X-Slack-Signature", ""))
        '''),
        P("make", rank=2, needs=["registry"], imp="import shlex\nimport subprocess", body='''
            @command("make")
            def run_make(target: str, user: str) -> str:
                """Run one Make target of the checkout; protected targets need an ops admin."""
                $FIX
                    raise TaskRefused(f"target {target!r} is not available to {user}")
                argv = ["make", "-C", str(CHECKOUT), "--no-print-directory", target]  #@V
                $log.info("%s: + %r", user, shlex.join(argv))
                proc = subprocess.run(argv, capture_output=True, text=True, timeout=$timeout)  #@V
                return (proc.stdout + proc.stderr)[-$tail:]
        '''),
        P("dispatch", rank=3, needs=["registry", "verify"], body='''
            def handle_slash_command(headers: dict, body: bytes, form: dict) -> str:
                """Entry point of the web hook: verify, parse '<verb> <argument>', run, answer in the channel."""
                if not verify_request(headers, body):
                    raise PermissionError("bad signature")
                text = form.get("text", "").strip()  #@S
                verb, _, arg = text.partition(" ")
                handler = COMMANDS.get(verb)
                if handler is None:
                    return "commands: " + ", ".join(sorted(COMMANDS))
                try:
                    return handler(arg.strip(), form.get("user_id", "?"))
                except TaskRefused as exc:
                    return str(exc)
        '''),
    ]
    pool = [
        P("gitlog", rank=2, needs=["registry"], imp="import subprocess", body='''
            @command("log")
            def git_log(path: str, user: str) -> str:
                """Recent commits touching a path; '--' keeps the path from being read as an option."""
                out = subprocess.run(["git", "-C", str(CHECKOUT), "log", "--format=%h %an %s", "-n", "15", "--", path or "."],
                                     check=True, capture_output=True, text=True, timeout=60)
                return out.stdout
        '''),
        P("deps", rank=2, needs=["registry"], imp="import json\nimport subprocess\nimport sys", body='''
            @command("deps")
            def installed(name: str, user: str) -> str:
                """Versions installed in the runner's interpreter, optionally filtered by name."""
                listing = subprocess.check_output([sys.executable, "-m", "pip", "list", "--format=json"], text=True, timeout=60)
                rows = [p for p in json.loads(listing) if name.lower() in p["name"].lower()]
                return "\\n".join(f"{p['name']}=={p['version']}" for p in rows[:40])
        '''),
        P("rev", rank=2, needs=["registry"], imp="import subprocess", body='''
            @command("rev")
            def current_revision(_: str, user: str) -> str:
                return subprocess.run(["git", "-C", str(CHECKOUT), "rev-parse", "--short", "HEAD"], check=True,
                                      capture_output=True, text=True, timeout=30).stdout.strip()
        '''),
        P("fetch", rank=2, needs=["registry"], imp="import subprocess", body='''
            @command("fetch")
            def fetch(_: str, user: str) -> str:
                """Update remote-tracking branches (fixed argument list)."""
                subprocess.run(["git", "-C", str(CHECKOUT), "fetch", "--prune", "--quiet", "origin"], check=True, timeout=120)
                $log.info("%s fetched origin", user)
                return "fetched"
        '''),
        P("suite", rank=2, needs=["registry"], imp="import asyncio\nimport sys", body='''
            async def _pytest_summary() -> str:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "pytest", "-q", "-x", "--", str(CHECKOUT / "tests"),
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=CHECKOUT)
                out, _ = await asyncio.wait_for(proc.communicate(), timeout=$timeout)
                return out.decode(errors="replace").strip().splitlines()[-1:][0] if out.strip() else "no output"


            @command("pytest")
            def run_suite(_: str, user: str) -> str:
                return asyncio.run(_pytest_summary())
        '''),
        P("respond", rank=2, imp="import random\nimport time\nfrom urllib.parse import urlsplit\nimport requests", body='''
            def respond(response_url: str, text: str, attempts: int = 3) -> None:
                """Post the answer to Slack's response_url (only Slack's host), retrying with jitter."""
                if urlsplit(response_url).hostname != "hooks.slack.com":
                    raise ValueError("unexpected response_url host")
                for attempt in range(attempts):
                    resp = requests.post(response_url, json={"text": text}, timeout=10)
                    if resp.status_code < 500:
                        return
                    time.sleep(random.uniform(0, 2 ** attempt))
        '''),
    ]
    return core, pool


_OPS_V = [
    ("if target in PROTECTED_TARGETS and user not in ADMINS:  #@V",
     "if target not in ALLOWED_TARGETS or (target in PROTECTED_TARGETS and user not in ADMINS):"),
    ('if target.startswith("_") or (target in PROTECTED_TARGETS and user not in ADMINS):  #@V',
     "if target not in ALLOWED_TARGETS or (target in PROTECTED_TARGETS and user not in ADMINS):"),
    ("if not target or (target in PROTECTED_TARGETS and user not in ADMINS):  #@V",
     'if not re.fullmatch(r"[a-z][a-z0-9_-]{0,40}", target) or (target in PROTECTED_TARGETS and user not in ADMINS):'),
]
_OPS_S = ["if target not in ALLOWED_TARGETS or (target in PROTECTED_TARGETS and user not in ADMINS):",
          'if not re.fullmatch(r"[a-z][a-z0-9_-]{0,40}", target) or (target in PROTECTED_TARGETS and user not in ADMINS):']


def _ops_pattern_fix(core):
    """The name-pattern fix: `re` for the check, and no allow list left unused (policy: any target, protected
    ones for admins) so the module does not read as a forgotten allow list."""
    core[4].imp += "\nimport re"
    core[1].const = "\n".join(l for l in core[1].const.split("\n") if "ALLOWED_TARGETS" not in l)


@fam("mod26s-chatops-make-target-option", "CWE-77", fws=["script"], n=8, wrap=False)
def mod26s_ops_make(c):
    kw = _ops_kw(c)
    core, pool = _ops_parts(c)
    vfix, sfix = c.pick(*_OPS_V)
    if "re.fullmatch" in sfix:
        _ops_pattern_fix(core)
    v, s = _pair(c, c.pick(*_OPS_DOCS), '$log = logging.getLogger("$proj.chatops")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="every program runs from an argument list, but the Make target typed in the channel is only "
                      "checked against the protected targets; anyone in the workspace can send '/make --eval=...' or "
                      "'--file=<uploaded makefile>', which make parses as an option and so runs arbitrary recipes on "
                      "the build host with its credentials; the fix accepts only the allow-listed target names (or a "
                      "name that starts with a letter)")


@hardneg(10)
def mod26s_ops_make_hn(c):
    kw = _ops_kw(c)
    core, pool = _ops_parts(c)
    sfix = c.pick(*_OPS_S)
    if "re.fullmatch" in sfix:
        _ops_pattern_fix(core)
    code = _safe(c, c.pick(*_OPS_DOCS), '$log = logging.getLogger("$proj.chatops")', core, pool, kw, sfix)
    return Spec(s=code, full=True, fw="script",
                notes="ChatOps runner: signed requests checked with compare_digest, Make targets from an allow list "
                      "(or a name that must start with a letter, so never an option or a variable assignment), "
                      "git with '--' before paths, pip list through sys.executable, pytest through "
                      "create_subprocess_exec, response_url host allow-listed, random only for retry jitter")
