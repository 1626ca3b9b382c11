"""Train-only configuration and information-exposure families on libraries and APIs no other family
uses (groups 209/215/489, 200, 614/1004): a remote debugger (debugpy ``listen`` / remote-pdb) bound to
every interface in a web app, gunicorn hook, Celery worker or batch job (489); pyinstrument profiler
hooks that hand any client the call tree of its request when it adds ``?profile`` (489); boto3's
``set_stream_logger`` at DEBUG, which writes botocore's wire trace (secret values, passwords in auth
calls, temporary credentials) to the logs (215); Pyramid exception views and tweens that return the
exception text or traceback (209); Django's core ``serializers.serialize`` of user or customer rows
without ``fields=``, which dumps password hashes and key columns (200); and Litestar
``Response.set_cookie`` for session or refresh cookies without ``secure=True`` (614).

Framework labels: Litestar is "starlette", Celery workers are "celery" (kind "pipeline"), gunicorn
configuration files and batch jobs are "script"; the others are what they are. Written without reading
the held-out or validation families; every family here goes to train (generate.assign_splits).

Every builder is ``build(c, safe)``: the twin replays the vulnerable rendering's draws
(module_kit._replayed), so the pair differs only in the fix. Shapes (not only names) are drawn per
rendering with ``c.pick``."""
import random

from core import Spec, dedent
from module_kit import _joined, _replayed, sub, _v
from registry import fam, hardneg


# Salt of each family's shape draw, chosen so the eight pairs the generator renders cover every shape.
_SHAPE_SALT = {"debugger": 7, "pyinstrument": 7, "boto3": 25, "pyramid": 3, "serialize": 1, "litestar": 2}


def _turn(c, key, *shapes):
    """The shape of this rendering, drawn from the context's rng, so a family's renderings depend only on
    their contexts, not on how often the builder ran in the process (second-author review R31: the former
    per-family counter made two builds in one process differ). One draw of ``c.rng`` is mixed with the
    family's salt (``_SHAPE_SALT``, chosen so the eight generated pairs take every shape); the twin replays
    the rng (snapshot/restore), so it draws the same shape."""
    return random.Random(f"{key}/{_SHAPE_SALT[key]}/{c.rng.random()!r}").choice(shapes)


# ---------------- CWE-489: debugpy / remote-pdb listening on every interface ----------------


def _remote_debugger(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    shape = _turn(c, "debugger", "flask", "remote_pdb", "fastapi", "gunicorn", "celery")
    flag = c.pick("ENABLE_DEBUGPY", "DEBUGPY", "ATTACH_DEBUGGER", "REMOTE_DEBUG")
    port = c.pick("5678", "5679", "5890")
    host = '"127.0.0.1"' if safe else '"0.0.0.0"'

    def gate(lines, ind=""):
        """The debugger lines, under an opt-in switch in the twin."""
        body = dedent(lines).split("\n")
        if not safe:
            return "\n".join(ind + l if l.strip() else "" for l in body)
        return ind + f'if os.environ.get("{flag}") == "1":\n' + "\n".join(
            ind + "    " + l if l.strip() else "" for l in body)

    if shape == "flask":
        listen = gate(f'''
            debugpy.listen(({host}, DEBUG_PORT)){V}
            log.warning("debugpy listening on port %s", DEBUG_PORT)
        ''')
        mod = _joined(f'''
            import logging
            import os

            import debugpy
            from flask import Flask, jsonify, request

            from {w}_service import find_{w}s
        ''', f'''
            app = Flask(__name__)
            log = logging.getLogger(__name__)
            DEBUG_PORT = int(os.environ.get("DEBUGPY_PORT", "{port}"))
        ''', listen, f'''
            @app.get("/{w}s")
            def list_{w}s():
                limit = min(int(request.args.get("limit", 50)), 200)
                return jsonify([r.to_json() for r in find_{w}s(limit=limit)])
        ''', f'''
            @app.get("/healthz")
            def healthz():
                return {{"status": "ok"}}
        ''' if c.pick(True, False) else "")
        return mod, "flask"
    if shape == "fastapi":
        listen = gate(f'''
            debugpy.listen(({host}, DEBUG_PORT)){V}
            log.info("remote debugger on :%s", DEBUG_PORT)
        ''', "    ")
        mod = _joined(f'''
            import logging
            import os
            from contextlib import asynccontextmanager

            import debugpy
            from fastapi import FastAPI

            from .db import close_pool, open_pool
            from .{w}s import router as {w}_router
        ''', f'''
            log = logging.getLogger("{w}-api")
            DEBUG_PORT = int(os.environ.get("DEBUGPY_PORT", "{port}"))
        ''', sub('''
            @asynccontextmanager
            async def lifespan(app: FastAPI):
            $listen
                await open_pool()
                yield
                await close_pool()
        ''', listen=listen), f'''
            app = FastAPI(title="{W} API", lifespan=lifespan)
            app.include_router({w}_router, prefix="/{w}s")
        ''')
        return mod, "fastapi"
    if shape == "gunicorn":
        listen = gate(f'''
            debugpy.listen(({host}, port)){V}
            server.log.info("worker %s: debugpy on port %s", worker.pid, port)
        ''', "    ")
        mod = _joined(f'''
            """gunicorn configuration of the {w} service."""
            import multiprocessing
            import os

            import debugpy
        ''', f'''
            bind = os.environ.get("BIND", "0.0.0.0:8000")
            workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
            timeout = {c.pick("30", "60", "120")}
            accesslog = "-"
            errorlog = "-"
        ''', sub('''
            def post_fork(server, worker):
                port = $port + worker.age
            $listen
        ''', port=port, listen=listen), '''
            def worker_abort(worker):
                worker.log.warning("worker %s aborted (timeout)", worker.pid)
        ''' if c.pick(True, False) else "")
        return mod, "script"
    if shape == "celery":
        listen = gate(f'''
            port = {port} + os.getpid() % 1000
            debugpy.listen(({host}, port)){V}
            log.info("debugpy attached to worker process %s on %s", os.getpid(), port)
        ''', "    ")
        mod = _joined(f'''
            import logging
            import os

            import debugpy
            from celery import Celery
            from celery.signals import worker_process_init

            from {w}_store import rebuild_{w}_index
        ''', f'''
            app = Celery("{w}s", broker=os.environ["CELERY_BROKER_URL"])
            log = logging.getLogger(__name__)
        ''', sub('''
            @worker_process_init.connect
            def attach_debugger(**kwargs):
            $listen
        ''', listen=listen), f'''
            @app.task(bind=True, max_retries=3)
            def reindex_{w}s(self, tenant_id: int):
                count = rebuild_{w}_index(tenant_id)
                log.info("reindexed %d {w}s for tenant %s", count, tenant_id)
                return count
        ''')
        return mod, "celery"
    # remote_pdb in a batch job's failure path: the first failing row opens a pdb shell on a socket
    flag = c.pick("REMOTE_PDB", "PDB_ON_ERROR")
    call = c.pick("cls", "func")
    pport = c.pick("4444", "4455", "6899")
    if call == "cls":
        trap = f"RemotePdb({host}, {pport}).set_trace(){V}"
        imp = "from remote_pdb import RemotePdb"
    else:
        trap = f"remote_pdb.set_trace(host={host}, port={pport}){V}"
        imp = "import remote_pdb"
    trap = gate(trap, "                ")
    mod = _joined(f'''
        import csv
        import logging
        import os
        import sys

        {imp}

        from {w}_store import import_{w}
    ''', '''
        log = logging.getLogger(__name__)
    ''', sub('''
        def run(path: str) -> int:
            failed = 0
            with open(path, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    try:
                        import_$w(row)
                    except Exception:
                        failed += 1
                        log.exception("row %s failed", row.get("id"))
        $trap
            return failed
    ''', w=w, trap=trap), '''
        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            sys.exit(1 if run(sys.argv[1]) else 0)
    ''')
    return mod, "script"


@fam("debug-remote-debugger-listen-all-interfaces", "CWE-489", fws=["script"], n=8, wrap=False)
def debug_remote_debugger(c):
    st = c.snapshot()
    v, fw = _remote_debugger(c, False)
    c.restore(st)
    s, _ = _remote_debugger(c, True)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="a remote debugger (debugpy.listen / remote-pdb) left in the service start-up or failure path, "
                      "bound to 0.0.0.0: anyone who reaches the port attaches a debugger or a pdb shell and runs "
                      "code in the process (CWE-489 active debug code); the fix makes it opt-in through an "
                      "environment switch that is off by default and binds it to the loopback interface")


@hardneg(3)
def debug_remote_debugger_hn(c):
    w = c.word
    flag = c.pick("ENABLE_DEBUGPY", "DEBUGPY")
    mod = _joined(f'''
        """Local development runner for the {w} service: never imported by the production entry point."""
        import logging
        import os

        import debugpy

        from {w}_app import create_app
    ''', '''
        log = logging.getLogger(__name__)
    ''', f'''
        def maybe_attach_debugger() -> None:
            if os.environ.get("APP_ENV") != "development" or os.environ.get("{flag}") != "1":
                return
            debugpy.listen(5678)  # port only: debugpy binds 127.0.0.1
            log.info("debugpy on 127.0.0.1:5678, waiting for the IDE")
            debugpy.wait_for_client()
    ''', '''
        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            maybe_attach_debugger()
            create_app().run(host="127.0.0.1", port=8000)
    ''')
    return Spec(s=mod, full=True, fw="script",
                notes="debugpy only in a development runner, behind two opt-in switches, on its loopback default")


# ---------------- CWE-489: pyinstrument profile served to any client with ?profile ----------------


def _pyinstrument(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    fw = _turn(c, "pyinstrument", "fastapi", "flask", "django", "aiohttp")
    param = c.pick("profile", "__profile", "prof")
    env = c.pick("PROFILING_ENABLED", "ENABLE_PROFILER", "PYINSTRUMENT")
    gate = f'os.environ.get("{env}") == "1" and ' if safe else ""
    text = c.pick(True, False)
    interval = c.pick("", "interval=0.001", "interval=0.0005")
    osimp = "import os\n" if safe else ""
    if fw == "fastapi":
        prof = f'Profiler({interval + ", " if interval else ""}async_mode="enabled")'
        out = ('PlainTextResponse(profiler.output_text(unicode=True, color=False))' if text
               else "HTMLResponse(profiler.output_html())")
        mod = _joined(osimp + dedent(f'''
            from fastapi import FastAPI, Request
            from fastapi.responses import HTMLResponse, PlainTextResponse
            from pyinstrument import Profiler

            from .{w}s import router as {w}_router
        '''), f'''
            app = FastAPI(title="{W} service")
            app.include_router({w}_router)
        ''', f'''
            @app.middleware("http")
            async def profile_request(request: Request, call_next):
                if {gate}request.query_params.get("{param}"):{V}
                    profiler = {prof}
                    profiler.start()
                    await call_next(request)
                    profiler.stop()
                    return {out}{V}
                return await call_next(request)
        ''')
        return mod, fw
    if fw == "flask":
        out = ('make_response(profiler.output_text(unicode=True, color=False), 200, {"Content-Type": "text/plain"})'
               if text else "make_response(profiler.output_html())")
        mod = _joined(osimp + dedent(f'''
            from flask import Flask, g, make_response, request
            from pyinstrument import Profiler

            from .{w}s import bp as {w}_bp
        '''), f'''
            app = Flask(__name__)
            app.register_blueprint({w}_bp, url_prefix="/{w}s")
        ''', f'''
            @app.before_request
            def start_profiler():
                if {gate}"{param}" in request.args:{V}
                    g.profiler = Profiler({interval})
                    g.profiler.start()
        ''', f'''
            @app.after_request
            def stop_profiler(response):
                profiler = g.pop("profiler", None)
                if profiler is None:
                    return response
                profiler.stop()
                return {out}{V}
        ''')
        return mod, fw
    if fw == "django":
        dgate = 'not getattr(settings, "PROFILING_ENABLED", False) or ' if safe else ""
        out = ('HttpResponse(profiler.output_text(unicode=True, color=False), content_type="text/plain")' if text
               else "HttpResponse(profiler.output_html())")
        mod = _joined(f'"""Middleware of the {w} project (listed in settings.MIDDLEWARE)."""\n'
                      + ("from django.conf import settings\n" if safe else "")
                      + "from django.http import HttpResponse\nfrom pyinstrument import Profiler", f'''
            class RequestProfilerMiddleware:
                """Profile a request and return the call tree instead of the page."""

                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    if {dgate}"{param}" not in request.GET:{V}
                        return self.get_response(request)
                    profiler = Profiler({interval})
                    profiler.start()
                    self.get_response(request)
                    profiler.stop()
                    return {out}{V}
        ''')
        return mod, fw
    agate = f'os.environ.get("{env}") != "1" or ' if safe else ""
    out = ('web.Response(text=profiler.output_text(unicode=True, color=False))' if text
           else 'web.Response(text=profiler.output_html(), content_type="text/html")')
    mod = _joined(osimp + f"from aiohttp import web\nfrom pyinstrument import Profiler\n\nfrom {w}_views import routes", f'''
        @web.middleware
        async def profiling_middleware(request, handler):
            if {agate}"{param}" not in request.query:{V}
                return await handler(request)
            profiler = Profiler({interval + ", " if interval else ""}async_mode="enabled")
            profiler.start()
            await handler(request)
            profiler.stop()
            return {out}{V}
    ''', '''
        app = web.Application(middlewares=[profiling_middleware])
        app.add_routes(routes)
    ''')
    return mod, fw


@fam("debug-pyinstrument-profile-any-request", "CWE-489", fws=["fastapi", "flask", "django", "aiohttp"], n=8,
     wrap=False)
def debug_pyinstrument(c):
    st = c.snapshot()
    v, fw = _pyinstrument(c, False)
    c.restore(st)
    s, _ = _pyinstrument(c, True)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="a pyinstrument request profiler mounted unconditionally: any client that adds the query "
                      "parameter gets the profile of its request (module paths, function names, call structure, "
                      "timings) instead of the page, and can make the server profile every request it sends "
                      "(CWE-489 active debug code); the fix only profiles when an environment or settings switch, "
                      "off by default, turns it on")


@hardneg(3)
def debug_pyinstrument_hn(c):
    w = c.word
    mod = _joined(f'''
        """Benchmark the {w} index rebuild and write the profile next to the build artefacts."""
        import argparse

        from pyinstrument import Profiler

        from {w}_store import rebuild_{w}_index
    ''', f'''
        def main(argv=None):
            parser = argparse.ArgumentParser(description="Profile one {w} index rebuild")
            parser.add_argument("--tenant", type=int, required=True)
            parser.add_argument("--out", default="build/{w}-profile.html")
            args = parser.parse_args(argv)
            profiler = Profiler(interval=0.001)
            profiler.start()
            rebuild_{w}_index(args.tenant)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False))
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(profiler.output_html())
    ''', '''
        if __name__ == "__main__":
            main()
    ''')
    return Spec(s=mod, full=True, fw="cli",
                notes="pyinstrument in a local benchmark command: the profile goes to the terminal and a build file, "
                      "not to a network client")


# ---------------- CWE-215: boto3 set_stream_logger at DEBUG (botocore wire trace in the logs) ----------------


def _boto3_debug(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    level = "logging.INFO" if safe else "logging.DEBUG"
    how = c.pick("botocore", "root", "kw", "getlogger")
    if how == "botocore":
        setup = f'boto3.set_stream_logger("botocore", {level}){V}'
    elif how == "root":
        setup = f'boto3.set_stream_logger("", {level}){V}'
    elif how == "kw":
        setup = (f'boto3.set_stream_logger(name="botocore", level={level},{V}\n'
                 f'                        format_string="%(asctime)s %(name)s [%(levelname)s] %(message)s")')
    else:
        setup = f'logging.basicConfig(level=logging.INFO)\nlogging.getLogger("botocore").setLevel({level}){V}'
    shape = _turn(c, "boto3", "lambda_secret", "cognito_login", "ssm_settings", "sts_job")
    region = c.pick("eu-west-1", "us-east-1", "eu-central-1")
    if shape == "lambda_secret":
        mod = _joined(f'''
            import json
            import logging
            import os

            import boto3
            import psycopg2
        ''', setup, f'''
            secrets = boto3.client("secretsmanager", region_name="{region}")
        ''', f'''
            def handler(event, context):
                raw = secrets.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])["SecretString"]
                creds = json.loads(raw)
                conn = psycopg2.connect(host=creds["host"], dbname=creds["dbname"],
                                        user=creds["username"], password=creds["password"])
                with conn, conn.cursor() as cur:
                    cur.execute("SELECT count(*) FROM {w}s WHERE status = %s", ("pending",))
                    pending = cur.fetchone()[0]
                return {{"statusCode": 200, "body": json.dumps({{"pending_{w}s": pending}})}}
        ''')
        return mod, "script"
    if shape == "cognito_login":
        mod = _joined(f'''
            import logging
            import os

            import boto3
            from flask import Flask, jsonify, request
        ''', setup, f'''
            app = Flask(__name__)
            cognito = boto3.client("cognito-idp", region_name="{region}")
            CLIENT_ID = os.environ["COGNITO_CLIENT_ID"]
        ''', '''
            @app.post("/auth/login")
            def login():
                body = request.get_json(force=True)
                try:
                    result = cognito.initiate_auth(
                        ClientId=CLIENT_ID,
                        AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": body["username"], "PASSWORD": body["password"]},
                    )
                except cognito.exceptions.NotAuthorizedException:
                    return jsonify(error="invalid credentials"), 401
                tokens = result["AuthenticationResult"]
                return jsonify(id_token=tokens["IdToken"], expires_in=tokens["ExpiresIn"])
        ''')
        return mod, "flask"
    if shape == "ssm_settings":
        mod = _joined(f'''
            """Settings of the {w} worker, read from SSM Parameter Store at start-up."""
            import logging
            import os

            import boto3
        ''', setup, f'''
            PREFIX = os.environ.get("SSM_PREFIX", "/{w}/prod/")
            _ssm = boto3.client("ssm", region_name="{region}")
        ''', '''
            def load_settings() -> dict:
                names = ["database_url", "stripe_api_key", "smtp_password"]
                resp = _ssm.get_parameters(Names=[PREFIX + n for n in names], WithDecryption=True)
                values = {p["Name"][len(PREFIX):]: p["Value"] for p in resp["Parameters"]}
                missing = sorted(set(names) - set(values))
                if missing:
                    raise RuntimeError(f"missing SSM parameters: {missing}")
                return values
        ''')
        return mod, "script"
    mod = _joined(f'''
        import logging
        import os

        import boto3
    ''', setup, f'''
        ROLE_ARN = os.environ["EXPORT_ROLE_ARN"]
        BUCKET = os.environ.get("EXPORT_BUCKET", "{w}-exports")
    ''', f'''
        def export_{w}s(rows: list[str]) -> str:
            creds = boto3.client("sts").assume_role(RoleArn=ROLE_ARN, RoleSessionName="{w}-export")["Credentials"]
            s3 = boto3.client(
                "s3",
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
            key = f"{w}s/{{os.getpid()}}.csv"
            s3.put_object(Bucket=BUCKET, Key=key, Body="\\n".join(rows).encode())
            return key
    ''')
    return mod, "pipeline"


@fam("debug-boto3-stream-logger-wire-trace", "CWE-215", fws=["script"], n=8, wrap=False)
def debug_boto3(c):
    st = c.snapshot()
    v, fw = _boto3_debug(c, False)
    c.restore(st)
    s, _ = _boto3_debug(c, True)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="boto3.set_stream_logger / the botocore logger at DEBUG writes botocore's full wire trace: "
                      "request parameters and response bodies, so secret values, Cognito passwords and temporary "
                      "STS credentials land in the application logs (boto3 documents this; CWE-215); the fix logs "
                      "at INFO, where botocore writes no payloads")


@hardneg(3)
def debug_boto3_hn(c):
    w = c.word
    mod = _joined(f'''
        import logging
        import os

        import boto3
    ''', f'''
        logging.basicConfig(level=logging.INFO)
        boto3.set_stream_logger("boto3.resources", logging.INFO)
        logging.getLogger("botocore").setLevel(logging.WARNING)
        log = logging.getLogger("{w}-sync")
    ''', f'''
        def sync_{w}s(table_name: str) -> int:
            table = boto3.resource("dynamodb").Table(table_name)
            items = table.scan(ProjectionExpression="id, updated_at")["Items"]
            log.debug("scanned %d items from %s", len(items), table_name)
            log.info("synced %d {w}s", len(items))
            return len(items)
    ''', '''
        if __name__ == "__main__":
            sync_{w}s(os.environ["TABLE_NAME"])
    '''.replace("{w}", w))
    return Spec(s=mod, full=True, fw="script",
                notes="boto3 logging at INFO and botocore at WARNING; the app's own debug line carries a count only")


# ---------------- CWE-209: Pyramid exception views / tweens returning exception details ----------------


def _pyramid_errors(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    shape = _turn(c, "pyramid", "decorator", "tween", "imperative")
    leak = c.pick("trace", "str", "repr")
    eid = "error_id = uuid.uuid4().hex[:12]\n    " if safe else ""
    uimp = "import uuid\n" if safe else ""
    timp = "" if safe or leak != "trace" else "import traceback\n"
    if shape in ("decorator", "imperative"):
        if safe:
            body = '{"error": "internal server error", "error_id": error_id}'
        elif leak == "trace":
            body = '{"error": type(exc).__name__, "detail": str(exc), "trace": traceback.format_exc()}'
        elif leak == "str":
            body = '{"error": "internal server error", "detail": str(exc)}'
        else:
            body = '{"error": repr(exc), "path": request.path}'
        logline = ('log.error("unhandled error %s on %s", error_id, request.path, exc_info=exc)' if safe
                   else 'log.error("unhandled error on %s", request.path, exc_info=exc)')
        view = sub('''
            def $fn(exc, request):
                $eid$logline
                request.response.status_int = 500
                return $body$V
        ''', fn=c.pick("server_error", "internal_error", "json_error"), eid=eid, logline=logline, body=body, V=V)
        if shape == "decorator":
            view = '@exception_view_config(Exception, renderer="json")\n' + view
            imps = "from pyramid.view import exception_view_config, view_config"
            reg = ""
        else:
            view = view.replace("(exc, request)", "(exc, request)")
            imps = "from pyramid.config import Configurator\nfrom pyramid.view import view_config"
            reg = sub('''
                def includeme(config: Configurator):
                    config.add_route("$w_detail", "/$ws/{id}")
                    config.add_exception_view($fn, context=Exception, renderer="json")
                    config.scan(".")
            ''', w=w, fn=view.split("(")[0].split()[-1])
        mod = _joined("import logging\n" + timp + uimp + f"\n{imps}\n\nfrom .models import {W}", '''
            log = logging.getLogger(__name__)
        ''', f'''
            @view_config(route_name="{w}_detail", renderer="json")
            def {w}_detail(request):
                obj = request.dbsession.get({W}, int(request.matchdict["id"]))
                return {{"id": obj.id, "title": obj.title, "updated": obj.updated_at.isoformat()}}
        ''', view, reg)
        return mod
    # tween
    if safe:
        body = 'Response(json_body={"error": "internal server error", "error_id": error_id}, status=500)'
    elif leak == "trace":
        body = 'Response(json_body={"error": repr(exc), "trace": traceback.format_tb(exc.__traceback__)}, status=500)'
    elif leak == "str":
        body = 'Response(json_body={"error": f"{type(exc).__name__}: {exc}"}, status=500)'
    else:
        body = 'Response(json_body={"error": "internal server error", "detail": repr(exc)}, status=500)'
    logline = ('log.error("request %s failed: %s %s", error_id, request.method, request.path, exc_info=exc)' if safe
               else 'log.error("request failed: %s %s", request.method, request.path, exc_info=exc)')
    tween = ("def error_tween_factory(handler, registry):\n"
             "    def error_tween(request):\n"
             "        try:\n"
             "            return handler(request)\n"
             "        except HTTPException:\n"
             "            raise\n"
             "        except Exception as exc:\n"
             + ("            error_id = uuid.uuid4().hex[:12]\n" if safe else "")
             + f"            {logline}\n"
             + f"            return {body}{V}\n"
             + "\n"
             + "    return error_tween")
    mod = _joined("import logging\n" + timp + uimp + "\n" + dedent('''
        from pyramid.config import Configurator
        from pyramid.httpexceptions import HTTPException
        from pyramid.response import Response
    '''), '''
        log = logging.getLogger(__name__)
    ''', tween, f'''
        def main(global_config, **settings):
            with Configurator(settings=settings) as config:
                config.include("pyramid_tm")
                config.include(".models")
                config.add_tween("{w}_api.tweens.error_tween_factory")
                config.add_route("{w}_list", "/{w}s")
                config.scan(".views")
            return config.make_wsgi_app()
    ''')
    return mod


@fam("errors-pyramid-exception-view-detail", "CWE-209", fws=["pyramid"], n=8, wrap=False)
def errors_pyramid(c):
    v, s = _replayed(c, _pyramid_errors)
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes="the Pyramid exception view / tween answers an unhandled error with the exception text, repr "
                      "or traceback, which carry SQL, file paths, settings values and library versions to the "
                      "client (CWE-209); the fix logs the exception with an error id and returns only the id")


@hardneg(3)
def errors_pyramid_hn(c):
    w, W = c.word, c.word.capitalize()
    mod = _joined(f'''
        import logging
        import traceback
        import uuid

        from pyramid.httpexceptions import HTTPNotFound
        from pyramid.view import exception_view_config, notfound_view_config
    ''', '''
        log = logging.getLogger(__name__)
    ''', f'''
        @notfound_view_config(renderer="json")
        def not_found(request):
            request.response.status_int = 404
            return {{"error": "not found", "path": request.path}}
    ''', f'''
        @exception_view_config(Exception, renderer="json")
        def server_error(exc, request):
            error_id = uuid.uuid4().hex[:12]
            log.error("error %s on %s:\\n%s", error_id, request.path, traceback.format_exc())
            request.response.status_int = 500
            return {{"error": "the {w} service failed", "error_id": error_id}}
    ''')
    return Spec(s=mod, full=True, fw="pyramid",
                notes="the traceback goes to the server log with an error id; the client gets the id and a fixed message")


# ---------------- CWE-200: Django core serializers.serialize without fields= ----------------


def _django_serialize(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    kind = "user"  # the auth User: its password hash and flags are what serialize() adds
    fmt = c.pick("json", "json", "jsonl", "xml")
    ctype = {"json": "application/json", "jsonl": "application/jsonl", "xml": "application/xml"}[fmt]
    shape = _turn(c, "serialize", "fbv", "cbv", "single")
    if kind == "user":
        model_imp = "from django.contrib.auth import get_user_model"
        model_def = "User = get_user_model()"
        M = "User"
        qs = c.pick('User.objects.filter(is_active=True).order_by("username")',
                    'User.objects.filter(groups__name=team).order_by("last_name")')
        fields = c.pick('("username", "first_name", "last_name", "email")', '("username", "email", "date_joined")')
    else:
        model_imp = f"from {w}s.models import Customer"
        model_def = ""
        M = "Customer"
        qs = c.pick('Customer.objects.filter(account=request.user.account).order_by("name")',
                    'Customer.objects.filter(account=request.user.account, archived=False)')
        fields = c.pick('("name", "email", "country", "created_at")', '("name", "company", "plan")')
    fk = f", fields={fields}" if safe else ""
    if shape == "single":
        qs = f"{M}.objects.filter(username=username, is_active=True)" if kind == "user" else \
            f'{M}.objects.filter(account=request.user.account, pk=pk)'
    team = 'team = request.GET.get("team", "staff")\n' if "team" in qs else ""
    call = f'payload = serializers.serialize("{fmt}", {qs}{fk}){V}'
    if shape == "fbv":
        view = sub('''
            @login_required
            @require_GET
            def export_$plural(request):
                $team$call
                response = HttpResponse(payload, content_type="$ctype")
                response["Content-Disposition"] = 'attachment; filename="$plural.$fmt"'
                return response
        ''', plural=M.lower() + "s", team=team.replace("\n", "\n    "), call=call, ctype=ctype, fmt=fmt)
        imps = ("from django.contrib.auth.decorators import login_required\n"
                "from django.http import HttpResponse\nfrom django.views.decorators.http import require_GET")
    elif shape == "cbv":
        view = sub('''
            class $MListView(LoginRequiredMixin, View):
                def get(self, request):
                    $team$call
                    return HttpResponse(payload, content_type="$ctype")
        ''', M=M, team=team.replace("\n", "\n        "), call=call, ctype=ctype)
        imps = ("from django.contrib.auth.mixins import LoginRequiredMixin\n"
                "from django.http import HttpResponse\nfrom django.views import View")
    else:
        sig = "request, username" if kind == "user" else "request, pk"
        view = sub('''
            @login_required
            def $fn($sig):
                $call
                return HttpResponse(payload, content_type="$ctype")
        ''', fn="member_card" if kind == "user" else "customer_detail", sig=sig, call=call, ctype=ctype)
        imps = "from django.contrib.auth.decorators import login_required\nfrom django.http import HttpResponse"
    mod = _joined(f"{model_imp}\nfrom django.core import serializers\n{imps}", model_def, view)
    return mod


@fam("expose-django-serializers-serialize-all-fields", "CWE-200", fws=["django"], n=8, wrap=False)
def expose_django_serialize(c):
    v, s = _replayed(c, _django_serialize)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="django.core.serializers.serialize without fields= writes every model field: for the auth "
                      "User that is the password hash, is_superuser, last_login and the permission ids, for a "
                      "customer row its key and internal columns, all sent to the browser (CWE-200); the fix names "
                      "the fields the client needs")


@hardneg(3)
def expose_django_serialize_hn(c):
    w = c.word
    mod = _joined(f'''
        from django.contrib.admin.views.decorators import staff_member_required
        from django.core import serializers
        from django.http import HttpResponse

        from {w}s.models import Category
    ''', '''
        @staff_member_required
        def export_categories(request):
            data = serializers.serialize("json", Category.objects.order_by("slug"), fields=("slug", "title", "parent"))
            return HttpResponse(data, content_type="application/json")
    ''')
    return Spec(s=mod, full=True, fw="django",
                notes="serializers.serialize with an explicit fields= list of a model without secrets")


# ---------------- CWE-614: Litestar Response.set_cookie without secure=True ----------------


def _litestar_cookie(c, safe: bool):
    w, W = c.word, c.word.capitalize()
    V = _v(safe)
    cname = c.pick("session", "sid", f"{w}_session", "refresh_token", "remember_me")
    explicit = c.pick(True, False, False)
    sec = "secure=True, " if safe else ("secure=False, " if explicit else "")
    age = c.pick("3600", "86400", "60 * 60 * 24 * 14")
    same = c.pick('samesite="lax"', 'samesite="strict"', "")
    extras = ", ".join(x for x in (f"max_age={age}", sec.rstrip(", "), "httponly=True", same) if x)
    setc = f'response.set_cookie("{cname}", token, {extras}){V}'
    shape = _turn(c, "litestar", "redirect", "response", "controller")
    if shape == "redirect":
        handler = sub('''
            @post("/login")
            async def login(data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Redirect:
                user = await authenticate(data.email, data.password)
                if user is None:
                    raise NotAuthorizedException("invalid email or password")
                token = await create_session(user.id)
                response = Redirect(path="/$ws")
                $setc
                return response
        ''', w=w, setc=setc)
        imps = ("from dataclasses import dataclass\nfrom typing import Annotated\n\n"
                "from litestar import Litestar, post\nfrom litestar.enums import RequestEncodingType\n"
                "from litestar.exceptions import NotAuthorizedException\nfrom litestar.params import Body\n"
                "from litestar.response import Redirect")
        form = '''
            @dataclass
            class LoginForm:
                email: str
                password: str
        '''
        app = "app = Litestar(route_handlers=[login])"
    elif shape == "response":
        handler = sub('''
            @post("/auth/refresh")
            async def refresh(request: Request) -> Response:
                old = request.cookies.get("$cname")
                if not old:
                    raise NotAuthorizedException("no session")
                user_id, token = await rotate_session(old)
                response = Response(content={"user_id": user_id}, status_code=200)
                $setc
                return response
        ''', cname=cname, setc=setc)
        imps = ("from litestar import Litestar, Request, Response, post\n"
                "from litestar.exceptions import NotAuthorizedException")
        form = ""
        app = "app = Litestar(route_handlers=[refresh])"
    else:
        handler = sub('''
            class SessionController(Controller):
                path = "/session"

                @post("/")
                async def create(self, data: dict[str, str]) -> Response:
                    user = await authenticate(data.get("email", ""), data.get("password", ""))
                    if user is None:
                        return Response(content={"error": "invalid credentials"}, status_code=401)
                    token = await create_session(user.id)
                    response = Response(content={"user": user.email}, status_code=201)
                    $setc
                    return response
        ''', setc=setc)
        imps = "from litestar import Controller, Litestar, Response, post"
        form = ""
        app = "app = Litestar(route_handlers=[SessionController])"
    svc = ("from .auth import rotate_session" if shape == "response"
           else "from .auth import authenticate, create_session")
    return _joined(imps + "\n\n" + svc, form, handler, app)


@fam("cookie-litestar-set-cookie-no-secure", "CWE-614", fws=["starlette"], n=8, wrap=False)
def cookie_litestar(c):
    v, s = _replayed(c, _litestar_cookie)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="Litestar's Response.set_cookie defaults secure=False: the session / refresh cookie is sent "
                      "over plain HTTP too, where a network attacker reads it (CWE-614); the fix sets secure=True")


@hardneg(3)
def cookie_litestar_hn(c):
    w = c.word
    mod = _joined('''
        from litestar import Litestar, Request, Response, get, post

        from .auth import rotate_session
    ''', '''
        @post("/auth/refresh")
        async def refresh(request: Request) -> Response:
            user_id, token = await rotate_session(request.cookies.get("session", ""))
            response = Response(content={"user_id": user_id})
            response.set_cookie("session", token, max_age=3600, secure=True, httponly=True, samesite="strict")
            return response
    ''', f'''
        @get("/{w}s/layout/{{mode:str}}")
        async def set_layout(mode: str) -> Response:
            response = Response(content={{"layout": mode}})
            response.set_cookie("layout", "grid" if mode == "grid" else "list", max_age=31536000, secure=True)
            return response
    ''', '''
        app = Litestar(route_handlers=[refresh, set_layout])
    ''')
    return Spec(s=mod, full=True, fw="starlette",
                notes="Litestar cookies set with secure=True (and httponly for the session)")
