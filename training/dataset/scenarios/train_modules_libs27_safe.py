"""Train-only whole-module families weighted towards hard negatives (libs27 set, mod27s-*): a FastAPI service
router, a Click / argparse maintenance CLI, a Celery / RQ ingestion pipeline and a signed API client SDK, written
the way careful maintainers write them and dense with look-alike idioms used correctly (``text()`` with ``:params``,
f-strings that only build bound LIKE patterns or constant table names, ``secrets.compare_digest`` for API keys,
httpx / requests / aiohttp calls to fixed hosts with timeouts, ``subprocess.run`` argument lists with ``--``,
``tempfile.NamedTemporaryFile`` / ``mkdtemp`` with ``os.replace`` and 0o600 / 0o640 / 0o750 modes, ``yaml.safe_load``,
``ast.literal_eval``, ``defusedxml``, ``random`` for sampling and jitter, ``hashlib.md5(..., usedforsecurity=False)``
for de-duplication keys, HMAC request signing), each with one weak module whose single weak statement is subtle,
its minimal fix as twin, and a ``@hardneg(10)`` builder assembling safe modules from the same parts:

- mod27s-fastapi-router-account-filter-missing (639): every route of the router scopes its query to the API key's
  account, except one (a ``text()`` query on a receipts view with only ``:id`` bound, ``db.get(Model, id)``, or a
  legacy ``query().filter_by(id=...)``), so any client reads or submits another account's records by number; the
  fix adds the account condition.
- mod27s-maint-cli-hook-script-world-writable (732): the maintenance CLI writes everything atomically with tight
  modes, but installs the backup / restore hook scripts (which the root cron job executes) world-writable
  (0o777 or S_IRWXO), so any local account can replace a script root runs; the fix uses 0o750.
- mod27s-ingest-csv-header-column-names (89): a partner-feed loader binds every value, but builds the INSERT's
  column list from the CSV header row; the fix checks the names against the staging table's columns (or quotes
  them with ``psycopg.sql.Identifier``).
- mod27s-signed-sdk-tls-verify-conditional-off (295): an API client SDK that signs requests with HMAC and verifies
  TLS with a default context, except when a proxy is configured (or as a retry after a certificate error), where
  it turns verification off; the fix always verifies.

Written from scratch without reading the held-out or validation families; every family here goes to train.
"""
import scenarios.train_modules_safe_web as _web
from core import Spec
from registry import fam, hardneg
from scenarios.train_modules_safe_web import P

_STDLIB = _web._STDLIB | {"ast", "collections", "contextlib", "csv", "datetime", "decimal", "itertools", "pathlib",
                          "shutil", "sqlite3", "ssl", "stat", "subprocess", "sys", "tempfile", "time", "typing",
                          "urllib", "uuid"}

_safe, _pair = _web.fix_builders(_STDLIB, lo=84, hi=110)


# ---------------- CWE-639: FastAPI router, one route without the account condition ----------------

_API_DOCS = [
    "$W routes of the $app API. Clients authenticate with an API key (X-API-Key header); every query is\n"
    "scoped to the key's account.",
    "HTTP API for $ws ($app): router, request/response schemas and the SQL behind each route.\n"
    "Values reach the database only as bound parameters.",
    "FastAPI router for the $app $w endpoints (API-key auth, account-scoped queries, ledger notifications).",
]


def _api_kw(c):
    w = c.pick("expense", "invoice", "timesheet", "claim", "quote", "refund")
    app = c.pick("ledgerline", "tally", "paydesk", "costbook", "billfold", "accrue")
    return dict(w=w, ws=w + "s", W=w.capitalize(), app=app, APP=app.upper(), log=c.pick("log", "logger"),
                maxc=c.pick("10_000_000", "5_000_000", "50_000_000"), page=c.pick(50, 100), cap=c.pick(200, 500))


_API_MODELS = '''
class Base(DeclarativeBase):
    pass


class $W(Base):
    __tablename__ = "$ws"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="draft")


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int]
    revoked: Mapped[bool] = mapped_column(default=False)
'''

_API_DB = '''
engine = create_engine(os.environ["$APP_DATABASE_URL"], pool_pre_ping=True)
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


DbSession = Annotated[Session, Depends(get_db)]
'''

_API_AUTH = '''
def current_account(db: DbSession, x_api_key: Annotated[str, Header()] = "") -> int:
    """Account of a valid API key ("<prefix>.<secret>"); the key's SHA-256 is compared in constant time."""
    prefix = x_api_key.partition(".")[0]
    key = db.scalar(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked.is_(False)))
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()
    if key is None or not secrets.compare_digest(digest, key.digest):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid API key", headers={"WWW-Authenticate": "ApiKey"})
    return key.account_id


AccountId = Annotated[int, Depends(current_account)]
'''

_API_SCHEMAS = '''
class $WIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    amount_cents: int = Field(gt=0, le=$maxc)


class $WOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    amount_cents: int
    status: str
'''

# the routes that may carry the weakness: (key, body with $FIX, vulnerable fix, safe fixes, what the weak one does)
_API_TARGETS = {
    "receipt": ('''
@router.get("/{item_id}/receipt")
def $w_receipt(item_id: int, account_id: AccountId, db: DbSession) -> dict:
    """Receipt data of one $w, read from the receipts view (values are bound parameters)."""
    row = db.execute(
        $FIX
    ).mappings().first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no receipt for this $w")
    return dict(row)
''', 'text("SELECT $w_id, number, issued_at, total_cents, currency FROM $w_receipts WHERE $w_id = :id"),  #@V\n'
     '        {"id": item_id},',
        ['text("SELECT $w_id, number, issued_at, total_cents, currency FROM $w_receipts"\n'
         '             " WHERE $w_id = :id AND account_id = :account"),\n'
         '        {"id": item_id, "account": account_id},'],
        "the receipt route binds the $w id but its SQL has no account condition"),
    "read": ('''
@router.get("/{item_id}", response_model=$WOut)
def read_$w(item_id: int, account_id: AccountId, db: DbSession) -> $W:
    $FIX
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    return item
''', "item = db.get($W, item_id)  #@V",
        ["item = db.scalar(select($W).where($W.id == item_id, $W.account_id == account_id))"],
        "the read route loads the $w by primary key with db.get and never compares its account_id"),
    "submit": ('''
@router.post("/{item_id}/submit", response_model=$WOut)
def submit_$w(item_id: int, background: BackgroundTasks, account_id: AccountId, db: DbSession) -> $W:
    """Move a draft $w to 'submitted'; the ledger service is told in the background."""
    $FIX
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    if item.status != "draft":
        raise HTTPException(status.HTTP_409_CONFLICT, "only drafts can be submitted")
    item.status = "submitted"
    db.commit()
    background.add_task(notify_ledger, item.account_id, item.id, "submitted")
    return item
''', "item = db.query($W).filter_by(id=item_id).one_or_none()  #@V",
        ["item = db.query($W).filter_by(id=item_id, account_id=account_id).one_or_none()"],
        "the submit route looks the $w up with filter_by(id=...) only"),
}


def _api_parts(c, target):
    models_local, db_local = c.pick(True, True, False), c.pick(True, False)
    m_imp = "" if models_local else "\nfrom .models import ApiKey, $W"
    d_imp = "" if db_local else "\nfrom .database import DbSession"
    fa = "from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Query, status"
    orm = "from sqlalchemy import delete, select, text"
    common = fa + "\n" + orm + "\nfrom typing import Annotated" + m_imp + d_imp
    core = [
        P("logging", rank=0, imp="import logging"),
        P("router", rank=0, setup='router = APIRouter(prefix="/$ws", tags=["$ws"])', imp=fa),
        P("auth", rank=2, imp="import hashlib\nimport secrets\n" + common, body=_API_AUTH),
        P("schemas", rank=1, imp="from pydantic import BaseModel, ConfigDict, Field", body=_API_SCHEMAS),
    ]
    if models_local:
        core.append(P("models", rank=1, imp="from sqlalchemy import String\n"
                                             "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column",
                      body=_API_MODELS))
    if db_local:
        core.append(P("db", rank=1, imp="import os\nfrom collections.abc import Iterator\nfrom typing import Annotated\n"
                                         "from fastapi import Depends\nfrom sqlalchemy import create_engine\n"
                                         "from sqlalchemy.orm import Session, sessionmaker", body=_API_DB))
    body, vfix, sfixes, _ = _API_TARGETS[target]
    core.append(P("t_" + target, rank=4, imp=common, body=body, needs=["ledger"] if target == "submit" else ()))
    pool = [
        P("ledger", rank=2, imp="import os\nimport random\nimport time\nimport httpx",
          const='LEDGER_BASE = "https://ledger.$app.internal"', body='''
def notify_ledger(account_id: int, item_id: int, event: str) -> None:
    """Background task (the approval worker queues it too): post the event to the ledger service (fixed host,
    short timeouts, three tries)."""
    body = {"type": f"$w.{event}", "account": account_id, "id": item_id}
    for attempt in range(3):
        try:
            with httpx.Client(base_url=LEDGER_BASE, timeout=httpx.Timeout(5.0, connect=2.0)) as client:
                client.post("/v1/events", json=body,
                            headers={"Authorization": f"Bearer {os.environ['LEDGER_TOKEN']}"}).raise_for_status()
            return
        except httpx.HTTPError as exc:
            $log.warning("ledger event for $w %d failed (%s)", item_id, type(exc).__name__)
            time.sleep(2 ** attempt + random.uniform(0, 1))
'''),
        P("list", rank=3, imp=common, body='''
@router.get("", response_model=list[$WOut])
def list_$ws(
    account_id: AccountId,
    db: DbSession,
    status_filter: Annotated[str | None, Query(alias="status", pattern="^(draft|submitted|approved)$")] = None,
    limit: Annotated[int, Query(ge=1, le=$cap)] = $page,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[$W]:
    """The caller's $ws, newest first; the page size is capped."""
    stmt = select($W).where($W.account_id == account_id)
    if status_filter:
        stmt = stmt.where($W.status == status_filter)
    return list(db.scalars(stmt.order_by($W.id.desc()).limit(limit).offset(offset)))
'''),
        P("search", rank=3, imp=common, body='''
@router.get("/search", response_model=list[$WOut])
def search_$ws(q: Annotated[str, Query(min_length=2, max_length=80)], account_id: AccountId, db: DbSession) -> list[$W]:
    """Title search; the LIKE pattern is a bound value, so quotes in q are just characters."""
    pattern = f"%{q.strip()}%"
    ids = db.execute(
        text("SELECT id FROM $ws WHERE account_id = :account AND title ILIKE :pattern ORDER BY id DESC LIMIT 50"),
        {"account": account_id, "pattern": pattern},
    ).scalars().all()
    return list(db.scalars(select($W).where($W.id.in_(ids)).order_by($W.id.desc()))) if ids else []
'''),
        P("totals", rank=3, imp=common, body='''
@router.get("/totals")
def $w_totals(account_id: AccountId, db: DbSession) -> dict[str, int]:
    """Sum of the amounts per status, for the caller's account only."""
    rows = db.execute(
        text("SELECT status, SUM(amount_cents) AS total FROM $ws WHERE account_id = :account GROUP BY status"),
        {"account": account_id},
    )
    return {row.status: int(row.total or 0) for row in rows}
'''),
        P("create", rank=3, needs=["ledger"], imp=common, body='''
@router.post("", response_model=$WOut, status_code=status.HTTP_201_CREATED)
def create_$w(payload: $WIn, background: BackgroundTasks, account_id: AccountId, db: DbSession) -> $W:
    """New draft; the schema has no account or status field, so both are set here."""
    item = $W(account_id=account_id, status="draft", **payload.model_dump())
    db.add(item)
    db.commit()
    db.refresh(item)
    background.add_task(notify_ledger, account_id, item.id, "created")
    $log.info("$w %d created for account %d", item.id, account_id)
    return item
'''),
        P("patch", rank=4, imp=common + "\nfrom pydantic import BaseModel, Field", body='''
class $WPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    amount_cents: int | None = Field(default=None, gt=0, le=$maxc)


@router.patch("/{item_id}", response_model=$WOut)
def update_$w(item_id: int, payload: $WPatch, account_id: AccountId, db: DbSession) -> $W:
    """Change the title or amount of one of the caller's drafts."""
    item = db.scalar(select($W).where($W.id == item_id, $W.account_id == account_id))
    if item is None or item.status != "draft":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such draft")
    for field, value in payload.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(item, field, value)
    db.commit()
    return item
'''),
        P("delete", rank=4, imp=common, body='''
@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_$w(item_id: int, account_id: AccountId, db: DbSession) -> None:
    """Delete one of the caller's drafts (both conditions are in the statement)."""
    result = db.execute(delete($W).where($W.id == item_id, $W.account_id == account_id, $W.status == "draft"))
    if result.rowcount == 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such draft")
    db.commit()
'''),
        P("fx", rank=4, imp=common + "\nfrom decimal import Decimal\nimport httpx",
          const='FX_URL = "https://fx.$app.internal/v1/rates"', body='''
async def fx_rate(currency: str) -> Decimal:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, connect=2.0)) as client:
        resp = await client.get(FX_URL, params={"base": "EUR", "symbol": currency})
        resp.raise_for_status()
    return Decimal(str(resp.json()["rate"]))


@router.get("/{item_id}/converted")
async def converted_$w(
    item_id: int, currency: Annotated[str, Query(pattern="^[A-Z]{3}$")], account_id: AccountId, db: DbSession
) -> dict:
    """The $w's amount in another currency (rate from the internal FX service)."""
    item = db.scalar(select($W).where($W.id == item_id, $W.account_id == account_id))
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    amount = Decimal(item.amount_cents) / 100 * await fx_rate(currency)
    return {"id": item.id, "currency": currency, "amount": str(amount.quantize(Decimal("0.01")))}
'''),
    ]
    for key, (tbody, _v, tfixes, _w) in _API_TARGETS.items():
        if key != target:
            pool.append(P("t_" + key, rank=4, imp=common, body=tbody.replace("$FIX", c.pick(*tfixes)),
                          needs=["ledger"] if key == "submit" else ()))
    return core, pool


@fam("mod27s-fastapi-router-account-filter-missing", "CWE-639", fws=["fastapi"], n=8, wrap=False)
def mod27s_api_scope(c):
    kw = _api_kw(c)
    target = c.pick(*_API_TARGETS)
    core, pool = _api_parts(c, target)
    _b, vfix, sfixes, what = _API_TARGETS[target]
    v, s = _pair(c, c.pick(*_API_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw, vfix, c.pick(*sfixes))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=_web.fill(what, **kw) + ": the API key proves who the caller is, but the route serves any "
                      "account's record whose number it is given (ids are sequential), so one customer reads or submits "
                      "another's; every other route of the router has the account condition, and the fix adds it here")


@hardneg(10)
def mod27s_api_scope_hn(c):
    kw = _api_kw(c)
    target = c.pick(*_API_TARGETS)
    core, pool = _api_parts(c, target)
    code = _safe(c, c.pick(*_API_DOCS), '$log = logging.getLogger("$app.$ws")', core, pool, kw,
                 c.pick(*_API_TARGETS[target][2]))
    return Spec(s=code, full=True, fw="fastapi",
                notes="FastAPI router whose every query is scoped to the API key's account: text() with :params, "
                      "f-string only for the bound LIKE pattern, compare_digest on the key digest, schemas without "
                      "account/status fields, capped page size, httpx to fixed hosts with timeouts, random only for "
                      "retry jitter")


# ---------------- CWE-732: maintenance CLI, hook scripts run by root installed world-writable ----------------

_CLI_DOCS = [
    "Maintenance commands for $app: database backups with checksums, retention and the backup/restore hooks.\n"
    "Runs from root's crontab (backup, prune) and by operators (everything else).",
    "$prog: backup, verify, prune and hook management for the $app host. Every external program is run\n"
    "with an argument list; files are written atomically.",
    "Operator CLI for the $app database host (backups, checksums, hooks, service status).",
]


def _cli_kw(c):
    app = c.pick("quarry", "lantern", "brisk", "ember", "harbor", "meadow")
    return dict(app=app, APP=app.upper(), prog=app + c.pick("-maint", "ctl", "-admin"), log=c.pick("log", "logger"),
                keep=c.pick(7, 10, 14), tmo=c.pick(1800, 3600), htmo=c.pick(300, 600, 900))


def _cli_deco(style, name, *specs):
    """The registration lines of one sub-command, for Click or for the argparse registry."""
    if style == "click":
        lines = [f'@cli.command("{name}")']
        for kind, arg, *extra in specs:
            opt = "--" + arg.replace("_", "-")
            lines.append({
                "choice": f'@click.argument("{arg}", type=click.Choice({extra[0] if extra else ""}))',
                "path": f'@click.argument("{arg}", type=click.Path(exists=True, dir_okay=False, path_type=Path))',
                "int": f'@click.option("{opt}", type=click.IntRange(min=1), default={extra[0] if extra else 1}, show_default=True)',
                "flag": f'@click.option("{opt}", is_flag=True, help="{extra[0] if extra else ""}")',
            }[kind])
        return "\n".join(lines)
    args = []
    for kind, arg, *extra in specs:
        opt = "--" + arg.replace("_", "-")
        args.append({
            "choice": f'(("{arg}",), {{"choices": {extra[0] if extra else ""}}})',
            "path": f'(("{arg}",), {{"type": Path}})',
            "int": f'(("{opt}",), {{"type": int, "default": {extra[0] if extra else 1}}})',
            "flag": f'(("{opt}",), {{"action": "store_true", "help": "{extra[0] if extra else ""}"}})',
        }[kind])
    one = f'@command("{name}"' + "".join(", " + a for a in args) + ")"
    if len(one) <= 112:
        return one
    return f'@command(\n    "{name}",\n' + "".join(f"    {a},\n" for a in args) + ")"


_CLI_FRAME = {
    "click": dict(imp="import logging\nimport click", body='''
@click.group(help=__doc__)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def cli(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
''', tail='''
if __name__ == "__main__":
    cli()
'''),
    "argparse": dict(imp="import argparse\nimport logging\nimport sys\nfrom typing import Callable", body='''
COMMANDS: dict[str, tuple[Callable[..., int | None], tuple]] = {}


def command(name: str, *arguments: tuple[tuple[str, ...], dict]):
    """Register a sub-command; ``arguments`` are (flags, options) pairs for add_argument."""
    def deco(fn):
        COMMANDS[name] = (fn, arguments)
        return fn
    return deco
''', tail='''
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="$prog", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (fn, arguments) in COMMANDS.items():
        cmd = sub.add_parser(name, help=(fn.__doc__ or "").strip().partition("\\n")[0])
        for flags, options in arguments:
            cmd.add_argument(*flags, **options)
        cmd.set_defaults(_fn=fn)
    ns = vars(parser.parse_args(argv))
    logging.basicConfig(level=logging.DEBUG if ns.pop("verbose") else logging.INFO)
    fn = ns.pop("_fn")
    del ns["command"]
    return fn(**ns) or 0


if __name__ == "__main__":
    sys.exit(main())
'''),
}

# how the install-hook command sets the script's mode: (body lines with $FIX, vulnerable, safe fixes)
_CLI_INSTALL = {
    "atomic": ('''
    dest = HOOKS_DIR / f"{stage}.sh"
    $FIX
''', "write_atomic(dest, body, mode=0o777)  #@V", ["write_atomic(dest, body, mode=0o750)",
                                                    "write_atomic(dest, body, mode=0o700)"]),
    "copy": ('''
    dest = HOOKS_DIR / f"{stage}.sh"
    shutil.copyfile(source, dest)
    $FIX
''', "os.chmod(dest, 0o777)  #@V", ["os.chmod(dest, 0o750)", "os.chmod(dest, 0o700)"]),
    "stat": ('''
    dest = HOOKS_DIR / f"{stage}.sh"
    shutil.copyfile(source, dest)
    $FIX
''', "os.chmod(dest, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)  #@V",
        ["os.chmod(dest, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP)", "os.chmod(dest, stat.S_IRWXU)"]),
    "pathlib": ('''
    dest = HOOKS_DIR / f"{stage}.sh"
    dest.write_bytes(body)
    $FIX
''', "dest.chmod(0o777)  #@V", ["dest.chmod(0o750)", "dest.chmod(0o700)"]),
}


def _cli_parts(c, style, how):
    echo = "click.echo" if style == "click" else "print"
    frame = _CLI_FRAME[style]
    ui = "import click" if style == "click" else ""

    def cmd(key, name, specs, body, rank=3, imp="", const="", needs=()):
        text = _cli_deco(style, name, *specs) + "\n" + body.strip("\n").replace("$ECHO", echo) + "\n"
        return P(key, rank=rank, imp=ui + "\n" + imp, const=const, needs=("frame",) + tuple(needs), body=text)

    lines, _v, _s = _CLI_INSTALL[how]
    install_body = '''
def install_hook(stage: str, source: Path) -> None:
    """Install the script of a hook stage; backup and restore (root's cron) run it before and after their work."""
    body = Path(source).read_bytes()
    if not body.startswith(b"#!"):
        raise SystemExit(f"{source}: a hook script must start with a #! line")
''' + lines.strip("\n") + '''
    $log.info("installed %s hook %s (sha256 %s)", stage, dest, hashlib.sha256(body).hexdigest()[:12])
'''
    atomic = P("atomic", rank=1, imp="import os\nimport tempfile\nfrom pathlib import Path", body='''
def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write through a temporary file in the same directory, set its mode, then rename it over ``path``."""
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.chmod(tmp.name, mode)
    os.replace(tmp.name, path)
''')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
CONFIG_PATH = Path(os.environ.get("$APP_MAINT_CONFIG", "/etc/$app/maint.yaml"))
BACKUP_DIR = Path(os.environ.get("$APP_BACKUP_DIR", "/var/backups/$app"))
HOOKS_DIR = Path(os.environ.get("$APP_HOOKS_DIR", "/etc/$app/hooks"))
HOOK_STAGES = ("pre-backup", "post-backup", "pre-restore", "post-restore")
'''),
        P("frame", rank=1, imp=frame["imp"], body=frame["body"], tail=frame["tail"]),
        P("hooks", rank=2, imp="import subprocess", const="HOOK_TIMEOUT = $htmo", body='''
def run_hooks(stage: str) -> None:
    """Run the installed script of a stage, if any, from the hooks directory (argument list, timeout)."""
    hook = HOOKS_DIR / f"{stage}.sh"
    if hook.is_file():
        $log.info("running %s hook", stage)
        subprocess.run([str(hook)], check=True, timeout=HOOK_TIMEOUT, cwd=HOOKS_DIR)
'''),
        cmd("install", "install-hook", [("choice", "stage", "HOOK_STAGES"), ("path", "source")], install_body,
            imp="import hashlib\nimport os\nimport shutil\nimport stat\nfrom pathlib import Path",
            needs=("atomic",) if how == "atomic" else ()),
    ]
    pool = [
        atomic,
        P("sha", rank=1, imp="import hashlib\nfrom pathlib import Path", body='''
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
'''),
        P("config", rank=1, imp="import yaml", body='''
def load_config() -> dict:
    """Settings of the maintenance jobs (YAML owned by root; safe_load builds plain data only)."""
    with CONFIG_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
'''),
        cmd("backup", "backup", [], '''
def backup() -> None:
    """Dump the database into BACKUP_DIR with a .sha256 file next to it; hooks run before and after."""
    cfg = load_config()
    run_hooks("pre-backup")
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=BACKUP_DIR))
    try:
        part = staging / "db.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(part), "--", cfg["database"]],
                       check=True, timeout=cfg.get("dump_timeout", $tmo))
        os.chmod(part, 0o600)
        dest = BACKUP_DIR / f"$app-{time.strftime('%Y%m%dT%H%M%S')}.dump"
        os.replace(part, dest)
        write_atomic(dest.with_suffix(".sha256"), f"{sha256_of(dest)}  {dest.name}\\n".encode(), mode=0o640)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    run_hooks("post-backup")
    $log.info("backup written: %s", dest.name)
''', imp="import os\nimport shutil\nimport subprocess\nimport tempfile\nimport time\nfrom pathlib import Path",
            needs=("config", "sha", "atomic")),
        cmd("verify", "verify", [], '''
def verify() -> None:
    """Recompute the SHA-256 of every dump and compare it with its .sha256 file."""
    bad = 0
    for dump in sorted(BACKUP_DIR.glob("$app-*.dump")):
        sums = dump.with_suffix(".sha256")
        expected = sums.read_text().split()[0] if sums.exists() else ""
        if sha256_of(dump) != expected:
            $log.error("checksum mismatch: %s", dump.name)
            bad += 1
    if bad:
        raise SystemExit(f"{bad} dump(s) failed verification")
''', needs=("sha",)),
        cmd("prune", "prune", [("int", "keep", "$keep"), ("flag", "dry_run", "Only list what would be deleted.")], '''
def prune(keep: int, dry_run: bool) -> None:
    """Delete all but the newest KEEP dumps and their checksum files."""
    dumps = sorted(BACKUP_DIR.glob("$app-*.dump"), key=lambda p: p.stat().st_mtime)
    for old in dumps[:-max(keep, 1)]:
        $log.info("%s %s", "would delete" if dry_run else "deleting", old.name)
        if not dry_run:
            old.unlink()
            old.with_suffix(".sha256").unlink(missing_ok=True)
'''),
        cmd("show", "show-config", [], '''
def show_config() -> None:
    """Print the effective settings as JSON, with credentials masked."""
    masked = {k: "***" if any(word in k.lower() for word in MASKED) else v for k, v in load_config().items()}
    $ECHO(json.dumps(masked, indent=2, sort_keys=True, default=str))
''', imp="import json", const='MASKED = ("password", "secret", "token", "dsn")', needs=("config",)),
        cmd("status", "status", [], '''
def status() -> None:
    """Whether the service units are active (systemctl with an argument list, no shell)."""
    for unit in ("$app.service", "$app-worker.service"):
        proc = subprocess.run(["systemctl", "is-active", "--quiet", "--", unit], check=False, timeout=30)
        $ECHO(f"{unit}: {'active' if proc.returncode == 0 else 'not active'}")
''', imp="import subprocess"),
        cmd("list", "list-hooks", [], '''
def list_hooks() -> None:
    """Installed hook scripts with their mode and checksum."""
    for stage in HOOK_STAGES:
        path = HOOKS_DIR / f"{stage}.sh"
        if path.is_file():
            $ECHO(f"{stage:13} {stat.filemode(path.stat().st_mode)} {sha256_of(path)[:16]}")
''', imp="import stat", needs=("sha",)),
        cmd("remove", "remove-hook", [("choice", "stage", "HOOK_STAGES")], '''
def remove_hook(stage: str) -> None:
    """Remove the script of a hook stage (a no-op when none is installed)."""
    (HOOKS_DIR / f"{stage}.sh").unlink(missing_ok=True)
    $log.info("removed %s hook", stage)
'''),
        cmd("restore", "restore-latest", [("flag", "yes", "Confirm overwriting the database.")], '''
def restore_latest(yes: bool) -> None:
    """Restore the newest dump once its checksum matches; hooks run before and after."""
    dumps = sorted(BACKUP_DIR.glob("$app-*.dump"))
    if not dumps or not yes:
        raise SystemExit("nothing to restore" if not dumps else "pass --yes to overwrite the database")
    dump = dumps[-1]
    if sha256_of(dump) != dump.with_suffix(".sha256").read_text().split()[0]:
        raise SystemExit(f"{dump.name}: checksum mismatch, not restoring")
    run_hooks("pre-restore")
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", load_config()["database"],
                    "--", str(dump)], check=True, timeout=$tmo)
    run_hooks("post-restore")
''', imp="import subprocess", needs=("sha", "config")),
    ]
    return core, pool


@fam("mod27s-maint-cli-hook-script-world-writable", "CWE-732", fws=["cli"], n=8, wrap=False)
def mod27s_cli_hooks(c):
    kw = _cli_kw(c)
    style, how = c.pick("click", "argparse"), c.pick(*_CLI_INSTALL)
    core, pool = _cli_parts(c, style, how)
    _l, vfix, sfixes = _CLI_INSTALL[how]
    v, s = _pair(c, c.pick(*_CLI_DOCS), '$log = logging.getLogger("$prog")', core, pool, kw, vfix, c.pick(*sfixes))
    return Spec(v=v, s=s, full=True, fw="cli",
                notes="the maintenance CLI writes dumps 0o600 and checksums 0o640 through temporary files, but installs "
                      "the hook scripts world-writable (rwx for others); backup and restore run them from root's cron, "
                      "so any local account can replace a hook and have root execute it; the fix drops the bits for "
                      "others (0o750 / 0o700)")


@hardneg(10)
def mod27s_cli_hooks_hn(c):
    kw = _cli_kw(c)
    style, how = c.pick("click", "argparse"), c.pick(*_CLI_INSTALL)
    core, pool = _cli_parts(c, style, how)
    code = _safe(c, c.pick(*_CLI_DOCS), '$log = logging.getLogger("$prog")', core, pool, kw,
                 c.pick(*_CLI_INSTALL[how][2]))
    return Spec(s=code, full=True, fw="cli",
                notes="maintenance CLI: hooks installed 0o750/0o700, NamedTemporaryFile + os.replace with 0o600/0o640, "
                      "mkdtemp staging, pg_dump / pg_restore / systemctl with argument lists and '--', sha256 checksums, "
                      "yaml.safe_load, hook stages from a fixed choice list")


# ---------------- CWE-89: partner-feed ingestion, INSERT column list taken from the CSV header ----------------

_ING_DOCS = [
    "Ingestion of partner $w feeds into the $STAGE table: CSV (any subset of the known columns, named\n"
    "in the header row), JSON Lines and legacy XML. Values are always bound parameters.",
    "$app ingest worker: parses partner $w files from the inbox, de-duplicates rows and stages them in batches.",
    "Partner feed loader for $app ($ws): parsing, de-duplication and batched inserts into the staging table.",
]


def _ing_kw(c):
    w = c.pick("listing", "product", "price", "shipment", "booking", "stock_level")
    app = c.pick("intake", "tributary", "conveyor", "sieve", "mill", "hopper")
    return dict(w=w, ws=w + "s", app=app, APP=app.upper(), STAGE="staging_" + w + "s", log=c.pick("log", "logger"),
                batch=c.pick(500, 1000, 250), maxrows=c.pick("200_000", "500_000", "1_000_000"), days=c.pick(7, 14, 30),
                qa=c.pick(20, 25, 50))


_ING_INSERT = {
    "pg": '''
def insert_batch(conn: psycopg.Connection, columns: list[str], batch: list[tuple]) -> int:
    """Insert one batch; every value is a bound parameter."""
    marks = ", ".join(["%s"] * len(columns))
    $FIX
    with conn.cursor() as cur:
        cur.executemany(stmt, batch)
    return len(batch)
''',
    "sqlite": '''
def insert_batch(conn: sqlite3.Connection, columns: list[str], batch: list[tuple]) -> int:
    """Insert one batch; every value is a bound parameter."""
    marks = ", ".join("?" * len(columns))
    $FIX
    conn.executemany(stmt, batch)
    return len(batch)
''',
}
_ING_V = 'stmt = f"INSERT INTO {STAGING_TABLE} ({\', \'.join(columns)}) VALUES ({marks})"  #@V'
_ING_S_ALLOW = ('unknown = sorted(set(columns) - COLUMNS)\n'
                '    if unknown:\n'
                '        raise ValueError(f"unexpected columns in the header: {unknown}")\n'
                '    stmt = f"INSERT INTO {STAGING_TABLE} ({\', \'.join(columns)}) VALUES ({marks})"')
_ING_S_IDENT = ('stmt = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(\n'
                '        sql.Identifier(STAGING_TABLE), sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(marks))')


def _ing_parts(c, db, runner):
    conn_t = "psycopg.Connection" if db == "pg" else "sqlite3.Connection"
    dbimp = "import psycopg" if db == "pg" else "import sqlite3"
    dberr = "psycopg.OperationalError" if db == "pg" else "sqlite3.OperationalError"
    if db == "pg":
        connect = P("connect", rank=1, imp="import os\nfrom collections.abc import Iterator\nfrom contextlib import contextmanager\n"
                                            "import psycopg", body='''
@contextmanager
def connect() -> Iterator[psycopg.Connection]:
    """One transaction per file: committed when the block exits normally, rolled back on error."""
    with psycopg.connect(os.environ["$APP_WAREHOUSE_DSN"], connect_timeout=10) as conn:
        yield conn
''')
    else:
        connect = P("connect", rank=1, imp="import os\nimport sqlite3\nfrom collections.abc import Iterator\n"
                                            "from contextlib import contextmanager",
                    const='DB_PATH = os.environ.get("$APP_STAGING_DB", "/srv/$app/staging.sqlite3")', body='''
@contextmanager
def connect() -> Iterator[sqlite3.Connection]:
    """One transaction per file (sqlite3's connection context commits or rolls back)."""
    conn = sqlite3.connect(DB_PATH, timeout=30)
    try:
        with conn:
            yield conn
    finally:
        conn.close()
''')
    ph = "%s" if db == "pg" else "?"
    log_const = f'LOAD_LOG = "INSERT INTO feed_loads (feed_id, staged_rows) VALUES ({ph}, {ph})"'
    if runner == "celery":
        task = P("task", rank=3, const=log_const, needs=["load_csv", "connect"],
                 imp="import random\nfrom celery import shared_task\n" + dbimp, body='''
@shared_task(bind=True, max_retries=4, acks_late=True)
def ingest_$w_feed(self, feed_id: int) -> int:
    """Stage INBOX/<feed_id>.csv; retried with jittered back-off while the database is busy."""
    path = INBOX / f"{int(feed_id)}.csv"
    try:
        with connect() as conn:
            staged = load_csv(conn, path)
            conn.execute(LOAD_LOG, (feed_id, staged))
    except ''' + dberr + ''' as exc:
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries + random.uniform(0, 10))
    $log.info("feed %d: %d row(s) staged", feed_id, staged)
    return staged
''')
    else:
        task = P("task", rank=3, const=log_const, needs=["load_csv", "connect"],
                 imp="import os\nfrom redis import Redis\nfrom rq import Queue, Retry\nfrom rq.serializers import JSONSerializer",
                 body='''
def ingest_$w_feed(feed_id: int) -> int:
    """RQ job: stage INBOX/<feed_id>.csv (retries are set when the job is enqueued)."""
    path = INBOX / f"{int(feed_id)}.csv"
    with connect() as conn:
        staged = load_csv(conn, path)
        conn.execute(LOAD_LOG, (feed_id, staged))
    $log.info("feed %d: %d row(s) staged", feed_id, staged)
    return staged


def enqueue_feed(feed_id: int) -> str:
    """Queue one feed; jobs are JSON-serialised (the workers run with the same serializer)."""
    queue = Queue("$app-ingest", connection=Redis.from_url(os.environ["$APP_REDIS_URL"]), serializer=JSONSerializer)
    job = queue.enqueue(ingest_$w_feed, feed_id, job_timeout=900, retry=Retry(max=3, interval=[30, 120, 600]))
    return job.id
''')
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, imp="import os\nfrom pathlib import Path", const='''
INBOX = Path(os.environ.get("$APP_INBOX", "/srv/$app/inbox"))
STAGING_TABLE = "$STAGE"
COLUMNS = frozenset({"external_id", "title", "price", "currency", "tags", "updated_at"})
BATCH_SIZE = $batch
MAX_ROWS = $maxrows
'''),
        P("rowkey", rank=1, imp="import hashlib\nimport json", body='''
def row_key(row: dict) -> str:
    """De-duplication key of a row (md5 names the content here; it protects nothing)."""
    canonical = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()
'''),
        P("insert", rank=1, imp=dbimp + ("\nfrom psycopg import sql" if db == "pg" else ""), body=_ING_INSERT[db]),
        P("load_csv", rank=2, needs=["rowkey", "insert"], imp="import csv\nimport itertools\nfrom pathlib import Path\n" + dbimp,
          body='''
def load_csv(conn: ''' + conn_t + ''', path: Path) -> int:
    """Stage one CSV file; partners send any subset of the columns, named in the header row."""
    seen: set[str] = set()
    staged, batch = 0, []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        columns = [name.strip().lower() for name in reader.fieldnames or []]  #@S
        reader.fieldnames = columns
        for row in itertools.islice(reader, MAX_ROWS):
            key = row_key(row)
            if key not in seen:
                seen.add(key)
                batch.append(tuple(row.get(name) for name in columns))
            if len(batch) >= BATCH_SIZE:
                staged += insert_batch(conn, columns, batch)
                batch = []
    if batch:
        staged += insert_batch(conn, columns, batch)
    return staged
'''),
        connect,
        task,
    ]
    if db == "pg":
        lookup = '''
def already_staged(conn: psycopg.Connection, external_ids: list[str]) -> set[str]:
    """Which of these ids are staged already (the list travels as one array parameter)."""
    with conn.cursor() as cur:
        cur.execute(f"SELECT external_id FROM {STAGING_TABLE} WHERE external_id = ANY(%s)", (external_ids,))
        return {row[0] for row in cur.fetchall()}
'''
        purge = '''
def purge_staged(conn: psycopg.Connection, days: int = $days) -> int:
    """Drop staged rows older than ``days`` (the cutoff is a bound parameter)."""
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    with conn.cursor() as cur:
        cur.execute(f"DELETE FROM {STAGING_TABLE} WHERE staged_at < %s", (cutoff,))
        return cur.rowcount
'''
    else:
        lookup = '''
def already_staged(conn: sqlite3.Connection, external_ids: list[str]) -> set[str]:
    """Which of these ids are staged already (one ? per id; at most one batch of ids per call)."""
    ids = external_ids[:BATCH_SIZE]
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(f"SELECT external_id FROM {STAGING_TABLE} WHERE external_id IN ({marks})", ids)
    return {row[0] for row in rows}
'''
        purge = '''
def purge_staged(conn: sqlite3.Connection, days: int = $days) -> int:
    """Drop staged rows older than ``days`` (the cutoff is a bound parameter)."""
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return conn.execute(f"DELETE FROM {STAGING_TABLE} WHERE staged_at < ?", (cutoff.isoformat(),)).rowcount
'''
    pool = [
        P("lookup", rank=2, imp=dbimp, body=lookup),
        P("purge", rank=2, imp="import datetime\n" + dbimp, body=purge),
        P("jsonl", rank=2, needs=["insert"], imp="import itertools\nimport json\nfrom pathlib import Path\n" + dbimp,
          const='JSONL_FIELDS = ("external_id", "title", "price", "currency", "updated_at")', body='''
def load_jsonl(conn: ''' + conn_t + ''', path: Path) -> int:
    """Stage a JSON Lines file; only the known fields are read from each object."""
    staged, batch = 0, []
    with path.open(encoding="utf-8") as fh:
        for line in itertools.islice(fh, MAX_ROWS):
            if line.strip():
                record = json.loads(line)
                batch.append(tuple(record.get(field) for field in JSONL_FIELDS))
            if len(batch) >= BATCH_SIZE:
                staged += insert_batch(conn, list(JSONL_FIELDS), batch)
                batch = []
    if batch:
        staged += insert_batch(conn, list(JSONL_FIELDS), batch)
    return staged
'''),
        P("tags", rank=1, imp="import ast", body='''
def parse_tags(raw: str | None) -> list[str]:
    """Tags come as "a;b", or as a list literal "['a', 'b']" in older exports (literal_eval builds data only)."""
    if not raw:
        return []
    if raw.lstrip().startswith("[") and len(raw) <= 2000:
        value = ast.literal_eval(raw)
        return [str(tag).strip() for tag in value if str(tag).strip()] if isinstance(value, list) else []
    return [tag.strip() for tag in raw.split(";") if tag.strip()]
'''),
        P("xml", rank=1, imp="from pathlib import Path\nfrom defusedxml import ElementTree as SafeET",
          const="MAX_XML_BYTES = 50 * 1024 * 1024", body='''
def read_xml_feed(path: Path) -> list[dict]:
    """Legacy partners still send XML; defusedxml refuses DTDs, entity declarations and external references."""
    if path.stat().st_size > MAX_XML_BYTES:
        raise ValueError(f"{path.name}: XML feed over {MAX_XML_BYTES} bytes")
    root = SafeET.parse(path).getroot()
    return [{child.tag: (child.text or "").strip() for child in item} for item in root.iterfind("item")]
'''),
        P("sample", rank=1, imp="import csv\nimport itertools\nimport random\nfrom pathlib import Path",
          const="QA_SAMPLE_SIZE = $qa", body='''
def qa_sample(path: Path, size: int = QA_SAMPLE_SIZE) -> list[dict]:
    """Reservoir sample of a file's rows for the data-quality report (random only picks rows to eyeball)."""
    sample: list[dict] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for seen, row in enumerate(itertools.islice(csv.DictReader(fh), MAX_ROWS)):
            if seen < size:
                sample.append(row)
            elif (slot := random.randrange(seen + 1)) < size:
                sample[slot] = row
    return sample
'''),
        P("profile", rank=1, imp="from pathlib import Path\nimport pandas as pd", const="PROFILE_ROWS = 10_000", body='''
def profile(path: Path) -> dict[str, int]:
    """Empty cells per known column in the first rows of a file (for the QA dashboard)."""
    frame = pd.read_csv(path, nrows=PROFILE_ROWS, dtype=str, keep_default_na=False,
                        usecols=lambda name: name.strip().lower() in COLUMNS)
    return {str(name): int((frame[name] == "").sum()) for name in frame.columns}
'''),
        P("quarantine", rank=1, imp="import shutil\nfrom pathlib import Path", body='''
def quarantine(path: Path, reason: str) -> Path:
    """Move a rejected file aside for the partner team (same filesystem, so the move is a rename)."""
    target = INBOX / "rejected"
    target.mkdir(exist_ok=True)
    dest = shutil.move(str(path), target / path.name)
    $log.warning("quarantined %s: %r", path.name, reason)
    return Path(dest)
'''),
    ]
    return core, pool


@fam("mod27s-ingest-csv-header-column-names", "CWE-89", fws=["pipeline"], n=8, wrap=False)
def mod27s_ingest_columns(c):
    kw = _ing_kw(c)
    db, runner = c.pick("pg", "sqlite"), c.pick("celery", "rq")
    core, pool = _ing_parts(c, db, runner)
    sfix = c.pick(_ING_S_ALLOW, _ING_S_IDENT) if db == "pg" else _ING_S_ALLOW
    v, s = _pair(c, c.pick(*_ING_DOCS), '$log = logging.getLogger("$app.ingest")', core, pool, kw, _ING_V, sfix)
    how = ("quotes each name with psycopg.sql.Identifier" if "Identifier" in sfix
           else "refuses a header naming anything but the staging table's known columns")
    return Spec(v=v, s=s, full=True, fw="pipeline",
                notes="every value of the partner file is a bound parameter, but the INSERT's column list is the file's "
                      "own header row joined into the statement; a header cell such as 'title) SELECT ... --' (or one "
                      "with a quote) rewrites the statement the worker runs with the warehouse credentials; the fix "
                      + how)


@hardneg(10)
def mod27s_ingest_columns_hn(c):
    kw = _ing_kw(c)
    db, runner = c.pick("pg", "sqlite"), c.pick("celery", "rq")
    core, pool = _ing_parts(c, db, runner)
    sfix = c.pick(_ING_S_ALLOW, _ING_S_IDENT) if db == "pg" else _ING_S_ALLOW
    code = _safe(c, c.pick(*_ING_DOCS), '$log = logging.getLogger("$app.ingest")', core, pool, kw, sfix)
    return Spec(s=code, full=True, fw="pipeline",
                notes="partner-feed loader: header names checked against the known columns (or sql.Identifier), values "
                      "bound, f-strings only around the constant table name and placeholder lists, md5 with "
                      "usedforsecurity=False for de-duplication, ast.literal_eval / json.loads / defusedxml for parsing, "
                      "random only for the QA sample and retry jitter")


# ---------------- CWE-295: signed API client SDK, TLS verification off behind a proxy / after a cert error ----------------

_SDK_DOCS = [
    "Python client for the $Svc API ($ver). Requests are signed with HMAC-SHA256 over the method, path,\n"
    "timestamp and body hash; TLS is verified against the system store or a configured CA bundle.",
    "$Svc SDK: a small signed client for the $w endpoints, plus webhook verification helpers.",
    "Client library for $host: request signing, retries with back-off, pagination and webhook checks.",
]


def _sdk_kw(c, flavour):
    svc = c.pick("Parcelo", "Ledgerly", "Quotient", "Tidepay", "Fleetline", "Orbitax")
    pkg = svc.lower()
    w = c.pick("shipment", "invoice", "payout", "order", "transfer")
    return dict(Svc=svc, pkg=pkg, PKG=pkg.upper(), w=w, ws=w + "s", log=c.pick("log", "logger"),
                host="api." + pkg + c.pick(".io", ".com"), ver=c.pick("2.4.1", "1.9.0", "3.0.2", "0.14.3"),
                Client=c.pick(svc + "Client", "Client", "AsyncClient" if flavour == "aiohttp" else "ApiClient"),
                Error=c.pick(svc + "Error", "ApiError"), tmo=c.pick("15.0", "20.0", "30.0"),
                ASYNC="async " if flavour == "aiohttp" else "", AWAIT="await " if flavour == "aiohttp" else "",
                ITER="AsyncIterator" if flavour == "aiohttp" else "Iterator")


_SDK_CLASS = {
    "aiohttp": '''
class $Client:
    """Async client; use it as ``async with $Client(key_id, secret) as api: ...``."""

    def __init__(self, key_id: str, secret: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = $tmo,
                 proxy: str | None = None, ca_bundle: str | None = None) -> None:
        if urlsplit(base_url).scheme != "https":
            raise ValueError("base_url must be an https URL")
        self._key_id, self._secret = key_id, secret.encode()
        self._base = base_url.rstrip("/") + "/"
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=5)
        self._ssl = ssl.create_default_context(cafile=ca_bundle)
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "$Client":
        self._session = aiohttp.ClientSession(timeout=self._timeout, headers={"User-Agent": USER_AGENT})
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._session is not None:
            await self._session.close()

    async def request(self, method: str, path: str, *, params: dict | None = None, json_body: dict | None = None) -> dict:
        """Signed call to ``path`` (relative to the base URL); 429 and 5xx answers are retried with back-off."""
        url = urljoin(self._base, path.lstrip("/"))
        if not url.startswith(self._base):
            raise ValueError(f"{path!r} is outside the API base URL")
        body = json.dumps(json_body, separators=(",", ":")).encode() if json_body is not None else b""
        for attempt in range(MAX_ATTEMPTS):
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-$Svc-Key": self._key_id, "X-$Svc-Timestamp": ts,
                       "X-$Svc-Signature": sign_request(self._secret, method, urlsplit(url).path, ts, body)}
            $log.debug("%s %s headers=%s", method, url, redact(headers))
$SEND
                if resp.status in RETRY_STATUSES and attempt + 1 < MAX_ATTEMPTS:
                    await asyncio.sleep(backoff(attempt))
                    continue
                payload = await resp.json(content_type=None) if resp.status != 204 else {}
                if resp.status >= 400:
                    raise $Error(resp.status, str(payload.get("code", "error")), resp.headers.get("X-Request-Id"))
                return payload
        raise $Error(503, "retries_exhausted")
''',
    "requests": '''
class $Client:
    """Client for the $Svc API. urllib3 retries idempotent calls on 429/5xx; every call has a timeout."""

    def __init__(self, key_id: str, secret: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = $tmo,
                 proxy: str | None = None, ca_bundle: str | None = None) -> None:
        if urlsplit(base_url).scheme != "https":
            raise ValueError("base_url must be an https URL")
        self._key_id, self._secret = key_id, secret.encode()
        self._base = base_url.rstrip("/") + "/"
        self._timeout = (5, timeout)
        self._proxy = proxy
        self._verify = ca_bundle or True
        self._session = requests.Session()
        retry = Retry(total=MAX_ATTEMPTS - 1, backoff_factor=0.5, status_forcelist=RETRY_STATUSES,
                      allowed_methods=frozenset({"GET", "PUT", "DELETE"}))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))
        self._session.headers["User-Agent"] = USER_AGENT
        if proxy:
            self._session.proxies = {"https": proxy}

    def __enter__(self) -> "$Client":
        return self

    def __exit__(self, *exc_info) -> None:
        self._session.close()

    def request(self, method: str, path: str, *, params: dict | None = None, json_body: dict | None = None) -> dict:
        """Signed call to ``path`` (relative to the base URL)."""
        url = urljoin(self._base, path.lstrip("/"))
        if not url.startswith(self._base):
            raise ValueError(f"{path!r} is outside the API base URL")
        body = json.dumps(json_body, separators=(",", ":")).encode() if json_body is not None else b""
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-$Svc-Key": self._key_id, "X-$Svc-Timestamp": ts,
                   "X-$Svc-Signature": sign_request(self._secret, method, urlsplit(url).path, ts, body)}
        $log.debug("%s %s headers=%s", method, url, redact(headers))
$SEND
        payload = resp.json() if resp.content else {}
        if resp.status_code >= 400:
            raise $Error(resp.status_code, str(payload.get("code", "error")), resp.headers.get("X-Request-Id"))
        return payload
''',
}

# (flavour, variant) -> (send block with $FIX, vulnerable fix, safe fix)
_SDK_SEND = {
    ("aiohttp", "proxy"): (
        '''            async with self._session.request(method, url, params=params, data=body or None, headers=headers,
                                             $FIX''',
        "proxy=self._proxy, ssl=False if self._proxy else self._ssl) as resp:  #@V",
        "proxy=self._proxy, ssl=self._ssl) as resp:"),
    ("aiohttp", "fallback"): (
        '''            try:
                resp = await self._session.request(method, url, params=params, data=body or None, headers=headers,
                                                   proxy=self._proxy, ssl=self._ssl)
            except aiohttp.ClientConnectorCertificateError as exc:
                $FIX
            async with resp:''',
        '$log.warning("certificate of %s not accepted, retrying without verification", urlsplit(url).hostname)\n'
        "                resp = await self._session.request(method, url, params=params, data=body or None, headers=headers,\n"
        "                                                   proxy=self._proxy, ssl=False)  #@V",
        'raise $Error(0, "tls_verification_failed") from exc'),
    ("requests", "proxy"): (
        '''        resp = self._session.request(method, url, params=params, data=body or None, headers=headers,
                                     timeout=self._timeout, $FIX''',
        "verify=False if self._proxy else self._verify)  #@V",
        "verify=self._verify)"),
    ("requests", "fallback"): (
        '''        try:
            resp = self._session.request(method, url, params=params, data=body or None, headers=headers,
                                         timeout=self._timeout, verify=self._verify)
        except requests.exceptions.SSLError as exc:
            $FIX''',
        '$log.warning("certificate of %s not accepted, retrying without verification", urlsplit(url).hostname)\n'
        "            resp = self._session.request(method, url, params=params, data=body or None, headers=headers,\n"
        "                                         timeout=self._timeout, verify=False)  #@V",
        'raise $Error(0, "tls_verification_failed") from exc'),
}


def _sdk_parts(c, flavour, variant):
    cls_imp = ("import asyncio\nimport json\nimport ssl\nimport time\nfrom urllib.parse import urljoin, urlsplit\nimport aiohttp"
               if flavour == "aiohttp" else
               "import json\nimport time\nfrom urllib.parse import urljoin, urlsplit\nimport requests\n"
               "from requests.adapters import HTTPAdapter\nfrom urllib3.util.retry import Retry")
    core = [
        P("logging", rank=0, imp="import logging"),
        P("consts", rank=0, const='''
DEFAULT_BASE_URL = "https://$host/v2/"
USER_AGENT = "$pkg-python/$ver"
SENSITIVE_HEADERS = frozenset({"authorization", "x-$pkg-key", "x-$pkg-signature"})
RETRY_STATUSES = (429, 502, 503, 504)
MAX_ATTEMPTS = 3
'''),
        P("error", rank=1, body='''
class $Error(Exception):
    """An error answer of the API: HTTP status, machine-readable code and the request id for support."""

    def __init__(self, status: int, code: str, request_id: str | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.request_id = status, code, request_id
'''),
        P("sign", rank=1, imp="import hashlib\nimport hmac", body='''
def sign_request(secret: bytes, method: str, path: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over method, path, timestamp and the body's SHA-256 (hex)."""
    message = "\\n".join((method.upper(), path, timestamp, hashlib.sha256(body).hexdigest())).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
'''),
        P("redact", rank=1, imp="from collections.abc import Mapping", body='''
def redact(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of the headers that is safe to log: the key id and the signature are masked."""
    return {k: "<redacted>" if k.lower() in SENSITIVE_HEADERS else v for k, v in headers.items()}
'''),
        P("client", rank=2, imp=cls_imp, needs=["sign", "redact", "error"] + (["backoff"] if flavour == "aiohttp" else []),
          body=_SDK_CLASS[flavour].replace("$SEND", _SDK_SEND[(flavour, variant)][0])),
    ]
    pool = [
        P("backoff", rank=1, imp="import random", const="MAX_BACKOFF = 20.0", body='''
def backoff(attempt: int) -> float:
    """Full-jitter exponential back-off (random only spreads the retries of many clients)."""
    return random.uniform(0, min(MAX_BACKOFF, 0.5 * 2 ** attempt))
'''),
        P("webhook", rank=3, imp="import hashlib\nimport hmac\nimport json\nimport time", body='''
def verify_webhook(secret: str, body: bytes, timestamp: str, signature: str, tolerance: int = 300) -> dict:
    """Parse a webhook delivery once its timestamp is fresh and its HMAC-SHA256 matches (constant-time compare)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        raise $Error(400, "stale_webhook")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("v1=")):
        raise $Error(401, "bad_signature")
    return json.loads(body)
'''),
        P("env", rank=3, imp="import os", body='''
def client_from_env(**options) -> $Client:
    """A client configured from $PKG_KEY_ID / $PKG_SECRET (optionally $PKG_BASE_URL, HTTPS_PROXY, $PKG_CA_BUNDLE)."""
    return $Client(os.environ["$PKG_KEY_ID"], os.environ["$PKG_SECRET"],
                   base_url=os.environ.get("$PKG_BASE_URL", DEFAULT_BASE_URL), proxy=os.environ.get("HTTPS_PROXY"),
                   ca_bundle=os.environ.get("$PKG_CA_BUNDLE"), **options)
'''),
        P("get", rank=3, imp="from urllib.parse import quote", body='''
$ASYNCdef get_$w($w_id: str, client: $Client) -> dict:
    """One $w by id; the id is percent-quoted so it stays a single path segment."""
    return $AWAITclient.request("GET", f"$ws/{quote($w_id, safe='')}")
'''),
        P("cancel", rank=3, imp="from urllib.parse import quote", body='''
$ASYNCdef cancel_$w($w_id: str, client: $Client) -> dict:
    return $AWAITclient.request("POST", f"$ws/{quote($w_id, safe='')}/cancel")
'''),
        P("create", rank=3, imp="import uuid", body='''
$ASYNCdef create_$w(fields: dict, client: $Client) -> dict:
    """Create a $w; the idempotency key lets the API drop a repeated POST."""
    return $AWAITclient.request("POST", "$ws", json_body={**fields, "idempotency_key": uuid.uuid4().hex})
'''),
        P("iter", rank=3, imp="from collections.abc import $ITER", body='''
$ASYNCdef iter_$ws(client: $Client, *, status: str | None = None, page_size: int = 100) -> $ITER[dict]:
    """Every $w, following the cursor; the API caps page_size at 100."""
    params: dict = {"limit": min(page_size, 100)}
    if status:
        params["status"] = status
    while True:
        page = $AWAITclient.request("GET", "$ws", params=params)
        for item in page.get("data", []):
            yield item
        if not page.get("next_cursor"):
            return
        params["cursor"] = page["next_cursor"]
'''),
    ]
    if flavour != "aiohttp":
        pool = [p for p in pool if p.key != "backoff"]  # urllib3's Retry does the back-off there
    return core, pool


@fam("mod27s-signed-sdk-tls-verify-conditional-off", "CWE-295", fws=["script"], n=8, wrap=False)
def mod27s_sdk_tls(c):
    flavour, variant = c.pick("aiohttp", "requests"), c.pick("proxy", "fallback")
    kw = _sdk_kw(c, flavour)
    core, pool = _sdk_parts(c, flavour, variant)
    _send, vfix, sfix = _SDK_SEND[(flavour, variant)]
    v, s = _pair(c, c.pick(*_SDK_DOCS), '$log = logging.getLogger("$pkg")', core, pool, kw, vfix, sfix)
    what = ("whenever a proxy is configured (HTTPS_PROXY in most corporate deployments) the client passes "
            + ("ssl=False" if flavour == "aiohttp" else "verify=False") + ", so the proxy or anyone on the path "
            "terminates TLS with any certificate" if variant == "proxy" else
            "when the server's certificate is rejected the client logs a warning and repeats the call with "
            "verification off, so a man in the middle only has to present a bad certificate")
    return Spec(v=v, s=s, full=True, fw="sdk",
                notes="the SDK builds a default SSL context (or uses the configured CA bundle), but " + what + "; the "
                      "signed request (key id, signature) and the response data are then read or altered by that party, "
                      "and forged answers are accepted; the fix always verifies (a proxy's CA belongs in ca_bundle)")


@hardneg(10)
def mod27s_sdk_tls_hn(c):
    flavour, variant = c.pick("aiohttp", "requests"), c.pick("proxy", "fallback")
    kw = _sdk_kw(c, flavour)
    core, pool = _sdk_parts(c, flavour, variant)
    code = _safe(c, c.pick(*_SDK_DOCS), '$log = logging.getLogger("$pkg")', core, pool, kw,
                 _SDK_SEND[(flavour, variant)][2])
    return Spec(s=code, full=True, fw="sdk",
                notes="signed API client: TLS always verified (default context / CA bundle, certificate errors raised), "
                      "https-only base URL, urljoin checked against the base, HMAC-SHA256 signing and compare_digest "
                      "webhook checks, headers redacted before logging, timeouts and bounded retries, random only for "
                      "back-off jitter")
