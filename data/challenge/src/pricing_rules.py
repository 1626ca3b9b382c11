# @notes promotion rules engine; rule conditions written by marketing staff in the admin UI are evaluated with eval
"""Evaluate cart promotion rules configured in the back office."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

log = logging.getLogger("promotions")


@dataclass
class CartLine:
    sku: str
    category: str
    qty: int
    unit_price: Decimal


@dataclass
class Cart:
    customer_tier: str
    lines: list[CartLine] = field(default_factory=list)
    coupon: str | None = None

    @property
    def subtotal(self) -> Decimal:
        return sum((l.unit_price * l.qty for l in self.lines), Decimal("0"))

    def qty_in(self, category: str) -> int:
        return sum(l.qty for l in self.lines if l.category == category)


@dataclass
class Rule:
    id: int
    name: str
    condition: str
    percent_off: Decimal = Decimal("0")
    amount_off: Decimal = Decimal("0")
    priority: int = 100
    stackable: bool = False


def rule_context(cart: Cart) -> dict[str, Any]:
    return {
        "subtotal": cart.subtotal,
        "tier": cart.customer_tier,
        "coupon": cart.coupon,
        "items": sum(l.qty for l in cart.lines),
        "qty_in": cart.qty_in,
        "skus": {l.sku for l in cart.lines},
        "Decimal": Decimal,
    }


def matches(rule: Rule, cart: Cart) -> bool:
    try:
        return bool(eval(rule.condition, {}, rule_context(cart)))  # @L CWE-94
    except Exception:
        log.exception("rule %s (%s) failed to evaluate", rule.id, rule.name)
        return False


def discount_for(rule: Rule, cart: Cart) -> Decimal:
    pct = (cart.subtotal * rule.percent_off / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(cart.subtotal, pct + rule.amount_off)


def apply_rules(rules: list[Rule], cart: Cart) -> tuple[Decimal, list[str]]:
    """Return the total discount and names of applied rules."""
    applied: list[str] = []
    total = Decimal("0")
    exclusive_taken = False
    for rule in sorted(rules, key=lambda r: r.priority):
        if not matches(rule, cart):
            continue
        if not rule.stackable:
            if exclusive_taken:
                continue
            exclusive_taken = True
        total += discount_for(rule, cart)
        applied.append(rule.name)
    return min(total, cart.subtotal), applied


def load_rules(rows: list[dict]) -> list[Rule]:
    rules = []
    for row in rows:
        if not row.get("active"):
            continue
        rules.append(
            Rule(
                id=row["id"],
                name=row["name"],
                condition=row["condition"],
                percent_off=Decimal(str(row.get("percent_off") or 0)),
                amount_off=Decimal(str(row.get("amount_off") or 0)),
                priority=int(row.get("priority", 100)),
                stackable=bool(row.get("stackable")),
            )
        )
    return rules
