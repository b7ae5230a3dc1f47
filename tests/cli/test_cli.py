"""The `stancewatch` command line, run in-process against the session's trained model."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cli.main import COMMANDS, build_parser, main
from service.app import create_app

ARTICLE = (
    "German Chancellor Olaf Scholz said Germany would not send Taurus missiles. "
    "Poland urged allies to lift the limits on strikes inside Russia.\n"
)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """An article file."""
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _run(capsys, argv: list[str], stdin: str | None = None, monkeypatch=None) -> tuple:
    """Exit code, stdout and stderr of one run."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_predict_prints_a_table_of_the_actors(capsys, model_artifact: Path, article: Path) -> None:
    code, out, err = _run(capsys, ["predict", "--model", str(model_artifact), str(article)])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ACTOR", "TYPE", "STANCE", "CONF", "STRONGEST", "EVIDENCE"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert {"Germany", "Poland"} <= set(rows)
    assert "Poland urged allies" in rows["Poland"]


def test_json_from_stdin_is_the_apis_answer(capsys, monkeypatch, model_artifact: Path) -> None:
    code, out, _ = _run(
        capsys,
        ["predict", "--json", "--model", str(model_artifact), "-"],
        stdin=ARTICLE,
        monkeypatch=monkeypatch,
    )
    client = create_app({"STANCE_MODEL_PATH": str(model_artifact)}).test_client()
    api = client.post("/predict", data=ARTICLE.encode("utf-8"), content_type="text/plain")
    assert code == 0
    assert out.encode("utf-8") == api.get_data()


def test_jsonl_and_several_files_give_the_batch_answer(
    capsys, model_artifact: Path, article: Path, tmp_path: Path
) -> None:
    lines = tmp_path / "docs.jsonl"
    lines.write_text(
        json.dumps({"id": "a", "text": ARTICLE}) + "\n\n" + json.dumps({"id": "b", "text": "x y"}),
        encoding="utf-8",
    )
    code, out, err = _run(capsys, ["predict", "--jsonl", "--json", "--model", str(model_artifact),
                                   str(lines)])  # fmt: skip
    assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
    answer = json.loads(out)
    assert [r["id"] for r in answer["results"]] == ["a", "b"]
    assert answer["results"][1]["actors"] == []

    code, out, _ = _run(
        capsys, ["predict", "--model", str(model_artifact), str(article), str(article)]
    )
    assert code == 0
    assert out.count(f"==> {article} <==") == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("   \n", "text: must not be blank"),
        ('{"id": "a"}\n', ":1: text: field required"),
        ("{not json\n", ":1: malformed JSON"),
    ],
)
def test_bad_input_exits_1_with_one_line(
    capsys, model_artifact: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    flags = ["--jsonl"] if content.strip().startswith("{") else []
    code, out, err = _run(capsys, ["predict", *flags, "--model", str(model_artifact), str(path)])
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("stancewatch: error: ") and message in err


def test_missing_model_or_file_exits_1(capsys, tmp_path: Path, article: Path) -> None:
    code, _, err = _run(capsys, ["predict", "--model", str(tmp_path / "none.joblib"), str(article)])
    assert code == 1 and err.count("\n") == 1 and "none.joblib" in err
    code, _, err = _run(capsys, ["predict", str(tmp_path / "missing.txt")])
    assert code == 1 and "cannot read" in err and "No such file" in err


def test_usage_errors_exit_2(capsys) -> None:
    for argv in ([], ["predict", "--bogus"], ["nonsense"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert "usage: stancewatch" in capsys.readouterr().err


def test_help_lists_every_registered_command(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    names = ["predict", "train", "evaluate", "batch", "network"]
    assert all(f"    {name}" in out for name in names)
    assert len(COMMANDS) == 4  # predict, training (train and evaluate), batch, network
    # train and evaluate hand every argument, --help included, to training's own parser.
    args = build_parser().parse_args(["train", "--quick", "--out", "x.joblib"])
    assert args.forwarded == ["--quick", "--out", "x.joblib"]


def test_evaluate_without_a_model_exits_1(capsys, tmp_path: Path) -> None:
    code, _, err = _run(capsys, ["evaluate", "--artifact", str(tmp_path / "none.joblib")])
    assert code == 1 and "none.joblib" in err


def test_forwarded_help_names_the_stancewatch_command(capsys) -> None:
    for name in ("train", "evaluate"):
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: stancewatch {name} ")
