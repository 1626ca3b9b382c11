# @notes CLI backup tool; database name from config goes into a shell=True pg_dump command; archive created world-readable
"""Nightly backup runner for tenant databases."""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

LOG = logging.getLogger("backup")
DEFAULT_CONFIG = Path("/etc/backup/tenants.yml")


def load_config(path: Path) -> dict:
    with path.open() as fh:
        cfg = yaml.safe_load(fh) or {}
    cfg.setdefault("target", "/var/backups/tenants")
    cfg.setdefault("tenants", [])
    return cfg


def dump_database(db_name: str, host: str, out_file: Path) -> None:
    """Dump one database with pg_dump into out_file."""
    cmd = f"pg_dump -h {host} -Fc {db_name} > {out_file}"
    LOG.info("dumping %s from %s", db_name, host)
    subprocess.run(cmd, shell=True, check=True)  # @L CWE-78


def archive(files: list[Path], dest: Path) -> Path:
    with tarfile.open(dest, "w:gz") as tar:
        for f in files:
            tar.add(f, arcname=f.name)
    os.chmod(dest, 0o666)  # @L CWE-732
    return dest


def prune(target: Path, keep_days: int) -> int:
    cutoff = dt.datetime.now() - dt.timedelta(days=keep_days)
    removed = 0
    for f in target.glob("*.tar.gz"):
        if dt.datetime.fromtimestamp(f.stat().st_mtime) < cutoff:
            f.unlink()
            removed += 1
    return removed


def run(cfg: dict, only: str | None) -> int:
    target = Path(cfg["target"])
    target.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    dumps: list[Path] = []
    failures = 0
    for tenant in cfg["tenants"]:
        name = tenant["database"]
        if only and name != only:
            continue
        out = target / f"{name}-{stamp}.dump"
        try:
            dump_database(name, tenant.get("host", "localhost"), out)
            dumps.append(out)
        except subprocess.CalledProcessError as exc:
            LOG.error("dump of %s failed with code %s", name, exc.returncode)
            failures += 1
    if dumps:
        bundle = archive(dumps, target / f"backup-{stamp}.tar.gz")
        LOG.info("wrote %s", bundle)
        for d in dumps:
            d.unlink()
    removed = prune(target, int(cfg.get("keep_days", 14)))
    LOG.info("pruned %d old archives", removed)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--only", help="back up a single database")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    cfg = load_config(args.config)
    failures = run(cfg, args.only)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
