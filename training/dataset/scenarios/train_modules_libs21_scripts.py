"""Train-only whole-module families (libs21 set, mod21-*): script and CLI modules of about 80-150 lines
(ETL jobs, cron maintenance scripts, argparse admin tools, migration helpers) in domains not used
elsewhere, each with exactly one weak statement among many safe ones, a twin that differs only by the
minimal fix, and a ``@hardneg(10)`` builder of safe modules dense with the same look-alike idioms
(subprocess argument lists, ``os.path.join`` of a sanitised name, ``tempfile.mkstemp``, ``os.chmod``
with 0o640, credentials from the environment, a requests session that keeps verification on).

- mod21-hospital-export-shell-recipient (78): a hospital data export encrypts (gpg) or ships (rsync)
  the export through a shell string built from the destinations file that data stewards edit.
- mod21-telescope-plan-target-path (22): a telescope observation scheduler writes one plan file per
  target, named after the ``target`` field of the observers' proposal rows.
- mod21-price-sync-tmp-job-scratch (377): a retail price sync writes its scratch CSV to a predictable
  ``/tmp`` name derived from the job id and opens it with plain ``open(..., "w")``.
- mod21-grade-import-export-writable (732): a university grade import makes the registrar export (or its
  directory) world-writable.
- mod21-telematics-ingest-literal-api-password (798): a fleet telematics ingest with the vendor API
  password (basic auth) or bearer token written in the script.
- mod21-archive-migration-internal-verify-off (295): a newspaper archive migration that fetches the issue
  index from the internal CMS through a requests session with ``verify=False`` on that one call.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"configparser", "csv", "fcntl", "glob", "gzip", "io", "itertools", "shlex", "shutil",
                          "sqlite3", "stat", "subprocess", "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)

LO, HI = 84, 140


def _common(c, kw):
    """Safe helper parts every script may draw (look-alike idioms used correctly)."""
    return [
        P("jitter", rank=1, imp="import random\nimport time", body='''
            def with_retries(fn, attempts: int = $attempts):
                """Call ``fn`` until it succeeds; ``random`` only spreads the retries."""
                for attempt in range(1, attempts + 1):
                    try:
                        return fn()
                    except OSError as exc:
                        if attempt == attempts:
                            raise
                        delay = random.uniform(0.5, 2.0) * attempt
                        $log.warning("attempt %d failed (%s), retrying in %.1fs", attempt, exc, delay)
                        time.sleep(delay)
        '''),
        P("checksum", rank=1, imp="import hashlib", body='''
            def file_digest(path: str) -> str:
                """SHA-256 of a file, written to the manifest so the receiver can check the transfer."""
                h = hashlib.sha256()
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 16), b""):
                        h.update(chunk)
                return h.hexdigest()
        '''),
        P("lock", rank=1, imp="import fcntl\nimport os", const='STATE_DIR = os.environ.get("$APP_STATE_DIR", "/var/lib/$app")', body='''
            def acquire_lock():
                """Refuse to run twice at once (cron overlap); the lock lives in the job's own state dir."""
                os.makedirs(STATE_DIR, mode=0o750, exist_ok=True)
                fh = open(os.path.join(STATE_DIR, "$app.lock"), "a")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    fh.close()
                    raise SystemExit("another run holds the lock")
                return fh
        '''),
        P("gitrev", rank=1, imp="import subprocess", body='''
            def tool_version() -> str:
                """The deployed revision, for the run log (fixed argument list, no shell)."""
                proc = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse", "--short", "HEAD"],
                                      capture_output=True, text=True, check=False)
                return proc.stdout.strip() or "unknown"
        ''', needs=("osimp",)),
        P("osimp", rank=0, imp="import os"),
        P("atomic", rank=1, imp="import os\nimport tempfile", body='''
            def write_atomic(path: str, text: str) -> None:
                """Write next to the target and rename, so readers never see half a file."""
                fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".part-")
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.chmod(tmp, 0o640)
                os.replace(tmp, path)
        '''),
        P("batches", rank=1, imp="import itertools", body='''
            def batched(items, size: int = $batch):
                """Yield lists of at most ``size`` items."""
                it = iter(items)
                while chunk := list(itertools.islice(it, size)):
                    yield chunk
        '''),
        P("summary", rank=1, imp="import json\nimport sys", body='''
            def print_summary(stats: dict) -> None:
                """One JSON line on stdout for the scheduler's log collector."""
                json.dump({"job": "$app", **stats}, sys.stdout, sort_keys=True)
                sys.stdout.write("\\n")
        '''),
        P("diskfree", rank=1, imp="import shutil", body='''
            def enough_space(path: str, need_mb: int = $space) -> bool:
                """Check the free space before writing a large file."""
                return shutil.disk_usage(path).free >= need_mb * 1024 * 1024
        '''),
    ]


def _kw(c, app, w):
    return dict(app=app, APP=app.upper().replace("-", "_"), w=w, log=c.pick("log", "logger"),
                attempts=c.pick(3, 4, 5), batch=c.pick(200, 500, 1000), space=c.pick(256, 512, 1024))


# ---------------- CWE-78: hospital export, shell string from the destinations file ----------------


_HOSP_DOCS = ["Nightly export of $what to the $dest, run by cron on the data warehouse host.",
              "Export job: $what for the $dest (pseudonymised CSV, encrypted, then shipped).",
              "Cron script that builds the $what extract for the $dest and delivers it."]


def _hosp_parts(c, kw, tool):
    step = {
        "gpg": ('''
            def deliver(path: str, dest: dict) -> str:
                """Encrypt the extract for the receiving registry's key; returns the .gpg path."""
                out = path + ".gpg"
                recipient = dest["recipient"]  #@S
                $FIX
                $log.info("encrypted %s for %s", os.path.basename(path), dest["name"])
                return out
        '''),
        "rsync": ('''
            def deliver(path: str, dest: dict) -> str:
                """Ship the extract to the receiving host over ssh (rsync)."""
                remote = f"{dest['host']}:{dest['inbox']}"  #@S
                $FIX
                $log.info("shipped %s to %s", os.path.basename(path), dest["name"])
                return remote
        '''),
    }[tool]
    core = [
        P("consts", rank=0, imp="import os\nimport logging", const=(
            'EXPORT_DIR = os.environ.get("$APP_EXPORT_DIR", "/srv/exports/$app")\n'
            'DESTINATIONS = os.environ.get("$APP_DESTINATIONS", "/etc/$app/destinations.json")\n'
            'PSEUDO_KEY = os.environ["$APP_PSEUDO_KEY"].encode()')),
        P("rows", rank=2, imp="import csv\nimport hmac\nimport hashlib", body='''
            def pseudonymise(mrn: str) -> str:
                """Keyed hash of the record number, so the registry can link rows without the MRN."""
                return hmac.new(PSEUDO_KEY, mrn.encode(), hashlib.sha256).hexdigest()[:24]


            def write_extract(rows, day: str) -> str:
                path = os.path.join(EXPORT_DIR, f"$what_slug-{day}.csv")
                with open(path, "w", newline="", encoding="utf-8") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(["pid", "ward", "admitted", "discharged", "$code"])
                    for r in rows:
                        writer.writerow([pseudonymise(r["mrn"]), r["ward"], r["admitted"], r["discharged"], r["$code"]])
                return path
        '''),
        P("dests", rank=2, imp="import json", body='''
            def load_destinations() -> list[dict]:
                """Destinations as maintained by the data stewards in the admin UI."""
                with open(DESTINATIONS, encoding="utf-8") as fh:
                    return [d for d in json.load(fh) if d.get("enabled", True)]
        '''),
        P("deliver", rank=3, imp="import subprocess", body=step),
        P("main", rank=5, imp="import argparse\nimport datetime\nimport sqlite3", body='''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("--day", default=(datetime.date.today() - datetime.timedelta(days=1)).isoformat())
                parser.add_argument("--db", default=os.environ.get("$APP_DB", "/srv/warehouse/adt.sqlite"))
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                conn = sqlite3.connect(args.db)
                conn.row_factory = sqlite3.Row
                rows = conn.execute(
                    "SELECT mrn, ward, admitted, discharged, $code FROM stays WHERE date(discharged) = ?", (args.day,)
                ).fetchall()
                path = write_extract(rows, args.day)
                for dest in load_destinations():
                    deliver(path, dest)
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    return core, _common(c, kw)


_HOSP_FIX = {
    "gpg": ('subprocess.run(f"gpg --batch --yes --trust-model always -r {recipient} -o {out} --encrypt {path}", shell=True, check=True)',
            'subprocess.check_call("gpg --batch --yes -r %s -o %s --encrypt %s" % (recipient, out, path), shell=True)',
            'subprocess.run(["gpg", "--batch", "--yes", "--trust-model", "always", "-r", recipient, "-o", out, "--encrypt", path], check=True)',
            'subprocess.check_call(["gpg", "--batch", "--yes", "-r", recipient, "-o", out, "--encrypt", path])'),
    "rsync": ('subprocess.run(f"rsync -a --chmod=F640 {path} {remote}", shell=True, check=True)',
              'subprocess.check_call("rsync -az --timeout=60 " + path + " " + remote, shell=True)',
              'subprocess.run(["rsync", "-a", "--chmod=F640", "--", path, remote], check=True)',
              'subprocess.check_call(["rsync", "-az", "--timeout=60", "--", path, remote])'),
}


def _hosp_kw(c):
    what, slug, code = c.pick(("discharge summaries", "discharges", "icd10"), ("ward admissions", "admissions", "drg"),
                              ("oncology episodes", "oncology", "icdo3"))
    kw = _kw(c, c.pick("adt-export", "registry-export", "ward-extract"), "stay")
    kw.update(what=what, what_slug=slug, code=code, dest=c.pick("regional cancer registry", "health authority",
                                                               "quality registry"))
    return kw


@fam("mod21-hospital-export-shell-recipient", "CWE-78", fws=["cli"], n=8, wrap=False)
def mod21_hosp(c):
    kw = _hosp_kw(c)
    tool = c.pick("gpg", "rsync")
    vs = c.pick(0, 1)
    fx = _HOSP_FIX[tool]
    core, pool = _hosp_parts(c, kw, tool)
    v, s = pair(c, c.pick(*_HOSP_DOCS), '$log = logging.getLogger("$app")', core, pool, kw,
                fx[vs] + "  #@V", fx[vs + 2], lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes=f"the {tool} command is a shell string built from the destination entry (recipient / host / "
                      "inbox) of a destinations file the data stewards edit through the admin UI: a value with ; or "
                      "$( ) runs commands as the export user, which can read the whole warehouse; the fix passes an "
                      "argument list without a shell")


@hardneg(10)
def mod21_hosp_hn(c):
    kw = _hosp_kw(c)
    tool = c.pick("gpg", "rsync")
    core, pool = _hosp_parts(c, kw, tool)
    code = compose(c, c.pick(*_HOSP_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX": _HOSP_FIX[tool][c.pick(2, 3)]}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="delivery commands run as argument lists (no shell); keyed hash pseudonyms, parameterised "
                      "SQL, mkstemp + chmod 0o640, random only for retry jitter")


# ---------------- CWE-22: telescope plan file named after the proposal's target field ----------------


_TEL_DOCS = ["Observation scheduler for the $site $scope: turns the accepted proposals into per-target plans.",
             "Nightly planner: reads the proposals export, computes windows and writes one plan per target.",
             "Builds the $site queue for tonight from the proposal database export."]


def _tel_parts(c, kw):
    core = [
        P("consts", rank=0, imp="import os\nimport re\nimport logging", const=(
            'PLAN_DIR = os.environ.get("$APP_PLAN_DIR", "/srv/$app/plans")\n'
            'SAFE = re.compile(r"[^A-Za-z0-9_.+-]")')),
        P("safe", rank=1, body='''
            def safe_name(text: str) -> str:
                """A file-name-safe version of a label (no separators, no leading dots)."""
                return SAFE.sub("_", text).lstrip(".")[:80] or "unnamed"
        '''),
        P("model", rank=1, imp="from dataclasses import dataclass", body='''
            @dataclass
            class Request:
                proposal: str
                target: str
                ra_deg: float
                dec_deg: float
                exposure_s: int
                filters: list[str]
        '''),
        P("read", rank=2, imp="import csv", body='''
            def read_proposals(path: str) -> list[Request]:
                """Rows of the portal export; observers type the target names themselves."""
                out = []
                with open(path, newline="", encoding="utf-8") as fh:
                    for row in csv.DictReader(fh):
                        out.append(Request(row["proposal"], row["target"].strip(), float(row["ra"]), float(row["dec"]),  #@S
                                           int(row["exposure"]), row["filters"].split("/")))
                return out
        '''),
        P("visible", rank=2, body='''
            def observable(req: Request, lat_deg: float = $lat) -> bool:
                """The target culminates above the altitude limit at this site."""
                return 90.0 - abs(lat_deg - req.dec_deg) >= $minalt
        '''),
        P("write", rank=3, imp="import json", body='''
            def write_plan(req: Request, night: str) -> str:
                """One JSON plan per target for the telescope control software."""
                $FIX
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as fh:
                    json.dump({"night": night, "proposal": req.proposal, "ra": req.ra_deg, "dec": req.dec_deg,
                               "exposure": req.exposure_s, "filters": req.filters}, fh, indent=2)
                $log.info("plan for %s -> %s", req.target, path)
                return path
        '''),
        P("main", rank=5, imp="import argparse\nimport datetime", body='''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("proposals", help="CSV export of the proposal portal")
                parser.add_argument("--night", default=datetime.date.today().isoformat())
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                done = 0
                for req in read_proposals(args.proposals):
                    if not observable(req):
                        $log.info("%s not observable, skipped", req.target)
                        continue
                    write_plan(req, args.night)
                    done += 1
                os.makedirs(os.path.join(PLAN_DIR, args.night), exist_ok=True)
                index = os.path.join(PLAN_DIR, args.night, safe_name(args.night) + "-index.txt")
                with open(index, "a", encoding="utf-8") as fh:
                    fh.write(f"{done} plans\\n")
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    return core, _common(c, kw)


_TEL_FIX = [('path = os.path.join(PLAN_DIR, night, f"{req.target}.json")',
             'path = os.path.join(PLAN_DIR, night, f"{safe_name(req.target)}.json")'),
            ('path = os.path.join(PLAN_DIR, night, req.proposal + "-" + req.target + ".plan.json")',
             'path = os.path.join(PLAN_DIR, night, safe_name(req.proposal + "-" + req.target) + ".plan.json")'),
            ('path = str(pathlib.Path(PLAN_DIR) / night / f"{req.target}.json")',
             'path = str(pathlib.Path(PLAN_DIR) / night / f"{safe_name(req.target)}.json")')]


def _tel_kw(c):
    kw = _kw(c, c.pick("obsplan", "nightq", "scheduler"), "target")
    kw.update(site=c.pick("La Palma", "Paranal", "Kitt Peak", "Siding Spring"),
              scope=c.pick("1.2 m telescope", "robotic array", "survey telescope"),
              lat=c.pick("28.76", "-24.63", "31.96", "-31.27"), minalt=c.pick("30.0", "35.0", "25.0"))
    return kw


def _tel_imp(c, core, i):
    if i == 2:
        core[0].imp += "\nimport pathlib"


@fam("mod21-telescope-plan-target-path", "CWE-22", fws=["cli"], n=8, wrap=False)
def mod21_tel(c):
    kw = _tel_kw(c)
    core, pool = _tel_parts(c, kw)
    i = c.pick(0, 1, 2)
    _tel_imp(c, core, i)
    vf, sf = _TEL_FIX[i]
    v, s = pair(c, c.pick(*_TEL_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, vf + "  #@V", sf,
                lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the plan file is named after the target field of the proposal export, which observers type "
                      "in the portal: a target such as ../../../etc/cron.d/x makes the scheduler write outside the "
                      "plan directory; the fix passes the name through safe_name (already used for the index)")


@hardneg(10)
def mod21_tel_hn(c):
    kw = _tel_kw(c)
    core, pool = _tel_parts(c, kw)
    i = c.pick(0, 1, 2)
    _tel_imp(c, core, i)
    code = compose(c, c.pick(*_TEL_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX": _TEL_FIX[i][1]}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="plan files named through safe_name under the plan directory; fixed subprocess argument "
                      "lists, mkstemp writes, random only for retry jitter")


# ---------------- CWE-377: retail price sync scratch CSV at a predictable /tmp name ----------------


_PRICE_DOCS = ["Price sync from the $supplier feed into the $shop catalogue (runs every $every).",
               "Cron job: pull the supplier price list, normalise it and bulk-load it into the shop database.",
               "Retail price synchronisation for $shop: feed download, currency conversion, staged bulk load."]


def _price_parts(c, kw):
    core = [
        P("consts", rank=0, imp="import os\nimport logging\nfrom decimal import Decimal", const=(
            'FEED_URL = os.environ.get("$APP_FEED_URL", "https://feeds.$supplier_host/prices.csv")\n'
            'MARKUP = Decimal(os.environ.get("$APP_MARKUP", "$markup"))')),
        P("fetch", rank=2, imp="import requests", body='''
            def fetch_feed() -> list[str]:
                """The supplier's CSV as lines (token from the environment)."""
                resp = requests.get(FEED_URL, headers={"Authorization": "Bearer " + os.environ["$APP_FEED_TOKEN"]},
                                    timeout=60)
                resp.raise_for_status()
                return resp.text.splitlines()
        '''),
        P("norm", rank=2, imp="import csv\nimport tempfile\nfrom decimal import ROUND_HALF_UP", body='''
            def shelf_price(cost: str) -> Decimal:
                return (Decimal(cost) * MARKUP).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


            def stage(lines: list[str], job_id: str) -> str:
                """Write the normalised rows to a scratch CSV for the bulk loader; returns its path."""
                $FIX
                with $FIX2 as fh:
                    writer = csv.writer(fh)
                    for row in csv.DictReader(lines):
                        writer.writerow([row["sku"].strip(), shelf_price(row["cost"]), row.get("currency", "EUR")])
                return scratch
        '''),
        P("load", rank=3, imp="import psycopg2", body='''
            def bulk_load(scratch: str) -> int:
                """COPY the staged rows into the price table inside one transaction."""
                with psycopg2.connect(os.environ["$APP_DSN"]) as conn, conn.cursor() as cur, open(scratch) as fh:
                    cur.execute("CREATE TEMP TABLE incoming (sku text, price numeric, currency text)")
                    cur.copy_expert("COPY incoming FROM STDIN WITH (FORMAT csv)", fh)
                    cur.execute("UPDATE prices p SET price = i.price, currency = i.currency FROM incoming i "
                                "WHERE p.sku = i.sku AND p.price <> i.price")
                    return cur.rowcount
        '''),
        P("main", rank=5, imp="import argparse\nimport datetime", body='''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("--job-id", default=$jobid)
                parser.add_argument("--keep", action="store_true", help="keep the scratch file for debugging")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                scratch = stage(fetch_feed(), args.job_id)
                try:
                    changed = bulk_load(scratch)
                    $log.info("job %s: %d prices changed", args.job_id, changed)
                finally:
                    if not args.keep:
                        os.remove(scratch)
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    return core, _common(c, kw)


_PRICE_V = ['scratch = f"/tmp/$app-{job_id}.csv"', 'scratch = os.path.join("/tmp", f"$app-{job_id}.csv")',
            'scratch = "/tmp/$app_" + job_id + ".csv"']
_PRICE_S = [('fd, scratch = tempfile.mkstemp(prefix=f"$app-{job_id}-", suffix=".csv")',
             'os.fdopen(fd, "w", newline="", encoding="utf-8")'),
            ('fh_tmp = tempfile.NamedTemporaryFile("w", prefix=f"$app-{job_id}-", suffix=".csv", newline="", delete=False)\n'
             '    scratch = fh_tmp.name', 'fh_tmp')]


def _price_kw(c):
    kw = _kw(c, c.pick("pricesync", "price-sync", "feedprices"), "sku")
    kw.update(supplier=c.pick("Nordgros", "Westfield Wholesale", "Baltic Supply"),
              supplier_host=c.pick("nordgros.example.com", "wholesale.example.net", "supply.example.org"),
              shop=c.pick("the web shop", "the store network", "the outlet chain"), every=c.pick("hour", "night"),
              markup=c.pick("1.35", "1.42", "1.28"),
              jobid=c.pick('datetime.datetime.now().strftime("%Y%m%d%H")', 'os.environ.get("JOB_ID", "manual")',
                           'datetime.date.today().isoformat()'))
    return kw


@fam("mod21-price-sync-tmp-job-scratch", "CWE-377", fws=["cli"], n=8, wrap=False)
def mod21_price(c):
    kw = _price_kw(c)
    core, pool = _price_parts(c, kw)
    vf = fill(c.pick(*_PRICE_V), **kw)
    sf = c.pick(*_PRICE_S)
    v, s = pair(c, c.pick(*_PRICE_DOCS), '$log = logging.getLogger("$app")', core, pool, kw,
                (vf + "  #@V", 'open(scratch, "w", newline="", encoding="utf-8")'),
                (fill(sf[0], **kw), sf[1]), lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the scratch CSV goes to a /tmp name derived from the job id (an hour stamp, the date or the "
                      "scheduler's id), so another local user can predict it and plant a symlink before the run: "
                      "open(..., 'w') then truncates and writes through it, and the bulk load reads whatever that "
                      "user swaps in; the fix creates the file exclusively with a random name (mkstemp / "
                      "NamedTemporaryFile)")


@hardneg(10)
def mod21_price_hn(c):
    kw = _price_kw(c)
    core, pool = _price_parts(c, kw)
    sf = c.pick(*_PRICE_S)
    code = compose(c, c.pick(*_PRICE_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX2": sf[1], "$FIX": fill(sf[0], **kw)}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="scratch file created by mkstemp / NamedTemporaryFile with the job id only as a prefix; "
                      "feed token from the environment, parameterised SQL, random only for retry jitter")


# ---------------- CWE-732: grade import makes the registrar export writable by others ----------------


_GRADE_DOCS = ["Grade import for $uni: reads the LMS gradebook exports and prepares the registrar file.",
               "End-of-term job that merges the course gradebooks into the registrar's import file.",
               "Admin CLI: validate gradebook CSVs and publish the registrar import for $term."]


def _grade_parts(c, kw):
    core = [
        P("consts", rank=0, imp="import os\nimport logging", const=(
            'OUT_ROOT = os.environ.get("$APP_OUT", "/srv/registrar/incoming")\n'
            'VALID = {"A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F", "P", "NP", "I"}')),
        P("read", rank=2, imp="import csv\nimport glob", body='''
            def read_gradebooks(folder: str) -> tuple[list[dict], list[str]]:
                """All rows of the course exports; rows with an unknown grade are reported, not imported."""
                rows, problems = [], []
                for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
                    with open(path, newline="", encoding="utf-8-sig") as fh:
                        for row in csv.DictReader(fh):
                            grade = row.get("grade", "").strip().upper()
                            if grade not in VALID:
                                problems.append(f"{os.path.basename(path)}: {row.get('student_id')} has {grade!r}")
                                continue
                            rows.append({"student_id": row["student_id"].strip(), "course": row["course"].strip(),
                                         "grade": grade})
                return rows, problems
        '''),
        P("publish", rank=3, imp="import csv\nimport stat", body='''
            def publish(rows: list[dict], term: str) -> str:
                """Write the registrar import file for the term and hand it to the registrar group."""
                out_dir = os.path.join(OUT_ROOT, term)
                os.makedirs(out_dir, exist_ok=True)
                path = os.path.join(out_dir, f"grades-{term}.csv")
                with open(path, "w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, fieldnames=["student_id", "course", "grade"])
                    writer.writeheader()
                    writer.writerows(rows)
                $FIX
                $log.info("published %d grades to %s", len(rows), path)
                return path
        '''),
        P("main", rank=5, imp="import argparse\nimport sys", body='''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("folder", help="folder with the LMS gradebook exports")
                parser.add_argument("--term", required=True, help="e.g. 2024-fall")
                parser.add_argument("--strict", action="store_true", help="fail on any invalid row")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                rows, problems = read_gradebooks(args.folder)
                for p in problems:
                    $log.warning("skipped %s", p)
                if problems and args.strict:
                    return 2
                publish(rows, args.term)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        '''),
    ]
    return core, _common(c, kw)


_GRADE_FIX = [("os.chmod(path, 0o666)", "os.chmod(path, 0o640)"),
              ("os.chmod(path, 0o777)", "os.chmod(path, 0o640)"),
              ("os.chmod(out_dir, 0o777)", "os.chmod(out_dir, 0o750)"),
              ("os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH)",
               "os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP)")]


def _grade_kw(c):
    kw = _kw(c, c.pick("gradeimport", "registrar-sync", "termgrades"), "grade")
    kw.update(uni=c.pick("the university", "the faculty of science", "the college"),
              term=c.pick("the current term", "each semester"))
    return kw


@fam("mod21-grade-import-export-writable", "CWE-732", fws=["cli"], n=8, wrap=False)
def mod21_grade(c):
    kw = _grade_kw(c)
    core, pool = _grade_parts(c, kw)
    vf, sf = c.pick(*_GRADE_FIX)
    v, s = pair(c, c.pick(*_GRADE_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, vf + "  #@V", sf,
                lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the registrar import file (or its term directory) is made writable by every "
                      "local user, so anyone with a shell on the host can change grades before the registrar "
                      "imports them; the fix gives the owner write access and the group read access only")


@hardneg(10)
def mod21_grade_hn(c):
    kw = _grade_kw(c)
    core, pool = _grade_parts(c, kw)
    sf = c.pick(*_GRADE_FIX)[1]
    code = compose(c, c.pick(*_GRADE_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX": sf}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="registrar file chmod 0o640 / directory 0o750; lock in the job's own state dir, mkstemp "
                      "writes, fixed subprocess argument lists")


# ---------------- CWE-798: fleet telematics ingest with the vendor API password in the script ----------------


_FLEET_DOCS = ["Telematics ingest: pulls vehicle positions and odometer readings from $vendor every $every minutes.",
               "Cron script that copies the $vendor telematics feed into the fleet database.",
               "Fleet data ingest from the $vendor API (positions, fuel, fault codes)."]


def _fleet_parts(c, kw):
    core = [
        P("consts", rank=0, imp="import os\nimport logging", const=(
            'API = "https://api.$vhost/v2"\n'
            'CURSOR_FILE = os.path.join(os.environ.get("$APP_STATE_DIR", "/var/lib/$app"), "cursor")')),
        P("session", rank=2, imp="import requests\nfrom requests.auth import HTTPBasicAuth", body='''
            def make_session() -> requests.Session:
                """Session for the vendor API (certificate checks on, as by default)."""
                session = requests.Session()
                $FIX
                session.headers["Accept"] = "application/json"
                return session
        '''),
        P("cursor", rank=2, body='''
            def read_cursor() -> str | None:
                try:
                    with open(CURSOR_FILE, encoding="utf-8") as fh:
                        return fh.read().strip() or None
                except FileNotFoundError:
                    return None
        '''),
        P("pull", rank=3, body='''
            def pull(session, since: str | None) -> tuple[list[dict], str | None]:
                """One page of readings after the cursor."""
                params = {"limit": $batch}
                if since:
                    params["after"] = since
                resp = session.get(f"{API}/readings", params=params, timeout=30)
                resp.raise_for_status()
                body = resp.json()
                return body["items"], body.get("next_cursor")
        '''),
        P("store", rank=3, imp="import psycopg2\nfrom psycopg2.extras import execute_values", body='''
            def store(conn, items: list[dict]) -> None:
                with conn.cursor() as cur:
                    execute_values(cur, "INSERT INTO readings (vehicle, ts, lat, lon, odo_km) VALUES %s "
                                        "ON CONFLICT DO NOTHING",
                                   [(i["vehicle_id"], i["ts"], i["lat"], i["lon"], i.get("odometer")) for i in items])
                conn.commit()
        '''),
        P("main", rank=5, body='''
            def main() -> int:
                logging.basicConfig(level=logging.INFO)
                session = make_session()
                conn = psycopg2.connect(os.environ["$APP_DSN"])
                cursor, total = read_cursor(), 0
                while True:
                    items, nxt = pull(session, cursor)
                    if items:
                        store(conn, items)
                        total += len(items)
                    if not nxt or nxt == cursor:
                        break
                    cursor = nxt
                if cursor:
                    with open(CURSOR_FILE, "w", encoding="utf-8") as fh:
                        fh.write(cursor)
                $log.info("ingested %d readings", total)
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    return core, _common(c, kw)


def _fleet_fix(c, kw):
    user = c.pick("fleet-ingest", "ops-sync", "depot01")
    pw = "".join(c.rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(c.pick(14, 18)))
    tok = "".join(c.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
    shape = c.pick("basic", "basic2", "bearer")
    if shape == "basic":
        return (f'session.auth = HTTPBasicAuth(username="{user}", password="{pw}")',
                f'session.auth = HTTPBasicAuth(username="{user}", password=os.environ["{kw["APP"]}_API_PASSWORD"])')
    if shape == "basic2":
        return (f'session.auth = HTTPBasicAuth(username=os.environ.get("{kw["APP"]}_API_USER", "{user}"), password="{pw}")',
                f'session.auth = HTTPBasicAuth(username=os.environ.get("{kw["APP"]}_API_USER", "{user}"), '
                f'password=os.environ["{kw["APP"]}_API_PASSWORD"])')
    return (f'session.headers["Authorization"] = "Bearer {tok}"',
            f'session.headers["Authorization"] = "Bearer " + os.environ["{kw["APP"]}_API_TOKEN"]')


def _fleet_kw(c):
    kw = _kw(c, c.pick("telematics", "fleet-ingest", "tracksync"), "vehicle")
    kw.update(vendor=c.pick("TrackNet", "FleetLink", "Teletrac"),
              vhost=c.pick("telematics.example.com", "fleetdata.example.net", "trackers.example.org"),
              every=c.pick(5, 10, 15))
    return kw


@fam("mod21-telematics-ingest-literal-api-password", "CWE-798", fws=["script"], n=8, wrap=False)
def mod21_fleet(c):
    kw = _fleet_kw(c)
    core, pool = _fleet_parts(c, kw)
    vf, sf = _fleet_fix(c, kw)
    v, s = pair(c, c.pick(*_FLEET_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, vf + "  #@V", sf,
                lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="the vendor API password (or bearer token) is written in the script, so everyone who can read "
                      "the repository or the deployed file can pull the whole fleet's positions, and it cannot be "
                      "rotated without a release; the fix reads it from the environment")


@hardneg(10)
def mod21_fleet_hn(c):
    kw = _fleet_kw(c)
    core, pool = _fleet_parts(c, kw)
    _, sf = _fleet_fix(c, kw)
    code = compose(c, c.pick(*_FLEET_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX": sf}])[0]
    return Spec(s=code, full=True, fw="script",
                notes="API credentials from the environment (basic auth or bearer), parameterised inserts, "
                      "random only for retry jitter")


# ---------------- CWE-295: archive migration, one call to the internal CMS with verify=False ----------------


_ARCH_DOCS = ["Migration of the $paper archive from the legacy CMS to the new object store ($years).",
              "One-off migration script: copies archived issues of $paper out of the old CMS.",
              "Archive move for $paper: reads the legacy issue index, downloads each page PDF, uploads it to S3."]


def _arch_parts(c, kw):
    core = [
        P("consts", rank=0, imp="import os\nimport logging", const=(
            'CMS = os.environ.get("$APP_CMS_URL", "https://cms.internal.$phost")\n'
            'BUCKET = os.environ.get("$APP_BUCKET", "$paper_slug-archive")')),
        P("index", rank=2, imp="import requests", body='''
            def issue_index(year: int) -> list[dict]:
                """The legacy CMS's list of issues of one year."""
                with requests.Session() as session:
                    session.headers["Authorization"] = "Token " + os.environ["$APP_CMS_TOKEN"]
                    $FIX
                    resp.raise_for_status()
                    return resp.json()["issues"]
        '''),
        P("copy", rank=3, imp="import boto3\nimport requests", body='''
            def copy_issue(s3, issue: dict) -> int:
                """Stream every page PDF of an issue from the public media host into the bucket."""
                copied = 0
                for page in issue["pages"]:
                    key = f"{issue['date']}/{int(page['number']):03d}.pdf"
                    with requests.get(page["pdf_url"], stream=True, timeout=120) as resp:
                        resp.raise_for_status()
                        s3.upload_fileobj(resp.raw, BUCKET, key, ExtraArgs={"ContentType": "application/pdf"})
                    copied += 1
                return copied
        '''),
        P("main", rank=5, imp="import argparse", body='''
            def main(argv=None) -> int:
                parser = argparse.ArgumentParser(description=__doc__)
                parser.add_argument("years", nargs="+", type=int)
                parser.add_argument("--dry-run", action="store_true")
                args = parser.parse_args(argv)
                logging.basicConfig(level=logging.INFO)
                s3 = boto3.client("s3")
                for year in args.years:
                    for issue in issue_index(year):
                        if args.dry_run:
                            $log.info("would copy %s (%d pages)", issue["date"], len(issue["pages"]))
                            continue
                        $log.info("%s: %d pages", issue["date"], copy_issue(s3, issue))
                return 0


            if __name__ == "__main__":
                raise SystemExit(main())
        '''),
    ]
    return core, _common(c, kw)


def _arch_fix(c):
    call = c.pick('resp = session.get(f"{CMS}/api/issues", params={"year": year}, timeout=60$V)',
                  'resp = session.get(CMS + "/api/issues?year=" + str(year), timeout=60$V)',
                  'resp = session.request("GET", f"{CMS}/api/v1/archive/{year}/issues", timeout=60$V)')
    safe = c.pick("", ', verify=os.environ.get("REQUESTS_CA_BUNDLE", True)')
    return call.replace("$V", ", verify=False"), call.replace("$V", safe)


def _arch_kw(c):
    paper = c.pick(("the Evening Courier", "courier", "courier.example.com"),
                   ("the Harbour Gazette", "gazette", "gazette.example.net"),
                   ("the Valley Herald", "herald", "herald.example.org"))
    kw = _kw(c, c.pick("archive-migrate", "cms-export", "issue-mover"), "issue")
    kw.update(paper=paper[0], paper_slug=paper[1], phost=paper[2], years=c.pick("1950-2009", "1890-1999", "1970-2012"))
    return kw


@fam("mod21-archive-migration-internal-verify-off", "CWE-295", fws=["cli"], n=8, wrap=False)
def mod21_arch(c):
    kw = _arch_kw(c)
    core, pool = _arch_parts(c, kw)
    vf, sf = _arch_fix(c)
    v, s = pair(c, c.pick(*_ARCH_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, vf + "  #@V", sf,
                lo=LO, hi=HI)
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the call to the internal CMS switches certificate verification off (verify=False), so anyone "
                      "on the path can impersonate the CMS, read the CMS token sent in the header and feed the "
                      "migration a forged issue index; the fix keeps verification on (default or the internal CA "
                      "bundle)")


@hardneg(10)
def mod21_arch_hn(c):
    kw = _arch_kw(c)
    core, pool = _arch_parts(c, kw)
    _, sf = _arch_fix(c)
    code = compose(c, c.pick(*_ARCH_DOCS), '$log = logging.getLogger("$app")', core, pool, kw, lo=LO, hi=HI,
                   subs=[{"$FIX": sf}])[0]
    return Spec(s=code, full=True, fw="cli",
                notes="requests session with verification on (default or a CA bundle), token from the "
                      "environment, fixed subprocess argument lists, random only for retry jitter")
