"""`stancewatch train`: the same code as `make train` (training.train.main)."""

from __future__ import annotations

import argparse

from cli.common import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand; its options are training.train's own."""
    parser = subparsers.add_parser(
        "train",
        help="fit the stance model and write the artifact (as `make train`)",
        description="Fit the stance model; options are those of `python -m training.train`.",
        add_help=False,
        # No option prefixes: every argument, --help included, goes to training.train unparsed.
        prefix_chars="\0",
    )
    parser.add_argument("forwarded", nargs=argparse.REMAINDER)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Hand the arguments to training.train.main."""
    from model.registry import RegistryError
    from training import train  # deferred: scikit-learn is slow to import
    from training.data import DataError

    try:
        return train.main(args.forwarded)
    except (OSError, DataError, RegistryError) as error:
        raise CommandError(f"training failed: {error}") from None
