# @notes clean: JWT verification with JWKS, pinned algorithms, audience and issuer checks
"""Verify service-to-service JWTs issued by the internal auth server."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

import jwt
from jwt import PyJWKClient

log = logging.getLogger(__name__)

ISSUER = os.environ.get("AUTH_ISSUER", "https://auth.internal.example.com")
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
ALGORITHMS = ["RS256", "ES256"]
LEEWAY = 30


class Unauthorized(Exception):
    """Token missing, malformed, expired or signed by an unknown key."""


@dataclass(frozen=True)
class ServiceIdentity:
    service: str
    scopes: frozenset[str]
    token_id: str

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or "*" in self.scopes


class TokenVerifier:
    def __init__(self, audience: str, jwks_url: str = JWKS_URL) -> None:
        self.audience = audience
        self._jwks = PyJWKClient(jwks_url, cache_keys=True, lifespan=900)
        self._revoked: dict[str, float] = {}

    def revoke(self, jti: str, until: float) -> None:
        self._revoked[jti] = until

    def _is_revoked(self, jti: str) -> bool:
        now = time.time()
        self._revoked = {k: v for k, v in self._revoked.items() if v > now}
        return jti in self._revoked

    def verify(self, token: str) -> ServiceIdentity:
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=ISSUER,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "sub", "jti"]},
            )
        except jwt.PyJWTError as exc:
            log.info("token rejected: %s", type(exc).__name__)
            raise Unauthorized(str(exc)) from exc
        if self._is_revoked(claims["jti"]):
            raise Unauthorized("token revoked")
        return ServiceIdentity(
            service=claims["sub"],
            scopes=frozenset(str(claims.get("scope", "")).split()),
            token_id=claims["jti"],
        )


def require_scope(verifier: TokenVerifier, scope: str) -> Callable:
    """Decorator for handlers taking (headers, *args); injects the caller identity."""

    def deco(handler: Callable) -> Callable:
        @wraps(handler)
        def wrapper(headers: dict[str, str], *args: Any, **kwargs: Any) -> Any:
            auth = headers.get("authorization", "")
            if not auth.lower().startswith("bearer "):
                raise Unauthorized("missing bearer token")
            identity = verifier.verify(auth[7:].strip())
            if not identity.allows(scope):
                raise Unauthorized(f"scope {scope} required")
            return handler(headers, *args, identity=identity, **kwargs)

        return wrapper

    return deco
