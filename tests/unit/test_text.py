"""Sentence splitting, quote spans and name folding."""

from model.text import fold, quote_spans, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Mr. Scholz met Gen. Pat Ryder in the U.S. capital. Joe R. Biden spoke later."
    assert _sentences(text) == [
        "Mr. Scholz met Gen. Pat Ryder in the U.S. capital.",
        "Joe R. Biden spoke later.",
    ]


def test_quoted_sentences_and_line_breaks_split() -> None:
    text = '"We will not do it," he said. "It is too risky."\nRelated: Biden meets Macron'
    assert _sentences(text) == [
        '"We will not do it," he said.',
        '"It is too risky."',
        "Related: Biden meets Macron",
    ]


def test_paragraphs_are_numbered_by_blank_lines() -> None:
    text = "One. Two.\n\nThree."
    assert [s.paragraph for s in split_sentences(text)] == [0, 0, 1]


def test_quote_spans_cover_curly_and_straight_quotes() -> None:
    text = 'He said “no” and "yes".'
    assert [text[s:e] for s, e in quote_spans(text)] == ["“no”", '"yes"']


def test_fold_unifies_spelling_variants() -> None:
    assert fold("Zelenskyy") == fold("Zelenskiy") == fold("Zelensky")
    assert fold("Sergey Lavrov") == fold("Sergei Lavrov")
    assert fold("Péter Szijjártó") == "peter szijjarto"
