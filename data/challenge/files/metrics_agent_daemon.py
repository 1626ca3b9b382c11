"""Start the host metrics agent: bind the privileged port, then drop to the agent user."""
from __future__ import annotations

import argparse
import grp
import json
import logging
import os
import pwd
import socket
import time

log = logging.getLogger("metrics_agent")

DEFAULT_USER = "metrics"
DEFAULT_PORT = 514


def bind_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    return sock


def drop_privileges(username: str) -> None:
    if os.getuid() != 0:
        return
    user = pwd.getpwnam(username)
    group = grp.getgrgid(user.pw_gid)
    os.setuid(user.pw_uid)
    try:
        os.setgid(group.gr_gid)
    except PermissionError:
        log.warning("could not switch group to %s", group.gr_name)
    os.umask(0o077)
    log.info("now running as %s", username)


def parse_line(raw: bytes) -> dict | None:
    try:
        text = raw.decode("utf-8", "replace").strip()
    except Exception:
        return None
    if text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None
    parts = text.split()
    if len(parts) >= 2:
        try:
            return {"metric": parts[0], "value": float(parts[1]), "ts": time.time()}
        except ValueError:
            return None
    return None


class Aggregator:
    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, metric: str, value: float) -> None:
        self.sums[metric] = self.sums.get(metric, 0.0) + value
        self.counts[metric] = self.counts.get(metric, 0) + 1

    def flush(self) -> dict[str, float]:
        out = {m: self.sums[m] / self.counts[m] for m in self.sums}
        self.sums.clear()
        self.counts.clear()
        return out


def serve(sock: socket.socket, flush_every: float, out_path: str) -> None:
    agg = Aggregator()
    sock.settimeout(1.0)
    last = time.monotonic()
    while True:
        try:
            data, _ = sock.recvfrom(8192)
            item = parse_line(data)
            if item and "metric" in item:
                agg.add(str(item["metric"]), float(item.get("value", 0)))
        except socket.timeout:
            pass
        if time.monotonic() - last >= flush_every:
            with open(out_path, "a") as fh:
                fh.write(json.dumps({"ts": int(time.time()), "metrics": agg.flush()}) + "\n")
            last = time.monotonic()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--user", default=DEFAULT_USER)
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--out", default="/var/lib/metrics/agg.jsonl")
    ap.add_argument("--flush", type=float, default=10.0)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    sock = bind_socket(args.port)
    drop_privileges(args.user)
    serve(sock, args.flush, args.out)


if __name__ == "__main__":
    main()
