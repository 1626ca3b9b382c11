"""Personalised campaign emails: tenants write templates, we render per recipient."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import jinja2
from flask import Blueprint, jsonify, request

from .auth import tenant_required
from .contacts import ContactRepo

bp = Blueprint("campaigns", __name__, url_prefix="/api/campaigns")
log = logging.getLogger(__name__)
contacts = ContactRepo()

MAX_TEMPLATE = 20_000


@dataclass
class Recipient:
    email: str
    first_name: str
    last_name: str
    city: str
    points: int


def sample_recipient() -> Recipient:
    return Recipient("jane@example.com", "Jane", "Doe", "Leeds", 1200)


def render_for(source: str, recipient: Recipient, extra: dict | None = None) -> str:
    tmpl = jinja2.Template(source)
    return tmpl.render(
        first_name=recipient.first_name,
        last_name=recipient.last_name,
        city=recipient.city,
        points=recipient.points,
        today=date.today().isoformat(),
        **(extra or {}),
    )


@bp.post("/preview")
@tenant_required
def preview():
    data = request.get_json(force=True) or {}
    source = str(data.get("template", ""))
    if len(source) > MAX_TEMPLATE:
        return jsonify({"error": "template too long"}), 413
    try:
        html = render_for(source, sample_recipient())
    except jinja2.TemplateError as exc:
        return jsonify({"error": f"template error: {exc}"}), 422
    return jsonify({"html": html})


@bp.post("/<int:campaign_id>/render-batch")
@tenant_required
def render_batch(campaign_id: int):
    data = request.get_json(force=True) or {}
    source = str(data.get("template", ""))
    segment = str(data.get("segment", "all"))
    out = []
    for c in contacts.in_segment(request.tenant_id, segment, limit=500):
        r = Recipient(c.email, c.first_name, c.last_name, c.city, c.points)
        out.append({"to": r.email, "html": render_for(source, r)})
    log.info("campaign %s rendered for %d recipients", campaign_id, len(out))
    return jsonify({"count": len(out), "messages": out[:20]})


@bp.get("/variables")
@tenant_required
def variables():
    return jsonify(["first_name", "last_name", "city", "points", "today"])


def lint(source: str) -> list[str]:
    problems = []
    if "{{" not in source:
        problems.append("template has no personalisation")
    if source.count("{%") != source.count("%}"):
        problems.append("unbalanced block tags")
    if len(source) > MAX_TEMPLATE:
        problems.append("template too long")
    return problems
