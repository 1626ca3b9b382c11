"""Reorder planning: safety stock, reorder points and economic order quantities."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

Z_SCORES = {0.90: 1.2816, 0.95: 1.6449, 0.975: 1.96, 0.99: 2.3263}


@dataclass(frozen=True)
class Item:
    sku: str
    unit_cost: float
    order_cost: float
    holding_rate: float
    lead_time_days: int
    lead_time_sd_days: float = 0.0
    pack_size: int = 1


@dataclass
class Plan:
    sku: str
    daily_demand: float
    safety_stock: int
    reorder_point: int
    order_qty: int
    notes: list[str] = field(default_factory=list)


def daily_series(sales: Iterable[tuple[date, int]], start: date, end: date) -> list[int]:
    by_day: dict[date, int] = {}
    for day, qty in sales:
        if start <= day <= end:
            by_day[day] = by_day.get(day, 0) + qty
    days = (end - start).days + 1
    return [by_day.get(start + timedelta(days=i), 0) for i in range(days)]


def safety_stock(demand: Sequence[int], item: Item, service_level: float) -> float:
    z = Z_SCORES.get(service_level)
    if z is None:
        raise ValueError(f"unsupported service level {service_level}")
    mean = statistics.fmean(demand) if demand else 0.0
    sd = statistics.pstdev(demand) if len(demand) > 1 else 0.0
    variance = item.lead_time_days * sd ** 2 + (mean * item.lead_time_sd_days) ** 2
    return z * math.sqrt(variance)


def eoq(annual_demand: float, item: Item) -> float:
    holding = item.unit_cost * item.holding_rate
    if annual_demand <= 0 or holding <= 0:
        return 0.0
    return math.sqrt(2 * annual_demand * item.order_cost / holding)


def round_to_pack(qty: float, pack: int) -> int:
    if qty <= 0:
        return 0
    return int(math.ceil(qty / pack) * pack)


def plan_item(item: Item, demand: Sequence[int], service_level: float = 0.95) -> Plan:
    mean = statistics.fmean(demand) if demand else 0.0
    ss = safety_stock(demand, item, service_level)
    rop = mean * item.lead_time_days + ss
    qty = eoq(mean * 365, item)
    plan = Plan(
        sku=item.sku,
        daily_demand=round(mean, 3),
        safety_stock=int(math.ceil(ss)),
        reorder_point=int(math.ceil(rop)),
        order_qty=round_to_pack(qty, item.pack_size),
    )
    zero_days = sum(1 for d in demand if d == 0)
    if demand and zero_days / len(demand) > 0.6:
        plan.notes.append("intermittent demand: consider a min/max policy instead")
    if plan.order_qty and plan.order_qty < plan.safety_stock:
        plan.notes.append("order quantity below safety stock; review costs")
    return plan


def needs_order(plan: Plan, on_hand: int, on_order: int) -> int:
    position = on_hand + on_order
    if position > plan.reorder_point:
        return 0
    return max(plan.order_qty, plan.reorder_point - position)
