"""Find the actors an article mentions: registry names, titles, people by role, groups, pronouns."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from model.config import DEBATE_START
from model.registry import Registry, RegistryActor
from model.text import fold, quote_spans, split_sentences

# How far back (in characters) "he", "she" or "the minister" may look for their actor.
REFERENCE_REACH = 600
_POSSESSIVE = re.compile(r"(?:['’]s?|\.)$")
# A name starts where no letter precedes it; a match inside a word would start earlier.
# It also starts with a capital (Latin Extended mixes cases: a cheap filter, not the test):
# _clean_name drops lower-case lead words anyway, and trying a name at every word cost a quarter
# of detection's time.
_NAME_START = r"(?<![^\W\d_])(?=[A-ZÀ-ÖØ-ÞĀ-ɏЀ-Я])"
_TOKEN = re.compile(r"\w[\w'’.&-]*")

# Nouns that make a demonym ("German officials") or a group ("Republican senators") an actor.
ACTOR_NOUNS = (
    r"(?:officials?|government|authorities|leaders?|leadership|diplomats?|ministers?|ministry|"
    r"foreign ministry|defen[cs]e ministry|president|prime minister|premier|chancellor|"
    r"foreign minister|defen[cs]e minister|administration|side|delegation|envoys?|"
    r"spokes(?:man|woman|person)|counterparts?|cabinet|embassy|ambassador)\b"
)
_ACTOR_NOUN = re.compile(r"\s+" + ACTOR_NOUNS, re.IGNORECASE)
# A country's weapons name it as a donor: "British weapons", "Dutch F-16s", "German-supplied".
_SUPPLIED_NOUN = re.compile(
    r"\s+(?:[a-z][\w-]+\s+)?(?:weapons|arms|missiles|rockets|jets|F-16s|munitions)\b"
)
# Only weapons put to use name their donor: "fire American missiles", not "Russian jets bombed".
_SUPPLY_USE = re.compile(
    r"\b(?:use|uses|using|used|fire|fires|firing|fired|launch|launching|launched)"
    r"(?:\s+of)?\s+(?:the\s+|its\s+|their\s+|more\s+)?"
    r"(?:[A-Z][\w-]*(?:,\s*|\s+(?:and|or)\s+))*$"
)
_SUPPLIED_SUFFIXES = frozenset({"supplied", "provided", "donated"})
# Demonyms joined into one phrase: "Latvian and Estonian officials", "British, French or US".
_DEMONYM_LINK = re.compile(r"(?:,\s*|\s+(?:and|or)\s+)(?=[A-Z])")

_GROUP_NOUNS = (
    r"(?:lawmakers|senators|MPs|legislators|parliamentarians|politicians|members of Congress|"
    r"members of parliament|governments|countries|capitals|allies|states|leaders|ministers|"
    r"officials|diplomats|experts|analysts|generals|members|nations|delegations|MEPs|"
    r"Republicans|Democrats|chairmen|chairs|hawks|partners|holdouts|critics)\b"
)
# A number that counts people, not the minutes of a time ("09:12 US officials") or a decimal.
_COUNT = r"(?<![\d:.,])\d+"
_GROUP_PATTERNS = (
    re.compile(
        # [^\S\n]: a year closing a dateline ("3 May 2025" + blank line) is not a count.
        r"\b(?:[Aa]n?|[Tt]he|[Ss]everal|[Ss]ome|[Mm]any|[Tt]wo|[Tt]hree|[Ff]our|"
        + _COUNT
        + r"|[Dd]ozens of)[^\S\n]+"
        r"(?:[\w-]+\s+){0,2}(?:group|coalition|bloc|caucus)\s+of\s+(?:[\w-]+\s+){0,3}?"
        + _GROUP_NOUNS
    ),
    re.compile(
        r"\b(?:[Ss]everal|[Ss]ome|[Mm]any|[Mm]ost|[Aa] few|[Aa] handful of|[Oo]ther|[Ff]ellow|"
        r"[Aa] (?:small |large )?number of|[Tt]he remaining|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|"
        r"[Dd]ozens of|" + _COUNT + r")[^\S\n]+"
        # Capitalised words, lower-case adjectives ("smaller", "hawkish", "like-minded", "far-left")
        # or the nouns that make a body's members ("committee chairs", "member states").
        r"(?:(?:[A-Z][\w-]+|[a-z][\w-]*(?:er|al|ic|an|ish|ive|ed|ful|ous|ern|ble|ist|-left|-right|"
        r"-wing)|committee|member)\s+){0,2}" + _GROUP_NOUNS
    ),
    # "Nordic and Baltic governments", "the Polish and Baltic delegations", "the Nordic, Baltic,
    # Polish and Dutch governments": one camp, one actor.
    re.compile(
        r"\b(?:(?:Nordic|Baltic|Scandinavian),\s+(?:(?:Baltic|Polish|Dutch|Czech),\s+)*"
        r"(?:Baltic|Polish|Dutch|Czech),?\s+and\s+(?:Baltic|Polish|Dutch|Czech)|"
        r"(?:Nordic|Baltic|Scandinavian|Polish|Central European|Eastern European)\s+and\s+"
        r"(?:Nordic|Baltic|Scandinavian|Central European|Eastern European))\s+"
        r"(?:states|countries|nations|governments|capitals|delegations|allies|leaders|officials|"
        r"members|partners|lawmakers|MPs)\b"
    ),
    re.compile(
        r"\b(?:Republican|Democratic|GOP|Conservative|Labour|Tory|Green|Liberal|[Oo]pposition|"
        r"Western|European|Nordic|Baltic|[Hh]awkish|[Cc]ross-party|[Bb]ipartisan)\s+"
        r"(?:lawmakers|senators|MPs|legislators|politicians|parliamentarians|leaders|officials|"
        r"allies|governments|capitals|frontbenchers|backbenchers|ministers|voters|supporters|"
        r"members|hawks|MEPs)\b"
    ),
    # Sources the article does not name, who speak for no one actor it names: "a senior
    # administration official", "Whitehall sources". A named body's official is that body's.
    re.compile(
        r"\b(?:[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal)[^\S\n]+(?:senior[^\S\n]+|top[^\S\n]+)?"
        r"(?:administration|government|European|Western|Whitehall)[^\S\n]+"
        r"(?:officials?|diplomats?|sources?)\b"
    ),
    re.compile(r"\bWhitehall[^\S\n]+sources?\b"),
    # "a senior diplomat from a Nordic country", "one official from a southern member state"
    re.compile(
        r"\b(?:[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal)[^\S\n]+(?:senior[^\S\n]+)?"
        r"(?:diplomats?|officials?|ministers?)[^\S\n]+from[^\S\n]+(?:an?|one|two|several)[^\S\n]+"
        r"(?:[\w-]+[^\S\n]+){0,2}(?:country|countries|member states?|capitals?|governments?|"
        r"ally|allies)\b"
    ),
    re.compile(r"\b(?:Nordic|Scandinavian)\s+(?:states|countries|nations)\b|\b[Tt]he\s+Nordics\b"),
    # A party named by its members, which several countries share ("the Greens"): the article's
    # own words are its name. "the Tories" is in the registry.
    re.compile(
        r"\b[Tt]he\s+(?:Greens|Conservatives|Liberals|Social Democrats|Christian Democrats|"
        r"Free Democrats|Socialists)\b"
    ),
)

_TITLE_WORDS = (
    r"(?:(?:(?:Deputy|Vice|First Deputy)\s+)?(?:(?:Prime|Foreign|Defen[cs]e|Finance|Interior|"
    r"Economy|Economic|Armed Forces|Europe|European Affairs)\s+)?Minister|President|Chancellor|"
    r"Premier|Senator|Sen\.|Rep\.|Representative|Congressman|Congresswoman|Gen\.|General|"
    r"Lt\. Gen\.|Maj\. Gen\.|Adm\.|Admiral|Ambassador|(?:Defen[cs]e |Foreign |Deputy )?Secretary|"
    r"Speaker|Commissioner|Governor|Gov\.|Mayor|Colonel|Col\.|MP|MEP|Dr\.|Prof\.|Professor|"
    r"[Ss]pokes(?:man|woman|person)|[Aa]nalyst|[Rr]esearcher|[Ee]nvoy)"
)
_PARTICLE_WORDS = tuple("de van von der den da di du le la bin al ter".split())
_PARTICLES = r"(?:(?:" + "|".join(_PARTICLE_WORDS) + r")\s+)*"
_NAME = (
    r"[^\W\d_][\w'’-]*(?:\s+[A-Z]\.)?(?:\s+" + _PARTICLES + r"[^\W\d_][\w'’-]*){1,2}"
    r"(?:,?\s+(?:Jr|Sr)\.)?"  # "Donald Trump Jr." is not his father
)
# A name written alone on a line of a letter's signature: "Margaret Pell", "Bożena Wachowiak".
_LINE_NAME = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+(?:[^\S\n]+[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+){1,2}"
# The words that close a letter before its signature: "Yours, etc.,", "Yours faithfully,".
LETTER_CLOSINGS = r"(?:Yours|Sincerely|Regards|Kind regards|Best wishes)"
# A letter's signature on a line of its own: "Margaret Pell, Salisbury" (a byline is not one).
SIGNATURE_LINE = re.compile(
    r"(?m)^[^\S\n]*(?!By\b)(?P<name>" + _LINE_NAME + r"),"
    r"[^\S\n]+[A-Z][^\W\d_'’.-]*(?:[ -][A-Z][^\W\d_'’.-]*){0,3}[^\S\n]*$"
)
SPEECH_VERBS = (
    r"(?:said|says|told|added|argued|warned|wrote|insisted|noted|stressed|posted|declared|"
    r"claimed|urged|called|cautioned|conceded|acknowledged|explained|replied|responded|"
    r"suggested|countered|maintained|admitted|predicted|believes|thinks)"
)
_ROLE_NOUNS = (
    r"(?:spokes(?:man|woman|person)|minister|analyst|researcher|senator|adviser|advisor|official|"
    r"expert|fellow|director|head|chief|lawmaker|MP|MEP|ambassador|envoy|general|professor|"
    r"lecturer|commander|diplomat|secretary|chairman|chairwoman|chair|member|president|"
    r"correspondent|reporter|editor|columnist|economist|strategist|officer|deputy|backbencher|"
    r"leader|candidate|commentator|historian|scholar|scientist|veteran|activist|politician|"
    r"writer|author|legislator|parliamentarian|colonel|negotiator|rapporteur|founder|host|"
    r"student|postgraduate|campaigner|organi[sz]er|commandant|lawyer|councillor|pensioner|"
    r"teacher|journalist|academic|presenter|blogger|lieutenant|captain|pilot|volunteer|"
    r"chairs|leads|heads|runs|associate|major|governor|coordinator|delegate|counsellor|"
    r"colleague|"
    # trades that also stand before a name: "mayor Ihor Terekhov", "pastor Renate Luhr"
    r"mayor|pastor|priest|father|alderman|alderwoman|shopkeeper|nurse|farmer|doctor)"
)
# The trades of vox-pop interviewees and callers, after a name only: "Mila Horbach, a nurse in
# Warren" (as titles before a name they would cost every scan and find almost nobody).
_TRADES = (
    r"(?:representative|engineer|electrician|mechanic|owner|worker|driver|retiree|resident|"
    r"trustee|surgeon|accountant|consultant|manager|entrepreneur|carpenter|builder|baker|chef|"
    r"translator|librarian|midwife|paramedic|firefighter|soldier|sergeant|reservist|"
    r"grandmother|grandfather|widow|refugee|mother|trader|programmer|artist|musician|"
    r"photographer)"
)
_LOWER_TITLES = r"(?i:political scientist|" + _ROLE_NOUNS[3:]
_PERSON_PATTERNS = (
    re.compile(r"\b(?P<title>" + _TITLE_WORDS + r")\s+(?P<name>" + _NAME + r")"),
    re.compile(r"\b(?P<title>" + _LOWER_TITLES + r")\s+(?P<name>" + _NAME + r")"),
    re.compile(
        _NAME_START
        + r"(?P<name>"
        + _NAME
        # "X, a researcher at …" or, without an article, "X, secretary of …"
        + r"),\s+(?:(?:a|an|the|who is|who was)\s+[^,.;:\"“”]{0,80}?\b|(?:[\w-]+\s+){0,2})"
        r"(?:co-|vice-)?(?P<title>" + _ROLE_NOUNS + "|" + _TRADES + r")\b"
    ),
    re.compile(
        r"\b(?P<title>" + _ROLE_NOUNS + r")\b[^,.;:\"“”]{0,60},\s+(?P<name>" + _NAME + r"),"
    ),
    re.compile(_NAME_START + r"(?P<name>" + _NAME + r"),\s+(?:whose|who)\b"),
    # "Halyna Petrenko of the Ukrainian community in Acton said"
    re.compile(_NAME_START + r"(?P<name>" + _NAME + r"),?\s+of\s+(?:the\s+[A-Z]|an?\s+[^\W\d_])"),
    # "Lotte Brandsma of GroenLinks-PvdA welcomed", "Beata Koniarska of Law and Justice said";
    # not an institution's own "of" ("Rui Mendonça of Lisbon's Nova School of Business said").
    re.compile(
        r"(?<!\bof\s)(?<!['’]s\s)"
        + _NAME_START
        + r"(?P<name>"
        + _NAME
        + r")\s+of\s+[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|and|of|for)){0,4}\s+"
        + r"(?:has\s+|had\s+)?(?:"
        + SPEECH_VERBS
        + r"|welcomed|agreed|disagreed)\b"
    ),
    # "Lesia Pawlenko, speaking for the Ukrainian Canadian Congress"
    re.compile(
        _NAME_START
        + r"(?P<name>"
        + _NAME
        + r"),\s+(?:speaking|running|standing|writing)\s+(?:for|on behalf of)\b"
    ),
    # [^\S\n]* not \s*: at each line start, \s* would run over every following blank line.
    re.compile(r"(?m)^[^\S\n]*[—–-]\s*(?P<name>" + _NAME + r")(?:,|$)"),
    SIGNATURE_LINE,
    re.compile(
        r"(?m)^[^\S\n]*(?P<title>"
        + _ROLE_NOUNS
        + r"|Moderator|Host)\s*:\s*(?P<name>"
        + _NAME
        + r")",
        re.I,
    ),
    re.compile(
        _NAME_START
        + r"(?P<name>"
        + _NAME
        + r")\s+(?:has\s+|had\s+|also\s+)?"
        + SPEECH_VERBS
        + r"\b"
    ),
    re.compile(r"\b(?:" + SPEECH_VERBS + r"|according to)\s+(?P<name>" + _NAME + r")\b"),
    # A speaker who introduces themself: "I'm Claire Whitcombe", "my name is Ana Sousa".
    re.compile(r"\b(?:I['’]m|I am|[Mm]y name is)\s+(?P<name>" + _NAME + r")"),
    # A vox pop's age: "Franco Russo, 67, who runs a bar", "Gina Lombardi, 54, a nurse".
    re.compile(_NAME_START + r"(?P<name>" + _NAME + r"),\s+\d{1,3},"),
    # "Mr Eoin Kavanagh", "Dr Simon Achterberg": a courtesy title before a full name, not
    # before a surname in possession ("Mr Ó Loingsigh's letter").
    re.compile(
        r"\b(?:Mr|Mrs|Ms|Dr|Mx)\.?\s+(?P<name>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){1,2})(?!['’\w])"
    ),
    # A speaker label with a role in brackets: "Tom Hargreaves (associate fellow):".
    re.compile(
        r"(?m)^[^\S\n]*(?P<name>" + _NAME + r")[^\S\n]*\((?P<title>[^()\n]{1,40})\)[^\S\n]*:"
    ),
    # A letter signed over two lines: "Declan Faherty,\nMullingar, Co Westmeath."
    re.compile(
        r"(?m)^[^\S\n]*(?!By\b)(?P<name>" + _LINE_NAME + r"),"
        r"[^\S\n]*\n[^\S\n]*[A-Z][^\n]{0,50}$"
    ),
    # A caller or passer-by opening a paragraph: "Gary Hollins from Walsall, a former …",
    # "Renee Whitaker in Grand Rapids sees it …", "Tom Jablonski, calling from Hamtramck".
    re.compile(
        r"(?m)^[^\S\n]*(?!By\b|Reporting\b)(?:(?:The|A)\s+(?:first|next|last|final|other)\s+"
        r"caller,\s+)?(?P<name>[A-Z][\w'’-]+(?:[^\S\n]+[A-Z][\w'’-]+){1,2}),?\s+"
        r"(?:calling\s+|writing\s+)?(?:from|in)\s+[A-Z]"
    ),
    # A letter's signature under its closing: "Yours faithfully,\nBożena Wachowiak\nKraków".
    re.compile(
        r"(?m)^[^\S\n]*" + LETTER_CLOSINGS + r"\b[^\n]{0,20}\n"
        r"[^\S\n]*(?P<name>" + _LINE_NAME + r"),?[^\S\n]*$"
    ),
    # A party member named by party, after every other cue: "New Democrat Alistair Mayhew".
    re.compile(
        r"\b(?P<title>(?:New )?Democrat|Republican|Conservative|Labour|Tory|Liberal Democrat)"
        r"[^\S\n]+(?=[A-Z])(?P<name>" + _NAME + r")"
    ),
)
# A transcript's speaker label in capitals, a full name: "ZOLTÁN FEHÉR:", "TOMS KALNIŅŠ:",
# "FELIX BRANDT (SPD):".
_CAPITALS_LABEL = re.compile(
    r"(?m)^[^\S\n]*(?P<name>[^\W\d_][^\W\d_'’-]+(?:[^\S\n]+[^\W\d_][^\W\d_'’-]+){1,2})"
    r"(?:[^\S\n]*\([^()\n]{1,60}\))?[^\S\n]*:"
)
# Labels that name a part, not a person: "SENIOR ADMINISTRATION OFFICIAL:", "STUDIO GUEST:".
_LABEL_ROLE = re.compile(
    r"\b(?:" + _ROLE_NOUNS + r"|moderator|caller|anchor|narrator|interviewer|guest|question|"
    r"answer|speaker|audience|voice|update|breaking|related|transcript|unidentified|male|female|"
    r"read more|note)\b",
    re.I,
)
_NAME_WORD_BEFORE = re.compile(r"[A-Z][\w'’-]*[^\S\n]+$")
# "said in Rio de Janeiro", "journalists in St Petersburg, the ...": a place, not a person.
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|outside|(?:village|town|city|port|region|district|province) of)\s+$"
)
_ORG_HEADS = (
    r"(?:Party|Institute|Initiative|Centre|Center|Council|Foundation|Alliance|Forum|Movement|"
    r"Front|League|Society|Association|Committee|Union|Campaign Group|Group|Fund|Agency|"
    r"University|Studies|Project|Network|Coalition|Trust|Congress|Department)"
)
_ORG_PATTERNS = (
    re.compile(
        # [^\S\n]: a name does not run over a line break (a headline into a byline).
        r"\b(?:[A-Z][\w'’&-]*[^\S\n]+(?:and[^\S\n]+)?){1,5}"
        + _ORG_HEADS
        + r"(?:[^\S\n]+(?:of|for)[^\S\n]+(?:the[^\S\n]+)?(?:[A-Z][\w'’&-]*[^\S\n]*){1,4})?(?<!\s)"
    ),
    re.compile(
        r"\b"
        + _ORG_HEADS
        + r"[^\S\n]+(?:of|for)[^\S\n]+(?:the[^\S\n]+)?(?:[A-Z][\w'’&-]*(?:[^\S\n]+|\b)){1,4}(?<!\s)"
    ),
)
# A registry place that opens an organisation's name is part of that name, not the country.
_ORGANIZATION_AFTER = re.compile(r"(?:\s+[A-Z][\w'’&-]*){0,4}\s+" + _ORG_HEADS + r"\b")
# Words that open organisations' names ("Southern Cross Institute", "European Council on ...").
_ORG_NAME_OPENERS = frozenset(
    "Western European Eastern Northern Southern Russian Ukrainian American British German French "
    "Republican Democratic Moscow Kyiv House Senate Foreign".split()
)
_NOT_NAME_WORDS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "As",
        "By",
        "For",
        "From",
        "Of",
        "To",
        "With",
        "Without",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "My",
        "Your",
        "Mr",
        "Mrs",
        "Ms",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Western",
        "European",
        "Eastern",
        "Northern",
        "Southern",
        "Russian",
        "Ukrainian",
        "American",
        "British",
        "German",
        "French",
        "Republican",
        "Democratic",
        "Democrat",
        "Congress",
        "Senate",
        "House",
        "Parliament",
        "Ministry",
        "Minister",
        "President",
        "Chancellor",
        "Secretary",
        "General",
        "Photo",
        "Read",
        "Related",
        "More",
        "Subscribe",
        "Sign",
        "Updated",
        "Posted",
        "Also",
        "Meanwhile",
        "Afterwards",
        "Afterward",
        "Then",
        "Now",
        "Instead",
        "Separately",
        "Nothing",
        "Whatever",
        "However",
        "Still",
        "Yet",
        "Asked",
        "Speaking",
        "Writing",
        "Q",
        "A",
        "Earlier",
        "Later",
        "Last",
        "Next",
        "Kremlin",
        "Pentagon",
        "NATO",
        "EU",
        "UN",
        "US",
        "UK",
        "Storm",
        "Shadow",
        "Taurus",
        "ATACMS",
        "HIMARS",
        "Oreshnik",
        "Kursk",
        "Kharkiv",
        "Belgorod",
        "Bryansk",
        "Moscow",
        "Kyiv",
        "Defence",
        "Defense",
        "Foreign",
        "Prime",
        "Deputy",
        "Vice",
        "Sen",
        "Rep",
        "Gen",
        "Lt",
        "Maj",
        "Col",
        "Dr",
        "Prof",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Officials",
        "Analysts",
        "Lawmakers",
        "Some",
        "Several",
        "Many",
        "Other",
        "Both",
        "Every",
        "Each",
        "One",
        "Two",
        "Three",
        "Four",
        "Five",
        "First",
        "Second",
        "Third",
        "Live",
        "Watch",
        "Opinion",
        "Analysis",
        "Editorial",
        "Europe",
        "Washington",
        "London",
        "Berlin",
        "Paris",
        "Rome",
        "Warsaw",
        "Brussels",
        "Day",
        "Week",
        "Year",
        "Today",
        "Yesterday",
        "Tomorrow",
        "Sources",
        "Critics",
        "Officials",
        "Others",
        "Allies",
        "Leaders",
        "Ukraine",
        "Russia",
        "Germany",
        "France",
    ]
)
_NEXT_NAME = re.compile(r" [A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]")
_NOBILITY = frozenset({"Sir", "Lord", "Lady", "Dame"})  # part of a British name
_POSSESSIVE_AFTER = re.compile(r"(?:['’]s?)?\s*")


# An opinion piece announces itself at the start of a line near the top ("OPINION:",
# "Comment |", "Op-ed"), and names its author in a byline.
OPINION_HEAD = 400
_OPINION = re.compile(r"(?im)^[^\S\n]*(?:opinion|op-ed|comment|commentary|column|viewpoint)\b")
_BYLINE = re.compile(r"(?m)^[^\S\n]*By[^\S\n]+")
_BYLINE_NAME = re.compile(r"(?P<name>" + _NAME + r")(?=[^\S\n]*(?:[,|—–-]|$))", re.M)


# Some opinion pages print the author's name alone on the line under the headline.
_NAME_LINE = re.compile(r"[^\S\n]*(?P<name>" + _NAME + r")[^\S\n]*")
_TEXT_LINE = re.compile(r"(?m)^.*\S.*$")
NAME_LINE_AFTER_OPINION = 2


def opinion_byline(text: str) -> int | None:
    """Where the author's name starts in an opinion piece's byline, or None for other texts."""
    head = text[:OPINION_HEAD]
    opinion = _OPINION.search(head)
    if opinion is None:
        return None
    byline = _BYLINE.search(head)
    if byline is not None:
        return byline.end()
    lines = [m for m in _TEXT_LINE.finditer(head) if m.start() > opinion.start()]
    for line in lines[:NAME_LINE_AFTER_OPINION]:
        name = _NAME_LINE.fullmatch(line.group())
        if name and name.group("name").istitle():
            return line.start() + name.start("name")
    return None


_GENERATION = re.compile(r",?\s+(?:Jr|Sr)\b")
_WORD_BEFORE = re.compile(r"(?<![\w.])([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+) $")
_TITLE_WORD = re.compile(_TITLE_WORDS)
# Capitalised words that may stand before a surname without being a first name.
_HONORIFICS = frozenset(
    "Chairman Chairwoman Chair Leader Sir Lord Lady Dame King Queen Pope Premier Taoiseach "
    "Commissioner Senator Speaker Ambassador Envoy Candidate Nominee Former Acting Outgoing "
    "Incoming Why How What Where Who Did Does Has Had Is Was Will Would Only Even Now Then Under "
    "Against Like Unlike Since Until Once So Not Dear Thanks Says Said Told Ask "
    "Major Colonel Lieutenant Captain Brigadier Sergeant Admiral General".split()
)
_PLURAL_FOLLOWER = re.compile(
    r"\s*(?:[,.;:!?)”\"]|$|(?:have|has|had|are|were|will|would|could|did|do|also|too|"
    r"themselves|agreed|refused|rejected|wanted|want|opposed|oppose|supported|support|backed|"
    r"insist|" + SPEECH_VERBS + r")\b)"
)
_PRONOUN = re.compile(r"\b(?P<pronoun>[Hh]e|[Ss]he)\b")
# A speech tag that closes the clause it reports ("Austin is not wrong, he said: …"): the
# clause is what was said, so its names are not the speaker.
_CLOSING_TAG = re.compile(r"(?<=, )(?:[Hh]e|[Ss]he)\s+" + SPEECH_VERBS + r"\s*[.,:;]")
# An actor who speaks in its own clause: "Minister Ana Sousa told reporters", not "Ana Sousa,
# who had ..., then said" (a comma ends the clause).
_SPEAKS_AFTER = re.compile(r"[^.;:,\n]{0,40}?\b" + SPEECH_VERBS + r"\b")
# "It" stands for a country or an organisation only as the subject of what actors do: "it said",
# "it has lifted"; elsewhere ("it is", "it would be") it rarely does.
_IT_ACTS = re.compile(
    r"\b[Ii]t\s+(?:has\s+|had\s+|also\s+|would\s+|will\s+|could\s+|did\s+not\s+|"
    r"has\s+not\s+|had\s+not\s+|would\s+not\s+)?(?:"
    + SPEECH_VERBS
    + r"|lifted|loosened|eased|allowed|permitted|authorised|authorized|refused|declined|rejected|"
    r"opposed|supported|backed|agreed|kept|maintained|insists|welcomed|announced|confirmed|"
    r"objected|blocked|vetoed|ruled|attaches|attached|imposes|imposed|restricts|restricted)\b"
)
_ACTING_BODIES = frozenset({"country", "government", "organization"})
_ROLE_REFERENCE = re.compile(
    r"\b[Tt]he\s+(?P<role>minister|chancellor|president|prime minister|premier|secretary|"
    r"spokes(?:man|woman|person)|senator|congressman|congresswoman|general|ambassador|envoy|"
    r"analyst|researcher|commissioner|speaker|lawmakers|senators|group|MPs|institute|party|"
    r"think tank|centre|center|council|committee|foundation)\b"
)
_LOCATION_BEFORE = re.compile(
    r"\b(?:in|inside|into|within|across|on|over|deep|deeper|outside|near|beyond)\s+$"
)
_ACTOR_BEFORE_LOCATION = re.compile(
    r"\b(?:officials|leaders|authorities|diplomats|government|sources|people|those)\s+in\s+$"
)
_FEMALE_ROLES = frozenset({"spokeswoman", "congresswoman", "chairwoman"})
_MALE_ROLES = frozenset({"spokesman", "congressman", "chairman"})


def _quote_closed_before(
    quotes: list[tuple[int, int]], quote_ends: list[int], text: str, at: int
) -> int | None:
    """Where the quote that closes right before `at` opens ("“…,” he said"), if one does."""
    index = bisect.bisect_right(quote_ends, at) - 1
    if index < 0 or at - quote_ends[index] > 2 or text[quote_ends[index] : at].strip():
        return None
    return quotes[index][0]


def _starting_between(named: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions (sorted by start) that start inside start..end."""
    first = bisect.bisect_left(named, start, key=lambda m: m.start)
    return named[first : bisect.bisect_left(named, end, lo=first, key=lambda m: m.start)]


def _within(spans: list[tuple[int, int]], offset: int) -> bool:
    """True when an offset lies inside one of the sorted spans."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and offset < spans[index][1]


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor found in a text: a registry id or a derived key, its name and its type."""

    key: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where the text names an actor."""

    key: str
    start: int
    end: int
    kind: str


@dataclass(slots=True)
class _Found:
    """Actors and mentions collected while scanning one text."""

    taken: bytearray
    actors: dict[str, Actor] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    first_start: dict[str, int] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)

    def free(self, start: int, end: int) -> bool:
        """True when no mention already covers any of start..end."""
        # A byte per character keeps this check proportional to the span, not to the mentions.
        return not any(self.taken[start:end])

    def add(self, actor: Actor, start: int, end: int, kind: str) -> None:
        """Record a mention of an actor, claiming its span."""
        self.actors.setdefault(actor.key, actor)
        self.mentions.append(Mention(actor.key, start, end, kind))
        self.taken[start:end] = b"\x01" * (end - start)
        self.first_start[actor.key] = min(start, self.first_start.get(actor.key, start))


@dataclass(frozen=True, slots=True)
class Detection:
    """The actors of a text in order of first mention, and every mention in text order."""

    actors: list[Actor]
    mentions: list[Mention]


class ActorDetector:
    """Finds actor mentions with the registry and a few patterns for actors outside it."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._aliases: dict[str, str] = {}
        self._titles: dict[str, list[str]] = {}
        self._demonyms: dict[str, str] = {}
        self._plural_demonyms: dict[str, str] = {}
        for actor in registry.actors.values():
            self._index(actor)
        # The words of each person's names: a capitalised word before a surname that is not one
        # of them is someone else's first name ("Simon Harris").
        self._name_words = {
            actor.id: frozenset(w for alias in actor.aliases for w in alias.split())
            for actor in registry.actors.values()
            if actor.type == "person"
        }
        # Without a date, an unnamed title ("Lithuania's foreign minister") can only mean a holder
        # whose offices did not change during the debate; anyone else may have had a predecessor
        # or successor that the registry lacks (or held another office then).
        self._lasting = {
            actor.id
            for actor in registry.actors.values()
            if all(
                o.start <= DEBATE_START and not o.end
                for o in actor.offices
                if not o.end or o.end >= DEBATE_START
            )
        }
        # The longest name (in tokens) that starts with each first token, to bound the lookups.
        self._first_tokens: dict[str, int] = {}
        for name in [*self._aliases, *self._titles]:
            first = self._first(name)
            self._first_tokens[first] = max(self._first_tokens.get(first, 0), len(name.split()))

    @staticmethod
    def _first(name: str) -> str:
        """The first token of a name, lower-cased and without a possessive, as text is looked up."""
        return _POSSESSIVE.sub("", name.split()[0]).lower()

    @staticmethod
    def _strip_possessive(word: str) -> str:
        """A token without a trailing period or possessive ending."""
        return _POSSESSIVE.sub("", word)

    @staticmethod
    def _body(name: str) -> str:
        """A name without its leading article: "the Kremlin" is found with or without it."""
        return name[4:] if name.lower().startswith("the ") else name

    def _index(self, actor: RegistryActor) -> None:
        """Add one registry actor's names, titles and demonyms to the lookup tables."""
        for alias in actor.aliases:
            self._aliases.setdefault(self._body(alias), actor.id)
        for title in actor.titles:
            owners = self._titles.setdefault(self._body(title).lower(), [])
            if actor.id not in owners:
                owners.append(actor.id)
        for demonym in actor.demonyms:
            self._demonyms.setdefault(demonym, actor.id)
            plural = demonym if demonym.endswith(("sh", "ch", "ese", "ss")) else demonym + "s"
            self._plural_demonyms.setdefault(plural, actor.id)

    def registry_actor(self, actor_id: str) -> Actor:
        """The Actor for a registry id."""
        entry = self.registry.actors[actor_id]
        return Actor(entry.id, entry.name, entry.type)

    def detect(self, text: str) -> Detection:
        """Find every actor mention in text."""
        found = _Found(bytearray(len(text)))
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self._scan_groups(text, found)
        titles = self._scan_registry(text, tokens, found)
        self._resolve_titles(text, titles, found)
        donors = self._scan_demonyms(text, tokens, found)
        self._scan_organizations(text, found)
        self._scan_opinion_author(text, found)
        self._scan_people(text, found)
        self._scan_surnames(text, tokens, found)
        self._scan_references(text, found)
        self._add_donors(donors, found)
        mentions = sorted(found.mentions, key=lambda m: m.start)
        order = list(dict.fromkeys(m.key for m in mentions))
        return Detection([found.actors[key] for key in order], mentions)

    def _candidates(
        self, text: str, tokens: list[tuple[int, int]], index: int, longest: int
    ) -> Iterable[tuple[str, int]]:
        """Token runs starting at `index`, longest first, as (surface, end offset) pairs."""
        runs = []
        end_index = index
        while end_index < len(tokens) and end_index - index < longest:
            if end_index > index:
                gap = text[tokens[end_index - 1][1] : tokens[end_index][0]]
                if gap.strip():
                    break
            runs.append(end_index)
            end_index += 1
        for last in reversed(runs):
            end = tokens[last][1]
            surface = " ".join(text[tokens[i][0] : tokens[i][1]] for i in range(index, last + 1))
            yield surface, end
            for suffix in (".", "'s", "’s", "'", "’"):
                if surface.endswith(suffix) and len(surface) > len(suffix):
                    yield surface[: -len(suffix)], end - len(suffix)

    def _with_article(self, text: str, start: int) -> int:
        """Move a mention's start back over a directly preceding "the"."""
        if start >= 4 and text[start - 4 : start].lower() == "the ":
            before = text[start - 5] if start >= 5 else " "
            if not before.isalnum():
                return start - 4
        return start

    def _scan_registry(
        self, text: str, tokens: list[tuple[int, int]], found: _Found
    ) -> list[tuple[int, int, list[str]]]:
        """Claim registry names; return title spans for resolution once names are known."""
        titles: list[tuple[int, int, list[str]]] = []
        index = 0
        while index < len(tokens):
            start = tokens[index][0]
            first = self._first(self._strip_possessive(text[start : tokens[index][1]]))
            longest = self._first_tokens.get(first)
            if longest is None:
                index += 1
                continue
            matched = self._match_at(text, tokens, index, longest)
            if matched is None:
                index += 1
                continue
            surface_end, actor_id, title_owners = matched
            span_start = self._with_article(text, start)
            if actor_id is None:
                # A title may hold a name ("Chancellor Olaf Scholz"): keep scanning inside it.
                titles.append((span_start, surface_end, title_owners))
                index += 1
                continue
            is_actor = span_start != start or not self._is_place(text, start, actor_id)
            if self._opens_organization(text, surface_end, actor_id):
                is_actor = False
            if self._is_first_name(text, surface_end, actor_id, span_start, start):
                is_actor = False
            if self._after_another_first_name(text, start, surface_end, actor_id):
                is_actor = False
            if _GENERATION.match(text, surface_end):  # "Donald Trump Jr." is his son
                is_actor = False
            if is_actor and found.free(span_start, surface_end):
                found.add(self.registry_actor(actor_id), span_start, surface_end, "name")
            while index < len(tokens) and tokens[index][0] < surface_end:
                index += 1
        return titles

    def _is_first_name(
        self, text: str, end: int, actor_id: str, span_start: int, start: int
    ) -> bool:
        """True when a one-word surname alias is followed by another name ("Graham McAllister")."""
        if self.registry.actors[actor_id].type != "person" or " " in text[span_start:end]:
            return False
        following = _NEXT_NAME.match(text, end)
        return following is not None and start == span_start

    def _after_another_first_name(self, text: str, start: int, end: int, actor_id: str) -> bool:
        """True when a one-word surname alias follows someone else's first name ("Simon Harris")."""
        own_words = self._name_words.get(actor_id)
        if own_words is None or " " in text[start:end]:
            return False
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is None:
            return False
        word = before.group(1)
        return not (
            word in own_words
            or word in _NOT_NAME_WORDS
            or word in _HONORIFICS
            or word in self._demonyms
            or _TITLE_WORD.fullmatch(word)
            or self._aliases.get(word)
        )

    def _match_at(
        self, text: str, tokens: list[tuple[int, int]], index: int, longest: int
    ) -> tuple[int, str | None, list[str]] | None:
        """The longest alias or title starting at token `index`, if any."""
        for surface, end in self._candidates(text, tokens, index, longest):
            if surface in self._aliases:
                return end, self._aliases[surface], []
            owners = self._titles.get(surface.lower())
            if owners:
                return end, None, owners
        return None

    def _opens_organization(self, text: str, end: int, actor_id: str) -> bool:
        """True when a country name opens an organisation's ("the Vilnius Defence Initiative")."""
        if self.registry.actors[actor_id].type != "country":
            return False
        return _ORGANIZATION_AFTER.match(text, end) is not None

    def _is_place(self, text: str, start: int, actor_id: str) -> bool:
        """True when a country is named as a place ("strikes inside Russia"), not as an actor."""
        if self.registry.actors[actor_id].type != "country":
            return False
        before = text[max(0, start - 40) : start]
        return bool(_LOCATION_BEFORE.search(before)) and not _ACTOR_BEFORE_LOCATION.search(before)

    def _resolve_titles(
        self, text: str, titles: list[tuple[int, int, list[str]]], found: _Found
    ) -> None:
        """Give each title to the one holder named in the text, or its only holder."""
        named = set(found.actors)
        for start, end, owners in titles:
            present = [owner for owner in owners if owner in named]
            chosen = present if present else [o for o in owners if o in self._lasting]
            if not found.free(start, end):
                # The title holds a name ("NATO Secretary General Jens Stoltenberg"): the body
                # that opens it is named too, as a demonym would be.
                self._claim_title_opener(text, start, end, found)
                continue
            if len(chosen) != 1:  # "the NATO chief" with no holder named: NATO speaks
                self._claim_title_opener(text, start, end, found)
                continue
            # "Italy's Foreign Minister Antonio Tajani": the name follows; Italy speaks too.
            if not found.free(end, min(len(text), end + 2)):
                self._claim_title_opener(text, start, end, found, possessive=True)
                continue
            # "Poland's foreign minister, Radosław Sikorski": Poland, then its minister.
            rest = self._claim_title_opener(text, start, end, found, possessive=True)
            holder_start = start if rest is None else rest
            if found.free(holder_start, end):
                found.add(self.registry_actor(chosen[0]), holder_start, end, "title")

    def _claim_title_opener(
        self, text: str, start: int, end: int, found: _Found, possessive: bool = False
    ) -> int | None:
        """Claim the country whose demonym, or the registry country or organisation whose alias,
        opens a title span (an alias with `possessive` only when written as an owner:
        "Poland's"); return where the title's role words start after it ("Poland's |foreign
        minister", "the French |president"), or None."""
        article = offset = self._with_article(text, start)
        if text.startswith(("the ", "The "), offset):
            offset += 4
        words = text[offset:end].split(" ")
        country = self._demonyms.get(words[0])
        if country is not None and len(words) > 1:
            # "the French president": a demonym names the country as an owner would.
            stop = offset + len(words[0])
            if not found.free(article, stop):
                return None
            found.add(self.registry_actor(country), article, stop, "demonym")
            return stop + 1
        for count in range(min(4, len(words) - 1), 0, -1):
            surface = self._strip_possessive(" ".join(words[:count]))
            owner = self._aliases.get(surface) or self._aliases.get("the " + surface)
            if owner and self.registry.actors[owner].type != "person":
                owned = text.startswith(("'s", "’s"), offset + len(surface))
                if (possessive and not owned) or not found.free(offset, offset + len(surface)):
                    return None
                found.add(self.registry_actor(owner), offset, offset + len(surface), "name")
                return _POSSESSIVE_AFTER.match(text, offset + len(surface), end).end()
        return None

    def _scan_demonyms(
        self, text: str, tokens: list[tuple[int, int]], found: _Found
    ) -> list[tuple[str, int, int]]:
        """Claim the demonym in "German officials", "Estonian Defence Minister X", "the French";
        return the donors named only by their weapons ("British missiles", "Dutch-supplied")."""
        donors = []
        for start, end in tokens:
            word = text[start:end]
            head, _, tail = word.partition("-")
            if tail in _SUPPLIED_SUFFIXES and head in self._demonyms:
                donors.append((self._demonyms[head], start, start + len(head)))
                continue
            country = self._demonyms.get(word)
            follower = self._demonym_follower(text, start, end) if country else None
            if follower == "actor":
                span_start = self._with_article(text, start)
                if found.free(span_start, end):
                    found.add(self.registry_actor(country), span_start, end, "demonym")
                continue
            if follower == "weapons":
                donors.append((country, start, end))
                continue
            country = self._plural_demonyms.get(word.rstrip("."))
            if country is not None and text[max(0, start - 4) : start].lower() == "the ":
                stop = start + len(word.rstrip("."))
                # "the British agreed" names the people; "the Polish remarks" is an adjective.
                if word in self._demonyms and not _PLURAL_FOLLOWER.match(text, stop):
                    continue
                if found.free(start - 4, stop):
                    found.add(self.registry_actor(country), start - 4, stop, "demonym")
        return donors

    def _demonym_follower(self, text: str, start: int, end: int) -> str | None:
        """What follows the demonym at start..end, perhaps after more demonyms ("Latvian and
        Estonian officials"): "actor" for an actor noun, "weapons" for weapons put to use."""
        while not _ACTOR_NOUN.match(text, end):
            if _SUPPLIED_NOUN.match(text, end):
                used = _SUPPLY_USE.search(text, max(0, start - 40), start) is not None
                return "weapons" if used else None
            link = _DEMONYM_LINK.match(text, end)
            word = link and _TOKEN.match(text, link.end())
            if not word or word.group() not in self._demonyms:
                return None
            end = word.end()
        return "actor"

    def _add_donors(self, donors: list[tuple[str, int, int]], found: _Found) -> None:
        """Name the donors that the text names only by their weapons: what others do with a
        country's missiles is not what the country says, so a named country gets no more."""
        named = set(found.actors)
        for country, start, end in donors:
            if country not in named and found.free(start, end):
                found.add(self.registry_actor(country), start, end, "demonym")

    def _scan_people(self, text: str, found: _Found) -> None:
        """Find people outside the registry, introduced by a title, a role or a speech verb."""
        for pattern in _PERSON_PATTERNS:
            for match in pattern.finditer(text):
                start, end = match.span("name")
                name = self._clean_name(text[start:end])
                if name is None:
                    continue
                start = text.index(name.split()[0], start)
                end = start + len(name)
                if text[start:end] != name:
                    continue
                if not found.free(start, end) or _PLACE_BEFORE.search(
                    text, max(0, start - 16), start
                ):
                    continue
                key = "person:" + fold(name)
                title = (match.groupdict().get("title") or "").lower()
                found.add(Actor(key, name, "person"), start, end, "name")
                self._note_role(found, key, title)
        self._scan_capitals_labels(text, found)

    def _scan_capitals_labels(self, text: str, found: _Found) -> None:
        """Find transcript speakers labelled in capitals ("ZOLTÁN FEHÉR:") whose name the text
        also writes plainly; a kicker in capitals ("FACT CHECK:") is written only once."""
        for match in _CAPITALS_LABEL.finditer(text):
            label = match.group("name")
            name = label.title()
            if not label.isupper() or _LABEL_ROLE.search(label) or self._clean_name(name) != name:
                continue
            # The whole name, not a part of a longer one ("Fact Check Desk", "Marta Ruiz Olmedo").
            whole = rf"(?<!\w){re.escape(name)}(?!\w)(?![^\S\n]+[A-Z])"
            plain = [
                m.span()
                for m in re.finditer(whole, text)
                if found.free(*m.span()) and not _NAME_WORD_BEFORE.search(text, 0, m.start())
            ]
            resolved = self.registry.resolve(name)
            if not plain or (resolved and self.registry.actors[resolved].type != "person"):
                continue
            actor = self.registry_actor(resolved) if resolved else self._bearer(found, name)
            actor = actor or Actor("person:" + fold(name), name, "person")
            for start, end in [match.span("name"), *plain]:
                if found.free(start, end):
                    found.add(actor, start, end, "name")

    @staticmethod
    def _bearer(found: _Found, surname: str) -> Actor | None:
        """The one person found whose full name ends with a surname ("DE VITA:" after
        "Rossana De Vita")."""
        bearers = [
            actor
            for actor in found.actors.values()
            if actor.type == "person" and actor.name.endswith(" " + surname)
        ]
        return bearers[0] if len(bearers) == 1 else None

    def _scan_opinion_author(self, text: str, found: _Found) -> None:
        """The author of an opinion piece, from its byline ("OPINION … By Kadri Lepik").

        A news byline names a reporter, who takes no side, so only opinion pieces are read.
        """
        byline = opinion_byline(text)
        if byline is None:
            return
        match = _BYLINE_NAME.match(text, byline)
        # A byline's name ends with its line ("By Chukwuemeka Obi\n\nAbuja, 16 September").
        name = self._clean_name(match.group("name").split("\n")[0]) if match else None
        if name is None or not text.startswith(name, byline):
            return
        if found.free(byline, byline + len(name)):
            key = "person:" + fold(name)
            found.add(Actor(key, name, "person"), byline, byline + len(name), "name")
            found.roles.setdefault(key, set()).add("author")

    def _scan_organizations(self, text: str, found: _Found) -> None:
        """Find organisations outside the registry by their head noun ("… Institute", "… Party")."""
        # The longest candidate first: "Center for Restraint Studies", not "Restraint Studies".
        matches = [m for pattern in _ORG_PATTERNS for m in pattern.finditer(text)]
        for match in sorted(matches, key=lambda m: (m.start() - m.end(), m.start())):
            words = match.group().split()
            if "The" in words[1:]:  # "Eurasian Security The Meridian Council": a new name
                words = words[len(words) - words[::-1].index("The") :]
            while words and (
                (words[0] in _NOT_NAME_WORDS and words[0] not in _ORG_NAME_OPENERS)
                or (words[0].isupper() and len(words[0]) > 3)  # "PRESS RELEASE …"
            ):
                words = words[1:]
            # "Warsaw-based Centre for …", "New Delhi-based Centre for …": the place goes.
            based = [i for i, word in enumerate(words) if word.endswith("-based")]
            words = words[based[-1] + 1 :] if based else words
            if len(words) < 2:
                continue
            name = " ".join(words)
            start = match.end() - len(name)
            if not found.free(start, match.end()):
                continue
            key = "org:" + fold(name)
            found.add(Actor(key, name, "organization"), start, match.end(), "name")
            head = re.search(_ORG_HEADS, name)
            roles = {head.group().lower()} if head else set()
            found.roles.setdefault(key, set()).update(roles | {"think tank"})

    def _clean_name(self, candidate: str) -> str | None:
        """A plausible personal name from a candidate span, or None."""
        words = candidate.split()
        while words and (
            words[0] in _NOT_NAME_WORDS
            or (words[0] in _HONORIFICS and words[0] not in _NOBILITY)
            or not words[0][0].isupper()
            or words[0].endswith(("'s", "’s", "'", "’"))
            or (words[0].isupper() and len(words[0]) > 2)  # "BST" after a live blog's time
        ):
            words = words[1:]
        while words and (words[-1] in _NOT_NAME_WORDS or not words[-1][0].isupper()):
            words = words[:-1]
        capitalised = [w for w in words if w[0].isupper()]
        if len(capitalised) < 2 or not words[0][0].isupper() or not words[-1][0].isupper():
            return None
        # "Chaudhry from Wolverhampton" is a name and a place; "von der Leyen" keeps its particles.
        if any(not w[0].isupper() and w not in _PARTICLE_WORDS for w in words):
            return None
        if any(
            w in _NOT_NAME_WORDS or w in self._demonyms or self._names_non_person(w) for w in words
        ):
            return None
        if any(w.isupper() and len(w) > 2 for w in words):
            return None
        # "Dutch-supplied F-16s" is a weapon: names carry no digits nor a demonym's compound.
        if any(ch.isdigit() for ch in candidate) or any(
            w.partition("-")[0] in self._demonyms for w in words
        ):
            return None
        name = " ".join(words)
        return name if name.endswith(words[-1]) else None

    def _names_non_person(self, word: str) -> bool:
        """True when a word alone is the registry name of a country, organisation or outlet."""
        owner = self._aliases.get(word)
        return owner is not None and self.registry.actors[owner].type != "person"

    @staticmethod
    def _note_role(found: _Found, key: str, title: str) -> None:
        """Remember a person's role words and any gender they imply."""
        words = set(title.replace(".", "").split())
        found.roles.setdefault(key, set()).update(words)
        if words & _FEMALE_ROLES:
            found.genders[key] = "f"
        elif words & _MALE_ROLES:
            found.genders[key] = "m"

    def _scan_groups(self, text: str, found: _Found) -> None:
        """Find unnamed collectives: "a bipartisan group of lawmakers", "several governments"."""
        for pattern in _GROUP_PATTERNS:
            for match in pattern.finditer(text):
                start, end = match.span()
                if not found.free(start, end):
                    continue
                phrase = match.group()
                key = "group:" + fold(re.sub(r"^(?:an?|the)\s+", "", phrase, flags=re.I))
                found.add(Actor(key, phrase, "group"), start, end, "group")
                head = phrase.lower().split()[-1]
                found.roles.setdefault(key, set()).update({"group", head, head.rstrip("s")})

    def _scan_surnames(self, text: str, tokens: list[tuple[int, int]], found: _Found) -> None:
        """Claim a bare surname once the full name has appeared ("Mike Johnson" … "Johnson")."""
        by_surname: dict[str, Actor] = {}
        for actor in found.actors.values():
            surname = actor.name.split()[-1]
            if actor.type == "person" and " " in actor.name and len(surname) >= 3:
                by_surname.setdefault(surname, actor)
        if not by_surname:
            return
        for start, end in tokens:
            actor = by_surname.get(self._strip_possessive(text[start:end]))
            if actor is None or start <= found.first_start[actor.key]:
                continue
            stop = start + len(actor.name.split()[-1])
            if found.free(start, stop):
                found.add(actor, start, stop, "surname")

    def _scan_references(self, text: str, found: _Found) -> None:
        """Resolve "he", "she", "the minister", "the group" to the nearest fitting actor before."""
        named = sorted(found.mentions, key=lambda m: m.start)
        ends = [m.end for m in named]
        starts: list[int] = []
        quotes = quote_spans(text)
        # The narrator's "he said" after a quote is its speaker, never a name inside the quote.
        unquoted = [m for m in named if not _within(quotes, m.start)]
        unquoted_ends = [m.end for m in unquoted]

        def sentence_starts() -> list[int]:
            """The sentences' offsets: split once, and only when a reference needs them."""
            if not starts:
                starts.extend(s.start for s in split_sentences(text))
            return starts

        quote_ends = [end for _, end in quotes]
        # The narrator's pronouns already resolved (not those inside quotes), so that a chain of
        # quotes ("“…,” he said. “…,” he added.") keeps its speaker.
        speakers: list[Mention] = []

        def referent(match: re.Match, fits) -> str | None:
            """The fitting actor a reference stands for. One opening a sentence ("He", "The
            minister") most often continues the previous sentence's subject, not its last-named
            actor ("X accused Putin of … . He urged …" is X), and so does the "he said" of a
            quote that opens a sentence; others take the nearest before."""
            at = match.start()
            mentions, mention_ends = (
                (named, ends) if _within(quotes, at) else (unquoted, unquoted_ends)
            )
            if text[at].isupper():
                key = self._first_in_previous_sentence(mentions, sentence_starts(), at, fits)
                if key is not None:
                    return key
            elif (opening := _quote_closed_before(quotes, quote_ends, text, at)) is not None:
                candidates = sorted([*mentions, *speakers], key=lambda m: m.start)
                key = self._first_in_previous_sentence(candidates, sentence_starts(), opening, fits)
                if key is not None:
                    return key
            elif _CLOSING_TAG.match(text, at):
                candidates = sorted([*mentions, *speakers], key=lambda m: m.start)
                key = self._speaker_of_tag(text, candidates, sentence_starts(), at, fits)
                if key is not None:
                    return key
            return self._nearest(mentions, mention_ends, at, fits)

        for match in _PRONOUN.finditer(text):
            gender = "m" if match.group("pronoun").lower() == "he" else "f"
            key = referent(match, lambda k, g=gender: self._fits(found, k, g))
            if key is not None and found.free(*match.span()):
                found.add(found.actors[key], match.start(), match.end(), "pronoun")
                if not _within(quotes, match.start()):
                    speakers.append(Mention(key, match.start(), match.end(), "pronoun"))
        for match in _IT_ACTS.finditer(text):
            start, end = match.start(), match.start() + 2
            key = self._subject_before(text, named, found, sentence_starts(), start)
            if key is not None and found.free(start, end):
                found.add(found.actors[key], start, end, "pronoun")
        for match in _ROLE_REFERENCE.finditer(text):
            role = match.group("role").lower().rstrip("s")
            key = referent(match, lambda k, r=role: self._has_role(found, k, r))
            if key is not None and found.free(*match.span()):
                found.add(found.actors[key], match.start(), match.end(), "title")

    @staticmethod
    def _subject_before(
        text: str, named: list[Mention], found: _Found, sentence_starts: list[int], at: int
    ) -> str | None:
        """The first country or organisation of the sentence holding `at` (before it), or of
        the sentence before when "It" opens one: the likely subject that "it" stands for."""
        index = max(0, bisect.bisect_right(sentence_starts, at) - 1)
        sentence = sentence_starts[index] if sentence_starts else 0
        if text[at] == "I" and index > 0:
            window = (sentence_starts[index - 1], sentence)
        else:
            window = (sentence, at)
        for mention in _starting_between(named, *window):
            if mention.end <= window[1] and found.actors[mention.key].type in _ACTING_BODIES:
                return mention.key
        return None

    @staticmethod
    def _speaker_of_tag(
        text: str, named: list[Mention], sentence_starts: list[int], at: int, accept
    ) -> str | None:
        """Who a closing tag ("…, he said.") gives voice to: the narrator's subject before a
        colon in its sentence ("Tajani was clear: Italy is not at war, he said"), else the
        previous sentence's speaker, the first fitting actor followed by a speech verb there,
        or its first fitting actor."""
        index = bisect.bisect_right(sentence_starts, at) - 1
        sentence = sentence_starts[index] if index >= 0 else 0
        colon = text.rfind(":", sentence, at)
        windows = [(sentence, colon)] if colon != -1 else []
        if index >= 1:
            windows.append((sentence_starts[index - 1], sentence))
        for start, end in windows:
            fitting = [
                m for m in _starting_between(named, start, end) if m.end <= end and accept(m.key)
            ]
            speaking = [m for m in fitting if _SPEAKS_AFTER.match(text, m.end)]
            if speaking or fitting:
                return (speaking or fitting)[0].key
        return None

    @staticmethod
    def _first_in_previous_sentence(
        named: list[Mention], sentence_starts: list[int], at: int, accept
    ) -> str | None:
        """The first fitting mention of the sentence before the one that opens at `at`."""
        index = bisect.bisect_right(sentence_starts, at) - 1
        if index < 1 or sentence_starts[index] != at:
            return None
        start, end = sentence_starts[index - 1], sentence_starts[index]
        return next((m.key for m in _starting_between(named, start, end) if accept(m.key)), None)

    @staticmethod
    def _nearest(mentions: list[Mention], ends: list[int], before: int, accept) -> str | None:
        """The key of the closest mention ending before `before` (within reach) that fits."""
        index = bisect.bisect_right(ends, before) - 1
        while index >= 0 and before - mentions[index].end < REFERENCE_REACH:
            if mentions[index].end <= before and accept(mentions[index].key):
                return mentions[index].key
            index -= 1
        return None

    def _fits(self, found: _Found, key: str, gender: str) -> bool:
        """True when an actor is a person whose known gender, if any, matches."""
        if found.actors[key].type != "person":
            return False
        entry = self.registry.actors.get(key)
        known = entry.gender if entry else found.genders.get(key, "")
        return not known or known == gender

    def _has_role(self, found: _Found, key: str, role: str) -> bool:
        """True when an actor is known to hold a role named by `role`."""
        entry = self.registry.actors.get(key)
        words = set(found.roles.get(key, set()))
        if entry is not None:
            for phrase in (*entry.titles, *(office.role for office in entry.offices)):
                words.update(phrase.lower().replace("'s", "").split())
        return role.split()[-1] in words
