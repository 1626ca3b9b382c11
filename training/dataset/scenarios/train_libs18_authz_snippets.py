"""Train-only snippet families on access control in realtime, RPC and GraphQL code, each in a code shape
and application no other family uses:

- authz-grpc-servicer-rpc-role-unchecked (862): a gRPC servicer (grpc or grpc.aio) that authenticates the
  caller (bearer metadata or the mTLS peer name) in every RPC, but whose destructive RPC (purge, quota
  reset, key revocation) never checks the caller's role;
- idor-channels-consumer-client-thread-id (639): a Django Channels consumer (sync or async) that loads
  the thread / ticket / order named by the client (message or URL route) with no filter on the user,
  then joins its group and sends its history;
- noauth-ws-endpoint-missing-auth-guard (306): a Starlette or aiohttp service whose HTTP endpoints are
  guarded (`@requires("authenticated")`, a token decorator) while its WebSocket endpoint is not;
- authz-graphql-check-argument-not-target (863): a strawberry permission class or a graphene mutation
  that checks membership of the project named by an argument instead of the project the target object
  belongs to;
- authn-graphql-context-trusts-user-header (287): a strawberry context builder (FastAPI context_getter,
  aiohttp GraphQLView.get_context) that takes the user from an `X-User-*` request header;
- priv-channels-consumer-client-role (269): a Channels consumer that takes the session role (presenter,
  host, editor, agent) from the query string or the join message instead of the stored seat.

Written without reading the held-out families; every family here goes to train."""
import re

from core import Spec
from module_kit import _clean, _twin, _w, sub
from registry import fam, hardneg


# ---------------- CWE-862: gRPC servicer, destructive RPC without a role check ----------------

_GRPC_ACTIONS = [
    # (rpc name, request fields use, action line, response)
    ("Purge$Wcs", "removed = self.store.delete_older_than(days=request.older_than_days)", "removed=removed"),
    ("ResetQuota", "self.store.update_quota(request.account_id, limit=request.limit)", "ok=True"),
    ("RevokeApiKeys", "revoked = self.keys.delete_for_account(request.account_id)", "revoked=revoked"),
    ("Reassign$Wcs", "moved = self.store.update_owner(request.from_account, request.to_account)", "moved=moved"),
]


def _grpc_servicer(c, safe, hn=False):
    w, Wc = _w(c)
    aio = c.pick(True, False)
    ident = c.pick("token", "mtls")
    rpc, action, reply = c.pick(*_GRPC_ACTIONS)
    rpc = rpc.replace("$Wc", Wc)
    role = c.pick("admin", "ops", "support-lead")
    helper_check = c.pick(True, False)
    aw = "await " if aio else ""
    adef = "async def" if aio else "def"
    imps = ["import grpc"]
    if ident == "token":
        imps.append(f"from .auth import verify_token")
        caller = sub("""
            $adef _caller(self, context):
                md = dict(context.invocation_metadata())
                principal = verify_token(md.get("authorization", "").removeprefix("Bearer "))
                if principal is None:
                    $awcontext.abort(grpc.StatusCode.UNAUTHENTICATED, "invalid or missing token")
                return principal
        """, adef=adef, aw=aw)
    else:
        imps.append("from .directory import service_accounts")
        caller = sub("""
            $adef _caller(self, context):
                names = context.auth_context().get("x509_common_name", [])
                principal = service_accounts.get(names[0].decode()) if names else None
                if principal is None:
                    $awcontext.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown client certificate")
                return principal
        """, adef=adef, aw=aw)
    require = sub("""
        $adef _require(self, context, principal, role):
            if role not in principal.roles:
                $awcontext.abort(grpc.StatusCode.PERMISSION_DENIED, f"{role} role required")
    """, adef=adef, aw=aw) if helper_check else ""
    if helper_check:
        guard = f'{aw}self._require(context, caller, "{role}")'
    else:
        guard = (f'if "{role}" not in caller.roles:\n'
                 f'    {aw}context.abort(grpc.StatusCode.PERMISSION_DENIED, "{role} role required")')
    check = ("\n" + "\n".join("        " + l for l in guard.split("\n"))) if safe else ""
    mark = "" if safe else "  #@V"
    read = c.pick(True, False)
    read_rpc = sub("""
        $adef List$Wcs(self, request, context):
            caller = $awself._caller(context)
            items = self.store.list_for(caller.account_id, limit=request.page_size or 50)
            return $w_pb2.List$WcsResponse(items=[i.to_proto() for i in items])
    """, adef=adef, aw=aw, w=w, Wc=Wc) if read else ""
    body = sub("""
        import logging

        import grpc

        $imps
        from .gen import $w_pb2, $w_pb2_grpc

        log = logging.getLogger(__name__)


        class $WcAdminServicer($w_pb2_grpc.$WcAdminServicer):
            def __init__(self, store, keys):
                self.store = store
                self.keys = keys

        $caller
        $require
        $read
            $adef $rpc(self, request, context):$mark
                caller = $awself._caller(context)$check
                $action$mark
                log.info("%s by %s", "$rpc", caller.name)
                return $w_pb2.$rpcResponse($reply)
    """, imps=imps[1], w=w, Wc=Wc, adef=adef, aw=aw, rpc=rpc, action=action,
                reply=reply, mark=mark, check=check,
                caller=_indent(caller), require=_indent(require), read=_indent(read_rpc))
    return _tidy(body)


def _indent(block):
    if not block.strip():
        return ""
    return "\n".join(("    " + l) if l.strip() else "" for l in block.rstrip("\n").split("\n")) + "\n"


def _tidy(code):
    """Collapse the runs of blank lines that empty optional blocks leave behind inside a class."""
    lines, out, blank = code.split("\n"), [], 0
    for l in lines:
        blank = blank + 1 if not l.strip() else 0
        if blank <= 2:
            out.append(l)
    code = "\n".join(out)
    # methods inside the class are separated by one blank line
    code = re.sub(r"\n\n\n(    (?:async )?def )", r"\n\n\1", code)
    return code.strip("\n") + "\n"


@fam("authz-grpc-servicer-rpc-role-unchecked", "CWE-862", fws=["grpc"], n=8, wrap=False)
def authz_grpc_role(c):
    st = c.snapshot()
    v = _grpc_servicer(c, False)
    c.restore(st)
    s = _grpc_servicer(c, True)
    return Spec(v=v, s=s, full=True, fw="script",
                notes="fw=grpc; the servicer authenticates the caller in every RPC, but the destructive RPC never "
                      "checks the caller's role, so any valid client can run it; the fix aborts with "
                      "PERMISSION_DENIED unless the caller holds the operator role")


@hardneg(3)
def authz_grpc_role_hn(c):
    return Spec(s=_grpc_servicer(c, True), full=True, fw="script",
                notes="fw=grpc; the destructive RPC checks the caller's role before acting")


# ---------------- CWE-639: Channels consumer loads the client-named object ----------------

_CH_OBJ = [
    # (model, scope filter, group prefix, id key)
    ("Thread", "participants=user", "thread", "thread_id"),
    ("Ticket", "requester=user", "ticket", "ticket_id"),
    ("Order", "customer=user", "order", "order_id"),
    ("Board", "members=user", "board", "board_id"),
]


def _channels_idor(c, safe):
    model, scope, grp, key = c.pick(*_CH_OBJ)
    sync = c.pick(True, False)
    from_route = c.pick(True, False)
    limit = c.pick(20, 50, 100)
    flt = f"pk={key}, {scope}" if safe else f"pk={key}"
    mark = "" if safe else "  #@V"
    if sync:
        head = sub("""
            from asgiref.sync import async_to_sync
            from channels.generic.websocket import JsonWebsocketConsumer

            from .models import $model


            class $modelConsumer(JsonWebsocketConsumer):
        """, model=model)
        if from_route:
            body = sub("""
                def connect(self):
                    user = self.scope["user"]
                    if not user.is_authenticated:
                        self.close(code=4401)
                        return
                    $key = int(self.scope["url_route"]["kwargs"]["$key"])
                    try:
                        obj = $model.objects.get($flt)$mark
                    except $model.DoesNotExist:
                        self.close(code=4404)
                        return
                    self.group = f"$grp-{obj.pk}"
                    async_to_sync(self.channel_layer.group_add)(self.group, self.channel_name)
                    self.accept()
                    self.send_json({"$grp": obj.pk, "events": list(obj.events.values("kind", "created")[:$limit])})

                def $grp_event(self, event):
                    self.send_json(event["payload"])
            """, key=key, model=model, flt=flt, mark=mark, grp=grp, limit=limit)
        else:
            body = sub("""
                def connect(self):
                    if not self.scope["user"].is_authenticated:
                        self.close(code=4401)
                        return
                    self.accept()

                def receive_json(self, content, **kwargs):
                    if content.get("action") != "subscribe":
                        return
                    user = self.scope["user"]
                    $key = int(content["$key"])
                    try:
                        obj = $model.objects.only("pk", "status").get($flt)$mark
                    except $model.DoesNotExist:
                        self.send_json({"error": "not found"})
                        return
                    async_to_sync(self.channel_layer.group_add)(f"$grp-{obj.pk}", self.channel_name)
                    self.send_json({"subscribed": obj.pk, "status": obj.status})
            """, key=key, model=model, flt=flt, mark=mark, grp=grp)
        return head + "\n".join("    " + l if l.strip() else "" for l in body.rstrip("\n").split("\n")) + "\n"
    helper = sub("""
        from channels.db import database_sync_to_async
        from channels.generic.websocket import AsyncJsonWebsocketConsumer

        from .models import $model


        @database_sync_to_async
        def load_$grp($key, user):
            $grp = $model.objects.get($flt)$mark
            return $grp, list($grp.messages.order_by("-created").values("author__username", "text")[:$limit])


    """, model=model, grp=grp, key=key, flt=flt, mark=mark, limit=limit)
    if from_route:
        cls = sub("""
            class $modelConsumer(AsyncJsonWebsocketConsumer):
                async def connect(self):
                    user = self.scope["user"]
                    if not user.is_authenticated:
                        await self.close(code=4401)
                        return
                    try:
                        $grp, history = await load_$grp(int(self.scope["url_route"]["kwargs"]["$key"]), user)
                    except $model.DoesNotExist:
                        await self.close(code=4404)
                        return
                    self.group = f"$grp-{$grp.pk}"
                    await self.channel_layer.group_add(self.group, self.channel_name)
                    await self.accept()
                    await self.send_json({"history": history})

                async def disconnect(self, code):
                    if hasattr(self, "group"):
                        await self.channel_layer.group_discard(self.group, self.channel_name)
        """, model=model, grp=grp, key=key)
    else:
        cls = sub("""
            class $modelConsumer(AsyncJsonWebsocketConsumer):
                async def connect(self):
                    if self.scope["user"].is_anonymous:
                        await self.close(code=4401)
                    else:
                        await self.accept()

                async def receive_json(self, content, **kwargs):
                    if content.get("type") != "open":
                        return
                    try:
                        $grp, history = await load_$grp(int(content["$key"]), self.scope["user"])
                    except ($model.DoesNotExist, KeyError, ValueError):
                        await self.send_json({"type": "error", "detail": "not found"})
                        return
                    await self.channel_layer.group_add(f"$grp-{$grp.pk}", self.channel_name)
                    await self.send_json({"type": "history", "$grp": $grp.pk, "messages": history})
        """, model=model, grp=grp, key=key)
    return helper.rstrip("\n") + "\n\n\n" + cls


@fam("idor-channels-consumer-client-thread-id", "CWE-639", fws=["django"], n=8, wrap=False)
def idor_channels(c):
    st = c.snapshot()
    v = _channels_idor(c, False)
    c.restore(st)
    s = _channels_idor(c, True)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="fw=channels; the consumer loads the object whose id the client sends with no filter on the "
                      "connected user, then joins its group and sends its history; the fix adds the owner / "
                      "member filter to the lookup")


@hardneg(3)
def idor_channels_hn(c):
    return Spec(s=_channels_idor(c, True), full=True, fw="django",
                notes="fw=channels; the lookup is filtered on the connected user, so another user's id is not found")


# ---------------- CWE-306: WebSocket endpoint without the guard its HTTP siblings have ----------------

def _ws_noauth(c, safe):
    w, Wc = _w(c)
    kind = c.pick("stream", "command")
    mark = "" if safe else "  #@V"
    if c.fw == "starlette":
        stream = sub("""
            await websocket.accept()
            async for event in bus.subscribe("$w-events"):$mark
                await websocket.send_json(event)
        """, w=w, mark=mark)
        command = sub("""
            await websocket.accept()
            while True:
                msg = await websocket.receive_json()
                await store.update_status(int(msg["id"]), msg["status"])$mark
                await websocket.send_json({"ok": True, "id": msg["id"]})
        """, mark=mark)
        ws_body = stream if kind == "stream" else command
        guard = '@requires("authenticated")\n' if safe else ""
        code = sub("""
            from starlette.applications import Starlette
            from starlette.authentication import requires
            from starlette.middleware import Middleware
            from starlette.middleware.authentication import AuthenticationMiddleware
            from starlette.responses import JSONResponse
            from starlette.routing import Route, WebSocketRoute

            from .auth import BearerTokenBackend
            from .events import bus
            from .store import store


            @requires("authenticated")
            async def list_$ws(request):
                rows = await store.recent(limit=50)
                return JSONResponse([r.as_dict() for r in rows])


            $guardasync def $w_socket(websocket):$mark
            $ws_body

            app = Starlette(
                routes=[Route("/api/$ws", list_$ws), WebSocketRoute("/ws/$ws", $w_socket)],
                middleware=[Middleware(AuthenticationMiddleware, backend=BearerTokenBackend())],
            )
        """, w=w, guard=guard, mark=mark,
                   ws_body="\n".join("    " + l if l.strip() else "" for l in ws_body.rstrip("\n").split("\n")) + "\n")
        return code
    deco = c.pick("token_required", "authenticated")
    hdr = c.pick(('request.headers.get("Authorization", "").removeprefix("Bearer ")', "header"),
                 ('request.query.get("access_token", "")', "query"))
    stream = sub("""
        async for event in request.app["bus"].subscribe("$w-events"):$mark
            await ws.send_json(event)
    """, w=w, mark=mark)
    command = sub("""
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                cmd = msg.json()
                await request.app["store"].update_status(int(cmd["id"]), cmd["status"])$mark
                await ws.send_json({"ok": True, "id": cmd["id"]})
    """, mark=mark)
    ws_body = stream if kind == "stream" else command
    guard = f"@{deco}\n" if safe else ""
    return sub("""
        import functools

        from aiohttp import $wsimpweb


        def $deco(handler):
            @functools.wraps(handler)
            async def wrapper(request):
                account = await request.app["tokens"].resolve($hdr)
                if account is None:
                    raise web.HTTPUnauthorized()
                request["account"] = account
                return await handler(request)
            return wrapper


        @$deco
        async def list_$ws(request):
            rows = await request.app["store"].recent(limit=50)
            return web.json_response([r.as_dict() for r in rows])


        $guardasync def $w_socket(request):$mark
            ws = web.WebSocketResponse(heartbeat=30)
            await ws.prepare(request)
        $ws_body    return ws


        def setup_routes(app):
            app.router.add_get("/api/$ws", list_$ws)
            app.router.add_get("/ws/$ws", $w_socket)
    """, wsimp="WSMsgType, " if kind == "command" else "", deco=deco, hdr=hdr[0], w=w, guard=guard, mark=mark,
               ws_body="\n".join("    " + l if l.strip() else "" for l in ws_body.rstrip("\n").split("\n")) + "\n")


@fam("noauth-ws-endpoint-missing-auth-guard", "CWE-306", fws=["starlette", "aiohttp"], n=8, wrap=False)
def noauth_ws_guard(c):
    st = c.snapshot()
    v = _ws_noauth(c, False)
    c.restore(st)
    s = _ws_noauth(c, True)
    return Spec(v=v, s=s, full=True, fw=c.fw,
                notes="the HTTP endpoints of the service require authentication, the WebSocket endpoint that streams "
                      "the events / applies status changes has no guard, so anyone can connect; the fix puts the "
                      "same guard on it")


@hardneg(3)
def noauth_ws_guard_hn(c):
    return Spec(s=_ws_noauth(c, True), full=True, fw=c.fw,
                notes="the WebSocket endpoint carries the same authentication guard as the HTTP endpoints")


# ---------------- CWE-863: GraphQL check on the argument's project, not the target's ----------------

_GQL_OBJ = [
    # (parent, child, child field, membership model)
    ("project", "task", "title", "Membership"),
    ("board", "card", "column", "BoardMember"),
    ("workspace", "document", "title", "Seat"),
    ("course", "lesson", "summary", "TeachingAssignment"),
]


def _gql_wrong_object(c, safe):
    parent, child, field, member = c.pick(*_GQL_OBJ)
    Parent, Child = parent.capitalize(), child.capitalize()
    lib = c.fw
    mark = "" if safe else "  #@V"
    pad = " " * len(f"    def update_{child}(")
    if lib == "strawberry":
        shape = c.pick("permission", "inline")
        if shape == "permission":
            cond = (f'{Child}.objects.filter(pk=kwargs.get("{child}_id"), {parent}__members=user).exists()' if safe
                    else f'{Parent}.objects.filter(pk=kwargs.get("{parent}_id"), members=user).exists()')
            return sub("""
                import strawberry
                from strawberry.permission import BasePermission
                from strawberry.types import Info

                from .models import $models
                from .types import $ChildType


                class Can$Edit$Child(BasePermission):
                    message = "you cannot edit this $child"

                    def has_permission(self, source, info: Info, **kwargs) -> bool:
                        user = info.context.request.user
                        return user.is_authenticated and $cond$mark


                @strawberry.type
                class Mutation:
                    @strawberry.mutation(permission_classes=[Can$Edit$Child])
                    def update_$child(self, info: Info, $parent_id: strawberry.ID, $child_id: strawberry.ID,
                $pad$field: str) -> $ChildType:
                        obj = $Child.objects.get(pk=$child_id)
                        obj.$field = $field
                        obj.save(update_fields=["$field"])
                        return obj
            """, Child=Child, child=child, parent=parent, field=field, cond=cond, mark=mark,
                       Edit="Edit", models=", ".join(sorted([Child, Parent])), pad=pad)
        ref = f"obj.{parent}_id" if safe else f"{parent}_id"
        return sub("""
            import strawberry
            from strawberry.types import Info

            from .models import $models
            from .types import $ChildType


            @strawberry.type
            class Mutation:
                @strawberry.mutation
                def update_$child(self, info: Info, $parent_id: strawberry.ID, $child_id: strawberry.ID,
            $pad$field: str) -> $ChildType:
                    user = info.context.request.user
                    obj = $Child.objects.get(pk=$child_id)
                    if not $member.objects.filter($parent_id=$ref, user=user).exists():$mark
                        raise PermissionError("not a member of this $parent")
                    obj.$field = $field
                    obj.save(update_fields=["$field"])
                    return obj
        """, Child=Child, child=child, parent=parent, field=field, ref=ref, mark=mark, pad=pad,
                   member=member, models=", ".join(sorted([Child, member])))
    ref = f"obj.{parent}_id" if safe else f"{parent}_id"
    role = c.pick("", ', role__in=["owner", "editor"]')
    return sub("""
        import graphene
        from graphql import GraphQLError

        from .models import $models
        from .types import $ChildNode


        class Update$Child(graphene.Mutation):
            class Arguments:
                $parent_id = graphene.ID(required=True)
                $child_id = graphene.ID(required=True)
                $field = graphene.String(required=True)

            $child = graphene.Field($ChildNode)

            @classmethod
            def mutate(cls, root, info, $parent_id, $child_id, $field):
                user = info.context.user
                obj = $Child.objects.select_related("$parent").get(pk=$child_id)
                if not $member.objects.filter($parent_id=$ref, user=user$role).exists():$mark
                    raise GraphQLError("permission denied")
                obj.$field = $field
                obj.save()
                return Update$Child($child=obj)


        class Mutation(graphene.ObjectType):
            update_$child = Update$Child.Field()
    """, Child=Child, member=member, child=child, parent=parent, field=field, ref=ref, mark=mark, role=role,
               models=", ".join(sorted([Child, member])))


@fam("authz-graphql-check-argument-not-target", "CWE-863", fws=["strawberry", "graphene"], n=8, wrap=False)
def authz_gql_wrong_object(c):
    st = c.snapshot()
    v = _gql_wrong_object(c, False)
    c.restore(st)
    s = _gql_wrong_object(c, True)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes=f"fw={c.fw}; the membership check uses the parent id passed as an argument, not the parent of "
                      "the object being changed, so a member of any project can edit objects of another one by "
                      "passing their own project id; the fix checks the target object's parent")


@hardneg(3)
def authz_gql_wrong_object_hn(c):
    return Spec(s=_gql_wrong_object(c, True), full=True, fw="graphql",
                notes=f"fw={c.fw}; the membership check is on the parent of the object being changed")


# ---------------- CWE-287: GraphQL context takes the user from a client header ----------------

_USER_HDR = [
    ("x-user-id", "users.get_by_id(int({v}))"),
    ("x-user", "users.get_by_username({v})"),
    ("x-authenticated-user", "users.get_by_username({v})"),
    ("x-user-email", "users.get_by_email({v})"),
]


def _gql_ctx(c, safe, hn=False):
    hdr, lookup = c.pick(*_USER_HDR)
    verify = c.pick("jwt", "session")
    var = c.pick("user", "viewer", "current_user")
    if safe and verify == "jwt":
        ident = [
            'token = request.headers.get("authorization", "").removeprefix("Bearer ")',
            "try:",
            '    claims = jwt.decode(token, settings.JWT_PUBLIC_KEY, algorithms=["RS256"], audience="graphql")',
            "except jwt.InvalidTokenError:",
            "    claims = None",
            f"{var} = await users.get_by_id(int(claims[\"sub\"])) if claims else None",
        ]
        extra = "import jwt\n\nfrom .config import settings\n"
    elif safe:
        ident = [
            'token = request.cookies.get("session", "")',
            f"{var} = await sessions.user_for(token) if token else None",
        ]
        extra = "from .sessions import sessions\n"
    else:
        ident = [
            "# the gateway in front of us sets this header",
            f'claimed = request.headers.get("{hdr}")  #@V',
            f"{var} = await {lookup.format(v='claimed')} if claimed else None  #@V",
        ]
        extra = ""
    trace = c.pick(True, False)
    if trace:
        ident.append('request_id = request.headers.get("x-request-id", "")')
        ctx_extra = ', "request_id": request_id'
    else:
        ctx_extra = ""
    std = ["import jwt", "import strawberry"] if extra.startswith("import jwt") else ["import strawberry"]
    local = ["from .schema import Mutation, Query", "from .users import users"]
    if extra.startswith("import jwt"):
        local.insert(0, "from .config import settings")
    elif extra:
        local.insert(1, "from .sessions import sessions")
    if c.fw == "fastapi":
        third = ["from fastapi import FastAPI, Request", "from strawberry.fastapi import GraphQLRouter"]
        lines = "\n".join("    " + l for l in ident)
        code = sub("""
            $imports


            async def get_context(request: Request) -> dict:
            $lines
                return {"request": request, "user": $var$ctx_extra}


            schema = strawberry.Schema(query=Query, mutation=Mutation)
            app = FastAPI()
            app.include_router(GraphQLRouter(schema, context_getter=get_context), prefix="/graphql")
        """, imports="\n".join(std + third + [""] + local), lines=lines, var=var, ctx_extra=ctx_extra)
    else:
        third = ["from aiohttp import web", "from strawberry.aiohttp.views import GraphQLView"]
        lines = "\n".join("        " + l for l in ident)
        code = sub("""
            $imports


            class AppGraphQLView(GraphQLView):
                async def get_context(self, request: web.Request, response: web.StreamResponse) -> dict:
            $lines
                    return {"request": request, "response": response, "user": $var$ctx_extra}


            schema = strawberry.Schema(query=Query, mutation=Mutation)
            app = web.Application()
            app.router.add_route("*", "/graphql", AppGraphQLView(schema=schema))
        """, imports="\n".join(std + third + [""] + local), lines=lines, var=var, ctx_extra=ctx_extra)
    return code


@fam("authn-graphql-context-trusts-user-header", "CWE-287", fws=["fastapi", "aiohttp"], n=8, wrap=False)
def authn_gql_header(c):
    st = c.snapshot()
    v = _gql_ctx(c, False)
    c.restore(st)
    s = _gql_ctx(c, True)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes=f"fw=strawberry+{c.fw}; the GraphQL context takes the user from an X-User header that any "
                      "client can send (the server is reachable without the gateway), so anyone can act as any "
                      "user; the fix identifies the user from a verified bearer token or server-side session")


@hardneg(3)
def authn_gql_header_hn(c):
    return Spec(s=_gql_ctx(c, True), full=True, fw="graphql",
                notes=f"fw=strawberry+{c.fw}; the user comes from a verified token or session; the only header "
                      "read besides it is a request id for tracing")


# ---------------- CWE-269: Channels consumer takes the session role from the client ----------------

_ROOMS = [
    # (room model, seat model, privileged role, default role, privileged action, group event)
    ("Webinar", "Registration", "presenter", "attendee", "mute_all", "control.mute"),
    ("Lobby", "Player", "host", "player", "kick", "lobby.kick"),
    ("Document", "Collaborator", "editor", "viewer", "apply_patch", "doc.patch"),
    ("Chat", "Participant", "agent", "customer", "close_chat", "chat.closed"),
]


def _channels_role(c, safe):
    room, seat, prole, drole, action, event = c.pick(*_ROOMS)
    key = room.lower() + "_id"
    src = c.pick("query", "hello")
    mark = "" if safe else "  #@V"
    if src == "query":
        role_line = (f"self.role = {seat.lower()}.role" if safe
                     else f'self.role = params.get("role", ["{drole}"])[0]{mark}')
        connect_extra = "" if safe else '\n        params = parse_qs(self.scope["query_string"].decode())'
        hello = ""
        connect_role = f"\n        {role_line}"
    else:
        connect_extra = ""
        connect_role = f"\n        self.{seat.lower()} = {seat.lower()}\n        self.role = None"
        rl = (f"self.role = self.{seat.lower()}.role" if safe
              else f'self.role = content.get("role", "{drole}"){mark}')
        hello = sub("""
            if content.get("type") == "hello":
                $rl
                await self.send_json({"type": "welcome", "role": self.role})
                return
        """, rl=rl)
    imps = "from urllib.parse import parse_qs\n\n" if (src == "query" and not safe) else ""
    hello_block = "\n".join("        " + l if l.strip() else "" for l in hello.rstrip("\n").split("\n")) + "\n" if hello else ""
    return sub("""
        $impsfrom channels.db import database_sync_to_async
        from channels.generic.websocket import AsyncJsonWebsocketConsumer

        from .models import $seat


        @database_sync_to_async
        def load_seat(room_id, user):
            return $seat.objects.filter($key=room_id, user=user).first()


        class $roomConsumer(AsyncJsonWebsocketConsumer):
            async def connect(self):
                user = self.scope["user"]
                self.room_id = int(self.scope["url_route"]["kwargs"]["$key"])
                $lseat = await load_seat(self.room_id, user) if user.is_authenticated else None
                if $lseat is None:
                    await self.close(code=4403)
                    return$connect_extra$connect_role
                self.group = f"$lroom-{self.room_id}"
                await self.channel_layer.group_add(self.group, self.channel_name)
                await self.accept()

            async def receive_json(self, content, **kwargs):
        $hello_block        if content.get("type") == "$action":
                    if self.role != "$prole":
                        await self.send_json({"type": "error", "detail": "$prole only"})
                        return
                    await self.channel_layer.group_send(self.group, {"type": "$event", "by": self.scope["user"].pk,
                                                                     "target": content.get("target")})
    """, imps=imps, seat=seat, key=key, room=room, lseat=seat.lower(), lroom=room.lower(),
               connect_extra=connect_extra, connect_role=connect_role, hello_block=hello_block, action=action,
               prole=prole, event=event)


@fam("priv-channels-consumer-client-role", "CWE-269", fws=["django"], n=8, wrap=False)
def priv_channels_role(c):
    st = c.snapshot()
    v = _channels_role(c, False)
    c.restore(st)
    s = _channels_role(c, True)
    return Spec(v=v, s=s, full=True, fw="django",
                notes="fw=channels; the consumer takes the connection's role (presenter / host / editor / agent) "
                      "from the client, so any registered participant can give themselves the privileged role and "
                      "run its actions; the fix takes the role from the participant's stored seat")


@hardneg(3)
def priv_channels_role_hn(c):
    code = _channels_role(c, True)
    pref, default = c.pick(("layout", "grid"), ("lang", "en"), ("quality", "auto"))
    code = code.replace("from channels.db import", "from urllib.parse import parse_qs\n\nfrom channels.db import", 1)
    code = code.replace("        self.group = f", f"""        params = parse_qs(self.scope["query_string"].decode())
        self.{pref} = params.get("{pref}", ["{default}"])[0]
        self.group = f""", 1)
    return Spec(s=code, full=True, fw="django",
                notes="fw=channels; the role comes from the stored seat of the connected user; the query string only "
                      f"sets the {pref} preference")
