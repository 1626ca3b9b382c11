"""Train-only web families on libraries and code shapes no other family uses: Genshi ``Markup`` /
``genshi.input.HTML`` around user text in a ``MarkupTemplate``, a Bokeh server app that puts request or
stored text into ``Div(text=...)`` or a ``HoverTool`` template with ``@field{safe}``, an httpx fetch that
checks the first URL against private ranges but then follows redirects, an open redirect guarded only by
``urlsplit(target).netloc`` (passes ``/\\evil.example`` and ``https:///evil.example``), a Litestar route
marked ``exclude_from_csrf=True`` although it acts on the session cookie, and a FastAPI app using
fastapi-csrf-protect whose state-changing handler never calls ``validate_csrf``.

Groups: XSS (79), SSRF (918), open redirect (601), CSRF (352). Written without reading the held-out
families; every family here goes to train (generate.assign_splits).

Framework labels: Genshi, httpx and the netloc redirect use the framework shells; the Bokeh server app
is "script" (a document run by ``bokeh serve``), Litestar is "starlette" (as elsewhere) and the
fastapi-csrf-protect modules are "fastapi"."""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin, _w
from registry import hardneg, fam


def _html_ret(c, var: str) -> tuple[str, str]:
    """(import, response expression) returning an HTML string in the context's framework."""
    return {
        "flask": ("from flask import Response", f'Response({var}, mimetype="text/html")'),
        "django": ("from django.http import HttpResponse", f"HttpResponse({var})"),
        "fastapi": ("from fastapi.responses import HTMLResponse", f"HTMLResponse({var})"),
        "aiohttp": ("", f'web.Response(text={var}, content_type="text/html")'),
    }[c.fw]


# ---------------- CWE-79: Genshi Markup / HTML() around user text ----------------


def _genshi_tmpl(c):
    w = c.word
    tag = c.pick("article", "section", "div")
    cls = c.pick("preview", "card", f"{w}-body")
    return (f'{c.pick("CARD", "PREVIEW", "PAGE")} = MarkupTemplate("""<{tag} xmlns:py="http://genshi.edgewall.org/" class="{cls}">\n'
            f'  <h2>${{title}}</h2>\n'
            f'  <p class="meta">by ${{author}}</p>\n'
            f'  <div class="body">${{body}}</div>\n'
            f'</{tag}>""")')


@fam("xss-genshi-markup-input", "CWE-79", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["bio", "comment", "description"], n=8, wrap=False)
def xss_genshi(c):
    x, w = c.x, c.word
    tmpl = _genshi_tmpl(c)
    tname = tmpl.split(" ", 1)[0]
    imp, ret = _html_ret(c, "page")
    author = c.pick('"guest"', f'"{w} editor"', '"anonymous"')
    title = c.pick(f'"{w.capitalize()} preview"', f'"New {w}"', f'"Draft {w}"')
    shape = c.pick("markup", "fmt", "html")
    if shape == "markup":
        v = f"""
            stream = {tname}.generate(title={title}, author={author}, body=Markup({x}))  #@V
            page = stream.render("html", doctype="html5")
        """
        s = f"""
            stream = {tname}.generate(title={title}, author={author}, body={x})
            page = stream.render("html", doctype="html5")
        """
        vimp, simp = "from genshi.core import Markup", ""
        fix = "passes the plain string, which Genshi escapes"
    elif shape == "fmt":
        para = c.fmt("<p class='note'>{}</p>", x, style=c.pick("fstring", "percent", "concat", "format"))
        v = f"""
            body = Markup({para})  #@V
            page = {tname}.generate(title={title}, author={author}, body=body).render("html", doctype="html5")
        """
        s = f"""
            body = Markup("<p class='note'>%s</p>") % {x}
            page = {tname}.generate(title={title}, author={author}, body=body).render("html", doctype="html5")
        """
        vimp = simp = "from genshi.core import Markup"
        fix = "formats with Genshi's Markup % operator, which escapes its arguments"
    else:
        v = f"""
            page = {tname}.generate(title={title}, author={author}, body=HTML({x})).render("html", doctype="html5")  #@V
        """
        s = f"""
            page = {tname}.generate(title={title}, author={author}, body=HTML({x}) | HTMLSanitizer()).render("html", doctype="html5")
        """
        vimp, simp = "from genshi.input import HTML", "from genshi.filters import HTMLSanitizer\nfrom genshi.input import HTML"
        fix = "keeps the formatting but runs the parsed stream through genshi.filters.HTMLSanitizer"
    return Spec(v=v, s=s, imports=f"{imp}\nfrom genshi.template import MarkupTemplate", vimports=vimp, simports=simp,
                helpers=tmpl, ret=ret, raw=True,
                notes="Genshi escapes ${...} values unless they are Markup or a parsed stream; Markup(...) / "
                      f"genshi.input.HTML(...) around the submitted {c.key} emits it as HTML, so <script> or "
                      f"onerror= markup runs in the viewer's page (XSS); the fix {fix}")


@hardneg(4)
def xss_genshi_hn(c):
    x = c.x
    tmpl = _genshi_tmpl(c)
    tname = tmpl.split(" ", 1)[0]
    imp, ret = _html_ret(c, "page")
    shape = c.pick("pct", "sanitized", "const")
    if shape == "pct":
        body = f"""
            body = Markup("<p class='note'>%s</p>") % {x}
            page = {tname}.generate(title="Preview", author="guest", body=body).render("html", doctype="html5")
        """
        imps = "from genshi.core import Markup"
    elif shape == "sanitized":
        body = f"""
            body = HTML({x}) | HTMLSanitizer()
            page = {tname}.generate(title="Preview", author="guest", body=body).render("html", doctype="html5")
        """
        imps = "from genshi.filters import HTMLSanitizer\nfrom genshi.input import HTML"
    else:
        body = f"""
            footer = Markup('<small class="hint">Markdown is not supported here.</small>')
            page = {tname}.generate(title="Preview", author=footer, body={x}).render("html", doctype="html5")
        """
        imps = "from genshi.core import Markup"
    return Spec(s=body, imports=f"{imp}\n{imps}\nfrom genshi.template import MarkupTemplate", helpers=tmpl, ret=ret,
                raw=True, notes="Markup only on a constant or with the escaping % operator, or parsed HTML filtered by "
                               "HTMLSanitizer; the user text itself is escaped by the template")


# ---------------- CWE-79: Bokeh server app, Div text / HoverTool {safe} ----------------


def _bokeh_app(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("query", "comments", "tooltip")
    V = "" if safe else "  #@V"
    e = (lambda v: f"html.escape({v})") if safe else (lambda v: v)
    param = c.pick("q", "filter", "highlight")
    if shape == "query":
        head = c.fmt("<h3>{}s matching <em>{}</em></h3>", "WORD", e("term"), style=c.pick("fstring", "format", "concat"))
        body = f'''
            WORD = "{W}"

            args = curdoc().session_context.request.arguments
            term = args.get("{param}", [b""])[0].decode("utf-8", "replace")  #@S
            rows = search_{w}s(term, limit=200)

            header = Div(text={head}, width=800){V}
            source = ColumnDataSource(data={{"id": [r.id for r in rows], "title": [r.title for r in rows]}})
            table = DataTable(source=source, columns=[TableColumn(field="id", title="ID"), TableColumn(field="title", title="Title")])
            curdoc().add_root(column(header, table))
            curdoc().title = "{W} search"
        '''
        imps = ["from bokeh.io import curdoc", "from bokeh.layouts import column",
                "from bokeh.models import ColumnDataSource, DataTable, Div, TableColumn", "",
                f"from {w}_store import search_{w}s"]
    elif shape == "comments":
        item = c.fmt("<li><b>{}</b>: {}</li>", e("n.author"), e("n.text"), style=c.pick("fstring", "format"))
        body = f'''
            args = curdoc().session_context.request.arguments
            {w}_id = int(args.get("id", [b"0"])[0])
            notes = load_notes({w}_id)  #@S

            notes_div = Div(text="<ul>" + "".join({item} for n in notes) + "</ul>", width=600){V}
            series = load_series({w}_id)
            p = figure(title="{W} " + str({w}_id), x_axis_type="datetime", height=300, sizing_mode="stretch_width")
            p.line(series["ts"], series["value"], line_width=2)
            curdoc().add_root(column(p, notes_div))
        '''
        imps = ["from bokeh.io import curdoc", "from bokeh.layouts import column", "from bokeh.models import Div",
                "from bokeh.plotting import figure", "", f"from {w}_store import load_notes, load_series"]
    else:
        fld = c.pick("label", "name", "caption")
        fmt = f"@{fld}" if safe else f"@{fld}{{safe}}"
        tip = c.pick(f'<div class="tip"><b>{fmt}</b> (@x, @y)</div>',
                     f'<div><span style="font-weight:bold">{fmt}</span><br>value: @y{{0.0}}</div>',
                     f'<table><tr><td>{fmt}</td><td>@x / @y</td></tr></table>')
        body = f'''
            args = curdoc().session_context.request.arguments
            dataset = args.get("dataset", [b""])[0].decode()
            points = load_uploaded_points(dataset)  #@S

            source = ColumnDataSource(data={{
                "x": [pt["x"] for pt in points],
                "y": [pt["y"] for pt in points],
                "{fld}": [pt["{fld}"] for pt in points],
            }})
            p = figure(title="Uploaded {w}s", tools="pan,wheel_zoom,reset", height=420)
            p.scatter("x", "y", source=source, size=8)
            p.add_tools(HoverTool(tooltips='{tip}')){V}
            curdoc().add_root(p)
        '''
        imps = ["from bokeh.io import curdoc", "from bokeh.models import ColumnDataSource, HoverTool",
                "from bokeh.plotting import figure", "", f"from {w}_store import load_uploaded_points"]
    if safe and shape != "tooltip":
        imps = ["import html", ""] + imps
    return _mod("\n".join(imps), body)


@fam("xss-bokeh-div-hover-html", "CWE-79", fws=["script"], n=8, wrap=False)
def xss_bokeh(c):
    v, s = _twin(c, _bokeh_app)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="fw=bokeh server app: Div(text=...) renders its text as HTML (render_as_text defaults to False) "
                      "and a HoverTool template shows @field{safe} without escaping; the request argument / stored "
                      "comment / uploaded label goes in unescaped, so markup with event handlers runs in every "
                      "viewer's browser (XSS); the fix escapes the values with html.escape or drops {safe}")


@hardneg(4)
def xss_bokeh_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f'''
        args = curdoc().session_context.request.arguments
        term = args.get("q", [b""])[0].decode("utf-8", "replace")
        rows = search_{w}s(term, limit=200)

        header = Div(text=f"<h3>{W}s matching <em>{{html.escape(term)}}</em></h3>")
        hint = Div(text="Filter: " + term, render_as_text=True)
        source = ColumnDataSource(data={{"x": [r.x for r in rows], "y": [r.y for r in rows], "label": [r.title for r in rows]}})
        p = figure(title="{W}s", height=360)
        p.scatter("x", "y", source=source)
        p.add_tools(HoverTool(tooltips='<div><b>@label</b> (@x{{0.00}}, @y{{0.00}})</div>'))
        curdoc().add_root(column(header, hint, p))
    '''
    imps = ["import html", "", "from bokeh.io import curdoc", "from bokeh.layouts import column",
            "from bokeh.models import ColumnDataSource, Div, HoverTool", "from bokeh.plotting import figure", "",
            f"from {w}_store import search_{w}s"]
    return Spec(s=_mod("\n".join(imps), body), full=True, fw="script",
                notes="fw=bokeh: the term is escaped in the HTML Div, shown as text with render_as_text=True, and the "
                      "tooltip fields are escaped by Bokeh (no {safe})")


# ---------------- CWE-918: httpx follows redirects after a first-hop address check ----------------


CHECK = '''
def _check_public(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("only http(s) URLs are accepted")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP):
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise ValueError("URL resolves to a non-public address")
    return url
'''


@fam("ssrf-httpx-redirect-after-check", "CWE-918", fws=["flask", "django", "pipeline", "fastapi", "aiohttp"],
     keys=["webhook_url", "avatar_url", "link"], n=8, wrap=False)
def ssrf_httpx_redirect(c):
    x = c.x
    asy = c.fw in ("fastapi", "aiohttp")
    use = {"webhook_url": "webhook", "avatar_url": "avatar", "link": "preview"}[c.key]
    hops = c.pick(3, 4, 5)
    if use == "webhook":
        call, after = ('post', 'json={"event": "ping", "test": True}'), "result = {\"status\": r.status_code, \"ok\": r.is_success}"
    elif use == "preview":
        call, after = ('get', 'headers={"User-Agent": "PreviewBot/2.0"}'), \
            'm = re.search(r"<title[^>]*>([^<]{0,200})</title>", r.text, re.I)\nresult = {"title": m.group(1).strip() if m else None}'
    else:
        call, after = ('get', 'headers={"Accept": "image/*"}'), \
            'if not r.headers.get("content-type", "").startswith("image/"):\n    raise ValueError("not an image")\nresult = save_avatar(r.content)'
    verb, kw = call
    loop = use != "webhook" and c.pick(True, False)
    if asy:
        v = f"""
            _check_public({x})
            async with httpx.AsyncClient(timeout=10, follow_redirects=True, max_redirects={hops}) as client:  #@V
                r = await client.{verb}({x}, {kw})
        """
        if loop:
            s = f"""
                url = {x}
                async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
                    for _ in range({hops}):
                        _check_public(url)
                        r = await client.{verb}(url, {kw})
                        if not r.is_redirect:
                            break
                        url = str(r.next_request.url)
                    else:
                        raise ValueError("too many redirects")
            """
        else:
            s = f"""
                _check_public({x})
                async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
                    r = await client.{verb}({x}, {kw})
                if r.is_redirect:
                    raise ValueError("redirects are not followed")
            """
    else:
        v = f"""
            r = httpx.{verb}(_check_public({x}), {kw}, timeout=10, follow_redirects=True)  #@V
        """
        if loop:
            s = f"""
                url = {x}
                with httpx.Client(timeout=10, follow_redirects=False) as client:
                    for _ in range({hops}):
                        r = client.{verb}(_check_public(url), {kw})
                        if not r.is_redirect:
                            break
                        url = str(r.next_request.url)
                    else:
                        raise ValueError("too many redirects")
            """
        else:
            s = f"""
                r = httpx.{verb}(_check_public({x}), {kw}, timeout=10, follow_redirects=False)
                if r.is_redirect:
                    raise ValueError("redirects are not followed")
            """
    v = dedent(v).rstrip() + "\n" + after
    s = dedent(s).rstrip() + "\n" + after
    helpers = CHECK
    imps = "import ipaddress\nimport socket\nimport httpx\nfrom urllib.parse import urlsplit"
    if use == "preview":
        imps += "\nimport re"
    if use == "avatar":
        imps += f"\nfrom {c.word}_media import save_avatar"
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="only the first URL is resolved and checked against private ranges; httpx is told to follow "
                      "redirects, so a public page answering 302 Location: http://169.254.169.254/... (or an internal "
                      "host) makes the server fetch it anyway (SSRF); the fix does not follow redirects, or re-checks "
                      "every hop before requesting it")


@hardneg(4)
def ssrf_httpx_redirect_hn(c):
    x = c.x
    asy = c.fw in ("fastapi", "aiohttp")
    host = c.pick("api.partner-cdn.com", "hooks.example-pay.com", "img.example-avatars.net")
    if asy:
        s = f"""
            async with httpx.AsyncClient(base_url="https://{host}", timeout=10, follow_redirects=True) as client:
                r = await client.get("/v1/lookup/" + quote(str({x}), safe=""))
            result = r.json()
        """
    else:
        s = f"""
            r = httpx.get("https://{host}/v1/lookup", params={{"q": {x}}}, timeout=10, follow_redirects=True)
            result = r.json()
        """
    return Spec(s=s, imports="import httpx\nfrom urllib.parse import quote",
                notes="fixed first-party host; the input is only a quoted path segment or a query parameter, and "
                      "redirects come from that trusted service")


# ---------------- CWE-601: redirect guarded only by urlsplit(...).netloc ----------------


def _redir(c):
    return {
        "flask": ("from flask import redirect", "redirect({})"),
        "django": ("from django.shortcuts import redirect", "redirect({})"),
        "fastapi": ("from fastapi.responses import RedirectResponse", "RedirectResponse({}, status_code=303)"),
    }[c.fw]


@fam("redirect-netloc-only-check", "CWE-601", fws=["flask", "django", "fastapi"],
     keys=["next", "return_to", "continue_url"], n=8)
def redirect_netloc(c):
    x, w = c.x, c.word
    imp, rd = _redir(c)
    home = c.pick(f"/{w}s", "/dashboard", "/")
    fn = c.pick("urlsplit", "urlparse")
    shape = c.pick("inline", "helper", "hostname")
    good = ('parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") '
            'or "\\\\" in target')
    helpers = ""
    if shape == "inline":
        v = f"""
            target = {x} or "{home}"
            if {fn}(target).netloc:  #@V
                target = "{home}"
            resp = {rd.format("target")}  #@V
        """
        s = f"""
            target = {x} or "{home}"
            parts = {fn}(target)
            if {good}:
                target = "{home}"
            resp = {rd.format("target")}
        """
    elif shape == "helper":
        helpers_v = f'''
            def _is_local(url: str) -> bool:
                return not {fn}(url).netloc  #@V
        '''
        helpers_s = f'''
            def _is_local(url: str) -> bool:
                parts = {fn}(url)
                return not (parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//") or "\\\\" in url)
        '''
        body = f"""
            target = {x} if {x} and _is_local({x}) else "{home}"
            resp = {rd.format("target")}  #@V
        """
        return _helper_spec(c, body, dedent(helpers_v), dedent(helpers_s), f"{imp}\nfrom urllib.parse import {fn}")
    else:
        v = f"""
            target = {x} or "{home}"
            if {fn}(target).hostname is not None:  #@V
                target = "{home}"
            resp = {rd.format("target")}  #@V
        """
        s = f"""
            target = {x} or "{home}"
            parts = {fn}(target)
            if {good}:
                target = "{home}"
            resp = {rd.format("target")}
        """
    return Spec(v=v, s=s, imports=f"{imp}\nfrom urllib.parse import {fn}", helpers=helpers, ret="resp", raw=True,
                notes=_REDIR_NOTE)


_REDIR_NOTE = ("the only check is that the target has no network location, but urlsplit sees none in "
               "'https:///evil.example' (or 'https:/evil.example'), which browsers follow to https://evil.example, "
               "nor in '/\\evil.example', which browsers read as //evil.example where the framework keeps the "
               "backslash (Werkzeug's redirect does; Django and Starlette percent-encode it), so the user is sent to "
               "another site (open redirect); the fix accepts only a path that starts with a single '/', has no "
               "scheme and no backslash")


def _helper_spec(c, body, hv, hs, imports):
    """A pair whose fix is in a module-level helper: both bodies are the same, the helpers differ."""
    from core import shell
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, body, Spec(helpers=hv, ret="resp", raw=True), imports)
    c.rng.setstate(st)
    sm = shell(c, body.replace("  #@V", ""), Spec(helpers=hs, ret="resp", raw=True), imports)
    return Spec(v=vm, s=sm, full=True, notes=_REDIR_NOTE)


@hardneg(4)
def redirect_netloc_hn(c):
    x, w = c.x, c.word
    imp, rd = _redir(c)
    shape = c.pick("table", "checked")
    if shape == "table":
        s = f"""
            pages = {{"home": "/", "{w}s": "/{w}s", "settings": "/account/settings"}}
            resp = {rd.format(f'pages.get({x}, "/")')}
        """
    else:
        s = f"""
            target = {x} or "/{w}s"
            parts = urlsplit(target)
            if parts.netloc or parts.scheme or not target.startswith("/") or target.startswith("//") or "\\\\" in target:
                target = "/{w}s"
            resp = {rd.format("target")}
        """
    return Spec(s=s, imports=f"{imp}\nfrom urllib.parse import urlsplit", ret="resp", raw=True,
                notes="redirect target from a fixed table, or a same-site path that rejects schemes, '//' and backslashes")


# ---------------- CWE-352: Litestar route excluded from CSRF although it uses the session ----------------


def _litestar_csrf(c, safe: bool, hard: bool = False) -> str:
    w, W = _w(c)
    shape = c.pick("opt", "opt", "config")
    action = c.pick("email", "delete", "token")
    V = "" if safe else "  #@V"
    if action == "email":
        route, fn = "/account/email", "change_email"
        sig = "data: Annotated[EmailForm, Body(media_type=RequestEncodingType.URL_ENCODED)]"
        act = "await accounts.update(user_id, email=data.email)"
        model = "\n\n\n@dataclass\nclass EmailForm:\n    email: str\n"
    elif action == "delete":
        route, fn = f"/{w}s/{{item_id:int}}/delete", f"delete_{w}"
        sig = "item_id: int"
        act = f"await {w}s.delete(item_id, owner_id=user_id)"
        model = ""
    else:
        route, fn = "/account/api-tokens", "create_token"
        sig = "data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)]"
        act = "await api_tokens.save(user_id, name=data.name, scopes=data.scopes.split())"
        model = "\n\n\n@dataclass\nclass TokenForm:\n    name: str\n    scopes: str = \"read\"\n"
    if shape == "opt":
        deco = f'@post("{route}", exclude_from_csrf=True){V}' if not safe else f'@post("{route}")'
        exclude = '"/hooks/billing"'
    else:
        deco = f'@post("{route}")'
        bad = {"email": '"/account"', "delete": f'"/{w}s/"', "token": '"/account"'}[action]
        exclude = '["/hooks/billing"]' if safe else f'["/hooks/billing", {bad}]'
    cfg = (f'csrf_config = CSRFConfig(secret=os.environ["CSRF_SECRET"], exclude={exclude}){V if shape == "config" else ""}')
    samesite = '"none"'
    imps = ["import os", "from dataclasses import dataclass", "from typing import Annotated", "",
            "from litestar import Litestar, Request, post",
            "from litestar.config.csrf import CSRFConfig",
            "from litestar.enums import RequestEncodingType",
            "from litestar.exceptions import NotAuthorizedException",
            "from litestar.middleware.session.client_side import CookieBackendConfig",
            "from litestar.params import Body",
            "from litestar.response import Redirect", "",
            f"from {w}_app.store import accounts, api_tokens, {w}s"]
    head = (f'session_config = CookieBackendConfig(secret=bytes.fromhex(os.environ["SESSION_KEY"]), samesite={samesite}, '
            f'secure=True)  # the app is embedded in partner portals\n{cfg}' + model)
    body = f'''
        {deco}
        async def {fn}(request: Request, {sig}) -> Redirect:
            user_id = request.session.get("user_id")
            if user_id is None:
                raise NotAuthorizedException()
            {act}
            return Redirect("/account")
    '''
    tail = (f"app = Litestar(route_handlers=[{fn}], csrf_config=csrf_config, "
            "middleware=[session_config.middleware])")
    return _mod("\n".join(imps), head, body, tail)


@fam("csrf-litestar-exclude-from-csrf", "CWE-352", fws=["starlette"], n=8, wrap=False)
def csrf_litestar(c):
    v, s = _twin(c, _litestar_csrf)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="fw=litestar: the handler authenticates by the session cookie (sent cross-site, SameSite=None) "
                      "but is taken out of Litestar's CSRF middleware, by exclude_from_csrf=True on the route or a "
                      "CSRFConfig exclude pattern that covers it, so another site can post the form for a logged-in "
                      "user (CSRF); the fix keeps the route under the CSRF check and excludes only the signed webhook")


@hardneg(4)
def csrf_litestar_hn(c):
    w = c.word
    s = f'''
        import hashlib
        import hmac
        import os

        from litestar import Litestar, Request, post
        from litestar.config.csrf import CSRFConfig
        from litestar.exceptions import NotAuthorizedException

        from {w}_app.billing import apply_event

        csrf_config = CSRFConfig(secret=os.environ["CSRF_SECRET"], exclude=["/hooks/billing"])
        WEBHOOK_SECRET = os.environ["BILLING_WEBHOOK_SECRET"].encode()


        @post("/hooks/billing", exclude_from_csrf=True)
        async def billing_webhook(request: Request) -> dict:
            body = await request.body()
            expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, request.headers.get("x-signature", "")):
                raise NotAuthorizedException("bad signature")
            await apply_event(body)
            return {{"ok": True}}


        app = Litestar(route_handlers=[billing_webhook], csrf_config=csrf_config)
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="starlette",
                notes="fw=litestar: only a server-to-server webhook is excluded from CSRF; it reads no cookie and "
                      "verifies an HMAC signature over the body")


# ---------------- CWE-352: fastapi-csrf-protect, validate_csrf missing on one handler ----------------


def _fcsrf(c, safe: bool) -> str:
    w, W = _w(c)
    action = c.pick("email", "delete", "invite")
    keep_param = c.pick(True, False)
    V = "" if safe else "  #@V"
    if action == "email":
        route, fn = "/account/email", "update_email"
        form = "email: str = Form(...)"
        act = "await accounts.update(user_id, email=email)"
    elif action == "delete":
        route, fn = f"/{w}s/{{item_id}}/delete", f"delete_{w}"
        form = "item_id: int"
        act = f"await {w}s.delete(item_id, owner_id=user_id)"
    else:
        route, fn = "/team/invites", "invite_member"
        form = "email: str = Form(...), role: str = Form(\"member\")"
        act = "await invites.save(team_of(user_id), email=email, role=role)"
    if safe or keep_param:
        params = f"request: Request, {form}, csrf_protect: CsrfProtect = Depends()"
    else:
        params = f"request: Request, {form}"
    check = "\n    await csrf_protect.validate_csrf(request)" if safe else ""
    pmark = V if (keep_param and not safe) else ""
    handler = (f'@app.post("{route}")\n'
               f"async def {fn}({params}):{pmark}"
               f"{check}\n"
               f"    user_id = current_user_id(request)\n"
               f"    {act}{V}\n"
               f'    response = RedirectResponse("/account", status_code=303)\n'
               f"    csrf_protect.unset_csrf_cookie(response)\n" if (safe or keep_param) else
               f'@app.post("{route}")\n'
               f"async def {fn}({params}):\n"
               f"    user_id = current_user_id(request)\n"
               f"    {act}{V}\n"
               f'    response = RedirectResponse("/account", status_code=303)\n')
    handler += "    return response"
    imps = ["import os", "",
            "from fastapi import Depends, FastAPI, Form, HTTPException, Request",
            "from fastapi.responses import HTMLResponse, RedirectResponse",
            "from fastapi.templating import Jinja2Templates",
            "from fastapi_csrf_protect import CsrfProtect",
            "from fastapi_csrf_protect.exceptions import CsrfProtectError",
            "from pydantic import BaseModel",
            "from starlette.middleware.sessions import SessionMiddleware", "",
            f"from {w}_app.store import accounts, invites, team_of, {w}s"]
    head = f'''
        app = FastAPI()
        app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True)
        templates = Jinja2Templates(directory="templates")


        class CsrfSettings(BaseModel):
            secret_key: str = os.environ["CSRF_SECRET"]
            cookie_samesite: str = "none"
            cookie_secure: bool = True
            token_location: str = "body"
            token_key: str = "csrf_token"


        @CsrfProtect.load_config
        def get_csrf_config():
            return CsrfSettings()


        @app.exception_handler(CsrfProtectError)
        async def csrf_error(request: Request, exc: CsrfProtectError):
            return HTMLResponse("Form expired, please reload the page.", status_code=exc.status_code)


        def current_user_id(request: Request) -> int:
            user_id = request.session.get("user_id")
            if user_id is None:
                raise HTTPException(status_code=401)
            return user_id
    '''
    form_view = f'''
        @app.get("/account", response_class=HTMLResponse)
        async def account(request: Request, csrf_protect: CsrfProtect = Depends()):
            csrf_token, signed_token = csrf_protect.generate_csrf_tokens()
            response = templates.TemplateResponse(request, "account.html", {{"csrf_token": csrf_token}})
            csrf_protect.set_csrf_cookie(signed_token, response)
            return response
    '''
    other = f'''
        @app.post("/account/display-name")
        async def update_display_name(request: Request, display_name: str = Form(...), csrf_protect: CsrfProtect = Depends()):
            await csrf_protect.validate_csrf(request)
            user_id = current_user_id(request)
            await accounts.update(user_id, display_name=display_name.strip()[:80])
            return RedirectResponse("/account", status_code=303)
    '''
    return _mod("\n".join(imps), head, form_view, other, handler)


@fam("csrf-fastapi-csrf-protect-missing-validate", "CWE-352", fws=["fastapi"], n=8, wrap=False)
def csrf_fastapi_protect(c):
    v, s = _twin(c, _fcsrf)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="fastapi-csrf-protect checks nothing by itself: each handler must await "
                      "csrf_protect.validate_csrf(request); this state-changing POST, authenticated by a SameSite=None "
                      "session cookie, never calls it (the dependency may even be injected), so a form on another "
                      "site can trigger it for a logged-in user (CSRF); the fix validates the token first")


@hardneg(3)
def csrf_fastapi_protect_hn(c):
    w = c.word
    s = f'''
        import os

        from fastapi import Depends, FastAPI, Form, Request
        from fastapi.responses import HTMLResponse, RedirectResponse
        from fastapi.templating import Jinja2Templates
        from fastapi_csrf_protect import CsrfProtect
        from pydantic import BaseModel

        from {w}_app.store import {w}s

        app = FastAPI()
        templates = Jinja2Templates(directory="templates")


        class CsrfSettings(BaseModel):
            secret_key: str = os.environ["CSRF_SECRET"]
            token_location: str = "body"
            token_key: str = "csrf_token"


        @CsrfProtect.load_config
        def get_csrf_config():
            return CsrfSettings()


        @app.get("/{w}s", response_class=HTMLResponse)
        async def list_{w}s(request: Request, csrf_protect: CsrfProtect = Depends()):
            csrf_token, signed_token = csrf_protect.generate_csrf_tokens()
            items = await {w}s.recent(limit=50)
            response = templates.TemplateResponse(request, "{w}s.html", {{"items": items, "csrf_token": csrf_token}})
            csrf_protect.set_csrf_cookie(signed_token, response)
            return response


        @app.post("/{w}s/{{item_id}}/archive")
        async def archive_{w}(request: Request, item_id: int, csrf_protect: CsrfProtect = Depends()):
            await csrf_protect.validate_csrf(request)
            await {w}s.update(item_id, archived=True)
            response = RedirectResponse("/{w}s", status_code=303)
            csrf_protect.unset_csrf_cookie(response)
            return response
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="fastapi",
                notes="every POST handler awaits validate_csrf before acting; the GET only issues the token")
