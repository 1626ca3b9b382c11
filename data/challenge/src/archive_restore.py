# @notes clean: restore tool for project archives; tarfile extraction with the 'data' filter and explicit member checks
"""Restore a project workspace from a .tar.gz archive produced by the export job."""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import tarfile
from pathlib import Path

log = logging.getLogger("restore")

MAX_MEMBERS = 50_000
MAX_TOTAL = 5 * 1024**3


class RestoreError(Exception):
    pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_manifest(archive: Path, manifest: Path) -> dict:
    data = json.loads(manifest.read_text())
    if data.get("sha256") != sha256_of(archive):
        raise RestoreError("archive checksum does not match manifest")
    return data


def inspect(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    total = 0
    for m in tar:
        if len(members) >= MAX_MEMBERS:
            raise RestoreError("too many files in archive")
        if m.issym() or m.islnk() or m.isdev():
            log.warning("skipping special member %s", m.name)
            continue
        total += m.size
        if total > MAX_TOTAL:
            raise RestoreError("archive expands beyond size limit")
        members.append(m)
    return members


def restore(archive: Path, target: Path, force: bool) -> int:
    if target.exists():
        if not force:
            raise RestoreError(f"{target} exists; use --force to replace it")
        shutil.rmtree(target)
    staging = target.with_name(target.name + ".restoring")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = inspect(tar)
        tar.extractall(staging, members=members, filter="data")
    staging.rename(target)
    return len(members)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("archive", type=Path)
    ap.add_argument("target", type=Path)
    ap.add_argument("--manifest", type=Path)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        if args.manifest:
            meta = check_manifest(args.archive, args.manifest)
            log.info("manifest ok: project %s exported %s", meta.get("project"), meta.get("exported_at"))
        n = restore(args.archive, args.target, args.force)
    except (RestoreError, tarfile.TarError) as exc:
        log.error("restore failed: %s", exc)
        return 1
    log.info("restored %d files into %s", n, args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
