# @notes developer portal API keys derived from md5 of the timestamp and user id (predictable); keys are stored hashed
"""API key management for the public developer portal."""
from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

log = logging.getLogger("devportal.keys")

MAX_KEYS_PER_APP = 5


@dataclass
class ApiKey:
    key_id: str
    app_id: int
    digest: str
    label: str
    created_at: datetime
    last_used: datetime | None = None
    scopes: list[str] = field(default_factory=lambda: ["read"])
    revoked: bool = False


class KeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, ApiKey] = {}

    def for_app(self, app_id: int) -> list[ApiKey]:
        return [k for k in self._keys.values() if k.app_id == app_id and not k.revoked]

    def put(self, key: ApiKey) -> None:
        self._keys[key.key_id] = key

    def get(self, key_id: str) -> ApiKey | None:
        return self._keys.get(key_id)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_secret(app_id: int, user_id: int) -> str:
    seed = f"{app_id}:{user_id}:{time.time()}"
    return hashlib.md5(seed.encode()).hexdigest()  # @L CWE-330


def create_key(store: KeyStore, app_id: int, user_id: int, label: str, scopes: list[str]) -> str:
    if len(store.for_app(app_id)) >= MAX_KEYS_PER_APP:
        raise ValueError("this app already has the maximum number of keys")
    secret = generate_secret(app_id, user_id)  # @L CWE-330
    key_id = secret[:8]
    store.put(
        ApiKey(
            key_id=key_id,
            app_id=app_id,
            digest=_digest(secret),
            label=label[:60],
            created_at=datetime.now(timezone.utc),
            scopes=sorted(set(scopes) & {"read", "write", "billing"}) or ["read"],
        )
    )
    log.info("app %s: key %s created by user %s", app_id, key_id, user_id)
    return f"pk_{secret}"


def authenticate(store: KeyStore, presented: str) -> ApiKey | None:
    if not presented.startswith("pk_"):
        return None
    secret = presented[3:]
    key = store.get(secret[:8])
    if key is None or key.revoked:
        return None
    if not hmac.compare_digest(key.digest, _digest(secret)):
        return None
    key.last_used = datetime.now(timezone.utc)
    return key


def revoke(store: KeyStore, app_id: int, key_id: str) -> bool:
    key = store.get(key_id)
    if key is None or key.app_id != app_id:
        return False
    key.revoked = True
    return True


def rotate(store: KeyStore, app_id: int, user_id: int, key_id: str) -> str:
    old = store.get(key_id)
    if old is None or old.app_id != app_id:
        raise KeyError(key_id)
    new = create_key(store, app_id, user_id, old.label, old.scopes)
    old.revoked = True
    return new
