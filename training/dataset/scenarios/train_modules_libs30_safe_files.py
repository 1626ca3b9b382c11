"""Train-only whole-module families weighted towards hard negatives (libs30 files set, mod30sf-*): ordinary file
and path handling code (a FastAPI media router, a Flask avatar blueprint, a Celery CSV export worker, a backup
restore CLI and a Django log viewer) dense with path idioms used correctly (``os.path.realpath`` +
``os.path.commonpath``, ``Path.resolve().is_relative_to``, ``secure_filename`` + an extension allow-list,
``send_from_directory``, file names taken from the database or from a fixed table rather than from the request,
``tempfile.mkstemp`` / ``NamedTemporaryFile`` next to the destination, ``os.fchmod`` to 0o600 / 0o640,
``shutil.copyfileobj`` into a fixed path, paths built from constants and ids only), because the model reports
path traversal on such code far too often. Each family has one weak module with a single weak statement, its
minimal fix as twin, and a ``@hardneg(10)`` builder assembling safe modules from the same pool of parts:

- mod30sf-fastapi-media-route-unchecked-path (22): every route of the media router resolves client paths through
  a realpath + commonpath helper, except one (a download joined with ``os.path.join``, a delete through
  ``normpath`` only, or a preview checked with a bare ``startswith`` prefix); the fix uses the containment check.
- mod30sf-flask-avatar-client-extension (434): the avatar upload renames the file but keeps the client's
  extension (or trusts the client's image/* content type) and saves it in the static folder, so ``.html`` or
  ``.svg`` files are served from the site's origin; the fix checks the extension against an allow-list.
- mod30sf-celery-export-predictable-staging (377): the export task writes account data to a CSV staged in the
  shared temporary directory under a name built from the export id; the fix uses mkstemp / NamedTemporaryFile.
- mod30sf-restore-cli-target-mode-world-writable (732): the restore CLI copies a verified backup set into fixed
  destinations with a mode per entry, and one entry (the secrets env file or the service config) gets 0o666; the
  fix uses 0o600 / 0o640.
- mod30sf-django-log-viewer-flawed-sanitizer (22): the staff log viewer resolves the requested file name with a
  sanitiser that can be bypassed (``replace("../", "")``, ``normpath(name).lstrip("/")``, a ``..`` segment test that misses
  absolute names); the fix resolves the path and checks it with commonpath (or against the directory listing).

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"collections", "csv", "datetime", "fcntl", "gzip", "io", "mimetypes", "pathlib", "shutil",
                          "stat", "subprocess", "sys", "tempfile", "time", "typing"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=84, hi=110)


def _nomark(body):
    return body.replace("  #@S", "").replace("  #@V", "")


# ---------------- CWE-22: FastAPI media router, one route without the containment check ----------------

_MEDIA_DOCS = [
    "$W routes of $app: downloads, text previews, listings and deletions of the files under $ROOT.\n"
    "Client paths are resolved and checked against the root before they are used.",
    "FastAPI router serving the stored $ws of $app (downloads, previews, folder listings, checksums).",
    "HTTP access to the $app $w store on disk: streaming downloads, cached thumbnails and housekeeping routes.",
]


def _media_kw(c):
    w = c.pick("asset", "attachment", "document", "scan", "artwork", "drawing")
    app = c.pick("atelier", "pressroom", "folio", "inkwell", "gallerist", "plotter")
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                ROOT=c.pick("MEDIA_ROOT", "STORAGE_ROOT", "FILES_ROOT", "STORE_DIR"),
                resolve=c.pick("resolve_media", "contained_path", "path_in_store", "safe_path"),
                cache=c.pick(300, 3600, 86400), maxprev=c.pick(16384, 65536))


_MEDIA_RESOLVE = [
    '''
def $resolve(relative: str) -> str:
    """Absolute path of a file under $ROOT; 404 for anything that resolves outside it (``..`` segments,
    absolute names, symlinks that point elsewhere)."""
    candidate = os.path.realpath(os.path.join($ROOT, relative))
    if os.path.commonpath([$ROOT, candidate]) != $ROOT:
        $log.warning("rejected a path outside the store: %r", relative)
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w")
    return candidate
''',
    '''
def $resolve(relative: str) -> str:
    """``relative`` resolved under $ROOT (symlinks followed); anything that lands outside the root is a 404."""
    candidate = Path($ROOT, relative).resolve()
    if not candidate.is_relative_to($ROOT):
        $log.warning("rejected a path outside the store: %r", relative)
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w")
    return str(candidate)
''',
]

# the routes that may carry the weakness: (body with $FIX, vulnerable fix, safe fixes, needs, what the weak one does)
_MEDIA_TARGETS = {
    "download": ('''
@router.get("/files/{file_path:path}")
async def download_$w(file_path: str) -> FileResponse:  #@S
    """Stream one stored $w; the media type is guessed from its extension."""
    $FIX
    if not os.path.isfile(target):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w")
    $log.debug("download of %r", file_path)
    return FileResponse(target, headers={"Cache-Control": "private, max-age=$cache"})  #@V
''', "target = os.path.join($ROOT, file_path)  #@V", ["target = $resolve(file_path)"], (),
        "the download route joins the client path to the root with os.path.join and serves it"),
    "delete": ('''
@router.delete("/files/{file_path:path}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_$w(file_path: str, editor: Annotated[str, Depends(require_editor)]) -> None:  #@S
    """Remove a stored $w (editors only)."""
    $FIX
    try:
        os.remove(target)  #@V
    except (FileNotFoundError, IsADirectoryError):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w") from None
    $log.info("%s deleted %r", editor, file_path)
''', "target = os.path.normpath(os.path.join($ROOT, file_path))  #@V", ["target = $resolve(file_path)"], ("editor",),
        "the delete route only normalises the joined path (normpath keeps leading .. and absolute names) and "
        "removes it"),
    "preview": ('''
@router.get("/preview/{file_path:path}", response_class=PlainTextResponse)
async def preview_$w(file_path: str, limit: Annotated[int, Query(ge=1, le=$maxprev)] = 4096) -> str:  #@S
    """The first bytes of one $w, decoded leniently, for the preview pane of the web UI."""
    target = Path($ROOT, file_path).resolve()
    $FIX
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w")
    with target.open("rb") as fh:  #@V
        return fh.read(limit).decode("utf-8", errors="replace")
''', "if not str(target).startswith($ROOT) or not target.is_file():  #@V",
        ["if not target.is_relative_to($ROOT) or not target.is_file():",
         "if os.path.commonpath([$ROOT, str(target)]) != $ROOT or not target.is_file():"], (),
        "the preview route checks the resolved path with a bare startswith prefix, so a sibling directory whose name "
        "extends the root's (e.g. <root>-old or <root>.bak, reached with ../) passes"),
}


def _media_parts(c, target):
    fa = ("from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, status\n"
          "from fastapi.responses import FileResponse, PlainTextResponse\nfrom typing import Annotated")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path",
          const='$ROOT = os.path.realpath(os.environ.get("$APP_MEDIA_ROOT", "/srv/$app/$ws"))'),
        P("router", rank=0, imp=fa, setup='router = APIRouter(prefix="/$ws", tags=["$ws"])'),
        P("resolve", rank=1, imp="import os\nfrom pathlib import Path\n" + fa, body=c.pick(*_MEDIA_RESOLVE)),
    ]
    body, _v, _s, needs, _w = _MEDIA_TARGETS[target]
    core.append(P("t_" + target, rank=3, imp=fa + "\nimport os\nfrom pathlib import Path", body=body, needs=needs))
    pool = [
        P("editor", rank=1, imp="import os\nimport secrets\n" + fa,
          const='EDITOR_KEYS = dict(item.split(":", 1) for item in os.environ.get("$APP_EDITOR_KEYS", "").split(",") '
                'if ":" in item)', body='''
def require_editor(x_api_key: Annotated[str, Header()] = "") -> str:
    """Name of the editor whose key was presented (keys come from the environment, compared in constant time)."""
    for name, key in EDITOR_KEYS.items():
        if key and secrets.compare_digest(x_api_key.encode(), key.encode()):
            return name
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "editor key required")
'''),
        P("listing", rank=3, imp="import os\n" + fa, body='''
@router.get("/dir")
async def list_$ws(prefix: Annotated[str, Query(max_length=200)] = "") -> list[dict]:
    """Entries of one folder of the store, hidden files skipped."""
    folder = $resolve(prefix)
    if not os.path.isdir(folder):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such folder")
    with os.scandir(folder) as it:
        entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        return [{"name": e.name, "folder": e.is_dir(), "size": e.stat().st_size if e.is_file() else None}
                for e in entries]
'''),
        P("sha", rank=1, imp="import hashlib", body='''
def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()
'''),
        P("checksum", rank=3, needs=("sha",), imp="import os\n" + fa, body='''
@router.get("/checksum/{file_path:path}")
async def $w_checksum(file_path: str) -> dict[str, str]:
    """SHA-256 of a stored $w, for clients that verify what they downloaded."""
    target = $resolve(file_path)
    if not os.path.isfile(target):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such $w")
    return {"path": os.path.relpath(target, $ROOT), "sha256": sha256_file(target)}
'''),
        P("thumb", rank=3, imp="import os\nimport re\nfrom pathlib import Path\n" + fa,
          const='THUMB_DIR = Path(os.environ.get("$APP_THUMB_DIR", "/var/cache/$app/thumbs"))\n'
                'DIGEST_RE = re.compile(r"[0-9a-f]{64}")', body='''
@router.get("/thumbs/{digest}.webp")
async def $w_thumbnail(digest: str) -> FileResponse:
    """Cached thumbnail, addressed by the SHA-256 of the original: 64 hex digits and nothing else."""
    if not DIGEST_RE.fullmatch(digest):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such thumbnail")
    thumb = THUMB_DIR / f"{digest}.webp"
    if not thumb.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such thumbnail")
    return FileResponse(thumb, media_type="image/webp", headers={"Cache-Control": "public, max-age=31536000"})
'''),
        P("usage", rank=3, imp="import shutil\n" + fa, body='''
@router.get("/usage")
async def storage_usage() -> dict[str, int]:
    """Disk space of the volume that holds the store."""
    total, used, free = shutil.disk_usage($ROOT)
    return {"total": total, "used": used, "free": free}
'''),
        P("mount", rank=4, imp="from pathlib import Path\nfrom fastapi.staticfiles import StaticFiles\n" + fa,
          const='UI_DIR = Path(__file__).resolve().parent / "ui"', body='''
def mount(app: FastAPI) -> None:
    """Attach this router and the compiled web UI (a fixed directory of the package)."""
    app.mount("/ui", StaticFiles(directory=UI_DIR, html=True), name="ui")
    app.include_router(router)
'''),
    ]
    for key, (tbody, _v2, tfixes, tneeds, _w2) in _MEDIA_TARGETS.items():
        if key != target:
            pool.append(P("t_" + key, rank=3, imp=fa + "\nimport os\nfrom pathlib import Path",
                          body=_nomark(tbody).replace("$FIX", c.pick(*tfixes)), needs=tneeds))
    return core, pool


@fam("mod30sf-fastapi-media-route-unchecked-path", "CWE-22", fws=["fastapi"], n=8, wrap=False)
def mod30sf_media(c):
    kw = _media_kw(c)
    target = c.pick(*_MEDIA_TARGETS)
    core, pool = _media_parts(c, target)
    _b, vfix, sfixes, _n, what = _MEDIA_TARGETS[target]
    v, s = _pair(c, c.pick(*_MEDIA_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw, vfix, c.pick(*sfixes))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=_web.fill(what, **kw) + ": a path parameter may hold ../ segments (percent-encoded slashes are "
                      "decoded before routing) or an absolute name, so the route reaches files outside the store; the "
                      "other routes go through the realpath/commonpath helper, and the fix uses the same check")


@hardneg(10)
def mod30sf_media_hn(c):
    kw = _media_kw(c)
    target = c.pick(*_MEDIA_TARGETS)
    core, pool = _media_parts(c, target)
    code = _safe(c, c.pick(*_MEDIA_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw,
                 c.pick(*_MEDIA_TARGETS[target][2]))
    return Spec(s=code, full=True, fw="fastapi",
                notes="media router whose every client path is resolved (realpath / Path.resolve) and checked with "
                      "commonpath or is_relative_to before FileResponse, os.remove or open; thumbnails addressed by a "
                      "full-match hex digest, the UI served from a fixed package directory")


# ---------------- CWE-434: Flask avatar blueprint, the client's extension kept in the static folder ----------------

_AV_DOCS = [
    "Profile pictures for $app: upload, replace, delete and serve. Files live in the static folder under\n"
    "generated names; the database keeps the current name of each user's picture.",
    "Avatar blueprint of $app (upload with size limit, default picture, admin statistics).",
    "$app account pictures: stored under static/$sub, looked up by user id, never by a client-supplied name.",
]


def _av_kw(c):
    return dict(app=c.pick("parish", "clubhouse", "guildhall", "roster", "meetup", "campfire"),
                log=c.pick("log", "logger"), bp=c.pick("avatars", "profile", "pictures"),
                AV=c.pick("AVATAR_DIR", "AVATAR_ROOT", "PICTURE_DIR"), sub=c.pick("avatars", "pictures", "faces"),
                field=c.pick("avatar", "photo", "picture", "file"), maxkb=c.pick(512, 1024, 2048),
                up=c.pick("upload_avatar", "set_avatar", "replace_picture"))


# how the upload step picks the extension: (vulnerable fix, safe fixes)
_AV_EXT = {
    "keep": ("ext = os.path.splitext(secure_filename(upload.filename))[1].lower()  #@V",
             ["ext = os.path.splitext(secure_filename(upload.filename))[1].lower()\n"
              "    if ext not in ALLOWED_EXTENSIONS:\n"
              "        abort(415, description=\"pictures must be PNG, JPEG, WebP or GIF files\")",
              "ext = os.path.splitext(upload.filename)[1].lower()\n"
              "    if ext not in ALLOWED_EXTENSIONS:\n"
              "        abort(415, description=\"unsupported picture type\")"]),
    "mimetype": ('if not (upload.mimetype or "").startswith("image/"):  #@V\n'
                 '        abort(415, description="pictures must be images")\n'
                 "    ext = os.path.splitext(secure_filename(upload.filename))[1].lower()",
                 ["ext = os.path.splitext(secure_filename(upload.filename))[1].lower()\n"
                  "    if ext not in ALLOWED_EXTENSIONS:\n"
                  "        abort(415, description=\"pictures must be PNG, JPEG, WebP or GIF files\")"]),
}

_AV_UPLOAD = '''
@bp.post("/avatar")
@login_required
def $up():
    """Replace the current user's picture; the new file is served as a static asset."""
    upload = request.files.get("$field")  #@S
    if upload is None or not upload.filename:
        abort(400, description="no file was sent")
    if request.content_length and request.content_length > MAX_AVATAR_BYTES:
        abort(413)
    $FIX
    filename = f"{current_user.id}-{secrets.token_hex(8)}{ext}"
    upload.save(os.path.join($AV, filename))  #@V
    previous, current_user.avatar = current_user.avatar, filename
    db.session.commit()
    if previous:
        remove_avatar_file(previous)
    $log.info("user %s has a new picture", current_user.id)
    return jsonify(url=url_for("static", filename=f"$sub/{filename}")), 201
'''

_AV_UPLOAD_PIL = '''
@bp.post("/avatar")
@login_required
def $up():
    """Replace the current user's picture: decoded with Pillow, scaled and re-encoded as PNG."""
    upload = request.files.get("$field")
    if upload is None or not upload.filename:
        abort(400, description="no file was sent")
    try:
        with Image.open(upload.stream) as img:
            img.thumbnail((AVATAR_SIZE, AVATAR_SIZE))
            filename = f"{current_user.id}-{secrets.token_hex(8)}.png"
            img.convert("RGBA").save(os.path.join($AV, filename), format="PNG")
    except (UnidentifiedImageError, OSError):
        abort(415, description="not an image")
    previous, current_user.avatar = current_user.avatar, filename
    db.session.commit()
    if previous:
        remove_avatar_file(previous)
    return jsonify(url=url_for("static", filename=f"$sub/{filename}")), 201
'''


def _av_parts(c, upload_body):
    fl = ("from flask import Blueprint, Flask, abort, current_app, jsonify, request, send_from_directory, url_for\n"
          "from flask_login import current_user, login_required\nfrom werkzeug.utils import secure_filename\n"
          "from .models import User, db")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
$AV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static", "$sub")
ALLOWED_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
MAX_AVATAR_BYTES = $maxkb * 1024'''),
        P("bp", rank=0, imp=fl, setup='bp = Blueprint("$bp", __name__, url_prefix="/$bp")'),
        P("upload", rank=3, imp=fl + "\nimport os\nimport secrets\nfrom PIL import Image, UnidentifiedImageError",
          const=f"AVATAR_SIZE = {c.pick(128, 200, 256)}" if "AVATAR_SIZE" in upload_body else "",
          body=upload_body, needs=("remove",)),
    ]
    pool = [
        P("remove", rank=1, imp="import os", body='''
def remove_avatar_file(filename: str) -> None:
    """Delete a previous picture; the name is one this module generated, checked again before unlinking."""
    root = os.path.realpath($AV)
    path = os.path.realpath(os.path.join(root, filename))
    if os.path.commonpath([root, path]) != root:
        $log.error("refusing to delete %r outside the picture folder", filename)
        return
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
'''),
        P("serve", rank=3, imp=fl, const='DEFAULT_AVATAR = "default-avatar.png"', body='''
@bp.get("/<int:user_id>/avatar")
def avatar_of(user_id: int):
    """A user's picture (or the default one); the file name comes from the database, not from the URL."""
    user = db.session.get(User, user_id)
    if user is None or not user.avatar:
        return send_from_directory(current_app.static_folder, DEFAULT_AVATAR, max_age=86400)
    return send_from_directory($AV, user.avatar, max_age=3600)
'''),
        P("delete", rank=3, needs=("remove",), imp=fl, body='''
@bp.delete("/avatar")
@login_required
def delete_avatar():
    """Go back to the default picture."""
    if current_user.avatar:
        remove_avatar_file(current_user.avatar)
        current_user.avatar = None
        db.session.commit()
    return "", 204
'''),
        P("init", rank=4, imp="import os\n" + fl, body='''
def init_app(app: Flask) -> None:
    """Register the blueprint; requests larger than a few pictures are refused before any view runs."""
    app.config.setdefault("MAX_CONTENT_LENGTH", 4 * MAX_AVATAR_BYTES)
    os.makedirs($AV, exist_ok=True)
    app.register_blueprint(bp)
'''),
        P("too_large", rank=3, imp=fl, body='''
@bp.app_errorhandler(413)
def picture_too_large(_error):
    return jsonify(error=f"pictures are limited to {MAX_AVATAR_BYTES // 1024} KiB"), 413
'''),
        P("stats", rank=3, imp="import os\n" + fl + "\nfrom .auth import admin_required", body='''
@bp.get("/admin/stats")
@admin_required
def picture_stats():
    """Number and total size of the stored pictures, per extension."""
    counts: dict[str, list[int]] = {}
    with os.scandir($AV) as it:
        for entry in it:
            if entry.is_file():
                ext = os.path.splitext(entry.name)[1].lower()
                counts.setdefault(ext, [0, 0])
                counts[ext][0] += 1
                counts[ext][1] += entry.stat().st_size
    return jsonify({ext: {"files": n, "bytes": size} for ext, (n, size) in sorted(counts.items())})
'''),
        P("gc", rank=3, needs=("remove",), imp="import os\n" + fl + "\nfrom .auth import admin_required", body='''
@bp.post("/admin/collect")
@admin_required
def collect_orphans():
    """Delete picture files that no user points to any more."""
    used = set(db.session.scalars(db.select(User.avatar).where(User.avatar.is_not(None))))
    removed = 0
    for name in os.listdir($AV):
        if name not in used and os.path.splitext(name)[1].lower() in ALLOWED_EXTENSIONS:
            remove_avatar_file(name)
            removed += 1
    $log.info("removed %d orphaned pictures", removed)
    return jsonify(removed=removed)
'''),
    ]
    return core, pool


@fam("mod30sf-flask-avatar-client-extension", "CWE-434", fws=["flask"], n=8, wrap=False)
def mod30sf_avatar(c):
    kw = _av_kw(c)
    how = c.pick(*_AV_EXT)
    core, pool = _av_parts(c, _AV_UPLOAD)
    vfix, sfixes = _AV_EXT[how]
    v, s = _pair(c, c.pick(*_AV_DOCS), '$log = logging.getLogger("$app.avatars")', core, pool, kw, vfix,
                 c.pick(*sfixes))
    what = ("keeps the extension of the client's file name" if how == "keep" else
            "only checks the client-declared image/* content type and keeps the client's extension")
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the avatar upload generates the base name but {what}, and saves the file in the static "
                      "folder, so a .html or .svg file is served from the site's own origin (stored XSS); the fix "
                      "checks the extension against the PNG/JPEG/WebP/GIF allow-list")


@hardneg(10)
def mod30sf_avatar_hn(c):
    kw = _av_kw(c)
    pil = c.pick(False, False, True)
    core, pool = _av_parts(c, _AV_UPLOAD_PIL if pil else _AV_UPLOAD)
    doc = c.pick(*_AV_DOCS)
    log = '$log = logging.getLogger("$app.avatars")'
    if pil:
        code = _web.compose(c, doc, log, core, pool, kw, lo=84, hi=110, stdlib=_STDLIB)
    else:
        code = _safe(c, doc, log, core, pool, kw, c.pick(*_AV_EXT["keep"][1]))
    return Spec(s=code, full=True, fw="flask",
                notes="avatar blueprint: generated base names, extension allow-list (or Pillow re-encoding to PNG), "
                      "send_from_directory with names from the database, realpath/commonpath before deleting, "
                      "makedirs with exist_ok only")


# ---------------- CWE-377: Celery export task staging its CSV under a predictable temp name ----------------

_EXP_DOCS = [
    "Background exports of $ws for $app: a CSV per request, published under EXPORT_DIR and announced to\n"
    "the user; old exports are cleaned up nightly.",
    "Celery tasks that build the $w CSV exports users request from the dashboard.",
    "$app export worker: CSV files of an account's $ws, checksummed and published for download.",
]


def _exp_kw(c):
    w = c.pick("invoice", "order", "payout", "shipment", "subscription", "timesheet")
    return dict(w=w, ws=w + "s", app=c.pick("ledgerly", "cartwheel", "dispatchr", "paystub", "tallyho"),
                log=c.pick("log", "logger"), ttl=c.pick(3, 7, 14), chunk=c.pick(500, 1000, 2000),
                task=c.pick("build_export", "export_csv", "run_export"))


_EXP_STAGE = {
    "ospath": ('staging = os.path.join(tempfile.gettempdir(), f"$w-export-{export_id}.csv")  #@V\n'
               '    with open(staging, "w", newline="", encoding="utf-8") as fh:  #@V',
               ['fd, staging = tempfile.mkstemp(prefix="$w-export-", suffix=".csv")\n'
                '    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:',
                'fd, staging = tempfile.mkstemp(prefix=".partial-", suffix=".csv", dir=EXPORT_DIR)\n'
                '    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:']),
    "pathlib": ('staging = Path(tempfile.gettempdir()) / f"{job[\'account_id\']}-{export_id}.csv"  #@V\n'
                '    with staging.open("w", newline="", encoding="utf-8") as fh:  #@V',
                ['with tempfile.NamedTemporaryFile("w", newline="", encoding="utf-8", suffix=".csv", delete=False) as fh:\n'
                 '        staging = fh.name',
                 'fd, staging = tempfile.mkstemp(suffix=".csv")\n'
                 '    with open(fd, "w", newline="", encoding="utf-8") as fh:']),
}

_EXP_TASK = '''
@shared_task(bind=True, max_retries=3, acks_late=True)
def $task(self, export_id: int) -> str:
    """Write the rows of one export request to CSV and publish it under EXPORT_DIR."""
    job = load_job(export_id)
    $FIX
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        count = 0
        for row in iter_rows(job["account_id"], job["since"]):
            writer.writerow([row[col] for col in COLUMNS])
            count += 1
    dest = EXPORT_DIR / f"{export_id}.csv"
    shutil.move(staging, dest)
    os.chmod(dest, 0o640)
    mark_done(export_id, dest.name, count)
    $log.info("export %d done: %d rows", export_id, count)
    return dest.name
'''


def _exp_parts(c):
    db = "from .db import connection\nfrom psycopg.rows import dict_row"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
EXPORT_DIR = Path(os.environ.get("EXPORT_DIR", "/var/lib/$app/exports"))
COLUMNS = ("id", "number", "status", "amount_cents", "currency", "created_at")'''),
        P("load", rank=1, imp=db, body='''
def load_job(export_id: int) -> dict:
    with connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT id, account_id, since FROM export_jobs WHERE id = %s", (export_id,))
        job = cur.fetchone()
    if job is None:
        raise LookupError(f"export {export_id} does not exist")
    return job
'''),
        P("rows", rank=1, imp=db + "\nfrom collections.abc import Iterator", body='''
def iter_rows(account_id: int, since) -> Iterator[dict]:
    """The account's $ws since a date, streamed with a server-side cursor."""
    with connection() as conn, conn.cursor(name="$w_export", row_factory=dict_row) as cur:
        cur.itersize = $chunk
        cur.execute(
            "SELECT id, number, status, amount_cents, currency, created_at FROM $ws"
            " WHERE account_id = %s AND created_at >= %s ORDER BY id",
            (account_id, since),
        )
        yield from cur
'''),
        P("done", rank=1, imp=db, body='''
def mark_done(export_id: int, filename: str, rows: int) -> None:
    with connection() as conn:
        conn.execute(
            "UPDATE export_jobs SET status = 'ready', filename = %s, row_count = %s, finished_at = now() WHERE id = %s",
            (filename, rows, export_id),
        )
'''),
        P("task", rank=3, imp="import csv\nimport os\nimport shutil\nimport tempfile\nfrom pathlib import Path\n"
                             "from celery import shared_task", body=_EXP_TASK),
    ]
    pool = [
        P("cleanup", rank=3, imp="import time\nfrom celery import shared_task", body='''
@shared_task
def purge_old_exports(days: int = $ttl) -> int:
    """Nightly: delete published exports older than ``days`` (only *.csv files directly in EXPORT_DIR)."""
    cutoff = time.time() - days * 86400
    removed = 0
    for path in EXPORT_DIR.glob("*.csv"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    $log.info("purged %d exports", removed)
    return removed
'''),
        P("lookup", rank=2, imp=db + "\nfrom pathlib import Path", body='''
def export_file(export_id: int, account_id: int) -> Path | None:
    """Published file of one of the account's exports; the name is the one mark_done stored."""
    with connection() as conn:
        row = conn.execute(
            "SELECT filename FROM export_jobs WHERE id = %s AND account_id = %s AND status = 'ready'",
            (export_id, account_id),
        ).fetchone()
    if row is None:
        return None
    path = EXPORT_DIR / row[0]
    return path if path.is_file() else None
'''),
        P("sha", rank=2, imp="import hashlib\nimport os\nimport tempfile\nfrom pathlib import Path", body='''
def write_checksum(path: Path) -> Path:
    """``<name>.sha256`` next to an export, written through a private temporary file and renamed."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fd, tmp = tempfile.mkstemp(prefix=".sum-", dir=path.parent)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{digest}  {path.name}\\n")
    target = path.with_suffix(".sha256")
    os.replace(tmp, target)
    return target
'''),
        P("notify", rank=3, imp="import os\nimport requests\nfrom celery import shared_task",
          const='NOTIFY_URL = "https://notify.$app.internal/v1/messages"', body='''
@shared_task(autoretry_for=(requests.RequestException,), retry_backoff=True, max_retries=5)
def announce_export(export_id: int, user_email: str) -> None:
    """Tell the user their export is ready (internal notification service, fixed URL, timeout)."""
    requests.post(
        NOTIFY_URL,
        json={"template": "export-ready", "to": user_email, "export_id": export_id},
        headers={"Authorization": f"Bearer {os.environ['NOTIFY_TOKEN']}"},
        timeout=10,
    ).raise_for_status()
'''),
        P("failed", rank=3, imp=db + "\nfrom celery.signals import task_failure", body='''
@task_failure.connect
def record_failure(sender=None, task_id=None, exception=None, args=None, **_kw) -> None:
    """Mark the export as failed; the user sees a generic message, the log keeps the error."""
    if sender is not None and sender.name.endswith(".$task") and args:
        with connection() as conn:
            conn.execute("UPDATE export_jobs SET status = 'failed' WHERE id = %s", (args[0],))
        $log.error("export %s failed: %s", args[0], type(exception).__name__)
'''),
    ]
    return core, pool


@fam("mod30sf-celery-export-predictable-staging", "CWE-377", fws=["celery"], n=8, wrap=False)
def mod30sf_export(c):
    kw = _exp_kw(c)
    how = c.pick(*_EXP_STAGE)
    core, pool = _exp_parts(c)
    vfix, sfixes = _EXP_STAGE[how]
    v, s = _pair(c, c.pick(*_EXP_DOCS), '$log = logging.getLogger("$app.exports")', core, pool, kw, vfix,
                 c.pick(*sfixes))
    return Spec(v=v, s=s, full=True, fw="celery",
                notes="the export task stages an account's CSV in the shared temporary directory under a name built "
                      "from the export id: another local user can pre-create that name (a symlink, or a file they own "
                      "and can read) and have the worker write through it; the fix creates the staging file with "
                      "mkstemp / NamedTemporaryFile (unique name, O_EXCL, mode 0o600)")


@hardneg(10)
def mod30sf_export_hn(c):
    kw = _exp_kw(c)
    how = c.pick(*_EXP_STAGE)
    core, pool = _exp_parts(c)
    code = _safe(c, c.pick(*_EXP_DOCS), '$log = logging.getLogger("$app.exports")', core, pool, kw,
                 c.pick(*_EXP_STAGE[how][1]))
    return Spec(s=code, full=True, fw="celery",
                notes="export worker: staging file from mkstemp / NamedTemporaryFile, published under a name built "
                      "from the integer export id, 0o640 on the result, checksum through mkstemp + os.replace, file "
                      "names looked up in the database, bound SQL parameters, requests with a timeout")


# ---------------- CWE-732: restore CLI, one destination restored world-writable ----------------

_RS_DOCS = [
    "Restore tool for $app: puts a verified backup set back in place (service config, secrets, TLS material).\n"
    "Every file of a set is named in its manifest and goes to a fixed destination with a fixed mode.",
    "$prog: list, verify and restore $app backup sets. Run as root by the on-call operator.",
    "Disaster-recovery helper for the $app host: restores the files of a backup set atomically.",
]

# the weak entry of the destination table: (vulnerable line, safe lines, what)
_RS_ENTRY = {
    "secrets": ('"secrets.env": (CONF_DIR / "secrets.env", 0o666),  #@V',
                ['"secrets.env": (CONF_DIR / "secrets.env", 0o600),', '"secrets.env": (CONF_DIR / "secrets.env", 0o640),'],
                "the secrets env file (database password, API tokens) is restored with mode 0o666, readable and "
                "writable by every local account"),
    "config": ('"$app.toml": (CONF_DIR / "$app.toml", 0o666),  #@V',
               ['"$app.toml": (CONF_DIR / "$app.toml", 0o640),', '"$app.toml": (CONF_DIR / "$app.toml", 0o600),'],
               "the service configuration (which the service and the root restore hooks load) is restored with mode "
               "0o666, so any local account can rewrite it"),
}


def _rs_kw(c):
    app = c.pick("beacon", "orchard", "quarry", "tidewater", "sextant", "juniper")
    return dict(app=app, APP=app.upper(), prog=app + c.pick("-restore", "ctl", "-dr"), log=c.pick("log", "logger"),
                chunk=c.pick("1 << 20", "4 << 20", "256 * 1024"))


def _rs_parts(c, weak):
    table = {
        "config": '"$app.toml": (CONF_DIR / "$app.toml", 0o640),',
        "secrets": '"secrets.env": (CONF_DIR / "secrets.env", 0o600),',
    }
    table[weak] = "$FIX"
    extra = c.pick(
        '"tls.crt": (CONF_DIR / "tls" / "server.crt", 0o644),\n    "tls.key": (CONF_DIR / "tls" / "server.key", 0o600),',
        '"logrotate.conf": (Path("/etc/logrotate.d/$app"), 0o644),',
        '"tls.key": (CONF_DIR / "tls" / "server.key", 0o600),', "")
    entries = [table["config"], table["secrets"]] + [e for e in extra.split("\n    ") if e]
    c.rng.shuffle(entries)
    consts = ('BACKUP_ROOT = Path(os.environ.get("$APP_BACKUP_ROOT", "/var/backups/$app"))\n'
              'CONF_DIR = Path("/etc/$app")\n'
              'CHUNK = $chunk\n'
              '# manifest entry -> (destination, mode); nothing else in a set is ever restored\n'
              'RESTORE_TARGETS: dict[str, tuple[Path, int]] = {\n' + "".join(f"    {e}\n" for e in entries) + "}")
    locate = c.pick('''
def backup_set(name: str) -> Path:
    """The set directory called ``name``, looked up in the listing of BACKUP_ROOT (never joined blindly)."""
    sets = {p.name: p for p in BACKUP_ROOT.iterdir() if p.is_dir() and SET_NAME_RE.fullmatch(p.name)}
    if name not in sets:
        raise SystemExit(f"no backup set {name!r} in {BACKUP_ROOT}")
    return sets[name]
''', '''
def backup_set(name: str) -> Path:
    """The set directory called ``name``: a timestamp (20240131T020000) and nothing else."""
    if not SET_NAME_RE.fullmatch(name) or not (BACKUP_ROOT / name).is_dir():
        raise SystemExit(f"no backup set {name!r} in {BACKUP_ROOT}")
    return BACKUP_ROOT / name
''')
    locked = c.pick(True, False)
    loop = '''
    for entry in wanted:
        dest, mode = RESTORE_TARGETS[entry]
        if dry_run:
            print(f"would restore {entry} -> {dest} ({mode:o})")
            continue
        restore_file(backup / entry, dest, mode)
        $log.info("restored %s -> %s (%o)", entry, dest, mode)'''
    if locked:
        loop = "\n    with restore_lock():" + loop.replace("\n    ", "\n        ")
    extras = list(c.pick((), ("verify",), ("reload",)) if locked else c.pick(("verify",), ("reload",), ("verify", "reload")))
    main = ['def main(argv: list[str] | None = None) -> int:',
            '    parser = argparse.ArgumentParser(prog="$prog", description=__doc__)',
            '    parser.add_argument("name", help="backup set, e.g. 20240131T020000")',
            '    parser.add_argument("--only", nargs="+", choices=sorted(RESTORE_TARGETS))',
            '    parser.add_argument("--dry-run", action="store_true")']
    if "verify" in extras:
        main.append('    parser.add_argument("--verify-only", action="store_true", help="check the set and stop")')
    if "reload" in extras:
        main.append('    parser.add_argument("--reload", action="store_true", help="reload the service afterwards")')
    main += ['    args = parser.parse_args(argv)',
             '    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")']
    if "verify" in extras:
        main.append('    if args.verify_only:\n        return 0 if verify_set(backup_set(args.name)) else 1')
    if "reload" in extras:
        main += ['    status = restore(args.name, args.only, args.dry_run)',
                 '    if args.reload and status == 0 and not args.dry_run:',
                 '        reload_service()',
                 '    return status']
    else:
        main.append('    return restore(args.name, args.only, args.dry_run)')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport re\nfrom pathlib import Path", const=consts),
        P("sha", rank=1, imp="import hashlib\nfrom pathlib import Path", body='''
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
'''),
        P("pick", rank=1, imp="import re\nfrom pathlib import Path", const='SET_NAME_RE = re.compile(r"\\d{8}T\\d{6}")',
          body=locate),
        P("restore_file", rank=1, imp="import os\nimport shutil\nimport tempfile\nfrom pathlib import Path", body='''
def restore_file(source: Path, dest: Path, mode: int) -> None:
    """Copy ``source`` over ``dest``: a private temporary file next to it, the final mode, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    try:
        with source.open("rb") as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
            os.fchmod(out.fileno(), mode)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
'''),
        P("restore", rank=2, imp="import json", needs=("sha", "pick", "restore_file") + (("lock",) if locked else ()),
          body='''
def restore(name: str, only: list[str] | None, dry_run: bool) -> int:
    """Verify every entry of the set first, then restore them one by one; unknown entries are ignored."""
    backup = backup_set(name)
    files = json.loads((backup / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    wanted = sorted(set(only or files) & set(files) & set(RESTORE_TARGETS))
    for entry in wanted:
        if sha256_file(backup / entry) != files[entry]:
            raise SystemExit(f"{entry}: checksum mismatch, nothing restored")''' + loop + '''
    return 0
'''),
        P("main", rank=4, imp="import argparse\nimport sys", needs=tuple(extras),
          body="\n".join(main) + "\n", tail='''
if __name__ == "__main__":
    sys.exit(main())
'''),
    ]
    pool = [
        P("verify", rank=3, imp="import json", body='''
def verify_set(backup: Path) -> bool:
    """Recompute the checksum of every entry of a set; log the damaged ones."""
    files = json.loads((backup / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    bad = [entry for entry, digest in sorted(files.items()) if sha256_file(backup / entry) != digest]
    for entry in bad:
        $log.error("%s/%s: checksum mismatch", backup.name, entry)
    return not bad
''', needs=("sha",)),
        P("reload", rank=3, imp="import subprocess", body='''
def reload_service() -> None:
    """Have the service pick up the restored files (systemctl, argument list, no shell)."""
    subprocess.run(["systemctl", "reload-or-restart", "--", "$app.service"], check=True, timeout=120)
'''),
        P("lock", rank=1, imp="import fcntl\nimport os\nfrom contextlib import contextmanager\n"
                             "from collections.abc import Iterator",
          const='LOCK_PATH = "/run/$app-restore.lock"', body='''
@contextmanager
def restore_lock() -> Iterator[None]:
    """One restore at a time; the lock file is private to root."""
    fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)
'''),
    ]
    return core, [p for p in pool if p.key in extras or p.key == "lock" and locked]


@fam("mod30sf-restore-cli-target-mode-world-writable", "CWE-732", fws=["cli"], n=8, wrap=False)
def mod30sf_restore(c):
    kw = _rs_kw(c)
    weak = c.pick(*_RS_ENTRY)
    core, pool = _rs_parts(c, weak)
    vfix, sfixes, what = _RS_ENTRY[weak]
    v, s = _pair(c, c.pick(*_RS_DOCS), '$log = logging.getLogger("$prog")', core, pool, kw, vfix, c.pick(*sfixes))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes=f"the restore table gives each destination a mode that restore_file applies with os.fchmod "
                      f"(not reduced by the umask); {what}; the other entries, the mkstemp staging file and the lock "
                      "file are private, and the fix gives this entry an owner/group-only mode")


@hardneg(10)
def mod30sf_restore_hn(c):
    kw = _rs_kw(c)
    weak = c.pick(*_RS_ENTRY)
    core, pool = _rs_parts(c, weak)
    code = _safe(c, c.pick(*_RS_DOCS), '$log = logging.getLogger("$prog")', core, pool, kw, c.pick(*_RS_ENTRY[weak][1]))
    return Spec(s=code, full=True, fw="cli",
                notes="restore CLI: destinations and modes from a fixed table (0o600 secrets and keys, 0o640 config, "
                      "0o644 public certificate and logrotate file), set names matched against a timestamp pattern or "
                      "looked up in the directory listing, mkstemp + copyfileobj + fchmod + os.replace, 0o600 lock "
                      "file, systemctl with an argument list")


# ---------------- CWE-22: Django staff log viewer, a bypassable name sanitiser ----------------

_LOG_DOCS = [
    "Log viewer for the $app support staff: lists the files of LOG_DIR, tails, searches and downloads them.\n"
    "Only users with the ops.view_logs permission reach these views.",
    "Django views behind /ops/logs/: a read-only window on the service logs of $app.",
    "Support tooling for $app: browse, tail and download the application logs from the admin site.",
]

# the sanitiser inside _log_path: (vulnerable lines, safe lines)
_LOG_FIX = {
    "replace": 'path = os.path.join(LOG_DIR, name.replace("../", ""))  #@V',
    "lstrip": 'path = os.path.join(LOG_DIR, os.path.normpath(name).lstrip("/"))  #@V',
    "segments": 'if ".." in name.split("/"):  #@V\n'
                '        raise Http404("no such log file")\n'
                '    path = os.path.join(LOG_DIR, name)  #@V',
}
_LOG_SAFE = [
    'path = os.path.realpath(os.path.join(LOG_DIR, name))\n'
    '    if os.path.commonpath([LOG_DIR, path]) != LOG_DIR:\n'
    '        raise Http404("no such log file")',
    'if name not in os.listdir(LOG_DIR):\n'
    '        raise Http404("no such log file")\n'
    '    path = os.path.join(LOG_DIR, name)',
    'path = Path(LOG_DIR, name).resolve()\n'
    '    if not path.is_relative_to(LOG_DIR):\n'
    '        raise Http404("no such log file")',
]
_LOG_WHAT = {
    "replace": "removes '../' in a single pass, so '....//' becomes '../' after the replacement",
    "lstrip": "normalises the name and strips a leading slash, but normpath keeps leading '..' segments",
    "segments": "rejects '..' segments but not absolute names, and os.path.join drops LOG_DIR before an absolute name",
}


def _log_kw(c):
    return dict(app=c.pick("helpdesk", "switchyard", "rostra", "kiln", "ferry", "pantry"), log=c.pick("log", "logger"),
                tail=c.pick(200, 500, 1000), hits=c.pick(200, 500), param=c.pick("file", "name", "log"),
                perm=c.pick("ops.view_logs", "support.view_logs", "ops.read_logs"))


def _log_parts(c):
    dj = ("from django.contrib.auth.decorators import permission_required\n"
          "from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse\n"
          "from django.shortcuts import render\nfrom django.views.decorators.http import require_GET")
    deco = "@require_GET\n@permission_required(\"$perm\", raise_exception=True)"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom django.conf import settings", const='''
LOG_DIR = os.path.realpath(getattr(settings, "OPS_LOG_DIR", "/var/log/$app"))
TAIL_LINES = $tail'''),
        P("resolve", rank=1, imp="import os\nfrom pathlib import Path\n" + dj, body='''
def _log_path(name: str) -> str:
    """Absolute path of a log file of LOG_DIR, or 404."""
    $FIX
    if not os.path.isfile(path):
        raise Http404("no such log file")
    return str(path)
'''),
        P("index", rank=3, imp="import os\nimport datetime\n" + dj, body=deco + '''
def log_index(request: HttpRequest) -> HttpResponse:
    """The files of LOG_DIR (rotated ones included), newest first."""
    with os.scandir(LOG_DIR) as it:
        files = [e for e in it if e.is_file() and not e.name.startswith(".")]
    files.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    rows = [{"name": e.name, "size": e.stat().st_size,
             "modified": datetime.datetime.fromtimestamp(e.stat().st_mtime)} for e in files]
    return render(request, "ops/log_index.html", {"files": rows})
'''),
        P("tail", rank=3, imp="import gzip\nfrom collections import deque\n" + dj, body=deco + '''
def log_tail(request: HttpRequest) -> JsonResponse:
    """The last lines of one log file (gzip-compressed rotations are read transparently)."""
    path = _log_path(request.GET.get("$param", ""))  #@S
    lines = min(int(request.GET.get("lines", TAIL_LINES)), 5000)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        last = deque(fh, maxlen=lines)
    return JsonResponse({"file": os.path.basename(path), "lines": [line.rstrip("\\n") for line in last]})
'''),
    ]
    pool = [
        P("download", rank=3, imp="import os\n" + dj, body=deco + '''
def log_download(request: HttpRequest) -> FileResponse:
    """The whole file, as an attachment."""
    path = _log_path(request.GET.get("$param", ""))  #@S
    $log.info("user %s downloaded log %r", request.user.pk, os.path.basename(path))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=os.path.basename(path))
'''),
        P("search", rank=3, imp=dj, body=deco + '''
def log_search(request: HttpRequest) -> JsonResponse:
    """Lines of a file that contain a plain substring (no regular expressions), capped."""
    path = _log_path(request.GET.get("$param", ""))  #@S
    needle = request.GET.get("q", "")[:200]
    if len(needle) < 3:
        return JsonResponse({"error": "query too short"}, status=400)
    hits = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if needle in line:
                hits.append({"line": number, "text": line.rstrip("\\n")[:500]})
                if len(hits) >= $hits:
                    break
    return JsonResponse({"hits": hits, "truncated": len(hits) >= $hits})
'''),
        P("usage", rank=3, imp="import os\nimport shutil\n" + dj, body=deco + '''
def log_usage(request: HttpRequest) -> JsonResponse:
    """Space used by LOG_DIR and left on its volume."""
    used = sum(e.stat().st_size for e in os.scandir(LOG_DIR) if e.is_file())
    return JsonResponse({"used": used, "free": shutil.disk_usage(LOG_DIR).free})
'''),
        P("levels", rank=3, imp="import re\n" + dj, const='LEVEL_RE = re.compile(r"\\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\\b")',
          body=deco + '''
def log_levels(request: HttpRequest) -> JsonResponse:
    """How many lines of each level a file holds, for the overview chart."""
    path = _log_path(request.GET.get("$param", ""))  #@S
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            match = LEVEL_RE.search(line[:120])
            if match:
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return JsonResponse(counts)
'''),
        P("own", rank=3, imp="from django.contrib.auth.decorators import login_required\n" + dj,
          const='OWN_LOG_DIR = os.path.join(LOG_DIR, "audit")', body='''
@login_required
@require_GET
def my_audit_log(request: HttpRequest) -> FileResponse:
    """A user's own audit trail; the file name is derived from the user's primary key only."""
    path = os.path.join(OWN_LOG_DIR, f"user-{int(request.user.pk)}.log")
    if not os.path.isfile(path):
        raise Http404("no audit entries yet")
    return FileResponse(open(path, "rb"), content_type="text/plain; charset=utf-8")
'''),
    ]
    return core, pool


@fam("mod30sf-django-log-viewer-flawed-sanitizer", "CWE-22", fws=["django"], n=8, wrap=False)
def mod30sf_logs(c):
    kw = _log_kw(c)
    how = c.pick(*_LOG_FIX)
    core, pool = _log_parts(c)
    v, s = _pair(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger("$app.ops")', core, pool, kw, _LOG_FIX[how],
                 c.pick(*_LOG_SAFE))
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"every view resolves the requested file with _log_path, whose sanitiser {_LOG_WHAT[how]}: "
                      "support staff can read any file the service account can (settings, .env, keys); the fix "
                      "resolves the joined path and checks it with commonpath / is_relative_to (or requires a name of "
                      "the directory listing)")


@hardneg(10)
def mod30sf_logs_hn(c):
    kw = _log_kw(c)
    core, pool = _log_parts(c)
    code = _safe(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger("$app.ops")', core, pool, kw, c.pick(*_LOG_SAFE))
    return Spec(s=code, full=True, fw="django",
                notes="log viewer whose file names are resolved with realpath + commonpath (or Path.resolve + "
                      "is_relative_to, or must be an entry of the directory listing) before open, gzip.open or "
                      "FileResponse; the audit view builds its path from the user's integer id")
