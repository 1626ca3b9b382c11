"""Train-only snippet families (libs26 set) for a known false alarm, a known miss and labels with few
examples, each in a sink, library or code shape no other family uses:

- argi-docker-nmap-operand-option (77): an asset scanner runs ``nmap ... TARGET`` with a list-form subprocess
  call (no shell), but the request value is the operand and nothing stops it from starting with ``-``
  (``--script=...``, ``-oN=...``, ``-iL=...``); the fix validates the value (host-name pattern, ip_address).
  (A ``docker run ... IMAGE`` shape was removed in review: one injected element cannot pick both an option and
  the image, so it was not exploitable; a registry-checked docker run stays among the hard negatives.)
  Its hard negatives are the list-form calls that are safe (``git log -- path``,
  ``[sys.executable, "-m", "pip", "list"]``, ``asyncio.create_subprocess_exec`` with a fixed argv), which the
  shipped model reports as CWE-77;
- deser-yaml-explicit-unsafe-loader (502): YAML from a request, a Celery task payload or a file handed to a
  CLI parsed with an explicitly unsafe loader (``Loader=yaml.Loader``, ``yaml.UnsafeLoader`` with
  ``load_all``, ``yaml.unsafe_load``/``unsafe_load_all``, the ``CLoader`` fast-path fallback); the fix uses
  the safe loader of the same call shape;
- debug-starlette-litestar-app-debug (215, was 489 before review): a public Starlette or Litestar API whose production app object
  is constructed with ``debug=True`` (traceback pages / traceback bodies for every unhandled error); the
  fix turns it off or makes it an opt-in setting that defaults off;
- hash-internal-ca-sha1-cert-signing (328): a device / VPN / service enrolment endpoint whose internal CA
  signs the requested certificate with ``hashes.SHA1()`` (or MD5) in ``x509.CertificateBuilder().sign``;
  chosen-prefix collisions let a requester obtain a signature valid for a different (CA) certificate; the
  fix signs with SHA-256 / SHA-384;
- cookie-secure-follows-request-scheme (614): a remember-device / refresh cookie whose Secure flag is
  ``request.is_secure`` / ``request.url.scheme == "https"`` / ``request.secure``: behind a TLS-terminating
  proxy the app sees plain HTTP and never sets Secure; the fix sets ``secure=True`` (not the ruled-out
  "no secure argument" shape: the argument is there, derived from the request);
- rand-seeded-recovery-codes (330): 2FA recovery codes or a webhook / client secret generated with the
  ``random`` module after ``random.seed(...)`` of the user's id, e-mail or tenant: anyone who knows those
  recomputes the codes; the fix draws from ``secrets``.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _joined, _replayed
from registry import fam, hardneg

ASYNC = ("aiohttp", "fastapi")


# ---------------- CWE-77: docker run IMAGE / nmap TARGET with a user operand (list form, no check) ----------------

_REGS = ["registry.example.com", "harbor.corp.example.net", "ghcr.io/acme-ops"]
_HOST_RE = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"


def _img_re(reg):
    return reg.replace(".", "\\.") + r"/[a-z0-9][a-z0-9._/-]{0,200}(?::[A-Za-z0-9._-]{1,128})?"


def _exec_lines(c, call, argv, timeout):
    """Lines running ``argv`` and a variable ``out`` (text) with its output; the first line is the sink."""
    if call == "async":
        return [f"proc = await asyncio.create_subprocess_exec(*{argv}, stdout=asyncio.subprocess.PIPE, "
                f"stderr=asyncio.subprocess.STDOUT)",
                f"raw_out, _ = await asyncio.wait_for(proc.communicate(), timeout={timeout})",
                'out = raw_out.decode(errors="replace")']
    if call == "run":
        return [f"proc = subprocess.run({argv}, capture_output=True, text=True, timeout={timeout})",
                "out = proc.stdout + proc.stderr"]
    if call == "check_output":
        return [f"out = subprocess.check_output({argv}, stderr=subprocess.STDOUT, text=True, timeout={timeout})"]
    return [f"with subprocess.Popen({argv}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:",
            f"    out, _ = proc.communicate(timeout={timeout})"]


@fam("argi-docker-nmap-operand-option", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["target", "scan_host", "asset_host"], n=8)
def argi_docker_nmap(c):
    # Review (R107): only the nmap shape renders a vulnerable example. The docker shape
    # (["docker", "run", ..., IMAGE, *SMOKE_ARGS]) was not exploitable as written: one injected element
    # such as --privileged or -v=/:/host makes the next fixed element (healthcheck, --help, --version)
    # the image, so the attacker never gets an option *and* an image of their choice. A regex-checked
    # docker run stays as a hard negative.
    x = c.x
    call = c.pick("run", "check_output", "popen") if (c.fw not in ASYNC or c.wrap) else c.pick("async", "async", "run")
    argv_name = c.pick("argv", "cmd", "args")
    imps = "import asyncio" if call == "async" else "import subprocess"
    fix = c.pick("ip", "host")
    ports = c.pick('"--top-ports", "100"', '"-p", "22,80,443,3306,5432,6379"', '"-F"')
    helpers = ""
    argv_line = f'{argv_name} = ["nmap", "-Pn", "-sT", {ports}, "-oG", "-", {x}]'
    tail = ['open_ports = sorted({p.strip().split("/")[0] for p in out.split("Ports:")[-1].split(",") '
            'if "/open/" in p})',
            f'result = {{"target": {x}, "open": open_ports}}']
    if fix == "ip":
        guard = []
        sargv = argv_line.replace(f", {x}]", f", str(ipaddress.ip_address({x}))]")
        simps = "import ipaddress"
    else:
        guard = [f'if not re.fullmatch(r"{_HOST_RE}", {x}):',
                 '    raise ValueError("target must be an IP address or a host name")']
        sargv = argv_line
        simps = "import re"
    what = ("the scan target is an operand of nmap, but nmap (getopt_long_only, which also permutes) reads any "
            "element that starts with '-' as an option: --script=<path to an uploaded .nse> runs that Lua script "
            "(prerule scripts run even with no target), -oN=<path> creates or overwrites a file with the scan "
            "report, -iL=<file> / -iR=<n> make it scan hosts the caller picks, although no shell is involved")
    fixnote = ("the fix parses the target with ipaddress.ip_address, so it can only be an address"
               if fix == "ip" else "the fix accepts only a host name or address that starts with a letter or digit")
    run = _exec_lines(c, call, argv_name, c.pick("120", "300", "600"))

    def body(safe):
        lines = (guard if safe else []) + [sargv if safe else argv_line + "  #@V"]
        lines += [run[0] + ("" if safe else "  #@V")] + run[1:] + tail
        return "\n".join(lines)

    return Spec(v=body(False), s=body(True), imports=imps, simports=simps, helpers=helpers,
                notes=what + "; " + fixnote)


def _rekey(c, *keys):
    """Point the context at a request key that fits the hard negative's tool (the shell reads c.key and c.x)."""
    c.key = c.pick(*keys)
    c.x = c.pick(c.key, c.key, "raw_" + c.key, "requested_" + c.key)
    return c.x


@hardneg(3)
def argi_docker_nmap_hn_git(c):
    return _argi_hn(c, c.pick("git-log", "ls-files"))


@hardneg(2)
def argi_docker_nmap_hn_pip(c):
    return _argi_hn(c, c.pick("pip-list", "pip-list", "pip-show"))


@hardneg(3)
def argi_docker_nmap_hn_checked(c):
    return _argi_hn(c, c.pick("docker-checked", "nmap-ip", "whois"))


def _argi_hn(c, shape):
    x = _rekey(c, *{"git-log": ("path", "doc_path"), "ls-files": ("path", "folder"), "pip-list": ("package", "name"), "pip-show": ("package", "dist_name"),
                    "docker-checked": ("image", "image_ref"), "nmap-ip": ("target", "scan_host"),
                    "whois": ("domain", "hostname")}[shape])
    can_await = c.fw in ASYNC and not c.wrap
    if shape == "git-log":
        body = ("repo = REPO_DIR\n"
                f'proc = subprocess.run(["git", "-C", repo, "log", "--format=%h %an %s", "-n", "20", "--", {x}],\n'
                "                      check=True, capture_output=True, text=True, timeout=30)\n"
                "result = proc.stdout.splitlines()")
        return Spec(s=body, imports="import subprocess",
                    helpers=f'REPO_DIR = "{c.pick("/srv/checkout", "/var/lib/docsite/repo", "/opt/handbook")}"',
                    notes="git log with a fixed argument list; the request value comes after '--', so git reads it "
                          "as a path, never as an option")
    if shape == "pip-list":
        body = ('listing = subprocess.check_output([sys.executable, "-m", "pip", "list", "--format=json"], '
                "text=True, timeout=60)\n"
                f"wanted = {x}.lower()\n"
                'result = [p for p in json.loads(listing) if wanted in p["name"].lower()]')
        return Spec(s=body, imports="import json\nimport subprocess\nimport sys",
                    notes="pip list of the running interpreter with a constant argument list; the request value "
                          "only filters the parsed result in Python")
    if shape == "pip-show":
        if can_await:
            body = ('proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "pip", "show", "--", '
                    f"{x}, stdout=asyncio.subprocess.PIPE)\n"
                    "raw, _ = await asyncio.wait_for(proc.communicate(), timeout=60)\n"
                    'result = dict(l.split(": ", 1) for l in raw.decode().splitlines() if ": " in l)')
            imps = "import asyncio\nimport sys"
        else:
            body = (f'shown = subprocess.run([sys.executable, "-m", "pip", "show", "--", {x}], capture_output=True, '
                    "text=True, timeout=60)\n"
                    'result = dict(l.split(": ", 1) for l in shown.stdout.splitlines() if ": " in l)')
            imps = "import subprocess\nimport sys"
        return Spec(s=body, imports=imps,
                    notes="pip show of the running interpreter; the package name comes after '--', so it is an "
                          "operand, and no shell is involved")
    if shape == "docker-checked":
        reg = c.pick(*_REGS)
        body = (f'if not re.fullmatch(r"{_img_re(reg)}", {x}):\n'
                f'    raise ValueError("only images from {reg} can be smoke-tested")\n'
                f'proc = subprocess.run(["docker", "run", "--rm", "--network=none", "--read-only", {x}, "--version"],\n'
                "                      capture_output=True, text=True, timeout=300)\n"
                f'result = {{"image": {x}, "exit": proc.returncode}}')
        return Spec(s=body, imports="import re\nimport subprocess",
                    notes="the image reference must match the internal registry pattern (it starts with the "
                          "registry host, never with '-') before it becomes the docker run operand")
    if shape == "nmap-ip":
        line = f'["nmap", "-Pn", "-sT", "-F", "-oG", "-", str(ipaddress.ip_address({x}))]'
        if can_await:
            body = (f"proc = await asyncio.create_subprocess_exec(*{line}, stdout=asyncio.subprocess.PIPE)\n"
                    "raw, _ = await asyncio.wait_for(proc.communicate(), timeout=300)\n"
                    'result = [l for l in raw.decode().splitlines() if "/open/" in l]')
            imps = "import asyncio\nimport ipaddress"
        else:
            body = (f"out = subprocess.check_output({line}, text=True, timeout=300)\n"
                    'result = [l for l in out.splitlines() if "/open/" in l]')
            imps = "import ipaddress\nimport subprocess"
        return Spec(s=body, imports=imps,
                    notes="the target is parsed with ipaddress.ip_address before it reaches nmap, so it cannot be "
                          "an option; argument list, no shell")
    if shape == "ls-files":
        if can_await:
            body = ('proc = await asyncio.create_subprocess_exec("git", "-C", REPO_DIR, "ls-files", "-z", "--", '
                    f"{x}, stdout=asyncio.subprocess.PIPE)\n"
                    "raw, _ = await asyncio.wait_for(proc.communicate(), timeout=30)\n"
                    'result = [p for p in raw.decode().split("\\0") if p]')
            imps = "import asyncio"
        else:
            body = (f'raw = subprocess.check_output(["git", "-C", REPO_DIR, "ls-files", "-z", "--", {x}], timeout=30)\n'
                    'result = [p for p in raw.decode().split("\\0") if p]')
            imps = "import subprocess"
        return Spec(s=body, imports=imps, helpers='REPO_DIR = "/srv/handbook/checkout"',
                    notes="git ls-files with the request value after '--' (a pathspec, not an option); argv list")
    body = (f'with subprocess.Popen(["whois", "--", {x}], stdout=subprocess.PIPE, text=True) as proc:\n'
            "    out, _ = proc.communicate(timeout=30)\n"
            'result = [l for l in out.splitlines() if l.lower().startswith(("registrar:", "creation date:"))]')
    return Spec(s=body, imports="import subprocess",
                notes="whois with '--' before the domain: the value is an operand, never an option")


# ---------------- CWE-502: YAML parsed with an explicitly unsafe loader ----------------

_YAML_SHAPES = {
    # name: (vulnerable call, [safe calls]) with {src}
    "loader": ("yaml.load({src}, Loader=yaml.Loader)",
               ["yaml.safe_load({src})", "yaml.load({src}, Loader=yaml.SafeLoader)"]),
    "cloader": ('yaml.load({src}, Loader=getattr(yaml, "CLoader", yaml.Loader))',
                ['yaml.load({src}, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))']),
    "unsafe": ("yaml.unsafe_load({src})", ["yaml.safe_load({src})"]),
    "all_unsafe_loader": ("yaml.load_all({src}, Loader=yaml.UnsafeLoader)",
                          ["yaml.load_all({src}, Loader=yaml.SafeLoader)", "yaml.safe_load_all({src})"]),
    "unsafe_all": ("yaml.unsafe_load_all({src})", ["yaml.safe_load_all({src})"]),
}


def _yaml_use(c, multi, doc):
    """Lines that use the parsed document(s) ``doc``; ends with ``result``."""
    if multi:
        kinds = c.pick("kind", "type", "resource")
        return [f"{doc} = [d for d in {doc} if d]",
                f'kinds = sorted({{str(d.get("{kinds}", "?")) for d in {doc} if isinstance(d, dict)}})',
                f'result = {{"documents": len({doc}), "kinds": kinds}}']
    allowed = c.pick('("name", "schedule", "steps", "owner")', '("title", "columns", "filters", "refresh")',
                     '("version", "rules", "notify", "retention_days")')
    return [f"if not isinstance({doc}, dict):",
            '    raise ValueError("expected a mapping at the top level")',
            f"ALLOWED = {allowed}",
            f"cleaned = {{k: {doc}[k] for k in ALLOWED if k in {doc}}}",
            'result = {"accepted": sorted(cleaned), "ignored": sorted(set(' + doc + ') - set(cleaned))}']


def _yaml_celery(c, shape, sfix_i):
    """A Celery task module that parses the YAML of its payload."""
    app = c.pick("pipelines", "reports", "boards", "workflows")
    key = c.pick("definition", "document", "spec_yaml")
    doc = c.pick("doc", "parsed", "definition")
    vcall, scalls = _YAML_SHAPES[shape]
    multi = shape.startswith(("all", "unsafe_all"))
    use = _yaml_use(c, multi, doc)
    dec = c.pick("@shared_task(bind=True, acks_late=True, max_retries=3)", "@app.task(bind=True, acks_late=True)")
    head = ("from celery import shared_task" if dec.startswith("@shared") else
            f'from celery import Celery\n\n\napp = Celery("{app}", broker=os.environ.get("BROKER_URL", "redis://localhost:6379/0"))')

    def build(safe):
        call = (scalls[sfix_i % len(scalls)] if safe else vcall).format(src="text")
        wrap = f"list({call})" if multi else call
        lines = [f'text = payload["{key}"]  #@S',
                 f"{doc} = {wrap}" + ("" if safe else "  #@V")] + use
        body = "\n".join("    " + l for l in lines)
        imps = ("import logging\n" + ("" if dec.startswith("@shared") else "import os\n") + "\nimport yaml\n" + head)
        return _joined(f'"""Celery tasks of the {app} importer: tenants submit definitions as YAML through the API."""\n'
                       + imps, "log = logging.getLogger(__name__)",
                       f"{dec}\ndef import_{app[:-1]}(self, payload: dict) -> dict:\n"
                       f'    """Validate and store one submitted definition; returns a summary for the API."""\n'
                       f"{body}\n"
                       f'    log.info("imported %s from tenant %s", payload.get("id"), payload.get("tenant"))\n'
                       "    return result")
    return build


def _yaml_src(c):
    if c.fw == "fastapi":
        c.src = "json"  # a YAML document travels in the body
    elif c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("json", "form")


@fam("deser-yaml-explicit-unsafe-loader", "CWE-502",
     fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline", "pipeline"],
     keys=["manifest", "bundle", "config_yaml", "definition"], n=8)
def deser_yaml_explicit(c):
    x = c.x
    _yaml_src(c)
    shape = c.pick("loader", "loader", "loader", "all_unsafe_loader", "all_unsafe_loader", "unsafe", "cloader", "unsafe_all")
    sfix_i = c.rng.randrange(2)
    vcall, scalls = _YAML_SHAPES[shape]
    scall = scalls[sfix_i % len(scalls)]
    multi = shape.startswith(("all", "unsafe_all"))
    if c.fw == "pipeline" and c.pick(True, True, False):
        build = _yaml_celery(c, shape, sfix_i)
        v, s = _replayed(c, lambda cc, safe: build(safe))
        return Spec(v=v, s=s, full=True, fw="celery",
                    notes=f"the task parses the submitted YAML with {vcall.format(src='...')}, which builds arbitrary "
                          "Python objects (!!python/object/apply:os.system ...), so whoever can submit a definition "
                          "runs code in the worker; the fix uses the safe loader")
    doc = c.pick("doc", "data", "parsed", "docs" if multi else "spec")
    as_path = c.fw in ("cli", "script") and c.src != "file"
    if as_path:
        pre = [f'with open({x}, encoding="utf-8") as fh:']
        src, ind = "fh", "    "
    else:
        pre, src, ind = [], x, ""
    wrap = (lambda call: f"list({call})") if multi else (lambda call: call)
    use = _yaml_use(c, multi, doc)
    v = pre + [f"{ind}{doc} = {wrap(vcall.format(src=src))}  #@V"] + use
    s = pre + [f"{ind}{doc} = {wrap(scall.format(src=src))}"] + use
    where = ("a file handed to the tool (bundles arrive from partners)" if as_path else "the request / message")
    return Spec(v="\n".join(v), s="\n".join(s), imports="import yaml",
                notes=f"YAML from {where} is parsed with {vcall.format(src='...')}: that loader constructs arbitrary "
                      "Python objects from tags such as !!python/object/apply:subprocess.check_output, so the "
                      "document runs code while it is parsed; the fix keeps the call shape with the safe loader")


@hardneg(6)
def deser_yaml_explicit_hn(c):
    x = c.x
    _yaml_src(c)
    shape = c.pick("safe_load", "safeloader", "csafe", "safe_all", "ruamel", "roundtrip")
    as_path = c.fw in ("cli", "script") and c.src != "file"
    src = "fh" if as_path else x
    pre = f'with open({x}, encoding="utf-8") as fh:\n    ' if as_path else ""
    imps = "import yaml"
    if shape == "safe_load":
        line = f"data = yaml.safe_load({src}) or {{}}"
    elif shape == "safeloader":
        line = f"data = yaml.load({src}, Loader=yaml.SafeLoader) or {{}}"
    elif shape == "csafe":
        line = f'data = yaml.load({src}, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {{}}'
    elif shape == "safe_all":
        line = f"data = {{str(i): d for i, d in enumerate(yaml.safe_load_all({src})) if d}}"
    elif shape == "ruamel":
        line = f'data = YAML(typ="safe", pure=True).load({src}) or {{}}'
        imps = "from ruamel.yaml import YAML"
    else:
        line = f"data = yaml.safe_load({src}) or {{}}"
    body = pre + line + "\n"
    if shape == "roundtrip":
        body += ('normalized = yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=True)\n'
                 'result = {"keys": sorted(data) if isinstance(data, dict) else [], "normalized": normalized}')
    else:
        body += 'result = {"keys": sorted(data) if isinstance(data, dict) else [], "size": len(data)}'
    return Spec(s=body, imports=imps,
                notes="YAML parsed with the safe loader (plain scalars, lists and mappings only)")


# ---------------- CWE-215: Starlette / Litestar production app constructed with debug=True ----------------

_PUBLIC = ["station", "exhibit", "trail", "venue", "recipe", "listing", "timetable", "forecast"]


def _asgi_kw(c):
    w = c.pick(*_PUBLIC)
    return dict(w=w, ws=w + "s", W=w.capitalize(), svc=c.pick("openboard", "citydata", "parkinfo", "museumapi", "farecheck"),
                host=c.pick("api.example.org", "data.example.com", "public.example.net"),
                limit=c.pick("50", "100", "25"), env=c.pick("APP_DEBUG", "API_DEBUG", "DEBUG"))


def _starlette_app(c, kw, form, gz, safe):
    V = "" if safe else "  #@V"
    dbg = {"false": "debug=False,", "config": 'debug=config("DEBUG", cast=bool, default=False),',
           "env": f'debug=os.environ.get("{kw["env"]}", "0") == "1",'}[form] if safe else "debug=True,"
    imps = ["import logging"] + (["import os"] if form == "env" else []) + [
        "", "from starlette.applications import Starlette",
        "from starlette.config import Config",
        "from starlette.datastructures import CommaSeparatedStrings",
        "from starlette.middleware import Middleware"] + (
        ["from starlette.middleware.gzip import GZipMiddleware"] if gz else []) + [
        "from starlette.middleware.trustedhost import TrustedHostMiddleware",
        "from starlette.requests import Request",
        "from starlette.responses import JSONResponse",
        "from starlette.routing import Route",
        "", f"from .store import {kw['W']}Store"]
    w, ws, W = kw["w"], kw["ws"], kw["W"]
    consts = (f'config = Config(".env")\n'
              f'DATABASE_URL = config("DATABASE_URL")\n'
              f'ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=CommaSeparatedStrings, default="{kw["host"]}")\n'
              f'log = logging.getLogger("{kw["svc"]}")\n'
              f"store = {W}Store(DATABASE_URL)")
    handlers = dedent(f'''
        async def list_{ws}(request: Request) -> JSONResponse:
            """Public list of {ws}, newest first."""
            try:
                limit = min(int(request.query_params.get("limit", "{kw['limit']}")), 200)
            except ValueError:
                return JSONResponse({{"error": "limit must be a number"}}, status_code=400)
            rows = await store.recent(limit=limit)
            return JSONResponse({{"items": rows, "count": len(rows)}})


        async def get_{w}(request: Request) -> JSONResponse:
            item = await store.get(request.path_params["{w}_id"])
            if item is None:
                return JSONResponse({{"error": "not found"}}, status_code=404)
            return JSONResponse(item)


        async def health(request: Request) -> JSONResponse:
            return JSONResponse({{"status": "ok"}})
    ''')
    mw = ["    Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS),"]
    if gz:
        mw.append("    Middleware(GZipMiddleware, minimum_size=1024),")
    routes = (f'routes = [\n    Route("/health", health),\n    Route("/{ws}", list_{ws}),\n'
              f'    Route("/{ws}/{{{w}_id:int}}", get_{w}),\n]\n\nmiddleware = [\n' + "\n".join(mw) + "\n]")
    app = (f"app = Starlette(\n    {dbg}{V}\n    routes=routes,\n    middleware=middleware,\n"
           "    on_startup=[store.connect],\n    on_shutdown=[store.close],\n)")
    doc = f'"""Public {ws} API of {kw["svc"]} (Starlette, served by uvicorn behind the edge proxy)."""'
    return _joined(doc + "\n" + "\n".join(imps), consts, handlers, routes, app)


def _litestar_app(c, kw, form, factory, safe):
    V = "" if safe else "  #@V"
    dbg = {"false": "debug=False,", "config": f'debug=os.environ.get("{kw["env"]}", "false").lower() == "true",',
           "env": f'debug=os.environ.get("{kw["env"]}", "0") == "1",'}[form] if safe else "debug=True,"
    w, ws, W = kw["w"], kw["ws"], kw["W"]
    imps = ("import logging\nimport os\n\nfrom litestar import Litestar, get\nfrom litestar.config.cors import CORSConfig\n"
            f"from litestar.exceptions import NotFoundException\n\nfrom .store import {W}Store")
    consts = (f'log = logging.getLogger("{kw["svc"]}")\nstore = {W}Store(os.environ["DATABASE_URL"])\n'
              f'cors = CORSConfig(allow_origins=["https://{kw["host"]}"], allow_methods=["GET"])')
    handlers = dedent(f'''
        @get("/health")
        async def health() -> dict[str, str]:
            return {{"status": "ok"}}


        @get("/{ws}")
        async def list_{ws}(limit: int = {kw['limit']}) -> list[dict]:
            """Public list of {ws}, newest first."""
            return await store.recent(limit=min(limit, 200))


        @get("/{ws}/{{{w}_id:int}}")
        async def get_{w}({w}_id: int) -> dict:
            item = await store.get({w}_id)
            if item is None:
                raise NotFoundException(f"no {w} {{{w}_id}}")
            return item
    ''')
    args = (f"route_handlers=[health, list_{ws}, get_{w}],\n"
            "cors_config=cors,\n"
            "on_startup=[store.connect],\n"
            "on_shutdown=[store.close],\n"
            f"{dbg}{V}")
    if factory:
        app = ("def create_app() -> Litestar:\n    return Litestar(\n" +
               "\n".join("        " + l for l in args.split("\n")) + "\n    )\n\n\napp = create_app()")
    else:
        app = "app = Litestar(\n" + "\n".join("    " + l for l in args.split("\n")) + "\n)"
    doc = f'"""Public {ws} API of {kw["svc"]} (Litestar). Deployed with uvicorn; settings come from the environment."""'
    return _joined(doc + "\n" + imps, consts, handlers, app)


def _asgi_pair(c):
    kw = _asgi_kw(c)
    lib = c.pick("starlette", "litestar")
    form = c.pick("false", "config", "env")
    extra = c.pick(True, False)

    def build(cc, safe):
        if lib == "starlette":
            return _starlette_app(cc, kw, form, extra, safe)
        return _litestar_app(cc, kw, form, extra, safe)
    return lib, build


# Review (R107): CWE-215, not 489: the same label as debug-fastapi-debug (FastAPI(debug=True) is this very
# Starlette flag), debug-django-settings and ariadne GraphQL(debug=True): a framework debug flag whose effect is
# traceback / source detail in error responses; 489 is kept for debug servers, consoles and remote debuggers.
@fam("debug-starlette-litestar-app-debug", "CWE-215", fws=["script"], n=8, wrap=False)
def debug_asgi_app(c):
    lib, build = _asgi_pair(c)
    v, s = _replayed(c, build)
    what = ("Starlette's ServerErrorMiddleware then answers every unhandled error with an HTML page holding the "
            "traceback and the source lines around each frame" if lib == "starlette" else
            "Litestar then puts the exception and its traceback into the error response of every unhandled error")
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes=f"the production app object of this public API is built with debug=True; {what} (paths, "
                      "code, configuration values in messages); the fix turns debug off or makes it an opt-in "
                      "setting that defaults off")


@hardneg(4)
def debug_asgi_app_hn(c):
    lib, build = _asgi_pair(c)
    return Spec(s=build(c, True), full=True, fw="starlette",
                notes="the app's debug flag is off or an opt-in setting that defaults off")


# ---------------- CWE-328: internal CA signs enrolled certificates with SHA-1 / MD5 ----------------

_CA = {
    "device": dict(doc="device", days="397", eku="CLIENT_AUTH", ca="/etc/fleet-ca"),
    "vpn": dict(doc="VPN client", days="90", eku="CLIENT_AUTH", ca="/etc/vpn-ca"),
    "service": dict(doc="service", days="30", eku="SERVER_AUTH", ca="/run/secrets/mesh-ca"),
}


def _ca_helpers(c, kind):
    # Review (R107): the enrolment used to check only that the CSR's common name was in a list of registered
    # names (not secret), so anyone could obtain a certificate for any registered device / VPN client / service
    # with their own key (CWE-306/287 in the vulnerable example and the safe twin alike). The CSR must now carry
    # that name's one-time enrolment code as its challengePassword attribute (the SCEP convention).
    d = _CA[kind]
    return (f'with open("{d["ca"]}/ca.key", "rb") as _fh:\n'
            "    CA_KEY = serialization.load_pem_private_key(_fh.read(), password=None)\n"
            f'with open("{d["ca"]}/ca.pem", "rb") as _fh:\n'
            "    CA_CERT = x509.load_pem_x509_certificate(_fh.read())\n"
            f"CERT_DAYS = {d['days']}\n"
            f"PENDING = {{}}  # {d['doc']} name -> sha256 of its one-time enrolment code (issued by the admin console)\n\n\n"
            "def enrolled_cn(csr):\n"
            f'    """Common name of the CSR: a registered {d["doc"]} whose one-time enrolment code the CSR carries."""\n'
            "    attrs = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)\n"
            '    name = attrs[0].value if len(attrs) == 1 else ""\n'
            "    try:\n"
            "        code = csr.attributes.get_attribute_for_oid(AttributeOID.CHALLENGE_PASSWORD).value\n"
            "    except x509.AttributeNotFound:\n"
            '        code = b""\n'
            "    expected = PENDING.get(name)\n"
            "    if expected is None or not hmac.compare_digest(hashlib.sha256(code).digest(), expected):\n"
            f'        raise PermissionError("not a registered {d["doc"]} or wrong enrolment code")\n'
            "    del PENDING[name]\n"
            "    return name")


@fam("hash-internal-ca-sha1-cert-signing", "CWE-328", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["csr_pem", "request_pem", "pem"], n=8)
def hash_ca_sha1(c):
    x = c.x
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("json", "form")
    elif c.fw == "fastapi":
        c.src = "json"  # a CSR travels in the body
    kind = c.pick(*_CA)
    weak = c.pick("SHA1", "SHA1", "MD5")
    good = c.pick("SHA256", "SHA256", "SHA384")
    chain = c.pick(True, False)
    d = _CA[kind]
    back = c.pick("5", "10", "1")
    head = [f"csr = x509.load_pem_x509_csr({x}.encode())",
            "if not csr.is_signature_valid:",
            '    raise ValueError("the CSR signature does not verify")',
            "cn = enrolled_cn(csr)",
            "now = datetime.now(timezone.utc)"]
    steps = ["x509.CertificateBuilder()",
             ".subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))",
             ".issuer_name(CA_CERT.subject)",
             ".public_key(csr.public_key())",
             ".serial_number(x509.random_serial_number())",
             f".not_valid_before(now - timedelta(minutes={back}))",
             ".not_valid_after(now + timedelta(days=CERT_DAYS))",
             ".add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)",
             f".add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.{d['eku']}]), critical=False)"]
    if chain:
        build = ["builder = ("] + ["    " + s for s in steps] + [")"]
    else:
        build = ["builder = " + steps[0]] + ["builder = builder" + s for s in steps[1:]]
    out = c.pick("pem", "both")
    tail = (['result = cert.public_bytes(serialization.Encoding.PEM).decode()'] if out == "pem" else
            ['result = {"certificate": cert.public_bytes(serialization.Encoding.PEM).decode(), '
             '"serial": format(cert.serial_number, "x")}'])

    def body(h, mark):
        return "\n".join(head + build + [f"cert = builder.sign(CA_KEY, hashes.{h}()){mark}"] + tail)

    imps = ("import hashlib\nimport hmac\nfrom datetime import datetime, timedelta, timezone\n"
            "from cryptography import x509\nfrom cryptography.hazmat.primitives import hashes, serialization\n"
            "from cryptography.x509.oid import AttributeOID, ExtendedKeyUsageOID, NameOID")
    return Spec(v=body(weak, "  #@V"), s=body(good, ""), imports=imps, helpers=_ca_helpers(c, kind),
                notes=f"the internal {d['doc']} CA signs each enrolled certificate over a {weak} digest; the signature "
                      f"covers only that digest, and {weak} is broken for signatures: chosen-prefix collisions are "
                      "practical (the rogue-CA attack on MD5-signed certificates, the SHA-1 collisions of 2019-20), so "
                      "a requester who gets the signed prefix right obtains a signature that is also valid for a "
                      "certificate they choose (e.g. one with CA=true); the random serial number only raises the cost "
                      "of predicting that prefix and does not make a weak digest acceptable (CA/B Forum and NIST "
                      f"forbid SHA-1 and MD5 certificate signatures); the fix signs with {good}")


@hardneg(4)
def hash_ca_sha1_hn(c):
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("json", "form")
    elif c.fw == "fastapi":
        c.src = "json"  # a CSR is multi-line PEM: it travels in the body, not in a header or the query
    x = c.x
    kind = c.pick(*_CA)
    shape = c.pick("thumbprint", "sha256", "etag")
    body = [f"csr = x509.load_pem_x509_csr({x}.encode())",
            "if not csr.is_signature_valid:",
            '    raise ValueError("the CSR signature does not verify")',
            "cn = enrolled_cn(csr)",
            "now = datetime.now(timezone.utc)",
            "cert = (",
            "    x509.CertificateBuilder()",
            "    .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))",
            "    .issuer_name(CA_CERT.subject)",
            "    .public_key(csr.public_key())",
            "    .serial_number(x509.random_serial_number())",
            "    .not_valid_before(now)",
            "    .not_valid_after(now + timedelta(days=CERT_DAYS))",
            "    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)",
            f"    .sign(CA_KEY, hashes.{c.pick('SHA256', 'SHA384')}())",
            ")",
            "pem = cert.public_bytes(serialization.Encoding.PEM).decode()"]
    imps = ("import hashlib\nimport hmac\nfrom datetime import datetime, timedelta, timezone\n"
            "from cryptography import x509\nfrom cryptography.hazmat.primitives import hashes, serialization\n"
            "from cryptography.x509.oid import AttributeOID, NameOID")
    if shape == "thumbprint":
        body += ['thumb = cert.fingerprint(hashes.SHA1()).hex(":").upper()',
                 'result = {"certificate": pem, "thumbprint_sha1": thumb}']
        note = ("SHA-256 signature; the SHA-1 thumbprint is only a display label returned with the certificate "
                "(certificate stores show it), it decides nothing")
    elif shape == "etag":
        body += ['etag = hashlib.md5(pem.encode(), usedforsecurity=False).hexdigest()',
                 'result = {"certificate": pem, "etag": etag}']
        note = "SHA-256 signature; md5 only names the response for caching (usedforsecurity=False)"
    else:
        body += ['result = {"certificate": pem, "sha256": cert.fingerprint(hashes.SHA256()).hex()}']
        note = "the CA signs over SHA-256"
    return Spec(s="\n".join(body), imports=imps, helpers=_ca_helpers(c, kind), notes=note)


# ---------------- CWE-614: Secure flag of a sensitive cookie taken from the request scheme ----------------

_COOKIES = {"refresh_token": ("14 * 24 * 3600", "refresh token"),
            "remember_token": ("30 * 24 * 3600", "remember-me token"),
            "device_token": ("60 * 24 * 3600", "trusted-device token that skips the second factor")}


def _scheme_expr(fw):
    return {"flask": "request.is_secure", "django": "request.is_secure()",
            "fastapi": 'request.url.scheme == "https"', "aiohttp": "request.secure"}[fw]


def _cookie_src(c):
    # the old token comes back in its cookie (Flask, Django) or in the JSON body of the SPA (FastAPI needs the
    # Request for its URL scheme, aiohttp's shell reads no cookies)
    c.src = "cookie" if c.fw in ("flask", "django") else "json"


def _rotate_helpers(c):
    store = c.pick("SESSIONS", "REFRESH_INDEX", "TOKENS")
    fn = c.pick("rotate", "rotate_token", "exchange_token")
    return fn, (f"{store} = {{}}  # sha256(token) -> user id\n\n\n"
                f"def {fn}(old_token):\n"
                '    """Swap a valid token for a new one; the old one stops working."""\n'
                f"    user_id = {store}.pop(hashlib.sha256(old_token.encode()).hexdigest(), None)\n"
                "    if user_id is None:\n"
                '        raise PermissionError("unknown or expired token")\n'
                "    new_token = secrets.token_urlsafe(32)\n"
                f"    {store}[hashlib.sha256(new_token.encode()).hexdigest()] = user_id\n"
                "    return user_id, new_token")


def _cookie_resp(fw, what):
    return {"flask": f"resp = make_response(jsonify({what}))",
            "django": f"resp = JsonResponse(dict({what}))",
            "fastapi": f"resp = JSONResponse(dict({what}))",
            "aiohttp": f"resp = web.json_response(dict({what}))"}[fw]


_COOKIE_IMPS = {"flask": "from flask import jsonify, make_response", "django": "from django.http import JsonResponse",
                "fastapi": "from fastapi.responses import JSONResponse", "aiohttp": ""}


@fam("cookie-secure-follows-request-scheme", "CWE-614", fws=["flask", "django", "flask", "django", "fastapi", "aiohttp"],
     keys=["refresh_token", "remember_token", "device_token"], n=8, wrap=False)
def cookie_scheme_secure(c):
    x = c.x
    _cookie_src(c)
    cname = c.key
    age, what = _COOKIES[cname]
    same = c.pick('"Lax"', '"Strict"')
    layout = c.pick("one", "multi", "kwargs")
    fn, helpers = _rotate_helpers(c)
    sch = _scheme_expr(c.fw)
    resp = _cookie_resp(c.fw, "user=user_id, rotated=True")

    def setc(sec, mark):
        if layout == "one":
            return f'resp.set_cookie("{cname}", token, max_age={age}, httponly=True, samesite={same}, secure={sec}){mark}'
        if layout == "kwargs":
            return (f'cookie_opts = {{"max_age": {age}, "httponly": True, "samesite": {same}, "path": "/auth"}}\n'
                    f'resp.set_cookie("{cname}", token, secure={sec}, **cookie_opts){mark}')
        return (f'resp.set_cookie({mark}\n    "{cname}",\n    token,\n    max_age={age},\n    httponly=True,\n'
                f"    samesite={same},\n    secure={sec},{mark}\n)")

    def body(safe):
        return "\n".join([f"user_id, token = {fn}({x})", resp,
                          setc("True" if safe else sch, "" if safe else "  #@V")])

    return Spec(v=body(False), s=body(True), imports="import hashlib\nimport secrets\n" + _COOKIE_IMPS[c.fw],
                helpers=helpers, ret="resp", raw=True,
                notes=f"the rotated {what} cookie gets Secure only when the request itself arrived over HTTPS ({sch}); "
                      "behind the TLS-terminating proxy or load balancer the app sees plain HTTP, so the flag is never "
                      "set and the browser also sends the token over any http:// request a network attacker provokes; "
                      "the fix sets secure=True unconditionally")


@hardneg(4)
def cookie_scheme_secure_hn(c):
    x = c.x
    _cookie_src(c)
    cname = c.key
    age, _ = _COOKIES[cname]
    fn, helpers = _rotate_helpers(c)
    shape = c.pick("hsts", "hsts", "pref", "logout")
    sch = _scheme_expr(c.fw)
    hdr = ('resp["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"' if c.fw == "django" else
           'resp.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"')
    if shape == "hsts":
        body = [f"user_id, token = {fn}({x})", _cookie_resp(c.fw, "user=user_id"),
                f'resp.set_cookie("{cname}", token, max_age={age}, httponly=True, samesite="Lax", secure=True)',
                f"if {sch}:", "    " + hdr]
        note = "the token cookie is always Secure; the request scheme only decides whether to send HSTS"
    elif shape == "pref":
        body = [f"user_id, token = {fn}({x})", _cookie_resp(c.fw, "user=user_id"),
                f'resp.set_cookie("{cname}", token, max_age={age}, secure=True, httponly=True, samesite="Strict")',
                'resp.set_cookie("ui_density", "compact", max_age=365 * 24 * 3600, secure=True, samesite="Lax")']
        note = "every cookie, sensitive or not, is set with secure=True"
    else:
        dl = ({"flask": f'resp.delete_cookie("{cname}", secure=True, httponly=True, samesite="Lax")',
               "django": f'resp.delete_cookie("{cname}", samesite="Lax")',
               "fastapi": f'resp.delete_cookie("{cname}", secure=True, httponly=True)',
               "aiohttp": f'resp.del_cookie("{cname}")'}[c.fw])
        body = [f"user_id, _ = {fn}({x})", _cookie_resp(c.fw, "user=user_id, signed_out=True"), dl]
        note = "sign-out: the old token is revoked and its cookie deleted; nothing sensitive is set"
    return Spec(s="\n".join(body), imports="import hashlib\nimport secrets\n" + _COOKIE_IMPS[c.fw], helpers=helpers,
                ret="resp", raw=True, notes=note)


# ---------------- CWE-330: secrets drawn from `random` after seeding it with user data ----------------

_SEEDS = {
    "user-epoch": 'random.seed(f"{{{x}}}:{{ISSUE_EPOCH}}")',
    "email-hash": "random.seed(int(hashlib.sha256(str({x}).lower().encode()).hexdigest(), 16))",
    "tenant": 'random.seed(f"{{TENANT}}/{{{x}}}")',
}


@fam("rand-seeded-recovery-codes", "CWE-330", fws=["cli", "script", "pipeline", "pipeline"],
     keys=["user_id", "account_email", "member_no"], n=8)
def rand_seeded_codes(c):
    x = c.x
    seed = c.pick(*_SEEDS)
    what = c.pick("codes", "secret", "client_secret")
    chars = c.pick("CODE_CHARS", "SYMBOLS", "CHARSET")
    helpers = [f'{chars} = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"' if what == "codes" else
               f'{chars} = "0123456789abcdef"',
               f"ISSUE_EPOCH = {c.pick('1700000000', '1717200000', '1704067200')}",
               f'TENANT = "{c.pick("acme", "northwind", "globex")}"',
               "RECOVERY = {}" if what == "codes" else "CLIENTS = {}"]
    seedline = _SEEDS[seed].format(x=x)
    if what == "codes":
        n, grp = c.pick("8", "10", "12"), c.pick("4", "5")
        gen_v = (f'codes = ["-".join("".join(random.choice({chars}) for _ in range({grp})) for _ in range(2)) '
                 f"for _ in range({n})]")
        gen_s = gen_v.replace("random.choice", "rng.choice")
        use = ["salt = os.urandom(16)",
               f"RECOVERY[{x}] = {{\"salt\": salt, \"digests\": [hashlib.scrypt(s.encode(), salt=salt, n=2 ** 14, r=8, p=1) "
               "for s in codes]}",
               'result = {"codes": codes}']
        note = "2FA recovery codes"
    else:
        length = c.pick("40", "48", "64")
        var = "signing_secret" if what == "secret" else "client_secret"
        gen_v = f'{var} = "".join(random.choice({chars}) for _ in range({length}))'
        gen_s = gen_v.replace("random.choice", "rng.choice")
        use = [f"CLIENTS[{x}] = {{\"{var}_sha256\": hashlib.sha256({var}.encode()).hexdigest()}}",
               f'result = {{"{var}": {var}}}']
        note = "webhook signing secret" if what == "secret" else "OAuth client secret"
    v = [seedline + "  #@V", gen_v + "  #@V"] + use
    s = ["rng = secrets.SystemRandom()", gen_s] + use
    imps = ["import hashlib"] + (["import os"] if what == "codes" else [])
    return Spec(v="\n".join(v), s="\n".join(s), imports="\n".join(imps),
                vimports="import random",
                simports="import secrets", helpers="\n".join(helpers),
                notes=f"the {note} {'are' if what == 'codes' else 'is'} drawn from the random module after random.seed() with values derived from the "
                      "user (id, e-mail, tenant and a constant), so the output is a fixed function of public data: "
                      "anyone who knows the user reseeds a Mersenne Twister the same way and recomputes them; the "
                      "fix draws from secrets.SystemRandom (os.urandom), which takes no seed")


@hardneg(4)
def rand_seeded_codes_hn(c):
    x = c.x
    shape = c.pick("bucket", "avatar", "secrets")
    if shape == "bucket":
        body = (f'rng = random.Random(f"checkout-v2:{{{x}}}")\n'
                'variant = "treatment" if rng.random() < ROLLOUT else "control"\n'
                f'result = {{"user": {x}, "variant": variant}}')
        return Spec(s=body, imports="import random", helpers=f"ROLLOUT = {c.pick('0.1', '0.25', '0.5')}",
                    notes="a Random seeded with the user id only assigns an experiment arm: it must be reproducible "
                          "and is not a secret")
    if shape == "avatar":
        body = (f"rng = random.Random({x})\n"
                "hue = rng.randrange(360)\n"
                'result = {"avatar_color": f"hsl({hue}, 55%, 60%)"}')
        return Spec(s=body, imports="import random",
                    notes="a user-seeded Random picks a stable avatar colour, nothing secret")
    body = ('codes = ["-".join(secrets.token_hex(3) for _ in range(2)) for _ in range(10)]\n'
            "random.shuffle(ORDER)\n"
            f'result = {{"user": {x}, "codes": codes, "tips": ORDER[:3]}}')
    return Spec(s=body, imports="import random\nimport secrets",
                helpers='ORDER = ["print them", "store them offline", "each works once", "regenerate any time"]',
                notes="recovery codes come from secrets; random only shuffles the order of help tips")
