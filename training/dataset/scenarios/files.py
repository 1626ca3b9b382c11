"""File-system families: path traversal (22), unrestricted upload (434), insecure temporary
files (377), permissions (732, 276)."""
from core import Spec
from registry import hardneg, fam, WEB_FWS

# ---------------- CWE-22 path traversal ----------------


@fam("pt-open-join", "CWE-22", keys=["filename", "doc", "name", "report"], n=10)
def pt_open(c):
    x, p, base = c.x, c.n("path"), c.n("base")
    v = f"""
        {p} = os.path.join({base}, {x})  #@V
        with open({p}, "rb") as fh:  #@V
            content = fh.read()
        result = base64.b64encode(content).decode()
    """
    s = f"""
        {p} = os.path.realpath(os.path.join({base}, {x}))
        if os.path.commonpath([{p}, {base}]) != {base}:
            raise PermissionError("outside the storage directory")
        with open({p}, "rb") as fh:
            content = fh.read()
        result = base64.b64encode(content).decode()
    """
    return Spec(v=v, s=s, imports="import base64\nimport os", helpers=f'{base} = os.path.realpath("/srv/{c.word}s")')


@hardneg(4)
def pt_open_hn(c):
    x, base = c.x, c.n("base")
    s = f"""
        safe_name = os.path.basename({x})
        if not safe_name or safe_name.startswith("."):
            raise ValueError("bad name")
        with open(os.path.join({base}, safe_name), "rb") as fh:
            result = len(fh.read())
    """
    return Spec(s=s, imports="import os", helpers=f'{base} = "/srv/{c.word}s"', notes="os.path.join with basename() of the input")


@fam("pt-flask-send-file", "CWE-22", fws=["flask"], keys=["filename", "file"], n=8, twin_hard=True)
def pt_send_file(c):
    x = c.x
    v = f"""
        result = send_file(os.path.join(app.config["EXPORT_DIR"], {x}))  #@V
    """
    s = f"""
        result = send_from_directory(app.config["EXPORT_DIR"], {x})
    """
    return Spec(v=v, s=s, imports="import os", vimports="from flask import send_file", simports="from flask import send_from_directory", raw=True,
                notes="send_from_directory rejects paths that leave the directory")


@fam("pt-tar-extractall", "CWE-22", fws=["script", "cli", "pipeline"], keys=["archive", "bundle"], n=8)
def pt_tar(c):
    x = c.x
    v = f"""
        dest = os.path.join("/srv/unpacked", str(uuid.uuid4()))
        os.makedirs(dest)
        with tarfile.open({x}) as tar:
            tar.extractall(dest)  #@V
        result = dest
    """
    s = f"""
        dest = os.path.join("/srv/unpacked", str(uuid.uuid4()))
        os.makedirs(dest)
        with tarfile.open({x}) as tar:
            tar.extractall(dest, filter="data")
        result = dest
    """
    return Spec(v=v, s=s, imports="import os\nimport tarfile\nimport uuid", notes="member names like ../../etc/cron.d/x escape dest (tar slip)")


@fam("pt-zip-member-write", "CWE-22", fws=["script", "cli", "pipeline"], keys=["archive", "upload_zip"], n=8)
def pt_zip(c):
    x = c.x
    v = f"""
        out_dir = "/var/lib/{c.word}/imports"
        with zipfile.ZipFile({x}) as zf:
            for member in zf.infolist():
                target = os.path.join(out_dir, member.filename)  #@V
                with open(target, "wb") as out:  #@V
                    out.write(zf.read(member))
        result = out_dir
    """
    s = f"""
        out_dir = "/var/lib/{c.word}/imports"
        with zipfile.ZipFile({x}) as zf:
            for member in zf.infolist():
                target = os.path.realpath(os.path.join(out_dir, member.filename))
                if not target.startswith(os.path.realpath(out_dir) + os.sep):
                    raise ValueError("unsafe member " + member.filename)
                with open(target, "wb") as out:
                    out.write(zf.read(member))
        result = out_dir
    """
    return Spec(v=v, s=s, imports="import os\nimport zipfile")


@fam("pt-delete-upload", "CWE-22", keys=["filename", "attachment"], n=8)
def pt_delete(c):
    x = c.x
    v = f"""
        victim = UPLOADS + "/" + {x}  #@V
        os.remove(victim)  #@V
        result = {{"deleted": {x}}}
    """
    s = f"""
        victim = os.path.join(UPLOADS, os.path.basename({x}))
        os.remove(victim)
        result = {{"deleted": {x}}}
    """
    return Spec(v=v, s=s, imports="import os", helpers=f'UPLOADS = "/srv/{c.word}/uploads"')


@fam("pt-pathlib-read", "CWE-22", keys=["page", "template_name", "slug"], n=8)
def pt_pathlib(c):
    x = c.x
    v = f"""
        doc = DOCS / ({c.fmt("{}.md", x)})  #@V
        result = doc.read_text(encoding="utf-8")  #@V
    """
    s = f"""
        doc = (DOCS / ({c.fmt("{}.md", x)})).resolve()
        if not doc.is_relative_to(DOCS):
            raise FileNotFoundError({x})
        result = doc.read_text(encoding="utf-8")
    """
    return Spec(v=v, s=s, imports="from pathlib import Path", helpers=f'DOCS = Path("/srv/{c.word}/docs").resolve()')


@fam("pt-startswith-unnormalized", "CWE-22", keys=["path", "rel"], n=8)
def pt_prefix(c):
    x = c.x
    v = f"""
        full = os.path.join(ROOT, {x})
        if not full.startswith(ROOT):  #@V
            raise PermissionError(full)
        with open(full) as fh:  #@V
            result = fh.read(4096)
    """
    s = f"""
        full = os.path.realpath(os.path.join(ROOT, {x}))
        if not full.startswith(ROOT + os.sep):
            raise PermissionError(full)
        with open(full) as fh:
            result = fh.read(4096)
    """
    return Spec(v=v, s=s, imports="import os", helpers=f'ROOT = "/srv/{c.word}/public"',
                notes="prefix check before normalization: ROOT/../../etc/passwd still starts with ROOT")


@fam("pt-aiohttp-fileresponse", "CWE-22", fws=["aiohttp", "fastapi"], keys=["name"], n=8)
def pt_aio(c):
    x = c.x
    resp_v = "web.FileResponse(path)" if c.fw == "aiohttp" else "FileResponse(path)"
    v = f"""
        path = f"{{MEDIA}}/{{{x}}}"  #@V
        result = {resp_v}  #@V
    """
    s = f"""
        path = os.path.normpath(os.path.join(MEDIA, {x}))
        if os.path.dirname(path) != MEDIA:
            raise ValueError("invalid name")
        result = {resp_v}
    """
    return Spec(v=v, s=s, imports="import os" + ("\nfrom fastapi.responses import FileResponse" if c.fw == "fastapi" else ""),
                helpers=f'MEDIA = "/srv/{c.word}/media"', raw=True)


# ---------------- CWE-434 unrestricted upload ----------------


@fam("upload-flask-original-name", "CWE-434", fws=["flask"], n=8, wrap=False)
def up_flask(c):
    w = c.word
    v = f"""
        import os

        from flask import Flask, request
        from werkzeug.utils import secure_filename

        app = Flask(__name__, static_folder="static")
        UPLOAD_DIR = os.path.join(app.static_folder, "{w}s")
        ALLOWED = {{".png", ".jpg", ".jpeg", ".gif"}}


        @app.route("/{w}s/upload", methods=["POST"])
        def upload_{w}():
            f = request.files["{c.pick('file', 'image', 'upload')}"]
            name = secure_filename(f.filename)  #@V
            f.save(os.path.join(UPLOAD_DIR, name))  #@V
            return {{"url": "/static/{w}s/" + name}}
    """
    s = v.replace("""            name = secure_filename(f.filename)  #@V
            f.save(os.path.join(UPLOAD_DIR, name))  #@V""", """            name = secure_filename(f.filename)
            if os.path.splitext(name)[1].lower() not in ALLOWED:
                return {"error": "unsupported type"}, 400
            f.save(os.path.join(UPLOAD_DIR, name))""")
    return Spec(v=v, s=s, full=True, notes="any file type (e.g. .html, .py, .php) stored under a served directory")


@fam("upload-django-handle-file", "CWE-434", fws=["django"], n=8, wrap=False)
def up_django(c):
    w = c.word
    v = f"""
        import os

        from django.conf import settings
        from django.http import JsonResponse


        def upload_{w}(request):
            upload = request.FILES["attachment"]
            path = os.path.join(settings.MEDIA_ROOT, "{w}", upload.name)  #@V
            with open(path, "wb+") as dest:  #@V
                for chunk in upload.chunks():
                    dest.write(chunk)
            return JsonResponse({{"stored": upload.name}})
    """
    s = v.replace(f"""            path = os.path.join(settings.MEDIA_ROOT, "{w}", upload.name)  #@V
            with open(path, "wb+") as dest:  #@V""", f"""            ext = os.path.splitext(upload.name)[1].lower()
            if ext not in {{".pdf", ".png", ".jpg"}} or upload.size > 10 * 1024 * 1024:
                return JsonResponse({{"error": "file type or size not allowed"}}, status=400)
            path = os.path.join(settings.MEDIA_ROOT, "{w}", uuid.uuid4().hex + ext)
            with open(path, "wb+") as dest:""").replace("        import os\n", "        import os\n        import uuid\n", 1)
    return Spec(v=v, s=s, full=True)


@fam("upload-fastapi-uploadfile", "CWE-434", fws=["fastapi"], n=8, wrap=False)
def up_fastapi(c):
    w = c.word
    v = f"""
        import shutil
        from pathlib import Path

        from fastapi import FastAPI, File, UploadFile

        app = FastAPI()
        PUBLIC = Path("/srv/{w}/public")


        @app.post("/{w}s/avatar")
        async def upload_avatar(file: UploadFile = File(...)):
            target = PUBLIC / Path(file.filename).name  #@V
            with target.open("wb") as out:  #@V
                shutil.copyfileobj(file.file, out)
            return {{"path": str(target.relative_to(PUBLIC))}}
    """
    s = v.replace("""            target = PUBLIC / Path(file.filename).name  #@V
            with target.open("wb") as out:  #@V""", """            suffix = Path(file.filename or "").suffix.lower()
            if suffix not in {".png", ".jpg", ".webp"} or file.content_type not in {"image/png", "image/jpeg", "image/webp"}:
                raise HTTPException(status_code=415)
            target = PUBLIC / (secrets.token_hex(16) + suffix)
            with target.open("wb") as out:""").replace("from fastapi import FastAPI, File, UploadFile", "from fastapi import FastAPI, File, HTTPException, UploadFile").replace(
        "        import shutil\n", "        import secrets\n        import shutil\n", 1)
    return Spec(v=v, s=s, full=True)


@fam("upload-content-type-trust", "CWE-434", fws=["flask", "aiohttp"], n=8, wrap=False)
def up_ctype(c):
    w = c.word
    v = f"""
        import os

        from flask import Flask, abort, request

        app = Flask(__name__)
        STORE = "/var/www/{w}/uploads"


        @app.post("/{w}/images")
        def add_image():
            f = request.files["image"]
            if not f.mimetype.startswith("image/"):  #@V
                abort(415)
            f.save(os.path.join(STORE, os.path.basename(f.filename)))  #@V
            return {{"ok": True}}
    """
    s = v.replace("""            if not f.mimetype.startswith("image/"):  #@V
                abort(415)
            f.save(os.path.join(STORE, os.path.basename(f.filename)))  #@V""", """            img = Image.open(f.stream)
            if img.format not in ("PNG", "JPEG"):
                abort(415)
            img.save(os.path.join(STORE, uuid.uuid4().hex + "." + img.format.lower()))""").replace(
        "        from flask import Flask, abort, request\n", "        import uuid\n\n        from flask import Flask, abort, request\n        from PIL import Image\n")
    return Spec(v=v, s=s, full=True, fw="flask", notes="trusts the client's Content-Type and keeps the client's extension")


# the request body is the file, the name comes from the taint source (query, header, form...)
UPLOAD_BODY = {"flask": "request.get_data()", "django": "request.body", "aiohttp": "await request.read()"}


@fam("upload-extension-denylist", "CWE-434", fws=["flask", "django", "aiohttp"], keys=["filename"], n=8, wrap=False)
def up_deny(c):
    x = c.x
    v = f"""
        ext = os.path.splitext({x})[1].lower()
        if ext in (".exe", ".sh", ".bat"):  #@V
            raise ValueError("blocked type")
        dest = os.path.join(PUBLIC_DIR, os.path.basename({x}))
        with open(dest, "wb") as out:  #@V
            out.write({UPLOAD_BODY[c.fw]})
        result = dest
    """
    s = f"""
        ext = os.path.splitext({x})[1].lower()
        if ext not in (".png", ".jpg", ".pdf"):
            raise ValueError("blocked type")
        dest = os.path.join(PUBLIC_DIR, uuid.uuid4().hex + ext)
        with open(dest, "wb") as out:
            out.write({UPLOAD_BODY[c.fw]})
        result = dest
    """
    return Spec(v=v, s=s, imports="import os", simports="import uuid", helpers=f'PUBLIC_DIR = "/var/www/{c.word}/files"',
                notes="a denylist misses .php/.html/.svg")


@fam("upload-substring-extension", "CWE-434", fws=["flask", "django", "aiohttp"], keys=["filename", "upload_name"], n=8, wrap=False)
def up_substr(c):
    x = c.x
    v = f"""
        if ".jpg" not in {x} and ".png" not in {x}:  #@V
            raise ValueError("images only")
        saved = os.path.join(GALLERY, {x}.replace("/", "_"))  #@V
        with open(saved, "wb") as out:  #@V
            out.write({UPLOAD_BODY[c.fw]})
        result = saved
    """
    s = f"""
        stem, ext = os.path.splitext({x}.replace("/", "_"))
        if ext.lower() not in (".jpg", ".png"):
            raise ValueError("images only")
        saved = os.path.join(GALLERY, stem[:64] + ext.lower())
        with open(saved, "wb") as out:
            out.write({UPLOAD_BODY[c.fw]})
        result = saved
    """
    return Spec(v=v, s=s, imports="import os", helpers=f'GALLERY = "/srv/{c.word}/gallery"', notes="shell.jpg.php passes the substring test")


@fam("upload-aiohttp-multipart", "CWE-434", fws=["aiohttp"], n=8, wrap=False)
def up_aio(c):
    w = c.word
    v = f"""
        import os

        from aiohttp import web

        STATIC = "/srv/{w}/static/uploads"


        async def receive(request):
            reader = await request.multipart()
            part = await reader.next()
            path = os.path.join(STATIC, os.path.basename(part.filename))  #@V
            with open(path, "wb") as fh:  #@V
                while chunk := await part.read_chunk():
                    fh.write(chunk)
            return web.json_response({{"saved": part.filename}})
    """
    s = v.replace("""            path = os.path.join(STATIC, os.path.basename(part.filename))  #@V
            with open(path, "wb") as fh:  #@V""", """            ext = os.path.splitext(part.filename or "")[1].lower()
            if ext not in {".csv", ".txt"}:
                raise web.HTTPUnsupportedMediaType()
            path = os.path.join(STATIC, secrets.token_hex(12) + ext)
            with open(path, "wb") as fh:""").replace("        import os\n", "        import os\n        import secrets\n", 1)
    return Spec(v=v, s=s, full=True)


# ---------------- CWE-377 insecure temporary file ----------------


@fam("tmp-mktemp", "CWE-377", keys=["data", "csv_text"], n=8)
def tmp_mktemp(c):
    x = c.x
    sfx = c.pick('csv', 'json', 'txt')
    v = f"""
        tmp_path = tempfile.mktemp(suffix=".{sfx}")  #@V
        with open(tmp_path, "w") as fh:  #@V
            fh.write({x})
        result = convert(tmp_path)
    """
    s = f"""
        fd, tmp_path = tempfile.mkstemp(suffix=".{sfx}")
        with os.fdopen(fd, "w") as fh:
            fh.write({x})
        result = convert(tmp_path)
    """
    return Spec(v=v, s=s, imports="import tempfile", simports="import os",
                helpers="def convert(path):\n    return path + '.out'", notes="mktemp returns a name another process can claim first")


@hardneg(4)
def tmp_hn(c):
    s = f"""
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=True) as tmp:
            tmp.write({c.x})
            tmp.flush()
            result = os.path.getsize(tmp.name)
    """
    return Spec(s=s, imports="import os\nimport tempfile", notes="NamedTemporaryFile creates the file atomically with 0600")


@fam("tmp-fixed-name", "CWE-377", fws=["script", "cli", "pipeline"], keys=["report"], n=8)
def tmp_fixed(c):
    x = c.x
    name = c.pick("report.pdf", "export.csv", "cache.json", "session.dat")
    v = f"""
        out = "/tmp/{name}"  #@V
        with open(out, "w") as fh:  #@V
            fh.write({x})
        result = out
    """
    s = f"""
        out_dir = tempfile.mkdtemp(prefix="{c.word}-")
        out = os.path.join(out_dir, "{name}")
        with open(out, "w") as fh:
            fh.write({x})
        result = out
    """
    return Spec(v=v, s=s, simports="import os\nimport tempfile", notes="predictable path in a world-writable directory (symlink attack)")


@fam("tmp-gettempdir-join", "CWE-377", keys=["content"], n=8)
def tmp_join(c):
    x = c.x
    v = f"""
        path = os.path.join(tempfile.gettempdir(), "{c.word}-" + str(os.getpid()) + ".tmp")  #@V
        with open(path, "w") as fh:  #@V
            fh.write({x})
        result = path
    """
    s = f"""
        with tempfile.NamedTemporaryFile("w", prefix="{c.word}-", suffix=".tmp", delete=False) as fh:
            fh.write({x})
            path = fh.name
        result = path
    """
    return Spec(v=v, s=s, imports="import tempfile", vimports="import os")


@fam("tmp-mktemp-dir", "CWE-377", fws=["script", "cli", "pipeline"], keys=["bundle"], n=8)
def tmp_mkdir(c):
    x = c.x
    v = f"""
        work = tempfile.mktemp(prefix="build-")  #@V
        os.mkdir(work)  #@V
        shutil.copy({x}, work)
        result = work
    """
    s = f"""
        work = tempfile.mkdtemp(prefix="build-")
        shutil.copy({x}, work)
        result = work
    """
    return Spec(v=v, s=s, imports="import shutil\nimport tempfile", vimports="import os")


@fam("tmp-lockfile", "CWE-377", fws=["script", "cli"], keys=["job"], n=8)
def tmp_lock(c):
    x = c.x
    v = f"""
        lock = "/tmp/" + {x} + ".lock"  #@V
        if os.path.exists(lock):
            raise SystemExit("already running")
        open(lock, "w").write(str(os.getpid()))  #@V
        result = lock
    """
    s = f"""
        lock_dir = os.environ.get("XDG_RUNTIME_DIR", "/run/user/%d" % os.getuid())
        lock = os.path.join(lock_dir, os.path.basename({x}) + ".lock")
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.write(fd, str(os.getpid()).encode())
        result = lock
    """
    return Spec(v=v, s=s, imports="import os", notes="check-then-create race on a predictable /tmp name")


@fam("tmp-write-then-exec", "CWE-377", fws=["script", "pipeline"], keys=["script_body"], n=8)
def tmp_exec(c):
    x = c.x
    v = f"""
        path = "/tmp/{c.word}_hook.sh"  #@V
        with open(path, "w") as fh:  #@V
            fh.write("#!/bin/sh\\n" + SCRIPTS.get({x}, "true") + "\\n")
        os.chmod(path, 0o700)
        result = subprocess.run([path]).returncode
    """
    s = f"""
        fd, path = tempfile.mkstemp(suffix=".sh")
        with os.fdopen(fd, "w") as fh:
            fh.write("#!/bin/sh\\n" + SCRIPTS.get({x}, "true") + "\\n")
        os.chmod(path, 0o700)
        result = subprocess.run([path]).returncode
    """
    return Spec(v=v, s=s, imports="import os\nimport subprocess", simports="import tempfile",
                helpers='SCRIPTS = {"clean": "rm -rf ./build", "lint": "flake8 ."}')


# ---------------- CWE-732 / CWE-276 permissions ----------------


@fam("perm-chmod-777", "CWE-732", fws=["script", "cli"], keys=["path", "output"], n=8)
def perm_chmod(c):
    x = c.x
    mode = c.pick("0o777", "0o666", "0o776", "stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO")
    v = f"""
        with open({x}, "w") as fh:
            fh.write(json.dumps(CREDENTIALS))
        os.chmod({x}, {mode})  #@V
        result = {x}
    """
    s = f"""
        with open({x}, "w") as fh:
            fh.write(json.dumps(CREDENTIALS))
        os.chmod({x}, 0o600)
        result = {x}
    """
    return Spec(v=v, s=s, imports="import json\nimport os" + ("\nimport stat" if "stat." in mode else ""),
                helpers='CREDENTIALS = {"token": "loaded-at-runtime"}', notes="credentials file made world-readable/writable")


@hardneg(4)
def perm_hn(c):
    s = f"""
        script = os.path.join(BIN_DIR, os.path.basename({c.x}))
        os.chmod(script, 0o755)
        result = script
    """
    return Spec(s=s, imports="import os", helpers='BIN_DIR = "/opt/tools/bin"', notes="0o755 on an executable is the normal mode")


@fam("perm-makedirs-mode", "CWE-276", keys=["tenant", "project"], n=8)
def perm_makedirs(c):
    x = c.x
    v = f"""
        d = os.path.join(DATA_ROOT, os.path.basename({x}))
        os.makedirs(d, mode=0o777, exist_ok=True)  #@V
        result = d
    """
    s = f"""
        d = os.path.join(DATA_ROOT, os.path.basename({x}))
        os.makedirs(d, mode=0o700, exist_ok=True)
        result = d
    """
    return Spec(v=v, s=s, imports="import os", helpers=f'DATA_ROOT = "/var/lib/{c.word}"')


@fam("perm-umask-zero", "CWE-276", fws=["script", "cli"], keys=["outdir"], n=8)
def perm_umask(c):
    x = c.x
    v = f"""
        os.umask(0)  #@V
        with open(os.path.join({x}, "secrets.env"), "w") as fh:  #@V
            fh.write("API_TOKEN=" + os.environ.get("API_TOKEN", "") + "\\n")
        result = {x}
    """
    s = f"""
        os.umask(0o077)
        with open(os.path.join({x}, "secrets.env"), "w") as fh:
            fh.write("API_TOKEN=" + os.environ.get("API_TOKEN", "") + "\\n")
        result = {x}
    """
    return Spec(v=v, s=s, imports="import os")


@fam("perm-os-open-0666", "CWE-732", fws=["script", "cli"], keys=["key_path"], n=8)
def perm_osopen(c):
    x = c.x
    v = f"""
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        fd = os.open({x}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  #@V
        os.write(fd, pem)
        os.close(fd)
        result = {x}
    """
    s = v.replace("0o666)  #@V", "0o600)")
    return Spec(v=v, s=s, imports="import os\nfrom cryptography.hazmat.primitives import serialization\nfrom cryptography.hazmat.primitives.asymmetric import rsa")


@fam("perm-django-upload-perms", "CWE-276", fws=["django"], n=8, wrap=False)
def perm_django(c):
    v = f"""
        # {c.word}/settings.py (storage section)
        import os

        MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/{c.word}/media")
        MEDIA_URL = "/media/"
        FILE_UPLOAD_PERMISSIONS = 0o{c.pick("777", "666")}  #@V
        FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o777  #@V
        FILE_UPLOAD_MAX_MEMORY_SIZE = {c.pick("2621440", "5242880")}
    """
    s = v.replace("#@V", "").replace("0o777", "0o750").replace("0o666", "0o640")
    s = "\n".join(l.rstrip() for l in s.split("\n"))
    return Spec(v=v, s=s, full=True)


@fam("perm-pathlib-touch", "CWE-276", keys=["name"], n=8)
def perm_touch(c):
    x = c.x
    v = f"""
        token_file = Path(TOKENS) / (os.path.basename({x}) + ".token")
        token_file.touch(mode=0o666)  #@V
        token_file.write_text(secrets.token_hex(32))
        result = str(token_file)
    """
    s = f"""
        token_file = Path(TOKENS) / (os.path.basename({x}) + ".token")
        token_file.touch(mode=0o600)
        token_file.write_text(secrets.token_hex(32))
        result = str(token_file)
    """
    return Spec(v=v, s=s, imports="import os\nimport secrets\nfrom pathlib import Path", helpers=f'TOKENS = "/var/lib/{c.word}/tokens"')


@fam("perm-chmod-log-dir", "CWE-732", fws=["script", "cli"], n=8, wrap=False)
def perm_logdir(c):
    v = f"""
        import logging
        import os

        LOG_DIR = "/var/log/{c.word}"


        def setup_logging():
            os.makedirs(LOG_DIR, exist_ok=True)
            os.chmod(LOG_DIR, 0o{c.pick("777", "1777", "757")})  #@V
            logging.basicConfig(filename=os.path.join(LOG_DIR, "app.log"), level=logging.INFO)
            return logging.getLogger("{c.word}")


        if __name__ == "__main__":
            setup_logging().info("started")
    """
    s = "\n".join(l.rstrip() for l in v.replace("#@V", "").split("\n"))
    import re
    s = re.sub(r"os\.chmod\(LOG_DIR, 0o\d+\)", "os.chmod(LOG_DIR, 0o750)", s)
    return Spec(v=v, s=s, full=True, notes="anyone can replace or forge log files")
