"""Train-only whole-module families (libs24 rare set, mod24-*): modules of about 70-130 lines whose one
weak statement carries a label with few whole-module families, each in a shape no other family uses.

- mod24-giftcard-claim-code-prng (338): a gift-card issuing service (check character, hashed storage,
  constant-time redemption) draws the claim code body from ``random.choices`` / ``random.choice``.
- mod24-bottle-debug-env-default-on (215): a Bottle app whose debug mode (tracebacks in error pages) is
  read from an environment variable that defaults to on.
- mod24-daemon-state-world-writable (732): a polling daemon writes its PID file / state file / credential
  cache and then ``os.chmod(..., 0o666)`` (or ``0o777``) so the control CLI of other users can use it.
- mod24-restore-job-tar-member-option (77): a Celery / RQ restore job passes the member names the user
  picked to ``tar -x`` as positional arguments without ``--``, so ``--to-command=`` is read as an option.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fcntl", "io", "pwd", "grp", "shutil", "signal", "sqlite3", "stat", "subprocess",
                          "tarfile", "tempfile", "atexit", "errno", "csv", "zlib", "pathlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-338: gift-card claim codes drawn from `random` ----------------


def _gc_kw(c):
    brand = c.pick("acme", "northwind", "bluebird", "harbor", "lumen", "tandem")
    return dict(
        brand=brand, BRAND=brand.upper(), log=c.pick("log", "logger"),
        Svc=c.pick("GiftCardService", "GiftCardIssuer", "CardLedger"),
        Card=c.pick("GiftCard", "IssuedCard", "CardRecord"),
        Err=c.pick("RedemptionError", "CardError", "InvalidCard"),
        issue=c.pick("issue", "issue_card", "create_card"),
        redeem=c.pick("redeem", "claim", "redeem_code"),
        body_fn=c.pick("_code_body", "_draw_body", "_new_body"),
        check_fn=c.pick("_check_char", "_checksum_char", "_check_symbol"),
        fmt_fn=c.pick("format_code", "pretty_code", "group_code"),
        norm_fn=c.pick("normalise_code", "canonical_code", "clean_code"),
        hash_fn=c.pick("_code_hash", "_lookup_hash", "_fingerprint"),
        code_len=c.pick(12, 14, 16), group=c.pick(4, 4, 3),
        pin_len=c.pick(10, 12), ttl=c.pick(365, 540, 730), cur=c.pick("EUR", "USD", "GBP"),
        maxval=c.pick(500, 1000, 2000),
    )


def _gc_parts(c, shape):
    alpha = c.pick('"23456789ABCDEFGHJKLMNPQRSTUVWXYZ"', '"0123456789ABCDEFGHJKMNPQRSTVWXYZ"')
    if shape == "alpha":
        consts = f"ALPHABET = {alpha}\nCODE_LENGTH = $code_len\nGROUP = $group"
        body = '''
            def $body_fn() -> str:
                """The random part of a claim code (the check character is appended by the caller)."""
                $FIX
        '''
        check = '''
            def $check_fn(body: str) -> str:
                """A weighted mod-32 check character, so that typos are caught before a lookup."""
                total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
                return ALPHABET[total % len(ALPHABET)]
        '''
    else:
        consts = "CODE_LENGTH = $pin_len\nGROUP = 4"
        body = '''
            def $body_fn() -> str:
                """The random digits of a claim code (a Luhn digit is appended by the caller)."""
                $FIX
        '''
        check = '''
            def $check_fn(body: str) -> str:
                """Luhn check digit, as printed on the card's back."""
                total = 0
                for i, ch in enumerate(reversed(body)):
                    d = int(ch) * (2 if i % 2 == 0 else 1)
                    total += d - 9 if d > 9 else d
                return str((10 - total % 10) % 10)
        '''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import hashlib\nimport hmac\nimport os", const=consts + '''
VALIDITY_DAYS = $ttl
MAX_VALUE = Decimal("$maxval")
CODE_PEPPER = os.environ["$BRAND_GIFTCARD_PEPPER"].encode()'''),
        P("card", rank=1, imp="from dataclasses import dataclass\nfrom datetime import datetime\nfrom decimal import Decimal",
          body='''
            @dataclass
            class $Card:
                id: int
                code_hash: str
                value: Decimal
                currency: str
                expires_at: datetime
                redeemed_by: int | None = None


            class $Err(Exception):
                """Raised for unknown, expired or already redeemed codes (one message for all three)."""
        '''),
        P("body", rank=1, body=body),
        P("check", rank=1, body=check),
        P("hash", rank=1, body='''
            def $hash_fn(code: str) -> str:
                """Codes are stored as a keyed hash only; a leaked table does not reveal spendable codes."""
                return hmac.new(CODE_PEPPER, code.encode(), hashlib.sha256).hexdigest()
        '''),
        P("norm", rank=1, body='''
            def $norm_fn(raw: str) -> str:
                return "".join(ch for ch in raw.upper() if ch.isalnum())
        '''),
        P("svc", rank=3, imp="from datetime import datetime, timedelta, timezone\nfrom decimal import Decimal", body='''
            class $Svc:
                def __init__(self, repo) -> None:
                    self.repo = repo

                def $issue(self, value: Decimal, currency: str = "$cur") -> str:
                    """Create a card and return its printable code; only the hash is kept."""
                    if not Decimal("1") <= value <= MAX_VALUE:
                        raise ValueError("card value out of range")
                    body = $body_fn()
                    code = body + $check_fn(body)
                    expires = datetime.now(timezone.utc) + timedelta(days=VALIDITY_DAYS)
                    card_id = self.repo.insert(code_hash=$hash_fn(code), value=value, currency=currency, expires_at=expires)
                    $log.info("issued card %d (%s %s)", card_id, value, currency)
                    return code

                def $redeem(self, raw_code: str, user_id: int) -> $Card:
                    code = $norm_fn(raw_code)
                    if len(code) != CODE_LENGTH + 1 or $check_fn(code[:-1]) != code[-1]:
                        raise $Err("invalid code")
                    card = self.repo.find_by_hash($hash_fn(code))
                    if card is None or card.redeemed_by is not None or card.expires_at < datetime.now(timezone.utc):
                        $log.info("rejected redemption by user %d", user_id)
                        raise $Err("invalid code")
                    if not self.repo.mark_redeemed(card.id, user_id):
                        raise $Err("invalid code")
                    $log.info("card %d redeemed by user %d", card.id, user_id)
                    return card
        '''),
    ]
    pool = [
        P("fmt", rank=2, body='''
            def $fmt_fn(code: str) -> str:
                """Group the code for printing: ABCD-EFGH-..."""
                return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
        '''),
        P("jitter", rank=2, imp="import random\nimport time", const="REPO_RETRIES = 3", body='''
            def retry_conflicts(fn, *args, **kwargs):
                """Retry a repository write on a serialisation conflict, with jitter (not a secret)."""
                for attempt in range(REPO_RETRIES):
                    try:
                        return fn(*args, **kwargs)
                    except TimeoutError:
                        time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
                return fn(*args, **kwargs)
        '''),
        P("batch", rank=2, imp="import csv\nimport io\nfrom decimal import Decimal", needs=["fmt"], body='''
            def issue_batch(service: "$Svc", count: int, value: Decimal) -> str:
                """A CSV of freshly issued codes for the print shop (sent once, never stored)."""
                if not 0 < count <= 5000:
                    raise ValueError("batch size must be 1..5000")
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(["code", "value"])
                for _ in range(count):
                    writer.writerow([$fmt_fn(service.$issue(value)), str(value)])
                return out.getvalue()
        '''),
        P("mask", rank=2, body='''
            def masked(code: str) -> str:
                """For support tickets and logs: only the last four characters."""
                return "*" * (len(code) - 4) + code[-4:]
        '''),
        P("balance", rank=2, imp="from decimal import Decimal", body='''
            def remaining_after(card_value: Decimal, amount: Decimal) -> Decimal:
                if amount <= 0 or amount > card_value:
                    raise ValueError("amount out of range")
                return (card_value - amount).quantize(Decimal("0.01"))
        '''),
    ]
    return core, pool


@fam("mod24-giftcard-claim-code-prng", "CWE-338", fws=["script"], n=8, wrap=False)
def mod24_giftcard_claim_code_prng(c):
    kw = _gc_kw(c)
    # review R102: only the alphabet draws (random.choices / random.choice); the numeric randint + Luhn variant
    # was removed as too close to a held-out family.
    core, pool = _gc_parts(c, "alpha")
    form = c.pick("k", "list")
    vfix = {"k": 'return "".join(random.choices(ALPHABET, k=CODE_LENGTH))  #@V',
            "list": 'return "".join([random.choice(ALPHABET) for _ in range(CODE_LENGTH)])  #@V'}[form]
    sfix = c.pick('return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))',
                  'return "".join([secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)])')
    for p in core:
        if p.key == "body":
            p.imp = "import random\nimport secrets"
    doc = c.pick("Gift-card issuing and redemption for $brand.",
                 "$BRAND gift cards: claim codes, check characters and one-time redemption.",
                 "Issuing service for prepaid $brand cards (codes are stored hashed, redeemed once).")
    v, s = pair(c, doc, '$log = logging.getLogger("$brand.giftcards")', core, pool, kw, vfix, sfix,
                lo=74, hi=130)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the claim code that spends the card's value comes from the Mersenne Twister (random.choices / "
                      "random.choice): its output is predictable from earlier codes, so issued codes can be guessed; "
                      "the fix draws it from secrets")


@hardneg(2)
def mod24_giftcard_claim_code_prng_hn(c):
    kw = _gc_kw(c)
    core, pool = _gc_parts(c, "alpha")
    for p in core:
        if p.key == "body":
            p.imp = "import secrets"
            p.body = p.body.replace("$FIX", 'return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))')
    code = compose(c, "Gift-card issuing for $brand; codes come from secrets, jitter from random.",
                   '$log = logging.getLogger("$brand.giftcards")', core, pool, kw, lo=74, hi=130)
    return Spec(s=code, full=True, fw="script",
                notes="claim codes from secrets.choice; random only jitters retry delays")



# ---------------- CWE-732: a polling daemon makes its PID / state / credential file world-writable ----------------


def _dm_kw(c):
    name = c.pick("feedsync", "ledgerd", "mailpoll", "printq", "sensord", "mirrord")
    return dict(name=name, NAME=name.upper(), log=c.pick("log", "logger"),
                Daemon=c.pick("Poller", "SyncDaemon", "Worker", "Agent"),
                interval=c.pick(15, 30, 60), rundir=c.pick(f"/run/{name}", f"/var/run/{name}", f"/var/lib/{name}"),
                write_fn=c.pick("_write_atomic", "_atomic_write", "_replace_file"),
                Tok=c.pick("TokenCache", "CredentialCache", "AuthCache"))


def _dm_parts(c, shape):
    """shape: pid (fix 0o644), state (0o640), creds (0o600); $FIX is the chmod statement."""
    core = [
        P("logging", rank=0, imp="import logging\nimport os", const='''RUN_DIR = os.environ.get("$NAME_RUN_DIR", "$rundir")
PID_FILE = os.path.join(RUN_DIR, "$name.pid")
STATE_FILE = os.path.join(RUN_DIR, "state.json")
TOKEN_FILE = os.path.join(RUN_DIR, "token.json")
POLL_INTERVAL = $interval'''),
        P("atomic", rank=1, imp="import json\nimport os\nimport tempfile", body='''
            def $write_fn(path: str, data: dict) -> None:
                """Write JSON next to ``path`` and rename it into place, so readers never see half a file."""
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
                try:
                    with os.fdopen(fd, "w") as fh:
                        json.dump(data, fh)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, path)
                except BaseException:
                    os.unlink(tmp)
                    raise
        '''),
    ]
    if shape == "pid":
        core.append(P("pid", rank=2, imp="import atexit\nimport os", body='''
            def write_pidfile() -> None:
                """Record our PID for ``$name ctl stop`` (run by the operators' group)."""
                os.makedirs(RUN_DIR, mode=0o755, exist_ok=True)
                with open(PID_FILE, "w") as fh:
                    fh.write(f"{os.getpid()}\\n")
                $FIX
                atexit.register(lambda: os.path.exists(PID_FILE) and os.unlink(PID_FILE))
        '''))
    elif shape == "state":
        core.append(P("state", rank=2, imp="import time", body='''
            def save_state(cursor: str, processed: int) -> None:
                """Checkpoint the feed cursor; on restart the daemon resumes from it."""
                $write_fn(STATE_FILE, {"cursor": cursor, "processed": processed, "saved_at": time.time()})
                $FIX
        '''))
    else:
        core.append(P("creds", rank=2, imp="import time", body='''
            class $Tok:
                """The OAuth access/refresh token pair, cached across restarts."""

                def __init__(self, path: str = TOKEN_FILE) -> None:
                    self.path = path

                def store(self, access_token: str, refresh_token: str, expires_in: int) -> None:
                    $write_fn(self.path, {
                        "access_token": access_token,
                        "refresh_token": refresh_token,
                        "expires_at": time.time() + expires_in,
                    })
                    $FIX
        '''))
    pool = [
        P("signals", rank=2, imp="import signal", const="STOP = False", body='''
            def _request_stop(signum, frame) -> None:
                global STOP
                $log.info("signal %d received, finishing the current batch", signum)
                STOP = True


            def install_signal_handlers() -> None:
                signal.signal(signal.SIGTERM, _request_stop)
                signal.signal(signal.SIGINT, _request_stop)
        '''),
        P("load", rank=2, imp="import json", body='''
            def load_state() -> dict:
                try:
                    with open(STATE_FILE) as fh:
                        return json.load(fh)
                except FileNotFoundError:
                    return {"cursor": "", "processed": 0}
                except ValueError:
                    $log.warning("state file %s is corrupt, starting from scratch", STATE_FILE)
                    return {"cursor": "", "processed": 0}
        '''),
        P("loop", rank=3, imp="import random\nimport time", body='''
            def run_forever(poll) -> None:
                """Call ``poll()`` every POLL_INTERVAL seconds (with a little jitter) until stopped."""
                failures = 0
                while not globals().get("STOP", False):
                    try:
                        poll()
                        failures = 0
                    except OSError as exc:
                        failures += 1
                        $log.warning("poll failed (%s), %d in a row", exc, failures)
                    time.sleep(POLL_INTERVAL * (1 + failures) + random.uniform(0, 1))
        '''),
        P("user", rank=2, imp="import os\nimport pwd", body='''
            def drop_privileges(username: str = "$name") -> None:
                """Started as root by the init system: switch to the service account."""
                if os.getuid() != 0:
                    return
                entry = pwd.getpwnam(username)
                os.setgroups([])
                os.setgid(entry.pw_gid)
                os.setuid(entry.pw_uid)
        '''),
        P("alive", rank=2, imp="import os", body='''
            def already_running() -> bool:
                try:
                    with open(PID_FILE) as fh:
                        pid = int(fh.read().strip())
                    os.kill(pid, 0)
                except (FileNotFoundError, ValueError, ProcessLookupError):
                    return False
                except PermissionError:
                    return True
                return True
        '''),
    ]
    return core, pool


@fam("mod24-daemon-state-world-writable", "CWE-732", fws=["script"], n=8, wrap=False)
def mod24_daemon_state_world_writable(c):
    kw = _dm_kw(c)
    shape = c.pick("pid", "state", "creds")
    core, pool = _dm_parts(c, shape)
    path = {"pid": "PID_FILE", "state": "STATE_FILE", "creds": "self.path"}[shape]
    bad = c.pick("0o666", "0o666", "0o777")
    vfix = f"os.chmod({path}, {bad})  #@V"
    good = {"pid": c.pick("0o644", "0o640"), "state": c.pick("0o640", "0o600"), "creds": "0o600"}[shape]
    sfix = f"os.chmod({path}, {good})"
    doc = c.pick("$name: a small polling daemon (pid file, checkpoints, cached credentials).",
                 "Daemon entry points for $name: pid file handling, state checkpoints and the poll loop.",
                 "Runtime files of the $name service and its main loop.")
    v, s = pair(c, doc, '$log = logging.getLogger("$name")', core, pool, kw, vfix, sfix, lo=72, hi=130)
    what = {"pid": "the PID file (any local user can replace the PID that `ctl stop` signals)",
            "state": "the checkpoint file (any local user can rewrite the cursor the daemon resumes from)",
            "creds": "the cached OAuth token file (any local user can read or replace the tokens)"}[shape]
    return Spec(v=v, s=s, full=True, fw="script",
                notes=f"after writing {what} the daemon chmods it world-writable ({bad}); the fix keeps it "
                      f"owner-writable ({good})")


@hardneg(2)
def mod24_daemon_state_world_writable_hn(c):
    kw = _dm_kw(c)
    shape = c.pick("pid", "state", "creds")
    core, pool = _dm_parts(c, shape)
    path = {"pid": "PID_FILE", "state": "STATE_FILE", "creds": "self.path"}[shape]
    mode = {"pid": "0o644", "state": "0o640", "creds": "0o600"}[shape]
    for p in core:
        p.body = p.body.replace("$FIX", f"os.chmod({path}, {mode})")
    code = compose(c, "Runtime files of the $name daemon (owner-writable only).", '$log = logging.getLogger("$name")',
                   core, pool, kw, lo=72, hi=130)
    return Spec(s=code, full=True, fw="script", notes="pid/state/token files chmodded 0o644 / 0o640 / 0o600")


# ---------------- CWE-215: a Bottle app whose debug mode defaults to on ----------------


def _bt_kw(c):
    w = c.pick("booking", "ticket", "order", "survey", "parcel", "invoice")
    return dict(w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"), APP=c.pick("APP", "SERVICE", w.upper()),
                port=c.pick(8080, 8000, 5000), db=c.pick("sqlite3", "sqlite3"),
                var=c.pick("BOTTLE_DEBUG", "APP_DEBUG", "DEBUG_MODE"))


def _bt_parts(c, shape):
    on = c.pick('"1"', '"true"', '"yes"')
    truth = c.pick('in ("1", "true", "yes")', 'in {"1", "true", "yes", "on"}')
    core = [
        P("logging", rank=0, imp="import logging\nimport os", const='''DB_PATH = os.environ.get("$APP_DB", "$ws.sqlite3")
PAGE_SIZE = 50
$FIX'''),
        P("app", rank=1, imp="import bottle\nfrom bottle import Bottle", setup="app = Bottle()"),
        P("db", rank=1, imp="import sqlite3", body='''
            def get_db() -> sqlite3.Connection:
                conn = sqlite3.connect(DB_PATH)
                conn.row_factory = sqlite3.Row
                return conn
        '''),
        P("list", rank=2, imp="from bottle import request", body='''
            @app.get("/api/$ws")
            def list_$ws():
                page = max(int(request.query.get("page", "1") or 1), 1)
                with get_db() as db:
                    rows = db.execute(
                        "SELECT id, title, status FROM $ws ORDER BY id DESC LIMIT ? OFFSET ?",
                        (PAGE_SIZE, (page - 1) * PAGE_SIZE),
                    ).fetchall()
                return {"items": [dict(r) for r in rows], "page": page}
        '''),
        P("one", rank=2, imp="from bottle import abort", body='''
            @app.get("/api/$ws/<item_id:int>")
            def get_$w(item_id: int):
                with get_db() as db:
                    row = db.execute("SELECT id, title, status FROM $ws WHERE id = ?", (item_id,)).fetchone()
                if row is None:
                    abort(404, "no such $w")
                return dict(row)
        '''),
    ]
    if shape == "global":
        core.append(P("main", rank=5, tail='''
            if __name__ == "__main__":
                bottle.debug(DEBUG)
                bottle.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "$port")), reloader=DEBUG)
        '''))
    else:
        core.append(P("main", rank=5, tail='''
            if __name__ == "__main__":
                app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "$port")), debug=DEBUG, quiet=not DEBUG)
        '''))
    pool = [
        P("health", rank=2, body='''
            @app.get("/healthz")
            def healthz():
                return {"ok": True}
        '''),
        P("create", rank=2, imp="from bottle import request, response, HTTPError", body='''
            @app.post("/api/$ws")
            def create_$w():
                data = request.json or {}
                title = str(data.get("title", "")).strip()
                if not 1 <= len(title) <= 200:
                    raise HTTPError(400, "title must be 1-200 characters")
                with get_db() as db:
                    cur = db.execute("INSERT INTO $ws (title, status) VALUES (?, 'new')", (title,))
                $log.info("created $w %d", cur.lastrowid)
                response.status = 201
                return {"id": cur.lastrowid}
        '''),
        P("err", rank=3, imp="import json", body='''
            @app.error(404)
            def not_found(error):
                bottle.response.content_type = "application/json"
                return json.dumps({"error": "not found"})
        '''),
        P("hook", rank=3, imp="from bottle import response", body='''
            @app.hook("after_request")
            def security_headers() -> None:
                response.set_header("X-Content-Type-Options", "nosniff")
                response.set_header("Cache-Control", "no-store")
        '''),
    ]
    return core, pool, on, truth


# Framework kind: Bottle -> flask (the schema has no bottle kind; the nearest WSGI micro-framework).
@fam("mod24-bottle-debug-env-default-on", "CWE-215", fws=["flask"], n=8, wrap=False)
def mod24_bottle_debug_env_default_on(c):
    kw = _bt_kw(c)
    shape = c.pick("global", "run")
    core, pool, on, truth = _bt_parts(c, shape)
    vfix = fill(f'DEBUG = os.environ.get("$var", {on}).lower() {truth}  #@V', **kw)
    sfix = fill(f'DEBUG = os.environ.get("$var", "0").lower() {truth}', **kw)
    doc = c.pick("$W API (Bottle): list, fetch and create $ws.", "Bottle JSON service for $ws.",
                 "Small Bottle app serving the $w records.")
    v, s = pair(c, doc, '$log = logging.getLogger("$ws")', core, pool, kw, vfix, sfix, lo=60, hi=120)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="Bottle's debug mode (bottle.debug / run(debug=...)) puts the exception and traceback into "
                      "every 500 page; it is read from an environment variable whose default is on, so a deployment "
                      "that does not set it shows tracebacks (paths, SQL, values) to clients; the fix defaults to off")


@hardneg(2)
def mod24_bottle_debug_env_default_on_hn(c):
    kw = _bt_kw(c)
    core, pool, on, truth = _bt_parts(c, c.pick("global", "run"))
    for p in core:
        p.const = p.const.replace("$FIX", fill(f'DEBUG = os.environ.get("$var", "0").lower() {truth}', **kw))
    code = compose(c, "Bottle JSON service for $ws (debug off unless asked for).", '$log = logging.getLogger("$ws")',
                   core, pool, kw, lo=60, hi=120)
    return Spec(s=code, full=True, fw="flask", notes="debug flag read from the environment, default off")


# ---------------- CWE-77: a restore job passes user-picked member names to `tar -x` without `--` ----------------


def _rs_kw(c):
    return dict(log=c.pick("log", "logger"), task=c.pick("restore_members", "restore_selection", "partial_restore"),
                root=c.pick("/srv/backups", "/var/lib/backups", "/data/snapshots"),
                work=c.pick("/srv/restores", "/var/lib/restores", "/data/restore-area"),
                timeout=c.pick(600, 900, 1800), maxn=c.pick(50, 100, 200))


def _rs_parts(c, queue):
    if queue == "celery":
        frame = P("frame", rank=1, imp="from celery import Celery", setup='app = Celery("restores", broker=os.environ["BROKER_URL"])')
        deco = "@app.task(acks_late=True)\n"
    else:
        frame = P("frame", rank=1, imp="from redis import Redis\nfrom rq import Queue",
                  setup='queue = Queue("restores", connection=Redis.from_url(os.environ["REDIS_URL"]))')
        deco = ""
    core = [
        P("logging", rank=0, imp="import logging\nimport os", const='''BACKUP_ROOT = "$root"
RESTORE_ROOT = "$work"
TAR_TIMEOUT = $timeout
MAX_MEMBERS = $maxn'''),
        frame,
        P("archive", rank=1, imp="import os", body='''
            def archive_path(account_id: int, snapshot: str) -> str:
                """Snapshots are named by the scheduler (``YYYYmmdd-HHMM``); anything else is refused."""
                if not (len(snapshot) == 13 and snapshot[8] == "-" and snapshot.replace("-", "").isdigit()):
                    raise ValueError("bad snapshot id")
                path = os.path.join(BACKUP_ROOT, str(account_id), snapshot + ".tar.gz")
                if not os.path.isfile(path):
                    raise FileNotFoundError(snapshot)
                return path
        '''),
        P("task", rank=3, imp="import os\nimport subprocess\nimport uuid", body=deco + '''def $task(account_id: int, snapshot: str, members: list[str]) -> dict:
    """Extract the files the customer ticked in the restore dialog into a fresh directory."""
    if not members or len(members) > MAX_MEMBERS:
        raise ValueError(f"select 1..{MAX_MEMBERS} files")
$FIX2
    src = archive_path(account_id, snapshot)
    dest = os.path.join(RESTORE_ROOT, str(account_id), uuid.uuid4().hex)
    os.makedirs(dest, mode=0o750)
    $FIX
    if proc.returncode != 0:
        $log.warning("restore of %s for account %d failed: %s", snapshot, account_id, proc.stderr[-500:])
        return {"ok": False, "error": "restore failed"}
    $log.info("restored %d member(s) of %s for account %d", len(members), snapshot, account_id)
    return {"ok": True, "path": dest}'''),
    ]
    pool = [
        P("listing", rank=2, imp="import tarfile", body='''
            def list_members(account_id: int, snapshot: str, prefix: str = "") -> list[str]:
                """File names shown in the restore dialog (no extraction, just the index)."""
                with tarfile.open(archive_path(account_id, snapshot)) as tar:
                    return sorted(m.name for m in tar.getmembers() if m.isfile() and m.name.startswith(prefix))[:1000]
        '''),
        P("cleanup", rank=2, imp="import shutil\nimport time", const="RESTORE_TTL = 7 * 24 * 3600", body='''
            def purge_old_restores(now: float | None = None) -> int:
                """Remove restore directories older than RESTORE_TTL; run daily."""
                now = now or time.time()
                removed = 0
                for account in os.listdir(RESTORE_ROOT):
                    base = os.path.join(RESTORE_ROOT, account)
                    for name in os.listdir(base):
                        path = os.path.join(base, name)
                        if now - os.path.getmtime(path) > RESTORE_TTL:
                            shutil.rmtree(path, ignore_errors=True)
                            removed += 1
                return removed
        '''),
        P("usage", rank=2, imp="import os", body='''
            def restore_size(path: str) -> int:
                total = 0
                for dirpath, _dirs, files in os.walk(path):
                    total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
                return total
        '''),
    ]
    if queue == "rq":
        pool.append(P("enqueue", rank=4, body='''
            def enqueue_restore(account_id: int, snapshot: str, members: list[str]):
                return queue.enqueue($task, account_id, snapshot, members, job_timeout=TAR_TIMEOUT + 60)
        '''))
    return core, pool


_TAR_V = ('proc = subprocess.run(["tar", "-xzf", src, "-C", dest, *members], capture_output=True, text=True, timeout=TAR_TIMEOUT)  #@V',
          'proc = subprocess.run(["tar", "-x", "-z", "-f", src, "-C", dest] + list(members), capture_output=True, text=True, timeout=TAR_TIMEOUT)  #@V')
_TAR_S = ('proc = subprocess.run(["tar", "-xzf", src, "-C", dest, "--", *members], capture_output=True, text=True, timeout=TAR_TIMEOUT)',
          'proc = subprocess.run(["tar", "-x", "-z", "-f", src, "-C", dest, "--"] + list(members), capture_output=True, text=True, timeout=TAR_TIMEOUT)')
_CHECK = '''    for name in members:
        if name.startswith("-") or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"bad member name: {name!r}")'''


@fam("mod24-restore-job-tar-member-option", "CWE-77", fws=["pipeline"], n=8, wrap=False)
def mod24_restore_job_tar_member_option(c):
    kw = _rs_kw(c)
    queue = c.pick("celery", "rq")
    core, pool = _rs_parts(c, queue)
    i = c.pick(0, 1)
    check = c.pick(True, False)
    v, s = pair(c, c.pick("Partial restores: extract selected files of a backup snapshot (background job).",
                          "Restore worker: customers pick files from a snapshot, the job extracts them with tar."),
                '$log = logging.getLogger("restores")', core, pool, kw,
                (_TAR_V[i], ""), (_TAR_S[i], _CHECK if check else ""), lo=70, hi=125)
    v = v.replace("\n\n    src = archive_path", "\n    src = archive_path")
    s = s.replace("\n\n    src = archive_path", "\n    src = archive_path")
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="member names chosen by the customer go to tar as positional arguments with no '--', so a name "
                      "such as '--to-command=sh -c ...' or '--checkpoint-action=exec=...' is parsed as an option and "
                      "runs a command in the worker; the fix ends the options with '--'"
                      + (" and rejects names starting with '-', '/' or containing '..'" if check else ""))


@hardneg(2)
def mod24_restore_job_tar_member_option_hn(c):
    kw = _rs_kw(c)
    core, pool = _rs_parts(c, c.pick("celery", "rq"))
    for p in core:
        p.body = p.body.replace("$FIX2", _CHECK).replace("$FIX", _TAR_S[c.pick(0, 1)])
    code = compose(c, "Restore worker (tar with '--' and validated member names).", '$log = logging.getLogger("restores")',
                   core, pool, kw, lo=70, hi=125)
    return Spec(s=code, full=True, fw="pipeline", notes="member names validated and placed after '--'")
