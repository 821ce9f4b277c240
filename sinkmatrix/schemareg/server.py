"""The registry as a service: bind loopback only (unless allowed), announce the URL, stop on SIGTERM."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import sys

import structlog
from aiohttp import web

from sinkmatrix.schemareg import READY_MARKER
from sinkmatrix.schemareg.api import make_app
from sinkmatrix.schemareg.registry import Registry

log = structlog.get_logger("sinkmatrix.schemareg.server")


class RemoteBindRefused(Exception):
    """The host to bind is not a loopback address and remote serving was not asked for."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        super().__init__(
            f"refusing to serve on {host} ({', '.join(addresses)}): not a loopback address. "
            "The registry has no authentication; pass --allow-remote to serve other hosts anyway."
        )


class BindFailed(Exception):
    """The address could not be bound (in use, unknown host)."""


def configure_logging(level: str) -> None:
    """JSON lines on stderr, filtered at `level`; stdout carries only the readiness line."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )


def bind_address(host: str, *, allow_remote: bool) -> str:
    """The one IP address to bind for `host`; RemoteBindRefused if it is not loopback and not allowed."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BindFailed(f"cannot resolve {host!r} ({exc}); pass an IP address such as 127.0.0.1") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    loopback = all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    if not (loopback or allow_remote):
        raise RemoteBindRefused(host, addresses)
    # one address, so port 0 gives one port and one URL
    return addresses[0]


def url_for(address: str, port: int) -> str:
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"


async def serve(registry: Registry, address: str, port: int) -> None:
    """Serve until SIGTERM or SIGINT, announcing the URL on stdout once connections are accepted."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(make_app(registry), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, address, port).start()
        except OSError as exc:
            raise BindFailed(f"cannot bind {address}:{port} ({exc}); pick another --port or 0") from exc
        url = url_for(address, int(runner.addresses[0][1]))
        print(f"{READY_MARKER}{url}", flush=True)
        log.info("listening", url=url)
        await stop.wait()
        log.info("stopping")
    finally:
        await runner.cleanup()
