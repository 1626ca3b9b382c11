# @notes clean: Kafka clickstream consumer; JSON decoding with schema checks, bounded batches, parameterized ClickHouse inserts
"""Consume clickstream events from Kafka and write them to ClickHouse in batches."""
from __future__ import annotations

import json
import logging
import os
import signal
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from clickhouse_driver import Client
from kafka import KafkaConsumer

log = logging.getLogger("clickstream")

TOPIC = os.environ.get("CLICK_TOPIC", "web.clicks")
BATCH_SIZE = 5000
FLUSH_SECONDS = 5.0
ALLOWED_EVENTS = {"page_view", "click", "add_to_cart", "checkout", "search"}


@dataclass
class Click:
    ts: datetime
    session_id: str
    event: str
    path: str
    referrer: str
    props: str


class BadEvent(ValueError):
    pass


def decode(raw: bytes) -> Click:
    try:
        data: dict[str, Any] = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadEvent("not json") from exc
    event = data.get("event")
    if event not in ALLOWED_EVENTS:
        raise BadEvent(f"unknown event {event!r}")
    try:
        ts = datetime.fromtimestamp(float(data["ts"]) / 1000, tz=timezone.utc)
        session = str(data["sid"])[:64]
    except (KeyError, TypeError, ValueError) as exc:
        raise BadEvent("missing ts/sid") from exc
    props = data.get("props") or {}
    return Click(ts, session, event, str(data.get("path", ""))[:512], str(data.get("ref", ""))[:512], json.dumps(props)[:4096])


class Writer:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.buffer: list[Click] = []
        self.last_flush = time.monotonic()

    def add(self, click: Click) -> None:
        self.buffer.append(click)

    def due(self) -> bool:
        return len(self.buffer) >= BATCH_SIZE or time.monotonic() - self.last_flush > FLUSH_SECONDS

    def flush(self) -> int:
        if not self.buffer:
            self.last_flush = time.monotonic()
            return 0
        rows = [(c.ts, c.session_id, c.event, c.path, c.referrer, c.props) for c in self.buffer]
        self.client.execute("INSERT INTO clicks (ts, session_id, event, path, referrer, props) VALUES", rows)
        n = len(rows)
        self.buffer.clear()
        self.last_flush = time.monotonic()
        return n


def run() -> None:
    consumer = KafkaConsumer(
        TOPIC,
        bootstrap_servers=os.environ.get("KAFKA_BROKERS", "localhost:9092").split(","),
        group_id="clickstream-writer",
        enable_auto_commit=False,
        max_poll_records=1000,
    )
    writer = Writer(Client(host=os.environ.get("CLICKHOUSE_HOST", "localhost")))
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    bad = 0
    while not stopping:
        for records in consumer.poll(timeout_ms=1000).values():
            for rec in records:
                try:
                    writer.add(decode(rec.value))
                except BadEvent:
                    bad += 1
        if writer.due():
            n = writer.flush()
            consumer.commit()
            if n:
                log.info("wrote %d clicks (%d rejected so far)", n, bad)
    writer.flush()
    consumer.commit()
    consumer.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run()
