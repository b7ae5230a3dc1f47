"""Quote attribution across sentences, and masking from one actor's side."""

import pytest

from model.attribution import OTHER, TARGET, Attributor
from model.text import split_sentences


def _attributor(detector, text: str) -> Attributor:
    return Attributor.of(text, detector.detect(text), split_sentences(text))


def _sentences_of(detector, text: str, key: str) -> list[str]:
    attributor = _attributor(detector, text)
    indices = attributor.sentences_by_actor()[key]
    return [text[attributor.sentences[i].start : attributor.sentences[i].end] for i in indices]


def test_quote_with_speaker_after_carries_to_the_next_quoted_sentence(detector) -> None:
    text = (
        '"We will not send Taurus," Scholz said. "It would drag us into the war."\n\n'
        '"This is about survival," Zelensky said.'
    )
    assert _sentences_of(detector, text, "olaf_scholz") == [
        '"We will not send Taurus," Scholz said.',
        '"It would drag us into the war."',
    ]
    assert _sentences_of(detector, text, "volodymyr_zelensky") == [
        '"This is about survival," Zelensky said.'
    ]


def test_quote_introduced_by_a_speaker_before_it(detector) -> None:
    text = (
        'Stoltenberg was blunt: "Allies must lift the limits. Ukraine has a right to self-defence."'
    )
    attributor = _attributor(detector, text)
    assert attributor.quote_speakers() == {0: "jens_stoltenberg", 1: "jens_stoltenberg"}


def test_speaker_named_before_a_colon_owns_the_following_quote(detector) -> None:
    text = 'Peskov told reporters:\n"Any such step means direct involvement."'
    assert _sentences_of(detector, text, "dmitry_peskov") == [
        "Peskov told reporters:",
        '"Any such step means direct involvement."',
    ]


def test_masking_marks_the_target_and_every_other_actor(detector) -> None:
    text = "Berlin criticised Washington's refusal to lift the limits."
    attributor = _attributor(detector, text)
    germany = attributor.passages("germany", [0])[0]
    america = attributor.passages("united_states", [0])[0]
    assert germany.masked == f"{TARGET} criticised {OTHER}'s refusal to lift the limits."
    assert america.masked == f"{OTHER} criticised {TARGET}'s refusal to lift the limits."


def test_passages_group_consecutive_sentences_of_one_paragraph(detector) -> None:
    text = "Scholz spoke. He refused. Nobody else spoke.\n\nScholz left."
    attributor = _attributor(detector, text)
    passages = attributor.passages("olaf_scholz", [0, 1, 3])
    assert [text[p.start : p.end] for p in passages] == [
        "Scholz spoke. He refused.",
        "Scholz left.",
    ]


def _owners(attributor: Attributor, owners: dict[int, str]) -> dict[str, str]:
    """Sentence text -> the actor key that owns it."""
    return {
        attributor.text[s.start : s.end]: owners[i]
        for i, s in enumerate(attributor.sentences)
        if i in owners
    }


@pytest.mark.parametrize(
    ("spoken", "text", "owners"),
    [
        (
            "transcript_speakers",
            "Spokesperson: Rasmus Kjaer.\nQ: Will the jets be restricted?\nA: No, they will not.\n"
            "HOST: With me is Ingrid Solberg, a researcher.\nSOLBERG: The limits are a mistake.",
            {
                "A: No, they will not.": "person:rasmus kjaer",
                "SOLBERG: The limits are a mistake.": "person:ingrid solberg",
            },
        ),
        (  # a turn runs to the end of its paragraph; an upper-case label may be a named group
            "transcript_speakers",
            "The call was attributable to a senior administration official.\n\n"
            "SENIOR ADMINISTRATION OFFICIAL: Thanks. I would not rule it out.\n\n"
            "Q: And the allies? They want it.\n\nMODERATOR: That is all. Thank you.",
            {
                "SENIOR ADMINISTRATION OFFICIAL: Thanks.": "group:senior administration official",
                "I would not rule it out.": "group:senior administration official",
            },
        ),
        (
            "signed_letters",
            "LETTERS\n\nThe limits must go. They cost lives.\n— Oksana Petrenko, Winnipeg\n\n"
            "I disagree with the last writer.\n— Graham McAllister, Kingston",
            {
                "The limits must go.": "person:oksana petrenko",
                "They cost lives.": "person:oksana petrenko",
                "I disagree with the last writer.": "person:graham mcallister",
            },
        ),
        (  # signed on a line of its own; a byline names no writer
            "signed_letters",
            "By Anna Keller, Brussels\n\nLETTERS\n\nSir, - The limits must go.\n\n"
            "Margaret Pell, Salisbury\n\nSir, - Keep them.\n\nIlze Bērziņa-Hart, Saskatoon",
            {
                "Sir, - The limits must go.": "person:margaret pell",
                "Sir, - Keep them.": "person:ilze berzina hart",
            },
        ),
        (  # a label that names its speaker, with a role in brackets; a host's first name
            "transcript_speakers",
            "CLAIRE: Welcome back. I'm Claire Whitcombe.\n\n"
            "Tom Hargreaves (associate fellow): I am not convinced. The risk is real.\n\n"
            "CLAIRE: Thank you both.",
            {
                "CLAIRE: Welcome back.": "person:claire whitcombe",
                "I'm Claire Whitcombe.": "person:claire whitcombe",
                "Tom Hargreaves (associate fellow): I am not convinced.": "person:tom hargreaves",
                "The risk is real.": "person:tom hargreaves",
                "CLAIRE: Thank you both.": "person:claire whitcombe",
            },
        ),
        (  # a role label naming its person in brackets, then the role alone; a party in brackets
            "transcript_speakers",
            "HOST: Here is Mikko Räsänen of the Baltic Sea Institute.\n\n"
            "GUEST (Mikko Räsänen): Smaller than it looks. It should have gone.\n\n"
            "HOST: And Finland?\n\nGUEST: Finland agrees.\n\n"
            "HOST: Felix Brandt sits for the SPD.\n\n"
            "FELIX BRANDT (SPD): Keep the line. And it is right.",
            {
                "GUEST (Mikko Räsänen): Smaller than it looks.": "person:mikko rasanen",
                "It should have gone.": "person:mikko rasanen",
                "GUEST: Finland agrees.": "person:mikko rasanen",
                "FELIX BRANDT (SPD): Keep the line.": "person:felix brandt",
                "And it is right.": "person:felix brandt",
            },
        ),
        (  # from the salutation to a signature over two lines, past the closing
            "signed_letters",
            "LETTERS\n\nSir, — The limits must go.\n\nThey cost lives.\n\n"
            "Yours, etc.,\nDeclan Faherty,\nMullingar, Co Westmeath.\n\nLetters may be edited.",
            {
                "Sir, — The limits must go.": "person:declan faherty",
                "They cost lives.": "person:declan faherty",
            },
        ),
    ],
)
def test_transcript_turns_and_signed_letters_belong_to_their_speaker(
    detector, spoken: str, text: str, owners: dict
) -> None:
    attributor = _attributor(detector, text)
    assert _owners(attributor, getattr(attributor, spoken)()) == owners


def test_labelled_actor_wins_over_the_detected_mentions_inside_it(detector) -> None:
    from model.predictor import masked_passage

    text = "Polish officials argued that Russia must pay. Dr Helen Marsh, an analyst, disagreed."
    assert masked_passage(detector, text, "Polish officials") == (
        f"{TARGET} argued that {OTHER} must pay. Dr {OTHER}, an analyst, disagreed."
    )
    assert masked_passage(detector, text, "Dr Helen Marsh").endswith(
        f". {TARGET}, an analyst, disagreed."
    )


def test_an_opinion_piece_speaks_for_its_author_but_a_news_byline_names_nobody(detector) -> None:
    opinion = (
        "OPINION: Half a permission is not a policy\n\nBy Daniel Fenwick\n\n"
        'The limits must go. "We will not change course," Joe Biden said. They cost lives.'
    )
    assert _sentences_of(detector, opinion, "person:daniel fenwick") == [
        "By Daniel Fenwick",
        "The limits must go.",
        "They cost lives.",
    ]
    news = "By Anna Keller, Brussels\n\nThe limits must go, ministers said."
    assert "person:anna keller" not in _attributor(detector, news).sentences_by_actor()


def test_an_opinion_author_named_alone_under_the_headline_speaks_for_the_piece(detector) -> None:
    opinion = (
        "OPINION | Stop fighting by his rules\n\nKatarzyna Wilk\n\n"
        "The limits must go. They cost lives."
    )
    assert _sentences_of(detector, opinion, "person:katarzyna wilk") == [
        "Katarzyna Wilk",
        "The limits must go.",
        "They cost lives.",
    ]
    # A title-case headline line is not an author.
    headline = "Opinion\n\nUkraine Hits Back\n\nThe limits must go."
    assert set(_attributor(detector, headline).sentences_by_actor()) == {"ukraine"}
