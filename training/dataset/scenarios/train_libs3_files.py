"""Train-only file-system families on APIs no other family uses (groups 22, 434, 377, 732/276):
shutil.unpack_archive of an uploaded tarball without an extraction filter, a paramiko SFTP pull
that saves files under the names of the remote listing, boto3 downloads to a local path joined
from the object key, a Pyramid upload saved under the client's name into a static view, a
CherryPy upload whose extension check reads the first suffix, a /dev/shm segment with a
predictable name opened with os.open and mmap, a python-daemon DaemonContext started with umask
0, and a cachelib FileSystemCache (pickled values) whose files are made world-writable.

Framework labels: the record schema knows no CherryPy, so those modules are labelled "script";
python-daemon and SFTP jobs are "script"/"cli"/"pipeline" by their entry point. Written without
reading the held-out or val_* families; every family here goes to train (generate.assign_splits).
"""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-22: shutil.unpack_archive of an uploaded tarball ----------------


def _unpack_app(c, safe: bool) -> str:
    w = c.word
    what, root, field = c.pick(("plugin", "PLUGIN_DIR", "bundle"), ("theme", "THEME_DIR", "theme_pack"),
                               ("dataset", "DATASET_DIR", "archive"))
    fmt = c.pick("gztar", "tar", "bztar")
    flt = ', filter="data"' if safe else ""
    mark = "" if safe else "  #@V"
    if c.fw == "flask":
        body = f"""
            @app.route("/{w}s/{what}s/<slug>", methods=["PUT", "POST"])
            def upload_{what}(slug):
                if not SLUG.fullmatch(slug):
                    abort(400)
                upload = request.files["{field}"]  #@S
                with tempfile.NamedTemporaryFile(suffix=".tar") as tmp:
                    upload.save(tmp)
                    tmp.flush()
                    shutil.unpack_archive(tmp.name, os.path.join({root}, slug), format="{fmt}"{flt}){mark}
                files = sorted(os.listdir(os.path.join({root}, slug)))
                app.logger.info("installed %s %s (%d entries)", "{what}", slug, len(files))
                return jsonify({what}=slug, files=files)
        """
        return _mod("import os\nimport re\nimport shutil\nimport tempfile\n\nfrom flask import Flask, abort, jsonify, request",
                    f'app = Flask(__name__)\n{root} = os.environ.get("{root}", "/srv/{w}/{what}s")\n'
                    f'SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{{0,40}}")', body)
    if c.fw == "django":
        body = f"""
            @login_required
            @require_POST
            def upload_{what}(request, slug):
                if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{{0,40}}", slug):
                    return HttpResponseBadRequest("invalid name")
                upload = request.FILES["{field}"]  #@S
                with tempfile.NamedTemporaryFile(suffix=".tar") as tmp:
                    for chunk in upload.chunks():
                        tmp.write(chunk)
                    tmp.flush()
                    shutil.unpack_archive(tmp.name, os.path.join({root}, slug), format="{fmt}"{flt}){mark}
                return JsonResponse({{"{what}": slug, "files": sorted(os.listdir(os.path.join({root}, slug)))}})
        """
        imps = ("import os\nimport re\nimport shutil\nimport tempfile\n\n"
                "from django.conf import settings\n"
                "from django.contrib.auth.decorators import login_required\n"
                "from django.http import HttpResponseBadRequest, JsonResponse\n"
                "from django.views.decorators.http import require_POST")
        return _mod(imps, f'{root} = os.path.join(settings.MEDIA_ROOT, "{what}s")', body)
    body = f"""
        def handle_import(raw):
            job = json.loads(raw)
            tenant = int(job["tenant_id"])
            archive = os.path.join(INCOMING, os.path.basename(job["upload_name"]))  #@S
            dest = os.path.join({root}, str(tenant))
            shutil.unpack_archive(archive, dest, format="{fmt}"{flt}){mark}
            os.remove(archive)
            log.info("tenant %s: unpacked %s into %s", tenant, archive, dest)
            return sorted(os.listdir(dest))


        def consume(q):
            while True:
                raw = q.get()
                if raw is None:
                    break
                handle_import(raw)
                q.task_done()
    """
    return _mod("import json\nimport logging\nimport os\nimport shutil",
                f'log = logging.getLogger("{w}.imports")\nINCOMING = "/srv/{w}/incoming"\n{root} = "/srv/{w}/{what}s"', body)


@fam("pt-shutil-unpack-archive-upload", "CWE-22", fws=["flask", "django", "pipeline", "pipeline"], n=8, wrap=False)
def pt_unpack_archive(c):
    v, s = _twin(c, _unpack_app)
    return Spec(v=v, s=s, full=True,
                notes="shutil.unpack_archive hands a tarball to tarfile's extractall; without an extraction filter "
                      "(the default before Python 3.14) member names like ../../app/settings.py, absolute paths and "
                      "symlinks to outside locations are written as given, so the uploader overwrites files outside "
                      "the target directory; the fix passes filter=\"data\", which rejects such members")


@hardneg(3)
def pt_unpack_archive_hn(c):
    w = c.word
    body = f"""
        def main(argv=None):
            parser = argparse.ArgumentParser(description="Install a vendor release of the {w} service")
            parser.add_argument("archive")
            parser.add_argument("--version", required=True)
            args = parser.parse_args(argv)
            with tempfile.TemporaryDirectory(prefix="{w}-release-") as staging:
                shutil.unpack_archive(args.archive, staging, format="gztar", filter="data")
                target = os.path.join(RELEASES, args.version)
                shutil.copytree(staging, target, dirs_exist_ok=False)
            print("installed", target)


        if __name__ == "__main__":
            main()
    """
    return Spec(s=_mod("import argparse\nimport os\nimport shutil\nimport tempfile", f'RELEASES = "/opt/{w}/releases"', body),
                full=True, fw="cli",
                notes="unpack_archive with filter=\"data\": members escaping the staging directory, absolute names "
                      "and outside links are refused")


# ---------------- CWE-22: paramiko SFTP pull saved under the remote listing's names ----------------


def _sftp_job(c, safe: bool) -> str:
    w = c.word
    host = c.pick("sftp.partner-bank.example", "files.logistics-partner.example", "sftp.supplier.example")
    key = c.pick("/etc/{w}/sftp_ed25519", "/srv/{w}/keys/partner_ed25519").replace("{w}", w)
    shape = c.pick("attr-get", "names-getfo")
    guard = ""
    if shape == "attr-get":
        if safe:
            guard = """
                    if entry.filename != os.path.basename(entry.filename) or entry.filename.startswith("."):
                        log.warning("skipping remote name %r", entry.filename)
                        continue"""
        loop = f"""
                for entry in sftp.listdir_attr(REMOTE_DIR):  #@S
                    if not stat.S_ISREG(entry.st_mode) or entry.st_mtime <= since:
                        continue{guard}
                    local = os.path.join(INBOX, entry.filename){"" if safe else "  #@V"}
                    sftp.get(posixpath.join(REMOTE_DIR, entry.filename), local){"" if safe else "  #@V"}
                    fetched.append(local)"""
        imps = "import logging\nimport os\nimport posixpath\nimport stat\n\nimport paramiko"
    else:
        if safe:
            guard = """
                    if name != os.path.basename(name) or name.startswith("."):
                        log.warning("skipping remote name %r", name)
                        continue"""
        loop = f"""
                for name in sftp.listdir(REMOTE_DIR):  #@S{guard}
                    if sftp.stat(posixpath.join(REMOTE_DIR, name)).st_mtime <= since:
                        continue
                    local = os.path.join(INBOX, name){"" if safe else "  #@V"}
                    with open(local, "wb") as fh:{"" if safe else "  #@V"}
                        sftp.getfo(posixpath.join(REMOTE_DIR, name), fh)
                    fetched.append(local)"""
        imps = "import logging\nimport os\nimport posixpath\n\nimport paramiko"
    std, third = imps.split("\n\n")
    extra = {"cli": ["argparse", "time"], "script": ["time"]}.get(c.fw, [])
    std = "\n".join(sorted(std.split("\n") + ["import " + m for m in extra]))
    imps = std + "\n\n" + third
    consts = f"""
        log = logging.getLogger("{w}.sftp_pull")
        SFTP_HOST = "{host}"
        SFTP_USER = "{w}-sync"
        KEY_FILE = "{key}"
        REMOTE_DIR = "/outgoing/{w}s"
        INBOX = "/srv/{w}/inbox"
    """
    funcs = f"""
        def open_sftp():
            client = paramiko.SSHClient()
            client.load_system_host_keys()
            client.connect(SFTP_HOST, username=SFTP_USER, key_filename=KEY_FILE, timeout=30)
            return client, client.open_sftp()


        def pull_new_files(since):
            client, sftp = open_sftp()
            fetched = []
            try:{loop}
            finally:
                sftp.close()
                client.close()
            log.info("fetched %d files from %s", len(fetched), SFTP_HOST)
            return fetched
    """
    if c.fw == "cli":
        entry = """
            def main(argv=None):
                parser = argparse.ArgumentParser(description="Pull new partner files over SFTP")
                parser.add_argument("--since-hours", type=int, default=24)
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                for path in pull_new_files(time.time() - args.since_hours * 3600):
                    print(path)


            if __name__ == "__main__":
                main()
        """
    elif c.fw == "script":
        entry = """
            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                pull_new_files(time.time() - 86400)
        """
    else:
        entry = """
            def handle_pull(message):
                return {"files": pull_new_files(float(message["since"]))}
        """
    return _mod(imps, consts, funcs, entry)


@fam("pt-paramiko-sftp-listing-get", "CWE-22", fws=["script", "cli", "pipeline", "cli"], n=8, wrap=False)
def pt_sftp_listing(c):
    v, s = _twin(c, _sftp_job)
    return Spec(v=v, s=s, full=True,
                notes="the file names come from the partner server's directory listing, which paramiko returns as "
                      "sent; a compromised or malicious server can list a name such as ../../home/svc/.ssh/"
                      "authorized_keys, and the local path joined from it makes get()/open() write outside the inbox; "
                      "the fix skips names that are not a plain last path component")


@hardneg(3)
def pt_sftp_listing_hn(c):
    w = c.word
    body = f"""
        def pull_reports(sftp):
            saved = []
            for name in sftp.listdir(REMOTE_DIR):
                if not SAFE_NAME.fullmatch(name):
                    log.warning("ignoring remote file %r", name)
                    continue
                local = os.path.join(INBOX, name)
                sftp.get(posixpath.join(REMOTE_DIR, name), local)
                saved.append(local)
            return saved
    """
    consts = f"""
        log = logging.getLogger("{w}.sftp_pull")
        REMOTE_DIR = "/outgoing/{w}s"
        INBOX = "/srv/{w}/inbox"
        SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{{0,100}}\\.csv")
    """
    return Spec(s=_mod("import logging\nimport os\nimport posixpath\nimport re", consts, body), full=True,
                fw=c.pick("script", "pipeline"),
                notes="remote names must match a plain-file pattern (no slash, not starting with a dot) before "
                      "they become local paths")


# ---------------- CWE-22: boto3 download to a local path joined from the object key ----------------


@fam("pt-boto3-download-file-key", "CWE-22", fws=["pipeline"], keys=["key", "object_key", "s3_key"], n=8)
def pt_boto3_download(c):
    _pin(c)
    x, w = c.x, c.word
    api = c.pick("client", "resource", "fileobj")
    guard = c.pick("if os.path.commonpath([local, CACHE_DIR]) != CACHE_DIR:",
                   "if not local.startswith(CACHE_DIR + os.sep):")
    if api == "client":
        fetch = f"s3.download_file(BUCKET, {x}, local)  #@V"
        client = 's3 = boto3.client("s3")'
    elif api == "resource":
        fetch = f"bucket.download_file({x}, local)  #@V"
        client = 'bucket = boto3.resource("s3").Bucket(BUCKET)'
    else:
        fetch = f'with open(local, "wb") as fh:  #@V\n    s3.download_fileobj(BUCKET, {x}, fh)'
        client = 's3 = boto3.client("s3")'
    work = c.pick(
        "with open(local, newline=\"\", encoding=\"utf-8\") as fh:\n    rows = sum(1 for _ in csv.reader(fh))\nresult = {\"key\": "
        + x + ", \"rows\": rows}",
        "result = {\"key\": " + x + ", \"bytes\": os.path.getsize(local), \"cached\": local}",
    )
    fetch_ind = fetch.replace("\n", "\n        ")
    work_ind = work.replace("\n", "\n        ")
    v = f"""
        local = os.path.join(CACHE_DIR, {x})  #@V
        os.makedirs(os.path.dirname(local), exist_ok=True)
        {fetch_ind}
        {work_ind}
    """
    s = f"""
        local = os.path.realpath(os.path.join(CACHE_DIR, {x}))
        {guard}
            raise ValueError("object key escapes the cache directory")
        os.makedirs(os.path.dirname(local), exist_ok=True)
        {fetch_ind.replace("  #@V", "")}
        {work_ind}
    """
    helpers = f"""
        BUCKET = os.environ.get("INCOMING_BUCKET", "{w}-incoming")
        CACHE_DIR = os.path.realpath("/var/cache/{w}/objects")
        {client}
    """
    imps = "import os\nimport boto3" + ("\nimport csv" if "csv" in work else "")
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="the key comes from an upload notification: anyone allowed to upload into the bucket chooses it, "
                      "and S3 keys may contain ../ segments, so the local path joined from it lets the download "
                      "overwrite files outside the cache directory; the fix resolves the path and checks it stays "
                      "inside the cache")


@hardneg(3)
def pt_boto3_download_hn(c):
    x = c.x
    s = f"""
        suffix = os.path.splitext({x})[1].lower()
        if suffix not in (".csv", ".json", ".parquet"):
            raise ValueError("unsupported object type")
        local = os.path.join(CACHE_DIR, uuid.uuid4().hex + suffix)
        s3.download_file(BUCKET, {x}, local)
        result = {{"key": {x}, "cached": os.path.basename(local), "bytes": os.path.getsize(local)}}
    """
    helpers = f"""
        BUCKET = os.environ.get("UPLOAD_BUCKET", "{c.word}-uploads")
        CACHE_DIR = "/var/cache/{c.word}/objects"
        s3 = boto3.client("s3")
    """
    return Spec(s=s, imports="import os\nimport uuid\nimport boto3", helpers=helpers,
                notes="the local file name is generated; the object key only selects what to download")


# ---------------- CWE-434: Pyramid upload saved under the client's name into a static view ----------------


def _pyramid_upload(c, safe: bool) -> str:
    w = c.word
    kind, field, sub, allowed = c.pick(
        ("avatar", "avatar", "avatars", '{".png", ".jpg", ".jpeg", ".gif", ".webp"}'),
        ("attachment", "file", "attachments", '{".pdf", ".png", ".jpg", ".txt", ".csv"}'),
        ("logo", "logo", "logos", '{".png", ".jpg", ".jpeg"}'),
    )
    read = c.pick(f'request.POST.get("{field}")', f'request.params.get("{field}")')
    if safe:
        name = ("ext = os.path.splitext(field.filename)[1].lower()\n"
                "if ext not in ALLOWED_EXTENSIONS:\n"
                '    raise HTTPBadRequest(json_body={"error": "file type not allowed"})\n'
                "name = uuid.uuid4().hex + ext")
    else:
        name = "name = os.path.basename(field.filename)  #@V"
    name = name.replace("\n", "\n" + " " * 12)
    body = f"""
        @view_config(route_name="{w}_{kind}_upload", request_method="POST", renderer="json")
        def upload_{kind}(request):
            userid = request.authenticated_userid
            if userid is None:
                raise HTTPForbidden()
            field = {read}  #@S
            if field is None or not getattr(field, "filename", None):
                raise HTTPBadRequest(json_body={{"error": "no file"}})
            {name}
            dest = os.path.join(UPLOAD_DIR, f"{{userid}}-{{name}}"){"" if safe else "  #@V"}
            with open(dest, "wb") as out:{"" if safe else "  #@V"}
                shutil.copyfileobj(field.file, out)
            log.info("user %s uploaded %s", userid, name)
            return {{"url": request.static_url(dest)}}


        def main(global_config, **settings):
            with Configurator(settings=settings) as config:
                config.include("{w}.security")
                config.add_route("{w}_{kind}_upload", "/{w}s/{kind}s")
                config.add_static_view(name="static", path=STATIC_DIR)
                config.scan()
            return config.make_wsgi_app()
    """
    imps = ("import logging\nimport os\nimport shutil\n" + ("import uuid\n" if safe else "") +
            "\nfrom pyramid.config import Configurator\n"
            "from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden\n"
            "from pyramid.view import view_config")
    consts = (f'log = logging.getLogger(__name__)\nSTATIC_DIR = "/srv/{w}/static"\n'
              f'UPLOAD_DIR = os.path.join(STATIC_DIR, "{sub}")' + (f"\nALLOWED_EXTENSIONS = {allowed}" if safe else ""))
    return _mod(imps, consts, body)


@fam("upload-pyramid-static-view-name", "CWE-434", fws=["pyramid"], n=8, wrap=False)
def upload_pyramid(c):
    v, s = _twin(c, _pyramid_upload)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the upload keeps the client's file name and extension and lands in the directory Pyramid serves "
                      "with add_static_view, which picks the Content-Type from the extension: an .html or .svg file is "
                      "served as a page of the application's own origin (stored script, session theft); the fix "
                      "allows only the expected extensions and stores the file under a generated name")


@hardneg(3)
def upload_pyramid_hn(c):
    w = c.word
    body = f"""
        @view_config(route_name="{w}_import", request_method="POST", renderer="json")
        def import_{w}s(request):
            if request.authenticated_userid is None:
                raise HTTPForbidden()
            field = request.POST.get("file")
            if field is None or not getattr(field, "filename", None):
                raise HTTPBadRequest(json_body={{"error": "no file"}})
            if os.path.splitext(field.filename)[1].lower() != ".csv":
                raise HTTPBadRequest(json_body={{"error": "only .csv files are accepted"}})
            dest = os.path.join(IMPORT_DIR, uuid.uuid4().hex + ".csv")
            with open(dest, "wb") as out:
                shutil.copyfileobj(field.file, out)
            return {{"import_id": os.path.basename(dest)[:-4]}}
    """
    imps = ("import os\nimport shutil\nimport uuid\n\nfrom pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden\n"
            "from pyramid.view import view_config")
    return Spec(s=_mod(imps, f'IMPORT_DIR = "/var/lib/{w}/imports"', body), full=True, fw="pyramid",
                notes="one allowed extension, a generated name, and a directory that no static view serves")


# ---------------- CWE-434: CherryPy upload whose extension check reads the first suffix ----------------


def _cherrypy_upload(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    allowed = c.pick('{"pdf", "png", "jpg", "txt"}', '{"pdf", "docx", "xlsx", "csv"}', '{"png", "jpg", "jpeg", "gif"}')
    shape = c.pick("index", "parts")
    if safe:
        ext = 'ext = os.path.splitext(filename)[1].lower().lstrip(".")'
    elif shape == "index":
        ext = 'ext = filename.split(".")[1].lower() if "." in filename else ""  #@V'
    else:
        ext = 'parts = filename.lower().split(".")\n' + " " * 16 + 'ext = parts[1] if len(parts) > 1 else ""  #@V'
    port = c.pick("8080", "8081", "9000")
    body = f"""
        class {W}Files:
            @cherrypy.expose
            @cherrypy.tools.allow(methods=["POST"])
            @cherrypy.tools.json_out()
            def upload(self, attachment):
                filename = os.path.basename(attachment.filename)  #@S
                {ext}
                if ext not in ALLOWED:{"" if safe else "  #@V"}
                    raise cherrypy.HTTPError(415, "file type not allowed")
                stored = uuid.uuid4().hex[:8] + "-" + filename
                with open(os.path.join(UPLOAD_DIR, stored), "wb") as out:
                    while True:
                        chunk = attachment.file.read(65536)
                        if not chunk:
                            break
                        out.write(chunk)
                return {{"url": "/{w}s/files/" + stored}}


        CONFIG = {{
            "/files": {{"tools.staticdir.on": True, "tools.staticdir.dir": UPLOAD_DIR}},
        }}


        if __name__ == "__main__":
            cherrypy.config.update({{"server.socket_port": {port}, "server.max_request_body_size": 20 * 1024 * 1024}})
            cherrypy.quickstart({W}Files(), "/{w}s", CONFIG)
    """
    return _mod("import os\nimport uuid\n\nimport cherrypy",
                f'UPLOAD_DIR = "/srv/{w}/public/files"\nALLOWED = {allowed}', body)


@fam("upload-cherrypy-first-suffix", "CWE-434", fws=["script"], n=8, wrap=False)
def upload_cherrypy(c):
    v, s = _twin(c, _cherrypy_upload)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the extension check reads the first dot-separated part of the name, so report.pdf.html passes "
                      "as pdf and is stored with its real .html suffix in the directory CherryPy's staticdir serves, "
                      "where it is delivered as text/html from the application's origin; the fix checks the last "
                      "suffix (os.path.splitext)")


@hardneg(3)
def upload_cherrypy_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f"""
        class {W}Uploads:
            @cherrypy.expose
            @cherrypy.tools.allow(methods=["POST"])
            @cherrypy.tools.json_out()
            def upload(self, attachment):
                ext = os.path.splitext(attachment.filename or "")[1].lower()
                if ext not in {{".pdf", ".png", ".jpg"}}:
                    raise cherrypy.HTTPError(415, "file type not allowed")
                stored = uuid.uuid4().hex + ext
                with open(os.path.join(UPLOAD_DIR, stored), "wb") as out:
                    out.write(attachment.file.read())
                return {{"id": stored}}
    """
    return Spec(s=_mod("import os\nimport uuid\n\nimport cherrypy", f'UPLOAD_DIR = "/srv/{w}/uploads"', body),
                full=True, fw="script", notes="the last suffix is checked against an allow-list and the name is generated")


# ---------------- CWE-377: predictable /dev/shm segment opened with os.open ----------------


@fam("tmp-dev-shm-predictable-segment", "CWE-377", fws=["script", "cli", "pipeline"],
     keys=["job_id", "frame_id", "batch"], n=8)
def tmp_dev_shm(c):
    _pin(c)
    x, w = c.x, c.word
    seg = c.fmt("/dev/shm/" + w + "-{}.seg", "job", style=c.pick("fstring", "percent", "format"))
    shape = c.pick("os-open", "open-wb")
    if shape == "os-open":
        v_open = f"""
            seg_path = {seg}  #@V
            fd = os.open(seg_path, os.O_RDWR | os.O_CREAT, 0o600)  #@V
            try:
                os.ftruncate(fd, len(payload))
                with mmap.mmap(fd, len(payload)) as buf:
                    buf[:] = payload
            finally:
                os.close(fd)
        """
        s_open = f"""
            fd, seg_path = tempfile.mkstemp(prefix="{w}-", suffix=".seg", dir="/dev/shm")
            try:
                os.ftruncate(fd, len(payload))
                with mmap.mmap(fd, len(payload)) as buf:
                    buf[:] = payload
            finally:
                os.close(fd)
        """
    else:
        v_open = f"""
            seg_path = {seg}  #@V
            with open(seg_path, "w+b") as fh:  #@V
                fh.truncate(len(payload))
                with mmap.mmap(fh.fileno(), len(payload)) as buf:
                    buf[:] = payload
        """
        s_open = f"""
            fd, seg_path = tempfile.mkstemp(prefix="{w}-", suffix=".seg", dir="/dev/shm")
            with os.fdopen(fd, "w+b") as fh:
                fh.truncate(len(payload))
                with mmap.mmap(fh.fileno(), len(payload)) as buf:
                    buf[:] = payload
        """
    tail = f"""
        try:
            proc = subprocess.run([RENDERER, "--segment", seg_path, "--size", str(len(payload))], timeout=300)
        finally:
            os.unlink(seg_path)
        result = proc.returncode
    """
    head = f"job = int({x})\npayload = json.dumps(build_snapshot(job)).encode(\"utf-8\")"
    v = head + "\n" + dedent(v_open).rstrip() + "\n" + dedent(tail).rstrip()
    s = head + "\n" + dedent(s_open).rstrip() + "\n" + dedent(tail).rstrip()
    helpers = f"""
        RENDERER = "/opt/{w}/bin/{c.pick("render-worker", "rasterize", "encoder")}"


        def build_snapshot(ident):
            return {{"id": ident, "created": time.time(), "host": os.uname().nodename}}
    """
    return Spec(v=v, s=s, imports="import json\nimport mmap\nimport os\nimport subprocess\nimport time",
                simports="import tempfile", helpers=helpers,
                notes="/dev/shm is world-writable like /tmp, and the segment name is built from the job id, which "
                      "other local users can guess: one who pre-creates it (or a symlink to a file of the service "
                      "account) gets the snapshot data or makes the open follow the link and truncate that file; "
                      "the fix creates the segment with mkstemp (random name, O_EXCL, mode 0600)")


@hardneg(3)
def tmp_dev_shm_hn(c):
    x = c.x
    s = f"""
        payload = json.dumps({{"id": {x}, "created": time.time()}}).encode("utf-8")
        shm = shared_memory.SharedMemory(create=True, size=len(payload))
        try:
            shm.buf[:len(payload)] = payload
            proc = subprocess.run([RENDERER, "--shm-name", shm.name, "--size", str(len(payload))], timeout=300)
        finally:
            shm.close()
            shm.unlink()
        result = proc.returncode
    """
    return Spec(s=s, imports="import json\nimport subprocess\nimport time\nfrom multiprocessing import shared_memory",
                helpers=f'RENDERER = "/opt/{c.word}/bin/render-worker"',
                notes="multiprocessing.shared_memory picks a random segment name and creates it exclusively with mode 0600")


# ---------------- CWE-276: python-daemon DaemonContext with umask 0 ----------------


def _daemon_mod(c, safe: bool) -> str:
    w = c.word
    bad = c.pick("0", "0o000")
    shape = c.pick("kwarg", "attr")
    poll = c.pick("15", "30", "60")
    mark = "" if safe else "  #@V"
    umask = "0o027" if safe else bad
    if shape == "kwarg":
        ctx = ("context = daemon.DaemonContext(\n"
               "    working_directory=SPOOL_DIR,\n"
               f"    umask={umask},{mark}\n"
               "    pidfile=TimeoutPIDLockFile(PID_FILE, acquire_timeout=5),\n"
               "    files_preserve=[handler.stream],\n"
               ")")
    else:
        ctx = ("context = daemon.DaemonContext(working_directory=SPOOL_DIR, files_preserve=[handler.stream])\n"
               "context.pidfile = TimeoutPIDLockFile(PID_FILE, acquire_timeout=5)\n"
               f"context.umask = {umask}{mark}")
    ctx = ctx.replace("\n", "\n" + " " * 16)
    funcs = f"""
        def process_batch():
            os.makedirs(OUT_DIR, exist_ok=True)
            for name in sorted(os.listdir(IN_DIR)):
                src = os.path.join(IN_DIR, name)
                with open(src, encoding="utf-8") as fh:
                    records = [line for line in fh.read().splitlines() if line.strip()]
                with open(os.path.join(OUT_DIR, name + ".result"), "w", encoding="utf-8") as fh:
                    fh.write(json.dumps({{"source": name, "records": len(records)}}) + "\\n")
                os.remove(src)
                log.info("processed %s (%d records)", name, len(records))
    """
    if c.fw == "cli":
        main = f"""
            def main(argv=None):
                parser = argparse.ArgumentParser(description="{w} spool daemon")
                parser.add_argument("--foreground", action="store_true")
                args = parser.parse_args(argv)
                handler = logging.FileHandler(LOG_FILE)
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
                log.addHandler(handler)
                log.setLevel(logging.INFO)
                if args.foreground:
                    run_forever()
                    return
                {ctx}
                with context:
                    run_forever()


            if __name__ == "__main__":
                main()
        """
    else:
        main = f"""
            def main():
                handler = logging.FileHandler(LOG_FILE)
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
                log.addHandler(handler)
                log.setLevel(logging.INFO)
                {ctx}
                with context:
                    run_forever()


            if __name__ == "__main__":
                main()
        """
    loop = f"""
        def run_forever():
            while True:
                try:
                    process_batch()
                except OSError:
                    log.exception("batch failed")
                time.sleep({poll})
    """
    imps = ("import argparse\n" if c.fw == "cli" else "") + \
        "import json\nimport logging\nimport os\nimport time\n\nimport daemon\nfrom daemon.pidfile import TimeoutPIDLockFile"
    consts = f"""
        SPOOL_DIR = "/var/spool/{w}"
        IN_DIR = os.path.join(SPOOL_DIR, "in")
        OUT_DIR = os.path.join(SPOOL_DIR, "out")
        LOG_FILE = "/var/log/{w}/{w}d.log"
        PID_FILE = "/run/{w}/{w}d.pid"
        log = logging.getLogger("{w}d")
    """
    return _mod(imps, consts, funcs, loop, main)


@fam("perm-python-daemon-umask-zero", "CWE-276", fws=["script", "cli"], n=8, wrap=False)
def perm_daemon_umask(c):
    v, s = _twin(c, _daemon_mod)
    return Spec(v=v, s=s, full=True,
                notes="DaemonContext sets the process umask to the given value (0, which is also python-daemon's "
                      "default), so every file and directory the daemon creates afterwards (the out/ directory "
                      "and the result files in it) is world-writable (0666/0777) and any local user can alter the "
                      "results; the fix daemonizes with umask 0o027")


@hardneg(3)
def perm_daemon_umask_hn(c):
    w = c.word
    body = f"""
        def main():
            with daemon.DaemonContext(working_directory=STATE_DIR, umask=0o077,
                                      pidfile=TimeoutPIDLockFile(PID_FILE)):
                while True:
                    with open(os.path.join(STATE_DIR, "heartbeat"), "w", encoding="utf-8") as fh:
                        fh.write(str(int(time.time())))
                    time.sleep(30)


        if __name__ == "__main__":
            main()
    """
    consts = f'STATE_DIR = "/var/lib/{w}"\nPID_FILE = "/run/{w}/{w}-agent.pid"'
    return Spec(s=_mod("import os\nimport time\n\nimport daemon\nfrom daemon.pidfile import TimeoutPIDLockFile",
                       consts, body), full=True, fw="script",
                notes="the daemon context sets a restrictive umask (0o077): files it creates are owner-only")


# ---------------- CWE-732: cachelib FileSystemCache files made world-writable ----------------


def _cachelib_mod(c, safe: bool) -> str:
    w = c.word
    mode = c.pick("0o666", "0o777")
    threshold = c.pick("2000", "5000", "10000")
    key = c.pick("slug", "region", "sku")
    shape = c.pick("get-set", "has-get")
    if shape == "get-set":
        lookup = f"""
            result = fragments.get(cache_key)
            if result is None:
                result = build_summary({key})
                fragments.set(cache_key, result, timeout=300)"""
    else:
        lookup = f"""
            if fragments.has(cache_key):
                result = fragments.get(cache_key)
            else:
                result = build_summary({key})
                fragments.add(cache_key, result, timeout=300)"""
    lookup = dedent(lookup).replace("\n", "\n    ")
    cache_line = (f"fragments = FileSystemCache(CACHE_DIR, threshold={threshold}, default_timeout=600, "
                  f"mode={'0o600' if safe else mode})" + ("" if safe else "  #@V"))
    consts = f"""
        CACHE_DIR = "/var/cache/{w}/fragments"
        DATA_FILE = "/srv/{w}/data/summary.json"
        log = logging.getLogger("{w}.summary")
    """
    helper = """
        def build_summary(value):
            with open(DATA_FILE, encoding="utf-8") as fh:
                data = json.load(fh)
            items = data.get(value, [])
            log.debug("summary for %r: %d items", value, len(items))
            return {"key": value, "count": len(items), "items": items[:50]}
    """
    if c.fw == "flask":
        imps = "import json\nimport logging\n\nfrom cachelib import FileSystemCache\nfrom flask import Flask, jsonify"
        pre = "app = Flask(__name__)\n" + cache_line
        view = (f'@app.route("/{w}s/<{key}>/summary")\ndef {w}_summary({key}):\n'
                f'    cache_key = f"{w}:summary:{{{key}}}"\n    {lookup}\n    return jsonify(result)')
    elif c.fw == "fastapi":
        imps = "import json\nimport logging\n\nfrom cachelib import FileSystemCache\nfrom fastapi import FastAPI"
        pre = "app = FastAPI()\n" + cache_line
        view = (f'@app.get("/{w}s/{{{key}}}/summary")\ndef {w}_summary({key}: str):\n'
                f'    cache_key = f"{w}:summary:{{{key}}}"\n    {lookup}\n    return result')
    else:
        imps = "import json\nimport logging\n\nfrom cachelib import FileSystemCache"
        pre = cache_line
        view = (f'def handle_{w}(message):\n    {key} = message["{key}"]\n'
                f'    cache_key = "{w}:summary:" + {key}\n    {lookup}\n    return result\n\n\n'
                f"def consume(q):\n    while True:\n        raw = q.get()\n        if raw is None:\n            break\n"
                f"        handle_{w}(json.loads(raw))\n        q.task_done()")
    return _mod(imps, dedent(consts) + "\n" + pre, helper, view)


@fam("perm-cachelib-filesystem-cache-mode", "CWE-732", fws=["flask", "fastapi", "pipeline"], n=8, wrap=False)
def perm_cachelib(c):
    state = c.snapshot()
    mode = c.pick("0o666", "0o777")
    c.restore(state)
    v, s = _twin(c, _cachelib_mod)
    return Spec(v=v, s=s, full=True,
                notes=f"cachelib's FileSystemCache pickles each value into its own file and unpickles it on get; "
                      f"mode={mode} is applied to every cache file, so every local user can rewrite them (a crafted pickle runs "
                      "code in the service on the next read) and every local user can read the cached data; the fix "
                      "keeps the cache files owner-only (0o600)")


@hardneg(3)
def perm_cachelib_hn(c):
    x, w = c.x, c.word
    s = f"""
        cache_key = "{w}:rates:" + {x}
        result = rates.get(cache_key)
        if result is None:
            result = load_rates({x})
            rates.set(cache_key, result)
    """
    helpers = f"""
        rates = FileSystemCache("/var/cache/{w}/rates", threshold=500, default_timeout=900, mode=0o600)


        def load_rates(region):
            with open("/srv/{w}/data/rates.json", encoding="utf-8") as fh:
                return json.load(fh).get(region, {{}})
    """
    return Spec(s=s, imports="import json\nfrom cachelib import FileSystemCache", helpers=helpers,
                notes="FileSystemCache with mode=0o600: the pickled cache files stay owner-only")
