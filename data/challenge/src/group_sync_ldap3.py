# @notes group sync job using ldap3; group name from the admin API request is placed into the LDAP filter unescaped
"""Sync LDAP group membership into the analytics platform's workspaces."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from flask import Blueprint, jsonify, request
from ldap3 import ALL, SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

from .auth import require_admin
from .workspaces import WorkspaceRepo

bp = Blueprint("groupsync", __name__, url_prefix="/admin/groupsync")
log = logging.getLogger(__name__)

SERVER = Server(os.environ.get("LDAP_HOST", "ldaps://ldap.example.com"), get_info=ALL, use_ssl=True)
GROUP_BASE = "ou=groups,dc=example,dc=com"
PEOPLE_BASE = "ou=people,dc=example,dc=com"


@dataclass
class Member:
    uid: str
    mail: str
    name: str


def connect() -> Connection:
    return Connection(SERVER, os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PW"], auto_bind=True, read_only=True)


def group_members(conn: Connection, group: str) -> list[str]:
    conn.search(GROUP_BASE, f"(&(objectClass=groupOfNames)(cn={group}))", SUBTREE, attributes=["member"])  # @L CWE-90
    dns: list[str] = []
    for entry in conn.entries:
        dns.extend(str(v) for v in entry.member.values)
    return dns


def resolve(conn: Connection, dns: list[str]) -> list[Member]:
    out = []
    for dn in dns:
        uid = dn.split(",")[0].removeprefix("uid=")
        conn.search(PEOPLE_BASE, f"(uid={escape_filter_chars(uid)})", SUBTREE, attributes=["uid", "mail", "cn"])
        for e in conn.entries:
            out.append(Member(str(e.uid), str(e.mail), str(e.cn)))
    return out


def sync(workspace_id: int, group: str, repo: WorkspaceRepo) -> dict[str, int]:
    with connect() as conn:
        members = resolve(conn, group_members(conn, group))
    wanted = {m.uid: m for m in members}
    current = set(repo.member_uids(workspace_id))
    added = removed = 0
    for uid in wanted.keys() - current:
        repo.add_member(workspace_id, uid, wanted[uid].mail, wanted[uid].name)
        added += 1
    for uid in current - wanted.keys():
        repo.remove_member(workspace_id, uid)
        removed += 1
    return {"added": added, "removed": removed, "total": len(wanted)}


@bp.post("/<int:workspace_id>")
@require_admin
def sync_view(workspace_id: int):
    group = request.get_json(force=True).get("group", "")
    if not group:
        return jsonify({"error": "group required"}), 400
    result = sync(workspace_id, group, WorkspaceRepo())
    log.info("workspace %s synced: %s", workspace_id, result)
    return jsonify(result)


@bp.get("/<int:workspace_id>/preview")
@require_admin
def preview(workspace_id: int):
    group = request.args.get("group", "")
    with connect() as conn:
        members = resolve(conn, group_members(conn, group))
    return jsonify([m.__dict__ for m in members][:200])
