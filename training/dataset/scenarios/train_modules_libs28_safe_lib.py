"""Train-only whole-module families weighted towards hard negatives (libs28 set, mod28s-*), written in the style of
LIBRARY code rather than web apps: an OAuth / HTTP client SDK, an on-disk result cache, the terminal helpers of a CLI
tool, a bundle (tar.gz) packing utility and an object-store sync client. Each module is dense with look-alike idioms
used correctly (``verify`` passed through with a True default or a CA bundle, proxies from the environment, ``random`` for back-off jitter and TTL
spread, md5 for cache keys, ``subprocess.run`` argument lists of fixed programs, ``shlex.split`` of ``$PAGER``,
``tempfile.mkstemp`` / ``NamedTemporaryFile`` with ``os.replace``, ``__getstate__`` / ``__setstate__``,
``hmac.compare_digest``, ``os.path.realpath`` containment checks, pickle of the library's own entries in a per-user
directory), with one weak module per family whose single weak statement is subtle, its minimal fix as twin, and a
``@hardneg(10)`` builder assembling safe modules from the same pool of parts (the set of functions differs per module):

- mod28s-oauth-sdk-pkce-state-prng (338): the SDK's PKCE code verifier or OAuth ``state`` comes from ``random``
  (``choices`` / ``choice`` / ``getrandbits``) while the same module rightly uses ``random`` for retry jitter; an
  attacker who recovers the Mersenne Twister state predicts the verifier / state; the fix draws from ``secrets``.
- mod28s-disk-cache-pickle-shared-tmp-default (502): a pickle-backed result cache whose entries are loaded with a
  ``# nosec`` comment claiming they are the library's own, but whose default directory is a fixed name under the
  shared temporary directory, so any local user pre-creates it and plants a pickle that runs code in the caller;
  the fix puts the default under the per-user cache directory.
- mod28s-cli-term-helpers-shell-string (78): a CLI's terminal helpers (browser, editor, clipboard, pager, git root,
  notifications) run fixed programs with argument lists, except one helper that pastes its parameter (a URL, a file
  name, the text to copy) into a ``shell=True`` command line; the fix passes an argument list / stdin.
- mod28s-bundle-pack-mktemp-name (377): a bundle packer that extracts with realpath containment checks and writes
  manifests through ``NamedTemporaryFile`` + ``os.replace``, but builds the archive at a ``tempfile.mktemp`` (or
  pid-derived) name in the shared temporary directory before moving it into place; the fix uses ``mkstemp``.
- mod28s-sync-client-listed-key-join (22): an object-store mirror client (CA bundle or True for ``verify``, SHA-256
  checked downloads through ``NamedTemporaryFile`` + ``os.replace``) that joins the object name from the bucket
  listing under the sync root without a containment check; the fix resolves the path and refuses names outside it.

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"ast", "base64", "collections", "concurrent", "contextlib", "csv", "datetime", "fnmatch", "functools",
                          "io", "itertools", "pathlib", "pickle", "shlex", "shutil", "ssl", "stat", "string",
                          "subprocess", "sys", "tarfile", "tempfile", "threading", "time", "typing", "urllib", "uuid",
                          "webbrowser"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=84, hi=110)


# ---------------- CWE-338: OAuth / HTTP client SDK, PKCE verifier or state from `random` ----------------

_OA_DOCS = [
    "HTTP client helpers of the $svc-python SDK: a pooled, retrying requests Session, OAuth 2.0\n"
    "authorization-code flow with PKCE, bearer-token auth and pagination.",
    "$Svc API client internals (session setup, OAuth with PKCE, auth handler, paging, retries).\n"
    "TLS verification is on unless the caller passes a CA bundle path; proxies come from the environment.",
    "Low-level transport for the $Svc SDK. Public objects: $build, authorization_url, exchange_code,\n"
    "$Auth and the paging / retry helpers re-exported by $svc.client.",
]


def _oa_kw(c):
    svc = c.pick("northwind", "tessera", "quillpay", "orbitly", "parcelhub", "ledgerly", "brightdesk")
    tld = c.pick(".com", ".io", ".dev")
    return dict(svc=svc, Svc=svc.capitalize(), SVC=svc.upper(), log=c.pick("log", "logger", "_log"),
                api_host=c.pick("api.", "rest.") + svc + tld, auth_host=c.pick("auth.", "login.", "accounts.") + svc + tld,
                ver=c.pick("1.4.2", "2.0.1", "0.9.7", "3.1.0", "2.12.0"), retries=c.pick(3, 4, 5),
                bf=c.pick("0.3", "0.5", "1.0"), cap=c.pick("20.0", "30.0", "60.0"),
                tmo=c.pick("10.0", "15.0", "(3.05, 27)", "(5, 30)"), poolsz=c.pick(10, 16, 20), page=c.pick(50, 100, 200),
                Err=c.pick(svc.capitalize() + "Error", "ApiError", "ClientError"),
                Auth=c.pick("BearerAuth", "TokenAuth", "OAuth2Auth"),
                build=c.pick("build_session", "make_session", "new_session"),
                vlen=c.pick(64, 96, 128), leeway=c.pick(30, 60, 120))


# the spots that may carry the weakness: key -> (vulnerable fixes, safe fixes (same order), what the weak one does)
_OA_TARGETS = {
    "verifier": (["verifier = \"\".join(random.choices(_VERIFIER_CHARS, k=$vlen))  #@V",
                  "verifier = \"\".join(random.choice(_VERIFIER_CHARS) for _ in range($vlen))  #@V"],
                 ["verifier = \"\".join(secrets.choice(_VERIFIER_CHARS) for _ in range($vlen))",
                  "verifier = \"\".join(secrets.choice(_VERIFIER_CHARS) for _ in range($vlen))"],
                 "the PKCE code verifier is drawn with the random module"),
    "state": (["state = \"%032x\" % random.getrandbits(128)  #@V",
               "state = \"\".join(random.choices(_VERIFIER_CHARS, k=32))  #@V"],
              ["state = secrets.token_hex(16)",
               "state = secrets.token_urlsafe(24)"],
              "the OAuth state value that binds the callback to this login is drawn with the random module"),
}


def _oa_parts(c, target):
    v_fix = {k: c.pick(*range(len(t[0]))) for k, t in _OA_TARGETS.items()}
    fix = {k: ("$FIX" if k == target else _OA_TARGETS[k][1][v_fix[k]]) for k in _OA_TARGETS}
    core = [
        P("base", rank=0, imp="import logging\nimport requests",
          const='DEFAULT_BASE_URL = "https://$api_host/v1"\nAUTHORIZE_URL = "https://$auth_host/oauth2/authorize"\n'
                'TOKEN_URL = "https://$auth_host/oauth2/token"\nDEFAULT_TIMEOUT = $tmo\nUSER_AGENT = "$svc-python/$ver"'),
        P("session", rank=2, imp="import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util.retry import Retry",
          const="MAX_RETRIES = $retries\nBACKOFF_FACTOR = $bf\nPOOL_SIZE = $poolsz", body='''
            def $build(verify: bool | str = True, retries: int = MAX_RETRIES) -> requests.Session:
                """A pooled Session that retries idempotent calls on 429/5xx, honouring Retry-After.

                ``verify`` goes to requests unchanged: True (the default, the certifi bundle) or the path of a
                CA bundle. Proxies come from HTTPS_PROXY / NO_PROXY, since trust_env stays on.
                """
                retry = Retry(total=retries, backoff_factor=BACKOFF_FACTOR, status_forcelist=(429, 500, 502, 503, 504),
                              allowed_methods=frozenset({"GET", "HEAD", "PUT", "DELETE"}), respect_retry_after_header=True)
                session = requests.Session()
                session.mount("https://", HTTPAdapter(max_retries=retry, pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE))
                session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
                session.verify = verify
                return session
        '''),
        P("pkce", rank=1, imp="import base64\nimport hashlib\nimport random\nimport secrets\nimport string",
          const='_VERIFIER_CHARS = string.ascii_letters + string.digits + "-._~"', body='''
            def new_pkce_pair() -> tuple[str, str]:
                """A PKCE code verifier and its S256 challenge (RFC 7636, section 4)."""
                ''' + fix["verifier"] + '''
                digest = hashlib.sha256(verifier.encode("ascii")).digest()
                return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        '''),
        P("backoff", rank=1, imp="import random", const="BACKOFF_CAP = $cap", body='''
            def backoff_delay(attempt: int, retry_after: str | None = None) -> float:
                """The server's Retry-After when it sent one, else capped exponential back-off with full jitter."""
                if retry_after and retry_after.isdigit():
                    return min(float(retry_after), BACKOFF_CAP)
                return random.uniform(0, min(BACKOFF_CAP, 2 ** attempt))
        '''),
    ]
    authurl = P("authurl", rank=2, needs=["pkce"],
                imp="import random\nimport secrets\nfrom collections.abc import Iterable\nfrom urllib.parse import urlencode",
                body='''
            def authorization_url(client_id: str, redirect_uri: str, scopes: Iterable[str]) -> tuple[str, str, str]:
                """Where to send the user, plus the state and PKCE verifier the caller keeps for the callback."""
                ''' + fix["state"] + '''
                verifier, challenge = new_pkce_pair()
                query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                                   "scope": " ".join(sorted(set(scopes))), "state": state,
                                   "code_challenge": challenge, "code_challenge_method": "S256"})
                return f"{AUTHORIZE_URL}?{query}", state, verifier
        ''')
    errors = P("errors", rank=1, imp="import requests", body='''
            class $Err(Exception):
                """An error answer of the API: HTTP status, the API's error code and its message."""

                def __init__(self, message: str, status: int = 0, code: str = "client_error") -> None:
                    super().__init__(message)
                    self.status, self.code = status, code


            def raise_for_api_error(resp: requests.Response) -> None:
                if resp.ok:
                    return
                try:
                    body = resp.json().get("error") or {}
                except ValueError:
                    body = {}
                raise $Err(body.get("message", resp.reason), resp.status_code, body.get("code", "unknown"))
        ''')
    if target == "state":
        core.append(authurl)
    pool = [
        errors,
        P("callback", rank=3, needs=["errors"], imp="import hmac\nfrom urllib.parse import parse_qs, urlsplit", body='''
            def code_from_callback(callback_url: str, expected_state: str) -> str:
                """The authorization code of the redirect, once its state matches the one we issued."""
                params = parse_qs(urlsplit(callback_url).query)
                if "error" in params:
                    raise $Err(params.get("error_description", params["error"])[0], 400, params["error"][0])
                if not hmac.compare_digest(params.get("state", [""])[0], expected_state):
                    raise $Err("OAuth state mismatch", 400, "invalid_state")
                return params["code"][0]
        '''),
        P("exchange", rank=3, needs=["errors"], imp="import time\nimport requests", body='''
            def exchange_code(session: requests.Session, client_id: str, code: str, verifier: str, redirect_uri: str) -> dict:
                """Trade the authorization code (and the PKCE verifier) for tokens; adds an absolute expires_at."""
                resp = session.post(TOKEN_URL, timeout=DEFAULT_TIMEOUT, data={
                    "grant_type": "authorization_code", "client_id": client_id, "code": code,
                    "code_verifier": verifier, "redirect_uri": redirect_uri})
                raise_for_api_error(resp)
                token = resp.json()
                token["expires_at"] = time.time() + int(token.get("expires_in", 3600))
                return token
        '''),
        P("auth", rank=3, imp="import threading\nimport time\nfrom collections.abc import Callable\nimport requests",
          body='''
            class $Auth(requests.auth.AuthBase):
                """Adds the bearer token; asks ``refresh`` for a new one $leeway seconds before it expires."""

                def __init__(self, token: dict, refresh: Callable[[dict], dict] | None = None) -> None:
                    self._token, self._refresh = token, refresh
                    self._lock = threading.Lock()

                def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
                    with self._lock:
                        if self._refresh is not None and self._token.get("expires_at", 0) - $leeway < time.time():
                            self._token = self._refresh(self._token)
                    request.headers["Authorization"] = f"Bearer {self._token['access_token']}"
                    return request
        '''),
        P("paginate", rank=3, needs=["errors"], imp="from collections.abc import Iterator\nfrom urllib.parse import urljoin, urlsplit",
          const="PAGE_SIZE = $page", body='''
            def iter_items(session: requests.Session, path: str, params: dict | None = None) -> Iterator[dict]:
                """Every item of a list endpoint, following Link: rel="next" (only on the API's own host)."""
                url = urljoin(DEFAULT_BASE_URL + "/", path.lstrip("/"))
                origin = urlsplit(url).netloc
                query = {"limit": PAGE_SIZE, **(params or {})}
                while url:
                    resp = session.get(url, params=query, timeout=DEFAULT_TIMEOUT)
                    raise_for_api_error(resp)
                    yield from resp.json()["data"]
                    url, query = resp.links.get("next", {}).get("url"), None
                    if url and urlsplit(url).netloc != origin:
                        raise $Err(f"pagination link leaves {origin}: {urlsplit(url).netloc}")
        '''),
        P("post", rank=3, needs=["backoff", "errors"], imp="import time\nimport uuid", body='''
            def post_once(session: requests.Session, url: str, payload: dict, attempts: int = MAX_RETRIES) -> dict:
                """POST with an Idempotency-Key, so a retried call is applied once by the server."""
                headers = {"Idempotency-Key": str(uuid.uuid4())}
                for attempt in range(attempts):
                    resp = session.post(url, json=payload, headers=headers, timeout=DEFAULT_TIMEOUT)
                    if resp.status_code not in (429, 503) or attempt + 1 == attempts:
                        raise_for_api_error(resp)
                        return resp.json()
                    delay = backoff_delay(attempt, resp.headers.get("Retry-After"))
                    $log.info("POST %s answered %d, retrying in %.1fs", url, resp.status_code, delay)
                    time.sleep(delay)
                raise AssertionError("unreachable")
        '''),
        P("webhook", rank=2, imp="import hashlib\nimport hmac\nimport time", body='''
            def verify_webhook(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
                """Check the "t=<unix time>,v1=<hex HMAC-SHA256>" header of a webhook delivery."""
                fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
                try:
                    timestamp = int(fields["t"])
                except (KeyError, ValueError):
                    return False
                if abs(time.time() - timestamp) > tolerance:
                    return False
                expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
                return hmac.compare_digest(expected, fields.get("v1", ""))
        '''),
        P("fingerprint", rank=2, imp="import hashlib\nimport json", body='''
            def request_fingerprint(method: str, url: str, params: dict | None = None) -> str:
                """Key of the in-memory GET cache; md5 only spreads the keys, nothing is verified with it."""
                canonical = json.dumps([method.upper(), url, sorted((params or {}).items())], default=str)
                return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()
        '''),
        P("redact", rank=2, imp="from collections.abc import Mapping",
          const='SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "proxy-authorization"})', body='''
            def loggable_headers(headers: Mapping[str, str]) -> dict[str, str]:
                """Headers fit for debug logs, with credentials masked."""
                return {k: "***" if k.lower() in SENSITIVE_HEADERS else v for k, v in headers.items()}
        '''),
        P("fromenv", rank=3, imp="import os", body='''
            def session_from_env() -> requests.Session:
                """Session for hosts behind a TLS-inspecting proxy: $SVC_CA_BUNDLE names the proxy's CA file."""
                session = $build(verify=os.environ.get("$SVC_CA_BUNDLE") or True)
                if os.environ.get("$SVC_DEBUG") == "1":
                    $log.setLevel(logging.DEBUG)
                return session
        '''),
    ]
    if target != "state":
        pool.append(authurl)
    return core, pool, v_fix[target]


@fam("mod28s-oauth-sdk-pkce-state-prng", "CWE-338", fws=["script"], n=8, wrap=False)
def mod28s_oauth_prng(c):
    kw = _oa_kw(c)
    target = c.pick(*_OA_TARGETS)
    core, pool, i = _oa_parts(c, target)
    weak, safe, what = _OA_TARGETS[target]
    v, s = _pair(c, c.pick(*_OA_DOCS), '$log = logging.getLogger("$svc.transport")', core, pool, kw, weak[i], safe[i])
    return Spec(v=v, s=s, full=True, fw="script",
                notes=what + " (a Mersenne Twister, whose state an observer of its outputs can recover) while the module "
                      "rightly uses random for back-off jitter; a predictable verifier lets an intercepted authorization "
                      "code be redeemed, a predictable state lets an attacker forge the callback (login CSRF); the fix "
                      "draws it from secrets")


@hardneg(10)
def mod28s_oauth_prng_hn(c):
    kw = _oa_kw(c)
    target = c.pick(*_OA_TARGETS)
    core, pool, i = _oa_parts(c, target)
    code = _safe(c, c.pick(*_OA_DOCS), '$log = logging.getLogger("$svc.transport")', core, pool, kw,
                 _OA_TARGETS[target][1][i])
    return Spec(s=code, full=True, fw="script",
                notes="OAuth SDK transport: PKCE verifier and state from secrets, random only for back-off jitter, "
                      "verify passed through with a True default or a CA bundle path, state compared with "
                      "compare_digest, pagination kept on the API host, md5 only for cache keys, credentials masked in logs")


# ---------------- CWE-502: on-disk result cache, pickles under a fixed name in the shared temp dir ----------------

_DC_DOCS = [
    "$lib: a small persistent cache for the results of slow functions.\n\n"
    "Entries are pickled one file per key (md5 of the key) and written atomically; they expire after a TTL.",
    "Disk-backed memoization for $lib. Usage: ``cache = $Cls(); @memoize(cache) def f(...): ...``.\n"
    "Set $LIB_CACHE_DIR to move the cache elsewhere.",
    "$Cls stores arbitrary Python objects on disk with an expiry time; used by $lib to keep parsed\n"
    "schemas and API responses between runs.",
]


def _dc_kw(c):
    lib = c.pick("stashly", "memoir", "hoard", "cachet", "keepsake", "squirrel", "larder")
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "logger", "_log"),
                Cls=c.pick("DiskCache", "FileCache", "ResultCache", "PickleCache", "EntryStore"),
                ttl=c.pick("3600.0", "86400.0", "600.0", "7 * 24 * 3600.0"), ext=c.pick(".pkl", ".pickle", ".entry"),
                maxb=c.pick("256 * 1024 * 1024", "1 << 30", "64 * 1024 * 1024"), spread=c.pick("0.1", "0.2"),
                memo=c.pick("memoize", "cached", "disk_cached"), fanout=c.pick(2, 3))


_DC_WEAK = ["return os.path.join(tempfile.gettempdir(), \"$lib-cache\")  #@V",
            "return os.path.join(tempfile.gettempdir(), \"$lib\", \"cache\")  #@V",
            "return str(Path(tempfile.gettempdir()) / \"$lib-cache\")  #@V"]
_DC_SAFE = ["base = os.environ.get(\"XDG_CACHE_HOME\") or os.path.join(os.path.expanduser(\"~\"), \".cache\")\n"
            "    return os.path.join(base, \"$lib\")",
            "return os.path.join(os.environ.get(\"XDG_CACHE_HOME\") or os.path.expanduser(\"~/.cache\"), \"$lib\")",
            "return str(Path(os.environ.get(\"XDG_CACHE_HOME\") or Path.home() / \".cache\") / \"$lib\")"]


def _dc_parts(c):
    nosec = c.pick("# nosec B301: entries are written by this class only",
                   "# nosec B301: our own cache files",
                   "# nosec B301: only $Cls.set writes these files")
    core = [
        P("base", rank=0, imp="import logging\nimport os", const="DEFAULT_TTL = $ttl"),
        P("dir", rank=1, imp="import os\nimport tempfile\nfrom pathlib import Path", body='''
            def default_directory() -> str:
                """Where entries live unless a directory is passed: $LIB_CACHE_DIR, else the default location."""
                override = os.environ.get("$LIB_CACHE_DIR")
                if override:
                    return override
                $FIX
        '''),
        P("cache", rank=2, imp="import hashlib\nimport os\nimport pickle\nimport tempfile\nimport time\nfrom typing import Any",
          body='''
            class $Cls:
                """Pickled entries, one file per key, each stored with its expiry time."""

                def __init__(self, directory: str | None = None, ttl: float = DEFAULT_TTL) -> None:
                    self.directory = directory or default_directory()
                    self.ttl = ttl
                    os.makedirs(self.directory, exist_ok=True)

                def _path(self, key: str) -> str:
                    digest = hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()
                    return os.path.join(self.directory, digest[:$fanout], digest + "$ext")

                def get(self, key: str, default: Any = None) -> Any:
                    try:
                        with open(self._path(key), "rb") as fh:
                            expires, value = pickle.load(fh)  ''' + nosec + '''  #@V
                    except (FileNotFoundError, EOFError):
                        return default
                    if expires is not None and expires < time.time():
                        self.delete(key)
                        return default
                    return value

                def set(self, key: str, value: Any, ttl: float | None = None) -> None:
                    path = self._path(key)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    expires = time.time() + (self.ttl if ttl is None else ttl)
                    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
                    try:
                        with os.fdopen(fd, "wb") as fh:
                            pickle.dump((expires, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
                        os.replace(tmp, path)
                    except BaseException:
                        os.unlink(tmp)
                        raise

                def delete(self, key: str) -> bool:
                    try:
                        os.unlink(self._path(key))
                        return True
                    except FileNotFoundError:
                        return False
        '''),
    ]
    pool = [
        P("memo", rank=3, needs=["cache"], imp="import functools\nfrom collections.abc import Callable",
          const="_MISSING = object()", body='''
            def $memo(cache: $Cls, ttl: float | None = None) -> Callable:
                """Cache a function's results under its qualified name and the repr of its arguments."""
                def deco(fn: Callable) -> Callable:
                    @functools.wraps(fn)
                    def wrapper(*args, **kwargs):
                        key = f"{fn.__module__}.{fn.__qualname__}:{args!r}:{sorted(kwargs.items())!r}"
                        hit = cache.get(key, _MISSING)
                        if hit is not _MISSING:
                            return hit
                        value = fn(*args, **kwargs)
                        cache.set(key, value, ttl)
                        return value
                    return wrapper
                return deco
        '''),
        P("jitter", rank=1, imp="import random", body='''
            def spread_ttl(ttl: float, spread: float = $spread) -> float:
                """A TTL moved by up to +/-$spread of itself, so entries written together do not expire together."""
                return ttl * random.uniform(1 - spread, 1 + spread)
        '''),
        P("prune", rank=3, imp="import os", const="MAX_BYTES = $maxb", body='''
            def prune(directory: str, max_bytes: int = MAX_BYTES) -> int:
                """Delete the least recently read entries until the cache fits in ``max_bytes``; returns the count."""
                entries = []
                for root, _dirs, files in os.walk(directory):
                    for name in files:
                        if name.endswith("$ext"):
                            st = os.stat(os.path.join(root, name))
                            entries.append((st.st_atime, st.st_size, os.path.join(root, name)))
                total, removed = sum(size for _, size, _ in entries), 0
                for _, size, path in sorted(entries):
                    if total <= max_bytes:
                        break
                    os.unlink(path)
                    total, removed = total - size, removed + 1
                $log.debug("pruned %d entries from %s", removed, directory)
                return removed
        '''),
        P("stats", rank=2, imp="import threading", body='''
            class CacheStats:
                """Hit and miss counters shared by threads; picklable (the lock is dropped and recreated)."""

                def __init__(self) -> None:
                    self.hits = self.misses = 0
                    self._lock = threading.Lock()

                def record(self, hit: bool) -> None:
                    with self._lock:
                        if hit:
                            self.hits += 1
                        else:
                            self.misses += 1

                def __getstate__(self) -> dict:
                    state = self.__dict__.copy()
                    del state["_lock"]
                    return state

                def __setstate__(self, state: dict) -> None:
                    self.__dict__.update(state)
                    self._lock = threading.Lock()
        '''),
        P("urlkey", rank=1, imp="import hashlib", body='''
            def response_key(method: str, url: str, vary: dict[str, str] | None = None) -> str:
                """Cache key of an HTTP response: method, URL and the request headers named by Vary."""
                parts = [method.upper(), url] + [f"{k.lower()}={v}" for k, v in sorted((vary or {}).items())]
                return hashlib.sha1("\\n".join(parts).encode(), usedforsecurity=False).hexdigest()
        '''),
        P("clear", rank=3, imp="import os\nimport shutil", body='''
            def clear(directory: str | None = None) -> None:
                """Remove every entry (the directory itself is recreated on the next write)."""
                directory = directory or default_directory()
                if os.path.isdir(directory):
                    shutil.rmtree(directory, ignore_errors=True)
                    $log.info("cleared cache directory %s", directory)
        '''),
        P("size", rank=3, imp="import os", body='''
            def disk_usage(directory: str | None = None) -> tuple[int, int]:
                """(number of entries, bytes used) of a cache directory."""
                count = size = 0
                for root, _dirs, files in os.walk(directory or default_directory()):
                    for name in files:
                        if name.endswith("$ext"):
                            count += 1
                            size += os.path.getsize(os.path.join(root, name))
                return count, size
        '''),
    ]
    return core, pool


@fam("mod28s-disk-cache-pickle-shared-tmp-default", "CWE-502", fws=["script"], n=8, wrap=False)
def mod28s_disk_cache(c):
    kw = _dc_kw(c)
    core, pool = _dc_parts(c)
    i = c.pick(0, 1, 2)
    v, s = _pair(c, c.pick(*_DC_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw, _DC_WEAK[i], _DC_SAFE[i])
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the cache unpickles its entry files (the nosec comment assumes only the library writes them), "
                      "but the default directory is a fixed name in the shared temporary directory: another local user "
                      "creates it first (or writes into it) and plants an entry whose unpickling runs code as whoever "
                      "uses the cache; the fix defaults to the per-user cache directory under the home directory")


@hardneg(10)
def mod28s_disk_cache_hn(c):
    kw = _dc_kw(c)
    core, pool = _dc_parts(c)
    code = _safe(c, c.pick(*_DC_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw, _DC_SAFE[c.pick(0, 1, 2)])
    return Spec(s=code, full=True, fw="script",
                notes="disk cache: pickle only of its own entries in the per-user cache directory (XDG_CACHE_HOME or "
                      "~/.cache), mkstemp + os.replace writes, md5/sha1 only as cache keys, random only for TTL spread, "
                      "__getstate__/__setstate__ dropping a lock")


# ---------------- CWE-78: CLI terminal helpers, one helper pastes its parameter into a shell string ----------------

_TH_DOCS = [
    "Terminal helpers of the $tool command-line tool: browser, editor, clipboard and pager integration,\n"
    "colour detection and a few git lookups. External programs are fixed and get argument lists.",
    "$tool._term: small wrappers around the programs a CLI talks to (xdg-open/open, $EDITOR, $PAGER,\n"
    "clipboard tools, git). Programs are looked up with shutil.which; failures are reported, not raised.",
    "Helpers shared by the $tool sub-commands for interacting with the user's desktop and terminal.",
]


def _th_kw(c):
    tool = c.pick("tidewater", "ferry", "skiff", "lathe", "quarto", "plinth", "gantry")
    return dict(tool=tool, TOOL=tool.upper(), log=c.pick("log", "logger", "_log"),
                pager=c.pick("less -FRX", "less -R", "more"), ed=c.pick("vi", "nano", "vim"),
                tmo=c.pick(5, 10), gtmo=c.pick(10, 15, 30))


# key -> (body with $FIX, [(vulnerable fix, safe fix)], what the weak one does)
_TH_TARGETS = {
    "browser": ('''
        def open_url(url: str) -> bool:
            """Open ``url`` (a docs page, or the sign-in URL the API returned) in the default browser."""
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"not a web URL: {url!r}")
            opener = _opener()
            if opener is None:
                return webbrowser.open(url)
            $FIX
            return proc.returncode == 0
    ''', [("proc = subprocess.run(f\"{opener} {url}\", shell=True, check=False)  #@V",
           "proc = subprocess.run([opener, url], check=False)"),
          ("proc = subprocess.run(f\"{opener} '{url}' >/dev/null 2>&1\", shell=True, check=False)  #@V",
           "proc = subprocess.run([opener, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)")],
        "open_url pastes the URL (which callers take from API answers) into a shell command line"),
    "editor": ('''
        def edit_file(path: str) -> int:
            """Open ``path`` in $VISUAL / $EDITOR (which may carry options, e.g. "code --wait")."""
            editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "$ed"
            $FIX
            return proc.returncode
    ''', [("proc = subprocess.run(f\"{editor} {path}\", shell=True)  #@V",
           "proc = subprocess.run([*shlex.split(editor), os.path.abspath(path)])"),
          ("proc = subprocess.run(editor + \" \" + path, shell=True, check=False)  #@V",
           "proc = subprocess.run(shlex.split(editor) + [os.path.abspath(path)], check=False)")],
        "edit_file pastes the file name (of a file in the checked-out project) into a shell command line"),
    "clipboard": ('''
        def copy_to_clipboard(text: str) -> bool:
            """Put ``text`` on the clipboard with the first tool installed; False when there is none."""
            tool = next((t for t in CLIPBOARD_TOOLS if shutil.which(t[0])), None)
            if tool is None:
                return False
            $FIX
            return True
    ''', [("subprocess.run(f\"printf '%s' '{text}' | {' '.join(tool)}\", shell=True, check=True)  #@V",
           "subprocess.run(list(tool), input=text.encode(), check=True)"),
          ("subprocess.run(f\"{' '.join(tool)} <<EOF\\n{text}\\nEOF\", shell=True, check=True)  #@V",
           "subprocess.run(list(tool), input=text.encode(), check=True)")],
        "copy_to_clipboard pastes the text to copy into a shell pipeline"),
}


def _th_parts(c, target):
    fixes = {k: c.pick(*range(len(t[1]))) for k, t in _TH_TARGETS.items()}
    imps = {"browser": "import subprocess\nimport webbrowser\nfrom urllib.parse import urlsplit", "editor": "import os\nimport shlex\nimport subprocess",
            "clipboard": "import shutil\nimport subprocess"}
    const = {"clipboard": 'CLIPBOARD_TOOLS = (("pbcopy",), ("wl-copy",), ("xclip", "-selection", "clipboard"))'}
    needs = {"browser": ("opener",)}

    def tpart(k):
        body, pairs, _w = _TH_TARGETS[k]
        text = body if k == target else body.replace("$FIX", pairs[fixes[k]][1])
        return P("t_" + k, rank=3, imp=imps[k], const=const.get(k, ""), needs=needs.get(k, ()), body=text)

    core = [P("base", rank=0, imp="import logging\nimport subprocess"), tpart(target)]
    pool = [tpart(k) for k in _TH_TARGETS if k != target] + [
        P("opener", rank=1, imp="import shutil\nimport sys", body='''
            def _opener() -> str | None:
                """The desktop's "open this" program, or None where webbrowser should be used."""
                if sys.platform == "darwin":
                    return "open"
                if sys.platform.startswith("win"):
                    return None
                return shutil.which("xdg-open")
        '''),
        P("pager", rank=3, imp="import os\nimport shlex\nimport subprocess\nimport sys", body='''
            def page(text: str) -> None:
                """Show long output through $PAGER (default "$pager") when stdout is a terminal."""
                if not sys.stdout.isatty():
                    sys.stdout.write(text)
                    return
                pager = shlex.split(os.environ.get("PAGER") or "$pager")
                try:
                    subprocess.run(pager, input=text, text=True, check=False)
                except FileNotFoundError:
                    sys.stdout.write(text)
        '''),
        P("git", rank=2, imp="import subprocess\nfrom pathlib import Path", const="GIT_TIMEOUT = $gtmo", body='''
            def git_root(start: Path | None = None) -> Path | None:
                """Top directory of the git work tree containing ``start`` (default: the current directory)."""
                proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True,
                                      text=True, check=False, timeout=GIT_TIMEOUT)
                return Path(proc.stdout.strip()) if proc.returncode == 0 else None


            def current_branch(repo: Path) -> str:
                proc = subprocess.run(["git", "-C", str(repo), "symbolic-ref", "--short", "-q", "HEAD"],
                                      capture_output=True, text=True, check=False, timeout=GIT_TIMEOUT)
                return proc.stdout.strip() or "HEAD"
        '''),
        P("notify", rank=3, imp="import shutil\nimport subprocess\nimport sys", body='''
            def notify(title: str, message: str) -> None:
                """Desktop notification when a long command finishes (best effort, argument lists only)."""
                if sys.platform == "darwin":
                    script = "on run argv\\ndisplay notification (item 2 of argv) with title (item 1 of argv)\\nend run"
                    subprocess.run(["osascript", "-e", script, title, message], check=False)
                elif shutil.which("notify-send"):
                    subprocess.run(["notify-send", "--app-name=$tool", "--", title, message], check=False)
        '''),
        P("color", rank=2, imp="import os\nimport sys", const='_CODES = {"red": 31, "green": 32, "yellow": 33, "bold": 1}',
          body='''
            def use_color(stream=None) -> bool:
                """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
                stream = stream or sys.stdout
                return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


            def style(text: str, color: str) -> str:
                return f"\\033[{_CODES[color]}m{text}\\033[0m" if use_color() else text
        '''),
        P("version", rank=2, imp="import shutil\nimport subprocess", const="PROBE_TIMEOUT = $tmo", body='''
            def tool_version(program: str) -> str | None:
                """``program --version`` of an installed helper (used by ``$tool doctor``), or None."""
                exe = shutil.which(program)
                if exe is None:
                    return None
                try:
                    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=PROBE_TIMEOUT)
                except (OSError, subprocess.TimeoutExpired):
                    return None
                return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else None
        '''),
        P("confirm", rank=2, imp="import sys", body='''
            def confirm(question: str, default: bool = False) -> bool:
                """Ask a yes/no question on the terminal; the default when stdin is not interactive."""
                if not sys.stdin.isatty():
                    return default
                answer = input(f"{question} [{'Y/n' if default else 'y/N'}] ").strip().lower()
                return default if not answer else answer in ("y", "yes")
        '''),
        P("confdir", rank=1, imp="import os\nimport sys\nfrom pathlib import Path", body='''
            def config_dir() -> Path:
                """Per-user configuration directory of $tool ($TOOL_CONFIG_DIR overrides it)."""
                if os.environ.get("$TOOL_CONFIG_DIR"):
                    return Path(os.environ["$TOOL_CONFIG_DIR"])
                if sys.platform == "darwin":
                    return Path.home() / "Library" / "Application Support" / "$tool"
                return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "$tool"
        '''),
    ]
    return core, pool, fixes[target]


@fam("mod28s-cli-term-helpers-shell-string", "CWE-78", fws=["cli"], n=8, wrap=False)
def mod28s_term_helpers(c):
    kw = _th_kw(c)
    target = c.pick(*_TH_TARGETS)
    core, pool, i = _th_parts(c, target)
    vfix, sfix = _TH_TARGETS[target][1][i]
    v, s = _pair(c, c.pick(*_TH_DOCS), '$log = logging.getLogger("$tool.term")', core, pool, kw, vfix, sfix,
                 lo=72, hi=106)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes=_TH_TARGETS[target][2] + " with shell=True: quotes, $(...), ; or | in that value run commands as "
                      "the user (a crafted link, file name or copied text is enough); every other helper runs a fixed "
                      "program with an argument list, and the fix does the same here")


@hardneg(10)
def mod28s_term_helpers_hn(c):
    kw = _th_kw(c)
    target = c.pick(*_TH_TARGETS)
    core, pool, i = _th_parts(c, target)
    code = _safe(c, c.pick(*_TH_DOCS), '$log = logging.getLogger("$tool.term")', core, pool, kw,
                 _TH_TARGETS[target][1][i][1], lo=72, hi=106)
    return Spec(s=code, full=True, fw="cli",
                notes="CLI terminal helpers: fixed programs with argument lists (xdg-open, git, notify-send, --version "
                      "probes), $EDITOR/$PAGER split with shlex.split, clipboard text passed on stdin, no shell")


# ---------------- CWE-377: bundle packer, archive built at a mktemp / pid name in the shared temp dir ----------------

_BP_DOCS = [
    "Pack and unpack $tool bundles: a gzip'd tarball of a project directory with a JSON manifest of\n"
    "SHA-256 digests. Extraction refuses members that would land outside the destination.",
    "$tool.bundle: reproducible project bundles (sorted members, normalised owners and times) and their\n"
    "verification and extraction.",
    "Bundle format of $tool (tar.gz + manifest.json). Used by ``$tool pack``, ``$tool unpack`` and the uploader.",
]


def _bp_kw(c):
    tool = c.pick("shipwright", "crate", "parcel", "bale", "satchel", "tote")
    return dict(tool=tool, log=c.pick("log", "logger", "_log"), Err=c.pick("BundleError", "PackError", "InvalidBundle"),
                excl=c.pick('(".git", "__pycache__", "*.pyc", ".DS_Store")', '(".git", ".venv", "node_modules", "*.pyc")',
                            '(".git", ".tox", "__pycache__", "*.egg-info")'),
                mtime=c.pick(0, 315532800), chunk=c.pick("1 << 20", "64 * 1024"))


_BP_FIX = [("tmp_path = tempfile.mktemp(suffix=\".tar.gz\", prefix=\"$tool-\")  #@V",
            "fd, tmp_path = tempfile.mkstemp(suffix=\".tar.gz\", prefix=\"$tool-\")\n    os.close(fd)"),
           ("tmp_path = tempfile.mktemp(\".tar.gz\")  #@V",
            "fd, tmp_path = tempfile.mkstemp(\".tar.gz\")\n    os.close(fd)"),
           ("tmp_path = os.path.join(tempfile.gettempdir(), f\"$tool-{os.getpid()}.tar.gz\")  #@V",
            "fd, tmp_path = tempfile.mkstemp(suffix=\".tar.gz\", prefix=f\"$tool-{os.getpid()}-\")\n    os.close(fd)")]


def _bp_parts(c):
    core = [
        P("base", rank=0, imp="import logging\nimport os", const="DEFAULT_EXCLUDE = $excl\nMANIFEST = \"manifest.json\""),
        P("walk", rank=1, imp="import fnmatch\nimport os\nfrom collections.abc import Iterable, Iterator", body='''
            def iter_files(root: str, exclude: Iterable[str] = DEFAULT_EXCLUDE) -> Iterator[str]:
                """Relative paths of the regular files under ``root``, skipping excluded names; symlinks are not followed."""
                patterns = tuple(exclude)
                for dirpath, dirnames, filenames in os.walk(root):
                    dirnames[:] = sorted(d for d in dirnames if not any(fnmatch.fnmatch(d, p) for p in patterns))
                    for name in sorted(filenames):
                        full = os.path.join(dirpath, name)
                        if os.path.isfile(full) and not os.path.islink(full) and not any(fnmatch.fnmatch(name, p) for p in patterns):
                            yield os.path.relpath(full, root)
        '''),
        P("normalize", rank=1, imp="import tarfile", body='''
            def _normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
                """Same bytes for the same tree: no owner names or ids, fixed times, modes reduced to 0o644 / 0o755."""
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mtime = $mtime
                info.mode = 0o755 if info.mode & 0o100 else 0o644
                return info
        '''),
        P("pack", rank=2, imp="import os\nimport shutil\nimport tarfile\nimport tempfile\nfrom collections.abc import Iterable",
          needs=["walk", "normalize"], body='''
            def pack(source_dir: str, dest: str, exclude: Iterable[str] = DEFAULT_EXCLUDE) -> str:
                """Write ``source_dir`` as a bundle at ``dest``: built in a temporary file, then moved into place."""
                $FIX
                try:
                    with tarfile.open(tmp_path, "w:gz") as tar:
                        for rel in iter_files(source_dir, exclude):
                            tar.add(os.path.join(source_dir, rel), arcname=rel, recursive=False, filter=_normalise)
                    shutil.move(tmp_path, dest)
                except BaseException:
                    if os.path.exists(tmp_path):
                        os.unlink(tmp_path)
                    raise
                $log.info("packed %s into %s", source_dir, dest)
                return dest
        '''),
    ]
    pool = [
        P("errors", rank=1, body='''
            class $Err(Exception):
                """A bundle that is malformed, fails verification or would extract outside its destination."""
        '''),
        P("unpack", rank=3, needs=["errors"], imp="import os\nimport tarfile", body='''
            def unpack(bundle: str, dest: str) -> list[str]:
                """Extract ``bundle`` into ``dest``; links, devices and members outside ``dest`` are refused."""
                root = os.path.realpath(dest)
                with tarfile.open(bundle, "r:gz") as tar:
                    members = tar.getmembers()
                    for member in members:
                        target = os.path.realpath(os.path.join(root, member.name))
                        if os.path.commonpath([root, target]) != root or not (member.isfile() or member.isdir()):
                            raise $Err(f"refusing bundle member {member.name!r}")
                    tar.extractall(root, members=members, filter="data")
                return [m.name for m in members if m.isfile()]
        '''),
        P("digest", rank=1, imp="import hashlib", body='''
            def sha256_file(path: str) -> str:
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    for block in iter(lambda: fh.read($chunk), b""):
                        digest.update(block)
                return digest.hexdigest()
        '''),
        P("manifest", rank=3, needs=["digest", "walk"], imp="import json\nimport os\nimport tempfile", body='''
            def write_manifest(root: str) -> str:
                """manifest.json with the SHA-256 of every file, written through a temporary file and os.replace."""
                files = {rel: sha256_file(os.path.join(root, rel)) for rel in iter_files(root) if rel != MANIFEST}
                with tempfile.NamedTemporaryFile("w", dir=root, prefix=".manifest-", suffix=".json", delete=False) as tmp:
                    json.dump({"version": 1, "files": files}, tmp, indent=2, sort_keys=True)
                os.replace(tmp.name, os.path.join(root, MANIFEST))
                return os.path.join(root, MANIFEST)
        '''),
        P("verify", rank=3, needs=["digest", "errors", "walk"], imp="import hmac\nimport json\nimport os", body='''
            def verify_tree(root: str) -> None:
                """Detect corruption: compare an unpacked tree with its manifest (raises on the first bad file)."""
                with open(os.path.join(root, MANIFEST), encoding="utf-8") as fh:
                    expected = json.load(fh)["files"]
                present = {rel for rel in iter_files(root) if rel != MANIFEST}
                for rel in sorted(present | set(expected)):
                    if rel not in present or rel not in expected:
                        raise $Err(f"{rel}: missing or unexpected")
                    if not hmac.compare_digest(sha256_file(os.path.join(root, rel)), expected[rel]):
                        raise $Err(f"{rel}: modified")
        '''),
        P("listing", rank=3, imp="import tarfile", body='''
            def list_bundle(bundle: str) -> list[tuple[str, int]]:
                """(name, size) of the files in a bundle, without extracting anything."""
                with tarfile.open(bundle, "r:gz") as tar:
                    return [(m.name, m.size) for m in tar.getmembers() if m.isfile()]
        '''),
        P("scratch", rank=3, needs=["unpack"], imp="import tempfile\nfrom collections.abc import Callable\nfrom typing import TypeVar",
          const='T = TypeVar("T")', body='''
            def with_unpacked(bundle: str, fn: Callable[[str], T]) -> T:
                """Run ``fn`` on a private temporary extraction of ``bundle``; the directory is removed afterwards."""
                with tempfile.TemporaryDirectory(prefix="$tool-unpack-") as scratch:
                    unpack(bundle, scratch)
                    return fn(scratch)
        '''),
        P("human", rank=1, body='''
            def human_size(n: float) -> str:
                for unit in ("B", "KiB", "MiB", "GiB"):
                    if n < 1024 or unit == "GiB":
                        return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
                    n /= 1024
                return f"{n:.1f} GiB"
        '''),
    ]
    return core, pool


@fam("mod28s-bundle-pack-mktemp-name", "CWE-377", fws=["script"], n=8, wrap=False)
def mod28s_bundle_pack(c):
    kw = _bp_kw(c)
    core, pool = _bp_parts(c)
    vfix, sfix = c.pick(*_BP_FIX)
    v, s = _pair(c, c.pick(*_BP_DOCS), '$log = logging.getLogger("$tool.bundle")', core, pool, kw, vfix, sfix,
                 lo=80, hi=108)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="pack() builds the archive at a name in the shared temporary directory that is only chosen "
                      "(mktemp) or predictable (pid), never created: another local user creates that path first (a "
                      "symlink makes tarfile write through it, a file of theirs lets them swap the bundle's content "
                      "before it is moved into place); the fix creates the file atomically with mkstemp (0600)")


@hardneg(10)
def mod28s_bundle_pack_hn(c):
    kw = _bp_kw(c)
    core, pool = _bp_parts(c)
    code = _safe(c, c.pick(*_BP_DOCS), '$log = logging.getLogger("$tool.bundle")', core, pool, kw,
                 c.pick(*_BP_FIX)[1], lo=80, hi=108)
    return Spec(s=code, full=True, fw="script",
                notes="bundle utility: archive built in a mkstemp file, manifest through NamedTemporaryFile + os.replace, "
                      "extraction with realpath/commonpath containment and filter='data', TemporaryDirectory scratch, "
                      "SHA-256 digests compared with compare_digest")


# ---------------- CWE-22: object-store sync client, local path joined from the listed key ----------------

_SY_DOCS = [
    "$tool.sync: mirror a prefix of a $Store bucket into a local directory (download new or changed\n"
    "objects, optionally delete local files that are gone remotely).",
    "One-way sync from the $Store HTTP API to the local disk, used by ``$tool pull``. Downloads go to a\n"
    "temporary file in the target directory and are renamed into place once their SHA-256 matches.",
    "Client-side helpers of the $tool mirror: object listing, verified downloads and local bookkeeping.",
]


def _sy_kw(c):
    tool = c.pick("driftwood", "mirrorkit", "bucketeer", "syncline", "pullcord", "tidepool")
    store = c.pick("Cumulus", "Stratus", "Boxwood", "Vaultline")
    return dict(tool=tool, TOOL=tool.upper(), Store=store, log=c.pick("log", "logger", "_log"),
                host=c.pick("storage.", "objects.", "blob.") + store.lower() + c.pick(".com", ".net"),
                Err=c.pick("SyncError", "MirrorError"), tmo=c.pick("(5, 60)", "(3.05, 120)", "30.0"),
                chunk=c.pick("1 << 20", "256 * 1024"), page=c.pick(500, 1000), workers=c.pick(4, 8))


_SY_FIX = [("return os.path.join(root, rel)  #@V",
            "target = os.path.realpath(os.path.join(root, rel))\n"
            "    if os.path.commonpath([os.path.realpath(root), target]) != os.path.realpath(root):\n"
            "        raise $Err(f\"object key escapes the sync root: {key!r}\")\n"
            "    return target"),
           ("return str(Path(root) / rel)  #@V",
            "base = Path(root).resolve()\n"
            "    target = (base / rel).resolve()\n"
            "    if not target.is_relative_to(base):\n"
            "        raise $Err(f\"object key escapes the sync root: {key!r}\")\n"
            "    return str(target)")]


def _sy_parts(c):
    core = [
        P("base", rank=0, imp="import logging\nimport os\nimport requests",
          const='API_BASE = "https://$host/v1"\nDEFAULT_TIMEOUT = $tmo\nCHUNK = $chunk'),
        P("errors", rank=1, body='''
            class $Err(Exception):
                """A listing, download or local-path problem during a sync."""
        '''),
        P("listing", rank=2, imp="from collections.abc import Iterator\nfrom urllib.parse import quote", const="PAGE_SIZE = $page",
          body='''
            def iter_objects(session: requests.Session, bucket: str, prefix: str) -> Iterator[dict]:
                """Objects under ``prefix`` (name, size, sha256, updated), following the listing's page tokens."""
                url = f"{API_BASE}/buckets/{quote(bucket, safe='')}/objects"
                params = {"prefix": prefix, "limit": PAGE_SIZE}
                while True:
                    resp = session.get(url, params=params, timeout=DEFAULT_TIMEOUT)
                    resp.raise_for_status()
                    page = resp.json()
                    yield from page.get("items", [])
                    if not page.get("next_page_token"):
                        return
                    params["page_token"] = page["next_page_token"]
        '''),
        P("localpath", rank=1, imp="import os\nfrom pathlib import Path", body='''
            def local_path(root: str, key: str, prefix: str) -> str:
                """Where object ``key`` goes under ``root``: its name relative to the synced prefix."""
                rel = key[len(prefix):].lstrip("/")
                $FIX
        '''),
        P("download", rank=2, imp="import hashlib\nimport hmac\nimport os\nimport tempfile\nfrom urllib.parse import quote",
          body='''
            def download(session: requests.Session, bucket: str, obj: dict, dest: str) -> None:
                """Stream an object into a temporary file next to ``dest``; rename it once the SHA-256 matches."""
                os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
                url = f"{API_BASE}/buckets/{quote(bucket, safe='')}/objects/{quote(obj['name'], safe='')}/content"
                digest = hashlib.sha256()
                with session.get(url, stream=True, timeout=DEFAULT_TIMEOUT) as resp, tempfile.NamedTemporaryFile(
                        dir=os.path.dirname(dest) or ".", prefix=".part-", delete=False) as tmp:
                    resp.raise_for_status()
                    for chunk in resp.iter_content(CHUNK):
                        digest.update(chunk)
                        tmp.write(chunk)
                if not hmac.compare_digest(digest.hexdigest(), obj.get("sha256", "")):
                    os.unlink(tmp.name)
                    raise $Err(f"checksum mismatch for {obj['name']!r}")
                os.replace(tmp.name, dest)  #@V
        '''),
        P("sync", rank=3, needs=["download", "current"], body='''
            def sync(session: requests.Session, bucket: str, prefix: str, root: str) -> list[str]:
                """Download the objects under ``prefix`` that are missing or different locally; returns their paths."""
                fetched = []
                for obj in iter_objects(session, bucket, prefix):
                    if obj["name"].endswith("/"):
                        continue
                    dest = local_path(root, obj["name"], prefix)  #@S
                    if is_current(dest, obj):
                        continue
                    download(session, bucket, obj, dest)
                    fetched.append(dest)
                $log.info("synced %s/%s: %d file(s) fetched", bucket, prefix, len(fetched))
                return fetched
        '''),
    ]
    pool = [
        P("ignore", rank=1, imp="import fnmatch\nimport os", const='IGNORE_FILE = ".$toolignore"', body='''
            def load_ignore(root: str) -> list[str]:
                """Glob patterns from the root's ignore file (one per line, # comments); objects matching one are skipped."""
                try:
                    with open(os.path.join(root, IGNORE_FILE), encoding="utf-8") as fh:
                        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]
                except FileNotFoundError:
                    return []


            def ignored(rel: str, patterns: list[str]) -> bool:
                return any(fnmatch.fnmatch(rel, pattern) for pattern in patterns)
        '''),
        P("session", rank=1, imp="import os\nimport requests", body='''
            def open_session(token: str, ca_bundle: str | None = None) -> requests.Session:
                """Authenticated session; ``ca_bundle`` (or $TOOL_CA_BUNDLE) replaces the default trust store."""
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {token}"
                session.verify = ca_bundle or os.environ.get("$TOOL_CA_BUNDLE") or True
                return session
        '''),
        P("current", rank=1, imp="import os", body='''
            def is_current(path: str, obj: dict) -> bool:
                """Cheap up-to-date test: same size and not older than the remote object."""
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    return False
                return st.st_size == int(obj.get("size", -1)) and st.st_mtime >= float(obj.get("updated_ts", 0))
        '''),
        P("prune", rank=3, imp="import os", body='''
            def prune_local(root: str, keep: set[str], dry_run: bool = False) -> list[str]:
                """Delete files under ``root`` that the last listing did not return (paths come from os.walk)."""
                removed = []
                for dirpath, _dirs, files in os.walk(root):
                    for name in files:
                        path = os.path.join(dirpath, name)
                        if path not in keep and not name.startswith(".part-"):
                            removed.append(path)
                            if not dry_run:
                                os.remove(path)
                return removed
        '''),
        P("jitter", rank=1, imp="import random\nimport time", body='''
            def pause_before_retry(attempt: int, cap: float = 30.0) -> None:
                """Sleep with full jitter so that many mirrors restarting together spread their retries."""
                time.sleep(random.uniform(0, min(cap, 2 ** attempt)))
        '''),
        P("parallel", rank=3, needs=["current"], imp="from concurrent.futures import ThreadPoolExecutor",
          const="WORKERS = $workers", body='''
            def sync_parallel(session: requests.Session, bucket: str, prefix: str, root: str) -> int:
                """Like sync, with downloads spread over a small thread pool."""
                jobs = [(obj, local_path(root, obj["name"], prefix)) for obj in iter_objects(session, bucket, prefix)  #@S
                        if not obj["name"].endswith("/")]
                todo = [(obj, dest) for obj, dest in jobs if not is_current(dest, obj)]
                with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                    list(pool.map(lambda job: download(session, bucket, *job), todo))
                return len(todo)
        '''),
        P("state", rank=3, imp="import json\nimport os\nimport tempfile", body='''
            def save_state(root: str, state: dict) -> None:
                """Remember the last sync (time, object count) in .$tool-state.json, written atomically."""
                fd, tmp = tempfile.mkstemp(dir=root, prefix=".$tool-state-", suffix=".json")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(state, fh, indent=2, sort_keys=True)
                os.replace(tmp, os.path.join(root, ".$tool-state.json"))
        '''),
    ]
    return core, pool


@fam("mod28s-sync-client-listed-key-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod28s_sync_client(c):
    kw = _sy_kw(c)
    core, pool = _sy_parts(c)
    vfix, sfix = c.pick(*_SY_FIX)
    v, s = _pair(c, c.pick(*_SY_DOCS), '$log = logging.getLogger("$tool.sync")', core, pool, kw, vfix, sfix,
                 lo=84, hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="local_path joins the object name returned by the bucket listing under the sync root without a "
                      "containment check; object names are arbitrary strings, so an object named '<prefix>/../../"
                      ".bashrc' written by anyone who can write to the bucket is downloaded "
                      "outside the root; the fix resolves the path and refuses names that leave the root")


@hardneg(10)
def mod28s_sync_client_hn(c):
    kw = _sy_kw(c)
    core, pool = _sy_parts(c)
    code = _safe(c, c.pick(*_SY_DOCS), '$log = logging.getLogger("$tool.sync")', core, pool, kw, c.pick(*_SY_FIX)[1],
                 lo=84, hi=112)
    return Spec(s=code, full=True, fw="script",
                notes="object-store sync client: realpath/resolve containment of every local path, downloads through "
                      "NamedTemporaryFile + os.replace after a SHA-256 check with compare_digest, verify=CA bundle or "
                      "True, names quoted into the URL path, random only for retry jitter")
