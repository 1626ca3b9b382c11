"""Train-only whole-module families on configuration modules and client wrappers (libs4 config set):
realistic modules of about 80-110 lines (settings classes, client classes, helper services, receivers)
with exactly one crypto / TLS / secret / randomness / transport weakness each, and a twin that differs
only by the minimal fix.

Covers: Flask config classes read with environs whose production profile leaves debug mode on by
default (215); a python-decouple settings module for a FastAPI app with a literal default for a
secret (798); a dynaconf + FlaskDynaconf settings module whose validators default a session or
remember-me cookie's Secure flag to False (614); an httpcore client class that turns certificate
checks off on one code path (295); an aio-pika event bus that logs in to RabbitMQ over plain AMQP
(319); a workspace-invitation service whose link codes come from ``random.randrange`` (338); a PyNaCl
argon2 operator store with libsodium's minimum work factors (916); and a Starlette receiver for
Svix-signed partner webhooks that parses unsigned deliveries for endpoints without a secret (347).
The optional parts of each module are drawn per rendering (``_opt``, ``_method_opt``), so the eight
renderings differ in their set of functions or settings, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _twin, _w, sub, _opt
from registry import fam, hardneg


def _indented_opt(c, *blocks, least=1, most=None, sep="\n\n"):
    """Like ``_opt`` for the body of a class: blocks indented by four spaces."""
    bs = [dedent(b).strip("\n") for b in blocks if b]
    k = c.rng.randint(least, most or len(bs))
    picked = c.rng.sample(bs, k) if k else []
    return sep.join("\n".join(("    " + l) if l.strip() else "" for l in b.split("\n")) for b in picked)


def _domain(c, w):
    return c.pick(f"{w}s.example.com", "example.org", f"{w}hub.example.net", "corp.example.com")


# ---------------- CWE-215: environs Flask config, production profile with debug on by default ----------------

_ENVIRONS = r'''
"""Configuration of the $w service (Flask): one class per deployment profile, values from the environment."""
from __future__ import annotations

import logging
from datetime import timedelta

from environs import Env

env = Env()
env.read_env()  # a .env file next to the app when there is one (local runs); containers set real variables

log = logging.getLogger("$w.config")


class BaseConfig:
    """Settings every profile shares; the profiles below override a few of them."""

    APP_NAME = "$w-service"
    SECRET_KEY = env.str("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env.str("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": env.int("DB_POOL_SIZE", $pool)}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAX_CONTENT_LENGTH = env.int("MAX_UPLOAD_MB", $upload) * 1024 * 1024
    PERMANENT_SESSION_LIFETIME = timedelta(hours=env.int("SESSION_HOURS", $hours))
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "$samesite"
    LOG_LEVEL = env.log_level("LOG_LEVEL", logging.INFO)
    DEBUG = False
    TESTING = False$baseextra


class DevelopmentConfig(BaseConfig):
    """Local development: reloader and debugger on, SQL echoed when asked for."""

    DEBUG = env.bool("FLASK_DEBUG", default=True)
    SQLALCHEMY_ECHO = env.bool("SQL_ECHO", default=False)
    TEMPLATES_AUTO_RELOAD = True


class TestingConfig(BaseConfig):
    """pytest: an in-memory database and no outgoing mail."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = env.str("TEST_DATABASE_URL", "sqlite:///:memory:")
    MAIL_SUPPRESS_SEND = True


class ProductionConfig(BaseConfig):
    """The public deployment behind the load balancer."""

    PREFERRED_URL_SCHEME = "https"
    $debugline
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": env.int("DB_POOL_SIZE", $prodpool), "pool_recycle": 1800}$prodextra


PROFILES: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[BaseConfig]:
    """The config class for ``name``; without one, $ENVVAR decides (production when unset)."""
    name = (name or env.str("$ENVVAR", "production")).strip().lower()
    try:
        return PROFILES[name]
    except KeyError:
        raise RuntimeError(f"unknown profile {name!r}; expected one of {sorted(PROFILES)}") from None


def init_app(app, profile: str | None = None) -> None:
    """Load the profile into ``app.config`` and configure logging to match."""
    cfg = get_config(profile)
    app.config.from_object(cfg)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("%s started with the %s profile", cfg.APP_NAME, cfg.__name__)


$extra
'''

_ENVIRONS_BASE = [r'''
MAIL_SERVER = env.str("MAIL_SERVER", "smtp.$domain")
MAIL_PORT = env.int("MAIL_PORT", 587)
MAIL_USE_TLS = True
MAIL_USERNAME = env.str("MAIL_USERNAME", None)
MAIL_PASSWORD = env.str("MAIL_PASSWORD", None)
MAIL_DEFAULT_SENDER = env.str("MAIL_SENDER", "no-reply@$domain")
''', r'''
CACHE_TYPE = "RedisCache"
CACHE_REDIS_URL = env.str("REDIS_URL", "redis://localhost:6379/0")
CACHE_DEFAULT_TIMEOUT = env.int("CACHE_TIMEOUT", $cachet)
''', r'''
CORS_ORIGINS = env.list("CORS_ORIGINS", ["https://app.$domain"])
RATELIMIT_DEFAULT = env.str("RATELIMIT_DEFAULT", "$rate")
RATELIMIT_STORAGE_URI = env.str("RATELIMIT_STORAGE_URI", "memory://")
''', r'''
with env.prefixed("FEATURE_"):
    FEATURE_NEW_CHECKOUT = env.bool("NEW_CHECKOUT", False)
    FEATURE_BULK_EXPORT = env.bool("BULK_EXPORT", True)
''']

_ENVIRONS_PROD = [r'''
SENTRY_DSN = env.str("SENTRY_DSN", None)
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", $sample)
''', r'''
LOG_LEVEL = env.log_level("LOG_LEVEL", logging.WARNING)
''', r'''
SEND_FILE_MAX_AGE_DEFAULT = timedelta(days=$staticdays)
''']

_ENVIRONS_EXTRA = [r'''
SECRET_SETTINGS = frozenset({"SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MAIL_PASSWORD", "SENTRY_DSN"})


def describe(cfg: type[BaseConfig]) -> dict[str, object]:
    """Upper-case settings of a profile for the deployment log, secrets masked."""
    out: dict[str, object] = {}
    for name in dir(cfg):
        if name.isupper():
            value = getattr(cfg, name)
            out[name] = "***" if name in SECRET_SETTINGS and value else value
    return out
''', r'''
def validate(cfg: type[BaseConfig]) -> list[str]:
    """Problems that should stop a release (the deploy pipeline runs this)."""
    problems = []
    if len(cfg.SECRET_KEY) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters")
    if cfg is ProductionConfig and cfg.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        problems.append("production must not run on SQLite")
    if cfg.MAX_CONTENT_LENGTH > 100 * 1024 * 1024:
        problems.append("uploads above 100 MB need the streaming endpoint")
    return problems
''', r'''
def engine_options(cfg: type[BaseConfig], worker_count: int) -> dict[str, object]:
    """Pool settings for one worker process, so all workers together stay under the server limit."""
    opts = dict(cfg.SQLALCHEMY_ENGINE_OPTIONS)
    opts["pool_size"] = max(2, int(opts.get("pool_size", 5)) // max(1, worker_count))
    opts["max_overflow"] = opts["pool_size"]
    return opts
''']


def _environs(c):
    w, Wc = _w(c)
    debugline = c.pick('DEBUG = env.bool("FLASK_DEBUG", default=True)  #@V',
                       'DEBUG = env.bool("DEBUG", True)  #@V',
                       "DEBUG = True  # on until error reporting is wired up on the new cluster  #@V")
    base = _indented_opt(c, *_ENVIRONS_BASE, least=1, most=2, sep="\n")
    prod = _indented_opt(c, *_ENVIRONS_PROD, least=0, most=2, sep="\n")
    extra = _opt(c, *_ENVIRONS_EXTRA, least=1, most=2)
    t = _ENVIRONS.replace("$baseextra", "\n" + base).replace("$prodextra", ("\n" + prod) if prod else "")
    t = t.replace("$extra", extra)
    v = sub(t, w=w, debugline=debugline, pool=c.pick(5, 10), prodpool=c.pick(20, 30, 40),
            upload=c.pick(16, 25, 50), hours=c.pick(8, 12, 24), samesite=c.pick("Lax", "Strict"),
            ENVVAR=c.pick("APP_PROFILE", "FLASK_CONFIG", f"{w.upper()}_ENV"), domain=_domain(c, w),
            cachet=c.pick(300, 600), rate=c.pick("200/hour", "60/minute", "1000/day"),
            sample=c.pick(0.05, 0.1, 0.2), staticdays=c.pick(7, 30))
    return v, debugline


@fam("mod4-environs-flask-prod-debug", "CWE-215", fws=["flask"], n=8, wrap=False)
def mod4_environs_flask_prod_debug(c):
    v, debugline = _environs(c)
    s = _twin(v, ("    " + debugline + "\n", "    DEBUG = False\n"))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the ProductionConfig profile turns Flask's debug mode on (literally, or as the default when "
                      "the variable is unset, as it is in a fresh deployment): app.debug is True in production, so "
                      "app.run() serves the Werkzeug interactive debugger (tracebacks with local variables and "
                      "settings, a console on the server) and exceptions propagate instead of being handled; Flask "
                      "documents that debug mode must never be on in production (`flask run` itself reads "
                      "FLASK_DEBUG, not the config); production must pin DEBUG = False, as the base class does")


@hardneg(2)
def mod4_environs_flask_prod_debug_hn(c):
    v, debugline = _environs(c)
    s = _twin(v, ("    " + debugline + "\n", "    DEBUG = False\n"))
    runner = dedent(r'''


        def run_local(app) -> None:
            """For local runs: the development server with the debugger, on the loopback interface only."""
            cfg = get_config("development")
            init_app(app, "development")
            app.run(host="127.0.0.1", port=env.int("PORT", 5000), debug=cfg.DEBUG, use_reloader=cfg.DEBUG)
    ''').rstrip("\n")
    return Spec(s=s.rstrip("\n") + "\n\n\n" + runner + "\n", full=True, fw="flask",
                notes="debug mode only in the development profile and the loopback-bound local runner; "
                      "ProductionConfig pins DEBUG = False")


# ---------------- CWE-798: python-decouple settings with a literal default for a secret ----------------

_DECOUPLE = r'''
"""Settings of the $w API (FastAPI), read with python-decouple from the environment or a .env file."""
from __future__ import annotations

$importblock

log = logging.getLogger("$w.settings")

ENVIRONMENT = config("ENVIRONMENT", default="production", cast=Choices(["development", "staging", "production"]))
DATABASE_URL = config("DATABASE_URL")
DB_POOL_SIZE = config("DB_POOL_SIZE", default=$pool, cast=int)
REDIS_URL = config("REDIS_URL", default="redis://localhost:6379/0")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="api.$domain", cast=Csv())
CORS_ORIGINS = config("CORS_ORIGINS", default="https://app.$domain", cast=Csv())
LOG_LEVEL = config("LOG_LEVEL", default="INFO")
UPLOAD_MAX_MB = config("UPLOAD_MAX_MB", default=$upload, cast=int)
SENTRY_DSN = config("SENTRY_DSN", default="")
FEATURES = config("FEATURES", default="$features", cast=Csv())
$constlines
$SECRETVAR = config("$SECRETVAR", default="$literal")  #@V


@dataclass(frozen=True)
class Settings:
    environment: str
    database_url: str
    db_pool_size: int
    redis_url: str
    allowed_hosts: tuple[str, ...]
    cors_origins: tuple[str, ...]
    features: frozenset[str]
    $field: str

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings object the routes receive through ``Depends(get_settings)``."""
    return Settings(
        environment=ENVIRONMENT,
        database_url=DATABASE_URL,
        db_pool_size=DB_POOL_SIZE,
        redis_url=REDIS_URL,
        allowed_hosts=tuple(ALLOWED_HOSTS),
        cors_origins=tuple(CORS_ORIGINS),
        features=frozenset(FEATURES),
        $field=$SECRETVAR,
    )


def redacted(settings: Settings) -> dict[str, object]:
    """The settings for the startup log and /internal/config, secret and database credentials masked."""
    out = asdict(settings)
    out["$field"] = "***"
    out["database_url"] = settings.database_url.rsplit("@", 1)[-1]
    return out


$usage


$extra
'''

# (variable, dataclass field, (stdlib import, third-party import), extra constants, the function using it)
_DECOUPLE_SECRETS = [
    ("JWT_SECRET", "jwt_secret", ("from datetime import datetime, timedelta, timezone", "import jwt"),
     'JWT_ALGORITHM = "HS256"\nACCESS_TOKEN_MINUTES = config("ACCESS_TOKEN_MINUTES", default=15, cast=int)', r'''
def create_access_token(subject: str, scopes: list[str], settings: Settings) -> str:
    """A short-lived HS256 access token for the mobile and web clients."""
    now = datetime.now(timezone.utc)
    claims = {"sub": subject, "scope": " ".join(scopes), "iat": now,
              "exp": now + timedelta(minutes=ACCESS_TOKEN_MINUTES)}
    return jwt.encode(claims, settings.jwt_secret, algorithm=JWT_ALGORITHM)
'''),
    ("SESSION_SECRET", "session_secret", ("", "from starlette.middleware.sessions import SessionMiddleware"),
     'SESSION_MAX_AGE = config("SESSION_MAX_AGE", default=28800, cast=int)', r'''
def install_sessions(app, settings: Settings) -> None:
    """Signed cookie sessions for the admin pages."""
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret, max_age=SESSION_MAX_AGE,
                       same_site="lax", https_only=True)
'''),
    ("SMTP_PASSWORD", "smtp_password", ("from email.message import EmailMessage", "import aiosmtplib"),
     'SMTP_HOST = config("SMTP_HOST", default="smtp.$domain")\nSMTP_USER = config("SMTP_USER", default="api@$domain")', r'''
async def send_mail(settings: Settings, to: str, subject: str, text: str) -> None:
    """Transactional mail through the relay (STARTTLS on 587)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = SMTP_USER, to, subject
    msg.set_content(text)
    await aiosmtplib.send(msg, hostname=SMTP_HOST, port=587, start_tls=True,
                          username=SMTP_USER, password=settings.smtp_password)
'''),
    ("PARTNER_API_TOKEN", "partner_api_token", ("", "import httpx"),
     'PARTNER_API_URL = config("PARTNER_API_URL", default="https://api.partner.example.net/v2")', r'''
def partner_client(settings: Settings) -> httpx.AsyncClient:
    """Client for the fulfilment partner's API; the token identifies this deployment."""
    return httpx.AsyncClient(base_url=PARTNER_API_URL, timeout=10.0,
                             headers={"Authorization": f"Bearer {settings.partner_api_token}"})
'''),
]

_DECOUPLE_EXTRA = [r'''
def configure_logging(settings: Settings) -> None:
    level = LOG_LEVEL if settings.is_production else "DEBUG"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("settings loaded for %s (%d allowed hosts)", settings.environment, len(settings.allowed_hosts))
''', r'''
def install_middleware(app, settings: Settings) -> None:
    """Host and CORS checks for the public API."""
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
                       allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["Authorization", "Content-Type"])
''', r'''
def database_kwargs(settings: Settings) -> dict[str, object]:
    """Keyword arguments for ``create_async_engine``."""
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_pool_size // 2,
            "pool_pre_ping": True, "echo": not settings.is_production}
''', r'''def release_problems(settings: Settings) -> list[str]:
    """Checked by the release pipeline: settings that must not reach production."""
    problems = []
    if settings.is_production and any(h in ("*", "localhost") for h in settings.allowed_hosts):
        problems.append("ALLOWED_HOSTS is too broad for production")
    if settings.is_production and "*" in settings.cors_origins:
        problems.append("CORS_ORIGINS must list the front-end origins")
    if UPLOAD_MAX_MB > 100:
        problems.append("uploads above 100 MB need the resumable upload service")
    return problems
''', r'''def feature_enabled(settings: Settings, name: str) -> bool:
    """Feature switches come from the comma-separated FEATURES variable."""
    return name in settings.features
''']


def _literal(c, n):
    chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(c.rng.choice(chars) for _ in range(n))


def _decouple(c):
    w, Wc = _w(c)
    var, field, imports, consts, usage = c.pick(*_DECOUPLE_SECRETS)
    prefix = c.pick("", "", f"{w}-", "prod-", "changeme-")
    literal = prefix + _literal(c, c.pick(24, 32, 40))
    extra = _opt(c, *_DECOUPLE_EXTRA, least=2, most=4)
    t = _DECOUPLE.replace("$usage", usage.strip("\n")).replace("$extra", extra)
    std = sorted(["import logging", "from dataclasses import asdict, dataclass", "from functools import lru_cache"]
                 + ([imports[0]] if imports[0] else []), key=lambda l: (l.startswith("from "), l.split()[1]))
    third = sorted(["from decouple import Choices, Csv, config", imports[1]],
                   key=lambda l: (l.startswith("from "), l.split()[1]))
    block = "\n".join(std) + "\n\n" + "\n".join(third)
    t = t.replace("$importblock", block)
    v = sub(t, w=w, constlines=consts, SECRETVAR=var, field=field, literal=literal,
            pool=c.pick(5, 10, 20), domain=_domain(c, w), upload=c.pick(10, 25, 50),
            features=c.pick("", "search-v2", "bulk-import,search-v2", "webhooks"))
    line = f'{var} = config("{var}", default="{literal}")  #@V\n'
    return v, line, var


def _decouple_twin(v, line, var):
    return _twin(v, (line, f'{var} = config("{var}")\n'))


@fam("mod4-decouple-secret-literal-default", "CWE-798", fws=["fastapi"], n=8, wrap=False)
def mod4_decouple_secret_default(c):
    v, line, var = _decouple(c)
    s = _decouple_twin(v, line, var)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"{var} falls back to a literal default written in the settings module: the secret is in "
                      "the repository and every image built from it, and a deployment that forgets the variable "
                      "silently runs with the published value; read it without a default so startup fails "
                      "(decouple raises UndefinedValueError) until the real secret is provided")


@hardneg(2)
def mod4_decouple_secret_default_hn(c):
    v, line, var = _decouple(c)
    s = _twin(v, (line, f'{var} = _read_secret("{var}")\n'))
    reader = dedent(r'''
        def _read_secret(name: str) -> str:
            """A Docker/Kubernetes secret file under /run/secrets, else the environment; never a default."""
            path = Path("/run/secrets") / name.lower()
            if path.is_file():
                return path.read_text(encoding="utf-8").strip()
            return config(name)
    ''').strip("\n")
    s = s.replace("\nENVIRONMENT = config(", "\n\n" + reader + "\n\n\nENVIRONMENT = config(", 1)
    s = s.replace("from functools import lru_cache\n", "from functools import lru_cache\nfrom pathlib import Path\n", 1)
    assert "from pathlib import Path" in s
    return Spec(s=s, full=True, fw="fastapi",
                notes="the secret comes from a mounted secret file or the environment, with no literal fallback; "
                      "the literal defaults left are non-secret (hosts, pool sizes, log level)")


# ---------------- CWE-614: dynaconf validators default a session cookie's Secure flag to False ----------------

_DYNACONF = r'''
"""Settings and application factory of the $w web app.

dynaconf layers ``settings.toml``, ``.secrets.toml`` and ``$WU_*`` environment variables per
environment ([development], [production]); the validators fill in defaults and stop the app from
starting on a broken configuration.
"""
from __future__ import annotations

import logging

from dynaconf import Dynaconf, FlaskDynaconf, Validator
from flask import Flask, jsonify
$loginimport

log = logging.getLogger("$w.settings")

settings = Dynaconf(
    envvar_prefix="$WU",
    settings_files=["settings.toml", ".secrets.toml"],
    environments=True,
    env_switcher="$WU_ENV",
    load_dotenv=True,
    validators=[
        Validator("SECRET_KEY", must_exist=True, len_min=32),
        Validator("SQLALCHEMY_DATABASE_URI", must_exist=True, startswith="postgresql"),
        Validator("SESSION_COOKIE_NAME", default="$w_session"),
        Validator("SESSION_COOKIE_SECURE", default=$sessionsecure),$sessionmark
        Validator("SESSION_COOKIE_HTTPONLY", default=True),
        Validator("SESSION_COOKIE_SAMESITE", default="$samesite", is_in=["Lax", "Strict"]),
        Validator("PERMANENT_SESSION_LIFETIME", default=$lifetime, gte=300, lte=86400),
$validators
    ],
)


def create_app() -> Flask:
    """Application factory: settings first, then the extensions and blueprints."""
    app = Flask(__name__)
    FlaskDynaconf(app, dynaconf_instance=settings)
    logging.basicConfig(level=settings.get("LOG_LEVEL", "INFO"))

    from $w_app.db import db
    from $w_app.views import bp as main_bp

    db.init_app(app)
    app.register_blueprint(main_bp)
$loginsetup
$hooks
    log.info("$w app started in the %s environment", settings.current_env)
    return app


$extra
'''

_DYNACONF_VALIDATORS = [
    '        Validator("MAX_CONTENT_LENGTH", default=$upload * 1024 * 1024, lte=100 * 1024 * 1024),',
    '        Validator("LOG_LEVEL", default="INFO", is_in=["DEBUG", "INFO", "WARNING", "ERROR"]),',
    '        Validator("MAIL_SERVER", "MAIL_DEFAULT_SENDER", must_exist=True, env="production"),',
    '        Validator("CACHE_REDIS_URL", default="redis://localhost:6379/0", startswith="redis"),',
    '        Validator("PREFERRED_URL_SCHEME", default="https", is_in=["http", "https"]),',
    '        Validator("SERVER_NAME", must_exist=True, env="production"),',
]

_DYNACONF_HOOKS = [r'''
@app.after_request
def _security_headers(resp):
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    return resp
''', r'''
@app.get("/healthz")
def healthz():
    return jsonify(status="ok", env=settings.current_env)
''', r'''
@app.errorhandler(404)
def not_found(_exc):
    return jsonify(error="not found"), 404
''']

_DYNACONF_EXTRA = [r'''
def cookie_settings() -> dict[str, object]:
    """The effective cookie flags, for the admin diagnostics page."""
    return {k: v for k, v in sorted(settings.as_dict().items()) if "COOKIE" in k}
''', r'''def mail_options() -> dict[str, object]:
    """Keyword arguments for the mailer, from the [mail] settings of the current environment."""
    return {"host": settings.MAIL_SERVER, "port": settings.get("MAIL_PORT", 587), "use_tls": True,
            "sender": settings.MAIL_DEFAULT_SENDER, "timeout": settings.get("MAIL_TIMEOUT", 10)}
''', r'''
def reload_settings() -> None:
    """Re-read files and variables (SIGHUP handler in the gunicorn config) and validate again."""
    settings.reload()
    settings.validators.validate()
    log.info("settings reloaded for %s", settings.current_env)
''', r'''
def feature(name: str, default: bool = False) -> bool:
    """A boolean feature flag from the [features] table of the current environment."""
    return bool(settings.get(f"FEATURES.{name.upper()}", default))
''']


_DYNACONF_LOGIN = """\
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"

    @login_manager.user_loader
    def load_user(user_id: str):
        from $w_app.models import User

        return db.session.get(User, int(user_id))"""


def _dynaconf(c):
    w, Wc = _w(c)
    weak = c.pick("session", "session", "remember")
    login = weak == "remember" or c.rng.random() < 0.4
    validators = [l.replace("$upload", str(c.pick(16, 32, 50)))
                  for l in c.rng.sample(_DYNACONF_VALIDATORS, c.rng.randint(1, len(_DYNACONF_VALIDATORS)))]
    if login:
        rem = [f'        Validator("REMEMBER_COOKIE_DURATION", default={c.pick(604800, 1209600, 2592000)}, lte=2592000),',
               '        Validator("REMEMBER_COOKIE_SECURE", default=' + ("False),  #@V" if weak == "remember" else "True),"),
               '        Validator("REMEMBER_COOKIE_HTTPONLY", default=True),']
        validators = rem + validators
    hooks = _indented_opt(c, *_DYNACONF_HOOKS, least=1, sep="\n\n")
    extra = _opt(c, *_DYNACONF_EXTRA, least=2, most=3)
    t = _DYNACONF.replace("$extra", extra).replace("$hooks", ("\n" + hooks + "\n") if hooks else "")
    t = t.replace("$validators", "\n".join(validators))
    v = sub(t, w=w, WU=w.upper(), samesite=c.pick("Lax", "Strict"), lifetime=c.pick(3600, 14400, 28800),
            sessionsecure="False" if weak == "session" else "True",
            sessionmark="  #@V" if weak == "session" else "",
            loginimport="from flask_login import LoginManager" if login else "",
            loginsetup=(_DYNACONF_LOGIN if login else ""))
    if "jsonify(" not in v:
        v = v.replace("from flask import Flask, jsonify\n", "from flask import Flask\n")
    v = v.replace("\n\n\nlog = logging", "\n\nlog = logging")
    v = v.replace("app.register_blueprint(main_bp)\n\n", "app.register_blueprint(main_bp)\n")
    v = v.replace("\n\n\n    log.info(\"", "\n\n    log.info(\"")
    name = "SESSION_COOKIE_SECURE" if weak == "session" else "REMEMBER_COOKIE_SECURE"
    return v, name


def _dynaconf_twin(v, name):
    return _twin(v, (f'Validator("{name}", default=False),  #@V', f'Validator("{name}", default=True),'))


@fam("mod4-dynaconf-cookie-secure-default", "CWE-614", fws=["flask"], n=8, wrap=False)
def mod4_dynaconf_cookie_secure(c):
    v, name = _dynaconf(c)
    s = _dynaconf_twin(v, name)
    what = "session" if name.startswith("SESSION") else "Flask-Login remember-me"
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the validators default {name} to False, and nothing in the module sets it for production: "
                      f"the {what} cookie is sent without the Secure attribute, so any plain-http request to the "
                      "site (a typed URL, an http link, a downgrade on a hostile network) carries it in clear text "
                      "for an on-path attacker to replay; default it to True (development can override in its "
                      "own settings table)")


@hardneg(2)
def mod4_dynaconf_cookie_secure_hn(c):
    v, name = _dynaconf(c)
    s = _dynaconf_twin(v, name)
    pref = dedent(r'''
        def remember_theme(resp, theme: str):
            """The UI theme cookie: not a credential, but sent the same way as the session cookie."""
            if theme in {"light", "dark", "system"}:
                resp.set_cookie("theme", theme, max_age=31536000, secure=settings.SESSION_COOKIE_SECURE,
                                samesite="Lax")
            return resp
    ''').strip("\n")
    return Spec(s=s.rstrip("\n") + "\n\n\n" + pref + "\n", full=True, fw="flask",
                notes="every cookie flag defaults to the secure value; the theme cookie reuses the session "
                      "cookie's Secure setting")


# ---------------- CWE-295: httpcore client with certificate checks off on one code path ----------------

_HTTPCORE = r'''
"""Client for the $api API used by the $w sync workers, built on httpcore: pooled connections,
retries on gateway errors, JSON in and out."""
from __future__ import annotations

import json
import logging
import os
import ssl
import time
from typing import Any
from urllib.parse import urlencode

import httpcore

log = logging.getLogger("$w.$api_client")

DEFAULT_URL = os.environ.get("$WU_API_URL", "https://$api.$domain")
$CAVAR = os.environ.get("$WU_$CAVAR", "/etc/$w/$cafile")
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_ATTEMPTS = $attempts


class ApiError(RuntimeError):
    """A non-2xx answer; ``status`` and the raw ``body`` are kept for the caller."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"$api API answered {status}")
        self.status = status
        self.body = body


class $Client:
    def __init__(self, base_url: str = DEFAULT_URL, token: str | None = None, *, $flag: bool = False,
                 timeout: float = $timeout) -> None:
        self._base = base_url.rstrip("/")
        self._token = token or os.environ["$WU_API_TOKEN"]
        self._timeout = {"connect": 5.0, "read": timeout, "write": timeout, "pool": 5.0}
        self._pool = httpcore.ConnectionPool(ssl_context=self._ssl_context($flag), max_connections=$maxconn,
                                             http2=$http2)

    @staticmethod
    def _ssl_context($flag: bool) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if $flag:
            # $comment
            ctx.check_hostname = False  #@V
            ctx.verify_mode = ssl.CERT_NONE  #@V
        return ctx

    def _request(self, method: str, path: str, *, params: dict | None = None, body: Any = None) -> Any:
        url = self._base + path + ("?" + urlencode(params) if params else "")
        headers = [(b"Authorization", f"Bearer {self._token}".encode()), (b"Accept", b"application/json")]
        content = None
        if body is not None:
            content = json.dumps(body).encode("utf-8")
            headers.append((b"Content-Type", b"application/json"))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            resp = self._pool.request(method, url, headers=headers, content=content,
                                      extensions={"timeout": self._timeout})
            if resp.status not in RETRY_STATUSES or attempt == MAX_ATTEMPTS:
                break
            log.warning("%s %s answered %d (attempt %d)", method, path, resp.status, attempt)
            time.sleep($backoff * 2 ** attempt)
        if resp.status >= 400:
            raise ApiError(resp.status, resp.content)
        return json.loads(resp.content) if resp.content else None

$methods

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> $Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
'''

_HTTPCORE_METHODS = [r'''
def list_$items(self, updated_since: str | None = None, page_size: int = 100) -> list[dict]:
    """Every $item, following the cursor to the last page."""
    items, cursor = [], None
    while True:
        params: dict[str, object] = {"limit": page_size}
        if updated_since:
            params["updated_since"] = updated_since
        if cursor:
            params["cursor"] = cursor
        page = self._request("GET", "/v1/$items", params=params)
        items.extend(page["data"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items
''', r'''
def get_$item(self, $item_id: str) -> dict:
    return self._request("GET", f"/v1/$items/{$item_id}")
''', r'''
def push_status(self, $item_id: str, status: str, note: str = "") -> dict:
    """Report the sync result of one $item back to the API."""
    return self._request("POST", f"/v1/$items/{$item_id}/status", body={"status": status, "note": note[:500]})
''', r'''
def ping(self) -> bool:
    try:
        return bool(self._request("GET", "/v1/health").get("ok"))
    except (ApiError, httpcore.NetworkError, httpcore.TimeoutException):
        return False
''']

# (flag parameter, CA variable, CA file, the comment of the branch)
_HTTPCORE_PATHS = [
    ("on_prem", "GATEWAY_CA", "gateway-ca.pem",
     "gateways installed on customer sites present certificates of our own gateway CA, not a public one"),
    ("sandbox", "SANDBOX_CA", "partner-sandbox-ca.pem",
     "the partner's sandbox hosts use certificates issued by their private test CA"),
    ("via_proxy", "PROXY_CA", "egress-inspection-ca.pem",
     "the data-centre egress proxy re-signs TLS with the corporate inspection CA"),
]


def _httpcore(c):
    w, Wc = _w(c)
    api = c.pick("ledger", "inventory", "catalog", "billing", "fleet")
    flag, cavar, cafile, comment = c.pick(*_HTTPCORE_PATHS)
    methods = [dedent(m).strip("\n") for m in _HTTPCORE_METHODS]
    k = c.rng.randint(2, len(methods))
    picked = c.rng.sample(methods, k)
    body = "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in m.split("\n")) for m in picked)
    t = _HTTPCORE.replace("$methods", body)
    v = sub(t, w=w, WU=w.upper(), api=api, Client=api.capitalize() + c.pick("Client", "Api", "Service"),
            flag=flag, CAVAR=cavar, cafile=cafile, comment=comment, domain=_domain(c, w),
            items=w + "s", item=w, attempts=c.pick(3, 4, 5), timeout=c.pick("15.0", "30.0", "60.0"),
            maxconn=c.pick(10, 20, 50), http2=c.pick("True", "False"), backoff=c.pick("0.5", "1.0"))
    return v, flag, cavar


def _httpcore_twin(v, cavar, extra=""):
    return _twin(v, ("            ctx.check_hostname = False  #@V\n            ctx.verify_mode = ssl.CERT_NONE  #@V\n",
                     f"            ctx.load_verify_locations(cafile={cavar})\n" + extra))


@fam("mod4-httpcore-client-cert-none-branch", "CWE-295", fws=["script"], n=8, wrap=False)
def mod4_httpcore_cert_none(c):
    v, flag, cavar = _httpcore(c)
    s = _httpcore_twin(v, cavar)
    return Spec(v=v, s=s, full=True, fw="script",
                notes=f"when the client is built with {flag}=True its SSL context neither checks the host name nor "
                      "the certificate chain (CERT_NONE): anyone on the path presents any certificate, reads the "
                      "bearer token from the Authorization header and answers in the API's place; trust the "
                      f"private CA for that path instead ({cavar})")


@hardneg(2)
def mod4_httpcore_cert_none_hn(c):
    v, flag, cavar = _httpcore(c)
    s = _httpcore_twin(v, cavar, "            ctx.verify_mode = ssl.CERT_REQUIRED\n"
                                 "            ctx.check_hostname = True\n")
    return Spec(s=s, full=True, fw="script",
                notes=f"the {flag} path adds its private CA to the default context and keeps CERT_REQUIRED and "
                      "host-name checks explicitly on")


# ---------------- CWE-319: aio-pika event bus logging in over plain AMQP ----------------

_PIKA = r'''
"""RabbitMQ event bus of the $w service (aio-pika): publishes domain events and consumes commands."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable
$quoteimport
import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

log = logging.getLogger("$w.bus")

EXCHANGE = "$w.events"
PREFETCH = $prefetch
Handler = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class BrokerSettings:
    host: str = field(default_factory=lambda: os.environ.get("AMQP_HOST", "$host"))
    vhost: str = field(default_factory=lambda: os.environ.get("AMQP_VHOST", "$w"))
    user: str = field(default_factory=lambda: os.environ.get("AMQP_USER", "$w-svc"))
    password: str = field(default_factory=lambda: os.environ["AMQP_PASSWORD"], repr=False)
$urlmethod


class EventBus:
    """One robust connection; events go to a durable topic exchange, keyed by event type."""

    def __init__(self, settings: BrokerSettings | None = None) -> None:
        self.settings = settings or BrokerSettings()
        self._conn: AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def connect(self) -> None:
$connect
        channel = await self._conn.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        self._exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        log.info("connected to %s as %s", self.settings.host, self.settings.user)

    async def publish(self, event_type: str, payload: dict[str, Any]) -> None:
        body = json.dumps({"type": event_type, "at": datetime.now(timezone.utc).isoformat(), "data": payload})
        message = aio_pika.Message(body.encode("utf-8"), content_type="application/json",
                                   delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await self._exchange.publish(message, routing_key=event_type)

    async def consume(self, queue_name: str, pattern: str, handler: Handler) -> None:
        """Bind ``queue_name`` to events matching ``pattern``; failed messages go to the dead-letter exchange."""
        channel = await self._conn.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(queue_name, durable=True,
                                            arguments={"x-dead-letter-exchange": f"{EXCHANGE}.dlx"})
        await queue.bind(exchange, routing_key=pattern)

        async def on_message(message: AbstractIncomingMessage) -> None:
            async with message.process(requeue=False):
                await handler(json.loads(message.body))

        await queue.consume(on_message)
        log.info("consuming %s (%s)", queue_name, pattern)
$methods

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
$extra
'''

_PIKA_URL = r'''
    def url(self) -> str:
        creds = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}"
        return f"amqp://{creds}@{self.host}:5672/{quote(self.vhost, safe='')}"  #@V
'''

_PIKA_CONNECT_URL = '''        self._conn = await aio_pika.connect_robust(self.settings.url(), client_properties={"connection_name": "$w-bus"})'''

_PIKA_CONNECT_KW = '''        self._conn = await aio_pika.connect_robust(
            host=self.settings.host,
            port=5672, ssl=False,  #@V
            login=self.settings.user,
            password=self.settings.password,
            virtualhost=self.settings.vhost,
            client_properties={"connection_name": "$w-bus"},
        )'''

_PIKA_METHODS = [r'''
async def publish_many(self, events: list[tuple[str, dict[str, Any]]]) -> int:
    """Publish a batch in order; returns how many were sent."""
    for event_type, payload in events:
        await self.publish(event_type, payload)
    return len(events)
''', r'''
async def declare_dead_letters(self) -> None:
    """The exchange and queue that collect messages a consumer rejected."""
    channel = await self._conn.channel()
    dlx = await channel.declare_exchange(f"{EXCHANGE}.dlx", aio_pika.ExchangeType.FANOUT, durable=True)
    queue = await channel.declare_queue(f"{EXCHANGE}.dead", durable=True, arguments={"x-message-ttl": $dlttl})
    await queue.bind(dlx)
''', r'''
def is_connected(self) -> bool:
    return self._conn is not None and not self._conn.is_closed
''']

_PIKA_EXTRA = [r'''


async def main() -> None:
    """Run the command consumer of this service until cancelled."""
    import asyncio

    from $w_app.commands import handle_command

    logging.basicConfig(level=logging.INFO)
    bus = EventBus()
    await bus.connect()
    await bus.consume("$w.commands", "$w.command.*", handle_command)
    try:
        await asyncio.Future()
    finally:
        await bus.close()
''', r'''


async def publish_once(event_type: str, payload: dict[str, Any]) -> None:
    """For scripts and cron jobs: connect, publish one event, disconnect."""
    bus = EventBus()
    await bus.connect()
    try:
        await bus.publish(event_type, payload)
    finally:
        await bus.close()
''', '']


def _pika(c):
    w, Wc = _w(c)
    shape = c.pick("url", "url", "kw")
    methods = _indented_opt(c, *_PIKA_METHODS, least=0, most=2)
    extra = c.pick(*_PIKA_EXTRA)
    extra = ("\n\n" + dedent(extra).strip("\n")) if extra.strip() else ""
    t = _PIKA.replace("$methods", ("\n" + methods) if methods else "").replace("$extra", extra)
    t = t.replace("$urlmethod", _PIKA_URL.rstrip("\n") if shape == "url" else "")
    t = t.replace("$connect", _PIKA_CONNECT_URL if shape == "url" else _PIKA_CONNECT_KW)
    v = sub(t, w=w, host=c.pick(f"rabbitmq.{w}.internal", "mq.corp.example.com", "10.12.0.31", "rabbit-1.prod.example.net"),
            prefetch=c.pick(10, 20, 50), dlttl=c.pick(604800000, 1209600000),
            quoteimport="from urllib.parse import quote\n" if shape == "url" else "")
    v = v.replace("repr=False)\n\n\n\nclass", "repr=False)\n\n\nclass")
    v = v.replace("\n\n\n    async def close(", "\n\n    async def close(")  # no optional method: one blank line
    return v, shape


def _pika_twin(v, shape):
    if shape == "url":
        return _twin(v, ('return f"amqp://{creds}@{self.host}:5672/', 'return f"amqps://{creds}@{self.host}:5671/'))
    return _twin(v, ("port=5672, ssl=False,  #@V\n", "port=5671, ssl=True,\n"))


@fam("mod4-aiopika-bus-plain-amqp", "CWE-319", fws=["pipeline"], n=8, wrap=False)
def mod4_aiopika_plain_amqp(c):
    v, shape = _pika(c)
    s = _pika_twin(v, shape)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the bus connects to a remote RabbitMQ over plain AMQP (amqp:// on 5672, or ssl=False): the "
                      "PLAIN login sends the service account's user name and password in clear text, and every "
                      "event body crosses the network unencrypted; use AMQPS (TLS on 5671)")


@hardneg(2)
def mod4_aiopika_plain_amqp_hn(c):
    v, shape = _pika(c)
    s = _pika_twin(v, shape)
    if shape == "url":
        s = s.replace("self._conn = await aio_pika.connect_robust(self.settings.url(), ",
                      "self._conn = await aio_pika.connect_robust(self.settings.url(), ssl_context=_tls_context(), ", 1)
    else:
        s = s.replace("port=5671, ssl=True,\n", "port=5671, ssl=True, ssl_context=_tls_context(),\n", 1)
    helper = dedent(r'''
        def _tls_context() -> ssl.SSLContext:
            """TLS to the broker, verified against the internal CA; client certificate when one is mounted."""
            ctx = ssl.create_default_context(cafile=os.environ.get("AMQP_CA_FILE", "/etc/ssl/certs/internal-ca.pem"))
            cert = os.environ.get("AMQP_CLIENT_CERT")
            if cert:
                ctx.load_cert_chain(cert, os.environ["AMQP_CLIENT_KEY"])
            return ctx
    ''').strip("\n")
    s = s.replace("\n\n@dataclass\nclass BrokerSettings", "\n\n" + helper + "\n\n\n@dataclass\nclass BrokerSettings", 1)
    s = s.replace("import os\n", "import os\nimport ssl\n", 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="AMQPS on 5671 with a context verified against the internal CA (and an optional client "
                      "certificate)")


# ---------------- CWE-338: workspace invitation codes from random.randrange ----------------

_INVITES = r'''
"""Workspace invitations for $w: invite by e-mail, join through the link, revoke or resend."""
from __future__ import annotations

import hashlib
import logging
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from $w_app.mail import send_template
from $w_app.models import Invitation, Membership, Workspace

log = logging.getLogger("$w.invitations")

INVITE_TTL = timedelta(days=$days)
MAX_PENDING = $maxpending
INVITABLE_ROLES = frozenset({$roles})
JOIN_URL = "https://$host/join/{code}"


class InvitationError(ValueError):
    pass


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_code() -> str:
    """The code in the join link: whoever holds the link can join the workspace."""
    $codeline


def _digest(code: str) -> str:
    """Only the SHA-256 of a code is stored, so a database dump holds no usable links."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def create_invitation(db: Session, workspace: Workspace, inviter_id: int, email: str,
                      role: str = "$defaultrole") -> Invitation:
    email = email.strip().lower()
    if role not in INVITABLE_ROLES:
        raise InvitationError(f"role must be one of {sorted(INVITABLE_ROLES)}")
    pending = db.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.workspace_id == workspace.id, Invitation.accepted_at.is_(None), Invitation.expires_at > _now()))
    if pending >= MAX_PENDING:
        raise InvitationError("too many pending invitations for this workspace")
    code = _new_code()
    invite = Invitation(workspace_id=workspace.id, email=email, role=role, invited_by=inviter_id,
                        code_digest=_digest(code), expires_at=_now() + INVITE_TTL)
    db.add(invite)
    db.flush()
    send_template(email, "invitation", workspace=workspace.name, link=JOIN_URL.format(code=code))
    log.info("invitation %s to workspace %s created by user %s", invite.id, workspace.id, inviter_id)
    return invite


def accept_invitation(db: Session, code: str, user_id: int) -> Membership:
    """Join the workspace the link belongs to, with the role chosen by the inviter."""
    invite = db.scalar(select(Invitation).where(Invitation.code_digest == _digest(code)))
    if invite is None or invite.accepted_at is not None or invite.expires_at <= _now():
        raise InvitationError("this invitation link is invalid or has expired")
    membership = Membership(workspace_id=invite.workspace_id, user_id=user_id, role=invite.role)
    db.add(membership)
    invite.accepted_at = _now()
    log.info("user %s joined workspace %s through invitation %s", user_id, invite.workspace_id, invite.id)
    return membership


$extra
'''

_INVITE_EXTRA = [r'''
def revoke_invitation(db: Session, workspace: Workspace, invitation_id: int) -> bool:
    """Expire a pending invitation of this workspace now; False when there is none."""
    invite = db.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                Invitation.workspace_id == workspace.id,
                                                Invitation.accepted_at.is_(None)))
    if invite is None:
        return False
    invite.expires_at = _now()
    log.info("invitation %s revoked", invitation_id)
    return True
''', r'''
def resend_invitation(db: Session, workspace: Workspace, invitation_id: int) -> None:
    """Mail a fresh link (the old one stops working) and restart the expiry clock."""
    invite = db.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                Invitation.workspace_id == workspace.id,
                                                Invitation.accepted_at.is_(None)))
    if invite is None:
        raise InvitationError("no pending invitation with that id")
    code = _new_code()
    invite.code_digest = _digest(code)
    invite.expires_at = _now() + INVITE_TTL
    send_template(invite.email, "invitation", workspace=workspace.name, link=JOIN_URL.format(code=code))
''', r'''
def pending_invitations(db: Session, workspace: Workspace) -> list[dict]:
    """Pending invitations for the members page (never the codes, which are not stored)."""
    rows = db.scalars(select(Invitation).where(Invitation.workspace_id == workspace.id,
                                               Invitation.accepted_at.is_(None),
                                               Invitation.expires_at > _now()).order_by(Invitation.id))
    return [{"id": i.id, "email": i.email, "role": i.role, "expires_at": i.expires_at.isoformat()} for i in rows]
''', r'''
def purge_expired(db: Session, older_than_days: int = $purgedays) -> int:
    """Delete invitations that expired more than ``older_than_days`` ago (nightly job)."""
    cutoff = _now() - timedelta(days=older_than_days)
    rows = db.scalars(select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at < cutoff)).all()
    for invite in rows:
        db.delete(invite)
    log.info("purged %d expired invitations", len(rows))
    return len(rows)
''']

def _invites(c):
    w, Wc = _w(c)
    bits = c.pick(96, 128, 160)
    hexlen = bits // 4
    shape = c.rng.randrange(3)
    if shape == 0:
        codeline = f'return f"{{random.randrange(1 << {bits}):0{hexlen}x}}"  #@V'
    elif shape == 1:
        codeline = f'return "%0{hexlen}x" % random.randrange(16 ** {hexlen})  #@V'
    else:
        codeline = f'return format(random.randrange(2 ** {bits}), "x").rjust({hexlen}, "0")  #@V'
    extra = _opt(c, *_INVITE_EXTRA, least=1, most=3)
    roles = c.pick('"viewer", "editor"', '"member", "guest"', '"viewer", "commenter", "editor"')
    t = _INVITES.replace("$extra", extra)
    v = sub(t, w=w, codeline=codeline, days=c.pick(3, 7, 14), maxpending=c.pick(50, 100, 200), roles=roles,
            defaultrole=roles.split(",")[0].strip().strip('"'), host=c.pick(f"app.{w}s.example.com", "app.example.org",
                                                                           f"{w}hub.example.net"),
            purgedays=c.pick(30, 90))
    return v, codeline, bits


def _invites_twin(v, codeline, bits):
    return _twin(v, ("import random\n", "import secrets\n"),
                 ("    " + codeline + "\n", f"    return secrets.token_hex({bits // 8})\n"))


@fam("mod4-invite-link-randrange-code", "CWE-338", fws=["orm"], n=8, wrap=False)
def mod4_invite_randrange(c):
    v, codeline, bits = _invites(c)
    s = _invites_twin(v, codeline, bits)
    return Spec(v=v, s=s, full=True, fw="orm",
                notes="the join-link code, the only credential needed to join a workspace, comes from the random "
                      "module's Mersenne Twister: its state can be reconstructed from enough observed outputs (an "
                      "attacker invites themselves to their own workspaces and collects codes), after which the "
                      "codes of other invitations are predictable; use secrets.token_hex")


@hardneg(3)
def mod4_invite_randrange_hn(c):
    v, codeline, bits = _invites(c)
    s = _invites_twin(v, codeline, bits)
    reminders = dedent(r'''
        def schedule_reminders(db: Session, queue) -> int:
            """Remind invitees two days before expiry; the mails are spread over an hour so the relay is not hit at
            once (random delay, nothing secret depends on it)."""
            soon = _now() + timedelta(days=2)
            rows = db.scalars(select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.expires_at <= soon,
                                                       Invitation.reminded_at.is_(None)))
            sent = 0
            for invite in rows:
                queue.enqueue_in(timedelta(seconds=random.uniform(0, 3600)), "send_invite_reminder", invite.id)
                invite.reminded_at = _now()
                sent += 1
            return sent
    ''').strip("\n")
    s = s.rstrip("\n") + "\n\n\n" + reminders + "\n"
    s = s.replace("import secrets\n", "import random\nimport secrets\n", 1)
    return Spec(s=s, full=True, fw="orm",
                notes="codes from secrets.token_hex; random only jitters the reminder schedule")


# ---------------- CWE-916: PyNaCl argon2 operator store with libsodium's minimum work factors ----------------

_NACL = r'''
"""Operator accounts of the $w admin console: argon2 password hashes (PyNaCl / libsodium) in SQLite."""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import re
import sqlite3

import nacl.exceptions
import nacl.pwhash

log = logging.getLogger("$w.operators")

DB_PATH = os.environ.get("$WU_OPERATORS_DB", "/var/lib/$w/operators.sqlite3")
KDF = nacl.pwhash.$kdf
$opsline
$memline
MIN_LENGTH = $minlen
_PARAMS = re.compile(rb"m=(\d+),t=(\d+)")


def hash_password(plain: str) -> bytes:
    return KDF.str(plain.encode("utf-8"), opslimit=OPSLIMIT, memlimit=MEMLIMIT)


def verify_password(stored: bytes, plain: str) -> bool:
    try:
        return nacl.pwhash.verify(stored, plain.encode("utf-8"))
    except nacl.exceptions.InvalidkeyError:
        return False


def needs_rehash(stored: bytes) -> bool:
    """True when the hash was made with other work factors than the current ones."""
    m = _PARAMS.search(stored)
    return m is None or int(m.group(1)) * 1024 != MEMLIMIT or int(m.group(2)) != OPSLIMIT


# verified when the name does not exist, so unknown and known names cost the same
DUMMY_HASH = hash_password(os.urandom(16).hex())


class OperatorStore:
    def __init__(self, path: str = DB_PATH) -> None:
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS operators (name TEXT PRIMARY KEY, pw_hash BLOB NOT NULL, "
                         "disabled INTEGER NOT NULL DEFAULT 0)")

    def _store(self, name: str, pw_hash: bytes) -> None:
        with self._db:
            self._db.execute("INSERT INTO operators (name, pw_hash) VALUES (?, ?) "
                             "ON CONFLICT(name) DO UPDATE SET pw_hash = excluded.pw_hash", (name, pw_hash))

    def set_password(self, name: str, plain: str) -> None:
        if len(plain) < MIN_LENGTH:
            raise ValueError(f"password must have at least {MIN_LENGTH} characters")
        self._store(name, hash_password(plain))
        log.info("password set for operator %s", name)

    def check(self, name: str, plain: str) -> bool:
        row = self._db.execute("SELECT pw_hash, disabled FROM operators WHERE name = ?", (name,)).fetchone()
        if row is None:
            verify_password(DUMMY_HASH, plain)
            return False
        if row[1] or not verify_password(row[0], plain):
            return False
        if needs_rehash(row[0]):
            self._store(name, hash_password(plain))
        return True
$methods


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage the $w console operators.")
    parser.add_argument("command", choices=[$choices])
    parser.add_argument("name")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    store = OperatorStore()
$dispatch
    plain = getpass.getpass(f"password for {args.name}: ")
    if args.command == "set-password":
        store.set_password(args.name, plain)
        return 0
    ok = store.check(args.name, plain)
    print("ok" if ok else "wrong name or password")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
'''

_NACL_METHODS = {
    "disable": (r'''
def disable(self, name: str) -> bool:
    with self._db:
        cur = self._db.execute("UPDATE operators SET disabled = 1 WHERE name = ? AND disabled = 0", (name,))
    log.info("operator %s disabled: %s", name, cur.rowcount == 1)
    return cur.rowcount == 1
''', '''    if args.command == "disable":
        return 0 if store.disable(args.name) else 1'''),
    "delete": (r'''
def delete(self, name: str) -> bool:
    with self._db:
        cur = self._db.execute("DELETE FROM operators WHERE name = ?", (name,))
    return cur.rowcount == 1
''', '''    if args.command == "delete":
        return 0 if store.delete(args.name) else 1'''),
    "stale": (r'''
def stale_hashes(self) -> list[str]:
    """Operators whose hash still uses old work factors (they are upgraded at their next sign-in)."""
    rows = self._db.execute("SELECT name, pw_hash FROM operators WHERE disabled = 0").fetchall()
    return [name for name, pw_hash in rows if needs_rehash(pw_hash)]
''', '''    if args.command == "stale":
        print("\\n".join(store.stale_hashes()) or "none")
        return 0'''),
}


def _nacl(c):
    w, Wc = _w(c)
    kdf = c.pick("argon2id", "argon2id", "argon2i")
    which = c.pick("both", "both", "mem")
    opsline = "OPSLIMIT = KDF.OPSLIMIT_MIN  #@V" if which == "both" else "OPSLIMIT = KDF.OPSLIMIT_INTERACTIVE"
    memline = "MEMLIMIT = KDF.MEMLIMIT_MIN  #@V"
    if c.rng.random() < 0.4:
        memline = "MEMLIMIT = KDF.MEMLIMIT_MIN  # the console VM has 1 GB of RAM  #@V"
    keys = list(_NACL_METHODS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, len(keys))]
    methods = "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in dedent(_NACL_METHODS[k][0]).strip("\n").split("\n"))
                          for k in keys)
    dispatch = "\n".join(_NACL_METHODS[k][1] for k in keys)
    choices = ", ".join(f'"{x}"' for x in ["set-password", "check"] + [{"stale": "stale"}.get(k, k) for k in keys])
    t = _NACL.replace("$methods", "\n" + methods).replace("$dispatch", dispatch)
    v = sub(t, w=w, WU=w.upper(), kdf=kdf, opsline=opsline, memline=memline, minlen=c.pick(12, 14, 16),
            choices=choices)
    return v, opsline, memline


def _nacl_twin(v, opsline, memline, level="INTERACTIVE"):
    pairs = [(memline + "\n", f"MEMLIMIT = KDF.MEMLIMIT_{level}\n")]
    if opsline.endswith("#@V"):
        pairs.append((opsline + "\n", f"OPSLIMIT = KDF.OPSLIMIT_{level}\n"))
    return _twin(v, *pairs)


@fam("mod4-nacl-pwhash-min-limits", "CWE-916", fws=["cli"], n=8, wrap=False)
def mod4_nacl_pwhash_min(c):
    v, opsline, memline = _nacl(c)
    s = _nacl_twin(v, opsline, memline, c.pick("INTERACTIVE", "INTERACTIVE", "MODERATE"))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the console hashes operator passwords with argon2 at libsodium's minimum work factors "
                      "(MEMLIMIT_MIN is 8 KiB; OPSLIMIT_MIN is one pass for argon2id, three for argon2i): the memory "
                      "hardness that makes argon2 expensive on GPUs is gone, so a copied database is brute-forced at "
                      "close to fast-hash speed; "
                      "use the INTERACTIVE (or MODERATE) limits, and needs_rehash upgrades stored hashes at sign-in")


@hardneg(2)
def mod4_nacl_pwhash_min_hn(c):
    v, opsline, memline = _nacl(c)
    s = _nacl_twin(v, opsline, memline, "MODERATE")
    tokens = dedent(r'''


        def api_token_digest(token: str) -> bytes:
            """Lookup digest of a random 32-byte API token (not a password: a fast keyed hash is enough)."""
            return nacl.hash.blake2b(token.encode("ascii"), key=os.environ["$WU_TOKEN_PEPPER"].encode(),
                                     encoder=nacl.encoding.HexEncoder)
    ''').rstrip("\n")
    w, _ = _w(c)
    s = s.replace("\n\n\n# verified when", "\n\n\n" + tokens.replace("$WU", w.upper()) + "\n\n\n# verified when", 1)
    s = s.replace("import nacl.exceptions\n", "import nacl.encoding\nimport nacl.exceptions\nimport nacl.hash\n", 1)
    return Spec(s=s, full=True, fw="cli",
                notes="argon2 at the MODERATE limits for passwords; blake2b only digests random API tokens")


# ---------------- CWE-347: Svix-signed partner webhooks, unsigned deliveries parsed on one branch ----------------

_SVIX = r'''
"""Inbound partner webhooks of $w (Starlette). Partners sign deliveries the Svix way, each endpoint
with its own secret; events are deduplicated by delivery id and handed to the job queue."""
from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from svix.webhooks import Webhook, WebhookVerificationError

from $w_app import jobs
from $w_app.db import database

log = logging.getLogger("$w.webhooks")

MAX_BODY = $maxkb * 1024
HANDLED = frozenset({$events})


async def load_endpoint(endpoint_id: str):
    return await database.fetch_one(
        "SELECT id, partner_id, signing_secret, api_version FROM webhook_endpoints WHERE id = :id AND active",
        {"id": endpoint_id})


async def seen_before(delivery_id: str) -> bool:
    """Record the delivery id; True when the partner already delivered it (a retry)."""
    row = await database.fetch_one(
        "INSERT INTO webhook_deliveries (delivery_id) VALUES (:id) ON CONFLICT DO NOTHING RETURNING delivery_id",
        {"id": delivery_id})
    return row is None


async def touch_endpoint(endpoint_id: str) -> None:
    """Remember when the endpoint last received a delivery (shown on the partner settings page)."""
    await database.execute("UPDATE webhook_endpoints SET last_delivery_at = now() WHERE id = :id",
                           {"id": endpoint_id})


def _summary(event: dict) -> str:
    """A short description for the logs (never the payload, which can hold customer data)."""
    data = event.get("data") or {}
    return f"{event.get('type')} id={data.get('id', '-')}"


async def receive(request: Request) -> Response:
    endpoint = await load_endpoint(request.path_params["endpoint_id"])
    if endpoint is None:
        return JSONResponse({"error": "unknown endpoint"}, status_code=404)
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "payload too large"}, status_code=413)
    if $condition:
        try:
            event = Webhook(endpoint["signing_secret"]).verify(body, dict(request.headers))
        except WebhookVerificationError:
            log.warning("bad signature on endpoint %s", endpoint["id"])
            return JSONResponse({"error": "invalid signature"}, status_code=400)
    else:
        # $comment
        event = json.loads(body)  #@V
    delivery_id = request.headers.get("svix-id", "")
    if delivery_id and await seen_before(delivery_id):
        return Response(status_code=204)
    if event.get("type") not in HANDLED:
        log.info("ignoring %s event for partner %s", event.get("type"), endpoint["partner_id"])
        return Response(status_code=204)
    await jobs.enqueue("partner_event", partner_id=endpoint["partner_id"], event=event)
    await touch_endpoint(endpoint["id"])
    log.info("queued %s from partner %s", _summary(event), endpoint["partner_id"])
    return Response(status_code=202)


$extra


routes = [
    Route("/webhooks/{endpoint_id}", receive, methods=["POST"]),
$routes
]
app = Starlette(routes=routes, on_startup=[database.connect], on_shutdown=[database.disconnect])
'''

# (the condition under which the signature is checked, the comment of the other branch)
_SVIX_BRANCH = [
    ('endpoint["signing_secret"]', "endpoints registered before signing was introduced have no secret yet"),
    ('endpoint["api_version"] >= 2', "v1 integrations predate signed deliveries; partners are still migrating"),
    ('endpoint["signing_secret"] is not None', "this endpoint has no secret configured yet"),
]

_SVIX_EXTRA = {
    "health": (r'''
async def health(request: Request) -> Response:
    return JSONResponse({"ok": True})
''', '    Route("/healthz", health, methods=["GET"]),'),
    "types": (r'''
async def event_types(request: Request) -> Response:
    """The event types this receiver acts on (partners read it when they configure an endpoint)."""
    return JSONResponse({"handled": sorted(HANDLED)})
''', '    Route("/webhooks/event-types", event_types, methods=["GET"]),'),
    "stats": (r'''
async def delivery_stats(request: Request) -> Response:
    """Deliveries recorded in the last 24 hours (for the status page; counts only)."""
    row = await database.fetch_one(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE received_at > now() - interval '1 day'")
    return JSONResponse({"last_24h": row["n"]})
''', '    Route("/webhooks/stats", delivery_stats, methods=["GET"]),'),
}


def _svix(c):
    w, Wc = _w(c)
    cond, comment = c.pick(*_SVIX_BRANCH)
    keys = list(_SVIX_EXTRA)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, len(keys))]
    # keep the fixed /webhooks/event-types path ahead of the {endpoint_id} pattern
    extra = "\n\n\n".join(dedent(_SVIX_EXTRA[k][0]).strip("\n") for k in keys)
    routes = "\n".join(_SVIX_EXTRA[k][1] for k in keys)
    t = _SVIX.replace("$extra", extra).replace("$routes", routes)
    if "types" in keys:
        t = t.replace('    Route("/webhooks/{endpoint_id}", receive, methods=["POST"]),\n'
                      '    Route("/webhooks/event-types", event_types, methods=["GET"]),',
                      '    Route("/webhooks/event-types", event_types, methods=["GET"]),\n'
                      '    Route("/webhooks/{endpoint_id}", receive, methods=["POST"]),')
    events = c.pick('"order.created", "order.cancelled", "shipment.delivered"',
                    '"invoice.paid", "invoice.voided", "customer.updated"',
                    '"booking.confirmed", "booking.cancelled"',
                    '"payout.sent", "payout.failed", "account.updated"')
    v = sub(t, w=w, condition=cond, comment=comment, events=events, maxkb=c.pick(64, 256, 512))
    return v, cond, comment


def _svix_twin(v, comment):
    return _twin(v, (f"        # {comment}\n        event = json.loads(body)  #@V\n",
                     f"        # {comment}\n"
                     "        log.error(\"endpoint %s has no signed deliveries; refused\", endpoint[\"id\"])\n"
                     "        return JSONResponse({\"error\": \"signed deliveries required\"}, status_code=403)\n"))


@fam("mod4-svix-webhook-unsigned-branch", "CWE-347", fws=["starlette"], n=8, wrap=False)
def mod4_svix_unsigned_branch(c):
    v, cond, comment = _svix(c)
    s = _svix_twin(v, comment)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="signatures are verified only for some endpoints: for the others (no secret yet, or an old "
                      "integration version) the body is parsed and queued as a partner event without any check, so "
                      "anyone who learns such an endpoint URL forges orders/payments for that partner; refuse "
                      "unsigned deliveries instead of accepting them")


@hardneg(2)
def mod4_svix_unsigned_branch_hn(c):
    v, cond, comment = _svix(c)
    legacy = ("        # these endpoints sign with a plain HMAC-SHA256 of the body (hex, in X-Partner-Signature)\n"
              "        legacy_secret = await database.fetch_val(\n"
              "            \"SELECT legacy_secret FROM webhook_endpoints WHERE id = :id\", {\"id\": endpoint[\"id\"]})\n"
              "        if not legacy_secret:\n"
              "            return JSONResponse({\"error\": \"signed deliveries required\"}, status_code=403)\n"
              "        expected = hmac.new(legacy_secret.encode(), body, hashlib.sha256).hexdigest()\n"
              "        if not hmac.compare_digest(expected, request.headers.get(\"X-Partner-Signature\", \"\")):\n"
              "            return JSONResponse({\"error\": \"invalid signature\"}, status_code=400)\n"
              "        event = json.loads(body)\n")
    s = _twin(v, (f"        # {comment}\n        event = json.loads(body)  #@V\n", legacy),
              ("import json\n", "import hashlib\nimport hmac\nimport json\n"))
    return Spec(s=s, full=True, fw="starlette",
                notes="every branch verifies a signature before the body is parsed: Svix for current endpoints, a "
                      "constant-time HMAC-SHA256 comparison for legacy ones, 403 when neither secret exists")
