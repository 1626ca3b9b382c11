"""Train-only snippet families on code injection and dangerous uploads:

- codei-dotted-path-hook (94): a client-chosen "module.function" path resolved with
  importlib.import_module + getattr, pkgutil.resolve_name or werkzeug's import_string, then called on
  a second request value (builtins.eval / os.system reachable); the fix resolves only allow-listed paths;
- codei-eval-literal-parse (94): eval() used to parse a list / dict / tuple literal from the request
  (also with a stripped __builtins__, still escapable); the fix is ast.literal_eval or json.loads;
- ssti-jinja-mail-merge (94): a campaign body / subject with merge tags compiled by jinja2.Template or
  Environment().from_string and rendered per subscriber; the fix compiles it in the SandboxedEnvironment
  (string.Template merge tags are the hard negatives);
- upload-save-as-field-unchecked (434): the extension allow-list checks the uploaded file's name, but
  the file is saved under a client-chosen "save as" name in a public folder;
- upload-raw-body-guess-extension (434): a raw-body PUT whose stored extension comes from the client's
  Content-Type through mimetypes.guess_extension after an "image/" prefix check, so image/svg+xml
  lands as .svg in the served media folder; the fix maps an allow-list of types to extensions;
- upload-s3-client-content-type (434): boto3 upload to the bucket behind the site's /media path with
  the client's Content-Type stored on the object; the fix derives it from the checked extension.

CWE-94 is used for the eval and template families (the convention of the dataset's other eval and SSTI
families; CWE-95 / CWE-1336 are more specific). Written without reading the held-out families; every
family here goes to train (generate.assign_splits)."""
from core import Spec, dedent, shell
from module_kit import _joined as _mod, shell_pair
from registry import hardneg, fam


def _ind(block, n=4):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).split("\n"))


def _bad_request(c, msg):
    """The framework's way to reject the request, as a statement."""
    return {
        "flask": "abort(400)",
        "django": f'return JsonResponse({{"error": "{msg}"}}, status=400)',
        "aiohttp": f'raise web.HTTPBadRequest(text="{msg}")',
        "fastapi": f'raise HTTPException(status_code=400, detail="{msg}")',
    }.get(c.fw, f'raise ValueError("{msg}")')


def _bad_imports(c):
    return {"flask": "from flask import abort", "fastapi": "from fastapi import HTTPException"}.get(c.fw, "")


def _second_read(c, name):
    """A second request value read the same way as the shell's source."""
    if c.fw == "flask":
        return {"args": f'request.args.get("{name}", "")', "form": f'request.form.get("{name}", "")',
                "json": f'request.get_json(force=True).get("{name}", "")'}[c.src]
    if c.fw == "django":
        return {"args": f'request.GET.get("{name}", "")', "form": f'request.POST.get("{name}", "")',
                "json": f'json.loads(request.body).get("{name}", "")'}[c.src]
    if c.fw == "aiohttp":
        return {"args": f'request.query.get("{name}", "")', "form": f'(await request.post()).get("{name}", "")',
                "json": f'(await request.json()).get("{name}", "")'}[c.src]
    return f'message.get("{name}", "")'


# ---------------- CWE-94: client-chosen dotted path resolved and called ----------------

_HOOK_APPS = {
    # app: (allowed dotted paths, value name, use line)
    "convert": (["decimal.Decimal", "fractions.Fraction", "ipaddress.ip_address", "uuid.UUID"], "value",
                "result = str(fn({v}))"),
    "normalize": (["string.capwords", "html.escape", "textwrap.dedent", "unicodedata.name"], "text",
                  "result = fn({v}.strip())"),
    "check": (["keyword.iskeyword", "os.path.isabs", "ipaddress.ip_network", "str.isidentifier"], "value",
              "result = {{\"ok\": bool(fn({v}))}}"),
}


@fam("codei-dotted-path-hook", "CWE-94", fws=["flask", "django", "aiohttp", "pipeline"],
     keys=["hook", "converter", "callback", "func"], n=8, wrap=False)
def codei_dotted_path_hook(c):
    x = c.x
    if c.fw != "pipeline":
        c.src = c.pick("args", "form", "json")
    app = c.pick(*_HOOK_APPS)
    paths, vname, use = _HOOK_APPS[app]
    if app == "check":
        paths = paths[:3]
    resolver = c.pick("rpartition", "colon", "pkgutil", "werkzeug" if c.fw == "flask" else "pkgutil")
    sep = ":" if resolver == "colon" else "."
    allowed = [p.rsplit(".", 1)[0] + sep + p.rsplit(".", 1)[1] for p in paths]
    fix = c.pick("guard", "guard", "table") if resolver != "werkzeug" else "guard"
    const = c.pick("ALLOWED_HOOKS", "HOOK_PATHS", "REGISTERED_" + app.upper() + "S")
    read = _second_read(c, vname)
    lines_v, imps = [], []
    if resolver == "rpartition":
        res = [f'mod_name, _, attr = {x}.rpartition(".")',
               "fn = getattr(importlib.import_module(mod_name), attr)  #@V"]
        imps.append("import importlib")
    elif resolver == "colon":
        res = [f'mod_name, _, attr = {x}.partition(":")',
               "module = importlib.import_module(mod_name)  #@V",
               "fn = getattr(module, attr)  #@V"]
        imps.append("import importlib")
    elif resolver == "pkgutil":
        res = [f"fn = pkgutil.resolve_name({x})  #@V"]
        imps.append("import pkgutil")
    else:
        res = [f"fn = import_string({x})  #@V"]
        imps.append("from werkzeug.utils import import_string")
    order = c.pick("value-first", "value-last")
    vline = f"{vname} = {read}  #@S"
    uline = use.format(v=vname)
    body_v = ([vline] if order == "value-first" else []) + res + ([vline] if order == "value-last" else []) + [uline]
    lines_v = body_v
    allowed_lit = ", ".join(f'"{p}"' for p in allowed)
    if fix == "guard":
        guard = [f"if {x} not in {const}:", "    " + _bad_request(c, "unknown " + c.key)]
        res_s = [l.replace("  #@V", "") for l in res]
        body_s = ([vline] if order == "value-first" else []) + guard + res_s + ([vline] if order == "value-last" else []) + [uline]
        helpers = f"{const} = frozenset({{{allowed_lit}}})"
        simps = list(imps)
    else:
        objs = []
        simps = []
        for p in paths:
            mod, attr = p.rsplit(".", 1)
            if mod == "os.path":
                simps.append("import os.path")
                objs.append(f"os.path.{attr}")
            elif mod == "str":
                objs.append(f"str.{attr}")
            else:
                simps.append(f"from {mod} import {attr}")
                objs.append(attr)
        table = ",\n    ".join(f'"{a}": {o}' for a, o in zip(allowed, objs))
        lookup = [f"fn = {const}.get({x})", "if fn is None:", "    " + _bad_request(c, "unknown " + c.key)]
        body_s = ([vline] if order == "value-first" else []) + lookup + ([vline] if order == "value-last" else []) + [uline]
        helpers = None
        hs = f"{const} = {{\n    {table},\n}}"
    bi = _bad_imports(c)
    v = "\n".join(lines_v)
    s = "\n".join(body_s).replace("  #@S", "")
    notes = ("the client names any importable callable (module path and attribute) and the handler calls it on a "
             "second request value, so hook=builtins.eval (or os.system) with value=__import__('os').system('id') "
             "runs code in the server; the fix only resolves paths from a fixed allow-list")
    if fix == "guard":
        return shell_pair(c, v, s, "", helpers, imports="\n".join(imps), simports=bi, notes=notes)
    return shell_pair(c, v, s, "", hs, vimports="\n".join(imps), simports="\n".join(simps) + "\n" + bi, notes=notes)


@hardneg(4)
def codei_dotted_path_hook_hn(c):
    shape = c.pick("settings", "prefix-method", "table")
    x = c.x
    if shape == "settings":
        helpers = ('EXPORTER_PATH = os.environ.get("EXPORTER_BACKEND", "exporters.csv_export.export")\n'
                   'mod_name, _, attr = EXPORTER_PATH.rpartition(".")\n'
                   "EXPORT = getattr(importlib.import_module(mod_name), attr)")
        body = f"rows = [r.strip() for r in {x}.split(\",\") if r.strip()][:200]\nresult = EXPORT(rows)"
        return Spec(s=body, imports="import importlib\nimport os", helpers=helpers,
                    notes="the callable is resolved once from deployment configuration (an environment variable), "
                          "never from the request; the request only supplies data")
    if shape == "prefix-method":
        helpers = ("class TextOps:\n"
                   "    def op_upper(self, s):\n        return s.upper()\n\n"
                   "    def op_lower(self, s):\n        return s.lower()\n\n"
                   "    def op_reverse(self, s):\n        return s[::-1]\n\n\n"
                   "OPS = TextOps()")
        body = (f'fn = getattr(OPS, "op_" + {x}, None)\n'
                f"if fn is None:\n    {_bad_request(c, 'unknown op')}\n"
                f'result = fn("sample text")')
        return Spec(s=body, imports=_bad_imports(c), helpers=helpers,
                    notes="getattr only reaches the op_* methods of a class written for the purpose; the prefix "
                          "keeps dunder and other attributes out of reach")
    helpers = ('PARSERS = {\n    "int": int,\n    "float": float,\n    "decimal": Decimal,\n'
               '    "date": date.fromisoformat,\n}')
    body = (f"parse = PARSERS.get({x})\nif parse is None:\n    {_bad_request(c, 'unknown type')}\n"
            "result = str(parse(\"42\"))")
    return Spec(s=body, imports="from datetime import date\nfrom decimal import Decimal\n" + _bad_imports(c),
                helpers=helpers, notes="the client picks a key of a fixed table of callables, not an import path")


# ---------------- CWE-94: eval() as a literal parser ----------------

_LIT = {
    "ids": ("ids", "result = sorted({{int(i) for i in {n}}})[:100]", "[12, 15, 30]"),
    "filters": ("filters", "result = {{k: v for k, v in dict({n}).items() if k in ALLOWED_FIELDS}}",
                "{'status': 'open'}"),
    "coords": ("point", "lat, lon = {n}\nresult = {{\"lat\": round(float(lat), 5), \"lon\": round(float(lon), 5)}}",
               "(52.52, 13.40)"),
    "tags": ("tags", "result = [str(t).strip().lower() for t in {n}][:20]", "['red', 'sale']"),
    "weights": ("weights", "total = sum(float(w) for w in {n}.values()) or 1.0\n"
                           "result = {{k: float(w) / total for k, w in {n}.items()}}", "{'a': 1, 'b': 3}"),
}


@fam("codei-eval-literal-parse", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline", "script"],
     keys=list(_LIT), n=8)
def codei_eval_literal_parse(c):
    x = c.x
    n, use, example = _LIT[c.key]
    n = c.pick(n, "parsed", "value")
    how = c.pick("plain", "plain", "nobuiltins", "nobuiltins-none")
    ev = {"plain": f"eval({x})", "nobuiltins": f'eval({x}, {{"__builtins__": {{}}}})',
          "nobuiltins-none": f'eval({x}, {{"__builtins__": None}}, {{}})'}[how]
    fix = c.pick("literal", "literal", "json") if c.key != "coords" else "literal"
    sx = f"ast.literal_eval({x})" if fix == "literal" else f"json.loads({x})"
    pre = c.pick("", f"{x} = {x}.strip()\n")
    typ = {"ids": "(list, tuple, set)", "filters": "dict", "coords": "tuple", "tags": "(list, tuple)",
           "weights": "dict"}[c.key]
    if fix == "json" and typ == "tuple":
        typ = "list"
    check = c.pick("", f"if not isinstance({n}, {typ}):\n    raise ValueError(\"expected {example}\")\n")
    v = f"{pre}{n} = {ev}  #@V\n{check}{use.format(n=n)}"
    s = f"{pre}{n} = {sx}\n{check}{use.format(n=n)}"
    helpers = 'ALLOWED_FIELDS = {"status", "owner", "priority", "created_after"}' if c.key == "filters" else ""
    note_extra = (" (an empty __builtins__ does not help: ().__class__.__base__.__subclasses__() still reaches "
                  "os and subprocess)" if how != "plain" else "")
    return Spec(v=v, s=s, simports="import ast" if fix == "literal" else "import json", helpers=helpers,
                notes=f"eval() is used to turn a client string such as {example} into a Python value, but it runs "
                      f"any expression{note_extra}; the fix parses literals only "
                      f"({'ast.literal_eval' if fix == 'literal' else 'json.loads'})")


@hardneg(4)
def codei_eval_literal_parse_hn(c):
    x = c.x
    shape = c.pick("literal", "json", "split")
    if shape == "literal":
        body = (f"value = ast.literal_eval({x})\n"
                "if not isinstance(value, (list, tuple)) or len(value) > 100:\n"
                "    raise ValueError(\"expected a short list\")\n"
                "result = [int(v) for v in value]")
        return Spec(s=body, imports="import ast", notes="ast.literal_eval accepts literals only, never calls")
    if shape == "json":
        body = (f"filters = json.loads({x} or \"{{}}\")\n"
                "result = {k: str(v) for k, v in filters.items() if k in (\"status\", \"owner\")}")
        return Spec(s=body, imports="import json", notes="JSON parsing of the client's filter object")
    body = f"result = [int(p) for p in {x}.split(\",\") if p.strip().isdigit()][:100]"
    return Spec(s=body, notes="comma-separated ids parsed with split and int")


# ---------------- CWE-94: Jinja2 mail merge of a client-written campaign ----------------


@fam("ssti-jinja-mail-merge", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["body", "message", "subject", "campaign_text"], n=8)
def ssti_jinja_mail_merge(c):
    x = c.x
    ctor = c.pick("template", "env", "env-loader")
    posted = c.fw in ("pipeline", "cli") or c.src in ("form", "json")
    mode = c.pick("send", "preview", "count") if posted else c.pick("preview", "count")
    sub = c.pick("sub", "contact", "member")
    if ctor == "template":
        comp_v = f"tpl = Template({x})  #@V"
        vimp = "from jinja2 import Template"
    elif ctor == "env":
        comp_v = f"tpl = Environment(autoescape={c.pick('True', 'False')}).from_string({x})  #@V"
        vimp = "from jinja2 import Environment"
    else:
        comp_v = f"env = Environment(loader=BaseLoader())  #@V\ntpl = env.from_string({x})  #@V"
        vimp = "from jinja2 import BaseLoader, Environment"
    comp_s = f"tpl = SandboxedEnvironment().from_string({x})"
    kw = c.pick(f"first_name={sub}.first_name, unsubscribe_url={sub}.unsubscribe_url",
                f"{sub}={sub}", f"name={sub}.display_name, plan={sub}.plan")
    if mode == "send":
        use = (f"queued = 0\nfor {sub} in active_subscribers():\n"
               f"    queue_email({sub}.email, tpl.render({kw}))\n    queued += 1\nresult = queued")
        imp = "from mailing import active_subscribers, queue_email"
    elif mode == "preview":
        use = f"result = [tpl.render({kw}) for {sub} in sample_subscribers(3)]"
        imp = "from mailing import sample_subscribers"
    else:
        use = (f"lengths = [len(tpl.render({kw})) for {sub} in active_subscribers()]\n"
               "result = {\"recipients\": len(lengths), \"longest\": max(lengths, default=0)}")
        imp = "from mailing import active_subscribers"
    return Spec(v=f"{comp_v}\n{use}", s=f"{comp_s}\n{use}", imports=imp, vimports=vimp,
                simports="from jinja2.sandbox import SandboxedEnvironment",
                notes="the campaign text written by the client is compiled as a Jinja2 template with full attribute "
                      "access, so {{ cycler.__init__.__globals__.os.popen('id').read() }} runs in the server; merge tags "
                      "need only the sandbox, which blocks unsafe attributes")


@hardneg(4)
def ssti_jinja_mail_merge_hn(c):
    x = c.x
    posted = c.fw in ("pipeline", "cli") or c.src in ("form", "json")
    shape = c.pick("string-template", "const-jinja", "string-template-strict" if posted else "string-template")
    if shape == "string-template":
        body = (f"tpl = string.Template({x})\n"
                "result = [tpl.safe_substitute(first_name=s.first_name, unsubscribe_url=s.unsubscribe_url)\n"
                "          for s in sample_subscribers(3)]")
        return Spec(s=body, imports="import string\nfrom mailing import sample_subscribers",
                    notes="string.Template only substitutes $names; it evaluates no expressions or attributes")
    if shape == "string-template-strict":
        body = (f"tpl = Template({x})\nqueued = 0\nfor s in active_subscribers():\n"
                "    try:\n        text = tpl.substitute(name=s.display_name, plan=s.plan)\n"
                "    except (KeyError, ValueError):\n        continue\n"
                "    queue_email(s.email, text)\n    queued += 1\nresult = queued")
        return Spec(s=body, imports="from string import Template\nfrom mailing import active_subscribers, queue_email",
                    notes="string.Template merge tags, no template language")
    body = ("tpl = ENV.from_string(\"<p>Hello {{ name }},</p><div>{{ body }}</div>\")\n"
            f"result = [tpl.render(name=s.display_name, body={x}) for s in sample_subscribers(3)]")
    return Spec(s=body, imports="from jinja2 import Environment, select_autoescape\nfrom mailing import sample_subscribers",
                helpers="ENV = Environment(autoescape=select_autoescape(default_for_string=True))",
                notes="constant template; the client text is only a context value, escaped on output")


# ---------------- CWE-434: allow-list checked on the upload name, saved under the "save as" name ----------------


def _ext_check(c, expr, form):
    """(the condition that rejects the name, the allow-list constant)."""
    if form == "endswith":
        return f"not {expr}.lower().endswith(ALLOWED_EXTS)", 'ALLOWED_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".pdf")'
    if form == "splitext":
        return (f"os.path.splitext({expr})[1].lower() not in ALLOWED_EXTS",
                'ALLOWED_EXTS = {".png", ".jpg", ".jpeg", ".gif", ".pdf"}')
    return f'{expr}.rsplit(".", 1)[-1].lower() not in ALLOWED_EXTS', 'ALLOWED_EXTS = {"png", "jpg", "jpeg", "gif", "pdf"}'


def _post_only(code):
    """Uploads are POSTed: the shell picks GET for query / header / path sources."""
    return code.replace('methods=["GET"]', 'methods=["POST"]').replace(".add_get(", ".add_post(")


@fam("upload-save-as-field-unchecked", "CWE-434", fws=["flask", "aiohttp"],
     keys=["save_as", "rename", "display_name"], n=8, wrap=False)
def upload_save_as(c):
    x = c.x
    c.src = c.pick("args", "form", "header") if c.fw == "flask" else c.pick("args", "form", "header", "match")
    form = c.pick("endswith", "splitext", "rsplit")
    up = c.pick("upload", "f", "incoming")
    d = c.pick("PUBLIC_UPLOADS", "UPLOAD_DIR", "SHARED_DIR")
    path = c.pick(f"/var/www/{c.word}/public/uploads", f"static/{c.word}s", "public/files")
    url = "/" + path.split("/public/")[-1] if "/public/" in path else "/" + path
    fix = c.pick("final", "keep-ext")
    if form != "splitext":
        # keep-ext re-derives the extension with splitext: after an endswith / rsplit check a name
        # such as ".png" or "png" has none, so save_as="page.html.x" would be stored as page.html
        fix = "final"
    if c.fw == "flask":
        get = f'{up} = request.files["file"]'
        reject = "abort(415)"
        name_v = f"name = secure_filename({x} or {up}.filename)"
        save = f"{up}.save(os.path.join({d}, name))"
        imps = "import os\nfrom flask import abort\nfrom werkzeug.utils import secure_filename"
    else:
        get = f'form = await request.post()\n{up} = form["file"]'
        reject = 'raise web.HTTPUnsupportedMediaType(text="unsupported file type")'
        name_v = f"name = os.path.basename({x} or {up}.filename)"
        save = f'with open(os.path.join({d}, name), "wb") as out:\n    out.write({up}.file.read())'
        imps = "import os"
    cond, const = _ext_check(c, f"{up}.filename", form)
    save_lines = save.split("\n")
    save_v = "\n".join([save_lines[0] + "  #@V"] + save_lines[1:])
    v = f"{get}\nif {cond}:  #@V\n    {reject}\n{name_v}  #@V\n{save_v}\nresult = \"{url}/\" + name"
    if fix == "final":
        cond_s, _ = _ext_check(c, "name", form)
        s = f"{get}\n{name_v}\nif {cond_s}:\n    {reject}\n{save}\nresult = \"{url}/\" + name"
    else:
        base = "secure_filename" if c.fw == "flask" else "os.path.basename"
        s = (f"{get}\nif {cond}:\n    {reject}\n"
             f"stem = os.path.splitext({base}({x} or {up}.filename))[0] or \"file\"\n"
             f"name = stem + os.path.splitext({up}.filename)[1].lower()\n{save}\nresult = \"{url}/\" + name")
    helpers = f'{d} = "{path}"\n{const}'
    sp = shell_pair(c, v, s, helpers, helpers, imports=imps)
    return Spec(v=_post_only(sp.v), s=_post_only(sp.s), full=True,
                notes="the extension allow-list is checked on the uploaded file's own name, but the file is written "
                      "under the client's 'save as' value, so photo.png uploaded with save_as=page.html lands as an "
                      "HTML (or script) file in the served folder; the fix checks the name actually used, or keeps "
                      "the checked extension")


@hardneg(3)
def upload_save_as_hn(c):
    x = c.x
    c.src = c.pick("args", "form", "header") if c.fw == "flask" else c.pick("args", "form", "header")
    if c.fw == "flask":
        body = ('upload = request.files["file"]\n'
                "ext = os.path.splitext(upload.filename)[1].lower()\n"
                "if ext not in ALLOWED_EXTS:\n    abort(415)\n"
                "name = uuid.uuid4().hex + ext\n"
                "upload.save(os.path.join(PUBLIC_UPLOADS, name))\n"
                f"save_title({x}[:120], name)\n"
                'result = "/uploads/" + name')
        imps = "import os\nimport uuid\nfrom flask import abort\nfrom library import save_title"
    else:
        body = ('form = await request.post()\nupload = form["file"]\n'
                "ext = os.path.splitext(upload.filename)[1].lower()\n"
                "if ext not in ALLOWED_EXTS:\n    raise web.HTTPUnsupportedMediaType(text=\"unsupported file type\")\n"
                "name = uuid.uuid4().hex + ext\n"
                'with open(os.path.join(PUBLIC_UPLOADS, name), "wb") as out:\n    out.write(upload.file.read())\n'
                f"save_title({x}[:120], name)\n"
                'result = "/uploads/" + name')
        imps = "import os\nimport uuid\nfrom library import save_title"
    helpers = 'PUBLIC_UPLOADS = "/var/www/site/public/uploads"\nALLOWED_EXTS = {".png", ".jpg", ".jpeg", ".gif", ".pdf"}'
    c.n("handler"), c.n("result")
    return Spec(s=_post_only(shell(c, body, Spec(helpers=helpers), imps)), full=True,
                notes="the display name is stored as data only; the file is saved under a random name with the "
                      "checked extension")


# ---------------- CWE-434: raw-body PUT, extension from the client's Content-Type ----------------


def _raw_put(c, safe):
    w, W = c.word, c.word.capitalize()
    fw = c.fw
    V = "" if safe else "  #@V"
    ctv = c.pick("ctype", "mimetype", "media_type")
    what = c.pick("cover", "image", "photo", "thumbnail")
    check = c.pick(f'not {ctv}.startswith("image/")', f'{ctv}.split("/")[0] != "image"',
                   f'{ctv}.partition("/")[0] != "image"')
    guess = c.pick(f"mimetypes.guess_extension({ctv})", f"mimetypes.guess_extension({ctv}, strict=False)")
    naming = c.pick("uuid", "secrets", "id")
    name_expr = {"uuid": f'f"{w}-{{{w}_id}}-{{uuid.uuid4().hex}}{{ext}}"',
                 "secrets": f'secrets.token_hex(12) + ext',
                 "id": f'f"{w}_{{{w}_id}}_{what}{{ext}}"'}[naming]
    nimp = {"uuid": "import uuid", "secrets": "import secrets", "id": ""}[naming]
    types = ('IMAGE_TYPES = {\n    "image/png": ".png",\n    "image/jpeg": ".jpg",\n'
             '    "image/gif": ".gif",\n    "image/webp": ".webp",\n}')
    if fw == "flask":
        src = c.pick("request.mimetype", 'request.headers.get("Content-Type", "").split(";")[0].strip()')
        rej = "abort(415)"
        imps = ["import os"] + ([nimp] if nimp else []) + ([] if safe else ["import mimetypes"])
        imps = sorted(imps) + ["", "from flask import Flask, abort, jsonify, request"]
        head = [f'app = Flask(__name__)\napp.config["MAX_CONTENT_LENGTH"] = {c.pick("5", "8", "10")} * 1024 * 1024\n'
                f'{what.upper()}_DIR = os.path.join(app.root_path, "static", "{what}s")']
        sig = (f'@app.route("/api/{w}s/<int:{w}_id>/{what}", methods=["PUT"])\n'
               f"def put_{w}_{what}({w}_id):")
        read = "data = request.get_data()"
        empty = "abort(400)"
        dest = f"os.path.join({what.upper()}_DIR, name)"
        ret = f'return jsonify(url=f"/static/{what}s/{{name}}"), 201'
        tail = ""
    elif fw == "django":
        src = "request.content_type"
        rej = "return HttpResponse(status=415)"
        imps = ["import os"] + ([nimp] if nimp else []) + ([] if safe else ["import mimetypes"])
        imps = sorted(imps) + ["", "from django.conf import settings",
                               "from django.http import HttpResponse, JsonResponse",
                               "from django.views.decorators.http import require_http_methods"]
        head = []
        sig = f'@require_http_methods(["PUT"])\ndef put_{w}_{what}(request, {w}_id):'
        read = "data = request.body"
        empty = "return HttpResponse(status=400)"
        dest = f'os.path.join(settings.MEDIA_ROOT, "{what}s", name)'
        ret = f'return JsonResponse({{"url": settings.MEDIA_URL + "{what}s/" + name}}, status=201)'
        tail = ""
    else:
        src = "request.content_type"
        rej = "raise web.HTTPUnsupportedMediaType()"
        imps = ["import os"] + ([nimp] if nimp else []) + ([] if safe else ["import mimetypes"])
        imps = sorted(imps) + ["", "from aiohttp import web"]
        head = [f'{what.upper()}_DIR = "/srv/{w}/public/{what}s"']
        sig = f"async def put_{w}_{what}(request):"
        read = "data = await request.read()"
        empty = "raise web.HTTPBadRequest()"
        dest = f"os.path.join({what.upper()}_DIR, name)"
        ret = f'return web.json_response({{"url": f"/{what}s/{{name}}"}}, status=201)'
        tail = (f"app = web.Application(client_max_size={c.pick('4', '8')} * 1024 * 1024)\n"
                f'app.router.add_put("/api/{w}s/{{{w}_id}}/{what}", put_{w}_{what})')
    pre_id = f'{w}_id = int(request.match_info["{w}_id"])\n' if fw == "aiohttp" else ""
    if safe:
        head = head + [types]
        chk = f"ext = IMAGE_TYPES.get({ctv})\nif ext is None:\n    {rej}"
    else:
        chk = f"if {check}:{V}\n    {rej}\next = {guess}{V}\nif ext is None:\n    {rej}"
    body = (f"{pre_id}{ctv} = {src}  #@S\n{chk}\n{read}\nif not data:\n    {empty}\n"
            f"name = {name_expr}\nwith open({dest}, \"wb\") as fh:{V}\n    fh.write(data)\n{ret}")
    if safe:
        body = body.replace("  #@S", "")
    fn = sig + "\n" + _ind(body)
    return _mod("\n".join(imps), *head, fn, tail)


@fam("upload-raw-body-guess-extension", "CWE-434", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def upload_raw_body_guess_ext(c):
    st = c.snapshot()
    v = _raw_put(c, False)
    c.restore(st)
    s = _raw_put(c, True)
    return Spec(v=v, s=s, full=True,
                notes="the stored file's extension comes from the client's Content-Type header: an 'image/' prefix "
                      "admits image/svg+xml, which mimetypes maps to .svg, so an SVG with script is stored in the "
                      "served media folder and runs on the site's origin; the fix maps an allow-list of raster "
                      "types to fixed extensions")


@hardneg(3)
def upload_raw_body_guess_ext_hn(c):
    w = c.word
    s = f'''
        import os
        import uuid

        from flask import Flask, abort, jsonify, request
        from PIL import Image

        app = Flask(__name__)
        app.config["MAX_CONTENT_LENGTH"] = 5 * 1024 * 1024
        IMAGE_DIR = os.path.join(app.root_path, "static", "images")
        FORMATS = {{"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}}


        @app.route("/api/{w}s/<int:{w}_id>/image", methods=["PUT"])
        def put_{w}_image({w}_id):
            if not request.mimetype.startswith("image/"):
                abort(415)
            img = Image.open(request.stream)
            ext = FORMATS.get(img.format)
            if ext is None:
                abort(415)
            name = f"{w}-{{{w}_id}}-{{uuid.uuid4().hex}}{{ext}}"
            img.save(os.path.join(IMAGE_DIR, name))
            return jsonify(url=f"/static/images/{{name}}"), 201
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="flask",
                notes="the Content-Type prefix is only a first filter; Pillow decodes the body and the extension "
                      "comes from the decoded raster format")


# ---------------- CWE-434: S3 object stored with the client's Content-Type ----------------


def _s3_upload(c, safe):
    w = c.word
    fw = c.fw
    up = c.pick("upload", "f", "attachment")
    api = c.pick("put_object", "upload_fileobj")
    fixk = c.pick("guess", "table")
    exts = c.pick([".png", ".jpg", ".jpeg", ".gif", ".pdf"], [".png", ".jpg", ".csv", ".txt", ".pdf"])
    table = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
             ".pdf": "application/pdf", ".csv": "text/csv", ".txt": "text/plain"}
    if safe and fixk == "table":
        allowed = "CONTENT_TYPES = {\n" + "".join(f'    "{e}": "{table[e]}",\n' for e in exts) + "}"
        acheck = "CONTENT_TYPES"
    else:
        allowed = "ALLOWED_EXTS = {" + ", ".join(f'"{e}"' for e in exts) + "}"
        acheck = "ALLOWED_EXTS"
    V = "" if safe else "  #@V"
    if safe:
        ctype = "CONTENT_TYPES[ext]" if fixk == "table" else "mimetypes.guess_type(name)[0]"
    else:
        ctype = f"{up}.mimetype" if fw == "flask" else "mimetype"
    if api == "put_object":
        body_arg = f"{up}.read()" if fw == "flask" else f"{up}.file.read()"
        call = (f"s3.put_object(\n    Bucket=MEDIA_BUCKET,\n    Key=key,\n    Body={body_arg},\n"
                f"    ContentType={ctype},{V}\n)")
    else:
        fobj = f"{up}.stream" if fw == "flask" else f"{up}.file"
        call = (f"s3.upload_fileobj(\n    {fobj},\n    MEDIA_BUCKET,\n    key,\n"
                f'    ExtraArgs={{"ContentType": {ctype}, "CacheControl": "max-age=86400"}},{V}\n)')
    prefix = c.pick(f"{w}s", "attachments", "u")
    key = f'key = f"{prefix}/{{{w}_id}}/{{uuid.uuid4().hex}}{{ext}}"'
    if fw == "flask":
        imps = ["import os", "import uuid"] + (["import mimetypes"] if safe and fixk == "guess" else [])
        imps = sorted(imps) + ["", "import boto3", "from flask import Flask, abort, jsonify, request",
                               "from werkzeug.utils import secure_filename"]
        head = (f'app = Flask(__name__)\napp.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024\n'
                f's3 = boto3.client("s3")\nMEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "{w}-media")\n'
                f'# the bucket is served by the CDN behind https://www.example.com/media/\n'
                f'MEDIA_BASE = "https://www.example.com/media"\n{allowed}')
        body = (f'{up} = request.files["file"]  #@S\nname = secure_filename({up}.filename)\n'
                f"ext = os.path.splitext(name)[1].lower()\nif ext not in {acheck}:\n    abort(415)\n"
                f"{key}\n{call}\n"
                f'return jsonify(url=f"{{MEDIA_BASE}}/{{key}}"), 201')
        fn = f'@app.post("/{w}s/<int:{w}_id>/files")\ndef add_{w}_file({w}_id):\n' + _ind(body)
        tail = ""
    else:
        imps = ["import os", "import uuid"] + (["import mimetypes"] if safe and fixk == "guess" else [])
        imps = sorted(imps) + ["", "import boto3", "from aiohttp import web"]
        head = (f's3 = boto3.client("s3")\nMEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "{w}-media")\n'
                f'# the bucket is served by the CDN behind https://www.example.com/media/\n'
                f'MEDIA_BASE = "https://www.example.com/media"\n{allowed}')
        mline = "" if safe else f'mimetype = {up}.content_type or "application/octet-stream"{V}\n'
        body = (f'{w}_id = int(request.match_info["{w}_id"])\nform = await request.post()\n'
                f'{up} = form["file"]  #@S\nname = os.path.basename({up}.filename)\n'
                f"ext = os.path.splitext(name)[1].lower()\nif ext not in {acheck}:\n"
                f"    raise web.HTTPUnsupportedMediaType()\n{mline}{key}\n{call}\n"
                f'return web.json_response({{"url": f"{{MEDIA_BASE}}/{{key}}"}}, status=201)')
        fn = f"async def add_{w}_file(request):\n" + _ind(body)
        tail = f'app = web.Application(client_max_size=10 * 1024 * 1024)\napp.router.add_post("/{w}s/{{{w}_id}}/files", add_{w}_file)'
    if safe:
        fn = fn.replace("  #@S", "")
    return _mod("\n".join(imps), head, fn, tail)


@fam("upload-s3-client-content-type", "CWE-434", fws=["flask", "aiohttp"], n=8, wrap=False)
def upload_s3_client_ctype(c):
    st = c.snapshot()
    v = _s3_upload(c, False)
    c.restore(st)
    s = _s3_upload(c, True)
    return Spec(v=v, s=s, full=True,
                notes="the extension is checked, but the object is stored with the Content-Type the client sent for "
                      "the part; S3 serves it with that type from the site's own /media path, so a 'photo.png' sent "
                      "as text/html is rendered as a page on the site's origin (stored XSS); the fix sets the type "
                      "from the checked extension")


@hardneg(3)
def upload_s3_client_ctype_hn(c):
    w = c.word
    s = f'''
        import os
        import uuid

        import boto3
        from flask import Flask, abort, jsonify, request

        app = Flask(__name__)
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
        s3 = boto3.client("s3")
        EXPORT_BUCKET = os.environ.get("EXPORT_BUCKET", "{w}-exports")
        CONTENT_TYPES = {{".csv": "text/csv", ".pdf": "application/pdf", ".png": "image/png"}}


        @app.post("/{w}s/<int:{w}_id>/files")
        def add_{w}_file({w}_id):
            upload = request.files["file"]
            ext = os.path.splitext(upload.filename)[1].lower()
            if ext not in CONTENT_TYPES:
                abort(415)
            key = f"{w}s/{{{w}_id}}/{{uuid.uuid4().hex}}{{ext}}"
            s3.upload_fileobj(
                upload.stream,
                EXPORT_BUCKET,
                key,
                ExtraArgs={{"ContentType": CONTENT_TYPES[ext], "ContentDisposition": "attachment"}},
            )
            url = s3.generate_presigned_url("get_object", Params={{"Bucket": EXPORT_BUCKET, "Key": key}}, ExpiresIn=600)
            return jsonify(url=url), 201
    '''
    return Spec(s=dedent(s) + "\n", full=True, fw="flask",
                notes="the stored Content-Type comes from a server-side table keyed by the checked extension, and "
                      "downloads are forced to attachment")
