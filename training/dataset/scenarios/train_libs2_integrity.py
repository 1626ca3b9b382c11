"""Train-only families on libraries and APIs no other family uses (written without reading the
held-out or val_* families).

347: authlib.jose JsonWebToken whose algorithm list admits "none"; python-gnupg verify_file whose result
     is only logged.
319: gRPC insecure_channel to a remote service; psycopg with sslmode=disable to a remote database;
     Elasticsearch / OpenSearch clients over plain HTTP with basic auth.
798: smbprotocol's smbclient.register_session with a literal password.
90:  Flask-LDAP3-Login's LDAP3LoginManager.get_object with an interpolated filter.
643: saxonche (SaxonC) XPath processor evaluating an interpolated expression.
"""
from core import Spec
from registry import fam, hardneg


# ---------------- CWE-347 signature verification ----------------


# Second-author review (R10): dropped. authlib's NoneAlgorithm.verify always returns False, so a token with
# {"alg": "none"} is rejected with BadSignatureError even when "none" is in the JsonWebToken algorithm list:
# the "vulnerable" examples are not vulnerable as written.
@fam("sig-authlib-jsonwebtoken-none-alg", "CWE-347", fws=["flask", "django", "fastapi", "aiohttp"],
     keys=["access_token", "session_token", "id_token"], n=8)
def sig_authlib_none(c):
    x = c.x
    algs, key = c.pick(('"RS256"', "PUBLIC_KEY"), ('"RS256", "ES256"', "PUBLIC_KEY"), ('"HS256"', "SIGNING_SECRET"))
    claims = c.pick("claims", "token_claims", "jwt_claims")
    ret = c.pick(f'{{"sub": {claims}["sub"], "scope": {claims}.get("scope", "")}}',
                 f'{{"user_id": {claims}["sub"], "roles": {claims}.get("roles", [])}}')
    v = f"""
        {claims} = JsonWebToken([{algs}, "none"]).decode({x}, {key})  #@V
        {claims}.validate()
        result = {ret}
    """
    s = f"""
        {claims} = JsonWebToken([{algs}]).decode({x}, {key})
        {claims}.validate()
        result = {ret}
    """
    if key == "PUBLIC_KEY":
        helpers = 'with open(os.environ.get("JWT_PUBLIC_KEY_FILE", "/etc/' + c.word + '/jwt-public.pem"), "rb") as _fh:\n    PUBLIC_KEY = _fh.read()'
    else:
        helpers = 'SIGNING_SECRET = os.environ["JWT_SIGNING_SECRET"]'
    return Spec(v=v, s=s, imports="import os\nfrom authlib.jose import JsonWebToken", helpers=helpers,
                notes="the accepted algorithm list includes \"none\": a token with header {\"alg\": \"none\"} and an empty "
                      "signature is accepted, so anyone can forge the subject and roles")


@hardneg(3)
def sig_authlib_none_hn(c):
    x = c.x
    s = f"""
        jwt = JsonWebToken(["RS256"])
        claims = jwt.decode({x}, PUBLIC_KEY, claims_options={{"iss": {{"essential": True, "value": ISSUER}}}})
        claims.validate(leeway=30)
        result = {{"sub": claims["sub"], "exp": claims["exp"]}}
    """
    helpers = (f'ISSUER = "https://login.{c.word}.example.com"\n'
               'with open(os.environ["JWT_PUBLIC_KEY_FILE"], "rb") as _fh:\n    PUBLIC_KEY = _fh.read()')
    return Spec(s=s, imports="import os\nfrom authlib.jose import JsonWebToken", helpers=helpers,
                notes="only RS256 is accepted and the issuer and expiry are validated")


@fam("sig-gnupg-verify-status-logged", "CWE-347", fws=["script", "cli"],
     keys=["bundle_path", "release_tarball", "package_file"], n=8)
def sig_gnupg(c):
    x = c.x
    log = c.n("log")
    ver = c.pick("verified", "verification", "sig_check")
    opener = c.pick("file", "path")
    if opener == "file":
        call = f"""with open({x} + ".asc", "rb") as sig_fh:
    {ver} = GPG.verify_file(sig_fh, data_filename={x})  #@V"""
        call_s = call.replace("  #@V", "")
    else:
        # verify_file with data_filename reads the signature with .read(): it needs a file object, not a
        # path (a str raises AttributeError); close_file=True (default) closes it afterwards.
        call = f'{ver} = GPG.verify_file(open({x} + ".asc", "rb"), data_filename={x})  #@V'
        call_s = call.replace("  #@V", "")
    logline = c.pick(f'{log}.info("signature check for %s: %s (%s)", {x}, {ver}.status, {ver}.username)',
                     f'{log}.info("gpg status=%s key=%s", {ver}.status, {ver}.key_id)')
    install = c.pick(f"shutil.copy2({x}, RELEASE_DIR)", f"shutil.unpack_archive({x}, RELEASE_DIR)")
    guard = c.pick(f"""if not {ver}.valid:
    raise RuntimeError("bad signature on " + {x})""",
                   f"""if not {ver}.valid or {ver}.fingerprint not in TRUSTED_FINGERPRINTS:
    raise RuntimeError("untrusted or invalid signature: " + str({ver}.status))""")
    v = f"""{call}
{logline}
{install}  #@V
result = os.path.basename({x})
"""
    s = f"""{call_s}
{logline}
{guard}
{install}
result = os.path.basename({x})
"""
    helpers = f"""
        {log} = logging.getLogger("{c.word}.updater")
        GPG = gnupg.GPG(gnupghome="/etc/{c.word}/gnupg")
        RELEASE_DIR = "/opt/{c.word}/releases"
        TRUSTED_FINGERPRINTS = {{"8F3B2C1D4E5A69788796A5B4C3D2E1F0A1B2C3D4"}}
    """
    return Spec(v=v, s=s, imports="import logging\nimport os\nimport shutil\n\nimport gnupg", helpers=helpers,
                notes="the detached signature is checked but its result (valid, fingerprint) is only logged; a tampered or "
                      "unsigned release bundle is installed all the same")


@hardneg(3)
def sig_gnupg_hn(c):
    x = c.x
    s = f"""
        with open({x} + ".asc", "rb") as sig_fh:
            verified = GPG.verify_file(sig_fh, data_filename={x})
        if not verified:
            raise RuntimeError("signature check failed: " + str(verified.status))
        if verified.fingerprint not in TRUSTED_FINGERPRINTS:
            raise RuntimeError("signed by an unknown key")
        shutil.copy2({x}, RELEASE_DIR)
        result = verified.fingerprint
    """
    helpers = (f'GPG = gnupg.GPG(gnupghome="/etc/{c.word}/gnupg")\nRELEASE_DIR = "/opt/{c.word}/releases"\n'
               'TRUSTED_FINGERPRINTS = {"8F3B2C1D4E5A69788796A5B4C3D2E1F0A1B2C3D4"}')
    return Spec(s=s, imports="import shutil\n\nimport gnupg", helpers=helpers,
                notes="a Verify object is falsy unless the signature is valid; the signer is also pinned")


# ---------------- CWE-319 cleartext transmission ----------------

_GRPC = {
    "payments": ("payments_pb2", "PaymentServiceStub", "Charge", "ChargeRequest", "card_number", "payments.{w}-prod.example.net:50051", "reply.charge_id"),
    "identity": ("identity_pb2", "IdentityStub", "CheckPassword", "CheckPasswordRequest", "password", "idp.{w}-prod.example.net:50051", "reply.user_id"),
    "kyc": ("kyc_pb2", "VerificationStub", "SubmitApplicant", "ApplicantRequest", "national_id", "kyc-gateway.{w}.example.org:443", "reply.case_id"),
}


@fam("clear-grpc-insecure-channel", "CWE-319", fws=["flask", "fastapi", "pipeline", "cli"],
     keys=["card_number", "password", "national_id"], n=8)
def clear_grpc(c):
    x = c.x
    svc = {"card_number": "payments", "password": "identity", "national_id": "kyc"}[c.key]
    pb2, stub_cls, rpc, req, field, target, out = _GRPC[svc]
    grpc_mod = pb2.replace("_pb2", "_pb2_grpc")
    extra = c.pick(", amount_cents=1999", ", reference=REQUEST_REF") if svc == "payments" else ", client_id=SERVICE_USER" if svc == "identity" else ", country=\"DE\""
    form = c.pick("with", "plain")
    if form == "with":
        v = f"""
            with grpc.insecure_channel(TARGET) as channel:  #@V
                stub = {grpc_mod}.{stub_cls}(channel)
                reply = stub.{rpc}({pb2}.{req}({field}={x}{extra}), timeout=10)
            result = {out}
        """
        s = f"""
            with grpc.secure_channel(TARGET, grpc.ssl_channel_credentials()) as channel:
                stub = {grpc_mod}.{stub_cls}(channel)
                reply = stub.{rpc}({pb2}.{req}({field}={x}{extra}), timeout=10)
            result = {out}
        """
        helpers = f'TARGET = "{target.format(w=c.word)}"'
    else:
        v = f"""
            stub = {grpc_mod}.{stub_cls}(CHANNEL)
            reply = stub.{rpc}({pb2}.{req}({field}={x}{extra}), timeout=10)
            result = {out}
        """
        s = v
        helpers = f'TARGET = "{target.format(w=c.word)}"\nCHANNEL = grpc.insecure_channel(TARGET)  #@V'
        shelpers = f'TARGET = "{target.format(w=c.word)}"\nCHANNEL = grpc.secure_channel(TARGET, grpc.ssl_channel_credentials())'
        return _split_helpers(c, v, s, helpers, shelpers, f"import grpc\n\nimport {pb2}\nimport {grpc_mod}", svc)
    helpers += '\nSERVICE_USER = "{w}-web"\nREQUEST_REF = "{w}-checkout"'.format(w=c.word)
    return Spec(v=v, s=s, imports=f"import grpc\n\nimport {pb2}\nimport {grpc_mod}", helpers=helpers,
                notes=f"the {field.replace('_', ' ')} is sent to a remote {svc} service over grpc.insecure_channel: "
                      "plaintext HTTP/2 that anyone on the path can read")


def _split_helpers(c, v, s, hv, hs, imports, svc):
    """The weak setting sits at module level: render both modules through the shell with different helpers."""
    from core import shell
    c.n("handler"), c.n("result")
    extra = '\nSERVICE_USER = "{w}-web"\nREQUEST_REF = "{w}-checkout"'.format(w=c.word)
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=hv + extra), imports)
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=hs + extra), imports)
    return Spec(v=vm, s=sm, full=True,
                notes=f"the module-level channel to the remote {svc} service is grpc.insecure_channel: the sensitive "
                      "request fields travel as plaintext HTTP/2")


@hardneg(3)
def clear_grpc_hn(c):
    x = c.x
    target = c.pick('"localhost:50051"', '"unix:///run/' + c.word + '/sidecar.sock"', '"127.0.0.1:50051"')
    svc = {"card_number": "payments", "password": "identity", "national_id": "kyc"}[c.key]
    pb2, stub_cls, rpc, req, field, _, out = _GRPC[svc]
    grpc_mod = pb2.replace("_pb2", "_pb2_grpc")
    s = f"""
        with grpc.insecure_channel({target}) as channel:
            stub = {grpc_mod}.{stub_cls}(channel)
            reply = stub.{rpc}({pb2}.{req}({field}={x}), timeout=10)
        result = {out}
    """
    return Spec(s=s, imports=f"import grpc\n\nimport {pb2}\nimport {grpc_mod}",
                notes=f"the plaintext channel only reaches a local sidecar on the same host, which terminates TLS/mTLS "
                      f"towards the remote {svc} service")


@fam("clear-psycopg-sslmode-disable", "CWE-319", fws=["flask", "fastapi", "script", "cli", "pipeline"],
     keys=["region", "status", "account_id"], n=8)
def clear_psycopg(c):
    x = c.x
    host = c.pick("orders-db.{w}.eu-west-1.rds.amazonaws.com", "pg-primary.{w}-prod.example.net",
                  "10.40.12.7").format(w=c.word)
    table = c.pick("orders", "invoices", "accounts")
    shape = c.pick("kwargs", "conninfo", "pool")
    q = f'"SELECT id, total, created_at FROM {table} WHERE {c.key} = %s ORDER BY created_at DESC LIMIT 100"'
    use = f"""    with conn.cursor() as cur:
        cur.execute({q}, ({x},))
        rows = cur.fetchall()
result = [{{"id": r[0], "total": str(r[1]), "created_at": r[2].isoformat()}} for r in rows]"""
    if shape == "kwargs":
        v = f"""with psycopg.connect(host=DB_HOST, dbname="{c.word}", user="{c.word}_app",
                     password=os.environ["PGPASSWORD"], sslmode="disable") as conn:  #@V
{use}"""
        s = v.replace('sslmode="disable"', 'sslmode="verify-full", sslrootcert=CA_FILE').replace("  #@V", "")
        helpers = f'DB_HOST = "{host}"\nCA_FILE = "/etc/ssl/certs/rds-ca.pem"'
        imps = "import os\n\nimport psycopg"
        v = v.replace("  #@V", "")
        v = v.replace('sslmode="disable") as conn:', 'sslmode="disable") as conn:  #@V')
    elif shape == "conninfo":
        v = f"""with psycopg.connect(DSN, password=os.environ["PGPASSWORD"]) as conn:
{use}"""
        s = v
        hv = f'DSN = "host={host} port=5432 dbname={c.word} user={c.word}_app sslmode=disable"  #@V'
        hs = f'DSN = "host={host} port=5432 dbname={c.word} user={c.word}_app sslmode=verify-full sslrootcert=/etc/ssl/certs/db-ca.pem"'
        return _pg_split(c, v, s, hv, hs, "import os\n\nimport psycopg")
    else:
        v = f"""with POOL.connection() as conn:
{use}"""
        s = v
        hv = f'POOL = ConnectionPool(conninfo="host={host} dbname={c.word} user={c.word}_app sslmode=disable", min_size=1, max_size=8)  #@V'
        hs = f'POOL = ConnectionPool(conninfo="host={host} dbname={c.word} user={c.word}_app sslmode=verify-full", min_size=1, max_size=8)'
        return _pg_split(c, v, s, hv, hs, "from psycopg_pool import ConnectionPool")
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes="sslmode=disable to a database on another host: the password exchange (for md5/password auth) and "
                      "every query and row travel in cleartext over the network")


def _pg_split(c, v, s, hv, hs, imports):
    from core import shell
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=hv), imports)
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=hs), imports)
    return Spec(v=vm, s=sm, full=True,
                notes="the connection string to a remote PostgreSQL server sets sslmode=disable: credentials, queries and "
                      "result rows cross the network in cleartext")


@hardneg(3)
def clear_psycopg_hn(c):
    x = c.x
    host = c.pick('"localhost"', '"/var/run/postgresql"', '"127.0.0.1"')
    s = f"""
        with psycopg.connect(host={host}, dbname="{c.word}", user="{c.word}_app", sslmode="disable") as conn:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM orders WHERE {c.key} = %s", ({x},))
                result = cur.fetchone()[0]
    """
    return Spec(s=s, imports="import psycopg",
                notes="sslmode=disable to a database on the same host (loopback or Unix socket): nothing crosses the network")


@fam("clear-search-cluster-plain-http", "CWE-319", fws=["flask", "django", "fastapi", "cli", "pipeline"],
     keys=["term", "query_text", "customer_name"], n=8)
def clear_es(c):
    x = c.x
    host = c.pick("search-01.{w}.example.net", "es.{w}-prod.internal.example.com", "10.20.3.41").format(w=c.word)
    index = c.pick(f"{c.word}s", "customers", "catalog-v2")
    lib = c.pick("es", "es", "os")
    if lib == "es":
        v_client = f'CLIENT = Elasticsearch("http://{host}:9200", basic_auth=("{c.word}_reader", os.environ["ES_PASSWORD"]))  #@V'
        s_client = f'CLIENT = Elasticsearch("https://{host}:9200", basic_auth=("{c.word}_reader", os.environ["ES_PASSWORD"]), ca_certs=CA_CERTS)'
        imps = "import os\n\nfrom elasticsearch import Elasticsearch"
        body = f"""hits = CLIENT.search(index="{index}", query={{"match": {{"name": {x}}}}}, size=20)["hits"]["hits"]
result = [h["_source"] for h in hits]"""
    else:
        v_client = (f'CLIENT = OpenSearch(hosts=[{{"host": "{host}", "port": 9200}}], '
                    f'http_auth=("{c.word}_reader", os.environ["OPENSEARCH_PASSWORD"]), use_ssl=False)  #@V')
        s_client = (f'CLIENT = OpenSearch(hosts=[{{"host": "{host}", "port": 9200}}], '
                    f'http_auth=("{c.word}_reader", os.environ["OPENSEARCH_PASSWORD"]), use_ssl=True, verify_certs=True, ca_certs=CA_CERTS)')
        imps = "import os\n\nfrom opensearchpy import OpenSearch"
        body = f"""resp = CLIENT.search(index="{index}", body={{"query": {{"match": {{"name": {x}}}}}, "size": 20}})
result = [h["_source"] for h in resp["hits"]["hits"]]"""
    ca = 'CA_CERTS = "/etc/ssl/certs/search-ca.pem"'
    from core import shell
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, body, Spec(helpers=ca + "\n" + v_client), imps)
    c.rng.setstate(st)
    sm = shell(c, body, Spec(helpers=ca + "\n" + s_client), imps)
    return Spec(v=vm, s=sm, full=True,
                notes="the search cluster on another host is reached over plain HTTP with basic auth: the password (in "
                      "every Authorization header), the queries and the customer documents cross the network unencrypted")


@hardneg(3)
def clear_es_hn(c):
    x = c.x
    host = c.pick("localhost", "127.0.0.1")
    s = f"""
        hits = CLIENT.search(index="{c.word}s", query={{"match": {{"name": {x}}}}}, size=20)["hits"]["hits"]
        result = [h["_source"] for h in hits]
    """
    return Spec(s=s, imports="from elasticsearch import Elasticsearch",
                helpers=f'CLIENT = Elasticsearch("http://{host}:9200")',
                notes="plain HTTP only to a single-node search on the same host (loopback), without credentials: "
                      "nothing crosses the network")


# ---------------- CWE-798 hard-coded credentials ----------------


@fam("secret-smbclient-register-session", "CWE-798", fws=["script", "cli", "pipeline"],
     keys=["region", "branch_code", "cost_center"], n=8)
def secret_smb(c):
    x = c.x
    server = c.pick("fs01.corp.example.com", "nas-finance.example.local", "filesrv02.ad.example.org")
    share = c.pick("exports", "Finance", "reports$")
    user = c.pick("CORP\\\\svc_backup", "svc-" + c.word, "EXAMPLE\\\\reporting")
    pw = c.pick("Winter2023!", "Sm8-backup#4410", "P@ssw0rd-" + c.word, "Reports!2022")
    rows = c.pick("rows", "lines", "records")
    v = f"""
        smbclient.register_session(SMB_SERVER, username="{user}", password="{pw}")  #@V
        {rows} = [r for r in load_rows() if r["{c.key}"] == {x}]
        remote = SHARE_ROOT + "\\\\" + datetime.date.today().strftime("%Y%m%d") + ".csv"
        with smbclient.open_file(remote, mode="w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["id", "{c.key}", "amount"])
            writer.writeheader()
            writer.writerows({rows})
        result = len({rows})
    """
    s = v.replace(f'password="{pw}")  #@V', 'password=os.environ["SMB_PASSWORD"])')
    helpers = f"""
        SMB_SERVER = "{server}"
        SHARE_ROOT = r"\\\\{server}\\{share}\\{c.word}"


        def load_rows():
            with open("/var/lib/{c.word}/daily.csv", newline="") as fh:
                return [{{"id": r["id"], "{c.key}": r["{c.key}"], "amount": r["amount"]}} for r in csv.DictReader(fh)]
    """
    return Spec(v=v, s=s, imports="import csv\nimport datetime\nimport os\n\nimport smbclient", helpers=helpers,
                notes="the service account password of the file share is a literal in the source: everyone with the code "
                      "(repository, image, backups) can log in to the share, and it cannot be rotated without a release")


@hardneg(3)
def secret_smb_hn(c):
    s = f"""
        smbclient.register_session(SMB_SERVER, username=os.environ["SMB_USER"], password=os.environ["SMB_PASSWORD"])
        with smbclient.open_file(SHARE_ROOT + "\\\\summary.txt", mode="w") as fh:
            fh.write("{c.key}=" + str({c.x}) + "\\n")
        result = "ok"
    """
    helpers = f'SMB_SERVER = "fs01.corp.example.com"\nSHARE_ROOT = r"\\\\fs01.corp.example.com\\exports\\{c.word}"'
    return Spec(s=s, imports="import os\n\nimport smbclient", helpers=helpers,
                notes="the share credentials come from the environment (injected by the secret store)")


# ---------------- CWE-90 LDAP injection ----------------

_LDAP_LOOKUPS = {
    "email": ("(&(objectClass=person)(mail={}))", ["cn", "mail", "telephoneNumber"]),
    "employee_id": ("(&(objectClass=inetOrgPerson)(employeeNumber={}))", ["cn", "title", "manager"]),
    "login": ("(&(objectClass=user)(sAMAccountName={}))", ["displayName", "mail", "department"]),
}


@fam("ldapi-flask-ldap3-login-get-object", "CWE-90", fws=["flask"], keys=["email", "employee_id", "login"], n=8)
def ldapi_fl3l(c):
    x = c.x
    tmpl, attrs = _LDAP_LOOKUPS[c.key]
    entry = c.pick("entry", "person", "info")
    base = c.pick("ldap_manager.full_user_search_dn", "USER_BASE_DN")
    v = f"""
        {entry} = ldap_manager.get_object(
            dn={base},
            filter={c.fmt(tmpl, x)},  #@V
            attributes={attrs!r},
        )
        result = {{k: {entry}.get(k) for k in {attrs!r}}} if {entry} else None
    """.replace("'", '"')
    s = f"""
        needle = escape_filter_chars({x})
        {entry} = ldap_manager.get_object(
            dn={base},
            filter={c.fmt(tmpl, "needle")},
            attributes={attrs!r},
        )
        result = {{k: {entry}.get(k) for k in {attrs!r}}} if {entry} else None
    """.replace("'", '"')
    helpers = f"""
        USER_BASE_DN = "ou=people,dc={c.word},dc=example,dc=com"
        ldap_manager = LDAP3LoginManager()


        def init_directory(flask_app):
            flask_app.config.setdefault("LDAP_HOST", "ldaps://ldap.{c.word}.example.com")
            flask_app.config.setdefault("LDAP_BASE_DN", "dc={c.word},dc=example,dc=com")
            flask_app.config.setdefault("LDAP_USER_DN", "ou=people")
            ldap_manager.init_app(flask_app)
    """
    from core import shell
    c.n("handler"), c.n("result")
    st = c.rng.getstate()
    vm = shell(c, v, Spec(helpers=helpers), "from flask_ldap3_login import LDAP3LoginManager")
    c.rng.setstate(st)
    sm = shell(c, s, Spec(helpers=helpers), "from flask_ldap3_login import LDAP3LoginManager\nfrom ldap3.utils.conv import escape_filter_chars")
    init = "app = Flask(__name__)\ninit_directory(app)\n"
    return Spec(v=vm.replace("app = Flask(__name__)\n", init, 1), s=sm.replace("app = Flask(__name__)\n", init, 1), full=True,
                notes="the request value is pasted into the LDAP filter given to get_object: '*' or ')(|(uid=*' changes "
                      "which directory entry is returned (enumeration of other people's data, attribute probing)")


@hardneg(3)
def ldapi_fl3l_hn(c):
    x = c.x
    pre, post = _LDAP_LOOKUPS[c.key][0].split("{}")
    s = f"""
        entry = ldap_manager.get_object(
            dn=ldap_manager.full_user_search_dn,
            filter="{pre}" + escape_filter_chars({x}) + "{post}",
            attributes=["cn", "mail"],
        )
        result = entry["cn"] if entry else None
    """
    helpers = f"""
        ldap_manager = LDAP3LoginManager()


        def init_directory(flask_app):
            flask_app.config.setdefault("LDAP_HOST", "ldaps://ldap.{c.word}.example.com")
            flask_app.config.setdefault("LDAP_BASE_DN", "dc={c.word},dc=example,dc=com")
            flask_app.config.setdefault("LDAP_USER_DN", "ou=people")
            ldap_manager.init_app(flask_app)
    """
    from core import shell
    m = shell(c, s, Spec(helpers=helpers), "from flask_ldap3_login import LDAP3LoginManager\nfrom ldap3.utils.conv import escape_filter_chars")
    return Spec(s=m.replace("app = Flask(__name__)\n", "app = Flask(__name__)\ninit_directory(app)\n", 1), full=True,
                notes="the value is escaped with escape_filter_chars before it goes into the filter")


# ---------------- CWE-643 XPath injection ----------------


@fam("xpathi-saxonche-evaluate", "CWE-643", fws=["flask", "fastapi", "cli", "pipeline"],
     keys=["author", "category", "sku"], n=8)
def xpathi_saxon(c):
    x = c.x
    elem = {"author": ("book", "author", "title"), "category": ("product", "category", "name"),
            "sku": ("item", "@sku", "price")}[c.key]
    node, attr, out = elem
    xp = c.pick("xp", "xpath_proc", "xpp")
    vals = c.pick("values", "matches", "items")
    q = c.fmt("//" + node + "[" + attr + "='{}']/" + out + "/string()", x)
    v = f"""
        with PySaxonProcessor(license=False) as proc:
            doc = proc.parse_xml(xml_file_name=CATALOG_XML)
            {xp} = proc.new_xpath_processor()
            {xp}.set_context(xdm_item=doc)
            {vals} = {xp}.evaluate({q})  #@V
            result = [] if {vals} is None else [{vals}.item_at(i).string_value for i in range({vals}.size)]
    """
    s = f"""
        with PySaxonProcessor(license=False) as proc:
            doc = proc.parse_xml(xml_file_name=CATALOG_XML)
            {xp} = proc.new_xpath_processor()
            {xp}.set_context(xdm_item=doc)
            {xp}.declare_variable("needle")
            {xp}.set_parameter("needle", proc.make_string_value({x}))
            {vals} = {xp}.evaluate("//{node}[{attr}=$needle]/{out}/string()")
            result = [] if {vals} is None else [{vals}.item_at(i).string_value for i in range({vals}.size)]
    """
    return Spec(v=v, s=s, imports="from saxonche import PySaxonProcessor",
                helpers=f'CATALOG_XML = "/srv/{c.word}/catalog.xml"',
                notes="the value is spliced into the XPath expression: a quote ends the literal and \"' or '1'='1\" "
                      "returns every node (or probes other parts of the document)")


@hardneg(3)
def xpathi_saxon_hn(c):
    x = c.x
    node, attr = {"author": ("book", "author"), "category": ("product", "category"), "sku": ("item", "@sku")}[c.key]
    s = f"""
        with PySaxonProcessor(license=False) as proc:
            doc = proc.parse_xml(xml_file_name=CATALOG_XML)
            xp = proc.new_xpath_processor()
            xp.set_context(xdm_item=doc)
            xp.declare_variable("q")
            xp.set_parameter("q", proc.make_string_value({x}))
            found = xp.evaluate_single("count(//{node}[{attr}=$q])")
            result = int(found.string_value) if found is not None else 0
    """
    return Spec(s=s, imports="from saxonche import PySaxonProcessor", helpers=f'CATALOG_XML = "/srv/{c.word}/catalog.xml"',
                notes="the value is bound as an XPath variable, never parsed as part of the expression")
