"""Train-only whole-module families, data / injection set 2 (mod2-*): realistic modules of about
80-110 lines with exactly one weakness each and a safe twin that differs only by the minimal fix.

Covers: an analytics DAO (asyncpg / psycopg) that splices the requested GROUP BY dimension into
its SQL (89); a Django management command / staff view / Celery task that runs ``pg_dump``
through the shell with user-chosen table names (78); a theme asset loader that joins a requested
asset path under the themes directory (22); a chat link-preview service that fetches any URL
posted in a message (918); a Redis job-queue worker that unpickles its payloads (502); a
multi-tenant rules engine that ``exec``s tenant-written rule conditions (94); an encrypted model
field / column type using Triple-DES or Blowfish (327); and an internal mTLS service client
that turns server certificate verification off (295). Written without reading the held-out
families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _clean
from registry import fam, hardneg


def _w(c):
    return c.word, c.word.capitalize()


def fill(text, **kw):
    """Dedent ``text`` and substitute ``$name`` tokens (longest names first). A token alone on its
    line is replaced by a block indented like the token; an empty block drops the line."""
    text = dedent(text)
    keys = sorted(kw, key=len, reverse=True)

    def sub(s):
        for k in keys:
            s = s.replace("$" + k, str(kw[k]))
        return s

    out = []
    for line in text.split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw:
            ind = line[: len(line) - len(line.lstrip())]
            val = str(kw[st[1:]])
            if not val.strip():
                continue
            inner = {k: x for k, x in kw.items() if k != st[1:]}
            block = fill(val, **inner).rstrip()
            out += [ind + b if b.strip() else "" for b in block.split("\n")]
            continue
        out.append(sub(line))
    return "\n".join(out)


def pair(text, vfix, sfix, **kw):
    """Vulnerable and safe module from one template; ``$FIX``, ``$FIX2``... take ``vfix``/``sfix``."""
    if isinstance(vfix, str):
        vfix, sfix = (vfix,), (sfix,)
    names = ["FIX"] + [f"FIX{i}" for i in range(2, len(vfix) + 1)]
    v = re.sub(r"\n{4,}", "\n\n\n", fill(text, **kw, **dict(zip(names, vfix))))
    s = re.sub(r"\n{4,}", "\n\n\n", fill(text, **kw, **dict(zip(names, sfix))))
    return v.strip("\n") + "\n", _clean(s).strip("\n") + "\n"


def opt(c, *blocks, k=None, sep="\n\n"):
    """A random subset (in a random order) of optional blocks, joined by ``sep``."""
    bs = [b for b in blocks if b]
    k = c.rng.randint(1, len(bs)) if k is None else k
    chosen = c.rng.sample(bs, k)
    return sep.join(dedent(b).strip("\n") for b in chosen)


# ---------------- CWE-89: analytics DAO with a dynamic GROUP BY dimension ----------------


@fam("mod2-analytics-groupby-sqli", "CWE-89", fws=["fastapi", "aiohttp", "flask", "cli", "fastapi"], n=6, wrap=False)
def mod2_analytics_groupby(c):
    w, Wc = _w(c)
    asyncio_lib = c.fw in ("fastapi", "aiohttp")
    if asyncio_lib:
        ph = ["$1", "$2", "$3", "$4"]
        aw, asy = "await ", "async "
        libimp = "import asyncpg"
        init = "def __init__(self, pool: asyncpg.Pool) -> None:\n    self.pool = pool"
    else:
        ph = ["%s", "%s", "%s", "%s"]
        aw, asy = "", ""
        libimp = "import psycopg\nfrom psycopg.rows import dict_row"
        init = "def __init__(self, conn: psycopg.Connection) -> None:\n    self.conn = conn"

    def fetch(sql_expr, args):
        if asyncio_lib:
            return f"rows = await self.pool.fetch({sql_expr}, {args})"
        return (f"with self.conn.cursor(row_factory=dict_row) as cur:\n"
                f"    cur.execute({sql_expr}, ({args}))\n"
                f"    rows = cur.fetchall()")
    dims = c.pick(
        '"country": "country_code",\n"plan": "plan_name",\n"channel": "acquisition_channel",\n"device": "device_type",',
        '"region": "region",\n"plan": "plan_tier",\n"source": "utm_source",\n"browser": "browser_family",\n"os": "os_family",',
        '"country": "country_code",\n"product": "product_sku",\n"currency": "currency",\n"store": "store_id",')
    default_dim = dims.split('"')[1]
    daily = f'''
        {asy}def daily_totals(self, tenant_id: int, start: date, end: date) -> list[dict]:
            """Events and revenue per day, oldest first."""
            sql = (f"SELECT day, count(*) AS events, coalesce(sum(amount), 0) AS revenue FROM {{TABLE}} "
                   "WHERE tenant_id = {ph[0]} AND day BETWEEN {ph[1]} AND {ph[2]} GROUP BY day ORDER BY day")
            $FETCHDAILY
            return [dict(r) for r in rows]
    '''.replace("$FETCHDAILY", fetch("sql", "tenant_id, start, end").replace("\n", "\n            "))
    distinct = f'''
        {asy}def distinct_users(self, tenant_id: int, start: date, end: date) -> int:
            sql = (f"SELECT count(DISTINCT user_id) AS n FROM {{TABLE}} "
                   "WHERE tenant_id = {ph[0]} AND day BETWEEN {ph[1]} AND {ph[2]}")
            $FETCHD
            return int(rows[0]["n"]) if rows else 0
    '''.replace("$FETCHD", fetch("sql", "tenant_id, start, end").replace("\n", "\n            "))
    extras = opt(c, daily, distinct)
    vfix = (f'sql = (\n'
            f'    f"SELECT {{dimension}} AS key, count(*) AS events, coalesce(sum(amount), 0) AS revenue "  #@V\n'
            f'    f"FROM {{TABLE}} WHERE tenant_id = {ph[0]} AND day BETWEEN {ph[1]} AND {ph[2]} "\n'
            f'    f"GROUP BY {{dimension}} ORDER BY events DESC LIMIT {ph[3]}"  #@V\n'
            f')')
    sfix = (f'column = DIMENSIONS.get(dimension)\n'
            f'if column is None:\n'
            f'    raise ValueError(f"unknown dimension: {{dimension!r}}")\n'
            f'sql = (\n'
            f'    f"SELECT {{column}} AS key, count(*) AS events, coalesce(sum(amount), 0) AS revenue "\n'
            f'    f"FROM {{TABLE}} WHERE tenant_id = {ph[0]} AND day BETWEEN {ph[1]} AND {ph[2]} "\n'
            f'    f"GROUP BY {{column}} ORDER BY events DESC LIMIT {ph[3]}"\n'
            f')')
    if c.fw == "fastapi":
        fwimp = "from fastapi import Depends, FastAPI, HTTPException\n\nfrom app.auth import current_tenant"
        entry = f'''
            app = FastAPI(title="$Wc analytics")
            state: dict = {{}}


            @app.on_event("startup")
            async def connect() -> None:
                state["pool"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=8)


            @app.get("/analytics/dimensions")
            async def list_dimensions() -> dict:
                return {{"dimensions": sorted(DIMENSIONS)}}


            @app.get("/analytics/breakdown")
            async def breakdown(by: str = "{default_dim}", start: str | None = None, end: str | None = None,
                                tenant_id: int = Depends(current_tenant)) -> dict:
                dimension = by.strip().lower()  #@S
                try:
                    start_d, end_d = parse_range(start, end)
                    buckets = await $WcAnalytics(state["pool"]).breakdown(tenant_id, dimension, start_d, end_d)
                except ValueError as exc:
                    raise HTTPException(status_code=400, detail=str(exc))
                return {{"by": dimension, "buckets": [asdict(b) for b in buckets]}}
        '''
    elif c.fw == "aiohttp":
        fwimp = "from aiohttp import web"
        entry = f'''
            async def breakdown(request: web.Request) -> web.Response:
                dimension = request.query.get("by", "{default_dim}").strip().lower()  #@S
                try:
                    start_d, end_d = parse_range(request.query.get("start"), request.query.get("end"))
                    dao = $WcAnalytics(request.app["pool"])
                    buckets = await dao.breakdown(request["tenant_id"], dimension, start_d, end_d)
                except ValueError as exc:
                    raise web.HTTPBadRequest(text=str(exc))
                return web.json_response({{"by": dimension, "buckets": [asdict(b) for b in buckets]}})


            async def init_pool(app: web.Application) -> None:
                app["pool"] = await asyncpg.create_pool(os.environ["DATABASE_URL"])


            def make_app() -> web.Application:
                app = web.Application()
                app.on_startup.append(init_pool)
                app.router.add_get("/analytics/breakdown", breakdown)
                return app
        '''
    elif c.fw == "flask":
        fwimp = "from flask import Flask, abort, g, jsonify, request\n\nfrom app.auth import login_required"
        entry = f'''
            app = Flask(__name__)


            def get_conn() -> psycopg.Connection:
                if "db" not in g:
                    g.db = psycopg.connect(os.environ["DATABASE_URL"])
                return g.db


            @app.get("/analytics/breakdown")
            @login_required
            def breakdown():
                dimension = request.args.get("by", "{default_dim}").strip().lower()  #@S
                try:
                    start_d, end_d = parse_range(request.args.get("start"), request.args.get("end"))
                    buckets = $WcAnalytics(get_conn()).breakdown(g.tenant_id, dimension, start_d, end_d)
                except ValueError as exc:
                    abort(400, str(exc))
                return jsonify(by=dimension, buckets=[asdict(b) for b in buckets])
        '''
    else:
        fwimp = ""
        entry = f'''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Print a $w breakdown for one tenant")
                parser.add_argument("tenant_id", type=int)
                parser.add_argument("--by", default="{default_dim}")
                parser.add_argument("--start")
                parser.add_argument("--end")
                args = parser.parse_args(argv)
                dimension = args.by  #@S
                start_d, end_d = parse_range(args.start, args.end)
                with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
                    buckets = $WcAnalytics(conn).breakdown(args.tenant_id, dimension, start_d, end_d)
                json.dump([asdict(b) for b in buckets], sys.stdout, indent=2)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        '''
    tmpl = f'''
        """$Wc analytics: per-tenant event counts and revenue, broken down by a dimension."""
        from __future__ import annotations

        $STDIMP
        import logging
        import os
        $STDIMP2
        from dataclasses import asdict, dataclass
        from datetime import date, datetime, timedelta, timezone

        $LIBIMP
        $FWIMP

        log = logging.getLogger("$w.analytics")

        TABLE = "analytics_$w"
        TOP_N = {c.pick(20, 25, 50)}
        MAX_RANGE_DAYS = {c.pick(90, 180, 366)}
        DIMENSIONS = {{
            $DIMS
        }}


        @dataclass
        class Bucket:
            key: str
            events: int
            revenue: float


        def parse_range(start: str | None, end: str | None) -> tuple[date, date]:
            """Validate an ISO date range; default to the last 30 days."""
            today = datetime.now(timezone.utc).date()
            end_d = date.fromisoformat(end) if end else today
            start_d = date.fromisoformat(start) if start else end_d - timedelta(days=30)
            if start_d > end_d:
                raise ValueError("start is after end")
            if (end_d - start_d).days > MAX_RANGE_DAYS:
                raise ValueError(f"range longer than {{MAX_RANGE_DAYS}} days")
            return start_d, end_d


        class $WcAnalytics:
            """Read-only queries over the $w events table."""

            $INIT

            $EXTRAS

            {asy}def breakdown(self, tenant_id: int, dimension: str, start: date, end: date) -> list[Bucket]:
                """Top buckets of the chosen dimension by number of events."""
                $FIX
                $FETCHB
                log.debug("breakdown by %s: %d buckets", dimension, len(rows))
                return [Bucket(str(r["key"]), int(r["events"]), float(r["revenue"])) for r in rows]


        $ENTRY
    '''
    std1, std2 = ("import argparse\nimport json", "import sys") if c.fw == "cli" else ("", "")
    v, s = pair(tmpl, vfix, sfix, STDIMP=std1, STDIMP2=std2, LIBIMP=libimp, FWIMP=fwimp, DIMS=dims, INIT=init, EXTRAS=extras,
                FETCHB=fetch("sql", "tenant_id, start, end, TOP_N"), ENTRY=entry, Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the requested breakdown dimension is spliced into the SELECT list and GROUP BY of the "
                      "query although only the DIMENSIONS allow-list should be used; the fix maps it through "
                      "DIMENSIONS and rejects unknown names")


# ---------------- CWE-78: tenant export that runs pg_dump through the shell ----------------


@fam("mod2-tenant-pgdump-cmdi", "CWE-78", fws=["django", "celery", "cli", "django"], n=6, wrap=False)
def mod2_tenant_pgdump(c):
    w, Wc = _w(c)
    fmt = c.pick("custom", "plain", "tar")
    ext = {"custom": "dump", "plain": "sql", "tar": "tar"}[fmt]
    extra_flag = c.pick("--no-owner", "--no-owner --no-privileges", "--no-acl", "--data-only")
    vfix = ('table_args = " ".join(f"--table={schema}.{t}" for t in tables)\n'
            f'cmd = f"pg_dump --format={fmt} {extra_flag} {{table_args}} --file={{out}} {{database_dsn()}}"  #@V\n'
            'subprocess.run(cmd, shell=True, check=True, env=pg_env(), timeout=DUMP_TIMEOUT)  #@V')
    flags = ", ".join(f'"{x}"' for x in extra_flag.split())
    sfix = ('table_args = [f"--table={schema}.{t}" for t in tables]\n'
            f'cmd = ["pg_dump", "--format={fmt}", {flags}, *table_args, f"--file={{out}}", database_dsn()]\n'
            'subprocess.run(cmd, check=True, env=pg_env(), timeout=DUMP_TIMEOUT)')
    prune = '''
        def prune_exports(days: int = RETENTION_DAYS) -> int:
            """Delete export files older than ``days``; returns how many were removed."""
            cutoff = time.time() - days * 86400
            removed = 0
            for p in EXPORT_DIR.glob("*.$EXT"):
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            log.info("pruned %d old exports", removed)
            return removed
    '''
    listing = '''
        def list_exports(schema: str) -> list[dict]:
            """The export files of one schema, newest first."""
            files = sorted(EXPORT_DIR.glob(f"{schema}-*.$EXT"), key=lambda p: p.stat().st_mtime, reverse=True)
            return [{"name": p.name, "size": p.stat().st_size} for p in files]
    '''
    checksum = '''
        def file_sha256(path: Path) -> str:
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            return h.hexdigest()
    '''
    extras = opt(c, prune, listing, checksum, sep="\n\n\n")
    if c.fw == "django":
        fwimp = ("from django.contrib.admin.views.decorators import staff_member_required\n"
                 "from django.http import JsonResponse\n"
                 "from django.views.decorators.http import require_POST")
        entry = '''
            @staff_member_required
            @require_POST
            def export_tables(request):
                """Staff tool: dump the selected tables of the current tenant."""
                tables = request.POST.getlist("table")  #@S
                if not tables:
                    return JsonResponse({"error": "select at least one table"}, status=400)
                result = dump_tables(request.tenant.schema_name, tables)
                return JsonResponse({"file": result.path.name, "size": result.size, "seconds": round(result.seconds, 1)})
        '''
    elif c.fw == "celery":
        fwimp = "from celery import shared_task"
        entry = f'''
            @shared_task(bind=True, max_retries=2, acks_late=True)
            def export_tenant_tables(self, schema: str, payload: dict) -> dict:
                """Queued by the "export my data" page with the tables the tenant ticked."""
                tables = list(payload.get("tables") or DEFAULT_TABLES)  #@S
                try:
                    result = dump_tables(schema, tables)
                except subprocess.TimeoutExpired as exc:
                    raise self.retry(exc=exc, countdown=300)
                return {{"file": result.path.name, "size": result.size}}
        '''
    else:
        fwimp = "from django.core.management.base import BaseCommand, CommandError"
        entry = '''
            class Command(BaseCommand):
                help = "Dump tables of a tenant schema (used by the support runbook and the export cron)."

                def add_arguments(self, parser):
                    parser.add_argument("schema")
                    parser.add_argument("--table", action="append", dest="tables", default=[])

                def handle(self, *args, **options):
                    tables = options["tables"] or list(DEFAULT_TABLES)  #@S
                    try:
                        result = dump_tables(options["schema"], tables)
                    except (ValueError, subprocess.CalledProcessError) as exc:
                        raise CommandError(str(exc))
                    self.stdout.write(self.style.SUCCESS(f"wrote {result.path} ({result.size} bytes)"))
        '''
    tables = c.pick('("customers", "orders", "invoices")', '("$w", "$w_items", "audit_log")',
                    '("accounts", "subscriptions", "$w")')
    tmpl = '''
        """Tenant data exports: dump selected tables of a tenant schema with pg_dump."""
        $HASHIMP
        import logging
        import os
        import re
        import subprocess
        import time
        from dataclasses import dataclass
        from pathlib import Path

        from django.conf import settings
        $FWIMP

        log = logging.getLogger("$w.exports")

        EXPORT_DIR = Path(getattr(settings, "TENANT_EXPORT_DIR", "/var/lib/$w/exports"))
        DUMP_TIMEOUT = $TIMEOUT
        RETENTION_DAYS = $RET
        DEFAULT_TABLES = $TABLES
        SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{2,62}$")


        @dataclass
        class DumpResult:
            path: Path
            size: int
            seconds: float


        def database_dsn() -> str:
            db = settings.DATABASES["default"]
            return f"postgresql://{db['USER']}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"


        def pg_env() -> dict[str, str]:
            """Environment for pg_dump: the password travels in PGPASSWORD, not on the command line."""
            env = dict(os.environ)
            env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
            return env


        def export_path(schema: str) -> Path:
            EXPORT_DIR.mkdir(parents=True, exist_ok=True)
            return EXPORT_DIR / f"{schema}-{time.strftime('%Y%m%d-%H%M%S')}.$EXT"


        def dump_tables(schema: str, tables: list[str]) -> DumpResult:
            """Run pg_dump for some tables of one tenant schema."""
            if not SCHEMA_RE.match(schema):
                raise ValueError(f"bad schema name: {schema!r}")
            out = export_path(schema)
            started = time.monotonic()
            $FIX
            size = out.stat().st_size if out.is_file() else 0
            log.info("dumped %d tables of %s to %s", len(tables), schema, out)
            return DumpResult(out, size, time.monotonic() - started)


        $EXTRAS


        $ENTRY
    '''
    v, s = pair(tmpl, vfix, sfix, HASHIMP="import hashlib" if "file_sha256" in extras else "",
                FWIMP=fwimp, TIMEOUT=c.pick(600, 900, 1800), RET=c.pick(3, 7, 14), TABLES=tables,
                EXTRAS=extras, ENTRY=entry, EXT=ext, Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw=c.fw if c.fw != "cli" else "django",
                notes="the requested table names are pasted into a pg_dump command line that runs through the "
                      "shell, so a name such as 'x; curl ... | sh' runs commands; the fix passes an argument list "
                      "without a shell")


# ---------------- CWE-22: theme asset loader joining the requested asset path ----------------


@fam("mod2-theme-asset-traversal", "CWE-22", fws=["fastapi", "flask", "aiohttp", "django", "fastapi"], n=6, wrap=False)
def mod2_theme_assets(c):
    return _theme_assets(c)


def _theme_assets(c, hn=False):
    w, Wc = _w(c)
    default = c.pick("classic", "default", "light", "minimal")
    sub = c.pick("assets", "static", "public")
    vfix = (f'path = THEMES_DIR / theme.name / "{sub}" / asset  #@V\n'
            'if not path.is_file():\n'
            '    raise FileNotFoundError(asset)')
    sfix = (f'base = (THEMES_DIR / theme.name / "{sub}").resolve()\n'
            'path = (base / asset).resolve()\n'
            'if not path.is_relative_to(base) or not path.is_file():\n'
            '    raise FileNotFoundError(asset)')
    etag = '''
        def asset_etag(path: Path) -> str:
            st = path.stat()
            return f'W/"{st.st_mtime_ns:x}-{st.st_size:x}"'
    '''
    listing = f'''
        def list_assets(name: str) -> list[str]:
            """Relative paths of every file a theme ships (for the theme editor)."""
            base = THEMES_DIR / load_theme(name).name / "{sub}"
            return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    '''
    css = '''
        def stylesheet_url(name: str) -> str:
            theme = load_theme(name)
            return ASSET_URL.format(name=theme.name, asset=theme.stylesheet) + f"v={theme.version}"
    '''
    extras = opt(c, etag, listing, css, sep="\n\n\n")
    has_etag = "asset_etag" in extras
    if c.fw == "flask":
        fwimp = "from flask import Flask, Response, abort, jsonify, request"
        entry = f'''
            app = Flask(__name__)


            @app.get("/themes")
            def themes():
                return jsonify(themes=installed_themes(), default=DEFAULT_THEME)


            @app.get("/themes/<name>/asset")
            def theme_asset(name: str):
                asset = request.args.get("file", "")  #@S
                try:
                    data, ctype = read_asset(name, asset)
                except FileNotFoundError:
                    abort(404)
                resp = Response(data, mimetype=ctype)
                resp.headers["Cache-Control"] = f"public, max-age={{ASSET_MAX_AGE}}"
                return resp
        '''
    elif c.fw == "fastapi":
        fwimp = "from fastapi import FastAPI, HTTPException, Response"
        entry = f'''
            app = FastAPI()


            @app.get("/themes")
            def themes() -> dict:
                return {{"themes": installed_themes(), "default": DEFAULT_THEME}}


            @app.get("/themes/{{name}}/{{asset:path}}")
            def theme_asset(name: str, asset: str) -> Response:
                requested = asset.lstrip("/")  #@S
                try:
                    data, ctype = read_asset(name, requested)
                except FileNotFoundError:
                    raise HTTPException(status_code=404)
                return Response(data, media_type=ctype, headers={{"Cache-Control": f"public, max-age={{ASSET_MAX_AGE}}"}})
        '''
    elif c.fw == "aiohttp":
        fwimp = "from aiohttp import web"
        entry = f'''
            async def theme_asset(request: web.Request) -> web.Response:
                asset = request.match_info["asset"]  #@S
                try:
                    data, ctype = read_asset(request.match_info["name"], asset)
                except FileNotFoundError:
                    raise web.HTTPNotFound()
                return web.Response(body=data, content_type=ctype,
                                    headers={{"Cache-Control": f"public, max-age={{ASSET_MAX_AGE}}"}})


            async def themes(request: web.Request) -> web.Response:
                return web.json_response({{"themes": installed_themes(), "default": DEFAULT_THEME}})


            app = web.Application()
            app.router.add_get("/themes", themes)
            app.router.add_get("/themes/{{name}}/{{asset:.+}}", theme_asset)
        '''
    else:
        fwimp = "from django.http import Http404, HttpResponse, JsonResponse"
        entry = f'''
            def themes(request):
                return JsonResponse({{"themes": installed_themes(), "default": DEFAULT_THEME}})


            def theme_asset(request, name: str):
                asset = request.GET.get("file", "")  #@S
                try:
                    data, ctype = read_asset(name, asset)
                except FileNotFoundError:
                    raise Http404("no such asset")
                resp = HttpResponse(data, content_type=ctype)
                resp["Cache-Control"] = f"public, max-age={{ASSET_MAX_AGE}}"
                return resp
        '''
    tmpl = f'''
        """$Wc storefront themes: installed themes, their manifests and their static assets."""
        from __future__ import annotations

        import json
        import logging
        import mimetypes
        import os
        from dataclasses import dataclass
        from functools import lru_cache
        from pathlib import Path

        $FWIMP

        log = logging.getLogger("$w.themes")

        THEMES_DIR = Path(os.environ.get("THEMES_DIR", "{c.pick("/srv/$w/themes", "/opt/$w/themes", "/var/www/$w/themes")}")).resolve()
        DEFAULT_THEME = "{default}"
        ASSET_MAX_AGE = {c.pick(3600, 86400, 604800)}
        ASSET_URL = "{"/themes/{name}/asset?file={asset}&" if c.fw in ("flask", "django") else "/themes/{name}/{asset}?"}"


        @dataclass(frozen=True)
        class Theme:
            name: str
            title: str
            version: str
            stylesheet: str


        def installed_themes() -> list[str]:
            return sorted(p.name for p in THEMES_DIR.iterdir() if (p / "theme.json").is_file())


        @lru_cache(maxsize=64)
        def load_theme(name: str) -> Theme:
            """A theme's manifest; unknown names fall back to the default theme."""
            if name not in installed_themes():
                log.debug("unknown theme %r, using %s", name, DEFAULT_THEME)
                name = DEFAULT_THEME
            meta = json.loads((THEMES_DIR / name / "theme.json").read_text(encoding="utf-8"))
            return Theme(name=name, title=meta.get("title", name), version=str(meta.get("version", "0")),
                         stylesheet=meta.get("stylesheet", "style.css"))


        def theme_context(name: str | None) -> dict:
            """Template variables for pages rendered with the visitor's chosen theme."""
            theme = load_theme(name or DEFAULT_THEME)
            return {{
                "theme_name": theme.name,
                "theme_title": theme.title,
                "theme_css": ASSET_URL.format(name=theme.name, asset=theme.stylesheet),
            }}


        def reload_themes() -> None:
            load_theme.cache_clear()
            log.info("theme cache cleared, %d themes installed", len(installed_themes()))


        $EXTRAS


        def read_asset(name: str, asset: str) -> tuple[bytes, str]:
            """Bytes and content type of one static file of a theme."""
            theme = load_theme(name)
            $FIX
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return path.read_bytes(), ctype  #@V


        $ENTRY
    '''
    if hn:
        sfix = c.pick(
            (f'base = os.path.realpath(os.path.join(THEMES_DIR, theme.name, "{sub}"))\n'
             'full = os.path.realpath(os.path.join(base, asset))\n'
             'if os.path.commonpath([base, full]) != base or not os.path.isfile(full):\n'
             '    raise FileNotFoundError(asset)\n'
             'path = Path(full)'),
            (f'base = THEMES_DIR / theme.name / "{sub}"\n'
             'shipped = {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}\n'
             'if asset not in shipped:\n'
             '    raise FileNotFoundError(asset)\n'
             'path = base / asset'))
        _, s = pair(tmpl, vfix, sfix, FWIMP=fwimp, EXTRAS=extras, ENTRY=entry, Wc=Wc, w=w)
        return Spec(v="", s=s, full=True, fw=c.fw,
                    notes="the requested asset path is resolved and checked against the theme's asset directory "
                          "(or against the files the theme ships) before it is read")
    v, s = pair(tmpl, vfix, sfix, FWIMP=fwimp, EXTRAS=extras, ENTRY=entry, Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the requested asset path is joined under the theme directory without resolving it, so "
                      "'../../' segments read any file the process can; the fix resolves the path and requires "
                      "it to stay inside the theme's asset directory")


@hardneg(3)
def mod2_theme_assets_hn(c):
    return _theme_assets(c, hn=True)


# ---------------- CWE-918: chat link preview fetching any URL of a message ----------------


@fam("mod2-chat-link-preview-ssrf", "CWE-918", fws=["fastapi", "aiohttp", "flask", "celery"], n=6, wrap=False)
def mod2_link_preview(c):
    return _link_preview(c)


def _link_preview(c, hn=False):
    c.fw = c.pick("fastapi", "aiohttp", "flask", "celery")  # the first draw of make_ctx repeats across seeds
    w, Wc = _w(c)
    sync = c.fw in ("flask", "celery")
    aw = "" if sync else "await "
    asy = "" if sync else "async "
    if sync:
        libimp = "import requests"
        check = "is_public_host(parts.hostname)"
        get_page = ('resp = requests.get(url, timeout=TIMEOUT, allow_redirects=False, stream=True,  #@V\n'
                    '                    headers={"User-Agent": USER_AGENT})\n'
                    'body = resp.raw.read(MAX_BYTES, decode_content=True)')
        get_img = ('resp = requests.get(url, timeout=TIMEOUT, allow_redirects=False, headers={"User-Agent": USER_AGENT})\n'
                   'data = resp.content[:MAX_IMAGE_BYTES]')
        ctype = 'resp.headers.get("Content-Type", "")'
    else:
        libimp = "import asyncio\n\nimport httpx"
        check = "await asyncio.to_thread(is_public_host, parts.hostname)"
        get_page = ('async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False,\n'
                    '                             headers={"User-Agent": USER_AGENT}) as client:\n'
                    '    resp = await client.get(url)  #@V\n'
                    'body = resp.content[:MAX_BYTES]')
        get_img = ('async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:\n'
                   '    resp = await client.get(url)\n'
                   'data = resp.content[:MAX_IMAGE_BYTES]')
        ctype = 'resp.headers.get("content-type", "")'
    sfix = ("if not " + check + ":\n"
            '    log.info("not unfurling %s: private or unresolvable host", parts.hostname)\n'
            "    return None")
    timeout = c.pick("4.0", "5.0", "8.0")
    tmpl_top = f'''
        """Link previews for $w chat: unfurl the first URL of a message into a title, text and image."""
        from __future__ import annotations

        import ipaddress
        import logging
        import re
        import socket
        from dataclasses import asdict, dataclass
        from html.parser import HTMLParser
        from urllib.parse import urlsplit

        $LIBIMP
        $FWIMP

        log = logging.getLogger("$w.unfurl")

        URL_RE = re.compile(r"https?://[^\\s<>\\"']+")
        MAX_BYTES = {c.pick("256 * 1024", "512 * 1024", "1024 * 1024")}
        MAX_IMAGE_BYTES = 2 * 1024 * 1024
        TIMEOUT = {timeout}
        USER_AGENT = "{Wc}Bot/{c.pick("1.0", "2.3", "0.9")} (link previews)"


        @dataclass
        class Preview:
            url: str
            title: str | None = None
            description: str | None = None
            image: str | None = None


        class MetaParser(HTMLParser):
            """Collects the <title> and the OpenGraph / Twitter card meta tags of a page."""

            def __init__(self) -> None:
                super().__init__()
                self.meta: dict[str, str] = {{}}
                self.title = ""
                self._in_title = False

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "meta" and a.get("content"):
                    key = (a.get("property") or a.get("name") or "").lower()
                    if key:
                        self.meta.setdefault(key, a["content"])
                elif tag == "title":
                    self._in_title = True

            def handle_endtag(self, tag):
                if tag == "title":
                    self._in_title = False

            def handle_data(self, data):
                if self._in_title:
                    self.title += data


        def first_url(text: str) -> str | None:
            m = URL_RE.search(text or "")
            return m.group(0).rstrip(".,;)") if m else None


        def is_public_host(host: str) -> bool:
            """True when every address the host resolves to is a public unicast address."""
            try:
                infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
            except socket.gaierror:
                return False
            return all(ipaddress.ip_address(i[4][0]).is_global for i in infos)


        {asy}def fetch_image(url: str) -> bytes | None:
            """Preview images are proxied through us, so only public hosts are fetched."""
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname or not {check}:
                return None
            $GETIMG
            return data if {ctype}.startswith("image/") else None


        {asy}def unfurl(url: str) -> Preview | None:
            """Fetch a page and build its preview card."""
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return None
            $FIX
            $GETPAGE
            if resp.status_code != 200 or "html" not in {ctype}:
                return None
            parser = MetaParser()
            parser.feed(body.decode(resp.encoding or "utf-8", errors="replace"))
            m = parser.meta
            return Preview(url=url, title=(m.get("og:title") or parser.title.strip() or None),
                           description=m.get("og:description") or m.get("description"),
                           image=m.get("og:image") or m.get("twitter:image"))
    '''
    if c.fw == "fastapi":
        fwimp = "from fastapi import FastAPI, Request"
        entry = '''
            app = FastAPI()


            @app.post("/chat/events")
            async def on_event(request: Request) -> dict:
                """Called by the chat backend for every new message."""
                event = (await request.json()).get("event", {})
                text = event.get("text", "")  #@S
                url = first_url(text)
                if not url or event.get("subtype") == "bot_message":
                    return {"unfurl": None}
                preview = await unfurl(url)
                return {"unfurl": asdict(preview) if preview else None}
        '''
    elif c.fw == "aiohttp":
        fwimp = "from aiohttp import web"
        entry = '''
            async def on_message(request: web.Request) -> web.Response:
                message = await request.json()
                text = message.get("body", "")  #@S
                url = first_url(text)
                preview = await unfurl(url) if url else None
                return web.json_response({"message_id": message.get("id"), "unfurl": asdict(preview) if preview else None})


            app = web.Application()
            app.router.add_post("/hooks/message", on_message)
        '''
    elif c.fw == "flask":
        fwimp = "from flask import Flask, jsonify, request"
        entry = '''
            app = Flask(__name__)


            @app.post("/chat/unfurl")
            def unfurl_message():
                payload = request.get_json(force=True)
                text = payload.get("text", "")  #@S
                url = first_url(text)
                preview = unfurl(url) if url else None
                return jsonify(channel=payload.get("channel"), unfurl=asdict(preview) if preview else None)
        '''
    else:
        fwimp = "from celery import shared_task\n\nfrom chat.models import Message"
        entry = '''
            @shared_task(ignore_result=True, soft_time_limit=30)
            def unfurl_message(message_id: int) -> None:
                """Queued after a message is posted; stores the preview card on the message."""
                message = Message.objects.get(pk=message_id)
                url = first_url(message.text)  #@S
                if not url:
                    return
                preview = unfurl(url)
                if preview:
                    message.preview = asdict(preview)
                    message.save(update_fields=["preview"])
        '''
    tmpl = tmpl_top + "\n\n" + "\n".join("        " + l if l.strip() else "" for l in dedent(entry).split("\n"))
    if hn:
        providers = c.pick('("youtube.com", "vimeo.com", "github.com", "wikipedia.org")',
                           '("github.com", "gitlab.com", "figma.com", "loom.com")',
                           '("youtube.com", "twitter.com", "x.com", "medium.com", "wikipedia.org")')
        sfix = ('host = parts.hostname.lower()\n'
                f'known = {providers}\n'
                'if not any(host == d or host.endswith("." + d) for d in known):\n'
                '    log.debug("no preview for %s: not a known provider", host)\n'
                '    return None')
        _, s = pair(tmpl, "", sfix, LIBIMP=libimp, FWIMP=fwimp, GETPAGE=get_page, GETIMG=get_img, Wc=Wc, w=w)
        return Spec(v="", s=s, full=True, fw=c.fw,
                    notes="previews are only fetched for a fixed list of provider domains, so the message URL "
                          "cannot point the fetch at internal hosts")
    v, s = pair(tmpl, "", sfix, LIBIMP=libimp, FWIMP=fwimp, GETPAGE=get_page, GETIMG=get_img, Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="unfurl fetches whatever URL a chat message contains, including internal hosts and the "
                      "cloud metadata address, and returns what it read; the image proxy checks the host but "
                      "the page fetch does not; the fix applies the same public-host check before fetching")


@hardneg(3)
def mod2_link_preview_hn(c):
    return _link_preview(c, hn=True)


# ---------------- CWE-502: Redis job-queue worker that unpickles its payloads ----------------


@fam("mod2-redis-jobqueue-pickle", "CWE-502", fws=["queue", "script"], n=6, wrap=False)
def mod2_redis_jobqueue(c):
    w, Wc = _w(c)
    z = c.pick(True, False)
    dec = "zlib.decompress(raw)" if z else "raw"
    vload, sload = f"job = pickle.loads({dec})  #@V", f"job = json.loads({dec})"
    enc = (lambda e: f"zlib.compress({e})") if z else (lambda e: e)
    vdump, sdump = enc("pickle.dumps(job)"), enc("json.dumps(job).encode()")
    t1 = '''
        @task("send_digest")
        def send_digest(user_id: int, period: str = "weekly") -> dict:
            from $w.mail import render_digest, send_mail

            msg = render_digest(user_id, period)
            send_mail(msg)
            return {"user_id": user_id, "period": period}
    '''
    t2 = '''
        @task("rebuild_thumbnails")
        def rebuild_thumbnails(asset_id: int, sizes: list[int] | None = None) -> int:
            from $w.media import make_thumbnail

            done = 0
            for size in sizes or [128, 512]:
                make_thumbnail(asset_id, size)
                done += 1
            return done
    '''
    t3 = '''
        @task("recalculate_totals")
        def recalculate_totals(account_id: int) -> None:
            from $w.billing import Ledger

            Ledger.for_account(account_id).recalculate()
    '''
    tasks = opt(c, t1, t2, t3, k=c.pick(1, 2), sep="\n\n\n")
    if c.fw == "script":
        main = '''
            def main() -> None:
                logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
                signal.signal(signal.SIGTERM, _stop)
                signal.signal(signal.SIGINT, _stop)
                work(connect())
        '''
    else:
        main = '''
            def main(argv: list[str] | None = None) -> int:
                import argparse

                parser = argparse.ArgumentParser(description="Run $w background jobs")
                parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                signal.signal(signal.SIGTERM, _stop)
                work(connect(), burst=args.burst)
                return 0
        '''
    tmpl = f'''
        """Background jobs for $w: a small Redis-backed queue (the web app enqueues, workers run them)."""
        from __future__ import annotations

        import json
        import logging
        import os
        $PICKLEIMP
        import signal
        import time
        import uuid
        $ZLIBIMP
        from typing import Any, Callable

        import redis

        log = logging.getLogger("$w.jobs")

        QUEUE_KEY = "{c.pick("$w:jobs", "jobs:$w", "$w:queue:default")}"
        DEAD_KEY = QUEUE_KEY + ":dead"
        RESULT_TTL = {c.pick(600, 3600, 86400)}
        MAX_ATTEMPTS = {c.pick(3, 5)}
        TASKS: dict[str, Callable[..., Any]] = {{}}
        _running = True


        def task(name: str):
            """Register a function as a job the workers may run."""
            def deco(fn):
                TASKS[name] = fn
                return fn
            return deco


        def connect() -> redis.Redis:
            return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


        def enqueue(r: redis.Redis, name: str, **kwargs: Any) -> str:
            if name not in TASKS:
                raise KeyError(f"unknown task {{name}}")
            job = {{"id": uuid.uuid4().hex, "task": name, "kwargs": kwargs, "attempts": 0, "queued_at": time.time()}}
            r.lpush(QUEUE_KEY, $FIX2)
            return job["id"]


        def run_job(r: redis.Redis, job: dict) -> None:
            fn = TASKS.get(job.get("task"))
            if fn is None:
                log.error("dropping job %s: unknown task %r", job.get("id"), job.get("task"))
                return
            try:
                result = fn(**job.get("kwargs", {{}}))
            except Exception:
                job["attempts"] = job.get("attempts", 0) + 1
                log.exception("job %s (%s) failed, attempt %d", job["id"], job["task"], job["attempts"])
                r.lpush(QUEUE_KEY if job["attempts"] < MAX_ATTEMPTS else DEAD_KEY, $FIX3)
                return
            r.setex(f"{{QUEUE_KEY}}:result:{{job['id']}}", RESULT_TTL, json.dumps(result, default=str))


        def _stop(signum, frame) -> None:
            global _running
            log.info("signal %s: finishing the current job", signum)
            _running = False


        def work(r: redis.Redis, burst: bool = False) -> None:
            log.info("worker listening on %s (%d tasks)", QUEUE_KEY, len(TASKS))
            while _running:
                item = r.brpop(QUEUE_KEY, timeout=5)
                if item is None:
                    if burst:
                        break
                    continue
                _, raw = item  #@S
                $FIX
                run_job(r, job)


        $TASKS


        $MAIN


        if __name__ == "__main__":
            raise SystemExit(main())
    '''
    v, s = pair(tmpl, (vload, vdump, vdump), (sload, sdump, sdump), TASKS=tasks, MAIN=main,
                ZLIBIMP="import zlib" if z else "", Wc=Wc, w=w, PICKLEIMP="import pickle  #@PK")
    v = v.replace("  #@PK", "")
    s = s.replace("import pickle  #@PK\n", "")
    return Spec(v=v, s=s, full=True, fw="queue" if c.fw == "queue" else "script",
                notes="the worker unpickles whatever it pops from the Redis list, so anyone who can write to "
                      "Redis (or to the queue through another bug) runs code in the worker; the fix stores and "
                      "reads jobs as JSON, which the task registry already requires")


# ---------------- CWE-94: multi-tenant rules engine exec'ing rule conditions ----------------


@fam("mod2-tenant-rules-exec", "CWE-94", fws=["pipeline", "flask"], n=6, wrap=False)
def mod2_tenant_rules(c):
    w, Wc = _w(c)
    c.fw = c.pick("pipeline", "flask", "fastapi")
    fields = c.pick('("amount", "currency", "country", "customer_tier", "item_count")',
                    '("total", "country", "channel", "items", "is_first_order", "coupon")',
                    '("amount", "risk_score", "country", "payment_method", "account_age_days")')
    vfix = ('args = ", ".join(FIELDS)\n'
            'src = f"def predicate({args}):\\n    return bool({rule.condition})\\n"\n'
            'namespace: dict[str, Any] = {}\n'
            'exec(src, {"__builtins__": {}}, namespace)  #@V\n'
            'fn = namespace["predicate"]\n'
            'return lambda facts: fn(**{k: facts.get(k) for k in FIELDS})')
    sfix = ('return lambda facts: bool(simple_eval(rule.condition, names={k: facts.get(k) for k in FIELDS}))')
    a1 = '''
        def tag_order(facts: dict, params: dict) -> None:
            facts.setdefault("tags", []).append(params.get("tag", "flagged"))
    '''
    a2 = '''
        def hold_for_review(facts: dict, params: dict) -> None:
            facts["status"] = "on_hold"
            log.info("order %s held by a rule: %s", facts.get("id"), params.get("reason", "-"))
    '''
    a3 = '''
        def notify(facts: dict, params: dict) -> None:
            OUTBOX.append({"channel": params.get("channel", "ops"), "order": facts.get("id")})
    '''
    acts = [a for a in (a1, a2, a3) if c.rng.random() < 0.7] or [a1]
    act_names = [a.split("def ")[1].split("(")[0] for a in acts]
    actions = "\n\n\n".join(dedent(a).strip("\n") for a in acts)
    act_map = "{" + ", ".join(f'"{n}": {n}' for n in act_names) + "}"
    if c.fw == "pipeline":
        entry = '''
            def handle_order_event(engine: RuleEngine, message: dict) -> dict:
                """Consumer callback: run the tenant's rules on every new order."""
                facts = dict(message["order"])
                fired = engine.evaluate(int(message["tenant_id"]), facts)
                log.debug("order %s: rules fired %s", facts.get("id"), fired)
                return {"order_id": facts.get("id"), "fired": fired, "status": facts.get("status", "open")}
        '''
        src_line = 'condition=row[3],  #@S'
        fwimp = ""
    elif c.fw == "flask":
        entry = '''
            app = Flask(__name__)


            @app.post("/settings/rules/test")
            @tenant_admin_required
            def test_rule():
                """Rule editor: try a condition against a sample order before saving it."""
                body = request.get_json(force=True)
                rule = Rule(id=0, tenant_id=g.tenant_id, name="preview",
                            condition=str(body.get("condition", "")),  #@S
                            action="tag_order" if "tag_order" in ACTIONS else next(iter(ACTIONS)))
                try:
                    matched = compile_rule(rule)(dict(body.get("sample", {})))
                except Exception as exc:
                    return jsonify(ok=False, error=exc.__class__.__name__), 400
                return jsonify(ok=True, matched=bool(matched))
        '''
        src_line = 'condition=row[3],  #@S'  # stored rules run on every order: a second source
        fwimp = "from flask import Flask, g, jsonify, request\n\nfrom $w.auth import tenant_admin_required"
    else:
        entry = '''
            app = FastAPI()


            class Sample(BaseModel):
                condition: str
                sample: dict = {}


            @app.post("/settings/rules/test")
            def test_rule(body: Sample, tenant_id: int = Depends(current_tenant_admin)) -> dict:
                """Rule editor: try a condition against a sample order before saving it."""
                rule = Rule(id=0, tenant_id=tenant_id, name="preview",
                            condition=body.condition.strip(),  #@S
                            action=next(iter(ACTIONS)))
                try:
                    matched = compile_rule(rule)(dict(body.sample))
                except Exception as exc:
                    raise HTTPException(status_code=400, detail=exc.__class__.__name__)
                return {"matched": bool(matched)}
        '''
        src_line = 'condition=row[3],  #@S'  # stored rules run on every order: a second source
        fwimp = ("from fastapi import Depends, FastAPI, HTTPException\nfrom pydantic import BaseModel\n\n"
                 "from $w.auth import current_tenant_admin")
    tmpl = f'''
        """$Wc order rules: tenants write conditions over an order's fields (in the settings UI) and
        pick an action; the rules are stored per tenant and run on every new order."""
        from __future__ import annotations

        import json
        import logging
        import sqlite3
        import time
        from dataclasses import dataclass, field
        from typing import Any, Callable

        $SIMPLEIMP
        $FWIMP

        log = logging.getLogger("$w.rules")

        FIELDS = {fields}
        CACHE_TTL = {c.pick(30, 60, 300)}
        OUTBOX: list[dict] = []


        @dataclass
        class Rule:
            id: int
            tenant_id: int
            name: str
            condition: str
            action: str
            params: dict = field(default_factory=dict)


        $ACTIONS


        ACTIONS: dict[str, Callable[[dict, dict], None]] = {act_map}


        def load_rules(conn: sqlite3.Connection, tenant_id: int) -> list[Rule]:
            rows = conn.execute(
                "SELECT id, tenant_id, name, condition, action, params FROM rules "
                "WHERE tenant_id = ? AND enabled = 1 ORDER BY priority",
                (tenant_id,),
            ).fetchall()
            return [Rule(id=row[0], tenant_id=row[1], name=row[2],
                         $SRCLINE
                         action=row[4], params=json.loads(row[5] or "{{}}")) for row in rows]


        def compile_rule(rule: Rule) -> Callable[[dict], bool]:
            """Turn a rule's condition (e.g. ``amount > 500 and country != "DE"``) into a predicate."""
            $FIX


        class RuleEngine:
            def __init__(self, conn: sqlite3.Connection) -> None:
                self.conn = conn
                self._cache: dict[int, tuple[float, list]] = {{}}

            def rules_for(self, tenant_id: int) -> list[tuple[Rule, Callable[[dict], bool]]]:
                hit = self._cache.get(tenant_id)
                if hit and time.monotonic() - hit[0] < CACHE_TTL:
                    return hit[1]
                compiled = []
                for rule in load_rules(self.conn, tenant_id):
                    if rule.action not in ACTIONS:
                        log.warning("rule %s has unknown action %r", rule.id, rule.action)
                        continue
                    compiled.append((rule, compile_rule(rule)))
                self._cache[tenant_id] = (time.monotonic(), compiled)
                return compiled

            def evaluate(self, tenant_id: int, facts: dict) -> list[str]:
                fired = []
                for rule, predicate in self.rules_for(tenant_id):
                    try:
                        matched = predicate(facts)
                    except Exception:
                        log.warning("rule %s of tenant %s failed", rule.id, tenant_id)
                        continue
                    if matched:
                        ACTIONS[rule.action](facts, rule.params)
                        fired.append(rule.name)
                return fired


        $ENTRY
    '''
    v, s = pair(tmpl, vfix, sfix, ACTIONS=actions, SRCLINE=src_line, FWIMP=fwimp, ENTRY=entry, Wc=Wc, w=w,
                SIMPLEIMP="$SIMPLEIMP")
    v = v.replace("$SIMPLEIMP\n", "")
    s = s.replace("$SIMPLEIMP", "from simpleeval import simple_eval")
    s = s.replace("from typing import Any, Callable", "from typing import Callable")
    if not fwimp:
        v, s = v.replace("from typing import Any, Callable\n\n\n", "from typing import Any, Callable\n\n"), s
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="tenant-written rule conditions are pasted into Python source and exec'd (an empty "
                      "__builtins__ is no sandbox), so one tenant runs code on the shared service; the fix "
                      "evaluates the condition with simpleeval's restricted expression evaluator")


# ---------------- CWE-327: encrypted model field built on Triple-DES / Blowfish ----------------


@fam("mod2-encrypted-field-3des", "CWE-327", fws=["django", "flask"], n=6, wrap=False)
def mod2_encrypted_field(c):
    w, Wc = _w(c)
    lib = c.pick("crypto3des", "dome3des", "blowfish")
    if lib == "crypto3des":
        vimp = ("from cryptography.hazmat.primitives import padding\n"
                "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        venc = '''
            def encrypt_value(plain: str) -> str:
                iv = os.urandom(8)
                padder = padding.PKCS7(64).padder()
                data = padder.update(plain.encode()) + padder.finalize()
                enc = Cipher(algorithms.TripleDES(field_key()), modes.CBC(iv)).encryptor()  #@V
                return PREFIX + base64.urlsafe_b64encode(iv + enc.update(data) + enc.finalize()).decode()


            def decrypt_value(token: str) -> str:
                raw = base64.urlsafe_b64decode(token[len(PREFIX):])
                dec = Cipher(algorithms.TripleDES(field_key()), modes.CBC(raw[:8])).decryptor()  #@V
                data = dec.update(raw[8:]) + dec.finalize()
                unpadder = padding.PKCS7(64).unpadder()
                return (unpadder.update(data) + unpadder.finalize()).decode()
        '''
        klen = 24
    else:
        mod = "DES3" if lib == "dome3des" else "Blowfish"
        vimp = f"from Crypto.Cipher import {mod}\nfrom Crypto.Util.Padding import pad, unpad"
        venc = f'''
            def encrypt_value(plain: str) -> str:
                cipher = {mod}.new(field_key(), {mod}.MODE_CBC)  #@V
                body = cipher.encrypt(pad(plain.encode(), {mod}.block_size))
                return PREFIX + base64.urlsafe_b64encode(cipher.iv + body).decode()


            def decrypt_value(token: str) -> str:
                raw = base64.urlsafe_b64decode(token[len(PREFIX):])
                cipher = {mod}.new(field_key(), {mod}.MODE_CBC, iv=raw[:8])  #@V
                return unpad(cipher.decrypt(raw[8:]), {mod}.block_size).decode()
        '''
        klen = 24 if mod == "DES3" else 16
    senc = '''
        def encrypt_value(plain: str) -> str:
            nonce = os.urandom(12)
            sealed = AESGCM(field_key()).encrypt(nonce, plain.encode(), PREFIX.encode())
            return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


        def decrypt_value(token: str) -> str:
            raw = base64.urlsafe_b64decode(token[len(PREFIX):])
            return AESGCM(field_key()).decrypt(raw[:12], raw[12:], PREFIX.encode()).decode()
    '''
    simp = "from cryptography.hazmat.primitives.ciphers.aead import AESGCM"
    mask = '''
        def mask(value: str | None, keep: int = 4) -> str:
            """For logs and admin lists: only the last characters of a secret value."""
            if not value:
                return ""
            return "*" * max(len(value) - keep, 0) + value[-keep:]
    '''
    envkey = w.upper() + "_FIELD_KEY"
    f1, f2 = c.pick(("tax_id", "iban"), ("phone", "date_of_birth"), ("passport_no", "phone"), ("iban", "national_id"))
    if c.fw == "django":
        fwimp = "from django.conf import settings\nfrom django.db import models"
        keysrc = f'settings.{envkey}'
        model = f'''
            class EncryptedTextField(models.TextField):
                """A TextField whose value is encrypted before it is written to the database."""

                description = "Text encrypted at rest"

                def from_db_value(self, value, expression, connection):
                    if value is None or not value.startswith(PREFIX):
                        return value
                    return decrypt_value(value)

                def get_prep_value(self, value):
                    value = super().get_prep_value(value)
                    if value in (None, "") or value.startswith(PREFIX):
                        return value
                    return encrypt_value(value)


            class {Wc}Customer(models.Model):
                email = models.EmailField(unique=True)
                name = models.CharField(max_length=200)
                {f1} = EncryptedTextField(blank=True, default="")
                {f2} = EncryptedTextField(blank=True, default="")
                {f1}_index = models.CharField(max_length=64, db_index=True, editable=False, default="")
                created_at = models.DateTimeField(auto_now_add=True)

                class Meta:
                    db_table = "{w}_customers"

                def save(self, *args, **kwargs):
                    self.{f1}_index = blind_index(self.{f1}) if self.{f1} else ""
                    super().save(*args, **kwargs)

                @classmethod
                def find_by_{f1}(cls, value: str) -> "{Wc}Customer | None":
                    return cls.objects.filter({f1}_index=blind_index(value)).first()

                def __str__(self) -> str:
                    return f"{{self.name}} <{{self.email}}>"
        '''
    else:
        fwimp = ("from flask_sqlalchemy import SQLAlchemy\n"
                 "from sqlalchemy import String, Text\n"
                 "from sqlalchemy.orm import Mapped, mapped_column\n"
                 "from sqlalchemy.types import TypeDecorator")
        keysrc = f'os.environ["{envkey}"]'
        model = f'''
            db = SQLAlchemy()


            class EncryptedText(TypeDecorator):
                """Text column encrypted before it is written to the database."""

                impl = Text
                cache_ok = True

                def process_bind_param(self, value, dialect):
                    return None if value is None else encrypt_value(value)

                def process_result_value(self, value, dialect):
                    return None if value is None else decrypt_value(value)


            class {Wc}Customer(db.Model):
                __tablename__ = "{w}_customers"

                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = mapped_column(String(255), unique=True)
                name: Mapped[str] = mapped_column(String(200))
                {f1}: Mapped[str | None] = mapped_column(EncryptedText)
                {f2}: Mapped[str | None] = mapped_column(EncryptedText)
                {f1}_index: Mapped[str | None] = mapped_column(String(64), index=True)

                def set_{f1}(self, value: str) -> None:
                    self.{f1} = value
                    self.{f1}_index = blind_index(value)

                @classmethod
                def find_by_{f1}(cls, value: str) -> "{Wc}Customer | None":
                    return db.session.execute(db.select(cls).filter_by({f1}_index=blind_index(value))).scalar_one_or_none()

                def to_admin_dict(self) -> dict:
                    return {{"id": self.id, "email": self.email, "{f1}": mask(self.{f1}), "{f2}": mask(self.{f2})}}
        '''
    tmpl = f'''
        """Encryption at rest for the personal data columns of $w customers ({f1}, {f2})."""
        from __future__ import annotations

        import base64
        import hashlib
        import hmac
        import logging
        import os
        from functools import lru_cache

        $CIMP
        $FWIMP

        log = logging.getLogger("$w.crypto")

        PREFIX = "{c.pick("enc1:", "v1$", "ENC:")}"
        $FIX2


        @lru_cache(maxsize=1)
        def field_key() -> bytes:
            """The column key, base64 in configuration; rotated with a data migration."""
            key = base64.b64decode({keysrc})
            if len(key) != KEY_LEN:
                raise RuntimeError(f"{envkey} must decode to {{KEY_LEN}} bytes")
            return key


        def blind_index(value: str) -> str:
            """Keyed digest of the normalised value, so an encrypted column can still be looked up."""
            norm = "".join(value.split()).upper()
            ikey = hashlib.sha256(b"blind-index:" + field_key()).digest()
            return hmac.new(ikey, norm.encode(), hashlib.sha256).hexdigest()


        $FIX


        $MASK


        $MODEL
    '''
    v, s = pair(tmpl, (venc, f"KEY_LEN = {klen}", vimp), (senc, "KEY_LEN = 32", simp), MODEL=model,
                MASK=mask if (c.fw == "flask" or c.pick(True, False)) else "", FWIMP=fwimp,
                CIMP="$FIX3", Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the personal-data columns are encrypted with a 64-bit-block legacy cipher (Triple-DES or "
                      "Blowfish, CBC without integrity); the fix uses AES-256-GCM")


# ---------------- CWE-295: internal mTLS client that does not verify the server ----------------


@fam("mod2-internal-mtls-client-noverify", "CWE-295", fws=["script", "pipeline"], n=6, wrap=False)
def mod2_internal_mtls(c):
    w, Wc = _w(c)
    lib = c.pick("httpx", "aiohttp", "requests", "httpx")
    svc = c.pick("inventory", "pricing", "ledger", "entitlements")
    Svc = svc.capitalize()
    ctx_v = ('ctx = ssl.create_default_context()\n'
             'ctx.load_cert_chain(cfg.cert, cfg.key)\n'
             'ctx.check_hostname = False  #@V\n'
             'ctx.verify_mode = ssl.CERT_NONE  #@V')
    ctx_s = ('ctx = ssl.create_default_context(cafile=cfg.ca_bundle)\n'
             'ctx.load_cert_chain(cfg.cert, cfg.key)')
    if lib == "httpx":
        libimp = "import httpx"
        init = '''
            def __init__(self, cfg: Settings | None = None) -> None:
                self.cfg = cfg or Settings()
                self.http = httpx.Client(base_url=self.cfg.base_url, verify=build_ssl_context(self.cfg),
                                         timeout=self.cfg.timeout, headers={"X-Caller": CALLER})
        '''
        call = '''
            def _call(self, method: str, path: str, body: dict | None = None) -> Any:
                resp = self.http.request(method, path, json=body)
                if resp.status_code >= 400:
                    raise ServiceError(resp.status_code, resp.text[:200])
                return resp.json() if resp.content else None
        '''
        fv, fs = ctx_v, ctx_s
        asy, aw = "", ""
    elif lib == "aiohttp":
        libimp = "import aiohttp"
        init = '''
            def __init__(self, cfg: Settings | None = None) -> None:
                self.cfg = cfg or Settings()
                self._session: aiohttp.ClientSession | None = None

            async def _sess(self) -> aiohttp.ClientSession:
                if self._session is None:
                    conn = aiohttp.TCPConnector(ssl=build_ssl_context(self.cfg), limit=20)
                    self._session = aiohttp.ClientSession(self.cfg.base_url, connector=conn, headers={"X-Caller": CALLER},
                                                          timeout=aiohttp.ClientTimeout(total=self.cfg.timeout))
                return self._session
        '''
        call = '''
            async def _call(self, method: str, path: str, body: dict | None = None) -> Any:
                session = await self._sess()
                async with session.request(method, path, json=body) as resp:
                    if resp.status >= 400:
                        raise ServiceError(resp.status, (await resp.text())[:200])
                    return await resp.json() if resp.content_length else None
        '''
        fv, fs = ctx_v, ctx_s
        asy, aw = "async ", "await "
    else:
        libimp = "import requests"
        init = '''
            def __init__(self, cfg: Settings | None = None) -> None:
                self.cfg = cfg or Settings()
                self.http = requests.Session()
                self.http.cert = (self.cfg.cert, self.cfg.key)
                self.http.headers["X-Caller"] = CALLER
        '''
        call = '''
            def _call(self, method: str, path: str, body: dict | None = None) -> Any:
                $FIX
                if resp.status_code >= 400:
                    raise ServiceError(resp.status_code, resp.text[:200])
                return resp.json() if resp.content else None
        '''
        fv = ("resp = self.http.request(method, self.cfg.base_url + path, json=body,\n"
              "                         timeout=self.cfg.timeout, verify=False)  #@V")
        fs = ("resp = self.http.request(method, self.cfg.base_url + path, json=body,\n"
              "                         timeout=self.cfg.timeout, verify=self.cfg.ca_bundle)")
        asy, aw = "", ""
    ctx_fn = '' if lib == "requests" else '''
        def build_ssl_context(cfg: Settings) -> ssl.SSLContext:
            """Client context that presents our service certificate (mutual TLS)."""
            $FIX
            return ctx
    '''
    health = f'''
        {asy}def healthy(self) -> bool:
            try:
                {aw}self._call("GET", "/healthz")
            except Exception:
                log.warning("{svc} service health check failed", exc_info=True)
                return False
            return True
    '''
    release = f'''
        {asy}def release(self, reservation_id: str) -> None:
            {aw}self._call("DELETE", f"/v1/reservations/{{reservation_id}}")
            log.info("released reservation %s", reservation_id)
    '''
    more = opt(c, health, release, sep="\n\n")
    tmpl = f'''
        """Client for the internal {svc} service, called by the $w backend over mutual TLS."""
        from __future__ import annotations

        import logging
        import os
        $SSLIMP
        from dataclasses import dataclass, field
        from typing import Any

        $LIBIMP

        log = logging.getLogger("$w.{svc}_client")

        CALLER = "$w-backend"


        def _env(name: str, default: str) -> str:
            return os.environ.get(f"{svc.upper()}_{{name}}", default)


        @dataclass
        class Settings:
            base_url: str = field(default_factory=lambda: _env("URL", "https://{svc}.{c.pick("internal", "svc.cluster.local", "corp.lan")}:8443"))
            cert: str = field(default_factory=lambda: _env("CLIENT_CERT", "/etc/$w/tls/client.crt"))
            key: str = field(default_factory=lambda: _env("CLIENT_KEY", "/etc/$w/tls/client.key"))
            ca_bundle: str = field(default_factory=lambda: _env("CA_BUNDLE", "/etc/$w/tls/internal-ca.pem"))
            timeout: float = {c.pick("5.0", "10.0", "3.0")}


        class ServiceError(RuntimeError):
            def __init__(self, status: int, detail: str) -> None:
                super().__init__(f"{svc} service returned {{status}}: {{detail}}")
                self.status = status


        @dataclass
        class Reservation:
            id: str
            sku: str
            quantity: int


        $CTXFN


        class {Svc}Client:
            """Stock checks and reservations against the {svc} service; one instance per process."""

            $INIT

            $CALL

            {asy}def stock(self, sku: str) -> int:
                data = {aw}self._call("GET", f"/v1/stock/{{sku}}")
                return int(data["available"])

            {asy}def reserve(self, sku: str, quantity: int, order_id: str) -> Reservation:
                if quantity <= 0:
                    raise ValueError("quantity must be positive")
                data = {aw}self._call("POST", "/v1/reservations", {{"sku": sku, "quantity": quantity, "order": order_id}})
                log.info("reserved %d x %s for order %s", quantity, sku, order_id)
                return Reservation(id=data["id"], sku=sku, quantity=quantity)

            $MORE
    '''
    v, s = pair(tmpl, fv, fs, SSLIMP="" if lib == "requests" else "import ssl", LIBIMP=libimp, CTXFN=ctx_fn, INIT=init, CALL=call, MORE=more, Wc=Wc, w=w)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the internal client presents a client certificate but never verifies the server's "
                      "certificate or host name, so anyone on the network path can impersonate the service and "
                      "read the traffic; the fix verifies against the internal CA bundle")
