"""Reading the labelled JSON Lines files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


class DataError(ValueError):
    """A data file is malformed; the message names the file and line."""


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSON Lines file, skipping blank lines."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}:{number}: not valid JSON: {error.msg}") from error
            if not isinstance(record, dict):
                raise DataError(f"{path}:{number}: a record must be a JSON object")
            records.append(record)
    return records


def sha256_of_files(*paths: Path) -> str:
    """One sha256 over the bytes of several files, in order."""
    digest = hashlib.sha256()
    for path in paths:
        if Path(path).is_file():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()
