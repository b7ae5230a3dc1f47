"""Actor detection: registry names, people outside the registry, groups and references."""

import pytest

from model.actors import ActorDetector
from model.predictor import office_holders
from model.registry import load_registry
from training.metrics import gold_stances


def _mentions(detector: ActorDetector, text: str) -> list[tuple[str, str, str]]:
    found = detector.detect(text)
    return [(m.key, text[m.start : m.end], m.kind) for m in found.mentions]


def test_registry_aliases_metonyms_and_spelling_variants(detector) -> None:
    text = "The Kremlin warned Berlin. Zelenskiy and Zelenskyy thanked Kiev's partners."
    assert _mentions(detector, text) == [
        ("russia", "The Kremlin", "name"),
        ("germany", "Berlin", "name"),
        ("volodymyr_zelensky", "Zelenskiy", "name"),
        ("volodymyr_zelensky", "Zelenskyy", "name"),
        ("ukraine", "Kiev", "name"),
    ]


def test_country_as_a_place_is_not_an_actor(detector) -> None:
    found = detector.detect(
        "Ukraine struck targets inside Russia and deep into Russia, near Russia and beyond it."
    )
    assert [a.key for a in found.actors] == ["ukraine"]


def test_demonym_before_an_actor_noun(detector) -> None:
    text = "German officials disagreed with the British, and Russian territory was hit."
    assert _mentions(detector, text) == [
        ("germany", "German", "demonym"),
        ("united_kingdom", "the British", "demonym"),
    ]


def test_person_outside_registry_by_title_then_surname(detector) -> None:
    text = "Defence Minister Hanno Pevkur of Estonia spoke first. Later, Pevkur said more."
    assert _mentions(detector, text) == [
        ("person:hanno pevkur", "Hanno Pevkur", "name"),
        ("person:hanno pevkur", "Pevkur", "surname"),
    ]
    assert detector.detect(text).actors[0].type == "person"


def test_person_by_role_apposition_and_pronoun(detector) -> None:
    text = (
        "Jane Doe, a spokeswoman for the Pentagon, declined to comment. She said nothing changed."
    )
    assert _mentions(detector, text) == [
        ("person:jane doe", "Jane Doe", "name"),
        ("pentagon", "the Pentagon", "name"),
        ("person:jane doe", "She", "pronoun"),
    ]


def test_demonym_title_names_both_the_country_and_the_person(detector) -> None:
    text = "German Chancellor Olaf Scholz refused."
    assert _mentions(detector, text) == [
        ("germany", "German", "demonym"),
        ("olaf_scholz", "Olaf Scholz", "name"),
    ]


def test_person_by_speech_verb(detector) -> None:
    text = "The limits must go, Ingrid Solberg said on Monday."
    assert ("person:ingrid solberg", "Ingrid Solberg", "name") in _mentions(detector, text)


def test_groups_and_their_later_reference(detector) -> None:
    text = "A bipartisan group of lawmakers wrote to the White House. The lawmakers want answers."
    assert _mentions(detector, text) == [
        ("group:bipartisan group of lawmakers", "A bipartisan group of lawmakers", "group"),
        ("united_states", "the White House", "name"),
        ("group:bipartisan group of lawmakers", "The lawmakers", "title"),
    ]
    assert detector.detect("Several European governments agreed.").actors[0].type == "group"


def test_title_resolves_to_the_holder_named_in_the_article(detector) -> None:
    text = "Friedrich Merz spoke in May. The German chancellor said the limits were gone."
    keys = [key for key, _, _ in _mentions(detector, text)]
    assert keys == ["friedrich_merz", "germany", "friedrich_merz"]


def test_ambiguous_title_without_a_named_holder_falls_back_to_the_country(detector) -> None:
    assert _mentions(detector, "The German chancellor said no.") == [
        ("germany", "The German", "demonym")
    ]


def test_shared_surname_resolves_through_the_full_name(detector) -> None:
    text = "Mike Johnson spoke. Johnson later backed the move."
    assert _mentions(detector, text) == [
        ("mike_johnson", "Mike Johnson", "name"),
        ("mike_johnson", "Johnson", "surname"),
    ]


def test_he_resolves_to_the_nearest_man(detector) -> None:
    text = "Jane Doe left. Olaf Scholz stayed. He refused to answer."
    assert ("olaf_scholz", "He", "pronoun") in _mentions(detector, text)


def test_he_after_a_quote_is_its_speaker_not_a_name_inside_it(detector) -> None:
    text = (
        'Franco Russo, 67, runs a bar. "Macron is right. Shoot back at the window," he said. '
        '"I agree with Olaf Scholz," he added, and he left.'
    )
    pronouns = [(key, m) for key, m, kind in _mentions(detector, text) if kind == "pronoun"]
    assert [key for key, _ in pronouns] == ["person:franco russo"] * 3


def test_he_after_a_quote_opening_a_sentence_is_the_last_sentences_subject(detector) -> None:
    text = (
        "Military analyst Igor Sokolov told TASS that Olaf Scholz had made a mistake. "
        "“Germany is crossing a line,” he said. “Moscow has explained this. It will answer,” "
        "he added."
    )
    pronouns = [(key, m) for key, m, kind in _mentions(detector, text) if kind == "pronoun"]
    assert pronouns == [("person:igor sokolov", "he"), ("person:igor sokolov", "he")]


def test_he_opening_a_sentence_continues_the_last_sentences_subject(detector) -> None:
    text = (
        "Volodymyr Zelensky accused Vladimir Putin of fearing a normal life. He urged allies "
        "to let Kyiv strike the airfields, and said Vladimir Putin would not stop until he lost."
    )
    pronouns = [(k, s) for k, s, kind in _mentions(detector, text) if kind == "pronoun"]
    assert pronouns == [("volodymyr_zelensky", "He"), ("person:vladimir putin", "he")]


def test_the_minister_opening_a_sentence_is_the_last_sentences_subject(detector) -> None:
    text = (
        "Defence Minister Hanno Kask thanked Defence Minister Petra Lind for her help. "
        "The minister said the limits must go."
    )
    titles = [(k, s) for k, s, kind in _mentions(detector, text) if kind == "title"]
    assert titles == [("person:hanno kask", "The minister")]


def test_media_from_registry(detector) -> None:
    found = detector.detect("The decision was first reported by Reuters.")
    assert [(a.key, a.type) for a in found.actors] == [("reuters", "media")]


def test_surname_alias_followed_by_a_surname_is_another_person(detector) -> None:
    text = "Graham said the limits must go.\n— Graham McAllister, Kingston, Ont."
    assert [(a.key, a.name) for a in detector.detect(text).actors] == [
        ("lindsey_graham", "Lindsey Graham"),
        ("person:graham mcallister", "Graham McAllister"),
    ]


def test_organisation_named_after_a_place_or_region_is_found_whole(detector) -> None:
    text = (
        "Dr Helena Marsh of the Southern Cross Strategic Institute spoke after "
        "Tomas Jurgaitis, who runs the Vilnius Defence Initiative."
    )
    keys = [key for key, _, _ in _mentions(detector, text)]
    assert "org:southern cross strategic institute" in keys
    assert "org:vilnius defence initiative" in keys
    assert "lithuania" not in keys


def test_a_committee_keeps_its_chamber_and_a_think_tank_drops_its_city(detector) -> None:
    text = (
        "The House Foreign Affairs Committee and the Senate Armed Services Committee met. "
        "Anna Nowak of the New Delhi-based Centre for Multipolar Studies disagreed."
    )
    organisations = [a.name for a in detector.detect(text).actors if a.type == "organization"]
    assert organisations == [
        "House Foreign Affairs Committee",
        "Senate Armed Services Committee",
        "Centre for Multipolar Studies",
    ]


def test_possessive_registry_alias(detector) -> None:
    text = "Germany's parliament voted, and Germany's chancellor answered."
    assert _mentions(detector, text)[:2] == [
        ("bundestag", "Germany's parliament", "name"),
        ("germany", "Germany", "name"),
    ]


def test_it_as_the_subject_of_what_a_country_does(detector) -> None:
    text = "Germany sent howitzers to Ukraine. It said Kyiv may use them. It is not clear why."
    pronouns = [
        (key, surface) for key, surface, kind in _mentions(detector, text) if kind == "pronoun"
    ]
    assert pronouns == [("germany", "It")]


def test_people_introduced_by_more_roles_and_after_a_live_blog_time(detector) -> None:
    text = (
        "12:15 BST Mykhailo Podolyak, an adviser to the presidential office, says the limits "
        "are wrong. Bríd Lavelle, secretary of the Mayo Peace and Neutrality Forum, objected. "
        "Law student Callum Reid agreed. Several ministers and other delegations held back."
    )
    assert [(a.key, a.name) for a in detector.detect(text).actors] == [
        ("person:mykhailo podolyak", "Mykhailo Podolyak"),
        ("person:brid lavelle", "Bríd Lavelle"),
        ("org:mayo peace and neutrality forum", "Mayo Peace and Neutrality Forum"),
        ("person:callum reid", "Callum Reid"),
        ("group:several ministers", "Several ministers"),
        ("group:other delegations", "other delegations"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BEN: And I'm Ben Oduya, in London.", ["Ben Oduya"]),
        (
            "Franco Russo, 67, who runs a bar, agreed. Gina Lombardi, 54, did not.",
            ["Franco Russo", "Gina Lombardi"],
        ),
        (
            "I welcome Mr Eoin Kavanagh and Dr Simon Achterberg. Mr Kavanagh's view differs.",
            ["Eoin Kavanagh", "Simon Achterberg"],
        ),
        ("Ieva Kalniņa (senior fellow): It has been relentless.", ["Ieva Kalniņa"]),
        (
            "The limits must go.\n\nYours, etc.,\nDeclan Faherty,\nMullingar, Co Westmeath.",
            ["Declan Faherty"],
        ),
        (
            "New Democrat Alistair Mayhew, a Democrat and Air Force veteran, was cautious.",
            ["Alistair Mayhew"],
        ),
        # a capitals label is a speaker when the text also writes the name plainly ...
        (
            "Zoltán Fehér, your party voted no.\n\nZOLTÁN FEHÉR: Because wars spread.",
            ["Zoltán Fehér"],
        ),
        # ... not a kicker, nor a surname label of a named speaker
        ("FACT CHECK: Did they say it?\n\nFact Check Desk | 29 May", []),
        (
            "MARTA RUIZ OLMEDO: Yes.\n\nRUIZ OLMEDO: Marta Ruiz Olmedo is my name.",
            ["Marta Ruiz Olmedo"],
        ),
        (
            "OPINION\n\nThe war Africa cannot afford\n\nBy Chukwuemeka Obi\n\nAbuja, 16 May 2024.",
            ["Chukwuemeka Obi"],
        ),
        # a capitals label with a party in brackets; its surname alone is the same person
        (
            "Her colleague Rossana De Vita is here.\n\nROSSANA DE VITA (Azione): Yes.\n\n"
            "DE VITA (reply): No.\n\nOthers took De Vita's side.",
            ["Rossana De Vita"],
        ),
        # a trade, a caller's town opening a paragraph, a signature under a letter's closing
        (
            "Mila Horbach, a nurse in Warren, agreed.\n\nRenee Whitaker in Grand Rapids sees it"
            " otherwise.\n\nYours faithfully,\nBożena Wachowiak\nKraków",
            ["Mila Horbach", "Renee Whitaker", "Bożena Wachowiak"],
        ),
        # ... but a name holds no lowercase word other than a particle
        (
            "Priya Chaudhry from Wolverhampton, a teacher, said no.",
            ["Priya Chaudhry"],
        ),
        # a place after "in" is not a person, even after a speech verb or before a role
        (
            "Olaf Scholz said in Rio de Janeiro that nothing had changed. Speaking to journalists"
            " in St Petersburg, the head of state said no.",
            ["Olaf Scholz"],
        ),
    ],
)
def test_people_introduced_in_transcripts_letters_and_vox_pops(
    detector, text: str, expected: list[str]
) -> None:
    assert [a.name for a in detector.detect(text).actors if a.type == "person"] == expected


def test_russian_transliteration_of_zelensky() -> None:
    assert load_registry().resolve("Vladimir Zelensky") == "volodymyr_zelensky"


def test_a_dateline_year_or_a_time_does_not_count_a_group(detector) -> None:
    text = (
        "Vilnius, 3 May 2025\n\nA cross-party group of MPs wrote to the chancellor.\n\n"
        "09:12 US officials said 12 senators agreed."
    )
    groups = [a.name for a in detector.detect(text).actors if a.type == "group"]
    assert groups == ["A cross-party group of MPs", "12 senators"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a registry surname after someone else's first name is another person
            "Taoiseach Simon Harris said Ireland stays neutral. Vice President Harris disagreed.",
            [
                ("Simon Harris", "person:simon harris"),
                ("Ireland", "ireland"),
                ("Harris", "kamala_harris"),
            ],
        ),
        (  # "X of the Y"; the whole organisation name; "Jr." is someone else
            "Laura Kincaid of the Center for Restraint Studies argued. "
            "Donald Trump Jr. wrote that it was bad, and Donald Trump said nothing.",
            [
                ("Laura Kincaid", "person:laura kincaid"),
                ("Center for Restraint Studies", "org:center for restraint studies"),
                ("Donald Trump Jr.", "donald_trump_jr"),
                ("Donald Trump", "donald_trump"),
            ],
        ),
        (  # "X, of a …"; a retired major; a department; Salvini in the registry
            "Maureen Talbot, of a peace group, objected. Dale Pruitt, a retired Army major, "
            "agreed with Matteo Salvini. The Department of National Defence said nothing.",
            [
                ("Maureen Talbot", "person:maureen talbot"),
                ("Dale Pruitt", "person:dale pruitt"),
                ("Matteo Salvini", "matteo_salvini"),
                ("Department of National Defence", "org:department of national defence"),
            ],
        ),
        (  # the body that opens a title is named too
            "NATO Secretary General Jens Stoltenberg spoke. Later the NATO chief said more.",
            [
                ("NATO", "nato"),
                ("Jens Stoltenberg", "jens_stoltenberg"),
                ("the NATO chief", "jens_stoltenberg"),
            ],
        ),
        (  # lower-case adjectives in groups, co-leaders, British titles of nobility
            "Several smaller allies agreed. Tino Chrupalla, co-leader of the AfD, objected. "
            "Sir Anthony Gresham, a former minister, asked why.",
            [
                ("Several smaller allies", "group:several smaller allies"),
                ("Tino Chrupalla", "tino_chrupalla"),
                ("the AfD", "afd"),
                ("Sir Anthony Gresham", "person:sir anthony gresham"),
            ],
        ),
        (  # a demonym in a title names its country beside the holder
            "Beside him, the French president said the sites could be hit.",
            [("the French", "france"), ("president", "emmanuel_macron")],
        ),
        (  # demonyms joined into one phrase each name their country
            "Latvian and Estonian officials said they never set such limits.",
            [("Latvian", "latvia"), ("Estonian", "estonia")],
        ),
        (  # a country named only by the weapons put to use is an actor; an attacker's are not
            "Russian jets bombed Kharkiv, and Kyiv wants to fire British missiles and "
            "German-supplied rockets back.",
            [("Kyiv", "ukraine"), ("British", "united_kingdom"), ("German", "germany")],
        ),
        (  # a country named otherwise gets no mention from its weapons
            "Washington refused. Kyiv cannot fire American missiles at Russia.",
            [("Washington", "united_states"), ("Kyiv", "ukraine"), ("Russia", "russia")],
        ),
        (  # an organisation's name stops at a line break and at an inner "The"
            "PRESS RELEASE Meridian Council\n\nThe Meridian Council welcomed the move.",
            [
                ("Meridian Council", "org:meridian council"),
                ("Meridian Council", "org:meridian council"),
            ],
        ),
        (  # an unnamed title means its registry holder only if their offices never changed
            "The Ukrainian president spoke. Lithuania's foreign minister and Germany's "
            "chancellor agreed.",
            [
                ("The Ukrainian", "ukraine"),
                ("president", "volodymyr_zelensky"),
                ("Lithuania", "lithuania"),
                ("Germany", "germany"),
            ],
        ),
        (  # a country that owns a title speaks too
            "Poland's foreign minister, Radosław Sikorski, and Italy's Foreign Minister "
            "Antonio Tajani disagreed.",
            [
                ("Poland", "poland"),
                ("foreign minister", "radoslaw_sikorski"),
                ("Radosław Sikorski", "radoslaw_sikorski"),
                ("Italy", "italy"),
                ("Antonio Tajani", "antonio_tajani"),
            ],
        ),
    ],
)
def test_shipped_registry_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    detector = ActorDetector(load_registry())
    assert [(text[m.start : m.end], m.key) for m in detector.detect(text).mentions] == expected


def test_a_military_rank_is_not_part_of_the_name(detector) -> None:
    text = "Retired Royal Artillery officer Major Tom Reddick went further."
    assert _mentions(detector, text) == [("person:tom reddick", "Tom Reddick", "name")]


def test_camps_and_parties_named_by_their_members_are_groups() -> None:
    detector = ActorDetector(load_registry())
    text = (
        "The Nordic and Baltic governments agreed, and the Greens welcomed it. "
        "The Baltic states said so first."
    )
    assert _mentions(detector, text) == [
        ("group:nordic and baltic governments", "Nordic and Baltic governments", "group"),
        ("group:greens", "the Greens", "group"),
        ("baltic_states", "The Baltic states", "name"),
    ]


def test_unnamed_sources_and_camps_of_members_are_groups(detector) -> None:
    text = (
        "A group of senior House Republicans wrote to Joe Biden. Tory hawks agreed, and many "
        "Italian MEPs did not. A senior administration official and Whitehall sources declined "
        "to comment, and a US official said nothing."
    )
    assert [(a.key, a.type) for a in detector.detect(text).actors] == [
        ("group:group of senior house republicans", "group"),
        ("joe_biden", "person"),
        ("group:tory hawks", "group"),
        ("group:many italian meps", "group"),
        ("group:senior administration official", "group"),
        ("group:whitehall sources", "group"),
        ("united_states", "country"),
    ]


def test_more_camps_and_unnamed_sources_are_groups(detector) -> None:
    text = (
        "A senior diplomat from a Nordic country said other partners and the remaining holdouts "
        "must follow. Several far-left members, other Republican committee chairs and a small "
        "number of member states disagreed, as did the Nordic, Baltic, Polish and Dutch "
        "governments and the Nordics."
    )
    assert [a.name for a in detector.detect(text).actors] == [
        "A senior diplomat from a Nordic country",
        "other partners",
        "the remaining holdouts",
        "Several far-left members",
        "other Republican committee chairs",
        "a small number of member states",
        "Nordic, Baltic, Polish and Dutch governments",
        "the Nordics",
    ]


@pytest.mark.parametrize(
    ("listed", "found", "expected"),
    [
        (  # a title does not keep an annotated name from its detected actor
            [("Major Tom Reddick", "favor"), ("Ian Marlow", "against")],
            {"person:tom reddick": "Tom Reddick", "person:sir ian marlow": "Sir Ian Marlow"},
            {"person:tom reddick": "favor", "person:sir ian marlow": "against"},
        ),
        (  # a gold group named by part of its phrase matches the one detected group holding it
            [("Baltic governments", "favor"), ("two leaders", "against")],
            {
                "group:nordic and baltic governments": "the Nordic and Baltic governments",
                "group:two leaders": "two leaders",
                "group:some leaders": "some leaders",
            },
            {"group:nordic and baltic governments": "favor", "group:two leaders": "against"},
        ),
    ],
)
def test_annotated_names_match_the_detected_actors(
    listed: list[tuple[str, str]], found: dict, expected: dict
) -> None:
    article = {"actors": [{"actor": actor, "stance": stance} for actor, stance in listed]}
    assert gold_stances(load_registry(), article, found) == expected


def test_only_a_party_office_makes_a_politician_speak_for_the_party() -> None:
    registry = load_registry()
    holders = office_holders(registry)
    assert registry.actors["roderich_kiesewetter"].affiliation == "cdu"
    assert "roderich_kiesewetter" not in holders["cdu"] + holders["germany"]
    assert "rolf_mutzenich" in holders["spd"]
    assert registry.resolve("Donald Trump Jr.") == "donald_trump_jr"


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Marta Kovalenko of Law and Justice said the limits should go.", "person:marta kovalenko"),
        ("Pim Veldman of GroenLinks-PvdA welcomed the decision.", "person:pim veldman"),
        (
            "Ada Lunde, speaking for the Norwegian Refugee Forum, urged MPs to act.",
            "person:ada lunde",
        ),
        (
            "Ivan Hordenko, the governor of Sumy region, said the strikes helped.",
            "person:ivan hordenko",
        ),
        ("Her colleague Tilde Aasen disagreed.", "person:tilde aasen"),
    ],
)
def test_people_named_by_party_errand_office_or_colleague(detector, text, person) -> None:
    assert person in {key for key, _, _ in _mentions(detector, text)}


def test_an_institution_named_with_of_is_not_a_person(detector) -> None:
    text = "Economist Rui Lameiras of Lisbon's Nova School of Business and Economics told us so."
    people = {key for key, _, _ in _mentions(detector, text) if key.startswith("person:")}
    assert people == {"person:rui lameiras"}


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Analyst Mara Lindqvist told reporters that Senator Tom Reddick had misread the vote. "
            "The limits, she said, were working.",
            "person:mara lindqvist",
        ),
        (
            "Senator Tom Reddick demanded an apology. Minister Ana Sousa was calmer: the attack on "
            "Senator Mara Lindqvist was unfair, she said.",
            "person:ana sousa",
        ),
        (
            "Seated beside Senator Tom Reddick, Minister Ana Sousa told reporters that Senator "
            "Mara Lindqvist was wrong. Other targets, she said, should stay off limits.",
            "person:ana sousa",
        ),
        (
            "“Tom Reddick keeps every option open. He criticises the decision,” Mara Lindqvist "
            "said. The missiles, she added, are scarce.",
            "person:mara lindqvist",
        ),
    ],
)
def test_a_closing_speech_tag_gives_voice_to_the_narrated_speaker(detector, text, speaker) -> None:
    tag = text.rindex(" she ") + 1
    assert (speaker, tag) in set(_pronoun_starts(detector, text))


def _pronoun_starts(detector: ActorDetector, text: str) -> list[tuple[str, int]]:
    return [(m.key, m.start) for m in detector.detect(text).mentions if m.kind == "pronoun"]
