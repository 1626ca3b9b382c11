"""Train-only whole-module families weighted towards hard negatives (libs7 set): ordinary application
modules that are *not* web handlers -- an ETL loader on pandas and SQLAlchemy Core, an invoke
``tasks.py`` deployment script, an asyncio service with an aiohttp client, a Django management
command -- dense with
security-looking idioms used correctly (bound parameters, argv lists, ``shlex.quote``, sha256
checksums compared with ``hmac.compare_digest``, ``secrets`` tokens, ``yaml.safe_load``, json
instead of pickle, ``tempfile.NamedTemporaryFile`` + ``os.replace``, ``realpath`` + ``commonpath``
containment, credentials from the environment).

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal
fix as twin, and a ``@hardneg(10)`` builder that assembles SAFE modules from the same pool of
parts, so the modules differ in the set of functions they hold, not only in names. The composer
(``compose``/``pair``, ``P``, ``fill``) is the one of ``train_modules_safe_web``.

Covers: CWE-89 (``Connection.exec_driver_sql`` with a partner file name formatted into the SQL),
CWE-78 (invoke ``Context.run`` with a CI branch name unquoted), CWE-798 (aiohttp client with a
literal credential), CWE-22 (Django management command writing manifest paths under MEDIA_ROOT).
Written without reading the held-out or validation families; every family
here goes to train (generate.assign_splits).
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

# import grouping that knows the standard-library modules these modules import
_STDLIB = _web._STDLIB | {"glob", "io", "pickle", "shlex", "shutil", "stat", "subprocess", "tempfile"}
compose, pair = _web.with_stdlib(_STDLIB)


def _safe_modules(c, doc, logline, core, pool, kw, sfix):
    """One safe module from ``core`` + drawn ``pool`` parts, with ``$FIX`` tokens set to ``sfix``."""
    if isinstance(sfix, str):
        sfix = (sfix,)
    names = ["$FIX"] + [f"$FIX{i}" for i in range(2, len(sfix) + 1)]
    sub = dict(zip(names[::-1], sfix[::-1]))
    return compose(c, doc, logline, core, pool, kw, lo=80, hi=108, subs=[sub])[0]


# ---------------- shared pool: security-looking idioms used correctly ----------------


def _common(c):
    """Safe helper parts any of the modules may hold."""
    chunk = c.pick("1 << 16", "65536", "1024 * 1024")
    return [
        P("checksum", rank=1, imp="import hashlib\nimport hmac\nfrom pathlib import Path", body='''
            def $sum_fn(path: Path, expected_sha256: str) -> None:
                """Compare a downloaded artefact with its published sha256 before it is used."""
                digest = hashlib.sha256()
                with path.open("rb") as fh:
                    for block in iter(lambda: fh.read(''' + chunk + '''), b""):
                        digest.update(block)
                if not hmac.compare_digest(digest.hexdigest(), expected_sha256.strip().lower()):
                    raise ValueError(f"checksum mismatch for {path.name}")
        '''),
        P("runid", rank=1, imp="import secrets", body='''
            def $rid_fn() -> str:
                """Opaque id for one run; also used as an idempotency key upstream."""
                return secrets.token_urlsafe($nbytes)
        '''),
        P("yamlcfg", rank=1, imp="import os\nfrom pathlib import Path\nimport yaml",
          const='SETTINGS_FILE = Path(os.environ.get("$ENVP_SETTINGS", "$settings_file"))', body='''
            def $cfg_fn(path: Path = SETTINGS_FILE) -> dict:
                """Operator settings; safe_load builds plain dicts and lists only."""
                with path.open(encoding="utf-8") as fh:
                    data = yaml.safe_load(fh) or {}
                if not isinstance(data, dict):
                    raise ValueError(f"{path} must hold a mapping")
                return data
        '''),
        P("state", rank=1, imp="import json\nimport os\nimport tempfile\nfrom pathlib import Path", body='''
            def $save_fn(path: Path, state: dict) -> None:
                """Write the checkpoint atomically: a temp file in the same directory, then rename."""
                with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as tmp:
                    json.dump(state, tmp, sort_keys=True, default=str)
                    tmp.flush()
                    os.fsync(tmp.fileno())
                os.replace(tmp.name, path)


            def $load_fn(path: Path) -> dict:
                """The last checkpoint, or an empty one on the first run."""
                try:
                    return json.loads(path.read_text(encoding="utf-8"))
                except FileNotFoundError:
                    return {}
        '''),
        P("inside", rank=1, imp="import os", body='''
            def $in_fn(root: str, candidate: str) -> bool:
                """True when ``candidate`` resolves to a path under ``root`` (symlinks followed)."""
                root = os.path.realpath(root)
                return os.path.commonpath([root, os.path.realpath(candidate)]) == root
        '''),
        P("gitrev", rank=1, imp="import subprocess", body='''
            def $rev_fn() -> str:
                """Short commit of the checkout this runs from (fixed argv, no shell)."""
                out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
                return out.stdout.strip()
        '''),
        P("showcmd", rank=1, imp="import shlex", body='''
            def $show_fn(argv: list[str]) -> str:
                """A copy-pasteable rendering of ``argv`` for the log."""
                return " ".join(shlex.quote(part) for part in argv)
        '''),
        P("jitter", rank=1, imp="import random", const=f"RETRY_BASE = {c.pick(0.2, 0.5, 1.0)}", body='''
            def $jit_fn(attempt: int) -> float:
                """Backoff with jitter so that workers do not retry in lockstep."""
                return min(30.0, RETRY_BASE * 2 ** attempt) * random.uniform(0.5, 1.0)
        '''),
    ]


def _common_kw(c):
    return dict(
        sum_fn=c.pick("verify_sha256", "check_digest", "verify_download"),
        rid_fn=c.pick("new_run_id", "make_run_id", "run_token"),
        nbytes=c.pick(12, 16, 18),
        ENVP_SETTINGS=c.pick("APP_SETTINGS", "JOB_CONFIG", "SETTINGS_PATH"),
        settings_file=c.pick("settings.yaml", "config/job.yaml", "etc/app.yml"),
        cfg_fn=c.pick("load_settings", "read_config", "load_config"),
        save_fn=c.pick("save_checkpoint", "write_state", "store_state"),
        load_fn=c.pick("load_checkpoint", "read_state", "last_state"),
        in_fn=c.pick("is_within", "inside_root", "under_root"),
        rev_fn=c.pick("git_revision", "current_commit", "head_sha"),
        show_fn=c.pick("shell_repr", "describe_argv", "printable_cmd"),
        jit_fn=c.pick("retry_delay", "backoff", "jittered_wait"),
        log=c.pick("log", "logger"),
    )


# ---------------- CWE-89: pandas + SQLAlchemy Core ETL, exec_driver_sql with a partner file name ----------------


def _etl_kw(c):
    t = c.pick("shipments", "meter_readings", "orders", "claims", "returns")
    return dict(_common_kw(c), tbl=t, stg="staging_" + t,
                DROP=c.pick("PARTNER_DROP", "INBOX_DIR", "LANDING_DIR"),
                ingest_fn=c.pick("load_file", "ingest_file", "stage_file"),
                clean_fn=c.pick("normalise", "clean_frame", "tidy"),
                seen_fn=c.pick("already_loaded", "is_loaded", "seen_before"),
                key=c.pick("external_id", "reference", "record_no"))


def _etl_parts(c):
    cols = c.pick('["external_id", "amount", "currency", "booked_at"]', '["external_id", "amount", "booked_at"]')
    return [
        P("frame", rank=0, imp="import logging\nimport os\nfrom pathlib import Path\nimport sqlalchemy as sa",
          const='$DROP = Path(os.environ.get("$DROP", "/srv/etl/inbox"))\n'
                'engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True, future=True)\n'
                'metadata = sa.MetaData()\n'
                'runs = sa.Table("etl_runs", metadata, autoload_with=engine)'),
        P("clean", rank=1, imp="import pandas as pd", const="REQUIRED = " + cols, body='''
            def $clean_fn(frame: pd.DataFrame) -> pd.DataFrame:
                """Drop incomplete rows, coerce types and de-duplicate on the partner key."""
                missing = [col for col in REQUIRED if col not in frame.columns]
                if missing:
                    raise ValueError(f"missing columns: {missing}")
                frame = frame.dropna(subset=["$key"]).copy()
                frame["amount"] = pd.to_numeric(frame["amount"], errors="coerce").fillna(0)
                frame["booked_at"] = pd.to_datetime(frame["booked_at"], utc=True, errors="coerce")
                return frame.drop_duplicates(subset=["$key"], keep="last")
        '''),
        P("seen", rank=1, body='''
            def $seen_fn(conn: sa.Connection, name: str) -> bool:
                """Whether a file of that name was loaded before (bound parameter)."""
                query = sa.select(sa.func.count()).select_from(runs).where(runs.c.source_file == name)
                return conn.execute(query).scalar_one() > 0
        '''),
        P("record", rank=1, imp="from datetime import datetime, timezone", body='''
            def record_run(conn: sa.Connection, name: str, rows: int) -> None:
                conn.execute(
                    sa.insert(runs).values(source_file=name, row_count=rows, loaded_at=datetime.now(timezone.utc))
                )
        '''),
        P("latest", rank=1, body='''
            def latest_rows(conn: sa.Connection, since_id: int, limit: int = 500) -> list[dict]:
                """Rows for the downstream export; the SQL text has named placeholders only."""
                stmt = sa.text("SELECT * FROM $tbl WHERE id > :since ORDER BY id LIMIT :limit")
                return [dict(r._mapping) for r in conn.execute(stmt, {"since": since_id, "limit": limit})]
        '''),
    ]


def _etl_load(c):
    read = c.pick('pd.read_csv(path, dtype={"$key": "string"})', 'pd.read_csv(path, sep=";", dtype={"$key": "string"})',
                  'pd.read_excel(path, dtype={"$key": "string"})')
    glob = "*.xlsx" if "excel" in read else "*.csv"
    return P("load", rank=2, needs=["clean"], imp="import pandas as pd", body='''
        def $ingest_fn(path: Path) -> int:
            """Replace this file's rows in the staging table, then merge them into $tbl."""
            frame = $clean_fn(''' + read + ''').assign(source_file=path.name)
            with engine.begin() as conn:
                $FIX
                frame.to_sql("$stg", conn, if_exists="append", index=False, method="multi", chunksize=1000)
                conn.execute(sa.text("INSERT INTO $tbl SELECT * FROM $stg WHERE source_file = :name ON CONFLICT DO NOTHING"),
                             {"name": path.name})
            $log.info("loaded %d rows from %s", len(frame), path.name)
            return len(frame)


        def run() -> int:
            total = 0
            for path in sorted($DROP.glob("''' + glob + '''")):  #@S
                total += $ingest_fn(path)
            return total
    ''')


def _etl_fix(c):
    shape = c.pick("fstring", "percent", "format")
    v = {"fstring": '''conn.exec_driver_sql(f"DELETE FROM $stg WHERE source_file = '{path.name}'")  #@V''',
         "percent": '''conn.exec_driver_sql("DELETE FROM $stg WHERE source_file = '%s'" % path.name)  #@V''',
         "format": '''conn.exec_driver_sql("DELETE FROM $stg WHERE source_file = '{}'".format(path.name))  #@V'''}[shape]
    s = c.pick('conn.exec_driver_sql("DELETE FROM $stg WHERE source_file = %(name)s", {"name": path.name})',
               'conn.execute(sa.text("DELETE FROM $stg WHERE source_file = :name"), {"name": path.name})')
    return v, s


_ETL_DOCS = ("Nightly loader for the partner's $tbl drops: CSV files into staging, then merged.",
             "ETL job: partner $tbl files (pandas) into Postgres through SQLAlchemy Core.",
             "Loads $tbl exports dropped by the partner over SFTP into the warehouse.")


@fam("mod7-etl-exec-driver-sql-filename", "CWE-89", fws=["script", "script", "cli", "pipeline"], n=8, wrap=False)
def mod7_etl_sqli(c):
    kw = _etl_kw(c)
    parts = _etl_parts(c)
    core = [parts[0], _etl_load(c)]
    vfix, sfix = _etl_fix(c)
    v, s = pair(c, c.pick(*_ETL_DOCS), '$log = logging.getLogger("etl.$tbl")', core, parts[1:] + _common(c), kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=80, hi=108)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the staging cleanup formats the partner-chosen file name into the SQL passed to "
                      "exec_driver_sql (a quote in the name breaks out); every other statement binds parameters")


@hardneg(10)
def mod7_etl_sqli_hn(c):
    kw = _etl_kw(c)
    parts = _etl_parts(c)
    _, sfix = _etl_fix(c)
    core = [parts[0], _etl_load(c)] + ([parts[4]] if c.pick(0, 1) else [])
    code = _safe_modules(c, c.pick(*_ETL_DOCS), '$log = logging.getLogger("etl.$tbl")', core, parts[1:] + _common(c),
                         kw, fill(sfix, **kw))
    return Spec(s=code, full=True, fw=c.pick("script", "cli", "pipeline"),
                notes="pandas + SQLAlchemy Core loader: every statement binds parameters (text with :name, "
                      "exec_driver_sql with a parameter dict, Core select/insert)")


# ---------------- CWE-78: invoke tasks.py, CI branch name into Context.run unquoted ----------------


def _inv_kw(c):
    return dict(_common_kw(c), svc=c.pick("billing", "catalog", "notifier", "reports", "gateway"),
                ENVB=c.pick("GITHUB_HEAD_REF", "CI_COMMIT_REF_NAME", "BRANCH_NAME"),
                reg=c.pick("registry.example.com", "ghcr.io/example", "docker.example.net"),
                bvar=c.pick("branch", "ref", "git_ref"))


def _inv_parts(c):
    return [
        P("frame", rank=0, imp="import logging\nimport os\nimport shlex\nfrom invoke import Context, task",
          const='SERVICE = "$svc"\nREGISTRY = "$reg"'),
        P("build", rank=2, body='''
            @task
            def build(c: Context, tag: str = "latest") -> None:
                """Build and push the image; the tag is quoted for the shell invoke runs."""
                image = shlex.quote(f"{REGISTRY}/{SERVICE}:{tag}")
                c.run(f"docker build --pull -t {image} .", echo=True)
                c.run(f"docker push {image}", echo=True)
        '''),
        P("test", rank=2, body='''
            @task
            def test(c: Context, k: str = "") -> None:
                """Run the test suite; ``-k`` goes through shlex.quote."""
                selector = f" -k {shlex.quote(k)}" if k else ""
                c.run("python -m pytest -q" + selector, pty=True)
        '''),
        P("migrate", rank=2, body='''
            @task
            def migrate(c: Context) -> None:
                """Apply database migrations with the credentials from the environment."""
                with c.cd("backend"):
                    c.run("alembic upgrade head", env={"DATABASE_URL": os.environ["DATABASE_URL"]}, hide="stdout")
        '''),
        P("lint", rank=2, body='''
            @task
            def lint(c: Context) -> None:
                c.run("ruff check .", warn=True)
                c.run("mypy --strict src", warn=True)
        '''),
    ]


def _inv_deploy(c):
    step = c.pick("checkout", "log", "diff")
    line = {"checkout": 'c.run(f"git fetch origin {$FIX2} && git checkout {$FIX}", hide=True)',
            "log": 'notes = c.run(f"git log --oneline origin/main..origin/{$FIX}", hide=True).stdout',
            "diff": 'changed = c.run(f"git diff --name-only origin/main...origin/{$FIX}", hide=True).stdout'}[step]
    after = {"checkout": '$log.info("checked out %s", $bvar)',
             "log": '$log.info("deploying %d commits from %s", len(notes.splitlines()), $bvar)',
             "diff": '$log.info("%d files changed on %s", len(changed.splitlines()), $bvar)'}[step]
    return P("deploy", rank=3, body='''
        @task
        def deploy(c: Context, env: str = "staging") -> None:
            """Deploy the branch CI is building to ``env``."""
            if env not in ("staging", "production"):
                raise ValueError(f"unknown environment {env!r}")
            $bvar = os.environ.get("$ENVB", "main")  #@S
            ''' + line + '''  #@V
            ''' + after + '''
            c.run(f"helm upgrade --install {SERVICE} ./chart --namespace {env} --wait", hide=True)
    ''')


_INV_DOCS = ("Deployment tasks for the $svc service (invoke).", "tasks.py: build, test and deploy $svc from CI.",
             "invoke tasks used by the CI pipeline of $svc.")


@fam("mod7-invoke-ci-branch-unquoted", "CWE-78", fws=["cli", "script"], n=8, wrap=False)
def mod7_invoke_cmdi(c):
    kw = _inv_kw(c)
    parts = _inv_parts(c)
    dep = _inv_deploy(c)
    core = [parts[0], dep]
    bv = kw["bvar"]
    v, s = pair(c, c.pick(*_INV_DOCS), '$log = logging.getLogger("tasks")', core, parts[1:] + _common(c), kw,
                (bv, bv), (f"shlex.quote({bv})", f"shlex.quote({bv})"), lo=80, hi=104)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the branch name comes from the CI environment (a pull request chooses it) and is "
                      "formatted into the shell command invoke runs without shlex.quote")


@hardneg(10)
def mod7_invoke_cmdi_hn(c):
    kw = _inv_kw(c)
    parts = _inv_parts(c)
    dep = _inv_deploy(c)
    bv = kw["bvar"]
    core = [parts[0], dep] if c.pick(0, 1) else [parts[0], parts[1]]
    q = f"shlex.quote({bv})"
    code = _safe_modules(c, c.pick(*_INV_DOCS), '$log = logging.getLogger("tasks")', core, parts[1:] + _common(c), kw,
                         (q, q))
    return Spec(s=code, full=True, fw=c.pick("cli", "script"),
                notes="invoke tasks: fixed commands, every variable part shlex.quote-d, subprocess with argv lists")


# ---------------- CWE-798: asyncio service with an aiohttp client, one literal credential ----------------


def _aio_kw(c):
    return dict(_common_kw(c), api=c.pick("inventory", "ledger", "tracking", "pricing"),
                host=c.pick("api.partner.example.com", "erp.example.net", "sync.example.org"),
                user=c.pick("svc-sync", "integration", "etl-bot"),
                Client=c.pick("PartnerClient", "UpstreamClient", "SyncClient"),
                ENVPW=c.pick("PARTNER_PASSWORD", "UPSTREAM_PASSWORD", "SYNC_PASSWORD"),
                ENVTOK=c.pick("PARTNER_TOKEN", "UPSTREAM_API_TOKEN", "SYNC_TOKEN"),
                lit=c.pick("Spr1ng-Sync-2024", "p4rtner!feed", "S3cure#Sync77", "hunter2-prod"),
                tok=c.pick("9f8e7d6c5b4a39281706f5e4d3c2b1a0", "live_4kQ9zT2xV8mN1pR7sW3y", "tk_prod_7Hh2Lq9Zx4Vb"))


def _aio_parts(c, shape):
    auth = {"basic": "auth=$FIX", "bearer": 'headers={"Accept": "application/json", "Authorization": $FIX',
            "const": 'headers={"Authorization": f"Bearer {AUTH_TOKEN}", "Accept": "application/json"},'}[shape]
    const = 'BASE_URL = "https://$host"\nSERVICE_USER = "$user"'
    if shape == "const":
        const += "\n$FIX"
    return [
        P("frame", rank=0, imp="import asyncio\nimport logging\nimport os\nimport aiohttp", const=const),
        P("client", rank=2, body='''
            class $Client:
                """Thin async client; aiohttp verifies certificates by default (no ssl= override)."""

                def __init__(self, timeout: float = 30.0) -> None:
                    self._session = aiohttp.ClientSession(
                        base_url=BASE_URL,
                        ''' + auth + '''
                        timeout=aiohttp.ClientTimeout(total=timeout),
                        raise_for_status=True,
                    )

                async def items(self, since: str) -> list[dict]:
                    async with self._session.get("/v2/items", params={"updated_since": since, "limit": 500}) as resp:
                        return (await resp.json())["items"]

                async def ack(self, item_id: str) -> None:
                    async with self._session.post(f"/v2/items/{item_id}/ack", json={"by": SERVICE_USER}):
                        pass

                async def close(self) -> None:
                    await self._session.close()
        '''),
        P("main", rank=3, needs=["client"], body='''
            async def sync_once(client: $Client, since: str) -> int:
                items = await client.items(since)
                for item in items:
                    await client.ack(item["id"])
                $log.info("acknowledged %d $api items", len(items))
                return len(items)


            async def main() -> None:
                client = $Client()
                try:
                    await sync_once(client, os.environ.get("SYNC_SINCE", "1970-01-01T00:00:00Z"))
                finally:
                    await client.close()


            if __name__ == "__main__":
                asyncio.run(main())
        '''),
        P("health", rank=2, body='''
            async def wait_until_up(session: aiohttp.ClientSession, attempts: int = 5) -> None:
                """Poll the public health endpoint with a short timeout."""
                for attempt in range(attempts):
                    try:
                        async with session.get("/health", timeout=aiohttp.ClientTimeout(total=5)) as resp:
                            if resp.status == 200:
                                return
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(2 ** attempt)
                raise RuntimeError("upstream not reachable")
        '''),
    ]


def _aio_fix(shape):
    return {"basic": ('aiohttp.BasicAuth(login=SERVICE_USER, password="$lit"),  #@V',
                      'aiohttp.BasicAuth(login=SERVICE_USER, password=os.environ["$ENVPW"]),'),
            "bearer": ('"Bearer $tok"},  #@V', 'f"Bearer {os.environ[\'$ENVTOK\']}"},'),
            "const": ('AUTH_TOKEN = "$tok"  #@V', 'AUTH_TOKEN = os.environ["$ENVTOK"]')}[shape]


_AIO_DOCS = ("Async sync job for the partner's $api API (aiohttp).", "Pulls $api updates from the partner and acknowledges them.",
             "asyncio worker: $api changes from upstream, acknowledged item by item.")


@fam("mod7-aiohttp-client-literal-credential", "CWE-798", fws=["script", "pipeline"], n=8, wrap=False)
def mod7_aiohttp_secret(c):
    kw = _aio_kw(c)
    shape = c.pick("basic", "bearer", "const")
    parts = _aio_parts(c, shape)
    vfix, sfix = _aio_fix(shape)
    v, s = pair(c, c.pick(*_AIO_DOCS), '$log = logging.getLogger("$api.sync")', parts[:3], parts[3:] + _common(c), kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=80, hi=108)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the upstream credential is a literal in the source; the fix reads it from the environment")


@hardneg(10)
def mod7_aiohttp_secret_hn(c):
    kw = _aio_kw(c)
    shape = c.pick("basic", "bearer", "const")
    parts = _aio_parts(c, shape)
    _, sfix = _aio_fix(shape)
    code = _safe_modules(c, c.pick(*_AIO_DOCS), '$log = logging.getLogger("$api.sync")', parts[:3], parts[3:] + _common(c),
                         kw, fill(sfix, **kw))
    return Spec(s=code, full=True, fw=c.pick("script", "pipeline"),
                notes="aiohttp client with default TLS; user name is a constant, the password / token come from the environment")


# ---------------- CWE-22: Django management command writing manifest paths under MEDIA_ROOT ----------------


def _dj_kw(c):
    return dict(_common_kw(c), what=c.pick("theme assets", "course media", "catalogue images", "help articles"),
                MURL=c.pick("ASSET_MANIFEST_URL", "MEDIA_SYNC_MANIFEST", "CONTENT_MANIFEST_URL"),
                sub=c.pick("themes", "courses", "catalogue", "help"))


def _dj_parts(c, shape):
    dest = {"join": 'dest = os.path.join(root, entry["path"])',
            "safe_join": 'dest = os.path.join(root, entry["path"])',
            "pathlib": 'dest = os.path.join(root, *entry["path"].split("/"))'}[shape]
    return [
        P("frame", rank=0, imp="import logging\nimport os\nimport requests\nfrom django.conf import settings\n"
                               "from django.core.management.base import BaseCommand, CommandError\nfrom django.utils._os import safe_join"),
        P("cmd", rank=3, needs=["fetch"], body='''
            class Command(BaseCommand):
                help = "Download the published $what into MEDIA_ROOT/$sub."

                def add_arguments(self, parser) -> None:
                    parser.add_argument("--dry-run", action="store_true")

                def handle(self, *args, **options) -> None:
                    manifest = fetch_manifest(settings.$MURL)  #@S
                    root = os.path.join(settings.MEDIA_ROOT, "$sub")
                    written = 0
                    for entry in manifest["files"]:
                        $FIX
                        if options["dry_run"]:
                            self.stdout.write(f"would write {dest}")
                            continue
                        os.makedirs(os.path.dirname(dest), exist_ok=True)
                        with open(dest, "wb") as fh:  #@V
                            fh.write(download(entry["url"], entry["sha256"]))
                        written += 1
                    self.stdout.write(self.style.SUCCESS(f"{written} files written"))
        '''),
        P("fetch", rank=1, imp="import hashlib\nimport hmac", body='''
            def fetch_manifest(url: str) -> dict:
                """The manifest the content team publishes (JSON, never pickle)."""
                resp = requests.get(url, timeout=30)
                resp.raise_for_status()
                data = resp.json()
                if not isinstance(data.get("files"), list):
                    raise CommandError("manifest has no file list")
                return data


            def download(url: str, expected_sha256: str) -> bytes:
                resp = requests.get(url, timeout=60)
                resp.raise_for_status()
                if not hmac.compare_digest(hashlib.sha256(resp.content).hexdigest(), expected_sha256):
                    raise CommandError(f"checksum mismatch for {url}")
                return resp.content
        '''),
    ], dest


def _dj_fix(c, shape, dest):
    ind = " " * 12
    if shape == "safe_join":
        return dest + "  #@V", 'dest = safe_join(root, entry["path"])  # raises SuspiciousFileOperation outside root'
    check = c.pick('if os.path.commonpath([os.path.realpath(root), os.path.realpath(dest)]) != os.path.realpath(root):',
                   'if not os.path.realpath(dest).startswith(os.path.realpath(root) + os.sep):')
    return dest + "  #@V", dest + "\n" + ind + check + "\n" + ind + '    raise CommandError(f"refusing to write outside {root}: {entry[\'path\']!r}")'


_DJ_DOCS = ("Management command: sync the published $what into MEDIA_ROOT.", "manage.py sync_$sub: fetch $what listed in the manifest.",
            "Downloads $what from the content CDN and verifies their checksums.")


@fam("mod7-django-command-manifest-path", "CWE-22", fws=["django"], n=8, wrap=False)
def mod7_django_pt(c):
    kw = _dj_kw(c)
    shape = c.pick("join", "safe_join", "pathlib")
    parts, dest = _dj_parts(c, shape)
    vfix, sfix = _dj_fix(c, shape, dest)
    v, s = pair(c, c.pick(*_DJ_DOCS), '$log = logging.getLogger(__name__)', parts, _common(c), kw,
                fill(vfix, **kw), fill(sfix, **kw), lo=80, hi=108)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the manifest's relative path is joined under MEDIA_ROOT without a containment check "
                      "(../ or an absolute path escapes); the fix checks realpath containment or uses safe_join")


@hardneg(10)
def mod7_django_pt_hn(c):
    kw = _dj_kw(c)
    shape = c.pick("join", "safe_join", "pathlib")
    parts, dest = _dj_parts(c, shape)
    _, sfix = _dj_fix(c, shape, dest)
    code = _safe_modules(c, c.pick(*_DJ_DOCS), '$log = logging.getLogger(__name__)', parts, _common(c), kw, fill(sfix, **kw))
    return Spec(s=code, full=True, fw="django",
                notes="manifest paths are confined to MEDIA_ROOT (safe_join / realpath containment); downloads checksummed")
