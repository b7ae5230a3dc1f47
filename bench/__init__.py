"""Benchmarks of stancewatch's speed and cost: `make bench` (`python -m bench.run`)."""
