# @notes multi-tenant document API; tenant check compares against the X-Tenant-Id request header instead of the authenticated user's tenant
"""Document metadata API for the multi-tenant contract-management product."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import Blueprint, abort, g, jsonify, request

from .auth import login_required
from .models import Document, db

bp = Blueprint("documents", __name__, url_prefix="/api/documents")
log = logging.getLogger(__name__)


def request_tenant() -> int:
    raw = request.headers.get("X-Tenant-Id")
    if raw is None or not raw.isdigit():
        abort(400, "X-Tenant-Id header required")
    return int(raw)


def serialize(doc: Document) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "counterparty": doc.counterparty,
        "value_cents": doc.value_cents,
        "signed_on": doc.signed_on.isoformat() if doc.signed_on else None,
        "renewal_on": doc.renewal_on.isoformat() if doc.renewal_on else None,
    }


@bp.get("")
@login_required
def list_documents():
    docs = Document.query.filter_by(tenant_id=g.user.tenant_id, archived=False).order_by(Document.title).all()
    return jsonify([serialize(d) for d in docs])


@bp.get("/<int:doc_id>")
@login_required
def get_document(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.tenant_id != request_tenant():  # @L CWE-863
        abort(404)
    return jsonify(serialize(doc))  # @L CWE-863


@bp.patch("/<int:doc_id>")
@login_required
def update_document(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.tenant_id != g.user.tenant_id:
        abort(404)
    data = request.get_json(force=True) or {}
    for field in ("title", "counterparty"):
        if field in data:
            setattr(doc, field, str(data[field])[:200])
    doc.updated_at = datetime.now(timezone.utc)
    db.session.commit()
    return jsonify(serialize(doc))


@bp.post("/<int:doc_id>/archive")
@login_required
def archive(doc_id: int):
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.tenant_id != g.user.tenant_id:
        abort(404)
    doc.archived = True
    db.session.commit()
    log.info("document %s archived by %s", doc_id, g.user.id)
    return jsonify({"archived": True})


@bp.get("/renewals")
@login_required
def upcoming_renewals():
    today = datetime.now(timezone.utc).date()
    docs = (
        Document.query.filter(Document.tenant_id == g.user.tenant_id, Document.renewal_on >= today)
        .order_by(Document.renewal_on)
        .limit(20)
        .all()
    )
    return jsonify([serialize(d) for d in docs])
