"""Search the nightly product feed (XML) for the storefront's quick-find box."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)
log = logging.getLogger(__name__)

FEED_PATH = Path("/srv/feeds/products.xml")
RELOAD_EVERY = 600


@dataclass
class Hit:
    sku: str
    title: str
    price: str
    brand: str


class FeedIndex:
    """Holds the parsed feed and reloads it when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tree: etree._ElementTree | None = None
        self._mtime = 0.0
        self._checked = 0.0
        self._lock = threading.Lock()

    def tree(self) -> etree._ElementTree:
        now = time.monotonic()
        with self._lock:
            if self._tree is None or now - self._checked > RELOAD_EVERY:
                self._checked = now
                mtime = self.path.stat().st_mtime
                if mtime != self._mtime:
                    parser = etree.XMLParser(resolve_entities=False, no_network=True)
                    self._tree = etree.parse(str(self.path), parser)
                    self._mtime = mtime
                    log.info("reloaded product feed (%d products)", len(self._tree.getroot()))
            return self._tree

    def search(self, term: str, brand: str | None, limit: int) -> list[Hit]:
        expr = f"//product[contains(translate(title, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{term.lower()}')]"
        if brand:
            expr += f"[brand='{brand}']"
        nodes = self.tree().xpath(expr)
        hits = []
        for node in nodes[:limit]:
            hits.append(
                Hit(
                    sku=node.findtext("sku", ""),
                    title=node.findtext("title", ""),
                    price=node.findtext("price", ""),
                    brand=node.findtext("brand", ""),
                )
            )
        return hits

    def by_sku(self, sku: str) -> Hit | None:
        nodes = self.tree().xpath("//product[sku=$sku]", sku=sku)
        if not nodes:
            return None
        node = nodes[0]
        return Hit(sku, node.findtext("title", ""), node.findtext("price", ""), node.findtext("brand", ""))


index = FeedIndex(FEED_PATH)


@app.get("/quickfind")
def quickfind():
    term = request.args.get("q", "").strip()
    if len(term) < 3:
        return jsonify([])
    limit = min(int(request.args.get("limit", 10)), 50)
    hits = index.search(term, request.args.get("brand"), limit)
    return jsonify([h.__dict__ for h in hits])


@app.get("/products/<sku>")
def product(sku: str):
    hit = index.by_sku(sku)
    if hit is None:
        return jsonify({"error": "unknown sku"}), 404
    return jsonify(hit.__dict__)
