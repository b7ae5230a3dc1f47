"""Score the held-out test split and write reports/evaluation.json: `make evaluate`."""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

import model
from model import config
from model.actors import ActorDetector
from model.features import build_pipeline
from model.predictor import StanceModel
from training.data import read_jsonl
from training.metrics import label_scores, score_articles
from training.train import passage_examples

log = logging.getLogger("stancewatch.evaluate")
MOST_CONFIDENT_ERRORS = 20


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

    def predict_proba(self, texts: list[str]):
        """Probability one for the majority label."""
        import numpy as np

        row = [1.0 if label == self.majority else 0.0 for label in self.classes_]
        return np.array([row] * len(texts))


def passage_scores(classifier, detector: ActorDetector, records: list[dict], masked: bool) -> dict:
    """Passage-level scores of a classifier on labelled passages."""
    texts, labels, _ = passage_examples(detector, records, masked=masked)
    probabilities = classifier.predict_proba(texts)
    classes = list(classifier.classes_)
    return label_scores(labels, [classes[int(row.argmax())] for row in probabilities])


def evaluate(
    artifact: Path | None = None,
    test_articles: Path = config.TEST_ARTICLES_PATH,
    test_passages: Path = config.TEST_PASSAGES_PATH,
    report_path: Path = config.REPORTS_DIR / "evaluation.json",
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
        scores, errors = score_articles(system, articles)
        report["articles"][name] = scores
        if name == "model":
            report["most_confident_errors"] = errors[:MOST_CONFIDENT_ERRORS]
        if passages:
            report["passages"][name] = passage_scores(
                system.classifier, stance_model.detector, passages, masked=system.masked
            )
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
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
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artifact", type=Path, default=None)
    parser.add_argument("--articles", type=Path, default=config.TEST_ARTICLES_PATH)
    parser.add_argument("--passages", type=Path, default=config.TEST_PASSAGES_PATH)
    parser.add_argument("--report", type=Path, default=config.REPORTS_DIR / "evaluation.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    report = evaluate(args.artifact, args.articles, args.passages, args.report)
    print(format_table(report))
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
