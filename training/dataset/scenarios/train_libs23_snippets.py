"""Train-only snippet families in applications no other family uses (a dental practice API, a
recycling-route planner, a hackathon judging app, a ski-pass scanner, a bakery order bot, a
lab-equipment booking CLI):

- codei-booking-override-eval-among-literal (94): settings overrides (key=value pairs, an uploaded
  INI section, a JSON map of strings) whose values are parsed with ast.literal_eval, except one key
  that goes through eval;
- csrf-flask-samesite-none-form-post (352): a Flask form post that changes state with only the
  session cookie as proof, and that cookie is sent cross-site (SameSite=None);
- redos-upload-name-chat-nested-group (1333): a fixed regex with a nested quantifier run over an
  uploaded file name or a chat message (ski-pass photo, bakery order bot, judging chat command);
- xpathi-order-doc-format-predicate (643): an lxml order document queried with an XPath whose
  predicate is filled with str.format from the request value;
- crypto-gcm-hazmat-constant-nonce (327): cryptography's Cipher(AES, GCM(nonce)) with a nonce that
  is the same for every message (a constant, zero bytes, a configured value);
- hash-salted-sha256-few-rounds (916): a password stored as sha256 over salt and password repeated
  only a few times instead of a real KDF.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import _joined, _replayed, shell_pair
from registry import hardneg, fam


def _V(safe):
    return "" if safe else "  #@V"


# ---------------- CWE-94: one override parsed with eval among literal_eval ones ----------------

_CFG_KEYS = {
    "booking": (["max_hours", "slot_minutes", "buffer_minutes"], ["rooms", "instruments", "blackout_days"]),
    "route": (["truck_capacity", "max_stops", "shift_hours"], ["depots", "bin_types", "skip_streets"]),
    "judging": (["score_weight", "max_score", "round_minutes"], ["tracks", "judges", "criteria"]),
}


# second-author review (R100): dropped, too close to a held-out family (builtins eval of a client
# string fixed by a literal-only parser); the generator skips it through data/review.
@fam("codei-booking-override-eval-among-literal", "CWE-94", fws=["cli", "flask", "django", "pipeline", "script"],
     keys=["overrides", "settings_text", "config_patch"], n=8)
def codei_override_eval(c):
    x = c.x
    app = c.pick(*_CFG_KEYS)
    nums, lists = _CFG_KEYS[app]
    odd = c.pick(*nums)
    others = c.pick(*lists)
    shape = c.pick("pairs", "ini", "json")
    deflt = c.pick("DEFAULTS", "BASE_SETTINGS", "FALLBACK")
    helpers = (f"{deflt} = {{\"{odd}\": {c.pick('4', '8', '30', '12')}, \"{others}\": []}}\n"
               f"ALLOWED = {{\"{odd}\", \"{others}\", \"{c.pick(*[k for k in nums if k != odd])}\"}}")

    def body(safe):
        parse = "ast.literal_eval" if safe else "eval"
        V = _V(safe)
        if shape == "pairs":
            sep = c.pick('";"', '","', '"\\n"')
            return (f"settings = dict({deflt})\n"
                    f"for pair in {x}.split({sep}):\n"
                    '    key, _, raw = pair.partition("=")\n'
                    "    key = key.strip()\n"
                    "    if key not in ALLOWED:\n"
                    "        continue\n"
                    f'    if key == "{odd}":\n'
                    f"        settings[key] = {parse}(raw.strip()){V}\n"
                    "    else:\n"
                    "        settings[key] = ast.literal_eval(raw.strip())\n"
                    "result = settings")
        if shape == "ini":
            sect = c.pick(app, "defaults", "site")
            return ("parser = configparser.ConfigParser()\n"
                    f"parser.read_string({x})\n"
                    f'section = parser["{sect}"] if parser.has_section("{sect}") else {{}}\n'
                    f"settings = dict({deflt})\n"
                    f'if "{others}" in section:\n'
                    f'    settings["{others}"] = ast.literal_eval(section["{others}"])\n'
                    f'if "{odd}" in section:\n'
                    f'    settings["{odd}"] = {parse}(section["{odd}"]){V}\n'
                    "result = settings")
        pick = ("ast.literal_eval(text)" if safe
                else f'eval(text) if key == "{odd}" else ast.literal_eval(text)')
        return (f"incoming = json.loads({x})\n"
                f"settings = dict({deflt})\n"
                "for key, text in incoming.items():\n"
                "    if key not in ALLOWED or not isinstance(text, str):\n"
                "        continue\n"
                f"    value = {pick}{V}\n"
                "    settings[key] = value\n"
                "result = settings")

    st = c.snapshot()
    v = body(False)
    c.restore(st)
    s = body(True)
    imps = "import ast" + ("\nimport configparser" if shape == "ini" else "") + ("\nimport json" if shape == "json" else "")
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"the {app} settings overrides come from the caller; every value is parsed with "
                      f"ast.literal_eval except '{odd}', which goes through eval, so an override such as "
                      "__import__('os').system(...) runs code; the fix parses that value with ast.literal_eval too")


@hardneg(3)
def codei_override_eval_hn(c):
    x = c.x
    shape = c.pick("literal", "int", "json")
    if shape == "literal":
        body = ("settings = {}\n"
                f'for pair in {x}.split(";"):\n'
                '    key, _, raw = pair.partition("=")\n'
                "    if key.strip() in ALLOWED:\n"
                "        settings[key.strip()] = ast.literal_eval(raw.strip())\n"
                "result = settings")
        return Spec(s=body, imports="import ast", helpers='ALLOWED = {"max_hours", "rooms", "slot_minutes"}',
                    notes="every override is parsed with ast.literal_eval, which accepts only literals")
    if shape == "int":
        body = ("parser = configparser.ConfigParser()\n"
                f"parser.read_string({x})\n"
                'max_stops = parser.getint("route", "max_stops", fallback=40)\n'
                'depots = ast.literal_eval(parser.get("route", "depots", fallback="[]"))\n'
                'result = {"max_stops": max_stops, "depots": depots}')
        return Spec(s=body, imports="import ast\nimport configparser",
                    notes="numbers go through getint and lists through ast.literal_eval; nothing is evaluated")
    body = (f"incoming = json.loads({x})\n"
            'weight = float(incoming.get("score_weight", "1.0"))\n'
            'tracks = ast.literal_eval(incoming.get("tracks", "[]"))\n'
            'result = {"score_weight": weight, "tracks": list(tracks)}')
    return Spec(s=body, imports="import ast\nimport json",
                notes="float() and ast.literal_eval parse the override values; no code runs")


# ---------------- CWE-352: Flask form post, session cookie sent cross-site ----------------

_CSRF_APPS = [
    ("dental", "appointment", "cancel", "appointments", "Appointment"),
    ("ski", "pass", "transfer", "passes", "SkiPass"),
    ("bakery", "order", "reschedule", "orders", "Order"),
    ("judging", "score", "submit", "scores", "Score"),
]


def _csrf_app(c, safe):
    V = _V(safe)
    app_kind, thing, verb, plural, model = c.pick(*_CSRF_APPS)
    how = c.pick("config", "config_update", "set_cookie")
    fixed = c.pick('"Lax"', '"Strict"')
    same = fixed if safe else '"None"'
    store = c.pick("sqlalchemy", "service")
    imps = ["import os", ""]
    if how == "set_cookie":
        imps.append("from flask import Flask, abort, redirect, request, url_for")
    else:
        imps.append("from flask import Flask, abort, redirect, request, session, url_for")
    if store == "sqlalchemy":
        imps += ["", f"from {app_kind}_app.models import {model}, db"]
    else:
        imps += ["", f"from {app_kind}_app import {plural}"]
    imps.append(f"from {app_kind}_app.auth import check_login" + (", user_for_sid" if how == "set_cookie" else ""))
    setup = ["app = Flask(__name__)", 'app.secret_key = os.environ["FLASK_SECRET_KEY"]']
    comment = c.pick("# the booking widget is embedded on partner sites",
                     "# the portal runs inside an iframe on the partner site", "")
    if comment and not safe and how != "set_cookie":
        setup.append(comment)
    if how == "config":
        setup += ["app.config[\"SESSION_COOKIE_SECURE\"] = True",
                  f"app.config[\"SESSION_COOKIE_SAMESITE\"] = {same}{V}"]
    elif how == "config_update":
        setup.append(f"app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, "
                     f"SESSION_COOKIE_SAMESITE={same}){V}")
    # login
    if how == "set_cookie":
        login = (f'@app.post("/login")\n'
                 "def login():\n"
                 '    sid = check_login(request.form["email"], request.form["password"])\n'
                 "    if sid is None:\n"
                 "        abort(401)\n"
                 f'    resp = redirect(url_for("list_{plural}"))\n'
                 f'    resp.set_cookie("sid", sid, secure=True, httponly=True, samesite={same}){V}\n'
                 "    return resp")
        who = 'user = user_for_sid(request.cookies.get("sid", ""))\n    if user is None:\n        abort(401)'
        uid = "user.id"
    else:
        login = (f'@app.post("/login")\n'
                 "def login():\n"
                 '    user_id = check_login(request.form["email"], request.form["password"])\n'
                 "    if user_id is None:\n"
                 "        abort(401)\n"
                 '    session["user_id"] = user_id\n'
                 f'    return redirect(url_for("list_{plural}"))')
        who = 'if "user_id" not in session:\n        abort(401)'
        uid = 'session["user_id"]'
    field = {"cancel": None, "transfer": "holder_email", "reschedule": "pickup_at", "submit": "points"}[verb]
    if store == "sqlalchemy" and field is None:
        get = (f"{thing}_row = db.session.get({model}, {thing}_id)\n"
               f"    if {thing}_row is None or {thing}_row.owner_id != {uid}:\n        abort(404)")
        act = f"db.session.delete({thing}_row){V}\n    db.session.commit()"
    elif store == "sqlalchemy":
        get = ""
        act = (f"changed = {model}.query.filter_by(id={thing}_id, owner_id={uid}).update(\n"
               f'        {{"{field}": request.form["{field}"]}}){V}\n'
               "    if not changed:\n        abort(404)\n    db.session.commit()")
    else:
        get = ""
        if field is None:
            act = f"{plural}.delete({thing}_id, owner={uid}){V}"
        else:
            act = f'{plural}.update({thing}_id, owner={uid}, {field}=request.form["{field}"]){V}'
    getl = f"\n    {get}" if get else ""
    route = (f'@app.post("/{plural}/<int:{thing}_id>/{verb}")\n'
             f"def {verb}_{thing}({thing}_id):\n"
             f"    {who}{getl}\n"
             f"    {act}\n"
             f'    return redirect(url_for("list_{plural}"))')
    listing = f'@app.get("/{plural}")\ndef list_{plural}():\n    return "ok"'
    return _joined("\n".join(imps), "\n".join(setup), login, route, listing)


@fam("csrf-flask-samesite-none-form-post", "CWE-352", fws=["flask"], n=8, wrap=False)
def csrf_samesite_none(c):
    v, s = _replayed(c, _csrf_app)
    return Spec(v=v, s=s, full=True,
                notes="the form post changes state with only the session cookie as proof of the user, no CSRF "
                      "token, and the cookie is SameSite=None, so a page on any site can auto-submit a form to "
                      "this route and the browser attaches the cookie; the fix sets SameSite=Lax/Strict so the "
                      "cookie is not sent on cross-site posts")


@hardneg(3)
def csrf_samesite_none_hn(c):
    app_kind, thing, verb, plural, model = c.pick(*_CSRF_APPS)
    shape = c.pick("csrfprotect", "lax")
    if shape == "csrfprotect":
        setup = ("app = Flask(__name__)\n"
                 'app.secret_key = os.environ["FLASK_SECRET_KEY"]\n'
                 "# embedded on partner sites: the cookie goes cross-site, every form carries a CSRF token\n"
                 'app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="None")\n'
                 "csrf = CSRFProtect(app)")
        imps = "import os\n\nfrom flask import Flask, abort, redirect, session, url_for\nfrom flask_wtf.csrf import CSRFProtect"
        note = "SameSite=None, but CSRFProtect checks a token on every POST"
    else:
        setup = ("app = Flask(__name__)\n"
                 'app.secret_key = os.environ["FLASK_SECRET_KEY"]\n'
                 'app.config["SESSION_COOKIE_SECURE"] = True\n'
                 'app.config["SESSION_COOKIE_SAMESITE"] = "Strict"')
        imps = "import os\n\nfrom flask import Flask, abort, redirect, session, url_for"
        note = "the session cookie is SameSite=Strict, so it is not sent on cross-site form posts"
    route = (f'@app.post("/{plural}/<int:{thing}_id>/{verb}")\n'
             f"def {verb}_{thing}({thing}_id):\n"
             '    if "user_id" not in session:\n'
             "        abort(401)\n"
             f'    {plural}.{c.pick("delete", "archive")}({thing}_id, owner=session["user_id"])\n'
             f'    return redirect(url_for("list_{plural}"))')
    listing = f'@app.get("/{plural}")\ndef list_{plural}():\n    return "ok"'
    return Spec(s=_joined(imps + f"\n\nfrom {app_kind}_app import {plural}", setup, route, listing), full=True,
                notes=note)


# ---------------- CWE-1333: nested quantifier on an uploaded name or a chat message ----------------

_REDOS = [
    # (what, vulnerable pattern, fixed pattern): a character class repeated inside a repeated group
    # (no separator); the fix is that single class with a length cap
    ("photo", r"^([A-Za-z0-9 _-]+)*\.(?:jpe?g|png)$", r"^[A-Za-z0-9 _-]{1,128}\.(?:jpe?g|png)$"),
    ("message", r"^([\w ]+)+$", r"^[\w ]{1,500}$"),
    ("command", r"^/([\w -]+)+$", r"^/[\w -]{1,200}$"),
    ("order", r"^([\w ,]+)+$", r"^[\w ,]{1,500}$"),
]


@fam("redos-upload-name-chat-nested-group", "CWE-1333", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["filename", "message", "text", "chat_line"], n=8)
def redos_upload_chat(c):
    x = c.x
    what, vp, sp = _REDOS[0] if c.key == "filename" else c.pick(*_REDOS[1:])
    const = c.pick(True, False)
    fn = c.pick("match", "fullmatch", "search")
    cname = {"photo": "PHOTO_NAME", "message": "PLAIN_MESSAGE", "command": "BOT_COMMAND", "order": "ORDER_LINE"}[what]
    if what == "photo":
        tail = c.pick(f'result = {{"accepted": bool(ok), "name": {x}}}',
                      f'result = "ok" if ok else "rename the ski-pass photo"')
        pre = f"{x} = {x}.rsplit(\"/\", 1)[-1]"
    elif what == "order":
        tail = ('result = [part.strip().split(" ", 1) for part in ' + x + '.split(",")] if ok else []')
        pre = f"{x} = {x}.strip()"
    elif what == "command":
        tail = f'result = {x}[1:].split() if ok else ["help"]'
        pre = f"{x} = {x}.rstrip()"
    else:
        tail = c.pick('result = "plain" if ok else "needs-review"', "result = bool(ok)")
        pre = f"{x} = {x}.strip()"

    def mod(safe):
        p = sp if safe else vp
        V = _V(safe)
        if const:
            helpers = f'{cname} = re.compile(r"{p}"){V}'
            body = f"{pre}\nok = {cname}.{fn}({x}){V}\n{tail}"
        else:
            helpers = ""
            body = f'{pre}\nok = re.{fn}(r"{p}", {x}){V}\n{tail}'
        return helpers, body

    hv, v = mod(False)
    hs, s = mod(True)
    return shell_pair(c, v, s, hv, hs, imports="import re",
                      notes=f"the {what} check uses a regex with a quantified group that itself holds a quantified "
                            f"character class ({vp}); a long run of word characters followed by a non-matching "
                            "character makes the backtracking engine try exponentially many splits; the fix matches "
                            "the same single character class once, with a length cap")


@hardneg(3)
def redos_upload_chat_hn(c):
    x = c.x
    shape = c.pick("flat", "split", "bounded")
    if shape == "flat":
        body = f'ok = re.fullmatch(r"[A-Za-z0-9_-]{{1,64}}\\.(?:jpe?g|png)", {x})\nresult = bool(ok)'
        note = "a flat character class with a length bound, no nested quantifier"
    elif shape == "split":
        body = (f'parts = [p.strip() for p in {x}.split(",") if p.strip()]\n'
                'ok = all(ITEM.fullmatch(p) for p in parts)\n'
                "result = parts if ok else []")
        return Spec(s=body, imports="import re", helpers='ITEM = re.compile(r"(\\d+) +(\\w+(?: \\w+)*)")',
                    notes="each comma-separated part is matched with an unambiguous pattern")
    else:
        body = f'ok = re.match(r"^/\\w+(?: \\w+){{0,5}}$", {x}[:200])\nresult = bool(ok)'
        note = "the command pattern is unambiguous and the input is truncated"
    return Spec(s=body, imports="import re", notes=note)


# ---------------- CWE-643: order document queried with .format ----------------

_ORDER_Q = [
    # (key, vulnerable template with one {}, safe query with $v)
    ("order_id", "//order[@id='{}']/item", "//order[@id=$v]/item"),
    ("customer_phone", "//order[customer/phone='{}']", "//order[customer/phone=$v]"),
    ("pickup_date", "//order[@pickup='{}']/@id", "//order[@pickup=$v]/@id"),
    ("product", "count(//order/item[@sku='{}'])", "count(//order/item[@sku=$v])"),
    ("route_code", "//stop[@route='{}']/address/text()", "//stop[@route=$v]/address/text()"),
]


@fam("xpathi-order-doc-format-predicate", "CWE-643", fws=["flask", "django", "fastapi", "aiohttp", "pipeline", "cli"],
     keys=["order_id", "customer_phone", "pickup_date", "product", "route_code"], n=8)
def xpathi_order_format(c):
    x = c.x
    key, q, qs = next(t for t in _ORDER_Q if t[0] == c.key)
    load = c.pick("parse", "fromstring", "cache")
    path = c.pick("data/orders.xml", "/srv/bakery/orders.xml", "exports/routes.xml", "var/orders-today.xml")
    if load == "parse":
        helpers = f'ORDERS_XML = "{path}"'
        imps = "from lxml import etree"
        ld = "doc = etree.parse(ORDERS_XML)"
    elif load == "fromstring":
        helpers = f'ORDERS_XML = Path("{path}")'
        imps = "from pathlib import Path\nfrom lxml import etree"
        ld = "doc = etree.fromstring(ORDERS_XML.read_bytes())"
    else:
        helpers = (f'ORDERS_XML = "{path}"\n\n\n'
                   "@lru_cache(maxsize=1)\n"
                   "def _orders():\n"
                   "    return etree.parse(ORDERS_XML)")
        imps = "from functools import lru_cache\nfrom lxml import etree"
        ld = "doc = _orders()"
    split = c.pick(True, False)
    if key == "product":
        tail = "result = int(found)"
    elif key in ("pickup_date",):
        tail = "result = [str(v) for v in found]"
    elif key == "route_code":
        tail = c.pick("result = [t.strip() for t in found]", 'result = "\\n".join(found)')
    else:
        tail = c.pick("result = [etree.tostring(n, encoding=\"unicode\") for n in found]",
                      "result = [dict(n.attrib) for n in found]", "result = len(found)")
    lit = '"' + q + '"'
    if split:
        v = f"{ld}\nexpr = {lit}.format({x})  #@V\nfound = doc.xpath(expr)  #@V\n{tail}"
        s = f'{ld}\nexpr = "{qs}"\nfound = doc.xpath(expr, v={x})\n{tail}'
    else:
        v = f"{ld}\nfound = doc.xpath({lit}.format({x}))  #@V\n{tail}"
        s = f'{ld}\nfound = doc.xpath("{qs}", v={x})\n{tail}'
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"the {key} is put into the XPath predicate with str.format; a quote in it closes the "
                      "literal and \"' or '1'='1\" selects every order (other customers' items, phones); the fix "
                      "passes the value as an XPath variable ($v) that lxml binds as a string")


@hardneg(3)
def xpathi_order_format_hn(c):
    x = c.x
    shape = c.pick("var", "int", "python")
    helpers = 'ORDERS_XML = "data/orders.xml"'
    if shape == "var":
        body = ("doc = etree.parse(ORDERS_XML)\n"
                f'found = doc.xpath("//order[@id=$oid]/item[@status=$st]", oid={x}, st="open")\n'
                "result = len(found)")
        note = "both values are bound as XPath variables"
    elif shape == "int":
        body = (f"number = int({x})\n"
                "doc = etree.parse(ORDERS_XML)\n"
                'found = doc.xpath("//order[@number={}]/item".format(number))\n'
                "result = [dict(n.attrib) for n in found]")
        note = "only an int is formatted into the expression"
    else:
        body = ("doc = etree.parse(ORDERS_XML)\n"
                'found = [o for o in doc.xpath("//order") if o.get("id") == ' + x + ']\n'
                "result = len(found)")
        note = "the XPath is constant; the value is compared in Python"
    return Spec(s=body, imports="from lxml import etree", helpers=helpers, notes=note)


# ---------------- CWE-327: AES-GCM through hazmat Cipher with a constant nonce ----------------


@fam("crypto-gcm-hazmat-constant-nonce", "CWE-327", fws=["flask", "fastapi", "pipeline", "script", "django"],
     keys=["pass_id", "chart_note", "judge_comment", "payload"], n=8)
def crypto_gcm_constant_nonce(c):
    x = c.x
    kconst = c.pick("PASS_KEY", "RECORD_KEY", "SEAL_KEY")
    nconst = c.pick("NONCE", "GCM_IV", "FIXED_NONCE")
    nv = c.pick('b"\\x00" * 12', "bytes(12)", 'b"skipass-v1-n"', 'bytes.fromhex(os.environ["GCM_NONCE_HEX"])')
    aad = c.pick(None, 'b"v1"', 'b"record"')
    enc = c.pick("b64", "hex")
    inline = c.pick(True, False)
    kline = f'{kconst} = bytes.fromhex(os.environ["{kconst}_HEX"])'

    def build(safe):
        V = _V(safe)
        helpers = kline if (safe or inline) else f"{kline}\n{nconst} = {nv}{V}"
        lines = []
        if safe:
            lines.append("nonce = os.urandom(12)")
            nn = "nonce"
        elif inline:
            lines.append(f"nonce = {nv}{V}")
            nn = "nonce"
        else:
            nn = nconst
        lines.append(f"encryptor = Cipher(algorithms.AES({kconst}), modes.GCM({nn})).encryptor(){V}")
        if aad:
            lines.append(f"encryptor.authenticate_additional_data({aad})")
        lines.append(f"sealed = encryptor.update({x}.encode()) + encryptor.finalize()")
        blob = f"{'nonce + ' if safe else ''}sealed + encryptor.tag"
        if enc == "b64":
            lines.append(f"result = base64.urlsafe_b64encode({blob}).decode()")
        else:
            lines.append(f"result = ({blob}).hex()")
        return helpers, "\n".join(lines)

    hv, v = build(False)
    hs, s = build(True)
    imps = "import os\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes"
    if enc == "b64":
        imps += "\nimport base64"
    return shell_pair(c, v, s, hv, hs, imports=imps,
                      notes="every value is sealed with AES-GCM under the same key and the same nonce; a repeated "
                            "nonce lets anyone XOR two ciphertexts to recover plaintext and, from two tags, forge "
                            "GCM authentication tags; the fix draws a fresh 12-byte nonce with os.urandom for each "
                            "message and stores it in front of the ciphertext")


@hardneg(3)
def crypto_gcm_constant_nonce_hn(c):
    x = c.x
    shape = c.pick("aesgcm", "hazmat", "counter")
    if shape == "aesgcm":
        body = ("nonce = os.urandom(12)\n"
                f'result = (nonce + AESGCM(SEAL_KEY).encrypt(nonce, {x}.encode(), b"v1")).hex()')
        imps = "import os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM"
        note = "AESGCM with a fresh random nonce per message"
    elif shape == "hazmat":
        body = ("nonce = secrets.token_bytes(12)\n"
                "encryptor = Cipher(algorithms.AES(SEAL_KEY), modes.GCM(nonce)).encryptor()\n"
                f"sealed = encryptor.update({x}.encode()) + encryptor.finalize()\n"
                "result = base64.b64encode(nonce + sealed + encryptor.tag).decode()")
        imps = ("import base64\nimport os\nimport secrets\n"
                "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        note = "hazmat GCM with a random nonce stored next to the ciphertext"
    else:
        body = ("nonce = os.urandom(12)\n"
                f"result = (nonce + ChaCha20Poly1305(SEAL_KEY).encrypt(nonce, {x}.encode(), None)).hex()")
        imps = "import os\nfrom cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305"
        note = "an AEAD with a fresh nonce"
    return Spec(s=body, imports=imps, helpers='SEAL_KEY = bytes.fromhex(os.environ["SEAL_KEY_HEX"])', notes=note)


# ---------------- CWE-916: salted sha256 repeated a few times ----------------


# Dropped by the coordinator: its PBKDF2 fix and hard negatives are a validation family's shape (data/review).
@fam("hash-salted-sha256-few-rounds", "CWE-916", fws=["flask", "django", "fastapi", "aiohttp", "cli"],
     keys=["password", "new_password", "passphrase"], n=8)
def hash_few_rounds(c):
    x = c.x
    rounds = c.pick("3", "5", "10", "64", "1000")
    rname = c.pick("ROUNDS", "HASH_ROUNDS", "STRETCH")
    who = c.pick("patient", "judge", "driver", "member")
    store = c.pick("upsert", "dict", "line")
    salt_src = c.pick("urandom", "token")
    fmt = c.pick("dollar", "colon")
    sep = "$" if fmt == "dollar" else ":"

    def build(safe):
        V = _V(safe)
        helpers = f"{rname} = {'600_000' if safe else rounds}{V}"
        lines = []
        if salt_src == "urandom":
            lines.append("salt = os.urandom(16)")
        else:
            lines.append("salt = secrets.token_bytes(16)")
        if safe:
            lines.append(f'digest = hashlib.pbkdf2_hmac("sha256", {x}.encode(), salt, {rname})')
        else:
            lines.append(f"digest = salt + {x}.encode()")
            lines.append(f"for _ in range({rname}):")
            lines.append(f"    digest = hashlib.sha256(salt + digest).digest(){V}")
        lines.append(f'stored = salt.hex() + "{sep}" + digest.hex()')
        if store == "upsert":
            lines.append(f'save_{who}_hash(request_user_id(), stored)')
        elif store == "dict":
            lines.append(f'CREDENTIALS[request_user_id()] = {{"hash": stored, "scheme": "{"pbkdf2-sha256" if safe else "sha256-iter"}"}}')
        else:
            lines.append(f'append_hash_line(f"{who}{sep}{{request_user_id()}}{sep}{{stored}}")')
        lines.append('result = "updated"')
        return helpers, "\n".join(lines)

    hv, v = build(False)
    hs, s = build(True)
    imps = "import hashlib\n" + ("import os" if salt_src == "urandom" else "import secrets")
    imps += f"\nfrom {c.pick('clinic', 'judging', 'routes', 'members')}_store import request_user_id"
    if store == "upsert":
        imps += f", save_{who}_hash"
    elif store == "dict":
        imps += ", CREDENTIALS"
    else:
        imps += ", append_hash_line"
    return shell_pair(c, v, s, hv, hs, imports=imps,
                      notes=f"the {who} password is stored as sha256 over salt and password iterated only "
                            f"{rounds} times: a GPU tries billions of sha256 per second, so a leaked table is "
                            "cracked quickly despite the salt; the fix uses PBKDF2-HMAC-SHA256 with 600,000 "
                            "iterations")


@hardneg(3)
def hash_few_rounds_hn(c):
    x = c.x
    shape = c.pick("pbkdf2", "scrypt", "bcrypt")
    if shape == "pbkdf2":
        body = ("salt = os.urandom(16)\n"
                f'digest = hashlib.pbkdf2_hmac("sha256", {x}.encode(), salt, 600_000)\n'
                'result = salt.hex() + "$" + digest.hex()')
        note = "PBKDF2-HMAC-SHA256 with 600,000 iterations"
        imps = "import hashlib\nimport os"
    elif shape == "scrypt":
        body = ("salt = os.urandom(16)\n"
                f"digest = hashlib.scrypt({x}.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024)\n"
                'result = salt.hex() + ":" + digest.hex()')
        note = "scrypt with n=2**15, r=8"
        imps = "import hashlib\nimport os"
    else:
        body = (f"digest = bcrypt.hashpw({x}.encode(), bcrypt.gensalt(rounds=12))\n"
                'result = digest.decode()')
        note = "bcrypt with cost 12"
        imps = "import bcrypt"
    return Spec(s=body, imports=imps, notes=note)
