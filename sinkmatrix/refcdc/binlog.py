"""The upstream binlog as a stream of Transactions (and bare position advances), in commit order.

Every event moves the position to its end, captured or not; outside a transaction that move is
reported as a Progress so the CDC's position can reach the server's, even when the last events
were for other databases or were MariaDB's GTID list / checkpoint / rotate events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pymysql
import structlog
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.event import GtidEvent, MariadbGtidEvent, QueryEvent, XidEvent
from pymysqlreplication.row_event import (
    DeleteRowsEvent,
    RowsEvent,
    UpdateRowsEvent,
    WriteRowsEvent,
)

from sinkmatrix.formats import ddl
from sinkmatrix.model.changes import DdlChange, Position, RowChange, Transaction
from sinkmatrix.refcdc import charsets, table_maps, zero_dates
from sinkmatrix.refcdc.config import Config
from sinkmatrix.refcdc.errors import UpstreamError
from sinkmatrix.refcdc.schemas import SchemaCache
from sinkmatrix.refcdc.values import RowDecoder

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Progress:
    """The stream moved to `position` without anything to carry (other databases, bookkeeping)."""

    position: Position


@dataclass(frozen=True, slots=True)
class Fragment:
    """Rows of a transaction that is still being read: applied early, committed with its end."""

    changes: tuple[RowChange, ...]
    position: Position
    started_at: int  # seconds since the epoch: when the transaction's first event was written


Item = Transaction | Progress | Fragment
# A large transaction is handed over in pieces of this many rows, so the sink applies one piece
# while the next is decoded instead of waiting for the whole transaction.
FRAGMENT_ROWS = 5000


class _Open:
    """The transaction being read: its GTID, changes so far, and whether it is open at all."""

    __slots__ = ("changes", "fragmented", "gtid", "open", "started_at")

    def __init__(self) -> None:
        self.open = False
        self.fragmented = False  # rows were handed over already: the end must commit them
        self.gtid: str | None = None
        self.started_at = 0
        self.changes: list[RowChange | DdlChange] = []

    def begin(self, gtid: str | None = None, at: int = 0) -> None:
        if not self.open:
            self.open, self.changes, self.fragmented = True, [], False
            self.gtid, self.started_at = gtid, at
        elif gtid is not None:
            self.gtid = gtid

    def fragment(self, position: Position) -> Fragment:
        changes = tuple(self.changes)
        self.changes, self.fragmented = [], True
        return Fragment(changes, position, self.started_at)  # type: ignore[arg-type]

    def end(self, position: Position, commit_time: int) -> Item:
        changes, gtid, fragmented = tuple(self.changes), self.gtid, self.fragmented
        self.open, self.gtid, self.changes, self.fragmented = False, None, [], False
        if not changes and not fragmented:
            return Progress(position)
        return Transaction(changes=changes, end=position, commit_time=commit_time, gtid=gtid)


class BinlogReader:
    """Reads the upstream binlog from a position and turns its events into Items."""

    def __init__(self, config: Config, start: Position, schemas: SchemaCache) -> None:
        self.config = config
        self.start = start
        self.schemas = schemas
        self.position = start
        self._stream: BinLogStreamReader | None = None
        self._decoders: dict[tuple[Any, ...], RowDecoder] = {}
        self._last: tuple[Any, RowDecoder] | None = None

    def items(self, on_first_event: Callable[[], None] = lambda: None) -> Iterator[Item]:
        """Blocks for new events forever; raises UpstreamError if the stream breaks."""
        table_maps.install()
        zero_dates.install()
        charsets.install()
        self._stream = stream = BinLogStreamReader(
            connection_settings=self.config.upstream.connect_args(),
            server_id=self.config.server_id,
            blocking=True,
            resume_stream=True,
            log_file=self.start.file,
            log_pos=self.start.pos,
            # Every event must come back to us, or the position could stop short of the server's.
            filter_non_implemented_events=False,
            enable_logging=False,
        )
        txn = _Open()
        first = True
        try:
            while True:
                event = stream.fetchone()
                if event is None:
                    raise UpstreamError(self.position, "the server ended the binlog stream")
                self.position = Position.of(stream.log_file, stream.log_pos)
                if first:
                    first = False
                    on_first_event()
                item = self._consume(event, txn)
                if item is not None:
                    yield item
        except pymysql.MySQLError as exc:
            raise UpstreamError(self.position, f"{type(exc).__name__}: {exc}") from exc
        finally:
            stream.close()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

    def _consume(self, event: Any, txn: _Open) -> Item | None:
        if isinstance(event, RowsEvent):
            txn.begin()
            if self.config.captures(event.schema):
                txn.changes.extend(self._rows(event))
                if len(txn.changes) >= FRAGMENT_ROWS:
                    return txn.fragment(self.position)
            return None
        if isinstance(event, XidEvent):
            return txn.end(self.position, event.timestamp)
        if isinstance(event, MariadbGtidEvent | GtidEvent):
            txn.begin(str(event.gtid), int(event.timestamp))
            return None
        if isinstance(event, QueryEvent):
            return self._query(event, txn)
        # Bookkeeping (rotate, format description, GTID lists, checkpoints, annotations, ...)
        return None if txn.open else Progress(self.position)

    def _query(self, event: QueryEvent, txn: _Open) -> Item | None:
        statement = ddl.classify(event.query)
        if statement.role == "begin":
            txn.begin()
            return None
        if statement.role == "commit":
            return txn.end(self.position, event.timestamp)
        if statement.role == "ignore":
            return None if txn.open else Progress(self.position)
        default = event.schema.decode() if isinstance(event.schema, bytes) else event.schema
        target = statement.database or default
        txn.begin()
        if self.config.captures(target):
            runs_in = default if self.config.captures(default) else target
            if statement.database_level:
                runs_in = target
            # the session's sql_mode upstream (Q_SQL_MODE_CODE): a MySQL sink runs the DDL under it
            mode = getattr(event, "sql_mode", None)
            txn.changes.append(DdlChange(schema=runs_in, query=event.query, kind=statement.kind,
                                         sql_mode=mode if isinstance(mode, int) else None))
            log.info("ddl", kind=statement.kind, schema=runs_in, position=str(self.position))
        # Schemas seen by later rows may have changed; RENAME can move tables across databases.
        self.schemas.forget(None if statement.kind == "RENAME" else target)
        return txn.end(self.position, event.timestamp)  # DDL commits implicitly

    def _decoder(self, event: RowsEvent) -> RowDecoder:
        columns = event.columns
        if self._last is not None and self._last[0] is columns:
            return self._last[1]
        key = (event.schema, event.table, tuple((c.name, c.type) for c in columns))
        decoder = self._decoders.get(key)
        if decoder is None:
            decoder = self._decoders[key] = RowDecoder(columns)
        self._last = (columns, decoder)
        return decoder

    def _rows(self, event: RowsEvent) -> list[RowChange]:
        decoder = self._decoder(event)
        table = self.schemas.table(
            event.schema, event.table, event.columns,
            primary_key=[c.name for c in event.columns if c.is_primary],
        )
        canonical = decoder.canonical
        if isinstance(event, WriteRowsEvent):
            return [RowChange("insert", table, None, canonical(r["values"], r["none_sources"]))
                    for r in event.rows]
        if isinstance(event, DeleteRowsEvent):
            return [RowChange("delete", table, canonical(r["values"], r["none_sources"]), None)
                    for r in event.rows]
        if isinstance(event, UpdateRowsEvent):
            return [
                RowChange(
                    "update", table,
                    canonical(r["before_values"], r["before_none_sources"]),
                    canonical(r["after_values"], r["after_none_sources"]),
                )
                for r in event.rows
            ]
        raise UpstreamError(self.position, f"unsupported row event {type(event).__name__}")
