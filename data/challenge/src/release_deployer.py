# @notes deploy CLI; branch name from a chat-ops request is spliced into a remote ssh command string (command injection on the remote shell)
"""Deploy a git ref to the application servers over SSH (used by the chat-ops bot)."""
from __future__ import annotations

import argparse
import logging
import re
import subprocess
import sys
import time
from dataclasses import dataclass

log = logging.getLogger("deployer")

HOSTS = {
    "staging": ["app-stg-1.internal", "app-stg-2.internal"],
    "production": ["app-prd-1.internal", "app-prd-2.internal", "app-prd-3.internal"],
}
APP_DIR = "/opt/storefront"
SERVICE = "storefront.service"


@dataclass
class DeployResult:
    host: str
    ok: bool
    seconds: float
    output: str


def remote(host: str, command: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ssh", "-o", "BatchMode=yes", f"deploy@{host}", command],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def deploy_host(host: str, ref: str) -> DeployResult:
    started = time.monotonic()
    script = (
        f"cd {APP_DIR} && git fetch --prune origin && git checkout --force {ref} "  # @L CWE-77
        f"&& ./bin/migrate && sudo systemctl restart {SERVICE}"
    )
    proc = remote(host, script)  # @L CWE-77
    ok = proc.returncode == 0
    if not ok:
        log.error("%s: deploy failed: %s", host, proc.stderr.strip()[-500:])
    return DeployResult(host, ok, time.monotonic() - started, proc.stdout[-2000:])


def health_check(host: str) -> bool:
    proc = remote(host, "curl -fsS http://127.0.0.1:8080/healthz", timeout=20)
    return proc.returncode == 0


def rollout(env: str, ref: str, pause: float) -> list[DeployResult]:
    results = []
    for host in HOSTS[env]:
        log.info("deploying %s to %s", ref, host)
        res = deploy_host(host, ref)
        results.append(res)
        if not res.ok or not health_check(host):
            log.error("stopping rollout at %s", host)
            break
        time.sleep(pause)
    return results


def summarize(results: list[DeployResult]) -> str:
    parts = [f"{r.host}: {'ok' if r.ok else 'FAILED'} ({r.seconds:.0f}s)" for r in results]
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("env", choices=sorted(HOSTS))
    ap.add_argument("ref", help="branch, tag or commit to deploy")
    ap.add_argument("--pause", type=float, default=10.0)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.env == "production" and not re.fullmatch(r"v\d+\.\d+\.\d+", args.ref):
        log.error("production deploys must use a release tag")
        return 2
    results = rollout(args.env, args.ref, args.pause)
    print(summarize(results))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
