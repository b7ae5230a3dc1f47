"""The benchmark corpus: the held-out test articles, and documents joined from them to a size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from model.config import TEST_ARTICLES_PATH


@dataclass(frozen=True)
class Document:
    """A benchmark input and its length in words."""

    text: str
    words: int


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


def read_articles(path: Path = TEST_ARTICLES_PATH) -> list[str]:
    """The texts of the test articles, in file order."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def paragraphs(articles: list[str]) -> list[str]:
    """Every article's paragraphs in order: the units that documents are joined from."""
    return [p.strip() for article in articles for p in article.split("\n\n") if p.strip()]


def documents_of_size(articles: list[str], size: int) -> list[Document]:
    """Consecutive runs of paragraphs of about `size` words, covering the corpus at least once.

    Paragraphs, not words, are joined so every document is well-formed news text; the stream
    wraps around, so documents longer than the corpus repeat its articles.
    """
    stream = paragraphs(articles)
    total = sum(word_count(p) for p in stream)
    count = max(1, round(total / size))
    documents, cursor = [], 0
    for _ in range(count):
        chosen: list[str] = []
        words = 0
        while words < size:
            paragraph = stream[cursor % len(stream)]
            chosen.append(paragraph)
            words += word_count(paragraph)
            cursor += 1
        documents.append(Document("\n\n".join(chosen), words))
    return documents


def as_documents(articles: list[str]) -> list[Document]:
    """The articles as they are."""
    return [Document(text, word_count(text)) for text in articles]
