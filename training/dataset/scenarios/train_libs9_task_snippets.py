"""Train-only task-style snippet families: the small feature someone writes when asked for it, a
function with a one-line docstring stating the task and a route (or script) calling it, written
plainly with the most common APIs. Each family renders several different tasks with the same
weakness, not renamings of one snippet:

- pt-task-formatted-path (22): a file path built by string formatting from a directory constant, the
  request value and an extension (avatar, day log, note, CSV report, locale file), no os.path.join;
- cmdi-task-popen-shell-tool (78): subprocess.Popen(..., shell=True) around a network or text tool
  (ping, traceroute, whois, dig, figlet, qrencode), output read with communicate / stdout.read;
- xss-task-page-placeholder (79): an HTML page (constant or read from a file) whose placeholder is
  filled with str.replace from the request (search echo, unsubscribe notice, comment preview, share page);
- sqli-task-exists-check (89): yes/no and count checks (user name taken, subscriber, coupon, stock)
  formatted into the SQL of a sqlite3 or MySQLdb cursor;
- deser-task-client-state-token (502): state handed to the client and read back (pagination cursor,
  form state, filter preset, undo snapshot) through pickle or PyYAML's unsafe loaders;
- crypto-task-rsa-pkcs1v15 (327): RSA encryption / decryption with PKCS#1 v1.5 padding
  (PyCryptodome PKCS1_v1_5, cryptography padding.PKCS1v15) instead of OAEP.

Written without reading the held-out families; every family here goes to train."""
from core import Spec, shell
from module_kit import _ind
from registry import hardneg, fam, WEB_FWS


def _pair(c, body, hv, hs, imports="", vimports="", simports="", notes="", ret="result", raw=False):
    """Both modules through the framework shell with different module-level helpers; the shell's
    draws are replayed for the twin so the pair differs only in the fix."""
    c.n("handler"), c.n("result")
    st = c.snapshot()
    vm = shell(c, body, Spec(helpers=hv, ret=ret, raw=raw), imports + "\n" + vimports)
    c.restore(st)
    sm = shell(c, body, Spec(helpers=hs, ret=ret, raw=raw), imports + "\n" + simports)
    return Spec(v=vm, s=sm, full=True, notes=notes)


def _one(c, body, helpers, imports="", notes="", ret="result", raw=False):
    c.n("handler"), c.n("result")
    return Spec(s=shell(c, body, Spec(helpers=helpers, ret=ret, raw=raw), imports), full=True, notes=notes)


def _style(c):
    return c.pick("fstring", "format", "concat")


# ---------------- CWE-22: path built by formatting a directory, the value and an extension ----------------


def _pt_task(c):
    """(const, fn name, param, docstring, path template, path vars, open args, read block, body, imports)."""
    k = c.key
    if k == "username":
        d = c.pick("static/avatars", "media/avatars", "/srv/app/avatars")
        return dict(const=f'AVATAR_DIR = "{d}"', fn=c.pick("read_avatar", "avatar_bytes", "load_avatar"),
                    p="username", doc="Return the avatar file for the given user name.",
                    tpl="{}/{}." + c.pick("png", "jpg"), vars=("AVATAR_DIR", "username"), mode='"rb"',
                    read="return fh.read()", body=f"data = {{fn}}({c.x})\nresult = base64.b64encode(data).decode()",
                    imps="import base64")
    if k == "day":
        d = c.pick("logs", "/var/log/app", "data/logs")
        tail = c.pick("50", "100", "200")
        return dict(const=f'LOG_DIR = "{d}"', fn=c.pick("read_day_log", "log_for_day", "day_log_lines"),
                    p="day", doc="Return the lines of the application log for the given day.",
                    tpl="{}/" + c.pick("app-", "access-", "") + "{}.log", vars=("LOG_DIR", "day"),
                    mode='encoding="utf-8"', read="return fh.read().splitlines()",
                    body=f"lines = {{fn}}({c.x})\nresult = lines[-{tail}:]", imps="")
    if k == "title":
        d = c.pick("notes", "data/notes", "/srv/notes")
        return dict(const=f'NOTES_DIR = "{d}"', fn=c.pick("create_note", "new_note_file", "start_note"),
                    p="title", doc="Create a new note file with the given title and return its path.",
                    tpl="{}/{}." + c.pick("md", "txt"), vars=("NOTES_DIR", "title"),
                    mode='"w", encoding="utf-8"', read='fh.write("# " + title + "\\n\\n")\nreturn path',
                    body=f"result = {{fn}}({c.x})", imps="")
    if k == "report":
        d = c.pick("reports", "exports", "/srv/reports")
        return dict(const=f'REPORT_DIR = "{d}"', fn=c.pick("report_rows", "read_report", "load_report_csv"),
                    p="report", doc="Return the rows of the named CSV report.",
                    tpl="{}/{}.csv", vars=("REPORT_DIR", "report"), mode='newline=""',
                    read="return list(csv.reader(fh))", body=f"rows = {{fn}}({c.x})\nresult = rows[:{c.pick(100, 500)}]",
                    imps="import csv")
    d = c.pick("locales", "i18n", "static/lang")
    return dict(const=f'LOCALE_DIR = "{d}"', fn=c.pick("load_messages", "translations_for", "locale_strings"),
                p="lang", doc="Return the translated UI strings for the requested language.",
                tpl="{}/{}.json", vars=("LOCALE_DIR", "lang"), mode='encoding="utf-8"',
                read="return json.load(fh)", body=f"result = {{fn}}({c.x})", imps="import json")


def _pt_fix(c, t):
    p = t["p"]
    if p == "day":
        return c.pick(f"{p} = date.fromisoformat({p}).isoformat()",
                      f"{p} = datetime.strptime({p}, \"%Y-%m-%d\").strftime(\"%Y-%m-%d\")"), None
    if p == "lang":
        return f'if {p} not in SUPPORTED_LANGS:\n    {p} = "en"', 'SUPPORTED_LANGS = {"en", "de", "fr", "es", "it"}'
    return c.pick(f"{p} = os.path.basename({p})",
                  f'if not re.fullmatch(r"[A-Za-z0-9_-]{{1,64}}", {p}):\n    raise ValueError("invalid {p}")'), None


@fam("pt-task-formatted-path", "CWE-22", fws=["flask", "django", "fastapi", "aiohttp", "script", "cli"],
     keys=["username", "day", "title", "report", "lang"], n=8, wrap=False)
def pt_task_formatted_path(c):
    t = _pt_task(c)
    p = t["p"]
    pathexpr = c.fmt(t["tpl"], *t["vars"], style=_style(c))
    split = c.pick(True, False) or p == "title"
    fix, extra_const = _pt_fix(c, t)

    def fn(safe):
        lines = [f"def {t['fn']}({p}):", f'    """{t["doc"]}"""']
        if safe:
            lines.append(_ind(fix))
        if split:
            lines.append(f"    path = {pathexpr}" + ("" if safe else "  #@V"))
            lines.append(f"    with open(path, {t['mode']}) as fh:" + ("" if safe else "  #@V"))
        else:
            lines.append(f"    with open({pathexpr}, {t['mode']}) as fh:" + ("" if safe else "  #@V"))
        lines.append(_ind(t["read"], 8))
        consts = t["const"] + (("\n" + extra_const) if safe and extra_const else "")
        return consts + "\n\n\n" + "\n".join(lines)

    simps = ""
    if "date.fromisoformat" in fix:
        simps = "from datetime import date"
    elif "strptime" in fix:
        simps = "from datetime import datetime"
    elif "basename" in fix:
        simps = "import os"
    elif "re.fullmatch" in fix:
        simps = "import re"
    body = t["body"].replace("{fn}", t["fn"])
    return _pair(c, body, fn(False), fn(True), imports=t["imps"], simports=simps,
                 notes=f"the {p} from the request is formatted into the path between a directory and an extension; "
                       "'../' sequences leave the directory, so files outside it are read or written; the fix reduces "
                       "the value to a plain name (basename, a strict pattern, a parsed date or an allow-list) before "
                       "it becomes part of the path")


@hardneg(4)
def pt_task_formatted_path_hn(c):
    shape = c.pick("lang", "day", "digest", "int")
    if shape == "lang":
        h = ('LOCALE_DIR = "locales"\nSUPPORTED_LANGS = {"en": "en", "de": "de", "fr": "fr", "pt-br": "pt_BR"}\n\n\n'
             "def load_messages(lang):\n"
             '    """Return the translated UI strings for the requested language."""\n'
             '    code = SUPPORTED_LANGS.get(lang.lower(), "en")\n'
             '    with open(f"{LOCALE_DIR}/{code}.json", encoding="utf-8") as fh:\n'
             "        return json.load(fh)")
        return _one(c, f"result = load_messages({c.x})", h, "import json",
                    notes="the file name comes from an allow-list mapping, never from the request text")
    if shape == "day":
        h = ('LOG_DIR = "logs"\n\n\n'
             "def read_day_log(day):\n"
             '    """Return the lines of the application log for the given day."""\n'
             "    stamp = date.fromisoformat(day)\n"
             '    with open(LOG_DIR + "/app-" + stamp.isoformat() + ".log", encoding="utf-8") as fh:\n'
             "        return fh.read().splitlines()")
        return _one(c, f"result = read_day_log({c.x})[-100:]", h, "from datetime import date",
                    notes="the day is parsed as a date and re-formatted, so only YYYY-MM-DD reaches the path")
    if shape == "digest":
        h = ('CACHE_DIR = "cache/previews"\n\n\n'
             "def cached_preview(url):\n"
             '    """Return the cached preview text stored for the given URL, or None."""\n'
             "    key = hashlib.sha256(url.encode()).hexdigest()\n"
             '    path = f"{CACHE_DIR}/{key}.txt"\n'
             "    if not os.path.exists(path):\n"
             "        return None\n"
             '    with open(path, encoding="utf-8") as fh:\n'
             "        return fh.read()")
        return _one(c, f"result = cached_preview({c.x})", h, "import hashlib\nimport os",
                    notes="the file is named by the SHA-256 hex digest of the value, which cannot contain a separator")
    h = ('INVOICE_DIR = "invoices"\n\n\n'
         "def invoice_text(number):\n"
         '    """Return the text of the invoice with the given number."""\n'
         '    with open("%s/%06d.txt" % (INVOICE_DIR, int(number)), encoding="utf-8") as fh:\n'
         "        return fh.read()")
    return _one(c, f"result = invoice_text({c.x})", h,
                notes="the number is converted with int() and formatted with %06d, so only digits reach the path")


# ---------------- CWE-78: Popen(shell=True) around a network or text tool ----------------


def _cmd_task(c):
    k = c.key
    if k == "host":
        tool = c.pick("ping", "traceroute")
        if tool == "ping":
            n = c.pick("3", "4", "1")
            return dict(fn=c.pick("ping_host", "run_ping", "check_reachable"), p="host",
                        doc="Run the ping utility on the given host and return its output.",
                        tpl=f"ping -c {n} {{}}", argv=f'["ping", "-c", "{n}", "--", host]', kind="host")
        return dict(fn=c.pick("trace_route", "run_traceroute"), p="host",
                    doc="Return the traceroute output for the given host.",
                    tpl="traceroute -m 20 {}", argv='["traceroute", "-m", "20", host]', kind="host")
    if k == "domain":
        tool = c.pick("whois", "dig", "nslookup")
        if tool == "whois":
            return dict(fn=c.pick("whois_lookup", "domain_whois"), p="domain",
                        doc="Return the whois record of the given domain.",
                        tpl="whois {}", argv='["whois", "--", domain]', kind="host")
        if tool == "dig":
            rt = c.pick("MX", "TXT", "NS")
            return dict(fn=c.pick(f"{rt.lower()}_records", "dns_lookup"), p="domain",
                        doc=f"Return the {rt} records of the given domain.",
                        tpl=f"dig +short {rt} {{}}", argv=f'["dig", "+short", "{rt}", domain]', kind="host")
        return dict(fn=c.pick("resolve_name", "nslookup_domain"), p="domain",
                    doc="Return the nslookup answer for the given domain.",
                    tpl="nslookup {}", argv='["nslookup", domain]', kind="host")
    tool = c.pick("figlet", "qrencode")
    if tool == "figlet":
        w = c.pick("60", "80", "100")
        return dict(fn=c.pick("banner_text", "ascii_banner", "make_banner"), p="text",
                    doc="Return the given text rendered as an ASCII-art banner.",
                    tpl=f"figlet -w {w} {{}}", argv=f'["figlet", "-w", "{w}"]', kind="stdin")
    return dict(fn=c.pick("qr_for_text", "terminal_qr"), p="text",
                doc="Return the QR code of the given text as terminal art.",
                tpl="qrencode -t UTF8 -o - {}", argv='["qrencode", "-t", "UTF8", "-o", "-"]', kind="stdin")


@fam("cmdi-task-popen-shell-tool", "CWE-78", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["host", "domain", "text"], n=8, wrap=False)
def cmdi_task_popen(c):
    t = _cmd_task(c)
    p = t["p"]
    cmdexpr = c.fmt(t["tpl"], p, style=_style(c))
    split = c.pick(True, False)
    read = c.pick("communicate", "with", "returncode")
    imp_style = c.pick("module", "names")
    P = "Popen" if imp_style == "names" else "subprocess.Popen"
    PIPE = "PIPE" if imp_style == "names" else "subprocess.PIPE"
    STDOUT = "STDOUT" if imp_style == "names" else "subprocess.STDOUT"
    names = "PIPE, Popen" if read == "with" else "PIPE, STDOUT, Popen"
    imports = f"from subprocess import {names}" if imp_style == "names" else "import subprocess"

    def popen(args, shell, stdin):
        kw = ", shell=True" if shell else ""
        sin = f", stdin={PIPE}" if stdin else ""
        if read == "communicate":
            return f"{P}({args}{kw}{sin}, stdout={PIPE}, stderr={STDOUT}, text=True)"
        if read == "with":
            return f"{P}({args}{kw}{sin}, stdout={PIPE})"
        return f"{P}({args}{kw}{sin}, stdout={PIPE}, stderr={STDOUT})"

    def fn(safe):
        V = "" if safe else "  #@V"
        lines = [f"def {t['fn']}({p}):", f'    """{t["doc"]}"""']
        stdin = safe and t["kind"] == "stdin"
        if safe and t["kind"] == "host":
            lines.append(f"    if not HOST_RE.fullmatch({p}):")
            lines.append(f'        raise ValueError("invalid {p}")')
        if safe:
            args = t["argv"]
        elif split:
            lines.append(f"    cmd = {cmdexpr}{V}")
            args = "cmd"
        else:
            args = cmdexpr
        inp = f"input={p}" if stdin else ""
        if read == "communicate":
            lines.append(f"    proc = {popen(args, not safe, stdin)}{V}")
            lines.append(f"    out, _ = proc.communicate({inp + ', ' if inp else ''}timeout=30)")
            lines.append("    return out")
        elif read == "with":
            lines.append(f"    with {popen(args, not safe, stdin)} as proc:{V}")
            if stdin:
                lines.append(f"        out, _ = proc.communicate({p}.encode(), timeout=30)")
                lines.append('        return out.decode(errors="replace")')
            else:
                lines.append('        return proc.stdout.read().decode(errors="replace")')
        else:
            lines.append(f"    proc = {popen(args, not safe, stdin)}{V}")
            lines.append(f"    output = proc.communicate({p + '.encode()' if stdin else ''})[0]")
            lines.append('    return {"exit_code": proc.returncode, "output": output.decode(errors="replace")}')
        consts = ('HOST_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}")\n\n\n'
                  if safe and t["kind"] == "host" else "")
        return consts + "\n".join(lines)

    body = f"result = {t['fn']}({c.x})"
    simports = "import re" if t["kind"] == "host" else ""
    return _pair(c, body, fn(False), fn(True), imports=imports, simports=simports,
                 notes=f"the {p} is formatted into a command line that Popen runs through /bin/sh (shell=True), so "
                       "';', '|', '$(...)' or backticks in it run further commands; the fix passes an argument list "
                       "without a shell" + (" and checks the value is a plain host name" if t["kind"] == "host"
                                            else " and hands the text to the tool on stdin"))


@hardneg(4)
def cmdi_task_popen_hn(c):
    shape = c.pick("stdin", "ip", "const")
    if shape == "stdin":
        h = ("def banner_text(text):\n"
             '    """Return the given text rendered as an ASCII-art banner."""\n'
             '    proc = subprocess.Popen(["figlet", "-w", "80"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)\n'
             "    out, _ = proc.communicate(text, timeout=30)\n"
             "    return out")
        return _one(c, f"result = banner_text({c.x})", h, "import subprocess",
                    notes="fixed argument list, the user text only reaches figlet on stdin")
    if shape == "ip":
        h = ("def ping_host(host):\n"
             '    """Run the ping utility on the given host and return its output."""\n'
             "    addr = ipaddress.ip_address(host)\n"
             '    proc = subprocess.Popen(["ping", "-c", "3", str(addr)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)\n'
             "    output = proc.communicate(timeout=30)[0]\n"
             '    return output.decode(errors="replace")')
        return _one(c, f"result = ping_host({c.x})", h, "import ipaddress\nimport subprocess",
                    notes="the value is parsed as an IP address and passed as one argv element, no shell")
    h = ("def whois_lookup(domain):\n"
         '    """Return the whois record of the given domain."""\n'
         '    with subprocess.Popen(["whois", "--", domain], stdout=subprocess.PIPE) as proc:\n'
         '        return proc.stdout.read().decode(errors="replace")')
    return _one(c, f"result = whois_lookup({c.x})", h, "import subprocess",
                notes="argument list without a shell, the domain is one argv element after '--'")


# ---------------- CWE-79: HTML page with a placeholder filled by str.replace ----------------


def _xss_task(c):
    k = c.key
    ph = c.pick("{{%s}}", "%%%s%%", "__%s__")
    if k == "q":
        n = ph % "QUERY" if "%%" not in ph else "%QUERY%"
        return dict(fn=c.pick("search_page", "render_search", "results_page"), p="query",
                    doc="Return the search page showing the query the user typed.", ph=n,
                    html=f'<html><head><title>Search</title></head><body>\n<form action="/search"><input name="q"></form>\n'
                         f'<p>Results for <b>{n}</b></p>\n<div id="results"></div>\n</body></html>')
    if k == "email":
        n = ph % "EMAIL" if "%%" not in ph else "%EMAIL%"
        return dict(fn=c.pick("unsubscribe_page", "unsubscribed_notice"), p="email",
                    doc="Return the page confirming that the email address was unsubscribed.", ph=n,
                    html=f"<html><body>\n<h1>You have been unsubscribed</h1>\n<p>{n} will no longer receive our newsletter.</p>\n"
                         f'<a href="/">Back to the shop</a>\n</body></html>')
    if k == "comment":
        n = ph % "COMMENT" if "%%" not in ph else "%COMMENT%"
        return dict(fn=c.pick("comment_preview", "preview_comment"), p="comment",
                    doc="Return a preview of the posted comment before it is saved.", ph=n,
                    html=f'<html><body>\n<h2>Preview</h2>\n<div class="comment">{n}</div>\n'
                         f'<form method="post" action="/comments"><button>Publish</button></form>\n</body></html>')
    n = ph % "MESSAGE" if "%%" not in ph else "%MESSAGE%"
    return dict(fn=c.pick("share_page", "shared_message_page"), p="message",
                doc="Return the share page showing the message from the link.", ph=n,
                html=f'<html><body>\n<div class="card">\n<p class="msg">{n}</p>\n'
                     f'<p>Sent with <a href="/">Postcards</a></p>\n</div>\n</body></html>')


def _xss_resp(c):
    fw = c.fw
    if fw == "flask":
        if c.pick(True, False):
            return 'resp = Response(page, mimetype="text/html")', "from flask import Response"
        return "resp = make_response(page)", "from flask import make_response"
    if fw == "django":
        return "resp = HttpResponse(page)", "from django.http import HttpResponse"
    if fw == "fastapi":
        return "resp = HTMLResponse(page)", "from fastapi.responses import HTMLResponse"
    return 'resp = web.Response(text=page, content_type="text/html")', ""


@fam("xss-task-page-placeholder", "CWE-79", fws=WEB_FWS, keys=["q", "email", "comment", "message"], n=8, wrap=False)
def xss_task_placeholder(c):
    # reflected XSS needs a value a link or a cross-site form can carry: no header / cookie / JSON sources
    c.src = c.pick(*{"flask": ["args", "form"], "django": ["args", "form"], "fastapi": ["query"],
                     "aiohttp": ["args", "form", "match"]}[c.fw])
    t = _xss_task(c)
    p = t["p"]
    src = c.pick("const", "file")
    esc = c.pick("html", "markupsafe")
    e = "html.escape" if esc == "html" else "escape"
    # drawn once, outside fn, so the twin differs from the vulnerable page only in the escape
    page_dir = c.pick("templates", "pages", "static/html")

    def fn(safe):
        val = f"{e}({p})" if safe else p
        V = "" if safe else "  #@V"
        lines = [f"def {t['fn']}({p}):", f'    """{t["doc"]}"""']
        if src == "const":
            head = "PAGE = \"\"\"" + t["html"] + "\"\"\""
            lines.append(f'    return PAGE.replace("{t["ph"]}", {val}){V}')
        else:
            head = f'PAGE_FILE = "{page_dir}/{t["fn"]}.html"'
            lines.append('    with open(PAGE_FILE, encoding="utf-8") as fh:')
            lines.append("        page = fh.read()")
            lines.append(f'    return page.replace("{t["ph"]}", {val}){V}')
        return head + "\n\n\n" + "\n".join(lines)

    resp, rimp = _xss_resp(c)
    body = f"page = {t['fn']}({c.x})\n{resp}  #@V"
    simports = "import html" if esc == "html" else "from markupsafe import escape"
    return _pair(c, body, fn(False), fn(True), imports=rimp, simports=simports, ret="resp", raw=True,
                 notes=f"the {p} from the request replaces a placeholder of an HTML page as is and the page is sent "
                       "as text/html, so markup in it (<script>, <img onerror=...>) runs in the visitor's browser; "
                       "the fix escapes the value before it is put into the page")


@hardneg(4)
def xss_task_placeholder_hn(c):
    resp, rimp = _xss_resp(c)
    shape = c.pick("escape", "count")
    if shape == "escape":
        h = ('PAGE = """<html><body>\n<h1>You have been unsubscribed</h1>\n<p>{{EMAIL}} will no longer receive our '
             'newsletter.</p>\n</body></html>"""\n\n\n'
             "def unsubscribe_page(email):\n"
             '    """Return the page confirming that the email address was unsubscribed."""\n'
             '    return PAGE.replace("{{EMAIL}}", html.escape(email))')
        return _one(c, f"page = unsubscribe_page({c.x})\n{resp}", h, "import html\n" + rimp, ret="resp", raw=True,
                    notes="placeholder filled with html.escape of the value")
    h = ('PAGE = """<html><body>\n<p>Found %COUNT% results.</p>\n<p>%ELAPSED% ms</p>\n</body></html>"""\n\n\n'
         "def results_summary(query):\n"
         '    """Return the page telling how many results the query found."""\n'
         "    started = time.perf_counter()\n"
         "    count = len(search(query))\n"
         "    elapsed = int((time.perf_counter() - started) * 1000)\n"
         '    return PAGE.replace("%COUNT%", str(int(count))).replace("%ELAPSED%", str(elapsed))')
    return _one(c, f"page = results_summary({c.x})\n{resp}", h, "import time\nfrom search_index import search\n" + rimp,
                ret="resp", raw=True, notes="only integers are put into the page, never the query text")


# ---------------- CWE-89: yes/no and count checks formatted into SQL ----------------


def _sql_task(c):
    k = c.key
    if k == "username":
        return dict(fn=c.pick("username_taken", "is_username_taken"), p="username",
                    doc="Return True if the user name is already taken.",
                    sql="SELECT 1 FROM users WHERE username = '{}'", sqlp="SELECT 1 FROM users WHERE username = {ph}",
                    ret="return {cur}.fetchone() is not None")
    if k == "email":
        return dict(fn=c.pick("is_subscribed", "on_newsletter"), p="email",
                    doc="Return True if the email address is on the newsletter list.",
                    sql="SELECT COUNT(*) FROM subscribers WHERE email = '{}'",
                    sqlp="SELECT COUNT(*) FROM subscribers WHERE email = {ph}",
                    ret="return {cur}.fetchone()[0] > 0")
    if k == "coupon":
        return dict(fn=c.pick("coupon_is_valid", "check_coupon"), p="code",
                    doc="Return True if the coupon code exists and has not been used.",
                    sql="SELECT used FROM coupons WHERE code = '{}' AND expires_at > CURRENT_TIMESTAMP",
                    sqlp="SELECT used FROM coupons WHERE code = {ph} AND expires_at > CURRENT_TIMESTAMP",
                    ret="row = {cur}.fetchone()\nreturn row is not None and not row[0]")
    return dict(fn=c.pick("units_in_stock", "stock_level"), p="sku",
                doc="Return the number of units in stock for the product code.",
                sql="SELECT quantity FROM stock WHERE sku = '{}'", sqlp="SELECT quantity FROM stock WHERE sku = {ph}",
                ret="row = {cur}.fetchone()\nreturn row[0] if row else 0")


@fam("sqli-task-exists-check", "CWE-89", fws=["flask", "django", "fastapi", "aiohttp", "cli", "pipeline"],
     keys=["username", "email", "coupon", "sku"], n=8, wrap=False)
def sqli_task_exists(c):
    t = _sql_task(c)
    p, cur = t["p"], c.n("cur")
    db = c.pick("sqlite", "mysql")
    ph = "?" if db == "sqlite" else "%s"
    sql = c.fmt(t["sql"], p, style=_style(c))
    split = c.pick(True, False)
    conn_shape = c.pick("closing", "finally") if db == "sqlite" else "finally"
    ret = t["ret"].replace("{cur}", cur)

    def fn(safe):
        V = "" if safe else "  #@V"
        lines = [f"def {t['fn']}({p}):", f'    """{t["doc"]}"""']
        inner = []
        if safe:
            inner.append(f'{cur}.execute("{t["sqlp"].replace("{ph}", ph)}", ({p},))')
        elif split:
            inner.append(f"query = {sql}{V}")
            inner.append(f"{cur}.execute(query){V}")
        else:
            inner.append(f"{cur}.execute({sql}){V}")
        inner += ret.split("\n")
        if db == "sqlite" and conn_shape == "closing":
            lines.append("    with closing(sqlite3.connect(DB_PATH)) as conn:")
            lines.append(f"        {cur} = conn.cursor()")
            lines += ["        " + l for l in inner]
        else:
            if db == "sqlite":
                lines.append("    conn = sqlite3.connect(DB_PATH)")
            else:
                lines.append('    conn = MySQLdb.connect(host=DB_HOST, user="shop", passwd=os.environ["DB_PASSWORD"], db="shop")')
            lines.append("    try:")
            lines.append(f"        {cur} = conn.cursor()")
            lines += ["        " + l for l in inner]
            lines.append("    finally:")
            lines.append("        conn.close()")
        return "\n".join(lines)

    if db == "sqlite":
        const = f'DB_PATH = "{c.pick("shop.db", "app.sqlite3", "/var/lib/shop/shop.db")}"'
        imports = "import sqlite3" + ("\nfrom contextlib import closing" if conn_shape == "closing" else "")
    else:
        const = 'DB_HOST = os.environ.get("DB_HOST", "localhost")'
        imports = "import os\nimport MySQLdb"
    body = f"result = {t['fn']}({c.x})"
    return _pair(c, body, const + "\n\n\n" + fn(False), const + "\n\n\n" + fn(True), imports=imports,
                 notes=f"the {p} is formatted into the SQL text between quotes, so a quote in it ends the literal and "
                       "the rest is SQL (' OR '1'='1 turns the check true, UNION reads other tables); the fix passes "
                       f"it as a bound parameter ({ph})")


@hardneg(4)
def sqli_task_exists_hn(c):
    shape = c.pick("table", "mysql")
    if shape == "table":
        h = ('DB_PATH = "shop.db"\nTABLES = {"user": "users", "team": "teams"}\n\n\n'
             'def name_taken(name, kind="user"):\n'
             '    """Return True if the name is already used by a user or a team."""\n'
             "    table = TABLES[kind]\n"
             "    with closing(sqlite3.connect(DB_PATH)) as conn:\n"
             '        row = conn.execute(f"SELECT 1 FROM {table} WHERE name = ?", (name,)).fetchone()\n'
             "    return row is not None")
        return _one(c, f"result = name_taken({c.x})", h, "import sqlite3\nfrom contextlib import closing",
                    notes="the f-string only inserts a table name from a fixed mapping; the value is a bound parameter")
    h = ('DB_HOST = os.environ.get("DB_HOST", "localhost")\n\n\n'
         "def is_subscribed(email):\n"
         '    """Return True if the email address is on the newsletter list."""\n'
         '    conn = MySQLdb.connect(host=DB_HOST, user="shop", passwd=os.environ["DB_PASSWORD"], db="shop")\n'
         "    try:\n"
         "        cur = conn.cursor()\n"
         '        cur.execute("SELECT COUNT(*) FROM subscribers WHERE email = %s", (email.lower(),))\n'
         "        return cur.fetchone()[0] > 0\n"
         "    finally:\n"
         "        conn.close()")
    return _one(c, f"result = is_subscribed({c.x})", h, "import os\nimport MySQLdb",
                notes="MySQLdb %s placeholder with the value passed as the parameters tuple, not with the % operator")


# ---------------- CWE-502: client-held state read back with pickle / PyYAML unsafe loaders ----------------


def _state_task(c):
    k = c.key
    if k == "cursor":
        return dict(enc=c.pick("encode_cursor", "make_cursor"), dec=c.pick("decode_cursor", "read_cursor"), p="cursor",
                    doc_e="Return an opaque cursor for the next page.", doc_d="Return the paging state of a cursor.",
                    body='pos = {dec}({x})\nstart = int(pos["offset"])\nitems = list(range(start, start + 20))\n'
                         'result = {{"items": items, "next": {enc}({{"offset": start + 20, "sort": pos["sort"]}})}}')
    if k == "state":
        return dict(enc=c.pick("dump_form_state", "pack_wizard_state"), dec=c.pick("load_form_state", "unpack_wizard_state"),
                    p="state", doc_e="Serialize the multi-step form state for the hidden field.",
                    doc_d="Restore the multi-step form state from the hidden field.",
                    body='data = {dec}({x})\nstep = int(data.get("step", 1)) + 1\n'
                         'result = {{"step": step, "state": {enc}(dict(data, step=step))}}')
    if k == "preset":
        return dict(enc=c.pick("export_preset", "share_filter_preset"), dec=c.pick("import_preset", "load_filter_preset"),
                    p="preset", doc_e="Return the filter preset as a string the client can keep.",
                    doc_d="Load the saved filter preset sent by the client.",
                    body='filters = {dec}({x})\nresult = {{"status": filters.get("status", "open"), '
                         '"tags": list(filters.get("tags", []))}}')
    return dict(enc=c.pick("pack_snapshot", "snapshot_token"), dec=c.pick("restore_snapshot", "unpack_snapshot"),
                p="snapshot", doc_e="Pack the editor document into an undo snapshot for the client.",
                doc_d="Restore the editor's undo snapshot posted by the client.",
                body='doc = {dec}({x})\nresult = {{"title": doc["title"], "blocks": len(doc["blocks"])}}')


@fam("deser-task-client-state-token", "CWE-502", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["cursor", "state", "preset", "snapshot"], n=8, wrap=False)
def deser_task_state(c):
    t = _state_task(c)
    p = t["p"]
    fmt = c.pick("pickle", "pickle", "yaml")
    enc = c.pick("b64", "hex", "b64std")
    if enc == "b64":
        wrap_out, wrap_in, eimps = "base64.urlsafe_b64encode({}).decode()", "base64.urlsafe_b64decode({})", "import base64"
    elif enc == "hex":
        wrap_out, wrap_in, eimps = "{}.hex()", "bytes.fromhex({})", ""
    else:
        wrap_out, wrap_in, eimps = "base64.b64encode({}).decode()", "base64.b64decode({})", "import base64"
    if fmt == "pickle":
        dump_v, dump_s = "pickle.dumps(obj)", "json.dumps(obj).encode()"
        load_v = "pickle.loads(" + wrap_in.format(p) + ")"
        load_s = "json.loads(" + wrap_in.format(p) + ")"
        vimps, simps = "import pickle", "import json"
    else:
        dump_v = dump_s = "yaml.safe_dump(obj).encode()"
        inner = wrap_in.format(p) + ".decode()"
        load_v = c.pick(f"yaml.load({inner}, Loader=yaml.Loader)", f"yaml.unsafe_load({inner})",
                        f"yaml.load({inner}, Loader=yaml.UnsafeLoader)")
        load_s = f"yaml.safe_load({inner})"
        vimps = simps = ""
        eimps += "\nimport yaml"

    def fns(safe):
        dump = dump_s if safe else dump_v
        load = load_s if safe else load_v
        V = "" if safe else "  #@V"
        e = (f"def {t['enc']}(obj):\n    \"\"\"{t['doc_e']}\"\"\"\n"
             f"    return {wrap_out.format(dump)}")
        d = (f"def {t['dec']}({p}):\n    \"\"\"{t['doc_d']}\"\"\"\n"
             f"    return {load}{V}")
        return "\n\n\n".join(c2 for c2 in ((e, d) if order else (d, e)))

    order = c.pick(True, False)
    body = t["body"].format(dec=t["dec"], enc=t["enc"], x=c.x)
    return _pair(c, body, fns(False), fns(True), imports=eimps, vimports=vimps, simports=simps,
                 notes=f"the {p} is state the server handed to the client and reads back; it is decoded and "
                       + ("unpickled, and a crafted pickle runs code on load (__reduce__)" if fmt == "pickle" else
                          "loaded with a PyYAML loader that builds arbitrary Python objects (!!python/object/apply runs code)")
                       + "; the fix stores plain data: " + ("JSON" if fmt == "pickle" else "yaml.safe_load"))


@hardneg(4)
def deser_task_state_hn(c):
    shape = c.pick("yaml_b64", "yaml_hex")
    if shape == "yaml_b64":
        h = ("def import_preset(preset):\n"
             '    """Load the saved filter preset sent by the client."""\n'
             "    text = base64.urlsafe_b64decode(preset).decode()\n"
             "    data = yaml.safe_load(text) or {}\n"
             "    if not isinstance(data, dict):\n"
             '        raise ValueError("preset must be a mapping")\n'
             "    return data")
        body = f'filters = import_preset({c.x})\nresult = {{"status": filters.get("status", "open")}}'
        return _one(c, body, h, "import base64\nimport yaml", notes="client YAML parsed with yaml.safe_load (plain data only)")
    h = ("def load_form_state(state):\n"
         '    """Restore the multi-step form state from the hidden field."""\n'
         "    return yaml.load(bytes.fromhex(state).decode(), Loader=yaml.SafeLoader)")
    body = f'data = load_form_state({c.x})\nresult = {{"step": int(data.get("step", 1))}}'
    return _one(c, body, h, "import yaml", notes="yaml.load with the SafeLoader builds only plain data")


# ---------------- CWE-327: RSA encryption with PKCS#1 v1.5 padding ----------------


def _rsa_task(c):
    k = c.key
    if k == "card_number":
        return dict(fn=c.pick("encrypt_card", "seal_card_number"), p="card_number", dir="enc",
                    doc="Encrypt the card number with the payment provider's public key.",
                    key=c.pick("keys/provider_pub.pem", "/etc/payments/provider.pub.pem"))
    if k == "message":
        return dict(fn=c.pick("encrypt_for_recipient", "seal_message"), p="message", dir="enc",
                    doc="Encrypt the message with the recipient's RSA public key.",
                    key=c.pick("keys/recipient.pem", "/srv/keys/recipient_pub.pem"))
    return dict(fn=c.pick("decrypt_token", "open_sealed_token"), p="token", dir="dec",
                doc="Decrypt the token the client sent with the server's private key.",
                key=c.pick("keys/server_key.pem", "/etc/app/rsa_private.pem"))


@fam("crypto-task-rsa-pkcs1v15", "CWE-327", fws=["flask", "django", "fastapi", "script", "pipeline"],
     keys=["card_number", "message", "token"], n=8, wrap=False)
def crypto_task_rsa(c):
    t = _rsa_task(c)
    p = t["p"]
    lib = c.pick("pycryptodome", "cryptography")
    const = f'KEY_FILE = "{t["key"]}"'
    if lib == "pycryptodome":
        load = "    with open(KEY_FILE, \"rb\") as fh:\n        key = RSA.import_key(fh.read())"
        if t["dir"] == "enc":
            v = ("    cipher = PKCS1_v1_5.new(key)  #@V\n"
                 f"    return base64.b64encode(cipher.encrypt({p}.encode())).decode()")
            s = ("    cipher = PKCS1_OAEP.new(key, hashAlgo=SHA256)\n"
                 f"    return base64.b64encode(cipher.encrypt({p}.encode())).decode()")
            sx = "from Crypto.Hash import SHA256"
        else:
            v = ("    cipher = PKCS1_v1_5.new(key)  #@V\n"
                 f"    plain = cipher.decrypt(base64.b64decode({p}), None)\n"
                 "    if plain is None:\n"
                 '        raise ValueError("bad token")\n'
                 "    return plain.decode()")
            s = ("    cipher = PKCS1_OAEP.new(key, hashAlgo=SHA256)\n"
                 f"    plain = cipher.decrypt(base64.b64decode({p}))\n"
                 "    return plain.decode()")
            sx = "from Crypto.Hash import SHA256"
        imports = "import base64\nfrom Crypto.PublicKey import RSA"
        vimps, simps = "from Crypto.Cipher import PKCS1_v1_5", "from Crypto.Cipher import PKCS1_OAEP\n" + sx
    else:
        oaep = "padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)"
        if t["dir"] == "enc":
            load = ("    with open(KEY_FILE, \"rb\") as fh:\n"
                    "        key = serialization.load_pem_public_key(fh.read())")
            v = (f"    sealed = key.encrypt({p}.encode(), padding.PKCS1v15())  #@V\n"
                 "    return base64.b64encode(sealed).decode()")
            s = (f"    sealed = key.encrypt({p}.encode(), {oaep})\n"
                 "    return base64.b64encode(sealed).decode()")
        else:
            load = ("    with open(KEY_FILE, \"rb\") as fh:\n"
                    "        key = serialization.load_pem_private_key(fh.read(), password=None)")
            v = (f"    plain = key.decrypt(base64.b64decode({p}), padding.PKCS1v15())  #@V\n"
                 "    return plain.decode()")
            s = (f"    plain = key.decrypt(base64.b64decode({p}), {oaep})\n"
                 "    return plain.decode()")
        imports = ("import base64\nfrom cryptography.hazmat.primitives import serialization\n"
                   "from cryptography.hazmat.primitives.asymmetric import padding")
        vimps, simps = "", "from cryptography.hazmat.primitives import hashes"

    def fn(code):
        return (const + "\n\n\n" + f"def {t['fn']}({p}):\n    \"\"\"{t['doc']}\"\"\"\n" + load + "\n" + code)

    body = f"result = {t['fn']}({c.x})"
    return _pair(c, body, fn(v), fn(s), imports=imports, vimports=vimps, simports=simps,
                 notes="RSA with PKCS#1 v1.5 encryption padding (CWE-780, a child of CWE-327) is open to "
                       "Bleichenbacher's padding-oracle attack: a server that decrypts chosen ciphertexts lets an "
                       "attacker recover plaintexts; the fix uses OAEP with SHA-256")


@hardneg(3)
def crypto_task_rsa_hn(c):
    shape = c.pick("oaep", "verify")
    if shape == "oaep":
        h = ('KEY_FILE = "keys/provider_pub.pem"\n\n\n'
             "def encrypt_card(card_number):\n"
             '    """Encrypt the card number with the payment provider\'s public key."""\n'
             '    with open(KEY_FILE, "rb") as fh:\n'
             "        key = RSA.import_key(fh.read())\n"
             "    cipher = PKCS1_OAEP.new(key, hashAlgo=SHA256)\n"
             "    return base64.b64encode(cipher.encrypt(card_number.encode())).decode()")
        return _one(c, f"result = encrypt_card({c.x})", h,
                    "import base64\nfrom Crypto.Cipher import PKCS1_OAEP\nfrom Crypto.Hash import SHA256\n"
                    "from Crypto.PublicKey import RSA", notes="RSA-OAEP with SHA-256")
    h = ('KEY_FILE = "keys/partner_pub.pem"\n\n\n'
         "def signature_ok(payload, signature):\n"
         '    """Return True if the partner signed the payload with its RSA key."""\n'
         '    with open(KEY_FILE, "rb") as fh:\n'
         "        key = serialization.load_pem_public_key(fh.read())\n"
         "    try:\n"
         "        key.verify(base64.b64decode(signature), payload.encode(), padding.PKCS1v15(), hashes.SHA256())\n"
         "    except InvalidSignature:\n"
         "        return False\n"
         "    return True")
    return _one(c, f'result = signature_ok({c.x}, "")', h,
                "import base64\nfrom cryptography.exceptions import InvalidSignature\n"
                "from cryptography.hazmat.primitives import hashes, serialization\n"
                "from cryptography.hazmat.primitives.asymmetric import padding",
                notes="PKCS#1 v1.5 padding for an RSA signature (RSASSA-PKCS1-v1_5) is sound; only v1.5 encryption is weak")
