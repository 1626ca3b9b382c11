"""Accept compressed batches of sensor readings from edge gateways."""
from __future__ import annotations

import csv
import gzip
import io
import logging
import time
from dataclasses import dataclass
from typing import Iterator

from flask import Flask, abort, jsonify, request

from .gateways import authenticate_gateway
from .timeseries import write_points

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
log = logging.getLogger("ingest")


@dataclass
class Point:
    sensor: str
    ts: float
    value: float
    unit: str


def parse_csv(text: str, gateway: str) -> Iterator[Point]:
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if len(row) != 4 or row[0].startswith("#"):
            continue
        sensor, ts, value, unit = row
        try:
            yield Point(f"{gateway}/{sensor.strip()}", float(ts), float(value), unit.strip()[:8])
        except ValueError:
            continue


def body_text() -> str:
    raw = request.get_data()
    if request.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", "replace")


@app.post("/v1/batches")
def upload_batch():
    gateway = authenticate_gateway(request.headers.get("Authorization", ""))
    if gateway is None:
        abort(401)
    started = time.perf_counter()
    points = list(parse_csv(body_text(), gateway.id))
    if not points:
        return jsonify({"accepted": 0}), 200
    now = time.time()
    fresh = [p for p in points if now - 7 * 86400 <= p.ts <= now + 300]
    write_points(fresh)
    log.info(
        "gateway %s: %d points (%d stale) in %.0fms",
        gateway.id, len(fresh), len(points) - len(fresh), (time.perf_counter() - started) * 1000,
    )
    return jsonify({"accepted": len(fresh), "rejected": len(points) - len(fresh)})


@app.get("/v1/gateways/me")
def whoami():
    gateway = authenticate_gateway(request.headers.get("Authorization", ""))
    if gateway is None:
        abort(401)
    return jsonify({"id": gateway.id, "site": gateway.site, "sensors": gateway.sensor_count})


@app.get("/healthz")
def healthz():
    return jsonify({"ok": True, "time": int(time.time())})


def summarize(points: list[Point]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for p in points:
        s = out.setdefault(p.sensor, {"min": p.value, "max": p.value, "n": 0, "sum": 0.0})
        s["min"] = min(s["min"], p.value)
        s["max"] = max(s["max"], p.value)
        s["n"] += 1
        s["sum"] += p.value
    for s in out.values():
        s["mean"] = s["sum"] / s["n"]
    return out
