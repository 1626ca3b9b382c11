"""Train-only web families on libraries and code shapes no other family uses: Mako templates
rendered without the ``h`` filter, Chameleon's ``structure`` keyword, chevron (Mustache) triple
braces, Sanic's ``response.redirect``, a meta-refresh "you are leaving the site" page, Starlette's
``SessionMiddleware`` without ``https_only``, a fastapi-users ``CookieTransport`` with
``cookie_httponly=False``, and aiohttp-csrf's ``csrf_exempt`` / ``csrf_protect`` decorators.

Groups: XSS (79), open redirect (601), cookie flags (614, 1004), CSRF (352). Written without
reading the held-out families; every family here goes to train (generate.assign_splits).

Framework labels: the record schema knows no Sanic, so Sanic modules are labelled "aiohttp"
(async handler, request object, own server), as in train_libs_web.py."""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam, WEB_FWS


def _ind(block: str, n: int) -> str:
    """Indent every line of a dedented block by exactly n spaces."""
    return "\n".join(" " * n + l if l.strip() else "" for l in dedent(block).split("\n"))


def _imps(std, third):
    """Import block: standard library first, then third-party / local imports."""
    a = "\n".join(sorted(set(std)))
    b = "\n".join(third)
    return (a + "\n\n" + b) if a and b else (a or b)


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


def _page_handler(c, *, route, name, param, post, body, html, src_mark="  #@S"):
    """(third-party imports, pre, handler code) for a page handler in c.fw: it reads one request
    value into c.x (the taint source line carries ``src_mark``), runs ``body`` and returns the
    HTML string expression ``html`` as a text/html response."""
    x = c.x
    b = (_ind(body, 4) + "\n") if body.strip() else ""
    if c.fw == "flask":
        imps = ["from flask import Flask, request"]
        pre = "app = Flask(__name__)"
        read = f'request.form.get("{param}", "")' if post else f'request.args.get("{param}", "")'
        dec = f'@app.route("{route}", methods=["POST"])' if post else f'@app.route("{route}")'
        code = f"{dec}\ndef {name}():\n    {x} = {read}{src_mark}\n{b}    return {html}"
    elif c.fw == "django":
        imps = ["from django.http import HttpResponse"]
        if post:
            imps.append("from django.views.decorators.http import require_POST")
        pre = ""
        read = f'request.POST.get("{param}", "")' if post else f'request.GET.get("{param}", "")'
        dec = "@require_POST\n" if post else ""
        code = f"{dec}def {name}(request):\n    {x} = {read}{src_mark}\n{b}    return HttpResponse({html})"
    elif c.fw == "fastapi":
        imps = ["from fastapi import FastAPI" + (", Form" if post else ""), "from fastapi.responses import HTMLResponse"]
        pre = "app = FastAPI()"
        default = 'Form("")' if post else '""'
        verb = "post" if post else "get"
        code = (f'@app.{verb}("{route}", response_class=HTMLResponse)\n'
                f"async def {name}({param}: str = {default}):\n    {x} = {param}.strip(){src_mark}\n{b}"
                f"    return HTMLResponse({html})")
    else:
        imps = ["from aiohttp import web"]
        pre = ""
        read = f'(await request.post()).get("{param}", "")' if post else f'request.query.get("{param}", "")'
        code = (f"async def {name}(request):\n    {x} = {read}{src_mark}\n{b}"
                f'    return web.Response(text={html}, content_type="text/html")\n\n\n'
                f"app = web.Application()\napp.router.add_{'post' if post else 'get'}(\"{route}\", {name})")
    return imps, pre, code


# ---------------- CWE-79: Mako template without the h (HTML escape) filter ----------------

_NAV_HTML = 'NAV_HTML = \'<nav><a href="/">Home</a> &middot; <a href="/%w%s/">%W%s</a></nav>\''


def _mako_page(c, safe: bool) -> str:
    w, W, x = c.word, c.word.capitalize(), c.x
    shape = c.pick("expr", "default", "n")
    kind = c.pick("search", "missing", "signature")
    V = "" if safe else "  #@V"
    # the user value's expression, per shape
    if shape == "expr":
        user = "${%s | h}" if safe else "${%s}"
        other = " | h"          # the other string values already carry | h
    elif shape == "default":
        user = "${%s}"
        other = ""              # the fix (default_filters) escapes every expression
    else:
        user = "${%s}" if safe else "${%s | n}"
        other = ""              # TemplateLookup(default_filters=[..., "h"]) escapes the rest
    nav = "${nav | n}\n" if shape == "n" else ""
    if kind == "search":
        var, param, post, route, name = "query", "q", False, f"/{w}s/search", f"search_{w}s"
        src = (f"<html><head><title>{W} search</title></head><body>\n{nav}"
               f'<h2>Results for "{user % "query"}"</h2>{V}\n'
               f"<p>${{len(rows)}} matching {w}s</p>\n<ul>\n% for row in rows:\n"
               f"  <li><a href=\"/{w}s/${{row['id']}}\">${{row['title']{other}}}</a></li>\n"
               f"% endfor\n</ul>\n</body></html>\n")
        body = f"rows = find_{w}s({x})"
        kw = f"query={x}, rows=rows"
        helpers = f'''
            CATALOG = [
                {{"id": 1, "title": "{W} handbook"}},
                {{"id": 2, "title": "{W} archive 2023"}},
                {{"id": 3, "title": "Quarterly {w} review"}},
            ]


            def find_{w}s(term):
                term = term.lower()
                return [row for row in CATALOG if term in row["title"].lower()][:50]
        '''
    elif kind == "missing":
        var, param, post, route, name = "ref", "ref", False, f"/{w}s/lookup", f"lookup_{w}"
        src = (f"<html><body>\n{nav}<h1>{W} not found</h1>\n"
               f"<p>No {w} matches the reference <code>{user % 'ref'}</code>.</p>{V}\n"
               f"% if suggestions:\n<p>Did you mean:</p>\n<ul>\n% for s in suggestions:\n"
               f"  <li><a href=\"/{w}s/${{s{other}}}\">${{s{other}}}</a></li>\n% endfor\n</ul>\n% endif\n"
               f"</body></html>\n")
        body = f"suggestions = [ref for ref in KNOWN_REFS if ref.startswith({x}[:3])][:5]"
        kw = f"ref={x}, suggestions=suggestions"
        helpers = f'KNOWN_REFS = ["{w[:3].upper()}-1001", "{w[:3].upper()}-1002", "{w[:3].upper()}-2040"]'
    else:
        var, param, post, route, name = "signature", "signature", True, f"/{w}s/signature/preview", "preview_signature"
        src = (f'<div class="preview">\n{nav}  <h3>Signature preview</h3>\n'
               f'  <div class="signature">{user % "signature"}</div>{V}\n'
               f'  <p class="hint">${{len(signature)}} / 500 characters</p>\n</div>\n')
        body = f"{x} = {x}[:500]"
        kw = f"signature={x}"
        helpers = ""
    if shape == "n":
        kw += ", nav=NAV_HTML"
        tmpl = f"""
            PAGE_SRC = \"\"\"\\
            %SRC%\"\"\"

            lookup = TemplateLookup(default_filters=["str", "h"], input_encoding="utf-8")
            lookup.put_string("{w}_{kind}.html", PAGE_SRC)
        """
        render = f'lookup.get_template("{w}_{kind}.html").render({kw})'
        third = ["from mako.lookup import TemplateLookup"]
        helpers = (dedent(helpers) + "\n\n\n" if helpers.strip() else "") + _NAV_HTML.replace("%w%", w).replace("%W%", W)
    else:
        if shape == "default":
            ctor = 'Template(PAGE_SRC, default_filters=["str", "h"])' if safe else "Template(PAGE_SRC)  #@V"
        else:
            ctor = "Template(PAGE_SRC)"
        tmpl = f"""
            PAGE_SRC = \"\"\"\\
            %SRC%\"\"\"

            PAGE = {ctor}
        """
        render = f"PAGE.render({kw})"
        third = ["from mako.template import Template"]
    tmpl = dedent(tmpl).replace("%SRC%", src.rstrip("\n") + "\n")
    imps, pre, handler = _page_handler(c, route=route, name=name, param=param, post=post, body=body, html=render)
    third = sorted(imps + third)
    return _mod(_imps([], third), pre, dedent(helpers) if helpers.strip() else "", tmpl, handler)


@fam("xss-mako-missing-h-filter", "CWE-79", fws=["flask", "fastapi", "aiohttp", "django"], keys=["term", "text", "value"],
     n=8, wrap=False)
def xss_mako(c):
    v, s = _twin(c, _mako_page)
    return Spec(v=v, s=s, full=True,
                notes="Mako does not HTML-escape ${} expressions unless the h filter is applied (per expression or "
                      "through default_filters); the request value is rendered raw (or with | n, which switches the "
                      "lookup's default h off), so markup in it runs in the page (reflected XSS)")


@hardneg(4)
def xss_mako_hn(c):
    w, W, x = c.word, c.word.capitalize(), c.x
    kind = c.pick("lookup", "template")
    src = (f"<html><body>\n${{nav | n}}\n<h1>{W}s tagged ${{tag}}</h1>\n"
           f"<p>${{count}} {w}s carry this tag.</p>\n</body></html>\n")
    if kind == "lookup":
        tmpl = dedent(f"""
            PAGE_SRC = \"\"\"\\
            %SRC%\"\"\"

            lookup = TemplateLookup(default_filters=["str", "h"], input_encoding="utf-8")
            lookup.put_string("{w}_tag.html", PAGE_SRC)
        """)
        render = f'lookup.get_template("{w}_tag.html").render(tag={x}, count=TAG_COUNTS.get({x}, 0), nav=NAV_HTML)'
        third = ["from mako.lookup import TemplateLookup"]
    else:
        src = src.replace("${tag}", "${tag | h}")
        tmpl = dedent("""
            PAGE_SRC = \"\"\"\\
            %SRC%\"\"\"

            PAGE = Template(PAGE_SRC)
        """)
        render = f"PAGE.render(tag={x}, count=TAG_COUNTS.get({x}, 0), nav=NAV_HTML)"
        third = ["from mako.template import Template"]
    tmpl = tmpl.replace("%SRC%", src)
    imps, pre, handler = _page_handler(c, route=f"/{w}s/tagged", name=f"{w}s_tagged", param="tag", post=False,
                                       body="", html=render, src_mark="")
    helpers = f'TAG_COUNTS = {{"urgent": 4, "archived": 17, "{w}": 9}}\n' + _NAV_HTML.replace("%w%", w).replace("%W%", W)
    return Spec(s=_mod(_imps([], sorted(imps + third)), pre, helpers, tmpl, handler), full=True,
                notes="the tag is escaped (default_filters with h, or | h on the expression); only the constant "
                      "navigation markup is rendered with | n")


# ---------------- CWE-79: Chameleon page template with the structure keyword ----------------


def _chameleon_page(c, safe: bool) -> str:
    w, W, x = c.word, c.word.capitalize(), c.x
    shape = c.pick("tal", "interp", "replace")
    var, param, post, route, heading, cls = c.pick(
        ("bio", "bio", True, f"/{w}s/profile/preview", "Profile preview", "bio"),
        ("status_message", "status", True, f"/{w}s/status/preview", "Status preview", "status"),
        ("search_term", "q", False, f"/{w}s/search", f"{W} search", "term"),
        ("note", "note", True, f"/{w}s/notes/preview", "Note preview", "note"))
    V = "" if safe else "  #@V"
    st = "" if safe else "structure "
    if shape == "tal":
        line = f'    <div class="{cls}" tal:content="{st}{var}">{heading}</div>{V}'
    elif shape == "interp":
        line = f'    <div class="{cls}">${{{st.rstrip() + ": " if st else ""}{var}}}</div>{V}'
    else:
        line = f'    <div class="{cls}"><span tal:replace="{st}{var}">{heading}</span></div>{V}'
    src = (f"<html>\n  <body>\n    <h1>{heading}</h1>\n{line}\n"
           f'    <p class="meta">${{len({var})}} characters</p>\n  </body>\n</html>\n')
    tmpl = dedent("""
        PAGE = PageTemplate(\"\"\"\\
        %SRC%\"\"\")
    """).replace("%SRC%", src)
    body = f"{x} = {x}[:2000]" if post else ""
    render = f"PAGE.render({var}={x})"
    name = ("preview_" if post else "search_") + (var if post else w + "s")
    imps, pre, handler = _page_handler(c, route=route, name=name, param=param, post=post, body=body, html=render)
    return _mod(_imps([], sorted(imps + ["from chameleon import PageTemplate"])), pre, tmpl, handler)


@fam("xss-chameleon-structure-keyword", "CWE-79", fws=["flask", "django", "fastapi"], keys=["text", "value", "field"],
     n=8, wrap=False)
def xss_chameleon(c):
    v, s = _twin(c, _chameleon_page)
    return Spec(v=v, s=s, full=True,
                notes="Chameleon escapes ${} and tal:content/tal:replace values, except when the expression is "
                      "prefixed with the structure keyword, which inserts it as markup; the request value is inserted "
                      "that way (reflected XSS); the fix drops the keyword")


@hardneg(4)
def xss_chameleon_hn(c):
    w, W, x = c.word, c.word.capitalize(), c.x
    src = (f'<html>\n  <body>\n    <div tal:replace="structure banner">banner</div>\n'
           f"    <h1>{W}s for ${{owner}}</h1>\n"
           f'    <p tal:content="owner">owner</p>\n  </body>\n</html>\n')
    tmpl = dedent("""
        BANNER_HTML = '<div class="banner"><strong>Maintenance</strong> on Sunday 02:00-04:00 UTC</div>'

        PAGE = PageTemplate(\"\"\"\\
        %SRC%\"\"\")
    """).replace("%SRC%", src)
    imps, pre, handler = _page_handler(c, route=f"/{w}s/by-owner", name=f"{w}s_by_owner", param="owner", post=False,
                                       body="", html=f"PAGE.render(owner={x}, banner=BANNER_HTML)", src_mark="")
    return Spec(s=_mod(_imps([], sorted(imps + ["from chameleon import PageTemplate"])), pre, tmpl, handler), full=True,
                notes="structure only inserts a constant banner; the request value goes through ${} and tal:content, "
                      "which Chameleon escapes")


# ---------------- CWE-79: chevron (Mustache) triple braces around a request value ----------------


def _chevron_page(c, safe: bool) -> str:
    w, W, x = c.word, c.word.capitalize(), c.x
    brace = c.pick("triple", "amp")
    var, param, post, route, name = c.pick(
        ("invitee", "invitee", True, f"/{w}s/invite/preview", "preview_invite"),
        ("query", "q", False, f"/{w}s/search", f"search_{w}s"),
        ("message", "message", True, f"/{w}s/banner/preview", "preview_banner"),
        ("display_name", "name", False, "/welcome", "welcome"),
        ("signature", "signature", True, f"/{w}s/signature/preview", "preview_signature"))
    V = "" if safe else "  #@V"
    if safe:
        val = "{{ %s }}" % var
    elif brace == "triple":
        val = "{{{ %s }}}" % var
    else:
        val = "{{& %s }}" % var
    if var == "invitee":
        line = f"  <p>You are inviting <strong>{val}</strong> to the {w} workspace.</p>{V}"
        items = "  <ul>{{#roles}}<li>{{.}}</li>{{/roles}}</ul>"
        data = f'{{"title": "Invitation preview", "invitee": {x}, "roles": ["viewer", "editor"]}}'
        body = f"{x} = {x}[:200]"
        helpers = ""
    elif var == "query":
        line = f"  <p>Results for <em>{val}</em></p>{V}"
        items = "  <ul>{{#rows}}<li><a href=\"/" + w + "s/{{id}}\">{{title}}</a></li>{{/rows}}</ul>"
        data = f'{{"title": "{W} search", "query": {x}, "rows": rows}}'
        body = f"rows = [row for row in CATALOG if {x}.lower() in row[\"title\"].lower()][:25]"
        helpers = (f'CATALOG = [{{"id": 1, "title": "{W} handbook"}}, {{"id": 2, "title": "{W} archive"}}, '
                   f'{{"id": 3, "title": "Open {w}s"}}]')
    elif var == "display_name":
        line = f"  <h1>Welcome, {val}!</h1>{V}"
        items = "  <p>Your {{plan}} trial ends in {{days}} days.</p>"
        data = f'{{"title": "{W} workspace", "display_name": {x}, "plan": "Team", "days": 14}}'
        body = ""
        helpers = ""
    elif var == "signature":
        line = f'  <div class="signature">{val}</div>{V}'
        items = "  <p class=\"hint\">{{length}} / 500 characters</p>"
        data = f'{{"title": "Signature preview", "signature": {x}, "length": len({x})}}'
        body = f"{x} = {x}[:500]"
        helpers = ""
    else:
        line = f'  <div class="banner">{val}</div>{V}'
        items = "  <p class=\"hint\">Shown to {{audience}} users</p>"
        data = f'{{"title": "Banner preview", "message": {x}, "audience": "all"}}'
        body = f"{x} = {x}[:500]"
        helpers = ""
    tmpl_src = f'<section class="{w}-panel">\n  <h2>{{{{title}}}}</h2>\n{line}\n{items}\n</section>\n'
    tmpl = 'TEMPLATE = """\\\n' + tmpl_src + '"""'
    imps, pre, handler = _page_handler(c, route=route, name=name, param=param, post=post, body=body,
                                       html=f"chevron.render(TEMPLATE, {data})")
    return _mod(_imps([], ["import chevron"] + sorted(imps)), pre, helpers, tmpl, handler)


@fam("xss-chevron-triple-mustache", "CWE-79", fws=["flask", "fastapi", "aiohttp"], keys=["text", "value", "entry"],
     n=8, wrap=False)
def xss_chevron(c):
    v, s = _twin(c, _chevron_page)
    return Spec(v=v, s=s, full=True,
                notes="chevron HTML-escapes {{ name }} but not {{{ name }}} or {{& name }}, which insert the value as "
                      "markup; the request value is rendered through the unescaped form (reflected XSS)")


@hardneg(4)
def xss_chevron_hn(c):
    w, W, x = c.word, c.word.capitalize(), c.x
    tmpl = ('FOOTER_HTML = \'<footer><a href="/help">Help</a> &middot; <a href="/privacy">Privacy</a></footer>\'\n\n'
            'TEMPLATE = """\\\n'
            f'<section class="{w}-panel">\n  <h2>{W}s owned by {{{{ owner }}}}</h2>\n  {{{{{{ footer }}}}}}\n</section>\n'
            '"""')
    imps, pre, handler = _page_handler(c, route=f"/{w}s/owner", name=f"{w}s_for_owner", param="owner", post=False,
                                       body="", html=f'chevron.render(TEMPLATE, {{"owner": {x}, "footer": FOOTER_HTML}})',
                                       src_mark="")
    return Spec(s=_mod(_imps([], ["import chevron"] + sorted(imps)), pre, tmpl, handler), full=True,
                notes="triple braces only insert a constant footer; the request value uses {{ }}, which chevron escapes")


# ---------------- CWE-601: Sanic response.redirect to a request parameter ----------------

_LOCAL = '''
    def _is_local(url):
        parts = urlsplit(url)
        return (not parts.scheme and not parts.netloc and url.startswith("/")
                and not url.startswith("//") and "\\\\" not in url)
'''


def _sanic_redirect(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    suffix = c.pick("Portal", "Web", "App")
    shape = c.pick("logout", "login", "language", "saved")
    param = c.pick("next", "return_to", "redirect_to", "back")
    guard = "\n    if not _is_local(target):\n        target = \"/\"" if safe else ""
    if shape == "logout":
        body = f"""
@app.get("/logout")
async def logout(request):
    target = request.args.get("{param}", "/"){"  #@S"}{guard}
    response = redirect(target)  #@V
    response.delete_cookie("sid")
    return response
"""
        extra = ""
    elif shape == "login":
        body = f"""
@app.post("/login")
async def login(request):
    user = await authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        return html(LOGIN_FAILED, status=401)
    target = request.form.get("{param}") or "/{w}s"  #@S{guard}
    response = redirect(target, status=303)  #@V
    response.add_cookie("sid", await create_session(user.id), httponly=True, secure=True, samesite="Lax")
    return response
"""
        extra = f'LOGIN_FAILED = "<h1>Sign-in failed</h1><p><a href=\\"/login\\">Try again</a></p>"'
    elif shape == "language":
        body = f"""
@app.get("/language/<lang:str>")
async def set_language(request, lang: str):
    if lang not in LANGUAGES:
        lang = "en"
    target = request.args.get("{param}", "/")  #@S{guard}
    response = redirect(target)  #@V
    response.add_cookie("lang", lang, max_age=31536000, samesite="Lax")
    return response
"""
        extra = 'LANGUAGES = {"en", "de", "fr", "es"}'
    else:
        body = f"""
@app.post("/{w}s/<{w}_id:int>/archive")
async def archive_{w}(request, {w}_id: int):
    await request.app.ctx.{w}s.archive({w}_id)
    target = request.form.get("{param}") or f"/{w}s/{{{w}_id}}"  #@S{guard}
    return redirect(target, status=303)  #@V
"""
        extra = ""
    imps = ["from sanic import Sanic", "from sanic.response import " + ("html, redirect" if shape == "login" else "redirect")]
    if shape == "login":
        imps += ["", f"from {w}_portal.auth import authenticate, create_session"]
    std = ["from urllib.parse import urlsplit"] if safe else []
    head = f'app = Sanic("{W}{suffix}")' + (f"\n{extra}" if extra else "")
    run = 'if __name__ == "__main__":\n    app.run(host="0.0.0.0", port=8000)'
    return _mod(_imps(std, imps), head, _LOCAL if safe else "", body, run)


@fam("redirect-sanic-response-redirect", "CWE-601", fws=["sanic"], n=8, wrap=False)
def redirect_sanic(c):
    v, s = _twin(c, _sanic_redirect)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="sanic.response.redirect sets Location to the given URL (it only percent-quotes unsafe characters); "
                      "the query/form value is passed as is, so ?next=https://evil.example sends the user off-site "
                      "(open redirect); the fix accepts only local paths")


@hardneg(4)
def redirect_sanic_hn(c):
    w, W = c.word, c.word.capitalize()
    body = f"""
        DESTINATIONS = {{"home": "/", "{w}s": "/{w}s", "settings": "/account/settings"}}


        @app.get("/go")
        async def go(request):
            return redirect(DESTINATIONS.get(request.args.get("to", "home"), "/"))


        @app.get("/logout")
        async def logout(request):
            response = redirect("/login")
            response.delete_cookie("sid")
            return response
    """
    return Spec(s=_mod("from sanic import Sanic\nfrom sanic.response import redirect", f'app = Sanic("{W}Portal")', body),
                full=True, fw="aiohttp", notes="redirect targets come from a fixed table of local paths or are constants")


# ---------------- CWE-601: meta-refresh "you are leaving" page to a request URL ----------------

_LEAVE_PAGE = '''REDIRECT_PAGE = """<!doctype html>
<html>
<head>
<meta http-equiv="refresh" content="%DELAY%; url={url}">
<title>Leaving %SITE%</title>
</head>
<body>
<p>You are leaving %SITE%. Continuing to <code>{url}</code> in %DELAY% seconds.</p>
</body>
</html>
"""'''


def _as_query_source(c):
    """The interstitial is reached through a link: read the URL from the query string."""
    c.src = "query" if c.fw == "fastapi" else "args"


@fam("redirect-meta-refresh-interstitial", "CWE-601", fws=WEB_FWS, keys=["url", "to", "dest_url"], n=8)
def redirect_meta_refresh(c):
    _pin(c)
    _as_query_source(c)
    x = c.x
    site = c.pick("Acme Portal", "the help center", "Northwind Docs", "the customer area")
    hosts = c.pick('("status.acme.io", "docs.acme.io")', '("partners.northwind.com", "shop.northwind.com")',
                   '("community.example.org", "blog.example.org", "status.example.org")')
    delay = c.pick("0", "2", "3", "5")
    shape = c.pick("format", "helper")
    page = _LEAVE_PAGE.replace("%DELAY%", delay).replace("%SITE%", site)
    if shape == "format":
        line = "redirect_page = REDIRECT_PAGE.format(url=html.escape(target, quote=True))"
        helpers = page
    else:
        line = "redirect_page = redirect_notice(target)"
        helpers = page + "\n\n\ndef redirect_notice(url):\n    return REDIRECT_PAGE.format(url=html.escape(url, quote=True))"
    v = f"""
        target = {x}.strip()
        {line}  #@V
    """
    s = f"""
        target = {x}.strip()
        parts = urlsplit(target)
        if parts.scheme != "https" or parts.netloc not in {hosts}:
            target = "/"
        {line}
    """
    resp = {"flask": 'Response(redirect_page, mimetype="text/html")', "django": "HttpResponse(redirect_page)",
            "fastapi": "HTMLResponse(redirect_page)",
            "aiohttp": 'web.Response(text=redirect_page, content_type="text/html")'}[c.fw]
    imp = {"flask": "from flask import Response", "django": "from django.http import HttpResponse",
           "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]
    return Spec(v=v, s=s, imports="import html\n" + imp, simports="from urllib.parse import urlsplit",
                helpers=helpers, ret=resp, raw=True,
                notes="the interstitial page's meta refresh sends the browser to the URL from the query string after "
                      "the delay; html.escape stops markup injection but not the navigation, so any absolute URL is an "
                      "open redirect; the fix only continues to https URLs on the listed partner hosts")


@hardneg(4)
def redirect_meta_refresh_hn(c):
    _as_query_source(c)
    x = c.x
    s = f"""
        target = PARTNER_LINKS.get({x}, "/")
        redirect_page = REDIRECT_PAGE.format(url=html.escape(target, quote=True))
    """
    helpers = (_LEAVE_PAGE.replace("%DELAY%", "3").replace("%SITE%", "Acme Portal") + "\n\n"
               'PARTNER_LINKS = {"status": "https://status.acme.io/", "docs": "https://docs.acme.io/", '
               '"community": "https://community.acme.io/"}')
    resp = {"flask": 'Response(redirect_page, mimetype="text/html")', "django": "HttpResponse(redirect_page)",
            "fastapi": "HTMLResponse(redirect_page)",
            "aiohttp": 'web.Response(text=redirect_page, content_type="text/html")'}[c.fw]
    imp = {"flask": "from flask import Response", "django": "from django.http import HttpResponse",
           "fastapi": "from fastapi.responses import HTMLResponse", "aiohttp": ""}[c.fw]
    return Spec(s=s, imports="import html\n" + imp, helpers=helpers, ret=resp, raw=True,
                notes="the parameter only selects one of a fixed set of partner URLs")


# ---------------- CWE-614: Starlette SessionMiddleware without https_only ----------------


def _starlette_session(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    shape = c.pick("omitted", "false", "config")
    cookie = c.pick("session", f"{w}_session", "sid")
    age = c.pick("8 * 3600", "14 * 24 * 3600", "3600")
    V = "" if safe else "  #@V"
    cfg = ""
    if shape == "omitted":
        flag = ", https_only=True" if safe else ""
    elif shape == "false":
        flag = ", https_only=True" if safe else ", https_only=False"
    else:
        flag = ", https_only=SESSION_COOKIE_SECURE"
        cfg = (f'SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", cast=bool, default={safe}){V}')
    mw_args = f'secret_key=SESSION_SECRET, session_cookie="{cookie}", max_age={age}{flag}'
    if c.fw == "starlette":
        imps = ["from starlette.applications import Starlette", "from starlette.config import Config",
                "from starlette.middleware import Middleware", "from starlette.middleware.sessions import SessionMiddleware",
                "from starlette.responses import JSONResponse, RedirectResponse", "from starlette.routing import Route",
                "", "from .auth import verify_login", f"from .{w}s import load_{w}s"]
        settings = 'config = Config(".env")\nSESSION_SECRET = config("SESSION_SECRET")' + (f"\n{cfg}" if cfg else "")
        body = f"""
            async def login(request):
                form = await request.form()
                user = await verify_login(form.get("username", ""), form.get("password", ""))
                if user is None:
                    return JSONResponse({{"error": "invalid credentials"}}, status_code=401)
                request.session.clear()
                request.session["uid"] = user.id
                return RedirectResponse("/{w}s", status_code=303)


            async def list_{w}s(request):
                uid = request.session.get("uid")
                if uid is None:
                    return RedirectResponse("/login", status_code=303)
                return JSONResponse({{"items": await load_{w}s(uid)}})


            async def logout(request):
                request.session.clear()
                return RedirectResponse("/login", status_code=303)
        """
        app = f"""
            middleware = [
                Middleware(SessionMiddleware, {mw_args}),{V}
            ]
            app = Starlette(
                routes=[
                    Route("/login", login, methods=["POST"]),
                    Route("/{w}s", list_{w}s),
                    Route("/logout", logout, methods=["POST"]),
                ],
                middleware=middleware,
            )
        """
        return _mod(_imps([], imps), settings, body, app)
    imps = ["from fastapi import FastAPI, Form, HTTPException, Request", "from fastapi.responses import RedirectResponse",
            "from starlette.config import Config", "from starlette.middleware.sessions import SessionMiddleware",
            "", "from .auth import verify_login", f"from .{w}s import load_{w}s"]
    settings = 'config = Config(".env")\nSESSION_SECRET = config("SESSION_SECRET")' + (f"\n{cfg}" if cfg else "")
    app = f"""
        app = FastAPI(title="{W} portal")
        app.add_middleware(SessionMiddleware, {mw_args}){V}
    """
    body = f"""
        @app.post("/login")
        async def login(request: Request, username: str = Form(...), password: str = Form(...)):
            user = await verify_login(username, password)
            if user is None:
                raise HTTPException(status_code=401, detail="invalid credentials")
            request.session.clear()
            request.session["uid"] = user.id
            return RedirectResponse("/{w}s", status_code=303)


        @app.get("/{w}s")
        async def list_{w}s(request: Request):
            uid = request.session.get("uid")
            if uid is None:
                raise HTTPException(status_code=401)
            return {{"items": await load_{w}s(uid)}}
    """
    return _mod(_imps([], imps), settings, app, body)


@fam("cookie-starlette-session-https-only", "CWE-614", fws=["starlette", "fastapi"], n=8, wrap=False)
def cookie_starlette_session(c):
    v, s = _twin(c, _starlette_session)
    return Spec(v=v, s=s, full=True,
                notes="Starlette's SessionMiddleware only marks its signed session cookie Secure when https_only=True "
                      "(the default is False); the cookie that carries the login (uid) is then also sent over plain "
                      "HTTP, where it can be read and replayed; the fix sets https_only=True (or a secure default)")


@hardneg(4)
def cookie_starlette_session_hn(c):
    w, W = c.word, c.word.capitalize()
    kind = c.pick("fastapi", "config")
    if kind == "fastapi":
        s = f"""
            import os

            from fastapi import FastAPI, Request
            from starlette.middleware.sessions import SessionMiddleware

            app = FastAPI(title="{W} portal")
            app.add_middleware(
                SessionMiddleware,
                secret_key=os.environ["SESSION_SECRET"],
                session_cookie="{w}_session",
                max_age=8 * 3600,
                same_site="strict",
                https_only=True,
            )


            @app.get("/whoami")
            async def whoami(request: Request):
                return {{"uid": request.session.get("uid")}}
        """
        return Spec(s=_mod(s), full=True, fw="fastapi", notes="the session cookie is marked Secure (https_only=True)")
    s = f"""
        from starlette.applications import Starlette
        from starlette.config import Config
        from starlette.middleware import Middleware
        from starlette.middleware.sessions import SessionMiddleware
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        config = Config(".env")
        SESSION_SECRET = config("SESSION_SECRET")
        SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", cast=bool, default=True)


        async def whoami(request):
            return JSONResponse({{"uid": request.session.get("uid")}})


        app = Starlette(
            routes=[Route("/whoami", whoami)],
            middleware=[Middleware(SessionMiddleware, secret_key=SESSION_SECRET, https_only=SESSION_COOKIE_SECURE)],
        )
    """
    return Spec(s=_mod(s), full=True, fw="starlette",
                notes="https_only comes from a setting that defaults to True")


# ---------------- CWE-1004: fastapi-users CookieTransport with cookie_httponly=False ----------------


def _fastapi_users(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    layout = c.pick("multi", "single")
    strategy = c.pick("jwt", "database", "redis")
    id_type = c.pick("uuid.UUID", "int")
    cookie = c.pick(f"{w}_auth", "fastapiusersauth", "auth_token")
    age = c.pick("3600", "8 * 3600", "86400")
    V = "" if safe else "  #@V"
    http = "" if safe else "cookie_httponly=False"
    if layout == "multi":
        lines = [f'    cookie_name="{cookie}",', f"    cookie_max_age={age},"]
        if not safe:
            lines.append(f"    {http},{V}")
        lines.append('    cookie_samesite="lax",')
        transport = "cookie_transport = CookieTransport(\n" + "\n".join(lines) + "\n)"
    else:
        args = f'cookie_name="{cookie}", cookie_max_age={age}' + (f", {http}" if http else "")
        transport = f"cookie_transport = CookieTransport({args}){V}"
    std = (["import os"] if strategy != "database" else []) + (["import uuid"] if id_type == "uuid.UUID" else [])
    third = ["from fastapi import Depends, FastAPI"]
    if strategy == "jwt":
        third.append("from fastapi_users.authentication import AuthenticationBackend, CookieTransport, JWTStrategy")
        strat = f"""
            def get_strategy() -> JWTStrategy:
                return JWTStrategy(secret=os.environ["AUTH_JWT_SECRET"], lifetime_seconds={age})
        """
    elif strategy == "database":
        third.append("from fastapi_users.authentication import AuthenticationBackend, CookieTransport")
        third.append("from fastapi_users.authentication.strategy.db import AccessTokenDatabase, DatabaseStrategy")
        strat = f"""
            def get_strategy(access_token_db: AccessTokenDatabase = Depends(get_access_token_db)) -> DatabaseStrategy:
                return DatabaseStrategy(access_token_db, lifetime_seconds={age})
        """
    else:
        third.insert(0, "import redis.asyncio")
        third.append("from fastapi_users.authentication import AuthenticationBackend, CookieTransport, RedisStrategy")
        strat = f"""
            redis_client = redis.asyncio.from_url(os.environ["REDIS_URL"], decode_responses=True)


            def get_strategy() -> RedisStrategy:
                return RedisStrategy(redis_client, lifetime_seconds={age})
        """
    third.append("from fastapi_users import FastAPIUsers")
    third = sorted(third, key=lambda l: (not l.startswith("import "), l))
    local = "from .db import User" + (", get_access_token_db" if strategy == "database" else "")
    third += ["", local, "from .manager import get_user_manager"]
    wiring = f"""
        auth_backend = AuthenticationBackend(name="cookie", transport=cookie_transport, get_strategy=get_strategy)
        fastapi_users = FastAPIUsers[User, {id_type}](get_user_manager, [auth_backend])
        current_active_user = fastapi_users.current_user(active=True)

        app = FastAPI(title="{W} API")
        app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/cookie", tags=["auth"])
    """
    route = f"""
        @app.get("/api/{w}s")
        async def list_{w}s(user: User = Depends(current_active_user)):
            return {{"owner": str(user.id), "items": []}}
    """
    return _mod(_imps(std, third), transport, strat, wiring, route)


@fam("cookie-fastapi-users-transport-httponly", "CWE-1004", fws=["fastapi"], n=8, wrap=False)
def cookie_fastapi_users(c):
    v, s = _twin(c, _fastapi_users)
    return Spec(v=v, s=s, full=True,
                notes="fastapi-users' CookieTransport sets the auth cookie HttpOnly by default; cookie_httponly=False "
                      "(typically so a single-page front end can read the token) makes the session token readable by "
                      "page scripts, so any XSS can steal it; the fix keeps the default")


@hardneg(4)
def cookie_fastapi_users_hn(c):
    w, W = c.word, c.word.capitalize()
    s = f"""
        import os
        import uuid

        from fastapi import Depends, FastAPI
        from fastapi_users import FastAPIUsers
        from fastapi_users.authentication import AuthenticationBackend, BearerTransport, CookieTransport, JWTStrategy

        from .db import User
        from .manager import get_user_manager

        cookie_transport = CookieTransport(cookie_name="{w}_auth", cookie_max_age=3600, cookie_httponly=True, cookie_samesite="strict")
        bearer_transport = BearerTransport(tokenUrl="auth/jwt/login")


        def get_jwt_strategy() -> JWTStrategy:
            return JWTStrategy(secret=os.environ["AUTH_JWT_SECRET"], lifetime_seconds=3600)


        cookie_backend = AuthenticationBackend(name="cookie", transport=cookie_transport, get_strategy=get_jwt_strategy)
        bearer_backend = AuthenticationBackend(name="jwt", transport=bearer_transport, get_strategy=get_jwt_strategy)
        fastapi_users = FastAPIUsers[User, uuid.UUID](get_user_manager, [cookie_backend, bearer_backend])

        app = FastAPI(title="{W} API")
        app.include_router(fastapi_users.get_auth_router(cookie_backend), prefix="/auth/cookie", tags=["auth"])
        app.include_router(fastapi_users.get_auth_router(bearer_backend), prefix="/auth/jwt", tags=["auth"])
    """
    return Spec(s=_mod(s), full=True, fw="fastapi",
                notes="the cookie transport keeps HttpOnly; clients that need the token use the bearer backend")


# ---------------- CWE-352: aiohttp-csrf exemption / missing csrf_protect on a state change ----------------

_CSRF_FORM = '''SETTINGS_FORM = """<form method="post" action="%ROUTE%">
<input type="hidden" name="{field}" value="{token}">
%INPUT%
<button type="submit">%LABEL%</button>
</form>"""'''


def _aiohttp_csrf(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    mode = c.pick("middleware", "middleware", "decorator")
    route, func, label, inp, call = c.pick(
        ("/settings/email", "change_email", "Change e-mail", '<input type="email" name="email">',
         'await request.app["accounts"].update(uid, email=form["email"])'),
        ("/settings/delete", "delete_account", "Delete my account", "",
         'await request.app["accounts"].delete(uid)'),
        ("/billing/payout", "update_payout", "Save payout account", '<input name="iban">',
         'await request.app["accounts"].update(uid, payout_iban=form["iban"])'),
        ("/settings/forwarding", "set_forwarding", "Forward my mail", '<input type="email" name="forward_to">',
         'await request.app["accounts"].update(uid, forward_to=form["forward_to"])'))
    field = c.pick("_csrf_token", "csrf_token")
    if mode == "middleware":
        dec_form = ""
        dec_post = "" if safe else "@aiohttp_csrf.csrf_exempt  #@V\n"
        call_line = call
        mw = "\n    app.middlewares.append(aiohttp_csrf.csrf_middleware)"
    else:
        dec_form = "@aiohttp_csrf.csrf_protect\n"
        dec_post = "@aiohttp_csrf.csrf_protect\n" if safe else ""
        call_line = call + ("" if safe else "  #@V")
        mw = ""
    form_line = "    form = await request.post()\n" if "form[" in call else ""
    form_tmpl = _CSRF_FORM.replace("%ROUTE%", route).replace("%LABEL%", label).replace("%INPUT%", inp or "<p>This cannot be undone.</p>")
    handlers = f"""
{dec_form}async def settings_page(request):
    session = await get_session(request)
    if "uid" not in session:
        raise web.HTTPFound("/login")
    token = await aiohttp_csrf.generate_token(request)
    return web.Response(text=SETTINGS_FORM.format(field=FORM_FIELD, token=token), content_type="text/html")


{dec_post}async def {func}(request):
    session = await get_session(request)
    uid = session.get("uid")
    if uid is None:
        raise web.HTTPUnauthorized()
{form_line}    {call_line}
    raise web.HTTPSeeOther("/settings")
"""
    app = f"""
def make_app():
    app = web.Application()
    # the portal is embedded in partner sites, so the session cookie is sent cross-site (SameSite=None)
    setup_session(app, EncryptedCookieStorage(base64.urlsafe_b64decode(os.environ["SESSION_KEY"]),
                                              cookie_name="{w}_session", secure=True, httponly=True, samesite="None"))
    aiohttp_csrf.setup(app, policy=aiohttp_csrf.policy.FormPolicy(FORM_FIELD),
                       storage=aiohttp_csrf.storage.CookieStorage("csrf_token")){mw}
    app["accounts"] = AccountStore(os.environ["DATABASE_URL"])
    app.router.add_get("/settings", settings_page)
    app.router.add_post("{route}", {func})
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8080)
"""
    imps = _imps(["import base64", "import os"],
                 ["import aiohttp_csrf", "from aiohttp import web", "from aiohttp_session import get_session, setup as setup_session",
                  "from aiohttp_session.cookie_storage import EncryptedCookieStorage", "",
                  f"from {w}_portal.accounts import AccountStore"])
    return _mod(imps, f'FORM_FIELD = "{field}"\n' + form_tmpl, handlers, app)


@fam("csrf-aiohttp-csrf-exempt", "CWE-352", fws=["aiohttp"], n=8, wrap=False)
def csrf_aiohttp_csrf(c):
    v, s = _twin(c, _aiohttp_csrf)
    return Spec(v=v, s=s, full=True,
                notes="aiohttp-csrf only checks the form token where its middleware runs (csrf_exempt switches it off "
                      "for a handler) or where a handler is decorated with csrf_protect; the account-changing POST is "
                      "exempt / undecorated while the session cookie is sent cross-site (SameSite=None), so another "
                      "site can submit it for a signed-in user; the fix drops the exemption / adds csrf_protect")


@hardneg(4)
def csrf_aiohttp_csrf_hn(c):
    w = c.word
    hook, verify, header = c.pick(("stripe", "verify_stripe_signature", "Stripe-Signature"),
                                  ("github", "verify_github_signature", "X-Hub-Signature-256"),
                                  ("mailgun", "verify_mailgun_signature", "X-Mailgun-Signature"))
    s = f"""
        import os

        import aiohttp_csrf
        from aiohttp import web

        from {w}_portal.events import record_event, {verify}


        @aiohttp_csrf.csrf_exempt
        async def {hook}_webhook(request):
            payload = await request.read()
            if not {verify}(payload, request.headers.get("{header}", ""), os.environ["{hook.upper()}_WEBHOOK_SECRET"]):
                raise web.HTTPUnauthorized()
            await record_event("{w}", payload)
            return web.json_response({{"received": True}})


        def make_app():
            app = web.Application()
            aiohttp_csrf.setup(app, policy=aiohttp_csrf.policy.FormPolicy("_csrf_token"),
                               storage=aiohttp_csrf.storage.CookieStorage("csrf_token"))
            app.middlewares.append(aiohttp_csrf.csrf_middleware)
            app.router.add_post("/webhooks/{hook}", {hook}_webhook)
            return app
    """
    return Spec(s=_mod(s), full=True, fw="aiohttp",
                notes="only a cookie-less webhook, authenticated by its signature header, is exempt from the CSRF check")
