"""Where `predict` spends its time: its stages called one by one, in `StanceModel.analyse`'s order.

The model code is not instrumented; this replays `analyse` and `predict` with a clock between
the stages and checks that the replay gives exactly what `predict` gives.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import FeatureUnion

from bench.corpus import Document
from model import ArticleStances, StanceModel
from model.attribution import Attributor
from model.features import texts_and_groups_features
from model.text import split_sentences

STAGES = ("text", "actors", "attribution", "features", "classifier", "aggregation")


class _Clock:
    """Adds the time since the last tick to a stage."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(STAGES, 0.0)
        self._last = time.perf_counter()

    def tick(self, stage: str) -> None:
        """Charge the time since the last tick to `stage`."""
        now = time.perf_counter()
        self.spent[stage] += now - self._last
        self._last = now


def staged_predict(model: StanceModel, text: str) -> tuple[ArticleStances, dict[str, float]]:
    """`model.predict(text)` replayed stage by stage; the answer and seconds per stage."""
    clock = _Clock()
    detection = model.detector.detect(text)
    clock.tick("actors")
    sentences = split_sentences(text)
    clock.tick("text")
    attributor = Attributor.of(text, detection, sentences)
    by_actor = attributor.sentences_by_actor()
    passages = {key: attributor.passages(key, indices) for key, indices in by_actor.items()}
    clock.tick("attribution")
    grouped, inputs = model.classifier_inputs(text, passages)
    clock.tick("aggregation")
    probabilities: dict[str, np.ndarray] = {}
    profile_rows: dict[str, np.ndarray] = {}
    if inputs:
        union = model.classifier.named_steps["features"]
        features, profiles = texts_and_groups_features(union, inputs, list(grouped.values()))
        clock.tick("features")
        rows = model.classifier[-1].predict_proba(features)
        whole = None
        if model.profile_classifier is not None:
            whole = model.profile_classifier.predict_proba(profiles)
        probabilities, profile_rows = model.by_actor(grouped, rows, whole)
        clock.tick("classifier")
    chosen = [(actor.name, actor.key) for actor in detection.actors]
    analyses = model.analyses(text, detection, chosen, passages, probabilities, profile_rows)
    scores = model.actor_scores(analyses)
    answer = ArticleStances(
        [model._actor_stance(text, a, s) for a, s in zip(analyses, scores, strict=True)]
    )
    clock.tick("aggregation")
    return answer, clock.spent


def feature_parts(model: StanceModel, texts: list[str]) -> dict[str, float]:
    """Seconds per part of a FeatureUnion (words, chars, …) on the same classifier inputs."""
    union = model.classifier[:-1][-1]
    if not isinstance(union, FeatureUnion) or not texts:
        return {}
    parts = {}
    for name, transformer in union.transformer_list:
        started = time.perf_counter()
        transformer.transform(texts)
        parts[name] = time.perf_counter() - started
    return parts


def classifier_inputs(model: StanceModel, text: str) -> list[str]:
    """What the classifier reads for an article: every actor's masked passages."""
    return [
        model._classifier_text(text, passage)
        for analysis in model.analyse(text)
        for passage in analysis.passages
    ]


def profile_size(
    model: StanceModel, label: str, documents: Sequence[Document], repeats: int
) -> dict:
    """Median seconds per stage over the documents of one size, and what drives them."""
    per_stage: dict[str, list[float]] = {stage: [] for stage in STAGES}
    parts: dict[str, list[float]] = {}
    matches = True
    inputs_chars, text_chars, passages = [], [], []
    for document in documents:
        expected = model.predict(document.text).to_dict()
        inputs = classifier_inputs(model, document.text)
        for _ in range(repeats):
            answer, spent = staged_predict(model, document.text)
            matches = matches and answer.to_dict() == expected
            for stage, seconds in spent.items():
                per_stage[stage].append(seconds / document.words)
            for name, seconds in feature_parts(model, inputs).items():
                parts.setdefault(name, []).append(seconds / document.words)
        passages.append(len(inputs))
        inputs_chars.append(sum(len(i) for i in inputs))
        text_chars.append(len(document.text))
    words = float(np.mean([d.words for d in documents]))
    # Per-word medians scaled to the mean length, so documents of unequal length mix fairly.
    stages_ms = {s: round(float(np.median(v)) * words * 1000, 3) for s, v in per_stage.items()}
    total = sum(stages_ms.values())
    return {
        "size": label,
        "documents": len(documents),
        "repeats": repeats,
        "mean_words": round(words, 1),
        "stages_ms": stages_ms,
        "shares": {s: round(ms / total, 3) if total else 0.0 for s, ms in stages_ms.items()},
        "total_ms": round(total, 3),
        "feature_parts_ms": {
            n: round(float(np.median(v)) * words * 1000, 3) for n, v in parts.items()
        },
        "passages_per_document": round(float(np.mean(passages)), 1),
        # Characters the feature extractors read per character of input text.
        "amplification": round(sum(inputs_chars) / sum(text_chars), 2),
        "matches_predict": matches,
    }
