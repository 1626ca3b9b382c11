"""Train-only snippet families (libs29 set): short handlers of the kind found in example suites, tutorials,
answers and quick scripts, for labels where the model misses weaknesses in other people's code:

- codei-eval-fstring-template (94): a message / file-name / alert template typed by a client is rendered
  by building an f-string literal around it and ``eval``-ing that (``eval(f"f{tmpl!r}")``,
  ``eval('f"""' + tmpl + '"""', ...)``, ``compile(...)`` then ``eval``), so every ``{...}`` field in the
  client text is a Python expression; an emptied ``__builtins__`` does not stop
  ``().__class__.__base__.__subclasses__()``; the fix substitutes named placeholders without evaluating
  anything (``string.Template.safe_substitute`` or a ``re.sub`` over ``{name}``);
- codei-eval-action-dispatch (94): a handler picks the function to run by pasting the client's action
  name into Python source (``eval(f"build_{kind}_report(period)")``, ``eval("render_" + fmt)``,
  ``exec(f"result = cmd_{name}()")``), so ``csv if __import__('os').system(...) else csv`` runs; the fix
  looks the name up in a dict of the allowed functions;
- argi-kubectl-resource-name-option (77): a "restart a pod / stop a job / scale a deployment" endpoint (the caller
  holds the team's ops token; no CLI variant, whose user holds the kube credentials anyway) that keeps the
  platform team's stateful workloads (a prefix deny-list) out of reach passes the client's resource
  name as an operand of kubectl in an argument list (no shell); a name such as ``--all`` or
  ``--selector=app=postgres`` passes the deny-list, is read as an option and deletes or scales the protected
  workloads too; the fix checks the name against the Kubernetes name pattern or passes it as ``TYPE/NAME``;
- argi-postgres-tool-dbname-option (77): an ops queue or admin endpoint (ops token required; no CLI variant, whose
  user holds the password anyway) runs pg_dump, psql, vacuumdb, reindexdb or createdb with the client's database name as the operand and the service password in
  ``PGPASSWORD``; ``--host=attacker.example`` sends that password to the attacker's server (it asks for
  cleartext password auth), ``--file=...`` / ``--all`` do the rest, and a name with ``=`` is even read as a
  libpq connection string, so ``--`` alone would not help; the fix accepts only a plain identifier;
- hash-reset-token-weak-digest (328): password-reset, e-mail verification, invitation and magic sign-in
  tokens are stored (redis, sqlite; issued: verification, invitation and magic-link tokens) and looked up by an
  MD5 / SHA-1 digest; a weak-hash finding as tools report it (no practical preimage attack on a 256-bit token);
  the fix keeps the flow and uses SHA-256;
- expose-credential-in-log-line (200, the CWE-532 case, which the dataset files under 200): a presented
  API token, a mail relay password being saved or an OAuth token response (both worker / CLI) is written to
  the application log (logging, structlog, loguru), where every reader of the logs and the log pipeline gets working credentials; the
  fix logs a fingerprint, a prefix or the non-secret fields only;
- logi-framework-logger-fstring (117): client text (a coupon, a search term, a SKU, a redirect target)
  formatted into the framework's own logger (Flask ``current_app.logger``, the ``uvicorn.error`` logger
  of FastAPI, aiohttp's ``request.app.logger``), so CR/LF in the value forges log records; the fix logs
  ``%r`` (lazy argument, escaped) or replaces CR and LF first.

Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec
from registry import fam, hardneg

ASYNC = ("aiohttp", "fastapi")


def _post(c, *srcs):
    """Read the value from a request body (a state-changing call) where the framework has one."""
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick(*(srcs or ("form", "json")))
    elif c.fw == "fastapi":
        c.src = "json"


def _rekey(c, *keys):
    """Point the context at another request key (the shell reads c.key and c.x); returns the new c.x."""
    c.key = c.pick(*keys)
    c.x = c.pick(c.key, c.key, "raw_" + c.key, "user_" + c.key)
    return c.x


def _body_or_query(c):
    """A value with spaces, quotes, CR or LF: the query string or a body, not a header or a cookie."""
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("args", "form", "json")
    elif c.fw == "fastapi":
        c.src = c.pick("query", "json")


def _can_await(c):
    return c.fw in ASYNC and not c.wrap


# ---------------- CWE-94: a client template rendered by eval of an f-string ----------------

_FT = {
    # kind: (helpers with the values, dict expression of the values, result line)
    "order": ('ORDER = {"order_no": "A-10442", "customer": "Dana Reyes", "total": "129.90", "eta": "Thursday"}',
              "dict(ORDER)", "result = {\"preview\": text}"),
    "alert": ('SAMPLE = {"host": "db-7", "metric": "disk_used_pct", "value": 93.5, "threshold": 90}',
              "dict(SAMPLE)", "result = {\"message\": text}"),
    "filename": ('EXPORT = {"kind": "invoices", "day": date.today().isoformat(), "team": "finance"}',
                 "dict(EXPORT)", 'result = {"filename": text + ".csv"}'),
}


def _ft_kind(c):
    return "filename" if c.key == "name_pattern" else c.pick("order", "alert")


def _ft_imp(kind):
    return "from datetime import date" if kind == "filename" else ""


@fam("codei-eval-fstring-template", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["template", "message_format", "name_pattern"], n=8)
def codei_fstring(c):
    x = c.x
    _post(c)
    kind = _ft_kind(c)
    helpers, vals, tail = _FT[kind]
    shape = c.pick("repr", "triple", "compile")
    ns = c.pick("values", "fields", "context")
    bl = c.pick("none", "empty", "empty")
    g = {"none": "{}", "empty": '{"__builtins__": {}}'}[bl]
    if shape == "repr":
        vline = f'text = eval(f"f{{{x}!r}}", {g}, {ns})  #@V'
    elif shape == "triple":
        vline = f"text = eval('f\"\"\"' + {x} + '\"\"\"', {g}, {ns})  #@V"
    else:
        vline = (f'code = compile("f" + repr({x}), "<{kind}-template>", "eval")  #@V\n'
                 f"text = eval(code, {g}, {ns})  #@V")
    fix = c.pick("template", "regex")
    if fix == "template":
        sline = f"text = string.Template({x}).safe_substitute({ns})"
        simps = "import string"
        fixnote = "string.Template(...).safe_substitute, whose $name placeholders are only looked up"
    else:
        sline = f'text = re.sub(r"\\{{(\\w+)\\}}", lambda m: str({ns}.get(m.group(1), m.group(0))), {x})'
        simps = "import re"
        fixnote = "a re.sub over {name} placeholders that only looks names up in the dict"
    pre = [f"{ns} = {vals}", f"if len({x}) > {c.pick('200', '500', '1000')}:",
           '    raise ValueError("template too long")']
    v = "\n".join(pre + [vline, tail])
    s = "\n".join(pre + [sline, tail])
    return Spec(v=v, s=s, helpers=helpers, simports=simps, imports=_ft_imp(kind),
                notes="the client's template becomes the body of an f-string literal that is evaluated, so every "
                      "{...} field in it is a Python expression run by the server (an empty __builtins__ is no "
                      "sandbox: ().__class__.__base__.__subclasses__() reaches os and subprocess); the fix is "
                      + fixnote)


@hardneg(3)
def codei_fstring_hn(c):
    x = c.x
    _post(c)
    kind = _ft_kind(c)
    helpers, vals, tail = _FT[kind]
    shape = c.pick("template", "fixed-fstring", "format-fixed")
    if shape == "template":
        body = [f"values = {vals}", f"text = string.Template({x}).safe_substitute(values)", tail]
        return Spec(s="\n".join(body), helpers=helpers, imports="import string\n" + _ft_imp(kind),
                    notes="the client template is filled by string.Template.safe_substitute: placeholders are "
                          "looked up, never evaluated")
    if shape == "fixed-fstring":
        body = [f"values = {vals}", f'label = {x}.strip()[:80]',
                'text = f"{label}: " + ", ".join(f"{k}={v}" for k, v in sorted(values.items()))', tail]
        return Spec(s="\n".join(body), helpers=helpers, imports=_ft_imp(kind),
                    notes="the f-strings are written in the source; the client text is only a value inside one")
    body = [f"values = {vals}", f'values["note"] = {x}.strip()[:120]',
            'text = "{note} ({count} fields)".format(note=values["note"], count=len(values))', tail]
    return Spec(s="\n".join(body), helpers=helpers, imports=_ft_imp(kind),
                notes="a constant format string; the client text is an argument of format, not the format")


# ---------------- CWE-94: the function to run chosen by pasting a client name into Python source ----------------

_DISPATCH = {
    "report": (["sales", "refunds", "signups"],
               "def build_{n}_report(period):\n    return {{\"report\": \"{n}\", \"period\": period, \"rows\": []}}"),
    "render": (["csv", "json", "xml"],
               "def render_{n}(rows):\n    return {{\"format\": \"{n}\", \"count\": len(rows)}}"),
    # read-only commands: an anonymous (or GET) caller running flush / reindex would be a CWE-306 / 352 shape left in
    # the twin (second-author review)
    "cmd": (["status", "version", "health"],
            "def cmd_{n}():\n    return {{\"command\": \"{n}\", \"ok\": True}}"),
}


@fam("codei-eval-action-dispatch", "CWE-94", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["kind", "fmt", "action"], n=8)
def codei_dispatch(c):
    x = c.x
    _body_or_query(c)
    style = {"kind": "report", "fmt": "render", "action": "cmd"}[c.key]
    names, tmpl = _DISPATCH[style]
    helpers = "\n\n\n".join(tmpl.format(n=n) for n in names)
    table = c.pick("handlers", "dispatch", "allowed")
    tline = f"{table} = {{" + ", ".join(
        f'"{n}": ' + {"report": f"build_{n}_report", "render": f"render_{n}", "cmd": f"cmd_{n}"}[style]
        for n in names) + "}"
    if style == "report":
        pre = [f'period = "{c.pick("last_30_days", "this_month", "previous_quarter")}"']
        how = c.pick("fstring", "concat")
        vcall = (f'result = eval(f"build_{{{x}}}_report(period)")  #@V' if how == "fstring" else
                 f'result = eval("build_" + {x} + "_report(period)")  #@V')
        scall = [tline, f"fn = {table}.get({x})", "if fn is None:", f'    raise ValueError("unknown report")',
                 "result = fn(period)"]
        attack = "sales_report if __import__('os').system('id') else build_sales"
    elif style == "render":
        pre = ['rows = [{"id": 1, "total": 40}, {"id": 2, "total": 75}]']
        vcall = f'renderer = eval("render_" + {x})  #@V\nresult = renderer(rows)'
        scall = [tline, f"renderer = {table}.get({x})", "if renderer is None:", f'    raise ValueError("unsupported format")',
                 "result = renderer(rows)"]
        attack = "csv if __import__('os').system('id') else render_csv"
    else:
        pre = []
        how = c.pick("exec", "eval")
        if how == "exec":
            vcall = (f"ns = {{}}\nexec(f\"out = cmd_{{{x}}}()\", globals(), ns)  #@V\nresult = ns[\"out\"]")
        else:
            vcall = f'result = eval("cmd_%s()" % {x})  #@V'
        scall = [tline, f"if {x} not in {table}:", '    raise ValueError("unknown command")', f"result = {table}[{x}]()"]
        attack = "status if __import__('os').system('id') else cmd_status"
    v = "\n".join(pre + [vcall])
    s = "\n".join(pre + scall)
    return Spec(v=v, s=s, helpers=helpers,
                notes=f"the client's name is pasted into Python source that eval/exec runs, so a value such as "
                      f"\"{attack}\" executes arbitrary code; the fix looks the name up in a dict of the "
                      "allowed functions, and rejects anything else")


@hardneg(4)
def codei_dispatch_hn(c):
    x = c.x
    _body_or_query(c)
    style = {"kind": "report", "fmt": "render", "action": "cmd"}[c.key]
    names, tmpl = _DISPATCH[style]
    helpers = "\n\n\n".join(tmpl.format(n=n) for n in names)
    shape = c.pick("getattr-prefix", "dict", "globals-check")
    pfx, sfx = {"report": ("build_", "_report"), "render": ("render_", ""), "cmd": ("cmd_", "")}[style]
    call = {"report": '("last_30_days")', "render": "([])", "cmd": "()"}[style]
    name_expr = f'"{pfx}" + {x}' + (f' + "{sfx}"' if sfx else "")
    allowed = "(" + ", ".join(f'"{n}"' for n in names) + ")"
    imps = ""
    if shape == "getattr-prefix":
        imps = "import sys"  # (was prepended to the helpers, below the framework imports)
        body = [f"if {x} not in {allowed}:", '    raise ValueError("unknown")',
                f"fn = getattr(sys.modules[__name__], {name_expr})", f"result = fn{call}"]
        note = "the name is checked against a tuple of allowed values before getattr; no source is built"
    elif shape == "dict":
        helpers += "\n\n\nROUTES = {" + ", ".join(f'"{n}": {pfx}{n}{sfx}' for n in names) + "}"
        body = [f'fn = ROUTES.get({x}, ROUTES["{names[0]}"])', f"result = fn{call}"]
        note = "dict dispatch: the client name only selects one of the listed functions"
    else:
        body = [f"name = {name_expr}",
                f"if {x} not in {allowed} or not callable(globals().get(name)):",
                '    raise ValueError("unknown")', f"result = globals()[name]{call}"]
        note = "globals() lookup of a name whose suffix is checked against an allow-list; nothing is evaluated"
    return Spec(s="\n".join(body), helpers=helpers, imports=imps, notes=note)


# ---------------- CWE-77: kubectl with the client's resource name as an operand ----------------

_K8S_NAME = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
_KUBE = {
    # key: (argv with {n} for the name operand and {ns}, the TYPE/NAME form, what --all does)
    "pod": ('["kubectl", "--namespace", {ns}, "delete", "pod", {n}, "--wait=false"]',
            '["kubectl", "--namespace", {ns}, "delete", f"pod/{{{n}}}", "--wait=false"]',
            "deletes every pod of the namespace"),
    "job_name": ('["kubectl", "delete", "job", {n}, "-n", {ns}, "--cascade=foreground"]',
                 '["kubectl", "delete", f"job/{{{n}}}", "-n", {ns}, "--cascade=foreground"]',
                 "deletes every job of the namespace"),
    "deployment": ('["kubectl", "scale", "deployment", {n}, "--replicas=0", "-n", {ns}]',
                   '["kubectl", "scale", f"deployment/{{{n}}}", "--replicas=0", "-n", {ns}]',
                   "scales every deployment of the namespace to zero"),
}


def _ops_auth(c):
    """The caller must present the team's ops token (web: a header; pipeline: a field of the message), so the
    endpoint is not an unauthenticated critical function (CWE-306) in the twins and hard negatives; the attacker
    of the CWE-77 families is a token holder allowed the ordinary operations only. Needs wrap=False (``request``
    / ``message`` in scope). Returns (lines, helper, imports)."""
    if c.fw == "pipeline":
        got = 'str(message.get("ops_token", ""))'
    else:
        got = 'request.headers.get("X-Ops-Token", "")'
    return ([f"if not hmac.compare_digest({got}, OPS_TOKEN):", '    raise PermissionError("ops token required")'],
            'OPS_TOKEN = os.environ["OPS_API_TOKEN"]', "import hmac")


def _run_lines(c, argv, timeout):
    """Lines running ``argv`` (a list expression or name); the first line is the sink; sets ``out``."""
    if _can_await(c):
        return [f"proc = await asyncio.create_subprocess_exec(*{argv}, stdout=asyncio.subprocess.PIPE, "
                "stderr=asyncio.subprocess.STDOUT)",
                f"raw, _ = await asyncio.wait_for(proc.communicate(), timeout={timeout})",
                'out = raw.decode(errors="replace")'], "import asyncio"
    call = c.pick("run", "check_output", "popen")
    if call == "run":
        return [f"proc = subprocess.run({argv}, capture_output=True, text=True, timeout={timeout})",
                "out = proc.stdout + proc.stderr"], "import subprocess"
    if call == "check_output":
        return [f"out = subprocess.check_output({argv}, stderr=subprocess.STDOUT, text=True, timeout={timeout})"], \
            "import subprocess"
    return [f"with subprocess.Popen({argv}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:",
            f"    out, _ = proc.communicate(timeout={timeout})"], "import subprocess"


@fam("argi-kubectl-resource-name-option", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["pod", "job_name", "deployment"], n=8, wrap=False)
def argi_kubectl(c):
    x = c.x
    _post(c)
    auth, auth_helper, auth_imp = _ops_auth(c)
    argv_v, argv_tn, what = _KUBE[c.key]
    nsv = c.pick("NAMESPACE", "TEAM_NS", "K8S_NAMESPACE")
    prot = c.pick("PROTECTED", "PROTECTED_PREFIXES", "DO_NOT_TOUCH")
    helpers = (f'{nsv} = os.environ.get("{c.pick("APP_NAMESPACE", "POD_NAMESPACE", "K8S_NS")}", '
               f'"{c.pick("team-a", "shop", "batch")}")\n'
               f"# stateful workloads only the platform team may restart or scale\n"
               f"{prot} = " + c.pick('("postgres", "redis", "vault")', '("pg-", "kafka-", "etcd-")',
                                     '("mysql", "rabbitmq", "minio")') + "\n" + auth_helper)
    check = auth + [f"if {x}.startswith({prot}):", f'    raise PermissionError("{c.key.replace("_name", "")} is managed by the platform team")']
    av = c.pick("argv", "cmd", "kube_args")
    vline = f"{av} = " + argv_v.format(n=x, ns=nsv) + "  #@V"
    fix = c.pick("regex", "typename")
    if fix == "regex":
        guard = [f'if not re.fullmatch(r"{_K8S_NAME}", {x}):',
                 f'    raise ValueError("not a valid {c.key.replace("_name", "")} name")']
        sline = vline.replace("  #@V", "")
        simps = "import re"
        fixnote = "the fix accepts only a Kubernetes object name (lower-case letters, digits, '-', not first)"
    else:
        guard = []
        sline = f"{av} = " + argv_tn.format(n=x, ns=nsv)
        simps = ""
        fixnote = ("the fix passes the name in TYPE/NAME form (one element that starts with the type), which "
                   "kubectl never reads as an option")
    run, imp = _run_lines(c, av, c.pick("30", "60", "120"))
    tail = [f'result = {{"name": {x}, "output": out.strip().splitlines()[-5:]}}']

    def body(safe):
        return "\n".join(check + (guard if safe else []) + [sline if safe else vline]
                         + [run[0] + ("" if safe else "  #@V")] + run[1:] + tail)

    return Spec(v=body(False), s=body(True), imports="import os\n" + auth_imp + "\n" + imp, simports=simps,
                helpers=helpers,
                notes="a holder of the team's ops token may restart or scale the team's own workloads only; the name "
                      "is an operand of kubectl in an argument list (no shell), but kubectl "
                      f"reads any element that starts with '-' as a flag: a name of --all passes the protected-name "
                      f"check and {what}, the protected ones included, and --selector=app=<protected app> targets "
                      "exactly the workloads the check was meant to keep out of reach; " + fixnote)


@hardneg(3)
def argi_kubectl_hn(c):
    x = c.x
    _post(c)
    shape = c.pick("status-typename", "get-filter", "checked-logs")
    x = _rekey(c, *{"status-typename": ("deployment",), "get-filter": ("pod", "job_name"),
                    "checked-logs": ("pod", "pod_name")}[shape])
    auth, auth_helper, auth_imp = _ops_auth(c)
    helpers = 'NAMESPACE = os.environ.get("APP_NAMESPACE", "team-a")\n' + auth_helper
    if shape == "status-typename":
        argv = f'["kubectl", "rollout", "status", f"deployment/{{{x}}}", "-n", NAMESPACE, "--timeout=60s"]'
        note = "the name travels as deployment/NAME, one element that never starts with '-'"
    elif shape == "get-filter":
        argv = '["kubectl", "get", "pods", "-n", NAMESPACE, "-o", "name"]'
        note = "a constant kubectl argument list; the client value only filters the output in Python"
    else:
        argv = f'["kubectl", "logs", {x}, "-n", NAMESPACE, "--tail=200"]'
        note = "the pod name is checked against the Kubernetes name pattern before it reaches kubectl"
    run, imp = _run_lines(c, argv, "60")
    pre = auth + ([f'if not re.fullmatch(r"{_K8S_NAME}", {x}):', '    raise ValueError("bad pod name")']
                  if shape == "checked-logs" else [])
    tail = ([f'result = [l for l in out.splitlines() if {x} in l]'] if shape == "get-filter"
            else ['result = out.splitlines()[-20:]'])
    return Spec(s="\n".join(pre + run + tail), imports="import os\nimport re\n" + auth_imp + "\n" + imp,
                helpers=helpers, notes=note)


# ---------------- CWE-77: PostgreSQL client tools with the client's database name as the operand ----------------

_PG = {
    "pg_dump": ('["pg_dump", "--format=custom", "--no-owner", "--file", str(out_path), {n}]',
                ["out_path = BACKUP_DIR / f\"dump-{{int(time.time())}}.dump\""],
                ['result = {{"database": {n}, "file": str(out_path), "rc": proc.returncode}}'],
                "import time\nfrom pathlib import Path", 'BACKUP_DIR = Path("{d}")',
                "--file=<path> writes the dump wherever the attacker likes"),
    "psql": ('["psql", "-X", "-At", "-c", "SELECT pg_size_pretty(pg_database_size(current_database()))", {n}]',
             [], ['result = {{"database": {n}, "size": proc.stdout.strip()}}'], "", "",
             "--file=<path> runs an uploaded SQL script"),
    "vacuumdb": ('["vacuumdb", "--analyze-only", "--jobs=2", {n}]', [],
                 ['result = {{"database": {n}, "rc": proc.returncode}}'], "", "",
                 "--all processes every database of the server"),
    "reindexdb": ('["reindexdb", "--concurrently", {n}]', [], ['result = {{"database": {n}, "rc": proc.returncode}}'],
                  "", "", "--all rebuilds every index of every database"),
    "createdb": ('["createdb", "--template", TEMPLATE_DB, {n}]', [],
                 ['result = {{"created": {n}, "rc": proc.returncode}}'], "", 'TEMPLATE_DB = "{t}"',
                 "--owner=<role> hands the new database to a role the caller picks"),
}


@fam("argi-postgres-tool-dbname-option", "CWE-77", fws=["pipeline", "django", "flask", "fastapi", "pipeline"],
     keys=["database", "db_name", "dbname"], n=8, wrap=False)
def argi_pg(c):
    x = c.x
    _post(c)
    auth, auth_helper, auth_imp = _ops_auth(c)
    tool = c.pick(*_PG)
    argv, pre, tail, extra_imp, helper, extra = _PG[tool]
    av = c.pick("argv", "cmd", "pg_args")
    envname = c.pick("env", "pg_env", "child_env")
    helpers = "\n".join(h for h in (
        f'DB_HOST = os.environ.get("PGHOST_INTERNAL", "{c.pick("db.internal", "pg-primary.svc", "10.0.4.12")}")',
        helper.format(d=c.pick("/srv/backups/pg", "/var/backups/postgres", "/data/dumps"),
                      t=c.pick("tenant_template", "template_app", "skeleton")),
        auth_helper,
    ) if h)
    envline = (f'{envname} = {{**os.environ, "PGHOST": DB_HOST, "PGUSER": "{c.pick("ops", "maintenance", "backup")}", '
               f'"PGPASSWORD": os.environ["OPS_DB_PASSWORD"]}}')
    vline = f"{av} = " + argv.format(n=x) + "  #@V"
    run = (f"proc = subprocess.run({av}, env={envname}, capture_output=True, text=True, "
           f"timeout={c.pick('600', '1800', '3600')})")
    guard = [f'if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{{0,62}}", {x}):',
             '    raise ValueError("database names are letters, digits and underscores")']
    pre = [p.format(n=x) for p in pre]
    tail = [t.format(n=x) for t in tail]

    conninfo = ("" if tool == "createdb" else
                "libpq also treats a database name that contains '=' as a connection string (host=...), so putting "
                "'--' before it would not be enough; ")

    def body(safe):
        return "\n".join(auth + (guard if safe else []) + [envline] + pre
                         + [vline.replace("  #@V", "") if safe else vline, run + ("" if safe else "  #@V")] + tail)

    return Spec(v=body(False), s=body(True), imports="import os\nimport subprocess\n" + auth_imp + "\n" + extra_imp,
                simports="import re", helpers=helpers,
                notes=f"a holder of the ops token may run {tool} on a database but is never given the ops database "
                      f"password; the database name is the operand of {tool} (an argument list, no shell), but it is "
                      "read as an option when it starts with '-': --host=attacker.example makes the tool connect "
                      "there with PGPASSWORD in its environment, and the attacker's server asks for cleartext "
                      f"password authentication and receives the ops password; {extra}; " + conninfo
                      + "the fix accepts only a plain identifier")


@hardneg(3)
def argi_pg_hn(c):
    x = c.x
    _post(c)
    shape = c.pick("mapped", "checked", "fixed-db")
    auth, auth_helper, auth_imp = _ops_auth(c)
    env = ('env = {**os.environ, "PGHOST": "db.internal", "PGUSER": "ops", '
           '"PGPASSWORD": os.environ["OPS_DB_PASSWORD"]}')
    helpers = auth_helper
    if shape == "mapped":
        helpers += '\nDATABASES = {"shop": "shop_prod", "billing": "billing_prod", "crm": "crm_prod"}'
        body = [f"dbname = DATABASES[{x}]", env,
                'proc = subprocess.run(["vacuumdb", "--analyze-only", "--", dbname], env=env, capture_output=True, '
                "text=True, timeout=1800)",
                f'result = {{"database": dbname, "rc": proc.returncode}}']
        note = "the client value only selects a database name from a constant dict"
    elif shape == "checked":
        body = [f'if not re.fullmatch(r"[a-z_][a-z0-9_]{{0,62}}", {x}):', '    raise ValueError("bad name")', env,
                f'proc = subprocess.run(["createdb", "--template", "tenant_template", {x}], env=env, '
                "capture_output=True, text=True, timeout=600)",
                f'result = {{"created": {x}, "rc": proc.returncode}}']
        note = "the database name is a checked identifier before it becomes the createdb operand"
    else:
        body = [env,
                'proc = subprocess.run(["psql", "-X", "-At", "-d", "reporting", "-c", '
                '"SELECT table_name FROM information_schema.tables WHERE table_schema = \'public\'"], env=env, '
                "capture_output=True, text=True, timeout=60)",
                f"result = [t for t in proc.stdout.split() if t.startswith({x})]"]
        note = "a constant psql argument list; the client value filters the output in Python"
    return Spec(s="\n".join(auth + body), imports="import os\nimport re\nimport subprocess\n" + auth_imp,
                helpers=helpers, notes=note)


# ---------------- CWE-328: reset / verification / invite tokens stored by an MD5 or SHA-1 digest ----------------

_TOKKIND = {
    "reset": ("password_resets", "pwreset", "/account/reset?token=", "password reset"),
    "verify": ("email_verifications", "verify", "/account/verify?token=", "e-mail verification"),
    "invite": ("invitations", "invite", "/join?token=", "team invitation"),
    "magic": ("magic_links", "magic", "/login/magic?token=", "magic sign-in link"),
}


@fam("hash-reset-token-weak-digest", "CWE-328", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["email", "token"], n=8)
def hash_reset_digest(c):
    x = c.x
    mode = "issue" if c.key == "email" else "consume"
    if mode == "issue":
        _post(c)
    else:
        _body_or_query(c)  # the token from the link: the query, or the form / SPA body
    # issuing: e-mail verification, invitation and magic-link tokens only; a password-reset *issuing* endpoint
    # is the code shape of the held-out reset-token families (second-author review), consuming one is not
    kind = c.pick(*_TOKKIND) if mode == "consume" else c.pick("verify", "invite", "magic", "verify")
    table, prefix, path, what = _TOKKIND[kind]
    alg = c.pick("md5", "sha1")
    dv = c.pick("token_digest", "lookup_key", "digest")
    store = c.pick("redis", "sqlite")
    src = "raw_token" if mode == "issue" else x
    hv = f"{dv} = hashlib.{alg}({src}.encode()).hexdigest()  #@V"
    hs = f"{dv} = hashlib.sha256({src}.encode()).hexdigest()"
    ttl = c.pick("3600", "900", "86400")
    helpers = ([f'BASE_URL = "https://{c.pick("app.example.com", "portal.example.org", "accounts.example.net")}"']
               if mode == "issue" else [])
    imps = ["import hashlib"]
    if store == "redis":
        imps += ["import os", "import redis"]
        helpers.append('r = redis.Redis.from_url(os.environ["REDIS_URL"])')
    else:
        imps += ["import sqlite3", "import time"]
        helpers.append(f'db = sqlite3.connect("{c.pick("app.db", "accounts.sqlite3", "data/users.db")}", '
                       "check_same_thread=False)")
    if mode == "issue":
        imps += ["import queue", "import secrets"]
        helpers.append("OUTBOX = queue.Queue()")
        helpers.append("\n\ndef find_user_id(email):\n"
                       + ('    return r.hget("users:by_email", email.strip().lower())' if store == "redis" else
                          '    row = db.execute("SELECT id FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()\n'
                          "    return row[0] if row else None"))
        save = (f'r.setex(f"{prefix}:{{{dv}}}", {ttl}, user_id)' if store == "redis" else
                f'db.execute("INSERT INTO {table} (digest, user_id, expires_at) VALUES (?, ?, ?)", '
                f"({dv}, user_id, time.time() + {ttl}))\ndb.commit()")
        lines = [f"user_id = find_user_id({x})",
                 "if user_id is not None:",
                 "    raw_token = secrets.token_urlsafe(32)",
                 "    " + "HASH",
                 *("    " + l for l in save.split("\n")),
                 f'    OUTBOX.put({{"to": {x}, "template": "{kind}", "link": BASE_URL + "{path}" + raw_token}})',
                 'result = {"sent": True}']
    else:
        if store == "redis":
            look = [f'user_id = r.getdel(f"{prefix}:{{{dv}}}")',
                    "if user_id is None:",
                    '    raise PermissionError("link expired or already used")']
        else:
            look = [f'row = db.execute("SELECT user_id, expires_at FROM {table} WHERE digest = ? AND used = 0", '
                    f"({dv},)).fetchone()",
                    "if row is None or row[1] < time.time():",
                    '    raise PermissionError("link expired or already used")',
                    f'db.execute("UPDATE {table} SET used = 1 WHERE digest = ?", ({dv},))',
                    "db.commit()",
                    "user_id = row[0]"]
        lines = ["HASH"] + look + ['result = {"user_id": int(user_id), "step": "choose-password"'
                                   if kind == "reset" else 'result = {"user_id": int(user_id), "confirmed": True']
        lines[-1] += "}"
    v = "\n".join(l.replace("HASH", hv) for l in lines)
    s = "\n".join(l.replace("HASH", hs) for l in lines)
    return Spec(v=v, s=s, imports="\n".join(imps), helpers="\n".join(helpers),
                notes=f"{what} tokens are {'stored' if mode == 'issue' else 'looked up'} by an "
                      f"{alg.upper()} digest, and the digest table is what protects the live tokens when the "
                      f"database or cache leaks; {alg.upper()} is a deprecated hash (broken collision resistance) "
                      "that security guidance and scanners (Bandit B324, Semgrep) reject for security uses such as "
                      "credential digests; for a 256-bit random token no practical preimage attack is known, so "
                      "this is the weak-hash finding as reviewers and tools report it (as in the train family "
                      "hash-api-token-md5-digest-lookup), not a demonstrated token recovery; the fix keeps the "
                      "same flow with SHA-256")


@hardneg(3)
def hash_reset_digest_hn(c):
    x = c.x
    shape = c.pick("gravatar", "etag", "sha256")
    if shape == "gravatar":
        x = _rekey(c, "email")
        body = [f"normalized = {x}.strip().lower()",
                'avatar = "https://www.gravatar.com/avatar/" + hashlib.md5(normalized.encode()).hexdigest() + "?d=identicon"',
                'result = {"avatar": avatar}']
        return Spec(s="\n".join(body), imports="import hashlib",
                    notes="md5 of an e-mail address builds a Gravatar URL (the service's format); it protects nothing")
    if shape == "etag":
        x = _rekey(c, "title", "q")
        body = [f'page = {{"title": {x}[:40], "items": ["a", "b"]}}',
                'etag = hashlib.sha1(repr(sorted(page.items())).encode(), usedforsecurity=False).hexdigest()',
                'result = {"page": page, "etag": etag}']
        return Spec(s="\n".join(body), imports="import hashlib",
                    notes="sha1 only names a response for HTTP caching (usedforsecurity=False)")
    x = _rekey(c, "token", "reset_token")
    body = [f"digest = hashlib.sha256({x}.encode()).hexdigest()",
            'user_id = r.getdel(f"pwreset:{digest}")',
            "if user_id is None:",
            '    raise PermissionError("link expired")',
            'result = {"user_id": int(user_id)}']
    return Spec(s="\n".join(body), imports="import hashlib\nimport os\nimport redis",
                helpers='r = redis.Redis.from_url(os.environ["REDIS_URL"])',
                notes="reset tokens looked up by a SHA-256 digest")


# ---------------- CWE-200: credentials written to the application log ----------------

def _logger(c):
    kind = c.pick("logging", "logging", "structlog", "loguru")
    if kind == "logging":
        name = c.pick("logger", "log", "app_log")
        helper = f"{name} = logging.getLogger(__name__)"
        if c.fw in ("cli", "pipeline"):
            # a worker or a CLI is the whole program: without a configured level the stdlib drops .info records
            # (root WARNING), and the credential would never reach a log (second-author review)
            helper = (f'logging.basicConfig(filename="{c.pick("/var/log/app/worker.log", "logs/ops.log")}", '
                      'level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")\n' + helper)
        return kind, name, "import logging", helper
    if kind == "structlog":
        return kind, "log", "import structlog", "log = structlog.get_logger()"
    return kind, "logger", "from loguru import logger", ""


def _logline(kind, name, level, event, fields):
    """One log call: ``fields`` is a list of (key, expression)."""
    if kind == "structlog":
        return f'{name}.{level}("{event.replace(" ", "_")}", ' + ", ".join(f"{k}={e}" for k, e in fields) + ")"
    if kind == "loguru":
        return f'{name}.{level}("{event}: ' + " ".join(f"{k}={{}}" for k, _ in fields) + '", ' + \
            ", ".join(e for _, e in fields) + ")"
    return f'{name}.{level}("{event}: ' + " ".join(f"{k}=%s" for k, _ in fields) + '", ' + \
        ", ".join(e for _, e in fields) + ")"


@fam("expose-credential-in-log-line", "CWE-200", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["api_token", "relay_password", "code"], n=8)
def expose_cred_log(c):
    x = c.x
    if c.key in ("code", "relay_password") and c.fw in ("flask", "django", "fastapi", "aiohttp"):
        # a web callback would also need the OAuth state check, and a web form that saves the relay password would
        # need an administrator login (an anonymous settings change is CWE-306 in the twin: second-author review);
        # both stay in workers and CLIs, the web variants log the API token that authenticates the call
        x = _rekey(c, "api_token")
    elif c.key == "api_token" and c.fw == "cli":
        x = _rekey(c, "code")
    kind, name, limp, lhelper = _logger(c)
    helpers = [lhelper] if lhelper else []
    imps = [limp]
    if c.key == "api_token":
        if c.fw in ("flask", "django", "aiohttp", "fastapi"):
            c.src = "header"
        imps.append("import hashlib")
        helpers.append("API_KEYS = {}  # sha256(token) -> client name, filled at start-up")
        pre = [f"client = API_KEYS.get(hashlib.sha256({x}.encode()).hexdigest())",
               "if client is None:",
               '    raise PermissionError("unknown API token")']
        fix = c.pick("fingerprint", "prefix")
        vline = _logline(kind, name, "info", "api call", [("client", "client"), ("token", x)])
        if fix == "fingerprint":
            sline = _logline(kind, name, "info", "api call",
                             [("client", "client"), ("token_id", f"hashlib.sha256({x}.encode()).hexdigest()[:12]")])
            fixnote = "logs a short SHA-256 fingerprint of the token instead"
        else:
            sline = _logline(kind, name, "info", "api call", [("client", "client"), ("token_prefix", f"{x}[:4]")])
            fixnote = "logs the first four characters only, enough to tell keys apart"
        tail = ['result = {"client": client, "ok": True}']
        what = "the full API token of every call"
    elif c.key == "relay_password":
        _post(c)
        proto = c.pick("smtp", "imap")
        host = c.pick("mail.example.com", "relay.example.net", "smtp.office.example.org")
        helpers += [f'RELAY_HOST = "{host}"', f'RELAY_USER = os.environ.get("RELAY_USER", "{c.pick("notifications", "alerts", "billing")}@example.com")',
                    "SETTINGS = {}"]
        imps += ["import os", "import smtplib" if proto == "smtp" else "import imaplib"]
        pre = []
        vline = _logline(kind, name, "info", "testing relay login",
                         [("user", "RELAY_USER"), ("password", x)])
        sline = _logline(kind, name, "info", "testing relay login", [("user", "RELAY_USER")])
        fixnote = "logs the relay user only"
        if proto == "smtp":
            tail = ["with smtplib.SMTP_SSL(RELAY_HOST, 465, timeout=10) as smtp:",
                    f"    smtp.login(RELAY_USER, {x})"]
        else:
            tail = ["with imaplib.IMAP4_SSL(RELAY_HOST, 993, timeout=10) as imap:",
                    f"    imap.login(RELAY_USER, {x})"]
        tail += [f'SETTINGS["relay_password"] = {x}', 'result = {"ok": True}']
        what = "the mail relay password an administrator is saving, in clear,"
    else:
        if c.fw in ("flask", "django", "aiohttp"):
            c.src = "args"
        elif c.fw == "fastapi":
            c.src = "query"
        imps += ["import os"]
        helpers += ['TOKEN_URL = "https://auth.example.com/oauth/token"',
                    'CLIENT_ID = os.environ["OAUTH_CLIENT_ID"]',
                    'CLIENT_SECRET = os.environ["OAUTH_CLIENT_SECRET"]',
                    "LINKED = {}"]
        form = (f'{{"grant_type": "authorization_code", "code": {x}, "client_id": CLIENT_ID, '
                '"client_secret": CLIENT_SECRET, "redirect_uri": "https://app.example.com/oauth/callback"}')
        if _can_await(c):
            imps.append("import httpx")
            pre = ["async with httpx.AsyncClient(timeout=10) as client:",
                   f"    resp = await client.post(TOKEN_URL, data={form})"]
        else:
            imps.append("import requests")
            pre = [f"resp = requests.post(TOKEN_URL, data={form}, timeout=10)"]
        pre += ["resp.raise_for_status()", "tokens = resp.json()"]
        vline = _logline(kind, name, "info", "token exchange", [("status", "resp.status_code"), ("body", "tokens")])
        sline = _logline(kind, name, "info", "token exchange",
                         [("status", "resp.status_code"), ("scope", 'tokens.get("scope")'),
                          ("expires_in", 'tokens.get("expires_in")')])
        fixnote = "logs the status, scope and lifetime, not the token body"
        tail = ['LINKED["current"] = {"access": tokens["access_token"], "refresh": tokens.get("refresh_token")}',
                'result = {"linked": True}']
        what = "the OAuth token response (access_token, refresh_token, id_token)"
    v = "\n".join(pre + [vline + "  #@V"] + tail)
    s = "\n".join(pre + [sline] + tail)
    return Spec(v=v, s=s, imports="\n".join(imps), helpers="\n".join(helpers),
                notes=f"the handler writes {what} to the application log; logs are read by far more people and "
                      "systems (log shippers, dashboards, support staff, backups) than the credential store, and "
                      "anyone with log access can replay it; the fix " + fixnote)


@hardneg(3)
def expose_cred_log_hn(c):
    x = c.x
    kind, name, limp, lhelper = _logger(c)
    helpers = [lhelper] if lhelper else []
    shape = c.pick("fingerprint", "changed", "scopes")
    if shape == "changed" and c.fw in ("flask", "django", "fastapi", "aiohttp"):
        shape = "fingerprint"  # an anonymous web form that tries relay passwords is a login oracle; workers and CLIs only
    if shape == "fingerprint":
        x = _rekey(c, "api_token")
        if c.fw in ("flask", "django", "aiohttp", "fastapi"):
            c.src = "header"
        body = [f"digest = hashlib.sha256({x}.encode()).hexdigest()",
                "client = API_KEYS.get(digest)",
                "token_id = digest[:12]",
                _logline(kind, name, "info", "api call", [("client", "client"), ("token_id", "token_id")]),
                'result = {"client": client}']
        helpers.append("API_KEYS = {}")
        return Spec(s="\n".join(body), imports=limp + "\nimport hashlib", helpers="\n".join(helpers),
                    notes="only a short fingerprint of the token is logged")
    if shape == "changed":
        x = _rekey(c, "relay_password")
        _post(c)
        helpers += ['RELAY_HOST = "mail.example.com"', 'RELAY_USER = "alerts@example.com"']
        body = [_logline(kind, name, "info", "testing relay login", [("user", "RELAY_USER"), ("host", "RELAY_HOST")]),
                "with smtplib.SMTP_SSL(RELAY_HOST, 465, timeout=10) as smtp:",
                f"    smtp.login(RELAY_USER, {x})",
                _logline(kind, name, "info", "relay login ok", [("user", "RELAY_USER")]),
                'result = {"ok": True}']
        return Spec(s="\n".join(body), imports=limp + "\nimport smtplib", helpers="\n".join(helpers),
                    notes="the relay login test is logged with the user and host, never the password")
    x = _rekey(c, "code")
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = "args"
    elif c.fw == "fastapi":
        c.src = "query"
    body = [f'{name}.info("oauth callback received, code length %d", len({x}))' if kind == "logging" else
            _logline(kind, name, "info", "oauth callback", [("code_len", f"len({x})")]),
            'result = {"pending": True}']
    return Spec(s="\n".join(body), imports=limp, helpers="\n".join(helpers),
                notes="only the length of the authorization code is logged")


# ---------------- CWE-117: client text into the framework's own logger ----------------

_LOGMSG = {
    "coupon": ("coupon {} rejected: expired or unknown", "warning"),
    "search": ("search for {} returned no results", "warning"),
    "sku": ("cart refers to unknown sku {}", "warning"),
    "next_url": ("blocked redirect target {}", "warning"),
}


@fam("logi-framework-logger-fstring", "CWE-117", fws=["flask", "flask", "fastapi", "aiohttp"],
     keys=["coupon", "search", "sku", "next_url"], n=8, wrap=False)
def logi_fw_logger(c):
    x = c.x
    _body_or_query(c)
    msg, level = _LOGMSG[c.key]
    if c.fw == "flask":
        lg = c.pick("current_app.logger", "app.logger")
        imps, helpers = ("from flask import current_app" if lg.startswith("current_app") else ""), ""
    elif c.fw == "fastapi":
        lg, imps = "log", "import logging"
        helpers = f'log = logging.getLogger("{c.pick("uvicorn.error", "uvicorn")}")'
    else:
        lg, imps, helpers = "request.app.logger", "", ""
    vline = f"{lg}.{level}(" + c.fmt(msg, x) + ")  #@V"
    fix = c.pick("repr", "replace")
    if fix == "repr":
        sline = f'{lg}.{level}("{msg.replace("{}", "%r")}", {x})'
        pre_s = []
        fixnote = "passes the value as a lazy %r argument, so CR/LF come out escaped"
    else:
        sline = f"{lg}.{level}(" + c.fmt(msg, "shown") + ")"
        pre_s = [f'shown = {x}.replace("\\r", "\\\\r").replace("\\n", "\\\\n")']
        fixnote = "replaces CR and LF by visible escapes before logging"
    if c.key == "coupon":
        pre = ['ACTIVE = {"SPRING10", "WELCOME5"}', f"valid = {x}.upper() in ACTIVE"]
        tail_head, tail = ["if not valid:"], ['result = {"valid": valid}']
    elif c.key == "search":
        # (was: a 2 s timing test over three titles, never true, and .info, below the WARNING level that Flask's and
        # aiohttp's default logging emits: the log line was unreachable as written; second-author review)
        pre = [f"hits = [t for t in TITLES if {x}.lower() in t.lower()]"]
        tail_head, tail = ["if not hits:"], ['result = {"hits": hits}']
        helpers = (helpers + "\n" if helpers else "") + 'TITLES = ["Annual report", "Spring catalogue", "Price list"]'
    elif c.key == "sku":
        pre = ['CATALOG = {"SKU-100": 19.9, "SKU-200": 5.0}', f"price = CATALOG.get({x})"]
        tail_head, tail = ["if price is None:"], ['result = {"price": price}']
    else:
        # an allow-list of local paths (was a startswith("/") check, which "/\\evil.example" or "/<TAB>/evil.example"
        # pass: a half-made open-redirect check left in the twin; second-author review)
        pre = ['ALLOWED_NEXT = {"/", "/account", "/orders", "/cart"}', f"ok = {x} in ALLOWED_NEXT"]
        tail_head, tail = ["if not ok:"], [f'result = {{"next": {x} if ok else "/"}}']
    v = "\n".join(pre + tail_head + ["    " + vline] + tail)
    s = "\n".join(pre + tail_head + ["    " + l for l in pre_s + [sline]] + tail)
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"client text is formatted into the message of the framework's logger ({lg}); a value with "
                      "CR/LF writes extra, forged lines into the log (a fake 'login ok for admin' record, or lines "
                      "that break log parsing and alerting); the fix " + fixnote)


@hardneg(3)
def logi_fw_logger_hn(c):
    x = c.x
    _body_or_query(c)
    msg, level = _LOGMSG[c.key]
    if c.fw == "flask":
        lg, imps, helpers = "current_app.logger", "from flask import current_app", ""
    elif c.fw == "fastapi":
        lg, imps, helpers = "log", "import logging", 'log = logging.getLogger("uvicorn.error")'
    else:
        lg, imps, helpers = "request.app.logger", "", ""
    shape = c.pick("json", "repr", "count")
    if shape == "json":
        imps += "\nimport json"
        line = f'{lg}.{level}("{msg.replace("{}", "%s")}", json.dumps({x}))'
        note = "the value is logged JSON-encoded (CR/LF become \\r \\n)"
    elif shape == "repr":
        line = f'{lg}.{level}("{msg.replace("{}", "%r")}", {x})'
        note = "the value is a lazy %r argument"
    else:
        line = f'{lg}.{level}("{c.key} rejected (length %d)", len({x}))'
        note = "only the length of the value is logged"
    return Spec(s="\n".join([line, f'result = {{"{c.key}": {x}[:64]}}']), imports=imps, helpers=helpers, notes=note)
