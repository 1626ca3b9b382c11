"""Train-only whole-module families (libs22 internals set, mod22-*): modules shaped like the mature
internals of imaginary libraries (a logging library with per-channel rotating files, a msgpack codec with
a registry of ext types, a terminal renderer, a plugin host), weighted
towards hard negatives: each family has one weak module (exactly one weak statement among many safe ones)
with its minimal fix as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool
of parts with other draws (escaped control characters, ext types decoded as plain data, entry points looked
up by name, library-made SGR codes around stripped text).

- mod22-logkit-channel-file-handler-join (22): the channel router handler joins the ``channel`` attribute of
  a record (set by callers from request data through ``extra=``) under the log dir; fixed by the channel check.
- mod22-wirepack-ext-registry-snapshot-pickle (502): one registered ext type decodes its payload with
  ``pickle.loads``; fixed by packing the dataclass fields as msgpack data.
- mod22-termkit-remote-tail-escapes (117): a console writes lines streamed from a remote runner without
  stripping ANSI / control sequences; fixed with the module's ``strip_escapes``.
- mod22-pluginhost-step-dotted-path-resolve (94): a pipeline config posted by a client names step plugins,
  resolved as dotted import paths; fixed by loading the installed entry point of that name.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill, fixsubs, fill_each

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib", "importlib", "pkgutil",
                          "fractions", "unicodedata", "weakref", "email"}
compose, pair = _web.with_stdlib(_STDLIB)

_LIBS = ["larkspur", "quire", "halyard", "tessel", "ombra", "fathom", "wicket", "brindle", "sorrel", "capstan"]


def _safe_module(c, doc, logline, core, pool, kw, sfix, lo=78, hi=108):
    code = compose(c, doc, logline, core, pool, kw, lo=lo, hi=hi, subs=[fixsubs(sfix)])[0]
    return code.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-22: logging library, per-channel rotating files; channel taken from the record ----------------


def _log_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                Router=c.pick("ChannelFileHandler", "ChannelRouter", "PerChannelHandler"),
                Fmt=c.pick("SafeFormatter", "EscapingFormatter", "PlainLineFormatter"),
                chk=c.pick("_checked_channel", "_channel_name", "valid_channel"),
                get_fn=c.pick("channel_logger", "get_channel_logger", "for_channel"),
                maxb=c.pick("10 * 1024 * 1024", "5 * 1024 * 1024", "20_000_000"), backups=c.pick(3, 5, 7, 10),
                default=c.pick("main", "app", "default"))


def _log_parts(c):
    rot = c.pick("size", "time")
    if rot == "size":
        hline = "handler = RotatingFileHandler(path, maxBytes=self.max_bytes, backupCount=self.backups, encoding=\"utf-8\", delay=True)"
        himp = "from logging.handlers import RotatingFileHandler"
    else:
        hline = "handler = TimedRotatingFileHandler(path, when=\"midnight\", backupCount=self.backups, encoding=\"utf-8\", delay=True)"
        himp = "from logging.handlers import TimedRotatingFileHandler"
    dirline = c.pick("self.log_dir = os.path.realpath(log_dir)", "self.log_dir = os.path.abspath(log_dir)")
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport re"),
        P("consts", rank=0, const='''
            LOG_DIR = os.environ.get("$LIB_LOG_DIR", "/var/log/$lib")
            MAX_BYTES = $maxb
            BACKUP_COUNT = $backups
            DEFAULT_CHANNEL = "$default"
            _CHANNEL_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}")
        '''),
        P("chk", rank=1, body='''
            def $chk(name: str) -> str:
                """Channel names become file names: short lowercase words, no separators, no dots."""
                if not _CHANNEL_RE.fullmatch(name):
                    raise ValueError(f"invalid log channel {name!r}")
                return name
        '''),
        P("getter", rank=1, needs=["chk"], body='''
            def $get_fn(name: str, channel: str = DEFAULT_CHANNEL) -> logging.LoggerAdapter:
                """A logger whose records carry ``channel``; the router files them under ``<channel>.log``."""
                return logging.LoggerAdapter(logging.getLogger(name), {"channel": $chk(channel)})
        '''),
        P("router", rank=2, imp=himp, body='''
            class $Router(logging.Handler):
                """Sends each record to ``<log dir>/<channel>.log``, one rotating file per channel.

                The channel is the record's ``channel`` attribute (``extra={"channel": ...}``), which
                services fill with the tenant or job the record is about."""

                def __init__(self, log_dir: str = LOG_DIR, max_bytes: int = MAX_BYTES, backups: int = BACKUP_COUNT) -> None:
                    super().__init__()
                    ''' + dirline + '''
                    self.max_bytes, self.backups = max_bytes, backups
                    self._handlers: dict[str, logging.Handler] = {}
                    os.makedirs(self.log_dir, mode=0o750, exist_ok=True)

                def _handler_for(self, channel: str) -> logging.Handler:
                    handler = self._handlers.get(channel)
                    if handler is None:
                        $FIX
                        ''' + hline + '''
                        handler.setFormatter(self.formatter)
                        self._handlers[channel] = handler
                    return handler

                def emit(self, record: logging.LogRecord) -> None:
                    channel = str(getattr(record, "channel", DEFAULT_CHANNEL))  #@S
                    try:
                        self._handler_for(channel).handle(record)
                    except Exception:
                        self.handleError(record)

                def close(self) -> None:
                    for handler in self._handlers.values():
                        handler.close()
                    self._handlers.clear()
                    super().close()
        '''),
    ]
    pool = [
        P("fmt", rank=1, const='_CONTROL_RE = re.compile(r"[\\x00-\\x08\\x0b-\\x1f\\x7f]")', body=r'''
            class $Fmt(logging.Formatter):
                """One record, one line: newlines and other control characters in the message are escaped,
                so a value logged from a request cannot forge a second entry."""

                def format(self, record: logging.LogRecord) -> str:
                    text = super().format(record)
                    text = text.replace("\r", "\\r").replace("\n", "\\n")
                    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        '''),
        P("json", rank=1, imp="import json", body='''
            class JsonLineFormatter(logging.Formatter):
                """Structured lines; ``json.dumps`` escapes control characters in every field."""

                def format(self, record: logging.LogRecord) -> str:
                    entry = {
                        "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                        "level": record.levelname,
                        "logger": record.name,
                        "channel": getattr(record, "channel", DEFAULT_CHANNEL),
                        "msg": record.getMessage(),
                    }
                    if record.exc_info:
                        entry["exc"] = self.formatException(record.exc_info)
                    return json.dumps(entry, ensure_ascii=True)
        '''),
        P("prune", rank=3, imp="import time", body='''
            def prune_rotated(log_dir: str = LOG_DIR, keep_days: int = 14) -> int:
                """Delete rotated files (``<channel>.log.N``) older than ``keep_days``; live files stay."""
                cutoff = time.time() - keep_days * 86400
                removed = 0
                with os.scandir(log_dir) as entries:
                    for entry in entries:
                        if entry.is_file(follow_symlinks=False) and ".log." in entry.name and entry.stat().st_mtime < cutoff:
                            os.unlink(entry.path)
                            removed += 1
                return removed
        '''),
        P("install", rank=3, needs=["router"], body='''
            def install(level: int = logging.INFO, log_dir: str = LOG_DIR, formatter: logging.Formatter | None = None) -> logging.Handler:
                """Attach the channel router to the root logger (idempotent)."""
                root = logging.getLogger()
                for existing in root.handlers:
                    if isinstance(existing, $Router):
                        return existing
                handler = $Router(log_dir)
                handler.setFormatter(formatter or logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
                root.addHandler(handler)
                root.setLevel(level)
                return handler
        '''),
        P("levels", rank=3, body='''
            def level_from_env(default: str = "INFO") -> int:
                """``$LIB_LOG_LEVEL`` as a level number; unknown names fall back to ``default``."""
                name = os.environ.get("$LIB_LOG_LEVEL", default).upper()
                value = logging.getLevelName(name)
                return value if isinstance(value, int) else logging.getLevelName(default)
        '''),
    ]
    return core, pool


def _log_fix(c):
    shape = c.pick("join", "fstr", "join2")
    if shape == "fstr":
        return ('path = f"{self.log_dir}/{channel}.log"  #@V', 'path = f"{self.log_dir}/{$chk(channel)}.log"')
    if shape == "join2":
        return ('path = os.path.join(self.log_dir, f"{channel}.log")  #@V',
                'path = os.path.join(self.log_dir, f"{$chk(channel)}.log")')
    return ('path = os.path.join(self.log_dir, channel + ".log")  #@V',
            'path = os.path.join(self.log_dir, $chk(channel) + ".log")')


_LOG_DOCS = ["Per-channel log files for $lib: a handler that routes records to rotating files under the log dir.",
             "$lib.logging.channels: one rotating log file per channel, plus the formatters used with it.",
             "Channel routing handler of the $lib logging package."]


@fam("mod22-logkit-channel-file-handler-join", "CWE-22", fws=["script"], n=8, wrap=False)
def mod22_logkit_channel(c):
    kw = _log_kw(c)
    core, pool = _log_parts(c)
    weak, safe = _log_fix(c)
    v, s = pair(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the router builds the log file path from the record's channel attribute, which callers "
                      "fill from request data via extra=; channel='../../etc/cron.d/x' writes (and rotates) files "
                      "outside the log dir. The fix checks the channel name against the same pattern as "
                      "the adapter before joining")


@hardneg(10)
def mod22_logkit_channel_hn(c):
    kw = _log_kw(c)
    core, pool = _log_parts(c)
    _, safe = _log_fix(c)
    return Spec(s=_safe_module(c, c.pick(*_LOG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw)), full=True, fw="sdk",
                notes="log files under the configured dir with checked channel names, control characters "
                      "escaped by the formatter, rotated files pruned with scandir")


# ---------------- CWE-502: msgpack codec with an ext-type registry; one ext type unpickles ----------------


def _wp_kw(c):
    lib = c.pick(*_LIBS)
    snap = c.pick("Snapshot", "Checkpoint", "StateBlob", "Envelope", "TaskState")
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"), Snap=snap,
                snap=snap.lower(), Err=c.pick("UnpackError", "WireError", "DecodeError"),
                reg=c.pick("register_ext", "ext_type", "add_ext_type"), code=c.pick("0x10", "0x20", "17", "42"),
                maxm=c.pick("1 << 20", "4 * 1024 * 1024", "8 << 20"))


def _wp_parts(c):
    core = [
        P("logging", rank=0, imp="import logging\nfrom typing import Any, Callable\nimport msgpack"),
        P("consts", rank=0, const='''
            MAX_MESSAGE = $maxm
            _DECODERS: dict[int, Callable[[bytes], Any]] = {}
            _ENCODERS: dict[type, tuple[int, Callable[[Any], bytes]]] = {}
        '''),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """Raised for messages this codec refuses to decode."""
        '''),
        P("reg", rank=1, body='''
            def $reg(code: int, cls: type, encode: Callable[[Any], bytes], decode: Callable[[bytes], Any]) -> None:
                """Register ``cls`` under ext ``code``; only registered codes are accepted when decoding."""
                if not 0 <= code <= 127 or code in _DECODERS:
                    raise ValueError(f"ext code {code} is out of range or taken")
                _DECODERS[code] = decode
                _ENCODERS[cls] = (code, encode)
        '''),
        P("hooks", rank=2, needs=["err"], body='''
            def _default(obj: Any) -> msgpack.ExtType:
                entry = _ENCODERS.get(type(obj))
                if entry is None:
                    raise TypeError(f"cannot serialize {type(obj).__name__}")
                code, encode = entry
                return msgpack.ExtType(code, encode(obj))


            def _ext_hook(code: int, data: bytes) -> Any:
                decode = _DECODERS.get(code)
                if decode is None:
                    raise $Err(f"ext type {code} is not registered")
                return decode(data)
        '''),
        P("api", rank=4, needs=["hooks"], body='''
            def dumps(obj: Any) -> bytes:
                return msgpack.packb(obj, default=_default, use_bin_type=True)


            def loads(data: bytes) -> Any:
                """Decode a message received from a peer."""
                if len(data) > MAX_MESSAGE:
                    raise $Err(f"message of {len(data)} bytes exceeds {MAX_MESSAGE}")
                return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False, strict_map_key=True)
        '''),
        P("snap", rank=3, needs=["reg"], imp="from dataclasses import asdict, dataclass, field\nimport pickle", body='''
            @dataclass
            class $Snap:
                """Worker state shipped between nodes."""
                name: str
                version: int
                values: dict = field(default_factory=dict)


            def _encode_$snap(obj: $Snap) -> bytes:
                $FIX


            def _decode_$snap(data: bytes) -> $Snap:
                $FIX2


            $reg(EXT_$LIB_STATE, $Snap, _encode_$snap, _decode_$snap)
        ''', const="EXT_$LIB_STATE = $code"),
    ]
    pool = [
        P("decimal", rank=3, needs=["reg"], imp="from decimal import Decimal, InvalidOperation", const="EXT_DECIMAL = 1", body='''
            def _decode_decimal(data: bytes) -> Decimal:
                try:
                    return Decimal(data.decode("ascii"))
                except (UnicodeDecodeError, InvalidOperation):
                    raise $Err("malformed decimal ext payload") from None


            $reg(EXT_DECIMAL, Decimal, lambda d: str(d).encode("ascii"), _decode_decimal)
        '''),
        P("uuid", rank=3, needs=["reg"], imp="import uuid", const="EXT_UUID = 2", body='''
            def _decode_uuid(data: bytes) -> uuid.UUID:
                if len(data) != 16:
                    raise $Err("uuid ext payload must be 16 bytes")
                return uuid.UUID(bytes=data)


            $reg(EXT_UUID, uuid.UUID, lambda u: u.bytes, _decode_uuid)
        '''),
        P("sets", rank=3, needs=["reg"], const="EXT_FROZENSET = 3", body='''
            $reg(
                EXT_FROZENSET,
                frozenset,
                lambda s: msgpack.packb(sorted(s), use_bin_type=True),
                lambda data: frozenset(msgpack.unpackb(data, raw=False)),
            )
        '''),
        P("fraction", rank=3, needs=["reg"], imp="from fractions import Fraction", const="EXT_FRACTION = 4", body='''
            def _decode_fraction(data: bytes) -> Fraction:
                pair = msgpack.unpackb(data, raw=False)
                if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, int) for p in pair)):
                    raise $Err("fraction ext payload must be [numerator, denominator]")
                return Fraction(*pair)


            $reg(EXT_FRACTION, Fraction, lambda f: msgpack.packb([f.numerator, f.denominator]), _decode_fraction)
        '''),
        P("stream", rank=5, needs=["hooks"], imp="from collections.abc import Iterator\nfrom typing import BinaryIO", body='''
            def iter_stream(fp: BinaryIO, chunk: int = 65536) -> Iterator[Any]:
                """Decode a stream of messages with the same ext registry and limits."""
                unpacker = msgpack.Unpacker(ext_hook=_ext_hook, raw=False, strict_map_key=True, max_buffer_size=MAX_MESSAGE)
                while data := fp.read(chunk):
                    unpacker.feed(data)
                    yield from unpacker
        '''),
        P("known", rank=5, body='''
            def registered_codes() -> dict[int, str]:
                """Ext codes and the types they carry, for the protocol docs."""
                return {code: cls.__name__ for cls, (code, _) in _ENCODERS.items()}
        '''),
    ]
    return core, pool


def _wp_fix(c):
    # Only the ``values`` field is pickled inside an otherwise plain msgpack payload (a differing shape from
    # deser-msgpack-ext-hook-pickle, whose ext hook unpickles the whole ext payload).
    if c.pick("list", "dict") == "list":
        enc_v = "return msgpack.packb([obj.name, obj.version, pickle.dumps(obj.values)], use_bin_type=True)"
        enc_s = "return msgpack.packb([obj.name, obj.version, obj.values], use_bin_type=True)"
        dec = "name, version, values = msgpack.unpackb(data, raw=False, strict_map_key=True)\n    return $Snap(str(name), int(version), %s)"
        return (enc_v, dec % "pickle.loads(values)" + "  #@V"), (enc_s, dec % "dict(values)")
    enc_v = "return msgpack.packb({**asdict(obj), \"values\": pickle.dumps(obj.values)}, use_bin_type=True)"
    enc_s = "return msgpack.packb(asdict(obj), use_bin_type=True)"
    dec = "fields = msgpack.unpackb(data, raw=False, strict_map_key=True)\n    return $Snap(str(fields[\"name\"]), int(fields[\"version\"]), %s)"
    return (enc_v, dec % "pickle.loads(fields[\"values\"])" + "  #@V"), (enc_s, dec % "dict(fields[\"values\"])")


_WP_DOCS = ["$lib.wire: the msgpack codec used between $lib nodes, with a registry of allowed ext types.",
            "Binary message codec of $lib (msgpack plus registered ext types).",
            "Ext-type registry and (de)serialization helpers for the $lib wire format."]


@fam("mod22-wirepack-ext-registry-snapshot-pickle", "CWE-502", fws=["script"], n=8, wrap=False)
def mod22_wirepack_ext(c):
    kw = _wp_kw(c)
    core, pool = _wp_parts(c)
    weak, safe = _wp_fix(c)
    v, s = pair(c, c.pick(*_WP_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill_each(weak, **kw), fill_each(safe, **kw), lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the codec only accepts registered ext codes, but the state ext type's decoder unpickles the "
                      "values field of its (otherwise plain msgpack) payload, so any peer that sends that ext code "
                      "with a crafted values blob runs code on loads(); the fix ships values as plain msgpack data")


@hardneg(10)
def mod22_wirepack_ext_hn(c):
    kw = _wp_kw(c)
    core, pool = _wp_parts(c)
    _, safe = _wp_fix(c)
    if c.pick(True, False):
        core = [p for p in core if p.key != "snap"]
    return Spec(s=_safe_module(c, c.pick(*_WP_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill_each(safe, **kw)), full=True, fw="sdk",
                notes="msgpack codec whose ext types (decimal, uuid, frozenset, fraction, dataclass state) are "
                      "decoded as plain data; unknown codes are rejected, strict_map_key and a size cap are set")


# ---------------- CWE-117: terminal renderer; lines from a remote runner written without stripping escapes ----------------


def _tk_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                Con=c.pick("Console", "Terminal", "Screen"), strip=c.pick("strip_escapes", "strip_ansi", "clean_text"),
                tail=c.pick("follow_remote_log", "stream_build_log", "tail_runner_output", "echo_job_output"),
                width=c.pick(80, 100, 120))


def _tk_parts(c):
    core = [
        P("logging", rank=0, imp="import logging\nimport os\nimport re\nimport sys\nfrom typing import TextIO"),
        P("consts", rank=0, const=r'''
            _ESCAPE_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
            BOLD, DIM, RED, GREEN = "1", "2", "31", "32"
            DEFAULT_WIDTH = $width
        '''),
        P("strip", rank=1, body='''
            def $strip(text: str) -> str:
                """Remove ANSI/OSC escape sequences and other control characters from untrusted text."""
                return _ESCAPE_RE.sub("", text)
        '''),
        P("con", rank=2, needs=["strip"], body=r'''
            class $Con:
                """Writes to a text stream; colour only on a TTY and only around text this library produced."""

                def __init__(self, stream: TextIO | None = None, color: bool | None = None) -> None:
                    self.stream = stream or sys.stdout
                    if color is None:
                        color = self.stream.isatty() and "NO_COLOR" not in os.environ
                    self.color = color

                def style(self, text: str, *codes: str) -> str:
                    if not self.color or not codes:
                        return text
                    return "\x1b[" + ";".join(codes) + "m" + text + "\x1b[0m"

                def line(self, text: str, *codes: str) -> None:
                    """Print one line of (possibly untrusted) text, escapes removed."""
                    self.stream.write(self.style($strip(text), *codes) + "\n")
        '''),
    ]
    shape = c.pick("write", "print", "prefix")
    if shape == "print":
        weak, safe = ('print(prefix + text, file=console.stream)  #@V', 'print(prefix + $strip(text), file=console.stream)')
    elif shape == "prefix":
        weak, safe = ('console.stream.write(f"{prefix}{text}\\n")  #@V', 'console.stream.write(f"{prefix}{$strip(text)}\\n")')
    else:
        weak, safe = ('console.stream.write(prefix + text + "\\n")  #@V', 'console.stream.write(prefix + $strip(text) + "\\n")')
    core.append(P("tail", rank=3, needs=["con"], imp="from collections.abc import Iterable", body='''
        def $tail(console: $Con, job: str, lines: Iterable[str]) -> int:
            """Print the log streamed from the remote runner, each line prefixed with the job name."""
            prefix = console.style(job, BOLD) + " | "
            count = 0
            for raw in lines:  #@S
                text = raw.rstrip("\\r\\n")
                $FIX
                count += 1
            console.stream.flush()
            $log.debug("printed %d lines of %s", count, job)
            return count
    '''))
    pool = [
        P("width", rank=1, needs=["strip"], body='''
            def visible_width(text: str) -> int:
                """Columns ``text`` takes on screen (escape sequences take none)."""
                return len($strip(text))


            def truncate(text: str, width: int = DEFAULT_WIDTH) -> str:
                clean = $strip(text)
                return clean if len(clean) <= width else clean[: width - 1] + "\\u2026"
        '''),
        P("table", rank=3, needs=["con", "width"], body='''
            def table(console: $Con, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
                """Aligned columns; cell text comes from the server, so it is cleaned before measuring."""
                cells = [tuple(truncate(str(v), 40) for v in row) for row in rows]
                widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
                console.line("  ".join(h.ljust(w) for h, w in zip(header, widths)), BOLD)
                for row in cells:
                    console.line("  ".join(v.ljust(w) for v, w in zip(row, widths)))
        '''),
        P("status", rank=3, needs=["con"], body='''
            def status(console: $Con, name: str, ok: bool, detail: str = "") -> None:
                mark = console.style("ok", GREEN) if ok else console.style("FAILED", RED)
                console.stream.write(f"{mark} {$strip(name)}" + (f" ({$strip(detail)})" if detail else "") + "\\n")
        '''),
        P("progress", rank=3, needs=["con"], body=r'''
            def progress(console: $Con, done: int, total: int, width: int = 30) -> None:
                """Redraw a progress bar in place (our own escape codes only)."""
                if not console.color:
                    return
                filled = width * done // max(total, 1)
                console.stream.write("\r" + console.style("#" * filled, GREEN) + "." * (width - filled) + f" {done}/{total}")
                if done >= total:
                    console.stream.write("\n")
                console.stream.flush()
        '''),
        P("link", rank=3, needs=["con"], imp="from urllib.parse import quote", body=r'''
            def hyperlink(console: $Con, url: str, label: str) -> str:
                """OSC 8 link; the label is cleaned and the URL percent-encoded, so neither can end the sequence."""
                label = $strip(label)
                if not console.color:
                    return label
                safe_url = quote(url, safe=":/?#[]@!&'()*+,;=%-._~")
                return f"\x1b]8;;{safe_url}\x1b\\{label}\x1b]8;;\x1b\\"
        '''),
    ]
    return core, pool, weak, safe


_TK_DOCS = ["$lib.term: console output for the $lib CLI (colours, tables, remote job logs).",
            "Terminal rendering helpers of $lib; text from servers is stripped of escape sequences.",
            "Console writer and small widgets used by the $lib command-line client."]


@fam("mod22-termkit-remote-tail-escapes", "CWE-117", fws=["cli"], n=8, wrap=False)
def mod22_termkit_tail(c):
    kw = _tk_kw(c)
    core, pool, weak, safe = _tk_parts(c)
    v, s = pair(c, c.pick(*_TK_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=76, hi=108)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="every other writer strips escapes from server text, but the remote log follower writes "
                      "the runner's lines as they are: a build step can print OSC/CSI sequences that retitle the "
                      "terminal, hide or rewrite earlier lines, or forge status output; the fix strips them")


@hardneg(10)
def mod22_termkit_tail_hn(c):
    kw = _tk_kw(c)
    core, pool, _, safe = _tk_parts(c)
    return Spec(s=_safe_module(c, c.pick(*_TK_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw)), full=True, fw="cli",
                notes="console output: library-made SGR/OSC codes around text cleaned by strip_escapes, "
                      "stream.write/print of stripped server text")


# ---------------- CWE-94: plugin host; client pipeline config resolved as dotted import paths ----------------


def _pl_kw(c):
    lib = c.pick(*_LIBS)
    return dict(lib=lib, LIB=lib.upper(), log=c.pick("log", "_log", "logger"),
                Err=c.pick("PluginError", "UnknownPlugin", "StepLookupError"),
                group=c.pick("steps", "filters", "transforms", "processors"),
                ep_fn=c.pick("_entry_point", "_lookup", "_installed_step"),
                build=c.pick("build_pipeline", "pipeline_from_config", "load_pipeline"),
                maxs=c.pick(16, 20, 32))


def _pl_parts(c):
    core = [
        P("logging", rank=0, imp="import functools\nimport logging\nimport os\nfrom importlib.metadata import EntryPoint, entry_points\nfrom typing import Any, Protocol"),
        P("consts", rank=0, const='''
            ENTRY_GROUP = "$lib.$group"
            MAX_STEPS = $maxs
        '''),
        P("proto", rank=1, body='''
            class Step(Protocol):
                name: str

                def __call__(self, item: dict) -> dict | None: ...


            class $Err(LookupError):
                """Unknown or disabled plugin name."""
        '''),
        P("reg", rank=2, needs=["proto"], body='''
            @functools.cache
            def _registered() -> dict[str, EntryPoint]:
                """Installed plugins by name (the ``$lib.$group`` entry point group), minus disabled ones."""
                disabled = set(filter(None, os.environ.get("$LIB_DISABLED_PLUGINS", "").split(",")))
                return {ep.name: ep for ep in entry_points(group=ENTRY_GROUP) if ep.name not in disabled}


            def $ep_fn(name: str) -> EntryPoint:
                try:
                    return _registered()[name]
                except KeyError:
                    raise $Err(f"unknown plugin {name!r}; installed: {', '.join(sorted(_registered()))}") from None
        '''),
        P("build", rank=3, needs=["reg"], body='''
            def $build(config: dict[str, Any]) -> list[Step]:
                """Pipeline posted by the client: ``{"steps": [{"plugin": "resize", "options": {...}}]}``."""
                steps: list[Step] = []
                for item in list(config.get("steps") or [])[:MAX_STEPS]:
                    name = str(item["plugin"])  #@S
                    $FIX
                    step = factory(**dict(item.get("options") or {}))
                    if not callable(step):
                        raise $Err(f"plugin {name!r} did not return a step")
                    steps.append(step)
                $log.info("pipeline with %d steps: %s", len(steps), ", ".join(s.name for s in steps))
                return steps
        '''),
    ]
    pool = [
        P("info", rank=4, needs=["reg"], body='''
            def plugin_info(name: str) -> dict[str, str | None]:
                """What the admin page shows for one installed plugin."""
                ep = $ep_fn(name)
                dist = ep.dist
                return {"name": ep.name, "target": ep.value, "package": dist.name if dist else None,
                        "version": dist.version if dist else None}
        '''),
        P("listp", rank=4, needs=["reg"], body='''
            def available() -> list[str]:
                return sorted(_registered())
        '''),
        P("run", rank=4, needs=["proto"], imp="import time", body='''
            def run(steps: list[Step], item: dict) -> dict | None:
                """Apply the steps in order; a step returning None drops the item."""
                for step in steps:
                    started = time.perf_counter()
                    item = step(item)
                    $log.debug("step %s took %.1f ms", step.name, (time.perf_counter() - started) * 1000)
                    if item is None:
                        return None
                return item
        '''),
        P("validate", rank=4, needs=["reg"], body='''
            def validate(config: dict[str, Any]) -> list[str]:
                """Problems with a posted config, without loading any plugin code."""
                problems = []
                steps = config.get("steps")
                if not isinstance(steps, list) or not steps:
                    return ["steps must be a non-empty list"]
                if len(steps) > MAX_STEPS:
                    problems.append(f"at most {MAX_STEPS} steps")
                for i, item in enumerate(steps):
                    if not isinstance(item, dict) or str(item.get("plugin")) not in _registered():
                        problems.append(f"steps[{i}]: unknown plugin")
                return problems
        '''),
        P("reload", rank=4, needs=["reg"], body='''
            def refresh() -> None:
                """Forget the cached entry points (after installing a plugin package)."""
                _registered.cache_clear()
        '''),
    ]
    return core, pool


def _pl_fix(c):
    weak = c.pick("factory = pkgutil.resolve_name(name)  #@V",
                  "factory = getattr(importlib.import_module(name.rpartition(\".\")[0]), name.rpartition(\".\")[2])  #@V",
                  "module_name, _, attr = name.partition(\":\")  #@V\n        factory = getattr(importlib.import_module(module_name), attr)  #@V")
    return weak, c.pick("factory = $ep_fn(name).load()", "factory = $ep_fn(name).load()  # only installed entry points")


_PL_DOCS = ["$lib.plugins: step plugins discovered through entry points and assembled into pipelines.",
            "Plugin host of $lib: finds installed steps by name and builds pipelines from a config.",
            "Entry-point based plugin registry and pipeline builder for $lib."]


@fam("mod22-pluginhost-step-dotted-path-resolve", "CWE-94", fws=["script"], n=8, wrap=False)
def mod22_pluginhost(c):
    kw = _pl_kw(c)
    core, pool = _pl_parts(c)
    weak, safe = _pl_fix(c)
    imp = "import importlib" if "importlib" in weak else "import pkgutil"
    core = core + [P("wimp", rank=0, imp=imp)]
    v, s = pair(c, c.pick(*_PL_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(weak, **kw), fill(safe, **kw), lo=72, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the pipeline config comes from the client, and each step's plugin name is resolved as a "
                      "dotted import path: 'os:system' or 'subprocess.getoutput' with options becomes a step, "
                      "running arbitrary callables; the fix loads only installed entry points of that name")


@hardneg(10)
def mod22_pluginhost_hn(c):
    kw = _pl_kw(c)
    core, pool = _pl_parts(c)
    _, safe = _pl_fix(c)
    return Spec(s=_safe_module(c, c.pick(*_PL_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                               fill(safe, **kw), lo=72, hi=106), full=True, fw="sdk",
                notes="plugins are looked up by name among installed entry points (ep.load()), never imported "
                      "from a path in the request")
