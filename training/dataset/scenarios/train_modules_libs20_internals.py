"""Train-only whole-module families weighted towards hard negatives (libs20 internals set): modules shaped
like the internals of mature, imaginary libraries: an HTTP server's request parser (header limits,
chunked decoding with caps), a task queue's worker (JSON messages, ``importlib`` of registered task
paths) and an ORM migration recorder (SQL with quoted identifiers and bound values).

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a chunk size from the wire read without the body cap (400), a broker message decoded with
``pickle`` (502) and migration names pasted into a DELETE instead of bound (89).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"importlib", "io", "pickle", "queue", "signal", "zlib", "codecs", "binascii"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-400: HTTP/1.1 request parser; one chunk size skips the body cap ----------------


def _http_kw(c):
    lib = c.pick("tern", "harbor", "quayside", "wicket", "corvid", "ember")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Err=c.pick("BadRequest", "ProtocolError", "MalformedRequest"),
        Big=c.pick("EntityTooLarge", "PayloadTooLarge", "BodyTooLarge"),
        rd=c.pick("rfile", "stream", "reader"),
        mh=c.pick(64, 100, 128), ml=c.pick(8190, 8192, 16384), mb=c.pick("1 << 20", "4 * 1024 * 1024", "10_000_000"),
    )


def _http_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("limits", rank=0, const="MAX_HEADERS = $mh\nMAX_LINE = $ml\nMAX_BODY = $mb"),
        P("errs", rank=1, body='''
            class $Err(Exception):
                """The request violates HTTP/1.1 framing; the connection is closed with 400."""


            class $Big($Err):
                """The declared or decoded body exceeds the configured limit (413)."""
        '''),
        P("line", rank=2, needs=["errs"], imp="from typing import BinaryIO", body='''
            def read_line($rd: BinaryIO) -> bytes:
                """One CRLF-terminated line, at most MAX_LINE bytes."""
                line = $rd.readline(MAX_LINE + 1)
                if len(line) > MAX_LINE:
                    raise $Err("line too long")
                if not line.endswith(b"\\r\\n"):
                    raise $Err("unterminated line")
                return line[:-2]
        '''),
        P("chunked", rank=3, needs=["line"], imp="from typing import BinaryIO", body='''
            def read_chunked($rd: BinaryIO, limit: int = MAX_BODY) -> bytes:
                """Decode a chunked body; trailers are read and discarded."""
                parts: list[bytes] = []
                total = 0
                while True:
                    line = read_line($rd)
                    try:
                        $FIX
                    except ValueError:
                        raise $Err("bad chunk size") from None
                    if size < 0:
                        raise $Err("negative chunk size")
                    if size == 0:
                        break
                    parts.append($rd.read(size))  #@V
                    total += size
                    if read_line($rd) != b"":
                        raise $Err("missing chunk terminator")
                while read_line($rd):
                    pass
                return b"".join(parts)
        '''),
    ]
    hloop = c.pick("for", "count")
    if hloop == "for":
        hbody = '''
            def read_headers($rd: BinaryIO) -> dict[str, str]:
                """Header block up to the blank line; at most MAX_HEADERS fields."""
                headers: dict[str, str] = {}
                for _ in range(MAX_HEADERS + 1):
                    line = read_line($rd)
                    if not line:
                        return headers
                    name, sep, value = line.decode("latin-1").partition(":")
                    if not sep or not name or name != name.strip():
                        raise $Err("malformed header")
                    key = name.lower()
                    headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
                raise $Err("too many headers")
        '''
    else:
        hbody = '''
            def read_headers($rd: BinaryIO) -> dict[str, str]:
                """Header block up to the blank line; counts fields against MAX_HEADERS."""
                headers: dict[str, str] = {}
                count = 0
                while line := read_line($rd):
                    count += 1
                    if count > MAX_HEADERS:
                        raise $Err("too many headers")
                    name, sep, value = line.decode("latin-1").partition(":")
                    if not sep or " " in name:
                        raise $Err("malformed header")
                    headers.setdefault(name.lower(), value.strip())
                return headers
        '''
    pool = [
        P("headers", rank=3, needs=["line"], imp="from typing import BinaryIO", body=hbody),
        P("reqline", rank=3, needs=["line"], imp="import re\nfrom typing import BinaryIO",
          const='_REQUEST_LINE = re.compile(rb"([A-Z]{1,16}) (\\S{1,8000}) HTTP/(1\\.[01])")', body='''
            def read_request_line($rd: BinaryIO) -> tuple[str, str, str]:
                """Method, target and version; anything else is a 400."""
                match = _REQUEST_LINE.fullmatch(read_line($rd))
                if match is None:
                    raise $Err("bad request line")
                method, target, version = (part.decode("ascii") for part in match.groups())
                return method, target, version
        '''),
        P("length", rank=3, needs=["errs"], imp="from typing import BinaryIO", body='''
            def read_fixed($rd: BinaryIO, header: str, limit: int = MAX_BODY) -> bytes:
                """Body framed by Content-Length, refused before reading when over the limit."""
                if not (header.isascii() and header.isdigit()):
                    raise $Err("bad content-length")
                length = int(header)
                if length > limit:
                    raise $Big(length)
                body = $rd.read(length)
                if len(body) != length:
                    raise $Err("truncated body")
                return body
        '''),
        P("keepalive", rank=4, body='''
            def keep_alive(version: str, headers: dict[str, str]) -> bool:
                """HTTP/1.1 defaults to persistent connections, 1.0 needs an explicit opt-in."""
                token = headers.get("connection", "").lower()
                if version == "1.1":
                    return "close" not in token
                return "keep-alive" in token
        '''),
        P("te", rank=4, needs=["errs"], body='''
            def body_framing(headers: dict[str, str]) -> str:
                """Reject requests that carry both framings (request smuggling)."""
                te = headers.get("transfer-encoding", "").lower()
                if te and "content-length" in headers:
                    raise $Err("both Transfer-Encoding and Content-Length")
                if te and te != "chunked":
                    raise $Err(f"unsupported transfer-encoding {te!r}")
                return "chunked" if te else "length"
        '''),
    ]
    return core, pool


_CHUNK_WEAK = 'size = int(line.split(b";", 1)[0].strip(), 16)  #@V'
_CHUNK_SAFE = ('size = int(line.split(b";", 1)[0].strip(), 16)\n'
               '            if total + size > limit:\n'
               '                raise $Big(total + size)')
_HTTP_DOCS = ["HTTP/1.1 request parsing for the $lib server: bounded lines, header blocks and bodies.",
              "$lib.http.parser: incremental request framing with limits on every read.",
              "Wire-level request parser of $lib (request line, headers, Content-Length and chunked bodies)."]


@fam("mod20-http-parser-chunk-size-uncapped", "CWE-400", fws=["script"], n=8, wrap=False)
def mod20_http_parser(c):
    kw = _http_kw(c)
    core, pool = _http_parts(c)
    v, s = pair(c, c.pick(*_HTTP_DOCS), '$log = logging.getLogger("$lib.http")', core, pool, kw,
                fill(_CHUNK_WEAK, **kw), fill(_CHUNK_SAFE, **kw), lo=78, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="every read of the parser is bounded (line length, header count, Content-Length) except the "
                      "chunked decoder: a client-sent chunk size (hex, unbounded) is read and accumulated without "
                      "checking the running total against the body limit, so a few huge chunks exhaust memory; the "
                      "fix raises the 413 error once total + size exceeds the limit")


@hardneg(10)
def mod20_http_parser_hn(c):
    kw = _http_kw(c)
    core, pool = _http_parts(c)
    code = compose(c, c.pick(*_HTTP_DOCS), '$log = logging.getLogger("$lib.http")', core, pool, kw,
                   lo=78, hi=106, subs=[{"$FIX": fill(_CHUNK_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="HTTP parser with every read bounded: line length, header count, Content-Length and "
                      "chunked totals checked against limits; both framings together rejected")


# ---------------- CWE-502: task-queue worker; one message decoded with pickle ----------------


def _task_kw(c):
    lib = c.pick("hopper", "conveyor", "spindle", "relay", "tasklet", "sorter")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Reg=c.pick("TaskRegistry", "Registry", "TaskTable"),
        Worker=c.pick("Worker", "Consumer", "TaskRunner"),
        Err=c.pick("UnknownTask", "TaskNotRegistered", "RejectedTask"),
        body=c.pick("body", "raw", "payload_bytes"),
    )


def _task_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("err", rank=1, body='''
            class $Err(LookupError):
                """The message names a task that was never registered with this app."""
        '''),
        P("reg", rank=2, needs=["err"], imp="import importlib\nfrom collections.abc import Callable", body='''
            class $Reg:
                """Dotted paths of the tasks an app declares; only these are ever imported."""

                def __init__(self, paths: dict[str, str]) -> None:
                    self._paths = dict(paths)
                    self._loaded: dict[str, Callable] = {}

                def resolve(self, name: str) -> Callable:
                    if name not in self._paths:
                        raise $Err(name)
                    if name not in self._loaded:
                        module_name, _, attr = self._paths[name].rpartition(".")
                        self._loaded[name] = getattr(importlib.import_module(module_name), attr)
                    return self._loaded[name]
        '''),
        P("decode", rank=3, imp="import json\nimport pickle", body='''
            def decode_message($body: bytes) -> dict:
                """Broker message -> {"id", "task", "args", "kwargs", "retries"}."""
                $FIX
                if not isinstance(message, dict) or not isinstance(message.get("task"), str):
                    raise ValueError("malformed task message")
                message.setdefault("args", [])
                message.setdefault("kwargs", {})
                message.setdefault("retries", 0)
                return message
        '''),
        P("worker", rank=4, needs=["reg", "decode", "encode"], body='''
            class $Worker:
                """Pulls messages, runs the registered callable, acks or requeues."""

                def __init__(self, broker, registry: $Reg, max_retries: int = 3) -> None:
                    self.broker, self.registry, self.max_retries = broker, registry, max_retries

                def handle(self, delivery_tag: int, $body: bytes) -> None:
                    try:
                        message = decode_message($body)
                        func = self.registry.resolve(message["task"])
                    except ($Err, ValueError) as exc:
                        $log.error("rejecting message %s: %s", delivery_tag, exc)
                        self.broker.reject(delivery_tag, requeue=False)
                        return
                    try:
                        func(*message["args"], **message["kwargs"])
                    except Exception:
                        $log.exception("task %s failed", message["task"])
                        if message["retries"] < self.max_retries:
                            self.broker.publish(encode_message(message["task"], message["args"], message["kwargs"],
                                                               retries=message["retries"] + 1))
                    self.broker.ack(delivery_tag)
        ''', tail=""),
    ]
    enc = c.pick('json.dumps(message, separators=(",", ":"), default=str).encode()',
                 'json.dumps(message, sort_keys=True).encode("utf-8")')
    pool = [
        P("encode", rank=3, imp="import json\nimport uuid", body='''
            def encode_message(task: str, args: list, kwargs: dict, retries: int = 0) -> bytes:
                """Messages are plain JSON so workers in any language can read them."""
                message = {"id": uuid.uuid4().hex, "task": task, "args": list(args), "kwargs": dict(kwargs),
                           "retries": retries}
                return ''' + enc + '''
        '''),
        P("backoff", rank=3, imp="import random", const=f"RETRY_BASE = {c.pick(1.0, 2.0, 5.0)}", body='''
            def retry_countdown(retries: int) -> float:
                """Seconds before a failed task is retried: exponential, with full jitter."""
                return random.uniform(0, RETRY_BASE * 2 ** retries)
        '''),
        P("routing", rank=3, imp="import hashlib", const=f"QUEUE_COUNT = {c.pick(4, 8, 16)}", body='''
            def queue_for(task: str, key: str) -> str:
                """Stable shard: messages for one key keep their order on one queue."""
                digest = hashlib.md5(f"{task}:{key}".encode(), usedforsecurity=False).digest()
                return f"tasks.{int.from_bytes(digest[:4], 'big') % QUEUE_COUNT}"
        '''),
        P("paths", rank=3, imp="import re", const=r'_PATH_RE = re.compile(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*")', body='''
            def check_task_path(path: str) -> str:
                """Registration-time check of a dotted path from the app's own task list."""
                if not _PATH_RE.fullmatch(path):
                    raise ValueError(f"not a dotted path: {path!r}")
                return path
        '''),
    ]
    return core, pool


_DEC_WEAK = "message = pickle.loads($body)  #@V"
_DEC_SAFE = 'message = json.loads($body.decode("utf-8"))'
_TASK_DOCS = ["Worker side of the $lib task queue: decode, resolve registered tasks, run, ack.",
              "$lib.worker: consumes broker deliveries and dispatches them to registered task callables.",
              "Message handling for $lib workers (JSON wire format, registry-only imports, retries)."]


@fam("mod20-task-worker-broker-pickle", "CWE-502", fws=["script"], n=8, wrap=False)
def mod20_task_worker(c):
    kw = _task_kw(c)
    core, pool = _task_parts(c)
    v, s = pair(c, c.pick(*_TASK_DOCS), '$log = logging.getLogger("$lib.worker")', core, pool, kw,
                fill(_DEC_WEAK, **kw), fill(_DEC_SAFE, **kw), lo=78, hi=108)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the worker only imports registered task paths, but it decodes every broker delivery with "
                      "pickle.loads: anyone who can publish to the queue runs code in the worker while the message "
                      "is decoded, before the registry check; the producer already writes JSON, so the fix is json.loads")


@hardneg(10)
def mod20_task_worker_hn(c):
    kw = _task_kw(c)
    core, pool = _task_parts(c)
    code = compose(c, c.pick(*_TASK_DOCS), '$log = logging.getLogger("$lib.worker")', core, pool, kw,
                   lo=78, hi=108, subs=[{"$FIX": fill(_DEC_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="task worker: JSON messages, importlib only for dotted paths registered by the app, "
                      "md5 for queue sharding, random for retry jitter")


# ---------------- CWE-89: migration recorder; one DELETE pastes the names instead of binding them ----------------


def _mig_kw(c):
    lib = c.pick("strata", "ledgerline", "tidewater", "quarry", "basalt", "keel")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Rec=c.pick("MigrationRecorder", "HistoryTable", "AppliedLog"),
        qn=c.pick("quote_name", "qn", "quote_ident"),
        tbl=c.pick("_migrations", "schema_history", "applied_migrations"),
    )


def _mig_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("qn", rank=1, imp="import re", const=r'_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")', body='''
            def $qn(name: str) -> str:
                """Double-quote an identifier after checking it (PostgreSQL rules)."""
                if not _IDENT_RE.fullmatch(name):
                    raise ValueError(f"invalid identifier {name!r}")
                return '"' + name + '"'
        '''),
        P("rec", rank=2, needs=["qn"], imp="import datetime", body='''
            class $Rec:
                """Rows of the history table: which migrations of which app are applied."""

                def __init__(self, connection, table: str = "$tbl") -> None:
                    self.connection = connection
                    self.table = $qn(table)

                def ensure_table(self) -> None:
                    with self.connection.cursor() as cursor:
                        cursor.execute(
                            f"CREATE TABLE IF NOT EXISTS {self.table} (id serial PRIMARY KEY, app text NOT NULL, "
                            "name text NOT NULL, applied timestamptz NOT NULL)"
                        )

                def applied(self, app: str) -> set[str]:
                    with self.connection.cursor() as cursor:
                        cursor.execute(f"SELECT name FROM {self.table} WHERE app = %s", (app,))
                        return {row[0] for row in cursor.fetchall()}

                def record_applied(self, app: str, name: str) -> None:
                    now = datetime.datetime.now(datetime.timezone.utc)
                    with self.connection.cursor() as cursor:
                        cursor.execute(f"INSERT INTO {self.table} (app, name, applied) VALUES (%s, %s, %s)",
                                       (app, name, now))
                    $log.info("applied %s.%s", app, name)

                def record_unapplied(self, app: str, name: str) -> None:  #@S
                    with self.connection.cursor() as cursor:
                        $FIX
                    $log.info("unapplied %s.%s", app, name)
        '''),
    ]
    pool = [
        P("addcol", rank=3, needs=["qn"], body='''
            def add_column_sql(table: str, column: str, sql_type: str, nullable: bool = True) -> str:
                """DDL for an AddField operation; the type comes from the field class, not from input."""
                null = "" if nullable else " NOT NULL"
                return f"ALTER TABLE {$qn(table)} ADD COLUMN {$qn(column)} {sql_type}{null}"
        '''),
        P("rename", rank=3, needs=["qn"], body='''
            def rename_table_sql(old: str, new: str) -> str:
                """DDL for a RenameModel operation."""
                return f"ALTER TABLE {$qn(old)} RENAME TO {$qn(new)}"
        '''),
        P("index", rank=3, needs=["qn"], imp="import hashlib", body='''
            def index_name(table: str, columns: list[str], suffix: str = "idx") -> str:
                """Deterministic index name under the 63-byte limit (hash keeps it unique)."""
                digest = hashlib.md5(",".join(columns).encode(), usedforsecurity=False).hexdigest()[:8]
                return f"{table[:40]}_{digest}_{suffix}"


            def create_index_sql(table: str, columns: list[str]) -> str:
                cols = ", ".join($qn(col) for col in columns)
                return f"CREATE INDEX {$qn(index_name(table, columns))} ON {$qn(table)} ({cols})"
        '''),
        P("plan", rank=3, body='''
            def pending(available: list[str], applied: set[str]) -> list[str]:
                """Migrations not yet applied, in file order."""
                return [name for name in sorted(available) if name not in applied]
        '''),
        P("count", rank=3, needs=["qn"], body='''
            def row_count(connection, table: str) -> int:
                """Rows in a table before a data migration (shown in --plan output)."""
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT count(*) FROM {$qn(table)}")
                    return cursor.fetchone()[0]
        '''),
    ]
    return core, pool


_DEL_WEAK = 'cursor.execute(f"DELETE FROM {self.table} WHERE app = \'{app}\' AND name = \'{name}\'")  #@V'
_DEL_SAFE = 'cursor.execute(f"DELETE FROM {self.table} WHERE app = %s AND name = %s", (app, name))'
_MIG_DOCS = ["Migration history for $lib: which migrations are applied, plus DDL helpers with quoted identifiers.",
             "$lib.migrations.recorder: bookkeeping of applied migrations (PostgreSQL, %s placeholders).",
             "Schema migration internals of $lib: history rows and generated ALTER/CREATE statements."]


@fam("mod20-migration-recorder-unapply-name-pasted", "CWE-89", fws=["script"], n=8, wrap=False)
def mod20_migration_recorder(c):
    kw = _mig_kw(c)
    core, pool = _mig_parts(c)
    v, s = pair(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$lib.migrations")', core, pool, kw,
                fill(_DEL_WEAK, **kw), fill(_DEL_SAFE, **kw), lo=78, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="identifiers are checked and quoted and every other statement binds its values with %s, but "
                      "the recorder's public record_unapplied(app, name) pastes its two string arguments into the "
                      "DELETE: the library cannot know where its callers get them (an admin view, a deploy hook, a "
                      "plugin), so a name with a quote rewrites the statement (e.g. x' OR '1'='1 deletes the whole "
                      "history); the library-API parameters are the taint source; the fix binds both values")


@hardneg(10)
def mod20_migration_recorder_hn(c):
    kw = _mig_kw(c)
    core, pool = _mig_parts(c)
    code = compose(c, c.pick(*_MIG_DOCS), '$log = logging.getLogger("$lib.migrations")', core, pool, kw,
                   lo=78, hi=106, subs=[{"$FIX": fill(_DEL_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="migration recorder: identifiers validated and double-quoted, values bound with %s, "
                      "md5 only for index-name shortening")
