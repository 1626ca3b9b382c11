"""Train-only whole-module families (libs29 set, mod29-*): kinds of programs no earlier family is written as, each a
realistic module of about 80-110 lines with ONE sink-type weakness, its minimal fix as twin, and a ``@hardneg``
builder assembling safe modules from the same parts (the set of functions / classes varies per module):

- mod29-scrapy-pipeline-driver-sqli (89): a Scrapy ``pipelines.py`` storing scraped items in SQL Server (pymssql) or
  Oracle (oracledb); every statement binds its values except one, which formats a field of the scraped page (the
  title or the source URL, both chosen by the site that was crawled) into the SQL text; the fix binds it.
- mod29-discord-guild-jinja-template (94): a discord.py cog whose guild managers set the welcome / farewell message
  as a Jinja template; it is compiled with a plain ``jinja2.Environment`` (``from_string``), so any guild manager
  runs Python on the bot host; the fix compiles it with ``SandboxedEnvironment``.
- mod29-airflow-snowflake-literal-password (798): an Airflow TaskFlow DAG module whose tasks read their connection
  settings from Airflow connections / variables, except the Snowflake load task, which connects with a
  password literal; the fix takes it from the Airflow connection.
- mod29-ha-integration-cloud-verify-ssl-off (295): a Home-Assistant-style custom integration (``api.py`` +
  coordinator) for a vendor cloud; the aiohttp session is requested with ``verify_ssl=False``
  (``async_get_clientsession`` / ``async_create_clientsession``), or the login request passes ``ssl=False``, although
  the cloud has a public certificate, so the account password and tokens go over unverified TLS; the fix keeps
  verification on (the default, ``verify_ssl=True`` or ``ssl=True``).
- mod29-telegram-bot-settings-pickle-import (502): a python-telegram-bot bot whose /import command restores a
  user's settings from an uploaded document with ``pickle.loads``; the fix reads (and /export writes) JSON.

Written without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"ast", "collections", "contextlib", "csv", "datetime", "decimal", "io", "itertools",
                          "pathlib", "pickle", "shutil", "sqlite3", "ssl", "stat", "string", "subprocess", "sys",
                          "tempfile", "time", "typing", "urllib", "uuid", "zoneinfo"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=82, hi=110)


# ---------------- CWE-89: Scrapy item pipeline, one statement formats a scraped field into the SQL ----------------

_SCR_DOCS = [
    "Item pipelines of the $proj crawler: validation, price parsing and storage of $ws in $dbname.\n"
    "Enabled in settings.ITEM_PIPELINES; the storage pipeline runs last.",
    "Scrapy pipelines for $proj. $Ws scraped from partner and public sites are cleaned, de-duplicated\n"
    "and written to the $table table ($dbname), with a price history.",
    "$W pipelines ($proj crawler). The storage pipeline keeps one row per source URL and records\n"
    "price changes in $table_prices.",
]

# the statements of the storage pipeline: name -> (SQL with {field} slots, fields)
_SCR_SQL = {
    "sel": ("SELECT price_cents FROM $table WHERE source_url = {url}", ("url",)),
    "ins": ("INSERT INTO $table (source_url, title, price_cents, first_seen, last_seen)"
            "| VALUES ({url}, {title}, {price}, $NOW, $NOW)", ("url", "title", "price")),
    "upd": ("UPDATE $table SET title = {title}, price_cents = {price},| last_seen = $NOW WHERE source_url = {url}",
            ("title", "price", "url")),
    "hist": ("INSERT INTO $table_prices (source_url, price_cents, seen_at)| VALUES ({url}, {price}, $NOW)",
             ("url", "price")),
}
_SCR_VARS = {"url": "url", "title": "title", "price": "price"}


def _scr_split(sql):
    """The pieces of the SQL text, one per source line (the templates mark the breaks with "|")."""
    return sql.split("|")


def _scr_bound(driver, key, ind):
    sql, fields = _SCR_SQL[key]
    ph = {f: ("%(" + f + ")s" if driver == "pymssql" else ":" + f) for f in fields}
    text = sql.format(**ph)
    args = "{" + ", ".join(f'"{f}": {_SCR_VARS[f]}' for f in fields) + "}"
    one = f'cur.execute("{text.replace("|", "")}", {args})'
    if "|" not in text and len(one) + ind <= 112:
        return one
    pad = " " * (ind + 4)
    lits = "\n".join(pad + '"' + piece + '"' for piece in _scr_split(text))
    return f'cur.execute(\n{lits},\n{pad}{args},\n{" " * ind})'


def _scr_formatted(style, key, ind):
    """The weak statement: the scraped string fields are quoted into the SQL text (each piece of it marked)."""
    sql, fields = _SCR_SQL[key]
    if style == "fstring":
        ph = {f: ("'{" + f + "}'" if f != "price" else "{price}") for f in fields}
        pieces = ['f"' + piece + '"' for piece in _scr_split(sql.format(**ph))]
        tail = ""
    else:
        ph = {f: ("'%s'" if f != "price" else "%d") for f in fields}
        pieces = ['"' + piece + '"' for piece in _scr_split(sql.format(**ph))]
        names = [_SCR_VARS[f] for f in fields]
        tail = " % " + (names[0] if len(names) == 1 else "(" + ", ".join(names) + ")")
    one = "cur.execute(" + pieces[0] + tail + ")  #@V"
    if len(pieces) == 1 and len(one) + ind <= 118:
        return one
    pad = " " * (ind + 4)
    body = "\n".join(pad + piece + (tail if i == len(pieces) - 1 else "") + "  #@V" for i, piece in enumerate(pieces))
    return "cur.execute(\n" + body + "\n" + " " * ind + ")"


_SCR_STORE = '''
class $Store:
    """Write each $w to $dbname: one row per source URL, plus a price-history row when the price moved."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.conn: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "$Store":
        s = crawler.settings
        if not s.get("$DB_HOST"):
            raise NotConfigured("$DB_HOST is not set")
        params = $PARAMS
        return cls(params)

    def open_spider(self, spider: Spider) -> None:
        self.conn = $CONNECT
        $log.info("storage pipeline connected for spider %s", spider.name)

    def close_spider(self, spider: Spider) -> None:
        if self.conn is not None:
            self.conn.commit()
            self.conn.close()

    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        url = adapter["url"]$S_url
        title = (adapter.get("title") or "")[:300]$S_title
        price = int(adapter.get("price_cents") or 0)
        cur = self.conn.cursor()
        try:
            $SEL
            row = cur.fetchone()
            if row is None:
                $INS
            elif row[0] != price:
                $UPD
                $HIST
        finally:
            cur.close()
        self.conn.commit()
        return item
'''

_SCR_DRIVERS = {
    "pymssql": dict(
        imp="import pymssql", now="CURRENT_TIMESTAMP", name="SQL Server",
        params='{\n            "server": s.get("$DB_HOST"),\n            "user": s.get("$DB_USER"),\n'
               '            "password": s.get("$DB_PASSWORD"),\n            "database": s.get("$DB_NAME", "$proj"),\n'
               '        }',
        connect="pymssql.connect(**self.params, login_timeout=10, autocommit=False)"),
    "oracledb": dict(
        imp="import oracledb", now="CURRENT_TIMESTAMP", name="Oracle",
        params='{\n            "user": s.get("$DB_USER"),\n            "password": s.get("$DB_PASSWORD"),\n'
               '            "dsn": s.get("$DB_HOST"),\n        }',
        connect="oracledb.connect(**self.params)"),
}


def _scr_kw(c, driver):
    w = c.pick("listing", "offer", "job", "product", "rental")
    proj = c.pick("pricewatch", "jobscout", "flatfinder", "shelfscan", "dealhound", "marketlens")
    d = _SCR_DRIVERS[driver]
    pre = c.pick("MSSQL" if driver == "pymssql" else "ORACLE", "STORE", proj.upper())
    return dict(w=w, ws=w + "s", W=w.capitalize(), Ws=w.capitalize() + "s", proj=proj, table=c.pick(w + "s", "scraped_" + w + "s"),
                dbname=d["name"], Store=c.pick("Storage", "Database", d["name"].replace(" ", "")) + "Pipeline",
                DB_HOST=pre + "_" + c.pick("HOST", "DSN") if driver == "oracledb" else pre + "_HOST",
                DB_USER=pre + "_USER", DB_PASSWORD=pre + "_PASSWORD", DB_NAME=pre + "_DATABASE",
                log=c.pick("logger", "log"), minp=c.pick(1, 50, 100), maxlen=c.pick(2000, 4000))


def _scr_parts(c, driver, target, style):
    d = _SCR_DRIVERS[driver]
    body = _SCR_STORE.replace("$PARAMS", d["params"]).replace("$CONNECT", d["connect"])
    stmts = {}
    for key, ind in (("sel", 12), ("ins", 16), ("upd", 16), ("hist", 16)):
        text = "$FIX" if key == target else _scr_bound(driver, key, ind)
        stmts[key] = text.replace("$NOW", d["now"])
    for key, tok in (("hist", "$HIST"), ("upd", "$UPD"), ("ins", "$INS"), ("sel", "$SEL")):
        body = body.replace(tok, stmts[key])
    tainted = ("url",) if target in ("sel", "hist") else ("url", "title")  # the fields the weak statement formats
    for field in ("url", "title"):
        body = body.replace("$S_" + field, "  #@S" if field in tainted else "")
    scrapy_imp = ("from typing import Any\nfrom itemadapter import ItemAdapter\nfrom scrapy import Spider\n"
                  "from scrapy.crawler import Crawler\nfrom scrapy.exceptions import DropItem, NotConfigured")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("store", rank=4, imp=scrapy_imp + "\n" + d["imp"], body=body),
    ]
    pool = [
        P("validate", rank=3, imp=scrapy_imp + "\nfrom urllib.parse import urlsplit",
          const='REQUIRED_FIELDS = ("url", "title", "price")', body='''
class ValidationPipeline:
    """Drop $ws that miss a required field or whose URL is not http(s)."""

    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        missing = [f for f in REQUIRED_FIELDS if not adapter.get(f)]
        if missing:
            raise DropItem(f"missing {', '.join(missing)}")
        if urlsplit(adapter["url"]).scheme not in ("http", "https"):
            raise DropItem("not an http(s) URL")
        return item
'''),
        P("price", rank=2, imp="import re\nfrom decimal import Decimal, InvalidOperation",
          const=r'PRICE_RE = re.compile(r"(\d{1,3}(?:[ .,]\d{3})*|\d+)(?:[.,](\d{2}))?")', body='''
def parse_price(text: str) -> int | None:
    """Cents from a price text such as "1.299,00 EUR" or "$1,299.00"; None when no price is found."""
    match = PRICE_RE.search(text or "")
    if not match:
        return None
    whole = re.sub(r"[ .,]", "", match.group(1))
    try:
        return int(Decimal(whole) * 100) + int(match.group(2) or 0)
    except InvalidOperation:
        return None
'''),
        P("pricepipe", rank=3, needs=("price",), imp=scrapy_imp, const="MIN_PRICE_CENTS = $minp", body='''
class PricePipeline:
    """Turn the scraped price text into cents; $ws without a plausible price are dropped."""

    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        cents = parse_price(str(adapter.get("price", "")))
        if cents is None or cents < MIN_PRICE_CENTS:
            raise DropItem(f"no usable price in {adapter.get('url')}")
        adapter["price_cents"] = cents
        return item
'''),
        P("clean", rank=2, imp="from w3lib.html import remove_tags, replace_entities", body='''
def clean_text(value: str | None, limit: int = $maxlen) -> str:
    """Visible text of a scraped HTML fragment: tags removed, entities decoded, whitespace collapsed."""
    text = replace_entities(remove_tags(value or ""))
    return " ".join(text.split())[:limit]
'''),
        P("cleanpipe", rank=3, needs=("clean",), imp=scrapy_imp, body='''
class CleanTextPipeline:
    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        for field in ("title", "description", "location"):
            if field in adapter.field_names() and adapter.get(field) is not None:
                adapter[field] = clean_text(adapter.get(field))
        return item
'''),
        P("dedupe", rank=3, imp=scrapy_imp + "\nfrom w3lib.url import canonicalize_url", body='''
class DedupePipeline:
    """Drop a $w whose canonical URL was already seen in this crawl."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any, spider: Spider) -> Any:
        adapter = ItemAdapter(item)
        key = canonicalize_url(adapter["url"])
        if key in self.seen:
            raise DropItem("duplicate")
        self.seen.add(key)
        adapter["url"] = key
        return item
'''),
        P("stats", rank=3, imp=scrapy_imp, body='''
class ItemStatsPipeline:
    """Count $ws per spider in the crawler stats (seen in the close log and the stats collector)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ItemStatsPipeline":
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider) -> Any:
        self.stats.inc_value(f"$proj/{spider.name}/items")
        return item
'''),
    ]
    return core, pool


@fam("mod29-scrapy-pipeline-driver-sqli", "CWE-89", fws=["pipeline"], n=8, wrap=False)
def mod29_scrapy_sqli(c):
    driver = c.pick("pymssql", "oracledb")
    kw = _scr_kw(c, driver)
    target = c.pick("sel", "ins", "upd", "upd", "hist")
    if target == "hist":  # url and an int only: the URL of a crawled page is the site's choice
        target = "sel"
    style = c.pick("fstring", "percent")
    if target == "upd":  # an UPDATE built with the % operator is the shape of the held-out sqli-update-percent
        style = "fstring"
    core, pool = _scr_parts(c, driver, target, style)
    ind = 12 if target == "sel" else 16
    vfix = _scr_formatted(style, target, ind).replace("$NOW", _SCR_DRIVERS[driver]["now"])
    sfix = _scr_bound(driver, target, ind).replace("$NOW", _SCR_DRIVERS[driver]["now"])
    v, s = _pair(c, c.pick(*_SCR_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, vfix, sfix)
    field = "source URL" if target == "sel" else "title and source URL"
    return Spec(v=v, s=s, full=True, fw="scrapy",
                notes=f"the storage pipeline of a Scrapy project ({driver}) quotes the scraped {field} into the SQL "
                      "text of one statement; the crawled site chooses that text (a title with a quote and SQL after "
                      "it, or a link whose path holds one: Scrapy/w3lib URL escaping keeps ' as a reserved character "
                      "and /**/ stands in for spaces), so a page runs its own SQL in the crawler's database; every "
                      "other statement binds its values, and the fix binds this one too")


@hardneg(8)
def mod29_scrapy_sqli_hn(c):
    driver = c.pick("pymssql", "oracledb")
    kw = _scr_kw(c, driver)
    target = c.pick("sel", "ins", "upd")
    core, pool = _scr_parts(c, driver, target, "fstring")
    sfix = _scr_bound(driver, target, 12 if target == "sel" else 16).replace("$NOW", _SCR_DRIVERS[driver]["now"])
    code = _safe(c, c.pick(*_SCR_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, sfix)
    return Spec(s=code, full=True, fw="scrapy",
                notes=f"Scrapy pipelines storing items with {driver}: every statement passes the scraped values as "
                      "bound parameters (named placeholders and a dict); f-strings only in drop messages and stats keys")


# ---------------- CWE-94: discord.py cog, guild managers' welcome template compiled by a plain Jinja Environment ----

_DSC_DOCS = [
    "$Title for the $botname Discord bot. Guild managers set the message as a small Jinja template\n"
    "(``{{ member }}``, ``{{ guild }}``, ``{{ count }}``); it is rendered when a member joins.",
    "$botname: the $kind cog. Each guild stores its own message template and channel; the bot renders\n"
    "the template with the member's display name and posts it without pinging roles or @everyone.",
    "Per-guild $kind messages ($botname bot, discord.py 2 app commands).",
]


def _dsc_kw(c):
    kind = c.pick("welcome", "greeting", "join")
    return dict(kind=kind, Title=c.pick("Welcome messages", "Join greetings", "Greeting messages"),
                botname=c.pick("Harbormaster", "Pebble", "Quillbot", "Lanternkeeper", "Mossy", "Tidewatch"),
                Cog=c.pick("Welcome", "Greetings", "JoinMessages"), maxlen=c.pick(500, 1000, 1500),
                log=c.pick("log", "logger"), dbfile=c.pick("bot.db", "guilds.sqlite3", "settings.db"),
                jsonfile=c.pick("guild_settings.json", "guilds.json"), envv=c.pick("BOT_DATA_DIR", "DATA_DIR"))


_DSC_STORE = {
    "sqlite": P("store", rank=2, imp="import json\nimport os\nfrom typing import Any\nimport aiosqlite",
                const='DB_PATH = os.path.join(os.environ.get("$envv", "."), "$dbfile")', body='''
class SettingsStore:
    """Per-guild settings in SQLite, one JSON value per key (values are bound parameters)."""

    def __init__(self, path: str = DB_PATH) -> None:
        self.path = path

    async def get(self, guild_id: int) -> dict[str, Any]:
        async with aiosqlite.connect(self.path) as db:
            async with db.execute("SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)) as cur:
                return {key: json.loads(value) for key, value in await cur.fetchall()}

    async def set(self, guild_id: int, key: str, value: Any) -> None:
        async with aiosqlite.connect(self.path) as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                (guild_id, key, json.dumps(value)),
            )
            await db.commit()
'''),
    "json": P("store", rank=2, imp="import asyncio\nimport json\nimport os\nfrom pathlib import Path\nfrom typing import Any",
              const='SETTINGS_PATH = Path(os.environ.get("$envv", ".")) / "$jsonfile"', body='''
class SettingsStore:
    """Per-guild settings in one JSON file, rewritten atomically under a lock."""

    def __init__(self, path: Path = SETTINGS_PATH) -> None:
        self.path = path
        self._lock = asyncio.Lock()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    async def get(self, guild_id: int) -> dict[str, Any]:
        return self._load().get(str(guild_id), {})

    async def set(self, guild_id: int, key: str, value: Any) -> None:
        async with self._lock:
            data = self._load()
            data.setdefault(str(guild_id), {})[key] = value
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(tmp, self.path)
'''),
}

# how the template text is compiled: key -> (const line or "", render line with $FIX, weak fix, safe fixes, imports)
_DSC_RENDER = {
    "env": ("$FIX", "TEMPLATES = Environment(undefined=StrictUndefined, autoescape=False)  #@V",
            ["TEMPLATES = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)",
             "TEMPLATES = SandboxedEnvironment(undefined=StrictUndefined)"],
            "template = TEMPLATES.from_string(text)  #@V"),
    "inline": ("", "template = Environment(undefined=StrictUndefined).from_string(text)  #@V",
               ["template = SandboxedEnvironment(undefined=StrictUndefined).from_string(text)"], "$FIX"),
    "tmplcls": ("", "template = Template(text, undefined=StrictUndefined)  #@V",
                ["template = SandboxedEnvironment(undefined=StrictUndefined).from_string(text)"], "$FIX"),
}

_DSC_METHODS = {
    "channel": '''
    @group.command(name="channel", description="Post the $kind message in this channel")
    async def set_channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await self.store.set(interaction.guild_id, "channel_id", channel.id)
        await interaction.response.send_message(f"$Title go to {channel.mention}.", ephemeral=True)
''',
    "toggle": '''
    @group.command(name="enabled", description="Turn the $kind message on or off")
    async def set_enabled(self, interaction: discord.Interaction, enabled: bool) -> None:
        await self.store.set(interaction.guild_id, "enabled", enabled)
        $log.info("guild %s: $kind messages %s", interaction.guild_id, "on" if enabled else "off")
        await interaction.response.send_message("On." if enabled else "Off.", ephemeral=True)
''',
    "reset": '''
    @group.command(name="reset", description="Go back to the default message")
    async def reset_template(self, interaction: discord.Interaction) -> None:
        await self.store.set(interaction.guild_id, "template", None)
        await interaction.response.send_message("The default message is back.", ephemeral=True)
''',
    "show": '''
    @group.command(name="show", description="Show the current template")
    async def show_template(self, interaction: discord.Interaction) -> None:
        settings = await self.store.get(interaction.guild_id)
        text = settings.get("template") or DEFAULT_TEMPLATE
        await interaction.response.send_message(f"```\\n{text}\\n```", ephemeral=True)
''',
}


def _dsc_cog(c, extra):
    methods = "".join(_DSC_METHODS[k] for k in extra)
    return '''
class $Cog(commands.Cog):
    """$Title: a per-guild template, rendered when a member joins."""

    group = app_commands.Group(
        name="$kind",
        description="$Title settings",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: commands.Bot, store: SettingsStore) -> None:
        self.bot = bot
        self.store = store

    @group.command(name="template", description="Set the message template")
    async def set_template(self, interaction: discord.Interaction, template: str) -> None:
        text = template.strip()  #@S
        if not text or len(text) > MAX_TEMPLATE_LENGTH:
            await interaction.response.send_message(f"Use 1-{MAX_TEMPLATE_LENGTH} characters.", ephemeral=True)
            return
        try:
            preview = render_message(text, interaction.user, interaction.guild)
        except TemplateError:
            await interaction.response.send_message("That template does not render.", ephemeral=True)
            return
        await self.store.set(interaction.guild_id, "template", text)
        $log.info("guild %s changed its $kind template", interaction.guild_id)
        await interaction.response.send_message(f"Saved. Preview:\\n{preview}", ephemeral=True)
''' + methods + '''
    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        settings = await self.store.get(member.guild.id)
        if not settings.get("enabled", True):
            return
        channel = member.guild.get_channel(settings.get("channel_id") or 0) or member.guild.system_channel
        if channel is None:
            return
        text = render_message(settings.get("template") or DEFAULT_TEMPLATE, member, member.guild)
        await channel.send(text, allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True))
'''


def _dsc_parts(c, how, store, safe_fix=None):
    const_line, _v, _s, render_line = _DSC_RENDER[how]
    jimp = ("from jinja2 import Environment, StrictUndefined, Template, TemplateError\n"
            "from jinja2.sandbox import SandboxedEnvironment")
    render = '''
def render_message(text: str, member: discord.abc.User, guild: discord.Guild | None) -> str:
    """The message for ``member``: the guild's template rendered with plain strings and numbers only."""
    $RLINE
    return template.render(
        member=member.display_name,
        mention=member.mention,
        guild=guild.name if guild else "",
        count=guild.member_count if guild else 0,
    )[:2000]
'''.replace("$RLINE", render_line)
    dimp = "import discord\nfrom discord import app_commands\nfrom discord.ext import commands"
    extra = c.rng.sample(sorted(_DSC_METHODS), c.pick(1, 2, 2))
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const="DEFAULT_TEMPLATE = \"Welcome to {{ guild }}, {{ mention }}! You are member #{{ count }}.\"\n"
                                  "MAX_TEMPLATE_LENGTH = $maxlen" + ("\n" + const_line if const_line else "")),
        P("render", rank=1, imp=jimp + "\n" + dimp, body=render),
        _DSC_STORE[store],
        P("cog", rank=3, imp=jimp + "\n" + dimp, body=_dsc_cog(c, extra)),
        P("setup", rank=4, imp=dimp, body='''
async def setup(bot: commands.Bot) -> None:
    """Extension entry point (``await bot.load_extension(...)``)."""
    await bot.add_cog($Cog(bot, SettingsStore()))
'''),
    ]
    return core, []


@fam("mod29-discord-guild-jinja-template", "CWE-94", fws=["pipeline"], n=8, wrap=False)
def mod29_discord_ssti(c):
    kw = _dsc_kw(c)
    how = c.pick(*_DSC_RENDER)
    core, pool = _dsc_parts(c, how, c.pick("sqlite", "json"))
    _c, vfix, sfixes, _r = _DSC_RENDER[how]
    v, s = _pair(c, c.pick(*_DSC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, vfix, c.pick(*sfixes),
                 lo=70)
    return Spec(v=v, s=s, full=True, fw="discord",
                notes="a discord.py cog lets the managers of any guild the bot is in (whoever owns or administers a "
                      "server that added the bot: people the bot's operator does not trust with its host) store a "
                      "Jinja template that the bot compiles with a plain jinja2 Environment / Template; template code "
                      "such as "
                      "{{ cycler.__init__.__globals__.os.popen('id').read() }} runs Python on the bot host (and the "
                      "preview echoes the result); the render context holds only strings, so the fix is to compile "
                      "the text with jinja2.sandbox.SandboxedEnvironment")


@hardneg(7)
def mod29_discord_ssti_hn(c):
    kw = _dsc_kw(c)
    how = c.pick(*_DSC_RENDER)
    core, pool = _dsc_parts(c, how, c.pick("sqlite", "json"))
    code = _safe(c, c.pick(*_DSC_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                 c.pick(*_DSC_RENDER[how][2]), lo=70)
    return Spec(s=code, full=True, fw="discord",
                notes="discord.py cog rendering guild-supplied Jinja templates in a SandboxedEnvironment with a "
                      "context of plain strings; settings stored with bound SQL parameters or an atomic JSON rewrite; "
                      "allowed_mentions keeps @everyone and roles off")


# ---------------- CWE-798: Airflow TaskFlow DAG, the Snowflake connection helper carries a password literal ----------

_AF_DOCS = [
    "Airflow DAG $dag_id: load the day's $ws from $srcname into Snowflake ($table).\n"
    "Connection settings come from Airflow connections and variables; tasks pass rows through XCom.",
    "$W sync ($team team): $srcname -> Snowflake $db.$schema.$table, daily, one MERGE per run.",
    "TaskFlow DAG that copies changed $ws from $srcname into the Snowflake warehouse\nof the $team team.",
]


def _af_kw(c):
    w = c.pick("order", "payment", "subscription", "shipment", "invoice", "refund")
    team = c.pick("finance", "growth", "ops", "revenue", "logistics")
    return dict(w=w, ws=w + "s", W=w.capitalize(), team=team, TEAM=team.upper(),
                dag_id=c.pick(f"{w}s_to_snowflake", f"{team}_{w}_sync", f"load_{w}s_daily"),
                dagfn=c.pick(f"{w}_sync", f"load_{w}s", f"{team}_{w}s_pipeline"),
                table=c.pick(f"{w.upper()}S", f"FCT_{w.upper()}S", f"RAW_{w.upper()}S"),
                db=c.pick("ANALYTICS", "RAW", "WAREHOUSE"), schema=c.pick(team.upper(), "STAGING", "INGEST"),
                wh=c.pick("LOAD_WH", "ETL_XS", "TRANSFORM_WH"), role=c.pick("LOADER", "ETL_ROLE", f"{team.upper()}_LOADER"),
                account=c.pick("acme-eu1", "xy12345.eu-central-1", "northwind-prod", "globex.us-east-2"),
                sfuser=c.pick("ETL_LOADER", "SVC_AIRFLOW", f"{team.upper()}_ETL"),
                pw=c.pick("Sn0wL0ad!2024", "etl-Loader#7731", "Wint3rPipe.88!", "kR9v!Tq2mLx0", "Airfl0w_sf_prod1"),
                sched=c.pick("@daily", "0 3 * * *", "30 2 * * *"), log=c.pick("log", "logger"))


_AF_CONN = {
    "consts": ('''
def snowflake_conn() -> SnowflakeConnection:
    """A connection of the loader user, on this DAG's warehouse, database and role."""
    return snowflake.connector.connect(
        user="$sfuser",
        $FIX
        login_timeout=30,
        **SNOWFLAKE,
    )
''', 'password="$pw",  #@V', ['password=Variable.get("snowflake_$team_loader_password"),',
                             'password=os.environ["SNOWFLAKE_$TEAM_PASSWORD"],']),
    "hook": ('''
def snowflake_conn() -> SnowflakeConnection:
    """A connection from the Airflow connection SNOWFLAKE_CONN_ID (login, account in its extras)."""
    conn = BaseHook.get_connection(SNOWFLAKE_CONN_ID)
    return snowflake.connector.connect(
        user=conn.login,
        $FIX
        account=conn.extra_dejson.get("account", SNOWFLAKE["account"]),
        warehouse=SNOWFLAKE["warehouse"],
        database=SNOWFLAKE["database"],
        schema=SNOWFLAKE["schema"],
        role=SNOWFLAKE["role"],
    )
''', 'password="$pw",  #@V', ["password=conn.password,"]),
}

_AF_TASKS = {
    "extract_api": ('''
@task
def extract(ds: str | None = None) -> list[dict]:
    """$Ws changed on ``ds``, from the API (host and token from the Airflow connection API_CONN_ID)."""
    api = BaseHook.get_connection(API_CONN_ID)
    resp = requests.get(
        f"https://{api.host}/v2/$ws",
        params={"updated_on": ds, "page_size": 1000},
        headers={"Authorization": f"Bearer {api.password}"},
        timeout=60,
    )
    resp.raise_for_status()
    rows = resp.json()["items"]
    $log.info("extracted %d $ws for %s", len(rows), ds)
    return rows
''', 'API_CONN_ID = "$team_$w_api"'),
    "extract_pg": ('''
@task
def extract(ds: str | None = None) -> list[dict]:
    """$Ws changed on ``ds``, read from the source database (bound date parameter)."""
    hook = PostgresHook(postgres_conn_id=SOURCE_CONN_ID)
    records = hook.get_records(
        "SELECT id, customer_id, amount_cents, status, updated_at FROM $ws WHERE updated_at::date = %s",
        parameters=(ds,),
    )
    $log.info("extracted %d $ws for %s", len(records), ds)
    return [dict(zip(COLUMNS, (*rec[:4], rec[4].isoformat()))) for rec in records]
''', 'SOURCE_CONN_ID = "$team_source_db"'),
    "load": ('''
@task
def load(rows: list[dict]) -> int:
    """Insert the rows into a temporary table and MERGE them into the target on id."""
    with closing(snowflake_conn()) as conn:
        cur = conn.cursor()
        cur.execute("CREATE TEMPORARY TABLE $table_BATCH LIKE $table")
        cur.executemany(
            "INSERT INTO $table_BATCH (id, customer_id, amount_cents, status, updated_at)"
            " VALUES (%(id)s, %(customer_id)s, %(amount_cents)s, %(status)s, %(updated_at)s)",
            rows,
        )
        cur.execute(
            "MERGE INTO $table t USING $table_BATCH b ON t.id = b.id"
            " WHEN MATCHED THEN UPDATE SET t.status = b.status, t.amount_cents = b.amount_cents,"
            " t.updated_at = b.updated_at WHEN NOT MATCHED THEN INSERT (id, customer_id, amount_cents, status,"
            " updated_at) VALUES (b.id, b.customer_id, b.amount_cents, b.status, b.updated_at)"
        )
        conn.commit()
    return len(rows)
''', ""),
    "check": ('''
@task
def check(loaded: int, ds: str | None = None) -> None:
    """Fail the run when the target holds fewer rows for ``ds`` than this run loaded."""
    with closing(snowflake_conn()) as conn:
        cur = conn.cursor()
        cur.execute("SELECT COUNT(*) FROM $table WHERE TO_DATE(updated_at) = %(ds)s", {"ds": ds})
        (count,) = cur.fetchone()
    if count < loaded:
        raise ValueError(f"{count} rows for {ds} in $table, but {loaded} were loaded")
''', ""),
    "notify": ('''
@task(trigger_rule="all_done")
def notify(loaded: int, ds: str | None = None) -> None:
    """Post the row count to the team channel (the webhook URL is an Airflow variable)."""
    webhook = Variable.get("$team_alerts_webhook")
    text = f"$dag_id {ds}: {loaded} $ws merged"
    requests.post(webhook, json={"text": text}, timeout=10).raise_for_status()
''', ""),
}


def _af_module(c, conn_how, kw):
    extract = c.pick("extract_api", "extract_pg")
    kw["srcname"] = (c.pick("the billing API", "the partner API", "the $team API") if extract == "extract_api"
                     else c.pick("the shop database", "the ops Postgres", "the source database"))
    optional = [k for k in ("check", "notify") if c.pick(True, True, False)]
    conn_body, _v, _s = _AF_CONN[conn_how]
    imp = ("import os\nfrom contextlib import closing\nfrom datetime import timedelta\nimport pendulum\nimport requests\n"
           "import snowflake.connector\nfrom airflow.decorators import dag, task\nfrom airflow.hooks.base import BaseHook\n"
           "from airflow.models import Variable\nfrom airflow.providers.postgres.hooks.postgres import PostgresHook\n"
           "from snowflake.connector import SnowflakeConnection")
    consts = ['SNOWFLAKE_CONN_ID = "snowflake_$team"', _AF_TASKS[extract][1],
              'COLUMNS = ("id", "customer_id", "amount_cents", "status", "updated_at")' if extract == "extract_pg" else "",
              'SNOWFLAKE = {\n    "account": "$account",\n    "warehouse": "$wh",\n    "database": "$db",\n'
              '    "schema": "$schema",\n    "role": "$role",\n}']
    wiring = (["rows = extract()", "loaded = load(rows)"] + [f"{k}(loaded)" for k in optional] if optional
              else [c.pick("load(extract())", "rows = extract()\n    load(rows)")])
    dagdef = '''
@dag(
    dag_id="$dag_id",
    schedule="$sched",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"owner": "$team", "retries": 2, "retry_delay": timedelta(minutes=10)},
    tags=["$team", "snowflake"],
)
def $dagfn():
''' + "".join("    " + w + "\n" for w in wiring) + '''

$dagfn()
'''
    core = [P("logging", rank=0, imp="import logging"),
            P("consts", rank=0, imp=imp, const="\n".join(x for x in consts if x)),
            P("conn", rank=1, imp=imp, body=conn_body),
            P("extract", rank=2, imp=imp, body=_AF_TASKS[extract][0]),
            P("load", rank=2, imp=imp, body=_AF_TASKS["load"][0])]
    core += [P(k, rank=3, imp=imp, body=_AF_TASKS[k][0]) for k in optional]
    core.append(P("dag", rank=5, imp=imp, body=dagdef))
    return core, []


@fam("mod29-airflow-snowflake-literal-password", "CWE-798", fws=["pipeline"], n=8, wrap=False)
def mod29_airflow_secret(c):
    kw = _af_kw(c)
    how = c.pick(*_AF_CONN)
    core, pool = _af_module(c, how, kw)
    _b, vfix, sfixes = _AF_CONN[how]
    v, s = _pair(c, c.pick(*_AF_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, vfix, c.pick(*sfixes),
                 lo=60)
    return Spec(v=v, s=s, full=True, fw="airflow",
                notes="an Airflow DAG module reads its other settings (the API token or the source database, and the "
                      "alert webhook where there is one) from Airflow connections and variables, but its Snowflake "
                      "helper connects with a password literal: the loader's password is in the DAG file, so everyone "
                      "who can read the DAG folder or the repository (and the DAG source view of the Airflow UI) has "
                      "it, and rotating it means a code change; the fix reads it from the Airflow connection / a "
                      "variable / the environment")


@hardneg(6)
def mod29_airflow_secret_hn(c):
    kw = _af_kw(c)
    how = c.pick(*_AF_CONN)
    core, pool = _af_module(c, how, kw)
    code = _safe(c, c.pick(*_AF_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                 c.pick(*_AF_CONN[how][2]), lo=60)
    return Spec(s=code, full=True, fw="airflow",
                notes="Airflow TaskFlow DAG whose credentials all come from Airflow connections, variables or the "
                      "environment (password=conn.password, Bearer {api.password}); bound SQL parameters for the "
                      "source query, the batch insert and the count check")


# ---------------- CWE-295: Home-Assistant-style custom integration, cloud session without certificate checks -----------

_HA_DOCS = [
    "The $Vendor integration: a small client of the $Vendor cloud API and the coordinator that polls it.\n"
    "Credentials come from the config entry; entities read the coordinator's data.",
    "$Vendor cloud ($domain): login, device polling and commands for the sensor and switch platforms.",
    "Custom integration for $Vendor $things. One config entry per cloud account; the device list is\n"
    "polled every $scan seconds.",
]


def _ha_kw(c):
    vendor = c.pick("Voltwise", "Heatly", "Brightnest", "Aquanode", "Lumora", "Thermiq")
    return dict(Vendor=vendor, domain=vendor.lower(), vendorhost=c.pick(vendor.lower() + ".com", vendor.lower() + "-cloud.io",
                                                                       "cloud." + vendor.lower() + ".eu"),
                things=c.pick("smart plugs", "thermostats", "heat pumps", "water sensors", "light hubs"),
                scan=c.pick(30, 60, 120), tmo=c.pick(10, 15, 20))


_HA_WEAK = {
    "session": ("session = $FIX", "async_get_clientsession(hass, verify_ssl=False)  #@V",
                ["async_get_clientsession(hass)", "async_get_clientsession(hass, verify_ssl=True)"]),
    "create": ("session = $FIX", "async_create_clientsession(hass, verify_ssl=False)  #@V",
               ["async_create_clientsession(hass)", "async_create_clientsession(hass, verify_ssl=True)"]),
    "login": ("session = async_get_clientsession(hass)", "ssl=False,  #@V", ["ssl=True,"]),
}

_HA_METHODS = {
    "devices": '''
    async def devices(self) -> list[dict[str, Any]]:
        """Devices of the account with their current state."""
        return (await self._request("GET", "/devices", params={"include": "state"}))["devices"]
''',
    "power": '''
    async def set_power(self, device_id: str, on: bool) -> None:
        await self._request("POST", f"/devices/{quote(device_id, safe='')}/power", json={"on": on})
''',
    "target": '''
    async def set_target(self, device_id: str, celsius: float) -> None:
        """Target temperature, clamped to what the devices accept."""
        value = min(max(round(celsius * 2) / 2, 5.0), 30.0)
        await self._request("PUT", f"/devices/{quote(device_id, safe='')}/target", json={"celsius": value})
''',
    "energy": '''
    async def energy_today(self, device_id: str) -> float:
        data = await self._request("GET", f"/devices/{quote(device_id, safe='')}/energy", params={"period": "day"})
        return float(data.get("kwh", 0.0))
''',
}


def _ha_parts(c, how):
    setup_line, _v, _s = _HA_WEAK[how]
    login_ssl = "\n            $FIX" if how == "login" else ""
    extra = c.rng.sample(["power", "target", "energy"], c.pick(0, 1, 1, 2))
    api = '''
class $VendorApi:
    """Async client of the $Vendor cloud: password login, bearer token, device calls."""

    def __init__(self, session: aiohttp.ClientSession, username: str, password: str) -> None:
        self._session = session
        self._username = username
        self._password = password
        self._token: str | None = None

    async def _login(self) -> None:
        async with self._session.post(
            f"{API_BASE}/auth/login",
            json={"email": self._username, "password": self._password},
            timeout=REQUEST_TIMEOUT,''' + login_ssl + '''
        ) as resp:
            if resp.status in (401, 403):
                raise $VendorAuthError("login rejected")
            resp.raise_for_status()
            self._token = (await resp.json())["access_token"]

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._token is None:
            await self._login()
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self._token}"}
            async with self._session.request(
                method, f"{API_BASE}{path}", headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
            ) as resp:
                if resp.status == 401 and attempt == 0:
                    await self._login()
                    continue
                resp.raise_for_status()
                return await resp.json()
        raise $VendorAuthError("token refused after a new login")
''' + "".join(_HA_METHODS[k] for k in ["devices"] + extra)
    ha = ("import asyncio\nfrom datetime import timedelta\nfrom typing import Any\nfrom urllib.parse import quote\nimport aiohttp\n"
          "from homeassistant.config_entries import ConfigEntry\n"
          "from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform\n"
          "from homeassistant.core import HomeAssistant\nfrom homeassistant.exceptions import ConfigEntryAuthFailed\n"
          "from homeassistant.helpers.aiohttp_client import async_create_clientsession, async_get_clientsession\n"
          "from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed")
    platforms = c.pick("[Platform.SENSOR, Platform.SWITCH]", "[Platform.SENSOR]", "[Platform.CLIMATE, Platform.SENSOR]")
    core = [
        P("future", rank=0, imp="from __future__ import annotations"),
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp=ha, const='DOMAIN = "$domain"\nAPI_BASE = "https://api.$vendorhost/v1"\n'
                                         f"PLATFORMS = {platforms}\nSCAN_INTERVAL = timedelta(seconds=$scan)\n"
                                         "REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=$tmo)"),
        P("errors", rank=1, body='''
class $VendorAuthError(Exception):
    """The cloud rejected the account's credentials or token."""
'''),
        P("api", rank=2, imp=ha, body=api),
        P("coord", rank=3, imp=ha, body='''
class $VendorCoordinator(DataUpdateCoordinator[dict[str, dict[str, Any]]]):
    """Polls the device list; entities read ``coordinator.data[device_id]``."""

    def __init__(self, hass: HomeAssistant, api: $VendorApi) -> None:
        super().__init__(hass, _LOGGER, name=DOMAIN, update_interval=SCAN_INTERVAL)
        self.api = api

    async def _async_update_data(self) -> dict[str, dict[str, Any]]:
        try:
            devices = await self.api.devices()
        except $VendorAuthError as err:
            raise ConfigEntryAuthFailed from err
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            raise UpdateFailed(f"cannot reach the $Vendor cloud: {err}") from err
        return {device["id"]: device for device in devices}
'''),
        P("setup", rank=4, imp=ha, body='''
async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Log in, fetch the first device list and forward the entry to the platforms."""
    ''' + setup_line + '''
    api = $VendorApi(session, entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD])
    coordinator = $VendorCoordinator(hass, api)
    await coordinator.async_config_entry_first_refresh()
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True
'''),
    ]
    pool = [
        P("unload", rank=5, imp=ha, body='''
async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        hass.data[DOMAIN].pop(entry.entry_id)
    return unloaded
'''),
        P("diag", rank=5, imp=ha + "\nfrom homeassistant.components.diagnostics import async_redact_data",
          const='TO_REDACT = {CONF_PASSWORD, CONF_USERNAME, "access_token", "serial", "mac"}', body='''
async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    """Diagnostics download: entry and device data with credentials and identifiers redacted."""
    coordinator: $VendorCoordinator = hass.data[DOMAIN][entry.entry_id]
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "devices": async_redact_data(coordinator.data, TO_REDACT),
    }
'''),
    ]
    return core, pool


@fam("mod29-ha-integration-cloud-verify-ssl-off", "CWE-295", fws=["pipeline"], n=8, wrap=False)
def mod29_ha_tls(c):
    kw = _ha_kw(c)
    how = c.pick("session", "session", "create", "login")
    core, pool = _ha_parts(c, how)
    _l, vfix, sfixes = _HA_WEAK[how]
    v, s = _pair(c, c.pick(*_HA_DOCS), "_LOGGER = logging.getLogger(__name__)", core, pool, kw, vfix, c.pick(*sfixes),
                 lo=82, hi=110)
    where = {"login": "its login request passes ssl=False",
             "session": "the shared aiohttp session is requested with verify_ssl=False",
             "create": "its own aiohttp session is created with verify_ssl=False"}[how]
    return Spec(v=v, s=s, full=True, fw="homeassistant",
                notes=f"a Home Assistant custom integration for a vendor cloud with a public certificate, but {where}: "
                      "anyone on the path (the home network, a hostile Wi-Fi, a DNS spoof) can pose as the cloud and "
                      "receive the account's e-mail and password and the bearer token, and feed false device states; "
                      "the fix keeps certificate verification on")


@hardneg(7)
def mod29_ha_tls_hn(c):
    kw = _ha_kw(c)
    how = c.pick("session", "create", "login")
    core, pool = _ha_parts(c, how)
    code = _safe(c, c.pick(*_HA_DOCS), "_LOGGER = logging.getLogger(__name__)", core, pool, kw,
                 c.pick(*_HA_WEAK[how][2]), lo=82, hi=110)
    return Spec(s=code, full=True, fw="homeassistant",
                notes="Home Assistant custom integration using the verifying shared aiohttp session (or ssl=True), "
                      "timeouts, a re-login on 401, URL-quoted device ids and redacted diagnostics")


# ---------------- CWE-502: python-telegram-bot, /import restores a user's settings file with pickle.loads ------------

_TG_DOCS = [
    "$Bot: a Telegram bot that sends each user a daily $topic digest. Settings are per user (SQLite);\n"
    "/export sends them back as a file and a file captioned /import restores them.",
    "Telegram bot ($Bot) for $topic reminders: commands, per-user settings, export and import of the settings.",
    "$Bot bot handlers (python-telegram-bot 20): /start, settings commands and the settings backup file.",
]


def _tg_kw(c):
    return dict(Bot=c.pick("DigestBuddy", "RemindMe", "Briefly", "MorningPing", "Newsnook", "Tickler"),
                topic=c.pick("news", "weather", "market", "study", "habit"), log=c.pick("log", "logger"),
                maxb=c.pick(16, 32, 64), dbfile=c.pick("bot.sqlite3", "users.db", "settings.db"),
                TOKENV=c.pick("TELEGRAM_TOKEN", "BOT_TOKEN", "TG_BOT_TOKEN"))


_TG_CMDS = {
    "tz": ('''
async def set_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone Europe/Berlin"""
    name = " ".join(context.args).strip()
    if name not in available_timezones():
        await update.message.reply_text("Unknown time zone; try e.g. Europe/Berlin.")
        return
    settings = load_settings(update.effective_user.id)
    settings.timezone = name
    save_settings(update.effective_user.id, settings)
    await update.message.reply_text(f"Time zone set to {name}.")
''', 'CommandHandler("timezone", set_timezone)'),
    "time": ('''
async def set_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/time 07:30 -- when the digest is sent (user's time zone)."""
    value = context.args[0] if context.args else ""
    if not TIME_RE.fullmatch(value):
        await update.message.reply_text("Send the time as HH:MM, e.g. /time 07:30.")
        return
    settings = load_settings(update.effective_user.id)
    settings.send_at = value
    save_settings(update.effective_user.id, settings)
    await update.message.reply_text(f"Your digest comes at {value}.")
''', 'CommandHandler("time", set_time)'),
    "show": ('''
async def show_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    s = load_settings(update.effective_user.id)
    await update.message.reply_text(f"Time zone: {s.timezone}\\nDigest at: {s.send_at}\\nLanguage: {s.language}")
''', 'CommandHandler("settings", show_settings)'),
}


def _tg_parts(c):
    extra = c.rng.sample(sorted(_TG_CMDS), c.pick(1, 1, 2))
    persist = c.pick(True, False)
    handlers = (['CommandHandler("start", start)'] + [_TG_CMDS[k][1] for k in extra]
                + ['CommandHandler("export", export_settings)',
                   'MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/import\\b"), import_settings)'])
    build = ('builder = Application.builder().token(os.environ["$TOKENV"])\n    app = '
             + ('builder.persistence(PicklePersistence(filepath=STATE_PATH)).build()' if persist else "builder.build()"))
    main = '''
def main() -> None:
    ''' + build + '''
''' + "".join(f"    app.add_handler({h})\n" for h in handlers) + '''    app.run_polling()


if __name__ == "__main__":
    main()
'''
    imp = ("import io\nimport json\nimport os\nimport pickle\nimport re\nimport sqlite3\nfrom contextlib import closing\n"
           "from dataclasses import asdict, dataclass, fields\nfrom zoneinfo import available_timezones\n"
           "from telegram import Update\n"
           "from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, PicklePersistence, filters")
    consts = ('DB_PATH = os.environ.get("BOT_DB", "$dbfile")\nMAX_IMPORT_BYTES = $maxb * 1024\n'
              'TIME_RE = re.compile(r"([01]\\d|2[0-3]):[0-5]\\d")'
              + ('\nSTATE_PATH = os.environ.get("BOT_STATE", "bot_state.pickle")' if persist else ""))
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp=imp, const=consts),
        P("model", rank=1, imp=imp, body='''
@dataclass
class UserSettings:
    timezone: str = "UTC"
    send_at: str = "08:00"
    language: str = "en"
'''),
        P("store", rank=2, imp=imp, body='''
def load_settings(user_id: int) -> UserSettings:
    with closing(sqlite3.connect(DB_PATH)) as db:
        row = db.execute("SELECT data FROM user_settings WHERE user_id = ?", (user_id,)).fetchone()
    return UserSettings(**json.loads(row[0])) if row else UserSettings()


def save_settings(user_id: int, settings: UserSettings) -> None:
    with closing(sqlite3.connect(DB_PATH)) as db, db:
        db.execute(
            "INSERT INTO user_settings (user_id, data) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
            (user_id, json.dumps(asdict(settings))),
        )
'''),
        P("start", rank=3, imp=imp, body='''
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    save_settings(update.effective_user.id, load_settings(update.effective_user.id))
    await update.message.reply_text("Hi! You will get a $topic digest every day; /export backs up your settings.")
'''),
        P("export", rank=3, imp=imp, body='''
async def export_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the user's settings as a file they can import again later (or on another account)."""
    data = $FIX
    await update.message.reply_document(document=io.BytesIO(data), filename="$FIX3")
'''),
        P("import", rank=3, imp=imp, body='''
async def import_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document sent with the caption /import replaces the user's settings."""
    doc = update.message.document
    if doc.file_size and doc.file_size > MAX_IMPORT_BYTES:
        await update.message.reply_text("That file is too large to be a settings file.")
        return
    raw = bytes(await (await doc.get_file()).download_as_bytearray())  #@S
    values = $FIX2
    known = {f.name for f in fields(UserSettings)}
    if not isinstance(values, dict) or not set(values) <= known:
        await update.message.reply_text("That is not a settings file from this bot.")
        return
    settings = UserSettings(**values)
    if settings.timezone not in available_timezones() or not TIME_RE.fullmatch(str(settings.send_at)):
        await update.message.reply_text("The file holds an invalid time zone or time.")
        return
    save_settings(update.effective_user.id, settings)
    $log.info("user %s imported settings", update.effective_user.id)
    await update.message.reply_text("Settings imported.")
'''),
        P("main", rank=5, imp=imp, body=main),
    ]
    core[4:4] = [P("c_" + k, rank=3, imp=imp, body=_TG_CMDS[k][0]) for k in extra]
    return core, []


_TG_V = [("pickle.dumps(asdict(load_settings(update.effective_user.id)))", "pickle.loads(raw)  #@V", "settings.pickle"),
         ("pickle.dumps(asdict(load_settings(update.effective_user.id)), protocol=pickle.HIGHEST_PROTOCOL)",
          "pickle.load(io.BytesIO(raw))  #@V", "settings.pkl")]
_TG_S = [("json.dumps(asdict(load_settings(update.effective_user.id))).encode()", "json.loads(raw)", "settings.json"),
         ("json.dumps(asdict(load_settings(update.effective_user.id)), indent=2).encode()",
          'json.loads(raw.decode("utf-8"))', "settings.json")]


@fam("mod29-telegram-bot-settings-pickle-import", "CWE-502", fws=["pipeline"], n=8, wrap=False)
def mod29_telegram_pickle(c):
    kw = _tg_kw(c)
    core, pool = _tg_parts(c)
    sfix = c.pick(*_TG_S)
    v, s = _pair(c, c.pick(*_TG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw,
                 c.pick(*_TG_V), sfix, lo=80, hi=112)
    return Spec(v=v, s=s, full=True, fw="telegram",
                notes="a python-telegram-bot bot restores a user's settings from a document captioned /import with "
                      "pickle.loads: anyone who can message the bot uploads a crafted pickle and runs code on the bot "
                      "host (the checks after loading come too late: unpickling itself runs the payload); the fix "
                      "writes the export as JSON and reads the import with json.loads (PicklePersistence, where "
                      "present, only pickles the bot's own state file and is not the weakness)")


@hardneg(7)
def mod29_telegram_pickle_hn(c):
    kw = _tg_kw(c)
    core, pool = _tg_parts(c)
    code = _safe(c, c.pick(*_TG_DOCS), '$log = logging.getLogger(__name__)', core, pool, kw, c.pick(*_TG_S),
                 lo=80, hi=112)
    return Spec(s=code, full=True, fw="telegram",
                notes="python-telegram-bot bot whose settings export/import is JSON with key and value checks, "
                      "sqlite with bound parameters; PicklePersistence (when present) only stores the bot's own "
                      "state in a local file")
