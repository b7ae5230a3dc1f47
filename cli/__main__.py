"""`python -m cli` runs the `stancewatch` command."""

from cli.main import main

raise SystemExit(main())
