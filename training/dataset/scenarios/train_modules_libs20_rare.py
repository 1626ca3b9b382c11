"""Train-only whole-module families for the rarest labels (libs20 set, mod20-*): daemons, services and
admin tools of about 60-110 lines with exactly one weak statement each, and a twin that differs only by
the minimal fix, plus ``@hardneg(10)`` safe modules dense with the same idioms used correctly.

- mod20-agent-state-umask-group (276): a host agent sets a permissive process umask (0o002) over its sqlite store or
  ``os.fchmod``s its ``mkstemp`` state file to 0o644 / 0o664, so the cached upstream credentials in its
  state file (JSON or sqlite) are readable by every local user.
- mod20-raffle-commitment-md5 (328): a commit-reveal prize draw publishes an md5 / sha1 commitment to
  its secret seed (or to the entrant list) before the draw; a collision lets the operator swap seeds.
- mod20-device-pairing-time-seeded-rng (330): a TV / kiosk device pairing service draws its pairing
  codes from ``random.Random`` seeded with the clock (and pid).
- mod20-token-refresh-access-cookie-httponly (1004): a FastAPI / aiohttp token endpoint sets the
  refresh-token cookie HttpOnly but the JWT access-token cookie without it.

Written without reading the held-out or validation families; every family here goes to train.
"""
import re

import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P, fill

_STDLIB = _web._STDLIB | {"fnmatch", "glob", "io", "mimetypes", "pickle", "platform", "posixpath", "queue", "shlex",
                          "shutil", "signal", "sqlite3", "ssl", "stat", "subprocess", "tempfile", "tomllib", "zlib",
                          "secrets", "pwd", "grp", "atexit"}
compose, pair = _web.with_stdlib(_STDLIB)


# ---------------- CWE-276: host agent state written under a permissive umask / mode ----------------


def _agent_kw(c):
    agent = c.pick("backupd", "inventory-agent", "certsync", "metricsd", "patchd", "printq-agent")
    mod = agent.replace("-", "_")
    return dict(
        agent=agent, mod=mod, AG=mod.upper(), log=c.pick("log", "logger"),
        statedir=c.pick(f"/var/lib/{agent}", f"/var/opt/{agent}", f"/srv/{agent}/state"),
        upstream=c.pick("https://control.example.com", "https://fleet.example.net", "https://ops.example.org"),
        interval=c.pick(30, 60, 120, 300),
        save_fn=c.pick("save_state", "persist_state", "write_state"),
        load_fn=c.pick("load_state", "read_state", "restore_state"),
        tok_fn=c.pick("refresh_token", "renew_credentials", "fetch_access_token"),
        Agent=c.pick("Agent", "Daemon", "Worker"),
    )


def _agent_parts(c, store):
    if store == "json":
        save = '''
            def $save_fn(state: dict) -> None:
                """Atomically replace the state file (write a temp file in the same dir, then rename)."""
                fd, tmp = tempfile.mkstemp(dir=STATE_DIR, prefix=".state-", suffix=".json")
                try:
                    $FIX2
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        json.dump(state, fh, indent=2, sort_keys=True)
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, STATE_FILE)
                except BaseException:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
                    raise


            def $load_fn() -> dict:
                try:
                    with open(STATE_FILE, encoding="utf-8") as fh:
                        return json.load(fh)
                except FileNotFoundError:
                    return {}
                except ValueError:
                    $log.warning("state file %s is corrupt, starting fresh", STATE_FILE)
                    return {}
        '''
        simp = "import contextlib\nimport json\nimport os\nimport tempfile"
        sconst = 'STATE_FILE = os.path.join(STATE_DIR, "state.json")'
    else:
        save = '''
            def _db() -> sqlite3.Connection:
                conn = sqlite3.connect(STATE_DB, timeout=10)
                conn.execute("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
                return conn


            def $save_fn(state: dict) -> None:
                $FIX2
                with contextlib.closing(_db()) as conn, conn:
                    conn.executemany("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
                                     [(k, json.dumps(v)) for k, v in state.items()])


            def $load_fn() -> dict:
                with contextlib.closing(_db()) as conn:
                    return {k: json.loads(v) for k, v in conn.execute("SELECT k, v FROM kv")}
        '''
        simp = "import contextlib\nimport json\nimport os\nimport sqlite3"
        sconst = 'STATE_DB = os.path.join(STATE_DIR, "state.sqlite3")'
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os", const='''
            STATE_DIR = os.environ.get("$AG_STATE_DIR", "$statedir")
            UPSTREAM = os.environ.get("$AG_UPSTREAM", "$upstream")
            INTERVAL = int(os.environ.get("$AG_INTERVAL", "$interval"))
        ''' + "\n" + " " * 12 + sconst),
        P("store", rank=1, imp=simp, body=save),
        P("token", rank=1, imp="import time\nimport requests", body='''
            def $tok_fn(state: dict) -> str:
                """A cached access token for the control plane, renewed a minute before it expires."""
                if state.get("access_token") and state.get("expires_at", 0) > time.time() + 60:
                    return state["access_token"]
                with open(os.path.join(STATE_DIR, "enrollment.key"), encoding="ascii") as fh:
                    enrollment = fh.read().strip()
                resp = requests.post(f"{UPSTREAM}/v1/agents/token", json={"enrollment_key": enrollment}, timeout=15)
                resp.raise_for_status()
                data = resp.json()
                state.update(access_token=data["access_token"], refresh_token=data.get("refresh_token"),
                             expires_at=time.time() + int(data.get("expires_in", 3600)))
                $save_fn(state)
                return state["access_token"]
        '''),
        P("main", rank=3, imp="import signal\nimport sys\nimport time\nimport requests", body='''
            def main() -> int:
                logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
                $FIX
                os.makedirs(STATE_DIR, exist_ok=True)
                stop = []
                signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
                state = $load_fn()
                while not stop:
                    try:
                        token = $tok_fn(state)
                        report(token, state)
                    except requests.RequestException as exc:
                        $log.warning("control plane unreachable: %s", exc)
                    time.sleep(INTERVAL)
                $log.info("stopping")
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        '''),
        P("report", rank=2, imp="import platform\nimport socket\nimport requests", body='''
            def report(token: str, state: dict) -> None:
                payload = {"host": socket.gethostname(), "os": platform.platform(), "seq": state.get("seq", 0)}
                resp = requests.post(f"{UPSTREAM}/v1/agents/heartbeat", json=payload,
                                     headers={"Authorization": f"Bearer {token}"}, timeout=15)
                resp.raise_for_status()
                state["seq"] = payload["seq"] + 1
                $save_fn(state)
        '''),
    ]
    pool = [
        P("pidfile", rank=2, imp="import atexit", body='''
            def write_pidfile(path: str) -> None:
                """The pid file is meant to be world-readable (init scripts and monitoring read it)."""
                with open(path, "w", encoding="ascii") as fh:
                    fh.write(f"{os.getpid()}\\n")
                os.chmod(path, 0o644)
                atexit.register(lambda: os.path.exists(path) and os.unlink(path))
        '''),
        P("rotate", rank=2, imp="import glob", body='''
            def prune_backups(keep: int = 5) -> None:
                """Keep the newest ``keep`` state backups."""
                backups = sorted(glob.glob(os.path.join(STATE_DIR, "state-*.bak")), key=os.path.getmtime)
                for path in backups[:-keep]:
                    $log.debug("removing old backup %s", path)
                    os.unlink(path)
        '''),
        P("health", rank=2, imp="import time", body='''
            def healthy(state: dict, max_age: int = 3 * INTERVAL) -> bool:
                """For the local health check: did the last heartbeat succeed recently?"""
                return time.time() - float(state.get("last_ok", 0)) < max_age
        '''),
    ]
    return core, pool


@fam("mod20-agent-state-umask-group", "CWE-276", fws=["script", "cli"], wrap=False)
def mod20_agent_umask(c):
    kw = _agent_kw(c)
    store = c.pick("json", "sqlite")
    # mkstemp always creates the json temp file 0o600 whatever the umask, so a permissive umask only exposes the
    # sqlite store (created 0o644 & ~umask); the json store is exposed by an explicit fchmod
    shape = "fchmod" if store == "json" else "umask"
    core, pool = _agent_parts(c, store)
    doc = c.pick("$agent: host agent that enrols with the control plane and sends heartbeats.",
                 "Long-running $agent daemon; keeps its access token and cursor in a local state store.",
                 "$agent host daemon (systemd unit runs it as root).")
    if shape == "umask":
        um = "0o002"
        cm = c.pick("# group-writable files so the ops group can tail our logs", "")
        vfix = (f"os.umask({um})" + (f"  {cm}" if cm else "") + "  #@V", "pass")
        sfix = ("os.umask(0o077)", "pass")
    else:
        mode = c.pick("0o644", "0o664", "0o640 | 0o004")
        vfix = ("pass", f"os.fchmod(fd, {mode})  #@V")
        sfix = ("pass", "os.fchmod(fd, 0o600)")
    v, s = pair(c, doc, '$log = logging.getLogger("$mod")', core, pool, kw, tuple(fill(x, **kw) for x in vfix),
                tuple(fill(x, **kw) for x in sfix), lo=70, hi=112)
    v, s = (re.sub(r"\n +pass\n", "\n", x) for x in (v, s))
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the agent's state (access and refresh tokens) is created under a permissive umask / "
                      "mode, so other local users can read the cached credentials; the fix is umask 0o077 / mode 0o600")


@hardneg(10)
def mod20_agent_umask_hn(c):
    kw = _agent_kw(c)
    store = c.pick("json", "sqlite")
    core, pool = _agent_parts(c, store)
    doc = c.pick("$agent host daemon: state store, token cache and heartbeats.",
                 "$agent: enrolment, heartbeat loop and private state.")
    subs = {"$FIX2": c.pick("os.fchmod(fd, 0o600)", "os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)")
            if store == "json" else "pass",
            "$FIX": c.pick("os.umask(0o077)", "os.umask(0o027)  # no access for other users")}
    if subs["$FIX2"] == "pass":
        subs["$FIX2"] = "os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)"
    core[0].imp += "\nimport stat"
    code = compose(c, doc, fill('$log = logging.getLogger("$mod")', **kw), core, pool, kw, lo=70, hi=112,
                   subs=[subs])[0]
    return Spec(s=code, full=True, fw=c.pick("script", "cli"),
                notes="umask 0o077 / 0o027 and mode 0o600 for the private state; only the pid file is 0o644")


# ---------------- CWE-328: commit-reveal prize draw with an md5 / sha1 commitment ----------------


def _draw_kw(c):
    what = c.pick("raffle", "giveaway", "prize draw", "lottery", "sweepstake")
    slug = what.replace(" ", "_")
    return dict(what=what, slug=slug, Draw=c.pick("Draw", "Raffle", "Round"), log=c.pick("log", "logger"),
                winners=c.pick(1, 3, 5, 10), seedlen=c.pick(32, 48, 64),
                commit_fn=c.pick("commitment", "commit_to", "publish_commitment"),
                pick_fn=c.pick("pick_winners", "draw_winners", "select_winners"))


def _draw_parts(c, fw):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("model", rank=1, imp="import secrets\nfrom dataclasses import dataclass, field", body='''
            @dataclass
            class $Draw:
                """One $what: the seed stays secret until entries close; only its commitment is public."""

                draw_id: str
                entrants: list[str] = field(default_factory=list)
                seed: bytes = field(default_factory=lambda: secrets.token_bytes($seedlen))
                closed: bool = False
        '''),
        P("commit", rank=2, imp="import hashlib", body='''
            def $commit_fn(draw: $Draw) -> str:
                """Published when the $what opens; anyone can later check the revealed seed against it."""
                $FIX
        '''),
        P("pick", rank=2, imp="import hashlib\nimport hmac", body='''
            def $pick_fn(draw: $Draw, count: int = $winners) -> list[str]:
                """Deterministic given the seed: entrants ranked by HMAC-SHA256(seed, entrant)."""
                ranked = sorted(set(draw.entrants),
                                key=lambda e: hmac.new(draw.seed, e.encode(), hashlib.sha256).digest())
                return ranked[:count]
        '''),
        P("verify", rank=2, imp="import hashlib\nimport hmac", body='''
            def verify_reveal(published: str, seed_hex: str) -> bool:
                """What the public verification page runs in the browser, in Python."""
                candidate = hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()
                return hmac.compare_digest(candidate, published)
        '''),
    ]
    if fw == "fastapi":
        core.append(P("api", rank=3, imp="from fastapi import FastAPI, HTTPException", const="DRAWS: dict = {}",
                      setup='app = FastAPI(title="$what service")', body='''
            @app.post("/draws/{draw_id}")
            def open_draw(draw_id: str) -> dict:
                if draw_id in DRAWS:
                    raise HTTPException(409, "draw exists")
                DRAWS[draw_id] = draw = $Draw(draw_id)
                $log.info("opened $what %s", draw_id)
                return {"draw_id": draw_id, "commitment": $commit_fn(draw)}


            @app.post("/draws/{draw_id}/close")
            def close_draw(draw_id: str) -> dict:
                draw = DRAWS.get(draw_id)
                if draw is None or draw.closed:
                    raise HTTPException(404, "no open draw")
                draw.closed = True
                return {"winners": $pick_fn(draw), "seed": draw.seed.hex(), "commitment": $commit_fn(draw)}
        '''))
    else:
        core.append(P("cli", rank=3, imp="import argparse\nimport json\nimport sys", body='''
            def main(argv: list[str] | None = None) -> int:
                parser = argparse.ArgumentParser(description="Run a $what from an entrants file.")
                parser.add_argument("entrants", type=argparse.FileType("r"))
                parser.add_argument("--draw-id", required=True)
                args = parser.parse_args(argv)
                draw = $Draw(args.draw_id, [line.strip() for line in args.entrants if line.strip()])
                print(json.dumps({"draw_id": draw.draw_id, "commitment": $commit_fn(draw)}))
                input("Publish the commitment, then press Enter to draw... ")
                draw.closed = True
                print(json.dumps({"winners": $pick_fn(draw), "seed": draw.seed.hex()}))
                return 0


            if __name__ == "__main__":
                sys.exit(main())
        '''))
    pool = [
        P("etag", rank=2, imp="import hashlib\nimport json", body='''
            def results_etag(result: dict) -> str:
                """ETag of the public results page (a cache validator, not a security control)."""
                return hashlib.md5(json.dumps(result, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
        '''),
        P("dedupe", rank=2, imp="import hashlib", body='''
            def entry_key(email: str) -> str:
                """Bucket key for duplicate entries (one entry per address); not secret."""
                return hashlib.sha1(email.strip().lower().encode()).hexdigest()[:16]
        '''),
        P("audit", rank=2, imp="import datetime\nimport json", body='''
            def audit_line(draw: $Draw, event: str) -> str:
                """One JSON line for the append-only audit log of the $what."""
                return json.dumps({"at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                                   "draw": draw.draw_id, "event": event, "entrants": len(draw.entrants)})
        '''),
    ]
    return core, pool


@fam("mod20-raffle-commitment-md5", "CWE-328", fws=["fastapi", "cli"], wrap=False)
def mod20_raffle_md5(c):
    kw = _draw_kw(c)
    core, pool = _draw_parts(c, c.fw)
    algo = c.pick("md5", "sha1")
    target = c.pick("seed", "seed+entrants")
    if target == "seed":
        v = f"return hashlib.{algo}(draw.seed).hexdigest()  #@V"
        s = "return hashlib.sha256(draw.seed).hexdigest()"
    else:
        v = f'return hashlib.{algo}(draw.seed + "\\n".join(sorted(draw.entrants)).encode()).hexdigest()  #@V'
        s = 'return hashlib.sha256(draw.seed + "\\n".join(sorted(draw.entrants)).encode()).hexdigest()'
    core = [p for p in core if p.key != "verify"]
    doc = c.pick("$what service with a commit-reveal draw, so players can check the operator did not cheat.",
                 "Provably fair $what: commitment first, seed revealed after the draw.",
                 "Commit-reveal $what draws.")
    vm, sm = pair(c, doc, '$log = logging.getLogger("$slug")', core, pool, kw, v, s, lo=60, hi=110)
    return Spec(v=vm, s=sm, full=True, fw=c.fw,
                notes=f"the public commitment to the draw seed is {algo}, which is not collision resistant: the "
                      "operator can prepare two seeds with the same commitment and reveal the one that suits; sha256 fixes it")


@hardneg(10)
def mod20_raffle_md5_hn(c):
    kw = _draw_kw(c)
    fw = c.pick("fastapi", "cli")
    core, pool = _draw_parts(c, fw)
    fix = c.pick("return hashlib.sha256(draw.seed).hexdigest()", "return hashlib.sha3_256(draw.seed).hexdigest()",
                 "return hashlib.blake2b(draw.seed, digest_size=32).hexdigest()")
    if "sha256" not in fix:
        core = [p for p in core if p.key != "verify"]
    core += [p for p in pool if p.key in ("etag", "dedupe")]
    doc = c.pick("Provably fair $what with md5 ETags for the public results page.", "Commit-reveal $what service.")
    code = compose(c, doc, fill('$log = logging.getLogger("$slug")', **kw), core, pool, kw, lo=60, hi=110,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="the commitment is sha256 / sha3 / blake2b; md5 and sha1 only for an ETag and a duplicate-entry key")


# ---------------- CWE-330: device pairing codes from a clock-seeded random.Random ----------------


def _pair_kw(c):
    dev = c.pick("TV", "kiosk", "set-top box", "smart display", "POS terminal")
    return dict(dev=dev, log=c.pick("log", "logger"), Pairing=c.pick("PairingService", "DeviceLinker", "PairingCodes"),
                codelen=c.pick(6, 8), ttl=c.pick(300, 600, 900), alphabet=c.pick(
                    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", "0123456789", "BCDFGHJKLMNPQRSTVWXZ0123456789"),
                start_fn=c.pick("start_pairing", "begin_link", "new_pairing"),
                claim_fn=c.pick("claim", "confirm_code", "link_device"))


def _pair_parts(c, fw):
    core = [
        P("logging", rank=0, imp="import logging"),
        P("svc", rank=1, imp="import random\nimport secrets\nimport os\nimport time\nimport threading", const='''
            CODE_ALPHABET = "$alphabet"
            CODE_LENGTH = $codelen
            CODE_TTL = $ttl
        ''', body='''
            class $Pairing:
                """The $dev shows a short code; a signed-in user types it on the web site to link the device."""

                def __init__(self) -> None:
                    $FIX
                    self._pending: dict[str, tuple[str, float]] = {}
                    self._lock = threading.Lock()

                def _new_code(self) -> str:
                    return "".join(self._rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

                def $start_fn(self, device_id: str) -> str:
                    with self._lock:
                        self._expire()
                        code = self._new_code()
                        while code in self._pending:
                            code = self._new_code()
                        self._pending[code] = (device_id, time.monotonic() + CODE_TTL)
                    $log.info("pairing started for device %s", device_id)
                    return code

                def $claim_fn(self, code: str) -> str | None:
                    """The device id for ``code`` (once), or None if unknown or expired."""
                    with self._lock:
                        self._expire()
                        entry = self._pending.pop(code.strip().upper(), None)
                    return entry[0] if entry else None

                def _expire(self) -> None:
                    now = time.monotonic()
                    for code in [k for k, (_, exp) in self._pending.items() if exp < now]:
                        del self._pending[code]
        '''),
    ]
    if fw == "flask":
        core.append(P("api", rank=3, imp="from flask import Flask, abort, jsonify, request, session",
                      setup='app = Flask(__name__)\napp.config["SECRET_KEY"] = os.environ["SECRET_KEY"]', body='''
            pairing = $Pairing()


            @app.post("/devices/pair")
            def device_pair():
                device_id = request.get_json(force=True).get("device_id", "")
                if not device_id:
                    abort(400)
                return jsonify(code=pairing.$start_fn(device_id), expires_in=CODE_TTL)


            @app.post("/link")
            def link():
                if "user_id" not in session:
                    abort(401)
                device_id = pairing.$claim_fn(request.form.get("code", ""))
                if device_id is None:
                    abort(404)
                link_device(session["user_id"], device_id)
                return jsonify(linked=device_id)
        ''', needs=["linkfn"]))
    else:
        core.append(P("api", rank=3, imp="from fastapi import Depends, FastAPI, HTTPException\nfrom pydantic import BaseModel",
                      setup='app = FastAPI()', body='''
            pairing = $Pairing()


            class PairRequest(BaseModel):
                device_id: str


            @app.post("/devices/pair")
            def device_pair(body: PairRequest) -> dict:
                return {"code": pairing.$start_fn(body.device_id), "expires_in": CODE_TTL}


            @app.post("/link/{code}")
            def link(code: str, user_id: int = Depends(current_user_id)) -> dict:
                device_id = pairing.$claim_fn(code)
                if device_id is None:
                    raise HTTPException(404, "unknown or expired code")
                link_device(user_id, device_id)
                return {"linked": device_id}
        ''', needs=["linkfn", "userdep"]))
    pool = [
        P("linkfn", rank=2, body='''
            def link_device(user_id: int, device_id: str) -> None:
                $log.info("device %s linked to user %s", device_id, user_id)
        '''),
        P("userdep", rank=2, imp="from fastapi import Header, HTTPException", body='''
            def current_user_id(x_user_id: int | None = Header(default=None)) -> int:
                """Set by the auth proxy in front of the app after it checked the session."""
                if x_user_id is None:
                    raise HTTPException(401)
                return x_user_id
        '''),
        P("jitter", rank=2, imp="import random", body='''
            def poll_interval(base: float = 5.0) -> float:
                """How long the $dev waits between polls; jitter spreads the load."""
                return base + random.uniform(0, base / 2)
        '''),
        P("shard", rank=2, imp="import random", body='''
            def demo_codes(n: int, seed: int = 1234) -> list[str]:
                """Fixed, reproducible codes for the UI screenshots and tests (never issued)."""
                rng = random.Random(seed)
                return ["".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(n)]
        '''),
    ]
    if fw == "flask":
        pool = [p for p in pool if p.key != "userdep"]
    return core, pool


@fam("mod20-device-pairing-time-seeded-rng", "CWE-330", fws=["flask", "fastapi"], wrap=False)
def mod20_pairing_rng(c):
    kw = _pair_kw(c)
    core, pool = _pair_parts(c, c.fw)
    seed = c.pick("time.time()", "int(time.time() * 1000)", "os.getpid() ^ int(time.time())", "time.time() + os.getpid()")
    v = f"self._rng = random.Random({seed})  #@V"
    s = c.pick("self._rng = secrets.SystemRandom()", "self._rng = random.SystemRandom()")
    doc = c.pick("Device pairing for the $dev app.", "Link a $dev to a user account with a short pairing code.",
                 "Pairing codes for $dev sign-in.")
    vm, sm = pair(c, doc, '$log = logging.getLogger("pairing")', core, pool, kw, v, s, lo=70, hi=110)
    return Spec(v=vm, s=sm, full=True, fw=c.fw,
                notes="the pairing codes come from a Mersenne Twister seeded with the clock (and pid): an attacker who "
                      "guesses the start time predicts every code and links someone else's device; the fix draws them "
                      "from the OS CSPRNG (SystemRandom)")


@hardneg(10)
def mod20_pairing_rng_hn(c):
    kw = _pair_kw(c)
    fw = c.pick("flask", "fastapi")
    core, pool = _pair_parts(c, fw)
    core += [p for p in pool if p.key in ("jitter", "shard")]
    fix = c.pick("self._rng = secrets.SystemRandom()", "self._rng = random.SystemRandom()")
    code = compose(c, c.pick("Device pairing for the $dev app.", "Pairing codes for $dev sign-in."),
                   fill('$log = logging.getLogger("pairing")', **kw), core, pool, kw, lo=70, hi=112,
                   subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="codes from SystemRandom; random only for poll jitter and a fixed-seed demo generator")


# ---------------- CWE-1004: JWT access-token cookie without HttpOnly (refresh cookie has it) ----------------


def _tok_kw(c):
    return dict(log=c.pick("log", "logger"), acc=c.pick("access_token", "at", "__Host-access"),
                ref=c.pick("refresh_token", "rt", "__Secure-refresh"), acc_ttl=c.pick(300, 600, 900),
                ref_ttl=c.pick(86400 * 7, 86400 * 14, 86400 * 30), set_fn=c.pick("_set_auth_cookies", "_issue_cookies", "_attach_tokens"),
                mint_fn=c.pick("_mint", "_encode_token", "_sign"))


def _tok_parts(c, fw):
    mint = P("mint", rank=1, imp="import os\nimport time\nimport secrets\nimport jwt", const='''
        JWT_KEY = os.environ["JWT_SIGNING_KEY"]
        ACCESS_TTL = $acc_ttl
        REFRESH_TTL = $ref_ttl
    ''', body='''
        def $mint_fn(sub: str, kind: str, ttl: int) -> str:
            now = int(time.time())
            claims = {"sub": sub, "typ": kind, "iat": now, "exp": now + ttl, "jti": secrets.token_hex(8)}
            return jwt.encode(claims, JWT_KEY, algorithm="HS256")
    ''')
    if fw == "fastapi":
        setc = P("setc", rank=2, imp="from fastapi import Response", body='''
            def $set_fn(response: Response, user_id: str) -> None:
                access = $mint_fn(user_id, "access", ACCESS_TTL)
                refresh = $mint_fn(user_id, "refresh", REFRESH_TTL)
                $FIX
                response.set_cookie("$ref", refresh, max_age=REFRESH_TTL, path="/auth/refresh", secure=True,
                                    httponly=True, samesite="strict")
        ''')
        api = P("api", rank=3, imp="from fastapi import Cookie, FastAPI, Form, HTTPException, Response",
                setup="app = FastAPI()", body='''
            @app.post("/auth/login")
            def login(response: Response, username: str = Form(...), password: str = Form(...)) -> dict:
                user_id = check_credentials(username, password)
                if user_id is None:
                    $log.info("failed login for %r", username)
                    raise HTTPException(401, "invalid credentials")
                $set_fn(response, user_id)
                return {"ok": True}


            @app.post("/auth/refresh")
            def refresh(response: Response, token: str | None = Cookie(default=None, alias="$ref")) -> dict:
                try:
                    claims = jwt.decode(token or "", JWT_KEY, algorithms=["HS256"])
                except jwt.PyJWTError:
                    raise HTTPException(401, "session expired")
                if claims.get("typ") != "refresh":
                    raise HTTPException(401, "wrong token type")
                $set_fn(response, claims["sub"])
                return {"ok": True}


            @app.post("/auth/logout")
            def logout(response: Response) -> dict:
                response.delete_cookie("$acc", path="/")
                response.delete_cookie("$ref", path="/auth/refresh")
                return {"ok": True}
        ''', needs=["creds"])
        vfix = 'response.set_cookie("$acc", access, max_age=ACCESS_TTL, path="/", secure=True, samesite="lax")  #@V'
        sfix = 'response.set_cookie("$acc", access, max_age=ACCESS_TTL, path="/", secure=True, httponly=True, samesite="lax")'
        csrf = 'response.set_cookie("csrf_token", secrets.token_urlsafe(24), max_age=ACCESS_TTL, secure=True, samesite="strict")'
    else:
        setc = P("setc", rank=2, imp="from aiohttp import web", body='''
            def $set_fn(response: web.StreamResponse, user_id: str) -> None:
                access = $mint_fn(user_id, "access", ACCESS_TTL)
                refresh = $mint_fn(user_id, "refresh", REFRESH_TTL)
                $FIX
                response.set_cookie("$ref", refresh, max_age=REFRESH_TTL, path="/auth/refresh", secure=True,
                                    httponly=True, samesite="Strict")
        ''')
        api = P("api", rank=3, imp="from aiohttp import web", setup="routes = web.RouteTableDef()", body='''
            @routes.post("/auth/login")
            async def login(request: web.Request) -> web.Response:
                form = await request.post()
                user_id = check_credentials(form.get("username", ""), form.get("password", ""))
                if user_id is None:
                    raise web.HTTPUnauthorized(text="invalid credentials")
                response = web.json_response({"ok": True})
                $set_fn(response, user_id)
                return response


            @routes.post("/auth/refresh")
            async def refresh(request: web.Request) -> web.Response:
                try:
                    claims = jwt.decode(request.cookies.get("$ref", ""), JWT_KEY, algorithms=["HS256"])
                except jwt.PyJWTError:
                    raise web.HTTPUnauthorized(text="session expired")
                if claims.get("typ") != "refresh":
                    raise web.HTTPUnauthorized(text="wrong token type")
                response = web.json_response({"ok": True})
                $set_fn(response, claims["sub"])
                return response


            def create_app() -> web.Application:
                app = web.Application()
                app.add_routes(routes)
                return app
        ''', needs=["creds"])
        vfix = 'response.set_cookie("$acc", access, max_age=ACCESS_TTL, path="/", secure=True, samesite="Lax")  #@V'
        sfix = 'response.set_cookie("$acc", access, max_age=ACCESS_TTL, path="/", secure=True, httponly=True, samesite="Lax")'
        csrf = 'response.set_cookie("csrf_token", secrets.token_urlsafe(24), max_age=ACCESS_TTL, secure=True, samesite="Strict")'
    core = [P("logging", rank=0, imp="import logging"), mint, setc, api]
    pool = [
        P("creds", rank=2, imp="import hmac\nimport hashlib", const='USERS: dict[str, tuple[str, bytes, bytes]] = {}', body='''
            def check_credentials(username: str, password: str) -> str | None:
                """The user id if the scrypt hash matches, else None."""
                entry = USERS.get(username)
                if entry is None:
                    return None
                user_id, salt, expected = entry
                got = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
                return user_id if hmac.compare_digest(got, expected) else None
        '''),
    ]
    return core, pool, vfix, sfix, csrf


@fam("mod20-token-refresh-access-cookie-httponly", "CWE-1004", fws=["fastapi", "aiohttp"], wrap=False)
def mod20_access_cookie(c):
    kw = _tok_kw(c)
    core, pool, vfix, sfix, _ = _tok_parts(c, c.fw)
    doc = c.pick("Cookie-based JWT login: short-lived access token, refresh token scoped to /auth/refresh.",
                 "Auth endpoints for the single-page app (tokens travel in cookies).", "Login / refresh / logout.")
    v, s = pair(c, doc, '$log = logging.getLogger("auth")', core, pool, kw, fill(vfix, **kw), fill(sfix, **kw), lo=60, hi=110)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the refresh cookie is HttpOnly but the JWT access-token cookie is not (both frameworks default "
                      "httponly to off), so any XSS reads the bearer token; httponly=True fixes it")


@hardneg(10)
def mod20_access_cookie_hn(c):
    kw = _tok_kw(c)
    fw = c.pick("fastapi", "aiohttp")
    core, pool, _, sfix, csrf = _tok_parts(c, fw)
    fix = fill(sfix, **kw)
    if c.pick(True, False):
        fix += "\n    # double-submit CSRF token: the SPA must read it, so it is deliberately not HttpOnly\n    " + csrf
    code = compose(c, c.pick("Cookie-based JWT auth for the SPA.", "Login / refresh endpoints."),
                   fill('$log = logging.getLogger("auth")', **kw), core, pool, kw, lo=60, hi=112, subs=[{"$FIX": fix}])[0]
    return Spec(s=code, full=True, fw=fw,
                notes="both token cookies are HttpOnly; only a double-submit CSRF cookie is readable by scripts")
