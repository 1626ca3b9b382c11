"""Fetch daily FX reference rates and convert amounts (used by billing and reporting)."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import httpx

log = logging.getLogger("fx")

BASE_URL = "https://fx.example-rates.org/v1"
CACHE_SECONDS = 3600
SUPPORTED = {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY"}


class RateUnavailable(Exception):
    pass


@dataclass(frozen=True)
class RateTable:
    base: str
    day: date
    rates: dict[str, Decimal]
    fetched_at: float

    def fresh(self) -> bool:
        return time.time() - self.fetched_at < CACHE_SECONDS


class FxClient:
    def __init__(self, api_key: str, timeout: float = 10.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=BASE_URL,
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key}"},
        )
        self._cache: dict[str, RateTable] = {}
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        await self._client.aclose()

    async def _fetch(self, base: str) -> RateTable:
        resp = await self._client.get("/latest", params={"base": base})
        if resp.status_code != 200:
            raise RateUnavailable(f"rate service answered {resp.status_code}")
        body = resp.json()
        rates = {}
        for code, value in body.get("rates", {}).items():
            if code in SUPPORTED:
                rates[code] = Decimal(str(value))
        if not rates:
            raise RateUnavailable("no usable rates in response")
        return RateTable(base, date.fromisoformat(body["date"]), rates, time.time())

    async def table(self, base: str = "EUR") -> RateTable:
        if base not in SUPPORTED:
            raise ValueError(f"unsupported currency {base}")
        async with self._lock:
            cached = self._cache.get(base)
            if cached and cached.fresh():
                return cached
            try:
                table = await self._fetch(base)
            except (httpx.HTTPError, RateUnavailable) as exc:
                if cached:
                    log.warning("using stale %s rates from %s: %s", base, cached.day, exc)
                    return cached
                raise
            self._cache[base] = table
            return table

    async def convert(self, amount: Decimal, src: str, dst: str) -> Decimal:
        if src == dst:
            return amount
        table = await self.table(src)
        try:
            rate = table.rates[dst]
        except KeyError as exc:
            raise RateUnavailable(f"no rate {src}->{dst}") from exc
        return (amount * rate).quantize(Decimal("0.01"))


async def demo() -> None:
    import os

    client = FxClient(os.environ["FX_API_KEY"])
    try:
        print(await client.convert(Decimal("100"), "EUR", "USD"))
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(demo())
