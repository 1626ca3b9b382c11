"""Username/password login for the support portal."""
from __future__ import annotations

import logging
import secrets
import time

from flask import Flask, make_response, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash

from .store import SessionStore, UserStore

app = Flask(__name__)
log = logging.getLogger(__name__)

users = UserStore()
sessions = SessionStore()
SESSION_TTL = 8 * 3600


def _client_ip() -> str:
    return request.headers.get("X-Real-IP") or request.remote_addr or "?"


def _rate_limited(username: str) -> bool:
    recent = sessions.failed_attempts(username, since=time.time() - 900)
    return recent >= 10


@app.get("/login")
def login_form():
    return render_template("login.html", next=request.args.get("next", ""))


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    target = request.form.get("next") or url_for("dashboard")
    if _rate_limited(username):
        log.warning("login throttled for user %r from %s", username, _client_ip())
        return render_template("login.html", error="Too many attempts", next=target), 429
    user = users.find(username)
    if user is None or not check_password_hash(user.password_hash, password):
        sessions.record_failure(username)
        return render_template("login.html", error="Invalid credentials", next=target), 401

    sid = secrets.token_urlsafe(32)
    sessions.create(sid, user.id, expires=time.time() + SESSION_TTL)
    log.info("user %s logged in", user.id)
    resp = make_response(redirect(target))
    resp.set_cookie("support_sid", sid, max_age=SESSION_TTL, httponly=True)
    return resp


@app.post("/logout")
def logout():
    sid = request.cookies.get("support_sid")
    if sid:
        sessions.delete(sid)
    resp = make_response(redirect(url_for("login_form")))
    resp.delete_cookie("support_sid")
    return resp


@app.get("/")
def dashboard():
    sid = request.cookies.get("support_sid")
    session = sessions.get(sid) if sid else None
    if session is None or session.expires < time.time():
        return redirect(url_for("login_form", next=request.path))
    user = users.get(session.user_id)
    tickets = users.open_tickets(user.id)
    return render_template("dashboard.html", user=user, tickets=tickets)


@app.get("/profile")
def profile():
    sid = request.cookies.get("support_sid")
    session = sessions.get(sid) if sid else None
    if session is None:
        return redirect(url_for("login_form", next="/profile"))
    user = users.get(session.user_id)
    return render_template("profile.html", user=user)


@app.errorhandler(404)
def not_found(_e):
    return render_template("404.html"), 404


def create_app(config: dict | None = None) -> Flask:
    app.config.update(config or {})
    return app
