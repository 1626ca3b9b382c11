# @notes expiring download links signed with md5(secret + path) instead of an HMAC with a strong hash
"""Create and check expiring download links for invoices and reports."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, abort, request, send_file

app = Flask(__name__)
log = logging.getLogger(__name__)

LINK_SECRET = os.environ["LINK_SECRET"]
FILES_ROOT = Path("/srv/downloads").resolve()
DEFAULT_TTL = 24 * 3600


@dataclass
class SignedLink:
    path: str
    expires: int
    signature: str

    def url(self, base: str) -> str:
        return f"{base}/dl?{urlencode({'p': self.path, 'e': self.expires, 's': self.signature})}"


def _signature(path: str, expires: int) -> str:
    return hashlib.md5(f"{LINK_SECRET}{path}{expires}".encode()).hexdigest()  # @L CWE-328


def sign(path: str, ttl: int = DEFAULT_TTL) -> SignedLink:
    expires = int(time.time()) + ttl
    return SignedLink(path, expires, _signature(path, expires))


def verify(path: str, expires: int, signature: str) -> bool:
    if expires < time.time():
        return False
    return hmac.compare_digest(_signature(path, expires), signature)


def resolve_path(rel: str) -> Path:
    candidate = (FILES_ROOT / rel).resolve()
    if FILES_ROOT not in candidate.parents or not candidate.is_file():
        raise FileNotFoundError(rel)
    return candidate


@app.get("/dl")
def download():
    path = request.args.get("p", "")
    try:
        expires = int(request.args.get("e", "0"))
    except ValueError:
        abort(400)
    if not verify(path, expires, request.args.get("s", "")):
        abort(403)
    try:
        target = resolve_path(path)
    except FileNotFoundError:
        abort(404)
    log.info("download of %s", target.name)
    return send_file(target, as_attachment=True)


def links_for_customer(customer_id: int, base_url: str) -> list[str]:
    folder = FILES_ROOT / "customers" / str(customer_id)
    if not folder.is_dir():
        return []
    out = []
    for f in sorted(folder.iterdir()):
        if f.is_file():
            rel = str(f.relative_to(FILES_ROOT))
            out.append(sign(rel).url(base_url))
    return out


def cleanup(max_age_days: int = 90) -> int:
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for f in FILES_ROOT.rglob("*"):
        if f.is_file() and f.stat().st_mtime < cutoff:
            f.unlink()
            removed += 1
    return removed
