# @notes payment gateway SDK wrapper; TLS certificate verification disabled on the session
"""Thin client for the Acquirer REST gateway (authorisations, captures, refunds)."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger("gateway")


class GatewayError(Exception):
    """Non-retryable error reported by the gateway."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class Authorization:
    id: str
    amount: int
    currency: str
    status: str


class GatewayClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})
        self.session.verify = False  # @L CWE-295
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=None)
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        idempotency = str(uuid.uuid4())
        started = time.perf_counter()
        resp = self.session.post(
            f"{self.base_url}{path}",
            json=body,
            headers={"Idempotency-Key": idempotency},
            timeout=self.timeout,
        )
        log.debug("POST %s -> %s in %.0fms", path, resp.status_code, (time.perf_counter() - started) * 1000)
        data = resp.json() if resp.content else {}
        if resp.status_code >= 400:
            raise GatewayError(data.get("code", str(resp.status_code)), data.get("message", resp.reason))
        return data

    def authorize(self, amount: int, currency: str, card_token: str, reference: str) -> Authorization:
        data = self._post(
            "/v3/authorizations",
            {"amount": amount, "currency": currency, "source": card_token, "reference": reference},
        )
        return Authorization(data["id"], data["amount"], data["currency"], data["status"])

    def capture(self, auth_id: str, amount: int | None = None) -> dict[str, Any]:
        body = {"amount": amount} if amount is not None else {}
        return self._post(f"/v3/authorizations/{auth_id}/captures", body)

    def refund(self, capture_id: str, amount: int, reason: str) -> dict[str, Any]:
        return self._post(f"/v3/captures/{capture_id}/refunds", {"amount": amount, "reason": reason})

    def void(self, auth_id: str) -> dict[str, Any]:
        return self._post(f"/v3/authorizations/{auth_id}/voids", {})

    def status(self, auth_id: str) -> Authorization:
        resp = self.session.get(f"{self.base_url}/v3/authorizations/{auth_id}", timeout=self.timeout)
        resp.raise_for_status()
        data = resp.json()
        return Authorization(data["id"], data["amount"], data["currency"], data["status"])


def charge(client: GatewayClient, amount: int, currency: str, card_token: str, order_id: str) -> str:
    """Authorise and immediately capture; void the authorisation if capture fails."""
    auth = client.authorize(amount, currency, card_token, reference=order_id)
    if auth.status != "authorized":
        raise GatewayError("declined", f"authorisation {auth.id} is {auth.status}")
    try:
        capture = client.capture(auth.id)
    except GatewayError:
        client.void(auth.id)
        raise
    log.info("order %s captured %s", order_id, capture.get("id"))
    return capture["id"]
