"""Property tests of the model: any Unicode text gives a well-formed answer whose offsets match."""

from __future__ import annotations

import json
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from model import StanceModel
from model.config import LABELS, TEST_ARTICLES_PATH
from model.text import split_sentences
from service.schemas import ActorStance
from tests.reliability.conftest import check_spans


def _sentences() -> list[str]:
    """Real sentences of the held-out articles, so generated texts name real actors."""
    with TEST_ARTICLES_PATH.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return [
        text[s.start : s.end]
        for text in texts[:10]
        for s in split_sentences(text)
        if s.end > s.start
    ]


SENTENCES = _sentences()
# The characters that break naive text handling: controls, NUL, bidi marks, joiners, quotes of
# every kind, combining marks, emoji with modifiers, line and paragraph separators.
AWKWARD = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u00a0\u00ad\u200b\u200c\u200d\u200e\u200f\u202a"
    "\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\ufeff\ufffd\u0301\u0308"
    "\"'“”‘’«»„‹›「」—–-:;.!?…\n\r\t "
    "😀👍🏽👨‍👩‍👧🇺🇦Ⅻ𝔘ﬁ"
)
noise = st.text(alphabet=st.sampled_from(AWKWARD), max_size=12)
# Pieces of real articles mixed with noise and arbitrary Unicode, joined without care.
articles = st.lists(
    st.one_of(st.sampled_from(SENTENCES), noise, st.text(max_size=40)), max_size=12
).map("".join)


def _check(text: str, answer: dict) -> None:
    """The answer is schema-valid, its offsets slice `text`, its scores are probabilities."""
    check_spans(text, answer["actors"])
    for actor in answer["actors"]:
        ActorStance.model_validate(actor)
        assert actor["stance"] in LABELS
        assert math.isclose(sum(actor["scores"].values()), 1.0, abs_tol=1e-3), actor["scores"]


@settings(max_examples=150)
@given(text=st.one_of(st.text(max_size=2000), articles))
@example(text="")
@example(text="\x00" * 50)
@example(text="\u202eGermany\u202c refused to lift the limits.")
@example(text='"Poland urged allies to lift the limits,')
@example(text="Scholz said: «Germany will not» ” ' \"")
def test_any_text_gives_a_valid_answer(stance_model: StanceModel, text: str) -> None:
    _check(text, stance_model.predict(text).to_dict())


@settings(max_examples=60)
@given(
    text=articles,
    requested=st.lists(
        st.one_of(st.sampled_from(["Germany", "Olaf Scholz", "NATO"]), noise.filter(str.strip)),
        max_size=3,
    ),
)
def test_requested_actors_come_back_in_order(
    stance_model: StanceModel, text: str, requested: list[str]
) -> None:
    answer = stance_model.predict(text, requested).to_dict()
    _check(text, answer)
    assert len(answer["actors"]) == len(requested)


@settings(max_examples=30)
@given(text=articles)
def test_prediction_is_deterministic(stance_model: StanceModel, text: str) -> None:
    assert stance_model.predict(text).to_dict() == stance_model.predict(text).to_dict()
