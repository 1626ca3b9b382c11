"""Train-only snippet families (libs33 system set) for system-level weaknesses with few examples, each in a tool,
library or code shape no other family uses:

- l33sys-ffmpeg-drawtext-caption (77): a title card / watermark / thumbnail is rendered with ffmpeg from a list-form
  call (no shell), but the caption from the request is formatted into the ``drawtext`` filter text. The filtergraph
  is a command language of its own: a quote ends the quoted text and ``,drawtext=textfile=/app/.env`` chains a
  filter that burns any readable file into the returned video; the fix allows only plain caption characters, or
  hands the text over in a private ``textfile`` with ``expansion=none``.
- l33sys-hg-path-config-option (77): a source browser runs ``hg -R REPO cat|log|annotate ... PATH`` with an
  argument list, the path from the request last. Mercurial parses its early options (``--config``, ``--cwd``,
  ``--debugger``) anywhere on the command line up to ``--``, so ``--config=hooks.pre-cat=<shell command>`` runs a
  command (``--config=extensions.x=/upload/x.py`` loads code); the fix puts ``--`` before the path.
- l33sys-sqlite-store-chmod-world (732): an init / migrate tool creates the app's SQLite store (users with password
  hashes, sessions, API tokens) and then makes it world-writable (``0o666``, stat flags, ``Path.chmod``, the
  -wal/-shm files) "so the web workers and the sync job can both write it": any local account can read the session
  tokens or insert an admin row; the fix grants the owner and the app group only (0o660 / 0o600).
- l33sys-pickle-cache-shared-tmp (377): a cachelib ``FileSystemCache``, ``joblib.Memory`` or ``diskcache.Cache``
  keeps its pickled entries in a predictable directory of the shared temp dir (or the temp dir itself): another
  local user who creates that directory first (or writes the md5-named entry files into /tmp) controls what the
  app unpickles; the fix keeps the cache in a private ``mkdtemp`` directory, the user's cache dir or the service's
  state directory.
- l33sys-upstream-request-headers-echo (200): a public lookup endpoint calls a partner API with the service's own
  credential (bearer token, X-Api-Key, basic auth) and returns the outgoing request's headers to the client
  (``dict(r.request.headers)``, ``dict(resp.request_info.headers)``), in every answer or only on errors: every
  visitor receives the partner credential; the fix drops or allow-lists those headers.

Hard negatives use the same tools and calls safely: ffmpeg ``-metadata`` values and integer scale filters, hg with
``--``, restrictive or public-data modes, private cache directories, redacted or response-only headers.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, shell
from registry import fam, hardneg

ASYNC = ("aiohttp", "fastapi")


def _rekey(c, *keys):
    """Point the context at a request key that fits a hard negative (the shell reads c.key and c.x)."""
    c.key = c.pick(*keys)
    c.x = c.pick(c.key, c.key, "raw_" + c.key, "requested_" + c.key)
    return c.x


def _lines(*parts):
    out = []
    for p in parts:
        if p is None:
            continue
        if isinstance(p, (list, tuple)):
            out.extend(l for l in p if l is not None)
        else:
            out.append(p)
    return "\n".join(out)


def _shelled(c, vbody, sbody, vimps, simps, vhelpers, shelpers, notes):
    """Whole modules from the framework shell when the vulnerable and the safe module differ in module-level code
    (the shell's helpers are shared otherwise); the twin replays the shell's draws."""
    state = c.snapshot()
    v = shell(c, vbody, Spec(helpers=vhelpers), vimps)
    c.restore(state)
    s = shell(c, sbody, Spec(helpers=shelpers), simps)
    return Spec(v=v, s=s, full=True, notes=notes)


def _run_lines(c, call, argv, timeout, mark):
    """Lines running ``argv`` (list form, no shell) and setting ``ok``; the first line is the sink."""
    m = "  #@V" if mark else ""
    if call == "async":
        return [f"proc = await asyncio.create_subprocess_exec(*{argv}, stdout=asyncio.subprocess.DEVNULL, "
                f"stderr=asyncio.subprocess.PIPE){m}",
                f"_, err = await asyncio.wait_for(proc.communicate(), timeout={timeout})",
                "ok = proc.returncode == 0"]
    if call == "run":
        return [f"proc = subprocess.run({argv}, capture_output=True, timeout={timeout}){m}",
                "ok = proc.returncode == 0"]
    if call == "check_call":
        return [f"subprocess.check_call({argv}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, "
                f"timeout={timeout}){m}",
                "ok = True"]
    return [f"with subprocess.Popen({argv}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:{m}",
            f"    _, err = proc.communicate(timeout={timeout})",
            "ok = proc.returncode == 0"]


def _call_imports(call):
    return "import asyncio" if call == "async" else "import subprocess"


# ---------------- CWE-77: ffmpeg drawtext filter text from the request ----------------

_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
          "/opt/brand/fonts/Inter-SemiBold.ttf"]
_CAPTION_RE = r"[A-Za-z0-9 .!?-]{1,80}"


def _ffmpeg_parts(c):
    """Draws shared by the family and its hard negatives: the job kind, the output and input arguments."""
    kind = c.pick("card", "watermark", "thumb")
    ext = "jpg" if kind == "thumb" else "mp4"
    out = [f'out = RENDER_DIR / f"{{uuid.uuid4().hex}}.{ext}"']
    if kind == "card":
        dur = c.pick("3", "4", "5")
        pre = f'"-f", "lavfi", "-i", "color=c=black:s=1280x720:d={dur}"'
        post = '"-c:v", "libx264", "-pix_fmt", "yuv420p", str(out)'
    elif kind == "watermark":
        pre = '"-i", str(SOURCE_CLIP)'
        post = '"-c:a", "copy", str(out)'
    else:
        pre = f'"-ss", "{c.pick("2", "3", "5")}", "-i", str(SOURCE_CLIP), "-frames:v", "1"'
        post = "str(out)"
    helpers = (f'RENDER_DIR = Path("{c.pick("/srv/media/renders", "/var/lib/studio/out", "/data/clips/rendered")}")\n'
               f'SOURCE_CLIP = Path("{c.pick("/srv/media/library/promo.mp4", "/data/clips/brand-intro.mp4")}")')
    return kind, out, pre, post, helpers


def _ffmpeg(c, fix, safe):
    x = c.x
    font = c.pick(*_FONTS)
    kind, out, pre, post, helpers = _ffmpeg_parts(c)
    can_await = c.fw in ASYNC and not c.wrap
    call = c.pick("async", "async", "run") if can_await else c.pick("run", "check_call", "popen")
    pos = c.pick("x=(w-text_w)/2:y=(h-text_h)/2", "x=24:y=h-text_h-24", "x=w-text_w-32:y=32")
    tail = f":fontcolor={c.pick('white', 'yellow', 'white@0.85')}:fontsize={c.pick('48', '36', '64')}:{pos}"
    vf_name = c.pick("vf", "filters", "draw")
    argv_name = c.pick("argv", "cmd", "ffmpeg_args")
    timeout = c.pick("120", "180", "300")
    guard, cleanup, imps = [], [], ["from pathlib import Path", "import uuid", _call_imports(call)]
    if safe and fix == "textfile":
        guard = ['with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as fh:',
                 f"    fh.write({x})"]
        vf = f'{vf_name} = f"drawtext=fontfile={font}:textfile={{fh.name}}:expansion=none{tail}"'
        cleanup = ["os.unlink(fh.name)"]
        imps += ["import os", "import tempfile"]
    else:
        if safe:
            guard = [f'if not re.fullmatch(r"{_CAPTION_RE}", {x}):',
                     '    raise ValueError("the caption may hold letters, digits, spaces and . ! ? - only")']
            imps.append("import re")
        vf = f"{vf_name} = " + c.fmt(f"drawtext=fontfile={font}:text='{{}}'{tail}", x) + ("" if safe else "  #@V")
    argv = f'{argv_name} = ["ffmpeg", "-hide_banner", "-y", {pre}, "-vf", {vf_name}, {post}]'
    run = _run_lines(c, call, argv_name, timeout, not safe)
    body = _lines(out, guard, vf, argv, run, cleanup, f'result = {{"file": out.name, "ok": ok}}')
    return body, "\n".join(imps), helpers


_FF_NOTE = ("the caption is formatted into ffmpeg's drawtext filter text; the argument list keeps the shell out, but "
            "the filtergraph is a command language of its own: a quote ends the quoted text, ',' chains another "
            "filter and ':' adds an option, so a caption such as x',drawtext=fontfile=F:textfile=/app/.env,"
            "drawtext=fontfile=F:text='x renders any file the worker can read into the returned video (and %{...} "
            "expansions run in the text); ")


@fam("l33sys-ffmpeg-drawtext-caption", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["caption", "title_text", "overlay_text", "headline"], n=8)
def l33sys_ffmpeg_drawtext(c):
    fix = c.pick("allow", "allow", "textfile")
    state = c.snapshot()
    v, imps, helpers = _ffmpeg(c, fix, False)
    c.restore(state)
    s, simps, _ = _ffmpeg(c, fix, True)
    how = ("the fix accepts only letters, digits, spaces and . ! ? - (no quote, colon, comma, backslash or %)"
           if fix == "allow" else
           "the fix writes the caption to a private temporary file and passes it as textfile= with expansion=none, "
           "so it is never parsed as filter syntax")
    return Spec(v=v, s=s, vimports=imps, simports=simps, helpers=helpers, notes=_FF_NOTE + how)


@hardneg(2)
def l33sys_ffmpeg_drawtext_hn_textfile(c):
    s, simps, helpers = _ffmpeg(c, c.pick("textfile", "allow"), True)
    return Spec(s=s, imports=simps, helpers=helpers,
                notes="the caption reaches drawtext only through a private textfile with expansion=none, or after an "
                      "allow-list check that rules out quotes, ':', ',', '\\' and '%'")


@hardneg(2)
def l33sys_ffmpeg_drawtext_hn_meta(c):
    shape = c.pick("metadata", "scale")
    kind, out, pre, post, helpers = _ffmpeg_parts(c)
    can_await = c.fw in ASYNC and not c.wrap
    call = c.pick("async", "run") if can_await else c.pick("run", "check_call")
    run = _run_lines(c, call, "argv", "240", False)
    imps = "\n".join(["from pathlib import Path", "import uuid", _call_imports(call)])
    if shape == "metadata":
        x = _rekey(c, "title", "clip_title", "episode_title")
        body = _lines(out, f'argv = ["ffmpeg", "-hide_banner", "-y", {pre}, "-metadata", f"title={{{x}}}", '
                           f'"-vf", "scale=1280:-2", {post}]', run, 'result = {"file": out.name, "ok": ok}')
        return Spec(s=body, imports=imps, helpers=helpers,
                    notes="the title is the value of -metadata (an option argument, stored as a tag, never parsed as "
                          "filter syntax); the filter string is constant")
    x = _rekey(c, "width", "max_width", "target_width")
    body = _lines(out, f"px = min(max(int({x}), 160), 1920)",
                  f'argv = ["ffmpeg", "-hide_banner", "-y", {pre}, "-vf", f"scale={{px}}:-2", {post}]',
                  run, 'result = {"file": out.name, "width": px, "ok": ok}')
    return Spec(s=body, imports=imps, helpers=helpers,
                notes="the request value is parsed as an int and clamped before it goes into the scale filter, so "
                      "nothing but digits reaches the filtergraph")


# ---------------- CWE-77: hg cat / log / annotate with the path from the request and no "--" ----------------

def _hg(c, safe):
    x = c.x
    sub = c.pick("cat", "log", "annotate")
    can_await = c.fw in ASYNC and not c.wrap
    call = c.pick("async", "run") if can_await else c.pick("run", "check_output", "popen")
    plain = c.pick(True, False)
    env = ', env={**os.environ, "HGPLAIN": "1"}' if plain else ""
    sep = '"--", ' if safe else ""
    m = "" if safe else "  #@V"
    if sub == "cat":
        head = '"cat", "-r", REV'
    elif sub == "log":
        head = f'"log", "-l", "{c.pick("20", "50", "30")}", "--template", "{{node|short}}\\t{{author|person}}\\t{{desc|firstline}}\\n"'
    else:
        head = '"annotate", "-r", REV, "-u", "-n"'
    elems = f'"hg", "-R", REPO, {head}, {sep}{x}'
    argv = f"[{elems}]"
    if call == "async":
        run = [f"proc = await asyncio.create_subprocess_exec({elems}, stdout=asyncio.subprocess.PIPE, "
               f"stderr=asyncio.subprocess.PIPE{env}){m}",
               "raw, err = await asyncio.wait_for(proc.communicate(), timeout=30)",
               "if proc.returncode != 0:",
               f'    raise FileNotFoundError({x})',
               'text = raw.decode("utf-8", "replace")']
    elif call == "run":
        run = [f"proc = subprocess.run({argv}, capture_output=True, timeout=30{env}){m}",
               "if proc.returncode != 0:",
               f'    raise FileNotFoundError({x})',
               'text = proc.stdout.decode("utf-8", "replace")']
    elif call == "check_output":
        run = [f"text = subprocess.check_output({argv}, stderr=subprocess.DEVNULL, timeout=30{env}).decode(\"utf-8\", \"replace\"){m}"]
    else:
        run = [f"with subprocess.Popen({argv}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL{env}) as proc:{m}",
               "    raw, _ = proc.communicate(timeout=30)",
               'text = raw.decode("utf-8", "replace")']
    if sub == "log":
        use = ['result = [dict(zip(("node", "author", "summary"), l.split("\\t", 2))) for l in text.splitlines() if l]']
    elif sub == "annotate":
        use = ['result = [l.split(": ", 1) for l in text.splitlines()]']
    else:
        use = [f'result = {{"path": {x}, "rev": REV, "text": text}}']
    imps = [_call_imports(call)] + (["import os"] if plain else [])
    helpers = (f'REPO = "{c.pick("/srv/hg/handbook", "/var/lib/docs/hg-mirror", "/srv/repos/firmware")}"\n'
               f'REV = "{c.pick("tip", "default", "stable")}"')
    return _lines(run, use), "\n".join(imps), helpers


@fam("l33sys-hg-path-config-option", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["path", "file_path", "doc_path"], n=8)
def l33sys_hg_path(c):
    state = c.snapshot()
    v, imps, helpers = _hg(c, False)
    c.restore(state)
    s, _, _ = _hg(c, True)
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="the request path is the last element of an hg argument list (no shell), but Mercurial parses "
                      "its early options --config, --cwd, -R and --debugger anywhere on the command line up to '--': "
                      "a path of --config=hooks.pre-cat=<command> (pre-log, pre-annotate) runs a shell command and "
                      "--config=extensions.x=<uploaded .py> loads Python code; the fix puts '--' before the path, so "
                      "hg reads it as a file name")


@hardneg(4)
def l33sys_hg_path_hn(c):
    s, imps, helpers = _hg(c, True)
    return Spec(s=s, imports=imps, helpers=helpers,
                notes="hg with '--' before the request path: Mercurial stops parsing options (early options "
                      "included) there, so the value is only a file name")


# ---------------- CWE-732: the app's SQLite store chmod'ed world-writable ----------------

_SCHEMAS = [
    ("users", "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, "
              "password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0);"),
    ("sessions", "CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, user_id INTEGER NOT NULL, "
                 "expires_at INTEGER NOT NULL);"),
    ("api_tokens", "CREATE TABLE IF NOT EXISTS api_tokens (token_hash TEXT PRIMARY KEY, owner TEXT NOT NULL, "
                   "scopes TEXT NOT NULL);"),
    ("oauth_grants", "CREATE TABLE IF NOT EXISTS oauth_grants (account TEXT PRIMARY KEY, refresh_token TEXT NOT NULL, "
                     "expires_at INTEGER);"),
]

_WHY = ["# the web workers (www-data) and the nightly sync job both write this file",
        "# the API process and the queue worker run as different users and share the store",
        "# shared by the gunicorn workers and the cron importer"]


def _sqlite(c, safe, mode_kind=None):
    x = c.x
    tables = c.rng.sample(_SCHEMAS, 2)
    wal = c.pick(True, False)
    shape = c.pick("os", "path", "stat", "loop")
    why = c.pick(*_WHY)
    group = c.pick(True, True, False)
    if safe:
        mode = "0o660" if group else "0o600"
        stat_mode = ("stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP" if group
                     else "stat.S_IRUSR | stat.S_IWUSR")
    else:
        mode = "0o666"
        stat_mode = ("stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH")
    if not group:
        why = "# created by the install step; the service opens it later"
    m = "" if safe else "  #@V"
    conn = c.pick("conn", "db", "con")
    body = [f"{conn} = sqlite3.connect({x})", "try:"]
    if wal:
        body.append(f'    {conn}.execute("PRAGMA journal_mode=WAL")')
    body += [f"    {conn}.executescript(SCHEMA)", f"    {conn}.commit()", "finally:", f"    {conn}.close()", why]
    imps = ["import sqlite3"]
    if shape == "os":
        body.append(f"os.chmod({x}, {mode}){m}")
        imps.append("import os")
    elif shape == "path":
        body.append(f"Path({x}).chmod({mode}){m}")
        imps.append("from pathlib import Path")
    elif shape == "stat":
        body.append(f"os.chmod({x}, {stat_mode}){m}")
        imps += ["import os", "import stat"]
    else:
        body += ['for suffix in ("", "-wal", "-shm"):',
                 f"    if os.path.exists({x} + suffix):",
                 f"        os.chmod({x} + suffix, {mode}){m}"]
        imps.append("import os")
    body.append(f'result = "initialised " + {x}')
    schema = "\n".join(t for _, t in tables)
    helpers = f'SCHEMA = """\n{schema}\n"""'
    return "\n".join(body), "\n".join(imps), helpers, [n for n, _ in tables]


@fam("l33sys-sqlite-store-chmod-world", "CWE-732", fws=["script", "cli"], keys=["db_path", "database", "store_path"], n=8)
def l33sys_sqlite_chmod(c):
    state = c.snapshot()
    v, imps, helpers, names = _sqlite(c, False)
    c.restore(state)
    s, _, _, _ = _sqlite(c, True)
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"the app's SQLite store ({', '.join(names)}) is made world-readable and world-writable after "
                      "it is created: any local account can read the password hashes, session ids or tokens, or "
                      "write rows (an admin user, a session of its own, a grant); the fix gives read/write to the "
                      "owner and the app group only (0o660) or to the owner (0o600)")


@hardneg(4)
def l33sys_sqlite_chmod_hn(c):
    shape = c.pick("restrictive", "public", "os_open")
    if shape == "restrictive":
        s, imps, helpers, _ = _sqlite(c, True)
        return Spec(s=s, imports=imps, helpers=helpers,
                    notes="the store holding credentials is chmod'ed 0o660 / 0o600: owner and app group only")
    x = c.x
    if shape == "public":
        dataset = c.pick("postcodes", "timezones", "airports", "holidays")
        body = _lines(f"conn = sqlite3.connect({x})",
                      "with conn:",
                      f'    conn.execute("CREATE TABLE IF NOT EXISTS {dataset} (code TEXT PRIMARY KEY, name TEXT, '
                      f'region TEXT)")',
                      "conn.close()",
                      "# read-only reference data from the public open-data export; no accounts or secrets in it",
                      f"os.chmod({x}, 0o644)",
                      f'result = "published " + {x}')
        return Spec(s=body, imports="import os\nimport sqlite3",
                    notes="a public reference dataset (no credentials, no personal data) is made world-readable but "
                          "not writable: 0o644 is the intended mode")
    body = _lines(f"fd = os.open({x}, os.O_RDWR | os.O_CREAT, 0o600)",
                  "os.close(fd)",
                  f"conn = sqlite3.connect({x})",
                  "try:",
                  "    conn.executescript(SCHEMA)",
                  "    conn.commit()",
                  "finally:",
                  "    conn.close()",
                  f'result = "initialised " + {x}')
    tables = c.rng.sample(_SCHEMAS, 2)
    return Spec(s=body, imports="import os\nimport sqlite3",
                helpers='SCHEMA = """\n' + "\n".join(t for _, t in tables) + '\n"""',
                notes="the database file is created with os.open(..., 0o600) before SQLite opens it, so it is "
                      "private to the service user from the start")


# ---------------- CWE-377: pickle-backed cache in a predictable directory of the shared temp dir ----------------

def _tmpdir_expr(c, name):
    return c.pick(f'os.path.join(tempfile.gettempdir(), "{name}")', f'"/tmp/{name}"',
                  f'str(Path(tempfile.gettempdir()) / "{name}")')


def _cache_parts(c, lib, safe, fix):
    """(imports, helpers, body) of one cache shape; ``fix`` picks the private location of the safe version."""
    x, w = c.x, c.word
    m = "" if safe else "  #@V"
    name = c.pick(f"{w}-cache", f"{w}_fragments", f"{w}-features", f"{w}s-memo")
    loc_v = c.pick(_tmpdir_expr(c, name), _tmpdir_expr(c, name), "tempfile.gettempdir()") if lib == "cachelib" \
        else _tmpdir_expr(c, name)
    imps = ["import os", "import tempfile"] if "os.path" in loc_v else ["import tempfile"] if "tempfile" in loc_v else []
    if "Path(" in loc_v:
        imps.append("from pathlib import Path")
    svc = c.pick("catalog", "reports", "insights", "planner")
    if safe:
        if fix == "mkdtemp":
            loc = f'tempfile.mkdtemp(prefix="{name}-")'
            imps = ["import tempfile"]
        elif fix == "state":
            loc = f'os.path.join(os.environ.get("STATE_DIRECTORY", "/var/lib/{svc}"), "{name}")'
            imps = ["import os"]
        else:
            loc = f'user_cache_dir("{name}")'
            imps = ["from platformdirs import user_cache_dir"]
    else:
        loc = loc_v
    build = (f"def build_{w}(key):\n"
             f"    # stands for an expensive aggregation over the {svc} warehouse\n"
             f'    return {{"key": key, "rows": [], "generated_by": "{svc}"}}')
    ttl = c.pick("300", "600", "3600")
    if lib == "cachelib":
        imps.append("from cachelib import FileSystemCache")
        helpers = [f"CACHE = FileSystemCache({loc}, threshold={c.pick('500', '1000', '2000')}, "
                   f"default_timeout={ttl}){m}", "", "", build]
        body = [f'ckey = f"{w}:{{{x}}}"', "hit = CACHE.get(ckey)", "if hit is None:",
                f"    hit = build_{w}({x})", f"    CACHE.set(ckey, hit)", "result = hit"]
    elif lib == "diskcache":
        imps.append("from diskcache import Cache")
        helpers = [f"cache = Cache({loc}){m}", "", "", build]
        body = [f'hit = cache.get(("{w}", {x}))', "if hit is None:",
                f"    hit = build_{w}({x})", f'    cache.set(("{w}", {x}), hit, expire={ttl})', "result = hit"]
    else:
        imps.append("from joblib import Memory")
        helpers = [f"memory = Memory({loc}, verbose=0){m}", "", "",
                   "@memory.cache\n" + build]
        body = [f"result = build_{w}({x})"]
    return "\n".join(imps), "\n".join(helpers), "\n".join(body)


_CACHE_NOTE = {
    "cachelib": "cachelib's FileSystemCache stores pickles in files named after the md5 of the key",
    "diskcache": "diskcache keeps its index (cache.db) and the pickled values in that directory",
    "joblib": "joblib.Memory stores the pickled results under <location>/joblib/<module>/<function>/<argument hash>",
}


@fam("l33sys-pickle-cache-shared-tmp", "CWE-377", fws=["flask", "django", "fastapi", "aiohttp", "script", "cli", "pipeline"],
     keys=["region", "dataset", "query_id", "segment"], n=8)
def l33sys_pickle_cache(c):
    lib = c.pick("cachelib", "cachelib", "diskcache", "joblib")
    fix = c.pick("mkdtemp", "state", "user") if lib != "joblib" else c.pick("user", "state")
    state = c.snapshot()
    vimps, vhelp, vbody = _cache_parts(c, lib, False, fix)
    c.restore(state)
    simps, shelp, sbody = _cache_parts(c, lib, True, fix)
    c.restore(state)
    where = {"mkdtemp": "a private directory from tempfile.mkdtemp (mode 0700, random name)",
             "state": "the service's own state directory (systemd StateDirectory=, owned by the service user)",
             "user": "the user's cache directory (platformdirs.user_cache_dir, under the home directory)"}[fix]
    note = (f"{_CACHE_NOTE[lib]}, and the directory is a fixed name in the shared, world-writable temp dir (or the "
            "temp dir itself): another local user can create it first (or drop the entry files there) and so "
            "choose what the app unpickles, or read the cached data; the fix keeps the cache in " + where)
    return _shelled(c, vbody, sbody, vimps, simps, vhelp, shelp, note)


@hardneg(4)
def l33sys_pickle_cache_hn(c):
    lib = c.pick("cachelib", "diskcache", "joblib", "scoped")
    if lib == "scoped":
        x, w = c.x, c.word
        body = _lines("with tempfile.TemporaryDirectory(prefix=" + repr(w + "-run-") + ") as scratch:",
                      "    memory = Memory(scratch, verbose=0)",
                      f"    summarise = memory.cache(summarise_{w})",
                      f"    first = summarise({x})",
                      f"    result = {{\"summary\": first, \"again\": summarise({x}) == first}}")
        helpers = (f"def summarise_{w}(key):\n"
                   f'    return {{"key": key, "size": len(key)}}')
        return Spec(s=body, imports="import tempfile\nfrom joblib import Memory", helpers=helpers,
                    notes="joblib.Memory inside a TemporaryDirectory (private, random name, removed afterwards)")
    fix = c.pick("mkdtemp", "state", "user") if lib != "joblib" else c.pick("user", "state")
    if lib != "joblib" and fix == "user":
        fix = "mkdtemp"
    simps, shelp, sbody = _cache_parts(c, lib, True, fix)
    return Spec(s=sbody, imports=simps, helpers=shelp,
                notes="a pickle-backed cache kept in a private directory (mkdtemp, the service state directory or "
                      "the user's cache directory), not a predictable path in the shared temp dir")


# ---------------- CWE-200: the outgoing partner request's headers returned to the client ----------------

_PARTNERS = ["https://api.stockline.example.com/v2", "https://partner.freightnet.example.net/api",
             "https://books.example-distributor.com/rest/v1"]


def _auth_parts(c, client):
    """(helpers, keyword for the call) attaching the service's credential."""
    kind = c.pick("bearer", "apikey", "basic")
    if kind == "bearer":
        return ('PARTNER_TOKEN = os.environ["PARTNER_API_TOKEN"]',
                'headers={"Authorization": f"Bearer {PARTNER_TOKEN}"}')
    if kind == "apikey":
        return ('PARTNER_KEY = os.environ["PARTNER_API_KEY"]', 'headers={"X-Api-Key": PARTNER_KEY}')
    helpers = 'PARTNER_USER = os.environ["PARTNER_USER"]\nPARTNER_PASSWORD = os.environ["PARTNER_PASSWORD"]'
    if client == "aiohttp":
        return helpers, "auth=aiohttp.BasicAuth(PARTNER_USER, PARTNER_PASSWORD)"
    return helpers, "auth=(PARTNER_USER, PARTNER_PASSWORD)"


def _upstream(c, safe, hard=None):
    """``hard``: None for the family (vulnerable / safe twin), or the shape of a hard negative."""
    x, key = c.x, c.key
    can_await = c.fw in ASYNC and not c.wrap
    client = c.pick("aiohttp", "httpx_async") if can_await else c.pick("requests", "requests", "httpx")
    path = c.pick("/stock", "/availability", "/lookup", "/items/status")
    base = c.pick(*_PARTNERS)
    ahelpers, auth = _auth_parts(c, client)
    shape = c.pick("always", "always", "on_error")
    fixk = c.pick("drop", "allow")
    r = c.pick("r", "resp", "upstream")
    if client == "aiohttp":
        hdrs = f"{r}.request_info.headers"
        url = f"str({r}.request_info.url)"
        status = f"{r}.status"
    else:
        hdrs = f"{r}.request.headers"
        url = f"str({r}.request.url)"
        status = f"{r}.status_code"
    if hard == "redact":
        sent = (f'{{k: ("[redacted]" if k.lower() in ("authorization", "x-api-key") else v) '
                f"for k, v in {hdrs}.items()}}")
    elif hard == "response":
        sent = None
    elif safe:
        sent = None if fixk == "drop" else f'{{k: v for k, v in {hdrs}.items() if k.lower() in ("accept", "user-agent")}}'
    else:
        sent = f"dict({hdrs})"
    m = "" if (safe or hard) else "  #@V"
    if hard == "response":
        extra = [f'"request_id": {r}.headers.get("X-Request-Id"),', f'"rate_remaining": {r}.headers.get("X-RateLimit-Remaining"),']
    else:
        extra = []
    # the call
    if client == "requests":
        call = [f'{r} = requests.get(PARTNER_API + "{path}", params={{"{key}": {x}}}, {auth}, timeout=10)',
                f"data = {r}.json() if {r}.ok else None"]
        imps = ["import os", "import requests"]
    elif client == "httpx":
        call = [f'{r} = httpx.get(PARTNER_API + "{path}", params={{"{key}": {x}}}, {auth}, timeout=10.0)',
                f"data = {r}.json() if {r}.is_success else None"]
        imps = ["import os", "import httpx"]
    elif client == "httpx_async":
        call = ["async with httpx.AsyncClient(timeout=10.0) as client:",
                f'    {r} = await client.get(PARTNER_API + "{path}", params={{"{key}": {x}}}, {auth})',
                f"data = {r}.json() if {r}.is_success else None"]
        imps = ["import os", "import httpx"]
    else:
        call = ["async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:",
                f'    async with session.get(PARTNER_API + "{path}", params={{"{key}": {x}}}, {auth}) as {r}:',
                f"        data = await {r}.json() if {r}.status == 200 else None"]
        imps = ["import os", "import aiohttp"]
    if shape == "always" or hard:
        inner = [f'    "upstream": {{"url": {url}, "status": {status}' + (f", \"headers\": {sent}}},{m}" if sent else "},")]
        result = ["result = {", f'    "{c.word}": data,'] + inner + ["    " + e for e in extra] + ["}"]
    else:
        err = [f'    result = {{"error": "partner lookup failed", "status": {status}'
               + (f', "sent": {sent}}}{m}' if sent else "}")]
        result = [f"if data is None:"] + err + ["else:", f'    result = {{"{c.word}": data}}']
    helpers = f'PARTNER_API = "{base}"\n' + ahelpers
    return _lines(call, result), "\n".join(imps), helpers


@fam("l33sys-upstream-request-headers-echo", "CWE-200", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["sku", "postcode", "isbn", "tracking_no"], n=8)
def l33sys_upstream_headers(c):
    state = c.snapshot()
    v, imps, helpers = _upstream(c, False)
    c.restore(state)
    s, _, _ = _upstream(c, True)
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="the endpoint calls the partner API with the service's own credential (bearer token, "
                      "X-Api-Key or basic auth) and returns the headers of that outgoing request to the caller, so "
                      "every visitor of the public lookup receives the partner credential; the fix drops those "
                      "headers from the answer (or keeps only harmless ones such as Accept and User-Agent)")


@hardneg(4)
def l33sys_upstream_headers_hn(c):
    hard = c.pick("redact", "response")
    s, imps, helpers = _upstream(c, True, hard=hard)
    return Spec(s=s, imports=imps, helpers=helpers,
                notes="the partner call is described to the client without its credential: the Authorization / "
                      "X-Api-Key header is redacted, or only the URL, the status and response headers such as the "
                      "request id and the rate limit are returned")
