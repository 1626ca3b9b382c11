"""Train-only deserialization, XML, SSRF, logging and DoS families on libraries no other family uses
(groups 502, 611, 918, 117, 400/1333): Keras load_model with safe_mode off, a Pyro4 daemon that
accepts the pickle serializer, lxml iterparse with entity resolution switched on, CairoSVG's
unsafe=True, WeasyPrint rendering user markup with its default URL fetcher, aiologger's plain-text
stdout logger, itertools.product with a caller-chosen repeat, and a recursive Strawberry GraphQL
schema served without depth or alias limits.

Written without reading the held-out or val_* families; every family here goes to train
(generate.assign_splits). Framework labels: the Pyro4 daemon and the partner-inbox importer are
labelled "script"; the upload and render handlers are complete short modules (full=True)."""
from core import Spec, dedent
from module_kit import _joined as _mod, _replayed as _twin
from registry import hardneg, fam


def _pin(c):
    """Draw the shell's handler name before the builder returns (the twin replays the rng)."""
    c.n("handler")


def _imports(std, third):
    """Import block: stdlib lines, a blank line, third-party lines (each list sorted)."""
    a = "\n".join(sorted(std, key=lambda l: (l.startswith("from "), l.lower())))
    b = "\n".join(sorted(third, key=lambda l: (l.startswith("from "), l.lower())))
    return a + ("\n\n" if a and b else "") + b


# ---------------- CWE-502: Keras load_model of an uploaded model with safe_mode off ----------------


def _keras_module(c, safe: bool) -> str:
    w = c.word
    shape = c.pick("models", "tf", "saving", "config")
    ckw = c.pick("", ", compile=False")
    if shape == "tf":
        lib, fn = "import tensorflow as tf", "tf.keras.models.load_model"
    elif shape == "saving":
        lib, fn = "import keras", "keras.saving.load_model"
    else:
        lib, fn = "import keras", "keras.models.load_model"
    if shape == "config":
        load = f"{fn}(path{ckw})"
    elif shape == "saving":
        load = f"{fn}(path{ckw}, safe_mode={'True' if safe else 'False'})"
    else:
        load = f"{fn}(path{ckw})" if safe else f"{fn}(path{ckw}, safe_mode=False)"
    cfg = "" if safe or shape != "config" else "keras.config.enable_unsafe_deserialization()  #@V"
    holdout = c.pick("/srv/ml/holdout.csv", "/data/eval/holdout.csv", "/opt/scoring/holdout.csv")
    scoring = f'''
        HOLDOUT_CSV = "{holdout}"


        def load_holdout():
            data = np.genfromtxt(HOLDOUT_CSV, delimiter=",", dtype="float32")
            return data[:, :-1], data[:, -1].astype("int64")


        def accuracy_of(model, features, labels):
            predictions = model.predict(features, verbose=0)
            return float((predictions.argmax(axis=1) == labels).mean())
    '''
    third = [lib, "import numpy as np"]
    std = ["import os", "import tempfile"]
    pre = ""
    if c.fw == "flask":
        third.append("from flask import Flask, abort, jsonify, request")
        pre = "app = Flask(__name__)"
        handler = f'''
            @app.route("/models/{w}/evaluate", methods=["POST"])
            def evaluate_{w}_model():
                upload = request.files.get("model")  #@S
                if upload is None or not upload.filename.endswith(".keras"):
                    abort(400, description="expected a .keras model file")
                features, labels = load_holdout()
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "candidate.keras")
                    upload.save(path)
                    model = {load}  #@V
                    accuracy = accuracy_of(model, features, labels)
                return jsonify(accuracy=accuracy, parameters=int(model.count_params()))
        '''
    elif c.fw == "django":
        third += ["from django.http import JsonResponse", "from django.views.decorators.http import require_POST"]
        handler = f'''
            @require_POST
            def evaluate_{w}_model(request):
                upload = request.FILES.get("model")  #@S
                if upload is None or not upload.name.endswith(".keras"):
                    return JsonResponse({{"error": "expected a .keras model file"}}, status=400)
                features, labels = load_holdout()
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "candidate.keras")
                    with open(path, "wb") as fh:
                        for chunk in upload.chunks():
                            fh.write(chunk)
                    model = {load}  #@V
                    accuracy = accuracy_of(model, features, labels)
                return JsonResponse({{"accuracy": accuracy, "parameters": int(model.count_params())}})
        '''
    elif c.fw == "fastapi":
        third.append("from fastapi import FastAPI, File, HTTPException, UploadFile")
        pre = "app = FastAPI()"
        handler = f'''
            @app.post("/models/{w}/evaluate")
            async def evaluate_{w}_model(model_file: UploadFile = File(...)):
                data = await model_file.read()  #@S
                if not (model_file.filename or "").endswith(".keras"):
                    raise HTTPException(status_code=400, detail="expected a .keras model file")
                features, labels = load_holdout()
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "candidate.keras")
                    with open(path, "wb") as fh:
                        fh.write(data)
                    model = {load}  #@V
                    accuracy = accuracy_of(model, features, labels)
                return {{"accuracy": accuracy, "parameters": int(model.count_params())}}
        '''
    else:
        std.append("import json")
        third.append("import boto3")
        bucket = c.pick("model-submissions", f"{w}-challenge-uploads", "ml-contest-entries")
        pre = f's3 = boto3.client("s3")\nSUBMISSIONS_BUCKET = "{bucket}"'
        handler = f'''
            def handle_submission(message):
                """Score a model that a participant uploaded to the submissions bucket."""
                key = message["artifact_key"]  #@S
                features, labels = load_holdout()
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "candidate.keras")
                    s3.download_file(SUBMISSIONS_BUCKET, key, path)
                    model = {load}  #@V
                    accuracy = accuracy_of(model, features, labels)
                return {{"submission": message["submission_id"], "accuracy": accuracy}}


            def consume(q):
                while True:
                    raw = q.get()
                    if raw is None:
                        break
                    print(json.dumps(handle_submission(json.loads(raw))))
                    q.task_done()
        '''
    if pre:
        scoring = dedent(scoring).replace("HOLDOUT_CSV =", pre + "\nHOLDOUT_CSV =", 1)
    return _mod(_imports(std, third), cfg, scoring, handler)


@fam("deser-keras-load-model-unsafe", "CWE-502", fws=["flask", "django", "fastapi", "pipeline"], n=8, wrap=False)
def deser_keras(c):
    v, s = _twin(c, _keras_module)
    return Spec(v=v, s=s, full=True,
                notes="a .keras archive's config can hold a Lambda layer with marshalled Python bytecode; with "
                      "safe_mode=False (or keras.config.enable_unsafe_deserialization()) load_model rebuilds it, so an "
                      "uploaded model runs the uploader's code on the scoring server; the fix keeps Keras' safe mode, "
                      "which refuses lambda deserialization (needs a current Keras: older releases had safe-mode bypasses)")


@hardneg(4)
def deser_keras_hn(c):
    w = c.word
    if c.pick("weights", "own") == "weights":
        return Spec(s=_mod(
            "import os\nimport tempfile\n\nimport keras\nfrom flask import Flask, abort, jsonify, request",
            f"app = Flask(__name__)\nFEATURES = {c.pick(16, 32, 64)}\nCLASSES = {c.pick(3, 4, 10)}",
            '''
            def build_model():
                """The architecture is defined here; uploads only carry weights."""
                return keras.Sequential([
                    keras.Input(shape=(FEATURES,)),
                    keras.layers.Dense(64, activation="relu"),
                    keras.layers.Dense(CLASSES, activation="softmax"),
                ])
            ''',
            f'''
            @app.route("/models/{w}/weights", methods=["POST"])
            def upload_{w}_weights():
                upload = request.files.get("weights")
                if upload is None or not upload.filename.endswith(".weights.h5"):
                    abort(400, description="expected a .weights.h5 file")
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "candidate.weights.h5")
                    upload.save(path)
                    model = build_model()
                    model.load_weights(path)
                return jsonify(parameters=int(model.count_params()))
            '''), full=True, fw="flask",
            notes="uploaded weights are loaded into an architecture built in code: no layer config is deserialized")
    return Spec(s=_mod(
        "import keras\nimport numpy as np\nfrom flask import Flask, abort, jsonify, request",
        f'app = Flask(__name__)\nMODEL_PATH = "{c.pick("/srv/models", "/opt/app/models")}/{w}-classifier.keras"\nmodel = keras.models.load_model(MODEL_PATH)',
        f'''
        @app.route("/{w}s/classify", methods=["POST"])
        def classify_{w}():
            features = np.asarray(request.get_json(force=True)["features"], dtype="float32")
            if features.ndim != 2 or features.shape[1] != model.input_shape[-1]:
                abort(400, description="features must be a list of rows of the model's width")
            scores = model.predict(features, verbose=0)
            return jsonify(labels=scores.argmax(axis=1).tolist())
        '''), full=True, fw="flask",
        notes="load_model with the default safe mode on the service's own model file; requests only send numbers")


# ---------------- CWE-502: Pyro4 daemon that accepts the pickle serializer ----------------


def _pyro_module(c, safe: bool) -> str:
    w, W = c.word, c.word.capitalize()
    form = c.pick("set", "add", "only")
    if form == "set":
        cfg = 'Pyro4.config.SERIALIZERS_ACCEPTED = {"serpent", "json"}' if safe else \
              'Pyro4.config.SERIALIZERS_ACCEPTED = {"serpent", "json", "pickle"}  #@V'
    elif form == "add":
        cfg = "" if safe else 'Pyro4.config.SERIALIZERS_ACCEPTED.add("pickle")  #@V'
    else:
        cfg = 'Pyro4.config.SERIALIZERS_ACCEPTED = {"serpent"}' if safe else \
              'Pyro4.config.SERIALIZERS_ACCEPTED = {"pickle"}  #@V'
    pool = c.pick(8, 16, 32)
    conf = "\n".join(l for l in [cfg, 'Pyro4.config.SERVERTYPE = "thread"', f"Pyro4.config.THREADPOOL_SIZE = {pool}"] if l)
    host = c.pick('"0.0.0.0"', 'os.environ.get("STATS_BIND", "0.0.0.0")')
    port = c.pick(9090, 9191, 7766)
    ns = c.pick(True, False)
    register = (f'    uri = daemon.register({W}Stats(DB_PATH), objectId="{w}.stats")\n'
                + (f'    with Pyro4.locateNS() as ns:\n        ns.register("{w}.stats", uri)\n' if ns else ""))
    main = (f"def main():\n    daemon = Pyro4.Daemon(host={host}, port={port})\n" + register
            + '    log.info("serving %s", uri)\n    daemon.requestLoop()')
    return _mod(
        f'"""Pyro4 service exposing {w} statistics to the reporting workers on the internal network."""\n'
        "import logging\nimport os\nimport sqlite3\n\nimport Pyro4",
        conf + f'\n\nlog = logging.getLogger("{w}.stats")\nDB_PATH = os.environ.get("STATS_DB", "/var/lib/{w}-stats/{w}s.db")',
        f'''
        @Pyro4.expose
        class {W}Stats:
            """Read-only aggregates over the {w}s table."""

            def __init__(self, db_path):
                self.db_path = db_path

            def _query(self, sql, params=()):
                with sqlite3.connect(self.db_path) as conn:
                    return conn.execute(sql, params).fetchall()

            def totals(self, day):
                rows = self._query("SELECT status, COUNT(*) FROM {w}s WHERE day = ? GROUP BY status", (day,))
                return {{status: count for status, count in rows}}

            def recent(self, limit=20):
                limit = max(1, min(int(limit), 200))
                rows = self._query("SELECT id, status, created_at FROM {w}s ORDER BY created_at DESC LIMIT ?", (limit,))
                return [{{"id": r[0], "status": r[1], "created_at": r[2]}} for r in rows]
        ''',
        main,
        'if __name__ == "__main__":\n    logging.basicConfig(level=logging.INFO)\n    main()')


@fam("deser-pyro4-pickle-serializer", "CWE-502", fws=["script"], n=8, wrap=False)
def deser_pyro4(c):
    v, s = _twin(c, _pyro_module)
    return Spec(v=v, s=s, full=True,
                notes="a Pyro4 daemon unpickles the request of any client that says it used the pickle serializer; "
                      "with pickle in SERIALIZERS_ACCEPTED anyone who can reach the port sends a pickle whose "
                      "__reduce__ runs code in the service; the fix accepts only serpent/json (Pyro4's default set "
                      "leaves pickle out for this reason)")


@hardneg(4)
def deser_pyro4_hn(c):
    w, W = c.word, c.word.capitalize()
    if c.pick("client", "server") == "client":
        return Spec(s=_mod(
            f'"""Client helpers for the {w} statistics service."""\nimport Pyro4',
            'Pyro4.config.SERIALIZER = "serpent"',
            f'''
            def fetch_totals(day):
                with Pyro4.Proxy("PYRONAME:{w}.stats") as stats:
                    return stats.totals(day)


            def fetch_recent(limit=20):
                with Pyro4.Proxy("PYRONAME:{w}.stats") as stats:
                    return stats.recent(limit)
            '''), full=True, fw="script",
            notes="a Pyro4 client using the serpent serializer; nothing is unpickled")
    return Spec(s=_mod(
        "import os\n\nimport Pyro4",
        'Pyro4.config.SERIALIZERS_ACCEPTED = {"serpent"}\nPyro4.config.SERVERTYPE = "thread"',
        f'''
        @Pyro4.expose
        class {W}Queue:
            def __init__(self):
                self.pending = []

            def submit(self, ref):
                self.pending.append(str(ref)[:64])
                return len(self.pending)

            def size(self):
                return len(self.pending)
        ''',
        f'''
        def main():
            daemon = Pyro4.Daemon(host=os.environ.get("QUEUE_BIND", "127.0.0.1"), port={c.pick(9090, 9292)})
            daemon.register({W}Queue(), objectId="{w}.queue")
            daemon.requestLoop()


        if __name__ == "__main__":
            main()
        '''), full=True, fw="script",
        notes="Pyro4 daemon restricted to the serpent serializer, which builds only plain Python values")


# ---------------- CWE-611: lxml iterparse with entity resolution switched on ----------------


def _iterparse_module(c, safe: bool) -> str:
    w = c.word
    f1, f2, f3 = c.pick(("title", "status", "id"), ("name", "price", "sku"), ("summary", "owner", "ref"))
    opts_v = c.pick("load_dtd=True, resolve_entities=True", "resolve_entities=True",
                    "resolve_entities=True, no_network=False", "load_dtd=True, no_network=False, resolve_entities=True")
    opts = "resolve_entities=False" if safe else opts_v
    reader = f'''
        def read_{w}s(stream):
            """Stream the <{w}> records of a partner export without building the whole tree."""
            rows = []
            for _event, elem in etree.iterparse(stream, events=("end",), tag="{w}", {opts}):  #@V
                rows.append({{
                    "{f3}": elem.get("{f3}", ""),
                    "{f1}": elem.findtext("{f1}", default="").strip(),
                    "{f2}": elem.findtext("{f2}", default="").strip(),
                }})
                elem.clear()
            return rows
    '''
    if c.fw == "flask":
        head = "from flask import Flask, jsonify, request\nfrom lxml import etree"
        pre = "app = Flask(__name__)"
        handler = f'''
            @app.route("/{w}s/import/preview", methods=["POST"])
            def preview_{w}_import():
                upload = request.files["export"]  #@S
                rows = read_{w}s(upload.stream)
                return jsonify(count=len(rows), preview=rows[:20])
        '''
    elif c.fw == "django":
        head = ("from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n"
                "from lxml import etree")
        pre = ""
        handler = f'''
            @require_POST
            def preview_{w}_import(request):
                upload = request.FILES["export"]  #@S
                rows = read_{w}s(upload)
                return JsonResponse({{"count": len(rows), "preview": rows[:20]}})
        '''
    elif c.fw == "fastapi":
        head = "from fastapi import FastAPI, File, UploadFile\nfrom lxml import etree"
        pre = "app = FastAPI()"
        handler = f'''
            @app.post("/{w}s/import/preview")
            async def preview_{w}_import(export: UploadFile = File(...)):
                rows = read_{w}s(export.file)  #@S
                return {{"count": len(rows), "preview": rows[:20]}}
        '''
    else:
        head = "import sqlite3\nfrom pathlib import Path\n\nfrom lxml import etree"
        inbox = c.pick("/srv/sftp/partners/inbox", "/data/dropbox/incoming", "/var/spool/partner-feeds")
        pre = f'INBOX = Path("{inbox}")\nDONE = INBOX / "processed"\nDB_PATH = "/var/lib/{w}-import/{w}s.db"'
        handler = f'''
            def store(rows):
                with sqlite3.connect(DB_PATH) as conn:
                    conn.executemany(
                        "INSERT OR REPLACE INTO {w}s ({f3}, {f1}, {f2}) VALUES (?, ?, ?)",
                        [(r["{f3}"], r["{f1}"], r["{f2}"]) for r in rows],
                    )


            def main():
                DONE.mkdir(exist_ok=True)
                for path in sorted(INBOX.glob("*.xml")):
                    with path.open("rb") as fh:  #@S
                        rows = read_{w}s(fh)
                    store(rows)
                    path.rename(DONE / path.name)
                    print(f"{{path.name}}: {{len(rows)}} {w}s imported")


            if __name__ == "__main__":
                main()
        '''
    return _mod(head, pre, reader, handler)


@fam("xxe-lxml-iterparse-entities", "CWE-611", fws=["flask", "django", "fastapi", "script"], n=8, wrap=False)
def xxe_iterparse(c):
    v, s = _twin(c, _iterparse_module)
    return Spec(v=v, s=s, full=True,
                notes="iterparse is told to resolve entities: a DOCTYPE in the uploaded export declares "
                      "<!ENTITY x SYSTEM \"file:///etc/passwd\"> and &x; in a text field comes back with the file's "
                      "content (with no_network=False also http:// URLs are fetched); the fix sets "
                      "resolve_entities=False and drops the DTD/network options")


@hardneg(4)
def xxe_iterparse_hn(c):
    w = c.word
    return Spec(s=_mod(
        "from flask import Flask, jsonify, request\nfrom lxml import etree",
        "app = Flask(__name__)",
        f'''
        @app.route("/{w}s/import/count", methods=["POST"])
        def count_{w}s():
            upload = request.files["export"]
            total = 0
            for _event, elem in etree.iterparse(upload.stream, events=("end",), tag="{w}",
                                                resolve_entities=False, no_network=True):
                total += 1
                elem.clear()
            return jsonify(count=total)
        '''), full=True, fw="flask",
        notes="iterparse over an upload with entity resolution off and no network access")


# ---------------- CWE-611: CairoSVG with unsafe=True on an uploaded SVG ----------------


def _cairosvg_module(c, safe: bool) -> str:
    w = c.word
    mode = c.pick("png", "pdf")
    style = c.pick("kw", "kw", "dict")
    size = c.pick(128, 256, 512)
    unsafe_kw = "" if safe else ", unsafe=True"
    base_opts = f'"output_width": {size}, "output_height": {size}' if mode == "png" else '"dpi": 300'
    if style == "dict":
        opts = (f"RENDER_OPTIONS = {{{base_opts}}}" if safe else
                f'RENDER_OPTIONS = {{{base_opts}, "unsafe": True}}  #@V')
        call_png = "cairosvg.svg2png(bytestring=svg_bytes, **RENDER_OPTIONS)  #@V"
        call_pdf = "cairosvg.svg2pdf(bytestring=svg_bytes, **RENDER_OPTIONS)  #@V"
    else:
        opts = ""
        call_png = f"cairosvg.svg2png(bytestring=svg_bytes, output_width={size}, output_height={size}{unsafe_kw})  #@V"
        call_pdf = f"cairosvg.svg2pdf(bytestring=svg_bytes, dpi=300{unsafe_kw})  #@V"
    logo_dir = c.pick("/srv/media/logos", "/var/www/uploads/logos", "/data/brand")
    consts = (f'LOGO_DIR = "{logo_dir}"\n' if mode == "png" else "") + "MAX_SVG_BYTES = 512 * 1024"
    if mode == "png":
        render = f'''
            def render_logo(svg_bytes, item_id):
                png = {call_png}
                out = os.path.join(LOGO_DIR, f"{w}-{{item_id}}.png")
                with open(out, "wb") as fh:
                    fh.write(png)
                return out
        '''
    else:
        render = f'''
            def render_proof(svg_bytes):
                """Print proof of the uploaded artwork, sent back to the customer."""
                return {call_pdf}
        '''
    std = ["import os"] if mode == "png" else []
    if c.fw == "flask":
        third = ["import cairosvg", "from flask import Flask, abort, jsonify, request" + (", send_file" if mode == "pdf" else "")]
        if mode == "pdf":
            std.append("import io")
        pre = "app = Flask(__name__)"
        tail = ("path = render_logo(svg_bytes, item_id)\n    return jsonify(item=item_id, logo=os.path.basename(path))"
                if mode == "png" else
                f'return send_file(io.BytesIO(render_proof(svg_bytes)), mimetype="application/pdf", download_name="{w}-proof.pdf")')
        handler = f'''
@app.route("/{w}s/<int:item_id>/artwork", methods=["POST"])
def upload_{w}_artwork(item_id):
    svg_bytes = request.files["artwork"].read(MAX_SVG_BYTES + 1)  #@S
    if len(svg_bytes) > MAX_SVG_BYTES:
        abort(413)
    {tail}
'''
    elif c.fw == "django":
        third = ["import cairosvg", "from django.http import HttpResponse, JsonResponse" if mode == "pdf" else "from django.http import JsonResponse",
                 "from django.views.decorators.http import require_POST"]
        pre = ""
        tail = ('path = render_logo(svg_bytes, item_id)\n    return JsonResponse({"item": item_id, "logo": os.path.basename(path)})'
                if mode == "png" else
                'return HttpResponse(render_proof(svg_bytes), content_type="application/pdf")')
        handler = f'''
@require_POST
def upload_{w}_artwork(request, item_id):
    svg_bytes = request.FILES["artwork"].read(MAX_SVG_BYTES + 1)  #@S
    if len(svg_bytes) > MAX_SVG_BYTES:
        return JsonResponse({{"error": "file too large"}}, status=413)
    {tail}
'''
    elif c.fw == "fastapi":
        third = ["import cairosvg", "from fastapi import FastAPI, File, HTTPException, UploadFile"]
        if mode == "pdf":
            third.append("from fastapi.responses import Response")
        pre = "app = FastAPI()"
        tail = ('path = render_logo(svg_bytes, item_id)\n    return {"item": item_id, "logo": os.path.basename(path)}'
                if mode == "png" else
                'return Response(render_proof(svg_bytes), media_type="application/pdf")')
        handler = f'''
@app.post("/{w}s/{{item_id}}/artwork")
async def upload_{w}_artwork(item_id: int, artwork: UploadFile = File(...)):
    svg_bytes = await artwork.read(MAX_SVG_BYTES + 1)  #@S
    if len(svg_bytes) > MAX_SVG_BYTES:
        raise HTTPException(status_code=413, detail="file too large")
    {tail}
'''
    else:
        third = ["import cairosvg", "from aiohttp import web"]
        pre = ""
        tail = ('path = render_logo(svg_bytes, item_id)\n    return web.json_response({"item": item_id, "logo": os.path.basename(path)})'
                if mode == "png" else
                'return web.Response(body=render_proof(svg_bytes), content_type="application/pdf")')
        handler = f'''
async def upload_{w}_artwork(request):
    item_id = int(request.match_info["item_id"])
    form = await request.post()
    svg_bytes = form["artwork"].file.read(MAX_SVG_BYTES + 1)  #@S
    if len(svg_bytes) > MAX_SVG_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_SVG_BYTES, actual_size=len(svg_bytes))
    {tail}


app = web.Application(client_max_size=2 * 1024 * 1024)
app.router.add_post("/{w}s/{{item_id}}/artwork", upload_{w}_artwork)
'''
    return _mod(_imports(std, third), pre, consts + ("\n" + opts if opts else ""), render, handler)


@fam("ssrf-cairosvg-unsafe-fetcher", "CWE-918", fws=["flask", "django", "fastapi", "aiohttp"], n=8, wrap=False)
def xxe_cairosvg(c):
    v, s = _twin(c, _cairosvg_module)
    return Spec(v=v, s=s, full=True,
                notes="CairoSVG's unsafe=True switches it to its unrestricted URL fetcher (CairoSVG >= 2.7 otherwise "
                      "loads only data: URLs): <image>, <use>, <tref> and stylesheet references in the uploaded SVG make "
                      "the server request any http:// or file:// URL the uploader names (cloud metadata, internal "
                      "services), and fetched images or SVG/XML text are drawn into the returned PNG/PDF; the fix drops "
                      "unsafe=True. (Despite the family name, XML external entities are not the issue: CairoSVG parses "
                      "with defusedxml over the stdlib expat parser, which never loads SYSTEM entities)")


@hardneg(4)
def xxe_cairosvg_hn(c):
    w = c.word
    return Spec(s=_mod(
        "from xml.sax.saxutils import escape\n\nimport cairosvg\nfrom flask import Flask, Response, request",
        f'''
        app = Flask(__name__)
        BADGE_SVG = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200">'
            '<rect width="600" height="200" fill="#1d3557"/>'
            '<text x="30" y="120" font-size="48" fill="#ffffff">{{name}}</text></svg>'
        )
        ''',
        f'''
        @app.route("/{w}s/badge.png")
        def {w}_badge():
            name = request.args.get("name", "Guest")[:40]
            svg = BADGE_SVG.format(name=escape(name))
            png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=600)
            return Response(png, mimetype="image/png")
        '''), full=True, fw="flask",
        notes="CairoSVG in its default safe mode on a server-side template; the user text is XML-escaped")


# ---------------- CWE-918: WeasyPrint renders user markup with its default URL fetcher ----------------


def _weasy_module(c, safe: bool) -> str:
    w = c.word
    fetch_kind = c.pick("data", "static")
    css = c.pick("@page { size: A4; margin: 2cm } body { font-family: sans-serif }",
                 "@page { size: Letter; margin: 1in } article { font: 11pt serif }")
    if fetch_kind == "data":
        fetcher = '''
            def inline_only_fetcher(url):
                """Resources of user documents: inline data: URIs only, nothing from a host or a file."""
                if url.startswith("data:"):
                    return weasyprint.default_url_fetcher(url)
                raise ValueError("external resource blocked: " + url[:80])
        '''
        fname = "inline_only_fetcher"
    else:
        static = c.pick("https://static.example.com/", "https://cdn.example.org/assets/")
        fetcher = f'''
            STATIC_PREFIX = "{static}"


            def static_only_fetcher(url):
                """Resources of user documents: data: URIs and our own static host only."""
                if url.startswith("data:") or url.startswith(STATIC_PREFIX):
                    return weasyprint.default_url_fetcher(url)
                raise ValueError("external resource blocked: " + url[:80])
        '''
        fname = "static_only_fetcher"
    fetch_kw = f", url_fetcher={fname}" if safe else ""
    render = f'''
        def render_pdf(html):
            document = weasyprint.HTML(string=html{fetch_kw})  #@V
            return document.write_pdf(stylesheets=[PDF_CSS])
    '''
    to_html = 'html = "<article>" + markdown.markdown(text, extensions=["tables", "fenced_code"]) + "</article>"'
    third = ["import markdown", "import weasyprint"]
    if c.fw == "flask":
        third.append("from flask import Flask, Response, request")
        pre = "app = Flask(__name__)"
        handler = f'''
            @app.route("/{w}s/export.pdf", methods=["POST"])
            def export_{w}_pdf():
                text = request.form["body"]  #@S
                {to_html}
                pdf = render_pdf(html)
                return Response(pdf, mimetype="application/pdf",
                                headers={{"Content-Disposition": "attachment; filename={w}.pdf"}})
        '''
    elif c.fw == "django":
        third += ["from django.http import HttpResponse", "from django.views.decorators.http import require_POST"]
        pre = ""
        handler = f'''
            @require_POST
            def export_{w}_pdf(request):
                text = request.POST["body"]  #@S
                {to_html}
                response = HttpResponse(render_pdf(html), content_type="application/pdf")
                response["Content-Disposition"] = "attachment; filename={w}.pdf"
                return response
        '''
    elif c.fw == "fastapi":
        third += ["from fastapi import FastAPI, Form", "from fastapi.responses import Response"]
        pre = "app = FastAPI()"
        handler = f'''
            @app.post("/{w}s/export.pdf")
            def export_{w}_pdf(body: str = Form(...)):
                text = body  #@S
                {to_html}
                return Response(render_pdf(html), media_type="application/pdf")
        '''
    else:
        third.append("import boto3")
        pre = f's3 = boto3.client("s3")\nEXPORT_BUCKET = "{c.pick("note-exports", w + "-pdf-exports")}"'
        handler = f'''
            def handle_export(message):
                """Render a user's {w} to PDF for the export job queue."""
                text = message["body"]  #@S
                {to_html}
                key = "exports/%s/%s.pdf" % (message["user_id"], message["export_id"])
                s3.put_object(Bucket=EXPORT_BUCKET, Key=key, Body=render_pdf(html), ContentType="application/pdf")
                return key
        '''
    consts = f'PDF_CSS = weasyprint.CSS(string="{css}")'
    parts = [_imports([], third), pre, consts]
    if safe:
        parts.append(fetcher)
    parts += [render, handler]
    return _mod(*parts)


@fam("ssrf-weasyprint-default-fetcher", "CWE-918", fws=["flask", "django", "fastapi", "pipeline"], n=8, wrap=False)
def ssrf_weasyprint(c):
    v, s = _twin(c, _weasy_module)
    return Spec(v=v, s=s, full=True,
                notes="Python-Markdown passes raw HTML through, and WeasyPrint's default URL fetcher loads every "
                      "<img>, stylesheet and <link rel=attachment> it meets: the user makes the server request internal "
                      "URLs or file:// paths, and attachments are embedded in the PDF they download; the fix passes a "
                      "url_fetcher that serves only data: URIs (or the app's static host)")


@hardneg(4)
def ssrf_weasyprint_hn(c):
    w = c.word
    return Spec(s=_mod(
        "import weasyprint\nfrom flask import Flask, Response, request\nfrom jinja2 import Environment, FileSystemLoader, select_autoescape",
        f'''
        app = Flask(__name__)
        TEMPLATES = Environment(loader=FileSystemLoader("templates/pdf"), autoescape=select_autoescape(["html"]))
        STATIC_DIR = "{c.pick("/srv/app/static/", "/opt/site/static/")}"
        ''',
        f'''
        @app.route("/{w}s/<int:item_id>/receipt.pdf")
        def {w}_receipt(item_id):
            note = request.args.get("note", "")[:200]
            html = TEMPLATES.get_template("{w}_receipt.html").render(item_id=item_id, note=note)
            pdf = weasyprint.HTML(string=html, base_url=STATIC_DIR).write_pdf()
            return Response(pdf, mimetype="application/pdf")
        '''), full=True, fw="flask",
        notes="WeasyPrint renders a server template; the user's note is autoescaped text, so it cannot add tags "
              "that make the renderer fetch anything")


# ---------------- CWE-117: aiologger plain-text records on stdout ----------------


@fam("logi-aiologger-plain-stdout", "CWE-117", fws=["aiohttp", "fastapi"],
     keys=["reference", "note", "display_name", "reason"], n=8, wrap=False)
def logi_aiologger(c):
    _pin(c)
    x, w = c.x, c.word
    lvl = c.pick("info", "warning")
    what = {"reference": f"{w} submitted, reference={{}}", "note": f"note added to {w}: {{}}",
            "display_name": f"display name on {w} changed to {{}}", "reason": f"{w} cancelled by customer: {{}}"}[c.key]
    fix = c.pick("repr", "escape")
    v = f"""
        position = await enqueue_{w}({x})
        await audit.{lvl}({c.fmt(what, x)})  #@V
        result = {{"queued": position}}
    """
    if fix == "repr":
        s = f"""
            position = await enqueue_{w}({x})
            await audit.{lvl}("{what.replace("{}", "%r")}", {x})
            result = {{"queued": position}}
        """
    else:
        s = f"""
            position = await enqueue_{w}({x})
            shown = {x}.encode("unicode_escape").decode("ascii")
            await audit.{lvl}({c.fmt(what, "shown")})
            result = {{"queued": position}}
        """
    fmt = c.pick("%(asctime)s %(levelname)s %(name)s %(message)s", "%(asctime)s [%(levelname)s] %(message)s")
    helpers = f'''
        audit = Logger.with_default_handlers(name="{w}.audit", formatter=Formatter("{fmt}"))
        PENDING = asyncio.Queue()


        async def enqueue_{w}(value):
            await PENDING.put(value)
            return PENDING.qsize()
    '''
    return Spec(v=v, s=s, imports="import asyncio\nfrom aiologger import Logger\nfrom aiologger.formatters.base import Formatter",
                helpers=helpers,
                notes="aiologger's Formatter writes the message as one plain-text line on stdout/stderr, which the "
                      "container runtime splits into log records: CR/LF in the request value forge extra records; "
                      "the fix logs the value with %r or escapes control characters first")


@hardneg(4)
def logi_aiologger_hn(c):
    x, w = c.x, c.word
    if c.pick("json", "checked") == "json":
        s = f"""
            await audit.info("{w} submitted", extra={{"reference": {x}}})
            result = {{"ok": True}}
        """
        return Spec(s=s, imports="from aiologger.loggers.json import JsonLogger",
                    helpers=f'audit = JsonLogger.with_default_handlers(name="{w}.audit")',
                    notes="aiologger's JsonLogger: the value is a JSON string field, newlines are escaped")
    s = f"""
        if not re.fullmatch(r"[A-Za-z0-9_-]{{1,40}}", {x}):
            raise ValueError("invalid reference")
        await audit.info(f"{w} submitted, reference={{{x}}}")
        result = {{"ok": True}}
    """
    return Spec(s=s, imports="import re\nfrom aiologger import Logger",
                helpers=f'audit = Logger.with_default_handlers(name="{w}.audit")',
                notes="the value is checked against a strict pattern (no CR/LF) before it is logged")


# ---------------- CWE-400: itertools.product with a caller-chosen repeat ----------------


@fam("dos-itertools-product-repeat", "CWE-400", fws=["flask", "django", "fastapi", "aiohttp", "pipeline"],
     keys=["dice", "k", "variables"], n=8)
def dos_product(c):
    _pin(c)
    x = c.x
    if c.key == "dice":
        cap = c.pick(4, 5)
        v = f"""
            outcomes = itertools.product(range(1, SIDES + 1), repeat=int({x}))  #@V
            totals = Counter(sum(roll) for roll in outcomes)
            result = {{str(t): n for t, n in sorted(totals.items())}}
        """
        s = f"""
            dice = int({x})
            if not 1 <= dice <= {cap}:
                raise ValueError("between 1 and {cap} dice")
            outcomes = itertools.product(range(1, SIDES + 1), repeat=dice)
            totals = Counter(sum(roll) for roll in outcomes)
            result = {{str(t): n for t, n in sorted(totals.items())}}
        """
        imps, helpers = "import itertools\nfrom collections import Counter", f"SIDES = {c.pick(6, 8, 10)}"
        what = "dice-roll distribution enumerates SIDES**n outcomes"
    elif c.key == "k":
        cap = c.pick(5, 6)
        v = f"""
            k = int({x})  #@V
            kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]  #@V
            seen = Counter(SEQUENCE[i:i + k] for i in range(len(SEQUENCE) - k + 1))
            result = {{kmer: seen[kmer] for kmer in kmers}}
        """
        s = f"""
            k = int({x})
            if not 1 <= k <= {cap}:
                raise ValueError("k must be between 1 and {cap}")
            kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
            seen = Counter(SEQUENCE[i:i + k] for i in range(len(SEQUENCE) - k + 1))
            result = {{kmer: seen[kmer] for kmer in kmers}}
        """
        ref = c.pick("reference.fa", "/srv/genomics/plasmid.fa", "data/sequence.fa")
        imps = "import itertools\nfrom collections import Counter"
        helpers = f'with open("{ref}") as _fh:\n    SEQUENCE = "".join(l.strip().upper() for l in _fh if not l.startswith(">"))'
        what = "k-mer table builds a list of 4**k strings"
    else:
        cap = c.pick(8, 10)
        v = f"""
            names = [chr(ord("a") + i % 26) + (str(i // 26) if i >= 26 else "") for i in range(int({x}))]  #@V
            rows = [dict(zip(names, values)) for values in itertools.product((False, True), repeat=len(names))]  #@V
            result = {{"variables": names, "rows": rows}}
        """
        s = f"""
            count = int({x})
            if not 1 <= count <= {cap}:
                raise ValueError("between 1 and {cap} variables")
            names = [chr(ord("a") + i % 26) + (str(i // 26) if i >= 26 else "") for i in range(count)]
            rows = [dict(zip(names, values)) for values in itertools.product((False, True), repeat=len(names))]
            result = {{"variables": names, "rows": rows}}
        """
        imps, helpers = "import itertools", ""
        what = "truth table materialises 2**n rows"
    return Spec(v=v, s=s, imports=imps, helpers=helpers,
                notes=f"the {what}; the exponent comes straight from the request, so a two-digit number keeps a "
                      f"worker busy for hours or exhausts memory; the fix bounds it (at most {cap})")


@hardneg(4)
def dos_product_hn(c):
    x = c.x
    s = f"""
        size = max(1, min(int({x}), 4))
        combos = list(itertools.product(SIZES, COLOURS, repeat=1))[:size * 10]
        grid = [" / ".join(p) for p in itertools.product(SIZES, repeat=size)][:50]
        result = {{"combos": len(combos), "sample": grid}}
    """
    return Spec(s=s, imports="import itertools",
                helpers='SIZES = ("S", "M", "L", "XL")\nCOLOURS = ("red", "navy", "grey")',
                notes="itertools.product with the repeat clamped to at most 4 (4**4 = 256 tuples)")


# ---------------- CWE-400: Strawberry GraphQL schema with recursive types and no depth limit ----------------

_GRAPH = {
    "people": dict(Type="Person", table="people", field="person", fields=("name", "title"),
                   up="manager", up_col="manager_id", down="reports"),
    "comments": dict(Type="Comment", table="comments", field="comment", fields=("author", "body"),
                     up="parent", up_col="parent_id", down="replies"),
    "categories": dict(Type="Category", table="categories", field="category", fields=("name", "slug"),
                       up="parent", up_col="parent_id", down="children"),
}


def _graph_types(g, db_path):
    T, tbl, f1, f2 = g["Type"], g["table"], g["fields"][0], g["fields"][1]
    up, col, down = g["up"], g["up_col"], g["down"]
    cols = f"id, {f1}, {f2}, {col}"
    return f'''
        DB_PATH = "{db_path}"


        def _rows(sql, params=()):
            with sqlite3.connect(DB_PATH) as conn:
                conn.row_factory = sqlite3.Row
                return conn.execute(sql, params).fetchall()


        @strawberry.type
        class {T}:
            id: strawberry.ID
            {f1}: str
            {f2}: str
            {col}: strawberry.Private[Optional[int]]

            @strawberry.field
            def {up}(self) -> Optional["{T}"]:
                return None if self.{col} is None else load_{g["field"]}(self.{col})

            @strawberry.field
            def {down}(self) -> List["{T}"]:
                rows = _rows("SELECT {cols} FROM {tbl} WHERE {col} = ? ORDER BY id LIMIT 50", (int(self.id),))
                return [_{g["field"]}_from(r) for r in rows]


        def _{g["field"]}_from(row) -> {T}:
            return {T}(id=strawberry.ID(str(row["id"])), {f1}=row["{f1}"], {f2}=row["{f2}"], {col}=row["{col}"])


        def load_{g["field"]}(item_id: int) -> Optional[{T}]:
            rows = _rows("SELECT {cols} FROM {tbl} WHERE id = ?", (item_id,))
            return _{g["field"]}_from(rows[0]) if rows else None


        @strawberry.type
        class Query:
            @strawberry.field
            def {g["field"]}(self, id: strawberry.ID) -> Optional[{T}]:
                return load_{g["field"]}(int(id))
    '''


def _mount(fw):
    """(import lines, module tail) serving ``schema`` at /graphql."""
    if fw == "fastapi":
        return (["from fastapi import FastAPI", "from strawberry.fastapi import GraphQLRouter"],
                'app = FastAPI()\napp.include_router(GraphQLRouter(schema), prefix="/graphql")')
    if fw == "flask":
        return (["from flask import Flask", "from strawberry.flask.views import GraphQLView"],
                'app = Flask(__name__)\napp.add_url_rule("/graphql", view_func=GraphQLView.as_view("graphql_view", schema=schema))')
    if fw == "django":
        return (["from django.urls import path", "from strawberry.django.views import GraphQLView"],
                'urlpatterns = [\n    path("graphql/", GraphQLView.as_view(schema=schema)),\n]')
    return (["from aiohttp import web", "from strawberry.aiohttp.views import GraphQLView"],
            'app = web.Application()\napp.router.add_route("*", "/graphql", GraphQLView(schema=schema))')


def _graphql_module(c, safe: bool) -> str:
    g = _GRAPH[c.pick("people", "comments", "categories")]
    db_path = c.pick("/var/lib/directory/app.db", "/srv/app/data.sqlite3", "data/app.db")
    depth, aliases = c.pick(5, 6), c.pick(10, 15, 20)
    if safe:
        limits = f"QueryDepthLimiter(max_depth={depth}), MaxAliasesLimiter(max_alias_count={aliases})"
        line = f"schema = strawberry.Schema(query=Query, extensions=[{limits}])"
        ext_imp = ["from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter"]
    else:
        line = "schema = strawberry.Schema(query=Query)  #@V"
        ext_imp = []
    mimps, tail = _mount(c.fw)
    head = (f'"""GraphQL API over the {g["table"]} table: each {g["Type"].lower()} links to its {g["up"]} and its {g["down"]}."""\n'
            + _imports(["import sqlite3", "from typing import List, Optional"], ["import strawberry"] + ext_imp + mimps))
    return _mod(head, _graph_types(g, db_path), line + "\n" + tail)


@fam("dos-strawberry-query-depth-unlimited", "CWE-400", fws=["fastapi", "flask", "django", "aiohttp"], n=8, wrap=False)
def dos_strawberry(c):
    v, s = _twin(c, _graphql_module)
    return Spec(v=v, s=s, full=True,
                notes="the schema's types refer to themselves (parent and child lists), and Strawberry sets no limit on "
                      "query depth or aliases: one request nesting the list field a few dozen levels deep (or repeating "
                      "it under hundreds of aliases) makes the server run resolvers and SQL queries that grow "
                      "exponentially with the nesting (CWE-770, labelled with its group's CWE-400); the fix adds "
                      "QueryDepthLimiter and MaxAliasesLimiter, which reject such documents at validation (a depth limit "
                      "alone still lets hundreds of aliases multiply each level)")


@hardneg(4)
def dos_strawberry_hn(c):
    g = _GRAPH[c.pick("people", "comments", "categories")]
    mimps, tail = _mount(c.fw)
    head = _imports(["import sqlite3", "from typing import List, Optional"],
                    ["import strawberry", "from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter"] + mimps)
    line = (f"schema = strawberry.Schema(\n    query=Query,\n    extensions=[\n        QueryDepthLimiter(max_depth={c.pick(4, 5, 6)}),\n"
            f"        MaxAliasesLimiter(max_alias_count={c.pick(10, 25)}),\n        MaxTokensLimiter(max_token_count={c.pick(1000, 2000)}),\n    ],\n)")
    return Spec(s=_mod(head, _graph_types(g, c.pick("app.db", "/srv/api/app.db")), line + "\n" + tail), full=True,
                notes="a recursive Strawberry schema served with depth, alias and token limits")
