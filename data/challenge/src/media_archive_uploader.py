# @notes script uploading nightly media archives to S3; AWS access key pair hard-coded in the module
"""Upload finished media archives from the render farm to long-term S3 storage."""
from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import time
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

log = logging.getLogger("archive_upload")

BUCKET = "studio-render-archive"
REGION = "eu-central-1"
AWS_ACCESS_KEY_ID = "AKIAQ3EXAMPLE7RENDER"  # @L CWE-798
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYrender2024KEY"  # @L CWE-798

CONFIG = TransferConfig(multipart_threshold=64 * 1024 * 1024, multipart_chunksize=64 * 1024 * 1024, max_concurrency=4)


def client():
    return boto3.client(
        "s3",
        region_name=REGION,
        aws_access_key_id=AWS_ACCESS_KEY_ID,
        aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
    )


def md5_file(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(8 * 1024 * 1024), b""):
            h.update(chunk)
    return h.hexdigest()


def already_uploaded(s3, key: str, size: int) -> bool:
    try:
        head = s3.head_object(Bucket=BUCKET, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in {"404", "NoSuchKey"}:
            return False
        raise
    return head["ContentLength"] == size


def upload(s3, path: Path, prefix: str) -> str:
    key = f"{prefix.rstrip('/')}/{path.name}"
    size = path.stat().st_size
    if already_uploaded(s3, key, size):
        log.info("skip %s (already in bucket)", path.name)
        return key
    started = time.monotonic()
    s3.upload_file(
        str(path),
        BUCKET,
        key,
        Config=CONFIG,
        ExtraArgs={"StorageClass": "DEEP_ARCHIVE", "Metadata": {"md5": md5_file(path)}},
    )
    mb = size / 1024 / 1024
    log.info("uploaded %s (%.0f MB) in %.0fs", path.name, mb, time.monotonic() - started)
    return key


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("directory", type=Path)
    ap.add_argument("--prefix", default=time.strftime("archives/%Y/%m"))
    ap.add_argument("--delete-local", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    s3 = client()
    failures = 0
    files = sorted(p for p in args.directory.glob("*.tar") if p.is_file())
    for i, path in enumerate(files, 1):
        log.info("[%d/%d] %s", i, len(files), path.name)
        try:
            upload(s3, path, args.prefix)
        except (BotoCoreError, ClientError) as exc:
            log.error("failed to upload %s: %s", path.name, exc)
            failures += 1
            continue
        if args.delete_local:
            os.remove(path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
