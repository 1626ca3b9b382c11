# @notes clean: async uptime poller; aiohttp with default TLS verification, fixed endpoint list from config, bounded concurrency
"""Poll a fixed list of service health endpoints and publish a status page JSON."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp
import yaml

log = logging.getLogger("status_poller")

CONFIG = Path(os.environ.get("STATUS_CONFIG", "/etc/status/endpoints.yml"))
OUTPUT = Path(os.environ.get("STATUS_OUTPUT", "/srv/status/status.json"))
CONCURRENCY = 8


@dataclass
class Check:
    name: str
    url: str
    expect_status: int = 200
    timeout: float = 5.0


@dataclass
class Result:
    name: str
    up: bool
    status: int | None
    latency_ms: float | None
    checked_at: float
    error: str | None = None


def load_checks(path: Path) -> list[Check]:
    data = yaml.safe_load(path.read_text()) or {}
    checks = []
    for item in data.get("checks", []):
        if not str(item.get("url", "")).startswith("https://"):
            log.warning("skipping non-https check %s", item.get("name"))
            continue
        checks.append(Check(**item))
    return checks


async def probe(session: aiohttp.ClientSession, check: Check, sem: asyncio.Semaphore) -> Result:
    async with sem:
        started = time.perf_counter()
        try:
            timeout = aiohttp.ClientTimeout(total=check.timeout)
            async with session.get(check.url, timeout=timeout, allow_redirects=False) as resp:
                latency = (time.perf_counter() - started) * 1000
                return Result(check.name, resp.status == check.expect_status, resp.status, latency, time.time())
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return Result(check.name, False, None, None, time.time(), error=type(exc).__name__)


async def poll_all(checks: list[Check]) -> list[Result]:
    sem = asyncio.Semaphore(CONCURRENCY)
    headers = {"User-Agent": "status-poller/2.0"}
    async with aiohttp.ClientSession(headers=headers) as session:
        return await asyncio.gather(*(probe(session, c, sem) for c in checks))


def publish(results: list[Result], dest: Path) -> None:
    payload = {
        "generated_at": int(time.time()),
        "overall": "operational" if all(r.up for r in results) else "degraded",
        "services": [asdict(r) for r in results],
    }
    tmp = dest.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    tmp.replace(dest)


async def run_forever(interval: float) -> None:
    while True:
        checks = load_checks(CONFIG)
        results = await poll_all(checks)
        publish(results, OUTPUT)
        down = [r.name for r in results if not r.up]
        if down:
            log.warning("down: %s", ", ".join(down))
        else:
            log.info("all %d services up", len(results))
        await asyncio.sleep(interval)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run_forever(float(os.environ.get("STATUS_INTERVAL", "60"))))


if __name__ == "__main__":
    main()
