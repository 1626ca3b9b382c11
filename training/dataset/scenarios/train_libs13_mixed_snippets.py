"""Train-only snippet families across the log, LDAP, XPath and resource groups, each in a code shape
and application no other family uses:

- logi-worker-audit-trail-fstring (117): CLI tools, queue consumers and scripts that append an audit
  trail line (logging FileHandler / WatchedFileHandler / TimedRotatingFileHandler, basicConfig, or
  a file opened for append and written) with a request value formatted into the plain-text message;
  the value travels directly or through a subject string;
- ldapi-filter-template-config (90): an LDAP filter kept as a configurable template constant
  (str.format, %-dict or string.Template) filled with the request value, searched with ldap3 or
  python-ldap;
- xpathi-lxml-scraped-table-row (643): a server-side HTML page (fetched from a fixed internal URL or
  read from a cached snapshot) parsed with lxml, and a row / definition / data-attribute lookup
  whose XPath predicate is formatted from the request value;
- redos-term-embedded-in-pattern (1333): a request value embedded in a fixed regex (whole word,
  key prefix, log-line level, hashtag) with no re.escape, run over server data;
- dos-socketserver-frame-size (400): a socketserver TCP service that reads the whole request to EOF
  or trusts a 4-byte length prefix, with no upper bound;
- dos-client-recursion-depth (400): a recursive expansion (dependency tree, related items, contact
  graph) whose depth comes from the client with no cap.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import _joined, _replayed, shell_pair, _ind
from registry import TAINT_FWS, hardneg, fam


# ---------------- CWE-117: audit trail lines in CLI tools and queue consumers ----------------

_LOG_FIX = {
    "replace": r'shown = str($x).replace("\r", "\\r").replace("\n", "\\n")',
    "repr": "shown = repr($x)",
    "json": "shown = json.dumps($x)",
    "escape": 'shown = str($x).encode("unicode_escape").decode("ascii")',
}


def _audit_sink(c, lg, path):
    """(module helpers, imports, call builder) for the audit trail sink."""
    sink = c.pick("handler", "basic", "print")
    lvl = c.pick("info", "warning")
    if sink == "handler":
        h = c.pick("FileHandler", "WatchedFileHandler", "TimedRotatingFileHandler")
        if h == "FileHandler":
            mk = f'logging.FileHandler("{path}", encoding="utf-8")'
            imps = "import logging"
        elif h == "WatchedFileHandler":
            mk = f'logging.handlers.WatchedFileHandler("{path}")'
            imps = "import logging\nimport logging.handlers"
        else:
            mk = f'logging.handlers.TimedRotatingFileHandler("{path}", when="midnight", backupCount=30)'
            imps = "import logging\nimport logging.handlers"
        helpers = (f'{lg} = logging.getLogger("audit")\n{lg}.setLevel(logging.INFO)\n_trail = {mk}\n'
                   '_trail.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))\n'
                   f"{lg}.addHandler(_trail)")
        return helpers, imps, (lambda m: [f"{lg}.{lvl}({m})"]), False
    if sink == "basic":
        helpers = (f'logging.basicConfig(filename="{path}", level=logging.INFO,\n'
                   '                    format="%(asctime)s %(name)s %(message)s")')
        return helpers, "import logging", (lambda m: [f"logging.{lvl}({m})"]), False
    helpers = f'AUDIT_PATH = "{path}"'
    return helpers, "from datetime import datetime, timezone", (lambda m: [
        'with open(AUDIT_PATH, "a", encoding="utf-8") as trail:',
        f'    trail.write(stamp + " " + {m} + "\\n")']), True


@fam("logi-worker-audit-trail-fstring", "CWE-117", fws=["cli", "pipeline", "script"],
     keys=["reason", "job_name", "ticket_ref", "filename"], n=8)
def logi_worker_audit(c):
    x, w = c.x, c.word
    lg = c.pick("audit", "audit_log", "trail_log")
    path = c.pick("/var/log/ops/audit.log", "logs/audit-trail.log", "/srv/worker/audit.txt", "audit/actions.log")
    helpers, imps, call, stamped = _audit_sink(c, lg, path)
    travel = c.pick("direct", "subject")
    fix = c.pick(*_LOG_FIX)
    st = c.pick("fstring", "fstring", "format", "concat")
    verb = c.pick("purged", "archived", "requeued", "rejected", "approved", "exported")

    def body(safe):
        val = "shown" if safe else x
        V = "" if safe else "  #@V"
        lines = ["operator = getpass.getuser()"]
        if stamped:
            lines.append('stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")')
        if safe:
            lines.append(_LOG_FIX[fix].replace("$x", x))
        if travel == "direct":
            msg = c.fmt(f"{verb} {w} {{}} (operator {{}})", val, "operator", style=st)
        else:
            lines.append(f"subject = {c.fmt(w + ' {}', val, style=st)}{V}")
            msg = c.fmt(f"{verb} {{}} by {{}}", "subject", "operator", style=st)
        cl = call(msg)
        cl[-1] += V
        lines += cl
        lines.append(f'result = "{verb}"')
        return "\n".join(lines)

    # draw the fmt calls in the same order for both bodies
    st_state = c.snapshot()
    v = body(False)
    c.restore(st_state)
    s = body(True)
    simps = "import json" if fix == "json" else ""
    return Spec(v=v, s=s, imports=imps + "\nimport getpass", simports=simps, helpers=helpers,
                notes=f"the {c.key} from the command line / queue message is formatted into a plain-text audit "
                      "trail line; a CR/LF in it starts a forged audit entry; the fix escapes control characters "
                      f"({fix}) before the value is written")


@hardneg(4)
def logi_worker_audit_hn(c):
    x, w = c.x, c.word
    shape = c.pick("int", "repr", "choice")
    lg = c.pick("audit", "audit_log")
    helpers = (f'{lg} = logging.getLogger("audit")\n{lg}.setLevel(logging.INFO)\n'
               f'_trail = logging.FileHandler("{c.pick("logs/audit-trail.log", "/var/log/ops/audit.log")}")\n'
               '_trail.setFormatter(logging.Formatter("%(asctime)s %(message)s"))\n'
               f"{lg}.addHandler(_trail)")
    if shape == "int":
        body = (f"count = int({x})\n"
                f'{lg}.info(f"purged {{count}} {w} rows (operator {{getpass.getuser()}})")\n'
                "result = count")
        note = "only an int reaches the log line"
    elif shape == "repr":
        body = (f'{lg}.warning(f"rejected {w} {{{x}!r}} by {{getpass.getuser()}}")\n'
                'result = "rejected"')
        note = "the value is logged with !r, so CR/LF appear as escapes"
    else:
        body = (f'action = {x} if {x} in ("archive", "purge", "requeue") else "unknown"\n'
                f'{lg}.info("%s {w} by %s", action, getpass.getuser())\n'
                "result = action")
        note = "only an allow-listed action word reaches the log line"
    return Spec(s=body, imports="import getpass\nimport logging", helpers=helpers, notes=note)


# ---------------- CWE-90: LDAP filter from a configurable template ----------------

_LDAP_ATTR = {"login": ("uid", "sAMAccountName"), "employee_id": ("employeeNumber", "employeeID"),
              "badge": ("employeeNumber", "employeeID"), "email": ("mail", "mail")}
_AD_ENABLED = "(!(userAccountControl:1.2.840.113556.1.4.803:=2))"


@fam("ldapi-filter-template-config", "CWE-90", fws=TAINT_FWS, keys=["login", "employee_id", "badge", "email"], n=8)
def ldapi_filter_template(c):
    x = c.x
    ad = c.pick(True, False)
    attr = _LDAP_ATTR[c.key][1 if ad else 0]
    oc = "user" if ad else c.pick("inetOrgPerson", "person")
    extra = _AD_ENABLED if ad else ""
    kind = c.pick("format", "percent", "template")
    lib = c.pick("ldap3", "python-ldap")
    slot = c.pick("value", "term", "ident")
    base = c.pick("ou=people,dc=corp,dc=example", "dc=ad,dc=example,dc=com", "ou=staff,o=example")
    head = f"(&(objectClass={oc}){extra}({attr}="
    imps = []
    if kind == "format":
        const = f'PERSON_FILTER = "{head}{{{slot}}}))"'
        fill = lambda v: f"PERSON_FILTER.format({slot}={v})"
    elif kind == "percent":
        const = f'PERSON_FILTER = "{head}%({slot})s))"'
        fill = lambda v: f'PERSON_FILTER % {{"{slot}": {v}}}'
    else:
        const = f'PERSON_FILTER = Template("{head}${slot}))")'
        fill = lambda v: f"PERSON_FILTER.substitute({slot}={v})"
        imps.append("from string import Template")
    attrs = c.pick('["cn", "mail", "title"]', '["displayName", "mail", "department"]', '["cn", "telephoneNumber"]')
    inline = c.pick(True, False)
    if lib == "ldap3":
        imps += ["from ldap3 import SUBTREE", "from directory_client import open_connection"]
        esc_imp = "from ldap3.utils.conv import escape_filter_chars"
        helpers = f'BASE_DN = "{base}"\n{const}'
        conn = "conn = open_connection()"
        search = lambda f: f"conn.search(BASE_DN, {f}, search_scope=SUBTREE, attributes={attrs})"
        tail = c.pick("result = [e.entry_to_json() for e in conn.entries]",
                      'result = [{"dn": e.entry_dn, "attrs": e.entry_attributes_as_dict} for e in conn.entries]')
        pre_tail = ""
    else:
        imps += ["import ldap", "import os"]
        esc_imp = "from ldap.filter import escape_filter_chars"
        helpers = (f'BASE_DN = "{base}"\n{const}\n\n\n'
                   "def _connect():\n"
                   '    conn = ldap.initialize("ldaps://ldap.corp.example")\n'
                   "    conn.set_option(ldap.OPT_REFERRALS, 0)\n"
                   '    conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PW"])\n'
                   "    return conn")
        conn = "conn = _connect()"
        search = lambda f: f"entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, {f}, {attrs})"
        pre_tail = ""
        tail = c.pick("result = [dn for dn, _attrs in entries if dn]",
                      "result = [{k: [v.decode() for v in vals] for k, vals in a.items()} for dn, a in entries if dn]")

    def body(safe):
        v = f"escape_filter_chars({x})" if safe else x
        V = "" if safe else "  #@V"
        lines = [conn]
        if inline:
            lines.append(search(fill(v)) + V)
        else:
            lines.append(f"flt = {fill(v)}{V}")
            lines.append(search("flt") + V)
        if pre_tail:
            lines.append(pre_tail)
        lines.append(tail)
        return "\n".join(lines)

    return Spec(v=body(False), s=body(True), imports="\n".join(imps), simports=esc_imp, helpers=helpers,
                notes=f"the {c.key} is substituted into a configurable LDAP filter template ({kind}) without "
                      "escaping; '*', ')' and '(' in it rewrite the filter (wildcard matches, extra OR terms); the "
                      "fix passes the value through escape_filter_chars before it fills the template")


@hardneg(4)
def ldapi_filter_template_hn(c):
    x = c.x
    shape = c.pick("filter_format", "escape_ldap3", "digits")
    if shape == "filter_format":
        body = ("conn = _connect()\n"
                f'flt = filter_format("(&(objectClass=person)(uid=%s))", [{x}])\n'
                'entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["cn", "mail"])\n'
                "result = [dn for dn, _attrs in entries if dn]")
        helpers = ('BASE_DN = "ou=people,dc=corp,dc=example"\n\n\n'
                   "def _connect():\n"
                   '    conn = ldap.initialize("ldaps://ldap.corp.example")\n'
                   '    conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PW"])\n'
                   "    return conn")
        return Spec(s=body, imports="import ldap\nimport os\nfrom ldap.filter import filter_format", helpers=helpers,
                    notes="python-ldap's filter_format escapes every value it substitutes")
    if shape == "escape_ldap3":
        body = ("conn = open_connection()\n"
                f"flt = PERSON_FILTER.format(value=escape_filter_chars({x}))\n"
                'conn.search(BASE_DN, flt, search_scope=SUBTREE, attributes=["cn", "mail"])\n'
                "result = [e.entry_dn for e in conn.entries]")
        helpers = 'BASE_DN = "ou=people,dc=corp,dc=example"\nPERSON_FILTER = "(&(objectClass=person)(mail={value}))"'
        return Spec(s=body, imports="from ldap3 import SUBTREE\nfrom ldap3.utils.conv import escape_filter_chars\n"
                                    "from directory_client import open_connection", helpers=helpers,
                    notes="the template is filled with the escaped value")
    body = (f"number = str(int({x}))\n"
            "conn = open_connection()\n"
            'conn.search(BASE_DN, "(employeeNumber=%s)" % number, search_scope=SUBTREE, attributes=["cn"])\n'
            "result = [e.entry_dn for e in conn.entries]")
    return Spec(s=body, imports="from ldap3 import SUBTREE\nfrom directory_client import open_connection",
                helpers='BASE_DN = "ou=people,dc=corp,dc=example"',
                notes="the value is converted to an int, so only digits reach the filter")


# ---------------- CWE-643: lxml lookup on a server-side HTML page ----------------


def _page_loader(c):
    src = c.pick("fetch", "snapshot", "etree")
    if src == "fetch":
        url = c.pick("https://status.internal.example/services", "https://intranet.example.com/pricing",
                     "https://wiki.internal.example/inventory")
        return (f'PAGE_URL = "{url}"', "import requests\nfrom lxml import html",
                "page = requests.get(PAGE_URL, timeout=10)\npage.raise_for_status()\ndoc = html.fromstring(page.content)")
    path = c.pick("cache/pricing.html", "snapshots/status.html", "/srv/scrape/inventory.html")
    if src == "snapshot":
        return f'SNAPSHOT = "{path}"', "from lxml import html", "doc = html.parse(SNAPSHOT).getroot()"
    return (f'SNAPSHOT = Path("{path}")', "from pathlib import Path\nfrom lxml import etree",
            'doc = etree.HTML(SNAPSHOT.read_text(encoding="utf-8"))')


@fam("xpathi-lxml-scraped-table-row", "CWE-643", fws=TAINT_FWS, keys=["sku", "hostname", "plan", "service"], n=8)
def xpathi_scraped_row(c):
    x = c.x
    const, imps, load = _page_loader(c)
    var = c.pick("key", "val", "wanted")
    shape = c.pick("row", "dl", "data", "option")
    if shape == "row":
        tid = c.pick("prices", "services", "inventory")
        col = c.pick("2", "3")
        q = f"//table[@id='{tid}']//tr[td[1]='{{}}']/td[{col}]//text()"
        qs = f"//table[@id='{tid}']//tr[td[1]=${var}]/td[{col}]//text()"
    elif shape == "dl":
        q = "//dt[normalize-space()='{}']/following-sibling::dd[1]//text()"
        qs = f"//dt[normalize-space()=${var}]/following-sibling::dd[1]//text()"
    elif shape == "data":
        cls = c.pick("value", "status", "price")
        q = f"//*[@data-key='{{}}']//span[contains(@class, '{cls}')]/text()"
        qs = f"//*[@data-key=${var}]//span[contains(@class, '{cls}')]/text()"
    else:
        sel = c.pick("plan", "region", "tier")
        q = f"//select[@name='{sel}']/option[@value='{{}}']/text()"
        qs = f"//select[@name='{sel}']/option[@value=${var}]/text()"
    st = c.pick("fstring", "fstring", "format", "concat", "percent")
    split = c.pick(True, False)
    tail = c.pick('result = " ".join(t.strip() for t in cells if t.strip())',
                  "result = cells[0].strip() if cells else None",
                  "result = [t.strip() for t in cells][:20]")
    if split:
        v = f"{load}\nexpr = {c.fmt(q, x, style=st)}  #@V\ncells = doc.xpath(expr)  #@V\n{tail}"
    else:
        v = f"{load}\ncells = doc.xpath({c.fmt(q, x, style=st)})  #@V\n{tail}"
    if split:
        s = f'{load}\nexpr = "{qs}"\ncells = doc.xpath(expr, {var}={x})\n{tail}'
    else:
        s = f'{load}\ncells = doc.xpath("{qs}", {var}={x})\n{tail}'
    return Spec(v=v, s=s, imports=imps, helpers=const,
                notes=f"the {c.key} is formatted into an XPath predicate over a server-side HTML page; a quote "
                      "closes the literal and the rest rewrites the query (e.g. \"' or '1'='1\" returns every "
                      "row, a union reads other nodes); the fix binds the value as an XPath variable")


@hardneg(4)
def xpathi_scraped_row_hn(c):
    x = c.x
    const, imps, load = _page_loader(c)
    shape = c.pick("var", "python")
    if shape == "var":
        body = (f'{load}\ncells = doc.xpath("//table[@id=\'prices\']//tr[td[1]=$sku]/td[2]/text()", sku={x})\n'
                'result = " ".join(t.strip() for t in cells)')
        note = "the value is bound as an XPath variable"
    else:
        body = (f"{load}\nrows = doc.xpath(\"//table[@id='prices']//tr\")\n"
                f"result = [r.findtext('td[2]') for r in rows if (r.findtext('td[1]') or '').strip() == {x}]")
        note = "the XPath is constant; the value is compared in Python"
    return Spec(s=body, imports=imps, helpers=const, notes=note)


# ---------------- CWE-1333: request value embedded in a fixed regex ----------------


WORDB = r"\b{}\b"
LOGLINE = r"^(\S+ \S+) \[{}\] (.*)$"
HASHTAG = r"(?:^|\s)#{}(?=\s|$)"


@fam("redos-term-embedded-in-pattern", "CWE-1333", fws=TAINT_FWS, keys=["term", "word", "prefix", "tag"], n=8)
def redos_term_embedded(c):
    x, w = c.x, c.word
    shape = c.pick("word", "prefix", "loglevel", "hashtag")
    st = c.pick("fstring", "fstring", "format", "concat", "percent")
    pre = c.pick(True, False)
    flags = c.pick("re.IGNORECASE", "re.I")

    def pieces(safe):
        val = ("pat" if pre else f"re.escape({x})") if safe else x
        first = [f"pat = re.escape({x})"] if safe and pre else []
        V = "" if safe else "  #@V"
        if shape == "word":
            return first + [
                f"{w}s = all_{w}s()",
                f"rx = re.compile({c.fmt(WORDB, val, style=st)}, {flags}){V}",
                f'result = [n["id"] for n in {w}s if rx.search(n["text"])][:50]']
        if shape == "prefix":
            sep = c.pick("[-_]", "-", "/")
            return first + [
                f"keys = list_{w}_keys()",
                f"matcher = re.compile({c.fmt('^{}' + sep + '[0-9]{4,8}$', val, style=st)}){V}",
                "result = sorted(k for k in keys if matcher.match(k))"]
        if shape == "loglevel":
            return first + [
                'text = LOG_FILE.read_text(encoding="utf-8", errors="replace")',
                f"lines = re.findall({c.fmt(LOGLINE, val, style=st)}, text, re.MULTILINE){V}",
                "result = lines[-100:]"]
        return first + [
            f"posts = recent_{w}s(limit=500)",
            f"tag_rx = re.compile({c.fmt(HASHTAG, val, style=st)}, {flags}){V}",
            'result = [p["id"] for p in posts if tag_rx.search(p["body"])]']

    st_state = c.snapshot()
    v = "\n".join(pieces(False))
    c.restore(st_state)
    s = "\n".join(pieces(True))
    if shape == "loglevel":
        helpers = f'LOG_FILE = Path("{c.pick("/var/log/app/app.log", "logs/worker.log")}")'
        imps = "import re\nfrom pathlib import Path"
    else:
        helpers = ""
        fn = {"word": f"all_{w}s", "prefix": f"list_{w}_keys", "hashtag": f"recent_{w}s"}[shape]
        imps = f"import re\nfrom {w}_store import {fn}"
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"the {c.key} is embedded in a fixed regular expression without re.escape, so the caller "
                      "supplies regex syntax: a nested quantifier such as (a+)+ or (.*)*x makes matching over "
                      "the stored text backtrack exponentially; the fix escapes the value so it matches literally")


@hardneg(4)
def redos_term_embedded_hn(c):
    x, w = c.x, c.word
    shape = c.pick("escape", "validate", "plain")
    if shape == "escape":
        body = (f"{w}s = all_{w}s()\n"
                f'rx = re.compile(r"\\b" + re.escape({x}) + r"\\b", re.IGNORECASE)\n'
                f'result = [n["id"] for n in {w}s if rx.search(n["text"])][:50]')
        return Spec(s=body, imports=f"import re\nfrom {w}_store import all_{w}s", notes="the value is escaped")
    if shape == "validate":
        body = (f'if not re.fullmatch(r"[A-Za-z0-9_-]{{1,40}}", {x}):\n    raise ValueError("invalid {c.key}")\n'
                f"keys = list_{w}_keys()\n"
                f"result = sorted(k for k in keys if k.startswith({x} + \"-\"))")
        return Spec(s=body, imports=f"import re\nfrom {w}_store import list_{w}_keys",
                    notes="a fixed pattern validates the value; the value itself is never compiled")
    body = (f"{w}s = all_{w}s()\n"
            f"needle = {x}.casefold()\n"
            f'result = [n["id"] for n in {w}s if needle in n["text"].casefold()][:50]')
    return Spec(s=body, imports=f"from {w}_store import all_{w}s", notes="substring search, no regex")


# ---------------- CWE-400: socketserver service without a size bound ----------------


def _sock_module(c, safe):
    w, W = c.word, c.word.capitalize()
    shape = c.pick("eof", "prefix")
    srv = c.pick("ThreadingTCPServer", "TCPServer", "ForkingTCPServer")
    port = c.pick(7010, 8450, 9100, 5170)
    use = c.pick("spool", "digest", "json")
    limit = c.pick("4 * 1024 * 1024", "1 << 20", "16 * 1024 * 1024")
    cname = "MAX_REQUEST" if shape == "eof" else "MAX_FRAME"
    V = "" if safe else "  #@V"
    consts = [f'HOST, PORT = "0.0.0.0", {port}']
    if use == "spool":
        consts.append(f'SPOOL = Path("{c.pick("/var/spool/" + w, "spool/" + w + "s")}")')
    if safe:
        consts.append(f"{cname} = {limit}")
    consts.append(f'log = logging.getLogger("{w}-intake")')
    reject = ['    self.wfile.write(b"ERR too large\\n")', "    return"]
    if shape == "eof":
        read = ([f"raw = self.rfile.read({cname} + 1)", f"if len(raw) > {cname}:"] + reject if safe
                else [f"raw = self.rfile.read(){V}"])
        doc = "Read one request, sent as a single message closed by the client, and answer it."
    else:
        read = ["header = self.rfile.read(4)", "if len(header) < 4:", "    return",
                f'(size,) = struct.unpack("!I", header)  #@S']
        if safe:
            read += [f"if size > {cname}:"] + reject
        read += [f"raw = self.rfile.read(size){V}", "if len(raw) < size:", "    return"]
        doc = "Read one length-prefixed frame (4-byte big-endian size) and answer it."
    if use == "spool":
        work = ["ref = uuid.uuid4().hex", 'SPOOL.joinpath(ref + ".job").write_bytes(raw)',
                'log.info("spooled %d bytes as %s", len(raw), ref)', 'reply = "OK " + ref']
        mods = ["import logging", "import socketserver", "import uuid", "from pathlib import Path"]
    elif use == "digest":
        work = ["digest = hashlib.sha256(raw).hexdigest()", 'log.info("received %d bytes", len(raw))',
                'reply = "OK " + digest']
        mods = ["import hashlib", "import logging", "import socketserver"]
    else:
        work = ["doc = json.loads(raw)", 'records = doc.get("records", [])',
                'log.info("received %d records", len(records))', 'reply = "OK %d" % len(records)']
        mods = ["import json", "import logging", "import socketserver"]
    if shape == "prefix":
        mods.append("import struct")
    mods = sorted(m for m in mods if m.startswith("import ")) + [m for m in mods if m.startswith("from ")]
    handler = (f"class {W}Handler(socketserver.StreamRequestHandler):\n"
               f"    timeout = {c.pick(15, 30, 60)}\n\n"
               "    def handle(self):\n"
               f'        """{doc}"""\n'
               + _ind("\n".join(read + work), 8) + "\n"
               '        self.wfile.write(reply.encode() + b"\\n")')
    main = ("def main():\n"
            "    logging.basicConfig(level=logging.INFO)\n"
            f"    with socketserver.{srv}((HOST, PORT), {W}Handler) as server:\n"
            "        server.serve_forever()\n\n\n"
            'if __name__ == "__main__":\n'
            "    main()")
    head = f'"""{W} intake service: clients send {w} payloads over TCP."""'
    return _joined(head + "\n" + "\n".join(mods), "\n".join(consts), handler, main)


@fam("dos-socketserver-frame-size", "CWE-400", fws=["script"], keys=["size"], n=8, wrap=False)
def dos_socketserver_frame(c):
    v, s = _replayed(c, _sock_module)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the TCP handler reads the whole request to EOF, or as many bytes as the client's 4-byte "
                      "length prefix declares (up to 4 GiB), into memory with no upper bound; the fix caps the "
                      "read at a maximum size and rejects larger requests")


@hardneg(3)
def dos_socketserver_frame_hn(c):
    w, W = c.word, c.word.capitalize()
    limit = c.pick("8192", "64 * 1024", "1024")
    handler = (f"class {W}Handler(socketserver.StreamRequestHandler):\n"
               f"    timeout = {c.pick(15, 30)}\n\n"
               "    def handle(self):\n"
               '        """Answer newline-terminated JSON commands until the client disconnects."""\n'
               "        while True:\n"
               "            line = self.rfile.readline(MAX_LINE + 1)\n"
               "            if not line:\n"
               "                return\n"
               "            if len(line) > MAX_LINE:\n"
               '                self.wfile.write(b"ERR line too long\\n")\n'
               "                return\n"
               "            cmd = json.loads(line)\n"
               '            reply = {"ok": True, "echo": cmd.get("op")}\n'
               '            self.wfile.write(json.dumps(reply).encode() + b"\\n")')
    main = ("def main():\n"
            f"    with socketserver.ThreadingTCPServer((\"127.0.0.1\", {c.pick(7011, 9200)}), {W}Handler) as server:\n"
            "        server.serve_forever()\n\n\n"
            'if __name__ == "__main__":\n'
            "    main()")
    mod = _joined(f'"""{W} command service."""\nimport json\nimport socketserver', f"MAX_LINE = {limit}", handler, main)
    return Spec(s=mod, full=True, fw="script",
                notes="readline is given a size limit and longer lines are rejected, so a line never grows unbounded")


# ---------------- CWE-400: recursion depth chosen by the client ----------------

_GRAPH = {
    "deps": ("from package_index import requirements_of", "dep_tree", "ROOT_PACKAGE", '"webapp"',
             "def dep_tree(name, depth):\n"
             '    """The requirement tree of a package, expanded depth levels down."""\n'
             "    if depth <= 0:\n"
             '        return {"name": name}\n'
             '    return {"name": name, "requires": [dep_tree(d, depth - 1) for d in requirements_of(name)]}'),
    "related": ("from catalog import related_ids", "related_tree", "FEATURED_ID", "1",
                "def related_tree(item_id, depth):\n"
                '    """Items related to item_id, and the items related to those, depth levels down."""\n'
                "    node = {\"id\": item_id, \"related\": []}\n"
                "    if depth > 0:\n"
                "        for other in related_ids(item_id):\n"
                '            node["related"].append(related_tree(other, depth - 1))\n'
                "    return node"),
    "contacts": ("from contacts import contacts_of", "reach", "SELF_ID", '"me"',
                 "def reach(user_id, depth):\n"
                 '    """Every contact path from user_id, depth hops out."""\n'
                 "    if depth <= 0:\n"
                 "        return [[user_id]]\n"
                 "    paths = [[user_id]]\n"
                 "    for other in contacts_of(user_id):\n"
                 "        paths += [[user_id] + p for p in reach(other, depth - 1)]\n"
                 "    return paths"),
}


@fam("dos-client-recursion-depth", "CWE-400", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["depth", "levels", "hops"], n=8)
def dos_recursion_depth(c):
    x = c.x
    g = c.pick(*_GRAPH)
    imp, fn, root, rootval, helper = _GRAPH[g]
    travel = c.pick("direct", "opts", "default")
    fix = c.pick("min", "check")
    cap = c.pick("3", "4", "5")
    if g == "contacts":
        cap = "2"  # every contact path: the fan-out of a social graph is large, so friends of friends at most
    hv = f"{root} = {rootval}\n\n\n{helper}"
    hs = f"{root} = {rootval}\nMAX_DEPTH = {cap}\n\n\n{helper}"
    conv = f"int({x} or 2)" if travel == "default" else f"int({x})"
    conv_s = f"min({conv}, MAX_DEPTH)" if fix == "min" else conv
    check = ["if not 0 <= depth <= MAX_DEPTH:", '    raise ValueError("depth out of range")']
    if travel == "opts":
        v = [f'opts = {{"depth": {conv}, "root": {root}}}  #@V', 'tree = {fn}(opts["root"], opts["depth"])  #@V'.replace("{fn}", fn)]
        s = [f'opts = {{"depth": {conv_s}, "root": {root}}}']
        if fix == "check":
            s += ['depth = opts["depth"]'] + check
        s += [f'tree = {fn}(opts["root"], opts["depth"])']
    else:
        v = [f"depth = {conv}  #@V", f"tree = {fn}({root}, depth)  #@V"]
        s = [f"depth = {conv_s}"] + (check if fix == "check" else []) + [f"tree = {fn}({root}, depth)"]
    tail = "result = tree" if g != "contacts" else "result = {\"paths\": len(tree)}"
    v.append(tail)
    s.append(tail)
    return shell_pair(c, "\n".join(v), "\n".join(s), hv, hs, imports=imp,
                      notes="the client picks how many levels a recursive expansion goes down; related nodes are "
                            "shared and cyclic, so the work grows exponentially with the depth and a large value "
                            "exhausts CPU, memory or the recursion limit; the fix caps the depth")


@hardneg(3)
def dos_recursion_depth_hn(c):
    x = c.x
    g = c.pick(*_GRAPH)
    imp, fn, root, rootval, helper = _GRAPH[g]
    body = f"depth = max(0, min(int({x}), MAX_DEPTH))\nresult = {fn}({root}, depth)"
    return Spec(s=body, imports=imp, helpers=f"{root} = {rootval}\nMAX_DEPTH = {2 if g == 'contacts' else 3}\n\n\n{helper}",
                notes="the depth is clamped to a small maximum")
