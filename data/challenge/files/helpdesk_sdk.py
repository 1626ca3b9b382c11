"""Python client for the Helpdesk v2 REST API."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote

import requests

log = logging.getLogger("helpdesk")

DEFAULT_BASE = "https://api.helpdesk-vendor.example/v2"


class HelpdeskError(Exception):
    """Request failed in a way retrying will not fix."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


class RateLimited(HelpdeskError):
    pass


@dataclass
class Ticket:
    id: int
    subject: str
    status: str
    requester: str
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> "Ticket":
        return cls(d["id"], d.get("subject", ""), d.get("status", "open"), d.get("requester", {}).get("email", ""), d.get("tags", []))


class HelpdeskClient:
    def __init__(self, token: str | None = None, base_url: str = DEFAULT_BASE, timeout: float = 15.0, retries: int = 3) -> None:
        token = token or os.environ.get("HELPDESK_TOKEN")
        if not token:
            raise ValueError("HELPDESK_TOKEN is not set")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": "helpdesk-py/1.4"})

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}{path}"
        for attempt in range(self.retries + 1):
            resp = self.session.request(method, url, timeout=self.timeout, **kwargs)
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == self.retries:
                    break
                delay = float(resp.headers.get("Retry-After", 2 ** attempt))
                log.debug("%s %s -> %s, retrying in %.1fs", method, path, resp.status_code, delay)
                time.sleep(min(delay, 30))
                continue
            if resp.status_code >= 400:
                raise HelpdeskError(resp.status_code, resp.text[:200])
            return resp.json() if resp.content else None
        if resp.status_code == 429:
            raise RateLimited(429, "rate limit exceeded")
        raise HelpdeskError(resp.status_code, "server error")

    def tickets(self, status: str | None = None, per_page: int = 100) -> Iterator[Ticket]:
        params: dict[str, Any] = {"per_page": per_page}
        if status:
            params["status"] = status
        page = 1
        while True:
            params["page"] = page
            data = self._request("GET", "/tickets", params=params)
            for item in data.get("tickets", []):
                yield Ticket.from_api(item)
            if not data.get("next_page"):
                return
            page += 1

    def ticket(self, ticket_id: int) -> Ticket:
        return Ticket.from_api(self._request("GET", f"/tickets/{int(ticket_id)}")["ticket"])

    def add_tag(self, ticket_id: int, tag: str) -> None:
        self._request("PUT", f"/tickets/{int(ticket_id)}/tags/{quote(tag, safe='')}")

    def reply(self, ticket_id: int, body: str, public: bool = True) -> int:
        data = self._request("POST", f"/tickets/{int(ticket_id)}/comments", json={"body": body, "public": public})
        return int(data["comment"]["id"])
