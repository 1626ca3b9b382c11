"""XML-RPC control plane for the test-lab machines (reimage, power, status)."""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

log = logging.getLogger("labrpc")

IMAGES_DIR = "/srv/lab/images"
WORKSPACES = "/srv/lab/workspaces"


class Handler(SimpleXMLRPCRequestHandler):
    rpc_paths = ("/RPC2",)


def status() -> dict:
    load1, load5, load15 = os.getloadavg()
    usage = shutil.disk_usage(WORKSPACES)
    return {
        "host": socket.gethostname(),
        "load": [load1, load5, load15],
        "disk_free_gb": round(usage.free / 1e9, 1),
        "uptime_s": int(time.monotonic()),
    }


def list_images() -> list[str]:
    return sorted(f for f in os.listdir(IMAGES_DIR) if f.endswith(".img"))


def list_workspaces() -> list[str]:
    return sorted(os.listdir(WORKSPACES))


def wipe_workspaces() -> int:
    removed = 0
    for name in os.listdir(WORKSPACES):
        shutil.rmtree(os.path.join(WORKSPACES, name), ignore_errors=True)
        removed += 1
    log.warning("wiped %d workspaces", removed)
    return removed


def reimage(image: str) -> bool:
    if image not in list_images():
        raise ValueError(f"unknown image {image}")
    log.warning("reimaging from %s", image)
    subprocess.run(["/usr/local/sbin/lab-reimage", os.path.join(IMAGES_DIR, image)], check=True, timeout=3600)
    return True


def reboot(delay_s: int = 5) -> bool:
    subprocess.Popen(["/usr/bin/systemd-run", f"--on-active={int(delay_s)}", "/usr/bin/systemctl", "reboot"])
    return True


def serve(port: int = 8765) -> None:
    server = SimpleXMLRPCServer(("0.0.0.0", port), requestHandler=Handler, allow_none=True, logRequests=False)
    server.register_introspection_functions()
    server.register_function(status)
    server.register_function(list_images)
    server.register_function(list_workspaces)
    server.register_function(wipe_workspaces)
    server.register_function(reimage)
    server.register_function(reboot)
    log.info("lab RPC listening on :%d", port)
    server.serve_forever()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    os.makedirs(WORKSPACES, exist_ok=True)
    serve(int(os.environ.get("LABRPC_PORT", "8765")))


if __name__ == "__main__":
    main()
