"""Train-only whole-module families on FastAPI and aiohttp services (libs8 services set): realistic
modules of about 80-110 lines (routers, dependencies, background tasks, PyJWT auth, sqlite3 / psycopg2
cursors, requests) with exactly one access-control, error-handling, resource or SSRF weakness each, and a
twin that differs only by the minimal fix.

Covers: a FastAPI auth module (PyJWT) whose ``current_user`` dependency accepts any signed token of the
service, so a refresh or password-reset token works as an access token (287); a FastAPI router whose
shared ``load_<item>`` dependency fetches the row by the path id without the owner column (639); an
approval router (expense claims, leave, purchase orders) that checks the approver role but not that the
approver manages the requester (863); a FastAPI background-task job runner that stores the traceback or
exception text of a failed job and returns it from the status endpoint (209); an aiohttp webhook
service whose delivery task posts with requests to the URL a tenant registered (918); and an aiohttp
batch endpoint (vouchers, device tokens, labels, seat holds) that loops over a client-given count (400).
The optional parts of each module are drawn per rendering (``_opt``), so the eight renderings differ in
their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _clean, _replayed, sub_nested as sub, _opt
from registry import fam, hardneg


def _fin(code, safe):
    """Drop blank-line runs left by empty blocks; the safe twin loses its markers."""
    lines = code.split("\n")
    out = []
    for l in lines:
        if not l.strip() and len(out) >= 2 and not out[-1].strip() and not out[-2].strip():
            continue
        out.append(l.rstrip() if not l.strip() else l)
    code = "\n".join(out).strip("\n") + "\n"
    return _clean(code) if safe else code


# ---------------- CWE-287: PyJWT current_user dependency that accepts refresh / reset tokens ----------------

_JWT = r'''
"""Authentication for the $D API: password login, access and refresh tokens (PyJWT) and the
``current_user`` dependency the other routers depend on."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from passlib.context import CryptContext
from pydantic import BaseModel$EMAILIMP

from .users import User, UserStore$MAILIMP

log = logging.getLogger("$d.auth")
router = APIRouter(prefix="/auth", tags=["auth"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")
users = UserStore(os.environ.get("$DU_DATABASE_URL", "postgresql:///$d"))

$KEYS
ALGORITHM = "HS256"
ISSUER = "$d-api"
ACCESS_TTL = timedelta(minutes=$acc)
REFRESH_TTL = timedelta(days=$ref)
RESET_TTL = timedelta(minutes=30)


class RefreshIn(BaseModel):
    refresh_token: str


$ISSUE


$DECODE


$DEP


@router.post("/token")
async def login(form: OAuth2PasswordRequestForm = Depends()) -> dict:
    """OAuth2 password flow: a short-lived access token and a long-lived refresh token."""
    user = await users.by_email(form.username.strip().lower())
    if user is None or not pwd_context.verify(form.password, user.password_hash):
        log.info("failed password login")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong e-mail or password")
    return {"access_token": _issue(user.id, "access", ACCESS_TTL),
            "refresh_token": _issue(user.id, "refresh", REFRESH_TTL), "token_type": "bearer"}


@router.post("/refresh")
async def refresh(body: RefreshIn) -> dict:
    """A new access token for a valid refresh token."""
$REFRESHBODY
    user = await users.get(int(claims["sub"]))
    if user is None or not user.is_active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
    return {"access_token": _issue(user.id, "access", ACCESS_TTL), "token_type": "bearer"}


$EXTRA
'''

_JWT_EXTRA = [r'''
@router.get("/me")
async def me(user: User = Depends(current_user)) -> dict:
    return {"id": user.id, "email": user.email, "name": user.display_name, "roles": sorted(user.roles)}
''', r'''
def require_role(role: str):
    """Dependency factory: the current user, refused unless they hold ``role``."""
    async def checker(user: User = Depends(current_user)) -> User:
        if role not in user.roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"{role} role required")
        return user
    return checker


@router.get("/sessions", dependencies=[Depends(require_role("admin"))])
async def active_sessions() -> dict:
    return {"active_users": await users.count_active_since(datetime.now(timezone.utc) - REFRESH_TTL)}
''', r'''
@router.post("/password/change", status_code=204)
async def change_password(body: PasswordChangeIn, user: User = Depends(current_user)) -> None:
    if not pwd_context.verify(body.current_password, user.password_hash):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "current password is wrong")
    if len(body.new_password) < 12:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "use at least 12 characters")
    await users.set_password_hash(user.id, pwd_context.hash(body.new_password))
    log.info("user %s changed their password", user.id)
''']

_JWT_RESET = r'''
@router.post("/password/forgot", status_code=202)
async def forgot_password(body: ForgotIn) -> None:
    """E-mail a reset link; the answer is the same whether the address is known or not."""
    user = await users.by_email(body.email.lower())
    if user is not None:
        token = _issue(user.id, "reset", RESET_TTL)
        await send_mail(user.email, "Reset your $D password",
                        f"https://$d.example.com/reset?token={token}")
'''


def _jwt(c, safe, hn=False):
    d = c.pick("helpdesk", "lms", "booking", "billing", "inventory", "chat", "fleet")
    tc = c.pick("typ", "type", "token_use", "kind")
    shape = c.pick("inline", "default")
    reset = c.pick(True, False)
    extras = _opt(c, *_JWT_EXTRA, least=0 if reset else 1, most=1 if reset else 2)
    if "PasswordChangeIn" in extras:
        extras = dedent('''
            class PasswordChangeIn(BaseModel):
                current_password: str
                new_password: str
        ''') + "\n\n\n" + extras
    if reset:
        extras = dedent('''
            class ForgotIn(BaseModel):
                email: EmailStr
        ''') + "\n\n\n" + dedent(_JWT_RESET).strip("\n") + "\n\n\n" + extras
    keyvar = "JWT_SECRET"
    if hn:
        keys = (f'# one key per token kind: a refresh or reset token cannot pass for an access token\n'
                f'KEYS = {{kind: os.environ[f"{d.upper()}_JWT_{{kind.upper()}}_SECRET"] for kind in ("access", "refresh", "reset")}}')
        issue = f'''
            def _issue(user_id: int, kind: str, ttl: timedelta) -> str:
                """A token of one kind, signed with that kind's own key."""
                now = datetime.now(timezone.utc)
                claims = {{"sub": str(user_id), "iss": ISSUER, "iat": now, "exp": now + ttl}}
                return jwt.encode(claims, KEYS[kind], algorithm=ALGORITHM)
        '''
        decode = f'''
            def _decode(token: str, kind: str) -> dict:
                """Claims of a token of ``kind``: only that kind's key verifies it."""
                try:
                    return jwt.decode(token, KEYS[kind], algorithms=[ALGORITHM], issuer=ISSUER,
                                      options={{"require": ["exp", "iss", "sub"]}})
                except jwt.PyJWTError as exc:
                    log.info("rejected %s token: %s", kind, type(exc).__name__)
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
                                        headers={{"WWW-Authenticate": "Bearer"}}) from None
        '''
        dep = '''
            async def current_user(token: str = Depends(oauth2_scheme)) -> User:
                """The user an access token was issued to."""
                claims = _decode(token, "access")
                user = await users.get(int(claims["sub"]))
                if user is None or not user.is_active:
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
                return user
        '''
        refresh = '    claims = _decode(body.refresh_token, "refresh")'
    else:
        keys = f'{keyvar} = os.environ["{d.upper()}_JWT_SECRET"]'
        issue = f'''
            def _issue(user_id: int, kind: str, ttl: timedelta) -> str:
                """A signed token of one kind (access, refresh, reset) for one user."""
                now = datetime.now(timezone.utc)
                claims = {{"sub": str(user_id), "{tc}": kind, "iss": ISSUER, "iat": now, "exp": now + ttl}}
                return jwt.encode(claims, {keyvar}, algorithm=ALGORITHM)
        '''
        if shape == "inline":
            decode = f'''
                def _decode(token: str) -> dict:
                    """Verified claims; PyJWT checks the signature, the expiry and the issuer."""
                    try:
                        return jwt.decode(token, {keyvar}, algorithms=[ALGORITHM], issuer=ISSUER,
                                          options={{"require": ["exp", "iss", "sub"]}})
                    except jwt.PyJWTError as exc:
                        log.info("rejected token: %s", type(exc).__name__)
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
                                            headers={{"WWW-Authenticate": "Bearer"}}) from None
            '''
            check = (f'    if claims.get("{tc}") != "access" or not claims["sub"].isdigit():' if safe else
                     '    if not claims["sub"].isdigit():  #@V')
            dep = f'''
                async def current_user(token: str = Depends(oauth2_scheme)) -> User:
                    """The user an access token was issued to; every protected route depends on this."""
                    claims = _decode(token)
                $CHECK
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
                    user = await users.get(int(claims["sub"]))
                    if user is None or not user.is_active:
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
                    return user
            '''
            dep = dedent(dep).replace("$CHECK", check)
            refresh = dedent(f'''
                claims = _decode(body.refresh_token)
                if claims.get("{tc}") != "refresh":
                    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not a refresh token")
            ''').strip("\n")
            refresh = "\n".join("    " + l for l in refresh.split("\n"))
        else:
            sig = ('def _decode(token: str, kind: str = "access") -> dict:' if safe else
                   'def _decode(token: str, kind: str | None = None) -> dict:  #@V')
            chk = (f'    if claims.get("{tc}") != kind:' if safe else
                   f'    if kind is not None and claims.get("{tc}") != kind:  #@V')
            decode = dedent(f'''
                $SIG
                    """Verified claims of a token; with ``kind``, only a token of that kind is accepted."""
                    try:
                        claims = jwt.decode(token, {keyvar}, algorithms=[ALGORITHM], issuer=ISSUER,
                                            options={{"require": ["exp", "iss", "sub"]}})
                    except jwt.PyJWTError as exc:
                        log.info("rejected token: %s", type(exc).__name__)
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token",
                                            headers={{"WWW-Authenticate": "Bearer"}}) from None
                $CHK
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong kind of token")
                    return claims
            ''').replace("$SIG", sig).replace("$CHK", chk)
            dep = '''
                async def current_user(token: str = Depends(oauth2_scheme)) -> User:
                    """The user an access token was issued to; every protected route depends on this."""
                    claims = _decode(token)
                    user = await users.get(int(claims["sub"]))
                    if user is None or not user.is_active:
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "account disabled")
                    return user
            '''
            refresh = '    claims = _decode(body.refresh_token, "refresh")'
    code = sub(_JWT, KEYS=keys, ISSUE=dedent(issue), DECODE=dedent(decode), DEP=dedent(dep),
               REFRESHBODY=refresh, EXTRA=extras,
               EMAILIMP=", EmailStr" if reset else "", MAILIMP="\nfrom .mail import send_mail" if reset else "",
               acc=c.pick(10, 15, 30), ref=c.pick(14, 30, 60), DU=d.upper(), D=d.capitalize(), d=d)
    return _fin(code, safe)


@fam("mod8-fastapi-jwt-token-kind-unchecked", "CWE-287", fws=["fastapi"], n=8, wrap=False)
def mod8_jwt_kind(c):
    v, s = _replayed(c, _jwt)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="every token of the service (access, long-lived refresh, e-mailed password reset) is signed "
                      "with the same key and carries its kind in a claim, but the current_user dependency never "
                      "asks for kind == 'access' (the check is absent, or the decode helper's default kind=None "
                      "skips it): a 30-day refresh token or a reset link's token from a mail log authenticates "
                      "every API call. The fix makes the dependency require an access token")


@hardneg(2)
def mod8_jwt_kind_hn(c):
    return Spec(s=_jwt(c, True, hn=True), full=True, fw="fastapi",
                notes="each token kind is signed with its own key, and the dependency verifies with the access "
                      "key only, so refresh or reset tokens cannot pass for access tokens")


# ---------------- CWE-639: FastAPI loader dependency that fetches the row by path id only ----------------

_LOADER_DOMAINS = [
    # (word, table, owner column, columns shown, app)
    ("booking", "bookings", "guest_id", ["room", "check_in", "check_out", "status", "notes"], "hotel booking"),
    ("payslip", "payslips", "employee_id", ["period", "gross", "net", "status", "notes"], "HR"),
    ("submission", "submissions", "student_id", ["course_id", "grade", "status", "notes", "submitted_at"], "LMS"),
    ("ticket", "tickets", "requester_id", ["subject", "priority", "status", "notes", "created_at"], "helpdesk"),
    ("device", "devices", "owner_id", ["serial", "model", "status", "notes", "last_seen"], "IoT gateway"),
]

_LOADER = r'''
"""$W endpoints of the $app API. Every route that works on one $w gets it from the shared
``load_$w`` dependency, so the lookup lives in one place."""
from __future__ import annotations

import logging
import os
from typing import Iterator

$DBIMP
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from .auth import User, current_user

log = logging.getLogger("$app_id.$ws")
router = APIRouter(prefix="/$ws", tags=["$ws"], dependencies=[Depends(current_user)])
$DBCONST
COLUMNS = "id, $owner, $cols"


class NotesIn(BaseModel):
    notes: str = Field(..., max_length=2000)


$GETDB


$LOAD


@router.get("")
def list_$ws(user: User = Depends(current_user), db=Depends(get_db), limit: int = 50) -> dict:
    """The caller's own $ws, newest first."""
$LISTQ
    return {"items": [dict(r) for r in rows]}


@router.get("/{$w_id}")
def get_$w($w: dict = Depends(load_$w)) -> dict:
    return dict($w)


$EXTRA
'''

_LOADER_EXTRA = [r'''
@router.patch("/{$w_id}/notes")
def update_notes(body: NotesIn, $w: dict = Depends(load_$w), db=Depends(get_db)) -> dict:
$UPDATE
    log.info("notes of $w %s updated", $w["id"])
    return {"id": $w["id"], "notes": body.notes}
''', r'''
@router.post("/{$w_id}/archive", status_code=204)
def archive_$w($w: dict = Depends(load_$w), db=Depends(get_db)) -> None:
    if $w["status"] == "archived":
        raise HTTPException(409, "already archived")
$ARCHIVE
    log.info("$w %s archived", $w["id"])
''', r'''
@router.get("/{$w_id}/summary")
def $w_summary($w: dict = Depends(load_$w)) -> dict:
    """A short, display-ready summary of one $w."""
    return {"id": $w["id"], "status": $w["status"], "title": f"$W #{$w['id']}",
            "fields": {k: $w[k] for k in ($first, $second)}}
''', r'''
@router.get("/stats/by-status")
def $w_stats(user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    """How many of the caller's $ws are in each status."""
$STATSQ
    return {"counts": {r["status"]: r["n"] for r in rows}}
''', r'''
def _public(row) -> dict:
    """The fields a client sees; internal columns stay out of the answer."""
    data = dict(row)
    data.pop("$owner", None)
    return data


@router.get("/{$w_id}/card")
def $w_card($w: dict = Depends(load_$w)) -> dict:
    return {"$w": _public($w), "links": {"self": f"/$ws/{$w['id']}"}}
''']


def _loader(c, safe, hn=False):
    w, table, owner, cols, app = c.pick(*_LOADER_DOMAINS)
    W = w.capitalize()
    db = c.pick("sqlite3", "psycopg2")
    ph = "?" if db == "sqlite3" else "%s"
    if db == "sqlite3":
        dbimp = "import sqlite3"
        dbconst = f'DB_PATH = os.environ.get("{app.split()[0].upper()}_DB", "/var/lib/{w}s/{w}s.db")'
        getdb = '''
            def get_db() -> Iterator[sqlite3.Connection]:
                """One connection per request; rows behave like dicts."""
                conn = sqlite3.connect(DB_PATH, check_same_thread=False)
                conn.row_factory = sqlite3.Row
                try:
                    yield conn
                    conn.commit()
                finally:
                    conn.close()
        '''

        def q(sql, args, one=False, mark=""):
            fetch = ".fetchone()" if one else ".fetchall()"
            return f'db.execute("{sql}", {args}){fetch}{mark}'

        def run(sql, args):
            return f'    db.execute("{sql}", {args})'
    else:
        dbimp = "import psycopg2\nfrom psycopg2.extras import RealDictCursor"
        dbconst = f'DSN = os.environ.get("DATABASE_URL", "dbname={w}s")'
        getdb = '''
            def get_db() -> Iterator["psycopg2.extensions.connection"]:
                """One connection per request, committed when the route returns."""
                conn = psycopg2.connect(DSN, cursor_factory=RealDictCursor)
                try:
                    with conn:
                        yield conn
                finally:
                    conn.close()
        '''

        def q(sql, args, one=False, mark=""):
            return None

        def run(sql, args):
            return f'    with db.cursor() as cur:\n        cur.execute("{sql}", {args})'
    uid = c.pick("user.id", "user.user_id")
    scoped = safe or hn
    where = f"id = {ph} AND {owner} = {ph}" if scoped else f"id = {ph}"
    args = f"({w}_id, {uid})" if scoped else f"({w}_id,)"
    sig_user = ", user: User = Depends(current_user)" if scoped else ""
    sig = f"def load_{w}({w}_id: int, db=Depends(get_db){sig_user}) -> dict:" + ("" if scoped else "  #@S")
    mark = "" if scoped else "  #@V"
    sel = f"SELECT {{COLUMNS}} FROM {table} WHERE {where}"
    if db == "sqlite3":
        fetch = f'    row = db.execute(f"{sel}", {args}).fetchone(){mark}'
    else:
        fetch = (f'    with db.cursor() as cur:\n        cur.execute(f"{sel}", {args}){mark}\n'
                 f'        row = cur.fetchone()')
    style = c.pick("none", "walrus")
    if style == "none":
        tail = f'    if row is None:\n        raise HTTPException(404, "{w} not found")\n    return row'
    else:
        tail = f'    if not row:\n        log.info("{w} %s not found", {w}_id)\n        raise HTTPException(404, "{w} not found")\n    return dict(row)'
    load = f'{sig}\n    """The {w} named in the path{", if it belongs to the caller" if scoped else ""}; 404 otherwise."""\n{fetch}\n{tail}'
    lim = "min(max(limit, 1), 200)"
    if db == "sqlite3":
        listq = f'    rows = db.execute(f"SELECT {{COLUMNS}} FROM {table} WHERE {owner} = ? ORDER BY id DESC LIMIT ?",\n                      ({uid}, {lim})).fetchall()'
    else:
        listq = (f'    with db.cursor() as cur:\n        cur.execute(f"SELECT {{COLUMNS}} FROM {table} WHERE {owner} = %s ORDER BY id DESC LIMIT %s",\n'
                 f'                    ({uid}, {lim}))\n        rows = cur.fetchall()')
    update = run(f"UPDATE {table} SET notes = {ph} WHERE id = {ph}", f'(body.notes, {w}["id"])')
    archive = run(f"UPDATE {table} SET status = 'archived' WHERE id = {ph}", f'({w}["id"],)')
    extra = _opt(c, *_LOADER_EXTRA, least=3, most=5)
    if db == "sqlite3":
        statsq = (f'    rows = db.execute("SELECT status, COUNT(*) AS n FROM {table} WHERE {owner} = ? GROUP BY status",\n'
                  f'                      ({uid},)).fetchall()')
    else:
        statsq = (f'    with db.cursor() as cur:\n        cur.execute("SELECT status, COUNT(*) AS n FROM {table} WHERE {owner} = %s '
                  f'GROUP BY status", ({uid},))\n        rows = cur.fetchall()')
    hnblock = ""
    if hn:
        hnblock = f'''


            def require_staff(user: User = Depends(current_user)) -> User:
                if "support" not in user.roles:
                    raise HTTPException(403, "staff only")
                return user


            @router.get("/staff/{{{w}_id}}")
            def staff_view({w}_id: int, staff: User = Depends(require_staff), db=Depends(get_db)) -> dict:
                """Support staff may open any {w}; the access is logged."""
                log.info("staff %s opened {w} %s", staff.id, {w}_id)
            $STAFFQ
                if row is None:
                    raise HTTPException(404, "{w} not found")
                return dict(row)
        '''
        if db == "sqlite3":
            staffq = f'    row = db.execute(f"SELECT {{COLUMNS}} FROM {table} WHERE id = ?", ({w}_id,)).fetchone()'
        else:
            staffq = (f'    with db.cursor() as cur:\n        cur.execute(f"SELECT {{COLUMNS}} FROM {table} WHERE id = %s", ({w}_id,))\n'
                      f'        row = cur.fetchone()')
        hnblock = dedent(hnblock).replace("$STAFFQ", staffq)
    code = sub(_LOADER, DBIMP=dbimp, DBCONST=dbconst, GETDB=dedent(getdb), LOAD=load, LISTQ=listq,
               EXTRA=extra + ("\n\n\n" + hnblock.strip("\n") if hn else ""), UPDATE=update, STATSQ=statsq, ARCHIVE=archive, first=repr(cols[0]).replace("'", '"'),
               second=repr(cols[1]).replace("'", '"'), cols=", ".join(cols), owner=owner, app_id=app.split()[0].lower(),
               app=app, ws=f"{w}s", W=W, w=w)
    return _fin(code, safe)


@fam("mod8-fastapi-loader-dependency-idor", "CWE-639", fws=["fastapi"], n=8, wrap=False)
def mod8_loader_idor(c):
    v, s = _replayed(c, _loader)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the routes are authenticated, but the shared load_<item> dependency selects the row by the "
                      "id in the path alone (no owner column in the WHERE clause), and every route that depends "
                      "on it (read, update, archive) works on any user's row by changing the number. The fix "
                      "gives the dependency the current user and adds the owner column to the query")


@hardneg(2)
def mod8_loader_idor_hn(c):
    return Spec(s=_loader(c, True, hn=True), full=True, fw="fastapi",
                notes="the loader dependency is scoped to the owner; a separate staff route reads any row by id "
                      "but requires the support role")


# ---------------- CWE-863: approval router that checks the approver role but not the relationship ----------------

_APPROVAL_DOMAINS = [
    # (word, table, amount/extent column, app)
    ("claim", "expense_claims", "amount", "expenses"),
    ("leave", "leave_requests", "days", "HR"),
    ("order", "purchase_orders", "total", "procurement"),
    ("refund", "refund_requests", "amount", "billing"),
    ("timesheet", "timesheets", "hours", "payroll"),
]

_APPROVAL = r'''
"""$W approval workflow of the $app service: employees submit, their manager approves or rejects."""
from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timezone
from typing import Iterator

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from .auth import User, current_user

log = logging.getLogger("$appid.$w")
router = APIRouter(prefix="/$ws", tags=["$ws"])
DB_PATH = os.environ.get("$APPID_DB", "/srv/$appid/$appid.db")
APPROVER_ROLES = frozenset({$roles})


class DecisionIn(BaseModel):
    comment: str = Field("", max_length=500)


def get_db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def _load(db: sqlite3.Connection, item_id: int) -> sqlite3.Row:
    row = db.execute("SELECT id, employee_id, manager_id, $amt, status FROM $table WHERE id = ?",
                     (item_id,)).fetchone()
    if row is None:
        raise HTTPException(404, "$w not found")
    return row


$CANDECIDE


$EXTRA


@router.post("/{item_id}/approve")
def approve(item_id: int, body: DecisionIn, user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    """Approve a submitted $w."""
    item = _load(db, item_id)
    if item["status"] != "submitted":
        raise HTTPException(409, f"the $w is {item['status']}")
$APPROVECHECK
    db.execute("UPDATE $table SET status = 'approved', decided_by = ?, decided_at = ?, comment = ? WHERE id = ?",$APPROVEMARK
               (user.id, datetime.now(timezone.utc).isoformat(), body.comment, item_id))
    log.info("$w %s approved by %s", item_id, user.id)
    return {"id": item_id, "status": "approved"}
'''

_APPROVAL_EXTRA = [r'''
@router.post("/{item_id}/reject")
def reject(item_id: int, body: DecisionIn, user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    item = _load(db, item_id)
    if item["status"] != "submitted":
        raise HTTPException(409, f"the $w is {item['status']}")
$REJECTCHECK
    db.execute("UPDATE $table SET status = 'rejected', decided_by = ?, comment = ? WHERE id = ?",
               (user.id, body.comment, item_id))
    log.info("$w %s rejected by %s", item_id, user.id)
    return {"id": item_id, "status": "rejected"}
''', r'''
@router.get("/pending")
def pending(user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    """The submitted $ws waiting for this manager."""
    rows = db.execute("SELECT id, employee_id, $amt FROM $table WHERE manager_id = ? AND status = 'submitted' "
                      "ORDER BY id", (user.id,)).fetchall()
    return {"items": [dict(r) for r in rows]}
''', r'''
@router.get("/mine")
def mine(user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    rows = db.execute("SELECT id, $amt, status FROM $table WHERE employee_id = ? ORDER BY id DESC LIMIT 100",
                      (user.id,)).fetchall()
    return {"items": [dict(r) for r in rows]}
''', r'''
@router.post("/{item_id}/withdraw")
def withdraw(item_id: int, user: User = Depends(current_user), db=Depends(get_db)) -> dict:
    item = _load(db, item_id)
    if item["employee_id"] != user.id or item["status"] != "submitted":
        raise HTTPException(404, "$w not found")
    db.execute("UPDATE $table SET status = 'withdrawn' WHERE id = ?", (item_id,))
    return {"id": item_id, "status": "withdrawn"}
''']


def _approval(c, safe, hn=False):
    w, table, amt, app = c.pick(*_APPROVAL_DOMAINS)
    appid = app.lower()
    roles = c.pick('"manager"', '"manager", "finance"', '"team_lead", "manager"')
    shape = c.pick("helper", "inline")
    if hn:
        rel = ('item["employee_id"] == user.id or item["department_id"] != user.department_id')
        good = f'if not user.roles & APPROVER_ROLES or {rel}:'
    else:
        good = 'if not user.roles & APPROVER_ROLES or item["manager_id"] != user.id:'
    weak = 'if not user.roles & APPROVER_ROLES:'
    ok = safe or hn
    if shape == "helper":
        cond = good.replace("if not user.roles", "if not user.roles") if ok else weak + "  #@V"
        cand = dedent(f'''
            def can_decide(user: User, item: sqlite3.Row) -> bool:
                """Whether ``user`` may approve or reject ``item``."""
                $COND
                    return False
                return item["status"] == "submitted"
        ''').replace("$COND", cond)
        check = ('    if not can_decide(user, item):\n        raise HTTPException(403, "you cannot decide on this $w")')
        acheck, rcheck = check, check
    else:
        cand = ""
        line = good if ok else weak + "  #@V"
        acheck = f'    {line}\n        raise HTTPException(403, "you cannot approve this $w")'
        rcheck = f'    {good}\n        raise HTTPException(403, "you cannot reject this $w")'
    extra = _opt(c, *_APPROVAL_EXTRA, least=1, most=4)
    code = sub(_APPROVAL, CANDECIDE=cand, EXTRA=extra, APPROVECHECK=acheck, REJECTCHECK=rcheck,
               APPROVEMARK="" if ok else "  #@V", roles=roles, APPID=appid.upper(), appid=appid, app=app,
               table=table, amt=amt, ws=f"{w}s", W=w.capitalize(), w=w)
    if hn:
        code = code.replace("SELECT id, employee_id, manager_id, ", "SELECT id, employee_id, manager_id, department_id, ")
        code = code.replace("their manager approves or rejects.", "an approver of their department decides.")
    return _fin(code, safe)


@fam("mod8-fastapi-approval-any-approver", "CWE-863", fws=["fastapi"], n=8, wrap=False)
def mod8_approval(c):
    v, s = _replayed(c, _approval)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="approving checks only that the caller holds an approver role, not that they are the "
                      "requester's manager: any manager approves any employee's request, including their own. "
                      "The fix also requires item['manager_id'] == user.id")


@hardneg(2)
def mod8_approval_hn(c):
    return Spec(s=_approval(c, True, hn=True), full=True, fw="fastapi",
                notes="approvers decide requests of their own department and never their own; the role and the "
                      "relationship are both checked")


# ---------------- CWE-209: background-task job runner that returns the failure's exception text ----------------

_JOBS_DOMAINS = [
    # (job word, app, the query the job runs, output kind)
    ("report", "analytics", "SELECT day, channel, SUM(revenue) AS revenue FROM daily_sales WHERE day BETWEEN {ph} AND {ph} GROUP BY day, channel ORDER BY day", "csv"),
    ("export", "CRM", "SELECT id, name, email, created_at FROM contacts WHERE created_at BETWEEN {ph} AND {ph} ORDER BY id", "csv"),
    ("statement", "billing", "SELECT invoice_no, issued_at, total, paid_at FROM invoices WHERE issued_at BETWEEN {ph} AND {ph} ORDER BY issued_at", "csv"),
    ("audit", "inventory", "SELECT sku, location, counted, expected FROM stock_counts WHERE counted_at BETWEEN {ph} AND {ph} ORDER BY sku", "csv"),
]

_JOBS = r'''
"""$W jobs of the $app API: a POST starts a background job, clients poll its status and then
download the file it wrote."""
from __future__ import annotations

import csv
import logging
import os
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
$TBIMP
$DBIMP
from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel

from .auth import User, current_user

log = logging.getLogger("$appid.jobs")
router = APIRouter(prefix="/$ws", tags=["$ws"])
OUT_DIR = Path(os.environ.get("$APPID_EXPORT_DIR", "/var/lib/$appid/exports"))
$DBCONST
MAX_DAYS = $maxdays
$STORE


class JobIn(BaseModel):
    start: date
    end: date


$CONNECT


def _run(job_id: str, start: date, end: date) -> None:
    """The background task: query, write the CSV, record the outcome."""
    $SETRUN
    out = OUT_DIR / f"{job_id}.csv"
    try:
$QUERY
        with out.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(rows)
        $SETDONE
        log.info("$w job %s wrote %d rows", job_id, len(rows))
    except Exception as exc:
        log.exception("$w job %s failed", job_id)
$FAIL


@router.post("", status_code=202)
def start_job(body: JobIn, tasks: BackgroundTasks, user: User = Depends(current_user)) -> dict:
    if "exporter" not in user.roles:
        raise HTTPException(403, "the exporter role is required")
    if body.end < body.start or (body.end - body.start).days > MAX_DAYS:
        raise HTTPException(422, f"the range must be 0 to {MAX_DAYS} days")
    job_id = uuid.uuid4().hex
    $CREATE
    tasks.add_task(_run, job_id, body.start, body.end)
    return {"job_id": job_id, "status_url": f"/$ws/{job_id}"}


@router.get("/{job_id}")
def job_status(job_id: str, user: User = Depends(current_user)) -> dict:
    job = $GET
    if job is None or job["owner_id"] != user.id:
        raise HTTPException(404, "no such job")
    return {"job_id": job_id, "status": job["status"], "rows": job.get("rows"), "error": job.get("error")}


$EXTRA
'''

_JOBS_EXTRA = [r'''
@router.get("/{job_id}/download")
def download(job_id: str, user: User = Depends(current_user)) -> FileResponse:
    job = $GET
    if job is None or job["owner_id"] != user.id or job["status"] != "done":
        raise HTTPException(404, "no finished job with that id")
    return FileResponse(OUT_DIR / f"{job_id}.csv", media_type="text/csv", filename=f"$w-{job_id[:8]}.csv")
''', r'''
@router.get("")
def my_jobs(user: User = Depends(current_user)) -> dict:
    """The caller's jobs, newest first."""
    mine = [j for j in $ALL if j["owner_id"] == user.id]
    mine.sort(key=lambda j: j["created_at"], reverse=True)
    return {"items": [{"job_id": j["id"], "status": j["status"], "created_at": j["created_at"]} for j in mine[:50]]}
''']


def _jobs(c, safe, hn=False):
    w, app, sql, _ = c.pick(*_JOBS_DOMAINS)
    appid = app.lower()
    db = c.pick("sqlite3", "psycopg2")
    ph = "?" if db == "sqlite3" else "%s"
    sql = sql.replace("{ph}", ph)
    store = c.pick("dict", "class")
    leak = c.pick("traceback", "str", "fstring", "repr")
    if db == "sqlite3":
        dbimp, dbconst = "import sqlite3", f'DB_PATH = os.environ.get("{appid.upper()}_DB", "/var/lib/{appid}/{appid}.db")'
        connect = '''
            def _connect() -> sqlite3.Connection:
                return sqlite3.connect(DB_PATH, timeout=10)
        '''
        query = (f'        with closing(_connect()) as conn:\n'
                 f'            cur = conn.execute("{sql}", (start.isoformat(), end.isoformat()))\n'
                 f'            columns = [d[0] for d in cur.description]\n'
                 f'            rows = cur.fetchall()')
        dbimp += "\nfrom contextlib import closing"
    else:
        dbimp, dbconst = "import psycopg2", 'DSN = os.environ.get("DATABASE_URL", "dbname=' + appid + '")'
        connect = '''
            def _connect():
                return psycopg2.connect(DSN, connect_timeout=5, options="-c statement_timeout=120000")
        '''
        query = (f'        with _connect() as conn, conn.cursor() as cur:\n'
                 f'            cur.execute("{sql}", (start, end))\n'
                 f'            columns = [d[0] for d in cur.description]\n'
                 f'            rows = cur.fetchall()')
    if store == "dict":
        storedef = "JOBS: dict[str, dict] = {}  # job id -> status record (one worker process)"
        setrun = 'JOBS[job_id]["status"] = "running"'
        setdone = 'JOBS[job_id].update(status="done", rows=len(rows))'
        upd = 'JOBS[job_id].update('
        create = ('JOBS[job_id] = {"id": job_id, "owner_id": user.id, "status": "queued",\n'
                  '                    "created_at": datetime.now(timezone.utc).isoformat()}')
        get, allj = "JOBS.get(job_id)", "JOBS.values()"
    else:
        storedef = dedent('''


            class JobTable:
                """Job status records, kept in memory by the single API worker."""

                def __init__(self) -> None:
                    self._jobs: dict[str, dict] = {}

                def create(self, job_id: str, owner_id: int) -> None:
                    self._jobs[job_id] = {"id": job_id, "owner_id": owner_id, "status": "queued",
                                          "created_at": datetime.now(timezone.utc).isoformat()}

                def set(self, job_id: str, **fields) -> None:
                    self._jobs[job_id].update(fields)

                def get(self, job_id: str) -> dict | None:
                    return self._jobs.get(job_id)

                def all(self) -> list[dict]:
                    return list(self._jobs.values())


            jobs = JobTable()''').strip("\n")
        storedef = "\n\n" + storedef
        setrun = 'jobs.set(job_id, status="running")'
        setdone = 'jobs.set(job_id, status="done", rows=len(rows))'
        upd = 'jobs.set(job_id, '
        create = 'jobs.create(job_id, user.id)'
        get, allj = "jobs.get(job_id)", "jobs.all()"
    ref = c.pick("the job failed; quote reference {job_id} to support",
                 "could not build the file (reference {job_id})", "internal error while running job {job_id}")
    if safe or hn:
        fail = f'        {upd}status="failed", error=f"{ref}")'
    else:
        msg = {"traceback": "traceback.format_exc()", "str": "str(exc)", "fstring": 'f"{type(exc).__name__}: {exc}"',
               "repr": "repr(exc)"}[leak]
        fail = f'        {upd}status="failed", error={msg})  #@V'
    if hn:
        # the safe look-alike: the traceback is kept, but only in the server log and an admin-only field
        fail = (f'        {upd}status="failed", error=f"{ref}",\n'
                f'        {" " * len(upd)}debug=traceback.format_exc())  # shown to operators only, never in job_status')
    tbimp = "import traceback\n" if (leak == "traceback" and not safe) or hn else ""
    extra = _opt(c, *_JOBS_EXTRA, least=0, most=2)
    code = sub(_JOBS, TBIMP=tbimp, DBIMP=dbimp, DBCONST=dbconst, STORE=storedef, CONNECT=dedent(connect),
               QUERY=query, SETRUN=setrun, SETDONE=setdone, FAIL=fail, CREATE=create, EXTRA=extra, GET=get,
               ALL=allj, maxdays=c.pick(92, 366, 31), APPID=appid.upper(), appid=appid, app=app, ws=f"{w}s",
               W=w.capitalize(), w=w)
    return _fin(code, safe)


@fam("mod8-fastapi-bgtask-job-error-detail", "CWE-209", fws=["fastapi"], n=8, wrap=False)
def mod8_job_error(c):
    v, s = _replayed(c, _jobs)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the background task records the exception of a failed job (its traceback, str() or repr()) "
                      "in the job record, and the status endpoint returns that record's error field to the "
                      "client: driver messages with the SQL, the DSN host, file paths and stack frames reach the "
                      "user. The traceback already goes to the log; the fix stores a generic message with the job id")


@hardneg(2)
def mod8_job_error_hn(c):
    return Spec(s=_jobs(c, True, hn=True), full=True, fw="fastapi",
                notes="the traceback is kept in a debug field that the status endpoint never returns; clients see "
                      "a generic message with the job reference")


# ---------------- CWE-918: aiohttp webhook service whose delivery posts to the registered URL ----------------

_HOOKS_DOMAINS = [
    # (app, event names)
    ("ticketing", '"ticket.created", "ticket.closed", "comment.added"'),
    ("iot-gateway", '"device.online", "device.offline", "reading.alert"'),
    ("booking", '"booking.confirmed", "booking.cancelled"'),
    ("lms", '"course.published", "submission.graded"'),
    ("cms", '"page.published", "page.deleted"'),
]

_HOOKS = r'''
"""Outgoing webhooks of the $app service (aiohttp): tenants register an endpoint URL, events are
delivered to it as signed JSON POSTs from a worker thread."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
$IPIMPimport json
import logging
import secrets
$SOCKIMPfrom functools import partial
from urllib.parse import urlsplit

import requests
from aiohttp import web

log = logging.getLogger("$appid.webhooks")
routes = web.RouteTableDef()
EVENTS = frozenset({$events})
TIMEOUT = ($ct, $rt)$GUARD


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _deliver(hook: dict, event: str, payload: dict) -> int:
    """POST one event to a hook (runs in the default executor; requests is blocking)."""
    body = json.dumps({"event": event, "data": payload}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "X-Signature-SHA256": _sign(hook["secret"], body)}
$PRECHECK    resp = requests.post(hook["url"], data=body, headers=headers, timeout=TIMEOUT$REDIR)$MARK
    log.info("hook %s <- %s: HTTP %s", hook["id"], event, resp.status_code)
    return resp.status_code


async def dispatch(app: web.Application, tenant_id: int, event: str, payload: dict) -> None:
    """Deliver an event to every hook of a tenant that subscribed to it."""
    loop = asyncio.get_running_loop()
    for hook in [h for h in app["hooks"].values() if h["tenant_id"] == tenant_id and event in h["events"]]:
        try:
            await loop.run_in_executor(None, partial(_deliver, hook, event, payload))
        except (requests.RequestException, ValueError) as exc:
            log.warning("hook %s failed: %s", hook["id"], type(exc).__name__)


@routes.post("/webhooks")
async def register(request: web.Request) -> web.Response:
    tenant_id = request["tenant_id"]  # set by the auth middleware
    data = await request.json()
    url = str(data.get("url", "")).strip()  #@S
    events = set(data.get("events") or []) & EVENTS
    if urlsplit(url).scheme not in ("http", "https") or not events:
        raise web.HTTPBadRequest(text="an http(s) url and at least one known event are required")
    hook = {"id": secrets.token_hex(8), "tenant_id": tenant_id, "url": url, "events": sorted(events),
            "secret": secrets.token_urlsafe(32)}
    request.app["hooks"][hook["id"]] = hook
$PING
    return web.json_response({"id": hook["id"], "secret": hook["secret"]}, status=201)


$EXTRA
'''

_HOOKS_GUARD = r'''
def _check_destination(url: str) -> None:
    """Refuse hosts that resolve to loopback, private, link-local or reserved addresses."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("webhooks must use https")
    for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP):
        addr = ipaddress.ip_address(info[4][0])
        if not addr.is_global:
            raise ValueError(f"{parts.hostname} is not a public address")

'''

_HOOKS_EXTRA = [r'''
@routes.get("/webhooks")
async def list_hooks(request: web.Request) -> web.Response:
    mine = [h for h in request.app["hooks"].values() if h["tenant_id"] == request["tenant_id"]]
    return web.json_response({"items": [{"id": h["id"], "url": h["url"], "events": h["events"]} for h in mine]})
''', r'''
@routes.delete("/webhooks/{hook_id}")
async def delete_hook(request: web.Request) -> web.Response:
    hook = request.app["hooks"].get(request.match_info["hook_id"])
    if hook is None or hook["tenant_id"] != request["tenant_id"]:
        raise web.HTTPNotFound()
    del request.app["hooks"][hook["id"]]
    return web.Response(status=204)
''', r'''
@routes.post("/webhooks/{hook_id}/test")
async def send_test(request: web.Request) -> web.Response:
    """Deliver a sample event now and report the status code the endpoint answered."""
    hook = request.app["hooks"].get(request.match_info["hook_id"])
    if hook is None or hook["tenant_id"] != request["tenant_id"]:
        raise web.HTTPNotFound()
    loop = asyncio.get_running_loop()
    try:
        status = await loop.run_in_executor(None, partial(_deliver, hook, "ping", {"hook_id": hook["id"]}))
    except (requests.RequestException, ValueError):
        return web.json_response({"delivered": False})
    return web.json_response({"delivered": 200 <= status < 300})
''']


def _hooks(c, safe, hn=False):
    app, events = c.pick(*_HOOKS_DOMAINS)
    appid = app.replace("-", "_")
    ping = c.pick("", "task")
    if ping:
        pingcode = ('    asyncio.create_task(dispatch(request.app, tenant_id, "ping", {"hook_id": hook["id"]}))')
    else:
        pingcode = ""
    extra = _opt(c, *_HOOKS_EXTRA, least=1, most=3)
    if hn:
        # look-alike: only allow-listed chat providers' webhook hosts, https, no redirects
        guard = dedent('''
            ALLOWED_HOSTS = frozenset({"hooks.slack.com", "outlook.office.com", "discord.com"})


            def _check_destination(url: str) -> None:
                """Only the chat providers' webhook hosts, over https."""
                parts = urlsplit(url)
                if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
                    raise ValueError("only Slack, Teams or Discord webhook URLs are accepted")
        ''') + "\n"
        netimp = False
    elif safe:
        guard, netimp = dedent(_HOOKS_GUARD), True
    else:
        guard, netimp = "", False
    code = sub(_HOOKS, IPIMP="import ipaddress\n" if netimp else "", SOCKIMP="import socket\n" if netimp else "",
               GUARD="\n\n\n" + guard.strip("\n") if guard else "",
               PRECHECK="    _check_destination(hook[\"url\"])\n" if (safe or hn) else "",
               REDIR=", allow_redirects=False" if (safe or hn) else "",
               MARK="" if (safe or hn) else "  #@V", PING=pingcode, EXTRA=extra, events=events,
               ct=c.pick("3.05", "5"), rt=c.pick(10, 15, 20), appid=appid, app=app)
    if hn:
        code = code.replace("  #@S", "").replace('''    events = set(data.get("events") or []) & EVENTS''',
                            '''    events = set(data.get("events") or []) & EVENTS
    try:
        _check_destination(url)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc))''')
    return _fin(code, safe)


@fam("mod8-aiohttp-webhook-delivery-ssrf", "CWE-918", fws=["aiohttp"], n=8, wrap=False)
def mod8_hooks_ssrf(c):
    v, s = _replayed(c, _hooks)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="a tenant registers any http(s) URL as its webhook endpoint (only the scheme is checked) and "
                      "the delivery thread POSTs to it with requests, following redirects: http://169.254.169.254/, "
                      "localhost admin ports or internal services are reachable from the server, and the test "
                      "delivery reports their status. The fix checks before each delivery that the host resolves "
                      "only to public addresses and turns redirects off")


@hardneg(2)
def mod8_hooks_ssrf_hn(c):
    return Spec(s=_hooks(c, True, hn=True), full=True, fw="aiohttp",
                notes="webhook URLs are limited to an allow-list of chat-provider hosts over https, checked at "
                      "registration and before each delivery, with redirects off")


# ---------------- CWE-400: aiohttp batch endpoint that loops over a client-given count ----------------

_BATCH_DOMAINS = [
    # (app, thing, table, make-expression, per-item columns)
    ("billing", "voucher", "vouchers", 'secrets.token_urlsafe(12)', "campaign"),
    ("iot-gateway", "enrollment token", "enrollment_tokens", 'secrets.token_hex(16)', "fleet"),
    ("inventory", "label", "labels", 'f"{prefix}-{secrets.token_hex(4).upper()}"', "prefix"),
    ("ticketing", "seat hold", "seat_holds", 'secrets.token_urlsafe(9)', "show"),
]

_BATCH = r'''
"""$T batches of the $app service (aiohttp): staff create $ts in bulk and download them as CSV."""
from __future__ import annotations

import csv
import io
import logging
import secrets
import sqlite3
from datetime import datetime, timedelta, timezone

from aiohttp import web

log = logging.getLogger("$appid.$tid")
routes = web.RouteTableDef()
MAX_BATCH = $maxb
VALID_DAYS = $days


def _db(request: web.Request) -> sqlite3.Connection:
    return request.app["db"]


$EXTRA


@routes.post("/$tid/batches")
async def create_batch(request: web.Request) -> web.Response:
    """Create ``count`` $ts for one $col; answers the batch id and the CSV link."""
    if "staff" not in request["user"].roles:
        raise web.HTTPForbidden(text="staff only")
    data = await request.json()
    $col = str(data.get("$col", "")).strip()[:40]
$COUNT
    if not $col:
        raise web.HTTPBadRequest(text="$col is required")
    batch_id = secrets.token_hex(8)
    expires = (datetime.now(timezone.utc) + timedelta(days=VALID_DAYS)).isoformat()
    rows = []
$LOOP
    db = _db(request)
    with db:
        db.executemany("INSERT INTO $table (code, batch_id, $col, expires_at) VALUES (?, ?, ?, ?)", rows)
    log.info("batch %s: %d $ts for %s", batch_id, len(rows), $col)
    return web.json_response({"batch_id": batch_id, "count": len(rows),
                              "csv": f"/$tid/batches/{batch_id}.csv"}, status=201)


@routes.get("/$tid/batches/{batch_id}.csv")
async def batch_csv(request: web.Request) -> web.Response:
    if "staff" not in request["user"].roles:
        raise web.HTTPForbidden(text="staff only")
    rows = _db(request).execute("SELECT code, $col, expires_at FROM $table WHERE batch_id = ? ORDER BY rowid",
                                (request.match_info["batch_id"],)).fetchall()
    if not rows:
        raise web.HTTPNotFound()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["code", "$col", "expires_at"])
    writer.writerows(rows)
    return web.Response(text=buf.getvalue(), content_type="text/csv")
'''

_BATCH_EXTRA = [r'''
@routes.get("/$tid/batches")
async def list_batches(request: web.Request) -> web.Response:
    if "staff" not in request["user"].roles:
        raise web.HTTPForbidden(text="staff only")
    rows = _db(request).execute(
        "SELECT batch_id, $col, COUNT(*) FROM $table GROUP BY batch_id, $col ORDER BY MAX(rowid) DESC LIMIT 50"
    ).fetchall()
    return web.json_response({"items": [{"batch_id": b, "$col": v, "count": n} for b, v, n in rows]})
''', r'''
@routes.delete("/$tid/batches/{batch_id}")
async def revoke_batch(request: web.Request) -> web.Response:
    """Revoke the unused $ts of a batch."""
    if "staff" not in request["user"].roles:
        raise web.HTTPForbidden(text="staff only")
    db = _db(request)
    with db:
        cur = db.execute("DELETE FROM $table WHERE batch_id = ? AND used_at IS NULL", (request.match_info["batch_id"],))
    log.info("batch %s: %d $ts revoked", request.match_info["batch_id"], cur.rowcount)
    return web.json_response({"revoked": cur.rowcount})
''', r'''
def _parse_int(value, default: int) -> int:
    """An int from JSON input, or ``default`` when it is missing; 400 on garbage."""
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text="expected a whole number")
''']


def _batch(c, safe, hn=False):
    app, thing, table, make, col = c.pick(*_BATCH_DOMAINS)
    tid = table.replace("_", "-")
    extras = list(_BATCH_EXTRA)
    use_parse = c.pick(True, False)
    if use_parse:
        src = '_parse_int(data.get("count"), 1)'
    else:
        src = 'int(data.get("count", 1))'
        extras = extras[:2]
    extra = _opt(c, *extras, least=1 if not use_parse else 0, most=len(extras))
    if use_parse and "_parse_int" not in extra:
        extra = dedent(_BATCH_EXTRA[2]).strip("\n") + ("\n\n\n" + extra if extra else "")
    fixkind = c.pick("guard", "clamp")
    ok = safe or hn
    if ok and fixkind == "clamp":
        count = f'    count = min(max({src}, 1), MAX_BATCH)'
    else:
        count = f'    count = {src}' + ("" if ok else "  #@S")
        if ok:
            count += '\n    if not 1 <= count <= MAX_BATCH:\n        raise web.HTTPBadRequest(text=f"count must be between 1 and {MAX_BATCH}")'
        else:
            count += '\n    if count < 1:  #@V\n        raise web.HTTPBadRequest(text="count must be positive")'
    shape = c.pick("for", "comp")
    m = "" if ok else "  #@V"
    if shape == "for":
        loop = (f'    for _ in range(count):{m}\n'
                f'        rows.append(({make}, batch_id, {col}, expires))')
    else:
        loop = f'    rows = [({make}, batch_id, {col}, expires) for _ in range(count)]{m}'
        # the comprehension replaces the empty list
    code = sub(_BATCH, COUNT=count, LOOP=loop, EXTRA=extra, maxb=c.pick(500, 1000, 5000), days=c.pick(30, 90, 365),
               appid=app.replace("-", "_"), app=app, tid=tid, table=table, col=col,
               ts=thing + "s", T=thing.capitalize())
    if shape == "comp":
        code = code.replace("    rows = []\n", "")
    if "prefix" in make and col != "prefix":
        code = code.replace("{prefix}", "{" + col + "}")
    return _fin(code, safe)


@fam("mod8-aiohttp-batch-count-unbounded", "CWE-400", fws=["aiohttp"], n=8, wrap=False)
def mod8_batch_count(c):
    v, s = _replayed(c, _batch)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="the batch size comes from the JSON body and is only checked to be positive: one request "
                      "with count=50000000 makes the handler build tens of millions of codes in memory on the "
                      "event loop and insert them, starving every other request. MAX_BATCH is defined but not "
                      "applied; the fix bounds count by it")


@hardneg(2)
def mod8_batch_count_hn(c):
    return Spec(s=_batch(c, True, hn=True), full=True, fw="aiohttp",
                notes="the client's count is clamped to (or rejected above) MAX_BATCH before the loop")
