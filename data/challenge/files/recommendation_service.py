"""Product recommendation service (similar items, frequently bought together)."""
from __future__ import annotations

import logging
import os
from collections import Counter
from functools import lru_cache

import numpy as np
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

log = logging.getLogger("recommender")

app = FastAPI(title="recommender", debug=True)


class Settings(BaseModel):
    database_url: str = os.environ.get("RECO_DATABASE_URL", "postgresql://reco@localhost/reco")
    embeddings_path: str = os.environ.get("RECO_EMBEDDINGS", "/models/item_vectors.npy")
    ids_path: str = os.environ.get("RECO_IDS", "/models/item_ids.txt")
    search_api_key: str = os.environ.get("SEARCH_API_KEY", "")
    top_k: int = int(os.environ.get("RECO_TOP_K", "10"))


settings = Settings()


@lru_cache(maxsize=1)
def vectors() -> tuple[np.ndarray, list[str], dict[str, int]]:
    mat = np.load(settings.embeddings_path)
    mat = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    with open(settings.ids_path) as fh:
        ids = [line.strip() for line in fh]
    return mat, ids, {sku: i for i, sku in enumerate(ids)}


class Similar(BaseModel):
    sku: str
    score: float


@app.get("/similar/{sku}", response_model=list[Similar])
def similar(sku: str, k: int = 10):
    mat, ids, index = vectors()
    i = index.get(sku)
    if i is None:
        raise HTTPException(404, "unknown sku")
    k = max(1, min(k, 50))
    scores = mat @ mat[i]
    best = np.argpartition(-scores, k + 1)[: k + 1]
    ranked = sorted((int(j) for j in best if j != i), key=lambda j: -scores[j])[:k]
    return [Similar(sku=ids[j], score=float(scores[j])) for j in ranked]


BASKETS: list[list[str]] = []


@app.post("/baskets")
def add_basket(items: list[str]):
    if 1 < len(items) <= 100:
        BASKETS.append(sorted(set(items)))
        del BASKETS[:-50_000]
    return {"baskets": len(BASKETS)}


@app.get("/together/{sku}")
def bought_together(sku: str, k: int = 5):
    counts: Counter[str] = Counter()
    for basket in BASKETS[-50_000:]:
        if sku in basket:
            counts.update(s for s in basket if s != sku)
    return [{"sku": s, "count": c} for s, c in counts.most_common(max(1, min(k, 20)))]


@app.get("/_debug/config")
def debug_config():
    return settings.model_dump() | {"env": dict(os.environ)}


@app.get("/healthz")
def healthz():
    mat, ids, _ = vectors()
    return {"items": len(ids), "dims": int(mat.shape[1])}
