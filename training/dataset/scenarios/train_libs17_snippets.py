"""Train-only snippet families for labels with few train families, each in an application and code
shape no other family uses:

- xpathi-lxml-partial-match-search (643): a school portal's grade book / timetable XML searched by a
  partial name (contains(), starts-with(), a lower-cased translate()) with the request value quoted
  into the lxml ``.xpath()`` string; results as ids, a count() or a string(); the fix passes the
  value as an XPath variable (``$q``, keyword argument of ``.xpath``);
- ldapi-search-base-dn-from-input (90): a directory roster whose search *base DN* is built from the
  request value (campus OU, class OU, tenant dc=) and searched with python-ldap ``search_s``
  (one-level or subtree); the fix escapes the RDN value with ``ldap.dn.escape_dn_chars``;
- crypto-aes-cbc-static-iv-payroll (327): a payroll job encrypting bank account numbers with
  cryptography's AES-CBC under a fixed IV (zero bytes, a constant, the key's first bytes, a hash of
  a constant); the fix draws a fresh IV with os.urandom and stores it with the ciphertext;
- rand-shuffle-pairing-code (338): a smart-home hub pairing code made by shuffling an alphabet with
  ``random.shuffle`` or numpy's ``permutation``; the fix uses ``random.SystemRandom``;
- perm-shared-cache-tree-world-writable (732): a research data portal creating a per-dataset cache
  tree and chmod'ing every directory world-writable (0o777, 0o2777, S_IRWXO, st_mode | S_IWOTH);
  the fix uses owner + group read/execute modes;
- redos-uploaded-csv-field-nested (1333): a logistics tracker validating fields of an uploaded CSV
  manifest (tracking number, consignee, PO list) or a carrier e-mail header with a regex that repeats
  a character class inside a repeated group (``^([A-Z0-9-]+)+$``); the fix is a single character class
  with a length cap.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import shell_pair
from registry import WEB_FWS, fam, hardneg


# ---------------- CWE-643: partial-match XPath search in a school portal ----------------

_XP_DOCS = {
    "surname": ("/srv/portal/gradebook.xml", "student", "surname", "id"),
    "course": ("/srv/portal/timetable.xml", "lesson", "course", "room"),
    "teacher": ("/srv/portal/staff.xml", "teacher", "name", "email"),
}


def _xp_load(c, path):
    how = c.pick("parse", "bytes")
    if how == "parse":
        return [f'{c.n("doc")} = etree.parse("{path}")']
    return [f'with open("{path}", "rb") as fh:',
            f"    {c.n('doc')} = etree.fromstring(fh.read())"]


@fam("xpathi-lxml-partial-match-search", "CWE-643", fws=WEB_FWS + ["cli"], keys=["surname", "course", "teacher"], n=8)
def xpathi_partial_match(c):
    x = c.x
    path, el, attr, out_attr = _XP_DOCS[c.key]
    doc = c.n("doc")
    pred = c.pick("contains", "starts", "lower")
    as_attr = c.pick(True, False)
    ref = f"@{attr}" if as_attr else attr
    out = c.pick("ids", "count", "string")
    var = c.pick("q", "needle", "prefix")
    load = _xp_load(c, path)

    def expr(safe):
        val = f"${var}" if safe else "'{}'"
        if pred == "contains":
            p = f"contains({ref}, {val})"
        elif pred == "starts":
            p = f"starts-with({ref}, {val})"
        else:
            p = (f"contains(translate({ref}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), "
                 f"{val})")
        inner = f"//{el}[{p}]"
        if out == "count":
            inner = f"count({inner})"
        elif out == "string":
            inner = f"string({inner}/@{out_attr})"
        return inner

    def body(safe):
        lines = list(load)
        arg = x if pred != "lower" else f"{x}.lower()"
        if safe:
            call = f'{doc}.xpath("{expr(True)}", {var}={arg})'
        else:
            if pred == "lower":
                lines.append(f"{var} = {x}.lower()")
                arg = var
            call = f"{doc}.xpath({c.fmt(expr(False), arg, style=c.pick('fstring', 'format', 'percent', 'concat'))})"
        V = "" if safe else "  #@V"
        if out == "ids":
            lines.append(f"hits = {call}{V}")
            lines.append(f'result = [h.get("{out_attr}") or h.findtext("{out_attr}") for h in hits]')
        elif out == "count":
            lines.append(f"result = int({call}){V}")
        else:
            lines.append(f"result = str({call}){V}")
        return "\n".join(lines)

    st = c.snapshot()
    v = body(False)
    c.restore(st)
    s = body(True)
    return Spec(v=v, s=s, imports="from lxml import etree",
                notes=f"the {c.key} typed into the portal search is quoted into an XPath {pred} predicate; a quote "
                      "in it rewrites the expression (e.g. ' or '1'='1) and returns every record; the fix passes "
                      "it as an XPath variable")


@hardneg(3)
def xpathi_partial_match_hn(c):
    x = c.x
    path, el, attr, out_attr = _XP_DOCS[c.key]
    doc = c.n("doc")
    shape = c.pick("var", "python", "fixed")
    load = "\n".join(_xp_load(c, path))
    if shape == "var":
        body = (f"{load}\nhits = {doc}.xpath(\"//{el}[contains(@{attr}, $term)]\", term={x})\n"
                f'result = [h.get("{out_attr}") for h in hits]')
        note = "the search term is an XPath variable"
    elif shape == "python":
        body = (f"{load}\nresult = [h.get(\"{out_attr}\") for h in {doc}.xpath(\"//{el}\")\n"
                f"          if {x}.lower() in (h.get(\"{attr}\") or \"\").lower()]")
        note = "fixed XPath; the partial match is done in Python"
    else:
        body = (f"{load}\ntotal = int({doc}.xpath(\"count(//{el})\"))\n"
                f"result = {{\"query\": {x}, \"total\": total}}")
        note = "the XPath expression is a constant"
    return Spec(s=body, imports="from lxml import etree", notes=note)


# ---------------- CWE-90: search base DN built from the request ----------------

_DN_LAYOUT = {
    "campus": ("ou={},ou=campuses,dc=school,dc=example", "(objectClass=inetOrgPerson)"),
    "class_code": ("ou=class-{},ou=students,dc=school,dc=example", "(objectClass=person)"),
    "tenant": ("ou=people,dc={},dc=portal,dc=example", "(objectClass=inetOrgPerson)"),
}


_PL_DIRECTORY = ("def _directory():\n"
                 '    conn = ldap.initialize("ldaps://ldap.school.example")\n'
                 "    conn.set_option(ldap.OPT_REFERRALS, 0)\n"
                 '    conn.simple_bind_s(os.environ["LDAP_READER_DN"], os.environ["LDAP_READER_PW"])\n'
                 "    return conn")


@fam("ldapi-search-base-dn-from-input", "CWE-90", fws=WEB_FWS + ["cli", "pipeline"],
     keys=["campus", "class_code", "tenant"], n=8)
def ldapi_base_dn(c):
    x = c.x
    tmpl, flt = _DN_LAYOUT[c.key]
    lib = c.pick("python-ldap", "python-ldap-sub")
    attrs = c.pick('["cn", "mail"]', '["displayName", "mail", "title"]', '["uid", "cn", "telephoneNumber"]')
    inline = c.pick(True, False)
    st = c.pick("fstring", "format", "percent", "concat")
    imports = "import ldap\nimport os"
    simports = "import ldap.dn"
    esc = "ldap.dn.escape_dn_chars"
    helpers = _PL_DIRECTORY
    if lib == "python-ldap":
        search = lambda b: f'entries = conn.search_s({b}, ldap.SCOPE_ONELEVEL, "{flt}", {attrs})'
    else:
        search = lambda b: f'entries = conn.search_s({b}, ldap.SCOPE_SUBTREE, "{flt}", attrlist={attrs})'
    tail = c.pick("result = [dn for dn, _a in entries]",
                  "result = [{k: [v.decode() for v in vals] for k, vals in a.items()} for _dn, a in entries]")

    def body(safe):
        val = f"{esc}({x})" if safe else x
        V = "" if safe else "  #@V"
        base = c.fmt(tmpl, val, style=st)
        lines = ["conn = _directory()"]
        if inline:
            lines.append(search(base) + V)
        else:
            lines.append(f"base_dn = {base}{V}")
            lines.append(search("base_dn") + V)
        lines.append(tail)
        return "\n".join(lines)

    s0 = c.snapshot()
    v = body(False)
    c.restore(s0)
    s = body(True)
    return Spec(v=v, s=s, imports=imports, simports=simports, helpers=helpers,
                notes=f"the {c.key} from the request becomes an RDN of the search base DN unescaped; a value with "
                      "',' or '=' moves the search to another subtree of the directory (other campuses, staff, "
                      "service accounts); the fix escapes it as an RDN value")


@hardneg(3)
def ldapi_base_dn_hn(c):
    x = c.x
    tmpl, flt = _DN_LAYOUT[c.key]
    shape = c.pick("allow", "filter", "escape")
    helpers = _PL_DIRECTORY
    imports = "import ldap\nimport os"
    if shape == "allow":
        helpers += '\n\n\nKNOWN_OUS = {"north": "north", "south": "south", "east": "east", "online": "online"}'
        base = "f\"" + tmpl.replace("{}", "{ou}") + "\""
        body = (f"ou = KNOWN_OUS.get({x})\n"
                "if ou is None:\n"
                "    raise ValueError(\"unknown unit\")\n"
                "conn = _directory()\n"
                f'entries = conn.search_s({base}, ldap.SCOPE_ONELEVEL, "{flt}", ["cn", "mail"])\n'
                "result = [dn for dn, _a in entries]")
        note = "the RDN value comes from an allow-list"
    elif shape == "filter":
        imports += "\nimport ldap.filter"
        body = ("conn = _directory()\n"
                f'entries = conn.search_s("dc=school,dc=example", ldap.SCOPE_SUBTREE, '
                f'f"(&{flt}(ou={{ldap.filter.escape_filter_chars({x})}}))", ["cn", "mail"])\n'
                "result = [dn for dn, _a in entries]")
        note = "fixed base DN; the value goes into the filter escaped"
    else:
        imports += "\nimport ldap.dn"
        base = "f\"" + tmpl.replace("{}", f"{{ldap.dn.escape_dn_chars({x})}}") + "\""
        body = ("conn = _directory()\n"
                f'entries = conn.search_s({base}, ldap.SCOPE_ONELEVEL, "{flt}", ["cn"])\n'
                "result = len(entries)")
        note = "the RDN value is escaped with ldap.dn.escape_dn_chars"
    return Spec(s=body, imports=imports, helpers=helpers, notes=note)


# ---------------- CWE-327: AES-CBC with a static IV in a payroll job ----------------

_IV_CONST = {
    "zero": 'PAYROLL_IV = bytes(16)',
    "zeros": 'PAYROLL_IV = b"\\x00" * 16',
    "const": 'PAYROLL_IV = b"PayrollExport-01"',
    "hash": 'PAYROLL_IV = hashlib.sha256(b"payroll-export").digest()[:16]',
}


@fam("crypto-aes-cbc-static-iv-payroll", "CWE-327", fws=["cli", "script", "pipeline", "flask", "fastapi"],
     keys=["iban", "account_number", "routing_number"], n=8)
def crypto_cbc_static_iv(c):
    x = c.x
    where = c.pick("module", "module", "inline-key")
    ivk = c.pick(*_IV_CONST)
    enc_out = c.pick("b64", "hex")
    keysrc = c.pick('base64.b64decode(os.environ["PAYROLL_AES_KEY"])',
                    'bytes.fromhex(os.environ["PAYROLL_KEY_HEX"])')
    pad = c.pick("pkcs7", "pkcs7")
    key_h = f"PAYROLL_KEY = {keysrc}"
    imports = ("import base64\nimport os\n"
               "from cryptography.hazmat.primitives import padding\n"
               "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
    vimports = "import hashlib" if (where == "module" and ivk == "hash") else ""

    if where == "module":
        hv = key_h + "\n" + _IV_CONST[ivk] + "  #@V"
        viv = "PAYROLL_IV"
        pre_v = []
    else:
        hv = key_h
        viv = "iv"
        pre_v = ["iv = PAYROLL_KEY[:16]  #@V"]
    hs = key_h

    def body(safe):
        lines = ["padder = padding.PKCS7(128).padder()",
                 f"padded = padder.update({x}.encode()) + padder.finalize()"]
        if safe:
            lines.append("iv = os.urandom(16)")
            lines.append("encryptor = Cipher(algorithms.AES(PAYROLL_KEY), modes.CBC(iv)).encryptor()")
            blob = "iv + encryptor.update(padded) + encryptor.finalize()"
        else:
            lines += pre_v
            lines.append(f"encryptor = Cipher(algorithms.AES(PAYROLL_KEY), modes.CBC({viv})).encryptor()  #@V")
            blob = "encryptor.update(padded) + encryptor.finalize()"
        lines.append(f"sealed = {blob}")
        lines.append("result = base64.b64encode(sealed).decode()" if enc_out == "b64" else "result = sealed.hex()")
        return "\n".join(lines)

    return shell_pair(c, body(False), body(True), hv, hs, imports=imports, vimports=vimports,
                      notes=f"the {c.key} is encrypted with AES-CBC under a fixed IV ({ivk if where == 'module' else 'the key bytes'}); "
                            "equal account numbers give equal ciphertexts and shared prefixes show, so the export "
                            "leaks which employees bank together; the fix draws a random IV per record and stores it "
                            "in front of the ciphertext")


@hardneg(3)
def crypto_cbc_static_iv_hn(c):
    x = c.x
    shape = c.pick("gcm", "cbc-random", "decrypt")
    helpers = 'PAYROLL_KEY = base64.b64decode(os.environ["PAYROLL_AES_KEY"])'
    if shape == "gcm":
        imports = "import base64\nimport os\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM"
        body = ("nonce = os.urandom(12)\n"
                f'sealed = nonce + AESGCM(PAYROLL_KEY).encrypt(nonce, {x}.encode(), b"payroll-v2")\n'
                "result = base64.b64encode(sealed).decode()")
        note = "AES-GCM with a fresh random nonce"
    elif shape == "cbc-random":
        imports = ("import base64\nimport os\nfrom cryptography.hazmat.primitives import padding\n"
                   "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        body = ("padder = padding.PKCS7(128).padder()\n"
                f"padded = padder.update({x}.encode()) + padder.finalize()\n"
                "iv = os.urandom(16)\n"
                "enc = Cipher(algorithms.AES(PAYROLL_KEY), modes.CBC(iv)).encryptor()\n"
                "result = (iv + enc.update(padded) + enc.finalize()).hex()")
        note = "AES-CBC with a random IV stored with the ciphertext"
    else:
        imports = ("import base64\nimport os\nfrom cryptography.hazmat.primitives import padding\n"
                   "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes")
        body = (f"blob = base64.b64decode({x})\n"
                "iv, ct = blob[:16], blob[16:]\n"
                "dec = Cipher(algorithms.AES(PAYROLL_KEY), modes.CBC(iv)).decryptor()\n"
                "unpadder = padding.PKCS7(128).unpadder()\n"
                "plain = unpadder.update(dec.update(ct) + dec.finalize()) + unpadder.finalize()\n"
                'result = "****" + plain.decode()[-4:]')
        note = "decryption with the IV read from the stored record"
    return Spec(s=body, imports=imports, helpers=helpers, notes=note)


# ---------------- CWE-338: shuffled-alphabet pairing code in a smart-home hub ----------------

_PAIR_ALPHA = ['"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"', "string.ascii_uppercase + string.digits",
               '"0123456789"']


@fam("rand-shuffle-pairing-code", "CWE-338", fws=WEB_FWS + ["pipeline"], keys=["device_id", "hub_serial"], n=8)
def rand_shuffle_pairing(c):
    x = c.x
    alpha = c.pick(*_PAIR_ALPHA)
    length = c.pick(6, 8, 10)
    lib = c.pick("random", "random", "numpy")
    store = c.pick("dict", "redis")
    imports = "import random"
    if "string." in alpha:
        imports += "\nimport string"
    helpers = f"PAIRING_ALPHABET = {alpha}\nPENDING_PAIRINGS = {{}}"
    if store == "redis":
        imports += "\nimport redis"
        helpers = f'PAIRING_ALPHABET = {alpha}\nkv = redis.Redis(host="localhost", port=6379, db=3)'
    vimports = "import numpy as np" if lib == "numpy" else ""

    def body(safe):
        lines = []
        if lib == "random":
            lines.append("pool = list(PAIRING_ALPHABET)")
            if safe:
                lines.append("random.SystemRandom().shuffle(pool)")
            else:
                lines.append("random.shuffle(pool)  #@V")
            lines.append(f'pairing_code = "".join(pool[:{length}])')
        else:
            if safe:
                lines.append("order = random.SystemRandom().sample(range(len(PAIRING_ALPHABET)), len(PAIRING_ALPHABET))")
            else:
                lines.append("order = np.random.permutation(len(PAIRING_ALPHABET))  #@V")
            lines.append(f'pairing_code = "".join(PAIRING_ALPHABET[i] for i in order[:{length}])')
        if store == "dict":
            lines.append(f"PENDING_PAIRINGS[{x}] = pairing_code")
        else:
            lines.append(f'kv.setex(f"pairing:{{{x}}}", 300, pairing_code)')
        lines.append(f'result = {{"device": {x}, "pairing_code": pairing_code, "expires_in": 300}}')
        return "\n".join(lines)

    return Spec(v=body(False), s=body(True), imports=imports, vimports=vimports, helpers=helpers,
                notes="the pairing code that lets a new device join the hub is drawn from a shuffled alphabet with "
                      f"{'random.shuffle (Mersenne Twister)' if lib == 'random' else 'numpy.random.permutation'}, "
                      "a predictable generator; the fix draws the order from random.SystemRandom (os.urandom)")


@hardneg(3)
def rand_shuffle_pairing_hn(c):
    x = c.x
    shape = c.pick("scenes", "jitter", "secrets")
    if shape == "scenes":
        body = ('scenes = ["sunset", "movie", "reading", "away", "party"]\n'
                "random.shuffle(scenes)\n"
                f'result = {{"device": {x}, "demo_order": scenes}}')
        imports = "import random"
        note = "random.shuffle only orders demo scenes"
    elif shape == "jitter":
        body = ("delay = 30 + random.uniform(0, 15)\n"
                f'result = {{"device": {x}, "next_poll_s": round(delay, 1)}}')
        imports = "import random"
        note = "random only jitters the polling interval"
    else:
        body = ('pairing_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))\n'
                f'result = {{"device": {x}, "pairing_code": pairing_code}}')
        imports = "import secrets"
        note = "the pairing code comes from secrets"
    return Spec(s=body, imports=imports, notes=note)


# ---------------- CWE-732: world-writable shared cache tree in a research data portal ----------------

_WW = {
    "777": ("0o777", "0o750"),
    "2777": ("0o2777", "0o2750"),
    "stat": ("stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO", "stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP"),
}


@fam("perm-shared-cache-tree-world-writable", "CWE-732", fws=["cli", "script", "pipeline", "flask"],
     keys=["dataset_id", "study_id"], n=8)
def perm_cache_tree(c):
    x = c.x
    mode = c.pick("777", "2777", "stat", "or")
    walk = c.pick("oswalk", "subdirs", "pathlib")
    root_c = c.pick("/srv/research-cache", "/var/cache/dataportal", "/data/shared/cache")
    subs = c.pick('("raw", "derived", "thumbnails")', '("downloads", "parquet", "previews")',
                  '("source", "normalised", "plots")')
    imports = "import os"
    if mode in ("stat", "or"):
        imports += "\nimport stat"
    if walk == "pathlib":
        imports += "\nfrom pathlib import Path"
    helpers = f'CACHE_ROOT = "{root_c}"'

    def chmod(target, safe):
        if mode == "or":
            m = (f"os.stat({target}).st_mode | stat.S_IRGRP | stat.S_IXGRP" if safe else
                 f"os.stat({target}).st_mode | stat.S_IWGRP | stat.S_IWOTH")
            m = f"({m})" if walk == "pathlib" else m
        else:
            m = _WW[mode][1 if safe else 0]
        V = "" if safe else "  #@V"
        if walk == "pathlib":
            return f"{target}.chmod({m if mode != 'or' else m.replace('os.stat(' + target + ')', target + '.stat()')}){V}"
        return f"os.chmod({target}, {m}){V}"

    def body(safe):
        lines = [f"ds = int({x})"]
        if walk == "pathlib":
            lines += [f'root = Path(CACHE_ROOT) / f"ds-{{ds:06d}}"',
                      f"for sub in {subs}:",
                      "    (root / sub).mkdir(parents=True, exist_ok=True)",
                      "for d in [root, *root.rglob(\"*\")]:",
                      "    if d.is_dir():",
                      "        " + chmod("d", safe)]
        elif walk == "oswalk":
            lines += [f'root = os.path.join(CACHE_ROOT, f"ds-{{ds:06d}}")',
                      f"for sub in {subs}:",
                      "    os.makedirs(os.path.join(root, sub), exist_ok=True)",
                      "for dirpath, _dirs, _files in os.walk(root):",
                      "    " + chmod("dirpath", safe)]
        else:
            lines += [f'root = os.path.join(CACHE_ROOT, "ds-%06d" % ds)',
                      "os.makedirs(root, exist_ok=True)",
                      "created = [root]",
                      f"for sub in {subs}:",
                      "    d = os.path.join(root, sub)",
                      "    os.makedirs(d, exist_ok=True)",
                      "    created.append(d)",
                      "for d in created:",
                      "    " + chmod("d", safe)]
        lines.append('result = {"dataset": ds, "cache": str(root)}')
        return "\n".join(lines)

    return Spec(v=body(False), s=body(True), imports=imports, helpers=helpers,
                notes="the per-dataset cache tree shared by the portal's workers is made world-writable after it "
                      "is created; any local account can replace cached files that other users download or the "
                      "pipeline loads; the fix keeps write access to the owner and gives the group read/execute")


@hardneg(3)
def perm_cache_tree_hn(c):
    x = c.x
    shape = c.pick("750", "files", "makedirs")
    helpers = f'CACHE_ROOT = "{c.pick("/srv/research-cache", "/var/cache/dataportal")}"'
    if shape == "750":
        body = (f"ds = int({x})\n"
                'root = os.path.join(CACHE_ROOT, f"ds-{ds:06d}")\n'
                'os.makedirs(os.path.join(root, "derived"), exist_ok=True)\n'
                "for dirpath, _dirs, _files in os.walk(root):\n"
                "    os.chmod(dirpath, 0o750)\n"
                'result = {"dataset": ds}')
        note = "the tree is chmod'ed owner rwx, group r-x"
    elif shape == "files":
        body = (f"ds = int({x})\n"
                'root = os.path.join(CACHE_ROOT, f"ds-{ds:06d}")\n'
                "for dirpath, _dirs, files in os.walk(root):\n"
                "    for name in files:\n"
                "        os.chmod(os.path.join(dirpath, name), 0o640)\n"
                'result = {"dataset": ds}')
        note = "cached files are made owner rw, group r"
    else:
        body = (f"ds = int({x})\n"
                'root = os.path.join(CACHE_ROOT, f"ds-{ds:06d}", "previews")\n'
                "os.makedirs(root, mode=0o700, exist_ok=True)\n"
                'result = {"dataset": ds, "cache": root}')
        note = "the cache directory is created private to the service"
    return Spec(s=body, imports="import os", helpers=helpers, notes=note)


# ---------------- CWE-1333: nested quantifiers on uploaded CSV fields / e-mail headers ----------------

_CSV_FIELDS = {
    "tracking": ("tracking_no", r"^([A-Z0-9-]+)+$", r"^[A-Z0-9-]{1,40}$"),
    "consignee": ("consignee", r"^([A-Za-z ]+)+$", r"^[A-Za-z ]{1,120}$"),
    "po_list": ("po_numbers", r"^([\d;]+)+$", r"^[\d;]{1,200}$"),
}
_HDR = ("X-Carrier-Ref", r"^([\w. ]+)+$", r"^[\w. ]{1,80}$")


@fam("redos-uploaded-csv-field-nested", "CWE-1333", fws=WEB_FWS + ["pipeline"],
     keys=["manifest_csv", "manifest_csv", "raw_message"], n=8)
def redos_csv_field(c):
    x = c.x
    compiled = c.pick(True, False)
    if c.key == "raw_message":
        field, vpat, spat = _HDR
        imports = "import email\nimport re"
        read = [f"msg = email.message_from_string({x})",
                f'value = msg.get("{field}", "")']
        loop = False
        what = f"the {field} header of a carrier notification e-mail"
    else:
        fk = c.pick(*_CSV_FIELDS)
        field, vpat, spat = _CSV_FIELDS[fk]
        imports = "import csv\nimport io\nimport re"
        read = [f"reader = csv.DictReader(io.StringIO({x}))"]
        loop = True
        what = f"the {field} column of an uploaded CSV manifest"
    const = c.pick("FIELD_RE", "REF_PATTERN", "VALID_VALUE")

    def check(pat, V):
        if compiled:
            return f"{const}.match(value){V}"
        return f're.match(r"{pat}", value){V}'

    def parts(safe):
        pat = spat if safe else vpat
        V = "" if safe else "  #@V"
        helpers = f'{const} = re.compile(r"{pat}"){V}' if compiled else ""
        lines = list(read)
        if loop:
            lines += ["accepted, rejected = [], []",
                      "for line_no, row in enumerate(reader, start=2):",
                      f'    value = (row.get("{field}") or "").strip()',
                      f"    if {check(pat, '')}:{V}",
                      "        accepted.append(row)",
                      "    else:",
                      "        rejected.append(line_no)",
                      'result = {"accepted": len(accepted), "rejected_lines": rejected}']
        else:
            lines += [f"ok = bool({check(pat, '')}){V}",
                      'result = {"reference": value if ok else None, "valid": ok}']
        return "\n".join(lines), helpers

    v, hv = parts(False)
    s, hs = parts(True)
    return shell_pair(c, v, s, hv, hs, imports=imports,
                      notes=f"{what} is checked with a regex that nests a quantifier inside a repeated group "
                            f"({vpat}); a long value that almost matches backtracks exponentially and stalls the "
                            "worker; the fix matches the field with a single character class and a length cap")


@hardneg(3)
def redos_csv_field_hn(c):
    x = c.x
    shape = c.pick("linear", "split", "length")
    imports = "import csv\nimport io\nimport re"
    if shape == "linear":
        helpers = 'TRACKING_RE = re.compile(r"^[A-Z0-9-]{4,30}$")'
        body = (f"reader = csv.DictReader(io.StringIO({x}))\n"
                'bad = [n for n, row in enumerate(reader, start=2) if not TRACKING_RE.match(row.get("tracking_no", ""))]\n'
                'result = {"invalid_lines": bad}')
        note = "a single character class with bounded repeats"
    elif shape == "split":
        helpers = 'PO_RE = re.compile(r"^\\d{6,10}$")'
        body = (f"reader = csv.DictReader(io.StringIO({x}))\n"
                "bad = []\n"
                "for n, row in enumerate(reader, start=2):\n"
                '    if not all(PO_RE.match(p) for p in (row.get("po_numbers") or "").split(";")):\n'
                "        bad.append(n)\n"
                'result = {"invalid_lines": bad}')
        note = "the list is split and each part matched with a simple pattern"
    else:
        helpers = 'NAME_RE = re.compile(r"^[A-Za-z .\'-]+$")'
        body = (f"reader = csv.DictReader(io.StringIO({x}))\n"
                "bad = []\n"
                "for n, row in enumerate(reader, start=2):\n"
                '    name = (row.get("consignee") or "")[:120]\n'
                "    if not NAME_RE.match(name):\n"
                "        bad.append(n)\n"
                'result = {"invalid_lines": bad}')
        note = "a single character class on a length-capped field"
    return Spec(s=body, imports=imports, helpers=helpers, notes=note)
