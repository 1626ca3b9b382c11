# @notes intranet login via LDAP simple bind; an empty password makes an unauthenticated bind succeed, so any username logs in
"""Authenticate intranet users against Active Directory."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.secret_key = os.environ["INTRANET_SECRET"]
app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True)
log = logging.getLogger(__name__)

LDAP_URL = os.environ.get("AD_URL", "ldaps://dc1.corp.example.com")
BASE_DN = "dc=corp,dc=example,dc=com"
DOMAIN = "CORP"


@dataclass
class DirectoryUser:
    username: str
    display_name: str
    groups: list[str]


def _conn() -> "ldap.ldapobject.LDAPObject":
    conn = ldap.initialize(LDAP_URL)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
    return conn


def authenticate(username: str, password: str) -> DirectoryUser | None:
    conn = _conn()
    try:
        conn.simple_bind_s(f"{DOMAIN}\\{username}", password)  # @L CWE-287
    except ldap.INVALID_CREDENTIALS:
        return None
    try:
        filt = f"(sAMAccountName={escape_filter_chars(username)})"
        results = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filt, ["displayName", "memberOf"])
    finally:
        conn.unbind_s()
    for dn, attrs in results:
        if not dn:
            continue
        name = attrs.get("displayName", [username.encode()])[0].decode()
        groups = [g.decode().split(",")[0].removeprefix("CN=") for g in attrs.get("memberOf", [])]
        return DirectoryUser(username, name, groups)
    return DirectoryUser(username, username, [])


@app.get("/login")
def login_form():
    return render_template("login.html")


@app.post("/login")
def login():
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username:
        return render_template("login.html", error="Enter your username"), 400
    try:
        user = authenticate(username, password)  # @L CWE-287
    except ldap.SERVER_DOWN:
        log.error("directory unreachable")
        return render_template("login.html", error="Directory unavailable, try again"), 503
    if user is None:
        log.info("failed intranet login")
        return render_template("login.html", error="Wrong username or password"), 401
    session.clear()
    session["user"] = user.username
    session["name"] = user.display_name
    session["groups"] = user.groups
    return redirect(url_for("home"))


@app.get("/")
def home():
    if "user" not in session:
        return redirect(url_for("login_form"))
    return render_template("home.html", name=session["name"], groups=session["groups"])


@app.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("login_form"))
