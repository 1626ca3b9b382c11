"""A small guestbook for the community-garden site (Tornado)."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone

import aiosqlite
import tornado.ioloop
import tornado.web

log = logging.getLogger("guestbook")

DB_PATH = os.environ.get("GUESTBOOK_DB", "guestbook.db")
PAGE = 20


class BaseHandler(tornado.web.RequestHandler):
    @property
    def db(self) -> aiosqlite.Connection:
        return self.application.settings["db"]

    def get_current_user(self) -> str | None:
        value = self.get_signed_cookie("member")
        return value.decode() if value else None


class EntriesHandler(BaseHandler):
    async def get(self) -> None:
        page = max(int(self.get_argument("page", "1")), 1)
        async with self.db.execute(
            "SELECT author, message, created_at FROM entries WHERE hidden = 0 ORDER BY id DESC LIMIT ? OFFSET ?",
            (PAGE, (page - 1) * PAGE),
        ) as cur:
            rows = await cur.fetchall()
        self.render("entries.html", entries=rows, page=page)

    async def post(self) -> None:
        author = self.get_argument("author", "").strip()[:60] or "Anonymous"
        message = self.get_argument("message", "").strip()
        if not 3 <= len(message) <= 1000:
            raise tornado.web.HTTPError(400, "message must be 3-1000 characters")
        await self.db.execute(
            "INSERT INTO entries (author, message, created_at, hidden) VALUES (?, ?, ?, 0)",
            (author, message, datetime.now(timezone.utc).isoformat()),
        )
        await self.db.commit()
        self.redirect("/")


class ModerateHandler(BaseHandler):
    @tornado.web.authenticated
    async def post(self, entry_id: str) -> None:
        await self.db.execute("UPDATE entries SET hidden = 1 WHERE id = ?", (int(entry_id),))
        await self.db.commit()
        log.info("entry %s hidden by %s", entry_id, self.current_user)
        self.redirect("/")


class LoginHandler(BaseHandler):
    def get(self) -> None:
        self.render("login.html", error=None)

    def post(self) -> None:
        if self.get_argument("code", "") != os.environ["MODERATOR_CODE"]:
            self.render("login.html", error="Wrong code")
            return
        self.set_signed_cookie("member", "moderator", expires_days=1, httponly=True, secure=True, samesite="Lax")
        self.redirect("/")


async def make_app() -> tornado.web.Application:
    db = await aiosqlite.connect(DB_PATH)
    await db.execute(
        "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, author TEXT, message TEXT, created_at TEXT, hidden INTEGER)"
    )
    return tornado.web.Application(
        [
            (r"/", EntriesHandler),
            (r"/moderate/(\d+)", ModerateHandler),
            (r"/login", LoginHandler),
        ],
        db=db,
        cookie_secret=os.environ["GUESTBOOK_COOKIE_SECRET"],
        xsrf_cookies=True,
        login_url="/login",
        template_path=os.path.join(os.path.dirname(__file__), "templates"),
        autoescape="xhtml_escape",
    )


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    app = await make_app()
    app.listen(int(os.environ.get("PORT", "8888")))
    await tornado.ioloop.asyncio.Event().wait()


if __name__ == "__main__":
    tornado.ioloop.IOLoop.current().run_sync(main)
