"""A database server as the layers use it, whatever runs it (a private MariaDB, a container)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


class DatabaseServer(Protocol):
    """A MySQL-compatible server reachable on 127.0.0.1 (sinkmatrix.stack.mariadb.MariaDB is one)."""

    name: str
    port: int
    password: str

    def url(self, database: str | None = None, driver: str = "mysqldb") -> URL:
        """A SQLAlchemy URL for one of its databases."""

    def connect_args(self) -> dict[str, Any]:
        """Keyword arguments for PyMySQL-style clients."""

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one administrative statement on a short-lived connection; its rows."""

    def execute(self, *statements: str) -> list[tuple[Any, ...]]:
        """Run statements in order on one short-lived autocommit connection; the last one's rows."""
