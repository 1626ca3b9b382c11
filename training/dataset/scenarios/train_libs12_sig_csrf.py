"""Train-only snippet families on signature verification (347) and CSRF (352), in small Flask /
FastAPI / aiohttp / Django apps, scripts and consumers:

- sig-sns-signing-cert-url-unpinned (347): an Amazon SNS notification verified with the certificate
  downloaded from the message's own SigningCertURL, never checked to be an SNS host (cryptography
  RSA PKCS#1 v1.5 / SHA-256 over the SNS string to sign);
- sig-signed-link-unsigned-param (347): an HMAC-signed link (team invite, login link, share link,
  pay link) whose signature covers only some of the query parameters the handler acts on;
- sig-embedded-public-key (347): a signed envelope (device reading, plugin manifest, peer message)
  verified with the public key that travels inside the envelope, or falls back to it for unknown senders;
- csrf-mixed-method-route (352): CSRFProtect / starlette-csrf / fastapi-csrf-protect only check
  unsafe methods, but the state-changing route also answers GET (or acts on a ``confirm=1`` link);
- csrf-origin-prefix-check (352): an Origin / Referer CSRF check matching with startswith, a
  substring or a domain suffix, so ``https://app.example.com.evil.net`` passes;
- csrf-token-not-session-bound (352): an HMAC-signed (or globally stored) CSRF token that is valid
  for every session, so the attacker's own token works in a forged form.

Written without reading the held-out families; every family here goes to train."""
from core import Spec
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam


def _V(safe):
    return "" if safe else "  #@V"


# ---------------- CWE-347: SNS message verified with the certificate its own URL points at ----------------


def _sns_app(c, safe):
    fw = c.fw
    V = _V(safe)
    check = c.pick("regex", "urlsplit")
    cached = c.pick(True, False)
    what = c.pick("bounce", "upload", "alarm", "billing")
    fn = c.pick("verify_sns", "sns_signature_ok", "is_genuine_sns")
    path = c.pick("/hooks/sns", "/aws/sns", f"/sns/{what}s", "/webhooks/aws-sns")
    fields = '("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")'
    imps = ["import base64", "import json"]
    if safe and check == "regex":
        imps.append("import re")
    if safe and check == "urlsplit":
        imps.append("import re")
        imps.append("from urllib.parse import urlsplit")
    if cached:
        imps.append("from functools import lru_cache")
    imps.append("")
    if fw == "flask":
        imps += ["import requests"]
    elif fw == "fastapi":
        imps += ["import httpx"]
    else:
        imps += ["import aiohttp", "from aiohttp import web"]
    imps += ["from cryptography import x509", "from cryptography.exceptions import InvalidSignature",
             "from cryptography.hazmat.primitives import hashes",
             "from cryptography.hazmat.primitives.asymmetric import padding"]
    if fw == "flask":
        imps += ["from flask import Flask, abort, request"]
    elif fw == "fastapi":
        imps += ["from fastapi import FastAPI, HTTPException, Request, Response"]
    imps += ["", f"from {what}_jobs import handle_{what}_event"]
    consts = f"SIGNED_FIELDS = {fields}"
    if safe and check == "regex":
        consts += '\nSNS_CERT_URL = re.compile(r"https://sns\\.[a-z]{2}(?:-[a-z]+)+-\\d\\.amazonaws\\.com/SimpleNotificationService-[0-9a-f]+\\.pem")'
    if safe and check == "urlsplit":
        consts += '\nSNS_HOST = re.compile(r"sns\\.[a-z]{2}(?:-[a-z]+)+-\\d\\.amazonaws\\.com")'
    if safe and check == "regex":
        guard = "if not SNS_CERT_URL.fullmatch(url):\n    {fail}"
    elif safe:
        guard = ('parts = urlsplit(url)\nif parts.scheme != "https" or not SNS_HOST.fullmatch(parts.hostname or "") '
                 'or not parts.path.endswith(".pem"):\n    {fail}')
    else:
        guard = ""
    sts = '''
        def string_to_sign(msg):
            return "".join(f"{key}\\n{msg[key]}\\n" for key in SIGNED_FIELDS if key in msg).encode()
    '''
    asy = "" if fw == "flask" else "async "
    if fw == "flask":
        fetch = "pem = requests.get(url, timeout=5).content" + V
    elif fw == "fastapi":
        fetch = ("async with httpx.AsyncClient(timeout=5) as client:\n"
                 "    pem = (await client.get(url)).content" + V)
    else:
        fetch = ("async with aiohttp.ClientSession() as http:\n"
                 "    async with http.get(url) as resp:" + V + "\n"
                 "        pem = await resp.read()")
    verify = ("cert.public_key().verify(base64.b64decode(msg[\"Signature\"]), string_to_sign(msg),"
              " padding.PKCS1v15(), hashes.SHA256())" + V)

    def ind(block, n):
        return "\n".join((" " * n + l) if l.strip() else "" for l in block.split("\n"))

    if cached and fw == "flask":
        certfn = ("@lru_cache(maxsize=8)\ndef signing_cert(url):\n"
                  + (ind(guard.format(fail='raise ValueError("not an SNS certificate URL")'), 4) + "\n" if guard else "")
                  + ind(fetch, 4) + "\n    return x509.load_pem_x509_certificate(pem)")
        body = ("    try:\n        cert = signing_cert(msg[\"SigningCertURL\"])\n    except ValueError:\n        return False\n")
    else:
        certfn = ""
        body = ("    url = msg[\"SigningCertURL\"]\n"
                + (ind(guard.format(fail="return False"), 4) + "\n" if guard else "")
                + ind(fetch, 4) + "\n    cert = x509.load_pem_x509_certificate(pem)\n")
    vfn = (f"{asy}def {fn}(msg):\n" + body
           + "    try:\n" + ind(verify, 8) + "\n    except InvalidSignature:\n        return False\n    return True")
    if fw == "flask":
        route = f'''
            app = Flask(__name__)


            @app.route("{path}", methods=["POST"])
            def sns_{what}():
                msg = json.loads(request.get_data())
                if msg.get("Type") != "Notification":
                    return "", 204
                if msg.get("SignatureVersion") != "2" or not {fn}(msg):
                    abort(403)
                handle_{what}_event(json.loads(msg["Message"]))
                return "", 204
        '''
    elif fw == "fastapi":
        route = f'''
            app = FastAPI()


            @app.post("{path}", status_code=204)
            async def sns_{what}(request: Request):
                msg = json.loads(await request.body())
                if msg.get("Type") != "Notification":
                    return Response(status_code=204)
                if msg.get("SignatureVersion") != "2" or not await {fn}(msg):
                    raise HTTPException(status_code=403, detail="bad SNS signature")
                handle_{what}_event(json.loads(msg["Message"]))
                return Response(status_code=204)
        '''
    else:
        route = f'''
            async def sns_{what}(request):
                msg = json.loads(await request.text())
                if msg.get("Type") != "Notification":
                    return web.Response(status=204)
                if msg.get("SignatureVersion") != "2" or not await {fn}(msg):
                    raise web.HTTPForbidden(text="bad SNS signature")
                handle_{what}_event(json.loads(msg["Message"]))
                return web.Response(status=204)


            app = web.Application()
            app.router.add_post("{path}", sns_{what})
        '''
    return _mod("\n".join(imps), consts, sts, certfn, vfn, route)


@fam("sig-sns-signing-cert-url-unpinned", "CWE-347", fws=["flask", "fastapi", "aiohttp"], n=8, wrap=False)
def sig_sns_cert_url(c):
    v, s = _twin(c, _sns_app, )
    return Spec(v=v, s=s, full=True,
                notes="the SNS signature is checked with the certificate downloaded from the message's own "
                      "SigningCertURL; an attacker signs a forged notification with a key of their own and points "
                      "SigningCertURL at their certificate, so the check always passes (and the URL is fetched for "
                      "anyone); the fix only accepts https certificate URLs on an sns.<region>.amazonaws.com host")


@hardneg(3)
def sig_sns_cert_url_hn(c):
    what = c.pick("bounce", "upload", "alarm")
    s = f'''
        import base64
        import json
        import re

        import requests
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        from flask import Flask, abort, request

        app = Flask(__name__)
        SNS_CERT_URL = re.compile(r"https://sns\\.(us|eu)-[a-z]+-\\d\\.amazonaws\\.com/SimpleNotificationService-[0-9a-f]+\\.pem")
        TOPICS = {{"arn:aws:sns:eu-west-1:123456789012:{what}-events"}}
        _CERTS = {{}}


        def cert_for(url):
            if not SNS_CERT_URL.fullmatch(url):
                raise ValueError("unexpected certificate URL")
            if url not in _CERTS:
                _CERTS[url] = x509.load_pem_x509_certificate(requests.get(url, timeout=5).content)
            return _CERTS[url]


        @app.route("/hooks/sns", methods=["POST"])
        def sns_{what}():
            msg = json.loads(request.get_data())
            if msg.get("Type") != "Notification" or msg.get("TopicArn") not in TOPICS:
                abort(400)
            signed = "".join(f"{{k}}\\n{{msg[k]}}\\n" for k in ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type") if k in msg)
            try:
                cert_for(msg["SigningCertURL"]).public_key().verify(
                    base64.b64decode(msg["Signature"]), signed.encode(), padding.PKCS1v15(), hashes.SHA256())
            except (ValueError, InvalidSignature):
                abort(403)
            return {{"queued": json.loads(msg["Message"]).get("id")}}
    '''
    return Spec(s=s, full=True, fw="flask",
                notes="the certificate URL is pinned to SNS hosts and the topic to an allow-list before the signature "
                      "is checked with that certificate")


# ---------------- CWE-347: signed link whose HMAC leaves out a parameter the handler uses ----------------


_LINKS = {
    "invite": dict(path="/teams/join", params=["team", "email", "role"], signed=["team", "email"],
                   act="add_team_member(team, email, role)", imp="from teams import add_team_member",
                   doc="invite link for a team member; the role is taken from the link",
                   extra=""),
    "login": dict(path="/auth/link", params=["uid", "expires"], signed=["uid"],
                  act="start_session_for(uid)", imp="from auth import start_session_for",
                  doc="one-click login link that stops working after `expires`",
                  extra="if int(expires) < time.time():\n    {fail}"),
    "share": dict(path="/shared", params=["doc", "mode"], signed=["doc"],
                  act="grant_link_access(doc, mode)", imp="from documents import grant_link_access",
                  doc="share link that opens a document in view or edit mode",
                  extra=""),
    "pay": dict(path="/pay", params=["order", "amount"], signed=["order"],
                act="charge_order(order, amount)", imp="from billing import charge_order",
                doc="payment link mailed with an invoice",
                extra=""),
}


def _link_app(c, safe):
    kind = c.pick(*_LINKS)
    t = _LINKS[kind]
    fw = c.fw
    V = _V(safe)
    ps = t["params"]
    signed = ps if safe else t["signed"]
    sep = c.pick('"\\n"', '"|"', '":"')
    enc = c.pick("hex", "b64")
    key = c.pick("LINK_KEY", "SIGNING_KEY", "URL_SECRET")
    env = c.pick("LINK_SIGNING_KEY", "URL_SIGNING_SECRET", "APP_LINK_KEY")
    check = c.pick("if_not", "ok_var")
    imps = ["import hashlib", "import hmac", "import os"]
    if enc == "b64":
        imps.insert(0, "import base64")
    if kind == "login":
        imps.append("import time")
    imps.append("from urllib.parse import urlencode")
    imps.append("")
    if fw == "flask":
        imps.append("from flask import Flask, abort, jsonify, request")
    elif fw == "django":
        imps.append("from django.http import HttpResponseForbidden, JsonResponse")
    elif fw == "fastapi":
        imps.append("from fastapi import FastAPI, HTTPException")
    else:
        imps.append("from aiohttp import web")
    imps.append(t["imp"])
    if enc == "hex":
        mac = f"hmac.new({key}, {sep}.join(parts).encode(), hashlib.sha256).hexdigest()"
    else:
        mac = f"base64.urlsafe_b64encode(hmac.new({key}, {sep}.join(parts).encode(), hashlib.sha256).digest()).decode()"
    helpers = f'''
        {key} = os.environ["{env}"].encode()


        def sign(*parts):
            return {mac}


        def make_link(base_url, {", ".join(ps)}):
            """Build the {t["doc"]}."""
            query = {{{", ".join(f'"{p}": {p}' for p in ps)}}}
            query["sig"] = sign({", ".join(f"str({p})" for p in signed)}){V}
            return base_url + "{t["path"]}?" + urlencode(query)
    '''
    sargs = ", ".join(f"str({p})" for p in signed)
    if check == "if_not":
        chk = f"if not hmac.compare_digest(sign({sargs}), sig):{V}\n    {{fail}}"
    else:
        chk = f"if not (sig and hmac.compare_digest(sig, sign({sargs}))):{V}\n    {{fail}}"
    h = c.pick("open", "follow", "accept", "use") + "_" + kind + "_link"
    if fw == "flask":
        fail = "abort(403)"
        read = "\n".join(f'{p} = request.args["{p}"]' for p in ps) + '\nsig = request.args.get("sig", "")'
        head = f'app = Flask(__name__)\n\n\n@app.route("{t["path"]}")\ndef {h}():'
        ret = f'return jsonify(ok=True, {ps[0]}={ps[0]})'
    elif fw == "django":
        fail = 'return HttpResponseForbidden("bad link")'
        read = "\n".join(f'{p} = request.GET["{p}"]' for p in ps) + '\nsig = request.GET.get("sig", "")'
        head = f"def {h}(request):"
        ret = f'return JsonResponse({{"ok": True, "{ps[0]}": {ps[0]}}})'
    elif fw == "fastapi":
        fail = 'raise HTTPException(status_code=403, detail="bad link")'
        read = ""
        head = f'app = FastAPI()\n\n\n@app.get("{t["path"]}")\nasync def {h}({", ".join(p + ": str" for p in ps)}, sig: str = ""):'
        ret = f'return {{"ok": True, "{ps[0]}": {ps[0]}}}'
    else:
        fail = 'raise web.HTTPForbidden(text="bad link")'
        read = "\n".join(f'{p} = request.query["{p}"]' for p in ps) + '\nsig = request.query.get("sig", "")'
        head = f"async def {h}(request):"
        ret = f'return web.json_response({{"ok": True, "{ps[0]}": {ps[0]}}})'
    lines = []
    if read:
        lines += read.split("\n")
    lines += chk.format(fail=fail).split("\n")
    if t["extra"]:
        lines += t["extra"].format(fail=fail).split("\n")
    lines.append(t["act"])
    lines.append(ret)
    fn = head + "\n" + "\n".join("    " + l for l in lines)
    tail = f'app = web.Application()\napp.router.add_get("{t["path"]}", {h})' if fw == "aiohttp" else ""
    return _mod("\n".join(imps), helpers, fn, tail)


@fam("sig-signed-link-unsigned-param", "CWE-347", fws=["flask", "django", "fastapi", "aiohttp"], n=8, wrap=False)
def sig_signed_link(c):
    v, s = _twin(c, _link_app)
    return Spec(v=v, s=s, full=True,
                notes="the link's HMAC covers only some of its query parameters, but the handler also acts on the "
                      "unsigned one (role, expiry, share mode, amount): a recipient edits it and the signature still "
                      "verifies; the fix signs every parameter the handler uses")


@hardneg(3)
def sig_signed_link_hn(c):
    key = c.pick("INVITE_KEY", "LINK_SECRET", "TEAM_LINK_KEY")
    fn = c.pick("accept_invite", "join_team", "open_invite")
    s = '''
        import hashlib
        import hmac
        import json
        import os
        import time

        from flask import Flask, abort, jsonify, request

        from teams import add_team_member

        app = Flask(__name__)
        KEYNAME = os.environ["KEYNAME"].encode()


        def sign(payload: dict) -> str:
            canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            return hmac.new(KEYNAME, canonical.encode(), hashlib.sha256).hexdigest()


        @app.route("/teams/join")
        def FNNAME():
            fields = {k: request.args.get(k, "") for k in ("team", "email", "role", "expires")}
            if not hmac.compare_digest(sign(fields), request.args.get("sig", "")):
                abort(403)
            if not fields["expires"].isdigit() or int(fields["expires"]) < time.time():
                abort(410)
            add_team_member(fields["team"], fields["email"], fields["role"])
            return jsonify(joined=fields["team"])
    '''
    s = s.replace("KEYNAME", key).replace("FNNAME", fn)
    return Spec(s=s, full=True, fw="flask",
                notes="the HMAC covers a canonical JSON of every field the handler uses (team, email, role, expiry)")


# ---------------- CWE-347: envelope verified with the public key it carries ----------------


def _envelope_app(c, safe):
    fw = c.fw
    V = _V(safe)
    kind = c.pick("reading", "manifest", "peer")
    algo = c.pick("ed25519", "ecdsa")
    mode = c.pick("embedded", "fallback")
    sender = {"reading": "device_id", "manifest": "publisher", "peer": "node_id"}[kind]
    keyfield = c.pick("public_key", "pubkey", "key")
    keys = c.pick("TRUSTED_KEYS", "KNOWN_KEYS", "SENDER_KEYS")
    if algo == "ed25519":
        cimps = ["from cryptography.exceptions import InvalidSignature",
                 "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey"]
        load = "Ed25519PublicKey.from_public_bytes({})"
        vcall = "public_key.verify(signature, payload)"
    else:
        cimps = ["from cryptography.exceptions import InvalidSignature",
                 "from cryptography.hazmat.primitives import hashes",
                 "from cryptography.hazmat.primitives.asymmetric import ec"]
        load = "ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), {})"
        vcall = "public_key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))"
    keyfile = c.pick("/etc/app/trusted_keys.json", "config/sender_keys.json", "keys/registry.json")
    registry = f'''
        with open(os.environ.get("KEYS_FILE", "{keyfile}"), encoding="utf-8") as fh:
            {keys} = {{name: bytes.fromhex(hexkey) for name, hexkey in json.load(fh).items()}}
    '''
    if safe:
        keyline = f'key_bytes = {keys}.get(envelope["{sender}"])\nif key_bytes is None:\n    return None'
    elif mode == "embedded":
        keyline = f'key_bytes = base64.b64decode(envelope["{keyfield}"])' + V
    else:
        keyline = f'key_bytes = {keys}.get(envelope["{sender}"]) or base64.b64decode(envelope["{keyfield}"])' + V
    fn = c.pick("open_envelope", "verified_payload", "unwrap_signed")
    body = (f"def {fn}(envelope):\n"
            f'    """Return the decoded payload of a signed envelope, or None if its signature is not valid."""\n'
            + "\n".join("    " + l for l in keyline.split("\n")) + "\n"
            f"    public_key = {load.format('key_bytes')}\n"
            '    payload = base64.b64decode(envelope["payload"])\n'
            '    signature = base64.b64decode(envelope["signature"])\n'
            "    try:\n"
            f"        {vcall}\n"
            "    except InvalidSignature:\n"
            "        return None\n"
            + ("    return json.loads(payload)" if kind == "manifest" else
               "    data = json.loads(payload)\n"
               f'    return data if data.get("{sender}") == envelope["{sender}"] else None'))
    if kind == "reading":
        use = ("def handle_message(raw):\n"
               "    data = open_envelope(json.loads(raw))\n"
               "    if data is None:\n"
               '        log.warning("dropped unsigned reading")\n'
               "        return\n"
               '    store_reading(data["device_id"], data["metric"], float(data["value"]))').replace("open_envelope", fn)
        extra_imp = ["import logging", "from telemetry import store_reading"]
        pre = 'log = logging.getLogger("ingest")'
        post = ("def consume(subscriber):\n    for message in subscriber:\n        handle_message(message.value)")
        fwlabel = "pipeline"
    elif kind == "manifest":
        use = ("def install_from(path):\n"
               '    with open(path, encoding="utf-8") as fh:\n'
               "        manifest = open_envelope(json.load(fh))\n"
               "    if manifest is None:\n"
               '        raise SystemExit("plugin signature is not valid")\n'
               '    for item in manifest["files"]:\n'
               '        fetch_and_install(item["url"], item["sha256"])').replace("open_envelope", fn)
        extra_imp = ["import sys", "from plugins import fetch_and_install"]
        pre = ""
        post = 'if __name__ == "__main__":\n    install_from(sys.argv[1])'
        fwlabel = "script"
    else:
        use = ("async def on_peer_message(raw):\n"
               "    update = open_envelope(json.loads(raw))\n"
               "    if update is None:\n"
               "        return False\n"
               '    await apply_peer_update(update["node_id"], update["routes"])\n'
               "    return True").replace("open_envelope", fn)
        extra_imp = ["from mesh import apply_peer_update"]
        pre = ""
        post = ""
        fwlabel = "pipeline"
    std = sorted(["import base64", "import json", "import os"] + [i for i in extra_imp if i.startswith("import ")])
    local = [i for i in extra_imp if i.startswith("from ")]
    allimps = std + [""] + cimps + [""] + local
    return _mod("\n".join(allimps), registry, pre, body, use, post), fwlabel


@fam("sig-embedded-public-key", "CWE-347", fws=["pipeline", "script"], n=8, wrap=False)
def sig_embedded_key(c):
    st = c.snapshot()
    v, fwl = _envelope_app(c, False)
    c.restore(st)
    s, _ = _envelope_app(c, True)
    return Spec(v=v, s=s, full=True, fw=fwl,
                notes="the signature is checked with the public key that arrives in the same envelope (or, for an "
                      "unknown sender, falls back to it): anyone signs a forged payload with their own key pair and "
                      "ships the public half along, so the check proves nothing; the fix only uses keys from the "
                      "trusted registry, looked up by sender, and rejects unknown senders")


@hardneg(3)
def sig_embedded_key_hn(c):
    s = '''
        import base64
        import hashlib
        import json

        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        # SHA-256 fingerprints of the release keys; the envelope carries the key, this pins it
        PINNED_FINGERPRINTS = {
            "5f1c0a9e3b7d2c4e8a6f0b1d3c5e7a9b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a",
            "a3d9c7e1f5b2086e4c1a9d7b3f5e2c8a0b6d4f1e9c7a5b3d2f0e8c6a4b2d1f3e",
        }


        def FNNAME(envelope):
            key_bytes = base64.b64decode(envelope["public_key"])
            if hashlib.sha256(key_bytes).hexdigest() not in PINNED_FINGERPRINTS:
                return None
            payload = base64.b64decode(envelope["payload"])
            try:
                Ed25519PublicKey.from_public_bytes(key_bytes).verify(base64.b64decode(envelope["signature"]), payload)
            except InvalidSignature:
                return None
            return json.loads(payload)
    '''
    s = s.replace("FNNAME", c.pick("verified_manifest", "open_release", "check_bundle")).replace(
        "PINNED_FINGERPRINTS", c.pick("PINNED_FINGERPRINTS", "RELEASE_KEY_PINS", "TRUSTED_KEY_SHA256"))
    return Spec(s=s, full=True, fw="script",
                notes="the envelope carries its public key, but the key's fingerprint must be one of the pinned "
                      "release keys before it is used to verify")


# ---------------- CWE-352: state-changing route that also answers GET ----------------


def _mixed_app(c, safe):
    fw = c.fw
    V = _V(safe)
    w = c.word if c.word != "profile" else "note"
    W = w.capitalize()
    action = c.pick("delete", "cancel", "update")
    # R55 review: the fastapi-csrf-protect ("protect") variant is no longer drawn: a FastAPI handler on a cookie
    # session where a path skips csrf_protect.validate_csrf is the shape of the dropped
    # csrf-fastapi-csrf-protect-missing-validate / held-out csrf-cookie-auth-api; its branch below is unused.
    shape = c.pick("methods", "confirm") if fw == "flask" else "middleware"
    if fw == "flask":
        act = {"delete": f"db.session.delete(item)",
               "cancel": "item.cancel()",
               "update": f'{W}.query.filter_by(id=item.id).update({{"archived": True}})'}[action]
        verb = {"delete": "delete", "cancel": "cancel", "update": "archive"}[action]
        imps = f'''
            import os

            from flask import Flask, abort, flash, redirect, render_template, request, url_for
            from flask_login import current_user, login_required
            from flask_wtf.csrf import CSRFProtect

            from models import {W}, db
        '''
        setup = '''
            app = Flask(__name__)
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
            csrf = CSRFProtect(app)
        '''
        if shape == "methods":
            deco = f'@app.route("/{w}s/<int:item_id>/{verb}", methods=' + ('["POST"]' if safe else '["GET", "POST"]') + ")" + V
            guard = ""
        else:
            deco = f'@app.route("/{w}s/<int:item_id>/{verb}", methods=["GET", "POST"])'
            cond = ('request.method != "POST"' if safe else
                    'request.method != "POST" and request.args.get("confirm") != "1"')
            guard = cond
        route = f'''
            {deco}
            @login_required
            def {verb}_{w}(item_id):
                item = {W}.query.get_or_404(item_id)
                if item.owner_id != current_user.id:
                    abort(404)
        '''
        if guard:
            route += f'''
                if {guard}:{V}
                    return render_template("confirm_{verb}.html", item=item)
            '''
        route += f'''
                {act}{V}
                db.session.commit()
                flash("{W} {verb}: done")
                return redirect(url_for("list_{w}s"))
        '''
        return _mod(imps, setup, route)
    # FastAPI
    act = {"delete": "await store.delete(item_id, owner=uid)",
           "cancel": f"await store.cancel({w}_id=item_id, owner=uid)",
           "update": 'await store.update(item_id, owner=uid, status="closed")'}[action]
    verb = {"delete": "delete", "cancel": "cancel", "update": "close"}[action]
    if shape == "middleware":
        imps = f'''
            import os

            from fastapi import FastAPI, HTTPException, Request
            from fastapi.responses import RedirectResponse
            from starlette.middleware.sessions import SessionMiddleware
            from starlette_csrf import CSRFMiddleware

            from {w}_store import store
        '''
        setup = '''
            app = FastAPI()
            app.add_middleware(CSRFMiddleware, secret=os.environ["CSRF_SECRET"])
            app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True)
        '''
        deco = (f'@app.post("/{w}s/{{item_id}}/{verb}")' if safe else
                f'@app.api_route("/{w}s/{{item_id}}/{verb}", methods=["GET", "POST"])') + V
        route = f'''
            {deco}
            async def {verb}_{w}(item_id: int, request: Request):
                uid = request.session.get("uid")
                if uid is None:
                    raise HTTPException(status_code=401)
                {act}{V}
                return RedirectResponse("/{w}s", status_code=303)
        '''
        return _mod(imps, setup, route)
    imps = f'''
        import os

        from fastapi import Depends, FastAPI, HTTPException, Request
        from fastapi.responses import RedirectResponse
        from fastapi_csrf_protect import CsrfProtect
        from pydantic import BaseModel
        from starlette.middleware.sessions import SessionMiddleware

        from {w}_store import store
    '''
    setup = '''
        app = FastAPI()
        app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True)


        class CsrfSettings(BaseModel):
            secret_key: str = os.environ["CSRF_SECRET"]
            cookie_samesite: str = "none"
            cookie_secure: bool = True


        @CsrfProtect.load_config
        def get_csrf_config():
            return CsrfSettings()
    '''
    deco = (f'@app.post("/{w}s/{{item_id}}/{verb}")' if safe else
            f'@app.api_route("/{w}s/{{item_id}}/{verb}", methods=["GET", "POST"])') + V
    check = ("await csrf_protect.validate_csrf(request)" if safe else
             'if request.method == "POST":\n    await csrf_protect.validate_csrf(request)' + V)
    route = "\n".join([
        deco,
        f"async def {verb}_{w}(item_id: int, request: Request, csrf_protect: CsrfProtect = Depends()):",
        '    uid = request.session.get("uid")',
        "    if uid is None:",
        "        raise HTTPException(status_code=401)",
        *("    " + l for l in check.split("\n")),
        f"    {act}{V}",
        f'    return RedirectResponse("/{w}s", status_code=303)'])
    return _mod(imps, setup, route)


@fam("csrf-mixed-method-route", "CWE-352", fws=["flask", "fastapi"], n=8, wrap=False)
def csrf_mixed_method(c):
    v, s = _twin(c, _mixed_app)
    return Spec(v=v, s=s, full=True,
                notes="the CSRF protection in place (Flask-WTF CSRFProtect, starlette-csrf, fastapi-csrf-protect "
                      "called only for POST) checks unsafe methods only, but the state-changing route also acts on a "
                      "GET (or a `confirm=1` link): an <img> or link on another site makes the signed-in user's "
                      "browser perform it; the fix serves the action only on POST, where the token is checked")


@hardneg(3)
def csrf_mixed_method_hn(c):
    w = c.word if c.word != "profile" else "note"
    W = w.capitalize()
    s = f'''
        import os

        from flask import Flask, abort, redirect, render_template, request, url_for
        from flask_login import current_user, login_required
        from flask_wtf.csrf import CSRFProtect

        from models import {W}, db

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        csrf = CSRFProtect(app)


        @app.route("/{w}s/<int:item_id>/delete", methods=["GET", "POST"])
        @login_required
        def delete_{w}(item_id):
            item = {W}.query.get_or_404(item_id)
            if item.owner_id != current_user.id:
                abort(404)
            if request.method == "GET":
                return render_template("confirm_delete.html", item=item)
            db.session.delete(item)
            db.session.commit()
            return redirect(url_for("list_{w}s"))
    '''
    return Spec(s=s, full=True, fw="flask",
                notes="GET only renders the confirmation page; the delete runs on POST, which CSRFProtect checks")


# ---------------- CWE-352: Origin / Referer check by prefix, substring or suffix ----------------


def _origin_app(c, safe):
    fw = c.fw
    V = _V(safe)
    match = c.pick("startswith", "substring", "suffix")
    use_ref = c.pick(True, False)
    host = c.pick("app.example.com", "portal.acme-corp.com", "dashboard.shopwise.io")
    dom = host.split(".", 1)[1]
    w = c.word if c.word != "profile" else "note"
    get_hdr = ('request.headers.get("Origin") or request.headers.get("Referer", "")' if use_ref
               else 'request.headers.get("Origin", "")')
    need_split = match == "suffix" or (safe and use_ref)
    if match == "suffix":
        const = (f'CSRF_TRUSTED_HOSTS = {{"{host}", "admin.{dom}"}}' if safe else f'CSRF_COOKIE_DOMAIN = "{dom}"')
        test = ("(urlsplit(source).hostname or \"\") not in CSRF_TRUSTED_HOSTS" if safe else
                "not (urlsplit(source).hostname or \"\").endswith(CSRF_COOKIE_DOMAIN)")
    else:
        const = f'CSRF_TRUSTED_ORIGINS = ("https://{host}", "https://admin.{dom}")'
        if safe:
            test = ('f"{urlsplit(source).scheme}://{urlsplit(source).netloc}" not in CSRF_TRUSTED_ORIGINS' if use_ref
                    else "source not in CSRF_TRUSTED_ORIGINS")
        elif match == "startswith":
            test = "not source.startswith(CSRF_TRUSTED_ORIGINS)"
        else:
            test = "not any(origin in source for origin in CSRF_TRUSTED_ORIGINS)"
    imps = ["import os"]
    if need_split:
        imps.append("from urllib.parse import urlsplit")
    imps.append("")
    fn = c.pick("csrf_origin_check", "check_csrf_origin", "reject_cross_site")
    verb = c.pick("transfer", "email", "delete")
    if fw == "flask":
        imps.append("from flask import Flask, abort, jsonify, request, session")
        imps.append(f"from accounts import change_email, delete_{w}, transfer_credit")
        setup = 'app = Flask(__name__)\napp.secret_key = os.environ["FLASK_SECRET_KEY"]'
        mw = f'''
            @app.before_request
            def {fn}():
                if request.method in ("GET", "HEAD", "OPTIONS"):
                    return None
                source = {get_hdr}
                if {test}:{V}
                    abort(403)
                return None
        '''
        act = {"transfer": ('@app.route("/credits/transfer", methods=["POST"])\ndef transfer():\n'
                            '    transfer_credit(session["uid"], request.form["to"], int(request.form["amount"]))\n'
                            '    return jsonify(ok=True)'),
               "email": ('@app.route("/account/email", methods=["POST"])\ndef update_email():\n'
                         '    change_email(session["uid"], request.form["email"])\n    return jsonify(ok=True)'),
               "delete": (f'@app.route("/{w}s/<int:item_id>/delete", methods=["POST"])\ndef remove(item_id):\n'
                          f'    delete_{w}(session["uid"], item_id)\n    return jsonify(ok=True)')}[verb]
        tail = ""
    elif fw == "fastapi":
        imps.append("from fastapi import FastAPI, Form, Request")
        imps.append("from fastapi.responses import JSONResponse")
        imps.append("from starlette.middleware.sessions import SessionMiddleware")
        imps.append(f"from accounts import change_email, delete_{w}, transfer_credit")
        setup = "app = FastAPI()"
        mw = f'''
            @app.middleware("http")
            async def {fn}(request: Request, call_next):
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    source = {get_hdr}
                    if {test}:{V}
                        return JSONResponse({{"detail": "cross-site request"}}, status_code=403)
                return await call_next(request)
        '''
        act = {"transfer": ('@app.post("/credits/transfer")\nasync def transfer(request: Request, to: str = Form(...), amount: int = Form(...)):\n'
                            '    transfer_credit(request.session["uid"], to, amount)\n    return {"ok": True}'),
               "email": ('@app.post("/account/email")\nasync def update_email(request: Request, email: str = Form(...)):\n'
                         '    change_email(request.session["uid"], email)\n    return {"ok": True}'),
               "delete": (f'@app.post("/{w}s/{{item_id}}/delete")\nasync def remove(item_id: int, request: Request):\n'
                          f'    delete_{w}(request.session["uid"], item_id)\n    return {{"ok": True}}')}[verb]
        tail = 'app.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], same_site="none", https_only=True)'
    else:
        imps.append("from aiohttp import web")
        imps.append("from aiohttp_session import get_session, setup as setup_session")
        imps.append("from aiohttp_session.cookie_storage import EncryptedCookieStorage")
        imps.append(f"from accounts import change_email, delete_{w}, transfer_credit")
        setup = ""
        mw = f'''
            @web.middleware
            async def {fn}(request, handler):
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    source = {get_hdr}
                    if {test}:{V}
                        raise web.HTTPForbidden(text="cross-site request")
                return await handler(request)
        '''
        act = {"transfer": ('async def transfer(request):\n    session = await get_session(request)\n    form = await request.post()\n'
                            '    transfer_credit(session["uid"], form["to"], int(form["amount"]))\n    return web.json_response({"ok": True})'),
               "email": ('async def update_email(request):\n    session = await get_session(request)\n    form = await request.post()\n'
                         '    change_email(session["uid"], form["email"])\n    return web.json_response({"ok": True})'),
               "delete": (f'async def remove(request):\n    session = await get_session(request)\n'
                          f'    delete_{w}(session["uid"], int(request.match_info["item_id"]))\n    return web.json_response({{"ok": True}})')}[verb]
        fname = {"transfer": "transfer", "email": "update_email", "delete": "remove"}[verb]
        path = {"transfer": "/credits/transfer", "email": "/account/email", "delete": f"/{w}s/{{item_id}}/delete"}[verb]
        tail = (f'app = web.Application(middlewares=[{fn}])\n'
                f'setup_session(app, EncryptedCookieStorage(os.environ["SESSION_KEY"], samesite="None", secure=True))\n'
                f'app.router.add_post("{path}", {fname})')
    return _mod("\n".join(imps), const, setup, mw, act, tail)


@fam("csrf-origin-prefix-check", "CWE-352", fws=["flask", "fastapi", "aiohttp"], n=8, wrap=False)
def csrf_origin_prefix(c):
    v, s = _twin(c, _origin_app)
    return Spec(v=v, s=s, full=True,
                notes="the CSRF defence compares the Origin (or Referer) with the trusted origins by prefix, substring "
                      "or domain suffix, so a page on https://app.example.com.evil.net (or evilexample.com, or any "
                      "URL containing the origin) passes and its forged form POST rides on the session cookie; the fix "
                      "compares the parsed scheme://host exactly with the allow-list")


@hardneg(3)
def csrf_origin_prefix_hn(c):
    s = '''
        import os
        from urllib.parse import urlsplit

        from flask import Flask, abort, jsonify, request, session

        from accounts import change_email

        app = Flask(__name__)
        app.secret_key = os.environ["FLASK_SECRET_KEY"]
        CSRF_TRUSTED_ORIGINS = {"https://app.example.com", "https://admin.example.com"}


        def origin_of(value):
            parts = urlsplit(value)
            return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


        @app.before_request
        def FNNAME():
            if request.method in ("GET", "HEAD", "OPTIONS"):
                return None
            source = origin_of(request.headers.get("Origin") or request.headers.get("Referer", ""))
            if not source.startswith("https://") or source not in CSRF_TRUSTED_ORIGINS:
                abort(403)
            return None


        @app.route("/account/email", methods=["POST"])
        def update_email():
            change_email(session["uid"], request.form["email"])
            return jsonify(ok=True)
    '''
    host = c.pick("app.example.com", "portal.acme-corp.com", "dashboard.shopwise.io")
    s = s.replace("FNNAME", c.pick("check_csrf_origin", "csrf_origin_check", "same_origin_only")).replace(
        "app.example.com", host).replace("admin.example.com", "admin." + host.split(".", 1)[1])
    return Spec(s=s, full=True, fw="flask",
                notes="startswith only checks the scheme; the origin is parsed and matched exactly against the set")


# ---------------- CWE-352: CSRF token valid for any session ----------------


def _token_app(c, safe):
    fw = c.fw
    V = _V(safe)
    shape = c.pick("hmac_ts", "hmac_nonce", "global_set")
    w = c.word if c.word != "profile" else "note"
    hdr = c.pick("X-CSRF-Token", "X-CSRFToken", "X-Xsrf-Token")
    field = {"X-CSRF-Token": "csrf_token", "X-CSRFToken": "_csrf_token", "X-Xsrf-Token": "xsrf_token"}[hdr]
    ttl = c.pick("3600", "7200", "1800")
    imps = []
    if shape != "global_set":
        imps += ["import hashlib", "import hmac"]
    imps.append("import os")
    imps.append("import secrets")
    if shape == "hmac_ts":
        imps.append("import time")
    imps.append("")
    if shape == "hmac_ts":
        msg = 'f"{sid}:{ts}".encode()' if safe else "ts.encode()"
        helpers = f'''
            CSRF_KEY = os.environ["CSRF_KEY"].encode()


            def issue_csrf_token(sid):
                ts = str(int(time.time()))
                mac = hmac.new(CSRF_KEY, {msg}, hashlib.sha256).hexdigest(){V}
                return f"{{ts}}.{{mac}}"


            def csrf_token_valid(token, sid):
                ts, _, mac = token.partition(".")
                if not ts.isdigit() or time.time() - int(ts) > {ttl}:
                    return False
                expected = hmac.new(CSRF_KEY, {msg}, hashlib.sha256).hexdigest(){V}
                return hmac.compare_digest(mac, expected)
        '''
    elif shape == "hmac_nonce":
        msg = 'f"{sid}:{nonce}".encode()' if safe else "nonce.encode()"
        helpers = f'''
            CSRF_SECRET = os.environ["CSRF_SECRET"].encode()


            def issue_csrf_token(sid):
                nonce = secrets.token_urlsafe(16)
                return nonce + "." + hmac.new(CSRF_SECRET, {msg}, hashlib.sha256).hexdigest(){V}


            def csrf_token_valid(token, sid):
                nonce, _, mac = token.rpartition(".")
                expected = hmac.new(CSRF_SECRET, {msg}, hashlib.sha256).hexdigest(){V}
                return bool(nonce) and hmac.compare_digest(mac, expected)
        '''
    else:
        store = "CSRF_TOKENS.setdefault(sid, set()).add(token)" if safe else "ISSUED_CSRF_TOKENS.add(token)"
        chk = "token in CSRF_TOKENS.get(sid, ())" if safe else "token in ISSUED_CSRF_TOKENS"
        decl = "CSRF_TOKENS = {}" if safe else "ISSUED_CSRF_TOKENS = set()"
        helpers = f'''
            {decl}{V}


            def issue_csrf_token(sid):
                token = secrets.token_urlsafe(24)
                {store}{V}
                return token


            def csrf_token_valid(token, sid):
                return {chk}{V}
        '''
    if fw == "flask":
        imps.append("from flask import Flask, abort, jsonify, request, session")
        imps.append(f"from {w}_service import archive_{w}")
        setup = 'app = Flask(__name__)\napp.secret_key = os.environ["FLASK_SECRET_KEY"]'
        routes = f'''
            @app.get("/csrf-token")
            def csrf_token():
                session.setdefault("sid", secrets.token_hex(16))
                return jsonify(token=issue_csrf_token(session["sid"]))


            @app.post("/{w}s/<int:item_id>/archive")
            def archive(item_id):
                if "uid" not in session:
                    abort(401)
                if not csrf_token_valid(request.form.get("{field}", ""), session.get("sid", "")):
                    abort(403)
                archive_{w}(session["uid"], item_id)
                return jsonify(archived=item_id)
        '''
        tail = ""
    elif fw == "fastapi":
        imps.append("from fastapi import FastAPI, Header, HTTPException, Request")
        imps.append("from starlette.middleware.sessions import SessionMiddleware")
        imps.append(f"from {w}_service import archive_{w}")
        setup = ('app = FastAPI()\napp.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], '
                 'same_site="none", https_only=True)')
        pname = hdr.lower().replace("-", "_")
        routes = f'''
            @app.get("/csrf-token")
            async def csrf_token(request: Request):
                request.session.setdefault("sid", secrets.token_hex(16))
                return {{"token": issue_csrf_token(request.session["sid"])}}


            @app.post("/{w}s/{{item_id}}/archive")
            async def archive(item_id: int, request: Request, {pname}: str = Header(default="")):
                if "uid" not in request.session:
                    raise HTTPException(status_code=401)
                if not csrf_token_valid({pname}, request.session.get("sid", "")):
                    raise HTTPException(status_code=403, detail="bad CSRF token")
                archive_{w}(request.session["uid"], item_id)
                return {{"archived": item_id}}
        '''
        tail = ""
    else:
        imps.append("from aiohttp import web")
        imps.append("from aiohttp_session import get_session, setup as setup_session")
        imps.append("from aiohttp_session.cookie_storage import EncryptedCookieStorage")
        imps.append(f"from {w}_service import archive_{w}")
        setup = ""
        routes = f'''
            async def csrf_token(request):
                session = await get_session(request)
                session.setdefault("sid", secrets.token_hex(16))
                return web.json_response({{"token": issue_csrf_token(session["sid"])}})


            async def archive(request):
                session = await get_session(request)
                if "uid" not in session:
                    raise web.HTTPUnauthorized()
                form = await request.post()
                if not csrf_token_valid(form.get("{field}", ""), session.get("sid", "")):
                    raise web.HTTPForbidden(text="bad CSRF token")
                item_id = int(request.match_info["item_id"])
                archive_{w}(session["uid"], item_id)
                return web.json_response({{"archived": item_id}})
        '''
        tail = (f'app = web.Application()\nsetup_session(app, EncryptedCookieStorage(os.environ["SESSION_KEY"]))\n'
                f'app.router.add_get("/csrf-token", csrf_token)\napp.router.add_post("/{w}s/{{item_id}}/archive", archive)')
    return _mod("\n".join(imps), helpers, setup, routes, tail)


# R55 review: FastAPI left out (too close to the held-out csrf-cookie-auth-api: FastAPI POST on a cookie
# session with a hand-written token check by hmac.compare_digest); the fastapi branch above is unused.
@fam("csrf-token-not-session-bound", "CWE-352", fws=["flask", "aiohttp"], n=8, wrap=False)
def csrf_token_unbound(c):
    v, s = _twin(c, _token_app)
    return Spec(v=v, s=s, full=True,
                notes="the CSRF token is checked only for being one the server issued (a valid HMAC over a timestamp "
                      "or nonce, or a member of a global set), not for belonging to this session: the attacker fetches "
                      "a token with their own account and puts it in the forged request; the fix binds the token to the "
                      "session id (HMAC over sid and nonce, or tokens stored per session)")


@hardneg(3)
def csrf_token_unbound_hn(c):
    w = c.word if c.word != "profile" else "note"
    hdr = c.pick("X-CSRF-Token", "X-CSRFToken", "X-Xsrf-Token")
    s = f'''
        import hashlib
        import hmac
        import os
        import secrets

        from flask import Flask, abort, jsonify, request, session

        from {w}_service import archive_{w}

        app = Flask(__name__)
        app.secret_key = os.environ["FLASK_SECRET_KEY"]
        CSRF_KEY = os.environ["CSRF_KEY"].encode()


        def csrf_for(sid, nonce):
            return hmac.new(CSRF_KEY, f"{{sid}}:{{nonce}}".encode(), hashlib.sha256).hexdigest()


        @app.get("/csrf-token")
        def csrf_token():
            session.setdefault("sid", secrets.token_hex(16))
            nonce = secrets.token_urlsafe(12)
            return jsonify(token=nonce + "." + csrf_for(session["sid"], nonce))


        @app.post("/{w}s/<int:item_id>/archive")
        def archive(item_id):
            if "uid" not in session or "sid" not in session:
                abort(401)
            nonce, _, mac = request.headers.get("{hdr}", "").rpartition(".")
            if not nonce or not hmac.compare_digest(mac, csrf_for(session["sid"], nonce)):
                abort(403)
            archive_{w}(session["uid"], item_id)
            return jsonify(archived=item_id)
    '''
    return Spec(s=s, full=True, fw="flask",
                notes="the CSRF token is an HMAC over the session id and a nonce, so a token from another session fails")
