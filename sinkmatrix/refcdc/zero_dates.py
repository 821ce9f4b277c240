"""Zero dates read from the binlog as the server stores them, not as None.

python-mysql-replication turns a DATE or DATETIME it cannot make a Python date of — the zero date
'0000-00-00', and zero-in-date values a lax sql_mode stores ('2020-00-05', '0000-00-00 00:00:01') —
into None, the same as NULL, so the sink received NULL for a value the upstream holds. `install()`
wraps the library's two readers (DATE, and DATETIME2: MariaDB's and MySQL 5.6+'s format) so such a
value comes as its text, which the encoders and the MySQL sink pass on as written (TiDB prints a zero
date the same way). The binary layouts: MariaDB sql/field.cc Field_newdate (3 bytes: day 5 bits,
month 4, year 15) and Field_datetimef / my_datetime_packed_to_binary (sign, year*13+month 17 bits,
day 5, hour 5, minute 6, second 6, then the fraction).
"""

from __future__ import annotations

import datetime
from typing import Any

from pymysqlreplication.row_event import RowsEvent

_read_date = RowsEvent._RowsEvent__read_date
_read_datetime2 = RowsEvent._RowsEvent__read_datetime2
_read_fsp = RowsEvent._RowsEvent__read_fsp


def _date(self: Any) -> Any:
    value = self.packet.read_uint24()
    year, month, day = value >> 9, (value >> 5) & 0xF, value & 0x1F
    if year == 0 or month == 0 or day == 0:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return datetime.date(year, month, day)


def _datetime2(self: Any, column: Any) -> Any:
    data = self.packet.read_int_be_by_size(5)
    year_month = (data >> 22) & 0x1FFFF
    year, month = divmod(year_month, 13)
    day, hour = (data >> 17) & 0x1F, (data >> 12) & 0x1F
    minute, second = (data >> 6) & 0x3F, data & 0x3F
    micros = _read_fsp(self, column)
    if year and month and day:
        return datetime.datetime(year, month, day, hour, minute, second, micros)
    text = f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    fsp = column.fsp or 0
    return f"{text}.{micros // 10 ** (6 - fsp):0{fsp}d}" if fsp else text


def install() -> None:
    """Read zero and zero-in-date DATE and DATETIME values as text in this process."""
    RowsEvent._RowsEvent__read_date = _date
    RowsEvent._RowsEvent__read_datetime2 = _datetime2


def uninstall() -> None:
    RowsEvent._RowsEvent__read_date = _read_date
    RowsEvent._RowsEvent__read_datetime2 = _read_datetime2
