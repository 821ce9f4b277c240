"""structlog, configured once per process: JSON lines per worker in the run dir, readable console.

Context (test id, cell, table, phase) is bound with `structlog.contextvars`; every record passes
through a processor that redacts secrets, so a password never reaches a log file.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from typing import Any

import structlog

_SECRET_KEYS = re.compile(r"pass(word|wd)?|secret|token|credential", re.I)
_URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]+:)([^@\s]+)(@)")
REDACTED = "***"


def redact(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\1{REDACTED}\3", value)
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_KEYS.search(str(k)) else redact(v) for k, v in value.items()}
    # a SQLAlchemy URL is a NamedTuple that cannot be rebuilt field by field; where SQLAlchemy is
    # not loaded there is none (and importing it here would cost every process ≈0.3 s)
    url = getattr(sys.modules.get("sqlalchemy.engine.url"), "URL", None)
    if url is not None and isinstance(value, url):
        return value.render_as_string(hide_password=True)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # other NamedTuples: fields by name
        return redact(value._asdict())
    if isinstance(value, list | tuple):
        items = [redact(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def redact_secrets(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: hide values of secret-looking keys and passwords inside URLs."""
    return redact(event)


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    redact_secrets,
]


def configure(log_file: Path | None, console_level: str = "WARNING") -> None:
    """Route structlog and stdlib logging to a JSON-lines file (all levels) and the console."""
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_sinkmatrix", False)]:
        root.removeHandler(handler)
        handler.close()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(structlog.stdlib.ProcessorFormatter(
        processor=structlog.dev.ConsoleRenderer(colors=False), foreign_pre_chain=_SHARED))
    handlers: list[logging.Handler] = [console]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file = logging.FileHandler(log_file, encoding="utf-8")
        file.setLevel(logging.DEBUG)
        file.setFormatter(structlog.stdlib.ProcessorFormatter(
            processor=structlog.processors.JSONRenderer(default=str), foreign_pre_chain=_SHARED))
        handlers.append(file)
    for handler in handlers:
        handler._sinkmatrix = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for noisy in ("pymysqlreplication", "urllib3", "asyncio", "httpx", "httpx2", "httpcore", "httpcore2",
                  "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
