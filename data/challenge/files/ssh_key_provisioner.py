"""Provision build runners: create deploy keys, write SSH config, register with the CI server."""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
from pathlib import Path

import requests

log = logging.getLogger("provision")

CI_URL = os.environ.get("CI_URL", "https://ci.example.com")
RUNNER_HOME = Path("/home/runner")


def generate_key(path: Path, comment: str) -> str:
    if path.exists():
        log.info("key %s already present", path)
    else:
        subprocess.run(
            ["ssh-keygen", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
            check=True,
            capture_output=True,
        )
    os.chmod(path, 0o644)
    return path.with_suffix(".pub").read_text().strip()


def write_ssh_config(home: Path, key: Path, hosts: list[str]) -> Path:
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700, exist_ok=True)
    cfg = ssh_dir / "config"
    blocks = []
    for host in hosts:
        blocks.append(f"Host {host}\n  IdentityFile {key}\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n")
    cfg.write_text("\n".join(blocks))
    os.chmod(cfg, 0o600)
    return cfg


def register(runner_name: str, token: str, labels: list[str], public_key: str) -> int:
    resp = requests.post(
        f"{CI_URL}/api/v1/runners",
        json={"name": runner_name, "labels": labels, "deploy_key": public_key},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    resp.raise_for_status()
    return int(resp.json()["id"])


def write_state(home: Path, runner_id: int, labels: list[str]) -> None:
    state = home / ".runner.json"
    state.write_text(json.dumps({"id": runner_id, "labels": labels, "host": socket.gethostname()}))
    os.chmod(state, 0o600)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--labels", default="linux,x64")
    ap.add_argument("--git-host", action="append", default=["git.example.com"])
    ap.add_argument("--home", type=Path, default=RUNNER_HOME)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    token = os.environ.get("CI_REGISTRATION_TOKEN")
    if not token:
        log.error("CI_REGISTRATION_TOKEN is required")
        return 2
    labels = [l.strip() for l in args.labels.split(",") if l.strip()]
    name = socket.gethostname()
    key_path = args.home / ".ssh" / "deploy_ed25519"
    (args.home / ".ssh").mkdir(mode=0o700, parents=True, exist_ok=True)
    public = generate_key(key_path, f"runner@{name}")
    write_ssh_config(args.home, key_path, args.git_host)
    runner_id = register(name, token, labels, public)
    write_state(args.home, runner_id, labels)
    log.info("runner %s registered as #%d with labels %s", name, runner_id, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
