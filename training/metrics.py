"""Passage- and article-level scores: per-label P/R/F1, macro-F1, F_avg and actor recall."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sklearn.metrics import precision_recall_fscore_support

from model.config import LABELS, STANCES
from model.predictor import ArticleStances, _strip_article
from model.registry import Registry


def label_scores(gold: list[str], predicted: list[str]) -> dict:
    """Precision, recall and F1 per label, macro-F1 and F_avg (mean F1 of favor and against)."""
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(LABELS), zero_division=0
    )
    per_label = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support, strict=True)
    }
    return {
        "labels": per_label,
        "macro_f1": round(float(f1.mean()), 4),
        "f_avg": round(sum(per_label[s]["f1"] for s in STANCES) / len(STANCES), 4),
        "n": len(gold),
    }


def gold_stances(registry: Registry, article: dict, found: dict[str, str]) -> dict[str, str]:
    """Actor key -> gold stance, with keys as the detector made them (`found`: key -> name)."""
    by_name = {_strip_article(name): key for key, name in found.items()}
    by_name.update({key.split(":", 1)[-1]: key for key in found if ":" in key})
    named = {_strip_article(item["actor"]) for item in article["actors"]}
    groups = [
        key for key in found if key.startswith("group:") and key.removeprefix("group:") not in named
    ]
    gold = {}
    for item in article["actors"]:
        name = _strip_article(item["actor"])
        key = registry.resolve(item["actor"]) or by_name.get(name) or _group_key(name, groups)
        gold[key] = item["stance"]
    return gold


def _group_key(name: str, groups: list[str]) -> str:
    """The one detected group whose phrase holds the gold phrase or lies within it, else a
    key of its own: writers name a camp by part of its phrase ("Baltic governments" for "the
    Nordic and Baltic governments")."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    matches = [
        key
        for key in groups
        if pattern.search(phrase := key.removeprefix("group:"))
        or re.search(rf"\b{re.escape(phrase)}\b", name)
    ]
    return matches[0] if len(matches) == 1 else "gold:" + name


def actor_id(registry: Registry, name: str) -> str:
    """An actor's registry id, else its folded name without a leading article."""
    return registry.resolve(name) or _strip_article(name)


def actor_frequencies(registry: Registry, passages: list[dict], articles: list[dict]) -> Counter:
    """Actor id -> how many training articles label that actor."""
    labelled = {(r["article_id"], actor_id(registry, r["actor"])) for r in passages}
    labelled |= {(a["id"], actor_id(registry, i["actor"])) for a in articles for i in a["actors"]}
    return Counter(actor for _, actor in labelled)


@dataclass(slots=True)
class ArticleTally:
    """Actor decisions collected over articles."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    required: int = 0
    required_found: int = 0
    errors: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)

    def add(self, registry: Registry, article: dict, answer: ArticleStances) -> None:
        """Score one article: every gold or predicted actor is one decision."""
        predicted = {a.key: a for a in answer.actors}
        gold = gold_stances(registry, article, {a.key: a.actor for a in answer.actors})
        for key in dict.fromkeys([*gold, *predicted]):
            truth = gold.get(key, "none")
            guess = predicted[key].stance if key in predicted else "none"
            self.gold.append(truth)
            self.predicted.append(guess)
            self._note_decision(registry, article, key, truth, predicted.get(key))
            if truth != "none":
                self.required += 1
                self.required_found += key in predicted
            if truth != guess:
                self._note_error(article, key, truth, predicted.get(key))

    def _note_decision(
        self, registry: Registry, article: dict, key: str, truth: str, actor
    ) -> None:
        """Keep one decision for the report's confusion matrix, calibration and breakdowns."""
        name = actor.actor if actor else key.split(":", 1)[-1]
        registered = registry.actors.get(key)
        self.decisions.append(
            {
                "article": article["id"],
                "actor": name,
                "actor_id": key if registered else _strip_article(name),
                "type": actor.type if actor else (registered.type if registered else "unknown"),
                "gold": truth,
                "predicted": actor.stance if actor else "none",
                "found": actor is not None,
                # An actor the model did not find has no confidence to calibrate.
                "confidence": actor.confidence if actor else None,
            }
        )

    def _note_error(self, article: dict, key: str, truth: str, actor) -> None:
        """Keep a wrong decision for the error analysis."""
        self.errors.append(
            {
                "article": article["id"],
                "actor": actor.actor if actor else key,
                "gold": truth,
                "predicted": actor.stance if actor else "none (not found)",
                "confidence": actor.confidence if actor else 0.0,
                "evidence": [e.text for e in actor.evidence] if actor else [],
            }
        )

    def sorted_errors(self) -> list[dict]:
        """The wrong decisions, most confident first."""
        return sorted(self.errors, key=lambda e: -e["confidence"])

    def report(self) -> dict:
        """Label scores over the decisions plus required-actor recall."""
        scores = label_scores(self.gold, self.predicted)
        scores["required_actor_recall"] = round(self.required_found / max(1, self.required), 4)
        scores["required_actors"] = self.required
        return scores


def tally_articles(model, articles: list[dict]) -> ArticleTally:
    """Every actor decision of the model on the articles."""
    tally = ArticleTally()
    for article in articles:
        tally.add(model.detector.registry, article, model.predict(article["text"]))
    return tally


def score_articles(model, articles: list[dict]) -> tuple[dict, list[dict]]:
    """Article-level report and the errors, most confident first."""
    tally = tally_articles(model, articles)
    return tally.report(), tally.sorted_errors()
