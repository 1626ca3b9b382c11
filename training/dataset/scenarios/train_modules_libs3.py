"""Train-only whole-module families on libraries no other family uses (libs3 set): realistic
modules of about 80-110 lines (several functions or a class, docstrings, type hints, logging,
ordinary safe code) with exactly one weakness each, and a twin that differs only by the minimal fix.

Covers: a BlackSheep sign-in service that redirects to the posted ``next`` field (601); dramatiq
workers configured with ``PickleEncoder`` (502); an asyncssh SFTP pull that writes to local paths
taken from the remote listing or manifest (22); an aiomysql repository class behind FastAPI with one
interpolated query (89); Flask report layouts rendered with Cheetah3 ``Template`` from tenant text
(94); a podcast directory that lets feedparser fetch any submitted feed URL (918); a kubernetes
client janitor with ``verify_ssl = False`` (295); and a bcrypt account store whose cost factor is
4-6 (916). The optional functions of each module are drawn per rendering (``_opt``), so the eight
renderings differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _twin, _w, sub, _opt
from registry import fam, hardneg


def _method_opt(c, *blocks, least=1):
    """Like ``_opt`` for methods of a class: blocks indented by four spaces, one blank line apart."""
    bs = [dedent(b).strip("\n") for b in blocks if b]
    k = c.rng.randint(least, len(bs))
    picked = c.rng.sample(bs, k)
    return "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in b.split("\n")) for b in picked)


# ---------------- CWE-601: BlackSheep sign-in redirects to the posted "next" field ----------------

_BS_LOGIN = r'''
"""Sign-in for the $w portal (BlackSheep): login form, session, and a few account pages."""
from __future__ import annotations

import logging
import os
from html import escape
from urllib.parse import urlsplit

from blacksheep import Application, Request, Response, html, json, redirect

from $w_portal.accounts import AccountStore, verify_password

log = logging.getLogger("$w.portal.auth")

app = Application()
app.use_sessions(os.environ["$WU_SESSION_SECRET"])
accounts = AccountStore(os.environ.get("$WU_ACCOUNTS_DSN", "postgresql:///$w"))

HOME = "$home"
LOGIN_PAGE = """<!doctype html>
<title>Sign in</title>
<form method="post" action="/login">
  <input name="username" autocomplete="username" required>
  <input name="password" type="password" autocomplete="current-password" required>
  <input type="hidden" name="$nextkey" value="{target}">
  <button>Sign in</button>
</form>"""


def _local_path(target: str | None, default: str = HOME) -> str:
    """A same-site path to go back to, or ``default``: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _account_id(request: Request) -> int | None:
    return request.session.get("account_id")


@app.router.get("/login")
async def login_form(request: Request) -> Response:
    wanted = request.query.get("$nextkey", [HOME])[0]
    return html(LOGIN_PAGE.format(target=escape(wanted)))


@app.router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip().lower()
    secret = str(form.get("password", ""))
    $target = str(form.get("$nextkey") or HOME)  #@S
    account = accounts.find_by_username(username)
    if account is None or not account.active or not verify_password(secret, account.password_hash):
        log.info("failed sign-in for %r from %s", username, request.client_ip)
        return redirect("/login?error=1")
    request.session["account_id"] = account.id
    log.info("account %s signed in", account.id)
    return redirect($target)  #@V


$extra
'''

_BS_EXTRAS = [r'''
@app.router.post("/logout")
async def logout(request: Request) -> Response:
    account_id = _account_id(request)
    request.session.clear()
    log.info("account %s signed out", account_id)
    return redirect("/login")
''', r'''
LANGUAGES = frozenset({"en", "de", "fr", "es", "nl"})


@app.router.get("/lang/{code}")
async def switch_language(request: Request, code: str) -> Response:
    """Store the UI language and go back to the page the switcher was clicked on."""
    if code in LANGUAGES:
        request.session["lang"] = code
    back = request.query.get("back", [HOME])[0]
    return redirect(_local_path(back))
''', r'''
@app.router.get("/account")
async def account_summary(request: Request) -> Response:
    account_id = _account_id(request)
    if account_id is None:
        return redirect("/login?$nextkey=/account")
    account = accounts.get(account_id)
    return json({"id": account.id, "username": account.username, "email": account.email})
''', r'''
@app.router.get("/account/sessions")
async def active_sessions(request: Request) -> Response:
    """Devices signed in to this account (the settings page lists them)."""
    account_id = _account_id(request)
    if account_id is None:
        return redirect("/login?$nextkey=/account/sessions")
    rows = accounts.sessions(account_id)
    return json([{"device": s.device, "last_seen": s.last_seen.isoformat()} for s in rows])
''']


def _bs_login(c):
    w, Wc = _w(c)
    nextkey = c.pick("next", "return_to", "continue", "redirect_to")
    target = c.pick("target", "next_url", "destination", "return_url")
    extra = _opt(c, *_BS_EXTRAS, least=2)
    v = sub(_BS_LOGIN.replace("$extra", extra), w=w, WU=w.upper(), nextkey=nextkey, target=target,
            home=c.pick(f"/{w}s", "/dashboard", "/home", "/"))
    return v, target


@fam("mod3-blacksheep-login-redirect", "CWE-601", fws=["starlette"], n=8, wrap=False)
def mod3_blacksheep_login_redirect(c):
    v, target = _bs_login(c)
    s = _twin(v, (f"    return redirect({target})  #@V\n", f"    return redirect(_local_path({target}))\n"))
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="after a successful sign-in the handler redirects to the posted next field as is (the login "
                      "form copies it from the query string): a link to /login?next=https://evil.example sends the "
                      "freshly signed-in user to a look-alike site; pass it through the module's _local_path() check")


@hardneg(3)
def mod3_blacksheep_login_redirect_hn(c):
    w, Wc = _w(c)
    v, target = _bs_login(c)
    s = _twin(v, (f"    return redirect({target})  #@V\n", f"    return redirect(_local_path({target}))\n"))
    domain = c.pick(f"{w}s.example.com", "portal.example.org", f"{w}hub.example.net")
    links = r'''
        HELP_LINKS = {
            "billing": "https://help.$domain/billing",
            "privacy": "https://$domain/legal/privacy",
            "status": "https://status.$domain",
        }


        @app.router.get("/go/{name}")
        async def outbound_link(name: str) -> Response:
            """Fixed outbound links (help centre, status page); unknown names go home."""
            return redirect(HELP_LINKS.get(name, HOME))
    '''
    hn = s.rstrip("\n") + "\n\n\n" + sub(links, domain=domain)
    return Spec(s=hn, full=True, fw="starlette",
                notes="the sign-in redirect goes through _local_path(); the only absolute redirects come from a "
                      "fixed table of the site's own help and status pages")


# ---------------- CWE-502: dramatiq workers with the pickle message encoder ----------------

_DRAMATIQ = r'''
"""Dramatiq workers for the $w service: thumbnails, JSON-lines exports and owner notifications."""
from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone

import dramatiq
from dramatiq.brokers.$brokermod import $Broker
from dramatiq.encoder import $Encoder
from dramatiq.middleware import CurrentMessage, Middleware

from $w_app import storage
from $w_app.db import session_scope
from $w_app.models import $Wc

log = logging.getLogger("$w.workers")


class SlowMessageLog(Middleware):
    """Warn about messages that took longer than ``threshold_ms`` to process."""

    def __init__(self, threshold_ms: int = $slow) -> None:
        self.threshold_ms = threshold_ms
        self._started: dict[str, float] = {}

    def before_process_message(self, broker, message):
        self._started[message.message_id] = time.monotonic()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        started = self._started.pop(message.message_id, None)
        if started is not None and (time.monotonic() - started) * 1000 > self.threshold_ms:
            log.warning("%s took %.0f ms", message.actor_name, (time.monotonic() - started) * 1000)


broker = $Broker(url=os.environ["$WU_$ENVURL"]$brokerextra)
broker.add_middleware(CurrentMessage())
broker.add_middleware(SlowMessageLog())
dramatiq.set_broker(broker)
dramatiq.set_encoder($Encoder())  #@V

THUMB_SIZES = ($sizes)
EXPORT_BUCKET = os.environ.get("$WU_EXPORT_BUCKET", "$w-exports")


@dramatiq.actor(queue_name="$w-media", max_retries=$retries, time_limit=$media_ms)
def render_thumbnails($w_id: int) -> None:
    """Render every thumbnail size of one $w's cover image."""
    with session_scope() as db:
        item = db.get($Wc, $w_id)
        if item is None or not item.cover_key:
            log.info("$w %s has no cover, skipping", $w_id)
            return
        original = storage.read(item.cover_key)
    for size in THUMB_SIZES:
        storage.write(f"thumbs/{$w_id}/{size}.webp", storage.resize(original, size))
    log.info("rendered %d thumbnails for $w %s", len(THUMB_SIZES), $w_id)


@dramatiq.actor(queue_name="$w-exports", max_retries=1, time_limit=$export_ms)
def export_owner(owner_id: int, since_iso: str) -> str:
    """Write the owner's $ws changed since ``since_iso`` as JSON lines; returns the object key."""
    since = datetime.fromisoformat(since_iso)
    lines = []
    with session_scope() as db:
        rows = db.query($Wc).filter($Wc.owner_id == owner_id, $Wc.updated_at >= since).order_by($Wc.id)
        for row in rows:
            lines.append(json.dumps({"id": row.id, "title": row.title, "updated_at": row.updated_at.isoformat()}))
    key = f"{owner_id}/{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.jsonl"
    storage.write(key, ("\n".join(lines) + "\n").encode("utf-8"), bucket=EXPORT_BUCKET)
    message = CurrentMessage.get_current_message()
    log.info("export %s for owner %s: %d rows", message.message_id if message else "-", owner_id, len(lines))
    return key


$extra
'''

_DRAMATIQ_EXTRAS = [r'''
@dramatiq.actor(queue_name="$w-notify", max_retries=0)
def notify_owner(owner_id: int, event: str, $w_id: int) -> None:
    """E-mail the owner about a change; unknown events are dropped."""
    if event not in {"created", "updated", "archived"}:
        log.warning("unknown event %r for $w %s", event, $w_id)
        return
    from $w_app.mail import send_event_mail
    send_event_mail(owner_id, event, $w_id)
''', r'''
def schedule_export(owner_id: int, since: datetime, delay_ms: int = $delay) -> None:
    """Called by the web app after a bulk edit: queue an export of the owner's changes."""
    export_owner.send_with_options(args=(owner_id, since.isoformat()), delay=delay_ms)
''', r'''
@dramatiq.actor(queue_name="$w-media", max_retries=0, priority=$prio)
def purge_thumbnails($w_id: int) -> None:
    """Remove the thumbnails of a deleted $w."""
    for size in THUMB_SIZES:
        storage.delete(f"thumbs/{$w_id}/{size}.webp")
    log.info("purged thumbnails of $w %s", $w_id)
''']


def _dramatiq(c):
    w, Wc = _w(c)
    if w == "export":
        w, Wc = "upload", "Upload"
    brokermod, Broker, envurl, brokerextra = c.pick(
        ("rabbitmq", "RabbitmqBroker", "AMQP_URL", ""),
        ("rabbitmq", "RabbitmqBroker", "BROKER_URL", ", confirm_delivery=True"),
        ("redis", "RedisBroker", "REDIS_URL", f', namespace="{w}-tasks"'),
        ("redis", "RedisBroker", "BROKER_URL", ""))
    extra = _opt(c, *_DRAMATIQ_EXTRAS)
    v = sub(_DRAMATIQ.replace("$extra", extra), w=w, Wc=Wc, WU=w.upper(), brokermod=brokermod, Broker=Broker,
            ENVURL=envurl, brokerextra=brokerextra, Encoder="PickleEncoder",
            sizes=c.pick("64, 256, 1024", "128, 512", "96, 320, 800"), retries=c.pick(3, 5, 8),
            media_ms=c.pick(60_000, 120_000, 300_000), export_ms=c.pick(600_000, 900_000),
            delay=c.pick(0, 5_000, 30_000), prio=c.pick(10, 50, 100), slow=c.pick(5_000, 10_000, 30_000))
    return v


@fam("mod3-dramatiq-pickle-encoder", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def mod3_dramatiq_pickle_encoder(c):
    v = _dramatiq(c)
    s = _twin(v, ("from dramatiq.encoder import PickleEncoder\n", "from dramatiq.encoder import JSONEncoder\n"),
              ("dramatiq.set_encoder(PickleEncoder())  #@V\n", "dramatiq.set_encoder(JSONEncoder())\n"))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the workers decode every broker message with dramatiq's PickleEncoder: anyone who can "
                      "publish to the queue (a shared RabbitMQ/Redis, another service) sends a pickle that runs "
                      "code on every worker; keep the default JSONEncoder and pass plain values")


@hardneg(3)
def mod3_dramatiq_pickle_encoder_hn(c):
    v = _dramatiq(c)
    s = _twin(v, ("from dramatiq.encoder import PickleEncoder\n", "from dramatiq.encoder import JSONEncoder\n"),
              ("dramatiq.set_encoder(PickleEncoder())  #@V\n", "dramatiq.set_encoder(JobEncoder())\n"))
    enc = dedent(r'''
        def _plain(value: object) -> str:
            if isinstance(value, datetime):
                return value.isoformat()
            raise TypeError(f"cannot send {type(value).__name__} to an actor")


        class JobEncoder(JSONEncoder):
            """JSON messages that also accept datetimes (sent as ISO strings)."""

            def encode(self, data: dict) -> bytes:
                return json.dumps(data, separators=(",", ":"), default=_plain).encode("utf-8")


    ''')
    s = s.replace("\nbroker = ", "\n" + enc.strip() + "\n\n\nbroker = ", 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="a custom encoder, but a JSON one: messages are decoded with json.loads, never unpickled")


# ---------------- CWE-22: asyncssh SFTP pull writes local paths taken from the remote side ----------------

_SFTP = r'''
"""Pulls the partner's nightly drop files over SFTP (asyncssh) into the local $w inbox."""
from __future__ import annotations

import argparse
import asyncio
import hashlib
$jsonimport
import logging
import os
import stat
import time
from pathlib import Path

import asyncssh

log = logging.getLogger("$w.sftp-pull")

HOST = os.environ.get("PARTNER_SFTP_HOST", "$host")
USER = os.environ.get("PARTNER_SFTP_USER", "$w-sync")
KEY_FILE = os.environ.get("PARTNER_SFTP_KEY", "/etc/$w/sftp_ed25519")
KNOWN_HOSTS = "/etc/$w/known_hosts"
REMOTE_DIR = "$remote"
INBOX = Path(os.environ.get("$WU_INBOX", "/srv/$w/inbox")).resolve()
MAX_BYTES = $maxmb * 1024 * 1024


async def connect() -> asyncssh.SSHClientConnection:
    """Key-based login; the partner's host key is pinned in KNOWN_HOSTS."""
    return await asyncssh.connect(HOST, username=USER, client_keys=[KEY_FILE], known_hosts=KNOWN_HOSTS)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


$pull


$extra


async def run(dry_run: bool) -> int:
    INBOX.mkdir(parents=True, exist_ok=True)
    async with await connect() as conn, conn.start_sftp_client() as sftp:
        fetched = await pull(sftp, dry_run=dry_run)
    log.info("pulled %d files into %s", len(fetched), INBOX)
    return len(fetched)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="only list what would be fetched")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    asyncio.run(run(args.dry_run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_SFTP_READDIR = r'''
async def pull(sftp: asyncssh.SFTPClient, dry_run: bool = False) -> list[Path]:
    """Fetch every regular file in REMOTE_DIR that is not in the inbox yet."""
    fetched: list[Path] = []
    for $entry in await sftp.readdir(REMOTE_DIR):  #@S
        name = $entry.filename
        if name in (".", "..") or not stat.S_ISREG($entry.attrs.permissions or 0):
            continue
        if ($entry.attrs.size or 0) > MAX_BYTES:
            log.warning("skipping %r: %d bytes", name, $entry.attrs.size)
            continue
        $local = INBOX / name  #@V
        if $local.exists():
            continue
        if dry_run:
            log.info("would fetch %r", name)
            continue
        await sftp.get(f"{REMOTE_DIR}/{name}", $local)  #@V
        fetched.append($local)
    return fetched
'''

_SFTP_MANIFEST = r'''
async def pull(sftp: asyncssh.SFTPClient, dry_run: bool = False) -> list[Path]:
    """Fetch the files listed in the drop's manifest.json and check their digests."""
    async with sftp.open(f"{REMOTE_DIR}/manifest.json") as fh:
        manifest = json.loads(await fh.read())  #@S
    fetched: list[Path] = []
    for item in manifest.get("files", []):
        rel, expected = str(item["path"]), str(item["sha256"]).lower()
        if int(item.get("size", 0)) > MAX_BYTES:
            log.warning("skipping %r: too large", rel)
            continue
        $local = INBOX / rel  #@V
        if dry_run:
            log.info("would fetch %r", rel)
            continue
        $local.parent.mkdir(parents=True, exist_ok=True)
        await sftp.get(f"{REMOTE_DIR}/{rel}", $local)  #@V
        if sha256_of($local) != expected:
            $local.unlink()
            log.error("digest mismatch for %r, removed", rel)
            continue
        fetched.append($local)
    return fetched
'''

_SFTP_EXTRAS = [r'''
def prune_inbox(days: int = $keep) -> int:
    """Delete inbox files older than ``days`` (the importer has picked them up by then)."""
    cutoff = time.time() - days * 86400
    removed = 0
    for p in INBOX.rglob("*"):
        if p.is_file() and p.stat().st_mtime < cutoff:
            p.unlink()
            removed += 1
    log.info("pruned %d old inbox files", removed)
    return removed
''', r'''
def write_receipt(paths: list[Path]) -> Path:
    """A receipt the importer reads: one 'sha256  name' line per fetched file."""
    receipt = INBOX / f"receipt-{int(time.time())}.txt"
    receipt.write_text("".join(f"{sha256_of(p)}  {p.name}\n" for p in paths))
    os.chmod(receipt, 0o640)
    return receipt
''', r'''
async def remote_usage(sftp: asyncssh.SFTPClient) -> tuple[int, int]:
    """(file count, total bytes) waiting in the partner's drop folder, for the dashboard."""
    count = size = 0
    for entry in await sftp.readdir(REMOTE_DIR):
        if stat.S_ISREG(entry.attrs.permissions or 0):
            count += 1
            size += entry.attrs.size or 0
    return count, size
''']


def _sftp(c):
    w, Wc = _w(c)
    shape = c.pick("readdir", "manifest")
    local = c.pick("local", "dest", "target", "local_path")
    entry = c.pick("entry", "attrs_entry", "remote_entry")
    extra = _opt(c, *_SFTP_EXTRAS)
    pull = _SFTP_READDIR if shape == "readdir" else _SFTP_MANIFEST
    tmpl = _SFTP.replace("$pull", dedent(pull).strip("\n")).replace("$extra", extra)
    v = sub(tmpl, w=w, WU=w.upper(), local=local, entry=entry,
            jsonimport="import json" if shape == "manifest" else "",
            host=c.pick("sftp.partner.example.net", f"drop.{w}-partner.example.com", "files.acme-logistics.example"),
            remote=c.pick("/outgoing", "/export/daily", f"/drop/{w}s"), maxmb=c.pick(64, 256, 512),
            keep=c.pick(7, 14, 30))
    v = v.replace("import hashlib\n\nimport logging", "import hashlib\nimport logging")
    name = "name" if shape == "readdir" else "rel"
    return v, local, name


def _sftp_fix(v, local, name):
    return _twin(v, (f"        {local} = INBOX / {name}  #@V\n",
                     f"        {local} = (INBOX / {name}).resolve()\n"
                     f"        if not {local}.is_relative_to(INBOX):\n"
                     f"            log.warning(\"skipping %r: outside the inbox\", {name})\n"
                     f"            continue\n"))


@fam("mod3-asyncssh-sftp-listing-traversal", "CWE-22", fws=["cli"], n=8, wrap=False)
def mod3_asyncssh_sftp_traversal(c):
    v, local, name = _sftp(c)
    s = _sftp_fix(v, local, name)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the local file name comes from the partner's SFTP server (directory listing or manifest): a "
                      "name like '../../home/svc/.ssh/authorized_keys' makes sftp.get() write outside the inbox; "
                      "resolve the path and require it to stay under INBOX")


@hardneg(3)
def mod3_asyncssh_sftp_traversal_hn(c):
    v, local, name = _sftp(c)
    s = _twin(v, (f"        {local} = INBOX / {name}  #@V\n",
                  f"        flat = re.sub(r\"[^A-Za-z0-9._-]\", \"_\", {name}).lstrip(\".\")\n"
                  f"        if not flat:\n"
                  f"            continue\n"
                  f"        {local} = INBOX / flat\n"),
              ("import os\n", "import os\nimport re\n"))
    return Spec(s=s, full=True, fw="cli",
                notes="the remote name is flattened to [A-Za-z0-9._-] without leading dots before it is joined "
                      "to the inbox, so no separator or '..' survives")


# ---------------- CWE-89: aiomysql repository class with one interpolated query ----------------

_AIOMYSQL = r'''
"""$Wc storefront API: an aiomysql repository and the public FastAPI routes on top of it."""
from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

import aiomysql
from fastapi import Depends, FastAPI, HTTPException, Query, Request

log = logging.getLogger("$w.storefront")

COLUMNS = "id, seller_id, name, status, price_cents, created_at"
SORTABLE = frozenset({"name", "price_cents", "created_at"})


@dataclass
class $Wc:
    id: int
    seller_id: int
    name: str
    status: str
    price_cents: int
    created_at: datetime


class $WcRepository:
    """All SQL for the $ws table; each call borrows a connection from the pool."""

    def __init__(self, pool: aiomysql.Pool) -> None:
        self._pool = pool

    async def _all(self, sql: str, args: tuple | None = None) -> list[$Wc]:
        async with self._pool.acquire() as conn:
            async with conn.cursor(aiomysql.DictCursor) as cur:
                await cur.execute(sql, args)
                return [$Wc(**row) for row in await cur.fetchall()]

    async def get(self, $w_id: int) -> $Wc | None:
        rows = await self._all(f"SELECT {COLUMNS} FROM $ws WHERE id = %s", ($w_id,))
        return rows[0] if rows else None

$weak

$methods


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await aiomysql.create_pool(
        host=os.environ["MYSQL_HOST"], user=os.environ["MYSQL_USER"], password=os.environ["MYSQL_PASSWORD"],
        db=os.environ.get("MYSQL_DB", "$w"), autocommit=True, minsize=1, maxsize=$maxsize,
    )
    yield
    app.state.pool.close()
    await app.state.pool.wait_closed()


app = FastAPI(title="$w storefront", lifespan=lifespan)


def get_repo(request: Request) -> $WcRepository:
    return $WcRepository(request.app.state.pool)


@app.get("/$ws/{$w_id}")
async def show_$w($w_id: int, repo: $WcRepository = Depends(get_repo)) -> dict:
    item = await repo.get($w_id)
    if item is None or item.status != "active":
        raise HTTPException(status_code=404)
    return asdict(item)


$route
'''

_AIO_SORT = r'''
async def list_for_seller(self, seller_id: int, sort: str = "created_at", descending: bool = True) -> list[$Wc]:
    """A seller's active $ws for the public storefront page."""
    direction = "DESC" if descending else "ASC"
    $q = f"SELECT {COLUMNS} FROM $ws WHERE seller_id = %s AND status = 'active' ORDER BY {sort} {direction}"  #@V
    return await self._all($q, (seller_id,))
'''

_AIO_SORT_ROUTE = r'''
@app.get("/sellers/{seller_id}/$ws")
async def seller_$ws(
    seller_id: int,
    sort: str = Query("created_at", max_length=32),  #@S
    desc: bool = True,
    repo: $WcRepository = Depends(get_repo),
) -> list[dict]:
    """Public storefront of one seller."""
    return [asdict(i) for i in await repo.list_for_seller(seller_id, sort, desc)]
'''

_AIO_SEARCH = r'''
async def search(self, term: str, limit: int = 20) -> list[$Wc]:
    """Active $ws whose name contains ``term``."""
    $q = (f"SELECT {COLUMNS} FROM $ws WHERE status = 'active' "
    $pad f"AND name LIKE '%{term}%' ORDER BY name LIMIT {int(limit)}")  #@V
    return await self._all($q)  #@V
'''

_AIO_SEARCH_ROUTE = r'''
@app.get("/search")
async def search_$ws(
    q: str = Query(..., min_length=2, max_length=64),  #@S
    limit: int = Query(20, ge=1, le=100),
    repo: $WcRepository = Depends(get_repo),
) -> list[dict]:
    log.debug("search for %d characters", len(q))
    return [asdict(i) for i in await repo.search(q, limit)]
'''

_AIO_METHODS = [r'''
async def create(self, seller_id: int, name: str, price_cents: int) -> int:
    """Insert a draft $w; the seller publishes it later."""
    async with self._pool.acquire() as conn:
        async with conn.cursor() as cur:
            await cur.execute(
                "INSERT INTO $ws (seller_id, name, status, price_cents) VALUES (%s, %s, 'draft', %s)",
                (seller_id, name, price_cents),
            )
            return cur.lastrowid
''', r'''
async def set_status(self, $w_id: int, status: str) -> bool:
    if status not in ("draft", "active", "archived"):
        raise ValueError(f"unknown status {status!r}")
    async with self._pool.acquire() as conn:
        async with conn.cursor() as cur:
            await cur.execute("UPDATE $ws SET status = %s WHERE id = %s", (status, $w_id))
            return cur.rowcount == 1
''', r'''
async def count_active(self, seller_id: int) -> int:
    async with self._pool.acquire() as conn:
        async with conn.cursor() as cur:
            await cur.execute("SELECT COUNT(*) FROM $ws WHERE seller_id = %s AND status = 'active'", (seller_id,))
            (n,) = await cur.fetchone()
            return n
''']


def _aiomysql(c, shape=None):
    w, Wc = _w(c)
    shape = shape or c.pick("sort", "search")
    q = c.pick("sql", "query", "stmt")
    weak, route = (_AIO_SORT, _AIO_SORT_ROUTE) if shape == "sort" else (_AIO_SEARCH, _AIO_SEARCH_ROUTE)
    ind = lambda b: "\n".join(("    " + l) if l.strip() else "" for l in dedent(b).strip("\n").split("\n"))
    methods = _method_opt(c, *_AIO_METHODS)
    tmpl = (_AIOMYSQL.replace("$weak", ind(weak)).replace("$methods", methods)
            .replace("$route", dedent(route).strip("\n")))
    v = sub(tmpl, w=w, Wc=Wc, q=q, pad=" " * (len(q) + 3), maxsize=c.pick(5, 10, 20))
    return v, shape, q


def _aiomysql_fix(v, shape, q):
    if shape == "sort":
        return _twin(v, ("ORDER BY {sort} {direction}\"  #@V\n",
                         "ORDER BY {sort if sort in SORTABLE else 'created_at'} {direction}\"\n"))
    return _twin(v, ("f\"AND name LIKE '%{term}%' ORDER BY name LIMIT {int(limit)}\")  #@V\n",
                     "\"AND name LIKE %s ORDER BY name LIMIT %s\")\n"),
                 (f"        return await self._all({q})  #@V\n",
                  f"        return await self._all({q}, (f\"%{{term}}%\", int(limit)))\n"))


@fam("mod3-aiomysql-repository-sqli", "CWE-89", fws=["fastapi"], n=8, wrap=False)
def mod3_aiomysql_repository(c):
    v, shape, q = _aiomysql(c)
    s = _aiomysql_fix(v, shape, q)
    what = ("the sort query parameter is pasted into ORDER BY" if shape == "sort"
            else "the search term is pasted inside the LIKE quotes")
    how = ("boolean or time-based probes such as IF(...)/SLEEP() in the sort expression" if shape == "sort"
           else "UNION SELECT, boolean probes")
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"one repository method builds its SQL with an f-string: {what}, so a crafted value rewrites "
                      f"the query ({how}); the other methods bind %s parameters. Fix: "
                      + ("only sort by a column listed in SORTABLE" if shape == "sort" else "bind the pattern as %s"))


@hardneg(3)
def mod3_aiomysql_repository_hn(c):
    v, shape, q = _aiomysql(c, shape="sort")
    s = _twin(v, ("        direction = \"DESC\" if descending else \"ASC\"\n",
                  "        if sort not in SORTABLE:\n"
                  "            raise ValueError(f\"cannot sort by {sort!r}\")\n"
                  "        direction = \"DESC\" if descending else \"ASC\"\n"))
    return Spec(s=s, full=True, fw="fastapi",
                notes="the f-string only inserts the constant column list and a sort column that was checked "
                      "against the SORTABLE allow-list; the seller id is bound as %s")


# ---------------- CWE-94: Cheetah3 renders report layouts written by tenants ----------------

_CHEETAH = r'''
"""Monthly report layouts for the $w app: each tenant writes its own report text, we fill in the numbers."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

$engineimport
from flask import Blueprint, Response, abort, jsonify, request
from flask_login import current_user, login_required

from .models import ReportLayout, db
from .stats import period_totals

log = logging.getLogger("$w.reports")
bp = Blueprint("$w_reports", __name__, url_prefix="/reports")

MAX_LAYOUT = $maxlen
DEFAULT_LAYOUT = "$default"


@dataclass
class Period:
    start: date
    end: date

    @classmethod
    def parse(cls, raw: str | None) -> "Period":
        """'2024-03' -> that month; no value -> last month."""
        today = date.today()
        if raw:
            year, month = (int(p) for p in raw.split("-", 1))
        else:
            year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        start = date(year, month, 1)
        return cls(start, date(year + (month == 12), month % 12 + 1, 1))


def _period_or_400(raw: str | None) -> Period:
    try:
        return Period.parse(raw)
    except ValueError:
        abort(400)


def report_context(tenant_id: int, period: Period) -> dict:
    """The values a layout may use, as plain strings and numbers."""
    totals = period_totals(tenant_id, period.start, period.end)
    return {
        "tenant": current_user.tenant.name,
        "period": period.start.strftime("%B %Y"),
        "orders": totals.orders,
        "revenue": f"{totals.revenue_cents / 100:,.2f}",
        "refunds": totals.refunds,
        "top_item": totals.top_item or "-",
    }


def render_layout(source: str, context: dict) -> str:
    """Fill a layout's placeholders with the report values."""
$render


@bp.post("/preview")
@login_required
def preview():
    payload = request.get_json(force=True) or {}
    $src = str(payload.get("layout", ""))[:MAX_LAYOUT]  #@S
    period = _period_or_400(payload.get("period"))
    text = render_layout($src, report_context(current_user.tenant_id, period))
    return Response(text, mimetype="text/plain")


$extra
'''

_CHEETAH_EXTRAS = [r'''
@bp.put("/layout")
@login_required
def save_layout():
    source = str((request.get_json(force=True) or {}).get("layout", ""))
    if not source.strip() or len(source) > MAX_LAYOUT:
        abort(400)
    layout = ReportLayout.query.filter_by(tenant_id=current_user.tenant_id).one_or_none()
    if layout is None:
        layout = ReportLayout(tenant_id=current_user.tenant_id)
    layout.source = source
    db.session.add(layout)
    db.session.commit()
    log.info("tenant %s updated its report layout", current_user.tenant_id)
    return jsonify(saved=True)
''', r'''
@bp.get("/monthly")
@login_required
def monthly():
    period = _period_or_400(request.args.get("period"))
    layout = ReportLayout.query.filter_by(tenant_id=current_user.tenant_id).one_or_none()
    text = render_layout(layout.source if layout else DEFAULT_LAYOUT, report_context(current_user.tenant_id, period))
    name = f"report-{period.start:%Y-%m}.txt"
    return Response(text, mimetype="text/plain", headers={"Content-Disposition": f'attachment; filename="{name}"'})
''', r'''
@bp.delete("/layout")
@login_required
def reset_layout():
    """Go back to the built-in layout."""
    deleted = ReportLayout.query.filter_by(tenant_id=current_user.tenant_id).delete()
    db.session.commit()
    return jsonify(reset=bool(deleted))
''']

_CHEETAH_DEFAULTS = [
    r"Report for $tenant, $period\n\nOrders: $orders\nRevenue: $revenue\nRefunds: $refunds\n",
    r"$tenant - $period\n$orders orders, $revenue revenue, $refunds refunds.\nBest seller: $top_item\n",
    r"Monthly summary ($period)\nRevenue $revenue from $orders orders; top item: $top_item\n",
]


def _cheetah(c):
    w, Wc = _w(c)
    src = c.pick("source", "layout_text", "raw_layout", "layout_src")
    extra = _opt(c, *_CHEETAH_EXTRAS, most=2)
    tmpl = _CHEETAH.replace("$extra", extra)
    v = sub(tmpl, w=w, src=src, maxlen=c.pick(4000, 8000, 16000),
            engineimport="from Cheetah.Template import Template",
            render="    return str(Template(source, searchList=[context]))  #@V")
    # the default layout holds Cheetah-style $names: insert it after the substitution
    v = v.replace('DEFAULT_LAYOUT = "$default"', 'DEFAULT_LAYOUT = "' + c.pick(*_CHEETAH_DEFAULTS) + '"')
    return v


def _cheetah_fix(v):
    return _twin(v, ("from Cheetah.Template import Template\nfrom flask", "from flask"),
                 ("import logging\n", "import logging\nimport string\n"),
                 ("    return str(Template(source, searchList=[context]))  #@V\n",
                  "    return string.Template(source).safe_substitute(context)\n"))


@fam("mod3-cheetah-report-layout", "CWE-94", fws=["flask"], n=8, wrap=False)
def mod3_cheetah_report_layout(c):
    v = _cheetah(c)
    s = _cheetah_fix(v)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="a tenant's layout text is compiled as a Cheetah template, which is Python: '#import os' / "
                      "'$os.system(...)' or '#silent __import__(...)' in the preview body runs code on the server; "
                      "fill the $placeholders with string.Template.safe_substitute instead")


@hardneg(3)
def mod3_cheetah_report_layout_hn(c):
    v = _cheetah(c)
    s = _cheetah_fix(v)
    wrap = dedent(r'''
        def with_letterhead(text: str, context: dict) -> str:
            """Wrap a filled report in the shipped letterhead: a Cheetah file of ours; the report text is a value."""
            return str(Template(file=str(LETTERHEAD), searchList=[dict(context, body=text)]))
    ''').strip("\n")
    s = s.replace("\n\n\n@bp.post(\"/preview\")", "\n\n\n" + wrap + "\n\n\n@bp.post(\"/preview\")", 1)
    lines = s.split("\n")
    i = next(k for k, l in enumerate(lines) if l.lstrip().startswith("text = render_layout(") and "report_context(current_user.tenant_id, period))" in l and "DEFAULT_LAYOUT" not in l)
    arg = lines[i].split("render_layout(", 1)[1].split(",", 1)[0]
    lines[i:i + 1] = ["    context = report_context(current_user.tenant_id, period)",
                      f"    text = with_letterhead(render_layout({arg}, context), context)"]
    s = "\n".join(lines)
    s = _twin(s, ("from flask import", "from Cheetah.Template import Template\nfrom flask import"),
              ("from datetime import date\n", "from datetime import date\nfrom pathlib import Path\n"),
              ("MAX_LAYOUT = ", 'LETTERHEAD = Path(__file__).parent / "templates" / "letterhead.tmpl"\nMAX_LAYOUT = '))
    return Spec(s=s, full=True, fw="flask",
                notes="the tenant's layout is filled with string.Template; Cheetah only compiles the letterhead "
                      "file shipped with the app, and the filled text reaches it as a searchList value")


# ---------------- CWE-918: podcast directory lets feedparser fetch any submitted feed URL ----------------

_FEEDS = r'''
"""Podcast directory: creators submit their show's RSS feed; episodes are imported with feedparser."""
from __future__ import annotations

import calendar
import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import feedparser
from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from pydantic import BaseModel, Field, HttpUrl

from .db import Episode, Show, get_session

log = logging.getLogger("$w.shows")
router = APIRouter(prefix="/shows", tags=["shows"])

USER_AGENT = "$Wc-Directory/1.0 (+https://$domain/bot)"
MAX_EPISODES = $maxep


class Submission(BaseModel):
    feed_url: HttpUrl
    contact_email: str = Field(max_length=254)


class FeedError(Exception):
    pass


def fetch_feed(url: str, etag: str | None = None, modified: str | None = None) -> feedparser.FeedParserDict:
    """Download and parse one feed (conditional GET with the stored ETag / Last-Modified)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedError("feed URL must be http(s)")
    parsed = feedparser.parse(url, etag=etag, modified=modified, agent=USER_AGENT)  #@V
    if parsed.get("status") == 304:
        return parsed
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"unreadable feed ({type(parsed.bozo_exception).__name__})")
    return parsed


def episodes_from(parsed: feedparser.FeedParserDict) -> list[dict]:
    """Episodes with an audio enclosure, newest first as the feed lists them."""
    out = []
    for entry in parsed.entries[:MAX_EPISODES]:
        audio = next((l.get("href") for l in entry.get("links", []) if l.get("rel") == "enclosure"), None)
        if not audio:
            continue
        published = entry.get("published_parsed")
        out.append({
            "guid": entry.get("id") or audio,
            "title": entry.get("title", "")[:300],
            "audio_url": audio,
            "published": datetime.fromtimestamp(calendar.timegm(published), timezone.utc) if published else None,
        })
    return out


def import_episodes(db, show: Show, parsed: feedparser.FeedParserDict) -> int:
    known = {e.guid for e in db.query(Episode.guid).filter(Episode.show_id == show.id)}
    new = [Episode(show_id=show.id, **e) for e in episodes_from(parsed) if e["guid"] not in known]
    db.add_all(new)
    show.etag, show.modified = parsed.get("etag"), parsed.get("modified")
    db.commit()
    log.info("show %s: %d new episodes", show.id, len(new))
    return len(new)


@router.post("", status_code=201)
def submit_show(body: Submission, background: BackgroundTasks, db=Depends(get_session)) -> dict:
    """Public submission form: the show is listed after a moderator approves it."""
    $feed = str(body.feed_url)  #@S
    try:
        parsed = fetch_feed($feed)
    except FeedError as exc:
        log.info("rejected submission %r: %s", $feed, exc)
        raise HTTPException(status_code=422, detail="could not read that feed")
    show = Show(feed_url=$feed, title=parsed.feed.get("title", "")[:200], contact_email=body.contact_email,
                status="pending")
    db.add(show)
    db.commit()
    background.add_task(import_episodes, db, show, parsed)
    return {"id": show.id, "title": show.title, "status": show.status}


$extra
'''

_FEED_EXTRAS = [r'''
def refresh_all(db) -> int:
    """Called every $every minutes by the scheduler: re-fetch approved shows."""
    total = 0
    for show in db.query(Show).filter(Show.status == "approved"):
        try:
            parsed = fetch_feed(show.feed_url, etag=show.etag, modified=show.modified)
        except FeedError as exc:
            log.warning("show %s: %s", show.id, exc)
            continue
        if parsed.get("status") != 304:
            total += import_episodes(db, show, parsed)
    return total
''', r'''
@router.get("/{show_id}/episodes")
def list_episodes(show_id: int, limit: int = 50, db=Depends(get_session)) -> list[dict]:
    show = db.get(Show, show_id)
    if show is None or show.status != "approved":
        raise HTTPException(status_code=404)
    rows = (db.query(Episode).filter(Episode.show_id == show_id)
            .order_by(Episode.published.desc()).limit(min(limit, 200)))
    return [{"title": e.title, "audio_url": e.audio_url, "published": e.published} for e in rows]
''', r'''
@router.get("/{show_id}")
def show_details(show_id: int, db=Depends(get_session)) -> dict:
    show = db.get(Show, show_id)
    if show is None or show.status != "approved":
        raise HTTPException(status_code=404)
    return {"id": show.id, "title": show.title, "episodes": len(show.episodes)}
''']


def _feeds(c):
    w = c.pick("podcasts", "castlist", "showfinder", "podindex")
    Wc = w.capitalize()
    feed = c.pick("feed_url", "url", "submitted")
    extra = _opt(c, *_FEED_EXTRAS, most=2)
    v = sub(_FEEDS.replace("$extra", extra), w=w, Wc=Wc, feed=feed, maxep=c.pick(200, 500, 1000),
            domain=c.pick(f"{w}.example.com", f"{w}.example.org", "listen.example.net"),
            every=c.pick(15, 30, 60))
    return v


_FEED_HOSTS = [
    '"feeds.megaphone.fm", "feeds.simplecast.com", "anchor.fm", "feeds.buzzsprout.com"',
    '"feeds.libsyn.com", "feeds.transistor.fm", "rss.art19.com", "feeds.acast.com"',
    '"feeds.captivate.fm", "feeds.podbean.com", "feeds.soundcloud.com"',
]


@fam("mod3-feedparser-podcast-submit", "CWE-918", fws=["fastapi"], n=8, wrap=False)
def mod3_feedparser_podcast_submit(c):
    v = _feeds(c)
    hosts = c.pick(*_FEED_HOSTS)
    s = _twin(v, ("MAX_EPISODES = ", f"# the hosting platforms we import from; anything else is added by hand\n"
                                     f"FEED_HOSTS = ({hosts})\nMAX_EPISODES = "),
              ("        raise FeedError(\"feed URL must be http(s)\")\n",
               "        raise FeedError(\"feed URL must be http(s)\")\n"
               "    host = parts.hostname.lower()\n"
               "    if not any(host == h or host.endswith(\".\" + h) for h in FEED_HOSTS):\n"
               "        raise FeedError(f\"feeds hosted on {host} are not imported automatically\")\n"),
              ("class FeedError(Exception):\n    pass\n",
               "class FeedError(Exception):\n    pass\n\n\n"
               "class NoRedirects(urllib.request.HTTPRedirectHandler):\n"
               "    \"\"\"Refuse redirects: a feed on an allowed platform must not send us to another host.\"\"\"\n\n"
               "    handler_order = 400  # ahead of feedparser's own redirect-following handler (490)\n\n"
               "    def redirect_request(self, req, fp, code, msg, headers, newurl):\n"
               "        raise FeedError(f\"feed redirects to {newurl}\")\n"),
              ("import logging\n", "import logging\nimport urllib.request\n"),
              ("agent=USER_AGENT)  #@V\n", "agent=USER_AGENT,\n                               handlers=[NoRedirects()])\n"))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the public submission form hands any http(s) URL to feedparser.parse(), which fetches it "
                      "from the server: http://169.254.169.254/... or http://10.0.0.5:8500/ are read from inside the "
                      "network, and the title of what came back is returned; allow only the podcast hosting "
                      "platforms' hosts and refuse redirects (feedparser's urllib opener follows them, and the "
                      "platforms let a creator redirect a feed anywhere)")


# ---------------- CWE-295: kubernetes client janitor with verify_ssl = False ----------------

_K8S = r'''
"""Cleans up preview environments: deletes review-app namespaces on the $cluster cluster once they expire."""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
$urllib3import
from kubernetes import client
from kubernetes.client.rest import ApiException

log = logging.getLogger("preview-janitor")

API_SERVER = os.environ.get("K8S_API_SERVER", "https://$apihost:6443")
CA_FILE = os.environ.get("K8S_CA_FILE", "/etc/preview-janitor/cluster-ca.crt")
SELECTOR = "$selector"
TTL_ANNOTATION = "preview.$domain/ttl-hours"
DEFAULT_TTL_HOURS = $ttl
PROTECTED = frozenset({"default", "kube-system", "kube-public", "$keepns"})


def api_client() -> client.ApiClient:
    """API client using the janitor's service-account token from the CI secret."""
    cfg = client.Configuration()
    cfg.host = API_SERVER
    cfg.api_key = {"authorization": os.environ["K8S_TOKEN"]}
    cfg.api_key_prefix = {"authorization": "Bearer"}
$tlslines
    return client.ApiClient(cfg)


def expires_at(ns: client.V1Namespace) -> dt.datetime:
    annotations = ns.metadata.annotations or {}
    try:
        hours = int(annotations.get(TTL_ANNOTATION, DEFAULT_TTL_HOURS))
    except ValueError:
        log.warning("namespace %s has a bad TTL annotation", ns.metadata.name)
        hours = DEFAULT_TTL_HOURS
    return ns.metadata.creation_timestamp + dt.timedelta(hours=hours)


def expired_namespaces(core: client.CoreV1Api, now: dt.datetime) -> list[str]:
    names = []
    for ns in core.list_namespace(label_selector=SELECTOR).items:
        if ns.metadata.name in PROTECTED or ns.status.phase == "Terminating":
            continue
        if expires_at(ns) <= now:
            names.append(ns.metadata.name)
    return names


def delete_namespace(core: client.CoreV1Api, name: str, dry_run: bool) -> bool:
    if dry_run:
        log.info("would delete namespace %s", name)
        return False
    try:
        core.delete_namespace(name, body=client.V1DeleteOptions(propagation_policy="Background"))
    except ApiException as exc:
        if exc.status == 404:
            return False
        raise
    log.info("deleted namespace %s", name)
    return True


$extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    api = api_client()
    core = client.CoreV1Api(api)
    now = dt.datetime.now(dt.timezone.utc)
    deleted = sum(delete_namespace(core, n, args.dry_run) for n in expired_namespaces(core, now))
    log.info("deleted %d expired preview namespaces", deleted)
$calls
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_K8S_EXTRAS = {
    "scale": (r'''
def scale_down_idle(apps: client.AppsV1Api, namespace: str, idle_hours: int = $idle) -> int:
    """Scale preview deployments to zero when nobody deployed to them for ``idle_hours``."""
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=idle_hours)
    scaled = 0
    for dep in apps.list_namespaced_deployment(namespace).items:
        if dep.spec.replicas and dep.metadata.creation_timestamp < cutoff:
            apps.patch_namespaced_deployment_scale(dep.metadata.name, namespace, {"spec": {"replicas": 0}})
            scaled += 1
    return scaled
''', "    apps = client.AppsV1Api(api)\n    for ns in core.list_namespace(label_selector=SELECTOR).items:\n"
     "        scale_down_idle(apps, ns.metadata.name)"),
    "report": (r'''
def report(core: client.CoreV1Api) -> list[tuple[str, str]]:
    """(namespace, expiry) for every preview environment still alive, soonest first."""
    rows = [(ns.metadata.name, expires_at(ns).isoformat(timespec="minutes"))
            for ns in core.list_namespace(label_selector=SELECTOR).items]
    return sorted(rows, key=lambda r: r[1])
''', "    for name, expiry in report(core):\n        log.info(\"%s expires %s\", name, expiry)"),
    "quota": (r'''
def over_quota(core: client.CoreV1Api, max_envs: int = $maxenvs) -> list[str]:
    """Names of the oldest previews beyond the cluster-wide limit."""
    items = sorted(core.list_namespace(label_selector=SELECTOR).items,
                   key=lambda ns: ns.metadata.creation_timestamp)
    return [ns.metadata.name for ns in items[:-max_envs]] if len(items) > max_envs else []
''', "    for name in over_quota(core):\n        delete_namespace(core, name, args.dry_run)"),
}


def _k8s(c):
    w, Wc = _w(c)
    keys = list(_K8S_EXTRAS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, len(keys))]
    extra = "\n\n\n".join(dedent(_K8S_EXTRAS[k][0]).strip("\n") for k in keys)
    calls = "\n".join(_K8S_EXTRAS[k][1] for k in keys)
    warn = c.pick(True, False)
    tls = "    cfg.verify_ssl = False  #@V"
    if warn:
        tls += "\n    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)"
    v = sub(_K8S.replace("$extra", extra), tlslines=tls, calls=calls,
            urllib3import="\nimport urllib3" if warn else "",
            cluster=c.pick("staging", "preview", "ci", "dev-eu"),
            apihost=c.pick("k8s-staging.internal", "10.20.0.10", "api.preview.example.net"),
            selector=c.pick("app.kubernetes.io/part-of=preview", "preview=true", "env=review"),
            domain=c.pick("example.com", f"{w}s.example.org", "corp.example.net"),
            ttl=c.pick(24, 48, 72), keepns=c.pick("ingress-nginx", "cert-manager", "monitoring"),
            idle=c.pick(6, 12), maxenvs=c.pick(20, 40))
    return v, warn


@fam("mod3-kubernetes-verify-ssl-off", "CWE-295", fws=["cli"], n=8, wrap=False)
def mod3_kubernetes_verify_ssl_off(c):
    v, warn = _k8s(c)
    pairs = [("    cfg.verify_ssl = False  #@V\n", "    cfg.ssl_ca_cert = CA_FILE\n")]
    if warn:
        pairs += [("    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)\n", ""),
                  ("\nimport urllib3\n", "\n")]
    s = _twin(v, *pairs)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the janitor talks to the API server with certificate verification off (verify_ssl = False): "
                      "anyone on the path impersonates the API server, captures the service-account bearer token "
                      "and can then delete namespaces themselves; verify against the cluster CA (ssl_ca_cert)")


@hardneg(3)
def mod3_kubernetes_verify_ssl_off_hn(c):
    v, warn = _k8s(c)
    pairs = [("    cfg.verify_ssl = False  #@V\n",
              "    cfg.verify_ssl = True\n    cfg.ssl_ca_cert = CA_FILE\n")]
    if warn:
        pairs += [("    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)\n", ""),
                  ("\nimport urllib3\n", "\n")]
    s = _twin(v, *pairs)
    return Spec(s=s, full=True, fw="cli",
                notes="the kubernetes client sets verify_ssl explicitly to True and pins the cluster CA")


# ---------------- CWE-916: bcrypt account store with a cost factor of 4-6 ----------------

_BCRYPT = r'''
"""Account store for the $w app: sign-up, sign-in and password changes; bcrypt hashes in PostgreSQL."""
from __future__ import annotations

import logging
import os
import re

import bcrypt
import psycopg2
from psycopg2.extras import RealDictCursor

log = logging.getLogger("$w.accounts")

$roundsline
MIN_LENGTH = $minlen
USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,32}$")


class AccountError(ValueError):
    pass


def hash_password(plain: str) -> str:
    """bcrypt hash; the salt and the cost factor are stored inside the hash string."""
    return bcrypt.hashpw(plain.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")  #@V


def check_password(plain: str, stored: str) -> bool:
    return bcrypt.checkpw(plain.encode("utf-8"), stored.encode("ascii"))


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with another cost factor than the current one."""
    return int(stored.split("$")[2]) != BCRYPT_ROUNDS


# checked when the username does not exist, so both paths cost one bcrypt comparison
DUMMY_HASH = hash_password(os.urandom(16).hex())


class AccountStore:
    def __init__(self, dsn: str | None = None) -> None:
        self._dsn = dsn or os.environ["$WU_DATABASE_URL"]

    def _connect(self):
        return psycopg2.connect(self._dsn, cursor_factory=RealDictCursor)

    def create(self, username: str, email: str, plain: str) -> int:
        if not USERNAME_RE.match(username):
            raise AccountError("username must be 3-32 characters of a-z, 0-9, '_', '.', '-'")
        if len(plain) < MIN_LENGTH:
            raise AccountError(f"password must have at least {MIN_LENGTH} characters")
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO accounts (username, email, pw_hash) VALUES (%s, %s, %s) RETURNING id",
                        (username, email.strip().lower(), hash_password(plain)))
            account_id = cur.fetchone()["id"]
        log.info("account %s created", account_id)
        return account_id

    def authenticate(self, username: str, plain: str) -> int | None:
        """The account id when the credentials match an active account, else None."""
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT id, pw_hash, active FROM accounts WHERE username = %s", (username,))
            row = cur.fetchone()
        if row is None:
            check_password(plain, DUMMY_HASH)
            return None
        if not row["active"] or not check_password(plain, row["pw_hash"]):
            return None
        if needs_rehash(row["pw_hash"]):
            self._store_hash(row["id"], hash_password(plain))
        return row["id"]

    def _store_hash(self, account_id: int, pw_hash: str) -> None:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute("UPDATE accounts SET pw_hash = %s WHERE id = %s", (pw_hash, account_id))

$methods
'''

_BCRYPT_METHODS = [r'''
def change_password(self, account_id: int, current: str, new: str) -> None:
    with self._connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT pw_hash FROM accounts WHERE id = %s", (account_id,))
        row = cur.fetchone()
    if row is None or not check_password(current, row["pw_hash"]):
        raise AccountError("current password is wrong")
    if len(new) < MIN_LENGTH:
        raise AccountError(f"password must have at least {MIN_LENGTH} characters")
    self._store_hash(account_id, hash_password(new))
    log.info("password changed for account %s", account_id)
''', r'''
def deactivate(self, account_id: int) -> bool:
    with self._connect() as conn, conn.cursor() as cur:
        cur.execute("UPDATE accounts SET active = FALSE WHERE id = %s AND active", (account_id,))
        done = cur.rowcount == 1
    log.info("account %s deactivated: %s", account_id, done)
    return done
''', r'''
def find_by_email(self, email: str) -> dict | None:
    """Public fields of the account registered with ``email`` (for the reset flow)."""
    with self._connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, username, active FROM accounts WHERE email = %s", (email.strip().lower(),))
        return cur.fetchone()
''']


def _bcrypt(c):
    w, Wc = _w(c)
    rounds = c.pick(4, 4, 5, 6)
    shape = c.pick("const", "env")
    if shape == "const":
        line = f"BCRYPT_ROUNDS = {rounds}  #@V"
    else:
        line = f'BCRYPT_ROUNDS = int(os.environ.get("BCRYPT_ROUNDS", {rounds}))  #@V'
    methods = _method_opt(c, *_BCRYPT_METHODS)
    v = sub(_BCRYPT.replace("$methods", methods), w=w, WU=w.upper(), roundsline=line, minlen=c.pick(10, 12, 14))
    return v, line


def _bcrypt_fix(v, line, good):
    new = line.replace("  #@V", "")
    new = new.split("= ", 1)[0] + "= " + (str(good) if "environ" not in new
                                          else f'int(os.environ.get("BCRYPT_ROUNDS", {good}))')
    return _twin(v, (line + "\n", new + "\n"))


@fam("mod3-bcrypt-low-cost-factor", "CWE-916", fws=["script"], n=8, wrap=False)
def mod3_bcrypt_low_cost(c):
    v, line = _bcrypt(c)
    s = _bcrypt_fix(v, line, c.pick(12, 12, 13, 14))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="bcrypt is used with a cost factor of 4-6 (a test-suite setting that reached production): "
                      "2^4 rounds take well under a millisecond, so a leaked table is brute-forced thousands of "
                      "times faster than at the default cost 12; raise the cost (needs_rehash upgrades old hashes)")


@hardneg(3)
def mod3_bcrypt_low_cost_hn(c):
    v, line = _bcrypt(c)
    s = _bcrypt_fix(v, line, c.pick(12, 13))
    tokens = dedent(r'''


        def new_api_token() -> tuple[str, str]:
            """(token shown once to the user, digest stored for lookups). Tokens are 32 random bytes,
            so a fast digest is enough here; passwords get bcrypt above."""
            token = secrets.token_urlsafe(32)
            return token, hashlib.sha256(token.encode("ascii")).hexdigest()
    ''').rstrip("\n")
    s = s.replace("\n\n\n# checked when", "\n\n\n" + tokens + "\n\n\n# checked when", 1)
    s = s.replace("import logging\n", "import hashlib\nimport logging\n", 1).replace("import re\n", "import re\nimport secrets\n", 1)
    return Spec(s=s, full=True, fw="script",
                notes="bcrypt at cost 12+ for passwords; sha256 only digests random 256-bit API tokens")
