# @notes OAuth client callback pages; the provider's error_description query parameter is echoed into HTML unescaped
"""Sign-in with the company GitLab instance (OAuth2 authorization-code flow)."""
from __future__ import annotations

import logging
import os
import secrets
from urllib.parse import urlencode

import requests
from flask import Flask, abort, redirect, request, session, url_for

app = Flask(__name__)
app.secret_key = os.environ["DASHBOARD_SECRET"]
app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
log = logging.getLogger(__name__)

GITLAB = "https://gitlab.example.com"
CLIENT_ID = os.environ["GITLAB_CLIENT_ID"]
CLIENT_SECRET = os.environ["GITLAB_CLIENT_SECRET"]

PAGE = """<!doctype html><html><head><title>{title}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="card">{body}</main></body></html>"""


@app.get("/login")
def login():
    state = secrets.token_urlsafe(16)
    session["oauth_state"] = state
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": url_for("callback", _external=True),
        "response_type": "code",
        "scope": "read_user",
        "state": state,
    }
    return redirect(f"{GITLAB}/oauth/authorize?{urlencode(params)}")


@app.get("/oauth/callback")
def callback():
    if "error" in request.args:
        description = request.args.get("error_description", "Unknown error")
        log.info("oauth error: %s", request.args.get("error"))
        return PAGE.format(  # @L CWE-79
            title="Sign-in failed",
            body=f"<h1>Sign-in failed</h1><p>{description}</p><a href='/login'>Try again</a>",  # @L CWE-79
        ), 400
    if request.args.get("state") != session.pop("oauth_state", None):
        abort(400)
    token = requests.post(
        f"{GITLAB}/oauth/token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code": request.args.get("code", ""),
            "grant_type": "authorization_code",
            "redirect_uri": url_for("callback", _external=True),
        },
        timeout=15,
    )
    token.raise_for_status()
    access = token.json()["access_token"]
    me = requests.get(f"{GITLAB}/api/v4/user", headers={"Authorization": f"Bearer {access}"}, timeout=15)
    me.raise_for_status()
    user = me.json()
    session["user"] = {"id": user["id"], "username": user["username"], "name": user["name"]}
    return redirect(url_for("home"))


@app.get("/")
def home():
    user = session.get("user")
    if not user:
        return redirect(url_for("login"))
    return PAGE.format(title="Dashboard", body="<h1>Welcome back</h1><div id='app'></div><script src='/static/app.js'></script>")


@app.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("login"))


@app.get("/api/me")
def api_me():
    user = session.get("user")
    if not user:
        abort(401)
    return user
