"""The HTML evaluation report, built from a tiny hand-made evaluate() result."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from training.report import FREQUENT_MIN, expected_calibration_error, write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _scores(f_avg: float) -> dict:
    """Label scores of the shape training.metrics.label_scores returns."""
    label = {"precision": 0.5, "recall": 0.5, "f1": f_avg, "support": 2}
    return {
        "labels": {name: dict(label) for name in ("favor", "against", "none")},
        "macro_f1": f_avg,
        "f_avg": f_avg,
        "n": 6,
    }


def _decision(gold: str, predicted: str, confidence: float | None, kind: str, seen: int) -> dict:
    """One per-actor decision record."""
    return {
        "article": "t-1",
        "actor": "Somebody",
        "actor_id": "somebody",
        "type": kind,
        "gold": gold,
        "predicted": predicted,
        "found": confidence is not None,
        "confidence": confidence,
        "training_articles": seen,
    }


def fake_report() -> dict:
    """A report with every key evaluate() writes, small enough to check by eye."""
    return {
        "model_version": "9.9.9",
        "articles": {
            "model": {**_scores(0.61), "required_actor_recall": 0.9},
            "unmasked": _scores(0.52),
            "majority": _scores(0.23),
        },
        "passages": {"model": _scores(0.7), "majority": _scores(0.2)},
        "learning_curve": [
            {"fraction": 0.5, "examples": 10, "f_avg": 0.4},
            {"fraction": 1.0, "examples": 20, "f_avg": 0.6},
        ],
        "most_confident_errors": [
            {
                "article": "t-1",
                "actor": "Mallory",
                "gold": "against",
                "predicted": "favor",
                "confidence": 0.93,
                "evidence": ["Mallory said <script>alert(1)</script> loudly."],
            }
        ],
        "decisions": [
            _decision("favor", "favor", 0.9, "person", FREQUENT_MIN),
            _decision("against", "favor", 0.8, "person", 0),
            _decision("against", "against", 0.7, "country", 1),
            _decision("none", "none", 0.95, "country", FREQUENT_MIN + 3),
            _decision("favor", "none", None, "unknown", 0),
            _decision("none", "against", 0.55, "organization", 2),
        ],
    }


def _images(page: str) -> list[bytes]:
    """The decoded bytes of every embedded image."""
    return [
        base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    ]


def test_report_has_every_section_with_embedded_plots(tmp_path: Path) -> None:
    path = write_report(fake_report(), tmp_path / "sub" / "evaluation.html")
    page = path.read_text(encoding="utf-8")

    for section in ("metrics", "confusion", "calibration", "by-type", "by-frequency",
                    "learning-curve", "errors"):  # fmt: skip
        assert f'<h2 id="{section}">' in page
    # confusion matrix, calibration, type bars, frequency bars, learning curve
    images = _images(page)
    assert len(images) == 5
    assert all(image.startswith(PNG_SIGNATURE) for image in images)
    assert "9.9.9" in page and "0.610" in page and "0.230" in page  # model and a baseline
    assert "unseen in training" in page and "frequent (≥ 5 training articles)" in page
    assert "not found (no type)" in page
    # Stands alone: nothing fetched from anywhere.
    assert not re.search(r'(?:src|href)="(?!data:|#)', page)


def test_report_escapes_text_from_the_articles(tmp_path: Path) -> None:
    page = write_report(fake_report(), tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "Mallory said &lt;script&gt;alert(1)&lt;/script&gt; loudly." in page


def test_report_without_decisions_or_curve_says_what_is_missing(tmp_path: Path) -> None:
    report = fake_report()
    del report["decisions"], report["learning_curve"]
    page = write_report(report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert _images(page) == []
    assert page.count("no per-decision records") == 4
    assert "Not computed" in page
    assert "0.610" in page  # the metrics table does not need the decisions


def test_expected_calibration_error_weights_bins_by_decisions() -> None:
    found = [_decision("favor", "favor", 0.9, "person", 0)] * 3
    found += [_decision("favor", "none", 0.9, "person", 0)]
    # One bin: mean confidence 0.9, three of four right.
    assert abs(expected_calibration_error(found) - 0.15) < 1e-9
    assert expected_calibration_error([]) == 0.0
