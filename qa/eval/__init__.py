"""Evaluation: gold questions, scoring, the runner, the baseline and the report."""
