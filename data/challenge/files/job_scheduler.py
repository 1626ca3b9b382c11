"""Run periodic maintenance jobs on a tiny cron-like schedule inside one asyncio process."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Awaitable, Callable

log = logging.getLogger("scheduler")

JobFn = Callable[[], Awaitable[None]]


def _parse_field(expr: str, lo: int, hi: int) -> set[int]:
    values: set[int] = set()
    for part in expr.split(","):
        step = 1
        if "/" in part:
            part, step_s = part.split("/", 1)
            step = int(step_s)
        if part == "*":
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = int(a), int(b)
        else:
            start = end = int(part)
        if start < lo or end > hi or step < 1:
            raise ValueError(f"field {expr!r} out of range {lo}-{hi}")
        values.update(range(start, end + 1, step))
    return values


@dataclass
class Schedule:
    minutes: set[int]
    hours: set[int]
    weekdays: set[int]

    @classmethod
    def parse(cls, spec: str) -> "Schedule":
        parts = spec.split()
        if len(parts) != 3:
            raise ValueError("expected 'minute hour weekday'")
        return cls(_parse_field(parts[0], 0, 59), _parse_field(parts[1], 0, 23), _parse_field(parts[2], 0, 6))

    def matches(self, t: datetime) -> bool:
        return t.minute in self.minutes and t.hour in self.hours and t.weekday() in self.weekdays

    def next_after(self, t: datetime) -> datetime:
        candidate = t.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(7 * 24 * 60):
            if self.matches(candidate):
                return candidate
            candidate += timedelta(minutes=1)
        raise ValueError("schedule never fires")


@dataclass
class Job:
    name: str
    schedule: Schedule
    fn: JobFn
    timeout: float = 600.0
    running: bool = False
    last_run: float | None = None
    failures: int = 0
    history: list[tuple[float, bool]] = field(default_factory=list)


class Scheduler:
    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def every(self, spec: str, name: str | None = None, timeout: float = 600.0) -> Callable[[JobFn], JobFn]:
        def deco(fn: JobFn) -> JobFn:
            job_name = name or fn.__name__
            self.jobs[job_name] = Job(job_name, Schedule.parse(spec), fn, timeout)
            return fn

        return deco

    async def _run(self, job: Job) -> None:
        if job.running:
            log.warning("%s still running, skipping this slot", job.name)
            return
        job.running = True
        started = time.monotonic()
        ok = False
        try:
            await asyncio.wait_for(job.fn(), timeout=job.timeout)
            ok = True
        except asyncio.TimeoutError:
            log.error("%s timed out after %.0fs", job.name, job.timeout)
        except Exception:
            log.exception("%s failed", job.name)
        finally:
            job.running = False
            job.last_run = time.time()
            job.failures = 0 if ok else job.failures + 1
            job.history = (job.history + [(time.monotonic() - started, ok)])[-50:]

    async def run_forever(self) -> None:
        while True:
            now = datetime.now()
            for job in self.jobs.values():
                if job.schedule.matches(now):
                    asyncio.create_task(self._run(job))
            nxt = (now.replace(second=0, microsecond=0) + timedelta(minutes=1)) - datetime.now()
            await asyncio.sleep(max(nxt.total_seconds(), 1))
