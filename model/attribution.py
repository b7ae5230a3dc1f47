"""Which passages speak for which actor, and how each passage looks from one actor's side."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from model.actors import (
    LETTER_CLOSINGS,
    SIGNATURE_LINE,
    SPEECH_VERBS,
    Detection,
    Mention,
    opinion_byline,
)
from model.text import Sentence, fold, quote_spans

TARGET = "TGTACTOR"
OTHER = "OTHACTOR"
MAX_PASSAGE_SENTENCES = 3
MAX_LETTER_SENTENCES = 8

_SIGNATURE = re.compile(r"\s*[—–-]\s*[^\W\d_]")
# "PEVKUR: …", "Q: …", "Tom Hargreaves (associate fellow): …"
_TRANSCRIPT_LABEL = re.compile(
    r"(?P<label>[A-ZÀ-Þ][\w .'-]{0,30}?)(?:\s*\([^()\n]{1,40}\))?\s*:\s*"
)
# A signature's name on a line of its own, its town on the next: "Declan Faherty,\nMullingar".
_NAME_OVER_TOWN = re.compile(r"[^\W\d_][\w'’. -]{2,40},")
_SALUTATION = re.compile(r"\s*(?:Sir|Madam|Dear)\b")
# A letter's closing before its signature: "Yours, etc.,", "Yours sincerely,".
_CLOSING = re.compile(r"\s*" + LETTER_CLOSINGS + r"\b[^\n]{0,20}$", re.I)
_SPEECH = re.compile(r"\b" + SPEECH_VERBS + r"\b|\baccording to\b|:\s*$")


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of sentences that speaks for one actor, with its masked form for the classifier."""

    key: str
    start: int
    end: int
    masked: str


def mask(text: str, start: int, end: int, mentions: list[Mention], key: str) -> str:
    """text[start:end] with the target's mentions as TARGET and other actors' as OTHER."""
    pieces: list[str] = []
    cursor = start
    for mention in mentions:
        if mention.start < cursor or mention.end > end:
            continue
        pieces.append(text[cursor : mention.start])
        pieces.append(TARGET if mention.key == key else OTHER)
        cursor = mention.end
    pieces.append(text[cursor:end])
    return "".join(pieces)


class Attributor:
    """Assigns sentences to actors: those that name them and the quotes they speak."""

    def __init__(
        self,
        text: str,
        sentences: list[Sentence],
        mentions: list[Mention],
        people: frozenset[str] = frozenset(),
    ) -> None:
        self.text = text
        self.people = people  # the keys of the actors who are persons
        self.sentences = sentences
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._mention_starts = [m.start for m in self.mentions]
        self._starts = [s.start for s in sentences]
        self._quotes = quote_spans(text)
        self._quote_starts = [start for start, _ in self._quotes]
        self._speakers: dict[int, str | None] = {}

    @classmethod
    def of(cls, text: str, detection: Detection, sentences: list[Sentence]) -> Attributor:
        """An attributor over a detection's mentions that knows which actors are persons."""
        people = frozenset(a.key for a in detection.actors if a.type == "person")
        return cls(text, sentences, detection.mentions, people)

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence that holds a character offset."""
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def _outside_quotes(self, mention: Mention) -> bool:
        """True when a mention is not inside quoted speech."""
        index = bisect.bisect_right(self._quote_starts, mention.start) - 1
        return index < 0 or mention.end > self._quotes[index][1]

    def _speaker(self, index: int) -> str | None:
        """The actor who speaks in a sentence: the unquoted mention nearest a speech verb."""
        # Many quotes can share one long sentence: scan each sentence once, not once per quote.
        if index not in self._speakers:
            self._speakers[index] = self._find_speaker(index)
        return self._speakers[index]

    def _find_speaker(self, index: int) -> str | None:
        """The unquoted mention of a sentence nearest a speech verb, if any."""
        sentence = self.sentences[index]
        candidates = [
            m for m in self._mentions_in(sentence.start, sentence.end) if self._outside_quotes(m)
        ]
        if not candidates:
            return None
        verbs = [
            m.start() + sentence.start
            for m in _SPEECH.finditer(self.text[sentence.start : sentence.end])
        ]
        if not verbs:
            return candidates[0].key if len(candidates) == 1 else None
        return min(candidates, key=lambda m: min(abs(m.start - v) for v in verbs)).key

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions that lie inside start..end."""
        first = bisect.bisect_left(self._mention_starts, start)
        last = bisect.bisect_left(self._mention_starts, end, lo=first)
        return [m for m in self.mentions[first:last] if m.end <= end]

    def quote_speakers(self) -> dict[int, str]:
        """Sentence index -> speaker, for every sentence of quoted speech with a known speaker."""
        speakers: dict[int, str] = {}
        previous: tuple[int, str] | None = None  # (paragraph, speaker) of the last quote
        for start, end in self._quotes:
            first, last = self.sentence_at(start), self.sentence_at(max(start, end - 1))
            speaker = self._speaker(last) or self._speaker(first)
            paragraph = self.sentences[first].paragraph
            if speaker is None and first > 0 and self._introduces_quote(first - 1):
                speaker = self._speaker(first - 1)
            if speaker is None and previous is not None and previous[0] == paragraph:
                speaker = previous[1]
            if speaker is None:
                continue
            for index in range(first, last + 1):
                speakers.setdefault(index, speaker)
            previous = (paragraph, speaker)
        return speakers

    def _introduces_quote(self, index: int) -> bool:
        """True when a sentence leads into the next one's quote ("Scholz said:")."""
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end].rstrip().endswith(":")

    def sentences_by_actor(self) -> dict[str, list[int]]:
        """Actor key -> sorted indices of the sentences that speak for or about it."""
        by_actor: dict[str, set[int]] = {}
        for mention in self.mentions:
            by_actor.setdefault(mention.key, set()).add(self.sentence_at(mention.start))
        quoted = self.quote_speakers()
        spoken = [
            *quoted.items(),
            *self.transcript_speakers().items(),
            *self.signed_letters().items(),
            *self.opinion_author(quoted).items(),
        ]
        for index, speaker in spoken:
            by_actor.setdefault(speaker, set()).add(index)
        return {key: sorted(indices) for key, indices in by_actor.items()}

    def opinion_author(self, quoted: dict[int, str]) -> dict[int, str]:
        """Sentence index -> author, for the body of an opinion piece under its byline: the
        author argues in their own voice wherever nobody else (`quoted`: quote_speakers) is."""
        byline = opinion_byline(self.text)
        if byline is None:
            return {}
        index = bisect.bisect_left(self._mention_starts, byline)
        if index == len(self.mentions) or self.mentions[index].start != byline:
            return {}
        author = self.mentions[index].key
        first = self.sentence_at(byline) + 1
        return {
            index: author
            for index in range(first, len(self.sentences))
            if quoted.get(index, author) == author
        }

    def signed_letters(self) -> dict[int, str]:
        """Sentence index -> writer, for a letter signed "— Name, Town" or "Name, Town" after it."""
        writers: dict[int, str] = {}
        previous_signature = -1
        for index, sentence in enumerate(self.sentences):
            if not self._is_signature(sentence):
                continue
            signers = self._mentions_in(sentence.start, sentence.end)
            body = index
            while body > 0 and _CLOSING.match(self._sentence_text(body - 1)):
                body -= 1
            if signers and body > 0:
                for earlier in self._letter_body(previous_signature + 1, body):
                    writers[earlier] = signers[0].key
            previous_signature = index
        return writers

    def _letter_body(self, after: int, signature: int) -> range | list[int]:
        """The sentences of the letter signed at `signature`: from its salutation ("Sir, —")
        when it has one, else the signature's own paragraph or the one before a lone one."""
        earliest = max(after, signature - MAX_LETTER_SENTENCES * 2)
        for start in range(signature - 1, earliest - 1, -1):
            if _SALUTATION.match(self._sentence_text(start)):
                return range(start, signature)
        letter = self.sentences[signature - 1].paragraph
        first = max(after, signature - MAX_LETTER_SENTENCES)
        return [i for i in range(first, signature) if self.sentences[i].paragraph == letter]

    def _sentence_text(self, index: int) -> str:
        """The text of one sentence."""
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end]

    def _is_signature(self, sentence: Sentence) -> bool:
        """True for "— Name, Town", for "Name, Town" alone on its line, or for "Name," on a line
        of its own above the town's."""
        if _SIGNATURE.match(self.text, sentence.start, sentence.end):
            return True
        line = self.text[sentence.start : sentence.end].strip()
        if SIGNATURE_LINE.fullmatch(line) is not None:
            return True
        after = self.text[sentence.end : sentence.end + 2]
        return (
            _NAME_OVER_TOWN.fullmatch(line) is not None
            and after.startswith("\n")
            and (not after.startswith("\n\n"))
        )

    def transcript_speakers(self) -> dict[int, str]:
        """Sentence index -> speaker for transcript turns ("PEVKUR: …", "A: …" after "Name:"):
        the labelled sentence and the rest of its paragraph."""
        names = self._spoken_names()
        roles: dict[str, str] = {}  # a role label ("GUEST") -> whom it last named in brackets
        speakers: dict[int, str] = {}
        answering: str | None = None
        turn: tuple[int, str | None] | None = None  # (paragraph, speaker) of the open turn
        for index, sentence in enumerate(self.sentences):
            label = _TRANSCRIPT_LABEL.match(self.text, sentence.start, sentence.end)
            if label is None:
                if turn is not None and turn[0] == sentence.paragraph and turn[1] is not None:
                    speakers[index] = turn[1]
                continue
            name = label.group("label")
            declared = self._mentions_in(label.end(), sentence.end)
            named = self._mentions_in(sentence.start, label.end())
            if name.isupper() and len(name) > 2:
                # "SENIOR ADMINISTRATION OFFICIAL" is a phrase the text used; "PEVKUR" a surname.
                speaker = names.get(fold(name)) or names.get(fold(name.split()[-1]))
                if speaker is None:
                    bracketed = self._bracketed_name(label)
                    if bracketed is not None:
                        roles[fold(name)] = bracketed
                    speaker = bracketed or roles.get(fold(name))
            elif name in ("A", "Answer"):
                speaker = answering
            elif named:
                # The label names its speaker: "Professor Deirdre Lyons: Thank you, Chairman."
                speaker = named[-1].key
            else:
                speaker = declared[0].key if declared else None
                answering = speaker or answering
                turn = None
                continue
            turn = (sentence.paragraph, speaker)
            if speaker is not None:
                speakers[index] = speaker
        return speakers

    def _bracketed_name(self, label: re.Match) -> str | None:
        """The person whose name opens a role label's brackets: "GUEST (Mikko Räsänen):" is his
        turn, and so are the later turns labelled "GUEST:"."""
        opening = self.text.find("(", label.end("label"), label.end())
        if opening < 0:
            return None
        inside = self._mentions_in(opening, label.end())
        if not inside or inside[0].key not in self.people:
            return None
        # Only a name's own words may precede it: "(Mikko Räsänen)", not "(former Dutch envoy)".
        before = self.text[opening + 1 : inside[0].start]
        if "," in before or not all(word[0].isupper() for word in before.split()):
            return None
        return inside[0].key

    def _spoken_names(self) -> dict[str, str]:
        """Folded surnames of named people and folded group phrases -> their actor keys."""
        names: dict[str, str] = {}
        first_names: dict[str, set[str]] = {}
        for mention in self.mentions:
            words = self.text[mention.start : mention.end].split()
            if words and mention.kind in ("name", "surname"):
                names.setdefault(fold(words[-1]), mention.key)
            if len(words) > 1 and mention.key.startswith("group:"):
                names.setdefault(mention.key.split(":", 1)[1], mention.key)
            elif len(words) > 1 and mention.kind == "name":
                first_names.setdefault(fold(words[0]), set()).add(mention.key)
        # Hosts often label turns by first name ("CLAIRE:"), when no one else shares it.
        for first, keys in first_names.items():
            if len(keys) == 1:
                names.setdefault(first, next(iter(keys)))
        return names

    def passages(self, key: str, indices: list[int]) -> list[Passage]:
        """Group an actor's sentences into runs of consecutive ones, masked for that actor."""
        runs: list[list[int]] = []
        for index in indices:
            run = runs[-1] if runs else None
            if (
                run
                and index == run[-1] + 1
                and len(run) < MAX_PASSAGE_SENTENCES
                and self.sentences[index].paragraph == self.sentences[run[-1]].paragraph
            ):
                run.append(index)
            else:
                runs.append([index])
        result = []
        for run in runs:
            start, end = self.sentences[run[0]].start, self.sentences[run[-1]].end
            masked = mask(self.text, start, end, self._mentions_in(start, end), key)
            result.append(Passage(key, start, end, masked))
        return result
