"""Validation-only injection snippet families (groups 89, 78, 77, 94, 90, 643, 117, 918).

Every family of this module goes to the **validation** split (generate.assign_splits: `val_*`
modules). Each one is built around a sink, library or code shape that no train or held-out family
uses, so validation measures how a model does on injection code it never saw:
encode/databases `fetch_all` and DuckDB `sql()` (89); a command line wrapped in double quotes and a
dict of command recipes filled with `str.format` (78); `shlex.split` of a formatted command line and
`zip` file names read as options (77); `eval` of a sort-key lambda and tornado templates (94); an
ldap3 filter-builder helper and python-ldap `search_st` (90); libxml2 `xpathEval` and a namespaced
SAML-metadata XPath (643); logbook and a logfmt line joined from key=value pairs (117); pycurl and
fsspec behind a scheme-only check (918).
"""
from core import Spec
from registry import hardneg, fam, WEB_FWS

ASYNC_FWS = ["aiohttp", "fastapi"]
WEB_PIPE = WEB_FWS + ["pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns, so the twin replays the same draws."""
    c.n("handler")


# ---------------- CWE-89 SQL injection ----------------


@fam("val-sqli-databases-fetch-all", "CWE-89", fws=ASYNC_FWS, keys=["region", "status", "carrier"], n=8, wrap=False)
def val_sqli_databases(c):
    _pin(c)
    x, rows, q = c.x, c.n("rows"), c.n("query")
    tbl = c.pick("shipments", "deliveries", "parcels")
    lim = c.pick("100", "200", "500")
    sql = f"SELECT id, reference, eta FROM {tbl} WHERE {c.key} = '{{}}' ORDER BY eta LIMIT {lim}"
    safe_sql = f"SELECT id, reference, eta FROM {tbl} WHERE {c.key} = :{c.key} ORDER BY eta LIMIT {lim}"
    v = f"""
        if not database.is_connected:
            await database.connect()
        {q} = {c.fmt(sql, x)}  #@V
        {rows} = await database.fetch_all(query={q})  #@V
        result = [dict(r._mapping) for r in {rows}]
    """
    s = f"""
        if not database.is_connected:
            await database.connect()
        {q} = "{safe_sql}"
        {rows} = await database.fetch_all(query={q}, values={{"{c.key}": {x}}})
        result = [dict(r._mapping) for r in {rows}]
    """
    return Spec(v=v, s=s, imports="import os\nfrom databases import Database",
                helpers='database = Database(os.environ["DATABASE_URL"])',
                notes="encode/databases: the query text is formatted with the request value; the fix binds it "
                      "through the :name placeholder and the values mapping")


@hardneg(4)
def val_sqli_databases_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        if not database.is_connected:
            await database.connect()
        {rows} = await database.fetch_all(query=f"SELECT id, reference FROM {{TABLE}} WHERE {c.key} = :value LIMIT 50", values={{"value": {x}}})
        result = [dict(r._mapping) for r in {rows}]
    """
    return Spec(s=s, imports="import os\nfrom databases import Database",
                helpers='database = Database(os.environ["DATABASE_URL"])\nTABLE = "shipments"',
                notes="f-string query, but it only interpolates a constant table name; the value is bound")


@fam("val-sqli-duckdb-sql", "CWE-89", fws=["flask", "fastapi", "cli", "pipeline"],
     keys=["country", "device_type", "campaign"], n=8)
def val_sqli_duckdb(c):
    _pin(c)
    x, rows, q = c.x, c.n("rows"), c.n("query")
    src = c.pick("events", "read_parquet('/srv/lake/events/*.parquet')", "pageviews")
    agg = c.pick("count(*)", "count(DISTINCT visitor_id)", "sum(revenue)")
    sql = f"SELECT day, {agg} AS n FROM {src} WHERE {c.key} = '{{}}' GROUP BY day ORDER BY day"
    v = f"""
        con = duckdb.connect(DB_FILE, read_only=True)
        {q} = {c.fmt(sql, x)}  #@V
        {rows} = con.sql({q}).fetchall()  #@V
        con.close()
        result = [[str(day), n] for day, n in {rows}]
    """
    s = f"""
        con = duckdb.connect(DB_FILE, read_only=True)
        {q} = "{sql.replace("'{}'", "?")}"
        {rows} = con.execute({q}, [{x}]).fetchall()
        con.close()
        result = [[str(day), n] for day, n in {rows}]
    """
    return Spec(v=v, s=s, imports="import duckdb", helpers=f'DB_FILE = "{c.pick("analytics.duckdb", "/srv/lake/warehouse.duckdb")}"',
                notes="DuckDB analytics query with the filter value pasted into the SQL text: a quote ends the literal "
                      "and table functions such as read_csv('/etc/passwd') can be added; the fix binds a ? parameter with execute")


@hardneg(4)
def val_sqli_duckdb_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        con = duckdb.connect(DB_FILE, read_only=True)
        {rows} = con.execute(f"SELECT day, count(*) AS n FROM {{EVENTS_TABLE}} WHERE {c.key} = ? GROUP BY day", [{x}]).fetchall()
        con.close()
        result = [[str(day), n] for day, n in {rows}]
    """
    return Spec(s=s, imports="import duckdb", helpers='DB_FILE = "analytics.duckdb"\nEVENTS_TABLE = "events"',
                notes="f-string query that only interpolates a constant table name; the value is a ? parameter")


# ---------------- CWE-78 OS command injection ----------------


@fam("val-cmdi-double-quote-wrap", "CWE-78", fws=WEB_PIPE + ["cli"], keys=["keyword", "search_text", "phrase"], n=8)
def val_cmdi_quote_wrap(c):
    _pin(c)
    x, out = c.x, c.n("result")
    if out == "result":
        out = "listing"
    tool = c.pick("git", "grep")
    if tool == "git":
        vt = 'git -C ' + c.pick("/srv/git/site.git", "/var/lib/ci/workspace") + ' log --oneline -n 50 --grep="{}"'
        st = vt.replace('"{}"', "{}")
    else:
        vt = 'grep -rn --fixed-strings -e "{}" ' + c.pick("/srv/docs", "/var/lib/wiki/pages")
        st = vt.replace('"{}"', "{}")
    v = f"""
        {out} = subprocess.check_output({c.fmt(vt, x)}, shell=True, text=True, timeout=20)  #@V
        result = {out}.splitlines()[:100]
    """
    s = f"""
        {out} = subprocess.check_output({c.fmt(st, "shlex.quote(" + x + ")")}, shell=True, text=True, timeout=20)
        result = {out}.splitlines()[:100]
    """
    return Spec(v=v, s=s, imports="import subprocess", simports="import shlex",
                notes="the value is wrapped in double quotes, which the shell still expands: $(...) and backticks "
                      "run, and a \" ends the quoting; the fix quotes with shlex.quote")


@hardneg(4)
def val_cmdi_quote_wrap_hn(c):
    x = c.x
    s = f"""
        out = subprocess.check_output(["git", "-C", "/srv/git/site.git", "log", "--oneline", "-n", "50", "--grep=" + {x}], text=True, timeout=20)
        result = out.splitlines()[:100]
    """
    return Spec(s=s, imports="import subprocess", notes="argument list without a shell; the value is the value of --grep")


@fam("val-cmdi-recipe-format", "CWE-78", fws=WEB_PIPE, keys=["title", "doc_title", "heading"], n=8)
def val_cmdi_recipe(c):
    _pin(c)
    x = c.x
    kind = c.pick("pdf", "docx", "html")
    recipes = '''
        RECIPES = {
            "pdf": "pandoc {src} -o {dst}.pdf --metadata title={title}",
            "docx": "pandoc {src} -o {dst}.docx --metadata title={title}",
            "html": "pandoc {src} -s -o {dst}.html --metadata title={title}",
        }
    '''
    v = f"""
        job = uuid.uuid4().hex
        src = os.path.join(WORK_DIR, job + ".md")
        dst = os.path.join(WORK_DIR, job)
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(BODY_MARKDOWN)
        proc = subprocess.Popen(RECIPES["{kind}"].format(src=src, dst=dst, title={x}), shell=True, stderr=subprocess.PIPE)  #@V
        _, err = proc.communicate(timeout=120)
        result = {{"job": job, "ok": proc.returncode == 0, "error": err.decode(errors="replace")[-500:]}}
    """
    s = f"""
        job = uuid.uuid4().hex
        src = os.path.join(WORK_DIR, job + ".md")
        dst = os.path.join(WORK_DIR, job)
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(BODY_MARKDOWN)
        proc = subprocess.Popen(RECIPES["{kind}"].format(src=src, dst=dst, title=shlex.quote({x})), shell=True, stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=120)
        result = {{"job": job, "ok": proc.returncode == 0, "error": err.decode(errors="replace")[-500:]}}
    """
    helpers = recipes.strip("\n") + f'''
        WORK_DIR = "{c.pick("/srv/render/jobs", "/var/lib/docgen/work")}"
        BODY_MARKDOWN = "# Summary\\n\\nGenerated {c.word} summary.\\n"
    '''
    return Spec(v=v, s=s, imports="import os\nimport subprocess\nimport uuid", simports="import shlex", helpers=helpers,
                notes="a command recipe is filled with str.format and run by the shell: ';' or $(...) in the title "
                      "runs commands; the fix shell-quotes the user value")


@hardneg(4)
def val_cmdi_recipe_hn(c):
    x = c.x
    s = f"""
        job = uuid.uuid4().hex
        src = os.path.join(WORK_DIR, job + ".md")
        with open(src, "w", encoding="utf-8") as fh:
            fh.write("# Summary\\n")
        proc = subprocess.run(["pandoc", src, "-o", os.path.join(WORK_DIR, job + ".pdf"), "--metadata", "title=" + {x}], capture_output=True, timeout=120)
        result = {{"job": job, "ok": proc.returncode == 0}}
    """
    return Spec(s=s, imports="import os\nimport subprocess\nimport uuid", helpers='WORK_DIR = "/srv/render/jobs"',
                notes="pandoc run from an argument list; the title is part of one argument, no shell")


# ---------------- CWE-77 argument injection ----------------


@fam("val-argi-shlex-split-template", "CWE-77", fws=WEB_PIPE, keys=["size", "geometry", "dimensions"], n=8)
def val_argi_shlex(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    op = c.pick("-resize", "-thumbnail", "-sample")
    tmpl = "convert {} " + op + " {} -strip {}"
    lst = '["convert", src, "' + op + '", {x}, "-strip", dst]'
    ext = c.pick(".png", ".jpg", ".webp")
    v = f"""
        src = os.path.join(MEDIA_DIR, "originals", ASSET_ID + "{ext}")
        dst = os.path.join(MEDIA_DIR, "derived", ASSET_ID + "-" + uuid.uuid4().hex[:8] + "{ext}")
        {cmd} = shlex.split({c.fmt(tmpl, "src", x, "dst")})  #@V
        subprocess.run({cmd}, check=True, timeout=300)  #@V
        result = os.path.basename(dst)
    """
    s = f"""
        src = os.path.join(MEDIA_DIR, "originals", ASSET_ID + "{ext}")
        dst = os.path.join(MEDIA_DIR, "derived", ASSET_ID + "-" + uuid.uuid4().hex[:8] + "{ext}")
        {cmd} = {lst.format(x=x)}
        subprocess.run({cmd}, check=True, timeout=300)
        result = os.path.basename(dst)
    """
    helpers = f'''
        MEDIA_DIR = "{c.pick("/srv/media", "/var/lib/assets")}"
        ASSET_ID = "{c.pick("a1f3", "b72e", "c9d0")}"
    '''
    return Spec(v=v, s=s, imports="import os\nimport subprocess\nimport uuid", vimports="import shlex", helpers=helpers,
                notes="no shell, but shlex.split of the formatted line turns spaces in the value into extra "
                      "arguments ('800x600 -write /srv/www/x.php'); the fix builds the argument list directly")


@hardneg(4)
def val_argi_shlex_hn(c):
    x = c.x
    s = f"""
        if not re.fullmatch(r"\\d{{1,4}}x\\d{{1,4}}", {x}):
            raise ValueError("size must look like 800x600")
        argv = shlex.split(DEFAULT_OPTS) + ["/srv/media/in.png", "-resize", {x}, "/srv/media/out.png"]
        subprocess.run(["convert"] + argv, check=True, timeout=300)
        result = "ok"
    """
    return Spec(s=s, imports="import re\nimport shlex\nimport subprocess", helpers='DEFAULT_OPTS = "-strip -quality 85"',
                notes="shlex.split only of a constant option string; the validated value is its own argument")


@fam("val-argi-zip-selected-files", "CWE-77", fws=WEB_PIPE, keys=["files", "selected", "report_names"], n=8)
def val_argi_zip(c):
    _pin(c)
    x = c.x
    flags = c.pick('"-q", "-j"', '"-q", "-9", "-j"', '"-j"')
    v = f"""
        names = [os.path.basename(n.strip()) for n in {x}.split(",") if n.strip()]
        archive = os.path.join(EXPORT_DIR, uuid.uuid4().hex + ".zip")
        proc = subprocess.run(["zip", {flags}, archive, *names], cwd=REPORTS_DIR, capture_output=True, timeout=120)  #@V
        result = os.path.basename(archive) if proc.returncode == 0 else None
    """
    s = f"""
        names = [os.path.basename(n.strip()) for n in {x}.split(",") if n.strip()]
        if any(n.startswith("-") for n in names):
            raise ValueError("invalid file name")
        archive = os.path.join(EXPORT_DIR, uuid.uuid4().hex + ".zip")
        proc = subprocess.run(["zip", {flags}, archive, *names], cwd=REPORTS_DIR, capture_output=True, timeout=120)
        result = os.path.basename(archive) if proc.returncode == 0 else None
    """
    helpers = f'''
        REPORTS_DIR = "{c.pick("/srv/reports/published", "/var/lib/reporting/out")}"
        EXPORT_DIR = "{c.pick("/srv/reports/exports", "/var/lib/reporting/zips")}"
    '''
    return Spec(v=v, s=s, imports="import os\nimport subprocess\nimport uuid", helpers=helpers,
                notes="selected names are passed to zip as arguments: '-T' and '-TT=<command>' make zip run a "
                      "command to test the archive; the fix rejects option-like names")


@hardneg(4)
def val_argi_zip_hn(c):
    x = c.x
    s = f"""
        names = [PUBLISHED[k] for k in {x}.split(",") if k in PUBLISHED]
        archive = os.path.join(EXPORT_DIR, uuid.uuid4().hex + ".zip")
        proc = subprocess.run(["zip", "-q", "-j", archive, *names], cwd=REPORTS_DIR, capture_output=True, timeout=120)
        result = os.path.basename(archive) if proc.returncode == 0 else None
    """
    helpers = '''
        REPORTS_DIR = "/srv/reports/published"
        EXPORT_DIR = "/srv/reports/exports"
        PUBLISHED = {"q1": "2024-q1.pdf", "q2": "2024-q2.pdf", "q3": "2024-q3.pdf", "annual": "annual-2024.pdf"}
    '''
    return Spec(s=s, imports="import os\nimport subprocess\nimport uuid", helpers=helpers,
                notes="zip gets only file names looked up from a fixed table by the selected keys")


# ---------------- CWE-94 code injection / template injection ----------------


@fam("val-codei-eval-sort-key", "CWE-94", fws=WEB_PIPE, keys=["sort_by", "order_expr", "sort"], n=8)
def val_codei_sort(c):
    _pin(c)
    x, rows = c.x, c.n("rows")
    fn = c.pick("key_fn", "sort_key", "keyfunc")
    v = f"""
        {rows} = load_rows()
        {fn} = eval({c.fmt("lambda row: {}", x)})  #@V
        {rows}.sort(key={fn})
        result = {rows}[:100]
    """
    s = f"""
        {rows} = load_rows()
        if {x} not in SORT_FIELDS:
            raise ValueError("unknown sort field")
        {fn} = operator.itemgetter({x})
        {rows}.sort(key={fn})
        result = {rows}[:100]
    """
    helpers = f'''
        DATA_FILE = "{c.pick("catalog.json", "/srv/shop/products.json", "data/items.json")}"
        SORT_FIELDS = ("name", "price", "stock", "updated")


        def load_rows():
            with open(DATA_FILE, encoding="utf-8") as fh:
                return json.load(fh)
    '''
    return Spec(v=v, s=s, imports="import json", simports="import operator", helpers=helpers,
                notes="a sort expression from the request is compiled into a lambda with eval; the fix sorts by an "
                      "allow-listed field with operator.itemgetter")


@hardneg(4)
def val_codei_sort_hn(c):
    x, rows = c.x, c.n("rows")
    s = f"""
        {rows} = load_rows()
        field = {x}.lstrip("-")
        if field not in SORT_FIELDS:
            raise ValueError("unknown sort field")
        {rows}.sort(key=lambda row: row.get(field) or 0, reverse={x}.startswith("-"))
        result = {rows}[:100]
    """
    helpers = '''
        SORT_FIELDS = ("name", "price", "stock")


        def load_rows():
            with open("catalog.json", encoding="utf-8") as fh:
                return json.load(fh)
    '''
    return Spec(s=s, imports="import json", helpers=helpers, notes="a lambda sort key over an allow-listed field, no eval")


@fam("val-ssti-tornado-template", "CWE-94", fws=WEB_PIPE, keys=["note", "footer_text", "greeting"], n=8)
def val_ssti_tornado(c):
    _pin(c)
    x, tmpl = c.x, c.n("tmpl")
    wrap = c.pick('<footer class="note">{}</footer>', '<p>{}</p><p>{{ shop }}</p>', '<div class="card">{}</div>')
    var = c.pick("note", "text", "message")
    v = f"""
        {tmpl} = {c.fmt(wrap, x)}  #@V
        page = Template({tmpl}).generate(shop=SHOP_NAME)  #@V
        result = page.decode("utf-8")
    """
    s = f"""
        {tmpl} = "{wrap.replace('"', chr(92) + '"').replace("{}", "{{ " + var + " }}")}"
        page = Template({tmpl}).generate(shop=SHOP_NAME, {var}={x})
        result = page.decode("utf-8")
    """
    return Spec(v=v, s=s, imports="from tornado.template import Template", helpers=f'SHOP_NAME = "{c.word.capitalize()} Shop"',
                notes="user text becomes tornado template source: {{ ... }} and {% ... %} run Python expressions; "
                      "the fix passes it as an (auto-escaped) template variable")


@hardneg(4)
def val_ssti_tornado_hn(c):
    x = c.x
    s = f"""
        page = Template(RECEIPT_SOURCE).generate(note={x}, shop="Shop")
        result = page.decode("utf-8")
    """
    return Spec(s=s, imports="from tornado.template import Template",
                helpers='RECEIPT_SOURCE = "<h1>{{ shop }}</h1><footer>{{ note }}</footer>"',
                notes="tornado Template compiled from a constant source; input is only an auto-escaped variable")


# ---------------- CWE-90 LDAP injection ----------------


@fam("val-ldapi-ldap3-filter-helper", "CWE-90", fws=WEB_PIPE, keys=["email", "mail", "address"], n=8)
def val_ldapi_helper(c):
    _pin(c)
    x = c.x
    oc = c.pick("inetOrgPerson", "person", "user")
    body = c.pick('"(&(objectClass=' + oc + ')(mail=" + {a} + "))"',
                  'f"(&(objectClass=' + oc + ')(mail={{{a}}}))"',
                  '"(&(objectClass=' + oc + ')(mail=%s))" % {a}')
    hv = body.format(a="address")
    hs = body.format(a="escape_filter_chars(address)")
    tmpl = """
        def mail_filter(address):
            return {ret}

        server = Server(LDAP_HOST, use_ssl=True)
        with Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PW"], auto_bind=True) as conn:
            conn.search(BASE_DN, mail_filter({x}), attributes=["uid", "cn"], size_limit=1){mark}
            found = [e.entry_dn for e in conn.entries]
        result = {{"reset_for": found[0] if found else None}}
    """
    v = tmpl.format(ret=hv + "  #@V", x=x, mark="  #@V")
    s = tmpl.format(ret=hs, x=x, mark="")
    helpers = f'''
        LDAP_HOST = "{c.pick("ldaps://ldap.corp.example", "ldaps://dir.example.org")}"
        BASE_DN = "ou=people,dc=example,dc=org"
        BIND_DN = "cn=reset-svc,ou=services,dc=example,dc=org"
    '''
    return Spec(v=v, s=s, imports="import os\nfrom ldap3 import Connection, Server",
                simports="from ldap3.utils.conv import escape_filter_chars", helpers=helpers,
                notes="password-reset lookup: the local filter builder pastes the address into the filter, so '*' "
                      "or ')(uid=admin' selects another account; the fix escapes it in the builder")


@fam("val-ldapi-search-st-status", "CWE-90", fws=WEB_PIPE, keys=["uid", "login", "username"], n=8)
def val_ldapi_search_st(c):
    _pin(c)
    x = c.x
    tmpl = c.pick("(&(objectClass=posixAccount)(uid={}))", "(&(objectClass=shadowAccount)(uid={}))",
                  "(&(objectClass=posixAccount)(!(loginShell=/sbin/nologin))(uid={}))")
    v = f"""
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(SERVICE_DN, os.environ["LDAP_SERVICE_PW"])
        flt = {c.fmt(tmpl, x)}  #@V
        res = conn.search_st(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn", "shadowExpire"], timeout=5)  #@V
        conn.unbind_s()
        result = [{{"dn": dn, "expires": attrs.get("shadowExpire", [b""])[0].decode()}} for dn, attrs in res]
    """
    s = f"""
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(SERVICE_DN, os.environ["LDAP_SERVICE_PW"])
        flt = {c.fmt(tmpl, "escape_filter_chars(" + x + ")")}
        res = conn.search_st(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn", "shadowExpire"], timeout=5)
        conn.unbind_s()
        result = [{{"dn": dn, "expires": attrs.get("shadowExpire", [b""])[0].decode()}} for dn, attrs in res]
    """
    helpers = f'''
        LDAP_URI = "{c.pick("ldaps://ldap.lab.example", "ldaps://ds.example.net")}"
        BASE_DN = "ou=accounts,dc=lab,dc=example"
        SERVICE_DN = "cn=status-reader,ou=services,dc=lab,dc=example"
    '''
    return Spec(v=v, s=s, imports="import os\nimport ldap", simports="from ldap.filter import escape_filter_chars", helpers=helpers,
                notes="account-status lookup with python-ldap search_st: '*' or ')(|(uid=*' lists every account; "
                      "the fix escapes the value")


@hardneg(4)
def val_ldapi_search_st_hn(c):
    x = c.x
    s = f"""
        conn = ldap.initialize(LDAP_URI)
        conn.simple_bind_s(SERVICE_DN, os.environ["LDAP_SERVICE_PW"])
        flt = filter_format("(&(objectClass=posixAccount)(uid=%s))", [{x}])
        res = conn.search_st(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn"], timeout=5)
        conn.unbind_s()
        result = [dn for dn, _ in res]
    """
    helpers = '''
        LDAP_URI = "ldaps://ldap.lab.example"
        BASE_DN = "ou=accounts,dc=lab,dc=example"
        SERVICE_DN = "cn=status-reader,ou=services,dc=lab,dc=example"
    '''
    return Spec(s=s, imports="import os\nimport ldap\nfrom ldap.filter import filter_format", helpers=helpers,
                notes="filter_format escapes the value it substitutes into the search_st filter")


# ---------------- CWE-643 XPath injection ----------------


@fam("val-xpathi-libxml2-xpatheval", "CWE-643", fws=WEB_PIPE + ["cli"], keys=["sku", "part_no", "item_code"], n=8)
def val_xpathi_libxml2(c):
    _pin(c)
    x, doc = c.x, c.n("doc")
    what = c.pick("price", "stock", "supplier/@name")
    v = f"""
        {doc} = libxml2.parseFile(CATALOG_XML)
        ctxt = {doc}.xpathNewContext()
        try:
            nodes = ctxt.xpathEval({c.fmt("//product[@sku='{}']/" + what, x)})  #@V
            result = [n.content for n in nodes]
        finally:
            ctxt.xpathFreeContext()
            {doc}.freeDoc()
    """
    s = f"""
        {doc} = libxml2.parseFile(CATALOG_XML)
        ctxt = {doc}.xpathNewContext()
        try:
            ctxt.xpathRegisterVariable("sku", None, {x})
            nodes = ctxt.xpathEval("//product[@sku=$sku]/{what}")
            result = [n.content for n in nodes]
        finally:
            ctxt.xpathFreeContext()
            {doc}.freeDoc()
    """
    return Spec(v=v, s=s, imports="import libxml2", helpers=f'CATALOG_XML = "{c.pick("catalog.xml", "/srv/erp/parts.xml")}"',
                notes="libxml2 bindings: the XPath text is formatted with the request value; the fix registers an "
                      "XPath variable and refers to $sku")


@hardneg(4)
def val_xpathi_libxml2_hn(c):
    x, doc = c.x, c.n("doc")
    s = f"""
        if not re.fullmatch(r"[A-Z0-9-]{{3,20}}", {x}):
            raise ValueError("malformed sku")
        {doc} = libxml2.parseFile(CATALOG_XML)
        ctxt = {doc}.xpathNewContext()
        try:
            nodes = ctxt.xpathEval("//product[@sku='%s']/price" % {x})
            result = [n.content for n in nodes]
        finally:
            ctxt.xpathFreeContext()
            {doc}.freeDoc()
    """
    return Spec(s=s, imports="import re\nimport libxml2", helpers='CATALOG_XML = "catalog.xml"',
                notes="formatted XPath, but the value is validated against a strict pattern without quotes first")


@fam("val-xpathi-saml-metadata-ns", "CWE-643", fws=WEB_PIPE, keys=["entity_id", "issuer", "idp"], n=8)
def val_xpathi_saml(c):
    _pin(c)
    x, doc = c.x, c.n("doc")
    what = c.pick("//ds:X509Certificate/text()", "/md:IDPSSODescriptor/md:SingleSignOnService/@Location",
                  "//md:KeyDescriptor[@use='signing']//ds:X509Certificate/text()")
    v = f"""
        {doc} = etree.parse(METADATA_FILE)
        found = {doc}.xpath({c.fmt("//md:EntityDescriptor[@entityID='{}']" + what, x)}, namespaces=NS)  #@V
        result = [str(t).strip() for t in found]
    """
    s = f"""
        {doc} = etree.parse(METADATA_FILE)
        found = {doc}.xpath("//md:EntityDescriptor[@entityID=$eid]{what}", namespaces=NS, eid={x})
        result = [str(t).strip() for t in found]
    """
    helpers = f'''
        METADATA_FILE = "{c.pick("saml/federation-metadata.xml", "/etc/sso/idp-metadata.xml")}"
        NS = {{
            "md": "urn:oasis:names:tc:SAML:2.0:metadata",
            "ds": "http://www.w3.org/2000/09/xmldsig#",
        }}
    '''
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=helpers,
                notes="SAML federation metadata looked up by the issuer from the request: a quote in the entity id "
                      "adds predicates and returns another IdP's certificate or endpoint; the fix binds $eid")


@hardneg(4)
def val_xpathi_saml_hn(c):
    x, doc = c.x, c.n("doc")
    s = f"""
        {doc} = etree.parse(METADATA_FILE)
        entities = {doc}.xpath("//md:EntityDescriptor", namespaces=NS)
        match = [e for e in entities if e.get("entityID") == {x}]
        result = [str(t) for t in match[0].xpath(".//ds:X509Certificate/text()", namespaces=NS)] if match else []
    """
    helpers = '''
        METADATA_FILE = "saml/federation-metadata.xml"
        NS = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}
    '''
    return Spec(s=s, imports="from lxml import etree", helpers=helpers,
                notes="constant XPath expressions; the entity id is compared in Python")


# ---------------- CWE-117 log injection ----------------


@fam("val-logi-logbook-file", "CWE-117", fws=WEB_PIPE, keys=["coupon", "voucher_code", "promo"], n=8)
def val_logi_logbook(c):
    _pin(c)
    x = c.x
    lvl = c.pick("info", "warning", "notice")
    if lvl == "notice":
        lvl = "info"
    what = c.pick("coupon {} redeemed", "voucher {} rejected: expired", "promo code {} applied to cart")
    v = f"""
        log.{lvl}({c.fmt(what, x)})  #@V
        REDEEMED.append({x})
        result = "ok"
    """
    s = f"""
        log.{lvl}("{what.replace("{}", "{!r}")}", {x})
        REDEEMED.append({x})
        result = "ok"
    """
    helpers = f'''
        log = logbook.Logger("{c.word}s")
        _handler = logbook.FileHandler("{c.pick("/var/log/shop/coupons.log", "logs/promotions.log")}", level="INFO", bubble=True)
        _handler.push_application()
        REDEEMED = []
    '''
    return Spec(v=v, s=s, imports="import logbook", helpers=helpers,
                notes="logbook writes the message as is: CR/LF in the code forge extra log records; the fix lets "
                      "logbook format the value with {!r}, which escapes control characters")


@hardneg(4)
def val_logi_logbook_hn(c):
    x = c.x
    s = f"""
        if not re.fullmatch(r"[A-Z0-9]{{4,16}}", {x}):
            raise ValueError("malformed code")
        log.info(f"coupon {{{x}}} redeemed")
        result = "ok"
    """
    helpers = '''
        log = logbook.Logger("coupons")
        logbook.FileHandler("/var/log/shop/coupons.log", level="INFO", bubble=True).push_application()
    '''
    return Spec(s=s, imports="import re\nimport logbook", helpers=helpers,
                notes="the code is checked against a strict pattern (no CR/LF) before it is logged")


@fam("val-logi-logfmt-join", "CWE-117", fws=WEB_PIPE, keys=["term", "query", "search"], n=8)
def val_logi_logfmt(c):
    _pin(c)
    x, log = c.x, c.n("log")
    lvl = c.pick("info", "debug", "warning")
    extra = c.pick('"source": "web"', '"lang": "en"', '"channel": "api"')
    v = f"""
        fields = {{"event": "search", "term": {x}, {extra}}}
        line = " ".join(f"{{k}}={{v}}" for k, v in fields.items())  #@V
        {log}.{lvl}(line)  #@V
        result = "logged"
    """
    s = f"""
        fields = {{"event": "search", "term": {x}, {extra}}}
        line = " ".join(f"{{k}}={{json.dumps(v)}}" for k, v in fields.items())
        {log}.{lvl}(line)
        result = "logged"
    """
    helpers = f'''
        {log} = logging.getLogger("search.analytics")
        _fh = logging.FileHandler("{c.pick("/var/log/app/search.log", "logs/analytics.log")}")
        _fh.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        {log}.addHandler(_fh)
        {log}.setLevel(logging.DEBUG)
    '''
    return Spec(v=v, s=s, imports="import logging", simports="import json", helpers=helpers,
                notes="logfmt line joined from key=value pairs: a newline or ' event=login user=admin' in the term "
                      "forges records and fields; the fix quotes each value with json.dumps")


# ---------------- CWE-918 server-side request forgery ----------------


@fam("val-ssrf-pycurl-scheme-check", "CWE-918", fws=WEB_PIPE, keys=["feed_url", "source_url", "catalog_url"], n=8)
def val_ssrf_pycurl(c):
    _pin(c)
    x = c.x
    v = f"""
        if not {x}.lower().startswith(("http://", "https://")):  #@V
            raise ValueError("only web URLs are supported")
        buf = io.BytesIO()
        curl = pycurl.Curl()
        curl.setopt(pycurl.URL, {x})  #@V
        curl.setopt(pycurl.WRITEDATA, buf)
        curl.setopt(pycurl.TIMEOUT, 15)
        curl.perform()
        status = curl.getinfo(pycurl.RESPONSE_CODE)
        curl.close()
        result = {{"status": status, "items": buf.getvalue().count(b"<item")}}
    """
    s = f"""
        parts = urlsplit({x})
        if parts.scheme != "https" or parts.hostname not in FEED_HOSTS:
            raise ValueError("feed host is not allowed")
        buf = io.BytesIO()
        curl = pycurl.Curl()
        curl.setopt(pycurl.URL, {x})
        curl.setopt(pycurl.WRITEDATA, buf)
        curl.setopt(pycurl.TIMEOUT, 15)
        curl.perform()
        status = curl.getinfo(pycurl.RESPONSE_CODE)
        curl.close()
        result = {{"status": status, "items": buf.getvalue().count(b"<item")}}
    """
    hosts = c.pick('{"feeds.partner-one.com", "export.supplier.example"}', '{"catalog.vendor.example", "cdn.vendor.example"}')
    return Spec(v=v, s=s, imports="import io\nimport pycurl", simports="from urllib.parse import urlsplit",
                helpers=f"FEED_HOSTS = {hosts}",
                notes="partner feed fetch with pycurl: the check only looks at the scheme, so http://169.254.169.254/ "
                      "and internal services are reachable; the fix allow-lists the partner hosts")


@hardneg(4)
def val_ssrf_pycurl_hn(c):
    x = c.x
    s = f"""
        buf = io.BytesIO()
        curl = pycurl.Curl()
        curl.setopt(pycurl.URL, FEED_BASE + quote({x}, safe="") + ".xml")
        curl.setopt(pycurl.WRITEDATA, buf)
        curl.setopt(pycurl.TIMEOUT, 15)
        curl.perform()
        curl.close()
        result = {{"items": buf.getvalue().count(b"<item")}}
    """
    return Spec(s=s, imports="import io\nimport pycurl\nfrom urllib.parse import quote",
                helpers='FEED_BASE = "https://feeds.partner-one.com/catalog/"',
                notes="fixed https feed host; the input is only a quoted path segment")


@fam("val-ssrf-fsspec-open", "CWE-918", fws=WEB_PIPE, keys=["dataset_url", "csv_url", "source"], n=8)
def val_ssrf_fsspec(c):
    _pin(c)
    x = c.x
    limit = c.pick("5_000_000", "20_000_000", "1_000_000")
    v = f"""
        if not {x}.startswith(("https://", "http://")):  #@V
            raise ValueError("dataset must be a URL")
        with fsspec.open({x}, "rb") as fh:  #@V
            data = fh.read({limit})
        result = {{"bytes": len(data), "rows": data.count(b"\\n")}}
    """
    s = f"""
        parts = urlsplit({x})
        if parts.scheme != "https" or parts.hostname not in DATA_HOSTS:
            raise ValueError("dataset host is not allowed")
        with fsspec.open({x}, "rb") as fh:
            data = fh.read({limit})
        result = {{"bytes": len(data), "rows": data.count(b"\\n")}}
    """
    hosts = c.pick('{"data.gov.example", "open-data.example.org"}', '{"datasets.partner.example"}')
    return Spec(v=v, s=s, imports="import fsspec", simports="from urllib.parse import urlsplit",
                helpers=f"DATA_HOSTS = {hosts}",
                notes="dataset import through fsspec: any http(s) host is fetched server-side, including the cloud "
                      "metadata endpoint and internal services; the fix allow-lists the data hosts")


@hardneg(4)
def val_ssrf_fsspec_hn(c):
    x = c.x
    s = f"""
        name = os.path.basename({x})
        if not name.endswith(".csv"):
            raise ValueError("csv only")
        with fsspec.open("https://datasets.partner.example/public/" + quote(name), "rb") as fh:
            data = fh.read(1_000_000)
        result = {{"bytes": len(data)}}
    """
    return Spec(s=s, imports="import os\nimport fsspec\nfrom urllib.parse import quote",
                notes="fixed https host; the input is only a quoted file name")
