"""Model behaviour: negation flips a stance, renaming an actor does not, offsets are exact."""

import pytest

from model import StanceModel

RESTRICTIONS = "the restrictions on Ukraine's use of its weapons against targets inside Russia"


def _stances(stance_model: StanceModel, text: str) -> dict[str, str]:
    return {a["actor"]: a["stance"] for a in stance_model.predict(text).to_dict()["actors"]}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (f"Germany lifted {RESTRICTIONS}.", "favor"),
        (f"Germany refused to lift {RESTRICTIONS}.", "against"),
        (f"Germany did not rule out lifting {RESTRICTIONS}.", "favor"),
        ("Germany rejected calls to keep the ban.", "favor"),
        (
            "Germany warned that letting Kyiv fire Western missiles into Russia "
            "would risk a dangerous escalation.",
            "against",
        ),
        ("Germany announced a new package of air-defence systems on Tuesday.", "none"),
    ],
)
def test_negation_and_wording_set_the_stance(stance_model, sentence: str, expected: str) -> None:
    assert _stances(stance_model, sentence)["Germany"] == expected


@pytest.mark.parametrize("country", ["Norway", "Portugal", "Canada", "Japan"])
@pytest.mark.parametrize(
    "template",
    [
        "{actor} refused to lift " + RESTRICTIONS + ".",
        "{actor} did not rule out lifting " + RESTRICTIONS + ".",
    ],
)
def test_renaming_the_actor_keeps_its_stance(stance_model, country: str, template: str) -> None:
    original = _stances(stance_model, template.format(actor="Germany"))["Germany"]
    assert _stances(stance_model, template.format(actor=country))[country] == original


def test_one_sentence_holds_opposite_stances(stance_model) -> None:
    text = "Poland criticised Italy's refusal to let Ukraine strike military targets inside Russia."
    stances = _stances(stance_model, text)
    assert stances["Poland"] == "favor"
    assert stances["Italy"] == "against"


def test_quote_over_two_sentences_is_attributed_to_its_speaker(stance_model) -> None:
    text = (
        "Chancellor Olaf Scholz spoke after the cabinet meeting. "
        '"We will not allow our weapons to be used on Russian territory," Scholz said. '
        '"That would make Germany a party to the war."'
    )
    answer = stance_model.predict(text).to_dict()["actors"]
    scholz = next(a for a in answer if a["actor"] == "Olaf Scholz")
    assert scholz["stance"] == "against"
    assert any("party to the war" in e["text"] for e in scholz["evidence"])


def test_offsets_match_the_input(stance_model) -> None:
    text = (
        "By Anna Keller\n\nBERLIN — The Kremlin warned on Friday that Berlin’s decision "
        "was “a dangerous step”. Zelenskyy welcomed it.\n\nRelated: NATO summit opens"
    )
    for actor in stance_model.predict(text).to_dict()["actors"]:
        for span in actor["mentions"] + actor["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]


def test_answer_shape_and_scores(stance_model) -> None:
    answer = stance_model.predict("Poland urged allies to lift the limits on strikes in Russia.")
    actor = answer.to_dict()["actors"][0]
    assert set(actor) == {
        "actor",
        "type",
        "stance",
        "confidence",
        "scores",
        "mentions",
        "evidence",
    }
    assert set(actor["scores"]) == {"favor", "against", "none"}
    assert sum(actor["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert actor["confidence"] == actor["scores"][actor["stance"]]


def test_requested_actors_cover_exactly_those_names(stance_model) -> None:
    text = "Poland urged allies to lift the limits on strikes in Russia."
    answer = stance_model.predict(text, actors=["Poland", "the Kremlin"]).to_dict()["actors"]
    assert [a["actor"] for a in answer] == ["Poland", "the Kremlin"]
    kremlin = answer[1]
    assert (kremlin["stance"], kremlin["mentions"], kremlin["evidence"]) == ("none", [], [])
    assert kremlin["type"] == "country"


def test_empty_and_actorless_texts_give_no_actors(stance_model) -> None:
    assert stance_model.predict("").to_dict() == {"actors": []}
    assert stance_model.predict("It rained all day.").to_dict() == {"actors": []}


@pytest.mark.parametrize(
    ("country", "minister", "line", "expected"),
    [
        (
            "Estonia",
            "Hanno Pevkur",
            "allies should let Ukraine strike military targets inside "
            "Russia, and that the limits only help Moscow",
            "favor",
        ),
        (
            "Italy",
            "Guido Crosetto",
            "Italian weapons could only be used inside Ukraine, and "
            "that striking Russia would be an escalation",
            "against",
        ),
    ],
)
def test_a_country_speaks_through_its_minister(
    stance_model, country: str, minister: str, line: str, expected: str
) -> None:
    text = (
        f"{country} has sent howitzers and ammunition to Ukraine since 2022.\n\n"
        f"Defence Minister {minister} said on Tuesday that {line}."
    )
    stances = {a["actor"]: a["stance"] for a in stance_model.predict(text).to_dict()["actors"]}
    assert (stances[minister], stances[country]) == (expected, expected)


def test_the_aggregator_reads_each_actors_profile(stance_model) -> None:
    text = (
        "Poland's foreign minister met his Czech counterpart on Monday.\n\n"
        "Later, Poland urged allies to let Kyiv hit the airfields inside Russia."
    )
    analyses = {a.name: a for a in stance_model.analyse(text)}
    poland = analyses["Poland"]
    assert poland.probabilities.shape == (2, 3)
    assert poland.profile.shape == (3,)
    assert poland.profile.sum() == pytest.approx(1.0)
    assert stance_model.labels[int(poland.profile.argmax())] == "favor"
    width = stance_model.aggregator.n_features_in_
    assert poland.features(stance_model.labels, True).shape == (width,)


def test_a_profile_classifier_with_other_labels_is_refused(stance_model) -> None:
    class OtherLabels:
        classes_ = ["con", "pro", "none"]

    with pytest.raises(ValueError, match="labels differ"):
        StanceModel(
            stance_model.classifier,
            stance_model.detector.registry,
            {},
            aggregator=stance_model.aggregator,
            profile_classifier=OtherLabels(),
        )
