"""Train-only injection families on log, XML and directory code shapes no other family uses
(groups 117, 611, 90, 643): a loguru sink whose format prints ``{extra[...]}`` filled by
``logger.bind`` / ``logger.contextualize`` with a request value, a ``contextvars`` correlation id
copied into every record by a ``logging.Filter`` and printed by a plain-text ``Formatter``, a GPX /
KML track import parsed by an lxml ``XMLParser(load_dtd=True, resolve_entities=True)`` (fixed with
defusedxml or a parser that resolves nothing), a request body streamed into an lxml
``XMLPullParser`` that resolves entities, a login-by-e-mail flow that searches the directory for the
account's DN with the typed address in the filter and then binds as that DN (ldap3 and python-ldap),
and an XLIFF translation lookup whose namespaced ``xpath()`` expression is formatted with the
requested unit id / source text instead of an XPath variable.

Written without reading the held-out families; every family here goes to train
(generate.assign_splits). Framework labels are the shells' own."""
from core import Spec, dedent, shell
from registry import hardneg, fam

WEB = ["flask", "django", "fastapi", "aiohttp"]


def _pair(c, v, s, hv, hs, imports="", vimports="", simports="", notes="", post=None, ret="result"):
    """Both modules through the framework shell with different module-level helpers; the shell's
    draws are replayed for the twin so the pair differs only in the fix. ``post`` rewrites both."""
    c.n("handler"), c.n("result")
    st = c.snapshot()
    vm = shell(c, v, Spec(helpers=hv, ret=ret), imports + "\n" + vimports)
    c.restore(st)
    sm = shell(c, s, Spec(helpers=hs, ret=ret), imports + "\n" + simports)
    if post:
        vm, sm = post(vm), post(sm)
    return Spec(v=vm, s=sm, full=True, notes=notes)


# escapes of CR/LF (code text; ``X`` is replaced by the variable)
_ESC = {
    "unicode": 'X.encode("unicode_escape").decode("ascii")',
    "replace": r'X.replace("\r", "\\r").replace("\n", "\\n")',
    "repr": "repr(X)",
}


def _esc(kind, x):
    return _ESC[kind].replace("X", x)


# ---------------- CWE-117: loguru sink format printing {extra[...]} bound from the request ----------------


@fam("logi-loguru-bind-extra-format", "CWE-117", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["client_ref", "tenant", "device_label", "campaign"], n=8)
def logi_loguru_extra(c):
    x, w = c.x, c.word
    field = c.pick(c.key, "ctx", "who")
    path = c.pick(f"/var/log/{w}/{w}s.log", f"logs/{w}-service.log", "/srv/app/log/requests.log")
    rot = c.pick('rotation="50 MB"', 'rotation="00:00", retention="14 days"', 'rotation="1 week"')
    fmt = c.pick("{time:YYYY-MM-DD HH:mm:ss} | {level} | FIELD={extra[FIELD]} | {message}",
                 "{time} {level: <8} [{extra[FIELD]}] {name}:{function} - {message}",
                 "{time:HH:mm:ss.SSS} FIELD={extra[FIELD]} {message}").replace("FIELD", field)
    fix = c.pick("unicode", "replace", "repr", "serialize")
    shape = c.pick("bind", "contextualize", "chained")
    event = c.pick(f"{w} export requested", f"{w} sync queued", f"{w} quota checked")
    val = x if fix == "serialize" else _esc(fix, x)
    blog = c.pick("log", "req_log", "bound", "ctx_log")  # never "logger": it would shadow the import
    # the weak and the fixed body; in the serialize variant the body keeps the raw value
    def body(v_):
        if shape == "bind":
            return f"""
                {blog} = logger.bind({field}={v_})MARK
                pending = record_{w}({x})
                {blog}.info("{event}: {{}} pending", pending)MARK
                result = pending
            """
        if shape == "contextualize":
            return f"""
                with logger.contextualize({field}={v_}):MARK
                    logger.info("{event}")MARK
                    pending = record_{w}({x})
                    logger.debug("{{}} item(s) pending", pending)
                result = pending
            """
        return f"""
            pending = record_{w}({x})
            if pending > MAX_PENDING:
                logger.bind({field}={v_}).warning("{event}: over limit ({{}})", pending)MARK
                result = "throttled"
            else:
                result = pending
        """
    v = body(x).replace("MARK", "  #@V")
    s = body(val).replace("MARK", "")
    add_plain = f'logger.add("{path}", format="{fmt}", {rot}, level="DEBUG")'
    add_json = f'logger.add("{path}", serialize=True, {rot}, level="DEBUG")'
    helpers = f'''
        MAX_PENDING = {c.pick("100", "250", "1000")}
        _PENDING = {{}}

        logger.remove()
        logger.configure(extra={{"{field}": "-"}})
        ADDSINK


        def record_{w}(ref):
            _PENDING[ref] = _PENDING.get(ref, 0) + 1
            return _PENDING[ref]
    '''
    if fix == "serialize":
        hv = helpers.replace("ADDSINK", add_plain + "  #@V")
        hs = helpers.replace("ADDSINK", add_json)
        how = "the fix writes the sink as JSON lines (serialize=True), where CR/LF are escaped"
    else:
        hv = hs = helpers.replace("ADDSINK", add_plain)
        how = "the fix escapes CR/LF before the value is bound"
    return _pair(c, v, s, hv, hs, imports="from loguru import logger",
                 notes="the sink's format prints {extra[...]} verbatim into a plain-text line; the value bound from "
                       "the request can hold CR/LF and forge whole log records; " + how)


@hardneg(4)
def logi_loguru_extra_hn(c):
    x, w = c.x, c.word
    if c.pick(True, False):
        s = f"""
            with logger.contextualize(ref={x}):
                logger.info("{w} export requested")
            result = "queued"
        """
        helpers = f'''
            logger.remove()
            logger.add("/var/log/{w}/{w}s.jsonl", serialize=True, rotation="50 MB")
        '''
        note = "the sink is serialized to JSON lines, so CR/LF in the bound value are escaped"
        imps = "from loguru import logger"
    else:
        s = f"""
            if not REF_RE.fullmatch({x}):
                raise ValueError("bad reference")
            logger.bind(ref={x}).info("{w} export requested")
            result = "queued"
        """
        helpers = f'''
            REF_RE = re.compile(r"[A-Za-z0-9_-]{{1,40}}")

            logger.remove()
            logger.add("logs/{w}.log", format="{{time}} ref={{extra[ref]}} {{message}}")
        '''
        note = "the bound value must match a strict pattern without control characters"
        imps = "import re\nfrom loguru import logger"
    return Spec(s=s, imports=imps, helpers=helpers, notes=note)


# ---------------- CWE-117: contextvar correlation id copied into records by a logging.Filter ----------------


@fam("logi-contextvar-logging-filter", "CWE-117", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["correlation_id", "batch_label", "origin_app"], n=8)
def logi_ctxvar_filter(c):
    x, w, log = c.x, c.word, c.n("log")
    k = c.key
    cv = c.pick(f"{k}_var", f"current_{k}", f"_{k}")
    cls = c.pick("ContextFilter", f"{k.split('_')[0].capitalize()}Filter", "RequestContextFilter")
    handler = c.pick(f'logging.FileHandler("/var/log/{w}/{w}.log")',
                     f'WatchedFileHandler("/var/log/{w}/app.log")',
                     f'TimedRotatingFileHandler("logs/{w}.log", when="midnight", backupCount=14)',
                     "logging.StreamHandler(sys.stdout)")
    imps = ["import contextvars", "import logging"]
    if "WatchedFileHandler" in handler:
        imps.append("from logging.handlers import WatchedFileHandler")
    if "TimedRotating" in handler:
        imps.append("from logging.handlers import TimedRotatingFileHandler")
    if "sys.stdout" in handler:
        imps.append("import sys")
    fix = c.pick("filter", "body-escape", "body-allowlist")
    filt_v = f"record.{k} = {cv}.get()"
    filt_s = f"record.{k} = {_esc(c.pick('unicode', 'replace'), cv + '.get()')}" if fix == "filter" else filt_v
    helpers = f'''
        {cv} = contextvars.ContextVar("{k}", default="-")


        class {cls}(logging.Filter):
            def filter(self, record):
                FILT
                return True


        {log} = logging.getLogger("{w}s")
        {log}.setLevel(logging.INFO)
        _handler = {handler}
        _handler.setFormatter(logging.Formatter("%(asctime)s [%(FIELD)s] %(levelname)s %(name)s: %(message)s"))
        _handler.addFilter({cls}())
        {log}.addHandler(_handler)


        def run_{w}_job():
            return [n * 2 for n in range({c.pick("10", "25", "50")})]
    '''.replace("FIELD", k)
    hv = helpers.replace("FILT", filt_v + ("  #@V" if fix == "filter" else ""))
    hs = helpers.replace("FILT", filt_s)
    simps = ""
    if fix == "body-escape":
        sval = _esc(c.pick("unicode", "replace"), x)
    elif fix == "body-allowlist":
        sval = f'{x} if re.fullmatch(r"[A-Za-z0-9._:-]{{1,64}}", {x}) else uuid.uuid4().hex'
        simps = "import re\nimport uuid"
    else:
        sval = x
    shape = c.pick("try", "plain")
    if shape == "try":
        body = f"""
            token = {cv}.set(VAL)MARK
            try:
                {log}.info("{w} job started")MARK
                items = run_{w}_job()
                {log}.info("{w} job finished: %d item(s)", len(items))
            finally:
                {cv}.reset(token)
            result = len(items)
        """
    else:
        body = f"""
            {cv}.set(VAL)MARK
            items = run_{w}_job()
            {log}.{c.pick("info", "warning")}("%d {w} item(s) accepted", len(items))MARK
            result = len(items)
        """
    v = body.replace("VAL", x).replace("MARK", "  #@V")
    s = body.replace("VAL", sval).replace("MARK", "")
    return _pair(c, v, s, hv, hs, imports="\n".join(imps), simports=simps,
                 notes="the request value is stored in a context variable that a logging.Filter copies into every "
                       "record, and the plain-text Formatter prints it as %(" + k + ")s: CR/LF forge log lines for the "
                       "whole request; the fix " + {"filter": "escapes control characters in the filter",
                                                    "body-escape": "escapes CR/LF before the value is stored",
                                                    "body-allowlist": "keeps only ids matching a strict pattern"}[fix])


@hardneg(4)
def logi_ctxvar_filter_hn(c):
    x, w = c.x, c.word
    s = f"""
        request_id_var.set(uuid.uuid4().hex)
        log.info("{w} job started for %r", {x})
        result = "started"
    """
    helpers = f'''
        request_id_var = contextvars.ContextVar("request_id", default="-")


        class RequestIdFilter(logging.Filter):
            def filter(self, record):
                record.request_id = request_id_var.get()
                return True


        log = logging.getLogger("{w}s")
        _handler = logging.FileHandler("/var/log/{w}/{w}.log")
        _handler.setFormatter(logging.Formatter("%(asctime)s [%(request_id)s] %(message)s"))
        _handler.addFilter(RequestIdFilter())
        log.addHandler(_handler)
    '''
    return Spec(s=s, imports="import contextvars\nimport logging\nimport uuid", helpers=helpers,
                notes="the correlation id is generated server-side; the client value is logged with %r, which "
                      "escapes CR/LF")


# ---------------- CWE-611: GPX / KML track import with an entity-resolving lxml parser ----------------

_TRACK_NS = {
    "gpx": ('{"gpx": "http://www.topografix.com/GPX/1/1"}', "gpx"),
    "kml": ('{"kml": "http://www.opengis.net/kml/2.2"}', "kml"),
}


@fam("xxe-gpx-track-import", "CWE-611", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["gpx", "track_xml", "kml"], n=8, wrap=False)
def xxe_gpx(c):
    x, w = c.x, c.word
    kind = "kml" if c.key == "kml" else "gpx"
    ns, p = _TRACK_NS[kind]
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"
    opts = c.pick("load_dtd=True, resolve_entities=True",
                  "load_dtd=True, resolve_entities=True, huge_tree=True",
                  "remove_blank_text=True, load_dtd=True, resolve_entities=True",
                  "resolve_entities=True, load_dtd=True, no_network=False")
    comment = c.pick("", "# some device exports declare entities in their DOCTYPE\n",
                     "# keep DTD entities so names like &amp;eacute; come out right\n")
    fix = c.pick("defused", "defused", "lxml")
    if c.fw == "cli":
        read = f'with open({x}, "rb") as fh:\n    data = fh.read()\n'
    else:
        read = f'data = {x}.encode("utf-8")\n'
    how = c.pick("fromstring", "parse")
    if how == "fromstring":
        pv = f"{comment}parser = etree.XMLParser({opts})  #@V\nroot = etree.fromstring(data, parser)  #@V\n"
        ps_l = "parser = etree.XMLParser(resolve_entities=False, no_network=True)\nroot = etree.fromstring(data, parser)\n"
        ps_d = "root = DefusedET.fromstring(data)\n"
    else:
        pv = f"{comment}parser = etree.XMLParser({opts})  #@V\nroot = etree.parse(io.BytesIO(data), parser).getroot()  #@V\n"
        ps_l = "parser = etree.XMLParser(resolve_entities=False, no_network=True)\nroot = etree.parse(io.BytesIO(data), parser).getroot()\n"
        ps_d = "root = DefusedET.parse(io.BytesIO(data)).getroot()\n"
    if kind == "gpx":
        out = c.pick("summary", "waypoints")
        if out == "summary":
            tail = f"""
                points = root.findall(".//{p}:trkpt", NS)
                result = {{
                    "name": root.findtext("{p}:trk/{p}:name", default="", namespaces=NS),
                    "points": len(points),
                    "start": [points[0].get("lat"), points[0].get("lon")] if points else None,
                }}
            """
        else:
            tail = f"""
                result = [
                    {{"name": wpt.findtext("{p}:name", "", NS), "lat": float(wpt.get("lat")), "lon": float(wpt.get("lon"))}}
                    for wpt in root.iterfind("{p}:wpt", NS)
                ]
            """
    else:
        tail = f"""
            result = []
            for mark in root.iterfind(".//{p}:Placemark", NS):
                coords = mark.findtext(".//{p}:coordinates", "", NS).split()
                result.append({{"name": mark.findtext("{p}:name", "", NS), "vertices": len(coords)}})
        """
    v = read + pv + dedent(tail)
    s = read + (ps_d if fix == "defused" else ps_l) + dedent(tail)
    if c.fw == "cli":  # the shell's argparse object is already called `parser`
        v, s = (b.replace("parser = etree", "xml_parser = etree").replace(", parser)", ", xml_parser)") for b in (v, s))
    io_imp = "import io\n" if how == "parse" else ""
    simps = io_imp + ("import defusedxml.ElementTree as DefusedET" if fix == "defused" else "from lxml import etree")
    return Spec(v=v, s=s, vimports=io_imp + "from lxml import etree", simports=simps,
                helpers=f"NS = {ns}", ret="result",
                notes=f"an uploaded {kind.upper()} track is parsed by an lxml parser that loads the DTD and resolves "
                      "entities: <!ENTITY x SYSTEM 'file:///etc/passwd'> used in <name> comes back in the response; "
                      "the fix " + ("parses with defusedxml, which refuses entity declarations" if fix == "defused"
                                    else "uses a parser that resolves no entities and fetches nothing"))


@hardneg(4)
def xxe_gpx_hn(c):
    x = c.x
    if c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("form", "json")
    elif c.fw == "fastapi":
        c.src = "json"
    if c.fw == "cli":
        read = f'with open({x}, "rb") as fh:\n    data = fh.read()\n'
    else:
        read = f'data = {x}.encode("utf-8")\n'
    if c.key == "kml":
        ns = '{"kml": "http://www.opengis.net/kml/2.2"}'
        out = 'result = [m.findtext("kml:name", "", NS) for m in root.iterfind(".//kml:Placemark", NS)]'
    else:
        ns = '{"gpx": "http://www.topografix.com/GPX/1/1"}'
        out = 'result = [wpt.findtext("gpx:name", "", NS) for wpt in root.iterfind("gpx:wpt", NS)]'
    if c.pick(True, False):
        s = read + ("parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)\n"
                    "root = etree.fromstring(data, parser)\n" + out + "\n")
        if c.fw == "cli":
            s = s.replace("parser = etree", "xml_parser = etree").replace(", parser)", ", xml_parser)")
        imps = "from lxml import etree"
        note = "lxml parser that resolves no entities and fetches nothing"
    else:
        s = read + "root = DefusedET.fromstring(data)\n" + out + "\n"
        imps = "import defusedxml.ElementTree as DefusedET"
        note = "defusedxml refuses entity declarations and external references"
    return Spec(s=s, imports=imps, helpers=f"NS = {ns}", notes=note)


# ---------------- CWE-611: request body streamed into an entity-resolving XMLPullParser ----------------


def _stream_post(m):
    return m.replace('methods=["GET"]', 'methods=["POST"]').replace("app.router.add_get(", "app.router.add_post(")


@fam("xxe-lxml-pullparser-stream", "CWE-611", fws=["flask", "django", "aiohttp"],
     keys=["supplier", "feed_name", "channel"], n=8, wrap=False)
def xxe_pullparser(c):
    x, w = c.x, c.word
    c.src = {"flask": c.pick("args", "header"), "django": c.pick("args", "header"),
             "aiohttp": c.pick("args", "match", "header")}[c.fw]
    tag = c.pick("item", "product", "offer", "entry")
    opts = c.pick("load_dtd=True, resolve_entities=True", "resolve_entities=True",
                  "resolve_entities=True, no_network=False", "load_dtd=True, resolve_entities=True, huge_tree=True")
    items = c.pick("items", "rows", "batch")
    fields = c.pick(("sku", "name", "price"), ("id", "title", "stock"), ("code", "label", "amount"))
    rec = "{" + ", ".join(f'"{f}": el.findtext("{f}")' for f in fields) + "}"
    if c.fw == "aiohttp":
        loop = f"""
            async for chunk in request.content.iter_chunked({c.pick("65536", "1 << 16", "32768")}):  #@S
                parser.feed(chunk)FEED
                for _, el in parser.read_events():
                    {items}.append({rec})
                    el.clear()
        """
    else:
        reader = "request.stream.read" if c.fw == "flask" else "request.read"
        loop = f"""
            while True:
                chunk = {reader}(65536)  #@S
                if not chunk:
                    break
                parser.feed(chunk)FEED
                for _, el in parser.read_events():
                    {items}.append({rec})
                    el.clear()
        """
    tail = f"""
        parser.close()
        store_{w}_{items}({x}, {items})
        result = {{"{c.key}": {x}, "imported": len({items})}}
    """
    head_v = f'parser = etree.XMLPullParser(events=("end",), tag="{tag}", {opts})  #@V\n{items} = []\n'
    head_s = f'parser = etree.XMLPullParser(events=("end",), tag="{tag}", resolve_entities=False, no_network=True)\n{items} = []\n'
    v = head_v + dedent(loop).replace("FEED", "  #@V") + "\n" + dedent(tail)
    s = head_s + dedent(loop).replace("FEED", "") + "\n" + dedent(tail)
    helpers = f'''
        IMPORTED = {{}}


        def store_{w}_{items}(source, records):
            IMPORTED.setdefault(source, []).extend(records)
    '''
    sp = _pair(c, v, s, helpers, helpers, imports="from lxml import etree", post=_stream_post,
               notes="the request body is fed chunk by chunk into an lxml XMLPullParser that resolves entities: a "
                     "DOCTYPE with <!ENTITY x SYSTEM 'file:///...'> puts local files (or internal URLs) into the "
                     "imported records; the fix builds the pull parser with resolve_entities=False, no_network=True")
    # the body stream, not the query value, is the taint that reaches the parser
    sp.v = sp.v.replace("  #@S\n", "\n", 1) if sp.v.count("#@S") > 1 else sp.v
    return sp


@hardneg(3)
def xxe_pullparser_hn(c):
    x, w = c.x, c.word
    s = f"""
        parser = etree.XMLPullParser(events=("end",), tag="item", resolve_entities=False, no_network=True, load_dtd=False)
        for line in {x}.splitlines():
            parser.feed(line.encode("utf-8"))
            for _, el in parser.read_events():
                SEEN.append(el.findtext("sku"))
        parser.close()
        result = len(SEEN)
    """
    return Spec(s=s, imports="from lxml import etree", helpers="SEEN = []",
                notes=f"{w} feed parsed incrementally with a pull parser that resolves no entities and fetches nothing")


# ---------------- CWE-90: login by e-mail, directory search for the DN, then bind ----------------


def _pw_line(c):
    return {
        ("flask", "form"): 'request.form.get("password", "")',
        ("flask", "json"): 'request.get_json(force=True).get("password", "")',
        ("django", "form"): 'request.POST.get("password", "")',
        ("django", "json"): 'json.loads(request.body).get("password", "")',
        ("aiohttp", "form"): '(await request.post()).get("password", "")',
        ("aiohttp", "json"): '(await request.json()).get("password", "")',
        ("fastapi", "json"): '(await request.json()).get("password", "")',
    }[(c.fw, c.src)]


@fam("ldapi-mail-login-search-bind", "CWE-90", fws=WEB, keys=["email", "mail", "login_email"], n=8, wrap=False)
def ldapi_mail_login(c):
    x = c.x
    c.src = "json" if c.fw == "fastapi" else c.pick("form", "json")
    pw = c.pick("password", "passwd", "secret")
    lib = c.pick("ldap3", "ldap3", "python-ldap")
    flt = c.pick("(mail={})", "(&(objectClass=inetOrgPerson)(mail={}))", "(&(objectClass=person)(|(mail={})(mailAlternateAddress={})))")
    nv = flt.count("{}")
    if lib == "ldap3":
        esc = "escape_filter_chars(" + x + ")"
        fv = c.fmt(flt, *([x] * nv))
        fs = c.fmt(flt, *(["needle"] * nv))
        search = c.pick("entries", "response")
        if search == "entries":
            pick_dn = f"""
                if not svc.entries:
                    result = {{"ok": False}}
                else:
                    user_dn = svc.entries[0].entry_dn
                    user_conn = Connection(SERVER, user=user_dn, password={pw})
                    result = {{"ok": user_conn.bind(), "uid": str(svc.entries[0].uid)}}
            """
        else:
            pick_dn = f"""
                hits = [r for r in svc.response if r.get("type") == "searchResEntry"]
                ok = bool(hits) and Connection(SERVER, user=hits[0]["dn"], password={pw}).bind()
                result = {{"ok": ok, "uid": hits[0]["attributes"]["uid"][0] if ok else None}}
            """
        core_v = f"""
            {pw} = {_pw_line(c)}
            if not {pw}:
                EARLY
            svc = Connection(SERVER, user=SVC_DN, password=SVC_PW, auto_bind=True)
            svc.search(PEOPLE_BASE, {fv}, attributes=["uid", "cn"], size_limit=1)  #@V
        """
        core_s = f"""
            {pw} = {_pw_line(c)}
            if not {pw}:
                EARLY
            needle = {esc}
            svc = Connection(SERVER, user=SVC_DN, password=SVC_PW, auto_bind=True)
            svc.search(PEOPLE_BASE, {fs}, attributes=["uid", "cn"], size_limit=1)
        """
        imps = "import os\nfrom ldap3 import Connection, Server"
        simps = "from ldap3.utils.conv import escape_filter_chars"
        helpers = f'''
            SERVER = Server("{c.pick("ldaps://ldap.corp.example", "ldaps://dc01.ad.example.net:636", "ldaps://directory.internal")}")
            SVC_DN = "cn=login-lookup,ou=services,dc=corp,dc=example"
            SVC_PW = os.environ["LDAP_LOOKUP_PASSWORD"]
            PEOPLE_BASE = "ou=people,dc=corp,dc=example"
        '''
    else:
        esc_pick = c.pick("format", "escape")
        fv = c.fmt(flt, *([x] * nv))
        if esc_pick == "format":
            fs = "filter_format(" + repr(flt.replace("{}", "%s")).replace("'", '"') + ", [" + ", ".join([x] * nv) + "])"
            simps = "from ldap.filter import filter_format"
        else:
            fs = c.fmt(flt, *(["escape_filter_chars(" + x + ")"] * nv))
            simps = "from ldap.filter import escape_filter_chars"
        pick_dn = f"""
            if not hits:
                result = {{"ok": False}}
            else:
                user_dn, attrs = hits[0]
                user_conn = ldap.initialize(LDAP_URI)
                try:
                    user_conn.simple_bind_s(user_dn, {pw})
                    result = {{"ok": True, "uid": attrs["uid"][0].decode()}}
                except ldap.INVALID_CREDENTIALS:
                    result = {{"ok": False}}
                finally:
                    user_conn.unbind_s()
        """
        core_v = f"""
            {pw} = {_pw_line(c)}
            if not {pw}:
                EARLY
            conn = ldap.initialize(LDAP_URI)
            conn.set_option(ldap.OPT_REFERRALS, 0)
            conn.simple_bind_s(SVC_DN, SVC_PW)
            hits = [h for h in conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, {fv}, ["uid"]) if h[0]]  #@V
        """
        core_s = f"""
            {pw} = {_pw_line(c)}
            if not {pw}:
                EARLY
            conn = ldap.initialize(LDAP_URI)
            conn.set_option(ldap.OPT_REFERRALS, 0)
            conn.simple_bind_s(SVC_DN, SVC_PW)
            hits = [h for h in conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, {fs}, ["uid"]) if h[0]]
        """
        imps = "import os\nimport ldap"
        helpers = f'''
            LDAP_URI = "{c.pick("ldaps://ldap.corp.example", "ldaps://ds.example.org")}"
            SVC_DN = "cn=login-lookup,ou=services,dc=corp,dc=example"
            SVC_PW = os.environ["LDAP_LOOKUP_PASSWORD"]
            PEOPLE_BASE = "ou=people,dc=corp,dc=example"
        '''
    # an empty password must not reach the bind (an unauthenticated bind succeeds): answer early
    def assemble(core):
        return dedent(core).rstrip() + "\n" + dedent(pick_dn)
    early = {"flask": 'return jsonify(ok=False), 400', "django": 'return JsonResponse({"ok": False}, status=400)',
             "aiohttp": 'return web.json_response({"ok": False}, status=400)', "fastapi": 'return {"ok": False}'}[c.fw]
    v = assemble(core_v).replace("EARLY", early)
    s = assemble(core_s).replace("EARLY", early)
    return Spec(v=v, s=s, imports=imps, simports=simps, helpers=helpers,
                notes="login by e-mail address: the typed address goes into the filter that finds the account's DN; "
                      "'*' or 'a*)(department=Finance' chooses the account the password is tried against (password "
                      "spraying and attribute probing without knowing any address); the fix escapes the value "
                      f"({'escape_filter_chars' if lib == 'ldap3' else 'python-ldap filter_format / escape_filter_chars'})")


@hardneg(4)
def ldapi_mail_login_hn(c):
    x = c.x
    s = f"""
        svc = Connection(SERVER, user=SVC_DN, password=SVC_PW, auto_bind=True)
        svc.search(PEOPLE_BASE, "(&(objectClass=inetOrgPerson)(mail=%s))" % escape_filter_chars({x}.strip().lower()),
                   attributes=["uid"], size_limit=1)
        result = {{"known": bool(svc.entries)}}
    """
    helpers = '''
        SERVER = Server("ldaps://ldap.corp.example")
        SVC_DN = "cn=login-lookup,ou=services,dc=corp,dc=example"
        SVC_PW = os.environ["LDAP_LOOKUP_PASSWORD"]
        PEOPLE_BASE = "ou=people,dc=corp,dc=example"
    '''
    return Spec(s=s, imports="import os\nfrom ldap3 import Connection, Server\nfrom ldap3.utils.conv import escape_filter_chars",
                helpers=helpers, notes="the address is escaped with escape_filter_chars before it goes into the filter")


# ---------------- CWE-643: XLIFF translation lookup, namespaced xpath() built from the request ----------------

_XLIFF = {
    "unit_id": ("@id='{}'", "@id=$wanted"),
    "source_text": ("x:source='{}'", "x:source=$wanted"),
    "resname": ("@resname='{}'", "@resname=$wanted"),
}


@fam("xpathi-xliff-namespaced-lookup", "CWE-643", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["unit_id", "source_text", "resname"], n=8)
def xpathi_xliff(c):
    x, w = c.x, c.word
    pv, ps = _XLIFF[c.key]
    lang = c.pick("de", "fr", "ja", "pt-BR")
    shape = c.pick("text", "string", "units", "many")
    if shape == "text":
        expr_v = c.fmt("//x:trans-unit[" + pv + "]/x:target/text()", x)
        v = f"""
            hits = CATALOG.xpath({expr_v}, namespaces=NS)  #@V
            result = str(hits[0]) if hits else None
        """
        s = f"""
            hits = CATALOG.xpath("//x:trans-unit[{ps}]/x:target/text()", namespaces=NS, wanted={x})
            result = str(hits[0]) if hits else None
        """
    elif shape == "string":
        expr_v = c.fmt("string(//x:trans-unit[" + pv + "]/x:target)", x)
        v = f"""
            expr = {expr_v}  #@V
            translated = CATALOG.xpath(expr, namespaces=NS)  #@V
            result = translated or None
        """
        s = f"""
            expr = "string(//x:trans-unit[{ps}]/x:target)"
            translated = CATALOG.xpath(expr, namespaces=NS, wanted={x})
            result = translated or None
        """
    elif shape == "units":
        expr_v = c.fmt("//x:trans-unit[" + pv + "]", x)
        v = f"""
            units = CATALOG.getroot().xpath({expr_v}, namespaces=NS)  #@V
            result = [
                {{"id": u.get("id"), "target": u.findtext("x:target", namespaces=NS), "note": u.findtext("x:note", namespaces=NS)}}
                for u in units
            ]
        """
        s = f"""
            units = CATALOG.getroot().xpath("//x:trans-unit[{ps}]", namespaces=NS, wanted={x})
            result = [
                {{"id": u.get("id"), "target": u.findtext("x:target", namespaces=NS), "note": u.findtext("x:note", namespaces=NS)}}
                for u in units
            ]
        """
    else:
        expr_v = c.fmt("//x:trans-unit[" + pv + "]/x:target/text()", "one")
        v = f"""
            result = {{}}
            for one in {x}.split(",")[:50]:
                one = one.strip()
                found = CATALOG.xpath({expr_v}, namespaces=NS)  #@V
                result[one] = str(found[0]) if found else None
        """
        s = f"""
            result = {{}}
            for one in {x}.split(",")[:50]:
                one = one.strip()
                found = CATALOG.xpath("//x:trans-unit[{ps}]/x:target/text()", namespaces=NS, wanted=one)
                result[one] = str(found[0]) if found else None
        """
    path = c.pick(f"/srv/{w}/i18n/messages.{lang}.xlf", f"locale/{lang}/LC_MESSAGES/{w}.xlf", f"translations/{w}.{lang}.xliff")
    helpers = f'''
        NS = {{"x": "urn:oasis:names:tc:xliff:document:1.2"}}
        CATALOG = etree.parse("{path}")
    '''
    return Spec(v=v, s=s, imports="from lxml import etree", helpers=helpers,
                notes="the requested translation key is pasted into a namespaced XPath expression: a quote closes the "
                      "literal and \"' or '1'='1\" or a union reads every unit, notes included; the fix binds it as an "
                      "XPath variable ($wanted) through lxml's xpath() keyword arguments")


@hardneg(4)
def xpathi_xliff_hn(c):
    x = c.x
    if c.pick(True, False):
        s = f"""
            hits = CATALOG.xpath("//x:trans-unit[@id=$uid]/x:target/text()", namespaces=NS, uid={x})
            result = str(hits[0]) if hits else None
        """
        note = "the id is bound as an XPath variable"
    else:
        s = f"""
            state = STATES.get({x}, "translated")
            units = CATALOG.xpath("//x:trans-unit[x:target/@state='" + state + "']/@id", namespaces=NS)
            result = [str(u) for u in units][:200]
        """
        note = "the input only selects a constant from an allowlist that is put into the expression"
    helpers = '''
        NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        CATALOG = etree.parse("i18n/messages.de.xlf")
        STATES = {"new": "new", "review": "needs-review-translation", "final": "final"}
    '''
    return Spec(s=s, imports="from lxml import etree", helpers=helpers, notes=note)
