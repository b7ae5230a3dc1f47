"""Score the held-out test split and write reports/evaluation.json: `make evaluate`."""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

import numpy as np

import model
from model import config
from model.actors import ActorDetector
from model.features import build_pipeline
from model.predictor import StanceModel
from model.registry import Registry
from training.data import read_jsonl
from training.metrics import actor_frequencies, label_scores, score_articles, tally_articles
from training.report import write_report
from training.train import DEFAULT_C, fit_model, passage_examples

log = logging.getLogger("stancewatch.evaluate")
MOST_CONFIDENT_ERRORS = 20
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def unmasked_baseline(stance_model: StanceModel) -> StanceModel:
    """The same pipeline, classifier fitted and applied on passages without masking."""
    records = read_jsonl(config.PASSAGES_PATH)
    c = stance_model.manifest.get("hyperparameters", {}).get("C", 2.0)
    classifier = build_pipeline(c=c, seed=config.SEED).fit(
        [r["text"] for r in records], [r["stance"] for r in records]
    )
    return StanceModel(classifier, stance_model.detector.registry, {}, masked=False)


class MajorityBaseline:
    """Predicts the training set's most frequent passage label for every passage."""

    def __init__(self, labels: list[str]) -> None:
        self.majority = Counter(labels).most_common(1)[0][0]
        self.classes_ = list(config.LABELS)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probability one for the majority label."""
        row = [1.0 if label == self.majority else 0.0 for label in self.classes_]
        return np.array([row] * len(texts))


def passage_scores(classifier, detector: ActorDetector, records: list[dict], masked: bool) -> dict:
    """Passage-level scores of a classifier on labelled passages."""
    texts, labels, _ = passage_examples(detector, records, masked=masked)
    probabilities = classifier.predict_proba(texts)
    classes = list(classifier.classes_)
    return label_scores(labels, [classes[int(row.argmax())] for row in probabilities])


def learning_curve(stance_model: StanceModel, test_articles: list[dict]) -> list[dict]:
    """Test-article F_avg when trained on growing shares of the training stories."""
    detector = stance_model.detector
    records = read_jsonl(config.PASSAGES_PATH)
    articles = read_jsonl(config.ARTICLES_PATH) if config.ARTICLES_PATH.is_file() else []
    stories = sorted({r["article_id"] for r in records} | {a["id"] for a in articles})
    order = np.random.default_rng(config.SEED).permutation(len(stories))
    c = stance_model.manifest.get("hyperparameters", {}).get("C", DEFAULT_C)
    curve = []
    for fraction in CURVE_FRACTIONS:
        chosen = {stories[i] for i in order[: max(2, round(fraction * len(stories)))]}
        sub_records = [r for r in records if r["article_id"] in chosen]
        sub_articles = [a for a in articles if a["id"] in chosen]
        fitted = fit_model(detector, passage_examples(detector, sub_records), sub_articles, c)
        model = StanceModel(
            fitted.classifier,
            detector.registry,
            {},
            aggregator=fitted.aggregator,
            profile_classifier=fitted.profile_classifier,
        )
        scores, _ = score_articles(model, test_articles)
        curve.append(
            {"fraction": fraction, "examples": len(fitted.labels), "f_avg": scores["f_avg"]}
        )
        log.info("learning curve: %.0f%% of stories, F_avg %.3f", 100 * fraction, scores["f_avg"])
    return curve


def with_training_counts(registry: Registry, decisions: list[dict]) -> list[dict]:
    """The decisions, each with how many training articles label its actor."""
    train_articles = read_jsonl(config.ARTICLES_PATH) if config.ARTICLES_PATH.is_file() else []
    counts = actor_frequencies(registry, read_jsonl(config.PASSAGES_PATH), train_articles)
    return [{**d, "training_articles": counts[d["actor_id"]]} for d in decisions]


def evaluate(
    artifact: Path | None = None,
    test_articles: Path = config.TEST_ARTICLES_PATH,
    test_passages: Path = config.TEST_PASSAGES_PATH,
    report_path: Path = config.REPORTS_DIR / "evaluation.json",
    curve: bool = True,
) -> dict:
    """Article- and passage-level scores of the model and its baselines on the test split."""
    stance_model = model.load(artifact)
    articles = read_jsonl(test_articles)
    passages = read_jsonl(test_passages) if Path(test_passages).is_file() else []
    train_labels = [r["stance"] for r in read_jsonl(config.PASSAGES_PATH)]
    majority = StanceModel(
        MajorityBaseline(train_labels), stance_model.detector.registry, {}, masked=True
    )
    unmasked = unmasked_baseline(stance_model)
    systems = {"model": stance_model, "unmasked": unmasked, "majority": majority}
    report: dict = {"model_version": stance_model.version, "articles": {}, "passages": {}}
    for name, system in systems.items():
        tally = tally_articles(system, articles)
        report["articles"][name] = tally.report()
        if name == "model":
            report["most_confident_errors"] = tally.sorted_errors()[:MOST_CONFIDENT_ERRORS]
            report["decisions"] = with_training_counts(system.detector.registry, tally.decisions)
        if passages:
            report["passages"][name] = passage_scores(
                system.classifier, stance_model.detector, passages, masked=system.masked
            )
    if curve:
        report["learning_curve"] = learning_curve(stance_model, articles)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    write_report(report, report_path.with_suffix(".html"))
    return report


def format_table(report: dict) -> str:
    """A plain-text table of the report's headline figures."""
    lines = [
        f"{'system':<10} {'level':<9} {'F_avg':>6} {'macroF1':>8} {'F1 fav':>7} "
        f"{'F1 ag':>6} {'F1 none':>8} {'recall*':>8}"
    ]
    for level in ("articles", "passages"):
        for name, scores in report[level].items():
            f1 = {label: scores["labels"][label]["f1"] for label in config.LABELS}
            recall = scores.get("required_actor_recall")
            lines.append(
                f"{name:<10} {level:<9} {scores['f_avg']:>6.3f} {scores['macro_f1']:>8.3f} "
                f"{f1['favor']:>7.3f} {f1['against']:>6.3f} {f1['none']:>8.3f} "
                f"{'' if recall is None else f'{recall:.3f}':>8}"
            )
    lines.append("* required-actor recall: gold actors with a stance that the model found")
    for point in report.get("learning_curve", []):
        lines.append(
            f"learning curve: {point['fraction']:.0%} of training stories "
            f"({point['examples']} examples) -> test-article F_avg {point['f_avg']:.3f}"
        )
    lines.append(f"most confident errors ({len(report.get('most_confident_errors', []))}):")
    for error in report.get("most_confident_errors", []):
        evidence = (error["evidence"] or [""])[0].replace("\n", " ")[:110]
        lines.append(
            f"  {error['article']} {error['actor']}: gold {error['gold']}, "
            f"predicted {error['predicted']} ({error['confidence']:.2f}) {evidence}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Command-line entry point; `prog` names the command in usage lines."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--artifact", type=Path, default=None)
    parser.add_argument("--articles", type=Path, default=config.TEST_ARTICLES_PATH)
    parser.add_argument("--passages", type=Path, default=config.TEST_PASSAGES_PATH)
    parser.add_argument("--report", type=Path, default=config.REPORTS_DIR / "evaluation.json")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    report = evaluate(args.artifact, args.articles, args.passages, args.report, not args.no_curve)
    print(format_table(report))
    print(f"wrote {args.report} and {args.report.with_suffix('.html')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
