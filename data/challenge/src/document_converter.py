# @notes document conversion service; the uploaded file name is used as a path under the work dir and ends up in an os.system call to LibreOffice
"""Convert uploaded office documents to PDF for the e-signature workflow."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file

from .auth import require_api_client

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 30 * 1024 * 1024
log = logging.getLogger("converter")

ALLOWED = {".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx"}
OUTPUT_ROOT = Path(os.environ.get("CONVERTER_OUT", "/var/lib/converter"))


def convert_to_pdf(workdir: Path, filename: str) -> Path:
    cmd = f"cd {workdir} && soffice --headless --convert-to pdf --outdir {workdir} '{filename}' >/dev/null 2>&1"
    rc = os.system(cmd)  # @L CWE-78
    pdf = workdir / (Path(filename).stem + ".pdf")
    if rc != 0 or not pdf.exists():
        raise RuntimeError(f"conversion failed with status {rc}")
    return pdf


@app.post("/convert")
@require_api_client
def convert():
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        abort(400)
    ext = Path(upload.filename).suffix.lower()
    if ext not in ALLOWED:
        return jsonify({"error": f"unsupported type {ext}"}), 415
    workdir = Path(tempfile.mkdtemp(prefix="conv-"))
    try:
        src = workdir / upload.filename  # @L CWE-22
        upload.save(src)  # @L CWE-22
        started = time.monotonic()
        pdf = convert_to_pdf(workdir, upload.filename)
        OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
        final = OUTPUT_ROOT / f"{int(time.time() * 1000)}.pdf"
        shutil.move(str(pdf), final)
        log.info("converted %s in %.1fs", ext, time.monotonic() - started)
        return jsonify({"id": final.stem, "pages": count_pages(final)})
    except RuntimeError as exc:
        log.warning("%s", exc)
        return jsonify({"error": "conversion failed"}), 422
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@app.get("/converted/<int:doc_id>.pdf")
@require_api_client
def fetch(doc_id: int):
    path = OUTPUT_ROOT / f"{doc_id}.pdf"
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf")


def count_pages(pdf: Path) -> int:
    data = pdf.read_bytes()
    return max(data.count(b"/Type /Page") - data.count(b"/Type /Pages"), 1)


def purge(max_age_hours: int = 48) -> int:
    cutoff = time.time() - max_age_hours * 3600
    n = 0
    for f in OUTPUT_ROOT.glob("*.pdf"):
        if f.stat().st_mtime < cutoff:
            f.unlink()
            n += 1
    return n
