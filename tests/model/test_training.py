"""Training: deterministic, and writes the artifact atomically beside its manifest."""

import json
import subprocess
import sys
from pathlib import Path

from model import config
from training.data import read_jsonl
from training.train import train


def _subset(tmp_path: Path, size: int) -> Path:
    """The first `size` stories of the corpus, as a passages file."""
    records = read_jsonl(config.PASSAGES_PATH)
    stories = list(dict.fromkeys(r["article_id"] for r in records))[:size]
    path = tmp_path / "passages.jsonl"
    chosen = [r for r in records if r["article_id"] in set(stories)]
    path.write_text("".join(json.dumps(r) + "\n" for r in chosen), encoding="utf-8")
    return path


def test_same_data_gives_the_same_model_in_separate_processes(tmp_path: Path) -> None:
    passages = _subset(tmp_path, 60)
    manifests = []
    for run in ("a", "b"):
        out = tmp_path / run / "m.joblib"
        command = [sys.executable, "-m", "training.train", "--quick", "--passages", str(passages)]
        command += ["--articles", str(tmp_path / "none.jsonl"), "--out", str(out)]
        subprocess.run(command, check=True, capture_output=True, cwd=config.ROOT)
        manifests.append(json.loads(config.manifest_path_for(out).read_text()))
    assert manifests[0]["artifact_sha256"] == manifests[1]["artifact_sha256"]
    assert manifests[0]["training_data_sha256"] == manifests[1]["training_data_sha256"]


def test_training_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "models" / "m.joblib"
    train(_subset(tmp_path, 30), tmp_path / "none.jsonl", out, quick=True)
    assert sorted(p.name for p in out.parent.iterdir()) == ["m.joblib", "m.json"]


class _KeywordScorer:
    """A scorer whose favor probability is high for passages that say "lift", else near zero."""

    classes_ = ["against", "favor", "none"]

    def predict_proba(self, texts: list[str]):
        import numpy as np

        return np.array([[0.1, 0.8, 0.1] if "lift" in t else [0.45, 0.05, 0.5] for t in texts])


def test_article_actor_with_several_passages_teaches_its_likeliest_one(detector) -> None:
    from training.train import article_cuts

    text = (
        "Scholz met reporters in Berlin on Monday.\n\n"
        "Later, Scholz said the allies should lift the limits.\n\n"
        "Scholz also spoke about farm subsidies."
    )
    article = {"id": "a1", "text": text, "actors": [{"actor": "Olaf Scholz", "stance": "favor"}]}
    cuts = article_cuts(detector, [article], _KeywordScorer())["a1"]
    assert cuts.labels == ["favor"]
    assert cuts.texts == ["Later, TGTACTOR said the allies should lift the limits."]
    unsure = {**article, "text": text.replace("lift", "review")}
    assert article_cuts(detector, [unsure], _KeywordScorer())["a1"].texts == []


def test_article_actor_whose_only_passage_shows_no_stance_teaches_nothing(detector) -> None:
    from training.train import article_cuts

    # Germany's stance comes from its chancellor; a passage where Berlin shows no stance
    # must not be taught as favor.
    text = "Olaf Scholz said the allies should lift the limits.\n\nBerlin made no comment."
    actors = [{"actor": "Olaf Scholz", "stance": "favor"}, {"actor": "Germany", "stance": "favor"}]
    cuts = article_cuts(detector, [{"id": "a1", "text": text, "actors": actors}], _KeywordScorer())
    assert list(zip(cuts["a1"].texts, cuts["a1"].labels, strict=True)) == [
        ("TGTACTOR said the allies should lift the limits.", "favor")
    ]


def test_every_found_actor_gets_a_profile_labelled_with_its_article_stance(detector) -> None:
    from training.train import article_cuts, profile_examples

    text = (
        "Olaf Scholz said the allies should lift the limits. Scholz repeated it later.\n\n"
        "Berlin made no comment.\n\nNATO ministers met in Brussels."
    )
    actors = [{"actor": "Olaf Scholz", "stance": "favor"}, {"actor": "Germany", "stance": "favor"}]
    cuts = article_cuts(detector, [{"id": "a1", "text": text, "actors": actors}], None)
    profiles, stances = profile_examples(cuts, ["a1"])
    assert list(zip(profiles, stances, strict=True)) == [
        (["TGTACTOR said the allies should lift the limits. TGTACTOR repeated it later."], "favor"),
        (["TGTACTOR made no comment."], "favor"),
        (["TGTACTOR ministers met in Brussels."], "none"),
    ]


def test_a_profile_holds_the_actors_passages_in_order(detector) -> None:
    from training.train import article_cuts, profile_examples

    text = "Scholz spoke first.\n\nThe talks went on.\n\nScholz said the limits should stay."
    article = {"id": "a1", "text": text, "actors": [{"actor": "Olaf Scholz", "stance": "against"}]}
    cuts = article_cuts(detector, [article], None)
    assert profile_examples(cuts, ["a1"]) == (
        [["TGTACTOR spoke first.", "TGTACTOR said the limits should stay."]],
        ["against"],
    )
