"""Train-only whole-module families (libs22): labels with few whole-module families, each in a shape no
other family uses. A python-ldap HR directory sync job building its ``search_ext_s`` filter from feed
rows (90), and a Falcon podcast-feed service selecting items with an lxml XPath built from a query value
(643).

Each family has one weak module with its minimal fix as twin, and a ``@hardneg(10)`` builder of safe
modules from the same pool of parts. Written without reading the held-out or validation families;
every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"asyncio", "csv", "io", "shlex", "subprocess", "tarfile"}
compose, pair = _web.with_stdlib(_STDLIB)


def _nomark(code):
    return code.replace("  #@V", "").replace("  #@S", "")


# ---------------- CWE-90: python-ldap HR sync job, search_ext_s filter from feed rows ----------------


def _ldap_kw(c):
    attr = c.pick("employeeNumber", "employeeID", "uid")
    return dict(
        log=c.pick("log", "logger"), attr=attr, org=c.pick("corp", "acme", "example"),
        Sync=c.pick("DirectorySync", "HrDirectorySync", "PeopleSync"),
        find=c.pick("find_person", "lookup_entry", "entry_for"),
        feedvar=c.pick("HR_FEED", "PEOPLE_EXPORT", "HR_EXPORT_PATH"),
        page=c.pick(200, 500, 1000), tmo=c.pick(10, 15, 30),
    )


def _ldap_parts(c, feed):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            LDAP_URI = os.environ.get("LDAP_URI", "ldaps://ldap.$org.example")
            BASE_DN = os.environ.get("LDAP_BASE_DN", "ou=people,dc=$org,dc=example")
            SYNCED = ("title", "departmentNumber", "telephoneNumber", "manager")
        '''),
        P("connect", rank=1, imp="import ldap", body='''
            def connect() -> "ldap.ldapobject.LDAPObject":
                """Bind with the sync service account; TLS is verified against the system store."""
                conn = ldap.initialize(LDAP_URI)
                conn.set_option(ldap.OPT_REFERRALS, 0)
                conn.set_option(ldap.OPT_NETWORK_TIMEOUT, $tmo)
                conn.simple_bind_s(os.environ["LDAP_SYNC_DN"], os.environ["LDAP_SYNC_PASSWORD"])
                return conn
        '''),
        P("find", rank=2, imp="import ldap\nfrom ldap.filter import escape_filter_chars, filter_format", body='''
            def $find(conn, person_id: str) -> tuple[str, dict] | None:
                """The directory entry of one person of the HR feed, or None."""
                $FIX
                results = conn.search_ext_s(BASE_DN, ldap.SCOPE_SUBTREE, flt, list(SYNCED), sizelimit=2)
                entries = [(dn, attrs) for dn, attrs in results if dn]
                if len(entries) != 1:
                    $log.warning("%d entries for %s", len(entries), person_id)
                    return None
                return entries[0]
        '''),
    ]
    if feed == "csv":
        core.append(P("rows", rank=2, imp="import csv", body='''
            def feed_rows(path: str):
                """Rows of the nightly HR export (CSV, one person per line)."""
                with open(path, newline="", encoding="utf-8") as fh:
                    for row in csv.DictReader(fh):
                        person_id = row["employee_id"].strip()  #@S
                        if person_id:
                            yield person_id, {k: row.get(k, "") for k in SYNCED if k != "manager"}
        '''))
    else:
        core.append(P("rows", rank=2, imp="import json", body='''
            def feed_rows(path: str):
                """Records of the HR export (JSON lines)."""
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        if not line.strip():
                            continue
                        record = json.loads(line)
                        person_id = str(record["id"])  #@S
                        yield person_id, {k: str(record.get(k, "")) for k in SYNCED if k != "manager"}
        '''))
    core.append(P("run", rank=3, imp="import ldap.modlist", body='''
        def run(path: str, dry_run: bool = False) -> int:
            """Bring title, department and phone of every directory entry in line with HR."""
            conn = connect()
            changed = 0
            try:
                for person_id, wanted in feed_rows(path):
                    found = $find(conn, person_id)
                    if found is None:
                        continue
                    dn, current = found
                    old = {k: current.get(k, []) for k in wanted}
                    new = {k: [v.encode()] if v else [] for k, v in wanted.items()}
                    mods = ldap.modlist.modifyModlist(old, new)
                    if mods and not dry_run:
                        conn.modify_s(dn, mods)
                    changed += bool(mods)
            finally:
                conn.unbind_s()
            $log.info("%d entries updated", changed)
            return changed
    '''))
    pool = [
        P("managers", rank=2, imp="import ldap", body='''
            def managers(conn) -> list[str]:
                """DNs of everyone with direct reports (a fixed filter, no input)."""
                flt = "(&(objectClass=inetOrgPerson)(manager=*))"
                res = conn.search_ext_s(BASE_DN, ldap.SCOPE_SUBTREE, flt, ["manager"], sizelimit=$page)
                return sorted({v.decode() for _, a in res if a for v in a.get("manager", [])})
        '''),
        P("newdn", rank=1, imp="from ldap.dn import escape_dn_chars", body='''
            def dn_for(common_name: str) -> str:
                """DN of a new entry; the RDN value is escaped."""
                return f"cn={escape_dn_chars(common_name)},{BASE_DN}"
        '''),
        P("decode", rank=1, body='''
            def first(attrs: dict, name: str, default: str = "") -> str:
                values = attrs.get(name) or []
                return values[0].decode("utf-8", "replace") if values else default
        '''),
        P("chunks", rank=1, body='''
            def chunks(items: list, size: int = $page):
                for start in range(0, len(items), size):
                    yield items[start:start + size]
        '''),
        P("main", rank=4, imp="import argparse", tail='''
            if __name__ == "__main__":
                logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
                parser = argparse.ArgumentParser(description="sync HR fields into the directory")
                parser.add_argument("export", nargs="?", default=os.environ.get("$feedvar", "hr-export.$ext"))
                parser.add_argument("--dry-run", action="store_true")
                args = parser.parse_args()
                run(args.export, dry_run=args.dry_run)
        '''),
        P("report", rank=2, imp="import json\nimport time", body='''
            def write_report(path: str, changed: int) -> None:
                with open(path, "w", encoding="utf-8") as fh:
                    json.dump({"changed": changed, "finished": time.time()}, fh)
        '''),
    ]
    return core, pool


_LDAP_DOCS = ["Nightly job: copy title, department and phone from the HR export into LDAP (python-ldap).",
              "HR to directory sync: updates people entries from the HR feed.",
              "Directory sync for $org: one LDAP entry per person of the HR export."]

_LDAP_SAFE = ['flt = filter_format("(&(objectClass=inetOrgPerson)($attr=%s))", [person_id])',
              'flt = f"(&(objectClass=inetOrgPerson)($attr={escape_filter_chars(person_id)}))"']


def _ldap_build(c):
    kw = _ldap_kw(c)
    feed = c.pick("csv", "jsonl")
    kw["ext"] = "csv" if feed == "csv" else "jsonl"
    core, pool = _ldap_parts(c, feed)
    return kw, core, pool


@fam("mod22-python-ldap-hr-sync-search-ext-filter", "CWE-90", fws=["pipeline"], n=8, wrap=False)
def mod22_ldap_sync(c):
    kw, core, pool = _ldap_build(c)
    v, s = pair(c, c.pick(*_LDAP_DOCS), '$log = logging.getLogger("hr-sync")', core, pool, kw,
                fill('flt = f"(&(objectClass=inetOrgPerson)($attr={person_id}))"  #@V', **kw),
                fill(c.pick(*_LDAP_SAFE), **kw))
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="the person id of the HR export (an upstream system whose rows HR staff and imports "
                      "write) goes into the search_ext_s filter unescaped: a value such as '*)(uid=jdoe' "
                      "turns the filter into one that matches exactly another directory entry, whose "
                      "attributes the job then overwrites with that row's values ('*' alone makes the "
                      "search hit sizelimit and abort the run); the fix escapes it with ldap.filter "
                      "(filter_format / escape_filter_chars)")


@hardneg(10)
def mod22_ldap_sync_hn(c):
    kw, core, pool = _ldap_build(c)
    code = compose(c, c.pick(*_LDAP_DOCS), '$log = logging.getLogger("hr-sync")', core, pool, kw,
                   subs=[{"$FIX": fill(c.pick(*_LDAP_SAFE), **kw)}])[0]
    return Spec(s=_nomark(code), full=True, fw="pipeline",
                notes="python-ldap sync job whose filters are fixed or escaped with filter_format / "
                      "escape_filter_chars, DNs built with escape_dn_chars")


# ---------------- CWE-643: Falcon podcast feed service, lxml xpath from a query value ----------------


def _feed_kw(c):
    return dict(
        log=c.pick("log", "logger"), Res=c.pick("EpisodeResource", "ItemsResource", "FeedItems"),
        field=c.pick("category", "author", "itunes_season"), path=c.pick("/episodes", "/items", "/feed/items"),
        envvar=c.pick("FEED_PATH", "PODCAST_FEED", "FEED_XML"), maxn=c.pick(50, 100, 200),
    )


def _feed_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            FEED_FILE = os.environ.get("$envvar", "feed.xml")
            MAX_ITEMS = $maxn
        '''),
        P("load", rank=1, imp="from lxml import etree", body='''
            def load_feed(path: str = FEED_FILE) -> "etree._ElementTree":
                """Parse the published feed; no DTDs, no network, no entity expansion."""
                parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
                return etree.parse(path, parser)
        '''),
        P("item", rank=1, body='''
            def item_dict(item) -> dict:
                return {
                    "title": item.findtext("title", default=""),
                    "link": item.findtext("link", default=""),
                    "guid": item.findtext("guid", default=""),
                    "published": item.findtext("pubDate", default=""),
                }
        '''),
        P("res", rank=2, imp="import falcon", body='''
            class $Res:
                """GET $path?$field=...: the feed items with that $field."""

                def __init__(self, feed) -> None:
                    self.feed = feed

                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    wanted = req.get_param("$field", required=True)  #@S
                    limit = req.get_param_as_int("limit", default=20, min_value=1, max_value=MAX_ITEMS)
                    $FIX
                    $log.info("%d items for $field filter", len(items))
                    resp.media = {"items": [item_dict(i) for i in items[:limit]]}
        '''),
        P("app", rank=4, imp="import falcon", tail='''
            def create_app() -> falcon.App:
                feed = load_feed()
                app = falcon.App()
                app.add_route("$path", $Res(feed))$ROUTES
                return app


            app = create_app()
        '''),
    ]
    pool = [
        P("latest", rank=2, imp="import falcon", body='''
            class LatestResource:
                """GET /latest: the newest item (a constant XPath)."""

                def __init__(self, feed) -> None:
                    self.feed = feed

                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    items = self.feed.xpath("/rss/channel/item[1]")
                    if not items:
                        raise falcon.HTTPNotFound()
                    resp.media = item_dict(items[0])
        '''),
        P("etag", rank=1, imp="import hashlib", body='''
            def feed_etag(path: str = FEED_FILE) -> str:
                """ETag of the feed file: a content fingerprint, not a security control."""
                with open(path, "rb") as fh:
                    return hashlib.md5(fh.read(), usedforsecurity=False).hexdigest()
        '''),
        P("count", rank=1, body='''
            def item_count(feed) -> int:
                return int(feed.xpath("count(/rss/channel/item)"))
        '''),
        P("byguid", rank=1, body='''
            def find_by_guid(feed, guid: str):
                """XPath variables keep the guid a string value."""
                found = feed.xpath("/rss/channel/item[guid = $$g]", g=guid)
                return found[0] if found else None
        '''),
        P("health", rank=2, imp="import falcon", body='''
            class Health:
                def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
                    resp.media = {"status": "ok"}
        '''),
    ]
    return core, pool


_FEED_DOCS = ["Read-only JSON API over the published podcast feed (Falcon + lxml).",
              "Feed items service: serves the items of the RSS feed as JSON.",
              "Small Falcon app that exposes the podcast RSS feed for the mobile clients."]


def _feed_vfix(c):
    return c.pick('items = self.feed.xpath(f"/rss/channel/item[$field=\'{wanted}\']")  #@V',
                  'items = self.feed.xpath("/rss/channel/item[$field=\'%s\']" % wanted)  #@V',
                  'query = "//item[$field=\'" + wanted + "\']"  #@V\n        items = self.feed.xpath(query)')


def _feed_sfix(c):
    return c.pick('items = self.feed.xpath("/rss/channel/item[$field=$$wanted]", wanted=wanted)',
                  'items = self.feed.xpath("//item[$field = $$value]", value=wanted)')


def _feed_routes(code):
    routes = ""
    if "class LatestResource" in code:
        routes += '\n    app.add_route("/latest", LatestResource(feed))'
    if "class Health" in code:
        routes += '\n    app.add_route("/health", Health())'
    return code.replace("$ROUTES", routes).replace("$$", "$")


@fam("mod22-falcon-feed-lxml-xpath-query-param", "CWE-643", fws=["falcon"], n=8, wrap=False)
def mod22_feed_xpath(c):
    kw = _feed_kw(c)
    core, pool = _feed_parts(c)
    v, s = pair(c, c.pick(*_FEED_DOCS), '$log = logging.getLogger("feed")', core, pool, kw,
                fill(_feed_vfix(c), **kw), fill(_feed_sfix(c), **kw))
    return Spec(v=_feed_routes(v), s=_feed_routes(s), full=True, fw="flask",
                notes="the query parameter is pasted inside the XPath string literal: a value like "
                      "\"x' or '1'='1\" closes the literal and selects every item (or probes the document); "
                      "the fix passes it as an XPath variable, which lxml binds as a string value")


@hardneg(10)
def mod22_feed_xpath_hn(c):
    kw = _feed_kw(c)
    core, pool = _feed_parts(c)
    code = compose(c, c.pick(*_FEED_DOCS), '$log = logging.getLogger("feed")', core, pool, kw,
                   subs=[{"$FIX": fill(_feed_sfix(c), **kw)}])[0]
    return Spec(s=_nomark(_feed_routes(code)), full=True, fw="flask",
                notes="lxml XPath with input bound as XPath variables, constant expressions, a hardened parser")
