"""Render saved analytics reports as HTML pages."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, abort, render_template, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)
logger = logging.getLogger(__name__)

REPORT_DIR = Path("/srv/analytics/reports")

HEADER_TMPL = """
<header class="report-header">
  <h1>{title}</h1>
  <p class="meta">Generated for {{{{ owner }}}}</p>
</header>
"""


@dataclass
class Report:
    slug: str
    title: str
    owner: str
    metrics: dict[str, float] = field(default_factory=dict)
    notes: str = ""

    @classmethod
    def load(cls, slug: str) -> "Report":
        if not slug.isidentifier():
            raise KeyError(slug)
        path = REPORT_DIR / f"{slug}.json"
        data = json.loads(path.read_text())
        return cls(
            slug=slug,
            title=data["title"],
            owner=data.get("owner", "unknown"),
            metrics=data.get("metrics", {}),
            notes=data.get("notes", ""),
        )


def format_metric(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f}k"
    return f"{value:.2f}"


def metric_rows(report: Report) -> list[tuple[str, str]]:
    return [(name, format_metric(v)) for name, v in sorted(report.metrics.items())]


@app.route("/reports/<slug>")
def show_report(slug: str):
    try:
        report = Report.load(slug)
    except (KeyError, FileNotFoundError):
        abort(404)
    return render_template(
        "report.html",
        report=report,
        rows=metric_rows(report),
        notes=escape(report.notes),
    )


@app.route("/reports/preview", methods=["POST"])
def preview_header():
    """Let editors preview a header before saving the report."""
    title = request.form.get("title", "Untitled")
    owner = request.form.get("owner", "")
    header = HEADER_TMPL.format(title=title)
    return render_template_string(header, owner=owner)


@app.route("/reports/<slug>/annotate", methods=["POST"])
def annotate(slug: str):
    try:
        report = Report.load(slug)
    except (KeyError, FileNotFoundError):
        abort(404)
    comment = request.form.get("comment", "")
    logger.info("annotation added to %s", report.slug)
    body = Markup(f"<div class='comment'>{comment}</div>")
    return render_template("annotation.html", report=report, body=body)


@app.route("/health")
def health():
    return {"ok": True, "reports": len(list(REPORT_DIR.glob("*.json")))}
