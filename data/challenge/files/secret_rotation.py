"""Rotate service credentials stored in Vault and on-disk env files."""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import string
import sys
import tempfile
from pathlib import Path

import hvac

log = logging.getLogger("rotate")

ALPHABET = string.ascii_letters + string.digits + "-_"


def new_password(length: int = 40) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def vault_client() -> hvac.Client:
    client = hvac.Client(url=os.environ.get("VAULT_ADDR", "https://vault.internal:8200"), token=os.environ["VAULT_TOKEN"])
    if not client.is_authenticated():
        raise SystemExit("vault token is not valid")
    return client


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, values: dict[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            for key in sorted(values):
                fh.write(f"{key}={values[key]}\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def rotate(client: hvac.Client, mount: str, secret_path: str, key: str, env_file: Path | None, dry_run: bool) -> None:
    current = client.secrets.kv.v2.read_secret_version(path=secret_path, mount_point=mount)["data"]["data"]
    value = new_password()
    updated = {**current, key: value, f"{key}_PREVIOUS": current.get(key, "")}
    if dry_run:
        log.info("would rotate %s/%s:%s", mount, secret_path, key)
        return
    client.secrets.kv.v2.create_or_update_secret(path=secret_path, mount_point=mount, secret=updated)
    log.info("rotated %s/%s:%s in vault", mount, secret_path, key)
    if env_file:
        env = read_env_file(env_file)
        env[key] = value
        write_env_file(env_file, env)
        log.info("updated %s", env_file)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("secret_path")
    ap.add_argument("key")
    ap.add_argument("--mount", default="services")
    ap.add_argument("--env-file", type=Path)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        rotate(vault_client(), args.mount, args.secret_path, args.key, args.env_file, args.dry_run)
    except hvac.exceptions.VaultError as exc:
        log.error("vault error: %s", type(exc).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
