"""Serve generated placeholder images for design mock-ups: /ph/<w>x<h>.png"""
from __future__ import annotations

import io
import logging
import re
from functools import lru_cache

from flask import Flask, abort, request, send_file
from PIL import Image, ImageDraw, ImageFont

app = Flask(__name__)
log = logging.getLogger(__name__)

COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")
DEFAULT_BG = "cccccc"
DEFAULT_FG = "555555"


def hex_color(value: str | None, default: str) -> tuple[int, int, int]:
    value = value if value and COLOR_RE.match(value) else default
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def render(width: int, height: int, bg: tuple[int, int, int], fg: tuple[int, int, int], label: str) -> bytes:
    img = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    size = max(10, min(width, height) // 6)
    f = font(size)
    box = draw.textbbox((0, 0), label, font=f)
    tw, th = box[2] - box[0], box[3] - box[1]
    draw.text(((width - tw) / 2, (height - th) / 2), label, fill=fg, font=f)
    draw.rectangle([0, 0, width - 1, height - 1], outline=fg)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


@app.get("/ph/<int:width>x<int:height>.png")
def placeholder(width: int, height: int):
    if width <= 0 or height <= 0:
        abort(400)
    bg = hex_color(request.args.get("bg"), DEFAULT_BG)
    fg = hex_color(request.args.get("fg"), DEFAULT_FG)
    label = request.args.get("text") or f"{width}\u00d7{height}"
    data = render(width, height, bg, fg, label[:40])
    resp = send_file(io.BytesIO(data), mimetype="image/png")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@app.get("/ph/avatar/<initials>.png")
def avatar(initials: str):
    initials = "".join(ch for ch in initials.upper() if ch.isalpha())[:2] or "?"
    palette = ["e57373", "64b5f6", "81c784", "ffb74d", "ba68c8"]
    bg = hex_color(palette[sum(map(ord, initials)) % len(palette)], DEFAULT_BG)
    data = render(128, 128, bg, (255, 255, 255), initials)
    return send_file(io.BytesIO(data), mimetype="image/png")


@app.get("/")
def index():
    return (
        "<h1>Placeholder images</h1><p>Use <code>/ph/WIDTHxHEIGHT.png?bg=RRGGBB&fg=RRGGBB&text=Label</code></p>"
    )


@app.get("/healthz")
def healthz():
    return {"ok": True, "fonts_cached": font.cache_info().currsize}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(port=5600)
