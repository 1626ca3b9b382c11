# @notes membership site login; accounts migrated without a password hash are let in with any password
"""Member login for the sports club site (accounts partially migrated from the old system)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from .members import MemberRepo

app = Flask(__name__)
log = logging.getLogger(__name__)
repo = MemberRepo()


@dataclass
class LoginResult:
    ok: bool
    member_id: int | None = None
    must_set_password: bool = False


def check_login(email: str, password: str) -> LoginResult:
    member = repo.by_email(email.strip().lower())
    if member is None or not member.active:
        return LoginResult(False)
    if not member.password_hash:  # @L CWE-287
        log.info("member %s logged in via migration path", member.id)
        return LoginResult(True, member.id, must_set_password=True)  # @L CWE-287
    if check_password_hash(member.password_hash, password):
        return LoginResult(True, member.id)
    return LoginResult(False)


@app.post("/login")
def login():
    result = check_login(request.form.get("email", ""), request.form.get("password", ""))
    if not result.ok:
        time.sleep(0.5)
        return render_template("login.html", error="Email or password is wrong"), 401
    session.clear()
    session["member_id"] = result.member_id
    if result.must_set_password:
        return redirect(url_for("set_password"))
    return redirect(url_for("dashboard"))


@app.route("/set-password", methods=["GET", "POST"])
def set_password():
    member_id = session.get("member_id")
    if member_id is None:
        return redirect(url_for("login_form"))
    if request.method == "POST":
        pw = request.form.get("password", "")
        if len(pw) < 10 or pw != request.form.get("confirm"):
            return render_template("set_password.html", error="Passwords must match and be 10+ characters")
        repo.set_password_hash(member_id, generate_password_hash(pw))
        return redirect(url_for("dashboard"))
    return render_template("set_password.html")


@app.get("/login")
def login_form():
    return render_template("login.html")


@app.get("/dashboard")
def dashboard():
    member_id = session.get("member_id")
    if member_id is None:
        return redirect(url_for("login_form"))
    member = repo.get(member_id)
    bookings = repo.upcoming_bookings(member_id)
    return render_template("dashboard.html", member=member, bookings=bookings)


@app.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("login_form"))


@app.get("/courts")
def courts():
    return render_template("courts.html", courts=repo.courts())
