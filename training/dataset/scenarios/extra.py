"""Second wave of families for groups that had only six: more sinks and shapes per CWE."""
from core import Spec
from registry import fam, WEB_FWS, TAINT_FWS


@fam("cmdi-spawn-sh-c", "CWE-78", fws=["script", "cli", "pipeline", "flask"], keys=["image", "source_file"], n=8)
def cmdi_spawn(c):
    x = c.x
    v = f"""
        src = os.path.join(UPLOAD_DIR, os.path.basename({x}))
        out = os.path.splitext(src)[0] + ".webp"
        rc = os.spawnlp(os.P_WAIT, "sh", "sh", "-c", "cwebp -q 80 " + src + " -o " + out)  #@V
        result = out if rc == 0 else None
    """
    s = f"""
        src = os.path.join(UPLOAD_DIR, os.path.basename({x}))
        out = os.path.splitext(src)[0] + ".webp"
        rc = subprocess.run(["cwebp", "-q", "80", "-o", out, "--", src]).returncode
        result = out if rc == 0 else None
    """
    return Spec(v=v, s=s, imports="import os", simports="import subprocess", helpers='UPLOAD_DIR = "/srv/uploads"',
                notes="basename() keeps the file in the upload dir but not out of the shell: ';', '|', '$()' need no slash")


@fam("argi-pip-install", "CWE-77", fws=["flask", "fastapi", "cli", "pipeline"], keys=["package", "requirement"], n=8)
def argi_pip(c):
    x = c.x
    v = f"""
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--user", {x}], capture_output=True, text=True)  #@V
        result = proc.returncode
    """
    s = f"""
        name, _, version = {x}.partition("==")
        if name.lower() not in {{"requests", "numpy", "pandas", "pillow"}} or (version and not re.fullmatch(r"[0-9][0-9A-Za-z.]*", version)):
            raise ValueError("not an approved package requirement")
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--user", "--", {x}], capture_output=True, text=True)
        result = proc.returncode
    """
    return Spec(v=v, s=s, imports="import subprocess\nimport sys", simports="import re",
                notes="'--index-url=https://evil/' or '-r /etc/…' are read as pip options")


@fam("codei-pandas-query", "CWE-94", fws=TAINT_FWS, keys=["where", "filter_expr"], n=8)
def codei_pandas(c):
    x = c.x
    v = f"""
        frame = pd.read_csv(SALES_CSV)
        subset = frame.query({x})  #@V
        result = subset.head(50).to_dict(orient="records")
    """
    s = f"""
        frame = pd.read_csv(SALES_CSV)
        column, _, wanted = {x}.partition("=")
        if column.strip() not in ("region", "product", "channel"):
            raise ValueError("unsupported filter")
        subset = frame[frame[column.strip()] == wanted.strip()]
        result = subset.head(50).to_dict(orient="records")
    """
    return Spec(v=v, s=s, imports="import pandas as pd", helpers='SALES_CSV = "/srv/data/sales.csv"',
                notes="DataFrame.query evaluates Python expressions (@-references, attribute access)")


@fam("ldapi-computer-autocomplete", "CWE-90", fws=WEB_FWS, keys=["prefix", "hostname"], n=8, twin_hard=True)
def ldap_auto(c):
    x = c.x
    v = f"""
        flt = {c.fmt("(&(objectClass=computer)(cn={}*))", x)}  #@V
        conn.search("ou=machines,dc=corp,dc=local", flt, attributes=["cn", "operatingSystem"], size_limit=20)  #@V
        result = [e.cn.value for e in conn.entries]
    """
    s = f"""
        flt = {c.fmt("(&(objectClass=computer)(cn={}*))", "escape_filter_chars(" + x + ")")}
        conn.search("ou=machines,dc=corp,dc=local", flt, attributes=["cn", "operatingSystem"], size_limit=20)
        result = [e.cn.value for e in conn.entries]
    """
    return Spec(v=v, s=s, imports="from ldap3 import Connection, Server", simports="from ldap3.utils.conv import escape_filter_chars",
                helpers='conn = Connection(Server("ldaps://dc1.corp.local"), auto_bind=True)')


@fam("xpathi-html-links", "CWE-643", fws=TAINT_FWS, keys=["domain", "needle"], n=8, twin_hard=True)
def xpath_html(c):
    x = c.x
    v = f"""
        page = html.fromstring(open("snapshot.html", "rb").read())
        links = page.xpath({c.fmt("//a[contains(@href, '{}')]/@href", x)})  #@V
        result = sorted(set(links))
    """
    s = f"""
        page = html.fromstring(open("snapshot.html", "rb").read())
        links = page.xpath("//a[contains(@href, $needle)]/@href", needle={x})
        result = sorted(set(links))
    """
    return Spec(v=v, s=s, imports="from lxml import html")


@fam("authz-tenant-header", "CWE-639", fws=["flask", "fastapi", "django", "aiohttp"], keys=["tenant_id"], n=8)
def authz_tenant(c):
    x = c.x
    v = f"""
        user = CURRENT_USER
        tenant = {x}  #@V
        if not user:
            raise PermissionError("login required")
        result = INVOICES.get(tenant, [])  #@V
    """
    s = f"""
        user = CURRENT_USER
        tenant = user["tenant"] if user else None
        if not user:
            raise PermissionError("login required")
        result = INVOICES.get(tenant, []) if {x} in (None, "", tenant) else []
    """
    return Spec(v=v, s=s, helpers='CURRENT_USER = {"id": 7, "tenant": "acme"}\nINVOICES = {"acme": [], "globex": []}',
                notes="tenant chosen by the client instead of the authenticated user's tenant")


@fam("priv-self-join-group", "CWE-269", fws=["django", "flask", "fastapi"], keys=["group"], n=8)
def priv_group(c):
    x = c.x
    v = f"""
        member = CURRENT_MEMBER
        member["groups"].add({x})  #@V
        result = sorted(member["groups"])
    """
    s = f"""
        member = CURRENT_MEMBER
        if {x} not in SELF_SERVICE_GROUPS:
            raise PermissionError("ask an administrator to join this group")
        member["groups"].add({x})
        result = sorted(member["groups"])
    """
    return Spec(v=v, s=s, helpers='CURRENT_MEMBER = {"id": 3, "groups": {"staff"}}\nSELF_SERVICE_GROUPS = {"newsletter", "beta-testers"}',
                notes="users can add themselves to 'admins'")


@fam("jwt-alg-from-header", "CWE-347", fws=WEB_FWS, keys=["token"], n=8)
def jwt_alg(c):
    x = c.x
    v = f"""
        alg = jwt.get_unverified_header({x})["alg"]  #@V
        claims = jwt.decode({x}, PUBLIC_KEY_PEM, algorithms=[alg])  #@V
        result = claims["sub"]
    """
    s = f"""
        claims = jwt.decode({x}, PUBLIC_KEY_PEM, algorithms=["RS256"])
        result = claims["sub"]
    """
    return Spec(v=v, s=s, imports="import jwt", helpers='PUBLIC_KEY_PEM = open("/etc/keys/signing.pub").read()',
                notes="algorithm confusion: HS256 token MACed with the public key")


@fam("logi-syslog", "CWE-117", fws=TAINT_FWS, keys=["username", "device_name"], n=8)
def logi_syslog(c):
    x = c.x
    v = f"""
        syslog.openlog("{c.word}-svc", syslog.LOG_PID)
        syslog.syslog(syslog.LOG_WARNING, "lockout for %s" % {x})  #@V
        result = "logged"
    """
    s = f"""
        syslog.openlog("{c.word}-svc", syslog.LOG_PID)
        syslog.syslog(syslog.LOG_WARNING, "lockout for %s" % {x}.encode("unicode_escape").decode("ascii"))
        result = "logged"
    """
    return Spec(v=v, s=s, imports="import syslog")


@fam("clear-redis-no-tls", "CWE-319", fws=["script", "pipeline", "flask", "aiohttp"], keys=["cache_key"], n=8)
def clear_redis(c):
    x = c.x
    v = f"""
        client = redis.Redis(host="cache.{c.word}.example.net", port=6379, password=os.environ["REDIS_PASSWORD"], ssl=False)  #@V
        result = client.get({x})
    """
    s = f"""
        client = redis.Redis(host="cache.{c.word}.example.net", port=6380, password=os.environ["REDIS_PASSWORD"], ssl=True, ssl_cert_reqs="required")
        result = client.get({x})
    """
    return Spec(v=v, s=s, imports="import os\nimport redis", notes="password and data cross the network unencrypted")


@fam("expose-reset-token-response", "CWE-200", fws=WEB_FWS, keys=["email"], n=8)
def expose_reset(c):
    x = c.x
    v = f"""
        token = secrets.token_urlsafe(32)
        RESET_TOKENS[token] = {x}
        send_reset_mail({x}, token)
        result = {{"status": "sent", "token": token}}  #@V
    """
    s = f"""
        token = secrets.token_urlsafe(32)
        RESET_TOKENS[token] = {x}
        send_reset_mail({x}, token)
        result = {{"status": "sent"}}
    """
    return Spec(v=v, s=s, imports="import secrets", helpers="RESET_TOKENS = {}\n\n\ndef send_reset_mail(addr, token):\n    return addr",
                notes="the reset token is returned to whoever asked, not only mailed to the owner")


@fam("cookie-manual-set-cookie-header", "CWE-614", fws=WEB_FWS, keys=["remember"], n=8, wrap=False)
def cookie_manual(c):
    x = c.x
    resp = {"flask": "make_response", "django": "HttpResponse", "fastapi": "Response", "aiohttp": "web.Response"}[c.fw]
    imp = {"flask": "from flask import make_response", "django": "from django.http import HttpResponse",
           "fastapi": "from fastapi import Response", "aiohttp": ""}[c.fw]
    ctor = f'{resp}("ok")' if c.fw != "aiohttp" else 'web.Response(text="ok")'
    v = f"""
        sid = secrets.token_urlsafe(32)
        reply = {ctor}
        reply.headers["Set-Cookie"] = f"sid={{sid}}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax"  #@V
        result = reply
    """
    s = f"""
        sid = secrets.token_urlsafe(32)
        reply = {ctor}
        reply.headers["Set-Cookie"] = f"sid={{sid}}; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax"
        result = reply
    """
    return Spec(v=v, s=s, imports="import secrets\n" + imp, raw=True, notes=f"hand-written Set-Cookie header without Secure (remember={x} is only a flag)")
