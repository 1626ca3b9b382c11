"""Train-only families (written after the splits were fixed, without reading the held-out
families): more sinks, libraries and code shapes for path traversal (22), unrestricted upload
(434), insecure temporary files (377), permissions (732/276), unsafe deserialization (502),
XML external entities (611) and resource consumption / ReDoS (400/1333)."""
from core import Spec, dedent
from registry import fam, hardneg, TAINT_FWS, WEB_FWS


# ---------------- CWE-22 path traversal ----------------


@fam("pt-shutil-copy-template", "CWE-22", keys=["template", "preset", "source_name"], n=8)
def pt_shutil_copy(c):
    x = c.x
    fn = c.pick("shutil.copy", "shutil.copyfile", "shutil.copy2")
    ws = c.pick("WORKSPACE", "SCRATCH_DIR", "PROJECT_DIR")
    guard = c.pick("if os.path.commonpath([src, TEMPLATES]) != TEMPLATES:",
                   "if not src.startswith(TEMPLATES + os.sep):")
    v = f"""
        src = os.path.join(TEMPLATES, {x})  #@V
        dest = os.path.join({ws}, uuid.uuid4().hex + os.path.splitext({x})[1])
        {fn}(src, dest)  #@V
        result = os.path.basename(dest)
    """
    s = f"""
        src = os.path.realpath(os.path.join(TEMPLATES, {x}))
        {guard}
            raise PermissionError("template outside the template directory")
        dest = os.path.join({ws}, uuid.uuid4().hex + os.path.splitext({x})[1])
        {fn}(src, dest)
        result = os.path.basename(dest)
    """
    helpers = f'TEMPLATES = os.path.realpath("/srv/{c.word}/templates")\n{ws} = "/srv/{c.word}/workspaces"'
    return Spec(v=v, s=s, imports="import os\nimport shutil\nimport uuid", helpers=helpers,
                notes="a template name like ../../../etc/shadow copies any file the service can read into the caller's workspace")


@hardneg(4)
def pt_shutil_copy_hn(c):
    s = f"""
        name = os.path.basename({c.x})
        if name not in os.listdir(TEMPLATES):
            raise FileNotFoundError(name)
        dest = os.path.join(WORKSPACE, uuid.uuid4().hex + os.path.splitext(name)[1])
        shutil.copy(os.path.join(TEMPLATES, name), dest)
        with open(dest, "a", encoding="utf-8") as fh:
            fh.write("\\n# copied from template " + name + "\\n")
        result = os.path.basename(dest)
    """
    return Spec(s=s, imports="import os\nimport shutil\nimport uuid",
                helpers=f'TEMPLATES = "/srv/{c.word}/templates"\nWORKSPACE = "/srv/{c.word}/workspaces"',
                notes="the copied name must be an existing entry of the template directory")


@fam("pt-rename-publish", "CWE-22", keys=["new_name", "filename", "target_name"], n=8)
def pt_rename(c):
    x = c.x
    fn = c.pick("os.rename", "os.replace", "shutil.move")
    draft = c.pick("current.md", "draft.html", "pending.txt")
    ext = draft.rsplit(".", 1)[1]
    v = f"""
        draft = os.path.join(DRAFTS, "{draft}")
        published = os.path.join(PUBLISHED, {x})  #@V
        {fn}(draft, published)  #@V
        result = {{"published": os.path.basename(published)}}
    """
    s = f"""
        draft = os.path.join(DRAFTS, "{draft}")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{{0,63}}\\.{ext}", {x}):
            raise ValueError("invalid file name")
        published = os.path.join(PUBLISHED, {x})
        {fn}(draft, published)
        result = {{"published": os.path.basename(published)}}
    """
    imps = "import os" + ("\nimport shutil" if fn == "shutil.move" else "")
    return Spec(v=v, s=s, imports=imps, simports="import re",
                helpers=f'DRAFTS = "/srv/{c.word}/drafts"\nPUBLISHED = "/srv/{c.word}/published"',
                notes="a new name with ../ or an absolute path moves the draft over any file the service can write")


@hardneg(4)
def pt_rename_hn(c):
    s = f"""
        draft = os.path.join(DRAFTS, "current.md")
        slug = secrets.token_hex(8) + ".md"
        os.replace(draft, os.path.join(PUBLISHED, slug))
        with open(os.path.join(PUBLISHED, "titles.tsv"), "a", encoding="utf-8") as fh:
            fh.write(slug + "\\t" + " ".join({c.x}.split()) + "\\n")
        result = {{"published": slug}}
    """
    return Spec(s=s, imports="import os\nimport secrets",
                helpers=f'DRAFTS = "/srv/{c.word}/drafts"\nPUBLISHED = "/srv/{c.word}/published"',
                notes="the file name is generated; the user's title is only stored as text")


@fam("pt-joinpath-write", "CWE-22", keys=["title", "note_name", "slug"], n=8)
def pt_joinpath(c):
    x = c.x
    mode = c.pick("w", "x", "a")
    name = c.fmt("{}.md", x)
    v = f"""
        note = NOTES.joinpath({name})  #@V
        with note.open("{mode}", encoding="utf-8") as fh:  #@V
            fh.write("# " + {x} + "\\n\\n")
        result = note.name
    """
    s = f"""
        note = NOTES.joinpath({name}).resolve()
        if note.parent != NOTES:
            raise ValueError("invalid note name")
        with note.open("{mode}", encoding="utf-8") as fh:
            fh.write("# " + {x} + "\\n\\n")
        result = note.name
    """
    return Spec(v=v, s=s, imports="from pathlib import Path", helpers=f'NOTES = Path("/srv/{c.word}/notes").resolve()',
                notes="joinpath() discards NOTES for an absolute name and keeps ../ segments, so the note is written anywhere")


@hardneg(4)
def pt_joinpath_hn(c):
    s = f"""
        name = Path({c.x}).name
        if not name or name.startswith("."):
            raise ValueError("invalid note name")
        note = NOTES.joinpath(name + ".md")
        with note.open("w", encoding="utf-8") as fh:
            fh.write("# " + name + "\\n\\n")
        result = note.name
    """
    return Spec(s=s, imports="from pathlib import Path", helpers=f'NOTES = Path("/srv/{c.word}/notes")',
                notes="Path(name).name keeps only the final component")


# ---------------- CWE-434 unrestricted upload ----------------


def _fss_module(c, safe: bool, hn: bool = False) -> str:
    w = c.word
    field = c.pick("file", "attachment", "document", "upload")
    store = c.pick("fss", "default")
    cbv = c.pick(True, False)
    allowed = c.pick('{".pdf", ".png", ".jpg"}', '{".csv", ".xlsx"}', '{".png", ".jpg", ".jpeg", ".webp"}')
    st = "storage" if store == "fss" else "default_storage"
    prefix = "" if store == "fss" else f'"{w}s/" + '
    if hn:
        check = [
            "try:",
            f"    FileExtensionValidator(allowed_extensions={sorted(e.strip('.') for e in eval(allowed))!r})(upload)",
            "except ValidationError as exc:",
            '    return JsonResponse({"error": exc.messages}, status=415)',
            f"name = {st}.save({prefix}get_valid_filename(os.path.basename(upload.name)), upload)",
        ]
    elif safe:
        check = [
            "ext = os.path.splitext(upload.name)[1].lower()",
            "if ext not in ALLOWED_EXTENSIONS:",
            '    return JsonResponse({"error": "unsupported file type"}, status=415)',
            f"name = {st}.save({prefix}uuid.uuid4().hex + ext, upload)",
        ]
    else:
        check = [f"name = {st}.save({prefix}upload.name, upload)  #@V"]
    body = [f'upload = request.FILES["{field}"]'] + check + [f'return JsonResponse({{"url": {st}.url(name)}})']
    ind = " " * (8 if cbv else 4)
    body_s = "\n".join(ind + l for l in body)
    imps = ["import os"] + (["import uuid"] if safe and not hn else []) + [""]
    if store == "fss":
        imps.append("from django.conf import settings")
    if hn:
        imps.append("from django.core.exceptions import ValidationError")
    imps.append("from django.core.files.storage import " + ("FileSystemStorage" if store == "fss" else "default_storage"))
    if hn:
        imps.append("from django.core.validators import FileExtensionValidator")
    imps.append("from django.http import JsonResponse")
    if hn:
        imps.append("from django.utils.text import get_valid_filename")
    imps.append("from django.views import View" if cbv else "from django.views.decorators.http import require_POST")
    consts = []
    if store == "fss":
        consts.append(f'storage = FileSystemStorage(location=os.path.join(settings.MEDIA_ROOT, "{w}s"), '
                      f'base_url=settings.MEDIA_URL + "{w}s/")')
    if safe and not hn:
        consts.append(f"ALLOWED_EXTENSIONS = {allowed}")
    head = (f"class {w.capitalize()}UploadView(View):\n    def post(self, request):" if cbv
            else f"@require_POST\ndef upload_{w}(request):")
    parts = ["\n".join(imps)]
    if consts:
        parts.append("\n".join(consts))
    parts.append(head + "\n" + body_s)
    return "\n\n\n".join(parts) + "\n"


@fam("upload-django-filesystemstorage", "CWE-434", fws=["django"], n=8, wrap=False)
def up_fss(c):
    state = c.rng.getstate()
    v = _fss_module(c, False)
    c.rng.setstate(state)
    s = _fss_module(c, True)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="Storage.save() keeps the client's name and extension: .html/.svg/.php land under MEDIA_URL and are served")


@hardneg(4)
def up_fss_hn(c):
    return Spec(s=_fss_module(c, True, hn=True), full=True, fw="django",
                notes="FileExtensionValidator restricts the type before Storage.save()")


B64_BODY = {"flask": 'request.get_json(force=True)["{f}"]', "django": 'json.loads(request.body)["{f}"]',
            "aiohttp": '(await request.json())["{f}"]'}


@fam("upload-json-base64-file", "CWE-434", fws=["flask", "django", "aiohttp"], keys=["filename", "file_name"], n=8, wrap=False)
def up_b64(c):
    c.src = "json"  # the file arrives base64-encoded in a JSON body, next to its name
    x = c.x
    body = B64_BODY[c.fw].format(f=c.pick("content", "data_b64", "file_base64"))
    allowed = c.pick('{".pdf", ".png", ".jpg", ".txt"}', '{".csv", ".json"}', '{".png", ".jpeg", ".jpg"}')
    v = f"""
        blob = base64.b64decode({body}, validate=True)
        if len(blob) > MAX_BYTES:
            raise ValueError("attachment too large")
        dest = os.path.join(ATTACHMENTS, os.path.basename({x}))  #@V
        with open(dest, "wb") as fh:  #@V
            fh.write(blob)
        result = PUBLIC_URL + os.path.basename(dest)
    """
    s = f"""
        blob = base64.b64decode({body}, validate=True)
        if len(blob) > MAX_BYTES:
            raise ValueError("attachment too large")
        ext = os.path.splitext({x})[1].lower()
        if ext not in {allowed}:
            raise ValueError("file type not allowed")
        dest = os.path.join(ATTACHMENTS, secrets.token_hex(16) + ext)
        with open(dest, "wb") as fh:
            fh.write(blob)
        result = PUBLIC_URL + os.path.basename(dest)
    """
    helpers = (f'ATTACHMENTS = "/var/www/{c.word}/public/attachments"\nPUBLIC_URL = "/attachments/"\n'
               f'MAX_BYTES = {c.pick("5 * 1024 * 1024", "10_000_000", "2 ** 22")}')
    return Spec(v=v, s=s, imports="import base64\nimport os" + ("\nimport json" if c.fw == "django" else ""),
                simports="import secrets", helpers=helpers,
                notes="size is checked but not the type: evil.html or shell.php is written under the public web root")


@hardneg(4)
def up_b64_hn(c):
    c.src = "json"
    body = B64_BODY[c.fw].format(f="content")
    s = f"""
        blob = base64.b64decode({body}, validate=True)
        ticket = uuid.uuid4().hex
        with open(os.path.join(QUARANTINE, ticket + ".bin"), "wb") as fh:
            fh.write(blob)
        result = {{"ticket": ticket, "name": os.path.basename({c.x})[:100]}}
    """
    return Spec(s=s, imports="import base64\nimport os\nimport uuid" + ("\nimport json" if c.fw == "django" else ""),
                helpers=f'QUARANTINE = "/var/lib/{c.word}/quarantine"',
                notes="stored outside any served directory under a generated .bin name for later scanning")


def _pil_module(c, safe: bool) -> str:
    w = c.word
    field = c.pick("avatar", "photo", "image")
    folder = c.pick("avatars", "photos", "thumbs")
    formats = c.pick('{"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif"}', '{"PNG": ".png", "JPEG": ".jpg"}',
                     '{"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}')
    if c.fw == "flask":
        if safe:
            imps = "import os\nimport uuid\n\nfrom flask import Flask, abort, request\nfrom PIL import Image"
            const = f"\nEXTENSIONS = {formats}"
            save = ["    ext = EXTENSIONS.get(img.format)", "    if ext is None:", "        abort(415)",
                    f'    name = "%d-%s%s" % ({w}_id, uuid.uuid4().hex, ext)', "    f.save(os.path.join(TARGET_DIR, name))"]
        else:
            imps = "import os\n\nfrom flask import Flask, abort, request\nfrom PIL import Image\nfrom werkzeug.utils import secure_filename"
            const = ""
            save = ["    name = secure_filename(f.filename)  #@V", "    f.save(os.path.join(TARGET_DIR, name))  #@V"]
        save_s = "\n".join(save)
        return f"""{imps}

app = Flask(__name__, static_folder="static")
TARGET_DIR = os.path.join(app.static_folder, "{folder}"){const}


@app.post("/{w}s/<int:{w}_id>/{field}")
def upload_{field}({w}_id):
    f = request.files["{field}"]
    try:
        img = Image.open(f.stream)
        img.verify()
    except Exception:
        abort(400, "not an image")
    f.stream.seek(0)
{save_s}
    return {{"url": "/static/{folder}/" + name}}
"""
    if safe:
        imps = "import uuid"
        const = f"\n\n\nEXTENSIONS = {formats}"
        save = ["    ext = EXTENSIONS.get(img.format)", "    if ext is None:",
                '        return HttpResponseBadRequest("unsupported image type")',
                f'    name = default_storage.save("{folder}/%d-%s%s" % ({w}_id, uuid.uuid4().hex, ext), f)']
    else:
        imps = "import os"
        const = ""
        save = [f'    name = default_storage.save("{folder}/" + os.path.basename(f.name), f)  #@V']
    save_s = "\n".join(save)
    return f"""{imps}

from django.core.files.storage import default_storage
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image{const}


@require_POST
def upload_{field}(request, {w}_id):
    f = request.FILES["{field}"]
    try:
        img = Image.open(f)
        img.verify()
    except Exception:
        return HttpResponseBadRequest("not an image")
    f.seek(0)
{save_s}
    return JsonResponse({{"url": default_storage.url(name)}})
"""


@fam("upload-pil-verify-name", "CWE-434", fws=["flask", "django"], n=8, wrap=False)
def up_pil(c):
    state = c.rng.getstate()
    v = _pil_module(c, False)
    c.rng.setstate(state)
    s = _pil_module(c, True)
    return Spec(v=v, s=s, full=True,
                notes="verify() proves the bytes are an image, but the client's name and extension are kept: "
                      "a GIF/PNG polyglot named x.php or x.html passes and is served")


# ---------------- CWE-377 insecure temporary file ----------------


@fam("tmp-shared-cache-dir", "CWE-377", fws=["script", "cli", "pipeline", "flask"], keys=["dataset", "report_id", "region"], n=8)
def tmp_cache_dir(c):
    x, w = c.x, c.word
    h = c.pick("sha256", "blake2b", "sha3_256")
    dname = c.pick(f"{w}-cache", f"{w}_cache", f".{w}-cache")
    rest = f"""
        entry = cache_dir / (hashlib.{h}({x}.encode()).hexdigest() + ".json")
        if entry.exists():
            result = json.loads(entry.read_text())
        else:
            result = build_{w}({x})
            entry.write_text(json.dumps(result))
    """
    v = f"""
        cache_dir = Path("/tmp/{dname}")  #@V
        cache_dir.mkdir(exist_ok=True)  #@V
    """
    s = f"""
        cache_dir = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "{dname.lstrip('.')}"
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    """
    helpers = f"""
def build_{w}(key):
    # stands for an expensive aggregation over the warehouse
    return {{"key": key, "rows": [], "generated_by": "{w}-service"}}
"""
    v, s = dedent(v).rstrip() + "\n" + dedent(rest), dedent(s).rstrip() + "\n" + dedent(rest)
    return Spec(v=v, s=s, imports="import hashlib\nimport json\nfrom pathlib import Path", simports="import os", helpers=helpers,
                notes="a fixed directory in world-writable /tmp is reused if it exists: another local user can create it "
                      "first, read the cached results or plant symlinks that redirect the writes")


@hardneg(4)
def tmp_cache_dir_hn(c):
    s = f"""
        with tempfile.TemporaryDirectory(prefix="{c.word}-") as tmpdir:
            export = Path(tmpdir) / "export.json"
            export.write_text(json.dumps({{"key": {c.x}}}))
            result = export.stat().st_size
    """
    return Spec(s=s, imports="import json\nimport tempfile\nfrom pathlib import Path",
                notes="TemporaryDirectory creates a fresh private directory; a fixed name inside it is fine")


@fam("tmp-download-predictable", "CWE-377", fws=["script", "cli", "pipeline"], keys=["release", "channel"], n=8)
def tmp_download(c):
    x, w = c.x, c.word
    lib = c.pick("urllib", "requests")
    path = c.fmt("/tmp/{}", "fname")
    if lib == "urllib":
        v = f"""
            url = RELEASES[{x}]
            fname = os.path.basename(urlparse(url).path)
            local = {path}  #@V
            urllib.request.urlretrieve(url, local)  #@V
            result = checksum(local)
        """
        s = f"""
            url = RELEASES[{x}]
            fname = os.path.basename(urlparse(url).path)
            fd, local = tempfile.mkstemp(suffix="-" + fname)
            os.close(fd)
            urllib.request.urlretrieve(url, local)
            result = checksum(local)
        """
        imps = "import os\nimport urllib.request\nfrom urllib.parse import urlparse"
    else:
        v = f"""
            url = RELEASES[{x}]
            resp = requests.get(url, timeout=60)
            resp.raise_for_status()
            fname = os.path.basename(urlparse(url).path)
            local = {path}  #@V
            with open(local, "wb") as fh:  #@V
                fh.write(resp.content)
            result = checksum(local)
        """
        s = f"""
            url = RELEASES[{x}]
            resp = requests.get(url, timeout=60)
            resp.raise_for_status()
            fname = os.path.basename(urlparse(url).path)
            with tempfile.NamedTemporaryFile(suffix="-" + fname, delete=False) as fh:
                fh.write(resp.content)
                local = fh.name
            result = checksum(local)
        """
        imps = "import os\nimport requests\nfrom urllib.parse import urlparse"
    helpers = f"""
RELEASES = {{
    "stable": "https://downloads.example.com/{w}/{w}-2.4.1.tar.gz",
    "beta": "https://downloads.example.com/{w}/{w}-2.5.0rc1.tar.gz",
}}


def checksum(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()
"""
    return Spec(v=v, s=s, imports="import hashlib\n" + imps, simports="import tempfile", helpers=helpers,
                notes="the download goes to a predictable /tmp name: a local user can pre-create it as a symlink "
                      "(the write clobbers the target) or swap the file between download and use")


@hardneg(4)
def tmp_download_hn(c):
    s = f"""
        url = RELEASES[{c.x}]
        with tempfile.TemporaryDirectory(prefix="fetch-") as tmpdir:
            local = os.path.join(tmpdir, os.path.basename(urlparse(url).path))
            urllib.request.urlretrieve(url, local)
            with open(local, "rb") as fh:
                result = hashlib.sha256(fh.read()).hexdigest()
    """
    helpers = f'RELEASES = {{"stable": "https://downloads.example.com/{c.word}/{c.word}-2.4.1.tar.gz"}}'
    return Spec(s=s, imports="import hashlib\nimport os\nimport tempfile\nimport urllib.request\nfrom urllib.parse import urlparse",
                helpers=helpers, notes="a predictable name inside a private TemporaryDirectory (mode 0700)")


def _log_module(c, safe: bool) -> str:
    w = c.word
    kind = c.pick("basicConfig", "RotatingFileHandler", "FileHandler")
    lname = c.pick(f"{w}-debug.log", f"{w}d.log", f"{w}-worker.log")
    loc = f'os.path.join(LOG_DIR, "{lname}")' if safe else f'"/tmp/{lname}"'
    mark = "" if safe else "  #@V"
    fmt = c.pick("%(asctime)s %(levelname)s %(message)s", "%(asctime)s %(name)s [%(process)d] %(message)s")
    imps = ["import json", "import logging"]
    if safe:
        imps.append("import os")
    if c.fw == "script":
        imps.append("import sys")
    if kind == "RotatingFileHandler":
        imps.append("from logging.handlers import RotatingFileHandler")
    lines = imps + [""]
    if safe:
        lines += [f'LOG_DIR = os.environ.get("LOG_DIR", "/var/log/{w}")']
    if kind == "basicConfig":
        lines += [f'logging.basicConfig(filename={loc}, level=logging.DEBUG, format="{fmt}"){mark}',
                  f'log = logging.getLogger("{w}")']
    else:
        ctor = (f"logging.FileHandler({loc})" if kind == "FileHandler"
                else f"RotatingFileHandler({loc}, maxBytes={c.pick('5_000_000', '10 * 1024 * 1024')}, backupCount=3)")
        lines += [f'log = logging.getLogger("{w}")', "log.setLevel(logging.DEBUG)",
                  f"handler = {ctor}{mark}", f'handler.setFormatter(logging.Formatter("{fmt}"))', "log.addHandler(handler)"]
    body = f"""


def process_{w}(record):
    amounts = [float(a) for a in record.get("amounts", [])]
    log.debug("{w} %d: %d amounts, total %.2f", int(record.get("id", 0)), len(amounts), sum(amounts))
    return sum(amounts)
"""
    if c.fw == "script":
        tail = f"""

def main():
    with open(sys.argv[1]) as fh:
        totals = [process_{w}(json.loads(line)) for line in fh if line.strip()]
    log.info("processed %d records", len(totals))


if __name__ == "__main__":
    main()
"""
    else:
        tail = f"""

def consume(q):
    while True:
        raw = q.get()
        if raw is None:
            break
        process_{w}(json.loads(raw))
        q.task_done()
"""
    return "\n".join(lines) + body + tail


@fam("tmp-debug-log-file", "CWE-377", fws=["pipeline", "script"], n=8, wrap=False)
def tmp_log(c):
    # the first draws of this family's seeds all land on one framework: spread them by string style instead
    c.fw = "script" if c.style in ("fstring", "percent", "join") else "pipeline"
    state = c.rng.getstate()
    v = _log_module(c, False)
    c.rng.setstate(state)
    s = _log_module(c, True)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the log handler opens a predictable /tmp path in append mode: a symlink planted there makes the "
                      "service append to any file it can write, and other users can read or pre-create the log")


# ---------------- CWE-732 / CWE-276 permissions ----------------


@fam("perm-mkfifo-umask", "CWE-732", fws=["script", "cli", "pipeline"], keys=["channel", "service"], n=8)
def perm_fifo(c):
    x = c.x
    mode = c.pick("0o666", "0o662", "0o622")
    prev = c.pick("previous", "old_mask", "saved_umask")
    ext = c.pick(".ctl", ".fifo", ".cmd")
    tail = f"""
        with open(fifo) as ctl:
            result = [dispatch(line.strip()) for line in ctl if line.strip()]
    """
    v = f"""
        fifo = os.path.join(RUN_DIR, os.path.basename({x}) + "{ext}")
        if not os.path.exists(fifo):
            {prev} = os.umask(0)  #@V
            try:
                os.mkfifo(fifo, {mode})  #@V
            finally:
                os.umask({prev})
    """
    s = f"""
        fifo = os.path.join(RUN_DIR, os.path.basename({x}) + "{ext}")
        if not os.path.exists(fifo):
            os.mkfifo(fifo, 0o600)
    """
    v, s = dedent(v).rstrip() + "\n" + dedent(tail), dedent(s).rstrip() + "\n" + dedent(tail)
    helpers = f"""
RUN_DIR = "/run/{c.word}"
COMMANDS = {{"reload": "reloading configuration", "rotate": "rotating logs", "stop": "stopping workers"}}


def dispatch(command):
    return COMMANDS.get(command, "unknown command")
"""
    return Spec(v=v, s=s, imports="import os", helpers=helpers,
                notes="umask cleared so the control FIFO is created writable by every local account: anyone can send stop/reload")


@hardneg(4)
def perm_fifo_hn(c):
    s = f"""
        fifo = os.path.join(RUN_DIR, os.path.basename({c.x}) + ".ctl")
        if not os.path.exists(fifo):
            os.mkfifo(fifo, 0o600)
            os.chown(fifo, -1, grp.getgrnam("{c.word}-ops").gr_gid)
            os.chmod(fifo, 0o620)
        result = fifo
    """
    return Spec(s=s, imports="import grp\nimport os", helpers=f'RUN_DIR = "/run/{c.word}"',
                notes="only the owner and the ops group may write to the FIFO")


@fam("perm-sftp-chmod", "CWE-732", fws=["script", "cli", "pipeline"], keys=["artifact", "bundle_path"], n=8)
def perm_sftp(c):
    x = c.x
    mode = c.pick("0o777", "0o666", "0o776")
    good = c.pick("0o644", "0o640")
    body = f"""
        remote = posixpath.join(REMOTE_DIR, os.path.basename({x}))
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect(DEPLOY_HOST, username=DEPLOY_USER, key_filename=DEPLOY_KEY)
        try:
            sftp = client.open_sftp()
            sftp.put({x}, remote)
            sftp.chmod(remote, MODE)
        finally:
            client.close()
        result = remote
    """
    v = body.replace("MODE)", mode + ")  #@V")
    s = body.replace("MODE)", good + ")")
    w = c.word
    helpers = (f'DEPLOY_HOST = "{w}-web-01.internal.example.com"\nDEPLOY_USER = "deploy"\n'
               f'DEPLOY_KEY = "/etc/{w}/deploy_ed25519"\nREMOTE_DIR = "/srv/{w}/releases"')
    return Spec(v=v, s=s, imports="import os\nimport posixpath\nimport paramiko", helpers=helpers,
                notes="the deployed file is made writable by every account on the target host")


@hardneg(4)
def perm_sftp_hn(c):
    s = f"""
        remote = posixpath.join(REMOTE_BIN, os.path.basename({c.x}))
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect(DEPLOY_HOST, username="deploy", key_filename=DEPLOY_KEY)
        try:
            sftp = client.open_sftp()
            sftp.put({c.x}, remote)
            sftp.chmod(remote, 0o755)
        finally:
            client.close()
        result = remote
    """
    w = c.word
    return Spec(s=s, imports="import os\nimport posixpath\nimport paramiko",
                helpers=f'DEPLOY_HOST = "{w}-web-01.internal.example.com"\nDEPLOY_KEY = "/etc/{w}/deploy_ed25519"\nREMOTE_BIN = "/opt/{w}/bin"',
                notes="0o755 on a deployed executable: readable and runnable, writable only by the owner")


@fam("perm-credentials-default-mode", "CWE-276", fws=["script", "cli"], keys=["username", "profile"], n=8)
def perm_creds(c):
    x, w = c.x, c.word
    where = c.pick(f'Path.home() / ".config" / "{w}" / "credentials.json"', f'Path.home() / ".{w}" / "token.json"')
    dump = c.pick("json.dump(payload, fh)", "fh.write(json.dumps(payload, indent=2))")
    head = f"""
        token = request_refresh_token({x})
        cred_path = {where}
        cred_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {{"user": {x}, "refresh_token": token}}
    """
    vt = f"""
        with open(cred_path, "w") as fh:  #@V
            {dump}
        result = str(cred_path)
    """
    st = f"""
        fd = os.open(cred_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as fh:
            {dump}
        result = str(cred_path)
    """
    v, s = dedent(head).rstrip() + "\n" + dedent(vt), dedent(head).rstrip() + "\n" + dedent(st)
    helpers = f"""
TOKEN_URL = "https://auth.example.com/oauth/token"


def request_refresh_token(username):
    resp = requests.post(TOKEN_URL, data={{"username": username, "client_id": "{w}-cli"}}, timeout=10)
    resp.raise_for_status()
    return resp.json()["refresh_token"]
"""
    return Spec(v=v, s=s, imports="import json\nimport requests\nfrom pathlib import Path", simports="import os", helpers=helpers,
                notes="open() creates the token file with the default 0666 & ~umask (usually 0644): every local user can read the refresh token")


@hardneg(4)
def perm_creds_hn(c):
    s = f"""
        settings_path = Path.home() / ".config" / "{c.word}" / "settings.json"
        settings_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(settings_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w") as fh:
            json.dump({{"user": {c.x}, "theme": "dark", "page_size": 50}}, fh)
        result = str(settings_path)
    """
    return Spec(s=s, imports="import json\nimport os\nfrom pathlib import Path",
                notes="0o644 for a settings file without secrets is the normal mode")


# ---------------- CWE-502 deserialization ----------------


@fam("deser-shelve-import", "CWE-502", fws=["script", "cli", "pipeline"], keys=["shelf_path", "legacy_db"], n=8)
def deser_shelve(c):
    x, w = c.x, c.word
    lim = c.pick("10_000", "50000", "MAX_RECORDS")
    v = f"""
        with shelve.open({x}, flag="r") as db:  #@V
            records = {{key: db[key] for key in list(db.keys())[:{lim}]}}  #@V
        result = store_{w}s(records)
    """
    s = f"""
        with dbm.open({x}, "r") as db:
            records = {{key.decode(): json.loads(db[key]) for key in list(db.keys())[:{lim}]}}
        result = store_{w}s(records)
    """
    helpers = ("MAX_RECORDS = 20000\n\n\n" if lim == "MAX_RECORDS" else "") + f"""def store_{w}s(records):
    # upsert into the {w} table; returns the number of imported rows
    return len(records)
"""
    return Spec(v=v, s=s, vimports="import shelve", simports="import dbm\nimport json", helpers=helpers,
                notes="shelve values are pickles: reading a user-supplied shelf runs arbitrary code on db[key]")


@hardneg(4)
def deser_shelve_hn(c):
    w = c.word
    s = f"""
        with shelve.open(CACHE_PATH, protocol=pickle.HIGHEST_PROTOCOL) as db:
            if {c.x} not in db:
                db[{c.x}] = summarize_{w}({c.x})
            result = db[{c.x}]
    """
    helpers = f'CACHE_PATH = "/var/cache/{w}/summaries"\n\n\ndef summarize_{w}(key):\n    return {{"key": key, "count": len(key)}}'
    return Spec(s=s, imports="import pickle\nimport shelve", helpers=helpers,
                notes="a shelf written and read only by this service; the input is only a key")


@fam("deser-cloudpickle-job", "CWE-502", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"], keys=["job", "task_blob"], n=8)
def deser_cloudpickle(c):
    x = c.x
    alias = c.pick("cloudpickle", "cp")
    dec = c.pick("base64.b64decode({})", "bytes.fromhex({})")
    v = f"""
        job = {alias}.loads({dec.format(x)})  #@V
        run_id = scheduler.submit(job.name, **job.params)
        result = run_id
    """
    s = f"""
        job = json.loads({dec.format(x)})
        run_id = scheduler.submit(job["name"], **job["params"])
        result = run_id
    """
    helpers = """
class Scheduler:
    JOBS = {"reindex", "export", "cleanup"}

    def submit(self, name, **params):
        if name not in self.JOBS:
            raise ValueError("unknown job " + name)
        return "%s-%d" % (name, len(params))


scheduler = Scheduler()
"""
    imps = "import base64" if "b64" in dec else ""
    return Spec(v=v, s=s, imports=imps, vimports="import cloudpickle" + (" as cp" if alias == "cp" else ""),
                simports="import json", helpers=helpers,
                notes="cloudpickle.loads is pickle.loads: a crafted job object runs code while it is unpickled")


@hardneg(4)
def deser_cloudpickle_hn(c):
    s = f"""
        reducer = REDUCERS[{c.x}]
        payload = base64.b64encode(cloudpickle.dumps(reducer)).decode()
        outbox.put(payload)
        result = len(payload)
    """
    return Spec(s=s, imports="import base64\nimport queue\nimport cloudpickle",
                helpers='REDUCERS = {"sum": sum, "max": max, "count": len}\noutbox = queue.Queue()',
                notes="only serializes a server-side function chosen by name; nothing untrusted is unpickled here")


def _sock_module(c, safe: bool, hn: bool = False) -> str:
    w = c.word
    host = c.pick("0.0.0.0", "127.0.0.1", "")
    port = c.pick("9100", "7070", "5555", "8765")
    srv = c.pick("TCPServer", "ThreadingTCPServer")
    stream = c.pick(True, False)
    store = w.upper() + "S"
    W = w.capitalize()
    if hn:
        stream = False
    if stream:
        base = "StreamRequestHandler"
        if safe:
            rd, wr = "json.loads(self.rfile.readline(65536))", "self.wfile.write(json.dumps(reply).encode() + b\"\\n\")"
        else:
            rd, wr = "pickle.load(self.rfile)", "pickle.dump(reply, self.wfile)"
        handle = [f"        request = {rd}" + ("" if safe else "  #@V"), "        reply = dispatch(request.get(\"op\"), request.get(\"args\", {}))",
                  f"        {wr}"]
    else:
        base = "BaseRequestHandler"
        if hn:
            handle = ["        data = self.request.recv(65536)",
                      "        mac, blob = data[:32], data[32:]",
                      "        expected = hmac.new(SHARED_KEY, blob, hashlib.sha256).digest()",
                      "        if not hmac.compare_digest(mac, expected):",
                      "            return",
                      "        request = pickle.loads(blob)  # nosec B301 - only peers holding the shared key get here",
                      "        reply = dispatch(request.get(\"op\"), request.get(\"args\", {}))",
                      "        self.request.sendall(json.dumps(reply).encode())"]
        elif safe:
            handle = ["        request = json.loads(self.request.recv(65536))",
                      "        reply = dispatch(request.get(\"op\"), request.get(\"args\", {}))",
                      "        self.request.sendall(json.dumps(reply).encode())"]
        else:
            handle = ["        request = pickle.loads(self.request.recv(65536))  #@V",
                      "        reply = dispatch(request.get(\"op\"), request.get(\"args\", {}))",
                      "        self.request.sendall(pickle.dumps(reply))"]
    imps = (["import hashlib", "import hmac", "import json", "import os", "import pickle"] if hn
            else ["import json"] if safe else ["import pickle"]) + ["import socketserver"]
    consts = [f'HOST, PORT = "{host}", {port}', f"{store} = {{}}"]
    if hn:
        consts.append(f'SHARED_KEY = os.environ["{w.upper()}_RPC_KEY"].encode()')
    return "\n".join(imps) + "\n\n\n" + "\n".join(consts) + f"""


def dispatch(op, args):
    if op == "get":
        return {store}.get(args.get("key"))
    if op == "put":
        {store}[str(args["key"])] = args.get("value")
        return True
    return {{"error": "unknown op"}}


class {W}Handler(socketserver.{base}):
    def handle(self):
""" + "\n".join(handle) + f"""


if __name__ == "__main__":
    with socketserver.{srv}((HOST, PORT), {W}Handler) as server:
        server.serve_forever()
"""


@fam("deser-socketserver-pickle", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def deser_sock(c):
    state = c.rng.getstate()
    v = _sock_module(c, False)
    c.rng.setstate(state)
    s = _sock_module(c, True)
    return Spec(v=v, s=s, full=True,
                notes="a TCP service unpickles whatever a client sends: any peer that can connect gets code execution")


@hardneg(4)
def deser_sock_hn(c):
    return Spec(s=_sock_module(c, True, hn=True), full=True,
                notes="pickle only after an HMAC over the body is verified with a shared key (nosec)")


# ---------------- CWE-611 XXE ----------------


@fam("xxe-lxml-xinclude", "CWE-611", keys=["xml", "document", "manifest"], n=8)
def xxe_xinclude(c):
    x = c.x
    shape = c.pick("fromstring", "parse")
    tag = c.pick("section", "item", "chapter")
    out = c.pick(f'[el.text for el in root.iter("{tag}")]', 'etree.tostring(root, encoding="unicode")')
    if shape == "fromstring":
        v = f"""
            root = etree.fromstring({x}.encode())  #@V
            root.getroottree().xinclude()  #@V
            result = {out}
        """
        s = f"""
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring({x}.encode(), parser)
            result = {out}
        """
        imps = "from lxml import etree"
    else:
        v = f"""
            tree = etree.parse(io.BytesIO({x}.encode()))  #@V
            tree.xinclude()  #@V
            root = tree.getroot()
            result = {out}
        """
        s = f"""
            tree = etree.parse(io.BytesIO({x}.encode()), etree.XMLParser(resolve_entities=False, no_network=True))
            root = tree.getroot()
            result = {out}
        """
        imps = "import io\nfrom lxml import etree"
    return Spec(v=v, s=s, imports=imps,
                notes='XInclude on an untrusted document: <xi:include href="/etc/passwd" parse="text"/> pulls local files '
                      "into the result (and the default parser resolves entities)")


@hardneg(4)
def xxe_xinclude_hn(c):
    s = f"""
        tree = etree.parse(LAYOUT, etree.XMLParser(no_network=True))
        tree.xinclude()
        body = tree.getroot().find("body")
        body.text = {c.x}
        result = etree.tostring(tree, encoding="unicode")
    """
    return Spec(s=s, imports="from lxml import etree", helpers=f'LAYOUT = "/opt/{c.word}/templates/layout.xml"',
                notes="XInclude only on a server-side template; the input becomes element text, escaped on output")


@fam("xxe-lxml-xmlschema-user", "CWE-611", keys=["schema", "xsd"], n=8)
def xxe_schema(c):
    x = c.x
    v = f"""
        schema_root = etree.fromstring({x}.encode())  #@V
        schema = etree.XMLSchema(schema_root)  #@V
        catalog = etree.parse(CATALOG)
        result = {{"valid": schema.validate(catalog), "errors": [str(e) for e in schema.error_log][:20]}}
    """
    s = f"""
        schema_root = etree.fromstring({x}.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
        if schema_root.xpath("//xs:include | //xs:import | //xs:redefine", namespaces={{"xs": "http://www.w3.org/2001/XMLSchema"}}):
            raise ValueError("schemas may not reference other documents")
        schema = etree.XMLSchema(schema_root)
        catalog = etree.parse(CATALOG)
        result = {{"valid": schema.validate(catalog), "errors": [str(e) for e in schema.error_log][:20]}}
    """
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=f'CATALOG = "/srv/{c.word}/catalog.xml"',
                notes="a user-supplied XSD is parsed with entity resolution and its xs:include/xs:import schemaLocation "
                      "is fetched: local files and internal URLs are read, and leak through the error log")


@hardneg(4)
def xxe_schema_hn(c):
    s = f"""
        schema = etree.XMLSchema(etree.parse(SCHEMA_PATH))
        doc = etree.fromstring({c.x}.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
        result = schema.validate(doc)
    """
    return Spec(s=s, imports="from lxml import etree", helpers=f'SCHEMA_PATH = "/opt/{c.word}/schemas/{c.word}.xsd"',
                notes="server-side schema; the untrusted document is parsed without entities or network")


@fam("xxe-lxml-feed-target", "CWE-611", fws=["script", "cli", "pipeline", "flask", "fastapi"], keys=["export", "feed", "payload"], n=8)
def xxe_target(c):
    x = c.x
    tag = c.pick("row", "record", "entry")
    opts = c.pick("resolve_entities=True, no_network=False", "load_dtd=True, resolve_entities=True",
                  "resolve_entities=True, load_dtd=True, no_network=False")
    if c.fw in ("script", "cli", "pipeline"):
        feed = f"""
            with open({x}, "rb") as fh:
                for chunk in iter(lambda: fh.read(65536), b""):
                    parser.feed(chunk)MARK
        """
    else:
        feed = f"""
            parser.feed({x})MARK
        """
    tail = "rows = parser.close()\nresult = {\"count\": len(rows), \"first\": rows[:5]}"
    v = f"parser = etree.XMLParser(target=RowCollector(), {opts})  #@V\n" + dedent(feed.replace("MARK", "  #@V")).rstrip() + "\n" + tail
    s = "parser = etree.XMLParser(target=RowCollector(), resolve_entities=False, no_network=True)\n" + dedent(feed.replace("MARK", "")).rstrip() + "\n" + tail
    helpers = f"""
class RowCollector:
    \"\"\"lxml parser target: collects the text of every <{tag}> element.\"\"\"

    def __init__(self):
        self.rows, self._buf, self._inside = [], [], False

    def start(self, tag, attrib):
        self._inside = tag == "{tag}"
        self._buf = []

    def end(self, tag):
        if tag == "{tag}":
            self.rows.append("".join(self._buf).strip())
        self._inside = False

    def data(self, text):
        if self._inside:
            self._buf.append(text)

    def close(self):
        return self.rows
"""
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=helpers,
                notes="the streaming target parser resolves external entities (and may fetch DTDs): "
                      "<!ENTITY x SYSTEM 'file:///etc/passwd'> ends up in the collected rows")


@hardneg(4)
def xxe_target_hn(c):
    x = c.x
    if c.fw in ("script", "cli", "pipeline"):
        feed = f"""
            with open({x}, "rb") as fh:
                for chunk in iter(lambda: fh.read(65536), b""):
                    pull.feed(chunk)
                    rows += [el.text for _, el in pull.read_events() if el.tag == "row"]
        """
    else:
        feed = f"""
            pull.feed({x})
            rows += [el.text for _, el in pull.read_events() if el.tag == "row"]
        """
    s = 'pull = ET.XMLPullParser(events=("end",))\nrows = []\n' + dedent(feed).rstrip() + "\nresult = {\"count\": len(rows)}"
    return Spec(s=s, imports="import xml.etree.ElementTree as ET",
                notes="the stdlib (expat) pull parser does not fetch external entities or DTDs")


# ---------------- CWE-1333 ReDoS / CWE-400 resource consumption ----------------


@fam("redos-quoted-string", "CWE-1333", keys=["value", "literal", "token"], n=8)
def redos_quoted(c):
    x = c.x
    q = c.pick('"', "'")
    o = "'" if q == '"' else '"'   # the other quote delimits the Python literal
    vpat = "^" + q + r"(\\.|[^" + q + "])*" + q + "$"
    spat = "^" + q + r"(?:\\.|[^" + q + r"\\])*" + q + "$"
    shape = c.pick("compile", "fullmatch")
    if shape == "compile":
        v = f"""
            quoted = re.compile(r{o}{vpat}{o})  #@V
            if not quoted.match({x}):  #@V
                raise ValueError("expected a quoted string")
            result = {x}[1:-1]
        """
        s = f"""
            quoted = re.compile(r{o}{spat}{o})
            if not quoted.match({x}):
                raise ValueError("expected a quoted string")
            result = {x}[1:-1]
        """
    else:
        v = f"""
            if re.fullmatch(r{o}{vpat[1:-1]}{o}, {x}) is None:  #@V
                raise ValueError("expected a quoted string")
            result = {x}[1:-1]
        """
        s = f"""
            if re.fullmatch(r{o}{spat[1:-1]}{o}, {x}) is None:
                raise ValueError("expected a quoted string")
            result = {x}[1:-1]
        """
    return Spec(v=v, s=s, imports="import re",
                notes="the alternatives overlap on a backslash (\\\\. and [^\"] both match it): a long run of backslashes "
                      "without the closing quote backtracks exponentially")


@hardneg(4)
def redos_quoted_hn(c):
    s = f"""
        if re.fullmatch(r'"[^"\\\\]*(?:\\\\.[^"\\\\]*)*"', {c.x}) is None:
            raise ValueError("expected a quoted string")
        result = {c.x}[1:-1]
    """
    return Spec(s=s, imports="import re", notes="unrolled-loop pattern: the alternatives cannot overlap, matching is linear")


@fam("redos-trailing-whitespace", "CWE-1333", keys=["text", "snippet", "source_code"], n=8)
def redos_trailing(c):
    x = c.x
    pat, chars = c.pick((r"\s+$", ""), (r"[ \t]+$", '" \\t"'), (r" +$", '" "'))
    coll = c.pick("flagged", "offending", "bad_lines")
    loop = f"""
        {coll} = []
        for lineno, line in enumerate({x}.splitlines(), 1):
            COND
                {coll}.append(lineno)
        result = {{"trailing_whitespace": {coll}}}
    """
    v = loop.replace("COND", f'if re.search(r"{pat}", line):  #@V')
    s = loop.replace("COND", f"if line != line.rstrip({chars}):")
    return Spec(v=v, s=s, vimports="import re",
                notes="re.search retries the whitespace run from every start position: a long run of spaces followed "
                      "by a non-space takes quadratic time")


@hardneg(4)
def redos_trailing_hn(c):
    s = f"""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{{0,63}}", {c.x}):
            raise ValueError("not an identifier")
        result = {c.x}
    """
    return Spec(s=s, imports="import re", notes="bounded character class without nesting: linear time")


@fam("dos-bigint-arith", "CWE-400", keys=["exponent", "digits", "bits", "n", "items"], n=8)
def dos_bigint(c):
    x = c.x
    kind = {"exponent": "power", "digits": "power", "bits": "shift", "n": "factorial", "items": "factorial"}[c.key]
    if kind == "factorial":
        v = f"""
            orderings = math.factorial(int({x})) % MODULUS  #@V
            result = orderings
        """
        s = f"""
            n = int({x})
            if not 0 <= n <= 10_000:
                raise ValueError("n out of range")
            orderings = math.factorial(n) % MODULUS
            result = orderings
        """
        imps, helpers = "import math", "MODULUS = 1_000_000_007"
    elif kind == "shift":
        v = f"""
            mask = (1 << int({x})) - 1  #@V
            result = bin(FLAGS & mask).count("1")
        """
        s = f"""
            width = int({x})
            if not 0 <= width <= 64:
                raise ValueError("width out of range")
            mask = (1 << width) - 1
            result = bin(FLAGS & mask).count("1")
        """
        imps, helpers = "", "FLAGS = 0b1011_0110_1110_0001_0101_1100_1010_0111"
    else:
        v = f"""
            scale = 10 ** int({x})  #@V
            result = str(Decimal(AMOUNT_CENTS) / scale)
        """
        s = f"""
            places = int({x})
            if not 0 <= places <= 18:
                raise ValueError("precision out of range")
            scale = 10 ** places
            result = str(Decimal(AMOUNT_CENTS) / scale)
        """
        imps, helpers = "from decimal import Decimal", "AMOUNT_CENTS = 1234567"
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="Python integers are unbounded: a huge factorial/shift/power argument burns CPU and allocates gigabytes")


@hardneg(4)
def dos_bigint_hn(c):
    s = f"""
        width = max(0, min(int({c.x}), 64))
        mask = (1 << width) - 1
        result = [i for i in range(width) if (FLAGS & mask) >> i & 1]
    """
    return Spec(s=s, helpers="FLAGS = 0b1011_0110_1110_0001", notes="the shift width is clamped to 64 before use")
