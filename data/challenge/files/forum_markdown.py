"""Render user-written forum posts (Markdown) into safe HTML."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS
from markupsafe import Markup

log = logging.getLogger(__name__)

ALLOWED_TAGS = [
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
]
ALLOWED_ATTRS = {"a": ["href", "title", "rel"], "img": ["src", "alt", "title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,20})")

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRS,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
)


def _nofollow(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs and not attrs[href_key].startswith("/"):
        attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


@dataclass
class RenderedPost:
    html: Markup
    mentions: list[str]
    word_count: int


@lru_cache(maxsize=2048)
def _render_cached(source: str) -> str:
    html = markdown.markdown(source, extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    clean = _cleaner.clean(html)
    return bleach.linkify(clean, callbacks=[*DEFAULT_CALLBACKS, _nofollow], skip_tags=["pre", "code"])


def render_post(source: str, known_users: set[str]) -> RenderedPost:
    if len(source) > 50_000:
        source = source[:50_000]
    html = _render_cached(source)
    mentions = sorted({m for m in MENTION_RE.findall(source) if m.lower() in known_users})
    for name in mentions:
        html = re.sub(
            rf"(?<![\w@/])@{re.escape(name)}\b",
            f'<a class="mention" href="/u/{name}">@{name}</a>',
            html,
        )
    words = len(re.findall(r"\w+", source))
    return RenderedPost(html=Markup(html), mentions=mentions, word_count=words)


def excerpt(source: str, length: int = 180) -> str:
    text = bleach.clean(markdown.markdown(source), tags=[], strip=True)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "\u2026"


def notify_mentions(post_id: int, rendered: RenderedPost, notifier) -> int:
    sent = 0
    for name in rendered.mentions:
        try:
            notifier.mention(name, post_id)
            sent += 1
        except Exception:
            log.exception("could not notify %s about post %s", name, post_id)
    return sent
