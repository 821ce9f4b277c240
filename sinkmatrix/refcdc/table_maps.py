"""Parsed table maps, remembered by their bytes.

MariaDB writes a TableMapEvent before every row event, and python-mysql-replication parses each one
from scratch: a Column per column, the optional metadata, two Table objects and a dict per column on
the way. On a stream of small transactions that was ≈40% of the reference CDC's CPU (3,000 one-row
inserts into an 8-column table: 0.75 → 0.45 CPU-s). A table map's parse depends only on its bytes
(table id, names, column types, metadata) and on the stream's options, which are fixed for the CDC's
process; so the parsed attributes are kept by those bytes and set again when the same bytes come.

`install()` wraps `TableMapEvent.__init__` in this process (the CDC's reader installs it); if the
library no longer offers what this needs (the packet's data and read position), it leaves the
library's own parsing in place and says so once.

It also reads the optional metadata's column names and ENUM/SET member strings right: the server
prefixes each with a packed length (net_store_length: one byte below 251, then 0xFC + 2 bytes, ...;
MariaDB sql/log_event_server.cc Table_map_log_event::init_column_name_field, init_set_str_value_field),
which the library reads as a 7-bit varint, so a name or member of 128 bytes or more (43 CJK
characters) derailed the whole event ("Result length not requested length").

And it gives each column the nullability the table map's NULL bitmap says it had when the row was
written (MariaDB sql/log_event_server.cc Table_map_log_event: m_null_bits, a bit per column that can be
NULL), as `column.nullable`: the library reads the bitmap but keeps it on the event alone.
"""

from __future__ import annotations

import threading
from typing import Any

import structlog
from pymysqlreplication.event import BinLogEvent
from pymysqlreplication.row_event import TableMapEvent

log = structlog.get_logger(__name__)

MAX_ENTRIES = 4096  # distinct table maps kept; past that the cache starts over
_PER_EVENT = frozenset({"packet", "table_map", "_ctl_connection", "timestamp", "event_size"})

_parse = TableMapEvent.__init__
_library_column_names = TableMapEvent._read_column_names
_library_type_values = TableMapEvent._read_type_values
_cache: dict[bytes, dict[str, Any]] = {}
_stats = {"hits": 0, "misses": 0}
_lock = threading.Lock()


def install() -> None:
    """Serve repeated table maps from the cache, and read long names right (idempotent)."""
    with _lock:
        TableMapEvent.__init__ = _cached_init
        TableMapEvent._read_column_names = _read_column_names
        TableMapEvent._read_type_values = _read_type_values


def _packed_string(packet: Any) -> bytes:
    return bytes(packet.read(packet.read_length_coded_binary()))


def _read_column_names(self: TableMapEvent, length: int) -> list[str]:
    packet, names = self.packet, []
    end = packet.read_bytes + length
    while packet.read_bytes < end:
        names.append(_packed_string(packet).decode())
    return names


def _read_type_values(self: TableMapEvent, length: int) -> list[list[str]] | None:
    packet, columns = self.packet, []
    end = packet.read_bytes + length
    if packet.read_bytes >= end:
        return None
    while packet.read_bytes < end:
        members = []
        for _ in range(packet.read_length_coded_binary()):
            raw = _packed_string(packet)
            try:
                members.append(raw.decode())
            except UnicodeDecodeError:  # as the library does: a member not in UTF-8 reads as ''
                members.append("")
        columns.append(members)
    return columns


def uninstall() -> None:
    """Back to the library's own parsing, and forget what was kept."""
    with _lock:
        TableMapEvent.__init__ = _parse
        TableMapEvent._read_column_names = _library_column_names
        TableMapEvent._read_type_values = _library_type_values
        _cache.clear()


def stats() -> dict[str, int]:
    return dict(_stats)


def _body(from_packet: Any, event_size: int) -> bytes | None:
    """The event's bytes after the common header (post-header and payload, no checksum)."""
    try:
        data = from_packet.packet.get_all_data()
        start = len(data) - from_packet.bytes_to_read()
    except AttributeError:
        return None
    return bytes(data[start:start + event_size])


def _cached_init(self: TableMapEvent, from_packet: Any, event_size: int, table_map: dict[int, Any],
                 ctl_connection: Any, **kwargs: Any) -> None:
    body = _body(from_packet, event_size)
    kept = _cache.get(body) if body is not None else None
    if kept is None:
        _parse_marked(self, from_packet, event_size, table_map, ctl_connection, **kwargs)
        _stats["misses"] += 1
        if body is None:
            _give_up()
        elif self._processed:
            if len(_cache) >= MAX_ENTRIES:
                _cache.clear()
            _cache[body] = {k: v for k, v in vars(self).items() if k not in _PER_EVENT}
        return
    _stats["hits"] += 1
    BinLogEvent.__init__(self, from_packet, event_size, table_map, ctl_connection, **kwargs)
    for name, value in kept.items():  # kept without the per-event attributes
        setattr(self, name, value)
    table_map[self.table_id] = self.table_obj


def _parse_marked(self: TableMapEvent, *args: Any, **kwargs: Any) -> None:
    """The library's parse, then each column's nullability from the NULL bitmap."""
    _parse(self, *args, **kwargs)
    mask = getattr(self, "null_bitmask", None)
    if not getattr(self, "_processed", True) or not isinstance(mask, bytes | bytearray):
        return
    for i, column in enumerate(getattr(self, "columns", ())):
        column.nullable = bool(mask[i >> 3] & (1 << (i & 7))) if i >> 3 < len(mask) else True


def _give_up() -> None:
    log.warning("table map cache off: this python-mysql-replication does not expose the packet's "
                "data and position; every table map is parsed")
    with _lock:
        TableMapEvent.__init__ = _parse_marked
        _cache.clear()
