"""Train-only whole-module families (libs21 set, mod21-*): application modules in the frameworks the
data set has seen less (Sanic, Quart, Bottle, Falcon, Pyramid, Litestar), each with exactly one weak
statement among many safe ones, its minimal fix as twin, and a ``@hardneg(10)`` builder of safe modules
dense with the same idioms used correctly.

- mod21-sanic-asyncpg-filter-fstring (89): a Sanic inventory API on an asyncpg pool; every handler binds
  ``$1`` parameters except one filter handler that formats the request value into the SQL.
- mod21-quart-media-convert-shell (78): a Quart media service whose convert handler runs the tool through
  a shell (``create_subprocess_shell`` / ``subprocess.run(shell=True)``) with a request option in it.
- mod21-bottle-report-download-join (22): a Bottle reporting app whose download route joins a query
  value under the report root and opens it; the other routes use ``static_file(root=...)``.
- mod21-falcon-preview-unvetted-url (918): a Falcon bookmarks API whose save handler vets the URL's host
  but whose preview handler fetches the posted URL with ``requests`` unvetted.
- mod21-pyramid-state-pickle (502): a Pyramid cart / wizard whose client-held state (cookie, header,
  hidden field) is pickled and unpickled; the fix round-trips JSON.
- mod21-litestar-html-echo (79): a Litestar site whose one HTML response interpolates a request value
  without ``html.escape`` while the other pages escape.

Framework kinds: Sanic -> aiohttp, Quart/Bottle/Falcon -> flask, Litestar -> starlette, Pyramid ->
pyramid; the real stack is named in ``notes``. Written without reading held-out or validation
families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill  # noqa: F401  (fill used through the helpers)

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib", "csv", "binascii"}
compose, pair = _web.with_stdlib(_STDLIB)

LOG = P("logging", rank=0, imp="import logging")


def _kf(x, kw):
    """``$name`` tokens of kw in a fix text (fixes are substituted after the parts are filled)."""
    if isinstance(x, tuple):
        return tuple(_kf(y, kw) for y in x)
    for k in sorted(kw, key=len, reverse=True):
        x = x.replace("$" + k, str(kw[k]))
    return x


# ---------------- CWE-89: Sanic + asyncpg, one filter formatted into the SQL ----------------


def _sql_kw(c):
    t = c.pick(("stock_items", "item", "warehouse"), ("parts", "part", "supplier"), ("tickets", "ticket", "queue"),
               ("shipments", "shipment", "carrier"), ("devices", "device", "site"))
    return dict(table=t[0], one=t[1], col=t[2], App=c.pick("Inventory", "Depot", "Tracker", "Fleet"),
                log=c.pick("log", "logger"), pool=c.pick(4, 8, 10, 16), page=c.pick(25, 50, 100))


def _sql_parts(c):
    frame = P("frame", rank=0, imp="import os\nfrom sanic import Request, Sanic\nfrom sanic.exceptions import BadRequest, NotFound\n"
              "from sanic.response import HTTPResponse, json",
              const="PAGE_SIZE = $page\nMAX_PAGE = 500", setup='app = Sanic("$App")')
    life = P("life", rank=1, imp="import asyncpg", body='''
        @app.before_server_start
        async def open_pool(app: Sanic, _loop) -> None:
            app.ctx.pool = await asyncpg.create_pool(dsn=os.environ["DATABASE_URL"], min_size=1, max_size=$pool)
            $log.info("database pool ready")


        @app.after_server_stop
        async def close_pool(app: Sanic, _loop) -> None:
            await app.ctx.pool.close()
    ''')
    page = P("page", rank=1, body='''
        def _paging(request: Request) -> tuple[int, int]:
            """limit/offset from ?page=&size=, clamped."""
            try:
                page = max(1, int(request.args.get("page", "1")))
                size = min(MAX_PAGE, max(1, int(request.args.get("size", str(PAGE_SIZE)))))
            except ValueError as exc:
                raise BadRequest("page and size must be integers") from exc
            return size, (page - 1) * size
    ''')
    pool = [
        P("show", rank=3, body='''
            @app.get("/$table/<item_id:int>")
            async def show_$one(request: Request, item_id: int) -> HTTPResponse:
                async with request.app.ctx.pool.acquire() as conn:
                    row = await conn.fetchrow("SELECT id, name, $col, qty FROM $table WHERE id = $1", item_id)
                if row is None:
                    raise NotFound("no such $one")
                return json(dict(row))
        '''),
        P("list", rank=3, needs=["page"], body='''
            @app.get("/$table")
            async def list_$table(request: Request) -> HTTPResponse:
                limit, offset = _paging(request)
                async with request.app.ctx.pool.acquire() as conn:
                    rows = await conn.fetch("SELECT id, name, $col, qty FROM $table ORDER BY id LIMIT $1 OFFSET $2",
                                            limit, offset)
                return json({"items": [dict(r) for r in rows], "limit": limit, "offset": offset})
        '''),
        P("adjust", rank=3, body='''
            @app.post("/$table/<item_id:int>/adjust")
            async def adjust_$one(request: Request, item_id: int) -> HTTPResponse:
                delta = (request.json or {}).get("delta")
                if not isinstance(delta, int) or abs(delta) > 10_000:
                    raise BadRequest("delta must be a small integer")
                async with request.app.ctx.pool.acquire() as conn:
                    async with conn.transaction():
                        qty = await conn.fetchval(
                            "UPDATE $table SET qty = qty + $1 WHERE id = $2 RETURNING qty", delta, item_id)
                if qty is None:
                    raise NotFound("no such $one")
                $log.info("adjusted $one %d by %d", item_id, delta)
                return json({"id": item_id, "qty": qty})
        '''),
        P("health", rank=3, body='''
            @app.get("/healthz")
            async def healthz(request: Request) -> HTTPResponse:
                async with request.app.ctx.pool.acquire() as conn:
                    await conn.fetchval("SELECT 1")
                return json({"ok": True})
        '''),
        P("count", rank=3, body='''
            @app.get("/$table/count")
            async def count_$table(request: Request) -> HTTPResponse:
                async with request.app.ctx.pool.acquire() as conn:
                    total = await conn.fetchval("SELECT count(*) FROM $table")
                return json({"total": total})
        '''),
        P("create", rank=3, body='''
            @app.post("/$table")
            async def create_$one(request: Request) -> HTTPResponse:
                body = request.json or {}
                name, group = str(body.get("name", "")).strip(), str(body.get("$col", "")).strip()
                if not name or not group:
                    raise BadRequest("name and $col are required")
                async with request.app.ctx.pool.acquire() as conn:
                    new_id = await conn.fetchval(
                        "INSERT INTO $table (name, $col, qty) VALUES ($1, $2, 0) RETURNING id", name, group)
                return json({"id": new_id}, status=201)
        '''),
    ]
    return frame, [life, page], pool


def _sql_weak(c):
    shape = c.pick("eq-fstring", "eq-percent", "like-fstring", "like-format")
    src = c.pick('value = request.args.get("$col", "")  #@S', 'value = request.args.get("q", "").strip()  #@S')
    if shape == "eq-fstring":
        v = '''rows = await conn.fetch(f"SELECT id, name, $col, qty FROM $table WHERE $col = '{value}' ORDER BY name")  #@V'''
        s = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE $col = $1 ORDER BY name", value)'''
    elif shape == "eq-percent":
        v = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE $col = '%s' ORDER BY name" % value)  #@V'''
        s = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE $col = $1 ORDER BY name", value)'''
    elif shape == "like-fstring":
        v = '''rows = await conn.fetch(f"SELECT id, name, $col, qty FROM $table WHERE name ILIKE '%{value}%' LIMIT 200")  #@V'''
        s = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE name ILIKE $1 LIMIT 200", f"%{value}%")'''
    else:
        v = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE name ILIKE '%{0}%' LIMIT 200".format(value))  #@V'''
        s = '''rows = await conn.fetch("SELECT id, name, $col, qty FROM $table WHERE name ILIKE $1 LIMIT 200", "%" + value + "%")'''
    part = P("search", rank=3, body='''
        @app.get("/$table/search")
        async def search_$table(request: Request) -> HTTPResponse:
            ''' + src + '''
            if not value:
                raise BadRequest("missing filter")
            async with request.app.ctx.pool.acquire() as conn:
                $FIX
            $log.debug("search on $table returned %d rows", len(rows))
            return json({"items": [dict(r) for r in rows]})
    ''')
    return part, v, s


@fam("mod21-sanic-asyncpg-filter-fstring", "CWE-89", fws=["aiohttp"], n=8, wrap=False)
def mod21_sanic_sql(c):
    kw = _sql_kw(c)
    frame, core, pool = _sql_parts(c)
    part, v, s = _sql_weak(c)
    doc = c.pick("Sanic API for $table on PostgreSQL (asyncpg pool).",
                 "$App service: CRUD and search endpoints for $table, asyncpg underneath.")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part] + core, pool, kw, _kf(v, kw), _kf(s, kw), lo=70, hi=112)
    return Spec(v=vv, s=ss, full=True, fw="aiohttp",
                notes="fw=sanic; the search handler formats the request value into the SQL text while every other "
                      "query binds asyncpg $n parameters; fix: pass the value as a parameter")


@hardneg(10)
def mod21_sanic_sql_hn(c):
    kw = _sql_kw(c)
    frame, core, pool = _sql_parts(c)
    part, _v, s = _sql_weak(c)
    doc = c.pick("Sanic API for $table (asyncpg, bound $n parameters throughout).",
                 "$App endpoints over PostgreSQL through an asyncpg pool.")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part] + core, pool, kw,
                   lo=70, hi=112, subs=[{"$FIX": _kf(s, kw)}])[0]
    return Spec(s=code, full=True, fw="aiohttp",
                notes="fw=sanic; every query passes request values as asyncpg $n parameters; the f-strings build "
                      "LIKE patterns (bound), never SQL text")


# ---------------- CWE-78: Quart media service, the tool run through a shell ----------------


def _cmd_kw(c):
    return dict(log=c.pick("log", "logger"), media=c.pick("MEDIA_ROOT", "STORE_DIR", "ASSET_DIR"),
                what=c.pick("clip", "asset", "upload", "track"), timeout=c.pick(60, 120, 300))


def _cmd_tool(c):
    return c.pick(
        dict(key="bitrate", default='"128k"', pat=r'r"\d{2,3}k"', ext="mp3",
             argv='"ffmpeg", "-y", "-i", str(src), "-b:a", opt, str(dst)',
             line='f"ffmpeg -y -i {src} -b:a {opt} {dst}"'),
        dict(key="size", default='"640x480"', pat=r'r"\d{2,4}x\d{2,4}"', ext="png",
             argv='"convert", str(src), "-resize", opt, str(dst)',
             line='f"convert {src} -resize {opt} {dst}"'),
        dict(key="rate", default='"44100"', pat=r'r"\d{4,6}"', ext="wav",
             argv='"sox", str(src), "-r", opt, str(dst)',
             line='f"sox {src} -r {opt} {dst}"'),
    )


def _cmd_parts(c, tool):
    frame = P("frame", rank=0, imp="import os\nimport re\nfrom pathlib import Path\nfrom quart import Quart, abort, jsonify, request",
              const='$media = Path(os.environ.get("$media", "/srv/media"))\nID_RE = re.compile(r"[0-9a-f]{32}")\n'
                    f'OPT_RE = re.compile({tool["pat"]})',
              setup="app = Quart(__name__)")
    path = P("path", rank=1, body='''
        def _source(item_id: str) -> Path:
            """The stored file for an id; ids are hex digests, so they cannot leave the media root."""
            if not ID_RE.fullmatch(item_id):
                abort(404)
            src = $media / item_id
            if not src.is_file():
                abort(404)
            return src
    ''')
    pool = [
        P("probe", rank=2, needs=["path"], imp="import asyncio\nimport json", body='''
            @app.get("/$whats/<item_id>/info")
            async def $what_info(item_id: str):
                src = _source(item_id)
                proc = await asyncio.create_subprocess_exec(
                    "ffprobe", "-v", "quiet", "-print_format", "json", "-show_format", str(src),
                    stdout=asyncio.subprocess.PIPE)
                out, _ = await proc.communicate()
                if proc.returncode != 0:
                    abort(422)
                return jsonify(json.loads(out).get("format", {}))
        '''),
        P("list", rank=3, body='''
            @app.get("/$whats")
            async def list_$whats():
                names = sorted(p.name for p in $media.iterdir() if p.is_file() and ID_RE.fullmatch(p.name))
                return jsonify(items=names[:200])
        '''),
        P("delete", rank=3, needs=["path"], body='''
            @app.delete("/$whats/<item_id>")
            async def delete_$what(item_id: str):
                _source(item_id).unlink()
                $log.info("deleted $what %s", item_id)
                return "", 204
        '''),
        P("disk", rank=3, imp="import shutil", body='''
            @app.get("/healthz")
            async def healthz():
                usage = shutil.disk_usage($media)
                return jsonify(ok=True, free_gb=round(usage.free / 2**30, 1))
        '''),
        P("version", rank=2, imp="import subprocess", body='''
            def tool_version() -> str:
                """First line of the converter's version banner, shown on the status page."""
                out = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, timeout=10, check=False)
                return out.stdout.splitlines()[0] if out.stdout else "unknown"
        '''),
    ]
    return frame, path, pool


def _cmd_weak(c, tool):
    runner = c.pick("shell", "thread")
    src = c.pick(f'opt = str(body.get("{tool["key"]}", {tool["default"]}))  #@S',
                 f'opt = request.args.get("{tool["key"]}", {tool["default"]})  #@S')
    head = f'''
        @app.post("/$whats/<item_id>/convert")
        async def convert_$what(item_id: str):
            src = _source(item_id)
            body = await request.get_json(silent=True) or {{}}
            {src}
            dst = src.with_suffix(".{tool["ext"]}")
    '''
    if runner == "shell":
        imp = "import asyncio"
        v = f'proc = await asyncio.create_subprocess_shell({tool["line"]}, stderr=asyncio.subprocess.PIPE)  #@V'
        s = f'proc = await asyncio.create_subprocess_exec({tool["argv"]}, stderr=asyncio.subprocess.PIPE)'
        tail = '''
            $FIX
            _, err = await asyncio.wait_for(proc.communicate(), timeout=$timeout)
            if proc.returncode != 0:
                $log.warning("convert failed for %s: %s", item_id, err[-300:])
                abort(422)
            return jsonify(output=dst.name), 201
        '''
    else:
        imp = "import asyncio\nimport subprocess"
        v = (f'done = await asyncio.to_thread(subprocess.run, {tool["line"]}, shell=True, capture_output=True, '
             'timeout=$timeout)  #@V')
        s = f'done = await asyncio.to_thread(subprocess.run, [{tool["argv"]}], capture_output=True, timeout=$timeout)'
        tail = '''
            $FIX
            if done.returncode != 0:
                $log.warning("convert failed for %s: %s", item_id, done.stderr[-300:])
                abort(422)
            return jsonify(output=dst.name), 201
        '''
    body = _web.dedent(head).rstrip("\n") + "\n" + _ind(tail, 4)
    return P("convert", rank=3, needs=["path"], imp=imp, body=body), v, s


def _ind(block, n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in _web.dedent(block).split("\n"))


@fam("mod21-quart-media-convert-shell", "CWE-78", fws=["flask"], n=8, wrap=False)
def mod21_quart_cmd(c):
    kw = _cmd_kw(c)
    tool = _cmd_tool(c)
    frame, path, pool = _cmd_parts(c, tool)
    part, v, s = _cmd_weak(c, tool)
    doc = c.pick("Quart media service: list, inspect and convert stored $whats.",
                 "Async $what conversion endpoints (Quart) on top of the command-line tools.")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, path, part], pool, kw, _kf(v, kw), _kf(s, kw), lo=70, hi=112)
    return Spec(v=vv, s=ss, full=True, fw="flask",
                notes="fw=quart; the convert handler builds a shell command line with the request option in it "
                      "(a ; or $() runs anything); fix: pass an argument list without a shell")


@hardneg(10)
def mod21_quart_cmd_hn(c):
    kw = _cmd_kw(c)
    tool = _cmd_tool(c)
    frame, path, pool = _cmd_parts(c, tool)
    part, _v, s = _cmd_weak(c, tool)
    core = [frame, LOG, path, part]
    if c.pick(True, False):
        core.append(P("check", rank=1, body='''
            def _option(value: str) -> str:
                """Reject option values the converter would not accept anyway."""
                if not OPT_RE.fullmatch(value):
                    abort(400)
                return value
        '''))
    doc = c.pick("Quart media service; every tool runs from an argument list, never a shell.",
                 "Stored $what conversions and probes (Quart, ffprobe/ffmpeg/convert without a shell).")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", core, pool, kw, lo=70, hi=112,
                   subs=[{"$FIX": _kf(s, kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="fw=quart; create_subprocess_exec and subprocess.run with argument lists: the request value "
                      "is one argv element, no shell parses it")


# ---------------- CWE-22: Bottle reports, one download route joins a query value under the root ----------------


def _pt_kw(c):
    return dict(log=c.pick("log", "logger"), root=c.pick("REPORT_ROOT", "EXPORT_DIR", "ARCHIVE_DIR"),
                kind=c.pick("report", "export", "statement", "invoice"), port=c.pick(8080, 8000, 9090))


def _pt_parts(c):
    frame = P("frame", rank=0, imp="import os\nfrom bottle import Bottle, abort, request, response, static_file",
              const='$root = os.environ.get("$root", "/var/lib/$kinds")\nALLOWED_EXT = {".csv", ".pdf", ".xlsx"}',
              setup="app = Bottle()")
    pool = [
        P("list", rank=3, body='''
            @app.get("/$kinds")
            def list_$kinds():
                names = sorted(n for n in os.listdir($root) if os.path.splitext(n)[1] in ALLOWED_EXT)
                return {"items": names}
        '''),
        P("static", rank=3, body='''
            @app.get("/$kinds/<name>")
            def get_$kind(name):
                if os.path.splitext(name)[1] not in ALLOWED_EXT:
                    abort(404, "unknown $kind")
                return static_file(name, root=$root, download=True)
        '''),
        P("assets", rank=3, body='''
            @app.get("/static/<path:path>")
            def assets(path):
                return static_file(path, root=os.path.join(os.path.dirname(__file__), "static"))
        '''),
        P("meta", rank=3, imp="import datetime", body='''
            @app.get("/$kinds/<name>/meta")
            def $kind_meta(name):
                path = os.path.join($root, os.path.basename(name))
                if not os.path.isfile(path):
                    abort(404, "unknown $kind")
                st = os.stat(path)
                return {"name": os.path.basename(path), "bytes": st.st_size,
                        "modified": datetime.datetime.fromtimestamp(st.st_mtime).isoformat()}
        '''),
        P("hook", rank=2, body='''
            @app.hook("after_request")
            def security_headers():
                response.set_header("X-Content-Type-Options", "nosniff")
                response.set_header("Cache-Control", "private, no-store")
        '''),
        P("errors", rank=2, body='''
            @app.error(404)
            def not_found(err):
                response.content_type = "application/json"
                return '{"error": "not found"}'
        '''),
        P("main", rank=9, body='''
            if __name__ == "__main__":
                app.run(host="127.0.0.1", port=$port)
        '''),
    ]
    return frame, pool


def _pt_weak(c):
    shape = c.pick("join", "pathlib")
    src = c.pick('name = request.query.get("file", "")  #@S', 'name = request.params.get("name", "")  #@S',
                 'name = request.query.file  #@S')
    if shape == "join":
        v = "path = os.path.join($root, name)  #@V"
        s = c.pick("path = os.path.join($root, os.path.basename(name))",
                   "path = os.path.realpath(os.path.join($root, name))\n"
                   "    if os.path.commonpath([path, os.path.realpath($root)]) != os.path.realpath($root):\n"
                   "        abort(404, \"unknown $kind\")")
        imp = ""
    else:
        v = "path = Path($root) / name  #@V"
        s = c.pick("path = Path($root) / Path(name).name",
                   "path = (Path($root) / name).resolve()\n"
                   "    if not path.is_relative_to(Path($root).resolve()):\n"
                   "        abort(404, \"unknown $kind\")")
        imp = "from pathlib import Path"
    mime = c.pick("text/csv", "application/octet-stream")
    part = P("download", rank=3, imp=imp, body='''
        @app.get("/download")
        def download_$kind():
            ''' + src + '''
            $FIX
            if not os.path.isfile(path):
                abort(404, "unknown $kind")
            response.content_type = "''' + mime + '''"
            response.set_header("Content-Disposition", f'attachment; filename="{os.path.basename(path)}"')
            $log.info("download of %s", os.path.basename(path))
            with open(path, "rb") as fh:
                return fh.read()
    ''')
    return part, v, s


@fam("mod21-bottle-report-download-join", "CWE-22", fws=["flask"], n=8, wrap=False)
def mod21_bottle_pt(c):
    kw = _pt_kw(c)
    kw["kinds"] = kw["kind"] + "s"
    frame, pool = _pt_parts(c)
    part, v, s = _pt_weak(c)
    doc = c.pick("Bottle app serving generated $kinds to the back office.",
                 "$kind downloads (Bottle): listing, metadata and file download.")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part], pool, kw, _kf(v, kw), _kf(s, kw), lo=60, hi=110)
    return Spec(v=vv, s=ss, full=True, fw="flask",
                notes="fw=bottle; /download joins the query value under the root and opens it, so ../ escapes the "
                      "directory (the other routes use static_file, which checks containment); fix: basename or a "
                      "resolved-path containment check")


@hardneg(10)
def mod21_bottle_pt_hn(c):
    kw = _pt_kw(c)
    kw["kinds"] = kw["kind"] + "s"
    frame, pool = _pt_parts(c)
    part, _v, s = _pt_weak(c)
    doc = c.pick("Bottle app serving generated $kinds; every path is confined to the $kind root.",
                 "Back-office $kind files over Bottle (static_file, basename, resolved paths).")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part], pool, kw, lo=60, hi=110,
                   subs=[{"$FIX": _kf(s, kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="fw=bottle; static_file(root=...) rejects paths outside root, and the download route keeps "
                      "only the basename or checks the resolved path")


# ---------------- CWE-918: Falcon bookmarks, the preview fetches an unvetted URL ----------------


def _ssrf_kw(c):
    r = c.pick("bookmark", "link", "embed", "clip")
    return dict(log=c.pick("log", "logger"), Res=r.capitalize(), res=r + "s", tmo=c.pick(3, 5, 8),
                hosts=c.pick('"youtube.com", "www.youtube.com", "vimeo.com"', '"github.com", "gitlab.com"',
                             '"medium.com", "substack.com", "dev.to"'))


def _ssrf_parts(c):
    frame = P("frame", rank=0, imp="import falcon\nimport requests\nfrom urllib.parse import urlsplit",
              const="ALLOWED_HOSTS = frozenset({$hosts})\nMAX_BYTES = 512 * 1024")
    check = P("check", rank=1, body='''
        def _checked_url(raw: str) -> str:
            """Only https URLs on the partner hosts may be stored or fetched."""
            parts = urlsplit(raw)
            if parts.scheme != "https" or (parts.hostname or "").lower() not in ALLOWED_HOSTS:
                raise falcon.HTTPBadRequest(title="unsupported URL", description="host not allowed")
            return raw
    ''')
    title = P("title", rank=1, imp="import re", const='TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)', body='''
        def _title(html_text: str) -> str:
            match = TITLE_RE.search(html_text)
            return match.group(1).strip()[:200] if match else ""
    ''')
    store = P("store", rank=2, needs=["check"], body='''
        class $ResCollection:
            def __init__(self, db) -> None:
                self.db = db

            def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                user = req.context.user
                resp.media = {"items": self.db.list_$res(owner=user.id, limit=req.get_param_as_int("limit", default=50))}

            def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
                body = req.get_media() or {}
                url = _checked_url(str(body.get("url", "")))
                item_id = self.db.add_$res(owner=req.context.user.id, url=url)
                $log.info("stored $res %s", item_id)
                resp.status = falcon.HTTP_201
                resp.media = {"id": item_id}
    ''')
    pool = [
        P("health", rank=2, body='''
            class Health:
                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    resp.media = {"ok": True}
        '''),
        P("item", rank=2, body='''
            class $ResItem:
                def __init__(self, db) -> None:
                    self.db = db

                def on_delete(self, req: falcon.Request, resp: falcon.Response, item_id: int) -> None:
                    if not self.db.delete_$res(owner=req.context.user.id, item_id=item_id):
                        raise falcon.HTTPNotFound()
                    resp.status = falcon.HTTP_204
        '''),
        P("oembed", rank=2, needs=["check"], body='''
            def fetch_oembed(endpoint: str, url: str) -> dict:
                """oEmbed lookup on a partner endpoint (fixed host, URL passed as a parameter)."""
                r = requests.get(_checked_url(endpoint), params={"url": url, "format": "json"}, timeout=$tmo)
                r.raise_for_status()
                return r.json()
        '''),
    ]
    return frame, [check, title, store], pool


def _ssrf_weak(c):
    src_v = c.pick('url = str(body.get("url", ""))  #@S', 'url = body.get("url") or ""  #@S')
    src_s = 'url = _checked_url(str(body.get("url", "")))'
    call = c.pick(
        'page = requests.get(url, timeout=$tmo, allow_redirects=False, stream=True)  #@V',
        'page = requests.get(url, timeout=$tmo, allow_redirects=False, headers={"User-Agent": "preview-bot/1.0"})  #@V')
    part = P("preview", rank=2, needs=["title"], body='''
        class Preview:
            def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
                body = req.get_media() or {}
                $FIX
                try:
                    ''' + call + '''
                except requests.RequestException as exc:
                    $log.info("preview failed: %s", type(exc).__name__)
                    raise falcon.HTTPBadGateway(title="preview failed")
                text = page.text[:MAX_BYTES]
                resp.media = {"url": url, "status": page.status_code, "title": _title(text)}
    ''')
    return part, src_v, src_s


def _ssrf_app(c):
    return P("app", rank=8, body='''
        def create_app(db) -> falcon.App:
            app = falcon.App()
            app.add_route("/$res", $ResCollection(db))
            app.add_route("/previews", Preview())
            return app
    ''')


@fam("mod21-falcon-preview-unvetted-url", "CWE-918", fws=["flask"], n=8, wrap=False)
def mod21_falcon_ssrf(c):
    kw = _ssrf_kw(c)
    frame, core, pool = _ssrf_parts(c)
    part, v, s = _ssrf_weak(c)
    doc = c.pick("Falcon resources for saved $res and their link previews.",
                 "$Res API (Falcon): store partner links, preview a link before saving it.")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part, _ssrf_app(c)] + core, pool, kw,
                  _kf(v, kw), _kf(s, kw), lo=70, hi=112)
    return Spec(v=vv, s=ss, full=True, fw="flask",
                notes="fw=falcon; the save handler vets the host, but the preview handler fetches the posted URL "
                      "as given, so it can reach internal addresses; fix: the same _checked_url before fetching")


@hardneg(10)
def mod21_falcon_ssrf_hn(c):
    kw = _ssrf_kw(c)
    frame, core, pool = _ssrf_parts(c)
    part, _v, s = _ssrf_weak(c)
    doc = c.pick("Falcon resources for saved $res; every fetched URL is checked against the partner hosts.",
                 "$Res API (Falcon) with previews limited to allow-listed https hosts.")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, part, _ssrf_app(c)] + core, pool, kw,
                   lo=70, hi=112, subs=[{"$FIX": _kf(s, kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="fw=falcon; requests.get only on URLs that passed the https + host allow-list check")


# ---------------- CWE-502: Pyramid client-held state pickled ----------------


def _pk_kw(c):
    return dict(log=c.pick("log", "logger"), thing=c.pick("cart", "wizard", "draft", "filters"),
                maxb=c.pick(4096, 8192, 16384))


def _pk_parts(c):
    frame = P("frame", rank=0, imp="import base64\nimport binascii\nfrom pyramid.httpexceptions import HTTPBadRequest, HTTPFound\n"
              "from pyramid.view import view_config", const="MAX_STATE_BYTES = $maxb")
    pool = [
        P("includeme", rank=8, body='''
            def includeme(config) -> None:
                config.add_route("$thing_show", "/$thing")
                config.add_route("$thing_add", "/$thing/add")
                config.add_route("$thing_clear", "/$thing/clear")
                config.scan(__name__)
        '''),
        P("clear", rank=3, body='''
            @view_config(route_name="$thing_clear", request_method="POST", require_csrf=True)
            def clear_$thing(request):
                response = HTTPFound(location=request.route_url("$thing_show"))
                response.delete_cookie("$thing")
                return response
        '''),
        P("count", rank=2, body='''
            def item_count(state: dict) -> int:
                return sum(int(i.get("qty", 1)) for i in state.get("items", []))
        '''),
        P("merge", rank=2, body='''
            def merge_lines(items: list) -> list:
                """Collapse repeated SKUs into one line with the summed quantity."""
                totals: dict = {}
                for item in items:
                    sku = str(item.get("sku", ""))
                    totals[sku] = totals.get(sku, 0) + int(item.get("qty", 1))
                return [{"sku": sku, "qty": qty} for sku, qty in sorted(totals.items())]
        '''),
        P("headers", rank=4, imp="from pyramid.events import NewResponse, subscriber", body='''
            @subscriber(NewResponse)
            def no_store(event) -> None:
                """Pages that show client state must not be cached by shared proxies."""
                event.response.headers.setdefault("Cache-Control", "private, no-store")
                event.response.headers.setdefault("X-Content-Type-Options", "nosniff")
        '''),
        P("notfound", rank=4, imp="from pyramid.view import notfound_view_config", body='''
            @notfound_view_config(renderer="json")
            def not_found(request):
                request.response.status = 404
                return {"error": "not found", "path": request.path_info[:200]}
        '''),
        P("badreq", rank=4, body='''
            @view_config(context=HTTPBadRequest, renderer="json")
            def bad_request(exc, request):
                request.response.status = 400
                $log.info("rejected request to %s", request.matched_route.name if request.matched_route else "-")
                return {"error": "bad request"}
        '''),
    ]
    return frame, pool


def _pk_weak(c):
    carrier = c.pick("cookie", "header", "field")
    src = {"cookie": 'raw = request.cookies.get("$thing", "")  #@S',
           "header": 'raw = request.headers.get("X-$Thing-State", "")  #@S',
           "field": 'raw = request.params.get("state", "") or request.cookies.get("$thing", "")  #@S'}[carrier]
    codec = P("codec", rank=1, body='''
        def _decode(raw: str) -> dict:
            """The state the client sent back; empty when missing or malformed."""
            if not raw or len(raw) > MAX_STATE_BYTES:
                return {"items": []}
            try:
                blob = base64.urlsafe_b64decode(raw.encode())
                $FIX
            except (binascii.Error, ValueError):
                return {"items": []}


        def _encode(state: dict) -> str:
            $FIX2
    ''')
    v = ("return pickle.loads(blob)  #@V", "return base64.urlsafe_b64encode(pickle.dumps(state)).decode()")
    s = ("return json.loads(blob)", "return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()")
    views = P("views", rank=3, needs=["codec"], body='''
        @view_config(route_name="$thing_show", renderer="json", request_method="GET")
        def show_$thing(request):
            ''' + src + '''
            state = _decode(raw)
            return {"items": state.get("items", []), "count": len(state.get("items", []))}


        @view_config(route_name="$thing_add", request_method="POST", require_csrf=True)
        def add_to_$thing(request):
            sku = request.POST.get("sku", "").strip()
            if not sku or len(sku) > 40:
                raise HTTPBadRequest("bad sku")
            state = _decode(request.cookies.get("$thing", ""))
            state.setdefault("items", []).append({"sku": sku, "qty": 1})
            response = HTTPFound(location=request.route_url("$thing_show"))
            response.set_cookie("$thing", _encode(state), httponly=True, secure=True, samesite="Lax", max_age=86400)
            $log.debug("added %s", sku)
            return response
    ''')
    return codec, views, v, s


@fam("mod21-pyramid-state-pickle", "CWE-502", fws=["pyramid"], n=8, wrap=False)
def mod21_pyramid_pickle(c):
    kw = _pk_kw(c)
    kw["Thing"] = kw["thing"].capitalize()
    frame, pool = _pk_parts(c)
    codec, views, v, s = _pk_weak(c)
    codec.imp = "import json\nimport pickle"
    doc = c.pick("Pyramid views for a $thing kept on the client between requests.",
                 "$Thing views (Pyramid): the state travels in a cookie, nothing is stored server-side.")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, codec, views], pool, kw, _kf(v, kw), _kf(s, kw), lo=70, hi=110)
    return Spec(v=vv, s=ss, full=True, fw="pyramid",
                notes="fw=pyramid; the client-held state is unpickled, so a crafted cookie/header/field runs code "
                      "on the server; fix: round-trip JSON")


@hardneg(10)
def mod21_pyramid_pickle_hn(c):
    kw = _pk_kw(c)
    kw["Thing"] = kw["thing"].capitalize()
    frame, pool = _pk_parts(c)
    codec, views, _v, s = _pk_weak(c)
    codec.imp = "import json"
    doc = c.pick("Pyramid views for a $thing kept on the client as base64 JSON.",
                 "$Thing views (Pyramid); client-held state is plain JSON, validated on read.")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, codec, views], pool, kw, lo=70, hi=110,
                   subs=[{"$FIX2": s[1], "$FIX": s[0]}])[0]
    return Spec(s=code, full=True, fw="pyramid",
                notes="fw=pyramid; client-held state is base64 JSON: json.loads builds only plain data")


# ---------------- CWE-79: Litestar HTML page echoing a request value ----------------


def _xss_kw(c):
    return dict(log=c.pick("log", "logger"), site=c.pick("Field Notes", "Harbour Books", "Trailhead", "Studio Nine"),
                things=c.pick("articles", "books", "trails", "recipes"))


def _xss_parts(c):
    frame = P("frame", rank=0, imp="import html\nfrom litestar import Request, Response, get\nfrom litestar.enums import MediaType",
              const='SITE = "$site"')
    layout = P("layout", rank=1, body='''
        def page(title: str, body_html: str) -> Response:
            """Wrap a fragment in the site layout; the title is escaped here."""
            doc = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)} - {SITE}</title>"
                   f"</head><body><main>{body_html}</main></body></html>")
            return Response(content=doc, media_type=MediaType.HTML)
    ''')
    pool = [
        P("home", rank=3, body='''
            @get("/")
            async def home() -> Response:
                return page("Home", "<h1>Welcome</h1><p>Browse our $things.</p>")
        '''),
        P("tag", rank=3, body='''
            @get("/tags/{tag:str}")
            async def by_tag(tag: str) -> Response:
                items = "".join(f"<li>{html.escape(t)}</li>" for t in await titles_for_tag(tag))
                return page(tag, f"<h1>Tagged {html.escape(tag)}</h1><ul>{items}</ul>")
        ''', imp="from .catalog import titles_for_tag"),
        P("health", rank=3, body='''
            @get("/healthz", media_type=MediaType.JSON)
            async def healthz() -> dict:
                return {"ok": True}
        '''),
        P("about", rank=3, body='''
            @get("/about")
            async def about() -> Response:
                """Static copy; the site name is escaped like any other text."""
                return page("About", f"<h1>About {html.escape(SITE)}</h1><p>A small catalogue of $things, "
                                     "updated every week.</p>")
        '''),
        P("robots", rank=3, body='''
            @get("/robots.txt", media_type=MediaType.TEXT)
            async def robots() -> str:
                return "User-agent: *\\nDisallow: /search\\n"
        '''),
        P("feed", rank=3, imp="from .catalog import latest_titles", body='''
            @get("/feed.json", media_type=MediaType.JSON)
            async def feed() -> dict:
                """Latest titles as JSON (serialised by Litestar, no HTML involved)."""
                titles = await latest_titles(limit=20)
                return {"site": SITE, "items": [{"title": t} for t in titles]}
        '''),
        P("detail", rank=3, imp="from litestar.exceptions import NotFoundException\nfrom .catalog import get_entry",
          body='''
            @get("/$things/{slug:str}")
            async def detail(slug: str) -> Response:
                entry = await get_entry(slug)
                if entry is None:
                    raise NotFoundException(detail="no such entry")
                body = (f"<h1>{html.escape(entry.title)}</h1>"
                        f"<p class='lead'>{html.escape(entry.summary)}</p>")
                return page(entry.title, body)
        '''),
        P("notfound", rank=4, imp="from litestar.exceptions import NotFoundException", body='''
            def not_found_page(request: Request, exc: NotFoundException) -> Response:
                """Exception handler for 404s; the path is not echoed back."""
                $log.info("404 for %s", request.url.path[:200])
                resp = page("Not found", "<h1>Not found</h1><p>That page does not exist.</p>")
                resp.status_code = 404
                return resp
        '''),
    ]
    return frame, layout, pool


def _xss_weak(c):
    # Only the unsubscribe confirmation: a search-results or greeting echo is a test family's shape.
    shape = "unsub"
    path, src = "/unsubscribe", 'q = request.query_params.get("email", "")  #@S'
    v = c.pick('body = "<h1>Unsubscribed</h1><p>" + q + " will no longer receive the newsletter.</p>"  #@V',
               'body = f"<h1>Unsubscribed</h1><p>{q} will no longer receive the newsletter.</p>"  #@V',
               'body = "<h1>Unsubscribed</h1><p>%s will no longer receive the newsletter.</p>" % q  #@V')
    s = 'body = "<h1>Unsubscribed</h1><p>" + html.escape(q) + " will no longer receive the newsletter.</p>"'
    title = '"Unsubscribed"'
    part = P("weak", rank=3, body=f'''
        @get("{path}")
        async def handler_{shape}(request: Request) -> Response:
            {src}
            $FIX
            $log.debug("{shape} page rendered")
            return page({title}, body)
    ''')
    return part, v, s


@fam("mod21-litestar-html-echo", "CWE-79", fws=["starlette"], n=8, wrap=False)
def mod21_litestar_xss(c):
    kw = _xss_kw(c)
    frame, layout, pool = _xss_parts(c)
    part, v, s = _xss_weak(c)
    doc = c.pick("Litestar pages for $site, rendered from small HTML fragments.",
                 "Public pages of $site (Litestar, hand-built HTML with html.escape).")
    vv, ss = pair(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, layout, part], pool, kw, _kf(v, kw), _kf(s, kw), lo=66, hi=108)
    return Spec(v=vv, s=ss, full=True, fw="starlette",
                notes="fw=litestar; one page interpolates the query value into HTML unescaped while the layout and "
                      "other pages escape; fix: html.escape")


@hardneg(10)
def mod21_litestar_xss_hn(c):
    kw = _xss_kw(c)
    frame, layout, pool = _xss_parts(c)
    part, _v, s = _xss_weak(c)
    doc = c.pick("Litestar pages for $site; every request value is escaped before it reaches HTML.",
                 "$site public pages (Litestar).")
    code = compose(c, doc, "$log = logging.getLogger(__name__)", [frame, LOG, layout, part], pool, kw, lo=66, hi=108,
                   subs=[{"$FIX": _kf(s, kw)}])[0]
    return Spec(s=code, full=True, fw="starlette",
                notes="fw=litestar; html.escape on every request value interpolated into the HTML fragments")
