"""Train-only injection families on libraries no other family uses (groups 89, 78, 77, 94, 117,
918, 1333): asyncpg fetch with a formatted query, sqlite-utils rows_where/count_where clauses,
pexpect driving bash -c, fabric Connection.run/sudo, plumbum bound commands (git option
injection), Genshi templates compiled from input, structlog ConsoleRenderer events, urllib3
PoolManager.request and httplib2 Http.request with a caller-chosen URL, and a marshmallow
validate.Regexp with a nested quantifier."""
from core import Spec
from registry import hardneg, fam, TAINT_FWS

ASYNC_FWS = ["aiohttp", "fastapi"]
SYNC_ADMIN_FWS = ["flask", "django", "script", "cli", "pipeline"]
SERVER_FWS = ["flask", "django", "fastapi", "aiohttp", "pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-89 SQL injection ----------------


@fam("sqli-asyncpg-fetch-format", "CWE-89", fws=ASYNC_FWS, keys=["status", "region", "owner"], n=8, wrap=False)
def sqli_asyncpg(c):
    _pin(c)
    x, q, rows = c.x, c.n("query"), c.n("rows")
    tbl = c.pick("orders", "shipments", "invoices")
    sql_v = f"SELECT id, reference, total FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY created_at DESC LIMIT 50"
    sql_s = f"SELECT id, reference, total FROM {tbl} WHERE {c.key} = $1 ORDER BY created_at DESC LIMIT 50"
    shape = c.pick("acquire", "pool")
    if shape == "acquire":
        v = f"""
            pool = await get_pool()
            {q} = {c.fmt(sql_v, x)}  #@V
            async with pool.acquire() as conn:
                {rows} = await conn.fetch({q})  #@V
            result = [{{"id": r["id"], "reference": r["reference"], "total": str(r["total"])}} for r in {rows}]
        """
        s = f"""
            pool = await get_pool()
            {q} = "{sql_s}"
            async with pool.acquire() as conn:
                {rows} = await conn.fetch({q}, {x})
            result = [{{"id": r["id"], "reference": r["reference"], "total": str(r["total"])}} for r in {rows}]
        """
    else:
        v = f"""
            pool = await get_pool()
            {rows} = await pool.fetch({c.fmt(sql_v, x)})  #@V
            result = [{{"id": r["id"], "reference": r["reference"], "total": str(r["total"])}} for r in {rows}]
        """
        s = f"""
            pool = await get_pool()
            {rows} = await pool.fetch("{sql_s}", {x})
            result = [{{"id": r["id"], "reference": r["reference"], "total": str(r["total"])}} for r in {rows}]
        """
    helpers = """
        _pool = None


        async def get_pool():
            global _pool
            if _pool is None:
                _pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=5)
            return _pool
    """
    return Spec(v=v, s=s, imports="import os\nimport asyncpg", helpers=helpers,
                notes="asyncpg sends the formatted text as the statement: a quote in the value ends the literal "
                      "and appends SQL; the fix uses the $1 placeholder and passes the value as an argument")


@hardneg(4)
def sqli_asyncpg_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        pool = await get_pool()
        async with pool.acquire() as conn:
            {rows} = await conn.fetch(
                "SELECT id, reference FROM orders WHERE {c.key} = $1 AND state = ANY($2::text[]) LIMIT 50",
                {x},
                ["open", "pending"],
            )
        result = [r["reference"] for r in {rows}]
    """
    helpers = """
        _pool = None


        async def get_pool():
            global _pool
            if _pool is None:
                _pool = await asyncpg.create_pool(os.environ["DATABASE_URL"])
            return _pool
    """
    return Spec(s=s, imports="import os\nimport asyncpg", helpers=helpers,
                notes="asyncpg fetch with a constant statement and $1/$2 arguments")


@fam("sqli-sqlite-utils-where", "CWE-89", keys=["author", "category", "tag"], n=8)
def sqli_sqlite_utils(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    tbl = c.pick("articles", "posts", "entries")
    meth = c.pick("rows_where", "count_where")
    if meth == "rows_where":
        v = f"""
            db = Database(DB_PATH)
            {rows} = db["{tbl}"].rows_where({c.fmt(c.key + " = '{}'", x)}, order_by="published desc", limit=25)  #@V
            result = [{{"id": r["id"], "title": r["title"]}} for r in {rows}]
        """
        s = f"""
            db = Database(DB_PATH)
            {rows} = db["{tbl}"].rows_where("{c.key} = ?", [{x}], order_by="published desc", limit=25)
            result = [{{"id": r["id"], "title": r["title"]}} for r in {rows}]
        """
    else:
        v = f"""
            db = Database(DB_PATH)
            total = db["{tbl}"].count_where({c.fmt(c.key + " = '{}' and draft = 0", x)})  #@V
            result = {{"{c.key}": {x}, "count": total}}
        """
        s = f"""
            db = Database(DB_PATH)
            total = db["{tbl}"].count_where("{c.key} = ? and draft = 0", [{x}])
            result = {{"{c.key}": {x}, "count": total}}
        """
    return Spec(v=v, s=s, imports="from sqlite_utils import Database",
                helpers=f'DB_PATH = "{c.pick("blog.db", "/srv/blog/content.db", "site.sqlite3")}"',
                notes="sqlite-utils puts the where string into the SELECT verbatim; the fix passes the value in where_args")


@hardneg(4)
def sqli_sqlite_utils_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        db = Database(DB_PATH)
        {rows} = db["articles"].rows_where("{c.key} = :value and draft = 0", {{"value": {x}}}, order_by="published desc", limit=25)
        result = [r["title"] for r in {rows}]
    """
    return Spec(s=s, imports="from sqlite_utils import Database", helpers='DB_PATH = "blog.db"',
                notes="rows_where with a constant clause and a named parameter in where_args")


# ---------------- CWE-78 OS command injection ----------------


@fam("cmdi-pexpect-bash-pipeline", "CWE-78", fws=SYNC_ADMIN_FWS, keys=["database", "db_name", "schema"], n=8)
def cmdi_pexpect(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    host = c.pick("db.internal", "pg-primary.lan", "10.0.4.12")
    comp = c.pick("gzip", "zstd -q")
    ext = ".sql.gz" if comp == "gzip" else ".sql.zst"
    pipe = c.fmt("pg_dump -h " + host + " -U backup {} | " + comp + " > ", x)
    v = f"""
        dump_path = os.path.join(BACKUP_DIR, re.sub(r"[^A-Za-z0-9_]", "_", {x}) + "{ext}")
        {cmd} = {pipe} + dump_path  #@V
        child = pexpect.spawn("/bin/bash", ["-c", {cmd}], encoding="utf-8", timeout=900)  #@V
        child.expect("Password: ")
        child.sendline(os.environ["BACKUP_DB_PASSWORD"])
        child.expect(pexpect.EOF)
        child.close()
        result = {{"ok": child.exitstatus == 0, "file": dump_path}}
    """
    s = f"""
        if not re.fullmatch(r"[A-Za-z0-9_]{{1,63}}", {x}):
            raise ValueError("invalid database name")
        dump_path = os.path.join(BACKUP_DIR, re.sub(r"[^A-Za-z0-9_]", "_", {x}) + "{ext}")
        {cmd} = {pipe} + dump_path
        child = pexpect.spawn("/bin/bash", ["-c", {cmd}], encoding="utf-8", timeout=900)
        child.expect("Password: ")
        child.sendline(os.environ["BACKUP_DB_PASSWORD"])
        child.expect(pexpect.EOF)
        child.close()
        result = {{"ok": child.exitstatus == 0, "file": dump_path}}
    """
    return Spec(v=v, s=s, imports="import os\nimport re\nimport pexpect",
                helpers=f'BACKUP_DIR = "{c.pick("/var/backups/pg", "/srv/backups/db", "/mnt/backup/postgres")}"',
                notes="pexpect runs bash -c on a command line that embeds the database name: ; $( ) or | in it "
                      "run more commands; the fix accepts only identifier characters")


@hardneg(4)
def cmdi_pexpect_hn(c):
    x = c.x
    s = f"""
        dbname = DATABASES[{x}]
        dump_path = os.path.join(BACKUP_DIR, dbname + ".sql.gz")
        child = pexpect.spawn("/bin/bash", ["-c", "pg_dump -h db.internal -U backup " + dbname + " | gzip > " + dump_path],
                              encoding="utf-8", timeout=900)
        child.expect("Password: ")
        child.sendline(os.environ["BACKUP_DB_PASSWORD"])
        child.expect(pexpect.EOF)
        child.close()
        result = child.exitstatus == 0
    """
    helpers = '''
        BACKUP_DIR = "/var/backups/pg"
        DATABASES = {"shop": "shop_prod", "crm": "crm_prod", "wiki": "wiki_prod"}
    '''
    return Spec(s=s, imports="import os\nimport pexpect", helpers=helpers,
                notes="the shell line holds only constants; the input selects a database name from a fixed mapping")


@fam("cmdi-fabric-remote-run", "CWE-78", keys=["service", "unit", "app_name"], n=8)
def cmdi_fabric(c):
    _pin(c)
    x = c.x
    op = c.pick("status", "restart", "journal")
    if op == "status":
        meth, tv, ts = "run", "systemctl status {} --no-pager --lines=20", "systemctl status --no-pager --lines=20 -- {}"
    elif op == "restart":
        meth, tv, ts = "sudo", "systemctl restart {}", "systemctl restart -- {}"
    else:
        meth, tv, ts = "run", "journalctl -u {} -n 100 --no-pager", "journalctl -u {} -n 100 --no-pager"
    v = f"""
        with Connection(DEPLOY_HOST, user="deploy", connect_kwargs={{"key_filename": KEY_FILE}}) as conn:
            res = conn.{meth}({c.fmt(tv, x)}, hide=True, warn=True)  #@V
        result = {{"exit": res.exited, "output": res.stdout[-4000:]}}
    """
    s = f"""
        with Connection(DEPLOY_HOST, user="deploy", connect_kwargs={{"key_filename": KEY_FILE}}) as conn:
            res = conn.{meth}({c.fmt(ts, "shlex.quote(" + x + ")")}, hide=True, warn=True)
        result = {{"exit": res.exited, "output": res.stdout[-4000:]}}
    """
    helpers = f'''
        DEPLOY_HOST = "{c.pick("app1.prod.internal", "web-03.lan", "10.20.0.7")}"
        KEY_FILE = "{c.pick("/etc/opsbot/id_ed25519", "/srv/ops/keys/deploy_ed25519")}"
    '''
    return Spec(v=v, s=s, imports="from fabric import Connection", simports="import shlex", helpers=helpers,
                notes="fabric's Connection.run/sudo execute the string in the remote login shell; the unit name "
                      "from the request can add ; or $( ) commands; the fix quotes it (and ends options)")


@hardneg(4)
def cmdi_fabric_hn(c):
    x = c.x
    s = f"""
        unit = UNITS.get({x})
        if unit is None:
            raise KeyError("unknown service")
        with Connection(DEPLOY_HOST, user="deploy") as conn:
            res = conn.run("systemctl is-active " + unit, hide=True, warn=True)
        result = {{"service": {x}, "active": res.ok}}
    """
    helpers = '''
        DEPLOY_HOST = "app1.prod.internal"
        UNITS = {"web": "nginx.service", "api": "gunicorn.service", "worker": "celery.service"}
    '''
    return Spec(s=s, imports="from fabric import Connection", helpers=helpers,
                notes="remote command built only from an allow-listed constant")


# ---------------- CWE-77 argument injection ----------------


@fam("argi-plumbum-git-ls-remote", "CWE-77", keys=["repo_url", "remote", "mirror"], n=8)
def argi_plumbum(c):
    _pin(c)
    x = c.x
    what = c.pick("--heads", "--tags", "--refs")
    v = f"""
        rc, out, err = local["git"]["ls-remote", "{what}", {x}].run(retcode=None, timeout=20)  #@V
        if rc != 0:
            raise ValueError("repository not reachable")
        result = [line.split("\\t", 1)[1] for line in out.splitlines() if "\\t" in line]
    """
    s = f"""
        if not {x}.startswith("https://"):
            raise ValueError("only https:// remotes are accepted")
        rc, out, err = local["git"]["ls-remote", "{what}", "--", {x}].run(retcode=None, timeout=20)
        if rc != 0:
            raise ValueError("repository not reachable")
        result = [line.split("\\t", 1)[1] for line in out.splitlines() if "\\t" in line]
    """
    return Spec(v=v, s=s, imports="from plumbum import local",
                notes="plumbum passes the list without a shell, but git reads a value starting with '-' as an "
                      "option: '--upload-pack=<cmd>' sets the program git runs for a local or ssh remote (the "
                      "default remote when no repository follows), '--get-url' or '-o' change what is done; the fix "
                      "requires an https:// URL and ends the options with '--'")


@hardneg(4)
def argi_plumbum_hn(c):
    x = c.x
    s = f"""
        git = local["git"]["-C", REPO_DIR]
        out = git["log", "--format=%h %s", "-n", "20", "--", {x}]()
        result = out.splitlines()
    """
    return Spec(s=s, imports="from plumbum import local", helpers='REPO_DIR = "/srv/git/site"',
                notes="the input is a pathspec placed after '--', so git cannot read it as an option")


# ---------------- CWE-94 code injection / SSTI ----------------


@fam("ssti-genshi-template-text", "CWE-94", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["layout", "snippet", "card_markup"], n=8)
def ssti_genshi(c):
    _pin(c)
    x = c.x
    kind = c.pick("markup", "text")
    if kind == "markup":
        cls, const, render = "MarkupTemplate", "CARD_TEMPLATE", 'render("html", doctype="html5")'
        helpers = 'CARD_TEMPLATE = """<div class="card"><h2>${title}</h2><div class="body">${body}</div></div>"""'
    else:
        cls, const, render = "NewTextTemplate", "MAIL_TEMPLATE", 'render("text")'
        helpers = 'MAIL_TEMPLATE = """Hello ${name},\n\n${body}\n\n-- The team\n"""'
    title = c.pick("Weekly digest", "Your order", "Team update")
    v = f"""
        tmpl = {cls}({x} or {const})  #@V
        stream = tmpl.generate(title="{title}", name=CURRENT_USER, body="")
        result = stream.{render}
    """
    s = f"""
        tmpl = {cls}({const})
        stream = tmpl.generate(title="{title}", name=CURRENT_USER, body={x})
        result = stream.{render}
    """
    helpers += '\nCURRENT_USER = "' + c.pick("dana", "ops-bot", "lee") + '"'
    return Spec(v=v, s=s, imports=f"from genshi.template import {cls}", helpers=helpers,
                notes="Genshi compiles the submitted layout (used instead of the built-in one when given) as a "
                      "template: ${...} expressions and <?python ?> / "
                      "{% python %} blocks run Python on the server; the fix keeps the template constant and "
                      "passes the text as data")


@hardneg(4)
def ssti_genshi_hn(c):
    x = c.x
    s = f"""
        tmpl = loader.load("card.html")
        result = tmpl.generate(title="Preview", body={x}).render("html", doctype="html5")
    """
    return Spec(s=s, imports="from genshi.template import TemplateLoader",
                helpers='loader = TemplateLoader(["templates"], auto_reload=False)',
                notes="template loaded from the application's template directory; the input is only data")


# ---------------- CWE-117 log injection ----------------


@fam("logi-structlog-console-event", "CWE-117", keys=["username", "client_ref", "order_ref"], n=8)
def logi_structlog(c):
    _pin(c)
    x = c.x
    lvl = c.pick("info", "warning", "error")
    msg = c.pick("login failed for {}", "refund requested by {}", "api key revoked for {}")
    v = f"""
        log.{lvl}({c.fmt(msg, x)})  #@V
        result = "recorded"
    """
    s = f"""
        shown = {x}.replace("\\r", "\\\\r").replace("\\n", "\\\\n")
        log.{lvl}({c.fmt(msg, "shown")})
        result = "recorded"
    """
    helpers = f'''
        structlog.configure(
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.dev.ConsoleRenderer(colors=False),
            ],
            logger_factory=structlog.PrintLoggerFactory(file=open("{c.pick("/var/log/app/events.log", "logs/audit.log")}", "a", buffering=1)),
        )
        log = structlog.get_logger()
    '''
    return Spec(v=v, s=s, imports="import structlog", helpers=helpers,
                notes="structlog's ConsoleRenderer writes the event string unescaped to a plain-text file: CR/LF "
                      "in the value start forged log lines; the fix escapes them")


@hardneg(4)
def logi_structlog_hn(c):
    x = c.x
    s = f"""
        log.warning("{c.pick("lookup_requested", "login_failed", "export_queued")}", {c.key}={x}, source="web")
        result = "recorded"
    """
    helpers = '''
        structlog.configure(
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso"),
                structlog.processors.JSONRenderer(),
            ],
            logger_factory=structlog.PrintLoggerFactory(file=open("/var/log/app/events.jsonl", "a", buffering=1)),
        )
        log = structlog.get_logger()
    '''
    return Spec(s=s, imports="import structlog", helpers=helpers,
                notes="JSONRenderer encodes the value as a JSON string, so CR/LF are escaped")


# ---------------- CWE-918 SSRF ----------------


@fam("ssrf-urllib3-poolmanager", "CWE-918", fws=SERVER_FWS, keys=["image_url", "feed_url", "source_url"], n=8)
def ssrf_urllib3(c):
    _pin(c)
    x, resp = c.x, c.n("resp")
    use = c.pick("size", "type")
    res = ('{"status": ' + resp + '.status, "bytes": len(' + resp + '.data)}' if use == "size" else
           '{"status": ' + resp + '.status, "type": ' + resp + '.headers.get("Content-Type", "")}')
    v = f"""
        {resp} = http.request("GET", {x}, redirect=False, preload_content=True)  #@V
        result = {res}
    """
    s = f"""
        parsed = parse_url({x})
        if parsed.scheme != "https" or parsed.host not in ALLOWED_HOSTS:
            raise ValueError("host not allowed")
        {resp} = http.request("GET", {x}, redirect=False, preload_content=True)
        result = {res}
    """
    hosts = c.pick('{"images.example-cdn.com", "media.partner.example"}', '{"feeds.example.org", "rss.example.net"}',
                   '{"static.example.com"}')
    helpers = f'''
        http = urllib3.PoolManager(num_pools=4, timeout=urllib3.Timeout(connect=3.0, read=10.0))
        ALLOWED_HOSTS = {hosts}
    '''
    return Spec(v=v, s=s, imports="import urllib3", simports="from urllib3.util import parse_url", helpers=helpers,
                notes="urllib3 fetches whatever URL the caller gives, including internal addresses and cloud "
                      "metadata endpoints; the fix allows only https to listed hosts (redirects stay off)")


@hardneg(4)
def ssrf_urllib3_hn(c):
    x, resp = c.x, c.n("resp")
    s = f"""
        {resp} = http.request("GET", API_BASE + "/v2/search", fields={{"q": {x}, "limit": "20"}})
        result = {resp}.json()
    """
    return Spec(s=s, imports="import urllib3", helpers='http = urllib3.PoolManager()\nAPI_BASE = "https://api.example.com"',
                notes="fixed https endpoint; the input only becomes an encoded query field")


@fam("ssrf-httplib2-request", "CWE-918", fws=SERVER_FWS, keys=["import_url", "avatar_url", "manifest_url"], n=8)
def ssrf_httplib2(c):
    _pin(c)
    x, resp = c.x, c.n("resp")
    if resp == "r":
        resp = "head"
    v = f"""
        h = httplib2.Http(timeout=10)
        h.follow_redirects = False
        {resp}, content = h.request({x}, "GET", headers={{"User-Agent": "{c.word}-importer/1.0"}})  #@V
        result = {{"status": {resp}.status, "size": len(content)}}
    """
    s = f"""
        parts = urlsplit({x})
        if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
            raise ValueError("host not allowed")
        h = httplib2.Http(timeout=10)
        h.follow_redirects = False
        {resp}, content = h.request({x}, "GET", headers={{"User-Agent": "{c.word}-importer/1.0"}})
        result = {{"status": {resp}.status, "size": len(content)}}
    """
    hosts = c.pick('{"github.com", "gitlab.com"}', '{"cdn.example.net"}', '{"assets.partner.example", "files.example.org"}')
    return Spec(v=v, s=s, imports="import httplib2", simports="from urllib.parse import urlsplit",
                helpers=f"ALLOWED_HOSTS = {hosts}",
                notes="httplib2 requests a URL taken from the request, so the server can be pointed at internal "
                      "services; the fix accepts only https URLs on allow-listed hosts and does not follow redirects")


@hardneg(4)
def ssrf_httplib2_hn(c):
    x, resp = c.x, c.n("resp")
    if resp == "r":
        resp = "head"
    s = f"""
        h = httplib2.Http(timeout=10)
        {resp}, content = h.request(API_BASE + "/v1/lookup?" + urlencode({{"q": {x}}}), "GET")
        result = {{"status": {resp}.status, "size": len(content)}}
    """
    return Spec(s=s, imports="import httplib2\nfrom urllib.parse import urlencode",
                helpers=f'API_BASE = "{c.pick("https://api.example.com", "https://registry.example.org")}"',
                notes="fixed https endpoint; the input is only an encoded query parameter")


# ---------------- CWE-1333 ReDoS ----------------


@fam("redos-marshmallow-regexp", "CWE-1333", keys=["username", "slug", "handle"], n=8)
def redos_marshmallow(c):
    _pin(c)
    x = c.x
    bad, good = c.pick(
        (r"^([a-z0-9]+[-_.]?)*[a-z0-9]$", r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"),
        (r"^([A-Za-z0-9]+\s?)*$", r"^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$"),
        (r"^([a-z]+\d*)+$", r"^[a-z][a-z0-9]*$"),
    )
    sch = c.word.capitalize() + "Input"
    body = """
        {sch} = Schema.from_dict({{
            "{key}": fields.Str(required=True, validate=validate.Regexp(r"{pat}")),{mark}
            "notify": fields.Bool(load_default=False),
        }}, name="{sch}")
        try:
            data = {sch}().load({{"{key}": {x}}})
        except ValidationError as exc:
            result = exc.messages
        else:
            result = data["{key}"]
    """
    v = body.format(sch=sch, key=c.key, pat=bad, mark="  #@V", x=x)
    s = body.format(sch=sch, key=c.key, pat=good, mark="", x=x)
    return Spec(v=v, s=s, imports="from marshmallow import Schema, ValidationError, fields, validate",
                notes="marshmallow's Regexp validator matches with Python's backtracking re; the nested quantifier "
                      "takes exponential time on a long run of letters followed by a non-matching character; the "
                      "fix uses an unambiguous pattern")


@hardneg(4)
def redos_marshmallow_hn(c):
    x = c.x
    s = f"""
        {c.word.capitalize()}Input = Schema.from_dict({{
            "{c.key}": fields.Str(required=True, validate=[validate.Length(max=64), validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]),
        }})
        result = {c.word.capitalize()}Input().load({{"{c.key}": {x}}})["{c.key}"]
    """
    return Spec(s=s, imports="from marshmallow import Schema, fields, validate",
                notes="Regexp validator with a linear pattern and a length limit")
