# @notes SQLAlchemy engine setup for the warehouse service; production DB URL with password used as the fallback default
"""Database engine and session management for the warehouse service."""
from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DATABASE_URL = os.environ.get(
    "WAREHOUSE_DATABASE_URL",
    "postgresql+psycopg2://wh_app:Wh4rehouse!Prod@db-prod-1.internal:5432/warehouse",  # @L CWE-798
)
SLOW_QUERY_MS = float(os.environ.get("SLOW_QUERY_MS", "250"))


def make_engine(url: str = DATABASE_URL) -> Engine:
    engine = create_engine(
        url,
        pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
        max_overflow=5,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"application_name": "warehouse", "connect_timeout": 5},
    )

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["query_start"].pop()
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed > SLOW_QUERY_MS:
            log.warning("slow query (%.0fms): %s", elapsed, statement.split("\n")[0][:120])

    return engine


engine = make_engine()
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def healthcheck() -> dict[str, object]:
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        version = conn.execute(text("SHOW server_version")).scalar()
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1), "server": version}


def pool_stats() -> dict[str, int]:
    pool = engine.pool
    return {
        "size": pool.size(),
        "checked_out": pool.checkedout(),
        "overflow": pool.overflow(),
    }


def wait_for_db(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            healthcheck()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise
            log.info("database not ready (%s), retrying", type(exc).__name__)
            time.sleep(2)
