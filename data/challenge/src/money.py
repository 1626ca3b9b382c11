# @notes clean: money value type and formatting helpers (no external input handling beyond parsing)
"""Money arithmetic and formatting helpers shared across billing services."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import total_ordering
from typing import Iterable

MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "CHF": 2, "SEK": 2, "KWD": 3}
SYMBOLS = {"EUR": "\u20ac", "USD": "$", "GBP": "\u00a3", "JPY": "\u00a5"}
AMOUNT_RE = re.compile(r"^\s*(?P<sign>-)?(?P<int>\d{1,3}(?:[ ,.']?\d{3})*|\d+)(?:[.,](?P<frac>\d+))?\s*$")


class CurrencyMismatch(ValueError):
    pass


@total_ordering
@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in MINOR_UNITS:
            raise ValueError(f"unsupported currency {self.currency}")

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> "Money":
        exp = MINOR_UNITS[currency]
        try:
            value = Decimal(str(amount))
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {amount!r}") from exc
        minor = (value * (10 ** exp)).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN)
        return cls(int(minor), currency)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.minor) / (10 ** MINOR_UNITS[self.currency])

    def _check(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._check(other)
        return self.minor < other.minor

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency)

    def times(self, factor: Decimal | int) -> "Money":
        value = (Decimal(self.minor) * Decimal(factor)).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN)
        return Money(int(value), self.currency)

    def allocate(self, ratios: Iterable[int]) -> list["Money"]:
        """Split without losing cents; remainders go to the first parts."""
        ratios = list(ratios)
        total = sum(ratios)
        if total <= 0:
            raise ValueError("ratios must sum to a positive number")
        shares = [self.minor * r // total for r in ratios]
        remainder = self.minor - sum(shares)
        for i in range(remainder):
            shares[i % len(shares)] += 1
        return [Money(s, self.currency) for s in shares]

    def format(self, locale: str = "en") -> str:
        exp = MINOR_UNITS[self.currency]
        text = f"{abs(self.amount):,.{exp}f}"
        if locale == "de":
            text = text.replace(",", "\u2009").replace(".", ",")
        symbol = SYMBOLS.get(self.currency, self.currency + " ")
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{symbol}{text}" if locale == "en" else f"{sign}{text} {symbol}"


def parse_amount(text: str, currency: str) -> Money:
    m = AMOUNT_RE.match(text)
    if not m:
        raise ValueError(f"cannot parse amount {text!r}")
    integer = re.sub(r"[ ,.']", "", m["int"])
    frac = m["frac"] or "0"
    return Money.of(f"{'-' if m['sign'] else ''}{integer}.{frac}", currency)


def total(items: Iterable[Money], currency: str) -> Money:
    result = Money(0, currency)
    for item in items:
        result = result + item
    return result
