# @notes clean: warehouse stock sync worker; parameterized SQL, requests with timeout and verify default
"""Background worker that pulls stock levels from the warehouse API into Postgres."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

import psycopg2
import requests

log = logging.getLogger(__name__)

WAREHOUSE_URL = "https://wms.internal.example.com/api/v2/stock"
BATCH = 200


@dataclass(frozen=True)
class StockLevel:
    sku: str
    warehouse: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


def fetch_pages(session: requests.Session, since: str | None) -> Iterator[list[dict]]:
    """Yield pages of stock records from the warehouse API."""
    cursor: str | None = None
    while True:
        params = {"limit": BATCH}
        if since:
            params["updated_since"] = since
        if cursor:
            params["cursor"] = cursor
        resp = session.get(WAREHOUSE_URL, params=params, timeout=30)
        resp.raise_for_status()
        body = resp.json()
        yield body.get("items", [])
        cursor = body.get("next")
        if not cursor:
            return


def parse(items: Iterable[dict]) -> list[StockLevel]:
    levels = []
    for item in items:
        try:
            levels.append(
                StockLevel(
                    sku=str(item["sku"]),
                    warehouse=str(item["warehouse"]),
                    on_hand=int(item["on_hand"]),
                    reserved=int(item.get("reserved", 0)),
                )
            )
        except (KeyError, TypeError, ValueError):
            log.warning("skipping malformed stock record for sku=%r", item.get("sku"))
    return levels


def upsert(conn, levels: list[StockLevel]) -> int:
    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, available)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (sku, warehouse)
            DO UPDATE SET on_hand = EXCLUDED.on_hand,
                          reserved = EXCLUDED.reserved,
                          available = EXCLUDED.available
            """,
            [(l.sku, l.warehouse, l.on_hand, l.reserved, l.available) for l in levels],
        )
    conn.commit()
    return len(levels)


def last_sync(conn) -> str | None:
    with conn.cursor() as cur:
        cur.execute("SELECT max(synced_at)::text FROM stock_sync_runs")
        row = cur.fetchone()
    return row[0] if row else None


def run_once() -> int:
    conn = psycopg2.connect(os.environ["STOCK_DSN"])
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {os.environ['WMS_TOKEN']}"
    total = 0
    try:
        since = last_sync(conn)
        for page in fetch_pages(session, since):
            total += upsert(conn, parse(page))
        with conn.cursor() as cur:
            cur.execute("INSERT INTO stock_sync_runs (synced_at, rows) VALUES (now(), %s)", (total,))
        conn.commit()
    finally:
        conn.close()
    return total


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    interval = int(os.environ.get("SYNC_INTERVAL", "300"))
    while True:
        started = time.monotonic()
        try:
            n = run_once()
            log.info("synced %d stock rows in %.1fs", n, time.monotonic() - started)
        except requests.RequestException as exc:
            log.error("warehouse API error: %s", exc)
        time.sleep(interval)


if __name__ == "__main__":
    main()
