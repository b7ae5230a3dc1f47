"""What every subcommand shares: the runtime error that exits 1, the subcommand parser, argument
types and the progress bar."""

from __future__ import annotations

import argparse
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


def add_command(
    subparsers: argparse._SubParsersAction, name: str, help_line: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand whose --help keeps the description's own line breaks."""
    return subparsers.add_parser(
        name,
        help=help_line,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
