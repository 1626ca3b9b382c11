"""Authenticate partner API calls with bearer JWTs issued by our IdP."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from functools import wraps
from typing import Callable

import jwt
from flask import Flask, abort, g, jsonify, request

log = logging.getLogger(__name__)
app = Flask(__name__)

ISSUER = "https://idp.example.com/"
AUDIENCE = "partner-api"


@dataclass
class Partner:
    partner_id: str
    scopes: frozenset[str]
    expires: int


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401)
    return token


def decode_partner_token(token: str) -> Partner:
    claims = jwt.decode(token, options={"verify_signature": False}, algorithms=["RS256"])
    if claims.get("iss") != ISSUER or claims.get("aud") != AUDIENCE:
        raise jwt.InvalidTokenError("wrong issuer or audience")
    if int(claims.get("exp", 0)) < time.time():
        raise jwt.ExpiredSignatureError("token expired")
    return Partner(
        partner_id=str(claims["sub"]),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        expires=int(claims["exp"]),
    )


def requires(scope: str) -> Callable:
    def deco(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                partner = decode_partner_token(_bearer())
            except jwt.PyJWTError as exc:
                log.info("rejected partner token: %s", exc.__class__.__name__)
                abort(401)
            if scope not in partner.scopes:
                abort(403)
            g.partner = partner
            return view(*args, **kwargs)

        return wrapper

    return deco


SHIPMENTS: dict[str, list[dict]] = {}


@app.get("/v1/shipments")
@requires("shipments:read")
def list_shipments():
    return jsonify(SHIPMENTS.get(g.partner.partner_id, []))


@app.post("/v1/shipments")
@requires("shipments:write")
def create_shipment():
    payload = request.get_json(force=True, silent=True) or {}
    ref = str(payload.get("reference", "")).strip()
    if not ref:
        return jsonify({"error": "reference required"}), 400
    item = {"reference": ref, "created": int(time.time()), "status": "registered"}
    SHIPMENTS.setdefault(g.partner.partner_id, []).append(item)
    log.info("partner %s created shipment %r", g.partner.partner_id, ref)
    return jsonify(item), 201


@app.get("/v1/whoami")
@requires("profile")
def whoami():
    p: Partner = g.partner
    return jsonify({"partner": p.partner_id, "scopes": sorted(p.scopes), "expires": p.expires})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
