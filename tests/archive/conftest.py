"""An archive to score (good articles, syndicated copies, malformed lines, gzip, a .txt folder)
and a two-process local Dask cluster shared by the batch tests."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from model.config import TEST_ARTICLES_PATH

MALFORMED = [
    (b"{not json", "malformed JSON"),
    (b"", "blank line"),
    (b'["a list"]', "expected an object"),
    (b'{"id": "no-text"}', '"text" must be a non-blank string'),
    (b'{"id": "", "text": "Poland urged allies."}', '"id" must be'),
    (b'{"id": "bad-date", "text": "Poland urged allies.", "date": "last May"}', "ISO 8601"),
    (b'{"id": "latin1", "text": "Caf\xe9"}', "not valid UTF-8"),
]
COPIED = 3  # the article the syndicated copy is made from


@dataclass(frozen=True)
class Archive:
    """The test archive's inputs, and what each input line is."""

    inputs: list[Path]
    articles: list[dict]  # the test articles, with the ids and dates written
    jsonl: Path
    gz: Path
    folder: Path
    texts: list[Path]
    copy_id: str

    def expected_items(self) -> list[tuple[str, int | None]]:
        """(source, line) of every input item: each must come out exactly once."""
        items = []
        for path in (self.jsonl, self.gz):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as stream:
                items += [(path.as_posix(), n) for n, _ in enumerate(stream, start=1)]
        return items + [(path.as_posix(), None) for path in self.texts]


def syndicated(text: str) -> str:
    """The same story as another outlet carries it: new headline, byline and footer."""
    paragraphs = text.split("\n\n")
    while len(paragraphs[0].split()) < 20:  # the original's own headline and byline
        paragraphs.pop(0)
    return "\n\n".join(
        ["Wire report: allies split on strike limits", "By Wire Staff, Global Wire Service"]
        + paragraphs
        + ["© Global Wire Service. Reproduction prohibited without permission."]
    )


# A fixed share of the test split, so that the archive stays the same as the split grows.
ARCHIVE_ARTICLES = 30


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """Write the archive: 30 articles, one syndicated copy and the malformed lines in JSONL,
    exact copies with new ids in a gzip file, and three articles plus a bad one as .txt."""
    folder = tmp_path_factory.mktemp("archive")
    with TEST_ARTICLES_PATH.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()][:ARCHIVE_ARTICLES]
    articles = [
        {
            "id": f"art-{i:02d}",
            "text": text,
            "date": f"2024-{5 + i % 3:02d}-{1 + i % 28:02d}",
            "outlet": f"outlet-{i % 4}",
        }
        for i, text in enumerate(texts)
    ]
    copy = {"id": "wire-copy", "text": syndicated(texts[COPIED]), "outlet": "wire"}
    jsonl = folder / "news.jsonl"
    lines_out = [json.dumps(a).encode() for a in articles[:15]]
    lines_out += [bad for bad, _ in MALFORMED] + [json.dumps(copy).encode()]
    lines_out += [json.dumps(a).encode() for a in articles[15:]]
    jsonl.write_bytes(b"\n".join(lines_out) + b"\n")
    gz = folder / "more.jsonl.gz"
    with gzip.open(gz, "wb") as stream:
        for i in range(10):
            stream.write(json.dumps({**articles[i], "id": f"gz-{i}"}).encode() + b"\n")
    txt = folder / "texts"
    txt.mkdir()
    paths = []
    for i in range(3):
        paths.append(txt / f"story-{i}.txt")
        paths[-1].write_text(texts[20 + i], encoding="utf-8")
    paths.append(txt / "broken.txt")
    paths[-1].write_bytes(b"\xff\xfe not utf-8")
    return Archive([jsonl, gz, txt], articles, jsonl, gz, txt, sorted(paths), copy["id"])


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[str]:
    """The address of a local cluster of two worker processes, on the loopback only."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address
