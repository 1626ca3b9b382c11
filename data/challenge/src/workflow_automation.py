# @notes no-code workflow engine; "custom code" steps stored by workspace users are run with exec, and webhook steps post to any user-configured URL
"""Execute automation workflows (trigger -> steps) for the CRM's no-code builder."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

log = logging.getLogger("workflows")

StepFn = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


@dataclass
class Step:
    kind: str
    config: dict[str, Any]


@dataclass
class Workflow:
    id: int
    workspace_id: int
    name: str
    steps: list[Step] = field(default_factory=list)


def step_set_field(ctx: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    ctx[cfg["field"]] = cfg.get("value")
    return ctx


def step_filter(ctx: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    value = ctx.get(cfg["field"])
    op, expected = cfg.get("op", "eq"), cfg.get("value")
    keep = {"eq": value == expected, "ne": value != expected, "contains": str(expected) in str(value)}.get(op, False)
    ctx["_stop"] = not keep
    return ctx


def step_webhook(ctx: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    resp = requests.post(cfg["url"], json={k: v for k, v in ctx.items() if not k.startswith("_")}, timeout=10)  # @L CWE-918
    ctx["webhook_status"] = resp.status_code
    return ctx


def step_custom_code(ctx: dict[str, Any], cfg: dict[str, Any]) -> dict[str, Any]:
    scope: dict[str, Any] = {"record": dict(ctx), "json": json, "result": None}
    exec(cfg["source"], scope)  # @L CWE-94
    result = scope.get("result")
    if isinstance(result, dict):
        ctx.update(result)
    return ctx


STEPS: dict[str, StepFn] = {
    "set_field": step_set_field,
    "filter": step_filter,
    "webhook": step_webhook,
    "custom_code": step_custom_code,
}


def run(workflow: Workflow, record: dict[str, Any]) -> dict[str, Any]:
    ctx = dict(record)
    started = time.monotonic()
    for i, step in enumerate(workflow.steps):
        fn = STEPS.get(step.kind)
        if fn is None:
            log.warning("workflow %s: unknown step kind %s", workflow.id, step.kind)
            continue
        try:
            ctx = fn(ctx, step.config)
        except Exception:
            log.exception("workflow %s step %d (%s) failed", workflow.id, i, step.kind)
            ctx["_error"] = f"step {i} failed"
            break
        if ctx.get("_stop"):
            break
    ctx["_elapsed_ms"] = round((time.monotonic() - started) * 1000)
    return ctx


def load_workflow(row: dict[str, Any]) -> Workflow:
    steps = [Step(s["kind"], s.get("config", {})) for s in json.loads(row["definition"])]
    return Workflow(row["id"], row["workspace_id"], row["name"], steps)


def on_record_event(rows: list[dict[str, Any]], record: dict[str, Any]) -> list[dict[str, Any]]:
    return [run(load_workflow(r), record) for r in rows]
