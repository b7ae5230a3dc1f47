"""The benchmark at its smallest setting: it runs end to end and writes every section.

Timings are never asserted here; they belong to `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from model.config import TEST_ARTICLES_PATH, manifest_path_for

ROOT = Path(__file__).resolve().parents[2]
STAGES = {"text", "actors", "attribution", "features", "classifier", "aggregation"}
TARGETS = {
    "predict_x_tfidf_median",
    "p95_ms_1000_words",
    "served_per_core_x_in_process",
    "scaling_ratio",
    "worker_peak_rss_mb",
    "training_s",
}


def _test_articles() -> int:
    """How many test articles the corpus holds."""
    lines = TEST_ARTICLES_PATH.read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip())


def test_smallest_bench_writes_every_section(model_artifact: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    command = [sys.executable, "-m", "bench.run", "--smallest", "--artifact", str(model_artifact)]
    done = subprocess.run(
        [*command, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Targets" in done.stdout
    results = json.loads(out.read_text(encoding="utf-8"))

    rows = {row["size"]: row for row in results["in_process"]}
    assert set(rows) == {"articles", "200"}
    assert rows["articles"]["documents"] == results["corpus"]["articles"] == _test_articles()
    for row in rows.values():
        assert row["samples"] >= row["documents"] >= 1
        for kind in ("predict", "tfidf"):
            assert set(row[kind]) == {
                "p50_ms", "p95_ms", "articles_per_s", "words_per_s", "us_per_word_p50", "cpu_p50_ms"
            }  # fmt: skip
            assert all(value > 0 for value in row[kind].values())
        assert set(row["x_tfidf"]) == {"p50", "p95", "throughput"}
    assert 150 <= rows["200"]["mean_words"] < 400
    assert results["scaling"] is None  # one length only: nothing to compare

    for profile in results["profile"]:
        assert set(profile["stages_ms"]) == set(profile["shares"]) == STAGES
        assert profile["matches_predict"] is True
        assert profile["feature_parts_ms"]  # the feature union's parts, whatever they are
        assert profile["passages_per_document"] > 0

    served = results["served"]
    assert served["workers"] == 2
    assert served["requests"] == served["ok"] == 6
    assert served["statuses"] == {"200": 6}
    assert len(served["worker_peak_rss_mb"]) == 2
    assert all(mb > 0 for mb in served["worker_peak_rss_mb"].values())

    cost = results["cost"]
    assert cost["artifact_bytes"] == model_artifact.stat().st_size
    assert cost["training"]["source"] == "manifest"  # the smallest run never trains
    assert (
        cost["training"]["seconds"]
        == json.loads(manifest_path_for(model_artifact).read_text(encoding="utf-8"))[
            "training_seconds"
        ]
    )
    assert {goal["name"] for goal in results["targets"]} == TARGETS
    unmeasured = {goal["name"] for goal in results["targets"] if goal["measured"] is None}
    assert unmeasured == {"p95_ms_1000_words", "scaling_ratio", "training_s"}
