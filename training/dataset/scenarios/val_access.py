"""Validation-only access-control and credential families: missing authorization (862), incorrect
authorization (863), IDOR (639), missing authentication (306), improper authentication (287),
privilege management (269), signature verification (347), hard-coded credentials (798).

Shapes chosen to be absent from every other family: a Tornado handler guarded by
``@tornado.web.authenticated`` only, roles compared as strings (lexicographic order), a PyMongo
``find_one`` by ObjectId without the owner, an XML-RPC server exposing config setters, a shared
key compared with ``zip`` (stops at the shorter string), a provisioning job creating database roles
with SUPERUSER, a webhook whose signature is only checked when the header is present, and a paramiko
deploy client with a literal password.
"""
from core import Spec
from registry import fam


def _clean(s):
    return s.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-862 missing authorization ----------------


@fam("val-authz-tornado-authenticated-only", "CWE-862", fws=["tornado"], n=8, wrap=False)
def val_authz_tornado(c):
    w = c.pick("tenant", "workspace", "organization", "team", "billing_account")
    W = "".join(p.capitalize() for p in w.split("_"))
    act, call = c.pick(("delete", f"delete_{w}({w}_id)"), ("delete", f"purge_{w}({w}_id, cascade=True)"),
                       ("post", f"suspend_{w}({w}_id)"))
    guard = c.pick('not self.current_user.get("is_admin")', '"admin" not in self.current_user.get("roles", ())')
    store = c.pick("store", "repo", "db")
    v = f"""
        import json
        import logging
        import os

        import tornado.web

        log = logging.getLogger(__name__)


        class BaseHandler(tornado.web.RequestHandler):
            def get_current_user(self):
                raw = self.get_secure_cookie("session")
                return json.loads(raw) if raw else None


        class {W}Handler(BaseHandler):
            @tornado.web.authenticated
            def get(self, {w}_id):
                obj = self.application.{store}.get_{w}({w}_id)
                if obj is None:
                    raise tornado.web.HTTPError(404)
                self.write({{"id": obj.id, "name": obj.name}})

            @tornado.web.authenticated
            def {act}(self, {w}_id):  #@V
                self.application.{store}.{call}  #@V
                log.info("{w} %s changed by %s", {w}_id, self.current_user["name"])
                self.write({{"ok": True, "id": {w}_id}})


        def make_app({store}):
            app = tornado.web.Application([(r"/{w}s/(\\d+)", {W}Handler)], cookie_secret=os.environ["COOKIE_SECRET"])
            app.{store} = {store}
            return app
    """
    s = v.replace(f"""            def {act}(self, {w}_id):  #@V
""", f"""            def {act}(self, {w}_id):
                if {guard}:
                    raise tornado.web.HTTPError(403)
""")
    return Spec(v=v, s=_clean(s), full=True, fw="tornado",
                notes=f"any logged-in user may {act} a {w}: @authenticated checks the login, nothing checks the admin role")


# ---------------- CWE-863 incorrect authorization ----------------


@fam("val-authz-role-string-compare", "CWE-863", fws=["flask", "aiohttp"], n=8, wrap=False)
def val_authz_role_compare(c):
    w = c.pick("refund", "payout", "price_override", "credit_note", "discount")
    need = c.pick("manager", "supervisor", "approver")
    ranks = {"manager": '{"viewer": 0, "clerk": 1, "manager": 2, "director": 3}',
             "supervisor": '{"trainee": 0, "agent": 1, "supervisor": 2, "owner": 3}',
             "approver": '{"requester": 0, "reviewer": 1, "approver": 2, "admin": 3}'}[need]
    if c.fw == "flask":
        v = f"""
            from flask import Flask, abort, jsonify, session

            from .ledger import approve_{w}

            app = Flask(__name__)
            ROLE_RANK = {ranks}


            @app.post("/{w}s/<int:item_id>/approve")
            def approve(item_id):
                role = session.get("role", "")
                if not role >= "{need}":  #@V
                    abort(403)
                approve_{w}(item_id, approved_by=session["user_id"])  #@V
                return jsonify(approved=item_id)
        """
    else:
        v = f"""
            from aiohttp import web
            from aiohttp_session import get_session

            from .ledger import approve_{w}

            ROLE_RANK = {ranks}


            async def approve(request):
                sess = await get_session(request)
                role = sess.get("role", "")
                if not role >= "{need}":  #@V
                    raise web.HTTPForbidden()
                item_id = int(request.match_info["item_id"])
                await approve_{w}(item_id, approved_by=sess["user_id"])  #@V
                return web.json_response({{"approved": item_id}})


            app = web.Application()
            app.router.add_post("/{w}s/{{item_id}}/approve", approve)
        """
    s = v.replace(f'if not role >= "{need}":  #@V', f'if not ROLE_RANK.get(role, -1) >= ROLE_RANK["{need}"]:')
    return Spec(v=v, s=_clean(s), full=True,
                notes=f"roles compared as strings: any role sorting after '{need}' alphabetically passes; the rank table is unused")


# ---------------- CWE-639 IDOR ----------------


@fam("val-idor-pymongo-find-one-objectid", "CWE-639", fws=["flask", "fastapi"], n=8, wrap=False)
def val_idor_pymongo(c):
    coll = c.pick("orders", "quotes", "itineraries", "prescriptions", "claims")
    key = c.pick("id", "doc", "ref")
    owner = c.pick("owner_id", "customer_id", "user_id")
    proj = c.pick('{"_id": 0, "items": 1, "total": 1, "status": 1}', '{"_id": 0, "lines": 1, "status": 1}')
    if c.fw == "flask":
        v = f"""
            from bson import ObjectId
            from bson.errors import InvalidId
            from flask import Flask, abort, jsonify, request
            from flask_login import current_user, login_required
            from pymongo import MongoClient

            app = Flask(__name__)
            db = MongoClient(app.config.get("MONGO_URI", "mongodb://localhost:27017"))["shop"]


            @app.get("/{coll}/detail")
            @login_required
            def {coll}_detail():
                raw_id = request.args.get("{key}", "")  #@S
                try:
                    oid = ObjectId(raw_id)
                except InvalidId:
                    abort(400)
                doc = db.{coll}.find_one({{"_id": oid}}, {proj})  #@V
                if doc is None:
                    abort(404)
                return jsonify(doc)
        """
        s = v.replace('{"_id": oid}, ', f'{{"_id": oid, "{owner}": current_user.id}}, ')
    else:
        v = f"""
            from bson import ObjectId
            from bson.errors import InvalidId
            from fastapi import Depends, FastAPI, HTTPException
            from motor.motor_asyncio import AsyncIOMotorClient

            from .auth import User, current_user

            app = FastAPI()
            db = AsyncIOMotorClient()["shop"]


            @app.get("/{coll}/{{{key}}}")  #@S
            async def {coll}_detail({key}: str, user: User = Depends(current_user)):  #@S
                try:
                    oid = ObjectId({key})
                except InvalidId:
                    raise HTTPException(status_code=400)
                doc = await db.{coll}.find_one({{"_id": oid}}, {proj})  #@V
                if doc is None:
                    raise HTTPException(status_code=404)
                return doc
        """
        s = v.replace('{"_id": oid}, ', f'{{"_id": oid, "{owner}": user.id}}, ')
    return Spec(v=v, s=_clean(s), full=True,
                notes=f"the {coll} document is fetched by the id from the request only; any logged-in user reads anyone's")


# ---------------- CWE-306 missing authentication ----------------


@fam("val-noauth-xmlrpc-config-setter", "CWE-306", fws=["script"], n=8, wrap=False)
def val_noauth_xmlrpc(c):
    fn, body = c.pick(
        ("set_config", '    CONFIG[key] = value\n            save_config(CONFIG)\n            return True'),
        ("set_upstream", '    CONFIG["upstream"] = value\n            save_config(CONFIG)\n            return True'),
        ("reload_users", '    load_users(value)\n            return True'),
        ("set_rate_limit", '    CONFIG["rate_limit"] = int(value)\n            save_config(CONFIG)\n            return True'),
    )
    params = "key, value" if fn == "set_config" else "value"
    port = c.pick(8000, 8765, 9090, 7080)
    env = c.pick("ADMIN_RPC_TOKEN", "CONTROL_TOKEN", "RPC_SHARED_SECRET")
    v = f"""
        import json
        import os
        from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

        CONFIG_PATH = os.environ.get("PROXY_CONFIG", "proxy.json")
        with open(CONFIG_PATH) as fh:
            CONFIG = json.load(fh)


        def save_config(cfg):
            with open(CONFIG_PATH, "w") as fh:
                json.dump(cfg, fh, indent=2)


        def load_users(path):
            with open(path) as fh:
                CONFIG["users"] = json.load(fh)


        def get_status():
            return {{"upstream": CONFIG.get("upstream"), "users": len(CONFIG.get("users", []))}}


        def {fn}({params}):  #@V
        {body}


        class Handler(SimpleXMLRPCRequestHandler):
            rpc_paths = ("/RPC2",)


        def main():
            with SimpleXMLRPCServer(("0.0.0.0", {port}), requestHandler=Handler, allow_none=True) as server:
                server.register_function(get_status)
                server.register_function({fn})  #@V
                server.serve_forever()


        if __name__ == "__main__":
            main()
    """
    s = v.replace(f"""        def {fn}({params}):  #@V
""", f"""        def {fn}(token, {params}):
            if not hmac.compare_digest(str(token), os.environ["{env}"]):
                raise PermissionError("bad token")
""").replace("import json\n", "import hmac\n        import json\n", 1)
    return Spec(v=v, s=_clean(s), full=True, fw="xmlrpc",
                notes=f"{fn} changes the proxy configuration over XML-RPC on all interfaces without any caller authentication")


# ---------------- CWE-287 improper authentication ----------------


@fam("val-authn-zip-char-compare", "CWE-287", fws=["fastapi", "flask"], n=8, wrap=False)
def val_authn_zip_compare(c):
    what = c.pick("device", "agent", "kiosk", "sensor")
    hdr = c.pick("X-Device-Key", "X-Agent-Secret", "X-Api-Key")
    param = hdr.lower().replace("-", "_")
    act = c.pick("checkin", "heartbeat", "upload_reading")
    cmp_v = c.pick("not all(a == b for a, b in zip({s}, {e}))", "any(a != b for a, b in zip({s}, {e}))")
    if c.fw == "fastapi":
        sv, ev = param, "expected"
        v = f"""
            from fastapi import FastAPI, Header, HTTPException

            from .registry import lookup_{what}_key, record_{act}

            app = FastAPI()


            @app.post("/{what}s/{{{what}_id}}/{act}")
            async def {act}({what}_id: str, payload: dict, {param}: str = Header(default="")):  #@S
                expected = lookup_{what}_key({what}_id)
                if expected is None:
                    raise HTTPException(status_code=404)
                if {cmp_v.format(s=sv, e=ev)}:  #@V
                    raise HTTPException(status_code=401)
                await record_{act}({what}_id, payload)
                return {{"ok": True}}
        """
    else:
        sv, ev = "supplied", "expected"
        v = f"""
            from flask import Flask, abort, jsonify, request

            from .registry import lookup_{what}_key, record_{act}

            app = Flask(__name__)


            @app.post("/{what}s/<{what}_id>/{act}")
            def {act}({what}_id):
                supplied = request.headers.get("{hdr}", "")  #@S
                expected = lookup_{what}_key({what}_id)
                if expected is None:
                    abort(404)
                if {cmp_v.format(s=sv, e=ev)}:  #@V
                    abort(401)
                record_{act}({what}_id, request.get_json(force=True))
                return jsonify(ok=True)
        """
    s = v.replace(cmp_v.format(s=sv, e=ev) + ":  #@V", f"not hmac.compare_digest({sv}.encode(), {ev}.encode()):")
    s = s.replace("            from ", "            import hmac\n\n            from ", 1)
    return Spec(v=v, s=_clean(s), full=True,
                notes="zip() stops at the shorter string: an empty or one-character key authenticates as the device")


# ---------------- CWE-269 privilege management ----------------


@fam("val-priv-tenant-db-role-superuser", "CWE-269", fws=["script", "cli"], n=8, wrap=False)
def val_priv_db_role(c):
    attrs_v = c.pick("LOGIN SUPERUSER", "LOGIN CREATEROLE CREATEDB", "LOGIN SUPERUSER CREATEDB")
    db = c.pick("saas", "platform", "app")
    prefix = c.pick("tenant_", "t_", "cust_")
    grant = c.pick("USAGE", "USAGE, CREATE")
    tail = ('\n\n\n        if __name__ == "__main__":\n            main()'
            if c.fw == "script" else
            '\n\n\n        if __name__ == "__main__":\n            import sys\n            main(sys.argv[1:])')
    mainfn = ("def main():\n            slug = os.environ[\"TENANT_SLUG\"]"
              if c.fw == "script" else
              "def main(argv):\n            slug = argv[0]")
    v = f"""
        import logging
        import os
        import secrets

        import psycopg2
        from psycopg2 import sql

        from vault import store_secret

        log = logging.getLogger("provision")


        def provision_tenant(conn, slug):
            role_name = "{prefix}" + slug
            role_password = secrets.token_urlsafe(24)
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {{}}").format(sql.Identifier(role_name)))
                cur.execute(
                    sql.SQL("CREATE ROLE {{}} WITH {attrs_v} PASSWORD %s").format(sql.Identifier(role_name)),  #@V
                    (role_password,),
                )
                cur.execute(sql.SQL("GRANT {grant} ON SCHEMA {{0}} TO {{0}}").format(sql.Identifier(role_name)))
            conn.commit()
            log.info("provisioned role %s", role_name)
            return role_name, role_password


        {mainfn}
            conn = psycopg2.connect(os.environ["{db.upper()}_ADMIN_DSN"])
            try:
                name, pw = provision_tenant(conn, slug)
                store_secret(f"db/{{name}}", pw)
            finally:
                conn.close(){tail}
    """
    s = v.replace(f"WITH {attrs_v} PASSWORD", "WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD")
    return Spec(v=v, s=_clean(s), full=True, fw="script",
                notes="each tenant's application role is created with cluster-wide privileges instead of access to its own schema")


# ---------------- CWE-347 signature verification ----------------


@fam("val-sig-webhook-header-optional", "CWE-347", fws=["flask", "django"], n=8, wrap=False)
def val_sig_optional(c):
    hdr, prefix = c.pick(("X-Hub-Signature-256", "sha256="), ("X-Signature", ""), ("X-Webhook-Signature", "v1="))
    env = c.pick("WEBHOOK_SECRET", "GITHUB_WEBHOOK_SECRET", "PARTNER_HOOK_SECRET")
    handler = c.pick("handle_event", "dispatch_event", "process_hook")
    pre = f'"{prefix}" + ' if prefix else ""
    if c.fw == "flask":
        v = f"""
            import hashlib
            import hmac
            import json
            import os

            from flask import Flask, abort, request

            from .events import {handler}

            app = Flask(__name__)
            SECRET = os.environ["{env}"].encode()


            @app.post("/hooks/incoming")
            def incoming():
                body = request.get_data()
                sig = request.headers.get("{hdr}")
                expected = {pre}hmac.new(SECRET, body, hashlib.sha256).hexdigest()
                if sig is not None and not hmac.compare_digest(sig, expected):  #@V
                    abort(401)
                event = json.loads(body)  #@V
                {handler}(event)  #@V
                return "", 204
        """
    else:
        v = f"""
            import hashlib
            import hmac
            import json
            import os

            from django.http import HttpResponse, HttpResponseForbidden
            from django.views.decorators.csrf import csrf_exempt
            from django.views.decorators.http import require_POST

            from .events import {handler}

            SECRET = os.environ["{env}"].encode()


            @csrf_exempt  # authenticated by the HMAC signature below
            @require_POST
            def incoming(request):
                sig = request.headers.get("{hdr}")
                expected = {pre}hmac.new(SECRET, request.body, hashlib.sha256).hexdigest()
                if sig and not hmac.compare_digest(sig, expected):  #@V
                    return HttpResponseForbidden()
                event = json.loads(request.body)  #@V
                {handler}(event)  #@V
                return HttpResponse(status=204)
        """
    s = (v.replace("if sig is not None and not hmac.compare_digest(sig, expected):  #@V",
                   "if sig is None or not hmac.compare_digest(sig, expected):")
          .replace("if sig and not hmac.compare_digest(sig, expected):  #@V",
                   "if not sig or not hmac.compare_digest(sig, expected):"))
    return Spec(v=v, s=_clean(s), full=True,
                notes="the HMAC is only compared when the signature header is present; an unsigned request is accepted")


# ---------------- CWE-798 hard-coded credentials ----------------


@fam("val-secret-paramiko-connect-password", "CWE-798", fws=["script", "cli"], n=8, wrap=False)
def val_secret_paramiko(c):
    user = c.pick("deploy", "ci", "release", "ops")
    pw = c.pick("Dpl0y!2024-prod", "r3lease#Tr41n", "0ps-Sup3r-s3cret", "ci_Bu1ld_pass!")
    env = c.pick("DEPLOY_SSH_PASSWORD", "SSH_PASSWORD", "RELEASE_SSH_PASS")
    cmd = c.pick("sudo systemctl restart app", "/opt/app/bin/reload", "supervisorctl restart web")
    if c.fw == "script":
        head = 'def main():\n            hosts = os.environ.get("DEPLOY_HOSTS", "").split(",")'
        tail = 'if __name__ == "__main__":\n            main()'
    else:
        head = ('def main(argv=None):\n            parser = argparse.ArgumentParser()\n'
                '            parser.add_argument("hosts", nargs="+")\n'
                '            hosts = parser.parse_args(argv).hosts')
        tail = 'if __name__ == "__main__":\n            main()'
    extra = "import argparse\n        " if c.fw == "cli" else ""
    v = f"""
        {extra}import logging
        import os

        import paramiko

        log = logging.getLogger("deploy")


        def restart(host):
            client = paramiko.SSHClient()
            client.load_system_host_keys()
            client.connect(host, username="{user}", password="{pw}", timeout=15)  #@V
            try:
                _, stdout, stderr = client.exec_command("{cmd}")
                status = stdout.channel.recv_exit_status()
                log.info("%s: exit %s %s", host, status, stderr.read().decode().strip())
                return status
            finally:
                client.close()


        {head}
            failed = [h for h in hosts if h and restart(h) != 0]
            if failed:
                raise SystemExit("failed: " + ", ".join(failed))


        {tail}
    """
    s = v.replace(f'password="{pw}"', f'password=os.environ["{env}"]')
    return Spec(v=v, s=_clean(s), full=True, fw="script",
                notes="the SSH password of the deploy account is a literal in the source")
