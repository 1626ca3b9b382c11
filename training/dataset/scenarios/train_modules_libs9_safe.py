"""Train-only whole-module families weighted towards hard negatives (libs9 safe set): modules shaped like
the internals of mature web libraries (a WSGI rule table with canonical trailing-slash redirects, a small
template compiler that generates Python, markupsafe form widgets, JSON message catalogs negotiated from
Accept-Language, a profiler panel of a debug toolbar that is off unless configured, request-body decoders
picked by Content-Type) in which security-looking idioms are used correctly: code compiled from the
library's own generated source, ``Markup`` with escaping, ``os.path.join`` of validated names, subprocess
with quoted or fixed arguments, md5 cache keys, pickle of the module's own signed payloads (``# nosec``),
redirects checked by a same-origin helper.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix as
twin, and a ``@hardneg(10)`` builder assembling SAFE modules from the same pool of parts with other draws.
Covers: a trailing-slash redirect built from the raw PATH_INFO (601), a template compiler splicing a
placeholder name into generated code (94), a textarea widget wrapping the submitted value in ``Markup``
unescaped (79), a locale from ``?lang=``/cookie joined into a catalog path (22), a profiler call-graph
pipeline quoting the stats path but not the threshold (78), and a body-decoder table with a pickle entry
(502). Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"ast", "cProfile", "gettext", "io", "keyword", "mimetypes", "operator", "pickle", "pstats",
                          "shlex", "shutil", "subprocess", "tempfile", "types", "wsgiref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


def _app(c):
    return c.pick("quill", "larch", "tidepool", "brook", "cedar", "kestrel", "marten", "juniper")


# ---------------- CWE-601: WSGI rule table; the trailing-slash redirect reuses the raw PATH_INFO ----------------


def _rt_kw(c):
    app = _app(c)
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"),
                Map=c.pick("Map", "RuleTable", "Router"), Rule=c.pick("Rule", "Route", "UrlRule"),
                match_fn=c.pick("match", "resolve", "lookup"), build_fn=c.pick("build_url", "url_for", "path_for"),
                origin_fn=c.pick("is_same_origin", "same_site_target", "is_local_url"),
                App=c.pick("Application", "Dispatcher", "WsgiApp"))


def _rt_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const=r'''
            _PATH_SAFE = "/:@!$&'()*+,;=-._~"
            _VAR_RE = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)>")
            _CONVERTERS = {"default": r"[^/]+", "int": r"\d+", "slug": r"[a-z0-9]+(?:-[a-z0-9]+)*", "path": r".+?"}
        '''),
        P("rule", rank=2, body='''
            class $Rule:
                """A URL pattern such as ``/docs/<slug:page>/``; a trailing slash makes it a branch URL."""

                def __init__(self, pattern: str, endpoint: str, methods: tuple[str, ...] = ("GET",)) -> None:
                    self.pattern = pattern
                    self.endpoint = endpoint
                    self.methods = frozenset(m.upper() for m in methods) | ({"HEAD"} if "GET" in methods else set())
                    self.is_branch = pattern.endswith("/") and pattern != "/"
                    self.converters: dict[str, str] = {}
                    body = pattern.rstrip("/") if self.is_branch else pattern
                    parts, pos = [], 0
                    for m in _VAR_RE.finditer(body):
                        parts.append(re.escape(body[pos:m.start()]))
                        conv = m.group("conv") or "default"
                        self.converters[m.group("name")] = conv
                        parts.append(f"(?P<{m.group('name')}>{_CONVERTERS[conv]})")
                        pos = m.end()
                    parts.append(re.escape(body[pos:]))
                    self.regex = re.compile("^" + "".join(parts) + "$")

                def match(self, path: str) -> tuple[dict, bool] | None:
                    """(values, whether the canonical URL adds the trailing slash), or None."""
                    needs_slash = self.is_branch and not path.endswith("/")
                    m = self.regex.match(path if needs_slash or not self.is_branch else path[:-1])
                    if m is None:
                        return None
                    values = {k: int(v) if self.converters[k] == "int" else v for k, v in m.groupdict().items()}
                    return values, needs_slash
        '''),
        P("map", rank=3, imp="from werkzeug.exceptions import MethodNotAllowed, NotFound\nfrom werkzeug.routing import RequestRedirect\n"
                            "from urllib.parse import quote", body='''
            class $Map:
                """An ordered rule table: the first rule that matches wins; branch URLs get their slash."""

                def __init__(self, rules: list[$Rule], strict_slashes: bool = True) -> None:
                    self.rules = list(rules)
                    self.strict_slashes = strict_slashes
                    self.by_endpoint = {rule.endpoint: rule for rule in self.rules}

                def $match_fn(self, environ: dict) -> tuple[str, dict]:
                    """(endpoint, values) for the request; raises the HTTP exception to answer with otherwise."""
                    path = environ.get("PATH_INFO", "") or "/"  #@S
                    method = environ.get("REQUEST_METHOD", "GET").upper()
                    allowed: set[str] = set()
                    for rule in self.rules:
                        hit = rule.match(path)
                        if hit is None:
                            continue
                        values, needs_slash = hit
                        if needs_slash and self.strict_slashes:
                            $FIX
                            query = environ.get("QUERY_STRING", "")
                            raise RequestRedirect(f"{location}?{query}" if query else location)  #@V
                        if method not in rule.methods:
                            allowed |= rule.methods
                            continue
                        return rule.endpoint, values
                    if allowed:
                        raise MethodNotAllowed(valid_methods=sorted(allowed))
                    $log.debug("no rule for %s %r", method, path[:200])
                    raise NotFound()
        '''),
    ]
    pool = [
        P("build", rank=4, imp="from urllib.parse import quote, urlencode", body='''
            def $build_fn(table: $Map, endpoint: str, **values: object) -> str:
                """The path of ``endpoint`` with ``values`` filled in (percent-encoded); extra values go to the query."""
                rule = table.by_endpoint[endpoint]

                def _fill(m: re.Match) -> str:
                    value = str(values.pop(m.group("name")))
                    return quote(value, safe="/" if m.group("conv") == "path" else "")

                path = _VAR_RE.sub(_fill, rule.pattern)
                return path + ("?" + urlencode(sorted(values.items())) if values else "")
        '''),
        P("origin", rank=1, imp="from urllib.parse import urlsplit", body=r'''
            def $origin_fn(target: str, host: str) -> bool:
                """True for a path on this site or an absolute http(s) URL on ``host``."""
                candidate = "".join(target.split()).replace("\\", "/")
                parts = urlsplit(candidate)
                if not parts.scheme and not parts.netloc:
                    return candidate.startswith("/") and not candidate.startswith("//")
                return parts.scheme in ("http", "https") and parts.netloc == host
        '''),
        P("back", rank=4, needs=["origin"], imp="from urllib.parse import parse_qs\nfrom werkzeug.utils import redirect", body='''
            def redirect_back(environ: dict, fallback: str = "/") -> "Response":
                """Back to ``?next=`` when it stays on this site (checked by $origin_fn), else to ``fallback``."""
                target = parse_qs(environ.get("QUERY_STRING", "")).get("next", [fallback])[0]
                if not $origin_fn(target, environ.get("HTTP_HOST", "")):
                    $log.info("ignoring off-site next parameter")
                    target = fallback
                return redirect(target, code=303)
        '''),
        P("app", rank=5, imp="from werkzeug.exceptions import HTTPException\nfrom werkzeug.wrappers import Request", body='''
            class $App:
                """The WSGI callable: route the request, call the view registered for its endpoint."""

                def __init__(self, table: $Map, views: dict) -> None:
                    self.table = table
                    self.views = views

                def __call__(self, environ, start_response):
                    try:
                        endpoint, values = self.table.$match_fn(environ)
                        response = self.views[endpoint](Request(environ), **values)
                    except HTTPException as exc:
                        response = exc.get_response(environ)
                    return response(environ, start_response)
        '''),
        P("hosts", rank=1, imp="import os", const='ALLOWED_HOSTS = frozenset(filter(None, os.environ.get("$APP_HOSTS", "localhost").split(",")))', body='''
            def host_allowed(environ: dict) -> bool:
                """Reject requests for host names this deployment does not serve."""
                host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
                return host in ALLOWED_HOSTS
        '''),
    ]
    return core, pool


_RT_DOCS = ["URL routing for the $app WSGI layer: a rule table, matching, canonical slash redirects.",
            "Rule table and dispatcher of $app (werkzeug exceptions, our own matching).",
            "Routing internals: patterns with converters, strict slashes, URL building."]
_RT_SAFE = ['location = "/" + quote(path.lstrip("/"), safe=_PATH_SAFE) + "/"']


@fam("mod9-router-trailing-slash-redirect", "CWE-601", fws=["script"], n=8, wrap=False)
def mod9_router_slash(c):
    kw = _rt_kw(c)
    core, pool = _rt_parts(c)
    vfix = c.pick('location = path + "/"  #@V', 'location = f"{path}/"  #@V', 'location = path.rstrip("/") + "/"  #@V')
    v, s = pair(c, c.pick(*_RT_DOCS), '$log = logging.getLogger("$app.routing")', core, pool, kw,
                fill(vfix, **kw), fill(_RT_SAFE[0], **kw))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the strict-slashes redirect of a branch rule is built from the raw PATH_INFO: a request for "
                      "/\\evil.example (or //evil.example for a rule with a path converter) is answered with "
                      "Location: /\\evil.example/, which browsers follow to the other host; the fix strips the "
                      "leading slashes and percent-encodes the path under a single '/'")


@hardneg(10)
def mod9_router_slash_hn(c):
    kw = _rt_kw(c)
    core, pool = _rt_parts(c)
    code = compose(c, c.pick(*_RT_DOCS), '$log = logging.getLogger("$app.routing")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(_RT_SAFE[0], **kw)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="router whose slash redirect is re-encoded under a single '/', redirects checked by a "
                      "same-origin helper, werkzeug RequestRedirect/redirect with local targets")


# ---------------- CWE-94: template compiler splicing a placeholder name into the generated Python ----------------


def _tc_kw(c):
    app = _app(c)
    return dict(app=app, log=c.pick("log", "logger"), Compiled=c.pick("CompiledTemplate", "Template", "RenderFn"),
                Env=c.pick("TemplateCache", "Environment", "Templates"), env=c.pick("templates", "_env", "_cache"),
                maxent=c.pick(128, 256, 512), maxchars=c.pick(2000, 4000, 8000),
                kind=c.pick("invite", "digest", "reminder", "welcome"))


def _tc_parts(c):
    run = c.pick("exec(code, namespace)  # nosec B102: source generated by _codegen, literals via repr()",
                 "eval(code, namespace)  # the code object only defines render()")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const=r'''
            _EXPR_RE = re.compile(r"\{\{\s*(?P<name>[^|}]+?)\s*(?:\|\s*(?P<filter>[a-z_]+)\s*)?\}\}")
            MAX_TEMPLATE_CHARS = $maxchars
        '''),
        P("filters", rank=1, imp="import html", body='''
            FILTERS = {
                "escape": lambda value: html.escape(str(value), quote=True),
                "upper": lambda value: html.escape(str(value).upper()),
                "title": lambda value: html.escape(str(value).title()),
                "count": lambda value: str(len(value)),
            }
        '''),
        P("codegen", rank=2, body='''
            class TemplateSyntaxError(ValueError):
                """The template text is malformed (unknown filter, text too long)."""


            def _codegen(source: str) -> str:
                """Python source of a ``render(ctx, _f)`` function for ``source``.

                Literal text is embedded with ``repr`` and lookups go through ``ctx[...]``: template authors
                reference context values and filters, they never write Python.
                """
                if len(source) > MAX_TEMPLATE_CHARS:
                    raise TemplateSyntaxError("template too long")
                body = ["def render(ctx, _f):", "    out = []", "    _w = out.append"]
                pos = 0
                for m in _EXPR_RE.finditer(source):
                    if m.start() > pos:
                        body.append(f"    _w({source[pos:m.start()]!r})")
                    name, filt = m.group("name"), m.group("filter") or "escape"
                    if filt not in FILTERS:
                        raise TemplateSyntaxError(f"unknown filter {filt!r}")
                    $FIX
                    pos = m.end()
                if pos < len(source):
                    body.append(f"    _w({source[pos:]!r})")
                body.append('    return "".join(out)')
                return "\\n".join(body) + "\\n"
        '''),
        P("compiled", rank=3, body='''
            class $Compiled:
                """A compiled template: the generated ``render`` function and the name it was built for."""

                def __init__(self, name: str, source: str) -> None:
                    self.name = name
                    code = compile(_codegen(source), f"<template {name}>", "exec")  #@V
                    namespace: dict = {}
                    ''' + run + '''
                    self._render = namespace["render"]

                def render(self, **context: object) -> str:
                    try:
                        return self._render(context, FILTERS)
                    except KeyError as exc:
                        raise TemplateSyntaxError(f"{self.name}: undefined variable {exc.args[0]!r}") from None
        '''),
        P("env", rank=4, imp="import hashlib", body='''
            class $Env:
                """Compiled templates keyed by the md5 of their text (a cache key, not a security control)."""

                def __init__(self, max_entries: int = $maxent) -> None:
                    self._cache: dict[str, $Compiled] = {}
                    self.max_entries = max_entries

                def get(self, name: str, source: str) -> $Compiled:
                    key = hashlib.md5(source.encode("utf-8")).hexdigest()
                    tmpl = self._cache.get(key)
                    if tmpl is None:
                        if len(self._cache) >= self.max_entries:
                            self._cache.pop(next(iter(self._cache)))
                        tmpl = self._cache[key] = $Compiled(name, source)
                        $log.debug("compiled template %s (%s)", name, key[:8])
                    return tmpl


            $env = $Env()
        '''),
        P("subject", rank=5, const='DEFAULT_SUBJECTS = {"$kind": "Your {{ workspace|title }} $kind"}', body='''
            def render_subject(workspace, kind: str, **context: object) -> str:
                """Subject of a notification, from the template the workspace admins edited in settings."""
                source = workspace.settings.get(f"templates.{kind}.subject") or DEFAULT_SUBJECTS[kind]  #@S
                return $env.get(f"{workspace.slug}/{kind}", source).render(workspace=workspace.name, **context)
        '''),
    ]
    pool = [
        P("check", rank=4, body='''
            def check_template(source: str) -> list[str]:
                """Problems to show in the settings form before a template is saved."""
                try:
                    _codegen(source)
                except TemplateSyntaxError as exc:
                    return [str(exc)]
                return []
        '''),
        P("literal", rank=4, imp="import ast", body='''
            def parse_setting(raw: str) -> object:
                """Typed value of a settings entry such as ``(9, 17)``; literals only, never code."""
                try:
                    return ast.literal_eval(raw)
                except (ValueError, SyntaxError):
                    return raw
        '''),
        P("register", rank=2, imp="import html", body='''
            def register_filter(name: str, func) -> None:
                """Add a filter for template authors; its result is escaped like every other value."""
                if not name.isidentifier() or name in FILTERS:
                    raise ValueError(f"bad or duplicate filter name {name!r}")
                FILTERS[name] = lambda value: html.escape(str(func(value)))
        '''),
        P("plain", rank=4, imp="import html\nimport re", const=r'_TAG_RE = re.compile(r"<[^>]+>")', body='''
            def plain_text(rendered: str) -> str:
                """Text part of the e-mail: the rendered HTML without tags, entities decoded."""
                return html.unescape(_TAG_RE.sub("", rendered))
        '''),
        P("names", rank=4, body='''
            def referenced_names(source: str) -> list[str]:
                """Variables a template uses, for the help text next to the editor."""
                return sorted({m.group("name").strip() for m in _EXPR_RE.finditer(source)})
        '''),
    ]
    return core, pool


_TC_DOCS = ["Notification subject templates: a tiny compiler from ``{{ name|filter }}`` text to Python.",
            "Workspace-editable templates for $app notifications, compiled once and cached.",
            "Template compiler of $app: placeholders and filters only, output escaped."]
_TC_SAFE = ['body.append(f"    _w(_f[{filt!r}](ctx[{name!r}]))")',
            'body.append(f"    _w(_f[{filt!r}](ctx[{name.strip()!r}]))")']


@fam("mod9-template-compiler-name-codegen", "CWE-94", fws=["script"], n=8, wrap=False)
def mod9_template_codegen(c):
    kw = _tc_kw(c)
    core, pool = _tc_parts(c)
    k = c.pick(0, 1)
    vfix = ['body.append(f\'    _w(_f[{filt!r}](ctx["{name}"]))\')  #@V',
            "body.append(\"    _w(_f[%r](ctx['%s']))\" % (filt, name.strip()))  #@V"][k]
    v, s = pair(c, c.pick(*_TC_DOCS), '$log = logging.getLogger("$app.templates")', core, pool, kw,
                fill(vfix, **kw), fill(_TC_SAFE[k], **kw))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the compiler writes the placeholder name into the generated Python between quotes instead "
                      "of with repr(): a workspace admin's subject template such as {{ x\"]+str(__import__('os')"
                      ".system('id'))+ctx[\"x }} (single quotes for the %-formatted variant) becomes part of the "
                      "generated render(), which render_subject compiles, loads and calls at once; the fix embeds "
                      "the name with !r like the literal text")


@hardneg(10)
def mod9_template_codegen_hn(c):
    kw = _tc_kw(c)
    core, pool = _tc_parts(c)
    code = compose(c, c.pick(*_TC_DOCS), '$log = logging.getLogger("$app.templates")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(c.pick(*_TC_SAFE), **kw)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="template compiler that embeds literals and names with repr() and runs its own generated "
                      "code (compile + exec/eval of a code object), ast.literal_eval settings, md5 cache keys")


# ---------------- CWE-79: markupsafe form widgets; the textarea re-shows the submitted value unescaped ----------------


def _wg_kw(c):
    app = _app(c)
    return dict(app=app, log=c.pick("log", "logger"), params_fn=c.pick("html_params", "render_attrs", "attrs_html"),
                Field=c.pick("Field", "BoundField", "FormField"), TextArea=c.pick("TextArea", "Textarea", "TextAreaWidget"),
                Input=c.pick("Input", "TextInput", "InputWidget"), row_fn=c.pick("render_row", "field_row", "row_html"))


def _wg_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("params", rank=1, imp="from markupsafe import escape", body='''
            def $params_fn(**attrs: object) -> str:
                """Tag attributes: ``class_`` becomes ``class``, True is a bare flag, None/False are left out."""
                parts = []
                for key, value in sorted(attrs.items()):
                    if value is None or value is False:
                        continue
                    key = key.rstrip("_").replace("_", "-")
                    parts.append(key if value is True else f'{key}="{escape(value)}"')
                return " ".join(parts)
        '''),
        P("field", rank=2, body='''
            class $Field:
                """A form field: name, label, widget, and the submitted value re-shown after a failed validation."""

                def __init__(self, name: str, label: str, widget, default: str = "", required: bool = False) -> None:
                    self.name = name
                    self.id = "id_" + name
                    self.label = label
                    self.widget = widget
                    self.default = default
                    self.required = required
                    self.value = default
                    self.errors: list[str] = []

                def process(self, formdata) -> None:
                    self.value = formdata.get(self.name, self.default)  #@S
                    if self.required and not self.value.strip():
                        self.errors.append(f"{self.label} is required.")

                def __html__(self) -> str:
                    return self.widget(self)
        '''),
        P("input", rank=3, imp="from markupsafe import Markup", body='''
            class $Input:
                """``<input>``; the value goes through $params_fn like every other attribute."""

                input_type = "text"

                def __call__(self, field: "$Field", **attrs: object) -> Markup:
                    attrs.setdefault("id", field.id)
                    attrs.setdefault("type", self.input_type)
                    attrs.setdefault("required", field.required)
                    return Markup(f"<input {$params_fn(name=field.name, value=field.value, **attrs)}>")
        '''),
        P("textarea", rank=3, imp="from markupsafe import Markup, escape", body='''
            class $TextArea:
                """``<textarea>`` for long text; the current value is the element's content."""

                def __call__(self, field: "$Field", **attrs: object) -> Markup:
                    attrs.setdefault("id", field.id)
                    attrs.setdefault("rows", 6)
                    $FIX
        '''),
    ]
    pool = [
        P("select", rank=3, imp="from markupsafe import Markup", body='''
            class Select:
                """``<select>`` from (value, label) pairs; Markup's ``%`` operator escapes every argument."""

                def __init__(self, choices: list[tuple[str, str]]) -> None:
                    self.choices = choices

                def __call__(self, field: "$Field", **attrs: object) -> Markup:
                    attrs.setdefault("id", field.id)
                    options = Markup("").join(
                        Markup('<option value="%s"%s>%s</option>') % (value, Markup(" selected") if value == field.value else "", label)
                        for value, label in self.choices
                    )
                    return Markup("<select %s>%s</select>") % (Markup($params_fn(name=field.name, **attrs)), options)
        '''),
        P("hidden", rank=4, needs=["input"], body='''
            class HiddenInput($Input):
                input_type = "hidden"
        '''),
        P("errors", rank=4, imp="from markupsafe import Markup", body='''
            def render_errors(field: "$Field") -> Markup:
                """The field's error messages as a list; ``Markup.format`` escapes each message."""
                if not field.errors:
                    return Markup("")
                items = Markup("").join(Markup("<li>{}</li>").format(message) for message in field.errors)
                return Markup('<ul class="errors" id="{}-errors">{}</ul>').format(field.id, items)
        '''),
        P("label", rank=4, imp="from markupsafe import Markup", body='''
            def render_label(field: "$Field") -> Markup:
                star = Markup(' <abbr title="required">*</abbr>') if field.required else ""
                return Markup('<label for="{}">{}{}</label>').format(field.id, field.label, star)
        '''),
        P("row", rank=5, needs=["errors", "label"], imp="from markupsafe import Markup", body='''
            def $row_fn(field: "$Field", **attrs: object) -> Markup:
                """Label, widget and errors wrapped in a div; the pieces are Markup already."""
                css = "row has-errors" if field.errors else "row"
                return Markup('<div class="{}">{}{}{}</div>').format(css, render_label(field), field.widget(field, **attrs), render_errors(field))
        '''),
    ]
    return core, pool


_WG_DOCS = ["Form widgets rendering fields to HTML with markupsafe.",
            "HTML widgets of the $app forms package (inputs, textarea, select, error lists).",
            "Widget layer: turns bound fields into escaped HTML fragments."]
_WG_V = [r'return Markup("<textarea %s>\r\n%s</textarea>" % ($params_fn(name=field.name, **attrs), field.value or ""))  #@V',
         r'''return Markup(f"<textarea {$params_fn(name=field.name, **attrs)}>\r\n{field.value or ''}</textarea>")  #@V''',
         r'return Markup("<textarea {}>\r\n{}</textarea>".format($params_fn(name=field.name, **attrs), field.value or ""))  #@V']
_WG_S = [r'return Markup("<textarea %s>\r\n%s</textarea>" % ($params_fn(name=field.name, **attrs), escape(field.value or "")))',
         r'''return Markup(f"<textarea {$params_fn(name=field.name, **attrs)}>\r\n{escape(field.value or '')}</textarea>")''',
         r'return Markup("<textarea {}>\r\n{}</textarea>".format($params_fn(name=field.name, **attrs), escape(field.value or "")))']


@fam("mod9-form-widget-textarea-markup", "CWE-79", fws=["flask"], n=8, wrap=False)
def mod9_widget_textarea(c):
    kw = _wg_kw(c)
    core, pool = _wg_parts(c)
    k = c.pick(0, 1, 2)
    v, s = pair(c, c.pick(*_WG_DOCS), '$log = logging.getLogger("$app.widgets")', core, pool, kw,
                fill(_WG_V[k], **kw), fill(_WG_S[k], **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the textarea widget puts the submitted value inside Markup(...) without escape(): after a "
                      "failed validation the form re-renders what the user (or a cross-site form post) sent, so "
                      "</textarea><script> runs in the page; every other widget escapes through the attribute "
                      "helper, Markup.format or Markup's % operator, and the fix escapes the value")


@hardneg(10)
def mod9_widget_textarea_hn(c):
    kw = _wg_kw(c)
    core, pool = _wg_parts(c)
    code = compose(c, c.pick(*_WG_DOCS), '$log = logging.getLogger("$app.widgets")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(c.pick(*_WG_S), **kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="markupsafe widgets: Markup around f-strings of escaped attributes, Markup.format and the "
                      "% operator (both escape their arguments), escape() of the textarea content")


# ---------------- CWE-22: JSON message catalogs; the ?lang= / cookie locale reaches os.path.join unchecked ----------------


def _i18n_kw(c):
    app = _app(c)
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"), Catalogs=c.pick("Catalogs", "MessageCatalogs", "CatalogStore"),
                catalogs=c.pick("catalogs", "_catalogs", "messages_store"), cookie=c.pick("lang", "locale", f"{app}_lang"),
                deflocale=c.pick("en", "en_US", "de", "fr"), maxage=c.pick(300, 600, 3600),
                select_fn=c.pick("select_locale", "current_locale", "pick_locale"))


def _i18n_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            CATALOG_DIR = os.environ.get("$APP_CATALOGS", os.path.join(os.path.dirname(__file__), "catalogs"))
            DEFAULT_LOCALE = "$deflocale"
            LOCALE_COOKIE = "$cookie"
        '''),
        P("accept", rank=1, body='''
            def parse_accept_language(header: str) -> list[str]:
                """Language tags of an Accept-Language header, best first; ``q=0`` and malformed entries dropped."""
                ranked = []
                for index, item in enumerate(header.split(",")):
                    tag, _, params = item.strip().partition(";")
                    quality = 1.0
                    if params.strip().startswith("q="):
                        try:
                            quality = float(params.strip()[2:])
                        except ValueError:
                            continue
                    if tag and quality > 0:
                        ranked.append((-quality, index, tag.strip().replace("-", "_")))
                return [tag for _, _, tag in sorted(ranked)]
        '''),
        P("store", rank=2, imp="import json\nimport os", body='''
            class $Catalogs:
                """JSON message catalogs, one ``<locale>.json`` per locale under ``root``."""

                def __init__(self, root: str) -> None:
                    self.root = os.path.realpath(root)
                    self.available = frozenset(n[:-5] for n in os.listdir(self.root) if n.endswith(".json"))
                    self._loaded: dict[str, dict] = {}

                def load(self, locale: str) -> dict:
                    if locale not in self._loaded:
                        path = os.path.join(self.root, locale + ".json")  #@V
                        with open(path, encoding="utf-8") as fh:
                            self._loaded[locale] = json.load(fh)
                        $log.debug("loaded a catalog with %d messages", len(self._loaded[locale]))
                    return self._loaded[locale]

                def negotiate(self, header: str) -> str:
                    for tag in parse_accept_language(header):
                        for candidate in (tag, tag.split("_")[0]):
                            if candidate in self.available:
                                return candidate
                    return DEFAULT_LOCALE


            $catalogs = $Catalogs(CATALOG_DIR)
        '''),
        P("select", rank=3, imp="from flask import request", body='''
            def $select_fn() -> str:
                """``?lang=`` or the language cookie when set, else the best match for Accept-Language."""
                requested = request.args.get("lang") or request.cookies.get(LOCALE_COOKIE, "")  #@S
                $FIX
                    return requested
                return $catalogs.negotiate(request.headers.get("Accept-Language", ""))
        '''),
        P("endpoint", rank=4, imp="from flask import Blueprint, jsonify", setup='bp = Blueprint("i18n", __name__)', body='''
            @bp.get("/i18n/messages.json")
            def messages():
                """The catalog for the browser-side translations."""
                locale = $select_fn()
                resp = jsonify(locale=locale, messages=$catalogs.load(locale))
                resp.headers["Cache-Control"] = "private, max-age=$maxage"
                resp.headers["Vary"] = "Accept-Language, Cookie"
                return resp
        '''),
    ]
    pool = [
        P("local", rank=1, imp="from urllib.parse import urlsplit", body=r'''
            def _is_local(target: str) -> bool:
                """A path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
                cleaned = "".join(target.split()).replace("\\", "/")
                parts = urlsplit(cleaned)
                return cleaned.startswith("/") and not cleaned.startswith("//") and not parts.scheme and not parts.netloc
        '''),
        P("setlang", rank=5, needs=["local", "endpoint"], imp="from flask import redirect, request", body='''
            @bp.post("/i18n/setlang")
            def set_language():
                """Remember the chosen language and go back to the page it was chosen on."""
                lang = request.form.get("lang", "")
                target = request.form.get("next", "")
                resp = redirect(target if _is_local(target) else "/", code=303)
                if lang in $catalogs.available:
                    resp.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 24 * 3600, secure=True, httponly=True, samesite="Lax")
                return resp
        '''),
        P("translate", rank=4, imp="import string", body='''
            def translate(message_id: str, **params: object) -> str:
                """The message in the current locale, ``$name`` placeholders filled (missing ones left as is)."""
                catalog = $catalogs.load($select_fn())
                return string.Template(catalog.get(message_id, message_id)).safe_substitute(params)
        '''),
        P("etag", rank=4, imp="import hashlib\nimport json", body='''
            def catalog_etag(messages: dict) -> str:
                """Validator for the catalog response; md5 fingerprints the content, it protects nothing."""
                canonical = json.dumps(messages, sort_keys=True, separators=(",", ":"))
                return '"' + hashlib.md5(canonical.encode("utf-8")).hexdigest() + '"'
        '''),
        P("ctx", rank=5, needs=["endpoint"], body='''
            @bp.app_context_processor
            def inject_locale() -> dict:
                return {"current_locale": $select_fn(), "available_locales": sorted($catalogs.available)}
        '''),
    ]
    return core, pool


_I18N_DOCS = ["Locale negotiation and JSON message catalogs for the $app front end.",
              "i18n helpers: Accept-Language parsing, the locale cookie, catalogs served as JSON.",
              "Translations blueprint of $app (catalog files per locale, negotiated per request)."]
_I18N_S = ["if requested in $catalogs.available:", "if requested and requested in $catalogs.available:"]


@fam("mod9-i18n-catalog-locale-path", "CWE-22", fws=["flask"], n=8, wrap=False)
def mod9_i18n_catalog(c):
    kw = _i18n_kw(c)
    core, pool = _i18n_parts(c)
    k = c.pick(0, 1)
    vfix = ["if requested:  #@V", "if requested != \"\":  #@V"][k]
    v, s = pair(c, c.pick(*_I18N_DOCS), '$log = logging.getLogger("$app.i18n")', core, pool, kw,
                fill(vfix, **kw), fill(_I18N_S[k], **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the locale from ?lang= or the cookie is used as soon as it is non-empty; Catalogs.load joins "
                      "it into the catalog path, so lang=../../instance/credentials returns any .json file on the "
                      "server; negotiated locales come from the catalog directory, and the fix accepts a requested "
                      "locale only when it is one of them")


@hardneg(10)
def mod9_i18n_catalog_hn(c):
    kw = _i18n_kw(c)
    core, pool = _i18n_parts(c)
    code = compose(c, c.pick(*_I18N_DOCS), '$log = logging.getLogger("$app.i18n")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(c.pick(*_I18N_S), **kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="catalog paths joined only from locales found in the catalog directory, redirects checked "
                      "by a local-path helper, md5 ETags, string.Template.safe_substitute")


# ---------------- CWE-78: debug-toolbar profiler panel; the call-graph pipeline quotes the path, not the option ----------------


def _pf_kw(c):
    app = _app(c)
    opt, param, default = c.pick(("-n", "threshold", "0.5"), ("-e", "edge_threshold", "0.1"), ("--node-thres", "min_percent", "1.0"),
                                 ("-c", "colormap", "color"))
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"), opt=opt, param=param, default=default,
                Mw=c.pick("ProfilerMiddleware", "ProfilePanel", "CallGraphProfiler"), timeout=c.pick(20, 30, 60),
                prefix=c.pick("/__profiler__/", "/_debug/profile/", "/__toolbar__/profile/"), keep=c.pick(50, 100, 200))


def _pf_parts(c, numeric):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport re", const='''
            PROFILER_ENABLED = os.environ.get("$APP_PROFILER", "") == "1"
            INTERNAL_IPS = frozenset(filter(None, os.environ.get("$APP_INTERNAL_IPS", "127.0.0.1,::1").split(",")))
            PREFIX = "$prefix"
            RUN_ID_RE = re.compile(r"[0-9a-f]{32}")
        '''),
        P("mw", rank=3, imp="import cProfile\nimport os\nimport shlex\nimport subprocess\nimport uuid\n"
                            "from werkzeug.wrappers import Request, Response", body='''
            class $Mw:
                """Profiles requests from INTERNAL_IPS and serves their call graphs as SVG under PREFIX.

                Off unless $APP_PROFILER=1; everyone else reaches the wrapped application untouched.
                """

                def __init__(self, app, store_dir: str) -> None:
                    self.app = app
                    self.store_dir = store_dir
                    os.makedirs(store_dir, mode=0o700, exist_ok=True)

                def __call__(self, environ, start_response):
                    if not PROFILER_ENABLED or environ.get("REMOTE_ADDR") not in INTERNAL_IPS:
                        return self.app(environ, start_response)
                    request = Request(environ)
                    if request.path.startswith(PREFIX):
                        return self.call_graph(request)(environ, start_response)
                    profiler = cProfile.Profile()
                    profiler.enable()
                    try:
                        chunks = list(self.app(environ, start_response))
                    finally:
                        profiler.disable()
                    run_id = uuid.uuid4().hex
                    profiler.dump_stats(os.path.join(self.store_dir, run_id + ".pstats"))
                    $log.debug("profiled %s %s as run %s", request.method, request.path, run_id)
                    return chunks

                def call_graph(self, request: Request) -> Response:
                    run_id = request.path[len(PREFIX):].removesuffix(".svg")
                    stats_path = os.path.join(self.store_dir, run_id + ".pstats")
                    if not RUN_ID_RE.fullmatch(run_id) or not os.path.isfile(stats_path):
                        return Response("unknown run", status=404)
                    $param = request.args.get("$param", "$default")  #@S
                    $FIX
                    if proc.returncode != 0:
                        $log.warning("call graph failed: %s", proc.stderr.decode("utf-8", "replace")[:300])
                        return Response("could not render the call graph", status=500)
                    return Response(proc.stdout, mimetype="image/svg+xml")
        '''),
    ]
    pool = [
        P("runs", rank=4, imp="import os", body='''
            def recent_runs(store_dir: str, limit: int = 20) -> list[str]:
                """Ids of the newest profiled runs, for the toolbar's list."""
                names = [n for n in os.listdir(store_dir) if RUN_ID_RE.fullmatch(n.removesuffix(".pstats"))]
                names.sort(key=lambda n: os.path.getmtime(os.path.join(store_dir, n)), reverse=True)
                return [n.removesuffix(".pstats") for n in names[:limit]]
        '''),
        P("prune", rank=4, imp="import os", body='''
            def prune_runs(store_dir: str, keep: int = $keep) -> int:
                """Delete all but the newest ``keep`` stats files; only names we generated are touched."""
                names = sorted((n for n in os.listdir(store_dir) if n.endswith(".pstats") and RUN_ID_RE.fullmatch(n[:-7])),
                               key=lambda n: os.path.getmtime(os.path.join(store_dir, n)))
                for name in names[:-keep] if len(names) > keep else []:
                    os.remove(os.path.join(store_dir, name))
                return max(0, len(names) - keep)
        '''),
        P("top", rank=4, imp="import io\nimport pstats", body='''
            def top_functions(stats_path: str, count: int = 25) -> str:
                """Text table of the most expensive functions of one run (cumulative time)."""
                buf = io.StringIO()
                pstats.Stats(stats_path, stream=buf).sort_stats("cumulative").print_stats(count)
                return buf.getvalue()
        '''),
        P("tools", rank=4, imp="import shutil\nimport subprocess", body='''
            def graphviz_version() -> str | None:
                """``dot -V`` output for the toolbar footer, or None when graphviz is not installed."""
                if shutil.which("dot") is None or shutil.which("gprof2dot") is None:
                    return None
                proc = subprocess.run(["dot", "-V"], capture_output=True, text=True, timeout=5)
                return (proc.stderr or proc.stdout).strip() or None
        '''),
        P("wrap", rank=5, imp="import os", body='''
            def wrap(app):
                """The application, wrapped in the profiler only when $APP_PROFILER=1."""
                if not PROFILER_ENABLED:
                    return app
                store = os.environ.get("$APP_PROFILE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "$app-profiles")
                $log.warning("request profiler enabled for %s", ", ".join(sorted(INTERNAL_IPS)))
                return $Mw(app, store)
        '''),
    ]
    return core, pool


def _pf_fix(c, safe, numeric):
    shape = c.pick("inline", "cmdvar")
    if safe:
        val = "{float($param):g}" if numeric and c.rng.random() < 0.5 else "{shlex.quote($param)}"
    else:
        val = "{$param}"
    cmd = f'f"gprof2dot -f pstats $opt {val} {{shlex.quote(stats_path)}} | dot -Tsvg"'
    mark = "" if safe else "  #@V"
    if shape == "inline":
        return f"proc = subprocess.run({cmd}, shell=True, capture_output=True, timeout=$timeout){mark}"
    return (f"cmd = {cmd}{mark}\n"
            f"        proc = subprocess.run(cmd, shell=True, capture_output=True, timeout=$timeout)  "
            f"# nosec B602: the values are shlex-quoted{mark}")


_PF_DOCS = ["Request profiler panel of the $app debug toolbar (off unless $APP_PROFILER=1).",
            "Debug toolbar: cProfile per request and gprof2dot/graphviz call graphs for internal addresses.",
            "WSGI profiling middleware with call-graph rendering, for local troubleshooting only."]


@fam("mod9-profiler-panel-callgraph-shell", "CWE-78", fws=["script"], n=8, wrap=False)
def mod9_profiler_shell(c):
    kw = _pf_kw(c)
    numeric = kw["param"] != "colormap"
    core, pool = _pf_parts(c, numeric)
    state = c.snapshot()
    vfix = _pf_fix(c, False, numeric)
    c.restore(state)
    sfix = _pf_fix(c, True, numeric)
    v, s = pair(c, c.pick(*_PF_DOCS), '$log = logging.getLogger("$app.profiler")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the call-graph command runs through a shell with the stats path shlex-quoted but the "
                      "query parameter interpolated as is, so ?$param=1;id or $(...) runs commands as the app "
                      "user (the panel is only reachable from INTERNAL_IPS, which includes proxies and "
                      "cross-site requests from a developer's browser); the fix quotes (or converts) the value too"
                      .replace("$param", kw["param"]))


@hardneg(10)
def mod9_profiler_shell_hn(c):
    kw = _pf_kw(c)
    numeric = kw["param"] != "colormap"
    core, pool = _pf_parts(c, numeric)
    code = compose(c, c.pick(*_PF_DOCS), '$log = logging.getLogger("$app.profiler")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(_pf_fix(c, True, numeric), **kw)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="profiler middleware off unless configured, shell pipeline whose every value is shlex-quoted "
                      "(or a float), subprocess with fixed argv for dot -V, os.path.join of uuid4 run ids")


# ---------------- CWE-502: request-body decoders by Content-Type; one entry unpickles the body ----------------


def _bd_kw(c):
    app = _app(c)
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"), maxbody=c.pick("1 << 20", "2 * 1024 * 1024", "512 * 1024"),
                maxfields=c.pick(200, 500, 1000), parse_fn=c.pick("parse_body", "decode_body", "read_payload"),
                pmime=c.pick("application/x-python-pickle", "application/python-pickle", "application/x-pickle"))


def _bd_parts(c, shape):
    if shape == "dict":
        registry = P("registry", rank=2, imp="import json\nfrom typing import Callable\nfrom urllib.parse import parse_qs\nimport msgpack", body='''
            def _form(body: bytes, charset: str) -> dict:
                return {k: v[-1] for k, v in parse_qs(body.decode(charset), max_num_fields=MAX_FORM_FIELDS).items()}


            DECODERS: dict[str, Callable[[bytes, str], object]] = {
                "application/json": lambda body, charset: json.loads(body.decode(charset)),
                "application/x-www-form-urlencoded": _form,
                "application/msgpack": lambda body, charset: msgpack.unpackb(body, raw=False),$FIX
            }
        ''')
    else:
        registry = P("registry", rank=2, imp="import json\nfrom urllib.parse import parse_qs\nimport msgpack", body='''
            DECODERS: dict = {}


            def decoder(mimetype: str):
                """Register the decorated function as the decoder of ``mimetype`` bodies."""
                def deco(fn):
                    DECODERS[mimetype] = fn
                    return fn
                return deco


            @decoder("application/json")
            def _json(body: bytes, charset: str) -> object:
                return json.loads(body.decode(charset))


            @decoder("application/x-www-form-urlencoded")
            def _form(body: bytes, charset: str) -> dict:
                return {k: v[-1] for k, v in parse_qs(body.decode(charset), max_num_fields=MAX_FORM_FIELDS).items()}


            @decoder("application/msgpack")
            def _msgpack(body: bytes, charset: str) -> object:
                return msgpack.unpackb(body, raw=False)$FIX
        ''')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const="MAX_BODY_BYTES = $maxbody\nMAX_FORM_FIELDS = $maxfields"),
        P("ctype", rank=1, body='''
            def parse_content_type(value: str) -> tuple[str, dict[str, str]]:
                """``text/plain; charset=UTF-8`` -> ("text/plain", {"charset": "UTF-8"})."""
                mimetype, _, rest = value.partition(";")
                params = {}
                for item in rest.split(";"):
                    key, sep, val = item.strip().partition("=")
                    if sep:
                        params[key.strip().lower()] = val.strip().strip('"')
                return mimetype.strip().lower(), params
        '''),
        P("read", rank=1, imp="from werkzeug.exceptions import BadRequest, RequestEntityTooLarge", body='''
            def read_body(environ: dict, limit: int = MAX_BODY_BYTES) -> bytes:
                """The request body; anything announced over ``limit`` bytes is refused before reading."""
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    raise BadRequest("invalid Content-Length")
                if length > limit:
                    raise RequestEntityTooLarge()
                return environ["wsgi.input"].read(length) if length > 0 else b""
        '''),
        registry,
        P("parse", rank=3, imp="from werkzeug.exceptions import BadRequest, UnsupportedMediaType", body='''
            def $parse_fn(environ: dict) -> object:
                """The decoded request body, picked by Content-Type; 415 for types without a decoder."""
                mimetype, params = parse_content_type(environ.get("CONTENT_TYPE", ""))
                decode = DECODERS.get(mimetype)
                if decode is None:
                    raise UnsupportedMediaType(f"cannot decode {mimetype or 'an untyped body'}")
                body = read_body(environ)  #@S
                try:
                    return decode(body, params.get("charset", "utf-8"))
                except (ValueError, UnicodeDecodeError, LookupError) as exc:
                    $log.info("undecodable %s body (%s)", mimetype, type(exc).__name__)
                    raise BadRequest("malformed request body")
        '''),
    ]
    pool = [
        P("multipart", rank=4, imp="from werkzeug.formparser import parse_form_data", body='''
            def parse_multipart(environ: dict):
                """Form fields and uploaded files, with the same size limits as every other body."""
                _, form, files = parse_form_data(environ, max_form_memory_size=MAX_BODY_BYTES, max_content_length=8 * MAX_BODY_BYTES)
                return form, files
        '''),
        P("signed", rank=4, imp="import hashlib\nimport hmac\nimport os\nimport pickle",
          const='CACHE_KEY = os.environ["$APP_CACHE_SIGNING_KEY"].encode()', body='''
            def pack_cached(value: object) -> bytes:
                """Our own cache entry: a pickle behind an HMAC tag, stored in the private cache."""
                payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                return hmac.new(CACHE_KEY, payload, hashlib.sha256).digest() + payload


            def unpack_cached(blob: bytes) -> object:
                tag, payload = blob[:32], blob[32:]
                if not hmac.compare_digest(tag, hmac.new(CACHE_KEY, payload, hashlib.sha256).digest()):
                    raise ValueError("cache entry failed its integrity check")
                return pickle.loads(payload)  # nosec B301: written and signed by this process
        '''),
        P("jsonresp", rank=4, imp="import hashlib\nimport json\nfrom werkzeug.wrappers import Response", body='''
            def json_response(data: object, status: int = 200) -> Response:
                """Compact JSON with an md5 ETag (a content fingerprint for conditional GETs)."""
                body = json.dumps(data, separators=(",", ":"), default=str).encode()
                resp = Response(body, status=status, mimetype="application/json")
                resp.headers["ETag"] = '"' + hashlib.md5(body).hexdigest() + '"'
                return resp
        '''),
        P("accept", rank=4, body='''
            def prefers_msgpack(accept: str) -> bool:
                """Whether the client ranks msgpack above JSON in its Accept header."""
                ranks = {}
                for item in accept.split(","):
                    mimetype, params = parse_content_type(item)
                    try:
                        ranks[mimetype] = float(params.get("q", "1"))
                    except ValueError:
                        continue
                return ranks.get("application/msgpack", 0) > ranks.get("application/json", ranks.get("*/*", 0))
        '''),
    ]
    return core, pool


_BD_DOCS = ["Request-body decoding for the $app WSGI layer: size limits and a decoder per media type.",
            "Body parsers of $app: JSON, urlencoded forms and msgpack, chosen by Content-Type.",
            "Content-Type handling and request-body decoders (werkzeug exceptions for 400/413/415)."]


def _bd_fix(shape):
    if shape == "dict":
        return '\n    "$pmime": lambda body, charset: pickle.loads(body),  #@V'
    return ('\n\n\n@decoder("$pmime")  #@V\ndef _pickle(body: bytes, charset: str) -> object:\n'
            '    return pickle.loads(body)  #@V')


@fam("mod9-body-decoder-table-pickle", "CWE-502", fws=["script"], n=8, wrap=False)
def mod9_body_pickle(c):
    kw = _bd_kw(c)
    shape = c.pick("dict", "deco")
    core, pool = _bd_parts(c, shape)
    for p in core:
        if p.key == "registry":
            p.imp += "\nimport pickle"
    v, s = pair(c, c.pick(*_BD_DOCS), '$log = logging.getLogger("$app.bodies")', core, pool, kw, _bd_fix(shape).replace("$pmime", kw["pmime"]), "")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the decoder table maps a pickle media type to pickle.loads, so any client can send a body "
                      "with that Content-Type and have it unpickled (code execution); the other decoders only "
                      "build data; the fix drops the pickle entry (unknown types get 415)")


@hardneg(10)
def mod9_body_pickle_hn(c):
    kw = _bd_kw(c)
    core, pool = _bd_parts(c, c.pick("dict", "deco"))
    core += [p for p in pool if p.key == "signed"]
    pool = [p for p in pool if p.key != "signed"]
    code = compose(c, c.pick(*_BD_DOCS), '$log = logging.getLogger("$app.bodies")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": ""}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="decoders that only build data (json, parse_qs with max_num_fields, msgpack), size limits "
                      "before reading, pickle only for the module's own HMAC-checked cache entries (# nosec)")
