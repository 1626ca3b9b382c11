"""Train-only whole-module families for GraphQL services (libs11 set, mod11-*): realistic schema modules
of about 80-110 lines (graphene-django, graphene + graphene-sqlalchemy, Strawberry on FastAPI / Flask /
Django / aiohttp, Ariadne on Starlette) with exactly one weak statement each, and a twin that differs
only by the minimal fix. Framework label ``graphql``.

- mod11-graphene-django-node-bypasses-queryset (639): a relay node type scopes ``get_queryset`` to the
  viewer, but one path (a ``get_node`` override, a by-id field, a relay mutation) loads the row by the
  decoded global id alone.
- mod11-strawberry-mutation-permission-missing (862): Strawberry on FastAPI; every mutation lists the
  role permission (``permission_classes`` or ``PermissionExtension``) except one.
- mod11-ariadne-filter-input-raw-sql (89): Ariadne + psycopg 3 pool; one field of the filter input (a tag
  list, a full-text term, a JSONB attribute, a date) is pasted into the WHERE clause.
- mod11-graphene-sqlalchemy-list-size-uncapped (400): graphene + graphene-sqlalchemy served by Flask; a
  list field's size (a ``limit`` in a JSONString options argument, or an ``hours`` window) has no cap.
- mod11-strawberry-type-secret-field (200): a Strawberry type carries the password hash / API token /
  TOTP secret as a public field instead of ``strawberry.Private``.
- mod11-ariadne-mutation-fetch-url (918): an Ariadne mutation fetches the client's URL with httpx without
  the host allow-list check the other mutation applies.

Each family has ``@hardneg`` look-alike safe modules. The optional parts of each module are drawn per
rendering (``_opt``), so the renderings differ in their set of functions, not only in names.
Written without reading the held-out or validation families; every family here goes to train.
"""
from core import Spec, dedent
from module_kit import _replayed, sub_nested as sub, _joined as _join, _append
from registry import fam, hardneg


def _ind(block, n=4):
    return "\n".join((" " * n + l) if l.strip() else "" for l in dedent(block).strip("\n").split("\n"))


# ---------------- CWE-639: graphene-django node type scoped, one path loads by global id alone ----------------

_GD_HEAD = r'''
"""GraphQL schema of the $app (graphene-django, relay).

$Ws belong to $ownerdesc. Every resolver needs a signed-in user (django-graphql-jwt), and
$WNode.get_queryset scopes the node type to the viewer, so `node(id:)` and the connection
only return the viewer's own $ws."""
import logging

import graphene
from django.db import transaction
from graphene import relay
from graphene_django import DjangoConnectionField, DjangoObjectType
from graphql import GraphQLError
from graphql_jwt.decorators import login_required
from graphql_relay import from_global_id

from .models import $W, $Line

log = logging.getLogger("$slug.schema")
'''

_GD_TYPES = r'''
class $LineType(DjangoObjectType):
    class Meta:
        model = $Line
        fields = ("id", "description", "quantity", "$amount")


class $WNode(DjangoObjectType):
    class Meta:
        model = $W
        interfaces = (relay.Node,)
        fields = ("id", "number", "status", "$datecol", "lines")

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.filter($owner=$viewer)
$getnode'''

_GD_GETNODE = r'''
    @classmethod
    def get_node(cls, info, id):$S
        """`node(id:)` with the lines prefetched, so the detail screen needs one round trip."""
        try:
            return $getnodeqs.prefetch_related("lines").get(pk=id)$M
        except cls._meta.model.DoesNotExist:
            return None
'''

_GD_BYID = r'''
    @login_required
    def resolve_$w(root, info, id):
        """One $w by its relay id (the mobile app keeps ids from the list screen)."""
        type_name, pk = from_global_id(id)$S
        if type_name != "$WNode":
            raise GraphQLError("unknown $w id")
        try:
            return $byidqs.get(pk=pk$byidfilter)$M
        except $W.DoesNotExist:
            raise GraphQLError("$w not found")
'''

_GD_MUT = r'''
class Archive$W(relay.ClientIDMutation):
    """Archive a $w; archived $ws drop out of the default list."""

    class Input:
        id = graphene.ID(required=True)
        reason = graphene.String()

    $w = graphene.Field($WNode)

    @classmethod
    @login_required
    def mutate_and_get_payload(cls, root, info, id, reason=None):
        _type, pk = from_global_id(id)$S
        with transaction.atomic():
            obj = $mutqs.select_for_update().get(pk=pk$mutfilter)$M
            obj.status = "archived"
            obj.save(update_fields=["status"])
        log.info("user %s archived $w %s (%s)", info.context.user.pk, obj.pk, reason or "no reason")
        return Archive$W($w=obj)
'''

_GD_OPT_FIELDS = [
    ('    open_$ws = graphene.List($WNode)', r'''
    @login_required
    def resolve_open_$ws(root, info):
        """The viewer's $ws that are still open, newest first."""
        return $WNode.get_queryset($W.objects, info).filter(status="open").order_by("-$datecol")[:$cap]
'''),
    ('    $w_count = graphene.Int(status=graphene.String())', r'''
    @login_required
    def resolve_$w_count(root, info, status=None):
        qs = $WNode.get_queryset($W.objects, info)
        return qs.filter(status=status).count() if status else qs.count()
'''),
]


def _gd(c, safe):
    app, W, Line, amount, datecol = c.pick(
        ("billing portal", "Invoice", "InvoiceLine", "amount", "issued_on"),
        ("freight booking app", "Shipment", "Parcel", "weight_grams", "shipped_on"),
        ("clinic scheduling app", "Referral", "ReferralNote", "minutes", "referred_on"),
        ("purchasing portal", "PurchaseOrder", "OrderLine", "unit_price", "ordered_on"),
        ("grant management app", "Application", "BudgetLine", "requested", "submitted_on"))
    owner, viewer, ownerdesc = c.pick(
        ("owner", "info.context.user", "the user who created them"),
        ("account__members", "info.context.user", "an account, and users see the accounts they are members of"),
        ("organization_id", "info.context.user.organization_id", "the user's organization"))
    w = "".join("_" + ch.lower() if ch.isupper() else ch for ch in W).lstrip("_")
    path = c.pick("getnode", "byid", "mutation")
    M = "" if safe else "  #@V"
    S = "" if safe else "  #@S"
    scope = f", {owner}={viewer}"
    kw = dict(app=app, W=W, Line=Line, LineType=Line + c.pick("Type", "Node"), amount=amount, datecol=datecol,
              owner=owner, viewer=viewer, ownerdesc=ownerdesc, w=w, ws=w + "s", Ws=W + "s",
              slug=c.pick("billing", "portal", "api", w), cap=c.pick(20, 50, 100), M=M, S=S)
    if path == "getnode":
        kw["getnodeqs"] = "cls.get_queryset(cls._meta.model.objects, info)" if safe else "cls._meta.model.objects"
    else:
        kw["getnodeqs"] = "cls.get_queryset(cls._meta.model.objects, info)"
        kw["M"] = ""
    bym = M if path == "byid" else ""
    kw.update(byidqs=f"{W}.objects" if c.pick(True, False) else f"{W}.objects.prefetch_related(\"lines\")",
              byidfilter=scope if (safe or path != "byid") else "")
    kw.update(mutqs=f"{W}.objects", mutfilter=scope if (safe or path != "mutation") else "")
    getnode = _GD_GETNODE if (path == "getnode" or c.pick(True, False)) else ""
    getnode = _ind(sub(getnode, **dict(kw, M=M if path == "getnode" else "",
                                        S=S if path == "getnode" else ""))) if getnode else ""
    types = sub(_GD_TYPES, **dict(kw, getnode=("\n" + getnode.rstrip("\n")) if getnode else ""))
    chosen = c.rng.sample(range(len(_GD_OPT_FIELDS)), c.rng.randint(0 if path != "getnode" else 1, 2))
    decl = ['    node = relay.Node.Field()', f'    my_{w}s = DjangoConnectionField({W}Node)']
    res = []
    if path == "byid" or c.pick(True, False):
        decl.append(f'    {w} = graphene.Field({W}Node, id=graphene.ID(required=True))')
        res.append(_ind(sub(_GD_BYID, **dict(kw, M=bym, S=S if path == "byid" else ""))))
    for i in chosen:
        decl.append(_ind(sub(_GD_OPT_FIELDS[i][0], **kw)))
        res.append(_ind(sub(_GD_OPT_FIELDS[i][1], **kw)))
    query = "class Query(graphene.ObjectType):\n" + "\n".join(decl) + "\n" + "".join(
        "\n" + r.rstrip("\n") + "\n" for r in res)
    blocks = [sub(_GD_HEAD, **kw), types]
    mut = path == "mutation" or c.pick(True, False)
    if mut:
        blocks.append(sub(_GD_MUT, **dict(kw, M=M if path == "mutation" else "",
                                          S=S if path == "mutation" else "")))
    blocks.append(query)
    if mut:
        blocks.append(f"class Mutation(graphene.ObjectType):\n    archive_{w} = Archive{W}.Field()")
        blocks.append("schema = graphene.Schema(query=Query, mutation=Mutation)")
    else:
        blocks.append("schema = graphene.Schema(query=Query)")
    return _join(*blocks)


@fam("mod11-graphene-django-node-bypasses-queryset", "CWE-639", fws=["django"], n=8, wrap=False)
def mod11_graphene_django_node_bypasses_queryset(c):
    v, s = _replayed(c, _gd)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="graphene-django: the node type's get_queryset limits rows to the viewer, and the connection "
                      "field and default node resolution go through it; one path (a get_node override, a by-id "
                      "field resolver, or a relay mutation) decodes the global id with from_global_id and loads "
                      "the row with Model.objects.get(pk=...) directly, so any signed-in user can read or archive "
                      "another owner's row by sending its id (global ids are just base64 of type:pk). The fix "
                      "loads through the scoped queryset / adds the owner to the lookup")


@hardneg(3)
def mod11_graphene_django_node_bypasses_queryset_hn(c):
    s = _gd(c, True)
    hn = dedent(r'''
        class TaxRateNode(DjangoObjectType):
            """Tax rates are reference data shared by every account: a node lookup needs no owner scope."""

            class Meta:
                model = TaxRate
                interfaces = (relay.Node,)
                fields = ("id", "country", "rate", "valid_from")

            @classmethod
            def get_node(cls, info, id):
                try:
                    return TaxRate.objects.get(pk=id)
                except TaxRate.DoesNotExist:
                    return None
    ''').strip("\n")
    s = s.replace("\n\n\nclass Query(", "\n\n\n" + hn + "\n\n\nclass Query(", 1)
    s = s.replace("from .models import ", "from .models import TaxRate, ", 1)
    return Spec(s=s, full=True, fw="graphql",
                notes="every by-id path loads through the viewer-scoped queryset or filters by the owner; only "
                      "the TaxRate node (shared reference data) loads by id without an owner scope")


# ---------------- CWE-862: Strawberry mutation without the role permission the others list ----------------

_SP_HEAD = r'''
"""GraphQL API of the $app (Strawberry on FastAPI, SQLAlchemy 2.0).

Reading needs a signed-in user; changing $things needs the $role role, which the
$Perm permission below checks. The context carries the user and a session per request."""
import logging
from typing import Any, Optional

import strawberry
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.fastapi import GraphQLRouter
from strawberry.permission import BasePermission$extimp
from strawberry.types import Info

from .auth import optional_user
from .db import get_session
from .models import $Model

log = logging.getLogger("$slug.graphql")


class IsAuthenticated(BasePermission):
    message = "sign in required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context["user"] is not None


class $Perm(BasePermission):
    message = "the $role role is required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = info.context["user"]
        return user is not None and "$role" in user.roles
'''

_SP_TYPE = r'''
@strawberry.type
class $T:
    id: strawberry.ID
    name: str
    status: str
    $extra: Optional[str]


def to_gql(row: $Model) -> $T:
    return $T(id=strawberry.ID(str(row.id)), name=row.name, status=row.status, $extra=row.$extra)


def load(info: Info, id: strawberry.ID) -> $Model:
    row = info.context["session"].get($Model, int(id))
    if row is None:
        raise ValueError("$thing not found")
    return row
'''

_SP_QUERY = r'''
@strawberry.type
class Query:
    $READ
    def $things(self, info: Info, status: Optional[str] = None) -> list[$T]:
        stmt = select($Model).order_by($Model.name).limit($cap)
        if status:
            stmt = stmt.where($Model.status == status)
        return [to_gql(r) for r in info.context["session"].scalars(stmt)]
'''

_SP_MUTS = {
    "create": r'''
$DEC
def create_$thing(self, info: Info, name: str, $extra: Optional[str] = None) -> $T:$DM
    session = info.context["session"]
    row = $Model(name=name.strip(), status="active", $extra=$extra)
    session.add(row)
    session.commit()$CM
    log.info("user %s created $thing %s", info.context["user"].id, row.id)
    return to_gql(row)
''',
    "rename": r'''
$DEC
def rename_$thing(self, info: Info, id: strawberry.ID, name: str) -> $T:$DM
    row = load(info, id)
    row.name = name.strip()
    info.context["session"].commit()$CM
    return to_gql(row)
''',
    "retire": r'''
$DEC
def retire_$thing(self, info: Info, id: strawberry.ID) -> $T:$DM
    """Take a $thing out of service; it stays in the history."""
    row = load(info, id)
    row.status = "retired"
    info.context["session"].commit()$CM
    log.info("user %s retired $thing %s", info.context["user"].id, row.id)
    return to_gql(row)
''',
    "delete": r'''
$DEC
def delete_$thing(self, info: Info, id: strawberry.ID) -> bool:$DM
    session = info.context["session"]
    session.delete(load(info, id))
    session.commit()$CM
    log.warning("user %s deleted $thing %s", info.context["user"].id, id)
    return True
''',
    "set_extra": r'''
$DEC
def set_$thing_$extra(self, info: Info, id: strawberry.ID, $extra: str) -> $T:$DM
    row = load(info, id)
    row.$extra = $extra
    info.context["session"].commit()$CM
    return to_gql(row)
''',
}

_SP_TAIL = r'''
async def get_context(user=Depends(optional_user), session: Session = Depends(get_session)) -> dict:
    return {"user": user, "session": session}


schema = strawberry.Schema(query=Query, mutation=Mutation)
app = FastAPI(title="$app")
app.include_router(GraphQLRouter(schema, context_getter=get_context), prefix="/graphql")
'''


def _sp(c, safe):
    app, Model, thing, role, extra = c.pick(
        ("fleet dispatch service", "Vehicle", "vehicle", "dispatcher", "plate"),
        ("pharmacy stock service", "StockItem", "stock_item", "pharmacist", "batch"),
        ("event ticketing backend", "Venue", "venue", "organiser", "address"),
        ("warehouse slotting service", "Bin", "bin", "supervisor", "zone"),
        ("course catalogue service", "Course", "course", "registrar", "code"))
    Perm = "Is" + role.capitalize() if c.pick(True, False) else "Has" + role.capitalize() + "Role"
    shape = c.pick("classes", "extension")
    weak = c.pick("rename", "retire", "delete", "set_extra")
    others = [k for k in ("create", "rename", "retire", "delete", "set_extra") if k != weak]
    keep = c.rng.sample(others, c.rng.randint(1, 3))
    order = keep + [weak]
    c.rng.shuffle(order)

    def dec(perms, mut=True):
        kind = "mutation" if mut else "field"
        if shape == "classes":
            return f"@strawberry.{kind}(permission_classes=[{', '.join(perms)}])"
        return f"@strawberry.{kind}(extensions=[PermissionExtension(permissions=[{', '.join(p + '()' for p in perms)}])])"

    full = ["IsAuthenticated", Perm]
    T = Model + c.pick("Type", "Node")
    muts = []
    for k in order:
        is_weak = k == weak and not safe
        d = dec(["IsAuthenticated"] if is_weak else full)
        body = sub(_SP_MUTS[k], DEC=d + ("  #@V" if is_weak else ""), DM="", CM="  #@V" if is_weak else "",
                   thing=thing, Model=Model, T=T, extra=extra)
        muts.append(_ind(body))
    kw = dict(app=app, Model=Model, T=T, thing=thing, things=thing + "s", role=role, Perm=Perm, extra=extra,
              slug=c.pick("dispatch", "stock", "api", thing), cap=c.pick(50, 100, 200),
              extimp=", PermissionExtension" if shape == "extension" else "",
              READ=dec(["IsAuthenticated"], mut=False))
    mutation = "@strawberry.type\nclass Mutation:\n" + "\n\n".join(muts)
    head = sub(_SP_HEAD, **kw)
    blocks = [head, sub(_SP_TYPE, **kw), sub(_SP_QUERY, **kw), mutation, sub(_SP_TAIL, **kw)]
    return _join(*blocks)


@fam("mod11-strawberry-mutation-permission-missing", "CWE-862", fws=["fastapi"], n=8, wrap=False)
def mod11_strawberry_mutation_permission_missing(c):
    v, s = _replayed(c, _sp)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="Strawberry on FastAPI: every mutation that changes the records lists the role permission "
                      "(permission_classes / PermissionExtension) next to IsAuthenticated, except one, which only "
                      "requires a signed-in user, so any account can run it (rename, retire, delete or edit "
                      "records). The fix adds the role permission to that mutation's decorator")


@hardneg(2)
def mod11_strawberry_mutation_permission_missing_hn(c):
    s = _sp(c, True)
    perm = "@strawberry.mutation(permission_classes=[IsAuthenticated])" if "PermissionExtension" not in s else \
        "@strawberry.mutation(extensions=[PermissionExtension(permissions=[IsAuthenticated()])])"
    method = _ind(dedent('''
        __PERM__
        def save_preferences(self, info: Info, page_size: int = 25, compact: bool = False) -> bool:
            """The viewer's own display settings: any signed-in user may change them."""
            user = info.context["user"]
            user.preferences = {"page_size": max(10, min(page_size, 100)), "compact": compact}
            info.context["session"].commit()
            return True
    ''').replace("__PERM__", perm))
    s = s.replace("class Mutation:\n", "class Mutation:\n" + method + "\n\n", 1)
    return Spec(s=s, full=True, fw="graphql",
                notes="every mutation on shared records lists the role permission; the preferences mutation "
                      "only changes the viewer's own settings, so IsAuthenticated is the right check")


# ---------------- CWE-89: Ariadne resolver pastes one filter-input field into the WHERE clause ----------------

_AQ_HEAD = r'''
"""$App search API over GraphQL (Ariadne on Starlette, psycopg 3 connection pool).

The `$ts` field takes a `$TFilter` input; every filter becomes one WHERE clause with
its value bound as a query parameter. Requests are authenticated by the Starlette middleware."""
import contextlib
import logging
import os

from ariadne import QueryType, gql, make_executable_schema
from ariadne.asgi import GraphQL
from graphql import GraphQLError
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Mount

from .auth import BearerTokenBackend

log = logging.getLogger("$slug.search")

PAGE_MAX = $cap
pool = AsyncConnectionPool(os.environ["DATABASE_URL"], open=False, kwargs={"row_factory": dict_row})
'''

_AQ_SDL = r'''
type_defs = gql("""
    type $T {
        id: ID!
        name: String!
        status: String!
        tags: [String!]!
        updated_at: String!
    }

    input $TFilter {
        status: String
$filterfields    }
$extratypes
    type Query {
        $ts(where: $TFilter, first: Int = 25): [$T!]!
$queryfields    }
""")
'''

_AQ_LIST = r'''
@query.field("$ts")
async def resolve_$ts(_, info, where=None, first=25):$S
    """$Ts matching every given filter, sorted by name."""
    if not info.context["request"].user.is_authenticated:
        raise GraphQLError("sign in required")
    where = where or {}
    clauses, params = ["deleted_at IS NULL"], []
    if where.get("status"):
        clauses.append("status = %s")
        params.append(where["status"])
$weak
    params.append(max(1, min(first, PAGE_MAX)))
    sql = "SELECT id, name, status, tags, updated_at::text FROM $table WHERE " + " AND ".join(clauses) + " ORDER BY name LIMIT %s"
    async with pool.connection() as conn:
        cur = await conn.execute(sql, params)$M
        return await cur.fetchall()
'''

_AQ_WEAK = {
    "tags": ("        tags: [String!]\n", {
        "v": '''    if where.get("tags"):
        clauses.append("tags && ARRAY[" + ", ".join("'" + t + "'" for t in where["tags"]) + "]::text[]")  #@V''',
        "s": '''    if where.get("tags"):
        clauses.append("tags && %s::text[]")
        params.append(list(where["tags"]))''',
    }),
    "text": ("        text: String\n", {
        "v": '''    if where.get("text"):
        clauses.append(f"search_vector @@ plainto_tsquery('$lang', '{where['text']}')")  #@V''',
        "s": '''    if where.get("text"):
        clauses.append("search_vector @@ plainto_tsquery('$lang', %s)")
        params.append(where["text"])''',
    }),
    "attribute": ("        attribute: AttributeFilter\n", {
        "v": '''    attribute = where.get("attribute")
    if attribute:
        clauses.append("attributes ->> '{}' = '{}'".format(attribute["key"], attribute["value"]))  #@V''',
        "s": '''    attribute = where.get("attribute")
    if attribute:
        clauses.append("attributes ->> %s = %s")
        params.extend([attribute["key"], attribute["value"]])''',
    }),
    "since": ("        updated_since: String\n", {
        "v": '''    since = where.get("updated_since")
    if since:
        clauses.append("updated_at >= '" + since + "'::timestamptz")  #@V''',
        "s": '''    since = where.get("updated_since")
    if since:
        clauses.append("updated_at >= %s::timestamptz")
        params.append(since)''',
    }),
}

_AQ_OPT = {
    "one": ("        $t(id: ID!): $T\n", r'''
@query.field("$t")
async def resolve_$t(_, info, id):
    if not info.context["request"].user.is_authenticated:
        raise GraphQLError("sign in required")
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT id, name, status, tags, updated_at::text FROM $table WHERE id = %s AND deleted_at IS NULL", (int(id),)
        )
        return await cur.fetchone()
'''),
    "counts": ("        $t_status_counts: [StatusCount!]!\n", r'''
@query.field("$t_status_counts")
async def resolve_status_counts(_, info):
    """Counts per status for the filter sidebar; no user input reaches the SQL."""
    if not info.context["request"].user.is_authenticated:
        raise GraphQLError("sign in required")
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT status, count(*) AS total FROM $table WHERE deleted_at IS NULL GROUP BY status")
        return await cur.fetchall()
'''),
}

_AQ_TAIL = r'''
schema = make_executable_schema(type_defs, query)


@contextlib.asynccontextmanager
async def lifespan(app):
    await pool.open()
    log.info("database pool opened (max %d connections)", pool.max_size)
    yield
    await pool.close()


app = Starlette(
    routes=[Mount("/graphql", GraphQL(schema))],
    middleware=[Middleware(AuthenticationMiddleware, backend=BearerTokenBackend())],
    lifespan=lifespan,
)
'''


def _aq(c, safe):
    App, t = c.pick(("Product catalogue", "product"), ("Recipe library", "recipe"), ("Asset register", "asset"),
                    ("Job board", "posting"), ("Media archive", "clip"))
    T = t.capitalize()
    weak = c.pick(*_AQ_WEAK)
    others = [k for k in _AQ_WEAK if k != weak]
    opts = c.rng.sample(sorted(_AQ_OPT), c.rng.randint(0, 2))
    fields = _AQ_WEAK[weak][0]
    extratypes = ""
    if weak == "attribute":
        extratypes += "\n    input AttributeFilter {\n        key: String!\n        value: String!\n    }\n"
    if "counts" in opts:
        extratypes += "\n    type StatusCount {\n        status: String!\n        total: Int!\n    }\n"
    qf = "".join(_AQ_OPT[o][0] for o in opts)
    kw = dict(App=App, t=t, T=T, ts=t + "s", Ts=T + "s", TFilter=T + "Filter", table=t + "s",
              slug=c.pick("search", "catalogue", t), cap=c.pick(50, 100, 200), lang=c.pick("english", "simple"),
              S="" if safe else "  #@S", M="" if safe else "  #@V")
    weakcode = _AQ_WEAK[weak][1]["s" if safe else "v"]
    lst = sub(_AQ_LIST, weak=weakcode, **kw)
    res = [lst] + [sub(_AQ_OPT[o][1], **kw) for o in opts]
    c.rng.shuffle(res)
    sdl = sub(_AQ_SDL, filterfields=fields, extratypes=extratypes, queryfields=qf, **kw)
    return _join(sub(_AQ_HEAD, **kw), sdl, "query = QueryType()", *res, sub(_AQ_TAIL, **kw))


@fam("mod11-ariadne-filter-input-raw-sql", "CWE-89", fws=["aiohttp"], n=8, wrap=False)
def mod11_ariadne_filter_input_raw_sql(c):
    v, s = _replayed(c, _aq)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="Ariadne + psycopg 3: the list resolver builds its WHERE clause from the filter input; the "
                      "status value is bound with %s, but one String field of the input (tag list turned into an "
                      "ARRAY literal, full-text term, JSONB attribute key/value, or a date) is pasted into the SQL "
                      "text inside quotes, so a quote in the GraphQL variable rewrites the query. GraphQL's String "
                      "type does not restrict the characters. The fix binds the value as a parameter")


@hardneg(2)
def mod11_ariadne_filter_input_raw_sql_hn(c):
    s = _aq(c, True)
    s = s.replace('''    params.append(max(1, min(first, PAGE_MAX)))''', '''    order = SORTS.get(where.get("sort") or "name", "name")
    params.append(max(1, min(first, PAGE_MAX)))''', 1)
    s = s.replace('''" ORDER BY name LIMIT %s"''', '''f" ORDER BY {order} LIMIT %s"''', 1)
    s = s.replace("\npool = AsyncConnectionPool(", '\nSORTS = {"name": "name", "recent": "updated_at DESC", "status": "status, name"}\npool = AsyncConnectionPool(', 1)
    s = s.replace("        status: String\n", "        status: String\n        sort: String\n", 1)
    return Spec(s=s, full=True, fw="graphql",
                notes="every filter value is a psycopg parameter; the ORDER BY text comes from a fixed mapping "
                      "keyed by the sort argument, never from the argument itself")


# ---------------- CWE-400: graphene list field whose size argument has no cap ----------------

_GS_HEAD = r'''
"""Read API for $app $what (graphene 3 + graphene-sqlalchemy, served by Flask).

Dashboards query the $things and their $points through POST /graphql; the session comes
from the scoped session factory and is removed when the request ends."""
import logging
from datetime import datetime, timedelta, timezone

import graphene
from flask import Flask, jsonify, request
from graphene_sqlalchemy import SQLAlchemyObjectType
from graphql import GraphQLError
from sqlalchemy import func, select

from .db import Session
from .models import $Parent as $ParentModel, $Point as $PointModel

log = logging.getLogger("$slug.graphql")

$consts
'''

_GS_TYPES = r'''
class $Parent(SQLAlchemyObjectType):
    class Meta:
        model = $ParentModel
        exclude_fields = ("$hidden",)


class $Point(SQLAlchemyObjectType):
    class Meta:
        model = $PointModel
'''

_GS_BUCKET = r'''
class Bucket(graphene.ObjectType):
    start = graphene.DateTime(required=True)
    count = graphene.Int(required=True)
    average = graphene.Float()
'''

_GS_JSON = r'''
def resolve_$points(root, info, $fk, options=None):
    """Latest $points of one $thing; `options` is a JSON object ({"limit": n, "before": iso-time})."""$S
    options = options or {}
    limit = $limitexpr$M
    stmt = select($PointModel).where($PointModel.$fk == int($fk))
    if options.get("before"):
        stmt = stmt.where($PointModel.$ts < datetime.fromisoformat(options["before"]))
    stmt = stmt.order_by($PointModel.$ts.desc()).limit(limit)$M
    return info.context["session"].scalars(stmt).all()
'''

_GS_HOURLY = r'''
def resolve_hourly(root, info, $fk, hours=24):
    """One bucket per hour for the last `hours` hours, empty hours included, oldest first."""$S
    if hours < 1:
        raise GraphQLError("hours must be positive")
    end = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    starts = [end - timedelta(hours=h) for h in range($rangearg, 0, -1)]$M
    hour = func.date_trunc("hour", $PointModel.$ts)
    rows = info.context["session"].execute(
        select(hour, func.count(), func.avg($PointModel.value))
        .where($PointModel.$fk == int($fk), $PointModel.$ts >= starts[0])
        .group_by(hour)
    ).all()
    found = {start: (count, avg) for start, count, avg in rows}
    return [Bucket(start=s, count=found.get(s, (0, None))[0], average=found.get(s, (0, None))[1]) for s in starts]
'''

_GS_PARENTS = r'''
def resolve_$things(root, info, active=True):
    stmt = select($ParentModel).where($ParentModel.active == active).order_by($ParentModel.name)
    return info.context["session"].scalars(stmt).all()
'''

_GS_TAIL = r'''
schema = graphene.Schema(query=Query)
app = Flask(__name__)


@app.teardown_appcontext
def remove_session(exc=None):
    Session.remove()


@app.post("/graphql")
def graphql_endpoint():
    body = request.get_json(silent=True) or {}
    result = schema.execute(
        body.get("query", ""),
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
        context_value={"session": Session()},
    )
    payload = {"data": result.data}
    if result.errors:
        log.info("graphql errors: %s", [e.message for e in result.errors])
        payload["errors"] = [{"message": e.message} for e in result.errors]
    return jsonify(payload)
'''


def _gs(c, safe):
    app, what, Parent, Point, things, points, fk, ts, hidden = c.pick(
        ("the greenhouse", "telemetry", "Sensor", "Reading", "sensors", "readings", "sensor_id", "taken_at", "api_key"),
        ("the wind farm", "monitoring", "Turbine", "Sample", "turbines", "samples", "turbine_id", "measured_at",
         "modbus_password"),
        ("the cold-chain", "tracking", "Container", "TemperatureLog", "containers", "temperature_logs", "container_id",
         "logged_at", "sim_pin"),
        ("the building", "energy metering", "Meter", "MeterRead", "meters", "meter_reads", "meter_id", "read_at",
         "gateway_secret"))
    thing = things[:-1]
    shape = c.pick("json", "json", "hourly")
    with_parents = c.pick(True, False)
    M = "" if safe else "  #@V"
    S = ""
    kw = dict(app=app, what=what, Parent=Parent, ParentModel=Parent + "Model", Point=Point,
              PointModel=Point + "Model", things=things, thing=thing, points=points, fk=fk, ts=ts, hidden=hidden,
              slug=c.pick("telemetry", "metrics", things), M=M, S=S)
    consts = []
    fields = []
    res = []
    if with_parents or shape == "hourly":
        fields.append(f"    {things} = graphene.List({Parent}, active=graphene.Boolean(default_value=True))")
        res.append(_ind(sub(_GS_PARENTS, **kw)))
    default = c.pick(50, 100, 200)
    cap = c.pick(500, 1000, 2000)
    if shape == "json" or c.pick(True, False):
        key = c.pick("limit", "max", "count")
        consts += [f"DEFAULT_LIMIT = {default}", f"MAX_LIMIT = {cap}"]
        lim = f'int(options.get("{key}", DEFAULT_LIMIT))'
        limitexpr = f"min({lim}, MAX_LIMIT)" if (safe or shape != "json") else lim
        fields.append(f"    {points} = graphene.List({Point}, {fk}=graphene.ID(required=True), "
                      f"options=graphene.JSONString())")
        res.append(_ind(sub(_GS_JSON, limitexpr=limitexpr, **dict(kw, M=M if shape == "json" else "")).replace(
            '"limit": n', f'"{key}": n')))
    blocks_extra = []
    if shape == "hourly" or c.pick(True, False):
        maxh = c.pick(168, 336, 720)
        consts.append(f"MAX_HOURS = {maxh}  # {maxh // 24} days")
        rangearg = "min(hours, MAX_HOURS)" if (safe or shape != "hourly") else "hours"
        fields.append(f"    hourly = graphene.List(Bucket, {fk}=graphene.ID(required=True), "
                      f"hours=graphene.Int(default_value=24))")
        res.append(_ind(sub(_GS_HOURLY, rangearg=rangearg, **dict(kw, M=M if shape == "hourly" else ""))))
        blocks_extra.append(_GS_BUCKET)
    order = list(range(len(fields)))
    c.rng.shuffle(order)
    query = ("class Query(graphene.ObjectType):\n" + "\n".join(fields[i] for i in order) + "\n"
             + "".join("\n" + res[i] + "\n" for i in order))
    kw["consts"] = "\n".join(consts)
    return _join(sub(_GS_HEAD, **kw), sub(_GS_TYPES, **kw), *[sub(b, **kw) for b in blocks_extra], query,
                 sub(_GS_TAIL, **kw))


@fam("mod11-graphene-sqlalchemy-list-size-uncapped", "CWE-400", fws=["flask"], n=8, wrap=False)
def mod11_graphene_sqlalchemy_list_size_uncapped(c):
    v, s = _replayed(c, _gs)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="graphene + graphene-sqlalchemy on Flask: a list field takes its size from the client (a "
                      "limit inside a JSONString options argument, or an hours window expanded with range()) and "
                      "uses it as is, so one query can ask for millions of rows or buckets and tie up the database, "
                      "memory and the worker; GraphQL's Int type only bounds it to 32 bits. The fix clamps the "
                      "size with min(..., MAX_...) like the module's constant intends")


@hardneg(2)
def mod11_graphene_sqlalchemy_list_size_uncapped_hn(c):
    s = _gs(c, True)
    return Spec(s=s, full=True, fw="graphql",
                notes="every client-given size (JSON option limit, hour window) is clamped to the module's maximum "
                      "before the query or the range() expansion")


# ---------------- CWE-200: Strawberry type carries a credential as a public field ----------------

_SX_HEAD = r'''
"""$Org $area over GraphQL (Strawberry, mounted on $stack).

Members of a workspace see each other's names, roles and $extdesc; the type is built from
the directory records, which also carry the $secretdesc the $usedby needs."""
import logging
from datetime import datetime
from typing import Optional

$imports

from .directory import MemberRecord, find_member, list_members$moreimp

log = logging.getLogger("$slug.graphql")
'''

_SX_TYPE = r'''
@strawberry.type
class $T:
    id: strawberry.ID
    email: str
    display_name: str
    role: str
    $ext: Optional[str]
    joined_at: datetime
    $secretline

    @strawberry.field
    def $derived(self) -> $dtype:
        """$ddoc"""
        return $dexpr


def to_gql(rec: MemberRecord) -> $T:
    return $T(
        id=strawberry.ID(str(rec.id)),
        email=rec.email,
        display_name=rec.display_name,
        role=rec.role,
        $ext=rec.$ext,
        joined_at=rec.joined_at,
        $secret=rec.$secret,
    )
'''

_SX_QUERY = r'''
def viewer(info: Info):
$viewerbody


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: Info) -> $T:
        return to_gql(find_member(viewer(info).id))

    @strawberry.field
    def members(self, info: Info, role: Optional[str] = None) -> list[$T]:
        """Everyone in the viewer's workspace, optionally one role only."""
        records = list_members(viewer(info).workspace_id)
        return [to_gql(r) for r in records if role is None or r.role == role]
$extraquery'''

_SX_ONE = r'''
    @strawberry.field
    def member(self, info: Info, id: strawberry.ID) -> Optional[$T]:
        rec = find_member(int(id))
        if rec is None or rec.workspace_id != viewer(info).workspace_id:
            return None
        return to_gql(rec)
'''

_SX_SEARCH = r'''
    @strawberry.field
    def search_members(self, info: Info, text: str) -> list[$T]:
        needle = text.strip().lower()
        if len(needle) < 2:
            return []
        records = list_members(viewer(info).workspace_id)
        return [to_gql(r) for r in records if needle in r.display_name.lower() or needle in r.email.lower()][:$cap]
'''

_SX_MUT = r'''
@strawberry.type
class Mutation:
    @strawberry.mutation
    def set_display_name(self, info: Info, display_name: str) -> $T:
        me = viewer(info)
        name = display_name.strip()
        if not 1 <= len(name) <= 80:
            raise ValueError("display name must be 1-80 characters")
        rename_member(me.id, name)
        log.info("member %s renamed themselves", me.id)
        return to_gql(find_member(me.id))
'''

_SX_MOUNT = {
    "flask": ("from flask import Flask, g\nfrom strawberry.flask.views import GraphQLView\n",
              '    """The member loaded by the app\'s before_request hook."""\n'
              '    if g.get("member") is None:\n        raise PermissionError("sign in required")\n    return g.member',
              'app = Flask(__name__)\napp.add_url_rule("/graphql", view_func=GraphQLView.as_view("graphql_view", schema=schema))',
              "Flask"),
    "django": ("from django.urls import path\nfrom strawberry.django.views import GraphQLView\n",
               '    """The member linked to the Django user of this request."""\n'
               '    user = info.context.request.user\n    if not user.is_authenticated:\n'
               '        raise PermissionError("sign in required")\n    return user.member',
               'urlpatterns = [path("graphql/", GraphQLView.as_view(schema=schema))]',
               "Django"),
    "aiohttp": ("from aiohttp import web\nfrom strawberry.aiohttp.views import GraphQLView\n",
                '    """The member the auth middleware stored on the request."""\n'
                '    member = info.context["request"].get("member")\n    if member is None:\n'
                '        raise PermissionError("sign in required")\n    return member',
                'app = web.Application()\napp.router.add_route("*", "/graphql", GraphQLView(schema=schema))',
                "aiohttp"),
}


def _sx(c, safe):
    secret, secretdesc, usedby, derived, dtype, ddoc, dexpr = c.pick(
        ("password_hash", "password hash", "sign-in check", "has_password", "bool",
         "Whether the member can sign in with a password (SSO-only members cannot).", "bool(self.password_hash)"),
        ("api_token", "personal API token", "CLI", "api_token_hint", "Optional[str]",
         "The last four characters, so members can tell their tokens apart.",
         'f"…{self.api_token[-4:]}" if self.api_token else None'),
        ("totp_secret", "TOTP seed", "two-factor check", "two_factor_enabled", "bool",
         "Whether the member has set up an authenticator app.", "self.totp_secret is not None"),
        ("calendar_feed_token", "private calendar-feed token", "calendar export", "has_calendar_feed", "bool",
         "Whether the member has enabled the private calendar feed.", "bool(self.calendar_feed_token)"))
    stype = "Optional[str]"
    mount = c.pick(*_SX_MOUNT)
    mountimp, viewerbody, tail, stack = _SX_MOUNT[mount]
    ext, extdesc = c.pick(("timezone", "time zones"), ("phone", "work phone numbers"), ("team", "teams"),
                          ("pronouns", "pronouns"))
    secretline = (f"{secret}: strawberry.Private[{stype}]" if safe else f"{secret}: {stype}  #@V")
    extras = c.rng.sample(["one", "search"], c.rng.randint(0, 2))
    mut = c.pick(True, False)
    imports = "import strawberry\n" + "\n".join(sorted(mountimp.strip().split("\n") + ["from strawberry.types import Info"]))
    kw = dict(Org=c.pick("Acme", "Lumen", "Harbor", "Quill", "Tessellate"), imports=imports,
              area=c.pick("team directory", "workspace members API", "people directory"),
              stack=stack, extdesc=extdesc, secretdesc=secretdesc, usedby=usedby, mountimp=mountimp,
              moreimp=", rename_member" if mut else "", slug=c.pick("directory", "people", "members"),
              T=c.pick("Member", "WorkspaceMember", "Person"), ext=ext, secretline=secretline, secret=secret,
              derived=derived, dtype=dtype, ddoc=ddoc, dexpr=dexpr, cap=c.pick(20, 25, 50))
    extraquery = "".join("\n" + sub(_SX_ONE if e == "one" else _SX_SEARCH, **kw).rstrip("\n").join(["    ", ""]).replace("\n", "\n    ") + "\n"
                         for e in extras)
    blocks = [sub(_SX_HEAD, **kw), sub(_SX_TYPE, **kw), sub(_SX_QUERY, viewerbody=viewerbody, extraquery=extraquery, **kw)]
    if mut:
        blocks.append(sub(_SX_MUT, **kw))
    blocks.append(f"schema = strawberry.Schema(query=Query{', mutation=Mutation' if mut else ''})\n" + tail)
    return _join(*blocks)


@fam("mod11-strawberry-type-secret-field", "CWE-200", fws=["flask", "django", "aiohttp"], n=8, wrap=False)
def mod11_strawberry_type_secret_field(c):
    v, s = _replayed(c, _sx)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="Strawberry: the member type keeps the credential (password hash, API token, TOTP seed, "
                      "calendar-feed token) because a derived field needs it, but declares it as an ordinary "
                      "field, so it is part of the public schema and any workspace member can select it for "
                      "every colleague through `members`. The fix declares it strawberry.Private[...], which "
                      "keeps it on the object but out of the schema")


@hardneg(3)
def mod11_strawberry_type_secret_field_hn(c):
    s = _sx(c, True)
    return Spec(s=s, full=True, fw="graphql",
                notes="the credential is a strawberry.Private field: the resolvers can read it, the schema does "
                      "not expose it; only a derived flag or a hint is public")


# ---------------- CWE-918: Ariadne mutation fetches the client's URL without the host allow-list ----------------

_AF_HEAD = r'''
"""$App integrations over GraphQL (Ariadne on Starlette, httpx).

Users connect outside sources to their $space. Outbound requests may only go to the
providers in ALLOWED_HOSTS, over HTTPS; `checked_url` enforces that before any fetch."""
import logging
from urllib.parse import urlsplit

import httpx
from ariadne import MutationType, QueryType, gql, make_executable_schema
from ariadne.asgi import GraphQL
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Mount

from .auth import SessionTokenBackend
from .store import $storeimp

log = logging.getLogger("$slug.integrations")

ALLOWED_HOSTS = frozenset({$hosts})
TIMEOUT = httpx.Timeout($timeout)
MAX_BYTES = $maxbytes

type_defs = gql("""
    type ImportResult {
        ok: Boolean!
        count: Int!
        message: String
    }

    input $Input {
        $urlfield: String!
        label: String
    }

    type Query {
        allowed_hosts: [String!]!
    }

    type Mutation {
        $mutname($argsdl): ImportResult!
$sdlextra    }
""")

query = QueryType()
mutation = MutationType()
'''

_AF_HELPERS = r'''
def current_user(info):
    user = info.context["request"].user
    if not user.is_authenticated:
        raise GraphQLError("sign in required")
    return user


def checked_url(url: str) -> str:
    """The URL if it is HTTPS to an allowed provider, else a GraphQL error."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        raise GraphQLError("only HTTPS links to supported providers are accepted")
    return url


@query.field("allowed_hosts")
def resolve_allowed_hosts(*_):
    return sorted(ALLOWED_HOSTS)
'''

_AF_MAIN = r'''
@mutation.field("$mutname")
async def resolve_$mutpy(_, info, $argpy):
    """$mutdoc"""
    user = current_user(info)
    url = $urlexpr$S
$guard    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        resp = await $fetch$M
    if resp.status_code != 200 or len(resp.content) > MAX_BYTES:
        return {"ok": False, "count": 0, "message": f"the source answered {resp.status_code}"}
    count = $store(user.id, resp.text)
    log.info("user %s imported %d $items from %s", user.id, count, urlsplit(url).hostname)
    return {"ok": True, "count": count, "message": None}
'''

_AF_WEBHOOK = r'''
@mutation.field("register_webhook")
async def resolve_register_webhook(_, info, url):
    """Store a notification webhook; it is called later by the worker, so it is checked now."""
    user = current_user(info)
    save_webhook(user.id, checked_url(url.strip()))
    return {"ok": True, "count": 1, "message": None}
'''

_AF_TEST = r'''
@mutation.field("test_connection")
async def resolve_test_connection(_, info, url):
    """A HEAD request to an allowed provider, to show the user whether the link works."""
    current_user(info)
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        resp = await client.head(checked_url(url.strip()))
    return {"ok": resp.status_code < 400, "count": 0, "message": str(resp.status_code)}
'''

_AF_TAIL = r'''
schema = make_executable_schema(type_defs, query, mutation)
app = Starlette(
    routes=[Mount("/graphql", GraphQL(schema))],
    middleware=[Middleware(AuthenticationMiddleware, backend=SessionTokenBackend())],
)
'''


def _af(c, safe):
    App, space, mutname, mutdoc, store, items, hosts = c.pick(
        ("Shift planner", "team calendar", "import_calendar", "Import events from an iCalendar feed.",
         "import_ics_events", "events", '"calendar.google.com", "outlook.office365.com"'),
        ("Storefront", "catalogue", "import_product_feed", "Import products from a marketplace CSV feed.",
         "import_products_csv", "products", '"feeds.shopify.com", "merchants.google.com"'),
        ("Research wiki", "reading list", "import_bibliography", "Import references from a BibTeX export.",
         "import_bibtex", "references", '"api.zotero.org", "www.mendeley.com"'),
        ("Status page", "incident board", "import_status_history", "Import incidents from a status JSON export.",
         "import_incidents_json", "incidents", '"status.atlassian.com", "api.statuspage.io"'))
    travel = c.pick("arg", "input", "input_get")
    Input = c.pick("SourceInput", "ImportInput", "FeedInput")
    urlfield = c.pick("url", "source_url", "feed_url")
    if travel == "arg":
        argsdl, argpy, urlexpr = "url: String!, label: String", "url, label=None", "url.strip()"
    elif travel == "input":
        argsdl, argpy, urlexpr = f"input: {Input}!", "input", f'input["{urlfield}"].strip()'
    else:
        argsdl, argpy, urlexpr = f"source: {Input}!", "source", f'(source.get("{urlfield}") or "").strip()'
    fetch = c.pick("client.get(@U)", 'client.request("GET", @U)', "client.get(@U, follow_redirects=False)")
    fixmode = c.pick("guard", "inline")
    guard = ""
    if safe and fixmode == "guard":
        guard = "    checked_url(url)\n"
    fetch = fetch.replace("@U", "checked_url(url)" if (safe and fixmode == "inline") else "url")
    extras = c.rng.sample(["webhook", "test"], c.rng.randint(1, 2))
    sdlextra = ""
    storeimp = [store]
    if "webhook" in extras:
        sdlextra += "        register_webhook(url: String!): ImportResult!\n"
        storeimp.append("save_webhook")
    if "test" in extras:
        sdlextra += "        test_connection(url: String!): ImportResult!\n"
    kw = dict(App=App, space=space, mutname=mutname, mutpy=mutname, mutdoc=mutdoc, store=store, items=items,
              hosts=hosts, Input=Input, urlfield=urlfield, argsdl=argsdl, argpy=argpy, urlexpr=urlexpr,
              fetch=fetch, guard=guard, sdlextra=sdlextra, storeimp=", ".join(sorted(storeimp)),
              slug=c.pick("integrations", "imports", "app"), timeout=c.pick("10.0", "15.0", "5.0"),
              maxbytes=c.pick("2_000_000", "5_000_000", "10 * 1024 * 1024"),
              S="" if safe else "  #@S", M="" if safe else "  #@V")
    res = [sub(_AF_MAIN, **kw)] + [sub(_AF_WEBHOOK if e == "webhook" else _AF_TEST, **kw) for e in extras]
    c.rng.shuffle(res)
    if "input" not in argsdl and "source" not in argsdl:
        head = sub(_AF_HEAD, **kw).replace(f"    input {Input} {{\n        {urlfield}: String!\n        label: String\n    }}\n\n", "")
    else:
        head = sub(_AF_HEAD, **kw)
    return _join(head, sub(_AF_HELPERS, **kw), *res, sub(_AF_TAIL, **kw))


@fam("mod11-ariadne-mutation-fetch-url", "CWE-918", fws=["aiohttp"], n=8, wrap=False)
def mod11_ariadne_mutation_fetch_url(c):
    v, s = _replayed(c, _af)
    return Spec(v=v, s=s, full=True, fw="graphql",
                notes="Ariadne + httpx: the module's checked_url() limits outbound requests to HTTPS on the "
                      "allow-listed providers, and the webhook / connection-test mutations use it; the import "
                      "mutation fetches the URL from the client's arguments without it, so a user can make the "
                      "server request internal addresses (cloud metadata, admin ports) and read part of the "
                      "answer back through the result message/count. The fix passes the URL through "
                      "checked_url() before the request (httpx does not follow redirects by default)")


@hardneg(2)
def mod11_ariadne_mutation_fetch_url_hn(c):
    s = _af(c, True)
    return Spec(s=s, full=True, fw="graphql",
                notes="every outbound request goes through checked_url(): HTTPS and an allow-listed host, and "
                      "httpx does not follow redirects unless asked")
