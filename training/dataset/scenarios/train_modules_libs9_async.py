"""Train-only whole-module families on asyncio services (libs9 async set, mod9-*): realistic modules of
about 80-110 lines (Kafka / RabbitMQ consumers, Starlette / aiohttp / Sanic apps and their websockets,
asyncpg / aiosqlite / Motor data layers, asyncio subprocesses) with exactly one weak statement each, and
a twin that differs only by the minimal fix. The tainted value arrives in a queue record, a websocket
frame or a JSON body and travels through helper coroutines before it reaches the sink.

Covers: an aiokafka consumer whose asyncpg lookup coroutine pastes the event's key into a SELECT (89);
an aio-pika media / document worker that hands a job's free-text metadata to
``asyncio.create_subprocess_shell`` (78); a Starlette websocket log viewer whose tail coroutine joins
the requested file name to the log directory (22); a Sanic import endpoint that checks only the scheme
of a tenant's feed / metadata URL before fetching it with httpx or aiohttp (918); an aiohttp websocket
chat whose history frame sends an uncapped ``limit`` to a Motor cursor (400); and a Sanic websocket
Q&A room whose host-only operation skips the host check (862).

Framework labels: the record schema knows no Sanic, so Sanic modules are labelled "aiohttp" (as in
train_libs3_web.py); Kafka and RabbitMQ consumers are "pipeline".
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, _w, _append
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """Dedent ``_tmpl`` and replace ``$name`` tokens, longest names first."""
    out = dedent(_tmpl)
    for k in sorted(kw, key=len, reverse=True):
        out = out.replace("$" + k, str(kw[k]).strip("\n"))
    return out.strip("\n") + "\n"


def _opt(c, *blocks, least=1, most=None):
    """A random subset of optional top-level blocks, in a random order."""
    bs = [dedent(b).strip("\n") for b in blocks if b]
    if not bs:
        return ""
    k = c.rng.randint(min(least, len(bs)), min(most or len(bs), len(bs)))
    return "\n\n\n".join(c.rng.sample(bs, k))


def _ind(block, n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).split("\n"))


def _insert_before_main(s, block):
    """Put a top-level block before ``async def main`` (or at the end when there is none)."""
    marker = "\n\n\nasync def main("
    b = dedent(block).strip("\n")
    if marker in s:
        return s.replace(marker, "\n\n\n" + b + marker, 1)
    return _append(s, b)


# ---------------- CWE-89: aiokafka consumer, asyncpg lookup coroutine with the event key pasted in ----------------

_KAFKA_APPS = [
    dict(title="Stock ledger", event="stock adjustment", producer="warehouse scanner", topic="warehouse.stock-adjustments",
         noun="item", field="sku", table="items", ltable="stock_moves", fk="item_id", qty="delta", w="stock"),
    dict(title="Loyalty points", event="points", producer="checkout", topic="checkout.loyalty-events",
         noun="member", field="card_number", table="members", ltable="point_entries", fk="member_id", qty="points",
         w="loyalty"),
    dict(title="Parcel tracking", event="scan", producer="depot scanner", topic="depot.parcel-scans",
         noun="parcel", field="tracking_code", table="parcels", ltable="parcel_scans", fk="parcel_id",
         qty="weight_grams", w="parcels"),
    dict(title="Meter readings", event="reading", producer="telemetry gateway", topic="telemetry.meter-readings",
         noun="meter", field="serial", table="meters", ltable="meter_readings", fk="meter_id", qty="reading_wh",
         w="metering"),
]

_KAFKA = r'''
"""$title consumer (aiokafka + asyncpg): applies $event events from the `$topic` topic.

Each record is a JSON object written by the $producer service. $commitdoc"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer

log = logging.getLogger("$w.consumer")

TOPIC = os.environ.get("$ENV", "$topic")
BROKERS = os.environ.get("KAFKA_BROKERS", "localhost:9092")
DSN = os.environ["DATABASE_URL"]
BATCH_MAX = $batch


def decode(raw: bytes) -> dict[str, Any] | None:
    """The event as a dict, or None when the record is not a JSON object."""
    try:
        event = json.loads(raw)
    except ValueError:
        log.warning("skipping undecodable record (%d bytes)", len(raw))
        return None
    return event if isinstance(event, dict) else None


async def $lookup(conn: asyncpg.Connection, $kp: str) -> int | None:
    """Id of the $noun with this $fdesc, or None when there is none."""
$lookupbody


async def apply_event(conn: asyncpg.Connection, event: dict[str, Any]) -> bool:
    """Record one $event event; False when it names an unknown $noun."""
    $x = str(event.get("$field", "")).strip()  #@S
    if not $x:
        return False
    ref = await $lookup(conn, $x)
    if ref is None:
        log.info("unknown $noun %r, event dropped", $x)
        return False
    await conn.execute(
        "INSERT INTO $ltable ($fk, $qty, note, recorded_at) VALUES ($1, $2, $3, now())",
        ref, int(event.get("$qty", 0)), str(event.get("note", ""))[:200],
    )
    return True


$consume


$extras


async def main() -> None:
    pool = await asyncpg.create_pool(DSN, min_size=1, max_size=$maxconn)
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=BROKERS,
        group_id="$w-writer",
        enable_auto_commit=False,
        auto_offset_reset="$reset",
    )
    await consumer.start()
    log.info("consuming %s from %s", TOPIC, BROKERS)
    try:
        await consume(pool, consumer)
    finally:
        await consumer.stop()
        await pool.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
'''

_KAFKA_ITER = r'''
async def consume(pool: asyncpg.Pool, consumer: AIOKafkaConsumer) -> None:
    """One record at a time; the offset is committed once the record is written."""
    async for record in consumer:
        event = decode(record.value)
        if event is None:
            continue
        async with pool.acquire() as conn:
            applied = await apply_event(conn, event)
        log.debug("offset %d of %s: %s", record.offset, record.partition, "applied" if applied else "skipped")
        await consumer.commit()
'''

_KAFKA_BATCH = r'''
async def consume(pool: asyncpg.Pool, consumer: AIOKafkaConsumer) -> None:
    """Batches from getmany(), one transaction per batch, committed after the transaction."""
    while True:
        batches = await consumer.getmany(timeout_ms=1000, max_records=BATCH_MAX)
        if not batches:
            continue
        async with pool.acquire() as conn:
            async with conn.transaction():
                for tp, records in batches.items():
                    applied = 0
                    for record in records:
                        event = decode(record.value)
                        if event is not None and await apply_event(conn, event):
                            applied += 1
                    log.debug("%s: %d of %d applied", tp, applied, len(records))
        await consumer.commit()
'''

_KAFKA_EXTRAS = [
    r'''
async def totals(pool: asyncpg.Pool, ref: int, days: int = 30) -> int:
    """Sum of $qty for one $noun over the last ``days`` days."""
    async with pool.acquire() as conn:
        value = await conn.fetchval(
            "SELECT coalesce(sum($qty), 0) FROM $ltable WHERE $fk = $1 AND recorded_at > now() - make_interval(days => $2)",
            ref, days,
        )
    return int(value)
''',
    r'''
async def ensure_schema(pool: asyncpg.Pool) -> None:
    """Create the ledger table on first start."""
    async with pool.acquire() as conn:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS $ltable (id bigserial PRIMARY KEY, $fk bigint NOT NULL REFERENCES $table(id), "
            "$qty bigint NOT NULL, note text NOT NULL DEFAULT '', recorded_at timestamptz NOT NULL)"
        )
''',
    r'''
def describe(record: Any) -> str:
    """Short text for log lines: topic, partition and offset of a record."""
    return f"{record.topic}[{record.partition}]@{record.offset}"
''',
]


def _kafka_lookup(c, a, kp, safe):
    t, f = a["table"], a["field"]
    shape = c.pick("fstring", "percent", "format", "concat")
    if shape == "fstring":
        if safe:
            return f'    return await conn.fetchval("SELECT id FROM {t} WHERE {f} = $1", {kp})'
        return f"    return await conn.fetchval(f\"SELECT id FROM {t} WHERE {f} = '{{{kp}}}'\")  #@V"
    if shape == "percent":
        if safe:
            return (f'    sql = "SELECT id FROM {t} WHERE {f} = $1 AND retired_at IS NULL"\n'
                    f"    return await conn.fetchval(sql, {kp})")
        return (f"    sql = \"SELECT id FROM {t} WHERE {f} = '%s' AND retired_at IS NULL\" % {kp}  #@V\n"
                f"    return await conn.fetchval(sql)  #@V")
    if shape == "format":
        call = (f'await conn.fetchrow("SELECT id, active FROM {t} WHERE {f} = $1", {kp})' if safe else
                f"await conn.fetchrow(\"SELECT id, active FROM {t} WHERE {f} = '{{}}'\".format({kp}))  #@V")
        return (f"    row = {call}\n"
                f"    if row is None or not row[\"active\"]:\n"
                f"        return None\n"
                f"    return row[\"id\"]")
    if safe:
        return (f'    rows = await conn.fetch("SELECT id FROM {t} WHERE upper({f}) = $1 LIMIT 2", {kp}.upper())\n'
                f"    return rows[0][\"id\"] if len(rows) == 1 else None")
    return (f"    rows = await conn.fetch(\"SELECT id FROM {t} WHERE upper({f}) = '\" + {kp}.upper() + \"' LIMIT 2\")  #@V\n"
            f"    return rows[0][\"id\"] if len(rows) == 1 else None")


def _kafka(c, safe, hn=False):
    a = c.pick(*_KAFKA_APPS)
    kp = c.pick(a["field"], "key", "code")
    x = c.pick(a["field"], "wanted", "ref_key")
    if x == kp:
        x = "raw_" + x
    batch = c.pick("iter", "batch")
    extras = [sub(e, **{k: a[k] for k in ("qty", "noun", "ltable", "fk", "table")}) for e in _KAFKA_EXTRAS]
    ex = _opt(c, *extras, least=0, most=2)
    out = sub(_KAFKA, lookupbody=_kafka_lookup(c, a, kp, safe), consume=(_KAFKA_ITER if batch == "iter" else _KAFKA_BATCH),
              extras=ex, lookup=c.pick(f"find_{a['noun']}", f"{a['noun']}_id_for", f"resolve_{a['noun']}"),
              kp=kp, x=x, commitdoc=("Offsets are committed after each record is written, so a crash replays at most one record."
                                     if batch == "iter" else
                                     "Offsets are committed after each batch transaction, so a crash replays at most one batch."),
              ENV=c.pick("KAFKA_TOPIC", a["w"].upper() + "_TOPIC"), batch=c.pick(200, 500, 1000),
              maxconn=c.pick(4, 5, 8, 10), reset=c.pick("earliest", "latest"),
              fdesc=a["field"].replace("_", " "), **{k: a[k] for k in ("title", "event", "producer", "topic", "noun", "field",
                                                                         "table", "ltable", "fk", "qty", "w")})
    # tidy the blank block when no extras were drawn
    out = out.replace("\n\n\n\n\n\n", "\n\n\n")
    if hn:
        out = _insert_before_main(out, sub(r'''
            RETENTION_TABLES = {"moves": "$ltable", "$noun": "$table"}


            async def purge_older_than(pool: asyncpg.Pool, which: str, days: int) -> str:
                """Delete old rows; the table name comes from a fixed mapping, the age is a bound parameter."""
                table = RETENTION_TABLES.get(which, "$ltable")
                async with pool.acquire() as conn:
                    return await conn.execute(
                        f"DELETE FROM {table} WHERE recorded_at < now() - make_interval(days => $1)", int(days)
                    )
        ''', ltable=a["ltable"], table=a["table"], noun=a["noun"]))
    return out


@fam("mod9-aiokafka-asyncpg-lookup-key-sqli", "CWE-89", fws=["kafka"], n=8, wrap=False)
def mod9_aiokafka_asyncpg_lookup_key_sqli(c):
    v, s = _replayed(c, _kafka)
    return Spec(v=v, s=s, full=True, fw="kafka",
                notes="fw=aiokafka+asyncpg. The consumer reads the key of each Kafka event and passes it to a lookup "
                      "coroutine that pastes it inside quotes into a SELECT sent with fetchval/fetchrow/fetch; a quote "
                      "in the record rewrites the statement (UNION SELECT, stacked conditions), while the INSERT "
                      "next to it binds $1..$3. The fix passes the key as an asyncpg $1 argument")


@hardneg(2)
def mod9_aiokafka_asyncpg_lookup_key_sqli_hn(c):
    return Spec(s=_kafka(c, True, hn=True), full=True, fw="kafka",
                notes="every value is an asyncpg $n argument; the only formatted name is a table from a fixed mapping")


# ---------------- CWE-78: aio-pika worker hands a job's metadata text to create_subprocess_shell ----------------

_PIKA_TOOLS = {
    "ffmpeg": dict(title="Video remux", what="upload", inext="mov", outext="mp4", field="title", tool="ffmpeg",
                   fstr='f\'ffmpeg -y -loglevel error -i {src} -metadata title="{$f}" -c copy {dst}\'',
                   qstr='f\'ffmpeg -y -loglevel error -i {shlex.quote(str(src))} -metadata title="{$f}" -c copy {shlex.quote(str(dst))}\'',
                   qfix='f"ffmpeg -y -loglevel error -i {shlex.quote(str(src))} -metadata {shlex.quote(\'title=\' + $f)} -c copy {shlex.quote(str(dst))}"',
                   argv='["ffmpeg", "-y", "-loglevel", "error", "-i", str(src), "-metadata", f"title={$f}", "-c", "copy", str(dst)]'),
    "exiftool": dict(title="Photo credit", what="photo", inext="jpg", outext="jpg", field="credit", tool="exiftool",
                     fstr='f\'exiftool -q -o {dst} -Artist="{$f}" -Copyright="{$f}" {src}\'',
                     qstr='f\'exiftool -q -o {shlex.quote(str(dst))} -Artist="{$f}" {shlex.quote(str(src))}\'',
                     qfix='f"exiftool -q -o {shlex.quote(str(dst))} {shlex.quote(\'-Artist=\' + $f)} {shlex.quote(str(src))}"',
                     argv='["exiftool", "-q", "-o", str(dst), f"-Artist={$f}", f"-Copyright={$f}", str(src)]'),
    "pandoc": dict(title="Handbook build", what="document", inext="md", outext="docx", field="doc_title", tool="pandoc",
                   fstr='f\'pandoc {src} -o {dst} --metadata=title:"{$f}"\'',
                   qstr='f\'pandoc {shlex.quote(str(src))} -o {shlex.quote(str(dst))} --metadata=title:"{$f}"\'',
                   qfix='f"pandoc {shlex.quote(str(src))} -o {shlex.quote(str(dst))} {shlex.quote(\'--metadata=title:\' + $f)}"',
                   argv='["pandoc", str(src), "-o", str(dst), f"--metadata=title:{$f}"]'),
}

_PIKA = r'''
"""$title worker (aio-pika + asyncio subprocesses): runs $tool on $what jobs from RabbitMQ.

A job message is JSON, {"job_id": 17, "$field": "..."}; the upload service has already put the
input file into the job's spool directory. When the message names a reply queue, the worker
answers with the job status."""
from __future__ import annotations

import asyncio
import json
import logging
import os
$shleximp
from pathlib import Path

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

log = logging.getLogger("$w.worker")

AMQP_URL = os.environ["AMQP_URL"]
QUEUE = "$w.$tool-jobs"
SPOOL = Path(os.environ.get("SPOOL_DIR", "/srv/$w/spool"))
TIMEOUT = $timeout
PREFETCH = $prefetch
MAX_TEXT = $maxlen


def job_paths(job_id: int) -> tuple[Path, Path]:
    """Input and output file of a job; ids are integers, so the paths stay in the spool."""
    base = SPOOL / str(int(job_id))
    return base / "input.$inext", base / "output.$outext"


def build_command(src: Path, dst: Path, $f: str) -> $rtype:
    """The $tool $rdesc for one job."""
    return $cmdexpr


async def run_tool(src: Path, dst: Path, $f: str) -> tuple[int, str]:
    """Run $tool under a timeout; (exit status, tail of stderr)."""
    cmd = build_command(src, dst, $f)
    log.debug("running %s", cmd)
    $spawn
    try:
        _, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return -1, "timed out"
    return proc.returncode, err.decode("utf-8", "replace")[-400:]


async def process(job: dict) -> dict:
    """Run one job and describe the outcome."""
    job_id = int(job["job_id"])
    src, dst = job_paths(job_id)
    if not src.is_file():
        return {"job_id": job_id, "status": "missing-input"}
    $x = str(job.get("$field") or src.stem)[:MAX_TEXT]
    code, err = await run_tool(src, dst, $x)
    if code != 0:
        log.warning("job %s failed (%s): %s", job_id, code, err)
        return {"job_id": job_id, "status": "failed"}
    log.info("job %s done: %s", job_id, dst)
    return {"job_id": job_id, "status": "done", "output": dst.name}


$pikaextra


$consumer
'''

_PIKA_ITER = r'''
async def main() -> None:
    connection = await aio_pika.connect_robust(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.declare_queue(QUEUE, durable=True)
        async with queue.iterator() as messages:
            async for message in messages:
                async with message.process(requeue=False):
                    job = json.loads(message.body)  #@S
                    result = await process(job)
                    if message.reply_to:
                        await channel.default_exchange.publish(
                            aio_pika.Message(body=json.dumps(result).encode(), correlation_id=message.correlation_id),
                            routing_key=message.reply_to,
                        )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
'''

_PIKA_CLASS = r'''
class $Worker:
    """Consumes the job queue; one instance per channel."""

    def __init__(self, channel: aio_pika.abc.AbstractChannel) -> None:
        self.channel = channel
        self.handled = 0

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process(requeue=False):
            job = json.loads(message.body)  #@S
            result = await process(job)
            self.handled += 1
            if message.reply_to:
                await self.channel.default_exchange.publish(
                    aio_pika.Message(body=json.dumps(result).encode(), correlation_id=message.correlation_id),
                    routing_key=message.reply_to,
                )


async def main() -> None:
    connection = await aio_pika.connect_robust(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.declare_queue(QUEUE, durable=True)
        await queue.consume($Worker(channel).on_message)
        log.info("waiting for jobs on %s", QUEUE)
        await asyncio.Future()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
'''

_PIKA_EXTRAS = [
    r'''
def purge_job(job_id: int) -> None:
    """Remove a finished job's spool directory (the id is an integer, so it stays under SPOOL)."""
    shutil.rmtree(SPOOL / str(int(job_id)), ignore_errors=True)
''',
    r'''
def describe(job: dict) -> str:
    """A short description of a job for log lines."""
    return f"job {job.get('job_id')!r} ({len(json.dumps(job))} bytes)"
''',
    r'''
async def free_space_ok(min_free: int = 2 * 1024**3) -> bool:
    """Whether the spool volume has room for another output file."""
    usage = await asyncio.to_thread(shutil.disk_usage, SPOOL)
    return usage.free >= min_free
''',
]

_PIPE = "stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE"


def _pika(c, safe, hn=False):
    t = _PIKA_TOOLS[c.pick("ffmpeg", "exiftool", "pandoc")]
    f = c.pick(t["field"], "text", "label")
    shape = c.pick("fstr", "join", "quote")
    x = c.pick("meta", t["field"] + "_text", "wanted_" + t["field"])
    if shape == "fstr":
        if safe:
            rtype, rdesc, expr = "list[str]", "argument vector", t["argv"]
            spawn = f"proc = await asyncio.create_subprocess_exec(*cmd, {_PIPE})"
        else:
            rtype, rdesc, expr = "str", "command line", t["fstr"] + "  #@V"
            spawn = f"proc = await asyncio.create_subprocess_shell(cmd, {_PIPE})  #@V"
        shleximp = ""
    elif shape == "join":
        rtype, rdesc, expr = "list[str]", "argument vector", t["argv"]
        spawn = (f"proc = await asyncio.create_subprocess_exec(*cmd, {_PIPE})" if safe else
                 f'proc = await asyncio.create_subprocess_shell(" ".join(cmd), {_PIPE})  #@V')
        shleximp = ""
    else:
        rtype, rdesc = "str", "command line (paths quoted for the shell)"
        expr = t["qfix"] if safe else t["qstr"] + "  #@V"
        spawn = f"proc = await asyncio.create_subprocess_shell(cmd, {_PIPE})" + ("" if safe else "  #@V")
        shleximp = "import shlex"
    if hn and shape != "quote":
        spawn = f"proc = await asyncio.create_subprocess_exec(*cmd, {_PIPE})"
        rtype, rdesc, expr = "list[str]", "argument vector", t["argv"]
    expr = expr.replace("$f", f)
    W = c.pick("JobWorker", "Consumer", t["tool"].capitalize() + "Worker")
    cons = (_PIKA_ITER if c.pick(0, 1) else _PIKA_CLASS).replace("$Worker", W)
    pikaextra = _opt(c, *_PIKA_EXTRAS, least=0, most=2)
    out = sub(_PIKA, pikaextra=pikaextra, shleximp=shleximp, rtype=rtype, rdesc=rdesc, cmdexpr=expr, spawn=spawn, consumer=cons, x=x, f=f,
              timeout=c.pick(120, 300, 600), prefetch=c.pick(1, 2, 4), maxlen=c.pick(120, 200, 256),
              w=c.pick("media", "studio", "assets", "docs", c.word), **{k: t[k] for k in ("title", "tool", "what", "field",
                                                                                           "inext", "outext")})
    out = out.replace("import os\n\nfrom pathlib", "import os\nfrom pathlib").replace("\n\n\n\n\n\n", "\n\n\n")
    if "shutil." in out:
        out = out.replace("import os\n", "import os\nimport shutil\n", 1)
    if hn:
        out = _insert_before_main(out, r'''
            async def probe_version() -> str:
                """The tool's version line, for the worker's start-up log; a fixed argument vector."""
                proc = await asyncio.create_subprocess_exec("__TOOL__", "__VER__", stdout=asyncio.subprocess.PIPE,
                                                            stderr=asyncio.subprocess.DEVNULL)
                out, _ = await proc.communicate()
                return out.decode("utf-8", "replace").splitlines()[0] if out else "unknown"
        '''.replace("__TOOL__", t["tool"]).replace("__VER__", {"ffmpeg": "-version", "exiftool": "-ver",
                                                                "pandoc": "--version"}[t["tool"]]))
    return out


@fam("mod9-aiopika-worker-metadata-shell", "CWE-78", fws=["queue"], n=8, wrap=False)
def mod9_aiopika_worker_metadata_shell(c):
    v, s = _replayed(c, _pika)
    return Spec(v=v, s=s, full=True, fw="queue",
                notes="fw=aio-pika. The job message's free-text metadata (title / credit) goes through process() and "
                      "build_command() into a command string run by asyncio.create_subprocess_shell; double quotes do "
                      "not stop $(...) or a closing quote, so a crafted title runs commands on the worker. The fix runs "
                      "the argument vector with create_subprocess_exec (or shlex-quotes the metadata word like the paths)")


@hardneg(2)
def mod9_aiopika_worker_metadata_shell_hn(c):
    return Spec(s=_pika(c, True, hn=True), full=True, fw="queue",
                notes="metadata passed as one argv element of create_subprocess_exec, or shlex-quoted; fixed probe command")


# ---------------- CWE-22: Starlette websocket log viewer whose tail coroutine joins the requested name ----------------

_TAIL = r'''
"""Live $what viewer for the $app ops console (Starlette websockets).

Operators open $route, get the list of $what files and ask for the last lines of one of them.
The session middleware authenticates the operator; the endpoint refuses anyone else."""
from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from pathlib import Path

from starlette.applications import Starlette
$imports

log = logging.getLogger("$app.$w")

$DIR = Path(os.environ.get("$ENV", "/var/log/$app")).resolve()
MAX_LINES = $maxlines
SUFFIXES = ($suffixes)


def list_files() -> list[dict]:
    """Name, size and mtime of the $what files, newest first."""
    entries = [p for p in $DIR.iterdir() if p.is_file() and p.suffix in SUFFIXES]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [{"name": p.name, "size": p.stat().st_size, "mtime": int(p.stat().st_mtime)} for p in entries]


def _tail_sync(path: Path, count: int) -> list[str]:
    """The last ``count`` lines of a file, decoded leniently."""
    with open(path, "rb") as fh:
        return [line.decode("utf-8", "replace").rstrip("\n") for line in deque(fh, maxlen=count)]


async def $reader($n: str, count: int) -> list[str]:
    """Tail one $what file without blocking the event loop."""
$join
    return await asyncio.to_thread(_tail_sync, path, count)


$extra


$endpoint
'''

_TAIL_CLASS = r'''
class $Cls(WebSocketEndpoint):
    encoding = "json"

    async def on_connect(self, websocket: WebSocket) -> None:
        if not websocket.session.get("$role"):
            await websocket.close(code=1008)
            return
        await websocket.accept()
        await websocket.send_json({"files": await asyncio.to_thread(list_files)})

    async def on_receive(self, websocket: WebSocket, data: dict) -> None:
        op = data.get("op")
        if op == "list":
            await websocket.send_json({"files": await asyncio.to_thread(list_files)})
        elif op == "$tailop":
            $x = str(data.get("$key", ""))  #@S
            count = max(1, min(int(data.get("lines", 100)), MAX_LINES))
            try:
                lines = await $reader($x, count)
            except (FileNotFoundError, IsADirectoryError, PermissionError):
                await websocket.send_json({"error": "no such file", "$key": $x})
                return
            log.info("%s tailed %s (%d lines)", websocket.session.get("$role"), $x, len(lines))
            await websocket.send_json({"$key": $x, "lines": lines})
        else:
            await websocket.send_json({"error": "unknown op"})


app = Starlette(
    routes=[WebSocketRoute("$route", $Cls)],
    middleware=[Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], https_only=True)],
)
'''

_TAIL_FUNC = r'''
async def $fn(websocket: WebSocket) -> None:
    """The viewer socket: one JSON request per frame, one JSON answer."""
    if not websocket.session.get("$role"):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    try:
        while True:
            request = await websocket.receive_json()
            if request.get("op") != "$tailop":
                await websocket.send_json({"files": await asyncio.to_thread(list_files)})
                continue
            $x = request.get("$key") or ""  #@S
            count = max(1, min(int(request.get("lines", 100)), MAX_LINES))
            try:
                lines = await $reader($x, count)
            except OSError:
                await websocket.send_json({"error": "cannot read", "$key": $x})
                continue
            await websocket.send_json({"$key": $x, "lines": lines})
    except WebSocketDisconnect:
        log.debug("viewer disconnected")


app = Starlette(
    routes=[WebSocketRoute("$route", $fn)],
    middleware=[Middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"], https_only=True)],
)
'''

_TAIL_EXTRA = [
    r'''
def grep_lines(lines: list[str], needle: str) -> list[str]:
    """Only the lines containing ``needle`` (plain substring match, case-insensitive)."""
    low = needle.lower()
    return [line for line in lines if low in line.lower()]
''',
    r'''
def human_size(size: int) -> str:
    """Size in the largest unit that keeps the number under 1024."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"
''',
]


def _tail(c, safe, hn=False):
    what = c.pick("log", "job output", "audit trail")
    DIR = c.pick("LOG_DIR", "LOG_ROOT", "OUTPUT_DIR")
    n = c.pick("name", "filename", "file_name")
    x = c.pick("requested", "wanted", "name_in")
    key = c.pick("file", "name", "path")
    jshape = c.pick("pathlib", "ospath", "basename")
    if jshape == "pathlib":
        join = (f"    path = ({DIR} / {n}).resolve()\n"
                f"    if not path.is_relative_to({DIR}):\n"
                f"        raise PermissionError({n})") if safe else f"    path = {DIR} / {n}  #@V"
    elif jshape == "ospath":
        join = (f"    path = Path(os.path.realpath(os.path.join({DIR}, {n})))\n"
                f"    if os.path.commonpath([{DIR}, path]) != str({DIR}):\n"
                f"        raise PermissionError({n})") if safe else f"    path = Path(os.path.join({DIR}, {n}))  #@V"
    else:
        join = (f"    path = {DIR} / Path({n}).name" if safe else f"    path = {DIR} / {n}  #@V")
    if hn:
        join = (f"    path = ({DIR} / {n}).resolve()\n"
                f"    if path.parent != {DIR} or path.suffix not in SUFFIXES:\n"
                f"        raise PermissionError({n})")
    style = c.pick("class", "func")
    if style == "class":
        imports = ("from starlette.endpoints import WebSocketEndpoint\nfrom starlette.middleware import Middleware\n"
                   "from starlette.middleware.sessions import SessionMiddleware\nfrom starlette.routing import WebSocketRoute\n"
                   "from starlette.websockets import WebSocket")
        ep = _TAIL_CLASS
    else:
        imports = ("from starlette.middleware import Middleware\nfrom starlette.middleware.sessions import SessionMiddleware\n"
                   "from starlette.routing import WebSocketRoute\nfrom starlette.websockets import WebSocket, WebSocketDisconnect")
        ep = _TAIL_FUNC
    ep = sub(ep, Cls=c.pick("LogTail", "TailSocket", "ViewerEndpoint"), fn=c.pick("tail_socket", "viewer_ws", "logs_ws"))
    app = c.pick("billing", "gateway", "scheduler", "ingest", c.word)
    out = sub(_TAIL, imports=imports, endpoint=ep, join=join, extra=_opt(c, *_TAIL_EXTRA, least=0, most=2), DIR=DIR, n=n, x=x,
              key=key, what=what, app=app, w=c.pick("logviewer", "tail", "console"),
              ENV=DIR if DIR != "LOG_ROOT" else "LOG_DIR", maxlines=c.pick(500, 1000, 2000),
              suffixes=c.pick('".log", ".out", ".err"', '".log", ".txt"', '".log", ".jsonl"'),
              route=c.pick("/ws/logs", "/ops/tail", "/ws/console/logs"), role=c.pick("operator", "ops_user", "staff_id"),
              tailop=c.pick("tail", "read", "open"), reader=c.pick("read_tail", "tail_file", "last_lines"))
    return out.replace("\n\n\n\n\n\n", "\n\n\n")


@fam("mod9-starlette-ws-log-tail-traversal", "CWE-22", fws=["starlette"], n=8, wrap=False)
def mod9_starlette_ws_log_tail_traversal(c):
    v, s = _replayed(c, _tail)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="fw=starlette websockets. The file name of a websocket frame goes to the tail coroutine, which "
                      "joins it to the log directory and opens it in a worker thread: '../../etc/shadow' or an absolute "
                      "path (pathlib and os.path.join drop the base for it) reads any file the service can read. The "
                      "fix resolves the path and keeps it under the directory (or keeps only the base name)")


@hardneg(2)
def mod9_starlette_ws_log_tail_traversal_hn(c):
    return Spec(s=_tail(c, True, hn=True), full=True, fw="starlette",
                notes="the resolved path must sit directly in the log directory with an allowed suffix")


# ---------------- CWE-918: Sanic import endpoint checks only the scheme of a tenant URL before fetching it ----------------

_FEED_APPS = [
    dict(thing="calendar feed", Thing="CalendarFeed", key="feed_url", check='body.startswith(b"BEGIN:VCALENDAR")',
         hosts='"calendar.google.com", "outlook.office365.com", "p01-caldav.icloud.com"', path="/calendars/subscribe",
         err="not an iCalendar feed", w="calendar"),
    dict(thing="price list", Thing="PriceList", key="csv_url", check='body[:200].count(b",") >= 2',
         hosts='"feeds.partnerhub.io", "exports.shopify.com"', path="/catalogue/price-lists",
         err="not a CSV file", w="catalogue"),
    dict(thing="SAML metadata document", Thing="IdpMetadata", key="metadata_url",
         check='b"EntityDescriptor" in body[:4096]',
         hosts='"login.microsoftonline.com", "accounts.google.com", "sso.jumpcloud.com"', path="/sso/metadata",
         err="not SAML metadata", w="sso"),
]

_FEED = r'''
"""$Title import for the $App API (Sanic + $clientlib).

A tenant admin registers the URL of a $thing; the API fetches it once to validate it and stores
the subscription, and the refresher task re-reads it every few hours. The auth middleware puts
the caller's tenant on request.ctx.tenant before any route here runs."""
from __future__ import annotations

import logging
import os
import time
from urllib.parse import urlsplit

$clientimp
from sanic import Request, Sanic
from sanic.exceptions import BadRequest
from sanic.response import json

log = logging.getLogger("$app.$w")

app = Sanic("$App")
MAX_BYTES = $maxbytes
TIMEOUT_S = $timeout
$hostsconst

@app.before_server_start
async def open_client(app: Sanic, _loop) -> None:
$openclient


@app.after_server_stop
async def close_client(app: Sanic, _loop) -> None:
$closeclient


$checkfn


async def fetch_document($cp, url: str) -> bytes:
    """The document at ``url``; only https, no redirects, at most MAX_BYTES."""
$guard
$fetch


async def $register(app: Sanic, tenant: str, url: str) -> dict:
    """Validate the $thing once and remember it for the refresher."""
    body = await fetch_document(app.ctx.http, url)
    if not $check:
        raise BadRequest("$err")
    entry = {"url": url, "bytes": len(body), $digest"checked_at": int(time.time())}
    app.ctx.$store.setdefault(tenant, {})[url] = entry
    log.info("tenant %s registered %s (%d bytes)", tenant, urlsplit(url).hostname, len(body))
    return entry


@app.post("$path")
async def $handler(request: Request):
    """Register a $thing for the caller's tenant."""
    tenant = request.ctx.tenant
    payload = request.json or {}
    $x = str(payload.get("$key", "")).strip()  #@S
    if not $x:
        raise BadRequest("$key is required")
    entry = await $register(request.app, tenant, $x)
    return json(entry, status=201)


$extra
'''

_FEED_LIST = r'''
@app.get("$path")
async def list_$ws(request: Request):
    """The $things the caller's tenant has registered."""
    entries = request.app.ctx.$store.get(request.ctx.tenant, {})
    return json({"items": sorted(entries.values(), key=lambda e: e["checked_at"], reverse=True)})
'''

_FEED_DELETE = r'''
@app.delete("$path")
async def remove_$w(request: Request):
    """Forget one of the caller's $things; the URL is a key of the tenant's own map."""
    url = request.args.get("url", "")
    removed = request.app.ctx.$store.get(request.ctx.tenant, {}).pop(url, None)
    return json({"removed": removed is not None})
'''

_FEED_REFRESH = r'''
async def refresh_tenant(app: Sanic, tenant: str) -> int:
    """Re-read every $thing of a tenant for the refresher task; the number whose size changed."""
    changed = 0
    for url, entry in list(app.ctx.$store.get(tenant, {}).items()):
        body = await fetch_document(app.ctx.http, url)
        if len(body) != entry["bytes"]:
            entry.update(bytes=len(body), checked_at=int(time.time()))
            changed += 1
    return changed
'''


def _feed(c, safe, hn=False):
    a = c.pick(*_FEED_APPS)
    lib = c.pick("httpx", "aiohttp")
    store = c.pick("feeds", "subscriptions", "sources")
    if lib == "httpx":
        clientimp = "import httpx"
        openc = ('    app.ctx.http = httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False,\n'
                 '                                     headers={"User-Agent": "$App-importer/1.0"})\n'
                 f"    app.ctx.{store} = {{}}")
        closec = "    await app.ctx.http.aclose()"
        cp = "client: httpx.AsyncClient"
        get = "resp = await client.get(url)"
        fetch = (f"    {get}  #@V\n"
                 "    resp.raise_for_status()\n"
                 "    if len(resp.content) > MAX_BYTES:\n"
                 '        raise BadRequest("document too large")\n'
                 "    return resp.content")
        if c.pick("get", "stream") == "stream":
            fetch = ('    async with client.stream("GET", url) as resp:  #@V\n'
                     "        resp.raise_for_status()\n"
                     "        body = bytearray()\n"
                     "        async for chunk in resp.aiter_bytes():\n"
                     "            body += chunk\n"
                     "            if len(body) > MAX_BYTES:\n"
                     '                raise BadRequest("document too large")\n'
                     "    return bytes(body)")
    else:
        clientimp = "import aiohttp"
        openc = ('    app.ctx.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),\n'
                 '                                         headers={"User-Agent": "$App-importer/1.0"})\n'
                 f"    app.ctx.{store} = {{}}")
        closec = "    await app.ctx.http.close()"
        cp = "session: aiohttp.ClientSession"
        fetch = ("    async with session.get(url, allow_redirects=False) as resp:  #@V\n"
                 "        resp.raise_for_status()\n"
                 "        body = await resp.content.read(MAX_BYTES + 1)\n"
                 "    if len(body) > MAX_BYTES:\n"
                 '        raise BadRequest("document too large")\n'
                 "    return body")
        if c.pick("read", "chunked") == "chunked":
            fetch = ("    async with session.get(url, allow_redirects=False) as resp:  #@V\n"
                     "        resp.raise_for_status()\n"
                     "        if (resp.content_length or 0) > MAX_BYTES:\n"
                     '            raise BadRequest("document too large")\n'
                     "        body = bytearray()\n"
                     "        async for chunk in resp.content.iter_chunked(64 * 1024):\n"
                     "            body += chunk\n"
                     "            if len(body) > MAX_BYTES:\n"
                     '                raise BadRequest("document too large")\n'
                     "    return bytes(body)")
    hostsconst = c.pick(f"ALLOWED_HOSTS = frozenset({{{a['hosts']}}})",
                        f'ALLOWED_HOSTS = frozenset(os.environ.get("{a["w"].upper()}_HOSTS", "{a["hosts"].replace(chr(34), "").replace(", ", ",")}").split(","))')
    check = ('    parts = urlsplit(url)\n'
             '    if parts.scheme != "https" or not parts.hostname:\n'
             '        raise BadRequest("an https URL is required")')
    if safe or hn:
        check += ("\n    if parts.hostname not in ALLOWED_HOSTS:\n"
                  '        raise BadRequest("this host is not an accepted provider")')
    else:
        hostsconst = ""
    if c.pick("inline", "helper") == "inline":
        checkfn, guard = "", check
    else:
        checkfn = ("def checked_url(url: str) -> str:\n"
                   f'    """``url`` itself when {"it is https on an accepted provider" if safe or hn else "it is an https URL"}; BadRequest otherwise."""\n'
                   + check + "\n    return url")
        guard = "    url = checked_url(url)"
    extra = _opt(c, _FEED_LIST, _FEED_DELETE, _FEED_REFRESH, least=0, most=2)
    App = c.pick("Acme", "Northwind", "Tessera", "Brightdesk")
    digest = c.pick(True, False)
    out = sub(_FEED, digest='"sha256": hashlib.sha256(body).hexdigest(), ' if digest else "", clientimp=clientimp, openclient=openc, closeclient=closec, cp=cp, fetch=fetch, checkfn=checkfn, guard=guard,
              hostsconst=hostsconst, extra=extra, store=store, x=c.pick("url", "source_url", "raw_url"),
              register=c.pick("register_source", "subscribe", "add_" + a["w"] + "_source"),
              handler=c.pick("create_subscription", "register_" + a["w"], "add_source"), App=App, app=App.lower(),
              clientlib=lib, maxbytes=c.pick("2_000_000", "5 * 1024 * 1024", "1_048_576"), timeout=c.pick(5, 10, 15),
              ws=a["w"] + "_sources", things=a["thing"] + "s", Title=a["thing"][0].upper() + a["thing"][1:], **a)
    out = out.replace("\n\n\n\n\n\n", "\n\n\n").replace("TIMEOUT_S = " + "", "TIMEOUT_S = ")
    if digest:
        out = out.replace("import logging\n", "import hashlib\nimport logging\n", 1)
    out = out.replace("\n\n\n\n@app.before_server_start", "\n\n\n@app.before_server_start")
    if hostsconst:
        out = out.replace(hostsconst + "\n\n@app.before", hostsconst + "\n\n\n@app.before")
    if hn:
        out = _append(out, sub(r'''
            STATUS_URL = os.environ.get("STATUS_URL", "https://status.__H__/api/v2/status.json")


            async def provider_status(app: Sanic) -> str:
                """The provider's public status indicator; the URL is configuration, never request data."""
                __FETCH__
        ''', ))
        h = a["hosts"].split(",")[0].strip().strip(chr(34))
        f = ("resp = await app.ctx.http.get(STATUS_URL)\n    resp.raise_for_status()\n    return resp.json()[\"status\"][\"indicator\"]"
             if lib == "httpx" else
             "async with app.ctx.http.get(STATUS_URL, allow_redirects=False) as resp:\n        resp.raise_for_status()\n"
             "        return (await resp.json())[\"status\"][\"indicator\"]")
        out = out.replace("__H__", h).replace("__FETCH__", f)
    return out


@fam("mod9-sanic-import-url-scheme-only-ssrf", "CWE-918", fws=["sanic"], n=8, wrap=False)
def mod9_sanic_import_url_scheme_only_ssrf(c):
    v, s = _replayed(c, _feed)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="fw=sanic (+httpx or aiohttp client). The JSON body's URL travels through the register coroutine "
                      "to fetch_document, which checks only that it is https before requesting it from the server: "
                      "https://localhost:8443/admin, https://10.0.0.12/ or any internal https service is fetched with the "
                      "service's network position (and the response size / validation error tells what answered). The fix also requires the host to be one of the accepted providers")


@hardneg(2)
def mod9_sanic_import_url_scheme_only_ssrf_hn(c):
    return Spec(s=_feed(c, True, hn=True), full=True, fw="aiohttp",
                notes="the URL's host must be in the provider allow-list before the client requests it; redirects off")


# ---------------- CWE-400: aiohttp websocket chat, history frame sends an uncapped limit to a Motor cursor ----------------

_CHAT = r'''
"""$Title rooms for the $app $area (aiohttp websockets + Motor/MongoDB).

A client opens /ws/rooms/{room}, receives the latest messages and then live ones, posts with
"say" frames and pages back through older messages with "history" frames. The auth middleware
puts the signed-in user on request["user"]."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections import defaultdict

from aiohttp import WSMsgType, web
from motor.motor_asyncio import AsyncIOMotorClient

log = logging.getLogger("$app.rooms")

MONGO_URL = os.environ.get("MONGO_URL", "mongodb://localhost:27017")
DEFAULT_HISTORY = $default
$maxconst
MAX_TEXT = $maxtext


def _parse_ts(value: object) -> dt.datetime | None:
    """An ISO timestamp from a frame, or None when absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


async def $load(db, room: str, before: dt.datetime | None, limit: int) -> list[dict]:
    """Messages of a room, newest first, optionally older than ``before``."""
    query: dict = {"room": room}
    if before is not None:
        query["ts"] = {"$lt": before}
    cursor = db.$coll.find(query, {"_id": 0, "author": 1, "text": 1, "ts": 1}).sort("ts", -1).limit(limit)$curmark
$collect
    for doc in docs:
        doc["ts"] = doc["ts"].isoformat()
    return docs


async def $history_fn(db, ws: web.WebSocketResponse, room: str, frame: dict) -> None:
    """Answer a history frame with one page of older messages."""
$limitline
    before = _parse_ts(frame.get("before"))
    docs = await $load(db, room, before, limit)
    await ws.send_json({"type": "history", "items": docs, "more": len(docs) == limit})


async def $say_fn(app: web.Application, room: str, user: str, frame: dict) -> None:
    """Store a message and fan it out to everyone in the room."""
    text = str(frame.get("text", "")).strip()[:MAX_TEXT]
    if not text:
        return
    doc = {"room": room, "author": user, "text": text, "ts": dt.datetime.now(dt.timezone.utc)}
    await app["db"].$coll.insert_one(doc)
    out = {"type": "message", "author": user, "text": text, "ts": doc["ts"].isoformat()}
    for peer in list(app["rooms"][room]):
        if not peer.closed:
            await peer.send_json(out)


$typingfn


async def room_socket(request: web.Request) -> web.WebSocketResponse:
    user = request.get("user")
    if user is None:
        raise web.HTTPUnauthorized()
    room = request.match_info["room"]
    ws = web.WebSocketResponse(heartbeat=$heartbeat)
    await ws.prepare(request)
    db = request.app["db"]
    await ws.send_json({"type": "history", "items": await $load(db, room, None, DEFAULT_HISTORY)})
    request.app["rooms"][room].add(ws)
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)  #@S
            kind = frame.get("type")
            if kind == "history":
                await $history_fn(db, ws, room, frame)
            elif kind == "say":
                await $say_fn(request.app, room, user, frame)$typingdispatch
    finally:
        request.app["rooms"][room].discard(ws)
        log.debug("%s left %s", user, room)
    return ws


async def _mongo(app: web.Application):
    client = AsyncIOMotorClient(MONGO_URL)
    app["db"] = client["$dbname"]
    app["rooms"] = defaultdict(set)
    yield
    client.close()


def make_app() -> web.Application:
    app = web.Application()
    app.cleanup_ctx.append(_mongo)
    app.router.add_get("/ws/rooms/{room}", room_socket)$healthroute
    return app
'''


def _chat(c, safe, hn=False):
    shape = c.pick("get", "in", "params")
    if shape == "get":
        expr = "int(frame.get(\"limit\", DEFAULT_HISTORY))"
    elif shape == "in":
        expr = "int(frame[\"limit\"]) if \"limit\" in frame else DEFAULT_HISTORY"
    else:
        expr = "int((frame.get(\"page\") or {}).get(\"size\", DEFAULT_HISTORY))"
    cap = c.pick("minmax", "clamp")
    if safe or hn:
        if cap == "minmax":
            limitline = f"    limit = max(1, min({expr}, MAX_HISTORY))" if shape != "in" else \
                        f"    limit = max(1, min(({expr}), MAX_HISTORY))"
        else:
            limitline = (f"    limit = {expr}\n"
                         f"    if not 1 <= limit <= MAX_HISTORY:\n"
                         f"        limit = MAX_HISTORY")
        maxconst = f"MAX_HISTORY = {c.pick(100, 200, 500)}"
    else:
        limitline = f"    limit = {expr}  #@V"
        c.pick(100, 200, 500)
        maxconst = ""
    collect = c.pick("    docs = [doc async for doc in cursor]", "    docs = await cursor.to_list(length=limit)")
    typing = c.pick(True, False)
    health = c.pick(True, False)
    typingfn = ("async def relay_typing(app: web.Application, room: str, user: str, ws: web.WebSocketResponse) -> None:\n"
                '    """Tell the other people in the room that ``user`` is typing."""\n'
                "    for peer in list(app[\"rooms\"][room]):\n"
                "        if peer is not ws and not peer.closed:\n"
                '            await peer.send_json({"type": "typing", "author": user})\n\n\n') if typing else ""
    if health:
        typingfn += ("async def health(request: web.Request) -> web.Response:\n"
                     '    """Liveness probe: the number of open rooms."""\n'
                     '    return web.json_response({"rooms": len(request.app["rooms"])})\n\n\n')
    td = ("\n            elif kind == \"typing\":\n"
          "                await relay_typing(request.app, room, user, ws)") if typing else ""
    hr = "\n    app.router.add_get(\"/healthz\", health)" if health else ""
    out = sub(_CHAT, curmark="" if safe or hn else "  #@V", maxconst=maxconst, typingfn=typingfn, typingdispatch="@@TD@@", healthroute="@@HR@@", limitline=limitline, collect=collect,
              load=c.pick("load_history", "fetch_messages", "recent_messages"),
              history_fn=c.pick("send_history", "on_history", "handle_history"),
              say_fn=c.pick("broadcast", "on_say", "post_message"), coll=c.pick("messages", "chat_messages", "posts"),
              default=c.pick(30, 50), maxtext=c.pick(1000, 2000, 4000), heartbeat=c.pick(20, 30),
              Title=c.pick("Chat", "Support chat", "Team chat"), app=c.pick("helpdesk", "crew", "clinic", c.word),
              area=c.pick("support desk", "shift planner", "web app"), dbname=c.pick("chat", "rooms", "messaging"))
    if not maxconst:
        out = out.replace("DEFAULT_HISTORY = " + out.split("DEFAULT_HISTORY = ")[1].split("\n")[0] + "\n\n",
                          "DEFAULT_HISTORY = " + out.split("DEFAULT_HISTORY = ")[1].split("\n")[0] + "\n")
    return out.replace("\n\n\n\n\n\n", "\n\n\n").replace("@@TD@@", td).replace("@@HR@@", hr)


@fam("mod9-aiohttp-ws-history-motor-limit", "CWE-400", fws=["aiohttp"], n=8, wrap=False)
def mod9_aiohttp_ws_history_motor_limit(c):
    v, s = _replayed(c, _chat)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="fw=aiohttp websockets + Motor. A history frame's limit goes unchecked to the cursor's limit() and "
                      "the documents are collected into one list and one websocket message: limit=10**9 (or 0, which "
                      "MongoDB reads as no limit) pulls a whole room's history into memory per frame, and a client can "
                      "repeat it. The fix clamps the limit to 1..MAX_HISTORY")


@hardneg(2)
def mod9_aiohttp_ws_history_motor_limit_hn(c):
    return Spec(s=_chat(c, True, hn=True), full=True, fw="aiohttp",
                notes="the client's page size is clamped to MAX_HISTORY before it reaches the Motor cursor")


# ---------------- CWE-862: Sanic websocket Q&A room, one host-only operation skips the host check ----------------

_QA = r'''
"""Live Q&A for $app $event (Sanic websockets + aiosqlite).

Attendees post questions$upvotedoc; the hosts of a room $hostdoc.
Every frame is a JSON object {"op": ..., ...}; the auth middleware puts the signed-in user on request.ctx.user."""
from __future__ import annotations

import json
import logging
import os

import aiosqlite
from sanic import Request, Sanic

log = logging.getLogger("$app.qa")

app = Sanic("$App")
DB_PATH = os.environ.get("QA_DB", "$dbfile")
MAX_QUESTION = $maxq


class NotHost(Exception):
    """The operation is reserved to the room's hosts."""


@app.before_server_start
async def open_db(app: Sanic, _loop) -> None:
    app.ctx.db = await aiosqlite.connect(DB_PATH)
    app.ctx.db.row_factory = aiosqlite.Row


@app.after_server_stop
async def close_db(app: Sanic, _loop) -> None:
    await app.ctx.db.close()


async def require_host(db: aiosqlite.Connection, room_id: int, user_id: int) -> None:
    """Raise NotHost unless the user hosts the room."""
    async with db.execute("SELECT 1 FROM room_hosts WHERE room_id = ? AND user_id = ?", (room_id, user_id)) as cur:
        if await cur.fetchone() is None:
            raise NotHost()


async def op_ask(db: aiosqlite.Connection, room_id: int, user_id: int, frame: dict) -> dict:
    """Any attendee: post a question."""
    text = str(frame.get("text", "")).strip()[:MAX_QUESTION]
    cur = await db.execute("INSERT INTO questions (room_id, author_id, text) VALUES (?, ?, ?)", (room_id, user_id, text))
    await db.commit()
    return {"asked": cur.lastrowid}


$middle


OPS = {$opsmap}


@app.websocket("/rooms/<room_id:int>/live")
async def live_room(request: Request, ws, room_id: int) -> None:
    user = request.ctx.user
    if user is None:
        await ws.close(code=1008, reason="sign in first")
        return
    db = request.app.ctx.db
    while True:
        raw = await ws.recv()
        if raw is None:
            break
        frame = json.loads(raw)
        handler = OPS.get(frame.get("op"))
        if handler is None:
            await ws.send(json.dumps({"error": "unknown op"}))
            continue
        try:
            reply = await handler(db, room_id, user.id, frame)
        except NotHost:
            await ws.send(json.dumps({"error": "hosts only"}))
            continue
        log.info("room %s: %s by %s", room_id, frame.get("op"), user.id)
        await ws.send(json.dumps(reply))
'''

_QA_UPVOTE = r'''
async def op_upvote(db: aiosqlite.Connection, room_id: int, user_id: int, frame: dict) -> dict:
    """Any attendee: one vote per question and user."""
    qid = int(frame["question"])
    await db.execute("INSERT OR IGNORE INTO votes (question_id, user_id) VALUES (?, ?)", (qid, user_id))
    await db.commit()
    return {"voted": qid}
'''

# host-only operations: (op name, docstring, action lines); the action's first line is the protected action
_QA_HOST_OPS = {
    "pin": ("Hosts: pin a question to the top of the room.",
            ['await db.execute("UPDATE questions SET pinned = 1 WHERE id = ? AND room_id = ?", (int(frame["question"]), room_id))',
             "await db.commit()"], '{"pinned": int(frame["question"])}'),
    "answer": ("Hosts: mark a question as answered.",
               ['await db.execute("UPDATE questions SET answered = 1 WHERE id = ? AND room_id = ?", (int(frame["question"]), room_id))',
                "await db.commit()"], '{"answered": int(frame["question"])}'),
    "remove": ("Hosts: delete a question (spam, abuse).",
               ['await db.execute("DELETE FROM questions WHERE id = ? AND room_id = ?", (int(frame["question"]), room_id))',
                "await db.commit()"], '{"removed": int(frame["question"])}'),
    "close": ("Hosts: close the room to new questions.",
              ['await db.execute("UPDATE rooms SET closed = 1 WHERE id = ?", (room_id,))', "await db.commit()"],
              '{"closed": room_id}'),
    "clear": ("Hosts: delete every unanswered question of the room.",
              ['await db.execute("DELETE FROM questions WHERE room_id = ? AND answered = 0", (room_id,))',
               "await db.commit()"], '{"cleared": room_id}'),
}


def _qa_op(name, weak):
    doc, lines, ret = _QA_HOST_OPS[name]
    body = [f'    """{doc}"""']
    if not weak:
        body.append("    await require_host(db, room_id, user_id)")
    body.append("    " + lines[0] + ("  #@V" if weak else ""))
    body += ["    " + l for l in lines[1:]]
    body.append(f"    return {ret}")
    head = f"async def op_{name}(db: aiosqlite.Connection, room_id: int, user_id: int, frame: dict) -> dict:"
    if weak:
        head += "  #@V"
    return head + "\n" + "\n".join(body)


def _qa(c, safe, hn=False):
    names = list(_QA_HOST_OPS)
    c.rng.shuffle(names)
    k = c.pick(2, 3)
    ops = names[:k]
    weak = c.pick(*ops)
    hostops = "\n\n\n".join(_qa_op(n, (n == weak) and not safe and not hn) for n in ops)
    upvote = c.pick(True, False)
    opsmap = ", ".join([f'"ask": op_ask'] + ([f'"upvote": op_upvote'] if upvote else []) + [f'"{n}": op_{n}' for n in ops])
    hostdoc = ", ".join(n for n in ops[:-1]) + " and " + ops[-1] + " questions" if k > 1 else ops[0] + " questions"
    App = c.pick("Townhall", "Webinarly", "Stagecraft", "AllHands")
    middle = "\n\n\n".join(([dedent(_QA_UPVOTE).strip("\n")] if upvote else []) + [hostops])
    out = sub(_QA, middle=middle, opsmap=opsmap, upvotedoc=" and upvote them" if upvote else "",
              hostdoc="can " + hostdoc.replace(" questions", "") + " (host-only operations)",
              App=App, app=App.lower(), event=c.pick("webinars", "all-hands meetings", "conference talks"),
              dbfile=c.pick("qa.sqlite3", "live.db", "rooms.sqlite"), maxq=c.pick(300, 500, 1000))
    return out.replace("\n\n\n\n\n\n", "\n\n\n")


@fam("mod9-sanic-ws-qa-host-op-unchecked", "CWE-862", fws=["sanic"], n=8, wrap=False)
def mod9_sanic_ws_qa_host_op_unchecked(c):
    v, s = _replayed(c, _qa)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="fw=sanic websockets + aiosqlite. The room's host-only operations each start with require_host(), "
                      "except one: any signed-in attendee who sends that op in a frame pins, answers, deletes or closes "
                      "as if they hosted the room. The fix adds the require_host() call to that operation")


@hardneg(2)
def mod9_sanic_ws_qa_host_op_unchecked_hn(c):
    return Spec(s=_qa(c, True, hn=True), full=True, fw="aiohttp",
                notes="every host-only websocket operation checks the room's hosts table first")
