"""Upload and validate pipeline definitions for the internal build service."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

import yaml
from flask import Blueprint, abort, jsonify, request

from .auth import require_user
from .storage import PipelineStore

bp = Blueprint("pipelines", __name__, url_prefix="/api/pipelines")
log = logging.getLogger(__name__)
store = PipelineStore()

MAX_DEF = 64 * 1024
KNOWN_KEYS = {"name", "image", "stages", "env", "cache", "timeout"}


@dataclass
class Stage:
    name: str
    script: list[str]
    needs: list[str] = field(default_factory=list)


@dataclass
class Pipeline:
    name: str
    image: str
    stages: list[Stage]
    env: dict[str, str]
    timeout: int


class InvalidPipeline(ValueError):
    pass


def parse_definition(text: str) -> Pipeline:
    doc: Any = yaml.load(text, Loader=yaml.Loader)
    if not isinstance(doc, dict):
        raise InvalidPipeline("definition must be a mapping")
    unknown = set(doc) - KNOWN_KEYS
    if unknown:
        raise InvalidPipeline(f"unknown keys: {sorted(unknown)}")
    stages = []
    for raw in doc.get("stages", []):
        if "name" not in raw or "script" not in raw:
            raise InvalidPipeline("each stage needs name and script")
        script = raw["script"] if isinstance(raw["script"], list) else [raw["script"]]
        stages.append(Stage(str(raw["name"]), [str(s) for s in script], list(raw.get("needs", []))))
    names = {s.name for s in stages}
    for s in stages:
        missing = set(s.needs) - names
        if missing:
            raise InvalidPipeline(f"stage {s.name} needs unknown stages {sorted(missing)}")
    return Pipeline(
        name=str(doc.get("name", "pipeline")),
        image=str(doc.get("image", "debian:bookworm")),
        stages=stages,
        env={str(k): str(v) for k, v in (doc.get("env") or {}).items()},
        timeout=int(doc.get("timeout", 3600)),
    )


@bp.post("/<project>")
@require_user
def upload(project: str):
    body = request.get_data(as_text=True)
    if len(body) > MAX_DEF:
        abort(413)
    try:
        pipeline = parse_definition(body)
    except (InvalidPipeline, yaml.YAMLError) as exc:
        return jsonify({"error": str(exc)}), 422
    digest = hashlib.sha256(body.encode()).hexdigest()
    store.save(project, digest, body)
    log.info("project %s: pipeline %s saved (%d stages)", project, digest[:12], len(pipeline.stages))
    return jsonify({"id": digest, "stages": [s.name for s in pipeline.stages]}), 201


@bp.get("/<project>/<digest>")
@require_user
def fetch(project: str, digest: str):
    text = store.load(project, digest)
    if text is None:
        abort(404)
    return text, 200, {"Content-Type": "application/x-yaml"}
