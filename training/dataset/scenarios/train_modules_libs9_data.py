"""Train-only whole-module families on data and ML tooling (libs9 data set, mod9-*): realistic modules of
about 80-110 lines (model registries, feature stores, ETL steps, report generators, dataset importers,
notebook-exported feature builds) with exactly one weak statement each, and a twin that differs only by
the minimal fix.

Covers: a scikit-learn model registry (Flask upload endpoint or an S3-fed import worker) that opens the
submitted joblib artefact before checking the CI signature over its bytes (502); a feature-store cohort
API whose allow-listed column and operator are safe but whose value is pasted inside quotes into the
``DataFrame.query`` expression instead of bound with ``@value`` (94); an ETL step (Celery task or Redis
consumer) that writes its parquet / CSV / chart output under a name taken from the tenant's job spec
(22); a weekly feedback report that renders customer comments with Jinja2 while autoescaping is off
(a ``.j2`` template name that ``select_autoescape`` does not match, or a bare ``jinja2.Template``) (79);
a dataset import API that hands the submitted URL straight to ``pandas.read_csv`` / ``read_json`` /
``read_excel`` (918); and a notebook-exported / CLI feature build that spills ``np.memmap`` or
``np.save`` scratch arrays to predictable names in the shared temp directory (377).
The optional parts of each module are drawn per rendering (``_opt``), so the eight renderings differ in
their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, _w, sub, _opt, _append
from registry import fam, hardneg


# ---------------- CWE-502: model registry opens the submitted joblib artefact ----------------

_REG_FLASK = r'''
"""$Team model registry (Flask blueprint): upload, list and promote scikit-learn models.

The training pipeline uploads each fitted estimator as a joblib artefact; the registry checks that
it loads and predicts on a probe row before storing it under MODEL_ROOT/<name>/v<N>.joblib."""
from __future__ import annotations
$himp
import io
import json
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np
from flask import Blueprint, abort, jsonify, request

log = logging.getLogger("$team.registry")

bp = Blueprint("models", __name__, url_prefix="/api/models")
MODEL_ROOT = Path(os.environ.get("MODEL_ROOT", "$root"))
MAX_ARTEFACT = $mb * 1024 * 1024
N_FEATURES = $nfeat
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")$keyline


def _versions(name: str) -> list[int]:
    """Stored version numbers of one model, ascending."""
    folder = MODEL_ROOT / name
    if not folder.is_dir():
        return []
    return sorted(int(p.stem[1:]) for p in folder.glob("v*.joblib") if p.stem[1:].isdigit())


def _write_meta(name: str, version: int, meta: dict) -> None:
    meta = dict(meta, version=version, stored_at=datetime.now(timezone.utc).isoformat())
    (MODEL_ROOT / name / f"v{version}.json").write_text(json.dumps(meta, indent=2))


@bp.post("/<name>")
def upload_model(name: str):
    """Store a new version of ``name`` after a load-and-predict smoke test."""
    if not NAME_RE.fullmatch(name):
        abort(400, "invalid model name")
    upload = request.files.get("$field")  #@S
    if upload is None:
        abort(400, "artefact missing")
    blob = upload.stream.read(MAX_ARTEFACT + 1)
    if len(blob) > MAX_ARTEFACT:
        abort(413, "artefact too large")
$guard    $mdl = joblib.load(io.BytesIO(blob))  #@V
    if not hasattr($mdl, "$method"):
        abort(422, "artefact is not an estimator")
    $mdl.$method(np.zeros((1, N_FEATURES)))
    version = (_versions(name) or [0])[-1] + 1
    target = MODEL_ROOT / name / f"v{version}.joblib"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blob)
    _write_meta(name, version, {"estimator": type($mdl).__name__, "notes": request.form.get("notes", "")[:500]})
    log.info("stored %s v%d (%d bytes)", name, version, len(blob))
    return jsonify(name=name, version=version), 201


$extra
'''

_REG_FLASK_EXTRA = [
    r'''
@bp.get("/<name>")
def list_versions(name: str):
    """Version numbers and metadata of one model."""
    if not NAME_RE.fullmatch(name):
        abort(400, "invalid model name")
    out = []
    for version in _versions(name):
        meta_file = MODEL_ROOT / name / f"v{version}.json"
        out.append(json.loads(meta_file.read_text()) if meta_file.exists() else {"version": version})
    return jsonify(name=name, versions=out)
''',
    r'''
@bp.post("/<name>/promote")
def promote(name: str):
    """Point the model's ``current`` marker at an existing version."""
    if not NAME_RE.fullmatch(name):
        abort(400, "invalid model name")
    version = request.get_json(force=True).get("version")
    if version not in _versions(name):
        abort(404, "no such version")
    (MODEL_ROOT / name / "CURRENT").write_text(str(version))
    log.info("promoted %s to v%d", name, version)
    return jsonify(name=name, current=version)
''',
    r'''
@bp.delete("/<name>/<int:version>")
def delete_version(name: str, version: int):
    """Remove one stored version (the current one is kept)."""
    if not NAME_RE.fullmatch(name) or version not in _versions(name):
        abort(404)
    current = MODEL_ROOT / name / "CURRENT"
    if current.exists() and current.read_text().strip() == str(version):
        abort(409, "cannot delete the current version")
    for suffix in (".joblib", ".json"):
        (MODEL_ROOT / name / f"v{version}{suffix}").unlink(missing_ok=True)
    return "", 204
''',
]

_REG_WORKER = r'''
"""Partner model import worker: pulls submitted scikit-learn artefacts from the $team drop bucket.

Partners upload a joblib file to s3://$bucket/incoming/ and post a message naming the object key on
the import queue; the $team model-review service signs each artefact it has approved (object metadata
"signature", HMAC with a key partners never see). The worker smoke-tests the estimator and copies it
into the serving bucket."""
from __future__ import annotations
$himp
import io
import json
import logging
import os

import boto3
import joblib
import numpy as np

log = logging.getLogger("$team.model_import")

DROP_BUCKET = os.environ.get("DROP_BUCKET", "$bucket")
SERVING_BUCKET = os.environ.get("SERVING_BUCKET", "$bucket-serving")
QUEUE_URL = os.environ["IMPORT_QUEUE_URL"]
MAX_ARTEFACT = $mb * 1024 * 1024
N_FEATURES = $nfeat$keyline

s3 = boto3.client("s3")
sqs = boto3.client("sqs")


def fetch_artefact(key: str) -> tuple[bytes, dict]:
    """The submitted object's bytes and its user metadata."""
    if not key.startswith("incoming/") or key.endswith("/"):
        raise ValueError("artefacts are read from incoming/ only")
    obj = s3.get_object(Bucket=DROP_BUCKET, Key=key)
    if obj["ContentLength"] > MAX_ARTEFACT:
        raise ValueError("artefact too large")
    return obj["Body"].read(), obj.get("Metadata", {})


def reject(key: str, reason: str) -> None:
    """Move a failed submission to rejected/ so the partner sees it in their console."""
    dest = "rejected/" + key.split("/", 1)[1]
    s3.copy_object(Bucket=DROP_BUCKET, Key=dest, CopySource={"Bucket": DROP_BUCKET, "Key": key},
                   Metadata={"reason": reason[:200]}, MetadataDirective="REPLACE")
    s3.delete_object(Bucket=DROP_BUCKET, Key=key)
    log.warning("rejected %s: %s", key, reason)


def import_model(message: dict) -> str:
    """Smoke-test one submitted estimator and publish it; returns the serving key."""
    key = message["artefact_key"]  #@S
    blob, metadata = fetch_artefact(key)
$guard    $mdl = joblib.load(io.BytesIO(blob))  #@V
    if not hasattr($mdl, "$method"):
        raise ValueError(f"{key} is not an estimator")
    $mdl.$method(np.zeros((1, N_FEATURES)))
    target = "models/" + key.split("/", 1)[1]
    s3.put_object(Bucket=SERVING_BUCKET, Key=target, Body=blob,
                  Metadata={"estimator": type($mdl).__name__, "partner": str(message.get("partner", ""))[:64]})
    log.info("imported %s as %s", key, target)
    return target


$extra
'''

_REG_WORKER_EXTRA = [
    r'''
def poll(max_messages: int = $batch) -> int:
    """One long-poll round on the import queue; failed imports stay on the queue for the DLQ."""
    resp = sqs.receive_message(QueueUrl=QUEUE_URL, MaxNumberOfMessages=max_messages, WaitTimeSeconds=20)
    done = 0
    for msg in resp.get("Messages", []):
        try:
            import_model(json.loads(msg["Body"]))
        except (ValueError, PermissionError) as exc:
            reject(json.loads(msg["Body"])["artefact_key"], str(exc))
        except Exception:
            log.exception("import failed for message %s", msg["MessageId"])
            continue
        sqs.delete_message(QueueUrl=QUEUE_URL, ReceiptHandle=msg["ReceiptHandle"])
        done += 1
    return done
''',
    r'''
def pending_keys(limit: int = 100) -> list[str]:
    """Keys still waiting in incoming/ (for the operator dashboard)."""
    resp = s3.list_objects_v2(Bucket=DROP_BUCKET, Prefix="incoming/", MaxKeys=limit)
    return [o["Key"] for o in resp.get("Contents", []) if not o["Key"].endswith("/")]
''',
]

_REG_WORKER_MAIN = r'''
if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    while True:
        count = poll()
        if count:
            log.info("imported %d artefacts", count)
'''


def _registry(c, safe):
    team = c.pick("ml", "forecasting", "risk", "pricing", "search")
    mdl = c.pick("model", "estimator", "clf", "pipeline")
    method = c.pick("predict", "predict", "predict_proba")
    sig_src = c.pick("header", "form") if c.fw == "flask" else "meta"
    kw = dict(team=team, Team=team.capitalize(), mdl=mdl, method=method, mb=c.pick(50, 100, 200, 256),
              nfeat=c.pick(8, 12, 16, 24, 32), root=c.pick("/srv/models", "/var/lib/registry", "/data/models"),
              field=c.pick("artefact", "model", "file"), bucket=c.pick(f"{team}-model-drop", f"{team}-partner-models"),
              batch=c.pick(1, 5, 10))
    tmpl, extras = (_REG_FLASK, _REG_FLASK_EXTRA) if c.fw == "flask" else (_REG_WORKER, _REG_WORKER_EXTRA)
    extra = _opt(c, *extras, least=1)
    if c.fw != "flask" and "def poll" in extra and c.rng.random() < 0.6:
        extra += "\n\n\n" + dedent(_REG_WORKER_MAIN).strip("\n")
    if safe:
        kw["himp"] = "\nimport hashlib\nimport hmac"
        kw["keyline"] = '\nSIGNING_KEY = os.environ["MODEL_SIGNING_KEY"].encode()'
        if sig_src == "header":
            got = 'request.headers.get("X-Artefact-Signature", "")'
            fail = '        abort(403, "artefact signature invalid")'
        elif sig_src == "form":
            got = 'request.form.get("signature", "")'
            fail = '        abort(403, "artefact signature invalid")'
        else:
            got = 'metadata.get("signature", "")'
            fail = '        raise PermissionError(f"{key}: artefact signature invalid")'
        kw["guard"] = ("    expected = hmac.new(SIGNING_KEY, blob, hashlib.sha256).hexdigest()\n"
                       f"    if not hmac.compare_digest(expected, {got}):\n{fail}\n")
    else:
        kw.update(himp="", keyline="", guard="")
    return sub(tmpl.replace("$extra", extra), **kw)


@fam("mod9-model-registry-joblib-artefact", "CWE-502", fws=["flask", "pipeline"], n=8, wrap=False)
def mod9_model_registry_joblib_artefact(c):
    v, s = _replayed(c, _registry)
    return Spec(v=v, s=s, full=True, fw="flask" if c.fw == "flask" else "sqs",
                notes="joblib.load unpickles the submitted artefact: a crafted file runs code (__reduce__) in the "
                      "registry process before the estimator check. The fix verifies an HMAC-SHA256 signature over "
                      "the artefact bytes, made by the training pipeline (registry) or the model-review service "
                      "(partner import worker) with a key the submitter does not hold, "
                      "before anything is loaded")


@hardneg(2)
def mod9_model_registry_joblib_artefact_hn(c):
    name = c.pick("churn", "fraud", "eta", "ranker")
    s = sub(r'''
        """Batch scoring job: loads the release model shipped in the container image and scores a day of rows."""
        from __future__ import annotations

        import logging
        import os
        from pathlib import Path

        import joblib
        import pandas as pd

        log = logging.getLogger("scoring.$name")

        RELEASE_DIR = Path(__file__).resolve().parent / "models"
        MODELS = {"$name": "$name-v$ver.joblib", "baseline": "baseline-v1.joblib"}
        FEATURES = [$feats]


        def load_release_model(kind: str = "$name"):
            """One of the models baked into the image at build time (never a user-supplied file)."""
            if kind not in MODELS:
                raise KeyError(f"unknown model {kind!r}")
            return joblib.load(RELEASE_DIR / MODELS[kind])


        def score(frame: pd.DataFrame, kind: str = "$name") -> pd.Series:
            model = load_release_model(kind)
            missing = [col for col in FEATURES if col not in frame.columns]
            if missing:
                raise ValueError(f"missing features: {missing}")
            return pd.Series(model.$method(frame[FEATURES]), index=frame.index, name="score")


        def run(input_path: str, output_path: str) -> int:
            frame = pd.read_parquet(input_path)
            frame["score"] = score(frame)
            frame.to_parquet(output_path, index=False)
            log.info("scored %d rows", len(frame))
            return len(frame)


        if __name__ == "__main__":
            logging.basicConfig(level=logging.INFO)
            run(os.environ["SCORING_INPUT"], os.environ["SCORING_OUTPUT"])
    ''', name=name, ver=c.pick(2, 3, 4, 7),
           feats=", ".join(f'"{f}"' for f in c.rng.sample(["age_days", "orders_90d", "avg_basket", "returns", "tenure",
                                                              "sessions_7d", "country_code"], 4)),
           method=c.pick("predict", "decision_function"))
    return Spec(s=s, full=True, fw="script",
                notes="joblib.load only opens models from a fixed mapping inside the release directory of the image")


# ---------------- CWE-94: cohort value pasted into a DataFrame.query expression ----------------

_COHORT = r'''
"""Cohort builder for the $w feature store ($fwname).

Analysts choose a segment column and a value; the API filters the latest daily feature snapshot
with DataFrame.query and returns the cohort size and a sample of entity ids. Column names come
from an allow-list; the snapshot files are written by the nightly feature job."""
from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import pandas as pd
$fwimp

log = logging.getLogger("features.cohorts")
$app

SNAPSHOT_DIR = Path(os.environ.get("FEATURE_SNAPSHOTS", "$root"))
SEGMENT_COLUMNS = frozenset({$cols})
SAMPLE_SIZE = $sample
$consts

def latest_snapshot_path() -> Path:
    """Newest snapshot file; names sort by date (features-YYYYMMDD.parquet)."""
    files = sorted(SNAPSHOT_DIR.glob("features-*.parquet"))
    if not files:
        raise FileNotFoundError(f"no snapshots in {SNAPSHOT_DIR}")
    return files[-1]


@functools.lru_cache(maxsize=2)
def load_snapshot(path: Path) -> pd.DataFrame:
    """One snapshot, cached; snapshot files are immutable once written."""
    frame = pd.read_parquet(path)
    log.info("loaded %s (%d rows)", path.name, len(frame))
    return frame


$select


$route


$extra
'''

_COHORT_SELECT = {
    "compare": r'''
def select_cohort(frame: pd.DataFrame, column: str, op: str, $val: str) -> pd.DataFrame:
    """Rows whose ``column`` equals (or differs from) the value; column and operator are allow-listed."""
    if column not in SEGMENT_COLUMNS or op not in OPERATORS:
        raise ValueError("unsupported filter")
    expr = $expr  #@V
    return frame.query(expr)  #@V
''',
    "in": r'''
def select_cohort(frame: pd.DataFrame, column: str, $val: list[str]) -> pd.DataFrame:
    """Rows whose ``column`` is one of the chosen values; the column is allow-listed."""
    if column not in SEGMENT_COLUMNS or not $val:
        raise ValueError("unsupported filter")
    if len($val) > MAX_VALUES:
        raise ValueError(f"at most {MAX_VALUES} values")
$expr
''',
    "prefix": r'''
def select_cohort(frame: pd.DataFrame, column: str, $val: str) -> pd.DataFrame:
    """Rows whose ``column`` starts with the prefix; the column is allow-listed."""
    if column not in SEGMENT_COLUMNS or len($val) < MIN_PREFIX:
        raise ValueError("unsupported filter")
    return frame.query($expr, engine="python")  #@V
''',
}

_COHORT_ROUTE = {
    "flask": r'''
@app.get("/cohorts/size")
def cohort_size():
    """Size and a sample of one cohort."""
    column = request.args.get("column", "")
$read
    try:
        cohort = select_cohort(load_snapshot(latest_snapshot_path()), column, $args)
    except ValueError as exc:
        abort(400, str(exc))
    log.info("cohort on %s: %d rows", column, len(cohort))
    return jsonify(size=len(cohort), sample=cohort["$id"].head(SAMPLE_SIZE).tolist())
''',
    "fastapi": r'''
@app.get("/cohorts/size")
async def cohort_size($params):
    """Size and a sample of one cohort."""
$read
    try:
        cohort = select_cohort(load_snapshot(latest_snapshot_path()), column, $args)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc))
    log.info("cohort on %s: %d rows", column, len(cohort))
    return {"size": len(cohort), "sample": cohort["$id"].head(SAMPLE_SIZE).tolist()}
''',
}

_COHORT_EXTRA = {
    "flask": [r'''
@app.get("/cohorts/columns")
def segment_values():
    """Distinct values of every segment column, for the UI's pickers."""
    frame = load_snapshot(latest_snapshot_path())
    return jsonify({col: sorted(map(str, frame[col].dropna().unique()))[:200] for col in sorted(SEGMENT_COLUMNS)})
''', r'''
@app.get("/snapshots/latest")
def snapshot_info():
    """Name, row count and columns of the snapshot the API is serving."""
    path = latest_snapshot_path()
    frame = load_snapshot(path)
    return jsonify(name=path.name, rows=len(frame), columns=list(frame.columns))
''', r'''
@app.post("/snapshots/reload")
def reload_snapshot():
    """Drop the cached snapshot after the nightly job has written a new one."""
    load_snapshot.cache_clear()
    log.info("snapshot cache cleared")
    return jsonify(reloaded=latest_snapshot_path().name)
'''],
    "fastapi": [r'''
@app.get("/cohorts/columns")
async def segment_values() -> dict:
    """Distinct values of every segment column, for the UI's pickers."""
    frame = load_snapshot(latest_snapshot_path())
    return {col: sorted(map(str, frame[col].dropna().unique()))[:200] for col in sorted(SEGMENT_COLUMNS)}
''', r'''
@app.get("/snapshots/latest")
async def snapshot_info() -> dict:
    """Name, row count and columns of the snapshot the API is serving."""
    path = latest_snapshot_path()
    frame = load_snapshot(path)
    return {"name": path.name, "rows": len(frame), "columns": list(frame.columns)}
''', r'''
@app.get("/features/summary")
async def feature_summary() -> dict:
    """count / mean / std / quartiles of the numeric features."""
    frame = load_snapshot(latest_snapshot_path())
    return frame.select_dtypes("number").describe().round(3).to_dict()
'''],
}


def _cohort(c, safe):
    w, _ = _w(c)
    fw = c.fw
    shape = c.pick("compare", "in", "prefix")
    cols = c.rng.sample(["country", "plan", "channel", "device", "segment", "region", "tier", "language"], 4)
    val = c.pick("value", "wanted", "choice") if shape != "in" else c.pick("values", "wanted", "choices")
    ent = c.pick("entity_id", "customer_id", "account_id", "user_id")
    quote = c.pick("'", '\\"')
    extra = _opt(c, *_COHORT_EXTRA[fw], least=2)
    consts = ""
    if shape == "compare":
        consts = 'OPERATORS = {"eq": "==", "ne": "!="}\n'
        rhs = f"@{val}" if safe else f"{quote}{{{val}}}{quote}"
        expr = f'f"{{column}} {{OPERATORS[op]}} {rhs}"'
        if safe:
            expr_line = expr
        else:
            expr_line = expr
    elif shape == "in":
        consts = f"MAX_VALUES = {c.pick(20, 50, 100)}\n"
        if safe:
            expr = f'    return frame.query(f"{{column}} in @{val}")'
        else:
            expr = (f'    quoted = ", ".join(f"{quote}{{v}}{quote}" for v in {val})  #@V\n'
                    f'    return frame.query(f"{{column}} in [{{quoted}}]")  #@V')
    else:
        consts = f"MIN_PREFIX = {c.pick(2, 3)}\n"
        rhs = f"@{val}" if safe else f"{quote}{{{val}}}{quote}"
        expr = f'f"{{column}}.str.startswith({rhs})"'
    select = sub(_COHORT_SELECT[shape], val=val, expr=expr)
    if safe:
        select = select.replace("  #@V", "")
    if fw == "flask":
        fwimp = "from flask import Flask, abort, jsonify, request"
        app = "app = Flask(__name__)"
        if shape == "in":
            read = f'    {val} = request.args.getlist("value")  #@S'
        else:
            read = f'    {val} = request.args.get("value", "").strip()  #@S'
        if shape == "compare":
            read = '    op = request.args.get("op", "eq")\n' + read
        params = ""
    else:
        fwimp = "from fastapi import FastAPI, HTTPException, Query"
        app = f'app = FastAPI(title="{w.capitalize()} cohorts")'
        if shape == "in":
            params = "column: str, value: list[str] = Query(default=[])"
            read = f"    {val} = [v.strip() for v in value if v.strip()]  #@S"
        elif shape == "compare":
            params = 'column: str, value: str, op: str = "eq"'
            read = f"    {val} = value.strip()  #@S"
        else:
            params = "column: str, value: str"
            read = f"    {val} = value.strip()  #@S"
    args = ("op, " if shape == "compare" else "") + val
    route = sub(_COHORT_ROUTE[fw], read=read, args=args, params=params, id=ent)
    return sub(_COHORT.replace("$select", select.strip("\n")).replace("$route", route.strip("\n")).replace("$extra", extra),
               w=w, fwname="Flask" if fw == "flask" else "FastAPI", fwimp=fwimp, app=app, consts=consts,
               root=c.pick("/srv/features", "/data/feature-store", "/var/lib/features"),
               cols=", ".join(f'"{x}"' for x in cols), sample=c.pick(10, 20, 25, 50))


@fam("mod9-cohort-query-value-paste", "CWE-94", fws=["flask", "fastapi"], n=8, wrap=False)
def mod9_cohort_query_value_paste(c):
    v, s = _replayed(c, _cohort)
    return Spec(v=v, s=s, full=True,
                notes="DataFrame.query parses its string as a pandas expression that resolves @-names from the "
                      "caller's scope and follows attribute access and calls, so a value pasted inside quotes can "
                      "close the quote and call into the module's globals (x' or @pd.io.common.os.system('id') or "
                      "'). The column and the operator are allow-listed; the fix binds the value as a local with "
                      "@name instead of pasting it into the expression text")


@hardneg(2)
def mod9_cohort_query_value_paste_hn(c):
    s = _cohort(c, True)
    s = _append(s, r'''
        def high_value(frame: pd.DataFrame, threshold: float, countries: list[str]) -> pd.DataFrame:
            """Customers above a spend threshold in some countries; every value is an @-bound local."""
            threshold = float(threshold)
            return frame.query("spend_90d >= @threshold and country in @countries")
    ''')
    return Spec(s=s, full=True, notes="DataFrame.query expressions are constant text; every value is bound with @name")


# ---------------- CWE-22: ETL step writes its output under a name from the tenant's job spec ----------------

_ETL = r'''
"""$W rollup step of the tenant ETL ($runname).

Tenants submit job specs through the portal (dataset, grouping, metric, output file name); this
step reads the tenant's raw table, aggregates it and writes the result to the tenant's export
folder, from where the portal serves it for download."""
from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import date
from pathlib import Path

import pandas as pd
$runimp

log = logging.getLogger("etl.$w")

RAW_ROOT = Path(os.environ.get("ETL_RAW_ROOT", "$raw"))
EXPORT_ROOT = Path(os.environ.get("ETL_EXPORT_ROOT", "$exp"))
DATASETS = {$datasets}
METRICS = {"count": "size", "sum": "sum", "mean": "mean", "max": "max"}
TENANT_RE = re.compile(r"^[a-z0-9-]{3,40}$")
$runobj


def load_dataset(tenant: str, dataset: str) -> pd.DataFrame:
    """The tenant's raw table; dataset names come from a fixed mapping."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}")
    return pd.read_parquet(RAW_ROOT / tenant / DATASETS[dataset])


def rollup(frame: pd.DataFrame, by: list[str], metric: str, column: str) -> pd.DataFrame:
    """``metric`` of ``column`` per group of ``by``."""
    unknown = [col for col in [*by, column] if col not in frame.columns]
    if unknown or metric not in METRICS:
        raise ValueError(f"unsupported rollup (unknown columns: {unknown})")
    grouped = frame.groupby(by, dropna=False)[column]
    out = grouped.size() if metric == "count" else grouped.agg(METRICS[metric])
    return out.reset_index(name=f"{column}_{metric}")


def output_path(tenant: str, spec: dict) -> Path:
    """The tenant's export folder, under the file name the job spec asks for."""
    $name = spec.get("output") or f"{spec['dataset']}-{date.today():%Y%m%d}.$ext"  #@S
    folder = EXPORT_ROOT / tenant
    folder.mkdir(parents=True, exist_ok=True)
$target
    return target


$writer


$handler


$extra
'''

_ETL_WRITERS = {
    "parquet": r'''
def write_output(result: pd.DataFrame, target: Path) -> None:
    result.to_parquet(target, index=False)
    log.info("wrote %d rows to %s", len(result), target.name)
''',
    "csv": r'''
def write_output(result: pd.DataFrame, target: Path) -> None:
    result.to_csv(target, index=False, encoding="utf-8")
    log.info("wrote %d rows to %s", len(result), target.name)
''',
    "png": r'''
def write_output(result: pd.DataFrame, target: Path) -> None:
    """A bar chart of the rollup (the portal shows it inline)."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    result.plot.bar(x=result.columns[0], y=result.columns[-1], ax=ax, legend=False)
    ax.set_ylabel(result.columns[-1])
    fig.tight_layout()
    fig.savefig(target, dpi=120)
    plt.close(fig)
    log.info("wrote chart of %d groups to %s", len(result), target.name)
''',
}

_ETL_HANDLER = {
    "celery": r'''
@app.task(name="etl.$w", acks_late=True)
def run_rollup(spec: dict) -> str:
    """Celery entry point: one tenant job spec."""
    tenant = spec["tenant"]
    if not TENANT_RE.fullmatch(tenant):
        raise ValueError("invalid tenant id")
    frame = load_dataset(tenant, spec["dataset"])
    result = rollup(frame, list(spec.get("by", ["day"])), spec.get("metric", "count"), spec.get("column", "id"))
    target = output_path(tenant, spec)
    write_output(result, target)
    return target.name
''',
    "queue": r'''
def handle(spec: dict) -> str:
    """One tenant job spec from the queue."""
    tenant = spec["tenant"]
    if not TENANT_RE.fullmatch(tenant):
        raise ValueError("invalid tenant id")
    frame = load_dataset(tenant, spec["dataset"])
    result = rollup(frame, list(spec.get("by", ["day"])), spec.get("metric", "count"), spec.get("column", "id"))
    target = output_path(tenant, spec)
    write_output(result, target)
    return target.name


def consume() -> None:
    """Block on the job list; bad specs are logged and skipped."""
    while True:
        item = queue.blpop(QUEUE_KEY, timeout=30)
        if item is None:
            continue
        _, raw = item
        try:
            handle(json.loads(raw))
        except (ValueError, KeyError) as exc:
            log.warning("skipped job: %s", exc)
''',
}

_ETL_EXTRA = [
    r'''
def prune_exports(tenant: str, keep_days: int = $keep) -> int:
    """Delete export files older than ``keep_days`` from one tenant's folder."""
    folder = EXPORT_ROOT / tenant
    cutoff = time.time() - keep_days * 86400
    removed = 0
    for path in folder.glob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed
''',
    r'''
def list_exports(tenant: str) -> list[dict]:
    """File names, sizes and dates of one tenant's exports (for the portal listing)."""
    folder = EXPORT_ROOT / tenant
    if not folder.is_dir():
        return []
    rows = [{"name": p.name, "bytes": p.stat().st_size, "mtime": int(p.stat().st_mtime)}
            for p in folder.iterdir() if p.is_file()]
    return sorted(rows, key=lambda row: row["mtime"], reverse=True)
''',
    r'''
def write_manifest(tenant: str) -> Path:
    """manifest.json next to the exports, listing them for the portal's sync job."""
    folder = EXPORT_ROOT / tenant
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "manifest.json")
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"tenant": tenant, "files": names}, indent=2))
    return manifest
''',
]


def _etl(c, safe):
    w = c.pick("orders", "usage", "billing", "sessions", "inventory")
    runner = c.fw
    fmt = c.pick("parquet", "csv", "png")
    name = c.pick("name", "file_name", "out_name", "requested")
    fix = c.pick("resolve", "basename")
    extra = _opt(c, *_ETL_EXTRA, least=1, most=2)
    ds = c.rng.sample(["orders", "sessions", "tickets", "invoices", "events", "shipments"], 3)
    if safe:
        if fix == "resolve":
            target = ("    target = (folder / $name).resolve()\n"
                      "    if not target.is_relative_to(folder.resolve()):\n"
                      '        raise ValueError("output must stay in the export folder")')
        else:
            target = "    target = folder / Path($name).name"
    else:
        target = "    target = folder / $name  #@V"
    if runner == "celery":
        runimp = "from celery import Celery"
        runobj = 'app = Celery("etl", broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"))'
    else:
        runimp = "import redis"
        runobj = ('queue = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))\n'
                  f'QUEUE_KEY = "etl:{w}"')
    if fmt == "png":
        runimp = "import matplotlib\n" + runimp + '\n\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt  # noqa: E402'
    body = (_ETL.replace("$writer", dedent(_ETL_WRITERS[fmt]).strip("\n"))
            .replace("$handler", dedent(_ETL_HANDLER[runner]).strip("\n"))
            .replace("$extra", extra).replace("$target", target))
    return sub(body, W=w.capitalize(), w=w, runname="Celery task" if runner == "celery" else "Redis list consumer",
               runimp=runimp, runobj=runobj, name=name, ext=fmt,
               raw=c.pick("/data/raw", "/srv/etl/raw", "/mnt/lake/raw"),
               exp=c.pick("/data/exports", "/srv/etl/exports", "/mnt/lake/exports"),
               datasets=", ".join(f'"{d}": "{d}.parquet"' for d in ds), keep=c.pick(7, 14, 30))


@fam("mod9-etl-output-name-from-spec", "CWE-22", fws=["celery", "queue"], n=8, wrap=False)
def mod9_etl_output_name_from_spec(c):
    v, s = _replayed(c, _etl)
    return Spec(v=v, s=s, full=True,
                notes="the output file name comes from the tenant's job spec and is joined to the export folder "
                      "unchecked: ../ segments (or an absolute name, which replaces the folder in a pathlib join) "
                      "make the ETL worker overwrite files of other tenants or of the host. The fix keeps only the "
                      "final path component, or resolves the target and requires it to stay inside the folder")


@hardneg(2)
def mod9_etl_output_name_from_spec_hn(c):
    s = _etl(c, True)
    return Spec(s=s, full=True,
                notes="the job's output name is reduced to its last component or checked after resolve()")


# ---------------- CWE-79: feedback report rendered by Jinja2 with autoescaping off ----------------

_FEEDBACK = r'''
"""Weekly $topic feedback report: customer comments from the survey export, rendered to HTML.

The survey tool drops a CSV export into INBOX; this module aggregates the scores per $group,
draws the trend chart with matplotlib and renders an HTML page for the support leads$where."""
from __future__ import annotations

import base64
import io
import logging
import os
from datetime import date
from pathlib import Path

import matplotlib
import pandas as pd
$fwimp
from jinja2 import $jimp

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

log = logging.getLogger("reports.$topic")

INBOX = Path(os.environ.get("SURVEY_INBOX", "$inbox"))
LOW_SCORE = $low
MAX_COMMENTS = $maxc
$consts
TEMPLATE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
<img alt="score trend" src="data:image/png;base64,{{ chart }}">
<table>
<tr><th>$Group</th><th>Responses</th><th>Average score</th></tr>
{% for row in summary %}<tr><td>{{ row.$group }}</td><td>{{ row.responses }}</td><td>{{ "%.2f"|format(row.score) }}</td></tr>
{% endfor %}</table>
<h2>Low scores</h2>
<ul>{% for c in comments %}<li><b>{{ c.customer }}</b> ({{ c.score }}): {{ c.comment }}</li>{% endfor %}</ul>
</body></html>
"""
$envline

def latest_export() -> Path:
    """Newest CSV export in the inbox."""
    files = sorted(INBOX.glob("*.csv"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise FileNotFoundError(f"no survey exports in {INBOX}")
    return files[-1]


def load_responses(path: Path) -> pd.DataFrame:
    """Survey rows; comments are free text typed by customers."""
    frame = pd.read_csv(path, usecols=["customer", "$group", "score", "comment", "submitted_at"], parse_dates=["submitted_at"])  #@S
    frame["comment"] = frame["comment"].fillna("").str.strip()
    return frame.dropna(subset=["score"])


def summarise(frame: pd.DataFrame) -> list[dict]:
    """Responses and mean score per $group, worst first."""
    out = frame.groupby("$group").agg(responses=("score", "size"), score=("score", "mean")).reset_index()
    return out.sort_values("score").to_dict(orient="records")


def trend_chart(frame: pd.DataFrame) -> str:
    """Weekly mean score as a base64 PNG."""
    weekly = frame.set_index("submitted_at")["score"].resample("W").mean()
    fig, ax = plt.subplots(figsize=($fw_, 3))
    weekly.plot(ax=ax, marker="o")
    ax.set_ylim(1, 5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_report(frame: pd.DataFrame, title: str) -> str:
    """The report page: summary table, chart and the latest low-score comments."""
    low = frame[frame["score"] <= LOW_SCORE].sort_values("submitted_at", ascending=False).head(MAX_COMMENTS)
    comments = low[["customer", "score", "comment"]].to_dict(orient="records")
$render


$entry
'''

_FEEDBACK_ENTRY = {
    "script": r'''
def archive(path: Path) -> None:
    """Move a processed export out of the inbox."""
    done = INBOX / "processed"
    done.mkdir(exist_ok=True)
    path.rename(done / path.name)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    path = latest_export()
    frame = load_responses(path)
    html = render_report(frame, f"$Topic feedback, week {date.today():%G-W%V}")
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    target = REPORT_DIR / f"$topic-feedback-{date.today():%G-W%V}.html"
    target.write_text(html, encoding="utf-8")
    log.info("wrote %s from %d responses", target.name, len(frame))
    archive(path)


if __name__ == "__main__":
    main()
''',
    "flask": r'''
@app.get("/reports/$topic")
def feedback_report():
    """The current report, rendered from the newest export."""
    try:
        frame = load_responses(latest_export())
    except FileNotFoundError:
        abort(404)
    html = render_report(frame, f"$Topic feedback, week {date.today():%G-W%V}")
    return Response(html, mimetype="text/html")


@app.get("/reports/$topic/summary.json")
def feedback_summary():
    """The per-$group numbers only, for the dashboard tiles."""
    frame = load_responses(latest_export())
    return jsonify(rows=summarise(frame), responses=len(frame))
''',
}


_FEEDBACK_MORE = [
    r'''
def detractors(frame: pd.DataFrame) -> pd.DataFrame:
    """Customers with two or more low scores in the export, for the follow-up list."""
    low = frame[frame["score"] <= LOW_SCORE]
    counts = low.groupby("customer").size()
    return counts[counts >= 2].rename("low_scores").reset_index()
''',
    r'''
def response_rate(frame: pd.DataFrame, invited: int) -> float:
    """Share of invited customers who answered (the survey tool reports the invite count)."""
    return round(frame["customer"].nunique() / invited, 3) if invited else 0.0
''',
]


def _feedback(c, safe):
    topic = c.pick("support", "onboarding", "delivery", "checkout", "product")
    group = c.pick("team", "region", "channel", "agent")
    mode = c.pick("env", "env", "template")
    tname = c.pick("feedback.html.j2", "report.jinja", "weekly.jinja2", "feedback.tpl", "report.html.jinja")
    fixenv = c.pick("default", "true")
    exts = c.pick('["html", "xml"]', '("html", "htm", "xml")', '["html"]')
    kw = dict(topic=topic, Topic=topic.capitalize(), group=group, Group=group.capitalize(), low=c.pick(2, 3),
              maxc=c.pick(50, 100, 200), inbox=c.pick("/srv/survey/inbox", "/data/survey/exports", "/var/spool/survey"),
              fw_=c.pick(6, 7, 8))
    rargs = "title=title, chart=trend_chart(frame), summary=summarise(frame), comments=comments"
    if mode == "env":
        kw["jimp"] = "DictLoader, Environment, select_autoescape"
        if safe:
            auto = f"select_autoescape({exts}, default=True)" if fixenv == "default" else "True"
            kw["envline"] = f'env = Environment(loader=DictLoader({{"{tname}": TEMPLATE}}), autoescape={auto})\n'
        else:
            kw["envline"] = (f'env = Environment(loader=DictLoader({{"{tname}": TEMPLATE}}), '
                             f'autoescape=select_autoescape({exts}))  #@V\n')
        kw["render"] = f'    return env.get_template("{tname}").render({rargs})'
    else:
        kw["jimp"] = "Template"
        kw["envline"] = ""
        kw["render"] = (f"    return Template(TEMPLATE, autoescape=True).render({rargs})" if safe
                        else f"    return Template(TEMPLATE).render({rargs})  #@V")
    if c.fw == "flask":
        kw["fwimp"] = "from flask import Flask, Response, abort, jsonify"
        kw["consts"] = "\napp = Flask(__name__)\n"
        kw["where"] = ", served by the intranet dashboard"
    else:
        kw["fwimp"] = ""
        kw["consts"] = f'REPORT_DIR = Path(os.environ.get("REPORT_DIR", "{c.pick("/srv/intranet/reports", "/var/www/reports")}"))\n'
        kw["where"] = ", written to the intranet share they open in a browser"
    more = _opt(c, *_FEEDBACK_MORE, least=0)
    entry = dedent(_FEEDBACK_ENTRY[c.fw]).strip("\n")
    body = _FEEDBACK.replace("$entry", (more + "\n\n\n" + entry) if more else entry)
    out = sub(body, **kw)
    return out.replace("\n\n\n\n", "\n\n\n").replace("pandas as pd\n\nfrom jinja2", "pandas as pd\nfrom jinja2")


@fam("mod9-feedback-report-jinja-autoescape", "CWE-79", fws=["script", "flask"], n=8, wrap=False)
def mod9_feedback_report_jinja_autoescape(c):
    v, s = _replayed(c, _feedback)
    return Spec(v=v, s=s, full=True,
                notes="the page shows customers' survey comments and names through Jinja2 with autoescaping off: "
                      "select_autoescape only turns it on for templates whose name ends in one of its extensions "
                      "(the .j2 / .jinja / .tpl name matches none, and default=False), and a bare jinja2.Template "
                      "never escapes. A comment holding <script> runs in the support leads' browser. The fix turns "
                      "autoescaping on (default=True / autoescape=True); the base64 chart is unaffected")


@hardneg(2)
def mod9_feedback_report_jinja_autoescape_hn(c):
    s = _feedback(c, True)
    s = _append(s, r'''
        def comment_snippet(comment: str, limit: int = 160) -> Markup:
            """A shortened comment for the mail digest, escaped before it is wrapped as Markup."""
            text = comment if len(comment) <= limit else comment[: limit - 1] + "\u2026"
            return Markup("<q>{}</q>").format(text)
    ''')
    s = s.replace("import matplotlib\n", "import matplotlib\nfrom markupsafe import Markup\n", 1)
    return Spec(s=s, full=True,
                notes="autoescaping is on for the report template; Markup.format escapes the comment it wraps")


# ---------------- CWE-918: dataset import hands the submitted URL to a pandas reader ----------------

_IMPORT = r'''
"""Dataset import API for the $w notebooks service ($fwname).

Users register a remote dataset by URL; the service reads it with pandas, profiles the columns
and stores a parquet copy under DATA_ROOT/<dataset id>.parquet for the notebook kernels."""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path$uimp

import pandas as pd
$fwimp

log = logging.getLogger("datasets.import")
$app
DATA_ROOT = Path(os.environ.get("DATA_ROOT", "$root"))
MAX_ROWS = $maxrows
$consts

def profile(frame: pd.DataFrame) -> list[dict]:
    """Column name, dtype, null share and distinct count of every column."""
    out = []
    for name in frame.columns:
        col = frame[name]
        out.append({"column": str(name), "dtype": str(col.dtype),
                    "nulls": round(float(col.isna().mean()), 4), "distinct": int(col.nunique())})
    return out


def store(frame: pd.DataFrame) -> str:
    """Persist a parquet copy under a fresh id."""
    dataset_id = uuid.uuid4().hex
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(DATA_ROOT / f"{dataset_id}.parquet", index=False)
    return dataset_id
$helper

$route


$extra
'''

_READERS = {
    "csv": "pd.read_csv(url, nrows=MAX_ROWS)",
    "tsv": 'pd.read_table(url, sep="\\t", nrows=MAX_ROWS)',
    "jsonl": "pd.read_json(url, lines=True, nrows=MAX_ROWS)",
    "xlsx": "pd.read_excel(url, nrows=MAX_ROWS)",
}

_IMPORT_ROUTE = {
    "flask": r'''
@app.post("/datasets")
def import_dataset():
    """Register a dataset from a URL: read, profile, store."""
    payload = request.get_json(force=True) or {}
    url = str(payload.get("source_url", "")).strip()  #@S
$check
    try:
        frame = $reader  #@V
    except (ValueError, OSError) as exc:
        log.warning("import of %s failed: %s", url, exc)
        abort(422, "could not read the dataset")
    dataset_id = store(frame)
    log.info("imported %s as %s (%d rows)", url, dataset_id, len(frame))
    return jsonify(id=dataset_id, rows=len(frame), columns=profile(frame)), 201
''',
    "fastapi": r'''
@app.post("/datasets", status_code=201)
async def import_dataset(payload: dict = Body(...)) -> dict:
    """Register a dataset from a URL: read, profile, store."""
    url = str(payload.get("source_url", "")).strip()  #@S
$check
    try:
        frame = await run_in_threadpool(lambda: $reader)  #@V
    except (ValueError, OSError) as exc:
        log.warning("import of %s failed: %s", url, exc)
        raise HTTPException(status_code=422, detail="could not read the dataset")
    dataset_id = store(frame)
    log.info("imported %s as %s (%d rows)", url, dataset_id, len(frame))
    return {"id": dataset_id, "rows": len(frame), "columns": profile(frame)}
''',
}

_IMPORT_EXTRA = {
    "flask": [r'''
@app.get("/datasets/<dataset_id>")
def dataset_preview(dataset_id: str):
    """First rows of a stored dataset."""
    if len(dataset_id) != 32 or not all(ch in "0123456789abcdef" for ch in dataset_id):
        abort(404)
    path = DATA_ROOT / f"{dataset_id}.parquet"
    if not path.exists():
        abort(404)
    return jsonify(rows=pd.read_parquet(path).head(20).to_dict(orient="records"))
''', r'''
@app.delete("/datasets/<dataset_id>")
def drop_dataset(dataset_id: str):
    """Remove a stored copy."""
    path = DATA_ROOT / f"{uuid.UUID(hex=dataset_id).hex}.parquet"
    path.unlink(missing_ok=True)
    return "", 204
''', r'''
@app.get("/datasets/<dataset_id>/stats")
def dataset_stats(dataset_id: str):
    """describe() of the numeric columns of a stored dataset."""
    path = DATA_ROOT / f"{uuid.UUID(hex=dataset_id).hex}.parquet"
    if not path.exists():
        abort(404)
    frame = pd.read_parquet(path)
    return jsonify(frame.select_dtypes("number").describe().round(4).to_dict())
'''],
    "fastapi": [r'''
@app.get("/datasets/{dataset_id}")
async def dataset_preview(dataset_id: uuid.UUID) -> dict:
    """First rows of a stored dataset."""
    path = DATA_ROOT / f"{dataset_id.hex}.parquet"
    if not path.exists():
        raise HTTPException(status_code=404)
    return {"rows": pd.read_parquet(path).head(20).to_dict(orient="records")}
''', r'''
@app.get("/datasets")
async def list_datasets() -> dict:
    """Ids and sizes of the stored copies."""
    return {"datasets": [{"id": p.stem, "bytes": p.stat().st_size} for p in sorted(DATA_ROOT.glob("*.parquet"))]}
''', r'''
@app.get("/datasets/{dataset_id}/stats")
async def dataset_stats(dataset_id: uuid.UUID) -> dict:
    """describe() of the numeric columns of a stored dataset."""
    path = DATA_ROOT / f"{dataset_id.hex}.parquet"
    if not path.exists():
        raise HTTPException(status_code=404)
    frame = pd.read_parquet(path)
    return frame.select_dtypes("number").describe().round(4).to_dict()
'''],
}


def _import(c, safe):
    w, _ = _w(c)
    fw = c.fw
    fmt = c.pick("csv", "tsv", "jsonl", "xlsx")
    pre = c.pick("none", "scheme")
    hosts = c.rng.sample(["data.gov", "zenodo.org", "raw.githubusercontent.com", "data.europa.eu",
                          "opendata.example-city.org", "datasets.internal-mirror.example.com"], 3)
    extra = _opt(c, *_IMPORT_EXTRA[fw], least=2)
    fail = '        abort(400, "{}")' if fw == "flask" else '        raise HTTPException(status_code=400, detail="{}")'
    kw = dict(w=w, fwname="Flask" if fw == "flask" else "FastAPI", root=c.pick("/srv/notebooks/data", "/data/datasets"),
              maxrows=c.pick(100_000, 250_000, 1_000_000), reader=_READERS[fmt])
    if fw == "flask":
        kw["fwimp"] = "from flask import Flask, abort, jsonify, request"
        kw["app"] = "app = Flask(__name__)\n"
    else:
        kw["fwimp"] = "from fastapi import Body, FastAPI, HTTPException\nfrom starlette.concurrency import run_in_threadpool"
        kw["app"] = f'app = FastAPI(title="{w.capitalize()} datasets")\n'
    if safe:
        kw["uimp"] = "\nfrom urllib.parse import urlsplit"
        kw["consts"] = "ALLOWED_HOSTS = frozenset({" + ", ".join(f'"{h}"' for h in hosts) + "})\n"
        kw["helper"] = ('\n\ndef allowed_source(url: str) -> bool:\n'
                        '    """Only https URLs on the catalogued open-data hosts."""\n'
                        '    parts = urlsplit(url)\n'
                        '    return parts.scheme == "https" and parts.hostname in ALLOWED_HOSTS\n')
        kw["check"] = "    if not allowed_source(url):\n" + fail.format("only catalogued https sources are accepted")
    else:
        kw["consts"] = ""
        kw["helper"] = ""
        if pre == "scheme":
            kw["uimp"] = ""
            kw["check"] = ('    if not url.startswith(("http://", "https://")):  #@V\n'
                           + fail.format("source_url must be an http(s) URL"))
        else:
            kw["uimp"] = ""
            kw["check"] = "    if not url:\n" + fail.format("source_url is required")
    route = sub(_IMPORT_ROUTE[fw], check=kw.pop("check"), reader=kw["reader"])
    return sub(_IMPORT.replace("$route", route.strip("\n")).replace("$extra", extra), **kw)


@fam("mod9-dataset-import-pandas-url", "CWE-918", fws=["flask", "fastapi"], n=8, wrap=False)
def mod9_dataset_import_pandas_url(c):
    v, s = _replayed(c, _import)
    return Spec(v=v, s=s, full=True,
                notes="pandas readers fetch a URL themselves (urllib for http/https, fsspec for other schemes, and "
                      "file:// or a plain path reads local files): the submitted source_url makes the service request "
                      "internal hosts or cloud metadata (http://169.254.169.254/...) and returns what it read as a "
                      "dataset profile and preview. The fix accepts only https URLs on catalogued open-data hosts")


@hardneg(2)
def mod9_dataset_import_pandas_url_hn(c):
    s = _import(c, True)
    s = _append(s, r'''
        CATALOGUE = {
            "air-quality": "https://data.europa.eu/api/hub/store/data/air-quality-2023.csv",
            "bike-counts": "https://raw.githubusercontent.com/opendata/bikes/main/counts.csv",
        }


        def load_catalogued(name: str) -> pd.DataFrame:
            """A dataset from the fixed catalogue: the user picks a key, never a URL."""
            return pd.read_csv(CATALOGUE[name], nrows=MAX_ROWS)
    ''')
    return Spec(s=s, full=True, notes="pandas reads only allow-listed https hosts or URLs from a fixed catalogue")


# ---------------- CWE-377: feature build spills memmap / np.save scratch arrays to predictable temp names ----------------

_EMB_HEAD = {
    "script": r'''
#!/usr/bin/env python
# coding: utf-8
# Exported from notebooks/$w_embeddings.ipynb (jupyter nbconvert --to script); scheduled nightly.
"""Item embeddings for the $w ranking model.

Hashes each item's text into n-gram counts chunk by chunk, keeps the $what on disk because the
full catalogue does not fit in memory, reduces it with IncrementalPCA and writes the embeddings."""
''',
    "cli": r'''
"""Item embeddings for the $w ranking model (command-line job, run by the scheduler).

Hashes each item's text into n-gram counts chunk by chunk, keeps the $what on disk because the
full catalogue does not fit in memory, reduces it with IncrementalPCA and writes the embeddings."""
''',
}

_EMB_BODY = r'''
import logging
import os
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.decomposition import IncrementalPCA
from sklearn.feature_extraction.text import HashingVectorizer
$cliimp

log = logging.getLogger("features.$w_embeddings")

N_HASH = $nhash
DIM = $dim
CHUNK = $chunk
TEXT_COLUMNS = [$textcols]


def item_text(items: pd.DataFrame) -> pd.Series:
    """One string per item: the text columns joined, missing values skipped."""
    return items[TEXT_COLUMNS].fillna("").astype(str).agg(" ".join, axis=1).str.lower()


def vectorizer() -> HashingVectorizer:
    return HashingVectorizer(n_features=N_HASH, alternate_sign=False, norm="l2", ngram_range=(1, 2))


$spill


$reduce


$main
'''

_EMB_SPILL = {
    "memmap": r'''
def build_matrix(texts: pd.Series, run: str) -> np.memmap:
    """Hashed n-gram features of every item in a float32 memmap."""
    vec = vectorizer()
$scratch
    matrix = np.memmap(path, dtype=np.float32, mode="w+", shape=(len(texts), N_HASH))$mm
    for start in range(0, len(texts), CHUNK):
        block = vec.transform(texts.iloc[start:start + CHUNK])
        matrix[start:start + block.shape[0]] = block.toarray()
    matrix.flush()
    log.info("feature matrix %s: %d x %d", path, len(texts), N_HASH)
    return matrix
''',
    "npy": r'''
def build_matrix(texts: pd.Series, run: str) -> list[Path]:
    """Hashed n-gram features, one .npy file per chunk."""
    vec = vectorizer()
$scratch
    paths = []
    for i, start in enumerate(range(0, len(texts), CHUNK)):
        block = vec.transform(texts.iloc[start:start + CHUNK]).toarray().astype(np.float32)
        path = scratch / f"chunk-{i:05d}.npy"
        np.save(path, block)
        paths.append(path)
    log.info("spilled %d chunks to %s", len(paths), scratch)
    return paths
''',
}

_EMB_REDUCE = {
    "memmap": r'''
def embed(matrix: np.memmap) -> np.ndarray:
    """IncrementalPCA over the memmap, chunk by chunk."""
    ipca = IncrementalPCA(n_components=DIM, batch_size=CHUNK)
    for start in range(0, matrix.shape[0], CHUNK):
        ipca.partial_fit(matrix[start:start + CHUNK])
    parts = [ipca.transform(matrix[start:start + CHUNK]) for start in range(0, matrix.shape[0], CHUNK)]
    return np.vstack(parts).astype(np.float32)
''',
    "npy": r'''
def embed(paths: list[Path]) -> np.ndarray:
    """IncrementalPCA over the spilled chunks; each chunk is removed once transformed."""
    ipca = IncrementalPCA(n_components=DIM, batch_size=CHUNK)
    for path in paths:
        ipca.partial_fit(np.load(path))
    parts = []
    for path in paths:
        parts.append(ipca.transform(np.load(path)))
        path.unlink()
    return np.vstack(parts).astype(np.float32)
''',
}

_EMB_MAIN = {
    "script": r'''
# In[4]:


logging.basicConfig(level=logging.INFO)
ITEMS = Path(os.environ.get("ITEMS_PARQUET", "$items"))
OUTPUT = Path(os.environ.get("EMBEDDINGS_OUT", "$out"))
run = f"$w-emb-{date.today():%Y%m%d}"

items = pd.read_parquet(ITEMS, columns=["item_id", *TEXT_COLUMNS])
features = build_matrix(item_text(items), run)
vectors = embed(features)
np.savez_compressed(OUTPUT, item_id=items["item_id"].to_numpy(), vectors=vectors)
log.info("wrote %d embeddings of dim %d to %s", len(vectors), DIM, OUTPUT)
''',
    "cli": r'''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build item embeddings for the $w ranker")
    parser.add_argument("--items", type=Path, default=Path("$items"))
    parser.add_argument("--output", type=Path, default=Path("$out"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N items (smoke runs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    items = pd.read_parquet(args.items, columns=["item_id", *TEXT_COLUMNS])
    if args.limit:
        items = items.head(args.limit)
    run = f"$w-emb-{date.today():%Y%m%d}"
    vectors = embed(build_matrix(item_text(items), run))
    np.savez_compressed(args.output, item_id=items["item_id"].to_numpy(), vectors=vectors)
    log.info("wrote %d embeddings of dim %d to %s", len(vectors), DIM, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
''',
}


def _emb(c, safe):
    w = c.pick("catalog", "listing", "recipe", "article", "product")
    mode = c.pick("memmap", "memmap", "npy")
    where = c.pick("gettempdir", "tmp")
    fn = c.pick("features", "matrix", "hashed")
    if mode == "memmap":
        if safe:
            scratch = (f'    path = os.path.join(tempfile.mkdtemp(prefix=f"{{run}}-"), "{fn}.f32")' if where == "gettempdir"
                       else f'    path = Path(tempfile.mkdtemp(prefix=f"{{run}}-")) / "{fn}.dat"')
        else:
            scratch = (f'    path = os.path.join(tempfile.gettempdir(), f"{{run}}-{fn}.f32")  #@V' if where == "gettempdir"
                       else f'    path = Path("/tmp") / f"{{run}}-{fn}.dat"  #@V')
    else:
        if safe:
            scratch = f'    scratch = Path(tempfile.mkdtemp(prefix=f"{{run}}-{fn}-"))'
        else:
            base = "Path(tempfile.gettempdir())" if where == "gettempdir" else 'Path("/tmp")'
            scratch = (f'    scratch = {base} / f"{{run}}-{fn}"  #@V\n'
                       f"    scratch.mkdir(exist_ok=True)  #@V")
    head = dedent(_EMB_HEAD[c.fw]).strip("\n")
    body = (_EMB_BODY.replace("$spill", dedent(_EMB_SPILL[mode]).strip("\n"))
            .replace("$reduce", dedent(_EMB_REDUCE[mode]).strip("\n"))
            .replace("$main", dedent(_EMB_MAIN[c.fw]).strip("\n")).replace("$scratch", scratch))
    if c.fw == "script":
        body = body.replace("\nimport logging\n", "\n# In[1]:\n\n\nimport logging\n", 1)
        body = body.replace("\n\nlog = logging", "\n# In[2]:\n\n\nlog = logging", 1)
        body = body.replace("\ndef item_text(", "\n# In[3]:\n\n\ndef item_text(", 1)
    texts = c.rng.sample(["title", "description", "brand", "category", "tags", "ingredients"], c.pick(2, 3))
    out = sub(body, w=w, what="feature matrix" if mode == "memmap" else "hashed feature chunks", mm="" if safe else "  #@V",
              cliimp="import argparse" if c.fw == "cli" else "", nhash=c.pick(512, 1024, 2048), dim=c.pick(32, 64, 128),
              chunk=c.pick(5_000, 10_000, 20_000), textcols=", ".join(f'"{t}"' for t in texts),
              items=c.pick("/data/warehouse/items.parquet", "/srv/features/items.parquet"),
              out=c.pick("/data/features/item_embeddings.npz", "/srv/features/embeddings.npz"))
    return sub(head, w=w, what="feature matrix" if mode == "memmap" else "hashed feature chunks") + "\n" + out


@fam("mod9-embedding-build-scratch-memmap", "CWE-377", fws=["script", "cli"], n=8, wrap=False)
def mod9_embedding_build_scratch_memmap(c):
    v, s = _replayed(c, _emb)
    return Spec(v=v, s=s, full=True,
                notes="the scratch array goes to a predictable name in the shared temp directory (the run name is the "
                      "model and the date): another local user can pre-create it or a symlink there, so np.memmap's "
                      "w+ open / np.save truncates and writes through the link, or the planted directory is reused "
                      "and read back into the embeddings. The fix creates a private directory with tempfile.mkdtemp "
                      "(random name, mode 0700) and keeps the scratch files inside it")


@hardneg(2)
def mod9_embedding_build_scratch_memmap_hn(c):
    s = _emb(c, True)
    s = _append(s, r'''
        def scratch_matrix(rows: int, cols: int) -> tuple[tempfile.TemporaryDirectory, np.memmap]:
            """A float32 memmap inside a private TemporaryDirectory; the caller keeps the handle alive."""
            tmpdir = tempfile.TemporaryDirectory(prefix="emb-")
            matrix = np.memmap(os.path.join(tmpdir.name, "scratch.f32"), dtype=np.float32, mode="w+", shape=(rows, cols))
            return tmpdir, matrix
    ''')
    return Spec(s=s, full=True, notes="scratch arrays live in mkdtemp / TemporaryDirectory folders (random, 0700)")
