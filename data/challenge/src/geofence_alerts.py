# @notes clean: geofence alerting for delivery vans; pure geometry plus a parameterized SQLite store and HTTPS notification call
"""Raise alerts when delivery vans enter or leave depot geofences."""
from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

log = logging.getLogger("geofence")

EARTH_RADIUS_M = 6_371_000
NOTIFY_URL = "https://notify.fleet.example.com/v1/alerts"


@dataclass(frozen=True)
class Fence:
    name: str
    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True)
class Ping:
    van_id: str
    lat: float
    lon: float
    at: datetime


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def inside(fence: Fence, ping: Ping) -> bool:
    return haversine(fence.lat, fence.lon, ping.lat, ping.lon) <= fence.radius_m


class FenceState:
    def __init__(self, db_path: str) -> None:
        self.conn = sqlite3.connect(db_path)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS fence_state (van_id TEXT, fence TEXT, inside INTEGER, since TEXT, PRIMARY KEY (van_id, fence))"
        )

    def get(self, van_id: str, fence: str) -> bool | None:
        row = self.conn.execute("SELECT inside FROM fence_state WHERE van_id = ? AND fence = ?", (van_id, fence)).fetchone()
        return None if row is None else bool(row[0])

    def set(self, van_id: str, fence: str, is_inside: bool, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO fence_state VALUES (?, ?, ?, ?) ON CONFLICT(van_id, fence) DO UPDATE SET inside = excluded.inside, since = excluded.since",
            (van_id, fence, int(is_inside), at.isoformat()),
        )
        self.conn.commit()


def notify(session: requests.Session, van_id: str, fence: str, event: str, at: datetime) -> None:
    try:
        resp = session.post(NOTIFY_URL, json={"van": van_id, "fence": fence, "event": event, "at": at.isoformat()}, timeout=5)
        resp.raise_for_status()
    except requests.RequestException as exc:
        log.warning("alert for %s/%s not delivered: %s", van_id, fence, exc)


def process(pings: list[Ping], fences: list[Fence], state: FenceState, session: requests.Session) -> list[tuple[str, str, str]]:
    events = []
    for ping in sorted(pings, key=lambda p: p.at):
        for fence in fences:
            now_inside = inside(fence, ping)
            before = state.get(ping.van_id, fence.name)
            if before is None:
                state.set(ping.van_id, fence.name, now_inside, ping.at)
                continue
            if now_inside != before:
                event = "enter" if now_inside else "exit"
                state.set(ping.van_id, fence.name, now_inside, ping.at)
                notify(session, ping.van_id, fence.name, event, ping.at)
                events.append((ping.van_id, fence.name, event))
    return events


def parse_ping(row: dict) -> Ping:
    return Ping(str(row["van"]), float(row["lat"]), float(row["lon"]), datetime.fromtimestamp(int(row["ts"]), tz=timezone.utc))
