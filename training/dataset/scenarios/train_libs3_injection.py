"""Train-only injection families on libraries no other family uses (groups 89, 78, 94): PyMySQL and
mysqlclient DictCursor queries built by string formatting, cassandra-driver CQL with the caller's
value before the tenant restriction, Pony ORM select_by_sql / Database.select text, docker SDK
exec_run and containers.run with "sh -c", the sh package's bash -c pipelines, ansible-runner's
ad-hoc shell module, sympy sympify/parse_expr of a user formula, and Cheetah templates compiled
from user text."""
from core import Spec
from registry import hardneg, fam

SYNC_FWS = ["flask", "django", "script", "cli", "pipeline"]
SERVER_FWS = ["flask", "django", "fastapi", "aiohttp", "pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-89 SQL injection ----------------

_PYMYSQL_CONFIG = '''
    DB_CONFIG = {{
        "host": os.environ.get("MYSQL_HOST", "{host}"),
        "user": "{user}",
        "password": os.environ["MYSQL_PASSWORD"],
        "database": "{db}",
        "charset": "utf8mb4",
    }}
'''

_MYSQLDB_CONFIG = '''
    DB_CONFIG = {{
        "host": os.environ.get("MYSQL_HOST", "{host}"),
        "user": "{user}",
        "passwd": os.environ["MYSQL_PASSWORD"],
        "db": "{db}",
        "charset": "utf8mb4",
    }}
'''


@fam("sqli-pymysql-dictcursor-format", "CWE-89", fws=["flask", "django", "fastapi", "script", "cli", "pipeline"],
     keys=["brand", "category", "supplier_code"], n=8)
def sqli_pymysql(c):
    _pin(c)
    x, q, rows, cur, conn = c.x, c.n("query"), c.n("rows"), c.n("cur"), c.n("conn")
    lib = c.pick("pymysql", "MySQLdb")
    shape = c.pick("list", "count")
    tbl = c.pick("products", "catalog_item", "stock_item")
    if shape == "list":
        sql_v = f"SELECT id, sku, name, price FROM {tbl} WHERE {c.key} = '{{}}' AND active = 1 ORDER BY name LIMIT 100"
        sql_s = f"SELECT id, sku, name, price FROM {tbl} WHERE {c.key} = %s AND active = 1 ORDER BY name LIMIT 100"
        fetch = f"{rows} = {cur}.fetchall()"
        res = f'[{{"id": r["id"], "sku": r["sku"], "name": r["name"], "price": str(r["price"])}} for r in {rows}]'
    else:
        sql_v = f"SELECT COUNT(*) AS n FROM {tbl} WHERE {c.key} = '{{}}' AND active = 1"
        sql_s = f"SELECT COUNT(*) AS n FROM {tbl} WHERE {c.key} = %s AND active = 1"
        fetch = f"{rows} = {cur}.fetchone()"
        res = f'{{"{c.key}": {x}, "count": {rows}["n"]}}'
    if lib == "pymysql":
        head = f"""
            {conn} = pymysql.connect(cursorclass=pymysql.cursors.DictCursor, **DB_CONFIG)
            try:
                with {conn}.cursor() as {cur}:
        """
        tail = f"""
            finally:
                {conn}.close()
        """
        imports, cfg, ind = "import os\nimport pymysql", _PYMYSQL_CONFIG, "        "
    else:
        head = f"""
            {conn} = MySQLdb.connect(**DB_CONFIG)
            try:
                {cur} = {conn}.cursor(MySQLdb.cursors.DictCursor)
        """
        tail = f"""
                {cur}.close()
            finally:
                {conn}.close()
        """
        imports, cfg, ind = "import os\nimport MySQLdb\nimport MySQLdb.cursors", _MYSQLDB_CONFIG, "    "

    def body(sql_line, exec_line):
        lines = [l.strip() for l in (sql_line, exec_line, fetch) if l]
        inner = "\n".join(ind + l for l in lines)
        def cut(block):
            return "\n".join(l[12:] for l in block.lstrip("\n").rstrip().split("\n"))
        return cut(head) + "\n" + inner + "\n" + cut(tail) + f"\nresult = {res}\n"

    if c.pick("var", "inline") == "var":
        v = body(f"{q} = {c.fmt(sql_v, x)}  #@V", f"{cur}.execute({q})  #@V")
        s = body(f'{q} = "{sql_s}"', f"{cur}.execute({q}, ({x},))")
    else:
        v = body("", f"{cur}.execute({c.fmt(sql_v, x)})  #@V")
        s = body("", f'{cur}.execute("{sql_s}", ({x},))')
    helpers = cfg.format(host=c.pick("mysql.internal", "db-ro.lan", "10.1.2.30"),
                         user=c.pick("catalog_reader", "shop_ro", "reporting"), db=c.pick("catalog", "shop", "inventory"))
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes=f"{lib} sends the formatted text as the statement (the driver only substitutes when "
                      "parameters are passed): a quote in the value ends the literal and appends SQL, e.g. "
                      "' OR '1'='1 or a UNION SELECT; the fix leaves %s unquoted in the statement and passes the "
                      "value as the args tuple, which the driver escapes")


@hardneg(4)
def sqli_pymysql_hn(c):
    x, rows = c.x, c.n("rows")
    if c.pick("named", "in") == "named":
        s = f"""
            params = {{"value": {x}, "limit": 50}}
            conn = pymysql.connect(cursorclass=pymysql.cursors.DictCursor, **DB_CONFIG)
            try:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT id, sku, name FROM products WHERE {c.key} = %(value)s AND active = 1 ORDER BY name LIMIT %(limit)s",
                        params,
                    )
                    {rows} = cur.fetchall()
            finally:
                conn.close()
            result = [r["sku"] for r in {rows}]
        """
    else:
        s = f"""
            wanted = [v.strip() for v in {x}.split(",") if v.strip()][:20]
            if not wanted:
                raise ValueError("nothing selected")
            marks = ", ".join(["%s"] * len(wanted))
            conn = pymysql.connect(cursorclass=pymysql.cursors.DictCursor, **DB_CONFIG)
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT id, sku, name FROM products WHERE {c.key} IN (" + marks + ") AND active = 1", wanted)
                    {rows} = cur.fetchall()
            finally:
                conn.close()
            result = [r["sku"] for r in {rows}]
        """
    return Spec(s=s, imports="import os\nimport pymysql",
                helpers=_PYMYSQL_CONFIG.format(host="mysql.internal", user="catalog_reader", db="catalog"),
                notes="PyMySQL with pyformat/format placeholders and the values passed as execute() args; the IN "
                      "list is built from '%s' markers only")


@fam("sqli-cassandra-cql-tenant", "CWE-89", fws=SERVER_FWS, keys=["sensor_id", "device_id", "meter_id"], n=8)
def sqli_cassandra(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    tbl, cols = c.pick(("readings", ("ts", "value", "unit")), ("telemetry", ("ts", "metric", "reading")),
                       ("events_by_device", ("ts", "kind", "detail")))
    colsql = ", ".join(cols)
    limit = c.pick("200", "500", "1000")
    # the line break before LIMIT is what lets a -- comment (which CQL ends only at a line break) cut the
    # tenant restriction and still leave a valid statement
    cql_v = f"SELECT {colsql} FROM {tbl} WHERE {c.key} = '{{}}' AND tenant = '{{}}'\nLIMIT {limit}"
    cql_s = f"SELECT {colsql} FROM {tbl} WHERE {c.key} = %s AND tenant = %s\\nLIMIT {limit}"
    res = "[{" + ", ".join(f'"{k}": r.{k}' + (".isoformat()" if k == "ts" else "") for k in cols) + f"}} for r in {rows}]"
    shape = c.pick("execute", "statement")
    if shape == "execute":
        v = f"""
            session = get_session()
            {rows} = session.execute({c.fmt(cql_v, x, "TENANT")})  #@V
            result = {res}
        """
        s = f"""
            session = get_session()
            {rows} = session.execute("{cql_s}", ({x}, TENANT))
            result = {res}
        """
        imports = "import os\nfrom cassandra.cluster import Cluster"
    else:
        v = f"""
            session = get_session()
            stmt = SimpleStatement({c.fmt(cql_v, x, "TENANT")}, fetch_size=100, consistency_level=ConsistencyLevel.LOCAL_QUORUM)  #@V
            {rows} = session.execute(stmt)  #@V
            result = {res}
        """
        s = f"""
            session = get_session()
            stmt = SimpleStatement("{cql_s}", fetch_size=100, consistency_level=ConsistencyLevel.LOCAL_QUORUM)
            {rows} = session.execute(stmt, ({x}, TENANT))
            result = {res}
        """
        imports = ("import os\nfrom cassandra import ConsistencyLevel\nfrom cassandra.cluster import Cluster\n"
                   "from cassandra.query import SimpleStatement")
    helpers = f'''
        TENANT = os.environ["TENANT_ID"]
        CONTACT_POINTS = {c.pick('["cass-1.internal", "cass-2.internal"]', '["10.8.0.11", "10.8.0.12", "10.8.0.13"]', '["scylla.lan"]')}
        _session = None


        def get_session():
            global _session
            if _session is None:
                _session = Cluster(CONTACT_POINTS, port=9042).connect("{c.pick("telemetry", "iot", "metering")}")
            return _session
    '''
    return Spec(v=v, s=s, imports=imports, helpers=helpers,
                notes="cassandra-driver runs the formatted CQL as given: a value such as x' AND tenant = 'other' -- "
                      "closes the literal, restricts to another tenant's partition and comments out the real tenant "
                      "check up to the line break before LIMIT (a CQL -- comment ends at a line break), so one tenant "
                      "reads another's data; the fix passes both values as %s parameters")


@hardneg(4)
def sqli_cassandra_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        session = get_session()
        stmt = session.prepare("SELECT ts, value FROM readings WHERE tenant = ? AND {c.key} = ? LIMIT 500")
        {rows} = session.execute(stmt, [TENANT, {x}])
        result = [{{"ts": r.ts.isoformat(), "value": r.value}} for r in {rows}]
    """
    helpers = '''
        TENANT = os.environ["TENANT_ID"]
        _session = None


        def get_session():
            global _session
            if _session is None:
                _session = Cluster(["cass-1.internal"], port=9042).connect("telemetry")
            return _session
    '''
    return Spec(s=s, imports="import os\nfrom cassandra.cluster import Cluster", helpers=helpers,
                notes="prepared CQL statement with ? markers; the values are bound, not formatted")


def _pony_helpers(c, ent, tbl):
    return f'''
        db = Database()


        class {ent}(db.Entity):
            _table_ = "{tbl}"
            subject = Required(str)
            status = Required(str)
            {c.key} = Required(str)
            created = Required(datetime)


        db.bind(provider="sqlite", filename="{c.pick("helpdesk.sqlite", "/srv/desk/desk.db", "support.sqlite3")}", create_db=False)
        db.generate_mapping(create_tables=False)
    '''


@fam("sqli-pony-select-by-sql", "CWE-89", fws=["flask", "django", "fastapi", "script", "cli", "pipeline"],
     keys=["assignee", "queue", "requester"], n=8)
def sqli_pony(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    ent, tbl = c.pick(("Ticket", "tickets"), ("Case", "support_cases"), ("Issue", "issues"))
    shape = c.pick("entity", "db")
    order = c.pick("created DESC", "status, created DESC")
    if shape == "entity":
        sql_v = f"SELECT * FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY {order} LIMIT 50"
        sql_s = f"SELECT * FROM {tbl} WHERE {c.key} = ${x} ORDER BY {order} LIMIT 50"
        call = f"{ent}.select_by_sql"
        res = f'[{{"id": t.id, "subject": t.subject, "status": t.status}} for t in {rows}]'
    else:
        sql_v = f"SELECT id, subject, status FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY {order} LIMIT 50"
        sql_s = f"SELECT id, subject, status FROM {tbl} WHERE {c.key} = ${x} ORDER BY {order} LIMIT 50"
        call = "db.select"
        res = f'[{{"id": row[0], "subject": row[1], "status": row[2]}} for row in {rows}]'
    v = f"""
        with db_session:
            {rows} = {call}({c.fmt(sql_v, x)})  #@V
            result = {res}
    """
    s = f"""
        with db_session:
            {rows} = {call}("{sql_s}")
            result = {res}
    """
    return Spec(v=v, s=s, imports="from datetime import datetime\nfrom pony.orm import Database, Required, db_session",
                helpers=_pony_helpers(c, ent, tbl),
                notes="Pony runs select_by_sql / Database.select text as written; the value formatted into it can "
                      "close the quote and add SQL; the fix writes $name in the statement, which Pony turns into a "
                      "bound parameter taken from the local variable")


@hardneg(4)
def sqli_pony_hn(c):
    x, rows = c.x, c.n("rows")
    if c.pick("generator", "raw") == "generator":
        s = f"""
            with db_session:
                {rows} = select(t for t in Ticket if t.{c.key} == {x}).order_by(desc(Ticket.created))[:50]
                result = [{{"id": t.id, "subject": t.subject}} for t in {rows}]
        """
        imp = "from datetime import datetime\nfrom pony.orm import Database, Required, db_session, desc, select"
    else:
        s = f"""
            with db_session:
                {rows} = select(t for t in Ticket if raw_sql("t.{c.key} = ${x} AND t.status <> 'closed'"))[:50]
                result = [{{"id": t.id, "subject": t.subject}} for t in {rows}]
        """
        imp = "from datetime import datetime\nfrom pony.orm import Database, Required, db_session, raw_sql, select"
    return Spec(s=s, imports=imp, helpers=_pony_helpers(c, "Ticket", "tickets"),
                notes="Pony generator query / raw_sql with a $ parameter: the value is bound, never spliced")


# ---------------- CWE-78 OS command injection ----------------


@fam("cmdi-docker-exec-run-sh-c", "CWE-78", fws=SERVER_FWS, keys=["key_prefix", "namespace", "hostname", "target_host"], n=8)
def cmdi_docker(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    if c.key in ("key_prefix", "namespace"):
        ctr = c.pick("redis", "cache-redis-1", "sessions-redis")
        v = f"""
            container = client.containers.get("{ctr}")
            {cmd} = {c.fmt("redis-cli --scan --pattern '{}:*' | wc -l", x)}  #@V
            res = container.exec_run(["sh", "-c", {cmd}], demux=False)  #@V
            result = {{"exit": res.exit_code, "keys": int(res.output.strip() or 0)}}
        """
        s = f"""
            container = client.containers.get("{ctr}")
            {cmd} = {c.fmt("redis-cli --scan --pattern {} | wc -l", "shlex.quote(" + x + ' + ":*")')}
            res = container.exec_run(["sh", "-c", {cmd}], demux=False)
            result = {{"exit": res.exit_code, "keys": int(res.output.strip() or 0)}}
        """
        simports = "import shlex"
        notes = ("exec_run starts sh -c inside the Redis container with the prefix pasted between single quotes: "
                 "a quote in it ends the string and ; or $( ) run more commands there; the fix quotes the pattern "
                 "with shlex.quote")
    else:
        img = c.pick("nicolaka/netshoot", "busybox:1.36", "alpine:3.20")
        net = c.pick("backend", "internal", "services")
        tool = c.pick("ping -c 3 -W 2 {}", "traceroute -m 12 {}", "nslookup {}")
        v = f"""
            {cmd} = {c.fmt(tool + " 2>&1 | tail -n 5", x)}  #@V
            out = client.containers.run("{img}", ["sh", "-c", {cmd}], network="{net}", remove=True)  #@V
            result = out.decode("utf-8", "replace").splitlines()
        """
        s = f"""
            if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{{0,251}}[A-Za-z0-9])?", {x}):
                raise ValueError("expected a host name or IPv4 address")
            {cmd} = {c.fmt(tool + " 2>&1 | tail -n 5", x)}
            out = client.containers.run("{img}", ["sh", "-c", {cmd}], network="{net}", remove=True)
            result = out.decode("utf-8", "replace").splitlines()
        """
        simports = "import re"
        notes = ("the diagnostics container runs sh -c on a line that embeds the requested host: ; | or $( ) in it "
                 "run arbitrary commands inside the service network; the fix accepts only host-name characters "
                 "(and no leading '-')")
    client = c.pick("docker.from_env()", 'docker.DockerClient(base_url="unix:///var/run/docker.sock")')
    return Spec(v=v, s=s, imports="import docker", simports=simports, helpers=f"client = {client}", notes=notes)


@hardneg(4)
def cmdi_docker_hn(c):
    x = c.x
    shape = c.pick("argv", "mapped")
    imp = "import docker"
    if shape == "argv" and c.key in ("hostname", "target_host"):
        s = f"""
            addr = ipaddress.ip_address({x})
            out = client.containers.run("busybox:1.36", ["ping", "-c", "3", "-W", "2", str(addr)], network="backend", remove=True)
            result = out.decode("utf-8", "replace").splitlines()[-5:]
        """
        imp = "import ipaddress\nimport docker"
    elif shape == "argv":
        s = f"""
            container = client.containers.get("redis")
            res = container.exec_run(["redis-cli", "--scan", "--pattern", {x} + ":*", "--count", "1000"])
            result = {{"exit": res.exit_code, "keys": len(res.output.splitlines())}}
        """
    else:
        s = f"""
            script = CHECKS.get({x})
            if script is None:
                raise KeyError("unknown check")
            res = client.containers.get("ops-toolbox").exec_run(["sh", "-c", script])
            result = {{"exit": res.exit_code, "output": res.output.decode("utf-8", "replace")[-2000:]}}
        """
    helpers = '''
        client = docker.from_env()
        CHECKS = {"disk": "df -h / | tail -n 1", "load": "cat /proc/loadavg", "mem": "free -m | head -n 2"}
    '''
    return Spec(s=s, imports=imp, helpers=helpers,
                notes="exec_run / containers.run with an argument vector (no shell), or sh -c on a script chosen "
                      "from a fixed mapping")


@fam("cmdi-sh-package-bash-c", "CWE-78", fws=SYNC_FWS, keys=["pattern", "search_term", "request_id"], n=8)
def cmdi_shpkg(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    tv, ts = c.pick(
        ("zgrep -h -F '{}' /var/log/nginx/access.log* | tail -n 200",
         "zgrep -h -F -e {} /var/log/nginx/access.log* | tail -n 200"),
        ("journalctl --no-pager -o cat -t api | grep -F '{}' | tail -n 100",
         "journalctl --no-pager -o cat -t api | grep -F -e {} | tail -n 100"),
        ("cat /srv/app/logs/*.log | grep -c -F '{}'",
         "cat /srv/app/logs/*.log | grep -c -F -e {}"),
    )
    shell = c.pick("bash", "sh")
    v = f"""
        {cmd} = {c.fmt(tv, x)}  #@V
        out = sh.{shell}("-c", {cmd}, _timeout=30, _ok_code=[0, 1])  #@V
        result = str(out).splitlines()
    """
    s = f"""
        {cmd} = {c.fmt(ts, "shlex.quote(" + x + ")")}
        out = sh.{shell}("-c", {cmd}, _timeout=30, _ok_code=[0, 1])
        result = str(out).splitlines()
    """
    return Spec(v=v, s=s, imports="import sh", simports="import shlex",
                notes=f"the sh package passes the string to {shell} -c because the search needs a pipe and a glob; the "
                      "term sits between single quotes, so a quote in it ends the string and ; or $( ) run commands; "
                      "the fix quotes it with shlex.quote and gives it to grep with -e")


@hardneg(4)
def cmdi_shpkg_hn(c):
    x = c.x
    if c.pick("argv", "pipe") == "argv":
        s = f"""
            logs = sorted(glob.glob("/var/log/nginx/access.log*"))
            out = sh.zgrep("-h", "-F", "-e", {x}, *logs, _timeout=30, _ok_code=[0, 1])
            result = str(out).splitlines()[-200:]
        """
        imp = "import glob\nimport sh"
    else:
        s = f"""
            out = sh.grep("-c", "-F", "-e", {x}, _in=sh.journalctl("--no-pager", "-o", "cat", "-t", "api"), _ok_code=[0, 1])
            result = int(str(out).strip() or 0)
        """
        imp = "import sh"
    return Spec(s=s, imports=imp,
                notes="sh package commands called with separate arguments (no shell); the term is one argv entry after -e")


@fam("cmdi-ansible-runner-shell-module", "CWE-78", fws=SERVER_FWS, keys=["unit", "service_name", "app_unit"], n=8)
def cmdi_ansible(c):
    _pin(c)
    x = c.x
    tmpl = c.pick("journalctl -u {} --since -1h --no-pager | tail -n 50",
                  "systemctl status {} --no-pager --lines=0 | head -n 5",
                  "systemctl show {} -p ActiveState -p SubState -p MainPID")
    group = c.pick("web", "workers", "app_servers")
    run = f"""
        r = ansible_runner.run(@@MARK@@
            private_data_dir=RUNNER_DIR,
            host_pattern="{group}",
            module="shell",@@MARK@@
            module_args={c.fmt(tmpl, x)},@@MARK@@
            quiet=True,
        )
        result = {{
            "status": r.status,
            "hosts": {{ev["event_data"]["host"]: ev["event_data"]["res"].get("stdout", "")
                      for ev in r.events if ev.get("event") == "runner_on_ok"}},
        }}
    """
    guard = f"""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9@._-]{{0,127}}", {x}):
            raise ValueError("invalid unit name")
    """
    v = run.replace("@@MARK@@", "  #@V")
    s = guard.rstrip() + run.replace("@@MARK@@", "")
    return Spec(v=v, s=s, imports="import ansible_runner", simports="import re",
                helpers=f'RUNNER_DIR = "{c.pick("/srv/ops/runner", "/etc/opsbot/ansible", "/var/lib/ops/ansible")}"',
                notes="the ad-hoc shell module runs module_args through /bin/sh on every host of the group, and "
                      "Ansible also templates {{ }} in it on the controller; a unit name with ; $( ) or {{ lookup(...) }} "
                      "runs commands; the fix accepts only systemd unit-name characters")


@hardneg(4)
def cmdi_ansible_hn(c):
    x = c.x
    s = f"""
        unit = UNITS.get({x})
        if unit is None:
            raise KeyError("unknown service")
        r = ansible_runner.run(
            private_data_dir=RUNNER_DIR,
            host_pattern="web",
            module="{c.pick("systemd", "ansible.builtin.systemd")}",
            module_args="name=" + unit + " state=restarted",
            quiet=True,
        )
        result = {{"status": r.status, "rc": r.rc}}
    """
    helpers = '''
        RUNNER_DIR = "/srv/ops/runner"
        UNITS = {"web": "nginx.service", "api": "gunicorn.service", "jobs": "celery.service"}
    '''
    return Spec(s=s, imports="import ansible_runner", helpers=helpers,
                notes="systemd module (no shell) on a unit name taken from a fixed mapping")


# ---------------- CWE-94 code injection ----------------


@fam("codei-sympy-sympify-formula", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["formula", "expression", "equation"], n=8)
def codei_sympy(c):
    _pin(c)
    x = c.x
    shape = c.pick("sympify", "parse_expr")
    use = c.pick("latex", "symbols", "both")
    expr = c.n("expr")
    if expr == x:
        expr = "parsed"
    if shape == "sympify":
        call = f"sympify({x}, evaluate=False)"
        imports = "from sympy import latex, sympify"
        helpers = ""
    else:
        call = f"parse_expr({x}, transformations=TRANSFORMS, evaluate=False)"
        imports = ("from sympy import latex\nfrom sympy.parsing.sympy_parser import implicit_multiplication_application, "
                   "parse_expr, standard_transformations")
        helpers = "TRANSFORMS = standard_transformations + (implicit_multiplication_application,)"
    res = {"latex": f"latex({expr})",
           "symbols": f"sorted(str(s) for s in {expr}.free_symbols)",
           "both": f'{{"latex": latex({expr}), "variables": sorted(str(s) for s in {expr}.free_symbols)}}'}[use]
    v = f"""
        {expr} = {call}  #@V
        result = {res}
    """
    s = f"""
        if len({x}) > 200 or not re.fullmatch(r"(?:\\s|\\d+(?:\\.\\d+)?|[-+*/^(),]|x|y|z|t|sin|cos|tan|exp|log|sqrt|pi)+", {x}):
            raise ValueError("the formula may use numbers, x, y, z, t, + - * / ^ ( ) and sin cos tan exp log sqrt pi")
        {expr} = {call}
        result = {res}
    """
    return Spec(v=v, s=s, imports=imports, simports="import re", helpers=helpers,
                notes="sympify/parse_expr turn the text into Python and eval it; the token rewrite does not stop "
                      "attribute access, so ().__class__.__base__.__subclasses__() chains reach os.system; the fix "
                      "accepts only numbers, operators and a fixed set of symbol and function names (no '_', '.', "
                      "quotes or brackets)")


@hardneg(2)
def codei_sympy_hn(c):
    x = c.x
    s = f"""
        name = {x}.strip()
        if name not in FUNCTIONS:
            raise KeyError("unknown function")
        t = Symbol("t", real=True)
        f = FUNCTIONS[name](t)
        result = {{"latex": latex(f), "derivative": latex(diff(f, t))}}
    """
    return Spec(s=s, imports="from sympy import Symbol, cos, diff, exp, latex, sin, sqrt",
                helpers="FUNCTIONS = {\"sin\": sin, \"cos\": cos, \"exp\": exp, \"sqrt\": sqrt}",
                notes="sympy expression built from a fixed mapping of functions; the input is only a dictionary key")


@hardneg(2)
def codei_sympy_coeffs_hn(c):
    x = c.x
    s = f"""
        coeffs = [sympify(float(v)) for v in {x}.split(",")[:10]]
        t = Symbol("t")
        poly = sum(cf * t**i for i, cf in enumerate(coeffs))
        result = {{"latex": latex(poly), "roots": [str(r) for r in Poly(poly, t).nroots()]}}
    """
    return Spec(s=s, imports="from sympy import Poly, Symbol, latex, sympify",
                notes="sympify only sees float() values, never the submitted text; the polynomial is built with "
                      "Python operators")


@fam("ssti-cheetah-user-template", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["template_text", "message_template", "body_template"], n=8)
def ssti_cheetah(c):
    _pin(c)
    x, tmpl = c.x, c.n("tmpl")
    kind = c.pick("order", "shipment", "invoice")
    ctx = {
        "order": '{"customer": "Ada Lovelace", "order_ref": "A-10293", "total": "42.50 EUR"}',
        "shipment": '{"customer": "Grace Hopper", "tracking": "1Z999AA10123456784", "carrier": "UPS"}',
        "invoice": '{"customer": "Alan Turing", "invoice_no": "INV-2024-0117", "due": "2024-07-31"}',
    }[kind]
    kw = c.pick("searchList", "source")
    if kw == "searchList":
        vcall = f"Template({x}, searchList=[SAMPLE])"
    else:
        vcall = f"Template(source={x}, searchList=[SAMPLE])"
    v = f"""
        {tmpl} = {vcall}  #@V
        result = {{"preview": str({tmpl})}}
    """
    s = f"""
        {tmpl} = Template({x}).safe_substitute(SAMPLE)
        result = {{"preview": str({tmpl})}}
    """
    return Spec(v=v, s=s, vimports="from Cheetah.Template import Template", simports="from string import Template",
                helpers=f"# sample values for the plain-text {kind} notification preview\nSAMPLE = {ctx}",
                notes="Cheetah compiles the submitted notification template to Python: #import, #silent and "
                      "$placeholder expressions such as $__import__('os').system(...) run on the server when it is "
                      "rendered; the fix keeps the $name placeholder syntax but fills it with string.Template, which "
                      "only substitutes values")


@hardneg(4)
def ssti_cheetah_hn(c):
    x = c.x
    s = f"""
        page = Template(file=TEMPLATE_FILE, searchList=[{{"customer": CUSTOMER, "note": {x}}}], filter="WebSafe")
        result = {{"preview": str(page)}}
    """
    return Spec(s=s, imports="from Cheetah.Template import Template",
                helpers=f'TEMPLATE_FILE = "{c.pick("templates/notice.tmpl", "/srv/mail/templates/order.tmpl")}"\nCUSTOMER = "Ada Lovelace"',
                notes="Cheetah template read from the application's own file; the input is only a searchList value "
                      "(escaped by the WebSafe filter)")
