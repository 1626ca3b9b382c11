"""Service functions for wiki pages: create, edit, move, archive."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"[^a-z0-9]+")


class PermissionDenied(Exception):
    pass


class NotFound(Exception):
    pass


@dataclass
class Space:
    key: str
    editors: set[int] = field(default_factory=set)
    viewers: set[int] = field(default_factory=set)
    public: bool = False

    def can_view(self, user_id: int) -> bool:
        return self.public or user_id in self.viewers or user_id in self.editors

    def can_edit(self, user_id: int) -> bool:
        return user_id in self.editors


@dataclass
class Page:
    id: int
    space_key: str
    title: str
    slug: str
    body: str
    updated_at: datetime
    archived: bool = False


def slugify(title: str) -> str:
    return SLUG_RE.sub("-", title.lower()).strip("-")[:80] or "page"


class WikiService:
    def __init__(self, spaces: dict[str, Space], pages: dict[int, Page]) -> None:
        self.spaces = spaces
        self.pages = pages
        self._next_id = max(pages, default=0) + 1

    def _space(self, key: str) -> Space:
        try:
            return self.spaces[key]
        except KeyError as exc:
            raise NotFound(f"space {key}") from exc

    def _page(self, page_id: int) -> Page:
        page = self.pages.get(page_id)
        if page is None:
            raise NotFound(f"page {page_id}")
        return page

    def view(self, user_id: int, page_id: int) -> Page:
        page = self._page(page_id)
        if not self._space(page.space_key).can_view(user_id):
            raise PermissionDenied("cannot view page")
        return page

    def create(self, user_id: int, space_key: str, title: str, body: str) -> Page:
        if not self._space(space_key).can_edit(user_id):
            raise PermissionDenied("cannot edit space")
        page = Page(self._next_id, space_key, title, slugify(title), body, datetime.now(timezone.utc))
        self.pages[page.id] = page
        self._next_id += 1
        return page

    def edit(self, user_id: int, page_id: int, body: str) -> Page:
        page = self._page(page_id)
        if not self._space(page.space_key).can_edit(user_id):
            raise PermissionDenied("cannot edit page")
        page.body = body
        page.updated_at = datetime.now(timezone.utc)
        return page

    def move(self, user_id: int, page_id: int, target_key: str) -> Page:
        page = self._page(page_id)
        target = self._space(target_key)
        if not target.can_edit(user_id):
            raise PermissionDenied("cannot edit target space")
        log.info("user %s moves page %s from %s to %s", user_id, page_id, page.space_key, target_key)
        page.space_key = target.key
        page.updated_at = datetime.now(timezone.utc)
        return page

    def archive(self, user_id: int, page_id: int) -> None:
        page = self._page(page_id)
        if not self._space(page.space_key).can_edit(user_id):
            raise PermissionDenied("cannot archive page")
        page.archived = True
