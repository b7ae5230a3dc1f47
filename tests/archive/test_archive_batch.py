"""`stancewatch batch` on a local Dask cluster of two worker processes: exactly once, resumable,
the model loaded once per worker, near-duplicates flagged."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ARCHIVE_ARTICLES, COPIED, MALFORMED, Archive
from distributed import Client

from archive.runner import ERRORS_NAME
from archive.scoring import model_loads
from cli.main import main

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def batch_argv(archive: Archive, out: Path, artifact: Path, *options: str) -> list[str]:
    """The batch command line over the whole test archive, with dedupe."""
    inputs = [str(path) for path in archive.inputs]
    return ["batch", *inputs, "--out", str(out), "--model", str(artifact), "--dedupe", *options]


@pytest.fixture(scope="module")
def scored(tmp_path_factory, archive: Archive, model_artifact: Path, dask_cluster: str) -> Path:
    """The output of one uninterrupted run on the shared cluster."""
    out = tmp_path_factory.mktemp("scored") / "results.jsonl"
    assert main([*batch_argv(archive, out, model_artifact), "--scheduler", dask_cluster]) == 0
    return out


def test_every_input_line_ends_in_exactly_one_file(scored: Path, archive: Archive) -> None:
    results = read_jsonl(scored)
    errors = read_jsonl(scored.parent / ERRORS_NAME)
    seen = Counter((r["source"], r["line"]) for r in results + errors)
    assert seen == Counter(archive.expected_items())
    assert len(results) == ARCHIVE_ARTICLES + 1 + 10 + 3
    assert not (scored.parent / "results.jsonl.parts").exists()


def test_malformed_lines_are_reported_with_their_reason(scored: Path, archive: Archive) -> None:
    errors = {(e["source"], e["line"]): e for e in read_jsonl(scored.parent / ERRORS_NAME)}
    source = archive.jsonl.as_posix()
    for offset, (raw, reason) in enumerate(MALFORMED):
        error = errors.pop((source, 16 + offset))
        assert reason in error["reason"]
        assert error["raw"] == raw.decode("utf-8", errors="replace")
    [broken] = errors.values()
    assert broken["source"].endswith("broken.txt") and "UTF-8" in broken["reason"]


def test_results_are_the_models_answers_with_the_fields_carried(
    scored: Path, archive: Archive, stance_model
) -> None:
    results = {r["id"]: r for r in read_jsonl(scored)}
    for article in archive.articles[:3]:
        result = results[article["id"]]
        assert (result["date"], result["outlet"]) == (article["date"], article["outlet"])
        expected = stance_model.predict(article["text"]).to_dict()["actors"]
        assert result["actors"] == json.loads(json.dumps(expected))
    text_id = (archive.folder / "story-0.txt").as_posix()
    assert results[text_id]["actors"] and results[text_id]["date"] is None


def test_syndicated_and_repeated_copies_point_at_the_first_article(
    scored: Path, archive: Archive
) -> None:
    flags = {r["id"]: r["duplicate_of"] for r in read_jsonl(scored)}
    assert flags["wire-copy"] == f"art-{COPIED:02d}"
    assert all(flags[f"gz-{i}"] == f"art-{i:02d}" for i in range(10))
    originals = [a["id"] for a in archive.articles]
    assert all(flags[i] is None for i in originals)
    texts = [(archive.folder / f"story-{i}.txt").as_posix() for i in range(3)]
    assert [flags[t] for t in texts] == [f"art-{20 + i}" for i in range(3)]


def test_the_model_is_loaded_once_per_worker(scored: Path, dask_cluster: str) -> None:
    with Client(dask_cluster) as client:
        loads = client.run(model_loads)
    assert list(loads.values()) == [1, 1]


def test_parquet_has_one_row_per_article_and_actor(
    tmp_path: Path, scored: Path, archive: Archive, model_artifact: Path, dask_cluster: str
) -> None:
    out = tmp_path / "results.parquet"
    argv = [*batch_argv(archive, out, model_artifact), "--format", "parquet", "--chunk-size", "7"]
    assert main([*argv, "--scheduler", dask_cluster]) == 0
    rows = pq.read_table(out).to_pylist()
    expected = [
        (r["id"], a["actor"], a["stance"], r["duplicate_of"])
        for r in read_jsonl(scored)
        for a in r["actors"] or [{"actor": None, "stance": None}]
    ]
    assert [(r["id"], r["actor"], r["stance"], r["duplicate_of"]) for r in rows] == expected
    assert (tmp_path / ERRORS_NAME).read_bytes() == (scored.parent / ERRORS_NAME).read_bytes()


def _run_cli(argv: list[str]) -> subprocess.Popen:
    """`python -m cli ARGV` in its own process group, so the test can kill it and its workers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_a_killed_run_resumes_to_the_same_output(
    tmp_path: Path, scored: Path, archive: Archive, model_artifact: Path, dask_cluster: str
) -> None:
    out = tmp_path / "results.jsonl"
    argv = [*batch_argv(archive, out, model_artifact), "--chunk-size", "1"]
    parts = tmp_path / "results.jsonl.parts"
    process = _run_cli([*argv, "--scheduler", dask_cluster])
    deadline = time.monotonic() + DEADLINE_S
    while not list(parts.glob("part-*.done")) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1].decode()
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the driver dies mid-run, without any cleanup
    process.communicate()
    committed = len(list(parts.glob("part-*.done")))
    assert 0 < committed < len(archive.expected_items()) and not out.exists()

    # Resumed on a new local cluster of two worker processes, as after a crash of the machine.
    resumed = _run_cli([*argv, "--scheduler", "local", "--workers", "2"])
    _, stderr = resumed.communicate(timeout=DEADLINE_S)
    assert resumed.returncode == 0, stderr.decode()
    assert f"resuming: {committed} input items already done" in stderr.decode()
    assert out.read_bytes() == scored.read_bytes()
    assert (tmp_path / ERRORS_NAME).read_bytes() == (scored.parent / ERRORS_NAME).read_bytes()
    assert not parts.exists()


def test_a_resume_with_other_settings_is_refused(
    tmp_path: Path, archive: Archive, model_artifact: Path, dask_cluster: str, capsys
) -> None:
    out = tmp_path / "results.jsonl"
    parts = tmp_path / "results.jsonl.parts"
    parts.mkdir()
    (parts / "state.json").write_text('{"version": 1, "chunk_size": 3}', encoding="utf-8")
    argv = [*batch_argv(archive, out, model_artifact), "--scheduler", dask_cluster]
    assert main(argv) == 1
    assert "was started with another" in capsys.readouterr().err


def test_an_existing_output_is_not_overwritten(
    tmp_path: Path, archive: Archive, model_artifact: Path, dask_cluster: str, capsys
) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    argv = [*batch_argv(archive, out, model_artifact), "--scheduler", dask_cluster]
    assert main(argv) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious\n"


def test_a_missing_input_exits_1_with_one_line(
    tmp_path: Path, model_artifact: Path, dask_cluster: str, capsys
) -> None:
    argv = ["batch", str(tmp_path / "nowhere.jsonl"), "--out", str(tmp_path / "r.jsonl")]
    argv += ["--model", str(model_artifact), "--scheduler", dask_cluster]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "nowhere.jsonl: no such file or folder" in err and len(err.splitlines()) == 1


def test_a_model_missing_on_the_workers_exits_1_before_scoring(
    tmp_path: Path, archive: Archive, dask_cluster: str, capsys
) -> None:
    out = tmp_path / "results.jsonl"
    argv = [*batch_argv(archive, out, tmp_path / "absent.joblib"), "--scheduler", dask_cluster]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "a worker cannot load the model" in err and len(err.splitlines()) == 1
    assert not out.exists() and not (tmp_path / "results.jsonl.parts").exists()
