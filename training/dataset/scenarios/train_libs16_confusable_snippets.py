"""Train-only snippet families that teach the model to tell CONFUSABLE labels apart, one family per
pair of neighbouring CWEs, each in an application no other family uses for it:

- argi-downloader-url-list-option (77, not 78): a list of client URLs appended to the argv of a fixed
  downloader (yt-dlp, aria2c) run without a shell; a "URL" such as --exec=... or
  --on-download-complete=... is read as an option; fix: "--" before the URLs or an http(s) check;
- authz-moderation-checks-author-role (863, not 862 / 639): a moderation action whose role check
  exists but tests the content author's role instead of the acting user's;
- hash-share-link-password-sha256 (916, not 327 / 328): the password protecting a share link stored
  as one salted SHA-256 / SHA-512 digest; fix: scrypt / PBKDF2 with a real work factor;
- errors-bulk-import-db-error-report (209, not 200): a bulk row import whose per-row report returns
  the database driver's exception text to the client; fix: a generic message and a server-side log;
- rand-counter-clock-download-ticket (330, not 338): a private download ticket derived from a counter
  or row id and the clock, no PRNG at all; fix: secrets.token_urlsafe;
- cookie-impersonation-token-no-httponly (1004, not 614): the support "act as user" cookie is Secure
  but not HttpOnly; fix: httponly=True.

Written without reading the held-out families; every family here goes to train."""
from core import Spec, shell
from module_kit import shell_pair
from registry import hardneg, fam


def _post(c):
    """A state-changing request: read the value from a POST form or JSON body."""
    c.src = "json" if c.fw == "fastapi" else c.pick("form", "json")


# ---------------- CWE-77: URL list appended to a downloader's argv ----------------

_DL = {
    "yt-dlp": ('["yt-dlp", "--no-playlist", "-f", FORMAT, "-o", OUT_TEMPLATE]',
               'FORMAT = "bestaudio/best"\nOUT_TEMPLATE = "{dir}/%(id)s.%(ext)s"',
               "--exec=CMD, which yt-dlp runs after each download"),
    "aria2c": ('["aria2c", "--dir", DOWNLOAD_DIR, "--max-concurrent-downloads=4", "--quiet=true"]',
               'DOWNLOAD_DIR = "{dir}"',
               "--on-download-complete=PROGRAM, which aria2c runs when a download ends, or --input-file=PATH"),
}


@fam("argi-downloader-url-list-option", "CWE-77", fws=["pipeline", "cli", "flask", "script"],
     keys=["urls", "links", "sources"], n=8)
def argi_downloader(c):
    x = c.x
    tool = c.pick(*_DL)
    base, const, opt = _DL[tool]
    const = const.replace("{dir}", c.pick("/srv/media/incoming", "downloads", "/var/lib/archiver/files"))
    fix = c.pick("dashdash", "validate") if tool == "yt-dlp" else "validate"
    build = c.pick("plus", "extend", "star")
    run = c.pick("run", "check_output", "popen")
    split = c.pick("split", "comma")
    V = "  #@V"

    def body(safe):
        lines = []
        if split == "split":
            lines.append(f"links = {x}.split()")
        else:
            lines.append(f'links = [u.strip() for u in {x}.split(",") if u.strip()]')
        if safe and fix == "validate":
            lines += ["for link in links:",
                      '    if urlsplit(link).scheme not in ("http", "https"):',
                      '        raise ValueError("not an http(s) URL: " + link)']
        b = base
        if safe and fix == "dashdash":
            b = b[:-1] + ', "--"]'
        m = "" if safe else V
        if build == "plus":
            lines.append(f"argv = {b} + links{m}")
        elif build == "extend":
            lines += [f"argv = {b}", f"argv.extend(links){m}"]
        else:
            lines.append(f"argv = [{b[1:-1]}, *links]{m}")
        if run == "run":
            lines += [f"proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800){m}",
                      'result = {"code": proc.returncode, "log": proc.stderr[-2000:]}']
        elif run == "check_output":
            lines += [f"out = subprocess.check_output(argv, stderr=subprocess.STDOUT, text=True, timeout=1800){m}",
                      "result = out.splitlines()[-20:]"]
        else:
            lines += [f"proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True){m}",
                      "out, err = proc.communicate(timeout=1800)",
                      'result = {"code": proc.returncode, "files": len(links)}']
        return "\n".join(lines)

    return Spec(v=body(False), s=body(True), imports="import subprocess",
                simports="from urllib.parse import urlsplit" if fix == "validate" else "", helpers=const,
                notes=f"the client's URLs are appended to the argv of {tool}, run without a shell, so this is argument "
                      f"injection into a fixed program (CWE-77), not OS command injection (CWE-78): no shell parses "
                      f"the value, but an entry starting with '-' is read by {tool} as an option, e.g. {opt}; "
                      + ("the fix ends the options with '--' so every entry is a URL" if fix == "dashdash" else
                         "the fix accepts only http(s) URLs, so no entry can start with '-'"))


@hardneg(3)
def argi_downloader_hn(c):
    x = c.x
    shape = c.pick("dashdash", "scheme", "single")
    if shape == "dashdash":
        body = (f"links = {x}.split()\n"
                'argv = ["yt-dlp", "--no-playlist", "-o", OUT_TEMPLATE, "--", *links]\n'
                "proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800)\n"
                "result = proc.returncode")
        return Spec(s=body, imports="import subprocess", helpers='OUT_TEMPLATE = "downloads/%(id)s.%(ext)s"',
                    notes="'--' ends yt-dlp's options, so each entry is taken as a URL")
    if shape == "scheme":
        body = (f'links = [u for u in {x}.split() if u.startswith(("https://", "http://"))]\n'
                'argv = ["aria2c", "--dir", DOWNLOAD_DIR, "--quiet=true"] + links\n'
                "subprocess.run(argv, check=True, timeout=1800)\n"
                "result = len(links)")
        return Spec(s=body, imports="import subprocess", helpers='DOWNLOAD_DIR = "/srv/media/incoming"',
                    notes="only entries starting with http(s):// reach the argv, so none is an option")
    body = (f'video_id = {x}.strip()\n'
            'if not video_id.isalnum():\n'
            '    raise ValueError("bad id")\n'
            'argv = ["yt-dlp", "-o", OUT_TEMPLATE, "https://www.youtube.com/watch?v=" + video_id]\n'
            "result = subprocess.run(argv, capture_output=True, text=True, timeout=1800).returncode")
    return Spec(s=body, imports="import subprocess", helpers='OUT_TEMPLATE = "downloads/%(id)s.%(ext)s"',
                notes="the client value is only an alphanumeric id inside a fixed URL, never a whole argument")


# ---------------- CWE-863: moderation check tests the author's role, not the actor's ----------------

_MOD = {
    "comment": ("hide_comment", "comment", "hidden"),
    "listing": ("suspend_listing", "listing", "suspended"),
    "thread": ("lock_thread", "thread", "locked"),
    "review": ("remove_review", "review", "removed"),
}


@fam("authz-moderation-checks-author-role", "CWE-863", fws=["flask", "django", "aiohttp"],
     keys=["item_id", "content_id", "target_id"], n=8, wrap=False)
def authz_moderation_author(c):
    x = c.x
    _post(c)
    kind = c.pick(*_MOD)
    action, obj, done = _MOD[kind]
    owner = c.pick("author", "owner", "created_by")
    check = c.pick("flag", "role", "perm") if c.fw == "django" else c.pick("flag", "role")
    reason = c.pick(True, False)
    fw = c.fw
    if fw == "flask":
        imps = f"from flask import abort\nfrom flask_login import current_user\nfrom forum.store import get_{obj}, {action}"
        actor, guard, deny = "current_user", "current_user.is_authenticated", "abort(403)"
        pre = []
    elif fw == "django":
        imps = f"from django.core.exceptions import PermissionDenied\nfrom django.http import Http404\nfrom forum.store import get_{obj}, {action}"
        actor, guard, deny = "request.user", "request.user.is_authenticated", "raise PermissionDenied"
        pre = []
    else:
        imps = f"from forum.auth import current_member\nfrom forum.store import get_{obj}, {action}"
        actor, guard, deny = "actor", "actor", "raise web.HTTPForbidden()"
        pre = ["actor = await current_member(request)"]
    if check == "flag":
        cond = lambda who: f"if not {guard} or not {who}.is_moderator:"
    elif check == "role":
        cond = lambda who: f'if not {guard} or {who}.role not in ("moderator", "admin"):'
    else:
        cond = lambda who: f'if not {guard} or not {who}.has_perm("forum.moderate_{kind}"):'

    def body(safe):
        who = actor if safe else f"{obj}.{owner}"
        m = "" if safe else "  #@V"
        lines = pre + [f"{obj} = get_{obj}(int({x}))",
                       f"if {obj} is None:",
                       "    " + ("abort(404)" if fw == "flask" else "raise web.HTTPNotFound()" if fw == "aiohttp"
                                else "raise Http404"),
                       cond(who) + m,
                       "    " + deny]
        if reason:
            lines.append(f'{action}({obj}.id, by={actor}.id, reason="moderation"){m}')
        else:
            lines.append(f"{action}({obj}.id, by={actor}.id){m}")
        lines.append(f'result = {{"{obj}": {obj}.id, "status": "{done}"}}')
        return "\n".join(lines)

    st = c.snapshot()
    v = body(False)
    c.restore(st)
    s = body(True)
    return Spec(v=v, s=s, imports=imps,
                notes=f"the {action} endpoint does check a moderator role, but of the {obj}'s {owner} instead of the "
                      f"signed-in user: any member can moderate content written by a moderator. The check exists, so "
                      "this is not Missing Authorization (CWE-862), and the id is not an ownership key the user should "
                      "be bound to (CWE-639); it is an authorization check that tests the wrong principal, Incorrect "
                      "Authorization (CWE-863); the fix checks the acting user's role")


@hardneg(3)
def authz_moderation_author_hn(c):
    x = c.x
    imps = "from flask import abort\nfrom flask_login import current_user\nfrom forum.store import get_comment, hide_comment"
    shape = c.pick("own", "mod")
    if shape == "own":
        body = (f"comment = get_comment(int({x}))\n"
                "if comment is None:\n    abort(404)\n"
                "if not current_user.is_authenticated or (comment.author.id != current_user.id\n"
                "                                         and not current_user.is_moderator):\n"
                "    abort(403)\n"
                "hide_comment(comment.id, by=current_user.id)\n"
                'result = {"comment": comment.id, "status": "hidden"}')
        note = "authors may hide their own comments, anyone else needs the acting user's moderator flag"
    else:
        body = (f"comment = get_comment(int({x}))\n"
                "if comment is None:\n    abort(404)\n"
                "if not current_user.is_authenticated or not current_user.is_moderator:\n"
                "    abort(403)\n"
                "badge = \"staff\" if comment.author.is_moderator else \"member\"\n"
                "hide_comment(comment.id, by=current_user.id)\n"
                'result = {"comment": comment.id, "author_badge": badge}')
        note = "the author's role is only displayed; the check uses the acting user's role"
    c.fw = "flask"
    _post(c)
    return Spec(s=body, imports=imps, notes=note)


# ---------------- CWE-916: share-link password stored as one SHA-2 digest ----------------


@fam("hash-share-link-password-sha256", "CWE-916", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["share_password", "link_password", "access_password"], n=8)
def hash_share_link(c):
    x = c.x
    _post(c)
    algo = c.pick("sha256", "sha512")
    shape = c.pick("concat", "update", "pepper")
    enc = c.pick("hex", "b64")
    fix = c.pick("scrypt", "pbkdf2")
    store = c.pick("dict", "call")
    sid = c.pick("share_id", "link_id")

    def body(safe):
        m = "" if safe else "  #@V"
        lines = [f"{sid} = secrets.token_urlsafe(12)", "salt = os.urandom(16)"]
        if safe:
            if fix == "scrypt":
                lines.append(f'raw = hashlib.scrypt({x}.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024)')
            else:
                lines.append(f'raw = hashlib.pbkdf2_hmac("{algo}", {x}.encode(), salt, 600_000)')
        elif shape == "concat":
            lines.append(f"raw = hashlib.{algo}(salt + {x}.encode()).digest(){m}")
        elif shape == "update":
            lines += [f"h = hashlib.{algo}(salt){m}", f"h.update({x}.encode()){m}", "raw = h.digest()"]
        else:
            lines.append(f"raw = hashlib.{algo}(salt + PEPPER + {x}.encode()).digest(){m}")
        if enc == "hex":
            lines.append('stored = salt.hex() + "$" + raw.hex()')
        else:
            lines.append('stored = base64.b64encode(salt).decode() + "$" + base64.b64encode(raw).decode()')
        kdf = ("scrypt" if fix == "scrypt" else "pbkdf2") if safe else algo
        if store == "dict":
            lines.append(f'SHARES[{sid}] = {{"password": stored, "scheme": "{kdf}"}}')
        else:
            lines.append(f'save_share({sid}, password_hash=stored, scheme="{kdf}")')
        lines.append(f'result = {{"share": {sid}, "url": "/s/" + {sid}}}')
        return "\n".join(lines)

    helpers = []
    if shape == "pepper":
        helpers.append('PEPPER = os.environ["SHARE_PEPPER"].encode()')
    if store == "dict":
        helpers.append("SHARES: dict[str, dict] = {}")
    imps = "import hashlib\nimport os\nimport secrets" + ("\nimport base64" if enc == "b64" else "")
    if store == "call":
        imps += "\nfrom sharing.store import save_share"
    return Spec(v=body(False), s=body(True), imports=imps, helpers="\n".join(helpers),
                notes=f"the password that protects a share link is stored as one salted {algo.upper()} digest; SHA-2 is "
                      "not a broken hash (so not CWE-328) and no cipher is involved (not CWE-327): the weakness is that "
                      "a single fast hash costs an attacker with the stored value almost nothing per guess, Use of "
                      f"Password Hash With Insufficient Computational Effort (CWE-916); the fix derives it with "
                      f"{'scrypt (n=2**15)' if fix == 'scrypt' else 'PBKDF2-HMAC with 600,000 iterations'}")


@hardneg(3)
def hash_share_link_hn(c):
    x = c.x
    _post(c)
    shape = c.pick("etag", "verify")
    if shape == "etag":
        body = (f"share_id = {x}.strip()\n"
                "blob = load_shared_file(share_id)\n"
                "etag = hashlib.sha256(blob).hexdigest()\n"
                'result = {"share": share_id, "etag": etag, "size": len(blob)}')
        return Spec(s=body, imports="import hashlib\nfrom sharing.store import load_shared_file",
                    notes="SHA-256 of the file body is a content fingerprint, not a password hash")
    body = (f'share_id, _, entered = {x}.partition(":")\n'
            "share = SHARES.get(share_id)\n"
            "if share is None:\n"
            '    raise LookupError("no such share")\n'
            "salt = bytes.fromhex(share[\"salt\"])\n"
            "candidate = hashlib.scrypt(entered.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024)\n"
            "result = hmac.compare_digest(candidate.hex(), share[\"hash\"])")
    return Spec(s=body, imports="import hashlib\nimport hmac", helpers="SHARES: dict[str, dict] = {}",
                notes="the share password is checked against a scrypt hash, compared in constant time")


# ---------------- CWE-209: bulk import returns the driver's error text ----------------


@fam("errors-bulk-import-db-error-report", "CWE-209", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["rows", "batch", "records"], n=8)
def errors_bulk_import(c):
    x = c.x
    drv = c.pick("psycopg2", "sqlite3", "pymysql")
    form = c.pick("str", "fstring", "pgerror", "repr") if drv == "psycopg2" else c.pick("str", "fstring", "repr")
    _post(c)
    table, cols = c.pick(("contacts", ("name", "email")), ("inventory_items", ("sku", "qty")),
                         ("price_rules", ("code", "amount")))
    ph = "?" if drv == "sqlite3" else "%s"
    err = {"psycopg2": "psycopg2.Error", "sqlite3": "sqlite3.Error", "pymysql": "pymysql.MySQLError"}[drv]
    conn = {"psycopg2": 'psycopg2.connect(os.environ["DATABASE_URL"])',
            "sqlite3": 'sqlite3.connect(os.environ.get("IMPORT_DB", "import.db"))',
            "pymysql": 'pymysql.connect(host=os.environ["DB_HOST"], user=os.environ["DB_USER"], '
                       'password=os.environ["DB_PASSWORD"], database="imports")'}[drv]
    per_row = c.pick(True, False)
    shown = {"str": "str(exc)", "fstring": 'f"row {i}: {exc}"', "pgerror": "exc.pgerror", "repr": "repr(exc)"}[form]
    safe_msg = c.pick('"row rejected"', '"could not import this row"', '"invalid row"')

    def body(safe):
        m = "" if safe else "  #@V"
        val = f'{{"row": i, "error": {safe_msg}, "ref": ref}}' if safe else f'{{"row": i, "error": {shown}}}'
        handle = ([f"ref = uuid.uuid4().hex[:8]",
                   f'log.exception("import row %d failed (ref %s)", i, ref)'] if safe else [])
        lines = [f"items = json.loads({x}) if isinstance({x}, str) else {x}",
                 f"conn = {conn}",
                 "cur = conn.cursor()",
                 "failed = []"]
        if per_row:
            lines += ["for i, item in enumerate(items):",
                      "    try:",
                      f'        cur.execute("INSERT INTO {table} ({cols[0]}, {cols[1]}) VALUES ({ph}, {ph})",',
                      f'                    (item["{cols[0]}"], item["{cols[1]}"]))',
                      "        conn.commit()",
                      f"    except {err} as exc:",
                      "        conn.rollback()"]
            lines += ["        " + h for h in handle]
            lines.append(f"        failed.append({val}){m}")
            lines.append('result = {"imported": len(items) - len(failed), "failed": failed}')
        else:
            lines += ["i = 0",
                      "try:",
                      "    for i, item in enumerate(items):",
                      f'        cur.execute("INSERT INTO {table} ({cols[0]}, {cols[1]}) VALUES ({ph}, {ph})",',
                      f'                    (item["{cols[0]}"], item["{cols[1]}"]))',
                      "    conn.commit()",
                      f"except {err} as exc:",
                      "    conn.rollback()"]
            lines += ["    " + h for h in handle]
            lines.append(f"    failed.append({val}){m}")
            lines.append('result = {"imported": 0 if failed else len(items), "failed": failed}')
        lines.insert(len(lines) - 1, "conn.close()")
        return "\n".join(lines)

    imps = f"import json\nimport logging\nimport os\nimport {drv}"
    return _errors_spec(c, body, imps, drv, shown)


def _errors_spec(c, body, imps, drv, shown):
    return Spec(v=body(False), s=body(True), imports=imps, simports="import uuid",
                helpers='log = logging.getLogger("import")',
                notes=f"the import report sent back to the client carries the {drv} exception text ({shown}): the "
                      "driver's message names tables, columns, constraints and the offending values, so the error "
                      "message itself leaks internals, Generation of Error Message Containing Sensitive Information "
                      "(CWE-209), not the exposure of a stored record's field (CWE-200); the fix logs the exception "
                      "server-side and returns a generic message with a reference")


@hardneg(3)
def errors_bulk_import_hn(c):
    x = c.x
    _post(c)
    body = (f"items = json.loads({x}) if isinstance({x}, str) else {x}\n"
            'conn = sqlite3.connect("import.db")\n'
            "failed = []\n"
            "for i, item in enumerate(items):\n"
            "    try:\n"
            '        conn.execute("INSERT INTO contacts (name, email) VALUES (?, ?)", (item["name"], item["email"]))\n'
            "        conn.commit()\n"
            "    except sqlite3.IntegrityError:\n"
            '        failed.append({"row": i, "error": "duplicate e-mail address"})\n'
            "    except sqlite3.Error:\n"
            '        log.exception("import row %d failed", i)\n'
            '        failed.append({"row": i, "error": "row rejected"})\n'
            'result = {"imported": len(items) - len(failed), "failed": failed}')
    return Spec(s=body, imports="import json\nimport logging\nimport sqlite3", helpers='log = logging.getLogger("import")',
                notes="the client gets fixed messages chosen by exception type; the driver text goes only to the log")


# ---------------- CWE-330: download ticket from a counter / row id and the clock ----------------


@fam("rand-counter-clock-download-ticket", "CWE-330", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["file_id", "document_id", "export_id"], n=8)
def rand_counter_ticket(c):
    x = c.x
    shape = c.pick("counter", "rowid", "b64", "sha")
    ttl = c.pick("900", "3600", "600")

    def body(safe):
        m = "" if safe else "  #@V"
        lines = [f"doc = find_document(int({x}))", "if doc is None:", '    raise LookupError("no such file")',
                 "now = time.time()"]
        if safe:
            lines.append("ticket = secrets.token_urlsafe(32)")
        elif shape == "counter":
            lines.append(f'ticket = "%06d%x" % (next(_SEQ), int(time.time())){m}')
        elif shape == "rowid":
            lines.append(f'ticket = f"{{doc.id:x}}-{{int(time.time() * 1000):x}}"{m}')
        elif shape == "b64":
            lines.append(f'ticket = base64.urlsafe_b64encode(f"{{doc.id}}:{{time.time()}}".encode()).decode(){m}')
        else:
            lines.append(f'ticket = hashlib.sha256(f"{{doc.id}}|{{time.time()}}".encode()).hexdigest()[:24]{m}')
        lines += [f'TICKETS[ticket] = {{"doc": doc.id, "expires": now + {ttl}}}',
                  'result = {"url": "/download/" + ticket, "expires_in": ' + ttl + "}"]
        return "\n".join(lines)

    imps = "import time\nfrom documents.store import find_document"
    vimps = {"counter": "import itertools", "rowid": "", "b64": "import base64", "sha": "import hashlib"}[shape]
    hv = "TICKETS: dict[str, dict] = {}" + ("\n_SEQ = itertools.count(1)" if shape == "counter" else "")
    hs = "TICKETS: dict[str, dict] = {}"
    return shell_pair(c, body(False), body(True), hv, hs, imports=imps, vimports=vimps, simports="import secrets",
                      notes="the ticket that alone grants a private download is built from a counter or the row id and "
                            "the current time; no random number generator is used at all, so this is not a weak PRNG "
                            "(CWE-338) but a value that is not random (CWE-330): anyone who saw one ticket or knows "
                            "roughly when a link was made can enumerate the others (hashing or base64 only hides the "
                            "pattern); the fix draws the ticket from secrets.token_urlsafe")


@hardneg(3)
def rand_counter_ticket_hn(c):
    x = c.x
    body = (f"doc = find_document(int({x}))\n"
            "if doc is None:\n"
            '    raise LookupError("no such file")\n'
            "ticket = secrets.token_urlsafe(32)\n"
            f'version = f"{{doc.id}}-{{int(time.time())}}"\n'
            'TICKETS[ticket] = {"doc": doc.id, "expires": time.time() + 900, "version": version}\n'
            'result = {"url": "/download/" + ticket, "version": version}')
    return Spec(s=body, imports="import secrets\nimport time\nfrom documents.store import find_document",
                helpers="TICKETS: dict[str, dict] = {}",
                notes="the id/clock string is only a public version label; the ticket itself comes from secrets")


# ---------------- CWE-1004: support impersonation cookie without HttpOnly ----------------

_CK_IMP = {
    "flask": "from flask import jsonify, make_response",
    "django": "",
    "fastapi": "from fastapi.responses import JSONResponse",
    "aiohttp": "",
}
_CK_RESP = {
    "flask": "make_response(jsonify({p}))",
    "django": "JsonResponse({p})",
    "fastapi": "JSONResponse({p})",
    "aiohttp": "web.json_response({p})",
}


@fam("cookie-impersonation-token-no-httponly", "CWE-1004", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["user_id", "target_user", "member_id"], n=8, wrap=False)
def cookie_impersonation(c):
    x = c.x
    _post(c)
    cname = c.pick("act_as", "impersonation", "support_session", "__Secure-act-as")
    ttl = c.pick("1800", "15 * 60", "3600")
    same = c.pick('"Strict"', '"Lax"')
    how = c.pick("omit", "false", "split")
    payload = c.pick('{"acting_as": target.id}', '{"impersonating": target.id, "expires_in": IMPERSONATION_TTL}')

    def body(safe):
        m = "" if safe else "  #@V"
        lines = [f"target = load_member(int({x}))",
                 "if target is None:",
                 '    raise LookupError("unknown member")',
                 "agent = require_support_agent(request)",
                 "token = start_impersonation(agent.id, target.id, ttl=IMPERSONATION_TTL)",
                 f"resp = {_CK_RESP[c.fw].format(p=payload)}"]
        hflag = "httponly=True, " if safe else ("httponly=False, " if how == "false" else "")
        if how == "split":
            lines += [f"resp.set_cookie({lit_name(cname)}, token,{m}",
                      f"                max_age=IMPERSONATION_TTL, secure=True, {hflag}samesite={same}){m}"]
        else:
            lines.append(f"resp.set_cookie({lit_name(cname)}, token, max_age=IMPERSONATION_TTL, secure=True, "
                         f"{hflag}samesite={same}){m}")
        lines.append("result = resp")
        return "\n".join(lines)

    imps = (_CK_IMP[c.fw] + "\nfrom support.impersonation import load_member, require_support_agent, start_impersonation").strip()
    helpers = f"IMPERSONATION_TTL = {ttl}"
    c.n("handler"), c.n("result")
    st = c.snapshot()
    vm = shell(c, body(False), Spec(helpers=helpers, ret="result", raw=True), imps)
    c.restore(st)
    sm = shell(c, body(True), Spec(helpers=helpers, ret="result", raw=True), imps)
    return Spec(v=vm, s=sm, full=True,
                notes="the cookie that lets a support agent act as a member is set with Secure and SameSite but "
                      + ("httponly=False" if how == "false" else "without httponly (off by default in Flask, Django, "
                         "Starlette and aiohttp)")
                      + ": Secure is present, so this is not CWE-614; the missing flag is HttpOnly, so any script in "
                      "the page (an XSS payload) can read the impersonation token from document.cookie, Sensitive "
                      "Cookie Without 'HttpOnly' Flag (CWE-1004); the fix adds httponly=True")


_ACT = '{"acting_as": target.id}'


def lit_name(s):
    return '"' + s + '"'


@hardneg(3)
def cookie_impersonation_hn(c):
    x = c.x
    c.fw = c.pick("flask", "django", "fastapi", "aiohttp")
    _post(c)
    shape = c.pick("csrf", "banner")
    lines = [f"target = load_member(int({x}))",
             "agent = require_support_agent(request)",
             "token = start_impersonation(agent.id, target.id, ttl=1800)",
             "resp = " + _CK_RESP[c.fw].format(p=_ACT),
             'resp.set_cookie("act_as", token, max_age=1800, secure=True, httponly=True, samesite="Strict")']
    if shape == "csrf":
        lines.append('resp.set_cookie("csrftoken", secrets.token_urlsafe(32), secure=True, samesite="Strict")')
        note = ("the impersonation cookie is HttpOnly; the double-submit CSRF cookie must be readable by scripts "
                "and is not a credential on its own")
        extra = "import secrets\n"
    else:
        lines.append('resp.set_cookie("support_banner", "1", max_age=1800, secure=True, samesite="Lax")')
        note = "the impersonation cookie is HttpOnly; the script-readable cookie only shows a banner"
        extra = ""
    lines.append("result = resp")
    imps = (extra + _CK_IMP[c.fw] + "\nfrom support.impersonation import load_member, require_support_agent, start_impersonation").strip()
    return Spec(s="\n".join(lines), imports=imps, raw=True, ret="result", notes=note)
