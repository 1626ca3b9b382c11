"""Train-only whole-module families weighted towards hard negatives (libs17 clients set): modules shaped
like mature HTTP/API client libraries of imaginary SDKs (a REST client with its session, an OAuth token
cache, a file-download helper, a redirect-following request loop) in which security-looking idioms are
used correctly: ``verify=ca_bundle``, md5 idempotency keys, ``random`` jitter, ``http://localhost`` test
servers, tokens read from the environment, private files created with ``os.open(..., 0o600)``.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: one code path of the SDK sending with ``verify=False`` (295), an OAuth token cache file created
through ``os.open`` with mode 0o644 (732), a download helper joining the server-supplied
Content-Disposition file name under the target directory (22), and a manual redirect loop that forwards
the Authorization header to whatever host the Location names (200).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


def _kw(c):
    sdk = c.pick("acme", "nimbus", "orbital", "ledgerly", "paystack", "quarry", "tessera", "vaultline")
    w = c.pick("invoice", "report", "shipment", "dataset", "ticket", "asset", "build", "contract")
    return dict(
        sdk=sdk, SDK=sdk.upper(), Sdk=sdk.capitalize(), w=w, ws=w + "s", W=w.capitalize(),
        Client=sdk.capitalize() + c.pick("Client", "Session", "API"),
        domain=c.pick(f"{sdk}.example.com", f"api-{sdk}.example.net", "example.org"),
        ver=c.pick("v1", "v2", "2024-06"), pkgver=c.pick("1.8.0", "2.3.1", "0.14.2", "3.0.0"),
        log=c.pick("log", "logger", "_log"), timeout=c.pick("10.0", "15.0", "30.0"),
        attempts=c.pick(3, 4, 5), chunk=c.pick("64 * 1024", "1 << 16", "256 * 1024"),
        bo_fn=c.pick("_backoff", "_retry_delay", "_jittered_sleep_for"),
        idem_fn=c.pick("_idempotency_key", "_request_fingerprint", "_dedupe_key"),
        port=c.pick(8080, 8765, 5001, 9000),
    )


def _common(c):
    """SDK parts every family can draw: errors, jittered backoff, md5 keys, paging, test helpers."""
    jitter = c.pick("random.uniform(0, ceiling)", "ceiling / 2 + random.uniform(0, ceiling / 2)",
                    "random.random() * ceiling")
    md5 = c.pick("hashlib.md5(raw, usedforsecurity=False).hexdigest()", "hashlib.md5(raw).hexdigest()")
    return [
        P("error", rank=1, body='''
            class $SdkError(Exception):
                """Raised for a non-2xx answer; ``status`` and the (truncated) body are kept for callers."""

                def __init__(self, status: int, body: str = "") -> None:
                    super().__init__(f"$sdk API answered {status}")
                    self.status = status
                    self.body = body[:400]
        '''),
        P("backoff", rank=1, imp="import random", body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with jitter; ``random`` only spreads retries, it guards nothing."""
                ceiling = min(20.0, 0.5 * 2 ** attempt)
                return ''' + jitter + '''
        '''),
        P("idem", rank=1, imp="import hashlib\nimport json", body='''
            def $idem_fn(method: str, path: str, payload: dict | None) -> str:
                """Idempotency key for retried writes: the same request maps to the same key (not a secret)."""
                raw = json.dumps([method, path, payload], sort_keys=True, default=str).encode()
                return ''' + md5 + '''
        '''),
        P("ua", rank=1, imp="import platform", const='__version__ = "$pkgver"', body='''
            def user_agent() -> str:
                """User-Agent sent with every call, e.g. ``$sdk-python/$pkgver CPython/3.12``."""
                return f"$sdk-python/{__version__} {platform.python_implementation()}/{platform.python_version()}"
        '''),
        P("testing", rank=4, imp="import os", body='''
            def local_test_base(port: int = $port) -> str:
                """Base URL of the stub server the test-suite starts on the loopback interface."""
                return os.environ.get("$SDK_TEST_URL", f"http://localhost:{port}/$ver")
        '''),
        P("debug", rank=1, imp="import logging\nimport os", const='HTTP_DEBUG = os.environ.get("$SDK_DEBUG", "") == "1"', body='''
            def configure_logging() -> None:
                """Verbose wire logging for troubleshooting; off unless $SDK_DEBUG=1, and headers are never logged."""
                logging.getLogger("$sdk").setLevel(logging.DEBUG if HTTP_DEBUG else logging.WARNING)
        '''),
    ]


_CONSTS = P("consts", rank=0, imp="import logging\nimport os", const='''
    DEFAULT_BASE_URL = os.environ.get("$SDK_BASE_URL", "https://api.$domain/$ver")
    DEFAULT_TIMEOUT = $timeout
    RETRY_STATUSES = frozenset({429, 502, 503, 504})
''')


# ---------------- CWE-295: one code path of the SDK's session sends with verify=False ----------------


def _tls_parts(c, lib):
    if lib == "requests":
        client = P("client", rank=3, needs=["error", "backoff"], imp="import time\nimport requests\nfrom urllib.parse import quote",
                   body='''
            class $Client:
                """Client of the $sdk REST API: one pooled ``requests.Session``, bearer auth, retries."""

                def __init__(self, token: str | None = None, base_url: str = DEFAULT_BASE_URL,
                             ca_bundle: str | None = None) -> None:
                    self.base_url = base_url.rstrip("/")
                    self._session = requests.Session()
                    self._session.headers["Authorization"] = "Bearer " + (token or os.environ["$SDK_TOKEN"])
                    self._session.verify = ca_bundle or os.environ.get("$SDK_CA_BUNDLE") or True

                def _request(self, method: str, path: str, **kwargs) -> requests.Response:
                    for attempt in range($attempts):
                        resp = self._session.request(method, self.base_url + path, timeout=DEFAULT_TIMEOUT, **kwargs)
                        if resp.status_code not in RETRY_STATUSES or attempt + 1 == $attempts:
                            break
                        time.sleep($bo_fn(attempt))
                    if resp.status_code >= 400:
                        raise $SdkError(resp.status_code, resp.text)
                    return resp

                def get_$w(self, $w_id: str) -> dict:
                    return self._request("GET", "/$ws/" + quote($w_id, safe="")).json()

                def download_$w(self, $w_id: str, dest: str) -> int:
                    """Stream the rendered $w from the file host to ``dest``; returns the byte count."""
                    link = self.get_$w($w_id)["download_url"]
                    size = 0
                    with $FIX
                        resp.raise_for_status()
                        with open(dest, "wb") as fh:
                            for chunk in resp.iter_content(chunk_size=$chunk):
                                size += fh.write(chunk)
                    $log.info("downloaded $w %s (%d bytes)", $w_id, size)
                    return size
        ''')
        vfix = "self._session.get(link, stream=True, timeout=DEFAULT_TIMEOUT, verify=False) as resp:  #@V"
        sfix = c.pick("self._session.get(link, stream=True, timeout=DEFAULT_TIMEOUT) as resp:",
                      "self._session.get(link, stream=True, timeout=DEFAULT_TIMEOUT, verify=self._session.verify) as resp:")
    else:
        client = P("client", rank=3, needs=["error"], imp="import httpx", body='''
            class $Client:
                """Async-free httpx client of the $sdk API; uploads go to a separate ingest host."""

                def __init__(self, token: str | None = None, base_url: str = DEFAULT_BASE_URL,
                             ca_bundle: str | None = None) -> None:
                    self._verify = ca_bundle or os.environ.get("$SDK_CA_BUNDLE") or True
                    auth = {"Authorization": "Bearer " + (token or os.environ["$SDK_TOKEN"])}
                    self._api = httpx.Client(base_url=base_url, headers=auth, verify=self._verify,
                                             timeout=DEFAULT_TIMEOUT)
                    self._ingest = httpx.Client(
                        base_url=os.environ.get("$SDK_INGEST_URL", "https://ingest.$domain"),
                        headers=auth,
                        timeout=httpx.Timeout(DEFAULT_TIMEOUT, write=120.0),
                        $FIX
                    )

                def close(self) -> None:
                    self._api.close()
                    self._ingest.close()

                def list_$ws(self, **filters: str) -> list[dict]:
                    resp = self._api.get("/$ws", params=filters)
                    if resp.is_error:
                        raise $SdkError(resp.status_code, resp.text)
                    return resp.json()["items"]

                def upload_$w(self, name: str, data: bytes) -> str:
                    """Send a $w file to the ingest host; returns the id the service assigned."""
                    resp = self._ingest.post("/uploads", files={"file": (name, data)})
                    if resp.is_error:
                        raise $SdkError(resp.status_code, resp.text)
                    $log.info("uploaded %s (%d bytes)", name, len(data))
                    return resp.json()["id"]
        ''')
        vfix = "verify=False,  #@V"
        sfix = c.pick("verify=self._verify,", "verify=self._verify,  # same trust store as the API host")
    return [_CONSTS, client], _common(c), vfix, sfix


_TLS_DOCS = ["Client of the $sdk REST API ($ver): session, authentication, retries and file transfer.",
             "$Sdk SDK core: the HTTP client every resource module goes through.",
             "Python bindings for the $sdk API: a thin, typed wrapper over one pooled HTTP session."]


@fam("mod17-sdk-transfer-path-verify-off", "CWE-295", fws=["script"], n=8, wrap=False)
def mod17_tls_off(c):
    kw = _kw(c)
    core, pool, vfix, sfix = _tls_parts(c, c.pick("requests", "httpx"))
    v, s = pair(c, c.pick(*_TLS_DOCS), '$log = logging.getLogger("$sdk.client")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=76, hi=110)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the API session validates certificates (a CA bundle or the default store), but one "
                      "transfer path sends with verify=False: anyone on the path can impersonate the file host, "
                      "read the bearer token the session attaches and swap the content; the fix uses the "
                      "session's own trust store")


@hardneg(10)
def mod17_tls_off_hn(c):
    kw = _kw(c)
    core, pool, _v, sfix = _tls_parts(c, c.pick("requests", "httpx"))
    code = compose(c, c.pick(*_TLS_DOCS), '$log = logging.getLogger("$sdk.client")', core, pool, kw, lo=76, hi=110,
                   subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="SDK client whose sessions verify certificates (verify=ca_bundle or the default store); "
                      "random jitter, md5 idempotency keys and an http://localhost test base are all benign")


# ---------------- CWE-732: OAuth token cache file created world-readable through os.open ----------------


def _tok_parts(c):
    writer = c.pick("fdopen", "write")
    body_write = ('''
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        json.dump(payload, fh)''' if writer == "fdopen" else '''
                    try:
                        os.write(fd, json.dumps(payload).encode())
                    finally:
                        os.close(fd)''')
    core = [
        _CONSTS,
        P("paths", rank=0, imp="import os", const='''
            CACHE_DIR = os.environ.get("$SDK_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".config", "$sdk")
            TOKEN_FILE = "credentials.json"
            EXPIRY_SKEW = $skew
        '''),
        P("cache", rank=3, imp="import json\nimport time\nimport requests", body='''
            class TokenCache:
                """On-disk cache of the OAuth access and refresh tokens of the $sdk CLI and SDK."""

                def __init__(self, directory: str = CACHE_DIR) -> None:
                    self.directory = directory
                    self.path = os.path.join(directory, TOKEN_FILE)

                def load(self) -> dict | None:
                    try:
                        with open(self.path, encoding="utf-8") as fh:
                            data = json.load(fh)
                    except (FileNotFoundError, json.JSONDecodeError):
                        return None
                    if data.get("expires_at", 0) - EXPIRY_SKEW < time.time():
                        $log.debug("cached token expired")
                        return None
                    return data

                def save(self, payload: dict) -> None:
                    """Write atomically: a temporary file in the same directory, then rename."""
                    os.makedirs(self.directory, exist_ok=True)
                    tmp = self.path + ".tmp"
                    fd = $FIX''' + body_write + '''
                    os.replace(tmp, self.path)

                def clear(self) -> None:
                    try:
                        os.remove(self.path)
                    except FileNotFoundError:
                        pass
        '''),
        P("fetch", rank=4, imp="import time\nimport requests", body='''
            def access_token(cache: TokenCache, client_id: str, client_secret: str | None = None) -> str:
                """A valid access token: from the cache, else via the client-credentials grant."""
                cached = cache.load()
                if cached:
                    return cached["access_token"]
                resp = requests.post(
                    DEFAULT_BASE_URL + "/oauth/token",
                    data={"grant_type": "client_credentials", "client_id": client_id,
                          "client_secret": client_secret or os.environ["$SDK_CLIENT_SECRET"]},
                    timeout=DEFAULT_TIMEOUT,
                )
                resp.raise_for_status()
                grant = resp.json()
                grant["expires_at"] = time.time() + int(grant.get("expires_in", 3600))
                cache.save(grant)
                return grant["access_token"]
        '''),
    ]
    return core, _common(c)


_TOK_FLAGS = ["os.O_WRONLY | os.O_CREAT | os.O_TRUNC", "os.O_CREAT | os.O_WRONLY | os.O_TRUNC",
              "os.O_WRONLY | os.O_CREAT | os.O_EXCL"]
_TOK_DOCS = ["OAuth token storage of the $sdk SDK: the cached grant lives under the user's config directory.",
             "Credential cache for the $sdk command-line tool and library (client-credentials grant).",
             "$Sdk auth: fetch OAuth tokens and keep them between runs."]


def _tok_kw(c):
    kw = _kw(c)
    kw["skew"] = c.pick(30, 60, 120)
    return kw


@fam("mod17-oauth-token-cache-os-open-mode", "CWE-732", fws=["script"], n=8, wrap=False)
def mod17_token_mode(c):
    kw = _tok_kw(c)
    core, pool = _tok_parts(c)
    flags = c.pick(*_TOK_FLAGS)
    v, s = pair(c, c.pick(*_TOK_DOCS), '$log = logging.getLogger("$sdk.auth")', core, pool, kw,
                f"os.open(tmp, {flags}, 0o644)  #@V", f"os.open(tmp, {flags}, 0o600)", lo=80, hi=112)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the token cache holding the OAuth access and refresh tokens is created with mode 0o644 "
                      "through os.open in a directory made with the default mode (0o755 under the usual umask): "
                      "every local user can read it and act as the account; the fix creates it owner-only (0o600)")


@hardneg(10)
def mod17_token_mode_hn(c):
    kw = _tok_kw(c)
    core, pool = _tok_parts(c)
    fix = c.pick(f"os.open(tmp, {c.pick(*_TOK_FLAGS)}, 0o600)", "os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)")
    if "stat." in fix:
        core = core + [P("statimp", rank=0, imp="import stat")]
    code = compose(c, c.pick(*_TOK_DOCS), '$log = logging.getLogger("$sdk.auth")', core, pool, kw, lo=80, hi=112,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="token cache created owner-only through os.open (0o600 or S_IRUSR|S_IWUSR) in the user's "
                      "config directory; the client secret comes from the environment")


# ---------------- CWE-22: download helper joining the server-supplied file name under the target dir ----------------


def _dl_parts(c):
    use_path = c.pick(False, True)
    if use_path:
        join_v = "target = Path(dest_dir) / name  #@V"
        join_s = "target = Path(dest_dir) / (Path(name).name.lstrip(\".\") or \"download.bin\")"
        extra_imp = "from pathlib import Path"
    else:
        join_v = "target = os.path.join(dest_dir, name)  #@V"
        join_s = c.pick("target = os.path.join(dest_dir, os.path.basename(name).lstrip(\".\") or \"download.bin\")",
                        "target = os.path.join(dest_dir, os.path.basename(name.replace(\"\\\\\", \"/\")).lstrip(\".\") or \"download.bin\")")
        extra_imp = ""
    core = [
        _CONSTS,
        P("cd", rank=1, imp="import re\nfrom email.message import Message", body='''
            def filename_from_disposition(header: str | None, fallback: str) -> str:
                """The ``filename`` parameter of a Content-Disposition header (RFC 6266), else ``fallback``."""
                if not header:
                    return fallback
                msg = Message()
                msg["content-disposition"] = header
                return msg.get_filename() or fallback
        '''),
        P("dl", rank=3, needs=["error"], imp="import os\nimport tempfile\nimport requests\n" + extra_imp, body='''
            def download(session: requests.Session, url: str, dest_dir: str) -> str:
                """Fetch ``url`` into ``dest_dir`` under the name the server suggests; returns the path."""
                with session.get(url, stream=True, timeout=DEFAULT_TIMEOUT) as resp:
                    if resp.status_code >= 400:
                        raise $SdkError(resp.status_code)
                    name = filename_from_disposition(resp.headers.get("Content-Disposition"), "$w.bin")  #@S
                    $FIX
                    fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=".partial-")
                    with os.fdopen(fd, "wb") as fh:
                        for chunk in resp.iter_content(chunk_size=$chunk):
                            fh.write(chunk)
                os.replace(tmp, target)
                $log.info("saved %s to %s", url, target)
                return str(target)
        '''),
    ]
    pool = _common(c) + [
        P("session", rank=2, imp="import os\nimport requests", body='''
            def make_session(token: str | None = None) -> requests.Session:
                """Session with bearer auth from the argument or $SDK_TOKEN; certificates are verified."""
                session = requests.Session()
                session.headers["Authorization"] = "Bearer " + (token or os.environ["$SDK_TOKEN"])
                session.verify = os.environ.get("$SDK_CA_BUNDLE") or True
                return session
        '''),
        P("sha", rank=2, imp="import hashlib", body='''
            def sha256_of(path: str) -> str:
                """Digest compared with the ``checksum`` field the API returns for each $w."""
                h = hashlib.sha256()
                with open(path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        h.update(block)
                return h.hexdigest()
        '''),
    ]
    return core, pool, join_v, join_s


_DL_DOCS = ["File downloads for the $sdk SDK: $w exports are streamed to disk and renamed into place.",
            "$Sdk SDK transfer helpers (download of $w attachments).",
            "Download helper of the $sdk client library."]


@fam("mod17-download-disposition-name-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod17_download_join(c):
    kw = _kw(c)
    core, pool, vfix, sfix = _dl_parts(c)
    v, s = pair(c, c.pick(*_DL_DOCS), '$log = logging.getLogger("$sdk.transfer")', core, pool, kw,
                vfix, sfix, lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the file name comes from the server's Content-Disposition header and is joined under the "
                      "target directory as is: a name such as ../../.bashrc or an absolute path makes the final "
                      "rename write outside it; the fix keeps only the last path component, without leading dots "
                      "(so '..' and '.' fall back to a fixed name)")


@hardneg(10)
def mod17_download_join_hn(c):
    kw = _kw(c)
    core, pool, _v, sfix = _dl_parts(c)
    code = compose(c, c.pick(*_DL_DOCS), '$log = logging.getLogger("$sdk.transfer")', core, pool, kw, lo=76, hi=108,
                   subs=[{"$FIX": sfix}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="download helper that keeps only the base name of the server-suggested file name (leading dots "
                      "stripped, empty names replaced); "
                      "mkstemp for the partial file, sha256 checksums, random jitter, md5 idempotency keys")


# ---------------- CWE-200: manual redirect loop forwarding Authorization to another host ----------------


def _redir_parts(c):
    core = [
        _CONSTS,
        P("redir", rank=3, needs=["error"], imp="import requests\nfrom urllib.parse import urljoin, urlsplit",
          const=f"MAX_REDIRECTS = {c.pick(5, 8, 10)}", body='''
            def send(session: requests.Session, method: str, url: str, headers: dict[str, str],
                     **kwargs) -> requests.Response:
                """Send one call, following redirects by hand so 307/308 keep their method and body."""
                for _ in range(MAX_REDIRECTS):
                    resp = session.request(method, url, headers=headers, allow_redirects=False,
                                           timeout=DEFAULT_TIMEOUT, **kwargs)
                    if resp.status_code not in (301, 302, 303, 307, 308):
                        return resp
                    nxt = urljoin(url, resp.headers["Location"])
                    same_origin = urlsplit(nxt)[:2] == urlsplit(url)[:2]  # scheme and host[:port]
                    $log.debug("redirect %s -> %s (same origin: %s)", url, nxt, same_origin)
                    if resp.status_code == 303:
                        method, kwargs = "GET", {}
                    $FIX
                    url, headers = nxt, fwd
                raise $SdkError(310, "too many redirects")
        '''),
        P("call", rank=4, imp="import os\nimport requests", body='''
            class $Client:
                """Entry point of the $sdk SDK: holds the session and the credentials."""

                def __init__(self, api_key: str | None = None, base_url: str = DEFAULT_BASE_URL) -> None:
                    self.base_url = base_url.rstrip("/")
                    self._key = api_key or os.environ["$SDK_API_KEY"]
                    self._session = requests.Session()

                def call(self, method: str, path: str, **kwargs) -> dict:
                    headers = {"Authorization": f"Bearer {self._key}", "Accept": "application/json"}
                    resp = send(self._session, method, self.base_url + path, headers, **kwargs)
                    if resp.status_code >= 400:
                        raise $SdkError(resp.status_code, resp.text)
                    return resp.json()
        '''),
    ]
    sfix = c.pick('fwd = {k: v for k, v in headers.items() if same_origin or k.lower() != "authorization"}',
                  'fwd = dict(headers) if same_origin else {k: v for k, v in headers.items() if k.lower() != "authorization"}')
    return core, _common(c), "fwd = dict(headers)  #@V", sfix


_RD_DOCS = ["Transport layer of the $sdk SDK: request sending with hand-rolled redirect handling.",
            "$Sdk client core: authenticated calls, redirects, retries.",
            "Low-level HTTP plumbing of the $sdk Python SDK."]


@fam("mod17-manual-redirect-auth-forward", "CWE-200", fws=["script"], n=8, wrap=False)
def mod17_redirect_auth(c):
    kw = _kw(c)
    core, pool, vfix, sfix = _redir_parts(c)
    v, s = pair(c, c.pick(*_RD_DOCS), '$log = logging.getLogger("$sdk.transport")', core, pool, kw,
                vfix, sfix, lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="redirects are followed by hand (allow_redirects=False), so requests' own stripping of "
                      "Authorization on a host change does not apply: the loop copies every header, bearer key "
                      "included, to whatever host the Location names; the fix drops Authorization when the "
                      "redirect leaves the original origin (scheme and host, so an https->http downgrade on the "
                      "same host does not carry the key in clear text either)")


@hardneg(10)
def mod17_redirect_auth_hn(c):
    kw = _kw(c)
    core, pool, _v, sfix = _redir_parts(c)
    code = compose(c, c.pick(*_RD_DOCS), '$log = logging.getLogger("$sdk.transport")', core, pool, kw, lo=76, hi=108,
                   subs=[{"$FIX": sfix}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="manual redirect loop that forwards Authorization only to the same origin (scheme and host); keys from the "
                      "environment, random jitter, md5 idempotency keys, a localhost test base")
