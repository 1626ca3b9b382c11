"""Helpers shared by the training scripts: threads/BLAS check, seeds, atomic saves, logging."""
import json
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch


def setup_torch(threads, seed):
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return report_blas()


def report_blas():
    """Prints which BLAS torch was built against and a measured 1024x1024 matmul rate.

    Debian's torch uses whatever libblas the alternatives system points at; with the
    reference BLAS it runs ~25x slower (5.7 vs 151 GFLOP/s measured here; issue 4).
    """
    config = torch.__config__.show()
    blas = [part.strip() for part in config.replace("\n", ",").split(",") if "BLAS_INFO" in part]
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    a @ b
    n = 8
    start = time.time()
    for _ in range(n):
        a @ b
    gflops = 2 * 1024 ** 3 * n / (time.time() - start) / 1e9
    log(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {blas[0] if blas else 'BLAS_INFO unknown'}, "
        f"matmul 1024^3: {gflops:.1f} GFLOP/s")
    if gflops < 20:
        log("WARNING: matmul is slow - is libopenblas0-pthread installed (update-alternatives libblas.so.3)?")
    return gflops


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def atomic_save(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "unknown"


def fmt_seconds(s):
    s = int(max(0, s))
    return f"{s // 3600}h{s % 3600 // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def rng_state():
    return {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}


def set_rng_state(state):
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])


if __name__ == "__main__":
    sys.exit("common.py is a library")
