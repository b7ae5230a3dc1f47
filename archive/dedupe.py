"""Near-duplicate articles: MinHash over word shingles of the body, and an LSH index of stories.

Syndicated copies differ in their boilerplate (headline, byline, dateline, outlet footer), which
sits in short lines; those are left out before shingling, and the story's paragraphs remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 5
DEFAULT_THRESHOLD = 0.7
MIN_PARAGRAPH_WORDS = 10
SCHEME = "affine32"  # datasketch 2 asks for it when a sketch is rebuilt from its values
SEED = 1  # fixed, so every worker hashes alike and a resumed run agrees with the first
WORD = re.compile(r"\w+")


def body(text: str) -> str:
    """The article without its short lines: headlines, bylines, credits and footers."""
    paragraphs = [p for p in text.splitlines() if p.strip()]
    # A story's paragraphs are rarely that short, so what is left is the story itself.
    long = [p for p in paragraphs if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return "\n".join(long or paragraphs)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of lower-cased word n-grams of the body (the words themselves if it is shorter)."""
    words = WORD.findall(body(text).lower())
    if len(words) < size:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature of an article's body, computed on a worker."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(shingles(text)))
    return minhash.hashvalues


def _sketch(hashvalues: np.ndarray) -> LeanMinHash:
    """A signature computed on a worker, as a sketch the LSH index takes."""
    return LeanMinHash(seed=SEED, hashvalues=hashvalues, scheme=SCHEME)


@dataclass
class StoryIndex:
    """The first article of every story seen so far, queried in input order by the driver.

    Only originals are indexed, so a copy of a copy points at the story's first article, and
    the index grows with the number of distinct stories, not of articles.
    """

    threshold: float = DEFAULT_THRESHOLD
    _lsh: MinHashLSH = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Build the empty LSH index for this threshold."""
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def original_of(self, hashvalues: np.ndarray) -> tuple[int, str] | None:
        """The (position, id) of the earliest indexed article this one nearly duplicates."""
        minhash = _sketch(hashvalues)
        candidates = self._lsh.query(minhash)
        return min(candidates) if candidates else None

    def add(self, position: int, article_id: str, hashvalues: np.ndarray) -> None:
        """Index an original article under its position in the input stream."""
        minhash = _sketch(hashvalues)
        self._lsh.insert((position, article_id), minhash, check_duplication=False)
