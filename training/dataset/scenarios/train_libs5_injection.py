"""Train-only injection and parsing families on libraries no other family uses (groups 89, 78, 94,
117, 1333): SQLAlchemy literal_column built from a request value, the `records` library's
Database.query with a formatted statement, asyncssh SSHClientConnection.run with a command string,
web.py Templetor templates compiled from input, logzero's plain-text log file, and a voluptuous
Match validator with a nested quantifier."""
from core import Spec, lit
from registry import hardneg, fam

ASYNC_FWS = ["aiohttp", "fastapi"]


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-89 SQL injection ----------------


def _sa_helpers(c, tbl):
    return f'''
        metadata = MetaData()
        {tbl} = Table(
            "{tbl}",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("region", String(32)),
            Column("channel", String(32)),
            Column("status", String(16)),
            Column("total", Numeric(12, 2)),
            Column("created_at", DateTime),
        )
        engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
    '''


SA_IMPORTS = ("import os\nfrom sqlalchemy import Column, DateTime, Integer, MetaData, Numeric, String, Table, "
              "create_engine, func, literal_column, select")


@fam("sqli-sqlalchemy-literal-column", "CWE-89", keys=["group_by", "sort", "column"], n=8)
def sqli_literal_column(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    tbl = c.pick("orders", "sales", "bookings")
    shape = c.pick("group", "sort")
    guard = f"""
            if {x} not in {tbl}.c:
                raise ValueError("unknown column")"""
    if shape == "group":
        v = f"""
            bucket = literal_column({x})  #@V
            stmt = (
                select(bucket.label("bucket"), func.count().label("n"), func.sum({tbl}.c.total).label("revenue"))
                .where({tbl}.c.status == "paid")
                .group_by(bucket)
                .order_by(func.count().desc())
            )
            with engine.connect() as conn:
                {rows} = conn.execute(stmt).all()  #@V
            result = [{{"bucket": str(r.bucket), "count": r.n, "revenue": float(r.revenue or 0)}} for r in {rows}]
        """
        s = guard + f"""
            bucket = {tbl}.c[{x}]
            stmt = (
                select(bucket.label("bucket"), func.count().label("n"), func.sum({tbl}.c.total).label("revenue"))
                .where({tbl}.c.status == "paid")
                .group_by(bucket)
                .order_by(func.count().desc())
            )
            with engine.connect() as conn:
                {rows} = conn.execute(stmt).all()
            result = [{{"bucket": str(r.bucket), "count": r.n, "revenue": float(r.revenue or 0)}} for r in {rows}]
        """
    else:
        v = f"""
            stmt = select({tbl}).where({tbl}.c.status == "open").order_by(literal_column({c.fmt("{} DESC", x)})).limit(50)  #@V
            with engine.connect() as conn:
                {rows} = conn.execute(stmt).all()  #@V
            result = [{{"id": r.id, "region": r.region, "total": str(r.total)}} for r in {rows}]
        """
        s = guard + f"""
            stmt = select({tbl}).where({tbl}.c.status == "open").order_by({tbl}.c[{x}].desc()).limit(50)
            with engine.connect() as conn:
                {rows} = conn.execute(stmt).all()
            result = [{{"id": r.id, "region": r.region, "total": str(r.total)}} for r in {rows}]
        """
    return Spec(v=v, s=s, imports=SA_IMPORTS, helpers=_sa_helpers(c, tbl),
                notes="literal_column() puts its text into the compiled SQL verbatim (no quoting, no binding): a "
                      "column name from the request can carry a subquery or other SQL; the fix accepts only a "
                      "column of the table and uses the Column object")


@hardneg(4)
def sqli_literal_column_hn(c):
    x, rows = c.x, c.n("rows")
    tbl = c.pick("orders", "sales")
    s = f"""
        order = SORTABLE.get({x}, {tbl}.c.created_at.desc())
        stmt = select({tbl}.c.id, {tbl}.c.total, literal_column("'web'").label("source")).order_by(order).limit(50)
        with engine.connect() as conn:
            {rows} = conn.execute(stmt).all()
        result = [{{"id": r.id, "total": str(r.total), "source": r.source}} for r in {rows}]
    """
    helpers = _sa_helpers(c, tbl) + f'''
        SORTABLE = {{"newest": {tbl}.c.created_at.desc(), "total": {tbl}.c.total.desc(), "region": {tbl}.c.region.asc()}}
    '''
    return Spec(s=s, imports=SA_IMPORTS, helpers=helpers,
                notes="literal_column only holds a constant; the request picks a Column expression from a fixed map")


@fam("sqli-records-db-query", "CWE-89", keys=["owner", "status", "email"], n=8)
def sqli_records(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    if rows == "records":  # keep the module name free
        rows = "found"
    tbl = c.pick("tickets", "projects", "subscriptions")
    sql_v = f"SELECT id, title, status, updated_at FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY updated_at DESC LIMIT 100"
    sql_s = f"SELECT id, title, status, updated_at FROM {tbl} WHERE {c.key} = :value ORDER BY updated_at DESC LIMIT 100"
    shape = c.pick("db", "conn", "first")
    if shape == "db":
        v = f"""
            {rows} = db.query({c.fmt(sql_v, x)})  #@V
            result = {rows}.as_dict()
        """
        s = f"""
            {rows} = db.query("{sql_s}", value={x})
            result = {rows}.as_dict()
        """
    elif shape == "conn":
        v = f"""
            with db.get_connection() as conn:
                {rows} = conn.query({c.fmt(sql_v, x)}, fetchall=True)  #@V
            result = [dict(r.as_dict(), updated_at=str(r.updated_at)) for r in {rows}]
        """
        s = f"""
            with db.get_connection() as conn:
                {rows} = conn.query("{sql_s}", fetchall=True, value={x})
            result = [dict(r.as_dict(), updated_at=str(r.updated_at)) for r in {rows}]
        """
    else:
        v = f"""
            row = db.query({c.fmt(sql_v, x)}).first()  #@V
            result = row.as_dict() if row is not None else None
        """
        s = f"""
            row = db.query("{sql_s}", value={x}).first()
            result = row.as_dict() if row is not None else None
        """
    return Spec(v=v, s=s, imports="import os\nimport records",
                helpers='db = records.Database(os.environ.get("DATABASE_URL", "sqlite:///helpdesk.db"))',
                notes="records.Database.query sends the formatted text as the statement: a quote in the value ends "
                      "the literal and appends SQL; the fix uses a :value bind parameter passed as a keyword")


@hardneg(4)
def sqli_records_hn(c):
    x, rows = c.x, c.n("rows")
    if rows == "records":
        rows = "found"
    s = f"""
        {rows} = db.query(
            "SELECT id, title FROM tickets WHERE title LIKE :pattern AND status = :status ORDER BY id DESC LIMIT 50",
            pattern="%" + {x}.replace("%", "").replace("_", "") + "%",
            status="open",
        )
        result = {rows}.as_dict()
    """
    return Spec(s=s, imports="import os\nimport records",
                helpers='db = records.Database(os.environ.get("DATABASE_URL", "sqlite:///helpdesk.db"))',
                notes="constant statement; the search text is only a bound parameter")


# ---------------- CWE-78 OS command injection ----------------


SSH_HELPERS = '''
    SSH_HOST = "{host}"
    KEY_FILE = "/etc/opsbot/id_ed25519"
    KNOWN_HOSTS = "/etc/opsbot/known_hosts"
'''


@fam("cmdi-asyncssh-conn-run", "CWE-78", fws=ASYNC_FWS, keys=["container", "username", "hostname"], n=8, wrap=False)
def cmdi_asyncssh(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    tv, ts = {
        "container": ("docker logs --tail 200 {}", "docker logs --tail 200 -- {}"),
        "username": ("id -nG {}", "id -nG -- {}"),
        "hostname": ("getent hosts {}", "getent hosts -- {}"),
    }[c.key]
    quoted = "shlex.quote(" + x + ")"
    if c.pick("inline", "var") == "inline":
        v = f"""
            async with asyncssh.connect(SSH_HOST, username="ops", client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS) as conn:
                proc = await conn.run({c.fmt(tv, x)}, check=False, timeout=30)  #@V
            result = {{"exit": proc.exit_status, "output": proc.stdout[-4000:]}}
        """
        s = f"""
            async with asyncssh.connect(SSH_HOST, username="ops", client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS) as conn:
                proc = await conn.run({c.fmt(ts, quoted)}, check=False, timeout=30)
            result = {{"exit": proc.exit_status, "output": proc.stdout[-4000:]}}
        """
    else:
        v = f"""
            {cmd} = {c.fmt(tv, x)}  #@V
            async with asyncssh.connect(SSH_HOST, username="ops", client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS) as conn:
                proc = await conn.run({cmd}, check=False, timeout=30)  #@V
            result = {{"exit": proc.exit_status, "output": proc.stdout[-4000:]}}
        """
        s = f"""
            {cmd} = {c.fmt(ts, quoted)}
            async with asyncssh.connect(SSH_HOST, username="ops", client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS) as conn:
                proc = await conn.run({cmd}, check=False, timeout=30)
            result = {{"exit": proc.exit_status, "output": proc.stdout[-4000:]}}
        """
    host = c.pick("app1.prod.internal", "docker-02.lan", "10.20.0.7")
    return Spec(v=v, s=s, imports="import asyncssh", simports="import shlex",
                helpers=SSH_HELPERS.format(host=host),
                notes="asyncssh's conn.run sends the string as the exec request, which the remote sshd runs "
                      "through the account's login shell: ; | or $( ) in the value run more commands on the host; "
                      "the fix quotes the value with shlex.quote and ends the options with --")


@hardneg(4)
def cmdi_asyncssh_hn(c):
    x = c.x
    s = f"""
        async with asyncssh.connect(SSH_HOST, username="ops", client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS) as conn:
            proc = await conn.run(shlex.join(["id", "-nG", "--", {x}]), check=False, timeout=30)
            uptime = await conn.run("uptime -p", check=True)
        result = {{"groups": proc.stdout.split(), "uptime": uptime.stdout.strip()}}
    """
    return Spec(s=s, imports="import asyncssh\nimport shlex", helpers=SSH_HELPERS.format(host="app1.prod.internal"),
                notes="the remote command line is built with shlex.join, so the value stays one quoted argument")


# ---------------- CWE-94 server-side template injection ----------------


@fam("ssti-webpy-templetor", "CWE-94", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["layout", "message", "footer_text"], n=8)
def ssti_webpy(c):
    _pin(c)
    x = c.x
    team = c.pick("Support", "Billing", "Platform")
    if c.pick("whole", "spliced") == "whole":
        helpers = "CARD = " + lit("$def with (title, body)\n<div class=\"card\"><h2>$title</h2><p>$body</p></div>\n")
        v = f"""
            card = Template({x} or CARD)  #@V
            result = str(card("{team} update", ""))
        """
        s = f"""
            card = Template(CARD)
            result = str(card("{team} update", {x}))
        """
    else:
        helpers = ""
        src_v = c.fmt("$def with (team)\n<h1>Message from $team</h1>\n<p>{}</p>\n", x)
        src_s = lit("$def with (team, note)\n<h1>Message from $team</h1>\n<p>$note</p>\n")
        v = f"""
            page = Template({src_v})  #@V
            result = str(page("{team}"))
        """
        s = f"""
            page = Template({src_s})
            result = str(page("{team}", {x}))
        """
    return Spec(v=v, s=s, imports="from web.template import Template", helpers=helpers,
                notes="web.py's Templetor compiles the template text to Python: $expr, $code: and $for blocks "
                      "written in the submitted text run on the server (the template builtins include __import__); "
                      "the fix keeps the template text constant and passes the value as a template argument, "
                      "which is printed as data, never compiled (Template() without an .html filename applies no "
                      "HTML filter; the result here goes into JSON or a message, not an HTML page)")


@hardneg(4)
def ssti_webpy_hn(c):
    x = c.x
    s = f"""
        page = render.notice("{c.pick("Support", "Billing", "Platform")}", {x})
        result = str(page)
    """
    return Spec(s=s, imports="import web",
                helpers='render = web.template.render("templates/", cache=True)',
                notes="template loaded from the application's templates directory; the input is only an argument")


# ---------------- CWE-117 log injection ----------------


@fam("logi-logzero-logfile", "CWE-117", keys=["username", "email", "device_id"], n=8)
def logi_logzero(c):
    _pin(c)
    x = c.x
    lvl = c.pick("info", "warning", "error")
    msg = c.pick("password reset requested for {}", "sign-in blocked for {}", "export started by {}")
    fix = c.pick("replace", "repr")
    v = f"""
        logger.{lvl}({c.fmt(msg, x)})  #@V
        result = "queued"
    """
    if fix == "replace":
        s = f"""
            shown = {x}.replace("\\r", "\\\\r").replace("\\n", "\\\\n")
            logger.{lvl}({c.fmt(msg, "shown")})
            result = "queued"
        """
    else:
        s = f"""
            logger.{lvl}({lit(msg.replace("{}", "%r"))}, {x})
            result = "queued"
        """
    path = c.pick("/var/log/app/auth.log", "logs/events.log", "/srv/app/log/audit.log")
    helpers = (f'logzero.logfile("{path}", formatter=logging.Formatter("%(asctime)s %(levelname)s %(message)s"), '
               'maxBytes=10_000_000, backupCount=5, loglevel=logging.INFO)')
    return Spec(v=v, s=s, imports="import logging\nimport logzero\nfrom logzero import logger", helpers=helpers,
                notes="the log file uses a plain logging.Formatter, which writes the message verbatim (logzero's own "
                      "default LogFormatter would indent continuation lines): CR/LF in the value start a forged log "
                      "line; the fix escapes them (or logs the value's repr)")


@hardneg(4)
def logi_logzero_hn(c):
    x = c.x
    s = f"""
        logger.info("lookup for %r from %s", {x}, "web")
        logger.debug("cache size %d", 128)
        result = "queued"
    """
    return Spec(s=s, imports="import logging\nimport logzero\nfrom logzero import logger",
                helpers='logzero.logfile("/var/log/app/auth.log", formatter=logging.Formatter("%(asctime)s %(levelname)s '
                        '%(message)s"), maxBytes=10_000_000, backupCount=5, loglevel=logging.INFO)',
                notes="the value is logged with %r, so CR/LF appear escaped in the file")


# ---------------- CWE-1333 ReDoS ----------------


@fam("redos-voluptuous-match", "CWE-1333", keys=["slug", "display_name", "login"], n=8)
def redos_voluptuous(c):
    _pin(c)
    x = c.x
    bad, good = {
        "slug": (r"^([a-z0-9]+-?)*$", r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*-?)?$"),
        "display_name": (r"^([A-Za-z]+ ?)+$", r"^[A-Za-z]+(?: [A-Za-z]+)* ?$"),
        "login": (r"^(\w+\.?)+@corp\.example$", r"^\w+(?:\.\w+)*\.?@corp\.example$"),
    }[c.key]
    opt = c.pick("notify", "public")
    body = """
        schema = Schema({{
            Required("{key}"): All(str, Match(re.compile(r"{pat}"), msg="invalid {key}")),{mark}
            Required("{opt}", default=False): bool,
        }})
        try:
            data = schema({{"{key}": {x}}})
        except Invalid as exc:
            result = {{"error": str(exc)}}
        else:
            result = data["{key}"]
    """
    v = body.format(key=c.key, pat=bad, mark="  #@V", x=x, opt=opt)
    s = body.format(key=c.key, pat=good, mark="", x=x, opt=opt)
    return Spec(v=v, s=s, imports="import re\nfrom voluptuous import All, Invalid, Match, Required, Schema",
                notes="voluptuous Match runs the pattern with Python's backtracking re; the nested quantifier takes "
                      "exponential time on a long run of word characters followed by a character that cannot "
                      "match; the fix uses an unambiguous pattern for the same strings")


@hardneg(4)
def redos_voluptuous_hn(c):
    x = c.x
    s = f"""
        schema = Schema({{
            Required("{c.key}"): All(str, Length(max=64), Match(re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"))),
        }})
        result = schema({{"{c.key}": {x}}})["{c.key}"]
    """
    return Spec(s=s, imports="import re\nfrom voluptuous import All, Length, Match, Required, Schema",
                notes="Match with a linear pattern and a length limit")
