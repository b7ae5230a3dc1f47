"""The archive's parts without a cluster: reading inputs, validating items, near-duplicates."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import syndicated

from archive.dedupe import StoryIndex, shingles, signature
from archive.reader import InputError, RawItem, expand, items
from archive.runner import chunks
from archive.scoring import BadItem, parse
from model.config import TEST_ARTICLES_PATH


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The held-out test articles' texts."""
    with TEST_ARTICLES_PATH.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def test_a_truncated_gzip_keeps_its_lines_and_reports_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    lines = [json.dumps({"id": str(i), "text": "x" * 2000 + str(i)}).encode() for i in range(50)]
    data = gzip.compress(b"\n".join(lines) + b"\n")
    path.write_bytes(data[: len(data) // 2])
    read = list(items(expand([path])))
    assert [item.data for item in read[:-1]] == lines[: len(read) - 1]
    assert read[-1].problem.startswith("unreadable after this point")
    assert read[-1].line == len(read)


def test_a_missing_input_or_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        expand([tmp_path / "missing.jsonl"])
    with pytest.raises(InputError, match=r"no \.txt files"):
        expand([tmp_path])


def test_chunks_cover_the_stream_in_order() -> None:
    stream = (RawItem("s", n, b"") for n in range(1, 11))
    cut = list(chunks(stream, 4))
    assert [(c.number, c.start, len(c.items)) for c in cut] == [(0, 0, 4), (1, 4, 4), (2, 8, 2)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"id": 7, "text": "t", "outlet": 3}', '"outlet" must be a string'),
        (b'{"id": true, "text": "t"}', '"id" must be'),
        (b'{"id": "x", "text": "   "}', '"text" must be a non-blank string'),
        (b'"just a string"', "expected an object"),
    ],
)
def test_invalid_items_name_their_reason(data: bytes, reason: str) -> None:
    with pytest.raises(BadItem, match=reason):
        parse(RawItem("s", 1, data))


def test_a_valid_item_keeps_id_date_and_outlet() -> None:
    item = RawItem("s", 1, b'{"id": 7, "text": "t", "date": "2024-05-31T10:00:00", "url": "u"}')
    assert parse(item) == {"id": "7", "text": "t", "date": "2024-05-31T10:00:00", "outlet": None}


def test_boilerplate_does_not_hide_a_copy(texts: list[str]) -> None:
    original, copy = shingles(texts[0]), shingles(syndicated(texts[0]))
    assert len(original & copy) / len(original | copy) > 0.9


def test_the_index_flags_copies_and_not_other_stories(texts: list[str]) -> None:
    index = StoryIndex()
    for position, text in enumerate(texts):
        assert index.original_of(signature(text)) is None, f"article {position} is no copy"
        index.add(position, f"art-{position}", signature(text))
    assert index.original_of(signature(syndicated(texts[5]))) == (5, "art-5")
