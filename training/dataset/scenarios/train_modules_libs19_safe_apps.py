"""Train-only whole-module families weighted towards hard negatives (libs19 set, mod19-*): application
modules of FastAPI, Flask, Django and aiohttp services written the way careful teams write them, dense
with idioms that look risky but are safe (``subprocess.run`` of a fixed argument list, ``cursor.execute``
with parameters, ``yaml.safe_load``, md5 ETags with ``usedforsecurity=False``, ``random`` for jitter, a
pickle of the app's own cache file, ``tempfile.NamedTemporaryFile`` + ``os.replace``, ``requests.get`` of a
fixed URL with a timeout, ``secrets.token_urlsafe``).

Each family has one weak module whose single weak statement is subtle, its minimal fix as twin, and a
``@hardneg(10)`` builder that assembles safe modules from the same parts:

- mod19-attachment-dir-prefix-check (22): attachments are served from a per-record folder and the
  containment check is ``full.startswith(base)`` without a separator, so record 1 reads record 12's
  folder (``../12/x``); the fix compares with ``base + os.sep`` / ``os.path.commonpath``.
- mod19-link-preview-unvetted-fetch (918): a notes app vets webhook URLs with a public-address check but
  its link-preview endpoint fetches the posted URL directly (redirects followed, no timeout); the fix
  passes the URL through the same vetting helper, with ``allow_redirects=False`` and a timeout.
- mod19-board-import-legacy-yaml-load (502): a settings import endpoint reads the current format with
  ``yaml.safe_load`` but the v1 migration helper still calls ``yaml.load(..., Loader=yaml.Loader)``.
- mod19-team-invite-random-code (338): team invitations whose code is drawn from ``random`` while the
  same module rightly uses ``random`` for retry jitter and suggestion order; the fix draws from ``secrets``.

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
    cache_stem = c.pick("lookup_cache", "state_cache", "cache")
    app = c.pick("helpdesk", "fieldops", "atlas", "harbor", "ledgerly", "trackr", "orbit", "quarry")
    kw = dict(
        w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(),
        log=c.pick("log", "logger"),
        etag_fn=c.pick("etag_for", "content_etag", "make_etag"),
        bo_fn=c.pick("backoff_delay", "retry_delay", "jittered_delay"),
        ver_fn=c.pick("build_revision", "git_revision", "current_revision"),
        cache_fn="_load_" + cache_stem, save_fn="_save_" + cache_stem,
        write_fn=c.pick("atomic_write", "write_atomically", "replace_file"),
        cfg_fn=c.pick("load_settings", "read_config", "load_app_config"),
        ping_fn=c.pick("upstream_healthy", "status_page_ok", "check_upstream"),
        db_fn=c.pick("_db", "_connect", "get_db"),
        tok_fn=c.pick("new_request_token", "make_nonce", "fresh_token"),
        timeout=c.pick(5, 5, 10),
    )
    kw.update(extra)
    return kw


def _idioms(c, pickle_ok=True):
    """Framework-free safe parts that look risky: each uses the API correctly."""
    etag = c.pick("hashlib.md5(payload, usedforsecurity=False).hexdigest()",
                  "hashlib.md5(payload, usedforsecurity=False).hexdigest()[:16]",
                  "hashlib.sha1(payload, usedforsecurity=False).hexdigest()")
    parts = [
        P("logging", rank=0, imp="import logging"),
        P("etag", rank=1, imp="import hashlib", body='''
            def $etag_fn(payload: bytes) -> str:
                """ETag for conditional GETs: a content fingerprint, not a security control."""
                return '"' + ''' + etag + ''' + '"'
        '''),
        P("backoff", rank=1, imp="import random", const=f"RETRY_CAP = {c.pick('8.0', '10.0', '30.0')}", body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with full jitter; ``random`` only spreads the retries out."""
                return random.uniform(0, min(RETRY_CAP, 0.5 * 2 ** attempt))
        '''),
        P("version", rank=1, imp="import functools\nimport subprocess", body=c.pick('''
            @functools.lru_cache(maxsize=1)
            def $ver_fn() -> str:
                """Short git revision for the /health payload (fixed program, argument list, no shell)."""
                proc = subprocess.run(
                    ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5, check=False
                )
                return proc.stdout.strip() or "unknown"
        ''', '''
            @functools.lru_cache(maxsize=1)
            def $ver_fn() -> str:
                """Revision shown on the status page; the command line is a constant list."""
                try:
                    out = subprocess.run(["git", "describe", "--tags", "--always"], capture_output=True,
                                         text=True, check=True, timeout=5)
                except (OSError, subprocess.SubprocessError):
                    return "dev"
                return out.stdout.strip()
        ''')),
        P("atomic", rank=1, imp="import os\nimport tempfile", body='''
            def $write_fn(path: str, data: bytes) -> None:
                """Write ``data`` to ``path`` atomically: a private temp file in the same folder, then a rename."""
                folder = os.path.dirname(path) or "."
                with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".tmp-", delete=False) as tmp:
                    tmp.write(data)
                os.replace(tmp.name, path)
        '''),
        P("config", rank=1, imp="import os\nimport yaml", const='CONFIG_PATH = os.environ.get("$APP_CONFIG", "/etc/$app/settings.yaml")',
          body='''
            def $cfg_fn(path: str = CONFIG_PATH) -> dict:
                """Deployment settings; ``safe_load`` builds plain dicts and lists only."""
                with open(path, encoding="utf-8") as fh:
                    return yaml.safe_load(fh) or {}
        '''),
        P("ping", rank=1, imp="import requests", const=f'STATUS_URL = "https://status.{c.pick("example.com", "example.net", "vendor.example.org")}/api/v2/status.json"',
          body='''
            def $ping_fn() -> bool:
                """Upstream status for the health check: a fixed URL, a timeout, no user input."""
                try:
                    resp = requests.get(STATUS_URL, timeout=$timeout)
                    return resp.ok and resp.json().get("status", {}).get("indicator") == "none"
                except (requests.RequestException, ValueError):
                    return False
        '''),
        P("nonce", rank=1, imp="import secrets", body='''
            def $tok_fn() -> str:
                """Opaque value for idempotency keys and form nonces."""
                return secrets.token_urlsafe(24)
        '''),
    ]
    if pickle_ok:
        parts.append(P("pcache", rank=1, needs=["atomic"], imp="import os\nimport pickle",
                       const='STATE_DIR = os.environ.get("$APP_STATE_DIR", "/var/lib/$app")\n'
                             'LOOKUP_CACHE = os.path.join(STATE_DIR, "lookup-cache.pickle")', body='''
            def $cache_fn() -> dict:
                """The service's own lookup cache, written only by $save_fn below (never uploaded)."""
                try:
                    with open(LOOKUP_CACHE, "rb") as fh:
                        return pickle.load(fh)  # nosec B301: our own state file in STATE_DIR
                except (FileNotFoundError, EOFError):
                    return {}


            def $save_fn(cache: dict) -> None:
                $write_fn(LOOKUP_CACHE, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
        '''))
    return parts


_safe, _ = _web.fix_builders(_STDLIB, lo=88, hi=130)


# ---------------- CWE-22: per-record attachment folder, prefix check without a separator ----------------


def _att_parts(c, fw):
    """Core and pool for the attachments module; $FIX is the containment check of the download."""
    root = 'ATTACH_ROOT = os.path.realpath(os.environ.get("$APP_ATTACHMENTS", "/srv/$app/attachments"))'
    resolve = c.pick(
        "base = os.path.join(ATTACH_ROOT, str($w_id))\n                full = os.path.realpath(os.path.join(base, name))",
        "base = os.path.join(ATTACH_ROOT, f\"{$w_id:d}\")\n                full = os.path.realpath(os.path.join(base, *name.split(\"/\")))",
    )
    if fw == "fastapi":
        frame = P("frame", rank=0, imp="import mimetypes\nimport os\nfrom fastapi import APIRouter, Depends, HTTPException, Request, Response\n"
                  "from .auth import require_member", const=root + "\nMAX_LISTING = 200",
                  setup='router = APIRouter(prefix="/$ws", dependencies=[Depends(require_member)])')
        dl = P("download", rank=3, needs=["etag"], body='''
            @router.get("/{$w_id}/files/{name:path}")
            def download_attachment($w_id: int, name: str, request: Request, member=Depends(require_member)) -> Response:  #@S
                """One attachment of a $w; ``name`` may name a file in a subfolder of the $w's folder."""
                if $w_id not in member.$w_ids:
                    raise HTTPException(status_code=404, detail="no such attachment")
                ''' + resolve + '''
                $FIX
                    raise HTTPException(status_code=404, detail="no such attachment")
                if not os.path.isfile(full):
                    raise HTTPException(status_code=404, detail="no such attachment")
                with open(full, "rb") as fh:  #@V
                    payload = fh.read()
                tag = $etag_fn(payload)
                if request.headers.get("if-none-match") == tag:
                    return Response(status_code=304)
                media = mimetypes.guess_type(full)[0] or "application/octet-stream"
                return Response(payload, media_type=media, headers={"ETag": tag, "Cache-Control": "private, max-age=60"})
        ''')
        listing = P("listing", rank=3, body='''
            @router.get("/{$w_id}/files")
            def list_attachments($w_id: int, member=Depends(require_member)) -> dict:
                """File names in the $w's folder (no path ever comes from the client here)."""
                if $w_id not in member.$w_ids:
                    raise HTTPException(status_code=404, detail="no such $w")
                folder = os.path.join(ATTACH_ROOT, str($w_id))
                if not os.path.isdir(folder):
                    return {"files": []}
                with os.scandir(folder) as it:
                    names = sorted(e.name for e in it if e.is_file() and not e.name.startswith("."))
                return {"files": names[:MAX_LISTING]}
        ''')
        health = P("health", rank=3, body='''
            @router.get("/-/health", dependencies=[])
            def health() -> dict:
                return {"ok": True}
        ''')
        extra = [P("health_v", rank=3, needs=["version"], body='''
            @router.get("/-/version")
            def version() -> dict:
                return {"revision": $ver_fn()}
        ''')]
    else:
        frame = P("frame", rank=0, imp="import mimetypes\nimport os\nfrom flask import Blueprint, Response, abort, jsonify, request\n"
                  "from flask_login import current_user, login_required", const=root + "\nMAX_LISTING = 200",
                  setup='bp = Blueprint("$ws_files", __name__, url_prefix="/$ws")')
        dl = P("download", rank=3, needs=["etag"], body='''
            @bp.get("/<int:$w_id>/files/<path:name>")
            @login_required
            def download_attachment($w_id: int, name: str) -> Response:  #@S
                """One attachment of a $w; ``name`` may name a file in a subfolder of the $w's folder."""
                if $w_id not in current_user.$w_ids:
                    abort(404)
                ''' + resolve + '''
                $FIX
                    abort(404)
                if not os.path.isfile(full):
                    abort(404)
                with open(full, "rb") as fh:  #@V
                    payload = fh.read()
                tag = $etag_fn(payload)
                if request.headers.get("If-None-Match") == tag:
                    return Response(status=304)
                resp = Response(payload, mimetype=mimetypes.guess_type(full)[0] or "application/octet-stream")
                resp.headers["ETag"] = tag
                return resp
        ''')
        listing = P("listing", rank=3, body='''
            @bp.get("/<int:$w_id>/files")
            @login_required
            def list_attachments($w_id: int):
                """File names in the $w's folder (no path ever comes from the client here)."""
                if $w_id not in current_user.$w_ids:
                    abort(404)
                folder = os.path.join(ATTACH_ROOT, str($w_id))
                names = sorted(n for n in os.listdir(folder) if not n.startswith(".")) if os.path.isdir(folder) else []
                return jsonify(files=names[:MAX_LISTING])
        ''')
        health = P("health", rank=3, body='''
            @bp.get("/-/health")
            def health():
                return jsonify(ok=True)
        ''')
        extra = [P("health_v", rank=3, needs=["version"], body='''
            @bp.get("/-/version")
            def version():
                return jsonify(revision=$ver_fn())
        ''')]
    thumbs = P("thumbs", rank=2, imp="import subprocess", body='''
        def render_thumbnail(src: str, dest: str) -> bool:
            """PDF first-page thumbnail via pdftoppm: fixed program, paths passed as arguments."""
            proc = subprocess.run(
                ["pdftoppm", "-png", "-singlefile", "-f", "1", "-scale-to", "320", src, dest],
                capture_output=True, timeout=30, check=False,
            )
            if proc.returncode != 0:
                $log.warning("thumbnail failed for %s: %s", os.path.basename(src), proc.stderr[:200])
            return proc.returncode == 0
    ''')
    core = [frame, dl, P("logging", rank=0, imp="import logging")]
    pool = _idioms(c) + [listing, health, thumbs] + extra
    return core, pool


_ATT_DOCS = ["Attachment download routes of the $app $w service.",
             "Files attached to $ws: listing, conditional download and thumbnails.",
             "$W attachments, stored per $w under ATTACH_ROOT and served to members."]


def _att_sfix(c):
    return c.pick("if not full.startswith(base + os.sep):",
                  "if os.path.commonpath([base, full]) != base:",
                  "if not full.startswith(os.path.join(base, \"\")):")


@fam("mod19-attachment-dir-prefix-check", "CWE-22", fws=["fastapi", "flask", "fastapi", "flask"], n=8, wrap=False)
def mod19_attachment_prefix(c):
    kw = _kw(c)
    fw = c.fw
    core, pool = _att_parts(c, fw)
    v, s = pair(c, c.pick(*_ATT_DOCS), '$log = logging.getLogger("$app.$ws.files")', core, pool, kw,
                "if not full.startswith(base):  #@V", fill(_att_sfix(c)), lo=88, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the containment check compares the resolved path with the record folder by string prefix "
                      "without a separator: '/srv/app/attachments/1' is a prefix of '/srv/app/attachments/12/...', "
                      "so a member of record 1 reads record 12's files with name='../12/x' (and any sibling folder "
                      "whose name starts with the id); the fix checks against base + os.sep / commonpath")


@hardneg(10)
def mod19_attachment_prefix_hn(c):
    kw = _kw(c)
    fw = c.pick("fastapi", "flask")
    core, pool = _att_parts(c, fw)
    code = _safe(c, c.pick(*_ATT_DOCS), '$log = logging.getLogger("$app.$ws.files")', core, pool, kw, _att_sfix(c))
    return Spec(s=code, full=True, fw=fw,
                notes="realpath + separator-aware containment check before open(), md5 ETag with usedforsecurity=False, "
                      "fixed subprocess argument lists, safe_load of the deployment config: all safe")


# ---------------- CWE-918: link preview fetches the posted URL without the vetting helper ----------------


def _ssrf_parts(c, fw):
    vet = P("vet", rank=1, imp="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit", body='''
        def _vetted(url: str) -> str:
            """Only public https URLs: every address the host resolves to must be globally routable."""
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError("only https URLs are accepted")
            for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):
                if not ipaddress.ip_address(info[4][0]).is_global:
                    raise ValueError("URL points at a non-public address")
            return url
    ''')
    parse = P("parse", rank=1, imp="import re\nimport html", const='TITLE_RE = re.compile(r"<title[^>]*>([^<]{1,300})</title>", re.I)\nMAX_PREVIEW_BYTES = 512 * 1024',
              body='''
        def _title_of(markup: str) -> str:
            """Page title, HTML entities decoded; the template escapes it again when rendering."""
            m = TITLE_RE.search(markup[:MAX_PREVIEW_BYTES])
            return html.unescape(m.group(1)).strip() if m else ""
    ''')
    ua = f'USER_AGENT = "{c.pick("NotesBot", "PreviewFetcher", "LinkCard")}/1.{c.pick(2, 4, 7)} (+https://$app.example.com/bot)"'
    if fw == "flask":
        frame = P("frame", rank=0, imp="import requests\nfrom flask import Blueprint, abort, jsonify, request\nfrom flask_login import current_user, login_required\n"
                  "from .models import db, Webhook, LinkPreview", const=ua, setup='bp = Blueprint("$ws_links", __name__, url_prefix="/api/$ws")')
        preview = P("preview", rank=3, needs=["parse"], body='''
            @bp.post("/previews")
            @login_required
            def create_preview():
                """Card (title, final URL) for a link pasted into a $w."""
                url = (request.get_json(silent=True) or {}).get("url", "")  #@S
                try:
                    $FIX
                except (ValueError, requests.RequestException) as exc:
                    $log.info("preview failed for user %s: %s", current_user.id, type(exc).__name__)
                    abort(422)
                card = LinkPreview(url=url, title=_title_of(resp.text), owner_id=current_user.id)
                db.session.add(card)
                db.session.commit()
                return jsonify(id=card.id, title=card.title), 201
        ''')
        hook = P("hook", rank=3, needs=["vet", "nonce"], body='''
            @bp.post("/webhooks")
            @login_required
            def register_webhook():
                """Subscribe a URL to $w events; the URL is vetted before it is stored."""
                target = (request.get_json(silent=True) or {}).get("target", "")
                try:
                    target = _vetted(target)
                except ValueError as exc:
                    return jsonify(error=str(exc)), 400
                hook = Webhook(owner_id=current_user.id, target=target, secret=$tok_fn())
                db.session.add(hook)
                db.session.commit()
                return jsonify(id=hook.id, secret=hook.secret), 201
        ''')
        status = P("status", rank=3, needs=["ping"], body='''
            @bp.get("/status")
            def status():
                return jsonify(upstream=$ping_fn())
        ''')
    else:
        frame = P("frame", rank=0, imp="import requests\nfrom fastapi import APIRouter, Depends, HTTPException\nfrom pydantic import BaseModel\n"
                  "from .deps import current_user_id, get_repo", const=ua, setup='router = APIRouter(prefix="/api/$ws")')
        preview = P("preview", rank=3, needs=["parse"], body='''
            class PreviewIn(BaseModel):
                url: str


            @router.post("/previews", status_code=201)
            def create_preview(body: PreviewIn, user_id: int = Depends(current_user_id), repo=Depends(get_repo)) -> dict:
                """Card (title, final URL) for a link pasted into a $w."""
                url = body.url.strip()  #@S
                try:
                    $FIX
                except (ValueError, requests.RequestException) as exc:
                    $log.info("preview failed for user %d: %s", user_id, type(exc).__name__)
                    raise HTTPException(status_code=422, detail="could not preview this link")
                card_id = repo.save_preview(user_id, url, _title_of(resp.text))
                return {"id": card_id}
        ''')
        hook = P("hook", rank=3, needs=["vet", "nonce"], body='''
            class WebhookIn(BaseModel):
                target: str


            @router.post("/webhooks", status_code=201)
            def register_webhook(body: WebhookIn, user_id: int = Depends(current_user_id), repo=Depends(get_repo)) -> dict:
                """Subscribe a URL to $w events; the URL is vetted before it is stored."""
                try:
                    target = _vetted(body.target)
                except ValueError as exc:
                    raise HTTPException(status_code=400, detail=str(exc))
                secret = $tok_fn()
                return {"id": repo.add_webhook(user_id, target, secret), "secret": secret}
        ''')
        status = P("status", rank=3, needs=["ping"], body='''
            @router.get("/status")
            def status() -> dict:
                return {"upstream": $ping_fn()}
        ''')
    core = [frame, preview, hook, vet, parse, P("logging", rank=0, imp="import logging")]
    pool = [p for p in _idioms(c) if p.key != "config"] + [status]
    return core, pool


_SSRF_DOCS = ["Link previews and webhook subscriptions of the $app $w editor.",
              "$W link cards: fetch a pasted page's title; outgoing webhooks.",
              "API for $w links: previews, webhook targets, upstream status."]


def _ssrf_sfix(c):
    return c.pick('resp = requests.get(_vetted(url), headers={"User-Agent": USER_AGENT}, timeout=$timeout, allow_redirects=False)',
                  'resp = requests.get(_vetted(url), timeout=($timeout, $timeout), allow_redirects=False, headers={"User-Agent": USER_AGENT})')


@fam("mod19-link-preview-unvetted-fetch", "CWE-918", fws=["flask", "fastapi", "flask", "fastapi"], n=8, wrap=False)
def mod19_link_preview(c):
    kw = _kw(c)
    fw = c.fw
    core, pool = _ssrf_parts(c, fw)
    vfix = c.pick('resp = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=$timeout)  #@V',
                  'resp = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=$timeout, allow_redirects=True)  #@V')
    v, s = pair(c, c.pick(*_SSRF_DOCS), '$log = logging.getLogger("$app.links")', core, pool, kw, fill(vfix, **kw),
                fill(_ssrf_sfix(c), **kw), lo=88, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the preview endpoint fetches the URL from the request body as is (redirects followed), so any member makes the server request internal addresses such as the cloud "
                      "metadata service; the webhook endpoint of the same module vets its URL, the fix applies the "
                      "same _vetted check to the preview fetch with allow_redirects=False (a redirect would skip the check)")


@hardneg(10)
def mod19_link_preview_hn(c):
    kw = _kw(c)
    fw = c.pick("flask", "fastapi")
    core, pool = _ssrf_parts(c, fw)
    code = _safe(c, c.pick(*_SSRF_DOCS), '$log = logging.getLogger("$app.links")', core, pool, kw, _ssrf_sfix(c))
    return Spec(s=code, full=True, fw=fw,
                notes="user URLs go through a public-address check with redirects off and a timeout; the other "
                      "requests.get calls use a fixed status URL with a timeout: safe")


# ---------------- CWE-502: settings import, legacy v1 helper still on yaml.load ----------------


def _yaml_parts(c, fw):
    mig = P("migrate", rank=1, imp="import yaml", const="LEGACY_MARKER = \"# board-export: v1\"", body='''
        def _upgrade_v1(text: str) -> dict:
            """Exports written before 2.0 kept columns as a list of [name, wip] pairs; map them to dicts."""
            $FIX
            columns = [{"name": n, "wip_limit": w} for n, w in old.get("columns", [])]
            return {"version": 2, "name": old.get("title", ""), "columns": columns, "labels": old.get("tags", [])}
    ''')
    check = P("check", rank=1, const="MAX_IMPORT_BYTES = 256 * 1024\nMAX_COLUMNS = 40", body='''
        def _validated(doc: object) -> dict:
            """Shape check of an import: a mapping with at most MAX_COLUMNS named columns."""
            if not isinstance(doc, dict) or doc.get("version") != 2:
                raise ValueError("unsupported export format")
            cols = doc.get("columns") or []
            if not isinstance(cols, list) or len(cols) > MAX_COLUMNS:
                raise ValueError("too many columns")
            if not all(isinstance(col, dict) and str(col.get("name", "")).strip() for col in cols):
                raise ValueError("every column needs a name")
            return doc
    ''')
    if fw == "aiohttp":
        frame = P("frame", rank=0, imp="import json\nimport yaml\nfrom aiohttp import web\nfrom .auth import board_admin_required\nfrom .storage import save_board_settings",
                  setup="routes = web.RouteTableDef()")
        ep = P("import", rank=3, needs=["migrate", "check"], body='''
            @routes.post("/boards/{board_id:\\d+}/import")
            @board_admin_required
            async def import_settings(request: web.Request) -> web.Response:
                """Replace a board's columns and labels from an uploaded YAML export."""
                if (request.content_length or 0) > MAX_IMPORT_BYTES:
                    raise web.HTTPRequestEntityTooLarge(max_size=MAX_IMPORT_BYTES, actual_size=request.content_length)
                text = await request.text()  #@S
                try:
                    doc = _upgrade_v1(text) if text.startswith(LEGACY_MARKER) else yaml.safe_load(text)
                    doc = _validated(doc)
                except (yaml.YAMLError, ValueError) as exc:
                    raise web.HTTPBadRequest(text=f"invalid export: {exc}")
                board_id = int(request.match_info["board_id"])
                await save_board_settings(board_id, doc)
                $log.info("board %d: imported %d columns", board_id, len(doc["columns"]))
                return web.json_response({"columns": len(doc["columns"])})
        ''')
        export = P("export", rank=3, needs=["etag"], body='''
            @routes.get("/boards/{board_id:\\d+}/export")
            @board_admin_required
            async def export_settings(request: web.Request) -> web.Response:
                """The board settings as YAML (current format)."""
                board = request.app["boards"][int(request.match_info["board_id"])]
                payload = yaml.safe_dump({"version": 2, **board}, sort_keys=False).encode()
                return web.Response(body=payload, content_type="application/yaml", headers={"ETag": $etag_fn(payload)})
        ''')
        health = P("health", rank=3, body='''
            @routes.get("/health")
            async def health(request: web.Request) -> web.Response:
                return web.json_response({"ok": True})
        ''')
    else:
        frame = P("frame", rank=0, imp="import yaml\nfrom django.contrib.auth.decorators import permission_required\n"
                  "from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse\nfrom django.views.decorators.http import require_GET, require_POST\n"
                  "from .models import Board")
        ep = P("import", rank=3, needs=["migrate", "check"], body='''
            @require_POST
            @permission_required("boards.change_board", raise_exception=True)
            def import_settings(request, board_id: int):
                """Replace a board's columns and labels from an uploaded YAML export."""
                upload = request.FILES.get("export")
                if upload is None or upload.size > MAX_IMPORT_BYTES:
                    return HttpResponseBadRequest("attach an export of at most 256 KiB")
                text = upload.read().decode("utf-8")  #@S
                try:
                    doc = _upgrade_v1(text) if text.startswith(LEGACY_MARKER) else yaml.safe_load(text)
                    doc = _validated(doc)
                except (yaml.YAMLError, ValueError) as exc:
                    return HttpResponseBadRequest(f"invalid export: {exc}")
                board = Board.objects.get(pk=board_id)
                board.settings = doc
                board.save(update_fields=["settings"])
                $log.info("board %d: imported %d columns", board_id, len(doc["columns"]))
                return JsonResponse({"columns": len(doc["columns"])})
        ''')
        export = P("export", rank=3, needs=["etag"], body='''
            @require_GET
            @permission_required("boards.view_board", raise_exception=True)
            def export_settings(request, board_id: int):
                """The board settings as YAML (current format)."""
                board = Board.objects.get(pk=board_id)
                payload = yaml.safe_dump({"version": 2, **board.settings}, sort_keys=False).encode()
                resp = HttpResponse(payload, content_type="application/yaml")
                resp["ETag"] = $etag_fn(payload)
                return resp
        ''')
        health = P("health", rank=3, body='''
            @require_GET
            def health(request):
                return JsonResponse({"ok": True})
        ''')
    core = [frame, ep, mig, check, P("logging", rank=0, imp="import logging")]
    pool = _idioms(c, pickle_ok=False) + [export, health]
    return core, pool


_YAML_DOCS = ["Board settings import and export (YAML) for $app.",
              "Import/export of kanban board settings; v1 exports are migrated on the fly.",
              "$app board administration: YAML settings round trip."]


def _yaml_sfix(c):
    return c.pick("old = yaml.safe_load(text) or {}",
                  "old = yaml.load(text, Loader=yaml.SafeLoader) or {}",
                  "old = yaml.safe_load(text.removeprefix(LEGACY_MARKER)) or {}")


@fam("mod19-board-import-legacy-yaml-load", "CWE-502", fws=["aiohttp", "django", "aiohttp", "django"], n=8, wrap=False)
def mod19_board_yaml(c):
    kw = _kw(c)
    fw = c.fw
    core, pool = _yaml_parts(c, fw)
    vfix = c.pick("old = yaml.load(text, Loader=yaml.Loader) or {}  #@V",
                  "old = yaml.load(text, Loader=yaml.UnsafeLoader) or {}  #@V")
    v, s = pair(c, c.pick(*_YAML_DOCS), '$log = logging.getLogger("$app.boards")', core, pool, kw, vfix,
                _yaml_sfix(c), lo=88, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the current export format is parsed with yaml.safe_load, but an upload that starts with the "
                      "v1 marker goes to the migration helper, which uses yaml.load with the full (unsafe) Loader: "
                      "python/object tags in the upload construct arbitrary objects and run code; the fix uses "
                      "safe_load there too")


@hardneg(10)
def mod19_board_yaml_hn(c):
    kw = _kw(c)
    fw = c.pick("aiohttp", "django")
    core, pool = _yaml_parts(c, fw)
    code = _safe(c, c.pick(*_YAML_DOCS), '$log = logging.getLogger("$app.boards")', core, pool, kw, _yaml_sfix(c))
    return Spec(s=code, full=True, fw=fw,
                notes="every YAML parse uses safe_load / SafeLoader, dumps use safe_dump; md5 ETags and jitter: safe")


# ---------------- CWE-338: team invitation code from `random` ----------------


def _inv_parts(c, fw):
    gen = P("gen", rank=1, imp="import random\nimport secrets\nimport string",
            const=f"INVITE_ALPHABET = string.ascii_letters + string.digits\nINVITE_LENGTH = {c.pick(20, 24, 32)}\n"
                  f"INVITE_DAYS = {c.pick(3, 7, 14)}", body='''
        def _invite_code() -> str:
            """Code mailed to the invitee; it alone admits them to the team."""
            $FIX
    ''')
    mail = P("mail", rank=2, needs=["backoff"], imp="import time\nimport smtplib\nfrom email.message import EmailMessage",
             const='SMTP_HOST = os.environ.get("$APP_SMTP_HOST", "localhost")', body='''
        def _send_invite(to_addr: str, team: str, code: str) -> None:
            """Mail the invitation, retrying transient SMTP errors with jittered backoff."""
            msg = EmailMessage()
            msg["Subject"] = f"You are invited to {team}"
            msg["To"] = to_addr
            msg["From"] = "no-reply@$app.example.com"
            msg.set_content(f"Join {team}: https://$app.example.com/join/{code}")
            for attempt in range(4):
                try:
                    with smtplib.SMTP(SMTP_HOST, 587, timeout=10) as smtp:
                        smtp.starttls()
                        smtp.send_message(msg)
                    return
                except (smtplib.SMTPServerDisconnected, ConnectionError):
                    time.sleep($bo_fn(attempt))
            $log.error("invite mail to team %s not delivered", team)
    ''')
    suggest = P("suggest", rank=2, imp="import random", body='''
        def _suggested_teammates(candidates: list[str], limit: int = 5) -> list[str]:
            """A shuffled handful of colleagues to show on the invite page (order carries no meaning)."""
            pool = list(candidates)
            random.shuffle(pool)
            return pool[:limit]
    ''')
    db = P("db", rank=1, imp="import os\nimport sqlite3", const='DB_PATH = os.environ.get("$APP_DB", "/var/lib/$app/app.db")', body='''
        def $db_fn() -> sqlite3.Connection:
            conn = sqlite3.connect(DB_PATH, timeout=5)
            conn.row_factory = sqlite3.Row
            return conn
    ''')
    if fw == "flask":
        frame = P("frame", rank=0, imp="import datetime\nfrom flask import Blueprint, abort, flash, redirect, render_template, request, url_for\n"
                  "from flask_login import current_user, login_required", setup='bp = Blueprint("invites", __name__, url_prefix="/teams")')
        create = P("create", rank=3, needs=["gen", "db"], body='''
            @bp.post("/<int:team_id>/invites")
            @login_required
            def create_invite(team_id: int):
                """Invite an address to a team the current user administers."""
                email = request.form.get("email", "").strip().lower()
                if "@" not in email:
                    abort(400)
                code = _invite_code()
                expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=INVITE_DAYS)
                with $db_fn() as conn:
                    cur = conn.cursor()
                    cur.execute("SELECT 1 FROM team_admins WHERE team_id = ? AND user_id = ?", (team_id, current_user.id))
                    if cur.fetchone() is None:
                        abort(403)
                    cur.execute(
                        "INSERT INTO invites (team_id, email, code, expires_at) VALUES (?, ?, ?, ?)",
                        (team_id, email, code, expires.isoformat()),
                    )
                $log.info("invite created for team %d by user %s", team_id, current_user.id)
                flash("Invitation sent")
                return redirect(url_for("invites.team_page", team_id=team_id))
        ''')
        accept = P("accept", rank=3, needs=["db"], body='''
            @bp.get("/join/<code>")
            @login_required
            def accept_invite(code: str):
                now = datetime.datetime.now(datetime.timezone.utc).isoformat()
                with $db_fn() as conn:
                    row = conn.execute("SELECT team_id FROM invites WHERE code = ? AND expires_at > ?", (code, now)).fetchone()
                    if row is None:
                        abort(404)
                    conn.execute("INSERT OR IGNORE INTO members (team_id, user_id) VALUES (?, ?)", (row["team_id"], current_user.id))
                    conn.execute("DELETE FROM invites WHERE code = ?", (code,))
                return redirect(url_for("invites.team_page", team_id=row["team_id"]))
        ''')
        page = P("page", rank=3, needs=["db"], body='''
            @bp.get("/<int:team_id>")
            @login_required
            def team_page(team_id: int):
                with $db_fn() as conn:
                    team = conn.execute("SELECT id, name FROM teams WHERE id = ?", (team_id,)).fetchone()
                if team is None:
                    abort(404)
                return render_template("teams/page.html", team=team)
        ''')
    else:
        frame = P("frame", rank=0, imp="import datetime\nfrom django.contrib.auth.decorators import login_required\n"
                  "from django.db import connection, transaction\nfrom django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden\n"
                  "from django.shortcuts import redirect\nfrom django.views.decorators.http import require_POST")
        create = P("create", rank=3, needs=["gen"], body='''
            @require_POST
            @login_required
            def create_invite(request, team_id: int):
                """Invite an address to a team the current user administers."""
                email = request.POST.get("email", "").strip().lower()
                if "@" not in email:
                    return HttpResponseBadRequest("invalid address")
                code = _invite_code()
                expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=INVITE_DAYS)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM team_admins WHERE team_id = %s AND user_id = %s", [team_id, request.user.id])
                    if cursor.fetchone() is None:
                        return HttpResponseForbidden()
                    cursor.execute(
                        "INSERT INTO invites (team_id, email, code, expires_at) VALUES (%s, %s, %s, %s)",
                        [team_id, email, code, expires],
                    )
                $log.info("invite created for team %d by user %d", team_id, request.user.id)
                return redirect("teams:page", team_id=team_id)
        ''')
        accept = P("accept", rank=3, body='''
            @login_required
            def accept_invite(request, code: str):
                now = datetime.datetime.now(datetime.timezone.utc)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT team_id FROM invites WHERE code = %s AND expires_at > %s", [code, now])
                    row = cursor.fetchone()
                    if row is None:
                        raise Http404("invitation not found or expired")
                    cursor.execute("INSERT INTO members (team_id, user_id) VALUES (%s, %s) ON CONFLICT DO NOTHING", [row[0], request.user.id])
                    cursor.execute("DELETE FROM invites WHERE code = %s", [code])
                return redirect("teams:page", team_id=row[0])
        ''')
        page = None
    core = [frame, gen, create, accept, P("logging", rank=0, imp="import logging")] + ([db] if fw == "flask" else [])
    pool = [p for p in _idioms(c) if p.key not in ("config",)] + [mail, suggest] + ([page] if page else [])
    return core, pool


_INV_DOCS = ["Team invitations: create, mail and accept invite codes.",
             "$app team membership by invitation (codes expire after INVITE_DAYS).",
             "Invite flow of the $app teams area."]


def _inv_sfix(c):
    return c.pick('return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))',
                  "return secrets.token_urlsafe(INVITE_LENGTH)")


@fam("mod19-team-invite-random-code", "CWE-338", fws=["flask", "django", "flask", "django"], n=8, wrap=False)
def mod19_team_invite(c):
    kw = _kw(c)
    fw = c.fw
    core, pool = _inv_parts(c, fw)
    vfix = c.pick('return "".join(random.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))  #@V',
                  'return "".join(random.choices(INVITE_ALPHABET, k=INVITE_LENGTH))  #@V')
    v, s = pair(c, c.pick(*_INV_DOCS), '$log = logging.getLogger("$app.invites")', core, pool, kw, vfix,
                _inv_sfix(c), lo=88, hi=130)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the invitation code, which alone admits its holder to the team, is drawn from the random "
                      "module (Mersenne Twister, predictable from observed output); random for retry jitter and "
                      "for shuffling suggestions in the same module is fine; the fix draws the code from secrets")


@hardneg(10)
def mod19_team_invite_hn(c):
    kw = _kw(c)
    fw = c.pick("flask", "django")
    core, pool = _inv_parts(c, fw)
    code = _safe(c, c.pick(*_INV_DOCS), '$log = logging.getLogger("$app.invites")', core, pool, kw, _inv_sfix(c))
    return Spec(s=code, full=True, fw=fw,
                notes="invite codes from secrets, random only for jitter and display order, parameterised SQL, "
                      "redirect to fixed routes: safe")
