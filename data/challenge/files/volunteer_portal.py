"""Volunteer shift sign-up portal for the food bank."""
from __future__ import annotations

import logging
import os
from datetime import date, timedelta
from urllib.parse import urljoin, urlparse

from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_wtf import CSRFProtect

from .repository import ShiftRepository

csrf = CSRFProtect()
log = logging.getLogger(__name__)


def is_safe_redirect(target: str) -> bool:
    host = urlparse(request.host_url)
    dest = urlparse(urljoin(request.host_url, target))
    return dest.scheme in ("http", "https") and dest.netloc == host.netloc


def create_app(repo: ShiftRepository | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ["PORTAL_SECRET_KEY"],
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    csrf.init_app(app)
    repo = repo or ShiftRepository(os.environ.get("PORTAL_DB", "portal.db"))

    def volunteer_id() -> int:
        vid = session.get("volunteer_id")
        if vid is None:
            abort(401)
        return int(vid)

    @app.get("/shifts")
    def shifts():
        start = date.today()
        week = [start + timedelta(days=i) for i in range(7)]
        return render_template("shifts.html", days=week, shifts=repo.open_shifts(start, start + timedelta(days=7)))

    @app.post("/shifts/<int:shift_id>/signup")
    def signup(shift_id: int):
        vid = volunteer_id()
        shift = repo.get_shift(shift_id)
        if shift is None:
            abort(404)
        if shift.spots_left <= 0:
            flash("That shift is already full.")
        else:
            repo.add_signup(shift_id, vid)
            log.info("volunteer %s signed up for shift %s", vid, shift_id)
            flash("You're signed up. Thank you!")
        nxt = request.form.get("next", "")
        return redirect(nxt if nxt and is_safe_redirect(nxt) else url_for("shifts"))

    @app.post("/shifts/<int:shift_id>/cancel")
    def cancel(shift_id: int):
        vid = volunteer_id()
        if not repo.remove_signup(shift_id, vid):
            abort(404)
        flash("Your sign-up was cancelled.")
        return redirect(url_for("my_shifts"))

    @app.get("/me/shifts")
    def my_shifts():
        vid = volunteer_id()
        return render_template("my_shifts.html", shifts=repo.shifts_for(vid))

    @app.get("/coordinator/roster/<int:shift_id>")
    def roster(shift_id: int):
        vid = volunteer_id()
        if not repo.is_coordinator(vid):
            abort(403)
        return render_template("roster.html", shift=repo.get_shift(shift_id), people=repo.roster(shift_id))

    @app.errorhandler(401)
    def unauthorized(_e):
        return redirect(url_for("shifts"))

    return app
