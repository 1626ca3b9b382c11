"""Generate link previews (title, description, image) for chat messages."""
from __future__ import annotations

import html
import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import urljoin, urlparse

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
log = logging.getLogger("unfurl")

MAX_BYTES = 512 * 1024
META_RE = re.compile(
    r'<meta\s+(?:property|name)="(og:title|og:description|og:image|description)"\s+content="([^"]*)"',
    re.IGNORECASE,
)
TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass
class Preview:
    url: str
    title: str = ""
    description: str = ""
    image: str = ""


def _read_limited(resp: requests.Response) -> str:
    chunks = []
    size = 0
    for chunk in resp.iter_content(8192):
        size += len(chunk)
        if size > MAX_BYTES:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(resp.encoding or "utf-8", "replace")


def extract(url: str, body: str) -> Preview:
    preview = Preview(url=url)
    for key, value in META_RE.findall(body):
        value = html.unescape(value).strip()
        key = key.lower()
        if key == "og:title":
            preview.title = value
        elif key in ("og:description", "description") and not preview.description:
            preview.description = value
        elif key == "og:image":
            preview.image = urljoin(url, value)
    if not preview.title:
        m = TITLE_RE.search(body)
        if m:
            preview.title = html.unescape(m.group(1)).strip()
    preview.description = preview.description[:300]
    return preview


def fetch_preview(url: str) -> Preview:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ValueError("unsupported scheme")
    resp = requests.get(url, timeout=5, stream=True, headers={"User-Agent": "ChatUnfurl/1.2"})
    resp.raise_for_status()
    if "html" not in resp.headers.get("Content-Type", ""):
        return Preview(url=url, title=parsed.path.rsplit("/", 1)[-1] or parsed.netloc)
    return extract(resp.url, _read_limited(resp))


@app.post("/unfurl")
def unfurl():
    payload = request.get_json(silent=True) or {}
    url = str(payload.get("url", "")).strip()
    if not url:
        return jsonify({"error": "url required"}), 400
    try:
        preview = fetch_preview(url)
    except (requests.RequestException, ValueError) as exc:
        log.info("unfurl failed for %r: %s", url, exc.__class__.__name__)
        return jsonify({"error": "could not fetch preview"}), 422
    return jsonify(asdict(preview))


@app.get("/healthz")
def healthz():
    return "ok"
