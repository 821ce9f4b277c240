"""The `mysql` sink: the CDC applies changes to a downstream MySQL/MariaDB, which is itself the view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sinkmatrix.model.progress import Progress
from sinks.base import Finding, SinkEnvironment
from sinks.sink_tamper import SinkTampering, TamperingProgress

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


class MysqlView:
    """The downstream database is what the DSL reads; the CDC's own progress is the sink's, through
    which the framework's own faults (sinks.sink_tamper) act once the CDC applied a mark's changes."""

    def __init__(self, server: Any, progress: Progress) -> None:
        self.server = server
        self.framework_faults = SinkTampering(server)
        self.progress: Progress = TamperingProgress(progress, self.framework_faults)

    def url(self, database: str) -> URL:
        return self.server.url(database)

    def database(self, database: str) -> str:
        return database

    def findings(self, database: str) -> list[Finding]:
        return []  # the downstream database carries no protocol of its own to violate

    def history(self, database: str, table: str, key: tuple[Any, ...]) -> list[dict[str, Any]]:
        return []  # no message stream to show: the CDC writes the downstream directly (see its log)

    def close(self) -> None:
        pass  # nothing of its own: the stack owns the downstream server


class MysqlSink:
    name: ClassVar[str] = "mysql"
    protocols: ClassVar[tuple[str, ...]] = ("mysql",)
    limits: ClassVar[dict[str, str]] = {}
    variants: ClassVar[tuple[str, ...]] = ("",)
    needs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, variant: str = "") -> None:
        self.variant = variant

    def open_view(self, env: SinkEnvironment, cdc_progress: Progress) -> MysqlView:
        return MysqlView(env.servers["downstream"], cdc_progress)
