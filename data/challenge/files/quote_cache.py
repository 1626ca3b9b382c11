"""Command-line quoting tool for brokers: downloads rating tables and prices a policy."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal

import requests

log = logging.getLogger("quote")

RATES_URL = "https://rates.insurer.example/api/v3/motor/tables"
CACHE_FILE = os.path.join(tempfile.gettempdir(), "motor_rating_tables.json")
CACHE_TTL = 6 * 3600


@dataclass
class Driver:
    age: int
    years_licensed: int
    claims_5y: int
    postcode: str


@dataclass
class Vehicle:
    group: int
    value: Decimal
    annual_miles: int


def rating_tables() -> dict:
    try:
        if time.time() - os.path.getmtime(CACHE_FILE) < CACHE_TTL:
            with open(CACHE_FILE) as fh:
                return json.load(fh)
    except (OSError, json.JSONDecodeError):
        pass
    resp = requests.get(RATES_URL, headers={"Authorization": f"Bearer {os.environ['BROKER_TOKEN']}"}, timeout=30)
    resp.raise_for_status()
    tables = resp.json()
    with open(CACHE_FILE, "w") as fh:
        json.dump(tables, fh)
    return tables


def band(value: int, bands: list[list[int]]) -> float:
    for upper, factor in bands:
        if value <= upper:
            return float(factor) / 100
    return float(bands[-1][1]) / 100


def price(driver: Driver, vehicle: Vehicle, tables: dict) -> Decimal:
    base = Decimal(str(tables["base"][str(vehicle.group)]))
    factor = 1.0
    factor *= band(driver.age, tables["age"])
    factor *= band(driver.years_licensed, tables["experience"])
    factor *= 1 + 0.25 * driver.claims_5y
    factor *= band(vehicle.annual_miles, tables["mileage"])
    factor *= tables["area"].get(driver.postcode[:2].upper(), 1.0)
    premium = base * Decimal(str(round(factor, 4))) + vehicle.value * Decimal("0.004")
    return premium.quantize(Decimal("0.01"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--age", type=int, required=True)
    ap.add_argument("--licensed", type=int, required=True)
    ap.add_argument("--claims", type=int, default=0)
    ap.add_argument("--postcode", required=True)
    ap.add_argument("--group", type=int, required=True)
    ap.add_argument("--value", type=Decimal, required=True)
    ap.add_argument("--miles", type=int, default=8000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    driver = Driver(args.age, args.licensed, args.claims, args.postcode)
    vehicle = Vehicle(args.group, args.value, args.miles)
    if driver.age < 17 or driver.years_licensed > driver.age - 16:
        print("implausible driver details", file=sys.stderr)
        return 2
    try:
        premium = price(driver, vehicle, rating_tables())
    except (requests.RequestException, KeyError) as exc:
        print(f"could not price: {exc}", file=sys.stderr)
        return 1
    print(f"Annual premium: \u00a3{premium}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
