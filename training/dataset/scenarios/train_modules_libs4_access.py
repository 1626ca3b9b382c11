"""Train-only whole-module families for the access-control groups (862, 863, 639, 306, 287, 269) on
libraries and shapes no other access family uses (libs4 set): realistic modules of about 80-110 lines
in which several handlers, consumers, tasks or service methods do the check and exactly one does not,
or does it wrongly. The twin is the same module with the minimal fix.

- mod4-starlette-requires-scope (862): Starlette ``AuthenticationMiddleware`` with a bearer-token
  backend; one account-changing endpoint is decorated ``@requires("authenticated")`` where its
  siblings require the operator scope as well.
- mod4-oso-service-wrong-action (863): a Flask blueprint over a service class that asks an oso policy
  ``is_allowed(actor, action, obj)``; one destructive method asks for the read action.
- mod4-sqlmodel-repo-unscoped-get (639): a FastAPI router over a SQLModel repository; one route loads
  the row with the repository's unscoped ``get`` instead of ``get_owned``.
- mod4-channels-consumer-noauth (306): Django Channels consumers behind ``AuthMiddlewareStack``; the
  operator control consumer accepts every connection without looking at ``scope["user"]``.
- mod4-webauthn-credential-any-user (287): passkey sign-in with py_webauthn; the finishing step looks
  the credential up by id alone and opens the session of the account named at the start.
- mod4-celery-task-no-role-check (862): Celery tasks enqueued by the API with the actor's id; one
  destructive task never checks the actor's workspace role.
- mod4-fastapi-service-check-after-effect (863): a FastAPI billing service whose method calls the
  payment gateway before it checks the actor's permission.
- mod4-flask-security-grant-any-role (269): Flask-Security-Too team administration; the grant route
  checks that the submitted role exists, not that the team lead may hand it out.

Each family has ``@hardneg(3)`` look-alike safe modules (the check done elsewhere or another way).
The optional functions of each module are drawn per rendering (``_opt``), so the renderings differ in
their set of functions, not only in names. Written without reading the held-out or validation
families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _clean, _twin, _w, sub, _joined as _join
from registry import fam, hardneg


def _opt(c, *blocks, least=1, most=None):
    """A random subset (``least`` to ``most`` blocks) of optional blocks, in a random order."""
    bs = [b for b in blocks if b]
    k = c.rng.randint(min(least, len(bs)), min(len(bs) if most is None else most, len(bs)))
    return c.rng.sample(bs, k)


def _methods(*blocks):
    """Method blocks indented by four spaces, one blank line apart."""
    return "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in dedent(b).strip("\n").split("\n"))
                       for b in blocks if b and b.strip())


# ---------------- CWE-862: Starlette @requires without the operator scope ----------------

_ST_HEAD = '''
"""Starlette back-office API for $w accounts. AuthenticationMiddleware runs a bearer-token backend:
every staff token carries "authenticated", and changes to an account also need the "$op" scope."""
from __future__ import annotations

import logging
import os

from starlette.applications import Starlette
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, SimpleUser, requires
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from $w_backoffice.store import AccountStore, StaffTokens

log = logging.getLogger("$w.backoffice")

accounts = AccountStore(os.environ["$WU_DATABASE_URL"])
staff_tokens = StaffTokens(os.environ["$WU_DATABASE_URL"])
PAGE_SIZE = $page
OPERATOR = "$op"
'''

_ST_BACKEND = '''
class StaffTokenBackend(AuthenticationBackend):
    """Opaque bearer tokens issued to staff; the scopes come from the token's row, not from the request."""

    async def authenticate(self, conn: HTTPConnection):
        scheme, _, credentials = conn.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credentials:
            return None
        token = await staff_tokens.lookup(credentials.strip())
        if token is None or token.revoked:
            raise AuthenticationError("invalid or revoked token")
        return AuthCredentials(["authenticated", *token.scopes]), SimpleUser(token.staff_email)
'''

_ST_HELPERS = '''
def _out(row) -> dict:
    return {"id": row.id, "email": row.email, "plan": row.plan, "status": row.status}


async def _account(request: Request):
    return await accounts.get(request.path_params["account_id"])
'''

_ST_READS = {
    "list": ('''
@requires("authenticated")
async def list_accounts(request: Request) -> JSONResponse:
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    rows = await accounts.page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return JSONResponse({"page": page, "items": [_out(r) for r in rows]})
''', 'Route("/accounts", list_accounts, methods=["GET"])'),
    "show": ('''
@requires("authenticated")
async def show_account(request: Request) -> JSONResponse:
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse(_out(row))
''', 'Route("/accounts/{account_id:int}", show_account, methods=["GET"])'),
    "events": ('''
@requires("authenticated")
async def account_events(request: Request) -> JSONResponse:
    """The audit trail support staff read before they escalate a ticket."""
    events = await accounts.events(request.path_params["account_id"], limit=100)
    return JSONResponse([{"at": e.at.isoformat(), "kind": e.kind, "by": e.actor} for e in events])
''', 'Route("/accounts/{account_id:int}/events", account_events, methods=["GET"])'),
}

_ST_WRITES = {
    "suspend": ('''
$DEC
async def suspend_account(request: Request) -> JSONResponse:$M
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    reason = str((await request.json()).get("reason", ""))[:300]
    await accounts.set_status(row.id, "suspended", reason=reason, by=request.user.display_name)$M
    log.info("account %s suspended by %s", row.id, request.user.display_name)
    return JSONResponse(_out(row) | {"status": "suspended"})
''', 'Route("/accounts/{account_id:int}/suspend", suspend_account, methods=["POST"])'),
    "mfa": ('''
$DEC
async def reset_mfa(request: Request) -> JSONResponse:$M
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    await accounts.clear_second_factors(row.id)$M
    log.warning("second factors of account %s reset by %s", row.id, request.user.display_name)
    return JSONResponse({"id": row.id, "mfa": "reset"})
''', 'Route("/accounts/{account_id:int}/mfa/reset", reset_mfa, methods=["POST"])'),
    "credit": ('''
MAX_CREDIT_CENTS = $maxcredit


$DEC
async def issue_credit(request: Request) -> JSONResponse:$M
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    body = await request.json()
    cents = int(body.get("amount_cents", 0))
    if not 0 < cents <= MAX_CREDIT_CENTS:
        return JSONResponse({"error": "amount out of range"}, status_code=400)
    await accounts.add_credit(row.id, cents, note=str(body.get("note", ""))[:200])$M
    log.info("credit of %d cents to account %s by %s", cents, row.id, request.user.display_name)
    return JSONResponse({"id": row.id, "credited_cents": cents}, status_code=201)
''', 'Route("/accounts/{account_id:int}/credits", issue_credit, methods=["POST"])'),
    "plan": ('''
PLANS = ("free", "team", "business", "enterprise")


$DEC
async def change_plan(request: Request) -> JSONResponse:$M
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    plan = str((await request.json()).get("plan", ""))
    if plan not in PLANS:
        return JSONResponse({"error": "unknown plan"}, status_code=400)
    await accounts.set_plan(row.id, plan)$M
    log.info("account %s moved to %s by %s", row.id, plan, request.user.display_name)
    return JSONResponse(_out(row) | {"plan": plan})
''', 'Route("/accounts/{account_id:int}/plan", change_plan, methods=["POST"])'),
    "delete": ('''
$DEC
async def delete_account(request: Request) -> JSONResponse:$M
    row = await _account(request)
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    await accounts.delete(row.id)$M
    log.warning("account %s deleted by %s", row.id, request.user.display_name)
    return JSONResponse({"deleted": row.id})
''', 'Route("/accounts/{account_id:int}", delete_account, methods=["DELETE"])'),
}

_ST_WEAK_DEC = '@requires("authenticated")  #@V'
_ST_GOOD_DEC = '@requires(["authenticated", OPERATOR])'


def _starlette(c):
    w, Wc = _w(c)
    op = c.pick("accounts:write", "operator", "backoffice:admin", "support:escalated")
    page = c.pick(25, 50, 100)
    weak = c.pick(*_ST_WRITES)
    others = [k for k in _ST_WRITES if k != weak]
    writes = [weak] + _opt(c, *others, least=1, most=2)
    c.rng.shuffle(writes)
    reads = _opt(c, *_ST_READS, least=1, most=2)
    blocks, routes = [], []
    for k in reads:
        blocks.append(_ST_READS[k][0])
        routes.append(_ST_READS[k][1])
    wblocks = []
    for k in writes:
        body, route = _ST_WRITES[k]
        wblocks.append(sub(body, DEC=_ST_WEAK_DEC if k == weak else _ST_GOOD_DEC,
                           M="  #@V" if k == weak else "", maxcredit=c.pick(5000, 10000, 25000)))
        routes.append(route)
    app = ("routes = [\n" + "".join(f"    {r},\n" for r in routes) + "]\n\n"
           "app = Starlette(routes=routes, middleware=[Middleware(AuthenticationMiddleware, "
           "backend=StaffTokenBackend())])")
    v = _join(sub(_ST_HEAD, w=w, WU=w.upper(), op=op, page=page), _ST_BACKEND, _ST_HELPERS,
              *blocks, *wblocks, app)
    return v, weak


@fam("mod4-starlette-requires-scope", "CWE-862", fws=["starlette"], n=8, wrap=False)
def mod4_starlette_requires(c):
    v, weak = _starlette(c)
    s = _twin(v, (_ST_WEAK_DEC, _ST_GOOD_DEC))
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes=f"the {weak} endpoint only requires the 'authenticated' scope that every staff token has, "
                      f"while the other account-changing endpoints also require the operator scope: any support "
                      f"token can perform it; add OPERATOR to its @requires")


@hardneg(3)
def mod4_starlette_requires_hn(c):
    v, weak = _starlette(c)
    lines = v.split("\n")
    i = next(k for k, l in enumerate(lines) if l.startswith("async def ") and l.endswith("#@V"))
    lines[i + 1:i + 1] = ["    if OPERATOR not in request.auth.scopes:",
                          '        return JSONResponse({"error": "operator scope required"}, status_code=403)']
    return Spec(s=_clean("\n".join(lines)), full=True, fw="starlette",
                notes="the decorator only asks for 'authenticated', but the endpoint itself refuses tokens "
                      "without the operator scope before it changes anything")


# ---------------- CWE-863: oso policy asked for the read action before a destructive one ----------------

_OSO_HEAD = '''
"""$Wc records for the $team workspace: a Flask blueprint over a service class. Every service method asks
the oso policy ($w_app/authorization.polar) whether the acting user may do that action on that $w."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from flask import Blueprint, g, jsonify, request
from oso import Oso

from .auth import login_required
from .models import $Wc, Share, User, db

log = logging.getLogger("$w.service")
bp = Blueprint("$ws", __name__, url_prefix="/api/$ws")

oso = Oso()
oso.register_class(User)
oso.register_class($Wc)
oso.load_files(["$w_app/authorization.polar"])


class Forbidden(Exception):
    """The policy refused the action; the blueprint answers 403."""
'''

_OSO_LOAD = '''
def _load(self, $w_id: int) -> $Wc:
    obj = db.session.get($Wc, $w_id)
    if obj is None or obj.deleted_at is not None:
        raise LookupError($w_id)
    return obj
'''

_OSO_GET = '''
def get(self, actor: User, $w_id: int) -> $Wc:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "$read", obj):
        raise Forbidden()
    return obj
'''

_OSO_METHODS = {
    "rename": '''
def rename(self, actor: User, $w_id: int, title: str) -> $Wc:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "$ACT", obj):$M
        raise Forbidden()
    obj.title = title.strip()[:200]$M
    db.session.commit()
    return obj
''',
    "share": '''
def share(self, actor: User, $w_id: int, user_id: int, level: str) -> Share:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "$ACT", obj):$M
        raise Forbidden()
    if level not in ("viewer", "editor"):
        raise ValueError("level must be viewer or editor")
    grant = Share($w_id=obj.id, user_id=user_id, level=level, granted_by=actor.id)
    db.session.add(grant)$M
    db.session.commit()
    log.info("$w %s shared with %s as %s by %s", obj.id, user_id, level, actor.id)
    return grant
''',
    "transfer": '''
def transfer(self, actor: User, $w_id: int, new_owner_id: int) -> $Wc:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "$ACT", obj):$M
        raise Forbidden()
    obj.owner_id = new_owner_id$M
    db.session.commit()
    log.info("$w %s handed from %s to %s", obj.id, actor.id, new_owner_id)
    return obj
''',
    "delete": '''
def delete(self, actor: User, $w_id: int) -> None:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "$ACT", obj):$M
        raise Forbidden()
    obj.deleted_at = datetime.now(timezone.utc)$M
    db.session.commit()
    log.info("$w %s deleted by %s", obj.id, actor.id)
''',
}

_OSO_EXTRA_METHODS = {
    "visible": '''
def visible(self, actor: User, limit: int = $limit) -> list[$Wc]:
    """The list page: recent rows, filtered through the policy one by one."""
    rows = $Wc.query.filter($Wc.deleted_at.is_(None)).order_by($Wc.updated_at.desc()).limit(limit * 4)
    return [obj for obj in rows if oso.is_allowed(actor, "$read", obj)][:limit]
''',
    "comment": '''
def comment(self, actor: User, $w_id: int, text: str) -> Comment:
    obj = self._load($w_id)
    if not oso.is_allowed(actor, "comment", obj):
        raise Forbidden()
    note = Comment($w_id=obj.id, author_id=actor.id, body=text.strip()[:2000])
    db.session.add(note)
    db.session.commit()
    return note
''',
}

_OSO_EXTRA_ROUTES = {
    "visible": '''
@bp.get("")
@login_required
def list_$ws():
    return jsonify([{"id": o.id, "title": o.title} for o in service.visible(g.user)])
''',
    "comment": '''
@bp.post("/<int:$w_id>/comments")
@login_required
def comment_$w($w_id: int):
    note = service.comment(g.user, $w_id, str(request.get_json(force=True).get("body", "")))
    return jsonify(id=note.id), 201
''',
}

_OSO_ACT = {"rename": "edit", "share": "share", "transfer": "transfer", "delete": "delete"}

_OSO_ROUTES = {
    "get": '''
@bp.get("/<int:$w_id>")
@login_required
def show_$w($w_id: int):
    obj = service.get(g.user, $w_id)
    return jsonify(id=obj.id, title=obj.title, owner_id=obj.owner_id)
''',
    "rename": '''
@bp.patch("/<int:$w_id>")
@login_required
def rename_$w($w_id: int):
    obj = service.rename(g.user, $w_id, str(request.get_json(force=True).get("title", "")))
    return jsonify(id=obj.id, title=obj.title)
''',
    "share": '''
@bp.post("/<int:$w_id>/shares")
@login_required
def share_$w($w_id: int):
    body = request.get_json(force=True)
    grant = service.share(g.user, $w_id, int(body["user_id"]), str(body.get("level", "viewer")))
    return jsonify(user_id=grant.user_id, level=grant.level), 201
''',
    "transfer": '''
@bp.post("/<int:$w_id>/owner")
@login_required
def transfer_$w($w_id: int):
    obj = service.transfer(g.user, $w_id, int(request.get_json(force=True)["user_id"]))
    return jsonify(id=obj.id, owner_id=obj.owner_id)
''',
    "delete": '''
@bp.delete("/<int:$w_id>")
@login_required
def delete_$w($w_id: int):
    service.delete(g.user, $w_id)
    return "", 204
''',
}

_OSO_ERRORS = '''
@bp.errorhandler(Forbidden)
def _forbidden(exc):
    log.info("policy refused %s %s for user %s", request.method, request.path, g.user.id)
    return jsonify(error="forbidden"), 403


@bp.errorhandler(LookupError)
def _missing(exc):
    return jsonify(error="not found"), 404
'''


def _oso(c):
    w, Wc = _w(c)
    read = c.pick("read", "view")
    weak = c.pick("delete", "share", "transfer", "rename", "delete")
    others = _opt(c, *[k for k in _OSO_METHODS if k != weak], least=1, most=2)
    extra = _opt(c, *_OSO_EXTRA_METHODS, least=0, most=1 if len(others) == 1 else 0)
    ops = [weak] + others
    c.rng.shuffle(ops)
    kw = dict(w=w, Wc=Wc, ws=w + "s", read=read, team=c.pick("finance", "legal", "research", "design"),
              limit=c.pick(25, 50, 100))
    methods = [_OSO_LOAD, _OSO_GET] + [_OSO_EXTRA_METHODS[k] for k in extra]
    for k in ops:
        methods.append(sub(_OSO_METHODS[k], ACT=read if k == weak else _OSO_ACT[k], M="  #@V" if k == weak else ""))
    svc = (f'class {Wc}Service:\n    """The {w} operations; each asks the policy before it touches the row."""\n\n'
           + _methods(*methods) + f"\n\n\nservice = {Wc}Service()")
    routes = [_OSO_ROUTES["get"]] + [_OSO_EXTRA_ROUTES[k] for k in extra] + [_OSO_ROUTES[k] for k in ops]
    v = _join(sub(_OSO_HEAD, **kw), sub(svc, **kw), *[sub(r, **kw) for r in routes], _OSO_ERRORS)
    models = sorted([Wc, "User"] + (["Share"] if "share" in ops else []) + (["Comment"] if "comment" in extra else []))
    v = v.replace(f"import {Wc}, Share, User, db", "import " + ", ".join(models) + ", db")
    if "delete" not in ops:
        v = v.replace("from datetime import datetime, timezone\n\n", "\n")
    return v, weak, read


def _oso_fix(v, weak, read):
    act = _OSO_ACT[weak]
    return (f'if not oso.is_allowed(actor, "{read}", obj):  #@V', f'if not oso.is_allowed(actor, "{act}", obj):')


@fam("mod4-oso-service-wrong-action", "CWE-863", fws=["flask"], n=8, wrap=False)
def mod4_oso_wrong_action(c):
    v, weak, read = _oso(c)
    s = _twin(v, _oso_fix(v, weak, read))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the service's {weak} method asks the oso policy whether the actor may '{read}' the row, "
                      f"the permission every viewer has, instead of '{_OSO_ACT[weak]}': anyone who can see a "
                      f"record can {weak} it; the other methods ask for their own action")


@hardneg(3)
def mod4_oso_wrong_action_hn(c):
    v, weak, read = _oso(c)
    old, new = _oso_fix(v, weak, read)
    w = _w(c)[0]
    # read first (rows the user cannot see answer 404), then the action's own permission
    s = v.replace(old + "\n            raise Forbidden()\n",
                  old.replace("  #@V", "") + f"\n            raise LookupError({w}_id)\n        "
                  + new + "\n            raise Forbidden()\n")
    assert s != v
    return Spec(s=_clean(s), full=True, fw="flask",
                notes=f"the {weak} method asks for '{read}' first (rows the user cannot see answer 404), then "
                      f"for '{_OSO_ACT[weak]}' before it changes anything")


# ---------------- CWE-639: SQLModel repository, one route uses the unscoped get ----------------

_SQM_HEAD = '''
"""$Wc API (FastAPI + SQLModel). Every $w belongs to one customer account; the routes go through the
repository's account-scoped methods, the unscoped ones are for the nightly reconciliation job."""
from __future__ import annotations

import logging
from datetime import $dtimports
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlmodel import Field, Session, SQLModel, $sqlimports

from .auth import CurrentUser, current_user
from .db import get_session

log = logging.getLogger("$w.api")
router = APIRouter(prefix="/$ws", tags=["$ws"])

MAX_PAGE = $maxpage
'''

_SQM_FIELDS = [
    '    reference: str = Field(default="", max_length=40, index=True)',
    '    notes: str = Field(default="", max_length=2000)',
    "    due_on: date | None = None",
    "    currency: str = Field(default=\"$cur\", min_length=3, max_length=3)",
]

_SQM_MODELS = '''
class $Wc(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(index=True)
    title: str = Field(max_length=200)
    status: str = Field(default="$open", max_length=20)
    amount_cents: int = Field(default=0, ge=0)
$fields
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))


class $WcCreate(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    amount_cents: int = Field(default=0, ge=0, le=$maxamount)
'''

_SQM_READ = '''
class $WcRead(SQLModel):
    """What the API returns: the account id stays internal."""
    id: int
    title: str
    status: str
    amount_cents: int
    created_at: datetime
'''

_SQM_REPO_HEAD = '''
class $WcRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, $w_id: int) -> $Wc | None:
        """Unscoped lookup for back-office jobs; request handlers use get_owned()."""
        return self.session.get($Wc, $w_id)

    def get_owned(self, $w_id: int, account_id: int) -> $Wc | None:
        stmt = select($Wc).where($Wc.id == $w_id, $Wc.account_id == account_id)
        return self.session.scalars(stmt).first()
'''

_SQM_REPO_OPT = {
    "list": '''
def list_for(self, account_id: int, offset: int, limit: int) -> list[$Wc]:
    stmt = (select($Wc).where($Wc.account_id == account_id)
            .order_by($Wc.created_at.desc()).offset(offset).limit(limit))
    return list(self.session.scalars(stmt))
''',
    "count": '''
def count_by_status(self, account_id: int) -> dict[str, int]:
    stmt = select($Wc.status, func.count()).where($Wc.account_id == account_id).group_by($Wc.status)
    return {row[0]: row[1] for row in self.session.execute(stmt)}
''',
    "search": '''
def search(self, account_id: int, term: str, limit: int) -> list[$Wc]:
    stmt = (select($Wc).where($Wc.account_id == account_id, col($Wc.title).icontains(term))
            .order_by($Wc.id.desc()).limit(limit))
    return list(self.session.scalars(stmt))
''',
}

_SQM_REPO_TAIL = '''
def save(self, obj: $Wc) -> $Wc:
    self.session.add(obj)
    self.session.commit()
    self.session.refresh(obj)
    return obj

def remove(self, obj: $Wc) -> None:
    self.session.delete(obj)
    self.session.commit()
'''

_SQM_DEPS = '''
def get_repo(session: Annotated[Session, Depends(get_session)]) -> $WcRepository:
    return $WcRepository(session)


Repo = Annotated[$WcRepository, Depends(get_repo)]
User = Annotated[CurrentUser, Depends(current_user)]
'''

_SQM_FIXED = {
    "list": '''
@router.get("", response_model=list[$Out])
def list_$ws(repo: Repo, user: User, offset: int = 0, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20):
    return repo.list_for(user.account_id, offset, limit)
''',
    "count": '''
@router.get("/summary")
def summary(repo: Repo, user: User) -> dict[str, int]:
    return repo.count_by_status(user.account_id)
''',
    "search": '''
@router.get("/search", response_model=list[$Out])
def search_$ws(repo: Repo, user: User, q: Annotated[str, Query(min_length=2, max_length=80)]):
    return repo.search(user.account_id, q.strip(), MAX_PAGE)
''',
    "create": '''
@router.post("", status_code=status.HTTP_201_CREATED, response_model=$Out)
def create_$w(body: $WcCreate, repo: Repo, user: User):
    obj = repo.save($Wc(account_id=user.account_id, **body.model_dump()))
    log.info("$w %s created for account %s", obj.id, user.account_id)
    return obj
''',
}

_SQM_ROUTES = {
    "read": '''
@router.get("/{$w_id}", response_model=$Out)
def read_$w($w_id: int, repo: Repo, user: User):
    $GET
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    return obj
''',
    "close": '''
@router.post("/{$w_id}/close", response_model=$Out)
def close_$w($w_id: int, repo: Repo, user: User):
    $GET
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    if obj.status != "$open":
        raise HTTPException(status.HTTP_409_CONFLICT, f"$w is {obj.status}")
    obj.status = "closed"
    repo.save(obj)$M
    log.info("$w %s closed by user %s", obj.id, user.id)
    return obj
''',
    "rename": '''
@router.patch("/{$w_id}", response_model=$Out)
def update_$w($w_id: int, body: $WcCreate, repo: Repo, user: User):
    $GET
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    obj.title = body.title
    obj.amount_cents = body.amount_cents
    return repo.save(obj)$M
''',
    "delete": '''
@router.delete("/{$w_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_$w($w_id: int, repo: Repo, user: User) -> None:
    $GET
    if obj is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "$w not found")
    repo.remove(obj)$M
    log.info("$w %s deleted by user %s", obj.id, user.id)
''',
}


def _sqm_lines(w):
    return (f"obj = repo.get({w}_id)  #@V", f"obj = repo.get_owned({w}_id, user.account_id)")


def _sqlmodel(c):
    w, Wc = _w(c)
    weak = c.pick("read", "close", "rename", "delete")
    vget, sget = _sqm_lines(w)
    others = _opt(c, *[k for k in _SQM_ROUTES if k != weak], least=0, most=2)
    fixed = _opt(c, *_SQM_FIXED, least=1, most=3 - len(others) if len(others) < 2 else 1)
    routes = [weak] + others
    c.rng.shuffle(routes)
    fields = _opt(c, *_SQM_FIELDS, least=0, most=2)
    read_model = c.rng.random() < 0.5
    kw = dict(w=w, Wc=Wc, ws=w + "s", open=c.pick("open", "draft", "pending"), maxpage=c.pick(50, 100, 200),
              maxamount=c.pick(1_000_000, 5_000_000, 25_000_000), cur=c.pick("EUR", "USD", "GBP"),
              Out=Wc + "Read" if read_model else Wc,
              dtimports="date, datetime, timezone" if _SQM_FIELDS[2] in fields else "datetime, timezone",
              sqlimports=", ".join(sorted(["select"] + (["col"] if "search" in fixed else [])
                                          + (["func"] if "count" in fixed else []))))
    kw["fields"] = "\n".join(f.replace("$cur", kw["cur"]) for f in fields)
    repo_methods = [sub(_SQM_REPO_OPT[k], **kw) for k in ("list", "count", "search") if k in fixed]
    repo = dedent(sub(_SQM_REPO_HEAD, **kw)).rstrip("\n") + "\n\n" + _methods(*repo_methods, sub(_SQM_REPO_TAIL, **kw))
    # the fixed paths (/summary, /search) are declared before the /{id} routes that would shadow them
    blocks = [sub(_SQM_FIXED[k], **kw) for k in fixed]
    for k in routes:
        blocks.append(sub(_SQM_ROUTES[k], GET=vget if k == weak else sget, M="  #@V" if k == weak else "", **kw))
    models = sub(_SQM_MODELS, **kw).replace("\n\n    created_at", "\n    created_at")
    v = _join(sub(_SQM_HEAD, **kw), models, sub(_SQM_READ, **kw) if read_model else "", repo,
              sub(_SQM_DEPS, **kw), *blocks)
    v = re.sub(r", response_model=" + Wc + r"\)", ")", v) if not read_model else v
    if "list" not in fixed and "search" not in fixed:
        v = v.replace("HTTPException, Query, status", "HTTPException, status")
    return v, weak, w


@fam("mod4-sqlmodel-repo-unscoped-get", "CWE-639", fws=["fastapi"], n=8, wrap=False)
def mod4_sqlmodel_unscoped(c):
    v, weak, w = _sqlmodel(c)
    s = _twin(v, _sqm_lines(w))
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"the {weak} route loads the {w} with the repository's unscoped get() by the id in the URL, "
                      f"while the other routes use get_owned() with the caller's account: any signed-in customer "
                      f"can {weak} another account's {w} by changing the id")


@hardneg(3)
def mod4_sqlmodel_unscoped_hn(c):
    v, weak, w = _sqlmodel(c)
    vget, _ = _sqm_lines(w)
    s = v.replace(vget + "\n    if obj is None:",
                  vget.replace("  #@V", "") + "\n    if obj is None or obj.account_id != user.account_id:")
    assert s != v
    return Spec(s=_clean(s), full=True, fw="fastapi",
                notes="one route loads by id with the unscoped get(), but answers 404 unless the row belongs to "
                      "the caller's account")


# ---------------- CWE-306: Django Channels consumer that accepts every connection ----------------

_CH_HEAD = '''
"""WebSocket consumers (Django Channels) for the $w operations dashboard. The ASGI application wraps
them in AuthMiddlewareStack, so scope["user"] is the session's user, AnonymousUser when signed out.
The dashboard has staff accounts only (sign-up is disabled), so a signed-in user may use every screen."""
import logging

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application
from django.urls import re_path

from .models import $Model
from .ops import $opsimports

log = logging.getLogger("$w.consumers")

STATUS_GROUP = "$w-status"
'''

_CH_GUARD = '''
if not self.scope["user"].is_authenticated:
    await self.close(code=4401)
    return
'''

_CH_STATUS = '''
class StatusConsumer(AsyncJsonWebsocketConsumer):
    """Pushes queue depths and worker heartbeats to every open dashboard."""

    async def connect(self):
        if not self.scope["user"].is_authenticated:
            await self.close(code=4401)
            return
        await self.channel_layer.group_add(STATUS_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(STATUS_GROUP, self.channel_name)

    async def status_update(self, event):
        await self.send_json(event["payload"])
'''

_CH_RECENT = '''
@database_sync_to_async
def recent_$models(limit: int = $limit) -> list[dict]:
    rows = $Model.objects.order_by("-created_at")[:limit]
    return [{"id": r.pk, "kind": r.kind, "state": r.state, "at": r.created_at.isoformat()} for r in rows]


class FeedConsumer(AsyncJsonWebsocketConsumer):
    """Sends the latest $models on connect, then whatever the workers publish."""

    async def connect(self):
        if not self.scope["user"].is_authenticated:
            await self.close(code=4401)
            return
        await self.accept()
        await self.send_json({"type": "snapshot", "items": await recent_$models()})
'''

_CH_PRESENCE = '''
class PresenceConsumer(AsyncJsonWebsocketConsumer):
    """Shows which operators have the dashboard open."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.channel_layer.group_add("presence", self.channel_name)
        await self.accept()
        await self.channel_layer.group_send("presence", {"type": "presence.join", "who": user.get_username()})

    async def disconnect(self, code):
        await self.channel_layer.group_discard("presence", self.channel_name)

    async def presence_join(self, event):
        await self.send_json({"joined": event["who"]})
'''

# critical consumers: (class body with $CONNECT, routing path, ops import)
_CH_CRITICAL = {
    "control": ('''
class QueueControlConsumer(AsyncJsonWebsocketConsumer):
    """Operator commands: pause or resume a queue, or requeue its failed jobs."""

    COMMANDS = {"pause": pause_queue, "resume": resume_queue, "requeue": requeue_failed}

    async def connect(self):$M
        $GUARD
        await self.accept()$M

    async def receive_json(self, content, **kwargs):
        handler = self.COMMANDS.get(content.get("command"))
        queue = str(content.get("queue", ""))
        if handler is None or queue not in QUEUES:
            await self.send_json({"error": "unknown command or queue"})
            return
        done = await database_sync_to_async(handler)(queue)$M
        log.info("%s on %s by %s", content["command"], queue, self.scope["user"])
        await self.send_json({"ok": True, "command": content["command"], "affected": done})
''', 'r"^ws/ops/control/$$"', "QueueControlConsumer", "QUEUES, pause_queue, requeue_failed, resume_queue"),
    "broadcast": ('''
class AnnouncementConsumer(AsyncJsonWebsocketConsumer):
    """Lets the on-call engineer post a banner that every customer-facing page shows."""

    async def connect(self):$M
        $GUARD
        await self.accept()$M

    async def receive_json(self, content, **kwargs):
        text = str(content.get("text", "")).strip()[:280]
        level = content.get("level", "info")
        if not text or level not in ("info", "warning", "outage"):
            await self.send_json({"error": "text and a known level are required"})
            return
        await database_sync_to_async(publish_banner)(text, level)$M
        log.warning("banner (%s) published by %s", level, self.scope["user"])
        await self.send_json({"ok": True})
''', 'r"^ws/ops/announce/$$"', "AnnouncementConsumer", "publish_banner"),
    "flags": ('''
class FeatureFlagConsumer(AsyncJsonWebsocketConsumer):
    """Flip runtime feature flags from the dashboard; every change is pushed to the status group."""

    async def connect(self):$M
        $GUARD
        await self.accept()$M

    async def receive_json(self, content, **kwargs):
        name = str(content.get("flag", ""))
        if name not in KNOWN_FLAGS:
            await self.send_json({"error": f"unknown flag {name!r}"})
            return
        enabled = bool(content.get("enabled"))
        await database_sync_to_async(set_flag)(name, enabled)$M
        log.info("flag %s set to %s by %s", name, enabled, self.scope["user"])
        await self.channel_layer.group_send(STATUS_GROUP, {"type": "status.update",
                                                           "payload": {"flag": name, "enabled": enabled}})
''', 'r"^ws/ops/flags/$$"', "FeatureFlagConsumer", "KNOWN_FLAGS, set_flag"),
}


def _indent_guard(n):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(_CH_GUARD).strip("\n").split("\n")).lstrip()


def _channels(c, weak=None):
    w, Wc = _w(c)
    weak = weak or c.pick(*_CH_CRITICAL)
    crit = [weak] + _opt(c, *[k for k in _CH_CRITICAL if k != weak], least=1, most=1)
    c.rng.shuffle(crit)
    safe = _opt(c, "status", "recent", "presence", least=1, most=2)
    model = c.pick(("job", "Job"), ("deployment", "Deployment"), ("incident", "Incident"))
    kw = dict(w=w, model=model[0], Model=model[1], models=model[0] + "s", limit=c.pick(20, 50))
    blocks, routes, imports = [], [], []
    if "status" in safe:
        blocks.append(_CH_STATUS)
        routes.append('re_path(r"^ws/ops/status/$", StatusConsumer.as_asgi())')
    if "recent" in safe:
        blocks.append(sub(_CH_RECENT, **kw))
        routes.append('re_path(r"^ws/ops/feed/$", FeedConsumer.as_asgi())')
    if "presence" in safe:
        blocks.append(_CH_PRESENCE)
        routes.append('re_path(r"^ws/ops/presence/$", PresenceConsumer.as_asgi())')
    for k in crit:
        body, path, cls, imp = _CH_CRITICAL[k]
        body = body.replace("$GUARD", "" if k == weak else _indent_guard(8)).replace("$M", "  #@V" if k == weak else "")
        if k == weak:
            body = body.replace("        \n", "")
        blocks.append(body)
        routes.append(f"re_path({path.replace('$$', '$')}, {cls}.as_asgi())")
        imports.extend(x.strip() for x in imp.split(","))
    c.rng.shuffle(blocks)
    if "recent" not in safe:
        kw["Model"] = ""
    app = ("websocket_urlpatterns = [\n" + "".join(f"    {r},\n" for r in routes) + "]\n\n"
           "application = ProtocolTypeRouter({\n"
           '    "http": get_asgi_application(),\n'
           '    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),\n'
           "})")
    head = sub(_CH_HEAD, opsimports=", ".join(sorted(imports)), **kw)
    if "recent" not in safe:
        head = head.replace("from .models import \n", "")
    v = _join(head, *blocks, app)
    return v, weak, c.pick("authenticated", "anonymous")


def _ch_style(text, style):
    """Write the sign-in test as ``user.is_anonymous`` in some renderings (same meaning)."""
    if style == "anonymous":
        text = text.replace('if not self.scope["user"].is_authenticated:', 'if self.scope["user"].is_anonymous:')
        text = text.replace("if not user.is_authenticated:", "if user.is_anonymous:")
    return text


def _ch_fix():
    return ("    async def connect(self):  #@V\n        await self.accept()  #@V\n",
            "    async def connect(self):\n" + "        " + _indent_guard(8) + "\n        await self.accept()\n")


@fam("mod4-channels-consumer-noauth", "CWE-306", fws=["django"], n=8, wrap=False)
def mod4_channels_noauth(c):
    v, weak, style = _channels(c)
    s = _twin(v, _ch_fix())
    v, s = _ch_style(v, style), _ch_style(s, style)
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"the {weak} consumer accepts every WebSocket connection without checking scope['user'], "
                      f"unlike the other consumers: AuthMiddlewareStack only fills in the user (AnonymousUser "
                      f"when signed out), it does not refuse anyone, so anybody who can reach the socket runs "
                      f"the operator commands")


@hardneg(3)
def mod4_channels_noauth_hn(c):
    v, weak, style = _channels(c)
    # the consumer accepts, but refuses every message from a signed-out connection
    old = "    async def receive_json(self, content, **kwargs):\n"
    i = v.index("    async def connect(self):  #@V")
    j = v.index(old, i) + len(old)
    guard = ('        if not self.scope["user"].is_authenticated:\n'
             '            await self.close(code=4401)\n            return\n')
    s = _ch_style(v[:j] + guard + v[j:], style)
    return Spec(s=_clean(s), full=True, fw="django",
                notes="the consumer accepts the connection unconditionally, but every command first checks that "
                      "scope['user'] is signed in and closes the socket otherwise")


# ---------------- CWE-287: passkey sign-in verifies a credential of any account ----------------

_WA_HEAD = '''
"""Passkey sign-in (py_webauthn) for the $w portal: the user enters their $ident, the browser signs our
challenge with one of that account's passkeys, and the session is opened for the account."""
from __future__ import annotations

import logging
import os

from flask import Blueprint, abort, jsonify, request, session
from webauthn import generate_authentication_options, options_to_json, verify_authentication_response
from webauthn.helpers import $helpers
from webauthn.helpers.exceptions import InvalidAuthenticationResponse
from webauthn.helpers.structs import PublicKeyCredentialDescriptor, UserVerificationRequirement

from .models import Passkey, User, db

log = logging.getLogger("$w.passkeys")
bp = Blueprint("passkeys", __name__, url_prefix="/auth/passkey")

RP_ID = os.environ.get("$WU_RP_ID", "$host")
ORIGIN = f"https://{RP_ID}"
TIMEOUT_MS = $timeout
'''

_WA_BEGIN = '''
@bp.post("/begin")
def begin():
    $THROTTLE$ident = str(request.get_json(force=True).get("$ident", "")).strip().lower()
    user = User.query.filter_by($ident=$ident, active=True).first()
    $UNKNOWN
    options = generate_authentication_options(
        rp_id=RP_ID,
        timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=k.credential_id) for k in keys],
        user_verification=UserVerificationRequirement.$UV,
    )
    session["passkey_challenge"] = options.challenge
    session["passkey_user_id"] = $SESSUSER
    return options_to_json(options), 200, {"Content-Type": "application/json"}
'''

_WA_FINISH = '''
@bp.post("/finish")
def finish():
    challenge = session.pop("passkey_challenge", None)
    user_id = session.pop("passkey_user_id", None)
    if challenge is None or user_id is None:
        abort(400, description="start the sign-in again")
    credential = parse_authentication_credential_json(request.get_data(as_text=True))
    $LOOKUP
    if passkey is None:
        abort(401)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=RP_ID,
            expected_origin=ORIGIN,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=$REQUV,
        )
    except InvalidAuthenticationResponse as exc:
        log.info("passkey sign-in failed for user %s: %s", user_id, exc)
        abort(401)
    passkey.sign_count = verified.new_sign_count$LASTUSED
    db.session.commit()
    session.clear()
    session["user_id"] = user_id  #@V$PERMANENT
    log.info("user %s signed in with passkey %s", user_id, passkey.id)
    return jsonify(ok=True)
'''

_WA_SIGNED_IN = '''
def _signed_in_user_id() -> int:
    user_id = session.get("user_id")
    if user_id is None:
        abort(401)
    return user_id
'''

_WA_EXTRAS = {
    "register": '''
@bp.post("/register/begin")
def register_begin():
    user = db.session.get(User, _signed_in_user_id())
    existing = [PublicKeyCredentialDescriptor(id=k.credential_id) for k in Passkey.query.filter_by(user_id=user.id)]
    options = generate_registration_options(rp_id=RP_ID, rp_name="$Wc portal", user_name=user.$ident,
                                            exclude_credentials=existing)
    session["passkey_reg_challenge"] = options.challenge
    return options_to_json(options), 200, {"Content-Type": "application/json"}


@bp.post("/register/finish")
def register_finish():
    user_id = _signed_in_user_id()
    challenge = session.pop("passkey_reg_challenge", None)
    if challenge is None:
        abort(400)
    try:
        verified = verify_registration_response(credential=request.get_data(as_text=True),
                                                expected_challenge=challenge, expected_rp_id=RP_ID,
                                                expected_origin=ORIGIN)
    except InvalidRegistrationResponse:
        abort(400, description="the passkey could not be verified")
    db.session.add(Passkey(user_id=user_id, credential_id=verified.credential_id,
                           public_key=verified.credential_public_key, sign_count=verified.sign_count))
    db.session.commit()
    return jsonify(ok=True), 201
''',
    "keys": '''
@bp.get("/keys")
def list_keys():
    \"\"\"The account page lists the user's own passkeys.\"\"\"
    keys = Passkey.query.filter_by(user_id=_signed_in_user_id()).order_by(Passkey.created_at).all()
    return jsonify([{"id": bytes_to_base64url(k.credential_id), "name": k.name,
                     "last_used": k.last_used_at.isoformat() if k.last_used_at else None} for k in keys])


@bp.delete("/keys/<key_id>")
def delete_key(key_id: str):
    key = Passkey.query.filter_by(credential_id=base64url_to_bytes(key_id), user_id=_signed_in_user_id()).first()
    if key is None:
        abort(404)
    db.session.delete(key)
    db.session.commit()
    return "", 204
''',
    "logout": '''
@bp.post("/logout")
def logout():
    user_id = session.get("user_id")
    session.clear()
    log.info("user %s signed out", user_id)
    return jsonify(ok=True)
''',
    "status": '''
@bp.get("/status")
def status():
    \"\"\"Polled by the sign-in page after the ceremony.\"\"\"
    return jsonify(signed_in=session.get("user_id") is not None)
''',
}

_WA_THROTTLE = '''
_ATTEMPTS: dict[str, list[float]] = {}


def _throttled(key: str, limit: int = $lim, window: float = 300.0) -> bool:
    """At most ``limit`` sign-in starts per address in ``window`` seconds (per worker process)."""
    now = time.monotonic()
    recent = [t for t in _ATTEMPTS.get(key, []) if now - t < window]
    recent.append(now)
    _ATTEMPTS[key] = recent
    return len(recent) > limit
'''

_WA_COMBOS = [("register",), ("register", "logout"), ("register", "status"), ("keys", "logout"),
              ("keys", "status"), ("logout", "status"), ("keys",), ("status",)]


def _webauthn(c):
    w, Wc = _w(c)
    ident = c.pick("username", "email", "handle")
    combo = list(c.pick(*_WA_COMBOS))
    c.rng.shuffle(combo)
    helpers = (["base64url_to_bytes", "bytes_to_base64url"] if "keys" in combo else []) + [
        "parse_authentication_credential_json"]
    ends = c.pick("example.com", "example.org", "example.net")
    kw = dict(w=w, Wc=Wc, WU=w.upper(), ident=ident, helpers=", ".join(helpers),
              host=c.pick(f"{w}s.{ends}", f"portal.{ends}"), timeout=c.pick(60000, 120000, 300000))
    vlook = "passkey = Passkey.query.filter_by(credential_id=credential.raw_id).first()  #@V"
    head = sub(_WA_HEAD, **kw)
    if "register" in combo:
        head = head.replace("from webauthn import generate_authentication_options, options_to_json, "
                            "verify_authentication_response",
                            "from webauthn import generate_authentication_options, generate_registration_options, "
                            "options_to_json\nfrom webauthn import verify_authentication_response, "
                            "verify_registration_response")
        head = head.replace("import InvalidAuthenticationResponse",
                            "import InvalidAuthenticationResponse, InvalidRegistrationResponse")
    extras = [sub(_WA_EXTRAS[k], **kw) for k in combo]
    signed = _WA_SIGNED_IN if ("register" in combo or "keys" in combo) else ""
    uv = c.pick("REQUIRED", "PREFERRED")
    enum_safe = c.rng.random() < 0.5
    throttle = c.rng.random() < 0.6 and "register" not in combo
    begin = sub(_WA_BEGIN, **kw).replace("$UV", uv).replace(
        "$THROTTLE", "if _throttled(request.remote_addr or \"-\"):\n        abort(429)\n    " if throttle else "")
    if enum_safe:  # same answer for unknown accounts, so the endpoint does not reveal who exists
        begin = begin.replace("$UNKNOWN", "keys = Passkey.query.filter_by(user_id=user.id).all() if user else []")
        begin = begin.replace("$SESSUSER", "user.id if user else None")
    else:
        begin = begin.replace("$UNKNOWN", "if user is None:\n        abort(404)\n"
                              "    keys = Passkey.query.filter_by(user_id=user.id).all()")
        begin = begin.replace("$SESSUSER", "user.id")
    finish = sub(_WA_FINISH, **kw).replace("$LOOKUP", vlook).replace("$REQUV", str(uv == "REQUIRED"))
    last = c.rng.random() < 0.5
    finish = finish.replace("$LASTUSED", "\n    passkey.last_used_at = datetime.now(timezone.utc)" if last else "")
    finish = finish.replace("$PERMANENT", "\n    session.permanent = True" if c.rng.random() < 0.5 else "")
    if last:
        head = head.replace("import logging\nimport os\n", "import logging\nimport os\nfrom datetime import datetime, timezone\n")
    thr = ""
    if throttle:
        head = head.replace("import os\n", "import os\nimport time\n", 1)
        thr = sub(_WA_THROTTLE, lim=c.pick(5, 10, 20))
    v = _join(head, signed, thr, begin, finish, *extras)
    return v, vlook


@fam("mod4-webauthn-credential-any-user", "CWE-287", fws=["flask"], n=8, wrap=False)
def mod4_webauthn_any_user(c):
    v, vlook = _webauthn(c)
    s = _twin(v, (vlook, "passkey = Passkey.query.filter_by(credential_id=credential.raw_id, user_id=user_id).first()"))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the finishing step looks the passkey up by the credential id the browser sent, without "
                      "requiring it to belong to the account chosen at /begin, then signs that account in: an "
                      "attacker names the victim at /begin and answers with a valid signature from a passkey of "
                      "their own account")


@hardneg(3)
def mod4_webauthn_any_user_hn(c):
    v, vlook = _webauthn(c)
    s = v.replace(vlook + "\n    if passkey is None:",
                  vlook.replace("  #@V", "") + "\n    if passkey is None or passkey.user_id != user_id:")
    assert s != v
    return Spec(s=_clean(s), full=True, fw="flask",
                notes="the passkey is looked up by its credential id, then refused unless it belongs to the "
                      "account chosen at /begin")


# ---------------- CWE-862: Celery task enqueued by the API never checks the actor's role ----------------

_CEL_HEAD = '''
"""Celery tasks behind the $w workspace API. The web handlers only enqueue (task.delay(actor_id, ...))
and answer 202, so each task checks the acting user's workspace role before it does anything."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

from celery import Celery
from celery.utils.log import get_task_logger

from $w_app import storage
from $w_app.db import session_scope
from $w_app.models import $Wc, Invite, Membership, Workspace

log = get_task_logger(__name__)

app = Celery("$w", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ.get("CELERY_RESULT_URL"))
app.conf.update(task_serializer="json", accept_content=["json"], task_acks_late=True, task_time_limit=$limit)

ADMIN_ROLES = frozenset($roles)
'''

_CEL_ACCESS = '''
class NotAllowed(Exception):
    """The actor lacks the role the task needs; raised without a retry."""


def _role(db, actor_id: int, workspace_id: int) -> str | None:
    row = db.query(Membership).filter_by(user_id=actor_id, workspace_id=workspace_id).one_or_none()
    return row.role if row is not None else None


def _require_admin(db, actor_id: int, workspace_id: int) -> None:
    if _role(db, actor_id, workspace_id) not in ADMIN_ROLES:
        raise NotAllowed(f"user {actor_id} is not an admin of workspace {workspace_id}")
'''

_CEL_EXPORT = '''
@app.task(throws=(NotAllowed,))
def export_workspace(actor_id: int, workspace_id: int) -> str:
    """Any member may export: JSON lines of the workspace's $ws, stored for a day."""
    with session_scope() as db:
        if _role(db, actor_id, workspace_id) is None:
            raise NotAllowed(f"user {actor_id} is not a member of workspace {workspace_id}")
        rows = db.query($Wc).filter_by(workspace_id=workspace_id).order_by($Wc.id).all()
        lines = [json.dumps({"id": r.id, "title": r.title, "updated_at": r.updated_at.isoformat()}) for r in rows]
    key = f"exports/{workspace_id}/{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.jsonl"
    storage.put(key, "\\n".join(lines).encode(), expires=timedelta(days=1))
    log.info("workspace %s exported by %s (%d rows)", workspace_id, actor_id, len(lines))
    return key
'''

_CEL_ADMIN = {
    "purge": '''
@app.task(throws=(NotAllowed,))
def purge_workspace(actor_id: int, workspace_id: int) -> int:$M
    """Delete the workspace, its $ws and their files."""
    with session_scope() as db:
        $GUARD
        deleted = db.query($Wc).filter_by(workspace_id=workspace_id).delete()$M
        db.query(Workspace).filter_by(id=workspace_id).delete()
    storage.delete_prefix(f"workspaces/{workspace_id}/")
    log.warning("workspace %s purged by %s (%d $ws)", workspace_id, actor_id, deleted)
    return deleted
''',
    "remove": '''
@app.task(throws=(NotAllowed,))
def remove_member(actor_id: int, workspace_id: int, user_id: int) -> bool:$M
    """Take a user out of the workspace and revoke their share links."""
    with session_scope() as db:
        $GUARD
        row = db.query(Membership).filter_by(user_id=user_id, workspace_id=workspace_id).one_or_none()
        if row is None:
            return False
        db.delete(row)$M
    storage.revoke_links(workspace_id, user_id)
    log.info("user %s removed from workspace %s by %s", user_id, workspace_id, actor_id)
    return True
''',
    "transfer": '''
@app.task(throws=(NotAllowed,))
def transfer_workspace(actor_id: int, workspace_id: int, new_owner_id: int) -> None:$M
    """Hand the workspace (and its billing) to another member."""
    with session_scope() as db:
        $GUARD
        if _role(db, new_owner_id, workspace_id) is None:
            raise ValueError("the new owner must already be a member")
        db.query(Workspace).filter_by(id=workspace_id).update({"owner_id": new_owner_id})$M
    log.info("workspace %s transferred to %s by %s", workspace_id, new_owner_id, actor_id)
''',
    "invites": '''
@app.task(throws=(NotAllowed,))
def revoke_invites(actor_id: int, workspace_id: int, older_than_days: int = $days) -> int:$M
    """Cancel pending invitations older than the given age."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=older_than_days)
    with session_scope() as db:
        $GUARD
        pending = db.query(Invite).filter(Invite.workspace_id == workspace_id, Invite.accepted_at.is_(None))
        count = pending.filter(Invite.created_at < cutoff).delete(synchronize_session=False)$M
    log.info("%d invites of workspace %s revoked by %s", count, workspace_id, actor_id)
    return count
''',
}


_CEL_EXTRAS = ['''
@task_failure.connect
def _log_refusals(sender=None, task_id=None, exception=None, **kwargs):
    """Refusals are expected (a stale button, a demoted user); everything else is a bug."""
    if isinstance(exception, NotAllowed):
        log.warning("task %s (%s) refused: %s", sender.name, task_id, exception)
    else:
        log.error("task %s (%s) failed: %r", sender.name, task_id, exception)
''', '''
@app.task
def cleanup_exports() -> int:
    """Periodic (beat): drop export files past their expiry; no actor, nothing to authorize."""
    removed = storage.delete_expired(prefix="exports/")
    log.info("removed %d expired exports", removed)
    return removed


app.conf.beat_schedule = {
    "cleanup-exports": {"task": f"{__name__}.cleanup_exports", "schedule": $every},
}
''']


def _celery(c, weak=None):
    w, Wc = _w(c)
    weak = weak or c.pick(*_CEL_ADMIN)
    others = _opt(c, *[k for k in _CEL_ADMIN if k != weak], least=1, most=2)
    tasks = [weak] + others
    c.rng.shuffle(tasks)
    kw = dict(w=w, Wc=Wc, ws=w + "s", limit=c.pick(300, 600, 900), days=c.pick(7, 14, 30),
              roles=c.pick('{"owner", "admin"}', '{"owner", "admin", "maintainer"}', '{"owner"}'))
    blocks = []
    for k in tasks:
        blocks.append(sub(_CEL_ADMIN[k], GUARD="" if k == weak else "_require_admin(db, actor_id, workspace_id)",
                          M="  #@V" if k == weak else "", **kw).replace("\n        \n", "\n"))
    blocks.insert(c.rng.randint(0, len(blocks)), sub(_CEL_EXPORT, **kw))
    extras = _opt(c, *_CEL_EXTRAS, least=1 if len(tasks) < 3 else 0, most=2 if len(tasks) < 3 else 1)
    v = _join(sub(_CEL_HEAD, **kw), _CEL_ACCESS, *blocks, *[sub(e, every=c.pick(900, 1800, 3600)) for e in extras])
    if _CEL_EXTRAS[0] in extras:
        v = v.replace("from celery import Celery\n", "from celery import Celery\nfrom celery.signals import task_failure\n")
    models = [Wc] + (["Invite"] if "invites" in tasks else []) + ["Membership"] + (
        ["Workspace"] if "purge" in tasks or "transfer" in tasks else [])
    v = v.replace(f"import {Wc}, Invite, Membership, Workspace", "import " + ", ".join(models))
    return v, weak


def _cel_fix(v):
    i = v.index("  #@V\n")
    j = v.index("    with session_scope() as db:\n", i) + len("    with session_scope() as db:\n")
    return v[:j] + "        _require_admin(db, actor_id, workspace_id)\n" + v[j:]


@fam("mod4-celery-task-no-role-check", "CWE-862", fws=["celery"], n=8, wrap=False)
def mod4_celery_no_role(c):
    v, weak = _celery(c)
    s = _clean(_cel_fix(v))
    return Spec(v=v, s=s, full=True, fw="celery",
                notes=f"the API enqueues tasks with the caller's id and leaves the authorization to the task; the "
                      f"{weak} task never checks the actor's workspace role, unlike its siblings, so any user who "
                      f"can call the endpoint can run it on any workspace")


@hardneg(3)
def mod4_celery_no_role_hn(c):
    v, weak = _celery(c)
    # the check lives in a decorator applied to the task instead of inside its body
    deco = '''

def admin_only(fn):
    """Run the task only when the actor is an admin of the workspace (first two arguments)."""
    @functools.wraps(fn)
    def wrapper(actor_id: int, workspace_id: int, *args, **kwargs):
        with session_scope() as db:
            _require_admin(db, actor_id, workspace_id)
        return fn(actor_id, workspace_id, *args, **kwargs)
    return wrapper
'''
    lines = v.split("\n")
    i = next(k for k, l in enumerate(lines) if l.startswith("def ") and l.endswith("#@V"))
    lines.insert(i, "@admin_only")
    v = "\n".join(lines)
    anchor = "        raise NotAllowed(f\"user {actor_id} is not an admin of workspace {workspace_id}\")\n"
    v = v.replace(anchor, anchor + deco, 1).replace("import json\n", "import functools\nimport json\n", 1)
    return Spec(s=_clean(v), full=True, fw="celery",
                notes="one task has no inline role check, but it is wrapped in admin_only, which checks the "
                      "actor's workspace role before the task body runs")


# ---------------- CWE-863: FastAPI billing service checks the permission after the gateway call ----------------

_BILL_HEAD = '''
"""Invoice operations for the $w billing console (FastAPI): a service class over the database and the
payment gateway, and a router that maps its errors to HTTP answers. $opsdoc each need their own
billing permission, which the service checks before it acts."""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from .auth import Principal, current_principal
from .db import get_session
from .gateway import PaymentGateway, get_gateway
from .models import Invoice

log = logging.getLogger("$w.billing")
router = APIRouter(prefix="/billing/invoices", tags=["billing"])

MAX_REFUND = Decimal("$limit")


class PermissionDenied(Exception):
    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


class AmountIn(BaseModel):
    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    reason: str = Field(default="", max_length=300)
'''

_BILL_SVC = '''
class BillingService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway) -> None:
        self.session = session
        self.gateway = gateway

    async def _invoice(self, invoice_id: int) -> Invoice:
        invoice = await self.session.get(Invoice, invoice_id)
        if invoice is None:
            raise LookupError(invoice_id)
        return invoice

$GET'''

_BILL_GET = '''
    async def get(self, actor: Principal, invoice_id: int) -> Invoice:
        if not actor.has("billing:read"):
            raise PermissionDenied("billing:read")
        return await self._invoice(invoice_id)
'''

# op -> (method with $PRE / $POST check slots and $EFFECT, route, permission, effect line, preview line)
_BILL_OPS = {
    "refund": ('''
async def refund(self, actor: Principal, invoice_id: int, amount: Decimal, reason: str) -> Invoice:
    invoice = await self._invoice(invoice_id)
    $PRE
    if amount > min(invoice.paid - invoice.refunded, MAX_REFUND):
        raise ValueError("the refund exceeds what can be refunded")
    $EFFECT
    $POST
    invoice.refunded += amount
    await self.session.commit()
    log.info("refund of %s on invoice %s by %s", amount, invoice.id, actor.id)
    return invoice
''', '''
@router.post("/{invoice_id}/refunds")
async def refund_invoice(invoice_id: int, body: AmountIn, service: Service, actor: Actor) -> dict:
    return _out(await service.refund(actor, invoice_id, body.amount, body.reason))
''', "billing:refund", "await self.gateway.refund(invoice.charge_id, amount, reason=reason)",
        "quote = await self.gateway.preview_refund(invoice.charge_id, amount)\n"
        "if not quote.refundable:\n    raise ValueError(quote.reason)"),
    "void": ('''
async def void(self, actor: Principal, invoice_id: int) -> Invoice:
    invoice = await self._invoice(invoice_id)
    $PRE
    if invoice.status != "open":
        raise ValueError(f"invoice is {invoice.status}")
    $EFFECT
    $POST
    invoice.status = "void"
    await self.session.commit()
    log.info("invoice %s voided by %s", invoice.id, actor.id)
    return invoice
''', '''
@router.post("/{invoice_id}/void")
async def void_invoice(invoice_id: int, service: Service, actor: Actor) -> dict:
    return _out(await service.void(actor, invoice_id))
''', "billing:void", "await self.gateway.cancel_payment(invoice.payment_intent_id)",
        "state = await self.gateway.payment_state(invoice.payment_intent_id)\n"
        "if state == \"succeeded\":\n    raise ValueError(\"the payment went through; refund it instead\")"),
    "credit": ('''
async def credit(self, actor: Principal, invoice_id: int, amount: Decimal, reason: str) -> Invoice:
    invoice = await self._invoice(invoice_id)
    $PRE
    $EFFECT
    $POST
    invoice.credited += amount
    await self.session.commit()
    log.info("credit note of %s on invoice %s by %s", amount, invoice.id, actor.id)
    return invoice
''', '''
@router.post("/{invoice_id}/credit-notes")
async def credit_invoice(invoice_id: int, body: AmountIn, service: Service, actor: Actor) -> dict:
    return _out(await service.credit(actor, invoice_id, body.amount, body.reason))
''', "billing:credit", "await self.gateway.create_credit_note(invoice.external_id, amount, memo=reason)",
        "totals = await self.gateway.invoice_totals(invoice.external_id)\n"
        "if amount > totals.total - totals.credited:\n    raise ValueError(\"credit exceeds the open total\")"),
    "resend": ('''
async def resend(self, actor: Principal, invoice_id: int, email: str | None = None) -> Invoice:
    invoice = await self._invoice(invoice_id)
    $PRE
    $EFFECT
    $POST
    log.info("invoice %s re-sent to %s by %s", invoice.id, email or invoice.customer_email, actor.id)
    return invoice
''', '''
@router.post("/{invoice_id}/send")
async def resend_invoice(invoice_id: int, service: Service, actor: Actor, email: str | None = None) -> dict:
    return _out(await service.resend(actor, invoice_id, email))
''', "billing:send", "await self.gateway.send_invoice(invoice.external_id, to=email or invoice.customer_email)",
        "status = await self.gateway.delivery_status(invoice.external_id)\n"
        "if status == \"bounced\" and not email:\n    raise ValueError(\"the last delivery bounced; give another address\")"),
}

_BILL_ROUTES_HEAD = '''
def get_service(session: Annotated[AsyncSession, Depends(get_session)],
                gateway: Annotated[PaymentGateway, Depends(get_gateway)]) -> BillingService:
    return BillingService(session, gateway)


Service = Annotated[BillingService, Depends(get_service)]
Actor = Annotated[Principal, Depends(current_principal)]


def _out(invoice: Invoice) -> dict:
    return {"id": invoice.id, "number": invoice.number, "status": invoice.status, "paid": str(invoice.paid)}
$SHOW'''

_BILL_SHOW = '''


@router.get("/{invoice_id}")
async def show_invoice(invoice_id: int, service: Service, actor: Actor) -> dict:
    return _out(await service.get(actor, invoice_id))
'''

_BILL_INSTALL = '''
def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(PermissionDenied)
    async def _denied(request: Request, exc: PermissionDenied) -> JSONResponse:
        log.info("%s refused: missing %s", request.url.path, exc.permission)
        return JSONResponse({"error": f"missing permission {exc.permission}"}, status_code=403)
$MORE'''

_BILL_MORE = '''

    @app.exception_handler(LookupError)
    async def _missing(request: Request, exc: LookupError) -> JSONResponse:
        return JSONResponse({"error": "invoice not found"}, status_code=404)

    @app.exception_handler(ValueError)
    async def _conflict(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=409)
'''


def _bill_check(perm, mark=""):
    return f'if not actor.has("{perm}"):{mark}\n    raise PermissionDenied("{perm}")'


def _billing_draw(c):
    w, Wc = _w(c)
    weak = c.pick("refund", "void", "credit", "refund", "resend")
    ops = [weak] + _opt(c, *[k for k in _BILL_OPS if k != weak], least=1, most=1)
    c.rng.shuffle(ops)
    return dict(w=w, weak=weak, ops=ops, limit=c.pick("500.00", "2000.00", "10000.00"),
                get=c.rng.random() < 0.5, more=c.rng.random() < 0.5 and not ("refund" in ops and len(ops) > 1))


def _billing(d, variant):
    """variant: 'v' (weak op checks after the gateway call), 's' (before), 'hn' (read-only call, check, effect)."""
    methods, routes = [], []
    for k in d["ops"]:
        body, route, perm, effect, preview = _BILL_OPS[k]
        pre, post, eff = _bill_check(perm), "", effect
        if k == d["weak"] and variant == "v":
            pre, post, eff = "", _bill_check(perm, "  #@V"), effect + "  #@V"
        elif k == d["weak"] and variant == "hn":
            pre, post, eff = "", "", preview + "\n" + _bill_check(perm) + "\n" + effect
        m = body.replace("$EFFECT", eff.replace("\n", "\n    ")).replace("$PRE", pre.replace("\n", "\n    "))
        m = m.replace("$POST", post.replace("\n", "\n    "))
        m = "\n".join(l for l in m.split("\n") if l.strip() or not l.startswith("    "))
        methods.append(m)
        routes.append(route)
    names = {"refund": "refunds", "void": "voids", "credit": "credit notes", "resend": "re-sending"}
    opsdoc = " and ".join(names[k] for k in d["ops"])
    svc = _BILL_SVC.replace("$GET", _BILL_GET if d["get"] else "")
    svc = dedent(svc).strip("\n") + "\n\n" + _methods(*methods)
    head = sub(_BILL_HEAD, w=d["w"], limit=d["limit"], opsdoc=opsdoc[0].upper() + opsdoc[1:])
    if "refund" not in d["ops"]:
        head = head.replace('\n\nMAX_REFUND = Decimal("' + d["limit"] + '")', "")
    if "refund" not in d["ops"] and "credit" not in d["ops"]:
        head = head.split("\n\n\nclass AmountIn")[0] + "\n"
        head = head.replace("from decimal import Decimal\n", "").replace("from pydantic import BaseModel, Field\n", "")
    out = _join(head, svc, _BILL_ROUTES_HEAD.replace("$SHOW", _BILL_SHOW if d["get"] else ""), *routes,
                _BILL_INSTALL.replace("$MORE", _BILL_MORE if d["more"] else ""))
    out = re.sub(r"\n{3,}(?=    )", "\n\n", out)
    return re.sub(r"\n{4,}", "\n\n\n", out)


@fam("mod4-fastapi-service-check-after-effect", "CWE-863", fws=["fastapi"], n=8, wrap=False)
def mod4_billing_check_after(c):
    d = _billing_draw(c)
    v, s = _billing(d, "v"), _billing(d, "s")
    perm = _BILL_OPS[d["weak"]][2]
    done = {"refund": "the refund has already been made", "void": "the payment has already been cancelled",
            "credit": "the credit note has already been issued",
            "resend": "the invoice has already been e-mailed (to any address the caller gave)"}[d["weak"]]
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes=f"the service's {d['weak']} method calls the payment gateway first and checks '{perm}' "
                      f"afterwards: the exception comes too late, {done} for a caller without the permission; "
                      f"the other methods check before they act")


@hardneg(3)
def mod4_billing_check_after_hn(c):
    d = _billing_draw(c)
    return Spec(s=_billing(d, "hn"), full=True, fw="fastapi",
                notes="the method calls the gateway before its permission check, but only a read-only preview; "
                      "the state-changing gateway call comes after the check")


# ---------------- CWE-269: Flask-Security-Too grant route checks that the role exists, not that it is grantable ----------------

_FS_HEAD = '''
"""Team administration for the $w app (Flask-Security-Too). Team leads add people and give them the
everyday roles; admin and the billing roles are handed out by admins only."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, request
from flask_security import auth_required, current_user, roles_accepted, roles_required

from .extensions import db, user_datastore
from .models import User

log = logging.getLogger("$w.team")
bp = Blueprint("team", __name__, url_prefix="/api/team")

# what a team lead may hand out; every other role needs an admin
LEAD_GRANTABLE = frozenset($grantable)
'''

_FS_HELPERS = '''
def _member_out(user: User) -> dict:
    return {"id": user.id, "email": user.email, "active": user.active,
            "roles": sorted(r.name for r in user.roles)}


def _can_grant(role_name: str) -> bool:
    """Admins may grant any role, team leads only the everyday ones."""
    return current_user.has_role("admin") or role_name in LEAD_GRANTABLE


def _member_or_404(user_id: int) -> User:
    user = user_datastore.find_user(id=user_id)
    if user is None:
        abort(404)
    return user
'''

_FS_GRANT = '''
@bp.post("/members/<int:user_id>/roles")
@auth_required()
@roles_accepted("admin", "$lead")
def grant_role(user_id: int):
    $name = str(request.get_json(force=True).get("role", "")).strip()  #@S
    role = user_datastore.find_role($name)
    if role is None:  #@V
        abort(400, description="unknown role")
    user = _member_or_404(user_id)
    if user_datastore.add_role_to_user(user, role):  #@V
        db.session.commit()
        log.info("%s granted %s to user %s", current_user.email, role.name, user.id)
    return jsonify(_member_out(user))
'''

_FS_OTHERS = {
    "list": '''
@bp.get("/members")
@auth_required()
@roles_accepted("admin", "$lead")
def list_members():
    users = User.query.filter_by(active=True).order_by(User.email).limit($limit).all()
    return jsonify([_member_out(u) for u in users])
''',
    "revoke": '''
@bp.delete("/members/<int:user_id>/roles/<role_name>")
@auth_required()
@roles_accepted("admin", "$lead")
def revoke_role(user_id: int, role_name: str):
    if not _can_grant(role_name):
        abort(403, description="only admins can change that role")
    user = _member_or_404(user_id)
    if user_datastore.remove_role_from_user(user, role_name):
        db.session.commit()
        log.info("%s revoked %s from user %s", current_user.email, role_name, user.id)
    return jsonify(_member_out(user))
''',
    "invite": '''
@bp.post("/invite")
@auth_required()
@roles_accepted("admin", "$lead")
def invite_member():
    body = request.get_json(force=True)
    roles = [str(r) for r in body.get("roles", ["$basic"])]
    if not all(_can_grant(r) and user_datastore.find_role(r) for r in roles):
        abort(403, description="you cannot hand out one of these roles")
    user = user_datastore.create_user(email=str(body["email"]).strip().lower(), active=False, roles=roles)
    db.session.commit()
    log.info("%s invited %s as %s", current_user.email, user.email, ",".join(roles))
    return jsonify(_member_out(user)), 201
''',
    "roles": '''
@bp.get("/roles")
@auth_required()
@roles_accepted("admin", "$lead")
def list_roles():
    """The role picker: every role, flagged with whether the caller may hand it out."""
    roles = Role.query.order_by(Role.name).all()
    return jsonify([{"name": r.name, "description": r.description, "grantable": _can_grant(r.name)}
                    for r in roles])
''',
    "me": '''
@bp.get("/me")
@auth_required()
def whoami():
    return jsonify(_member_out(current_user) | {"can_grant": sorted(r for r in LEAD_GRANTABLE if _can_grant(r))})
''',
    "deactivate": '''
@bp.post("/members/<int:user_id>/deactivate")
@auth_required()
@roles_required("admin")
def deactivate_member(user_id: int):
    user = _member_or_404(user_id)
    if user.id == current_user.id:
        abort(400, description="you cannot deactivate yourself")
    user_datastore.deactivate_user(user)
    db.session.commit()
    log.warning("%s deactivated user %s", current_user.email, user.id)
    return jsonify(_member_out(user))
''',
}

_FS_FIX = ('    if role is None:  #@V\n        abort(400, description="unknown role")\n',
           '    if role is None or not _can_grant(role.name):\n        abort(403, description="you cannot grant that role")\n')


def _flask_security(c):
    w, Wc = _w(c)
    lead = c.pick("team-lead", "manager", "lead")
    grantable = c.pick('{"member", "reviewer"}', '{"member", "editor", "reviewer"}', '{"viewer", "contributor"}')
    basic = grantable.strip("{}").split(",")[0].strip().strip('"')
    others = _opt(c, *_FS_OTHERS, least=3, most=4)
    kw = dict(w=w, lead=lead, grantable=grantable, basic=basic, name=c.pick("role_name", "requested", "wanted"),
              limit=c.pick(200, 500, 1000))
    routes = [sub(_FS_GRANT, **kw)] + [sub(_FS_OTHERS[k], **kw) for k in others]
    c.rng.shuffle(routes)
    v = _join(sub(_FS_HEAD, **kw), _FS_HELPERS, *routes)
    if "deactivate" not in others:
        v = v.replace(", roles_accepted, roles_required", ", roles_accepted")
    if "roles" in others:
        v = v.replace("from .models import User\n", "from .models import Role, User\n")
    return v


@fam("mod4-flask-security-grant-any-role", "CWE-269", fws=["flask"], n=8, wrap=False)
def mod4_flask_security_grant(c):
    v = _flask_security(c)
    s = _twin(v, _FS_FIX)
    sib = " and ".join(n for n, d in (("revoke", "def revoke_role("), ("invite", "def invite_member(")) if d in v)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="the grant route, open to team leads, only checks that the submitted role exists: a team lead "
                      f"can give anyone (themselves included) the admin role, although {sib} "
                      f"{'go' if ' and ' in sib else 'goes'} through _can_grant(); the fix refuses roles the caller "
                      "may not grant")


@hardneg(3)
def mod4_flask_security_grant_hn(c):
    v = _flask_security(c)
    # the grant route is for admins only, so any existing role may be granted
    i = v.index("def grant_role(")
    j = v.rindex('@roles_accepted("admin", ', 0, i)
    k = v.index("\n", j)
    s = v[:j] + '@roles_required("admin")' + v[k:]
    s = s.replace("Team leads add people and give them the\neveryday roles;",
                  "Team leads see the team and invite people with\nthe everyday roles;")
    if "roles_required" not in v.split("\n\n\n")[0]:
        s = s.replace(", roles_accepted\n", ", roles_accepted, roles_required\n", 1)
    return Spec(s=_clean(s), full=True, fw="flask",
                notes="the grant route only checks that the role exists, but only admins may call it "
                      "(@roles_required('admin')), and admins may grant every role")
