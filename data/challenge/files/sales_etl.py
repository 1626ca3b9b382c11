"""Nightly ETL: load point-of-sale CSV drops into the analytics warehouse."""
from __future__ import annotations

import csv
import gzip
import logging
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

import psycopg2
from psycopg2 import sql

log = logging.getLogger("sales_etl")

DROP_DIR = Path(os.environ.get("POS_DROP_DIR", "/data/pos/incoming"))
DONE_DIR = DROP_DIR.parent / "processed"

TABLES = {
    "sales": ("store_id", "sku", "qty", "unit_price", "sold_at"),
    "returns": ("store_id", "sku", "qty", "refund", "returned_at"),
}


def open_drop(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def normalise(kind: str, rows: Iterable[dict[str, str]]) -> Iterator[tuple]:
    for row in rows:
        try:
            stamp = datetime.strptime(row["timestamp"], "%Y-%m-%d %H:%M:%S")
            money = Decimal(row.get("unit_price") or row.get("refund") or "0")
            yield (int(row["store"]), row["sku"].strip().upper(), int(row["qty"]), money, stamp)
        except (KeyError, ValueError) as exc:
            log.warning("dropping %s row: %s", kind, exc.__class__.__name__)


def load(conn, kind: str, rows: Iterable[tuple], batch: int = 1000) -> int:
    columns = TABLES[kind]
    stmt = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier("staging", kind),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    total = 0
    buf: list[tuple] = []
    with conn.cursor() as cur:
        for row in rows:
            buf.append(row)
            if len(buf) >= batch:
                cur.executemany(stmt, buf)
                total += len(buf)
                buf.clear()
        if buf:
            cur.executemany(stmt, buf)
            total += len(buf)
    return total


def kind_of(path: Path) -> str | None:
    for kind in TABLES:
        if path.name.startswith(kind + "_"):
            return kind
    return None


def process(conn, path: Path) -> int:
    kind = kind_of(path)
    if kind is None:
        log.info("ignoring %s", path.name)
        return 0
    n = load(conn, kind, normalise(kind, open_drop(path)))
    conn.commit()
    DONE_DIR.mkdir(exist_ok=True)
    path.rename(DONE_DIR / path.name)
    return n


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    files = sorted(DROP_DIR.glob("*.csv*"))
    log.info("%d drop files waiting", len(files))
    conn = psycopg2.connect(os.environ["WAREHOUSE_DSN"])
    try:
        for i, path in enumerate(files, 1):
            n = process(conn, path)
            log.info("[%d/%d] %s: %d rows", i, len(files), path.name, n)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
