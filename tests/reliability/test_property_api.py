"""Property tests of the HTTP API: whatever the body, a schema-valid 200 or a 4xx JSON error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reliability.conftest import AnswerCheck, check_spans
from tests.reliability.test_property_model import articles

ARTICLE = "Germany refused to lift the limits. Poland urged allies to lift them."
SENTENCE = "Poland urged allies to lift the limits on strikes inside Russia. "

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
documents = st.fixed_dictionaries(
    {"id": st.text(max_size=8), "text": st.one_of(articles, st.text(max_size=200))},
    optional={"actors": st.lists(st.text(max_size=12), max_size=3), "extra": json_values},
)


def _post(app: Flask, path: str, body: bytes, content_type: str) -> Any:
    """POST a raw body through the app."""
    return app.test_client().post(path, data=body, headers={"Content-Type": content_type})


def _predict(app: Flask, check: AnswerCheck, text: str, as_plain: bool = False) -> dict:
    """POST one text as JSON (or text/plain) and check whatever comes back."""
    if as_plain:
        response = _post(app, "/predict", text.encode("utf-8"), "text/plain; charset=utf-8")
    else:
        response = _post(app, "/predict", json.dumps({"text": text}).encode(), "application/json")
    payload = check("/predict", response.status_code, response.content_type, response.get_data())
    if response.status_code == 200:
        check_spans(text, payload["actors"])
    else:
        assert not text.strip(), f"a non-blank text was refused: {payload}"
    return payload


@settings(max_examples=120)
@given(text=st.one_of(st.text(max_size=3000), articles), as_plain=st.booleans())
def test_any_unicode_text_is_answered(
    reliability_app: Flask, check_answer: AnswerCheck, text: str, as_plain: bool
) -> None:
    _predict(reliability_app, check_answer, text, as_plain)


@settings(max_examples=80)
@given(
    body=st.binary(max_size=600), content_type=st.sampled_from(["application/json", "text/plain"])
)
def test_any_bytes_get_200_or_4xx(
    reliability_app: Flask, check_answer: AnswerCheck, body: bytes, content_type: str
) -> None:
    response = _post(reliability_app, "/predict", body, content_type)
    check_answer("/predict", response.status_code, response.content_type, response.get_data())


@settings(max_examples=80)
@given(value=json_values, path=st.sampled_from(["/predict", "/predict/batch"]))
def test_any_json_document_gets_200_or_4xx(
    reliability_app: Flask, check_answer: AnswerCheck, value: Any, path: str
) -> None:
    response = _post(reliability_app, path, json.dumps(value).encode(), "application/json")
    check_answer(path, response.status_code, response.content_type, response.get_data())


@settings(max_examples=60)
@given(batch=st.lists(documents, max_size=6))
def test_any_batch_gets_200_or_4xx(
    reliability_app: Flask, check_answer: AnswerCheck, batch: list[dict]
) -> None:
    body = json.dumps({"documents": batch}).encode()
    response = _post(reliability_app, "/predict/batch", body, "application/json")
    payload = check_answer(
        "/predict/batch", response.status_code, response.content_type, response.get_data()
    )
    if response.status_code == 200:
        assert [r["id"] for r in payload["results"]] == [d["id"] for d in batch]
        for document, result in zip(batch, payload["results"], strict=True):
            check_spans(document["text"], result["actors"])


LIMIT = 1024 * 1024


def _fill(unit: str, tail: str = ARTICLE) -> str:
    """`unit` repeated so that {"text": ...} with `tail` just fits in the 1 MB body limit."""
    room = LIMIT - len(json.dumps({"text": tail}).encode())
    return unit * (room // len(json.dumps(unit).encode()[1:-1])) + tail


# The hostile inputs, at the size a client may send (the body limit is 1 MB).
HOSTILE = {
    "control characters": _fill("".join(chr(c) for c in range(32))),
    "NUL bytes": _fill(ARTICLE.replace(" ", "\x00")),
    "RTL and bidi marks": _fill("\u202e" + ARTICLE + "\u202c\u200f"),
    "emoji": _fill("👨‍👩‍👧 🇺🇦 Germany 😀👍🏽 refused. "),
    "a 900 KB single token": "x" * 900_000,
    "a 900 KB capitalised token": "Scholz" * 150_000,
    "only punctuation": _fill("!?.,;:…—–-()[]{}"),
    "unbalanced quotes": _fill('"' + ARTICLE + " “Poland said «"),
    "only quote marks": _fill('"', " Scholz said."),
    "one sentence ten thousand times": SENTENCE * 10_000,
    "only line breaks": _fill("\n"),
    "only spaces": _fill(" "),
    "one sentence, no full stop": _fill("Scholz said Germany and Poland urged ", ""),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_texts_of_the_maximum_size_are_answered(
    reliability_app: Flask, check_answer: AnswerCheck, text: str
) -> None:
    assert len(json.dumps({"text": text}).encode()) <= LIMIT
    payload = _predict(reliability_app, check_answer, text)
    assert "actors" in payload
