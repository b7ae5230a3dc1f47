"""`stancewatch evaluate`: the same code as `make evaluate` (training.evaluate.main)."""

from __future__ import annotations

import argparse

from cli.common import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `evaluate` subcommand; its options are training.evaluate's own."""
    parser = subparsers.add_parser(
        "evaluate",
        help="score the model on the held-out test split and write reports/ (as `make evaluate`)",
        description="Evaluate the model; options are those of `python -m training.evaluate`.",
        add_help=False,
        # No option prefixes: every argument, --help included, goes to training.evaluate unparsed.
        prefix_chars="\0",
    )
    parser.add_argument("forwarded", nargs=argparse.REMAINDER)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Hand the arguments to training.evaluate.main."""
    import model  # deferred: scikit-learn is slow to import
    from training import evaluate
    from training.data import DataError

    try:
        return evaluate.main(args.forwarded)
    except model.ModelLoadError as error:
        raise CommandError(str(error)) from None
    except (OSError, DataError) as error:
        raise CommandError(f"evaluation failed: {error}") from None
