"""In-process latency of `StanceModel.predict`, against one TF-IDF transform of the same text."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bench.corpus import Document
from model import StanceModel


@dataclass(frozen=True)
class Budget:
    """How many timed samples to take per size: at least one pass, then up to a count or time."""

    min_samples: int
    seconds: float


def reference_vectorizer(articles: list[str]) -> TfidfVectorizer:
    """The yardstick: word 1-2-gram TF-IDF fitted on the benchmark corpus."""
    return TfidfVectorizer(ngram_range=(1, 2)).fit(articles)


def _timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds one call takes (CPU time shows how much of the wall was waiting)."""
    started, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - started, time.process_time() - cpu


def sample(
    model: StanceModel, vectorizer: TfidfVectorizer, documents: Sequence[Document], budget: Budget
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predict and transform (wall, CPU) seconds per sample, interleaved, and word counts."""
    model.predict(documents[0].text)  # warm caches and lazy imports outside the clock
    vectorizer.transform([documents[0].text])
    predict, transform, words = [], [], []
    started = time.perf_counter()
    while True:
        for document in documents:
            predict.append(_timed(lambda d=document: model.predict(d.text)))
            transform.append(_timed(lambda d=document: vectorizer.transform([d.text])))
            words.append(document.words)
        spent = time.perf_counter() - started
        if len(predict) >= budget.min_samples or spent >= budget.seconds:
            break
    return np.array(predict), np.array(transform), np.array(words)


def summary(timings: np.ndarray, words: np.ndarray) -> dict[str, float]:
    """Latency percentiles and sequential throughput of one kind of call."""
    seconds, cpu = timings[:, 0], timings[:, 1]
    return {
        "p50_ms": round(float(np.percentile(seconds, 50)) * 1000, 3),
        "p95_ms": round(float(np.percentile(seconds, 95)) * 1000, 3),
        "articles_per_s": round(len(seconds) / float(seconds.sum()), 2),
        "words_per_s": round(float(words.sum()) / float(seconds.sum()), 1),
        "us_per_word_p50": round(float(np.median(seconds / words)) * 1e6, 3),
        "cpu_p50_ms": round(float(np.percentile(cpu, 50)) * 1000, 3),
    }


def measure_size(
    model: StanceModel,
    vectorizer: TfidfVectorizer,
    label: str,
    documents: Sequence[Document],
    budget: Budget,
) -> dict:
    """One row of the in-process table: predict, TF-IDF, and how many times TF-IDF's cost."""
    predict, transform, words = sample(model, vectorizer, documents, budget)
    ours, reference = summary(predict, words), summary(transform, words)
    return {
        "size": label,
        "documents": len(documents),
        "samples": len(predict),
        "mean_words": round(float(words.mean()), 1),
        "predict": ours,
        "tfidf": reference,
        # Cost ratios: how many TF-IDF transforms one predict costs (1.0 is the limit).
        "x_tfidf": {
            "p50": round(ours["p50_ms"] / reference["p50_ms"], 2),
            "p95": round(ours["p95_ms"] / reference["p95_ms"], 2),
            "throughput": round(reference["articles_per_s"] / ours["articles_per_s"], 2),
        },
    }


def scaling(rows: list[dict], short: str = "1000", long: str = "20000") -> dict | None:
    """Time per word on long documents over time per word on short ones (1.0 is linear)."""
    by_size = {row["size"]: row for row in rows}
    if short not in by_size or long not in by_size:
        return None
    per_word = {size: by_size[size]["predict"]["us_per_word_p50"] for size in (short, long)}
    return {
        "short_words": short,
        "long_words": long,
        "short_us_per_word": per_word[short],
        "long_us_per_word": per_word[long],
        "ratio": round(per_word[long] / per_word[short], 2),
    }
