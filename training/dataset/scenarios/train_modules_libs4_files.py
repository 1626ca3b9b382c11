"""Train-only whole-module families on file handling with libraries no other family uses (libs4 files
set): realistic modules of about 80-110 lines (several functions or a class, docstrings, type hints,
logging, configuration, ordinary safe code) with exactly one weakness each, and a twin that differs
only by the minimal fix.

- mod4-wand-preview-worker-path (22): a Wand (ImageMagick) preview worker fed by Redis or Kafka upload
  events; the original's path is joined from the event's relative path without refusing '..'.
- mod4-python-magic-starlette-upload (434): Starlette attachment uploads served from a StaticFiles
  mount; python-magic sniffs the type but the stored name keeps the client's extension.
- mod4-pypdf-pack-predictable-tmp (377): a pypdf statement-pack builder (CLI or Celery) that writes the
  merged PDF to a predictable name in the shared temporary directory before moving it to the outbox.
- mod4-gcs-export-public-blob (732): customer data exports uploaded to Google Cloud Storage and made
  world-readable (``make_public()`` / ``predefined_acl="publicRead"``) instead of a signed URL.
- mod4-docx-docbook-entities (611): a Flask DocBook-to-Word converter (lxml + python-docx) whose parser
  loads the DTD and resolves entities of the uploaded document.
- mod4-ffmpeg-python-ingest-url (918): an aiohttp video-ingest service that probes and transcodes any
  http(s) URL with ffmpeg-python.
- mod4-zstd-sync-batch-unbounded (409): a FastAPI sync endpoint that caps the compressed body but
  decompresses the zstandard frame without an output limit.
- mod4-openpyxl-import-error-detail (209): a Django spreadsheet import (openpyxl) whose catch-all
  handler returns the exception text or traceback to the uploader.

Each family has ``@hardneg(3)`` look-alike safe modules. The optional functions of each module are drawn
per rendering (``_opt``), so the renderings differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _twin, _w, _opt
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """Dedent ``_tmpl`` and replace ``$name`` tokens (longest names first); a line holding only a token
    replaced by nothing is dropped."""
    text = dedent(_tmpl)
    keys = sorted(kw, key=len, reverse=True)
    out = []
    for line in text.split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw and not str(kw[st[1:]]).strip():
            continue
        for k in keys:
            line = line.replace("$" + k, str(kw[k]))
        out.append(line.rstrip())
    text = "\n".join(out).strip("\n")
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text + "\n"


def _ins(tmpl, token, value):
    """Put a (multi-line) block in place of ``$token``; the token's line goes when the block is empty."""
    if not value.strip():
        lines = [l for l in tmpl.split("\n") if l.strip() != "$" + token]
        return "\n".join(lines)
    return tmpl.replace("$" + token, value)


def _rep(s, old, new):
    assert old in s, old
    return s.replace(old, new, 1)


def _pick_keys(c, keys, least=1):
    """A random subset of ``keys`` (at least ``least``), in a random order."""
    keys = list(keys)
    c.rng.shuffle(keys)
    return keys[:c.rng.randint(least, len(keys))]


# ---------------- CWE-22: Wand preview worker joins the event's relative path ----------------

_WAND = r'''
"""Preview worker for the $w media pipeline: upload events from $qdesc, WebP previews made with Wand."""
from __future__ import annotations

import json
import logging
import os
$osimports
from pathlib import Path, PurePosixPath

$consumerimport
from wand.exceptions import WandException
from wand.image import Image

log = logging.getLogger("$w.previews")

ORIGINALS = Path(os.environ.get("$WU_ORIGINALS", "/srv/$w/originals"))
PREVIEWS = Path(os.environ.get("$WU_PREVIEWS", "/srv/$w/previews"))
$queueconst
SIZES = ($sizes)
QUALITY = $quality
MAX_PIXELS = $maxpx * 1_000_000
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"})


def preview_path(rel: PurePosixPath, size: int) -> Path:
    """previews/<same folders>/<stem>-<size>.webp, mirroring where the original lives."""
    return PREVIEWS / rel.parent / f"{rel.stem}-{size}.webp"


def render(src: Path, rel: PurePosixPath) -> list[Path]:
    """One preview per size; the header is read first, so images above MAX_PIXELS are refused undecoded."""
    written: list[Path] = []
    with Image.ping(filename=str(src)) as header:
        if header.width * header.height > MAX_PIXELS:
            raise ValueError(f"{rel}: {header.width}x{header.height} exceeds the pixel limit")
    with Image(filename=str(src)) as original:
        original.auto_orient()
        original.strip()
        for size in SIZES:
            with original.clone() as img:
                img.transform(resize=f"{size}x{size}>")
                img.format = "webp"
                img.compression_quality = QUALITY
                out = preview_path(rel, size)
                out.parent.mkdir(parents=True, exist_ok=True)
                img.save(filename=str(out))
                written.append(out)
    return written


$extras


def handle(event: dict) -> None:
    """One upload event: {"type": "created" | "deleted", "$key": "<path below the originals>"}."""
    $rel = PurePosixPath(str(event["$key"]))  #@S
    src = ORIGINALS / $rel  #@V
    if src.suffix.lower() not in IMAGE_SUFFIXES:
        log.debug("ignoring %s: not an image", $rel)
        return
$dispatch


$mainloop


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    main()
'''

_WAND_EXTRAS = {
    "remove": r'''
def remove_previews(rel: PurePosixPath) -> int:
    """Delete the previews of an original that was deleted."""
    removed = 0
    for size in SIZES:
        path = preview_path(rel, size)
        if path.exists():
            path.unlink()
            removed += 1
    return removed
''',
    "colour": r'''
def average_colour(src: Path) -> str:
    """The image's average colour as #rrggbb, shown as a placeholder while the preview loads."""
    with Image(filename=str(src)) as img:
        img.resize(1, 1)
        pixel = img[0][0]
        return "#{:02x}{:02x}{:02x}".format(int(pixel.red * 255), int(pixel.green * 255), int(pixel.blue * 255))
''',
    "sidecar": r'''
def write_sidecar(rel: PurePosixPath, previews: list[Path], **extra: str) -> Path:
    """A JSON file next to the previews that the gallery reads instead of listing the folder."""
    sidecar = PREVIEWS / rel.parent / f"{rel.stem}.json"
    doc = {"original": str(rel), "previews": [p.name for p in previews], "updated": int(time.time()), **extra}
    sidecar.write_text(json.dumps(doc, indent=1))
    return sidecar
''',
}

_WAND_CONSUMERS = {
    "redis": ("import redis", "Redis", 'QUEUE = "$w:uploads"', r'''
def main() -> None:
    conn = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    log.info("waiting for upload events on %s", QUEUE)
    while True:
        item = conn.blpop([QUEUE], timeout=30)
        if item is None:
            continue
        raw = item[1]
        try:
            handle(json.loads(raw))
        except (WandException, ValueError, KeyError, OSError) as exc:
            log.warning("event failed, moved to the dead-letter list: %s", exc)
            conn.rpush(QUEUE + ":failed", raw)
'''),
    "kafka": ("from kafka import KafkaConsumer", "Kafka", 'TOPIC = "$w.uploads"', r'''
def main() -> None:
    consumer = KafkaConsumer(
        TOPIC,
        bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP", "kafka:9092").split(","),
        group_id="$w-previews",
        enable_auto_commit=False,
        value_deserializer=lambda b: json.loads(b.decode("utf-8")),
    )
    for record in consumer:
        try:
            handle(record.value)
        except (WandException, ValueError, KeyError, OSError) as exc:
            log.warning("offset %s of %s failed: %s", record.offset, TOPIC, exc)
        consumer.commit()
'''),
}


def _wand(c):
    w, Wc = _w(c)
    keys = _pick_keys(c, _WAND_EXTRAS)
    cons = c.pick("redis", "kafka")
    imp, qdesc, qconst, consumer = _WAND_CONSUMERS[cons]
    rel = c.pick("rel", "relative", "rel_path", "key_path")
    extras = "\n\n\n".join(dedent(_WAND_EXTRAS[k]).strip("\n") for k in keys)
    d = ["    previews = render(src, " + rel + ")"]
    if "remove" in keys:
        d = ['    if event.get("type") == "deleted":',
             f"        log.info(\"removed %d previews of %s\", remove_previews({rel}), {rel})",
             "        return"] + d
    if "sidecar" in keys:
        d.append(f"    write_sidecar({rel}, previews" + (", colour=average_colour(src))" if "colour" in keys else ")"))
    elif "colour" in keys:
        d.append(f"    log.debug(\"%s: average colour %s\", {rel}, average_colour(src))")
    d.append(f"    log.info(\"rendered %d previews of %s\", len(previews), {rel})")
    tmpl = _WAND.replace("$extras", extras).replace("$mainloop", dedent(consumer).strip("\n"))
    tmpl = tmpl.replace("$dispatch", "\n".join(d))
    v = sub(tmpl, w=w, WU=w.upper(), qdesc=f"{qdesc} ({'list' if cons == 'redis' else 'topic'})",
            consumerimport=imp, queueconst=sub(qconst, w=w).strip(), rel=rel,
            osimports="import time" if "sidecar" in keys else "",
            key=c.pick("path", "key", "original"), sizes=c.pick("160, 480, 1280", "240, 720", "128, 512, 1024"),
            quality=c.pick(72, 80, 85), maxpx=c.pick(40, 60, 100))
    return v, rel


def _wand_fix(v, rel):
    line = next(l for l in v.split("\n") if l.endswith("#@S"))
    return _twin(v, (line + "\n" + f"    src = ORIGINALS / {rel}  #@V\n",
                     line + "\n"
                     f"    if {rel}.is_absolute() or \"..\" in {rel}.parts:\n"
                     f"        raise ValueError(f\"refusing {{{rel}}}: outside the originals folder\")\n"
                     f"    src = ORIGINALS / {rel}\n"))


@fam("mod4-wand-preview-worker-path", "CWE-22", fws=["pipeline"], n=8, wrap=False)
def mod4_wand_preview_path(c):
    v, rel = _wand(c)
    s = _wand_fix(v, rel)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the upload event's relative path (written by the upload service from the client's file "
                      "name) is joined to ORIGINALS as is: '../../etc/...' or an absolute path makes Wand read any "
                      "image-like file on the worker and write previews (and delete them) outside the previews "
                      "tree; refuse absolute paths and '..' components before joining")


@hardneg(3)
def mod4_wand_preview_path_hn(c):
    v, rel = _wand(c)
    line = next(l for l in v.split("\n") if l.endswith("#@S"))
    key = line.split('event["')[1].split('"')[0]
    helper = dedent(r'''
        def _clean_rel(raw: str) -> PurePosixPath:
            """The event's path as a relative path below the originals; absolute paths and '..' are refused."""
            rel = PurePosixPath(posixpath.normpath(raw))
            if rel.is_absolute() or rel.parts[:1] == ("..",) or str(rel) == ".":
                raise ValueError(f"refusing {raw!r}: outside the originals folder")
            return rel
    ''').strip("\n")
    s = _twin(v, (line + "\n", f"    {rel} = _clean_rel(str(event[\"{key}\"]))\n"),
              ("\n\n\ndef handle(event: dict)", "\n\n\n" + helper + "\n\n\ndef handle(event: dict)"),
              ("import os\n", "import os\nimport posixpath\n"))
    return Spec(s=s, full=True, fw="pipeline",
                notes="the event's path goes through _clean_rel(): normalised, and refused when absolute or when "
                      "it climbs out with '..', so the joins stay below ORIGINALS and PREVIEWS")


# ---------------- CWE-434: Starlette uploads keep the client's extension (python-magic) ----------------

_MAGIC = r'''
"""Attachment uploads for the $w site (Starlette): files are stored under MEDIA_ROOT and served from /media."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path, PurePath

import magic
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from $w_site.auth import $Backend

log = logging.getLogger("$w.uploads")

MEDIA_ROOT = Path(os.environ.get("$WU_MEDIA_ROOT", "/srv/$w/media"))
MAX_BYTES = $maxmb * 1024 * 1024
# what the upload widget offers; its accept= attribute is filled from /uploads/types
ALLOWED_TYPES = {
$types
}
$snifferconst


def _owner_dir(request: Request) -> Path:
    folder = MEDIA_ROOT / str(request.user.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@requires("authenticated")
async def upload(request: Request) -> JSONResponse:
    """Store one attachment; the response carries the URL it is served from."""
    form = await request.form(max_files=1, max_fields=4)
    $file = form.get("$field")  #@S
    if $file is None or not getattr($file, "filename", ""):
        raise HTTPException(400, "no file in the '$field' field")
    data = await $file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, f"attachments are limited to {MAX_BYTES // (1024 * 1024)} MiB")
    mime = $sniff
    suffix = PurePath($file.filename).suffix.lower()  #@V
    name = secrets.token_urlsafe(16) + suffix
    (_owner_dir(request) / name).write_bytes(data)
    log.info("user %s stored %s (%s, %d bytes)", request.user.id, name, mime, len(data))
    return JSONResponse({"url": f"/media/{request.user.id}/{name}", "type": mime, "size": len(data)},
                        status_code=201)


async def accepted_types(request: Request) -> JSONResponse:
    return JSONResponse({"types": sorted(ALLOWED_TYPES), "max_bytes": MAX_BYTES})


$extras


routes = [
    Route("/uploads", upload, methods=["POST"]),
    Route("/uploads/types", accepted_types),
$routes
    Mount("/media", app=StaticFiles(directory=MEDIA_ROOT, check_dir=False), name="media"),
]

app = Starlette(routes=routes, middleware=[Middleware(AuthenticationMiddleware, backend=$Backend())])
'''

_MAGIC_EXTRAS = {
    "list": (r'''
@requires("authenticated")
async def my_files(request: Request) -> JSONResponse:
    """The caller's newest attachments."""
    files = sorted(_owner_dir(request).iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    return JSONResponse([{"url": f"/media/{request.user.id}/{p.name}", "size": p.stat().st_size}
                         for p in files[:$page]])
''', '    Route("/uploads/mine", my_files),'),
    "delete": (r'''
@requires("authenticated")
async def delete_file(request: Request) -> Response:
    name = request.path_params["name"]
    target = _owner_dir(request) / name
    if name.startswith(".") or not target.is_file():
        raise HTTPException(404)
    target.unlink()
    log.info("user %s deleted %s", request.user.id, name)
    return Response(status_code=204)
''', '    Route("/uploads/{name}", delete_file, methods=["DELETE"]),'),
    "usage": (r'''
@requires("authenticated")
async def usage(request: Request) -> JSONResponse:
    """Bytes used by the caller's attachments (the settings page shows it against the quota)."""
    used = sum(p.stat().st_size for p in _owner_dir(request).iterdir() if p.is_file())
    return JSONResponse({"used_bytes": used, "quota_bytes": $quota * 1024 * 1024})
''', '    Route("/uploads/usage", usage),'),
}

_MAGIC_TYPES = [
    {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf"},
    {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"},
    {"application/pdf": ".pdf", "text/plain": ".txt", "text/csv": ".csv", "image/png": ".png"},
]


def _magic(c):
    w, Wc = _w(c)
    keys = _pick_keys(c, _MAGIC_EXTRAS, least=0)
    routes = "\n".join(_MAGIC_EXTRAS[k][1] for k in sorted(keys, key=lambda k: k == "delete"))
    extras = "\n\n\n".join(dedent(_MAGIC_EXTRAS[k][0]).strip("\n") for k in keys)
    types = c.pick(*_MAGIC_TYPES)
    sniff_shape = c.pick("func", "instance")
    if sniff_shape == "func":
        const, sniff = "SNIFF_BYTES = 2048", "magic.from_buffer(data[:SNIFF_BYTES], mime=True)"
    else:
        const, sniff = "_sniffer = magic.Magic(mime=True)", "_sniffer.from_buffer(data[:4096])"
    file = c.pick("upload_file", "uploaded", "part", "attachment")
    tmpl = _ins(_MAGIC.replace("$extras", extras), "routes", routes)
    v = sub(tmpl, w=w, WU=w.upper(), Backend=c.pick("SessionBackend", "TokenBackend", "CookieBackend"),
            types="\n".join(f'    "{k}": "{x}",' for k, x in types.items()), snifferconst=const, sniff=sniff,
            file=file, field=c.pick("file", "attachment", "upload"), maxmb=c.pick(5, 10, 25),
            page=c.pick(20, 50, 100), quota=c.pick(200, 500, 1024))
    if "delete" not in keys:
        v = v.replace("import JSONResponse, Response\n", "import JSONResponse\n")
    return v, file


@fam("mod4-python-magic-starlette-upload", "CWE-434", fws=["starlette"], n=8, wrap=False)
def mod4_magic_upload(c):
    v, file = _magic(c)
    s = _twin(v, (f"    suffix = PurePath({file}.filename).suffix.lower()  #@V\n",
                  "    if mime not in ALLOWED_TYPES:\n"
                  "        raise HTTPException(415, f\"{mime} files are not accepted\")\n"
                  "    suffix = ALLOWED_TYPES[mime]\n"),
              ("from pathlib import Path, PurePath\n", "from pathlib import Path\n"))
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the sniffed type is only logged: the stored name keeps the client's extension and the file "
                      "is served by StaticFiles from the site's own origin, so an .html or .svg upload is served "
                      "as text/html / image/svg+xml (stored XSS, phishing pages) whatever ALLOWED_TYPES says; refuse "
                      "types outside ALLOWED_TYPES and take the extension from the sniffed type")


@hardneg(3)
def mod4_magic_upload_hn(c):
    v, file = _magic(c)
    s = _twin(v, (f"    suffix = PurePath({file}.filename).suffix.lower()  #@V\n",
                  f"    suffix = PurePath({file}.filename).suffix.lower()\n"
                  "    if ALLOWED_TYPES.get(mime) != suffix:\n"
                  "        raise HTTPException(415, \"the file's content does not match an accepted type\")\n"))
    return Spec(s=s, full=True, fw="starlette",
                notes="the client's extension is kept only when it is the one ALLOWED_TYPES gives for the sniffed "
                      "type, so only the allowed types are stored and served")


# ---------------- CWE-377: pypdf pack written to a predictable temporary path ----------------

_PYPDF = r'''
"""Statement packs for the $w back office: one customer's PDFs of a period merged into one file (pypdf)."""
from __future__ import annotations

$argparseimport
import logging
import os
import shutil
$tmpimport
from pathlib import Path

$celeryimport
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

log = logging.getLogger("$w.packs")

SOURCE_DIR = Path(os.environ.get("$WU_PDF_DIR", "/srv/$w/pdf"))
OUTBOX = Path(os.environ.get("$WU_PACK_OUTBOX", "/srv/$w/outbox"))
$stampconst
MAX_PAGES = $maxpages


def source_files(customer_id: int, period: str) -> list[Path]:
    """The customer's PDFs for one period (YYYY-MM), oldest first."""
    folder = SOURCE_DIR / str(customer_id) / period
    return sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime)


def build_pack(customer_id: int, period: str, files: list[Path]) -> PdfWriter:
    writer = PdfWriter()
    $stampload
    for path in files:
        try:
            reader = PdfReader(path)
        except PdfReadError as exc:
            log.warning("skipping unreadable %s: %s", path.name, exc)
            continue
        if len(writer.pages) + len(reader.pages) > MAX_PAGES:
            raise ValueError(f"pack {customer_id}/{period} would exceed {MAX_PAGES} pages")
        start = len(writer.pages)
        for page in reader.pages:
            $stampuse
            writer.add_page(page)
        writer.add_outline_item(path.stem, start)
    writer.add_metadata({"/Title": f"$Wc pack {period}", "/Author": "$w back office"})
    return writer


def write_pack(customer_id: int, period: str) -> Path | None:
    """Build the pack, write it to a scratch file, then move it into the outbox in one step."""
    files = source_files(customer_id, period)
    if not files:
        log.info("no documents for customer %s in %s", customer_id, period)
        return None
    writer = build_pack(customer_id, period, files)
    $work = $tmpexpr  #@V
    with open($work, "wb") as fh:
        writer.write(fh)
    final = OUTBOX / f"{customer_id}-{period}.pdf"
    shutil.move($work, final)
    log.info("pack %s: %d pages from %d files", final.name, len(writer.pages), len(files))
    return final


$extras


$entry
'''

_PYPDF_EXTRAS = [r'''
def prune_outbox(days: int = $keep) -> int:
    """Remove packs the mailer has had for more than ``days`` days."""
    cutoff = time.time() - days * 86400
    removed = 0
    for pack in OUTBOX.glob("*.pdf"):
        if pack.stat().st_mtime < cutoff:
            pack.unlink()
            removed += 1
    log.info("pruned %d old packs", removed)
    return removed
''', r'''
def page_count(pack: Path) -> int:
    """Pages of a finished pack (the mailer refuses to attach huge ones)."""
    return len(PdfReader(pack).pages)
''', r'''
def valid_period(period: str) -> bool:
    """YYYY-MM with a real month."""
    year, _, month = period.partition("-")
    return len(year) == 4 and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12
''']

_PYPDF_CLI = r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("period", help="YYYY-MM")
    parser.add_argument("customers", nargs="+", type=int, help="customer ids")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    OUTBOX.mkdir(parents=True, exist_ok=True)
    made = [p for cid in args.customers if (p := write_pack(cid, args.period)) is not None]
    print(f"{len(made)} packs written to {OUTBOX}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_PYPDF_CELERY = r'''
app = Celery("$w_packs", broker=os.environ["CELERY_BROKER_URL"])


@app.task(bind=True, max_retries=3, acks_late=True)
def build_pack_task(self, customer_id: int, period: str) -> str | None:
    try:
        pack = write_pack(customer_id, period)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=60)
    return str(pack) if pack else None


@app.task
def build_month(period: str, customer_ids: list[int]) -> int:
    """Fan out one pack task per customer (run by beat on the 2nd of the month)."""
    for cid in customer_ids:
        build_pack_task.delay(cid, period)
    return len(customer_ids)
'''


def _pypdf(c):
    w, Wc = _w(c)
    shape = c.pick("cli", "celery")
    extras_list = list(_PYPDF_EXTRAS)
    extra = _opt(c, *extras_list, least=0 if shape == "cli" else 1, most=2)
    stamp = c.pick(True, False)
    work = c.pick("scratch", "tmp_path", "work_file", "partial")
    tmp = c.pick("path", "join", "fstring", "gettempdir")
    name = c.pick(f"{w}-pack-{{customer_id}}-{{period}}.pdf", f"pack-{{customer_id}}-{{period}}.pdf",
                  f"{w}_{{customer_id}}_{{period}}.pdf")
    tmpexpr = {"path": f'Path("/tmp") / f"{name}"', "join": f'os.path.join("/tmp", f"{name}")',
               "fstring": f'f"/tmp/{name}"', "gettempdir": f'Path(tempfile.gettempdir()) / f"{name}"'}[tmp]
    tmpl = _PYPDF.replace("$extras", extra).replace("$entry", _PYPDF_CLI if shape == "cli" else _PYPDF_CELERY)
    v = sub(tmpl, w=w, Wc=Wc, WU=w.upper(), work=work, tmpexpr=tmpexpr,
            argparseimport="import argparse" if shape == "cli" else "",
            tmpimport="import tempfile" if tmp == "gettempdir" else "",
            celeryimport="from celery import Celery" if shape == "celery" else "",
            stampconst='STAMP_PDF = Path(__file__).with_name("$stamp.pdf")' if stamp else "",
            stampload="stamp = PdfReader(STAMP_PDF).pages[0]" if stamp else "",
            stampuse="page.merge_page(stamp)" if stamp else "",
            stamp=c.pick("copy-stamp", "duplicate", "letterhead"), maxpages=c.pick(300, 500, 1000),
            keep=c.pick(14, 30, 60))
    if "prune_outbox" in v:
        v = v.replace("import shutil\n", "import shutil\nimport time\n", 1)
    line = next(l for l in v.split("\n") if l.endswith("#@V"))
    return v, work, line, shape


def _pypdf_fix(v, work, line, prefix):
    s = _twin(v, (line + "\n" + f'    with open({work}, "wb") as fh:\n',
                  f'    fd, {work} = tempfile.mkstemp(prefix=f"{prefix}", suffix=".pdf")\n'
                  f'    with os.fdopen(fd, "wb") as fh:\n'))
    if "import tempfile\n" not in s:
        s = s.replace("import shutil\n", "import shutil\nimport tempfile\n", 1)
    return s


@fam("mod4-pypdf-pack-predictable-tmp", "CWE-377", fws=["cli", "celery"], n=8, wrap=False)
def mod4_pypdf_tmp(c):
    v, work, line, shape = _pypdf(c)
    s = _pypdf_fix(v, work, line, "pack-{customer_id}-")
    return Spec(v=v, s=s, full=True, fw=shape,
                notes="the merged PDF is first written to a name in the shared temporary directory that anyone "
                      "can predict from the customer id and the period: another local user pre-creates it as a "
                      "symlink and open(..., 'wb') overwrites the link's target with the service's rights (or "
                      "reads the statements); create the scratch file with tempfile.mkstemp()")


@hardneg(3)
def mod4_pypdf_tmp_hn(c):
    v, work, line, shape = _pypdf(c)
    s = _twin(v, (line + "\n" + f'    with open({work}, "wb") as fh:\n',
                  f'    with tempfile.NamedTemporaryFile(dir=OUTBOX, prefix=".pack-", suffix=".part", '
                  f'delete=False) as fh:\n        {work} = fh.name\n'))
    if "import tempfile\n" not in s:
        s = s.replace("import shutil\n", "import shutil\nimport tempfile\n", 1)
    return Spec(s=s, full=True, fw=shape,
                notes="the scratch file is a NamedTemporaryFile (random name, O_EXCL, mode 0600) inside the outbox "
                      "itself, then moved into place")


# ---------------- CWE-732: GCS export blobs made world-readable ----------------

_GCS = r'''
"""Data exports for the $w app: an account's $ws as a file in Google Cloud Storage, with a download link."""
from __future__ import annotations

$stdimports
from datetime import datetime, timedelta, timezone

$thirdparty

$localimports

log = logging.getLogger("$w.exports")

BUCKET = os.environ.get("$WU_EXPORT_BUCKET", "$bucket")
PREFIX = "exports"
KEEP_DAYS = $keep
COLUMNS = ($cols)

_client: storage.Client | None = None


def bucket() -> storage.Bucket:
    global _client
    if _client is None:
        _client = storage.Client()
    return _client.bucket(BUCKET)


$render


def export_account(account_id: int) -> str:
    """Upload the account's $ws and return the URL the owner downloads the file from."""
    rows = fetch_rows("$ws", account_id=account_id, columns=COLUMNS)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    blob = bucket().blob(f"{PREFIX}/{account_id}/$w-{stamp}.$ext")
    blob.content_disposition = f'attachment; filename="$w-{stamp}.$ext"'
$upload
    log.info("export of %d rows for account %s stored as %s", len(rows), account_id, blob.name)
    return blob.public_url


def purge_old_exports(days: int = KEEP_DAYS) -> int:
    """Delete exports older than ``days`` (run daily by the scheduler)."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    removed = 0
    for blob in bucket().list_blobs(prefix=f"{PREFIX}/"):
        if blob.time_created < cutoff:
            blob.delete()
            removed += 1
    log.info("purged %d exports older than %d days", removed, days)
    return removed


$extras


$entry
'''

_GCS_RENDER = {
    "csv": (["csv", "io"], "csv", r'''
def render(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")
''', "text/csv"),
    "jsonl": (["json"], "jsonl", r'''
def render(rows: list[dict]) -> bytes:
    """One JSON object per line, only the exported columns."""
    lines = (json.dumps({k: row.get(k) for k in COLUMNS}, default=str) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")
''', "application/x-ndjson"),
}

_GCS_EXTRAS = [r'''
def list_exports(account_id: int) -> list[dict]:
    """The account's exports still in the bucket, newest first."""
    blobs = bucket().list_blobs(prefix=f"{PREFIX}/{account_id}/")
    rows = [{"name": b.name.rsplit("/", 1)[-1], "size": b.size, "created": b.time_created.isoformat()} for b in blobs]
    return sorted(rows, key=lambda r: r["created"], reverse=True)
''', r'''
def delete_export(account_id: int, name: str) -> bool:
    """Delete one of the account's exports; names come from list_exports()."""
    blob = bucket().blob(f"{PREFIX}/{account_id}/{name.rsplit('/', 1)[-1]}")
    if not blob.exists():
        return False
    blob.delete()
    log.info("account %s deleted export %s", account_id, name)
    return True
''']

_GCS_FASTAPI = r'''
app = FastAPI(title="$w exports")


@app.post("/accounts/{account_id}/exports", status_code=201)
async def create_export(account_id: int, user: User = Depends(current_user)) -> dict:
    if user.account_id != account_id:
        raise HTTPException(status_code=404)
    url = await run_in_threadpool(export_account, account_id)
    return {"url": url}
'''

_GCS_PUBSUB = r'''
def handle_request(message: pubsub_v1.subscriber.message.Message) -> None:
    """Pub/Sub callback: build the export and e-mail the link to the account owner."""
    body = json.loads(message.data)
    url = export_account(int(body["account_id"]))
    send_mail(body["email"], "Your $w export is ready", f"Download your export: {url}")
    message.ack()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    subscriber = pubsub_v1.SubscriberClient()
    path = subscriber.subscription_path(os.environ["GOOGLE_CLOUD_PROJECT"], "$w-export-requests")
    subscriber.subscribe(path, callback=handle_request).result()


if __name__ == "__main__":
    main()
'''


def _gcs(c):
    w, Wc = _w(c)
    fmt = c.pick("csv", "jsonl")
    mods, ext, render, ctype = _GCS_RENDER[fmt]
    shape = c.pick("fastapi", "pubsub")
    mods = sorted(set(mods + ["logging", "os"] + (["json"] if shape == "pubsub" else [])))
    mode = c.pick("make_public", "acl")
    if mode == "make_public":
        upload = (f'    blob.upload_from_string(render(rows), content_type="{ctype}")\n'
                  "    blob.make_public()  #@V")
    else:
        upload = (f'    blob.upload_from_string(render(rows), content_type="{ctype}", '
                  'predefined_acl="publicRead")  #@V')
    extra = _opt(c, *_GCS_EXTRAS, least=0)
    thirdparty = ("from fastapi import Depends, FastAPI, HTTPException\nfrom fastapi.concurrency import run_in_threadpool\n"
                  "from google.cloud import storage" if shape == "fastapi" else "from google.cloud import pubsub_v1, storage")
    local = (f"from {w}_app.auth import User, current_user\nfrom {w}_app.db import fetch_rows" if shape == "fastapi"
             else f"from {w}_app.db import fetch_rows\nfrom {w}_app.mail import send_mail")
    tmpl = _GCS.replace("$render", dedent(render).strip("\n")).replace("$extras", extra)
    tmpl = tmpl.replace("$entry", _GCS_FASTAPI if shape == "fastapi" else _GCS_PUBSUB).replace("$upload", upload)
    v = sub(tmpl, w=w, WU=w.upper(), stdimports="\n".join("import " + m for m in mods), ext=ext, thirdparty=thirdparty, localimports=local,
            bucket=c.pick(f"{w}-exports", f"acme-{w}-data-exports", "exports-prod-eu"), keep=c.pick(3, 7, 14),
            cols=c.pick('"id", "title", "status", "created_at", "updated_at"',
                        '"id", "reference", "amount", "currency", "created_at"',
                        '"id", "name", "email", "created_at"'))
    v = v.replace("\n\n\n\n\n", "\n\n\n")
    return v, mode, ctype, shape


def _gcs_fix(v, mode, ctype, minutes):
    if mode == "make_public":
        pairs = [("    blob.make_public()  #@V\n", "")]
    else:
        pairs = [(f'content_type="{ctype}", predefined_acl="publicRead")  #@V\n', f'content_type="{ctype}")\n')]
    pairs += [("    return blob.public_url\n",
               "    return blob.generate_signed_url(version=\"v4\", expiration=timedelta(minutes=LINK_MINUTES), "
               "method=\"GET\")\n"),
              ("KEEP_DAYS = ", f"LINK_MINUTES = {minutes}\nKEEP_DAYS = ")]
    return _twin(v, *pairs)


@fam("mod4-gcs-export-public-blob", "CWE-732", fws=["fastapi", "pipeline"], n=8, wrap=False)
def mod4_gcs_public(c):
    v, mode, ctype, shape = _gcs(c)
    s = _gcs_fix(v, mode, ctype, c.pick(15, 30, 60))
    return Spec(v=v, s=s, full=True, fw="fastapi" if shape == "fastapi" else "pipeline",
                notes="each export (an account's whole data set) is made world-readable on the bucket "
                      "(make_public() / predefined_acl='publicRead') and its public URL handed out: the URL is "
                      "guessable from the account id and a timestamp, never expires and is readable by anyone who "
                      "sees it; keep the object private and give out a short-lived V4 signed URL")


@hardneg(3)
def mod4_gcs_public_hn(c):
    v, mode, ctype, shape = _gcs(c)
    s = _gcs_fix(v, mode, ctype, c.pick(15, 30))
    logo = dedent(r'''
        def publish_logo(account_id: int, png: bytes) -> str:
            """The account's storefront logo: public content by design, so it is readable by everyone."""
            blob = bucket().blob(f"public/logos/{account_id}.png")
            blob.cache_control = "public, max-age=3600"
            blob.upload_from_string(png, content_type="image/png")
            blob.make_public()
            return blob.public_url
    ''').strip("\n")
    s = s.replace("\n\n\ndef purge_old_exports", "\n\n\n" + logo + "\n\n\ndef purge_old_exports", 1)
    return Spec(s=s, full=True, fw="fastapi" if shape == "fastapi" else "pipeline",
                notes="exports stay private behind short-lived signed URLs; only the storefront logo, which is "
                      "public content, is made public")


# ---------------- CWE-611: DocBook to Word converter parses uploads with entities ----------------

_DOCX = r'''
"""Converts DocBook articles to Word documents (lxml + python-docx) for the $w editorial tools."""
from __future__ import annotations

import io
import logging
import re

from docx import Document
from docx.shared import Pt
from flask import Blueprint, Flask, Response, abort, jsonify, request
from lxml import etree

log = logging.getLogger("$w.convert")

bp = Blueprint("convert", __name__, url_prefix="/convert")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_PT = $pt
MAX_UPLOAD = $maxmb * 1024 * 1024


def parse_article(stream) -> etree._Element:
    """Parse the uploaded DocBook source; product names and boilerplate come in as entities."""
    parser = etree.XMLParser($parseropts)  #@V
    return etree.parse(stream, parser).getroot()


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def to_docx(root: etree._Element) -> Document:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(BODY_PT)
    title = root.find("title")
    if title is not None:
        doc.add_heading(_text(title), level=0)
        doc.core_properties.title = _text(title)
    for el in root.iter("section", "para", "itemizedlist", "programlisting"):
        if el.tag == "section":
            head = el.find("title")
            level = min(len(list(el.iterancestors("section"))) + 1, 4)
            doc.add_heading(_text(head) if head is not None else "", level=level)
        elif el.tag == "para" and el.getparent().tag != "listitem":
            doc.add_paragraph(_text(el))
        elif el.tag == "itemizedlist":
            for item in el.findall("listitem"):
                doc.add_paragraph(_text(item), style="List Bullet")
        elif el.tag == "programlisting":
            run = doc.add_paragraph().add_run(el.text or "")
            run.font.name = "$mono"
    return doc


@bp.post("/docx")
def convert():
    $upload = request.files.get("$field")  #@S
    if $upload is None or not $upload.filename:
        abort(400, "upload the DocBook source as '$field'")
    try:
        root = parse_article($upload.stream)
    except etree.XMLSyntaxError:
        log.info("rejected %r: not well-formed", $upload.filename)
        abort(400, "the article is not well-formed XML")
    buf = io.BytesIO()
    to_docx(root).save(buf)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", $upload.filename.rsplit(".", 1)[0]).strip("-") or "article"
    log.info("converted %s (%d bytes of docx)", stem, buf.tell())
    return Response(buf.getvalue(), mimetype=DOCX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.docx"'})


$extras


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    app.register_blueprint(bp)
    return app
'''

_DOCX_EXTRAS = [r'''
@bp.post("/outline")
def outline():
    """Headings of an article, for the editor's table-of-contents preview."""
    $upload = request.files.get("$field")
    if $upload is None:
        abort(400, "upload the DocBook source as '$field'")
    try:
        root = parse_article($upload.stream)
    except etree.XMLSyntaxError:
        abort(400, "the article is not well-formed XML")
    heads = [{"level": len(list(s.iterancestors("section"))) + 1, "title": _text(s.find("title"))}
             for s in root.iter("section") if s.find("title") is not None]
    return jsonify(heads)
''', r'''
@bp.get("/supported")
def supported():
    """The DocBook elements the converter maps to Word; the rest is dropped."""
    return jsonify({"elements": ["title", "section", "para", "itemizedlist", "listitem", "programlisting"],
                    "max_bytes": MAX_UPLOAD})
''', r'''
def word_count(root: etree._Element) -> int:
    return sum(len(_text(p).split()) for p in root.iter("para"))


@bp.post("/stats")
def stats():
    $upload = request.files.get("$field")
    if $upload is None:
        abort(400, "upload the DocBook source as '$field'")
    try:
        root = parse_article($upload.stream)
    except etree.XMLSyntaxError:
        abort(400, "the article is not well-formed XML")
    return jsonify({"words": word_count(root), "sections": sum(1 for _ in root.iter("section"))})
''']

_DOCX_OPTS = [
    "resolve_entities=True, load_dtd=True, remove_comments=True",
    "load_dtd=True, resolve_entities=True, no_network=False",
    "resolve_entities=True, load_dtd=True, remove_blank_text=True",
    "remove_comments=True, load_dtd=True, resolve_entities=True, huge_tree=True",
]


def _docx(c):
    w, Wc = _w(c)
    extra = _opt(c, *_DOCX_EXTRAS, least=0, most=2)
    opts = c.pick(*_DOCX_OPTS)
    v = sub(_DOCX.replace("$extras", extra), w=w, parseropts=opts, upload=c.pick("upload", "source", "docbook"),
            field=c.pick("article", "source", "file"), pt=c.pick(10, 11, 12), maxmb=c.pick(2, 5, 10),
            mono=c.pick("Courier New", "Consolas", "DejaVu Sans Mono"))
    if "jsonify(" not in v:
        v = v.replace("abort, jsonify, request", "abort, request")
    return v, opts


def _docx_safe_opts(opts):
    keep = [o for o in opts.split(", ") if not o.startswith(("resolve_entities", "load_dtd", "no_network", "huge_tree"))]
    return ", ".join(["resolve_entities=False", "no_network=True"] + keep)


@fam("mod4-docx-docbook-entities", "CWE-611", fws=["flask"], n=8, wrap=False)
def mod4_docx_entities(c):
    v, opts = _docx(c)
    s = _twin(v, (f"    parser = etree.XMLParser({opts})  #@V\n",
                  f"    parser = etree.XMLParser({_docx_safe_opts(opts)})\n"))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the uploaded DocBook source is parsed with the DTD loaded and entities resolved: a DOCTYPE "
                      "declaring <!ENTITY x SYSTEM \"file:///etc/passwd\"> (or an http:// URL inside the network) "
                      "puts the file's content into the Word document sent back; parse with resolve_entities=False "
                      "and without the DTD")


@hardneg(3)
def mod4_docx_entities_hn(c):
    v, opts = _docx(c)
    s = _twin(v, (f"    parser = etree.XMLParser({opts})  #@V\n"
                  "    return etree.parse(stream, parser).getroot()\n",
                  f"    parser = etree.XMLParser({_docx_safe_opts(opts)}, load_dtd=False)\n"
                  "    tree = etree.parse(stream, parser)\n"
                  "    if tree.docinfo.doctype:\n"
                  "        abort(400, \"DOCTYPE declarations are not accepted\")\n"
                  "    return tree.getroot()\n"))
    return Spec(s=s, full=True, fw="flask",
                notes="the parser neither loads a DTD nor resolves entities, and documents carrying a DOCTYPE are "
                      "refused outright")


# ---------------- CWE-918: ffmpeg-python ingest of any http(s) URL ----------------

_FFMPEG = r'''
"""Video ingest for the $w platform (aiohttp + ffmpeg-python): fetch a source by URL, probe it, transcode it."""
from __future__ import annotations

import asyncio
import logging
import os
import uuid
from pathlib import Path

import ffmpeg
from aiohttp import web

log = logging.getLogger("$w.ingest")

OUTPUT_ROOT = Path(os.environ.get("$WU_VIDEO_ROOT", "/srv/$w/video"))
MAX_SECONDS = $maxsec
MAX_HEIGHT = $maxh
CRF = $crf


def probe(source: str) -> dict:
    """Duration and size of the first video stream (ffprobe opens the source itself)."""
    info = ffmpeg.probe(source, select_streams="v:0")
    streams = info.get("streams") or []
    if not streams:
        raise ValueError("no video stream")
    return {"duration": float(info["format"].get("duration", 0)),
            "width": int(streams[0]["width"]), "height": int(streams[0]["height"])}


def transcode(source: str, target: Path) -> None:
    (
        ffmpeg.input(source, t=MAX_SECONDS)
        .output(str(target), vcodec="libx264", acodec="aac", crf=CRF, preset="$preset",
                vf=f"scale=-2:'min({MAX_HEIGHT},ih)'", movflags="+faststart")
        .overwrite_output()
        .run(capture_stdout=True, capture_stderr=True)
    )


$extras


async def _run(app: web.Application, asset_id: str, source: str) -> None:
    target = OUTPUT_ROOT / f"{asset_id}.mp4"
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, transcode, source, target)
$afterrun
    except ffmpeg.Error as exc:
        app["jobs"][asset_id] = "failed"
        log.warning("asset %s failed: %s", asset_id, exc.stderr.decode(errors="replace")[-400:])
        return
    app["jobs"][asset_id] = "ready"
    log.info("asset %s ready: %s", asset_id, target.name)


async def ingest(request: web.Request) -> web.Response:
    body = await request.json()
    $src = str(body.get("$field", "")).strip()  #@S
    if not $src.startswith(("http://", "https://")):  #@V
        raise web.HTTPBadRequest(text="$field must be an http(s) URL")
    loop = asyncio.get_running_loop()
    try:
        meta = await loop.run_in_executor(None, probe, $src)  #@V
    except (ffmpeg.Error, ValueError, KeyError):
        raise web.HTTPUnprocessableEntity(text="the source is not a readable video")
    if meta["duration"] > MAX_SECONDS:
        raise web.HTTPUnprocessableEntity(text=f"videos are limited to {MAX_SECONDS} seconds")
    asset_id = uuid.uuid4().hex
    request.app["jobs"][asset_id] = "processing"
    request.app["tasks"].add(asyncio.create_task(_run(request.app, asset_id, $src)))
    log.info("asset %s queued: %.0fs %dx%d", asset_id, meta["duration"], meta["width"], meta["height"])
    return web.json_response({"id": asset_id, "status": "processing", **meta}, status=202)


$routesfns


def create_app() -> web.Application:
    OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
    app = web.Application(client_max_size=64 * 1024)
    app["jobs"] = {}
    app["tasks"] = set()
    app.router.add_post("/ingest", ingest)
$routes
    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(create_app(), port=$port)
'''

_FFMPEG_POSTER = r'''
def poster(video: Path, at: float = $posterat) -> Path:
    """A JPEG frame for the player's poster image."""
    out = video.with_suffix(".jpg")
    ffmpeg.input(str(video), ss=at).output(str(out), vframes=1).overwrite_output().run(quiet=True)
    return out
'''

_FFMPEG_STATUS = (r'''
async def status(request: web.Request) -> web.Response:
    asset_id = request.match_info["asset_id"]
    state = request.app["jobs"].get(asset_id)
    if state is None:
        raise web.HTTPNotFound()
    return web.json_response({"id": asset_id, "status": state})
''', '    app.router.add_get("/assets/{asset_id}", status)')

_FFMPEG_DELETE = (r'''
async def delete_asset(request: web.Request) -> web.Response:
    asset_id = request.match_info["asset_id"]
    if request.app["jobs"].pop(asset_id, None) is None:
        raise web.HTTPNotFound()
    for path in OUTPUT_ROOT.glob(f"{asset_id}.*"):
        path.unlink()
    log.info("asset %s deleted", asset_id)
    return web.Response(status=204)
''', '    app.router.add_delete("/assets/{asset_id}", delete_asset)')


def _ffmpeg(c):
    w, Wc = _w(c)
    use_poster = c.pick(True, False)
    handlers = [h for h in (_FFMPEG_STATUS, _FFMPEG_DELETE) if c.rng.random() < 0.6]
    c.rng.shuffle(handlers)
    src = c.pick("source_url", "src", "url", "source")
    field = c.pick("source_url", "url", "video_url")
    tmpl = _FFMPEG.replace("$extras", dedent(_FFMPEG_POSTER).strip("\n") if use_poster else "")
    tmpl = _ins(tmpl, "afterrun", "        await loop.run_in_executor(None, poster, target)" if use_poster else "")
    tmpl = _ins(tmpl, "routesfns", "\n\n\n".join(dedent(h[0]).strip("\n") for h in handlers))
    tmpl = _ins(tmpl, "routes", "\n".join(h[1] for h in handlers))
    v = sub(tmpl, w=w, WU=w.upper(), src=src, field=field, maxsec=c.pick(600, 1800, 3600),
            maxh=c.pick(720, 1080), crf=c.pick(20, 23, 26), preset=c.pick("veryfast", "fast", "medium"),
            port=c.pick(8080, 8091, 9000), posterat=c.pick("1.0", "2.5", "5.0"))
    while "\n\n\n\n" in v:
        v = v.replace("\n\n\n\n", "\n\n\n")
    return v, src, field


def _ffmpeg_fix(v, src, field, hosts):
    return _twin(v, (f'    if not {src}.startswith(("http://", "https://")):  #@V\n'
                     f'        raise web.HTTPBadRequest(text="{field} must be an http(s) URL")\n',
                     f"    parts = urlsplit({src})\n"
                     f"    if parts.scheme != \"https\" or parts.hostname not in SOURCE_HOSTS:\n"
                     f"        raise web.HTTPBadRequest(text=\"{field} must be an https URL on a partner CDN\")\n"),
                 ("CRF = ", f"SOURCE_HOSTS = frozenset({{{hosts}}})\nCRF = "),
                 ("from pathlib import Path\n", "from pathlib import Path\nfrom urllib.parse import urlsplit\n"))


_FF_HOSTS = ['"media.partner-cdn.example.com", "vod.partner-cdn.example.com"',
             '"videos.example-studio.net"', '"cdn.broadcaster.example.org", "vod.broadcaster.example.org"']


@fam("mod4-ffmpeg-python-ingest-url", "CWE-918", fws=["aiohttp"], n=8, wrap=False)
def mod4_ffmpeg_ssrf(c):
    v, src, field = _ffmpeg(c)
    s = _ffmpeg_fix(v, src, field, c.pick(*_FF_HOSTS))
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="any http(s) URL from the request is opened by ffprobe/ffmpeg on the server: "
                      "http://169.254.169.254/... or http://10.0.0.7:9200/ is fetched from inside the network (and "
                      "a playlist can point ffmpeg at further internal URLs); accept only https sources on the "
                      "partner CDN hosts")


@hardneg(3)
def mod4_ffmpeg_ssrf_hn(c):
    v, src, field = _ffmpeg(c)
    s = _twin(v, (f'    {src} = str(body.get("{field}", "")).strip()  #@S\n'
                  f'    if not {src}.startswith(("http://", "https://")):  #@V\n'
                  f'        raise web.HTTPBadRequest(text="{field} must be an http(s) URL")\n',
                  '    key = str(body.get("master_key", ""))\n'
                  '    if not MASTER_KEY.fullmatch(key):\n'
                  '        raise web.HTTPBadRequest(text="master_key must name a master in the studio library")\n'
                  f'    {src} = f"https://{{LIBRARY_HOST}}/masters/{{quote(key)}}"\n'),
              ("CRF = ", "LIBRARY_HOST = os.environ.get(\"LIBRARY_HOST\", \"library.studio-masters.example.com\")\n"
                         "MASTER_KEY = re.compile(r\"[0-9a-f]{32}/[A-Za-z0-9_-]{1,80}\\.(mov|mxf|mp4)\")\nCRF = "),
              ("import os\n", "import os\nimport re\n"),
              ("from pathlib import Path\n", "from pathlib import Path\nfrom urllib.parse import quote\n"))
    return Spec(s=s, full=True, fw="aiohttp",
                notes="ffmpeg opens a URL, but one built from the fixed host of the studio's master library (media "
                      "the studio publishes itself) and a key checked against a strict pattern; the client chooses "
                      "neither the host nor the media (so it cannot hand ffmpeg a playlist that points elsewhere)")


# ---------------- CWE-409 (labelled CWE-400, the model label of its group): zstandard sync batches decompressed without an output limit ----------------

_ZSTD = r'''
"""Sync endpoint for the $w mobile clients: devices push zstd-compressed JSON-lines change batches."""
from __future__ import annotations

import io
import json
import logging
import os

import zstandard
from fastapi import Depends, FastAPI, Header, HTTPException, Request
$respimport

from $w_sync.auth import Device, current_device
from $w_sync.store import ChangeStore

log = logging.getLogger("$w.sync")

app = FastAPI(title="$w sync")
store = ChangeStore(os.environ.get("$WU_SYNC_DSN", "postgresql:///$w_sync"))

MAX_COMPRESSED = $maxc * 1024 * 1024
MAX_BATCH_BYTES = $maxb * 1024 * 1024
MAX_CHANGES = $maxchanges
CHUNK = 64 * 1024
KINDS = frozenset({"upsert", "delete"})
$dctx


async def read_body(request: Request) -> bytes:
    """The compressed request body, refused above MAX_COMPRESSED."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_COMPRESSED:
            raise HTTPException(413, "compressed batch too large")
    return bytes(body)


def decompress(blob: bytes) -> bytes:
    with _dctx.stream_reader(io.BytesIO(blob)) as reader:
$readline


def parse_changes(raw: bytes) -> list[dict]:
    changes = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise HTTPException(400, f"line {n} is not JSON")
        if item.get("kind") not in KINDS or not isinstance(item.get("id"), str):
            raise HTTPException(400, f"line {n}: unknown change")
        changes.append(item)
        if len(changes) > MAX_CHANGES:
            raise HTTPException(413, f"at most {MAX_CHANGES} changes per batch")
    return changes


@app.post("/sync/batches", status_code=202)
async def push_batch(request: Request, device: Device = Depends(current_device),
                     content_encoding: str = Header("")) -> dict:
    if content_encoding.lower() != "zstd":
        raise HTTPException(415, "send the batch zstd-compressed (Content-Encoding: zstd)")
    blob = await read_body(request)
    try:
        raw = decompress(blob)
    except zstandard.ZstdError:
        raise HTTPException(400, "not a zstd frame")
    changes = parse_changes(raw)
    applied = store.apply(device.account_id, device.id, changes)
    log.info("device %s pushed %d changes (%d applied)", device.id, len(changes), applied)
    return {"received": len(changes), "applied": applied, "cursor": store.cursor(device.account_id)}


$extras
'''

_ZSTD_EXTRAS = {
    "pull": (r'''
$cctx


@app.get("/sync/changes")
async def pull_changes(since: int = 0, device: Device = Depends(current_device)) -> Response:
    """Changes after cursor ``since`` for the device's account, zstd-compressed like the uploads."""
    rows = store.changes_since(device.account_id, since, limit=MAX_CHANGES)
    payload = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows).encode("utf-8")
    return Response(_cctx.compress(payload), media_type="application/x-ndjson",
                    headers={"Content-Encoding": "zstd", "X-Sync-Count": str(len(rows))})
''', True),
    "cursor": (r'''
@app.get("/sync/cursor")
async def cursor(device: Device = Depends(current_device)) -> dict:
    return {"cursor": store.cursor(device.account_id), "device": device.id}
''', False),
    "reset": (r'''
@app.post("/sync/reset", status_code=204)
async def reset_device(device: Device = Depends(current_device)) -> None:
    """Forget what the device has acknowledged; its next pull starts from scratch."""
    store.reset_device(device.account_id, device.id)
    log.info("device %s reset its sync state", device.id)
''', False),
}

_ZSTD_READS = {
    "read": "        return reader.read()  #@V",
    "join": '        return b"".join(iter(lambda: reader.read(CHUNK), b""))  #@V',
}


def _zstd(c):
    w, Wc = _w(c)
    keys = _pick_keys(c, _ZSTD_EXTRAS, least=0)
    extras = "\n\n\n".join(dedent(_ZSTD_EXTRAS[k][0]).strip("\n") for k in keys)
    resp = any(_ZSTD_EXTRAS[k][1] for k in keys)
    read = c.pick("read", "join")
    if c.pick(True, False):
        dctx = (f'DICT_FILE = Path(os.environ.get("{w.upper()}_SYNC_DICT", "/etc/{w}-sync/batches.dict"))\n'
                "DICTIONARY = zstandard.ZstdCompressionDict(DICT_FILE.read_bytes())  # trained on sample batches\n"
                "_dctx = zstandard.ZstdDecompressor(dict_data=DICTIONARY, max_window_size=$window * 1024 * 1024)")
    else:
        dctx = "_dctx = zstandard.ZstdDecompressor(max_window_size=$window * 1024 * 1024)"
    tmpl = _ZSTD.replace("$extras", extras).replace("$readline", _ZSTD_READS[read]).replace("$dctx", dctx)
    if "DICTIONARY" in dctx:
        tmpl = tmpl.replace("import os\n", "import os\nfrom pathlib import Path\n", 1)
    cctx = ("_cctx = zstandard.ZstdCompressor(level=$level, dict_data=DICTIONARY)" if "DICTIONARY" in dctx
            else "_cctx = zstandard.ZstdCompressor(level=$level)")
    tmpl = tmpl.replace("$cctx", cctx)
    v = sub(tmpl, w=w, WU=w.upper(), respimport="from fastapi.responses import Response" if resp else "",
            maxc=c.pick(4, 8, 16), maxb=c.pick(32, 64, 128), maxchanges=c.pick(5000, 10000, 20000),
            window=c.pick(8, 16, 32), level=c.pick(3, 6, 9))
    return v, read


def _zstd_fix(v, read):
    return _twin(v, (_ZSTD_READS[read] + "\n",
                     "        raw = reader.read(MAX_BATCH_BYTES + 1)\n"
                     "    if len(raw) > MAX_BATCH_BYTES:\n"
                     "        raise HTTPException(413, \"batch too large once decompressed\")\n"
                     "    return raw\n"))


@fam("mod4-zstd-sync-batch-unbounded", "CWE-400", fws=["fastapi"], n=8, wrap=False)
def mod4_zstd_unbounded(c):
    v, read = _zstd(c)
    s = _zstd_fix(v, read)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="CWE-409 (data amplification), labelled CWE-400, the model label of its group (the model has no "
                      "CWE-409 label). The compressed body is capped, but the zstd frame is decompressed to the end into memory: a "
                      "few MiB of zstd expand to many GiB (ratios above 1000:1 are easy with repeated data), so one "
                      "request exhausts the worker's memory; read at most MAX_BATCH_BYTES + 1 and refuse more")


@hardneg(3)
def mod4_zstd_unbounded_hn(c):
    v, read = _zstd(c)
    s = _twin(v, (_ZSTD_READS[read] + "\n",
                  "        parts, total = [], 0\n"
                  "        while chunk := reader.read(CHUNK):\n"
                  "            total += len(chunk)\n"
                  "            if total > MAX_BATCH_BYTES:\n"
                  "                raise HTTPException(413, \"batch too large once decompressed\")\n"
                  "            parts.append(chunk)\n"
                  "    return b\"\".join(parts)\n"))
    return Spec(s=s, full=True, fw="fastapi",
                notes="the zstd stream is read in CHUNK-sized pieces and refused as soon as the decompressed total "
                      "passes MAX_BATCH_BYTES")


# ---------------- CWE-209: openpyxl import returns the exception to the uploader ----------------

_XLSX = r'''
"""Spreadsheet import for $label records (Django + openpyxl): staff upload an .xlsx and get a per-row report."""
from __future__ import annotations

import logging
$tbimport
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
$httpimport
$viewimport
$openpyxlimport
from openpyxl.utils.exceptions import InvalidFileException

from .models import $Wc

log = logging.getLogger(__name__)

COLUMNS = ("sku", "name", "price", "quantity")
MAX_ROWS = $maxrows
MAX_UPLOAD = $maxmb * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowError(ValueError):
    """A problem with one row of the sheet; its message is written for the uploader."""


def parse_row(n: int, values: tuple) -> dict:
    sku, name, price, quantity = (list(values) + [None] * 4)[:4]
    if not sku or not name:
        raise RowError(f"row {n}: sku and name are required")
    try:
        price = Decimal(str(price)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(f"row {n}: price {price!r} is not a number")
    if not isinstance(quantity, int) or quantity < 0:
        raise RowError(f"row {n}: quantity must be a whole number >= 0")
    return {"sku": str(sku).strip(), "name": str(name).strip()[:200], "price": price, "quantity": quantity}


def read_sheet(upload) -> list[dict]:
    wb = load_workbook(upload, read_only=True, data_only=True)
    try:
        ws = wb.active
        header = [str(v or "").strip().lower() for v in next(ws.iter_rows(max_row=1, values_only=True), ())]
        if tuple(header[:4]) != COLUMNS:
            raise RowError(f"the first row must be: {', '.join(COLUMNS)}")
        rows = []
        for n, values in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
            if n - 1 > MAX_ROWS:
                raise RowError(f"at most {MAX_ROWS} rows per file")
            if any(v is not None for v in values):
                rows.append(parse_row(n, values))
        return rows
    finally:
        wb.close()


@login_required
@permission_required("$app.add_$w", raise_exception=True)
@require_POST
def import_$ws(request):
    upload = request.FILES.get("$field")
    if upload is None or upload.size > MAX_UPLOAD:
        return JsonResponse({"error": f"upload an .xlsx file of at most {MAX_UPLOAD // 2**20} MiB"}, status=400)
    try:
        rows = read_sheet(upload)
        with transaction.atomic():
            for row in rows:
                $Wc.objects.update_or_create(sku=row["sku"], defaults={**row, "updated_by": request.user})
    except RowError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except InvalidFileException:
        return JsonResponse({"error": "not a readable .xlsx workbook"}, status=400)
    except Exception$asexc:
        log.exception("import by user %s failed", request.user.pk)
        return JsonResponse($leak, status=500)  #@V
    log.info("user %s imported %d $labels", request.user.pk, len(rows))
    return JsonResponse({"imported": len(rows)})


$extras
'''

_XLSX_TEMPLATE = r'''
@login_required
@require_GET
def import_template(request):
    """An empty workbook with the header row and one example line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "$ws"
    ws.append(list(COLUMNS))
    ws.append(["ABC-001", "Example $label", 9.99, 10])
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="$w-import-template.xlsx"'
    wb.save(response)
    return response
'''

_XLSX_EXPORT = r'''
@login_required
@permission_required("$app.view_$w", raise_exception=True)
@require_GET
def export_$ws(request):
    """Every $label as a workbook in the import layout, so it can be edited and uploaded again."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("$ws")
    ws.append(list(COLUMNS))
    for item in $Wc.objects.order_by("sku").values_list(*COLUMNS).iterator():
        ws.append(list(item))
    response = HttpResponse(content_type=XLSX_MIME)
    response["Content-Disposition"] = 'attachment; filename="$ws.xlsx"'
    wb.save(response)
    return response
'''

_XLSX_CHECK = r'''
@login_required
@require_POST
def check_sheet(request):
    """Validate a sheet without importing it (the upload dialog calls this first)."""
    upload = request.FILES.get("$field")
    if upload is None or upload.size > MAX_UPLOAD:
        return JsonResponse({"error": "no sheet uploaded"}, status=400)
    try:
        rows = read_sheet(upload)
    except RowError as exc:
        return JsonResponse({"ok": False, "error": str(exc)})
    except InvalidFileException:
        return JsonResponse({"ok": False, "error": "not a readable .xlsx workbook"})
    return JsonResponse({"ok": True, "rows": len(rows)})
'''


_XLSX_MODELS = [("Product", "product", "product"), ("StockItem", "stockitem", "stock item"),
                ("Part", "part", "spare part"), ("CatalogItem", "catalogitem", "catalogue item")]


def _xlsx(c):
    Wc, w, label = c.pick(*_XLSX_MODELS)
    blocks = _pick_keys(c, (_XLSX_TEMPLATE, _XLSX_EXPORT, _XLSX_CHECK), least=0)[:2]
    writes = _XLSX_TEMPLATE in blocks or _XLSX_EXPORT in blocks
    get = writes
    exc = "exc"  # review.py R1 knows str(exc) / repr(exc) / {exc}
    leak_kind = c.pick("str", "repr", "fstring", "traceback", "detail_type")
    leak = {"str": f'{{"error": "import failed", "detail": str({exc})}}',
            "repr": f'{{"error": "import failed", "detail": repr({exc})}}',
            "fstring": f'{{"error": f"import failed: {{{exc}}}"}}',
            "traceback": '{"error": "import failed", "traceback": traceback.format_exc()}',
            "detail_type": f'{{"error": type({exc}).__name__, "detail": str({exc})}}'}[leak_kind]
    v = sub(_XLSX.replace("$extras", "\n\n\n".join(dedent(b).strip("\n") for b in blocks)),
            w=w, Wc=Wc, label=label, leak=leak, asexc="" if leak_kind == "traceback" else " as exc",
            tbimport="import traceback" if leak_kind == "traceback" else "",
            httpimport="from django.http import HttpResponse, JsonResponse" if writes
            else "from django.http import JsonResponse",
            viewimport="from django.views.decorators.http import require_GET, require_POST" if get
            else "from django.views.decorators.http import require_POST",
            openpyxlimport="from openpyxl import Workbook, load_workbook" if writes
            else "from openpyxl import load_workbook",
            app=c.pick("inventory", "catalog", "stock"), field=c.pick("sheet", "file", "workbook"),
            maxrows=c.pick(2000, 5000, 20000), maxmb=c.pick(5, 10, 20))
    return v, leak, leak_kind, exc


def _xlsx_fix(v, leak, leak_kind, exc):
    pairs = [] if leak_kind == "traceback" else [(f"    except Exception as {exc}:\n", "    except Exception:\n")]
    pairs += [(f"        return JsonResponse({leak}, status=500)  #@V\n",
              '        return JsonResponse({"error": "import failed; the error has been logged"}, status=500)\n')]
    if leak_kind == "traceback":
        pairs.append(("import traceback\n", ""))
    return _twin(v, *pairs)


@fam("mod4-openpyxl-import-error-detail", "CWE-209", fws=["django"], n=8, wrap=False)
def mod4_openpyxl_errors(c):
    v, leak, leak_kind, exc = _xlsx(c)
    s = _xlsx_fix(v, leak, leak_kind, exc)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the catch-all handler of the import view sends the exception (or the whole traceback) to "
                      "the uploader: database errors carry table, constraint and column names and values, and "
                      "tracebacks show file paths and code; the row errors meant for the user have their own "
                      "RowError branch, so return a generic message here and keep the details in the log")


@hardneg(3)
def mod4_openpyxl_errors_hn(c):
    v, leak, leak_kind, exc = _xlsx(c)
    s = _xlsx_fix(v, leak, leak_kind, exc)
    s = s.replace("from django.db import transaction\n", "from django.db import IntegrityError, transaction\n", 1)
    s = s.replace("    except InvalidFileException:\n        return JsonResponse({\"error\": \"not a readable .xlsx "
                  "workbook\"}, status=400)\n    except Exception:\n",
                  "    except InvalidFileException:\n        return JsonResponse({\"error\": \"not a readable .xlsx "
                  "workbook\"}, status=400)\n    except IntegrityError:\n"
                  "        log.error(\"import by user %s hit a constraint:\\n%s\", request.user.pk, traceback.format_exc())\n"
                  "        return JsonResponse({\"error\": \"two rows of the sheet use the same sku\"}, status=409)\n"
                  "    except Exception:\n", 1)
    if "import traceback\n" not in s:
        s = s.replace("import logging\n", "import logging\nimport traceback\n", 1)
    return Spec(s=s, full=True, fw="django",
                notes="tracebacks go to the server log only; the uploader gets its own row messages (RowError) or "
                      "fixed texts")
