"""Label-printer spooler for the warehouse packing stations."""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("spooler")

SPOOL_ROOT = Path(os.environ.get("LABEL_SPOOL", "/var/spool/labels"))
PRINTERS = {"pack-1": ("10.20.0.31", 9100), "pack-2": ("10.20.0.32", 9100), "returns": ("10.20.0.40", 9100)}


@dataclass
class LabelJob:
    job_id: str
    printer: str
    zpl: str
    created: float


def prepare_spool() -> None:
    """Create one queue directory per printer."""
    os.umask(0)
    for name in PRINTERS:
        (SPOOL_ROOT / name).mkdir(mode=0o777, parents=True, exist_ok=True)


def enqueue(printer: str, zpl: str) -> LabelJob:
    if printer not in PRINTERS:
        raise KeyError(printer)
    job = LabelJob(uuid.uuid4().hex, printer, zpl, time.time())
    path = SPOOL_ROOT / printer / f"{job.job_id}.zpl"
    path.write_text(zpl, encoding="ascii")
    log.info("queued label %s on %s (%d bytes)", job.job_id, printer, len(zpl))
    return job


def shipping_label(order_id: str, name: str, address_lines: list[str], barcode: str) -> str:
    def clean(s: str) -> str:
        return "".join(ch for ch in s if ch.isprintable() and ch not in "^~")[:40]

    y = 60
    parts = ["^XA", "^CF0,40", f"^FO40,{y}^FD{clean(name)}^FS"]
    for line in address_lines[:4]:
        y += 50
        parts.append(f"^FO40,{y}^FD{clean(line)}^FS")
    parts += ["^BY3,2,120", f"^FO40,{y + 80}^BCN,120,Y,N,N^FD{clean(barcode)}^FS", f"^FO40,{y + 260}^FDOrder {clean(order_id)}^FS", "^XZ"]
    return "\n".join(parts)


def send_raw(printer: str, payload: bytes, timeout: float = 5.0) -> None:
    host, port = PRINTERS[printer]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(payload)


def drain(printer: str) -> int:
    queue = SPOOL_ROOT / printer
    sent = 0
    for path in sorted(queue.glob("*.zpl"), key=lambda p: p.stat().st_mtime):
        try:
            send_raw(printer, path.read_bytes())
        except OSError as exc:
            log.warning("printer %s unreachable: %s", printer, exc)
            break
        path.unlink()
        sent += 1
    return sent


def run(poll: float = 2.0) -> None:
    prepare_spool()
    while True:
        for printer in PRINTERS:
            n = drain(printer)
            if n:
                log.info("printed %d labels on %s", n, printer)
        time.sleep(poll)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    run()
