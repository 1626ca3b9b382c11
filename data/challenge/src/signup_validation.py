# @notes signup form validation; email regex with nested quantifiers applied to request input (ReDoS); the display-name regex is unambiguous
"""Validation helpers for the newsletter/sign-up form."""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"^([a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*)+@([a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}$")  # @L CWE-1333
DISPLAY_NAME_RE = re.compile(r"^[\w'-]+(?: [\w'-]+)*$")
POSTCODE_RE = re.compile(r"^[A-Z0-9]{3,4}\s?[A-Z0-9]{3}$")
BLOCKED_DOMAINS = {"mailinator.com", "10minutemail.com", "guerrillamail.com"}


@dataclass
class SignupForm:
    email: str
    display_name: str
    postcode: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass
class ValidationResult:
    ok: bool
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, field_name: str, message: str) -> None:
        self.ok = False
        self.errors.setdefault(field_name, message)


ALLOWED_TOPICS = {"product", "events", "research", "offers"}


def normalise_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).strip()
    return re.sub(r"\s+", " ", name)


def validate(form: SignupForm) -> ValidationResult:
    result = ValidationResult(ok=True)
    email = form.email.strip()
    if not EMAIL_RE.match(email):  # @L CWE-1333
        result.add("email", "Please enter a valid email address")
    elif email.rsplit("@", 1)[1].lower() in BLOCKED_DOMAINS:
        result.add("email", "Disposable addresses are not accepted")

    name = normalise_name(form.display_name)
    if not 2 <= len(name) <= 60:
        result.add("display_name", "Name must be 2-60 characters")
    elif not DISPLAY_NAME_RE.match(name):
        result.add("display_name", "Name contains unsupported characters")

    if form.postcode and not POSTCODE_RE.match(form.postcode.upper().strip()):
        result.add("postcode", "Unrecognised postcode")

    unknown = set(form.topics) - ALLOWED_TOPICS
    if unknown:
        result.add("topics", f"Unknown topics: {', '.join(sorted(unknown))}")
    return result


def from_request(data: dict) -> SignupForm:
    topics = data.get("topics") or []
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",") if t.strip()]
    return SignupForm(
        email=str(data.get("email", "")),
        display_name=str(data.get("display_name", "")),
        postcode=str(data.get("postcode", "")),
        topics=[str(t) for t in topics][:10],
    )


def handle_signup(data: dict, store) -> tuple[int, dict]:
    form = from_request(data)
    result = validate(form)
    if not result.ok:
        return 422, {"errors": result.errors}
    if store.exists(form.email.lower()):
        return 200, {"status": "already subscribed"}
    store.add(form.email.lower(), normalise_name(form.display_name), form.topics)
    log.info("new subscriber (%d topics)", len(form.topics))
    return 201, {"status": "subscribed"}
