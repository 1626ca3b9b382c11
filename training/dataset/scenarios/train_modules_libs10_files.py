"""Train-only whole-module families on file handling (libs10 files set, mod10-*): realistic modules of about
80-110 lines (Flask and Quart upload blueprints, an lxml manifest importer, tarfile batch and backup tools,
a firmware staging agent) with exactly one weak statement each, and a twin that differs only by the minimal
fix.

Covers: a document-management blueprint (Flask) that checks the extension against an allow-list but stores
the client's Content-Type and serves the file inline with it (434); a photo-gallery blueprint (Quart +
filetype) that checks the magic bytes but names the stored photo with the client's extension in the served
media folder (434); an e-learning SCORM/IMS package importer whose shared lxml parser settings turn entity
resolution on (611); an invoice-ingestion job that joins tar member names under its work directory (22); a
backup-restore CLI that writes each file of the backup manifest to the path the manifest names (22); and a
firmware-update agent that stages the downloaded image under a predictable name in /tmp (377).
The optional parts of each module are drawn per rendering (``_opt``), so the eight renderings differ in
their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _replayed, sub_nested as sub, _opt
from registry import fam, hardneg


def _fin(code, safe):
    """Drop blank-line runs left by empty blocks; the safe twin loses its markers."""
    out = []
    for l in code.split("\n"):
        if not l.strip() and len(out) >= 2 and not out[-1].strip() and not out[-2].strip():
            continue
        out.append(l.rstrip() if not l.strip() else l)
    code = "\n".join(out).strip("\n") + "\n"
    return _clean(code) if safe else code


# ---------------- CWE-434: document store that keeps and serves the client's Content-Type ----------------

_DOCS = r'''
"""Document store of the $App portal: upload files into folders and download them again.

Files are stored under random ids in the configured store directory (outside the static folder); the
metadata lives in the documents table. Every route needs a logged-in user (flask-login); uploads and
changes only work on folders that user owns, downloads also on folders shared with them."""
from __future__ import annotations

import logging
import os
import sqlite3
import uuid

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

log = logging.getLogger("$app.documents")
bp = Blueprint("documents", __name__, url_prefix="/api")

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".txt": "text/plain",$EXTRA_TYPE
}
MAX_BYTES = $mb * 1024 * 1024


def get_db() -> sqlite3.Connection:
    """The request's connection to the metadata database."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DOCS_DB"])
        g.db.row_factory = sqlite3.Row
    return g.db


def _store_dir() -> str:
    return current_app.config["DOCS_STORE_DIR"]


def _own_folder(folder_id: int) -> sqlite3.Row:
    """The folder, if the caller owns it; 404 otherwise (no hint that it exists)."""
    row = get_db().execute("SELECT id, name FROM folders WHERE id = ? AND owner_id = ?",
                           (folder_id, current_user.id)).fetchone()
    if row is None:
        abort(404)
    return row


@bp.post("/folders/<int:folder_id>/documents")
@login_required
def upload_document(folder_id: int):
    """Store one uploaded file in a folder the caller owns."""
    folder = _own_folder(folder_id)
    upload = request.files.get("$field")
    if upload is None or not upload.filename:
        abort(400, "no file in the request")
    name = secure_filename(upload.filename) or "document"
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_TYPES:
        abort(415, "file type not accepted")
    doc_id = uuid.uuid4().hex
    path = os.path.join(_store_dir(), doc_id)
$SAVE
$CTYPE
    db = get_db()
    db.execute("INSERT INTO documents (id, folder_id, name, content_type, size) VALUES (?, ?, ?, ?, ?)",
               (doc_id, folder["id"], name, content_type, size))
    db.commit()
    log.info("document %s stored in folder %s by user %s", doc_id, folder["id"], current_user.id)
    return jsonify(id=doc_id, name=name, content_type=content_type, size=size), 201


$DOWNLOAD


$EXTRA
'''

_DOCS_SAVE = {
    "save": '''
    upload.save(path)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        os.remove(path)
        abort(413, "file too large")''',
    "read": '''
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        abort(413, "file too large")
    with open(path, "wb") as fh:
        fh.write(data)
    size = len(data)''',
}

_DOCS_EXTRA = [r'''
@bp.get("/folders/<int:folder_id>/documents")
@login_required
def list_documents(folder_id: int):
    """The documents of one folder, newest first."""
    folder = _own_folder(folder_id)
    rows = get_db().execute("SELECT id, name, content_type, size FROM documents WHERE folder_id = ? "
                            "ORDER BY rowid DESC", (folder["id"],)).fetchall()
    return jsonify(items=[dict(r) for r in rows])
''', r'''
@bp.delete("/documents/<doc_id>")
@login_required
def delete_document(doc_id: str):
    row = _own_document(doc_id)
    get_db().execute("DELETE FROM documents WHERE id = ?", (row["id"],))
    get_db().commit()
    os.remove(os.path.join(_store_dir(), row["id"]))
    log.info("document %s deleted by user %s", row["id"], current_user.id)
    return "", 204
''', r'''
@bp.teardown_app_request
def close_db(exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()
''', r'''
@bp.patch("/documents/<doc_id>")
@login_required
def rename_document(doc_id: str):
    """Rename a document; the stored file keeps its id."""
    row = _own_document(doc_id)
    new_name = secure_filename((request.get_json(silent=True) or {}).get("name", ""))
    if os.path.splitext(new_name)[1].lower() != os.path.splitext(row["name"])[1].lower():
        abort(400, "the extension cannot change")
    get_db().execute("UPDATE documents SET name = ? WHERE id = ?", (new_name, row["id"]))
    get_db().commit()
    return jsonify(id=row["id"], name=new_name)
''']

_DOCS_OWN = r'''
def _own_document(doc_id: str, shared: bool = False) -> sqlite3.Row:
    """A document in one of the caller's folders (with shared, also one in a folder shared with the
    caller); 404 otherwise."""
    row = get_db().execute(
        "SELECT d.id, d.name, d.content_type FROM documents d JOIN folders f ON f.id = d.folder_id "
        "WHERE d.id = ? AND (f.owner_id = ? OR (? AND EXISTS (SELECT 1 FROM folder_shares s "
        "WHERE s.folder_id = f.id AND s.user_id = ?)))",
        (doc_id, current_user.id, shared, current_user.id)).fetchone()
    if row is None:
        abort(404)
    return row


@bp.get("/documents/<doc_id>")
@login_required
def download_document(doc_id: str):
    """The stored file, shown in the browser when it can be (also to the users the folder is shared with)."""
    row = _own_document(doc_id, shared=True)
    return send_file(os.path.join(_store_dir(), row["id"]), mimetype=row["content_type"],$MARK
                     download_name=row["name"]$ATTACH)
'''


def _docs(c, safe, hn=False):
    app = c.pick("legal", "hr", "records", "contracts", "clinic", "archive")
    src = c.pick("mimetype", "content_type", "form", "headers")
    if safe:
        ctype = "    content_type = ALLOWED_TYPES[ext]"
    else:
        ctype = {
            "mimetype": "    content_type = upload.mimetype or \"application/octet-stream\"  #@V",
            "content_type": "    content_type = upload.content_type  #@V",
            "form": "    content_type = request.form.get(\"content_type\") or upload.mimetype  #@V",
            "headers": "    content_type = upload.headers.get(\"Content-Type\", \"application/octet-stream\")  #@V",
        }[src]
    download = sub(_DOCS_OWN, MARK="" if safe else "  #@V",
                   ATTACH=", as_attachment=True" if hn else "")
    extras = _opt(c, *_DOCS_EXTRA, least=1, most=2)
    code = sub(_DOCS, SAVE=dedent(_DOCS_SAVE[c.pick("save", "read")]).join(["    ", ""]).replace("\n", "\n    "),
               CTYPE=ctype, DOWNLOAD=download, EXTRA=extras, field=c.pick("file", "document", "upload"),
               EXTRA_TYPE=c.pick("", '\n    ".odt": "application/vnd.oasis.opendocument.text",',
                                 '\n    ".csv": "text/csv",'),
               mb=c.pick(10, 25, 50), App=app.capitalize(), app=app)
    return _fin(code, safe)


@fam("mod10-docs-flask-stored-client-content-type", "CWE-434", fws=["flask"], n=8, wrap=False)
def mod10_docs_client_ctype(c):
    v, s = _replayed(c, _docs)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the upload checks the file name's extension against ALLOWED_TYPES, but stores the Content-Type "
                      "the client sent with the part (or a form field / part header) and the download route serves "
                      "the file inline with that type: 'report.pdf' sent as text/html (or image/svg+xml) is rendered "
                      "as a page of the portal's origin, stored XSS against every user the folder is shared with. The fix "
                      "stores the type the allow-list maps the checked extension to")


@hardneg(2)
def mod10_docs_client_ctype_hn(c):
    return Spec(s=_docs(c, True, hn=True), full=True, fw="flask",
                notes="the stored type comes from the extension allow-list and downloads are sent as attachments")


# ---------------- CWE-434: photo gallery that keeps the client's extension in the served folder ----------------

_GAL = r'''
"""Photo uploads of the $App gallery (Quart).

Uploads are checked for an image signature (filetype) and written to PHOTO_DIR, which the app serves
at /media/photos; the worker makes the thumbnails later from the queue the repository feeds."""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

import filetype
from quart import Blueprint, abort, jsonify, request, send_from_directory
from quart_auth import current_user, login_required

from .repository import albums

log = logging.getLogger("$app.photos")
bp = Blueprint("photos", __name__)

PHOTO_DIR = Path(os.environ.get("$APP_PHOTO_DIR", "/srv/$app/media/photos"))
ALLOWED_KINDS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"$GIF}
MAX_BYTES = $mb * 1024 * 1024


def _sniff(data: bytes) -> str | None:
    """The MIME type the content's magic bytes show, if it is an accepted image kind."""
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_KINDS:
        return None
    return kind.mime


async def _owned_album(album_id: int) -> dict:
    album = await albums.get(album_id)
    if album is None or album["owner_id"] != current_user.auth_id:
        abort(404)
    return album


@bp.post("/albums/<int:album_id>/photos")
@login_required
async def upload_photo(album_id: int):
    """Add one photo to an album the caller owns."""
    album = await _owned_album(album_id)
    files = await request.files
    upload = files.get("$field")
    if upload is None or not upload.filename:
        abort(400, "no photo in the request")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        abort(413, "photo too large")
    mime = _sniff(data)
    if mime is None:
        abort(415, "only JPEG, PNG or WebP photos")
$EXT
    name = f"{uuid.uuid4().hex}{ext}"
$WRITE
    photo_id = await albums.add_photo(album["id"], name, mime, len(data))
    log.info("photo %s (%d bytes) added to album %s", photo_id, len(data), album["id"])
    return jsonify(id=photo_id, url=f"/media/photos/{name}"), 201


@bp.get("/media/photos/<path:name>")
async def photo_file(name: str):
    """Photos are public once uploaded; send_from_directory keeps the name inside PHOTO_DIR."""
    return await send_from_directory(PHOTO_DIR, name)


$EXTRA
'''

_GAL_EXTRA = [r'''
@bp.get("/albums/<int:album_id>")
@login_required
async def show_album(album_id: int):
    album = await _owned_album(album_id)
    photos = await albums.photos(album["id"])
    return jsonify(id=album["id"], title=album["title"],
                   photos=[{"id": p["id"], "url": f"/media/photos/{p['name']}"} for p in photos])
''', r'''
@bp.delete("/albums/<int:album_id>/photos/<int:photo_id>")
@login_required
async def delete_photo(album_id: int, photo_id: int):
    album = await _owned_album(album_id)
    photo = await albums.photo(album["id"], photo_id)
    if photo is None:
        abort(404)
    await albums.remove_photo(photo["id"])
    (PHOTO_DIR / photo["name"]).unlink(missing_ok=True)
    return "", 204
''', r'''
@bp.post("/albums")
@login_required
async def create_album():
    body = await request.get_json()
    title = str((body or {}).get("title", "")).strip()[:120]
    if not title:
        abort(400, "title required")
    album_id = await albums.create(owner_id=current_user.auth_id, title=title)
    return jsonify(id=album_id, title=title), 201
''']


def _gallery(c, safe, hn=False):
    app = c.pick("snapshots", "trailpics", "familyroll", "clubphotos", "pixbook")
    how = c.pick("splitext", "suffix", "rsplit")
    if safe:
        ext = "    ext = ALLOWED_KINDS[mime]"
    else:
        ext = {
            "splitext": "    ext = os.path.splitext(upload.filename)[1].lower()  #@V",
            "suffix": "    ext = Path(upload.filename).suffix.lower()  #@V",
            "rsplit": "    ext = \".\" + upload.filename.rsplit(\".\", 1)[-1].lower()  #@V",
        }[how]
    write = c.pick("    (PHOTO_DIR / name).write_bytes(data)",
                   "    with open(PHOTO_DIR / name, \"xb\") as fh:\n        fh.write(data)")
    code = sub(_GAL, EXT=ext, WRITE=write, EXTRA=_opt(c, *_GAL_EXTRA, least=0 if hn else 1, most=2),
               GIF=c.pick("", ', "image/gif": ".gif"'), field=c.pick("photo", "file", "image"),
               mb=c.pick(8, 12, 20), APP=app.upper(), App=app.capitalize(), app=app)
    return _fin(code, safe)


@fam("mod10-gallery-quart-client-extension", "CWE-434", fws=["flask"], n=8, wrap=False)
def mod10_gallery_client_ext(c):
    v, s = _replayed(c, _gallery)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Quart (labelled flask): the upload checks the magic bytes with filetype, but the stored name "
                      "takes its extension from the client's file name, in the folder the app serves; a polyglot "
                      "that starts with a JPEG/PNG signature and carries HTML or script, uploaded as 'x.html' or "
                      "'x.svg', is served back with that type from the gallery's origin. The fix names the file "
                      "with the extension of the kind the content check found")


# ---------------- CWE-611: SCORM / IMS package importer with entity resolution in its parser settings ----------------

_SCORM = r'''
"""Import of SCORM / IMS content packages into the $App course catalogue.

An instructor uploads a package (a zip with imsmanifest.xml at its root); the importer reads the
manifest's title, organisation and resources, keeps the package under a random id and returns the
course outline. The lxml options live in one place so every entry point parses the same way."""
from __future__ import annotations

$STDIMP
from dataclasses import dataclass, field
from pathlib import Path

$THIRDIMP

log = logging.getLogger("$app.scorm")

NS = {"ims": "http://www.imsglobal.org/xsd/imscp_v1p1"}
MAX_MANIFEST_BYTES = $kb * 1024
PACKAGE_DIR = Path("$pkgdir")


$SETTINGS


class PackageError(ValueError):
    """The upload is not a usable content package."""


@dataclass
class Outline:
    identifier: str
    title: str
    items: list[tuple[str, str]] = field(default_factory=list)


def read_manifest(package: bytes) -> bytes:
    """imsmanifest.xml of a zipped package, size-checked before it is read."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        try:
            info = zf.getinfo("imsmanifest.xml")
        except KeyError:
            raise PackageError("imsmanifest.xml is missing") from None
        if info.file_size > MAX_MANIFEST_BYTES:
            raise PackageError("manifest too large")
        return zf.read(info)


def parse_manifest(xml: bytes) -> Outline:
    """Identifier, title and (title, launch href) items of the default organisation."""
$PARSER
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"manifest is not well-formed XML (line {exc.lineno})") from None
    org = root.find("ims:organizations/ims:organization", NS)
    if org is None:
        raise PackageError("no organisation in the manifest")
    hrefs = {r.get("identifier"): r.get("href", "") for r in root.iterfind("ims:resources/ims:resource", NS)}
    items = [(item.findtext("ims:title", default="", namespaces=NS).strip(), hrefs.get(item.get("identifierref"), ""))
             for item in org.iter("{%s}item" % NS["ims"])]
    title = org.findtext("ims:title", default="Untitled course", namespaces=NS).strip()
    return Outline(root.get("identifier", ""), title, items)


def import_package(package: bytes) -> tuple[str, Outline]:
    """Parse the manifest, then keep the package as <id>.zip for the player."""
    outline = parse_manifest(read_manifest(package))
    package_id = uuid.uuid4().hex
    (PACKAGE_DIR / f"{package_id}.zip").write_bytes(package)
    log.info("imported package %s with %d items", package_id, len(outline.items))
    return package_id, outline


$ENTRY
'''

_SCORM_ENTRY = {
    "flask": (r'''
from flask import Blueprint, abort, jsonify, request
from flask_login import login_required
from lxml import etree
''', r'''
bp = Blueprint("scorm", __name__, url_prefix="/courses")


@bp.post("/import")
@login_required
def upload_package():
    """Instructor upload of one package."""
    upload = request.files.get("package")
    if upload is None:
        abort(400, "no package")
    try:
        package_id, outline = import_package(upload.read())
    except (PackageError, zipfile.BadZipFile) as exc:
        abort(422, str(exc))
    return jsonify(id=package_id, title=outline.title, items=len(outline.items)), 201
'''),
    "cli": (r'''
from lxml import etree
''', r'''
def main(argv: list[str] | None = None) -> int:
    """Bulk import: every .zip of a folder exported from the old LMS."""
    ap = argparse.ArgumentParser(description="Import SCORM packages")
    ap.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    failed = 0
    for path in sorted(args.folder.glob("*.zip")):
        try:
            package_id, outline = import_package(path.read_bytes())
            print(f"{path.name}: {package_id} {outline.title!r}")
        except (PackageError, zipfile.BadZipFile) as exc:
            failed += 1
            print(f"{path.name}: skipped ({exc})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
'''),
}


def _scorm(c, safe, hn=False):
    app = c.pick("campus", "learnhub", "academy", "skillpath", "coursebox")
    shape = "defaults" if hn else c.pick("dataclass", "dict", "factory")
    extra_v = c.pick("", "load_dtd=True, ", "no_network=False, ")
    vflag = "True" if not safe else "False"
    if shape == "dataclass":
        settings = dedent(f'''
            @dataclass(frozen=True)
            class ParserSettings:
                """lxml options for manifests, shared by the web upload and the bulk import."""
                remove_blank_text: bool = True
                resolve_entities: bool = {vflag}  #@V
                no_network: bool = True
                huge_tree: bool = False


            SETTINGS = ParserSettings()
        ''')
        parser = ("    parser = etree.XMLParser(remove_blank_text=SETTINGS.remove_blank_text,  #@V\n"
                  "                             resolve_entities=SETTINGS.resolve_entities,\n"
                  "                             no_network=SETTINGS.no_network, huge_tree=SETTINGS.huge_tree)")
    elif shape == "dict":
        dtd = '    "load_dtd": True,  #@V\n' if (extra_v == "load_dtd=True, " and not safe) else ""
        settings = ("# lxml options for manifests, shared by the web upload and the bulk import\n"
                    "MANIFEST_PARSER_OPTIONS = {\n"
                    "    \"remove_blank_text\": True,\n"
                    f"    \"resolve_entities\": {vflag},  #@V\n" + dtd +
                    "    \"no_network\": True,\n"
                    "}")
        parser = "    parser = etree.XMLParser(**MANIFEST_PARSER_OPTIONS)  #@V"
    elif shape == "factory":
        extra = "" if safe else extra_v
        settings = dedent(f'''
            def manifest_parser() -> etree.XMLParser:
                """A fresh parser per document (lxml parsers are not shared between threads)."""
                return etree.XMLParser({extra}resolve_entities={vflag}, remove_blank_text=True)  #@V
        ''')
        parser = "    parser = manifest_parser()"
    else:
        settings = ""
        parser = "    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)"
    entry = c.pick("flask", "cli")
    imp, body = _SCORM_ENTRY[entry]
    std = ["import io", "import logging", "import uuid", "import zipfile"]
    if entry == "cli":
        std = sorted(std + ["import argparse", "import sys"])
    code = sub(_SCORM, SETTINGS=settings, PARSER=parser, STDIMP="\n".join(std), THIRDIMP=dedent(imp).strip("\n"),
               ENTRY=dedent(body).strip("\n"), kb=c.pick(512, 1024, 2048),
               pkgdir=c.pick("/srv/lms/packages", "/var/lib/lms/scorm", "/data/content/packages"),
               App=app.capitalize(), app=app)
    return _fin(code, safe), entry


@fam("mod10-scorm-manifest-parser-settings-entities", "CWE-611", fws=["flask", "cli"], n=8, wrap=False)
def mod10_scorm_entities(c):
    (v, fw), (s, _) = _replayed(c, _scorm)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the manifest of an uploaded SCORM/IMS package is parsed with lxml options kept in one place "
                      "(a settings dataclass, an options dict or a parser factory) that turn resolve_entities on "
                      "(with load_dtd or network access in some renderings): a manifest declaring <!ENTITY x SYSTEM "
                      "'file:///etc/passwd'> gets the file into the course title the API returns. The fix sets "
                      "resolve_entities to False (and drops the DTD/network options)")


@hardneg(2)
def mod10_scorm_entities_hn(c):
    s, fw = _scorm(c, True, hn=True)
    return Spec(s=s, full=True, fw=fw,
                notes="the manifest parser is built inline with resolve_entities=False and no_network=True")


# ---------------- CWE-22: invoice batch job that joins tar member names under its work directory ----------------

_INV = r'''
"""Ingestion of supplier invoice batches for $App.

Suppliers drop ``.tar.gz`` batches (PDF invoices and one UBL XML per invoice) into their SFTP inbox.
This job unpacks each batch into a work directory, hands the files to the booking step and moves the
batch to the archive; a failed batch goes to the rejected folder and the reason is logged."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .booking import book_invoice

log = logging.getLogger("$app.invoice_ingest")

INBOX = Path(os.environ.get("INVOICE_INBOX", "/srv/sftp/invoices/inbox"))
WORK_ROOT = Path(os.environ.get("INVOICE_WORK", "/var/lib/invoice-ingest/work"))
ARCHIVE = Path(os.environ.get("INVOICE_ARCHIVE", "/var/lib/invoice-ingest/archive"))
REJECTED = Path(os.environ.get("INVOICE_REJECTED", "/var/lib/invoice-ingest/rejected"))
ACCEPTED = $accepted
MAX_MEMBERS = $maxm
MAX_MEMBER_BYTES = $mb * 1024 * 1024


@dataclass
class Batch:
    name: str
    workdir: Path
    files: list[Path] = field(default_factory=list)


def unpack(archive: Path) -> Batch:
    """Write the invoice files of one batch into its own work directory."""
    batch = Batch(archive.name.split(".")[0], WORK_ROOT / archive.name.split(".")[0])
    batch.workdir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        if len(members) > MAX_MEMBERS:
            raise ValueError(f"{len(members)} members, at most {MAX_MEMBERS} allowed")
        for member in members:
            if not member.isfile() or not member.name.lower().endswith(ACCEPTED):
                continue
            if member.size > MAX_MEMBER_BYTES:
                log.warning("skipping a member of %d bytes in %r", member.size, archive.name)
                continue
$DEST
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with tar.extractfile(member) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
            batch.files.append(Path(dest))
    return batch


$EXTRA


def run_once() -> int:
    """Process every complete batch in the inbox; the number booked."""
    booked = 0
    for archive in sorted(INBOX.glob("*.tar.gz")):
        try:
            batch = unpack(archive)
            for path in batch.files:
                if path.suffix.lower() == ".xml":
                    book_invoice(path, batch=batch.name)
                    booked += 1
        except (tarfile.TarError, ValueError) as exc:
            log.error("batch %r rejected: %s", archive.name, exc)
            REJECTED.mkdir(parents=True, exist_ok=True)
            shutil.move(str(archive), REJECTED / archive.name)
            continue
        ARCHIVE.mkdir(parents=True, exist_ok=True)
        shutil.move(str(archive), ARCHIVE / archive.name)
    return booked
'''

_INV_EXTRA = [r'''
def file_digest(path: Path) -> str:
    """SHA-256 of a stored invoice file, recorded with the booking for audits."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()
''', r'''
def pending_batches() -> list[str]:
    """Names of the batches waiting in the inbox, for the status page."""
    return sorted(p.name for p in INBOX.glob("*.tar.gz"))
''', r'''
def disk_usage() -> dict[str, int]:
    """Bytes used by the work and archive folders, for the monitoring probe."""
    usage = {}
    for label, root in (("work", WORK_ROOT), ("archive", ARCHIVE)):
        usage[label] = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0
    return usage
''']


def _invoice(c, safe):
    app = c.pick("ledgerline", "payables", "procure", "acme-erp", "finops")
    how = c.pick("join", "path", "fstring")
    fix = c.pick("basename", "resolve")
    if not safe:
        dest = {
            "join": "            dest = os.path.join(batch.workdir, member.name)  #@V",
            "path": "            dest = str(batch.workdir / member.name)  #@V",
            "fstring": "            dest = f\"{batch.workdir}/{member.name}\"  #@V",
        }[how]
    elif fix == "basename":
        dest = ("            # member paths are not trusted: keep the file name only, flat in the work directory\n"
                "            dest = os.path.join(batch.workdir, os.path.basename(member.name))")
    else:
        dest = ("            dest = os.path.realpath(os.path.join(batch.workdir, member.name))\n"
                "            if os.path.commonpath([dest, os.path.realpath(batch.workdir)]) != os.path.realpath(batch.workdir):\n"
                "                raise ValueError(\"member path leaves the work directory\")")
    code = sub(_INV, DEST=dest, EXTRA=_opt(c, *_INV_EXTRA, least=1, most=2),
               accepted=c.pick('(".pdf", ".xml")', '(".xml", ".pdf", ".png")'), maxm=c.pick(200, 500, 1000),
               mb=c.pick(10, 20, 40), App=app.capitalize(), app=app.replace("-", "_"))
    if "hashlib.sha256" not in code:
        code = code.replace("import hashlib\n", "")
    return _fin(code, safe)


@fam("mod10-invoice-batch-tar-member-join", "CWE-22", fws=["pipeline"], n=8, wrap=False)
def mod10_invoice_tar_join(c):
    v, s = _replayed(c, _invoice)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the batch job opens a supplier's tar.gz and writes each accepted member itself (extractfile + "
                      "open), joining member.name under the batch work directory: a member named "
                      "'../../../etc/cron.d/x.xml' or '/srv/app/config.xml' (absolute names replace the base in "
                      "os.path.join) is written outside it. The fix keeps only the base name, or resolves the "
                      "destination and refuses one that leaves the work directory")


# ---------------- CWE-22: backup restore that writes each manifest path under the data root ----------------

_BAK = r'''
"""Restore tool for $App backups.

A backup is a tar.gz with manifest.json ({"files": [{"path", "sha256", "mode"}]}) and the file
contents stored as blobs/<sha256>. Backups are uploaded by tenants from their own installs, so each
blob is checked against its digest before it replaces the live copy under the data root."""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import re
import sys
import tarfile
from pathlib import Path

log = logging.getLogger("$app.restore")

HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_FILES = $maxf


class RestoreError(Exception):
    """The backup cannot be restored as it is."""


def load_manifest(tar: tarfile.TarFile) -> list[dict]:
    member = tar.extractfile("manifest.json")
    if member is None:
        raise RestoreError("manifest.json is missing")
    files = json.load(member).get("files", [])
    if len(files) > MAX_FILES:
        raise RestoreError(f"{len(files)} files, at most {MAX_FILES}")
    return files


def read_blob(tar: tarfile.TarFile, digest: str) -> bytes:
    """One blob, checked against the digest the manifest gives for it."""
    if not HEX64.fullmatch(digest):
        raise RestoreError("bad digest in the manifest")
    blob = tar.extractfile(f"blobs/{digest}")
    if blob is None:
        raise RestoreError(f"blob {digest[:12]} missing")
    data = blob.read()
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), digest):
        raise RestoreError(f"blob {digest[:12]} is corrupt")
    return data


def restore(archive: Path, data_root: Path, dry_run: bool = False) -> int:
    """Write every file of the backup under data_root; the number written."""
    written = 0
    with tarfile.open(archive, "r:gz") as tar:
        for entry in load_manifest(tar):
$DEST
            data = read_blob(tar, entry["sha256"])
            if dry_run:
                log.info("would restore %d bytes", len(data))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
$WRITE
            written += 1
    return written


$EXTRA


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Restore a $App backup")
    ap.add_argument("archive", type=Path)
    ap.add_argument("--data-root", type=Path, default=Path("$root"))
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    try:
        count = restore(args.archive, args.data_root, args.dry_run)
    except (RestoreError, tarfile.TarError) as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restored {count} files into {args.data_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_BAK_EXTRA = [r'''
def list_backup(archive: Path) -> list[str]:
    """The paths a backup holds, for --list and the support desk."""
    with tarfile.open(archive, "r:gz") as tar:
        return [str(e.get("path", "")) for e in load_manifest(tar)]
''', r'''
def backup_size(archive: Path) -> int:
    """Uncompressed size of the blobs, checked against the tenant's quota before a restore."""
    with tarfile.open(archive, "r:gz") as tar:
        return sum(m.size for m in tar.getmembers() if m.name.startswith("blobs/"))
''', r'''
def verify(archive: Path) -> list[str]:
    """Digests of the blobs that are missing or corrupt; an empty list for a sound backup."""
    bad = []
    with tarfile.open(archive, "r:gz") as tar:
        for entry in load_manifest(tar):
            try:
                read_blob(tar, entry["sha256"])
            except RestoreError:
                bad.append(str(entry.get("sha256", ""))[:12])
    return bad
''']


def _backup(c, safe, hn=False):
    app = c.pick("wikibase", "crm", "helpdesk", "notebook", "formsapp")
    how = c.pick("div", "joinpath", "str")
    fix = "commonpath" if hn else c.pick("relative", "parents")
    if not safe:
        dest = {
            "div": "            target = data_root / entry[\"path\"]  #@V",
            "joinpath": "            target = Path(os.path.join(data_root, entry[\"path\"]))  #@V",
            "str": "            target = Path(f\"{data_root}/{entry['path']}\")  #@V",
        }[how]
    elif fix == "relative":
        dest = ("            target = (data_root / entry[\"path\"]).resolve()\n"
                "            if not target.is_relative_to(data_root.resolve()):\n"
                "                raise RestoreError(\"manifest path leaves the data root\")")
    elif fix == "parents":
        dest = ("            target = (data_root / entry[\"path\"]).resolve()\n"
                "            if data_root.resolve() not in target.parents:\n"
                "                raise RestoreError(\"manifest path leaves the data root\")")
    else:
        dest = ("            root = os.path.realpath(data_root)\n"
                "            target = Path(os.path.realpath(os.path.join(root, entry[\"path\"])))\n"
                "            if os.path.commonpath([root, str(target)]) != root:\n"
                "                raise RestoreError(\"manifest path leaves the data root\")")
    write = c.pick("            target.write_bytes(data)",
                   "            with open(target, \"wb\") as fh:\n                fh.write(data)")
    code = sub(_BAK, DEST=dest, WRITE=write, EXTRA=_opt(c, *_BAK_EXTRA, least=1, most=2), maxf=c.pick(20000, 50000),
               root=c.pick("/var/lib/app/data", "/srv/app/files", "/opt/app/storage"),
               App=app.capitalize(), app=app)
    if "os.path" in code:
        code = code.replace("import logging\n", "import logging\nimport os\n")
    return _fin(code, safe)


@fam("mod10-backup-restore-manifest-path", "CWE-22", fws=["cli"], n=8, wrap=False)
def mod10_backup_manifest_path(c):
    v, s = _replayed(c, _backup)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the restore tool checks every blob against its digest, but writes it to the path the backup's "
                      "own manifest.json names, joined under the data root: a tenant-made backup listing "
                      "'../../home/app/.ssh/authorized_keys' or an absolute path (which replaces the root in the "
                      "pathlib join) writes outside it. The fix resolves the target and refuses one outside the root")


@hardneg(2)
def mod10_backup_manifest_path_hn(c):
    return Spec(s=_backup(c, True, hn=True), full=True, fw="cli",
                notes="manifest paths are resolved and checked with os.path.commonpath against the data root")


# ---------------- CWE-377: firmware agent that stages the image under a predictable /tmp name ----------------

_FW = r'''
"""Firmware update agent for $Vendor gateways.

Polls the vendor's release feed, downloads a newer image, checks it against the SHA-256 the feed
lists, and hands it to the flashing tool. Runs as root from a systemd timer."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

log = logging.getLogger("$vendor.fwupdate")

FEED_URL = os.environ.get("FW_FEED_URL", "https://updates.$vendor.example.com/v1/releases.json")
FLASH_TOOL = "/usr/sbin/$vendor-flash"
CHUNK = 1 << 16
$CONST

@dataclass
class Release:
    model: str
    version: str
    url: str
    sha256: str


def latest_release(model: str) -> Release | None:
    """The newest release the feed lists for this model."""
    resp = requests.get(FEED_URL, params={"model": model}, timeout=$timeout)
    resp.raise_for_status()
    items = resp.json().get("releases", [])
    if not items:
        return None
    top = max(items, key=lambda r: tuple(int(p) for p in r["version"].split(".")))
    return Release(model, top["version"], top["url"], top["sha256"].lower())


def download(release: Release) -> Path:
    """Stream the image to a staging file and check its digest."""
    digest = hashlib.sha256()
$OPEN
        with requests.get(release.url, stream=True, timeout=$timeout) as resp:
            resp.raise_for_status()
            for chunk in resp.iter_content(CHUNK):
                fh.write(chunk)
                digest.update(chunk)
    if not hmac.compare_digest(digest.hexdigest(), release.sha256):
        os.unlink(path)
        raise ValueError(f"digest mismatch for {release.model} {release.version}")
    return path


def flash(image: Path, device: str) -> None:
    subprocess.run([FLASH_TOOL, "--device", device, "--image", str(image), "--verify"],
                   check=True, timeout=$flash_to)


$EXTRA


def update(model: str, device: str, current: str) -> bool:
    """Download and flash a newer release; True when the gateway was updated."""
    release = latest_release(model)
    if release is None or release.version == current:
        log.info("%s is up to date (%s)", model, current)
        return False
    image = download(release)
    try:
        flash(image, device)
    finally:
        os.unlink(image)
    log.info("%s updated %s -> %s", model, current, release.version)
    return True
'''

_FW_EXTRA = [r'''
def installed_version(path: str = "/etc/$vendor/firmware-version") -> str:
    """The running firmware's version string, or 0.0.0 before the first update."""
    try:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    except FileNotFoundError:
        return "0.0.0"
''', r'''
def wait_for_device(device: str, attempts: int = 10) -> bool:
    """True once the flashing tool sees the device (it re-enumerates after a reboot)."""
    for _ in range(attempts):
        probe = subprocess.run([FLASH_TOOL, "--device", device, "--probe"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return True
    return False
''']


def _firmware(c, safe, hn=False):
    vendor = c.pick("meshlink", "gridbox", "aeroport", "tessel", "lumen")
    how = c.pick("path", "gettempdir", "fstring", "const")
    const = ""
    if safe and hn:
        open_ = ("    staging = tempfile.mkdtemp(prefix=\"fw-\")\n"
                 "    path = Path(staging) / f\"{release.model}-{release.version}.bin\"\n"
                 "    with open(path, \"xb\") as fh:")
    elif safe:
        open_ = ("    fd, name = tempfile.mkstemp(prefix=f\"fw-{release.model}-\", suffix=\".bin\")\n"
                 "    path = Path(name)\n"
                 "    with os.fdopen(fd, \"wb\") as fh:")
    elif how == "path":
        open_ = ("    path = Path(\"/tmp\") / f\"fw-{release.model}-{release.version}.bin\"  #@V\n"
                 "    with open(path, \"wb\") as fh:")
    elif how == "gettempdir":
        open_ = ("    path = Path(tempfile.gettempdir(), f\"{release.model}_{release.version}.img\")  #@V\n"
                 "    with open(path, \"wb\") as fh:")
    elif how == "fstring":
        open_ = ("    path = Path(f\"/tmp/{release.model}-firmware.bin\")  #@V\n"
                 "    with path.open(\"wb\") as fh:")
    else:
        const = "STAGING_DIR = \"/tmp/fwupdate\"  #@V\n"
        open_ = ("    os.makedirs(STAGING_DIR, exist_ok=True)\n"
                 "    path = Path(STAGING_DIR, f\"{release.model}-{release.version}.bin\")  #@V\n"
                 "    with open(path, \"wb\") as fh:")
    code = sub(_FW, CONST=const, OPEN=open_, EXTRA=_opt(c, *_FW_EXTRA, least=0, most=2),
               timeout=c.pick(20, 30, 60), flash_to=c.pick(600, 900, 1200),
               Vendor=vendor.capitalize(), vendor=vendor)
    return _fin(code, safe)


@fam("mod10-firmware-agent-predictable-tmp-image", "CWE-377", fws=["script"], n=8, wrap=False)
def mod10_firmware_tmp(c):
    v, s = _replayed(c, _firmware)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the root-run update agent stages the downloaded image at a name anyone can predict in the "
                      "shared /tmp (model and version are public): a local user pre-creates it as a symlink, so "
                      "root's open(..., 'wb') truncates the file it points to, or swaps the checked image before "
                      "the flashing tool reads it. The fix creates the staging file with tempfile.mkstemp (random "
                      "name, O_EXCL, mode 0600) and writes through its descriptor")


@hardneg(2)
def mod10_firmware_tmp_hn(c):
    return Spec(s=_firmware(c, True, hn=True), full=True, fw="script",
                notes="the image is staged in a private directory from tempfile.mkdtemp (mode 0700), opened with 'xb'")
