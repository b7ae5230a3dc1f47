"""Streaming the archive's inputs: JSON Lines (optionally gzip) and folders of .txt articles.

The reader only cuts the inputs into raw items (bytes and where they came from); parsing and
validation happen on the Dask workers, so the driver stays light whatever the archive's size.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIX = ".txt"
GZIP_SUFFIX = ".gz"


class InputError(Exception):
    """An input that cannot be read at all (missing, or a folder without .txt files)."""


@dataclass(frozen=True, slots=True)
class RawItem:
    """One input line of a JSON Lines file, or one whole .txt file (`line` is None)."""

    source: str
    line: int | None
    data: bytes
    problem: str | None = None  # set when the item could not even be read (a broken gzip)


@dataclass(frozen=True, slots=True)
class Source:
    """One file to read, and whether it holds one article (.txt) or one per line."""

    path: Path
    label: str
    whole_file: bool


def expand(inputs: list[Path]) -> list[Source]:
    """The files behind the command line's inputs, folders expanded to their sorted .txt files."""
    sources: list[Source] = []
    for path in inputs:
        if path.is_dir():
            texts = sorted(p for p in path.rglob(f"*{TEXT_SUFFIX}") if p.is_file())
            if not texts:
                raise InputError(f"{path}: no {TEXT_SUFFIX} files in this folder")
            sources.extend(Source(p, p.as_posix(), True) for p in texts)
        elif path.is_file():
            sources.append(Source(path, path.as_posix(), False))
        else:
            raise InputError(f"{path}: no such file or folder")
    return sources


def fingerprint(sources: list[Source]) -> str:
    """A digest of the inputs' names and sizes: a resumed run must read the same items."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"{source.label}\0{source.path.stat().st_size}\n".encode())
    return digest.hexdigest()


def _lines(source: Source) -> Iterator[RawItem]:
    """The lines of one JSON Lines file, gunzipped on the fly when it ends in .gz."""
    opener = gzip.open if source.path.suffix == GZIP_SUFFIX else open
    number = 0
    try:
        with opener(source.path, "rb") as stream:
            for number, line in enumerate(stream, start=1):
                yield RawItem(source.label, number, line.rstrip(b"\r\n"))
    except (OSError, EOFError, zlib.error) as error:
        # A truncated or corrupt gzip: what came before is kept, the rest cannot be read.
        yield RawItem(source.label, number + 1, b"", f"unreadable after this point: {error}")


def items(sources: list[Source]) -> Iterator[RawItem]:
    """Every item of every source, in order: the stream that is cut into chunks."""
    for source in sources:
        if not source.whole_file:
            yield from _lines(source)
            continue
        try:
            yield RawItem(source.label, None, source.path.read_bytes())
        except OSError as error:
            yield RawItem(source.label, None, b"", f"unreadable: {error.strerror}")
