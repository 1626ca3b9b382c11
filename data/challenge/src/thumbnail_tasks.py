# @notes clean: Celery image thumbnail tasks; Pillow decompression-bomb limit set, S3 keys generated server-side, bounded sizes
"""Celery tasks that build thumbnails for uploaded product photos."""
from __future__ import annotations

import io
import logging
import os
import uuid

import boto3
from botocore.exceptions import ClientError
from celery import Celery
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

celery = Celery("thumbs", broker=os.environ.get("CELERY_BROKER", "redis://localhost:6379/1"))
s3 = boto3.client("s3")

BUCKET = os.environ.get("MEDIA_BUCKET", "shop-media")
SIZES = {"sm": (160, 160), "md": (480, 480), "lg": (1200, 1200)}
MAX_SOURCE_BYTES = 25 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = 40_000_000


class SkipImage(Exception):
    """The source cannot be processed; retrying will not help."""


def fetch_source(key: str) -> Image.Image:
    head = s3.head_object(Bucket=BUCKET, Key=key)
    if head["ContentLength"] > MAX_SOURCE_BYTES:
        raise SkipImage(f"{key} is larger than {MAX_SOURCE_BYTES} bytes")
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    try:
        img = Image.open(io.BytesIO(body))
        img.load()
    except (Image.DecompressionBombError, OSError) as exc:
        raise SkipImage(f"{key}: {exc}") from exc
    return ImageOps.exif_transpose(img)


def render_thumbnail(img: Image.Image, size: tuple[int, int]) -> bytes:
    thumb = img.copy()
    thumb.thumbnail(size, Image.Resampling.LANCZOS)
    if thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    buf = io.BytesIO()
    thumb.save(buf, "WEBP", quality=82, method=4)
    return buf.getvalue()


@celery.task(bind=True, autoretry_for=(ClientError,), retry_backoff=True, max_retries=5)
def make_thumbnails(self, product_id: int, source_key: str) -> dict[str, str]:
    try:
        img = fetch_source(source_key)
    except SkipImage as exc:
        log.warning("product %s: %s", product_id, exc)
        return {}
    out: dict[str, str] = {}
    for name, size in SIZES.items():
        key = f"thumbs/{int(product_id)}/{name}-{uuid.uuid4().hex[:10]}.webp"
        s3.put_object(
            Bucket=BUCKET,
            Key=key,
            Body=render_thumbnail(img, size),
            ContentType="image/webp",
            CacheControl="public, max-age=31536000, immutable",
        )
        out[name] = key
    log.info("product %s: %d thumbnails", product_id, len(out))
    return out


@celery.task
def purge_thumbnails(product_id: int) -> int:
    prefix = f"thumbs/{int(product_id)}/"
    removed = 0
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=BUCKET, Prefix=prefix):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=BUCKET, Delete={"Objects": keys})
            removed += len(keys)
    return removed
