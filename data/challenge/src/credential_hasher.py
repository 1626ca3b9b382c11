# @notes clean: password hashing module using argon2id with rehash-on-login and constant-time API key checks
"""Password and API-key hashing for the identity service."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

log = logging.getLogger(__name__)

_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2, hash_len=32, salt_len=16)

API_KEY_PREFIX = "idk_"


class WeakPassword(ValueError):
    pass


def check_strength(password: str, email: str = "") -> None:
    if len(password) < 12:
        raise WeakPassword("use at least 12 characters")
    if email and email.split("@")[0].lower() in password.lower():
        raise WeakPassword("password must not contain your email name")
    classes = sum(
        [any(c.islower() for c in password), any(c.isupper() for c in password),
         any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    )
    if classes < 3 and len(password) < 20:
        raise WeakPassword("mix upper/lower case, digits and symbols, or use a longer passphrase")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, candidate: str) -> tuple[bool, str | None]:
    """Return (ok, new_hash); new_hash is set when parameters were upgraded."""
    try:
        _hasher.verify(stored, candidate)
    except VerifyMismatchError:
        return False, None
    except (VerificationError, InvalidHashError):
        log.warning("stored password hash could not be verified")
        return False, None
    if _hasher.check_needs_rehash(stored):
        return True, _hasher.hash(candidate)
    return True, None


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    secret: str
    digest: str

    @property
    def display(self) -> str:
        return f"{API_KEY_PREFIX}{self.key_id}_{self.secret}"


def issue_api_key() -> IssuedKey:
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return IssuedKey(key_id, secret, digest)


def parse_api_key(raw: str) -> tuple[str, str] | None:
    if not raw.startswith(API_KEY_PREFIX):
        return None
    body = raw[len(API_KEY_PREFIX):]
    key_id, sep, secret = body.partition("_")
    if not sep or len(key_id) != 12 or not secret:
        return None
    return key_id, secret


def verify_api_key(raw: str, lookup) -> str | None:
    parsed = parse_api_key(raw)
    if parsed is None:
        return None
    key_id, secret = parsed
    stored_digest = lookup(key_id)
    if stored_digest is None:
        return None
    if hmac.compare_digest(stored_digest, hashlib.sha256(secret.encode()).hexdigest()):
        return key_id
    return None
