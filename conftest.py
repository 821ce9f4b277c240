"""Loads the sinkmatrix pytest plugin for this repository's tests."""

pytest_plugins = ["matrix.plugin"]
