"""Discourse networks from batch results: who sides with whom, who against whom, and when.

Only actors that take a side (favor or against) in an article count; copies flagged by
`batch --dedupe` are skipped, so a syndicated story counts once.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from pathlib import Path
from typing import IO, Any

import networkx as nx

from archive.periods import period_of

SIDES = ("favor", "against")
GRAPHS = ("two_mode", "agreement", "conflict")
EXTENSIONS = ("graphml", "gexf", "csv")
KNOWN_SUFFIXES = {".graphml", ".gexf", ".csv", ".gz"}


class NetworkError(Exception):
    """Results that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Filters:
    """Which articles and actors count: a date window and a minimum number of articles."""

    since: date | None = None
    until: date | None = None
    min_articles: int = 1


@dataclass(frozen=True)
class Article:
    """One scored, non-duplicate article: its date and each siding actor's side."""

    id: str
    date: date | None
    sides: dict[str, str]


@dataclass
class Counts:
    """What was read and left out, for the summary line."""

    articles: int = 0
    duplicates: int = 0
    outside_window: int = 0
    undated: int = 0
    types: dict[str, str] = field(default_factory=dict)


def _open(path: Path) -> IO[str]:
    """A results file as text, gunzipped when it ends in .gz."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def article_date(value: Any) -> date | None:
    """The calendar day of an ISO 8601 date or timestamp, None when absent."""
    return datetime.fromisoformat(value).date() if isinstance(value, str) else None


def read_results(paths: Iterable[Path], filters: Filters, counts: Counts) -> Iterator[Article]:
    """The articles of `batch` result files that pass the date window, duplicates left out."""
    for path in paths:
        try:
            with _open(path) as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                        article = _article(record, counts)
                    except (ValueError, KeyError, TypeError, AttributeError) as error:
                        raise NetworkError(
                            f"{path}:{number}: not a batch result ({error})"
                        ) from None
                    if article is not None and _in_window(article, filters, counts):
                        counts.articles += 1
                        yield article
        except OSError as error:
            raise NetworkError(f"cannot read {path}: {error.strerror or error}") from None


def _article(record: dict, counts: Counts) -> Article | None:
    """A result record as an Article, or None for a flagged duplicate."""
    if record.get("duplicate_of") is not None:
        counts.duplicates += 1
        return None
    sides = {}
    for actor in record["actors"]:
        counts.types.setdefault(actor["actor"], actor["type"])
        if actor["stance"] in SIDES:
            sides[actor["actor"]] = actor["stance"]
    return Article(str(record["id"]), article_date(record.get("date")), sides)


def _in_window(article: Article, filters: Filters, counts: Counts) -> bool:
    """Whether the article falls in the date window (undated ones only when there is none)."""
    if filters.since is None and filters.until is None:
        return True
    if article.date is None:
        counts.undated += 1
        return False
    inside = (filters.since is None or article.date >= filters.since) and (
        filters.until is None or article.date <= filters.until
    )
    if not inside:
        counts.outside_window += 1
    return inside


@dataclass
class Networks:
    """The three graphs and the stance counts per actor and period."""

    two_mode: nx.Graph
    agreement: nx.Graph
    conflict: nx.Graph
    periods: dict[tuple[str, str], Counter]  # (actor, period) -> Counter of sides


def build(
    articles: Iterable[Article], filters: Filters, types: dict[str, str], period: str
) -> Networks:
    """The actor–stance, agreement and conflict networks of the articles, actors filtered.

    Streams: edges are counted for every actor, then actors under --min-articles are dropped
    with their edges, which leaves the other edges' weights as they are.
    """
    two_mode, agreement, conflict = nx.Graph(), nx.Graph(), nx.Graph()
    for side in SIDES:
        two_mode.add_node(side, mode="stance", bipartite=1)
    side_counts: dict[str, Counter] = defaultdict(Counter)
    periods: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for article in articles:
        for actor, side in article.sides.items():
            side_counts[actor][side] += 1
            _add_weight(two_mode, actor, side)
            if article.date is not None:
                periods[(actor, period_of(article.date, period))][side] += 1
        for first, second in combinations(sorted(article.sides), 2):
            same = article.sides[first] == article.sides[second]
            _add_weight(agreement if same else conflict, first, second)
    kept = {a for a, sides in side_counts.items() if sides.total() >= filters.min_articles}
    for actor in sorted(kept):
        attributes = _actor_attributes(actor, types, side_counts[actor])
        for graph in (two_mode, agreement, conflict):
            graph.add_node(actor, **attributes)
        two_mode.nodes[actor].update(mode="actor", bipartite=0)
    dropped = set(side_counts) - kept
    for graph in (two_mode, agreement, conflict):
        graph.remove_nodes_from(dropped)
    periods = {key: sides for key, sides in periods.items() if key[0] in kept}
    return Networks(two_mode, agreement, conflict, periods)


def _add_weight(graph: nx.Graph, first: str, second: str) -> None:
    """Add one article to the weight of an edge."""
    if graph.has_edge(first, second):
        graph[first][second]["weight"] += 1
    else:
        graph.add_edge(first, second, weight=1)


def _actor_attributes(actor: str, types: dict[str, str], sides: Counter) -> dict[str, Any]:
    """An actor node's attributes, for Gephi: type, article counts and net position."""
    favor, against = sides["favor"], sides["against"]
    return {
        "type": types.get(actor, "unknown"),
        "articles": favor + against,
        "favor": favor,
        "against": against,
        "position": round((favor - against) / (favor + against), 4) if favor + against else 0.0,
    }


def output_base(out: Path) -> Path:
    """The common stem of every output file: --out without a known extension."""
    return out.with_suffix("") if out.suffix in KNOWN_SUFFIXES else out


def write_all(networks: Networks, out: Path) -> list[Path]:
    """Write GraphML, GEXF and CSV edge lists of each graph, and the stance tables."""
    base = output_base(out)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name in GRAPHS:
        graph = getattr(networks, name)
        graphml, gexf, edges = (base.with_name(f"{base.name}.{name}.{ext}") for ext in EXTENSIONS)
        nx.write_graphml(graph, graphml)
        nx.write_gexf(graph, gexf)
        _write_edges(graph, edges)
        written += [graphml, gexf, edges]
    written += _write_tables(networks.periods, base)
    return written


def _write_edges(graph: nx.Graph, path: Path) -> None:
    """An edge list, heaviest first: source, target, weight."""
    edges = sorted(
        (tuple(sorted((a, b))) + (data["weight"],) for a, b, data in graph.edges(data=True)),
        key=lambda edge: (-edge[2], edge[0], edge[1]),
    )
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["source", "target", "weight"])
        writer.writerows(edges)


def _write_tables(periods: dict[tuple[str, str], Counter], base: Path) -> list[Path]:
    """The actor × period tables: counts per side (long) and net position (wide)."""
    counts_path = base.with_name(f"{base.name}.stances.csv")
    table_path = base.with_name(f"{base.name}.positions.csv")
    labels = sorted({label for _, label in periods})
    actors = sorted({actor for actor, _ in periods})
    with counts_path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["actor", "period", "favor", "against", "position"])
        for (actor, label), sides in sorted(periods.items()):
            writer.writerow([actor, label, sides["favor"], sides["against"], _position(sides)])
    with table_path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["actor", *labels])
        for actor in actors:
            cells = [
                _position(periods[(actor, p)]) if (actor, p) in periods else "" for p in labels
            ]
            writer.writerow([actor, *cells])
    return [counts_path, table_path]


def _position(sides: Counter) -> str:
    """Net position from -1 (always against) to 1 (always in favor), two decimals."""
    total = sides["favor"] + sides["against"]
    return f"{(sides['favor'] - sides['against']) / total:.2f}"
