"""Write render outputs and job logs onto the shared NFS volume used by the compositing team."""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger("render_writer")

SHARED = Path(os.environ.get("RENDER_SHARED", "/mnt/render"))


def init_process() -> None:
    """Called once when the worker process starts."""
    os.umask(0o000)
    SHARED.mkdir(parents=True, exist_ok=True)


@dataclass
class FrameResult:
    job_id: str
    shot: str
    frame: int
    seconds: float
    samples: int
    path: str


def job_dir(job_id: str, shot: str) -> Path:
    if not job_id.isalnum() or not shot.replace("_", "").isalnum():
        raise ValueError("bad job or shot id")
    path = SHARED / "jobs" / job_id / shot
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_frame(job_id: str, shot: str, frame: int, data: bytes, seconds: float, samples: int) -> FrameResult:
    target = job_dir(job_id, shot) / f"{shot}.{frame:05d}.exr"
    tmp = target.with_suffix(".exr.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    return FrameResult(job_id, shot, frame, seconds, samples, str(target))


def append_log(job_id: str, shot: str, result: FrameResult) -> None:
    path = job_dir(job_id, shot) / "frames.jsonl"
    with open(path, "a") as fh:
        fh.write(json.dumps(asdict(result)) + "\n")


def summary(job_id: str, shot: str) -> dict[str, float]:
    path = job_dir(job_id, shot) / "frames.jsonl"
    if not path.exists():
        return {"frames": 0}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    total = sum(r["seconds"] for r in rows)
    return {
        "frames": len(rows),
        "total_hours": round(total / 3600, 2),
        "avg_seconds": round(total / len(rows), 1) if rows else 0.0,
        "max_seconds": max((r["seconds"] for r in rows), default=0.0),
    }


def mark_done(job_id: str, shot: str, frames: int) -> Path:
    marker = job_dir(job_id, shot) / "DONE"
    marker.write_text(json.dumps({"frames": frames, "finished": time.time()}))
    return marker


def cleanup_tmp(job_id: str) -> int:
    removed = 0
    for tmp in (SHARED / "jobs" / job_id).rglob("*.tmp"):
        if time.time() - tmp.stat().st_mtime > 3600:
            tmp.unlink()
            removed += 1
    log.info("job %s: removed %d stale temp files", job_id, removed)
    return removed


def handle_result(message: dict, payload: bytes) -> FrameResult:
    result = write_frame(
        message["job_id"], message["shot"], int(message["frame"]), payload,
        float(message["seconds"]), int(message.get("samples", 0)),
    )
    append_log(message["job_id"], message["shot"], result)
    return result
