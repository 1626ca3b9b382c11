"""Full-text search service for the knowledge base (Whoosh index)."""
from __future__ import annotations

import functools
import hmac
import logging
import os
import shutil
import threading
from pathlib import Path

from flask import Flask, abort, jsonify, request
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

app = Flask(__name__)
log = logging.getLogger("kb-search")

INDEX_DIR = Path(os.environ.get("KB_INDEX", "/var/lib/kb/index"))
API_KEY = os.environ["KB_SEARCH_KEY"]
SCHEMA = Schema(doc_id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT)
_lock = threading.Lock()


def require_key(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        supplied = request.headers.get("X-Api-Key", "")
        if not hmac.compare_digest(supplied, API_KEY):
            abort(401)
        return view(*args, **kwargs)

    return wrapper


def open_index():
    if not INDEX_DIR.exists():
        INDEX_DIR.mkdir(parents=True)
        return index.create_in(INDEX_DIR, SCHEMA)
    return index.open_dir(INDEX_DIR)


ix = open_index()


@app.put("/docs/<doc_id>")
@require_key
def put_doc(doc_id: str):
    data = request.get_json(force=True)
    with _lock:
        writer = ix.writer()
        writer.update_document(doc_id=doc_id, title=str(data.get("title", "")), body=str(data.get("body", "")))
        writer.commit()
    return jsonify({"indexed": doc_id})


@app.delete("/docs/<doc_id>")
@require_key
def delete_doc(doc_id: str):
    with _lock:
        writer = ix.writer()
        writer.delete_by_term("doc_id", doc_id)
        writer.commit()
    return "", 204


@app.get("/search")
@require_key
def search():
    q = request.args.get("q", "").strip()
    if not q:
        return jsonify([])
    parser = MultifieldParser(["title", "body"], schema=ix.schema)
    with ix.searcher() as s:
        results = s.search(parser.parse(q), limit=min(int(request.args.get("limit", 10)), 50))
        return jsonify([{"id": r["doc_id"], "title": r["title"], "score": round(r.score, 3)} for r in results])


@app.post("/admin/rebuild")
def rebuild():
    global ix
    with _lock:
        shutil.rmtree(INDEX_DIR, ignore_errors=True)
        ix = open_index()
    log.warning("search index wiped and recreated")
    return jsonify({"status": "empty index created, re-feed documents"})


@app.get("/healthz")
def healthz():
    with ix.searcher() as s:
        return jsonify({"ok": True, "docs": s.doc_count()})


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(host="0.0.0.0", port=7700)
