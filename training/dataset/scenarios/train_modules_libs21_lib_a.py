"""Train-only whole-module families weighted towards hard negatives (libs21 library set A): modules shaped
like the mature internals of imaginary libraries: an e-mail library (header decoding, address parsing,
MIME assembly), a pluralization/i18n formatter, a Redis rate limiter that ships its own Lua token-bucket
script.

Each family has one weak module (exactly one weak statement among many safe ones) with its minimal fix
as twin, and a ``@hardneg(10)`` builder that assembles safe modules from the same pool of parts with
other draws, so the modules differ in the set of functions they hold, not only in names.

Covers: a decoded Subject header (RFC 2047 encoded-words can carry CR/LF) logged raw (117), a catalog's
plural rule compiled with ``eval`` (94), and a rate-limit policy cached in shared Redis and read back with
``pickle`` (502).
Written without reading the held-out or validation families; every family here goes to train.
"""

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"io", "pickle", "struct", "zlib", "mimetypes", "string", "gettext", "unicodedata",
                          "dataclasses", "email"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-117: e-mail library parser; the decoded Subject is logged raw ----------------


def _mail_kw(c):
    lib = c.pick("postbox", "mailwright", "envelope", "quill", "letterbox", "sortmail")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        clean=c.pick("_for_log", "_log_safe", "_printable"),
        Err=c.pick("MessageError", "MalformedMessage", "ParseError"),
        maxa=c.pick(50, 100, 200), maxb=c.pick("25 * 1024 * 1024", "10_000_000", "1 << 24"),
        dom=c.pick("mail.example.com", "example.org", "notify.example.net"),
    )


def _mail_parts(c):
    parse_shape = c.pick("bytes", "file")
    if parse_shape == "bytes":
        parse = '''
            def parse(raw: bytes) -> EmailMessage:
                """Parse an RFC 5322 message with the modern policy (headers come back decoded)."""
                if len(raw) > MAX_MESSAGE_BYTES:
                    raise $Err(f"message of {len(raw)} bytes exceeds the limit")
                msg = BytesParser(policy=policy.default).parsebytes(raw)
                subject = str(msg.get("Subject", ""))
                $FIX
                return msg
        '''
    else:
        parse = '''
            def parse(fp: BinaryIO) -> EmailMessage:
                """Parse a message from a binary file object; headers are decoded by the default policy."""
                raw = fp.read(MAX_MESSAGE_BYTES + 1)
                if len(raw) > MAX_MESSAGE_BYTES:
                    raise $Err("message exceeds the size limit")
                msg = BytesParser(policy=policy.default).parsebytes(raw)
                subject = str(msg.get("Subject", ""))
                $FIX
                return msg
        '''
    core = [
        P("logging", rank=0, imp="import logging"),
        P("limits", rank=0, const="MAX_MESSAGE_BYTES = $maxb\nMAX_RECIPIENTS = $maxa"),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """The message cannot be parsed or violates a configured limit."""
        '''),
        P("clean", rank=1, imp="import re", const='_CONTROL = re.compile(r"[\\x00-\\x1f\\x7f]")', body='''
            def $clean(value: str, limit: int = 200) -> str:
                """Header text for log lines: control characters escaped, length bounded."""
                value = _CONTROL.sub(lambda m: f"\\\\x{ord(m.group()):02x}", value)
                return value if len(value) <= limit else value[:limit] + "..."
        '''),
        P("parse", rank=2, needs=["err", "clean"],
          imp="from email import policy\nfrom email.message import EmailMessage\nfrom email.parser import BytesParser\nfrom typing import BinaryIO",
          body=parse),
    ]
    pool = [
        P("addrs", rank=3, needs=["err", "clean"], imp="from email.utils import getaddresses", body='''
            def recipients(msg: EmailMessage) -> list[str]:
                """Unique addresses from To/Cc/Bcc; entries without an @ are dropped."""
                fields = [str(v) for name in ("To", "Cc", "Bcc") for v in msg.get_all(name, [])]
                seen: list[str] = []
                for _name, addr in getaddresses(fields):
                    addr = addr.strip().lower()
                    if "@" not in addr or addr in seen:
                        continue
                    seen.append(addr)
                if len(seen) > MAX_RECIPIENTS:
                    raise $Err("too many recipients")
                $log.debug("%d recipients for %s", len(seen), $clean(str(msg.get("Message-ID", "-"))))
                return seen
        '''),
        P("build", rank=3, imp="from email.message import EmailMessage\nfrom email.utils import formataddr, formatdate, make_msgid",
          const='DEFAULT_DOMAIN = "$dom"', body='''
            def build(sender: tuple[str, str], to: list[str], subject: str, text: str) -> EmailMessage:
                """A text/plain message; the policy encodes non-ASCII headers as RFC 2047 words."""
                msg = EmailMessage()
                msg["From"] = formataddr(sender)
                msg["To"] = ", ".join(to)
                msg["Subject"] = subject
                msg["Date"] = formatdate(localtime=True)
                msg["Message-ID"] = make_msgid(domain=DEFAULT_DOMAIN)
                msg.set_content(text)
                return msg
        '''),
        P("attach", rank=4, imp="import mimetypes\nfrom email.message import EmailMessage",
          const='ALLOWED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/csv"})', body='''
            def attach(msg: EmailMessage, filename: str, data: bytes) -> None:
                """Attach ``data``; the MIME type comes from an allow-list, never from the caller."""
                ctype, _encoding = mimetypes.guess_type(filename)
                if ctype not in ALLOWED_TYPES:
                    ctype = "application/octet-stream"
                maintype, subtype = ctype.split("/", 1)
                msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        '''),
        P("summary", rank=4, needs=["clean"], imp="from email.message import EmailMessage", body='''
            def summarize(msg: EmailMessage) -> dict[str, object]:
                """Structured view for the caller; log lines use the escaped form."""
                parts = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
                $log.info("message %s has %d parts", $clean(str(msg.get("Message-ID", "-"))), len(parts))
                return {"subject": str(msg.get("Subject", "")), "parts": parts,
                        "attachments": sum(1 for _ in msg.iter_attachments())}
        '''),
        P("reply", rank=4, imp="from email.message import EmailMessage", body='''
            def reply_subject(msg: EmailMessage) -> str:
                """``Re:`` prefixed once, whatever the original prefix case."""
                subject = str(msg.get("Subject", "")).strip()
                return subject if subject.lower().startswith("re:") else f"Re: {subject}"
        '''),
    ]
    return core, pool


_MAIL_WEAK = [
    '$log.info("parsed message with subject %s", subject)  #@V',
    '$log.info(f"parsed message: subject={subject}")  #@V',
    '$log.debug("subject: " + subject)  #@V',
]
_MAIL_SAFE = [
    '$log.info("parsed message with subject %s", $clean(subject))',
    '$log.info(f"parsed message: subject={$clean(subject)}")',
    '$log.debug("subject: " + $clean(subject))',
]
_MAIL_DOCS = ["$lib.message: parsing, address extraction and MIME assembly for the $lib mail library.",
              "Message parsing and building for $lib (stdlib email with the modern policy).",
              "Core message helpers of $lib: bounded parsing, recipient lists, attachments."]


@fam("mod21-mail-parser-decoded-subject-logged-raw", "CWE-117", fws=["script"], n=8, wrap=False)
def mod21_mail_parser(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    i = c.rng.randrange(len(_MAIL_WEAK))
    v, s = pair(c, c.pick(*_MAIL_DOCS), '$log = logging.getLogger("$lib.message")', core, pool, kw,
                fill(_MAIL_WEAK[i], **kw), fill(_MAIL_SAFE[i], **kw), lo=76, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the module escapes header text before logging it everywhere except in parse(): the Subject "
                      "decoded by the default policy (RFC 2047 encoded-words can carry CR/LF) is logged raw, so a "
                      "sender forges log lines; the fix passes it through the module's escaping helper")


@hardneg(10)
def mod21_mail_parser_hn(c):
    kw = _mail_kw(c)
    core, pool = _mail_parts(c)
    i = c.rng.randrange(len(_MAIL_SAFE))
    code = compose(c, c.pick(*_MAIL_DOCS), '$log = logging.getLogger("$lib.message")', core, pool, kw,
                   lo=76, hi=106, subs=[{"$FIX": fill(_MAIL_SAFE[i], **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="e-mail helpers that log header text only through an escaping helper; addresses via "
                      "getaddresses, MIME types from an allow-list, size limits before parsing")


# ---------------- CWE-94: i18n formatter; a catalog's plural rule compiled with eval ----------------


def _i18n_kw(c):
    lib = c.pick("plurale", "lingua", "babelfish", "tongues", "glossa", "polyglot")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Cat=c.pick("Catalog", "MessageCatalog", "Translations"),
        Err=c.pick("CatalogError", "BadCatalog", "LocaleError"),
        rule_fn=c.pick("compile_plural", "plural_function", "load_plural_rule"),
        default=c.pick("en", "en_US", "de"),
    )


def _i18n_parts(c):
    cat_shape = c.pick("class", "dict")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("err", rank=1, body='''
            class $Err(ValueError):
                """A catalog file is malformed or asks for something the formatter does not support."""
        '''),
        P("rules", rank=1, imp="from collections.abc import Callable", const='''
            _KNOWN_RULES: dict[str, Callable[[int], int]] = {
                "0": lambda n: 0,
                "n != 1": lambda n: int(n != 1),
                "n > 1": lambda n: int(n > 1),
                "0 if n == 1 else 1 if n == 2 else 2": lambda n: 0 if n == 1 else 1 if n == 2 else 2,
                "0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2":
                    lambda n: 0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2,
            }
        '''),
        P("compile", rank=2, needs=["err", "rules"], imp="from collections.abc import Callable", body='''
            def $rule_fn(expr: str) -> Callable[[int], int]:
                """Turn the catalog's ``plural`` expression (in ``n``) into a function of the count."""
                expr = " ".join(expr.split())
                $FIX
        '''),
    ]
    if cat_shape == "class":
        cat = '''
            class $Cat:
                """Messages of one locale, as loaded from a JSON catalog bundle."""

                def __init__(self, locale: str, messages: dict[str, object], plural: str = "n != 1") -> None:
                    self.locale = locale
                    self.messages = messages
                    self.plural = $rule_fn(plural)

                def gettext(self, msgid: str) -> str:
                    value = self.messages.get(msgid, msgid)
                    return value if isinstance(value, str) else msgid

                def ngettext(self, singular: str, plural: str, n: int) -> str:
                    forms = self.messages.get(singular)
                    if not isinstance(forms, list) or not forms:
                        return singular if n == 1 else plural
                    index = self.plural(n)
                    return forms[min(index, len(forms) - 1)]
        '''
    else:
        cat = '''
            def ngettext(catalog: dict, singular: str, plural: str, n: int) -> str:
                """Plural-aware lookup in a loaded catalog dict (``messages`` and ``plural_fn``)."""
                forms = catalog["messages"].get(singular)
                if not isinstance(forms, list) or not forms:
                    return singular if n == 1 else plural
                return forms[min(catalog["plural_fn"](n), len(forms) - 1)]
        '''
    load_cat = ("$Cat(tag, data.get(\"messages\", {}), data.get(\"plural\", \"n != 1\"))" if cat_shape == "class" else
                "{\"locale\": tag, \"messages\": data.get(\"messages\", {}), \"plural_fn\": $rule_fn(data.get(\"plural\", \"n != 1\"))}")
    core.append(P("cat", rank=3, needs=["compile"], body=cat))
    pool = [
        P("load", rank=4, needs=["cat", "tag"], imp="import json\nfrom pathlib import Path", body='''
            def load(directory: Path, locale: str):
                """Read ``<directory>/<tag>.json``; the tag is validated before it names a file."""
                tag = normalize_tag(locale)
                path = directory / f"{tag}.json"
                with path.open(encoding="utf-8") as fh:
                    data = json.load(fh)
                if not isinstance(data, dict):
                    raise $Err(f"{path.name}: top level must be an object")
                $log.debug("loaded %d messages for %s", len(data.get("messages", {})), tag)
                return ''' + load_cat + '''
        '''),
        P("tag", rank=3, needs=["err"], imp="import re", const='_TAG_RE = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")', body='''
            def normalize_tag(locale: str) -> str:
                """``pt-br`` -> ``pt_BR``; anything that is not a plain language tag is refused."""
                lang, _, region = locale.replace("-", "_").partition("_")
                tag = f"{lang.lower()}_{region.upper()}" if region else lang.lower()
                if not _TAG_RE.fullmatch(tag):
                    raise $Err(f"unsupported locale {locale!r}")
                return tag
        '''),
        P("fallback", rank=4, needs=["tag"], const='DEFAULT_LOCALE = "$default"', body='''
            def fallback_chain(locale: str) -> list[str]:
                """``de_AT`` -> ``["de_AT", "de", DEFAULT_LOCALE]`` without duplicates."""
                tag = normalize_tag(locale)
                chain = [tag, tag.split("_")[0], DEFAULT_LOCALE]
                return list(dict.fromkeys(chain))
        '''),
        P("interp", rank=4, imp="import string", body='''
            def interpolate(message: str, **values: object) -> str:
                """Dollar placeholders (string.Template syntax); unknown names are left as they are."""
                return string.Template(message).safe_substitute({k: str(v) for k, v in values.items()})
        '''),
        P("number", rank=4, const='_SEPARATORS = {"en": (",", "."), "de": (".", ","), "fr": ("\\u202f", ","), "pt": (".", ",")}',
          body='''
            def format_number(value: float, locale: str, digits: int = 0) -> str:
                """Grouping and decimal separators per language, no locale module (thread-safe)."""
                group, decimal = _SEPARATORS.get(locale.split("_")[0], (",", "."))
                text = f"{value:,.{digits}f}"
                return text.replace(",", "\\0").replace(".", decimal).replace("\\0", group)
        '''),
    ]
    return core, pool


_PLURAL_WEAK = [
    'return eval(f"lambda n: int({expr})", {"__builtins__": {"int": int}})  #@V',
    'code = "lambda n: int(" + expr + ")"\n    return eval(code)  #@V',
    'rule = eval("lambda n: " + expr, {})  #@V\n    return lambda n: int(rule(n))',
]
_PLURAL_SAFE = 'try:\n        return _KNOWN_RULES[expr]\n    except KeyError:\n        raise $Err(f"unsupported plural rule {expr!r}") from None'
_I18N_DOCS = ["$lib.catalog: JSON message catalogs, plural forms and fallback locales.",
              "Message catalogs for the $lib i18n formatter (plural rules, interpolation, number formatting).",
              "Catalog loading and plural selection in $lib."]


@fam("mod21-i18n-catalog-plural-rule-eval", "CWE-94", fws=["script"], n=8, wrap=False)
def mod21_i18n_plural(c):
    kw = _i18n_kw(c)
    core, pool = _i18n_parts(c)
    i = c.rng.randrange(len(_PLURAL_WEAK))
    v, s = pair(c, c.pick(*_I18N_DOCS), '$log = logging.getLogger("$lib.catalog")', core, pool, kw,
                fill(_PLURAL_WEAK[i], **kw), fill(_PLURAL_SAFE, **kw), lo=76, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="catalog bundles come from translators, yet the plural expression they carry is compiled "
                      "with eval (an empty __builtins__ does not stop attribute-walk escapes): loading a catalog runs "
                      "its code; the fix maps the normalized expression onto the module's table of known rules")


@hardneg(10)
def mod21_i18n_plural_hn(c):
    kw = _i18n_kw(c)
    core, pool = _i18n_parts(c)
    code = compose(c, c.pick(*_I18N_DOCS), '$log = logging.getLogger("$lib.catalog")', core, pool, kw,
                   lo=76, hi=106, subs=[{"$FIX": fill(_PLURAL_SAFE, **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="plural rules looked up in a table of lambdas, string.Template.safe_substitute for "
                      "placeholders, locale tags validated by regex before they name a file")


# ---------------- CWE-502: Redis rate limiter; a cached policy read back with pickle ----------------


def _rl_kw(c):
    lib = c.pick("throttle", "spigot", "floodgate", "tapwater", "valve", "turnstile")
    return dict(
        lib=lib, log=c.pick("log", "logger"),
        Lim=c.pick("RateLimiter", "TokenBucketLimiter", "Limiter"),
        Pol=c.pick("Policy", "LimitPolicy", "BucketPolicy"),
        pfx=c.pick(lib, "rl", lib + ":v2"),
        ttl=c.pick(60, 300, 900),
        rate=c.pick("10.0", "5.0", "50.0"), cap=c.pick(20, 100, 200),
    )


def _rl_parts(c):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("lua", rank=0, const='''
            _TOKEN_BUCKET = """
            local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
            local stamp = tonumber(redis.call('HGET', KEYS[1], 'ts') or ARGV[3])
            local rate, capacity, now, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate)
            local allowed = tokens >= cost
            if allowed then tokens = tokens - cost end
            redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
            redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
            return {allowed and 1 or 0, tostring(tokens)}
            """
        '''),
        P("pol", rank=1, imp="from dataclasses import asdict, dataclass", body='''
            @dataclass(frozen=True)
            class $Pol:
                """Refill ``rate`` tokens per second up to ``capacity``; one request costs ``cost``."""

                rate: float = $rate
                capacity: int = $cap
                cost: int = 1
        '''),
        P("lim", rank=2, needs=["pol", "lua"], imp="import json\nimport pickle\nimport time\nimport redis",
          const="POLICY_TTL = $ttl", body='''
            class $Lim:
                """Token buckets kept in Redis; the refill and spend happen atomically in one Lua call."""

                def __init__(self, client: redis.Redis, default: $Pol = $Pol()) -> None:
                    self.redis = client
                    self.default = default
                    self._bucket = client.register_script(_TOKEN_BUCKET)

                def policy_for(self, tenant: str) -> $Pol:
                    """The tenant's policy, cached in Redis (shared with the other app servers)."""
                    raw = self.redis.get(f"$pfx:policy:{tenant}")
                    if raw is None:
                        return self.default
                    $FIX
                    return $Pol(**fields)

                def set_policy(self, tenant: str, policy: $Pol) -> None:
                    $FIX2
                    self.redis.set(f"$pfx:policy:{tenant}", payload, ex=POLICY_TTL)

                def hit(self, tenant: str, key: str) -> bool:
                    policy = self.policy_for(tenant)
                    allowed, left = self._bucket(keys=[f"$pfx:bucket:{tenant}:{key}"],
                                                 args=[policy.rate, policy.capacity, time.time(), policy.cost])
                    if not allowed:
                        $log.info("rate limited tenant=%s tokens=%s", tenant, left)
                    return bool(allowed)
        '''),
    ]
    pool = [
        P("retry_after", rank=3, needs=["pol"], imp="import math", body='''
            def retry_after(policy: $Pol, tokens_left: float) -> int:
                """Seconds until one request's worth of tokens is back (for the Retry-After header)."""
                missing = max(0.0, policy.cost - tokens_left)
                return max(1, math.ceil(missing / policy.rate))
        '''),
        P("keyfn", rank=3, imp="import hashlib", body='''
            def bucket_key(*parts: str) -> str:
                """Short, fixed-length key for arbitrary identifiers (API keys, IPs, routes)."""
                digest = hashlib.sha1("\\x1f".join(parts).encode("utf-8")).hexdigest()
                return digest[:20]
        '''),
        P("jitter", rank=3, imp="import random", body='''
            def cooldown(base: float) -> float:
                """Client-side wait with jitter so throttled callers do not retry in lockstep."""
                return base * random.uniform(1.0, 1.5)
        '''),
        P("headers", rank=3, needs=["pol"], body='''
            def limit_headers(policy: $Pol, remaining: float) -> dict[str, str]:
                """The draft RateLimit headers for a response."""
                return {"RateLimit-Limit": str(policy.capacity),
                        "RateLimit-Remaining": str(max(0, int(remaining)))}
        '''),
        P("frompol", rank=3, needs=["pol"], imp="import json", body='''
            def policy_from_config(text: str) -> $Pol:
                """Parse a policy from the JSON settings file, rejecting non-positive values."""
                fields = json.loads(text)
                policy = $Pol(rate=float(fields["rate"]), capacity=int(fields["capacity"]), cost=int(fields.get("cost", 1)))
                if policy.rate <= 0 or policy.capacity <= 0 or policy.cost <= 0:
                    raise ValueError("rate, capacity and cost must be positive")
                return policy
        '''),
    ]
    return core, pool


_RL_WEAK = ("fields = pickle.loads(raw)  #@V", "payload = pickle.dumps(asdict(policy))")
_RL_SAFE = ("fields = json.loads(raw)", "payload = json.dumps(asdict(policy))")
_RL_DOCS = ["$lib.redis: token-bucket rate limiting backed by Redis and a bundled Lua script.",
            "Distributed rate limiter for $lib (atomic Lua refill, per-tenant policies cached in Redis).",
            "Redis backend of $lib: buckets, per-tenant policies, retry hints."]


@fam("mod21-ratelimit-redis-policy-cache-pickle", "CWE-502", fws=["script"], n=8, wrap=False)
def mod21_ratelimit(c):
    kw = _rl_kw(c)
    core, pool = _rl_parts(c)
    v, s = pair(c, c.pick(*_RL_DOCS), '$log = logging.getLogger("$lib.redis")', core, pool, kw,
                tuple(fill(x, **kw) for x in _RL_WEAK), tuple(fill(x, **kw) for x in _RL_SAFE), lo=76, hi=106)
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="per-tenant policies are cached in a Redis shared by every app server and read back with "
                      "pickle.loads: anyone who can write that key (another service, a compromised host) runs code "
                      "in each process that checks a limit; the fix stores and reads the dataclass fields as JSON")


@hardneg(10)
def mod21_ratelimit_hn(c):
    kw = _rl_kw(c)
    core, pool = _rl_parts(c)
    code = compose(c, c.pick(*_RL_DOCS), '$log = logging.getLogger("$lib.redis")', core, pool, kw, lo=76, hi=106,
                   subs=[{"$FIX2": fill(_RL_SAFE[1], **kw), "$FIX": fill(_RL_SAFE[0], **kw)}])[0]
    return Spec(s=code, full=True, fw="sdk",
                notes="Redis token buckets via register_script (no eval of caller text), policies cached as JSON, "
                      "sha1 only to shorten keys, random only for client-side jitter")
