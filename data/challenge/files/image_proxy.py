"""Proxy remote images referenced in forum posts so they are served over our domain."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import urllib.error
import urllib.request

from flask import Flask, Response, abort, request

app = Flask(__name__)
log = logging.getLogger("imgproxy")

MAX_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
PROXY_KEY = os.environ["IMGPROXY_KEY"].encode()


def proxied_url(src: str) -> str:
    """Used by the post renderer to rewrite <img src> attributes."""
    encoded = base64.urlsafe_b64encode(src.encode()).decode().rstrip("=")
    digest = hmac.new(PROXY_KEY, src.encode(), hashlib.sha256).hexdigest()[:20]
    return f"/img/{digest}/{encoded}"


def decode_src(encoded: str) -> str:
    padding = "=" * (-len(encoded) % 4)
    return base64.urlsafe_b64decode(encoded + padding).decode()


def fetch(src: str) -> tuple[bytes, str]:
    req = urllib.request.Request(src, headers={"User-Agent": "ForumImageProxy/1.0", "Accept": "image/*"})
    with urllib.request.urlopen(req, timeout=8) as resp:
        ctype = resp.headers.get_content_type()
        if ctype not in ALLOWED_TYPES:
            raise ValueError(f"refusing content type {ctype}")
        data = resp.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("image too large")
    return data, ctype


@app.get("/img/<digest>/<encoded>")
def signed_image(digest: str, encoded: str):
    try:
        src = decode_src(encoded)
    except (ValueError, UnicodeDecodeError):
        abort(400)
    expected = hmac.new(PROXY_KEY, src.encode(), hashlib.sha256).hexdigest()[:20]
    if not hmac.compare_digest(expected, digest):
        abort(403)
    return _serve(src)


@app.get("/img/preview")
def preview():
    """Preview endpoint used by the post editor before the post is saved."""
    src = request.args.get("url", "")
    if not src.startswith(("http://", "https://")):
        abort(400)
    return _serve(src)


def _serve(src: str) -> Response:
    try:
        data, ctype = fetch(src)
    except (urllib.error.URLError, ValueError, TimeoutError) as exc:
        log.info("image fetch failed: %s", type(exc).__name__)
        abort(404)
    resp = Response(data, mimetype=ctype)
    resp.headers["Cache-Control"] = "public, max-age=604800"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'"
    return resp


@app.get("/healthz")
def healthz():
    return "ok"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(port=8088)
