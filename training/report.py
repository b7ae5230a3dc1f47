"""The evaluation report as one self-contained HTML page with embedded matplotlib plots.

`write_report(report, path)` takes the dict `training.evaluate.evaluate()` returns. The
confusion matrix, the calibration plot and the breakdowns by actor type and frequency need its
per-decision records (`report["decisions"]`: gold, predicted, confidence, type and
training_articles of every actor decision of the model); without them those sections say so.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import numpy as np
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

from model.config import LABELS
from training.metrics import label_scores

CALIBRATION_BINS = 10
# An actor labelled in at least this many training articles counts as frequent.
FREQUENT_MIN = 5
FREQUENCY_GROUPS: tuple[tuple[str, Callable[[int], bool]], ...] = (
    ("unseen in training", lambda n: n == 0),
    (f"rare (1–{FREQUENT_MIN - 1} training articles)", lambda n: 0 < n < FREQUENT_MIN),
    (f"frequent (≥ {FREQUENT_MIN} training articles)", lambda n: n >= FREQUENT_MIN),
)
# A gold actor the model never found has no type; say why rather than "unknown".
TYPE_NAMES = {"unknown": "not found (no type)"}
SYSTEMS = {
    "model": "the trained model",
    "unmasked": "baseline: same classifier on passages without actor masking",
    "majority": "baseline: the most frequent training label for every passage",
}
# Okabe–Ito blue and vermillion: distinguishable with every common colour-vision deficiency.
BLUE, RED, GREY = "#0072B2", "#D55E00", "#555555"

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stancewatch evaluation — model {{ version }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
       max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
thead th { background: #f0f0f0; }
img { max-width: 100%; height: auto; }
.note { color: #444; }
.scroll { overflow-x: auto; }
</style>
</head>
<body>
<h1>stancewatch evaluation</h1>
<p>Model version <strong>{{ version }}</strong>, written {{ written }}.
{% if decisions %}{{ decisions }} actor decisions on the held-out test articles.{% endif %}</p>
<p class="note">F_avg is the mean F1 of <em>favor</em> and <em>against</em>. At article level
every actor that the gold labels or the model name is one decision; an actor the model missed
counts as predicted <em>none</em>.</p>

<h2 id="metrics">Metrics and baselines</h2>
{% for level in levels %}
<h3>{{ level.title }}</h3>
<div class="scroll"><table>
<thead><tr><th scope="col">system</th><th scope="col">F_avg</th><th scope="col">macro-F1</th>
{% for label in labels %}<th scope="col">F1 {{ label }}</th>{% endfor %}
<th scope="col">required-actor recall</th><th scope="col">n</th></tr></thead>
<tbody>
{% for row in level.rows %}<tr><th scope="row">{{ row.name }}</th>
<td class="num">{{ row.f_avg }}</td><td class="num">{{ row.macro_f1 }}</td>
{% for f1 in row.f1 %}<td class="num">{{ f1 }}</td>{% endfor %}
<td class="num">{{ row.recall }}</td><td class="num">{{ row.n }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endfor %}
<ul class="note">{% for name, text in systems %}<li><strong>{{ name }}</strong>: {{ text }}</li>
{% endfor %}</ul>
{% if per_label %}
<h3>The model per label (articles)</h3>
<table><thead><tr><th scope="col">label</th><th scope="col">precision</th>
<th scope="col">recall</th><th scope="col">F1</th><th scope="col">support</th></tr></thead>
<tbody>{% for row in per_label %}<tr><th scope="row">{{ row[0] }}</th>
{% for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>{% endfor %}
</tbody></table>
{% endif %}

<h2 id="confusion">Confusion matrix</h2>
{% if confusion %}
<img src="data:image/png;base64,{{ confusion }}"
 alt="Confusion matrix of the model's article-level decisions: gold stance by row, predicted
 stance by column; the counts are in the table below.">
<table><caption>Gold (rows) against predicted (columns)</caption>
<thead><tr><th scope="col">gold \\ predicted</th>
{% for label in labels %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>{% for label, row in confusion_rows %}<tr><th scope="row">{{ label }}</th>
{% for n in row %}<td class="num">{{ n }}</td>{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p class="note">{{ missing }}</p>{% endif %}

<h2 id="calibration">Calibration</h2>
{% if calibration %}
<p>Is a confidence of 0.8 right 80% of the time? Each point is one confidence bin of the
{{ calibrated }} decisions on actors the model found; on the diagonal the confidence is
honest. Expected calibration error: <strong>{{ ece }}</strong>.</p>
<img src="data:image/png;base64,{{ calibration }}"
 alt="Calibration plot: share of correct stances against the model's confidence, with the
 number of decisions per confidence bin; the values are in the table below.">
<table><thead><tr><th scope="col">confidence</th><th scope="col">decisions</th>
<th scope="col">mean confidence</th><th scope="col">share correct</th></tr></thead>
<tbody>{% for row in calibration_rows %}<tr>{% for cell in row %}<td class="num">{{ cell }}</td>
{% endfor %}</tr>{% endfor %}</tbody></table>
{% else %}<p class="note">{{ missing }}</p>{% endif %}

<h2 id="by-type">F_avg by actor type</h2>
{% if by_type %}
<img src="data:image/png;base64,{{ by_type }}"
 alt="Bar chart of F_avg by actor type; the values are in the table below.">
{{ group_table(type_rows, "actor type") }}
{% else %}<p class="note">{{ missing }}</p>{% endif %}

<h2 id="by-frequency">F_avg by actor frequency</h2>
{% if by_frequency %}
<p>Frequency is the number of training articles that label the actor.</p>
<img src="data:image/png;base64,{{ by_frequency }}"
 alt="Bar chart of F_avg for actors unseen, rare and frequent in training; the values are
 in the table below.">
{{ group_table(frequency_rows, "actor frequency") }}
{% else %}<p class="note">{{ missing }}</p>{% endif %}

<h2 id="learning-curve">Learning curve</h2>
{% if curve %}
<img src="data:image/png;base64,{{ curve }}"
 alt="Learning curve: test-article F_avg against the share of training stories; the values
 are in the table below.">
<table><thead><tr><th scope="col">training stories</th><th scope="col">examples</th>
<th scope="col">test F_avg</th></tr></thead><tbody>
{% for point in curve_points %}<tr><td class="num">{{ "%.0f%%" % (100 * point.fraction) }}</td>
<td class="num">{{ point.examples }}</td><td class="num">{{ "%.3f" % point.f_avg }}</td></tr>
{% endfor %}</tbody></table>
{% else %}<p class="note">Not computed (evaluate ran with --no-curve).</p>{% endif %}

<h2 id="errors">Most confident errors</h2>
{% if errors %}
<div class="scroll"><table><thead><tr><th scope="col">article</th><th scope="col">actor</th>
<th scope="col">gold</th><th scope="col">predicted</th><th scope="col">confidence</th>
<th scope="col">evidence</th></tr></thead><tbody>
{% for e in errors %}<tr><td>{{ e.article }}</td><td>{{ e.actor }}</td><td>{{ e.gold }}</td>
<td>{{ e.predicted }}</td><td class="num">{{ "%.2f" % e.confidence }}</td>
<td>{{ e.evidence[0] if e.evidence else "—" }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="note">No errors recorded.</p>{% endif %}
</body>
</html>
"""

GROUP_TABLE = """{% macro group_table(rows, title) %}
<table><thead><tr><th scope="col">{{ title }}</th><th scope="col">decisions</th>
<th scope="col">gold favor</th><th scope="col">gold against</th><th scope="col">F_avg</th>
<th scope="col">macro-F1</th></tr></thead><tbody>
{% for row in rows %}<tr><th scope="row">{{ row.group }}</th><td class="num">{{ row.n }}</td>
<td class="num">{{ row.favor }}</td><td class="num">{{ row.against }}</td>
<td class="num">{{ "%.3f" % row.f_avg }}</td><td class="num">{{ "%.3f" % row.macro_f1 }}</td>
</tr>{% endfor %}</tbody></table>
{% endmacro %}"""

MISSING = (
    "This report has no per-decision records (report['decisions']); re-run `make evaluate` "
    "with the current training.evaluate to get this section."
)


def write_report(report: dict, path: Path) -> Path:
    """Write the standalone HTML evaluation report for an `evaluate()` result to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(report), encoding="utf-8")
    return path


def render_report(report: dict) -> str:
    """The report's HTML."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    macros = environment.from_string(GROUP_TABLE).module
    template = environment.from_string(TEMPLATE, globals={"group_table": macros.group_table})
    decisions = report.get("decisions") or []
    context: dict = {
        "version": report.get("model_version", "unknown"),
        "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "decisions": len(decisions),
        "labels": LABELS,
        "levels": score_levels(report),
        "systems": list(SYSTEMS.items()),
        "per_label": per_label_rows(report.get("articles", {}).get("model")),
        "missing": MISSING,
        "errors": report.get("most_confident_errors", []),
        "curve_points": report.get("learning_curve", []),
        "curve": learning_curve_png(report.get("learning_curve", [])),
        **decision_sections(decisions),
    }
    return template.render(context)


def score_levels(report: dict) -> list[dict]:
    """The metrics table rows of each level (articles, passages) that the report scored."""
    titles = {"articles": "Whole articles (actor decisions)", "passages": "Labelled passages"}
    levels = []
    for level, title in titles.items():
        systems = report.get(level) or {}
        rows = [
            {
                "name": name,
                "f_avg": f"{scores['f_avg']:.3f}",
                "macro_f1": f"{scores['macro_f1']:.3f}",
                "f1": [f"{scores['labels'][label]['f1']:.3f}" for label in LABELS],
                "recall": (
                    f"{scores['required_actor_recall']:.3f}"
                    if "required_actor_recall" in scores
                    else "—"
                ),
                "n": scores.get("n", "—"),
            }
            for name, scores in systems.items()
        ]
        if rows:
            levels.append({"title": title, "rows": rows})
    return levels


def per_label_rows(scores: dict | None) -> list[tuple]:
    """Precision, recall, F1 and support of each label for one system."""
    if not scores:
        return []
    return [
        (
            label,
            f"{values['precision']:.3f}",
            f"{values['recall']:.3f}",
            f"{values['f1']:.3f}",
            values["support"],
        )
        for label, values in ((label, scores["labels"][label]) for label in LABELS)
    ]


def decision_sections(decisions: list[dict]) -> dict:
    """Plots and tables built from the per-decision records (empty when there are none)."""
    if not decisions:
        return {"confusion": None, "calibration": None, "by_type": None, "by_frequency": None}
    gold = [d["gold"] for d in decisions]
    predicted = [d["predicted"] for d in decisions]
    matrix = confusion_matrix(gold, predicted, labels=list(LABELS))
    found = [d for d in decisions if d.get("confidence") is not None]
    type_rows = group_scores(decisions, sorted({by_type(d) for d in decisions}), by_type)
    frequency_rows = group_scores(decisions, [g for g, _ in FREQUENCY_GROUPS], by_frequency)
    return {
        "confusion": confusion_png(matrix),
        "confusion_rows": list(zip(LABELS, matrix.tolist(), strict=True)),
        "calibration": calibration_png(found) if found else None,
        "calibration_rows": calibration_rows(found),
        "calibrated": len(found),
        "ece": f"{expected_calibration_error(found):.3f}",
        "by_type": bars_png(type_rows, "actor type"),
        "type_rows": type_rows,
        "by_frequency": bars_png(frequency_rows, "training articles that label the actor"),
        "frequency_rows": frequency_rows,
    }


def by_type(decision: dict) -> str:
    """The group of a decision by actor type."""
    return TYPE_NAMES.get(decision["type"], decision["type"])


def by_frequency(decision: dict) -> str:
    """The group of a decision by how many training articles label its actor."""
    count = int(decision.get("training_articles", 0))
    return next(group for group, test in FREQUENCY_GROUPS if test(count))


def group_scores(decisions: list[dict], groups: list[str], key: Callable[[dict], str]) -> list:
    """F_avg, macro-F1 and gold stance counts of the decisions in each non-empty group."""
    rows = []
    for group in groups:
        chosen = [d for d in decisions if key(d) == group]
        if not chosen:
            continue
        gold = [d["gold"] for d in chosen]
        scores = label_scores(gold, [d["predicted"] for d in chosen])
        rows.append(
            {
                "group": group,
                "n": len(chosen),
                "favor": gold.count("favor"),
                "against": gold.count("against"),
                "f_avg": scores["f_avg"],
                "macro_f1": scores["macro_f1"],
            }
        )
    return rows


def correct_and_confidence(found: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Whether each decision was right, and the confidence it was given."""
    correct = np.array([d["gold"] == d["predicted"] for d in found], dtype=float)
    confidence = np.clip(np.array([float(d["confidence"]) for d in found]), 0.0, 1.0)
    return correct, confidence


def bin_index(confidence: np.ndarray) -> np.ndarray:
    """The equal-width confidence bin of each value (1.0 falls in the last bin)."""
    return np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)


def calibration_rows(found: list[dict]) -> list[tuple]:
    """Per non-empty confidence bin: range, count, mean confidence and share correct."""
    if not found:
        return []
    correct, confidence = correct_and_confidence(found)
    bins = bin_index(confidence)
    rows = []
    for index in range(CALIBRATION_BINS):
        inside = bins == index
        if inside.any():
            low, high = index / CALIBRATION_BINS, (index + 1) / CALIBRATION_BINS
            rows.append(
                (
                    f"{low:.1f}–{high:.1f}",
                    int(inside.sum()),
                    f"{confidence[inside].mean():.2f}",
                    f"{correct[inside].mean():.2f}",
                )
            )
    return rows


def expected_calibration_error(found: list[dict]) -> float:
    """The decision-weighted mean gap between confidence and accuracy over the bins."""
    if not found:
        return 0.0
    correct, confidence = correct_and_confidence(found)
    bins = bin_index(confidence)
    gaps = [
        abs(confidence[bins == i].mean() - correct[bins == i].mean()) * (bins == i).sum()
        for i in range(CALIBRATION_BINS)
        if (bins == i).any()
    ]
    return float(sum(gaps) / len(found))


def png(figure: Figure) -> str:
    """A figure as base64 PNG text for a data: URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def confusion_png(matrix: np.ndarray) -> str:
    """The confusion matrix with counts in each cell."""
    figure = Figure(figsize=(4.6, 3.8))
    axes = figure.subplots()
    ConfusionMatrixDisplay(matrix, display_labels=list(LABELS)).plot(
        ax=axes, cmap="Blues", colorbar=False, values_format="d"
    )
    axes.set_xlabel("predicted stance")
    axes.set_ylabel("gold stance")
    return png(figure)


def calibration_png(found: list[dict]) -> str:
    """Reliability diagram with the number of decisions per confidence bin beneath it."""
    correct, confidence = correct_and_confidence(found)
    figure = Figure(figsize=(5.2, 5.2))
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], linestyle="--", color=GREY, label="perfectly calibrated")
    if len(set(correct.tolist())) > 1:
        accuracy, mean_confidence = calibration_curve(
            correct, confidence, n_bins=CALIBRATION_BINS, strategy="uniform"
        )
    else:  # calibration_curve needs both outcomes; with one, every bin's accuracy is that one
        bins = bin_index(confidence)
        kept = [i for i in range(CALIBRATION_BINS) if (bins == i).any()]
        accuracy = np.array([correct[bins == i].mean() for i in kept])
        mean_confidence = np.array([confidence[bins == i].mean() for i in kept])
    top.plot(mean_confidence, accuracy, marker="o", color=BLUE, label="model")
    top.set_ylabel("share correct")
    top.set_ylim(0, 1.02)
    top.legend(loc="upper left")
    edges = np.linspace(0, 1, CALIBRATION_BINS + 1)
    bottom.hist(confidence, bins=edges, color=BLUE, edgecolor="white")
    bottom.set_xlabel("confidence of the predicted stance")
    bottom.set_ylabel("decisions")
    bottom.set_xlim(0, 1)
    return png(figure)


def bars_png(rows: list[dict], xlabel: str) -> str:
    """Bars of F_avg per group, labelled with the group's number of decisions."""
    figure = Figure(figsize=(6.4, 3.4))
    axes = figure.subplots()
    names = [row["group"].replace(" (", "\n(") for row in rows]
    values = [row["f_avg"] for row in rows]
    bars = axes.bar(names, values, color=BLUE)
    labels = [f"{v:.2f}\nn={row['n']}" for v, row in zip(values, rows, strict=True)]
    axes.bar_label(bars, labels=labels)
    axes.set_ylim(0, 1.15)
    axes.set_ylabel("F_avg")
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="x", labelsize=8)
    return png(figure)


def learning_curve_png(points: list[dict]) -> str | None:
    """Test F_avg against the share of training stories used, or None without a curve."""
    if not points:
        return None
    figure = Figure(figsize=(5.6, 3.4))
    axes = figure.subplots()
    fractions = [100 * p["fraction"] for p in points]
    axes.plot(fractions, [p["f_avg"] for p in points], marker="o", color=RED)
    for fraction, point in zip(fractions, points, strict=True):
        axes.annotate(
            f"{point['examples']} ex.", (fraction, point["f_avg"]), textcoords="offset points",
            xytext=(0, 8), ha="center", fontsize=8,
        )  # fmt: skip
    axes.set_xlabel("training stories used (%)")
    axes.set_ylabel("test-article F_avg")
    axes.set_ylim(0, 1)
    axes.set_xlim(0, 105)
    return png(figure)
