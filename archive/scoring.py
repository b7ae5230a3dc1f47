"""What runs on a Dask worker: parse a chunk of raw items, score the articles, report the rest.

The model is loaded once per worker process (a cache keyed by the artifact's path), never once
per article or per chunk.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from archive.reader import RawItem
from training.data import DataError, parse_object

if TYPE_CHECKING:
    from model import StanceModel


@dataclass(frozen=True, slots=True)
class Chunk:
    """A slice of the input stream: its number and the raw items, in order."""

    number: int
    start: int  # position of the first item in the whole input stream
    items: list[RawItem]


@dataclass(slots=True)
class ChunkResult:
    """A scored chunk: one result per valid article and one error per bad item, in order."""

    number: int
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # stream position of each result
    signatures: np.ndarray | None = None  # MinHash of each result's body, with --dedupe


class BadItem(ValueError):
    """An input item that is not a valid article; its message is the reason."""


@functools.lru_cache(maxsize=2)
def stance_model(artifact: str) -> StanceModel:
    """The worker's model, loaded on first use and kept for every later chunk."""
    import model

    return model.load(artifact)


def model_identity(artifact: str) -> str:
    """The loaded artifact's sha256 (run on every worker before scoring, to fail early)."""
    loaded = stance_model(artifact)
    return str(loaded.manifest.get("artifact_sha256") or loaded.version)


def _optional_string(record: dict, key: str) -> str | None:
    """A field that must be a string when present."""
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise BadItem(f'"{key}" must be a string')
    return value


def parse(item: RawItem) -> dict[str, Any]:
    """The article in one item: {"id", "text", "date", "outlet"}, or BadItem with the reason."""
    if item.problem:
        raise BadItem(item.problem)
    try:
        text = item.data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadItem(f"not valid UTF-8 (byte {error.start})") from None
    if item.line is None:
        record: Any = {"id": item.source, "text": text}
    else:
        if not text.strip():
            raise BadItem("blank line")
        try:
            record = parse_object(text)
        except DataError as error:
            raise BadItem(str(error)) from None
    article_id = record.get("id")
    if isinstance(article_id, int) and not isinstance(article_id, bool):
        article_id = str(article_id)
    if not isinstance(article_id, str) or not article_id.strip():
        raise BadItem('"id" must be a non-empty string or an integer')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadItem('"text" must be a non-blank string')
    date = _optional_string(record, "date")
    if date is not None:
        try:
            datetime.fromisoformat(date)
        except ValueError:
            raise BadItem(f'"date" is not an ISO 8601 date: {date!r}') from None
    return {
        "id": article_id,
        "text": text,
        "date": date,
        "outlet": _optional_string(record, "outlet"),
    }


def error_record(item: RawItem, reason: str) -> dict[str, Any]:
    """The line written to errors.jsonl: where the item was, why it failed, and the item itself."""
    return {
        "source": item.source,
        "line": item.line,
        "reason": reason,
        "raw": item.data.decode("utf-8", errors="replace"),
    }


def score_chunk(chunk: Chunk, artifact: str, dedupe: bool) -> ChunkResult:
    """Score every valid article of a chunk; every item ends up a result or an error."""
    from archive.dedupe import NUM_PERM, signature

    loaded = stance_model(artifact)
    result = ChunkResult(chunk.number)
    signatures = []
    for offset, item in enumerate(chunk.items):
        try:
            article = parse(item)
            actors = loaded.predict(article["text"]).to_dict()["actors"]
        except BadItem as error:
            result.errors.append(error_record(item, str(error)))
            continue
        except Exception as error:  # one bad article must not stop the archive
            result.errors.append(error_record(item, f"scoring failed: {error!r}"))
            continue
        if dedupe:
            signatures.append(signature(article["text"]))
        article.pop("text")  # the results carry the stances, not the archive's text again
        article.update(source=item.source, line=item.line, duplicate_of=None, actors=actors)
        result.results.append(article)
        result.positions.append(chunk.start + offset)
    if dedupe:
        result.signatures = np.array(signatures, dtype=np.uint64).reshape(-1, NUM_PERM)
    return result


def model_loads() -> int:
    """How many times this worker process has loaded a model (1 per artifact, ideally)."""
    return stance_model.cache_info().misses
