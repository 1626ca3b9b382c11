"""Train-only whole-module families weighted towards hard negatives (libs22 set, mod22-*): application
modules of Flask, FastAPI, Django and aiohttp services written the way careful teams write them (md5
ETags with ``usedforsecurity=False``, ``random`` for jitter, ``subprocess.run`` of a fixed argument list,
parameterised SQL with generated ``?`` placeholders, ``secrets`` for nonces, public-address vetting of
outbound URLs), each with one weak module whose single weak statement is subtle:

- mod22-docs-checkout-abspath-symlink (22): a docs preview serves files out of git checkouts of the
  projects' own repositories; the containment check runs on ``os.path.abspath`` so a symlink committed to
  the repository (``leak -> /etc/passwd``) passes it; the fix resolves with ``os.path.realpath``.
- mod22-return-to-host-substring (601): the post-logout / language-switch return target is accepted when an
  allowed host name occurs anywhere in the URL string (``https://evil.example/?app.example.com``); the fix
  compares ``urlsplit(...).hostname`` with the allow list.
- mod22-bulk-update-unscoped-write (639): a bulk status endpoint reads the caller's own rows to report what
  it skipped, but the UPDATE is keyed on the requested ids only; the fix scopes the write to the owner.
- mod22-feed-vetted-follows-redirect (918): a feed/webhook URL is vetted (https, every resolved address
  global) and then fetched with redirects followed, so a public host can bounce the fetch to an internal
  address; the fix disables redirects.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from module_kit import _word
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "sqlite3", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib"}
pair = _web.with_stdlib(_STDLIB)[1]


def _kw(c, **extra):
    w = _word(c)
    app = c.pick("docsy", "pressroom", "taskline", "beacon", "tessera", "lumen", "keel", "outpost")
    kw = dict(
        w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(),
        log=c.pick("log", "logger"),
        etag_fn=c.pick("etag_for", "content_etag", "make_etag"),
        bo_fn=c.pick("backoff_delay", "retry_delay", "jittered_delay"),
        ver_fn=c.pick("build_revision", "git_revision", "current_revision"),
        tok_fn=c.pick("new_request_token", "make_nonce", "fresh_token"),
        domain=c.pick("example.com", "example.org", "corp.example.net"),
        timeout=c.pick(5, 10, 15),
    )
    kw.update(extra)
    return kw


def _idioms(c):
    """Framework-free safe parts that look risky: each uses the API correctly."""
    etag = c.pick("hashlib.md5(payload, usedforsecurity=False).hexdigest()",
                  "hashlib.sha1(payload, usedforsecurity=False).hexdigest()[:20]",
                  "hashlib.blake2b(payload, digest_size=12).hexdigest()")
    return [
        P("etag", rank=1, imp="import hashlib", body='''
            def $etag_fn(payload: bytes) -> str:
                """ETag for conditional GETs: a content fingerprint, not a security control."""
                return '"' + ''' + etag + ''' + '"'
        '''),
        P("backoff", rank=1, imp="import random", const=f"RETRY_CAP = {c.pick('8.0', '20.0', '30.0')}", body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with full jitter; ``random`` only spreads the retries out."""
                return random.uniform(0, min(RETRY_CAP, 0.25 * 2 ** attempt))
        '''),
        P("version", rank=1, imp="import functools\nimport subprocess", body='''
            @functools.lru_cache(maxsize=1)
            def $ver_fn() -> str:
                """Short git revision for the health payload (constant argument list, no shell)."""
                try:
                    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                          text=True, timeout=5, check=True)
                except (OSError, subprocess.SubprocessError):
                    return "unknown"
                return proc.stdout.strip()
        '''),
        P("nonce", rank=1, imp="import secrets", body='''
            def $tok_fn() -> str:
                """Opaque value for idempotency keys and request ids."""
                return secrets.token_urlsafe(18)
        '''),
    ]


_safe, _ = _web.fix_builders(_STDLIB, lo=88, hi=140)


# ---------------- CWE-22: docs checkout served with an abspath containment check (symlinks) ----------------

_DOCS_DOCS = [
    "Docs preview: serves the built documentation of each project from its git checkout.",
    "Project documentation browser. Checkouts mirror the projects' own repositories, pushed by their owners.",
    "Read-only views over the docs checkouts of hosted projects (files, listing, sync hook).",
]


def _contain(c):
    return c.pick("if os.path.commonpath([base, full]) != base or not os.path.isfile(full):",
                  "if not full.startswith(base + os.sep) or not os.path.isfile(full):",
                  "if os.path.relpath(full, base).startswith(os.pardir) or not os.path.isfile(full):")


def _docs_parts(c, fw):
    contain = _contain(c)
    common = dict(
        const='DOCS_ROOT = os.path.realpath(os.environ.get("$APP_DOCS_ROOT", "/srv/$app/checkouts"))\n'
              'SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")\nMAX_LISTING = 500',
    )
    sync = P("sync", rank=1, imp="import os\nimport subprocess", body='''
        def sync_checkout(slug: str, branch: str = "main") -> bool:
            """Fast-forward a project's checkout from its own repository (argument list, no shell)."""
            proc = subprocess.run(
                ["git", "-C", os.path.join(DOCS_ROOT, slug), "pull", "--ff-only", "origin", branch],
                capture_output=True, text=True, timeout=120, check=False,
            )
            if proc.returncode != 0:
                $log.warning("sync of %s failed: %s", slug, proc.stderr.strip()[:200])
            return proc.returncode == 0
    ''')
    if fw == "flask":
        frame = P("frame", rank=0, imp="import mimetypes\nimport os\nimport re\nfrom flask import Blueprint, abort, jsonify, send_file",
                  setup='bp = Blueprint("docs", __name__, url_prefix="/projects")', **common, body='''
            def _checkout(slug: str) -> str:
                """Folder of a project's checkout; the slug pattern keeps it one level under DOCS_ROOT."""
                if not SLUG_RE.fullmatch(slug):
                    abort(404)
                return os.path.join(DOCS_ROOT, slug)


            @bp.get("/<slug>/docs/<path:name>")
            def docs_file(slug: str, name: str):  #@S
                base = _checkout(slug)
                full = $FIX
                ''' + contain + '''
                    abort(404)
                mime = mimetypes.guess_type(full)[0] or "application/octet-stream"
                return send_file(full, mimetype=mime, max_age=300)
        ''')
        eps = [
            P("listing", rank=2, body='''
                @bp.get("/<slug>/docs/")
                def docs_index(slug: str):
                    """Top-level entries of the checkout, hidden files left out."""
                    base = _checkout(slug)
                    with os.scandir(base) as it:
                        names = sorted(e.name for e in it if not e.name.startswith("."))
                    return jsonify(entries=names[:MAX_LISTING])
            '''),
            P("synchook", rank=2, needs=["sync"], body='''
                @bp.post("/<slug>/sync")
                def docs_sync(slug: str):
                    """Called by the CI hook after a push; the slug is validated before git runs."""
                    ok = sync_checkout(os.path.basename(_checkout(slug)))
                    return jsonify(synced=ok), (200 if ok else 502)
            '''),
            P("health", rank=2, imp="from flask import jsonify", body='''
                @bp.get("/-/health")
                def health():
                    return jsonify(status="ok")
            '''),
        ]
    else:
        frame = P("frame", rank=0, imp="import mimetypes\nimport os\nimport re\nfrom fastapi import APIRouter, HTTPException\n"
                                     "from fastapi.responses import FileResponse",
                  setup='router = APIRouter(prefix="/projects")', **common, body='''
            def _checkout(slug: str) -> str:
                """Folder of a project's checkout; the slug pattern keeps it one level under DOCS_ROOT."""
                if not SLUG_RE.fullmatch(slug):
                    raise HTTPException(status_code=404)
                return os.path.join(DOCS_ROOT, slug)


            @router.get("/{slug}/docs/{name:path}")
            def docs_file(slug: str, name: str) -> FileResponse:  #@S
                base = _checkout(slug)
                full = $FIX
                ''' + contain + '''
                    raise HTTPException(status_code=404)
                mime = mimetypes.guess_type(full)[0] or "application/octet-stream"
                return FileResponse(full, media_type=mime, headers={"Cache-Control": "max-age=300"})
        ''')
        eps = [
            P("listing", rank=2, body='''
                @router.get("/{slug}/docs/")
                def docs_index(slug: str) -> dict:
                    """Top-level entries of the checkout, hidden files left out."""
                    base = _checkout(slug)
                    with os.scandir(base) as it:
                        names = sorted(e.name for e in it if not e.name.startswith("."))
                    return {"entries": names[:MAX_LISTING]}
            '''),
            P("synchook", rank=2, needs=["sync"], body='''
                @router.post("/{slug}/sync")
                def docs_sync(slug: str) -> dict:
                    """Called by the CI hook after a push; the slug is validated before git runs."""
                    if not sync_checkout(os.path.basename(_checkout(slug))):
                        raise HTTPException(status_code=502, detail="sync failed")
                    return {"synced": True}
            '''),
            P("health", rank=2, body='''
                @router.get("/-/health")
                def health() -> dict:
                    return {"status": "ok"}
            '''),
        ]
    core = [P("logging", rank=0, imp="import logging"), frame, sync]
    return core, eps + _idioms(c)


@fam("mod22-docs-checkout-abspath-symlink", "CWE-22", fws=["flask", "fastapi", "flask", "fastapi"], n=8, wrap=False)
def mod22_docs_abspath(c):
    kw = _kw(c)
    fw = c.fw
    core, pool = _docs_parts(c, fw)
    v, s = pair(c, c.pick(*_DOCS_DOCS), '$log = logging.getLogger("$app.docs")', core, pool, kw,
                "os.path.abspath(os.path.join(base, name))  #@V", "os.path.realpath(os.path.join(base, name))",
                lo=88, hi=140)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the checkouts hold whatever the project owners commit, symlinks included; os.path.abspath "
                      "only normalises '..' and does not resolve links, so docs/leak -> /etc/passwd passes the "
                      "containment check and send_file/FileResponse follows it; the fix resolves with realpath")


@hardneg(10)
def mod22_docs_abspath_hn(c):
    kw = _kw(c)
    fw = c.pick("flask", "fastapi")
    core, pool = _docs_parts(c, fw)
    code = _safe(c, c.pick(*_DOCS_DOCS), '$log = logging.getLogger("$app.docs")', core, pool, kw,
                 c.pick("os.path.realpath(os.path.join(base, name))", "os.path.realpath(os.path.join(base, *name.split(\"/\")))"))
    return Spec(s=code, full=True, fw=fw,
                notes="realpath before the separator-aware containment check, a validated slug, git run with an "
                      "argument list, md5 ETags and random jitter: all safe")


# ---------------- CWE-601: return target accepted when an allowed host occurs anywhere in the URL ----------------

_RET_DOCS = [
    "Session routes of the $app web app: sign-out, language switch and the return-to handling they share.",
    "Account UI endpoints (logout, locale, theme) that send the browser back where it came from.",
    "Small preference and sign-out routes; return targets must stay on our own hosts.",
]


def _ret_parts(c, fw):
    var = c.pick("redirect_to", "redirect_url", "redirect_target")
    hosts = c.pick('("app.$domain", "docs.$domain", "status.$domain")', '("$domain", "www.$domain", "help.$domain")')
    helper = P("helper", rank=1, imp="from urllib.parse import urlsplit",
               const=f"ALLOWED_RETURN_HOSTS = {hosts}\nLOCALES = (\"en\", \"de\", \"fr\", \"es\", \"ja\")",
               body=f'''
        def _return_target({var}: str | None, default: str = "/") -> str:
            """A local path, or an https page on one of our own hosts; anything else falls back to ``default``."""
            if not {var} or "\\\\" in {var}:
                return default
            if {var}.startswith("/") and not {var}.startswith("//"):
                return {var}
            $FIX
                return {var}
            $log.info("dropped return target %r", {var}[:200])
            return default
    ''')
    if fw == "flask":
        frame = P("frame", rank=0, imp="from flask import Blueprint, redirect, request, session",
                  setup='bp = Blueprint("account", __name__)', body='''
            @bp.post("/logout")
            def logout():
                session.clear()
                return redirect(_return_target(request.form.get("next")), code=303)  #@S
        ''')
        eps = [
            P("locale", rank=2, body='''
                @bp.post("/locale")
                def set_locale():
                    lang = request.form.get("lang", "en")
                    if lang in LOCALES:
                        session["lang"] = lang
                    return redirect(_return_target(request.form.get("next"), "/settings"), code=303)
            '''),
            P("theme", rank=2, body='''
                @bp.post("/theme")
                def set_theme():
                    session["theme"] = "dark" if request.form.get("theme") == "dark" else "light"
                    return redirect(_return_target(request.referrer, "/settings"), code=303)
            '''),
        ]
    elif fw == "fastapi":
        frame = P("frame", rank=0, imp="from fastapi import APIRouter, Form, Request\nfrom fastapi.responses import RedirectResponse",
                  setup="router = APIRouter()", body='''
            @router.post("/logout")
            async def logout(request: Request, next: str | None = Form(default=None)) -> RedirectResponse:  #@S
                request.session.clear()
                return RedirectResponse(_return_target(next), status_code=303)  #@V
        ''')
        eps = [
            P("locale", rank=2, body='''
                @router.post("/locale")
                async def set_locale(request: Request, lang: str = Form("en"), next: str | None = Form(default=None)):
                    if lang in LOCALES:
                        request.session["lang"] = lang
                    return RedirectResponse(_return_target(next, "/settings"), status_code=303)
            '''),
            P("theme", rank=2, body='''
                @router.post("/theme")
                async def set_theme(request: Request, theme: str = Form("light")):
                    request.session["theme"] = "dark" if theme == "dark" else "light"
                    return RedirectResponse(_return_target(request.headers.get("referer"), "/settings"), status_code=303)
            '''),
        ]
    else:
        frame = P("frame", rank=0, imp="from aiohttp import web\nfrom aiohttp_session import get_session",
                  setup="routes = web.RouteTableDef()", body='''
            @routes.post("/logout")
            async def logout(request: web.Request) -> web.Response:
                session = await get_session(request)
                session.invalidate()
                form = await request.post()
                raise web.HTTPSeeOther(_return_target(form.get("next")))  #@S
        ''')
        eps = [
            P("locale", rank=2, body='''
                @routes.post("/locale")
                async def set_locale(request: web.Request) -> web.Response:
                    form = await request.post()
                    session = await get_session(request)
                    if form.get("lang") in LOCALES:
                        session["lang"] = form["lang"]
                    raise web.HTTPSeeOther(_return_target(form.get("next"), "/settings"))
            '''),
            P("theme", rank=2, body='''
                @routes.post("/theme")
                async def set_theme(request: web.Request) -> web.Response:
                    form = await request.post()
                    session = await get_session(request)
                    session["theme"] = "dark" if form.get("theme") == "dark" else "light"
                    raise web.HTTPSeeOther(_return_target(request.headers.get("Referer"), "/settings"))
            '''),
        ]
    core = [P("logging", rank=0, imp="import logging"), helper, frame]
    vfix = c.pick(f"if any(host in {var} for host in ALLOWED_RETURN_HOSTS):  #@V",
                  f"if [host for host in ALLOWED_RETURN_HOSTS if host in {var}]:  #@V",
                  f"if any(map({var}.__contains__, ALLOWED_RETURN_HOSTS)):  #@V")
    sfix = c.pick(f'if {var}.startswith("https://") and urlsplit({var}).hostname in ALLOWED_RETURN_HOSTS:',
                  f'if urlsplit({var}).scheme == "https" and urlsplit({var}).hostname in ALLOWED_RETURN_HOSTS:')
    return core, eps + _idioms(c), vfix, sfix


@fam("mod22-return-to-host-substring", "CWE-601", fws=["flask", "fastapi", "aiohttp", "flask"], n=8, wrap=False)
def mod22_return_substring(c):
    kw = _kw(c)
    fw = c.fw
    core, pool, vfix, sfix = _ret_parts(c, fw)
    v, s = pair(c, c.pick(*_RET_DOCS), '$log = logging.getLogger("$app.account")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=84, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the allow-list check looks for an allowed host name anywhere in the URL string, so "
                      "https://evil.example/?app.example.com (or evil-app.example.com.attacker.net) passes and the "
                      "browser is redirected off-site; the fix compares the parsed hostname with the allow list")


@hardneg(10)
def mod22_return_substring_hn(c):
    kw = _kw(c)
    fw = c.pick("flask", "fastapi", "aiohttp")
    core, pool, _, sfix = _ret_parts(c, fw)
    code = _safe(c, c.pick(*_RET_DOCS), '$log = logging.getLogger("$app.account")', core, pool, kw, sfix,
                 lo=84, hi=130)
    return Spec(s=code, full=True, fw=fw,
                notes="return targets are local paths (no '//' or backslash) or https URLs whose parsed hostname "
                      "is on the allow list; redirects after POST use 303")


# ---------------- CWE-639: bulk update reads the caller's rows but writes by the requested ids ----------------

_BULK_DOCS = [
    "$W list endpoints: paging, single updates and the bulk status action of the list view.",
    "Bulk actions of the $ws table (select several rows, set a status); rows belong to their owner.",
    "JSON API behind the $w board: list, export and bulk status changes.",
]


def _bulk_parts(c, fw):
    statuses = c.pick('("open", "done", "archived")', '("draft", "active", "closed")', '("todo", "doing", "done", "archived")')
    const = f"STATUSES = {statuses}\nMAX_BULK = {c.pick(100, 200, 500)}\nPAGE_SIZE = {c.pick(25, 50)}"
    if fw == "flask":
        frame = P("frame", rank=0, imp="import sqlite3\nfrom flask import Blueprint, abort, g, jsonify, request",
                  const=const + '\nDB_PATH = "/var/lib/$app/$app.db"', setup='bp = Blueprint("$ws", __name__, url_prefix="/api/$ws")',
                  body='''
            def get_db() -> sqlite3.Connection:
                if "db" not in g:
                    g.db = sqlite3.connect(DB_PATH)
                    g.db.row_factory = sqlite3.Row
                return g.db


            @bp.post("/bulk-status")
            def bulk_status():
                """Set one status on several of the caller's $ws; ids that are not theirs are reported back."""
                payload = request.get_json(silent=True) or {}
                status = payload.get("status")
                if status not in STATUSES:
                    abort(400)
                try:
                    ids = sorted({int(i) for i in payload.get("ids", [])})[:MAX_BULK]  #@S
                except (TypeError, ValueError):
                    abort(400)
                if not ids:
                    return jsonify(updated=[], skipped=[])
                db = get_db()
                marks = ",".join("?" * len(ids))
                owned = [r["id"] for r in db.execute(
                    f"SELECT id FROM $ws WHERE owner_id = ? AND id IN ({marks})", [g.user_id, *ids])]
                $FIX
                db.commit()
                $log.info("user %s set %s on %d $ws", g.user_id, status, len(owned))
                return jsonify(updated=owned, skipped=sorted(set(ids) - set(owned)))
        ''')
        vfix = 'db.execute(f"UPDATE $ws SET status = ? WHERE id IN ({marks})", [status, *ids])  #@V'
        sfix = c.pick('db.execute(f"UPDATE $ws SET status = ? WHERE owner_id = ? AND id IN ({marks})", [status, g.user_id, *ids])',
                      'db.executemany("UPDATE $ws SET status = ? WHERE id = ? AND owner_id = ?", [(status, i, g.user_id) for i in owned])')
        eps = [
            P("list", rank=2, body='''
                @bp.get("")
                def list_$ws():
                    page = max(request.args.get("page", 1, type=int), 1)
                    rows = get_db().execute(
                        "SELECT id, title, status FROM $ws WHERE owner_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                        (g.user_id, PAGE_SIZE, (page - 1) * PAGE_SIZE),
                    ).fetchall()
                    return jsonify(items=[dict(r) for r in rows], page=page)
            '''),
            P("one", rank=2, body='''
                @bp.patch("/<int:$w_id>")
                def update_$w($w_id: int):
                    title = str((request.get_json(silent=True) or {}).get("title", "")).strip()[:200]
                    cur = get_db().execute("UPDATE $ws SET title = ? WHERE id = ? AND owner_id = ?",
                                           (title, $w_id, g.user_id))
                    get_db().commit()
                    if cur.rowcount == 0:
                        abort(404)
                    return jsonify(id=$w_id, title=title)
            '''),
        ]
    else:
        frame = P("frame", rank=0, imp="import json\nfrom django.contrib.auth.decorators import login_required\n"
                                     "from django.http import JsonResponse\nfrom django.utils import timezone\n"
                                     "from django.views.decorators.http import require_POST\nfrom .models import $W",
                  const=const, body='''
            @login_required
            @require_POST
            def bulk_status(request):
                """Set one status on several of the caller's $ws; ids that are not theirs are reported back."""
                try:
                    payload = json.loads(request.body)
                    ids = sorted({int(i) for i in payload["ids"]})[:MAX_BULK]  #@S
                except (ValueError, KeyError, TypeError):
                    return JsonResponse({"error": "ids must be a list of integers"}, status=400)
                status = payload.get("status")
                if status not in STATUSES:
                    return JsonResponse({"error": "unknown status"}, status=400)
                owned = $W.objects.filter(owner=request.user, pk__in=ids)
                found = set(owned.values_list("pk", flat=True))
                $FIX
                $log.info("user %s set %s on %d $ws", request.user.pk, status, count)
                return JsonResponse({"updated": count, "skipped": sorted(set(ids) - found)})
        ''')
        vfix = 'count = $W.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())  #@V'
        sfix = c.pick('count = owned.update(status=status, updated_at=timezone.now())',
                      'count = $W.objects.filter(owner=request.user, pk__in=ids).update(status=status, updated_at=timezone.now())')
        eps = [
            P("list", rank=2, imp="from django.core.paginator import Paginator", body='''
                @login_required
                def list_$ws(request):
                    qs = $W.objects.filter(owner=request.user).order_by("-pk").values("pk", "title", "status")
                    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
                    return JsonResponse({"items": list(page.object_list), "pages": page.paginator.num_pages})
            '''),
            P("one", rank=2, imp="from django.shortcuts import get_object_or_404", body='''
                @login_required
                @require_POST
                def rename_$w(request, pk: int):
                    obj = get_object_or_404($W, pk=pk, owner=request.user)
                    obj.title = str(json.loads(request.body).get("title", "")).strip()[:200]
                    obj.save(update_fields=["title", "updated_at"])
                    return JsonResponse({"pk": obj.pk, "title": obj.title})
            '''),
        ]
    core = [P("logging", rank=0, imp="import logging"), frame]
    return core, eps + _idioms(c), vfix, sfix


@fam("mod22-bulk-update-unscoped-write", "CWE-639", fws=["flask", "django", "flask", "django"], n=8, wrap=False)
def mod22_bulk_unscoped(c):
    kw = _kw(c)
    fw = c.fw
    core, pool, vfix, sfix = _bulk_parts(c, fw)
    v, s = pair(c, c.pick(*_BULK_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=84, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the owner-scoped read only decides what is reported as skipped; the UPDATE is keyed on the "
                      "requested ids alone, so any signed-in user changes other users' rows by listing their ids; "
                      "the fix adds the owner condition to the write (or writes only the owned rows)")


@hardneg(10)
def mod22_bulk_unscoped_hn(c):
    kw = _kw(c)
    fw = c.pick("flask", "django")
    core, pool, _, sfix = _bulk_parts(c, fw)
    code = _safe(c, c.pick(*_BULK_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw, sfix, lo=84, hi=130)
    return Spec(s=code, full=True, fw=fw,
                notes="every read and write carries the owner condition; generated '?' placeholders with the ids "
                      "as parameters; f-strings only hold placeholders")


# ---------------- CWE-918: a vetted URL fetched with redirects followed ----------------

_FEED_DOCS = [
    "Feed subscriptions: users add RSS/Atom URLs, we vet them and poll them for new entries.",
    "Import of remote feeds into the $w timeline; outbound URLs are vetted before every fetch.",
    "Subscription endpoints and the poller that fetches users' feed URLs (public https hosts only).",
]


def _vet_part():
    return P("vet", rank=1, imp="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit", body='''
        def vet_url(url: str) -> str:
            """Only https URLs whose host resolves to globally routable addresses only."""
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError("only https URLs are accepted")
            for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):
                if not ipaddress.ip_address(info[4][0]).is_global:
                    raise ValueError("URL points at a non-public address")
            return url
    ''')


def _feed_parts(c, fw):
    parse = P("parse", rank=1, imp="import xml.etree.ElementTree as ET",
              const="MAX_FEED_BYTES = 2 * 1024 * 1024\nATOM = \"{http://www.w3.org/2005/Atom}\"", body='''
        def entry_titles(body: bytes) -> list[str]:
            """Titles of RSS items or Atom entries (the stdlib parser does not fetch external entities)."""
            root = ET.fromstring(body[:MAX_FEED_BYTES])
            items = root.iter("item") if root.tag == "rss" else root.iter(ATOM + "entry")
            return [(i.findtext("title") or i.findtext(ATOM + "title") or "").strip() for i in items]
    ''')
    if fw == "django":
        lib = c.pick("requests", "httpx")
        if lib == "requests":
            fetch_imp = "import requests"
            vfix = 'resp = requests.get(vet_url(url), timeout=$timeout, headers=HEADERS)  #@V'
            sfix = 'resp = requests.get(vet_url(url), timeout=$timeout, headers=HEADERS, allow_redirects=False)'
            err = "requests.RequestException"
        else:
            fetch_imp = "import httpx"
            vfix = 'resp = httpx.get(vet_url(url), timeout=$timeout, headers=HEADERS, follow_redirects=True)  #@V'
            sfix = 'resp = httpx.get(vet_url(url), timeout=$timeout, headers=HEADERS, follow_redirects=False)'
            err = "httpx.HTTPError"
        fetch = P("fetch", rank=1, imp=fetch_imp, needs=["vet", "parse"],
                  const='HEADERS = {"User-Agent": "$app-feeds/1.0", "Accept": "application/rss+xml, application/atom+xml"}',
                  body='''
            def fetch_titles(url: str) -> list[str]:
                """Entry titles of a subscribed feed; redirects would need a new vetting round."""
                $FIX
                if resp.status_code != 200:
                    raise ValueError(f"feed answered {resp.status_code}")
                return entry_titles(resp.content)
        ''')
        frame = P("frame", rank=0, needs=["fetch"],
                  imp="import json\nfrom django.contrib.auth.decorators import login_required\nfrom django.http import JsonResponse\n"
                      "from django.views.decorators.http import require_POST\nfrom .models import Subscription",
                  body=f'''
            @login_required
            @require_POST
            def subscribe(request):
                url = str(json.loads(request.body).get("url", "")).strip()  #@S
                try:
                    titles = fetch_titles(url)
                except (ValueError, ET.ParseError, {err}) as exc:
                    $log.info("feed %r rejected: %s", url[:200], exc)
                    return JsonResponse({{"error": "that feed could not be read"}}, status=400)
                sub, _ = Subscription.objects.get_or_create(owner=request.user, url=url)
                return JsonResponse({{"id": sub.pk, "entries": titles[:20]}}, status=201)
        ''')
        eps = [
            P("list", rank=2, body='''
                @login_required
                def subscriptions(request):
                    subs = Subscription.objects.filter(owner=request.user).values("pk", "url")
                    return JsonResponse({"items": list(subs)})
            '''),
            P("delete", rank=2, imp="from django.shortcuts import get_object_or_404", body='''
                @login_required
                @require_POST
                def unsubscribe(request, pk: int):
                    get_object_or_404(Subscription, pk=pk, owner=request.user).delete()
                    return JsonResponse({"deleted": pk})
            '''),
        ]
    else:
        vfix = 'async with session.get(vet_url(url), timeout=FETCH_TIMEOUT) as resp:  #@V'
        sfix = 'async with session.get(vet_url(url), timeout=FETCH_TIMEOUT, allow_redirects=False) as resp:'
        fetch = P("fetch", rank=1, imp="import aiohttp", needs=["vet", "parse"],
                  const="FETCH_TIMEOUT = aiohttp.ClientTimeout(total=$timeout)", body='''
            async def fetch_titles(session: aiohttp.ClientSession, url: str) -> list[str]:
                """Entry titles of a subscribed feed; a redirect would need a new vetting round."""
                $FIX
                    if resp.status != 200:
                        raise ValueError(f"feed answered {resp.status}")
                    body = await resp.content.read(MAX_FEED_BYTES)
                return entry_titles(body)
        ''')
        frame = P("frame", rank=0, needs=["fetch"], imp="from aiohttp import web",
                  setup="routes = web.RouteTableDef()", body='''
            @routes.post("/subscriptions")
            async def subscribe(request: web.Request) -> web.Response:
                url = str((await request.json()).get("url", "")).strip()  #@S
                try:
                    titles = await fetch_titles(request.app["http"], url)
                except (ValueError, ET.ParseError, aiohttp.ClientError) as exc:
                    $log.info("feed %r rejected: %s", url[:200], exc)
                    return web.json_response({"error": "that feed could not be read"}, status=400)
                request.app["subs"].setdefault(request["user_id"], set()).add(url)
                return web.json_response({"entries": titles[:20]}, status=201)


            async def _http_session(app: web.Application):
                app["http"] = aiohttp.ClientSession(headers={"User-Agent": "$app-feeds/1.0"})
                yield
                await app["http"].close()
        ''')
        eps = [
            P("list", rank=2, body='''
                @routes.get("/subscriptions")
                async def subscriptions(request: web.Request) -> web.Response:
                    return web.json_response({"items": sorted(request.app["subs"].get(request["user_id"], ()))})
            '''),
            P("appf", rank=3, body='''
                def make_app() -> web.Application:
                    app = web.Application()
                    app["subs"] = {}
                    app.cleanup_ctx.append(_http_session)
                    app.add_routes(routes)
                    return app
            '''),
        ]
    core = [P("logging", rank=0, imp="import logging"), _vet_part(), parse, fetch, frame]
    return core, eps + _idioms(c), vfix, sfix


@fam("mod22-feed-vetted-follows-redirect", "CWE-918", fws=["django", "aiohttp", "django", "aiohttp"], n=8, wrap=False)
def mod22_feed_redirect(c):
    kw = _kw(c)
    fw = c.fw
    core, pool, vfix, sfix = _feed_parts(c, fw)
    v, s = pair(c, c.pick(*_FEED_DOCS), '$log = logging.getLogger("$app.feeds")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=88, hi=140)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="vet_url checks the scheme and every resolved address, but the fetch follows redirects, so a "
                      "public host answering 302 Location: http://169.254.169.254/... sends the server to an internal "
                      "address that was never vetted; the fix turns redirects off (a redirect is then an error)")


@hardneg(10)
def mod22_feed_redirect_hn(c):
    kw = _kw(c)
    fw = c.pick("django", "aiohttp")
    core, pool, _, sfix = _feed_parts(c, fw)
    code = _safe(c, c.pick(*_FEED_DOCS), '$log = logging.getLogger("$app.feeds")', core, pool, kw, sfix, lo=88, hi=140)
    return Spec(s=code, full=True, fw=fw,
                notes="user URLs are vetted (https, global addresses only) and fetched without following redirects, "
                      "with a timeout and a size cap; the stdlib XML parser does not resolve external entities")
