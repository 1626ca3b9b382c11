"""Train-only credentials and transport families on libraries no other family uses them for (groups 798,
319, 295): a pymongo client given a literal password (keyword or ``mongodb+srv://`` URI), an OpenAI SDK
client with a literal ``sk-`` key, a requests-oauthlib token exchange over ``http://`` with
``OAUTHLIB_INSECURE_TRANSPORT`` set, a directory lookup whose service bind goes over plain LDAP
(python-ldap ``ldap://`` without StartTLS, ldap3 ``use_ssl=False``), a redis-py TLS client that checks
no certificate (``ssl_cert_reqs`` none), and a clickhouse-connect HTTPS client with ``verify=False``.
Framework labels come from the shells (web handlers, scripts, CLIs, pipeline consumers)."""
from core import Spec
from module_kit import shell_pair as _pair
from registry import hardneg, fam


def _secret(c, n, alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"):
    return "".join(c.rng.choice(alphabet) for _ in range(n))


_REQUIRED = ('def _required(name: str) -> str:\n'
             '    value = os.environ.get(name)\n'
             '    if not value:\n'
             '        raise RuntimeError(f"{name} is not set")\n'
             '    return value')


# ---------------- CWE-798: pymongo client with a literal password ----------------


def _mongo_body(c):
    db = c.pick("app", "prod", c.word + "_db", "core")
    shape = c.pick("find_one", "find", "count")
    if shape == "find_one":
        return (f'doc = client["{db}"]["{c.word}s"].find_one({{"{c.key}": {c.x}}}, {{"_id": 0}})\n'
                "result = doc or {}")
    if shape == "find":
        return (f'cursor = client["{db}"]["{c.word}s"].find({{"{c.key}": {c.x}}}, {{"_id": 0}}).limit(50)\n'
                "result = list(cursor)")
    return f'result = client["{db}"]["{c.word}s"].count_documents({{"{c.key}": {c.x}}})'


@fam("secret-pymongo-client-password", "CWE-798", fws=["flask", "django", "script", "cli", "pipeline"],
     keys=["sku", "customer_id", "status"], n=8, wrap=False)
def secret_pymongo(c):
    user = c.pick(f"{c.word}_svc", "app_rw", f"{c.word}-api", "reporting")
    pw = c.pick(_secret(c, 16), "Mongo" + _secret(c, 8) + "!", _secret(c, 10) + "#" + str(c.rng.randint(10, 99)))
    host = c.pick(f"mongo-1.{c.word}.internal:27017", f"db.{c.word}-prod.example.net:27017")
    shape = c.pick("kw", "multi", "uri", "const")
    if shape == "kw":
        hv = (f'MONGO_HOST = "{host}"\n'
              f'client = MongoClient(MONGO_HOST, username="{user}", password="{pw}", authSource="admin", tls=True)  #@V')
        hs = (f'MONGO_HOST = "{host}"\n\n\n{_REQUIRED}\n\n\n'
              f'client = MongoClient(MONGO_HOST, username="{user}", password=_required("MONGO_PASSWORD"), authSource="admin", tls=True)')
    elif shape == "multi":
        tail = c.pick("    serverSelectionTimeoutMS=5000,\n", "    retryWrites=True,\n", "")
        hv = ("client = MongoClient(\n"
              f'    "{host}",\n'
              f'    username="{user}",\n'
              f'    password="{pw}",  #@V\n'
              '    authSource="admin",\n'
              "    tls=True,\n" + tail + ")")
        hs = (f"{_REQUIRED}\n\n\n"
              "client = MongoClient(\n"
              f'    "{host}",\n'
              f'    username="{user}",\n'
              '    password=_required("MONGO_PASSWORD"),\n'
              '    authSource="admin",\n'
              "    tls=True,\n" + tail + ")")
    elif shape == "uri":
        cl = c.pick("cluster0." + _secret(c, 5, "abcdefghijklmnopqrstuvwxyz0123456789"), f"{c.word}-prod.x3k9q")
        pw = _secret(c, 18)  # a URI password must not hold reserved characters (#, @, /) unescaped
        hv = (f'MONGO_URI = "mongodb+srv://{user}:{pw}@{cl}.mongodb.net/?retryWrites=true&w=majority"  #@V\n'
              "client = MongoClient(MONGO_URI)")
        hs = ('MONGO_URI = os.environ["MONGO_URI"]  # KeyError at start-up if the secret is not mounted\n'
              "client = MongoClient(MONGO_URI)")
    else:
        hv = (f'MONGO_USER = "{user}"\n'
              f'MONGO_HOST = "{host}"\n'
              f'client = MongoClient(MONGO_HOST, username=MONGO_USER, password="{pw}", tls=True)  #@V')
        hs = (f'MONGO_USER = "{user}"\n'
              f'MONGO_HOST = "{host}"\n'
              'MONGO_PASSWORD = os.environ.get("MONGO_PASSWORD")\n'
              "if not MONGO_PASSWORD:\n"
              '    raise RuntimeError("MONGO_PASSWORD is not set")\n'
              "client = MongoClient(MONGO_HOST, username=MONGO_USER, password=MONGO_PASSWORD, tls=True)")
    body = _mongo_body(c)
    return _pair(c, body, body, hv, hs, imports="from pymongo import MongoClient", simports="import os",
                 notes="the MongoDB password is written in the source, so everyone with the repository, an image "
                       "layer or a traceback has database access and rotating it means a release; the fix reads it "
                       "from the environment (filled from a secret store) and refuses to start without it")


@hardneg(3)
def secret_pymongo_hn(c):
    host = c.pick(f"mongo-1.{c.word}.internal:27017", f"db.{c.word}-prod.example.net:27017")
    shape = c.pick("x509", "env")
    if shape == "x509":
        helpers = ("client = MongoClient(\n"
                   f'    "{host}",\n'
                   "    tls=True,\n"
                   f'    tlsCAFile="/etc/{c.word}/mongo-ca.pem",\n'
                   f'    tlsCertificateKeyFile="/etc/{c.word}/mongo-client.pem",\n'
                   '    authMechanism="MONGODB-X509",\n'
                   ")")
        imps = "from pymongo import MongoClient"
        note = "X.509 client-certificate authentication: no password in the source"
    else:
        helpers = (f'MONGO_HOST = "{host}"\n\n\n{_REQUIRED}\n\n\n'
                   'client = MongoClient(MONGO_HOST, username=_required("MONGO_USER"), '
                   'password=_required("MONGO_PASSWORD"), authSource="admin", tls=True)')
        imps = "import os\nfrom pymongo import MongoClient"
        note = "user name and password read from the environment, start-up fails without them"
    return Spec(s=_mongo_body(c), helpers=helpers, imports=imps, notes=note)


# ---------------- CWE-798: OpenAI SDK client with a literal API key ----------------


def _openai_call(c, client, aw):
    model = c.pick("gpt-4o-mini", "gpt-4.1-mini", "gpt-4o")
    task = c.pick(f"Summarise the {c.word} in two sentences.", f"Classify the {c.word} as urgent or routine.",
                  f"Extract the key facts from the {c.word}.")
    return (f"completion = {aw}{client}.chat.completions.create(\n"
            f'    model="{model}",\n'
            "    messages=[\n"
            f'        {{"role": "system", "content": "{task}"}},\n'
            f'        {{"role": "user", "content": {c.x}}},\n'
            "    ],\n"
            f"    max_tokens={c.pick(200, 300, 500)},\n"
            ")\n"
            "result = completion.choices[0].message.content")


@fam("secret-openai-api-key-literal", "CWE-798", fws=["flask", "fastapi", "aiohttp", "script", "cli", "pipeline"],
     keys=["text", "ticket_body", "note"], n=8, wrap=False)
def secret_openai(c):
    key = "sk-" + c.pick("proj-", "", "svcacct-") + _secret(c, 40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    aio = c.fw in ("fastapi", "aiohttp")
    cls = "AsyncOpenAI" if aio else "OpenAI"
    aw = "await " if aio else ""
    shape = c.pick("ctor", "const", "module") if not aio else c.pick("ctor", "const")
    if shape == "ctor":
        hv = f'client = {cls}(api_key="{key}", timeout=30)  #@V'
        hs = c.pick(f'client = {cls}(api_key=os.environ["OPENAI_API_KEY"], timeout=30)',
                    f"client = {cls}(timeout=30)  # reads OPENAI_API_KEY, raises OpenAIError if unset")
        imps, vi, si = f"from openai import {cls}", "", ("import os" if "environ" in hs else "")
        body = _openai_call(c, "client", aw)
    elif shape == "const":
        hv = (f'OPENAI_API_KEY = "{key}"  #@V\n'
              f"client = {cls}(api_key=OPENAI_API_KEY, max_retries=2)")
        hs = ('OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")\n'
              "if not OPENAI_API_KEY:\n"
              '    raise RuntimeError("OPENAI_API_KEY is not set")\n'
              f"client = {cls}(api_key=OPENAI_API_KEY, max_retries=2)")
        imps, vi, si = f"from openai import {cls}", "", "import os"
        body = _openai_call(c, "client", aw)
    else:
        hv = f'openai.api_key = "{key}"  #@V'
        hs = 'openai.api_key = os.environ["OPENAI_API_KEY"]'
        imps, vi, si = "import openai", "", "import os"
        body = _openai_call(c, "openai", "")
    return _pair(c, body, body, hv, hs, imports=imps, vimports=vi, simports=si,
                 notes="the OpenAI secret key is a literal in the source: anyone who reads the repository or the "
                       "built artefact can spend on the account and read its stored files; the fix takes the key "
                       "from OPENAI_API_KEY (the SDK's own default) and fails at start-up when it is missing")


@hardneg(3)
def secret_openai_hn(c):
    aio = c.fw in ("fastapi", "aiohttp")
    cls = "AsyncOpenAI" if aio else "OpenAI"
    helpers = c.pick(f'client = {cls}(api_key=os.environ["OPENAI_API_KEY"], base_url=os.environ.get("OPENAI_BASE_URL"))',
                     f'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\nclient = {cls}(api_key=OPENAI_API_KEY)')
    return Spec(s=_openai_call(c, "client", "await " if aio else ""), helpers=helpers,
                imports=f"import os\nfrom openai import {cls}",
                notes="OpenAI client whose key comes from the environment")


# ---------------- CWE-319: requests-oauthlib token exchange over http:// ----------------


def _oauth_consts(c, https):
    host = c.pick(f"sso.{c.word}-corp.internal", f"auth.{c.word}.example.com", "idp.corp.example.net")
    path = c.pick("/oauth2/token", "/oauth/token", "/realms/main/protocol/openid-connect/token", "/connect/token")
    scheme = "https" if https else "http"
    return host, path, scheme


@fam("clear-oauthlib-insecure-transport-token", "CWE-319", fws=["flask", "django", "script", "cli", "pipeline"],
     keys=["code", "report_id", "account_ref"], n=8, wrap=False)
def clear_oauthlib(c):
    host, path, _ = _oauth_consts(c, False)
    env = c.pick('os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"',
                 'os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")',
                 'os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "true"  # the IdP has no certificate yet')
    api = c.pick(f"https://api.{c.word}.example.com/v2", f"https://{c.word}-api.corp.example.net")
    web = c.fw in ("flask", "django")
    if web:  # the callback reads the authorization code from the query string
        c.key, c.src = "code", "args"
        c.x = c.pick("code", "auth_code", "oauth_code")
    grant = "code" if web else c.pick("client", "password")
    client_id = f'{c.word}-{c.pick("portal", "sync", "worker", "cli")}'  # drawn once: both twins share it

    def consts(https):
        scheme = "https" if https else "http"
        mark = "" if https else "  #@V"
        lines = [] if https else [env + "  #@V"]
        lines += [f'TOKEN_URL = "{scheme}://{host}{path}"{mark}',
                  f'API_BASE = "{api}"',
                  f'CLIENT_ID = "{client_id}"']
        if grant == "code":
            lines.append(f'REDIRECT_URI = "https://{c.word}.example.com/oauth/callback"')
        return "\n".join(lines)

    if grant == "code":
        # the callback checks the state nonce the login redirect stored in a cookie (OAuth login CSRF)
        if c.fw == "flask":
            state = ('expected_state = request.cookies.get("oauth_state", "")\n'
                     'if not expected_state or not hmac.compare_digest(expected_state, request.args.get("state", "")):\n'
                     "    abort(400)\n")
            rej = "from flask import abort"
        else:
            state = ('expected_state = request.COOKIES.get("oauth_state", "")\n'
                     'if not expected_state or not hmac.compare_digest(expected_state, request.GET.get("state", "")):\n'
                     '    return HttpResponseBadRequest("invalid OAuth state")\n')
            rej = "from django.http import HttpResponseBadRequest"
        body = (state + "oauth = OAuth2Session(CLIENT_ID, redirect_uri=REDIRECT_URI)\n"
                "token = oauth.fetch_token(\n"
                "    TOKEN_URL,\n"
                f"    code={c.x},\n"
                '    client_secret=os.environ["OAUTH_CLIENT_SECRET"],\n'
                "    timeout=10,\n"
                ")\n"
                f'me = oauth.get(API_BASE + "/me", timeout=10).json()\n'
                'result = {"user": me.get("id"), "expires_in": token.get("expires_in")}')
        imps = f"import hmac\nimport os\n{rej}\nfrom requests_oauthlib import OAuth2Session"
    elif grant == "client":
        body = ("oauth = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))\n"
                "oauth.fetch_token(\n"
                "    token_url=TOKEN_URL,\n"
                "    client_id=CLIENT_ID,\n"
                '    client_secret=os.environ["OAUTH_CLIENT_SECRET"],\n'
                ")\n"
                f'{c.n("resp")} = oauth.get(f"{{API_BASE}}/{c.word}s/{{{c.x}}}", timeout=15)\n'
                f'{c.n("resp")}.raise_for_status()\n'
                f'result = {c.n("resp")}.json()')
        imps = "import os\nfrom oauthlib.oauth2 import BackendApplicationClient\nfrom requests_oauthlib import OAuth2Session"
    else:
        body = ("oauth = OAuth2Session(client=LegacyApplicationClient(client_id=CLIENT_ID))\n"
                "oauth.fetch_token(\n"
                "    token_url=TOKEN_URL,\n"
                '    username=os.environ["SYNC_USER"],\n'
                '    password=getpass.getpass("SSO password: "),\n'
                "    client_id=CLIENT_ID,\n"
                '    client_secret=os.environ["OAUTH_CLIENT_SECRET"],\n'
                ")\n"
                f'result = oauth.get(f"{{API_BASE}}/{c.word}s/{{{c.x}}}", timeout=15).json()')
        imps = ("import getpass\nimport os\nfrom oauthlib.oauth2 import LegacyApplicationClient\n"
                "from requests_oauthlib import OAuth2Session")
    return _pair(c, body, body, consts(False), consts(True), imports=imps,
                 notes="the token request (client secret, authorization code or the user's password, and the "
                       "access token in the reply) goes to an http:// token endpoint, and OAUTHLIB_INSECURE_TRANSPORT "
                       "switches off oauthlib's InsecureTransportError that would have refused it; anyone on the "
                       "path reads the credentials; the fix uses the https endpoint and drops the override")


@hardneg(3)
def clear_oauthlib_hn(c):
    host, path, _ = _oauth_consts(c, True)
    helpers = ('os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"  # the IdP returns a narrower scope than requested\n'
               f'TOKEN_URL = "https://{host}{path}"\n'
               f'API_BASE = "https://api.{c.word}.example.com/v2"\n'
               f'CLIENT_ID = "{c.word}-sync"')
    body = ("oauth = OAuth2Session(client=BackendApplicationClient(client_id=CLIENT_ID))\n"
            'oauth.fetch_token(token_url=TOKEN_URL, client_id=CLIENT_ID, client_secret=os.environ["OAUTH_CLIENT_SECRET"])\n'
            f'result = oauth.get(f"{{API_BASE}}/{c.word}s/{{{c.x}}}", timeout=15).json()')
    return Spec(s=body, helpers=helpers,
                imports="import os\nfrom oauthlib.oauth2 import BackendApplicationClient\nfrom requests_oauthlib import OAuth2Session",
                notes="token exchange over https; OAUTHLIB_RELAX_TOKEN_SCOPE only tolerates a changed scope")


# ---------------- CWE-319: service bind over plain LDAP ----------------


def _ldap_host(c):
    return c.pick("dc01.corp.example.com", f"ldap.{c.word}.internal", "ad.example.net")


def _base_dn(c):
    return c.pick("dc=corp,dc=example,dc=com", "ou=people,dc=example,dc=net", "dc=internal")


@fam("clear-ldap-service-bind-plaintext", "CWE-319", fws=["flask", "django", "script", "cli", "pipeline"],
     keys=["username", "uid", "email"], n=8, wrap=False)
def clear_ldap_bind(c):
    host, base = _ldap_host(c), _base_dn(c)
    bind_dn = f"cn={c.pick('svc-' + c.word, 'ldap-reader', 'portal-bind')},ou=service,{base}"
    attr = "mail" if c.key == "email" else "uid"
    lib = c.pick("python-ldap", "python-ldap", "ldap3")
    consts = f'BIND_DN = "{bind_dn}"\nBASE_DN = "{base}"'
    if lib == "python-ldap":
        fix = c.pick("ldaps", "starttls")

        def conn_fn(safe):
            url = f"ldaps://{host}:636" if safe and fix == "ldaps" else f"ldap://{host}:389"
            mark = "" if safe else "  #@V"
            lines = ["def directory():",
                     f'    conn = ldap.initialize("{url}"){mark}',
                     "    conn.protocol_version = ldap.VERSION3",
                     "    conn.set_option(ldap.OPT_REFERRALS, 0)"]
            if safe and fix == "starttls":
                lines += ["    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)",
                          "    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)",
                          "    conn.start_tls_s()"]
            lines += [f'    conn.simple_bind_s(BIND_DN, os.environ["LDAP_BIND_PASSWORD"]){mark}',
                      "    return conn"]
            return "\n".join(lines)

        body = ("conn = directory()\n"
                "try:\n"
                f'    entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("({attr}=%s)", [{c.x}]), ["cn", "mail", "department"])\n'
                "finally:\n"
                "    conn.unbind_s()\n"
                "result = [{k: [v.decode() for v in vals] for k, vals in attrs.items()} for dn, attrs in entries if dn]")
        imps = "import os\nimport ldap\nfrom ldap.filter import filter_format"
        hv, hs = consts + "\n\n\n" + conn_fn(False), consts + "\n\n\n" + conn_fn(True)
        vi = si = ""
    else:
        fix = c.pick("ldaps", "tls_before_bind")
        hv = (f'{consts}\nserver = Server("{host}", port=389, use_ssl=False, connect_timeout=5)  #@V\n\n\n'
              "def directory():\n"
              '    return Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PASSWORD"], auto_bind=True)  #@V')
        if fix == "ldaps":
            hs = (f'{consts}\nserver = Server("{host}", port=636, use_ssl=True, '
                  f'tls=Tls(validate=ssl.CERT_REQUIRED, ca_certs_file="/etc/ssl/certs/{c.word}-ca.pem"), connect_timeout=5)\n\n\n'
                  "def directory():\n"
                  '    return Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PASSWORD"], auto_bind=True)')
            si = "import ssl\nfrom ldap3 import Tls"
        else:
            hs = (f'{consts}\nserver = Server("{host}", port=389, tls=Tls(validate=ssl.CERT_REQUIRED), connect_timeout=5)\n\n\n'
                  "def directory():\n"
                  '    return Connection(server, user=BIND_DN, password=os.environ["LDAP_BIND_PASSWORD"],\n'
                  "                      auto_bind=AUTO_BIND_TLS_BEFORE_BIND)")
            si = "import ssl\nfrom ldap3 import AUTO_BIND_TLS_BEFORE_BIND, Tls"
        vi = ""
        body = ("with directory() as conn:\n"
                f'    conn.search(BASE_DN, f"({attr}={{escape_filter_chars({c.x})}})", attributes=["cn", "mail", "department"])\n'
                "    result = [entry.entry_attributes_as_dict for entry in conn.entries]")
        imps = "import os\nfrom ldap3 import Connection, Server\nfrom ldap3.utils.conv import escape_filter_chars"
    return _pair(c, body, body, hv, hs, imports=imps, vimports=vi, simports=si,
                 notes="the service account binds with a simple bind over plain LDAP on port 389 (no LDAPS, no "
                       "StartTLS), so its password and every directory answer cross the network in clear text; the "
                       "fix binds over LDAPS or negotiates StartTLS with certificate checking before the bind")


@hardneg(3)
def clear_ldap_bind_hn(c):
    host, base = _ldap_host(c), _base_dn(c)
    attr = "mail" if c.key == "email" else "uid"
    helpers = (f'BIND_DN = "cn=svc-{c.word},ou=service,{base}"\nBASE_DN = "{base}"\n\n\n'
               "def directory():\n"
               f'    conn = ldap.initialize("ldap://{host}:389")\n'
               "    conn.set_option(ldap.OPT_REFERRALS, 0)\n"
               "    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)\n"
               "    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)\n"
               "    conn.start_tls_s()\n"
               '    conn.simple_bind_s(BIND_DN, os.environ["LDAP_BIND_PASSWORD"])\n'
               "    return conn")
    body = ("conn = directory()\n"
            "try:\n"
            f'    entries = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("({attr}=%s)", [{c.x}]), ["cn", "mail"])\n'
            "finally:\n"
            "    conn.unbind_s()\n"
            "result = [dn for dn, attrs in entries if dn]")
    return Spec(s=body, helpers=helpers, imports="import os\nimport ldap\nfrom ldap.filter import filter_format",
                notes="ldap:// URL, but StartTLS with a demanded certificate is negotiated before the bind")


# ---------------- CWE-295: redis-py TLS without certificate checks ----------------


def _redis_body(c, aio):
    aw = "await " if aio else ""
    k = c.fmt(c.word + ":{}", c.x, style=c.pick("fstring", "concat", "format"))
    shape = c.pick("get", "hgetall", "incr")
    if shape == "get":
        return f"cached = {aw}r.get({k})\nresult = cached or \"\""
    if shape == "hgetall":
        return f"result = {aw}r.hgetall({k})"
    return f"result = {aw}r.incr({k})\n{aw}r.expire({k}, 3600)"


@fam("tls-redis-py-ssl-cert-reqs-none", "CWE-295", fws=["flask", "django", "fastapi", "aiohttp", "script", "pipeline"],
     keys=["session_id", "sku", "user_id"], n=8, wrap=False)
def tls_redis(c):
    aio = c.fw in ("fastapi", "aiohttp")
    mod = "redis.asyncio" if aio else "redis"
    host = c.pick(f"{c.word}-cache.abc123.use1.cache.amazonaws.com", f"redis.{c.word}.internal", "cache.example.net")
    ca = f"/etc/ssl/{c.word}/redis-ca.pem"
    shape = c.pick("const", "string", "none", "url", "multi")
    reqs = {"const": "ssl.CERT_NONE", "string": '"none"', "none": "None"}
    if shape in reqs:
        hv = (f'r = {mod}.Redis(host="{host}", port=6380, ssl=True, ssl_cert_reqs={reqs[shape]}, '
              'password=os.environ["REDIS_PASSWORD"], decode_responses=True)  #@V')
        hs = (f'r = {mod}.Redis(host="{host}", port=6380, ssl=True, ssl_cert_reqs="required", ssl_ca_certs="{ca}", '
              'ssl_check_hostname=True, password=os.environ["REDIS_PASSWORD"], decode_responses=True)')
        vi, si = ("import ssl" if shape == "const" else ""), ""
    elif shape == "multi":
        hv = (f"r = {mod}.Redis(\n"
              f'    host="{host}",\n'
              "    port=6380,\n"
              '    password=os.environ["REDIS_PASSWORD"],\n'
              "    ssl=True,\n"
              "    ssl_cert_reqs=ssl.CERT_NONE,  #@V\n"
              "    ssl_check_hostname=False,  #@V\n"
              "    decode_responses=True,\n"
              ")")
        hs = (f"r = {mod}.Redis(\n"
              f'    host="{host}",\n'
              "    port=6380,\n"
              '    password=os.environ["REDIS_PASSWORD"],\n'
              "    ssl=True,\n"
              "    ssl_cert_reqs=ssl.CERT_REQUIRED,\n"
              "    ssl_check_hostname=True,\n"
              "    decode_responses=True,\n"
              ")")
        vi, si = "import ssl", "import ssl"
    else:
        hv = ('REDIS_URL = os.environ["REDIS_URL"]  # rediss://:password@host:6380/0\n'
              f'r = {mod}.from_url(REDIS_URL + "?ssl_cert_reqs=none", decode_responses=True)  #@V')
        hs = ('REDIS_URL = os.environ["REDIS_URL"]  # rediss://:password@host:6380/0\n'
              f'r = {mod}.from_url(REDIS_URL, decode_responses=True, ssl_ca_certs="{ca}", ssl_check_hostname=True)')
        vi = si = ""
    body = _redis_body(c, aio)
    return _pair(c, body, body, hv, hs,
                 imports="import os\nimport " + mod, vimports=vi, simports=si,
                 notes="the redis client speaks TLS but ssl_cert_reqs none (ssl.CERT_NONE, \"none\" or None) accepts "
                       "any certificate, so a machine on the path can impersonate the cache and read the AUTH "
                       "password and every cached value; the fix requires a certificate signed by the cache's CA "
                       "(redis-py's default is \"required\")")


@hardneg(3)
def tls_redis_hn(c):
    aio = c.fw in ("fastapi", "aiohttp")
    mod = "redis.asyncio" if aio else "redis"
    host = c.pick(f"redis.{c.word}.internal", "cache.example.net")
    helpers = c.pick(
        f'r = {mod}.Redis(host="{host}", port=6380, ssl=True, ssl_ca_certs="/etc/ssl/{c.word}/redis-ca.pem", '
        'ssl_check_hostname=True, password=os.environ["REDIS_PASSWORD"], decode_responses=True)',
        f'r = {mod}.Redis(host="{host}", port=6380, ssl=True, ssl_cert_reqs="required", ssl_check_hostname=True, '
        'password=os.environ["REDIS_PASSWORD"], decode_responses=True)')
    return Spec(s=_redis_body(c, aio), helpers=helpers, imports="import os\nimport " + mod,
                notes="redis-py TLS with the default certificate check (required) and a pinned CA")


# ---------------- CWE-295: clickhouse-connect over HTTPS with verify=False ----------------


def _ch_body(c):
    tbl = c.pick(f"{c.word}_events", f"analytics.{c.word}s", f"{c.word}_daily")
    shape = c.pick("rows", "df", "scalar")
    q = f"SELECT * FROM {tbl} WHERE {c.key} = {{v:String}} ORDER BY ts DESC LIMIT 100"
    if shape == "rows":
        return f'result = client.query("{q}", parameters={{"v": {c.x}}}).result_rows'
    if shape == "df":
        return (f'frame = client.query_df("{q}", parameters={{"v": {c.x}}})\n'
                'result = frame.to_dict(orient="records")')
    return (f'result = client.command("SELECT count() FROM {tbl} WHERE {c.key} = {{v:String}}", '
            f'parameters={{"v": {c.x}}})')


@fam("tls-clickhouse-connect-verify-false", "CWE-295", fws=["flask", "django", "script", "cli", "pipeline"],
     keys=["account_id", "region", "campaign"], n=8, wrap=False)
def tls_clickhouse(c):
    host = c.pick(f"{c.word}.eu-west-1.aws.clickhouse.cloud", f"clickhouse.{c.word}.internal", "olap.example.net")
    user = c.pick("default", f"{c.word}_reader", "analytics")
    shape = c.pick("inline", "multi", "settings")
    fix = c.pick("ca", "default")
    if shape == "inline":
        hv = (f'client = clickhouse_connect.get_client(host="{host}", port=8443, username="{user}", '
              'password=os.environ["CLICKHOUSE_PASSWORD"], secure=True, verify=False)  #@V')
        hs = hv.replace("  #@V", "").replace(
            "verify=False", f'ca_cert="/etc/ssl/{c.word}/clickhouse-ca.pem"' if fix == "ca" else "verify=True")
    elif shape == "multi":
        extra = c.pick("    connect_timeout=10,\n", "    compress=True,\n", "")
        hv = ("client = clickhouse_connect.get_client(\n"
              f'    host="{host}",\n'
              "    port=8443,\n"
              f'    username="{user}",\n'
              '    password=os.environ["CLICKHOUSE_PASSWORD"],\n'
              "    secure=True,\n"
              "    verify=False,  #@V\n" + extra + ")")
        hs = hv.replace("    verify=False,  #@V\n",
                        f'    ca_cert="/etc/ssl/{c.word}/clickhouse-ca.pem",\n' if fix == "ca" else "")
    else:
        def factory(safe):
            tls = (f'ca_cert="/etc/ssl/{c.word}/clickhouse-ca.pem",' if fix == "ca" else "") if safe else "verify=False,  #@V"
            return ("def _client():\n"
                    "    return clickhouse_connect.get_client(\n"
                    f'        host="{host}", port=8443, username="{user}",\n'
                    '        password=os.environ["CLICKHOUSE_PASSWORD"], secure=True,\n'
                    + (f"        {tls}\n" if tls else "") +
                    "    )\n\n\n"
                    "client = _client()")
        hv, hs = factory(False), factory(True)
    body = _ch_body(c)
    return _pair(c, body, body, hv, hs, imports="import os\nimport clickhouse_connect",
                 notes="the clickhouse-connect client uses HTTPS but verify=False skips the server-certificate check, "
                       "so anyone on the path can pose as the database and "
                       "collect the password sent with every request; the fix keeps verification on, pinned to the "
                       "cluster's CA where it is private")


@hardneg(3)
def tls_clickhouse_hn(c):
    host = c.pick(f"clickhouse.{c.word}.internal", "olap.example.net")
    helpers = c.pick(
        f'client = clickhouse_connect.get_client(host="{host}", port=8443, username="analytics", '
        'password=os.environ["CLICKHOUSE_PASSWORD"], secure=True, verify=True)',
        f'client = clickhouse_connect.get_client(host="{host}", port=8443, username="analytics", '
        f'password=os.environ["CLICKHOUSE_PASSWORD"], secure=True, ca_cert="/etc/ssl/{c.word}/ca.pem", '
        'client_cert="/etc/ssl/client.pem", client_cert_key="/etc/ssl/client.key")')
    return Spec(s=_ch_body(c), helpers=helpers, imports="import os\nimport clickhouse_connect",
                notes="clickhouse-connect over HTTPS with certificate verification on")
