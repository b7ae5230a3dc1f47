"""Text units with character offsets: sentences, paragraphs and quoted spans."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Tokens that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "sgt",
        "maj",
        "capt",
        "adm",
        "sen",
        "rep",
        "gov",
        "st",
        "jr",
        "sr",
        "prof",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "inc",
        "corp",
        "ltd",
        "co",
        "dept",
        "est",
        "approx",
        "fig",
        "pres",
        "amb",
    ]
)

_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\n")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"“‘'(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042f]")

OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its offsets into the text and the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int


def _is_abbreviation(text: str, period_at: int) -> bool:
    """True when the period at `period_at` closes an abbreviation or an initial."""
    word_start = period_at
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:period_at].lstrip("\"“‘'([").lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial, as in "Joe R. Biden"
    return word in ABBREVIATIONS


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end], a single line, into sentence spans."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        first_mark = match.start()
        single_period = text[first_mark] == "." and match.group().count(".") == 1
        if single_period and _is_abbreviation(text, first_mark):
            continue
        if not _NEXT_STARTS_SENTENCE.match(text, stop, end):
            continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences; line breaks always end a sentence."""
    sentences: list[Sentence] = []
    line_start = 0
    for line_end in [*(m.end() for m in _LINE_BREAK.finditer(text)), len(text)]:
        for start, end in _split_line(text, line_start, line_end):
            start, end = _trim(text, start, end)
            if start < end:
                sentences.append(Sentence(start, end, 0))
        line_start = line_end
    return _number_paragraphs(text, sentences)


def _number_paragraphs(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Number paragraphs by the blank lines that separate sentences."""
    numbered: list[Sentence] = []
    paragraph = 0
    previous_end = 0
    for sentence in sentences:
        gap = text[previous_end : sentence.start]
        if numbered and gap.count("\n") >= 2:
            paragraph += 1
        numbered.append(Sentence(sentence.start, sentence.end, paragraph))
        previous_end = sentence.end
    return numbered


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech, from the opening to the closing mark, within a paragraph."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for index, char in enumerate(text):
        if char in OPEN_QUOTES:
            open_at = index
        elif char in CLOSE_QUOTES:
            if open_at is not None:
                spans.append((open_at, index + 1))
            open_at = None
        elif char == '"':
            if open_at is None:
                open_at = index
            else:
                spans.append((open_at, index + 1))
                open_at = None
        elif char == "\n" and text.startswith("\n", index + 1) and open_at is not None:
            # A quote left open at a paragraph's end runs to that end, as news style allows.
            spans.append((open_at, index))
            open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def fold(name: str) -> str:
    """A spelling-insensitive key for a name: no accents, lower case, common transliterations."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.lower().replace("’", "'").replace("-", " ")
    plain = re.sub(r"yy\b", "y", plain)
    plain = re.sub(r"iy\b", "y", plain)
    plain = re.sub(r"yi\b", "y", plain)
    plain = plain.replace("sergey", "sergei").replace("dmitri ", "dmitry ")
    return re.sub(r"\s+", " ", plain).strip()
