"""`stancewatch network` on a small result set written by hand: exact nodes and edge weights."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from cli.main import main


def actor(name: str, stance: str, kind: str = "country") -> dict:
    """One actor of a result, with only what the network reads mattering."""
    scores = {"favor": 0.1, "against": 0.1, "none": 0.1, stance: 0.8}
    return {
        "actor": name,
        "type": kind,
        "stance": stance,
        "confidence": 0.8,
        "scores": scores,
        "mentions": [],
        "evidence": [],
    }


RESULTS = [
    # a1: A and B in favor, C against, D without a side.
    {
        "id": "a1",
        "date": "2024-05-02",
        "duplicate_of": None,
        "actors": [
            actor("A", "favor"),
            actor("B", "favor", "person"),
            actor("C", "against"),
            actor("D", "none"),
        ],
    },
    {
        "id": "a2",
        "date": "2024-05-20",
        "duplicate_of": None,
        "actors": [actor("A", "favor"), actor("C", "against")],
    },
    # A syndicated copy of a1 that disagrees: it must change nothing.
    {
        "id": "a1-copy",
        "date": "2024-05-02",
        "duplicate_of": "a1",
        "actors": [actor("A", "against"), actor("C", "favor"), actor("E", "favor")],
    },
    {
        "id": "a3",
        "date": "2024-06-11",
        "duplicate_of": None,
        "actors": [actor("A", "favor"), actor("B", "against", "person"), actor("C", "against")],
    },
    {"id": "a4", "date": None, "duplicate_of": None, "actors": []},
]


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """The hand-written results as `batch` writes them."""
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RESULTS), encoding="utf-8")
    return path


def weights(graph: nx.Graph) -> dict[frozenset, int]:
    """Edges and their weights, direction-free."""
    return {frozenset((a, b)): data["weight"] for a, b, data in graph.edges(data=True)}


def read_edges(path: Path) -> dict[frozenset, int]:
    """An edge-list CSV as edges and weights."""
    with path.open(encoding="utf-8") as stream:
        return {
            frozenset((r["source"], r["target"])): int(r["weight"]) for r in csv.DictReader(stream)
        }


def export(results: Path, out: Path, *options: str) -> None:
    """Run `stancewatch network` and require success."""
    assert main(["network", str(results), "--out", str(out), *options]) == 0


def test_agreement_conflict_and_two_mode_weights(results: Path, tmp_path: Path) -> None:
    export(results, tmp_path / "net.graphml")
    agreement = nx.read_graphml(tmp_path / "net.agreement.graphml")
    conflict = nx.read_graphml(tmp_path / "net.conflict.graphml")
    two_mode = nx.read_graphml(tmp_path / "net.two_mode.graphml")
    assert set(agreement.nodes) == set(conflict.nodes) == {"A", "B", "C"}
    assert weights(agreement) == {frozenset("AB"): 1, frozenset("BC"): 1}
    assert weights(conflict) == {frozenset("AC"): 3, frozenset("BC"): 1, frozenset("AB"): 1}
    assert set(two_mode.nodes) == {"A", "B", "C", "favor", "against"}
    assert weights(two_mode) == {
        frozenset({"A", "favor"}): 3,
        frozenset({"B", "favor"}): 1,
        frozenset({"B", "against"}): 1,
        frozenset({"C", "against"}): 3,
    }
    assert dict(agreement.nodes["B"]) == {
        "type": "person",
        "articles": 2,
        "favor": 1,
        "against": 1,
        "position": 0.0,
    }


def test_gexf_and_csv_hold_the_same_edges(results: Path, tmp_path: Path) -> None:
    export(results, tmp_path / "net")
    for name in ("two_mode", "agreement", "conflict"):
        graphml = weights(nx.read_graphml(tmp_path / f"net.{name}.graphml"))
        assert weights(nx.read_gexf(tmp_path / f"net.{name}.gexf")) == graphml
        assert read_edges(tmp_path / f"net.{name}.csv") == graphml


def test_min_articles_drops_actors_and_only_their_edges(results: Path, tmp_path: Path) -> None:
    export(results, tmp_path / "net", "--min-articles", "3")
    conflict = nx.read_graphml(tmp_path / "net.conflict.graphml")
    assert set(conflict.nodes) == {"A", "C"}
    assert weights(conflict) == {frozenset("AC"): 3}
    assert nx.read_graphml(tmp_path / "net.agreement.graphml").number_of_edges() == 0


def test_the_date_window_keeps_only_dated_articles_inside_it(results: Path, tmp_path: Path) -> None:
    export(results, tmp_path / "net", "--since", "2024-05-10", "--until", "2024-06-30")
    assert weights(nx.read_graphml(tmp_path / "net.agreement.graphml")) == {frozenset("BC"): 1}
    conflict = nx.read_graphml(tmp_path / "net.conflict.graphml")
    assert weights(conflict) == {frozenset("AC"): 2, frozenset("AB"): 1}


def test_stance_tables_by_month(results: Path, tmp_path: Path) -> None:
    export(results, tmp_path / "net", "--period", "month")
    with (tmp_path / "net.stances.csv").open(encoding="utf-8") as stream:
        rows = [tuple(row.values()) for row in csv.DictReader(stream)]
    assert rows == [
        ("A", "2024-05", "2", "0", "1.00"),
        ("A", "2024-06", "1", "0", "1.00"),
        ("B", "2024-05", "1", "0", "1.00"),
        ("B", "2024-06", "0", "1", "-1.00"),
        ("C", "2024-05", "0", "2", "-1.00"),
        ("C", "2024-06", "0", "1", "-1.00"),
    ]
    positions = (tmp_path / "net.positions.csv").read_text(encoding="utf-8").splitlines()
    assert positions == ["actor,2024-05,2024-06", "A,1.00,1.00", "B,1.00,-1.00", "C,-1.00,-1.00"]


def test_a_line_that_is_not_a_result_exits_1_naming_it(tmp_path: Path, capsys) -> None:
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(RESULTS[0]) + "\n{broken\n", encoding="utf-8")
    assert main(["network", str(path), "--out", str(tmp_path / "net")]) == 1
    assert f"{path}:2: not a batch result" in capsys.readouterr().err


def test_since_after_until_is_refused(results: Path, tmp_path: Path, capsys) -> None:
    argv = ["network", str(results), "--out", str(tmp_path / "n")]
    assert main([*argv, "--since", "2024-06-01", "--until", "2024-05-01"]) == 1
    assert "is after --until" in capsys.readouterr().err
