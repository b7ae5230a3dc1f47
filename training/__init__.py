"""Fitting and evaluating stancewatch's stance model."""
