"""Train-only whole-module families for the access-control groups (862, 863, 639, 306, 287, 269),
second set: shapes and frameworks the first whole-module set (train_modules_web.py) does not use.

- mod2-pyramid-view-permission (862): Pyramid views, one state-changing view registered without
  the ``permission=`` its siblings carry (the default permission only asks for a login).
- mod2-aiohttp-member-wrong-project (863): aiohttp task handlers; one checks write access on the
  project id of the URL instead of the project the task belongs to.
- mod2-strawberry-resolver-idor (639): a strawberry GraphQL schema whose single-object resolver
  loads the row by id alone, while the list resolver and the mutation scope by customer.
- mod2-flask-public-prefix (306): a Flask ``before_request`` authentication hook that exempts a
  whole path prefix, which also covers a critical management endpoint.
- mod2-django-reset-token-user (287): a password-reset confirmation that accepts any valid token
  without checking it was issued for the account being reset.
- mod2-django-admin-role-action (269): a Django admin bulk action whose form offers only grantable
  roles, but validates the submitted role against every role, superuser included.
- mod2-flask-nested-attachment-idor (639): a Flask blueprint for a parent's files that checks the
  parent belongs to the user, then loads the file by its own id without requiring that parent.
- mod2-django-cbv-permission-mixin (862): Django class-based back-office views; one state-changing
  view has LoginRequiredMixin but not the PermissionRequiredMixin the others carry.

Each family has ``@hardneg(3)`` modules: the same module made safe in another way (an inline
permission check, an owner comparison after a lookup by id, the account taken from the token...).

Each example is a realistic module with one weakness; the twin is the same module with the minimal
fix. Written without reading the held-out families; every family here goes to train.
"""
import re

from core import Spec, dedent
from module_kit import _clean, _mod, _shuffled, _twin
from registry import fam, hardneg


def _sub(text, **kw):
    """Dedent and replace ``$name`` tokens (longest names first)."""
    text = dedent(text)
    keys = sorted(kw, key=len, reverse=True)
    out = []
    for line in text.split("\n"):
        st = line.strip()
        if st.startswith("$") and st[1:] in kw and not str(kw[st[1:]]).strip():
            continue  # a token alone on its line, replaced by nothing: drop the line
        ind = line[: len(line) - len(line.lstrip())]
        for k in keys:
            line = line.replace("$" + k, str(kw[k]).replace("\n", "\n" + ind))
        out.append(line)
    return "\n".join(out)


def _maybe(c, block, p=0.6):
    return block if c.rng.random() < p else ""


# ---------------- CWE-862: Pyramid view without the permission its siblings carry ----------------


@fam("mod2-pyramid-view-permission", "CWE-862", fws=["pyramid"], n=6, wrap=False)
def mod2_pyramid_perm(c):
    res, Res = c.pick(("refund", "Refund"), ("payout", "Payout"), ("credit_note", "CreditNote"),
                      ("write_off", "WriteOff"))
    act, call = c.pick(*{"refund": [("approve", "issue_refund"), ("void", "cancel_refund")],
                         "payout": [("release", "send_payout"), ("approve", "schedule_payout")],
                         "credit_note": [("void", "cancel_credit"), ("approve", "apply_credit")],
                         "write_off": [("approve", "post_write_off"), ("void", "reverse_write_off")]}[res])
    status = {"approve": "APPROVED", "release": "RELEASED", "void": "VOIDED"}[act]
    page = c.pick(25, 50, 100)
    limit = c.pick("5000.00", "2500.00", "10000.00")
    has_export = c.rng.random() < 0.6
    what = "list, show, create, " + act + (", CSV export" if has_export else "")
    done = {"approve": "approved", "release": "released", "void": "voided"}[act]
    kw = dict(res=res, Res=Res, act=act, status=status, call=call, page=page, limit=limit, what=what, done=done)
    head = _sub('''
        """Pyramid JSON views for $res records: $what."""
        import csv
        import io
        import logging
        from decimal import Decimal, InvalidOperation

        from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPNotFound
        from pyramid.response import Response
        from pyramid.view import view_config

        from .models import $Res, $ResStatus

        log = logging.getLogger(__name__)

        PAGE_SIZE = $page
        MAX_AMOUNT = Decimal("$limit")
    ''', **kw)
    helpers = _sub('''
        def _load(request) -> $Res:
            obj = request.dbsession.get($Res, int(request.matchdict["id"]))
            if obj is None:
                raise HTTPNotFound()
            return obj


        def _out(obj: $Res) -> dict:
            return {"id": obj.id, "order_id": obj.order_id, "amount": str(obj.amount),
                    "status": obj.status.value, "created_by": obj.created_by}
    ''', **kw)
    amount = _sub('''
        def _amount(raw) -> Decimal:
            try:
                value = Decimal(str(raw)).quantize(Decimal("0.01"))
            except (InvalidOperation, TypeError):
                raise HTTPBadRequest(json_body={"error": "amount must be a decimal"})
            if value <= 0 or value > MAX_AMOUNT:
                raise HTTPBadRequest(json_body={"error": "amount out of range"})
            return value
    ''', **kw)
    listing = _sub('''
        @view_config(route_name="$res_list", request_method="GET", renderer="json", permission="$res.view")
        def list_$res(request):
            page = max(1, int(request.params.get("page", "1")))
            q = request.dbsession.query($Res).order_by($Res.id.desc())
            rows = q.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).all()
            return {"items": [_out(r) for r in rows], "page": page}


        @view_config(route_name="$res_item", request_method="GET", renderer="json", permission="$res.view")
        def show_$res(request):
            return _out(_load(request))
    ''', **kw)
    create = _sub('''
        @view_config(route_name="$res_list", request_method="POST", renderer="json", permission="$res.create")
        def create_$res(request):
            body = request.json_body
            obj = $Res(
                order_id=int(body["order_id"]),
                amount=_amount(body.get("amount")),
                reason=str(body.get("reason", ""))[:500],
                created_by=request.authenticated_userid,
            )
            request.dbsession.add(obj)
            request.dbsession.flush()
            log.info("$res %s created by %s", obj.id, request.authenticated_userid)
            request.response.status_code = 201
            return _out(obj)
    ''', **kw)
    export = _sub('''
        @view_config(route_name="$res_export", request_method="GET", permission="$res.view")
        def export_$res(request):
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(["id", "order_id", "amount", "status"])
            for r in request.dbsession.query($Res).order_by($Res.id):
                writer.writerow([r.id, r.order_id, r.amount, r.status.value])
            return Response(buf.getvalue(), content_type="text/csv", charset="utf-8")
    ''', **kw)
    action = _sub('''
        @view_config(route_name="$res_$act", request_method="POST", renderer="json")  #@V
        def $act_$res(request):  #@V
            obj = _load(request)
            if obj.status != $ResStatus.PENDING:
                raise HTTPConflict(json_body={"error": f"$res is {obj.status.value}"})
            obj.status = $ResStatus.$status
            obj.decided_by = request.authenticated_userid
            request.payments.$call(obj.order_id, obj.amount)  #@V
            log.info("$res %s $done by %s", obj.id, request.authenticated_userid)
            return _out(obj)
    ''', **kw)
    routes = ["list"] + (["export"] if has_export else []) + ["item", act]
    paths = {"list": f"/api/{res}s", "item": f"/api/{res}s/{{id}}", act: f"/api/{res}s/{{id}}/{act}",
             "export": f"/api/{res}s/export.csv"}
    inc = "def includeme(config):\n    # every view needs a login at least; the finer permissions come from the ACL\n" \
          "    config.set_default_permission(\"authenticated\")\n" + \
          "".join(f'    config.add_route("{res}_{r}", "{paths[r]}")\n' for r in routes) + \
          "    config.scan(__name__)\n"
    if "export" not in routes:
        export = ""
    v = _mod(head, helpers, *_shuffled(c, amount, listing, export), create, action, inc)
    s = _twin(v, (f'renderer="json")  #@V', f'renderer="json", permission="{res}.{act}")'))
    return Spec(v=v, s=s, full=True, fw="pyramid",
                notes=f"the {act} view has no permission= so the default permission (any logged-in user) "
                      f"applies; the other state-changing views require their own permission")

@hardneg(3)
def mod2_pyramid_perm_hn(c):
    """Same module; the action view checks its permission inline with request.has_permission."""
    v = mod2_pyramid_perm(c).v
    m = re.search(r'route_name="(\w+)_(approve|release|void)", request_method="POST", renderer="json"\)  #@V', v)
    res, act = m.group(1), m.group(2)
    v = v.replace("HTTPConflict, HTTPNotFound", "HTTPConflict, HTTPForbidden, HTTPNotFound")
    v = re.sub(r"(def \w+\(request\):  #@V\n)",
               lambda mm: mm.group(1) + f'    if not request.has_permission("{res}.{act}"):\n'
                                       f"        raise HTTPForbidden()\n", v)
    return Spec(s=_clean(v), full=True, fw="pyramid",
                notes="the view_config has no permission=, but the view itself calls request.has_permission "
                      "for the action's permission before changing anything")



# ---------------- CWE-863: aiohttp write check on the URL's project, not the task's ----------------


@fam("mod2-aiohttp-member-wrong-project", "CWE-863", fws=["aiohttp"], n=6, wrap=False)
def mod2_aiohttp_wrong_project(c):
    item, Item = c.pick(("task", "Task"), ("card", "Card"), ("issue", "Issue"), ("story", "Story"))
    weak = c.pick("delete", "assign", "move")
    roles = c.pick('{"owner", "maintainer"}', '{"owner", "admin", "editor"}', '{"owner", "lead"}')
    statuses = c.pick('("todo", "doing", "done")', '("open", "in_progress", "review", "closed")')
    kw = dict(item=item, Item=Item, roles=roles, statuses=statuses)
    head = _sub('''
        """aiohttp handlers for $item boards: every $item belongs to a project, and project membership
        decides who may read it (any member) and who may change it (write roles)."""
        import logging
        from dataclasses import asdict, dataclass

        from aiohttp import web

        log = logging.getLogger("boards.$items")
        routes = web.RouteTableDef()

        WRITE_ROLES = frozenset($roles)
        STATUSES = $statuses
    ''', items=item + "s", **kw)
    dc = _sub('''
        @dataclass
        class $ItemOut:
            id: int
            project_id: int
            title: str
            status: str
            assignee_id: int | None
    ''', **kw)
    access = _sub('''
        async def member_role(request: web.Request, project_id: int) -> str | None:
            return await request.app["db"].fetchval(
                "SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2",
                project_id, request["user"].id)


        async def can_read(request: web.Request, project_id: int) -> bool:
            return await member_role(request, project_id) is not None


        async def can_write(request: web.Request, project_id: int) -> bool:
            return await member_role(request, project_id) in WRITE_ROLES
    ''', **kw)
    load = _sub('''
        async def load_$item(request: web.Request) -> $ItemOut:
            row = await request.app["db"].fetchrow(
                "SELECT id, project_id, title, status, assignee_id FROM $items WHERE id = $1",
                int(request.match_info["$item_id"]))
            if row is None:
                raise web.HTTPNotFound()
            return $ItemOut(**dict(row))
    ''', items=item + "s", **kw)
    listing = _sub('''
        @routes.get("/projects/{project_id}/$items")
        async def list_$items(request: web.Request) -> web.Response:
            project_id = int(request.match_info["project_id"])
            if not await can_read(request, project_id):
                raise web.HTTPForbidden()
            rows = await request.app["db"].fetch(
                "SELECT id, project_id, title, status, assignee_id FROM $items WHERE project_id = $1 ORDER BY id",
                project_id)
            return web.json_response([asdict($ItemOut(**dict(r))) for r in rows])
    ''', items=item + "s", **kw)
    update = _sub('''
        @routes.patch("/projects/{project_id}/$items/{$item_id}")
        async def update_$item(request: web.Request) -> web.Response:
            obj = await load_$item(request)
            if not await can_write(request, obj.project_id):
                raise web.HTTPForbidden()
            body = await request.json()
            status = body.get("status", obj.status)
            if status not in STATUSES:
                raise web.HTTPBadRequest(reason="unknown status")
            await request.app["db"].execute("UPDATE $items SET status = $1 WHERE id = $2", status, obj.id)
            log.info("$item %s set to %s by %s", obj.id, status, request["user"].id)
            return web.json_response(asdict(obj) | {"status": status})
    ''', items=item + "s", **kw)
    # the three write handlers; one of them tests the project id from the URL
    chk_ok = "if not await can_write(request, obj.project_id):"
    chk_bad = 'if not await can_write(request, int(request.match_info["project_id"])):  #@V'

    def chk(name):
        return chk_bad if name == weak else chk_ok

    mark = {n: ("  #@V" if n == weak else "") for n in ("delete", "assign", "move")}
    delete = _sub('''
        @routes.delete("/projects/{project_id}/$items/{$item_id}")
        async def delete_$item(request: web.Request) -> web.Response:
            obj = await load_$item(request)
            $CHK
                raise web.HTTPForbidden()
            await request.app["db"].execute("DELETE FROM $items WHERE id = $1", obj.id)$M
            log.info("$item %s deleted by %s", obj.id, request["user"].id)
            return web.Response(status=204)
    ''', items=item + "s", CHK=chk("delete"), M=mark["delete"], **kw)
    assign = _sub('''
        @routes.post("/projects/{project_id}/$items/{$item_id}/assignee")
        async def assign_$item(request: web.Request) -> web.Response:
            obj = await load_$item(request)
            $CHK
                raise web.HTTPForbidden()
            assignee = int((await request.json())["user_id"])
            if not await request.app["db"].fetchval(
                    "SELECT 1 FROM project_members WHERE project_id = $1 AND user_id = $2", obj.project_id, assignee):
                raise web.HTTPBadRequest(reason="assignee is not a member of the project")
            await request.app["db"].execute("UPDATE $items SET assignee_id = $1 WHERE id = $2", assignee, obj.id)$M
            return web.json_response(asdict(obj) | {"assignee_id": assignee})
    ''', items=item + "s", CHK=chk("assign"), M=mark["assign"], **kw)
    move = _sub('''
        @routes.post("/projects/{project_id}/$items/{$item_id}/move")
        async def move_$item(request: web.Request) -> web.Response:
            obj = await load_$item(request)
            target = int((await request.json())["target_project_id"])
            $CHK
                raise web.HTTPForbidden()
            if not await can_write(request, target):
                raise web.HTTPForbidden(reason="no write access to the target project")
            await request.app["db"].execute("UPDATE $items SET project_id = $1 WHERE id = $2", target, obj.id)$M
            log.info("$item %s moved from %s to %s", obj.id, obj.project_id, target)
            return web.json_response(asdict(obj) | {"project_id": target})
    ''', items=item + "s", CHK=chk("move"), M=mark["move"], **kw)
    writes = {"delete": delete, "assign": assign, "move": move}
    others = [n for n in writes if n != weak]
    keep = [n for n in others if c.rng.random() < 0.6]
    handlers = _shuffled(c, writes[weak], *[writes[n] for n in keep], _maybe(c, update, 0.7))
    app = '''
        def setup(app: web.Application) -> None:
            app.add_routes(routes)
    '''
    v = _mod(head, dc, access, load, listing, *handlers, app)
    s = _twin(v, (chk_bad, chk_ok))
    return Spec(v=v, s=s, full=True, fw="aiohttp",
                notes=f"the {weak} handler checks write access on the project id taken from the URL, but the "
                      f"{item} is loaded by its own id and may belong to another project; the other handlers "
                      f"check the {item}'s project")

@hardneg(3)
def mod2_aiohttp_wrong_project_hn(c):
    """Same module; the loader selects the item inside the URL's project, so checking that project is right."""
    v = mod2_aiohttp_wrong_project(c).v
    v2 = re.sub(r'(FROM \w+ WHERE id = \$1)",\n(\s+)int\(request\.match_info\["(\w+)"\]\)\)',
                lambda m: m.group(1) + ' AND project_id = $2",\n' + m.group(2)
                + f'int(request.match_info["{m.group(3)}"]), int(request.match_info["project_id"]))', v)
    assert v2 != v
    return Spec(s=_clean(v2), full=True, fw="aiohttp",
                notes="one handler checks the URL's project id, but the loader only finds items of that project")



# ---------------- CWE-639: strawberry GraphQL resolver loads one object by id alone ----------------


@fam("mod2-strawberry-resolver-idor", "CWE-639", fws=["strawberry"], n=6, wrap=False)
def mod2_strawberry_idor(c):
    obj, Obj = c.pick(("order", "Order"), ("booking", "Booking"), ("subscription", "Subscription"),
                      ("quote", "Quote"))
    owner = c.pick("customer_id", "account_id")
    first = c.pick(10, 20, 25)
    cap = c.pick(50, 100)
    kw = dict(obj=obj, Obj=Obj, owner=owner, first=first, cap=cap)
    head = _sub('''
        """GraphQL schema (strawberry) for the customer portal: the signed-in customer's $objs."""
        import logging
        from datetime import datetime
        from typing import Optional

        import strawberry
        from sqlalchemy import select
        from strawberry.types import Info

        from .models import $Obj as $ObjRow, Line as LineRow

        log = logging.getLogger(__name__)

        MAX_PAGE = $cap
    ''', objs=obj + "s", **kw)
    types = _sub('''
        @strawberry.type
        class Line:
            sku: str
            description: str
            quantity: int
            unit_cents: int


        @strawberry.type
        class $Obj:
            id: strawberry.ID
            number: str
            status: str
            total_cents: int
            created_at: datetime

            @strawberry.field
            def lines(self, info: Info) -> list[Line]:
                rows = info.context["session"].scalars(select(LineRow).where(LineRow.$obj_id == int(self.id)))
                return [Line(sku=r.sku, description=r.description, quantity=r.quantity, unit_cents=r.unit_cents)
                        for r in rows]
    ''', **kw)
    helpers = _sub('''
        def _owner_id(info: Info) -> int:
            user = info.context.get("user")
            if user is None:
                raise PermissionError("sign in required")
            return user.$owner


        def _to_gql(row: $ObjRow) -> $Obj:
            return $Obj(
                id=strawberry.ID(str(row.id)),
                number=row.number,
                status=row.status,
                total_cents=row.total_cents,
                created_at=row.created_at,
            )
    ''', **kw)
    query = _sub('''
        @strawberry.type
        class Query:
            @strawberry.field
            def $objs(self, info: Info, first: int = $first, status: Optional[str] = None) -> list[$Obj]:
                stmt = select($ObjRow).where($ObjRow.$owner == _owner_id(info))
                if status:
                    stmt = stmt.where($ObjRow.status == status)
                stmt = stmt.order_by($ObjRow.created_at.desc()).limit(min(max(first, 1), MAX_PAGE))
                return [_to_gql(r) for r in info.context["session"].scalars(stmt)]

            @strawberry.field
            def $obj(self, info: Info, id: strawberry.ID) -> Optional[$Obj]:
                _owner_id(info)
                row = info.context["session"].get($ObjRow, int(id))  #@V
                return _to_gql(row) if row is not None else None
    ''', objs=obj + "s", **kw)
    mutation = _sub('''
        @strawberry.type
        class Mutation:
            @strawberry.mutation
            def cancel_$obj(self, info: Info, id: strawberry.ID, reason: str = "") -> $Obj:
                session = info.context["session"]
                row = session.scalar(select($ObjRow).where($ObjRow.id == int(id), $ObjRow.$owner == _owner_id(info)))
                if row is None:
                    raise ValueError("not found")
                if row.status not in ("pending", "confirmed"):
                    raise ValueError(f"cannot cancel a $obj that is {row.status}")
                row.status = "cancelled"
                row.cancel_reason = reason[:200]
                session.commit()
                log.info("$obj %s cancelled by owner %s", row.id, row.$owner)
                return _to_gql(row)
    ''', **kw)
    totals = _sub('''
        def format_cents(cents: int, currency: str = "EUR") -> str:
            """Human-readable amount for the portal's summaries."""
            return f"{cents / 100:,.2f} {currency}"
    ''', **kw)
    has_mut = c.rng.random() < 0.7
    schema = ("schema = strawberry.Schema(query=Query, mutation=Mutation)" if has_mut
              else "schema = strawberry.Schema(query=Query)")
    v = _mod(head, types, *_shuffled(c, helpers, _maybe(c, totals, 0.5)), query,
             mutation if has_mut else "", schema)
    vline = f'row = info.context["session"].get({Obj}Row, int(id))  #@V'
    sline = (f'row = info.context["session"].scalar(\n'
             f'            select({Obj}Row).where({Obj}Row.id == int(id), {Obj}Row.{owner} == _owner_id(info)))')
    s = _twin(v, ("_owner_id(info)\n        " + vline, sline))
    return Spec(v=v, s=s, full=True, fw="strawberry",
                notes=f"the single-{obj} resolver loads the row by the client-supplied id without the "
                      f"{owner} filter the list resolver and the mutation apply, so any signed-in customer "
                      f"can read another customer's {obj}")

@hardneg(3)
def mod2_strawberry_idor_hn(c):
    """Same schema; the single-object resolver loads by id, then compares the owner before returning."""
    v = mod2_strawberry_idor(c).v
    owner = re.search(r"Row\.(customer_id|account_id) == _owner_id", v).group(1)
    m = re.search(r'        _owner_id\(info\)\n        (row = info\.context\["session"\]\.get\(\w+, int\(id\)\))  #@V\n'
                  r'        return _to_gql\(row\) if row is not None else None', v)
    new = (f"        owner_id = _owner_id(info)\n        {m.group(1)}\n"
           f"        if row is None or row.{owner} != owner_id:\n            return None\n        return _to_gql(row)")
    v = v.replace(m.group(0), new)
    return Spec(s=_clean(v), full=True, fw="strawberry",
                notes="session.get by the client's id, but the row is returned only when it belongs to the caller")



# ---------------- CWE-306: before_request exemption by a prefix that also covers a management route ----------------


@fam("mod2-flask-public-prefix", "CWE-306", fws=["flask"], n=6, wrap=False)
def mod2_flask_prefix(c):
    svc = c.word
    base, inbound = c.pick(("/webhooks", "/webhooks/inbound"), ("/hooks", "/hooks/incoming"),
                           ("/integrations", "/integrations/callback"))
    op = c.pick("rotate", "replay", "register")
    provs = c.pick('("stripe", "github")', '("stripe", "sendgrid", "slack")', '("github", "gitlab")')
    kw = dict(svc=svc, base=base, inbound=inbound, provs=provs)
    head = _sub('''
        """Flask application factory for the $svc service: session authentication for the JSON API,
        signed inbound webhooks from providers, and webhook management for administrators."""
        import hashlib
        import hmac
        import logging
        import os
        import secrets

        from flask import Flask, abort, g, jsonify, request, session

        from .store import Store

        log = logging.getLogger("$svc.app")

        PROVIDERS = $provs
        PUBLIC_ENDPOINTS = {"static", "health", "auth.login"}
        INBOUND_PREFIX = "$inbound/"
        ADMIN_PREFIXES = ("/admin/", "$base/")
    ''', **kw)
    sig = '''
        def _signature_ok(secret: str, body: bytes, header: str | None) -> bool:
            if not header:
                return False
            expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, header.split("=", 1)[-1])
    '''
    vline = f'if request.path.startswith("{base}/"):  #@V'
    sline = "if request.path.startswith(INBOUND_PREFIX):"
    hook = _sub('''
            @app.before_request
            def authenticate():
                if request.endpoint in PUBLIC_ENDPOINTS:
                    return None
                $VLINE
                    return None  # providers sign their calls; the handler checks the signature
                user_id = session.get("user_id")
                if user_id is None:
                    abort(401)
                g.user = store.user(user_id)
                if g.user is None or not g.user.active:
                    session.clear()
                    abort(401)
                if request.path.startswith(ADMIN_PREFIXES) and not g.user.is_admin:
                    abort(403)
    ''', VLINE=vline, **kw)
    health = '''
            @app.get("/health")
            def health():
                return jsonify(status="ok", db=store.ping())
    '''
    me = '''
            @app.get("/api/me")
            def me():
                return jsonify(id=g.user.id, email=g.user.email, admin=g.user.is_admin)
    '''
    inbound_h = _sub('''
            @app.post("$inbound/<provider>")
            def inbound(provider: str):
                if provider not in PROVIDERS:
                    abort(404)
                if not _signature_ok(store.webhook_secret(provider), request.get_data(),
                                     request.headers.get("X-Signature")):
                    log.warning("bad signature from %s (%s)", provider, request.remote_addr)
                    abort(401)
                store.enqueue_event(provider, request.get_json(force=True))
                return "", 202
    ''', **kw)
    ops = {
        "rotate": _sub('''
            @app.post("$base/secrets/<provider>/rotate")
            def rotate_secret(provider: str):  #@V
                if provider not in PROVIDERS:
                    abort(404)
                new_secret = secrets.token_hex(32)
                store.set_webhook_secret(provider, new_secret)  #@V
                log.info("webhook secret for %s rotated from %s", provider, request.remote_addr)
                return jsonify(provider=provider, secret=new_secret)
        ''', **kw),
        "replay": _sub('''
            @app.post("$base/deliveries/replay")
            def replay_failed():  #@V
                since = request.args.get("since", "24h")
                count = store.replay_failed_deliveries(since=since)  #@V
                log.info("replayed %d failed deliveries (since %s) from %s", count, since, request.remote_addr)
                return jsonify(replayed=count)
        ''', **kw),
        "register": _sub('''
            @app.post("$base/endpoints")
            def register_endpoint():  #@V
                data = request.get_json(force=True)
                url = str(data.get("url", ""))
                if not url.startswith("https://"):
                    abort(400, description="endpoint must use https")
                endpoint_id = store.add_endpoint(url=url, events=list(data.get("events", ["*"])))  #@V
                log.info("webhook endpoint %s registered from %s", endpoint_id, request.remote_addr)
                return jsonify(id=endpoint_id), 201
        ''', **kw),
    }
    listing = _sub('''
            @app.get("/api/events")
            def recent_events():
                limit = min(int(request.args.get("limit", 50)), 200)
                return jsonify(events=store.recent_events(limit=limit))
    ''', **kw)
    factory_head = '''
        def create_app() -> Flask:
            app = Flask(__name__)
            app.config.update(SECRET_KEY=os.environ["FLASK_SECRET_KEY"], SESSION_COOKIE_SECURE=True,
                              SESSION_COOKIE_SAMESITE="Lax")
            store = Store(os.environ["DATABASE_URL"])
    '''
    blocks = [hook, *_shuffled(c, inbound_h, ops[op], _maybe(c, me, 0.6), _maybe(c, listing, 0.5)), health]
    body = "\n\n".join("\n".join(("    " + l) if l.strip() else "" for l in dedent(b).rstrip().split("\n")) for b in blocks)
    factory = dedent(factory_head).rstrip() + "\n\n" + body + "\n\n    return app"
    v = _mod(head, sig, factory)
    s = _twin(v, (vline, sline))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the authentication hook lets every path under {base}/ through without a session so that "
                      f"providers can call {inbound}/, but the {op} management route lives under the same prefix "
                      f"and runs unauthenticated; the fix exempts only the inbound prefix")

@hardneg(3)
def mod2_flask_prefix_hn(c):
    """Same app; the broad exemption stays, but the management route lives under /admin/, not under it."""
    v = mod2_flask_prefix(c).v
    v2 = re.sub(r'@app\.(post|get)\("(/webhooks|/hooks|/integrations)/(secrets|deliveries|endpoints)',
                r'@app.\1("/admin\2/\3', v)
    assert v2 != v
    return Spec(s=_clean(v2), full=True, fw="flask",
                notes="only the signed inbound routes sit under the exempted prefix; management routes are under "
                      "/admin/ and need an admin session")



# ---------------- CWE-287: password reset accepts a valid token issued for another account ----------------


@fam("mod2-django-reset-token-user", "CWE-287", fws=["django"], n=6, wrap=False)
def mod2_reset_token_user(c):
    site = c.word
    ttl = c.pick(15, 30, 60)
    ident = c.pick("email", "username")
    lookup = "email__iexact" if ident == "email" else "username__iexact"
    minlen = c.pick(10, 12)
    kw = dict(site=site, ttl=ttl, ident=ident, lookup=lookup, minlen=minlen)
    head = _sub('''
        """Password reset for the $site portal: request a one-time link by $ident, then set a new password."""
        import hashlib
        import logging
        import secrets
        from datetime import timedelta

        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError
        from django.core.mail import send_mail
        from django.db import transaction
        from django.http import HttpRequest, JsonResponse
        from django.utils import timezone
        from django.views.decorators.http import require_POST

        from .models import ResetToken

        log = logging.getLogger("$site.auth.reset")
        User = get_user_model()

        TOKEN_TTL = timedelta(minutes=$ttl)
        MIN_LENGTH = $minlen
    ''', **kw)
    digest = '''
        def _digest(raw: str) -> str:
            """Only a hash of the token is stored, so a leaked table does not leak live links."""
            return hashlib.sha256(raw.encode()).hexdigest()
    '''
    find = _sub('''
        def _find_account(value: str):
            return User.objects.filter($lookup=value.strip(), is_active=True).first()
    ''', **kw)
    throttle = '''
        def _too_many_requests(user) -> bool:
            recent = ResetToken.objects.filter(user=user, created_at__gte=timezone.now() - timedelta(hours=1))
            return recent.count() >= 3
    '''
    request_v = _sub('''
        @require_POST
        def request_reset(request: HttpRequest) -> JsonResponse:
            user = _find_account(request.POST.get("$ident", ""))
            if user is not None $THROTTLE:
                raw = secrets.token_urlsafe(32)
                ResetToken.objects.create(user=user, digest=_digest(raw), expires_at=timezone.now() + TOKEN_TTL)
                link = f"{settings.SITE_URL}/reset?token={raw}"
                send_mail("Reset your password", f"Open {link} within $ttl minutes.",
                          settings.DEFAULT_FROM_EMAIL, [user.email])
                log.info("reset link sent to user %s", user.pk)
            # same answer whether or not the account exists
            return JsonResponse({"status": "if the account exists, a link is on its way"})
    ''', **kw)
    use_throttle = c.rng.random() < 0.6
    request_v = request_v.replace(" $THROTTLE", " and not _too_many_requests(user)" if use_throttle else "")
    vcheck = "if user is None or reset is None or reset.expires_at < timezone.now():  #@V"
    scheck = ("if user is None or reset is None or reset.expires_at < timezone.now() "
              "or reset.user_id != user.pk:")
    confirm = _sub('''
        @require_POST
        def confirm_reset(request: HttpRequest) -> JsonResponse:
            user = _find_account(request.POST.get("$ident", ""))
            reset = ResetToken.objects.filter(digest=_digest(request.POST.get("token", "")), used_at__isnull=True).first()
            $VCHECK
                log.info("rejected reset attempt from %s", request.META.get("REMOTE_ADDR"))
                return JsonResponse({"error": "the link is invalid or has expired"}, status=400)
            new_password = request.POST.get("new_password", "")
            if len(new_password) < MIN_LENGTH:
                return JsonResponse({"error": f"use at least {MIN_LENGTH} characters"}, status=400)
            try:
                validate_password(new_password, user)
            except ValidationError as exc:
                return JsonResponse({"error": list(exc.messages)}, status=400)
            with transaction.atomic():
                user.set_password(new_password)  #@V
                user.save(update_fields=["password"])
                ResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
                reset.used_at = timezone.now()
                reset.save(update_fields=["used_at"])
            log.info("password reset completed for user %s", user.pk)
            return JsonResponse({"status": "password changed"})
    ''', VCHECK=vcheck, **kw)
    purge = '''
        def purge_expired_tokens() -> int:
            """Called from the nightly maintenance job."""
            deleted, _ = ResetToken.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
            log.info("purged %d expired reset tokens", deleted)
            return deleted
    '''
    check = '''
        def check_token(request: HttpRequest) -> JsonResponse:
            """GET by the reset page before it shows the form: is the link still usable?"""
            reset = ResetToken.objects.filter(digest=_digest(request.GET.get("token", "")), used_at__isnull=True).first()
            valid = reset is not None and reset.expires_at >= timezone.now()
            minutes = int((reset.expires_at - timezone.now()).total_seconds() // 60) if valid else 0
            return JsonResponse({"valid": valid, "minutes_left": minutes})
    '''
    v = _mod(head, *_shuffled(c, digest, find, throttle if use_throttle else ""), request_v,
             _maybe(c, check, 0.7), confirm, _maybe(c, purge, 0.6))
    s = _twin(v, (vcheck, scheck))
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"confirm_reset accepts any unexpired token and resets the password of the account named by "
                      f"the {ident} field, without checking that the token was issued for that account: a reset "
                      f"link requested for one's own account resets anyone's password")

@hardneg(3)
def mod2_reset_token_user_hn(c):
    """Same flow; the account to reset is taken from the token itself, not from a form field."""
    v = mod2_reset_token_user(c).v
    head, tail = v.split("def confirm_reset", 1)
    tail = re.sub(r"    user = _find_account\(request\.POST\.get\(\"\w+\", \"\"\)\)\n", "", tail, count=1)
    tail = tail.replace("if user is None or reset is None or reset.expires_at < timezone.now():  #@V",
                        "if reset is None or reset.expires_at < timezone.now() or not reset.user.is_active:")
    tail = tail.replace('status=400)\n    new_password = ', 'status=400)\n    user = reset.user\n    new_password = ', 1)
    v = head + "def confirm_reset" + tail
    assert "user = reset.user" in v
    return Spec(s=_clean(v), full=True, fw="django",
                notes="the password is set on the account the token was issued for (reset.user)")



# ---------------- CWE-269: Django admin action validates the submitted role against every role ----------------


@fam("mod2-django-admin-role-action", "CWE-269", fws=["django"], n=6, wrap=False)
def mod2_admin_role_action(c):
    org = c.word
    roles = c.pick(
        '{"support": "Support agents", "editor": "Editors", "billing": "Billing", "admin": "Administrators"}',
        '{"viewer": "Viewers", "analyst": "Analysts", "manager": "Managers", "admin": "Administrators"}',
        '{"agent": "Agents", "supervisor": "Supervisors", "auditor": "Auditors", "admin": "Administrators"}')
    has_csv = c.rng.random() < 0.7
    has_deact = c.rng.random() < 0.7
    what = ", ".join(["list filters"] + (["CSV export"] if has_csv else []) + (["deactivation"] if has_deact else []))
    kw = dict(org=org, roles=roles, WHAT=what, CSV="import csv" if has_csv else "",
              HTTP="from django.http import HttpResponse" if has_csv else "")
    head = _sub('''
        """Django admin for $org staff accounts: $WHAT, and an "assign role" bulk action with an
        intermediate page to pick the role."""
        $CSV
        import logging

        from django import forms
        from django.contrib import admin, messages
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        $HTTP
        from django.shortcuts import render

        log = logging.getLogger("$org.admin")
        User = get_user_model()

        ROLE_GROUPS = $roles
        # roles that make the account a superuser; only superusers may hand them out
        ELEVATED = {"admin"}
    ''', **kw)
    grantable = '''
        def grantable_roles(request) -> list[tuple[str, str]]:
            if request.user.is_superuser:
                return list(ROLE_GROUPS.items())
            return [(key, label) for key, label in ROLE_GROUPS.items() if key not in ELEVATED]
    '''
    form = '''
        class AssignRoleForm(forms.Form):
            _selected_action = forms.CharField(widget=forms.MultipleHiddenInput)
            role = forms.ChoiceField()

            def __init__(self, *args, roles, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["role"].choices = roles
    '''
    apply = '''
        def apply_role(queryset, role: str) -> int:
            group = Group.objects.get(name=ROLE_GROUPS[role])
            count = 0
            for account in queryset:
                account.groups.add(group)
                if role in ELEVATED:
                    account.is_staff = True
                    account.is_superuser = True
                    account.save(update_fields=["is_staff", "is_superuser"])
                count += 1
            return count
    '''
    vform = "form = AssignRoleForm(request.POST, roles=list(ROLE_GROUPS.items()))  #@V"
    sform = "form = AssignRoleForm(request.POST, roles=grantable_roles(request))"
    extra_actions = []
    if has_csv:
        extra_actions.append(('export_csv', '''
            @admin.action(description="Export selected accounts as CSV")
            def export_csv(self, request, queryset):
                response = HttpResponse(content_type="text/csv")
                response["Content-Disposition"] = 'attachment; filename="accounts.csv"'
                writer = csv.writer(response)
                writer.writerow(["username", "email", "active", "last_login"])
                for account in queryset.order_by("username"):
                    writer.writerow([account.username, account.email, account.is_active, account.last_login])
                return response
        '''))
    if has_deact:
        extra_actions.append(('deactivate', '''
            @admin.action(description="Deactivate selected accounts", permissions=["change"])
            def deactivate(self, request, queryset):
                updated = queryset.exclude(pk=request.user.pk).update(is_active=False)
                log.info("%s deactivated %d accounts", request.user.username, updated)
                self.message_user(request, f"{updated} accounts deactivated.", messages.SUCCESS)
        '''))
    c.rng.shuffle(extra_actions)
    names = ["assign_role"] + [n for n, _ in extra_actions]
    filt = c.pick('("is_active", "is_staff", "groups")', '("is_active", "groups", "date_joined")')
    # group, staff and superuser flags are changed through assign_role only, never in the change form
    fields = c.pick('fields = ("username", "email", "first_name", "last_name", "is_active")',
                    'fields = ("username", "email", "first_name", "last_name", "is_active", "last_login")\n'
                    'readonly_fields = ("last_login",)',
                    'exclude = ("password", "is_staff", "is_superuser", "groups", "user_permissions")')
    cls = _sub('''
        admin.site.unregister(User)


        @admin.register(User)
        class AccountAdmin(admin.ModelAdmin):
            list_display = ("username", "email", "is_active", "is_staff", "last_login")
            list_filter = $filt
            search_fields = ("username", "email")
            ordering = ("username",)
            $FIELDS
            actions = $ACTIONS

            @admin.action(description="Assign a role to the selected accounts", permissions=["change"])
            def assign_role(self, request, queryset):
                if "apply" in request.POST:
                    $VFORM
                    if form.is_valid():
                        role = form.cleaned_data["role"]
                        count = apply_role(queryset, role)  #@V
                        log.info("%s assigned role %s to %d accounts", request.user.username, role, count)
                        self.message_user(request, f"Role {ROLE_GROUPS[role]} assigned to {count} accounts.",
                                          messages.SUCCESS)
                        return None
                else:
                    selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
                    form = AssignRoleForm(initial={"_selected_action": selected}, roles=grantable_roles(request))
                return render(request, "admin/accounts/assign_role.html",
                              {"form": form, "accounts": queryset, "title": "Assign role"})
    ''', filt=filt, FIELDS=fields, ACTIONS="[" + ", ".join(f'"{n}"' for n in names) + "]", VFORM=vform, **kw)
    body = cls + "".join("\n" + "\n".join(("    " + l) if l.strip() else "" for l in dedent(b).rstrip().split("\n"))
                         for _, b in extra_actions)
    v = _mod(head, *_shuffled(c, grantable, form, apply), body)
    s = _twin(v, (vform, sform))
    return Spec(v=v, s=s, full=True, fw="django",
                notes="the role picker only offers grantable roles, but the submitted form is validated against "
                      "every role, so a staff user with change permission can post role=admin and make accounts "
                      "(their own included) superusers")

@hardneg(3)
def mod2_admin_role_action_hn(c):
    """Same admin; the form accepts every role, and the action refuses elevated roles to non-superusers."""
    v = mod2_admin_role_action(c).v
    old = '                role = form.cleaned_data["role"]\n'
    assert old in v
    v = v.replace(old, old + '                if role in ELEVATED and not request.user.is_superuser:\n'
                             '                    self.message_user(request, "Only superusers can grant that role.", '
                             'messages.ERROR)\n'
                             '                    return None\n')
    return Spec(s=_clean(v), full=True, fw="django",
                notes="the submitted role is checked against the requester before it is applied")



# ---------------- CWE-639: nested resource checks the parent's owner, loads the child by id alone ----------------


@fam("mod2-flask-nested-attachment-idor", "CWE-639", fws=["flask"], n=6, wrap=False)
def mod2_nested_attachment(c):
    par, Par = c.pick(("note", "Note"), ("ticket", "Ticket"), ("claim", "Claim"), ("case", "Case"))
    child, Child = c.pick(("attachment", "Attachment"), ("file", "StoredFile"), ("document", "Document"))
    owner = c.pick("owner_id", "user_id", "created_by_id")
    maxmb = c.pick(10, 20, 25)
    weak = c.pick("download", "delete")
    kw = dict(par=par, Par=Par, child=child, Child=Child, owner=owner, maxmb=maxmb)
    head = _sub('''
        """Flask blueprint for the $childs of a $par: list, upload, download and delete. A $par belongs to
        one user; its $childs are reachable through it only."""
        import logging
        import mimetypes
        import uuid

        from flask import Blueprint, abort, g, jsonify, request, send_file
        from werkzeug.utils import secure_filename

        from .auth import login_required
        from .models import $Child, $Par, db
        from .storage import blob_store

        log = logging.getLogger(__name__)
        bp = Blueprint("$par_$childs", __name__, url_prefix="/$pars/<int:$par_id>/$childs")

        MAX_BYTES = $maxmb * 1024 * 1024
    ''', childs=child + "s", pars=par + "s", **kw)
    owned = _sub('''
        def _owned_$par($par_id: int) -> $Par:
            parent = db.session.get($Par, $par_id)
            if parent is None or parent.$owner != g.user.id:
                abort(404)
            return parent
    ''', **kw)
    out = _sub('''
        def _out(item: $Child) -> dict:
            return {"id": item.id, "name": item.filename, "size": item.size,
                    "content_type": item.content_type, "uploaded_at": item.created_at.isoformat()}
    ''', **kw)
    listing = _sub('''
        @bp.get("")
        @login_required
        def list_$childs($par_id: int):
            parent = _owned_$par($par_id)
            items = $Child.query.filter_by($par_id=parent.id).order_by($Child.created_at.desc()).all()
            return jsonify([_out(i) for i in items])
    ''', childs=child + "s", **kw)
    upload = _sub('''
        @bp.post("")
        @login_required
        def upload_$child($par_id: int):
            parent = _owned_$par($par_id)
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                abort(400, description="no file")
            data = upload.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                abort(413)
            name = secure_filename(upload.filename) or "upload.bin"
            key = f"$childs/{uuid.uuid4().hex}"
            blob_store.put(key, data)
            item = $Child($par_id=parent.id, filename=name, size=len(data), storage_key=key,
                          content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
            db.session.add(item)
            db.session.commit()
            log.info("$child %s uploaded to $par %s", item.id, parent.id)
            return jsonify(_out(item)), 201
    ''', childs=child + "s", **kw)
    vget = f"item = db.session.get({Child}, {child}_id)  #@V"
    sget = f"item = {Child}.query.filter_by(id={child}_id, {par}_id=parent.id).first()"
    good_get = sget
    download = _sub('''
        @bp.get("/<int:$child_id>")
        @login_required
        def download_$child($par_id: int, $child_id: int):
            parent = _owned_$par($par_id)
            $GET
            if item is None:
                abort(404)
            stream = blob_store.open(item.storage_key)$M
            return send_file(stream, mimetype=item.content_type, as_attachment=True,
                             download_name=item.filename)
    ''', GET=vget if weak == "download" else good_get, M="  #@V" if weak == "download" else "", **kw)
    delete = _sub('''
        @bp.delete("/<int:$child_id>")
        @login_required
        def delete_$child($par_id: int, $child_id: int):
            parent = _owned_$par($par_id)
            $GET
            if item is None:
                abort(404)
            blob_store.delete(item.storage_key)$M
            db.session.delete(item)$M
            db.session.commit()
            log.info("$child %s of $par %s deleted by %s", item.id, parent.id, g.user.id)
            return "", 204
    ''', GET=vget if weak == "delete" else good_get, M="  #@V" if weak == "delete" else "", **kw)
    quota = _sub('''
        def usage_bytes(user_id: int) -> int:
            """Total size of a user's $childs, shown on the account page."""
            total = (db.session.query(db.func.coalesce(db.func.sum($Child.size), 0))
                     .join($Par, $Par.id == $Child.$par_id).filter($Par.$owner == user_id).scalar())
            return int(total)
    ''', childs=child + "s", **kw)
    v = _mod(head, *_shuffled(c, owned, out, _maybe(c, quota, 0.5)),
             *_shuffled(c, listing, _maybe(c, upload, 0.85), download, delete))
    s = _twin(v, (vget, sget))
    return Spec(v=v, s=s, full=True, fw="flask",
                notes=f"the {weak} route checks that the {par} in the URL belongs to the user, then loads the "
                      f"{child} by its own id without requiring it to belong to that {par}: any {child} id can "
                      f"be reached through one's own {par}")


@hardneg(3)
def mod2_nested_attachment_hn(c):
    """Same blueprint; the child is loaded by id, then its parent id is compared with the owned parent."""
    v = mod2_nested_attachment(c).v
    m = re.search(r"(item = db\.session\.get\(\w+, \w+_id\))  #@V\n    if item is None:", v)
    par = re.search(r"parent = _owned_(\w+)\(", v).group(1)
    v = v.replace(m.group(0), m.group(1) + f"\n    if item is None or item.{par}_id != parent.id:")
    return Spec(s=_clean(v), full=True, fw="flask",
                notes="get by id, but a child of another parent is answered with 404")


# ---------------- CWE-862: Django class-based view with LoginRequiredMixin but no PermissionRequiredMixin ----------------


@fam("mod2-django-cbv-permission-mixin", "CWE-862", fws=["django"], n=6, wrap=False)
def mod2_django_cbv(c):
    app = c.pick("catalog", "purchasing", "inventory", "pricing")
    mdl, Mdl = c.pick(("supplier", "Supplier"), ("product", "Product"), ("coupon", "Coupon"),
                      ("price_list", "PriceList"))
    weak = c.pick("delete", "archive")
    page = c.pick(20, 25, 50)
    flds = c.pick('("name", "code", "active")', '("name", "code", "notes", "active")')
    kw = dict(app=app, mdl=mdl, Mdl=Mdl, page=page, flds=flds)
    head = _sub('''
        """Back-office views for $mdl records ($app app): list, create, edit, delete and bulk archive.
        Staff see the pages; each change needs the matching model permission."""
        import csv
        import logging

        from django.contrib import messages
        from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
        from django.db.models import Q
        from django.http import HttpResponse, HttpResponseRedirect
        from django.urls import reverse_lazy
        from django.utils import timezone
        from django.views import View
        from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

        from .models import $Mdl

        log = logging.getLogger("$app.views")
    ''', **kw)
    lst = _sub('''
        class $MdlListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
            permission_required = "$app.view_$mdl"
            model = $Mdl
            paginate_by = $page
            template_name = "$app/$mdl_list.html"

            def get_queryset(self):
                qs = $Mdl.objects.filter(archived_at__isnull=True).order_by("name")
                term = self.request.GET.get("q", "").strip()
                if term:
                    qs = qs.filter(Q(name__icontains=term) | Q(code__iexact=term))
                return qs
    ''', **kw)
    create = _sub('''
        class $MdlCreateView(LoginRequiredMixin, PermissionRequiredMixin, CreateView):
            permission_required = "$app.add_$mdl"
            model = $Mdl
            fields = $flds
            success_url = reverse_lazy("$app:$mdl-list")

            def form_valid(self, form):
                form.instance.created_by = self.request.user
                log.info("%s created by %s", form.instance.code, self.request.user.pk)
                return super().form_valid(form)
    ''', **kw)
    update = _sub('''
        class $MdlUpdateView(LoginRequiredMixin, PermissionRequiredMixin, UpdateView):
            permission_required = "$app.change_$mdl"
            model = $Mdl
            fields = $flds
            success_url = reverse_lazy("$app:$mdl-list")
    ''', **kw)
    if weak == "delete":
        delete = _sub('''
            class $MdlDeleteView(LoginRequiredMixin, DeleteView):  #@V
                model = $Mdl
                success_url = reverse_lazy("$app:$mdl-list")

                def form_valid(self, form):  #@V
                    log.warning("$mdl %s deleted by %s", self.object.pk, self.request.user.pk)
                    messages.success(self.request, f"{self.object} deleted.")
                    return super().form_valid(form)  #@V
        ''', **kw)
        vfix = f"class {Mdl}DeleteView(LoginRequiredMixin, DeleteView):  #@V\n"
        sfix = (f"class {Mdl}DeleteView(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):\n"
                f'    permission_required = "{app}.delete_{mdl}"\n')
    else:
        delete = _sub('''
            class $MdlDeleteView(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):
                permission_required = "$app.delete_$mdl"
                model = $Mdl
                success_url = reverse_lazy("$app:$mdl-list")
        ''', **kw)
    if weak == "archive":
        archive = _sub('''
            class $MdlBulkArchiveView(LoginRequiredMixin, View):  #@V
                """POST a list of ids from the list page's checkboxes."""

                def post(self, request):  #@V
                    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:500]
                    count = $Mdl.objects.filter(pk__in=ids, archived_at__isnull=True).update(archived_at=timezone.now())  #@V
                    log.info("%d $mdl records archived by %s", count, request.user.pk)
                    messages.success(request, f"{count} archived.")
                    return HttpResponseRedirect(reverse_lazy("$app:$mdl-list"))
        ''', **kw)
        vfix = f"class {Mdl}BulkArchiveView(LoginRequiredMixin, View):  #@V\n"
        sfix = (f"class {Mdl}BulkArchiveView(LoginRequiredMixin, PermissionRequiredMixin, View):\n"
                f'    permission_required = "{app}.change_{mdl}"\n')
    else:
        archive = _sub('''
            class $MdlBulkArchiveView(LoginRequiredMixin, PermissionRequiredMixin, View):
                permission_required = "$app.change_$mdl"

                def post(self, request):
                    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:500]
                    count = $Mdl.objects.filter(pk__in=ids, archived_at__isnull=True).update(archived_at=timezone.now())
                    log.info("%d $mdl records archived by %s", count, request.user.pk)
                    messages.success(request, f"{count} archived.")
                    return HttpResponseRedirect(reverse_lazy("$app:$mdl-list"))
        ''', **kw)
    detail = _sub('''
        class $MdlDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
            permission_required = "$app.view_$mdl"
            model = $Mdl
            template_name = "$app/$mdl_detail.html"

            def get_context_data(self, **kwargs):
                ctx = super().get_context_data(**kwargs)
                ctx["history"] = self.object.history.order_by("-changed_at")[:20]
                return ctx
    ''', **kw)
    export = _sub('''
        class $MdlExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
            permission_required = "$app.view_$mdl"

            def get(self, request):
                response = HttpResponse(content_type="text/csv")
                response["Content-Disposition"] = 'attachment; filename="$mdls.csv"'
                writer = csv.writer(response)
                writer.writerow(["code", "name", "active"])
                for row in $Mdl.objects.filter(archived_at__isnull=True).order_by("code"):
                    writer.writerow([row.code, row.name, row.active])
                return response
    ''', mdls=mdl + "s", **kw)
    has_detail, has_export = c.rng.random() < 0.6, c.rng.random() < 0.7
    v = _mod(head, lst, *_shuffled(c, create, update, detail if has_detail else "", export if has_export else ""),
             *_shuffled(c, delete, archive))
    if not has_export:
        v = v.replace("import csv\n", "").replace("HttpResponse, HttpResponseRedirect", "HttpResponseRedirect")
    if not has_detail:
        v = v.replace("CreateView, DeleteView, DetailView,", "CreateView, DeleteView,")
    s = _twin(v, (vfix, sfix))
    what = "delete view" if weak == "delete" else "bulk archive view"
    return Spec(v=v, s=s, full=True, fw="django",
                notes=f"the {what} only requires a login, while the list, create and edit views require the "
                      f"model permission; any logged-in account can {weak} {mdl} records")


@hardneg(3)
def mod2_django_cbv_hn(c):
    """Same views; the odd one out checks the permission with UserPassesTestMixin instead of the mixin pair."""
    v = mod2_django_cbv(c).v
    lines = v.split("\n")
    i = next(k for k, l in enumerate(lines) if l.startswith("class ") and l.endswith("#@V"))
    m = re.match(r"class (\w+?)(DeleteView|BulkArchiveView)\(LoginRequiredMixin, (\w+)\):  #@V", lines[i])
    perm_app = re.search(r'permission_required = "(\w+)\.view_(\w+)"', v)
    perm = f'{perm_app.group(1)}.{"delete" if m.group(2) == "DeleteView" else "change"}_{perm_app.group(2)}'
    lines[i] = f"class {m.group(1)}{m.group(2)}(LoginRequiredMixin, UserPassesTestMixin, {m.group(3)}):"
    at = i + 2 if lines[i + 1].strip().startswith('"""') else i + 1
    method = ["    def test_func(self) -> bool:", f'        return self.request.user.has_perm("{perm}")', ""]
    if at == i + 2:
        method = [""] + method[:-1]
    lines[at:at] = method
    v = "\n".join(lines).replace("LoginRequiredMixin, PermissionRequiredMixin\n",
                                 "LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin\n", 1)
    return Spec(s=_clean(v), full=True, fw="django",
                notes="the view without PermissionRequiredMixin checks the same model permission in test_func")
