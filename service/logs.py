"""Structured logging: one JSON object per line on stderr."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

LOGGER_NAME = "stancewatch.service"


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON line; structured fields come from `extra={"fields": …}`."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the record with its fields, and the traceback if any."""
        payload: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            "pid": record.process,
        }
        payload.update(getattr(record, "fields", {}))
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever sys.stderr is at emit time, so redirections are honoured."""

    def __init__(self) -> None:
        """Start with no fixed stream."""
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        """The current sys.stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignore: the stream is always the current sys.stderr."""


def configure_logging(level: str) -> logging.Logger:
    """Set up the service logger once per process and apply `level`."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    # Our lines are complete on their own; the root logger must not print them twice.
    logger.propagate = False
    return logger


def log_event(
    logger: logging.Logger, level: int, event: str, *, exc_info: bool = False, **fields: Any
) -> None:
    """Log `event` with structured fields (never pass article text here)."""
    logger.log(level, event, extra={"fields": fields}, exc_info=exc_info)
