"""Train-only whole-module families (libs23): labels with few whole-module families, each in a shape no
other family uses. So far one family:

- mod23-aiohttp-archive-ref-option (77): an aiohttp snapshot service hands the member names chosen in the
  query string to ``tar`` through ``asyncio.create_subprocess_exec`` without ``--``, so a value starting
  with ``-`` is read as an option (``--checkpoint-action=exec=``).

Each family has one weak module (one weak statement among many safe ones) with its minimal fix as twin,
and a ``@hardneg(10)`` builder of safe modules from the same pool with other draws.
Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"code", "faulthandler", "fnmatch", "io", "mimetypes", "queue", "shlex", "shutil", "signal",
                          "ssl", "stat", "subprocess", "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


def _safe(c, core, pool, kw, doc, logline, fix, lo=78, hi=112):
    subs = {k: fill(v, **kw) for k, v in fix.items()}
    return compose(c, doc, logline, core, pool, kw, lo=lo, hi=hi, subs=[subs])[0].replace("  #@S", "")


# ---------------- CWE-77: aiohttp snapshot service, request member names read as tar options ----------------


def _arc_kw(c):
    w = c.pick("repo", "project", "workspace", "bundle")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"),
        root=c.pick('"/srv/git"', '"/var/lib/snapshots"', 'os.environ.get("SNAPSHOT_ROOT", "/srv/data")'),
        limit=c.pick("64 * 1024 * 1024", "256 * 1024 * 1024", "32 * 1024 * 1024"),
        tmo=c.pick("60", "120", "30"), maxm=c.pick(20, 50, 100),
        dl_fn=c.pick("download_snapshot", "snapshot", "archive_handler", "export_tree"),
        run_fn=c.pick("_run", "_capture", "_spawn_capture"),
        ref_param=c.pick("ref", "rev", "tag", "version"),  # unused since the git shape went; kept for the draws
        name_param=c.pick("path", "member", "item", "entry"),
    )


def _arc_parts(c):
    """Core parts and optional pool; ``$FIX`` is the validation line(s) in the handler, ``$FIX2`` what precedes the members."""
    argv = '"tar", "-czf", "-", "-C", str(path), $FIX2*members'
    take = ['members = request.query.getall("$name_param", ["."])  #@S', "$FIX", 'filename = f"{name}.tar.gz"']
    ctype = '"application/gzip"'
    take = "\n".join("                " + l for l in take)
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport pathlib", const='''
            ROOT = pathlib.Path($root)
            MAX_ARCHIVE_BYTES = $limit
            TIMEOUT_S = $tmo
            MAX_MEMBERS = $maxm
        '''),
        P("run", rank=1, imp="import asyncio", body='''
            async def $run_fn(proc: asyncio.subprocess.Process, what: str) -> bytes:
                """Wait for ``proc`` and return its stdout; a non-zero exit becomes a 502."""
                try:
                    out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
                except asyncio.TimeoutError:
                    proc.kill()
                    raise web.HTTPGatewayTimeout(text="archive took too long")
                if proc.returncode != 0:
                    $log.warning("%s exited %s: %s", what, proc.returncode, err[:300].decode(errors="replace"))
                    raise web.HTTPBadGateway(text="archive failed")
                return out
        '''),
        P("locate", rank=1, body='''
            def _locate(name: str) -> pathlib.Path:
                """The $w directory, only for names that exist directly under ROOT."""
                if not name.isidentifier() and not name.replace("-", "_").isidentifier():
                    raise web.HTTPNotFound()
                path = ROOT / name
                if not path.is_dir():
                    raise web.HTTPNotFound()
                return path
        '''),
        P("handler", rank=2, imp="import asyncio\nimport re\nfrom aiohttp import web", needs=["run", "locate"], body='''
            async def $dl_fn(request: web.Request) -> web.Response:
                name = request.match_info["name"]
                path = _locate(name)
''' + take + '''
                proc = await asyncio.create_subprocess_exec(''' + argv + ''', stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)  #@V
                data = await $run_fn(proc, name)
                if len(data) > MAX_ARCHIVE_BYTES:
                    raise web.HTTPRequestEntityTooLarge(max_size=MAX_ARCHIVE_BYTES, actual_size=len(data))
                $log.info("served %s archive of %s (%d bytes)", request.remote, name, len(data))
                return web.Response(
                    body=data,
                    content_type=''' + ctype + ''',
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'},
                )
        '''),
        P("app", rank=5, body='''
            def make_app() -> web.Application:
                app = web.Application(client_max_size=1024 ** 2)
                app.router.add_get("/$ws/{name}/archive", $dl_fn)
                $ROUTES
                return app


            if __name__ == "__main__":
                web.run_app(make_app(), host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
        '''),
    ]
    pool = [
        P("health", rank=3, body='''
            async def health(request: web.Request) -> web.Response:
                return web.json_response({"status": "ok", "root": ROOT.name})
        '''),
        P("listing", rank=3, body='''
            async def list_$ws(request: web.Request) -> web.Response:
                """Names of the $ws that can be archived (directories only, sorted)."""
                names = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith("."))
                return web.json_response({"$ws": names})
        '''),
        P("refs", rank=3, needs=["run"], body='''
            async def list_refs(request: web.Request) -> web.Response:
                """Branches and tags, from a fixed argument list."""
                path = _locate(request.match_info["name"])
                proc = await asyncio.create_subprocess_exec(
                    "git", "-C", str(path), "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags",
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                )
                out = await $run_fn(proc, "for-each-ref")
                return web.json_response({"refs": out.decode().split()})
        '''),
        P("etag", rank=1, imp="import hashlib", body='''
            def _etag(data: bytes) -> str:
                """Validator for conditional GETs, not a security control."""
                return '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'
        '''),
        P("reqid", rank=3, imp="import uuid", body='''
            @web.middleware
            async def request_id(request: web.Request, handler):
                rid = request.headers.get("X-Request-Id") or uuid.uuid4().hex
                response = await handler(request)
                response.headers["X-Request-Id"] = rid[:64]
                return response
        '''),
    ]
    return core, pool


def _arc_fix(mode):
    # every mode refuses absolute / ".." members (the archive goes back to the caller); only the option check differs
    out = 'm.startswith("/") or ".." in m.split("/")'
    checks = {"weak": ("if len(members) > MAX_MEMBERS or any(" + out + " for m in members):", ""),
              "dd": ("if len(members) > MAX_MEMBERS or any(" + out + " for m in members):", '"--", '),
              "dash": ('if len(members) > MAX_MEMBERS or any(m.startswith(("-", "/")) or ".." in m.split("/") for m in members):', "")}
    chk, dd = checks[mode]
    return chk + ('  #@V' if mode == "weak" else "") + '\n        raise web.HTTPBadRequest(text="bad selection")', dd


_ARC_DOCS = ["Download endpoint for $w snapshots (aiohttp).", "Archive export service: a $w as one download.",
             "aiohttp handlers that stream $w archives built by tar."]


def _arc_build(c):
    kw = _arc_kw(c)
    core, pool = _arc_parts(c)
    routes = c.pick('app.router.add_get("/healthz", health)', "app.middlewares.append(request_id)",
                    'app.router.add_get("/$ws", list_$ws)', 'app.router.add_get("/$ws/{name}/refs", list_refs)')
    need = {"health" if "health" in routes else "reqid" if "request_id" in routes
            else "refs" if "refs" in routes else "listing"}
    core += [p for p in pool if p.key in need]
    kw["ROUTES"] = routes
    return kw, core, pool


@fam("mod23-aiohttp-archive-ref-option", "CWE-77", fws=["aiohttp"], n=8, wrap=False)
def mod23_aiohttp_archive_ref(c):
    kw, core, pool = _arc_build(c)
    good = c.pick("dd", "dash")
    vchk, vdd = _arc_fix("weak")
    schk, sdd = _arc_fix(good)
    v, s = pair(c, c.pick(*_ARC_DOCS), '$log = logging.getLogger("$w.archive")', core, pool, kw,
                (fill(vchk, **kw), vdd), (fill(schk, **kw), sdd))
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the member names from the query string go into the tar argument list after '-C path' with no '--' "
                      "and no leading-dash check: no shell is involved, but GNU tar still parses a later argument "
                      "starting with '-' as an option (members --checkpoint=1 and --checkpoint-action=exec=CMD run "
                      "a command), so the caller chooses what the program does; the fix rejects leading dashes or "
                      "ends options with '--'")


@hardneg(10)
def mod23_aiohttp_archive_ref_hn(c):
    kw, core, pool = _arc_build(c)
    good = c.pick("dd", "dash")
    chk, dd = _arc_fix(good)
    code = _safe(c, core, pool, kw, c.pick(*_ARC_DOCS), '$log = logging.getLogger("$w.archive")',
                 {"$FIX2": dd, "$FIX": chk})
    return Spec(s=code, full=True, fw="aiohttp",
                notes="create_subprocess_exec with an argument list; the member names are checked (no leading dash, "
                      "no absolute or '..' path) or follow '--'; fixed git for-each-ref; md5 only for ETags")
