"""A time budget for predictions, so a slow one is answered in JSON before gunicorn kills it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from service.errors import ApiError


class _Expired(Exception):
    """Raised inside the prediction when the budget runs out."""


def _expire(_signum: int, _frame: FrameType | None) -> None:
    """SIGALRM handler: interrupt whatever Python code is running."""
    raise _Expired


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise a 503 `timeout` ApiError if the block runs longer than `seconds`."""
    # Signals only reach the main thread; elsewhere gunicorn's timeout is the only guard.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        message = f"the prediction took longer than {seconds:g} s; send shorter texts"
        raise ApiError(503, "timeout", message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
