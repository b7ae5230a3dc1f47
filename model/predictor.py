"""From article text to each actor's stance, confidence and evidence."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from model.actors import Actor, ActorDetector, Detection, Mention
from model.attribution import TARGET, Attributor, Passage, mask
from model.config import LABELS, STANCES
from model.features import texts_and_groups_features
from model.registry import ACTOR_TYPES, Registry
from model.text import fold, split_sentences

MAX_EVIDENCE = 3
ACTOR_TYPES_ORDER = tuple(sorted(ACTOR_TYPES))
# A passage at least this likely favor or against states a position.
SURE_PASSAGE = 0.5


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the input text and its offsets."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage behind an actor's stance, with the classifier's verdict on it."""

    text: str
    start: int
    end: int
    stance: str
    confidence: float


@dataclass(slots=True)
class ActorStance:
    """One actor's article-level stance."""

    actor: str
    type: str
    stance: str
    confidence: float
    scores: dict[str, float]
    mentions: list[Span] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    key: str = ""  # the registry id or derived key; internal, not part of the answer


@dataclass(slots=True)
class ArticleStances:
    """Every actor of an article, in order of first mention."""

    actors: list[ActorStance]

    def to_dict(self) -> dict:
        """The JSON-ready answer."""
        answers = [asdict(actor) for actor in self.actors]
        for answer in answers:
            del answer["key"]
        return {"actors": answers}


# A title before a name is dropped when names are matched: an annotator's "Major Tom Reddick"
# or "Ian Marlow" is the detector's "Tom Reddick" or "Sir Ian Marlow".
_LEADING_WORDS = re.compile(r"^(?:(?:the|a|an) )?(?:(?:sir|dame|lord|lady|major|colonel) )?")


def _strip_article(name: str) -> str:
    """A folded name without a leading article or title, for matching names across texts."""
    return _LEADING_WORDS.sub("", fold(name))


def find_actor(registry: Registry, detection: Detection, name: str) -> str | None:
    """The key of the detected actor that `name` denotes, if it is in the detection."""
    keys = {actor.key for actor in detection.actors}
    resolved = registry.resolve(name)
    if resolved in keys:
        return resolved
    wanted = _strip_article(name)
    for actor in detection.actors:
        if _strip_article(actor.name) == wanted or actor.key.split(":", 1)[-1] == wanted:
            return actor.key
    return None


def add_literal_actor(
    detector: ActorDetector, text: str, detection: Detection, name: str
) -> tuple[Detection, str]:
    """Add a requested actor by the literal places that name it; returns its key.

    The requested name wins over detected mentions that overlap it: asked about "Polish
    officials", the passage must not read "OTHACTOR officials".
    """
    resolved = detector.registry.resolve(name)
    actor = (
        detector.registry_actor(resolved)
        if resolved
        else Actor("literal:" + _strip_article(name), name, "person")
    )
    pattern = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
    added = [
        Mention(actor.key, m.start(), m.end(), "name")
        for m in re.finditer(pattern, text, flags=re.I)
    ]
    if not added:
        return detection, actor.key
    kept = [
        m for m in detection.mentions if all(m.end <= a.start or m.start >= a.end for a in added)
    ]
    mentions = sorted([*kept, *added], key=lambda m: m.start)
    order = list(dict.fromkeys(m.key for m in mentions))
    actors = {a.key: a for a in [*detection.actors, actor]}
    return Detection([actors[k] for k in order], mentions), actor.key


def masked_passage(detector: ActorDetector, text: str, name: str) -> str:
    """A labelled passage as the classifier sees it from `name`'s side."""
    detection = detector.detect(text)
    key = find_actor(detector.registry, detection, name)
    if key is None:
        detection, key = add_literal_actor(detector, text, detection, name)
    return StanceModel.target_text(mask(text, 0, len(text), detection.mentions, key))


def office_holders(registry: Registry) -> dict[str, tuple[str, ...]]:
    """Country or organisation id -> the registry people who hold or held an office of it: of
    their country (affiliation) and of the organisations their offices speak for."""
    holders: dict[str, dict[str, None]] = {}
    for actor in registry.actors.values():
        if actor.type != "person" or not actor.offices:
            continue
        for body in (actor.affiliation, *(office.org for office in actor.offices)):
            if body:
                holders.setdefault(body, {})[actor.id] = None
    return {body: tuple(people) for body, people in holders.items()}


def rule_scores(probabilities: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Scores without a trained aggregator: strongest favor and against, weakest none."""
    column = {label: i for i, label in enumerate(labels)}
    strongest = probabilities.max(axis=0)
    raw = {label: float(strongest[column[label]]) for label in labels if label != "none"}
    raw["none"] = float(probabilities[:, column["none"]].min())
    total = sum(raw.values())
    return {label: round(raw[label] / total, 4) for label in labels}


def actor_passages(text: str, detection: Detection) -> dict[str, list[Passage]]:
    """Actor key -> its masked passages."""
    attributor = Attributor.of(text, detection, split_sentences(text))
    by_actor = attributor.sentences_by_actor()
    return {key: attributor.passages(key, indices) for key, indices in by_actor.items()}


def actor_features(
    probabilities: np.ndarray,
    labels: list[str],
    actor_type: str,
    registered: bool,
    mentions: int,
    officials: np.ndarray | None = None,
    profile: np.ndarray | None = None,
) -> np.ndarray:
    """What the article-level aggregator reads about one actor and its passages."""
    order = [labels.index(label) for label in LABELS]
    ordered = probabilities[:, order]
    counts = [np.log1p(len(ordered)), np.log1p(mentions), float(registered)]
    kinds = [float(actor_type == kind) for kind in ACTOR_TYPES_ORDER]
    # A government's line is often given by its ministers only; the aggregator learns how far
    # their passages speak for the country, and for an organisation, separately.
    voices = np.zeros(len(LABELS) + 1)
    if officials is not None:
        voices = np.concatenate([officials[:, order].max(0), [1.0]])
    spoken_for = [voices * float(actor_type == kind) for kind in ("country", "organization")]
    # The latest stated position wins, so the aggregator sees the last passages.
    stances = ordered[:, [LABELS.index(stance) for stance in STANCES]]
    sure = ordered[stances.max(axis=1) >= SURE_PASSAGE]
    last_sure = sure[-1] if len(sure) else np.zeros(len(LABELS))
    # The profile classifier reads all the passages at once, trained on article-level stances.
    whole = profile[order] if profile is not None else np.zeros(0)
    return np.concatenate(
        [
            ordered.max(0),
            ordered.mean(0),
            ordered.min(0),
            voices,
            counts,
            kinds,
            *spoken_for,
            last_sure,
            ordered[-1],
            whole,
        ]
    )


@dataclass(slots=True)
class ActorAnalysis:
    """One actor's passages and their class probabilities, before aggregation."""

    name: str
    key: str
    actor: Actor | None
    passages: list[Passage]
    probabilities: np.ndarray | None
    mentions: list[Span]
    officials: np.ndarray | None = None  # passage probabilities of its office-holders, if any
    profile: np.ndarray | None = None  # the profile classifier's probabilities, if it has one

    def features(self, labels: list[str], registered: bool) -> np.ndarray:
        """The aggregator's input for this actor."""
        kind = self.actor.type if self.actor else "person"
        return actor_features(
            self.probabilities,
            labels,
            kind,
            registered,
            len(self.mentions),
            self.officials,
            self.profile,
        )


class StanceModel:
    """A trained classifier with the registry: predicts every actor's stance in an article."""

    def __init__(
        self,
        classifier,
        registry: Registry,
        manifest: dict,
        masked: bool = True,
        aggregator=None,
        profile_classifier=None,
    ) -> None:
        self.classifier = classifier
        self.aggregator = aggregator
        # Reads an actor's profile through the passage classifier's features.
        self.profile_classifier = profile_classifier
        self.manifest = manifest
        self.version = str(manifest.get("version", "unknown"))
        self.labels = [str(label) for label in classifier.classes_]
        if profile_classifier is not None and list(profile_classifier.classes_) != self.labels:
            raise ValueError("the profile classifier's labels differ from the classifier's")
        self.detector = ActorDetector(registry)
        self.masked = masked
        self.office_holders = office_holders(registry)

    def predict(self, text: str, actors: list[str] | None = None) -> ArticleStances:
        """Each actor's stance, confidence, mentions and evidence in `text`."""
        analyses = self.analyse(text, actors)
        scores = self.actor_scores(analyses)
        return ArticleStances(
            [self._actor_stance(text, a, s) for a, s in zip(analyses, scores, strict=True)]
        )

    def analyse(self, text: str, actors: list[str] | None = None) -> list[ActorAnalysis]:
        """Every actor's (or each requested actor's) passages, classified."""
        detection = self.detector.detect(text)
        wanted: list[tuple[str, str]] = []
        for name in actors or []:
            key = find_actor(self.detector.registry, detection, name)
            if key is None:
                detection, key = add_literal_actor(self.detector, text, detection, name)
            wanted.append((name, key))
        passages = actor_passages(text, detection)
        if actors is None:
            return self.analyse_found(text, detection, passages)
        probabilities, profiles = self._classify(text, passages)
        return self.analyses(text, detection, wanted, passages, probabilities, profiles)

    def analyse_found(
        self, text: str, detection: Detection, passages: dict[str, list[Passage]]
    ) -> list[ActorAnalysis]:
        """Every detected actor, classified from passages already attributed."""
        probabilities, profiles = self._classify(text, passages)
        chosen = [(a.name, a.key) for a in detection.actors]
        return self.analyses(text, detection, chosen, passages, probabilities, profiles)

    def analyses(
        self,
        text: str,
        detection: Detection,
        chosen: list[tuple[str, str]],
        passages: dict[str, list[Passage]],
        probabilities: dict[str, np.ndarray],
        profiles: dict[str, np.ndarray] | None = None,
    ) -> list[ActorAnalysis]:
        """The chosen (name, key) actors with their passages, probabilities and mentions."""
        profiles = profiles or {}
        mentions = self._mentions_by_actor(text, detection)
        known = {actor.key: actor for actor in detection.actors}
        return [
            ActorAnalysis(
                name,
                key,
                known.get(key),
                passages.get(key, []),
                probabilities.get(key),
                mentions.get(key, []),
                self._officials(key, probabilities),
                profiles.get(key),
            )
            for name, key in chosen
        ]

    def _officials(self, key: str, probabilities: dict[str, np.ndarray]) -> np.ndarray | None:
        """The passage probabilities of an actor's office-holders named in the article."""
        found = [probabilities[p] for p in self.office_holders.get(key, ()) if p in probabilities]
        return np.vstack(found) if found else None

    def actor_scores(self, analyses: list[ActorAnalysis]) -> list[dict[str, float] | None]:
        """Article-level scores per actor (None without passages), in one aggregator call."""
        scored = [i for i, a in enumerate(analyses) if a.probabilities is not None and a.passages]
        result: list[dict[str, float] | None] = [None] * len(analyses)
        if self.aggregator is None:
            for i in scored:
                result[i] = rule_scores(analyses[i].probabilities, self.labels)
            return result
        if not scored:
            return result
        registry = self.detector.registry.actors
        rows = np.vstack(
            [analyses[i].features(self.labels, analyses[i].key in registry) for i in scored]
        )
        classes = [str(label) for label in self.aggregator.classes_]
        for i, row in zip(scored, self.aggregator.predict_proba(rows), strict=True):
            result[i] = {label: round(float(v), 4) for label, v in zip(classes, row, strict=True)}
        return result

    def _classify(
        self, text: str, passages: dict[str, list[Passage]]
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Class probabilities of every actor's passages, and of its profile (its passages read
        as one document) when the model has a profile classifier."""
        grouped, inputs = self.classifier_inputs(text, passages)
        if not inputs:
            return {}, {}
        if self.profile_classifier is None:
            return self.by_actor(grouped, self.classifier.predict_proba(inputs), None)
        features, profiles = texts_and_groups_features(
            self.classifier.named_steps["features"], inputs, list(grouped.values())
        )
        return self.by_actor(
            grouped,
            self.classifier[-1].predict_proba(features),
            self.profile_classifier.predict_proba(profiles),
        )

    def classifier_inputs(
        self, text: str, passages: dict[str, list[Passage]]
    ) -> tuple[dict[str, list[int]], list[str]]:
        """Actor key -> indices of its passages' inputs, and the inputs."""
        grouped: dict[str, list[int]] = {}
        inputs: list[str] = []
        for key, group in passages.items():
            for passage in group:
                grouped.setdefault(key, []).append(len(inputs))
                inputs.append(self._classifier_text(text, passage))
        return grouped, inputs

    @staticmethod
    def by_actor(
        grouped: dict[str, list[int]], rows: np.ndarray, profile_rows: np.ndarray | None
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Passage and profile probabilities regrouped by actor key."""
        probabilities = {key: rows[indices] for key, indices in grouped.items()}
        if profile_rows is None:
            return probabilities, {}
        return probabilities, dict(zip(grouped, profile_rows, strict=True))

    def _classifier_text(self, text: str, passage: Passage) -> str:
        """What the classifier reads for a passage: masked for its actor, or the raw text."""
        if not self.masked:
            return text[passage.start : passage.end]
        return self.target_text(passage.masked)

    @staticmethod
    def target_text(masked: str) -> str:
        """A masked passage that names its target; quoted speech alone gets the speaker first."""
        return masked if TARGET in masked else f"{TARGET}: {masked}"

    @staticmethod
    def _mentions_by_actor(text: str, detection: Detection) -> dict[str, list[Span]]:
        """Actor key -> its mentions as spans of the input."""
        spans: dict[str, list[Span]] = {}
        for mention in detection.mentions:
            spans.setdefault(mention.key, []).append(
                Span(text[mention.start : mention.end], mention.start, mention.end)
            )
        return spans

    def _actor_stance(
        self, text: str, analysis: ActorAnalysis, scores: dict[str, float] | None
    ) -> ActorStance:
        """One actor's stance from its passages; `none` with no evidence when it is absent."""
        kind = analysis.actor.type if analysis.actor else self._type_of(analysis.name)
        base = (analysis.name, kind)
        if scores is None:
            scores = {label: (1.0 if label == "none" else 0.0) for label in self.labels}
            return ActorStance(*base, "none", 1.0, scores, analysis.mentions, [], analysis.key)
        stance = max(scores, key=scores.get)
        evidence = self._evidence(text, analysis.passages, analysis.probabilities, stance)
        return ActorStance(
            *base, stance, scores[stance], scores, analysis.mentions, evidence, analysis.key
        )

    def _type_of(self, name: str) -> str:
        """The registry type of a requested actor that the text does not mention."""
        resolved = self.detector.registry.resolve(name)
        return self.detector.registry.actors[resolved].type if resolved else "person"

    def _evidence(
        self, text: str, passages: list[Passage], probabilities: np.ndarray, stance: str
    ) -> list[Evidence]:
        """The passages that show the stance, surest first (for `none`, the surest none)."""
        column = self.labels.index(stance)
        ranked = np.argsort(-probabilities[:, column], kind="stable")
        chosen = []
        for index in ranked[:MAX_EVIDENCE]:
            passage, row = passages[index], probabilities[index]
            verdict = self.labels[int(row.argmax())]
            if stance != "none" and verdict != stance:
                continue
            chosen.append(
                Evidence(
                    text[passage.start : passage.end],
                    passage.start,
                    passage.end,
                    verdict,
                    round(float(row.max()), 4),
                )
            )
        return sorted(chosen, key=lambda e: e.start)
