"""Run the benchmarks, print a table and write bench/results.json: `make bench`.

`python -m bench.run [--smallest] [--artifact PATH] [--out PATH]`
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import sklearn

import model
from bench.corpus import as_documents, documents_of_size, read_articles, word_count
from bench.inprocess import Budget, measure_size, reference_vectorizer, scaling
from bench.profile import profile_size
from bench.served import Load, measure_served
from model import config

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Settings:
    """How much to measure: the full run, or the smallest one the smoke test uses."""

    sizes: tuple[int, ...]
    budget: Budget
    profile_documents: int
    profile_repeats: int
    served_size: int
    load: Load
    time_training: bool  # time a full `train(quick=False)`, else read the manifest's record


FULL = Settings(
    sizes=(200, 1000, 5000, 20000),
    budget=Budget(min_samples=60, seconds=12.0),
    profile_documents=8,
    profile_repeats=3,
    served_size=1000,
    load=Load(workers=2, clients=4, requests=240, seconds=25.0),
    time_training=True,
)
SMALLEST = Settings(
    sizes=(200,),
    budget=Budget(min_samples=1, seconds=0.0),
    profile_documents=2,
    profile_repeats=1,
    served_size=200,
    load=Load(workers=2, clients=2, requests=6, seconds=20.0),
    time_training=False,
)


def obtain_artifact(path: Path | None, stack: ExitStack, quick: bool) -> tuple[Path, dict | None]:
    """The artifact to measure and, if it was trained here, how long that took."""
    if path is not None:
        return path, None
    default = config.default_artifact_path()
    if default.is_file():
        return default, None
    from training.train import train  # only when there is nothing to measure yet

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stancewatch-bench-")))
    artifact = folder / config.ARTIFACT_NAME
    print(f"no artifact at {default}: training one into {folder}", file=sys.stderr)
    return artifact, _timed_training(train, artifact, quick)


def _timed_training(train, artifact: Path, quick: bool) -> dict:
    """Train into `artifact`; the wall time and the mode."""
    started = time.perf_counter()
    train(artifact_path=artifact, quick=quick)
    mode = "quick" if quick else "full"
    return {"seconds": round(time.perf_counter() - started, 1), "mode": mode, "source": "measured"}


def training_cost(manifest: dict, measured: dict | None, time_full: bool) -> dict:
    """Training time: a full run timed here, or the manifest's record of the artifact's training."""
    if measured is not None and (measured["mode"] == "full" or not time_full):
        return measured
    if time_full:
        from training.train import train

        with tempfile.TemporaryDirectory(prefix="stancewatch-bench-") as folder:
            return _timed_training(train, Path(folder) / config.ARTIFACT_NAME, quick=False)
    # The manifest does not say whether the artifact was trained with --quick.
    return {"seconds": manifest.get("training_seconds"), "mode": "unknown", "source": "manifest"}


def targets(results: dict) -> list[dict]:
    """The issue's targets against the measured figures (reported, never enforced)."""
    rows = results["in_process"]
    by_size = {row["size"]: row for row in rows}
    served = results["served"]
    cores = min(served["workers"], os.cpu_count() or 1)
    reference = by_size.get(str(served["size"]))
    per_core = (
        round(served["articles_per_s"] / cores / reference["predict"]["articles_per_s"], 2)
        if reference
        else None
    )
    rss = [v for v in served["worker_peak_rss_mb"].values() if v is not None]
    training = results["cost"]["training"]
    measured = {
        "predict_x_tfidf_median": round(float(np.median([r["x_tfidf"]["p50"] for r in rows])), 2),
        "p95_ms_1000_words": by_size["1000"]["predict"]["p95_ms"] if "1000" in by_size else None,
        "served_per_core_x_in_process": per_core,
        "scaling_ratio": results["scaling"]["ratio"] if results["scaling"] else None,
        "worker_peak_rss_mb": max(rss) if rss else None,
        "training_s": training["seconds"] if training["mode"] == "full" else None,
    }
    goals = {
        "predict_x_tfidf_median": ("<=", 4.0),
        "p95_ms_1000_words": ("<=", 25.0),
        "served_per_core_x_in_process": (">=", 0.6),
        "scaling_ratio": ("<=", 1.5),
        "worker_peak_rss_mb": ("<=", 200.0),
        "training_s": ("<=", 60.0),
    }
    table = []
    for name, (sense, goal) in goals.items():
        value = measured[name]
        met = None if value is None else (value <= goal if sense == "<=" else value >= goal)
        table.append({"name": name, "target": f"{sense} {goal:g}", "measured": value, "met": met})
    return table


def measure(settings: Settings, artifact: Path, trained: dict | None) -> dict:
    """Every benchmark, as one JSON-ready dict."""
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    load_started = time.perf_counter()
    stance_model = model.load(artifact)
    load_seconds = time.perf_counter() - load_started
    articles = read_articles()
    vectorizer = reference_vectorizer(articles)
    corpora = {"articles": as_documents(articles)}
    corpora |= {str(size): documents_of_size(articles, size) for size in settings.sizes}
    in_process = [
        measure_size(stance_model, vectorizer, label, documents, settings.budget)
        for label, documents in corpora.items()
    ]
    profile = [
        profile_size(
            stance_model, label, documents[: settings.profile_documents], settings.profile_repeats
        )
        for label, documents in corpora.items()
    ]
    served = {
        "size": settings.served_size,
        **measure_served(
            artifact, documents_of_size(articles, settings.served_size), settings.load
        ),
    }
    results = {
        "settings": asdict(settings),
        "environment": {
            "python": platform.python_version(),
            "scikit_learn": sklearn.__version__,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # Other processes on the machine slow every wall-clock figure: read them with this.
            "load_average_at_start": list(load_at_start),
            "load_average_at_end": list(os.getloadavg()),
        },
        "corpus": {"articles": len(articles), "words": sum(word_count(a) for a in articles)},
        "model": {"artifact": str(artifact), "version": stance_model.version},
        "in_process": in_process,
        "scaling": scaling(in_process),
        "profile": profile,
        "served": served,
        "cost": {
            "artifact_bytes": artifact.stat().st_size,
            "load_s": round(load_seconds, 3),
            "worker_peak_rss_mb": served["worker_peak_rss_mb"],
            "training": training_cost(stance_model.manifest, trained, settings.time_training),
        },
    }
    results["targets"] = targets(results)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    return results


def _row(cells: list[object], widths: list[int]) -> str:
    """One fixed-width table line."""
    return "  ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True))


def table(results: dict) -> str:
    """The results as the text `make bench` prints."""
    lines = ["In process: StanceModel.predict vs one TfidfVectorizer(1,2).transform (x = ratio)"]
    widths = [8, 7, 7, 9, 9, 9, 9, 9, 10, 7, 7]
    heads = ["size", "words", "samples", "p50 ms", "p95 ms", "cpu ms", "art/s", "words/s"]
    lines.append(_row([*heads, "tfidf ms", "x p50", "x p95"], widths))
    for r in results["in_process"]:
        p = r["predict"]
        cells = [
            r["size"],
            r["mean_words"],
            r["samples"],
            p["p50_ms"],
            p["p95_ms"],
            p["cpu_p50_ms"],
        ]
        cells += [p["articles_per_s"], p["words_per_s"], r["tfidf"]["p50_ms"]]
        lines.append(_row([*cells, r["x_tfidf"]["p50"], r["x_tfidf"]["p95"]], widths))
    if results["scaling"]:
        s = results["scaling"]
        lines.append(
            f"Scaling: {s['long_us_per_word']} us/word at {s['long_words']} words vs "
            f"{s['short_us_per_word']} at {s['short_words']}: ratio {s['ratio']}"
        )
    lines.append("")
    lines.append("Profile of predict (ms per document, share of the total)")
    for p in results["profile"]:
        stages = ", ".join(
            f"{stage} {ms:.1f} ({p['shares'][stage]:.0%})" for stage, ms in p["stages_ms"].items()
        )
        parts = ", ".join(f"{n} {ms:.1f}" for n, ms in p["feature_parts_ms"].items())
        lines.append(f"  {p['size']:>8} words: {stages}")
        lines.append(
            f"  {'':>8}  features by part: {parts}; {p['passages_per_document']} passages, "
            f"amplification {p['amplification']}x, replay matches predict: {p['matches_predict']}"
        )
    v = results["served"]
    lines.append("")
    lines.append(
        f"Served: gunicorn WORKERS={v['workers']}, {v['clients']} clients, {v['requests']} "
        f"requests of {v['mean_words']} words ({v['ok']} ok): {v['articles_per_s']} art/s, "
        f"p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms, p99 {v['p99_ms']} ms, boot {v['boot_s']} s"
    )
    c = results["cost"]
    t = c["training"]
    lines.append(
        f"Cost: worker peak RSS {c['worker_peak_rss_mb']} MB, load {c['load_s']} s, "
        f"artifact {c['artifact_bytes'] / 1e6:.2f} MB, training {t['seconds']} s "
        f"({t['mode']}, {t['source']})"
    )
    e = results["environment"]
    busy = max(e["load_average_at_start"][0], e["load_average_at_end"][0]) > e["cpus"]
    lines.append(
        f"Machine: {e['cpus']} CPUs, load average {e['load_average_at_start'][0]:.2f} at start, "
        f"{e['load_average_at_end'][0]:.2f} at end"
        + (" (above the CPU count: wall times are inflated)" if busy else "")
    )
    lines.append("")
    lines.append("Targets")
    for goal in results["targets"]:
        verdict = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
        measured = str(goal["measured"])
        lines.append(f"  {goal['name']:<30} {goal['target']:>8}  {measured:>8}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smallest", action="store_true", help="one size, few samples (smoke)")
    parser.add_argument("--artifact", type=Path, help="artifact to measure (default: make train's)")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    settings = SMALLEST if args.smallest else FULL
    with ExitStack() as stack:
        artifact, trained = obtain_artifact(args.artifact, stack, quick=not settings.time_training)
        results = measure(settings, artifact, trained)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {args.out} in {results['bench_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
