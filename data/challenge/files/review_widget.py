"""Server-side rendering of the embeddable product-review widget."""
from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, request
from jinja2 import BaseLoader, Environment

from .reviews import ReviewRepo

bp = Blueprint("widget", __name__, url_prefix="/widget")
log = logging.getLogger(__name__)
repo = ReviewRepo()

WIDGET = """
<div class="rv-widget" data-product="{{ product_id }}">
  <div class="rv-summary">{{ "%.1f"|format(avg) }} &#9733; ({{ count }} reviews)</div>
  {% for r in reviews %}
  <article class="rv-item">
    <header><strong>{{ r.author }}</strong> <span>{{ r.stars }}&#9733;</span> <time>{{ r.date }}</time></header>
    <p>{{ r.body }}</p>
  </article>
  {% endfor %}
</div>
"""

env = Environment(loader=BaseLoader(), autoescape=False)
template = env.from_string(WIDGET)


@dataclass
class ReviewView:
    author: str
    stars: int
    date: str
    body: str


def to_view(row) -> ReviewView:
    return ReviewView(
        author=row.author_name or "Anonymous",
        stars=max(1, min(5, row.stars)),
        date=row.created_at.strftime("%d %b %Y"),
        body=row.body,
    )


@bp.get("/<int:product_id>")
def widget(product_id: int):
    rows = repo.approved_for_product(product_id, limit=int(request.args.get("n", 5)))
    if rows is None:
        abort(404)
    views = [to_view(r) for r in rows]
    stars = [v.stars for v in views]
    html = template.render(
        product_id=product_id,
        avg=statistics.fmean(stars) if stars else 0.0,
        count=repo.count_for_product(product_id),
        reviews=views,
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Cache-Control"] = "public, max-age=300"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.post("/<int:product_id>/reviews")
def submit(product_id: int):
    data = request.get_json(force=True) or {}
    body = str(data.get("body", "")).strip()
    stars = int(data.get("stars", 0))
    if not 10 <= len(body) <= 2000 or not 1 <= stars <= 5:
        return {"error": "review must be 10-2000 characters with 1-5 stars"}, 400
    review_id = repo.create(
        product_id=product_id,
        author_name=str(data.get("author", ""))[:40],
        stars=stars,
        body=body,
        created_at=datetime.utcnow(),
    )
    log.info("review %s submitted for product %s", review_id, product_id)
    return {"id": review_id, "status": "pending moderation"}, 202
