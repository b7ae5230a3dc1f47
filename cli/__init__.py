"""The `stancewatch` command line: predict from files or stdin, train and evaluate."""
