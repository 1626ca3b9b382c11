"""SLA policy configuration for the support desk (response/resolution targets)."""
from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import Blueprint, jsonify, request

from .auth import require_admin
from .policies import PolicyRepo

bp = Blueprint("sla", __name__, url_prefix="/api/sla")
log = logging.getLogger(__name__)
repo = PolicyRepo()

DURATION_RE = re.compile(r"^(\d+[dhm]?\s*)+$")
PART_RE = re.compile(r"(\d+)([dhm])")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass
class SlaPolicy:
    name: str
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    business_hours_only: bool = True


def parse_duration(text: str) -> timedelta:
    text = text.strip().lower()
    if not DURATION_RE.match(text):
        raise ValueError(f"cannot parse duration {text!r}; use e.g. '4h', '1d 2h', '30m'")
    parts = PART_RE.findall(text)
    if not parts:
        raise ValueError("duration needs a unit (d, h or m)")
    total = timedelta()
    for value, unit in parts:
        total += timedelta(**{UNITS[unit]: int(value)})
    if total <= timedelta(0) or total > timedelta(days=60):
        raise ValueError("duration must be between 1 minute and 60 days")
    return total


def minutes(td: timedelta) -> int:
    return int(td.total_seconds() // 60)


def humanize(mins: int) -> str:
    days, rem = divmod(mins, 1440)
    hours, m = divmod(rem, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{m}m" if m else ""]
    return " ".join(p for p in parts if p) or "0m"


@bp.get("/policies")
@require_admin
def list_policies():
    return jsonify([{**asdict(p), "first_response": humanize(p.first_response_minutes)} for p in repo.all()])


@bp.post("/policies")
@require_admin
def create_policy():
    data = request.get_json(force=True) or {}
    priority = data.get("priority")
    if priority not in PRIORITIES:
        return jsonify({"error": f"priority must be one of {', '.join(PRIORITIES)}"}), 400
    try:
        first = parse_duration(str(data.get("first_response", "")))
        resolve = parse_duration(str(data.get("resolution", "")))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    if resolve < first:
        return jsonify({"error": "resolution target must be at least the first-response target"}), 400
    policy = SlaPolicy(
        name=str(data.get("name", priority))[:80],
        priority=priority,
        first_response_minutes=minutes(first),
        resolution_minutes=minutes(resolve),
        business_hours_only=bool(data.get("business_hours_only", True)),
    )
    repo.save(policy)
    log.info("SLA policy %s saved", policy.name)
    return jsonify(asdict(policy)), 201
