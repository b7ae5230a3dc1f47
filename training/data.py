"""Reading the labelled JSON Lines files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


class DataError(ValueError):
    """A data file is malformed; the message names the file and line."""


def parse_object(line: str) -> dict:
    """One JSON Lines record, which must be an object; DataError says what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(f"malformed JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(record, dict):
        raise DataError('expected an object {"id": ..., "text": ...}')
    return record


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSON Lines file, skipping blank lines."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(parse_object(line))
            except DataError as error:
                raise DataError(f"{path}:{number}: {error}") from None
    return records


def sha256_of_files(*paths: Path) -> str:
    """One sha256 over the bytes of several files, in order."""
    digest = hashlib.sha256()
    for path in paths:
        if Path(path).is_file():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()
