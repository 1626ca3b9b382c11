"""User search/picker endpoints used by the assignment dropdowns across the ticketing app."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy import or_

from .auth import login_required
from .models import User, db

bp = Blueprint("users_api", __name__, url_prefix="/api/users")
log = logging.getLogger(__name__)

MAX_RESULTS = 25


def to_dict(user: User) -> dict:
    return {c.name: getattr(user, c.name) for c in user.__table__.columns}


def public_dict(user: User) -> dict:
    return {"id": user.id, "name": user.full_name, "team": user.team, "avatar": user.avatar_url}


@bp.get("/search")
@login_required
def search():
    q = request.args.get("q", "").strip()
    if len(q) < 2:
        return jsonify([])
    users = (
        User.query.filter(User.active.is_(True))
        .filter(or_(User.full_name.ilike(f"%{q}%"), User.email.ilike(f"{q}%")))
        .order_by(User.full_name)
        .limit(MAX_RESULTS)
        .all()
    )
    return jsonify([to_dict(u) for u in users])


@bp.get("/<int:user_id>")
@login_required
def get_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return jsonify(public_dict(user))


@bp.get("/team/<team>")
@login_required
def team_members(team: str):
    users = User.query.filter_by(team=team, active=True).order_by(User.full_name).all()
    return jsonify([public_dict(u) for u in users])


@bp.patch("/me")
@login_required
def update_me():
    data = request.get_json(force=True) or {}
    me: User = g.user
    if "full_name" in data:
        me.full_name = str(data["full_name"])[:120]
    if "avatar_url" in data and str(data["avatar_url"]).startswith("https://"):
        me.avatar_url = str(data["avatar_url"])
    me.updated_at = datetime.utcnow()
    db.session.commit()
    return jsonify(public_dict(me))


@bp.get("/me/workload")
@login_required
def workload():
    me: User = g.user
    open_tickets = me.assigned_tickets.filter_by(status="open").count()
    waiting = me.assigned_tickets.filter_by(status="waiting").count()
    return jsonify({"open": open_tickets, "waiting": waiting})


@bp.get("/stats")
@login_required
def stats():
    total = User.query.count()
    active = User.query.filter_by(active=True).count()
    teams = db.session.query(User.team, db.func.count(User.id)).group_by(User.team).all()
    return jsonify({"total": total, "active": active, "teams": {t or "none": n for t, n in teams}})
