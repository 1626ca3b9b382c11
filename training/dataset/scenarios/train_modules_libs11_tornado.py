"""Train-only whole-module Tornado families (libs11 set, mod11-*): realistic Tornado modules of about
80-110 lines (RequestHandler classes, application factories, AsyncHTTPClient, tornado.process.Subprocess,
aiomysql, StaticFileHandler subclasses) with exactly one weak statement each, and a twin that differs only
by the minimal fix.

- mod11-tornado-board-template-raw (79): a message board / kudos wall whose page template (a module
  constant, served through a DictLoader or a compiled ``tornado.template.Template``) prints the posted
  text, or a reflected draft on a preview page, with ``{% raw %}`` instead of the autoescaped ``{{ }}``.
- mod11-tornado-pref-switch-next-redirect (601): a locale / theme / currency / time-zone switcher that
  stores the choice in a cookie and then redirects to the ``next`` argument without a same-site check.
- mod11-tornado-chat-unfurl-ssrf (918): a chat / bookmark service that unfurls links with
  ``AsyncHTTPClient().fetch``; the only check is the URL scheme, so private and metadata hosts are fetched.
- mod11-tornado-subprocess-shell-media (78): a media / document job service that runs ffmpeg, ImageMagick
  or pandoc through ``tornado.process.Subprocess(cmd, shell=True)`` with a client value in the string.
- mod11-tornado-aiomysql-stock-format (89): a warehouse stock API on an aiomysql pool whose repository
  formats one client value into the SQL text while the other statements bind parameters.
- mod11-tornado-static-validate-override (22): a ``StaticFileHandler`` subclass that overrides
  ``validate_absolute_path`` with a prefix check without a separator or a ``..`` denylist, instead of a
  containment check of the resolved path.

Each family has ``@hardneg`` look-alike safe modules. The optional handlers are drawn per rendering
(``module_kit._opt``), so the renderings differ in their set of classes, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
import re

from core import Spec
from module_kit import _opt, _replayed, sub_nested
from registry import fam, hardneg


def sub(_tmpl, **kw):
    """``module_kit.sub_nested``, with runs of blank lines left by empty optional parts cut to two."""
    return re.sub(r"\n{4,}", "\n\n\n", sub_nested(_tmpl, **kw))


def _routes(opts, table):
    """Route entries of the optional handler classes that were drawn."""
    return "".join(f",\n        {r}" for cls, r in table if f"class {cls}(" in opts)


# ---------------- CWE-79: {% raw %} of posted / reflected text in a tornado template ----------------

_BOARD = r'''
"""$Title for $org (Tornado).

Visitors leave short $items on the board; moderators can hide an entry. Entries are kept in a
bounded in-process deque (the board is ephemeral by design) and the pages are rendered from the
templates below, $mechdoc."""
from __future__ import annotations

import logging
import os
import time
from collections import deque
from dataclasses import asdict, dataclass, field

import tornado.web
$timport

log = logging.getLogger("$slug.board")

MAX_ENTRIES = $maxn
MAX_LEN = $maxlen

PAGE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>$Title</title></head>
<body>
<h1>$Title</h1>
<form method="post" action="/$slug">
  {% raw xsrf_form_html() %}
  <input name="author" maxlength="40" placeholder="Your name">
  <textarea name="$field" maxlength="{{ max_len }}"></textarea>
  <button type="submit">Post</button>
</form>
<ul class="$slug">
{% for e in entries %}
  <li id="e{{ e.id }}"><strong>{{ e.author }}</strong> <small>{{ e.posted }}</small>
  $row
  </li>
{% end %}
</ul>
</body></html>
"""
$preview_html
$mech


@dataclass
class Entry:
    id: int
    author: str
    $field: str
    hidden: bool = False
    posted: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M"))


class Board:
    """The last MAX_ENTRIES entries, newest first."""

    def __init__(self) -> None:
        self.entries: deque[Entry] = deque(maxlen=MAX_ENTRIES)
        self._next_id = 1

    def add(self, author: str, text: str) -> Entry:
        entry = Entry(self._next_id, author, text)
        self._next_id += 1
        self.entries.appendleft(entry)
        return entry

    def visible(self) -> list[Entry]:
        return [e for e in self.entries if not e.hidden]


board = Board()


class BoardHandler(BaseHandler):
    def get(self) -> None:
        self.page("board.html", entries=board.visible(), max_len=MAX_LEN)

    def post(self) -> None:
        author = self.get_body_argument("author", "").strip()[:40] or "anonymous"
        $src
        if not text or len(text) > MAX_LEN:
            raise tornado.web.HTTPError(400, reason="empty or too long")
        entry = board.add(author, text)
        log.info("entry %d posted from %s", entry.id, self.request.remote_ip)
        self.redirect("/$slug")


$preview_handler


$opts


def make_app() -> tornado.web.Application:
    return tornado.web.Application([
        (r"/$slug", BoardHandler)$routes,
    ], $appkw xsrf_cookies=True, cookie_secret=os.environ["$ENV_SECRET"])
'''

_BOARD_LOADER = r'''
LOADER = DictLoader({"board.html": PAGE_HTML$preview_entry})


class BaseHandler(tornado.web.RequestHandler):
    def page(self, name: str, **namespace) -> None:
        self.render(name, **namespace)
'''

_BOARD_TEMPLATE = r'''
TEMPLATES = {"board.html": Template(PAGE_HTML, name="board.html")$preview_compiled}


class BaseHandler(tornado.web.RequestHandler):
    def page(self, name: str, **namespace) -> None:
        """Compiled module templates; the handler's xsrf helper is passed in explicitly."""
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(TEMPLATES[name].generate(xsrf_form_html=self.xsrf_form_html, **namespace))
'''

_BOARD_PREVIEW_HTML = r'''
PREVIEW_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Preview</title></head>
<body class="preview">
<p>This is how your $item will look:</p>
<div class="draft">$prow
<a href="/$slug">Back to the board</a>
</body></html>
"""
'''

_BOARD_PREVIEW = r'''
class PreviewHandler(BaseHandler):
    """Shows a draft as it will appear, before it is posted."""

    def get(self) -> None:
        $psrc
        self.page("preview.html", draft=draft)
'''

_BOARD_OPTS = [r'''
class FeedHandler(tornado.web.RequestHandler):
    """The visible entries as JSON, for the lobby display."""

    def get(self) -> None:
        try:
            limit = min(int(self.get_query_argument("limit", "20")), MAX_ENTRIES)
        except ValueError:
            raise tornado.web.HTTPError(400, reason="limit must be a number")
        self.write({"entries": [asdict(e) for e in board.visible()[:limit]]})
''', r'''
class HideHandler(tornado.web.RequestHandler):
    """Moderators hide an entry; they sign in through the staff portal (signed cookie)."""

    def get_current_user(self):
        return self.get_signed_cookie("moderator", max_age_days=1)

    @tornado.web.authenticated
    def post(self, entry_id: str) -> None:
        for e in board.entries:
            if e.id == int(entry_id):
                e.hidden = True
                log.info("moderator %s hid entry %s", self.current_user, entry_id)
                break
        self.redirect("/$slug")
''', r'''
class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"ok": True, "entries": len(board.entries)})
''']

_BOARD_ROUTES = [("FeedHandler", '(r"/$slug.json", FeedHandler)'),
                 ("HideHandler", r'(r"/$slug/(\d+)/hide", HideHandler)'),
                 ("HealthHandler", '(r"/healthz", HealthHandler)')]


def _board(c, safe, hn=False):
    Title, slug, items, item, field = c.pick(
        ("Kudos wall", "kudos", "thank-you notes", "note", "message"),
        ("Guestbook", "guestbook", "greetings", "greeting", "greeting"),
        ("Release feedback board", "feedback", "comments on the release", "comment", "comment"),
        ("Lost and found board", "lostfound", "notices", "notice", "notice"),
        ("Classroom notice board", "notices", "announcements", "announcement", "body"))
    org = c.pick("the Riverside office", "Hillcrest School", "the Q3 offsite", "the community centre", "our team")
    shape = "stored" if hn else c.pick("stored", "stored", "preview")
    mech = c.pick("loader", "template")
    raw = "" if safe else "  #@V"
    prev = shape == "preview" or c.rng.random() < 0.4
    if hn:
        row = c.pick(f'<p>{{% raw linkify(e.{field}) %}}</p>', f'<p>{{% raw linkify(e.{field}, extra_params=\'rel="nofollow"\') %}}</p>')
    elif shape == "stored" and not safe:
        row = f"<p>{{% raw e.{field} %}}</p>{raw}"
    else:
        row = f"<p>{{{{ e.{field} }}}}</p>"
    if shape == "preview" and not safe:
        prow = "{% raw draft %}</div>" + raw
    else:
        prow = "{{ draft }}</div>"
    tag_s = "  #@S" if not safe else ""
    src = f'text = self.get_body_argument("{field}", "").strip()' + (tag_s if shape == "stored" else "")
    psrc = c.pick(f'draft = self.get_argument("{field}", "")[:MAX_LEN]', f'draft = self.get_query_argument("{field}", "").strip()[:MAX_LEN]') \
        + (tag_s if shape == "preview" else "")
    opts = _opt(c, *_BOARD_OPTS, least=0 if prev else 1, most=1)
    routes = _routes(opts, _BOARD_ROUTES)
    if prev:
        routes = f',\n        (r"/$slug/preview", PreviewHandler)' + routes
    if mech == "loader":
        timport = "from tornado.template import DictLoader"
        mechdoc = "served through a DictLoader set as the application's template_loader"
        mblock = _BOARD_LOADER
        appkw = "template_loader=LOADER,"
    else:
        timport = "from tornado.template import Template"
        mechdoc = "compiled once with tornado.template.Template (autoescape is on by default)"
        mblock = _BOARD_TEMPLATE
        appkw = ""
    return sub(_BOARD, Title=Title, org=org, slug=slug, items=items, item=item, field=field, row=row, prow=prow,
               src=src, psrc=psrc, timport=timport, mechdoc=mechdoc, mech=mblock, appkw=appkw, opts=opts,
               routes=routes, preview_html=_BOARD_PREVIEW_HTML if prev else "",
               preview_handler=_BOARD_PREVIEW.strip("\n") if prev else "",
               preview_entry=', "preview.html": PREVIEW_HTML' if prev else "",
               preview_compiled=', "preview.html": Template(PREVIEW_HTML, name="preview.html")' if prev else "",
               maxn=c.pick(100, 200, 500), maxlen=c.pick(280, 500, 1000),
               ENV_SECRET=c.pick("BOARD_COOKIE_SECRET", "COOKIE_SECRET", f"{slug.upper()}_SECRET"))


@fam("mod11-tornado-board-template-raw", "CWE-79", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_board_template_raw(c):
    v, s = _replayed(c, _board)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="tornado templates escape {{ expr }} by default, but {% raw expr %} writes the value as is; "
                      "the board (or the preview page) prints the visitor's text with {% raw %}, so a posted or "
                      "linked <script> runs in every reader's browser (stored / reflected XSS). The fix prints it "
                      "with {{ }} like the author name")


@hardneg(2)
def mod11_tornado_board_template_raw_hn(c):
    s = _board(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="{% raw %} is used only for xsrf_form_html() and for tornado.escape.linkify(), which "
                      "escapes the text before it adds links; everything else is {{ }}-escaped")


# ---------------- CWE-601: preference switcher redirects to the next argument ----------------

_PREF = r'''
"""$Pref switcher for the $site site (Tornado).

Every page has a small form (or link) that changes the visitor's $prefdesc.
The choice is kept in a long-lived, non-sensitive cookie and the visitor is sent back to the page
they came from. The application factory and the entry point are at the end of the module."""
from __future__ import annotations

import logging
import os
$imp
import tornado.ioloop
import tornado.web

log = logging.getLogger("$slug.prefs")

COOKIE = "$cookie"
CHOICES = $choices
DEFAULT = "$default"
COOKIE_DAYS = $days


$helper
class BaseHandler(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        self.set_header("Vary", "Cookie")
        self.set_header("X-Content-Type-Options", "nosniff")

    def current_choice(self) -> str:
        value = self.get_cookie(COOKIE, DEFAULT)
        return value if value in CHOICES else DEFAULT
$method

class $Cls(BaseHandler):
    """$verbdoc"""

    def $verb(self) -> None:
        value = self.get_argument("value", DEFAULT)
        if value not in CHOICES:
            raise tornado.web.HTTPError(400, reason="unknown $cookie")
        self.set_cookie(COOKIE, value, expires_days=COOKIE_DAYS, samesite="Lax")
        log.info("$cookie set to %s from %s", value, self.request.remote_ip)
$travel


$opts


def routes() -> list:
    return [
        (r"/prefs/$cookie", $Cls)$routes,
    ]


def make_app(**settings) -> tornado.web.Application:
    """The preference handlers; pages include {% module xsrf_form_html() %} in the switcher form."""
    return tornado.web.Application(
        routes(),
        template_path=os.path.join(os.path.dirname(__file__), "templates"),
        xsrf_cookies=True,
        **settings,
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = make_app(cookie_secret=os.environ["$ENVSECRET"])
    app.listen(int(os.environ.get("PORT", "$port")), xheaders=True)
    log.info("$cookie switcher listening")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
'''

_PREF_HELPER = r'''
def same_site_path(target: str | None, default: str = "/") -> str:
    """A path on this site: no scheme, no host, no protocol-relative or backslash form."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target

'''

_PREF_DISMISS = r'''
class DismissBannerHandler(BaseHandler):
    """Hides the announcement banner for a week and returns to the page."""

    def post(self) -> None:
        self.set_cookie("banner_dismissed", "1", expires_days=7, samesite="Lax")
        self.redirect(same_site_path(self.get_body_argument("next", None)))
'''

_PREF_OPTS = [r'''
class PrefsHandler(BaseHandler):
    """The current preference, for the client-side widgets."""

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.write({"$cookie": self.current_choice(), "choices": list(CHOICES)})
''', r'''
class ResetHandler(BaseHandler):
    """Back to the default; used by the footer's reset link."""

    def post(self) -> None:
        self.clear_cookie(COOKIE)
        log.info("$cookie reset to the default from %s", self.request.remote_ip)
        self.redirect("/")
''', r'''
class ChoicesPage(BaseHandler):
    def get(self) -> None:
        self.render("prefs/$cookie.html", current=self.current_choice(), choices=CHOICES)
''']

_PREF_ROUTES = [("PrefsHandler", '(r"/prefs", PrefsHandler)'), ("ResetHandler", '(r"/prefs/$cookie/reset", ResetHandler)'),
                ("ChoicesPage", '(r"/prefs/$cookie/choose", ChoicesPage)'),
                ("DismissBannerHandler", '(r"/banner/dismiss", DismissBannerHandler)')]


def _pref(c, safe, hn=False):
    Pref, cookie, prefdesc, choices, default = c.pick(
        ("Language", "locale", "interface language", '("en_US", "de_DE", "fr_FR", "es_ES", "it_IT")', "en_US"),
        ("Theme", "theme", "colour theme", '("light", "dark", "high-contrast")', "light"),
        ("Currency", "currency", "display currency for prices", '("EUR", "USD", "GBP", "CHF", "SEK")', "EUR"),
        ("Time zone", "tz", "display time zone", '("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")', "UTC"),
        ("Units", "units", "measurement units", '("metric", "imperial")', "metric"))
    site = c.pick("store", "docs", "forum", "booking", "travel guide", "recipe")
    slug = site.split()[0]
    travel = "fixed" if hn else c.pick("direct", "method", "query")
    dismiss = hn or c.rng.random() < 0.5
    helper_used = safe or dismiss
    Cls = c.pick(f"Set{Pref.replace(' ', '')}Handler", "PreferenceHandler", "SwitchHandler")
    verb = "get" if travel == "query" else "post"
    verbdoc = ("Follows the switcher links (GET /prefs/%s?value=...&next=/page)." % cookie if verb == "get"
               else "Handles the switcher form posted from any page.")
    src = "" if safe else "  #@S"
    mark = "" if safe else "  #@V"
    wrap = (lambda e: f"same_site_path({e})") if safe else (lambda e: e)
    method = ""
    if travel == "direct":
        body = (f'        target = self.get_body_argument("next", "/"){src}\n'
                f"        self.redirect({wrap('target')}){mark}")
    elif travel == "method":
        method = (f"\n    def return_to(self) -> str:\n"
                  f'        """Where to go after the change: the page that sent the form."""\n'
                  f'        return self.get_argument("next", None) or "/"{src}\n')
        body = f"        self.redirect({wrap('self.return_to()')}){mark}"
    elif travel == "query":
        nxt = c.pick("nxt", "back", "dest")
        body = (f'        {nxt} = self.get_query_argument("next", "/"){src}\n'
                f"        self.redirect({wrap(nxt)}){mark}")
    else:
        body = '        self.redirect(same_site_path(self.get_argument("next", None)))'
    extra = [_PREF_DISMISS] if dismiss else []
    opts = _opt(c, *(_PREF_OPTS + extra), least=1 + len(extra), most=2 + len(extra))
    if dismiss and "DismissBannerHandler" not in opts:
        opts += "\n\n\n" + _PREF_DISMISS.strip("\n")
    return sub(_PREF, Pref=Pref, cookie=cookie, prefdesc=prefdesc, choices=choices, default=default, site=site,
               slug=slug, Cls=Cls, verb=verb, verbdoc=verbdoc, travel=body, method=method, opts=opts,
               routes=_routes(opts, _PREF_ROUTES), days=c.pick(180, 365, 730), port=c.pick(8000, 8080, 8888),
               ENVSECRET=c.pick("COOKIE_SECRET", f"{slug.upper()}_COOKIE_SECRET", "TORNADO_COOKIE_SECRET"),
               helper=_PREF_HELPER if helper_used else "",
               imp="from urllib.parse import urlsplit\n" if helper_used else "")


@fam("mod11-tornado-pref-switch-next-redirect", "CWE-601", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_pref_switch_next_redirect(c):
    v, s = _replayed(c, _pref)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="after storing the preference the handler redirects to the client's next argument as is; "
                      "a link such as /prefs/...?next=https://evil.example sends visitors from the trusted site to "
                      "a phishing page (open redirect). The fix passes the target through same_site_path(), which "
                      "only keeps a local path")


@hardneg(2)
def mod11_tornado_pref_switch_next_redirect_hn(c):
    s = _pref(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="every redirect target goes through same_site_path() or reverse_url(); no client URL is followed")


# ---------------- CWE-918: link unfurl with AsyncHTTPClient, scheme-only check ----------------

_UNF = r'''
"""Link previews for the $app service (Tornado + AsyncHTTPClient).

$appdoc
The linked page is fetched once, server side, and its <title> and og:description are stored so
every client shows the same preview card."""
from __future__ import annotations

$aimpimport html
$iimpimport logging
import re
from urllib.parse import urlsplit

import tornado.web
from tornado.escape import json_decode
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

log = logging.getLogger("$slug.unfurl")

FETCH_TIMEOUT = $timeout
MAX_PREVIEW_BYTES = $maxbytes
URL_RE = re.compile(r"https?://[^\s<>\"']{1,2000}")
TITLE_RE = re.compile(r"<title[^>]*>([^<]{0,300})</title>", re.IGNORECASE)
DESC_RE = re.compile(r'<meta\s+property="og:description"\s+content="([^"]{0,500})"', re.IGNORECASE)
$store


$check


async def unfurl(url: str) -> dict | None:
    """Title and description of a linked page, or None when it cannot be previewed."""
    if not $await__fetchable(url):$mark
        return None
    try:
        resp = await AsyncHTTPClient().fetch(url, request_timeout=FETCH_TIMEOUT, follow_redirects=False, raise_error=False,$vmark
                                             user_agent="$ua")
    except (HTTPClientError, OSError) as exc:
        log.info("unfurl of %s failed: %s", url, exc)
        return None
    if resp.code != 200 or "html" not in resp.headers.get("Content-Type", ""):
        return None
    text = resp.body[:MAX_PREVIEW_BYTES].decode("utf-8", errors="replace")
    title, desc = TITLE_RE.search(text), DESC_RE.search(text)
    return {"url": url, "title": html.unescape(title.group(1).strip()) if title else url,
            "description": html.unescape(desc.group(1)) if desc else ""}


class BaseHandler(tornado.web.RequestHandler):
    def get_current_user(self):
        uid = self.get_signed_cookie("uid", max_age_days=14)
        return uid.decode() if uid else None


$handler


$opts


def routes() -> list:
    return [
        $main_route$routes,
    ]
'''

_UNF_CHECK_V = r'''
def _fetchable(url: str) -> bool:
    """Only web links are unfurled."""
    return urlsplit(url).scheme in ("http", "https")
'''

_UNF_CHECK_S = r'''
async def _fetchable(url: str) -> bool:
    """Only web links to public hosts are unfurled: no loopback, private, link-local or metadata address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443)
    except (OSError, UnicodeError, ValueError):
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_global for info in infos)
'''

_UNF_HANDLERS = {
    "message": (r'''
MESSAGES: dict[str, list[dict]] = {}
''', r'''
class MessagesHandler(BaseHandler):
    """Posts a chat message; the first link in it gets a preview card."""

    @tornado.web.authenticated
    async def post(self, channel: str) -> None:
        $src
        if not text or len(text) > 4000:
            raise tornado.web.HTTPError(400, reason="empty or too long")
        match = URL_RE.search(text)
        preview = await unfurl(match.group(0)) if match else None
        msg = {"author": self.current_user, "text": text, "preview": preview}
        MESSAGES.setdefault(channel, []).append(msg)
        self.set_status(201)
        self.write(msg)
''', 'text = json_decode(self.request.body).get("text", "").strip()',
        r'(r"/channels/([a-z0-9-]{1,40})/messages", MessagesHandler)'),
    "field": (r'''
SHARED: list[dict] = []
''', r'''
class ShareHandler(BaseHandler):
    """The "share a link" form of the team page: a link and an optional comment."""

    @tornado.web.authenticated
    async def post(self) -> None:
        $src
        comment = self.get_body_argument("comment", "").strip()[:500]
        if not link:
            raise tornado.web.HTTPError(400, reason="link is required")
        card = await unfurl(link)
        SHARED.append({"by": self.current_user, "comment": comment, "card": card or {"url": link}})
        log.info("%s shared a link", self.current_user)
        self.redirect("/shared")
''', 'link = self.get_body_argument("link", "").strip()', '(r"/share", ShareHandler)'),
    "stored": (r'''
BOOKMARKS: dict[int, dict] = {}
''', r'''
class BookmarksHandler(BaseHandler):
    @tornado.web.authenticated
    def post(self) -> None:
        """Saves a bookmark; the preview is filled in by the refresh handler."""
        $src
        bid = len(BOOKMARKS) + 1
        BOOKMARKS[bid] = {"owner": self.current_user, "url": body["url"], "preview": None}
        self.set_status(201)
        self.write({"id": bid})


class RefreshPreviewHandler(BaseHandler):
    @tornado.web.authenticated
    async def post(self, bid: str) -> None:
        """(Re)fetches the preview card of one of the user's bookmarks."""
        mark = BOOKMARKS.get(int(bid))
        if mark is None or mark["owner"] != self.current_user:
            raise tornado.web.HTTPError(404)
        mark["preview"] = await unfurl(mark["url"])
        self.write(mark)
''', 'body = json_decode(self.request.body)',
        '(r"/bookmarks", BookmarksHandler),\n        (r"/bookmarks/(\\d+)/refresh", RefreshPreviewHandler)'),
}

_UNF_OPTS = [r'''
class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"ok": True})
''', r'''
class CardHandler(BaseHandler):
    """A stored preview card by its position, for clients that reconnect."""

    @tornado.web.authenticated
    def get(self, index: str) -> None:
        cards = [m.get("preview") or m.get("card") for m in $store_name]
        if int(index) >= len(cards) or cards[int(index)] is None:
            raise tornado.web.HTTPError(404)
        self.write(cards[int(index)])
''', r'''
class StatsHandler(BaseHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        items = $store_name
        self.write({"items": len(items), "with_preview": sum(1 for m in items if m.get("preview") or m.get("card"))})
''']

_UNF_ROUTES = [("HealthHandler", '(r"/healthz", HealthHandler)'), ("CardHandler", r'(r"/cards/(\d+)", CardHandler)'),
               ("StatsHandler", '(r"/unfurl/stats", StatsHandler)')]


def _unfurl(c, safe, hn=False):
    app, appdoc, slug = c.pick(
        ("team chat", "Messages posted to a channel may contain a link.", "chat"),
        ("support inbox", "Agents paste links to customer pages and dashboards into tickets.", "inbox"),
        ("reading list", "Members save and share links to articles.", "readinglist"),
        ("classroom", "Teachers share links to course material with the class.", "classroom"),
        ("project wiki", "Editors paste links to specs, designs and issues into pages.", "wiki"))
    travel = c.pick("message", "field", "stored")
    store, handler, src, main_route = _UNF_HANDLERS[travel]
    store_name = {"message": "[m for ms in MESSAGES.values() for m in ms]", "field": "SHARED",
                  "stored": "list(BOOKMARKS.values())"}[travel]
    if not safe:
        src += "  #@S"
    safe_check = safe or hn
    opts = _opt(c, *_UNF_OPTS, least=1, most=2)
    return sub(_UNF, app=app, appdoc=appdoc, slug=slug, store=store, handler=handler, src=src, main_route=main_route,
               store_name=store_name, opts=opts, routes=_routes(opts, _UNF_ROUTES),
               check=_UNF_CHECK_S if safe_check else _UNF_CHECK_V,
               await_=("await " if safe_check else ""), mark="" if safe_check else "  #@V",
               vmark="" if safe_check else "  #@V",
               aimp="import asyncio\n" if safe_check else "", iimp="import ipaddress\n" if safe_check else "",
               timeout=c.pick(4, 5, 8), maxbytes=c.pick(65536, 131072, 262144),
               ua=c.pick("LinkPreviewBot/1.0", f"{slug}-unfurl/2.1", "Mozilla/5.0 (compatible; PreviewCard)"))


@fam("mod11-tornado-chat-unfurl-ssrf", "CWE-918", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_chat_unfurl_ssrf(c):
    v, s = _replayed(c, _unfurl)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="unfurl() fetches any http(s) link a user posted with AsyncHTTPClient and stores the page "
                      "title and description where the user can read them; the only check is the scheme, so "
                      "http://169.254.169.254/..., localhost admin ports and intranet hosts are fetched from the "
                      "server (SSRF). The fix resolves the host and only fetches when every address is global")


@hardneg(2)
def mod11_tornado_chat_unfurl_ssrf_hn(c):
    s = _unfurl(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="AsyncHTTPClient only fetches links whose host resolves to public addresses, without "
                      "following redirects")


# ---------------- CWE-78: tornado.process.Subprocess with shell=True and a client value ----------------

_JOB = r'''
"""$Desc service (Tornado + tornado.process.Subprocess).

Clients ask for $what; the tool runs in a child process so the IOLoop stays responsive, and at
most MAX_PARALLEL jobs run at once. Inputs live under MEDIA_DIR, results are written to OUT_DIR."""
from __future__ import annotations

import logging
import os
import subprocess
import time
import uuid
from dataclasses import dataclass, field

import tornado.ioloop
import tornado.web
from tornado.escape import json_decode
from tornado.locks import Semaphore
from tornado.process import Subprocess

log = logging.getLogger("$slug.jobs")

MEDIA_DIR = os.environ.get("$ENV_MEDIA", "/srv/$slug/media")
OUT_DIR = os.environ.get("$ENV_OUT", "/srv/$slug/out")
MAX_PARALLEL = $par
slots = Semaphore(MAX_PARALLEL)
JOBS: dict[str, "Job"] = {}


@dataclass
class Job:
    src: str
    $param: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "queued"
    created: float = field(default_factory=time.time)

    @property
    def dst(self) -> str:
        return os.path.join(OUT_DIR, f"{self.id}.$ext")

    def command(self) -> $rtype:
        """The $tool invocation for this job."""
        $cmd


async def run_job(job: Job) -> None:
    """Runs one job in a child process and records its outcome."""
    async with slots:
        job.status = "running"
        cmd = job.command()
        log.info("job %s: %s", job.id, cmd)
        proc = Subprocess($call, stdout=Subprocess.STREAM, stderr=subprocess.STDOUT, cwd=OUT_DIR)$mark
        output = await proc.stdout.read_until_close()
        code = await proc.wait_for_exit(raise_error=False)
    job.status = "done" if code == 0 else "failed"
    if code != 0:
        log.warning("job %s exited with %s: %s", job.id, code, output[-500:].decode(errors="replace"))


class CreateJobHandler(tornado.web.RequestHandler):
    async def post(self, media_id: str) -> None:
        """Starts a job for one stored input; the input name comes from the URL pattern."""
        src = os.path.join(MEDIA_DIR, f"{media_id}.$inext")
        if not os.path.isfile(src):
            raise tornado.web.HTTPError(404)
        $src
        job = Job(src=src, $param=$param)
        JOBS[job.id] = job
        tornado.ioloop.IOLoop.current().spawn_callback(run_job, job)
        self.set_status(202)
        self.write({"job": job.id, "status": job.status})


$opts


def make_app() -> tornado.web.Application:
    return tornado.web.Application([
        (r"/$slug/([0-9a-f]{32})/$action", CreateJobHandler)$routes,
    ])
'''

_JOB_TOOLS = [
    # (desc, what, slug, tool, param, source expr, vuln command, safe argv, in ext, out ext, action)
    ("Audio and video clip", "a short clip cut from an uploaded recording at a given start time", "clips", "ffmpeg",
     "start", "offset",
     'f"ffmpeg -nostdin -y -ss {self.start} -i {self.src} -t 30 -c copy {self.dst}"',
     '["ffmpeg", "-nostdin", "-y", "-ss", self.start, "-i", self.src, "-t", "30", "-c", "copy", self.dst]',
     "mp4", "mp4", "clip"),
    ("Image thumbnail", "a resized copy of an uploaded image at the size they choose", "thumbs", "ImageMagick",
     "size", "geometry",
     'f"convert {self.src} -resize {self.size} -strip {self.dst}"',
     '["convert", self.src, "-resize", self.size, "-strip", self.dst]',
     "png", "png", "resize"),
    ("Document conversion", "a PDF of an uploaded Markdown document with the title they enter", "docs", "pandoc",
     "title", "title",
     "f\"pandoc {self.src} -o {self.dst} --metadata title='{self.title}'\"",
     '["pandoc", self.src, "-o", self.dst, "--metadata", f"title={self.title}"]',
     "md", "pdf", "render"),
    ("PDF page preview", "a PNG preview of one page of an uploaded PDF", "previews", "Ghostscript",
     "page", "page",
     'f"gs -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r110 -dFirstPage={self.page} -dLastPage={self.page} -o {self.dst} {self.src}"',
     '["gs", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", "-r110", f"-dFirstPage={self.page}", f"-dLastPage={self.page}", "-o", self.dst, self.src]',
     "pdf", "png", "page"),
]

_JOB_OPTS = [r'''
class JobStatusHandler(tornado.web.RequestHandler):
    def get(self, job_id: str) -> None:
        job = JOBS.get(job_id)
        if job is None:
            raise tornado.web.HTTPError(404)
        self.write({"job": job.id, "status": job.status, "age": round(time.time() - job.created, 1)})
''', r'''
def purge_old_outputs(max_age: float = $maxage) -> None:
    """Periodic cleanup of finished results and their job records."""
    cutoff = time.time() - max_age
    for entry in os.scandir(OUT_DIR):
        if entry.is_file() and entry.stat().st_mtime < cutoff:
            os.remove(entry.path)
    for job_id in [j.id for j in JOBS.values() if j.created < cutoff]:
        del JOBS[job_id]


def start_cleanup() -> tornado.ioloop.PeriodicCallback:
    callback = tornado.ioloop.PeriodicCallback(purge_old_outputs, $every * 1000)
    callback.start()
    return callback
''', r'''
class QueueHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        counts: dict[str, int] = {}
        for job in JOBS.values():
            counts[job.status] = counts.get(job.status, 0) + 1
        self.write({"parallel": MAX_PARALLEL, "jobs": counts})
''']

_JOB_ROUTES = [("JobStatusHandler", r'(r"/jobs/([0-9a-f]{32})", JobStatusHandler)'),
               ("QueueHandler", '(r"/jobs", QueueHandler)')]


def _job(c, safe, hn=False):
    desc, what, slug, tool, param, arg, vcmd, scmd, inext, ext, action = c.pick(*_JOB_TOOLS)
    travel = c.pick("arg", "body", "json")
    if travel == "arg":
        src = f'{param} = self.get_argument("{arg}")'
    elif travel == "body":
        src = f'{param} = self.get_body_argument("{arg}", "").strip()'
    else:
        src = f'{param} = str(json_decode(self.request.body or b"{{}}").get("{arg}", ""))'
    weak = not (safe or hn)
    if weak:
        src += "  #@S"
    opts = _opt(c, *_JOB_OPTS, least=1, most=2)
    return sub(_JOB, Desc=desc, what=what, slug=slug, tool=tool, param=param, src=src, ext=ext, inext=inext,
               action=action, cmd="return " + (vcmd if weak else scmd), rtype="str" if weak else "list[str]",
               call="cmd, shell=True" if weak else "cmd", mark="  #@V" if weak else "",
               opts=opts, routes=_routes(opts, _JOB_ROUTES), every=c.pick(300, 600, 900), par=c.pick(2, 3, 4), maxage=c.pick(3600, 6 * 3600, 86400),
               ENV_MEDIA=c.pick("MEDIA_DIR", f"{slug.upper()}_MEDIA"), ENV_OUT=c.pick("OUT_DIR", f"{slug.upper()}_OUT"))


@fam("mod11-tornado-subprocess-shell-media", "CWE-78", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_subprocess_shell_media(c):
    v, s = _replayed(c, _job)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="Job.command() pastes the client's value into a command string that "
                      "tornado.process.Subprocess runs with shell=True, so ; $( ) or backticks in the value run "
                      "arbitrary commands as the service user. The fix builds an argument list and runs it without "
                      "a shell, where the value is one argv element")


@hardneg(2)
def mod11_tornado_subprocess_shell_media_hn(c):
    s = _job(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="tornado.process.Subprocess runs an argument list without a shell; the client value is one "
                      "argv element")


# ---------------- CWE-89: aiomysql repository formats one client value into the SQL ----------------

_STOCK = r'''
"""Stock lookups for the $org warehouse dashboard (Tornado + aiomysql).

A connection pool is created when the application starts and shared by the handlers through the
application settings. Every statement here is read-only; stock moves are written by the WMS."""
from __future__ import annotations

import asyncio
import logging
import os

import aiomysql
import tornado.web

log = logging.getLogger("$slug.stock")

PAGE_LIMIT = $limit


async def create_pool() -> aiomysql.Pool:
    return await aiomysql.create_pool(
        host=os.environ.get("MYSQL_HOST", "127.0.0.1"), port=int(os.environ.get("MYSQL_PORT", "3306")),
        user=os.environ["MYSQL_USER"], password=os.environ["MYSQL_PASSWORD"], db="$db",
        minsize=1, maxsize=$maxsize, autocommit=True, charset="utf8mb4")


class StockRepository:
    """Queries against the $db schema; rows come back as dicts."""

    def __init__(self, pool: aiomysql.Pool) -> None:
        self.pool = pool

    async def _all(self, sql: str, args: tuple | None = None) -> list[dict]:
        async with self.pool.acquire() as conn:
            async with conn.cursor(aiomysql.DictCursor) as cur:
                await cur.execute(sql, args)
                return await cur.fetchall()

    async def by_sku(self, sku: str) -> list[dict]:
        return await self._all("SELECT sku, name, on_hand, reserved FROM items WHERE sku = %s", (sku,))

$methods


class BaseHandler(tornado.web.RequestHandler):
    @property
    def repo(self) -> StockRepository:
        return StockRepository(self.settings["pool"])


class ItemHandler(BaseHandler):
    async def get(self, sku: str) -> None:
        rows = await self.repo.by_sku(sku)
        if not rows:
            raise tornado.web.HTTPError(404)
        self.write(rows[0])


$handlers


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    pool = await create_pool()
    app = tornado.web.Application([
        (r"/items/([A-Za-z0-9-]{1,32})", ItemHandler)$routes,
    ], pool=pool)
    app.listen(int(os.environ.get("PORT", "$port")))
    log.info("stock API up, pool size %d", pool.maxsize)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
'''

# method name -> (handler class, route, handler source variants, vulnerable SQL lines by style, safe SQL lines)
_STOCK_Q = {
    "search": dict(
        sig="async def search(self, term: str) -> list[dict]:",
        doc='"""Items whose name contains the term, for the search box."""',
        v={"fstring": ["sql = f\"SELECT sku, name, on_hand FROM items WHERE name LIKE '%{term}%' ORDER BY name LIMIT {PAGE_LIMIT}\"  #@V",
                       "return await self._all(sql)"],
           "format": ["sql = \"SELECT sku, name, on_hand FROM items WHERE name LIKE '%{}%' ORDER BY name LIMIT {}\".format(term, PAGE_LIMIT)  #@V",
                      "return await self._all(sql)"],
           "concat": ["sql = \"SELECT sku, name, on_hand FROM items WHERE name LIKE '%\" + term + \"%' ORDER BY name LIMIT \" + str(PAGE_LIMIT)  #@V",
                      "return await self._all(sql)"]},
        s=['sql = "SELECT sku, name, on_hand FROM items WHERE name LIKE %s ORDER BY name LIMIT %s"',
           'return await self._all(sql, (f"%{term}%", PAGE_LIMIT))'],
        cls="SearchHandler", route='(r"/search", SearchHandler)', arg="term", key="q"),
    "location": dict(
        sig="async def in_location(self, location: str) -> list[dict]:",
        doc='"""Stock held in one bin location (aisle-rack-shelf code from the scanner)."""',
        v={"fstring": ["sql = f\"SELECT b.sku, i.name, b.qty FROM bin_stock b JOIN items i ON i.sku = b.sku WHERE b.location = '{location}'\"  #@V",
                       "return await self._all(sql)"],
           "percent": ["sql = \"SELECT b.sku, i.name, b.qty FROM bin_stock b JOIN items i ON i.sku = b.sku WHERE b.location = '%s'\" % location  #@V",
                       "return await self._all(sql)"],
           "format": ["sql = \"SELECT b.sku, i.name, b.qty FROM bin_stock b JOIN items i ON i.sku = b.sku WHERE b.location = '{}'\".format(location)  #@V",
                      "return await self._all(sql)"]},
        s=['sql = "SELECT b.sku, i.name, b.qty FROM bin_stock b JOIN items i ON i.sku = b.sku WHERE b.location = %s"',
           "return await self._all(sql, (location,))"],
        cls="LocationHandler", route='(r"/locations/stock", LocationHandler)', arg="location", key="loc"),
    "moves": dict(
        sig="async def movements(self, sku: str, since: str) -> list[dict]:",
        doc='"""Stock movements of one item since a date (YYYY-MM-DD)."""',
        v={"concat": ["sql = \"SELECT CAST(moved_at AS CHAR) AS moved_at, qty, reason FROM movements WHERE sku = %s AND moved_at >= '\" + since + \"' ORDER BY moved_at\"  #@V",
                      "return await self._all(sql, (sku,))"],
           "fstring": ["sql = f\"SELECT CAST(moved_at AS CHAR) AS moved_at, qty, reason FROM movements WHERE sku = %s AND moved_at >= '{since}' ORDER BY moved_at\"  #@V",
                       "return await self._all(sql, (sku,))"]},
        s=['sql = "SELECT CAST(moved_at AS CHAR) AS moved_at, qty, reason FROM movements WHERE sku = %s AND moved_at >= %s ORDER BY moved_at"',
           "return await self._all(sql, (sku, since))"],
        cls="MovesHandler", route='(r"/items/([A-Za-z0-9-]{1,32})/moves", MovesHandler)', arg="since", key="since"),
}

_STOCK_H = {
    "search": r'''
class SearchHandler(BaseHandler):
    async def get(self) -> None:
        $src
        if len(term) < 2:
            raise tornado.web.HTTPError(400, reason="search term too short")
        self.write({"items": await self.repo.search(term)})
''',
    "location": r'''
class LocationHandler(BaseHandler):
    async def get(self) -> None:
        $src
        rows = await self.repo.in_location(location)
        log.info("location %s: %d rows", location, len(rows))
        self.write({"location": location, "stock": rows})
''',
    "moves": r'''
class MovesHandler(BaseHandler):
    async def get(self, sku: str) -> None:
        $src
        self.write({"sku": sku, "moves": await self.repo.movements(sku, since)})
''',
}


def _stock_src(c, q, arg, key):
    if q == "moves":
        return c.pick(f'{arg} = self.get_argument("{key}", "1970-01-01")',
                      f'{arg} = self.get_query_argument("{key}", "1970-01-01").strip()')
    return c.pick(f'{arg} = self.get_argument("{key}", "").strip()',
                  f'{arg} = self.get_query_argument("{key}", "").strip()',
                  f'{arg} = self.get_argument("{key}")')


def _stock(c, safe, hn=False):
    org = c.pick("Northfield", "Harbour Logistics", "Greenway Foods", "Apex Parts", "Lumen Retail")
    slug = c.pick("wms", "stock", "inventory", "warehouse")
    weak_q = c.pick("search", "location", "moves")
    others = [q for q in _STOCK_Q if q != weak_q]
    extra = [q for q in others if c.rng.random() < 0.5]
    chosen = [weak_q] + extra
    c.rng.shuffle(chosen)
    methods, handlers, routes = [], [], ""
    for q in chosen:
        d = _STOCK_Q[q]
        weak = q == weak_q and not (safe or hn)
        body = d["v"][c.pick(*sorted(d["v"]))] if weak else d["s"]
        if q == weak_q and not weak:
            c.pick(*sorted(d["v"]))  # same draws for the twin
        methods.append("    " + d["sig"] + "\n        " + d["doc"] + "\n" + "\n".join("        " + l for l in body))
        src = _stock_src(c, q, d["arg"], d["key"]) + ("  #@S" if weak else "")
        handlers.append(_STOCK_H[q].replace("$src", src).strip("\n"))
        routes += ",\n        " + d["route"]
    if hn:
        methods.append('''    async def top_movers(self, order: str, days: int) -> list[dict]:
        """Most moved items; the sort column comes from a fixed mapping, the values are bound."""
        column = {"qty": "total_qty", "moves": "move_count"}.get(order, "total_qty")
        sql = ("SELECT sku, SUM(ABS(qty)) AS total_qty, COUNT(*) AS move_count FROM movements "
               f"WHERE moved_at >= NOW() - INTERVAL %s DAY GROUP BY sku ORDER BY {column} DESC LIMIT %s")
        return await self._all(sql, (days, PAGE_LIMIT))''')
    return sub(_STOCK, org=org, slug=slug, methods="\n\n".join(methods), handlers="\n\n\n".join(handlers),
               routes=routes, limit=c.pick(25, 50, 100), db=c.pick("wms", "stock", "inventory"),
               maxsize=c.pick(5, 10, 20), port=c.pick(8000, 8081, 8888))


@fam("mod11-tornado-aiomysql-stock-format", "CWE-89", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_aiomysql_stock_format(c):
    v, s = _replayed(c, _stock)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="one repository method builds its SELECT with the client's value inside quotes in the SQL "
                      "text (f-string, %, format or concatenation) while the other methods pass parameters to "
                      "aiomysql's cursor.execute; a quote in the value rewrites the query (UNION SELECT, OR 1=1). "
                      "The fix uses a %s placeholder and passes the value in the args tuple")


@hardneg(2)
def mod11_tornado_aiomysql_stock_format_hn(c):
    s = _stock(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="every aiomysql statement binds its values; the only f-string inserts a column name taken from "
                      "a fixed mapping")


# ---------------- CWE-22: StaticFileHandler subclass with its own, weaker path validation ----------------

_STATIC = r'''
"""Downloads of $what (Tornado).

Files under $ROOTVAR are served by a StaticFileHandler subclass that adds private caching, hides
dot-files and refuses types outside ALLOWED_SUFFIXES; only signed-in users may download.
$why"""
from __future__ import annotations

import logging
import os

import tornado.ioloop
import tornado.web

log = logging.getLogger("$slug.files")

$ROOTVAR = os.environ.get("$ENVROOT", "/srv/$slug/files")
ALLOWED_SUFFIXES = frozenset($suffixes)
CACHE_SECONDS = $cache


class $Cls(tornado.web.StaticFileHandler):
    """Serves $what with a private cache policy."""

    def get_current_user(self) -> bytes | None:
        return self.get_signed_cookie("$cookie", max_age_days=$days)

    def prepare(self) -> None:
        if self.current_user is None:
            raise tornado.web.HTTPError(401)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", f"private, max-age={CACHE_SECONDS}")
        self.set_header("X-Content-Type-Options", "nosniff")
$disp
    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        """$vdoc"""
        name = os.path.basename(absolute_path)
        if name.startswith(".") or os.path.splitext(name)[1].lower() not in ALLOWED_SUFFIXES:
            raise tornado.web.HTTPError(404)
$check
        if not os.path.isfile(absolute_path):
            raise tornado.web.HTTPError(404)
        return absolute_path

    def on_finish(self) -> None:
        if self.get_status() in (200, 206):
            log.info("%s downloaded %s", self.current_user, getattr(self, "path", "?"))
$extra_methods

$opts


def make_app() -> tornado.web.Application:
    return tornado.web.Application([
        (r"/$prefix/(.*)", $Cls, {"path": $ROOTVAR}),$routes
    ], compress_response=True, cookie_secret=os.environ["$ENVSECRET"], login_url="/login")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    make_app().listen(int(os.environ.get("PORT", "$port")))
    tornado.ioloop.IOLoop.current().start()
'''

_STATIC_CHECKS = {
    # shape -> (docstring, vulnerable lines, fixed lines)
    "prefix": ("Only allow-listed, non-hidden files below the root.",
               ["        if not absolute_path.startswith(os.path.abspath(root)):  #@V",
                '            raise tornado.web.HTTPError(403, "%s is outside the download root", self.path)'],
               ["        if not absolute_path.startswith(os.path.join(os.path.abspath(root), \"\")):",
                '            raise tornado.web.HTTPError(403, "%s is outside the download root", self.path)']),
    "realpath": ("Symlinked shares are resolved first; the target must stay below the root.",
                 ["        absolute_path = os.path.realpath(absolute_path)",
                  "        if not absolute_path.startswith(os.path.realpath(root)):  #@V",
                  "            raise tornado.web.HTTPError(403)"],
                 ["        absolute_path = os.path.realpath(absolute_path)",
                  "        if not absolute_path.startswith(os.path.realpath(root) + os.sep):",
                  "            raise tornado.web.HTTPError(403)"]),
    "dotdot": ("No parent-directory segments, no hidden files, only allow-listed types.",
               ['        if ".." in self.path.split("/"):  #@V',
                '            raise tornado.web.HTTPError(403, "parent segments are not allowed")'],
               ["        if os.path.commonpath([os.path.abspath(root), absolute_path]) != os.path.abspath(root):",
                '            raise tornado.web.HTTPError(403, "parent segments are not allowed")']),
}

_STATIC_HN = ("Allow-listed types only; containment, existence and directory checks are tornado's own.",
              ["        absolute_path = super().validate_absolute_path(root, absolute_path)"], None)

_STATIC_DISP = r'''
    def get_content_type(self) -> str:
        """Downloads, never rendered inline: the files are user-generated."""
        return "application/octet-stream"
'''

_STATIC_EXTRA = r'''
    @classmethod
    def get_cache_time(cls, path: str, modified, mime_type: str) -> int:
        return CACHE_SECONDS
'''

_STATIC_OPTS = [r'''
class IndexHandler(tornado.web.RequestHandler):
    """Names and sizes of the top-level files, for the download page."""

    def get(self) -> None:
        files = [{"name": e.name, "size": e.stat().st_size} for e in os.scandir($ROOTVAR)
                 if e.is_file() and not e.name.startswith(".")
                 and os.path.splitext(e.name)[1].lower() in ALLOWED_SUFFIXES]
        self.write({"files": sorted(files, key=lambda f: f["name"])})
''', r'''
class HealthHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.write({"ok": os.path.isdir($ROOTVAR)})
''']

_STATIC_ROUTES = [("IndexHandler", '(r"/$prefix", IndexHandler)'), ("HealthHandler", '(r"/healthz", HealthHandler)')]


def _static(c, safe, hn=False):
    what, slug, suffixes, why = c.pick(
        ("monthly statement exports", "exports", '{".csv", ".pdf", ".xlsx"}',
         "The finance job writes the files; nobody uploads here."),
        ("course handouts", "handouts", '{".pdf", ".pptx", ".docx", ".zip"}',
         "Teachers publish files through the LMS sync job."),
        ("firmware images", "firmware", '{".bin", ".img", ".sig", ".json"}',
         "The build pipeline copies signed releases into the root."),
        ("dataset snapshots", "datasets", '{".csv", ".parquet", ".json", ".gz"}',
         "Nightly snapshots are written by the warehouse export."),
        ("press kit assets", "presskit", '{".png", ".jpg", ".svg", ".pdf"}',
         "Marketing drops the files on the shared volume."))
    ROOTVAR = c.pick("DOWNLOAD_ROOT", "FILES_ROOT", f"{slug.upper()}_DIR")
    Cls = c.pick("DownloadHandler", f"{slug.capitalize()}FileHandler", "PrivateStaticHandler")
    shape = c.pick("prefix", "realpath", "dotdot")
    if hn:
        doc, lines, _ = _STATIC_HN
        check = "\n".join(lines)
    else:
        doc, vlines, slines = _STATIC_CHECKS[shape]
        check = "\n".join(slines if safe else vlines)
    disp = _STATIC_DISP if c.rng.random() < 0.5 else ""
    extra = _STATIC_EXTRA.rstrip("\n") + "\n" if c.rng.random() < 0.5 else ""
    opts = _opt(c, *_STATIC_OPTS, least=1, most=2)
    routes = "".join(f"\n        {r}," for cls, r in _STATIC_ROUTES if f"class {cls}(" in opts)
    v = sub(_STATIC, what=what, slug=slug, suffixes=suffixes, why=why, ROOTVAR=ROOTVAR, Cls=Cls, vdoc=doc,
            check=check, disp=disp, extra_methods=extra, cookie=c.pick("session", "uid", "member"), days=c.pick(1, 7, 14),
            ENVSECRET=c.pick("COOKIE_SECRET", f"{slug.upper()}_COOKIE_SECRET"), opts=opts, routes=routes,
            prefix=c.pick("downloads", "files", slug), cache=c.pick(300, 3600, 86400), port=c.pick(8000, 8080, 8443),
            ENVROOT=c.pick(ROOTVAR, f"{slug.upper()}_ROOT"))
    if hn:
        # tornado's own check returns None for a directory redirect; keep that contract
        v = v.replace(check + "\n", check + "\n        if absolute_path is None:\n            return None\n", 1)
    return v


@fam("mod11-tornado-static-validate-override", "CWE-22", fws=["tornado"], n=8, wrap=False)
def mod11_tornado_static_validate_override(c):
    v, s = _replayed(c, _static)
    return Spec(v=v, s=s, full=True, fw="tornado",
                notes="the StaticFileHandler subclass replaces tornado's validate_absolute_path with its own check: "
                      "a prefix test without a trailing separator (a sibling such as <root>-private or <root>.bak "
                      "passes), or a '..' segment denylist on the URL path (a leading slash, /files//etc/app.json, "
                      "makes os.path.join drop the root). Files outside the root are served. The fix compares "
                      "against the root with a separator / os.path.commonpath")


@hardneg(2)
def mod11_tornado_static_validate_override_hn(c):
    s = _static(c, True, hn=True)
    return Spec(s=s, full=True, fw="tornado",
                notes="the subclass adds a type allow-list and then calls StaticFileHandler.validate_absolute_path, "
                      "which keeps the root containment check")
