"""Benchmarks: `python -m benchmarks.<name>`; each prints ratios measured in one run."""
