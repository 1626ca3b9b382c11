"""Train-only configuration-style families (libs32 set) for the dataset's rarest labels, in servers,
frameworks and settings few other families use:

- l32cfg-gunicorn-unix-socket-umask (276): a service served by gunicorn on a unix socket behind nginx, with
  ``umask = 0`` (config file, embedded ``BaseApplication`` options or a launcher's ``--umask 0``): gunicorn
  applies the umask while it binds, so the socket is created srwxrwxrwx and any local account can talk to the
  app directly, past nginx, with its own X-Forwarded-* / X-Remote-User headers (gunicorn trusts forwarded
  headers from a unix-socket peer); the fix sets ``umask`` to 0o007 / 0o117 (owner and the nginx group only).
- l32cfg-tornado-pyramid-cookie-secure-false (614): Tornado ``RequestHandler.set_cookie`` and Pyramid (WebOb)
  ``response.set_cookie`` of a server-side session id, refresh token or remember-device token with an explicit
  ``secure=False`` ("TLS ends at the load balancer"), so the browser also sends it over plain http; the fix
  sets ``secure=True``.
- l32cfg-signed-session-httponly-false (1004): Pyramid ``SignedCookieSessionFactory(..., httponly=False)``,
  Tornado ``set_signed_cookie(..., httponly=False)`` and web.py ``web.setcookie(..., httponly=False)`` for the
  login cookie, "so the front end can read it": any XSS reads the session; the fix sets ``httponly=True``.
- l32cfg-traceback-page-debug-constant (215): a production entry module of a CherryPy, web.py or Tornado
  service with a hard-coded ``DEBUG = True`` that turns on the framework's traceback error page
  (``request.show_tracebacks``, ``web.config.debug``, ``serve_traceback``): every unhandled error shows the
  client a traceback (web.py: with each frame's local variables and the request environment); the fix makes
  the flag an opt-in environment switch that defaults off.
- l32cfg-flask-subclass-entry-run-debug (489): the container entry point of an Eve or APIFlask application
  calls ``app.run(host="0.0.0.0", ..., debug=True)``; these classes are Flask subclasses, so the Werkzeug
  interactive debugger (code execution behind a PIN) is served to the network; the fix turns debug off (or
  makes it an opt-in switch that defaults off). (A Flask-AppBuilder shape was removed in review: its app is a
  plain ``Flask(__name__)``, which made it the existing debug-flask-run family with more boilerplate.)

Hard negatives: sockets with a restrictive umask, preference cookies that hold no secret, session cookies with
both flags, debug switches that default off in dev-only scripts, production entry points served by waitress.

Framework labels: gunicorn configuration and launchers, CherryPy and web.py modules are "script"; Eve and
APIFlask are "flask"; Tornado and Pyramid are themselves. Written without reading the
held-out or validation families; every family here goes to train.
"""
import random

from core import Spec
from module_kit import _replayed
from registry import fam, hardneg

# Salt of each family's shape draw (see _shape), chosen so the eight pairs cover every shape.
_SALT = {"gunicorn": 13, "cookie614": 25, "cookie1004": 13, "traceback": 0, "rundebug": 14}


def _shape(c, key, *shapes):
    """One draw of the context's rng mixed with the family's salt picks the shape; the twin replays the rng."""
    return random.Random(f"{key}/{_SALT[key]}/{c.rng.random()!r}").choice(shapes)


def _w(c):
    return c.word, c.word.capitalize()


def _mod(lines):
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------- CWE-276: gunicorn unix socket bound with umask 0 ----------------

_UMASK_BAD = ["0", "0", "0o000"]
_UMASK_OK = ["0o007", "0o117"]


def _gunicorn_module(c, safe, hard=False):
    w, W = _w(c)
    shape = _shape(c, "gunicorn", "conf", "embedded", "launcher")
    bad, ok = c.pick(*_UMASK_BAD), c.pick(*_UMASK_OK)
    um = ok if (safe or hard) else bad
    mark = "" if (safe or hard) else "  #@V"
    sock = c.pick(f"/run/{w}/gunicorn.sock", f"/run/gunicorn/{w}.sock", f"/var/run/{w}/app.sock")
    group = c.pick("www-data", "nginx")
    wsgi = c.pick(f"{w}_service.wsgi:application", f"{w}_api.app:create_app()", f"{w}site.wsgi:application")
    why = c.pick("", "# nginx (group {g}) proxies to this socket".format(g=group))
    if shape == "conf":
        lines = [f'"""gunicorn settings of the {w} service (nginx on the same host proxies to the socket)."""',
                 "import multiprocessing", "import os", "", "",
                 f'wsgi_app = "{wsgi}"']
        if why:
            lines.append(why)
        lines += [f'bind = "unix:{sock}"',
                  f"umask = {um}{mark}",
                  f'user = "{w}"',
                  f'group = "{group}"',
                  'workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))']
        lines += c.pick(['worker_class = "gthread"', f"threads = {c.pick(2, 4, 8)}"], ['worker_class = "sync"'])
        lines += [f"timeout = {c.pick(30, 60, 120)}", f"graceful_timeout = {c.pick(20, 30)}",
                  'accesslog = "-"', 'errorlog = "-"', f'loglevel = "{c.pick("info", "warning")}"']
        if c.pick(True, False):
            lines += ["", "",
                      "def post_fork(server, worker):",
                      '    server.log.info("worker %s spawned", worker.pid)',
                      "", "",
                      "def worker_abort(worker):",
                      '    worker.log.warning("worker %s timed out", worker.pid)']
        return _mod(lines)
    if shape == "embedded":
        lines = [f'"""Runs the {w} API under gunicorn from Python (systemd: ExecStart=/opt/{w}/bin/python serve.py)."""',
                 "import multiprocessing", "import os", "",
                 "from gunicorn.app.base import BaseApplication", "",
                 f"from {w}_api import create_app", "",
                 f'SOCKET_PATH = os.environ.get("{W.upper()}_SOCKET", "{sock}")', "", "",
                 "class StandaloneApplication(BaseApplication):",
                 "    def __init__(self, app, options=None):",
                 "        self.options = options or {}",
                 "        self.application = app",
                 "        super().__init__()", "",
                 "    def load_config(self):",
                 "        for key, value in self.options.items():",
                 "            if key in self.cfg.settings and value is not None:",
                 "                self.cfg.set(key.lower(), value)", "",
                 "    def load(self):",
                 "        return self.application", "", "",
                 "def main():",
                 "    options = {",
                 '        "bind": "unix:" + SOCKET_PATH,',
                 f'        "umask": {um},{mark}',
                 f'        "user": "{w}",',
                 f'        "group": "{group}",',
                 '        "workers": multiprocessing.cpu_count() * 2 + 1,',
                 f'        "timeout": {c.pick(30, 60, 90)},',
                 '        "accesslog": "-",',
                 "    }",
                 "    StandaloneApplication(create_app(), options).run()", "", "",
                 'if __name__ == "__main__":', "    main()"]
        return _mod(lines)
    argv = c.pick("argv", "cmd", "args")
    lines = [f'"""Entry point of the {w} web tier (systemd ExecStart on the app host): waits for the database, then execs gunicorn."""',
             "import os", "import socket", "import sys", "import time", "", "",
             'DB_HOST = os.environ.get("DB_HOST", "db")',
             'DB_PORT = int(os.environ.get("DB_PORT", "5432"))', "", "",
             "def wait_for_db(deadline=60.0):",
             "    start = time.monotonic()",
             "    while time.monotonic() - start < deadline:",
             "        try:",
             "            with socket.create_connection((DB_HOST, DB_PORT), timeout=2):",
             "                return",
             "        except OSError:",
             "            time.sleep(1)",
             '    sys.exit("database did not come up")', "", "",
             "def main():",
             "    wait_for_db()",
             f"    {argv} = [",
             '        "gunicorn",',
             f'        "--bind", "unix:{sock}",',
             f'        "--umask", "{um}",{mark}',
             f'        "--group", "{group}",',
             '        "--workers", os.environ.get("WEB_CONCURRENCY", "4"),',
             '        "--access-logfile", "-",',
             f'        "{wsgi}",',
             "    ]",
             f"    os.execvp({argv}[0], {argv})", "", "",
             'if __name__ == "__main__":', "    main()"]
    return _mod(lines)


_GUNI_NOTE = ("gunicorn applies its umask setting while it creates the listening sockets; with umask 0 the unix "
              "socket is created srwxrwxrwx, and the socket's directory under /run is world-traversable, so every "
              "local account (other services, a compromised process, CI runners on the host) can connect to the "
              "app directly, past nginx's TLS, auth_request and IP rules, and send its own X-Forwarded-* / "
              "X-Remote-User headers (gunicorn trusts forwarded headers from a unix-socket peer); ")


@fam("l32cfg-gunicorn-unix-socket-umask", "CWE-276", fws=["script"], n=8, wrap=False)
def l32cfg_gunicorn_umask(c):
    v, s = _replayed(c, _gunicorn_module)
    return Spec(v=v, s=s, full=True, fw="script",
                notes=_GUNI_NOTE + "the fix sets the umask to 0o007 / 0o117, so only the service user and the "
                                   "nginx group (group setting) can connect")


@hardneg(4)
def l32cfg_gunicorn_umask_hn(c):
    return Spec(s=_gunicorn_module(c, True, hard=True), full=True, fw="script",
                notes="the unix socket is created with umask 0o007 / 0o117 and owned by the nginx group: only the "
                      "service user and nginx can connect")


# ---------------- CWE-614: Tornado / Pyramid set_cookie(..., secure=False) ----------------

_TLS_WHY = ["# TLS is terminated at the load balancer; the app itself only sees http",
            "# staging has no certificate yet, so the cookie must also work over http",
            ""]


def _cookie614_module(c, safe, hard=False):
    w, W = _w(c)
    shape = _shape(c, "cookie614", "tornado-session", "tornado-device", "pyramid-refresh", "pyramid-session")
    why = c.pick(*_TLS_WHY)
    sec = "True" if safe else "False"
    mark = "" if safe else "  #@V"
    if shape.startswith("tornado"):
        session = shape == "tornado-session"
        name = c.pick("sid", f"{w}_sid", "session_id") if session else c.pick("trusted_device", "mfa_device")
        lines = ["import os", "", "import tornado.web", "",
                 (f"from {w}_auth import authenticate, create_session, load_session" if session
                  else f"from {w}_auth import remember_device, verify_totp"), "",
                 f"SESSION_DAYS = {c.pick(7, 14, 30)}" if session else f"DEVICE_DAYS = {c.pick(30, 60, 90)}", "", "",
                 "class BaseHandler(tornado.web.RequestHandler):"]
        if session:
            lines += ["    async def prepare(self):",
                      f'        session_id = self.get_cookie("{name}")',
                      "        self.current_user = await load_session(session_id) if session_id else None", "", ""]
        else:
            lines += ["    def get_current_user(self):",
                      '        return self.get_signed_cookie("uid")', "", ""]
        if session:
            lines += ["class LoginHandler(BaseHandler):",
                      "    async def post(self):",
                      '        user = await authenticate(self.get_body_argument("email", ""), self.get_body_argument("password", ""))',
                      "        if user is None:",
                      "            raise tornado.web.HTTPError(401)",
                      "        session_id = await create_session(user.id)"]
            ind, val, opts = "        ", "session_id", 'expires_days=SESSION_DAYS, httponly=True, secure={}, samesite="Lax"'
            route = '(r"/login", LoginHandler)'
        else:
            lines += ["class TotpHandler(BaseHandler):",
                      "    @tornado.web.authenticated",
                      "    async def post(self):",
                      '        if not await verify_totp(self.current_user, self.get_body_argument("code", "")):',
                      "            raise tornado.web.HTTPError(403)",
                      '        if self.get_body_argument("remember", "") == "on":',
                      "            token = await remember_device(self.current_user)"]
            ind, val, opts = "            ", "token", "expires_days=DEVICE_DAYS, httponly=True, secure={}"
            route = '(r"/mfa/totp", TotpHandler)'
        if why and not hard:
            lines.append(ind + why)
        if hard:
            lines.append(f'{ind}self.set_cookie("{name}", {val}, {opts.format("True")})')
        else:
            lines.append(f'{ind}self.set_cookie("{name}", {val}, {opts.format(sec)}){mark}')
        lines.append('        self.redirect("/")' if session else '        self.write({"ok": True})')
        routes = [route]
        if hard:
            pref = c.pick("theme", "tz", "lang")
            lines += ["", "",
                      "class PreferenceHandler(BaseHandler):",
                      "    def post(self):",
                      f'        value = self.get_body_argument("{pref}", "")[:32]',
                      "        # a display preference, no secret: the pages read it with JavaScript",
                      f'        self.set_cookie("{pref}", value, expires_days=365)',
                      '        self.write({"ok": True})']
            routes.append('(r"/prefs", PreferenceHandler)')
        lines += ["", "",
                  "def make_app():",
                  "    return tornado.web.Application(",
                  f"        [{', '.join(routes)}],",
                  '        cookie_secret=os.environ["COOKIE_SECRET"],',
                  "        xsrf_cookies=True,",
                  '        login_url="/login",',
                  "    )"]
        return _mod(lines)
    # Pyramid
    lines = ["from pyramid.httpexceptions import HTTPForbidden, HTTPFound",
             "from pyramid.view import view_config", "",
             f"from .models import Account",
             "from .tokens import open_session" if shape == "pyramid-session"
             else "from .tokens import issue_refresh_token", "",
             (f"REFRESH_MAX_AGE = {c.pick('14 * 24 * 3600', '30 * 24 * 3600', '7 * 24 * 3600')}"
              if shape == "pyramid-refresh" else f'SESSION_COOKIE = "{c.pick("session_id", w + "_session")}"'), "", "",
             '@view_config(route_name="login", request_method="POST", require_csrf=True)',
             "def login(request):",
             '    account = request.dbsession.query(Account).filter_by(email=request.POST.get("email", "")).one_or_none()',
             '    if account is None or not account.check_password(request.POST.get("password", "")):',
             "        raise HTTPForbidden()",
             '    response = HTTPFound(location=request.route_url("home"))']
    if shape == "pyramid-refresh":
        cname = c.pick("refresh_token", f"{w}_refresh")
        val = "issue_refresh_token(request.dbsession, account)"
        extra = ', max_age=REFRESH_MAX_AGE, path="/auth"'
    else:
        cname = "SESSION_COOKIE"
        val = "open_session(request.dbsession, account)"
        extra = ""
    lines.append(f"    token = {val}")
    qname = cname if cname == "SESSION_COOKIE" else f'"{cname}"'
    same = c.pick("Strict", "Lax")
    if why and not hard:
        lines.append("    " + why)
    if hard:
        lines.append(f'    response.set_cookie({qname}, token{extra}, httponly=True, secure=True, samesite="{same}")')
    else:
        lines.append(f'    response.set_cookie({qname}, token{extra}, httponly=True, secure={sec}, samesite="{same}"){mark}')
    lines.append("    return response")
    if hard:
        pref = c.pick("theme", "lang", "currency")
        lines += ["", "",
                  f'@view_config(route_name="set_{pref}", request_method="POST", require_csrf=True)',
                  f"def set_{pref}(request):",
                  '    response = HTTPFound(location=request.route_url("home"))',
                  "    # a display preference, not a secret",
                  f'    response.set_cookie("{pref}", request.POST.get("{pref}", "")[:16], max_age=365 * 24 * 3600)',
                  "    return response"]
    return _mod(lines)


@fam("l32cfg-tornado-pyramid-cookie-secure-false", "CWE-614", fws=["tornado", "pyramid"], n=8, wrap=False)
def l32cfg_cookie_secure(c):
    v, s = _replayed(c, _cookie614_module)
    fw = "tornado" if "tornado" in v else "pyramid"
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the cookie is the login session / refresh / remember-device credential, and secure=False "
                      "lets the browser send it over plain http (any http:// link or redirect to the host, an "
                      "http-only subdomain, a downgrade on hostile Wi-Fi), where it can be read; TLS ending at a "
                      "load balancer does not change what the browser sends; the fix sets secure=True")


@hardneg(4)
def l32cfg_cookie_secure_hn(c):
    code = _cookie614_module(c, True, hard=True)
    fw = "tornado" if "tornado" in code else "pyramid"
    return Spec(s=code, full=True, fw=fw,
                notes="the credential cookie is Secure and HttpOnly; the preference cookie without flags holds no "
                      "secret (a theme, language or time zone)")


# ---------------- CWE-1004: signed session / login cookie with httponly=False ----------------

_JS_WHY = ["# the single-page front end reads this cookie to know whether someone is signed in",
           "# the dashboard's websocket client sends the cookie value in its first message",
           ""]


def _cookie1004_module(c, safe, hard=False):
    w, W = _w(c)
    shape = _shape(c, "cookie1004", "pyramid", "tornado", "webpy")
    why = c.pick(*_JS_WHY)
    why = "" if (safe or hard) else why
    ho = "True" if (safe or hard) else "False"
    mark = "" if (safe or hard) else "  #@V"
    if shape == "pyramid":
        lines = ["import os", "",
                 "from pyramid.config import Configurator",
                 "from pyramid.session import SignedCookieSessionFactory", "",
                 f"from .security import SessionSecurityPolicy", "", "",
                 "def main(global_config, **settings):",
                 f'    """WSGI application of the {w} portal (pserve production.ini)."""',
                 "    session_factory = SignedCookieSessionFactory(",
                 f'        os.environ["{W.upper()}_SESSION_SECRET"],',
                 f'        cookie_name="{c.pick(w + "_session", "session", "portal_session")}",',
                 "        secure=True,"]
        if why:
            lines.append("        " + why)
        lines += [f"        httponly={ho},{mark}",
                  f'        samesite="{c.pick("Lax", "Strict")}",',
                  f"        timeout={c.pick(1200, 1800, 3600)},",
                  f"        reissue_time={c.pick(120, 180, 300)},",
                  "    )",
                  "    with Configurator(settings=settings, session_factory=session_factory) as config:",
                  '        config.include("pyramid_jinja2")',
                  "        config.set_security_policy(SessionSecurityPolicy())",
                  '        config.add_route("home", "/")',
                  '        config.add_route("login", "/login")',
                  f'        config.add_route("{w}s", "/{w}s")',
                  '        config.add_static_view("static", "static", cache_max_age=3600)',
                  "        config.scan()",
                  "    return config.make_wsgi_app()"]
        return _mod(lines), "pyramid"
    if shape == "tornado":
        call = c.pick("set_signed_cookie", "set_secure_cookie")
        lines = ["import os", "", "import tornado.web", "",
                 f"from {w}_accounts import check_credentials", "", "",
                 "class LoginHandler(tornado.web.RequestHandler):",
                 "    def get(self):",
                 '        self.render("login.html", error=None)', "",
                 "    async def post(self):",
                 '        user = await check_credentials(self.get_body_argument("username", ""), self.get_body_argument("password", ""))',
                 "        if user is None:",
                 '            self.render("login.html", error="Unknown user name or wrong password")',
                 "            return"]
        if why:
            lines.append("        " + why)
        lines += [f'        self.{call}("user", str(user.id), expires_days={c.pick(1, 7, 14)}, secure=True, httponly={ho}){mark}',
                  '        self.redirect("/")']
        if hard:
            pref = c.pick("tz", "theme")
            lines += ["", "",
                      "class PreferenceHandler(tornado.web.RequestHandler):",
                      "    def post(self):",
                      "        # read by the page's JavaScript; a display setting, not a credential",
                      f'        self.set_cookie("{pref}", self.get_body_argument("{pref}", "")[:40], expires_days=365)',
                      '        self.write({"ok": True})']
        routes = '[(r"/login", LoginHandler)' + (', (r"/prefs", PreferenceHandler)]' if hard else "]")
        lines += ["", "",
                  "def make_app():",
                  "    return tornado.web.Application(",
                  f"        {routes},",
                  f'        cookie_secret=os.environ["{W.upper()}_COOKIE_SECRET"],',
                  '        template_path=os.path.join(os.path.dirname(__file__), "templates"),',
                  "        xsrf_cookies=True,",
                  "    )"]
        return _mod(lines), "tornado"
    lines = ["import web", "",
             f"import {w}_accounts as accounts", "",
             "urls = (",
             '    "/login", "Login",',
             '    "/logout", "Logout",' if c.pick(True, False) else None,
             ")",
             'render = web.template.render("templates/")', "", "",
             "class Login:",
             "    def GET(self):",
             "        return render.login(error=None)", "",
             "    def POST(self):",
             '        form = web.input(email="", password="")',
             "        account = accounts.authenticate(form.email, form.password)",
             "        if account is None:",
             '            return render.login(error="Unknown e-mail or wrong password")',
             "        token = accounts.open_session(account.id)"]
    lines = [l for l in lines if l is not None]
    if why:
        lines.append("        " + why)
    lines += [f'        web.setcookie("{c.pick(w + "_auth", "auth_token", "session")}", token, expires={c.pick("3600 * 8", "86400", "3600")}, '
              f"secure=True, httponly={ho}){mark}",
              '        raise web.seeother("/")']
    if '"/logout"' in "\n".join(lines):
        lines += ["", "",
                  "class Logout:",
                  "    def POST(self):",
                  '        web.setcookie("' + lines[-2].split('"')[1] + '", "", expires=-1, secure=True, httponly=True)',
                  '        raise web.seeother("/login")']
    if hard:
        lines = [l.replace('"/login", "Login",', '"/login", "Login",\n    "/lang", "Language",') for l in lines]
        lines += ["", "",
                  "class Language:",
                  "    def POST(self):",
                  '        lang = web.input(lang="en").lang[:5]',
                  "        # the interface language, not a credential",
                  '        web.setcookie("lang", lang, expires=365 * 86400)',
                  '        raise web.seeother("/")']
    lines += ["", "", "app = web.application(urls, globals())", "application = app.wsgifunc()"]
    return _mod(lines), "script"


@fam("l32cfg-signed-session-httponly-false", "CWE-1004", fws=["pyramid", "tornado", "script"], n=8, wrap=False)
def l32cfg_session_httponly(c):
    st = c.snapshot()
    v, fw = _cookie1004_module(c, False)
    c.restore(st)
    s, _ = _cookie1004_module(c, True)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the cookie is the login session (Pyramid's signed session cookie carries the session data and "
                      "the authenticated user id; Tornado's signed 'user' cookie and the web.py token are the "
                      "credential), and httponly=False lets any script on the page read it, so one XSS hands the "
                      "session to the attacker; the fix sets httponly=True (the front end can ask an endpoint "
                      "whether the user is signed in)")


@hardneg(4)
def l32cfg_session_httponly_hn(c):
    code, fw = _cookie1004_module(c, True, hard=True)
    return Spec(s=code, full=True, fw=fw,
                notes="the session cookie is HttpOnly and Secure; a cookie without HttpOnly holds only a display "
                      "preference (language, time zone, theme)")


# ---------------- CWE-215: hard-coded DEBUG turning on the framework's traceback page ----------------

_DEBUG_WHY = ["", "  # TODO: turn off once the launch settles", "  # keep on until the importer is stable"]


def _debug_line(c, safe, hard, W):
    """The DEBUG flag line: hard-coded on (vulnerable) or an opt-in environment switch that defaults off."""
    why = c.pick(*_DEBUG_WHY)
    env = c.pick(f"{W.upper()}_DEBUG", "APP_DEBUG", "DEBUG")
    off = c.pick(f'DEBUG = os.environ.get("{env}", "0") == "1"', "DEBUG = False")
    if hard:
        off = f'DEBUG = os.environ.get("{env}", "0") == "1"'
    return off if (safe or hard) else f"DEBUG = True{why}  #@V"


def _traceback_module(c, safe, hard=False):
    w, W = _w(c)
    shape = _shape(c, "traceback", "cherrypy", "webpy", "tornado")
    mark = "" if (safe or hard) else "  #@V"
    dbg = _debug_line(c, safe, hard, W)
    if shape == "cherrypy":
        lines = [f'"""Production entry point of the {w} API (CherryPy\'s own server, behind nginx)."""',
                 "import os", "", "import cherrypy", "",
                 f"from {w}_api import {W}Api", "",
                 dbg, "", "",
                 "def main():",
                 "    cherrypy.config.update({",
                 '        "environment": "production",',
                 '        "server.socket_host": "0.0.0.0",',
                 '        "server.socket_port": int(os.environ.get("PORT", "8080")),',
                 f'        "server.thread_pool": {c.pick(10, 20, 30)},',
                 f'        "request.show_tracebacks": DEBUG,{mark}',
                 '        "log.screen": True,',
                 "    })",
                 f'    cherrypy.quickstart({W}Api(), "/api", {{"/": {{"tools.json_out.on": True, "tools.gzip.on": True}}}})',
                 "", "",
                 'if __name__ == "__main__":', "    main()"]
        return _mod(lines), "cherrypy"
    if shape == "webpy":
        res = c.pick("article", "event", "recipe")
        lines = [f'"""The {res} site (gunicorn {res}_site:application in production)."""',
                 "import os", "", "import web", "", dbg,
                 f"web.config.debug = DEBUG{mark}", "",
                 "urls = (",
                 '    "/", "Index",',
                 f'    "/{res}s/(\\\\d+)", "Show",',
                 ")",
                 'render = web.template.render("templates/", base="layout")',
                 'db = web.database(dbn="postgres", host=os.environ.get("DB_HOST", "db"), db="' + res + 's",',
                 '                  user=os.environ["DB_USER"], pw=os.environ["DB_PASSWORD"])', "", "",
                 "class Index:",
                 "    def GET(self):",
                 f'        rows = db.select("{res}s", where="published", order="published_at DESC", limit=30)',
                 "        return render.index(list(rows))", "", "",
                 "class Show:",
                 f"    def GET(self, {res}_id):",
                 f'        rows = list(db.select("{res}s", where="id = $id AND published", vars={{"id": int({res}_id)}}))',
                 "        if not rows:",
                 "            raise web.notfound()",
                 "        return render.show(rows[0])", "", "",
                 "app = web.application(urls, globals())",
                 "application = app.wsgifunc()"]
        return _mod(lines), "script"
    port = c.pick("8888", "8000", "8080")
    lines = [f'"""Entry point of the {w} service (python -m {w}_service, behind nginx)."""',
             "import asyncio", "import os", "", "import tornado.web", "",
             f"from {w}_service.handlers import HealthHandler, {W}Handler, {W}ListHandler", "",
             dbg, "", "",
             "def make_app():",
             "    return tornado.web.Application(",
             "        [",
             '            (r"/healthz", HealthHandler),',
             f'            (r"/api/{w}s", {W}ListHandler),',
             f'            (r"/api/{w}s/([0-9]+)", {W}Handler),',
             "        ],",
             '        cookie_secret=os.environ["COOKIE_SECRET"],',
             "        compress_response=True,",
             f"        serve_traceback=DEBUG,{mark}",
             "    )", "", "",
             "async def main():",
             "    app = make_app()",
             f'    app.listen(int(os.environ.get("PORT", "{port}")), xheaders=True)',
             "    await asyncio.Event().wait()", "", "",
             'if __name__ == "__main__":',
             "    asyncio.run(main())"]
    return _mod(lines), "tornado"


@fam("l32cfg-traceback-page-debug-constant", "CWE-215", fws=["script", "tornado"], n=8, wrap=False)
def l32cfg_traceback_debug(c):
    st = c.snapshot()
    v, fw = _traceback_module(c, False)
    c.restore(st)
    s, _ = _traceback_module(c, True)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="DEBUG is hard-coded on in the production entry module and switches on the framework's "
                      "traceback error page (CherryPy request.show_tracebacks, which overrides the production "
                      "environment; web.py's debugerror page, which also lists every frame's local variables and the "
                      "request environment; Tornado serve_traceback): every unhandled error hands the client the "
                      "stack trace, file paths and code; the fix makes DEBUG an opt-in environment switch that "
                      "defaults off (or turns it off)")


@hardneg(4)
def l32cfg_traceback_debug_hn(c):
    code, fw = _traceback_module(c, True, hard=True)
    return Spec(s=code, full=True, fw=fw,
                notes="the traceback page is keyed on a DEBUG switch that is off unless the environment turns it on")


# ---------------- CWE-489: Eve / APIFlask entry point run with debug=True ----------------


def _rundebug_module(c, safe, hard=False):
    w, W = _w(c)
    shape = _shape(c, "rundebug", "eve", "apiflask")
    port = c.pick("5000", "8080", "8000")
    fix = c.pick("off", "env")
    if hard:
        run = c.pick("waitress", "local")
    else:
        run = "fix" if safe else "bad"
    if shape == "eve":
        head = [f'"""Entry point of the {w} REST API (Dockerfile: CMD ["python", "run.py"])."""',
                "import os", "", "from eve import Eve", "from eve.auth import TokenAuth", "", "",
                "class ApiTokenAuth(TokenAuth):",
                "    def check_auth(self, token, allowed_roles, resource, method):",
                '        tokens = app.data.driver.db["api_tokens"]',
                '        return tokens.find_one({"token": token, "revoked": False}) is not None', "", "",
                "SETTINGS = {",
                '    "MONGO_URI": os.environ["MONGO_URI"],',
                '    "RESOURCE_METHODS": ["GET", "POST"],',
                "    \"ITEM_METHODS\": " + c.pick('["GET", "PATCH"],', '["GET", "PATCH", "DELETE"],'),
                f'    "PAGINATION_LIMIT": {c.pick(50, 100, 200)},',
                '    "DOMAIN": {',
                f'        "{w}s": {{',
                '            "schema": {',
                '                "title": {"type": "string", "required": True, "maxlength": 200},',
                '                "status": {"type": "string", "allowed": ["open", "closed"]},',
                "            },",
                "        },",
                "    },",
                "}", "",
                "app = Eve(settings=SETTINGS, auth=ApiTokenAuth)"]
    else:
        head = [f'"""{W} catalogue API; the container runs `python app.py`."""',
                "import os", "",
                "from apiflask import APIFlask, Schema, abort",
                "from apiflask.fields import Integer, String", "",
                f"from {w}_catalogue import find_item, list_items", "",
                f'app = APIFlask(__name__, title="{W} catalogue", version="{c.pick("1.0", "1.2", "2.0")}")', "", "",
                "class ItemOut(Schema):",
                "    id = Integer()",
                "    name = String()",
                "    price = String()", "", "",
                '@app.get("/items")',
                "@app.output(ItemOut(many=True))",
                "def items():",
                f"    return list_items(limit={c.pick(50, 100)})", "", "",
                '@app.get("/items/<int:item_id>")',
                "@app.output(ItemOut)",
                "def item(item_id):",
                "    found = find_item(item_id)",
                "    if found is None:",
                "        abort(404)",
                "    return found"]
    p = f'int(os.environ.get("PORT", "{port}"))'
    if run == "bad":
        tail = ['if __name__ == "__main__":', f'    app.run(host="0.0.0.0", port={p}, debug=True)  #@V']
    elif run == "fix":
        dbg = "False" if fix == "off" else 'os.environ.get("FLASK_DEBUG") == "1"'
        tail = ['if __name__ == "__main__":', f'    app.run(host="0.0.0.0", port={p}, debug={dbg})']
    elif run == "waitress":
        tail = ['if __name__ == "__main__":',
                "    from waitress import serve", "",
                f'    serve(app, host="0.0.0.0", port={p}, threads={c.pick(4, 8)})']
    else:
        head = [f'"""Development entry point of the {w} app (production runs it under gunicorn)."""'] + head[1:]
        tail = ['if __name__ == "__main__":',
                "    # local development only: loopback, and the debugger only when FLASK_DEBUG=1",
                f'    app.run(host="127.0.0.1", port={port}, debug=os.environ.get("FLASK_DEBUG") == "1")']
    return _mod(head + ["", ""] + tail)


@fam("l32cfg-flask-subclass-entry-run-debug", "CWE-489", fws=["flask"], n=8, wrap=False)
def l32cfg_run_debug(c):
    v, s = _replayed(c, _rundebug_module)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Eve and APIFlask applications are Flask subclasses, so app.run(debug=True) "
                      "starts the Werkzeug development server with the interactive debugger; the module is the "
                      "container's entry point and binds 0.0.0.0, so any client that triggers an error gets a "
                      "traceback page whose console runs Python in the server (behind a PIN that the debugger "
                      "prints to the log and that can be derived from machine data); the fix turns debug off (or "
                      "makes it an opt-in switch that defaults off)")


@hardneg(4)
def l32cfg_run_debug_hn(c):
    return Spec(s=_rundebug_module(c, True, hard=True), full=True, fw="flask",
                notes="production is served by waitress, or the development entry point binds the loopback "
                      "interface and enables the debugger only when FLASK_DEBUG=1 is set")
