"""Validate the labelled data and print its statistics: `make check-data`."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from model import config
from model.registry import Registry, load_registry
from model.text import fold
from training.data import DataError, parse_object

NEAR_DUPLICATE = 0.92
MAIN_ACTOR_RECORDS = 20
PASSAGE_KEYS = {"id": str, "article_id": str, "text": str, "actor": str, "stance": str}
ARTICLE_KEYS = {"id": str, "text": str, "actors": list}


@dataclass(frozen=True, slots=True)
class Record:
    """One parsed line and where it came from."""

    path: Path
    line: int
    data: dict


@dataclass(slots=True)
class Report:
    """Problems found, each naming the file and line."""

    problems: list[str] = field(default_factory=list)

    def add(self, record: Record | None, message: str, path: Path | None = None) -> None:
        """Note one problem."""
        where = f"{record.path}:{record.line}" if record else str(path)
        self.problems.append(f"{where}: {message}")


def read_records(path: Path, report: Report) -> list[Record]:
    """Parse a JSON Lines file, noting lines that are not JSON objects."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = parse_object(line)
        except DataError as error:
            report.add(Record(path, number, {}), str(error))
            continue
        records.append(Record(path, number, data))
    return records


def check_shape(record: Record, keys: dict[str, type], report: Report) -> bool:
    """Required keys with the right types, and no empty text."""
    for key, kind in keys.items():
        if not isinstance(record.data.get(key), kind):
            report.add(record, f"'{key}' missing or not a {kind.__name__}")
            return False
    if not record.data["text"].strip():
        report.add(record, "empty text")
        return False
    return True


def check_actor(record: Record, name: str, stance: object, registry: Registry, report: Report):
    """A known label, and an actor named in the text or known to the registry."""
    if stance not in config.LABELS:
        report.add(record, f"stance '{stance}' is not one of {list(config.LABELS)}")
    if not isinstance(name, str) or not name.strip():
        report.add(record, "actor missing or empty")
    elif fold(name) not in fold(record.data["text"]) and registry.resolve(name) is None:
        report.add(record, f"actor '{name}' is neither in the text nor in the registry")


def check_passages(records: list[Record], registry: Registry, report: Report) -> None:
    """Every passage record."""
    for record in records:
        if check_shape(record, PASSAGE_KEYS, report):
            check_actor(record, record.data["actor"], record.data["stance"], registry, report)


def check_articles(records: list[Record], registry: Registry, report: Report) -> None:
    """Every article record and its actor list."""
    for record in records:
        if not check_shape(record, ARTICLE_KEYS, report):
            continue
        if not record.data["actors"]:
            report.add(record, "empty actor list")
        names = Counter(fold(item.get("actor", "")) for item in record.data["actors"])
        for name, count in names.items():
            if count > 1:
                report.add(record, f"actor '{name}' listed {count} times")
        for item in record.data["actors"]:
            if not isinstance(item, dict):
                report.add(record, "an actor entry is not an object")
                continue
            check_actor(record, item.get("actor"), item.get("stance"), registry, report)
        check_listed_twice(record, registry, report)


def check_listed_twice(record: Record, registry: Registry, report: Report) -> None:
    """No unregistered actor listed under a phrase that the text only uses inside another
    listed phrase ("Baltic governments" beside "the Nordic and Baltic governments")."""
    text = fold(record.data["text"])
    stances = {
        _without_article(fold(item["actor"])): item.get("stance")
        for item in record.data["actors"]
        if isinstance(item, dict) and isinstance(item.get("actor"), str)
    }
    unregistered = [name for name in stances if registry.resolve(name) is None]
    for short in unregistered:
        # A longer phrase with another stance names another actor ("Republicans on the
        # House Foreign Affairs Committee" beside the committee).
        within = [
            long
            for long, stance in stances.items()
            if long != short and stance == stances[short] and _holds(long, short)
        ]
        if within and not _holds(_blank_out(text, within), short):
            report.add(record, f"actor '{short}' is the same phrase as '{within[0]}': list it once")


def _without_article(name: str) -> str:
    """A folded name without a leading "the"."""
    return name[4:] if name.startswith("the ") else name


def _holds(text: str, phrase: str) -> bool:
    """True when the phrase occurs in the text as whole words."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _blank_out(text: str, phrases: list[str]) -> str:
    """The text with every occurrence of the phrases replaced by a separator."""
    for phrase in phrases:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " | ", text)
    return text


def check_unique_ids(records: list[Record], report: Report) -> None:
    """No id used twice across all files."""
    seen: dict[str, Record] = {}
    for record in records:
        record_id = record.data.get("id")
        if record_id in seen:
            first = seen[record_id]
            report.add(record, f"id '{record_id}' already used at {first.path}:{first.line}")
        seen.setdefault(record_id, record)


def check_overlap(train: list[Record], test: list[Record], report: Report) -> None:
    """No text, and no near-duplicate text, shared between training and test."""
    train_texts = _distinct_texts(train)
    test_texts = _distinct_texts(test)
    known = set(train_texts)
    for text, record in test_texts.items():
        if text in known:
            report.add(record, "text also appears in the training data")
    for a, b, similarity in near_duplicates(train_texts, test_texts):
        report.add(b, f"near-duplicate ({similarity:.2f}) of {a.path}:{a.line}")


def check_near_duplicates(records: list[Record], report: Report) -> None:
    """No two different training texts that are almost the same."""
    texts = _distinct_texts(records)
    for a, b, similarity in near_duplicates(texts, texts):
        if a.line < b.line or a.path != b.path:
            report.add(b, f"near-duplicate ({similarity:.2f}) of {a.path}:{a.line}")


def _distinct_texts(records: list[Record]) -> dict[str, Record]:
    """Each distinct whitespace-normalised text with the first record that holds it."""
    texts: dict[str, Record] = {}
    for record in records:
        text = record.data.get("text")
        if isinstance(text, str):
            texts.setdefault(" ".join(text.split()), record)
    return texts


def near_duplicates(left: dict[str, Record], right: dict[str, Record]):
    """Pairs of different texts whose character-n-gram TF-IDF cosine passes the threshold."""
    if not left or not right:
        return
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectorizer.fit([*left, *right])
    similarity = (vectorizer.transform(list(left)) @ vectorizer.transform(list(right)).T).tocoo()
    left_records, right_records = list(left.values()), list(right.values())
    left_texts, right_texts = list(left), list(right)
    for i, j, value in zip(similarity.row, similarity.col, similarity.data, strict=True):
        if value >= NEAR_DUPLICATE and left_texts[i] != right_texts[j]:
            yield left_records[i], right_records[j], float(value)


def statistics(
    registry: Registry, passages: list[Record], articles: list[Record], tests: list[Record]
) -> str:
    """Label shares, sizes, and how many stances each actor takes across the corpus."""
    labels = Counter(r.data.get("stance") for r in passages)
    total = max(1, sum(labels.values()))
    decisions = [(r.data.get("actor"), r.data.get("stance")) for r in passages] + [
        (item.get("actor"), item.get("stance"))
        for r in articles
        for item in r.data.get("actors", [])
    ]
    stances: dict[str, set] = {}
    records = Counter()
    for name, stance in decisions:
        key = registry.resolve(name or "") or fold(name or "")
        stances.setdefault(key, set()).add(stance)
        records[key] += 1
    # Main actors are the registry's frequent ones; media are left out, as they report and take
    # no side unless it is their own editorial.
    main = [
        key
        for key, count in records.items()
        if count >= MAIN_ACTOR_RECORDS
        and key in registry.actors
        and registry.actors[key].type != "media"
    ]
    single = sorted(key for key in main if len(stances[key]) < 2)
    shares = ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in sorted(labels.items()))
    return "\n".join(
        [
            f"passages: {len(passages)} ({shares})",
            f"training articles: {len(articles)}, test articles: {len(tests)}",
            f"passage groups (article_id): {len({r.data.get('article_id') for r in passages})}",
            f"distinct actors: {len(stances)}; in two or more stances: "
            f"{sum(len(s) >= 2 for s in stances.values())}",
            f"main actors (>= {MAIN_ACTOR_RECORDS} records): {len(main)}; in one stance only: "
            f"{', '.join(single) or 'none'}",
        ]
    )


def check(data_dir: Path = config.DATA_DIR, registry_path: Path | None = None) -> Report:
    """Run every check over the training and test files."""
    report = Report()
    registry = load_registry(registry_path)
    files = {
        "passages": data_dir / "passages.jsonl",
        "articles": data_dir / "articles.jsonl",
        "test_articles": data_dir / "test" / "articles.jsonl",
        "test_passages": data_dir / "test" / "passages.jsonl",
    }
    loaded = {}
    for name, path in files.items():
        if not path.is_file():
            report.add(None, "file missing", path)
            loaded[name] = []
        else:
            loaded[name] = read_records(path, report)
    check_passages(loaded["passages"] + loaded["test_passages"], registry, report)
    check_articles(loaded["articles"] + loaded["test_articles"], registry, report)
    check_unique_ids([r for records in loaded.values() for r in records], report)
    train = loaded["passages"] + loaded["articles"]
    check_near_duplicates(loaded["passages"], report)
    check_overlap(train, loaded["test_articles"] + loaded["test_passages"], report)
    print(statistics(registry, loaded["passages"], loaded["articles"], loaded["test_articles"]))
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: exit 1 and list the problems if any."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=config.DATA_DIR)
    parser.add_argument("--registry", type=Path, default=config.REGISTRY_PATH)
    args = parser.parse_args(argv)
    report = check(args.data, args.registry)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"check-data: {len(report.problems)} problem(s)", file=sys.stderr)
        return 1
    print("check-data: all records valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
