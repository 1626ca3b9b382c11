# @notes newsletter admin; subscriber delete is a plain GET route (state change via GET, so CSRF protection for POST forms does not apply)
"""Admin pages for the newsletter subscriber list."""
from __future__ import annotations

import csv
import io
import logging
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .models import Subscriber, db

bp = Blueprint("newsletter_admin", __name__, url_prefix="/admin/newsletter")
log = logging.getLogger(__name__)


def _require_editor() -> None:
    if not current_user.is_authenticated or not current_user.has_role("newsletter-editor"):
        abort(403)


@bp.get("/")
@login_required
def subscribers():
    _require_editor()
    q = request.args.get("q", "").strip().lower()
    query = Subscriber.query.order_by(Subscriber.created_at.desc())
    if q:
        query = query.filter(Subscriber.email.ilike(f"%{q}%"))
    page = query.paginate(page=int(request.args.get("page", 1)), per_page=50)
    return render_template("newsletter/subscribers.html", page=page, q=q)


@bp.get("/subscribers/<int:sub_id>/delete")  # @L CWE-352
@login_required
def delete_subscriber(sub_id: int):
    _require_editor()
    sub = Subscriber.query.get_or_404(sub_id)
    db.session.delete(sub)  # @L CWE-352
    db.session.commit()
    log.info("editor %s deleted subscriber %s", current_user.id, sub_id)
    flash("Subscriber removed.")
    return redirect(url_for(".subscribers"))


@bp.post("/subscribers/<int:sub_id>/tags")
@login_required
def set_tags(sub_id: int):
    _require_editor()
    sub = Subscriber.query.get_or_404(sub_id)
    sub.tags = ",".join(sorted({t.strip().lower() for t in request.form.get("tags", "").split(",") if t.strip()}))
    db.session.commit()
    return redirect(url_for(".subscribers"))


@bp.get("/export.csv")
@login_required
def export():
    _require_editor()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["email", "name", "tags", "subscribed_at"])
    for s in Subscriber.query.filter_by(active=True).order_by(Subscriber.id):
        writer.writerow([s.email, s.name or "", s.tags or "", s.created_at.isoformat()])
    log.info("editor %s exported subscriber list", current_user.id)
    return Response(
        buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=subscribers-{datetime.utcnow():%Y%m%d}.csv"},
    )


@bp.get("/stats")
@login_required
def stats():
    _require_editor()
    total = Subscriber.query.count()
    active = Subscriber.query.filter_by(active=True).count()
    return render_template("newsletter/stats.html", total=total, active=active)
