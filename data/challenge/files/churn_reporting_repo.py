"""Subscription churn and retention queries for the finance dashboard."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChurnRow:
    month: date
    plan: str
    starting: int
    cancelled: int

    @property
    def rate(self) -> float:
        return self.cancelled / self.starting if self.starting else 0.0


class ChurnRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def monthly_churn(self, start: date, end: date, plans: Sequence[str] = ()) -> list[ChurnRow]:
        plan_clause = ""
        if plans:
            quoted = ", ".join(f"'{p}'" for p in plans)
            plan_clause = f"AND s.plan IN ({quoted})"
        stmt = text(
            f"""
            SELECT date_trunc('month', m.month)::date AS month, s.plan,
                   count(*) FILTER (WHERE s.started_at < m.month) AS starting,
                   count(*) FILTER (WHERE s.cancelled_at >= m.month
                                    AND s.cancelled_at < m.month + interval '1 month') AS cancelled
            FROM generate_series(:start, :end, interval '1 month') AS m(month)
            JOIN subscriptions s ON s.started_at < m.month + interval '1 month'
                                 AND (s.cancelled_at IS NULL OR s.cancelled_at >= m.month)
            WHERE true {plan_clause}
            GROUP BY 1, 2
            ORDER BY 1, 2
            """
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt, {"start": start, "end": end}).all()
        return [ChurnRow(r.month, r.plan, r.starting, r.cancelled) for r in rows]

    def cohort_retention(self, cohort_month: date, months: int = 12) -> list[tuple[int, float]]:
        stmt = text(
            """
            WITH cohort AS (
                SELECT id, started_at, cancelled_at FROM subscriptions
                WHERE date_trunc('month', started_at) = :cohort
            )
            SELECT k, count(*) FILTER (WHERE cancelled_at IS NULL OR cancelled_at >= :cohort + k * interval '1 month')::float
                      / NULLIF(count(*), 0)
            FROM cohort CROSS JOIN generate_series(0, :months) AS k
            GROUP BY k ORDER BY k
            """
        )
        with self.engine.connect() as conn:
            return [(int(k), float(v or 0)) for k, v in conn.execute(stmt, {"cohort": cohort_month, "months": months})]

    def mrr_by_plan(self, on: date) -> dict[str, int]:
        stmt = text(
            """
            SELECT plan, sum(monthly_price_cents) FROM subscriptions
            WHERE started_at <= :on AND (cancelled_at IS NULL OR cancelled_at > :on)
            GROUP BY plan
            """
        )
        with self.engine.connect() as conn:
            return {plan: int(total) for plan, total in conn.execute(stmt, {"on": on})}


def summarize(rows: list[ChurnRow]) -> dict[str, float]:
    by_plan: dict[str, list[float]] = {}
    for r in rows:
        by_plan.setdefault(r.plan, []).append(r.rate)
    return {plan: round(sum(rates) / len(rates), 4) for plan, rates in by_plan.items() if rates}
