"""Train-only whole-module families weighted towards hard negatives (libs21, set b): modules shaped like
mature internals of imaginary libraries (a connection pool with its DSN parser, an allow-list HTML
sanitizer built on ``html.parser``, a WebSocket frame codec, a cron-expression parser and scheduler) in
which security-looking idioms are used correctly: passwords read from the environment and redacted in
logs, ``html.escape(..., quote=True)`` on every attribute value, frame lengths checked against a limit
before the payload is read, anchored cron regexes without nested quantifiers, ``random`` for jitter.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a default admin DSN password in the pool (798), a link/image URL the sanitizer writes into an
attribute without quote-escaping (79), a WebSocket payload length never checked against the maximum
(400), and a cron list-field regex with a nested quantifier (1333).
Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"queue", "struct", "zoneinfo", "heapq", "io", "calendar", "shlex", "socket"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-798: connection pool and DSN parser; the admin DSN carries a default password ----------------


def _pool_kw(c):
    lib = c.pick("tidepool", "wellspring", "cistern", "reservoir", "sluice", "pgbay")
    return dict(
        lib=lib, LIB=lib.upper(), log=c.pick("log", "logger"),
        Pool=c.pick("ConnectionPool", "Pool", "BoundedPool"),
        Err=c.pick("DSNError", "InvalidDSN", "ConfigError"),
        Ex=c.pick("PoolExhausted", "PoolTimeout", "NoConnectionAvailable"),
        parse=c.pick("parse_dsn", "dsn_from_url", "parse_url"),
        admin=c.pick("admin_dsn", "maintenance_dsn", "superuser_dsn"),
        auser=c.pick("postgres", "pool_admin", "dbadmin"),
        size=c.pick(5, 8, 10, 16), port=c.pick(5432, 6432),
    )


def _pool_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """The DSN is malformed or names an unsupported scheme."""
        '''),
        P("dsn", rank=1, imp="from dataclasses import dataclass, field, replace", const='SCHEMES = frozenset({"postgresql", "postgres"})', body='''
            @dataclass(frozen=True)
            class DSN:
                host: str
                port: int
                user: str
                password: str = field(default="", repr=False)
                database: str = ""
                options: dict = field(default_factory=dict)

                def redacted(self) -> str:
                    """The DSN as it may appear in logs and error messages."""
                    auth = f"{self.user}:***@" if self.password else f"{self.user}@"
                    return f"postgresql://{auth}{self.host}:{self.port}/{self.database}"
        '''),
        P("parse", rank=2, needs=["dsn", "err"], imp="from urllib.parse import parse_qsl, unquote, urlsplit", body='''
            def $parse(url: str) -> DSN:
                """Split ``postgresql://user:pass@host:port/db?opt=val``; percent-escapes are decoded."""
                parts = urlsplit(url)
                if parts.scheme not in SCHEMES:
                    raise $Err(f"unsupported scheme {parts.scheme!r}")
                try:
                    port = parts.port or $port
                except ValueError as exc:
                    raise $Err("port is not a number") from exc
                return DSN(
                    host=parts.hostname or "localhost",
                    port=port,
                    user=unquote(parts.username or ""),
                    password=unquote(parts.password or ""),
                    database=parts.path.lstrip("/"),
                    options=dict(parse_qsl(parts.query)),
                )
        '''),
        P("admin", rank=3, needs=["dsn"], imp="import os", body='''
            def $admin(base: DSN) -> DSN:
                """Same server, maintenance database, as the admin role (for CREATE DATABASE and migrations)."""
                return replace(
                    base,
                    user=os.environ.get("$LIB_ADMIN_USER", "$auser"),
                    $FIX
                    database="postgres",
                )
        '''),
    ]
    pool = [
        P("pool", rank=3, needs=["dsn"], imp="import queue\nimport threading\nfrom collections.abc import Callable\nfrom typing import Any",
          const="DEFAULT_SIZE = $size", body='''
            class $Ex(RuntimeError):
                """No connection became free within the acquire timeout."""


            class $Pool:
                """A fixed number of connections, handed out last-in first-out."""

                def __init__(self, dsn: DSN, connect: Callable[[DSN], Any], size: int = DEFAULT_SIZE) -> None:
                    self.dsn = dsn
                    self._connect = connect
                    self._idle: queue.LifoQueue = queue.LifoQueue(maxsize=size)
                    self._lock = threading.Lock()
                    self._opened = 0
                    self._size = size

                def acquire(self, timeout: float = 5.0) -> Any:
                    with self._lock:
                        if self._idle.empty() and self._opened < self._size:
                            self._opened += 1
                            $log.debug("opening connection %d to %s", self._opened, self.dsn.redacted())
                            return self._connect(self.dsn)
                    try:
                        return self._idle.get(timeout=timeout)
                    except queue.Empty:
                        raise $Ex(f"no connection free after {timeout}s") from None

                def release(self, conn: Any) -> None:
                    self._idle.put_nowait(conn)
        '''),
        P("env", rank=2, needs=["dsn"], imp="import os", body='''
            def dsn_from_env(prefix: str = "PG") -> DSN:
                """libpq-style variables; the password comes from the environment only."""
                env = os.environ
                return DSN(
                    host=env.get(f"{prefix}HOST", "localhost"),
                    port=int(env.get(f"{prefix}PORT", "$port")),
                    user=env.get(f"{prefix}USER", ""),
                    password=env.get(f"{prefix}PASSWORD", ""),
                    database=env.get(f"{prefix}DATABASE", ""),
                )
        '''),
        P("ping", rank=2, body='''
            def ping(conn) -> bool:
                """Health check before a pooled connection is handed out again."""
                try:
                    with conn.cursor() as cur:
                        cur.execute("SELECT 1")
                        return cur.fetchone() == (1,)
                except Exception:
                    $log.warning("dropping a dead pooled connection", exc_info=True)
                    return False
        '''),
        P("backoff", rank=2, imp="import random", body='''
            def reconnect_delay(attempt: int, cap: float = 10.0) -> float:
                """Full jitter, so a restarted database is not hit by every worker at once."""
                return random.uniform(0, min(cap, 0.2 * 2 ** attempt))
        '''),
        P("passfile", rank=2, imp="from pathlib import Path", body='''
            def password_from_file(path: Path) -> str:
                """Read a password file, refusing one that group or others can read (like libpq)."""
                mode = path.stat().st_mode
                if mode & 0o077:
                    raise PermissionError(f"{path} must not be readable by group or others")
                return path.read_text(encoding="utf-8").strip()
        '''),
        P("search_path", rank=2, needs=["dsn", "err"], imp="import re", const='_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")', body='''
            def with_search_path(dsn: DSN, schema: str) -> DSN:
                """Pass the schema as a libpq option; only plain identifiers are accepted."""
                if not _IDENT.fullmatch(schema):
                    raise $Err(f"bad schema name {schema!r}")
                return replace(dsn, options={**dsn.options, "options": f"-c search_path={schema}"})
        '''),
    ]
    return core, pool


_POOL_DOCS = ["$lib.pool: DSN parsing and a bounded, thread-safe connection pool.",
              "Connection pooling for $lib: parse DSNs, redact them in logs, hand out connections.",
              "$lib internals: DSN objects, the admin DSN for migrations, and the pool."]


def _pool_fix(c):
    pw = c.pick("Adm1n-2019!", "changeme-admin", "pgpool$ecret", "s3cure-pool-pw", "r00t_pool_2022")
    weak = f'password="{pw}",  #@V'
    return weak, 'password=os.environ["$LIB_ADMIN_PASSWORD"],'


@fam("mod21-dsn-pool-admin-default-password", "CWE-798", fws=["script"], n=8, wrap=False)
def mod21_pool_admin_pw(c):
    kw = _pool_kw(c)
    core, pool = _pool_parts(c)
    weak, safe = _pool_fix(c)
    v, s = pair(c, c.pick(*_POOL_DOCS), '$log = logging.getLogger("$lib.pool")', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=70, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the pool reads every credential from the environment and redacts passwords in logs, but the "
                      "admin DSN used for migrations falls back to a password written in the source, so every "
                      "deployment that forgets the variable shares a known superuser password; the fix requires "
                      "the variable")


@hardneg(10)
def mod21_pool_admin_pw_hn(c):
    kw = _pool_kw(c)
    core, pool = _pool_parts(c)
    _, safe = _pool_fix(c)
    code = compose(c, c.pick(*_POOL_DOCS), '$log = logging.getLogger("$lib.pool")', core, pool, kw,
                   lo=70, hi=108, subs=[{"$FIX": fill(safe, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="DSN parser and pool: passwords only from URLs, the environment or a private password file, "
                      "redacted in logs; SELECT 1 health check; random jitter for reconnects")


# ---------------- CWE-79: allow-list HTML sanitizer; one URL attribute written without quote escaping ----------------


def _san_kw(c):
    lib = c.pick("bleachy", "scour", "rinse", "lather", "pumice", "sieve")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        San=c.pick("Sanitizer", "AllowListSanitizer", "HTMLCleaner"),
        clean=c.pick("clean", "sanitize", "clean_html"),
        safe_url=c.pick("is_safe_url", "allowed_url", "url_ok"),
    )


def _san_parts(c, tag):
    if tag == "a":
        branch = '''
                    if tag == "a":
                        href = attrs.get("href") or ""
                        if not $safe_url(href):
                            self._stack.append(tag)
                            self._out.append("<a>")
                            return
                        self._stack.append(tag)
                        $FIX
                        return'''
    else:
        branch = '''
                    if tag == "img":
                        src = attrs.get("src") or ""
                        alt = attrs.get("alt") or ""
                        if $safe_url(src):
                            $FIX
                        return'''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const=(
            'ALLOWED_TAGS = frozenset({"a", "b", "i", "em", "strong", "p", "ul", "ol", "li", "code", "pre", "img", "br"})\n'
            'ALLOWED_ATTRS = {"*": frozenset({"title"}), "a": frozenset({"href"}), "img": frozenset({"src", "alt"})}\n'
            'VOID_TAGS = frozenset({"img", "br"})\n'
            'SAFE_SCHEMES = frozenset({"http", "https", "mailto"})')),
        P("url", rank=1, imp="from urllib.parse import urlsplit", body='''
            def $safe_url(url: str) -> bool:
                """Relative URLs and an allow-list of schemes; ``javascript:`` and ``data:`` are refused."""
                cleaned = "".join(ch for ch in url if ch.isprintable() and not ch.isspace())
                scheme = urlsplit(cleaned).scheme.lower()
                return scheme == "" or scheme in SAFE_SCHEMES
        '''),
        P("parser", rank=2, needs=["url"], imp="import html\nfrom html.parser import HTMLParser", body='''
            class $San(HTMLParser):
                """Re-serialises the input, keeping only allow-listed tags and attributes."""

                def __init__(self) -> None:
                    super().__init__(convert_charrefs=True)
                    self._out: list[str] = []
                    self._stack: list[str] = []

                def handle_starttag(self, tag: str, attr_list: list) -> None:
                    if tag not in ALLOWED_TAGS:
                        return
                    attrs = {k: v for k, v in attr_list if v is not None}''' + branch + '''
                    allowed = ALLOWED_ATTRS["*"] | ALLOWED_ATTRS.get(tag, frozenset())
                    rendered = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()
                                       if k in allowed and (k not in ("href", "src") or $safe_url(v)))
                    self._out.append(f"<{tag}{rendered}>")
                    if tag not in VOID_TAGS:
                        self._stack.append(tag)

                def handle_endtag(self, tag: str) -> None:
                    if tag in self._stack:
                        while self._stack:
                            top = self._stack.pop()
                            self._out.append(f"</{top}>")
                            if top == tag:
                                break

                def handle_data(self, data: str) -> None:
                    self._out.append(html.escape(data, quote=False))

                def handle_comment(self, data: str) -> None:
                    """Comments are dropped (conditional comments are a classic bypass)."""

                def result(self) -> str:
                    self.close()
                    return "".join(self._out) + "".join(f"</{t}>" for t in reversed(self._stack))
        '''),
        P("clean", rank=3, needs=["parser"], body='''
            def $clean(text: str) -> str:
                """Sanitise untrusted HTML (comments, profile bios) for display."""
                parser = $San()
                parser.feed(text)
                return parser.result()
        '''),
        P("markup", rank=4, needs=["clean"], imp="from markupsafe import Markup", body='''
            def clean_markup(text: str) -> Markup:
                """Sanitised HTML wrapped as Markup, so templates do not escape it a second time."""
                return Markup($clean(text))
        '''),
    ]
    pool = [
        P("strip", rank=3, imp="from html.parser import HTMLParser", body='''
            class _TextOnly(HTMLParser):
                def __init__(self) -> None:
                    super().__init__(convert_charrefs=True)
                    self.parts: list[str] = []

                def handle_data(self, data: str) -> None:
                    self.parts.append(data)


            def strip_tags(text: str) -> str:
                """Plain text for previews and search indexing (escape it again before display)."""
                parser = _TextOnly()
                parser.feed(text)
                parser.close()
                return " ".join("".join(parser.parts).split())
        '''),
        P("excerpt", rank=3, imp="import html", body='''
            def excerpt(text: str, limit: int = 160) -> str:
                """A short, escaped excerpt: the ellipsis is added after escaping."""
                short = text if len(text) <= limit else text[: limit - 1].rstrip() + "\\u2026"
                return html.escape(short)
        '''),
        P("cache", rank=3, needs=["clean"], imp="import hashlib\nfrom functools import lru_cache", body='''
            @lru_cache(maxsize=2048)
            def _cached(digest: str, text: str) -> str:
                return $clean(text)


            def clean_cached(text: str) -> str:
                """Memoised sanitising; the sha1 is only a cache key."""
                return _cached(hashlib.sha1(text.encode()).hexdigest(), text)
        '''),
        P("stats", rank=3, needs=["clean"], body='''
            def clean_and_log(text: str, source: str) -> str:
                out = $clean(text)
                if len(out) < len(text):
                    $log.debug("sanitiser removed %d characters from %s input", len(text) - len(out), source)
                return out
        '''),
    ]
    return core, pool


def _san_fix(tag):
    if tag == "a":
        return ('self._out.append(f\'<a href="{href}" rel="nofollow noopener">\')  #@V',
                'self._out.append(f\'<a href="{html.escape(href, quote=True)}" rel="nofollow noopener">\')')
    return ('self._out.append(f\'<img src="{src}" alt="{html.escape(alt, quote=True)}" loading="lazy">\')  #@V',
            'self._out.append(f\'<img src="{html.escape(src, quote=True)}" alt="{html.escape(alt, quote=True)}" loading="lazy">\')')


_SAN_DOCS = ["$lib: an allow-list HTML sanitiser for user-written rich text.",
             "HTML cleaning for $lib (allowed tags and attributes, safe URL schemes, escaped text).",
             "$lib.sanitizer: re-serialise untrusted HTML through html.parser, keeping an allow-list."]


@fam("mod21-html-sanitizer-url-attr-unescaped", "CWE-79", fws=["script"], n=8, wrap=False)
def mod21_sanitizer(c):
    kw = _san_kw(c)
    tag = c.pick("a", "img")
    core, pool = _san_parts(c, tag)
    weak, safe = _san_fix(tag)
    v, s = pair(c, c.pick(*_SAN_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=70, hi=110)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="html.parser hands attribute values back entity-decoded; the sanitiser escapes text and every "
                      "generic attribute, but writes the URL of the special-cased tag into its double-quoted "
                      "attribute raw, so a value such as 'https://x\" onerror=\"alert(1)' passes the scheme check and "
                      "breaks out of the attribute; the fix escapes it with html.escape(quote=True)")


@hardneg(10)
def mod21_sanitizer_hn(c):
    kw = _san_kw(c)
    tag = c.pick("a", "img")
    core, pool = _san_parts(c, tag)
    _, safe = _san_fix(tag)
    code = compose(c, c.pick(*_SAN_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw,
                   lo=70, hi=110, subs=[{"$FIX": fill(safe, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="allow-list sanitiser: every attribute value and text node escaped, URL schemes allow-listed, "
                      "comments dropped, f-string tags built only from allow-listed names")


# ---------------- CWE-400: WebSocket frame codec; the payload length is never checked against the maximum ----------------


def _ws_kw(c):
    lib = c.pick("socketeer", "wavelet", "duplex", "quiver", "ripple", "tether")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Proto=c.pick("ProtocolError", "WebSocketProtocolError", "FrameError"),
        Big=c.pick("PayloadTooBig", "FrameTooLarge", "MessageTooBig"),
        Codec=c.pick("FrameReader", "FrameCodec", "Connection"),
        mx=c.pick("1 << 20", "2 ** 20", "16 * 1024 * 1024", "4_194_304"),
    )


def _ws_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const="MAX_FRAME_SIZE = $mx\nOP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2\nOP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA"),
        P("errs", rank=1, body='''
            class $Proto(Exception):
                """The peer broke RFC 6455 framing; close with 1002."""


            class $Big($Proto):
                """A frame or message is larger than the configured maximum; close with 1009."""
        '''),
        P("mask", rank=1, body='''
            def apply_mask(data: bytes, key: bytes) -> bytes:
                """XOR with the 4-byte masking key (the operation is its own inverse)."""
                return bytes(b ^ key[i % 4] for i, b in enumerate(data))
        '''),
        P("reader", rank=2, needs=["errs", "mask"], imp="import struct\nfrom typing import BinaryIO", body='''
            class $Codec:
                """Reads frames from a buffered stream; the server side requires masked frames."""

                def __init__(self, rfile: BinaryIO, max_size: int = MAX_FRAME_SIZE, is_server: bool = True) -> None:
                    self.rfile = rfile
                    self.max_size = max_size
                    self.is_server = is_server

                def _exact(self, n: int) -> bytes:
                    data = self.rfile.read(n)
                    if len(data) != n:
                        raise $Proto("connection closed in the middle of a frame")
                    return data

                def read_frame(self) -> tuple[bool, int, bytes]:
                    b0, b1 = self._exact(2)
                    fin, opcode = bool(b0 & 0x80), b0 & 0x0F
                    if b0 & 0x70:
                        raise $Proto("reserved bits set without an extension")
                    masked, length = bool(b1 & 0x80), b1 & 0x7F
                    if opcode >= OP_CLOSE and (length > 125 or not fin):
                        raise $Proto("control frames must be short and unfragmented")
                    if length == 126:
                        length = struct.unpack("!H", self._exact(2))[0]
                    elif length == 127:
                        length = struct.unpack("!Q", self._exact(8))[0]
                    if self.is_server and not masked:
                        raise $Proto("client frames must be masked")
                    key = self._exact(4) if masked else b""
                    $FIX
                    if len(payload) != length:
                        raise $Proto("connection closed in the middle of a frame")
                    return fin, opcode, apply_mask(payload, key) if masked else payload
        '''),
    ]
    pool = [
        P("encode", rank=2, needs=["mask"], imp="import os\nimport struct", body='''
            def encode_frame(opcode: int, payload: bytes, mask: bool = False, fin: bool = True) -> bytes:
                """Serialise one frame; clients mask with a fresh random key per frame."""
                head = bytearray([(0x80 if fin else 0) | opcode])
                bit = 0x80 if mask else 0
                n = len(payload)
                if n < 126:
                    head.append(bit | n)
                elif n < 1 << 16:
                    head += struct.pack("!BH", bit | 126, n)
                else:
                    head += struct.pack("!BQ", bit | 127, n)
                if not mask:
                    return bytes(head) + payload
                key = os.urandom(4)
                return bytes(head) + key + apply_mask(payload, key)
        '''),
        P("assemble", rank=3, needs=["reader"], const="MAX_MESSAGE_SIZE = 4 * MAX_FRAME_SIZE", body='''
            def read_message(codec: $Codec) -> tuple[int, bytes]:
                """Reassemble a fragmented message, bounding its total size."""
                fin, opcode, data = codec.read_frame()
                parts, total = [data], len(data)
                while not fin:
                    fin, op, data = codec.read_frame()
                    if op != OP_CONT:
                        raise $Proto("expected a continuation frame")
                    total += len(data)
                    if total > MAX_MESSAGE_SIZE:
                        raise $Big(f"message exceeds {MAX_MESSAGE_SIZE} bytes")
                    parts.append(data)
                return opcode, b"".join(parts)
        '''),
        P("close", rank=3, needs=["errs"], imp="import struct", body='''
            def parse_close(payload: bytes) -> tuple[int, str]:
                """Close code and reason; 1005 when the peer sent no code."""
                if not payload:
                    return 1005, ""
                if len(payload) == 1:
                    raise $Proto("close payload of one byte")
                (code,) = struct.unpack("!H", payload[:2])
                if code < 1000 or 1004 <= code <= 1006 or 1015 <= code < 3000:
                    raise $Proto(f"invalid close code {code}")
                return code, payload[2:].decode("utf-8")
        '''),
        P("accept", rank=3, imp="import base64\nimport hashlib", const='_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"', body='''
            def accept_key(client_key: str) -> str:
                """Sec-WebSocket-Accept: SHA-1 is what RFC 6455 prescribes (a handshake check, not a secret)."""
                digest = hashlib.sha1((client_key + _GUID).encode("ascii")).digest()
                return base64.b64encode(digest).decode("ascii")
        '''),
        P("pingjit", rank=3, imp="import random", body='''
            def keepalive_interval(base: float = 20.0) -> float:
                """Spread pings over time so idle connections do not wake in lockstep."""
                return base * random.uniform(0.8, 1.2)
        '''),
    ]
    return core, pool


_WS_WEAK = "payload = self.rfile.read(length)  #@V"
_WS_SAFE = ("if length > self.max_size:\n"
            "            raise $Big(f\"frame of {length} bytes exceeds {self.max_size}\")\n"
            "        payload = self.rfile.read(length)")
_WS_DOCS = ["RFC 6455 framing for $lib: reading, masking and writing WebSocket frames.",
            "$lib.frames: the WebSocket wire protocol (frame headers, masking, close codes).",
            "WebSocket frame codec of $lib with size limits and masking rules."]


@fam("mod21-websocket-frame-length-unchecked", "CWE-400", fws=["script"], n=8, wrap=False)
def mod21_ws_frame(c):
    kw = _ws_kw(c)
    core, pool = _ws_parts(c)
    v, s = pair(c, c.pick(*_WS_DOCS), '$log = logging.getLogger("$lib.protocol")', core, pool, kw,
                fill(_WS_WEAK, **kw), fill(_WS_SAFE, **kw), lo=70, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the codec validates reserved bits, control-frame length and masking, but reads the payload "
                      "with the peer-declared 64-bit length without comparing it to max_size, so one frame header "
                      "makes the server buffer gigabytes; the fix raises the too-big error first")


@hardneg(10)
def mod21_ws_frame_hn(c):
    kw = _ws_kw(c)
    core, pool = _ws_parts(c)
    code = compose(c, c.pick(*_WS_DOCS), '$log = logging.getLogger("$lib.protocol")', core, pool, kw,
                   lo=70, hi=108, subs=[{"$FIX": fill(_WS_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="WebSocket codec: frame length checked against max_size before read, message total bounded, "
                      "SHA-1 only for the RFC accept key, os.urandom masking keys, random jitter for pings")


# ---------------- CWE-1333: cron-expression parser; the list-field regex nests a quantifier ----------------


def _cron_kw(c):
    lib = c.pick("crontide", "ticktock", "chronic", "sundial", "cadence", "metronome")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Err=c.pick("CronSyntaxError", "InvalidCron", "BadExpression"),
        parse=c.pick("parse_field", "expand_field", "field_values"),
        Expr=c.pick("CronExpr", "Schedule", "CronSpec"),
    )


def _cron_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import re", const=(
            'FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 6))\n'
            'ALIASES = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *"}\n'
            '_STEP_RE = re.compile(r"^(\\*|\\d{1,2}-\\d{1,2})/(\\d{1,2})$")\n'
            '_ITEM_RE = re.compile(r"(\\d{1,2})(?:-(\\d{1,2}))?")\n'
            '_LIST_RE = $FIX')),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """The expression is not five valid cron fields."""
        '''),
        P("field", rank=2, needs=["err"], body='''
            def $parse(text: str, lo: int, hi: int) -> frozenset[int]:
                """Expand one field (``*``, ``*/15``, ``1-5``, ``1,15,30``) into the values it matches."""
                if text == "*":
                    return frozenset(range(lo, hi + 1))
                step = _STEP_RE.match(text)
                if step:
                    base, every = step.group(1), int(step.group(2))
                    start, end = (lo, hi) if base == "*" else map(int, base.split("-"))
                    if every == 0:
                        raise $Err("step of zero")
                    return frozenset(v for v in range(start, end + 1, every) if lo <= v <= hi)
                if len(text) > 100 or not _LIST_RE.match(text):
                    raise $Err(f"bad field {text!r}")
                values: set[int] = set()
                for item in text.split(","):
                    m = _ITEM_RE.fullmatch(item)
                    if not m:
                        raise $Err(f"bad list item {item!r}")
                    start, end = int(m.group(1)), int(m.group(2) or m.group(1))
                    if start < lo or end > hi or start > end:
                        raise $Err(f"{text!r} outside {lo}-{hi}")
                    values.update(range(start, end + 1))
                return frozenset(values)
        '''),
        P("expr", rank=3, needs=["field"], imp="from dataclasses import dataclass", body='''
            @dataclass(frozen=True)
            class $Expr:
                minute: frozenset
                hour: frozenset
                day: frozenset
                month: frozenset
                weekday: frozenset

                @classmethod
                def parse(cls, expr: str) -> "$Expr":
                    parts = ALIASES.get(expr.strip(), expr).split()
                    if len(parts) != len(FIELDS):
                        raise $Err(f"expected {len(FIELDS)} fields, got {len(parts)}")
                    return cls(*($parse(p, lo, hi) for p, (_, lo, hi) in zip(parts, FIELDS)))

                def matches(self, t) -> bool:
                    return (t.minute in self.minute and t.hour in self.hour and t.day in self.day
                            and t.month in self.month and t.isoweekday() % 7 in self.weekday)
        '''),
    ]
    pool = [
        P("next", rank=4, needs=["expr"], imp="from datetime import datetime, timedelta", const="SEARCH_LIMIT = 366 * 24 * 60", body='''
            def next_fire(expr: $Expr, after: datetime) -> datetime:
                """The first matching minute after ``after``, searching at most a year ahead."""
                t = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
                for _ in range(SEARCH_LIMIT):
                    if expr.matches(t):
                        return t
                    t += timedelta(minutes=1)
                raise $Err("expression never fires within a year")
        '''),
        P("jitter", rank=4, imp="import random", body='''
            def splay(seconds: int = 30) -> float:
                """Random start delay so that many hosts running the same schedule do not stampede."""
                return random.uniform(0, seconds)
        '''),
        P("queue", rank=4, needs=["next"], imp="import heapq\nfrom datetime import datetime", body='''
            class Scheduler:
                """Jobs ordered by their next fire time."""

                def __init__(self) -> None:
                    self._heap: list[tuple[datetime, str]] = []
                    self._exprs: dict[str, $Expr] = {}

                def add(self, name: str, expr: str, now: datetime) -> None:
                    parsed = $Expr.parse(expr)
                    self._exprs[name] = parsed
                    heapq.heappush(self._heap, (next_fire(parsed, now), name))
                    $log.info("scheduled %s (%s)", name, expr)

                def due(self, now: datetime) -> list[str]:
                    out = []
                    while self._heap and self._heap[0][0] <= now:
                        _, name = heapq.heappop(self._heap)
                        out.append(name)
                        heapq.heappush(self._heap, (next_fire(self._exprs[name], now), name))
                    return out
        '''),
        P("describe", rank=4, imp="import calendar", body='''
            def describe_month(values: frozenset) -> str:
                """Human-readable month list for the admin UI."""
                return ", ".join(calendar.month_abbr[m] for m in sorted(values))
        '''),
    ]
    return core, pool


def _cron_fix(c):
    weak = c.pick('re.compile(r"^([\\d,-]+)+$")  #@V', 're.compile(r"^(?:\\d+|[,-])+$")  #@V',
                  're.compile(r"^(?:[0-9]+)+(?:[,-][0-9]+)*$")  #@V')
    return weak, 're.compile(r"^[\\d,-]{1,100}$")'


_CRON_DOCS = ["$lib: parse five-field cron expressions and compute fire times.",
              "Cron expressions for the $lib scheduler (fields, steps, ranges, lists, aliases).",
              "$lib.cron: expression parser and an in-memory job scheduler."]


@fam("mod21-cron-list-field-regex-backtracking", "CWE-1333", fws=["script"], n=8, wrap=False)
def mod21_cron(c):
    kw = _cron_kw(c)
    core, pool = _cron_parts(c)
    weak, safe = _cron_fix(c)
    v, s = pair(c, c.pick(*_CRON_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=70, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="expressions come from users of the scheduler; the list-field pre-filter nests a quantified "
                      "digit run inside a repeated group, so one run of digits can be split many ways and a run of "
                      "30 digits followed by a bad character backtracks exponentially (the length cap of 100 does "
                      "not help); the fix is a single character class with a length cap, the items being validated "
                      "one by one after the split")


@hardneg(10)
def mod21_cron_hn(c):
    kw = _cron_kw(c)
    core, pool = _cron_parts(c)
    _, safe = _cron_fix(c)
    code = compose(c, c.pick(*_CRON_DOCS), '$log = logging.getLogger("$lib")', core, pool, kw,
                   lo=70, hi=108, subs=[{"$FIX": fill(safe, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="cron parser with anchored, unambiguous field regexes, bounded next-fire search, random "
                      "splay for start times")
