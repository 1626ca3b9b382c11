# @notes repository mirroring worker; user-supplied clone URL passed to git without "--", so values like --upload-pack=... are read as options
"""Mirror external git repositories into the internal code-search index."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("mirror")

MIRROR_ROOT = Path(os.environ.get("MIRROR_ROOT", "/srv/mirrors"))
GIT_TIMEOUT = 900


@dataclass
class MirrorRequest:
    project_id: int
    clone_url: str
    branch: str = "main"


class MirrorError(Exception):
    pass


def _git(args: list[str], cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT)
    if proc.returncode != 0:
        raise MirrorError(proc.stderr.strip()[-400:])
    return proc.stdout


def mirror_path(project_id: int) -> Path:
    return MIRROR_ROOT / f"p{int(project_id)}.git"


def create_mirror(req: MirrorRequest) -> Path:
    if not req.clone_url.startswith(("https://", "ssh://", "git@")) and "://" in req.clone_url:
        raise MirrorError("unsupported URL scheme")
    dest = mirror_path(req.project_id)
    if dest.exists():
        shutil.rmtree(dest)
    MIRROR_ROOT.mkdir(parents=True, exist_ok=True)
    _git(["clone", "--mirror", req.clone_url, str(dest)])  # @L CWE-77
    log.info("project %s mirrored", req.project_id)
    return dest


def refresh(project_id: int) -> int:
    path = mirror_path(project_id)
    if not path.exists():
        raise MirrorError("no mirror yet")
    before = _git(["rev-parse", "--all"], cwd=path).split()
    _git(["remote", "update", "--prune"], cwd=path)
    after = _git(["rev-parse", "--all"], cwd=path).split()
    return len(set(after) - set(before))


def head_files(project_id: int, branch: str) -> list[str]:
    path = mirror_path(project_id)
    out = _git(["ls-tree", "-r", "--name-only", "--", f"refs/heads/{branch}"], cwd=path)
    return out.splitlines()


def handle(job: dict) -> dict:
    req = MirrorRequest(int(job["project_id"]), str(job["clone_url"]), str(job.get("branch", "main")))
    started = time.monotonic()
    path = mirror_path(req.project_id)
    if path.exists():
        changed = refresh(req.project_id)
    else:
        create_mirror(req)
        changed = -1
    files = head_files(req.project_id, req.branch)
    return {
        "project": req.project_id,
        "changed_refs": changed,
        "files": len(files),
        "seconds": round(time.monotonic() - started, 1),
    }


def worker_loop(queue) -> None:
    while True:
        job = queue.get()
        try:
            result = handle(job)
            log.info("mirror done: %s", result)
        except (MirrorError, subprocess.TimeoutExpired) as exc:
            log.error("mirror of project %s failed: %s", job.get("project_id"), exc)
        finally:
            queue.task_done()
