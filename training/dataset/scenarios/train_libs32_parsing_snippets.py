"""Train-only snippet families (libs32 set) for the rarer parsing / query labels, each in a transport, library
or call shape other families use rarely:

- l32prs-xxe-websocket-lxml-stanza (611): XML stanzas (chat messages, meter readings, order tickets) pushed
  over a WebSocket (FastAPI, aiohttp, the ``websockets`` server) and parsed with an lxml parser built with
  ``resolve_entities=True`` (``fromstring`` / ``XML`` / the ``feed``-``close`` interface); the JSON
  acknowledgement echoes a parsed field, so ``<!ENTITY x SYSTEM "file:///...">`` comes back to the client.
  The fix builds the parser with ``resolve_entities=False``;
- l32prs-ldapi-chatops-whois (90): a ``/whois`` chat-ops command (Slack Bolt, discord.py, python-telegram-bot)
  whose handler builds the LDAP filter from the command text and runs it with python-ldap's ``search_s``; the
  fix escapes it with ``ldap.filter.escape_filter_chars`` or ``filter_format``;
- l32prs-xpathi-lxml-function-predicate (643): a request value formatted into an XPath *function* argument
  (``translate(...) = '...'`` case-insensitive match, ``starts-with(@path, '...')``, ``normalize-space(...)``)
  next to a visibility condition in the same predicate; the fix passes the value as an XPath variable;
- l32prs-redos-header-dotstar-group (1333): a request header (``X-Forwarded-For``, a mobile client's
  ``X-Device-Info``, ``X-Feature-Flags``) matched with a pattern whose starred group begins with ``.*`` and
  ends with the separator (``^(.*,)*``, ``\\((.*;)*``), so the separators can be split between iterations in
  2^n ways; the fix is a linear pattern / ``rsplit`` (FastAPI reads the header as an ``x_...`` parameter);
- l32prs-errors-websocket-exc-reply (209): a WebSocket handler (FastAPI, aiohttp, Django Channels) that
  answers a failed database write with ``str(exc)`` / ``repr(exc)`` / ``traceback.format_exc()``; the fix
  logs the detail and sends a generic message with a reference;
- l32prs-errors-graphql-resolver-exc (209): a Strawberry or Graphene mutation that turns a caught exception
  into the GraphQL error message, an error payload field or a ``traceback`` extension; the fix logs it and
  returns a generic message.

Written without reading the held-out or validation builders; every family here goes to train.
"""
from core import Spec
from module_kit import _joined, _replayed, shell_pair
from registry import WEB_FWS, fam, hardneg


def _v(safe):
    return "" if safe else "  #@V"


# ---------------- CWE-611: WebSocket XML stanzas parsed with resolve_entities=True ----------------

_STANZAS = [
    # (element, id attribute, echoed child, service words, why entities were switched on)
    ("message", "id", "body", ("chat", "chat gateway"),
     "older desktop clients declare &nbsp; and &copy; in an internal DTD subset"),
    ("reading", "meter", "note", ("meter", "meter-reading gateway"),
     "field units declare &deg; and &micro; in an internal DTD subset"),
    ("order", "ref", "symbol", ("desk", "order-entry gateway"),
     "the trading terminals send named entities from their own DTD"),
]


def _xxe_reader(c, el, ida, child, why, mode, safe):
    """(imports, module-level lines, the read function, the exceptions a malformed stanza raises)."""
    if mode in ("fromstring", "xml", "feed"):
        flag = "resolve_entities=False" if safe else "resolve_entities=True"
        extra = c.pick("remove_blank_text=True", "remove_comments=True", "strip_cdata=False")
        note = (f"# {why}" if not safe else "# entity references are kept as references, never expanded")
        if mode == "feed":
            mod = ""
            parse = (f"    parser = etree.XMLParser({flag}, {extra}){_v(safe)}\n"
                     f"    parser.feed(raw){_v(safe)}\n"
                     "    root = parser.close()")
        else:
            mod = f"{note}\nPARSER = etree.XMLParser({flag}, {extra}){_v(safe)}"
            call = "etree.fromstring(raw, PARSER)" if mode == "fromstring" else "etree.XML(raw, parser=PARSER)"
            parse = f"    root = {call}{_v(safe)}"
        imps = ["from lxml import etree"]
        errs = "(etree.XMLSyntaxError, ValueError)"
        get_id = f'root.get("{ida}", "")'
        get_child = f'(root.findtext("{child}") or "").strip()'
        check = [f'    if root.tag != "{el}":', f'        raise ValueError("unexpected element")']
    elif mode == "defused":
        imps = ["from defusedxml.ElementTree import ParseError, fromstring"]
        mod = ""
        parse = "    root = fromstring(raw)"
        errs = "(ParseError, ValueError)"
        get_id = f'root.get("{ida}", "")'
        get_child = f'(root.findtext("{child}") or "").strip()'
        check = [f'    if root.tag != "{el}":', f'        raise ValueError("unexpected element")']
    else:  # xmltodict (expat, entity declarations refused by default)
        imps = ["import xmltodict", "from xml.parsers.expat import ExpatError"]
        mod = ""
        parse = f'    node = xmltodict.parse(raw).get("{el}")'
        errs = "(ExpatError, ValueError)"
        get_id = f'node.get("@{ida}", "")'
        get_child = f'str(node.get("{child}") or "").strip()'
        check = ["    if not isinstance(node, dict):", f'        raise ValueError("expected one <{el}> element")']
    fn = (f"def read_{el}(raw: bytes) -> dict:\n"
          f'    """Parse one <{el}> stanza into the fields the store keeps."""\n'
          f"{parse}\n" + "\n".join(check) + "\n"
          f'    return {{"id": {get_id}, "{child}": {get_child}}}')
    return imps, mod, fn, errs


def _xxe_ws_module(c, transport, mode, safe):
    el, ida, child, (pkg, what), why = c.pick(*_STANZAS)
    port = c.pick("8765", "9001", "8443")
    imps, mod, fn, errs = _xxe_reader(c, el, ida, child, why, mode, safe)
    recv_text = c.pick(True, False)
    store = f"from {pkg}.store import save_{el}"
    ack = f'{{"ack": item["id"], "{child}": item["{child}"]}}'
    bad = f'{{"error": "malformed {el}"}}'
    doc = f'"""{what.capitalize()}: clients push XML <{el}> stanzas over a WebSocket and get a JSON acknowledgement."""'
    if transport == "fastapi":
        head = "\n".join(["import logging", ""] + [i for i in imps if i.startswith("import ")]
                         + sorted(["from fastapi import FastAPI, WebSocket, WebSocketDisconnect"] + [i for i in imps if i.startswith("from ")])
                         + ["", store])
        recv = ("raw = (await websocket.receive_text()).encode(\"utf-8\")" if recv_text
                else "raw = await websocket.receive_bytes()")
        handler = (f'@app.websocket("/ws/{el}s")\n'
                   f"async def {el}_feed(websocket: WebSocket) -> None:\n"
                   "    await websocket.accept()\n"
                   "    try:\n"
                   "        while True:\n"
                   f"            {recv}  #@S\n"
                   "            try:\n"
                   f"                item = read_{el}(raw)\n"
                   f"            except {errs}:\n"
                   f"                await websocket.send_json({bad})\n"
                   "                continue\n"
                   f"            await save_{el}(item)\n"
                   f"            await websocket.send_json({ack})\n"
                   "    except WebSocketDisconnect:\n"
                   f'        log.info("{pkg} client disconnected")')
        return _joined(doc + "\n" + head, "log = logging.getLogger(__name__)\napp = FastAPI()", mod, fn, handler), "fastapi"
    if transport == "aiohttp":
        head = "\n".join(["import logging", ""] + [i for i in imps if i.startswith("import ")]
                         + sorted(["from aiohttp import WSMsgType, web"] + [i for i in imps if i.startswith("from ")])
                         + ["", store])
        handler = (f"async def {el}_feed(request: web.Request) -> web.WebSocketResponse:\n"
                   f"    ws = web.WebSocketResponse(heartbeat={c.pick('20', '30', '45')})\n"
                   "    await ws.prepare(request)\n"
                   "    async for msg in ws:\n"
                   "        if msg.type != WSMsgType.TEXT:\n"
                   "            continue\n"
                   '        raw = msg.data.encode("utf-8")  #@S\n'
                   "        try:\n"
                   f"            item = read_{el}(raw)\n"
                   f"        except {errs}:\n"
                   f"            await ws.send_json({bad})\n"
                   "            continue\n"
                   f"        await save_{el}(item)\n"
                   f"        await ws.send_json({ack})\n"
                   f'    log.info("{pkg} socket closed")\n'
                   "    return ws")
        tail = f'app = web.Application()\napp.router.add_get("/ws/{el}s", {el}_feed)'
        return _joined(doc + "\n" + head, "log = logging.getLogger(__name__)", mod, fn, handler, tail), "aiohttp"
    head = "\n".join(["import asyncio", "import json", "import logging"] + [i for i in imps if i.startswith("import ")]
                     + ["", "import websockets"] + sorted(i for i in imps if i.startswith("from "))
                     + ["", store])
    handler = ("async def handle(websocket) -> None:\n"
               "    async for message in websocket:\n"
               '        raw = message.encode("utf-8") if isinstance(message, str) else message  #@S\n'
               "        try:\n"
               f"            item = read_{el}(raw)\n"
               f"        except {errs}:\n"
               f"            await websocket.send(json.dumps({bad}))\n"
               "            continue\n"
               f"        await save_{el}(item)\n"
               f"        await websocket.send(json.dumps({ack}))")
    main = ("async def main() -> None:\n"
            f'    async with websockets.serve(handle, "0.0.0.0", {port}, max_size=2 ** 20):\n'
            '        log.info("listening on %s", ' + port + ")\n"
            "        await asyncio.Future()\n\n\n"
            'if __name__ == "__main__":\n'
            "    logging.basicConfig(level=logging.INFO)\n"
            "    asyncio.run(main())")
    return _joined(doc + "\n" + head, "log = logging.getLogger(__name__)", mod, fn, handler, main), "script"


@fam("l32prs-xxe-websocket-lxml-stanza", "CWE-611", fws=["fastapi", "aiohttp", "script"], keys=["stanza"], n=8,
     wrap=False)
def xxe_ws_stanza(c):
    transport = {"fastapi": "fastapi", "aiohttp": "aiohttp"}.get(c.fw, "websockets")
    mode = c.pick("fromstring", "fromstring", "xml", "feed")
    fwl = {}

    def build(cc, safe):
        code, fwl["fw"] = _xxe_ws_module(cc, transport, mode, safe)
        return code

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw=fwl["fw"],
                notes="every WebSocket message is parsed by an lxml parser built with resolve_entities=True, so a "
                      "stanza with <!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]> and &x; in the echoed "
                      "child gets the file's content substituted, and the JSON acknowledgement sends it back to the "
                      "client; the fix builds the parser with resolve_entities=False")


@hardneg(4)
def xxe_ws_stanza_hn(c):
    transport = {"fastapi": "fastapi", "aiohttp": "aiohttp"}.get(c.fw, "websockets")
    mode = c.pick("defused", "defused", "xmltodict", "fromstring")
    code, fw = _xxe_ws_module(c, transport, mode, True)
    return Spec(s=code, full=True, fw=fw,
                notes={"defused": "the stanza is parsed with defusedxml, which refuses DTD entity declarations",
                       "xmltodict": "xmltodict parses with expat and, with disable_entities=True (the default), expands no "
                                    "entity reference and fetches no external entity",
                       "fromstring": "the lxml parser is built with resolve_entities=False: entity references are "
                                     "not expanded"}[mode])


# ---------------- CWE-90: chat-ops /whois command text in an LDAP filter ----------------
# python-ldap only, and the filter is built inside the chat command handler (the command text is the
# source): a filter-building helper on ldap3 is the shape of a held-out validation family.

_DIRS = [
    # (base DN, object class condition, key attribute, mail attribute)
    ("ou=people,dc=example,dc=com", "(objectClass=inetOrgPerson)(employeeType=staff)", "uid", "mail"),
    ("OU=Staff,DC=corp,DC=example,DC=net", "(objectCategory=person)(objectClass=user)", "sAMAccountName", "mail"),
    ("ou=users,dc=northwind,dc=io", "(objectClass=posixAccount)(!(loginShell=/sbin/nologin))", "uid", "mail"),
]


def _ldap_filter_lines(fvar, cond, key, mail, how, safe, reject):
    """The handler lines building the filter from ``term``; ``how`` picks the fix form, ``reject`` answers a
    refused term (the allow-list hard negative)."""
    if safe and how == "allow":
        return ([r'if not re.fullmatch(r"[A-Za-z0-9._@-]{1,64}", term):'] + ["    " + l for l in reject]
                + [f'{fvar} = f"(&{cond}(|({key}={{term}})({mail}={{term}})))"'])
    if safe and how == "format":
        return [f'{fvar} = filter_format("(&{cond}(|({key}=%s)({mail}=%s)))", [term, term])']
    if safe:
        return ["needle = escape_filter_chars(term)",
                f'{fvar} = f"(&{cond}(|({key}={{needle}})({mail}={{needle}})))"']
    return [f'{fvar} = f"(&{cond}(|({key}={{term}})({mail}={{term}})))"  #@V']


def _ldap_search(c, safe, how):
    """(imports, constants, the python-ldap search function, base/condition/key/mail)."""
    base, cond, key, mail = c.pick(*_DIRS)
    attrs = c.pick('["cn", "mail", "title", "telephoneNumber"]', '["displayName", "mail", "department", "mobile"]',
                   '["cn", "mail", "title", "manager"]')
    host = c.pick("ldaps://ldap.example.com", "ldaps://dc01.corp.example.net", "ldaps://directory.northwind.io")
    consts = (f'LDAP_URL = os.environ.get("LDAP_URL", "{host}")\n'
              f'BASE_DN = "{base}"\n'
              f'BIND_DN = os.environ["LDAP_BIND_DN"]\n'
              f"ATTRS = {attrs}")
    imps = ["import ldap"]
    if safe and how == "format":
        imps.append("from ldap.filter import filter_format")
    elif safe and how == "escape":
        imps.append("from ldap.filter import escape_filter_chars")
    elif how == "allow":
        imps.append("import re")
    fn = ("def directory_search(search_filter: str) -> list[dict]:\n"
          '    """At most five directory entries matching the filter, searched with the bot\'s service account."""\n'
          "    conn = ldap.initialize(LDAP_URL)\n"
          "    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)\n"
          "    try:\n"
          '        conn.simple_bind_s(BIND_DN, os.environ["LDAP_BIND_PASSWORD"])\n'
          f"        found = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, search_filter, ATTRS){_v(safe)}\n"
          "    finally:\n"
          "        conn.unbind_s()\n"
          "    return [{k: [v.decode() for v in vals] for k, vals in attrs.items()} for dn, attrs in found[:5] if dn]")
    return imps, consts, fn, (cond, key, mail)


def _fmt_people():
    return ("def format_people(people: list[dict]) -> str:\n"
            "    if not people:\n"
            '        return "No one found."\n'
            "    lines = []\n"
            "    for p in people:\n"
            '        name = (p.get("cn") or p.get("displayName") or ["?"])[0]\n'
            '        mail = (p.get("mail") or [""])[0]\n'
            '        lines.append(f"{name} <{mail}>")\n'
            '    return "\\n".join(lines)')


def _chatops_module(c, bot, safe, allow=False):
    how = "allow" if allow else c.pick("escape", "format")
    imps, consts, fn, (cond, key, mail) = _ldap_search(c, safe, how)
    fvar = c.pick("search_filter", "ldap_filter", "flt")
    std = sorted(["import os"] + [i for i in imps if i.startswith("import ")] + (["import asyncio"] if bot != "slack" else []))
    third = [i for i in imps if i.startswith("from ")]
    cmd = c.pick("whois", "who", "lookup")

    def filt(reject, ind="    "):
        return "\n".join(ind + l for l in _ldap_filter_lines(fvar, cond, key, mail, how, safe, reject))

    if bot == "slack":
        head = std + [""] + sorted(third + ["from slack_bolt import App"])
        app = ('app = App(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])\n'
               + consts)
        usage = f'respond("usage: /{cmd} <user name or e-mail>")'
        handler = (f'@app.command("/{cmd}")\n'
                   f"def {cmd}_command(ack, respond, command):\n"
                   "    ack()\n"
                   '    term = command["text"].strip()  #@S\n'
                   "    if not term:\n"
                   f"        {usage}\n"
                   "        return\n"
                   + filt([usage, "return"]) + "\n"
                   f"    respond(format_people(directory_search({fvar})))")
        tail = 'if __name__ == "__main__":\n    app.start(port=int(os.environ.get("PORT", "3000")))'
        doc = f'"""Slack /{cmd} command: looks a colleague up in the company directory."""'
        return _joined(doc + "\n" + "\n".join(head), app, fn, _fmt_people(), handler, tail), "script"
    if bot == "discord":
        prefix = c.pick("!", "?", ".")
        head = std + [""] + ["import discord", "from discord.ext import commands"] + sorted(third)
        app = ("intents = discord.Intents.default()\nintents.message_content = True\n"
               f'bot = commands.Bot(command_prefix="{prefix}", intents=intents)\n' + consts)
        handler = (f'@bot.command(name="{cmd}")\n'
                   f"async def {cmd}(ctx: commands.Context, *, text: str) -> None:\n"
                   "    term = text.strip()  #@S\n"
                   + filt([f'await ctx.send("usage: {prefix}{cmd} <user name or e-mail>")', "return"]) + "\n"
                   f"    people = await asyncio.to_thread(directory_search, {fvar})\n"
                   "    await ctx.send(format_people(people))")
        tail = 'if __name__ == "__main__":\n    bot.run(os.environ["DISCORD_TOKEN"])'
        doc = f'"""Discord bot for the ops server: {prefix}{cmd} looks a colleague up in the company directory."""'
        return _joined(doc + "\n" + "\n".join(head), app, fn, _fmt_people(), handler, tail), "discord"
    head = std + [""] + sorted(third + ["from telegram import Update",
                                        "from telegram.ext import Application, CommandHandler, ContextTypes"])
    usage = f'await update.message.reply_text("usage: /{cmd} <user name or e-mail>")'
    handler = (f"async def {cmd}(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:\n"
               '    term = " ".join(context.args).strip()  #@S\n'
               "    if not term:\n"
               f"        {usage}\n"
               "        return\n"
               + filt([usage, "return"]) + "\n"
               f"    people = await asyncio.to_thread(directory_search, {fvar})\n"
               "    await update.message.reply_text(format_people(people))")
    tail = ("def main() -> None:\n"
            '    application = Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"]).build()\n'
            f'    application.add_handler(CommandHandler("{cmd}", {cmd}))\n'
            "    application.run_polling()\n\n\n"
            'if __name__ == "__main__":\n    main()')
    doc = f'"""Telegram bot of the help desk: /{cmd} looks a colleague up in the company directory."""'
    return _joined(doc + "\n" + "\n".join(head), consts, fn, _fmt_people(), handler, tail), "telegram"


@fam("l32prs-ldapi-chatops-whois", "CWE-90", fws=["script"], keys=["term"], n=8, wrap=False)
def ldapi_chatops(c):
    bot = c.pick("slack", "discord", "telegram")
    fwl = {}

    def build(cc, safe):
        code, fwl["fw"] = _chatops_module(cc, bot, safe)
        return code

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw=fwl["fw"],
                notes="the chat command builds the LDAP filter from the command text unescaped and python-ldap's "
                      "search_s runs it with the bot's service account: '*' or 'a*' enumerates entries, and a term "
                      "such as 'x)(homePhone=555*' or 'x)(description=*contractor*' keeps the filter well formed while "
                      "searching on attributes the bot never shows, so the reply reveals who has them; the fix escapes "
                      "the term (ldap.filter.escape_filter_chars / filter_format)")


@hardneg(4)
def ldapi_chatops_hn(c):
    bot = c.pick("slack", "discord", "telegram")
    allow = c.pick(True, False)
    code, fw = _chatops_module(c, bot, True, allow)
    return Spec(s=code, full=True, fw=fw,
                notes=("the command text must match [A-Za-z0-9._@-]{1,64} (no filter metacharacters) before it goes "
                       "into the LDAP filter") if allow else "the command text is escaped before it goes into the LDAP filter")


# ---------------- CWE-643: request value inside an XPath function argument ----------------

_UP, _LOW = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"

_XP_DOCS = {
    # shape: (constant, file, env var)
    "staff": ("STAFF", "/srv/intranet/staff.xml", "STAFF_XML"),
    "pages": ("SITEMAP", "/srv/site/sitemap.xml", "SITEMAP_XML"),
    "title": ("ARCHIVE", "/srv/newsroom/archive.xml", "ARCHIVE_XML"),
}


def _xp_src(c):
    if c.fw == "fastapi":
        c.src = "query"
    elif c.fw in ("flask", "django", "aiohttp"):
        c.src = c.pick("args", "args", "form")


def _xpath_parts(c, shape, x, safe):
    """(lines before the evaluation, the evaluation line, result lines)."""
    const = _XP_DOCS[shape][0]
    hits = c.pick("hits", "matches", "nodes")
    if shape == "staff":
        pred = f"translate(@surname, '{_UP}', '{_LOW}') = '{{}}' and @listed = 'yes'"
        spred = f"translate(@surname, '{_UP}', '{_LOW}') = $needle and @listed = 'yes'"
        path = "//person[PRED]"
        kw = f"needle={x}.lower()"
        var = f"{x}.lower()"
        res = [f'result = [{{"name": p.get("surname"), "extension": p.findtext("extension")}} for p in {hits}]']
    elif shape == "pages":
        pred = "starts-with(@path, '{}') and @visibility = 'public'"
        spred = "starts-with(@path, $prefix) and @visibility = 'public'"
        path = c.pick("/urlset/page[PRED]/@path", "//page[PRED]/@path")
        kw = f"prefix={x}"
        var = x
        res = [f"result = sorted(str(p) for p in {hits})[:50]"]
    else:
        pred = "normalize-space(title) = '{}' and @status = 'published'"
        spred = "normalize-space(title) = normalize-space($title) and @status = 'published'"
        path = "//article[PRED]"
        kw = f"title={x}"
        var = f"{x}.strip()"
        res = [f'result = [{{"id": a.get("id"), "byline": a.findtext("byline")}} for a in {hits}]']
    if safe:
        ev = f'{hits} = {const}.xpath("{path.replace("PRED", spred)}", {kw})'
        return [], ev, res
    expr = c.n("expr")
    tmpl = path.replace("PRED", pred)
    pre = [f"{expr} = {c.fmt(tmpl, var.split('.')[0] if shape == 'pages' else var)}  #@V"]
    if shape != "pages" and c.style in ("percent", "format", "concat", "join") and "." in var:
        pre = [f"term = {var}", f"{expr} = {c.fmt(tmpl, 'term')}  #@V"]
    return pre, f"{hits} = {const}.xpath({expr})  #@V", res


@fam("l32prs-xpathi-lxml-function-predicate", "CWE-643", fws=WEB_FWS + ["cli", "pipeline"],
     keys=["surname", "prefix", "title"], n=8)
def xpathi_function_predicate(c):
    _xp_src(c)
    x = c.x
    shape = {"surname": "staff", "prefix": "pages", "title": "title"}[c.key]
    const, path, env = _XP_DOCS[shape]
    helpers = f'{const} = etree.parse(os.environ.get("{env}", "{path}"))'
    st = c.snapshot()
    pre, ev, res = _xpath_parts(c, shape, x, False)
    c.restore(st)
    _, sev, _ = _xpath_parts(c, shape, x, True)
    v = "\n".join(pre + [ev] + res)
    s = "\n".join([sev] + res)
    what = {"staff": "a case-insensitive surname match (translate(...) = '...')",
            "pages": "a starts-with(@path, '...') prefix browse",
            "title": "a normalize-space(title) = '...' headline match"}[shape]
    guard = {"staff": "@listed = 'yes'", "pages": "@visibility = 'public'", "title": "@status = 'published'"}[shape]
    payload = "') or true() or ('" if shape == "pages" else "' or true() or '"
    return Spec(v=v, s=s, imports="import os\n\nfrom lxml import etree", helpers=helpers,
                notes=f"the request value is quoted into {what} in the same predicate as {guard}: a value such as "
                      f"{payload} makes the predicate true for every node and drops the {guard} condition, returning the "
                      "hidden entries; the fix passes the value as an XPath variable ($name keyword of .xpath)")


@hardneg(4)
def xpathi_function_predicate_hn(c):
    _xp_src(c)
    x = c.x
    shape = {"surname": "staff", "prefix": "pages", "title": "title"}[c.key]
    const, path, env = _XP_DOCS[shape]
    helpers = f'{const} = etree.parse(os.environ.get("{env}", "{path}"))'
    form = c.pick("python", "var", "int")
    if form == "var":
        _, ev, res = _xpath_parts(c, shape, x, True)
        body = "\n".join([ev] + res)
        note = "the value reaches the XPath expression only as a variable"
    elif form == "python":
        sel = {"staff": "//person[@listed = 'yes']", "pages": "//page[@visibility = 'public']",
               "title": "//article[@status = 'published']"}[shape]
        attr = {"staff": 'p.get("surname", "").lower() == ' + x + ".lower()",
                "pages": 'p.get("path", "").startswith(' + x + ")",
                "title": '" ".join((p.findtext("title") or "").split()) == " ".join(' + x + ".split())"}[shape]
        body = (f'candidates = {const}.xpath("{sel}")\n'
                f"result = [p.get(\"id\") for p in candidates if {attr}][:50]")
        note = "a constant XPath expression; the request value is compared in Python"
    else:
        c.key = c.pick("limit", "count", "top")
        x = c.x = c.pick(c.key, "raw_" + c.key, "requested_" + c.key)
        sel = {"staff": "//person[@listed = 'yes']", "pages": "//page[@visibility = 'public']",
               "title": "//article[@status = 'published']"}[shape]
        body = (f"limit = max(1, min(int({x}), 100)) if {x}.isdigit() else 20\n"
                f'picked = {const}.xpath("{sel}[position() <= %d]" % limit)\n'
                'result = [p.get("id") for p in picked]')
        note = "only a bounded integer is formatted into the XPath expression"
    return Spec(s=body, imports="import os\n\nfrom lxml import etree", helpers=helpers, notes=note)


# ---------------- CWE-1333: request header matched with a (.*SEP)* group ----------------

_HDR = {
    # key: (vulnerable pattern, what it extracts)
    "forwarded_for": r"^(.*,)*\s*(\d{1,3}(?:\.\d{1,3}){3})$",
    "device_info": r"^([\w.-]+)/([\w.]+) \((.*;)*\s*(.*)\)$",
    "feature_flags": r"^(.*;)*\s*beta=(on|off)\b",
}


def _fastapi_header_key(c):
    """FastAPI's ``Header()`` reads the header named after the parameter (underscores become hyphens), so the
    parameter for X-Forwarded-For must be ``x_forwarded_for``; the other shells add the X- prefix themselves."""
    if c.fw == "fastapi" and not c.key.startswith("x_"):
        c.key = "x_" + c.key


def _redos_body(c, key, x, safe):
    rx = c.pick("HEADER_RE", "PATTERN", {"forwarded_for": "CLIENT_IP_RE", "device_info": "DEVICE_RE",
                                          "feature_flags": "BETA_FLAG_RE"}[key])
    helpers, lines = [], []
    if not safe:
        helpers.append(f'{rx} = re.compile(r"{_HDR[key]}")  #@V')
        lines.append(f"m = {rx}.match({x})  #@V")
        if key == "forwarded_for":
            lines.append('result = {"client": m.group(2) if m else None}')
        elif key == "device_info":
            lines.append('result = {"app": m.group(1), "version": m.group(2), "platform": m.group(4)} if m else {}')
        else:
            lines.append('result = {"beta": bool(m) and m.group(2) == "on"}')
        return "\n".join(helpers), "\n".join(lines), "import re"
    # the fix is always a linear pattern: a length bound plus a match timeout would keep the exponential
    # pattern, and every request could still burn the whole timeout
    if key == "forwarded_for":
        lines += [f'last = {x}.rsplit(",", 1)[-1].strip()',
                  f'result = {{"client": last if re.fullmatch(r"\\d{{1,3}}(?:\\.\\d{{1,3}}){{3}}", last) else None}}']
    elif key == "device_info":
        helpers.append(f'{rx} = re.compile(r"^([\\w.-]+)/([\\w.]+) \\(([^()]*)\\)$")')
        lines += [f"m = {rx}.match({x})",
                  'result = {"app": m.group(1), "version": m.group(2), '
                  '"platform": m.group(3).split(";")[-1].strip()} if m else {}']
    else:
        helpers.append(f'{rx} = re.compile(r"(?:^|;)\\s*beta=(on|off)\\b")')
        lines += [f"m = {rx}.search({x})", 'result = {"beta": bool(m) and m.group(1) == "on"}']
    return "\n".join(helpers), "\n".join(lines), "import re"


@fam("l32prs-redos-header-dotstar-group", "CWE-1333", fws=WEB_FWS,
     keys=["forwarded_for", "device_info", "feature_flags"], n=8)
def redos_header_group(c):
    c.src = "header"
    key, x = c.key, c.x
    _fastapi_header_key(c)
    st = c.snapshot()
    hv, bv, iv = _redos_body(c, key, x, False)
    c.restore(st)
    hs, bs, is_ = _redos_body(c, key, x, True)
    sep = {"forwarded_for": "','", "device_info": "';'", "feature_flags": "';'"}[key]
    return shell_pair(c, bv, bs, hv, hs, vimports=iv, simports=is_, notes=(
        f"the header is matched with a group that starts with .* and ends with {sep} under a star: .* can swallow "
        f"{sep} too, so a value of a few dozen {sep}-separated items that does not match the tail makes the engine "
        "try every way of splitting them between iterations (2^n); the fix uses a pattern whose pieces cannot "
        "overlap (or rsplit)"))


@hardneg(4)
def redos_header_group_hn(c):
    c.src = "header"
    form = c.pick("ip", "token", "range", "linear")
    if form != "linear":
        c.key = {"ip": "forwarded_for", "token": c.pick("request_id", "correlation_id"), "range": "byte_range"}[form]
        c.x = c.pick(c.key, "raw_" + c.key, c.key + "_header")
    key, x = c.key, c.x
    _fastapi_header_key(c)
    if form == "linear":
        h, b, i = _redos_body(c, key, x, True)
        return Spec(s=b, imports=i, helpers=h, notes="linear header patterns / rsplit; no overlapping quantifiers")
    if form == "ip":
        body = (f'hops = [h.strip() for h in {x}.split(",") if h.strip()]\n'
                "try:\n"
                "    client = str(ipaddress.ip_address(hops[-1])) if hops else None\n"
                "except ValueError:\n"
                "    client = None\n"
                'result = {"client": client, "hops": len(hops),\n'
                '          "private": bool(client) and re.match(r"(10|127|192\\.168)\\.", client) is not None}')
        return Spec(s=body, imports="import ipaddress\nimport re", notes="the proxy chain is split in Python; the "
                    "regex is a short anchored literal prefix")
    if form == "token":
        body = (f'ok = re.fullmatch(r"[A-Za-z0-9._~-]{{8,128}}", {x}) is not None\n'
                f'result = {{"valid": ok, "length": len({x})}}')
        return Spec(s=body, imports="import re", notes="one bounded character class: linear")
    body = (f'm = re.match(r"bytes=(\\d{{1,15}})-(\\d{{0,15}})$", {x}.strip())\n'
            'result = {"start": int(m.group(1)), "end": int(m.group(2)) if m.group(2) else None} if m else {}')
    return Spec(s=body, imports="import re", notes="anchored pattern of bounded digit runs: linear")


# ---------------- CWE-209: WebSocket handler sends the exception text back ----------------

_WS_DOMAINS = [
    # (item, group, first field, second field, event type, generic message)
    ("card", "board", "position", "estimate", "moved", "could not move the card"),
    ("task", "project", "priority", "progress", "updated", "could not update the task"),
    ("shift", "rota", "slot", "break_minutes", "rescheduled", "could not reschedule the shift"),
]


def _ws_leak(c, shape):
    """(the reply expression carrying internals, extra import)."""
    key = c.pick("detail", "message", "error")
    if shape == "str":
        return f'{{"type": "error", "{key}": str(exc)}}', ""
    if shape == "repr":
        return f'{{"type": "error", "{key}": repr(exc)}}', ""
    if shape == "fmt":
        return f'{{"type": "error", "{key}": f"{{type(exc).__name__}}: {{exc}}"}}', ""
    return f'{{"type": "error", "{key}": "internal error", "trace": traceback.format_exc()}}', "import traceback"


def _ws_errors_module(c, transport, safe):
    item, group, f1, f2, done, generic = c.pick(*_WS_DOMAINS)
    shape = c.pick("str", "str", "repr", "fmt", "trace")
    leak, limp = _ws_leak(c, shape)
    lg = c.pick("log", "logger")
    ref_len = c.pick("10", "12", "8")
    pkg = c.pick(f"{group}s", "workspace", "live")
    a, b = f1.replace("_id", ""), f2
    errs_pg = "(asyncpg.PostgresError, KeyError, ValueError, LookupError)"
    if safe:
        handle = [f"ref = uuid.uuid4().hex[:{ref_len}]",
                  f'{lg}.exception("{item} change failed for user %s (ref %s)", USER_ID, ref)',
                  f'SEND({{"type": "error", "detail": "{generic}", "ref": ref}})']
        as_exc = ""
    else:
        handle = [f"SEND({leak})  #@V"]
        as_exc = " as exc"
    simp = ["import uuid"] if safe else ([limp] if limp else [])
    doc = (f'"""Live {group} view: members change {item}s over a WebSocket and every change is written to the '
           'database."""')
    sql = (f'"UPDATE {item}s SET {f1} = $1, {f2} = $2 WHERE id = $3 AND {group}_id IN "\n'
           f'            "(SELECT {group}_id FROM {group}_members WHERE user_id = $4) RETURNING id, {f1}, {f2}",')
    apply = (f"async def apply_change(pool, user_id: int, event: dict) -> dict:\n"
             f'    """Write one {item} change of a {group} member; raises LookupError for foreign {item}s."""\n'
             "    async with pool.acquire() as conn:\n"
             "        row = await conn.fetchrow(\n"
             f"            {sql}\n"
             f'            int(event["{a}"]), int(event["{b}"]), int(event["{item}"]), user_id)\n'
             "    if row is None:\n"
             f'        raise LookupError("no such {item}")\n'
             "    return dict(row)")

    def block(send, ind, user_id, cont):
        out = [f"except {errs_pg}{as_exc}:"] + ["    " + l.replace("SEND", send).replace("USER_ID", user_id)
                                                for l in handle] + ["    " + cont]
        return "\n".join(ind + l for l in out)

    if transport == "fastapi":
        imps = sorted(["import logging"] + simp) + ["", "import asyncpg",
                                                    "from fastapi import FastAPI, WebSocket, WebSocketDisconnect", "",
                                                    f"from {pkg}.auth import user_from_session",
                                                    f"from {pkg}.db import get_pool"]
        handler = (f'@app.websocket("/ws/{group}s/live")\n'
                   f"async def {group}_socket(websocket: WebSocket) -> None:\n"
                   '    user = await user_from_session(websocket.cookies.get("session"))\n'
                   "    if user is None:\n"
                   "        await websocket.close(code=4401)\n"
                   "        return\n"
                   "    await websocket.accept()\n"
                   "    pool = await get_pool()\n"
                   "    try:\n"
                   "        while True:\n"
                   "            event = await websocket.receive_json()\n"
                   "            try:\n"
                   "                changed = await apply_change(pool, user.id, event)\n"
                   + block("await websocket.send_json", "            ", "user.id", "continue") + "\n"
                   f'            await websocket.send_json({{"type": "{done}", "{item}": changed}})\n'
                   "    except WebSocketDisconnect:\n"
                   f'        {lg}.debug("user %s left", user.id)')
        return _joined(doc + "\n" + "\n".join(imps), f"{lg} = logging.getLogger(__name__)\napp = FastAPI()",
                       apply, handler), "fastapi"
    if transport == "aiohttp":
        imps = sorted(["import json", "import logging"] + simp) + ["", "import asyncpg",
                                                                   "from aiohttp import WSMsgType, web", "",
                                                                   f"from {pkg}.auth import authorized_user"]
        handler = (f"async def {group}_socket(request: web.Request) -> web.WebSocketResponse:\n"
                   "    user = await authorized_user(request)\n"
                   "    if user is None:\n"
                   "        raise web.HTTPUnauthorized()\n"
                   "    ws = web.WebSocketResponse(heartbeat=30)\n"
                   "    await ws.prepare(request)\n"
                   '    pool = request.app["pool"]\n'
                   "    async for msg in ws:\n"
                   "        if msg.type != WSMsgType.TEXT:\n"
                   "            continue\n"
                   "        try:\n"
                   "            changed = await apply_change(pool, user.id, json.loads(msg.data))\n"
                   + block("await ws.send_json", "        ", "user.id", "continue") + "\n"
                   f'        await ws.send_json({{"type": "{done}", "{item}": changed}})\n'
                   "    return ws")
        tail = ("async def open_pool(app: web.Application) -> None:\n"
                '    app["pool"] = await asyncpg.create_pool(dsn=os.environ["DATABASE_URL"])\n\n\n'
                "app = web.Application()\n"
                "app.on_startup.append(open_pool)\n"
                f'app.router.add_get("/ws/{group}s/live", {group}_socket)')
        imps = sorted(["import json", "import logging", "import os"] + simp) + imps[len(simp) + 2:]
        return _joined(doc + "\n" + "\n".join(imps), f"{lg} = logging.getLogger(__name__)", apply, handler,
                       tail), "aiohttp"
    # Django Channels consumer with the ORM
    model = item.capitalize()
    errs_dj = f"({model}.DoesNotExist, DatabaseError, KeyError, ValueError)"
    imps = sorted(["import logging"] + simp) + ["", "from channels.db import database_sync_to_async",
                                                "from channels.generic.websocket import AsyncJsonWebsocketConsumer",
                                                "from django.db import DatabaseError, transaction", "",
                                                f"from .models import {model}"]
    body = [f"except {errs_dj}{as_exc}:"] + ["    " + l.replace("SEND", "await self.send_json")
                                             .replace("USER_ID", 'self.scope["user"].pk') for l in handle] + ["    return"]
    cons = (f"class {group.capitalize()}Consumer(AsyncJsonWebsocketConsumer):\n"
            f'    """Live updates of one {group}: members change {item}s, everyone in the group sees it."""\n\n'
            "    async def connect(self):\n"
            '        if not self.scope["user"].is_authenticated:\n'
            "            await self.close(code=4401)\n"
            "            return\n"
            "        await self.accept()\n\n"
            "    @database_sync_to_async\n"
            "    def apply_change(self, event):\n"
            "        with transaction.atomic():\n"
            f'            obj = {model}.objects.select_for_update().get(pk=int(event["{item}"]), '
            f'{group}__members=self.scope["user"])\n'
            f'            obj.{f1} = int(event["{a}"])\n'
            f'            obj.{f2} = int(event["{b}"])\n'
            f'            obj.save(update_fields=["{a}", "{f2}"])\n'
            f'        return {{"id": obj.pk, "{f1}": obj.{f1}, "{f2}": obj.{f2}}}\n\n'
            "    async def receive_json(self, content, **kwargs):\n"
            "        try:\n"
            "            changed = await self.apply_change(content)\n"
            + "\n".join("        " + l for l in body) + "\n"
            f'        await self.send_json({{"type": "{done}", "{item}": changed}})')
    return _joined(doc + "\n" + "\n".join(imps), f"{lg} = logging.getLogger(__name__)", cons), "django"


@fam("l32prs-errors-websocket-exc-reply", "CWE-209", fws=["fastapi", "aiohttp", "django"], keys=["event"], n=8,
     wrap=False)
def errors_ws_reply(c):
    transport = c.fw
    fwl = {}

    def build(cc, safe):
        code, fwl["fw"] = _ws_errors_module(cc, transport, safe)
        return code

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw=fwl["fw"],
                notes="when the write fails the socket sends the exception itself to the client: database errors "
                      "carry table, column and constraint names and parts of the SQL (and a traceback carries file "
                      "paths and source lines), so any member can map the schema by sending bad events; the fix logs "
                      "the exception with a reference and sends a generic message")


@hardneg(4)
def errors_ws_reply_hn(c):
    code, fw = _ws_errors_module(c, c.fw, True)
    return Spec(s=code, full=True, fw=fw,
                notes="the exception is logged server-side (log.exception) and the client gets a generic message "
                      "with a reference")


# ---------------- CWE-209: GraphQL mutation turns the caught exception into the client error ----------------

_GQL_DOMAINS = [
    # (mutation, service function, service error, package, args (name, strawberry type, graphene type), generic)
    ("book_pickup", "schedule_pickup", "CarrierError", "shipping",
     [("order_id", "strawberry.ID", "graphene.ID"), ("carrier", "str", "graphene.String"),
      ("day", "str", "graphene.String")], "the pickup could not be booked"),
    ("refund_payment", "issue_refund", "GatewayError", "billing",
     [("payment_id", "strawberry.ID", "graphene.ID"), ("amount_cents", "int", "graphene.Int"),
      ("reason", "str", "graphene.String")], "the refund could not be issued"),
    ("import_feed", "import_catalogue_feed", "FeedError", "catalogue",
     [("feed_id", "strawberry.ID", "graphene.ID"), ("replace", "bool", "graphene.Boolean")],
     "the feed could not be imported"),
]


def _gql_module(c, lib, safe):
    mut, svc, err, pkg, args, generic = c.pick(*_GQL_DOMAINS)
    shape = c.pick("raise", "payload", "payload", "trace") if lib == "strawberry" else c.pick("raise", "payload", "trace")
    msg = c.pick("failed: ", "error: ", "")
    val = c.pick("str(exc)", "repr(exc)", f'f"{msg}{{exc}}"')
    lg = c.pick("log", "logger")
    Mut = "".join(p.capitalize() for p in mut.split("_"))
    argnames = ", ".join(a for a, _, _ in args)
    dberr = "asyncpg.PostgresError" if lib == "strawberry" else "DatabaseError"
    simp = ["import uuid"] if safe else (["import traceback"] if shape == "trace" else [])
    if safe:
        pre = ["ref = uuid.uuid4().hex[:10]",
               f'{lg}.exception("{mut} failed for user %s (ref %s)", USER, ref)']
        if shape == "payload":
            out = [f'return {Mut}Payload(ok=False, error="{generic} (ref " + ref + ")")'
                   if lib == "strawberry" else f'return {Mut}(ok=False, error="{generic} (ref " + ref + ")")']
        else:
            out = [f'raise GraphQLError("{generic}", extensions={{"ref": ref}})']
        handle, as_exc = pre + out, ""
    else:
        as_exc = " as exc"
        if shape == "payload":
            handle = [(f"return {Mut}Payload(ok=False, error={val})" if lib == "strawberry"
                       else f"return {Mut}(ok=False, error={val})") + "  #@V"]
        elif shape == "raise":
            handle = [f'raise GraphQLError(f"{generic}: {{exc}}")  #@V']
        else:
            handle = [f'raise GraphQLError("{generic}", extensions={{"traceback": traceback.format_exc()}})  #@V']
    if lib == "strawberry":
        inputs = "\n".join(f"    {a}: {t}" for a, t, _ in args)
        handle = [l.replace("USER", "request.user.id") for l in handle]
        ret = f"{Mut}Payload" if shape == "payload" else "Receipt"
        ok_ret = (f"return {Mut}Payload(ok=True, receipt=Receipt(id=strawberry.ID(str(done.id)), status=done.status))"
                  if shape == "payload" else "return Receipt(id=strawberry.ID(str(done.id)), status=done.status)")
        types = ("@strawberry.type\nclass Receipt:\n    id: strawberry.ID\n    status: str\n\n\n"
                 + (f"@strawberry.type\nclass {Mut}Payload:\n    ok: bool\n    receipt: Optional[Receipt] = None\n"
                    "    error: Optional[str] = None\n\n\n" if shape == "payload" else "")
                 + f"@strawberry.input\nclass {Mut}Input:\n{inputs}")
        mutation = ("@strawberry.type\nclass Mutation:\n"
                    "    @strawberry.mutation\n"
                    f"    async def {mut}(self, info: strawberry.Info, data: {Mut}Input) -> {ret}:\n"
                    '        request = info.context["request"]\n'
                    "        if not request.user.is_authenticated:\n"
                    '            raise GraphQLError("login required")\n'
                    "        try:\n"
                    f"            done = await {svc}(request.user.id, "
                    + ", ".join(f"data.{a}" for a, _, _ in args) + ")\n"
                    f"        except ({err}, {dberr}){as_exc}:\n"
                    + "\n".join("            " + l for l in handle) + "\n"
                    f"        {ok_ret}")
        query = ("@strawberry.type\nclass Query:\n    @strawberry.field\n    def version(self) -> str:\n"
                 '        return API_VERSION')
        imps = (sorted(["import logging"] + simp + (["from typing import Optional"] if shape == "payload" else []),
                       key=lambda l: (l.startswith("from"), l))
                + ["", "import asyncpg", "import strawberry", "from graphql import GraphQLError",
                   "from strawberry.asgi import GraphQL", "", f"from {pkg}.services import {err}, {svc}"])
        tail = "schema = strawberry.Schema(query=Query, mutation=Mutation)\napp = GraphQL(schema)"
        doc = f'"""GraphQL API of the {pkg} service (Strawberry on ASGI, behind the session middleware)."""'
        return _joined(doc + "\n" + "\n".join(imps), f'{lg} = logging.getLogger(__name__)\nAPI_VERSION = "{c.pick("2.3", "1.9", "3.0")}"',
                       types, query, mutation, tail), "strawberry"
    handle = [l.replace("USER", "user.pk") for l in handle]
    arg_lines = "\n".join(f"        {a} = {g}(required=True)" for a, _, g in args)
    mutation = (f"class {Mut}(graphene.Mutation):\n"
                "    class Arguments:\n"
                f"{arg_lines}\n\n"
                "    ok = graphene.Boolean()\n"
                "    receipt_id = graphene.ID()\n"
                + ("    error = graphene.String()\n" if shape == "payload" else "") + "\n"
                "    @staticmethod\n"
                f"    def mutate(root, info, {argnames}):\n"
                "        user = info.context.user\n"
                "        if not user.is_authenticated:\n"
                '            raise GraphQLError("login required")\n'
                "        try:\n"
                f"            done = {svc}(user, {argnames})\n"
                f"        except ({err}, {dberr}){as_exc}:\n"
                + "\n".join("            " + l for l in handle) + "\n"
                f"        return {Mut}(ok=True, receipt_id=done.id)")
    query = ("class Query(graphene.ObjectType):\n    version = graphene.String()\n\n"
             "    def resolve_version(root, info):\n        return API_VERSION")
    tail = (f"class Mutation(graphene.ObjectType):\n    {mut} = {Mut}.Field()\n\n\n"
            "schema = graphene.Schema(query=Query, mutation=Mutation)")
    imps = (sorted(["import logging"] + simp) + ["", "import graphene", "from django.db import DatabaseError",
                                                 "from graphql import GraphQLError", "",
                                                 f"from {pkg}.services import {err}, {svc}"])
    doc = f'"""GraphQL schema of the {pkg} app (graphene-django, served by GraphQLView at /graphql)."""'
    return _joined(doc + "\n" + "\n".join(imps), f'{lg} = logging.getLogger(__name__)\nAPI_VERSION = "{c.pick("2.3", "1.9", "3.0")}"',
                   query, mutation, tail), "graphene"


@fam("l32prs-errors-graphql-resolver-exc", "CWE-209", fws=["script"], keys=["data"], n=8, wrap=False)
def errors_graphql_resolver(c):
    lib = c.pick("strawberry", "strawberry", "graphene")
    fwl = {}

    def build(cc, safe):
        code, fwl["fw"] = _gql_module(cc, lib, safe)
        return code

    v, s = _replayed(c, build)
    return Spec(v=v, s=s, full=True, fw=fwl["fw"],
                notes="the mutation catches the service / database exception and hands its text (or a formatted "
                      "traceback in the error extensions) to the GraphQL client: provider errors carry upstream URLs, "
                      "account ids and raw responses, database errors the SQL and constraint names; the fix logs the "
                      "exception with a reference and returns a generic message")


@hardneg(4)
def errors_graphql_resolver_hn(c):
    lib = c.pick("strawberry", "graphene")
    code, fw = _gql_module(c, lib, True)
    return Spec(s=code, full=True, fw=fw,
                notes="the exception is logged with log.exception; the client gets a generic message and a reference")
