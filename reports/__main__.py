"""`python -m reports html|triage|merge ...`: the report tools under one command."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from reports import html, merge, triage

COMMANDS: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "html": (html.main, "html [RUN_DIR]             write index.html and rerun.txt (default reports/latest)"),
    "triage": (triage.main, "triage [RUN_DIR ...]       failures grouped by signature; exit 1 if any"),
    "merge": (merge.main, "merge OUT SHARD_DIR...     combine shard runs into one run dir and report"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in COMMANDS:
        print("usage: python -m reports COMMAND ...\n" + "\n".join(f"  {u}" for _, u in COMMANDS.values()))
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    command, _ = COMMANDS[args[0]]
    return command(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
