"""The data checks: each problem is reported with its file and line."""

import json
from pathlib import Path

from training.check_data import check

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _passage(pid: str, text: str, actor: str = "Poland", stance: str = "favor") -> dict:
    return {"id": pid, "article_id": "g1", "text": text, "actor": actor, "stance": stance}


def test_clean_data_passes(tmp_path: Path, capsys) -> None:
    _write(tmp_path / "passages.jsonl", [_passage("p1", "Poland urged allies to lift the limits.")])
    _write(
        tmp_path / "articles.jsonl",
        [
            {
                "id": "a1",
                "text": "Berlin agreed.",
                "actors": [{"actor": "Germany", "stance": "favor"}],
            }
        ],
    )
    _write(
        tmp_path / "test" / "articles.jsonl",
        [
            {
                "id": "t1",
                "text": "Kyiv asked again.",
                "actors": [{"actor": "Ukraine", "stance": "favor"}],
            }
        ],
    )
    _write(tmp_path / "test" / "passages.jsonl", [_passage("t2", "Rome said no, again.", "Rome")])
    report = check(tmp_path, FIXTURES / "actors.toml")
    assert report.problems == []
    assert "passages: 1 (favor 1 (100%))" in capsys.readouterr().out


def test_each_problem_names_file_and_line(tmp_path: Path) -> None:
    shared = "Poland urged allies to lift the limits on strikes."
    _write(
        tmp_path / "passages.jsonl",
        [
            _passage("p1", shared),
            _passage("p1", "Warsaw again asked allies to act.", "Warsaw", "maybe"),
            _passage("p3", "   "),
            _passage("p4", "Nobody here.", "Atlantis"),
        ],
    )
    _write(tmp_path / "articles.jsonl", [{"id": "a1", "text": "x", "actors": []}])
    _write(tmp_path / "test" / "articles.jsonl", [])
    _write(tmp_path / "test" / "passages.jsonl", [_passage("t1", shared)])
    problems = check(tmp_path, FIXTURES / "actors.toml").problems
    passages, articles = tmp_path / "passages.jsonl", tmp_path / "articles.jsonl"
    test_passages = tmp_path / "test" / "passages.jsonl"
    assert problems == [
        f"{passages}:2: stance 'maybe' is not one of ['favor', 'against', 'none']",
        f"{passages}:3: empty text",
        f"{passages}:4: actor 'Atlantis' is neither in the text nor in the registry",
        f"{articles}:1: empty actor list",
        f"{passages}:2: id 'p1' already used at {passages}:1",
        f"{test_passages}:1: text also appears in the training data",
    ]


def test_an_actor_listed_twice_under_one_phrase_is_reported(tmp_path: Path) -> None:
    text = (
        "The Nordic and Baltic governments urged allies to act. Republicans on the House "
        "Foreign Affairs Committee agreed; the committee itself took no vote."
    )
    actors = [
        {"actor": "Nordic and Baltic governments", "stance": "favor"},
        {"actor": "Baltic governments", "stance": "favor"},
        {"actor": "Republicans on the House Foreign Affairs Committee", "stance": "favor"},
        {"actor": "House Foreign Affairs Committee", "stance": "none"},
    ]
    _write(tmp_path / "passages.jsonl", [])
    _write(tmp_path / "articles.jsonl", [{"id": "a1", "text": text, "actors": actors}])
    _write(tmp_path / "test" / "articles.jsonl", [])
    _write(tmp_path / "test" / "passages.jsonl", [])
    articles = tmp_path / "articles.jsonl"
    assert check(tmp_path, FIXTURES / "actors.toml").problems == [
        f"{articles}:1: actor 'baltic governments' is the same phrase as "
        "'nordic and baltic governments': list it once"
    ]
