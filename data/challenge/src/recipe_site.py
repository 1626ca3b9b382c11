# @notes recipe-sharing site; remember-me auth cookie set without the Secure flag on an HTTPS site
"""Recipe sharing site: sign-in with remember-me, favourites and shopping lists."""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta, timezone

from flask import Flask, abort, g, jsonify, make_response, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash

from .models import RememberToken, Recipe, User, db

app = Flask(__name__)
log = logging.getLogger(__name__)

REMEMBER_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@app.before_request
def load_user() -> None:
    g.user = None
    raw = request.cookies.get("remember")
    if not raw:
        return
    rec = RememberToken.query.filter_by(token_hash=_hash(raw)).first()
    if rec and rec.expires_at > datetime.now(timezone.utc):
        g.user = db.session.get(User, rec.user_id)


@app.post("/signin")
def signin():
    user = User.query.filter_by(email=request.form.get("email", "").lower()).first()
    if user is None or not check_password_hash(user.password_hash, request.form.get("password", "")):
        return render_template("signin.html", error="Wrong email or password"), 401
    token = secrets.token_urlsafe(32)
    expires = datetime.now(timezone.utc) + timedelta(days=REMEMBER_DAYS)
    db.session.add(RememberToken(user_id=user.id, token_hash=_hash(token), expires_at=expires))
    db.session.commit()
    resp = make_response(redirect(url_for("home")))
    resp.set_cookie("remember", token, max_age=REMEMBER_DAYS * 86400, httponly=True, samesite="Lax")  # @L CWE-614
    log.info("user %s signed in", user.id)
    return resp


@app.post("/signout")
def signout():
    raw = request.cookies.get("remember")
    if raw:
        RememberToken.query.filter_by(token_hash=_hash(raw)).delete()
        db.session.commit()
    resp = make_response(redirect(url_for("home")))
    resp.delete_cookie("remember")
    return resp


@app.get("/")
def home():
    latest = Recipe.query.filter_by(published=True).order_by(Recipe.created_at.desc()).limit(12).all()
    return render_template("home.html", recipes=latest, user=g.user)


@app.post("/recipes/<int:recipe_id>/favourite")
def favourite(recipe_id: int):
    if g.user is None:
        abort(401)
    recipe = Recipe.query.filter_by(id=recipe_id, published=True).first_or_404()
    if recipe not in g.user.favourites:
        g.user.favourites.append(recipe)
        db.session.commit()
    return jsonify({"favourites": len(g.user.favourites)})


@app.get("/shopping-list")
def shopping_list():
    if g.user is None:
        return redirect(url_for("home"))
    totals: dict[str, float] = {}
    for recipe in g.user.favourites:
        for ing in recipe.ingredients:
            key = f"{ing.name} ({ing.unit})"
            totals[key] = totals.get(key, 0) + ing.amount
    return render_template("shopping_list.html", items=sorted(totals.items()))
