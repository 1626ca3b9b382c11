"""Self-service password change for directory accounts (replaces the old CGI script)."""
from __future__ import annotations

import logging
import os
import re

import ldap
import ldap.modlist
from flask import Flask, render_template, request

app = Flask(__name__)
app.config.update(SECRET_KEY=os.environ["SSP_SECRET"], SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True)
log = logging.getLogger("ssp")

LDAP_URL = os.environ.get("SSP_LDAP_URL", "ldaps://ldap.example.org")
PEOPLE = "ou=people,dc=example,dc=org"
POLICY = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{12,128}$")


def service_conn():
    conn = ldap.initialize(LDAP_URL)
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    conn.simple_bind_s(os.environ["SSP_BIND_DN"], os.environ["SSP_BIND_PW"])
    return conn


def find_dn(uid: str) -> str | None:
    conn = service_conn()
    try:
        results = conn.search_s(PEOPLE, ldap.SCOPE_ONELEVEL, "(&(objectClass=inetOrgPerson)(uid=%s))" % uid, ["uid"])
    finally:
        conn.unbind_s()
    for dn, _attrs in results:
        if dn:
            return dn
    return None


def change_password(dn: str, old: str, new: str) -> None:
    conn = ldap.initialize(LDAP_URL)
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    try:
        conn.simple_bind_s(dn, old)
        conn.passwd_s(dn, old, new)
    finally:
        conn.unbind_s()


@app.get("/")
def form():
    return render_template("change_password.html")


@app.post("/")
def submit():
    uid = request.form.get("uid", "").strip()
    old = request.form.get("old_password", "")
    new = request.form.get("new_password", "")
    confirm = request.form.get("confirm_password", "")
    if not uid or not old:
        return render_template("change_password.html", error="Username and current password are required"), 400
    if new != confirm:
        return render_template("change_password.html", error="The new passwords do not match"), 400
    if not POLICY.match(new) or uid.lower() in new.lower():
        return render_template("change_password.html", error="The new password does not meet the policy"), 400
    dn = find_dn(uid)
    if dn is None:
        return render_template("change_password.html", error="Wrong username or password"), 401
    try:
        change_password(dn, old, new)
    except ldap.INVALID_CREDENTIALS:
        log.info("password change refused: bad current password")
        return render_template("change_password.html", error="Wrong username or password"), 401
    except ldap.CONSTRAINT_VIOLATION:
        return render_template("change_password.html", error="The directory rejected this password (history or age policy)"), 400
    log.info("password changed for an account")
    return render_template("changed.html")


@app.get("/policy")
def policy():
    return {
        "min_length": 12,
        "requires": ["lowercase", "uppercase", "digit"],
        "may_not_contain": "your username",
    }


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(port=5010)
