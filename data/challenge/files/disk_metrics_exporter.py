"""Export SMART and filesystem metrics for Prometheus' textfile collector."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger("disk_exporter")

TEXTFILE_DIR = Path(os.environ.get("TEXTFILE_DIR", "/var/lib/node_exporter/textfile"))
SMARTCTL = shutil.which("smartctl") or "/usr/sbin/smartctl"


def list_disks() -> list[str]:
    out = subprocess.run(
        ["lsblk", "--json", "--nodeps", "--output", "NAME,TYPE"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    devices = json.loads(out).get("blockdevices", [])
    return [f"/dev/{d['name']}" for d in devices if d.get("type") == "disk"]


def smart_attributes(device: str) -> dict[str, int]:
    proc = subprocess.run(
        [SMARTCTL, "--json", "-A", device],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if proc.returncode & 0b11:
        log.warning("smartctl could not read %s (rc=%d)", device, proc.returncode)
        return {}
    data = json.loads(proc.stdout)
    attrs = {}
    for row in data.get("ata_smart_attributes", {}).get("table", []):
        attrs[row["name"].lower()] = int(row["raw"]["value"])
    if "temperature" in data:
        attrs["temperature_celsius"] = int(data["temperature"].get("current", 0))
    return attrs


def filesystem_usage() -> list[tuple[str, int, int]]:
    rows = []
    with open("/proc/mounts") as fh:
        for line in fh:
            dev, mount, fstype, *_ = line.split()
            if not dev.startswith("/dev/") or fstype in {"squashfs", "tmpfs"}:
                continue
            usage = shutil.disk_usage(mount)
            rows.append((mount, usage.total, usage.used))
    return rows


def render() -> str:
    lines = ["# TYPE disk_smart_attribute gauge"]
    for dev in list_disks():
        for name, value in sorted(smart_attributes(dev).items()):
            lines.append(f'disk_smart_attribute{{device="{dev}",attribute="{name}"}} {value}')
    lines.append("# TYPE fs_bytes_total gauge")
    lines.append("# TYPE fs_bytes_used gauge")
    for mount, total, used in filesystem_usage():
        lines.append(f'fs_bytes_total{{mount="{mount}"}} {total}')
        lines.append(f'fs_bytes_used{{mount="{mount}"}} {used}')
    lines.append(f"disk_exporter_last_run_seconds {int(time.time())}")
    return "\n".join(lines) + "\n"


def write_atomically(body: str, dest: Path) -> None:
    """Write to a temp file in the same directory, then rename over the old file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".disk_", suffix=".prom")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        os.unlink(tmp)
        raise


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    body = render()
    write_atomically(body, TEXTFILE_DIR / "disk.prom")
    log.info("wrote %d metric lines", body.count("\n"))


if __name__ == "__main__":
    main()
