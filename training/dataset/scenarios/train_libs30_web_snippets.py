"""Train-only snippet families (libs30 web set): short examples in the shape of CWE example suites,
tutorials and Stack Overflow answers, for web weaknesses in shapes no other family uses.

- upload-magic-prefix-client-extension (434): an avatar / scan upload is checked only by its first bytes
  (a hand-written signature tuple or ``filetype.guess``), then stored under the client's own (sanitised)
  name and extension in a folder the app serves; a GIF/PNG/PDF-prefixed ``x.html`` passes. The fix names
  the file after the detected type (random stem + the extension of the detected kind).
- upload-bottle-litestar-kept-extension (434): Bottle's ``FileUpload.save(dir)`` / a Litestar ``UploadFile``
  written into a served media folder under the client's file name, no extension allow-list; the fix adds one.
- redirect-single-slash-prefix-check (601): Bottle / Quart / Tornado login or logout redirects whose only check
  is ``startswith("/")``, ``"://" not in url`` or an empty ``urlsplit(...).scheme``: ``//evil.example`` passes.
- xxe-expat-external-entity-handler (611): a pyexpat parser given an ``ExternalEntityRefHandler`` that fetches
  the entity's system id (``urlopen`` / ``open``), so ``<!ENTITY x SYSTEM "file:///etc/passwd">`` is inlined;
  the fix resolves only the ids of a fixed local catalogue.
- ssrf-host-blocklist-literal (918): a link preview / image proxy that blocks a list of host strings or literal
  private IPs, missing DNS names that resolve inside, decimal / short IPv4 forms, IPv6 and redirects; the fix
  resolves the host, checks every address with ``ipaddress`` and does not follow redirects.
- redos-overlapping-quantifier-line-parser (1333): a CSS declaration / ``key = value;`` / N-th CSV field regex
  whose adjacent quantifiers overlap (``\\s*(.*?)\\s*;``, ``^(.*,){6}``): polynomial backtracking on a line
  without the terminator; the fix makes the pieces disjoint.
- pt-pkgutil-get-data-resource (22): help pages / e-mail templates read with ``pkgutil.get_data(pkg, "pages/" +
  name)``, which joins ``..`` components unchecked; the fix accepts only a known page name.

Written without reading the held-out or validation builders; every family here goes to train.
"""
from core import Spec
from registry import WEB_FWS, fam, hardneg


# ---------------- CWE-434: magic-bytes check, client's extension kept ----------------

_SIGS = {
    "image": [('b"\\x89PNG\\r\\n\\x1a\\n"', ".png"), ('b"\\xff\\xd8\\xff"', ".jpg"), ('b"GIF87a"', ".gif"),
              ('b"GIF89a"', ".gif")],
    "pdf": [('b"%PDF-"', ".pdf")],
}


def _magic_parts(c, safe):
    """(kind, extra imports, module constant, check lines, naming lines); ABORT / NAME / FNAME / CLEAN are
    placeholders the framework fills in."""
    kind = c.pick("image", "image", "pdf")
    how = c.pick("table", "filetype")
    imps = []
    if how == "table":
        sigs = _SIGS[kind]
        if not safe:
            const = c.pick("ALLOWED_SIGNATURES", "MAGIC_PREFIXES", "SIGNATURES")
            helper = f"{const} = (" + ", ".join(s for s, _ in sigs) + ("," if len(sigs) == 1 else "") + ")"
            check = [f"if not head.startswith({const}):", "    ABORT"]
            name = ["NAME = CLEAN(FNAME)  #@V"]
        else:
            const = c.pick("EXT_BY_SIGNATURE", "KNOWN_TYPES")
            helper = f"{const} = {{" + ", ".join(f'{s}: "{e}"' for s, e in sigs) + "}"
            check = [f"ext = next((e for sig, e in {const}.items() if head.startswith(sig)), None)",
                     "if ext is None:", "    ABORT"]
            name = ["NAME = secrets.token_hex(16) + ext"]
            imps.append("import secrets")
    else:
        imps.append("import filetype")
        mimes = ('{"image/png", "image/jpeg", "image/gif", "image/webp"}' if kind == "image"
                 else '{"application/pdf"}')
        helper = f"ALLOWED_MIME = {mimes}"
        check = ["guessed = filetype.guess(head)", "if guessed is None or guessed.mime not in ALLOWED_MIME:",
                 "    ABORT"]
        if safe:
            name = ['NAME = f"{uuid.uuid4().hex}.{guessed.extension}"']
            imps.append("import uuid")
        else:
            name = ["NAME = CLEAN(FNAME)  #@V"]
    return kind, imps, helper, check, name


def _upload_magic(c, safe):
    fw = c.fw
    st = c.snapshot()
    kind, imps, helper, check, name = _magic_parts(c, safe)
    c.restore(st)
    c.pick("image", "image", "pdf"), c.pick("table", "filetype")  # keep later draws aligned with the twin
    field = c.pick("avatar", "photo", "picture") if kind == "image" else c.pick("scan", "document", "statement")
    folder = c.pick(f"{field}s", "uploads", "user-media")
    fname = c.pick("name", "stored_name", "filename")
    upl = c.pick("upload", "f", "incoming")
    sv = "" if safe else "  #@V"
    abort = {"flask": "abort(415)", "django": 'return HttpResponseBadRequest("unsupported file type")',
             "aiohttp": 'raise web.HTTPUnsupportedMediaType(text="unsupported file type")'}[fw]
    clean = {"flask": "secure_filename", "django": "get_valid_filename", "aiohttp": "secure_filename"}[fw]
    fattr = "name" if fw == "django" else "filename"
    chk = [l.replace("ABORT", abort) for l in check]
    nm = [l.replace("FNAME", f"{upl}.{fattr}").replace("CLEAN", clean).replace("NAME", fname) for l in name]
    clean_imp = {"flask": "from werkzeug.utils import secure_filename",
                 "django": "from django.utils.text import get_valid_filename",
                 "aiohttp": "from werkzeug.utils import secure_filename"}[fw]
    if fw == "flask":
        std = sorted(["import os"] + imps)
        third = ["from flask import Flask, abort, jsonify, request, url_for"] + ([] if safe else [clean_imp])
        pre = ["app = Flask(__name__)", f'UPLOAD_DIR = os.path.join(app.static_folder, "{folder}")', helper]
        body = ([f'@app.post("/{c.word}s/{field}")', f"def upload_{field}():",
                 f'    {upl} = request.files["{field}"]  #@S', f"    head = {upl}.stream.read(32)"]
                + ["    " + l for l in chk] + [f"    {upl}.stream.seek(0)"] + ["    " + l for l in nm]
                + [f"    {upl}.save(os.path.join(UPLOAD_DIR, {fname})){sv}",
                   f'    return jsonify(url=url_for("static", filename="{folder}/" + {fname}))'])
    elif fw == "django":
        std = sorted(imps)
        third = ["from django.core.files.storage import default_storage",
                 "from django.http import HttpResponseBadRequest, JsonResponse"] + ([] if safe else [clean_imp]) + [
                 "from django.views.decorators.http import require_POST"]
        pre = [helper]
        body = (["@require_POST", f"def upload_{field}(request):",
                 f'    {upl} = request.FILES["{field}"]  #@S', f"    head = {upl}.read(32)"]
                + ["    " + l for l in chk] + [f"    {upl}.seek(0)"] + ["    " + l for l in nm]
                + [f'    saved = default_storage.save("{folder}/" + {fname}, {upl}){sv}',
                   '    return JsonResponse({"url": default_storage.url(saved)})'])
    else:
        std = sorted(["import shutil"] + imps) + ["from pathlib import Path"]
        third = ["from aiohttp import web"] + ([] if safe else [clean_imp])
        pre = [f'MEDIA_ROOT = Path("/srv/{c.word}/{folder}")', helper]
        body = ([f"async def upload_{field}(request):",
                 f'    {upl} = (await request.post())["{field}"]  #@S', f"    head = {upl}.file.read(32)"]
                + ["    " + l for l in chk] + [f"    {upl}.file.seek(0)"] + ["    " + l for l in nm]
                + [f'    with open(MEDIA_ROOT / {fname}, "wb") as out:{sv}',
                   f"        shutil.copyfileobj({upl}.file, out)",
                   f'    return web.json_response({{"url": "/media/" + {fname}}})',
                   "", "", "app = web.Application()", f'app.router.add_post("/{c.word}s/{field}", upload_{field})',
                   'app.router.add_static("/media/", MEDIA_ROOT)'])
    lines = std + ([""] if std else []) + third + ["", ""] + pre + ["", ""] + body
    return "\n".join(lines) + "\n", kind


@fam("upload-magic-prefix-client-extension", "CWE-434", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def upload_magic(c):
    st = c.snapshot()
    v, kind = _upload_magic(c, False)
    c.restore(st)
    s, _ = _upload_magic(c, True)
    what = "an image" if kind == "image" else "a PDF"
    return Spec(v=v, s=s, full=True,
                notes=f"only the first bytes are checked ({what} signature) and the stored name keeps the client's "
                      "extension: a file that starts with the signature but is named x.html / x.xhtml / x.php is "
                      "saved in the served folder and served as that type (stored script in the app's origin, or "
                      "code if the folder is behind a PHP-enabled server); the fix names the file after the "
                      "detected type with a random stem, so the client's extension is never used")


@hardneg(3)
def upload_magic_hn(c):
    s, _ = _upload_magic(c, True)
    return Spec(s=s, full=True, notes="the stored name is a random stem plus the extension of the type detected "
                                      "from the content; the client's file name is not used")


# ---------------- CWE-434: Bottle FileUpload.save / Litestar UploadFile, client extension kept ----------------


def _bottle_upload(c, safe, hard=False):
    field = c.pick("upload", "attachment", "image")
    folder = c.pick("/srv/site/media", "/var/www/uploads", f"/srv/{c.word}/files")
    exts = c.pick('(".png", ".jpg", ".jpeg", ".gif")', '(".pdf", ".png", ".jpg")', '(".csv", ".txt", ".pdf")')
    up = c.pick("upload", "f", "fileobj")
    mode = c.pick("save-dir", "save-path")
    cat = c.pick(True, False)
    w = c.word
    sv = "" if safe or hard else "  #@V"
    lines = ["import os"] + (["import uuid"] if hard else []) + ["",
             "from bottle import Bottle, abort, request, static_file", "", "app = Bottle()",
             f'MEDIA_DIR = "{folder}"'] + ([f"ALLOWED_EXTENSIONS = {exts}"] if safe or hard else []) + ["", "",
             f'@app.post("/{w}s/<{w}_id:int>/{field}")', f"def add_{field}({w}_id):",
             f'    {up} = request.files.get("{field}")  #@S', f"    if {up} is None:", '        abort(400, "no file")']
    if safe or hard:
        lines += [f"    _, ext = os.path.splitext({up}.filename)", "    if ext.lower() not in ALLOWED_EXTENSIONS:",
                  '        abort(400, "file type not allowed")']
    if hard:
        lines += ["    stored = uuid.uuid4().hex + ext.lower()", f"    {up}.save(os.path.join(MEDIA_DIR, stored))"]
        shown = "stored"
    elif mode == "save-dir":
        lines += [f"    {up}.save(MEDIA_DIR){sv}"]
        shown = f"{up}.filename"
    else:
        lines += [f"    {up}.save(os.path.join(MEDIA_DIR, {up}.filename)){sv}"]
        shown = f"{up}.filename"
    extra = ', "category": request.forms.get("category", "")' if cat else ""
    lines += [f'    return {{"{w}": {w}_id, "file": {shown}{extra}}}', "", "",
              '@app.get("/media/<path:path>")', "def media(path):", "    return static_file(path, root=MEDIA_DIR)"]
    return "\n".join(lines) + "\n"


def _litestar_upload(c, safe, hard=False):
    c.pick("data", "payload", "form")  # keep later draws aligned: Litestar injects the body only into `data`
    field = "data"
    folder = c.pick("media", "uploads", "public")
    exts = c.pick('{".png", ".jpg", ".jpeg", ".webp"}', '{".pdf", ".png", ".jpg"}')
    w = c.word
    sv = "" if safe or hard else "  #@V"
    lines = ["from pathlib import Path"] + (["from uuid import uuid4"] if hard else []) + ["",
             "from litestar import Litestar, post", "from litestar.datastructures import UploadFile",
             "from litestar.enums import RequestEncodingType", "from litestar.exceptions import ClientException",
             "from litestar.params import Body", "from litestar.static_files import create_static_files_router", "",
             f'MEDIA_DIR = Path("/srv/{w}/{folder}")'] + ([f"ALLOWED_SUFFIXES = {exts}"] if safe or hard else []) + [
             "", "", f'@post("/{w}s/upload")',
             f"async def upload_{w}_file({field}: UploadFile = Body(media_type=RequestEncodingType.MULTI_PART)) -> dict:  #@S",
             f"    content = await {field}.read()"]
    if c.pick(True, False):
        lines += ["    if len(content) > MAX_UPLOAD_BYTES:", '        raise ClientException(detail="file too large")']
        lines.insert(lines.index(f'MEDIA_DIR = Path("/srv/{w}/{folder}")') + 1, f"MAX_UPLOAD_BYTES = {c.pick(5, 10, 20)} * 1024 * 1024")
    elif not (safe or hard):
        lines.remove("from litestar.exceptions import ClientException")
    if safe or hard:
        lines += [f"    suffix = Path({field}.filename).suffix.lower()", "    if suffix not in ALLOWED_SUFFIXES:",
                  '        raise ClientException(detail="file type not allowed")']
    name = "uuid4().hex + suffix" if hard else f"Path({field}.filename).name"
    lines += [f"    stored = MEDIA_DIR / {name}{sv}", f"    stored.write_bytes(content){sv}",
              f'    return {{"url": f"/{folder}/{{stored.name}}", "size": len(content)}}', "", "",
              f"app = Litestar(route_handlers=[upload_{w}_file, "
              f'create_static_files_router(path="/{folder}", directories=[MEDIA_DIR])])']
    return "\n".join(lines) + "\n"


@fam("upload-bottle-litestar-kept-extension", "CWE-434", fws=["bottle", "litestar", "bottle"], n=8, wrap=False)
def upload_bottle_litestar(c):
    build = _bottle_upload if c.fw == "bottle" else _litestar_upload
    st = c.snapshot()
    v = build(c, False)
    c.restore(st)
    s = build(c, True)
    return Spec(v=v, s=s, full=True, fw="flask" if c.fw == "bottle" else "starlette",
                notes="the upload is written into the folder the app serves under the client's file name (Bottle's "
                      "FileUpload.save / Path(filename).name only strip directories), with no extension allow-list: "
                      "an .html or .svg file is served back with a scripting type from the app's origin, and a .php / "
                      ".phtml file runs if the folder sits behind a PHP-enabled server; the fix accepts only the listed "
                      "extensions")


@hardneg(3)
def upload_bottle_litestar_hn(c):
    build = _bottle_upload if c.fw == "bottle" else _litestar_upload
    return Spec(s=build(c, True, hard=True), full=True, fw="flask" if c.fw == "bottle" else "starlette",
                notes="extension allow-list and a random stored name; the client's name is never a path")


# ---------------- CWE-601: single-slash / scheme-only check fooled by //evil.example ----------------


def _redirect_module(c, safe, hard=False):
    fw = c.fw
    key = c.pick("next", "return_to", "continue", "back")
    var = c.pick("target", "dest", "next_url", "return_url")
    home = c.pick("/", "/dashboard", f"/{c.word}s")
    check = c.pick("slash", "scheme-substr", "urlsplit")
    if safe or hard:
        chk = [f"parts = urlsplit({var})",
               f'local = {var}.startswith("/") and not {var}.startswith("//") and "\\\\" not in {var} and {var}.isprintable()',
               f"if parts.scheme or parts.netloc or not local:",
               f'    {var} = "{home}"']
        imp_u = True
    elif check == "slash":
        chk = [f'if not {var}.startswith("/"):  #@V', f'    {var} = "{home}"']
        imp_u = False
    elif check == "scheme-substr":
        chk = [f'if "://" in {var}:  #@V', f'    {var} = "{home}"']
        imp_u = False
    else:
        chk = [f"if urlsplit({var}).scheme:  #@V", f'    {var} = "{home}"']
        imp_u = True
    rv = "" if safe or hard else "  #@V"
    action = c.pick("login", "logout", "lang")
    if fw == "bottle":
        imps = ["from bottle import Bottle, redirect, request, response"]
        pre = ["app = Bottle()"]
        if action == "login":
            head = ['@app.post("/login")', "def login():",
                    '    user = check_credentials(request.forms.get("username", ""), request.forms.get("password", ""))',
                    "    if user is None:", '        return redirect("/login?failed=1")',
                    '    response.set_cookie("session", issue_session(user), secret=SESSION_SECRET, httponly=True, secure=True)']
            src = f'    {var} = request.query.get("{key}") or "{home}"  #@S'
            imps.append(f"from {c.word}_auth import SESSION_SECRET, check_credentials, issue_session")
        elif action == "logout":
            head = ['@app.get("/logout")', "def logout():", '    response.delete_cookie("session")']
            src = f'    {var} = request.query.get("{key}", "{home}")  #@S'
        else:
            head = ['@app.get("/lang/<code>")', "def set_language(code):",
                    '    response.set_cookie("lang", code[:5], max_age=31536000, path="/")']
            src = f'    {var} = request.query.get("{key}") or "{home}"  #@S'
        tail = [f"    redirect({var}){rv}"]
    elif fw == "quart":
        imps = ["from quart import Quart, redirect, request, session"]
        pre = ["app = Quart(__name__)", f'app.secret_key = os.environ["{c.word.upper()}_SECRET_KEY"]']
        if action == "login":
            head = ['@app.post("/login")', "async def login():", "    form = await request.form",
                    '    user = await authenticate(form.get("email", ""), form.get("password", ""))',
                    "    if user is None:", '        return redirect("/login?failed=1")', '    session["uid"] = user.id']
            imps.append(f"from {c.word}_auth import authenticate")
        elif action == "logout":
            head = ['@app.get("/logout")', "async def logout():", "    session.clear()"]
        else:
            head = ['@app.get("/lang/<code>")', "async def set_language(code):", '    session["lang"] = code[:5]']
        src = f'    {var} = request.args.get("{key}") or "{home}"  #@S'
        tail = [f"    return redirect({var}){rv}"]
        imps.insert(0, "import os")
    else:
        imps = ["import tornado.web"]
        pre = []
        cls = {"login": "LoginHandler", "logout": "LogoutHandler", "lang": "LanguageHandler"}[action]
        if action == "login":
            head = [f"class {cls}(tornado.web.RequestHandler):", "    def post(self):",
                    '        user = check_credentials(self.get_body_argument("username", ""), self.get_body_argument("password", ""))',
                    "        if user is None:", '            raise tornado.web.HTTPError(401)',
                    '        self.set_signed_cookie("uid", str(user.id), httponly=True, secure=True)']
            imps.append(f"from {c.word}_auth import check_credentials")
        elif action == "logout":
            head = [f"class {cls}(tornado.web.RequestHandler):", "    def get(self):", '        self.clear_cookie("uid")']
        else:
            head = [f"class {cls}(tornado.web.RequestHandler):", "    def get(self, code):",
                    '        self.set_cookie("lang", code[:5], expires_days=365)']
        src = f'        {var} = self.get_argument("{key}", "{home}")  #@S'
        chk = ["    " + l for l in chk]
        tail = [f"        self.redirect({var}){rv}"]
        route = {"login": '(r"/login", LoginHandler)', "logout": '(r"/logout", LogoutHandler)',
                 "lang": '(r"/lang/([a-z]{2}(?:-[A-Z]{2})?)", LanguageHandler)'}[action]
        tail += ["", "", "def make_app():",
                 f'    return tornado.web.Application([{route}], cookie_secret=os.environ["COOKIE_SECRET"])']
        imps.insert(0, "import os")
    if imp_u:
        imps.insert(0, "from urllib.parse import urlsplit")
    std = sorted(l for l in imps if l.startswith("import ") and l.split()[1] in ("os",))
    std += [l for l in imps if l.startswith("from urllib")]
    rest = [l for l in imps if l not in std]
    lines = std + ([""] if std else []) + rest + [""]
    if pre:
        lines += [""] + pre + [""]
    lines += [""] + head + [src] + ["    " + l for l in chk] + tail
    return "\n".join(lines) + "\n"


@fam("redirect-single-slash-prefix-check", "CWE-601", fws=["bottle", "quart", "tornado"], n=8, wrap=False)
def redirect_single_slash(c):
    # the first draw of the context's rng lands on the same entry for this family's seeds, and a second single draw
    # on only two of the three: draw the order, then the framework, so Bottle, Quart and Tornado all render
    c.fw = c.pick(*c.pick(("bottle", "quart", "tornado"), ("tornado", "bottle", "quart")))
    st = c.snapshot()
    v = _redirect_module(c, False)
    c.restore(st)
    s = _redirect_module(c, True)
    return Spec(v=v, s=s, full=True, fw="tornado" if c.fw == "tornado" else "flask",
                notes="the check only asks for a leading '/', no '://' or no scheme, but a scheme-relative "
                      "'//evil.example/login' passes all three and browsers follow it to evil.example (Tornado also "
                      "sends '/\\evil.example' as is, which browsers read the same way; '///evil.example', which "
                      "urlsplit reads as a path, leads there too): an open redirect; the fix accepts only a path with "
                      "one leading slash, no scheme, no host, no backslash and no control characters")


@hardneg(3)
def redirect_single_slash_hn(c):
    c.fw = c.pick("bottle", "quart", "tornado")
    return Spec(s=_redirect_module(c, False, hard=True), full=True, fw="tornado" if c.fw == "tornado" else "flask",
                notes="the target must be a local path: one leading slash, no scheme, no network location, no "
                      "backslash")


def _body_source(c):
    """XML documents and pasted lines travel in a request body, not in a header, cookie or path segment."""
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"


# ---------------- CWE-611: pyexpat ExternalEntityRefHandler fetching the system id ----------------


def _xml_arg(c, x):
    return f'open({x}, "rb").read()' if c.fw == "cli" else x


@fam("xxe-expat-external-entity-handler", "CWE-611", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["xml", "document", "manifest"], n=8)
def xxe_expat_handler(c):
    _body_source(c)
    x = c.x
    p = c.pick("parser", "xp", "expat_parser")
    out = c.pick("chunks", "text_parts", "pieces")
    fetch = c.pick("urlopen", "open")
    what = c.pick("text", "titles")
    if fetch == "urlopen":
        vfetch = "with urlopen(urljoin(base or ENTITY_BASE, system_id), timeout=10) as fh:  #@V"
        imps = "from urllib.parse import urljoin\nfrom urllib.request import urlopen"
        helpers = f'ENTITY_BASE = "https://{c.word}.example.com/dtd/"'
    else:
        vfetch = 'with open(os.path.join(ENTITY_DIR, system_id), "rb") as fh:  #@V'
        imps = "import os"
        helpers = f'ENTITY_DIR = "/usr/share/{c.word}/entities"'
    if c.pick("docbook", "own") == "docbook":
        catalog = ['"-//OASIS//ENTITIES DocBook Character Entities V4.5//EN": "/usr/share/xml/docbook/dbcentx.mod"',
                   '"isolat1.ent": "/usr/share/xml/entities/isolat1.ent"']
    else:
        catalog = [f'"{c.word}-common.ent": "/usr/share/{c.word}/entities/common.ent"',
                   f'"{c.word}-units.ent": "/usr/share/{c.word}/entities/units.ent"']
    if what == "text":
        handlers = [f"{p}.CharacterDataHandler = {out}.append"]
        res = f'result = " ".join("".join({out}).split())[:2000]'
    else:
        handlers = [f'{p}.StartElementHandler = lambda tag, attrs: {out}.append(attrs.get("title", "")) '
                    'if tag == "section" else None']
        res = f"result = [t for t in {out} if t]"
    pre = [f"{out} = []", f"{p} = expat.ParserCreate()"] + handlers + [""]
    vh = ["def _resolve_entity(context, base, system_id, public_id):",
          f"    sub = {p}.ExternalEntityParserCreate(context)",
          "    " + vfetch, "        sub.ParseFile(fh)", "    return 1", ""]
    sh = (["known = {"] + ["    " + e + "," for e in catalog] + ["}", "",
          "def _resolve_entity(context, base, system_id, public_id):",
          "    local = known.get(public_id) or known.get(system_id)",
          "    if local is None:",
          "        return 0  # an unknown external entity stops the parse with an ExpatError",
          f"    sub = {p}.ExternalEntityParserCreate(context)",
          '    with open(local, "rb") as fh:',
          "        sub.ParseFile(fh)", "    return 1", ""])
    post = [f"{p}.ExternalEntityRefHandler = _resolve_entity", f"{p}.Parse({_xml_arg(c, x)}, True)", res]
    v = "\n".join(pre + vh + [post[0] + "  #@V"] + post[1:])
    s = "\n".join(pre + sh + post)
    how = ("urlopen of the id joined to a base URL, and an absolute file:// or http://169.254.169.254/ id replaces "
           "the base" if fetch == "urlopen" else
           "os.path.join with the id, and an absolute id such as /etc/passwd replaces the directory")
    sysid = "file:///etc/passwd" if fetch == "urlopen" else "/etc/passwd"
    if what == "text":
        effect = "is read and inlined into the returned text"
    elif fetch == "urlopen":
        effect = ("is fetched while parsing, and so is any http:// id: requests to internal hosts and the metadata "
                  "service (SSRF), local files opened")
    else:
        effect = ("is opened while parsing: any local file is probed (an error for a missing or unreadable one), "
                  "and a device or FIFO id hangs the worker")
    return Spec(v=v, s=s, imports="from xml.parsers import expat\n" + imps, helpers=helpers,
                notes="the expat parser gets an ExternalEntityRefHandler that loads whatever system id the document "
                      f"declares ({how}), so <!ENTITY x SYSTEM \"{sysid}\"> referenced in the submitted XML {effect} "
                      "(XXE); the fix resolves only the ids of a fixed local catalogue and stops the parse on any "
                      "other")


@hardneg(3)
def xxe_expat_handler_hn(c):
    _body_source(c)
    x = c.x
    p = c.pick("parser", "xp")
    if c.pick("plain", "defused") == "plain":
        s = f"""
            titles = []
            {p} = expat.ParserCreate()
            {p}.StartElementHandler = lambda tag, attrs: titles.append(attrs.get("title", "")) if tag == "section" else None
            {p}.Parse({_xml_arg(c, x)}, True)
            result = [t for t in titles if t]
        """
        return Spec(s=s, imports="from xml.parsers import expat",
                    notes="plain pyexpat with no ExternalEntityRefHandler: external entities are reported, never "
                          "fetched")
    s = f"""
        root = DefusedET.fromstring({_xml_arg(c, x)})
        result = [sec.get("title", "") for sec in root.iter("section")]
    """
    return Spec(s=s, imports="import defusedxml.ElementTree as DefusedET",
                notes="defusedxml refuses entity declarations and external references")


# ---------------- CWE-918: host blocklist that misses names, other IP spellings and redirects ----------------


@fam("ssrf-host-blocklist-literal", "CWE-918", fws=WEB_FWS + ["pipeline"], keys=["url", "image_url", "link"], n=8)
def ssrf_blocklist(c):
    x = c.x
    client = c.pick("requests", "httpx")
    shape = c.pick("set", "prefix", "ipaddress")
    use = {"url": c.pick("preview", "fetch"), "image_url": "image", "link": "preview"}[c.key]
    hv = c.pick("host", "hostname", "target_host")
    if shape == "set":
        vchk = [f'{hv} = (urlsplit({x}).hostname or "").lower()',
                f'if {hv} in {{"localhost", "127.0.0.1", "0.0.0.0", "169.254.169.254", "metadata.google.internal"}}:  #@V',
                '    raise ValueError("blocked destination")']
        vimps = "from urllib.parse import urlsplit"
    elif shape == "prefix":
        vchk = [f'{hv} = urlsplit({x}).hostname or ""',
                f'if {hv}.startswith(("127.", "10.", "192.168.", "172.16.", "169.254.", "localhost")):  #@V',
                '    raise ValueError("internal addresses are not allowed")']
        vimps = "from urllib.parse import urlsplit"
    else:
        vchk = [f'{hv} = urlsplit({x}).hostname or ""',
                "try:",
                f"    literal = ipaddress.ip_address({hv})",
                "except ValueError:",
                "    literal = None  # a host name, not an address",
                "if literal is not None and (literal.is_private or literal.is_loopback):  #@V",
                '    raise ValueError("private address")']
        vimps = "import ipaddress\nfrom urllib.parse import urlsplit"
    schk = [f"parts = urlsplit({x})",
            'if parts.scheme not in ("http", "https") or not parts.hostname:',
            '    raise ValueError("only http(s) URLs are accepted")',
            "for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):",
            "    if not ipaddress.ip_address(info[4][0]).is_global:",
            '        raise ValueError("destination is not a public address")']
    if client == "requests":
        vcall = f"r = requests.get({x}, timeout=5, headers=HEADERS)  #@V"
        scall = f"r = requests.get({x}, timeout=5, headers=HEADERS, allow_redirects=False)"
        imps = "import requests"
        rnote = "and requests follows redirects, so a public page answering 302 to an internal URL is fetched too"
    else:
        vcall = f"r = httpx.get({x}, timeout=5, headers=HEADERS, follow_redirects=True)  #@V"
        scall = f"r = httpx.get({x}, timeout=5, headers=HEADERS, follow_redirects=False)"
        imps = "import httpx"
        rnote = "and follow_redirects=True follows a public page's 302 to an internal URL"
    ua = c.pick("LinkPreview/1.4", f"{c.word.capitalize()}Bot/2.0", "ImageProxy/0.9")
    if use == "image":
        after = ['if not r.headers.get("content-type", "").startswith("image/"):',
                 '    raise ValueError("not an image")',
                 'result = {"bytes": len(r.content), "type": r.headers["content-type"]}']
    elif use == "preview":
        after = ['m = re.search(r"<title[^>]*>([^<]{0,200})</title>", r.text, re.I)',
                 'result = {"status": r.status_code, "title": m.group(1).strip() if m else None}']
        imps += "\nimport re"
    else:
        after = ['result = {"status": r.status_code, "length": len(r.content), "body": r.text[:500]}']
    v = "\n".join(vchk + [vcall] + after)
    s = "\n".join(schk + [scall] + after)
    return Spec(v=v, s=s, imports=imps, vimports=vimps,
                simports="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit",
                helpers=f'HEADERS = {{"User-Agent": "{ua}"}}',
                notes="the check compares the host text with a few names or literal private addresses: a DNS name "
                      "that resolves to 127.0.0.1 or 169.254.169.254, http://2130706433/, http://127.1/ or "
                      "http://[::1]/ (for the prefix and set lists) pass, " + rnote + " (SSRF); the fix resolves the "
                      "host, requires every address to be global and does not follow redirects")


@hardneg(3)
def ssrf_blocklist_hn(c):
    x = c.x
    host = c.pick("api.github.com", "graph.facebook.com", f"cdn.{c.word}-partner.example.net")
    s = f"""
        r = requests.get("https://{host}/v1/lookup", params={{"q": {x}}}, timeout=5)
        r.raise_for_status()
        result = r.json()
    """
    return Spec(s=s, imports="import requests",
                notes="the host is a fixed partner API; the input only travels as an encoded query parameter")


# ---------------- CWE-1333: overlapping adjacent quantifiers in a line parser ----------------


@fam("redos-overlapping-quantifier-line-parser", "CWE-1333", fws=WEB_FWS + ["pipeline", "cli"],
     keys=["style", "line", "row"], n=8)
def redos_line_parser(c):
    _body_source(c)
    x = c.x
    shape = {"style": "css", "line": c.pick("kv", "css"), "row": "field"}[c.key]
    rx = c.pick("decl_re", "pattern", "line_re") if shape != "field" else c.pick("status_re", "row_re", "field_re")
    if shape == "css":
        bad = r'^\s*([a-z-]+)\s*:\s*(.*?)\s*;\s*$'
        good = r'([a-z-]+)\s*:([^;]*);'
        allowed = c.pick('{"color", "background-color", "font-weight", "text-align"}',
                         '{"color", "font-style", "text-decoration"}')
        loop_v = [f"for decl in {x}.split(\"\\n\"):", f"    m = {rx}.match(decl)",
                  "    if m and m.group(1) in ALLOWED:", "        kept.append(f\"{m.group(1)}: {m.group(2)}\")"]
        loop_s = [f"for decl in {x}.split(\"\\n\"):", f"    m = {rx}.fullmatch(decl.strip())",
                  "    if m and m.group(1) in ALLOWED:", "        kept.append(f\"{m.group(1)}: {m.group(2).strip()}\")"]
        helpers_extra = f"ALLOWED = {allowed}"
        pre = ["kept = []"]
        res = 'result = "; ".join(kept)'
        why = ("'color:' followed by thousands of spaces and no ';' makes \\s*, the lazy (.*?) and \\s* share the "
               "same spaces: cubic backtracking per declaration")
    elif shape == "kv":
        bad = r'^\s*(\w+)\s*=\s*(.*?)\s*;\s*$'
        good = r'(\w+)\s*=([^;]*);'
        loop_v = [f"for raw in {x}.splitlines():", f"    m = {rx}.match(raw)", "    if m:",
                  "        settings[m.group(1)] = m.group(2)"]
        loop_s = [f"for raw in {x}.splitlines():", f"    m = {rx}.fullmatch(raw.strip())", "    if m:",
                  "        settings[m.group(1)] = m.group(2).strip()"]
        helpers_extra = ""
        pre = ["settings = {}"]
        res = "result = settings"
        why = ("a line 'a=' followed by thousands of spaces and no ';' makes \\s*, the lazy (.*?) and \\s* share "
               "the same spaces: cubic backtracking")
    else:
        n = c.pick(5, 6, 7)
        status = c.pick("REFUNDED", "CANCELLED", "FLAGGED")
        bad = rf'^(.*,){{{n}}}{status}(,|$)'
        good = rf'^(?:[^,\n]*,){{{n}}}{status}(?:,|$)'
        loop_v = [f"for raw in {x}.splitlines():", f"    if {rx}.match(raw):", "        hits.append(raw)"]
        loop_s = loop_v
        helpers_extra = ""
        pre = ["hits = []"]
        res = "result = len(hits)"
        why = (f"(.*,){{{n}}} lets every '.*' also eat commas, so a row of a few hundred commas without the "
               f"status makes the engine try every way to split them into {n} groups (polynomial of degree {n})")
    vh = f'{rx} = re.compile(r"{bad}")  #@V'
    sh = f'{rx} = re.compile(r"{good}")'
    use_v = [l + ("  #@V" if ".match(" in l or ".fullmatch(" in l else "") for l in loop_v]
    v = "\n".join(pre + use_v + [res])
    s = "\n".join(pre + loop_s + [res])
    # the compiled pattern is a module constant; the helpers differ between the twins, so put it in the body
    v = vh + "\n" + v
    s = sh + "\n" + s
    return Spec(v=v, s=s, imports="import re", helpers=helpers_extra,
                notes="developer-written pattern run on request data: " + why + " (ReDoS); the fix makes the "
                      "quantified pieces disjoint (a negated class up to the terminator, strip() in Python), so "
                      "matching is linear")


@hardneg(3)
def redos_line_parser_hn(c):
    _body_source(c)
    x = c.x
    shape = c.pick("split", "disjoint")
    if shape == "split":
        s = f"""
            settings = {{}}
            for raw in {x}.splitlines():
                name, sep, value = raw.partition("=")
                if sep and re.fullmatch(r"\\w{{1,64}}", name.strip()):
                    settings[name.strip()] = value.strip().rstrip(";").strip()
            result = settings
        """
    else:
        s = f"""
            rows = [r for r in {x}.splitlines() if re.match(r"^(?:[^,\\n]*,){{6}}FLAGGED(?:,|$)", r)]
            result = len(rows)
        """
    return Spec(s=s, imports="import re", notes="regexes whose quantified parts cannot match the same characters "
                                                "(negated classes up to a separator), linear on any input")


# ---------------- CWE-22: pkgutil.get_data with a request-chosen resource name ----------------


@fam("pt-pkgutil-get-data-resource", "CWE-22", fws=WEB_FWS + ["cli"], keys=["page", "topic", "template"], n=8)
def pt_pkgutil(c):
    x = c.x
    pkg = c.pick(f"{c.word}_help", f"{c.word}app", "helpdesk")
    sub = {"page": "pages", "topic": "help", "template": "mail_templates"}[c.key]
    ext = c.pick(".md", ".txt", ".html")
    how = c.pick("concat", "fmt")
    res_expr = f'"{sub}/" + {x}' if how == "concat" else c.fmt(sub + "/{}", x)
    fix = c.pick("set", "regex")
    if fix == "set":
        helpers = f"AVAILABLE = {{" + ", ".join(f'"{n}{ext}"' for n in c.pick(
            ("getting-started", "billing", "api-keys"), ("welcome", "reset", "invoice"), ("faq", "shipping", "returns"))) + "}"
        guard = [f"if {x} not in AVAILABLE:", '    raise ValueError("unknown page")']
        simps = ""
    else:
        helpers = ""
        guard = [f'if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{{0,63}}\\{ext}", {x}):', '    raise ValueError("bad page name")']
        simps = "import re"
    body = [f"raw = pkgutil.get_data(\"{pkg}\", {res_expr})  #@V",
            "if raw is None:", '    raise LookupError("resource loader cannot read files")',
            'result = raw.decode("utf-8")']
    v = "\n".join(body)
    s = "\n".join(guard + [body[0].replace("  #@V", "")] + body[1:])
    return Spec(v=v, s=s, imports="import pkgutil", simports=simps, helpers=helpers,
                notes="pkgutil.get_data splits the resource name on '/' and joins the parts to the package "
                      "directory without rejecting '..' (the documentation only says it is not allowed), so "
                      f"'../../../../etc/passwd' as the {c.key} reads any file the process can read (path "
                      "traversal); the fix accepts only a known page name")


@hardneg(3)
def pt_pkgutil_hn(c):
    x = c.x
    pkg = c.pick("helpdesk", f"{c.word}_help")
    shape = c.pick("map", "fixed")
    if shape == "map":
        s = f"""
            pages = {{"start": "pages/getting-started.md", "billing": "pages/billing.md", "keys": "pages/api-keys.md"}}
            raw = pkgutil.get_data("{pkg}", pages.get({x}, "pages/index.md"))
            result = raw.decode("utf-8") if raw else ""
        """
    else:
        s = f"""
            raw = pkgutil.get_data("{pkg}", "data/countries.json")
            result = [row for row in json.loads(raw) if row["code"].lower() == str({x}).lower()]
        """
    return Spec(s=s, imports="import pkgutil" + ("\nimport json" if shape == "fixed" else ""),
                notes="the resource name comes from a fixed mapping or a constant; the input only selects or filters")
