"""Issue presigned S3 URLs so browsers upload/download attachments directly."""
from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass

import boto3
from botocore.config import Config

log = logging.getLogger(__name__)

BUCKET = os.environ.get("ATTACHMENTS_BUCKET", "helpdesk-attachments")
s3 = boto3.client("s3", config=Config(signature_version="s3v4", region_name=os.environ.get("AWS_REGION", "eu-west-1")))

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/plain": "txt",
}
MAX_BYTES = 15 * 1024 * 1024
UPLOAD_TTL = 300
DOWNLOAD_TTL = 120
KEY_RE = re.compile(r"^tickets/\d+/[0-9a-f]{32}\.(pdf|png|jpg|txt)$")


@dataclass
class UploadTicket:
    key: str
    url: str
    fields: dict[str, str]


class AttachmentError(ValueError):
    pass


def presign_upload(ticket_id: int, content_type: str) -> UploadTicket:
    ext = ALLOWED_TYPES.get(content_type)
    if ext is None:
        raise AttachmentError(f"content type {content_type} not allowed")
    key = f"tickets/{int(ticket_id)}/{uuid.uuid4().hex}.{ext}"
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, MAX_BYTES],
        ],
        ExpiresIn=UPLOAD_TTL,
    )
    log.info("upload URL issued for ticket %s (%s)", ticket_id, content_type)
    return UploadTicket(key=key, url=post["url"], fields=post["fields"])


def presign_download(ticket_id: int, key: str, filename: str) -> str:
    if not KEY_RE.match(key) or not key.startswith(f"tickets/{int(ticket_id)}/"):
        raise AttachmentError("attachment does not belong to this ticket")
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[:100] or "attachment"
    return s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": BUCKET,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{safe_name}"',
        },
        ExpiresIn=DOWNLOAD_TTL,
    )


def confirm_upload(ticket_id: int, key: str) -> dict[str, object]:
    if not KEY_RE.match(key) or not key.startswith(f"tickets/{int(ticket_id)}/"):
        raise AttachmentError("unexpected key")
    head = s3.head_object(Bucket=BUCKET, Key=key)
    if head["ContentLength"] > MAX_BYTES:
        s3.delete_object(Bucket=BUCKET, Key=key)
        raise AttachmentError("attachment too large")
    return {"key": key, "bytes": head["ContentLength"], "type": head["ContentType"]}


def delete_for_ticket(ticket_id: int) -> int:
    prefix = f"tickets/{int(ticket_id)}/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]
    if keys:
        s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys]})
    return len(keys)
