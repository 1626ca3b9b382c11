"""Train-only whole-module families for the access-control groups (libs10 set, mod10-*): realistic
modules of about 80-110 lines in new application domains (clinic staff directory, recruiting sign-in,
fleet telemetry operations, library loan desk, expense approvals, school gradebook) with exactly one
weak statement each, and a twin that differs only by the minimal fix.

- mod10-flask-clinic-self-update-manager-fields (269): Flask + Flask-SQLAlchemy + flask-login staff
  directory; the self-service ``PATCH /me`` passes the manager field set (which holds the manager /
  rota / prescriber flag) to the shared ``assign_fields`` helper instead of the self-service set.
- mod10-fastapi-recruiter-login-empty-password (287): FastAPI sign-in with passlib ``CryptContext`` and
  PyJWT; the password check is guarded by the supplied password being non-empty, so an empty password
  skips it and a token is issued for any active e-mail.
- mod10-aiohttp-fleet-ops-subapp-no-middleware (306): aiohttp fleet telemetry service whose vehicle
  and dispatch API lives in a sub-application with an API-key middleware; the maintenance sub-app
  (purge readings, rotate device keys, reload geofences) is built without its operator-token middleware.
- mod10-sqlalchemy-loan-service-missing-require (862): a SQLAlchemy 2.0 loan-desk service class whose
  methods call ``self._require(permission)`` first; one privileged method (waive a fine, write off an
  item, extend a due date past the limit) does not.
- mod10-django-expense-holding-wrong-centre (863): Django expense approvals; the approve view checks the
  approver's budget holding for the wrong cost centre (the client's copy, the approver's own centre, or
  any holding) instead of the claim's.
- mod10-starlette-gradebook-asyncpg-unscoped (639): Starlette + asyncpg multi-school gradebook; one
  handler fetches a row by the path id without ``AND school_id = $n``.

Each family has ``@hardneg`` look-alike safe modules. The optional functions of each module are drawn
per rendering (``_opt``), so the renderings differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, sub_nested as sub, _joined as _join, _append
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


# ---------------- CWE-269: self-service update passes the manager field set ----------------

_CL_HEAD = r'''
"""$Clinic staff directory (Flask + Flask-SQLAlchemy + flask-login).

Staff keep their own contact details up to date; practice managers maintain $flagdesc and
the active flag from the admin screens. Every route here requires a signed-in user."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required
from flask_sqlalchemy import SQLAlchemy

log = logging.getLogger("$slug.staff")

db = SQLAlchemy()
bp = Blueprint("staff", __name__, url_prefix="/staff")

SELF_FIELDS = frozenset({"display_name", "phone", "$selfextra"})
MANAGER_FIELDS = SELF_FIELDS | {"$flag", "active"}
PHONE_RE = re.compile(r"^\+?[0-9 ]{6,20}$")
'''

_CL_MODEL = r'''
class StaffMember(db.Model):
    __tablename__ = "staff_members"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(200), unique=True, nullable=False)
    display_name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(24))
    $selfextra = db.Column(db.String($extralen))
    clinic_id = db.Column(db.Integer, nullable=False, index=True)
    $flag = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    def to_dict(self) -> dict:
        return {"id": self.id, "email": self.email, "display_name": self.display_name, "phone": self.phone,
                "$selfextra": self.$selfextra, "$flag": self.$flag, "active": self.active}
'''

_CL_HELPERS = r'''
def assign_fields(member: StaffMember, data: dict, allowed: frozenset[str]) -> list[str]:
    """Copy the allowed keys of ``data`` onto ``member``; any other key is rejected."""
    unknown = set(data) - allowed
    if unknown:
        abort(400, description="not editable: " + ", ".join(sorted(unknown)))
    if data.get("phone") and not PHONE_RE.match(data["phone"]):
        abort(400, description="invalid phone number")
    for key, value in data.items():
        setattr(member, key, value)
    return sorted(data)


def require_manager() -> None:
    """Only practice managers may edit other staff members."""
    if not current_user.$mgrflag:
        abort(403)
'''

_CL_SELF = r'''
@bp.$verb("/me")
@login_required
def update_me():
    """A staff member edits their own contact details."""
$src
    member = db.session.get(StaffMember, current_user.id)
    changed = assign_fields(member, $x, $fieldset)$mark
    db.session.commit()
    log.info("staff %s updated own details: %s", member.id, changed)
    return jsonify(member.to_dict())
'''

_CL_MANAGER = r'''
@bp.patch("/<int:member_id>")
@login_required
def update_member(member_id: int):
    """A practice manager edits a staff member of their clinic."""
    require_manager()
    member = db.first_or_404(db.select(StaffMember).filter_by(id=member_id, clinic_id=current_user.clinic_id))
    changed = assign_fields(member, request.get_json(silent=True) or {}, MANAGER_FIELDS)
    db.session.commit()
    log.info("manager %s updated staff %s: %s", current_user.id, member.id, changed)
    return jsonify(member.to_dict())
'''

_CL_OPT = [r'''
@bp.get("/me")
@login_required
def show_me():
    """The signed-in staff member's record."""
    return jsonify(db.session.get(StaffMember, current_user.id).to_dict())
''', r'''
@bp.get("")
@login_required
def list_staff():
    """The active staff of the user's clinic, for the rota screen."""
    rows = db.session.scalars(
        db.select(StaffMember).filter_by(clinic_id=current_user.clinic_id, active=True).order_by(StaffMember.display_name)
    ).all()
    return jsonify(staff=[{"id": m.id, "display_name": m.display_name, "$selfextra": m.$selfextra} for m in rows])
''', r'''
@bp.post("/<int:member_id>/deactivate")
@login_required
def deactivate(member_id: int):
    """Managers deactivate a leaver; their bookings stay for the audit trail."""
    require_manager()
    member = db.first_or_404(db.select(StaffMember).filter_by(id=member_id, clinic_id=current_user.clinic_id))
    member.active = False
    db.session.commit()
    log.info("manager %s deactivated staff %s", current_user.id, member.id)
    return jsonify(member.to_dict())
''']


def _clinic(c, safe):
    clinic = c.pick("Riverside Family Clinic", "Northgate Dental", "Harbour Physiotherapy", "Elm Street Surgery",
                    "Lakeside Veterinary Practice")
    slug = c.pick("clinic", "practice", "surgery", "appointments")
    flag, flagdesc, mgrflag = c.pick(
        ("is_practice_manager", "manager rights", "is_practice_manager"),
        ("can_edit_rota", "rota rights", "is_practice_manager"),
        ("can_prescribe", "prescribing rights", "is_practice_manager"),
        ("can_view_all_notes", "clinical-notes access", "is_practice_manager"),
        ("is_practice_manager", "manager rights", "is_practice_manager"))
    selfextra, extralen = c.pick(("pager", 16), ("job_title", 80), ("languages", 120), ("room", 12))
    x = c.pick("data", "changes", "payload")
    verb = c.pick("patch", "put", "post")
    src = c.pick(f"    {x} = request.get_json(silent=True) or {{}}",
                 f"    {x} = request.get_json() or {{}}",
                 f"    {x} = dict(request.get_json(force=True) or {{}})")
    mark = "" if safe else "  #@V"
    if not safe:
        src += "  #@S"
    fieldset = "SELF_FIELDS" if safe else "MANAGER_FIELDS"
    opts = _opt(c, *_CL_OPT, least=1, most=2)
    routes = [_CL_SELF, _CL_MANAGER] + opts
    c.rng.shuffle(routes)
    kw = dict(Clinic=clinic, slug=slug, flag=flag, flagdesc=flagdesc, mgrflag=mgrflag, selfextra=selfextra,
              extralen=extralen, x=x, verb=verb, src=src, mark=mark, fieldset=fieldset)
    # the manager flag lives in the model even when the managed flag is another one
    model = _CL_MODEL if flag == mgrflag else _CL_MODEL.replace(
        "    active = db.Column", "    $mgrflag = db.Column(db.Boolean, nullable=False, default=False)\n    active = db.Column")
    return _join(*[sub(b, **kw) for b in [_CL_HEAD, model, _CL_HELPERS] + routes])


@fam("mod10-flask-clinic-self-update-manager-fields", "CWE-269", fws=["flask"], n=8, wrap=False)
def mod10_flask_clinic_self_update_manager_fields(c):
    v, s = _replayed(c, _clinic)
    return Spec(v=v, s=s, full=True, fw="flask",
                notes="assign_fields() copies only the keys of the allow-list it is given, and the manager route "
                      "passes MANAGER_FIELDS after require_manager(); the self-service /me route passes "
                      "MANAGER_FIELDS too, so any staff member can send the privilege flag (manager, rota, "
                      "prescribing or notes access) for their own record and grant it to themselves. The fix "
                      "passes SELF_FIELDS on the self-service route")


@hardneg(2)
def mod10_flask_clinic_self_update_manager_fields_hn(c):
    s = _clinic(c, True)
    s = _append(s, r'''
        PREFERENCE_KEYS = frozenset({"theme", "reminder_minutes", "calendar_view"})


        @bp.put("/me/preferences")
        @login_required
        def save_preferences():
            """Display preferences; only the known keys are kept, nothing here grants rights."""
            prefs = {k: v for k, v in (request.get_json(silent=True) or {}).items() if k in PREFERENCE_KEYS}
            member = db.session.get(StaffMember, current_user.id)
            member.preferences = prefs
            db.session.commit()
            return jsonify(preferences=prefs)
    ''')
    s = s.replace("    active = db.Column(db.Boolean, nullable=False, default=True)\n",
                  "    active = db.Column(db.Boolean, nullable=False, default=True)\n"
                  "    preferences = db.Column(db.JSON, nullable=False, default=dict)\n", 1)
    return Spec(s=s, full=True, fw="flask",
                notes="self-service routes use the self-service allow-list; rights are only changed behind require_manager()")


# ---------------- CWE-287: the password check only runs for a non-empty password ----------------

_RC_HEAD = r'''
"""Recruiter sign-in for the $Org applicant-tracking service (FastAPI + passlib + PyJWT).

Recruiters and hiring managers sign in with e-mail and password and get a short-lived bearer
token for the pipeline API ($pipeline). Accounts are provisioned by the people team."""
from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import APIRouter, Depends, HTTPException, status
from passlib.context import CryptContext
from pydantic import BaseModel

log = logging.getLogger("$slug.auth")

router = APIRouter(prefix="/auth", tags=["auth"])
pwd_context = CryptContext(schemes=["$scheme"], deprecated="auto")
JWT_SECRET = os.environ["$envkey"]
TOKEN_TTL = timedelta(minutes=$ttl)
DB_PATH = os.environ.get("ATS_DB", "$dbpath")


class LoginIn(BaseModel):
    email: str
    password: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
'''

_RC_DB = r'''
def get_db():
    """A connection per request, closed when the response is sent."""
    conn = sqlite3.connect(DB_PATH, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


def find_recruiter(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, email, password_hash, role, active FROM recruiters WHERE email = ?",
        (email.strip().lower(),),
    ).fetchone()


def issue_token(row: sqlite3.Row) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(row["id"]), "role": row["role"], "iat": now, "exp": now + TOKEN_TTL}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")
'''

_RC_LOGIN = r'''
@router.post("/login", response_model=TokenOut)
def login(body: LoginIn, conn: sqlite3.Connection = Depends(get_db)) -> TokenOut:
    """Exchange e-mail and password for an access token."""
    row = find_recruiter(conn, body.email)
    if row is None or not row["active"]:
        log.info("sign-in refused for %s", body.email)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
$check
$rehash    log.info("recruiter %s signed in", row["id"])
    return TokenOut(access_token=issue_token(row), expires_in=int(TOKEN_TTL.total_seconds()))
'''

_RC_REHASH = r'''    if $pw and pwd_context.needs_update(row["password_hash"]):
        conn.execute("UPDATE recruiters SET password_hash = ? WHERE id = ?", (pwd_context.hash($pw), row["id"]))
        conn.commit()
'''

_RC_OPT = [r'''
class PasswordChange(BaseModel):
    email: str
    current_password: str
    new_password: str


@router.post("/password", status_code=204)
def change_password(body: PasswordChange, conn: sqlite3.Connection = Depends(get_db)) -> None:
    """Change the password; the current one must be given and must match."""
    row = find_recruiter(conn, body.email)
    if row is None or not pwd_context.verify(body.current_password, row["password_hash"]):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")
    if len(body.new_password) < $minlen:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "password too short")
    conn.execute("UPDATE recruiters SET password_hash = ? WHERE id = ?", (pwd_context.hash(body.new_password), row["id"]))
    conn.commit()
    log.info("recruiter %s changed their password", row["id"])
''', r'''
def decode_token(token: str) -> dict:
    """The claims of an access token issued above; expired or forged tokens are refused."""
    try:
        return jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
''', r'''
@router.get("/health", include_in_schema=False)
def health() -> dict:
    """Liveness probe for the load balancer."""
    return {"status": "ok", "schemes": pwd_context.schemes()}
''']


def _recruit(c, safe):
    org = c.pick("Brightwave", "Northwind Talent", "Kestrel Labs", "Parcelpoint", "Aldermoor Health")
    slug = c.pick("ats", "recruiting", "hiring", "talent")
    pipeline = c.pick("candidates, interview loops and offers", "requisitions, candidates and scorecards",
                      "job openings, applications and interview feedback")
    scheme = c.pick("bcrypt", "argon2", "pbkdf2_sha256")
    shape = c.pick("and", "nested", "len", "helper")
    pw = "body.password"
    fail = '        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid credentials")'
    m = "" if safe else "  #@V"
    helper = ""
    if shape == "and":
        cond = ("not body.password or not pwd_context.verify(body.password, row[\"password_hash\"])" if safe else
                "body.password and not pwd_context.verify(body.password, row[\"password_hash\"])")
        check = f"    if {cond}:{m}\n{fail}"
    elif shape == "len":
        cond = ("not pwd_context.verify(body.password, row[\"password_hash\"])" if safe else
                "len(body.password) > 0 and not pwd_context.verify(body.password, row[\"password_hash\"])")
        check = f"    if {cond}:{m}\n{fail}"
    elif shape == "nested":
        if safe:
            check = f"    if not pwd_context.verify(body.password, row[\"password_hash\"]):\n{fail}"
        else:
            check = (f"    if body.password:{m}\n"
                     f"        if not pwd_context.verify(body.password, row[\"password_hash\"]):\n    {fail}")
    else:
        helper = (
            'def password_matches(row: sqlite3.Row, password: str) -> bool:\n'
            '    """Whether ``password`` is the recruiter\'s current password."""\n'
            + ('    if not password:\n        return False\n' if safe else
               '    if not password:  #@V\n        return True  #@V\n')
            + '    return pwd_context.verify(password, row["password_hash"])')
        check = f"    if not password_matches(row, body.password):\n{fail}"
    rehash = _RC_REHASH if c.pick(True, False) else ""
    opts = _opt(c, *_RC_OPT, least=1, most=2)
    kw = dict(Org=org, slug=slug, pipeline=pipeline, scheme=scheme, check=check, rehash=rehash, pw=pw,
              envkey=c.pick("ATS_JWT_SECRET", "JWT_SIGNING_KEY", "AUTH_TOKEN_SECRET"), ttl=c.pick(15, 30, 60),
              dbpath=c.pick("/var/lib/ats/ats.db", "instance/recruiting.sqlite", "data/hiring.db"),
              minlen=c.pick(10, 12, 14))
    blocks = [_RC_HEAD, _RC_DB] + ([helper] if helper else []) + [_RC_LOGIN] + opts
    return _join(*[sub(b, **kw) for b in blocks])


@fam("mod10-fastapi-recruiter-login-empty-password", "CWE-287", fws=["fastapi"], n=8, wrap=False)
def mod10_fastapi_recruiter_login_empty_password(c):
    v, s = _replayed(c, _recruit)
    return Spec(v=v, s=s, full=True, fw="fastapi",
                notes="the login route verifies the password with passlib only when the submitted password is "
                      "non-empty (`if password and not verify`, a nested `if password:`, or a helper that returns "
                      "True for an empty password); a JSON body with \"password\": \"\" (pydantic accepts the "
                      "empty string) skips the check and a token is issued for any active recruiter's e-mail. "
                      "The fix always verifies and treats an empty password as a failure")


@hardneg(2)
def mod10_fastapi_recruiter_login_empty_password_hn(c):
    s = _recruit(c, True)
    s = _append(s, r'''
        def optional_note(note: str | None) -> str:
            """Free-text note on the sign-in audit row; an empty note is simply skipped."""
            if note and len(note) > 200:
                return note[:200]
            return note or ""
    ''')
    return Spec(s=s, full=True, fw="fastapi",
                notes="the password is always verified; only harmless optional values are skipped when empty")


# ---------------- CWE-306: the maintenance sub-app is built without its token middleware ----------------

_FL_HEAD = r'''
"""$Fleet telemetry service (aiohttp).

Vehicles post position and engine readings with their device key; dispatch tools read them back.
The vehicle API and the operator maintenance endpoints are separate sub-applications, each with
its own authentication middleware."""
from __future__ import annotations

import hmac
import logging
import os
import secrets
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone

from aiohttp import web

log = logging.getLogger("$slug.telemetry")

OPS_TOKEN = os.environ["$opsenv"]
HISTORY = $history
'''

_FL_STORE = r'''
class TelemetryStore:
    """Recent readings per vehicle, in memory (the archive job copies them to object storage)."""

    def __init__(self) -> None:
        self.readings: dict[str, deque] = defaultdict(lambda: deque(maxlen=HISTORY))
        self.device_keys: dict[str, str] = {}

    def add(self, vehicle: str, reading: dict) -> None:
        reading["received_at"] = datetime.now(timezone.utc).isoformat()
        self.readings[vehicle].append(reading)

    def vehicle_for_key(self, key: str) -> str | None:
        for vehicle, known in self.device_keys.items():
            if hmac.compare_digest(known, key):
                return vehicle
        return None
'''

_FL_MW = r'''
@web.middleware
async def device_auth(request: web.Request, handler):
    """Vehicle API: the X-Device-Key header names the vehicle."""
    vehicle = request.config_dict["store"].vehicle_for_key(request.headers.get("X-Device-Key", ""))
    if vehicle is None:
        raise web.HTTPUnauthorized(text="unknown device key")
    request["vehicle"] = vehicle
    return await handler(request)


@web.middleware
async def ops_auth(request: web.Request, handler):
    """Maintenance endpoints: operators send the ops token as a bearer token."""
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(supplied, OPS_TOKEN):
        raise web.HTTPUnauthorized(text="operator token required")
    return await handler(request)
'''

_FL_API = r'''
async def post_reading(request: web.Request) -> web.Response:
    """A vehicle reports position, speed and engine data."""
    body = await request.json()
    reading = {k: body[k] for k in ("lat", "lon", "speed_kmh", "engine_temp") if k in body}
    request.config_dict["store"].add(request["vehicle"], reading)
    return web.json_response({"stored": True}, status=201)
'''

_FL_OPS = {
    "purge": ("post", "/readings/purge", "purge_readings", r'''
async def purge_readings(request: web.Request) -> web.Response:
    """Drop every buffered reading (used before a schema migration)."""
    store = request.config_dict["store"]
    dropped = sum(len(q) for q in store.readings.values())
    store.readings.clear()
    log.warning("operator purged %d buffered readings", dropped)
    return web.json_response({"dropped": dropped})
'''),
    "rotate": ("post", "/devices/{vehicle}/rotate-key", "rotate_device_key", r'''
async def rotate_device_key(request: web.Request) -> web.Response:
    """Issue a new device key for a vehicle; the old one stops working at once."""
    vehicle = request.match_info["vehicle"]
    key = secrets.token_urlsafe(32)
    request.config_dict["store"].device_keys[vehicle] = key
    log.warning("device key rotated for %s", vehicle)
    return web.json_response({"vehicle": vehicle, "device_key": key})
'''),
    "register": ("post", "/devices", "register_device", r'''
async def register_device(request: web.Request) -> web.Response:
    """Enrol a new vehicle terminal and hand out its device key."""
    vehicle = (await request.json())["vehicle"]
    key = secrets.token_urlsafe(32)
    request.config_dict["store"].device_keys[vehicle] = key
    log.info("device enrolled for %s", vehicle)
    return web.json_response({"vehicle": vehicle, "device_key": key}, status=201)
'''),
}

_FL_READS = [("get", "/vehicles/{vehicle}/latest", "latest", r'''
async def latest(request: web.Request) -> web.Response:
    """The newest reading of a vehicle (dispatch map)."""
    readings = request.config_dict["store"].readings.get(request.match_info["vehicle"])
    if not readings:
        raise web.HTTPNotFound(text="no readings")
    return web.json_response(readings[-1])
'''), ("get", "/vehicles/{vehicle}/stale", "stale", r'''
async def stale(request: web.Request) -> web.Response:
    """Whether a vehicle has gone quiet for more than ten minutes."""
    readings = request.config_dict["store"].readings.get(request.match_info["vehicle"])
    if not readings:
        return web.json_response({"stale": True})
    last = datetime.fromisoformat(readings[-1]["received_at"])
    return web.json_response({"stale": datetime.now(timezone.utc) - last > timedelta(minutes=10)})
''')]

_FL_APP = r'''
def create_app() -> web.Application:
    root = web.Application()
    root["store"] = TelemetryStore()

    api = web.Application(middlewares=[device_auth])
$apiroutes
    root.add_subapp("/api/v1", api)

$opsline
$opsroutes
    root.add_subapp("/ops", ops)
    return root


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    web.run_app(create_app(), port=$port)
'''


def _fleet(c, safe):
    fleet = c.pick("Harbourline Haulage", "Metro Bus", "Greenleaf Couriers", "Polar Cold-Chain", "Citywide Taxis")
    slug = c.pick("fleet", "telematics", "tracker", "vehicles")
    ops = _opt(c, *_FL_OPS.values(), least=1, most=2)
    reads = _opt(c, *_FL_READS, least=0, most=2)
    m = "" if safe else "  #@V"
    style = c.pick("ctor", "append")
    if style == "ctor":
        opsline = "    ops = web.Application(middlewares=[ops_auth])" if safe else f"    ops = web.Application(){m}"
    else:
        opsline = ("    ops = web.Application()\n    ops.middlewares.append(ops_auth)" if safe
                   else f"    ops = web.Application(){m}")
    apiroutes = "\n".join([f'    api.router.add_post("/readings", post_reading)']
                          + [f'    api.router.add_{verb}("{path}", {fn})' for verb, path, fn, _ in reads])
    opsroutes = "\n".join(f'    ops.router.add_{verb}("{path}", {fn}){m}' for verb, path, fn, _ in ops)
    kw = dict(Fleet=fleet, slug=slug, opsenv=c.pick("OPS_TOKEN", "FLEET_OPS_TOKEN", "MAINTENANCE_TOKEN"),
              history=c.pick(500, 1000, 2880), apiroutes=apiroutes, opsline=opsline, opsroutes=opsroutes,
              port=c.pick(8080, 8443, 9000))
    handlers = [_FL_API] + [b for *_, b in reads] + [b for *_, b in ops]
    c.rng.shuffle(handlers)
    return _join(*[sub(b, **kw) for b in [_FL_HEAD, _FL_STORE, _FL_MW] + handlers + [_FL_APP]])


@fam("mod10-aiohttp-fleet-ops-subapp-no-middleware", "CWE-306", fws=["aiohttp"], n=8, wrap=False)
def mod10_aiohttp_fleet_ops_subapp_no_middleware(c):
    v, s = _replayed(c, _fleet)
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes="aiohttp runs a sub-application's middlewares only for that sub-app's routes; the vehicle API "
                      "sub-app has device_auth, but the /ops sub-app is created without ops_auth, so anyone who "
                      "reaches the service can purge the buffered readings, rotate or enrol device keys (and take "
                      "the new key). ops_auth is defined and never used. The fix builds the ops sub-app with "
                      "middlewares=[ops_auth] (or appends it before the app is frozen)")


@hardneg(2)
def mod10_aiohttp_fleet_ops_subapp_no_middleware_hn(c):
    s = _fleet(c, True)
    s = s.replace('    root.add_subapp("/api/v1", api)\n',
                  '    root.add_subapp("/api/v1", api)\n    root.router.add_get("/healthz", healthz)\n', 1)
    s = s.replace("\n\ndef create_app()", r'''

async def healthz(request: web.Request) -> web.Response:
    """Unauthenticated liveness probe: no data, no side effects."""
    return web.json_response({"status": "ok"})


def create_app()''', 1)
    return Spec(s=s, full=True, fw="aiohttp",
                notes="both sub-apps carry their authentication middleware; only a side-effect-free health probe is public")


# ---------------- CWE-862: one service method without the permission check the others make ----------------

_LN_HEAD = r'''
"""Loan desk services for the $Lib library system (SQLAlchemy 2.0).

The staff web app and the self-service kiosks call these services with the acting account;
every operation that changes a loan, an item or a fine checks the actor's permission first
(kiosk accounts hold only the borrowing permissions)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from $pkg.models import Fine, Item, Loan

log = logging.getLogger("$slug.loans")

LOAN_DAYS = $days
MAX_RENEWALS = $renewals
MAX_EXTENSION_DAYS = $maxext


class PermissionDenied(Exception):
    """The actor lacks the permission for an operation."""


@dataclass(frozen=True)
class Actor:
    account_id: int
    branch_id: int
    permissions: frozenset[str]
'''

_LN_CLASS = r'''
class LoanDesk:
    """Loan, return and fine operations for one actor."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    def _require(self, permission: str) -> None:
        if permission not in self.actor.permissions:
            log.warning("account %s lacks %s", self.actor.account_id, permission)
            raise PermissionDenied(permission)

    def _loan(self, loan_id: int) -> Loan:
        loan = self.session.get(Loan, loan_id)
        if loan is None or loan.returned_on is not None:
            raise LookupError(f"no open loan {loan_id}")
        return loan

$methods
'''

_LN_METHODS = {
    "checkout": r'''
def check_out(self, patron_id: int, barcode: str) -> Loan:
    """Lend an item to a patron for the standard period."""
    self._require("loans.check_out")
    item = self.session.scalars(select(Item).where(Item.barcode == barcode)).one()
    if item.on_loan:
        raise ValueError(f"{barcode} is already on loan")
    loan = Loan(item_id=item.id, patron_id=patron_id, branch_id=self.actor.branch_id,
                due_on=date.today() + timedelta(days=LOAN_DAYS), renewals=0)
    item.on_loan = True
    self.session.add(loan)
    self.session.commit()
    return loan
''',
    "renew": r'''
def renew(self, loan_id: int) -> Loan:
    """Renew an open loan, up to MAX_RENEWALS times."""
    self._require("loans.renew")
    loan = self._loan(loan_id)
    if loan.renewals >= MAX_RENEWALS:
        raise ValueError("renewal limit reached")
    loan.renewals += 1
    loan.due_on = max(loan.due_on, date.today()) + timedelta(days=LOAN_DAYS)
    self.session.commit()
    return loan
''',
    "checkin": r'''
def check_in(self, loan_id: int) -> Loan:
    """Return an item; the item becomes available again."""
    self._require("loans.check_in")
    loan = self._loan(loan_id)
    loan.returned_on = date.today()
    self.session.get(Item, loan.item_id).on_loan = False
    self.session.commit()
    return loan
''',
    "list": r'''
def fines_for(self, patron_id: int) -> list[Fine]:
    """The unpaid, unwaived fines of a patron."""
    self._require("fines.view")
    stmt = select(Fine).where(Fine.patron_id == patron_id, Fine.paid.is_(False), Fine.waived.is_(False))
    return list(self.session.scalars(stmt))
''',
}

_LN_WEAK = {
    "waive": ("fines.waive", r'''
def waive_fine(self, fine_id: int, reason: str) -> Fine:$mdef
    """Cancel a fine (damaged-item disputes, hardship cases)."""
$req    fine = self.session.get(Fine, fine_id)
    if fine is None or fine.paid:
        raise LookupError(f"no open fine {fine_id}")
    fine.waived = True$mact
    fine.waived_by = self.actor.account_id
    fine.waive_reason = reason[:200]
    self.session.commit()
    log.info("fine %s waived by %s", fine_id, self.actor.account_id)
    return fine
'''),
    "writeoff": ("items.write_off", r'''
def write_off(self, loan_id: int, note: str = "") -> Loan:$mdef
    """Close a loan whose item is lost; the item is withdrawn from the catalogue."""
$req    loan = self._loan(loan_id)
    item = self.session.get(Item, loan.item_id)
    item.withdrawn = True$mact
    item.on_loan = False
    loan.returned_on = date.today()
    loan.note = note[:200]
    self.session.commit()
    log.info("loan %s written off by %s", loan_id, self.actor.account_id)
    return loan
'''),
    "extend": ("loans.override_due", r'''
def extend_due_date(self, loan_id: int, days: int) -> Loan:$mdef
    """Move a due date past the renewal rules (long-term research loans)."""
$req    if not 0 < days <= MAX_EXTENSION_DAYS:
        raise ValueError(f"between 1 and {MAX_EXTENSION_DAYS} days")
    loan = self._loan(loan_id)
    loan.due_on = loan.due_on + timedelta(days=days)$mact
    self.session.commit()
    log.info("loan %s extended by %d days by %s", loan_id, days, self.actor.account_id)
    return loan
'''),
    "reduce": ("fines.adjust", r'''
def reduce_fine(self, fine_id: int, amount: Decimal) -> Fine:$mdef
    """Lower a fine by ``amount`` (partial write-off agreed at the desk)."""
$req    fine = self.session.get(Fine, fine_id)
    if fine is None or fine.paid or fine.waived:
        raise LookupError(f"no open fine {fine_id}")
    fine.amount = max(Decimal("0.00"), fine.amount - amount)$mact
    self.session.commit()
    log.info("fine %s reduced to %s by %s", fine_id, fine.amount, self.actor.account_id)
    return fine
'''),
}


def _loans(c, safe):
    lib = c.pick("Eastbrook Public", "Marlow County", "St Aidan's College", "Riverside Community", "Hollins University")
    weak = c.pick(*_LN_WEAK)
    perm, body = _LN_WEAK[weak]
    m = "" if safe else "  #@V"
    req = f'    self._require("{perm}")\n' if safe else ""
    weakm = sub(body, mdef=m, mact=m, req=req)
    others = _opt(c, *_LN_METHODS.values(), least=2, most=3)
    pos = c.rng.randint(1, len(others))
    ms = others[:pos] + [weakm] + others[pos:]
    kw = dict(Lib=lib, slug=c.pick("library", "circulation", "loans"), pkg=c.pick("circulation", "library", "lending"),
              days=c.pick(14, 21, 28), renewals=c.pick(2, 3, 5), maxext=c.pick(60, 90, 120),
              methods=_methods(*ms))
    return _join(sub(_LN_HEAD, **kw), sub(_LN_CLASS, **kw))


@fam("mod10-sqlalchemy-loan-service-missing-require", "CWE-862", fws=["orm"], n=8, wrap=False)
def mod10_sqlalchemy_loan_service_missing_require(c):
    v, s = _replayed(c, _loans)
    return Spec(v=v, s=s, full=True, fw="orm",
                notes="every LoanDesk method starts with self._require(<permission>), and kiosk accounts hold only "
                      "the borrowing permissions; the privileged method (waive or reduce a fine, write off an item, "
                      "extend a due date past the rules) has no check, so any caller of the service (a kiosk or "
                      "junior account) can perform it. The fix adds self._require(...) with its permission")


@hardneg(2)
def mod10_sqlalchemy_loan_service_missing_require_hn(c):
    s = _loans(c, True)
    s = _append(s, r'''
        def overdue(session: Session, branch_id: int, today: date | None = None) -> list[Loan]:
            """Read-only overdue report for the reminder job; changes nothing, so it needs no permission."""
            stmt = select(Loan).where(Loan.branch_id == branch_id, Loan.returned_on.is_(None),
                                      Loan.due_on < (today or date.today()))
            return list(session.scalars(stmt))
    ''')
    return Spec(s=s, full=True, fw="orm",
                notes="every state-changing service method checks its permission; the read-only report function needs none")


# ---------------- CWE-863: the budget holding is looked up for the wrong cost centre ----------------

_EX_HEAD = r'''
"""Expense claim approvals for the $Org finance portal (Django).

Employees submit claims against a cost centre; budget holders approve or reject the claims of
the cost centres they hold, each holding with its own approval limit. Claims above the limit go
to the finance director."""
from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from $app.models import BudgetHolding, ExpenseClaim

log = logging.getLogger("$app.approvals")


def holdings(user):
    """The active budget holdings of ``user``."""
    return BudgetHolding.objects.filter(holder=user, active=True)
'''

_EX_PENDING = r'''
@require_GET
@login_required
def pending_claims(request):
    """Submitted claims of every cost centre the user holds."""
    centres = holdings(request.user).values_list("cost_centre", flat=True)
    claims = ExpenseClaim.objects.filter(cost_centre__in=list(centres), status="submitted").order_by("submitted_at")
    return JsonResponse({"claims": [c.summary() for c in claims[:$pagesize]]})
'''

_EX_APPROVE = r'''
@require_POST
@login_required
def approve_claim(request, claim_id: int):
    """Approve a submitted claim within the holder's limit."""
$src
    claim = get_object_or_404(ExpenseClaim, pk=claim_id, status="submitted")
    if claim.submitted_by_id == request.user.id:
        return HttpResponseForbidden("claims cannot be approved by their submitter")
$lookup
    if not $hv or claim.total > $hv.approval_limit:$mark
        log.warning("user %s may not approve claim %s", request.user.id, claim.id)
        return HttpResponseForbidden("outside your budget holding or limit")
    with transaction.atomic():
        claim.status = "approved"
        claim.approved_by = request.user
        claim.approved_at = timezone.now()
        claim.approver_note = $x.get("note", "")[:500]
        claim.save(update_fields=["status", "approved_by", "approved_at", "approver_note"])
    log.info("claim %s approved by %s", claim.id, request.user.id)
    return JsonResponse({"id": claim.id, "status": claim.status})
'''

_EX_OPT = [r'''
@require_POST
@login_required
def withdraw_claim(request, claim_id: int):
    """The submitter withdraws a claim that nobody has decided yet."""
    claim = get_object_or_404(ExpenseClaim, pk=claim_id, submitted_by=request.user, status="submitted")
    claim.status = "withdrawn"
    claim.save(update_fields=["status"])
    log.info("claim %s withdrawn by its submitter", claim.id)
    return JsonResponse({"id": claim.id, "status": claim.status})
''', r'''
@require_POST
@login_required
def reject_claim(request, claim_id: int):
    """Send a claim back to its submitter with a reason."""
    claim = get_object_or_404(ExpenseClaim, pk=claim_id, status="submitted")
    if not holdings(request.user).filter(cost_centre=claim.cost_centre).exists():
        return HttpResponseForbidden("not a holder of this cost centre")
    reason = json.loads(request.body or b"{}").get("reason", "")[:500]
    claim.status = "rejected"
    claim.approver_note = reason
    claim.save(update_fields=["status", "approver_note"])
    log.info("claim %s rejected by %s", claim.id, request.user.id)
    return JsonResponse({"id": claim.id, "status": claim.status})
''', r'''
@require_GET
@login_required
def my_claims(request):
    """The user's own claims, newest first."""
    claims = ExpenseClaim.objects.filter(submitted_by=request.user).order_by("-submitted_at")[:50]
    return JsonResponse({"claims": [c.summary() for c in claims]})
''', r'''
@require_GET
@login_required
def my_holdings(request):
    """The cost centres and limits the user holds, for the approvals screen."""
    rows = holdings(request.user).order_by("cost_centre").values("cost_centre", "approval_limit")
    return JsonResponse({"holdings": [{"cost_centre": r["cost_centre"], "limit": str(r["approval_limit"])} for r in rows]})
''']


def _expense(c, safe):
    org = c.pick("Calder & Finch", "Northpeak Energy", "Lumen Logistics", "Oakridge Council", "Bluefern Retail")
    x = c.pick("data", "body", "payload")
    shape = c.pick("client", "any", "own", "client", "any")
    src = f'    {x} = json.loads(request.body or b"{{}}")'
    m = "" if safe else "  #@V"
    var = c.pick("holding", "grant", "budget")
    good = f"    {var} = holdings(request.user).filter(cost_centre=claim.cost_centre).first()"
    if safe:
        lookup = good
    elif shape == "client":
        src += "  #@S"
        lookup = f'    {var} = holdings(request.user).filter(cost_centre={x}.get("cost_centre")).first(){m}'
    elif shape == "any":
        lookup = f"    {var} = holdings(request.user).first(){m}"
    else:
        lookup = f"    {var} = holdings(request.user).filter(cost_centre=request.user.employee.cost_centre).first(){m}"
    opts = _opt(c, *_EX_OPT, least=2, most=3)
    blocks = [_EX_PENDING, _EX_APPROVE] + opts
    c.rng.shuffle(blocks)
    approve = sub(_EX_APPROVE, src=src, lookup=lookup, mark=m, x=x, hv=var)
    blocks = [approve if b is _EX_APPROVE else b for b in blocks]
    kw = dict(Org=org, app=c.pick("expenses", "finance", "claims"), pagesize=c.pick(50, 100, 200))
    return _join(*[sub(b, **kw) for b in [_EX_HEAD] + blocks])


@fam("mod10-django-expense-holding-wrong-centre", "CWE-863", fws=["django"], n=8, wrap=False)
def mod10_django_expense_holding_wrong_centre(c):
    v, s = _replayed(c, _expense)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="approve_claim checks a budget holding and its limit, but looks the holding up for the wrong "
                      "cost centre: the one in the request body (the client's copy, any centre the approver holds), "
                      "the approver's own employee cost centre, or simply the first holding they have. A holder of "
                      "any budget can approve claims of every other cost centre. The fix looks the holding up for "
                      "claim.cost_centre, as reject_claim and the pending list do")


@hardneg(2)
def mod10_django_expense_holding_wrong_centre_hn(c):
    s = _expense(c, True)
    s = _append(s, r'''
        @require_GET
        @login_required
        def claim_detail(request, claim_id: int):
            """A claim, for its submitter or a holder of its cost centre."""
            claim = get_object_or_404(ExpenseClaim, pk=claim_id)
            if claim.submitted_by_id != request.user.id and not holdings(request.user).filter(
                    cost_centre=claim.cost_centre).exists():
                return HttpResponseForbidden("not your claim")
            return JsonResponse(claim.summary())
    ''')
    return Spec(s=s, full=True, fw="django",
                notes="every check looks the holding up for the claim's own cost centre")


# ---------------- CWE-639: one asyncpg query by path id without the school (tenant) scope ----------------

_GB_HEAD = r'''
"""Gradebook API for the $District schools platform (Starlette + asyncpg).

Every school is a tenant. The authentication backend resolves the session token to a teacher
and their school; every query below is scoped to ``request.user.school_id``."""
from __future__ import annotations

import contextlib
import logging
import os

import asyncpg
from starlette.applications import Starlette
from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser, requires
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger("$slug.gradebook")

DSN = os.environ["$dsnenv"]
'''

_GB_AUTH = r'''
class Teacher(SimpleUser):
    def __init__(self, teacher_id: int, name: str, school_id: int) -> None:
        super().__init__(name)
        self.id = teacher_id
        self.school_id = school_id


class SessionTokenBackend(AuthenticationBackend):
    """Bearer session tokens issued by the sign-in service."""

    async def authenticate(self, conn):
        token = conn.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            return None
        row = await conn.app.state.pool.fetchrow(
            "SELECT t.id, t.name, t.school_id FROM sessions s JOIN teachers t ON t.id = s.teacher_id "
            "WHERE s.token = $1 AND s.expires_at > now()", token)
        if row is None:
            return None
        return AuthCredentials(["authenticated"]), Teacher(row["id"], row["name"], row["school_id"])
'''

_GB_ROUTES = {
    "card": ("/students/{student_id:int}/report-card", "report_card", r'''
@requires("authenticated")
async def report_card(request: Request) -> JSONResponse:
    """A student's term report: subject, grade and the teacher's comment."""
    student_id = request.path_params["student_id"]$S
    rows = await request.app.state.pool.fetch(
        $Q$V
        $A)
    if not rows:
        raise HTTPException(404)
    return JSONResponse({"student_id": student_id, "subjects": [dict(r) for r in rows]})
''', '"SELECT subject, grade, comment FROM report_entries WHERE student_id = $1 ORDER BY subject",',
        '"SELECT subject, grade, comment FROM report_entries WHERE student_id = $1 AND school_id = $2 ORDER BY subject",',
        "student_id", "student_id, request.user.school_id"),
    "guardian": ("/students/{student_id:int}/guardians", "guardians", r'''
@requires("authenticated")
async def guardians(request: Request) -> JSONResponse:
    """Guardian names and contact details of a student (for the parents' evening letter)."""
    student_id = request.path_params["student_id"]$S
    rows = await request.app.state.pool.fetch(
        $Q$V
        $A)
    return JSONResponse({"guardians": [dict(r) for r in rows]})
''', '"SELECT name, relation, phone, email FROM guardians WHERE student_id = $1",',
        '"SELECT name, relation, phone, email FROM guardians WHERE student_id = $1 AND school_id = $2",',
        "student_id", "student_id, request.user.school_id"),
    "grade": ("/grades/{grade_id:int}", "grade_detail", r'''
@requires("authenticated")
async def grade_detail(request: Request) -> JSONResponse:
    """One grade with its assessment, for the grade edit dialog."""
    grade_id = request.path_params["grade_id"]$S
    row = await request.app.state.pool.fetchrow(
        $Q$V
        $A)
    if row is None:
        raise HTTPException(404)
    return JSONResponse({"id": row["id"], "score": row["score"], "assessment": row["title"], "student_id": row["student_id"]})
''', '"SELECT g.id, g.score, g.student_id, a.title FROM grades g JOIN assessments a ON a.id = g.assessment_id WHERE g.id = $1",',
        '"SELECT g.id, g.score, g.student_id, a.title FROM grades g JOIN assessments a ON a.id = g.assessment_id "\n        "WHERE g.id = $1 AND a.school_id = $2",',
        "grade_id", "grade_id, request.user.school_id"),
}

_GB_SAFE = [("/classes", "my_classes", r'''
@requires("authenticated")
async def my_classes(request: Request) -> JSONResponse:
    """The classes the teacher teaches this year."""
    rows = await request.app.state.pool.fetch(
        "SELECT id, name, year FROM classes WHERE school_id = $1 AND teacher_id = $2 ORDER BY name",
        request.user.school_id, request.user.id)
    return JSONResponse({"classes": [dict(r) for r in rows]})
'''), ("/classes/{class_id:int}/assessments", "assessments", r'''
@requires("authenticated")
async def assessments(request: Request) -> JSONResponse:
    """The assessments of one class of the teacher's school."""
    rows = await request.app.state.pool.fetch(
        "SELECT id, title, due_on FROM assessments WHERE class_id = $1 AND school_id = $2 ORDER BY due_on",
        request.path_params["class_id"], request.user.school_id)
    return JSONResponse({"assessments": [{"id": r["id"], "title": r["title"], "due_on": r["due_on"].isoformat()} for r in rows]})
'''), ("/students", "students", r'''
@requires("authenticated")
async def students(request: Request) -> JSONResponse:
    """Students of the school whose name starts with ?q= (the grade entry picker)."""
    prefix = request.query_params.get("q", "")[:40]
    rows = await request.app.state.pool.fetch(
        "SELECT id, name, class_id FROM students WHERE school_id = $1 AND name ILIKE $2 || '%' ORDER BY name LIMIT 20",
        request.user.school_id, prefix.replace("%", "").replace("_", ""))
    return JSONResponse({"students": [dict(r) for r in rows]})
''')]

_GB_APP = r'''
@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(DSN, min_size=1, max_size=$maxsize)
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[
$routes
    ],
    middleware=[Middleware(AuthenticationMiddleware, backend=SessionTokenBackend())],
    lifespan=lifespan,
)
'''


def _gradebook(c, safe):
    district = c.pick("Westvale", "Kingsbridge", "Three Rivers", "Fairholm", "Ashby Trust")
    weak = c.pick(*_GB_ROUTES)
    path, fn, body, vq, sq, va, sa = _GB_ROUTES[weak]
    wb = sub(body, Q=sq if safe else vq, A=sa if safe else va, V="" if safe else "  #@V", S="" if safe else "  #@S")
    others = _opt(c, *[r for k, r in _GB_ROUTES.items() if k != weak], least=0, most=1)
    fixed = _opt(c, *_GB_SAFE, least=1, most=2)
    handlers = [(path, fn, wb)] + [(p, f, sub(b, Q=q2, A=a2, V="", S="")) for p, f, b, _, q2, _, a2 in others] + fixed
    c.rng.shuffle(handlers)
    routes = "\n".join(f'        Route("{p}", {f}),' for p, f, _ in handlers)
    kw = dict(District=district, slug=c.pick("schools", "district", "gradebook"),
              dsnenv=c.pick("GRADEBOOK_DSN", "DATABASE_URL", "PG_DSN"), maxsize=c.pick(5, 10, 20), routes=routes)
    return _join(*[sub(b, **kw) for b in [_GB_HEAD, _GB_AUTH] + [h for *_, h in handlers] + [_GB_APP]])


@fam("mod10-starlette-gradebook-asyncpg-unscoped", "CWE-639", fws=["starlette"], n=8, wrap=False)
def mod10_starlette_gradebook_asyncpg_unscoped(c):
    v, s = _replayed(c, _gradebook)
    return Spec(v=v, s=s, full=True, fw="starlette",
                notes="the platform is multi-tenant by school and every query binds request.user.school_id, except "
                      "one handler that fetches by the path id alone (report card entries, guardian contacts or a "
                      "grade); ids are sequential, so a teacher of one school reads the records of pupils at any "
                      "other school. The fix adds AND school_id = $2 with request.user.school_id")


@hardneg(2)
def mod10_starlette_gradebook_asyncpg_unscoped_hn(c):
    s = _gradebook(c, True)
    s = s.replace("\n\n\n@contextlib.asynccontextmanager", r'''


@requires("authenticated")
async def school_calendar(request: Request) -> JSONResponse:
    """Term dates of the teacher's own school; the id never comes from the request."""
    rows = await request.app.state.pool.fetch(
        "SELECT name, starts_on, ends_on FROM terms WHERE school_id = $1 ORDER BY starts_on", request.user.school_id)
    return JSONResponse({"terms": [{"name": r["name"], "starts_on": r["starts_on"].isoformat(),
                                    "ends_on": r["ends_on"].isoformat()} for r in rows]})


@contextlib.asynccontextmanager''', 1)
    s = s.replace("    ],\n    middleware=", '        Route("/calendar", school_calendar),\n    ],\n    middleware=', 1)
    return Spec(s=s, full=True, fw="starlette",
                notes="every query is scoped by the school of the authenticated teacher")
