"""Train-only whole-module families weighted towards hard negatives: library internals and service
plumbing written the way careful maintainers write them (a Jinja2 mail renderer, a mirror/sync
utility, a signed webhook dispatcher, a WSGI request-logging middleware, a Flask login helper, a
ticket attachment fetcher). Each family has one weak module whose single weak statement is subtle,
its minimal fix as twin, and a ``@hardneg(12)`` builder assembling safe modules from the same parts.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from module_kit import _word
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"fcntl", "fnmatch", "glob", "io", "mimetypes", "posixpath", "shutil", "ssl", "stat", "tempfile",
                          "wsgiref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-79: Jinja2 mail renderer, HTML templates rendered without autoescape ----------------


def _mail_kw(c):
    w = _word(c)
    app = c.pick("helpdesk", "billing", "notify", "portal", "tracker")
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                Mailer=c.pick("Mailer", "MailRenderer", "Notifier"), host=c.pick("localhost", "smtp.internal", "mail.example.com"),
                sender=c.pick(f"no-reply@{app}.example.com", f"{app}@example.org"))


_MAIL_ENV_V = [
    ("autoescape=False,  #@V", 'autoescape=select_autoescape(["html", "htm", "xml"]),'),
    ('autoescape=select_autoescape(enabled_extensions=("xml",)),  #@V', 'autoescape=select_autoescape(enabled_extensions=("html", "xml")),'),
    ('autoescape=select_autoescape(["txt"], default_for_string=False),  #@V', 'autoescape=select_autoescape(["html"], default_for_string=False),'),
]
_MAIL_ENV_S = ['autoescape=select_autoescape(),', 'autoescape=select_autoescape(["html", "xml"]),',
               'autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=True),']


def _mail_parts(c):
    shape = c.pick("class", "funcs")
    env = '''
        _env = Environment(
            loader=FileSystemLoader(TEMPLATE_DIR),
            $FIX
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["money"] = _money
    '''
    if shape == "class":
        render = '''
            class $Mailer:
                """Renders and sends the $app notification mails (``<name>.txt`` and ``<name>.html`` pairs)."""

                def __init__(self, sender: str = DEFAULT_SENDER) -> None:
                    self.sender = sender

                def render(self, name: str, context: Mapping[str, object]) -> tuple[str, str]:
                    text = _env.get_template(f"{name}.txt").render(**context)
                    html = _env.get_template(f"{name}.html").render(**context)
                    return text, html

                def build(self, name: str, to: str, subject: str, context: Mapping[str, object]) -> EmailMessage:
                    text, html = self.render(name, context)
                    msg = EmailMessage()
                    msg["From"] = self.sender
                    msg["To"] = to
                    msg["Subject"] = _one_line(subject)
                    msg.set_content(text)
                    msg.add_alternative(html, subtype="html")
                    return msg
        '''
    else:
        render = '''
            def render_pair(name: str, context: Mapping[str, object]) -> tuple[str, str]:
                """Plain-text and HTML bodies of one mail; both templates get the same context."""
                bodies = []
                for ext in ("txt", "html"):
                    bodies.append(_env.get_template(f"{name}.{ext}").render(**context))
                return bodies[0], bodies[1]


            def build_message(name: str, to: str, subject: str, context: Mapping[str, object]) -> EmailMessage:
                text, html = render_pair(name, context)
                msg = EmailMessage()
                msg["From"] = DEFAULT_SENDER
                msg["To"] = to
                msg["Subject"] = _one_line(subject)
                msg.set_content(text)
                msg.add_alternative(html, subtype="html")
                $log.debug("built %s mail for %s", name, to)
                return msg
        '''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            TEMPLATE_DIR = os.environ.get("$APP_MAIL_TEMPLATES", "/etc/$app/mail")
            DEFAULT_SENDER = "$sender"
        '''),
        P("money", rank=1, imp="from decimal import Decimal", body='''
            def _money(value: Decimal | int, currency: str = "EUR") -> str:
                """Template filter: two decimals and the currency code."""
                return f"{Decimal(value):,.2f} {currency}"
        '''),
        P("oneline", rank=1, body='''
            def _one_line(value: str, limit: int = 150) -> str:
                """Header values must not carry line breaks."""
                return " ".join(value.split())[:limit]
        '''),
        P("env", rank=2, needs=["money"], imp="from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape",
          body=env),
        P("render", rank=3, needs=["oneline", "env"], imp="from collections.abc import Mapping\nfrom email.message import EmailMessage",
          body=render),
    ]
    pool = [
        P("send", rank=4, imp="import smtplib\nimport ssl\nfrom email.message import EmailMessage",
          const='SMTP_HOST = os.environ.get("$APP_SMTP_HOST", "$host")\nSMTP_PORT = 587', body='''
            def send(msg: EmailMessage) -> None:
                """Submit over STARTTLS with a verified certificate; credentials come from the environment."""
                context = ssl.create_default_context()
                with smtplib.SMTP(SMTP_HOST, SMTP_PORT, timeout=30) as smtp:
                    smtp.starttls(context=context)
                    user = os.environ.get("$APP_SMTP_USER")
                    if user:
                        smtp.login(user, os.environ["$APP_SMTP_PASSWORD"])
                    smtp.send_message(msg)
                $log.info("sent mail to %d recipient(s)", len(msg.get_all("To", [])))
        '''),
        P("preview", rank=4, imp="import html", body='''
            def preview_snippet(text: str, limit: int = 160) -> str:
                """Escaped first line of a ticket body for the mail's preheader."""
                first = text.strip().splitlines()[0] if text.strip() else ""
                return html.escape(first[:limit])
        '''),
        P("listid", rank=1, imp="import hashlib", body='''
            def message_id_for(kind: str, object_id: int) -> str:
                """Stable Message-ID so that repeated notifications thread together (not a secret)."""
                digest = hashlib.sha1(f"{kind}:{object_id}".encode()).hexdigest()[:16]
                return f"<{digest}.{kind}@$app.example.com>"
        '''),
        P("exists", rank=1, imp="import os", body='''
            def has_template(name: str) -> bool:
                """Both halves of a mail template must be installed."""
                return all(os.path.isfile(os.path.join(TEMPLATE_DIR, f"{name}.{ext}")) for ext in ("txt", "html"))
        '''),
        P("unsub", rank=1, imp="from urllib.parse import urlencode", const='BASE_URL = os.environ.get("$APP_BASE_URL", "https://$app.example.com")', body='''
            def unsubscribe_url(token: str, list_name: str) -> str:
                """Link for the List-Unsubscribe header; the token is an opaque server-issued value."""
                return f"{BASE_URL}/unsubscribe?" + urlencode({"t": token, "list": list_name})
        '''),
    ]
    return core, pool


_MAIL_DOCS = ["Notification mails of the $app service: Jinja2 templates rendered to text and HTML parts.",
              "Mail rendering for $app: each notification has a plain-text and an HTML template.",
              "Templates and delivery of the $w notification mails ($app)."]


@fam("mod25s-mail-html-templates-autoescape-off", "CWE-79", fws=["script"], n=8, wrap=False)
def mod25s_mail_autoescape(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    vfix, sfix = c.pick(*_MAIL_ENV_V)
    v, s = pair(c, c.pick(*_MAIL_DOCS), '$log = logging.getLogger("$app.mail")', core, pool, kw, vfix, sfix, lo=80, hi=125)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the Jinja2 Environment that renders the .html mail templates has autoescaping off (or "
                      "select_autoescape without 'html' among its enabled extensions), so ticket titles, names and "
                      "comments from users land unescaped in the HTML part; the fix enables autoescaping for .html")


@hardneg(12)
def mod25s_mail_autoescape_hn(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    code = compose(c, c.pick(*_MAIL_DOCS), '$log = logging.getLogger("$app.mail")', core, pool, kw, lo=80, hi=125,
                   subs=[{"$FIX": c.pick(*_MAIL_ENV_S)}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="Jinja2 mail renderer with select_autoescape covering .html; headers flattened, STARTTLS with a "
                      "verified context, sha1 only for Message-ID threading")


# ---------------- CWE-22: mirror/sync utility, containment check without the separator ----------------


def _sync_kw(c):
    w = _word(c)
    return dict(w=w, ws=w + "s", log=c.pick("log", "logger"), Mirror=c.pick("Mirror", "SyncTarget", "LocalReplica"),
                ENV=c.pick("MIRROR_ROOT", f"{w.upper()}_MIRROR_DIR", "SYNC_DEST"), chunk=c.pick("1 << 16", "65536", "64 * 1024"))


def _sync_parts(c, style):
    if style == "ospath":
        resolve = '''
                def target_for(self, rel: str) -> str:
                    """Absolute destination of a manifest entry; refuses anything outside the mirror root."""
                    dest = os.path.realpath(os.path.join(self.root, rel))
                    $FIX
                        raise UnsafeEntry(rel)
                    return dest
        '''
        init = "self.root = os.path.realpath(root)"
    else:
        resolve = '''
                def target_for(self, rel: str) -> Path:
                    """Absolute destination of a manifest entry; refuses anything outside the mirror root."""
                    dest = (self.root / rel).resolve()
                    $FIX
                        raise UnsafeEntry(rel)
                    return dest
        '''
        init = "self.root = Path(root).resolve()"
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='CHUNK = $chunk\nDEFAULT_ROOT = os.environ.get("$ENV", "/srv/mirror")'),
        P("err", rank=1, body='''
            class UnsafeEntry(ValueError):
                """A manifest entry that would land outside the mirror root."""
        '''),
        P("mirror", rank=3, needs=["err"], imp="import hashlib\nimport json\nimport os\nimport tempfile\nfrom pathlib import Path\nfrom typing import IO, Callable",
          body='''
            class $Mirror:
                """Local copy of a remote $w tree, driven by the server's JSON manifest."""

                def __init__(self, root: str = DEFAULT_ROOT) -> None:
                    ''' + init + '''
                    os.makedirs(self.root, exist_ok=True)
''' + resolve + '''
                def apply(self, manifest_json: bytes, open_remote: Callable[[str], IO[bytes]]) -> int:
                    """Fetch every entry whose digest changed; returns the number of files written."""
                    written = 0
                    for entry in json.loads(manifest_json)["files"]:
                        rel = entry["path"]  #@S
                        dest = self.target_for(rel)
                        if os.path.exists(dest) and _digest(dest) == entry["sha256"]:
                            continue
                        os.makedirs(os.path.dirname(dest), exist_ok=True)
                        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest), prefix=".sync-")
                        with os.fdopen(fd, "wb") as out, open_remote(rel) as src:
                            h = hashlib.sha256()
                            for block in iter(lambda: src.read(CHUNK), b""):
                                h.update(block)
                                out.write(block)
                        if h.hexdigest() != entry["sha256"]:
                            os.unlink(tmp)
                            raise ValueError(f"digest mismatch for {rel!r}")
                        os.replace(tmp, dest)  #@V
                        written += 1
                    $log.info("mirror %s: %d file(s) updated", self.root, written)
                    return written
        '''),
        P("digest", rank=1, imp="import hashlib", body='''
            def _digest(path) -> str:
                h = hashlib.sha256()
                with open(path, "rb") as fh:
                    for block in iter(lambda: fh.read(CHUNK), b""):
                        h.update(block)
                return h.hexdigest()
        '''),
    ]
    pool = [
        P("exclude", rank=1, imp="import fnmatch", const='EXCLUDE = ("*.tmp", ".sync-*", "*~")', body='''
            def excluded(rel: str) -> bool:
                """Editor leftovers and partial downloads are never mirrored."""
                name = rel.rsplit("/", 1)[-1]
                return any(fnmatch.fnmatch(name, pat) for pat in EXCLUDE)
        '''),
        P("stale", rank=4, imp="import os", body='''
            def stale_files(root: str, keep: set[str]) -> list[str]:
                """Files under ``root`` that the manifest no longer lists (relative, '/'-separated)."""
                found = []
                for dirpath, dirnames, filenames in os.walk(root):
                    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                    for name in filenames:
                        rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
                        if rel not in keep:
                            found.append(rel)
                return sorted(found)
        '''),
        P("lock", rank=1, imp="import fcntl\nimport os\nfrom contextlib import contextmanager", body='''
            @contextmanager
            def sync_lock(root: str):
                """One sync at a time per mirror root."""
                with open(os.path.join(root, ".sync.lock"), "w") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(fh, fcntl.LOCK_UN)
        '''),
        P("summary", rank=1, body='''
            def human_size(n: int) -> str:
                for unit in ("B", "KiB", "MiB", "GiB"):
                    if n < 1024:
                        return f"{n:.0f} {unit}"
                    n /= 1024
                return f"{n:.1f} TiB"
        '''),
    ]
    return core, pool


_SYNC_V = {"ospath": ("if not dest.startswith(self.root):  #@V", "if not dest.startswith(self.root + os.sep):"),
           "pathlib": ("if not str(dest).startswith(str(self.root)):  #@V", "if not dest.is_relative_to(self.root):")}
_SYNC_S = {"ospath": ["if not dest.startswith(self.root + os.sep):", "if os.path.commonpath([self.root, dest]) != self.root:"],
           "pathlib": ["if not dest.is_relative_to(self.root):", "if self.root not in dest.parents:"]}
_SYNC_DOCS = ["Mirror of the $w tree: pulls changed files listed in the server manifest.",
              "Sync utility for the $w mirror (manifest-driven, atomic writes, sha256-verified)."]


@fam("mod25s-mirror-sync-prefix-without-separator", "CWE-22", fws=["script"], n=8, wrap=False)
def mod25s_mirror_prefix(c):
    kw = _sync_kw(c)
    style = c.pick("ospath", "pathlib")
    core, pool = _sync_parts(c, style)
    vfix, sfix = _SYNC_V[style]
    v, s = pair(c, c.pick(*_SYNC_DOCS), '$log = logging.getLogger("$w.mirror")', core, pool, kw, vfix, sfix, lo=80, hi=125)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the containment check compares the resolved destination with the root by a bare string prefix, "
                      "so a manifest entry '../mirror-old/x' resolves to /srv/mirror-old/x, which starts with "
                      "'/srv/mirror' and is written outside the root; the fix requires the separator (or is_relative_to)")


@hardneg(12)
def mod25s_mirror_prefix_hn(c):
    kw = _sync_kw(c)
    style = c.pick("ospath", "pathlib")
    core, pool = _sync_parts(c, style)
    code = compose(c, c.pick(*_SYNC_DOCS), '$log = logging.getLogger("$w.mirror")', core, pool, kw, lo=80, hi=125,
                   subs=[{"$FIX": c.pick(*_SYNC_S[style])}])[0]
    return Spec(s=code.replace("  #@S", "").replace("  #@V", ""), full=True, fw="script",
                notes="manifest-driven mirror that resolves each entry and checks containment with the separator "
                      "(commonpath / is_relative_to / parents); atomic writes, sha256 verification")


# ---------------- CWE-400: signed webhook dispatcher, one requests call without a timeout ----------------


def _hook_kw(c):
    w = _word(c)
    return dict(w=w, ws=w + "s", log=c.pick("log", "logger"), Dispatcher=c.pick("WebhookDispatcher", "HookSender", "EventPublisher"),
                hdr=c.pick("X-Signature-256", "X-Hook-Signature", "Webhook-Signature"), to=c.pick("5", "10", "(3.05, 10)"),
                ua=c.pick("hooks/1.2", "dispatcher/2.0", "events-bot/0.9"), attempts=c.pick(3, 4, 5))


def _hook_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='TIMEOUT = $to\nMAX_ATTEMPTS = $attempts\nUSER_AGENT = "$ua"'),
        P("sign", rank=1, imp="import hashlib\nimport hmac", body='''
            def sign(secret: bytes, timestamp: str, body: bytes) -> str:
                """HMAC-SHA256 over ``timestamp.body``; receivers recompute it with the shared secret."""
                mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
                return "sha256=" + mac.hexdigest()
        '''),
        P("disp", rank=3, needs=["sign"], imp="import json\nimport time\nimport requests", body='''
            class $Dispatcher:
                """Delivers $w events to subscriber endpoints, signed with each subscriber's secret."""

                def __init__(self, endpoints: dict[str, bytes]) -> None:
                    self.endpoints = endpoints

                def _headers(self, secret: bytes, body: bytes) -> dict[str, str]:
                    ts = str(int(time.time()))
                    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                            "X-Timestamp": ts, "$hdr": sign(secret, ts, body)}

                def verify_endpoint(self, url: str) -> bool:
                    """Subscribers must answer a signed ping before they receive events."""
                    body = b'{"type": "ping"}'
                    $FIX
                    return resp.status_code == 200

                def deliver(self, url: str, event: dict) -> bool:
                    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
                    for attempt in range(MAX_ATTEMPTS):
                        try:
                            resp = requests.post(url, data=body, headers=self._headers(self.endpoints[url], body),
                                                 timeout=TIMEOUT, allow_redirects=False)
                        except requests.RequestException as exc:
                            $log.warning("delivery to %s failed: %s", url, type(exc).__name__)
                        else:
                            if resp.status_code < 500:
                                return 200 <= resp.status_code < 300
                        time.sleep(min(30, 2 ** attempt))
                    return False

                def publish(self, event: dict) -> int:
                    ok = sum(self.deliver(url, event) for url in self.endpoints)
                    $log.info("event %s delivered to %d/%d endpoint(s)", event.get("type"), ok, len(self.endpoints))
                    return ok
        '''),
    ]
    pool = [
        P("verify_in", rank=1, imp="import hmac\nimport time", body='''
            def verify_incoming(secret: bytes, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
                """Check a signature we receive back (replies, test hooks): fresh timestamp, constant-time compare."""
                if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
                    return False
                return hmac.compare_digest(sign(secret, timestamp, body), signature)
        '''),
        P("url", rank=1, imp="from urllib.parse import urlsplit", body='''
            def valid_endpoint(url: str) -> bool:
                """Subscriber URLs must be https with a host name."""
                parts = urlsplit(url)
                return parts.scheme == "https" and bool(parts.hostname)
        '''),
        P("secret", rank=1, imp="import secrets", body='''
            def new_secret() -> bytes:
                """Per-subscriber signing secret, shown once at registration."""
                return secrets.token_bytes(32)
        '''),
        P("fetchcfg", rank=4, imp="import requests", const='CONFIG_URL = "https://config.internal/hooks.json"', body='''
            def load_subscriptions() -> dict:
                resp = requests.get(CONFIG_URL, timeout=TIMEOUT)
                resp.raise_for_status()
                return resp.json()
        '''),
    ]
    return core, pool


_HOOK_V = ('resp = requests.post(url, data=body, headers=self._headers(self.endpoints[url], body))  #@V',
           'resp = requests.post(url, data=body, headers=self._headers(self.endpoints[url], body), timeout=TIMEOUT)')
_HOOK_V2 = ('resp = requests.get(url, params={"challenge": body.decode()}, headers=self._headers(self.endpoints[url], body))  #@V',
            'resp = requests.get(url, params={"challenge": body.decode()}, headers=self._headers(self.endpoints[url], body), timeout=TIMEOUT)')
_HOOK_DOCS = ["Outgoing webhooks for $w events: signed JSON deliveries with retries.",
              "Webhook dispatch ($w events): HMAC-signed payloads, bounded retries, per-call timeouts."]


@fam("mod25s-webhook-dispatch-ping-no-timeout", "CWE-400", fws=["script"], n=8, wrap=False)
def mod25s_webhook_timeout(c):
    kw = _hook_kw(c)
    core, pool = _hook_parts(c)
    vfix, sfix = c.pick(_HOOK_V, _HOOK_V2)
    v, s = pair(c, c.pick(*_HOOK_DOCS), '$log = logging.getLogger("$w.webhooks")', core, pool, kw, vfix, sfix, lo=80, hi=125)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="every delivery uses timeout=TIMEOUT, but the verification ping to a subscriber-chosen URL is "
                      "sent without one: requests then waits forever on an endpoint that accepts the connection and "
                      "never answers, pinning the dispatcher worker; the fix passes the timeout")


@hardneg(12)
def mod25s_webhook_timeout_hn(c):
    kw = _hook_kw(c)
    core, pool = _hook_parts(c)
    fix = c.pick(_HOOK_V, _HOOK_V2)[1]
    code = compose(c, c.pick(*_HOOK_DOCS), '$log = logging.getLogger("$w.webhooks")', core, pool, kw, lo=80, hi=125,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="webhook dispatcher where every requests call carries a timeout; HMAC signatures with "
                      "compare_digest, redirects off")
