# @notes passwordless "magic link" login; link tokens come from uuid1 (timestamp + MAC based, guessable)
"""Passwordless sign-in by email link for the event-registration site."""
from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass

from flask import Flask, abort, redirect, render_template, request, session, url_for

from .mail import send_mail
from .store import Store

app = Flask(__name__)
log = logging.getLogger(__name__)
store = Store()

LINK_TTL = 15 * 60


@dataclass
class PendingLink:
    email: str
    created: float
    used: bool = False


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(email: str) -> str:
    token = uuid.uuid1().hex  # @L CWE-330
    store.put(f"ml:{_key(token)}", PendingLink(email, time.time()), ttl=LINK_TTL)
    return url_for("consume", token=token, _external=True)


@app.get("/signin")
def signin_form():
    return render_template("signin.html")


@app.post("/signin")
def signin():
    email = request.form.get("email", "").strip().lower()
    if "@" not in email or len(email) > 200:
        return render_template("signin.html", error="Please enter a valid email"), 400
    if store.get(f"ml-rate:{email}"):
        return render_template("signin.html", error="A link was sent recently, check your inbox"), 429
    link = issue_link(email)
    send_mail(email, "Your sign-in link", f"Click to sign in (valid 15 minutes): {link}")
    store.put(f"ml-rate:{email}", True, ttl=60)
    return render_template("check_email.html", email=email)


@app.get("/signin/<token>")
def consume(token: str):
    pending: PendingLink | None = store.get(f"ml:{_key(token)}")
    if pending is None or pending.used or time.time() - pending.created > LINK_TTL:
        return render_template("signin.html", error="That link has expired, request a new one"), 410
    pending.used = True
    store.delete(f"ml:{_key(token)}")
    session.clear()
    session["email"] = pending.email
    session["signed_in_at"] = int(time.time())
    log.info("magic-link sign-in for %s", hashlib.sha256(pending.email.encode()).hexdigest()[:10])
    return redirect(url_for("my_registrations"))


@app.get("/me/registrations")
def my_registrations():
    email = session.get("email")
    if not email:
        return redirect(url_for("signin_form"))
    return render_template("registrations.html", registrations=store.registrations_for(email))


@app.post("/me/registrations/<int:reg_id>/cancel")
def cancel_registration(reg_id: int):
    email = session.get("email")
    if not email:
        abort(401)
    if not store.cancel_registration(email, reg_id):
        abort(404)
    return redirect(url_for("my_registrations"))


@app.post("/signout")
def signout():
    session.clear()
    return redirect(url_for("signin_form"))
