"""Train-only whole-module families for data-pipeline and ops tooling (libs4 pipeline set), on
libraries no other family uses: realistic modules of about 80-110 lines (tasks, flows, a CLI class,
a consumer, docstrings, type hints, logging, configuration, ordinary safe code) with exactly one
injection or unsafe-processing weakness each, and a twin that differs only by the minimal fix.

Covers: a Prefect flow whose dbt selection (a run parameter) goes into a prefect-shell
``ShellOperation`` command (78); Dagster dynamic partitions named after partner files, one of whose
keys is spliced into a psycopg2 statement (89); a Fire support CLI run through sudo that passes a pod
name to ``kubectl`` without the name check its sibling commands use, so ``--server=...`` or
``--kubeconfig=...`` is taken as an option (77); Huey export tasks that build a ``pandas.read_xml``
XPath from a customer's cost-centre filter (643); APScheduler jobs running saved directory reports
whose stored filter value (office, company, ...) goes into an ldap3 search filter unescaped (90); a docopt ETL step that unpickles
staged polars frames read with smart_open from a shared bucket (502); a Kombu audit-log shipper that
writes one request-derived field into a plain-text audit log without the escaping of control
characters and quotes its other fields get (117); and Luigi manifest validation with a nested-quantifier regex over partner manifest lines
(1333). The optional functions of each module are drawn per rendering (``_pick_extras``), so the
eight renderings differ in their set of functions, not only in names; each family also has
look-alike safe modules (``@hardneg``).
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _twin, _w
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """Dedent ``_tmpl`` and replace ``$name`` tokens, longest names first; a line holding only a token
    that is replaced by nothing is dropped."""
    keys = sorted(kw, key=len, reverse=True)
    out = []
    for line in dedent(_tmpl).split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw and not str(kw[st[1:]]).strip():
            continue
        for k in keys:
            line = line.replace("$" + k, str(kw[k]))
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _pick_extras(c, extras, least=1, most=None):
    """A random subset of the optional parts ``extras`` (name -> (top-level block, call lines)), in a
    random order: (the blocks joined by two blank lines, the call lines joined, the names picked)."""
    keys = list(extras)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(least, most or len(keys))]
    blocks = "\n\n\n".join(dedent(extras[k][0]).strip("\n") for k in keys)
    calls = "\n".join(extras[k][1] for k in keys if extras[k][1])
    return blocks, calls, keys


# ---------------- CWE-78: Prefect flow, dbt selection into a prefect-shell ShellOperation ----------------

_PREFECT = r'''
"""Prefect flow that rebuilds the $w warehouse models with dbt; analysts start it from the Prefect UI."""
from __future__ import annotations

import json
$stdimports
from pathlib import Path

from prefect import flow, get_run_logger, task
$slackimport
from prefect.blocks.system import Secret
from prefect_shell import ShellOperation

PROJECT_DIR = Path("$projdir")
PROFILES_DIR = PROJECT_DIR / "profiles"
TARGETS = frozenset({"dev", "staging", "prod"})
DEFAULT_SELECT = "$defsel"
$artifactsdir


def _env() -> dict[str, str]:
    """Warehouse credentials for dbt from a Prefect secret block (never on the command line)."""
    return {
        "DBT_USER": "$dbuser",
        "DBT_PASSWORD": Secret.load("$w-warehouse-password").get(),
        "DBT_PROFILES_DIR": str(PROFILES_DIR),
    }


@task(retries=$retries, retry_delay_seconds=$delay)
def build_models(selector: str, target: str, full_refresh: bool = False) -> Path:
    """Build (run and test) the selected models; returns the path of run_results.json."""
    logger = get_run_logger()
    flags = " --full-refresh" if full_refresh else ""
$build
    logger.info("dbt finished on %s", target)
    return PROJECT_DIR / "target" / "run_results.json"


@task
def summarize(results_path: Path) -> dict[str, int]:
    """Count the dbt node results by status (success, error, skipped, warn)."""
    counts: dict[str, int] = {}
    for node in json.loads(results_path.read_text())["results"]:
        counts[node["status"]] = counts.get(node["status"], 0) + 1
    return counts


$extra


@flow(name="$w-warehouse-refresh", log_prints=False)
def refresh_warehouse($param: str = DEFAULT_SELECT, target: str = "staging", full_refresh: bool = False) -> dict[str, int]:
    """Deployment entry point; ``$param`` is the dbt selection typed into the run form."""
    logger = get_run_logger()
    if target not in TARGETS:
        raise ValueError(f"unknown dbt target {target!r}")
    selector = $param.strip() or DEFAULT_SELECT  #@S
$pre
    results = build_models(selector, target, full_refresh)
    counts = summarize(results)
$post
    logger.info("warehouse refresh on %s: %s", target, counts)
    return counts


if __name__ == "__main__":
    refresh_warehouse.serve(name="$w-warehouse-refresh", parameters={"target": "$deftarget"})
'''

_PREFECT_BUILD_ONE = r'''
    $cmd = f"dbt build --select {selector} --target {target}{flags}"  #@V
    ShellOperation(commands=[$cmd], working_dir=str(PROJECT_DIR), env=_env()).run()  #@V
'''

_PREFECT_BUILD_TWO = r'''
    with ShellOperation(  #@V
        commands=[
            f"dbt run --select {selector} --target {target}{flags}",  #@V
            f"dbt test --select {selector} --target {target}",  #@V
        ],
        working_dir=str(PROJECT_DIR),
        env=_env(),
    ) as operation:
        process = operation.trigger()
        process.wait_for_completion()
'''

_PREFECT_EXTRAS = {
    "deps": (r'''
@task(retries=2, retry_delay_seconds=30)
def install_packages() -> None:
    """dbt deps: fetch the packages pinned in packages.yml."""
    ShellOperation(commands=["dbt deps"], working_dir=str(PROJECT_DIR), env=_env()).run()
''', "    install_packages()"),
    "fresh": (r'''
@task
def check_freshness(target: str) -> None:
    """Fail early when the raw sources are older than their freshness thresholds.

    ``target`` is one of TARGETS (checked by the flow before any task runs)."""
    ShellOperation(commands=[f"dbt source freshness --target {target}"],
                   working_dir=str(PROJECT_DIR), env=_env()).run()
''', "    check_freshness(target)"),
    "docs": (r'''
@task
def publish_docs(target: str) -> None:
    """Regenerate the dbt docs site and sync it to the internal docs bucket."""
    ShellOperation(
        commands=[
            f"dbt docs generate --target {target}",
            "aws s3 sync target/ s3://$docsbucket/$w/ --delete --exclude '*.log'",
        ],
        working_dir=str(PROJECT_DIR),
        env=_env(),
    ).run()
''', "    publish_docs(target)"),
    "archive": (r'''
@task
def archive_artifacts(target: str) -> Path:
    """Keep run_results.json and manifest.json of this run under ARTIFACTS_DIR/<target>/<timestamp>/."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    dest = ARTIFACTS_DIR / target / stamp
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("run_results.json", "manifest.json"):
        src = PROJECT_DIR / "target" / name
        if src.exists():
            shutil.copy2(src, dest / name)
    return dest
''', "    archive_artifacts(target)"),
    "failed": (r'''
def failed_nodes(results_path: Path) -> list[str]:
    """unique_ids of the nodes that errored or failed, for the failure message."""
    results = json.loads(results_path.read_text())["results"]
    return sorted(r["unique_id"] for r in results if r["status"] in ("error", "fail"))
''', "    if counts.get(\"error\") or counts.get(\"fail\"):\n        raise RuntimeError(f\"dbt failures on {target}: {failed_nodes(results)}\")"),
    "slack": (r'''
@task
def notify(target: str, counts: dict[str, int]) -> None:
    """Post the result counts to the data team's channel."""
    failed = counts.get("error", 0) + counts.get("fail", 0)
    status = "failed" if failed else "succeeded"
    SlackWebhook.load("$w-data-alerts").notify(f"$w refresh on {target} {status}: {counts}")
''', "    notify(target, counts)"),
}


def _prefect(c):
    w, Wc = _w(c)
    cmd = c.pick("command", "cmdline", "script", "dbt_cmd")
    shape = c.pick("one", "two")
    blocks, _, keys = _pick_extras(c, _PREFECT_EXTRAS, least=2, most=4)
    pre = "\n".join(_PREFECT_EXTRAS[k][1] for k in ("deps", "fresh") if k in keys)
    post = "\n".join(_PREFECT_EXTRAS[k][1] for k in ("archive", "docs", "slack", "failed") if k in keys)
    arch = "archive" in keys
    build = dedent(_PREFECT_BUILD_ONE if shape == "one" else _PREFECT_BUILD_TWO)
    build = "\n".join("    " + l if l.strip() else "" for l in build.strip("\n").split("\n"))
    t = _PREFECT.replace("$build", build).replace("$extra", blocks)
    v = sub(t, w=w, cmd=cmd, pre=pre, post=post,
            stdimports="import shutil\nfrom datetime import datetime, timezone" if arch else "",
            artifactsdir='ARTIFACTS_DIR = Path("$artroot")' if arch else "",
            artroot=c.pick(f"/srv/{w}/dbt-artifacts", "/var/lib/dbt/artifacts", f"/data/{w}/runs"), param=c.pick("models", "select", "selection"),
            slackimport="from prefect.blocks.notifications import SlackWebhook" if "slack" in keys else "",
            projdir=c.pick(f"/opt/{w}/warehouse", f"/srv/dbt/{w}", "/opt/dbt/project"),
            defsel=c.pick("tag:nightly", "state:modified+", f"+{w}s", "path:models/marts"),
            dbuser=c.pick("dbt_runner", f"{w}_transform", "prefect_dbt"),
            retries=c.pick(0, 1, 2), delay=c.pick(30, 60, 120),
            docsbucket=c.pick("internal-docs", "data-docs.corp", "analytics-docs"),
            deftarget=c.pick("staging", "dev"))
    return v


def _prefect_fix(v):
    if "import shutil\n" in v:
        out = v.replace("import shutil\n", "import shlex\nimport shutil\n", 1)
    else:
        out = v.replace("from pathlib import Path\n", "import shlex\nfrom pathlib import Path\n", 1)
    pairs = []
    for line in v.split("\n"):
        if line.endswith("#@V") and "{selector}" in line:
            pairs.append((line, line.replace("{selector}", "{shlex.quote(selector)}")))
    return _twin(out, *pairs)


@fam("mod4-prefect-shelloperation-param", "CWE-78", fws=["pipeline"], n=8, wrap=False)
def mod4_prefect_shelloperation_param(c):
    v = _prefect(c)
    s = _prefect_fix(v)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="fw=prefect; the flow's dbt selection is a run parameter anyone who can start the deployment "
                      "types into the Prefect UI or API, and it is spliced into a prefect-shell ShellOperation "
                      "command, which runs its commands through bash: 'tag:x; curl ... | sh' runs on the worker "
                      "with the warehouse credentials in its environment; quote it with shlex.quote")


@hardneg(3)
def mod4_prefect_shelloperation_param_hn(c):
    v = _prefect(c)
    param = next(p for p in ("models", "selection", "select") if f"def refresh_warehouse({p}:" in v)
    # the selection is checked against dbt's selector syntax, then passed as one quoted word
    s = v.replace("import json\n", "import json\nimport re\n", 1)
    s = s.replace("DEFAULT_SELECT = ", 'SELECTOR_RE = re.compile(r"^[\\w:.+*@/,-]+( [\\w:.+*@/,-]+)*$")\nDEFAULT_SELECT = ', 1)
    s = s.replace("    selector = ", f"    if not SELECTOR_RE.fullmatch({param}.strip() or DEFAULT_SELECT):\n"
                                     "        raise ValueError(\"not a dbt selection\")\n    selector = ", 1)
    s = _prefect_fix(s)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=prefect; ShellOperation commands hold only constants, allow-listed targets and the dbt "
                      "selection after a syntax check and shlex.quote")


# ---------------- CWE-89: Dagster dynamic partitions named by partner files, key spliced into SQL ----------------

_DAGSTER = r'''
"""Dagster assets for the $w partner drops: every CSV a partner uploads through the SFTP gateway
becomes a dynamic partition (named after the file) that is loaded into the warehouse."""
from __future__ import annotations

import csv
import io
$stdimports

import psycopg2
from dagster import (
$dagimports
)
from dagster_aws.s3 import S3Resource
from psycopg2.extras import execute_values

DROP_BUCKET = "$bucket"
DROP_PREFIX = "$prefix/"
TABLE = "staging.$w_rows"
COLUMNS = ("external_id", "amount", "currency", "booked_on")

$w_batches = DynamicPartitionsDefinition(name="$w_batches")


class Warehouse(ConfigurableResource):
    """psycopg2 connections to the warehouse (the loader role may only write the staging schema)."""

    dsn: str

    def connect(self):
        return psycopg2.connect(self.dsn, application_name="dagster-$w")


$rowhelper


@asset(partitions_def=$w_batches, compute_kind="postgres")
def $w_rows(context: AssetExecutionContext, s3: S3Resource, warehouse: Warehouse) -> MaterializeResult:
    """Load one partner drop into TABLE, replacing an earlier load of the same batch."""
    $batch = context.partition_key  #@S
    obj = s3.get_client().get_object(Bucket=DROP_BUCKET, Key=f"{DROP_PREFIX}{$batch}.csv")
    reader = csv.DictReader(io.StringIO(obj["Body"].read().decode("utf-8-sig")))
    $rowsline
    with warehouse.connect() as conn, conn.cursor() as cur:
$body
    context.log.info("loaded %d rows into %s", len(rows), TABLE)
    return MaterializeResult(metadata={"rows": len(rows)$meta})


load_$w_drops = define_asset_job("load_$w_drops", selection=[$w_rows], partitions_def=$w_batches)


@sensor(job=load_$w_drops, minimum_interval_seconds=$interval)
def new_$w_drops(context: SensorEvaluationContext, s3: S3Resource) -> SensorResult:
    """A partition, and a run, for every CSV in the drop prefix that has no partition yet."""
    listing = s3.get_client().list_objects_v2(Bucket=DROP_BUCKET, Prefix=DROP_PREFIX)
    names = [o["Key"][len(DROP_PREFIX):-4] for o in listing.get("Contents", []) if o["Key"].endswith(".csv")]
    new = [n for n in names if n and not context.instance.has_dynamic_partition($w_batches.name, n)]
    return SensorResult(
        run_requests=[RunRequest(partition_key=n) for n in new],
        dynamic_partitions_requests=[$w_batches.build_add_request(new)],
    )


$extra


defs = Definitions(
    assets=[$assets],
$checks
    jobs=[load_$w_drops],
    sensors=[new_$w_drops],
    resources={
        "s3": S3Resource(region_name="$region"),
        "warehouse": Warehouse(dsn=EnvVar("$WU_WAREHOUSE_DSN")),
    },
)
'''

_DAGSTER_INSERT = ('        execute_values(cur, f"INSERT INTO {TABLE} (external_id, amount, currency, booked_on, batch_id) '
                   'VALUES %s", rows)')

_DAGSTER_EXTRAS = {
    "check": r'''
@asset_check(asset=$w_rows, blocking=False)
def amounts_present(warehouse: Warehouse) -> AssetCheckResult:
    """Every loaded row has an amount and a three-letter currency."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {TABLE} WHERE amount IS NULL OR length(currency) <> 3")
        bad = cur.fetchone()[0]
    return AssetCheckResult(passed=bad == 0, metadata={"bad_rows": bad})
''',
    "totals": r'''
@asset(deps=[$w_rows], compute_kind="postgres")
def $w_daily_totals(warehouse: Warehouse) -> MaterializeResult:
    """Per-day, per-currency totals over every loaded batch."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(f"""
            INSERT INTO marts.$w_daily_totals (booked_on, currency, total)
            SELECT booked_on, currency, sum(amount) FROM {TABLE} GROUP BY booked_on, currency
            ON CONFLICT (booked_on, currency) DO UPDATE SET total = EXCLUDED.total
        """)
        updated = cur.rowcount
    return MaterializeResult(metadata={"rows": updated})
''',
    "forget": r'''
def forget_batch(instance, warehouse: Warehouse, batch_id: str) -> None:
    """Ops helper: drop a withdrawn batch's rows and its partition, so a corrected file can be loaded."""
    with warehouse.connect() as conn, conn.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE batch_id = %s", (batch_id,))
    instance.delete_dynamic_partition($w_batches.name, batch_id)
''',
}

_DAGSTER_ROW = r'''
def _row(record: dict[str, str], batch_id: str) -> tuple:
    """One CSV record as a row: amounts as Decimal, dates as ISO dates, currency upper-cased."""
    return (
        record["external_id"].strip(),
        Decimal(record["amount"]),
        record["currency"].strip().upper(),
        date.fromisoformat(record["booked_on"]),
        batch_id,
    )
'''


def _dagster(c):
    w, Wc = _w(c)
    batch = c.pick("batch", "batch_id", "key", "drop_name")
    shape = c.pick("delete", "log", "count")
    table_lit = f"staging.{w}_rows"
    if shape == "delete":
        weak = c.fmt(f"DELETE FROM {table_lit} WHERE batch_id = '{{}}'", batch)
        body = (f"        cur.execute({weak})  #@V\n" + _DAGSTER_INSERT)
        fixed = f'        cur.execute("DELETE FROM {table_lit} WHERE batch_id = %s", ({batch},))'
        meta = ""
    elif shape == "log":
        weak = c.fmt("INSERT INTO ops.load_log (batch_id, row_count, loaded_at) VALUES ('{}', {}, now())",
                     batch, "len(rows)", style=c.pick("fstring", "percent", "format"))
        body = (f'        cur.execute(f"DELETE FROM {{TABLE}} WHERE batch_id = %s", ({batch},))\n' + _DAGSTER_INSERT +
                f"\n        cur.execute({weak})  #@V")
        fixed = ('        cur.execute("INSERT INTO ops.load_log (batch_id, row_count, loaded_at) VALUES (%s, %s, now())",\n'
                 f"                    ({batch}, len(rows)))")
        meta = ""
    else:
        weak = c.fmt(f"SELECT count(*), coalesce(sum(amount), 0) FROM {table_lit} WHERE batch_id = '{{}}'", batch)
        body = (f'        cur.execute(f"DELETE FROM {{TABLE}} WHERE batch_id = %s", ({batch},))\n' + _DAGSTER_INSERT +
                f"\n        cur.execute({weak})  #@V\n        count, total = cur.fetchone()")
        fixed = (f'        cur.execute("SELECT count(*), coalesce(sum(amount), 0) FROM {table_lit} WHERE batch_id = %s",\n'
                 f"                    ({batch},))")
        meta = ', "stored": count, "total": float(total)'
    weak_line = next(l for l in body.split("\n") if l.endswith("#@V"))
    keys = list(_DAGSTER_EXTRAS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, 2)]
    extra = "\n\n\n".join(dedent(_DAGSTER_EXTRAS[k]).strip("\n") for k in keys)
    use_row = c.pick(True, False)
    names = ["AssetExecutionContext", "ConfigurableResource", "Definitions", "DynamicPartitionsDefinition", "EnvVar",
             "MaterializeResult", "RunRequest", "SensorEvaluationContext", "SensorResult", "asset",
             "define_asset_job", "sensor"]
    if "check" in keys:
        names += ["AssetCheckResult", "asset_check"]
    names.sort(key=lambda n: (n[0].islower(), n))
    assets = f"{w}_rows" + (f", {w}_daily_totals" if "totals" in keys else "")
    v = sub(_DAGSTER.replace("$extra", extra).replace("$body", body), w=w, WU=w.upper(), batch=batch, meta=meta,
            dagimports="\n".join(f"    {n}," for n in names),
            stdimports="from datetime import date\nfrom decimal import Decimal" if use_row else "",
            rowhelper=dedent(_DAGSTER_ROW).strip("\n") if use_row else "",
            rowsline=(f"rows = [_row(r, {batch}) for r in reader]" if use_row
                      else f"rows = [tuple(r[c] for c in COLUMNS) + ({batch},) for r in reader]"),
            assets=assets, checks="    asset_checks=[amounts_present]," if "check" in keys else "",
            bucket=c.pick(f"{w}-partner-drops", "sftp-gateway-inbound", f"acme-{w}-inbound"),
            prefix=c.pick("drops", "inbound/csv", "partners/incoming"),
            interval=c.pick(60, 120, 300), region=c.pick("eu-west-1", "us-east-1", "eu-central-1"))
    v = v.replace("\n\n\n\n\n", "\n\n\n")
    return v, weak_line, fixed


@fam("mod4-dagster-partition-key-sqli", "CWE-89", fws=["pipeline"], n=8, wrap=False)
def mod4_dagster_partition_key_sqli(c):
    v, weak, fixed = _dagster(c)
    s = _twin(v, (weak + "\n", fixed + "\n"))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="fw=dagster; the dynamic partition key is the name of a file a partner uploaded (the sensor "
                      "adds one partition per new CSV), and the asset splices it into a psycopg2 statement: a file "
                      "named x'; DROP TABLE ...; -- .csv runs SQL as the loader; pass it as a %s parameter like the "
                      "module's other statements")


@hardneg(3)
def mod4_dagster_partition_key_sqli_hn(c):
    v, weak, fixed = _dagster(c)
    s = _twin(v, (weak + "\n", fixed + "\n"))
    # an extra ops helper that formats only an allow-listed identifier into SQL, values as parameters
    helper = dedent(r'''
        RETENTION_TABLES = {"rows": TABLE, "log": "ops.load_log"}


        def purge_older_than(warehouse: Warehouse, which: str, days: int) -> int:
            """Delete rows loaded more than ``days`` ago from one of the RETENTION_TABLES."""
            table = RETENTION_TABLES[which]
            with warehouse.connect() as conn, conn.cursor() as cur:
                cur.execute(f"DELETE FROM {table} WHERE loaded_at < now() - %s * interval '1 day'", (int(days),))
                return cur.rowcount
    ''').strip("\n")
    s = s.replace("\n\n\ndefs = Definitions(", "\n\n\n" + helper + "\n\n\ndefs = Definitions(", 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=dagster; the partition key and every other value go to psycopg2 as %s parameters; the "
                      "only formatted identifiers come from constants or a fixed table map")


# ---------------- CWE-77: Fire support CLI run through sudo, unchecked pod name into kubectl ----------------

_FIRE = r'''
"""Support helper for the $w on-call rota: a few read-only kubectl views of the $ns namespace.

Support staff run it as ``sudo -u $opsuser $script <command>`` (see /etc/sudoers.d/$w-support).
The $opsuser account's kubeconfig holds a cluster token, so the helper offers only the views below.
"""
from __future__ import annotations

$jsonimport
import logging
import os
import re
import subprocess

import fire

log = logging.getLogger("$w.support")

KUBECTL = "/usr/local/bin/kubectl"
CONTEXT = "$ctx"
NAMESPACE = "$ns"
NAME_RE = re.compile(r"^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$")
MAX_TAIL = $maxtail
SINCE_RE = re.compile(r"^[0-9]{1,4}[smh]$")


def _checked(name: object, what: str = "pod") -> str:
    """A Kubernetes object name (RFC 1123); anything else, an option such as --server=... included, is refused."""
    text = str(name).strip()
    if not NAME_RE.fullmatch(text):
        raise SystemExit(f"not a valid {what} name: {text!r}")
    return text


class Support:
    """Read-only kubectl views for the support rota."""

    def __init__(self, verbose: bool = False) -> None:
        if os.geteuid() == 0:
            raise SystemExit("run this through sudo -u $opsuser, not as root")
        logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s")
        self._base = [KUBECTL, "--context", CONTEXT, "--namespace", NAMESPACE]
        self._caller = os.environ.get("SUDO_USER", "unknown")

    def _run(self, *args: str, timeout: int = 60) -> str:
        log.info("%s: kubectl %r", self._caller, args)
        return subprocess.run([*self._base, *args], check=True, capture_output=True, text=True,$runmark
                              timeout=timeout).stdout

$methods


if __name__ == "__main__":
    fire.Fire(Support, name="$script")
'''

_FIRE_LOGS_WEAK = r'''
def logs(self, pod: str, tail: int = 200, since: str = "", previous: bool = False) -> None:
    """Print the last ``tail`` lines of a pod's log (streamed to the terminal, not captured);
    ``since`` is a duration such as 15m or 2h."""
    $name = str(pod).strip()  #@S
    argv = [*self._base, "logs", $name, f"--tail={min(int(tail), MAX_TAIL)}"]
    if since:
        if not SINCE_RE.fullmatch(str(since)):
            raise SystemExit("since must look like 30s, 15m or 2h")
        argv.append(f"--since={since}")
    if previous:
        argv.append("--previous")
    log.info("%s: kubectl logs %r", self._caller, argv[5:])
    subprocess.run(argv, check=True, timeout=$logtimeout)  #@V
'''

_FIRE_LOGS_SAFE = r'''
def logs(self, pod: str, tail: int = 200, since: str = "", previous: bool = False) -> None:
    """Print the last ``tail`` lines of a pod's log (streamed to the terminal, not captured);
    ``since`` is a duration such as 15m or 2h."""
    argv = [*self._base, "logs", _checked(pod), f"--tail={min(int(tail), MAX_TAIL)}"]
    if since:
        if not SINCE_RE.fullmatch(str(since)):
            raise SystemExit("since must look like 30s, 15m or 2h")
        argv.append(f"--since={since}")
    if previous:
        argv.append("--previous")
    log.info("%s: kubectl logs %r", self._caller, argv[5:])
    subprocess.run(argv, check=True, timeout=$logtimeout)
'''

_FIRE_DESCRIBE_WEAK = r'''
def describe(self, name: str, kind: str = "pod") -> str:
    """kubectl describe for one pod, deployment or job."""
    if kind not in KINDS:
        raise SystemExit(f"kind must be one of {sorted(KINDS)}")
    $name = str(name).strip()  #@S
    return self._run("describe", kind, $name)  #@V
'''

_FIRE_DESCRIBE_SAFE = r'''
def describe(self, name: str, kind: str = "pod") -> str:
    """kubectl describe for one pod, deployment or job."""
    if kind not in KINDS:
        raise SystemExit(f"kind must be one of {sorted(KINDS)}")
    return self._run("describe", kind, _checked(name, kind))
'''

_FIRE_OTHERS = {
    "pods": r'''
def pods(self, app: str = "$app") -> str:
    """Pods of one app label, with node and restart count."""
    return self._run("get", "pods", f"--selector=app={_checked(app, 'app')}", "-o", "wide")
''',
    "events": r'''
def events(self, pod: str) -> str:
    """Recent events of one pod (scheduling, probes, OOM kills)."""
    return self._run("get", "events", f"--field-selector=involvedObject.name={_checked(pod)}",
                     "--sort-by=.lastTimestamp")
''',
    "rollout": r'''
def rollout(self, deployment: str) -> str:
    """Rollout status of a deployment (waits at most a minute)."""
    return self._run("rollout", "status", f"deployment/{_checked(deployment, 'deployment')}", "--timeout=60s",
                     timeout=90)
''',
    "restarts": r'''
def restarts(self, minimum: int = 1) -> list[str]:
    """Pods whose containers restarted at least ``minimum`` times."""
    data = json.loads(self._run("get", "pods", "-o", "json"))
    out = []
    for item in data["items"]:
        count = sum(cs.get("restartCount", 0) for cs in item["status"].get("containerStatuses", []))
        if count >= int(minimum):
            out.append(f"{item['metadata']['name']}: {count}")
    return out
''',
    "whoami": r'''
def whoami(self) -> str:
    """Who runs the helper, against which cluster and namespace."""
    return f"{self._caller} as {os.environ.get('USER', '?')} on {CONTEXT}/{NAMESPACE}"
''',
    "top": r'''
def top(self, sort_by: str = "cpu") -> str:
    """Resource usage of the namespace's pods."""
    if sort_by not in ("cpu", "memory"):
        raise SystemExit("sort_by must be cpu or memory")
    return self._run("top", "pods", f"--sort-by={sort_by}")
''',
}


def _indent4(block):
    return "\n".join(("    " + l) if l.strip() else "" for l in dedent(block).strip("\n").split("\n"))


def _fire(c, weak_variant=True):
    w, Wc = _w(c)
    shape = c.pick("logs", "describe")
    name = c.pick("name", "target", "pod_name", "obj")
    keys = list(_FIRE_OTHERS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(3, 5)]
    if shape == "logs":
        weak = _FIRE_LOGS_WEAK if weak_variant else _FIRE_LOGS_SAFE
        also = [_FIRE_DESCRIBE_SAFE] if c.pick(True, False) else []
    else:
        weak = _FIRE_DESCRIBE_WEAK if weak_variant else _FIRE_DESCRIBE_SAFE
        also = [_FIRE_LOGS_SAFE] if c.pick(True, False) else []
    blocks = [weak] + also + [_FIRE_OTHERS[k] for k in keys]
    c.rng.shuffle(blocks)
    methods = "\n\n".join(_indent4(b) for b in blocks)
    uses_kinds = shape == "describe" or also == [_FIRE_DESCRIBE_SAFE]
    t = _FIRE.replace("$methods", methods)
    if uses_kinds:
        t = t.replace("MAX_TAIL = $maxtail\n", 'MAX_TAIL = $maxtail\nKINDS = frozenset({"pod", "deployment", "job"})\n')
    v = sub(t, w=w, name=name, ns=c.pick(f"{w}-prod", w, f"{w}-live", "production"),
            ctx=c.pick("prod-eu-1", "gke_acme_europe-west1_prod", "prod"),
            opsuser=c.pick(f"{w}-ops", "k8s-ops", "svc-support"),
            script=c.pick(f"{w}-support", "k8s-support", "supportctl"),
            app=c.pick(f"{w}-api", f"{w}-worker", "web"), maxtail=c.pick(1000, 2000, 5000),
            logtimeout=c.pick(120, 300, 600),
            jsonimport="import json" if "restarts" in keys else "",
            runmark="  #@V" if shape == "describe" and weak_variant else "")
    return v, shape, name


@fam("mod4-fire-kubectl-pod-option", "CWE-77", fws=["cli"], n=8, wrap=False)
def mod4_fire_kubectl_pod_option(c):
    v, shape, name = _fire(c)
    if shape == "logs":
        s = _twin(v, (f"    {name} = str(pod).strip()  #@S\n", f"    {name} = _checked(pod)\n"))
    else:
        s = _twin(v, (f"    {name} = str(name).strip()  #@S\n", f"    {name} = _checked(name, kind)\n"))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="fw=fire; support staff run the helper through sudo as the account whose kubeconfig holds the "
                      f"cluster token; the {shape} command passes the pod name to kubectl unchecked (the other "
                      "commands use _checked), so `--pod=--server=https://attacker.example` or "
                      "`--kubeconfig=/home/me/kc` (an exec credential plugin) is read by kubectl as an option: the "
                      "token is sent to the attacker's server or a command runs as the ops account; check the name "
                      "with _checked like the sibling commands")


@hardneg(2)
def mod4_fire_kubectl_pod_option_hn(c):
    v, shape, name = _fire(c, weak_variant=False)
    return Spec(s=_clean(v), full=True, fw="cli",
                notes="fw=fire; every name that reaches the kubectl argument list goes through _checked (an RFC 1123 "
                      "name, never an option); argument lists, no shell")


# ---------------- CWE-643: Huey export tasks, pandas.read_xml XPath built from a customer filter ----------------

_HUEY = r'''
"""Huey tasks that export customer statements ($item records of the nightly $w ERP feed) as CSV files.

The customer portal enqueues ``export_statement`` when a customer asks for a statement; the account
comes from the session, the $label filter is a free-text field of the request form."""
from __future__ import annotations

import logging
import os
$reimport
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
from huey import RedisHuey, crontab
$signalimport

log = logging.getLogger("$w.exports")

huey = RedisHuey("$w-exports", url=os.environ.get("REDIS_URL", "redis://localhost:6379/$db"))

FEED_DIR = Path(os.environ.get("ERP_FEED_DIR", "/srv/erp/feeds"))
EXPORT_DIR = Path(os.environ.get("$WU_EXPORT_DIR", "/srv/$w/exports"))
COLUMNS = ["number", "issued", "$attr", "currency", "total", "status"]
$centrere
KEEP_DAYS = $keep


def feed_for(day: date) -> Path:
    """The ERP feed of ``day``: one XML document, one <$item> element per $item."""
    path = FEED_DIR / f"erp-$w-{day:%Y%m%d}.xml"
    if not path.exists():
        raise FileNotFoundError(f"no ERP feed for {day.isoformat()}")
    return path


def statement_path(account: int, when: date) -> Path:
    """Where a statement goes: one folder per account, one file per request."""
    stamp = datetime.now(timezone.utc).strftime("%H%M%S")
    return EXPORT_DIR / str(account) / f"statement-{when.isoformat()}-{stamp}.csv"


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the exported columns, parse the issue dates and round the totals to cents."""
    frame = frame.reindex(columns=COLUMNS)
    frame["issued"] = pd.to_datetime(frame["issued"], errors="coerce").dt.date
    frame["total"] = frame["total"].astype(float).round(2)
    return frame.sort_values(["issued", "number"])


@huey.task(retries=$retries, retry_delay=$delay)
def export_statement(account_id: int, $param: str, day: str) -> str:
    """Write the account's $items of ``day`` (optionally one $label only) to CSV; returns the file name."""
    account = int(account_id)
    when = date.fromisoformat(day)
    $centre = ($param or "").strip()  #@S
$lookup
    frame = _tidy(frame)
    out = statement_path(account, when)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    log.info("statement for account %s, %s: %d rows", account, when, len(frame))
    return out.name


$extra
'''

_HUEY_EXTRAS = {
    "purge": (r'''
@huey.periodic_task(crontab(hour="$purgehour", minute="15"))
def purge_exports() -> int:
    """Delete statement files older than KEEP_DAYS."""
    cutoff = (datetime.now(timezone.utc) - timedelta(days=KEEP_DAYS)).timestamp()
    removed = 0
    for path in EXPORT_DIR.glob("*/statement-*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    log.info("purged %d old statements", removed)
    return removed
''', ""),
    "totals": (r'''
@huey.task()
def totals_by_currency(account_id: int, day: str) -> dict[str, float]:
    """Open / paid totals per currency for the account dashboard."""
    account = int(account_id)
    frame = pd.read_xml(feed_for(date.fromisoformat(day)), xpath=f"//$item[@account='{account}']", parser="lxml")
    grouped = frame.groupby(["currency", "status"])["total"].sum()
    return {f"{cur}:{status}": round(float(v), 2) for (cur, status), v in grouped.items()}
''', ""),
    "signal": (r'''
@huey.signal(SIGNAL_ERROR)
def report_failure(signal, task, exc=None) -> None:
    """Failed exports are retried by huey; log each failure with the task id only."""
    log.error("task %s (%s) failed: %s", task.name, task.id, type(exc).__name__)
''', ""),
    "days": (r'''
@huey.task()
def available_days(account_id: int) -> list[str]:
    """Days for which the account already has statements on disk (for the portal's download list)."""
    folder = EXPORT_DIR / str(int(account_id))
    if not folder.is_dir():
        return []
    days = {p.name.split("-", 1)[1][:10] for p in folder.glob("statement-*.csv")}
    return sorted(days, reverse=True)
''', ""),
    "latest": (r'''
def latest_feed_day(max_back: int = 7) -> date:
    """The most recent day with an ERP feed (the feed arrives around 02:00 UTC)."""
    today = datetime.now(timezone.utc).date()
    for back in range(max_back):
        day = today - timedelta(days=back)
        if (FEED_DIR / f"erp-$w-{day:%Y%m%d}.xml").exists():
            return day
    raise FileNotFoundError("no ERP feed in the last week")
''', ""),
}


def _huey_read(xpath, use_try):
    if not use_try:
        return f'    frame = pd.read_xml(feed_for(when), xpath={xpath}, parser="lxml")'
    return ("    try:\n"
            f'        frame = pd.read_xml(feed_for(when), xpath={xpath}, parser="lxml")\n'
            "    except ValueError:  # read_xml raises when the XPath matches no element\n"
            "        frame = pd.DataFrame(columns=COLUMNS)")


def _huey(c):
    w, Wc = _w(c)
    item = c.pick("invoice", "credit_note", "order", "shipment")
    attr, label = c.pick(("costCentre", "cost centre"), ("project", "project code"), ("reference", "reference"),
                         ("department", "department code"))
    centre = c.pick("centre", "code", "wanted", "filter_value")
    param = {"costCentre": "cost_centre", "project": "project_code", "reference": "reference",
             "department": "department_code"}[attr]
    style = c.pick("fstring", "percent", "format")
    weak = c.fmt(f"//{item}[@account='{{}}' and @{attr}='{{}}']", "account", centre, style=style)
    shape = c.pick("branch", "inline")
    use_try = c.pick(True, False)
    read = _huey_read("xpath", use_try)
    read = "\n".join(l + "  #@V" if "pd.read_xml(" in l else l for l in read.split("\n"))
    if shape == "branch":
        lookup = (f"    if {centre}:\n"
                  f"        xpath = {weak}  #@V\n"
                  f"    else:\n"
                  f"        xpath = f\"//{item}[@account='{{account}}']\"\n" + read)
    else:
        base = c.fmt(f"//{item}[@account='{{}}']", "account", style=style)
        lookup = (f"    xpath = {base}\n"
                  f"    if {centre}:\n"
                  f"        xpath = {weak}  #@V\n" + read)
    blocks, _, keys = _pick_extras(c, _HUEY_EXTRAS, least=2, most=4)
    fix = c.pick("validate", "filter")
    t = _HUEY.replace("$lookup", lookup).replace("$extra", blocks)
    v = sub(t, w=w, WU=w.upper(), item=item, attr=attr, label=label, centre=centre, param=param,
            signalimport="from huey.signals import SIGNAL_ERROR" if "signal" in keys else "",
            reimport="", centrere="",
            db=c.pick(0, 2, 3), keep=c.pick(7, 14, 30), retries=c.pick(2, 3), delay=c.pick(30, 60, 120),
            purgehour=c.pick(3, 4, 5))
    return v, lookup, fix, centre, item, use_try


def _huey_fix(v, lookup, fix, centre, item, use_try):
    if fix == "validate":
        guard = (f"    if {centre} and not CODE_RE.fullmatch({centre}):\n"
                 f"        raise ValueError(\"invalid filter value\")\n")
        first = lookup.split("\n")[0] + "\n"
        out = _twin(v, (first, guard + first), ("import os\n", "import os\nimport re\n"))
        n = 15 + 8 * (len(centre) % 3)
        return out.replace("KEEP_DAYS = ", f'CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{{0,{n}}}$")\nKEEP_DAYS = ', 1)
    # select by account only, filter the frame in pandas (the filter column read as text: read_xml infers
    # dtypes, so a numeric-looking code such as 0420 would otherwise become the integer 420 and never match)
    new = (_huey_read(f"f\"//{item}[@account='{{account}}']\", dtype={{ATTR: str}}", use_try) + "\n"
           f"    if {centre}:\n"
           f"        frame = frame[frame[ATTR] == {centre}]")
    out = _twin(v, (lookup, new))
    attr = v.split('COLUMNS = ["number", "issued", "', 1)[1].split('"', 1)[0]
    return out.replace("KEEP_DAYS = ", f'ATTR = "{attr}"\nKEEP_DAYS = ', 1)


@fam("mod4-huey-read-xml-xpath", "CWE-643", fws=["pipeline"], n=8, wrap=False)
def mod4_huey_read_xml_xpath(c):
    v, *rest = _huey(c)
    s = _huey_fix(v, *rest)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="fw=huey; the statement export task puts the customer's free-text filter into the XPath that "
                      "pandas.read_xml evaluates with lxml: x' or '1'='1 turns the predicate into one that matches "
                      "every account's records, and they are written to the customer's CSV; check the value against "
                      "the code format, or select by account only and filter the frame in pandas")


@hardneg(3)
def mod4_huey_read_xml_xpath_hn(c):
    v, lookup, fix, centre, item, use_try = _huey(c)
    s = _huey_fix(v, lookup, "filter", centre, item, use_try)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=huey; pandas.read_xml's XPath holds only the integer account id from the session; the "
                      "customer's filter is compared in pandas, never placed in the expression")


# ---------------- CWE-90: APScheduler saved directory reports, stored filter value into an ldap3 filter ----------------

_APS = r'''
"""Scheduled directory reports of the $w admin console: a saved report (created by a team lead in the admin UI: name,
$label, recipients, cron) lists the accounts of one $label; APScheduler runs each and mails a CSV."""
from __future__ import annotations

import csv
import io
import logging
import os
import smtplib
import ssl
from email.message import EmailMessage

import psycopg2
$apsimports
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from ldap3 import SUBTREE, Connection, Server, Tls
from psycopg2.extras import RealDictCursor

log = logging.getLogger("$w.directory-reports")

LDAP_URL = os.environ.get("LDAP_URL", "ldaps://$ldaphost")
BASE_DN = "$basedn"
ATTRIBUTES = ["cn", "mail", "title", "$attr"$moreattrs]
SMTP_HOST = os.environ.get("SMTP_HOST", "$smtphost")
DB_DSN = os.environ["$WU_ADMIN_DSN"]


def load_reports() -> list[dict]:
    with psycopg2.connect(DB_DSN) as conn, conn.cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute("SELECT id, name, $col, recipients, cron FROM saved_reports WHERE active = %s", (True,))
        return cur.fetchall()


def directory() -> Connection:
    """Read-only bind with the reporting service account, over LDAPS with the CA checked."""
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_file="/etc/ssl/certs/ca-certificates.crt")
    server = Server(LDAP_URL, use_ssl=True, tls=tls, connect_timeout=10)
    return Connection(server, user=os.environ["REPORTS_BIND_DN"], password=os.environ["REPORTS_BIND_PASSWORD"],
                      auto_bind=True, read_only=True)


def _cell(value: object) -> str:
    """A CSV cell that spreadsheet programs will not evaluate as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(entries) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(ATTRIBUTES)
    for entry in entries:
        writer.writerow([_cell(entry[a].value) for a in ATTRIBUTES])
    return buf.getvalue()


def send(report: dict, body: str) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"Directory report: {report['name']}"
    msg["From"] = "$sender"
    msg["To"] = ", ".join(report["recipients"])
    msg.add_attachment(body.encode("utf-8"), maintype="text", subtype="csv", filename="directory-report.csv")
    with smtplib.SMTP(SMTP_HOST, 587, timeout=30) as smtp:
        smtp.starttls(context=ssl.create_default_context())
        smtp.send_message(msg)


def run_report(report: dict) -> int:
    """Search the accounts of the report's $label and mail them; returns the count."""
    $value = report["$col"]  #@S
    $flt = $filterexpr  #@V
    with directory() as conn:
        conn.search(BASE_DN, $flt, search_scope=SUBTREE, attributes=ATTRIBUTES, size_limit=$limit)  #@V
        entries = list(conn.entries)
    send(report, to_csv(entries))
    log.info("report %s sent: %d accounts", report["id"], len(entries))
    return len(entries)


$extra


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    scheduler = BlockingScheduler(timezone="$tz", job_defaults={"coalesce": True, "max_instances": 1})
$mainextra
    for report in load_reports():
        scheduler.add_job(run_report, CronTrigger.from_crontab(report["cron"]), args=[report],
                          id=f"report-{report['id']}", replace_existing=True)
    scheduler.start()


if __name__ == "__main__":
    main()
'''

_APS_EXTRAS = {
    "listener": (r'''
def on_job_error(event) -> None:
    """A failed report run is logged; the next scheduled run tries again."""
    log.error("job %s failed: %s", event.job_id, type(event.exception).__name__)
''', "    scheduler.add_listener(on_job_error, EVENT_JOB_ERROR)", "from apscheduler.events import EVENT_JOB_ERROR"),
    "refresh": (r'''
def refresh_jobs(scheduler: BlockingScheduler) -> None:
    """Pick up saved reports created, edited or deactivated since the last refresh."""
    wanted = {f"report-{r['id']}": r for r in load_reports()}
    for job in scheduler.get_jobs():
        if job.id.startswith("report-") and job.id not in wanted:
            job.remove()
    for job_id, report in wanted.items():
        scheduler.add_job(run_report, CronTrigger.from_crontab(report["cron"]), args=[report],
                          id=job_id, replace_existing=True)
''', '    scheduler.add_job(refresh_jobs, "interval", minutes=$refresh, args=[scheduler], id="refresh")', ""),
    "health": (r'''
def directory_health() -> None:
    """Hourly check that the service account can still bind and read the base entry."""
    with directory() as conn:
        ok = conn.search(BASE_DN, "(objectClass=*)", search_scope="BASE", attributes=["objectClass"])
    if not ok:
        log.warning("directory check failed for %s", BASE_DN)
''', '    scheduler.add_job(directory_health, "interval", hours=1, id="directory-health")', ""),
}


def _aps(c):
    w, Wc = _w(c)
    col, attr, label = c.pick(("office", "physicalDeliveryOfficeName", "office"), ("city", "l", "city"),
                              ("company", "company", "company"), ("division", "division", "division"),
                              ("employee_type", "employeeType", "employee type"))
    value = c.pick("value", "wanted", col, "selector")
    flt = c.pick("flt", "search_filter", "ldap_filter", "query")
    disabled = c.pick(True, False)
    tmpl = ("(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2))(" + attr + "={}))" if disabled
            else "(&(objectClass=person)(" + attr + "={}))")
    filterexpr = c.fmt(tmpl, value, style=c.pick("fstring", "percent", "format", "concat"))
    keys = list(_APS_EXTRAS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, 2)]
    extra = "\n\n\n".join(dedent(_APS_EXTRAS[k][0]).strip("\n") for k in keys)
    mainextra = "\n".join(_APS_EXTRAS[k][1] for k in keys)
    apsimports = "\n".join(_APS_EXTRAS[k][2] for k in keys if _APS_EXTRAS[k][2])
    dc = c.pick("dc=corp,dc=example,dc=com", f"dc={w},dc=example,dc=org", "dc=ad,dc=example,dc=net")
    v = sub(_APS.replace("$extra", extra), w=w, WU=w.upper(), col=col, attr=attr, label=label, value=value,
            flt=flt, filterexpr=filterexpr, mainextra=mainextra, apsimports=apsimports,
            moreattrs=c.pick("", ', "whenCreated"', ', "manager"', ', "telephoneNumber"'),
            ldaphost=c.pick("dc01.corp.example.com", "ldap.example.org", "ad.example.net"),
            basedn=c.pick("ou=Staff,", "ou=People,", "ou=Employees,", "") + dc,
            smtphost=c.pick("smtp.internal", "mail.example.com", "relay.corp.example.net"),
            sender=c.pick(f"reports@{w}.example.com", "directory-reports@example.org", "no-reply@example.net"),
            limit=c.pick(500, 1000, 2000), tz=c.pick("UTC", "Europe/Berlin", "America/New_York"),
            refresh=c.pick(5, 10, 15))
    return v, value, col


def _aps_fix(v, value, col):
    return _twin(v, (f'    {value} = report["{col}"]  #@S\n', f'    {value} = escape_filter_chars(report["{col}"])\n'),
                 ("from ldap3 import SUBTREE, Connection, Server, Tls\n",
                  "from ldap3 import SUBTREE, Connection, Server, Tls\nfrom ldap3.utils.conv import escape_filter_chars\n"))


@fam("mod4-apscheduler-ldap-saved-report", "CWE-90", fws=["pipeline"], n=8, wrap=False)
def mod4_apscheduler_ldap_saved_report(c):
    v, value, col = _aps(c)
    s = _aps_fix(v, value, col)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="fw=apscheduler; the filter value of a saved report is typed by a team lead in the admin UI, "
                      "stored, and later placed unescaped into the ldap3 search filter (second-order LDAP "
                      "injection): '*)(mail=*' or '*' widens the report to accounts outside the lead's scope and "
                      "'x)(adminCount=1' probes the directory; escape it with escape_filter_chars")


@hardneg(3)
def mod4_apscheduler_ldap_saved_report_hn(c):
    v, value, col = _aps(c)
    s = _aps_fix(v, value, col)
    lookup = dedent(r'''
        def find_account(mail: str) -> dict | None:
            """The directory entry of one recipient address (used to check recipients are still employed)."""
            flt = f"(&(objectClass=user)(mail={escape_filter_chars(mail.strip())}))"
            with directory() as conn:
                conn.search(BASE_DN, flt, search_scope=SUBTREE, attributes=["cn", "mail"], size_limit=1)
                return conn.entries[0].entry_attributes_as_dict if conn.entries else None
    ''').strip("\n")
    s = s.replace("\n\n\ndef run_report(", "\n\n\n" + lookup + "\n\n\ndef run_report(", 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=apscheduler; every value placed in an ldap3 search filter goes through escape_filter_chars")


# ---------------- CWE-502: docopt ETL step unpickling staged polars frames read with smart_open ----------------

_STAGED = r'''
"""Load the staged $w parts of one day from the shared staging bucket into the warehouse.

Upstream export jobs of several teams, and the partner connectors, drop their output parts in
s3://<bucket>/staging/<day>/ and list them in the day's _manifest.json.

Usage:
  $script <day> [--bucket=<name>] [--table=<name>] [--dry-run]
  $script (-h | --help)

Options:
  --bucket=<name>  Staging bucket [default: $bucket].
  --table=<name>   Target table [default: $table].
  --dry-run        Read and validate the parts, write nothing.
  -h --help        Show this help.
"""
from __future__ import annotations

import json
import logging
import os
$pickleimport
import sys
from datetime import date

import polars as pl
import smart_open
from docopt import docopt

log = logging.getLogger("$w.load-staged")

REQUIRED = {"$key": pl.Int64, "amount": pl.Float64, "currency": pl.Utf8, "updated_at": pl.Datetime}
TABLES = frozenset({"$table", "$table_backfill"})
WAREHOUSE_URI = os.environ.get("WAREHOUSE_URI", "postgresql://loader@warehouse.internal/analytics")


def manifest(bucket: str, day: date) -> list[str]:
    """URIs of the parts listed in the day's _manifest.json."""
    prefix = f"s3://{bucket}/staging/{day.isoformat()}"
    with smart_open.open(f"{prefix}/_manifest.json", "r", encoding="utf-8") as fh:
        names = json.load(fh)["parts"]
    return [f"{prefix}/{name}" for name in names]


$readpart


def validate(frame: pl.DataFrame, uri: str) -> pl.DataFrame:
    """The required columns with their types; rows without an amount are dropped."""
    missing = sorted(set(REQUIRED) - set(frame.columns))
    if missing:
        raise ValueError(f"{uri}: missing columns {missing}")
    frame = frame.select([pl.col(name).cast(dtype) for name, dtype in REQUIRED.items()])
    return frame.filter(pl.col("amount").is_not_null())


$extra


def main(argv: list[str] | None = None) -> int:
    args = docopt(__doc__, argv=argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    day = date.fromisoformat(args["<day>"])
    table = args["--table"]
    if table not in TABLES:
        log.error("unknown table %r (expected one of %s)", table, sorted(TABLES))
        return 2
    frames = [validate(read_part(uri), uri) for uri in manifest(args["--bucket"], day)]
    if not frames:
        log.info("nothing staged for %s", day)
        return 0
    frame = pl.concat(frames)
$mainextra
    if args["--dry-run"]:
        log.info("dry run: %d rows from %d parts", frame.height, len(frames))
        return 0
    frame.write_database(table_name=table, connection=WAREHOUSE_URI, if_table_exists="append")
    log.info("loaded %d rows from %d parts into %s", frame.height, len(frames), table)
$mainend
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_STAGED_READ = {
    "load": r'''
def read_part(uri: str) -> pl.DataFrame:
    """One staged part, as written by the upstream export job."""
    with smart_open.open(uri, "rb") as $fh:  #@S
        frame = $pk.load($fh)  #@V
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{uri} does not hold a polars DataFrame")
    return frame
''',
    "loads": r'''
def read_part(uri: str) -> pl.DataFrame:
    """One staged part, as written by the upstream export job (at most MAX_PART_BYTES)."""
    with smart_open.open(uri, "rb") as $fh:
        $raw = $fh.read(MAX_PART_BYTES + 1)  #@S
    if len($raw) > MAX_PART_BYTES:
        raise ValueError(f"{uri} is larger than {MAX_PART_BYTES} bytes")
    frame = $pk.loads($raw)  #@V
    if not isinstance(frame, pl.DataFrame):
        raise TypeError(f"{uri} does not hold a polars DataFrame")
    return frame
''',
}

_STAGED_EXTRAS = {
    "dedupe": (r'''
def latest_versions(frame: pl.DataFrame) -> pl.DataFrame:
    """Several parts may carry the same $key; keep its most recent version."""
    return frame.sort("updated_at").unique(subset=["$key"], keep="last", maintain_order=True)
''', "    frame = latest_versions(frame)", ""),
    "summary": (r'''
def log_summary(frame: pl.DataFrame) -> None:
    """Row count and amount total per currency, for the run log."""
    totals = frame.group_by("currency").agg(pl.len().alias("rows"), pl.col("amount").sum().alias("total"))
    for row in totals.sort("currency").iter_rows(named=True):
        log.info("%s: %d rows, total %.2f", row["currency"], row["rows"], row["total"])
''', "    log_summary(frame)", ""),
    "marker": (r'''
def mark_loaded(bucket: str, day: date, rows: int) -> None:
    """Write the _LOADED marker the upstream jobs wait for before they clean up their parts."""
    uri = f"s3://{bucket}/staging/{day.isoformat()}/_LOADED"
    with smart_open.open(uri, "w", encoding="utf-8") as fh:
        json.dump({"rows": rows, "loader": "$script"}, fh)
''', "", '    mark_loaded(args["--bucket"], day, frame.height)'),
}


def _staged(c):
    w, Wc = _w(c)
    shape = c.pick("load", "loads")
    alias = c.pick(False, False, True)
    pk = "pkl" if alias else "pickle"
    keys = list(_STAGED_EXTRAS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, len(keys))]
    extra = "\n\n\n".join(dedent(_STAGED_EXTRAS[k][0]).strip("\n") for k in keys)
    mainextra = "\n".join(_STAGED_EXTRAS[k][1] for k in ("dedupe", "summary") if k in keys)
    mainend = _STAGED_EXTRAS["marker"][2] if "marker" in keys else ""
    t = _STAGED.replace("$readpart", dedent(_STAGED_READ[shape]).strip("\n")).replace("$extra", extra)
    if shape == "loads":
        t = t.replace('WAREHOUSE_URI = os.environ', f"MAX_PART_BYTES = {c.pick(256, 512, 1024)} * 1024 * 1024\nWAREHOUSE_URI = os.environ", 1)
    v = sub(t, w=w, pk=pk, fh=c.pick("fh", "src", "stream"), raw=c.pick("raw", "blob", "payload"),
            pickleimport="import pickle as pkl" if alias else "import pickle",
            mainextra=mainextra, mainend=mainend,
            script=c.pick("load_staged.py", f"{w}-load-staged", "stage2warehouse"),
            bucket=c.pick(f"{w}-staging", "shared-staging", "data-exchange-staging"),
            table=c.pick(f"raw.{w}s", f"staging.{w}_parts", f"ingest.{w}"),
            key=c.pick(f"{w}_id", "id", "external_id"))
    return v, shape, pk


def _staged_fix(v, shape, pk):
    imp = "import pickle as pkl\n" if pk == "pkl" else "import pickle\n"
    if shape == "load":
        line = next(l for l in v.split("\n") if l.endswith(f".load({l.split('.load(')[-1].split(')')[0]})  #@V"))
        fixed = line.replace(f"{pk}.load(", "pl.read_parquet(").replace("  #@V", "")
    else:
        line = next(l for l in v.split("\n") if ".loads(" in l and l.endswith("#@V"))
        fixed = line.replace(f"{pk}.loads(", "pl.read_parquet(").replace("  #@V", "")
    return _twin(v, (line + "\n", fixed + "\n"), (imp, ""))


@fam("mod4-smart-open-staged-pickle", "CWE-502", fws=["cli"], n=8, wrap=False)
def mod4_smart_open_staged_pickle(c):
    v, shape, pk = _staged(c)
    s = _staged_fix(v, shape, pk)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="fw=docopt+smart_open+polars; the loader unpickles the parts that other teams' jobs and partner "
                      "connectors write to the shared staging bucket: anyone with write access to that prefix (a "
                      "compromised connector, a mis-scoped IAM role) gets code execution in the loader, which holds "
                      "the warehouse credentials; stage the parts as Parquet and read them with pl.read_parquet")


@hardneg(3)
def mod4_smart_open_staged_pickle_hn(c):
    v, shape, pk = _staged(c)
    s = _staged_fix(v, shape, pk)
    # parts may also be Arrow IPC files; both formats are data-only
    s = s.replace("pl.read_parquet(", "(pl.read_ipc if uri.endswith(\".arrow\") else pl.read_parquet)(", 1)
    return Spec(s=s, full=True, fw="cli",
                notes="fw=docopt+smart_open+polars; staged parts are read as Parquet or Arrow IPC, data-only formats; "
                      "nothing from the bucket is unpickled")


# ---------------- CWE-117: Kombu audit-log shipper, one request field written without escaping ----------------

_KOMBU = r'''
"""Ships access events from the $w edge proxies (published to RabbitMQ) into the plain-text audit
log that the compliance team reads and greps: one line per request."""
from __future__ import annotations

import ipaddress
import logging
import os
import re
$signalimport
from datetime import datetime, timezone

from kombu import Connection, Exchange, Queue
from kombu.mixins import ConsumerMixin

log = logging.getLogger("$w.audit-shipper")

AUDIT_PATH = os.environ.get("AUDIT_LOG", "/var/log/$w/audit.log")
EXCHANGE = Exchange("$exchange", type="topic", durable=True)
QUEUE = Queue("$w-audit", EXCHANGE, routing_key="access.#", durable=True)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _oneline(value: object, limit: int = $limit) -> str:
    """Printable single-line text for one field: control characters (CR, LF, ESC...), quotes and
    backslashes are written as \\xNN, so a field can neither start a new line nor end its quotes."""
    text = str(value)[:limit]
    return UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _client(value: object) -> str:
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return "invalid"


def format_line(event: dict) -> str:
    """One audit line in combined-log style: client, user, time, request line, status$lastlabel."""
    when = datetime.fromtimestamp(float(event["ts"]), timezone.utc).isoformat(timespec="milliseconds")
    method = event["method"] if event["method"] in METHODS else "OTHER"
    status = int(event["status"])
    client = _client(event["client_ip"])
$fields
    return $lineexpr


class AuditShipper(ConsumerMixin):
    """Consumes access events and appends them to the audit log, acking only written events."""

    def __init__(self, connection: Connection, path: str = AUDIT_PATH) -> None:
        self.connection = connection
        self.path = path
        self._fh = open(path, "a", encoding="utf-8", buffering=1)

    def get_consumers(self, Consumer, channel):
        return [Consumer(queues=[QUEUE], callbacks=[self.on_event], accept=["json"], prefetch_count=$prefetch)]

    def on_event(self, body: dict, message) -> None:
        try:
            line = format_line(body)
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("dropping malformed event: %s", type(exc).__name__)
            message.reject()
            return
        self._fh.write(line + "\n")  #@V
        message.ack()
$methods


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with Connection(os.environ["AMQP_URL"], heartbeat=$heartbeat) as conn:
        shipper = AuditShipper(conn)
$mainextra
        shipper.run()


if __name__ == "__main__":
    main()
'''

_KOMBU_METHODS = {
    "reopen": (r'''
def reopen(self, *_args) -> None:
    """SIGHUP from logrotate: close the rotated file and start a new one."""
    self._fh.close()
    self._fh = open(self.path, "a", encoding="utf-8", buffering=1)
    log.info("reopened %s", self.path)
''', "        signal.signal(signal.SIGHUP, shipper.reopen)"),
    "connerr": (r'''
def on_connection_error(self, exc, interval) -> None:
    log.warning("broker connection lost (%s), retrying in %ss", type(exc).__name__, interval)
''', ""),
    "decodeerr": (r'''
def on_decode_error(self, message, exc) -> None:
    """A message that is not JSON is rejected and counted, never written to the audit log."""
    self.bad_messages = getattr(self, "bad_messages", 0) + 1
    log.warning("undecodable message %s (%d so far)", message.delivery_tag, self.bad_messages)
    message.reject()
''', ""),
    "stop": (r'''
def stop(self, *_args) -> None:
    """SIGTERM: finish the current message, then leave the consume loop."""
    self.should_stop = True
''', "        signal.signal(signal.SIGTERM, shipper.stop)"),
}

# (event key, local name, line label); the weak field is one of them
_KOMBU_FIELDS = [("path", "path", "path"), ("user", "user", "user"), ("user_agent", "agent", "ua"),
                 ("referer", "referer", "ref")]


def _kombu(c):
    w, Wc = _w(c)
    fields = [_KOMBU_FIELDS[0], _KOMBU_FIELDS[1]] + ([_KOMBU_FIELDS[2]] if c.pick(True, False) else []) + \
             ([_KOMBU_FIELDS[3]] if c.pick(True, False) else [])
    weak = c.pick(*fields)
    lines = []
    for key, name, _ in fields:
        getter = f'event["{key}"]' if key == "path" else f'event.get("{key}") or "-"'
        if key == weak[0]:
            lines.append(f"    {name} = {getter}  #@S")
        else:
            lines.append(f"    {name} = _oneline({getter})")
    # combined-log style: client - user [time] "METHOD path" status ["referer"] ["agent"]
    parts = ["{client}", "-", "{user}", "[{when}]", '"{method} {path}"', "{status}"]
    for key, name, label in sorted(fields[2:], key=lambda f: f[0] != "referer"):
        parts.append(f'"{{{name}}}"')
    lineexpr = "f'" + " ".join(parts) + "'"
    keys = list(_KOMBU_METHODS)
    c.rng.shuffle(keys)
    keys = keys[:c.rng.randint(1, 3)]
    methods = "\n\n".join(_indent4(_KOMBU_METHODS[k][0]) for k in keys)
    mainextra = "\n".join(_KOMBU_METHODS[k][1] for k in keys if _KOMBU_METHODS[k][1])
    v = sub(_KOMBU, w=w, fields="\n".join(lines), lineexpr=lineexpr,
            methods="\n" + methods, mainextra=mainextra,
            signalimport="import signal" if mainextra else "",
            lastlabel="".join(", " + {"ua": "user agent", "ref": "referer"}[l] for _, _, l in sorted(fields[2:], key=lambda f: f[0] != "referer")),
            exchange=c.pick("edge.access", f"{w}.events", "proxy-logs"),
            limit=c.pick(256, 512, 1024), prefetch=c.pick(50, 100, 200), heartbeat=c.pick(30, 60))
    return v, weak


def _kombu_fix(v, weak):
    key, name, _ = weak
    getter = f'event["{key}"]' if key == "path" else f'event.get("{key}") or "-"'
    return _twin(v, (f"    {name} = {getter}  #@S\n", f"    {name} = _oneline({getter})\n"))


@fam("mod4-kombu-audit-line-crlf", "CWE-117", fws=["pipeline"], n=8, wrap=False)
def mod4_kombu_audit_line_crlf(c):
    v, weak = _kombu(c)
    s = _kombu_fix(v, weak)
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes=f"fw=kombu; the audit line escapes control characters in every request field but the "
                      f"{weak[0]} (set by the client), which is written to the plain-text audit log as is: a value "
                      "with CR/LF forges further audit lines (a fake admin login, a fake 200 for a blocked request) "
                      "for the compliance team's tools; pass it through _oneline like the other fields")


@hardneg(3)
def mod4_kombu_audit_line_crlf_hn(c):
    v, weak = _kombu(c)
    s = _kombu_fix(v, weak)
    note = (
        "\n"
        "    def note(self, author: str, text: str) -> None:\n"
        "        \"\"\"An operator note (maintenance start, replayed backlog) in the audit log, escaped like request fields.\"\"\"\n"
        "        when = datetime.now(timezone.utc).isoformat(timespec=\"milliseconds\")\n"
        "        self._fh.write(f\"{when} NOTE by={_oneline(author, 64)} {_oneline(text)}\\n\")\n")
    s = s.replace("        message.ack()\n", "        message.ack()\n" + note, 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=kombu; every client-supplied field of the audit line goes through _oneline (control "
                      "characters escaped), the client address through ipaddress, the method through an allow-list")


# ---------------- CWE-1333: Luigi manifest validation with a nested-quantifier regex ----------------

_LUIGI = r'''
"""Luigi tasks for the $w partner drops: validate each drop's MANIFEST, then check the files it lists.

Partners upload a drop folder over SFTP: data files plus a MANIFEST with one line per file,
``<relative path>$sepdoc<rows>$sepdoc<sha256>``; lines starting with # are comments."""
from __future__ import annotations

$hashimport
import json
import logging
import re
from pathlib import Path

import luigi

log = logging.getLogger("luigi-interface.$w")

DROP_ROOT = Path("$droproot")
STATE_ROOT = Path("$stateroot")
ENTRY_RE = re.compile(r"^(?P<path>$pathre)$sep(?P<rows>\d{1,9})$sep(?P<sha256>[0-9a-f]{64})$")  #@V


class IngestConfig(luigi.Config):
    """[IngestConfig] section of luigi.cfg."""

    max_bad_lines = luigi.IntParameter(default=$maxbad)
    partners = luigi.ListParameter(default=$partners)


class PartnerDrop(luigi.ExternalTask):
    """The drop folder a partner uploaded; complete once its MANIFEST exists."""

    partner = luigi.Parameter()
    day = luigi.DateParameter()

    def output(self):
        return luigi.LocalTarget(str(DROP_ROOT / self.partner / f"{self.day:%Y%m%d}" / "MANIFEST"))


class ValidateManifest(luigi.Task):
    """Parse the MANIFEST into a JSON list of entries; too many malformed lines fail the drop."""

    partner = luigi.Parameter()
    day = luigi.DateParameter()

    def requires(self):
        return PartnerDrop(partner=self.partner, day=self.day)

    def output(self):
        return luigi.LocalTarget(str(STATE_ROOT / self.partner / f"{self.day:%Y%m%d}.manifest.json"))

    def run(self):
        entries, bad = [], []
        with self.input().open("r") as $fh:  #@S
            for number, raw in enumerate($fh, 1):
                $line = raw.rstrip("\r\n")
                if not $line or $line.startswith("#"):
                    continue
                $m = ENTRY_RE.match($line)  #@V
                if $m is None:
                    bad.append(number)
                    continue
                entries.append({"path": $m["path"], "rows": int($m["rows"]), "sha256": $m["sha256"]})
        if len(bad) > IngestConfig().max_bad_lines:
            raise ValueError(f"{self.partner} {self.day}: {len(bad)} malformed MANIFEST lines, first {bad[:5]}")
        with self.output().open("w") as out:
            json.dump({"partner": self.partner, "day": self.day.isoformat(), "entries": entries}, out)


$extra
'''

_LUIGI_EXTRAS = {
    "verify": r'''
class VerifyFiles(luigi.Task):
    """Every listed file exists inside the drop folder and has the listed SHA-256."""

    partner = luigi.Parameter()
    day = luigi.DateParameter()

    def requires(self):
        return ValidateManifest(partner=self.partner, day=self.day)

    def output(self):
        return luigi.LocalTarget(str(STATE_ROOT / self.partner / f"{self.day:%Y%m%d}.verified"))

    def run(self):
        drop = (DROP_ROOT / self.partner / f"{self.day:%Y%m%d}").resolve()
        with self.input().open("r") as fh:
            entries = json.load(fh)["entries"]
        for entry in entries:
            target = (drop / entry["path"]).resolve()
            if not target.is_relative_to(drop) or not target.is_file():
                raise ValueError(f"{entry['path']!r} is not a file of the drop")
            with target.open("rb") as data:
                if hashlib.file_digest(data, "sha256").hexdigest() != entry["sha256"]:
                    raise ValueError(f"checksum mismatch for {entry['path']!r}")
        with self.output().open("w") as out:
            out.write(f"{len(entries)} files verified\n")
''',
    "count": r'''
class CountRows(luigi.Task):
    """Total row count of the drop, for the partner's delivery report."""

    partner = luigi.Parameter()
    day = luigi.DateParameter()

    def requires(self):
        return ValidateManifest(partner=self.partner, day=self.day)

    def output(self):
        return luigi.LocalTarget(str(STATE_ROOT / self.partner / f"{self.day:%Y%m%d}.rows"))

    def run(self):
        with self.input().open("r") as fh:
            total = sum(entry["rows"] for entry in json.load(fh)["entries"])
        with self.output().open("w") as out:
            out.write(f"{total}\n")
''',
    "daily": r'''
class DailyIngest(luigi.WrapperTask):
    """All configured partners of one day; scheduled by cron with --day."""

    day = luigi.DateParameter()

    def requires(self):
        return [ValidateManifest(partner=p, day=self.day) for p in IngestConfig().partners]
''',
    "hook": r'''
@ValidateManifest.event_handler(luigi.Event.FAILURE)
def _manifest_failed(task, exception) -> None:
    """Log a failed validation with the partner and the day (the partner is told by the ops rota)."""
    log.error("MANIFEST of %s for %s rejected: %s", task.partner, task.day, type(exception).__name__)
''',
}

# (vulnerable path pattern, fixed path pattern)
_LUIGI_PATTERNS = [
    (r"([\w.-]+/?)+", r"[\w.-]+(?:/[\w.-]+)*"),
    (r"(\w+[/.-]?)+", r"\w+(?:[/.-]\w+)*"),
    (r"(?:[\w-]+[./]?)+", r"[\w-]+(?:[./][\w-]+)*"),
    (r"([A-Za-z0-9_.-]+/?)*", r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*"),
]


def _luigi(c):
    w, Wc = _w(c)
    weak, fixed = c.pick(*_LUIGI_PATTERNS)
    sep, sepdoc = c.pick((r"\s+", " "), (",", ","), (r"\t", "<TAB>"), (r"\s+", " "))
    small = ["daily", "hook"]
    c.rng.shuffle(small)
    keys = [c.pick("verify", "count")] + small[:c.rng.randint(0, 2)]
    c.rng.shuffle(keys)
    extra = "\n\n\n".join(dedent(_LUIGI_EXTRAS[k]).strip("\n") for k in keys)
    v = sub(_LUIGI.replace("$extra", extra).replace("$pathre", weak).replace("$sepdoc", sepdoc).replace("$sep", sep),
            w=w, hashimport="import hashlib" if "verify" in keys else "", fh=c.pick("fh", "manifest", "src"), line=c.pick("line", "text", "entry_line"),
            m=c.pick("m", "match", "parsed"),
            droproot=c.pick(f"/srv/sftp/{w}", "/data/partner-drops", f"/home/sftp/{w}/inbound"),
            stateroot=c.pick(f"/srv/ingest/{w}/state", "/var/lib/partner-ingest", f"/data/{w}/ingest-state"),
            maxbad=c.pick(0, 0, 3, 10),
            partners=c.pick('["acme", "globex"]', '["northwind", "initech", "umbrella"]', '["contoso"]'))
    return v, weak, fixed


@fam("mod4-luigi-manifest-redos", "CWE-1333", fws=["pipeline"], n=8, wrap=False)
def mod4_luigi_manifest_redos(c):
    v, weak, fixed = _luigi(c)
    s = _twin(v, (f"(?P<path>{weak})", f"(?P<path>{fixed})"))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="fw=luigi; the MANIFEST comes from the partner, and the path group of ENTRY_RE nests a "
                      f"quantified group ({weak}) whose pieces can split a run of word characters in exponentially "
                      "many ways: one MANIFEST line of 40 letters, a stray '!' and enough padding to pass the "
                      "pattern's minimum length keeps the worker in re.match for hours and blocks every later drop; "
                      "make each repetition start with the "
                      f"separator ({fixed})")


@hardneg(3)
def mod4_luigi_manifest_redos_hn(c):
    v, weak, fixed = _luigi(c)
    s = _twin(v, (f"(?P<path>{weak})", f"(?P<path>{fixed})"))
    # plus a length cap before the match
    s = s.replace('if not ', 'if len(raw) > 4096:\n                    raise ValueError(f"MANIFEST line {number} is too long")\n                if not ', 1)
    return Spec(s=s, full=True, fw="pipeline",
                notes="fw=luigi; the manifest regex has no nested quantifiers (each path segment starts with its "
                      "separator) and lines are length-capped before matching")
