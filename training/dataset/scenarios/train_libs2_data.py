"""Train-only data/injection families on libraries and shapes no other family uses (groups 89, 78,
94, 502, 117, 377, 732): Django RawSQL annotations, psycopg2 copy_expert COPY statements, invoke.run
command lines, Jinja2 compile_expression outside the sandbox, msgpack ext hooks that unpickle, a
plain logging.Formatter vs python-json-logger, a pid-named state file in /var/tmp, and a pathlib
token cache chmod-ed world-writable."""
from core import Spec
from registry import hardneg, fam

SYNC_FWS = ["flask", "django", "script", "cli", "pipeline"]
TOOL_FWS = ["script", "cli", "pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


# ---------------- CWE-89 SQL injection ----------------


@fam("sqli-django-rawsql-annotate", "CWE-89", fws=["django"], keys=["currency", "region", "tier"], n=8)
def sqli_rawsql(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    app, model = c.pick(("shop", "Order"), ("billing", "Invoice"), ("sales", "Quote"))
    tbl = f"{app}_{model.lower()}"
    if c.key == "currency":
        sub_v = f"SELECT r.rate FROM fx_rate r WHERE r.currency = '{{}}' AND r.day = {tbl}.created_date"
        sub_s = f"SELECT r.rate FROM fx_rate r WHERE r.currency = %s AND r.day = {tbl}.created_date"
    elif c.key == "region":
        sub_v = f"SELECT t.vat FROM tax_rule t WHERE t.region = '{{}}' AND t.category = {tbl}.category"
        sub_s = f"SELECT t.vat FROM tax_rule t WHERE t.region = %s AND t.category = {tbl}.category"
    else:
        sub_v = f"SELECT d.pct FROM discount d WHERE d.tier = '{{}}' AND d.product_id = {tbl}.product_id"
        sub_s = f"SELECT d.pct FROM discount d WHERE d.tier = %s AND d.product_id = {tbl}.product_id"
    v = f"""
        {rows} = (
            {model}.objects.filter(status="open")
            .annotate(factor=RawSQL({c.fmt(sub_v, x)}, []))  #@V
            .order_by("-created_date")[:100]
        )
        result = [{{"id": o.pk, "total": str(o.total), "factor": str(o.factor)}} for o in {rows}]
    """
    s = f"""
        {rows} = (
            {model}.objects.filter(status="open")
            .annotate(factor=RawSQL("{sub_s}", ({x},)))
            .order_by("-created_date")[:100]
        )
        result = [{{"id": o.pk, "total": str(o.total), "factor": str(o.factor)}} for o in {rows}]
    """
    return Spec(v=v, s=s, imports=f"from django.db.models.expressions import RawSQL\nfrom {app}.models import {model}",
                notes="RawSQL puts its SQL text into the SELECT list verbatim; the value was formatted into it, so a quote "
                      "ends the literal and the rest runs as SQL; the fix uses %s and passes the value in params")


@hardneg(4)
def sqli_rawsql_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        {rows} = Order.objects.annotate(
            line_count=RawSQL("SELECT COUNT(*) FROM shop_orderline l WHERE l.order_id = shop_order.id AND l.{c.key} = %s", ({x},))
        ).filter(line_count__gt=0)[:100]
        result = [{{"id": o.pk, "lines": o.line_count}} for o in {rows}]
    """
    return Spec(s=s, imports="from django.db.models.expressions import RawSQL\nfrom shop.models import Order",
                notes="RawSQL with a constant statement and the value passed in params")


@fam("sqli-psycopg2-copy-expert", "CWE-89", fws=SYNC_FWS, keys=["warehouse", "supplier", "region"], n=8)
def sqli_copy_expert(c):
    _pin(c)
    x = c.x
    tbl, cols = c.pick(("stock_level", "sku, qty, updated_at"), ("inventory", "item_code, on_hand, bin"),
                       ("shipment", "id, carrier, shipped_at"))
    sel_v = f"COPY (SELECT {cols} FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY 1) TO STDOUT WITH CSV HEADER"
    sel_s = f"COPY (SELECT {cols} FROM {tbl} WHERE {c.key} = {{}} ORDER BY 1) TO STDOUT WITH CSV HEADER"
    v = f"""
        buf = io.StringIO()
        with psycopg2.connect(DSN) as conn:
            with conn.cursor() as cur:
                cur.copy_expert({c.fmt(sel_v, x)}, buf)  #@V
        result = buf.getvalue()
    """
    s = f"""
        buf = io.StringIO()
        with psycopg2.connect(DSN) as conn:
            with conn.cursor() as cur:
                stmt = sql.SQL("{sel_s}").format(sql.Literal({x}))
                cur.copy_expert(stmt.as_string(conn), buf)
        result = buf.getvalue()
    """
    return Spec(v=v, s=s, imports="import io\nimport os\nimport psycopg2",
                simports="from psycopg2 import sql",
                helpers='DSN = os.environ.get("REPORTING_DSN", "dbname=reporting user=exporter")',
                notes="copy_expert takes no parameters and runs the COPY text as given; the value formatted into the "
                      "inner SELECT can close the literal and add SQL; the fix quotes it with psycopg2.sql.Literal")


@hardneg(4)
def sqli_copy_expert_hn(c):
    x = c.x
    s = f"""
        table = EXPORTABLE.get({x})
        if table is None:
            raise ValueError("unknown export")
        buf = io.StringIO()
        with psycopg2.connect(DSN) as conn:
            with conn.cursor() as cur:
                stmt = sql.SQL("COPY {{}} TO STDOUT WITH CSV HEADER").format(sql.Identifier(table))
                cur.copy_expert(stmt.as_string(conn), buf)
        result = buf.getvalue()
    """
    helpers = '''
        DSN = os.environ.get("REPORTING_DSN", "dbname=reporting user=exporter")
        EXPORTABLE = {"stock": "stock_level", "suppliers": "supplier", "bins": "bin_location"}
    '''
    return Spec(s=s, imports="import io\nimport os\nimport psycopg2\nfrom psycopg2 import sql", helpers=helpers,
                notes="copy_expert on a table chosen from a fixed mapping and quoted with sql.Identifier")


# ---------------- CWE-78 OS command injection ----------------


@fam("cmdi-invoke-local-run", "CWE-78", fws=SYNC_FWS, keys=["clip", "video", "media_name"], n=8)
def cmdi_invoke(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    tool, tmpl = c.pick(
        ("ffprobe", "ffprobe -v error -show_format -show_streams -of json {}"),
        ("mediainfo", "mediainfo --Output=JSON {}"),
        ("exiftool", "exiftool -json -n {}"),
    )
    v = f"""
        src = os.path.join(MEDIA_DIR, os.path.basename({x}))
        {cmd} = {c.fmt(tmpl, "src")}  #@V
        res = invoke.run({cmd}, hide=True, warn=True, timeout=60)  #@V
        result = json.loads(res.stdout) if res.ok else {{"error": res.stderr[-500:]}}
    """
    s = f"""
        src = os.path.join(MEDIA_DIR, os.path.basename({x}))
        {cmd} = {c.fmt(tmpl, "shlex.quote(src)")}
        res = invoke.run({cmd}, hide=True, warn=True, timeout=60)
        result = json.loads(res.stdout) if res.ok else {{"error": res.stderr[-500:]}}
    """
    return Spec(v=v, s=s, imports="import json\nimport os\nimport invoke", simports="import shlex",
                helpers=f'MEDIA_DIR = "{c.pick("/srv/media", "/var/lib/media/uploads", "/data/clips")}"',
                notes=f"invoke.run hands the whole string to a shell (/bin/bash -c); basename() keeps ; | $( ) in the "
                      f"file name, so extra commands run next to {tool}; the fix quotes the path with shlex.quote")


@hardneg(4)
def cmdi_invoke_hn(c):
    x = c.x
    s = f"""
        profile = PROFILES.get({x}, "default")
        res = invoke.run("systemctl --user restart media-worker@" + profile + ".service", hide=True, warn=True)
        result = {{"ok": res.ok, "profile": profile}}
    """
    return Spec(s=s, imports="import invoke",
                helpers='PROFILES = {"hd": "hd", "sd": "sd", "audio": "audio-only"}',
                notes="invoke.run on a command assembled from constants selected by the input")


# ---------------- CWE-94 code injection ----------------


@fam("codei-jinja-compile-expression", "CWE-94", keys=["rule", "condition", "filter_expr"], n=8)
def codei_compile_expression(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    fields = c.pick(("total", "country", "items"), ("amount", "currency", "channel"), ("score", "plan", "seats"))
    call = ", ".join(f'{f}=r["{f}"]' for f in fields)
    v = f"""
        env = Environment()  #@V
        check = env.compile_expression({x})  #@V
        {rows} = [r for r in load_records() if check({call})]
        result = [r["id"] for r in {rows}]
    """
    s = f"""
        env = SandboxedEnvironment()
        check = env.compile_expression({x})
        {rows} = [r for r in load_records() if check({call})]
        result = [r["id"] for r in {rows}]
    """
    helpers = f'''
        RECORDS_PATH = "{c.pick("records.json", "/srv/rules/records.json", "data/accounts.json")}"


        def load_records():
            with open(RECORDS_PATH, encoding="utf-8") as fh:
                return json.load(fh)
    '''
    return Spec(v=v, s=s, imports="import json", vimports="from jinja2 import Environment",
                simports="from jinja2.sandbox import SandboxedEnvironment", helpers=helpers,
                notes="compile_expression of a plain Environment evaluates the caller's expression with full attribute "
                      "access (''.__class__.__mro__ ... __subclasses__ reaches os and subprocess); the fix compiles it "
                      "in Jinja2's SandboxedEnvironment")


@hardneg(4)
def codei_compile_expression_hn(c):
    x = c.x
    s = f"""
        env = Environment()
        expr = RULES.get({x})
        if expr is None:
            raise KeyError("unknown rule")
        check = env.compile_expression(expr)
        result = [r["id"] for r in load_records() if check(total=r["total"], country=r["country"])]
    """
    helpers = '''
        RULES = {"big_eu": "total > 1000 and country in ['DE', 'FR', 'NL']", "domestic": "country == 'US'"}


        def load_records():
            with open("records.json", encoding="utf-8") as fh:
                return json.load(fh)
    '''
    return Spec(s=s, imports="import json\nfrom jinja2 import Environment", helpers=helpers,
                notes="compile_expression on a constant expression picked by name; the input never becomes code")


# ---------------- CWE-502 deserialization ----------------


@fam("deser-msgpack-ext-hook-pickle", "CWE-502", keys=["state", "session_blob", "checkpoint"], n=8)
def deser_msgpack_ext(c):
    _pin(c)
    x, data = c.x, c.n("data")
    code = c.pick("7", "42", "EXT_OBJECT")
    v = f"""
        def _ext_hook(code, payload):
            if code == {code}:
                return pickle.loads(payload)  #@V
            return msgpack.ExtType(code, payload)

        {data} = base64.b64decode({x})
        state = msgpack.unpackb({data}, ext_hook=_ext_hook, raw=False)
        result = sorted(state) if isinstance(state, dict) else []
    """
    s = f"""
        def _ext_hook(code, payload):
            if code == {code}:
                return json.loads(payload)
            return msgpack.ExtType(code, payload)

        {data} = base64.b64decode({x})
        state = msgpack.unpackb({data}, ext_hook=_ext_hook, raw=False)
        result = sorted(state) if isinstance(state, dict) else []
    """
    helpers = "EXT_OBJECT = 42" if code == "EXT_OBJECT" else ""
    return Spec(v=v, s=s, imports="import base64\nimport msgpack", vimports="import pickle", simports="import json",
                helpers=helpers,
                notes="msgpack itself only builds plain values, but the ext_hook unpickles the payload of an ext "
                      "record from the client, so a crafted blob runs code on load; the fix decodes the ext payload "
                      "as JSON data")


# ---------------- CWE-117 log injection ----------------


@fam("logi-plain-formatter-vs-jsonlogger", "CWE-117", fws=["script", "cli"], keys=["reason", "ticket_ref", "note"],
     n=8, wrap=False)
def logi_jsonlogger(c):
    _pin(c)
    x, log = c.x, c.n("log")
    fmt = c.pick("%(asctime)s %(levelname)s %(name)s %(message)s", "%(asctime)s [%(levelname)s] %(message)s")
    action = c.pick("refund approved", "account unlocked", "export released")
    v = f"""
        handler = logging.FileHandler(AUDIT_LOG)
        handler.setFormatter(logging.Formatter("{fmt}"))  #@V
        {log}.addHandler(handler)
        {log}.setLevel(logging.INFO)
        {log}.info("{action} by %s: %s", getpass.getuser(), {x})  #@V
        result = 0
    """
    s = f"""
        handler = logging.FileHandler(AUDIT_LOG)
        handler.setFormatter(jsonlogger.JsonFormatter("{fmt}"))
        {log}.addHandler(handler)
        {log}.setLevel(logging.INFO)
        {log}.info("{action} by %s: %s", getpass.getuser(), {x})
        result = 0
    """
    helpers = f'''
        AUDIT_LOG = "{c.pick("/var/log/ops/audit.log", "audit.log", "/srv/ops/logs/actions.log")}"
        {log} = logging.getLogger("{c.pick("ops.audit", "audit", "backoffice")}")
    '''
    return Spec(v=v, s=s, imports="import getpass\nimport logging", simports="from pythonjsonlogger import jsonlogger",
                helpers=helpers,
                notes="the plain Formatter writes the message as is, so a newline in the free-text value starts a forged "
                      "audit line; the fix formats records with python-json-logger, which JSON-escapes the message")


@hardneg(4)
def logi_jsonlogger_hn(c):
    x, log = c.x, c.n("log")
    s = f"""
        handler = logging.StreamHandler()
        handler.setFormatter(jsonlogger.JsonFormatter("%(asctime)s %(levelname)s %(message)s"))
        {log}.addHandler(handler)
        {log}.warning("manual override: %s", {x}, extra={{"operator": getpass.getuser()}})
        result = 0
    """
    return Spec(s=s, imports="import getpass\nimport logging\nfrom pythonjsonlogger import jsonlogger",
                helpers=f'{log} = logging.getLogger("ops.audit")',
                notes="user text logged through python-json-logger: newlines are escaped inside the JSON string")


# ---------------- CWE-377 insecure temporary file ----------------


@fam("tmp-var-tmp-pid-state", "CWE-377", fws=TOOL_FWS, keys=["job_id", "batch", "dataset"], n=8)
def tmp_pid_state(c):
    _pin(c)
    x = c.x
    w = c.word
    v = f"""
        state_path = os.path.join("/var/tmp", "{w}-" + str(os.getpid()) + ".json")  #@V
        with open(state_path, "w") as fh:  #@V
            json.dump({{"{c.key}": {x}, "started": time.time()}}, fh)
        result = subprocess.run(["{w}-worker", "--state", state_path], check=False).returncode
    """
    s = f"""
        fd, state_path = tempfile.mkstemp(prefix="{w}-", suffix=".json", dir="/var/tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump({{"{c.key}": {x}, "started": time.time()}}, fh)
        result = subprocess.run(["{w}-worker", "--state", state_path], check=False).returncode
    """
    return Spec(v=v, s=s, imports="import json\nimport os\nimport subprocess\nimport time", simports="import tempfile",
                notes="the state file in the shared /var/tmp is named from the pid, which other local users can guess: "
                      "a symlink planted there redirects the write (open follows it and truncates the target); the fix "
                      "creates the file atomically with mkstemp (O_EXCL, mode 0600)")


# ---------------- CWE-732 incorrect permission assignment ----------------


@fam("perm-pathlib-token-cache-chmod", "CWE-732", fws=TOOL_FWS, keys=["profile", "account", "tenant"], n=8)
def perm_token_cache(c):
    _pin(c)
    x = c.x
    mode_v = c.pick("0o666", "0o664")
    v = f"""
        slug = re.sub(r"[^a-z0-9_-]", "", {x}.lower()) or "default"
        token = exchange_refresh_token(slug)
        cache = CACHE_DIR / f"{{slug}}.json"
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.touch(mode=0o600, exist_ok=True)
        cache.write_text(json.dumps({{"access_token": token, "profile": slug}}))
        cache.chmod({mode_v})  #@V
        result = str(cache)
    """
    s = f"""
        slug = re.sub(r"[^a-z0-9_-]", "", {x}.lower()) or "default"
        token = exchange_refresh_token(slug)
        cache = CACHE_DIR / f"{{slug}}.json"
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.touch(mode=0o600, exist_ok=True)
        cache.write_text(json.dumps({{"access_token": token, "profile": slug}}))
        cache.chmod(0o600)
        result = str(cache)
    """
    helpers = f'''
        CACHE_DIR = Path("{c.pick("/var/cache/syncer/tokens", "/srv/agent/cache", "/opt/reporter/state")}")


        def exchange_refresh_token(profile):
            resp = requests.post(
                os.environ["TOKEN_URL"],
                data={{"grant_type": "refresh_token", "refresh_token": os.environ[profile.upper() + "_REFRESH"]}},
                timeout=10,
            )
            resp.raise_for_status()
            return resp.json()["access_token"]
    '''
    who = "every local user can read and rewrite" if mode_v == "0o666" else "every local user can read, and the group rewrite,"
    return Spec(v=v, s=s, imports="import json\nimport os\nimport re\nfrom pathlib import Path\nimport requests",
                helpers=helpers,
                notes=f"the cached bearer token is chmod-ed {mode_v}: {who} it; the fix restricts it to the owner (0o600)")
