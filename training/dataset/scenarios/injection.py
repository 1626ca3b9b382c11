"""Injection families: SQL (89), OS command (78), command/argument (77), code and SSTI (94),
LDAP (90), XPath (643), ReDoS / resource (1333, 400), log injection (117)."""
from core import Spec, dedent
from registry import hardneg, fam, TAINT_FWS, WEB_FWS

# ---------------- CWE-89 SQL injection ----------------


@fam("sqli-sqlite-lookup", "CWE-89", keys=["name", "username", "email", "sku"], n=9, twin_hard=True)
def sqli_lookup(c):
    q, cur, conn, rows, x = c.n("query"), c.n("cur"), c.n("conn"), c.n("rows"), c.x
    tbl = c.pick("users", "customers", "accounts", "products")
    col = c.key
    build = c.fmt(f"SELECT id, {col}, created_at FROM {tbl} WHERE {col} = '{{}}'", x)
    v = f"""
        {conn} = sqlite3.connect(DB_PATH)
        {cur} = {conn}.cursor()
        {q} = {build}  #@V
        {cur}.execute({q})  #@V
        {rows} = [dict(zip(("id", "{col}", "created_at"), r)) for r in {cur}.fetchall()]
        {conn}.close()
        result = {rows}
    """
    s = f"""
        {conn} = sqlite3.connect(DB_PATH)
        {cur} = {conn}.cursor()
        {q} = "SELECT id, {col}, created_at FROM {tbl} WHERE {col} = ?"
        {cur}.execute({q}, ({x},))
        {rows} = [dict(zip(("id", "{col}", "created_at"), r)) for r in {cur}.fetchall()]
        {conn}.close()
        result = {rows}
    """
    return Spec(v=v, s=s, imports="import sqlite3", helpers=f'DB_PATH = "{c.pick("app.db", "/var/lib/app/data.sqlite3", "inventory.db")}"')


@hardneg(4)
def sqli_lookup_hn(c):
    q, cur, x = c.n("query"), c.n("cur"), c.x
    s = f"""
        clauses = ["deleted_at IS NULL"]
        params = []
        if {x}:
            clauses.append("{c.key} = ?")
            params.append({x})
        {q} = "SELECT id, {c.key} FROM records WHERE " + " AND ".join(clauses)
        {cur} = sqlite3.connect(DB_PATH).cursor()
        {cur}.execute({q}, params)
        result = {cur}.fetchall()
    """
    return Spec(s=s, imports="import sqlite3", helpers='DB_PATH = "app.db"',
                notes="query text built from constant clauses over several lines; values bound as parameters")


@fam("sqli-orderby", "CWE-89", keys=["sort", "order_by", "column", "sort_field"], n=8)
def sqli_orderby(c):
    q, cur, x = c.n("query"), c.n("cur"), c.x
    build = c.fmt("SELECT id, title, price FROM items WHERE active = 1 ORDER BY {}", x)
    v = f"""
        {cur} = get_db().cursor()
        {q} = {build}  #@V
        {cur}.execute({q})  #@V
        result = {cur}.fetchall()
    """
    s = f"""
        {cur} = get_db().cursor()
        column = SORTABLE.get({x}, "id")
        {q} = {c.fmt("SELECT id, title, price FROM items WHERE active = 1 ORDER BY {}", "column")}
        {cur}.execute({q})
        result = {cur}.fetchall()
    """
    helpers = f"""
        SORTABLE = {{"title": "title", "price": "price", "newest": "id DESC"}}


        def get_db():
            return psycopg2.connect(dsn="{c.pick('dbname=shop', 'dbname=catalog user=app', 'postgresql://app@db/shop')}")
    """
    return Spec(v=v, s=s, imports="import psycopg2", helpers=helpers,
                notes="identifiers cannot be bound as parameters; the fix maps input to an allowlist")


@hardneg(4)
def sqli_orderby_hn(c):
    q, cur, x = c.n("query"), c.n("cur"), c.x
    s = f"""
        direction = "DESC" if {x} == "desc" else "ASC"
        {q} = {c.fmt("SELECT id, title FROM items ORDER BY created_at {}", "direction")}
        {cur} = get_db().cursor()
        {cur}.execute({q})
        result = {cur}.fetchall()
    """
    helpers = """
        def get_db():
            return psycopg2.connect(dsn="dbname=shop")
    """
    return Spec(s=s, imports="import psycopg2", helpers=helpers,
                notes="string-built SQL, but only from two constants chosen by a comparison")


@fam("sqli-like-search", "CWE-89", keys=["q", "term", "search", "keyword"], n=8, twin_hard=True)
def sqli_like(c):
    cur, x, rows = c.n("cur"), c.x, c.n("rows")
    build = c.fmt("SELECT id, title FROM articles WHERE title LIKE '%{}%' LIMIT 50", x, style=c.pick("fstring", "format", "concat"))
    v = f"""
        with connection.cursor() as {cur}:
            {cur}.execute(  #@V
                {build}  #@V
            )
            {rows} = {cur}.fetchall()
        result = [{{"id": r[0], "title": r[1]}} for r in {rows}]
    """
    s = f"""
        pattern = "%" + {x}.replace("%", r"\\%").replace("_", r"\\_") + "%"
        with connection.cursor() as {cur}:
            {cur}.execute(
                "SELECT id, title FROM articles WHERE title LIKE %s LIMIT 50",
                [pattern],
            )
            {rows} = {cur}.fetchall()
        result = [{{"id": r[0], "title": r[1]}} for r in {rows}]
    """
    return Spec(v=v, s=s, imports="import pymysql", helpers='connection = pymysql.connect(host="db", user="web", database="blog")')


@fam("sqli-insert-multiline", "CWE-89", keys=["comment", "message", "note", "feedback"], n=8, twin_hard=True)
def sqli_insert(c):
    cur, x = c.n("cur"), c.x
    author = c.pick("author_id", "user_id", "owner")
    sql_v = c.fmt("INSERT INTO comments (post_id, body, {}) VALUES (42, '{}', 'anon')", f'"{author}"', x) if False else c.fmt("INSERT INTO comments (post_id, body) VALUES (42, '{}')", "text")
    v = f"""
        conn = sqlite3.connect("comments.db")
        {cur} = conn.cursor()
        text = {x}.strip()[:2000]
        {cur}.execute({sql_v})  #@V
        conn.commit()
        result = {cur}.lastrowid
    """
    s = f"""
        conn = sqlite3.connect("comments.db")
        {cur} = conn.cursor()
        text = {x}.strip()[:2000]
        {cur}.execute(
            "INSERT INTO comments (post_id, body) "
            "VALUES (?, ?)",
            (42, text),
        )
        conn.commit()
        result = {cur}.lastrowid
    """
    return Spec(v=v, s=s, imports="import sqlite3")


@fam("sqli-sqlalchemy-text", "CWE-89", keys=["status", "region", "category", "tag"], n=8, twin_hard=True)
def sqli_sa_text(c):
    x, rows = c.x, c.n("rows")
    build = c.fmt("SELECT id, total FROM orders WHERE status = '{}'", x)
    v = f"""
        with engine.connect() as conn:
            stmt = text({build})  #@V
            {rows} = conn.execute(stmt).fetchall()  #@V
        result = [dict(r._mapping) for r in {rows}]
    """
    s = f"""
        with engine.connect() as conn:
            stmt = text("SELECT id, total FROM orders WHERE status = :status")
            {rows} = conn.execute(stmt, {{"status": {x}}}).fetchall()
        result = [dict(r._mapping) for r in {rows}]
    """
    return Spec(v=v, s=s, imports="from sqlalchemy import create_engine, text",
                helpers=f'engine = create_engine("{c.pick("postgresql://app@db/shop", "sqlite:///orders.db")}")', fw="orm")


@hardneg(4)
def sqli_sa_hn(c):
    x = c.x
    s = f"""
        stmt = select(Order).where(Order.status == {x}).order_by(Order.id.desc()).limit(20)
        with Session(engine) as session:
            result = [o.id for o in session.scalars(stmt)]
    """
    helpers = """
        class Base(DeclarativeBase):
            pass


        class Order(Base):
            __tablename__ = "orders"
            id: Mapped[int] = mapped_column(primary_key=True)
            status: Mapped[str]


        engine = create_engine("sqlite:///orders.db")
    """
    return Spec(s=s, imports="from sqlalchemy import create_engine, select\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column",
                helpers=helpers, fw="orm", notes="ORM expression language binds the value")


@fam("sqli-django-raw", "CWE-89", fws=["django"], keys=["username", "slug", "city", "team"], n=8, twin_hard=True)
def sqli_django_raw(c):
    x = c.x
    model = c.pick("Profile", "Article", "Venue", "Player")
    build = c.fmt(f"SELECT * FROM app_{model.lower()} WHERE {c.key} = '{{}}'", x)
    v = f"""
        qs = {model}.objects.raw({build})  #@V
        result = [obj.pk for obj in qs]
    """
    s = f"""
        qs = {model}.objects.raw("SELECT * FROM app_{model.lower()} WHERE {c.key} = %s", [{x}])
        result = [obj.pk for obj in qs]
    """
    return Spec(v=v, s=s, imports=f"from .models import {model}")


@fam("sqli-django-extra", "CWE-89", fws=["django"], keys=["min_price", "year", "rating"], n=8)
def sqli_django_extra(c):
    x = c.x
    v = f"""
        qs = Product.objects.filter(in_stock=True)
        qs = qs.extra(where=[{c.fmt("price >= {}", x)}])  #@V
        result = list(qs.values("id", "name")[:100])
    """
    s = f"""
        qs = Product.objects.filter(in_stock=True)
        qs = qs.filter(price__gte=Decimal({x}))
        result = list(qs.values("id", "name")[:100])
    """
    return Spec(v=v, s=s, imports="from decimal import Decimal\nfrom .models import Product", vimports="", simports="")


@fam("sqli-in-clause", "CWE-89", keys=["ids", "tags", "codes"], n=8, twin_hard=True)
def sqli_in(c):
    x, cur = c.x, c.n("cur")
    v = f"""
        wanted = [p.strip() for p in {x}.split(",") if p.strip()]
        id_list = ", ".join("'" + w + "'" for w in wanted)  #@V
        {cur} = db.cursor()
        {cur}.execute({c.fmt("SELECT id, name FROM items WHERE code IN ({})", "id_list")})  #@V
        result = {cur}.fetchall()
    """
    s = f"""
        wanted = [p.strip() for p in {x}.split(",") if p.strip()]
        marks = ", ".join("?" for _ in wanted)
        {cur} = db.cursor()
        {cur}.execute({c.fmt("SELECT id, name FROM items WHERE code IN ({})", "marks")}, wanted)
        result = {cur}.fetchall()
    """
    return Spec(v=v, s=s, imports="import sqlite3", helpers='db = sqlite3.connect("catalog.db", check_same_thread=False)',
                notes="values quoted by hand into IN (...); the fix builds constant placeholders and binds the values")


@fam("sqli-pandas-read-sql", "CWE-89", fws=["script", "cli", "pipeline"], keys=["customer_id", "region", "day"], n=8, twin_hard=True)
def sqli_pandas(c):
    x = c.x
    v = f"""
        engine = create_engine(os.environ.get("WAREHOUSE_URL", "sqlite:///warehouse.db"))
        sql = {c.fmt("SELECT day, SUM(amount) AS total FROM sales WHERE region = '{}' GROUP BY day", x)}  #@V
        frame = pd.read_sql(sql, engine)  #@V
        frame["total"] = frame["total"].round(2)
        result = frame.to_dict(orient="records")
    """
    s = f"""
        engine = create_engine(os.environ.get("WAREHOUSE_URL", "sqlite:///warehouse.db"))
        sql = "SELECT day, SUM(amount) AS total FROM sales WHERE region = :region GROUP BY day"
        frame = pd.read_sql(text(sql), engine, params={{"region": {x}}})
        frame["total"] = frame["total"].round(2)
        result = frame.to_dict(orient="records")
    """
    return Spec(v=v, s=s, imports="import os\nimport pandas as pd\nfrom sqlalchemy import create_engine",
                simports="from sqlalchemy import text", fw="pipeline")


@fam("sqli-update-percent", "CWE-89", keys=["email", "nickname", "phone"], n=8, twin_hard=True)
def sqli_update(c):
    x, cur = c.x, c.n("cur")
    v = f"""
        {cur} = conn.cursor()
        {cur}.execute("UPDATE users SET {c.key} = '%s' WHERE id = %d" % ({x}, CURRENT_USER_ID))  #@V
        conn.commit()
        result = {cur}.rowcount
    """
    s = f"""
        {cur} = conn.cursor()
        {cur}.execute("UPDATE users SET {c.key} = %s WHERE id = %s", ({x}, CURRENT_USER_ID))
        conn.commit()
        result = {cur}.rowcount
    """
    return Spec(v=v, s=s, imports="import MySQLdb", helpers='conn = MySQLdb.connect(host="db", user="app", db="main")\nCURRENT_USER_ID = 1',
                notes="percent formatting into the SQL string vs driver parameters")


# ---------------- CWE-78 OS command injection ----------------


@fam("cmdi-os-system", "CWE-78", keys=["host", "filename", "branch", "domain"], n=8)
def cmdi_system(c):
    x = c.x
    alias = c.pick("os", "from", "alias")
    imp = {"os": "import os", "from": "from os import system", "alias": f"from os import system as {c.pick('run', 'sh', 'execute')}"}[alias]
    call = {"os": "os.system", "from": "system", "alias": imp.split()[-1]}[alias]
    tool = {"host": "ping -c 1 {}", "filename": "gzip -k {}", "branch": "git checkout {}", "domain": "nslookup {}"}[c.key]
    v = f"""
        {c.n('cmd')} = {c.fmt(tool, x)}  #@V
        status = {call}({c.n('cmd')})  #@V
        result = status == 0
    """
    argv = tool.split()[:-1]
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like argument rejected")
        proc = subprocess.run({argv!r} + [{x}], capture_output=True, timeout=30)
        result = proc.returncode == 0
    """.replace("'", '"')
    return Spec(v=v, s=s, vimports=imp, simports="import subprocess")


@hardneg(4)
def cmdi_system_hn(c):
    s = f"""
        proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        os.system("sync")  # nosec B605 - constant command, no user input
        result = {{"rev": proc.stdout.strip(), "requested": {c.x}}}
    """
    return Spec(s=s, imports="import os\nimport subprocess", notes="constant programs and arguments; input is only echoed back")


@fam("cmdi-subprocess-shell", "CWE-78", keys=["archive", "directory", "pattern", "image"], n=8)
def cmdi_shell(c):
    x = c.x
    fn = c.pick("run", "check_output", "call", "Popen")
    tool = {"archive": "tar -xzf {} -C /srv/unpacked", "directory": "du -sh {}", "pattern": "grep -rn {} /srv/logs", "image": "file -b --mime-type {}"}[c.key]
    v = f"""
        {c.n('cmd')} = {c.fmt(tool, x)}  #@V
        proc = subprocess.{fn}(  #@V
            {c.n('cmd')},
            shell=True,  #@V
        )
        result = str(proc)
    """
    parts = tool.split()
    argv = ", ".join(f'"{p}"' if p != "{}" else x for p in parts)
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like argument rejected")
        {c.n('cmd')} = [{argv}]
        proc = subprocess.{fn}(
            {c.n('cmd')},
            shell=False,
        )
        result = str(proc)
    """
    return Spec(v=v, s=s, imports="import subprocess")


@hardneg(4)
def cmdi_shell_hn(c):
    s = f"""
        out = subprocess.check_output("ls -la " + shlex.quote({c.x}) + " | wc -l", shell=True, text=True)
        result = int(out.strip())
    """
    return Spec(s=s, imports="import shlex\nimport subprocess", notes="shell=True with the only input passed through shlex.quote")


@fam("cmdi-os-popen", "CWE-78", keys=["host", "interface", "user"], n=8)
def cmdi_popen(c):
    x = c.x
    tool = {"host": "dig +short {}", "interface": "ip addr show {}", "user": "id {}"}[c.key]
    v = f"""
        stream = os.popen({c.fmt(tool, x)})  #@V
        lines = stream.read().splitlines()
        result = [l for l in lines if l]
    """
    parts = tool.split()
    argv = ", ".join(f'"{p}"' if p != "{}" else x for p in parts)
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like argument rejected")
        out = subprocess.run([{argv}], capture_output=True, text=True, timeout=10).stdout
        lines = out.splitlines()
        result = [l for l in lines if l]
    """
    return Spec(v=v, s=s, vimports="import os", simports="import subprocess")


@fam("cmdi-asyncio-shell", "CWE-78", fws=["aiohttp", "fastapi"], keys=["repo", "video", "target"], n=8, wrap=False)
def cmdi_asyncio(c):
    x = c.x
    tool = {"repo": "git ls-remote {}", "video": "ffprobe -v quiet {}", "target": "traceroute {}"}[c.key]
    v = f"""
        proc = await asyncio.create_subprocess_shell(  #@V
            {c.fmt(tool, x)},  #@V
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        result = out.decode(errors="replace")
    """
    parts = tool.split()
    argv = ", ".join(f'"{p}"' if p != "{}" else x for p in parts)
    s = f"""
        if {x}.startswith("-"):
            raise ValueError("option-like argument rejected")
        proc = await asyncio.create_subprocess_exec(
            {argv},
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        result = out.decode(errors="replace")
    """
    return Spec(v=v, s=s, imports="import asyncio", )


@fam("cmdi-helper-run", "CWE-78", keys=["package", "service", "container"], n=8, wrap=False)
def cmdi_helper(c):
    x = c.x
    verb = {"package": "pip show", "service": "systemctl status", "container": "docker inspect"}[c.key]
    v = f"""
        def run_tool(args_text):
            return subprocess.getoutput("{verb} " + args_text)  #@V

        result = run_tool({x})  #@V
    """
    s = f"""
        def run_tool(name):
            if name.startswith("-"):
                raise ValueError("option-like argument rejected")
            return subprocess.run({verb.split()!r}.copy() + [name], capture_output=True, text=True).stdout

        result = run_tool({x})
    """.replace("'", '"')
    return Spec(v=v, s=s, imports="import subprocess", notes="sink inside a local helper; the call passes taint")


@fam("cmdi-paramiko-script", "CWE-78", fws=["script", "cli"], keys=["logfile", "path", "unit"], n=8)
def cmdi_env_script(c):
    x = c.x
    v = f"""
        backup_dir = "/var/backups"
        {c.n('cmd')} = " ".join(["cp", {x}, backup_dir, "&&", "echo", "done"])  #@V
        rc = os.system({c.n('cmd')})  #@V
        result = "ok" if rc == 0 else "failed"
    """
    s = f"""
        backup_dir = "/var/backups"
        shutil.copy({x}, backup_dir)
        rc = 0
        result = "ok" if rc == 0 else "failed"
    """
    return Spec(v=v, s=s, vimports="import os", simports="import shutil")


# ---------------- CWE-77 command / argument injection ----------------


@fam("argi-git-clone", "CWE-77", keys=["repo_url", "remote", "source"], n=8)
def argi_git(c):
    x = c.x
    v = f"""
        workdir = tempfile.mkdtemp(prefix="mirror-")
        subprocess.run(["git", "clone", "--depth", "1", {x}, workdir], check=True)  #@V
        result = workdir
    """
    s = f"""
        workdir = tempfile.mkdtemp(prefix="mirror-")
        parts = urlsplit({x})
        if parts.scheme != "https" or parts.hostname not in GIT_HOSTS:
            raise ValueError("unsupported repository url")
        subprocess.run(["git", "clone", "--depth", "1", "--", {x}, workdir], check=True)
        result = workdir
    """
    return Spec(v=v, s=s, imports="import subprocess\nimport tempfile", simports="from urllib.parse import urlsplit",
                helpers='GIT_HOSTS = {"github.com", "gitlab.com"}',
                notes="argument injection: a value starting with '-' becomes an option (e.g. --upload-pack)")


@fam("argi-sh-c", "CWE-78", keys=["pattern", "expr", "filter"], n=8)
def argi_sh_c(c):
    x = c.x
    v = f"""
        script = {c.fmt("cat /srv/data/*.csv | grep {} | sort | uniq -c", x)}  #@V
        out = subprocess.check_output(["bash", "-c", script], text=True)  #@V
        result = out.splitlines()[:100]
    """
    s = f"""
        script = 'cat /srv/data/*.csv | grep -e "$1" | sort | uniq -c'
        out = subprocess.check_output(["bash", "-c", script, "grep-stage", {x}], text=True)
        result = out.splitlines()[:100]
    """
    return Spec(v=v, s=s, imports="import subprocess",
                notes="an argument list that runs a shell with a command string built from input")


@fam("argi-ssh-exec", "CWE-77", fws=TAINT_FWS, keys=["service", "log_name", "unit"], n=8)
def argi_ssh(c):
    x = c.x
    v = f"""
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect("ops.internal", username="deploy")
        _, stdout, _ = client.exec_command({c.fmt("journalctl -u {} -n 200", x)})  #@V
        result = stdout.read().decode()
        client.close()
    """
    s = f"""
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect("ops.internal", username="deploy")
        if {x} not in ALLOWED_UNITS:
            raise ValueError("unknown unit")
        _, stdout, _ = client.exec_command("journalctl -u " + shlex.quote({x}) + " -n 200")
        result = stdout.read().decode()
        client.close()
    """
    return Spec(v=v, s=s, imports="import paramiko", simports="import shlex",
                helpers='ALLOWED_UNITS = {"nginx", "api", "worker"}', notes="remote command string executed by a shell on another host")


@fam("argi-tar-options", "CWE-77", keys=["member", "archive_name"], n=8)
def argi_tar(c):
    x = c.x
    v = f"""
        target = "/srv/exports"
        if {x}.startswith("/") or ".." in {x}.split("/"):
            raise ValueError("member outside the export directory")
        subprocess.check_call(["tar", "-czf", "bundle.tgz", "-C", target, {x}])  #@V
        result = "bundle.tgz"
    """
    s = f"""
        target = "/srv/exports"
        if {x}.startswith("/") or ".." in {x}.split("/"):
            raise ValueError("member outside the export directory")
        subprocess.check_call(["tar", "-czf", "bundle.tgz", "-C", target, "--", {x}])
        result = "bundle.tgz"
    """
    return Spec(v=v, s=s, imports="import subprocess", notes="input that starts with '--' is read as a tar option (--checkpoint-action=exec)")


@fam("argi-curl-options", "CWE-77", keys=["url", "mirror"], n=8)
def argi_curl(c):
    x = c.x
    v = f"""
        dest = "/var/lib/mirror/latest.bin"
        rc = subprocess.call(["curl", "-sSL", "-o", dest, {x}])  #@V
        result = rc
    """
    s = f"""
        dest = "/var/lib/mirror/latest.bin"
        parts = urlsplit({x})
        if parts.scheme != "https" or parts.hostname not in MIRROR_HOSTS:
            raise ValueError("invalid url")
        rc = subprocess.call(["curl", "-sSL", "-o", dest, "--", {x}])
        result = rc
    """
    return Spec(v=v, s=s, imports="import subprocess", simports="from urllib.parse import urlsplit",
                helpers='MIRROR_HOSTS = {"downloads.example.org", "mirror.example.net"}',
                notes="value may be read as curl option (-o/-K); the fix also pins scheme and host so the download cannot be pointed elsewhere")


@fam("argi-find-exec", "CWE-77", keys=["name_glob", "suffix"], n=8)
def argi_find(c):
    x = c.x
    v = f"""
        args = ["find", "/srv/share", "-name"] + {x}.split()  #@V
        out = subprocess.run(args, capture_output=True, text=True).stdout  #@V
        result = out.splitlines()
    """
    s = f"""
        args = ["find", "/srv/share", "-name", {x}]
        out = subprocess.run(args, capture_output=True, text=True).stdout
        result = out.splitlines()
    """
    return Spec(v=v, s=s, imports="import subprocess", notes="splitting input into several arguments lets it add -exec")


# ---------------- CWE-94 code injection and SSTI ----------------


@fam("codei-eval-calc", "CWE-94", keys=["expr", "formula", "amount"], n=8)
def codei_eval(c):
    x = c.x
    v = f"""
        cleaned = {x}.replace(" ", "")
        value = eval(cleaned)  #@V
        result = round(float(value), 4)
    """
    s = f"""
        cleaned = {x}.replace(" ", "")
        value = ast.literal_eval(cleaned)
        result = round(float(value), 4)
    """
    return Spec(v=v, s=s, simports="import ast")


@hardneg(4)
def codei_eval_hn(c):
    s = f"""
        value = ast.literal_eval({c.x})
        if not isinstance(value, (list, tuple)):
            raise ValueError("expected a list")
        result = sum(float(v) for v in value)
    """
    return Spec(s=s, imports="import ast", notes="ast.literal_eval only accepts literals")


@fam("codei-exec-plugin", "CWE-94", keys=["code", "snippet", "hook"], n=8)
def codei_exec(c):
    x = c.x
    v = f"""
        namespace = {{"__name__": "plugin"}}
        exec({x}, namespace)  #@V
        result = sorted(k for k in namespace if not k.startswith("_"))
    """
    s = f"""
        if {x} not in PLUGINS:
            raise KeyError("unknown plugin")
        module = importlib.import_module(PLUGINS[{x}])
        result = sorted(k for k in vars(module) if not k.startswith("_"))
    """
    return Spec(v=v, s=s, simports="import importlib", helpers='PLUGINS = {"csv": "plugins.csv_export", "pdf": "plugins.pdf_export"}')


@fam("ssti-flask-render-string", "CWE-94", fws=["flask"], keys=["name", "greeting", "title"], n=8)
def ssti_flask(c):
    x = c.x
    v = f"""
        page = {c.fmt("<h1>Hello {}</h1><p>Welcome back.</p>", x)}  #@V
        result = render_template_string(page)  #@V
    """
    s = f"""
        page = "<h1>Hello {{{{ who }}}}</h1><p>Welcome back.</p>"
        result = render_template_string(page, who={x})
    """
    return Spec(v=v, s=s, imports="from flask import render_template_string", notes="server-side template injection")


@hardneg(4)
def ssti_flask_hn(c):
    s = f"""
        page = "<ul>{{% for t in tags %}}<li>{{{{ t }}}}</li>{{% endfor %}}</ul>"
        result = render_template_string(page, tags={c.x}.split(","))
    """
    return Spec(s=s, imports="from flask import render_template_string", notes="constant template; input only as context")


@fam("ssti-jinja-from-string", "CWE-94", keys=["template", "subject", "layout"], n=8)
def ssti_jinja(c):
    x = c.x
    v = f"""
        env = Environment(autoescape=True)  #@V
        tpl = env.from_string({x})  #@V
        result = tpl.render(user="guest", items=[1, 2, 3])
    """
    s = f"""
        env = SandboxedEnvironment(autoescape=True)
        tpl = env.from_string({x})
        result = tpl.render(user="guest", items=[1, 2, 3])
    """
    return Spec(v=v, s=s, vimports="from jinja2 import Environment", simports="from jinja2.sandbox import SandboxedEnvironment",
                notes="user-supplied template compiled in a normal environment vs the sandbox")


@fam("ssti-django-template", "CWE-94", fws=["django"], keys=["message", "body"], n=8)
def ssti_django(c):
    x = c.x
    v = f"""
        tpl = Template({c.fmt("<p>{}</p><p>{{ footer }}</p>", x)})  #@V
        result = tpl.render(Context({{"footer": "Thanks"}}))
    """
    s = f"""
        tpl = Template("<p>{{{{ message }}}}</p><p>{{{{ footer }}}}</p>")
        result = tpl.render(Context({{"message": {x}, "footer": "Thanks"}}))
    """
    return Spec(v=v, s=s, imports="from django.template import Context, Template")


@fam("codei-compile-filter", "CWE-94", keys=["rule", "condition"], n=8)
def codei_compile(c):
    x = c.x
    v = f"""
        code = compile({c.fmt("lambda row: {}", x)}, "<rule>", "eval")  #@V
        predicate = eval(code)  #@V
        result = [r for r in ROWS if predicate(r)]
    """
    s = f"""
        field_name, _, wanted = {x}.partition("==")
        field_name, wanted = field_name.strip(), wanted.strip().strip("'\\"")
        result = [r for r in ROWS if str(r.get(field_name)) == wanted]
    """
    return Spec(v=v, s=s, helpers='ROWS = [{"id": 1, "state": "open"}, {"id": 2, "state": "closed"}]')


# ---------------- CWE-90 LDAP injection ----------------


@fam("ldapi-ldap3-search", "CWE-90", keys=["username", "uid", "login"], n=8, twin_hard=True)
def ldap_search(c):
    x = c.x
    flt = c.fmt("(&(objectClass=person)(uid={}))", x)
    v = f"""
        server = Server("ldap://ldap.corp.local")
        conn = Connection(server, auto_bind=True)
        search_filter = {flt}  #@V
        conn.search("ou=people,dc=corp,dc=local", search_filter, attributes=["cn", "mail"])  #@V
        result = [e.entry_to_json() for e in conn.entries]
    """
    s = f"""
        server = Server("ldap://ldap.corp.local")
        conn = Connection(server, auto_bind=True)
        search_filter = {c.fmt("(&(objectClass=person)(uid={}))", f"escape_filter_chars({x})")}
        conn.search("ou=people,dc=corp,dc=local", search_filter, attributes=["cn", "mail"])
        result = [e.entry_to_json() for e in conn.entries]
    """
    return Spec(v=v, s=s, imports="from ldap3 import Connection, Server", simports="from ldap3.utils.conv import escape_filter_chars")


@fam("ldapi-python-ldap", "CWE-90", keys=["email", "group", "mail"], n=8, twin_hard=True)
def ldap_pyldap(c):
    x = c.x
    v = f"""
        conn = ldap.initialize("ldaps://directory.example.org")
        conn.simple_bind_s("cn=reader,dc=example,dc=org", READER_PW)
        entries = conn.search_s(  #@V
            "dc=example,dc=org",
            ldap.SCOPE_SUBTREE,
            {c.fmt("(mail={})", x)},  #@V
        )
        result = [dn for dn, _ in entries]
    """
    s = f"""
        conn = ldap.initialize("ldaps://directory.example.org")
        conn.simple_bind_s("cn=reader,dc=example,dc=org", READER_PW)
        entries = conn.search_s(
            "dc=example,dc=org",
            ldap.SCOPE_SUBTREE,
            {c.fmt("(mail={})", f"ldap.filter.escape_filter_chars({x})")},
        )
        result = [dn for dn, _ in entries]
    """
    return Spec(v=v, s=s, imports="import os\nimport ldap", simports="import ldap.filter", helpers='READER_PW = os.environ["LDAP_READER_PW"]')


@fam("ldapi-group-member", "CWE-90", keys=["member", "team"], n=8)
def ldap_group(c):
    x = c.x
    v = f"""
        base = "ou=groups,dc=corp,dc=local"
        query = "(&(objectClass=groupOfNames)(cn=" + {x} + "))"  #@V
        conn.search(base, query, attributes=["member"])  #@V
        result = [str(e.member) for e in conn.entries]
    """
    s = f"""
        base = "ou=groups,dc=corp,dc=local"
        query = "(&(objectClass=groupOfNames)(cn=" + escape_filter_chars({x}) + "))"
        conn.search(base, query, attributes=["member"])
        result = [str(e.member) for e in conn.entries]
    """
    return Spec(v=v, s=s, imports="from ldap3 import Connection, Server", simports="from ldap3.utils.conv import escape_filter_chars",
                helpers='conn = Connection(Server("ldap://ldap.corp.local"), auto_bind=True)')


@fam("ldapi-bind-dn", "CWE-90", keys=["username", "login"], n=8)
def ldap_bind(c):
    x = c.x
    v = f"""
        user_dn = {c.fmt("uid={},ou=people,dc=corp,dc=local", x)}  #@V
        conn = Connection(Server("ldap://ldap.corp.local"), user=user_dn, password=PASSWORD_FIELD)  #@V
        result = conn.bind()
    """
    s = f"""
        user_dn = {c.fmt("uid={},ou=people,dc=corp,dc=local", f"escape_rdn({x})")}
        conn = Connection(Server("ldap://ldap.corp.local"), user=user_dn, password=PASSWORD_FIELD)
        result = conn.bind()
    """
    return Spec(v=v, s=s, imports="import os\nfrom ldap3 import Connection, Server", simports="from ldap3.utils.dn import escape_rdn",
                helpers='PASSWORD_FIELD = os.environ["LDAP_BIND_PASSWORD"]')


@fam("ldapi-or-filter", "CWE-90", keys=["term", "q"], n=8)
def ldap_or(c):
    x = c.x
    v = f"""
        parts = ["(cn=*{{}}*)".format({x}), "(mail=*{{}}*)".format({x})]  #@V
        flt = "(|" + "".join(parts) + ")"
        conn.search("dc=corp,dc=local", flt, attributes=["cn"])  #@V
        result = [e.cn.value for e in conn.entries][:25]
    """
    s = f"""
        term = escape_filter_chars({x})
        parts = ["(cn=*{{}}*)".format(term), "(mail=*{{}}*)".format(term)]
        flt = "(|" + "".join(parts) + ")"
        conn.search("dc=corp,dc=local", flt, attributes=["cn"])
        result = [e.cn.value for e in conn.entries][:25]
    """
    return Spec(v=v, s=s, imports="from ldap3 import Connection, Server", simports="from ldap3.utils.conv import escape_filter_chars",
                helpers='conn = Connection(Server("ldap://ldap.corp.local"), auto_bind=True)')


@fam("ldapi-phone-lookup", "CWE-90", keys=["phone", "employee_id"], n=8)
def ldap_phone(c):
    x = c.x
    v = f"""
        conn = ldap.initialize(LDAP_URL)
        res = conn.search_st("ou=staff,dc=acme,dc=com", ldap.SCOPE_ONELEVEL, "(telephoneNumber=%s)" % {x}, timeout=5)  #@V
        result = len(res)
    """
    s = f"""
        conn = ldap.initialize(LDAP_URL)
        res = conn.search_st("ou=staff,dc=acme,dc=com", ldap.SCOPE_ONELEVEL, filter_format("(telephoneNumber=%s)", [{x}]), timeout=5)
        result = len(res)
    """
    return Spec(v=v, s=s, imports="import ldap", simports="from ldap.filter import filter_format", helpers='LDAP_URL = "ldap://ldap.acme.com"')


# ---------------- CWE-643 XPath injection ----------------


@fam("xpathi-lxml-login", "CWE-643", keys=["username", "account"], n=8, twin_hard=True)
def xpath_login(c):
    x = c.x
    v = f"""
        {c.n('doc')} = etree.parse("users.xml")
        found = {c.n('doc')}.xpath({c.fmt("//user[name/text()='{}']", x)})  #@V
        result = bool(found)
    """
    s = f"""
        {c.n('doc')} = etree.parse("users.xml")
        found = {c.n('doc')}.xpath("//user[name/text()=$who]", who={x})
        result = bool(found)
    """
    return Spec(v=v, s=s, imports="from lxml import etree")


@fam("xpathi-compiled", "CWE-643", keys=["sku", "code"], n=8, twin_hard=True)
def xpath_compiled(c):
    x = c.x
    v = f"""
        finder = etree.XPath({c.fmt("/catalog/product[@sku='{}']/price", x)})  #@V
        prices = finder(CATALOG)
        result = prices[0].text if prices else None
    """
    s = f"""
        finder = etree.XPath("/catalog/product[@sku=$sku]/price")
        prices = finder(CATALOG, sku={x})
        result = prices[0].text if prices else None
    """
    return Spec(v=v, s=s, imports="from lxml import etree", helpers='CATALOG = etree.parse("catalog.xml")')


@fam("xpathi-etree-find", "CWE-643", keys=["section", "key"], n=8)
def xpath_find(c):
    x = c.x
    v = f"""
        root = ET.parse("settings.xml").getroot()
        node = root.find({c.fmt(".//setting[@name='{}']", x)})  #@V
        result = node.text if node is not None else ""
    """
    s = f"""
        root = ET.parse("settings.xml").getroot()
        node = next((n for n in root.iter("setting") if n.get("name") == {x}), None)
        result = node.text if node is not None else ""
    """
    return Spec(v=v, s=s, imports="import xml.etree.ElementTree as ET")


@fam("xpathi-evaluate-count", "CWE-643", keys=["author", "tag"], n=8)
def xpath_count(c):
    x = c.x
    v = f"""
        tree = etree.fromstring(FEED)
        expr = "count(//entry[author='" + {x} + "'])"  #@V
        result = int(tree.xpath(expr))  #@V
    """
    s = f"""
        tree = etree.fromstring(FEED)
        result = int(tree.xpath("count(//entry[author=$a])", a={x}))
    """
    return Spec(v=v, s=s, imports="from lxml import etree", helpers='FEED = open("feed.xml", "rb").read()')


@fam("xpathi-findall-attr", "CWE-643", keys=["department", "role"], n=8)
def xpath_findall(c):
    x = c.x
    v = f"""
        doc = etree.parse("staff.xml")
        people = doc.getroot().xpath("//person[@{c.key}='%s']/email" % {x})  #@V
        result = [p.text for p in people]
    """
    s = f"""
        doc = etree.parse("staff.xml")
        people = doc.getroot().xpath("//person[@{c.key}=$v]/email", v={x})
        result = [p.text for p in people]
    """
    return Spec(v=v, s=s, imports="from lxml import etree")


@fam("xpathi-elementpath", "CWE-643", keys=["name", "title"], n=8)
def xpath_elementpath(c):
    x = c.x
    v = f"""
        root = ET.parse("library.xml").getroot()
        books = elementpath.select(root, {c.fmt("//book[title='{}']", x)})  #@V
        result = [b.get("id") for b in books]
    """
    s = f"""
        root = ET.parse("library.xml").getroot()
        books = elementpath.select(root, "//book[title=$t]", variables={{"t": {x}}})
        result = [b.get("id") for b in books]
    """
    return Spec(v=v, s=s, imports="import xml.etree.ElementTree as ET\nimport elementpath")


# ---------------- CWE-1333 ReDoS and CWE-400 resource consumption ----------------


@fam("redos-user-pattern", "CWE-1333", keys=["pattern", "regex", "filter"], n=8)
def redos_user(c):
    x = c.x
    v = f"""
        matcher = re.compile({x})  #@V
        result = [line for line in LINES if matcher.search(line)]
    """
    s = f"""
        matcher = re.compile(re.escape({x}))
        result = [line for line in LINES if matcher.search(line)]
    """
    return Spec(v=v, s=s, imports="import re", helpers='LINES = open("/var/log/app.log").read().splitlines()[-5000:]',
                notes="user-controlled regular expression can backtrack catastrophically")


@hardneg(4)
def redos_hn(c):
    s = f"""
        pattern = re.compile(r"^[a-z0-9_-]{{3,32}}$")
        result = bool(pattern.fullmatch({c.x}[:64]))
    """
    return Spec(s=s, imports="import re", notes="linear-time constant regex on length-capped input")


@fam("redos-evil-email", "CWE-1333", keys=["email", "address"], n=8)
def redos_email(c):
    x = c.x
    v = f"""
        EMAIL = re.compile(r"^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){{1}}[a-z0-9]+[.]{{1}}(([a-z]{{2,3}})|([a-z]{{2,3}}[.]{{1}}[a-z]{{2,3}}))$")  #@V
        result = bool(EMAIL.match({x}))  #@V
    """
    s = f"""
        EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{{1,64}}@[A-Za-z0-9.-]{{1,253}}\\.[A-Za-z]{{2,24}}$")
        result = bool(EMAIL.match({x}[:320]))
    """
    return Spec(v=v, s=s, imports="import re", notes="nested quantifiers")


@fam("redos-nested-plus", "CWE-1333", keys=["slug", "path", "token"], n=8)
def redos_nested(c):
    x = c.x
    pat = c.pick(r"^(\w+\s?)*$", r"^(a+)+$", r"^([a-z0-9]+-?)*[a-z0-9]$", r"(\d+)*x")
    v = f"""
        if not re.match(r"{pat}", {x}):  #@V
            raise ValueError("bad format")
        result = {x}.lower()
    """
    safe = {r"^(\w+\s?)*$": r"^[\w\s]*$", r"^(a+)+$": r"^a+$", r"^([a-z0-9]+-?)*[a-z0-9]$": r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", r"(\d+)*x": r"\d*x"}[pat]
    s = f"""
        if not re.match(r"{safe}", {x}):
            raise ValueError("bad format")
        result = {x}.lower()
    """
    return Spec(v=v, s=s, imports="import re")


@fam("dos-unbounded-read", "CWE-400", fws=["flask", "django"], keys=["length", "chunk_size", "size"], n=8, wrap=False)
def dos_read(c):
    if c.src in ("form", "json"):
        c.src = "args"  # a form/JSON source would itself parse the whole body before the read under review
    rd = "request.stream.read" if c.fw == "flask" else "request.read"
    v = f"""
        length = int({c.x})
        blob = {rd}(length)  #@V
        digest = hashlib.sha256(blob).hexdigest()
        result = {{"size": len(blob), "sha256": digest}}
    """
    s = f"""
        length = int({c.x})
        if not 0 <= length <= MAX_BODY:
            raise ValueError("body too large")
        blob = {rd}(length)
        digest = hashlib.sha256(blob).hexdigest()
        result = {{"size": len(blob), "sha256": digest}}
    """
    return Spec(v=v, s=s, imports="import hashlib", helpers="MAX_BODY = 10 * 1024 * 1024",
                notes="reads as many body bytes into memory as the client-declared length asks, with no upper bound")


@fam("dos-page-size", "CWE-400", keys=["limit", "count", "page_size"], n=8)
def dos_page(c):
    x = c.x
    v = f"""
        n = int({x})  #@V
        items = [make_row(i) for i in range(n)]  #@V
        result = items
    """
    s = f"""
        n = max(1, min(int({x}), 500))
        items = [make_row(i) for i in range(n)]
        result = items
    """
    helpers = """
        def make_row(i):
            return {"index": i, "label": "row-%d" % i}
    """
    return Spec(v=v, s=s, helpers=helpers, notes="allocation sized by input without an upper bound")


@fam("dos-zip-bomb", "CWE-400", fws=["script", "cli", "pipeline"], keys=["archive", "upload"], n=8)
def dos_zip(c):
    x = c.x
    v = f"""
        with zipfile.ZipFile({x}) as zf:
            total = 0
            for info in zf.infolist():
                payload = zf.read(info)  #@V
                total += len(payload)
        result = total
    """
    s = f"""
        with zipfile.ZipFile({x}) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                if total > MAX_UNPACKED or info.file_size > MAX_MEMBER:
                    raise ValueError("archive too large when unpacked")
                payload = zf.read(info)
        result = total
    """
    return Spec(v=v, s=s, imports="import zipfile", helpers="MAX_UNPACKED = 200 * 1024 * 1024\nMAX_MEMBER = 50 * 1024 * 1024",
                notes="decompression without a bound on the unpacked size")


@fam("dos-repeat-string", "CWE-400", keys=["times", "width", "repeat"], n=8)
def dos_repeat(c):
    x = c.x
    v = f"""
        banner = "=" * int({x})  #@V
        result = banner + "\\n" + "report"
    """
    s = f"""
        width = int({x})
        if not 1 <= width <= 200:
            raise ValueError("width out of range")
        banner = "=" * width
        result = banner + "\\n" + "report"
    """
    return Spec(v=v, s=s)


@fam("dos-no-timeout-requests", "CWE-400", keys=["feed_url"], n=8, fws=["pipeline"])
def dos_timeout(c):
    # no taint source: the weakness is the missing timeout, so whole modules without a marked input line
    fn, resp, out = f"fetch_{c.word}_feed", c.n("resp"), c.n("result")
    loop = c.pick("for", "dict")
    body = (f"    {out} = {{}}\n    for name in FEEDS:\n        {out}[name] = {fn}(name)\n    return {out}" if loop == "for"
            else f"    return {{name: {fn}(name) for name in FEEDS}}")
    mod = """
        import requests


        FEEDS = {{"default": "https://status.example.com/feed", "ops": "https://ops.example.com/feed"}}


        def {fn}(name):
            {resp} = requests.get(FEEDS.get(name, FEEDS["default"]){to})  #@V
            {resp}.raise_for_status()
            return {resp}.text[:1000]


        def poll_{word}_feeds():
    """
    v = dedent(mod.format(fn=fn, resp=resp, to="", word=c.word)).rstrip() + "\n" + body + "\n"
    s = dedent(mod.format(fn=fn, resp=resp, to=", timeout=(3.05, 20)", word=c.word)).rstrip().replace("  #@V", "") + "\n" + body + "\n"
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="outbound call without timeout can hang workers (CWE-400)")


# ---------------- CWE-117 log injection ----------------


@fam("logi-login-failure", "CWE-117", keys=["username", "login"], n=8)
def logi_login(c):
    x, log = c.x, c.n("log")
    v = f"""
        if not check_credentials({x}):
            {log}.warning({c.fmt("failed login for user {}", x)})  #@V
            result = "denied"
        else:
            result = "ok"
    """
    s = f"""
        if not check_credentials({x}):
            {log}.warning("failed login for user %r", {x}.replace("\\r", "").replace("\\n", ""))
            result = "denied"
        else:
            result = "ok"
    """
    helpers = f"""
        {log} = logging.getLogger(__name__)


        def check_credentials(name):
            return name in {{"alice", "bob"}}
    """
    return Spec(v=v, s=s, imports="import logging", helpers=helpers, notes="CR/LF in input forges log entries")


@fam("logi-audit-file", "CWE-117", keys=["action", "reason", "comment"], n=8)
def logi_audit(c):
    x = c.x
    line_v = c.fmt("{} action={}\n", "stamp", x)
    line_s = c.fmt("{} action={}\n", "stamp", "clean")
    v = f"""
        stamp = datetime.now(timezone.utc).isoformat()
        with open("/var/log/app/audit.log", "a") as fh:
            fh.write({line_v})  #@V
        result = "recorded"
    """
    s = f"""
        stamp = datetime.now(timezone.utc).isoformat()
        clean = {x}.replace("\\r", "\\\\r").replace("\\n", "\\\\n")
        with open("/var/log/app/audit.log", "a") as fh:
            fh.write({line_s})
        result = "recorded"
    """
    return Spec(v=v, s=s, imports="from datetime import datetime, timezone")


@fam("logi-header-logging", "CWE-117", fws=WEB_FWS, keys=["user_agent", "referer", "trace_id"], n=8)
def logi_header(c):
    x, log = c.x, c.n("log")
    v = f"""
        {log}.info("request from agent " + {x})  #@V
        result = "pong"
    """
    s = f"""
        {log}.info("request from agent %s", json.dumps({x}))
        result = "pong"
    """
    return Spec(v=v, s=s, imports="import logging", simports="import json", helpers=f"{log} = logging.getLogger(\"access\")")


@fam("logi-print-stderr", "CWE-117", fws=["script", "cli", "pipeline"], keys=["job_name", "filename"], n=8)
def logi_print(c):
    x = c.x
    v = f"""
        started = time.time()
        print({c.fmt("[worker] started job {}", x)}, file=sys.stderr)  #@V
        result = time.time() - started
    """
    s = f"""
        started = time.time()
        print({c.fmt("[worker] started job {}", "ascii(" + x + ")")}, file=sys.stderr)
        result = time.time() - started
    """
    return Spec(v=v, s=s, imports="import sys\nimport time")


@fam("logi-error-message", "CWE-117", keys=["order_id", "coupon"], n=8)
def logi_error(c):
    x, log = c.x, c.n("log")
    v = f"""
        try:
            value = int({x})
        except ValueError:
            {log}.error("invalid {c.key} received: {{}}".format({x}))  #@V
            value = None
        result = value
    """
    s = f"""
        try:
            value = int({x})
        except ValueError:
            {log}.error("invalid {c.key} received: {{!r}}".format({x}[:64]))
            value = None
        result = value
    """
    return Spec(v=v, s=s, imports="import logging", helpers=f"{log} = logging.getLogger(__name__)",
                notes="repr() escapes CR/LF so a value cannot start a new log line")


@fam("logi-structured-extra", "CWE-117", keys=["search", "query_text"], n=8)
def logi_extra(c):
    x, log = c.x, c.n("log")
    v = f"""
        hits = len({x}.split())
        {log}.info("search: " + {x} + " hits=" + str(hits))  #@V
        result = hits
    """
    s = f"""
        hits = len({x}.split())
        {log}.info("search", extra={{"query": {x}, "hits": hits}})
        result = hits
    """
    return Spec(v=v, s=s, imports="import logging", helpers=f"{log} = logging.getLogger(\"search\")",
                notes="safe twin passes input as a structured field for a JSON formatter")
