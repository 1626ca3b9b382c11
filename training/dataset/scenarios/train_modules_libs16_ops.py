"""Train-only whole-module operations-tooling families (libs16 set, mod16-*): a log shipper, a backup
agent, a media/package mirror worker, a metrics exporter and a device-provisioning service, each a
module of about 60-110 lines with exactly one weak statement, its twin with the minimal fix, and a
``@hardneg(10)`` builder of safe modules drawn from the same pool of parts.

- mod16-log-shipper-spool-perms (276): the shipper creates its spool FIFO with a world-accessible mode
  (``os.mkfifo(path, 0o666)``, or ``os.chmod(path, 0o666)`` right after creating it).
- mod16-mirror-sync-argv-option (77): a package-mirror admin endpoint passes the requested upstream
  module / member names to rsync or tar as positional arguments without ``--``, so ``-e``/``--rsh=`` or
  ``--checkpoint-action=exec=`` is read as an option.
- mod16-exporter-debug-hook (489): a metrics exporter starts ``debugpy.listen`` on all interfaces or
  installs a SIGUSR1 handler opening a ``RemotePdb`` on all interfaces, unconditionally.
- mod16-mirror-version-regex (1333): version / project-name validators with a quantified class inside a repeated group.
- mod16-backup-agent-secret-chmod (732): the repository password file is written and then chmod'ed
  0o644 / 0o664.
- mod16-provisioner-debug-default-on (215): a debug flag that dumps enrolment secrets into the log / the
  response defaults to on.

Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "platform", "posixpath", "queue", "shlex",
                          "shutil", "signal", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib", "gzip",
                          "selectors", "errno"}
compose, pair = _web.with_stdlib(_STDLIB)


def _kw(c, app):
    return dict(
        app=app, APP=app.upper().replace("-", "_"), log=c.pick("log", "logger"),
        root=c.pick(f"/var/lib/{app}", f"/srv/{app}", f"/opt/{app}/data"),
        run=c.pick(f"/run/{app}", f"/var/run/{app}"),
        bo_fn=c.pick("backoff_delay", "retry_delay", "jittered_delay"),
        sum_fn=c.pick("sha256_of", "file_digest", "checksum"),
        aw_fn=c.pick("atomic_write", "write_atomically", "replace_file"),
        hb_fn=c.pick("human_bytes", "fmt_size", "pretty_size"),
        stop=c.pick("STOP", "SHUTDOWN", "stop_event"),
        tries=c.pick(3, 4, 5), cap=c.pick("30.0", "60.0", "20.0"),
    )


def _pool(c):
    """Safe operations helpers shared by every family (fixed argv, mkstemp + replace, jitter)."""
    return [
        P("backoff", rank=1, imp="import random", body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with full jitter so that agents do not retry in lockstep."""
                return random.uniform(0, min($cap, 0.5 * 2 ** attempt))
        '''),
        P("digest", rank=1, imp="import hashlib\nfrom pathlib import Path", body='''
            def $sum_fn(path: Path, chunk: int = 1 << 20) -> str:
                """SHA-256 of a file, read in chunks."""
                h = hashlib.sha256()
                with path.open("rb") as fh:
                    for block in iter(lambda: fh.read(chunk), b""):
                        h.update(block)
                return h.hexdigest()
        '''),
        P("atomic", rank=1, imp="import os\nimport tempfile\nfrom pathlib import Path", body='''
            def $aw_fn(path: Path, data: bytes) -> None:
                """Write next to the target (mkstemp creates it 0o600) and rename over it."""
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name)
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, path)
                except BaseException:
                    os.unlink(tmp)
                    raise
        '''),
        P("human", rank=1, body='''
            def $hb_fn(n: float) -> str:
                for unit in ("B", "KiB", "MiB", "GiB"):
                    if n < 1024:
                        return f"{n:.1f} {unit}"
                    n /= 1024
                return f"{n:.1f} TiB"
        '''),
        P("term", rank=2, imp="import signal\nimport threading", const="$stop = threading.Event()", body='''
            def _on_term(signum, frame) -> None:
                """SIGTERM / SIGINT: finish the current batch, then exit."""
                $log.info("signal %d received, shutting down", signum)
                $stop.set()


            def install_signal_handlers() -> None:
                signal.signal(signal.SIGTERM, _on_term)
                signal.signal(signal.SIGINT, _on_term)
        '''),
        P("diskfree", rank=1, imp="import shutil\nfrom pathlib import Path", const=f"MIN_FREE_BYTES = {c.pick(1, 2, 5)} * 1024 ** 3",
          body='''
            def enough_space(path: Path) -> bool:
                """Refuse new work when the data volume is nearly full."""
                return shutil.disk_usage(path).free >= MIN_FREE_BYTES
        '''),
        P("version", rank=1, imp="import subprocess", body='''
            def tool_version(binary: str) -> str:
                """First line of ``binary --version`` (a fixed argument list, no shell)."""
                out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, check=False)
                return (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "unknown"
        '''),
    ]


def _doc(c, *opts):
    return c.pick(*opts)


# ---------------- CWE-276: log shipper creates its spool FIFO / directory world-writable ----------------


def _spool(c, hn=False):
    kw = _kw(c, c.pick("log-shipper", "logship", "vector-lite", "shipd"))
    kw.update(dest=c.pick("https://logs.example.com/ingest", "https://collector.internal.example.net/v1/logs"),
              batch=c.pick(200, 500, 1000))
    shape = c.pick("fifo", "fifochmod")
    if shape == "fifo":
        core_body = '''
            def open_spool(path: Path) -> int:
                """The named pipe local services write log lines into."""
                if not path.exists():
                    $FIX
                return os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        '''
        v, s = "os.mkfifo(path, 0o666)  #@V", "os.mkfifo(path, 0o600)"
        hv = "os.mkfifo(path, 0o620)"
    else:
        core_body = '''
            def open_spool(path: Path) -> int:
                """The named pipe local services (other users) write log lines into."""
                if not path.exists():
                    os.mkfifo(path, 0o600)
                    $FIX
                return os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        '''
        v, s = "os.chmod(path, 0o666)  #@V", "os.chmod(path, 0o620)"
        hv = "os.chmod(path, 0o620)"
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nfrom pathlib import Path",
          const='SPOOL = Path(os.environ.get("$APP_SPOOL", "$root/spool"))\nDEST = "$dest"\nBATCH = $batch'),
        P("spool", rank=2, body=core_body),
        P("ship", rank=3, needs=["backoff"], imp="import time\nimport requests", body='''
            def ship(lines: list[str]) -> bool:
                """POST one batch to the collector; retry transient failures with jitter."""
                for attempt in range($tries):
                    try:
                        resp = requests.post(DEST, data="\\n".join(lines).encode(), timeout=15)
                        if resp.status_code < 500:
                            return resp.ok
                    except requests.RequestException as exc:
                        $log.warning("ship failed (%s), attempt %d", type(exc).__name__, attempt + 1)
                    time.sleep($bo_fn(attempt))
                return False
        '''),
    ]
    doc = _doc(c, "Log shipper: reads lines from a local spool and posts them to the collector in batches.",
               "Forward local service logs to the central collector, spooling what cannot be sent yet.")
    logline = f'$log = logging.getLogger("{c.pick("shipper", "logship", "spool")}")'
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": fill(hv)}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, fill(v), fill(s), lo=60, hi=104)


@fam("mod16-log-shipper-spool-perms", "CWE-276", fws=["script"], n=8, wrap=False)
def mod16_spool_perms(c):
    v, s = _spool(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the spool FIFO is created with mode 0o666 (os.mkfifo; world-readable even under a 022 umask, "
                      "world-writable under a permissive one) or chmod'ed 0o666 after creation (umask does not apply), so "
                      "any local user can read the log lines or inject forged ones; the fix is 0o600 / group-write 0o620")


@hardneg(10)
def mod16_spool_perms_hn(c):
    return Spec(s=_spool(c, hn=True), full=True, fw="script",
                notes="the spool FIFO is created owner-only (group-write only for the log-writer group); files via mkstemp")


# ---------------- CWE-77: mirror admin endpoint puts requested names into rsync / tar argv without "--" ----------------


def _mirror(c, hn=False):
    kw = _kw(c, c.pick("pkg-mirror", "mirrord", "aptmirror", "wheelhouse"))
    kw.update(upstream=c.pick("rsync://mirror.example.org", "rsync://ftp.example.net/pub"))
    tool = c.pick("rsync", "tar")
    if tool == "rsync":
        body = '''
            @app.post("/push")
            def push():
                targets = request.form.getlist("target")  #@S
                if not targets:
                    abort(400, "target required")
                $FIX
                $log.info("pushed mirror to %s (rc=%d)", ", ".join(targets), proc.returncode)
                return jsonify(targets=targets, rc=proc.returncode), (200 if proc.returncode == 0 else 502)
        '''
        s = 'proc = subprocess.run(["rsync", "-a", "--delete", "--timeout=300", "--", f"{MIRROR_ROOT}/", *targets], capture_output=True, timeout=3600)'
        v = s.replace('"--", ', "") + "  #@V"
    else:
        body = '''
            @app.post("/snapshot")
            def snapshot():
                members = request.get_json(force=True).get("paths", [])  #@S
                if not members or not all(isinstance(m, str) for m in members):
                    abort(400, "paths must be a list of strings")
                archive = SNAP_ROOT / f"snapshot-{int(time.time())}.tar.gz"
                $FIX
                $log.info("snapshot %s: %d paths, rc=%d", archive.name, len(members), proc.returncode)
                return jsonify(archive=archive.name, rc=proc.returncode)
        '''
        s = 'proc = subprocess.run(["tar", "-czf", str(archive), "-C", str(MIRROR_ROOT), "--", *members], capture_output=True, timeout=1800)'
        v = s.replace('"--", ', "") + "  #@V"
    if hn and tool == "rsync" and c.pick(0, 1):
        s = s.replace('"--", ', "")
        body = body.replace("if not targets:", "if not targets or not all(TARGET_RE.fullmatch(t) for t in targets):")
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport re\nimport subprocess\nimport time\nfrom pathlib import Path\nfrom flask import Flask, abort, jsonify, request",
          const='MIRROR_ROOT = Path(os.environ.get("$APP_ROOT", "$root/mirror"))\nSNAP_ROOT = MIRROR_ROOT.parent / "snapshots"\nUPSTREAM = "$upstream"\nTARGET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{0,62}:/srv/mirror/?")',
          setup="app = Flask(__name__)"),
        P("ep", rank=3, body=body),
        P("health", rank=3, body='''
            @app.get("/healthz")
            def healthz():
                return jsonify(ok=MIRROR_ROOT.is_dir())
        '''),
    ]
    doc = _doc(c, "Package mirror admin API: trigger upstream syncs and snapshot the tree.",
               "Mirror maintenance endpoints (internal network only).")
    logline = f'$log = logging.getLogger("{c.pick("mirror", "mirror.admin")}")'
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": fill(s)}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, fill(v), fill(s), lo=60, hi=104)


@fam("mod16-mirror-sync-argv-option", "CWE-77", fws=["flask"], n=8, wrap=False)
def mod16_mirror_argv(c):
    v, s = _mirror(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="names from the request are positional arguments of rsync / tar with no '--' before them, so "
                      "a name like '-e sh -c ...' / '--rsh=...' or '--checkpoint-action=exec=...' is parsed as an option "
                      "that runs a command; the fix ends option parsing with '--'")


@hardneg(10)
def mod16_mirror_argv_hn(c):
    return Spec(s=_mirror(c, hn=True), full=True, fw="flask",
                notes="fixed argv lists with '--' before caller-chosen names, or names checked against an allow-pattern")


# ---------------- CWE-489: metrics exporter leaves a remote debugger hook on ----------------


def _exporter(c, hn=False):
    kw = _kw(c, c.pick("node-exporter-lite", "queue-exporter", "ups-exporter", "raid-exporter"))
    kw.update(port=c.pick(9100, 9187, 9419, 9633))
    shape = c.pick("debugpy", "rpdb")
    if shape == "debugpy":
        v = 'debugpy.listen(("0.0.0.0", 5678))  #@V'
        s = 'if os.environ.get("$APP_DEBUGPY") == "1":\n        debugpy.listen(("127.0.0.1", 5678))'
        hook = P("hook", rank=2, imp="import debugpy", body='''
            def maybe_debugger() -> None:
                """Developer hook for attaching an IDE."""
                $FIX
        ''')
    else:
        v = 'signal.signal(signal.SIGUSR1, lambda signum, frame: RemotePdb("0.0.0.0", 4444).set_trace(frame))  #@V'
        s = 'if os.environ.get("$APP_RPDB") == "1":\n        signal.signal(signal.SIGUSR1, lambda signum, frame: RemotePdb("127.0.0.1", 4444).set_trace(frame))'
        hook = P("hook", rank=2, imp="import signal\nfrom remote_pdb import RemotePdb", body='''
            def maybe_debugger() -> None:
                """SIGUSR1 drops into a debugger, for chasing hung collectors."""
                $FIX
        ''')
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport time\nfrom prometheus_client import Gauge, start_http_server",
          const='PORT = int(os.environ.get("$APP_PORT", "$port"))\nINTERVAL = int(os.environ.get("$APP_INTERVAL", "15"))\nUP = Gauge("source_up", "1 when the last scrape of the source worked")'),
        hook,
        P("collect", rank=3, needs=["term"], body='''
            def collect_once() -> None:
                try:
                    with open("/proc/loadavg", encoding="ascii") as fh:
                        float(fh.read().split()[0])
                    UP.set(1)
                except (OSError, ValueError):
                    $log.warning("collection failed", exc_info=True)
                    UP.set(0)


            def main() -> None:
                logging.basicConfig(level=logging.INFO)
                install_signal_handlers()
                maybe_debugger()
                start_http_server(PORT, addr="127.0.0.1")
                while not $stop.wait(INTERVAL):
                    collect_once()


            if __name__ == "__main__":
                main()
        '''),
    ]
    doc = _doc(c, "Prometheus exporter for the host; scraped by the local agent.",
               "Small metrics exporter: collect a few gauges and serve them on /metrics.")
    logline = f'$log = logging.getLogger("{c.pick("exporter", "metrics")}")'
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": fill(s, **kw)}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, fill(v, **kw), fill(s, **kw), lo=60, hi=104)


@fam("mod16-exporter-debug-hook", "CWE-489", fws=["script"], n=8, wrap=False)
def mod16_exporter_debug(c):
    v, s = _exporter(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the exporter always opens a remote debugger (debugpy / RemotePdb) on all interfaces, which "
                      "gives anyone reaching the port code execution; the fix opt-ins via env and binds localhost")


@hardneg(10)
def mod16_exporter_debug_hn(c):
    return Spec(s=_exporter(c, hn=True), full=True, fw="script",
                notes="the debugger hook is off unless an env var opts in, and binds only 127.0.0.1")


# ---------------- CWE-1333: mirror upload validator with nested quantifiers ----------------


_RX = [
    ('VERSION_RE = re.compile(r"^([0-9.]+)+(rc\\d+)?$")', 'VERSION_RE = re.compile(r"^[0-9.]{1,32}(rc\\d{1,3})?$")', "VERSION_RE"),
    ('NAME_RE = re.compile(r"^([a-z0-9_-]+)+$")', 'NAME_RE = re.compile(r"^[a-z0-9_-]{1,64}$")', "NAME_RE"),
    ('TAG_RE = re.compile(r"^([\\w.]+)+$")', 'TAG_RE = re.compile(r"^[\\w.]{1,128}$")', "TAG_RE"),
]


def _rx(c, hn=False):
    kw = _kw(c, c.pick("pkg-mirror", "wheelhouse", "artifact-cache"))
    v, s, name = c.pick(*_RX)
    kw.update(RX=name, ARG="version" if name == "VERSION_RE" else "name")
    core = [
        P("logging", rank=0, imp="import hashlib\nimport logging\nimport os\nimport re\nfrom pathlib import Path\nfrom flask import Flask, abort, jsonify, request",
          const='STORE = Path(os.environ.get("$APP_STORE", "$root/store"))\nMAX_UPLOAD = 512 * 1024 * 1024\n$FIX',
          setup="app = Flask(__name__)\napp.config[\"MAX_CONTENT_LENGTH\"] = MAX_UPLOAD"),
        P("ep", rank=3, needs=["digest"], body='''
            @app.put("/artifacts/<name>/<version>")
            def upload(name: str, version: str):
                if not $RX.match($ARG):
                    abort(400, "bad artifact label")
                target = STORE / hashlib.sha256(f"{name}/{version}".encode()).hexdigest()
                STORE.mkdir(mode=0o750, parents=True, exist_ok=True)
                target.write_bytes(request.get_data())
                $log.info("stored %s", target)
                return jsonify(sha256=$sum_fn(target)), 201
        '''),
    ]
    doc = _doc(c, "Artifact cache upload API.", "Accept artifact uploads for the internal mirror.")
    logline = f'$log = logging.getLogger("{c.pick("mirror.upload", "artifacts")}")'
    vv = v.replace("re.compile(", "re.compile(") + "  #@V"
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": s}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, vv, s, lo=60, hi=104)


@fam("mod16-mirror-version-regex", "CWE-1333", fws=["flask"], n=8, wrap=False)
def mod16_rx(c):
    v, s = _rx(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the validator for the URL's name / version nests a quantified character class in a repeated group "
                      "(([class]+)+), which backtracks exponentially on a long run followed by a bad character; the fix "
                      "is a single character class with a length cap")


@hardneg(10)
def mod16_rx_hn(c):
    return Spec(s=_rx(c, hn=True), full=True, fw="flask", notes="linear validators: one character class with a length cap")


# ---------------- CWE-732: backup agent writes the repository password, then chmods it readable ----------------


def _backup(c, hn=False):
    kw = _kw(c, c.pick("backup-agent", "resticd", "snapkeeper"))
    how = c.pick("os", "path", "fchmod")
    bad = c.pick("0o644", "0o664", "0o604")
    body = {
        "os": 'PASSWORD_FILE.write_text(password + "\\n", encoding="utf-8")\n$FIX',
        "path": 'PASSWORD_FILE.write_text(password + "\\n", encoding="utf-8")\n$FIX',
        "fchmod": 'with open(PASSWORD_FILE, "w", encoding="utf-8") as fh:\n    fh.write(password + "\\n")\n    $FIX',
    }[how]
    fix = {"os": "os.chmod(PASSWORD_FILE, {m})", "path": "PASSWORD_FILE.chmod({m})", "fchmod": "os.fchmod(fh.fileno(), {m})"}[how]
    v, s = fix.format(m=bad) + "  #@V", fix.format(m="0o600")
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport secrets\nimport subprocess\nfrom pathlib import Path",
          const='CONF = Path(os.environ.get("$APP_CONF", "/etc/$app"))\nPASSWORD_FILE = CONF / "repo.pass"\nREPO = os.environ.get("$APP_REPO", "s3:https://s3.example.com/backups")'),
        P("pw", rank=2, body='''
            def ensure_password() -> Path:
                """Create the restic repository password once; later runs reuse it."""
                if PASSWORD_FILE.exists():
                    return PASSWORD_FILE
                password = secrets.token_urlsafe(32)
                ''' + body.replace("\n", "\n                ") + '''
                $log.info("created repository password file %s", PASSWORD_FILE)
                return PASSWORD_FILE
        '''),
        P("run", rank=3, body='''
            def backup(paths: list[str]) -> int:
                pw = ensure_password()
                cmd = ["restic", "-r", REPO, "--password-file", str(pw), "backup", "--one-file-system", "--", *paths]
                return subprocess.run(cmd, check=False, timeout=6 * 3600).returncode
        '''),
    ]
    doc = _doc(c, "Nightly backup agent: restic to object storage.", "Backup agent wrapper around restic.")
    logline = f'$log = logging.getLogger("{c.pick("backup", "agent")}")'
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": s}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, v, s, lo=60, hi=104)


@fam("mod16-backup-agent-secret-chmod", "CWE-732", fws=["script"], n=8, wrap=False)
def mod16_backup_chmod(c):
    v, s = _backup(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the repository password is written and then chmod'ed group/world-readable, so local users can "
                      "read and decrypt every backup; the fix sets 0o600")


@hardneg(10)
def mod16_backup_chmod_hn(c):
    return Spec(s=_backup(c, hn=True), full=True, fw="script", notes="the password file is chmod'ed 0o600")


# ---------------- CWE-215: device provisioning logs enrolment secrets under a debug flag that defaults on ----------------


def _prov(c, hn=False):
    kw = _kw(c, c.pick("provisiond", "enroll-svc", "fleet-provision"))
    env = c.pick("PROVISION_DEBUG", "ENROLL_DEBUG", "DEBUG")
    v = f'DEBUG = os.environ.get("{env}", "1") == "1"  #@V'
    s = f'DEBUG = os.environ.get("{env}", "0") == "1"'
    out = c.pick("log", "resp")
    tail = ('    if DEBUG:\n                    $log.debug("enrolment %s: psk=%s claim=%s", serial, psk, claim)' if out == "log" else
            '    if DEBUG:\n                    body["debug"] = {"psk": psk, "claim": claim, "env": dict(os.environ)}')
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport secrets\nfrom flask import Flask, abort, jsonify, request",
          const='$FIX\nlogging.basicConfig(level=logging.DEBUG if DEBUG else logging.INFO)\nCLAIMS = {}', setup="app = Flask(__name__)"),
        P("ep", rank=3, body='''
            @app.post("/enroll")
            def enroll():
                data = request.get_json(force=True)
                serial, claim = str(data.get("serial", "")), str(data.get("claim", ""))
                if not secrets.compare_digest(CLAIMS.get(serial, "\\0"), claim):
                    abort(403)
                psk = secrets.token_hex(32)
                body = {"serial": serial, "psk": psk}
            ''' + tail + '''
                return jsonify(body)
        '''),
    ]
    doc = _doc(c, "Device provisioning: devices enrol with a claim code and receive their pre-shared key.",
               "Enrolment endpoint for new field devices.")
    logline = f'$log = logging.getLogger("{c.pick("provision", "enroll")}")'
    if hn:
        return compose(c, doc, logline, core, _pool(c), kw, lo=60, hi=104, subs=[{"$FIX": s}])[0]
    return pair(c, doc, logline, core, _pool(c), kw, v, s, lo=60, hi=104)


@fam("mod16-provisioner-debug-default-on", "CWE-215", fws=["flask"], n=8, wrap=False)
def mod16_prov_debug(c):
    v, s = _prov(c)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the debug switch that logs / returns the device PSK and claim code defaults to on when the env "
                      "var is unset; the fix defaults it off")


@hardneg(10)
def mod16_prov_debug_hn(c):
    return Spec(s=_prov(c, hn=True), full=True, fw="flask", notes="the debug switch defaults off")
