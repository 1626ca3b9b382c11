"""Train-only whole-module protocol and parser families (libs15 set, mod15-*): modules of about 80-110
lines around identity, messaging and XML protocols, each with exactly one weak statement and a twin
that differs only by the minimal fix, plus ``@hardneg(10)`` safe modules drawn from the same pool.

- mod15-api-gateway-jwt-signature-off (347): an SSO connector for an internal API accepts the
  ``Authorization: Bearer`` token of the browser and decodes it with PyJWT with
  ``verify_signature`` off; the twin verifies against the IdP's JWKS with a fixed algorithm list.
- mod15-scim-bridge-ldap-filter (90): a SCIM ``/Users`` endpoint bridging to a directory (python-ldap)
  builds the search filter from the SCIM ``userName``; the twin escapes it with
  ``ldap.filter.escape_filter_chars``.
- mod15-soap-bridge-wsse-http-endpoint (319): a zeep SOAP bridge sends a WS-Security UsernameToken
  (password in the envelope) to an ``http://`` ERP endpoint; the twin uses ``https://``.
- mod15-soap-router-xpath-action (643): a SOAP router picks the backend for a request from a routing
  XML document with an XPath built from the SOAPAction header; the twin uses an XPath variable.
- mod15-mail-gateway-rsa-pkcs1v15-wrap (327): a mail gateway encrypts each message with AES-GCM and
  wraps the data key for the recipient with RSA PKCS#1 v1.5 encryption; the twin wraps with OAEP.
- mod15-document-importer-iterparse-entities (611): a JATS/DITA-style document importer streams an
  uploaded XML file with ``lxml.etree.iterparse(..., resolve_entities=True)``; the twin disables it.

Written without reading the held-out or validation families; every family here goes to train.
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib",
                          "email", "base64", "dataclasses", "functools", "sqlite3"}
compose, pair = _web.with_stdlib(_STDLIB)


def _common(c):
    """Framework-free filler parts shared by the families (all safe)."""
    return [
        P("backoff", rank=1, imp="import random", body='''
            def retry_delay(attempt: int) -> float:
                """Exponential backoff with jitter; ``random`` only spreads retries out."""
                return random.uniform(0, min(''' + c.pick("8.0", "10.0", "30.0") + ''', 0.5 * 2 ** attempt))
        '''),
        P("fingerprint", rank=1, imp="import hashlib", body='''
            def fingerprint(payload: bytes) -> str:
                """Short content fingerprint for de-duplication and log lines (not a security control)."""
                return hashlib.''' + c.pick("sha1(payload)", "md5(payload, usedforsecurity=False)",
                                            "blake2b(payload, digest_size=12)") + '''.hexdigest()
        '''),
        P("timer", rank=1, imp="import time\nfrom contextlib import contextmanager", body='''
            @contextmanager
            def timed(label: str):
                """Log how long a block took, at debug level."""
                start = time.monotonic()
                try:
                    yield
                finally:
                    $log.debug("%s took %.1f ms", label, (time.monotonic() - start) * 1000)
        '''),
    ]


# ---------------- CWE-347: SSO connector decodes bearer JWTs without verifying them ----------------


def _jwt_kw(c):
    idp = c.pick("auth.example.com", "login.corp.example.net", "sso.example.org", "id.example.io")
    return dict(
        log=c.pick("log", "logger"), idp=idp, aud=c.pick("reports-api", "billing-api", "inventory-api", "hr-api"),
        claims_fn=c.pick("token_claims", "decode_bearer", "read_access_token"),
        user_fn=c.pick("current_user", "request_user", "caller"),
        scope_fn=c.pick("require_scope", "needs_scope", "scope_required"),
        leeway=c.pick(30, 60, 10),
    )


def _jwt_parts(c, fw):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            ISSUER = os.environ.get("OIDC_ISSUER", "https://$idp/")
            AUDIENCE = "$aud"
            JWKS_URL = ISSUER.rstrip("/") + "/.well-known/jwks.json"
        '''),
        P("jwks", rank=1, imp="import jwt", setup="_jwks = jwt.PyJWKClient(JWKS_URL, cache_keys=True, lifespan=" + c.pick("300", "600", "3600") + ")"),
        P("errors", rank=1, body='''
            class AuthError(Exception):
                """Raised for a missing, malformed or rejected bearer token."""

                def __init__(self, message: str, status: int = 401) -> None:
                    super().__init__(message)
                    self.status = status
        '''),
        P("claims", rank=2, imp="import jwt", body='''
            def $claims_fn(header_value: str | None) -> dict:
                """The verified claims of an ``Authorization: Bearer`` header."""
                if not header_value or not header_value.startswith("Bearer "):
                    raise AuthError("missing bearer token")
                token = header_value[len("Bearer "):].strip()
                try:
                    $FIX
                except jwt.PyJWTError as exc:
                    $log.info("rejected token: %s", type(exc).__name__)
                    raise AuthError("invalid token") from exc
                if "sub" not in claims:
                    raise AuthError("token has no subject")
                return claims
        '''),
    ]
    if fw == "flask":
        core += [
            P("frame", rank=0, imp="from flask import Flask, g, jsonify, request\nfrom functools import wraps",
              setup="app = Flask(__name__)"),
            P("deco", rank=3, body='''
                def $scope_fn(scope: str):
                    """Route decorator: a valid token that carries ``scope``."""
                    def deco(view):
                        @wraps(view)
                        def wrapper(*args, **kwargs):
                            try:
                                claims = $claims_fn(request.headers.get("Authorization"))
                            except AuthError as exc:
                                return jsonify(error=str(exc)), exc.status
                            if scope not in claims.get("scope", "").split():
                                return jsonify(error="insufficient scope"), 403
                            g.claims = claims
                            return view(*args, **kwargs)
                        return wrapper
                    return deco
            '''),
            P("views", rank=4, body='''
                @app.get("/me")
                @$scope_fn("profile")
                def me():
                    return jsonify(sub=g.claims["sub"], email=g.claims.get("email"))


                @app.get("/reports/<int:report_id>")
                @$scope_fn("reports:read")
                def report(report_id: int):
                    $log.info("report %d requested by %s", report_id, g.claims["sub"])
                    return jsonify(id=report_id, owner=g.claims["sub"])
            '''),
        ]
    else:
        core += [
            P("frame", rank=0, imp="from fastapi import Depends, FastAPI, Header, HTTPException",
              setup="app = FastAPI()"),
            P("deco", rank=3, body='''
                def $user_fn(authorization: str | None = Header(default=None)) -> dict:
                    try:
                        return $claims_fn(authorization)
                    except AuthError as exc:
                        raise HTTPException(status_code=exc.status, detail=str(exc))


                def $scope_fn(scope: str):
                    def check(claims: dict = Depends($user_fn)) -> dict:
                        if scope not in claims.get("scope", "").split():
                            raise HTTPException(status_code=403, detail="insufficient scope")
                        return claims
                    return check
            '''),
            P("views", rank=4, body='''
                @app.get("/me")
                def me(claims: dict = Depends($scope_fn("profile"))) -> dict:
                    return {"sub": claims["sub"], "email": claims.get("email")}


                @app.get("/reports/{report_id}")
                def report(report_id: int, claims: dict = Depends($scope_fn("reports:read"))) -> dict:
                    $log.info("report %d requested by %s", report_id, claims["sub"])
                    return {"id": report_id, "owner": claims["sub"]}
            '''),
        ]
    pool = _common(c) + [
        P("health", rank=4, body='''
            @app.get("/healthz")
            def healthz():
                return {"status": "ok"}
        '''),
        P("logout", rank=1, imp="from urllib.parse import urlencode", body='''
            def logout_url(post_logout: str = "https://$idp/") -> str:
                """RP-initiated logout at the IdP, back to a fixed page."""
                return ISSUER.rstrip("/") + "/logout?" + urlencode({"post_logout_redirect_uri": post_logout})
        '''),
    ]
    return core, pool


_JWT_SAFE = ('signing_key = _jwks.get_signing_key_from_jwt(token)\n'
             '        claims = jwt.decode(token, signing_key.key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER, leeway=$leeway)')


@fam("mod15-api-gateway-jwt-signature-off", "CWE-347", fws=["flask", "fastapi"], n=8, wrap=False)
def mod15_jwt_sig_off(c):
    kw = _jwt_kw(c)
    core, pool = _jwt_parts(c, c.fw)
    vfix = c.pick(
        'claims = jwt.decode(token, options={"verify_signature": False}, audience=AUDIENCE)  #@V',
        'claims = jwt.decode(token, algorithms=["RS256"], options={"verify_signature": False, "verify_aud": True}, audience=AUDIENCE)  #@V',
        'claims = jwt.decode(token, options={"verify_signature": False})  #@V',
    )
    doc = c.pick("Bearer-token authentication of the $aud against the company IdP (OIDC access tokens).",
                 "SSO connector: the $aud trusts access tokens issued by https://$idp/.",
                 "$aud endpoints and the token check in front of them.")
    v, s = pair(c, doc, '$log = logging.getLogger("$aud.auth")', core, pool, kw, fill(vfix, **kw), fill(_JWT_SAFE, **kw))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the bearer token sent by the client is decoded with verify_signature disabled, so anyone "
                      "can mint a token with any sub and scope; the fix verifies it against the IdP's JWKS key "
                      "with a fixed algorithm list, audience and issuer")


@hardneg(10)
def mod15_jwt_sig_off_hn(c):
    kw = _jwt_kw(c)
    fw = c.pick("flask", "fastapi")
    core, pool = _jwt_parts(c, fw)
    safe = c.pick(_JWT_SAFE,
                  'claims = jwt.decode(token, _jwks.get_signing_key_from_jwt(token).key, algorithms=["RS256", "ES256"], audience=AUDIENCE, issuer=ISSUER)',
                  'header = jwt.get_unverified_header(token)  # only to log the key id\n'
                  '        $log.debug("token kid=%s", header.get("kid"))\n'
                  '        claims = jwt.decode(token, _jwks.get_signing_key(header["kid"]).key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER)')
    code = compose(c, c.pick("Bearer-token check of the $aud (PyJWT + JWKS).", "SSO connector for the $aud."),
                   '$log = logging.getLogger("$aud.auth")', core, pool, kw, subs=[{"$FIX": fill(safe, **kw)}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="tokens are verified with the IdP key from the JWKS, a fixed algorithm list, audience and "
                      "issuer; the unverified header is read only to pick or log the key id")


# ---------------- CWE-90: SCIM bridge builds the LDAP filter from userName ----------------


def _scim_kw(c):
    dc = c.pick("dc=example,dc=com", "dc=corp,dc=example,dc=net", "ou=people,dc=example,dc=org")
    return dict(
        log=c.pick("log", "logger"), base=dc, attr=c.pick("uid", "sAMAccountName", "cn"),
        host=c.pick("ldaps://ldap.example.com", "ldaps://dir.corp.example.net:636", "ldaps://ds1.example.org"),
        find_fn=c.pick("find_entry", "lookup_user", "directory_user"),
        conv_fn=c.pick("to_scim", "scim_resource", "as_scim_user"),
        page=c.pick(50, 100, 200),
    )


_SCIM_PARSE = {
    "regex": '''
        def parse_username_filter(expr: str) -> str | None:
            """The value of a SCIM ``userName eq "..."`` filter, or None for other filters."""
            m = FILTER_RE.fullmatch(expr.strip())
            return m.group(1) if m else None
    ''',
    "split": '''
        def parse_username_filter(expr: str) -> str | None:
            """The value of a SCIM ``userName eq "..."`` filter, or None for other filters."""
            parts = expr.strip().split(" ", 2)
            if len(parts) != 3 or parts[0] != "userName" or parts[1].lower() != "eq":
                return None
            return parts[2].strip('"')
    ''',
}


def _scim_parts(c):
    shape = c.pick("regex", "split")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nimport re", const='''
            LDAP_URL = os.environ.get("LDAP_URL", "$host")
            BASE_DN = "$base"
            ATTRS = ["$attr", "givenName", "sn", "mail", "entryUUID"]
            FILTER_RE = re.compile(r'userName eq "([^"]{1,128})"', re.I)
        '''),
        P("frame", rank=0, imp="from flask import Flask, abort, jsonify, request", setup="app = Flask(__name__)"),
        P("conn", rank=1, imp="import ldap", body='''
            def directory():
                """A bound connection with the sync account (TLS, no referrals)."""
                conn = ldap.initialize(LDAP_URL)
                conn.set_option(ldap.OPT_REFERRALS, 0)
                conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
                conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PASSWORD"])
                return conn
        '''),
        P("parse", rank=1, body=_SCIM_PARSE[shape], const='' if shape == "regex" else ''),
        P("conv", rank=1, body='''
            def $conv_fn(dn: str, attrs: dict) -> dict:
                """A directory entry as a SCIM core User resource."""
                first = lambda k: attrs.get(k, [b""])[0].decode()
                return {
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "id": first("entryUUID"),
                    "userName": first("$attr"),
                    "name": {"givenName": first("givenName"), "familyName": first("sn")},
                    "emails": [{"value": first("mail"), "primary": True}],
                    "meta": {"resourceType": "User", "location": dn},
                }
        '''),
        P("find", rank=2, imp="import ldap\nimport ldap.filter", body='''
            def $find_fn(conn, username: str) -> list:
                $FIX
                return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, query, ATTRS)[:$page]
        '''),
        P("view", rank=3, body='''
            @app.get("/scim/v2/Users")
            def list_users():
                expr = request.args.get("filter", "")  #@S
                username = parse_username_filter(expr)
                if username is None:
                    abort(400, "only userName eq filters are supported")
                conn = directory()
                try:
                    entries = $find_fn(conn, username)
                finally:
                    conn.unbind_s()
                resources = [$conv_fn(dn, attrs) for dn, attrs in entries if dn]
                $log.info("SCIM query returned %d users", len(resources))
                return jsonify({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                                "totalResults": len(resources), "Resources": resources})
        '''),
    ]
    pool = _common(c) + [
        P("auth", rank=2, imp="import hmac", body='''
            @app.before_request
            def check_bearer():
                """The IdP authenticates with a static SCIM bearer token."""
                sent = request.headers.get("Authorization", "")
                expected = "Bearer " + os.environ["SCIM_TOKEN"]
                if not hmac.compare_digest(sent.encode(), expected.encode()):
                    abort(401)
        '''),
        P("sp", rank=3, body='''
            @app.get("/scim/v2/ServiceProviderConfig")
            def service_provider_config():
                return jsonify({"filter": {"supported": True, "maxResults": $page},
                                "patch": {"supported": False}, "bulk": {"supported": False}})
        '''),
    ]
    return core, pool


_SCIM_V = {
    "f": 'query = f"(&(objectClass=inetOrgPerson)($attr={username}))"  #@V',
    "pct": 'query = "(&(objectClass=person)($attr=%s))" % username  #@V',
    "cat": 'query = "(&(objectClass=person)(|($attr=" + username + ")(mail=" + username + ")))"  #@V',
}
_SCIM_S = {
    "f": 'query = f"(&(objectClass=inetOrgPerson)($attr={ldap.filter.escape_filter_chars(username)}))"',
    "pct": 'query = ldap.filter.filter_format("(&(objectClass=person)($attr=%s))", [username])',
    "cat": 'safe = ldap.filter.escape_filter_chars(username)\n'
           '    query = "(&(objectClass=person)(|($attr=" + safe + ")(mail=" + safe + ")))"',
}


@fam("mod15-scim-bridge-ldap-filter", "CWE-90", fws=["flask"], n=8, wrap=False)
def mod15_scim_ldap(c):
    kw = _scim_kw(c)
    core, pool = _scim_parts(c)
    shape = c.pick("f", "pct", "cat")
    doc = c.pick("SCIM 2.0 /Users endpoint backed by the corporate directory (python-ldap).",
                 "Bridge between the IdP's SCIM client and the LDAP directory.",
                 "Read-only SCIM view of directory users for provisioning checks.")
    v, s = pair(c, doc, '$log = logging.getLogger("scim.ldap")', core, pool, kw, fill(_SCIM_V[shape], **kw),
                fill(_SCIM_S[shape], **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the userName from the SCIM filter query parameter is put into the LDAP filter unescaped, "
                      "so '*' or ')(' change the query (enumerate users, match other attributes); the fix "
                      "escapes it with ldap.filter.escape_filter_chars / filter_format")


@hardneg(10)
def mod15_scim_ldap_hn(c):
    kw = _scim_kw(c)
    core, pool = _scim_parts(c)
    shape = c.pick("f", "pct", "cat")
    code = compose(c, c.pick("SCIM users endpoint over LDAP.", "Directory-backed SCIM read API."),
                   '$log = logging.getLogger("scim.ldap")', core, pool, kw,
                   subs=[{"$FIX": fill(_SCIM_S[shape], **kw)}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="flask",
                notes="the SCIM userName is escaped (escape_filter_chars / filter_format) before it goes into the filter")


# ---------------- CWE-319: SOAP bridge sends WS-Security credentials over http ----------------


def _soap_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        erp=c.pick("erp.partner.example.com", "sap-gw.example.net", "orders.supplier.example.org"),
        svc=c.pick("OrderService", "PurchaseOrderService", "InventoryService"),
        port=c.pick("8080", "8000", "80"),
        op_fn=c.pick("submit_order", "send_purchase_order", "push_order"),
        stat_fn=c.pick("order_status", "fetch_status", "query_status"),
        timeout=c.pick(10, 20, 30),
    )


def _soap_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            $FIX
            SOAP_USER = os.environ["ERP_SOAP_USER"]
            SOAP_PASSWORD = os.environ["ERP_SOAP_PASSWORD"]
        '''),
        P("client", rank=1, imp="import functools\nfrom requests import Session\nfrom zeep import Client, Settings\nfrom zeep.transports import Transport\nfrom zeep.wsse.username import UsernameToken",
          body='''
            @functools.lru_cache(maxsize=1)
            def erp_client() -> Client:
                """Zeep client of the ERP order service; WS-Security UsernameToken authentication."""
                session = Session()
                session.headers["User-Agent"] = "order-bridge/1.0"
                transport = Transport(session=session, timeout=$timeout, operation_timeout=$timeout)
                settings = Settings(strict=False, xml_huge_tree=False)
                return Client(WSDL_URL, transport=transport, settings=settings,
                              wsse=UsernameToken(SOAP_USER, SOAP_PASSWORD))
        '''),
        P("submit", rank=2, imp="from zeep.exceptions import Fault", body='''
            def $op_fn(order: dict) -> str:
                """Create the purchase order in the ERP; returns the ERP document number."""
                lines = [{"Sku": l["sku"], "Quantity": int(l["qty"]), "UnitPrice": str(l["price"])}
                         for l in order["lines"]]
                try:
                    result = erp_client().service.CreateOrder(
                        CustomerId=order["customer_id"], Reference=order["reference"], Lines={"Line": lines}
                    )
                except Fault as fault:
                    $log.warning("ERP rejected order %s: %s", order["reference"], fault.message)
                    raise
                $log.info("order %s created as %s", order["reference"], result.DocumentNumber)
                return result.DocumentNumber
        '''),
    ]
    pool = _common(c) + [
        P("status", rank=2, body='''
            def $stat_fn(document_number: str) -> str:
                """Current ERP status of an order (OPEN, SHIPPED, INVOICED...)."""
                result = erp_client().service.GetOrderStatus(DocumentNumber=document_number)
                return str(result.Status)
        '''),
        P("cli", rank=4, imp="import json\nimport sys", body='''
            def main(argv: list[str]) -> int:
                """Submit the orders of a JSON file (one object per line)."""
                with open(argv[1], encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            print($op_fn(json.loads(line)))
                return 0


            if __name__ == "__main__":
                sys.exit(main(sys.argv))
        '''),
    ]
    return core, pool


@fam("mod15-soap-bridge-wsse-http-endpoint", "CWE-319", fws=["script", "cli"], n=8, wrap=False)
def mod15_soap_http(c):
    kw = _soap_kw(c)
    core, pool = _soap_parts(c)
    shape = c.pick("const", "env")
    if shape == "const":
        vfix = 'WSDL_URL = "http://$erp:$port/ws/$svc?wsdl"  #@V'
        sfix = 'WSDL_URL = "https://$erp/ws/$svc?wsdl"'
    else:
        vfix = 'WSDL_URL = os.environ.get("ERP_WSDL_URL", "http://$erp:$port/ws/$svc?wsdl")  #@V'
        sfix = 'WSDL_URL = os.environ.get("ERP_WSDL_URL", "https://$erp/ws/$svc?wsdl")'
    doc = c.pick("Bridge from the web shop to the ERP's SOAP order service (zeep).",
                 "SOAP client for purchase orders at the ERP partner.",
                 "Order export over SOAP with WS-Security authentication.")
    v, s = pair(c, doc, '$log = logging.getLogger("erp.soap")', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the WSDL (and so the service endpoint) is an http:// URL, so the WS-Security "
                      "UsernameToken with the ERP password travels in cleartext in every envelope; the fix "
                      "uses the https endpoint")


@hardneg(10)
def mod15_soap_http_hn(c):
    kw = _soap_kw(c)
    core, pool = _soap_parts(c)
    sfix = c.pick('WSDL_URL = "https://$erp/ws/$svc?wsdl"',
                  'WSDL_URL = os.environ.get("ERP_WSDL_URL", "https://$erp/ws/$svc?wsdl")',
                  '# the WSDL declares its own namespace as http://$erp/schemas; the endpoint itself is https\n'
                  'WSDL_URL = "https://$erp/ws/$svc?wsdl"')
    code = compose(c, c.pick("ERP SOAP client (zeep) for orders.", "SOAP order bridge."),
                   '$log = logging.getLogger("erp.soap")', core, pool, kw, subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="the SOAP endpoint is https; the credentials only travel over TLS")


# ---------------- CWE-643: SOAP router builds an XPath from the SOAPAction header ----------------


def _route_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        routes=c.pick("routes.xml", "soap-routing.xml", "backends.xml"),
        pick_fn=c.pick("backend_for", "route_for", "resolve_backend"),
        fwd_fn=c.pick("forward", "relay", "proxy_envelope"),
        timeout=c.pick(15, 30, 60),
    )


def _route_parts(c, fw):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom lxml import etree", const='''
            ROUTES_FILE = os.environ.get("SOAP_ROUTES", "/etc/soap-router/$routes")
            SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
        '''),
        P("load", rank=1, imp="from lxml import etree", setup='_routes = etree.parse(ROUTES_FILE, etree.XMLParser(resolve_entities=False, no_network=True)).getroot()'),
        P("pick", rank=2, body='''
            def $pick_fn(action: str) -> str | None:
                """The backend URL configured for a SOAPAction, or None."""
                $FIX
                return str(hits[0]).strip() if hits else None
        '''),
        P("fwd", rank=2, imp="import requests", body='''
            def $fwd_fn(url: str, envelope: bytes, action: str) -> requests.Response:
                headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
                return requests.post(url, data=envelope, headers=headers, timeout=$timeout)
        '''),
    ]
    if fw == "flask":
        core.append(P("view", rank=3, imp="from flask import Flask, Response, request", setup="app = Flask(__name__)", body='''
            @app.post("/soap")
            def soap_entry():
                action = request.headers.get("SOAPAction", "").strip('"')  #@S
                url = $pick_fn(action)
                if url is None:
                    $log.info("no route for SOAPAction %r", action)
                    return Response("no route", status=404)
                upstream = $fwd_fn(url, request.get_data(), action)
                return Response(upstream.content, status=upstream.status_code, content_type="text/xml; charset=utf-8")
        '''))
    else:
        core.append(P("view", rank=3, imp="from aiohttp import web", body='''
            async def soap_entry(request: web.Request) -> web.Response:
                action = request.headers.get("SOAPAction", "").strip('"')  #@S
                url = $pick_fn(action)
                if url is None:
                    $log.info("no route for SOAPAction %r", action)
                    raise web.HTTPNotFound(text="no route")
                upstream = $fwd_fn(url, await request.read(), action)
                return web.Response(body=upstream.content, status=upstream.status_code, content_type="text/xml")


            def create_app() -> web.Application:
                app = web.Application(client_max_size=4 * 1024 * 1024)
                app.router.add_post("/soap", soap_entry)
                return app
        '''))
    pool = _common(c) + [
        P("list", rank=2, body='''
            def configured_actions() -> list[str]:
                """All SOAPActions of the routing table, for the admin page."""
                return sorted(_routes.xpath("/routes/route/@action"))
        '''),
        P("fault", rank=2, body='''
            def soap_fault(message: str) -> bytes:
                """A minimal SOAP 1.1 Fault envelope."""
                env = etree.Element(etree.QName(SOAP_NS, "Envelope"), nsmap={"soap": SOAP_NS})
                body = etree.SubElement(env, etree.QName(SOAP_NS, "Body"))
                fault = etree.SubElement(body, etree.QName(SOAP_NS, "Fault"))
                etree.SubElement(fault, "faultcode").text = "soap:Server"
                etree.SubElement(fault, "faultstring").text = message
                return etree.tostring(env, xml_declaration=True, encoding="utf-8")
        '''),
    ]
    return core, pool


_ROUTE_V = {
    "f": 'hits = _routes.xpath(f"/routes/route[@action=\'{action}\']/target/text()")  #@V',
    "pct": 'hits = _routes.xpath("/routes/route[@action=\'%s\']/target/text()" % action)  #@V',
    "cat": 'hits = _routes.xpath("//route[@action=\'" + action + "\' and @enabled=\'true\']/target/text()")  #@V',
}
_ROUTE_S = {
    "f": 'hits = _routes.xpath("/routes/route[@action=$act]/target/text()", act=action)',
    "pct": 'hits = _routes.xpath("/routes/route[@action=$act]/target/text()", act=action)',
    "cat": 'hits = _routes.xpath("//route[@action=$act and @enabled=\'true\']/target/text()", act=action)',
}


@fam("mod15-soap-router-xpath-action", "CWE-643", fws=["flask", "aiohttp"], n=8, wrap=False)
def mod15_route_xpath(c):
    kw = _route_kw(c)
    core, pool = _route_parts(c, c.fw)
    shape = c.pick("f", "pct", "cat")
    doc = c.pick("SOAP router: forwards each envelope to the backend configured for its SOAPAction.",
                 "Routing layer of the SOAP bridge (lxml routing table, requests upstream).",
                 "Dispatches SOAP calls to backends by SOAPAction.")
    v, s = pair(c, doc, '$log = logging.getLogger("soap.router")', core, pool, kw, fill(_ROUTE_V[shape], **kw),
                fill(_ROUTE_S[shape], **kw))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the SOAPAction header is pasted into the XPath, so a quote in it rewrites the predicate "
                      "(e.g. ' or '1'='1 picks any route, including disabled or internal ones); the fix binds it "
                      "as an XPath variable")


@hardneg(10)
def mod15_route_xpath_hn(c):
    kw = _route_kw(c)
    fw = c.pick("flask", "aiohttp")
    core, pool = _route_parts(c, fw)
    shape = c.pick("f", "pct", "cat")
    code = compose(c, c.pick("SOAP routing by SOAPAction.", "SOAP bridge router."),
                   '$log = logging.getLogger("soap.router")', core, pool, kw,
                   subs=[{"$FIX": fill(_ROUTE_S[shape], **kw)}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw=fw,
                notes="the SOAPAction is bound as an XPath variable; other XPaths are constant")


# ---------------- CWE-327: mail gateway wraps the data key with RSA PKCS#1 v1.5 ----------------


def _mail_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        seal_fn=c.pick("seal_message", "encrypt_for", "protect_message"),
        open_fn=c.pick("open_message", "decrypt_message", "unseal_message"),
        sign_fn=c.pick("sign_receipt", "sign_delivery", "receipt_signature"),
        key_fn=c.pick("recipient_key", "load_recipient_key", "public_key_for"),
        keydir=c.pick("/etc/mailgw/keys", "/var/lib/securemail/keys", "/srv/gateway/recipients"),
    )


def _mail_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
            KEY_DIR = Path(os.environ.get("MAILGW_KEY_DIR", "$keydir"))
            ENVELOPE_VERSION = 2
        '''),
        P("keyload", rank=1, imp="import re\nfrom cryptography.hazmat.primitives import serialization", body='''
            def $key_fn(address: str):
                """The recipient's RSA public key (PEM file named after the address)."""
                if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+", address):
                    raise ValueError("bad address")
                pem = (KEY_DIR / (address.lower() + ".pem")).read_bytes()
                return serialization.load_pem_public_key(pem)
        '''),
        P("seal", rank=2, imp="import base64\nimport os\nfrom cryptography.hazmat.primitives import hashes\nfrom cryptography.hazmat.primitives.asymmetric import padding\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM", body='''
            def $seal_fn(address: str, body: bytes) -> dict:
                """Encrypt ``body`` for ``address``: AES-256-GCM, data key wrapped with the recipient key."""
                data_key = AESGCM.generate_key(bit_length=256)
                nonce = os.urandom(12)
                ciphertext = AESGCM(data_key).encrypt(nonce, body, address.encode())
                $FIX
                $log.info("sealed %d bytes for %s", len(body), address)
                return {
                    "v": ENVELOPE_VERSION,
                    "key": base64.b64encode(wrapped).decode(),
                    "nonce": base64.b64encode(nonce).decode(),
                    "data": base64.b64encode(ciphertext).decode(),
                }
        '''),
    ]
    pool = _common(c) + [
        P("receipt", rank=2, imp="from cryptography.hazmat.primitives import hashes\nfrom cryptography.hazmat.primitives.asymmetric import padding", body='''
            def $sign_fn(private_key, message_id: str) -> bytes:
                """Delivery receipt signature (RSA PKCS#1 v1.5 signature with SHA-256, as the partners expect)."""
                return private_key.sign(message_id.encode(), padding.PKCS1v15(), hashes.SHA256())
        '''),
        P("mime", rank=3, imp="import json\nfrom email.message import EmailMessage", body='''
            def to_mime(sender: str, address: str, subject: str, envelope: dict) -> EmailMessage:
                """The outgoing message: a notice plus the sealed envelope as JSON attachment."""
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = sender, address, subject
                msg.set_content("This message is encrypted. Open it in the secure mail portal.")
                msg.add_attachment(json.dumps(envelope).encode(), maintype="application",
                                   subtype="json", filename="sealed.json")
                return msg
        '''),
    ]
    return core, pool


_MAIL_V = 'wrapped = $key_fn(address).encrypt(data_key, padding.PKCS1v15())  #@V'
_MAIL_S = ('wrapped = $key_fn(address).encrypt(\n'
           '        data_key, padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)\n'
           '    )')


@fam("mod15-mail-gateway-rsa-pkcs1v15-wrap", "CWE-327", fws=["script", "pipeline"], n=8, wrap=False)
def mod15_mail_pkcs1(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    vfix = c.pick(_MAIL_V, 'public_key = $key_fn(address)\n    wrapped = public_key.encrypt(data_key, padding.PKCS1v15())  #@V')
    sfix = _MAIL_S if "public_key =" not in vfix else (
        'public_key = $key_fn(address)\n'
        '    wrapped = public_key.encrypt(data_key, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))')
    doc = c.pick("Secure mail gateway: envelope encryption of outgoing messages per recipient.",
                 "Message sealing for the encrypted-mail gateway (cryptography).",
                 "Encrypts outbound mail bodies for recipients who have a registered RSA key.")
    v, s = pair(c, doc, '$log = logging.getLogger("mailgw.crypto")', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the AES data key is wrapped with RSA PKCS#1 v1.5 encryption padding, which is open to "
                      "Bleichenbacher padding-oracle attacks; new data should use OAEP")


@hardneg(10)
def mod15_mail_pkcs1_hn(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    code = compose(c, c.pick("Mail gateway envelope encryption.", "Sealing outbound mail (AES-GCM + RSA-OAEP)."),
                   '$log = logging.getLogger("mailgw.crypto")', core, pool, kw, subs=[{"$FIX": fill(_MAIL_S, **kw)}])[0]
    return Spec(s=code, full=True, fw=c.pick("script", "pipeline"),
                notes="data keys are wrapped with RSA-OAEP and bodies sealed with AES-GCM; PKCS#1 v1.5 appears "
                      "only as a signature padding, which is fine")


# ---------------- CWE-611: document importer iterparses uploads with entities resolved ----------------


def _doc_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        tag=c.pick("article", "topic", "chapter", "section"),
        imp_fn=c.pick("import_document", "ingest_file", "load_document"),
        store_fn=c.pick("save_section", "store_section", "persist_section"),
        maxmb=c.pick(20, 50, 100),
    )


def _doc_parts(c, fw):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='''
            MAX_UPLOAD = $maxmb * 1024 * 1024
            KEEP_TAGS = {"title", "p", "sec", "list-item", "table-wrap"}
        '''),
        P("imp", rank=2, imp="from lxml import etree", body='''
            def $imp_fn(stream, document_id: int) -> int:
                """Stream the uploaded XML and store one row per ``$tag`` element."""
                count = 0
                for _event, elem in etree.iterparse(  #@V
                    stream,
                    events=("end",),
                    tag="$tag",
                    huge_tree=False,
                    $FIX
                ):
                    title = elem.findtext("title") or ""
                    text = " ".join(t.strip() for t in elem.itertext() if t.strip())
                    $store_fn(document_id, title[:300], text)
                    count += 1
                    elem.clear()
                    while elem.getprevious() is not None:
                        del elem.getparent()[0]
                $log.info("document %d: %d %ss imported", document_id, count, "$tag")
                return count
        '''),
        P("store", rank=1, imp="import sqlite3\nimport os", body='''
            def $store_fn(document_id: int, title: str, text: str) -> None:
                with sqlite3.connect(os.environ.get("IMPORT_DB", "documents.db")) as db:
                    db.execute("INSERT INTO sections (document_id, title, body) VALUES (?, ?, ?)",
                               (document_id, title, text))
        '''),
    ]
    if fw == "flask":
        core.append(P("view", rank=3, imp="from flask import Flask, abort, jsonify, request", setup="app = Flask(__name__)\napp.config[\"MAX_CONTENT_LENGTH\"] = MAX_UPLOAD", body='''
            @app.post("/documents/<int:document_id>/import")
            def upload(document_id: int):
                upload = request.files.get("file")
                if upload is None or not upload.filename.lower().endswith(".xml"):
                    abort(400, "an .xml file is required")
                try:
                    count = $imp_fn(upload.stream, document_id)
                except etree.XMLSyntaxError as exc:
                    $log.info("rejected upload for %d: %s", document_id, exc)
                    abort(400, "the file is not well-formed XML")
                return jsonify(imported=count)
        '''))
    else:
        core.append(P("view", rank=3, imp="import argparse\nimport sys", body='''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Import partner XML documents.")
                parser.add_argument("document_id", type=int)
                parser.add_argument("files", nargs="+", help="XML files received from the partner SFTP drop")
                args = parser.parse_args(argv)
                for path in args.files:
                    with open(path, "rb") as fh:
                        $imp_fn(fh, args.document_id)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        '''))
    pool = _common(c) + [
        P("validate", rank=1, imp="from lxml import etree", body='''
            def looks_like_xml(head: bytes) -> bool:
                """Cheap sniff of the first bytes before a full parse."""
                return head.lstrip().startswith((b"<?xml", b"<"))
        '''),
    ]
    return core, pool


@fam("mod15-document-importer-iterparse-entities", "CWE-611", fws=["flask", "cli"], n=8, wrap=False)
def mod15_doc_xxe(c):
    kw = _doc_kw(c)
    core, pool = _doc_parts(c, c.fw)
    vfix = c.pick("resolve_entities=True,  #@V", "no_network=True,\n        resolve_entities=True,  #@V")
    sfix = "resolve_entities=False," if "no_network" not in vfix else "no_network=True,\n        resolve_entities=False,"
    doc = c.pick("Importer for partner XML documents (lxml iterparse, one row per $tag).",
                 "Document import: splits uploaded XML into $tag sections.",
                 "Streaming XML importer for the document library.")
    v, s = pair(c, doc, '$log = logging.getLogger("docs.import")', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="iterparse is told to resolve entities, so a DOCTYPE in the uploaded file can declare "
                      "SYSTEM entities (file:///etc/passwd) whose content ends up in the stored text; the fix "
                      "turns entity resolution off")


@hardneg(10)
def mod15_doc_xxe_hn(c):
    kw = _doc_kw(c)
    fw = c.pick("flask", "cli")
    core, pool = _doc_parts(c, fw)
    sfix = c.pick("resolve_entities=False,", "resolve_entities=False,\n        no_network=True,",
                  "resolve_entities=False,\n        load_dtd=False,")
    code = compose(c, c.pick("Partner XML importer.", "Streaming document importer (lxml)."),
                   '$log = logging.getLogger("docs.import")', core, pool, kw, subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code.replace("  #@V", ""), full=True, fw=fw, notes="iterparse runs with entity resolution off")
