"""Train-only whole-module families whose main value is hard negatives: ordinary web application
and library modules in which security-looking APIs are used *correctly* (md5 ETags and cache keys,
jittered backoff with ``random``, API clients with a fixed base URL, escaping template helpers,
settings read from the environment, generic error responses with an error id).

Each family has one weak module (a single weak statement among many safe ones) with its minimal
fix as twin, and a ``@hardneg(10)`` builder that assembles safe modules from a pool of parts: the
framework frame, endpoints and helpers are drawn per example, so the modules differ in the set of
functions they hold, not only in names. Written without reading the held-out families; every
family here goes to train (generate.assign_splits).
"""
import ast
import functools

from core import Spec, dedent
from registry import fam, hardneg

_STDLIB = {"argparse", "asyncio", "base64", "collections", "contextlib", "contextvars", "dataclasses", "datetime",
           "decimal", "email", "enum", "functools", "getpass", "hashlib", "hmac", "html", "http", "ipaddress", "itertools",
           "json", "logging", "math", "os", "pathlib", "random", "re", "secrets", "smtplib", "socket", "string",
           "sys", "textwrap", "threading", "time", "traceback", "typing", "urllib", "uuid", "xml"}


def fill(text, **kw):
    """Dedent ``text`` and substitute ``$name`` tokens, longest names first."""
    text = dedent(text)
    for k in sorted(kw, key=len, reverse=True):
        text = text.replace("$" + k, str(kw[k]))
    return text


def fill_each(t, **kw):
    """`fill` a text, or each text of a tuple of them."""
    return tuple(fill(x, **kw) for x in t) if isinstance(t, tuple) else fill(t, **kw)


def fixsubs(fix):
    """`$FIX`, `$FIX2`, ... substitutions for one fix text or a tuple of them (higher numbers first, so
    `$FIX` does not eat the prefix of `$FIX2`)."""
    fix = (fix,) if isinstance(fix, str) else tuple(fix)
    names = ["$FIX"] + [f"$FIX{i}" for i in range(2, len(fix) + 1)]
    return dict(zip(names[::-1], fix[::-1]))


class P:
    """One part of a module: a top-level block plus the imports, constants, setup lines and
    tail it needs. ``needs`` names other parts of the pool that must come with it."""

    def __init__(self, key, body="", imp="", const="", setup="", tail="", rank=2, needs=()):
        self.key, self.body, self.imp, self.const = key, body, imp, const
        self.setup, self.tail, self.rank, self.needs = setup, tail, rank, tuple(needs)


def _lines(s):
    return [l for l in dedent(s).split("\n") if l.strip()] if s and s.strip() else []


def _imports(lines, stdlib=_STDLIB):
    future, std, third, local = [], [], [], []
    frm: dict = {}
    order: list = []
    for l in lines:
        l = l.strip()
        if l.startswith("from "):
            mod, names = l[5:].split(" import ", 1)
            if mod not in frm:
                frm[mod] = []
                order.append(mod)
            for n in names.split(","):
                n = n.strip()
                if n and n not in frm[mod]:
                    frm[mod].append(n)
        elif l not in order:
            order.append(l)
    for item in order:
        if item.startswith("import "):
            mod = item.split()[1].split(".")[0]
            (std if mod in stdlib else third).append((0, item))
            continue
        line = f"from {item} import {', '.join(sorted(frm[item], key=lambda n: (n[0].islower(), n)))}"
        if item == "__future__":
            future.append(line)
        elif item.startswith("."):
            local.append((1, line))
        else:
            (std if item.split(".")[0] in stdlib else third).append((1, line))
    groups = [future] + [[l for _, l in sorted(g, key=lambda t: (t[0], t[1].split()[1]))] for g in (std, third, local)]
    return "\n\n".join("\n".join(g) for g in groups if g)


def _dedupe(seq):
    out = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out


def _used_names(code):
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _prune(imps, rest):
    """Drop imported names the module body never uses (the parts drawn decide what is used)."""
    used = _used_names(rest)
    if used is None:
        return imps
    out = []
    for l in imps:
        if l.startswith("from __future__"):
            out.append(l)
        elif l.startswith("from "):
            mod, names = l[5:].split(" import ", 1)
            keep = [n.strip() for n in names.split(",") if n.strip().split(" as ")[-1] in used]
            if keep:
                out.append(f"from {mod} import {', '.join(keep)}")
        else:
            name = l.split()[-1] if " as " in l else l.split()[1].split(".")[0]
            if name in used:
                out.append(l)
    return out


def render_parts(doc, logline, parts, kw, subs=None, stdlib=_STDLIB):
    """The module text of ``parts``; ``subs`` replaces tokens such as ``$FIX`` before unused
    imports are dropped, so each version of a pair imports exactly what it uses. ``stdlib`` names
    the modules grouped as standard library (modules that import more of it pass a larger set)."""
    parts = sorted(parts, key=lambda p: p.rank)
    imps, consts, setups, blocks, tails = [], [], [], [], []
    for p in parts:
        imps += _lines(fill(p.imp, **kw))
        consts += _lines(p.const)
        setups += _lines(p.setup)
        if p.body.strip():
            blocks.append(dedent(p.body).strip("\n"))
        if p.tail.strip():
            tails.append(dedent(p.tail).strip("\n"))
    rest = logline
    if consts:
        rest += "\n\n" + "\n".join(_dedupe(consts))
    if setups:
        rest += "\n\n" + "\n".join(_dedupe(setups))
    rest = fill("\n\n\n".join([rest] + blocks + tails) + "\n", **kw)
    for k, v in (subs or {}).items():
        rest = rest.replace(k, v)
    head = '"""' + fill(doc, **kw) + '"""\n' + _imports(_prune(imps, rest.replace("  #@V", "").replace("  #@S", "")), stdlib)
    return head + "\n\n" + rest


def compose(c, doc, logline, core, pool, kw, lo=84, hi=108, subs=None, stdlib=_STDLIB):
    """Core parts plus randomly drawn pool parts (with what they need) until the module is
    about ``target`` lines long, never over ``hi``. Returns the rendered module, or with
    ``subs`` a list of modules, one per substitution dict."""
    byk = {p.key: p for p in list(core) + list(pool)}

    def closure(p, have):
        out = []
        for k in p.needs:
            if k not in have and k not in [q.key for q in out]:
                out += closure(byk[k], have | {q.key for q in out})
        return out + [p]

    chosen = []
    for p in core:
        chosen += [q for q in closure(p, {x.key for x in chosen}) if q.key not in {x.key for x in chosen}]
    opts = list(pool)
    c.rng.shuffle(opts)
    target = c.rng.randint(lo + 2, hi - 4)
    probe = (subs or [None])[0]

    def nlines(ps):
        return render_parts(doc, logline, ps, kw, probe, stdlib).count("\n")

    for p in opts:
        have = {x.key for x in chosen}
        if p.key in have:
            continue
        trial = chosen + closure(p, have)
        if nlines(trial) <= hi:
            chosen = trial
        if nlines(chosen) >= target:
            break
    # random order within a rank (render_parts sorts by rank, stably), the same for both versions of a pair
    c.rng.shuffle(chosen)
    if subs is None:
        return render_parts(doc, logline, chosen, kw, stdlib=stdlib)
    return [render_parts(doc, logline, chosen, kw, sb, stdlib) for sb in subs]


def pair(c, doc, logline, core, pool, kw, vfix, sfix, lo=82, hi=108, stdlib=_STDLIB):
    """Vulnerable and safe module: ``$FIX`` (and ``$FIX2``...) take the values of ``vfix`` /
    ``sfix`` (tuples for several spots)."""
    if isinstance(vfix, str):
        vfix, sfix = (vfix,), (sfix,)
    names = ["$FIX"] + [f"$FIX{i}" for i in range(2, len(vfix) + 1)]
    vsub = dict(zip(names[::-1], vfix[::-1]))
    ssub = dict(zip(names[::-1], sfix[::-1]))
    v, s = compose(c, doc, logline, core, pool, kw, lo, hi, subs=[vsub, ssub], stdlib=stdlib)
    return v, s.replace("  #@V", "").replace("  #@S", "")


def _ind(block, n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).split("\n"))


PUBLIC_WORDS = ["product", "article", "listing", "recipe", "venue", "track", "course", "dataset", "station",
                "event", "podcast", "recipe", "trail", "exhibit"]


# ---------------- CWE-338: caching / retry / sampling helpers; one session id from `random` ----------------


def _rand_kw(c):
    w = c.pick(*PUBLIC_WORDS)
    return dict(
        w=w, ws=w + "s", W=w.capitalize(),
        log=c.pick("log", "logger"),
        etag_fn=c.pick("etag_for", "compute_etag", "make_etag", "content_etag"),
        ck_fn=c.pick("cache_key", "make_cache_key", "query_cache_key"),
        bo_fn=c.pick("backoff_delay", "jittered_delay", "retry_delay"),
        retry_fn=c.pick("with_retries", "retrying", "call_with_retry"),
        Sampler=c.pick("SampledInfoFilter", "LogSampler", "HotPathSampler"),
        bucket_fn=c.pick("experiment_arm", "assign_variant", "ab_bucket"),
        canary_fn=c.pick("pick_canaries", "canary_hosts", "choose_canaries"),
        qa_fn=c.pick("qa_sample", "review_sample", "spot_check_sample"),
        replica_fn=c.pick("replica_order", "shuffled_replicas", "read_order"),
        rid_fn=c.pick("request_id", "ensure_request_id", "new_request_id"),
        csrf_fn=c.pick("new_csrf_token", "issue_csrf_token", "make_form_token"),
        cmp_fn=c.pick("tokens_match", "check_form_token", "same_token"),
        sid_fn=c.pick("new_session_id", "mint_session_id", "make_session_id"),
        start_fn=c.pick("start_session", "open_session", "bind_session"),
        ttl_fn=c.pick("jittered_ttl", "spread_ttl", "ttl_with_jitter"),
        Cache=c.pick("LocalCache", "TTLCache", "MemoCache"),
        load_fn=c.pick("fetch_", "load_", "get_") + w,
        list_fn=c.pick("search_", "list_", "query_") + w + "s",
        cookie=c.pick("sid", "app_sid", "__Host-sid"),
        ver=c.pick(1, 2, 3),
        maxage=c.pick(60, 120, 300),
    )


def _rand_helpers(c):
    """Framework-free safe parts: md5/sha1 fingerprints, jitter, sampling, uuid4, secrets."""
    h_etag = c.pick("hashlib.md5(body, usedforsecurity=False).hexdigest()", "hashlib.md5(body).hexdigest()",
                    "hashlib.sha1(body).hexdigest()", "hashlib.sha1(body, usedforsecurity=False).hexdigest()",
                    "hashlib.blake2b(body, digest_size=16).hexdigest()")
    h_key = c.pick("md5", "sha1", "sha256")
    jitter = c.pick("random.uniform(0, ceiling)", "ceiling / 2 + random.uniform(0, ceiling / 2)",
                    "ceiling * random.uniform(0.5, 1.0)")
    return [
        P("etag", rank=1, imp="import hashlib", body='''
            def $etag_fn(body: bytes) -> str:
                """Validator for conditional GETs: a content fingerprint, not a security control."""
                return '"' + ''' + h_etag + ''' + '"'
        '''),
        P("cachekey", rank=1, imp="import hashlib\nimport json", body='''
            def $ck_fn(prefix: str, **params: object) -> str:
                """Stable cache key: the same query always maps to the same entry."""
                canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
                return f"{prefix}:v$ver:" + hashlib.''' + h_key + '''(canonical.encode()).hexdigest()
        '''),
        P("backoff", rank=1, imp="import random", const=f"BACKOFF_BASE = {c.pick(0.1, 0.2, 0.25, 0.5)}\nBACKOFF_CAP = {c.pick(5.0, 8.0, 30.0)}",
          body='''
            def $bo_fn(attempt: int) -> float:
                """Exponential backoff with jitter, so that clients do not retry in lockstep."""
                ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt)
                return ''' + jitter + '''
        '''),
        P("retry", rank=2, needs=["backoff"], imp="import time\nfrom typing import Callable, TypeVar",
          const=f"MAX_ATTEMPTS = {c.pick(3, 4, 5)}\nT = TypeVar(\"T\")", body='''
            def $retry_fn(call: Callable[[], T], attempts: int = MAX_ATTEMPTS) -> T:
                """Run ``call``, retrying transient network errors with jittered backoff."""
                for attempt in range(attempts):
                    try:
                        return call()
                    except (ConnectionError, TimeoutError) as exc:
                        if attempt + 1 == attempts:
                            raise
                        delay = $bo_fn(attempt)
                        $log.warning(
                            "attempt %d/%d failed (%s), retrying in %.2fs", attempt + 1, attempts, type(exc).__name__, delay
                        )
                        time.sleep(delay)
                raise AssertionError("unreachable")
        '''),
        P("sampler", rank=2, imp="import random", const=f"LOG_SAMPLE_RATE = {c.pick(0.01, 0.05, 0.1)}", body='''
            class $Sampler(logging.Filter):
                """Keep every warning, but only a random fraction of chatty info/debug records."""

                def __init__(self, rate: float = LOG_SAMPLE_RATE) -> None:
                    super().__init__()
                    self.rate = rate

                def filter(self, record: logging.LogRecord) -> bool:
                    return record.levelno >= logging.WARNING or random.random() < self.rate
        '''),
        P("bucket", rank=1, imp="import hashlib",
          const=f'EXPERIMENT = "{c.pick("checkout-v2", "new-ranking", "card-layout", "search-boost")}"\nROLLOUT_PERCENT = {c.pick(10, 20, 50)}',
          body='''
            def $bucket_fn(user_id: int, experiment: str = EXPERIMENT) -> str:
                """Deterministic A/B arm: a user stays in the same arm across requests."""
                digest = hashlib.sha256(f"{experiment}:{user_id}".encode()).digest()
                slot = int.from_bytes(digest[:2], "big") % 100
                return "treatment" if slot < ROLLOUT_PERCENT else "control"
        '''),
        P("canary", rank=1, imp="import random\nfrom collections.abc import Sequence",
          const=f"CANARY_FRACTION = {c.pick(0.05, 0.1, 0.2)}", body='''
            def $canary_fn(hosts: Sequence[str], fraction: float = CANARY_FRACTION) -> list[str]:
                """A random subset of hosts that receives the new build first."""
                if not hosts:
                    return []
                count = max(1, round(len(hosts) * fraction))
                return sorted(random.sample(list(hosts), count))
        '''),
        P("qa", rank=1, imp="import random", const=f"QA_SAMPLE_SIZE = {c.pick(20, 25, 50)}", body='''
            def $qa_fn(rows: list[dict], size: int = QA_SAMPLE_SIZE) -> list[dict]:
                """Rows for manual quality review; an ordinary PRNG is fine for sampling."""
                return list(rows) if len(rows) <= size else random.sample(rows, size)
        '''),
        P("replicas", rank=1, imp="import random\nfrom collections.abc import Sequence", body='''
            def $replica_fn(replicas: Sequence[str]) -> list[str]:
                """Spread read traffic: try the replicas in a random order."""
                order = list(replicas)
                random.shuffle(order)
                return order
        '''),
        P("rid", rank=1, imp="import re\nimport uuid", const='REQUEST_ID_RE = re.compile(r"[0-9a-f]{32}")', body='''
            def $rid_fn(incoming: str | None = None) -> str:
                """Reuse a well-formed upstream request id, else mint a new one."""
                if incoming and REQUEST_ID_RE.fullmatch(incoming):
                    return incoming
                return uuid.uuid4().hex
        '''),
        P("csrf", rank=1, imp="import hmac\nimport secrets", body='''
            def $csrf_fn() -> str:
                """Per-session form token, stored server-side and echoed in forms."""
                return secrets.token_urlsafe(32)


            def $cmp_fn(expected: str, supplied: str | None) -> bool:
                """Constant-time comparison of a submitted form token with the stored one."""
                return bool(supplied) and hmac.compare_digest(expected, supplied)
        '''),
        P("ttl", rank=1, imp="import random", const=f"CACHE_TTL = {c.pick(60, 300, 600)}\nTTL_SPREAD = {c.pick(0.1, 0.15, 0.2)}",
          body='''
            def $ttl_fn(ttl: int = CACHE_TTL) -> int:
                """Spread expiries so hot entries do not all miss at the same moment."""
                return int(ttl * random.uniform(1 - TTL_SPREAD, 1 + TTL_SPREAD))
        '''),
        P("cache", rank=2, needs=["ttl"], imp="import time", body='''
            class $Cache:
                """Small in-process cache with jittered expiry."""

                def __init__(self, max_entries: int = 2048) -> None:
                    self._data: dict[str, tuple[float, object]] = {}
                    self.max_entries = max_entries

                def get(self, name: str) -> object | None:
                    hit = self._data.get(name)
                    if hit is None or hit[0] < time.monotonic():
                        self._data.pop(name, None)
                        return None
                    return hit[1]

                def put(self, name: str, value: object, ttl: int = CACHE_TTL) -> None:
                    if len(self._data) >= self.max_entries:
                        self._data.pop(next(iter(self._data)))
                    self._data[name] = (time.monotonic() + $ttl_fn(ttl), value)


            _cache = $Cache()
        '''),
    ]


def _rand_sid_safe():
    return P("sid", rank=1, imp="import secrets", const=f"SESSION_ID_BYTES = 32", body='''
        def $sid_fn() -> str:
            """Opaque session identifier from the operating system CSPRNG."""
            return secrets.token_urlsafe(SESSION_ID_BYTES)
    ''')


def _rand_session(c, fw):
    samesite = "lax" if fw in ("fastapi", "starlette") else "Lax"
    rtype = {"flask": "Response", "fastapi": "Response", "django": "HttpResponse", "aiohttp": "web.StreamResponse"}[fw]
    imp = {"flask": "from flask import Response", "fastapi": "from fastapi import Response",
           "django": "from django.http import HttpResponse", "aiohttp": "from aiohttp import web"}[fw]
    store = c.pick("sessions", "session_store")
    return P("session", rank=2, needs=["sid"], imp=imp + f"\nfrom .stores import {store}",
             const=f"SESSION_TTL = {c.pick(3600, 7200, 28800)}", body=f'''
        def $start_fn(response: {rtype}, user_id: int) -> str:
            """Called by the login view once the credentials have been verified."""
            sid = $sid_fn()
            {store}.setex(f"sess:{{sid}}", SESSION_TTL, user_id)
            response.set_cookie("$cookie", sid, max_age=SESSION_TTL, secure=True, httponly=True, samesite="{samesite}")
            $log.info("session started for user %d", user_id)
            return sid
    ''')


def _rand_frame(c, fw):
    """(frame part, endpoint parts) for a framework."""
    local = "from .repository import $load_fn, $list_fn"
    if fw == "flask":
        R = c.pick("bp", "api")
        frame = P("frame", rank=0, imp=f"import json\nfrom flask import Blueprint, Response, abort, jsonify, request\n{local}",
                  const="PAGE_SIZE = 20\nMAX_PAGE_SIZE = 100", setup=f'{R} = Blueprint("$ws", __name__, url_prefix="/api/$ws")')
        eps = [
            P("show", rank=3, needs=["etag"], body=f'''
                @{R}.get("/<int:item_id>")
                def show_$w(item_id: int) -> Response:
                    record = $load_fn(item_id)
                    if record is None:
                        abort(404)
                    body = json.dumps(record, sort_keys=True, default=str).encode()
                    tag = $etag_fn(body)
                    if request.headers.get("If-None-Match") == tag:
                        return Response(status=304, headers={{"ETag": tag}})
                    return Response(body, mimetype="application/json",
                                    headers={{"ETag": tag, "Cache-Control": "public, max-age=$maxage"}})
            '''),
            P("list", rank=3, needs=["cachekey", "cache"], body=f'''
                @{R}.get("/")
                def browse_$ws():
                    page = max(1, request.args.get("page", 1, type=int))
                    size = min(MAX_PAGE_SIZE, max(1, request.args.get("size", PAGE_SIZE, type=int)))
                    name = $ck_fn("$ws", page=page, size=size)
                    rows = _cache.get(name)
                    if rows is None:
                        rows = $list_fn(offset=(page - 1) * size, limit=size)
                        _cache.put(name, rows)
                    return jsonify(items=rows, page=page, size=size)
            '''),
            P("featured", rank=3, needs=["bucket"], imp="from flask_login import current_user, login_required", body=f'''
                @{R}.get("/featured")
                @login_required
                def featured_$ws():
                    arm = $bucket_fn(current_user.id)
                    rows = $list_fn(offset=0, limit=PAGE_SIZE, layout=arm)
                    $log.debug("featured $ws for user %d in arm %s", current_user.id, arm)
                    return jsonify(arm=arm, items=rows)
            '''),
        ]
        return frame, eps
    if fw == "fastapi":
        R = c.pick("router", "app")
        setup = 'router = APIRouter(prefix="/api/$ws", tags=["$ws"])' if R == "router" else 'app = FastAPI(title="$W catalogue")'
        frame = P("frame", rank=0, imp=f"import json\nfrom fastapi import {'APIRouter' if R == 'router' else 'FastAPI'}, HTTPException, Query, Request, Response\n{local}",
                  const="PAGE_SIZE = 20\nMAX_PAGE_SIZE = 100", setup=setup)
        eps = [
            P("show", rank=3, needs=["etag"], body=f'''
                @{R}.get("/{"" if R == "router" else "api/$ws/"}{{item_id}}")
                def show_$w(item_id: int, request: Request) -> Response:
                    record = $load_fn(item_id)
                    if record is None:
                        raise HTTPException(status_code=404, detail="not found")
                    body = json.dumps(record, sort_keys=True, default=str).encode()
                    tag = $etag_fn(body)
                    headers = {{"ETag": tag, "Cache-Control": "public, max-age=$maxage"}}
                    if request.headers.get("if-none-match") == tag:
                        return Response(status_code=304, headers=headers)
                    return Response(content=body, media_type="application/json", headers=headers)
            '''),
            P("list", rank=3, needs=["cachekey", "cache"], body=f'''
                @{R}.get("/{"" if R == "router" else "api/$ws"}")
                def browse_$ws(page: int = Query(1, ge=1), size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)) -> dict:
                    name = $ck_fn("$ws", page=page, size=size)
                    rows = _cache.get(name)
                    if rows is None:
                        rows = $list_fn(offset=(page - 1) * size, limit=size)
                        _cache.put(name, rows)
                    return {{"items": rows, "page": page, "size": size}}
            '''),
            P("featured", rank=3, needs=["bucket"], imp="from fastapi import Depends\nfrom .auth import User, current_user", body=f'''
                @{R}.get("/{"" if R == "router" else "api/$ws/"}featured")
                def featured_$ws(user: User = Depends(current_user)) -> dict:
                    arm = $bucket_fn(user.id)
                    $log.debug("featured $ws for user %d in arm %s", user.id, arm)
                    return {{"arm": arm, "items": $list_fn(offset=0, limit=PAGE_SIZE, layout=arm)}}
            '''),
        ]
        if R == "app":
            eps.append(P("mw", rank=3, needs=["rid"], body='''
                @app.middleware("http")
                async def add_request_id(request: Request, call_next):
                    rid = $rid_fn(request.headers.get("x-request-id"))
                    request.state.request_id = rid
                    response = await call_next(request)
                    response.headers["X-Request-ID"] = rid
                    return response
            '''))
        return frame, eps
    if fw == "django":
        frame = P("frame", rank=0, imp=f"import json\nfrom django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse\nfrom django.views.decorators.http import require_GET\n{local}",
                  const="PAGE_SIZE = 20")
        eps = [
            P("show", rank=3, needs=["etag"], body='''
                @require_GET
                def $w_detail(request, item_id: int) -> HttpResponse:
                    record = $load_fn(item_id)
                    if record is None:
                        raise Http404("no such $w")
                    body = json.dumps(record, sort_keys=True, default=str)
                    tag = $etag_fn(body.encode())
                    if request.headers.get("If-None-Match") == tag:
                        return HttpResponseNotModified()
                    response = HttpResponse(body, content_type="application/json")
                    response["ETag"] = tag
                    return response
            '''),
            P("list", rank=3, needs=["cachekey", "ttl"], imp="from django.core.cache import cache", body='''
                @require_GET
                def $w_list(request) -> JsonResponse:
                    try:
                        page = max(1, int(request.GET.get("page", "1")))
                    except ValueError:
                        page = 1
                    name = $ck_fn("$ws", page=page)
                    rows = cache.get(name)
                    if rows is None:
                        rows = $list_fn(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
                        cache.set(name, rows, timeout=$ttl_fn())
                    return JsonResponse({"items": rows, "page": page})
            '''),
            P("featured", rank=3, needs=["bucket"], imp="from django.contrib.auth.decorators import login_required", body='''
                @require_GET
                @login_required
                def featured_$ws(request) -> JsonResponse:
                    arm = $bucket_fn(request.user.pk)
                    rows = $list_fn(offset=0, limit=PAGE_SIZE, layout=arm)
                    return JsonResponse({"arm": arm, "items": rows})
            '''),
        ]
        return frame, eps
    if fw == "aiohttp":
        frame = P("frame", rank=0, imp=f"import json\nfrom aiohttp import web\n{local}", const="PAGE_SIZE = 20",
                  setup="routes = web.RouteTableDef()", tail='''
            def create_app() -> web.Application:
                app = web.Application()
                app.add_routes(routes)
                return app
        ''')
        eps = [
            P("show", rank=3, needs=["etag"], body='''
                @routes.get("/api/$ws/{item_id:[0-9]+}")
                async def show_$w(request: web.Request) -> web.Response:
                    record = await $load_fn(int(request.match_info["item_id"]))
                    if record is None:
                        raise web.HTTPNotFound()
                    body = json.dumps(record, sort_keys=True, default=str).encode()
                    tag = $etag_fn(body)
                    if request.headers.get("If-None-Match") == tag:
                        return web.Response(status=304, headers={"ETag": tag})
                    return web.Response(body=body, content_type="application/json", headers={"ETag": tag})
            '''),
            P("list", rank=3, needs=["cachekey", "cache"], body='''
                @routes.get("/api/$ws")
                async def browse_$ws(request: web.Request) -> web.Response:
                    try:
                        page = max(1, int(request.query.get("page", "1")))
                    except ValueError:
                        raise web.HTTPBadRequest(text="page must be an integer")
                    name = $ck_fn("$ws", page=page)
                    rows = _cache.get(name)
                    if rows is None:
                        rows = await $list_fn(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
                        _cache.put(name, rows)
                    return web.json_response({"items": rows, "page": page})
            '''),
        ]
        return frame, eps
    if fw == "cli":
        frame = P("frame", rank=0, imp="import argparse\nimport os\nimport sys\nfrom .fleet import deploy_to",
                  needs=["canary", "retry"], tail='''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Roll the $w index out to a random canary subset first.")
                parser.add_argument("--fraction", type=float, default=CANARY_FRACTION)
                parser.add_argument("--dry-run", action="store_true")
                args = parser.parse_args(argv)
                hosts = [h for h in os.environ.get("FLEET_HOSTS", "").split(",") if h]
                if not hosts:
                    print("FLEET_HOSTS is empty", file=sys.stderr)
                    return 2
                batch = $canary_fn(hosts, min(max(args.fraction, 0.01), 0.5))
                for host in batch:
                    if args.dry_run:
                        print(f"would deploy to {host}")
                        continue
                    $retry_fn(lambda h=host: deploy_to(h))
                $log.info("deployed to %d of %d hosts", len(batch), len(hosts))
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        ''')
        eps = [
            P("health", rank=3, needs=["replicas"], imp="import socket",
              const=f'REPLICAS = [h for h in os.environ.get("READ_REPLICAS", "").split(",") if h]', body='''
                def first_reachable_replica(port: int = 5432, timeout: float = 2.0) -> str | None:
                    """Used before deploying: at least one read replica must answer."""
                    for host in $replica_fn(REPLICAS):
                        try:
                            with socket.create_connection((host, port), timeout=timeout):
                                return host
                        except OSError:
                            $log.debug("replica %s unreachable", host)
                    return None
            '''),
        ]
        return frame, eps
    if fw == "celery":
        frame = P("frame", rank=0, imp="import json\nfrom celery import shared_task\nfrom .upstream import fetch_upstream_$w, recent_$ws, store_$w, enqueue_review",
                  const=f"MAX_RETRIES = {c.pick(4, 5, 6)}")
        eps = [
            P("refresh", rank=3, needs=["etag", "backoff"], body='''
                @shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
                def refresh_$w(self, item_id: int) -> None:
                    try:
                        record = fetch_upstream_$w(item_id)
                    except (ConnectionError, TimeoutError) as exc:
                        raise self.retry(exc=exc, countdown=$bo_fn(self.request.retries))
                    body = json.dumps(record, sort_keys=True, default=str).encode()
                    store_$w(item_id, record, etag=$etag_fn(body))
                    $log.info("refreshed $w %d", item_id)
            '''),
            P("spot", rank=3, needs=["qa"], body='''
                @shared_task
                def nightly_spot_check() -> int:
                    rows = recent_$ws(hours=24)
                    picked = $qa_fn(rows)
                    for row in picked:
                        enqueue_review(row["id"])
                    $log.info("queued %d of %d $ws for review", len(picked), len(rows))
                    return len(picked)
            '''),
        ]
        return frame, eps
    raise KeyError(fw)


# repeats in fws= spread the six seeded framework draws of each family over all the frameworks listed
@fam("mod-safe-web-session-id-random", "CWE-338", fws=["flask", "flask", "flask", "flask", "fastapi", "django", "flask", "aiohttp"],
     n=6, wrap=False)
def mod_safe_session_random(c):
    kw = _rand_kw(c)
    fw = c.fw
    frame, eps = _rand_frame(c, fw)
    shape = c.pick("choices", "getrandbits", "randbytes", "uuid")
    if shape == "choices":
        const = "SID_ALPHABET = string.ascii_letters + string.digits\nSID_LENGTH = 43"
        imp = "import random\nimport secrets\nimport string"
        vfix = 'return "".join(random.choices(SID_ALPHABET, k=SID_LENGTH))  #@V'
        sfix = 'return "".join(secrets.choice(SID_ALPHABET) for _ in range(SID_LENGTH))'
    elif shape == "getrandbits":
        const, imp = "", "import random\nimport secrets"
        vfix = 'return "%032x" % random.getrandbits(128)  #@V'
        sfix = "return secrets.token_hex(16)"
    elif shape == "randbytes":
        const, imp = "SID_BYTES = 24", "import random\nimport secrets"
        vfix = "return random.randbytes(SID_BYTES).hex()  #@V"
        sfix = "return secrets.token_bytes(SID_BYTES).hex()"
    else:
        const, imp = "", "import random\nimport uuid"
        vfix = "return str(uuid.UUID(int=random.getrandbits(128)))  #@V"
        sfix = "return str(uuid.uuid4())"
    sid = P("sid", rank=1, imp=imp, const=const, body='''
        def $sid_fn() -> str:
            """Opaque identifier stored in the session cookie."""
            $FIX
    ''')
    helpers = _rand_helpers(c)
    byk = {p.key: p for p in helpers}
    core = [frame, sid, _rand_session(c, fw), byk["csrf"], byk[c.pick("backoff", "ttl", "qa", "canary")], c.pick(*eps)]
    pool = [p for p in helpers if p.key != "csrf"] + eps
    doc = c.pick("Public $w catalogue API with conditional GETs, cached listings and session helpers.",
                 "HTTP layer of the $w service: ETags, cache keys, backoff helpers and login sessions.",
                 "$W endpoints plus the session and form-token helpers the login flow uses.")
    v, s = pair(c, doc, f'$log = logging.getLogger("{kw["ws"]}.http")', core + [P("logging", rank=0, imp="import logging")],
                pool, kw, vfix, sfix)
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the session id comes from the random module (Mersenne Twister, predictable from its output); "
                      "md5 ETags, jittered backoff and random sampling in the same module are fine")


@hardneg(10)
def mod_safe_session_random_hn(c):
    kw = _rand_kw(c)
    fw = c.pick("flask", "fastapi", "django", "aiohttp", "cli", "celery")
    frame, eps = _rand_frame(c, fw)
    helpers = _rand_helpers(c)
    pool = helpers + eps
    core = [frame, P("logging", rank=0, imp="import logging"), c.pick(*eps)]
    if fw in ("flask", "fastapi", "django", "aiohttp") and c.pick(True, False):
        core.append(_rand_session(c, fw))
        pool.append(_rand_sid_safe())
        core.append(_rand_sid_safe())
    doc = {
        "flask": c.pick("Read-only $w catalogue blueprint: conditional GETs and cached listings.",
                        "$W API blueprint with ETags, jittered cache expiry and A/B layout buckets."),
        "fastapi": c.pick("$W catalogue routes: ETag validation, cache keys, request ids.",
                          "FastAPI routes for the public $w catalogue."),
        "django": c.pick("Views for the public $w catalogue (JSON, ETag, cached pages).",
                         "$W JSON views with conditional responses and cached listing pages."),
        "aiohttp": c.pick("aiohttp handlers for the $w catalogue.", "Async $w catalogue endpoints with ETags."),
        "cli": c.pick("Deploy tool: roll a $w index build out to a random canary subset.",
                      "Operator script for staged $w index rollouts."),
        "celery": c.pick("Celery tasks that refresh $w records from upstream and sample them for QA.",
                         "Background jobs for the $w cache: refresh with backoff, nightly spot checks."),
    }[fw]
    code = compose(c, doc, f'$log = logging.getLogger("{kw["ws"]}.{c.pick("http", "cache", "jobs", "api")}")',
                   core, pool, kw, lo=82, hi=108)
    return Spec(s=code, full=True, fw=fw,
                notes="md5/sha1 used as ETag and cache-key fingerprints, random for jitter, sampling and bucketing, "
                      "uuid4 request ids and secrets for tokens: no security value comes from random")


# ---------------- CWE-918: partner API clients on a fixed base URL; one fetch of a request URL ----------------


def _ssrf_kw(c):
    w = c.pick("part", "product", "title", "listing", "station", "sku", "fixture")
    svc = c.pick("supplier", "inventory", "catalog", "pricing", "fulfilment")
    host = c.pick("api.northwind-supply.com", "partner.acme-logistics.net", "api.globex-catalog.io",
                  "inventory.initech-partners.com", "api.umbrella-parts.co")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), svc=svc, SVC=svc.upper(), Svc=svc.capitalize(),
        host=host, domain=host.split(".", 1)[1], log=c.pick("log", "logger"),
        Client=svc.capitalize() + c.pick("Client", "Api", "Gateway"),
        Status=c.pick("Status", "ListingState", "Availability"),
        allow_fn=c.pick("_allowed", "_checked_url", "_require_allowed_host"),
        hook_fn=c.pick("deliver_webhook", "post_event", "notify_subscriber"),
        iter_fn=c.pick("iter_", "walk_", "all_") + w + "s",
        client_var=c.pick("client", "partner", "api", "upstream"),
        timeout=c.pick(5, 8, 10, 15),
    )


def _ssrf_helpers(c):
    states = c.pick(("ACTIVE", "ARCHIVED", "DRAFT"), ("AVAILABLE", "BACKORDER", "DISCONTINUED"),
                    ("LIVE", "PAUSED", "RETIRED"))
    enum_body = "\n".join(f'    {s_} = "{s_.lower()}"' for s_ in states)
    hosts_const = c.pick(
        'WEBHOOK_HOSTS = frozenset(h.strip() for h in os.environ.get("WEBHOOK_HOSTS", "").split(",") if h.strip())',
        'WEBHOOK_HOSTS = frozenset({"hooks.slack.com", "events.pagerduty.com", "hooks.zapier.com"})')
    return [
        P("enum", rank=1, imp="from enum import Enum", body="class $Status(str, Enum):\n" + enum_body),
        P("client", rank=2, needs=["enum"], imp="import os\nimport requests\nfrom urllib.parse import urljoin",
          const='API_BASE = os.environ.get("$SVC_API_BASE", "https://$host")\nTIMEOUT = $timeout\nPAGE_SIZE = 50',
          body='''
            class $Client:
                """Thin wrapper around the $svc partner API; every URL is built on the configured base."""

                def __init__(self, token: str, base_url: str = API_BASE, timeout: float = TIMEOUT) -> None:
                    self.base_url = base_url
                    self.timeout = timeout
                    self.session = requests.Session()
                    self.session.headers.update({"Accept": "application/json", "Authorization": f"Bearer {token}"})

                def _get(self, path: str, **params: object) -> dict:
                    response = self.session.get(urljoin(self.base_url, path), params=params, timeout=self.timeout)
                    response.raise_for_status()
                    return response.json()

                def $w(self, item_id: int) -> dict:
                    return self._get(f"/v1/$ws/{int(item_id)}")

                def $ws(self, status: $Status, page: int = 1) -> dict:
                    return self._get("/v1/$ws", status=status.value, page=int(page), per_page=PAGE_SIZE)
        '''),
        P("paginate", rank=3, needs=["client"], imp="from collections.abc import Iterator",
          const=f"MAX_PAGES = {c.pick(20, 50, 100)}", body='''
            def $iter_fn(api: $Client, status: $Status, max_pages: int = MAX_PAGES) -> Iterator[dict]:
                """Every $w in a state, page by page, with a hard stop on runaway pagination."""
                for page in range(1, max_pages + 1):
                    batch = api.$ws(status, page=page)
                    yield from batch.get("results", [])
                    if not batch.get("next"):
                        return
                $log.warning("stopped after %d pages of $ws", max_pages)
        '''),
        P("allow", rank=1, imp="from urllib.parse import urlsplit", body='''
            def $allow_fn(url: str, hosts: frozenset[str]) -> str:
                """Only https URLs on an allow-listed host may be fetched or called back."""
                parts = urlsplit(url)
                if parts.scheme != "https" or parts.hostname not in hosts or parts.port not in (None, 443):
                    raise ValueError("URL host is not allowed")
                return url
        '''),
        P("webhook", rank=2, needs=["allow"], imp="import json\nimport os\nimport requests",
          const=hosts_const + f"\nWEBHOOK_TIMEOUT = {c.pick(3, 5, 10)}", body='''
            def $hook_fn(target: str, event: str, payload: dict) -> bool:
                """POST an event to a subscriber URL; the host must be on the allow-list."""
                try:
                    url = $allow_fn(target, WEBHOOK_HOSTS)
                except ValueError:
                    $log.warning("webhook for %s skipped: target host not allowed", event)
                    return False
                body = json.dumps({"event": event, "data": payload}, separators=(",", ":"))
                response = requests.post(url, data=body, headers={"Content-Type": "application/json"},
                                         timeout=WEBHOOK_TIMEOUT, allow_redirects=False)
                return 200 <= response.status_code < 300
        '''),
        P("sign", rank=1, imp="import hashlib\nimport hmac\nimport os", body='''
            def signature_header(body: bytes) -> str:
                """HMAC of the delivered body, so subscribers can verify it came from us."""
                key = os.environ["WEBHOOK_SIGNING_KEY"].encode()
                return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        '''),
        P("health", rank=3, needs=["client"], body='''
            def upstream_healthy() -> bool:
                """Readiness probe: the partner API answers on its fixed health URL."""
                try:
                    return requests.get(urljoin(API_BASE, "/healthz"), timeout=2).ok
                except requests.RequestException:
                    return False
        '''),
        P("slug", rank=1, imp="import re", const='CATEGORY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")', body='''
            def category_path(slug: str) -> str:
                """Path of a category listing; the slug is validated before it reaches the URL."""
                if not CATEGORY_RE.fullmatch(slug):
                    raise ValueError("invalid category")
                return f"/v1/categories/{slug}/$ws"
        '''),
        P("region", rank=1, imp="from enum import Enum", body='''
            class Region(str, Enum):
                EU = "eu"
                US = "us"
                APAC = "apac"


            REGION_BASES = {region: f"https://api-{region.value}.$domain" for region in Region}


            def region_base(region: Region) -> str:
                """Regional API endpoint; the request picks a key, never the URL itself."""
                return REGION_BASES[region]
        '''),
        P("preview", rank=2, needs=["allow"], imp="import os",
                         const='PREVIEW_HOSTS = frozenset(h for h in os.environ.get("PREVIEW_HOSTS", "").split(",") if h)',
                         body='''
            def preview_target(url: str) -> str | None:
                """Link previews are only fetched for partner hosts on the allow-list."""
                try:
                    return $allow_fn(url, PREVIEW_HOSTS)
                except ValueError:
                    return None
        '''),
        P("token", rank=3, needs=["client"],
          const='TOKEN_URL = os.environ.get("$SVC_TOKEN_URL", "https://$host/oauth/token")', body='''
            def fetch_access_token(session: requests.Session) -> str:
                """Client-credentials grant against the partner's fixed token endpoint."""
                response = session.post(TOKEN_URL, timeout=TIMEOUT, data={
                    "grant_type": "client_credentials",
                    "client_id": os.environ["$SVC_CLIENT_ID"],
                    "client_secret": os.environ["$SVC_CLIENT_SECRET"],
                })
                response.raise_for_status()
                return response.json()["access_token"]
        '''),
    ]


def _ssrf_frame(c, fw):
    cv = "$client_var"
    inst = P("inst", rank=3, needs=["client"], body=cv + ' = $Client(os.environ["$SVC_API_TOKEN"])')
    if fw == "flask":
        frame = P("frame", rank=0, needs=["inst"], imp="from flask import Blueprint, abort, jsonify, request",
                  setup='bp = Blueprint("$ws", __name__, url_prefix="/$ws")')
        eps = [inst,
            P("show", rank=3, body='''
                @bp.get("/<int:item_id>")
                def show_$w(item_id: int):
                    try:
                        return jsonify($client_var.$w(item_id))
                    except requests.HTTPError as exc:
                        if exc.response is not None and exc.response.status_code == 404:
                            abort(404)
                        $log.exception("$svc lookup failed for $w %d", item_id)
                        abort(502)
            '''),
            P("list", rank=3, body='''
                @bp.get("/")
                def list_$ws():
                    try:
                        status = $Status(request.args.get("status", list($Status)[0].value))
                        page = max(1, int(request.args.get("page", "1")))
                    except ValueError:
                        return jsonify(error="bad status or page"), 400
                    return jsonify($client_var.$ws(status, page=page))
            '''),
            P("stock", rank=3, needs=["region"], imp="from urllib.parse import urljoin", body='''
                @bp.get("/<int:item_id>/stock")
                def stock(item_id: int):
                    try:
                        region = Region(request.args.get("region", "eu"))
                    except ValueError:
                        return jsonify(error="unknown region"), 400
                    url = urljoin(region_base(region), f"/v1/$ws/{item_id}/stock")
                    response = requests.get(url, timeout=TIMEOUT)
                    if not response.ok:
                        abort(502)
                    return jsonify(response.json())
            '''),
            P("category", rank=3, needs=["slug"], body='''
                @bp.get("/categories/<slug>")
                def category(slug: str):
                    try:
                        path = category_path(slug)
                    except ValueError:
                        abort(404)
                    return jsonify($client_var._get(path, per_page=PAGE_SIZE))
            '''),
        ]
        return frame, eps
    if fw == "django":
        frame = P("frame", rank=0, needs=["inst"],
                  imp="from django.http import Http404, JsonResponse\nfrom django.views.decorators.http import require_GET")
        eps = [inst,
            P("show", rank=3, body='''
                @require_GET
                def $w_detail(request, item_id: int) -> JsonResponse:
                    try:
                        data = $client_var.$w(item_id)
                    except requests.HTTPError:
                        $log.exception("$svc lookup failed for $w %d", item_id)
                        raise Http404("$w unavailable")
                    return JsonResponse(data)
            '''),
            P("list", rank=3, body='''
                @require_GET
                def $w_list(request) -> JsonResponse:
                    try:
                        status = $Status(request.GET.get("status", list($Status)[0].value))
                        page = max(1, int(request.GET.get("page", "1")))
                    except ValueError:
                        return JsonResponse({"error": "bad status or page"}, status=400)
                    return JsonResponse($client_var.$ws(status, page=page))
            '''),
            P("stock", rank=3, needs=["region"], imp="from urllib.parse import urljoin", body='''
                @require_GET
                def $w_stock(request, item_id: int) -> JsonResponse:
                    try:
                        region = Region(request.GET.get("region", "eu"))
                    except ValueError:
                        return JsonResponse({"error": "unknown region"}, status=400)
                    response = requests.get(urljoin(region_base(region), f"/v1/$ws/{item_id}/stock"), timeout=TIMEOUT)
                    if not response.ok:
                        return JsonResponse({"error": "stock unavailable"}, status=502)
                    return JsonResponse(response.json())
            '''),
            P("ready", rank=3, needs=["health"], body='''
                @require_GET
                def readiness(request) -> JsonResponse:
                    ok = upstream_healthy()
                    return JsonResponse({"$svc": "ok" if ok else "down"}, status=200 if ok else 503)
            '''),
        ]
        return frame, eps
    if fw == "fastapi":
        frame = P("frame", rank=0, needs=["enum"],
                  imp="import os\nimport httpx\nfrom fastapi import APIRouter, HTTPException",
                  const='API_BASE = os.environ.get("$SVC_API_BASE", "https://$host")\nPAGE_SIZE = 50',
                  setup='router = APIRouter(prefix="/$ws")\n' + cv + ' = httpx.AsyncClient(base_url=API_BASE, timeout=httpx.Timeout($timeout.0), headers={"Accept": "application/json"})')
        eps = [
            P("show", rank=3, body='''
                @router.get("/{item_id}")
                async def show_$w(item_id: int) -> dict:
                    response = await $client_var.get(f"/v1/$ws/{item_id}")
                    if response.status_code == 404:
                        raise HTTPException(status_code=404, detail="not found")
                    response.raise_for_status()
                    return response.json()
            '''),
            P("list", rank=3, body='''
                @router.get("/")
                async def list_$ws(status: $Status = list($Status)[0], page: int = 1) -> dict:
                    params = {"status": status.value, "page": max(1, page), "per_page": PAGE_SIZE}
                    response = await $client_var.get("/v1/$ws", params=params)
                    response.raise_for_status()
                    return response.json()
            '''),
            P("close", rank=4, body='''
                async def shutdown() -> None:
                    """Registered as the app's shutdown hook."""
                    await $client_var.aclose()
            '''),
            P("category", rank=3, needs=["slug"], body='''
                @router.get("/categories/{slug}")
                async def category(slug: str, page: int = 1) -> dict:
                    try:
                        path = category_path(slug)
                    except ValueError:
                        raise HTTPException(status_code=404, detail="unknown category")
                    response = await $client_var.get(path, params={"page": max(1, page), "per_page": PAGE_SIZE})
                    response.raise_for_status()
                    return response.json()
            '''),
            P("ahook", rank=2, needs=["allow"], imp="import os",
              const='WEBHOOK_HOSTS = frozenset(h for h in os.environ.get("WEBHOOK_HOSTS", "").split(",") if h)\nWEBHOOK_TIMEOUT = 5',
              body='''
                async def $hook_fn(target: str, event: str, payload: dict) -> bool:
                    """Notify a subscriber; only allow-listed https hosts are ever called."""
                    try:
                        url = $allow_fn(target, WEBHOOK_HOSTS)
                    except ValueError:
                        $log.warning("webhook for %s skipped: host not on the allow-list", event)
                        return False
                    async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT, follow_redirects=False) as hooks:
                        response = await hooks.post(url, json={"event": event, "data": payload})
                    return response.is_success
            '''),
            P("stock", rank=3, needs=["region"], body='''
                @router.get("/{item_id}/stock")
                async def stock(item_id: int, region: Region = Region.EU) -> dict:
                    response = await $client_var.get(f"{region_base(region)}/v1/$ws/{item_id}/stock")
                    if response.status_code != 200:
                        raise HTTPException(status_code=502, detail="stock unavailable")
                    return response.json()
            '''),
            P("batch", rank=3, imp="import asyncio\nfrom fastapi import Query", const=f"MAX_BATCH = {c.pick(10, 20, 25)}", body='''
                @router.get("/batch")
                async def batch_$ws(ids: list[int] = Query(...)) -> list[dict]:
                    wanted = sorted(set(ids))[:MAX_BATCH]
                    responses = await asyncio.gather(*($client_var.get(f"/v1/$ws/{i}") for i in wanted))
                    return [r.json() for r in responses if r.status_code == 200]
            '''),
            P("health", rank=3, body='''
                @router.get("/health/upstream")
                async def upstream_health() -> dict:
                    try:
                        response = await $client_var.get("/healthz", timeout=2.0)
                    except httpx.HTTPError:
                        return {"$svc": "down"}
                    return {"$svc": "ok" if response.is_success else "degraded"}
            '''),
            P("previewep", rank=3, needs=["preview"], imp="from pydantic import BaseModel\nfrom fastapi import Depends\nfrom .auth import User, current_user",
              body='''
                class PreviewRequest(BaseModel):
                    url: str


                @router.post("/previews")
                async def link_preview(body: PreviewRequest, user: User = Depends(current_user)) -> dict:
                    target = preview_target(body.url)
                    if target is None:
                        raise HTTPException(status_code=422, detail="links to this host cannot be previewed")
                    async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as fetcher:
                        response = await fetcher.get(target)
                    return {"status": response.status_code, "type": response.headers.get("content-type", "")}
            '''),
        ]
        return frame, eps
    if fw == "aiohttp":
        frame = P("frame", rank=0, needs=["enum"], imp="import os\nfrom aiohttp import ClientSession, ClientTimeout, web",
                  const='API_BASE = os.environ.get("$SVC_API_BASE", "https://$host")\nPAGE_SIZE = 50',
                  setup="routes = web.RouteTableDef()", tail='''
            async def _partner_session(app: web.Application):
                app["$svc"] = ClientSession(base_url=API_BASE, timeout=ClientTimeout(total=$timeout))
                yield
                await app["$svc"].close()


            def create_app() -> web.Application:
                app = web.Application()
                app.cleanup_ctx.append(_partner_session)
                app.add_routes(routes)
                return app
        ''')
        eps = [
            P("show", rank=3, body='''
                @routes.get("/$ws/{item_id:[0-9]+}")
                async def show_$w(request: web.Request) -> web.Response:
                    item_id = int(request.match_info["item_id"])
                    async with request.app["$svc"].get(f"/v1/$ws/{item_id}") as resp:
                        if resp.status == 404:
                            raise web.HTTPNotFound()
                        resp.raise_for_status()
                        return web.json_response(await resp.json())
            '''),
            P("category", rank=3, needs=["slug"], body='''
                @routes.get("/$ws/categories/{slug}")
                async def category(request: web.Request) -> web.Response:
                    try:
                        path = category_path(request.match_info["slug"])
                    except ValueError:
                        raise web.HTTPNotFound()
                    async with request.app["$svc"].get(path, params={"per_page": PAGE_SIZE}) as resp:
                        resp.raise_for_status()
                        return web.json_response(await resp.json())
            '''),
            P("ahook", rank=2, needs=["allow"], imp="import os",
              const='WEBHOOK_HOSTS = frozenset(h for h in os.environ.get("WEBHOOK_HOSTS", "").split(",") if h)\nWEBHOOK_TIMEOUT = 5',
              body='''
                async def $hook_fn(target: str, event: str, payload: dict) -> bool:
                    """Notify a subscriber; only allow-listed https hosts are ever called."""
                    try:
                        url = $allow_fn(target, WEBHOOK_HOSTS)
                    except ValueError:
                        $log.warning("webhook for %s skipped: host not on the allow-list", event)
                        return False
                    async with ClientSession(timeout=ClientTimeout(total=WEBHOOK_TIMEOUT)) as hooks:
                        async with hooks.post(url, json={"event": event, "data": payload}, allow_redirects=False) as resp:
                            return 200 <= resp.status < 300
            '''),
            P("stock", rank=3, needs=["region"], body='''
                @routes.get("/$ws/{item_id:[0-9]+}/stock")
                async def stock(request: web.Request) -> web.Response:
                    try:
                        region = Region(request.query.get("region", "eu"))
                    except ValueError:
                        raise web.HTTPBadRequest(text="unknown region")
                    url = f"{region_base(region)}/v1/$ws/{int(request.match_info['item_id'])}/stock"
                    async with ClientSession(timeout=ClientTimeout(total=$timeout)) as regional:
                        async with regional.get(url) as resp:
                            if resp.status != 200:
                                raise web.HTTPBadGateway()
                            return web.json_response(await resp.json())
            '''),
            P("batch", rank=3, imp="import asyncio", const=f"MAX_BATCH = {c.pick(10, 20, 25)}", body='''
                @routes.get("/$ws/batch")
                async def batch_$ws(request: web.Request) -> web.Response:
                    ids = sorted({int(x) for x in request.query.getall("id", []) if x.isdigit()})[:MAX_BATCH]
                    api = request.app["$svc"]

                    async def one(item_id: int) -> dict | None:
                        async with api.get(f"/v1/$ws/{item_id}") as resp:
                            return await resp.json() if resp.status == 200 else None

                    found = await asyncio.gather(*(one(i) for i in ids))
                    return web.json_response([f for f in found if f is not None])
            '''),
            P("health", rank=3, body='''
                @routes.get("/health/upstream")
                async def upstream_health(request: web.Request) -> web.Response:
                    try:
                        async with request.app["$svc"].get("/healthz") as resp:
                            ok = resp.status == 200
                    except ClientError:
                        ok = False
                    return web.json_response({"$svc": "ok" if ok else "down"}, status=200 if ok else 503)
            ''', imp="from aiohttp import ClientError"),
            P("previewep", rank=3, needs=["preview"], body='''
                @routes.post("/previews")
                async def link_preview(request: web.Request) -> web.Response:
                    if request.get("user") is None:
                        raise web.HTTPUnauthorized()
                    target = preview_target(str((await request.json()).get("url", "")))
                    if target is None:
                        raise web.HTTPUnprocessableEntity(text="links to this host cannot be previewed")
                    async with ClientSession(timeout=ClientTimeout(total=5)) as fetcher:
                        async with fetcher.get(target, allow_redirects=False) as resp:
                            kind = resp.headers.get("Content-Type", "")
                            return web.json_response({"status": resp.status, "type": kind})
            '''),
            P("list", rank=3, body='''
                @routes.get("/$ws")
                async def list_$ws(request: web.Request) -> web.Response:
                    try:
                        status = $Status(request.query.get("status", list($Status)[0].value))
                    except ValueError:
                        raise web.HTTPBadRequest(text="unknown status")
                    params = {"status": status.value, "per_page": PAGE_SIZE}
                    async with request.app["$svc"].get("/v1/$ws", params=params) as resp:
                        resp.raise_for_status()
                        return web.json_response(await resp.json())
            '''),
        ]
        return frame, eps
    if fw == "celery":
        frame = P("frame", rank=0, needs=["webhook"], imp="from celery import shared_task\nfrom .models import Subscription")
        eps = [
            P("deliver", rank=3, body='''
                @shared_task(bind=True, max_retries=5, retry_backoff=True)
                def deliver_event(self, subscription_id: int, event: str, payload: dict) -> bool:
                    sub = Subscription.objects.filter(pk=subscription_id, active=True).first()
                    if sub is None:
                        return False
                    try:
                        return $hook_fn(sub.target_url, event, payload)
                    except requests.ConnectionError as exc:
                        raise self.retry(exc=exc)
            '''),
            P("fanout", rank=3, body='''
                @shared_task
                def fan_out(event: str, payload: dict) -> int:
                    ids = list(Subscription.objects.filter(active=True, events__contains=[event]).values_list("pk", flat=True))
                    for pk in ids:
                        deliver_event.delay(pk, event, payload)
                    $log.info("queued %d deliveries of %s", len(ids), event)
                    return len(ids)
            ''', needs=["deliver"]),
            P("sync", rank=3, needs=["paginate"], imp="from .models import Mirror", body='''
                @shared_task
                def sync_active_$ws() -> int:
                    api = $Client(os.environ["$SVC_API_TOKEN"])
                    count = 0
                    for row in $iter_fn(api, list($Status)[0]):
                        Mirror.objects.update_or_create(remote_id=int(row["id"]), defaults={"data": row})
                        count += 1
                    return count
            '''),
        ]
        return frame, eps
    if fw == "sdk":
        frame = P("frame", rank=0, needs=["client"], imp="import argparse\nimport json\nimport sys", tail='''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Query the $svc partner API.")
                parser.add_argument("--id", type=int, help="show one $w")
                parser.add_argument("--status", choices=[s.value for s in $Status], default=list($Status)[0].value)
                parser.add_argument("--page", type=int, default=1)
                args = parser.parse_args(argv)
                api = $Client(os.environ["$SVC_API_TOKEN"])
                try:
                    data = api.$w(args.id) if args.id is not None else api.$ws($Status(args.status), page=max(1, args.page))
                except requests.RequestException as exc:
                    print(f"request failed: {type(exc).__name__}", file=sys.stderr)
                    return 1
                json.dump(data, sys.stdout, indent=2)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        ''')
        return frame, []
    raise KeyError(fw)


@fam("mod-safe-web-image-import-ssrf", "CWE-918", fws=["flask", "fastapi", "django", "flask"], n=6, wrap=False)
def mod_safe_image_ssrf(c):
    kw = _ssrf_kw(c)
    fw = c.fw
    field = c.pick("image_url", "photo_url", "logo_url", "picture")
    kw.update(field=field, img_fn=c.pick("import_image", "attach_image", "fetch_image"))
    maxb = c.pick("2 * 1024 * 1024", "5 * 1024 * 1024", "8_000_000")
    hosts = c.pick('frozenset({"images.$domain", "cdn.$domain"})',
                   'frozenset(h for h in os.environ.get("IMAGE_HOSTS", "").split(",") if h)')
    fetcher = c.pick("requests.Session()", "requests")
    kw["http"] = "http" if fetcher != "requests" else "requests"
    const = f"IMAGE_HOSTS = {hosts}\nMAX_IMAGE_BYTES = {maxb}\nFETCH_TIMEOUT = {c.pick(5, 10)}"
    setup = "http = requests.Session()" if fetcher != "requests" else ""
    vfix = "resp = $http.get(src, timeout=FETCH_TIMEOUT, allow_redirects=False, stream=True)  #@V"
    sfix = "resp = $http.get($allow_fn(src, IMAGE_HOSTS), timeout=FETCH_TIMEOUT, allow_redirects=False, stream=True)"
    fetch_block = '''
        try:
            $FIX
            resp.raise_for_status()
        except (ValueError, requests.RequestException):
            $log.info("image fetch for $w %d failed", item_id)
            $ERR
        data = resp.raw.read(MAX_IMAGE_BYTES + 1, decode_content=True)
        if len(data) > MAX_IMAGE_BYTES:
            $TOOBIG
        save_image(item_id, data)
        $log.info("image of $w %d replaced (%d bytes)", item_id, len(data))
    '''
    frame, eps = _ssrf_frame(c, fw)
    if fw == "flask":
        head = '''
            @bp.post("/<int:item_id>/image")
            @require_role("editor")
            def $img_fn(item_id: int):
                payload = request.get_json(silent=True) or {}
                src = str(payload.get("$field", ""))  #@S
        '''
        err = ('return jsonify(error="could not fetch image"), 400', 'return jsonify(error="image too large"), 413')
        ret = "return jsonify(ok=True)"
        imp = "from .auth import require_role\nfrom .media import save_image"
    elif fw == "django":
        head = '''
            @require_POST
            @permission_required("catalog.change_$w", raise_exception=True)
            def $img_fn(request, item_id: int) -> JsonResponse:
                src = request.POST.get("$field", "")  #@S
        '''
        err = ('return JsonResponse({"error": "could not fetch image"}, status=400)',
               'return JsonResponse({"error": "image too large"}, status=413)')
        ret = 'return JsonResponse({"ok": True})'
        imp = ("from django.contrib.auth.decorators import permission_required\n"
               "from django.views.decorators.http import require_POST\nfrom .media import save_image")
    else:
        head = '''
            class ImageImport(BaseModel):
                $field: str


            @router.post("/{item_id}/image")
            def $img_fn(item_id: int, payload: ImageImport, user: User = Depends(require_editor)) -> dict:
                src = payload.$field  #@S
        '''
        err = ('raise HTTPException(status_code=400, detail="could not fetch image")',
               'raise HTTPException(status_code=413, detail="image too large")')
        ret = 'return {"ok": True}'
        imp = "import requests\nfrom fastapi import Depends\nfrom pydantic import BaseModel\nfrom .auth import User, require_editor\nfrom .media import save_image"
    body = (dedent(head).rstrip() + "\n" + _ind(fetch_block.replace("$ERR", err[0]).replace("$TOOBIG", err[1]), 4).rstrip()
            + "\n    " + ret)
    vuln = P("import", rank=3, imp=imp + "\nimport os\nimport requests", const=const, setup=setup, body=body,
             needs=["allow"])
    helpers = _ssrf_helpers(c)
    byk = {p.key: p for p in helpers}
    core = [frame, P("logging", rank=0, imp="import logging"), byk["webhook"], vuln]
    pool = [p for p in helpers if p.key not in ("webhook",)] + [e for e in eps if e.key != "ahook"]
    doc = c.pick("$W API: partner lookups on a fixed base URL, subscriber webhooks and image imports.",
                 "Routes for $ws backed by the $svc partner API, plus image import and event webhooks.",
                 "$Svc integration endpoints for $ws.")
    v, s = pair(c, doc, f'$log = logging.getLogger("$svc.{c.pick("api", "integration", "views")}")', core, pool, kw,
                fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the image URL from the request body is fetched without the host allow-list the module "
                      "applies to webhooks; partner calls built on the configured base URL are fine")


@hardneg(10)
def mod_safe_image_ssrf_hn(c):
    kw = _ssrf_kw(c)
    fw = c.pick("flask", "django", "fastapi", "aiohttp", "celery", "sdk")
    frame, eps = _ssrf_frame(c, fw)
    helpers = _ssrf_helpers(c)
    if fw in ("fastapi", "aiohttp"):
        # async modules: the sync requests client would be out of place; keep the framework-free helpers
        helpers = [p for p in helpers if p.key in ("enum", "allow", "slug", "sign", "region", "preview")]
    eps_main = [e for e in eps if e.key in ("show", "list", "category", "deliver", "sync", "stock", "batch")]
    core = [frame, P("logging", rank=0, imp="import logging")] + ([c.pick(*eps_main)] if eps_main else [])
    if fw == "sdk":
        core += [h for h in helpers if h.key == c.pick("paginate", "token", "health")]
    doc = {
        "flask": c.pick("$W blueprint backed by the $svc partner API.", "Read-only $w routes proxied to the $svc API."),
        "django": c.pick("$W views that read from the $svc partner API.", "Django views for $ws, served from $svc."),
        "fastapi": c.pick("Async $w routes on top of the $svc API (httpx, fixed base URL).", "$Svc proxy routes for $ws."),
        "aiohttp": c.pick("aiohttp handlers that proxy $w lookups to the $svc API.", "$W handlers using a shared partner session."),
        "celery": c.pick("Celery tasks: webhook delivery to allow-listed subscribers and $w sync.",
                         "Background delivery of $w events to subscriber webhooks."),
        "sdk": c.pick("Small client for the $svc partner API, usable as a library or from the command line.",
                      "$Svc API client and command-line helper."),
    }[fw]
    code = compose(c, doc, f'$log = logging.getLogger("$svc.{c.pick("client", "api", "sync", "hooks")}")', core,
                   helpers + eps, kw, lo=82, hi=108)
    return Spec(s=code, full=True, fw=fw,
                notes="every outbound request goes to the configured base URL with int/enum path parts, params= and a "
                      "timeout, or to a webhook host checked against an allow-list")


# ---------------- CWE-79: rendering with autoescape / escape / format_html; one unescaped value ----------------


def _xss_kw(c):
    w = c.pick("order", "ticket", "booking", "project", "course", "event", "shipment", "lesson", "survey")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), Ws=w.capitalize() + "s",
        log=c.pick("log", "logger"), pkg=c.pick("portal", "webapp", "frontdesk", "hub"),
        badge_fn=c.pick("status_badge", "state_badge", "badge"),
        link_fn=c.pick("user_link", "person_link", "author_link"),
        hl_fn=c.pick("highlight", "mark_term", "emphasize"),
        md_fn=c.pick("render_markdown", "markdown_html", "safe_markdown"),
        search_fn=c.pick("search_", "find_", "query_") + w + "s",
        get_fn=c.pick("get_", "load_", "fetch_") + w,
        psize=c.pick(20, 25, 50),
        maxq=c.pick(80, 100, 120),
    )


def _xss_helpers(c, django=False):
    site = 'SITE_URL = "https://' + c.pick("app.example.org", "portal.example.com", "www.example.net") + '"'
    css = c.pick('{"open": "badge-info", "closed": "badge-muted", "late": "badge-warn"}',
                 '{"draft": "badge-muted", "active": "badge-ok", "cancelled": "badge-danger"}',
                 '{"new": "badge-info", "done": "badge-ok", "blocked": "badge-warn"}')
    if django:
        badge = P("badge", rank=1, imp="from django.utils.html import format_html", const=f"BADGE_CLASSES = {css}", body='''
            def $badge_fn(status: str) -> str:
                """Status pill; format_html escapes the label, the class comes from a fixed table."""
                return format_html('<span class="badge {}">{}</span>', BADGE_CLASSES.get(status, "badge-muted"), status.title())
        ''')
        link = P("userlink", rank=1, imp="from django.urls import reverse\nfrom django.utils.html import format_html, format_html_join",
                 body='''
            def $link_fn(user) -> str:
                return format_html('<a href="{}">{}</a>', reverse("people:detail", args=[user.pk]), user.get_full_name())


            def people_list(users) -> str:
                return format_html_join(", ", '<a href="{}">{}</a>',
                                        ((reverse("people:detail", args=[u.pk]), u.get_full_name()) for u in users))
        ''')
    else:
        badge = P("badge", rank=1, imp="from markupsafe import Markup", const=f"BADGE_CLASSES = {css}", body='''
            def $badge_fn(status: str) -> Markup:
                """Status pill; Markup.format escapes the label, the class comes from a fixed table."""
                return Markup('<span class="badge {}">{}</span>').format(BADGE_CLASSES.get(status, "badge-muted"), status.title())
        ''')
        link = P("userlink", rank=1, imp="from markupsafe import Markup", body='''
            def $link_fn(user_id: int, display_name: str) -> Markup:
                """Link to a member page; the display name is user-chosen and escaped by format()."""
                return Markup('<a class="member" href="/people/{}">{}</a>').format(int(user_id), display_name)
        ''')
    safe_wrap = "mark_safe(cleaned)" if django else "Markup(cleaned)"
    parts = [
        badge, link,
        P("bleach", rank=1, imp="import bleach\nimport markdown" + ("\nfrom django.utils.safestring import mark_safe" if django else "\nfrom markupsafe import Markup"),
          const='ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "code", "pre", "a", "blockquote"})\n'
                'ALLOWED_ATTRS = {"a": ["href", "title"]}\nMAX_TEXT = ' + str(c.pick(5000, 10000, 20000)),
          body='''
            def $md_fn(text: str):
                """Member markdown -> HTML; bleach strips every tag, attribute and scheme not allowed."""
                raw = markdown.markdown(text[:MAX_TEXT], extensions=["fenced_code"])
                cleaned = bleach.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, protocols=["https", "mailto"], strip=True)
                return ''' + safe_wrap + '''
        '''),
        P("plain", rank=1, body='''
            def sms_text(first_name: str, count: int) -> str:
                """Plain-text notification (SMS / push); no HTML is involved, so nothing to escape."""
                noun = "$w" if count == 1 else "$ws"
                return f"Hi {first_name}, you have {count} new {noun}. Reply STOP to unsubscribe."
        '''),
        P("email", rank=1, imp="from email.message import EmailMessage\nfrom jinja2 import Environment, PackageLoader, select_autoescape",
          setup='mail_env = Environment(loader=PackageLoader("$pkg", "templates/email"), autoescape=select_autoescape(["html", "xml"]))',
          body='''
            def digest_message(to_addr: str, first_name: str, rows: list[dict]) -> EmailMessage:
                """Weekly digest: the text part is an f-string, the HTML part an autoescaped template."""
                msg = EmailMessage()
                msg["Subject"] = f"Your {len(rows)} $ws this week"
                msg["To"] = to_addr
                lines = "\\n".join(f"- {r['title']} ({r['status']})" for r in rows)
                msg.set_content(f"Hi {first_name},\\n\\nHere is your weekly summary:\\n{lines}\\n")
                msg.add_alternative(mail_env.get_template("digest.html").render(name=first_name, rows=rows), subtype="html")
                return msg
        '''),
    ]
    parts += [
        P("table", rank=1, imp="import html", body='''
            def rows_table(rows: list[dict]) -> str:
                """Small HTML table for the e-mail body; every cell goes through html.escape."""
                cells = "".join(
                    f"<tr><td>{html.escape(str(r['title']))}</td><td>{html.escape(str(r['status']))}</td></tr>" for r in rows
                )
                return f'<table class="digest"><tr><th>$W</th><th>Status</th></tr>{cells}</table>'
        '''),
        P("summary", rank=1, imp="import textwrap", body='''
            def text_summary(rows: list[dict], width: int = 72) -> str:
                """Plain-text lines for the text/plain part of a message."""
                return "\\n".join(textwrap.shorten(f"{r['title']} - {r['status']}", width=width, placeholder="...") for r in rows)
        '''),
        P("atom", rank=1, imp="import xml.etree.ElementTree as ET",
          const=site, body='''
            def atom_feed(rows: list[dict], title: str) -> bytes:
                """Atom feed built with ElementTree, which escapes text and attribute values itself."""
                feed = ET.Element("feed", xmlns="http://www.w3.org/2005/Atom")
                ET.SubElement(feed, "title").text = title
                for r in rows:
                    entry = ET.SubElement(feed, "entry")
                    ET.SubElement(entry, "title").text = r["title"]
                    ET.SubElement(entry, "link", href=f"{SITE_URL}/$ws/{int(r['id'])}")
                    ET.SubElement(entry, "updated").text = r["updated"].isoformat()
                return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
        '''),
        P("initials", rank=1, body='''
            def initials(display_name: str) -> str:
                """Avatar fallback text, e.g. "Ada Lovelace" -> "AL"."""
                parts = [p for p in display_name.split() if p[:1].isalpha()]
                return "".join(p[0].upper() for p in parts[:2]) or "?"
        '''),
    ]
    if django:
        parts += [
            P("cbv", rank=3, imp="from django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.views.generic import ListView\nfrom .models import $W",
              body='''
                class $WListView(LoginRequiredMixin, ListView):
                    template_name = "$ws/list.html"
                    paginate_by = $psize

                    def get_queryset(self):
                        q = self.request.GET.get("q", "").strip()[:$maxq]
                        qs = $W.objects.filter(owner=self.request.user).order_by("-created")
                        return qs.filter(title__icontains=q) if q else qs
            '''),
            P("admin", rank=3, needs=["badge"], imp="from django.contrib import admin\nfrom django.urls import reverse\nfrom django.utils.html import format_html\nfrom .models import $W",
              body='''
                @admin.register($W)
                class $WAdmin(admin.ModelAdmin):
                    list_display = ("title", "status_pill", "owner_link", "created")
                    search_fields = ("title",)

                    @admin.display(description="Status")
                    def status_pill(self, obj):
                        return $badge_fn(obj.status)

                    @admin.display(description="Owner")
                    def owner_link(self, obj):
                        url = reverse("admin:auth_user_change", args=[obj.owner_id])
                        return format_html('<a href="{}">{}</a>', url, obj.owner.get_username())
            '''),
            P("djmail", rank=2, imp="from django.core.mail import EmailMultiAlternatives\nfrom django.template.loader import render_to_string",
              body='''
                def send_confirmation(row) -> None:
                    """Both parts come from templates; the HTML one is autoescaped by Django."""
                    context = {"row": row, "user": row.owner}
                    text_body = render_to_string("emails/$w_confirmed.txt", context)
                    html_body = render_to_string("emails/$w_confirmed.html", context)
                    msg = EmailMultiAlternatives(subject="Your $w is confirmed", body=text_body, to=[row.owner.email])
                    msg.attach_alternative(html_body, "text/html")
                    msg.send()
                    $log.info("confirmation sent for $w %d", row.pk)
            '''),
        ]
    if not django:
        parts += [
            P("footer", rank=1, imp="from urllib.parse import quote\nfrom markupsafe import Markup",
              const=site, body='''
                def unsubscribe_footer(token: str) -> Markup:
                    url = f"{SITE_URL}/unsubscribe?t={quote(token, safe='')}"
                    return Markup('<p class="footer"><a href="{}">Unsubscribe</a> from these e-mails.</p>').format(url)
            '''),
            P("highlight", rank=1, imp="from markupsafe import Markup, escape", body='''
                def $hl_fn(text: str, term: str) -> Markup:
                    """Wrap occurrences of ``term`` in <mark>; Markup.join escapes every piece."""
                    if not term:
                        return escape(text)
                    return Markup("<mark>{}</mark>").format(term).join(text.split(term))
            '''),
            P("nl2br", rank=1, imp="from markupsafe import Markup, escape", body='''
                def nl2br(text: str) -> Markup:
                    """Escape first, then turn newlines into <br> tags."""
                    return Markup("<br>\\n").join(escape(text).split("\\n"))
            '''),
        ]
    return parts


def _xss_frame(c, fw):
    if fw == "flask":
        frame = P("frame", rank=0, imp="from flask import Blueprint, abort, jsonify, render_template, request, Response\n"
                                         "from flask_login import current_user, login_required\nfrom .repository import $search_fn, $get_fn",
                  const="PAGE_SIZE = $psize", setup='bp = Blueprint("$ws", __name__)')
        eps = [
            P("list", rank=3, body='''
                @bp.get("/$ws")
                @login_required
                def $w_list():
                    q = request.args.get("q", "").strip()[:$maxq]
                    rows = $search_fn(owner_id=current_user.id, text=q, limit=PAGE_SIZE)
                    return render_template("$ws/list.html", rows=rows, q=q)
            '''),
            P("detail", rank=3, needs=["badge", "userlink"], body='''
                @bp.get("/$ws/<int:item_id>")
                @login_required
                def $w_detail(item_id: int):
                    row = $get_fn(item_id, owner_id=current_user.id)
                    if row is None:
                        abort(404)
                    return render_template("$ws/detail.html", row=row, badge=$badge_fn(row.status),
                                           author=$link_fn(row.author_id, row.author_name))
            '''),
            P("export", rank=3, imp="import json", body='''
                @bp.get("/$ws/export.json")
                @login_required
                def export_json() -> Response:
                    rows = $search_fn(owner_id=current_user.id, text="", limit=1000)
                    body = json.dumps({"$ws": rows, "count": len(rows)}, default=str)
                    $log.info("user %d exported %d $ws", current_user.id, len(rows))
                    return Response(body, mimetype="application/json")
            '''),
            P("preview", rank=3, needs=["bleach"], body='''
                @bp.post("/$ws/preview")
                @login_required
                def preview():
                    text = str((request.get_json(silent=True) or {}).get("text", ""))
                    return jsonify(html=str($md_fn(text)))
            '''),
            P("headers", rank=3, body='''
                @bp.after_app_request
                def security_headers(response: Response) -> Response:
                    response.headers.setdefault("Content-Security-Policy", "default-src 'self'; object-src 'none'")
                    response.headers.setdefault("X-Content-Type-Options", "nosniff")
                    return response
            '''),
            P("search", rank=3, imp="from markupsafe import Markup", body='''
                @bp.get("/$ws/search")
                @login_required
                def search():
                    q = request.args.get("q", "").strip()[:$maxq]
                    rows = $search_fn(owner_id=current_user.id, text=q, limit=PAGE_SIZE) if q else []
                    heading = Markup("Results for <em>{}</em>").format(q)
                    return render_template("$ws/search.html", heading=heading, rows=rows, q=q)
            '''),
        ]
        return frame, eps
    if fw == "django":
        frame = P("frame", rank=0, imp="from django.contrib.auth.decorators import login_required\nfrom django.http import HttpResponse, JsonResponse\n"
                                         "from django.shortcuts import get_object_or_404, render\nfrom django.views.decorators.http import require_GET\n"
                                         "from .models import $W", const="PAGE_SIZE = $psize")
        eps = [
            P("list", rank=3, body='''
                @require_GET
                @login_required
                def $w_list(request) -> HttpResponse:
                    q = request.GET.get("q", "").strip()[:$maxq]
                    rows = $W.objects.filter(owner=request.user, title__icontains=q).order_by("-created")[:PAGE_SIZE]
                    return render(request, "$ws/list.html", {"rows": rows, "q": q})
            '''),
            P("detail", rank=3, needs=["badge", "userlink"], body='''
                @require_GET
                @login_required
                def $w_detail(request, pk: int) -> HttpResponse:
                    row = get_object_or_404($W, pk=pk, owner=request.user)
                    context = {"row": row, "badge": $badge_fn(row.status), "author": $link_fn(row.author)}
                    return render(request, "$ws/detail.html", context)
            '''),
            P("partial", rank=3, imp="from django.utils.html import format_html, format_html_join", body='''
                @require_GET
                @login_required
                def search_partial(request) -> HttpResponse:
                    q = request.GET.get("q", "").strip()[:$maxq]
                    rows = $W.objects.filter(owner=request.user, title__icontains=q)[:PAGE_SIZE] if q else []
                    items = format_html_join("\\n", '<li><a href="{}">{}</a></li>', ((r.get_absolute_url(), r.title) for r in rows))
                    return HttpResponse(format_html('<div class="filter">Filter: <b>{}</b></div><ul class="results">{}</ul>', q, items))
            '''),
            P("json", rank=3, body='''
                @require_GET
                @login_required
                def $w_feed(request) -> JsonResponse:
                    rows = $W.objects.filter(owner=request.user).order_by("-created")[:PAGE_SIZE]
                    data = [{"id": r.pk, "title": r.title, "status": r.status} for r in rows]
                    return JsonResponse({"$ws": data})
            '''),
        ]
        return frame, eps
    if fw == "fastapi":
        frame = P("frame", rank=0, imp="from fastapi import APIRouter, Depends, HTTPException, Request\n"
                                         "from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse\n"
                                         "from fastapi.templating import Jinja2Templates\nfrom .auth import User, current_user\n"
                                         "from .repository import $search_fn, $get_fn",
                  const="PAGE_SIZE = $psize", setup='router = APIRouter()\ntemplates = Jinja2Templates(directory="templates")')
        eps = [
            P("list", rank=3, body='''
                @router.get("/$ws", response_class=HTMLResponse)
                async def $w_list(request: Request, q: str = "", user: User = Depends(current_user)):
                    term = q.strip()[:$maxq]
                    rows = await $search_fn(owner_id=user.id, text=term, limit=PAGE_SIZE)
                    return templates.TemplateResponse(request, "$ws/list.html", {"rows": rows, "q": term})
            '''),
            P("text", rank=3, body='''
                @router.get("/$ws/{item_id}.txt", response_class=PlainTextResponse)
                async def $w_text(item_id: int, user: User = Depends(current_user)) -> str:
                    row = await $get_fn(item_id, owner_id=user.id)
                    if row is None:
                        raise HTTPException(status_code=404, detail="not found")
                    return f"{row.title}\\nstatus: {row.status}\\ncreated: {row.created:%Y-%m-%d}\\n"
            '''),
            P("suggest", rank=3, imp="from markupsafe import escape", body='''
                @router.get("/$ws/suggest", response_class=HTMLResponse)
                async def suggest(q: str = "", user: User = Depends(current_user)) -> HTMLResponse:
                    term = q.strip()[:$maxq]
                    rows = await $search_fn(owner_id=user.id, text=term, limit=8)
                    items = "".join(f"<li>{escape(r.title)}</li>" for r in rows)
                    return HTMLResponse(f'<ul class="suggest" data-term="{escape(term)}">{items}</ul>')
            '''),
            P("json", rank=3, body='''
                @router.get("/api/$ws/{item_id}")
                async def $w_json(item_id: int, user: User = Depends(current_user)) -> JSONResponse:
                    row = await $get_fn(item_id, owner_id=user.id)
                    if row is None:
                        raise HTTPException(status_code=404, detail="not found")
                    return JSONResponse({"id": row.id, "title": row.title, "status": row.status})
            '''),
        ]
        return frame, eps
    if fw == "tornado":
        frame = P("frame", rank=0, imp="import os\nimport tornado.web\nfrom tornado.escape import xhtml_escape\nfrom .repository import $search_fn, $get_fn",
                  const="PAGE_SIZE = $psize", needs=["base"], tail='''
            def make_app() -> tornado.web.Application:
                return tornado.web.Application(
                    [
                        (r"/$ws", $WListHandler),
                        (r"/api/$ws/([0-9]+)", $WApiHandler),
                        (r"/$ws/([0-9]+)/chip", $WChipHandler),
                    ],
                    template_path=os.path.join(os.path.dirname(__file__), "templates"),
                    cookie_secret=os.environ["COOKIE_SECRET"],
                    xsrf_cookies=True,
                    login_url="/login",
                )
        ''')
        eps = [
            P("base", rank=2, body='''
                class BaseHandler(tornado.web.RequestHandler):
                    def get_current_user(self) -> int | None:
                        raw = self.get_signed_cookie("uid")
                        return int(raw) if raw else None
            '''),
            P("hlist", rank=3, body='''
                class $WListHandler(BaseHandler):
                    @tornado.web.authenticated
                    def get(self) -> None:
                        q = self.get_argument("q", "").strip()[:$maxq]
                        rows = $search_fn(owner_id=self.current_user, text=q, limit=PAGE_SIZE)
                        self.render("$ws/list.html", rows=rows, q=q)
            '''),
            P("hapi", rank=3, body='''
                class $WApiHandler(BaseHandler):
                    @tornado.web.authenticated
                    def get(self, item_id: str) -> None:
                        row = $get_fn(int(item_id), owner_id=self.current_user)
                        if row is None:
                            raise tornado.web.HTTPError(404)
                        self.write({"id": row.id, "title": row.title, "status": row.status})
            '''),
            P("hchip", rank=3, body='''
                class $WChipHandler(BaseHandler):
                    @tornado.web.authenticated
                    def get(self, item_id: str) -> None:
                        row = $get_fn(int(item_id), owner_id=self.current_user)
                        if row is None:
                            raise tornado.web.HTTPError(404)
                        self.write(f'<span class="chip" title="{xhtml_escape(row.title)}">{xhtml_escape(row.status)}</span>')
            '''),
        ]
        return frame, eps
    if fw == "aiohttp":
        frame = P("frame", rank=0, imp="import aiohttp_jinja2\nimport jinja2\nfrom aiohttp import web\nfrom .repository import $search_fn, $get_fn",
                  const="PAGE_SIZE = $psize", setup="routes = web.RouteTableDef()", tail='''
            def create_app() -> web.Application:
                app = web.Application()
                aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("$pkg", "templates"),
                                     autoescape=jinja2.select_autoescape(["html"]))
                app.add_routes(routes)
                return app
        ''')
        eps = [
            P("list", rank=3, body='''
                @routes.get("/$ws")
                @aiohttp_jinja2.template("$ws/list.html")
                async def $w_list(request: web.Request) -> dict:
                    q = request.query.get("q", "").strip()[:$maxq]
                    rows = await $search_fn(owner_id=request["user_id"], text=q, limit=PAGE_SIZE)
                    return {"rows": rows, "q": q}
            '''),
            P("json", rank=3, body='''
                @routes.get("/api/$ws/{item_id:[0-9]+}")
                async def $w_json(request: web.Request) -> web.Response:
                    row = await $get_fn(int(request.match_info["item_id"]), owner_id=request["user_id"])
                    if row is None:
                        raise web.HTTPNotFound()
                    return web.json_response({"id": row.id, "title": row.title, "status": row.status})
            '''),
            P("text", rank=3, body='''
                @routes.get("/$ws/{item_id:[0-9]+}.txt")
                async def $w_text(request: web.Request) -> web.Response:
                    row = await $get_fn(int(request.match_info["item_id"]), owner_id=request["user_id"])
                    if row is None:
                        raise web.HTTPNotFound()
                    return web.Response(text=f"{row.title}\\nstatus: {row.status}\\n", content_type="text/plain")
            '''),
        ]
        return frame, eps
    if fw == "script":
        frame = P("frame", rank=0, needs=["email"], imp="import sys\nfrom .db import active_subscribers, $ws_since\nfrom .outbox import enqueue",
                  const=f"DIGEST_DAYS = {c.pick(7, 14)}", tail='''
            def main() -> int:
                sent = 0
                for sub in active_subscribers():
                    rows = $ws_since(sub.id, days=DIGEST_DAYS)
                    if not rows:
                        continue
                    enqueue(digest_message(sub.email, sub.first_name, rows))
                    sent += 1
                $log.info("queued %d digest emails", sent)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        ''')
        return frame, []
    raise KeyError(fw)


@fam("mod-safe-web-heading-markup-xss", "CWE-79", fws=["flask", "django", "flask", "fastapi"], n=6, wrap=False)
def mod_safe_heading_xss(c):
    kw = _xss_kw(c)
    fw = c.fw
    frame, eps = _xss_frame(c, fw)
    if fw == "flask":
        label = c.pick("Results for", "Matches for", "$Ws matching")
        vuln = P("vuln", rank=3, imp="from markupsafe import Markup", body='''
            @bp.get("/$ws/search")
            @login_required
            def search():
                q = request.args.get("q", "").strip()[:$maxq]  #@S
                rows = $search_fn(owner_id=current_user.id, text=q, limit=PAGE_SIZE) if q else []
                $FIX
                $log.info("search by user %d returned %d rows", current_user.id, len(rows))
                return render_template("$ws/search.html", heading=heading, rows=rows, q=q)
        ''')
        vfix = f'heading = Markup(f"{label} <em>{{q}}</em>")  #@V'
        sfix = f'heading = Markup("{label} <em>{{}}</em>").format(q)'
        eps = [e for e in eps if e.key != "search"]
    elif fw == "django":
        vuln = P("vuln", rank=3, imp="from django.utils.html import format_html, format_html_join", body='''
            @require_GET
            @login_required
            def search_partial(request) -> HttpResponse:
                q = request.GET.get("q", "").strip()[:$maxq]  #@S
                rows = $W.objects.filter(owner=request.user, title__icontains=q)[:PAGE_SIZE] if q else []
                items = format_html_join("\\n", '<li><a href="{}">{}</a></li>', ((r.get_absolute_url(), r.title) for r in rows))
                $FIX
        ''')
        vfix = 'return HttpResponse(f\'<div class="filter">Filter: <b>{q}</b></div><ul class="results">{items}</ul>\')  #@V'
        sfix = 'return HttpResponse(format_html(\'<div class="filter">Filter: <b>{}</b></div><ul class="results">{}</ul>\', q, items))'
        eps = [e for e in eps if e.key != "partial"]
    else:
        attr = c.pick("data-term", "aria-label", "title")
        vuln = P("vuln", rank=3, imp="from markupsafe import escape", body='''
            @router.get("/$ws/suggest", response_class=HTMLResponse)
            async def suggest(q: str = "", user: User = Depends(current_user)) -> HTMLResponse:
                term = q.strip()[:$maxq]  #@S
                rows = await $search_fn(owner_id=user.id, text=term, limit=8)
                items = "".join(f"<li>{escape(r.title)}</li>" for r in rows)
                $FIX
        ''')
        vfix = f'return HTMLResponse(f\'<ul class="suggest" {attr}="{{term}}">{{items}}</ul>\')  #@V'
        sfix = f'return HTMLResponse(f\'<ul class="suggest" {attr}="{{escape(term)}}">{{items}}</ul>\')'
        eps = [e for e in eps if e.key != "suggest"]
    helpers = _xss_helpers(c, django=fw == "django")
    if fw == "django":
        helpers = [h for h in helpers if h.key != "email"]
    core = [frame, P("logging", rank=0, imp="import logging"), vuln, c.pick(*eps)]
    doc = c.pick("$W pages: list, detail, search and the small HTML fragments the front end swaps in.",
                 "Views for $ws: templates do the escaping; a few helpers build HTML snippets by hand.",
                 "$Ws UI endpoints (server-rendered pages, JSON and htmx partials).")
    v, s = pair(c, doc, f'$log = logging.getLogger("$pkg.$ws")', core, helpers + eps, kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="the search term from the query string is put into HTML without escaping (Markup/f-string); "
                      "the other views use autoescaped templates, Markup.format, format_html or JSON")


@hardneg(10)
def mod_safe_heading_xss_hn(c):
    kw = _xss_kw(c)
    fw = c.pick("flask", "django", "fastapi", "tornado", "aiohttp", "script")
    frame, eps = _xss_frame(c, fw)
    helpers = _xss_helpers(c, django=fw == "django")
    if fw == "django":
        helpers = [h for h in helpers if h.key != "email"]
    core = [frame, P("logging", rank=0, imp="import logging")]
    if fw == "tornado":
        core += eps
    elif eps:
        core.append(c.pick(*eps))
    doc = {
        "flask": c.pick("$W pages and JSON export; templates are autoescaped, snippets use Markup.format.",
                        "Blueprint for $ws: list, detail, search, preview."),
        "django": c.pick("$W views: templates, format_html fragments and a JSON feed.", "Django views for the $w pages."),
        "fastapi": c.pick("$W routes: Jinja2 templates, plain-text and JSON responses.", "Server-rendered $w pages (FastAPI)."),
        "tornado": c.pick("Tornado handlers for $ws: templates, JSON and a small status chip.", "$W handlers (tornado)."),
        "aiohttp": c.pick("aiohttp views for $ws rendered with aiohttp_jinja2.", "$W pages and JSON (aiohttp)."),
        "script": c.pick("Weekly $w digest: builds text and HTML emails and queues them.", "Digest mailer for $ws."),
    }[fw]
    code = compose(c, doc, f'$log = logging.getLogger("$pkg.{c.pick("views", "pages", "render", "mail")}")', core,
                   helpers + eps, kw, lo=82, hi=108)
    return Spec(s=code, full=True, fw=fw,
                notes="user text reaches HTML only through autoescaped templates, Markup.format / format_html, escape(), "
                      "bleach, or goes out as JSON / text/plain")


# ---------------- CWE-798: settings read from the environment / secret files; one literal credential ----------------


def _cred_kw(c):
    app = c.pick("billing", "notifier", "catalog", "scheduler", "ledger", "gateway", "reports")
    partner = c.pick("payments", "geo", "crm", "mailer")
    return dict(
        app=app, APP=app.upper(), App=app.capitalize(), log=c.pick("log", "logger"),
        req_fn=c.pick("_require", "require_env", "_env"),
        sec_fn=c.pick("_secret", "read_secret", "load_secret"),
        tok_fn=c.pick("token_ok", "valid_api_token", "check_api_token"),
        Settings=c.pick("Settings", "AppConfig", "ServiceSettings"),
        settings_var=c.pick("settings", "config", "cfg"),
        partner=partner, PARTNER=partner.upper(),
    )


def _literal(c, kind):
    """A credential-looking literal for the weak statement (never used in safe code)."""
    alnum = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    if kind == "password":
        return c.pick("Summer2024!db", "pg-Adm1n#77", "Harbor!Lantern9", "ledger_pw_2023", "Qx7!vR2m#Lp9")
    return "".join(c.rng.choice(alnum) for _ in range(c.pick(24, 32, 40)))


def _cred_helpers(c):
    return [
        P("require", rank=1, imp="import os", body='''
            class ConfigError(RuntimeError):
                """Raised at start-up when a required setting is missing."""


            def $req_fn(name: str) -> str:
                value = os.environ.get(name, "").strip()
                if not value:
                    raise ConfigError(f"environment variable {name} is required but not set")
                return value
        '''),
        P("secretfile", rank=1, needs=["require"], imp="import os\nfrom pathlib import Path", body='''
            def $sec_fn(name: str) -> str:
                """A secret from the file named by NAME_FILE (container secrets), else from NAME."""
                path = os.environ.get(f"{name}_FILE")
                if path:
                    return Path(path).read_text(encoding="utf-8").strip()
                return $req_fn(name)
        '''),
        P("names", rank=1, const=c.pick('PASSWORD_FIELD = "password"\nTOKEN_HEADER = "X-Api-Token"',
                                        'TOKEN_HEADER = "X-Api-Token"\nPASSWORD_FIELD = "password"\nUSERNAME_FIELD = "username"',
                                        'AUTH_HEADER = "Authorization"\nTOKEN_HEADER = "X-Api-Token"')),
        P("redact", rank=1, const='SENSITIVE = ("password", "secret", "token", "api_key", "authorization")\nREDACTED = "********"',
          body='''
            def redacted(values: dict) -> dict:
                """Copy of a settings mapping that is safe to log: sensitive values are masked."""
                return {k: (REDACTED if any(s in k.lower() for s in SENSITIVE) else v) for k, v in values.items()}
        '''),
        P("tokcheck", rank=1, imp="import hmac", body='''
            def $tok_fn(presented: str | None, expected: str) -> bool:
                """Compare a token from a request header with the configured one, in constant time."""
                if not presented or not expected:
                    return False
                return hmac.compare_digest(presented.encode(), expected.encode())
        '''),
        P("sign", rank=1, imp="import hashlib\nimport hmac", body='''
            def sign_payload(payload: bytes, key: bytes) -> str:
                """HMAC-SHA256 signature for outgoing callbacks; the key comes from settings."""
                return hmac.new(key, payload, hashlib.sha256).hexdigest()
        '''),
        P("url", rank=2, needs=["secretfile"], imp="from sqlalchemy import URL, create_engine", body='''
            def make_engine():
                url = URL.create(
                    "postgresql+psycopg",
                    username=os.environ.get("DB_USER", "$app"),
                    password=$sec_fn("DB_PASSWORD"),
                    host=os.environ.get("DB_HOST", "localhost"),
                    database=os.environ.get("DB_NAME", "$app"),
                )
                return create_engine(url, pool_pre_ping=True, pool_size=int(os.environ.get("DB_POOL_SIZE", "5")))
        '''),
        P("partner", rank=2, needs=["secretfile"], imp="import requests",
          const='$PARTNER_BASE = os.environ.get("$PARTNER_API_BASE", "https://api.$partner.example.com")', body='''
            def partner_session() -> requests.Session:
                """Session for the $partner API; the bearer token is read at start-up, never hard-coded."""
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {$sec_fn('$PARTNER_API_TOKEN')}"
                session.headers["Accept"] = "application/json"
                return session
        '''),
    ]


def _cred_dataclass():
    return P("dc", rank=2, needs=["secretfile"], imp="from dataclasses import dataclass, field", body='''
        @dataclass(frozen=True)
        class $Settings:
            db_host: str
            db_name: str
            db_user: str
            db_password: str = field(repr=False)
            api_token: str = field(repr=False)
            request_timeout: float = 10.0

            @classmethod
            def from_env(cls) -> "$Settings":
                return cls(
                    db_host=os.environ.get("DB_HOST", "localhost"),
                    db_name=os.environ.get("DB_NAME", "$app"),
                    db_user=os.environ.get("DB_USER", "$app"),
                    db_password=$sec_fn("DB_PASSWORD"),
                    api_token=$sec_fn("$APP_API_TOKEN"),
                    request_timeout=float(os.environ.get("REQUEST_TIMEOUT", "10")),
                )

            def log_summary(self) -> None:
                $log.info("db %s@%s/%s, timeout %.1fs", self.db_user, self.db_host, self.db_name, self.request_timeout)
    ''')


def _cred_frame(c, fw):
    if fw == "flask":
        frame = P("frame", rank=0, needs=["secretfile", "tokcheck", "names"],
                  imp="from functools import wraps\nfrom flask import Flask, abort, current_app, jsonify, request")
        eps = [
            P("config", rank=2, body='''
                class Config:
                    SECRET_KEY = $sec_fn("FLASK_SECRET_KEY")
                    SQLALCHEMY_DATABASE_URI = $sec_fn("DATABASE_URL")
                    API_TOKEN = $sec_fn("$APP_API_TOKEN")
                    SESSION_COOKIE_SECURE = True
                    SESSION_COOKIE_HTTPONLY = True
                    SESSION_COOKIE_SAMESITE = "Lax"
            '''),
            P("decorator", rank=2, body='''
                def require_api_token(view):
                    @wraps(view)
                    def wrapper(*args, **kwargs):
                        if not $tok_fn(request.headers.get(TOKEN_HEADER), current_app.config["API_TOKEN"]):
                            abort(401)
                        return view(*args, **kwargs)
                    return wrapper
            '''),
            P("factory", rank=4, needs=["config", "decorator"], body='''
                def create_app(config: type = Config) -> Flask:
                    app = Flask(__name__)
                    app.config.from_object(config)

                    @app.get("/internal/ping")
                    @require_api_token
                    def ping():
                        return jsonify(status="ok")

                    $log.info("$app app created")
                    return app
            '''),
        ]
        return frame, eps
    if fw == "fastapi":
        frame = P("frame", rank=0, needs=["names"], imp="import secrets\nfrom functools import lru_cache\nfrom fastapi import Depends, FastAPI, Header, HTTPException\n"
                                                      "from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings, SettingsConfigDict")
        eps = [
            P("psettings", rank=2, body='''
                class $Settings(BaseSettings):
                    """Values come from $APP_* variables, a .env file in development, or /run/secrets."""

                    model_config = SettingsConfigDict(env_prefix="$APP_", env_file=".env", secrets_dir="/run/secrets")

                    database_url: SecretStr
                    api_token: SecretStr
                    jwt_signing_key: SecretStr
                    webhook_secret: SecretStr
                    request_timeout: float = 10.0
                    allowed_origins: list[str] = []


                @lru_cache
                def get_settings() -> $Settings:
                    return $Settings()
            '''),
            P("dep", rank=3, needs=["psettings"], body='''
                def verify_token(x_api_token: str | None = Header(default=None),
                                 $settings_var: $Settings = Depends(get_settings)) -> None:
                    expected = $settings_var.api_token.get_secret_value()
                    if x_api_token is None or not secrets.compare_digest(x_api_token, expected):
                        raise HTTPException(status_code=401, detail="invalid or missing API token")
            '''),
            P("app", rank=4, needs=["dep"], body='''
                app = FastAPI(title="$App service")


                @app.get("/internal/config-check", dependencies=[Depends(verify_token)])
                def config_check($settings_var: $Settings = Depends(get_settings)) -> dict:
                    """Reports which settings are present, never their values."""
                    return {"database_url": bool($settings_var.database_url.get_secret_value()),
                            "timeout": $settings_var.request_timeout}
            '''),
            P("engine", rank=3, needs=["psettings"], imp="from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine", body='''
                @lru_cache
                def get_engine() -> AsyncEngine:
                    """The DSN, password included, lives only in the secret setting."""
                    return create_async_engine(get_settings().database_url.get_secret_value(), pool_pre_ping=True)
            '''),
            P("hook", rank=5, needs=["app"], imp="import hashlib\nimport hmac\nfrom fastapi import Request", body='''
                @app.post("/hooks/$partner")
                async def $partner_hook(request: Request, x_signature: str = Header(default=""),
                                        $settings_var: $Settings = Depends(get_settings)) -> dict:
                    body = await request.body()
                    key = $settings_var.webhook_secret.get_secret_value().encode()
                    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
                    if not hmac.compare_digest(expected, x_signature):
                        raise HTTPException(status_code=401, detail="bad signature")
                    $log.info("$partner webhook accepted (%d bytes)", len(body))
                    return {"ok": True}
            ''', ),
            P("cors", rank=5, needs=["app"], imp="from fastapi.middleware.cors import CORSMiddleware", body='''
                app.add_middleware(
                    CORSMiddleware,
                    allow_origins=get_settings().allowed_origins,
                    allow_methods=["GET", "POST"],
                    allow_headers=[TOKEN_HEADER, "Content-Type"],
                )
            '''),
            P("jwt", rank=3, needs=["psettings"], imp="import jwt\nfrom datetime import datetime, timedelta, timezone", body='''
                def issue_service_token(subject: str, $settings_var: $Settings) -> str:
                    now = datetime.now(timezone.utc)
                    claims = {"sub": subject, "iat": now, "exp": now + timedelta(minutes=15)}
                    return jwt.encode(claims, $settings_var.jwt_signing_key.get_secret_value(), algorithm="HS256")
            '''),
        ]
        return frame, eps
    if fw == "starlette":
        frame = P("frame", rank=0, needs=["names", "tokcheck"], imp="from starlette.config import Config\nfrom starlette.datastructures import Secret\n"
                                                                  "from starlette.middleware.base import BaseHTTPMiddleware\nfrom starlette.responses import JSONResponse",
                  setup='config = Config(".env")\nDATABASE_URL = config("DATABASE_URL", cast=Secret)\nAPI_TOKEN = config("API_TOKEN", cast=Secret)\n'
                        'SMTP_PASSWORD = config("SMTP_PASSWORD", cast=Secret, default=None)\nREQUEST_TIMEOUT = config("REQUEST_TIMEOUT", cast=float, default=10.0)')
        eps = [
            P("mw", rank=3, body='''
                class ApiTokenMiddleware(BaseHTTPMiddleware):
                    """Every /internal request must carry the configured token."""

                    async def dispatch(self, request, call_next):
                        if request.url.path.startswith("/internal/"):
                            if not $tok_fn(request.headers.get(TOKEN_HEADER), str(API_TOKEN)):
                                return JSONResponse({"error": "unauthorized"}, status_code=401)
                        return await call_next(request)
            '''),
            P("mailcfg", rank=3, body='''
                def smtp_settings() -> dict:
                    """Keyword arguments for the mail client; the password may be absent in development."""
                    return {
                        "host": config("SMTP_HOST", default="localhost"),
                        "port": config("SMTP_PORT", cast=int, default=587),
                        "username": config("SMTP_USER", default=""),
                        "password": str(SMTP_PASSWORD) if SMTP_PASSWORD else None,
                        "start_tls": True,
                    }
            '''),
        ]
        return frame, eps
    if fw == "tornado":
        frame = P("frame", rank=0, needs=["secretfile", "tokcheck", "names"], imp="import tornado.web", tail='''
            def make_app() -> tornado.web.Application:
                return tornado.web.Application(
                    [(r"/internal/health", HealthHandler)],
                    cookie_secret=$sec_fn("COOKIE_SECRET"),
                    xsrf_cookies=True,
                    api_token=$sec_fn("$APP_API_TOKEN"),
                )
        ''')
        eps = [
            P("handler", rank=3, body='''
                class HealthHandler(tornado.web.RequestHandler):
                    def prepare(self) -> None:
                        if not $tok_fn(self.request.headers.get(TOKEN_HEADER), self.settings["api_token"]):
                            raise tornado.web.HTTPError(401)

                    def get(self) -> None:
                        self.write({"status": "ok"})
            '''),
        ]
        return frame, eps
    if fw == "cli":
        frame = P("frame", rank=0, needs=["require"], imp="import argparse\nimport getpass\nimport sys\nimport keyring", tail='''
            def db_password(user: str) -> str:
                """Environment first, then the OS keyring, then an interactive prompt."""
                from_env = os.environ.get("DB_PASSWORD")
                if from_env:
                    return from_env
                stored = keyring.get_password("$app-db", user)
                return stored if stored else getpass.getpass(f"Password for {user}: ")


            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="$App maintenance: check database connectivity.")
                parser.add_argument("--user", default=os.environ.get("DB_USER", "$app"))
                parser.add_argument("--store-in-keyring", action="store_true")
                args = parser.parse_args(argv)
                password = db_password(args.user)
                if args.store_in_keyring:
                    keyring.set_password("$app-db", args.user, password)
                ok = check_connection(args.user, password)
                print("connection ok" if ok else "connection failed", file=sys.stderr)
                return 0 if ok else 1


            if __name__ == "__main__":
                sys.exit(main())
        ''')
        eps = [
            P("check", rank=3, imp="import psycopg", body='''
                def check_connection(user: str, password: str) -> bool:
                    try:
                        with psycopg.connect(host=os.environ.get("DB_HOST", "localhost"), user=user, password=password,
                                             dbname=os.environ.get("DB_NAME", "$app"), connect_timeout=5) as conn:
                            conn.execute("SELECT 1")
                        return True
                    except psycopg.OperationalError:
                        $log.warning("database connection failed for user %r", user)
                        return False
            '''),
        ]
        return frame, eps
    if fw == "celery":
        frame = P("frame", rank=0, needs=["secretfile"], imp="from celery import Celery",
                  setup='app = Celery("$app")')
        eps = [
            P("conf", rank=3, body='''
                app.conf.update(
                    broker_url=$sec_fn("CELERY_BROKER_URL"),
                    result_backend=$sec_fn("CELERY_RESULT_BACKEND"),
                    task_acks_late=True,
                    worker_prefetch_multiplier=1,
                )
            '''),
            P("task", rank=4, needs=["partner"], body='''
                @app.task(bind=True, max_retries=3, default_retry_delay=30)
                def push_$app_record(self, record_id: int, payload: dict) -> int:
                    session = partner_session()
                    try:
                        response = session.post(f"{$PARTNER_BASE}/v1/records/{int(record_id)}", json=payload, timeout=10)
                    except requests.ConnectionError as exc:
                        raise self.retry(exc=exc)
                    return response.status_code
            '''),
        ]
        return frame, eps
    raise KeyError(fw)


@fam("mod-safe-web-settings-literal-secret", "CWE-798", fws=["flask", "flask", "flask", "flask", "fastapi", "cli", "celery"],
     n=6, wrap=False)
def mod_safe_settings_secret(c):
    kw = _cred_kw(c)
    fw = c.fw
    frame, eps = _cred_frame(c, fw)
    helpers = _cred_helpers(c)
    shapes = ["db", "bearer", "compare"] + (["flask"] if fw == "flask" else [])
    shape = c.pick(*shapes)
    if shape == "db":
        lit = _literal(c, "password")
        vuln = P("vuln", rank=2, needs=["secretfile"], imp="from sqlalchemy import URL, create_engine", body='''
            def make_engine():
                url = URL.create(
                    "postgresql+psycopg",
                    username=os.environ.get("DB_USER", "$app"),
                    $FIX
                    host=os.environ.get("DB_HOST", "localhost"),
                    database=os.environ.get("DB_NAME", "$app"),
                )
                return create_engine(url, pool_pre_ping=True)
        ''')
        vfix, sfix = f'password="{lit}",  #@V', 'password=$sec_fn("DB_PASSWORD"),'
        helpers = [h for h in helpers if h.key != "url"]
    elif shape == "bearer":
        lit = _literal(c, "token")
        vuln = P("partner", rank=2, needs=["secretfile"], imp="import requests",
                 const='$PARTNER_BASE = os.environ.get("$PARTNER_API_BASE", "https://api.$partner.example.com")', body='''
            def partner_session() -> requests.Session:
                """Session for the $partner API."""
                session = requests.Session()
                $FIX
                session.headers["Accept"] = "application/json"
                return session
        ''')
        vfix = f'session.headers["Authorization"] = "Bearer {lit}"  #@V'
        sfix = 'session.headers["Authorization"] = f"Bearer {$sec_fn(\'$PARTNER_API_TOKEN\')}"'
        helpers = [h for h in helpers if h.key != "partner"]
    elif shape == "compare":
        lit = _literal(c, "token")
        vuln = P("vuln", rank=2, needs=["secretfile"], imp="import hmac", body='''
            def is_operator(presented: str | None) -> bool:
                """Operator override for the maintenance endpoints."""
                if not presented:
                    return False
                $FIX
        ''')
        vfix = f'return hmac.compare_digest(presented, "{lit}")  #@V'
        sfix = 'return hmac.compare_digest(presented, $sec_fn("$APP_OPERATOR_TOKEN"))'
    else:
        lit = _literal(c, "token")
        vuln = P("config", rank=2, body='''
            class Config:
                $FIX
                SQLALCHEMY_DATABASE_URI = $sec_fn("DATABASE_URL")
                API_TOKEN = $sec_fn("$APP_API_TOKEN")
                SESSION_COOKIE_SECURE = True
                SESSION_COOKIE_HTTPONLY = True
                SESSION_COOKIE_SAMESITE = "Lax"
        ''')
        vfix, sfix = f'SECRET_KEY = "{lit}"  #@V', 'SECRET_KEY = $sec_fn("FLASK_SECRET_KEY")'
        eps = [e for e in eps if e.key != "config"]
    core = [frame, P("logging", rank=0, imp="import logging"), vuln, next(h for h in helpers if h.key == "secretfile")] + \
        [e for e in eps if e.key in ("factory", "app", "check", "conf")]
    doc = c.pick("Configuration for the $app service: environment variables, secret files and API-token checks.",
                 "$App settings and the small helpers that read credentials at start-up.",
                 "Start-up configuration of $app: where every credential comes from.")
    v, s = pair(c, doc, f'$log = logging.getLogger("$app.{c.pick("config", "settings", "bootstrap")}")', core,
                helpers + eps + [_cred_dataclass()], kw, fill(vfix, **kw), fill(sfix, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="one credential is a string literal in the source; every other setting is read from the "
                      "environment or a secret file, and names such as PASSWORD_FIELD are not secrets")


@hardneg(10)
def mod_safe_settings_secret_hn(c):
    kw = _cred_kw(c)
    fw = c.pick("flask", "fastapi", "starlette", "tornado", "cli", "celery")
    frame, eps = _cred_frame(c, fw)
    helpers = _cred_helpers(c) + ([_cred_dataclass()] if fw != "fastapi" else [])
    core = [frame, P("logging", rank=0, imp="import logging")] + \
        [e for e in eps if e.key in ("factory", "app", "check", "conf", "mw", "handler")]
    doc = {
        "flask": c.pick("Flask application factory and configuration for $app.", "$App settings (Flask): secrets from env or files."),
        "fastapi": c.pick("Settings and API-token dependency for the $app service.", "$App configuration with pydantic-settings."),
        "starlette": c.pick("Starlette configuration for $app, read from the environment / .env.", "$App config and token middleware."),
        "tornado": c.pick("Tornado application settings for $app.", "$App tornado bootstrap."),
        "cli": c.pick("$App maintenance command: database credentials from env, keyring or a prompt.",
                      "Operator tool for the $app database."),
        "celery": c.pick("Celery configuration and tasks for $app; broker credentials come from secret files.",
                         "$App worker configuration."),
    }[fw]
    code = compose(c, doc, f'$log = logging.getLogger("$app.{c.pick("config", "settings", "bootstrap", "worker")}")', core,
                   helpers + eps, kw, lo=82, hi=108)
    return Spec(s=code, full=True, fw=fw,
                notes="credentials come from os.environ, secret files, pydantic SecretStr, starlette Secret, keyring or "
                      "getpass; PASSWORD_FIELD / TOKEN_HEADER are names, tokens are compared with compare_digest")


# ---------------- CWE-209: errors logged server-side, clients get an error id; one response leaks the exception ----------------


def _err_kw(c):
    w = c.pick("import", "export", "report", "sync", "upload", "invoice", "payout")
    return dict(
        w=w, ws=w + "s", W=w.capitalize(), log=c.pick("log", "logger"),
        eid_fn=c.pick("new_error_id", "error_reference", "make_error_id"),
        prob_fn=c.pick("problem", "error_body", "problem_json"),
        run_fn=c.pick("run_", "launch_", "execute_") + w,
        AppError=c.pick("AppError", "PublicError", "ClientFacingError"),
    )


def _err_helpers(c):
    return [
        P("eid", rank=1, imp="import uuid", body='''
            def $eid_fn() -> str:
                """Short reference shown to the client and attached to the server-side log record."""
                return uuid.uuid4().hex[:12]
        '''),
        P("apperr", rank=1, body='''
            class $AppError(Exception):
                """An error whose code and message are written for clients and safe to return."""

                status = 400
                code = "bad_request"
                public_message = "The request could not be processed."


            class NotFoundError($AppError):
                status = 404
                code = "not_found"
                public_message = "No such $w."


            class UpstreamUnavailable($AppError):
                status = 503
                code = "upstream_unavailable"
                public_message = "A dependency is unavailable, please retry later."
        '''),
        P("problem", rank=1, body='''
            def $prob_fn(status: int, title: str, error_id: str | None = None) -> dict:
                """RFC 7807 style body with a fixed title; details stay in the server log."""
                body = {"type": "about:blank", "title": title, "status": status}
                if error_id:
                    body["error_id"] = error_id
                return body
        '''),
        P("jsonfmt", rank=1, imp="import json", body='''
            class JsonFormatter(logging.Formatter):
                """One JSON object per record; stack traces go to the log pipeline, never to clients."""

                def format(self, record: logging.LogRecord) -> str:
                    entry = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                             "msg": record.getMessage()}
                    for key in ("error_id", "request_id", "route"):
                        if hasattr(record, key):
                            entry[key] = getattr(record, key)
                    if record.exc_info:
                        entry["trace"] = self.formatException(record.exc_info)
                    return json.dumps(entry)
        '''),
        P("retry", rank=1, imp="import time\nfrom typing import Callable, TypeVar", const='T = TypeVar("T")', body='''
            def run_with_retry(step: Callable[[], T], name: str, attempts: int = 3) -> T:
                for attempt in range(1, attempts + 1):
                    try:
                        return step()
                    except (TimeoutError, ConnectionError) as exc:
                        $log.warning("%s attempt %d/%d failed: %s", name, attempt, attempts, repr(exc))
                        if attempt == attempts:
                            raise
                        time.sleep(attempt)
                raise AssertionError("unreachable")
        '''),
        P("crash", rank=1, imp="import traceback", body='''
            def log_crash(error_id: str, exc: BaseException) -> None:
                """Full details stay on the server; the client only ever sees the error id."""
                trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                $log.error("unhandled error %s\\n%s", error_id, trace, extra={"error_id": error_id})
        '''),
        P("sentry", rank=1, imp="import sentry_sdk", body='''
            def report_exception(exc: BaseException, error_id: str) -> None:
                """Send the exception to the error tracker, tagged with the id the client was given."""
                with sentry_sdk.push_scope() as scope:
                    scope.set_tag("error_id", error_id)
                    sentry_sdk.capture_exception(exc)
        '''),
        P("classify", rank=1, const=c.pick(
            'STATUS_FOR = {TimeoutError: (504, "upstream_timeout"), PermissionError: (403, "forbidden"), '
            'FileNotFoundError: (404, "not_found")}',
            'STATUS_FOR = {FileNotFoundError: (404, "not_found"), TimeoutError: (504, "timeout")}'), body='''
            def classify(exc: BaseException) -> tuple[int, str]:
                """HTTP status and public error code for an exception; anything unknown is a plain 500."""
                for kind, result in STATUS_FOR.items():
                    if isinstance(exc, kind):
                        return result
                return 500, "internal"
        '''),
        P("hook", rank=1, imp="import sys", body='''
            def install_excepthook() -> None:
                """Uncaught exceptions end up in the log with their traceback instead of on a terminal."""
                def hook(kind, value, tb) -> None:
                    $log.critical("uncaught %s", kind.__name__, exc_info=(kind, value, tb))
                sys.excepthook = hook
        '''),
        P("ridfilter", rank=1, imp="from contextvars import ContextVar", const='request_id: ContextVar[str] = ContextVar("request_id", default="-")',
          body='''
            class RequestIdFilter(logging.Filter):
                """Adds the current request id to every record, so a reported error id can be traced."""

                def filter(self, record: logging.LogRecord) -> bool:
                    record.request_id = request_id.get()
                    return True
        '''),
        P("fielderr", rank=1, imp="from pydantic import ValidationError", body='''
            def field_errors(exc: ValidationError) -> list[dict]:
                """Only field names and error types go back to the client, not the rejected values."""
                return [{"field": ".".join(str(p) for p in e["loc"]), "type": e["type"]} for e in exc.errors()]
        '''),
    ]


def _err_frame(c, fw):
    if fw == "fastapi":
        frame = P("frame", rank=0, needs=["eid", "apperr", "problem"],
                  imp="from fastapi import Depends, FastAPI, Request\nfrom fastapi.exceptions import RequestValidationError\n"
                      "from fastapi.responses import JSONResponse\nfrom .auth import User, current_user\nfrom .jobs import $run_fn, $W" + "Request",
                  setup='app = FastAPI(title="$W service")')
        eps = [
            P("h_app", rank=3, body='''
                @app.exception_handler($AppError)
                async def app_error(request: Request, exc: $AppError) -> JSONResponse:
                    return JSONResponse($prob_fn(exc.status, exc.public_message), status_code=exc.status)
            '''),
            P("h_val", rank=3, body='''
                @app.exception_handler(RequestValidationError)
                async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
                    fields = sorted({".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()})
                    return JSONResponse({"error": "invalid request", "fields": fields}, status_code=422)
            '''),
            P("h_all", rank=3, body='''
                @app.exception_handler(Exception)
                async def unhandled(request: Request, exc: Exception) -> JSONResponse:
                    error_id = $eid_fn()
                    $log.error("unhandled error [%s] on %s %r", error_id, request.method, request.url.path,
                               exc_info=exc, extra={"error_id": error_id})
                    return JSONResponse($prob_fn(500, "Internal Server Error", error_id), status_code=500)
            '''),
            P("start", rank=4, body='''
                @app.post("/$ws")
                async def start_$w(payload: $WRequest, user: User = Depends(current_user)) -> JSONResponse:
                    try:
                        job = await $run_fn(payload, owner_id=user.id)
                    except UpstreamUnavailable as exc:
                        return JSONResponse($prob_fn(exc.status, exc.public_message), status_code=exc.status)
                    except Exception:
                        error_id = $eid_fn()
                        $log.exception("$w failed [%s] for user %d", error_id, user.id)
                        return JSONResponse($prob_fn(500, "The $w could not be started.", error_id), status_code=500)
                    return JSONResponse({"id": job.id, "status": job.status}, status_code=202)
            '''),
        ]
        return frame, eps
    if fw == "django":
        frame = P("frame", rank=0, needs=["eid"], imp="from django.contrib.auth.decorators import login_required\n"
                                                     "from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n"
                                                     "from .forms import $WForm\nfrom .jobs import $run_fn")
        eps = [
            P("mw", rank=3, body='''
                class ErrorIdMiddleware:
                    """Logs unhandled exceptions with an id; API clients get only that id back."""

                    def __init__(self, get_response):
                        self.get_response = get_response

                    def __call__(self, request):
                        return self.get_response(request)

                    def process_exception(self, request, exception):
                        error_id = $eid_fn()
                        $log.exception("unhandled error [%s] on %s %r", error_id, request.method, request.path,
                                       extra={"error_id": error_id})
                        if request.path.startswith("/api/"):
                            return JsonResponse({"error": "internal error", "error_id": error_id}, status=500)
                        return None
            '''),
            P("start", rank=4, body='''
                @require_POST
                @login_required
                def start_$w(request) -> JsonResponse:
                    form = $WForm(request.POST)
                    if not form.is_valid():
                        return JsonResponse({"error": "invalid form", "fields": sorted(form.errors)}, status=400)
                    try:
                        job = $run_fn(form.cleaned_data, owner=request.user)
                    except Exception:
                        error_id = $eid_fn()
                        $log.exception("$w failed [%s] for user %d", error_id, request.user.pk)
                        return JsonResponse({"error": "the $w could not be started", "error_id": error_id}, status=500)
                    return JsonResponse({"id": job.pk, "status": job.status}, status=202)
            '''),
            P("h500", rank=4, imp="from django.shortcuts import render", body='''
                def server_error(request):
                    """handler500: a static page, no exception details."""
                    return render(request, "500.html", status=500)
            '''),
        ]
        return frame, eps
    if fw == "starlette":
        frame = P("frame", rank=0, needs=["eid", "notfound", "server", "startst"],
                  imp="from starlette.applications import Starlette\nfrom starlette.exceptions import HTTPException\n"
                      "from starlette.requests import Request\nfrom starlette.responses import JSONResponse, PlainTextResponse\n"
                      "from starlette.routing import Route\nfrom .jobs import $run_fn",
                  tail='''
            app = Starlette(
                routes=[Route("/$ws", start_$w, methods=["POST"])],
                exception_handlers={404: not_found, 500: server_error},
            )
        ''')
        eps = [
            P("notfound", rank=3, body='''
                async def not_found(request: Request, exc: HTTPException) -> JSONResponse:
                    return JSONResponse({"error": "not found"}, status_code=404)
            '''),
            P("server", rank=3, body='''
                async def server_error(request: Request, exc: Exception) -> PlainTextResponse:
                    error_id = $eid_fn()
                    $log.error("unhandled %s [%s]", type(exc).__name__, error_id, exc_info=exc)
                    return PlainTextResponse(f"Internal error (reference {error_id})", status_code=500)
            '''),
            P("startst", rank=4, body='''
                async def start_$w(request: Request) -> JSONResponse:
                    if not request.user.is_authenticated:
                        return JSONResponse({"error": "login required"}, status_code=401)
                    try:
                        payload = await request.json()
                    except ValueError:
                        return JSONResponse({"error": "body must be JSON"}, status_code=400)
                    job = await $run_fn(payload, owner=request.user.identity)
                    return JSONResponse({"id": job.id, "status": job.status}, status_code=202)
            '''),
        ]
        return frame, eps
    if fw == "tornado":
        frame = P("frame", rank=0, needs=["eid", "base", "status"], imp="import os\nfrom http import HTTPStatus\nimport tornado.web\nfrom .jobs import job_status",
                  tail='''
            def make_app() -> tornado.web.Application:
                return tornado.web.Application(
                    [(r"/$ws/([0-9a-f]{32})", StatusHandler)],
                    cookie_secret=os.environ["COOKIE_SECRET"],
                    xsrf_cookies=True,
                    login_url="/login",
                )
        ''')
        eps = [
            P("base", rank=2, body='''
                class BaseHandler(tornado.web.RequestHandler):
                    def get_current_user(self) -> int | None:
                        raw = self.get_signed_cookie("uid")
                        return int(raw) if raw else None

                    def write_error(self, status_code: int, **kwargs) -> None:
                        error_id = $eid_fn()
                        if "exc_info" in kwargs:
                            $log.error("request failed [%s]", error_id, exc_info=kwargs["exc_info"])
                        self.set_header("Content-Type", "application/json")
                        self.finish({"error": HTTPStatus(status_code).phrase, "error_id": error_id})
            '''),
            P("status", rank=3, body='''
                class StatusHandler(BaseHandler):
                    @tornado.web.authenticated
                    def get(self, job_id: str) -> None:
                        job = job_status(job_id, owner_id=self.current_user)
                        if job is None:
                            raise tornado.web.HTTPError(404)
                        # error_code is one of our own codes ("timeout", "invalid_file"), never exception text
                        self.write({"id": job_id, "state": job.state, "error_code": job.error_code})
            '''),
        ]
        return frame, eps
    if fw == "aiohttp":
        frame = P("frame", rank=0, needs=["eid", "mw"], imp="from aiohttp import web\nfrom .jobs import $run_fn", tail='''
            def create_app() -> web.Application:
                app = web.Application(middlewares=[error_middleware])
                app.router.add_post("/$ws", start_$w)
                return app
        ''')
        eps = [
            P("mw", rank=3, body='''
                @web.middleware
                async def error_middleware(request: web.Request, handler):
                    try:
                        return await handler(request)
                    except web.HTTPException:
                        raise
                    except Exception:
                        error_id = $eid_fn()
                        $log.exception("unhandled error [%s] on %s %r", error_id, request.method, request.path)
                        return web.json_response({"error": "internal error", "error_id": error_id}, status=500)
            '''),
            P("starta", rank=3, body='''
                async def start_$w(request: web.Request) -> web.Response:
                    try:
                        payload = await request.json()
                    except ValueError:
                        raise web.HTTPBadRequest(text="body must be JSON")
                    job = await $run_fn(payload, owner=request["user_id"])
                    return web.json_response({"id": job.id, "status": job.status}, status=202)
            '''),
        ]
        frame.needs = ("eid", "mw", "starta")
        return frame, eps
    if fw == "celery":
        frame = P("frame", rank=0, imp="from celery import Task, shared_task\nfrom .models import Job\nfrom .pipeline import process_$w",
                  const='ERROR_CODES = {TimeoutError: "timeout", ValueError: "invalid_input", PermissionError: "forbidden"}')
        eps = [
            P("task", rank=3, body='''
                class $WTask(Task):
                    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
                        """Full traceback to the worker log; the job row gets a short code for the UI."""
                        $log.error("task %s failed: %s\\n%s", task_id, repr(exc), einfo)
                        code = ERROR_CODES.get(type(exc), "internal")
                        Job.objects.filter(task_id=task_id).update(state="failed", error_code=code)


                @shared_task(base=$WTask, bind=True, acks_late=True)
                def process(self, job_id: int) -> None:
                    job = Job.objects.get(pk=job_id)
                    Job.objects.filter(pk=job_id).update(state="running", task_id=self.request.id)
                    process_$w(job)
                    Job.objects.filter(pk=job_id).update(state="done")
            '''),
            P("statusfn", rank=3, body='''
                def public_status(job: Job) -> dict:
                    """What the status endpoint returns: state and code, no exception text."""
                    return {"id": job.pk, "state": job.state, "error_code": job.error_code or None}
            '''),
        ]
        return frame, eps
    if fw == "cli":
        frame = P("frame", rank=0, needs=["eid"], imp="import argparse\nimport sys\nfrom .pipeline import process_$w", tail='''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Run the nightly $w.")
                parser.add_argument("--limit", type=int, default=1000)
                args = parser.parse_args(argv)
                try:
                    done = process_$w(limit=max(1, args.limit))
                except Exception:
                    error_id = $eid_fn()
                    $log.exception("nightly $w failed [%s]", error_id)
                    print(f"$w failed, see the log for error {error_id}", file=sys.stderr)
                    return 1
                $log.info("nightly $w processed %d records", done)
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        ''')
        return frame, []
    raise KeyError(fw)


@fam("mod-safe-web-error-detail-leak", "CWE-209",
     fws=["fastapi", "fastapi", "fastapi", "fastapi", "django", "starlette", "fastapi", "fastapi"], n=6, wrap=False)
def mod_safe_error_leak(c):
    kw = _err_kw(c)
    fw = c.fw
    frame, eps = _err_frame(c, fw)
    helpers = _err_helpers(c)
    shape = c.pick("str", "trace", "fexc")
    if fw == "fastapi":
        vuln = P("start", rank=4, body='''
            @app.post("/$ws")
            async def start_$w(payload: $WRequest, user: User = Depends(current_user)) -> JSONResponse:
                try:
                    job = await $run_fn(payload, owner_id=user.id)
                except UpstreamUnavailable as exc:
                    return JSONResponse($prob_fn(exc.status, exc.public_message), status_code=exc.status)
                except Exception as exc:
                    error_id = $eid_fn()
                    $log.exception("$w failed [%s] for user %d", error_id, user.id)
                    $FIX
                return JSONResponse({"id": job.id, "status": job.status}, status_code=202)
        ''')
        safe = 'return JSONResponse($prob_fn(500, "The $w could not be started.", error_id), status_code=500)'
        vfix = {"str": 'return JSONResponse($prob_fn(500, str(exc), error_id), status_code=500)  #@V',
                "trace": 'return JSONResponse({**$prob_fn(500, "The $w could not be started.", error_id), "trace": traceback.format_exc()}, status_code=500)  #@V',
                "fexc": 'return JSONResponse($prob_fn(500, f"{type(exc).__name__}: {exc}", error_id), status_code=500)  #@V'}[shape]
        vimp = "import traceback" if shape == "trace" else ""
    elif fw == "django":
        vuln = P("start", rank=4, body='''
            @require_POST
            @login_required
            def start_$w(request) -> JsonResponse:
                form = $WForm(request.POST)
                if not form.is_valid():
                    return JsonResponse({"error": "invalid form", "fields": sorted(form.errors)}, status=400)
                try:
                    job = $run_fn(form.cleaned_data, owner=request.user)
                except Exception as exc:
                    error_id = $eid_fn()
                    $log.exception("$w failed [%s] for user %d", error_id, request.user.pk)
                    $FIX
                return JsonResponse({"id": job.pk, "status": job.status}, status=202)
        ''')
        safe = 'return JsonResponse({"error": "the $w could not be started", "error_id": error_id}, status=500)'
        vfix = {"str": 'return JsonResponse({"error": str(exc), "error_id": error_id}, status=500)  #@V',
                "trace": 'return JsonResponse({"error": "the $w could not be started", "error_id": error_id, "detail": traceback.format_exc()}, status=500)  #@V',
                "fexc": 'return JsonResponse({"error": f"{type(exc).__name__}: {exc}", "error_id": error_id}, status=500)  #@V'}[shape]
        vimp = "import traceback" if shape == "trace" else ""
    else:
        vuln = P("server", rank=3, body='''
            async def server_error(request: Request, exc: Exception) -> PlainTextResponse:
                error_id = $eid_fn()
                $log.error("unhandled %s [%s]", type(exc).__name__, error_id, exc_info=exc)
                $FIX
        ''')
        safe = 'return PlainTextResponse(f"Internal error (reference {error_id})", status_code=500)'
        vfix = {"str": 'return PlainTextResponse(f"Internal error (reference {error_id}): {exc}", status_code=500)  #@V',
                "trace": 'return PlainTextResponse("".join(traceback.format_exception(exc)), status_code=500)  #@V',
                "fexc": 'return PlainTextResponse(f"{type(exc).__name__}: {exc}", status_code=500)  #@V'}[shape]
        vimp = "import traceback" if shape == "trace" else ""
    vuln.imp = vimp
    if vuln.key == "start":
        vuln.rank = c.pick(3, 4)
    eps = [e for e in eps if e.key != vuln.key]
    core = [frame, P("logging", rank=0, imp="import logging"), vuln] + ([c.pick(*eps)] if eps else [])
    doc = c.pick("$W API: starting $ws, and what clients see when something fails.",
                 "HTTP layer of the $w service with its error handling.",
                 "$W endpoints and exception handlers (clients get an error id, the log gets the details).")
    v, s = pair(c, doc, f'$log = logging.getLogger("$w.{c.pick("api", "errors", "http")}")', core, helpers + eps, kw,
                fill(vfix, **kw), fill(safe, **kw))
    return Spec(v=v, s=s, full=True, fw=fw,
                notes="one error path returns the exception text / traceback to the client; the others log it "
                      "server-side with an error id and answer with a fixed message")


@hardneg(10)
def mod_safe_error_leak_hn(c):
    kw = _err_kw(c)
    fw = c.pick("fastapi", "django", "starlette", "tornado", "aiohttp", "celery", "cli")
    frame, eps = _err_frame(c, fw)
    helpers = _err_helpers(c)
    core = [frame, P("logging", rank=0, imp="import logging")]
    if fw in ("tornado", "starlette", "celery"):
        core += [h for h in helpers if h.key == "crash"]
    if eps:
        core.append(c.pick(*eps))
    doc = {
        "fastapi": c.pick("Exception handlers and the $w endpoint (FastAPI).", "$W API with error ids in every 5xx body."),
        "django": c.pick("$W views and the middleware that turns crashes into error ids.", "Django error handling for $ws."),
        "starlette": c.pick("Starlette app for $ws with generic error pages.", "$W endpoints and exception handlers."),
        "tornado": c.pick("Tornado handlers for $w status with JSON error bodies.", "$W status API (tornado)."),
        "aiohttp": c.pick("aiohttp app for $ws with an error-id middleware.", "$W handlers and error middleware."),
        "celery": c.pick("Celery task for $ws; failures are recorded as short error codes.", "$W worker and failure reporting."),
        "cli": c.pick("Nightly $w job runner.", "Command-line entry point for the nightly $w."),
    }[fw]
    code = compose(c, doc, f'$log = logging.getLogger("$w.{c.pick("api", "errors", "http", "worker")}")', core,
                   helpers + eps, kw, lo=82, hi=108)
    return Spec(s=code, full=True, fw=fw,
                notes="exceptions and tracebacks are logged server-side (log.exception, exc_info, repr in logs); "
                      "clients get fixed messages, error codes and an error id")


def with_stdlib(stdlib):
    """`compose` and `pair` bound to a larger standard-library set, for modules that import more of it."""
    return functools.partial(compose, stdlib=stdlib), functools.partial(pair, stdlib=stdlib)


def fix_builders(stdlib, lo, hi):
    """`(safe, paired)` for modules whose fix fills a `$FIX` placeholder (`$FIX2`, … for a tuple of fixes), on
    `stdlib` and module lengths `lo`..`hi`: `paired` renders the weak module and its twin, `safe` a hard
    negative with the fix in place and the marks removed."""
    compose_with, pair_with = with_stdlib(stdlib)

    def safe(c, doc, logline, core, pool, kw, sfix, lo=lo, hi=hi):
        sfix = sfix if isinstance(sfix, tuple) else (sfix,)
        names = ["$FIX"] + [f"$FIX{i}" for i in range(2, len(sfix) + 1)]
        sub = dict(zip(names[::-1], [fill(x, **kw) for x in sfix[::-1]]))
        code = compose_with(c, doc, logline, core, pool, kw, lo=lo, hi=hi, subs=[sub])[0]
        return code.replace("  #@V", "").replace("  #@S", "")

    def paired(c, doc, logline, core, pool, kw, vfix, sfix, lo=lo, hi=hi):
        return pair_with(c, doc, logline, core, pool, kw, fill_each(vfix, **kw), fill_each(sfix, **kw), lo=lo, hi=hi)

    return safe, paired
