"""`stancewatch train` and `evaluate`: the same code as `make train` and `make evaluate`."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from cli.common import CommandError

# name -> (module whose main() runs it, help line, what to call a failure)
FORWARDED = {
    "train": (
        "training.train",
        "fit the stance model and write the artifact (as `make train`)",
        "training failed",
    ),
    "evaluate": (
        "training.evaluate",
        "score the model on the held-out test split and write reports/ (as `make evaluate`)",
        "evaluation failed",
    ),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `train` and `evaluate`; their options are the training modules' own."""
    for name, (module, help_line, failure) in FORWARDED.items():
        parser = subparsers.add_parser(
            name,
            help=help_line,
            description=f"Options are those of `python -m {module}`.",
            add_help=False,
            # No option prefixes: every argument, --help included, goes to the module unparsed.
            prefix_chars="\0",
        )
        parser.add_argument("forwarded", nargs=argparse.REMAINDER)
        parser.set_defaults(run=_forward(module, failure, f"stancewatch {name}"))


def _forward(module: str, failure: str, prog: str) -> Callable[[argparse.Namespace], int]:
    """A runner that hands the arguments to `module`.main and turns failures into one line."""

    def run(args: argparse.Namespace) -> int:
        """Hand the arguments to the training module's main."""
        # Deferred: scikit-learn is slow to import.
        from model import ModelLoadError
        from model.registry import RegistryError
        from training.data import DataError

        try:
            return importlib.import_module(module).main(args.forwarded, prog=prog)
        except ModelLoadError as error:
            raise CommandError(str(error)) from None
        except (OSError, DataError, RegistryError) as error:
            raise CommandError(f"{failure}: {error}") from None

    return run
