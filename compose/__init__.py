"""Compose files for real stacks (one per service family) and the offline images' build contexts
(`images/`); shipped with the package so an installed sinkmatrix starts compose cells the same."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
