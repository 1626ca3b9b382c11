# @notes LDAP helper for an intranet phone book; search filter built from the query string without escaping
"""Phone-book lookups against the corporate LDAP directory."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

import ldap
from flask import Blueprint, jsonify, request

bp = Blueprint("phonebook", __name__, url_prefix="/phonebook")
log = logging.getLogger(__name__)

BASE_DN = "ou=people,dc=corp,dc=example,dc=com"
ATTRS = ["cn", "mail", "telephoneNumber", "title", "departmentNumber"]


@dataclass
class Person:
    name: str
    email: str
    phone: str
    title: str
    department: str

    @classmethod
    def from_entry(cls, attrs: dict[str, list[bytes]]) -> "Person":
        def first(key: str) -> str:
            values = attrs.get(key) or [b""]
            return values[0].decode("utf-8", "replace")

        return cls(
            name=first("cn"),
            email=first("mail"),
            phone=first("telephoneNumber"),
            title=first("title"),
            department=first("departmentNumber"),
        )


@lru_cache(maxsize=1)
def _connection() -> "ldap.ldapobject.LDAPObject":
    conn = ldap.initialize(os.environ.get("LDAP_URL", "ldaps://ldap.corp.example.com"))
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.simple_bind_s(os.environ["LDAP_BIND_DN"], os.environ["LDAP_BIND_PASSWORD"])
    return conn


def search_people(term: str, department: str | None = None, limit: int = 25) -> list[Person]:
    """Find people whose name or mail starts with term."""
    filt = f"(|(cn={term}*)(mail={term}*))"  # @L CWE-90
    if department:
        filt = f"(&{filt}(departmentNumber={department}))"  # @L CWE-90
    log.debug("ldap search %r", filt)
    results = _connection().search_ext_s(  # @L CWE-90
        BASE_DN, ldap.SCOPE_SUBTREE, filt, ATTRS, sizelimit=limit
    )
    return [Person.from_entry(attrs) for dn, attrs in results if dn]


def people_in_department(dept: str) -> list[Person]:
    from ldap.filter import escape_filter_chars

    filt = f"(departmentNumber={escape_filter_chars(dept)})"
    results = _connection().search_s(BASE_DN, ldap.SCOPE_SUBTREE, filt, ATTRS)
    return sorted((Person.from_entry(a) for dn, a in results if dn), key=lambda p: p.name)


@bp.get("/search")
def search_view():
    term = request.args.get("q", "").strip()
    if len(term) < 2:
        return jsonify({"error": "query too short"}), 400
    people = search_people(term, request.args.get("dept"))
    return jsonify([p.__dict__ for p in people])


@bp.get("/departments/<dept>")
def department_view(dept: str):
    return jsonify([p.__dict__ for p in people_in_department(dept)])


@bp.errorhandler(ldap.LDAPError)
def ldap_down(exc: ldap.LDAPError):
    log.error("directory error: %s", exc)
    _connection.cache_clear()
    return jsonify({"error": "directory unavailable"}), 503
