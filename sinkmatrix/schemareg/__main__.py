"""Entry point: `python -m sinkmatrix.schemareg --host 127.0.0.1 --port 0 [--store FILE]` serves until
SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path

from sinkmatrix.schemareg.errors import StoreError
from sinkmatrix.schemareg.registry import Registry
from sinkmatrix.schemareg.server import BindFailed, RemoteBindRefused, bind_address, configure_logging, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sinkmatrix.schemareg",
        description="An embedded schema registry speaking the Confluent Schema Registry REST API.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (loopback unless --allow-remote)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 lets the kernel pick")
    parser.add_argument("--store", type=Path, help="JSON file that keeps schemas and ids across restarts")
    parser.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.log_level)
    try:
        address = bind_address(args.host, allow_remote=args.allow_remote)
        registry = Registry(args.store)
        gc.freeze()  # what start-up loaded stays: older sweeps and the exit skip it
        asyncio.run(serve(registry, address, args.port))
    except (RemoteBindRefused, BindFailed) as exc:
        print(f"schemareg: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"schemareg: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
