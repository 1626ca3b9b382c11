"""Train-only whole-module families weighted towards hard negatives (libs14 safe set): modules shaped like
mature library internals (a requests retry/redirect adapter, a Jinja2 template loader with a cache, a
codec registry with a signed pickle cache, a click shell-completion installer) in which security-looking
idioms are used correctly: urllib3 ``Retry``, redirects re-checked against allowed hosts with TLS
verification on, ``split_template_path`` before joining, ``select_autoescape``, json/msgpack codecs,
pickle only behind an HMAC check, fixed argument lists and ``shlex.quote``.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a redirect loop re-sending with ``verify=False`` (295), a custom Jinja2 loader joining the template
name onto its root (22), a shared-cache pickle read before its signature is checked (502), and a completion
installer reloading the rc file through a shell string (78).
Written without reading the held-out or validation families; every family here goes to train.
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib", "weakref"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-295: requests session with a manual redirect loop ----------------


def _rq_kw(c):
    api = c.pick("billing", "catalog", "inventory", "registry", "ledger", "directory", "metrics")
    return dict(
        api=api, API=api.upper(), Sess=api.capitalize() + c.pick("Session", "HTTP", "Transport"),
        domain=c.pick(f"api.{api}.example.com", f"{api}.example.org", "api.example.net"),
        log=c.pick("log", "logger", "_log"), total=c.pick(3, 4, 5), factor=c.pick(0.3, 0.5, 1.0),
        hops=c.pick(5, 8, 10), timeout=c.pick("(3.05, 27)", "(5, 30)", "10"),
        follow=c.pick("_follow", "_follow_redirects", "_chase"), ver=c.pick("1.2.0", "2.4.1", "0.8.3"),
    )


def _rq_parts(c, verify_line):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util.retry import Retry",
          const='ALLOWED_HOSTS = frozenset({"$domain", "cdn.$domain"})\nMAX_HOPS = $hops\nDEFAULT_TIMEOUT = $timeout'),
        P("session", rank=2, body='''
            class $Sess(requests.Session):
                """Session with retries on idempotent calls and redirects checked hop by hop."""

                def __init__(self, token: str, ca_bundle: str | None = None) -> None:
                    super().__init__()
                    retry = Retry(total=$total, backoff_factor=$factor, status_forcelist=(502, 503, 504),
                                  allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}), respect_retry_after_header=True)
                    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
                    self.mount("https://", adapter)
                    self.headers["Authorization"] = f"Bearer {token}"
                    self.headers["User-Agent"] = "$api-python/$ver"
                    self.verify = ca_bundle or True
                    self.max_redirects = MAX_HOPS

                def get_json(self, path: str, **params: object) -> dict:
                    response = self.$follow(self.get(f"https://$domain/{path.lstrip('/')}", params=params,
                                                     allow_redirects=False, timeout=DEFAULT_TIMEOUT))
                    response.raise_for_status()
                    return response.json()

                def $follow(self, response: requests.Response) -> requests.Response:
                    """Follow redirects ourselves so every hop is checked against ALLOWED_HOSTS."""
                    for _ in range(MAX_HOPS):
                        if not response.is_redirect:
                            return response
                        target = urljoin(response.url, response.headers["Location"])
                        parts = urlsplit(target)
                        if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
                            raise requests.exceptions.InvalidURL(f"redirect to {parts.hostname!r} refused")
                        prepared = response.request.copy()
                        prepared.prepare_url(target, None)
                        $log.debug("following redirect to %s", parts.hostname)
                        response = self.send(prepared, allow_redirects=False, timeout=DEFAULT_TIMEOUT,
                                             $FIX
                    raise requests.exceptions.TooManyRedirects(f"more than {MAX_HOPS} redirects")
        ''', imp="from urllib.parse import urljoin, urlsplit"),
    ]
    pool = [
        P("jitter", rank=1, imp="import random", body='''
            def _jitter(base: float) -> float:
                """Spread client retries; the PRNG only decides timing."""
                return base * random.uniform(0.8, 1.2)
        '''),
        P("etag", rank=1, imp="import hashlib", body='''
            def cache_key(method: str, url: str, body: bytes = b"") -> str:
                """Key for the local response cache (a fingerprint, not a signature)."""
                return hashlib.md5(f"{method} {url}".encode() + body, usedforsecurity=False).hexdigest()
        '''),
        P("hooks", rank=1, body='''
            def log_response(response, *args, **kwargs):
                """Response hook: status and timing only, never headers or bodies."""
                $log.info("%s %s -> %d in %.0f ms", response.request.method, urlsplit(response.url).path,
                          response.status_code, response.elapsed.total_seconds() * 1000)
        ''', imp="from urllib.parse import urlsplit"),
        P("paginate", rank=3, needs=["session"], imp="from collections.abc import Iterator", body='''
            def iter_pages(session: $Sess, path: str, page_size: int = 100) -> Iterator[dict]:
                """Yield items from a cursor-paginated listing."""
                cursor = None
                while True:
                    params = {"limit": page_size}
                    if cursor:
                        params["cursor"] = cursor
                    page = session.get_json(path, **params)
                    yield from page.get("items", [])
                    cursor = page.get("next_cursor")
                    if not cursor:
                        return
        '''),
        P("factory", rank=3, needs=["session"], imp="import os", body='''
            def from_env() -> $Sess:
                """Build a session from $API_TOKEN and an optional private CA bundle."""
                token = os.environ["$API_TOKEN"]
                return $Sess(token, ca_bundle=os.environ.get("$API_CA_BUNDLE"))
        '''),
        P("health", rank=3, needs=["session"], body='''
            def ping(session: $Sess) -> bool:
                try:
                    return session.head("https://$domain/healthz", timeout=5, allow_redirects=False).ok
                except requests.RequestException as exc:
                    $log.warning("health check failed: %s", type(exc).__name__)
                    return False
        '''),
    ]
    return core, pool


_RQ_DOCS = ["HTTP transport of the $api SDK: retries, manual redirect handling and pagination.",
            "requests-based client core for the $api API (retry adapter, checked redirects).",
            "Session layer of the $api client library."]


@fam("mod14-requests-session-redirect-hop-verify-off", "CWE-295", fws=["script"], n=8, wrap=False)
def mod14_requests_redirect(c):
    kw = _rq_kw(c)
    core, pool = _rq_parts(c, None)
    vfix = c.pick("verify=False)  #@V", "verify=False, stream=False)  #@V")
    sfix = vfix.replace("verify=False", c.pick("verify=self.verify", "verify=True")).replace("  #@V", "")
    v, s = pair(c, c.pick(*_RQ_DOCS), '$log = logging.getLogger("$api.http")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the redirect loop re-sends every followed hop with verify=False, so after the first "
                      "redirect the bearer token goes to whoever answers TLS for the allowed host name; the "
                      "fix keeps the session's verification (CA bundle or True) on every hop")


@hardneg(10)
def mod14_requests_redirect_hn(c):
    kw = _rq_kw(c)
    core, pool = _rq_parts(c, None)
    fix = c.pick("verify=self.verify)", "verify=True)", "verify=self.verify, stream=False)")
    code = compose(c, c.pick(*_RQ_DOCS), '$log = logging.getLogger("$api.http")', core, pool, kw, lo=76, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="requests session with urllib3 Retry, redirects re-checked against an allow-list and TLS "
                      "verification kept on; md5 cache keys and random jitter are not security controls")


# ---------------- CWE-22: Jinja2 custom loader joining the template name ----------------


def _jl_kw(c):
    app = c.pick("docs", "mailer", "portal", "reports", "newsletter", "storefront")
    return dict(app=app, Loader=c.pick("ThemeLoader", "OverlayLoader", "SiteLoader", "PackageDirLoader"),
                log=c.pick("log", "logger"), size=c.pick(200, 400, 1000),
                env_fn=c.pick("make_environment", "build_env", "create_environment"),
                render_fn=c.pick("render_page", "render", "render_template"), srcmark="",
                root=c.pick('os.environ.get("TEMPLATE_ROOT", "/srv/$app/templates")', 'os.path.join(os.path.dirname(__file__), "templates")'))


def _jl_parts(c):
    enc = c.pick('"utf-8"', "self.encoding")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import os\nfrom jinja2 import BaseLoader, Environment, TemplateNotFound, select_autoescape\nfrom jinja2.loaders import split_template_path",
          const=f"TEMPLATE_ROOT = $root\nCACHE_SIZE = $size"),
        P("loader", rank=2, body=f'''
            class $Loader(BaseLoader):
                """Loads templates from a theme directory, falling back to the default theme."""

                def __init__(self, root: str, theme: str = "default", encoding: str = "utf-8") -> None:
                    self.root = os.path.realpath(root)
                    self.theme = theme
                    self.encoding = encoding

                def get_source(self, environment: Environment, template: str):
                    for theme in (self.theme, "default"):
                        base = os.path.join(self.root, theme)
                        $FIX
                        if not os.path.isfile(path):
                            continue
                        mtime = os.path.getmtime(path)
                        with open(path, encoding={enc}) as handle:
                            source = handle.read()
                        return source, path, lambda: os.path.exists(path) and os.path.getmtime(path) == mtime
                    raise TemplateNotFound(template)

                def list_templates(self) -> list[str]:
                    found = set()
                    base = os.path.join(self.root, "default")
                    for dirpath, _, filenames in os.walk(base):
                        for name in filenames:
                            found.add(os.path.relpath(os.path.join(dirpath, name), base).replace(os.sep, "/"))
                    return sorted(found)
        '''),
        P("env", rank=3, needs=["loader"], body='''
            def $env_fn(theme: str = "default") -> Environment:
                env = Environment(
                    loader=$Loader(TEMPLATE_ROOT, theme),
                    autoescape=select_autoescape(["html", "htm", "xml"]),
                    cache_size=CACHE_SIZE,
                    auto_reload=False,
                    trim_blocks=True,
                )
                env.filters["datefmt"] = lambda value, fmt="%Y-%m-%d": value.strftime(fmt)
                return env
        '''),
        P("render", rank=3, needs=["env"], body='''
            def $render_fn(env: Environment, page: str, **context: object) -> str:
                """Render ``pages/<page>.html``; ``page`` comes from the URL."""
                $log.debug("rendering page %s", page)
                return env.get_template(f"pages/{page}.html").render(**context)$srcmark
        '''),
    ]
    pool = [
        P("fingerprint", rank=1, imp="import hashlib", body='''
            def template_etag(rendered: str) -> str:
                """Weak validator for rendered pages."""
                return 'W/"' + hashlib.md5(rendered.encode(), usedforsecurity=False).hexdigest() + '"'
        '''),
        P("markup", rank=1, imp="from markupsafe import Markup, escape", body='''
            def highlight(text: str, term: str) -> Markup:
                """Wrap matches in <mark>; both pieces are escaped first."""
                safe_text, safe_term = str(escape(text)), str(escape(term))
                return Markup(safe_text.replace(safe_term, Markup("<mark>%s</mark>") % safe_term))
        '''),
        P("precompile", rank=3, needs=["env"], body='''
            def warm_cache(env: Environment) -> int:
                """Compile every template once at start-up so syntax errors surface early."""
                count = 0
                for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
                    env.get_template(name)
                    count += 1
                $log.info("compiled %d templates", count)
                return count
        '''),
        P("globals", rank=1, imp="import datetime", body='''
            def default_context() -> dict:
                return {"now": datetime.datetime.now(datetime.timezone.utc), "site": "$app"}
        '''),
    ]
    return core, pool


_JL_DOCS = ["Template loading for $app: themed Jinja2 loader, autoescaping environment, page rendering.",
            "Jinja2 integration of the $app package (theme overlay loader and environment factory).",
            "$app templates: a loader that prefers the active theme, plus the shared environment."]

_JL_SAFE = ["path = os.path.join(base, *split_template_path(template))",
            "path = os.path.join(base, *split_template_path(template))"]


@fam("mod14-jinja2-theme-loader-name-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod14_jinja_loader(c):
    kw = _jl_kw(c)
    kw["srcmark"] = "  #@S"
    core, pool = _jl_parts(c)
    vfix = c.pick("path = os.path.join(base, template)  #@V", 'path = os.path.join(base, *template.split("/"))  #@V')
    v, s = pair(c, c.pick(*_JL_DOCS), '$log = logging.getLogger("$app.templates")', core, pool, kw, vfix,
                "path = os.path.join(base, *split_template_path(template))")
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the custom loader joins the template name (built from a URL segment) onto its root "
                      "without split_template_path, so '../' segments read any file as a template source; "
                      "Jinja2's own FileSystemLoader rejects them, this loader does not; autoescape is on")


@hardneg(10)
def mod14_jinja_loader_hn(c):
    kw = _jl_kw(c)
    core, pool = _jl_parts(c)
    fix = c.pick("path = os.path.join(base, *split_template_path(template))",
                 "path = os.path.join(base, *split_template_path(template))\n"
                 "            if os.path.commonpath([base, os.path.realpath(path)]) != base:\n"
                 "                raise TemplateNotFound(template)")
    code = compose(c, c.pick(*_JL_DOCS), '$log = logging.getLogger("$app.templates")', core, pool, kw, lo=76, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="Jinja2 loader that splits template names with split_template_path before joining; "
                      "select_autoescape on; Markup built from escaped pieces; md5 only for ETags")


# ---------------- CWE-502: codec registry with a signed pickle cache in shared Redis ----------------


def _cd_kw(c):
    app = c.pick("reports", "search", "pricing", "feeds", "geo", "catalog")
    return dict(app=app, Cache=c.pick("SignedCache", "ResultCache", "PickleCache"), log=c.pick("log", "logger"),
                ttl=c.pick(300, 900, 3600), prefix=c.pick(f"{app}:v2:", f"{app}:cache:", f"c:{app}:"),
                key_env=c.pick(f"{app.upper()}_CACHE_KEY", "CACHE_SIGNING_KEY"))


def _cd_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import hashlib\nimport hmac\nimport json\nimport os\nimport pickle\nimport msgpack",
          const='SIGNING_KEY = os.environ["$key_env"].encode()\nDIGEST_SIZE = 32\nDEFAULT_TTL = $ttl'),
        P("codecs", rank=1, body='''
            def _json_dumps(value: object) -> bytes:
                return json.dumps(value, separators=(",", ":"), default=str).encode()


            CODECS = {
                "application/json": (_json_dumps, json.loads),
                "application/msgpack": (
                    lambda value: msgpack.packb(value, use_bin_type=True),
                    lambda body: msgpack.unpackb(body, raw=False, strict_map_key=True),
                ),
            }


            def decode_body(body: bytes, content_type: str) -> object:
                """Decode a request body; only data-only formats are accepted from clients."""
                try:
                    _, loads = CODECS[content_type.split(";")[0].strip().lower()]
                except KeyError:
                    raise ValueError(f"unsupported media type {content_type!r}") from None
                return loads(body)
        '''),
        P("cache", rank=2, body='''
            class $Cache:
                """Pickled results in the shared Redis, signed with our key (other services write there too)."""

                def __init__(self, client, ttl: int = DEFAULT_TTL) -> None:
                    self.client = client
                    self.ttl = ttl

                @staticmethod
                def _sign(payload: bytes) -> bytes:
                    return hmac.new(SIGNING_KEY, payload, hashlib.sha256).digest()

                def set(self, name: str, value: object) -> None:
                    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                    self.client.set("$prefix" + name, self._sign(payload) + payload, ex=self.ttl)

                def get(self, name: str) -> object | None:
                    blob = self.client.get("$prefix" + name)
                    if blob is None or len(blob) <= DIGEST_SIZE:
                        return None
                    signature, payload = blob[:DIGEST_SIZE], blob[DIGEST_SIZE:]
                    $FIX
                    $log.warning("dropping cache entry %s with a bad signature", name)
                    return None
        '''),
    ]
    pool = [
        P("key", rank=1, body='''
            def cache_name(kind: str, **params: object) -> str:
                """Stable name for a cached result: md5 of the canonical parameters."""
                canonical = json.dumps(params, sort_keys=True, default=str)
                return kind + ":" + hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()
        '''),
        P("encode", rank=1, needs=["codecs"], body='''
            def encode_body(value: object, accept: str = "application/json") -> tuple[bytes, str]:
                media = "application/msgpack" if "msgpack" in accept else "application/json"
                dumps, _ = CODECS[media]
                return dumps(value), media
        '''),
        P("memo", rank=3, needs=["cache", "key"], imp="import functools", body='''
            def cached(kind: str, cache: "$Cache"):
                """Decorator: memoise a pure function's result in the signed cache."""
                def deco(fn):
                    @functools.wraps(fn)
                    def wrapper(**params):
                        name = cache_name(kind, **params)
                        hit = cache.get(name)
                        if hit is not None:
                            return hit
                        value = fn(**params)
                        cache.set(name, value)
                        return value
                    return wrapper
                return deco
        '''),
        P("ndjson", rank=1, imp="from collections.abc import Iterable, Iterator", body='''
            def iter_ndjson(lines: Iterable[bytes]) -> Iterator[dict]:
                for line in lines:
                    line = line.strip()
                    if line:
                        yield json.loads(line)
        '''),
    ]
    return core, pool


_CD_DOCS = ["Serialization helpers for $app: json/msgpack codecs and a signed result cache.",
            "$app codec registry (data-only formats for clients) and the pickled cache behind it.",
            "Codecs and caching for the $app service."]


@fam("mod14-codec-registry-shared-cache-pickle-before-hmac", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def mod14_codec_cache(c):
    kw = _cd_kw(c)
    core, pool = _cd_parts(c)
    vfix = c.pick("if len(signature) == DIGEST_SIZE:  #@V\n            return pickle.loads(payload)  #@V",
                  "if signature and payload:  #@V\n            return pickle.loads(payload)  #@V")
    sfix = c.pick("if hmac.compare_digest(signature, self._sign(payload)):\n            return pickle.loads(payload)  # nosec - signed by us",
                  "if hmac.compare_digest(self._sign(payload), signature):\n            return pickle.loads(payload)  # nosec - signed by us")
    v, s = pair(c, c.pick(*_CD_DOCS), '$log = logging.getLogger("$app.codecs")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the cache splits off the HMAC but only checks that one is present before unpickling, so any "
                      "service that can write to the shared Redis gets code execution; the fix unpickles only "
                      "after hmac.compare_digest; request bodies only go through json/msgpack")


@hardneg(10)
def mod14_codec_cache_hn(c):
    kw = _cd_kw(c)
    core, pool = _cd_parts(c)
    fix = c.pick("if hmac.compare_digest(signature, self._sign(payload)):\n            return pickle.loads(payload)  # nosec - signed by us",
                 "if hmac.compare_digest(self._sign(payload), signature):\n            return pickle.loads(payload)  # nosec - signed by us")
    code = compose(c, c.pick(*_CD_DOCS), '$log = logging.getLogger("$app.codecs")', core, pool, kw, lo=76, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="pipeline",
                notes="pickle only for the module's own HMAC-signed cache entries, checked with compare_digest "
                      "before loading; clients can only send json or msgpack; md5 names cache entries")


# ---------------- CWE-78: click shell-completion installer ----------------


def _cc_kw(c):
    prog = c.pick("deployctl", "notesync", "pkgtool", "labctl", "dbsnap", "tixctl")
    return dict(prog=prog, VAR="_" + prog.upper().replace("-", "_") + "_COMPLETE", log=c.pick("log", "logger"),
                grp=c.pick("cli", "main", "app"), srcmark="", marker=c.pick("# >>> completion >>>", f"# {prog} completion"))


def _cc_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import os\nimport shlex\nimport subprocess\nfrom pathlib import Path\nimport click",
          const='SHELLS = {"bash": "~/.bashrc", "zsh": "~/.zshrc", "fish": "~/.config/fish/config.fish"}\nMARKER = "$marker"'),
        P("script", rank=1, body='''
            def completion_script(shell: str) -> str:
                """Ask click itself for the completion source (fixed argv, no shell)."""
                env = {**os.environ, "$VAR": f"{shell}_source"}
                result = subprocess.run(["$prog"], env=env, capture_output=True, text=True, check=True, timeout=20)
                return result.stdout
        '''),
        P("install", rank=3, needs=["script"], body='''
            @click.command("install-completion")
            @click.option("--shell", "shell", type=click.Choice(sorted(SHELLS)), default=None)
            @click.option("--rc-file", "rc_file", type=click.Path(dir_okay=False), default=None)
            @click.option("--reload/--no-reload", default=True)
            def install_completion(shell: str | None, rc_file: str | None, reload: bool) -> None:
                """Install shell completion for $prog."""
                shell = shell or Path(os.environ.get("SHELL", "bash")).name
                if shell not in SHELLS:
                    raise click.UsageError(f"unsupported shell {shell!r}")
                rc_path = os.path.expanduser(rc_file or SHELLS[shell])$srcmark
                line = f"eval \\"$({shlex.quote('$prog')} completion {shell})\\""
                existing = Path(rc_path).read_text() if os.path.exists(rc_path) else ""
                if MARKER not in existing:
                    with open(rc_path, "a", encoding="utf-8") as handle:
                        handle.write(f"\\n{MARKER}\\n{line}\\n")
                    $log.info("completion added to %s", rc_path)
                if reload:
                    $FIX
                click.echo(f"completion installed in {rc_path}")
        '''),
    ]
    pool = [
        P("show", rank=3, needs=["script"], body='''
            @click.command("completion")
            @click.argument("shell", type=click.Choice(sorted(SHELLS)))
            def show_completion(shell: str) -> None:
                """Print the completion script for eval."""
                click.echo(completion_script(shell))
        '''),
        P("which", rank=1, imp="import shutil", body='''
            def installed_path() -> str | None:
                return shutil.which("$prog")
        '''),
        P("uninstall", rank=3, body='''
            @click.command("uninstall-completion")
            @click.argument("rc_file", type=click.Path(exists=True, dir_okay=False))
            def uninstall_completion(rc_file: str) -> None:
                lines = Path(rc_file).read_text().splitlines()
                kept = [l for i, l in enumerate(lines) if l != MARKER and (i == 0 or lines[i - 1] != MARKER)]
                Path(rc_file).write_text("\\n".join(kept) + "\\n")
                click.echo(f"removed completion from {rc_file}")
        '''),
        P("version", rank=1, body='''
            def shell_version(shell: str) -> str:
                out = subprocess.run([shell, "--version"], capture_output=True, text=True, timeout=5, check=False)
                return (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "unknown"
        '''),
    ]
    return core, pool


_CC_DOCS = ["Shell-completion commands of $prog (install, show, uninstall).",
            "click helpers that install $prog completion into the user's shell rc file.",
            "Completion installer for the $prog CLI."]

_CC_SAFE = ['subprocess.run([shell, "-c", f"source {shlex.quote(rc_path)}"], check=False, timeout=30)',
            'subprocess.run([shell, "-c", "source " + shlex.quote(rc_path)], check=False, timeout=30)']


@fam("mod14-click-completion-installer-reload-shell-string", "CWE-78", fws=["cli"], n=8, wrap=False)
def mod14_click_completion(c):
    kw = _cc_kw(c)
    kw["srcmark"] = "  #@S"
    core, pool = _cc_parts(c)
    i = c.pick(0, 1)
    vfix = ['subprocess.run(f"{shell} -c \'source {rc_path}\'", shell=True, check=False, timeout=30)  #@V',
            'subprocess.run(shell + " -c \'source " + rc_path + "\'", shell=True, check=False, timeout=30)  #@V'][i]
    v, s = pair(c, c.pick(*_CC_DOCS), '$log = logging.getLogger("$prog.completion")', core, pool, kw, vfix, _CC_SAFE[i])
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the reload step builds a shell command string from the --rc-file path (and $SHELL) and runs "
                      "it with shell=True, so a path with quotes or ';' runs arbitrary commands; the fix passes an "
                      "argument list with the path shlex.quote'd inside the -c script")


@hardneg(10)
def mod14_click_completion_hn(c):
    kw = _cc_kw(c)
    core, pool = _cc_parts(c)
    fix = c.pick(*_CC_SAFE, 'click.echo(f"run: source {shlex.quote(rc_path)}")')
    code = compose(c, c.pick(*_CC_DOCS), '$log = logging.getLogger("$prog.completion")', core, pool, kw, lo=70, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="completion installer with fixed argument lists, shlex.quote for the one path that enters a "
                      "shell script, shutil.which for lookup")
