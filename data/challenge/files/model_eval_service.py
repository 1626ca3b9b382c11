"""Evaluate uploaded model checkpoints against the held-out benchmark and keep a leaderboard."""
from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

import torch
from fastapi import FastAPI, File, Form, HTTPException, UploadFile

from .benchmark import load_benchmark
from .models import build_model

app = FastAPI(title="model-eval")
log = logging.getLogger("model_eval")

MAX_CHECKPOINT = 500 * 1024 * 1024
LEADERBOARD: list[dict] = []


@dataclass
class EvalResult:
    name: str
    architecture: str
    accuracy: float
    loss: float
    seconds: float


def evaluate(model: torch.nn.Module, batches) -> tuple[float, float]:
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    criterion = torch.nn.CrossEntropyLoss(reduction="sum")
    with torch.no_grad():
        for x, y in batches:
            logits = model(x)
            loss_sum += float(criterion(logits, y))
            correct += int((logits.argmax(dim=1) == y).sum())
            total += int(y.numel())
    return correct / max(total, 1), loss_sum / max(total, 1)


@app.post("/evaluate")
async def evaluate_upload(
    name: str = Form(..., max_length=80),
    architecture: str = Form(...),
    checkpoint: UploadFile = File(...),
):
    data = await checkpoint.read(MAX_CHECKPOINT + 1)
    if len(data) > MAX_CHECKPOINT:
        raise HTTPException(413, "checkpoint too large")
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu")
    except Exception as exc:
        raise HTTPException(422, f"could not read checkpoint: {type(exc).__name__}")
    try:
        model = build_model(architecture)
    except KeyError:
        raise HTTPException(400, "unknown architecture")
    missing, unexpected = model.load_state_dict(state.get("state_dict", state), strict=False)
    if missing:
        raise HTTPException(422, f"checkpoint is missing {len(missing)} tensors")
    started = time.monotonic()
    acc, loss = evaluate(model, load_benchmark(batch_size=256))
    result = EvalResult(name, architecture, round(acc, 4), round(loss, 4), round(time.monotonic() - started, 1))
    LEADERBOARD.append(result.__dict__)
    LEADERBOARD.sort(key=lambda r: -r["accuracy"])
    del LEADERBOARD[100:]
    log.info("evaluated %s (%s): acc=%.4f", name, architecture, acc)
    return result.__dict__


@app.get("/leaderboard")
def leaderboard(limit: int = 20):
    return LEADERBOARD[: max(1, min(limit, 100))]


@app.get("/architectures")
def architectures():
    return ["resnet18", "resnet50", "vit_small", "mlp_mixer"]


@app.get("/healthz")
def healthz():
    return {"ok": True, "torch": torch.__version__, "entries": len(LEADERBOARD)}
