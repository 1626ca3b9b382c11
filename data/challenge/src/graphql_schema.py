# @notes clean: Strawberry GraphQL schema; permission classes on every resolver, queries scoped to the viewer's organisation, depth/size limits
"""GraphQL API for the asset-management app."""
from __future__ import annotations

import logging
from datetime import date
from typing import Any

import strawberry
from strawberry.extensions import MaxTokensLimiter, QueryDepthLimiter
from strawberry.permission import BasePermission
from strawberry.types import Info

from .repo import AssetRepo

log = logging.getLogger(__name__)


class IsAuthenticated(BasePermission):
    message = "authentication required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.get("user") is not None


class IsAssetManager(BasePermission):
    message = "asset manager role required"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        user = info.context.get("user")
        return user is not None and "asset-manager" in user.roles


@strawberry.type
class Asset:
    id: strawberry.ID
    tag: str
    name: str
    category: str
    assigned_to: str | None
    purchased_on: date | None


@strawberry.input
class AssetInput:
    tag: str
    name: str
    category: str
    purchased_on: date | None = None


def _repo(info: Info) -> AssetRepo:
    return info.context["repo"]


def _org(info: Info) -> int:
    return info.context["user"].org_id


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[IsAuthenticated])
    def assets(self, info: Info, category: str | None = None, first: int = 50) -> list[Asset]:
        rows = _repo(info).list(_org(info), category=category, limit=min(first, 200))
        return [Asset(**r) for r in rows]

    @strawberry.field(permission_classes=[IsAuthenticated])
    def asset(self, info: Info, id: strawberry.ID) -> Asset | None:
        row = _repo(info).get(_org(info), int(id))
        return Asset(**row) if row else None

    @strawberry.field(permission_classes=[IsAuthenticated])
    def my_assets(self, info: Info) -> list[Asset]:
        user = info.context["user"]
        return [Asset(**r) for r in _repo(info).assigned_to(_org(info), user.email)]


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsAssetManager])
    def create_asset(self, info: Info, data: AssetInput) -> Asset:
        row = _repo(info).create(_org(info), data.tag.strip(), data.name.strip(), data.category, data.purchased_on)
        log.info("asset %s created in org %s", row["id"], _org(info))
        return Asset(**row)

    @strawberry.mutation(permission_classes=[IsAssetManager])
    def assign_asset(self, info: Info, id: strawberry.ID, email: str | None) -> Asset:
        row = _repo(info).assign(_org(info), int(id), email)
        if row is None:
            raise ValueError("asset not found")
        return Asset(**row)

    @strawberry.mutation(permission_classes=[IsAssetManager])
    def retire_asset(self, info: Info, id: strawberry.ID) -> bool:
        return _repo(info).retire(_org(info), int(id))


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[QueryDepthLimiter(max_depth=6), MaxTokensLimiter(max_token_count=2000)],
)
