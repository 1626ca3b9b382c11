"""Sign and deliver outbound webhooks to customer endpoints."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import requests

log = logging.getLogger("webhooks.out")


class EndpointRejected(ValueError):
    pass


@dataclass
class Endpoint:
    id: int
    url: str
    secret: str
    active: bool = True


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def validate_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise EndpointRejected("endpoint must be an https URL")
    for info in socket.getaddrinfo(parsed.hostname, parsed.port or 443, proto=socket.IPPROTO_TCP):
        addr = ipaddress.ip_address(info[4][0])
        if addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved or addr.is_multicast:
            raise EndpointRejected("endpoint resolves to a non-public address")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Reference implementation we publish for customers."""
    fields = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        ts = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - ts) > tolerance:
        return False
    expected = sign(secret, ts, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def deliver(endpoint: Endpoint, event_type: str, payload: dict, attempts: int = 4) -> bool:
    body = json.dumps({"type": event_type, "data": payload, "sent_at": int(time.time())}).encode()
    for attempt in range(1, attempts + 1):
        ts = int(time.time())
        try:
            validate_url(endpoint.url)
            resp = requests.post(
                endpoint.url,
                data=body,
                headers={"Content-Type": "application/json", "Webhook-Signature": sign(endpoint.secret, ts, body)},
                timeout=10,
                allow_redirects=False,
            )
            if 200 <= resp.status_code < 300:
                return True
            log.info("endpoint %s answered %s (attempt %d)", endpoint.id, resp.status_code, attempt)
        except (requests.RequestException, EndpointRejected) as exc:
            log.info("endpoint %s failed: %s (attempt %d)", endpoint.id, type(exc).__name__, attempt)
        time.sleep(min(2 ** attempt, 30))
    return False
