"""Writing results: per-chunk part files committed atomically, then joined into the output.

JSON Lines holds one article per line with its actors; Parquet holds one row per article and
actor (an article without actors keeps one row with an empty actor, so no article is lost).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

FORMATS = ("jsonl", "parquet")


def parquet_schema():  # -> pa.Schema (pyarrow imported lazily: `--help` should not pay for it)
    """The columns of the Parquet output, fixed so that every part file agrees."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("date", pa.string()),
            ("outlet", pa.string()),
            ("source", pa.string()),
            ("line", pa.int64()),
            ("duplicate_of", pa.string()),
            ("actor", pa.string()),
            ("type", pa.string()),
            ("stance", pa.string()),
            ("confidence", pa.float64()),
            ("score_favor", pa.float64()),
            ("score_against", pa.float64()),
            ("score_none", pa.float64()),
            ("mentions", pa.int64()),
            ("evidence", pa.string()),
        ]
    )


ARTICLE_COLUMNS = ("id", "date", "outlet", "source", "line", "duplicate_of")


def actor_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One article's Parquet rows: one per actor, or one empty row when it has none."""
    article = {key: result[key] for key in ARTICLE_COLUMNS}
    if not result["actors"]:
        return [article]
    rows = []
    for actor in result["actors"]:
        best = max(actor["evidence"], key=lambda e: e["confidence"], default=None)
        rows.append(
            {
                **article,
                "actor": actor["actor"],
                "type": actor["type"],
                "stance": actor["stance"],
                "confidence": actor["confidence"],
                **{
                    f"score_{label}": actor["scores"].get(label)
                    for label in ("favor", "against", "none")
                },
                "mentions": len(actor["mentions"]),
                "evidence": best["text"] if best else None,
            }
        )
    return rows


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file under a temporary name, flush it to disk, then rename it into place."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that renames inside it survive a crash."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def jsonl_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    """Records as JSON Lines, UTF-8 kept readable."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def write_results(path: Path, results: list[dict[str, Any]], fmt: str) -> None:
    """One chunk's results as a part file in the output's format."""
    if fmt == "jsonl":
        data = jsonl_bytes(results)
        atomic_write(path, lambda stream: stream.write(data))
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [row for result in results for row in actor_rows(result)]
    table = pa.Table.from_pylist(rows, schema=parquet_schema())
    atomic_write(path, lambda stream: pq.write_table(table, stream))


def join_results(parts: list[Path], out: Path, fmt: str) -> None:
    """Concatenate the part files, in order, into the output (one part in memory at a time)."""
    if fmt == "jsonl":
        join_lines(parts, out)
        return
    import pyarrow.parquet as pq

    def write(stream: IO[bytes]) -> None:
        with pq.ParquetWriter(stream, parquet_schema()) as writer:
            for part in parts:
                writer.write_table(pq.read_table(part, schema=parquet_schema()))

    atomic_write(out, write)


def join_lines(parts: list[Path], out: Path) -> None:
    """Concatenate text part files into one, streaming."""

    def write(stream: IO[bytes]) -> None:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, stream)

    atomic_write(out, write)
