"""Train-only whole-module families (mod18-*) on data-science and ML services: Flask or FastAPI apps
around pandas, numpy, joblib and scikit-learn (scoring APIs, dashboards, report exports, dataset
importers, CSV upload checks), about 80-110 lines each, with exactly one weak statement and a twin
that differs only by the minimal fix.

Covers: a model evaluation / batch scoring API that unpickles a caller-named or uploaded joblib file
(502); a dashboard API that hands the caller's filter text to ``DataFrame.query`` with the python
engine (94: the parser follows attributes and calls whatever the engine; the twin parses
``column op value`` filters against a whitelist); and a report export whose file name comes from the
request and is joined under the reports folder before ``to_csv`` / ``to_parquet`` (22). Each family has a ``@hardneg(10)`` builder
of safe modules dense with the look-alikes (the bundled model loaded with joblib, constant
``df.query`` strings, escaped ``to_html()``, fixed export names, a fixed catalogue of sources).
The optional parts are drawn per rendering, so renderings differ in their set of functions.
Written without reading the held-out or validation families; every family here goes to train.
(The ``DataFrame.to_html(escape=False)`` XSS shape is left out: a validation family points at it.)
"""
import functools

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"functools", "hmac", "io", "operator", "shutil", "tempfile", "zlib", "statistics"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- shared: keywords, framework frame and the safe pool of a data service ----------------


def _kw(c):
    dom = c.pick("churn", "demand", "fraud", "credit", "yield", "retention", "pricing", "energy")
    feats = c.pick(("tenure", "spend", "visits"), ("amount", "age_days", "n_items"), ("load_kw", "temp_c", "hour"),
                   ("balance", "income", "utilisation"), ("price", "stock", "views"))
    return dict(
        dom=dom, DOM=dom.upper(), Dom=dom.capitalize(),
        f1=feats[0], f2=feats[1], f3=feats[2],
        log=c.pick("log", "logger"),
        pfx=c.pick("/api", "/api/v1", "/v1", ""),
        rows=c.pick(20, 25, 50),
        maxrows=c.pick("200_000", "500_000", "100_000", "1_000_000"),
        mb=c.pick(10, 20, 25, 50),
        timeout=c.pick(10, 15, 20, 30),
        score_fn=c.pick("score_frame", "predict_scores", "score_rows"),
        sum_fn=c.pick("describe_frame", "summarise", "column_summary"),
        model_fn=c.pick("bundled_model", "production_model", "load_model"),
        prev_fn=c.pick("preview_html", "render_preview", "table_html"),
        clean_fn=c.pick("coerce_numeric", "clean_frame", "prepare_frame"),
    )


def _frame(c, fw):
    if fw == "flask":
        return P("app", rank=0, imp="import logging\nfrom flask import Flask, abort, jsonify, request",
                 setup="app = Flask(__name__)")
    return P("app", rank=0, imp="import logging\nfrom fastapi import FastAPI, File, Header, HTTPException, Query, UploadFile",
             setup=c.pick('app = FastAPI(title="$dom service")', 'app = FastAPI(title="$Dom analytics", version="1.0")'))


def _pool(c, fw, skip=()):
    """Safe parts of a data service: bundled model, scoring, summaries, constant queries, escaped HTML."""
    engine = c.pick("", ', engine="python"', ', engine="numexpr"')
    qconst = c.pick("status == 'active' and $f1 > 0", "$f2 >= 0 and $f3 < 1e9", "$f1 > @threshold")
    parts = [
        P("features", rank=0, const='FEATURES = ["$f1", "$f2", "$f3"]'),
        P("modeldir", rank=0, imp="import os\nfrom pathlib import Path",
          const='MODEL_DIR = Path(os.environ.get("$DOM_MODEL_DIR", "/srv/$dom/models"))'),
        P("bundled", rank=1, imp="import functools\nimport joblib", needs=["modeldir"], body='''
            @functools.lru_cache(maxsize=1)
            def $model_fn():
                """The estimator shipped with this release (built by CI, baked into the image)."""
                return joblib.load(MODEL_DIR / "$dom-model.joblib")
        '''),
        P("score", rank=1, imp="import numpy as np\nimport pandas as pd", needs=["features"], body='''
            def $score_fn(model, frame: pd.DataFrame) -> list[float]:
                """Positive-class probabilities for the rows of ``frame``, rounded for the JSON answer."""
                X = frame[FEATURES].to_numpy(dtype=float)
                return np.round(model.predict_proba(X)[:, 1], 4).tolist()
        '''),
        P("clean", rank=1, imp="import pandas as pd", needs=["features"], body='''
            def $clean_fn(frame: pd.DataFrame) -> pd.DataFrame:
                """Numeric feature columns; rows with unparsable values are dropped."""
                out = frame.copy()
                for col in FEATURES:
                    out[col] = pd.to_numeric(out[col], errors="coerce")
                return out.dropna(subset=FEATURES)
        '''),
        P("summary", rank=1, imp="import pandas as pd", body='''
            def $sum_fn(frame: pd.DataFrame) -> dict:
                """Count, mean and quartiles of the numeric columns."""
                stats = frame.describe(percentiles=[0.25, 0.5, 0.75]).round(3)
                return {"rows": int(len(frame)), "columns": stats.to_dict()}
        '''),
        P("active", rank=1, imp="import pandas as pd", body='''
            def active_rows(frame: pd.DataFrame, threshold: float = 0.0) -> pd.DataFrame:
                """Rows the dashboard counts; the expression is a constant of this module."""
                return frame.query("''' + qconst + '''"''' + engine + ''')
        '''),
        P("preview", rank=1, imp="import pandas as pd", const="PREVIEW_ROWS = $rows", body='''
            def $prev_fn(frame: pd.DataFrame) -> str:
                """First rows as an HTML table; to_html escapes cell text by default."""
                return frame.head(PREVIEW_ROWS).to_html(index=False, border=0, classes="table table-sm")
        '''),
        P("outliers", rank=1, imp="import numpy as np\nimport pandas as pd", body='''
            def clip_outliers(series: pd.Series, z: float = 4.0) -> pd.Series:
                """Clip values further than ``z`` standard deviations from the mean."""
                mu, sigma = float(np.nanmean(series)), float(np.nanstd(series)) or 1.0
                return series.clip(mu - z * sigma, mu + z * sigma)
        '''),
    ]
    if fw == "flask":
        parts += [
            P("health", rank=3, body='''
                @app.get("$pfx/health")
                def health():
                    return jsonify(status="ok", features=len(FEATURES))
            ''', needs=["features"]),
            P("predict", rank=3, needs=["bundled", "score"], imp="import pandas as pd", body='''
                @app.post("$pfx/predict")
                def predict():
                    rows = (request.get_json(silent=True) or {}).get("rows") or []
                    if not rows or len(rows) > 1000:
                        abort(400, description="send between 1 and 1000 rows")
                    frame = pd.DataFrame.from_records(rows)
                    return jsonify(scores=$score_fn($model_fn(), frame))
            '''),
        ]
    else:
        parts += [
            P("health", rank=3, body='''
                @app.get("$pfx/health")
                async def health() -> dict:
                    return {"status": "ok", "features": len(FEATURES)}
            ''', needs=["features"]),
            P("predict", rank=3, needs=["bundled", "score"], imp="import pandas as pd", body='''
                @app.post("$pfx/predict")
                def predict(payload: dict) -> dict:
                    rows = payload.get("rows") or []
                    if not rows or len(rows) > 1000:
                        raise HTTPException(status_code=400, detail="send between 1 and 1000 rows")
                    frame = pd.DataFrame.from_records(rows)
                    return {"scores": $score_fn($model_fn(), frame)}
            '''),
        ]
    return [p for p in parts if p.key not in skip]


_LOG = '$log = logging.getLogger("$dom.service")'


def _docs(*docs):
    return lambda c: c.pick(*docs)


# ---------------- CWE-502: evaluation API unpickles a caller-named or uploaded joblib model ----------------

_EVAL_DOCS = ("$Dom model evaluation service: scores candidate estimators on the held-back set.",
              "Benchmark API of the $dom team: AUC of a candidate scikit-learn model on the holdout data.",
              "Model comparison endpoints for the $dom pipeline (pandas, joblib, scikit-learn).")


def _eval_parts(c, fw, shape):
    common = [
        P("holdout", rank=0, imp="import os", needs=["features"],
          const='HOLDOUT_PATH = os.environ.get("$DOM_HOLDOUT", "/srv/$dom/data/holdout.parquet")'),
        P("catalogue", rank=0, needs=["modeldir"],
          const='MODEL_FILES = {"baseline": "$dom-baseline.joblib", "current": "$dom-model.joblib"}'),
        P("metrics", rank=1, imp="import numpy as np\nimport pandas as pd\nfrom sklearn.metrics import roc_auc_score, brier_score_loss",
          needs=["holdout"], body='''
            def holdout_metrics(model) -> dict:
                """AUC and Brier score of ``model`` on the holdout parquet file."""
                frame = pd.read_parquet(HOLDOUT_PATH)
                proba = model.predict_proba(frame[FEATURES].to_numpy(dtype=float))[:, 1]
                return {"auc": round(float(roc_auc_score(frame["label"], proba)), 4),
                        "brier": round(float(brier_score_loss(frame["label"], proba)), 4),
                        "rows": int(len(frame)), "positives": int(np.sum(frame["label"]))}
        '''),
    ]
    if shape == "upload":
        common.append(P("verify", rank=1, imp="import hashlib\nimport hmac\nimport os",
                        const='ARTIFACT_KEY = os.environ["$DOM_ARTIFACT_KEY"].encode()', body='''
            def verify_artifact(blob: bytes, signature: str) -> None:
                """Artefacts are signed by the training pipeline: HMAC-SHA256 over the file bytes."""
                expected = hmac.new(ARTIFACT_KEY, blob, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, signature or ""):
                    raise PermissionError("artefact signature does not match")
        '''))
    if fw == "flask" and shape == "upload":
        route = '''
            @app.post("$pfx/evaluate")
            def evaluate_upload():
                upload = request.files.get("model")  #@S
                if upload is None:
                    abort(400, description="attach the model file as 'model'")
                blob = upload.read()
                $log.info("evaluating %s (%d bytes)", upload.filename, len(blob))
                try:
                    $FIX
                except PermissionError:
                    abort(403)
                return jsonify(holdout_metrics(model))
        '''
    elif fw == "flask":
        route = '''
            @app.post("$pfx/evaluate")
            def evaluate_named():
                body = request.get_json(silent=True) or {}
                model_ref = str(body.get("model", "current"))  #@S
                $FIX
                result = holdout_metrics(model)
                $log.info("evaluated %s: auc=%s", model_ref, result["auc"])
                return jsonify(model=model_ref, **result)
        '''
    elif shape == "upload":
        route = '''
            @app.post("$pfx/evaluate")
            async def evaluate_upload(model_file: UploadFile = File(...),  #@S
                                      x_artifact_signature: str = Header("")) -> dict:
                blob = await model_file.read()
                $log.info("evaluating %s (%d bytes)", model_file.filename, len(blob))
                try:
                    $FIX
                except PermissionError:
                    raise HTTPException(status_code=403, detail="unsigned artefact")
                return holdout_metrics(model)
        '''
    else:
        route = '''
            @app.get("$pfx/evaluate")
            def evaluate_named(model: str = Query("current")) -> dict:  #@S
                $FIX
                result = holdout_metrics(estimator)
                $log.info("evaluated %s: auc=%s", model, result["auc"])
                return {"model": model, **result}
        '''
    common.append(P("route", rank=3, needs=["metrics", "catalogue"], body=route))
    return common


def _eval_fix(c, fw, shape):
    if shape == "upload":
        sig = 'request.headers.get("X-Artifact-Signature", "")' if fw == "flask" else "x_artifact_signature"
        load = c.pick("model = joblib.load(io.BytesIO(blob))", "model = joblib.load(io.BytesIO(blob), mmap_mode=None)")
        return load + "  #@V", "verify_artifact(blob, " + sig + ")\n        " + load
    if fw == "flask":
        v = c.pick("model = joblib.load(model_ref)  #@V", "model = joblib.load(os.path.expanduser(model_ref))  #@V")
        s = ("if model_ref not in MODEL_FILES:\n        abort(404, description=\"unknown model\")\n"
             "    model = joblib.load(MODEL_DIR / MODEL_FILES[model_ref])")
        return v, s
    v = c.pick("estimator = joblib.load(model)  #@V", "estimator = joblib.load(Path(model))  #@V")
    s = ("if model not in MODEL_FILES:\n        raise HTTPException(status_code=404, detail=\"unknown model\")\n"
         "    estimator = joblib.load(MODEL_DIR / MODEL_FILES[model])")
    return v, s


@fam("mod18-eval-api-joblib-caller-model", "CWE-502", fws=["flask", "fastapi"], n=8, wrap=False)
def mod18_eval_joblib(c):
    kw, fw = _kw(c), c.fw
    shape = c.pick("upload", "named")
    core = [_frame(c, fw)] + _eval_parts(c, fw, shape)
    for p in core:
        if p.key == "route":
            p.imp = "import io\nimport joblib\nimport os\nfrom pathlib import Path"
    vfix, sfix = _eval_fix(c, fw, shape)
    v, s = pair(c, c.pick(*_EVAL_DOCS), _LOG, core, _pool(c, fw), kw, fill(vfix, **kw), fill(sfix, **kw))
    what = ("the uploaded model file" if shape == "upload" else "the file the caller names (any path on the host)")
    return Spec(v=v, s=s, full=True, fw=fw,
                notes=f"joblib.load unpickles {what}: a crafted joblib/pickle stream runs code through __reduce__ "
                      "while loading, before any metric is computed; the fix " +
                      ("checks the pipeline's HMAC over the bytes first" if shape == "upload"
                       else "only loads artefacts from the fixed MODEL_FILES catalogue in the model folder"))


@hardneg(10)
def mod18_eval_joblib_hn(c):
    kw, fw = _kw(c), c.fw
    shape = c.pick("upload", "named")
    core = [_frame(c, fw)] + _eval_parts(c, fw, shape)
    for p in core:
        if p.key == "route":
            p.imp = "import io\nimport joblib\nimport os\nfrom pathlib import Path"
    _, sfix = _eval_fix(c, fw, shape)
    code = compose(c, c.pick(*_EVAL_DOCS), _LOG, core, _pool(c, fw), kw, subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="joblib.load only opens the release's own artefacts (fixed catalogue) or bytes whose HMAC from "
                      "the training pipeline was verified first; constant df.query filters, escaped to_html previews")


# ---------------- CWE-94: dashboard filter text handed to DataFrame.query (python engine) ----------------

_DASH_DOCS = ("$Dom dashboard API: filtered aggregates over the daily snapshot (pandas).",
              "Ad-hoc slicing endpoints for the $dom analysts' dashboard.",
              "Segment explorer of the $dom service: filters, group-bys and previews of the snapshot frame.")


def _dash_parts(c, fw):
    src = c.pick("where", "filter", "q")
    core = [
        P("snapshot", rank=0, imp="import os", const='SNAPSHOT_PATH = os.environ.get("$DOM_SNAPSHOT", "/srv/$dom/snapshot.parquet")'),
        P("ops", rank=0, imp="import operator\nimport re", needs=["features"], const='''
            OPS = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
            FILTER_RE = re.compile(r"^\\s*(\\w+)\\s*(==|!=|>=|<=|>|<)\\s*(-?\\d+(?:\\.\\d+)?)\\s*$")
        '''),
        P("parse", rank=1, imp="import pandas as pd", needs=["ops"], body='''
            def filtered(frame: pd.DataFrame, text: str) -> pd.DataFrame:
                """Apply ``col op number`` clauses joined by ``and``; columns must be features."""
                mask = pd.Series(True, index=frame.index)
                for clause in filter(None, (part.strip() for part in text.split(" and "))):
                    m = FILTER_RE.match(clause)
                    if not m or m.group(1) not in FEATURES:
                        raise ValueError(f"unsupported filter: {clause!r}")
                    mask &= OPS[m.group(2)](frame[m.group(1)], float(m.group(3)))
                return frame[mask]
        '''),
        P("load", rank=1, imp="import functools\nimport pandas as pd", needs=["snapshot"], body='''
            @functools.lru_cache(maxsize=1)
            def snapshot() -> pd.DataFrame:
                return pd.read_parquet(SNAPSHOT_PATH)
        '''),
    ]
    agg = c.pick("mean", "median", "sum")
    if fw == "flask":
        route = '''
            @app.get("$pfx/segments")
            def segment():
                expr = request.args.get("''' + src + '''", "")  #@S
                frame = snapshot()
                try:
                    $FIX
                except (ValueError, SyntaxError, KeyError) as exc:
                    abort(400, description=str(exc))
                return jsonify(rows=int(len(subset)), ''' + agg + '''=subset[FEATURES].''' + agg + '''().round(3).to_dict())
        '''
    else:
        route = '''
            @app.get("$pfx/segments")
            def segment(''' + src + ''': str = Query("", max_length=500)) -> dict:  #@S
                frame = snapshot()
                try:
                    $FIX
                except (ValueError, SyntaxError, KeyError) as exc:
                    raise HTTPException(status_code=400, detail=str(exc))
                return {"rows": int(len(subset)), "''' + agg + '''": subset[FEATURES].''' + agg + '''().round(3).to_dict()}
        '''
    core.append(P("route", rank=3, needs=["load", "parse"], body=route))
    return core, src


def _dash_fix(c, fw, src):
    var = "expr" if fw == "flask" else src
    v = c.pick(f'subset = frame.query({var}, engine="python") if {var} else frame  #@V',
               f'subset = frame.query({var}, engine="python", local_dict={{}}) if {var} else frame  #@V',
               f'subset = frame[frame.eval({var}, engine="python")] if {var} else frame  #@V')
    return v, f"subset = filtered(frame, {var}) if {var} else frame"


@fam("mod18-dashboard-query-python-engine", "CWE-94", fws=["flask", "fastapi"], n=8, wrap=False)
def mod18_dashboard_query(c):
    kw, fw = _kw(c), c.fw
    core, src = _dash_parts(c, fw)
    vfix, sfix = _dash_fix(c, fw, src)
    v, s = pair(c, c.pick(*_DASH_DOCS), _LOG, [_frame(c, fw)] + core, _pool(c, fw), kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the caller's filter text is evaluated by DataFrame.query/eval: pandas' expression parser "
                      "resolves @names against the caller's scope and module globals (local_dict={} does not remove "
                      "them), follows attribute access and calls functions while parsing, whatever the engine "
                      "(engine='python' then evaluates the rest in Python too), so a crafted filter such as "
                      "'@os.system(...)' runs code in the service; the fix parses 'column op number' clauses "
                      "against the feature whitelist and builds the mask with operator functions")


@hardneg(10)
def mod18_dashboard_query_hn(c):
    kw, fw = _kw(c), c.fw
    core, src = _dash_parts(c, fw)
    _, sfix = _dash_fix(c, fw, src)
    code = compose(c, c.pick(*_DASH_DOCS), _LOG, [_frame(c, fw)] + core, _pool(c, fw), kw,
                   subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="caller filters are parsed against a column/operator whitelist; df.query only runs constant "
                      "expressions of the module with @-bound values")


# ---------------- CWE-22: report export name from the request joined under the reports folder ----------------

_EXP_DOCS = ("$Dom reporting API: weekly aggregates exported as CSV or parquet for the BI share.",
             "Export endpoints of the $dom analytics service (pandas to_csv / to_parquet).")


def _exp_parts(c, fw, fmt):
    write = 'report.to_csv(target, index=False)' if fmt == "csv" else 'report.to_parquet(target, index=False)'
    core = [
        P("reports", rank=0, imp="import os\nfrom pathlib import Path",
          const='REPORTS_DIR = Path(os.environ.get("$DOM_REPORTS", "/srv/$dom/reports"))'),
        P("weekly", rank=1, imp="import pandas as pd", needs=["features"], body='''
            def weekly_report(frame: pd.DataFrame) -> pd.DataFrame:
                """Weekly means of the features, indexed by ISO week."""
                frame = frame.assign(week=pd.to_datetime(frame["ts"]).dt.strftime("%G-W%V"))
                return frame.groupby("week")[FEATURES].mean().round(3).reset_index()
        '''),
    ]
    if fw == "flask":
        route = '''
            @app.post("$pfx/exports")
            def export_report():
                body = request.get_json(silent=True) or {}
                name = str(body.get("filename") or "weekly.''' + fmt + '''")  #@S
                report = weekly_report(pd.DataFrame.from_records(body.get("rows") or []))
                $FIX
                ''' + write + '''
                $log.info("exported %d rows to %s", len(report), target)
                return jsonify(path=str(target.relative_to(REPORTS_DIR)), rows=int(len(report)))
        '''
    else:
        route = '''
            @app.post("$pfx/exports")
            def export_report(payload: dict, filename: str = Query("weekly.''' + fmt + '''")) -> dict:  #@S
                report = weekly_report(pd.DataFrame.from_records(payload.get("rows") or []))
                $FIX
                ''' + write + '''
                $log.info("exported %d rows to %s", len(report), target)
                return {"path": str(target.relative_to(REPORTS_DIR)), "rows": int(len(report))}
        '''
    core.append(P("route", rank=3, needs=["reports", "weekly"], imp="import pandas as pd", body=route))
    return core


def _exp_fix(c, fw, fmt):
    var = "name" if fw == "flask" else "filename"
    v = c.pick(f"target = REPORTS_DIR / {var}  #@V", f"target = Path(os.path.join(REPORTS_DIR, {var}))  #@V")
    err = ('abort(400, description="bad file name")' if fw == "flask"
           else 'raise HTTPException(status_code=400, detail="bad file name")')
    s = c.pick(f"base = Path({var}).name\n    if not base.strip(\".\"):\n        {err}\n    target = REPORTS_DIR / base",
               f"target = (REPORTS_DIR / {var}).resolve()\n    if not target.is_relative_to(REPORTS_DIR.resolve()):\n        {err}")
    return v, s


@fam("mod18-report-export-name-join", "CWE-22", fws=["flask", "fastapi"], n=8, wrap=False)
def mod18_report_export(c):
    kw, fw = _kw(c), c.fw
    fmt = c.pick("csv", "parquet")
    vfix, sfix = _exp_fix(c, fw, fmt)
    v, s = pair(c, c.pick(*_EXP_DOCS), _LOG, [_frame(c, fw)] + _exp_parts(c, fw, fmt), _pool(c, fw), kw,
                fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes=f"the export file name comes from the request and is joined under REPORTS_DIR unchecked, so "
                      f"'../' segments or an absolute path make to_{fmt} write anywhere the service can write; the fix "
                      "keeps only the last path component (refusing empty and all-dot names such as '..') or checks "
                      "the resolved path stays in the folder")


@hardneg(10)
def mod18_report_export_hn(c):
    kw, fw = _kw(c), c.fw
    fmt = c.pick("csv", "parquet")
    _, sfix = _exp_fix(c, fw, fmt)
    code = compose(c, c.pick(*_EXP_DOCS), _LOG, [_frame(c, fw)] + _exp_parts(c, fw, fmt), _pool(c, fw), kw,
                   subs=[{"$FIX": fill(sfix, **kw)}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="export names reduced to their last component or checked after resolve(); bundled joblib "
                      "model, constant df.query, escaped to_html")
