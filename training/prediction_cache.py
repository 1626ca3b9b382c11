"""Keeps a model's predictions on a windows file, so a decision does not re-score the shipped model.

Every round's decision (validate.py) scores the incumbent on the same validation and held-out
background windows as the round before: about half of the decision's ten minutes here. The
predictions are a pure function of the model file, the windows file and the code that encodes and
runs them, so they are stored under a key made of the three, and any change to one is a miss.
"""
import hashlib
import os

import numpy as np

from finetune import predict

HERE = os.path.dirname(os.path.abspath(__file__))
# The code a prediction depends on: the network, and how windows are batched and encoded.
CODE = [os.path.join(HERE, name) for name in ("model.py", "finetune.py", "prediction_cache.py")]


def file_digest(path, h=None):
    h = h or hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h


def cache_key(model_path, rows_path, n_labels):
    h = hashlib.sha1(f"labels={n_labels}".encode())
    for path in (model_path, rows_path, *CODE):
        h.update(file_digest(path).digest())
    return h.hexdigest()


def cached_predict(model_path, model, rows_path, rows, n_labels, cache_dir):
    """(window probs [n, labels], token probs per window), from `cache_dir` when this model, windows
    file and code were scored before; `cache_dir` None turns the cache off. `rows` must be the
    whole of `rows_path` (read with no limit), since the key is the file's."""
    if cache_dir is None:
        return predict(model, rows, n_labels)
    path = os.path.join(cache_dir, cache_key(model_path, rows_path, n_labels) + ".npz")
    if os.path.exists(path):
        saved = np.load(path)
        if len(saved["wp"]) == len(rows):
            return saved["wp"], np.split(saved["tp"], np.cumsum(saved["lengths"])[:-1])
    wp, tp = predict(model, rows, n_labels)
    os.makedirs(cache_dir, exist_ok=True)
    tmp = path + ".tmp.npz"
    np.savez(tmp, wp=wp, tp=np.concatenate(tp), lengths=np.array([len(t) for t in tp]))
    os.replace(tmp, path)
    return wp, tp
