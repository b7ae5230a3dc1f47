"""Scoring whole news archives on Dask, and the actor networks built from the results."""
