# @notes clean: Docker host janitor CLI; docker invoked via argument lists, shlex.join only for printing dry-run commands
"""Remove stale containers, dangling images and old build caches on CI hosts."""
from __future__ import annotations

import argparse
import json
import logging
import shlex
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

log = logging.getLogger("janitor")

PROTECTED_LABEL = "janitor.keep"


@dataclass
class Container:
    id: str
    name: str
    status: str
    created: datetime
    labels: dict[str, str]


def docker(args: list[str], dry_run: bool = False) -> str:
    cmd = ["docker", *args]
    if dry_run:
        print("would run:", shlex.join(cmd))
        return ""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {proc.stderr.strip()}")
    return proc.stdout


def list_containers() -> list[Container]:
    out = docker(["ps", "-a", "--no-trunc", "--format", "{{json .}}"])
    result = []
    for line in out.splitlines():
        row = json.loads(line)
        labels = dict(kv.split("=", 1) for kv in row.get("Labels", "").split(",") if "=" in kv)
        created = datetime.strptime(row["CreatedAt"][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        result.append(Container(row["ID"], row["Names"], row["State"], created, labels))
    return result


def stale(containers: list[Container], older_than: timedelta) -> list[Container]:
    cutoff = datetime.now(timezone.utc) - older_than
    return [
        c for c in containers
        if c.status in {"exited", "dead", "created"} and c.created < cutoff and PROTECTED_LABEL not in c.labels
    ]


def remove_containers(items: list[Container], dry_run: bool) -> int:
    if not items:
        return 0
    docker(["rm", "--", *[c.id for c in items]], dry_run=dry_run)
    return len(items)


def prune_images(dry_run: bool, until_hours: int) -> None:
    docker(["image", "prune", "--force", "--filter", f"until={until_hours}h"], dry_run=dry_run)


def prune_builder(dry_run: bool, keep_gb: int) -> None:
    docker(["builder", "prune", "--force", "--keep-storage", f"{keep_gb}GB"], dry_run=dry_run)


def disk_report() -> str:
    return docker(["system", "df"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--older-than-hours", type=int, default=24)
    ap.add_argument("--keep-build-cache-gb", type=int, default=20)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        containers = list_containers()
        victims = stale(containers, timedelta(hours=args.older_than_hours))
        n = remove_containers(victims, args.dry_run)
        log.info("removed %d of %d containers", n, len(containers))
        prune_images(args.dry_run, args.older_than_hours)
        prune_builder(args.dry_run, args.keep_build_cache_gb)
        if not args.dry_run:
            print(disk_report())
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        log.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
