"""`stancewatch network`: actor networks and stance tables from `stancewatch batch` results."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from archive.periods import PERIODS
from cli.common import CommandError, add_command, positive_int

DESCRIPTION = """\
Build the discourse networks of `stancewatch batch` results (JSON Lines, gzip allowed):

  two_mode   actors and the sides they take (favor, against); weight = articles
  agreement  actors linked when they take the same side in an article; weight = articles
  conflict   actors linked when they take opposite sides in an article; weight = articles

Each is written as GraphML and GEXF (for Gephi) and as a CSV edge list, named from --out:
--out net/may writes net/may.agreement.graphml, net/may.agreement.gexf, net/may.agreement.csv,
... and the actor x period tables net/may.stances.csv (favor and against counts) and
net/may.positions.csv (net position from -1, always against, to 1, always in favor).

Only actors that take a side count; articles flagged as duplicates by `batch --dedupe` are
skipped, so a syndicated story counts once."""


def _day(text: str) -> date:
    """An argparse type: a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `network` subcommand."""
    parser = add_command(
        subparsers,
        "network",
        "export actor networks (GraphML, GEXF, CSV) from batch results",
        DESCRIPTION,
    )
    parser.add_argument("results", nargs="+", type=Path, metavar="RESULTS", help="batch output")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="output name")
    parser.add_argument(
        "--min-articles",
        type=positive_int,
        default=1,
        metavar="N",
        help="keep actors that take a side in at least N articles (default 1)",
    )
    parser.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="first day (inclusive)")
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day (inclusive)")
    parser.add_argument(
        "--period", choices=PERIODS, default="month", help="period of the stance tables (month)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the results, build the networks, write the files and list them."""
    from archive.network import Counts, Filters, NetworkError, build, read_results, write_all

    if args.since and args.until and args.since > args.until:
        raise CommandError(f"--since {args.since} is after --until {args.until}")
    filters = Filters(args.since, args.until, args.min_articles)
    counts = Counts()
    try:
        networks = build(
            read_results(args.results, filters, counts), filters, counts.types, args.period
        )
        written = write_all(networks, args.out)
    except NetworkError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"cannot write {error.filename}: {error.strerror}") from None
    actors = networks.agreement.number_of_nodes()
    print(
        f"{counts.articles} articles ({counts.duplicates} duplicates, "
        f"{counts.outside_window + counts.undated} outside the dates skipped), {actors} actors, "
        f"{networks.agreement.number_of_edges()} agreement and "
        f"{networks.conflict.number_of_edges()} conflict edges",
        file=sys.stderr,
    )
    for path in written:
        print(path)
    return 0
