"""Train-only whole-module families weighted towards hard negatives (libs29 ops set, mod29s-*): operations and
data scripts of the kind the model raises false alarms on (subprocess calls, file handling, hashing, HTTP): a git
hooks installer, a log shipper, a report generator job, a Prometheus-style probe exporter and a database backup /
rotation job. They are written the way careful maintainers write them and are dense with look-alike idioms used
correctly (``subprocess.run([...], check=True)`` of fixed programs with ``--`` before paths and hosts,
``shlex.quote`` only for a logged command line, ``tempfile.NamedTemporaryFile`` / ``mkstemp`` / ``TemporaryDirectory``
with ``os.replace``, ``os.open(..., 0o600)`` for credential files, parameterised SQL with view names from an allow
list, sha256 for content addressing, ``random`` for sampling and jitter, ``hmac.compare_digest``). Each family has
one weak module whose single weak statement is subtle, its minimal fix as twin, and a ``@hardneg(10)`` builder that
assembles safe modules from the same parts (the set of functions differs per module, not only the names):

- mod29s-githooks-manifest-hook-name-join (22): the installer resolves every script path of the repository's
  manifest inside the checkout, but joins the manifest's hook *name* onto the hooks directory unchecked, so a
  pull request's manifest (CI installs hooks on every checkout) writes a file anywhere the runner can write
  (``../../../.bashrc``, an absolute path); the fix checks the name against git's hook names (or the resolved
  parent).
- mod29s-log-shipper-collector-tls-unverified (295): a log shipper that signs each gzip'd batch with HMAC and
  sends it with a bearer token, but turns certificate verification off on its requests / httpx / urllib3 client,
  so anyone on the path reads the logs and the token; the fix verifies.
- mod29s-report-job-region-filter-spliced (89): a report worker whose view names come from an allow list and
  whose dates are bound, except the optional region filter of the request, pasted into the WHERE clause; the fix
  binds it.
- mod29s-probe-exporter-ping-shell-target (78): an exporter whose local collectors run fixed programs with
  argument lists, but whose /probe endpoint runs ping through a shell string built from the ``target`` query
  parameter; the fix passes an argument list with ``--``.
- mod29s-backup-job-dump-file-mode (732): a backup job that writes the database option file 0o600 in a private
  temporary directory, but creates the dump itself (the whole database) 0o644 in the backup directory; the fix
  creates it 0o600.

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"argparse", "collections", "contextlib", "csv", "datetime", "fnmatch", "glob", "gzip", "io",
                          "pathlib", "queue", "shlex", "tomllib", "shutil", "signal", "sqlite3", "ssl", "stat", "statistics",
                          "subprocess", "sys", "tempfile", "time", "typing", "urllib", "wsgiref", "http"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=82, hi=110)


# ---------------- CWE-22: git hooks installer, hook name from the repository's manifest joined unchecked ----------------

_HK_DOCS = [
    "Install the git hooks a repository declares in $manifest into its hooks directory.\n"
    "CI runs `$tool install` on every checkout (pull requests included); developers run it once per clone.",
    "$tool: copy the hook scripts listed in $manifest into the repository's hooks directory\n"
    "(atomic writes, executable, marked as ours so that uninstall only removes what it installed).\n"
    "The CI pipeline runs it on every pull-request checkout, forks included.",
    "Git hooks installer for the $org repositories. The scripts live in the repository itself; the manifest\n"
    "maps a git hook name to a script path inside the checkout. CI installs them on each pull-request checkout.",
]


def _hk_kw(c):
    tool = c.pick("hookctl", "githooks-sync", "hooksmith", "hookman", "hooksync")
    fmt = c.pick("json", "toml")
    manifest = c.pick(".githooks", ".hooks/manifest", "tools/git-hooks") + "." + fmt
    return dict(tool=tool, fmt=fmt, manifest=manifest,
                org=c.pick("acme", "northwind", "globex", "initech", "umbrella"), log=c.pick("log", "logger"),
                gtmo=c.pick(10, 15, 30), htmo=c.pick(60, 120, 300),
                hname=c.pick("name", "hook_name", "hook"))


_HK_V = "dest = hooks / $hname  #@V"
_HK_S = [
    'if $hname not in KNOWN_HOOKS:\n'
    '        raise ValueError(f"{$hname!r} is not a git hook name")\n'
    '    dest = hooks / $hname',
    'dest = (hooks / $hname).resolve()\n'
    '    if dest.parent != hooks.resolve():\n'
    '        raise ValueError(f"{$hname!r} would be installed outside {hooks}")',
]


def _hk_parts(c, kw):
    if kw["fmt"] == "json":
        manifest = P("manifest", rank=1, imp="import json\nfrom pathlib import Path", body='''
def load_manifest(repo: Path) -> list[dict]:
    """Entries of the manifest: {"hook": <git hook name>, "script": <path inside the checkout>}."""
    path = repo / MANIFEST_NAME
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8")).get("hooks", [])
    return [entry for entry in entries if isinstance(entry, dict)]
''')
    else:
        manifest = P("manifest", rank=1, imp="import tomllib\nfrom pathlib import Path", body='''
def load_manifest(repo: Path) -> list[dict]:
    """The [[hooks]] tables of the manifest (hook = git hook name, script = path inside the checkout)."""
    try:
        with (repo / MANIFEST_NAME).open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return []
    return [entry for entry in data.get("hooks", []) if isinstance(entry, dict)]
''')
    if c.pick(True, False):
        gitp = P("git", rank=1, imp="import subprocess\nfrom pathlib import Path", body='''
def hooks_dir(repo: Path) -> Path:
    """The hooks directory git uses for ``repo`` (worktrees and core.hooksPath included)."""
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "--git-path", "hooks"],
                          check=True, capture_output=True, text=True, timeout=$gtmo)
    path = Path(proc.stdout.strip())
    return path if path.is_absolute() else repo / path
''')
    else:
        gitp = P("git", rank=1, imp="import subprocess\nfrom pathlib import Path", body='''
def hooks_dir(repo: Path) -> Path:
    """<git common dir>/hooks, created if missing (git is run with an argument list)."""
    out = subprocess.check_output(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
                                  cwd=repo, text=True, timeout=$gtmo)
    hooks = Path(out.strip()) / "hooks"
    hooks.mkdir(exist_ok=True)
    return hooks
''')
    core = [manifest, gitp,
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="", const='''
MANIFEST_NAME = "$manifest"
MARKER = b"# installed-by: $tool"
KNOWN_HOOKS = frozenset("applypatch-msg pre-applypatch post-applypatch pre-commit prepare-commit-msg commit-msg "
                        "post-commit pre-rebase post-checkout post-merge pre-push post-rewrite pre-auto-gc".split())
'''),
        P("frame", rank=1, imp="import argparse\nimport logging\nimport sys\nfrom pathlib import Path\nfrom typing import Callable", body='''
COMMANDS: dict[str, Callable[[Path], int]] = {}


def command(name: str):
    """Register a sub-command that takes the repository path and returns an exit status."""
    def deco(fn):
        COMMANDS[name] = fn
        return fn
    return deco
''', tail='''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="$tool", description=__doc__)
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="repository checkout (default: cwd)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    return COMMANDS[args.command](args.repo)


if __name__ == "__main__":
    sys.exit(main())
''' if c.pick(True, False) else '''
def main() -> int:
    parser = argparse.ArgumentParser(prog="$tool", description=__doc__)
    parser.add_argument("--repo", type=Path, default=Path("."))
    parser.add_argument("command", nargs="?", default="install", choices=sorted(COMMANDS))
    ns = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    return COMMANDS[ns.command](ns.repo.resolve())


if __name__ == "__main__":
    raise SystemExit(main())
'''),
        P("repo_file", rank=1, imp="from pathlib import Path", body='''
def repo_file(repo: Path, relative: str) -> Path:
    """A file of the checkout named by the manifest; the resolved path must stay inside the repository."""
    root = repo.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ValueError(f"{relative!r} is not a file of the repository")
    return path
'''),
        P("install_one", rank=2, imp="import hashlib\nimport os\nimport tempfile\nfrom pathlib import Path", body='''
def install_hook(repo: Path, hooks: Path, entry: dict) -> Path:
    """Copy one script into the hooks directory: temporary file next to it, mode 0o755, then rename."""
    $hname = str(entry.get("hook", ""))  #@S
    $FIX
    body = repo_file(repo, str(entry.get("script", ""))).read_bytes()
    if not body.startswith(b"#!"):
        raise ValueError(f"{$hname}: the script must start with a #! line")
    shebang, _, rest = body.partition(b"\\n")
    body = shebang + b"\\n" + MARKER + b"\\n" + rest
    with tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".hook-", delete=False) as tmp:
        tmp.write(body)
    os.chmod(tmp.name, 0o755)
    os.replace(tmp.name, dest)
    $log.info("installed %s (sha256 %s)", $hname, hashlib.sha256(body).hexdigest()[:12])
    return dest
'''),
        P("install_all", rank=3, imp="", body='''
@command("install")
def install(repo: Path) -> int:
    """Install every hook of the manifest; a bad entry stops the run."""
    hooks = hooks_dir(repo)
    entries = load_manifest(repo)
    for entry in entries:
        install_hook(repo, hooks, entry)
    $log.info("%d hook(s) installed into %s", len(entries), hooks)
    return 0
'''),
    ]
    pool = [
        P("uninstall", rank=3, imp="", body='''
@command("uninstall")
def uninstall(repo: Path) -> int:
    """Remove the hooks we installed; hooks written by hand are left alone."""
    hooks = hooks_dir(repo)
    for hook in sorted(KNOWN_HOOKS):
        path = hooks / hook
        if path.is_file() and MARKER in path.read_bytes()[:512]:
            path.unlink()
            $log.info("removed %s", hook)
    return 0
'''),
        P("status", rank=3, imp="import hashlib\nimport stat", body='''
@command("status")
def status(repo: Path) -> int:
    """One line per installed hook: mode, owner (ours or not) and a short checksum."""
    hooks = hooks_dir(repo)
    for hook in sorted(KNOWN_HOOKS):
        path = hooks / hook
        if path.is_file():
            mode = stat.filemode(path.stat().st_mode)
            data = path.read_bytes()
            owner = "ours" if MARKER in data[:512] else "local"
            print(f"{hook:20} {mode} {owner:5} {hashlib.sha256(data).hexdigest()[:12]}")
    return 0
'''),
        P("verify", rank=3, imp="import hashlib", body='''
@command("verify")
def verify(repo: Path) -> int:
    """Exit 1 when an installed hook differs from the manifest's script (then run install again)."""
    hooks, stale = hooks_dir(repo), 0
    for entry in load_manifest(repo):
        hook = str(entry.get("hook", ""))
        if hook not in KNOWN_HOOKS:
            continue
        expected = repo_file(repo, str(entry.get("script", ""))).read_bytes()
        installed = hooks / hook
        if not installed.is_file() or MARKER not in installed.read_bytes():
            stale += 1
        elif hashlib.sha256(installed.read_bytes().replace(MARKER + b"\\n", b"", 1)).hexdigest() != \\
                hashlib.sha256(expected).hexdigest():
            stale += 1
    $log.info("%d stale hook(s)", stale)
    return 1 if stale else 0
'''),
        P("lint", rank=3, imp="import shutil\nimport subprocess", body='''
@command("lint")
def lint(repo: Path) -> int:
    """Run shellcheck on the manifest's shell scripts, when it is installed (argument list, '--')."""
    if shutil.which("shellcheck") is None:
        $log.warning("shellcheck not found; nothing checked")
        return 0
    scripts = [str(repo_file(repo, str(e.get("script", "")))) for e in load_manifest(repo)]
    scripts = [s for s in scripts if s.endswith(".sh")]
    if not scripts:
        return 0
    return subprocess.run(["shellcheck", "--severity=warning", "--", *scripts], check=False, timeout=$htmo).returncode
'''),
        P("run", rank=3, imp="import subprocess\nimport os", body='''
@command("run-pre-commit")
def run_pre_commit(repo: Path) -> int:
    """Run the installed pre-commit hook once, as git would (cwd = top of the work tree)."""
    hook = hooks_dir(repo) / "pre-commit"
    if not hook.is_file() or not os.access(hook, os.X_OK):
        $log.info("no executable pre-commit hook")
        return 0
    return subprocess.run([str(hook)], cwd=repo, check=False, timeout=$htmo).returncode
'''),
        P("hookspath", rank=3, imp="import subprocess", body='''
@command("check-config")
def check_config(repo: Path) -> int:
    """Warn when core.hooksPath is set locally: git would then ignore the hooks directory we write to."""
    proc = subprocess.run(["git", "-C", str(repo), "config", "--local", "--get", "core.hooksPath"],
                          capture_output=True, text=True, check=False, timeout=$gtmo)
    if proc.returncode == 0 and proc.stdout.strip():
        $log.warning("core.hooksPath is %s; hooks are read from there", proc.stdout.strip())
        return 1
    return 0
'''),
    ]
    return core, pool


@fam("mod29s-githooks-manifest-hook-name-join", "CWE-22", fws=["cli"], n=8, wrap=False)
def mod29s_hooks(c):
    kw = _hk_kw(c)
    core, pool = _hk_parts(c, kw)
    v, s = _pair(c, c.pick(*_HK_DOCS), '$log = logging.getLogger("$tool")', core, pool, kw, _HK_V, c.pick(*_HK_S),
                 hi=112)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the installer resolves each script path of the repository's manifest inside the checkout, but "
                      "joins the manifest's hook name onto the hooks directory unchecked; CI runs the installer on every "
                      "pull-request checkout, so a manifest entry named '../../../.bashrc' or an absolute path writes "
                      "the PR's script anywhere the runner can write; the fix accepts only git's hook names (or checks "
                      "the resolved parent)")


@hardneg(10)
def mod29s_hooks_hn(c):
    kw = _hk_kw(c)
    core, pool = _hk_parts(c, kw)
    code = _safe(c, c.pick(*_HK_DOCS), '$log = logging.getLogger("$tool")', core, pool, kw, c.pick(*_HK_S), hi=112)
    return Spec(s=code, full=True, fw="cli",
                notes="git hooks installer: hook names checked against git's list, script paths resolved inside the "
                      "checkout, git / shellcheck run with argument lists and '--', NamedTemporaryFile + os.replace, "
                      "hooks 0o755, sha256 checksums")


# ---------------- CWE-295: log shipper, certificate verification off on the collector client ----------------

_LS_DOCS = [
    "Ship new lines of the $svc logs to the central collector ($collector): gzip'd NDJSON batches,\n"
    "HMAC-signed, with the read offsets kept in a state file so a restart resumes where it stopped.",
    "$app: tail the $svc log files and forward them in batches to the log collector. Batches that cannot\n"
    "be sent are read again on the next run (systemd timer, every minute).",
    "Log forwarder for $svc hosts. Runs as the $app service user; the bearer token and the signing key come\n"
    "from the environment (systemd credentials).",
]


def _ls_kw(c):
    app = c.pick("logfwd", "shiplog", "tailpost", "logcourier", "driftwood")
    svc = c.pick("nginx", "billing", "gateway", "orders", "scheduler", "auth")
    return dict(app=app, APP=app.upper(), svc=svc, log=c.pick("log", "logger"),
                collector=c.pick("logs.", "collector.", "ingest.") + c.pick("corp.example.net", "acme-ops.io",
                                                                            "northwind.internal"),
                batch=c.pick(500, 1000, 2000), keep=c.pick(200, 500, 1000), tries=c.pick(3, 4, 5))


_LS_CLIENTS = {
    "requests": ('''
def make_client() -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {os.environ['$APP_TOKEN']}",
                            "Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"})
    return session


def send(client: requests.Session, body: bytes, batch_id: str) -> None:
    """POST one batch; the collector de-duplicates on the batch id, so a retry is harmless."""
    resp = client.post(COLLECTOR_URL, data=body, headers={"X-Batch-Id": batch_id, "X-Signature": sign(body)},
                       $FIX
    resp.raise_for_status()
''', "import os\nimport requests", "requests.RequestException",
        "timeout=(3.05, 30), verify=False)  #@V",
        ["timeout=(3.05, 30))", 'timeout=(3.05, 30), verify=os.environ.get("$APP_CA_BUNDLE", True))']),
    "httpx": ('''
def make_client() -> httpx.Client:
    return httpx.Client(
        headers={"Authorization": f"Bearer {os.environ['$APP_TOKEN']}", "Content-Encoding": "gzip"},
        timeout=httpx.Timeout(30.0, connect=3.0),
        $FIX
    )


def send(client: httpx.Client, body: bytes, batch_id: str) -> None:
    """POST one batch; the collector de-duplicates on the batch id, so a retry is harmless."""
    client.post(COLLECTOR_URL, content=body,
                headers={"X-Batch-Id": batch_id, "X-Signature": sign(body)}).raise_for_status()
''', "import os\nimport httpx", "httpx.HTTPError",
        "verify=False,  #@V", ["verify=True,", 'verify=os.environ.get("$APP_CA_BUNDLE", True),']),
    "urllib3": ('''
def make_client() -> urllib3.PoolManager:
    return urllib3.PoolManager(
        $FIX
        timeout=urllib3.Timeout(connect=3.0, read=30.0),
        retries=False,
    )


def send(client: urllib3.PoolManager, body: bytes, batch_id: str) -> None:
    """POST one batch with the bearer token; any status other than 2xx counts as a failure."""
    resp = client.request("POST", COLLECTOR_URL, body=body, headers={
        "Authorization": f"Bearer {os.environ['$APP_TOKEN']}", "Content-Encoding": "gzip",
        "X-Batch-Id": batch_id, "X-Signature": sign(body)})
    if not 200 <= resp.status < 300:
        raise urllib3.exceptions.HTTPError(f"collector answered {resp.status}")
''', "import os\nimport certifi\nimport urllib3", "urllib3.exceptions.HTTPError",
        'cert_reqs="CERT_NONE",  #@V', ['cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),',
                                        'cert_reqs="CERT_REQUIRED",']),
}


def _ls_parts(c, lib):
    body, limp, lerr, _v, _s = _LS_CLIENTS[lib]
    redact = c.pick(True, False)
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
COLLECTOR_URL = "https://$collector/v1/ingest"
STATE_PATH = Path(os.environ.get("$APP_STATE", "/var/lib/$app/offsets.json"))
LOG_DIR = Path("/var/log/$svc")
BATCH_LINES = $batch
RETRIES = $tries
'''),
        P("sign", rank=1, imp="import hashlib\nimport hmac\nimport os", body='''
def sign(body: bytes) -> str:
    """HMAC-SHA256 of the compressed batch with the shared signing key (hex)."""
    return hmac.new(os.environ["$APP_SIGNING_KEY"].encode(), body, hashlib.sha256).hexdigest()
'''),
        P("client", rank=2, imp=limp, body=body),
        P("state", rank=1, imp="import json\nimport os\nimport tempfile", body='''
def load_state() -> dict:
    return json.loads(STATE_PATH.read_text()) if STATE_PATH.exists() else {}


def save_state(state: dict) -> None:
    """mkstemp in the state directory (mode 0o600), then an atomic rename over the old file."""
    fd, tmp = tempfile.mkstemp(dir=STATE_PATH.parent, prefix=".offsets-")
    with os.fdopen(fd, "w") as fh:
        json.dump(state, fh)
    os.replace(tmp, STATE_PATH)
'''),
        P("read", rank=1, imp="import os\nimport re\nimport socket\nfrom pathlib import Path", const=(
            'SECRETS = re.compile(r"(?i)\\b(passw(?:or)?d|token|secret|api_?key)=[^&\\s]+")' if redact else ""),
          body='''
def read_new(path: Path, state: dict) -> list[dict]:
    """Lines appended since the stored offset; a new inode or a shorter file means the log was rotated."""
    st = os.stat(path)
    inode, offset = state.get(path.name, (st.st_ino, 0))
    if inode != st.st_ino or offset > st.st_size:
        offset = 0
    with path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read()
    state[path.name] = (st.st_ino, offset + len(data))
    host = socket.gethostname()
    return [{"file": path.name, "host": host, "line": ''' + (
              'SECRETS.sub(r"\\1=***", line)' if redact else "line") + '''}
            for line in data.decode("utf-8", "replace").splitlines() if line]
'''),
        P("encode", rank=1, imp="import gzip\nimport hashlib\nimport json", body='''
def encode(records: list[dict]) -> tuple[bytes, str]:
    """gzip'd NDJSON and its SHA-256 (the batch id the collector de-duplicates on)."""
    raw = "".join(json.dumps(r, separators=(",", ":")) + "\\n" for r in records).encode()
    body = gzip.compress(raw, mtime=0)
    return body, hashlib.sha256(body).hexdigest()
'''),
        P("main", rank=3, imp="import random\nimport time\n" + limp, body='''
def ship_once() -> int:
    """One pass over the log files. Offsets are saved only once every batch went out, so a failed run
    is read again next time (the collector drops batches it already has)."""
    state, client, shipped = load_state(), make_client(), 0
    for path in sorted(LOG_DIR.glob("*.log")):
        records = read_new(path, state)
        for start in range(0, len(records), BATCH_LINES):
            body, batch_id = encode(records[start:start + BATCH_LINES])
            for attempt in range(RETRIES):
                try:
                    send(client, body, batch_id)
                    break
                except ''' + lerr + ''' as exc:
                    if attempt == RETRIES - 1:
                        raise
                    $log.warning("batch %s: attempt %d failed (%s)", batch_id[:12], attempt + 1, exc)
                    time.sleep(min(30, 2 ** attempt) + random.uniform(0, 1))
        shipped += len(records)
    save_state(state)
    return shipped
'''),
    ]
    pool = [
        P("lag", rank=4, imp="", body='''
def lag_bytes() -> dict[str, int]:
    """Bytes not yet shipped per file (for the node exporter's textfile collector)."""
    state = load_state()
    return {path.name: max(0, path.stat().st_size - state.get(path.name, (0, 0))[1])
            for path in sorted(LOG_DIR.glob("*.log"))}
'''),
        P("sample", rank=4, imp="import random", body='''
def sample_for_debug(records: list[dict], k: int = 5) -> list[dict]:
    """A few random records of a batch for the --debug output (random is fine: nothing depends on it)."""
    return random.sample(records, min(k, len(records)))
'''),
        P("journal", rank=4, imp="import json\nimport subprocess", body='''
def read_journal(unit: str, cursor: str | None) -> tuple[list[dict], str | None]:
    """Entries of a systemd unit after ``cursor`` (journalctl with an argument list, no shell)."""
    argv = ["journalctl", "--unit", unit, "--output=json", "--no-pager", "--show-cursor"]
    if cursor:
        argv += ["--after-cursor", cursor]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=60).stdout
    entries, last = [], cursor
    for line in out.splitlines():
        if line.startswith("-- cursor: "):
            last = line.removeprefix("-- cursor: ")
        elif line.strip():
            entries.append({"unit": unit, "line": json.loads(line).get("MESSAGE", "")})
    return entries, last
'''),
        P("compress", rank=4, imp="import gzip\nimport os\nimport shutil\nimport tempfile", body='''
def compress_rotated() -> None:
    """gzip the rotated ``*.log.1`` files once they are shipped (temporary file, then rename)."""
    for path in sorted(LOG_DIR.glob("*.log.1")):
        with path.open("rb") as src, tempfile.NamedTemporaryFile(dir=LOG_DIR, delete=False) as tmp:
            with gzip.GzipFile(fileobj=tmp, mode="wb") as gz:
                shutil.copyfileobj(src, gz)
        os.replace(tmp.name, path.with_name(path.name + ".gz"))
        path.unlink()
'''),
        P("disk", rank=4, imp="import shutil", body='''
def state_disk_ok(min_free_mb: int = 50) -> bool:
    """Refuse to run when the state volume is nearly full (a torn offsets file means re-sending)."""
    free = shutil.disk_usage(STATE_PATH.parent).free // (1024 * 1024)
    if free < min_free_mb:
        $log.error("only %d MiB free under %s", free, STATE_PATH.parent)
    return free >= min_free_mb
'''),
        P("entry", rank=5, imp="import argparse\nimport logging\nimport sys", tail='''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ship new log lines to the collector.")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    $log.info("%d line(s) shipped", ship_once())
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''),
    ]
    return core, pool


@fam("mod29s-log-shipper-collector-tls-unverified", "CWE-295", fws=["script"], n=8, wrap=False)
def mod29s_shipper(c):
    kw = _ls_kw(c)
    lib = c.pick(*_LS_CLIENTS)
    core, pool = _ls_parts(c, lib)
    _b, _i, _e, vfix, sfixes = _LS_CLIENTS[lib]
    v, s = _pair(c, c.pick(*_LS_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, vfix, c.pick(*sfixes),
                 hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the log shipper signs every batch with HMAC and sends it with a bearer token, but its " + lib +
                      " client does not verify the collector's certificate, so anyone on the network path can pose as "
                      "the collector and read the logs and the bearer token (the HMAC only proves the batch to the "
                      "collector); the fix verifies against the system or a configured CA bundle")


@hardneg(10)
def mod29s_shipper_hn(c):
    kw = _ls_kw(c)
    lib = c.pick(*_LS_CLIENTS)
    core, pool = _ls_parts(c, lib)
    code = _safe(c, c.pick(*_LS_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, c.pick(*_LS_CLIENTS[lib][4]),
                 hi=112)
    return Spec(s=code, full=True, fw="script",
                notes="log shipper: TLS verified (default or CA bundle), HMAC-SHA256 batch signature, sha256 batch ids, "
                      "mkstemp / NamedTemporaryFile + os.replace, secrets masked in lines, random only for retry jitter "
                      "and debug sampling, bearer token from the environment")


# ---------------- CWE-89: report worker, the optional region filter pasted into the WHERE clause ----------------

_RP_DOCS = [
    "Report worker for $app: turns the export requests queued by the web UI into CSV files.\n"
    "View names come from the REPORTS allow list; the dates are bound parameters.",
    "$app reports: run one queued export request (report kind, period, optional region), write the CSV\n"
    "under a content-addressed name and record the run.",
    "Background exports of the $app dashboards (daily revenue, refunds, sign-ups) to CSV.",
]


def _rp_kw(c):
    app = c.pick("ledgerview", "tallyho", "metricsdesk", "sumup", "brightbooks")
    db = c.pick("sqlite", "pg")
    return dict(app=app, APP=app.upper(), db=db, ph="?" if db == "sqlite" else "%s", log=c.pick("log", "logger"),
                maxd=c.pick(92, 186, 366), keepd=c.pick(14, 30, 60), prev=c.pick(5, 10, 20),
                rvar=c.pick("region", "region_code", "area"))


_RP_V = [
    'sql += f" AND region = \'{$rvar}\'"  #@V',
    'sql += " AND region = \'{}\'".format($rvar)  #@V',
    'sql += " AND region = \'" + $rvar + "\'"  #@V',
]
_RP_S = ['sql += " AND region = $ph"\n        params.append($rvar)',
         'sql += " AND region = $ph"\n        params += [$rvar]']


def _rp_parts(c, kw):
    if kw["db"] == "sqlite":
        connect = P("connect", rank=1, imp="import os\nimport sqlite3\nfrom collections.abc import Iterator\n"
                                            "from contextlib import contextmanager",
                    const='DB_PATH = os.environ.get("$APP_DB", "/srv/$app/warehouse.sqlite3")', body='''
@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, timeout=30)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
''')
        ctype = "sqlite3.Connection"
    else:
        connect = P("connect", rank=1, imp="import os\nimport psycopg", body='''
def connect() -> psycopg.Connection:
    """A read/write connection to the warehouse (commits when the with-block exits cleanly)."""
    return psycopg.connect(os.environ["$APP_WAREHOUSE_DSN"], connect_timeout=10)
''')
        ctype = "psycopg.Connection"
    dbimp = "import sqlite3" if kw["db"] == "sqlite" else "import psycopg"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
OUT_DIR = Path(os.environ.get("$APP_REPORT_DIR", "/srv/$app/reports"))
MAX_DAYS = $maxd
REPORTS = {
    "revenue": ("daily_revenue", ("day", "region", "orders", "revenue_cents")),
    "refunds": ("daily_refunds", ("day", "region", "refunds", "refunded_cents")),
    "signups": ("daily_signups", ("day", "region", "signups", "activated")),
}
'''),
        connect,
        P("period", rank=1, imp="from datetime import date", body='''
def parse_period(job: dict) -> tuple[str, str]:
    """[since, until) as ISO dates; at most MAX_DAYS long."""
    since = date.fromisoformat(job["since"])
    until = date.fromisoformat(job.get("until") or date.today().isoformat())
    if not since < until or (until - since).days > MAX_DAYS:
        raise ValueError(f"bad period {since}..{until}")
    return since.isoformat(), until.isoformat()
'''),
        P("fetch", rank=2, imp=dbimp, body='''
def fetch_rows(conn: ''' + ctype + ''', kind: str, since: str, until: str, $rvar: str | None) -> list[tuple]:
    """Rows of one report: view and columns from REPORTS, dates bound, oldest first."""
    view, columns = REPORTS[kind]
    sql = f"SELECT {', '.join(columns)} FROM {view} WHERE day >= $ph AND day < $ph"
    params: list = [since, until]
    if $rvar:
        $FIX
    return conn.execute(sql + " ORDER BY day, region", params).fetchall()  #@V
'''),
        P("write", rank=1, imp="import csv\nimport hashlib\nimport io\nimport os\nimport tempfile\nfrom pathlib import Path",
          body='''
def write_csv(columns: tuple[str, ...], rows: list[tuple]) -> Path:
    """Write the CSV under the SHA-256 of its content (same request, same file) via a temporary file."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    data = buf.getvalue().encode()
    dest = OUT_DIR / f"{hashlib.sha256(data).hexdigest()[:24]}.csv"
    with tempfile.NamedTemporaryFile(dir=OUT_DIR, prefix=".part-", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, dest)
    return dest
'''),
        P("run", rank=3, imp="", body='''
def run_job(job: dict) -> Path:
    """One export request queued by the web UI's Export button (JSON: id, report, since, until, region)."""
    kind = job["report"]
    if kind not in REPORTS:
        raise ValueError(f"unknown report {kind!r}")
    since, until = parse_period(job)
    $rvar = (job.get("region") or "").strip() or None  #@S
    with connect() as conn:
        rows = fetch_rows(conn, kind, since, until, $rvar)
        conn.execute("INSERT INTO report_runs (job_id, report, row_count) VALUES ($ph, $ph, $ph)",
                     (job["id"], kind, len(rows)))
    path = write_csv(REPORTS[kind][1], rows)
    $log.info("job %s: %s, %d row(s) -> %s", job["id"], kind, len(rows), path.name)
    return path
'''),
    ]
    pool = [
        P("link", rank=2, imp="import hashlib\nimport hmac\nimport os\nimport time",
          const='LINK_KEY = os.environ["$APP_LINK_KEY"].encode()', body='''
def download_token(name: str, expires: int) -> str:
    return hmac.new(LINK_KEY, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()


def check_download(name: str, expires: int, token: str) -> bool:
    """Signed download links: not expired and the HMAC matches (constant-time comparison)."""
    return expires > time.time() and hmac.compare_digest(download_token(name, expires), token)
'''),
        P("preview", rank=2, imp="import random", body='''
def preview(rows: list[tuple], job_id: str, k: int = $prev) -> list[tuple]:
    """A reproducible random sample of the rows for the e-mail preview (seeded by the job id)."""
    return random.Random(job_id).sample(rows, min(k, len(rows)))
'''),
        P("regions", rank=2, imp=dbimp, body='''
def known_regions(conn: ''' + ctype + ''', kind: str) -> list[str]:
    """Region codes present in a report's view (the UI's drop-down); the view name is from REPORTS."""
    view = REPORTS[kind][0]
    return [row[0] for row in conn.execute(f"SELECT DISTINCT region FROM {view} ORDER BY region")]
'''),
        P("purge", rank=2, imp="import time", body='''
def purge_old(days: int = $keepd) -> int:
    """Delete report files older than ``days`` (only *.csv directly under OUT_DIR)."""
    cutoff, removed = time.time() - days * 86400, 0
    for path in OUT_DIR.glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
'''),
        P("history", rank=2, imp=dbimp, body='''
def recent_runs(conn: ''' + ctype + ''', kind: str, limit: int = 20) -> list[tuple]:
    """The last runs of one report kind, newest first (both values bound)."""
    return conn.execute(
        "SELECT job_id, row_count, created_at FROM report_runs WHERE report = $ph ORDER BY created_at DESC LIMIT $ph",
        (kind, limit),
    ).fetchall()
'''),
        P("consume", rank=5, imp="import json\nimport queue", tail='''
def consume(jobs: queue.Queue) -> None:
    """Worker loop: one JSON request per message; a bad request is logged and skipped."""
    while (raw := jobs.get()) is not None:
        try:
            run_job(json.loads(raw))
        except (KeyError, ValueError) as exc:
            $log.warning("skipping export request: %s", exc)
        finally:
            jobs.task_done()
'''),
    ]
    return core, pool


@fam("mod29s-report-job-region-filter-spliced", "CWE-89", fws=["pipeline"], n=8, wrap=False)
def mod29s_report(c):
    kw = _rp_kw(c)
    core, pool = _rp_parts(c, kw)
    vfix = c.pick(*_RP_V)
    v, s = _pair(c, c.pick(*_RP_DOCS), '$log = logging.getLogger("$app.reports")', core, pool, kw, vfix,
                 c.pick(*_RP_S))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the report worker takes view names and columns from an allow list and binds the dates, but "
                      "pastes the request's optional region filter into the WHERE clause in quotes; the request comes "
                      "from the web UI, so a region like x' OR '1'='1 or a UNION reads other views; the fix binds it")


@hardneg(10)
def mod29s_report_hn(c):
    kw = _rp_kw(c)
    core, pool = _rp_parts(c, kw)
    code = _safe(c, c.pick(*_RP_DOCS), '$log = logging.getLogger("$app.reports")', core, pool, kw, c.pick(*_RP_S))
    return Spec(s=code, full=True, fw="pipeline",
                notes="report worker: view names and columns from an allow list in f-strings, every value bound, "
                      "sha256 content-addressed CSV via NamedTemporaryFile + os.replace, HMAC download links checked "
                      "with compare_digest, random only for a preview sample")


# ---------------- CWE-78: probe exporter, ping run through a shell string built from the target parameter ----------------

_EX_DOCS = [
    "Prometheus exporter for the $svc hosts: /metrics (disk, load, service state) and /probe?target=<host>\n"
    "(ICMP reachability, in the style of the blackbox exporter).",
    "$app: host metrics and ping probes in the Prometheus text format. Every collector runs a fixed program\n"
    "with an argument list.",
    "Small metrics exporter ($app) scraped by Prometheus every 30 s; /probe pings the target it is given.",
]


def _ex_kw(c):
    app = c.pick("pingwatch", "hostprobe", "nodelet", "beacon-exporter", "sonar")
    svc = c.pick("edge", "billing", "mqtt", "ingest", "storage")
    return dict(app=app, APP=app.upper().replace("-", "_"), svc=svc, log=c.pick("log", "logger"),
                port=c.pick(9115, 9200, 9310, 9464), count=c.pick(3, 4, 5), wait=c.pick(1, 2), tvar=c.pick(
                    "target", "host", "dest"))


_EX_V = [
    ('cmd = f"ping -c {PING_COUNT} -W {PING_WAIT} {$tvar}"  #@V',
     'proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=PING_TIMEOUT)  #@V'),
    ('cmd = "ping -c %d -W %d %s" % (PING_COUNT, PING_WAIT, $tvar)  #@V',
     'proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=PING_TIMEOUT)  #@V'),
    ('cmd = " ".join(["ping", "-c", str(PING_COUNT), "-W", str(PING_WAIT), $tvar])  #@V',
     'proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=PING_TIMEOUT)  #@V'),
]
_EX_S = [
    ('cmd = ["ping", "-c", str(PING_COUNT), "-W", str(PING_WAIT), "--", $tvar]',
     'proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PING_TIMEOUT)'),
]

_EX_SAMPLE = r'''
def sample(name: str, value: float, **labels: object) -> str:
    """One line of the Prometheus text format; label values escaped as the format requires."""
    if not labels:
        return f"{name} {value}"
    pairs = ",".join(
        '{}="{}"'.format(k, str(v).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"'))
        for k, v in sorted(labels.items())
    )
    return f"{name}{{{pairs}}} {value}"
'''

_EX_PROBE = r'''
def probe($tvar: str) -> list[str]:
    """Ping the target PING_COUNT times: probe_success, the average round trip, the probe's duration."""
    started = time.monotonic()
    $FIX
    $FIX2
    match = RTT.search(proc.stdout)
    ok = proc.returncode == 0 and match is not None
    return [
        sample("probe_success", int(ok), target=$tvar),
        sample("probe_icmp_rtt_seconds", float(match.group(1)) / 1000 if ok else 0.0, target=$tvar),
        sample("probe_duration_seconds", round(time.monotonic() - started, 3), target=$tvar),
    ]
'''

_EX_FRAMES = {
    "http.server": (r'''
class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/metrics":
            lines = [line for collect in COLLECTORS for line in collect()]
        elif url.path == "/probe":
            $tvar = parse_qs(url.query).get("target", [""])[0].strip()  #@S
            if not $tvar:
                self.send_error(400, "target parameter is required")
                return
            lines = probe($tvar)
        else:
            self.send_error(404)
            return
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args) -> None:
        $log.debug("%s " + fmt, self.address_string(), *args)
''', "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\nfrom urllib.parse import parse_qs, urlsplit",
        r'''
def main() -> None:
    logging.basicConfig(level=logging.INFO)
    ThreadingHTTPServer(("", int(os.environ.get("$APP_PORT", "$port"))), Handler).serve_forever()


if __name__ == "__main__":
    main()
'''),
    "flask": (r'''
app = Flask(__name__)


def text(lines: list[str]) -> Response:
    return Response("\n".join(lines) + "\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@app.get("/metrics")
def metrics() -> Response:
    return text([line for collect in COLLECTORS for line in collect()])


@app.get("/probe")
def probe_view() -> Response:
    $tvar = request.args.get("target", "").strip()  #@S
    if not $tvar:
        abort(400, "target parameter is required")
    return text(probe($tvar))
''', "from flask import Flask, Response, abort, request", r'''
if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(host="0.0.0.0", port=int(os.environ.get("$APP_PORT", "$port")))
'''),
}


def _ex_parts(c, frame):
    fbody, fimp, ftail = _EX_FRAMES[frame]
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const='''
PING_COUNT = $count
PING_WAIT = $wait
PING_TIMEOUT = PING_COUNT * (PING_WAIT + 1) + 5
RTT = re.compile(r"= [\\d.]+/([\\d.]+)/")
'''),
        P("registry", rank=1, imp="from typing import Callable", body='''
COLLECTORS: list[Callable[[], list[str]]] = []


def collector(fn: Callable[[], list[str]]) -> Callable[[], list[str]]:
    COLLECTORS.append(fn)
    return fn
'''),
        P("sample", rank=1, body=_EX_SAMPLE),
        P("probe", rank=2, imp="import subprocess\nimport time", body=_EX_PROBE),
        P("frame", rank=4, imp="import os\nimport logging\n" + fimp, body=fbody, tail=ftail),
    ]
    pool = [
        P("disk", rank=3, imp="import shutil", const='MOUNTS = ("/", "/var/lib/$svc")', body='''
@collector
def disk() -> list[str]:
    out = []
    for mount in MOUNTS:
        usage = shutil.disk_usage(mount)
        out.append(sample("node_fs_free_bytes", usage.free, mountpoint=mount))
        out.append(sample("node_fs_size_bytes", usage.total, mountpoint=mount))
    return out
'''),
        P("load", rank=3, imp="import os", body='''
@collector
def load() -> list[str]:
    one, five, fifteen = os.getloadavg()
    return [sample("node_load1", one), sample("node_load5", five), sample("node_load15", fifteen)]
'''),
        P("units", rank=3, imp="import subprocess", const='UNITS = ("$svc.service", "$svc-worker.service")', body='''
@collector
def units() -> list[str]:
    """1 when the systemd unit is active (systemctl with an argument list and '--')."""
    out = []
    for unit in UNITS:
        proc = subprocess.run(["systemctl", "is-active", "--quiet", "--", unit], check=False, timeout=10)
        out.append(sample("systemd_unit_active", int(proc.returncode == 0), unit=unit))
    return out
'''),
        P("chrony", rank=3, imp="import subprocess", body='''
@collector
def clock() -> list[str]:
    """System clock offset from chronyc's CSV tracking output (fixed program, no shell)."""
    proc = subprocess.run(["chronyc", "-c", "tracking"], capture_output=True, text=True, check=False, timeout=10)
    if proc.returncode != 0:
        return [sample("chrony_up", 0)]
    fields = proc.stdout.strip().split(",")
    return [sample("chrony_up", 1), sample("chrony_offset_seconds", float(fields[4]))]
'''),
        P("certs", rank=3, imp="import socket\nimport ssl\nimport time",
          const='TLS_ENDPOINTS = ("$svc.internal.example.net", "api.example.net")', body='''
@collector
def cert_expiry() -> list[str]:
    """Days until the certificates of our own endpoints expire (verified handshake, default context)."""
    out, context = [], ssl.create_default_context()
    for host in TLS_ENDPOINTS:
        with socket.create_connection((host, 443), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                not_after = ssl.cert_time_to_seconds(tls.getpeercert()["notAfter"])
        out.append(sample("tls_cert_expiry_days", round((not_after - time.time()) / 86400, 1), host=host))
    return out
'''),
        P("self", rank=3, imp="import os\nimport time", const="STARTED = time.time()", body='''
@collector
def process() -> list[str]:
    return [sample("exporter_uptime_seconds", round(time.time() - STARTED, 1)), sample("exporter_pid", os.getpid())]
'''),
    ]
    return core, pool


@fam("mod29s-probe-exporter-ping-shell-target", "CWE-78", fws=["flask", "script"], n=8, wrap=False)
def mod29s_exporter(c):
    kw = _ex_kw(c)
    frame = c.pick(*_EX_FRAMES)
    core, pool = _ex_parts(c, frame)
    v, s = _pair(c, c.pick(*_EX_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, c.pick(*_EX_V),
                 c.pick(*_EX_S), hi=112)
    return Spec(v=v, s=s, full=True, fw="flask" if frame == "flask" else "script",
                notes="every collector of the exporter runs a fixed program with an argument list, but the /probe "
                      "endpoint builds the ping command line from the target query parameter and runs it with "
                      "shell=True, so target=127.0.0.1;id (or $(...)) runs commands as the exporter's user; the fix "
                      "passes an argument list with '--' before the target")


@hardneg(10)
def mod29s_exporter_hn(c):
    kw = _ex_kw(c)
    frame = c.pick(*_EX_FRAMES)
    core, pool = _ex_parts(c, frame)
    code = _safe(c, c.pick(*_EX_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, c.pick(*_EX_S), hi=112)
    return Spec(s=code, full=True, fw="flask" if frame == "flask" else "script",
                notes="exporter: ping / systemctl / chronyc run with argument lists and '--', label values escaped, "
                      "TLS handshakes with the default verifying context, no shell anywhere")


# ---------------- CWE-732: backup job, the database dump created readable by every local account ----------------

_BK_DOCS = [
    "Nightly PostgreSQL backup of $db: pg_dump (custom format) into $dir, a .sha256 file\n"
    "next to each dump, and rotation that keeps the newest $keep dumps. Runs from root's crontab.",
    "$app: dump the $db database, checksum the dump, rotate old dumps and ping the health check.\n"
    "The database password reaches pg_dump through a private password file, never the command line.",
    "Backup job for the $db database (pg_dump, sha256 sidecar files, retention of $keep dumps).",
]


def _bk_kw(c):
    app = c.pick("pgvault", "nightly-dump", "stash", "backrest", "coldstore")
    db = c.pick("orders", "billing", "crm", "inventory", "payroll")
    return dict(app=app, APP=app.upper().replace("-", "_"), db=db, dir="/var/backups/" + db,
                log=c.pick("log", "logger"), keep=c.pick(7, 10, 14), tmo=c.pick(1800, 3600, 7200))


_BK_V = [
    "fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  #@V",
    "fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL,  #@V\n"
    "                     stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)  #@V",
]
_BK_S = {
    0: ["fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)"],
    1: ["fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL,\n"
        "                     stat.S_IRUSR | stat.S_IWUSR)"],
}


def _bk_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="from pathlib import Path", const='''
CONFIG_PATH = Path("/etc/$app/backup.toml")
BACKUP_DIR = Path("$dir")
KEEP = $keep
DUMP_TIMEOUT = $tmo
'''),
        P("config", rank=1, imp="import tomllib", body='''
def load_config() -> dict:
    """[database] host, port, dbname, user, password; the file is owned by root and mode 0o600."""
    with CONFIG_PATH.open("rb") as fh:
        return tomllib.load(fh)["database"]
'''),
        P("pgpass", rank=1, imp="import os\nfrom pathlib import Path", body='''
def write_pgpass(directory: Path, cfg: dict) -> Path:
    """A password file for libpq in a private directory, created 0o600 (libpq ignores looser modes)."""
    path = directory / "pgpass"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{cfg['host']}:{cfg.get('port', 5432)}:{cfg['dbname']}:{cfg['user']}:{cfg['password']}\\n")
    return path
'''),
        P("dump", rank=2, imp="import os\nimport shlex\nimport stat\nimport subprocess\nimport tempfile\nfrom pathlib import Path",
          body='''
def dump_database(cfg: dict, dest: Path) -> None:
    """pg_dump (custom format, compressed) straight into ``dest``; the password goes via PGPASSFILE."""
    argv = ["pg_dump", "--format=custom", "--no-owner", "--host", cfg["host"], "--port", str(cfg.get("port", 5432)),
            "--username", cfg["user"], "--dbname", cfg["dbname"]]
    $log.info("running %s", " ".join(shlex.quote(arg) for arg in argv))
    with tempfile.TemporaryDirectory(prefix="$app-") as private:
        env = {**os.environ, "PGPASSFILE": str(write_pgpass(Path(private), cfg))}
        $FIX
        with os.fdopen(fd, "wb") as out:
            subprocess.run(argv, stdout=out, env=env, check=True, timeout=DUMP_TIMEOUT)
'''),
        P("sha", rank=1, imp="import hashlib\nfrom pathlib import Path", body='''
def write_checksum(path: Path) -> str:
    """``<sha256>  <name>`` next to the dump, in the format sha256sum -c reads."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    path.with_suffix(".sha256").write_text(f"{digest.hexdigest()}  {path.name}\\n")
    return digest.hexdigest()
'''),
        P("rotate", rank=1, imp="", body='''
def rotate(keep: int = KEEP) -> None:
    """Delete all but the newest ``keep`` dumps of this database, with their checksum files."""
    dumps = sorted(BACKUP_DIR.glob("$db-*.dump"))
    for old in dumps[:-keep]:
        $log.info("removing %s", old.name)
        old.unlink()
        old.with_suffix(".sha256").unlink(missing_ok=True)
'''),
        P("run", rank=3, imp="import time", body='''
def run_backup() -> Path:
    cfg = load_config()
    BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    dest = BACKUP_DIR / f"$db-{time.strftime('%Y%m%dT%H%M%S')}.dump"
    try:
        dump_database(cfg, dest)
    except (subprocess.SubprocessError, OSError):
        dest.unlink(missing_ok=True)
        raise
    $log.info("%s written (sha256 %s)", dest.name, write_checksum(dest)[:16])
    rotate()
    return dest
'''),
    ]
    pool = [
        P("listcheck", rank=2, imp="import subprocess", body='''
def check_dump(path: Path) -> int:
    """Number of entries pg_restore lists in the dump (0 means the dump is unusable)."""
    proc = subprocess.run(["pg_restore", "--list", "--", str(path)], capture_output=True, text=True,
                          check=True, timeout=600)
    return sum(1 for line in proc.stdout.splitlines() if line and not line.startswith(";"))
'''),
        P("upload", rank=2, imp="import os\nimport subprocess", const='REMOTE = os.environ.get("$APP_REMOTE", "offsite:$db")',
          body='''
def upload(path: Path) -> None:
    """Copy the dump and its checksum off-site with rclone (argument list, '--' before the paths)."""
    for item in (path, path.with_suffix(".sha256")):
        subprocess.run(["rclone", "copyto", "--", str(item), f"{REMOTE}/{item.name}"], check=True, timeout=3600)
'''),
        P("ping", rank=2, imp="import random\nimport time\nimport urllib.request", body='''
def ping_healthcheck(url: str, ok: bool) -> None:
    """Tell the health-check service how the run went; a little random delay spreads the hosts' pings."""
    time.sleep(random.uniform(0, 5))
    try:
        urllib.request.urlopen(url if ok else url + "/fail", timeout=10).close()
    except OSError as exc:
        $log.warning("health check ping failed: %s", exc)
'''),
        P("disk", rank=2, imp="import shutil", body='''
def enough_space(min_free_gb: float = 5.0) -> bool:
    """Skip the run (and say so) when the backup volume is nearly full."""
    free = shutil.disk_usage(BACKUP_DIR).free / 1024 ** 3
    if free < min_free_gb:
        $log.error("only %.1f GiB free on %s", free, BACKUP_DIR)
    return free >= min_free_gb
'''),
        P("verifyall", rank=2, imp="import hashlib\nimport hmac", body='''
def verify_all() -> list[str]:
    """Names of dumps whose content no longer matches their .sha256 file."""
    bad = []
    for dump in sorted(BACKUP_DIR.glob("$db-*.dump")):
        sidecar = dump.with_suffix(".sha256")
        expected = sidecar.read_text().split()[0] if sidecar.exists() else ""
        if not hmac.compare_digest(hashlib.sha256(dump.read_bytes()).hexdigest(), expected):
            bad.append(dump.name)
    return bad
'''),
        P("entry", rank=5, imp="import sys", tail='''
if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        run_backup()
    except Exception:
        $log.exception("backup failed")
        sys.exit(1)
'''),
    ]
    return core, pool


@fam("mod29s-backup-job-dump-file-mode", "CWE-732", fws=["script"], n=8, wrap=False)
def mod29s_backup(c):
    kw = _bk_kw(c)
    core, pool = _bk_parts(c)
    i = c.pick(0, 1)
    v, s = _pair(c, c.pick(*_BK_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, _BK_V[i],
                 c.pick(*_BK_S[i]), hi=112)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the backup job keeps the database password in a 0o600 file inside a private temporary "
                      "directory, but creates the dump itself (the whole database, password hashes and personal data "
                      "included) with mode 0o644 in a backup directory created with the default umask, so every local "
                      "account can read it; the fix creates the dump 0o600")


@hardneg(10)
def mod29s_backup_hn(c):
    kw = _bk_kw(c)
    core, pool = _bk_parts(c)
    code = _safe(c, c.pick(*_BK_DOCS), '$log = logging.getLogger("$app")', core, pool, kw,
                 c.pick(*_BK_S[c.pick(0, 1)]), hi=112)
    return Spec(s=code, full=True, fw="script",
                notes="backup job: dump and password file created 0o600 with os.open, TemporaryDirectory for the "
                      "password file, pg_dump / pg_restore / rclone with argument lists, shlex.quote only for the "
                      "logged command line, sha256 sidecars, random only for health-check jitter")
