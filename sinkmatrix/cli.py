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
    doctor.add_argument("--check", metavar="CDC", default=None,
                        help="how far this CDC plug-in meets the contract: its members, present and missing, "
                             "and a smoke run on the embedded backend (start, progress, kill, restart, stop)")
    doctor.add_argument("--cell", metavar="ID", default=None, help="--check: the cell of the smoke run")
    doctor.add_argument("--no-smoke", action="store_true", help="--check: the members only, no smoke run")
    args = parser.parse_args(argv)
    if args.check:
        import logging

        import structlog

        from sinkmatrix import conformance

        # the stack's own chatter would bury the report
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

        result = conformance.check(args.check, args.root, args.axes, args.cell, smoke=not args.no_smoke)
        sys.stdout.write(conformance.render(result))
        return 0 if result.ok else 1
    from sinkmatrix import doctor as checkup

    report = checkup.examine(args.root, args.axes)
    sys.stdout.write(checkup.render(report))
    return 1 if report.problems else 0
