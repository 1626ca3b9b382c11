# @notes clean: per-tenant document store; ownership checked, filenames sanitised, resolved path confined to tenant dir, extension allow-list
"""Document storage for tenant workspaces (contracts, statements, receipts)."""
from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from werkzeug.utils import secure_filename

log = logging.getLogger(__name__)

ALLOWED_EXT = {".pdf", ".png", ".jpg", ".jpeg", ".csv", ".txt"}
MAX_SIZE = 10 * 1024 * 1024


class DocumentError(Exception):
    """Raised for requests the caller should fix (bad name, too big, not theirs)."""


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    tenant_id: str
    filename: str
    sha256: str
    size: int


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._index: dict[str, StoredDocument] = {}

    def _tenant_dir(self, tenant_id: str) -> Path:
        if not tenant_id.isalnum():
            raise DocumentError("bad tenant id")
        path = self.root / tenant_id
        path.mkdir(mode=0o750, parents=True, exist_ok=True)
        return path

    def save(self, tenant_id: str, filename: str, stream: BinaryIO) -> StoredDocument:
        clean = secure_filename(filename)
        ext = os.path.splitext(clean)[1].lower()
        if not clean or ext not in ALLOWED_EXT:
            raise DocumentError(f"file type {ext or '?'} not allowed")
        doc_id = uuid.uuid4().hex
        target = self._tenant_dir(tenant_id) / f"{doc_id}{ext}"
        digest = hashlib.sha256()
        size = 0
        with open(target, "xb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > MAX_SIZE:
                    out.close()
                    target.unlink()
                    raise DocumentError("file too large")
                digest.update(chunk)
                out.write(chunk)
        doc = StoredDocument(doc_id, tenant_id, clean, digest.hexdigest(), size)
        self._index[doc_id] = doc
        log.info("stored %s for tenant %s (%d bytes)", doc_id, tenant_id, size)
        return doc

    def open(self, tenant_id: str, doc_id: str) -> tuple[StoredDocument, BinaryIO]:
        doc = self._index.get(doc_id)
        if doc is None or doc.tenant_id != tenant_id:
            raise DocumentError("not found")
        ext = os.path.splitext(doc.filename)[1].lower()
        base = self._tenant_dir(tenant_id)
        path = (base / f"{doc.doc_id}{ext}").resolve()
        if base not in path.parents:
            raise DocumentError("not found")
        return doc, path.open("rb")

    def delete(self, tenant_id: str, doc_id: str) -> None:
        doc = self._index.get(doc_id)
        if doc is None or doc.tenant_id != tenant_id:
            raise DocumentError("not found")
        ext = os.path.splitext(doc.filename)[1].lower()
        (self._tenant_dir(tenant_id) / f"{doc.doc_id}{ext}").unlink(missing_ok=True)
        del self._index[doc_id]

    def list(self, tenant_id: str) -> list[StoredDocument]:
        return sorted(
            (d for d in self._index.values() if d.tenant_id == tenant_id),
            key=lambda d: d.filename,
        )
