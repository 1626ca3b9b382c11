"""OpenID Connect login for the partner portal (authorization-code flow)."""
from __future__ import annotations

import logging
import os
import secrets
from urllib.parse import urlparse

from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, redirect, request, session, url_for

log = logging.getLogger(__name__)

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["PORTAL_SECRET"],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
)

oauth = OAuth(app)
oauth.register(
    "idp",
    client_id=os.environ["OIDC_CLIENT_ID"],
    client_secret=os.environ["OIDC_CLIENT_SECRET"],
    server_metadata_url=os.environ["OIDC_DISCOVERY_URL"],
    client_kwargs={"scope": "openid email profile"},
)


def local_path(target: str | None) -> str:
    """Only allow same-site relative paths as post-login destinations."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@app.get("/login")
def login():
    session["post_login"] = local_path(request.args.get("next"))
    nonce = secrets.token_urlsafe(16)
    session["oidc_nonce"] = nonce
    return oauth.idp.authorize_redirect(url_for("callback", _external=True), nonce=nonce)


@app.get("/oidc/callback")
def callback():
    token = oauth.idp.authorize_access_token()
    claims = oauth.idp.parse_id_token(token, nonce=session.pop("oidc_nonce", None))
    if not claims.get("email_verified"):
        log.info("login refused: unverified email for sub %s", claims.get("sub"))
        abort(403)
    session.clear()
    session["sub"] = claims["sub"]
    session["email"] = claims["email"]
    session["name"] = claims.get("name", claims["email"])
    log.info("partner portal login sub=%s", claims["sub"])
    return redirect(local_path(session.pop("post_login", "/")))


@app.post("/logout")
def logout():
    session.clear()
    return redirect("/")


@app.get("/")
def index():
    if "sub" not in session:
        return redirect(url_for("login", next=request.path))
    return {"hello": session["name"]}


@app.get("/me")
def me():
    if "sub" not in session:
        abort(401)
    return {"sub": session["sub"], "email": session["email"], "name": session["name"]}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(port=5005)
