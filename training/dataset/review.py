"""Second, independent reviewer pass over the generated examples ("review.py rules v1").

The generator's author marks lines in templates; this reviewer does not trust those marks.
For every example it re-derives, from the code alone, whether the label, the CWE and the
marked lines are plausible:

R1  vulnerable: marked lines are in range and not blank, and at least one marked line
    contains a sink/source/check pattern of the labelled CWE (call names are resolved
    through the file's imports first, so ``from os import system as run`` still counts);
R2  twin: a vulnerable example has a safe twin that exists, differs from it, and the
    difference touches a marked line or inserts a guard within 8 lines above one;
R3  safe: no line of a safe example (twin or hard negative) carries a line-local
    signature of the weakness (e.g. ``verify=False``, ``yaml.load(..., Loader=yaml.Loader)``),
    unless the line says ``# nosec``;
R5  one weakness per example: no unmarked line of any example carries the line-local
    signature (BAD) of a *different* CWE (a safe twin that writes to /tmp, a fix that
    hard-codes a password), so a second, unlabelled weakness cannot hide in the data;
R4  hard negatives: ``hard_negative`` is set exactly when the safe code still contains
    the sink pattern of the family's CWE (it looks dangerous but is not); flags that
    disagree are corrected.
Examples failing R1-R3 are dropped together with their twin; R4 corrections are counted
as fixes. The report is written to data/review-report.txt and quoted in data/README.md.
"""
from __future__ import annotations

import ast
import difflib
import re
from collections import Counter

from cwes import GROUPS

REVIEWER = "review.py rules v1"

# sink / source / check patterns per CWE, matched on import-resolved lines
SINK = {
    "CWE-89": r"\.(execute|executemany|raw|extra)\(|read_sql|\btext\(|\b(SELECT|INSERT|UPDATE|DELETE)\b|ORDER BY|\bIN \(|\.(rows|count)_where\(",
    "CWE-78": r"os\.(system|popen)|subprocess\.|create_subprocess_shell|shell=True|os\.spawn|os\.exec|pexpect\.(spawn|run)\(|\.(run|sudo)\(.*\bhide=|\.exec_run\(|containers\.run\(|\bsh\.(ba)?sh\(|module_args=|ShellOperation\(|await conn\.run\(|sarge\.(run|capture_stdout|capture_stderr|capture_both|get_stdout|get_stderr|get_both)\(",
    "CWE-77": r"subprocess\.|exec_command|\"(bash|sh)\", \"-c\"|\.split\(\)|local\[\"[\w.-]+\"\]\[",
    "CWE-94": r"\beval\(|\bexec\(|\bcompile\(|render_template_string|from_string|Template\(|\|safe|\.query\(|\.eval\(|\.compile_expression\(|\bsympify\(|\bparse_expr\(|numexpr\.evaluate\(|NUMEXPR_SANITIZE|import_module\(|resolve_name\(|import_string\(|getattr\(",
    "CWE-90": r"\.search(_s|_st)?\(|Connection\(|\((uid|mail|cn|telephoneNumber)=|\(&|\(\||uid=",
    "CWE-643": r"xpath|XPath|\.find(all)?\(|elementpath\.select|//",
    "CWE-1333": r"re\.(compile|match|search|fullmatch|findall)\(|\.match\(|validate\.Regexp\(",
    "CWE-400": r"\.read\(|get_data\(|range\(|\* ?int\(|requests\.(get|post)\(|\bint\(|websockets\.serve\(.*max_size=None|DATA_UPLOAD_MAX_\w+ = None|strawberry\.Schema\(|\.append\((?:msg\.data|text)\)",
    "CWE-117": r"\.(info|warning|error|debug|exception|critical)\(|\.write\(|print\(|syslog\(",
    "CWE-79": r"Markup|mark_safe|autoescape|\|safe|<\w+[^>]*>|Response\(|make_response\(|render\(",
    "CWE-352": r"csrf|CSRF|methods=\[\"GET\"\]|\.(save|delete|update)\(|move_funds|save_email|active = False|cancel\(",
    "CWE-601": r"redirect|Redirect|HTTPFound|startswith\(|\[\"Location\"\]|\"Location\":",
    "CWE-614": r"set_cookie|COOKIE_SECURE|Set-Cookie|SessionMiddleware|https_only=False",
    "CWE-1004": r"set_cookie|COOKIE_HTTPONLY|\.add_cookie\(|AuthTktCookieHelper\(|httponly=False|CookieTransport\(",
    "CWE-209": r"traceback|str\(exc\)|repr\(exc\)|\{exc\}|pgerror|exc\.__traceback__",
    "CWE-215": r"DEBUG|debug=True|log\.info\(|debuglevel",
    "CWE-489": r"debug=True|DebuggedApplication|debugpy\.listen\(|RemotePdb\(|remote_pdb\.set_trace\(|\.output_(html|text)\(|aiomonitor\.start_monitor\(|manhole\.install\(|pyramid_debugtoolbar",
    "CWE-200": r"\.cached\(|cache_page\(|dict\(|__dict__|os\.environ|__all__|listdir|show_index|getpid|platform\.|token|password|secret|\.model_dump\(\)|serializers\.serialize\(",
    "CWE-862": r"def |@login_required|permission_classes|\.(update|commit|save|delete)|= True|FLAGS\[|add_view|delete_\w+\(|\.objects\.all\(\)",
    "CWE-863": r"if not|has_perm|cookies|headers|is_admin|in groups|user_passes_test|startswith|endswith|tenant|\.get\(|any_perm=True",
    "CWE-639": r"\.get\(|get_object_or_404|SELECT|filter_by|objects\.all\(\)|\bint\(|body\[|\.get_by_id\(|\.get_or_none\(",
    "CWE-306": r"def |@app\.|route|permission_classes|@require_POST|\w+\(\)|\.run\(|op\"\) ==",
    "CWE-287": r"authenticate|login\(|session\[|if |bind\(|==|headers|Header\(|Remote-User|remote_user|username = |\"verify_aud\": False|id_token\.verify_oauth2_token\(",
    "CWE-269": r"role|setuid|setgid|setattr|fields|privileged|groups|\.add\(",
    "CWE-22": r"open\(|os\.path\.join|send_file|extractall|os\.remove|read_text|FileResponse|startswith|/|DOCS|unpack_archive\(",
    "CWE-434": r"\.save\(|open\(|os\.path\.join|mimetype|filename|\bin\b",
    "CWE-377": r"mktemp|/tmp|gettempdir|open\(|/dev/shm",
    "CWE-732": r"chmod|os\.open\(|0o\d+|make_public\(|predefined_acl=\"publicRead\"",
    "CWE-276": r"umask|makedirs|touch|PERMISSIONS|0o\d+|open\(",
    "CWE-502": r"pickle|yaml\.(load|unsafe_load)|jsonpickle|torch\.load|np\.load|numpy\.load|read_pickle|marshal|dill|shelve|joblib\.load|recv_pyobj|connection\.Listener\(|YAML\(typ=\"unsafe\"|PickleEncoder\(|safe_mode=False|enable_unsafe_deserialization\(|SqliteDict\(",
    "CWE-611": r"XMLParser|etree\.(fromstring|parse|XSLT)|feature_external_ges|parseString|sax|objectify\.makeparser|iterparse\(|XMLPullParser\(|ExternalEntityRefHandler|ExternalEntityParserCreate",
    "CWE-918": r"requests\.|urlopen|httpx\.|\.get\(|AsyncHTTPClient\(\)\.fetch\(|http://|INTERNAL_BASE|\.request\(\"(GET|HEAD|POST)\", |\.request\(\w+, \"(GET|HEAD|POST)\"|feedparser\.parse\(|weasyprint\.HTML\(|svg2(png|pdf|ps|eps|svg)\(|ffmpeg\.(probe|input)\(|pandas\.read_(csv|table|json|excel)\(",
    "CWE-327": r"DES|ARC2|ARC4|Blowfish|MODE_ECB|modes\.ECB|TripleDES|PROTOCOL_(TLSv1|SSL)|Cipher\(|itertools\.cycle\(FIELD_KEY|\^ FIELD_KEY\[|MODE_CTR, nonce=|Counter\.new\(|PKCS1_v1_5|PKCS1v15\(\)|key_size=(?:512|768|1024)\b|\bRSA\.generate\((?:bits=)?(?:512|768|1024)\b|_BITS = (?:512|768|1024)\b",
    "CWE-328": r"hashlib\.(md5|sha1)|!=|hashes\.(SHA1|MD5)\(|\b(MD2|MD4|MD5|SHA1)\.new\(",
    "CWE-916": r"hashlib\.(md5|sha1|sha256|sha512|pbkdf2_hmac)|(md5_crypt|des_crypt|ldap_salted_sha1|ldap_salted_md5)\.hash\(|bcrypt\.gensalt\((rounds=)?[4-9]\b|_ROUNDS(\", | = )[4-9]\b|(OPS|MEM)LIMIT_MIN\b|memory_cost=\d{1,4}\b|\bn=(?:2 ?\*\* ?(?:[1-9]|1[0-3])\b|\d{1,4}\b(?! ?\*))|scrypt\.using\((?:.*, )?rounds=(?:[1-9]|1[0-3])\b|MD5PasswordHasher|make_password\([^)]*[\"'](?:md5|unsalted_md5|sha1|unsalted_sha1)[\"']",
    "CWE-295": r"verify=False|_create_unverified_context|check_hostname = False|CERT_NONE|AutoAddPolicy|ssl=False|tlsAllowInvalid(Certificates|Hostnames)=True|tlsInsecure=True|tls_insecure_set\(True\)|\"insecure\": True|verify_ssl = False|VERIFY_NONE|disable_ssl_certificate_validation(=|\"?: ?)True|ssl_cert_reqs=(?:\"none\"|None\b)|ssl_cert_reqs=none",
    "CWE-330": r"uuid1|random\.seed|getrandbits|time\.time\(\)|uuid\.uuid[35]\(",
    "CWE-338": r"random\.|np\.random|numpy\.random|\.choices?\(|getrandbits|non_secure_generate\(",
    "CWE-347": r"verify_signature|get_unverified|b64decode|loads_unsafe|if not|json\.loads|warning|install\(|XMLVerifier\(|JsonWebToken\(|\.verify_file\(",
    "CWE-798": r"password=\"|_key_id=\"|_access_key=\"|secret_key = \"|SECRET_KEY = \"|Bearer [A-Za-z0-9_\-]{8,}|login\([^)]*\"[^\"]+\"\)|== \"|jwt\.encode\([^)]*\"|WebClient\(token=\"|hvac\.Client\([^)]*token=\"|stripe\.api_key = \"|AUTH_TOKEN = \"|Client\(\"AC[0-9a-f]{32}\", \"[0-9a-f]{32}\"|config\(\"\w*(SECRET|PASSWORD|TOKEN|API_KEY)\w*\", default=\"[^\"]+\"|authkey=b\"[^\"]+\"|mongodb(\+srv)?://[^:/@\"\s]+:[^@\"\s]+@|(?:api_key|API_KEY) ?= ?\"sk-[\w-]{20,}\"|(?:environ\.get|getenv)\(\"\w*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY)\w*\", \"[^\"]+\"\)",
    "CWE-319": r"http://|FTP\(|\.login\(|Telnet|\.write\(|socket\.create_connection|sendall|urlopen|ssl=False|amqp://|pika\.ConnectionParameters\(|grpc\.insecure_channel\(|sslmode=\"?disable|use_ssl=False|\.(storbinary|storlines|retrbinary|retrlines)\(|SASL_PLAINTEXT|ldap://|\"ws://(?!localhost|127\.0\.0\.1)",
}

# line-local signatures of the weakness that must not appear in safe code
BAD = {
    "CWE-78": r"os\.system\((?!\")|^(?!.*shlex\.quote).*shell=True|os\.spawn\w*\(.*\"-c\"",
    "CWE-94": r"\beval\((?!code)|(?<![\w.])exec\(",  # not a method: SQLModel's session.exec(stmt)
    "CWE-502": r"pickle\.loads?\((?!.*nosec)|yaml\.(unsafe_load|load\((?!.*SafeLoader))|jsonpickle\.decode|allow_pickle=True|read_pickle|marshal\.loads|dill\.loads",
    "CWE-611": r"resolve_entities=True|feature_external_ges, (True|1)|load_dtd=True",
    "CWE-295": r"verify=False|_create_unverified_context|CERT_NONE|AutoAddPolicy|ssl=False|disable_ssl_certificate_validation(=|\"?: ?)True",
    "CWE-327": r"MODE_ECB|modes\.ECB|\bDES\.new|ARC4\.new|PROTOCOL_(TLSv1|SSL)",
    "CWE-377": r"tempfile\.mktemp\(|\"/tmp/",
    "CWE-732": r"0o7?77\b|0o666|S_IRWXO",
    "CWE-276": r"umask\(0\)|0o777|0o666",
    "CWE-489": r"debug=True|DebuggedApplication",
    "CWE-215": r"^DEBUG = True|debug=True",
    "CWE-330": r"uuid\.uuid1|random\.seed\(int\(time",
    "CWE-338": r"random\.(choice|choices|randint|getrandbits)\(.*(token|otp|key|ALPHABET)|np\.random\.bytes",
    "CWE-347": r"verify_signature\": False|get_unverified_claims|loads_unsafe",
    "CWE-614": r"secure=False|COOKIE_SECURE = False|COOKIE_SECURE=False",
    "CWE-1004": r"httponly=False|HTTPONLY = False|HTTPONLY\"\] = False",
    "CWE-916": r"hashlib\.(md5|sha1|sha256|sha512)\(.*(password|passwd|pw\b|plain|new_password)",
    "CWE-319": r"\"http://(?!localhost|127\.0\.0\.1)[^\"]*(token|oauth|login|key=)|\bFTP\(|Telnet\(",
    "CWE-798": r"password=\"[^\"]+\"|aws_secret_access_key=\"|SECRET_KEY = \"|secret_key = \"",
    "CWE-1333": r"\(\w\+\)\+|\(\[\^?[^\]]*\]\+-?\?\)\*",
    "CWE-352": r"^@csrf_exempt$|WTF_CSRF_ENABLED\"\] = False|csrf\.exempt\(",
}


# the look-alike APIs: a safe example that still calls one of these "looks dangerous" (R4).
# Logic weaknesses (862, 863, 639, 306, 287, 269, 352, 200) have no look-alike API, so only
# hand-written hard negatives count there.
LOOKALIKE = {
    "CWE-89": r"\.(execute|raw)\(|read_sql|\btext\(|select_by_sql\(|raw_sql\(|db\.select\(|execute_query(_dict)?\(",
    "CWE-78": r"subprocess\.|os\.(system|popen)|create_subprocess|\.exec_run\(|containers\.run\(|\bsh\.\w+\(|ansible_runner\.run\(|ShellOperation\(|conn\.run\(|sarge\.",
    "CWE-77": r"subprocess\.|exec_command",
    "CWE-94": r"\beval\(|\bexec\(|literal_eval|render_template_string|from_string|Template\(|sympify\(|parse_expr\(|\.query\(|import_module\(",
    "CWE-90": r"\.search(_s|_st)?\(",
    "CWE-643": r"xpath|XPath|elementpath",
    "CWE-1333": r"re\.(compile|match|search|fullmatch)\(",
    "CWE-400": r"\brange\(|\.read\(|requests\.get\(|zf\.read|(?:np|numpy)\.(zeros|linspace|histogram)\(|\.standard_normal\(|get_page_size\(|get_limit\(|\.limit\(|to_list\(length=",
    "CWE-117": r"\.(info|warning|error|write)\(|print\(",
    "CWE-79": r"Markup|render_template_string|HttpResponse\(|HTMLResponse|make_response|format_html|autoescape|text/html|Div\(text=|HoverTool\(",
    "CWE-601": r"redirect\(|Redirect|HTTPFound",
    "CWE-614": r"set_cookie|SESSION_COOKIE|SessionMiddleware",
    "CWE-1004": r"set_cookie|SESSION_COOKIE|CookieTransport|CookieBackendConfig\(",
    "CWE-209": r"traceback|\.exception\(",
    "CWE-215": r"debug=|DEBUG =|DEBUG\b",
    "CWE-489": r"debug=|app\.run\(|run_simple|debugpy\.|RemotePdb|remote_pdb|Profiler\(|pyramid_debugtoolbar",
    "CWE-22": r"\bopen\(|send_from_directory|extractall|os\.remove|read_text|FileResponse|unpack_archive|download_file|sftp\.get\(",
    "CWE-434": r"\.save\(|open\(",
    "CWE-377": r"tempfile\.|\bopen\(|shared_memory",
    "CWE-732": r"chmod|umask|os\.open\(|touch\(|FileSystemCache\(",
    "CWE-276": r"chmod|umask|makedirs\(|os\.open\(|touch\(|PERMISSIONS",
    "CWE-502": r"pickle|yaml\.|torch\.load|np\.load|numpy\.load|joblib\.load",
    "CWE-611": r"etree\.|XMLParser|sax|pulldom|ElementTree",
    "CWE-918": r"requests\.|urlopen|httpx\.|\.get\(\w+|ClientSession|svg2(png|pdf)\(|pandas\.read_(csv|table|json|excel)\(",
    "CWE-327": r"AES\.new|Cipher\(|AESGCM|ChaCha20|SSLContext|create_default_context|PKCS1_OAEP|PKCS1_v1_5|PKCS1v15",
    "CWE-328": r"hashlib\.|hmac\.|\b(MD5|SHA1)\.new\(",
    "CWE-916": r"hashlib\.|pbkdf2|scrypt|bcrypt|generate_password_hash|PASSWORD_HASHERS|make_password\(",
    "CWE-295": r"verify=|ssl\.|PoolManager|set_missing_host_key_policy|ssl=|verify_ssl|disable_ssl_certificate_validation|httplib2\.Http\(",
    "CWE-330": r"\brandom\.|uuid\.|secrets\.",
    "CWE-338": r"\brandom\.|np\.random|secrets\.|non_secure_generate\(",
    "CWE-347": r"jwt\.(decode|get_unverified)|\.loads\(|\.verify\(|hmac\.",
    "CWE-798": r"password|SECRET_KEY|secret_key|Bearer|\.login\(|jwt\.encode|aws_|api_key",
    "CWE-319": r"requests\.post|FTP|SMTP|socket\.|urlopen|http://",
}


def alias_map(code: str) -> dict:
    """Local name -> qualified name, from the file's import statements."""
    out: dict = {}
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                local = a.asname or a.name
                if local != a.name or node.module in ("os", "subprocess", "pickle", "random", "yaml", "hashlib"):
                    out[local] = node.module + "." + a.name
    return out


def resolve(line: str, amap: dict) -> str:
    for local, q in amap.items():
        line = re.sub(r"(?<![\w.])" + re.escape(local) + r"(?=\s*[.(])", q, line)
    return line


def _has(pattern: str | None, text: str) -> bool:
    return bool(pattern) and re.search(pattern, text, re.M) is not None


def sink_pattern(cwe: str) -> str:
    """The sink patterns R1 looks for: the CWE's own, or else those of the other CWEs of its
    coverage group (CWE-776 is checked with CWE-611's), so a family labelled with a group's less
    common member is reviewed, not crashed on."""
    if cwe in SINK:
        return SINK[cwe]
    group = next((members for members in GROUPS.values() if cwe in members), [])
    patterns = [SINK[m] for m in group if m in SINK]
    if not patterns:
        raise KeyError(f"{cwe} has no sink patterns in review.py SINK and no group member that has; add an entry to SINK")
    return "|".join(f"(?:{p})" for p in patterns)


def check_vulnerable(r: dict) -> list[str]:
    errs = []
    code_lines = r["code"].split("\n")
    if not r["lines"]:
        errs.append("R1: no marked lines")
    amap = alias_map(r["code"])
    hits = 0
    for n in r["lines"]:
        if not 1 <= n <= len(code_lines) or not code_lines[n - 1].strip():
            errs.append(f"R1: line {n} out of range or blank")
            continue
        if _has(sink_pattern(r["cwes"][0]), resolve(code_lines[n - 1], amap)):
            hits += 1
    if r["lines"] and hits == 0:
        errs.append("R1: no marked line matches the sink patterns of " + r["cwes"][0])
    return errs


def check_twin(v: dict, s: dict | None) -> list[str]:
    if s is None:
        return ["R2: twin missing"]
    if s["code"] == v["code"]:
        return ["R2: twin identical to vulnerable code"]
    a, b = v["code"].split("\n"), s["code"].split("\n")
    marked = set(v["lines"])
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        touched = set(range(i1 + 1, i2 + 1))
        if touched & marked:
            return []
        # a guard inserted up to 8 lines above a marked line, or a constraint added just below it
        if tag == "insert" and any(-3 <= m - (i1 + 1) <= 8 for m in marked):
            return []
    return ["R2: the fix does not touch or guard any marked line"]


def check_safe(r: dict, cwe: str) -> list[str]:
    bad = BAD.get(cwe)
    if not bad:
        return []
    amap = alias_map(r["code"])
    for i, line in enumerate(r["code"].split("\n"), 1):
        if "nosec" in line:
            continue
        if _has(bad, resolve(line.strip(), amap)):
            return [f"R3: safe example line {i} carries a signature of {cwe}: {line.strip()[:80]}"]
    return []


def check_other_weaknesses(r: dict, cwe: str) -> list[str]:
    amap = alias_map(r["code"])
    for i, line in enumerate(r["code"].split("\n"), 1):
        if "nosec" in line or (r["label"] == "vulnerable" and i in r["lines"]):
            continue
        rl = resolve(line.strip(), amap)
        for other, pat in BAD.items():
            if other != cwe and _has(pat, rl):
                return [f"R5: line {i} carries a signature of {other} (labelled {cwe or 'safe'}): {line.strip()[:80]}"]
    return []


def looks_dangerous(r: dict, cwe: str) -> bool:
    pat = LOOKALIKE.get(cwe)
    if not pat:
        return r["twin"] is None  # hand-written hard negative of a logic weakness
    amap = alias_map(r["code"])
    return any(_has(pat, resolve(l, amap)) for l in r["code"].split("\n") if l.strip() and not l.strip().startswith("#"))


def review_all(recs: list[dict]) -> tuple[list[dict], str]:
    by_id = {r["id"]: r for r in recs}
    fam_cwe = {r["family"]: r["cwes"][0] for r in recs if r["label"] == "vulnerable"}
    drop: set = set()
    reasons: Counter = Counter()
    examples: dict = {}
    for r in recs:
        if r["label"] != "vulnerable":
            continue
        errs = check_vulnerable(r) + check_twin(r, by_id.get(r["twin"])) + check_other_weaknesses(r, r["cwes"][0])
        tw = by_id.get(r["twin"])
        if tw is not None:
            errs += check_safe(tw, r["cwes"][0]) + check_other_weaknesses(tw, r["cwes"][0])
        if errs:
            drop.update({r["id"], r["twin"]})
            for e in errs:
                reasons[e.split(":")[0]] += 1
                examples.setdefault(e.split(":")[0], f"{r['id']}: {e}")
    for r in recs:
        if r["label"] == "safe" and r["twin"] is None:
            errs = check_safe(r, fam_cwe.get(r["family"], "")) + check_other_weaknesses(r, fam_cwe.get(r["family"], ""))
            if errs:
                drop.add(r["id"])
                k = errs[0].split(":")[0]
                reasons[k] += 1
                examples.setdefault(k, f"{r['id']}: {errs[0]}")
    kept, fixed, set_on = [], 0, 0
    for r in recs:
        if r["id"] in drop:
            continue
        if r["label"] == "safe":
            hn = looks_dangerous(r, fam_cwe.get(r["family"], "CWE-89"))
            if hn != r["hard_negative"]:
                fixed += r["twin"] is None
                set_on += r["twin"] is not None
                r["notes"] += f"; review: hard_negative set to {hn} (sink pattern {'present' if hn else 'absent'})"
                r["hard_negative"] = hn
        r["reviewer"] = REVIEWER
        kept.append(r)
    lines = [f"review ({REVIEWER}): {len(recs)} examples checked, {len(drop)} dropped, R4 set hard_negative on {set_on} safe twins that keep the look-alike API and corrected {fixed} hand-written hard negatives"]
    for k, n in sorted(reasons.items()):
        lines.append(f"  {k}: {n} failures, e.g. {examples[k]}")
    return kept, "\n".join(lines)
