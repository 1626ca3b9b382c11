"""Team invitation flow: create, list, accept and revoke invitations."""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, g, jsonify, request

from .auth import login_required
from .db import db
from .models import Invitation, Membership, Team

bp = Blueprint("invites", __name__)
log = logging.getLogger(__name__)

ROLES = ("viewer", "member", "admin", "owner")
INVITE_TTL = timedelta(days=7)


@dataclass
class InviteOut:
    id: int
    email: str
    role: str
    expires_at: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _membership(team_id: int, user_id: int) -> Membership | None:
    return Membership.query.filter_by(team_id=team_id, user_id=user_id).first()


@bp.post("/teams/<int:team_id>/invites")
@login_required
def create_invite(team_id: int):
    me = _membership(team_id, g.user.id)
    if me is None or me.role not in ("admin", "owner"):
        abort(403)
    data = request.get_json(force=True)
    role = data.get("role", "member")
    if role not in ROLES or ROLES.index(role) > ROLES.index(me.role):
        abort(400, "cannot invite with a role above your own")
    token = secrets.token_urlsafe(24)
    inv = Invitation(
        team_id=team_id,
        email=data["email"].strip().lower(),
        role=role,
        token_hash=_token_hash(token),
        expires_at=datetime.now(timezone.utc) + INVITE_TTL,
        invited_by=g.user.id,
    )
    db.session.add(inv)
    db.session.commit()
    log.info("team %s: invite %s created by %s", team_id, inv.id, g.user.id)
    return jsonify({"id": inv.id, "token": token}), 201


@bp.get("/teams/<int:team_id>/invites")
@login_required
def list_invites(team_id: int):
    me = _membership(team_id, g.user.id)
    if me is None or me.role not in ("admin", "owner"):
        abort(403)
    invites = Invitation.query.filter_by(team_id=team_id, accepted_at=None).all()
    return jsonify([InviteOut(i.id, i.email, i.role, i.expires_at.isoformat()).__dict__ for i in invites])


@bp.post("/invites/accept")
@login_required
def accept_invite():
    data = request.get_json(force=True)
    inv = Invitation.query.filter_by(token_hash=_token_hash(data.get("token", ""))).first()
    if inv is None or inv.accepted_at is not None or inv.expires_at < datetime.now(timezone.utc):
        abort(404)
    if inv.email != g.user.email.lower():
        abort(403)
    role = data.get("role", inv.role)
    if role not in ROLES:
        abort(400)
    db.session.add(Membership(team_id=inv.team_id, user_id=g.user.id, role=role))
    inv.accepted_at = datetime.now(timezone.utc)
    db.session.commit()
    team = Team.query.get(inv.team_id)
    log.info("user %s joined team %s as %s", g.user.id, inv.team_id, role)
    return jsonify({"team": team.name, "role": role})


@bp.delete("/teams/<int:team_id>/invites/<int:invite_id>")
@login_required
def revoke_invite(team_id: int, invite_id: int):
    me = _membership(team_id, g.user.id)
    if me is None or me.role not in ("admin", "owner"):
        abort(403)
    inv = Invitation.query.filter_by(id=invite_id, team_id=team_id).first_or_404()
    db.session.delete(inv)
    db.session.commit()
    return "", 204
