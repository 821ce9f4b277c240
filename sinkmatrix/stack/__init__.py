"""Environments that host a CDC pipeline under test: the embedded backend (local processes)."""
