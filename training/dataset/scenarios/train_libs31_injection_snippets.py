"""Train-only snippet families (libs31 injection set): SQL injection, OS command injection and cross-site
scripting through drivers, tools and HTML helpers that no other family uses. Short functions of the kind found
in CWE example suites, tutorials and Stack Overflow answers; every family has look-alike hard negatives that use
the same API safely.

- sqli-pg8000-native-run (89): pg8000's native API, ``Connection.run`` of a statement with the request value
  formatted into it; the fix binds it as a ``:name`` parameter (``con.run(sql, name=value)``);
- sqli-pyodbc-tsql-format (89): pyodbc against SQL Server, a T-SQL ``SELECT TOP``, ``EXEC proc @p = N'...'``
  or ODBC ``{CALL proc('...')}`` with the value formatted in; the fix uses ``?`` markers and parameters;
- sqli-psycopg-sql-compose-fstring (89): psycopg / psycopg2 ``sql.SQL`` built from an f-string (or %,
  .format, +): wrapping the text in ``sql.SQL`` does not escape anything; the fix composes with
  ``sql.Identifier`` / ``sql.Literal`` or binds ``%s``;
- cmdi-git-ssh-command-env (78): a git fetch / clone / ls-remote with an argument list, but ``GIT_SSH_COMMAND``
  or ``-c core.sshCommand=`` is built from the request (a deploy key name, an SSH port) and git runs that
  string with the shell; the fix validates the key name or parses the port as an int;
- cmdi-tool-shell-string-arg (78): a list-form subprocess call to a tool that hands one of its arguments to
  ``sh -c`` (``tmux new-session ... CMD``, ``flock ... -c CMD``, ``script -c CMD``, ``su ... -c CMD``) with the
  request value formatted into that command string; the fix quotes it with ``shlex.quote``;
- xss-bs4-fragment-insert (79): BeautifulSoup page assembly that parses an f-string fragment holding the
  request value and appends / inserts / swaps it into the page; the fix builds the tag with ``new_tag`` and
  sets ``.string`` (escaped on output);
- xss-attr-escape-no-quotes (79): the value is escaped, but with ``html.escape(..., quote=False)`` or
  ``xml.sax.saxutils.escape`` and then placed inside a quoted HTML attribute, so a quote breaks out and adds
  an event handler; the fix escapes quotes too (``html.escape`` default, saxutils entities, ``quoteattr``).

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec
from registry import fam, hardneg

DB_FWS = ["flask", "django", "fastapi", "script", "cli", "pipeline"]


def _rekey(c, *keys):
    """Point the context at a request key that fits a hard negative (the shell reads c.key and c.x)."""
    c.key = c.pick(*keys)
    c.x = c.pick(c.key, c.key, "raw_" + c.key, "requested_" + c.key)
    return c.x


def _shape(c, options):
    """The shape of this example, a pure function of its context (the generator regenerates the data and compares it
    byte for byte, and builds a family more than once per process): the context's key when it names a shape (the
    generator draws the key uniformly from the family's keys), otherwise a draw from the context's rng."""
    return c.key if c.key in options else c.pick(*options)


def _lines(*parts):
    return "\n".join(p for p in parts if p is not None)


# ---------------- CWE-89: pg8000 native Connection.run with a formatted statement ----------------

_PG_HELPER = '''
def open_db():
    return Connection(
        os.environ.get("PGUSER", "{user}"),
        host=os.environ.get("PGHOST", "localhost"),
        database="{db}",
        password=os.environ["PGPASSWORD"],
        timeout=10,
    )
'''

# shape: (vulnerable template with {} for the value, safe statement, bind name, bound expression)
_PG_SHAPES = {
    "customer_ref": ("SELECT id, total, created_at FROM orders WHERE customer_ref = '{}' ORDER BY created_at DESC LIMIT 50",
                     "SELECT id, total, created_at FROM orders WHERE customer_ref = :ref ORDER BY created_at DESC LIMIT 50",
                     "ref", "{x}"),
    "title": ("SELECT sku, title, price FROM products WHERE title ILIKE '%{}%' ORDER BY title LIMIT 25",
              "SELECT sku, title, price FROM products WHERE title ILIKE :pattern ORDER BY title LIMIT 25",
              "pattern", '"%" + {x} + "%"'),
    "queue": ("SELECT id, subject, status FROM tickets WHERE queue = '{}' AND status <> 'closed' ORDER BY id",
              "SELECT id, subject, status FROM tickets WHERE queue = :queue AND status <> 'closed' ORDER BY id",
              "queue", "{x}"),
    "device_id": ("SELECT kind, count(*) AS n FROM events WHERE device_id = '{}' "
                  "AND at > now() - interval '1 day' GROUP BY kind",
                  "SELECT kind, count(*) AS n FROM events WHERE device_id = :device "
                  "AND at > now() - interval '1 day' GROUP BY kind",
                  "device", "{x}"),
}


def _pg_helpers(c):
    return _PG_HELPER.format(user=c.pick("app", "reporting", "svc_api"), db=c.pick("shop", "helpdesk", "telemetry", "crm"))


@fam("sqli-pg8000-native-run", "CWE-89", fws=DB_FWS, keys=list(_PG_SHAPES), n=8)
def sqli_pg8000_run(c):
    x = _rekey(c, _shape(c, list(_PG_SHAPES)))
    vt, st, bind, bexpr = _PG_SHAPES[c.key]
    bexpr = bexpr.format(x=x)
    con = c.pick("con", "conn", "db")
    split = c.pick(True, False)
    q = c.n("query")
    vq = c.fmt(vt, x)
    sq = '"' + st + '"'
    if split:
        vrun = [f"{q} = {vq}  #@V", f"rows = {con}.run({q})  #@V"]
        srun = [f"{q} = {sq}", f"rows = {con}.run({q}, {bind}={bexpr})"]
    else:
        vrun = [f"rows = {con}.run({vq})  #@V"]
        srun = [f"rows = {con}.run({sq}, {bind}={bexpr})"]

    def body(run):
        return _lines(f"{con} = open_db()", "try:", *["    " + l for l in run],
                      f'    cols = [col["name"] for col in {con}.columns]',
                      "finally:", f"    {con}.close()",
                      "result = [dict(zip(cols, row)) for row in rows]")

    return Spec(v=body(vrun), s=body(srun), imports="import os\nfrom pg8000.native import Connection",
                helpers=_pg_helpers(c),
                notes="pg8000's native Connection.run sends the statement text as given; the request value is "
                      "formatted into a quoted SQL literal, so a quote ends it and the rest is SQL; the fix "
                      "passes it as a :name bind parameter (keyword argument of run)")


@hardneg(3)
def sqli_pg8000_run_hn(c):
    shape = c.pick("identifier", "any", "two")
    con = c.pick("con", "conn", "db")
    if shape == "identifier":
        x = _rekey(c, "sort", "order_by")
        run = f'rows = {con}.run(f"SELECT id, total, status FROM orders ORDER BY {{identifier({x})}} DESC LIMIT :n", n=50)'
        imps = "import os\nfrom pg8000.native import Connection, identifier"
        note = "the sort column goes through pg8000.native.identifier (quoted identifier) and the limit is bound"
    elif shape == "any":
        x = _rekey(c, "skus", "sku_list")
        run = (f'wanted = [s.strip() for s in {x}.split(",") if s.strip()][:100]\n'
               f'rows = {con}.run("SELECT sku, title, price FROM products WHERE sku = ANY(:skus)", skus=wanted)')
        imps = "import os\nfrom pg8000.native import Connection"
        note = "the list of SKUs is bound as one array parameter (= ANY(:skus)); nothing is formatted into the SQL"
    else:
        x = _rekey(c, "region", "status")
        run = (f'rows = {con}.run(\n'
               f'    "SELECT id, region, status FROM shipments WHERE {c.key} = :value AND created_at >= :since",\n'
               f'    value={x},\n'
               f'    since=datetime.date.today() - datetime.timedelta(days=30),\n'
               f')')
        imps = "import datetime\nimport os\nfrom pg8000.native import Connection"
        note = "both values are bind parameters of Connection.run; the column name is a constant"
    body = _lines(f"{con} = open_db()", "try:", *["    " + l for l in run.split("\n")],
                  f'    cols = [col["name"] for col in {con}.columns]', "finally:", f"    {con}.close()",
                  "result = [dict(zip(cols, row)) for row in rows]")
    return Spec(s=body, imports=imps, helpers=_pg_helpers(c), notes=note)


# ---------------- CWE-89: pyodbc / SQL Server T-SQL with the value formatted in ----------------

_ODBC_HELPER = '''
CONN_STR = os.environ.get(
    "MSSQL_ODBC",
    "DRIVER={{ODBC Driver 18 for SQL Server}};SERVER={server};DATABASE={db};Trusted_Connection=yes;Encrypt=yes",
)
'''

_ODBC_SHAPES = {
    "customer_code": ("SELECT TOP 100 OrderId, OrderDate, Total FROM dbo.Orders WHERE CustomerCode = '{}' "
                      "ORDER BY OrderDate DESC",
                      "SELECT TOP 100 OrderId, OrderDate, Total FROM dbo.Orders WHERE CustomerCode = ? "
                      "ORDER BY OrderDate DESC"),
    "warehouse": ("EXEC dbo.usp_StockByWarehouse @Warehouse = N'{}'",
                  "EXEC dbo.usp_StockByWarehouse @Warehouse = ?"),
    "account_no": ("{CALL dbo.usp_AccountBalance('{}')}", "{CALL dbo.usp_AccountBalance(?)}"),
    "last_name": ("SELECT EmployeeId, FirstName, LastName, Department FROM hr.Employees WHERE LastName LIKE '{}%'",
                  "SELECT EmployeeId, FirstName, LastName, Department FROM hr.Employees WHERE LastName LIKE ? + '%'"),
}


def _odbc_helpers(c):
    return _ODBC_HELPER.format(server=c.pick("sql01.corp.example", "mssql.internal.example", "erp-db.example.net"),
                               db=c.pick("Sales", "Warehouse", "Finance", "People"))


def _odbc_body(c, stmt_lines, call, fetch_kind):
    """``stmt_lines`` end with the execute call text ``call`` (a cursor or connection expression)."""
    if fetch_kind == "cursor":
        return _lines("with pyodbc.connect(CONN_STR, timeout=10) as conn:",
                      f"    {c.n('cur')} = conn.cursor()",
                      *["    " + l for l in stmt_lines],
                      f"    cols = [d[0] for d in {c.n('cur')}.description]",
                      f"    result = [dict(zip(cols, row)) for row in {c.n('cur')}.fetchall()]")
    return _lines("with pyodbc.connect(CONN_STR, timeout=10) as conn:",
                  *["    " + l for l in stmt_lines],
                  "    cols = [d[0] for d in rows[0].cursor_description] if rows else []",
                  "    result = [dict(zip(cols, row)) for row in rows]")


@fam("sqli-pyodbc-tsql-format", "CWE-89", fws=DB_FWS, keys=list(_ODBC_SHAPES), n=8)
def sqli_pyodbc_tsql(c):
    x = _rekey(c, _shape(c, list(_ODBC_SHAPES)))
    vt, st = _ODBC_SHAPES[c.key]
    fetch_kind = c.pick("cursor", "conn")
    exe = f"{c.n('cur')}.execute" if fetch_kind == "cursor" else "rows = conn.execute"
    tail = "" if fetch_kind == "cursor" else ".fetchall()"
    q = c.n("query")
    split = c.pick(True, False)
    vq = c.fmt(vt, x)
    sq = '"' + st + '"'
    if split:
        v = [f"{q} = {vq}  #@V", f"{exe}({q}){tail}  #@V"]
        s = [f"{q} = {sq}", f"{exe}({q}, {x}){tail}"]
    else:
        v = [f"{exe}({vq}){tail}  #@V"]
        s = [f"{exe}({sq}, {x}){tail}"]
    return Spec(v=_odbc_body(c, v, exe, fetch_kind), s=_odbc_body(c, s, exe, fetch_kind),
                imports="import os\nimport pyodbc", helpers=_odbc_helpers(c),
                notes="the request value is formatted into a T-SQL statement (a quoted N'...' / '...' literal, a "
                      "stored-procedure argument or an ODBC {CALL} escape) run by pyodbc; a quote ends the literal "
                      "and the rest runs as T-SQL (batches with ';' included); the fix uses ? markers and passes "
                      "the value as a parameter")


@hardneg(3)
def sqli_pyodbc_tsql_hn(c):
    shape = c.pick("in", "exec", "top")
    cur = c.n("cur")
    if shape == "in":
        x = _rekey(c, "codes", "customer_codes")
        stmt = [f'codes = [p.strip() for p in {x}.split(",") if p.strip()][:50] or [""]',
                'marks = ", ".join("?" for _ in codes)',
                f'{cur}.execute(f"SELECT CustomerCode, Name, Country FROM dbo.Customers WHERE CustomerCode IN ({{marks}})", codes)']
        note = "the IN list is built only from ? markers; the codes are passed as parameters"
    elif shape == "exec":
        x = _rekey(c, "warehouse", "site")
        stmt = [f'{cur}.execute("EXEC dbo.usp_StockByWarehouse @Warehouse = ?, @Top = ?", {x}, 200)']
        note = "the stored procedure arguments are ? parameters, not formatted into the EXEC text"
    else:
        x = _rekey(c, "limit", "top")
        stmt = [f"top_n = max(1, min(int({x}), 500))",
                f'{cur}.execute(f"SELECT TOP {{top_n}} OrderId, Total FROM dbo.Orders WHERE Status = ? ORDER BY Total DESC", "open")']
        note = "only an int (parsed and clamped) is formatted into TOP; the status is a ? parameter"
    return Spec(s=_odbc_body(c, stmt, "", "cursor"), imports="import os\nimport pyodbc", helpers=_odbc_helpers(c),
                notes=note)


# ---------------- CWE-89: psycopg sql.SQL built from an f-string ----------------

_PSY_TABLES = {
    "sort": ("articles", "id, title, author, updated_at"),
    "order_by": ("invoices", "id, number, customer, total, issued_on"),
    "status": ("tickets", "id, subject, priority, status"),
    "category": ("products", "id, sku, title, category, price"),
}


def _psy_imports(lib):
    return "import os\nimport psycopg\nfrom psycopg import sql" if lib == "psycopg" else \
        "import os\nimport psycopg2\nfrom psycopg2 import sql"


def _psy_body(c, lib, qline, exec_line):
    return _lines(f"with {lib}.connect(DSN) as conn, conn.cursor() as {c.n('cur')}:",
                  "    " + qline,
                  "    " + exec_line,
                  f"    cols = [d[0] for d in {c.n('cur')}.description]",
                  f"    result = [dict(zip(cols, row)) for row in {c.n('cur')}.fetchall()]")


@fam("sqli-psycopg-sql-compose-fstring", "CWE-89", fws=DB_FWS, keys=list(_PSY_TABLES), n=8)
def sqli_psycopg_compose(c):
    x = _rekey(c, _shape(c, list(_PSY_TABLES)))
    lib = c.pick("psycopg", "psycopg2")
    table, cols = _PSY_TABLES[c.key]
    q, cur = c.pick("query", "stmt", "select_sql", "lookup_sql"), c.n("cur")  # not "sql": that is the module
    if c.key in ("sort", "order_by"):
        vt = f"SELECT {cols} FROM {table} ORDER BY {{}} DESC LIMIT 100"
        vq = f"{q} = sql.SQL({c.fmt(vt, x)})  #@V"
        sq = f'{q} = sql.SQL("{vt}").format(sql.Identifier({x}))'
        sexec = f"{cur}.execute({q})"
        fix = "the fix composes the column with sql.Identifier, which quotes it as an identifier"
    else:
        vt = f"SELECT {cols} FROM {table} WHERE {c.key} = '{{}}' ORDER BY id DESC LIMIT 100"
        vq = f"{q} = sql.SQL({c.fmt(vt, x)})  #@V"
        if c.pick("literal", "param") == "literal":
            st = f"SELECT {cols} FROM {table} WHERE {c.key} = {{}} ORDER BY id DESC LIMIT 100"
            sq = f'{q} = sql.SQL("{st}").format(sql.Literal({x}))'
            sexec = f"{cur}.execute({q})"
            fix = "the fix composes the value with sql.Literal, which the driver quotes"
        else:
            st = f"SELECT {cols} FROM {table} WHERE {c.key} = %s ORDER BY id DESC LIMIT 100"
            sq = f'{q} = sql.SQL("{st}")'
            sexec = f"{cur}.execute({q}, ({x},))"
            fix = "the fix binds the value as a %s parameter"
    vexec = f"{cur}.execute({q})  #@V"
    return Spec(v=_psy_body(c, lib, vq, vexec), s=_psy_body(c, lib, sq, sexec), imports=_psy_imports(lib),
                helpers='DSN = os.environ["DATABASE_URL"]',
                notes=f"{lib}.sql.SQL marks its text as trusted SQL and escapes nothing; here that text is "
                      "formatted from the request first, so the value becomes SQL (a sort expression or a quoted "
                      "literal an attacker can close); " + fix)


@hardneg(3)
def sqli_psycopg_compose_hn(c):
    lib = c.pick("psycopg", "psycopg2")
    shape = c.pick("allow", "join", "literal")
    q, cur = c.pick("query", "stmt", "select_sql", "lookup_sql"), c.n("cur")  # not "sql": that is the module
    if shape == "allow":
        x = _rekey(c, "sort", "order_by")
        helpers = ('DSN = os.environ["DATABASE_URL"]\n'
                   'SORT_COLUMNS = {"title": "title", "updated": "updated_at", "author": "author"}')
        qline = (f'column = SORT_COLUMNS.get({x}, "updated_at")\n'
                 f'    {q} = sql.SQL(f"SELECT id, title, author, updated_at FROM articles ORDER BY {{column}} DESC LIMIT 100")')
        ex = f"{cur}.execute({q})"
        note = "the f-string inside sql.SQL only holds a column picked from a fixed dict of constants"
    elif shape == "join":
        x = _rekey(c, "owner", "author")
        helpers = 'DSN = os.environ["DATABASE_URL"]\nFIELDS = ("id", "title", "status", "updated_at")'
        qline = (f'{q} = sql.SQL("SELECT {{}} FROM {{}} WHERE owner = %s").format(\n'
                 '        sql.SQL(", ").join(map(sql.Identifier, FIELDS)), sql.Identifier("documents"))')
        ex = f"{cur}.execute({q}, ({x},))"
        note = "identifiers composed with sql.Identifier, the owner bound as %s"
    else:
        x = _rekey(c, "status", "region")
        helpers = 'DSN = os.environ["DATABASE_URL"]'
        qline = (f'{q} = sql.SQL("SELECT id, subject FROM tickets WHERE {{}} = {{}} ORDER BY id DESC").format(\n'
                 f'        sql.Identifier("{c.key}"), sql.Literal({x}))')
        ex = f"{cur}.execute({q})"
        note = "the value is composed with sql.Literal, the column is a constant identifier"
    return Spec(s=_psy_body(c, lib, qline, ex), imports=_psy_imports(lib), helpers=helpers, notes=note)


# ---------------- CWE-78: GIT_SSH_COMMAND / core.sshCommand built from the request ----------------

_UPSTREAMS = ["git@git.corp.example:platform/{w}.git", "git@code.internal.example:ops/{w}-config.git",
              "git@gitlab.example.net:data/{w}-pipelines.git"]


def _git_argv(c, op, cfg):
    pre = '"git", "-c", "core.sshCommand=" + ssh_cmd, ' if cfg else '"git", '
    if op == "ls-remote":
        return (f'[{pre}"ls-remote", "--heads", UPSTREAM]',
                'result = [l.split("\\t", 1)[1] for l in proc.stdout.splitlines() if "\\t" in l]')
    if op == "fetch":
        return (f'[{pre}"-C", CHECKOUT, "fetch", "--prune", UPSTREAM, "+refs/heads/*:refs/remotes/upstream/*"]',
                'result = {"ok": proc.returncode == 0, "log": proc.stderr[-2000:]}')
    return (f'[{pre}"clone", "--mirror", UPSTREAM, os.path.join(MIRROR_ROOT, "{c.word}.git")]',
            'result = {"cloned": proc.returncode == 0}')


def _git_helpers(c, op):
    h = [f'UPSTREAM = "{c.pick(*_UPSTREAMS).format(w=c.word)}"']
    h.append(f'KEY_DIR = "{c.pick("/etc/deploy-keys", "/srv/ci/keys", "/var/lib/mirror/keys")}"')
    if op == "fetch":
        h.append(f'CHECKOUT = "/srv/checkouts/{c.word}"')
    if op == "clone":
        h.append('MIRROR_ROOT = "/srv/mirrors"')
    return "\n".join(h)


@fam("cmdi-git-ssh-command-env", "CWE-78", fws=["flask", "django", "fastapi", "pipeline"],
     keys=["deploy_key", "key_name", "ssh_port", "port"], n=8)
def cmdi_git_ssh(c):
    x = c.x
    port = "port" in c.key
    op = c.pick("ls-remote", "fetch", "clone")
    cfg = c.pick(True, False)
    argv, tail = _git_argv(c, op, cfg)
    opts = c.pick("-o BatchMode=yes", "-o BatchMode=yes -o StrictHostKeyChecking=yes", "-o ConnectTimeout=15")
    if port:
        vssh = f"ssh_cmd = {c.fmt('ssh -p {} ' + opts, x)}  #@V"
        pre_s = [f"port_no = int({x})", "if not 0 < port_no < 65536:", '    raise ValueError("bad ssh port")']
        sssh = f"ssh_cmd = {c.fmt('ssh -p {} ' + opts, 'str(port_no)' if c.style in ('concat', 'join') else 'port_no')}"
        pre_v = []
        fix = "the fix parses the port as an int in range, so only digits reach the command"
    else:
        kp = c.pick("key_path", "identity", "key_file")
        pre_v = [f"{kp} = os.path.join(KEY_DIR, {x})"]
        pre_s = [f'if not re.fullmatch(r"[A-Za-z0-9_-]{{1,64}}", {x}):',
                 '    raise ValueError("unknown deploy key")'] + pre_v
        vssh = f"ssh_cmd = {c.fmt('ssh -i {} -o IdentitiesOnly=yes ' + opts, kp)}  #@V"
        sssh = vssh.replace("  #@V", "")
        fix = "the fix only accepts a key name of letters, digits, '_' and '-', so it holds no shell syntax (and no '../')"
    env = [] if cfg else ['env = {**os.environ, "GIT_SSH_COMMAND": ssh_cmd}']
    envarg = "" if cfg else ", env=env"
    run = f"proc = subprocess.run({argv}, capture_output=True, text=True, timeout=300{envarg})"

    def body(safe):
        return _lines(*(pre_s if safe else pre_v), sssh if safe else vssh, *env,
                      run + ("" if safe else "  #@V"), tail)

    how = "-c core.sshCommand=" if cfg else "the GIT_SSH_COMMAND environment variable"
    return Spec(v=body(False), s=body(True), imports="import os\nimport subprocess",
                simports="" if port else "import re", helpers=_git_helpers(c, op),
                notes=f"git is run with an argument list, but the ssh command it uses ({how}) is built from the "
                      "request, and git runs that command with the shell ('interpreted by the shell' in the git "
                      "docs): a value like 'x; curl ...|sh' or '$(...)' runs commands when git connects; " + fix)


@hardneg(3)
def cmdi_git_ssh_hn(c):
    shape = c.pick("lookup", "ref", "port")
    op = "ls-remote"
    helpers = _git_helpers(c, op)
    if shape == "lookup":
        x = _rekey(c, "deploy_key", "key_name")
        helpers += ('\nDEPLOY_KEYS = {"web": KEY_DIR + "/web_ed25519", "api": KEY_DIR + "/api_ed25519",'
                    ' "ops": KEY_DIR + "/ops_ed25519"}')
        body = _lines(f"if {x} not in DEPLOY_KEYS:", '    raise KeyError("unknown deploy key")',
                      f'ssh_cmd = shlex.join(["ssh", "-i", DEPLOY_KEYS[{x}], "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"])',
                      'env = {**os.environ, "GIT_SSH_COMMAND": ssh_cmd}',
                      'proc = subprocess.run(["git", "ls-remote", "--heads", UPSTREAM], capture_output=True, text=True, timeout=120, env=env)',
                      'result = [l.split("\\t", 1)[1] for l in proc.stdout.splitlines() if "\\t" in l]')
        imps = "import os\nimport shlex\nimport subprocess"
        note = "the key path comes from a fixed dict and the ssh command is built with shlex.join"
    elif shape == "ref":
        x = _rekey(c, "branch", "ref_name")
        body = _lines('env = {**os.environ, "GIT_SSH_COMMAND": "ssh -i " + KEY_DIR + "/mirror_ed25519 -o BatchMode=yes"}',
                      f'proc = subprocess.run(["git", "ls-remote", "--heads", UPSTREAM, "refs/heads/" + {x}],',
                      "                      capture_output=True, text=True, timeout=120, env=env)",
                      'result = [l.split("\\t", 1)[0] for l in proc.stdout.splitlines() if "\\t" in l]')
        imps = "import os\nimport subprocess"
        note = "GIT_SSH_COMMAND is a constant; the request value is only a ref pattern in the argument list"
    else:
        x = _rekey(c, "ssh_port", "port")
        body = _lines(f"port_no = int({x})", "if not 0 < port_no < 65536:", '    raise ValueError("bad ssh port")',
                      'ssh_cmd = f"ssh -p {port_no} -o BatchMode=yes"',
                      'proc = subprocess.run(["git", "-c", "core.sshCommand=" + ssh_cmd, "ls-remote", "--heads", UPSTREAM],',
                      "                      capture_output=True, text=True, timeout=120)",
                      'result = [l.split("\\t", 1)[1] for l in proc.stdout.splitlines() if "\\t" in l]')
        imps = "import subprocess"
        note = "the port is parsed as an int before it goes into core.sshCommand"
    return Spec(s=body, imports=imps, helpers=helpers, notes=note)


# ---------------- CWE-78: list-form call to a tool that runs one argument with sh -c ----------------

_TOOL = {
    # key: (command template with {}, argv with JOB for the command string, result line, tool note)
    "queue": ("python -m workers.consume --queue {} --concurrency 4",
              '["tmux", "new-session", "-d", "-s", session, JOB]',
              'result = {"session": session}',
              "tmux new-session runs its shell-command argument with the default shell (sh -c)"),
    "collection": ("/opt/search/bin/reindex --collection {} --full",
                   '["flock", "-w", "30", "/run/lock/reindex.lock", "-c", JOB]',
                   'result = {"exit": proc.returncode, "log": proc.stdout[-2000:]}',
                   "flock -c passes its command to sh -c"),
    "host_group": ("ansible-playbook -i inventories/prod site.yml --check --limit {}",
                   '["script", "-q", "-e", "-c", JOB, "/dev/null"]',
                   "result = proc.stdout[-4000:]",
                   "script -c runs its command with the shell ($SHELL or /bin/sh -c)"),
    "report": ("/opt/reports/bin/build-report --name {} --format pdf",
               '["su", "-s", "/bin/sh", "reports", "-c", JOB]',
               'result = {"built": proc.returncode == 0}',
               "su -c hands its command to the target user's shell (-s /bin/sh) as sh -c"),
}


@fam("cmdi-tool-shell-string-arg", "CWE-78", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=list(_TOOL), n=8)
def cmdi_tool_shell(c):
    tool_key = _shape(c, list(_TOOL))
    x = _rekey(c, tool_key)
    tmpl, argv, tail, tool = _TOOL[tool_key]
    job = c.pick("job", "command", "shell_cmd", "cmdline")
    argv = argv.replace("JOB", job)
    pre = [f'session = "{c.word}-" + uuid.uuid4().hex[:8]'] if tool_key == "queue" else []
    if tool_key == "queue":
        run = f"subprocess.run({argv}, check=True, timeout=10)"
    else:
        run = f"proc = subprocess.run({argv}, capture_output=True, text=True, timeout={c.pick(600, 1800, 3600)})"

    def body(safe):
        line = f"{job} = {c.fmt(tmpl, 'shlex.quote(' + x + ')' if safe else x)}" + ("" if safe else "  #@V")
        return _lines(*pre, line, run + ("" if safe else "  #@V"), tail)

    imps = "import subprocess" + ("\nimport uuid" if tool_key == "queue" else "")
    return Spec(v=body(False), s=body(True), imports=imps, simports="import shlex",
                notes=f"the argument list looks shell-free, but {tool}; the request value is formatted into that "
                      "command string, so ';', '|', '$(...)' in it run other commands; the fix quotes the value "
                      "with shlex.quote")


@hardneg(3)
def cmdi_tool_shell_hn(c):
    shape = c.pick("flock", "runuser", "tmux")
    if shape == "flock":
        x = _rekey(c, "collection", "index_name")
        body = _lines(f'proc = subprocess.run(["flock", "-w", "30", "/run/lock/reindex.lock", "/opt/search/bin/reindex",',
                      f'                       "--collection", {x}, "--full"], capture_output=True, text=True, timeout=3600)',
                      'result = {"exit": proc.returncode}')
        imps = "import subprocess"
        note = "flock without -c executes the command and its arguments directly (no shell); the value is one argv item"
    elif shape == "runuser":
        x = _rekey(c, "report", "report_name")
        body = _lines(f'proc = subprocess.run(["runuser", "-u", "reports", "--", "/opt/reports/bin/build-report", "--name", {x}],',
                      "                      capture_output=True, text=True, timeout=600)",
                      'result = {"built": proc.returncode == 0}')
        imps = "import subprocess"
        note = "runuser -u ... -- executes the program directly with an argument list, no shell"
    else:
        x = _rekey(c, "queue", "queue_name")
        body = _lines(f'if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{{0,40}}", {x}):',
                      '    raise ValueError("bad queue name")',
                      f'session = "{c.word}-" + uuid.uuid4().hex[:8]',
                      f'subprocess.run(["tmux", "new-session", "-d", "-s", session, f"python -m workers.consume --queue {{{x}}}"],',
                      "               check=True, timeout=10)",
                      'result = {"session": session}')
        imps = "import re\nimport subprocess\nimport uuid"
        note = "the queue name is checked against a strict pattern before it goes into tmux's shell command"
    return Spec(s=body, imports=imps, notes=note)


# ---------------- CWE-79 helpers: an HTML response per framework ----------------

def _reflected_src(c, search=False):
    """A reflected page needs a source a cross-site attacker controls: the query string (or a posted form)."""
    if c.fw == "fastapi":
        c.src = "query"
    elif c.fw == "aiohttp":
        c.src = "args" if search else c.pick("args", "form", "match")
    else:
        c.src = "args" if search else c.pick("args", "args", "form")


def _html_resp(c, var):
    return {
        "flask": ("from flask import Response", f'Response({var}, mimetype="text/html")'),
        "django": ("from django.http import HttpResponse", f"HttpResponse({var})"),
        "fastapi": ("from fastapi.responses import HTMLResponse", f"HTMLResponse({var})"),
        "aiohttp": ("", f'web.Response(text={var}, content_type="text/html")'),
    }[c.fw]


# ---------------- CWE-79: BeautifulSoup fragment parsed from an f-string and inserted ----------------

_BS_PAGE = '''
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<span id="headline"></span>
<ul id="entries">{seed}</ul>
<p class="footer">{footer}</p>
</body></html>"""
'''


def _bs_page(c):
    return _BS_PAGE.format(title=c.word.capitalize() + c.pick(" preview", " board", " digest"),
                           seed=c.pick("", "<li>Welcome</li>"),
                           footer=c.pick("Preview only", "Generated by the " + c.word + " service", "Draft"))


@fam("xss-bs4-fragment-insert", "CWE-79", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["comment", "note", "caption", "title"], n=8)
def xss_bs4_fragment(c):
    x = c.x
    _reflected_src(c)
    shape = _shape(c, ["append", "replace", "insert"])
    soup = c.pick("soup", "doc", "page_soup")
    imp, ret = _html_resp(c, "page")
    if shape == "append":
        tag, attrs = c.pick(("li", "entry"), ("li", "note"))
        place = f'{soup}.find(id="entries").append'
        where = "appended to the list"
    elif shape == "replace":
        tag, attrs = c.pick(("h2", "headline"), ("strong", "title"))
        place = f'{soup}.find(id="headline").replace_with'
        where = "swapped in for the headline placeholder"
    else:
        tag, attrs = c.pick(("div", "banner"), ("p", "lead"))
        place = f"{soup}.body.insert(0, "
        where = "inserted at the top of the body"
    frag = c.fmt(f'<{tag} class="{attrs}">{{}}</{tag}>', x)

    def put(arg):
        return f"{place}{arg})" if shape == "insert" else f"{place}({arg})"

    vline = put(f'BeautifulSoup({frag}, "html.parser")') + "  #@V"
    node = c.pick("node", "item", "el")
    s_lines = [f'{node} = {soup}.new_tag("{tag}", attrs={{"class": "{attrs}"}})', f"{node}.string = {x}", put(node)]
    head = [f'{soup} = BeautifulSoup(PAGE, "html.parser")']
    foot = [f"page = str({soup})"]
    v = _lines(*head, vline, *foot)
    s = _lines(*head, *s_lines, *foot)
    return Spec(v=v, s=s, imports="from bs4 import BeautifulSoup\n" + imp, helpers=_bs_page(c), ret=ret, raw=True,
                notes=f"the request value is formatted into an HTML fragment that BeautifulSoup parses as markup and "
                      f"that is {where}; a <script> or <img onerror=...> in it becomes part of the page; the fix "
                      "builds the element with new_tag and sets .string, which is escaped when the soup is serialised")


@hardneg(3)
def xss_bs4_fragment_hn(c):
    _reflected_src(c)
    shape = c.pick("escaped", "attr", "string")
    soup = c.pick("soup", "doc")
    imp, ret = _html_resp(c, "page")
    if shape == "escaped":
        x = _rekey(c, "comment", "note")
        frag = c.fmt('<li class="entry">{}</li>', "html.escape(" + x + ")")
        lines = [f'{soup}.find(id="entries").append(BeautifulSoup({frag}, "html.parser"))']
        imps = "import html\nfrom bs4 import BeautifulSoup"
        note = "the value is html.escape'd before the fragment is parsed, so it stays text"
    elif shape == "attr":
        x = _rekey(c, "caption", "label")
        lines = [f'badge = {soup}.new_tag("span", attrs={{"class": "badge", "title": {x}}})',
                 f"badge.string = {x}[:40]",
                 f'{soup}.find(id="headline").replace_with(badge)']
        imps = "from bs4 import BeautifulSoup"
        note = "new_tag with the value as an attribute and as .string; BeautifulSoup quotes and escapes both on output"
    else:
        x = _rekey(c, "title", "subject")
        lines = [f'item = {soup}.new_tag("li")',
                 f"item.string = {x}",
                 f'{soup}.find(id="entries").append(item)',
                 f'{soup}.find(id="entries").append(BeautifulSoup("<li class=\\"hint\\">Shown to reviewers only</li>", "html.parser"))']
        imps = "from bs4 import BeautifulSoup"
        note = "the value goes in through .string; the only parsed fragment is a constant"
    body = _lines(f'{soup} = BeautifulSoup(PAGE, "html.parser")', *lines, f"page = str({soup})")
    return Spec(s=body, imports=imps + "\n" + imp, helpers=_bs_page(c), ret=ret, raw=True, notes=note)


# ---------------- CWE-79: escaped without quotes, placed in a quoted attribute ----------------

_ATTR = {
    # key: (line before or None, attribute line template with {} for the escaped value, line after or None, quote)
    "q": ('"<form method=\\"get\\" action=\\"/{w}s\\">"', '<input type="search" name="q" value="{}" autofocus>',
          '"<button>Search</button></form>"', '"'),
    "city": (None, "<section class='results' data-city='{}'>", None, "'"),
    "tag": ('"<h2>"', '<img src="/static/tags.svg" alt="{}" width="16">', '" Tagged items</h2>"', '"'),
    "author": (None, "<span class='byline' title='{}'>", '"Posts by this author</span>"', "'"),
}

_CATALOG = 'CATALOG = ["Berlin office", "Paris office", "Lisbon hub", "Oslo depot", "Madrid office", "Porto hub"]'


@fam("xss-attr-escape-no-quotes", "CWE-79", fws=["flask", "django", "fastapi", "aiohttp"], keys=list(_ATTR), n=8)
def xss_attr_noquote(c):
    _reflected_src(c, search=True)
    x = _rekey(c, _shape(c, list(_ATTR)))
    before, tmpl, after, q = _ATTR[c.key]
    esc = c.pick("html_kw", "html_pos", "sax")
    shown = c.pick("shown", "safe_text", "escaped", "display")
    imp, ret = _html_resp(c, "page")
    if esc == "html_kw":
        vesc, vimp = f"html.escape({x}, quote=False)", "import html"
    elif esc == "html_pos":
        vesc, vimp = f"html.escape({x}, False)", "import html"
    else:
        vesc, vimp = f"escape({x})", "from xml.sax.saxutils import escape"
    if esc == "sax" and c.pick(True, False):
        sesc, simp = f"""escape({x}, {{'"': "&quot;", "'": "&#x27;"}})""", vimp
        fix = "the fix passes saxutils.escape an entities dict for both quote characters"
    else:
        sesc, simp = f"html.escape({x})", "import html"
        fix = "the fix uses html.escape with its default quote=True, which also escapes \" and '"
    attr_line = c.fmt(tmpl, shown)
    close = "</section>" if c.key == "city" else ""

    def body(safe):
        parts = ([f"    {before.format(w=c.word)}"] if before else []) + [f"    {attr_line}"]
        parts[-1] += "" if safe else "  #@V"
        if after:
            parts.append(f"    {after}")
        parts.append(f'    f"<p>{{len(hits)}} result(s) for <b>{{{shown}}}</b></p>{close}"')
        parts = [parts[0]] + ["    + " + p[4:] for p in parts[1:]]
        return _lines(f"{shown} = {sesc if safe else vesc}" + ("" if safe else "  #@V"),
                      f"hits = [p for p in CATALOG if {x}.lower() in p.lower()]",
                      "page = (", *parts, ")")

    return Spec(v=body(False), s=body(True), imports=imp, vimports=vimp, simports=simp, helpers=_CATALOG,
                ret=ret, raw=True,
                notes=f"the value is escaped for text (<, >, &) but not for quotes, and is then placed inside a "
                      f"{q}-quoted attribute: a {q} ends the attribute and ' onmouseover=...' / ' autofocus "
                      "onfocus=...' adds a script handler; " + fix)


@hardneg(3)
def xss_attr_noquote_hn(c):
    _reflected_src(c, search=True)
    shape = c.pick("text_only", "markupsafe", "quoteattr")
    imp, ret = _html_resp(c, "page")
    x = _rekey(c, "q", "term")
    if shape == "text_only":
        body = _lines(f"shown = html.escape({x}, quote=False)",
                      f"attr_value = html.escape({x})",
                      f"hits = [p for p in CATALOG if {x}.lower() in p.lower()]",
                      f'page = (f\'<input type="search" name="q" value="{{attr_value}}">\'',
                      "        f\"<p>{len(hits)} result(s) for <b>{shown}</b></p>\")")
        imps = "import html"
        note = "quote=False escaping is used only for the text node; the attribute gets full html.escape"
    elif shape == "markupsafe":
        body = _lines(f"hits = [p for p in CATALOG if {x}.lower() in p.lower()]",
                      f"page = (f\"<div class='results' data-query='{{escape({x})}}'>\"",
                      "        f\"<p>{len(hits)} result(s)</p></div>\")")
        imps = "from markupsafe import escape"
        note = "markupsafe.escape escapes both quote characters, so the single-quoted attribute is safe"
    else:
        body = _lines(f"hits = [p for p in CATALOG if {x}.lower() in p.lower()]",
                      f'page = (f"<input type=\\"search\\" name=\\"q\\" value={{quoteattr({x})}}>"',
                      f'        f"<p>{{len(hits)}} result(s) for <b>{{escape({x})}}</b></p>")')
        imps = "from xml.sax.saxutils import escape, quoteattr"
        note = "quoteattr escapes and quotes the attribute value itself; escape is used only for the text node"
    return Spec(s=body, imports=imps + "\n" + imp, helpers=_CATALOG, ret=ret, raw=True, notes=note)
