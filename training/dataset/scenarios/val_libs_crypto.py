"""Validation-only crypto, secrets, transport and data families on sinks, libraries and code shapes
no other family uses (groups 327/328/916, 295, 330/338, 347, 798, 319, 502, 732/276): a keyed
zlib/binascii CRC-32 (or Adler-32) as the tag of signed download links, an hvac Vault client with
verify=False, codes drawn from a random.Random() instance instead of random.SystemRandom(), PyJWT's
PyJWKClient pointed at the token's own `jku` header, a python-jenkins client with its API token in
the source, an influxdb_client writer on plain http://, srsly.pickle_loads on a request payload, and
subprocess.run/Popen started with umask=0 so the tool's dump or archive is world-readable.

Every family of a `val_*` module goes to the validation split (generate.assign_splits)."""
from core import Spec, shell
from registry import hardneg, fam, WEB_FWS

TOOL_FWS = ["script", "cli", "pipeline"]


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


def _pair(c, v, s, hv, hs, imports="", vimports="", simports="", notes="", ret="result"):
    """Both modules through the framework shell, with different module-level helpers.

    Used where the weakness sits at module level (a client, a generator, a constant). The shell's
    random draws are replayed for the twin, so the pair differs only in the fix."""
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=hv, ret=ret), imports + "\n" + vimports)
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=hs, ret=ret), imports + "\n" + simports)
    return Spec(v=vm, s=sm, full=True, notes=notes)


def _lines(*parts):
    """A block from lines at the same base indentation (None entries are left out)."""
    return "\n".join(p for p in parts if p is not None)


def _hex(c, n):
    return "".join(c.rng.choice("0123456789abcdef") for _ in range(n))


# ---------------- CWE-328 CRC-32 / Adler-32 as the tag of a signed link ----------------


@fam("val-hash-crc32-signed-download-link", "CWE-328", fws=WEB_FWS, keys=["link_token", "dl_token", "share"], n=8)
def val_hash_crc32_link(c):
    x, w = c.x, c.word
    fn, imp = c.pick(("zlib.crc32", "import zlib"), ("binascii.crc32", "import binascii"),
                     ("zlib.adler32", "import zlib"))
    issue = c.pick(True, False)
    ttl = c.pick(300, 900, 3600)
    msg = c.fmt("{}:{}", "file_id", "expires")
    db = c.pick("/srv/files/catalog.db", "catalog.sqlite3", f"/var/lib/{w}/files.db")

    def body(check, mark):
        return _lines(
            f"file_id, expires, tag = {x}.split(\".\", 2)",
            "if int(expires) < time.time():",
            '    raise PermissionError("download link expired")',
            f"msg = ({msg}).encode()",
            f"{check}:{mark}",
            '    raise PermissionError("bad link signature")',
            "result = lookup_file(file_id)",
        )

    v = body(f"if {fn}(LINK_SECRET + msg) != int(tag, 16)", "  #@V")
    s = body("if not hmac.compare_digest(hmac.new(LINK_SECRET, msg, hashlib.sha256).hexdigest(), tag)", "")

    def helpers(tag_line):
        make = f'''


def issue_link_token(file_id):
    expires = str(int(time.time()) + LINK_TTL)
    msg = f"{{file_id}}:{{expires}}".encode()
    {tag_line}
    return f"{{file_id}}.{{expires}}.{{tag}}"''' if issue else ""
        return f'''LINK_SECRET = os.environ["DOWNLOAD_LINK_SECRET"].encode()
LINK_TTL = {ttl}
DB_PATH = "{db}"
STORAGE_BASE = "https://objects.{w}.example.com/"{make}


def lookup_file(file_id):
    with sqlite3.connect(DB_PATH) as conn:
        row = conn.execute("SELECT name, size, storage_key FROM files WHERE id = ?", (file_id,)).fetchone()
    if row is None:
        raise LookupError("no such file")
    return {{"name": row[0], "size": row[1], "url": STORAGE_BASE + row[2]}}'''

    hv = helpers(f'tag = format({fn}(LINK_SECRET + msg), "08x")  #@V')
    hs = helpers("tag = hmac.new(LINK_SECRET, msg, hashlib.sha256).hexdigest()")
    name = {"zlib.crc32": "CRC-32", "binascii.crc32": "CRC-32", "zlib.adler32": "Adler-32"}[fn]
    return _pair(c, v, s, hv, hs, imports="import os\nimport sqlite3\nimport time", vimports=imp,
                 simports="import hashlib\nimport hmac",
                 notes=f"the download link is 'signed' with {name} over secret + file id + expiry: a 32-bit "
                       f"non-cryptographic checksum, not a keyed hash; one valid link (or 2^32 guesses) lets a client forge "
                       f"tags for other files and later expiries (the {name} of secret||msg changes by a value computable "
                       f"without the secret). The fix tags links with HMAC-SHA256 and compares in constant time")


def val_hash_crc32_link_hn(c, shape):
    if shape == "shard":
        c.key = "package"
        c.x = c.pick("package", "raw_package", "package_name")
        x = c.x
        s = f"""
            shard = SHARDS[zlib.crc32({x}.encode()) % len(SHARDS)]
            with sqlite3.connect(shard) as conn:
                row = conn.execute("SELECT version, published_at FROM releases WHERE package = ? ORDER BY published_at DESC LIMIT 1", ({x},)).fetchone()
            result = {{"shard": shard, "latest": row[0] if row else None}}
        """
        helpers = 'SHARDS = ["/srv/index/shard0.db", "/srv/index/shard1.db", "/srv/index/shard2.db", "/srv/index/shard3.db"]'
        return Spec(s=s, imports="import sqlite3\nimport zlib", helpers=helpers,
                    notes="CRC-32 only spreads public package names over index shards; nothing is authenticated with it")
    x = c.x
    s = f"""
        file_id, expires, tag = {x}.split(".", 2)
        msg = (file_id + ":" + expires).encode()
        if int(expires) < time.time() or not hmac.compare_digest(hmac.new(LINK_SECRET, msg, hashlib.sha256).hexdigest(), tag):
            raise PermissionError("invalid download link")
        if not re.fullmatch(r"[0-9a-f]{{32}}", file_id):
            raise ValueError("malformed file id")
        with open(os.path.join(FILES_DIR, file_id + ".bin"), "rb") as fh:
            data = fh.read()
        result = {{"size": len(data), "crc32": format(zlib.crc32(data), "08x")}}
    """
    helpers = 'LINK_SECRET = os.environ["DOWNLOAD_LINK_SECRET"].encode()\nFILES_DIR = "/srv/files/blobs"'
    return Spec(s=s, imports="import hashlib\nimport hmac\nimport os\nimport re\nimport time\nimport zlib", helpers=helpers,
                notes="the link is checked with HMAC-SHA256; CRC-32 is only a transfer checksum of the file body")


@hardneg(2)
def val_hash_crc32_link_hn_shard(c):
    return val_hash_crc32_link_hn(c, "shard")


@hardneg(1)
def val_hash_crc32_link_hn_checksum(c):
    return val_hash_crc32_link_hn(c, "checksum")


# ---------------- CWE-295 hvac Vault client with verify=False ----------------


@fam("val-tls-hvac-vault-verify-false", "CWE-295", fws=TOOL_FWS, keys=["environment", "stage", "app_env"], n=8)
def val_tls_hvac(c):
    x, w = c.x, c.word
    auth = c.pick("token", "approle", "kubernetes")
    host = c.pick(f"vault.{w}.example.com", "vault.internal.example.net", "secrets.example.org")
    good = c.pick('os.environ.get("VAULT_CACERT", "/etc/ssl/certs/vault-ca.pem")',
                  '"/etc/pki/tls/certs/vault-chain.pem"', "True")
    mount = c.pick("kv", "secret", "apps")
    path = c.fmt(w + "/{}/database", x)

    def client(verify, mark):
        if auth == "token":
            return _lines(
                "def vault_client():",
                f'    client = hvac.Client(url=VAULT_ADDR, token=os.environ["VAULT_TOKEN"], verify={verify}){mark}',
                "    return client")
        if auth == "approle":
            return _lines(
                "def vault_client():",
                f"    client = hvac.Client(url=VAULT_ADDR, verify={verify}){mark}",
                '    client.auth.approle.login(role_id=os.environ["VAULT_ROLE_ID"], secret_id=os.environ["VAULT_SECRET_ID"])',
                "    return client")
        return _lines(
            "def vault_client():",
            '    with open("/var/run/secrets/kubernetes.io/serviceaccount/token") as fh:',
            "        sa_token = fh.read().strip()",
            f"    client = hvac.Client(url=VAULT_ADDR, verify={verify}){mark}",
            f'    client.auth.kubernetes.login(role="{w}-migrator", jwt=sa_token)',
            "    return client")

    common = f'''VAULT_ADDR = os.environ.get("VAULT_ADDR", "https://{host}:8200")
ENVIRONMENTS = ("staging", "qa", "production")


'''
    body = f"""
        if {x} not in ENVIRONMENTS:
            raise ValueError("unknown environment")
        vault = vault_client()
        secret = vault.secrets.kv.v2.read_secret_version(path={path}, mount_point="{mount}")
        creds = secret["data"]["data"]
        with psycopg2.connect(host=creds["host"], dbname=creds["dbname"], user=creds["username"],
                              password=creds["password"], connect_timeout=10) as conn:
            with conn.cursor() as cur:
                cur.execute("SELECT version()")
                result = cur.fetchone()[0]
    """
    return _pair(c, body, body, common + client("False", "  #@V"), common + client(good, ""),
                 imports="import os\nimport hvac\nimport psycopg2",
                 notes="the Vault client is built with verify=False, so any certificate is accepted for the Vault "
                       "address: a host on the path answers as Vault, receives the Vault token (or the AppRole / "
                       "service-account login) and hands back database credentials of its choosing; the fix "
                       "verifies the Vault certificate (CA bundle or the system store)")


def val_tls_hvac_hn(c, shape):
    w = c.word
    if shape == "transit":
        c.key = c.pick("card_holder", "tax_id")
        c.x = c.pick(c.key, "raw_" + c.key)
    x = c.x
    if shape == "cert":
        helpers = f'''
            vault = hvac.Client(
                url="https://vault.{w}.example.com:8200",
                cert=("/etc/{w}/vault-client.crt", "/etc/{w}/vault-client.key"),
                verify="/etc/ssl/certs/vault-ca.pem",
            )
            vault.auth.cert.login()
        '''
        s = f"""
            if {x} not in ("staging", "qa", "production"):
                raise ValueError("unknown environment")
            secret = vault.secrets.kv.v2.read_secret_version(path="{w}/" + {x} + "/smtp", mount_point="kv")
            result = sorted(secret["data"]["data"])
        """
        return Spec(s=s, imports="import hvac", helpers=helpers,
                    notes="hvac with a client certificate and the Vault CA bundle passed to verify")
    helpers = f'vault = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"], verify=True)'
    s = f"""
        plaintext = base64.b64encode({x}.encode()).decode()
        out = vault.secrets.transit.encrypt_data(name="{w}-pii", plaintext=plaintext)
        result = out["data"]["ciphertext"]
    """
    return Spec(s=s, imports="import base64\nimport os\nimport hvac", helpers=helpers,
                notes="hvac transit encryption with certificate verification left on (verify=True)")


@hardneg(2)
def val_tls_hvac_hn_cert(c):
    return val_tls_hvac_hn(c, "cert")


@hardneg(2)
def val_tls_hvac_hn_transit(c):
    return val_tls_hvac_hn(c, "transit")


# ---------------- CWE-338 codes from a random.Random() instance ----------------


@fam("val-rand-random-instance-email-code", "CWE-338", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["email", "invitee", "contact_email"], n=8)
def val_rand_instance(c):
    x, w = c.x, c.word
    # unauthenticated web handlers only send codes to the address itself (no cli: a one-shot process draws one
    # code from a freshly urandom-seeded instance, so no outputs of that state can be observed)
    purpose = c.pick("invite", "verification", "reset") if c.fw == "cli" else c.pick("verification", "reset")
    rng = c.pick("_rng", "_RNG", "_code_rng", "RNG")
    shape = c.pick("module", "class")
    draw = c.pick("choice", "choices", "randrange", "getrandbits")
    db = c.pick(f"/var/lib/{w}/accounts.db", "accounts.sqlite3", "/srv/app/users.db")
    hours = c.pick(24, 48, 72)
    ref = "self._rng" if shape == "class" else rng
    if draw == "choice":
        consts, expr = 'ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"\nCODE_LEN = 10\n', \
            f'"".join({ref}.choice(ALPHABET) for _ in range(CODE_LEN))'
    elif draw == "choices":
        consts, expr = 'ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"\nCODE_LEN = 12\n', \
            f'"".join({ref}.choices(ALPHABET, k=CODE_LEN))'
    elif draw == "randrange":
        consts, expr = "CODE_LEN = 6\n", f"str({ref}.randrange(10 ** CODE_LEN)).zfill(CODE_LEN)"
    else:
        consts, expr = "", f'"%032x" % {ref}.getrandbits(128)'

    def helpers(ctor, mark):
        if shape == "class":
            gen = f'''class CodeIssuer:
    """Issues one-time {purpose} codes."""

    def __init__(self):
        self._rng = {ctor}{mark}

    def new_code(self):
        return {expr}{mark}


issuer = CodeIssuer()'''
        else:
            gen = f'''{rng} = {ctor}{mark}


def new_code():
    return {expr}{mark}'''
        sep = "\n\n\n" if shape == "class" else "\n"
        return f'''{consts}CODE_TTL = timedelta(hours={hours})
DB_PATH = "{db}"{sep}{gen}


def store_code(email, code):
    expires = (datetime.now(timezone.utc) + CODE_TTL).isoformat()
    with sqlite3.connect(DB_PATH) as conn:
        conn.execute("INSERT INTO {purpose}_codes (email, code, expires_at) VALUES (?, ?, ?)", (email, code, expires))
        conn.execute("INSERT INTO outbox (recipient, template, code) VALUES (?, ?, ?)", (email, "{purpose}", code))'''

    call = "issuer.new_code()" if shape == "class" else "new_code()"
    body = f"""
        address = {x}.strip().lower()
        if "@" not in address:
            raise ValueError("invalid e-mail address")
        code = {call}
        store_code(address, code)
        result = {{"sent": True}}
    """
    return _pair(c, body, body, helpers("random.Random()", "  #@V"), helpers("random.SystemRandom()", ""),
                 imports="import random\nimport sqlite3\nfrom datetime import datetime, timedelta, timezone",
                 notes=f"the {purpose} codes come from a random.Random() instance: a Mersenne Twister whose state can be "
                       f"rebuilt from enough of its outputs (codes an attacker requests for their own addresses), after "
                       f"which the codes sent to other accounts can be predicted; the fix draws them from "
                       f"random.SystemRandom(), which reads the OS CSPRNG")


def val_rand_instance_hn(c, shape):
    if shape == "seeded_sample":
        c.key = "category"
        c.x = c.pick("category", "raw_category", "category_slug")
    x = c.x
    if shape == "seeded_sample":
        helpers = '''
            DB_PATH = "catalog.db"
            FEATURED = 6
        '''
        s = f"""
            rng = random.Random(date.today().toordinal())
            with sqlite3.connect(DB_PATH) as conn:
                ids = [r[0] for r in conn.execute("SELECT id FROM products WHERE category = ? AND published = 1", ({x},))]
            result = {{"featured": rng.sample(ids, min(FEATURED, len(ids)))}}
        """
        return Spec(s=s, imports="import random\nimport sqlite3\nfrom datetime import date", helpers=helpers,
                    notes="random.Random seeded with the date picks the day's featured products: the same for every "
                          "visitor on purpose, and nothing secret depends on it")
    helpers = '''
        ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        DB_PATH = "accounts.db"
        _sysrand = random.SystemRandom()
    '''
    s = f"""
        address = {x}.strip().lower()
        code = "".join(_sysrand.choice(ALPHABET) for _ in range(10))
        with sqlite3.connect(DB_PATH) as conn:
            conn.execute("INSERT INTO verification_codes (email, code) VALUES (?, ?)", (address, code))
        result = {{"sent": True}}
    """
    return Spec(s=s, imports="import random\nimport sqlite3", helpers=helpers,
                notes="verification code drawn from random.SystemRandom (the OS CSPRNG)")


@hardneg(2)
def val_rand_instance_hn_seeded_sample(c):
    return val_rand_instance_hn(c, "seeded_sample")


@hardneg(1)
def val_rand_instance_hn_system(c):
    return val_rand_instance_hn(c, "system")


# ---------------- CWE-347 JWKS URL taken from the token's jku header ----------------


@fam("val-jwt-jku-header-jwks-url", "CWE-347", fws=["flask", "django", "fastapi", "pipeline"],
     keys=["id_token", "assertion", "bearer_token"], n=8)
def val_jwt_jku(c):
    x, w = c.x, c.word
    shape = c.pick("direct", "https_only", "prefix")
    algs = c.pick('["RS256"]', '["RS256", "ES256"]', '["ES256"]')
    issuer = c.pick(f"https://login.{w}.example.com", "https://sso.example.net", f"https://id.{w}.example.org")
    tail = _lines(
        f"signing_key = jwks_client.get_signing_key_from_jwt({x})",
        f"claims = jwt.decode({x}, signing_key.key, algorithms={algs}, audience=AUDIENCE, issuer=ISSUER)",
        'result = {"sub": claims["sub"], "scope": claims.get("scope", "")}')
    common = f'ISSUER = "{issuer}"\nAUDIENCE = "{w}-api"'
    vimports = ""
    if shape == "direct":
        v = _lines(f"header = jwt.get_unverified_header({x})  #@V",
                   'jwks_client = PyJWKClient(header["jku"], cache_keys=True)  #@V', tail)
        s = _lines("jwks_client = PyJWKClient(JWKS_URL, cache_keys=True)", tail)
        hv, hs = common, common + '\nJWKS_URL = ISSUER + "/.well-known/jwks.json"'
    elif shape == "https_only":
        def mk(check, msg, mark):
            return _lines(f"header = jwt.get_unverified_header({x}){mark}",
                          'jku = header.get("jku", "")',
                          f"if {check}:{mark}",
                          f'    raise PermissionError("{msg}")',
                          f"jwks_client = PyJWKClient(jku, cache_keys=True){mark}", tail)
        v = mk('urlsplit(jku).scheme != "https"', "key set must be served over https", "  #@V")
        s = mk("jku not in TRUSTED_JWKS_URLS", "untrusted key set", "")
        hv = common
        hs = common + '\nTRUSTED_JWKS_URLS = (ISSUER + "/.well-known/jwks.json", ISSUER + "/.well-known/jwks-next.json")'
        vimports = "from urllib.parse import urlsplit"
    else:
        def mk(check, mark):
            return _lines(f"header = jwt.get_unverified_header({x}){mark}",
                          'jku = header.get("jku", "")',
                          f"if {check}:{mark}",
                          '    raise PermissionError("key set not hosted by the identity provider")',
                          f"jwks_client = PyJWKClient(jku, cache_keys=True){mark}", tail)
        v = mk("not jku.startswith(ISSUER)", "  #@V")
        s = mk("jku != JWKS_URL", "")
        hv, hs = common, common + '\nJWKS_URL = ISSUER + "/.well-known/jwks.json"'
    how = {"direct": "any URL", "https_only": "any https URL",
           "prefix": "any URL that merely starts with the issuer string (https://login.example.com.evil.net/, "
                     "https://login.example.com@evil.net/)"}[shape]
    return _pair(c, v, s, hv, hs, imports="import jwt\nfrom jwt import PyJWKClient", vimports=vimports,
                 notes=f"the key set used to check the signature is fetched from the token's own jku header ({how}): "
                       f"an attacker signs a token with their own key, hosts the matching JWKS and names it in jku, "
                       f"so the forged token verifies; the fix fetches keys only from the issuer's configured JWKS URL")


def val_jwt_jku_hn(c, shape):
    x, w = c.x, c.word
    if shape == "fixed":
        helpers = f'''
            ISSUER = "https://login.{w}.example.com"
            JWKS = PyJWKClient(ISSUER + "/.well-known/jwks.json", cache_keys=True)
        '''
        s = f"""
            key = JWKS.get_signing_key_from_jwt({x})
            claims = jwt.decode({x}, key.key, algorithms=["RS256"], audience="{w}-api", issuer=ISSUER)
            result = claims["sub"]
        """
        return Spec(s=s, imports="import jwt\nfrom jwt import PyJWKClient", helpers=helpers,
                    notes="PyJWKClient on the issuer's fixed JWKS URL; the token only names the kid")
    helpers = f'''
        KEY_DIR = Path("/etc/{w}/jwt-keys")
        PUBLIC_KEYS = {{p.stem: p.read_text() for p in KEY_DIR.glob("*.pem")}}
    '''
    s = f"""
        kid = jwt.get_unverified_header({x}).get("kid", "")
        key = PUBLIC_KEYS.get(kid)
        if key is None:
            raise PermissionError("unknown signing key")
        claims = jwt.decode({x}, key, algorithms=["RS256"], audience="{w}-api")
        result = claims["sub"]
    """
    return Spec(s=s, imports="import jwt\nfrom pathlib import Path", helpers=helpers,
                notes="the unverified header only selects among locally pinned public keys")


@hardneg(2)
def val_jwt_jku_hn_fixed(c):
    return val_jwt_jku_hn(c, "fixed")


@hardneg(1)
def val_jwt_jku_hn_kid_map(c):
    return val_jwt_jku_hn(c, "kid_map")


# ---------------- CWE-798 python-jenkins API token in the source ----------------


@fam("val-secret-python-jenkins-api-token", "CWE-798", fws=TOOL_FWS, keys=["git_ref", "branch", "release_tag"], n=8)
def val_secret_jenkins(c):
    x, w = c.x, c.word
    tok = "11" + _hex(c, 32)
    user = c.pick("deploy-bot", f"{w}-release", "svc-ci")
    url = c.pick(f"https://ci.{w}.example.com", "https://jenkins.example.net", "https://build.example.org/jenkins")
    job = c.pick(f"{w}-deploy", f"deploy/{w}-staging", f"release/{w}")
    target = c.pick("staging", "canary", "qa")
    shape = c.pick("inline", "multiline")
    env = c.pick("JENKINS_API_TOKEN", "JENKINS_TOKEN")

    def client(pw, mark):
        if shape == "inline":
            return f'server = jenkins.Jenkins(JENKINS_URL, username="{user}", password={pw}){mark}'
        return _lines("server = jenkins.Jenkins(",
                      "    JENKINS_URL,",
                      f'    username="{user}",',
                      f"    password={pw},{mark}",
                      "    timeout=30,",
                      ")")

    common = f'''JENKINS_URL = "{url}"
JOB_NAME = "{job}"
REF_RE = re.compile(r"[A-Za-z0-9._/-]{{1,100}}")

'''
    body = f"""
        ref = {x}.strip()
        if not REF_RE.fullmatch(ref) or ref.startswith("-"):
            raise ValueError("invalid git ref")
        queue_id = server.build_job(JOB_NAME, parameters={{"GIT_REF": ref, "TARGET": "{target}"}})
        item = server.get_queue_item(queue_id)
        result = {{"queue_id": queue_id, "status": item.get("why") or "queued"}}
    """
    return _pair(c, body, body, common + client(f'"{tok}"', "  #@V"), common + client(f'os.environ["{env}"]', ""),
                 imports="import re\nimport jenkins", simports="import os",
                 notes="the Jenkins API token of the deploy account is written in the source: whoever reads the code "
                       "or its history can trigger and reconfigure jobs as that account; the fix reads the token "
                       "from the environment")


def val_secret_jenkins_hn(c, shape):
    x, w = c.x, c.word
    if shape == "env":
        helpers = f'server = jenkins.Jenkins("https://ci.{w}.example.com", username=os.environ["JENKINS_USER"], password=os.environ["JENKINS_API_TOKEN"])'
        imports = "import os\nimport re\nimport jenkins"
    else:
        helpers = f'''
            def _token():
                with open("/run/secrets/jenkins_token") as fh:
                    return fh.read().strip()


            server = jenkins.Jenkins("https://ci.{w}.example.com", username="deploy-bot", password=_token())
        '''
        imports = "import re\nimport jenkins"
    s = f"""
        ref = {x}.strip()
        if not re.fullmatch(r"[A-Za-z0-9._/-]{{1,100}}", ref) or ref.startswith("-"):
            raise ValueError("invalid git ref")
        queue_id = server.build_job("{w}-deploy", parameters={{"GIT_REF": ref}})
        result = {{"queue_id": queue_id}}
    """
    return Spec(s=s, imports=imports, helpers=helpers,
                notes="python-jenkins credentials read from the environment or a mounted secret file")


@hardneg(2)
def val_secret_jenkins_hn_env(c):
    return val_secret_jenkins_hn(c, "env")


@hardneg(1)
def val_secret_jenkins_hn_file(c):
    return val_secret_jenkins_hn(c, "file")


# ---------------- CWE-319 influxdb_client writing over http:// ----------------


@fam("val-clear-influxdb-http-token", "CWE-319", fws=TOOL_FWS, keys=["reading", "kwh", "temperature"], n=8)
def val_clear_influx(c):
    x, w = c.x, c.word
    host = c.pick(f"influx.{w}.example.com", "tsdb.example.net", "metrics.example.org")
    shape = c.pick("const", "inline", "env_default")
    org = c.pick("ops", "facilities", "plant-engineering")
    bucket = c.pick("telemetry", "energy", "sensors")
    sensor = c.pick("meter-07", "hvac-roof-2", "line-3-press")
    measurement = {"reading": "machine", "kwh": "power", "temperature": "environment"}[c.key]

    def conn(scheme, mark):
        url = f"{scheme}://{host}:8086"
        if shape == "const":
            return _lines(f'INFLUX_URL = "{url}"{mark}',
                          f'client = InfluxDBClient(url=INFLUX_URL, token=os.environ["INFLUX_TOKEN"], org="{org}", timeout=10_000){mark}')
        if shape == "env_default":
            return _lines(f'INFLUX_URL = os.environ.get("INFLUX_URL", "{url}"){mark}',
                          f'client = InfluxDBClient(url=INFLUX_URL, token=os.environ["INFLUX_TOKEN"], org="{org}"){mark}')
        return f'client = InfluxDBClient(url="{url}", token=os.environ["INFLUX_TOKEN"], org="{org}"){mark}'

    def helpers(scheme, mark):
        return _lines(f'BUCKET = "{bucket}"', f'SENSOR = "{sensor}"', "", conn(scheme, mark),
                      "write_api = client.write_api(write_options=SYNCHRONOUS)")

    body = f"""
        value = float({x})
        point = Point("{measurement}").tag("sensor", SENSOR).field("{c.key}", value)
        write_api.write(bucket=BUCKET, record=point)
        result = value
    """
    return _pair(c, body, body, helpers("http", "  #@V"), helpers("https", ""),
                 imports="import os\nfrom influxdb_client import InfluxDBClient, Point\n"
                         "from influxdb_client.client.write_api import SYNCHRONOUS",
                 notes="the InfluxDB client talks to a remote server over plain http://, so every write carries the "
                       "API token in its Authorization header (and the readings) in clear text across the network; "
                       "anyone on the path can reuse the token; the fix uses https:// (the client verifies the "
                       "certificate by default)")


def val_clear_influx_hn(c, shape):
    x, w = c.x, c.word
    if shape == "loopback":
        helpers = '''
            # the InfluxDB instance runs as a sidecar on this host; nothing leaves the machine
            client = InfluxDBClient(url="http://localhost:8086", token=os.environ["INFLUX_TOKEN"], org="ops")
            write_api = client.write_api(write_options=SYNCHRONOUS)
        '''
    else:
        helpers = f'''
            client = InfluxDBClient(
                url="https://influx.{w}.example.com:8086",
                token=os.environ["INFLUX_TOKEN"],
                org="ops",
                ssl_ca_cert="/etc/ssl/certs/{w}-internal-ca.pem",
            )
            write_api = client.write_api(write_options=SYNCHRONOUS)
        '''
    s = f"""
        write_api.write(bucket="telemetry", record=Point("environment").tag("room", "{w}").field("{c.key}", float({x})))
        result = "ok"
    """
    return Spec(s=s, imports="import os\nfrom influxdb_client import InfluxDBClient, Point\n"
                             "from influxdb_client.client.write_api import SYNCHRONOUS", helpers=helpers,
                notes="InfluxDB on the loopback interface, or a remote one over https with a CA bundle")


@hardneg(2)
def val_clear_influx_hn_loopback(c):
    return val_clear_influx_hn(c, "loopback")


@hardneg(1)
def val_clear_influx_hn_ca(c):
    return val_clear_influx_hn(c, "ca")


# ---------------- CWE-502 srsly.pickle_loads on a request payload ----------------


_BODY_SRC = {"flask": ("json", "form"), "fastapi": ("json",), "aiohttp": ("json", "form")}


@fam("val-deser-srsly-pickle-loads", "CWE-502", fws=["flask", "fastapi", "aiohttp", "pipeline"],
     keys=["payload", "doc_batch", "annotations"], n=8)
def val_deser_srsly(c):
    _pin(c)
    if c.fw in _BODY_SRC:
        c.src = c.pick(*_BODY_SRC[c.fw])
    x = c.x
    shape = c.pick("entities", "examples")
    model = c.pick("en_core_web_sm", "en_core_web_md", "de_core_news_sm")
    cap = c.pick(50, 100, 200)

    def body(loader, mark):
        if shape == "examples":
            return _lines(f"blob = base64.b64decode({x})",
                          f"batch = srsly.{loader}(blob){mark}",
                          f'examples = [(str(e["text"]), dict(e["cats"])) for e in batch["examples"][:{cap}]]',
                          "with sqlite3.connect(DB_PATH) as conn:",
                          '    conn.executemany("INSERT INTO train_examples (text, cats) VALUES (?, ?)",',
                          "                     [(text, srsly.json_dumps(cats)) for text, cats in examples])",
                          "result = len(examples)")
        return _lines(f"blob = base64.b64decode({x})",
                      f"batch = srsly.{loader}(blob){mark}",
                      f'texts = [str(t) for t in batch["texts"][:{cap}]]',
                      "docs = list(NLP.pipe(texts))",
                      "result = [[(ent.text, ent.label_) for ent in doc.ents] for doc in docs]")

    if shape == "examples":
        imports = "import base64\nimport sqlite3\nimport srsly"
        helpers = f'DB_PATH = "{c.pick("/srv/nlp/examples.db", "annotations.sqlite3")}"'
    else:
        imports = "import base64\nimport spacy\nimport srsly"
        helpers = f'NLP = spacy.load("{model}")'
    return Spec(v=body("pickle_loads", "  #@V"), s=body("json_loads", ""), imports=imports, helpers=helpers,
                notes="srsly.pickle_loads is (cloud)pickle: the client-supplied batch is unpickled, so a crafted "
                      "payload runs code in the NLP service while it loads; the fix decodes the batch as JSON "
                      "(srsly.json_loads), which only builds plain values")


@hardneg(3)
def val_deser_srsly_hn(c):
    if c.fw in _BODY_SRC:
        c.src = c.pick(*_BODY_SRC[c.fw])
    x = c.x
    s = f"""
        batch = srsly.json_loads(base64.b64decode({x}))
        texts = [str(t) for t in batch["texts"]][:100]
        key = hashlib.sha256("\\n".join(texts).encode()).hexdigest()
        if key not in CACHE:
            docs = list(NLP.pipe(texts))
            if len(CACHE) >= CACHE_MAX:
                CACHE.clear()
            CACHE[key] = srsly.pickle_dumps([[(e.text, e.label_) for e in d.ents] for d in docs])
        result = len(CACHE[key])
    """
    helpers = 'NLP = spacy.load("en_core_web_sm")\nCACHE = {}\nCACHE_MAX = 1024'
    return Spec(s=s, imports="import base64\nimport hashlib\nimport spacy\nimport srsly", helpers=helpers,
                notes="the request is decoded with srsly.json_loads; pickle is only used to serialise the service's "
                      "own results (pickle_dumps), never to load client data")


# ---------------- CWE-276 subprocess started with umask=0 ----------------


@fam("val-perm-subprocess-umask-zero", "CWE-276", fws=TOOL_FWS, keys=["database", "site", "instance"], n=8)
def val_perm_popen_umask(c):
    x, w = c.x, c.word
    tool = c.pick("pg_dump", "tar", "redis-cli")
    old = c.key
    c.key = {"pg_dump": c.pick("database", "tenant"), "tar": "site", "redis-cli": "instance"}[tool]
    x = c.x = c.x.replace(old, c.key)
    zero = c.pick("0", "0o000")
    good = c.pick("0o077", "0o027")
    call = c.pick("run", "popen")
    outdir = c.pick(f"/var/backups/{w}", "/srv/exports", f"/data/{w}/dumps")
    if tool == "pg_dump":
        out = c.fmt(outdir + "/{}.dump", "name")
        argv = '["pg_dump", "--format=custom", "--file", out_path, "--dbname", name]'
        what = "database dump"
    elif tool == "tar":
        out = c.fmt(outdir + "/{}-config.tar.gz", "name")
        argv = '["tar", "-czf", out_path, "-C", SITES_ROOT, name]'
        what = "archive of the site's configuration (credentials included)"
    else:
        out = c.fmt(outdir + "/{}.rdb", "name")
        argv = '["redis-cli", "-h", REDIS_HOSTS[name], "--rdb", out_path]'
        what = "Redis snapshot (sessions and cached tokens)"

    def body(mask, mark):
        pre = _lines(f"name = {x}.strip()",
                     'if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name):' if tool != "redis-cli" else "if name not in REDIS_HOSTS:",
                     f'    raise ValueError("unknown {c.key}")',
                     f"out_path = {out}")
        if call == "run":
            run = _lines("proc = subprocess.run(",
                         f"    {argv},",
                         "    check=True,",
                         "    timeout=3600,",
                         f"    umask={mask},{mark}",
                         ")",
                         "result = {\"file\": out_path, \"rc\": proc.returncode}")
        else:
            run = _lines(f"proc = subprocess.Popen({argv}, stderr=subprocess.PIPE, umask={mask}){mark}",
                         "_, err = proc.communicate(timeout=3600)",
                         "if proc.returncode != 0:",
                         '    raise RuntimeError(err.decode(errors="replace")[-500:])',
                         "result = {\"file\": out_path, \"rc\": proc.returncode}")
        return _lines(pre, run)

    helpers = {"pg_dump": "", "tar": f'SITES_ROOT = "/etc/{w}/sites"',
               "redis-cli": f'REDIS_HOSTS = {{"sessions": "redis-sessions.{w}.internal", "cache": "redis-cache.{w}.internal"}}'}[tool]
    imports = "import subprocess" if tool == "redis-cli" else "import re\nimport subprocess"
    return Spec(v=body(zero, "  #@V"), s=body(good, ""), imports=imports, helpers=helpers,
                notes=f"the {tool} child is started with umask={zero}, so the {what} it creates gets mode 0666 (0644 for "
                      f"redis-cli): every local account can read it, and for 0666 rewrite it before it is restored; the "
                      f"fix starts the child with umask={good}")


def val_perm_popen_umask_hn(c, shape):
    x, w = c.x, c.word
    if shape == "private":
        s = f"""
            name = {x}.strip()
            if not re.fullmatch(r"[a-z][a-z0-9_]{{0,62}}", name):
                raise ValueError("invalid name")
            out_path = "/var/backups/{w}/" + name + ".dump"
            subprocess.run(["pg_dump", "--format=custom", "--file", out_path, "--dbname", name], check=True, umask=0o077)
            result = out_path
        """
        return Spec(s=s, imports="import re\nimport subprocess",
                    notes="pg_dump started with umask=0o077: the dump is readable by its owner only")
    c.key = "theme"
    c.x = x = c.pick("theme", "requested_theme")
    s = f"""
        theme = {x}.strip()
        if theme not in THEMES:
            raise ValueError("unknown theme")
        subprocess.run(["npx", "vite", "build", "--outDir", "/srv/www/{w}/static/" + theme], cwd=THEMES[theme],
                       check=True, umask=0o022)
        result = theme
    """
    helpers = f'THEMES = {{"light": "/opt/{w}/themes/light", "dark": "/opt/{w}/themes/dark"}}'
    return Spec(s=s, imports="import subprocess", helpers=helpers,
                notes="umask=0o022 for public static assets the web server must read; nothing secret is written")


@hardneg(2)
def val_perm_popen_umask_hn_private(c):
    return val_perm_popen_umask_hn(c, "private")


@hardneg(1)
def val_perm_popen_umask_hn_public_assets(c):
    return val_perm_popen_umask_hn(c, "public_assets")
