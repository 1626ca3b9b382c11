"""Train-only whole-module families on standalone scripts, CLIs and background workers (libs8 scripts
set): realistic modules of about 80-110 lines with exactly one weak statement each, and a twin that
differs only by the minimal fix. Common APIs (subprocess, os/pathlib, pickle/json, requests/urllib,
psycopg2/pymysql/sqlite3, random/secrets, os.chmod/os.open) in varied applications.

Covers: an IoT gateway diagnostics worker that formats a device address into a ping / traceroute /
nslookup command run through a shell (78); a helpdesk mailer task that attaches a ticket file whose
name comes from the job, joined under the attachment folder without a containment check (22); a
nightly partner-feed sync that unpickles what the supplier's endpoint returned (502); a reporting
cron job with a literal database password (798); a provisioning CLI that mints device keys / signing
secrets with the ``random`` module (338). The optional parts of each module are drawn per rendering, so the
renderings differ in their set of functions and in how the value travels, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _replayed, _w, _opt
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """Dedent ``_tmpl`` and replace ``$name`` tokens, longest names first."""
    out = dedent(_tmpl)
    for k in sorted(kw, key=len, reverse=True):
        val = str(kw[k])
        out = out.replace("$" + k, val.rstrip("\n") if "\n" in val else val)
    return re.sub(r"\n{4,}", "\n\n\n", out).strip("\n") + "\n"


def _ind(block, n=4):
    """Indent a dedented block by ``n`` spaces (for splicing into a function body)."""
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).strip("\n").split("\n"))


# ---------------- CWE-78: gateway diagnostics worker runs a formatted check through a shell ----------------
# Second-author review (R38): the checks were command templates filled with str.format, the shape the held-out
# val-cmdi-recipe-format name points at; they are now fixed command prefixes with the address appended.

_DIAG = r'''
"""$title

Each check runs a system tool against the device's address; the result goes back to the console."""
from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import time
from dataclasses import asdict, dataclass

import requests$kimp

log = logging.getLogger("$w.diag")

CONSOLE_URL = os.environ.get("CONSOLE_URL", "https://console.$w-fleet.example.com")
CHECK_TIMEOUT = $timeout
CHECKS = {
    "ping": "ping -c $count -W 2",
    "trace": "traceroute -m $hops -w 2",
    "dns": "nslookup",
}


@dataclass
class CheckResult:
    device: str
    check: str
    ok: bool
    output: str
    took: float


def _check_target(target: str) -> str:
    """Reject empty, overlong or option-like addresses before they reach a tool."""
    target = target.strip()
    if not target or len(target) > 253 or target.startswith("-"):
        raise ValueError(f"bad target {target!r}")
    return target


def run_check(device: str, target: str, check: str = "ping") -> CheckResult:
    """Run one diagnostic against ``target`` and keep the tail of what the tool printed."""
    base = CHECKS.get(check)
    if base is None:
        raise ValueError(f"unknown check {check!r}")
    started = time.monotonic()
$sink
    took = time.monotonic() - started
    log.info("%s on %s (%s): rc=%s in %.1fs", check, device, target, rc, took)
    return CheckResult(device, check, rc == 0, out[-$tail:], took)


def report(result: CheckResult, session: requests.Session) -> None:
    """Send one result to the fleet console."""
    resp = session.post(f"{CONSOLE_URL}/api/diag-results", json=asdict(result), timeout=10)
    resp.raise_for_status()


$extra


$entry
'''

_DIAG_EXTRA = [r'''
def packet_loss(output: str) -> float | None:
    """Packet loss percentage from ping's summary line, if it printed one."""
    m = re.search(r"(\d+(?:\.\d+)?)% packet loss", output)
    return float(m.group(1)) if m else None
''', r'''
_LAST_RUN: dict[str, float] = {}
MIN_INTERVAL = 30.0


def allowed(device: str) -> bool:
    """At most one check per device every MIN_INTERVAL seconds."""
    now = time.monotonic()
    if now - _LAST_RUN.get(device, 0.0) < MIN_INTERVAL:
        return False
    _LAST_RUN[device] = now
    return True
''', r'''
def summarize(results: list[CheckResult]) -> dict:
    """Counts for the console's dashboard tile."""
    return {
        "total": len(results),
        "failed": sum(1 for r in results if not r.ok),
        "slowest": max((r.took for r in results), default=0.0),
    }
''', r'''
def load_overrides(path: str = "/etc/$w-gateway/checks.json") -> None:
    """Site-specific timeouts; unknown keys are ignored."""
    global CHECK_TIMEOUT
    try:
        with open(path, encoding="utf-8") as fh:
            CHECK_TIMEOUT = int(json.load(fh).get("timeout", CHECK_TIMEOUT))
    except FileNotFoundError:
        log.debug("no overrides at %s", path)
''']

_DIAG_HANDLE = r'''
def handle(message: dict, session: requests.Session) -> CheckResult | None:
    """One diagnostic request from the console: device id, address and which check."""
    device = str(message.get("device_id", "?"))
    target = str(message.get("$fld", ""))  #@S
    try:
        result = run_check(device, target, str(message.get("check", "ping")))
    except (ValueError, subprocess.TimeoutExpired) as exc:
        log.warning("check for %s rejected or timed out: %s", device, exc)
        return None
    report(result, session)
    return result
'''

_DIAG_ENTRY = {
    "queue": _DIAG_HANDLE + r'''

def consume(q) -> None:
    """Worker loop over the gateway's local job queue (JSON messages; None stops it)."""
    session = requests.Session()
    while True:
        raw = q.get()
        if raw is None:
            break
        try:
            handle(json.loads(raw), session)
        finally:
            q.task_done()
''',
    "kafka": _DIAG_HANDLE + r'''

def run_consumer(bootstrap: str, topic: str = "$w.diag.requests") -> None:
    """Consume diagnostic requests published by the console."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="$w-diag",
                             value_deserializer=lambda b: json.loads(b.decode("utf-8")))
    session = requests.Session()
    for record in consumer:
        handle(record.value, session)
''',
    "script": r'''
def fetch_devices(session: requests.Session) -> list[dict]:
    """Active devices as they registered themselves (the address is what the device reported)."""
    resp = session.get(f"{CONSOLE_URL}/api/devices", params={"status": "active"}, timeout=15)
    resp.raise_for_status()
    return resp.json()["devices"]


def main() -> int:
    """Cron sweep: one check per active device, results pushed to the console."""
    logging.basicConfig(level=logging.INFO)
    session = requests.Session()
    failed = 0
    for dev in fetch_devices(session):
        target = dev.get("$fld", "")  #@S
        try:
            result = run_check(dev["id"], target, dev.get("check", "ping"))
        except (ValueError, subprocess.TimeoutExpired) as exc:
            log.warning("device %s skipped: %s", dev.get("id"), exc)
            failed += 1
            continue
        report(result, session)
        failed += 0 if result.ok else 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
''',
}


def _diag(c, safe):
    w, _ = _w(c)
    fld = c.pick("address", "host", "reported_address", "ip")
    kind = c.pick("check_output", "run", "popen", "check_output", "run")
    argv = "    argv = base.split() + [_check_target(target)]"
    if kind == "run":
        if safe:
            sink = argv + "\n    proc = subprocess.run(argv, capture_output=True, text=True, timeout=CHECK_TIMEOUT)"
        else:
            sink = ('    cmd = f"{base} {_check_target(target)}"\n'
                    "    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=CHECK_TIMEOUT)  #@V")
        sink += "\n    rc, out = proc.returncode, proc.stdout + proc.stderr"
    elif kind == "check_output":
        arg = "argv" if safe else "cmd, shell=True"
        sink = (argv if safe else '    cmd = f"{base} {_check_target(target)}"') + "\n" + (
            "    try:\n"
            f"        out = subprocess.check_output({arg}, stderr=subprocess.STDOUT, text=True,"
            f" timeout=CHECK_TIMEOUT){'' if safe else '  #@V'}\n"
            "        rc = 0\n"
            "    except subprocess.CalledProcessError as exc:\n"
            "        out, rc = exc.output or \"\", exc.returncode")
    else:
        if safe:
            sink = (argv + "\n    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,"
                    " timeout=CHECK_TIMEOUT)\n    out, rc = proc.stdout, proc.returncode")
        else:
            sink = ('    cmd = f"{base} {_check_target(target)} 2>&1"\n'
                    "    pipe = os.popen(cmd)  #@V\n"
                    "    out = pipe.read()\n"
                    "    status = pipe.close()\n"
                    "    rc = 0 if status is None else os.waitstatus_to_exitcode(status)")
    fw = c.fw
    title = {"queue": f"Gateway diagnostics worker for the {w} fleet: consumes check requests from the local queue.",
             "kafka": f"Diagnostics consumer for the {w} fleet: runs the checks the console asks for.",
             "script": f"Nightly reachability sweep over the {w} fleet's registered devices."}[fw]
    entry = sub(_DIAG_ENTRY[fw], w=w, fld=fld)
    extra = _opt(c, *_DIAG_EXTRA, least=1, most=2)
    return sub(_DIAG, title=title, sink=sink, extra=sub(extra, w=w).rstrip("\n"), entry=entry, w=w,
               kimp="\nfrom kafka import KafkaConsumer" if fw == "kafka" else "",
               timeout=c.pick(20, 30, 45), count=c.pick(3, 4, 5), hops=c.pick(12, 16, 20),
               tail=c.pick(2000, 4000, 8000))


@fam("mod8-gateway-diag-shell-check", "CWE-78", fws=["queue", "kafka", "script"], n=8, wrap=False)
def mod8_gateway_diag_shell_check(c):
    v, s = _replayed(c, _diag)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the device address (from the console's request or the device's own registration) is "
                      "formatted into the check's command string, which runs through a shell (shell=True / "
                      "os.popen); the leading-dash check does not stop `;`, `$()` or backticks. The fix splits the "
                      "template into an argument list and substitutes the address as one argument, without a shell")


@hardneg(2)
def mod8_gateway_diag_shell_check_hn(c):
    s = _diag(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        def uptime_line() -> str:
            """The gateway's own load figures for the heartbeat (a fixed command, no input)."""
            return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw=c.fw,
                notes="diagnostic tools run with an argument list, the address one argument, no shell")


# ---------------- CWE-22: helpdesk mailer attaches a ticket file named by the job ----------------

_MAILER = r'''
"""Helpdesk mailer: e-mails ticket updates to customers, with a file from the ticket attached.

$what"""
from __future__ import annotations

import json
import logging
import mimetypes
import os
import smtplib
import sqlite3
import ssl
from email.message import EmailMessage
from pathlib import Path
$imp

log = logging.getLogger("helpdesk.mailer")

ATTACH_ROOT = Path(os.environ.get("HELPDESK_ATTACHMENTS", "/srv/helpdesk/attachments"))
DB_PATH = os.environ.get("HELPDESK_DB", "/srv/helpdesk/helpdesk.db")
SMTP_HOST = os.environ.get("SMTP_HOST", "mail.$domain")
SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
SENDER = "$sender@$domain"
MAX_ATTACH = $mb * 1024 * 1024$app


def ticket_contact(ticket_id: int) -> tuple[str, str]:
    """The customer's address and the ticket subject."""
    with sqlite3.connect(DB_PATH) as conn:
        row = conn.execute("SELECT email, subject FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if row is None:
        raise LookupError(f"no ticket {ticket_id}")
    return row[0], row[1]


def load_attachment(ticket_id: int, name: str) -> tuple[bytes, str]:
    """The stored bytes of one of the ticket's files and its MIME type."""
$sink
    if len(data) > MAX_ATTACH:
        raise ValueError(f"{name} is larger than {MAX_ATTACH} bytes")
    ctype, _ = mimetypes.guess_type(name)
    return data, ctype or "application/octet-stream"


$extra


def deliver(msg: EmailMessage) -> None:
    with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=30) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        user = os.environ.get("SMTP_USER")
        if user:
            smtp.login(user, os.environ["SMTP_PASSWORD"])
        smtp.send_message(msg)


$entry
'''

_MAILER_EXTRA = [r'''
def list_attachments(ticket_id: int) -> list[str]:
    """File names stored for a ticket (for the agent's picker)."""
    folder = ATTACH_ROOT / str(ticket_id)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file())
''', r'''
def _footer(ticket_id: int) -> str:
    return (f"\n\n--\nReply to this e-mail to update ticket #{ticket_id}.\n"
            "Please do not change the subject line.")
''', r'''
def mark_sent(ticket_id: int, attachment: str | None) -> None:
    """Record the notification in the ticket's history."""
    with sqlite3.connect(DB_PATH) as conn:
        conn.execute("INSERT INTO ticket_events (ticket_id, kind, detail) VALUES (?, 'mail', ?)",
                     (ticket_id, attachment or ""))
''']

_MAILER_BUILD = r'''
    to_addr, subject = ticket_contact(ticket_id)
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to_addr
    msg["Subject"] = f"[#{ticket_id}] {subject}"
    msg.set_content(note or "Your ticket has been updated.")
    if name:
        data, ctype = load_attachment(ticket_id, name)
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=os.path.basename(name))
    deliver(msg)
    log.info("ticket %s: update mailed to %s%s", ticket_id, to_addr, " with attachment" if name else "")
'''

_MAILER_ENTRY = {
    "celery": r'''
@app.task(name="helpdesk.send_update", acks_late=True, max_retries=3)
def send_update(ticket_id: int, attachment: str | None = None, note: str = "") -> None:
    """Queued by the web app when a customer asks for one of the ticket's files to be re-sent."""
    name = (attachment or "").strip()  #@S
$build''',
    "queue": r'''
def handle(job: dict) -> None:
    """One job from the mail queue: {"ticket": id, "attachment": name, "note": text}."""
    ticket_id = int(job["ticket"])
    name = str(job.get("attachment") or "").strip()  #@S
    note = job.get("note", "")
$build


def run(redis_url: str = os.environ.get("REDIS_URL", "redis://localhost:6379/2")) -> None:
    """Block on the helpdesk mail list and process jobs one at a time."""
    r = redis.Redis.from_url(redis_url)
    while True:
        _, raw = r.blpop("helpdesk:mail")
        try:
            handle(json.loads(raw))
        except (LookupError, ValueError, OSError) as exc:
            log.warning("mail job failed: %s", exc)
''',
}


def _mailer(c, safe):
    kind = c.pick("ospath", "pathlib", "basename")
    if kind == "ospath":
        if safe:
            sink = ('    folder = os.path.realpath(os.path.join(ATTACH_ROOT, str(ticket_id)))\n'
                    '    path = os.path.realpath(os.path.join(folder, name))\n'
                    '    if os.path.commonpath([folder, path]) != folder:\n'
                    '        raise PermissionError(f"{name!r} is outside the ticket folder")\n'
                    '    with open(path, "rb") as fh:\n'
                    '        data = fh.read()')
        else:
            sink = ('    folder = os.path.realpath(os.path.join(ATTACH_ROOT, str(ticket_id)))\n'
                    '    path = os.path.join(folder, name)  #@V\n'
                    '    with open(path, "rb") as fh:  #@V\n'
                    '        data = fh.read()')
    elif kind == "pathlib":
        if safe:
            sink = ('    folder = (ATTACH_ROOT / str(ticket_id)).resolve()\n'
                    '    path = (folder / name).resolve()\n'
                    '    if not path.is_relative_to(folder):\n'
                    '        raise PermissionError(f"{name!r} is outside the ticket folder")\n'
                    '    data = path.read_bytes()')
        else:
            sink = ('    folder = (ATTACH_ROOT / str(ticket_id)).resolve()\n'
                    '    path = folder / name  #@V\n'
                    '    data = path.read_bytes()  #@V')
    else:
        fix = "os.path.basename(name)" if safe else "name"
        sink = ("    folder = os.path.join(ATTACH_ROOT, str(ticket_id))\n"
                f"    path = os.path.join(folder, {fix}){'' if safe else '  #@V'}\n"
                f"    with open(path, \"rb\") as fh:{'' if safe else '  #@V'}\n"
                "        data = fh.read()")
    fw = c.fw
    domain = c.pick("support.example.com", "helpdesk.example.org", "example.net", "service.example.com")
    if fw == "celery":
        imp = "\nfrom celery import Celery"
        app = '\n\napp = Celery("helpdesk", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/1"))'
        what = "Celery task queued by the ticket web app; the file name comes with the request."
    else:
        imp = "\nimport redis"
        app = ""
        what = "Worker over a Redis list filled by the ticket web app."
    entry = sub(_MAILER_ENTRY[fw], build=_ind(_MAILER_BUILD))
    return sub(_MAILER, sink=sink, entry=entry, extra=_opt(c, *_MAILER_EXTRA, least=1, most=3), imp=imp,
               app=app, what=what, domain=domain, sender=c.pick("support", "helpdesk", "no-reply"),
               mb=c.pick(10, 15, 20, 25))


@fam("mod8-helpdesk-mailer-attachment-path", "CWE-22", fws=["celery", "queue"], n=8, wrap=False)
def mod8_helpdesk_mailer_attachment_path(c):
    v, s = _replayed(c, _mailer)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the attachment name from the job is joined under the ticket's folder and opened as is; "
                      "'../../../etc/...' or an absolute path mails any file the worker can read to the ticket's "
                      "customer. The fix resolves the path and checks it stays in the folder (or keeps only the "
                      "base name)")


@hardneg(2)
def mod8_helpdesk_mailer_attachment_path_hn(c):
    s = _mailer(c, True)
    return Spec(s=s, full=True, fw=c.fw,
                notes="the attachment path is resolved and checked against the ticket folder before it is opened")


# ---------------- CWE-502: nightly partner-feed sync unpickles the supplier's response ----------------

_FEED_DOMAINS = [
    ("inventory", "supplier stock levels", "stock", "sku", "quantity", "suppliers"),
    ("billing", "partner exchange rates", "fx_rates", "currency", "rate", "rate_providers"),
    ("booking", "channel-manager room availability", "availability", "room_code", "free_rooms", "channels"),
    ("lms", "content-partner course seats", "course_seats", "course_code", "seats", "content_partners"),
]

_FEED = r'''
"""$App sync job: pulls $desc from each registered partner and upserts them locally.

Partners register their feed URL in the partner portal; the job runs from cron every night."""
from __future__ import annotations

import json
import logging
import os
import pickle
import sqlite3
import time
$imp

log = logging.getLogger("$app.feed_sync")

DB_PATH = os.environ.get("$APP_DB", "/var/lib/$app/$app.db")
TIMEOUT = $timeout
MAX_ROWS = $maxrows


def partners(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(partner id, feed URL) of every active partner, as registered in the portal."""
    return conn.execute("SELECT id, feed_url FROM $ptable WHERE active = 1 ORDER BY id").fetchall()


$fetch


def _clean(rows, partner: str) -> list[tuple]:
    """Keep well-formed rows only; the feed is a list of {"$key": ..., "$val": ...} mappings."""
    out = []
    for row in list(rows)[:MAX_ROWS]:
        try:
            out.append((str(row["$key"]).upper(), $conv(row["$val"]), partner))
        except (KeyError, TypeError, ValueError):
            log.debug("partner %s: skipping malformed row %r", partner, row)
    return out


def upsert(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    now = int(time.time())
    conn.executemany(
        "INSERT INTO $table ($key, $val, partner_id, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT ($key, partner_id) DO UPDATE SET $val = excluded.$val, updated_at = excluded.updated_at",
        [(*r, now) for r in rows],
    )
    return len(rows)


$extra


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    failures = 0
    with sqlite3.connect(DB_PATH) as conn:
        for partner, url in partners(conn):
            try:
                rows = _clean(fetch_feed(url), partner)
            except Exception:
                log.exception("partner %s: feed failed", partner)
                failures += 1
                continue
            log.info("partner %s: %d rows upserted", partner, upsert(conn, rows))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_FEED_EXTRA = [r'''
def stale(conn: sqlite3.Connection, hours: int = 48) -> list[str]:
    """Partners whose rows were not refreshed recently (for the morning report)."""
    cutoff = int(time.time()) - hours * 3600
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT partner_id FROM $table WHERE updated_at < ?", (cutoff,))]
''', r'''
def write_summary(counts: dict[str, int], path: str = "/var/lib/$app/last_sync.json") -> None:
    """Small status file read by the monitoring check."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"finished": int(time.time()), "rows": counts}, fh)
''', r'''
def _retrying(fn, attempts: int = 3, pause: float = 5.0):
    """Call ``fn`` until it succeeds or the attempts run out."""
    for i in range(attempts):
        try:
            return fn()
        except OSError as exc:
            log.warning("attempt %d failed: %s", i + 1, exc)
            time.sleep(pause * (i + 1))
    return fn()
''']


def _feed(c, safe):
    app, desc, table, key, val, ptable = c.pick(*_FEED_DOMAINS)
    conv = {"quantity": "int", "rate": "float", "free_rooms": "int", "seats": "int"}[val]
    kind = c.pick("requests", "urllib", "cached")
    mark = "" if safe else "  #@V"
    if kind == "requests":
        imp = "\nimport requests"
        load = "resp.json()" if safe else "pickle.loads(resp.content)"
        fetch = f'''
            def fetch_feed(url: str) -> list:
                """Download one partner's feed."""
                resp = requests.get(url, timeout=TIMEOUT, headers={{"User-Agent": "{app}-sync/1.0"}})  #@S
                resp.raise_for_status()
                return {load}{mark}
        '''
    elif kind == "urllib":
        imp = "import urllib.request"
        load = "json.load(resp)" if safe else "pickle.load(resp)"
        fetch = f'''
            def fetch_feed(url: str) -> list:
                """Download one partner's feed."""
                req = urllib.request.Request(url, headers={{"User-Agent": "{app}-sync/1.0"}})
                with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  #@S
                    return {load}{mark}
        '''
    else:
        imp = "import hashlib\nfrom pathlib import Path\n\nimport requests"
        load = "json.load(fh)" if safe else "pickle.load(fh)"
        fetch = f'''
            CACHE_DIR = Path(os.environ.get("FEED_CACHE", "/var/cache/{app}/feeds"))


            def download(url: str) -> Path:
                """Save the partner's feed to the cache, so a failed run can be replayed."""
                CACHE_DIR.mkdir(parents=True, exist_ok=True)
                target = CACHE_DIR / (hashlib.sha256(url.encode()).hexdigest()[:20] + ".feed")
                with requests.get(url, timeout=TIMEOUT, stream=True) as resp:  #@S
                    resp.raise_for_status()
                    with open(target, "wb") as fh:
                        for chunk in resp.iter_content(65536):
                            fh.write(chunk)
                return target


            def fetch_feed(url: str) -> list:
                with open(download(url), "rb") as fh:
                    return {load}{mark}
        '''
    extra = sub(_opt(c, *_FEED_EXTRA, least=0, most=2), app=app, table=table)
    out = sub(_FEED, fetch=dedent(fetch), extra=extra, imp=imp, app=app, App=app.capitalize(), APP=app.upper(),
              desc=desc, table=table, key=key, val=val, ptable=ptable, conv=conv,
              timeout=c.pick(20, 30, 60), maxrows=c.pick(5000, 20000, 50000))
    if safe:
        out = out.replace("import pickle\n", "")
    return out


@fam("mod8-partner-feed-sync-pickle", "CWE-502", fws=["script"], n=8, wrap=False)
def mod8_partner_feed_sync_pickle(c):
    v, s = _replayed(c, _feed)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the nightly job unpickles whatever bytes a partner's registered feed URL returns; a partner "
                      "(or whoever controls that URL) can send a pickle whose __reduce__ runs commands in the sync "
                      "job. The row checks run after the load, too late. The fix parses the feed as JSON")


@hardneg(2)
def mod8_partner_feed_sync_pickle_hn(c):
    s = _feed(c, True)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        def save_checkpoint(state: dict, path: str = "checkpoint.json") -> None:
            """The job's own resume point, as JSON (nothing from the partners is deserialized as objects)."""
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(state, fh)
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="script", notes="partner feeds parsed with json, never pickle")


# ---------------- CWE-798: reporting cron job with a literal database password ----------------

_REPORT_DOMAINS = [
    ("hr", "headcount by department", "SELECT department, COUNT(*) FROM employees WHERE active GROUP BY department"),
    ("billing", "overdue invoices by customer",
     "SELECT customer_id, COUNT(*) FROM invoices WHERE due_date < CURRENT_DATE AND paid_at IS NULL GROUP BY customer_id"),
    ("analytics", "sign-ups by channel", "SELECT channel, COUNT(*) FROM signups WHERE created_at >= %s GROUP BY channel"),
    ("cms", "articles published by section",
     "SELECT section, COUNT(*) FROM articles WHERE published_at >= %s GROUP BY section"),
]

_REPORT = r'''
"""Weekly $app report: $desc, written as CSV and mailed to the $app team."""
from __future__ import annotations

import csv
import io
import logging
import os
import smtplib
import ssl
from datetime import date, timedelta
from email.message import EmailMessage

$dbimp

log = logging.getLogger("$app.weekly_report")

DB_HOST = os.environ.get("REPORT_DB_HOST", "$app-db.internal")
DB_NAME = os.environ.get("REPORT_DB_NAME", "$app")
DB_USER = os.environ.get("REPORT_DB_USER", "reporting")
RECIPIENTS = [a for a in os.environ.get("REPORT_TO", "$app-team@example.com").split(",") if a]
SMTP_HOST = os.environ.get("SMTP_HOST", "smtp.example.com")


$connect


def fetch(since: date) -> list[tuple]:
    """Rows of the report for the week starting ``since``."""
    conn = $connexpr
    try:
        with conn.cursor() as cur:
            cur.execute("$sql"$args)
            return list(cur.fetchall())
    finally:
        conn.close()


def to_csv(rows: list[tuple], header: tuple[str, str] = ("$col", "count")) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


$extra


def send(body: str, since: date) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"$App weekly report from {since:%d %b %Y}"
    msg["From"] = "reports@example.com"
    msg["To"] = ", ".join(RECIPIENTS)
    msg.set_content("The weekly figures are attached.")
    msg.add_attachment(body.encode(), maintype="text", subtype="csv", filename=f"$app-{since}.csv")
    with smtplib.SMTP(SMTP_HOST, 587, timeout=30) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        smtp.send_message(msg)


def main() -> int:
    logging.basicConfig(level=logging.INFO)
    since = date.today() - timedelta(days=7)
    rows = fetch(since)
    send(to_csv(rows), since)
    log.info("weekly report sent: %d rows to %d recipients", len(rows), len(RECIPIENTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_REPORT_EXTRA = [r'''
def totals(rows: list[tuple]) -> int:
    """Sum of the count column, printed in the mail's subject line by the dashboard job."""
    return sum(int(r[1]) for r in rows)
''', r'''
def preview(rows: list[tuple], limit: int = 5) -> str:
    """The first rows as text, for the log."""
    return "; ".join(f"{k}={n}" for k, n in rows[:limit])
''', r'''
def week_label(since: date) -> str:
    iso = since.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"
''']

_PWS = ["Rep0rt!ng2023", "w33kly-R3ports", "hR_read0nly#7", "Qz8!mTk2vLp0", "reporting-Pa55"]


def _report(c, safe):
    app, desc, sql = c.pick(*_REPORT_DOMAINS)
    col = sql.split()[1].rstrip(",")
    args = ", (since,)" if "%s" in sql else ""
    pw = c.pick(*_PWS)
    lib = c.pick("psycopg2", "pymysql")
    shape = c.pick("call", "default", "settings")
    env = 'os.environ["REPORT_DB_PASSWORD"]'
    if lib == "psycopg2":
        dbimp, fn, dbkw = "import psycopg2", "psycopg2.connect", "dbname"
    else:
        dbimp, fn, dbkw = "import pymysql", "pymysql.connect", "database"
    if shape == "call":
        p = env if safe else f'"{pw}"'
        connect = f'''
            def connect():
                """A read-only connection for the reporting user."""
                return {fn}(host=DB_HOST, {dbkw}=DB_NAME, user=DB_USER, password={p}, connect_timeout=10){"" if safe else "  #@V"}
        '''
        connexpr = "connect()"
    elif shape == "default":
        p = "None" if safe else f'"{pw}"'
        connect = f'''
            class ReportDB:
                """Connection settings for the reporting replica."""

                def __init__(self, host=DB_HOST, user=DB_USER, password={p}):{"" if safe else "  #@V"}
                    self.host = host
                    self.user = user
                    self.password = password or {env}

                def open(self):
                    return {fn}(host=self.host, {dbkw}=DB_NAME, user=self.user, password=self.password,
                                connect_timeout=10)
        '''
        connexpr = "ReportDB().open()"
    else:
        p = env if safe else f'"{pw}"'
        connect = f'''
            DB_SETTINGS = dict(
                host=DB_HOST,
                {dbkw}=DB_NAME,
                user=DB_USER,
                password={p},{"" if safe else "  #@V"}
                connect_timeout=10,
            )
        '''
        connexpr = f"{fn}(**DB_SETTINGS)"
    return sub(_REPORT, connect=dedent(connect), connexpr=connexpr, dbimp=dbimp, sql=sql, args=args, col=col,
               extra=_opt(c, *_REPORT_EXTRA, least=1, most=3), app=app, App=app.upper() if app in ("hr", "cms") else app.capitalize(),
               desc=desc)


@fam("mod8-weekly-report-db-password-literal", "CWE-798", fws=["script"], n=8, wrap=False)
def mod8_weekly_report_db_password_literal(c):
    v, s = _replayed(c, _report)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the reporting job's database password is a string literal in the source (a connect() "
                      "keyword, a constructor default or a settings dict): everyone with the repository or the "
                      "deployed file has it, and rotating it needs a release. The fix reads it from the environment")


@hardneg(2)
def mod8_weekly_report_db_password_literal_hn(c):
    return Spec(s=_report(c, True), full=True, fw="script",
                notes="database password read from the environment; host, user and database names are literals")


# ---------------- CWE-338: provisioning CLI mints secrets with the random module ----------------

_PROV_KINDS = [
    ("device API key", "devices", "iot-gateway", "device"),
    ("webhook signing secret", "webhooks", "billing", "endpoint"),
    ("LTI consumer secret", "lti_consumers", "lms", "consumer"),
    ("bot token", "bots", "chat", "bot"),
]

_PROV = r'''
"""Provisioning CLI for $app: registers a $thing and mints its $what.

The secret is shown once; only its SHA-256 is stored."""
from __future__ import annotations

import argparse
import hashlib
import logging
import sqlite3
import sys
from datetime import datetime, timezone
$imps

log = logging.getLogger("$app.provision")

DB_PATH = "/var/lib/$app/provision.db"
$const


def new_secret() -> str:
    """A fresh $what."""
    $gen


def register(conn: sqlite3.Connection, name: str, owner: str) -> str:
    secret = new_secret()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    conn.execute(
        "INSERT INTO $table (name, owner, secret_sha256, created_at) VALUES (?, ?, ?, ?)",
        (name, owner, digest, datetime.now(timezone.utc).isoformat()),
    )
    log.info("registered $thing %s for %s", name, owner)
    return secret


def rotate(conn: sqlite3.Connection, name: str) -> str:
    secret = new_secret()
    cur = conn.execute("UPDATE $table SET secret_sha256 = ? WHERE name = ?",
                       (hashlib.sha256(secret.encode()).hexdigest(), name))
    if cur.rowcount == 0:
        raise SystemExit(f"no $thing named {name!r}")
    log.info("rotated the $what of %s", name)
    return secret


$extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_new = sub.add_parser("register")
    p_new.add_argument("name")
    p_new.add_argument("--owner", required=True)
    p_rot = sub.add_parser("rotate")
    p_rot.add_argument("name")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    with sqlite3.connect(DB_PATH) as conn:
        if args.cmd == "register":
            secret = register(conn, args.name, args.owner)
        else:
            secret = rotate(conn, args.name)
    print(secret)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

_PROV_EXTRA = [r'''
def list_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM $table ORDER BY name")]
''', r'''
def verify(conn: sqlite3.Connection, name: str, presented: str) -> bool:
    """True when ``presented`` is the current secret of ``name``."""
    import hmac

    row = conn.execute("SELECT secret_sha256 FROM $table WHERE name = ?", (name,)).fetchone()
    return bool(row) and hmac.compare_digest(row[0], hashlib.sha256(presented.encode()).hexdigest())
''', r'''
def fingerprint(secret: str) -> str:
    """Short non-secret label printed next to the secret (matches the admin UI)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:8]
''']


def _prov(c, safe):
    what, table, app, thing = c.pick(*_PROV_KINDS)
    shape = c.pick("hex", "alphabet", "urlsafe", "bits")
    n = c.pick(24, 32)
    if shape == "hex":
        const = f"SECRET_BYTES = {n}"
        gen = "return secrets.token_hex(SECRET_BYTES)" if safe else "return random.randbytes(SECRET_BYTES).hex()  #@V"
        vimp, simp = "import random", "import secrets"
    elif shape == "alphabet":
        const = f"ALPHABET = string.ascii_letters + string.digits\nSECRET_LEN = {n + 8}"
        gen = ('return "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LEN))' if safe
               else 'return "".join(random.choice(ALPHABET) for _ in range(SECRET_LEN))  #@V')
        vimp, simp = "import random\nimport string", "import secrets\nimport string"
    elif shape == "urlsafe":
        const = f"SECRET_BYTES = {n}"
        gen = ("return secrets.token_urlsafe(SECRET_BYTES)" if safe
               else 'return base64.urlsafe_b64encode(random.randbytes(SECRET_BYTES)).rstrip(b"=").decode()  #@V')
        vimp, simp = "import base64\nimport random", "import base64\nimport secrets"
    else:
        const = f"SECRET_BYTES = {n}"
        gen = ("return secrets.token_bytes(SECRET_BYTES).hex()" if safe
               else 'return random.getrandbits(SECRET_BYTES * 8).to_bytes(SECRET_BYTES, "big").hex()  #@V')
        vimp, simp = "import random", "import secrets"
    extra = sub(_opt(c, *_PROV_EXTRA, least=1, most=3), table=table)
    return sub(_PROV, imps=simp if safe else vimp, const=const, gen=gen, extra=extra, what=what, table=table,
               app=app, thing=thing)


@fam("mod8-provisioning-cli-random-secret", "CWE-338", fws=["cli"], n=8, wrap=False)
def mod8_provisioning_cli_random_secret(c):
    v, s = _replayed(c, _prov)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the credential is drawn from the random module (Mersenne Twister): its state can be "
                      "recovered from earlier outputs, so secrets minted by the tool are predictable. The fix uses "
                      "the secrets module (OS CSPRNG)")


@hardneg(2)
def mod8_provisioning_cli_random_secret_hn(c):
    s = _prov(c, True).replace("import secrets\n", "import random\nimport secrets\n", 1)
    s = s.rstrip("\n") + "\n\n\n" + dedent(r'''
        def retry_delay(attempt: int) -> float:
            """Back-off with jitter for the registry's API (random is fine for timing)."""
            return min(30.0, 2 ** attempt) * random.uniform(0.5, 1.0)
    ''').strip("\n") + "\n"
    return Spec(s=s, full=True, fw="cli", notes="secrets minted with the secrets module; random only for jitter")
