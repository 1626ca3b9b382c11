"""Nightly monitor: partner API health and certificate expiry, posted to the ops channel."""
from __future__ import annotations

import json
import logging
import os
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone

log = logging.getLogger("partner_monitor")

PARTNERS = {
    "acme-logistics": "https://api.acme-logistics.example/health",
    "northwind-pay": "https://gateway.northwind-pay.example/status",
    "contoso-erp": "https://erp.contoso.example/api/ping",
}
WARN_DAYS = 21
WEBHOOK = os.environ.get("OPS_WEBHOOK_URL", "")


@dataclass
class Probe:
    partner: str
    up: bool
    status: int | None
    latency_ms: float | None
    cert_days_left: int | None


def cert_days_left(host: str, port: int = 443) -> int | None:
    ctx = ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            with ctx.wrap_socket(sock, server_hostname=host) as tls:
                not_after = tls.getpeercert()["notAfter"]
    except (OSError, ssl.SSLError) as exc:
        log.warning("cert check failed for %s: %s", host, exc)
        return None
    expires = datetime.strptime(not_after, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=timezone.utc)
    return (expires - datetime.now(timezone.utc)).days


def probe(partner: str, url: str) -> Probe:
    ctx = ssl._create_unverified_context()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=10, context=ctx) as resp:
            status = resp.status
        up = 200 <= status < 300
        latency = (time.perf_counter() - started) * 1000
    except OSError as exc:
        log.info("%s unreachable: %s", partner, exc)
        status, up, latency = None, False, None
    host = urllib.request.urlparse(url).hostname or ""
    return Probe(partner, up, status, latency, cert_days_left(host))


def format_report(probes: list[Probe]) -> str:
    lines = []
    for p in probes:
        icon = ":white_check_mark:" if p.up else ":red_circle:"
        cert = "cert ?" if p.cert_days_left is None else f"cert {p.cert_days_left}d"
        if p.cert_days_left is not None and p.cert_days_left < WARN_DAYS:
            cert = f":warning: {cert}"
        latency = f"{p.latency_ms:.0f}ms" if p.latency_ms is not None else "-"
        lines.append(f"{icon} {p.partner}: {p.status or 'down'} {latency} {cert}")
    return "\n".join(lines)


def post(text: str) -> None:
    if not WEBHOOK:
        print(text)
        return
    req = urllib.request.Request(WEBHOOK, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    probes = [probe(name, url) for name, url in PARTNERS.items()]
    post(format_report(probes))
    failing = [p.partner for p in probes if not p.up]
    if failing:
        log.warning("partners down: %s", ", ".join(failing))


if __name__ == "__main__":
    main()
