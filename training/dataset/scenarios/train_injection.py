"""Train-only injection families (groups 89, 78, 77, 94, 90, 643, 117): sinks, libraries and
code shapes the older injection families do not cover (aiosqlite, executescript, peewee,
getstatusoutput, argv joined for a shell, scripts piped into sh, rsync / sendmail / git option
injection, mako, chameleon, exec of config lines, ldap3 paged search, bonsai, python-ldap
search_ext_s, XPath predicate builders, parsel, XSLT parameters, loguru, lazy %s logging
arguments, LoggerAdapter context)."""
from core import Spec
from registry import hardneg, fam, TAINT_FWS, WEB_FWS

ASYNC_FWS = ["aiohttp", "fastapi"]
NO_DJANGO = ["flask", "fastapi", "aiohttp", "script", "cli", "pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns: generate.build_family replays the
    rng for the twin, but the name cache would otherwise shift the route/helper draws of the twin."""
    c.n("handler")

# ---------------- CWE-89 SQL injection ----------------


@fam("sqli-aiosqlite-filter", "CWE-89", fws=ASYNC_FWS, keys=["owner", "status", "label"], n=8, wrap=False)
def sqli_aiosqlite(c):
    _pin(c)
    x, rows, cur, q = c.x, c.n("rows"), c.n("cur"), c.n("query")
    tbl = c.pick("tasks", "tickets", "jobs")
    sql = f"SELECT id, title, due FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY due LIMIT 100"
    build = c.fmt(sql, x)
    safe_sql = f"SELECT id, title, due FROM {tbl} WHERE {c.key} = ? ORDER BY due LIMIT 100"
    if c.pick(True, False):
        v = f"""
            async with aiosqlite.connect(DB_FILE) as db:
                db.row_factory = aiosqlite.Row
                {q} = {build}  #@V
                async with db.execute({q}) as {cur}:  #@V
                    {rows} = await {cur}.fetchall()
            result = [dict(r) for r in {rows}]
        """
        s = f"""
            async with aiosqlite.connect(DB_FILE) as db:
                db.row_factory = aiosqlite.Row
                {q} = "{safe_sql}"
                async with db.execute({q}, ({x},)) as {cur}:
                    {rows} = await {cur}.fetchall()
            result = [dict(r) for r in {rows}]
        """
    else:
        v = f"""
            async with aiosqlite.connect(DB_FILE) as db:
                db.row_factory = aiosqlite.Row
                {cur} = await db.execute({build})  #@V
                {rows} = await {cur}.fetchall()
                await {cur}.close()
            result = [dict(r) for r in {rows}]
        """
        s = f"""
            async with aiosqlite.connect(DB_FILE) as db:
                db.row_factory = aiosqlite.Row
                {cur} = await db.execute("{safe_sql}", ({x},))
                {rows} = await {cur}.fetchall()
                await {cur}.close()
            result = [dict(r) for r in {rows}]
        """
    return Spec(v=v, s=s, imports="import aiosqlite", helpers=f'DB_FILE = "{c.pick("tasks.db", "/var/lib/board/board.sqlite3", "queue.db")}"',
                notes="async sqlite driver: the query text is formatted with the request value instead of a ? parameter")


@hardneg(4)
def sqli_aiosqlite_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        params = {{"{c.key}": {x}, "limit": 50}}
        async with aiosqlite.connect(DB_FILE) as db:
            async with db.execute("SELECT id, title FROM tasks WHERE {c.key} = :{c.key} LIMIT :limit", params) as cur:
                {rows} = await cur.fetchall()
        result = [list(r) for r in {rows}]
    """
    return Spec(s=s, imports="import aiosqlite", helpers='DB_FILE = "tasks.db"',
                notes="aiosqlite with named parameters bound from a dict")


@fam("sqli-executescript-cart", "CWE-89", keys=["cart_id", "session_key", "basket"], n=8)
def sqli_executescript(c):
    _pin(c)
    x, conn, q = c.x, c.n("conn"), c.pick("script", "batch", "cleanup_sql")
    evt = c.pick("cleared", "abandoned", "reset")
    v = f"""
        {conn} = sqlite3.connect(DB_PATH)
        {q} = {c.fmt("DELETE FROM cart_items WHERE cart = '{}';", x)}  #@V
        {q} += {c.fmt(" INSERT INTO cart_events (cart, kind) VALUES ('{}', '" + evt + "');", x)}  #@V
        {conn}.executescript("BEGIN; " + {q} + " COMMIT;")  #@V
        {conn}.close()
        result = "{evt}"
    """
    s = f"""
        {conn} = sqlite3.connect(DB_PATH)
        with {conn}:
            {conn}.execute("DELETE FROM cart_items WHERE cart = ?", ({x},))
            {conn}.execute("INSERT INTO cart_events (cart, kind) VALUES (?, '{evt}')", ({x},))
        {conn}.close()
        result = "{evt}"
    """
    return Spec(v=v, s=s, imports="import sqlite3", helpers=f'DB_PATH = "{c.pick("shop.db", "/srv/shop/carts.sqlite3", "store.db")}"',
                notes="executescript runs every statement of the string: a quote in the value closes the literal "
                      "and stacks arbitrary statements; the fix runs two parameterised execute calls in a transaction")


@hardneg(4)
def sqli_executescript_hn(c):
    x, conn = c.x, c.n("conn")
    s = f"""
        {conn} = sqlite3.connect(DB_PATH)
        {conn}.executescript(SCHEMA)
        with {conn}:
            {conn}.execute("DELETE FROM cart_items WHERE cart = ?", ({x},))
        result = {conn}.total_changes
    """
    helpers = '''
        DB_PATH = "shop.db"
        SCHEMA = """
        CREATE TABLE IF NOT EXISTS cart_items (cart TEXT, sku TEXT, qty INTEGER);
        CREATE INDEX IF NOT EXISTS cart_items_cart ON cart_items (cart);
        """
    '''
    return Spec(s=s, imports="import sqlite3", helpers=helpers,
                notes="executescript only runs a constant schema; the request value is bound in execute")


@fam("sqli-peewee-execute-sql", "CWE-89", fws=NO_DJANGO, keys=["author", "genre", "isbn"], n=8)
def sqli_peewee(c):
    _pin(c)
    x, q, cur = c.x, c.n("query"), c.n("cur")
    col = {"author": "a.name", "genre": "b.genre", "isbn": "b.isbn"}[c.key]
    pg = c.pick(True, False)
    mark = "%s" if pg else "?"
    dbdef = ('PostgresqlDatabase("library", user="app", host="db")' if pg else
             f'SqliteDatabase("{c.pick("library.db", "/srv/library/books.db")}")')
    v = f"""
        {q} = "SELECT b.id, b.title, b.year FROM book b JOIN author a ON a.id = b.author_id"
        {q} += {c.fmt(" WHERE " + col + " = '{}' ORDER BY b.year DESC", x)}  #@V
        {cur} = db.execute_sql({q})  #@V
        result = [dict(zip(("id", "title", "year"), r)) for r in {cur}.fetchall()]
    """
    s = f"""
        {q} = "SELECT b.id, b.title, b.year FROM book b JOIN author a ON a.id = b.author_id"
        {q} += " WHERE {col} = {mark} ORDER BY b.year DESC"
        {cur} = db.execute_sql({q}, ({x},))
        result = [dict(zip(("id", "title", "year"), r)) for r in {cur}.fetchall()]
    """
    imp = "from peewee import PostgresqlDatabase" if pg else "from peewee import SqliteDatabase"
    return Spec(v=v, s=s, imports=imp, helpers=f"db = {dbdef}",
                notes="peewee's execute_sql passes the string to the driver as is; the fix passes the value as a parameter")


@hardneg(4)
def sqli_peewee_hn(c):
    x = c.x
    s = f"""
        books = Book.raw("SELECT id, title, year FROM book WHERE genre = ? ORDER BY year DESC", {x})
        result = [{{"id": b.id, "title": b.title}} for b in books]
    """
    helpers = """
        db = SqliteDatabase("library.db")


        class Book(Model):
            title = CharField()
            genre = CharField()
            year = IntegerField()

            class Meta:
                database = db
    """
    return Spec(s=s, imports="from peewee import CharField, IntegerField, Model, SqliteDatabase", helpers=helpers,
                notes="Model.raw with a constant query and the value passed as a parameter")


# ---------------- CWE-78 OS command injection ----------------


@fam("cmdi-getstatusoutput", "CWE-78", keys=["host", "domain", "mount_point"], n=8)
def cmdi_getstatusoutput(c):
    _pin(c)
    x, out = c.x, c.n("result")
    tool = {"host": "ping -c 2 -W 1 {}", "domain": "host -t MX {}", "mount_point": "df -h --output=pcent {}"}[c.key]
    if out == "result":
        out = "text"
    v = f"""
        status, {out} = subprocess.getstatusoutput({c.fmt(tool, x)})  #@V
        result = {{"ok": status == 0, "detail": {out}.splitlines()[-1:]}}
    """
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like argument rejected")
        status, {out} = subprocess.getstatusoutput({c.fmt(tool, "shlex.quote(" + x + ")")})
        result = {{"ok": status == 0, "detail": {out}.splitlines()[-1:]}}
    """
    return Spec(v=v, s=s, imports="import subprocess", simports="import shlex",
                notes="getstatusoutput runs its string through /bin/sh; the fix quotes the value and rejects options")


@hardneg(4)
def cmdi_getstatusoutput_hn(c):
    x = c.x
    s = f"""
        unit = UNITS.get({x})
        if unit is None:
            raise KeyError("unknown service")
        status, text = subprocess.getstatusoutput("systemctl is-active " + unit)
        result = {{"service": {x}, "active": status == 0}}
    """
    return Spec(s=s, imports="import subprocess",
                helpers='UNITS = {"web": "nginx.service", "db": "postgresql.service", "cache": "redis-server.service"}',
                notes="shell string built only from a constant chosen by an allowlist lookup")


@fam("cmdi-joined-argv-shell", "CWE-78", keys=["video", "source_file", "clip"], n=8)
def cmdi_joined_argv(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    tool = c.pick("ffmpeg", "cwebp", "gs")
    argv = {
        "ffmpeg": f'["ffmpeg", "-y", "-i", {x}, "-vf", "scale=1280:-2", out_path]',
        "cwebp": f'["cwebp", "-q", "80", "-resize", "800", "0", {x}, "-o", out_path]',
        "gs": f'["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", "-sOutputFile=" + out_path, {x}]',
    }[tool]
    ext = {"ffmpeg": ".mp4", "cwebp": ".webp", "gs": ".png"}[tool]
    fn = c.pick("run", "check_call")
    tail = "capture_output=True" if fn == "run" else "timeout=600"
    res = "proc.returncode == 0" if fn == "run" else "proc == 0"
    v = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like input rejected")
        out_path = os.path.join(OUT_DIR, os.path.basename({x}) + "{ext}")
        {cmd} = {argv}
        proc = subprocess.{fn}(" ".join({cmd}), shell=True, {tail})  #@V
        result = {res} and out_path
    """
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like input rejected")
        out_path = os.path.join(OUT_DIR, os.path.basename({x}) + "{ext}")
        {cmd} = {argv}
        proc = subprocess.{fn}({cmd}, {tail})
        result = {res} and out_path
    """
    return Spec(v=v, s=s, imports="import os\nimport subprocess", helpers=f'OUT_DIR = "{c.pick("/srv/media/out", "/var/lib/convert/out", "converted")}"',
                notes="the argument list is joined into one string and run by a shell, so quoting is lost; the fix passes the list")


@hardneg(4)
def cmdi_joined_argv_hn(c):
    x, cmd = c.x, c.n("cmd")
    s = f"""
        {cmd} = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", "--", {x}]
        out = subprocess.check_output(" ".join(shlex.quote(a) for a in {cmd}) + " | tail -n 1", shell=True, text=True)
        result = float(out.strip() or 0)
    """
    return Spec(s=s, imports="import shlex\nimport subprocess", notes="shell pipeline, but every argument is shlex.quote'd before joining")


@fam("cmdi-sh-stdin-script", "CWE-78", keys=["branch", "tag", "release"], n=8)
def cmdi_sh_stdin(c):
    _pin(c)
    x = c.x
    app = c.pick("/srv/app", "/opt/portal", "/srv/api")
    svc = c.pick("app", "portal", "api")
    if c.pick(True, False):
        runv = ('proc = subprocess.Popen(["/bin/sh", "-s"], stdin=subprocess.PIPE, text=True)  #@V',
                "proc.communicate(script)")
        runs = (f'proc = subprocess.Popen(["/bin/sh", "-s", "--", {x}], stdin=subprocess.PIPE, text=True)',
                "proc.communicate(script)")
    else:
        runv = ('proc = subprocess.run(["/bin/sh", "-s"], input=script, text=True, capture_output=True)  #@V', "")
        runs = (f'proc = subprocess.run(["/bin/sh", "-s", "--", {x}], input=script, text=True, capture_output=True)', "")
    v = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like ref rejected")
        script = "\\n".join([
            "set -e",
            "cd {app}",
            {c.fmt("git fetch origin {}", x)},  #@V
            {c.fmt("git checkout {}", x)},  #@V
            "systemctl restart {svc}",
        ])
        {runv[0]}
        {runv[1]}
        result = proc.returncode
    """
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like ref rejected")
        script = "\\n".join([
            "set -e",
            "cd {app}",
            'git fetch origin "$1"',
            'git checkout "$1"',
            "systemctl restart {svc}",
        ])
        {runs[0]}
        {runs[1]}
        result = proc.returncode
    """
    return Spec(v=v, s=s, imports="import subprocess",
                notes="a shell script assembled from input is piped to sh on stdin; the fix passes the ref as positional parameter $1")


# ---------------- CWE-77 argument injection ----------------


@fam("argi-rsync-source", "CWE-77", keys=["source", "src_dir", "backup_path"], n=8)
def argi_rsync(c):
    _pin(c)
    x = c.x
    flags = c.pick('"-az"', '"-a", "--compress"', '"-rlt"')
    v = f"""
        dest = BACKUP_TARGET + datetime.now().strftime("%Y%m%d") + "/"
        proc = subprocess.run(["rsync", {flags}, "--delete", {x}, dest], capture_output=True, text=True, timeout=3600)  #@V
        result = proc.returncode
    """
    s = f"""
        dest = BACKUP_TARGET + datetime.now().strftime("%Y%m%d") + "/"
        if {x}.startswith("-"):
            raise ValueError("option-like source rejected")
        proc = subprocess.run(["rsync", {flags}, "--delete", "--", {x}, dest], capture_output=True, text=True, timeout=3600)
        result = proc.returncode
    """
    return Spec(v=v, s=s, imports="import subprocess\nfrom datetime import datetime",
                helpers=f'BACKUP_TARGET = "{c.pick("backup@vault.internal:/srv/backups/", "rsync@nas.lan:/volume1/hosts/", "backup@10.0.8.5:/mnt/vault/")}"',
                notes="the source is the only path the caller controls: '-esh -c \"...\"' is read by rsync as its --rsh "
                      "option, and rsync runs that command to reach the remote destination; the fix rejects a leading "
                      "'-' and ends the options with '--'")


@fam("argi-sendmail-recipient", "CWE-77", keys=["email", "recipient", "notify_to"], n=8)
def argi_sendmail(c):
    _pin(c)
    x = c.x
    body = c.pick("Your export is ready.", "Your receipt is attached.", "A new report was shared with you.")
    v = f"""
        msg = EmailMessage()
        msg["From"] = "noreply@{c.word}s.example.com"
        msg["Subject"] = "{c.word.capitalize()} notification"
        msg.set_content("{body}")
        subprocess.run([SENDMAIL, "-i", {x}], input=msg.as_bytes(), check=True)  #@V
        result = "queued"
    """
    s = f"""
        msg = EmailMessage()
        msg["From"] = "noreply@{c.word}s.example.com"
        msg["Subject"] = "{c.word.capitalize()} notification"
        msg.set_content("{body}")
        if not re.fullmatch(r"[^@\\s-][^@\\s]*@[^@\\s]+", {x}):
            raise ValueError("invalid recipient")
        subprocess.run([SENDMAIL, "-i", "--", {x}], input=msg.as_bytes(), check=True)
        result = "queued"
    """
    return Spec(v=v, s=s, imports="import subprocess\nfrom email.message import EmailMessage", simports="import re",
                helpers='SENDMAIL = "/usr/sbin/sendmail"',
                notes="a recipient starting with '-' becomes a sendmail option (-X logfile, -C config, -be)")


@hardneg(4)
def argi_sendmail_hn(c):
    x = c.x
    s = f"""
        msg = EmailMessage()
        msg["From"] = "noreply@example.com"
        msg["To"] = {x}
        msg["Subject"] = "Notification"
        msg.set_content("You have a new message.")
        subprocess.run([SENDMAIL, "-i", "-t"], input=msg.as_bytes(), check=True)
        result = "queued"
    """
    return Spec(s=s, imports="import subprocess\nfrom email.message import EmailMessage", helpers='SENDMAIL = "/usr/sbin/sendmail"',
                notes="sendmail -t reads recipients from the headers; no input reaches the argument list")


@fam("argi-git-revision", "CWE-77", keys=["rev", "commit", "ref"], n=8)
def argi_git_rev(c):
    _pin(c)
    x = c.x
    sub = c.pick('"show", "--stat"', '"log", "--oneline", "-n", "20"', '"diff", "--numstat"')
    v = f"""
        proc = subprocess.run(["git", "-C", REPO_DIR, {sub}, {x}], capture_output=True, text=True, timeout=30)  #@V
        result = proc.stdout[:5000]
    """
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like revision rejected")
        proc = subprocess.run(["git", "-C", REPO_DIR, {sub}, "--end-of-options", {x}], capture_output=True, text=True, timeout=30)
        result = proc.stdout[:5000]
    """
    return Spec(v=v, s=s, imports="import subprocess", helpers=f'REPO_DIR = "{c.pick("/srv/git/site.git", "/var/lib/ci/workspace", "/srv/repos/api")}"',
                notes="a revision like '--output=/srv/www/x.php' is parsed as a git option and writes a file")


@hardneg(4)
def argi_git_rev_hn(c):
    x = c.x
    s = f"""
        if not re.fullmatch(r"[0-9a-f]{{7,40}}", {x}):
            raise ValueError("expected a commit id")
        proc = subprocess.run(["git", "-C", REPO_DIR, "show", "--stat", {x}], capture_output=True, text=True, timeout=30)
        result = proc.stdout[:5000]
    """
    return Spec(s=s, imports="import re\nimport subprocess", helpers='REPO_DIR = "/srv/git/site.git"',
                notes="revision validated as a hex commit id, which cannot start with '-'")


# ---------------- CWE-94 code injection / SSTI ----------------


@fam("ssti-mako-template", "CWE-94", fws=["flask", "fastapi", "aiohttp", "django", "pipeline"],
     keys=["signature", "headline", "display_name"], n=8)
def ssti_mako(c):
    _pin(c)
    x, tmpl = c.x, c.n("tmpl")
    v = f"""
        {tmpl} = {c.fmt("<h2>${title}</h2><p>{}</p><small>${footer}</small>", x)}  #@V
        page = Template({tmpl}).render(title=TITLE, footer=FOOTER)  #@V
        result = page
    """
    s = f"""
        {tmpl} = "<h2>${{title}}</h2><p>${{user_text | h}}</p><small>${{footer}}</small>"
        page = Template({tmpl}).render(title=TITLE, footer=FOOTER, user_text={x})
        result = page
    """
    helpers = f'TITLE = "{c.word.capitalize()} card"\nFOOTER = "Sent by {c.word}s.example.com"'
    return Spec(v=v, s=s, imports="from mako.template import Template", helpers=helpers,
                notes="input pasted into Mako source: ${...} and <% %> blocks run Python; the fix passes it as an escaped variable")


@hardneg(4)
def ssti_mako_hn(c):
    x = c.x
    s = f"""
        page = Template(filename=CARD_TEMPLATE, default_filters=["h"]).render(user_text={x}, title="Card")
        result = page
    """
    return Spec(s=s, imports="from mako.template import Template", helpers='CARD_TEMPLATE = "templates/card.mako"',
                notes="Mako template loaded from a constant file; input is only a render variable")


@fam("ssti-chameleon-layout", "CWE-94", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["layout", "footer_template", "email_body"], n=8)
def ssti_chameleon(c):
    _pin(c)
    x = c.x
    wrapped = c.pick(True, False)
    src = f'"<div class=\\"mail\\">" + {x} + "</div>"' if wrapped else x
    v = f"""
        tpl = PageTemplate({src})  #@V
        result = tpl(customer=CUSTOMER, shop=SHOP_NAME)
    """
    s = f"""
        tpl = string.Template({src})
        result = tpl.safe_substitute(customer=CUSTOMER, shop=SHOP_NAME)
    """
    helpers = f'CUSTOMER = "{c.pick("Ada", "Grace", "Linus")}"\nSHOP_NAME = "{c.word.capitalize()} Shop"'
    return Spec(v=v, s=s, vimports="from chameleon import PageTemplate", simports="import string", helpers=helpers,
                notes="a user-editable layout compiled as a Chameleon page template: ${python: ...} runs code; "
                      "the fix substitutes $placeholders with string.Template")


@fam("codei-exec-config-lines", "CWE-94", keys=["settings", "overrides", "config_text"], n=8)
def codei_exec_config(c):
    _pin(c)
    x = c.x
    opts = c.pick("options", "conf", "settings_map")
    v = f"""
        {opts} = dict(DEFAULTS)
        for line in {x}.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                exec(line, {{}}, {opts})  #@V
        result = {{k: {opts}[k] for k in DEFAULTS}}
    """
    s = f"""
        {opts} = dict(DEFAULTS)
        for line in {x}.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                name, _, value = line.partition("=")
                if name.strip() in DEFAULTS:
                    {opts}[name.strip()] = ast.literal_eval(value.strip())
        result = {{k: {opts}[k] for k in DEFAULTS}}
    """
    helpers = c.pick('DEFAULTS = {"retries": 3, "timeout": 30, "verbose": False}',
                     'DEFAULTS = {"batch_size": 500, "dry_run": True, "region": "eu-west-1"}',
                     'DEFAULTS = {"threshold": 0.8, "notify": False, "max_items": 100}')
    return Spec(v=v, s=s, simports="import ast", helpers=helpers,
                notes="'key = value' override lines executed as Python; the fix parses the value as a literal")


# ---------------- CWE-90 LDAP injection ----------------


@fam("ldapi-paged-department", "CWE-90", keys=["department", "division", "office"], n=8, twin_hard=True)
def ldapi_paged(c):
    _pin(c)
    x = c.x
    attr = {"department": "department", "division": "division", "office": "physicalDeliveryOfficeName"}[c.key]
    tmpl = f"(&(objectCategory=person)(objectClass=user)({attr}={{}}))"
    v = f"""
        flt = {c.fmt(tmpl, x)}  #@V
        entries = conn.extend.standard.paged_search(  #@V
            search_base="ou=Users,dc=corp,dc=example",
            search_filter=flt,
            attributes=["displayName", "mail"],
            paged_size=200,
            generator=True,
        )
        result = [e["attributes"]["mail"] for e in entries if e.get("type") == "searchResEntry"]
    """
    s = f"""
        flt = {c.fmt(tmpl, "escape_filter_chars(" + x + ")")}
        entries = conn.extend.standard.paged_search(
            search_base="ou=Users,dc=corp,dc=example",
            search_filter=flt,
            attributes=["displayName", "mail"],
            paged_size=200,
            generator=True,
        )
        result = [e["attributes"]["mail"] for e in entries if e.get("type") == "searchResEntry"]
    """
    helpers = 'conn = Connection(Server("ldaps://dc1.corp.example"), user=os.environ["LDAP_USER"], password=os.environ["LDAP_PW"], auto_bind=True)'
    return Spec(v=v, s=s, imports="import os\nfrom ldap3 import Connection, Server", simports="from ldap3.utils.conv import escape_filter_chars",
                helpers=helpers, notes="paged directory export with a filter built from the request value")


@fam("ldapi-bonsai-async", "CWE-90", fws=ASYNC_FWS, keys=["mail", "uid", "login"], n=8, wrap=False)
def ldapi_bonsai(c):
    _pin(c)
    x = c.x
    attr = {"mail": "mail", "uid": "uid", "login": "sAMAccountName"}[c.key]
    v = f"""
        client = bonsai.LDAPClient(LDAP_URL)
        client.set_credentials("SIMPLE", user=BIND_DN, password=BIND_PW)
        async with client.connect(is_async=True) as conn:
            found = await conn.search(  #@V
                BASE_DN,
                bonsai.LDAPSearchScope.SUBTREE,
                {c.fmt("(" + attr + "={})", x)},  #@V
                attrlist=["cn", "mail"],
            )
        result = [str(e.dn) for e in found]
    """
    s = f"""
        client = bonsai.LDAPClient(LDAP_URL)
        client.set_credentials("SIMPLE", user=BIND_DN, password=BIND_PW)
        async with client.connect(is_async=True) as conn:
            found = await conn.search(
                BASE_DN,
                bonsai.LDAPSearchScope.SUBTREE,
                {c.fmt("(" + attr + "={})", "bonsai.escape_filter_exp(" + x + ")")},
                attrlist=["cn", "mail"],
            )
        result = [str(e.dn) for e in found]
    """
    helpers = f'''
        LDAP_URL = "{c.pick("ldap://ldap.example.org", "ldaps://directory.internal")}"
        BASE_DN = "ou=people,dc=example,dc=org"
        BIND_DN = "cn=svc-lookup,ou=services,dc=example,dc=org"
        BIND_PW = os.environ["LDAP_BIND_PW"]
    '''
    return Spec(v=v, s=s, imports="import os\nimport bonsai", helpers=helpers,
                notes="async LDAP client (bonsai): filter expression formatted with the request value")


@fam("ldapi-search-ext-criteria", "CWE-90", keys=["title", "city", "manager"], n=8)
def ldapi_criteria(c):
    _pin(c)
    x = c.x
    attr = {"title": "title", "city": "l", "manager": "manager"}[c.key]
    join = c.pick('"({}={})".format(k, v)', 'f"({k}={v})"', '"(%s=%s)" % (k, v)')
    join_s = join.replace("v)", "escape_filter_chars(v))").replace("{v}", "{escape_filter_chars(v)}")
    v = f"""
        criteria = {{"objectClass": "inetOrgPerson", "{attr}": {x}}}
        clauses = "".join({join} for k, v in criteria.items())  #@V
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(BIND_DN, os.environ["LDAP_PW"])
        res = conn.search_ext_s(BASE_DN, ldap.SCOPE_SUBTREE, "(&" + clauses + ")", ["cn", "mail"], sizelimit=50)  #@V
        result = [dn for dn, _ in res]
    """
    s = f"""
        criteria = {{"objectClass": "inetOrgPerson", "{attr}": {x}}}
        clauses = "".join({join_s} for k, v in criteria.items())
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(BIND_DN, os.environ["LDAP_PW"])
        res = conn.search_ext_s(BASE_DN, ldap.SCOPE_SUBTREE, "(&" + clauses + ")", ["cn", "mail"], sizelimit=50)
        result = [dn for dn, _ in res]
    """
    helpers = f'''
        LDAP_URI = "{c.pick("ldap://ldap.acme.test", "ldaps://ds.example.net")}"
        BASE_DN = "ou=staff,dc=acme,dc=test"
        BIND_DN = "cn=reader,dc=acme,dc=test"
    '''
    return Spec(v=v, s=s, imports="import os\nimport ldap", simports="from ldap.filter import escape_filter_chars", helpers=helpers,
                notes="filter assembled from a dict of criteria; the request value is not escaped")


@hardneg(4)
def ldapi_criteria_hn(c):
    x = c.x
    s = f"""
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(BIND_DN, os.environ["LDAP_PW"])
        flt = filter_format("(&(objectClass=inetOrgPerson)(title=%s))", [{x}])
        res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn"])
        result = [dn for dn, _ in res][:50]
    """
    helpers = '''
        LDAP_URI = "ldap://ldap.acme.test"
        BASE_DN = "ou=staff,dc=acme,dc=test"
        BIND_DN = "cn=reader,dc=acme,dc=test"
    '''
    return Spec(s=s, imports="import os\nimport ldap\nfrom ldap.filter import filter_format", helpers=helpers,
                notes="filter_format escapes the value it substitutes")


# ---------------- CWE-643 XPath injection ----------------


@fam("xpathi-predicate-builder", "CWE-643", keys=["keyword", "assignee", "label"], n=8)
def xpathi_predicates(c):
    _pin(c)
    x, doc = c.x, c.n("doc")
    pred_v, pred_s = {
        "keyword": ("contains(title, '{}')", "contains(title, $val)"),
        "assignee": ("assignee/@login='{}'", "assignee/@login=$val"),
        "label": ("labels/label='{}'", "labels/label=$val"),
    }[c.key]
    state = c.pick("open", "triaged", "blocked")
    v = f"""
        {doc} = etree.parse(TICKETS_XML)
        conds = ["@state='{state}'"]
        if {x}:
            conds.append({c.fmt(pred_v, x)})  #@V
        expr = "//ticket[" + " and ".join(conds) + "]"
        hits = {doc}.xpath(expr)  #@V
        result = [t.get("id") for t in hits]
    """
    s = f"""
        {doc} = etree.parse(TICKETS_XML)
        conds = ["@state='{state}'"]
        if {x}:
            conds.append("{pred_s}")
        expr = "//ticket[" + " and ".join(conds) + "]"
        hits = {doc}.xpath(expr, val={x})
        result = [t.get("id") for t in hits]
    """
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=f'TICKETS_XML = "{c.pick("tickets.xml", "/srv/data/issues.xml")}"',
                notes="predicates joined into one XPath expression; the fix refers to an XPath variable bound by lxml")


@hardneg(4)
def xpathi_predicates_hn(c):
    x, doc = c.x, c.n("doc")
    s = f"""
        {doc} = etree.parse(TICKETS_XML)
        order = "@priority" if {x} == "priority" else "@created"
        hits = {doc}.xpath("//ticket[@state=$s]", s="open")
        hits.sort(key=lambda t: t.get(order[1:]) or "")
        result = [t.get("id") for t in hits][:50]
    """
    return Spec(s=s, imports="from lxml import etree", helpers='TICKETS_XML = "tickets.xml"',
                notes="constant XPath with a bound variable; the input only picks a constant")


@fam("xpathi-parsel-selector", "CWE-643", keys=["product_id", "sku", "slug"], n=8)
def xpathi_parsel(c):
    _pin(c)
    x = c.x
    attr = {"product_id": "data-id", "sku": "data-sku", "slug": "data-slug"}[c.key]
    what = c.pick("span[@class='price']/text()", "h3/text()", "a/@href")
    getter = c.pick(".get()", ".getall()")
    v = f"""
        sel = Selector(text=PAGE_HTML)
        found = sel.xpath({c.fmt("//div[@" + attr + "='{}']//" + what, x)}){getter}  #@V
        result = found
    """
    s = f"""
        sel = Selector(text=PAGE_HTML)
        found = sel.xpath("//div[@{attr}=$wanted]//{what}", wanted={x}){getter}
        result = found
    """
    return Spec(v=v, s=s, imports="from parsel import Selector",
                helpers=f'PAGE_HTML = open("{c.pick("catalog.html", "snapshot/products.html")}", encoding="utf-8").read()',
                notes="parsel/Scrapy selector: XPath text formatted with input instead of an XPath variable")


@fam("xpathi-xslt-param", "CWE-643", keys=["author", "category", "year"], n=8)
def xpathi_xslt(c):
    _pin(c)
    x = c.x
    pname = c.pick("wanted", "filter_value", "selected")
    v = f"""
        transform = etree.XSLT(etree.parse(XSL_PATH))
        doc = etree.parse(CATALOG_XML)
        xpath_arg = {c.fmt("'{}'", x)}  #@V
        out = transform(doc, {pname}=xpath_arg)  #@V
        result = str(out)
    """
    s = f"""
        transform = etree.XSLT(etree.parse(XSL_PATH))
        doc = etree.parse(CATALOG_XML)
        xpath_arg = etree.XSLT.strparam({x})
        out = transform(doc, {pname}=xpath_arg)
        result = str(out)
    """
    helpers = f'XSL_PATH = "{c.pick("xsl/catalog.xsl", "/srv/site/listing.xsl")}"\nCATALOG_XML = "{c.pick("catalog.xml", "/srv/site/books.xml")}"'
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=helpers,
                notes="XSLT parameters are XPath expressions: a quoted string from input can close the literal "
                      "and add XPath; strparam passes it as a string value")


# ---------------- CWE-117 log injection ----------------


@fam("logi-loguru-fstring", "CWE-117", keys=["username", "email", "device_id"], n=8)
def logi_loguru(c):
    _pin(c)
    x = c.x
    what = c.pick("password reset requested for {}", "new device paired: {}", "account unlocked: {}")
    lvl = c.pick("info", "warning", "debug")
    fix = c.pick("repr", "escape")
    safe_call = (f'logger.{lvl}("{what.replace("{}", "{!r}")}", {x})' if fix == "repr" else
                 f'logger.{lvl}("{what}", {x}.replace("\\r", "\\\\r").replace("\\n", "\\\\n"))')
    v = f"""
        logger.{lvl}({c.fmt(what, x)})  #@V
        queue_notification({x})
        result = "accepted"
    """
    s = f"""
        {safe_call}
        queue_notification({x})
        result = "accepted"
    """
    helpers = f'''
        logger.add("{c.pick("/var/log/app/account.log", "logs/security.log")}", rotation="10 MB")
        PENDING = []


        def queue_notification(who):
            PENDING.append(who)
    '''
    return Spec(v=v, s=s, imports="from loguru import logger", helpers=helpers,
                notes="loguru writes the message as is: CR/LF in the value forge extra log records")


@fam("logi-lazy-percent-args", "CWE-117", keys=["event_type", "source_app", "delivery_id"], n=8)
def logi_lazy(c):
    _pin(c)
    x, log = c.x, c.n("log")
    lvl = c.pick("info", "warning", "error")
    msg = c.pick("webhook received: %s (%d bytes)", "callback from %s, payload %d bytes", "inbound event %s size=%d")
    v = f"""
        size = len(str({x}))
        {log}.{lvl}("{msg}", {x}, size)  #@V
        result = "accepted"
    """
    s = f"""
        size = len(str({x}))
        {log}.{lvl}("{msg.replace("%s", "%r", 1)}", {x}, size)
        result = "accepted"
    """
    helpers = f'''
        {log} = logging.getLogger("webhooks")
        {log}.setLevel(logging.INFO)
        _handler = RotatingFileHandler("{c.pick("/var/log/hooks/webhooks.log", "logs/webhooks.log")}", maxBytes=10_000_000, backupCount=5)
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        {log}.addHandler(_handler)
    '''
    return Spec(v=v, s=s, imports="import logging\nfrom logging.handlers import RotatingFileHandler", helpers=helpers,
                notes="lazy %s arguments are still inserted verbatim into a plain-text line; %r escapes CR/LF")


@hardneg(4)
def logi_lazy_hn(c):
    x, log = c.x, c.n("log")
    s = f"""
        if not re.fullmatch(r"[a-z0-9_.-]{{1,64}}", {x}):
            raise ValueError("unexpected value")
        {log}.info("webhook received: %s", {x})
        result = "accepted"
    """
    return Spec(s=s, imports="import logging\nimport re", helpers=f'{log} = logging.getLogger("webhooks")',
                notes="value checked against a strict pattern (no CR/LF) before it is logged")


@fam("logi-adapter-context", "CWE-117", keys=["client_id", "tenant", "api_client"], n=8)
def logi_adapter(c):
    _pin(c)
    x, log = c.x, c.n("log")
    lvl = c.pick("info", "warning")
    event = c.pick("quota check", "rate limit hit", "export started")
    v = f"""
        ctx_log = logging.LoggerAdapter({log}, {{"client": {x}}})  #@V
        ctx_log.{lvl}("{event}")  #@V
        result = "ok"
    """
    s = f"""
        ctx_log = logging.LoggerAdapter({log}, {{"client": {x}.encode("unicode_escape").decode("ascii")}})
        ctx_log.{lvl}("{event}")
        result = "ok"
    """
    helpers = f'''
        {log} = logging.getLogger("{c.word}s")
        {log}.setLevel(logging.INFO)
        _handler = logging.FileHandler("{c.pick("/var/log/app/clients.log", "logs/clients.log")}")
        _handler.setFormatter(logging.Formatter("%(asctime)s client=%(client)s %(message)s"))
        {log}.addHandler(_handler)
    '''
    return Spec(v=v, s=s, imports="import logging", helpers=helpers,
                notes="the request value goes into the adapter's extra dict and is formatted into every plain-text "
                      "record as %(client)s; the fix escapes control characters first")
