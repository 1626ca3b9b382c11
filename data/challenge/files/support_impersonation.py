"""Support tooling: look up customers, view their settings, impersonate for debugging."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import wraps

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, session, url_for

from .models import AuditEntry, User, db

bp = Blueprint("support", __name__, url_prefix="/support")
log = logging.getLogger(__name__)


def staff_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("user") is None or not g.user.is_staff:
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def role_required(role: str):
    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if role not in g.user.roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco


def audit(action: str, target_id: int) -> None:
    db.session.add(AuditEntry(actor_id=g.user.id, action=action, target_id=target_id, at=datetime.now(timezone.utc)))
    db.session.commit()


@bp.get("/customers")
@staff_login_required
@role_required("support")
def search_customers():
    q = request.args.get("q", "").strip()
    users = User.query.filter(User.email.ilike(f"%{q}%")).limit(50).all() if q else []
    return render_template("support/customers.html", users=users, q=q)


@bp.get("/customers/<int:user_id>")
@staff_login_required
@role_required("support")
def customer(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    audit("view_customer", user_id)
    return render_template("support/customer.html", user=user)


@bp.post("/customers/<int:user_id>/impersonate")
@staff_login_required
def impersonate(user_id: int):
    target = db.session.get(User, user_id) or abort(404)
    if target.is_staff:
        abort(403)
    session["impersonator_id"] = g.user.id
    session["user_id"] = target.id
    audit("impersonate", user_id)
    log.warning("staff %s impersonating user %s", g.user.id, user_id)
    return redirect(url_for("dashboard.home"))


@bp.post("/stop-impersonating")
def stop_impersonating():
    original = session.pop("impersonator_id", None)
    if original is None:
        abort(400)
    session["user_id"] = original
    return redirect(url_for("support.search_customers"))


@bp.post("/customers/<int:user_id>/reset-2fa")
@staff_login_required
@role_required("support-lead")
def reset_two_factor(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    user.totp_secret = None
    db.session.commit()
    audit("reset_2fa", user_id)
    return jsonify({"ok": True})
