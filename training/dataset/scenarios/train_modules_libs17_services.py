"""Train-only whole-module families (libs17 set, mod17-*): service modules of about 80-110 lines in plain
Flask, Flask-RESTX and Tornado with exactly one weak statement among many safe ones, and a twin that
differs only by the minimal fix.

- mod17-flask-adapter-log-raw-query (117): a Flask service whose log lines go through a
  ``logging.LoggerAdapter`` (request id) and a plain ``logging.Formatter``; every client value is passed
  through a one-line neutraliser except one search term / header value logged raw (message argument or
  ``extra=`` field printed by the formatter).
- mod17-flask-webhook-hmac-result-ignored (347): a Flask webhook receiver that computes the HMAC of the
  body but only logs a mismatch (or assigns the comparison and never tests it) before acting on the event.
- mod17-restx-export-endpoint-no-auth (306): a Flask-RESTX API whose resources all carry the token
  decorator except one export / maintenance resource.
- mod17-restx-owner-filter-missing (639): a Flask-RESTX API whose resources query by id *and* owner,
  except one that fetches the object by the id in the URL alone.
- mod17-tornado-client-bearer-plain-http (319): a Tornado service calling a remote API with
  ``AsyncHTTPClient`` and a bearer token, whose base URL is ``http://`` on a non-local host.

Each family has ``@hardneg(10)`` look-alike safe modules assembled from the same pool of parts with other
draws, so the modules differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
import functools
import re

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from module_kit import _word
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "queue", "shlex", "shutil", "ssl", "stat",
                          "tempfile", "zlib", "csv", "secrets", "hmac", "hashlib", "uuid", "http"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-117: Flask service logging through a LoggerAdapter, one raw value ----------------


def _log_kw(c):
    w = _word(c)
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger", "app_log"),
                rl=c.pick("_req_log", "request_logger", "_rlog"), clean=c.pick("_oneline", "_clean_for_log", "_safe_text"),
                fmt=c.pick("%(asctime)s %(levelname)s [%(request_id)s] %(message)s",
                           "%(levelname)s %(name)s rid=%(request_id)s %(message)s"),
                q=c.pick("q", "term", "search"), lim=c.pick(20, 50, 100))


def _log_parts(c, shape):
    core = [
        P("logging", rank=0, imp="import logging\nimport uuid", setup='''
            _handler = logging.StreamHandler()
            _handler.setFormatter(logging.Formatter("$fmt"))
            $log.addHandler(_handler)
            $log.setLevel(logging.INFO)
        '''),
        P("app", rank=0, imp="from flask import Flask, g, jsonify, request", setup="app = Flask(__name__)",
          const="_STORE: dict[int, dict] = {}"),
        P("clean", rank=1, body=r'''
            def $clean(value: object, limit: int = 200) -> str:
                """One printable line for the log: CR/LF and other control characters escaped, length capped."""
                text = str(value)
                out = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
                return out[:limit]
        '''),
        P("rid", rank=1, body='''
            @app.before_request
            def _assign_request_id() -> None:
                # generated server-side; a client-supplied id is never trusted
                g.request_id = uuid.uuid4().hex[:12]


            def $rl() -> logging.LoggerAdapter:
                """The module logger with the request id of the current request in ``extra``."""
                return logging.LoggerAdapter($log, {"request_id": g.get("request_id", "-")})
        '''),
    ]
    if shape == "term":
        core.append(P("search", rank=2, body='''
            @app.get("/$ws/search")
            def search_$ws():
                term = request.args.get("$q", "").strip()  #@S
                $FIX
                hits = [r for r in _STORE.values() if term.lower() in r["title"].lower()]
                return jsonify(items=hits[:$lim], total=len(hits))
        '''))
    else:
        core.append(P("search", rank=2, body='''
            @app.post("/$ws")
            def create_$w():
                body = request.get_json(silent=True) or {}
                title = str(body.get("title", "")).strip()
                if not title:
                    return jsonify(error="title is required"), 400
                client = request.headers.get("X-Client-Name", "unknown")  #@S
                item_id = max(_STORE, default=0) + 1
                _STORE[item_id] = {"id": item_id, "title": title[:200]}
                $FIX
                return jsonify(_STORE[item_id]), 201
        '''))
    pool = [
        P("get", rank=2, body='''
            @app.get("/$ws/<int:item_id>")
            def get_$w(item_id: int):
                item = _STORE.get(item_id)
                if item is None:
                    $rl().info("$w %d not found", item_id)
                    return jsonify(error="not found"), 404
                return jsonify(item)
        '''),
        P("delete", rank=2, body='''
            @app.delete("/$ws/<int:item_id>")
            def delete_$w(item_id: int):
                removed = _STORE.pop(item_id, None)
                $rl().info("delete $w %d -> %s", item_id, "ok" if removed else "missing")
                return ("", 204) if removed else (jsonify(error="not found"), 404)
        '''),
        P("rename", rank=2, body='''
            @app.patch("/$ws/<int:item_id>")
            def rename_$w(item_id: int):
                item = _STORE.get(item_id)
                if item is None:
                    return jsonify(error="not found"), 404
                new_title = str((request.get_json(silent=True) or {}).get("title", "")).strip()
                $rl().info("rename $w %d to %s", item_id, $clean(new_title))
                item["title"] = new_title[:200]
                return jsonify(item)
        '''),
        P("ua", rank=2, body='''
            @app.after_request
            def _access_line(response):
                agent = request.headers.get("User-Agent", "-")
                $rl().info("%s %s %d ua=%s", request.method, $clean(request.path, 120), response.status_code, $clean(agent, 80))
                return response
        '''),
        P("err", rank=2, body='''
            @app.errorhandler(404)
            def _not_found(exc):
                $rl().warning("no route for %s", $clean(request.path, 120))
                return jsonify(error="not found"), 404
        '''),
        P("health", rank=2, body='''
            @app.get("/healthz")
            def healthz():
                return jsonify(status="ok", items=len(_STORE))
        '''),
        P("count", rank=2, imp="from collections import Counter", body='''
            def title_stats() -> dict[str, int]:
                """Word counts over titles, for the admin dashboard (no logging of content)."""
                words = Counter(w.lower() for r in _STORE.values() for w in r["title"].split())
                return dict(words.most_common(10))
        '''),
    ]
    return core, pool


def _log_fix(c, shape, safe, kw):
    if shape == "term":
        arg = f"{kw['clean']}(term)" if safe else "term"
        line = c.pick(f'$rl().info("search $ws q=%s", {arg})', f'$rl().info("search for %s (%d stored)", {arg}, len(_STORE))')
    else:
        arg = f"{kw['clean']}(client)" if safe else "client"
        line = c.pick(f'$rl().info("created $w %d for client %s", item_id, {arg})',
                      f'$rl().info("new $w %d via %s", item_id, {arg})')
    return fill(line, **kw) + ("" if safe else "  #@V")


_LOG_DOCS = ["$W service (Flask): small JSON API with request-scoped logging.",
             "HTTP API for $ws; log lines carry a server-side request id through a LoggerAdapter.",
             "Flask endpoints of the $w catalogue. Logs go to stderr in a plain text format."]


@fam("mod17-flask-adapter-log-raw-query", "CWE-117", fws=["flask"], n=8, wrap=False)
def mod17_flask_log(c):
    kw = _log_kw(c)
    shape = c.pick("term", "client")
    core, pool = _log_parts(c, shape)
    st = c.snapshot()
    vfix = _log_fix(c, shape, False, kw)
    c.restore(st)
    sfix = _log_fix(c, shape, True, kw)
    v, s = pair(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="a client value (search term or X-Client-Name header) is logged raw through the "
                      "LoggerAdapter into a plain text formatter: a CR/LF in it forges extra log lines; every "
                      "other value goes through the module's one-line neutraliser, and the fix applies it here too")


@hardneg(10)
def mod17_flask_log_hn(c):
    kw = _log_kw(c)
    shape = c.pick("term", "client")
    core, pool = _log_parts(c, shape)
    code = compose(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": _log_fix(c, shape, True, kw)}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="flask",
                notes="request-scoped LoggerAdapter with server-generated ids; every client value is escaped "
                      "to one printable line before it is logged")


# ---------------- CWE-347: Flask webhook receiver, HMAC computed but the comparison not enforced ----------------


def _hook_kw(c):
    prov = c.pick("payments", "shipping", "crm", "billing", "git")
    return dict(prov=prov, PROV=prov.upper(), log=c.pick("log", "logger"),
                hdr=c.pick("X-Signature-256", "X-Hub-Signature-256", "X-Webhook-Signature"),
                pre=c.pick('"sha256="', '""'), route=c.pick("/hooks/" + prov, "/webhooks/" + prov, "/integrations/" + prov + "/events"),
                sign=c.pick("_expected_signature", "_sign_body", "_body_mac"), tol=c.pick(300, 600))


def _hook_parts(c, shape):
    core = [
        P("base", rank=0, imp="import hashlib\nimport hmac\nimport json\nimport logging\nimport os\n"
                              "from flask import Flask, abort, jsonify, request",
          const='WEBHOOK_SECRET = os.environ["$PROV_WEBHOOK_SECRET"].encode()\n_SEEN: set[str] = set()',
          setup="app = Flask(__name__)"),
        P("sign", rank=1, body='''
            def $sign(body: bytes) -> str:
                """Hex HMAC-SHA256 of the raw request body with the shared webhook secret."""
                return $pre + hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
        '''),
        P("dispatch", rank=1, body='''
            def _dispatch(event: dict) -> None:
                kind = event.get("type", "")
                handler = HANDLERS.get(kind)
                if handler is None:
                    $log.info("ignoring $prov event type %r", kind[:60])
                    return
                handler(event.get("data") or {})
        '''),
        P("handlers", rank=1, body='''
            def _on_paid(data: dict) -> None:
                $log.info("order %s marked paid", str(data.get("order_id"))[:40])


            def _on_refund(data: dict) -> None:
                $log.info("refund of %s recorded", str(data.get("amount"))[:20])


            HANDLERS = {"order.paid": _on_paid, "order.refunded": _on_refund}
        '''),
    ]
    if shape == "logonly":
        recv = '''
            @app.post("$route")
            def receive_$prov():
                raw = request.get_data(cache=False)
                received = request.headers.get("$hdr", "")
                if not hmac.compare_digest($sign(raw), received):  #@V
                    $log.warning("bad $prov webhook signature from %s", request.remote_addr)$FIX
                event = json.loads(raw)
                if event.get("id") in _SEEN:
                    return jsonify(status="duplicate")
                _SEEN.add(event.get("id"))
                _dispatch(event)
                return jsonify(status="ok")
        '''
    else:
        recv = '''
            @app.post("$route")
            def receive_$prov():
                raw = request.get_data(cache=False)
                received = request.headers.get("$hdr", "")
                valid = hmac.compare_digest($sign(raw), received)  #@V$FIX
                event = json.loads(raw)  #@V
                if event.get("id") in _SEEN:
                    return jsonify(status="duplicate")
                _SEEN.add(event.get("id"))
                _dispatch(event)
                return jsonify(status="ok")
        '''
    core.append(P("recv", rank=2, body=recv))
    pool = [
        P("health", rank=2, body='''
            @app.get("/healthz")
            def healthz():
                return jsonify(status="ok", seen=len(_SEEN))
        '''),
        P("digest", rank=1, body='''
            def body_fingerprint(raw: bytes) -> str:
                """sha256 of the body, used only as a de-duplication key in the logs."""
                return hashlib.sha256(raw).hexdigest()[:16]
        '''),
        P("ts", rank=1, imp="import time", body='''
            def _fresh(ts_header: str, tolerance: int = $tol) -> bool:
                """Reject replays: the provider's timestamp must be within ``tolerance`` seconds."""
                try:
                    return abs(time.time() - int(ts_header)) <= tolerance
                except ValueError:
                    return False
        '''),
        P("err", rank=2, body='''
            @app.errorhandler(400)
            def _bad_request(exc):
                return jsonify(error="bad request"), 400
        '''),
        P("replay", rank=2, body='''
            @app.post("$route/replay-check")
            def replay_check():
                event_id = str((request.get_json(silent=True) or {}).get("id", ""))
                return jsonify(seen=event_id in _SEEN)
        '''),
    ]
    return core, pool


def _kwfill(s, kw):
    """``$name`` tokens replaced without dedenting (the fix strings carry their own indentation)."""
    for k in sorted(kw, key=len, reverse=True):
        s = s.replace("$" + k, str(kw[k]))
    return s


def _hook_fix(c, shape, safe):
    if shape == "logonly":
        if not safe:
            return ""
        return c.pick("\n        abort(401)", "\n        return jsonify(error=\"invalid signature\"), 401")
    if not safe:
        return ""
    return c.pick("\n    if not valid:\n        abort(401)",
                  "\n    if not valid:\n        $log.warning(\"rejected unsigned $prov webhook\")\n        abort(403)")


_HOOK_DOCS = ["Receiver of $prov webhooks (Flask): verifies the HMAC signature, de-duplicates, dispatches.",
              "Flask endpoint for $prov event callbacks signed with a shared secret.",
              "Webhook intake of the $prov integration."]


@fam("mod17-flask-webhook-hmac-result-ignored", "CWE-347", fws=["flask"], n=8, wrap=False)
def mod17_flask_hook(c):
    kw = _hook_kw(c)
    shape = c.pick("logonly", "unused")
    core, pool = _hook_parts(c, shape)
    st = c.snapshot()
    vfix = _hook_fix(c, shape, False)
    c.restore(st)
    sfix = _kwfill(_hook_fix(c, shape, True), kw)
    v, s = pair(c, c.pick(*_HOOK_DOCS), '$log = logging.getLogger("hooks.$prov")', core, pool, kw, vfix, sfix)
    if shape == "logonly":
        s = s  # the twin keeps the check line and adds the rejection
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the HMAC of the body is computed and compared, but a mismatch is only logged (or the "
                      "comparison result is never tested), so forged events are parsed and dispatched; the fix "
                      "rejects the request when the signature does not match")


@hardneg(10)
def mod17_flask_hook_hn(c):
    kw = _hook_kw(c)
    shape = c.pick("logonly", "unused")
    core, pool = _hook_parts(c, shape)
    code = compose(c, c.pick(*_HOOK_DOCS), '$log = logging.getLogger("hooks.$prov")', core, pool, kw, lo=70, hi=110,
                   subs=[{"$FIX": _kwfill(_hook_fix(c, shape, True), kw)}])[0]
    return Spec(s=code.replace("  #@V", ""), full=True, fw="flask",
                notes="webhook HMAC compared with hmac.compare_digest and the request rejected on mismatch; "
                      "sha256 fingerprints only as de-duplication keys")


# ---------------- Flask-RESTX frame shared by the 306 and 639 families ----------------


def _rx_kw(c):
    w = _word(c)
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"),
                auth=c.pick("token_required", "require_token", "authenticated"),
                ns=c.pick("ns", "api_ns", w + "_ns"), Model=w.capitalize(),
                lim=c.pick(25, 50, 100))


def _deco(parts, decorate):
    """Protect the resource methods of ``parts``: ``@@DEC`` lines become the decorator ('method') or
    ``@@CLS`` lines a ``method_decorators`` class attribute ('class'); the other token lines go."""
    for p in parts:
        b = p.body
        if decorate == "method":
            b = re.sub(r"^([ \t]*)@@DEC$", r"\1@$auth", b, flags=re.M)
            b = re.sub(r"^[ \t]*@@CLS\n", "", b, flags=re.M)
        else:
            b = re.sub(r"^[ \t]*@@DEC\n", "", b, flags=re.M)
            b = re.sub(r"^([ \t]*)@@CLS$", r"\1method_decorators = [$auth]\n", b, flags=re.M)
        p.body = b
    return parts


def _rx_core(c, decorate):
    """``decorate`` is how a resource method is protected: 'method' (a decorator line) or 'class'
    (``method_decorators``)."""
    dec = "    @$auth\n" if decorate == "method" else ""
    cls = "    method_decorators = [$auth]\n\n" if decorate == "class" else ""
    core = [
        P("base", rank=0, imp="import functools\nimport logging\nimport os\nimport hmac\n"
                              "from flask import Flask, g, request\nfrom flask_restx import Api, Namespace, Resource, abort, fields\n"
                              "from flask_sqlalchemy import SQLAlchemy",
          setup='app = Flask(__name__)\napp.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]\n'
                'db = SQLAlchemy(app)\napi = Api(app, title="$W API", doc=False)\n$ns = Namespace("$ws", path="/$ws")\napi.add_namespace($ns)'),
        P("model", rank=1, body='''
            class $Model(db.Model):
                id = db.Column(db.Integer, primary_key=True)
                owner_id = db.Column(db.Integer, nullable=False, index=True)
                title = db.Column(db.String(200), nullable=False)
                body = db.Column(db.Text, default="")


            class ApiToken(db.Model):
                token = db.Column(db.String(64), primary_key=True)
                user_id = db.Column(db.Integer, nullable=False)
        '''),
        P("auth", rank=1, body='''
            def $auth(fn):
                """Resolve the bearer token to ``g.user_id``; 401 without a valid token."""
                @functools.wraps(fn)
                def wrapper(*args, **kwargs):
                    header = request.headers.get("Authorization", "")
                    scheme, _, value = header.partition(" ")
                    row = db.session.get(ApiToken, value) if scheme.lower() == "bearer" and value else None
                    if row is None or not hmac.compare_digest(row.token, value):
                        abort(401, "authentication required")
                    g.user_id = row.user_id
                    return fn(*args, **kwargs)
                return wrapper
        '''),
        P("schema", rank=1, body='''
            $w_model = $ns.model("$W", {
                "id": fields.Integer(readonly=True),
                "title": fields.String(required=True, max_length=200),
                "body": fields.String,
            })
        '''),
        P("list", rank=2, body=f'''
            @$ns.route("")
            class $WList(Resource):
                @@CLS
                @@DEC
                @$ns.marshal_list_with($w_model)
                def get(self):
                    return $Model.query.filter_by(owner_id=g.user_id).order_by($Model.id.desc()).limit($lim).all()

                @@DEC
                @$ns.expect($w_model, validate=True)
                @$ns.marshal_with($w_model, code=201)
                def post(self):
                    obj = $Model(owner_id=g.user_id, title=api.payload["title"], body=api.payload.get("body", ""))
                    db.session.add(obj)
                    db.session.commit()
                    return obj, 201
        '''),
    ]
    return core, dec, cls


# ---------------- CWE-306: Flask-RESTX export / maintenance resource without the token decorator ----------------


def _rx306_parts(c, decorate, kind):
    core, dec, cls = _rx_core(c, decorate)
    core.append(P("svc", rank=1, body='''
        def $svc(fn):
            """Reporting / maintenance jobs only: the job's own bearer token from the environment."""
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                expected = ("Bearer " + os.environ["$SVCENV"]).encode()
                supplied = request.headers.get("Authorization", "").encode()
                if not hmac.compare_digest(supplied, expected):
                    abort(401, "service token required")
                return fn(*args, **kwargs)
            return wrapper
    '''))
    one = P("one", rank=2, body=f'''
        @$ns.route("/<int:item_id>")
        class ${{W}}Item(Resource):
            @@CLS
            @@DEC
            @$ns.marshal_with($w_model)
            def get(self, item_id):
                return $Model.query.filter_by(id=item_id, owner_id=g.user_id).first_or_404()

            @@DEC
            def delete(self, item_id):
                obj = $Model.query.filter_by(id=item_id, owner_id=g.user_id).first_or_404()
                db.session.delete(obj)
                db.session.commit()
                return "", 204
    '''.replace("${W}", "$W"))
    if kind == "export":
        crit = P("crit", rank=2, imp="import csv\nimport io\nfrom flask import Response", body=f'''
            @$ns.route("/export")
            class $WExport(Resource):
            $FIX
                def get(self):  #@V
                    """CSV of every $w in the database (used by the nightly reporting job)."""
                    buf = io.StringIO()
                    writer = csv.writer(buf)
                    writer.writerow(["id", "owner_id", "title"])
                    for obj in $Model.query.order_by($Model.id).yield_per(500):
                        writer.writerow([obj.id, obj.owner_id, obj.title])
                    return Response(buf.getvalue(), mimetype="text/csv")
        ''')
    else:
        crit = P("crit", rank=2, body=f'''
            @$ns.route("/maintenance/purge")
            class $WPurge(Resource):
            $FIX
                def post(self):  #@V
                    """Delete every $w whose body is empty (housekeeping)."""
                    removed = $Model.query.filter(($Model.body == "") | ($Model.body.is_(None))).delete()
                    db.session.commit()
                    $log.info("purged %d empty $ws", removed)
                    return {{"removed": removed}}
        ''')
    core += [one, crit]
    pool = [
        P("health", rank=2, body='''
            @api.route("/healthz")
            class Health(Resource):
                def get(self):
                    return {"status": "ok"}
        '''),
        P("count", rank=2, body=f'''
            @$ns.route("/count")
            class $WCount(Resource):
                @@CLS
                @@DEC
                def get(self):
                    return {{"count": $Model.query.filter_by(owner_id=g.user_id).count()}}
        '''),
        P("init", rank=3, body='''
            def init_db() -> None:
                with app.app_context():
                    db.create_all()
        '''),
    ]
    return _deco(core, decorate), _deco(pool, decorate)


def _rx306_fix(decorate, safe):
    if not safe:
        return ""
    return "    @$svc" if decorate == "method" else "    method_decorators = [$svc]\n"


def _rx306_kw(c):
    kw = _rx_kw(c)
    kw.update(svc=c.pick("service_token_required", "job_token_required", "require_service_token"),
              SVCENV=c.pick("REPORTING_JOB_TOKEN", "MAINTENANCE_TOKEN", "SERVICE_API_TOKEN"))
    return kw


_RX_DOCS = ["Flask-RESTX API for $ws, backed by Flask-SQLAlchemy; clients authenticate with bearer tokens.",
            "REST resources of the $w service (Flask-RESTX). Every resource is scoped to the token's user.",
            "$W API: list, create, read and delete $ws; tokens are looked up in the api_token table."]


def _rx_fixline(code):
    """Drop the empty line a missing ``$FIX`` leaves inside a class body."""
    return code.replace("\n    \n", "\n").replace("(Resource):\n\n    def", "(Resource):\n    def")


@fam("mod17-restx-export-endpoint-no-auth", "CWE-306", fws=["flask"], n=8, wrap=False)
def mod17_restx_noauth(c):
    kw = _rx306_kw(c)
    decorate, kind = c.pick("method", "class"), c.pick("export", "purge")
    core, pool = _rx306_parts(c, decorate, kind)
    v, s = pair(c, c.pick(*_RX_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw,
                _rx306_fix(decorate, False), _rx306_fix(decorate, True).replace("$svc", kw["svc"]))
    v, s = _rx_fixline(v), _rx_fixline(s)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="every user resource of the API resolves a bearer token through the auth decorator, and "
                      "the job-only service-token decorator is defined, but the export / purge resource carries "
                      "neither, so anyone can dump or delete every user's records; the fix applies the "
                      "service-token decorator")


@hardneg(10)
def mod17_restx_noauth_hn(c):
    kw = _rx306_kw(c)
    decorate, kind = c.pick("method", "class"), c.pick("export", "purge")
    core, pool = _rx306_parts(c, decorate, kind)
    code = compose(c, c.pick(*_RX_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, lo=80, hi=120,
                   subs=[{"$FIX": _rx306_fix(decorate, True).replace("$svc", kw["svc"])}])[0]
    return Spec(s=_rx_fixline(code).replace("  #@V", ""), full=True, fw="flask",
                notes="Flask-RESTX API whose user resources carry the token decorator and whose job-only "
                      "export / purge resource carries the service-token decorator")


# ---------------- CWE-639: Flask-RESTX resource fetching by URL id without the owner filter ----------------


def _rx639_parts(c, decorate, verb):
    core, dec, cls = _rx_core(c, decorate)
    if verb == "get":
        one = P("one", rank=2, body=f'''
            @$ns.route("/<int:item_id>")
            class $WItem(Resource):
                @@CLS
                @@DEC
                @$ns.marshal_with($w_model)
                def get(self, item_id):
                    obj = $FIX
                    if obj is None:
                        abort(404, "no such $w")
                    return obj

                @@DEC
                def delete(self, item_id):
                    obj = $Model.query.filter_by(id=item_id, owner_id=g.user_id).first_or_404()
                    db.session.delete(obj)
                    db.session.commit()
                    return "", 204
        ''')
    else:
        one = P("one", rank=2, body=f'''
            @$ns.route("/<int:item_id>")
            class $WItem(Resource):
                @@CLS
                @@DEC
                @$ns.marshal_with($w_model)
                def get(self, item_id):
                    return $Model.query.filter_by(id=item_id, owner_id=g.user_id).first_or_404()

                @@DEC
                @$ns.expect($w_model, validate=True)
                @$ns.marshal_with($w_model)
                def put(self, item_id):
                    obj = $FIX
                    if obj is None:
                        abort(404, "no such $w")
                    obj.title = api.payload["title"]
                    obj.body = api.payload.get("body", obj.body)
                    db.session.commit()
                    return obj
        ''')
    core.append(one)
    pool = [
        P("health", rank=2, body='''
            @api.route("/healthz")
            class Health(Resource):
                def get(self):
                    return {"status": "ok"}
        '''),
        P("count", rank=2, body=f'''
            @$ns.route("/count")
            class $WCount(Resource):
                @@CLS
                @@DEC
                def get(self):
                    return {{"count": $Model.query.filter_by(owner_id=g.user_id).count()}}
        '''),
        P("search", rank=2, body=f'''
            @$ns.route("/search")
            class $WSearch(Resource):
                @@CLS
                @@DEC
                @$ns.marshal_list_with($w_model)
                def get(self):
                    needle = request.args.get("q", "")[:100]
                    query = $Model.query.filter_by(owner_id=g.user_id)
                    return query.filter($Model.title.contains(needle)).limit($lim).all()
        '''),
        P("init", rank=3, body='''
            def init_db() -> None:
                with app.app_context():
                    db.create_all()
        '''),
    ]
    return _deco(core, decorate), _deco(pool, decorate)


def _rx639_fix(c, safe):
    if safe:
        return c.pick("$Model.query.filter_by(id=item_id, owner_id=g.user_id).first()",
                      "$Model.query.filter_by(owner_id=g.user_id, id=item_id).one_or_none()")
    return c.pick("db.session.get($Model, item_id)  #@V", "$Model.query.filter_by(id=item_id).first()  #@V")


@fam("mod17-restx-owner-filter-missing", "CWE-639", fws=["flask"], n=8, wrap=False)
def mod17_restx_idor(c):
    kw = _rx_kw(c)
    decorate, verb = c.pick("method", "class"), c.pick("get", "put")
    core, pool = _rx639_parts(c, decorate, verb)
    st = c.snapshot()
    vfix = fill(_rx639_fix(c, False), **kw)
    c.restore(st)
    sfix = fill(_rx639_fix(c, True), **kw)
    v, s = pair(c, c.pick(*_RX_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="every other resource filters by owner_id=g.user_id, but this one loads the object by the "
                      "id from the URL alone, so any authenticated user reads or overwrites another user's "
                      "record by changing the id; the fix adds the owner filter")


@hardneg(10)
def mod17_restx_idor_hn(c):
    kw = _rx_kw(c)
    decorate, verb = c.pick("method", "class"), c.pick("get", "put")
    core, pool = _rx639_parts(c, decorate, verb)
    code = compose(c, c.pick(*_RX_DOCS), '$log = logging.getLogger("$w.api")', core, pool, kw, lo=80, hi=120,
                   subs=[{"$FIX": fill(_rx639_fix(c, True), **kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="Flask-RESTX API whose every query by id also filters on the token's owner")


# ---------------- CWE-319: Tornado service sending a bearer token to an http:// API ----------------


def _tc_kw(c):
    w = _word(c)
    api = c.pick("ledger", "inventory", "pricing", "geo", "catalog")
    return dict(w=w, ws=w + "s", W=w.capitalize(), api=api, API=api.upper(), log=c.pick("log", "logger"),
                host=c.pick(f"{api}.example.com", f"api.{api}.example.net", f"{api}-svc.corp.example.org"),
                timeout=c.pick("5.0", "10.0", "15.0"), port=c.pick(8888, 8080, 9000))


def _tc_parts(c, shape):
    if shape == "const":
        cfg = P("cfg", rank=0, imp="import os", const='$FIX\n$API_TOKEN = os.environ["$API_TOKEN"]')
        urlexpr = 'f"{$API_BASE}/$ws/{url_escape(item_id, plus=False)}"'
    else:
        cfg = P("cfg", rank=0, imp="import os", const='$API_BASE = os.environ.get("$API_BASE_URL", $FIX\n'
                                                      '$API_TOKEN = os.environ["$API_TOKEN"]')
        urlexpr = '$API_BASE + "/$ws/" + url_escape(item_id, plus=False)'
    core = [
        P("base", rank=0, imp="import json\nimport logging\nimport tornado.web\nimport tornado.ioloop\n"
                              "from tornado.escape import url_escape\n"
                              "from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest"),
        cfg,
        P("fetch", rank=1, body=f'''
            async def fetch_$w(item_id: str) -> dict:
                """GET one $w from the $api API with the service bearer token."""
                req = HTTPRequest(
                    {urlexpr},
                    method="GET",
                    headers={{"Authorization": "Bearer " + $API_TOKEN, "Accept": "application/json"}},
                    request_timeout=$timeout,
                )
                resp = await AsyncHTTPClient().fetch(req)
                return json.loads(resp.body)
        '''),
        P("handler", rank=2, body='''
            class $WHandler(tornado.web.RequestHandler):
                async def get(self, item_id: str) -> None:
                    try:
                        data = await fetch_$w(item_id)
                    except HTTPClientError as exc:
                        $log.warning("$api API answered %s for %r", exc.code, item_id[:40])
                        raise tornado.web.HTTPError(502 if exc.code >= 500 else exc.code)
                    self.write({"id": item_id, "$w": data})
        '''),
        P("app", rank=4, body='''
            def make_app() -> tornado.web.Application:
                return tornado.web.Application(ROUTES)


            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO)
                make_app().listen($port)
                tornado.ioloop.IOLoop.current().start()
        '''),
    ]
    pool = [
        P("health", rank=2, body='''
            class HealthHandler(tornado.web.RequestHandler):
                async def get(self) -> None:
                    # local sidecar probe; no credentials are sent
                    resp = await AsyncHTTPClient().fetch("http://127.0.0.1:8500/v1/status/leader", raise_error=False)
                    self.write({"ok": True, "consul": resp.code == 200})
        '''),
        P("post", rank=1, body='''
            async def push_$w(payload: dict) -> int:
                resp = await AsyncHTTPClient().fetch(
                    $API_BASE + "/$ws",
                    method="POST",
                    body=json.dumps(payload),
                    headers={"Authorization": "Bearer " + $API_TOKEN, "Content-Type": "application/json"},
                    request_timeout=$timeout,
                )
                return resp.code
        '''),
        P("cache", rank=1, imp="import hashlib", body='''
            def body_etag(body: bytes) -> str:
                """md5 of the response body as a weak ETag (not a security control)."""
                return 'W/"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        '''),
        P("ping", rank=2, body='''
            class PingHandler(tornado.web.RequestHandler):
                def get(self) -> None:
                    self.write("pong")
        '''),
    ]
    return core, pool


def _tc_routes(code, W):
    routes = [f'(r"/$ws/([^/]+)", {W}Handler)']
    if "class HealthHandler(" in code:
        routes.append('(r"/healthz", HealthHandler)')
    if "class PingHandler(" in code:
        routes.append('(r"/ping", PingHandler)')
    return routes


def _tc_fix(shape, safe, kw):
    scheme = "https" if safe else "http"
    if shape == "const":
        line = f'$API_BASE = "{scheme}://$host/v2"'
    else:
        line = f'"{scheme}://$host/api")'
    return fill(line, **kw) + ("" if safe else "  #@V")


def _tc_finish(code, kw):
    routes = ",\n    ".join(r.replace("$ws", kw["ws"]) for r in _tc_routes(code, kw["W"]))
    block = "ROUTES = [\n    " + routes + ",\n]\n\n\n"
    i = code.find("def make_app(")
    return code[:i] + block + code[i:]


_TC_DOCS = ["Tornado front for the $api API: serves $ws fetched with the service token.",
            "$W lookups (Tornado) proxied to the $api service with AsyncHTTPClient.",
            "Small Tornado service exposing $ws from the $api backend."]


@fam("mod17-tornado-client-bearer-plain-http", "CWE-319", fws=["tornado"], n=8, wrap=False)
def mod17_tornado_http(c):
    kw = _tc_kw(c)
    shape = c.pick("const", "env")
    core, pool = _tc_parts(c, shape)
    v, s = pair(c, c.pick(*_TC_DOCS), '$log = logging.getLogger("$w.$api")', core, pool, kw,
                _tc_fix(shape, False, kw), _tc_fix(shape, True, kw), lo=70, hi=104)
    return Spec(v=_tc_finish(v, kw), s=_tc_finish(s, kw), full=True, fw="tornado",
                notes="the service sends its bearer token in the Authorization header of every request to the "
                      "$api API, whose base URL is plain http:// on a remote host, so the token travels in "
                      "cleartext; the fix uses https")


@hardneg(10)
def mod17_tornado_http_hn(c):
    kw = _tc_kw(c)
    shape = c.pick("const", "env")
    core, pool = _tc_parts(c, shape)
    code = compose(c, c.pick(*_TC_DOCS), '$log = logging.getLogger("$w.$api")', core, pool, kw, lo=70, hi=104,
                   subs=[{"$FIX": _tc_fix(shape, True, kw)}])[0]
    return Spec(s=_tc_finish(code, kw), full=True, fw="tornado",
                notes="bearer token only sent to an https base URL; the plain-http call goes to a local "
                      "sidecar on 127.0.0.1 without credentials; md5 only for ETags")
