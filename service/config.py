"""Service settings: defaults, then environment variables, then explicit overrides."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 1024 * 1024
MAX_BATCH = 100
DEFAULT_LOG_LEVEL = "INFO"

# The keys a `config` dict may set; they share their names with the environment variables.
SETTING_KEYS = (
    "STANCE_MODEL_PATH",
    "STANCE_MAX_BYTES",
    "STANCE_MAX_BATCH",
    "STANCE_TIMEOUT",
    "LOG_LEVEL",
    "STANCE_API_TOKEN",
)
TIMEOUT = 30.0
# Predictions must end before gunicorn's worker timeout kills the worker mid-answer.
BUDGET_SHARE = 0.8
# A bearer token travels in a header: visible ASCII only, and long enough not to be guessed.
_TOKEN = re.compile(r"[\x21-\x7e]{16,}")


@dataclass(frozen=True)
class Settings:
    """The validated settings one app instance runs with."""

    model_path: Path | None
    max_bytes: int
    max_batch: int
    log_level: str
    timeout: float = TIMEOUT
    # When set, /predict* requires it as a bearer token; kept out of repr so it is never logged.
    api_token: str | None = field(default=None, repr=False)

    @property
    def predict_budget(self) -> float:
        """Seconds a request may spend predicting before it is answered with a timeout."""
        return self.timeout * BUDGET_SHARE


def _positive_int(name: str, raw: Any) -> int:
    """Parse a setting that must be a positive integer, naming it in the error."""
    error = ValueError(f"{name} must be a positive integer, got {raw!r}")
    if isinstance(raw, bool):
        raise error
    try:
        value = raw if isinstance(raw, int) else int(str(raw).strip())
    except ValueError:
        raise error from None
    if value < 1:
        raise error
    return value


def _positive_number(name: str, raw: Any) -> float:
    """Parse a setting that must be a positive number of seconds."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = 0.0
    if isinstance(raw, bool) or not 0 < value < float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds, got {raw!r}")
    return value


def _log_level(raw: Any) -> str:
    """Parse LOG_LEVEL into one of logging's level names."""
    name = str(raw).strip().upper()
    if not isinstance(logging.getLevelNamesMapping().get(name), int):
        raise ValueError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got {raw!r}")
    return name


def _api_token(raw: Any) -> str | None:
    """Parse STANCE_API_TOKEN; the error never quotes the token itself."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _TOKEN.fullmatch(raw):
        raise ValueError(
            "STANCE_API_TOKEN must be at least 16 visible ASCII characters without spaces"
        )
    return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Resolve the settings: defaults, then `environ` (os.environ), then `overrides`."""
    env = os.environ if environ is None else environ
    merged: dict[str, Any] = {key: env[key] for key in SETTING_KEYS if env.get(key, "") != ""}
    merged.update({k: v for k, v in (overrides or {}).items() if k in SETTING_KEYS})
    raw_path = merged.get("STANCE_MODEL_PATH")
    return Settings(
        # None means "the model package's default", which also honours STANCE_MODEL_PATH.
        model_path=Path(raw_path) if raw_path not in (None, "") else None,
        max_bytes=_positive_int("STANCE_MAX_BYTES", merged.get("STANCE_MAX_BYTES", MAX_BYTES)),
        max_batch=_positive_int("STANCE_MAX_BATCH", merged.get("STANCE_MAX_BATCH", MAX_BATCH)),
        log_level=_log_level(merged.get("LOG_LEVEL", DEFAULT_LOG_LEVEL)),
        timeout=_positive_number("STANCE_TIMEOUT", merged.get("STANCE_TIMEOUT", TIMEOUT)),
        api_token=_api_token(merged.get("STANCE_API_TOKEN")),
    )
