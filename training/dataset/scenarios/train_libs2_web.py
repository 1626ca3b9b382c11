"""Train-only web families on libraries and code shapes no other family uses: dominate and yattag
HTML builders, a bare Werkzeug WSGI app, send_from_directory with a user-chosen directory, treq in a
Klein app, the websockets server's max_size, Django's DATA_UPLOAD_MAX_* settings, and a Django
middleware's process_exception.

Groups: XSS (79), open redirect (601), path traversal (22), SSRF (918), resource allocation without limits (770, group 400/1333),
error messages (209). Written without reading the held-out families; every family here goes to train
(generate.assign_splits).

Framework labels: the record schema knows no Klein, bare Werkzeug or websockets server, so those
modules are labelled "script"."""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam


def _ind(block: str, n: int) -> str:
    return "\n".join(" " * n + l if l.strip() else "" for l in dedent(block).split("\n"))


# ---------------- CWE-79: dominate.util.raw around a request value ----------------


def _dominate_page(c, safe: bool) -> str:
    w, W, x = c.word, c.word.capitalize(), c.x
    shape = c.pick("search", "welcome", "error")
    if shape == "search":
        title, param = f"{W} search", "q"
        vline = f'dom_util.raw(f"No {w}s match <b>{{{x}}}</b>")  #@V'
        sline = f't.span("No {w}s match ", t.b({x}))'
    elif shape == "welcome":
        title, param = f"{W} portal", "display_name"
        vline = f'dom_util.raw("Welcome back, <strong>" + {x} + "</strong>!")  #@V'
        sline = f't.span("Welcome back, ", t.strong({x}), "!")'
    else:
        title, param = f"{W} not found", "ref"
        vline = f'dom_util.raw("<p>We could not find {w} <code>%s</code>.</p>" % {x})  #@V'
        sline = f't.p("We could not find {w} ", t.code({x}), ".")'
    line = sline if safe else vline
    build = f"""
        def build_page({x}):
            doc = dominate.document(title="{title}")
            with doc.head:
                t.link(rel="stylesheet", href="/static/site.css")
            with doc:
                with t.div(cls="container"):
                    t.h1("{title}")
                    {line}
                    t.a("Back to the list", href="/{w}s/")
            return doc.render()
    """
    if c.fw == "flask":
        imps = "import dominate\nfrom dominate import tags as t\nfrom dominate import util as dom_util\nfrom flask import Flask, request"
        pre = "app = Flask(__name__)"
        handler = f"""
            @app.route("/{w}s/page")
            def {w}_page():
                {x} = request.args.get("{param}", "")  #@S
                return build_page({x}[:200])
        """
    elif c.fw == "django":
        imps = ("import dominate\nfrom django.http import HttpResponse\nfrom dominate import tags as t\n"
                "from dominate import util as dom_util")
        pre = ""
        handler = f"""
            def {w}_page(request):
                {x} = request.GET.get("{param}", "")  #@S
                return HttpResponse(build_page({x}[:200]))
        """
    else:
        imps = ("import dominate\nfrom dominate import tags as t\nfrom dominate import util as dom_util\n"
                "from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse")
        pre = "app = FastAPI()"
        handler = f"""
            @app.get("/{w}s/page", response_class=HTMLResponse)
            async def {w}_page({param}: str = ""):
                {x} = {param}[:200]  #@S
                return HTMLResponse(build_page({x}))
        """
    if safe:
        imps = imps.replace("from dominate import util as dom_util\n", "").replace("\nfrom dominate import util as dom_util", "")
    return _mod(imps, pre, build, handler)


@fam("xss-dominate-util-raw", "CWE-79", fws=["flask", "django", "fastapi"], n=8, wrap=False)
def xss_dominate_raw(c):
    v, s = _twin(c, _dominate_page)
    return Spec(v=v, s=s, full=True,
                notes="dominate escapes text children of tags, but dominate.util.raw inserts its string as markup; "
                      "the request value is concatenated into it unescaped (reflected XSS)")


@hardneg(4)
def xss_dominate_raw_hn(c):
    w, W, x = c.word, c.word.capitalize(), c.x
    body = f"""
        FOOTER_HTML = "<small>&copy; 2024 {W} Ltd &middot; <a href=\\"/privacy\\">Privacy</a></small>"


        def build_page({x}):
            doc = dominate.document(title="{W}s")
            with doc:
                t.h1("{W}s tagged ", t.em({x}))
                t.div(dom_util.raw(FOOTER_HTML), cls="footer")
            return doc.render()
    """
    handler = f"""
        @app.route("/{w}s/tagged")
        def tagged():
            {x} = request.args.get("tag", "")
            return build_page({x})
    """
    return Spec(s=_mod("import dominate\nfrom dominate import tags as t\nfrom dominate import util as dom_util\nfrom flask import Flask, request",
                       "app = Flask(__name__)", body, handler),
                full=True, fw="flask", notes="raw() only wraps a constant footer; the tag from the request is a text child, which dominate escapes")


# ---------------- CWE-79: yattag doc.asis with a request value ----------------


def _yattag_page(c, safe: bool) -> str:
    w, x = c.word, c.x
    field = c.pick("signature", "bio", "comment", "status_message")
    val = f'html.escape({x}).replace("\\n", "<br>")' if safe else f'{x}.replace("\\n", "<br>")'
    render = f"""
        def render_preview({x}):
            doc, tag, text = Doc().tagtext()
            with tag("div", klass="{field.replace('_', '-')}-preview"):
                with tag("h3"):
                    text("Preview")
                with tag("div", klass="body"):
                    doc.asis({val})  #@V
                with tag("p", klass="hint"):
                    text(f"{{len({x})}} / 2000 characters")
            return doc.getvalue()
    """
    imps = "import html\n\n" if safe else ""
    if c.fw == "flask":
        imps += "from flask import Flask, abort, request\nfrom yattag import Doc"
        pre = "app = Flask(__name__)"
        handler = f"""
            @app.route("/{w}s/preview", methods=["POST"])
            def preview_{field}():
                {x} = request.form.get("{field}", "")  #@S
                if len({x}) > 2000:
                    abort(413)
                return render_preview({x})
        """
    elif c.fw == "aiohttp":
        imps += "from aiohttp import web\nfrom yattag import Doc"
        pre = ""
        handler = f"""
            async def preview_{field}(request):
                {x} = (await request.post()).get("{field}", "")  #@S
                if len({x}) > 2000:
                    raise web.HTTPRequestEntityTooLarge(max_size=2000, actual_size=len({x}))
                return web.Response(text=render_preview({x}), content_type="text/html")


            app = web.Application()
            app.router.add_post("/{w}s/preview", preview_{field})
        """
    else:
        imps += "from fastapi import FastAPI, Form, HTTPException\nfrom fastapi.responses import HTMLResponse\nfrom yattag import Doc"
        pre = "app = FastAPI()"
        handler = f"""
            @app.post("/{w}s/preview", response_class=HTMLResponse)
            async def preview_{field}({field}: str = Form("")):
                {x} = {field}.strip()  #@S
                if len({x}) > 2000:
                    raise HTTPException(status_code=413)
                return HTMLResponse(render_preview({x}))
        """
    return _mod(imps, pre, render, handler)


@fam("xss-yattag-doc-asis", "CWE-79", fws=["flask", "aiohttp", "fastapi"], n=8, wrap=False)
def xss_yattag_asis(c):
    v, s = _twin(c, _yattag_page)
    return Spec(v=v, s=s, full=True,
                notes="yattag's text() escapes, but doc.asis() appends its string as raw HTML; the posted field goes in "
                      "unescaped (only newlines are turned into <br>), so a <script> or onerror= payload runs in the preview")


@hardneg(4)
def xss_yattag_asis_hn(c):
    w, x = c.word, c.x
    body = f"""
        def render_row({x}, count):
            doc, tag, text = Doc().tagtext()
            doc.asis("<!-- {w} row -->")
            with tag("tr"):
                with tag("td"):
                    text({x})
                with tag("td", klass="num"):
                    text(str(int(count)))
            return doc.getvalue()
    """
    handler = f"""
        @app.route("/{w}s/row")
        def row():
            {x} = request.args.get("label", "")
            return render_row({x}, request.args.get("count", 0, type=int))
    """
    return Spec(s=_mod("from flask import Flask, request\nfrom yattag import Doc", "app = Flask(__name__)", body, handler),
                full=True, fw="flask", notes="asis() only writes a constant comment; the request value goes through text(), which escapes")


# ---------------- CWE-601: bare Werkzeug WSGI app, werkzeug.utils.redirect(param) ----------------


def _wz_app(c, safe: bool) -> str:
    w = c.word
    ep, param, extra = c.pick(("logout", "return_to", 'response.delete_cookie("sid", path="/")'),
                              ("language", "back", 'response.set_cookie("lang", lang, max_age=31536000, secure=True, httponly=True, samesite="Lax")'),
                              ("dismiss_banner", "continue", 'response.set_cookie("banner_seen", "1", secure=True, httponly=True, samesite="Lax")'))
    lines = [f"    def on_{ep}(self, request):"]
    if ep == "language":
        lines.append('        lang = request.args.get("lang", "en") if request.args.get("lang") in LANGUAGES else "en"')
    lines.append(f'        target = request.args.get("{param}", "/")  #@S')
    if safe:
        lines += ["        parts = urlsplit(target)",
                  '        if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\\\" in target or not target.isprintable():',
                  '            target = "/"']
    lines += ["        response = redirect(target)  #@V", f"        {extra}", "        return response"]
    method = "\n".join(lines)
    imps = ("from urllib.parse import urlsplit\n\n" if safe else "") + (
        "from werkzeug.exceptions import HTTPException\nfrom werkzeug.routing import Map, Rule\n"
        "from werkzeug.utils import redirect\nfrom werkzeug.wrappers import Request, Response")
    consts = f'LANGUAGES = {{"en", "de", "fr", "es"}}' if ep == "language" else ""
    app = f"""
        class {w.capitalize()}App:
            def __init__(self):
                self.url_map = Map([
                    Rule("/", endpoint="index"),
                    Rule("/{ep.replace('_', '-')}", endpoint="{ep}"),
                ])

            def on_index(self, request):
                return Response("<h1>{w.capitalize()}s</h1>", mimetype="text/html")

            %METHOD%
            def dispatch_request(self, request):
                adapter = self.url_map.bind_to_environ(request.environ)
                try:
                    endpoint, values = adapter.match()
                    return getattr(self, f"on_{{endpoint}}")(request, **values)
                except HTTPException as e:
                    return e

            def wsgi_app(self, environ, start_response):
                request = Request(environ)
                response = self.dispatch_request(request)
                return response(environ, start_response)

            def __call__(self, environ, start_response):
                return self.wsgi_app(environ, start_response)
    """
    main = f"""
        application = {w.capitalize()}App()

        if __name__ == "__main__":
            from werkzeug.serving import run_simple
            run_simple("127.0.0.1", 5000, application)
    """
    return _mod(imps, consts, dedent(app).replace("    %METHOD%", method + "\n"), main)


@fam("redirect-werkzeug-wsgi-utils-redirect", "CWE-601", fws=["script"], n=8, wrap=False)
def redirect_werkzeug(c):
    v, s = _twin(c, _wz_app)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="werkzeug.utils.redirect sends a 302 to whatever Location it is given; the query parameter is passed "
                      "as is, so ?return_to=https://evil.example sends the user off-site (open redirect)")


@hardneg(4)
def redirect_werkzeug_hn(c):
    w = c.word
    body = f"""
        DESTINATIONS = {{"home": "/", "settings": "/account/settings", "{w}s": "/{w}s/"}}


        def application(environ, start_response):
            request = Request(environ)
            key = request.args.get("to", "home")
            response = redirect(DESTINATIONS.get(key, "/"))
            return response(environ, start_response)
    """
    return Spec(s=_mod("from werkzeug.utils import redirect\nfrom werkzeug.wrappers import Request", body),
                full=True, fw="script", notes="the parameter only selects one of a fixed set of local paths")


# ---------------- CWE-22: send_from_directory with a user-chosen directory ----------------


def _sfd_app(c, safe: bool) -> str:
    w = c.word
    # the directory part comes from a query parameter, a header or a cookie, never from a route
    # segment: the default converter stops at '/', so a segment could only climb one level
    seg, root, how = c.pick(("version", "DOCS_ROOT", "header"), ("locale", "HELP_ROOT", "query"),
                            ("tenant", "EXPORT_ROOT", "query"), ("theme", "THEMES_ROOT", "cookie"))
    head = f'@app.route("/{w}s/files/<path:filename>")\ndef serve_{w}_file(filename):'
    if how == "header":
        read = f'\n    {seg} = request.headers.get("X-Docs-{seg.capitalize()}", "latest")  #@S'
    elif how == "cookie":
        read = f'\n    {seg} = request.cookies.get("{seg}", "default")  #@S'
    else:
        read = f'\n    {seg} = request.args.get("{seg}", "default")  #@S'
    if safe:
        join = f"directory = safe_join({root}, {seg})\n    if directory is None:\n        abort(404)"
    else:
        join = f"directory = os.path.join({root}, {seg})  #@V"
    body = f"""
{head}{read}
    {join}
    app.logger.debug("serving %s from %s", filename, directory)
    return send_from_directory(directory, filename, max_age=3600)  #@V
"""
    imps = "import os\n\nfrom flask import Flask, " + ("abort, " if safe else "") + "request, " + \
        "send_from_directory" + ("\nfrom werkzeug.security import safe_join" if safe else "")
    pre = f'app = Flask(__name__)\n{root} = os.environ.get("{root}", "/srv/{w}/{seg}s")'
    return _mod(imps, pre, body)


@fam("pt-flask-send-from-directory-user-dir", "CWE-22", fws=["flask"], n=8, wrap=False)
def pt_sfd_dir(c):
    v, s = _twin(c, _sfd_app)
    return Spec(v=v, s=s, full=True,
                notes="send_from_directory only keeps the *filename* inside the directory it is given; the directory itself "
                      "is built with os.path.join from a request value, so ../../ in it moves the base anywhere on disk")


@hardneg(4)
def pt_sfd_dir_hn(c):
    w = c.word
    body = f"""
        @app.route("/{w}s/download/<path:filename>")
        def download(filename):
            return send_from_directory(os.path.join(EXPORT_ROOT, "public"), filename, as_attachment=True)
    """
    return Spec(s=_mod("import os\n\nfrom flask import Flask, send_from_directory",
                       f'app = Flask(__name__)\nEXPORT_ROOT = "/srv/{w}/exports"', body),
                full=True, fw="flask", notes="the directory is a constant; send_from_directory confines the user filename to it")


# ---------------- CWE-918: treq.get(user URL) in a Klein app ----------------


def _treq_app(c, safe: bool) -> str:
    w = c.word
    use, src = c.pick(("preview", "args"), ("feed", "json"), ("ping", "json"))
    if src == "args":
        read = 'url = request.args.get(b"url", [b""])[0].decode("utf-8")  #@S'
        meth = "GET"
    else:
        read = 'url = json.loads(request.content.read())["url"]  #@S'
        meth = "POST"
    guard = """
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
            request.setResponseCode(400)
            return json.dumps({"error": "host not allowed"})"""
    if use == "preview":
        work = """
            html = yield response.text()
            start = html.find("<title>")
            title = html[start + 7:html.find("</title>", start)] if start != -1 else ""
            return json.dumps({"url": url, "title": title[:200]})"""
    elif use == "feed":
        work = """
            body = yield response.text()
            entries = body.count("<item>") + body.count("<entry>")
            return json.dumps({"url": url, "entries": entries})"""
    else:
        work = """
            return json.dumps({"url": url, "status": response.code})"""
    route = f"""
        @app.route("/{w}s/{use}", methods=["{meth}"])
        @defer.inlineCallbacks
        def {use}_{w}(request):
            request.setHeader("Content-Type", "application/json")
            {read}{chr(10) + _ind(guard, 12) if safe else ""}
            response = yield treq.get(url, timeout=10{", allow_redirects=False" if safe else ""})  #@V
{_ind(work, 12)}
    """
    hosts = 'ALLOWED_HOSTS = {"feeds.example.com", "status.example.com", "cdn.example.com"}' if safe else ""
    imps = "import json\n" + ("from urllib.parse import urlsplit\n" if safe else "") + \
        "\nimport treq\nfrom klein import Klein\nfrom twisted.internet import defer"
    main = 'if __name__ == "__main__":\n    app.run("0.0.0.0", 8080)'
    return _mod(imps, "app = Klein()" + ("\n" + hosts if hosts else ""), route, main)


@fam("ssrf-treq-klein-fetch", "CWE-918", fws=["script"], n=8, wrap=False)
def ssrf_treq(c):
    v, s = _twin(c, _treq_app)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the Klein route fetches any URL the client sends with treq.get, so the server can be made to call "
                      "internal services or cloud metadata (http://169.254.169.254/) on the caller's behalf")


@hardneg(4)
def ssrf_treq_hn(c):
    w = c.word
    body = f"""
        STATUS_URL = "https://status.example.com/api/v2/summary.json"


        @app.route("/{w}s/upstream-status")
        @defer.inlineCallbacks
        def upstream_status(request):
            component = request.args.get(b"component", [b"api"])[0].decode("utf-8")
            response = yield treq.get(STATUS_URL, params={{"component": component}}, timeout=5)
            data = yield response.json()
            request.setHeader("Content-Type", "application/json")
            return json.dumps({{"component": component, "status": data.get("status")}})
    """
    return Spec(s=_mod("import json\n\nimport treq\nfrom klein import Klein\nfrom twisted.internet import defer",
                       "app = Klein()", body),
                full=True, fw="script", notes="the URL is a constant; the request value is only a query parameter")


# ---------------- CWE-770 (labelled CWE-400, its group's model label): websockets server with max_size=None ----------------


def _ws_server(c, safe: bool) -> str:
    w = c.word
    kind = c.pick("chat", "telemetry", "cursor")
    limit = c.pick("2**20", "64 * 1024", "256 * 1024")
    if kind == "chat":
        handler = """
            async def handler(websocket):
                CLIENTS.add(websocket)
                try:
                    async for message in websocket:
                        event = json.loads(message)
                        text = str(event.get("text", ""))[:500]
                        websockets.broadcast(CLIENTS, json.dumps({"user": str(event.get("user", ""))[:64], "text": text}))
                finally:
                    CLIENTS.discard(websocket)"""
        state = "CLIENTS = set()"
    elif kind == "telemetry":
        handler = """
            async def handler(websocket):
                async for message in websocket:
                    sample = json.loads(message)
                    READINGS.append((str(sample["sensor"])[:64], float(sample["value"])))
                    if len(READINGS) > 10000:
                        del READINGS[:5000]
                    await websocket.send(json.dumps({"ok": True}))"""
        state = "READINGS = []"
    else:
        handler = """
            async def handler(websocket):
                try:
                    async for message in websocket:
                        pos = json.loads(message)
                        CURSORS[id(websocket)] = (int(pos["x"]), int(pos["y"]))
                        await websocket.send(json.dumps(list(CURSORS.values())))
                finally:
                    CURSORS.pop(id(websocket), None)"""
        state = "CURSORS = {}"
    arg = f"max_size={limit}" if safe else "max_size=None"
    main = f"""
        async def main():
            logging.basicConfig(level=logging.INFO)
            async with websockets.serve(handler, "0.0.0.0", {c.pick(8765, 8001, 9000)}, {arg}, ping_interval=20):  #@V
                log.info("{w} {kind} socket listening")
                await asyncio.Future()


        if __name__ == "__main__":
            asyncio.run(main())
    """
    return _mod("import asyncio\nimport json\nimport logging\n\nimport websockets",
                f"log = logging.getLogger(__name__)\n{state}", handler, main)


@fam("dos-websockets-serve-max-size-none", "CWE-400", fws=["script"], n=8, wrap=False)
def dos_ws_max_size(c):
    v, s = _twin(c, _ws_server)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="websockets.serve limits incoming messages to 1 MiB by default; max_size=None removes the limit, so any "
                      "client can stream one frame of gigabytes that is buffered in memory before the handler sees it "
                      "(CWE-770, labelled CWE-400, its group's model label)")


@hardneg(4)
def dos_ws_max_size_hn(c):
    lim, port = c.pick("2**16", "2**20", "512 * 1024"), c.pick(8765, 8001, 9000)
    fn = c.pick("echo", "relay", "mirror")
    body = f"""
        async def {fn}(websocket):
            async for message in websocket:
                await websocket.send(message[:1024])


        async def main():
            async with websockets.serve({fn}, "0.0.0.0", {port}, max_size={lim}, max_queue={c.pick(8, 16, 32)}):
                await asyncio.Future()


        if __name__ == "__main__":
            asyncio.run(main())
    """
    return Spec(s=_mod("import asyncio\n\nimport websockets", body), full=True, fw="script",
                notes="the server keeps a bounded message size and queue")


# ---------------- CWE-770 (labelled CWE-400, its group's model label): Django DATA_UPLOAD_MAX_* set to None ----------------


def _dj_settings(c, safe: bool) -> str:
    w = c.word
    name, good, why = c.pick(("DATA_UPLOAD_MAX_MEMORY_SIZE", "5 * 1024 * 1024", "bulk JSON imports from the partner API"),
                             ("DATA_UPLOAD_MAX_NUMBER_FIELDS", "2000", "the matrix editor posts one field per cell"),
                             ("DATA_UPLOAD_MAX_NUMBER_FILES", "50", "gallery uploads send many files at once"))
    val = good if safe else "None"
    return _mod("import os\nfrom pathlib import Path", f"""
        BASE_DIR = Path(__file__).resolve().parent.parent

        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
        ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "{w}s.example.com").split(",")

        INSTALLED_APPS = [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "{w}s",
        ]

        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ]

        ROOT_URLCONF = "{w}site.urls"
        WSGI_APPLICATION = "{w}site.wsgi.application"

        DATABASES = {{
            "default": {{
                "ENGINE": "django.db.backends.postgresql",
                "NAME": os.environ.get("DB_NAME", "{w}s"),
                "USER": os.environ.get("DB_USER", "{w}s"),
                "PASSWORD": os.environ.get("DB_PASSWORD", ""),
                "HOST": os.environ.get("DB_HOST", "localhost"),
            }}
        }}

        STATIC_URL = "static/"
        STATIC_ROOT = BASE_DIR / "staticfiles"
        MEDIA_ROOT = BASE_DIR / "media"

        # {why}
        {name} = {val}  #@V
        FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440

        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
    """)


@fam("dos-django-data-upload-max-none", "CWE-400", fws=["django"], n=8, wrap=False)
def dos_dj_upload(c):
    v, s = _twin(c, _dj_settings)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="Django's DATA_UPLOAD_MAX_* settings cap the request body read into memory, the number of form fields "
                      "and the number of files; None disables the check, so one request can exhaust memory or CPU "
                      "(CWE-770, labelled CWE-400, its group's model label)")


@hardneg(4)
def dos_dj_upload_hn(c):
    return Spec(s=_mod("import os", f"""
        DEBUG = False
        ALLOWED_HOSTS = ["{c.word}s.example.com"]
        ROOT_URLCONF = "{c.word}site.urls"

        # the bulk import endpoint sends up to 8 MB of JSON
        DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
        DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
        FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
        MEDIA_ROOT = os.environ.get("MEDIA_ROOT", "/srv/media")
    """), full=True, fw="django", notes="the limits are raised for a real need but stay finite")


# ---------------- CWE-209: Django middleware process_exception echoing the exception ----------------


def _dj_mw(c, safe: bool) -> str:
    w = c.word
    detail = c.pick("repr(exc)", "str(exc)", "traceback.format_exc()", "traceback.format_exception(exc)")
    if safe:
        resp = 'return JsonResponse({"error": "internal server error", "request_id": request_id}, status=500)'
    else:
        resp = f'return JsonResponse({{"error": "internal server error", "request_id": request_id, "detail": {detail}}}, status=500)  #@V'
    imps = "import logging\n" + ("import traceback\n" if "traceback" in detail and not safe else "") + \
        "import uuid\n\nfrom django.http import JsonResponse"
    cls = f"""
        class {w.capitalize()}ApiErrorMiddleware:
            \"\"\"Turn unhandled exceptions under /api/ into JSON errors the {w} frontend can show.\"\"\"

            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)

            def process_exception(self, request, exc):
                if not request.path.startswith("/api/"):
                    return None
                request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
                logger.exception("unhandled error %s on %s %s", request_id, request.method, request.path)
                {resp}
    """
    return _mod(imps, "logger = logging.getLogger(__name__)", cls)


@fam("errors-django-middleware-process-exception", "CWE-209", fws=["django"], n=8, wrap=False)
def errors_dj_mw(c):
    v, s = _twin(c, _dj_mw)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the middleware returns the exception text or traceback to the API client; SQL errors, file paths, "
                      "settings values and library versions in it help an attacker (the full trace is already logged)")


@hardneg(4)
def errors_dj_mw_hn(c):
    cls = f"""
        class {c.word.capitalize()}ErrorIdMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)

            def process_exception(self, request, exc):
                error_id = uuid.uuid4().hex[:{c.pick(8, 12, 16)}]
                logger.error("error %s: %s", error_id, "".join(traceback.format_exception(exc)))
                return JsonResponse({{"error": "{c.pick("something went wrong", "internal error", "unexpected error")}", "error_id": error_id}}, status=500)
    """
    return Spec(s=_mod("import logging\nimport traceback\nimport uuid\n\nfrom django.http import JsonResponse",
                       "logger = logging.getLogger(__name__)", cls),
                full=True, fw="django", notes="the traceback is only logged; the client gets an opaque error id")
