"""Server settings: command-line flags over `STRATUS_*` environment variables over defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"
LOG_LEVELS = ("debug", "info", "warning", "error")
IAM_MODES = ("off", "audit", "enforce")


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """`$XDG_DATA_HOME/stratus`, or `~/.local/share/stratus` as the XDG spec says."""
    xdg = environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "stratus"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class Config:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path | None = None  # None with ephemeral: a temporary directory is made
    ephemeral: bool = False
    log_level: str = "info"
    synchronous: str = "NORMAL"  # SQLite synchronous mode: NORMAL or FULL
    request_log: bool = True  # one log line per request
    init_dirs: tuple[Path, ...] | None = None  # None: STRATUS_INIT_DIR and /etc/localstack/init
    iam_mode: str = "off"  # off: any credentials; audit: verify and record; enforce: verify and deny

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        config = cls(
            host=env.get("STRATUS_HOST") or DEFAULT_HOST,
            port=int(env.get("STRATUS_PORT") or DEFAULT_PORT),
            ephemeral=_flag(env.get("STRATUS_EPHEMERAL")),
            log_level=(env.get("STRATUS_LOG_LEVEL") or "info").lower(),
            synchronous=(env.get("STRATUS_SYNC") or "NORMAL").upper(),
            iam_mode=(env.get("STRATUS_IAM") or "off").strip().lower(),
        )
        if env.get("STRATUS_DATA_DIR"):
            config.data_dir = Path(env["STRATUS_DATA_DIR"])
        elif not config.ephemeral:
            config.data_dir = default_data_dir(env)
        return config

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
        if self.synchronous not in ("NORMAL", "FULL"):
            raise ValueError("STRATUS_SYNC must be NORMAL or FULL")
        if self.iam_mode not in IAM_MODES:
            raise ValueError(f"STRATUS_IAM must be one of {', '.join(IAM_MODES)}")
