"""Train-only whole-module families (libs23 internals set, mod23-*): modules shaped like the mature
internals of imaginary libraries (a test-fixtures library, an HTTP caching layer, a feature-flag SDK, a
cron-like job scheduler), weighted towards hard negatives: each family has one weak module (exactly one
weak statement among many safe ones) with its minimal fix as twin, and a ``@hardneg(10)`` builder that
assembles safe modules from the same pool of parts with other draws (``tempfile.mkdtemp`` fixture dirs,
seeded ``random.Random`` for reproducible fake data, md5 ETags with ``usedforsecurity=False``, sha1 cache
keys, md5 bucketing of flag rollouts, ``random`` event sampling and jitter, scheduler state kept as JSON
and written atomically).

- mod23-fixtures-tmpdir-predictable-name (377): the fixture-dir helper makes ``<tmp>/<lib>-<name>`` with
  ``exist_ok=True`` (a path another local user can pre-create or symlink); fixed with ``tempfile.mkdtemp``.
- mod23-httpcache-entry-signature-md5-mac (328): entries of a shared on-disk cache are "signed" with
  ``md5(secret + body)`` (a keyed plain hash, forgeable by length extension); fixed with HMAC-SHA256.
- mod23-flags-sdk-default-api-key-literal (798): the SDK's fallback server API key is a literal in the
  module; fixed by reading it from the environment (the client refuses to start without one).
- mod23-scheduler-state-pickle-shared-dir (502): the scheduler loads its run-state file from a shared
  state dir with pickle; fixed by keeping the state as JSON.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill, fixsubs, fill_each

_STDLIB = _web._STDLIB | {"atexit", "fcntl", "fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "queue",
                          "shlex", "shutil", "stat", "subprocess", "tempfile", "threading", "tomllib", "zlib",
                          "sched", "calendar", "email", "weakref", "heapq"}
compose, pair = _web.with_stdlib(_STDLIB)

_LIBS = ["pellet", "quillon", "marram", "tallow", "corvid", "lintel", "sheaf", "tamarack", "wherry", "skerry"]


def _safe_module(c, doc, logline, core, pool, kw, sfix, lo=78, hi=108):
    code = compose(c, doc, logline, core, pool, kw, lo=lo, hi=hi, subs=[fixsubs(sfix)])[0]
    return code.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-377: test-fixtures library, fixture dirs at a predictable temp path ----------------


def _fx_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                mk=c.pick("fixture_dir", "make_fixture_dir", "scratch_dir", "workdir_for"),
                seed=c.pick("1234", "20240101", "42", "8675309"), reg=c.pick("_CREATED", "_DIRS", "_OWNED_DIRS"),
                Rng=c.pick("FixtureRandom", "SeededData", "FakeData"))


def _fx_parts(c):
    ret = c.pick("str", "path")
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport tempfile\nfrom pathlib import Path"),
        P("consts", rank=0, const='''
            DEFAULT_SEED = int(os.environ.get("$LIB_SEED", "$seed"))
            KEEP_DIRS = os.environ.get("$LIB_KEEP_DIRS", "") == "1"
            $reg: list[str] = []
        '''),
        P("mk", rank=2, body='''
            def $mk(name: str) -> ''' + ("str" if ret == "str" else "Path") + ''':
                """A fresh directory for the fixture ``name``; removed by ``cleanup()`` unless ``$LIB_KEEP_DIRS=1``."""
                if not name.replace("-", "").replace("_", "").isalnum():
                    raise ValueError(f"fixture names are identifiers, got {name!r}")
                $FIX
                $reg.append(str(root))
                $log.debug("fixture %s -> %s", name, root)
                return ''' + ("str(root)" if ret == "str" else "Path(root)") + '''
        '''),
        P("cleanup", rank=3, imp="import shutil", body='''
            def cleanup() -> int:
                """Remove every directory handed out by ``$mk`` (in reverse order); returns how many."""
                if KEEP_DIRS:
                    $log.info("keeping %d fixture dirs", len($reg))
                    return 0
                removed = 0
                while $reg:
                    shutil.rmtree($reg.pop(), ignore_errors=True)
                    removed += 1
                return removed
        '''),
    ]
    pool = [
        P("rng", rank=1, imp="import random", body='''
            class $Rng:
                """Reproducible fake data: one ``random.Random`` per test, seeded from the test id."""

                WORDS = ("alpha", "bravo", "cedar", "delta", "ember", "fjord", "gale", "harbor")

                def __init__(self, test_id: str, seed: int = DEFAULT_SEED) -> None:
                    self.seed = f"{seed}:{test_id}"
                    self._rng = random.Random(self.seed)

                def word(self) -> str:
                    return self._rng.choice(self.WORDS)

                def amount(self, low: int = 1, high: int = 10_000) -> int:
                    return self._rng.randint(low, high)

                def rows(self, n: int) -> list[dict]:
                    return [{"id": i + 1, "name": self.word(), "amount": self.amount()} for i in range(n)]
        '''),
        P("shuffle", rank=3, imp="import random", body='''
            def shuffled(items: list, seed: int = DEFAULT_SEED) -> list:
                """A copy of ``items`` in an order that is stable for a given seed (test ordering checks)."""
                out = list(items)
                random.Random(seed).shuffle(out)
                return out
        '''),
        P("copy", rank=3, imp="import shutil", needs=["mk"], body='''
            def copy_fixture(src: str, name: str) -> str:
                """Copy the packaged fixture tree ``src`` into a fresh fixture dir and return its path."""
                dest = os.path.join(str($mk(name)), os.path.basename(src.rstrip(os.sep)))
                shutil.copytree(src, dest, symlinks=True)
                return dest
        '''),
        P("tmpfile", rank=3, body='''
            def scratch_file(suffix: str = ".txt", data: bytes = b"") -> str:
                """A private temporary file (mode 0600, created atomically by mkstemp) holding ``data``."""
                fd, path = tempfile.mkstemp(suffix=suffix, prefix="$lib-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                return path
        '''),
        P("env", rank=3, imp="from contextlib import contextmanager\nfrom typing import Iterator", body='''
            @contextmanager
            def patched_env(**values: str) -> Iterator[None]:
                """Set environment variables for the block and restore the previous values afterwards."""
                saved = {k: os.environ.get(k) for k in values}
                os.environ.update(values)
                try:
                    yield
                finally:
                    for k, old in saved.items():
                        if old is None:
                            os.environ.pop(k, None)
                        else:
                            os.environ[k] = old
        '''),
        P("atexit", rank=4, imp="import atexit", needs=["cleanup"], tail='''
            atexit.register(cleanup)
        '''),
        P("sample", rank=3, imp="import random", body='''
            def sample_ids(population: int, k: int, seed: int = DEFAULT_SEED) -> list[int]:
                """``k`` distinct ids from ``1..population``, the same ones for the same seed."""
                return sorted(random.Random(seed).sample(range(1, population + 1), k))
        '''),
    ]
    return core, pool


def _fx_fix(c):
    shape = c.pick("gettempdir", "literal", "pathlib", "envtmp")
    if shape == "literal":
        return ('root = f"/tmp/$lib-{name}"  #@V\n    os.makedirs(root, exist_ok=True)  #@V',
                'root = tempfile.mkdtemp(prefix=f"$lib-{name}-")')
    if shape == "pathlib":
        return ('root = Path(tempfile.gettempdir()) / f"$lib-{name}"  #@V\n    root.mkdir(parents=True, exist_ok=True)  #@V',
                'root = Path(tempfile.mkdtemp(prefix=f"$lib-{name}-"))')
    if shape == "envtmp":
        return ('root = os.path.join(os.environ.get("TMPDIR", "/tmp"), "$lib", name)  #@V\n'
                '    os.makedirs(root, exist_ok=True)  #@V',
                'root = tempfile.mkdtemp(prefix=f"$lib-{name}-")')
    return ('root = os.path.join(tempfile.gettempdir(), f"$lib-{name}")  #@V\n    os.makedirs(root, exist_ok=True)  #@V',
            'root = tempfile.mkdtemp(prefix=f"$lib-{name}-")')


_FX_DOCS = ["$lib.fixtures: scratch directories and reproducible fake data for test suites.",
            "Fixture helpers of the $lib testing toolkit: per-test directories, seeded random data, env patching.",
            "Temporary fixture directories for $lib tests, cleaned up at exit."]


@fam("mod23-fixtures-tmpdir-predictable-name", "CWE-377", fws=["script"], n=8, wrap=False)
def mod23_fixtures_tmpdir(c):
    kw = _fx_kw(c)
    core, pool = _fx_parts(c)
    weak, safe = _fx_fix(c)
    v, s = pair(c, c.pick(*_FX_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=72, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the fixture directory has a predictable name in the shared temp dir and is created with "
                      "exist_ok=True, so a directory (or symlink) another local user planted there first is "
                      "silently reused and the tests write into it; the fix creates a fresh private directory "
                      "with tempfile.mkdtemp (unique name, mode 0700)")


@hardneg(10)
def mod23_fixtures_tmpdir_hn(c):
    kw = _fx_kw(c)
    core, pool = _fx_parts(c)
    _, safe = _fx_fix(c)
    return Spec(s=_safe_module(c, c.pick(*_FX_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw), lo=72), full=True, fw="sdk",
                notes="fixture dirs from tempfile.mkdtemp, scratch files from mkstemp, random.Random seeded "
                      "on purpose for reproducible test data")


# ---------------- CWE-328: HTTP caching library, shared disk cache entries signed with md5 ----------------


def _hc_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                Store=c.pick("DiskCache", "SharedCacheStore", "FileCacheBackend"),
                sign=c.pick("_sign", "_entry_signature", "_seal"), ttl=c.pick("300", "600", "3600"),
                maxb=c.pick("2 * 1024 * 1024", "8 << 20", "1_000_000"))


def _hc_parts(c):
    core = [
        P("logging", rank=0, imp="import hashlib\nimport json\nimport logging\nimport os\nimport time"),
        P("consts", rank=0, const='''
            CACHE_DIR = os.environ.get("$LIB_CACHE_DIR", "/var/cache/$lib")
            DEFAULT_TTL = $ttl
            MAX_ENTRY_BYTES = $maxb
        '''),
        P("key", rank=1, body='''
            def cache_key(method: str, url: str, vary: dict[str, str] | None = None) -> str:
                """File name of a cached response: sha1 over method, URL and the Vary headers (not a secret)."""
                parts = [method.upper(), url] + [f"{k.lower()}={v}" for k, v in sorted((vary or {}).items())]
                return hashlib.sha1("\\n".join(parts).encode("utf-8")).hexdigest()
        '''),
        P("store", rank=2, imp="import base64\nimport hmac", needs=["key"], body='''
            class $Store:
                """Responses kept as JSON files under a group-writable directory that the worker processes of several
                service accounts share; each entry carries
                a signature so a file written by anything but this library is ignored."""

                def __init__(self, secret: bytes, directory: str = CACHE_DIR) -> None:
                    self._secret = secret
                    self.directory = directory
                    os.makedirs(directory, exist_ok=True)
                    os.chmod(directory, 0o2770)  # setgid, group-writable: shared by the worker accounts of the group

                def $sign(self, key: str, body: bytes) -> str:
                    $FIX

                def put(self, key: str, status: int, headers: dict, body: bytes, ttl: int = DEFAULT_TTL) -> None:
                    if len(body) > MAX_ENTRY_BYTES:
                        return
                    entry = {"status": status, "headers": headers, "expires": time.time() + ttl,
                             "body": base64.b64encode(body).decode("ascii"), "sig": self.$sign(key, body)}
                    tmp = os.path.join(self.directory, f".{key}.{os.getpid()}")
                    with open(tmp, "w", encoding="utf-8") as fh:
                        json.dump(entry, fh)
                    os.replace(tmp, os.path.join(self.directory, key))

                def get(self, key: str) -> dict | None:
                    try:
                        with open(os.path.join(self.directory, key), encoding="utf-8") as fh:
                            entry = json.load(fh)
                    except (OSError, ValueError):
                        return None
                    body = base64.b64decode(entry["body"])
                    if not hmac.compare_digest(entry.get("sig", ""), self.$sign(key, body)):
                        $log.warning("dropping cache entry %s with a bad signature", key)
                        return None
                    if entry["expires"] < time.time():
                        return None
                    entry["body"] = body
                    return entry
        '''),
    ]
    pool = [
        P("etag", rank=1, body='''
            def make_etag(body: bytes, weak: bool = False) -> str:
                """Strong (or weak) ETag of a body: a content fingerprint, not a security check."""
                tag = hashlib.md5(body, usedforsecurity=False).hexdigest()
                return f'W/"{tag}"' if weak else f'"{tag}"'
        '''),
        P("cc", rank=1, body='''
            def max_age(cache_control: str) -> int | None:
                """``max-age`` of a Cache-Control header, or None when the response must not be stored."""
                directives = [d.strip().lower() for d in cache_control.split(",") if d.strip()]
                if "no-store" in directives or "private" in directives:
                    return None
                for d in directives:
                    if d.startswith("max-age="):
                        value = d.split("=", 1)[1]
                        return int(value) if value.isdigit() else None
                return None
        '''),
        P("cond", rank=3, body='''
            def conditional_headers(entry: dict) -> dict[str, str]:
                """Revalidation headers for a stale entry (If-None-Match / If-Modified-Since)."""
                out = {}
                if "etag" in entry["headers"]:
                    out["If-None-Match"] = entry["headers"]["etag"]
                if "last-modified" in entry["headers"]:
                    out["If-Modified-Since"] = entry["headers"]["last-modified"]
                return out
        '''),
        P("purge", rank=3, body='''
            def purge_expired(directory: str = CACHE_DIR) -> int:
                """Delete entry files whose modification time is older than a day; returns the count."""
                cutoff = time.time() - 86400
                removed = 0
                for entry in os.scandir(directory):
                    if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                        removed += 1
                return removed
        '''),
        P("match", rank=3, body='''
            def etag_matches(if_none_match: str, etag: str) -> bool:
                """RFC 9110 weak comparison of an If-None-Match list against ``etag``."""
                if if_none_match.strip() == "*":
                    return True
                bare = etag.removeprefix("W/")
                return any(t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))
        '''),
    ]
    return core, pool


def _hc_fix(c):
    shape = c.pick("md5", "md5key", "sha1")
    if shape == "md5key":
        return ('return hashlib.md5(self._secret + key.encode() + b"\\0" + body).hexdigest()  #@V',
                'return hmac.new(self._secret, key.encode() + b"\\0" + body, hashlib.sha256).hexdigest()')
    if shape == "sha1":
        return ('return hashlib.sha1(self._secret + body).hexdigest()  #@V',
                'return hmac.new(self._secret, body, hashlib.sha256).hexdigest()')
    return ('return hashlib.md5(self._secret + body).hexdigest()  #@V',
            'return hmac.new(self._secret, body, hashlib.sha256).hexdigest()')


_HC_DOCS = ["$lib.cache: an on-disk HTTP response cache shared by worker processes.",
            "Storage backend of the $lib HTTP caching layer: ETags, cache keys and signed entry files.",
            "HTTP cache internals for $lib (RFC 9111 subset): keys, freshness, revalidation, disk store."]


@fam("mod23-httpcache-entry-signature-md5-mac", "CWE-328", fws=["script"], n=8, wrap=False)
def mod23_httpcache_sig(c):
    kw = _hc_kw(c)
    core, pool = _hc_parts(c)
    weak, safe = _hc_fix(c)
    v, s = pair(c, c.pick(*_HC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the entry signature that guards the shared cache directory is a plain hash of "
                      "secret + data (md5 / sha1 used as a MAC): weak, and open to length extension, so a "
                      "forged entry can carry a valid signature; the fix uses HMAC-SHA256. The md5 ETag and "
                      "the sha1 cache key are fingerprints, not security checks")


@hardneg(10)
def mod23_httpcache_sig_hn(c):
    kw = _hc_kw(c)
    core, pool = _hc_parts(c)
    _, safe = _hc_fix(c)
    return Spec(s=_safe_module(c, c.pick(*_HC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw)), full=True, fw="sdk",
                notes="md5 ETags with usedforsecurity=False and sha1 cache file names are fingerprints; "
                      "entries are authenticated with HMAC-SHA256 and compared with compare_digest")


# ---------------- CWE-798: feature-flag SDK with a literal fallback server API key ----------------


def _ff_kw(c):
    lib = c.pick(*_LIBS)
    key = "".join(c.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(28))
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                Client=c.pick("FlagClient", "FlagsClient", "RolloutClient"),
                K=c.pick("DEFAULT_API_KEY", "FALLBACK_API_KEY", "SERVER_API_KEY"),
                pre=c.pick("sk-live-", "sk-prod-", "sk-srv-"), keyval=key,
                host=c.pick(f"flags.{lib}.io", f"api.{lib}flags.com", f"edge.{lib}.dev"),
                rate=c.pick("0.01", "0.05", "0.1"), poll=c.pick("30", "60", "120"))


def _ff_parts(c):
    core = [
        P("logging", rank=0, imp="import hashlib\nimport logging\nimport os\nimport random\nimport requests"),
        P("consts", rank=0, const='''
            BASE_URL = os.environ.get("$LIB_BASE_URL", "https://$host/v2")
            $FIX
            EVENT_SAMPLE_RATE = float(os.environ.get("$LIB_EVENT_SAMPLE_RATE", "$rate"))
            BUCKETS = 10_000
        '''),
        P("bucket", rank=1, body='''
            def bucket(flag: str, user_id: str, salt: str = "") -> int:
                """Stable rollout bucket (0..9999) of a user for a flag: md5 spreads ids evenly, nothing secret."""
                digest = hashlib.md5(f"{salt}{flag}:{user_id}".encode(), usedforsecurity=False).hexdigest()
                return int(digest[:8], 16) % BUCKETS
        '''),
        P("client", rank=2, needs=["bucket"], body='''
            class $Client:
                """Fetches flag rules from the $lib service and evaluates them locally."""

                def __init__(self, api_key: str | None = None, timeout: float = 5.0) -> None:
                    self._api_key = api_key or $K
                    if not self._api_key:
                        raise RuntimeError("set $LIB_API_KEY or pass api_key=")
                    self._session = requests.Session()
                    self._session.headers["Authorization"] = f"Bearer {self._api_key}"
                    self._timeout = timeout
                    self._rules: dict[str, dict] = {}

                def refresh(self) -> None:
                    resp = self._session.get(f"{BASE_URL}/flags", timeout=self._timeout)
                    resp.raise_for_status()
                    self._rules = {r["key"]: r for r in resp.json().get("flags", [])}
                    $log.debug("loaded %d flag rules", len(self._rules))

                def enabled(self, flag: str, user_id: str, default: bool = False) -> bool:
                    rule = self._rules.get(flag)
                    if rule is None:
                        return default
                    if user_id in rule.get("allow", ()):
                        return True
                    return bucket(flag, user_id, rule.get("salt", "")) < int(rule.get("percent", 0) * 100)
        '''),
    ]
    pool = [
        P("sample", rank=3, body='''
            def should_record(sample_rate: float = EVENT_SAMPLE_RATE) -> bool:
                """Whether to send this evaluation event; statistical sampling, so ``random`` is fine."""
                return random.random() < sample_rate
        '''),
        P("backoff", rank=3, body='''
            def backoff(attempt: int, base: float = 1.0, cap: float = 60.0) -> float:
                """Full-jitter delay before polling again after a failed refresh."""
                return random.uniform(0, min(cap, base * 2 ** attempt))
        '''),
        P("poll", rank=4, imp="import threading\nimport time", needs=["client", "backoff"], body='''
            def start_polling(client: "$Client", interval: float = $poll) -> threading.Thread:
                """Refresh the rules in a daemon thread; failures back off with jitter."""
                def loop() -> None:
                    failures = 0
                    while True:
                        try:
                            client.refresh()
                            failures = 0
                            time.sleep(interval)
                        except requests.RequestException as exc:
                            failures += 1
                            $log.warning("flag refresh failed: %s", exc)
                            time.sleep(backoff(failures))

                thread = threading.Thread(target=loop, name="$lib-poller", daemon=True)
                thread.start()
                return thread
        '''),
        P("variant", rank=3, needs=["bucket"], body='''
            def pick_variant(flag: str, user_id: str, weights: dict[str, int]) -> str:
                """Deterministic A/B variant: the user's bucket falls into one of the weighted ranges."""
                total = sum(weights.values())
                point = bucket(flag, user_id) * total // BUCKETS
                for name, weight in sorted(weights.items()):
                    if point < weight:
                        return name
                    point -= weight
                return sorted(weights)[-1]
        '''),
        P("overrides", rank=3, imp="import json", body='''
            def local_overrides(path: str | None = None) -> dict[str, bool]:
                """Developer overrides from a JSON file (``$LIB_OVERRIDES``); booleans only."""
                path = path or os.environ.get("$LIB_OVERRIDES")
                if not path or not os.path.exists(path):
                    return {}
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                return {str(k): bool(v) for k, v in data.items() if isinstance(v, bool)}
        '''),
    ]
    return core, pool


def _ff_fix(c):
    return ('$K = "$pre$keyval"  #@V', '$K = os.environ.get("$LIB_API_KEY", "")')


_FF_DOCS = ["$lib: server-side feature flag SDK (rules fetched from the service, evaluated locally).",
            "Flag evaluation client of the $lib SDK: percentage rollouts, variants, event sampling.",
            "$lib.client: fetch, cache and evaluate feature-flag rules."]


@fam("mod23-flags-sdk-default-api-key-literal", "CWE-798", fws=["script"], n=8, wrap=False)
def mod23_flags_key(c):
    kw = _ff_kw(c)
    core, pool = _ff_parts(c)
    weak, safe = _ff_fix(c)
    v, s = pair(c, c.pick(*_FF_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=74, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the SDK ships a live server API key as the fallback for api_key: anyone with the "
                      "package (or the repository) can read every flag rule and act as the service's client; "
                      "the fix reads the key from the environment and the client refuses to start without one. "
                      "md5 bucketing and random sampling are not security uses")


@hardneg(10)
def mod23_flags_key_hn(c):
    kw = _ff_kw(c)
    core, pool = _ff_parts(c)
    _, safe = _ff_fix(c)
    return Spec(s=_safe_module(c, c.pick(*_FF_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw), lo=70), full=True, fw="sdk",
                notes="API key from the environment, md5 used only to bucket users, random for sampling "
                      "and jitter")


# ---------------- CWE-502: cron-like scheduler, run state loaded with pickle from a shared dir ----------------


def _sc_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                load=c.pick("load_state", "read_state", "_load_runs"), save=c.pick("save_state", "write_state", "_store_runs"),
                shared=c.pick(f"/srv/shared/{lib}", f"/var/spool/{lib}", f"/opt/{lib}/shared-state"),
                jit=c.pick("30", "15", "60"))


def _sc_parts(c, load_fix, save_fix):
    core = [
        P("logging", rank=0, imp="import json\nimport logging\nimport os\nimport pickle\nimport tempfile\nimport time"),
        P("consts", rank=0, const='''
            STATE_DIR = os.environ.get("$LIB_STATE_DIR", "$shared")
            STATE_FILE = os.path.join(STATE_DIR, "runs.state")
            MAX_JITTER = $jit
        '''),
        P("load", rank=2, body='''
            def $load(path: str = STATE_FILE) -> dict[str, float]:
                """Last run time (epoch seconds) per job name; empty when nothing ran yet."""
                if not os.path.exists(path):
                    return {}
                ''' + load_fix + '''
                return {str(k): float(v) for k, v in state.items()}
        '''),
        P("save", rank=2, body='''
            def $save(state: dict[str, float], path: str = STATE_FILE) -> None:
                """Write the state atomically: a temp file in the same directory, then ``os.replace``."""
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".runs-")
                ''' + save_fix + '''
                os.replace(tmp, path)
        '''),
    ]
    pool = [
        P("field", rank=1, body='''
            def parse_field(spec: str, low: int, high: int) -> set[int]:
                """One cron field (``*``, ``*/n``, ``a-b``, ``a,b``) as the set of values it allows."""
                out: set[int] = set()
                for part in spec.split(","):
                    step = 1
                    if "/" in part:
                        part, step_s = part.split("/", 1)
                        step = int(step_s)
                    if part == "*":
                        start, end = low, high
                    elif "-" in part:
                        start, end = (int(x) for x in part.split("-", 1))
                    else:
                        start = end = int(part)
                    if not low <= start <= end <= high or step < 1:
                        raise ValueError(f"bad cron field {spec!r}")
                    out.update(range(start, end + 1, step))
                return out
        '''),
        P("due", rank=3, imp="from datetime import datetime", needs=["field"], body='''
            def is_due(expr: str, now: datetime) -> bool:
                """Whether a five-field cron expression matches ``now`` (minute resolution)."""
                minute, hour, dom, month, dow = expr.split()
                return (now.minute in parse_field(minute, 0, 59) and now.hour in parse_field(hour, 0, 23)
                        and now.day in parse_field(dom, 1, 31) and now.month in parse_field(month, 1, 12)
                        and now.isoweekday() % 7 in parse_field(dow, 0, 6))
        '''),
        P("jitter", rank=3, imp="import random", body='''
            def start_delay(job: str) -> float:
                """Spread jobs that share a schedule over ``MAX_JITTER`` seconds (load spreading only)."""
                return random.uniform(0, MAX_JITTER)
        '''),
        P("run", rank=4, imp="import subprocess", needs=["load", "save"], body='''
            def run_job(name: str, argv: list[str], timeout: int = 3600) -> int:
                """Run one job's command (an argument list, no shell) and record when it ran."""
                started = time.time()
                result = subprocess.run(argv, timeout=timeout, check=False)
                state = $load()
                state[name] = started
                $save(state)
                $log.info("job %s exited %d after %.1fs", name, result.returncode, time.time() - started)
                return result.returncode
        '''),
        P("lock", rank=3, imp="import fcntl\nfrom contextlib import contextmanager\nfrom typing import Iterator", body='''
            @contextmanager
            def scheduler_lock(directory: str = STATE_DIR) -> Iterator[None]:
                """Exclusive lock so only one scheduler process ticks at a time."""
                with open(os.path.join(directory, "tick.lock"), "a") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(fh, fcntl.LOCK_UN)
        '''),
    ]
    return core, pool


def _sc_fix(c):
    shape = c.pick("load", "loads")
    if shape == "loads":
        vload = ('with open(path, "rb") as fh:\n        state = pickle.loads(fh.read())  #@V')
        sload = 'with open(path, encoding="utf-8") as fh:\n        state = json.loads(fh.read())'
    else:
        vload = 'with open(path, "rb") as fh:\n        state = pickle.load(fh)  #@V'
        sload = 'with open(path, encoding="utf-8") as fh:\n        state = json.load(fh)'
    vsave = 'with os.fdopen(fd, "wb") as fh:\n        pickle.dump(state, fh)'
    ssave = 'with os.fdopen(fd, "w", encoding="utf-8") as fh:\n        json.dump(state, fh, sort_keys=True)'
    return (vload, vsave), (sload, ssave)


_SC_DOCS = ["$lib.scheduler: cron-like job runner that remembers when each job last ran.",
            "Run-state persistence and cron matching for the $lib job scheduler.",
            "$lib: a small cron replacement; jobs are argument lists, state is one file per host group."]


def _sc_build(c, safe_only=False):
    kw = _sc_kw(c)
    weak, safe = _sc_fix(c)
    core, pool = _sc_parts(c, "$FIX", "$FIX2")
    return kw, core, pool, weak, safe


@fam("mod23-scheduler-state-pickle-shared-dir", "CWE-502", fws=["script"], n=8, wrap=False)
def mod23_scheduler_pickle(c):
    kw, core, pool, weak, safe = _sc_build(c)
    v, s = pair(c, c.pick(*_SC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill_each(weak, **kw), fill_each(safe, **kw), lo=70, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the run-state file lives in a state dir shared by the hosts/users of a group and is "
                      "read back with pickle: whoever can write that file runs code in every scheduler process "
                      "that loads it; the fix keeps the state (job name -> timestamp) as JSON")


@hardneg(10)
def mod23_scheduler_pickle_hn(c):
    kw, core, pool, _, safe = _sc_build(c)
    return Spec(s=_safe_module(c, c.pick(*_SC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill_each(safe, **kw), lo=70), full=True, fw="sdk",
                notes="state kept as JSON and written atomically via mkstemp + os.replace, jobs run as "
                      "argument lists, random only for start jitter")
