"""Train-only whole-module families weighted towards hard negatives (libs13 safe set, mod13-*): modules
shaped like mature application code of kinds not yet covered (a password-reset blueprint, an account
admin CLI, a file-serving blueprint, cursor pagination helpers, a release-download service, a webhook
delivery worker) in which security-looking idioms are used correctly: ``secrets`` tokens stored as
SHA-256 digests with an expiry, ``yaml.safe_load`` settings with environment overrides,
``subprocess.run([...])`` argument lists, ``werkzeug.security.safe_join``, md5 ETags and
``make_conditional``, capped page sizes, redirects to allow-listed mirrors or ``url_for`` targets,
``random`` for retry jitter and sampling.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

- mod13-flask-reset-confirm-token-not-expired (287): the reset confirmation accepts a stored token
  digest without checking its expiry (or whether it was already used).
- mod13-click-admin-set-password-fast-hash (916): an account admin CLI hashes the password it sets
  with a salted SHA-2 digest instead of argon2/bcrypt.
- mod13-flask-media-serve-plain-join (22): one file endpoint of a blueprint builds its path with
  ``os.path.join`` / ``Path /`` where the others use ``safe_join``.
- mod13-flask-cursor-page-size-uncapped (400): the page size travelling in an unsigned cursor (or in
  the first-page ``limit``) is not clamped, while the other path is.
- mod13-flask-download-mirror-url-redirect (601): the download endpoint redirects to a mirror base URL
  taken from the request instead of looking it up in the mirror table.
- mod13-webhook-worker-signing-secret-prng (338): the per-subscription HMAC signing secret comes from
  the ``random`` module that the worker also (correctly) uses for backoff jitter.

Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from module_kit import _word
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"binascii", "fnmatch", "glob", "io", "ipaddress", "mimetypes", "posixpath", "queue",
                          "shlex", "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-287: password-reset confirmation without the expiry (or used) check ----------------


def _rst_kw(c):
    app = c.pick("helpdesk", "billing", "clinic", "storefront", "tutoring", "fleet", "library")
    return dict(app=app, App=app.capitalize(), log=c.pick("log", "logger"), ttl=c.pick(15, 20, 30, 60),
                minlen=c.pick(10, 12, 14), bp=c.pick("bp", "reset_bp", "password_bp"),
                dg=c.pick("_token_digest", "_hash_token", "_fingerprint"),
                Reset=c.pick("PasswordReset", "ResetRequest", "ResetToken"),
                mail_fn=c.pick("send_reset_mail", "mail_reset_link", "deliver_reset_link"),
                tpl=c.pick("auth/reset_confirm.html", "password/confirm.html", "reset/new_password.html"))


def _rst_parts(c):
    src = c.pick("path", "values")
    if src == "path":
        route, sig, read, link = '"/confirm/<token>"', "token: str", "", 'token=token'
    else:
        route, sig, read, link = '"/confirm"', "", '\n                token = request.values.get("token", "")', "token=token"
    limited = c.pick(True, False)
    blur = c.pick(True, False)
    req_dec = '\n            @limiter.limit("5 per hour")' if limited else ""
    req_imp = "\nfrom .extensions import limiter" if limited else ""
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="from datetime import datetime, timedelta, timezone\n"
                               "from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for\n"
                               "from werkzeug.security import generate_password_hash\nfrom .models import $Reset, User, db",
          const="RESET_TTL = timedelta(minutes=$ttl)\nTOKEN_BYTES = 32\nMIN_PASSWORD_LENGTH = $minlen",
          setup='$bp = Blueprint("password_reset", __name__, url_prefix="/password-reset")'),
        P("digest", rank=1, imp="import hashlib", body='''
            def $dg(token: str) -> str:
                """Only a digest of the token is stored, so a leaked table holds no working links."""
                return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()
        '''),
        P("mail", rank=1, imp="from flask_mail import Message\nfrom .extensions import mail", body='''
            def $mail_fn(address: str, link: str) -> None:
                msg = Message(subject="Reset your $App password", recipients=[address])
                msg.body = render_template("email/password_reset.txt", link=link, minutes=$ttl)
                mail.send(msg)
        '''),
        P("request", rank=3, needs=["digest", "mail"] + (["blur"] if blur else []), imp="import secrets" + req_imp, body='''
            @$bp.post("/request")''' + req_dec + '''
            def request_reset():
                email = (request.form.get("email") or "").strip().lower()
                user = User.query.filter_by(email=email, is_active=True).first()
                if user is not None:
                    token = secrets.token_urlsafe(TOKEN_BYTES)
                    now = datetime.now(timezone.utc)
                    $Reset.query.filter_by(user_id=user.id, used_at=None).update({"used_at": now})
                    db.session.add($Reset(user_id=user.id, token_hash=$dg(token), expires_at=now + RESET_TTL))
                    db.session.commit()
                    $mail_fn(user.email, url_for("password_reset.confirm_reset", ''' + link + ''', _external=True))
                    $log.info("password reset requested for user %d", user.id)''' + ("\n                _blur_timing()" if blur else "") + '''
                # the same answer whether or not the address is registered
                return jsonify(message="If the address is registered, a reset link is on its way."), 202
        '''),
        P("confirm", rank=3, needs=["digest"], body='''
            @$bp.route(''' + route + ''', methods=["GET", "POST"])
            def confirm_reset(''' + sig + '''):''' + read + '''
                now = datetime.now(timezone.utc)
                record = $Reset.query.filter_by(token_hash=$dg(token)).first()
                $FIX
                    $log.info("rejected a password reset token")
                    abort(404)
                if request.method == "GET":
                    return render_template("$tpl", token=token)
                new_password = request.form.get("password", "")
                if len(new_password) < MIN_PASSWORD_LENGTH or new_password != request.form.get("password_confirm"):
                    return render_template("$tpl", token=token, error="Passwords must match and be long enough."), 400
                user = db.session.get(User, record.user_id)
                if user is None or not user.is_active:
                    abort(404)
                user.password_hash = generate_password_hash(new_password)  #@V
                user.session_version += 1
                record.used_at = now
                db.session.commit()
                $log.info("password reset completed for user %d", user.id)
                return redirect(url_for("auth.login", reset="done"))
        '''),
    ]
    pool = [
        P("blur", rank=1, imp="import random\nimport time", body='''
            def _blur_timing() -> None:
                """Mail delivery makes known addresses slower; a little random delay blurs the difference."""
                time.sleep(random.uniform(0.05, 0.25))
        '''),
        P("nostore", rank=4, body='''
            @$bp.after_request
            def _no_store(response):
                """Reset pages carry a live token in the URL: keep them out of caches and Referer headers."""
                response.headers["Cache-Control"] = "no-store"
                response.headers["Referrer-Policy"] = "no-referrer"
                return response
        '''),
        P("purge", rank=4, body='''
            @$bp.cli.command("purge-resets")
            def purge_resets() -> None:
                """Delete reset records that expired more than a day ago (run from cron)."""
                cutoff = datetime.now(timezone.utc) - timedelta(days=1)
                deleted = $Reset.query.filter($Reset.expires_at < cutoff).delete()
                db.session.commit()
                $log.info("purged %d stale reset records", deleted)
        '''),
        P("mask", rank=1, body='''
            def mask_email(address: str) -> str:
                """a***@example.com, for support screens and logs."""
                local, _, domain = address.partition("@")
                return (local[:1] + "***@" + domain) if domain else "***"
        '''),
        P("pending", rank=4, imp="from flask_login import current_user, login_required", body='''
            @$bp.get("/pending")
            @login_required
            def pending_resets():
                """How many unused, unexpired reset links exist for the signed-in user's own account."""
                now = datetime.now(timezone.utc)
                count = $Reset.query.filter(
                    $Reset.user_id == current_user.id, $Reset.used_at.is_(None), $Reset.expires_at > now
                ).count()
                return jsonify(pending=count)
        '''),
    ]
    return core, pool


_RST_DOCS = ["Password reset for the $app app: single-use, expiring links; only token digests are stored.",
             "Forgot-password flow ($App): request a link by email, confirm with a new password.",
             "Blueprint for password resets: secrets tokens, hashed storage, expiry and single use."]

_RST_GUARDS = {
    "expiry": ("if record is None or record.used_at is not None:  #@V",
               "if record is None or record.used_at is not None or record.expires_at <= now:"),
    "used": ("if record is None or record.expires_at <= now:  #@V",
             "if record is None or record.expires_at <= now or record.used_at is not None:"),
    "both": ("if record is None:  #@V",
             "if record is None or record.used_at is not None or record.expires_at <= now:"),
}


@fam("mod13-flask-reset-confirm-token-not-expired", "CWE-287", fws=["flask"], n=8, wrap=False)
def mod13_reset_expiry(c):
    kw = _rst_kw(c)
    core, pool = _rst_parts(c)
    vfix, sfix = _RST_GUARDS[c.pick("expiry", "expiry", "used", "both")]
    v, s = pair(c, c.pick(*_RST_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the confirmation view accepts any stored reset token without checking that it is unexpired "
                      "and unused: an old link from a mailbox, a log or a browser history resets the password long "
                      "after the request (weak password recovery, CWE-640, labelled with the closest id, 287); "
                      "the tokens themselves are secrets.token_urlsafe and stored as SHA-256 digests")


@hardneg(10)
def mod13_reset_expiry_hn(c):
    kw = _rst_kw(c)
    core, pool = _rst_parts(c)
    fix = c.pick(_RST_GUARDS["expiry"][1], _RST_GUARDS["both"][1],
                 "if record is None or record.used_at is not None or now >= record.expires_at:",
                 "if record is None or not (record.used_at is None and now < record.expires_at):")
    code = compose(c, c.pick(*_RST_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="reset tokens from secrets, stored as SHA-256 digests (fast hashes are fine for random "
                      "tokens), single use and expiring; the new password goes through generate_password_hash")


# ---------------- CWE-916: admin CLI hashing the password it sets with salted SHA-2 ----------------


def _adm_kw(c):
    app = c.pick("ledger", "intranet", "crm", "roster", "wiki", "ticketing")
    return dict(app=app, APP=app.upper(), log=c.pick("log", "logger"), minlen=c.pick(12, 14, 16),
                svc=c.pick(f"{app}-web", f"{app}.service", f"{app}-gunicorn"),
                cli=c.pick("cli", "admin", "manage"), rd=c.pick("read_password", "prompt_password", "_new_password"))


def _adm_parts(c):
    stdin_opt = c.pick("--stdin", "--password-stdin")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            CONFIG_PATH = os.environ.get("$APP_CONFIG", "/etc/$app/admin.yaml")
            ENV_PREFIX = "$APP_"
            DEFAULTS = {"database_url": "postgresql:///$app", "service": "$svc", "backup_dir": "/var/backups/$app"}
            MIN_PASSWORD_LENGTH = $minlen
        '''),
        P("settings", rank=1, imp="import os\nimport yaml", body='''
            def load_settings(path: str = CONFIG_PATH) -> dict:
                """YAML settings (safe_load) with $APP_* environment variables taking precedence."""
                settings = dict(DEFAULTS)
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as fh:
                        settings.update(yaml.safe_load(fh) or {})
                for key in DEFAULTS:
                    override = os.environ.get(ENV_PREFIX + key.upper())
                    if override:
                        settings[key] = override
                return settings
        '''),
        P("hash", rank=1, body='''
            def hash_password(password: str) -> str:
                """Value for users.password_hash; the web app verifies logins against the same format."""
                $FIX
        '''),
        P("read", rank=1, imp="import sys\nimport click", body='''
            def $rd(from_stdin: bool) -> str:
                if from_stdin:
                    value = sys.stdin.readline().rstrip("\\n")
                else:
                    value = click.prompt("New password", hide_input=True, confirmation_prompt=True)
                if len(value) < MIN_PASSWORD_LENGTH:
                    raise click.BadParameter(f"use at least {MIN_PASSWORD_LENGTH} characters")
                return value
        '''),
        P("group", rank=2, imp="import click", needs=["settings"], body='''
            @click.group()
            @click.option("--config", default=CONFIG_PATH, show_default=True, type=click.Path(dir_okay=False))
            @click.pass_context
            def $cli(ctx: click.Context, config: str) -> None:
                """Account administration for $app (run on the application host)."""
                logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
                ctx.obj = load_settings(config)
        ''', tail='''
            if __name__ == "__main__":
                $cli()
        '''),
        P("setpw", rank=3, needs=["hash", "read", "group"], imp="import psycopg", body='''
            @$cli.command("set-password")
            @click.argument("email")
            @click.option("''' + stdin_opt + '''", "from_stdin", is_flag=True, help="Read the new password from standard input.")
            @click.pass_obj
            def set_password(settings: dict, email: str, from_stdin: bool) -> None:
                """Set the password of a (locked-out) account."""
                digest = hash_password($rd(from_stdin))
                with psycopg.connect(settings["database_url"]) as conn:
                    cur = conn.execute(
                        "UPDATE users SET password_hash = %s, session_version = session_version + 1 WHERE email = %s",
                        (digest, email.lower()),
                    )
                    if cur.rowcount != 1:
                        raise click.ClickException(f"no account with address {email}")
                $log.info("password updated for %s", email.lower())
        '''),
    ]
    pool = [
        P("create", rank=3, needs=["hash", "read", "group"], imp="import psycopg", body='''
            @$cli.command("create-user")
            @click.argument("email")
            @click.option("--role", type=click.Choice(["staff", "admin"]), default="staff", show_default=True)
            @click.pass_obj
            def create_user(settings: dict, email: str, role: str) -> None:
                """Create a staff account; the password is prompted for, never passed as an argument."""
                digest = hash_password($rd(False))
                with psycopg.connect(settings["database_url"]) as conn:
                    conn.execute(
                        "INSERT INTO users (email, role, password_hash, is_active) VALUES (%s, %s, %s, true)",
                        (email.lower(), role, digest),
                    )
                $log.info("created %s account %s", role, email.lower())
        '''),
        P("disable", rank=3, needs=["group"], imp="import psycopg", body='''
            @$cli.command("disable-user")
            @click.argument("email")
            @click.pass_obj
            def disable_user(settings: dict, email: str) -> None:
                """Deactivate an account and end its sessions."""
                with psycopg.connect(settings["database_url"]) as conn:
                    conn.execute(
                        "UPDATE users SET is_active = false, session_version = session_version + 1 WHERE email = %s",
                        (email.lower(),),
                    )
                click.echo(f"disabled {email.lower()}")
        '''),
        P("backup", rank=3, needs=["group"], imp="import subprocess\nfrom datetime import datetime, timezone\nfrom pathlib import Path",
          body='''
            @$cli.command()
            @click.pass_obj
            def backup(settings: dict) -> None:
                """pg_dump into the backup directory (an argument list: no shell involved)."""
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                target = Path(settings["backup_dir"]) / f"$app-{stamp}.dump"
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
                subprocess.run(
                    ["pg_dump", "--format=custom", "--file", str(target), "--dbname", settings["database_url"]],
                    check=True, timeout=3600,
                )
                $log.info("backup written to %s", target)
        '''),
        P("restart", rank=3, needs=["group"], imp="import subprocess", body='''
            @$cli.command("restart-web")
            @click.pass_obj
            def restart_web(settings: dict) -> None:
                """Restart the web service after a settings change."""
                subprocess.run(["systemctl", "restart", settings["service"]], check=True, timeout=120)
                click.echo(f"restarted {settings['service']}")
        '''),
        P("show", rank=3, needs=["group"], const='MASKED_KEYS = frozenset({"database_url", "smtp_password", "api_token"})', body='''
            @$cli.command("show-config")
            @click.pass_obj
            def show_config(settings: dict) -> None:
                """Effective settings after environment overrides, with credentials masked."""
                for key, value in sorted(settings.items()):
                    click.echo(f"{key} = {'***' if key in MASKED_KEYS else value}")
        '''),
        P("fingerprint", rank=3, needs=["group"], imp="import hashlib\nfrom pathlib import Path", body='''
            def config_fingerprint(path: str = CONFIG_PATH) -> str:
                """Short digest of the settings file, so operators can tell which version a host runs."""
                return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


            @$cli.command("config-version")
            @click.option("--config", "path", default=CONFIG_PATH, type=click.Path(exists=True, dir_okay=False))
            def config_version(path: str) -> None:
                click.echo(f"{path} sha256:{config_fingerprint(path)}")
        '''),
        P("users", rank=3, needs=["group"], imp="import psycopg", body='''
            @$cli.command("list-users")
            @click.option("--inactive", is_flag=True, help="Show deactivated accounts too.")
            @click.pass_obj
            def list_users(settings: dict, inactive: bool) -> None:
                with psycopg.connect(settings["database_url"]) as conn:
                    rows = conn.execute(
                        "SELECT email, role, is_active FROM users WHERE is_active OR %s ORDER BY email", (inactive,)
                    ).fetchall()
                for email, role, active in rows:
                    click.echo(f"{email:<40} {role:<8} {'active' if active else 'disabled'}")
        '''),
    ]
    return core, pool


_ADM_DOCS = ["Operator CLI for $app accounts: create, disable, reset passwords, back up the database.",
             "$APP admin commands (click): settings from YAML with environment overrides, account maintenance.",
             "Command-line account administration for the $app service."]

_ADM_WEAK = [
    'salt = secrets.token_hex(16)\n    return salt + ":" + hashlib.sha256((salt + password).encode()).hexdigest()  #@V',
    'salt = os.urandom(16)\n    return "sha512:" + salt.hex() + ":" + hashlib.sha512(salt + password.encode()).hexdigest()  #@V',
    'salt = secrets.token_bytes(16)\n    return salt.hex() + ":" + hashlib.sha256(password.encode("utf-8") + salt).hexdigest()  #@V',
]
_ADM_SAFE = [("return PasswordHasher().hash(password)", "from argon2 import PasswordHasher"),
             ("return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()", "import bcrypt")]


def _adm_fix(c, core, pick):
    line, imp = pick
    for p in core:
        if p.key == "hash":
            p.imp = "import hashlib\nimport os\nimport secrets\n" + imp
    return line


@fam("mod13-click-admin-set-password-fast-hash", "CWE-916", fws=["cli"], n=8, wrap=False)
def mod13_admin_fast_hash(c):
    kw = _adm_kw(c)
    core, pool = _adm_parts(c)
    vfix = c.pick(*_ADM_WEAK)
    sfix = _adm_fix(c, core, c.pick(*_ADM_SAFE))
    v, s = pair(c, c.pick(*_ADM_DOCS), '$log = logging.getLogger("$app.admin")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the admin CLI stores passwords as one salted SHA-2 digest: fast to brute-force offline if the "
                      "users table leaks; a memory-hard or adaptive hash (argon2, bcrypt) is needed; settings via "
                      "yaml.safe_load, subprocess argument lists and the sha256 file fingerprint are fine")


@hardneg(10)
def mod13_admin_fast_hash_hn(c):
    kw = _adm_kw(c)
    core, pool = _adm_parts(c)
    # the hard negatives always keep the look-alike: hashlib fingerprinting the settings file
    core += [p for p in pool if p.key == "fingerprint"]
    pool = [p for p in pool if p.key != "fingerprint"]
    fix = _adm_fix(c, core, c.pick(*_ADM_SAFE))
    code = compose(c, c.pick(*_ADM_DOCS), '$log = logging.getLogger("$app.admin")', core, pool, kw, lo=80, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="account CLI hashing passwords with argon2/bcrypt; hashlib only fingerprints the settings "
                      "file, yaml.safe_load, subprocess.run with argument lists, passwords prompted, not argv")


# ---------------- CWE-22: file-serving blueprint, one endpoint joining without safe_join ----------------


def _med_kw(c):
    w = _word(c)
    return dict(w=w, ws=w + "s", WU=w.upper(), log=c.pick("log", "logger"), bp=c.pick("bp", "files", "media_bp"),
                maxage=c.pick(300, 3600, 86400), et=c.pick("_file_etag", "_stat_etag", "_etag_for"),
                ex=c.pick("_existing", "_resolve", "_file_or_404"))


def _med_weak_part(c):
    """(part with $FIX on the path line, vulnerable expression, safe expression)."""
    shape = c.pick("thumb", "sample", "sidecar")
    style = c.pick("join", "normpath", "pathlib")
    if shape == "thumb":
        args = ("THUMB_DIR", "str(size)", "name")
        body = '''
            @$bp.get("/thumbs/<int:size>/<path:name>")
            def thumbnail(size: int, name: str):  #@S
                if size not in THUMB_SIZES:
                    abort(404)
                path = $FIX
                if path is None or not os.path.isfile(path):
                    abort(404)
                with open(path, "rb") as fh:
                    data = fh.read()
                response = current_app.response_class(data, mimetype=mimetypes.guess_type(path)[0] or "image/jpeg")
                response.set_etag($et(path))
                response.cache_control.public = True
                response.cache_control.max_age = $maxage
                return response.make_conditional(request)
        '''
        imp, needs = "import mimetypes", ["etag"]
    elif shape == "sample":
        args = ("SAMPLES_DIR", "name")
        body = '''
            @$bp.get("/samples/preview")
            def sample_preview():
                """First lines of a public sample data file, for the import wizard."""
                name = request.args.get("file", "")  #@S
                path = $FIX
                if path is None or not os.path.isfile(path):
                    abort(404)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    head = fh.read(PREVIEW_CHARS)
                return jsonify(file=os.path.basename(path), preview=head, truncated=os.path.getsize(path) > len(head))
        '''
        imp, needs = "", []
    else:
        args = ("MEDIA_DIR", "name + \".json\"")
        body = '''
            @$bp.get("/media/<path:name>/meta")
            def media_meta(name: str):  #@S
                """Caption, credits and dimensions from the JSON sidecar next to a media file."""
                path = $FIX
                if path is None or not os.path.isfile(path):
                    abort(404)
                with open(path, encoding="utf-8") as fh:
                    meta = json.load(fh)
                response = jsonify(meta)
                response.set_etag($et(path))
                return response.make_conditional(request)
        '''
        imp, needs = "import json", ["etag"]
    if style == "join":
        vexpr = "os.path.join(" + ", ".join(args) + ")"
    elif style == "normpath":
        vexpr = "os.path.normpath(os.path.join(" + ", ".join(args) + "))"
    else:
        vexpr = "str(Path(" + args[0] + ") / " + " / ".join(f"({a})" if " + " in a else a for a in args[1:]) + ")"
        imp += "\nfrom pathlib import Path"
    sexpr = "safe_join(" + ", ".join(args) + ")"
    return P("weak", rank=3, imp=imp, needs=needs, body=body), vexpr + "  #@V", sexpr


def _med_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import os\nfrom flask import Blueprint, abort, current_app, jsonify, request, send_from_directory\n"
                               "from werkzeug.security import safe_join",
          const='''
            MEDIA_ROOT = os.environ.get("$WU_MEDIA_ROOT", "/srv/$w/media")
            MEDIA_DIR = os.path.join(MEDIA_ROOT, "library")
            THUMB_DIR = os.path.join(MEDIA_ROOT, "thumbs")
            SAMPLES_DIR = os.path.join(MEDIA_ROOT, "samples")
            ATTACH_DIR = os.path.join(MEDIA_ROOT, "attachments")
            THUMB_SIZES = frozenset({64, 128, 256, 512})
            PREVIEW_CHARS = 4096
          ''', setup='$bp = Blueprint("$w_files", __name__, url_prefix="/files")'),
    ]
    pool = [
        P("etag", rank=1, imp="import hashlib\nimport os", body='''
            def $et(path: str) -> str:
                """Validator from mtime and size; md5 is a cheap fingerprint here, not a security control."""
                st = os.stat(path)
                return hashlib.md5(f"{st.st_mtime_ns}:{st.st_size}".encode()).hexdigest()
        '''),
        P("existing", rank=1, body='''
            def $ex(root: str, *parts: str) -> str:
                """Path of a file under ``root``; 404 for names that escape it or do not exist."""
                path = safe_join(root, *parts)
                if path is None or not os.path.isfile(path):
                    abort(404)
                return path
        '''),
        P("attach", rank=3, body='''
            @$bp.get("/attachments/<path:name>")
            def attachment(name: str):
                """Downloads; send_from_directory refuses names outside ATTACH_DIR."""
                return send_from_directory(ATTACH_DIR, name, as_attachment=True, max_age=0)
        '''),
        P("original", rank=3, body='''
            @$bp.get("/media/<path:name>")
            def media_file(name: str):
                """Originals; send_from_directory keeps the name inside MEDIA_DIR and answers conditional GETs."""
                return send_from_directory(MEDIA_DIR, name, conditional=True, max_age=$maxage)
        '''),
        P("exists", rank=3, needs=["existing"], body='''
            @$bp.route("/samples/<name>", methods=["HEAD"])
            def sample_exists(name: str):
                path = $ex(SAMPLES_DIR, name)
                return "", 200, {"Content-Length": str(os.path.getsize(path))}
        '''),
        P("prune", rank=4, imp="import time", const="THUMB_MAX_AGE_DAYS = 30", body='''
            @$bp.cli.command("prune-thumbs")
            def prune_thumbs() -> None:
                """Remove thumbnails nobody requested for a month; they are regenerated on demand."""
                cutoff = time.time() - THUMB_MAX_AGE_DAYS * 86400
                removed = 0
                for dirpath, _dirs, files in os.walk(THUMB_DIR):
                    for fname in files:
                        full = os.path.join(dirpath, fname)
                        if os.stat(full).st_atime < cutoff:
                            os.remove(full)
                            removed += 1
                $log.info("pruned %d thumbnails", removed)
        '''),
        P("nosniff", rank=4, body='''
            @$bp.after_request
            def _nosniff(response):
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                return response
        '''),
    ]
    return core, pool


_MED_DOCS = ["File-serving endpoints of the $w app: originals, thumbnails, attachments, with ETags.",
             "Static and media file views ($w): conditional GETs, safe_join containment, cache headers.",
             "Blueprint that serves stored $w media and sample files from MEDIA_ROOT."]


@fam("mod13-flask-media-serve-plain-join", "CWE-22", fws=["flask"], n=8, wrap=False)
def mod13_media_join(c):
    kw = _med_kw(c)
    core, pool = _med_parts(c)
    weak, vexpr, sexpr = _med_weak_part(c)
    v, s = pair(c, c.pick(*_MED_DOCS), '$log = logging.getLogger(__name__)', core + [weak], pool, kw,
                fill(vexpr, **kw), fill(sexpr, **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="one endpoint builds its file path with a plain join (normpath and pathlib do not contain "
                      "'../' or an absolute name either) where the rest of the blueprint uses werkzeug's safe_join, "
                      "so a request can read any file the worker can; the None check only works with safe_join")


@hardneg(10)
def mod13_media_join_hn(c):
    kw = _med_kw(c)
    core, pool = _med_parts(c)
    weak, _vexpr, sexpr = _med_weak_part(c)
    code = compose(c, c.pick(*_MED_DOCS), '$log = logging.getLogger(__name__)', core + [weak], pool, kw, lo=70, hi=108,
                   subs=[{"$FIX": fill(sexpr, **kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="every file path is built with safe_join or send_from_directory; os.path.join only for "
                      "constants and os.walk results; md5 of mtime/size as ETag")


# ---------------- CWE-400: cursor pagination where one path leaves the page size uncapped ----------------


def _pg_kw(c):
    w = c.pick("article", "listing", "track", "course", "dataset", "venue", "recipe")
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"), bp=c.pick("bp", "api"),
                dflt=c.pick(20, 25, 50), mx=c.pick(100, 200, 250), limit=c.pick("limit", "per_page", "page_size"),
                clamp=c.pick("_clamp", "_bounded_size", "clamp_page_size"), pub=c.pick("_public", "_serialize", "_as_json"))


def _pg_parts(c, shape):
    cursor_size = "$FIX" if shape == "cursor" else '$clamp(int(state.get("size", DEFAULT_PAGE_SIZE)))'
    first_size = "$FIX" if shape == "first" else "$clamp(int(raw_limit)) if raw_limit.isdigit() else DEFAULT_PAGE_SIZE"
    etag = c.pick(True, False)
    list_end = ('''
                response = jsonify(body)
                response.set_etag(hashlib.md5(response.get_data()).hexdigest())
                return response.make_conditional(request)''' if etag else '''
                return jsonify(body)''')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="from flask import Blueprint, abort, jsonify, request, url_for\nfrom sqlalchemy import select\n"
                               "from .models import $W, db",
          const="DEFAULT_PAGE_SIZE = $dflt\nMAX_PAGE_SIZE = $mx", setup='$bp = Blueprint("$ws", __name__, url_prefix="/api")'),
        P("clamp", rank=1, body='''
            def $clamp(size: int) -> int:
                return max(1, min(MAX_PAGE_SIZE, size))
        '''),
        P("cursor", rank=1, imp="import base64\nimport json", body='''
            def encode_cursor(state: dict) -> str:
                """Opaque to clients, but not signed: everything in it is client input on the way back."""
                raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
                return base64.urlsafe_b64encode(raw).decode().rstrip("=")


            def decode_cursor(cursor: str) -> dict:
                try:
                    state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
                except ValueError:
                    abort(400, description="malformed cursor")
                if not isinstance(state, dict):
                    abort(400, description="malformed cursor")
                return state
        '''),
        P("params", rank=2, needs=["clamp", "cursor"], body='''
            def page_params() -> tuple[int, int]:
                """(after_id, size) from ?cursor=..., or on the first page from ?$limit=..."""
                cursor = request.args.get("cursor")
                if cursor:
                    state = decode_cursor(cursor)
                    try:
                        after = int(state.get("after", 0))
                        size = ''' + cursor_size + '''
                    except (TypeError, ValueError):
                        abort(400, description="malformed cursor")
                    return after, size
                raw_limit = request.args.get("$limit", "")''' + ("  #@S" if shape == "first" else "") + '''
                size = ''' + first_size + '''
                return 0, size
        '''),
        P("pub", rank=1, body='''
            def $pub(row: $W) -> dict:
                return {"id": row.id, "title": row.title, "created_at": row.created_at.isoformat()}
        '''),
        P("list", rank=3, needs=["params", "pub"], imp="import hashlib" if etag else "", body='''
            @$bp.get("/$ws")
            def list_$ws():
                after, size = page_params()
                stmt = select($W).where($W.id > after).order_by($W.id).limit(size + 1)
                rows = db.session.execute(stmt).scalars().all()
                items = rows[:size]
                body = {"items": [$pub(row) for row in items], "next": None}
                if len(rows) > size:
                    body["next"] = url_for(".list_$ws", cursor=encode_cursor({"after": items[-1].id, "size": size}))''' + list_end + '''
        '''),
    ]
    pool = [
        P("search", rank=3, needs=["clamp", "pub"], const="MAX_QUERY_LENGTH = 100", body='''
            @$bp.get("/$ws/search")
            def search_$ws():
                q = request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]
                if not q:
                    return jsonify(items=[])
                stmt = select($W).where($W.title.icontains(q, autoescape=True)).order_by($W.id).limit($clamp(DEFAULT_PAGE_SIZE))
                return jsonify(items=[$pub(row) for row in db.session.execute(stmt).scalars()])
        '''),
        P("count", rank=3, imp="import time", const="COUNT_TTL = 60", setup="_count_cache: dict[str, tuple[float, int]] = {}",
          body='''
            @$bp.get("/$ws/count")
            def count_$ws():
                """Total for the UI's "n results"; cached briefly because COUNT(*) is slow on big tables."""
                hit = _count_cache.get("all")
                if hit is None or hit[0] < time.monotonic():
                    total = db.session.execute(select(db.func.count()).select_from($W)).scalar_one()
                    hit = _count_cache["all"] = (time.monotonic() + COUNT_TTL, total)
                return jsonify(total=hit[1])
        '''),
        P("show", rank=3, needs=["pub"], body='''
            @$bp.get("/$ws/<int:item_id>")
            def show_$w(item_id: int):
                row = db.session.get($W, item_id)
                if row is None:
                    abort(404)
                return jsonify($pub(row))
        '''),
        P("link", rank=1, body='''
            def link_header(next_url: str | None) -> dict:
                """RFC 8288 Link header for clients that page by headers instead of the body."""
                return {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
        '''),
        P("batches", rank=1, needs=["clamp"], imp="from collections.abc import Iterator", body='''
            def iter_all(batch: int = MAX_PAGE_SIZE) -> Iterator[$W]:
                """Keyset walk over the whole table in capped batches (used by the nightly export job)."""
                after, batch = 0, $clamp(batch)
                while True:
                    rows = db.session.execute(select($W).where($W.id > after).order_by($W.id).limit(batch)).scalars().all()
                    if not rows:
                        return
                    yield from rows
                    after = rows[-1].id
        '''),
    ]
    return core, pool


_PG_DOCS = ["Paginated $w API: keyset cursors, capped page sizes, ETags on pages.",
            "$W listing endpoints with opaque cursors and a hard MAX_PAGE_SIZE.",
            "Read API for $ws (Flask + SQLAlchemy 2.0 select), paginated by id cursor."]


@fam("mod13-flask-cursor-page-size-uncapped", "CWE-400", fws=["flask"], n=8, wrap=False)
def mod13_cursor_uncapped(c):
    kw = _pg_kw(c)
    shape = c.pick("cursor", "cursor", "first")
    core, pool = _pg_parts(c, shape)
    if shape == "cursor":
        vfix = 'int(state.get("size", DEFAULT_PAGE_SIZE))  #@V'
        sfix = '$clamp(int(state.get("size", DEFAULT_PAGE_SIZE)))'
    else:
        vfix = "int(raw_limit) if raw_limit.isdigit() else DEFAULT_PAGE_SIZE  #@V"
        sfix = "$clamp(int(raw_limit)) if raw_limit.isdigit() else DEFAULT_PAGE_SIZE"
    v, s = pair(c, c.pick(*_PG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=("the page size carried in the (unsigned) cursor is trusted on the way back" if shape == "cursor"
                       else "the first page's ?limit is not clamped while cursor pages are")
                      + ": a client asks for millions of rows in one query and one JSON body (memory, database "
                        "time); the other path shows the MAX_PAGE_SIZE clamp that is missing")


@hardneg(10)
def mod13_cursor_uncapped_hn(c):
    kw = _pg_kw(c)
    shape = c.pick("cursor", "first")
    core, pool = _pg_parts(c, shape)
    fix = ('$clamp(int(state.get("size", DEFAULT_PAGE_SIZE)))' if shape == "cursor"
           else "$clamp(int(raw_limit)) if raw_limit.isdigit() else DEFAULT_PAGE_SIZE")
    code = compose(c, c.pick(*_PG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, lo=70, hi=108,
                   subs=[{"$FIX": fill(fix, **kw)}])[0]
    return Spec(s=code, full=True, fw="flask",
                notes="every page size, from the cursor or the query string, goes through the MAX_PAGE_SIZE clamp; "
                      "md5 of the page body as ETag")


# ---------------- CWE-601: release download redirecting to a mirror URL from the request ----------------


def _dl_kw(c):
    prod = c.pick("desktop", "agent", "cli", "studio", "sync")
    org = c.pick("acme", "globex", "initech", "northwind", "umbrella")
    return dict(prod=prod, Prod=prod.capitalize(), org=org, log=c.pick("log", "logger"), bp=c.pick("bp", "downloads"),
                mb=c.pick("mirror_base", "_mirror_url", "resolve_mirror"), param=c.pick("mirror", "via", "from"))


def _dl_parts(c):
    src = c.pick("args", "values")
    read = ('choice = request.args.get("$param", "")' if src == "args"
            else 'choice = request.values.get("$param", "").strip()')
    methods = '' if src == "args" else ', methods=["GET", "POST"]'
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="from flask import Blueprint, abort, current_app, jsonify, redirect, request, url_for\n"
                               "from .catalog import get_release, latest_release",
          const='''
            MIRRORS = {
                "eu": "https://eu.dl.$org.com/$prod",
                "us": "https://us.dl.$org.com/$prod",
                "ap": "https://ap.dl.$org.com/$prod",
            }
            DEFAULT_MIRROR = "eu"
          ''', setup='$bp = Blueprint("downloads", __name__, url_prefix="/download")'),
        P("mb", rank=1, body='''
            def $mb(key: str | None) -> str:
                """Base URL of a known mirror; unknown keys fall back to the default mirror."""
                return MIRRORS.get(key or "", MIRRORS[DEFAULT_MIRROR])
        '''),
        P("download", rank=3, needs=["mb"], body='''
            @$bp.route("/<version>/<filename>"''' + methods + ''')
            def download(version: str, filename: str):
                release = get_release(version)
                if release is None or filename not in release.files:
                    abort(404)
                ''' + read + '''  #@S
                $FIX
        '''),
    ]
    pool = [
        P("sums", rank=3, imp="import hashlib", body='''
            @$bp.get("/<version>/SHA256SUMS")
            def checksums(version: str):
                release = get_release(version)
                if release is None:
                    abort(404)
                body = "".join(f"{digest}  {name}\\n" for name, digest in sorted(release.sha256.items()))
                response = current_app.response_class(body, mimetype="text/plain")
                response.set_etag(hashlib.md5(body.encode()).hexdigest())
                response.cache_control.max_age = 3600
                return response.make_conditional(request)
        '''),
        P("latest", rank=3, body='''
            @$bp.get("/latest/<platform>")
            def latest(platform: str):
                """Stable link for the website's download button."""
                release = latest_release()
                filename = release.filename_for(platform)
                if filename is None:
                    abort(404)
                return redirect(url_for(".download", version=release.version, filename=filename))
        '''),
        P("list", rank=3, body='''
            @$bp.get("/mirrors")
            def mirrors():
                response = jsonify(default=DEFAULT_MIRROR, mirrors=MIRRORS)
                response.cache_control.max_age = 86400
                return response
        '''),
        P("spread", rank=1, imp="import random", body='''
            def spread_mirror() -> str:
                """Scripts without a preference get a random mirror, which spreads the load."""
                return random.choice(sorted(MIRRORS))
        '''),
        P("geo", rank=1, const='COUNTRY_MIRRORS = {"US": "us", "CA": "us", "BR": "us", "JP": "ap", "AU": "ap", "SG": "ap"}',
          body='''
            def nearest_mirror() -> str:
                """Key of the mirror nearest to the CDN's country header (unknown: the default)."""
                return COUNTRY_MIRRORS.get(request.headers.get("CF-IPCountry", "").upper(), DEFAULT_MIRROR)
        '''),
        P("notes", rank=3, body='''
            @$bp.get("/<version>/notes.json")
            def release_notes(version: str):
                release = get_release(version)
                if release is None:
                    abort(404)
                response = jsonify(version=release.version, date=release.date.isoformat(), notes=release.notes)
                response.cache_control.public = True
                response.cache_control.max_age = 600
                return response
        '''),
    ]
    return core, pool


_DL_DOCS = ["Release downloads for $Prod: mirror selection, checksums, stable 'latest' links.",
            "Download endpoints ($org $prod): redirects to the chosen mirror, SHA256SUMS with ETags.",
            "Flask blueprint behind the $prod download page."]


def _dl_fixes(c):
    shape = c.pick("inline", "inline", "twoline")
    if shape == "inline":
        v = 'return redirect(f"{choice or MIRRORS[DEFAULT_MIRROR]}/{version}/{filename}")  #@V'
        s = c.pick('return redirect(f"{$mb(choice)}/{version}/{filename}")',
                   'return redirect(f"{MIRRORS.get(choice, MIRRORS[DEFAULT_MIRROR])}/{version}/{filename}")')
    else:
        v = ('base = choice.rstrip("/") if choice.startswith("https://") else MIRRORS[DEFAULT_MIRROR]  #@V\n'
             '    return redirect(f"{base}/{version}/{filename}", code=302)  #@V')
        s = ('base = choice if choice in MIRRORS.values() else MIRRORS[DEFAULT_MIRROR]\n'
             '    return redirect(f"{base}/{version}/{filename}", code=302)')
    return v, s


@fam("mod13-flask-download-mirror-url-redirect", "CWE-601", fws=["flask"], n=8, wrap=False)
def mod13_mirror_redirect(c):
    kw = _dl_kw(c)
    core, pool = _dl_parts(c)
    vfix, sfix = _dl_fixes(c)
    v, s = pair(c, c.pick(*_DL_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the download endpoint redirects to whatever mirror base URL the request names: a link on the "
                      "real download domain sends users to a look-alike host serving a trojaned installer; the fix "
                      "looks the choice up in the MIRRORS table (or accepts only its values)")


@hardneg(10)
def mod13_mirror_redirect_hn(c):
    kw = _dl_kw(c)
    core, pool = _dl_parts(c)
    _v, s = _dl_fixes(c)
    fix = c.pick(s, 'return redirect(f"{$mb(choice)}/{version}/{filename}")',
                 'if choice not in MIRRORS:\n        choice = DEFAULT_MIRROR\n    return redirect(f"{MIRRORS[choice]}/{version}/{filename}")')
    code = compose(c, c.pick(*_DL_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, lo=70, hi=108,
                   subs=[{"$FIX": fill(fix, **kw)}])[0]
    return Spec(s=code.replace("  #@S", ""), full=True, fw="flask",
                notes="redirects go to MIRRORS entries looked up by key or url_for targets; md5 ETag on the checksum "
                      "file, random only to spread load over known mirrors")


# ---------------- CWE-338: webhook worker with a signing secret from `random` ----------------


def _wh_kw(c):
    return dict(log=c.pick("log", "logger"), sf=c.pick("new_signing_secret", "generate_secret", "mint_webhook_secret"),
                bo=c.pick("backoff_delay", "jittered_backoff", "retry_delay"), attempts=c.pick(4, 5, 6, 8),
                base=c.pick(0.5, 1.0, 2.0), cap=c.pick(60.0, 120.0, 300.0), store=c.pick("subscriptions", "registry", "sub_store"),
                hdr=c.pick("Webhook", "X-Hook", "X-Event"))


def _wh_secret(c):
    """(const lines, vulnerable return, safe return) of the secret helper."""
    shape = c.pick("randbytes", "choices", "randrange")
    if shape == "randbytes":
        return ("SECRET_BYTES = 32", "return random.randbytes(SECRET_BYTES).hex()  #@V",
                c.pick("return secrets.token_hex(SECRET_BYTES)", "return secrets.token_bytes(SECRET_BYTES).hex()"))
    if shape == "choices":
        return ("SECRET_ALPHABET = string.ascii_letters + string.digits\nSECRET_LENGTH = 40",
                'return "whsec_" + "".join(random.choices(SECRET_ALPHABET, k=SECRET_LENGTH))  #@V',
                'return "whsec_" + "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))')
    return ("SECRET_BYTES = 32",
            "return base64.urlsafe_b64encode(bytes(random.randrange(256) for _ in range(SECRET_BYTES))).decode()  #@V",
            "return base64.urlsafe_b64encode(secrets.token_bytes(SECRET_BYTES)).decode()")


def _wh_parts(c, const):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("frame", rank=0, imp="import json\nimport time\nimport requests\nfrom .store import $store",
          const="MAX_ATTEMPTS = $attempts\nBACKOFF_BASE = $base\nBACKOFF_CAP = $cap\nDELIVERY_TIMEOUT = 10"),
        P("secret", rank=1, imp="import base64\nimport random\nimport secrets\nimport string", const=const, body='''
            def $sf() -> str:
                """Per-subscription HMAC secret, shown to the subscriber once when they register."""
                $FIX
        '''),
        P("backoff", rank=1, imp="import random", body='''
            def $bo(attempt: int) -> float:
                """Full jitter: failed deliveries to one endpoint do not retry in lockstep."""
                return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt))
        '''),
        P("sign", rank=1, imp="import hashlib\nimport hmac", body='''
            def sign(secret: str, timestamp: int, body: bytes) -> str:
                mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
                return "v1=" + mac.hexdigest()
        '''),
        P("target", rank=1, imp="import ipaddress\nimport socket\nfrom urllib.parse import urlsplit", body='''
            def check_target(url: str) -> str:
                """Subscriber URLs must be https and resolve to public addresses only."""
                parts = urlsplit(url)
                if parts.scheme != "https" or not parts.hostname:
                    raise ValueError("webhook URL must use https")
                for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):
                    if not ipaddress.ip_address(info[4][0]).is_global:
                        raise ValueError("webhook URL must resolve to a public address")
                return url
        '''),
        P("register", rank=2, needs=["secret", "target"], body='''
            def register(message: dict) -> dict:
                url = check_target(message["url"])
                secret = $sf()
                sub_id = $store.insert(owner=message["owner"], url=url, events=sorted(set(message["events"])), secret=secret)
                $log.info("subscription %s registered for %d event types", sub_id, len(message["events"]))
                return {"id": sub_id, "secret": secret}
        '''),
        P("deliver", rank=2, needs=["backoff", "sign"], body='''
            def deliver(sub: dict, event: dict) -> bool:
                body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
                for attempt in range(MAX_ATTEMPTS):
                    ts = int(time.time())
                    headers = {"Content-Type": "application/json", "$hdr-Id": event["id"],
                               "$hdr-Timestamp": str(ts), "$hdr-Signature": sign(sub["secret"], ts, body)}
                    try:
                        resp = requests.post(sub["url"], data=body, headers=headers, timeout=DELIVERY_TIMEOUT,
                                             allow_redirects=False)
                        if resp.status_code < 300:
                            return True
                        if 400 <= resp.status_code < 500 and resp.status_code != 429:
                            break
                    except requests.RequestException as exc:
                        $log.warning("delivery %s attempt %d failed: %s", event["id"], attempt + 1, type(exc).__name__)
                    time.sleep($bo(attempt))
                $log.error("giving up on delivery %s to subscription %s", event["id"], sub["id"])
                return False
        '''),
        P("handle", rank=3, needs=["register", "deliver"], body='''
            def handle_message(message: dict) -> dict | None:
                kind = message.get("type")
                if kind == "register":
                    return register(message)
                if kind == "event":
                    event = message["event"]
                    for sub in $store.matching(event["type"]):
                        deliver(sub, event)
                    return None
                $log.warning("unknown message type %r", kind)
                return None
        '''),
    ]
    pool = [
        P("rotate", rank=2, needs=["secret"], body='''
            def rotate_secret(sub_id: str) -> str:
                """New secret; the old one stays valid for a day so subscribers can switch over."""
                sub = $store.get(sub_id)
                new = $sf()
                $store.update(sub_id, secret=new, previous_secret=sub["secret"], rotated_at=int(time.time()))
                return new
        '''),
        P("dedupe", rank=1, imp="import hashlib", body='''
            def dedupe_key(event: dict) -> str:
                """Idempotency key for the outbox table; sha1 is only a fingerprint of the payload."""
                return hashlib.sha1(json.dumps(event, sort_keys=True).encode()).hexdigest()
        '''),
        P("consume", rank=4, needs=["handle"], imp="import queue\nimport random", const="POLL_INTERVAL = 2.0", body='''
            def run(q: "queue.Queue[str]") -> None:
                """Worker loop; idle polls are jittered so many workers do not hit the broker together."""
                while True:
                    try:
                        raw = q.get(timeout=POLL_INTERVAL * random.uniform(0.8, 1.2))
                    except queue.Empty:
                        continue
                    if raw is None:
                        break
                    handle_message(json.loads(raw))
                    q.task_done()
        '''),
        P("sample", rank=1, imp="import random", const="TRACE_SAMPLE_RATE = 0.02", body='''
            def should_trace() -> bool:
                """Trace a small random fraction of deliveries end to end."""
                return random.random() < TRACE_SAMPLE_RATE
        '''),
        P("eventid", rank=1, imp="import uuid", body='''
            def new_event(kind: str, data: dict) -> dict:
                return {"id": uuid.uuid4().hex, "type": kind, "created": int(time.time()), "data": data}
        '''),
    ]
    return core, pool


_WH_DOCS = ["Webhook delivery worker: subscriptions, HMAC-signed deliveries, retries with jittered backoff.",
            "Outbound webhooks: register endpoints, sign payloads, retry failed deliveries.",
            "Queue consumer that delivers signed event webhooks to subscriber endpoints."]


@fam("mod13-webhook-worker-signing-secret-prng", "CWE-338", fws=["pipeline"], n=8, wrap=False)
def mod13_webhook_secret(c):
    kw = _wh_kw(c)
    const, vfix, sfix = _wh_secret(c)
    core, pool = _wh_parts(c, const)
    v, s = pair(c, c.pick(*_WH_DOCS), '$log = logging.getLogger("webhooks")', core, pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the HMAC signing secret of each subscription comes from the random module (Mersenne Twister): "
                      "its state can be recovered from observed outputs, so secrets are predictable and deliveries "
                      "forgeable; random is right for the backoff jitter in the same module, not for secrets")


@hardneg(10)
def mod13_webhook_secret_hn(c):
    kw = _wh_kw(c)
    const, _vfix, sfix = _wh_secret(c)
    core, pool = _wh_parts(c, const)
    code = compose(c, c.pick(*_WH_DOCS), '$log = logging.getLogger("webhooks")', core, pool, kw, lo=80, hi=112,
                   subs=[{"$FIX": sfix}])[0]
    return Spec(s=code, full=True, fw="pipeline",
                notes="signing secrets from secrets; random only for backoff jitter, poll jitter and trace sampling; "
                      "sha1 as an idempotency fingerprint, uuid4 event ids")
