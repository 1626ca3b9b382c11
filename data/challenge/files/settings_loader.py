"""Load service settings from defaults, a YAML file, and environment overrides."""
from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

ENV_PREFIX = "SHIPPER_"


class SettingsError(RuntimeError):
    """Raised when settings are missing or inconsistent."""


@dataclass
class Settings:
    database_url: str = "postgresql://localhost/shipper"
    redis_url: str = "redis://localhost:6379/0"
    api_token: str = ""
    workers: int = 4
    log_level: str = "INFO"
    allowed_carriers: list[str] = field(default_factory=lambda: ["dhl", "ups"])
    request_timeout: float = 15.0

    def validate(self) -> None:
        if not self.api_token:
            raise SettingsError("SHIPPER_API_TOKEN must be set")
        if self.workers < 1 or self.workers > 64:
            raise SettingsError("workers must be between 1 and 64")
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"unknown log level {self.log_level!r}")


def _coerce(value: str, current: Any) -> Any:
    if isinstance(current, bool):
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):
        return float(value)
    if isinstance(current, list):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SettingsError(f"{path} must not be readable by group or others (mode {oct(mode & 0o777)})")


def from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        log.debug("no settings file at %s", path)
        return {}
    _check_private(path)
    with path.open("r", encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path} must contain a mapping")
    return data


def from_env(environ: dict[str, str], defaults: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(Settings):
        key = ENV_PREFIX + f.name.upper()
        if key in environ:
            out[f.name] = _coerce(environ[key], getattr(defaults, f.name))
    return out


def load(path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    path = Path(path or environ.get(ENV_PREFIX + "CONFIG", "/etc/shipper/settings.yml"))
    base = Settings()
    merged: dict[str, Any] = {}
    merged.update(from_file(path))
    merged.update(from_env(environ, base))
    unknown = set(merged) - {f.name for f in fields(Settings)}
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
    settings = Settings(**{**base.__dict__, **merged})
    settings.validate()
    log.info("settings loaded (workers=%d, carriers=%s)", settings.workers, settings.allowed_carriers)
    return settings
