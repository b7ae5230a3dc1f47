"""What every subcommand shares: the runtime error that exits 1 and the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


class CommandError(Exception):
    """A runtime failure: `main` prints its one-line message to stderr and exits 1."""


def progress(items: Iterable[Item], total: int, description: str) -> Iterator[Item]:
    """Iterate with a tqdm bar on stderr, shown only when stderr is a terminal."""
    from tqdm import tqdm  # deferred: `--help` should not pay for it

    # A bar for one item is noise; a bar in a pipe or a log file is garbage.
    quiet = total < 2 or not sys.stderr.isatty()
    yield from tqdm(items, total=total, desc=description, unit="doc", disable=quiet, leave=False)
