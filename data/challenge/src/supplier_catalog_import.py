# @notes supplier XML catalog importer; lxml parser with entity resolution and network access enabled (XXE)
"""Import supplier product catalogs delivered as XML files."""
from __future__ import annotations

import argparse
import logging
import sqlite3
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator, NamedTuple

from lxml import etree

log = logging.getLogger("catalog")


class Product(NamedTuple):
    supplier_sku: str
    name: str
    price: Decimal
    currency: str
    stock: int


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=True, no_network=False, load_dtd=True)  # @L CWE-611


def iter_products(path: Path) -> Iterator[Product]:
    tree = etree.parse(str(path), _parser())  # @L CWE-611
    root = tree.getroot()
    for node in root.iterfind(".//product"):
        sku = (node.findtext("sku") or "").strip()
        if not sku:
            log.warning("product without sku in %s", path.name)
            continue
        try:
            price = Decimal(node.findtext("price") or "0")
        except InvalidOperation:
            log.warning("bad price for %s", sku)
            continue
        yield Product(
            supplier_sku=sku,
            name=(node.findtext("name") or "").strip(),
            price=price,
            currency=node.findtext("price/@currency") or node.get("currency", "EUR"),
            stock=int(node.findtext("stock") or 0),
        )


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE IF NOT EXISTS supplier_products (
               supplier TEXT NOT NULL,
               sku TEXT NOT NULL,
               name TEXT,
               price TEXT,
               currency TEXT,
               stock INTEGER,
               PRIMARY KEY (supplier, sku))"""
    )


def store(conn: sqlite3.Connection, supplier: str, products: Iterator[Product]) -> int:
    n = 0
    for p in products:
        conn.execute(
            "INSERT OR REPLACE INTO supplier_products VALUES (?, ?, ?, ?, ?, ?)",
            (supplier, p.supplier_sku, p.name, str(p.price), p.currency, p.stock),
        )
        n += 1
    conn.commit()
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("supplier")
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--db", default="catalog.db")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    conn = sqlite3.connect(args.db)
    ensure_schema(conn)
    for f in args.files:
        try:
            count = store(conn, args.supplier, iter_products(f))
        except etree.XMLSyntaxError as exc:
            log.error("%s is not valid XML: %s", f, exc)
            continue
        log.info("%s: imported %d products", f.name, count)
    conn.close()


if __name__ == "__main__":
    main()
