"""The `sinkmatrix` command: `sinkmatrix doctor` tells what is registered and which cells it makes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sinkmatrix", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    doctor = commands.add_parser("doctor", help="registered CDCs, sinks and profiles, the cells they make, "
                                                "and why a CDC has none")
    doctor.add_argument("--axes", action="append", default=[], metavar="FILE",
                        help="profiles of your own (default: [tool.sinkmatrix] in ./pyproject.toml, or "
                             "./sinkmatrix.toml)")
    doctor.add_argument("--root", type=Path, default=Path.cwd(), help="your repository (default: here)")
    args = parser.parse_args(argv)
    from sinkmatrix import doctor as checkup

    report = checkup.examine(args.root, args.axes)
    sys.stdout.write(checkup.render(report))
    return 1 if report.problems else 0
