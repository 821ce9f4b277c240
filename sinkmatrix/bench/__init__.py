"""Benchmarks of the framework itself, measured side by side with their baselines in one run."""
