"""Member directory for the co-working space community app."""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .db import query_all, query_one

bp = Blueprint("members", __name__, url_prefix="/api/members")
log = logging.getLogger(__name__)


@dataclass
class MemberCard:
    id: int
    display_name: str
    company: str
    skills: list[str]
    avatar_url: str


def _card(row: dict) -> MemberCard:
    return MemberCard(
        id=row["id"],
        display_name=row["display_name"],
        company=row.get("company") or "",
        skills=[s for s in (row.get("skills") or "").split(",") if s],
        avatar_url=row.get("avatar_url") or "/static/avatar.png",
    )


@bp.get("/")
@login_required
def directory():
    skill = request.args.get("skill", "").strip().lower()
    rows = query_all(
        "SELECT id, display_name, company, skills, avatar_url FROM members WHERE visible = 1 ORDER BY display_name"
    )
    cards = [_card(r) for r in rows]
    if skill:
        cards = [c for c in cards if skill in (s.lower() for s in c.skills)]
    return jsonify([asdict(c) for c in cards])


@bp.get("/<int:member_id>")
@login_required
def profile(member_id: int):
    row = query_one("SELECT * FROM members WHERE id = ? AND visible = 1", (member_id,))
    if row is None:
        abort(404)
    return jsonify(dict(row))


@bp.get("/me")
@login_required
def me():
    row = query_one("SELECT * FROM members WHERE id = ?", (current_user.id,))
    data = dict(row)
    data.pop("password_hash", None)
    return jsonify(data)


@bp.get("/birthdays")
@login_required
def birthdays():
    today = date.today()
    rows = query_all("SELECT id, display_name, birth_date FROM members WHERE visible = 1 AND show_birthday = 1")
    upcoming = []
    for r in rows:
        bd = date.fromisoformat(r["birth_date"])
        this_year = bd.replace(year=today.year)
        delta = (this_year - today).days
        if 0 <= delta <= 14:
            upcoming.append({"id": r["id"], "name": r["display_name"], "in_days": delta})
    return jsonify(sorted(upcoming, key=lambda x: x["in_days"]))


@bp.get("/companies")
@login_required
def companies():
    rows = query_all(
        "SELECT company, count(*) AS n FROM members WHERE visible = 1 AND company IS NOT NULL GROUP BY company ORDER BY n DESC"
    )
    return jsonify([{"company": r["company"], "members": r["n"]} for r in rows])


@bp.patch("/me")
@login_required
def update_me():
    data = request.get_json(force=True) or {}
    allowed = {"display_name", "company", "skills", "avatar_url", "show_birthday"}
    changes = {k: v for k, v in data.items() if k in allowed}
    if not changes:
        return jsonify({"updated": 0})
    sets = ", ".join(f"{k} = ?" for k in changes)
    query_one(f"UPDATE members SET {sets} WHERE id = ? RETURNING id", (*changes.values(), current_user.id))
    log.info("member %s updated %s", current_user.id, sorted(changes))
    return jsonify({"updated": len(changes)})
