"""TiCDC's own expectations (tests/vectors/ticdc: transcribed from pingcap/tiflow's codec tests, each
with its tag, file and lines) against the contract modules and the strict decoders, release by
release: every column type's mysqlType and sqlType, read from the table as a real MariaDB defines it;
every message a TiCDC test states literally decodes without a finding to the values it spells, and
broken copies of it are rejected with the finding that names the break; Avro's column schemas; and
the rules that changed between releases (DELETE `old` before v5.4, FLOAT as double in v6.1-v6.6,
JSON text before and after pingcap/tidb#58899, content-compatible)."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dsl.compare import canonical
from sinkmatrix.formats import ticdc_avro
from sinkmatrix.formats.canal_json import format_value, full_mysql_type, java_type, mysql_type
from sinkmatrix.formats.releases import Release
from sinkmatrix.model.changes import RowChange
from sinkmatrix.model.schema import Column, TableSchema
from sinkmatrix.stack import mariadb
from sinkmatrix.stack.leases import Lease
from sinks.base import Decoded, Record
from sinks.canal_json import CanalJsonDecoder
from sinks.upstream_schema import UpstreamSchemas
from tests.framework.message_edits import drop, setter

pytestmark = pytest.mark.framework

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "ticdc"
CANAL = sorted(VECTORS.glob("canal-json-*.json"))
AVRO = sorted(VECTORS.glob("avro-*.json"))
DB = "sm_ticdc_vectors"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def release_of(doc: dict[str, Any]) -> Release:
    return Release.parse(doc["version"]) if doc["version"] != "master" else Release(99, 0, 0)


# -- a real MariaDB defines the vectors' tables ---------------------------------------------------


@pytest.fixture(scope="module")
def upstream() -> Iterator[mariadb.MariaDB]:
    with Lease.acquire("test-ticdc-vectors") as lease:
        server = mariadb.start(
            "vectors", root=lease.scratch_dir("ticdc-vectors-"), lease=lease, binlog=False, server_id=1
        )
        server.execute(f"CREATE DATABASE {DB}")
        yield server


@pytest.fixture(scope="module")
def schemas(upstream: mariadb.MariaDB) -> Iterator[UpstreamSchemas]:
    found = UpstreamSchemas(upstream)
    yield found
    found.close()


def _table_of(
    upstream: mariadb.MariaDB, schemas: UpstreamSchemas, ddl: str, name: str | None = None
) -> TableSchema:
    """The table a vector's CREATE TABLE makes in MariaDB, under a name of this test's (one per
    statement: the vectors reuse names for different tables)."""
    name = name or "t_" + hashlib.sha1(ddl.encode()).hexdigest()[:12]
    statement = re.sub(
        r"^\s*create\s+table\s+(?:`?\w+`?\.)?`?\w+`?",
        f"CREATE TABLE IF NOT EXISTS {DB}.{name}",
        ddl,
        count=1,
        flags=re.IGNORECASE,
    )
    upstream.execute(statement)
    table = schemas.lookup(DB, name)
    assert table is not None, statement
    return table


def _go_value(text: str) -> Any:
    """A Go literal of the vectors' sqlType cases as a Python value (None for nil)."""
    if text == "nil":
        return None
    match = re.fullmatch(r"u?int64\((-?\d+)\)", text)
    if match:
        return int(match[1])
    if text.startswith('"') or text.startswith("[]uint8("):
        return text
    return float(text)


def _type_vectors(paths: list[Path]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return [
        (f"{path.stem}:{v['name']}", load(path), v)
        for path in paths
        for v in load(path).get("column_type_vectors", [])
    ]


CANAL_TYPES = _type_vectors(CANAL)


@pytest.mark.parametrize(
    ("doc", "vector"), [(d, v) for _, d, v in CANAL_TYPES], ids=[i for i, _, _ in CANAL_TYPES]
)
def test_mysql_and_sql_types_are_ticdcs_for_the_table_mariadb_defines(doc, vector, upstream, schemas) -> None:
    table = _table_of(upstream, schemas, vector["ddl"])
    column = table.by_name[vector["column"]]
    release = release_of(doc)
    types = vector["mysqlType"]
    assert mysql_type(column, release) == types["content_compatible=false"], column
    if "content_compatible=true" in types:
        assert full_mysql_type(column) == types["content_compatible=true"], column
        # as MySQL 8 reports it: integers without display widths (but BOOL, which stays tinyint(1))
        if "(" not in vector["declared_type"] and column.column_type != "tinyint(1)":
            bare = re.sub(r"^(tinyint|smallint|mediumint|int|bigint)\(\d+\)", r"\1", column.column_type)
            mysql8 = dataclasses.replace(column, column_type=bare)
            assert full_mysql_type(mysql8) == types["content_compatible=true"], mysql8
    for case in vector.get("sqlType", []):
        value = _go_value(case["value_go"])
        assert java_type(column, value if isinstance(value, int) else None, release) == case["code"], case


# -- literal messages -----------------------------------------------------------------------------


def _messages() -> list[tuple[str, dict[str, Any], dict[str, Any], str]]:
    out = []
    for path in CANAL:
        doc = load(path)
        for vector in doc["vectors"]:
            text = vector.get("message_compact") or vector.get("message")
            if isinstance(text, str) and vector["kind"] in ("insert", "update", "delete", "ddl", "watermark"):
                out.append((f"{path.stem}:{vector['name']}", doc, vector, json.dumps(json.loads(text))))
    return out


MESSAGES = _messages()
# the employee table of TestCanalJSONBatchDecoderWithTerminator: the test names its columns and types
# only in the messages (mysqlType), so it is written here from them
EMPLOYEE = (
    "CREATE TABLE employee (id INT PRIMARY KEY, FirstName VARCHAR(64), LastName VARCHAR(64), "
    "HireDate DATE, OfficeLocation VARCHAR(64))"
)


def _decoder(doc: dict[str, Any], vector: dict[str, Any], lookup: Any = None) -> CanalJsonDecoder:
    options = vector.get("options") or {}
    return CanalJsonDecoder(
        options.get("enable-tidb-extension") is True,
        lookup,
        release=release_of(doc),
        content_compatible=options.get("content-compatible") is True,
    )


def _decode(decoder: CanalJsonDecoder, message: dict[str, Any] | str) -> Decoded:
    text = message if isinstance(message, str) else json.dumps(message)
    return decoder.decode(Record("vectors", 0, 7, None, text.encode()))


def _lookup_for(message: dict[str, Any], upstream: mariadb.MariaDB, schemas: UpstreamSchemas) -> Any:
    if message.get("table") != "employee":
        return None
    table = _table_of(upstream, schemas, EMPLOYEE, "employee")
    return lambda database, name, names=None: table if name == "employee" else None


@pytest.mark.parametrize(("doc", "vector", "text"), [m[1:] for m in MESSAGES], ids=[m[0] for m in MESSAGES])
def test_ticdcs_literal_messages_decode_to_the_values_they_spell(
    doc, vector, text, upstream, schemas
) -> None:
    message = json.loads(text)
    for lookup in (None, _lookup_for(message, upstream, schemas)):
        decoded = _decode(_decoder(doc, vector, lookup), text)
        assert decoded.findings == [], decoded.findings
        if vector["kind"] == "watermark":
            assert decoded.watermark_ts == message["_tidb"]["watermarkTs"]
            continue
        (change,) = decoded.changes
        if vector["kind"] == "ddl":
            assert (change.schema, change.query) == (message["database"], message["sql"])
            continue
        assert isinstance(change, RowChange) and change.kind == vector["kind"]
        image = change.before if change.kind == "delete" else change.after
        for name, raw in message["data"][0].items():  # each value, spelled by the contract, is the text
            column = change.table.by_name[name]
            assert format_value(column, image[name]) == raw, (name, raw, image[name])
        if change.kind == "update":
            assert change.before is not None
            for name, raw in message["old"][0].items():
                assert format_value(change.table.by_name[name], change.before[name]) == raw


ROW_BREAKS: dict[str, tuple[Callable[[dict[str, Any]], Any], str, str]] = {
    "an unknown event type": (setter("type", "UPSERT"), "bad-value", "type"),
    "pkNames left out": (drop("pkNames"), "missing-field", "pkNames"),
    "a field TiCDC never writes": (setter("xid", 1), "extra-field", "xid"),
    "an integer that is no integer": (setter("data/0/id", "1e2"), "bad-value", "data[0].id"),
    "a number for a string": (setter("data/0/id", 101), "wrong-type", "data[0].id"),
    "a sqlType that is not the type's": (setter("sqlType/id", 12), "type-mismatch", "sqlType.id"),
    "a mysqlType no TiCDC writes": (setter("mysqlType/id", "integer"), "bad-value", "mysqlType.id"),
    "a date spelled otherwise": (setter("data/0/HireDate", "2014-6-4"), "bad-value", "data[0].HireDate"),
    "an id that is not 0": (setter("id", 3), "bad-value", "id"),
}
ROWS = [m for m in MESSAGES if m[2]["kind"] in ("insert", "update", "delete")]


@pytest.mark.parametrize("breakage", ROW_BREAKS)
@pytest.mark.parametrize(("doc", "vector", "text"), [m[1:] for m in ROWS], ids=[m[0] for m in ROWS])
def test_broken_copies_of_ticdcs_messages_are_named_by_their_finding(doc, vector, text, breakage) -> None:
    change, kind, field = ROW_BREAKS[breakage]
    message = json.loads(text)
    change(message)
    decoded = _decode(_decoder(doc, vector), message)
    assert (kind, field) in {(f.kind, f.field) for f in decoded.findings}, decoded.findings
    located = next(f for f in decoded.findings if (f.kind, f.field) == (kind, field))
    assert str(located).startswith(f"{kind} at vectors[0]@7 field {field!r}: ") and located.why
    assert (located.database, located.table) == (message["database"], message["table"])


DDLS = [m for m in MESSAGES if m[2]["kind"] == "ddl"]


@pytest.mark.parametrize(("doc", "vector", "text"), [m[1:] for m in DDLS], ids=[m[0] for m in DDLS])
def test_a_ddl_type_that_contradicts_its_statement_is_a_finding(doc, vector, text) -> None:
    message = json.loads(text)
    assert message["type"] == "CREATE"
    message["type"] = "ERASE"
    decoded = _decode(_decoder(doc, vector), message)
    assert [(f.kind, f.field) for f in decoded.findings] == [("bad-value", "type")]
    assert "'ERASE', but the statement is 'create table person" in decoded.findings[0].why
    assert "writes 'CREATE' for it" in decoded.findings[0].why


# -- rules that changed between releases ----------------------------------------------------------

# TestNewCanalFlatMessageFromDML (v5.3.4) asserts a message's fields, not its text; the message is
# assembled from those fields, es from the commit ts (convertToCanalTs), ts 0 (BuildTime at v5.3).
V53 = load(VECTORS / "canal-json-v5.3.json")
PERSON = (
    "CREATE TABLE person (id INT PRIMARY KEY, name VARCHAR(32), tiny TINYINT UNSIGNED, comment TEXT, "
    "`blob` BLOB)"
)


def _v53_update() -> dict[str, Any]:
    vector = next(v for v in V53["vectors"] if v["name"] == "TestNewCanalFlatMessageFromDML")
    expected = vector["expected"]
    blob = "测试blob".encode().decode("latin-1")  # expected.computed: the bytes as ISO-8859-1 text
    data, old = copy.deepcopy(expected["data"]), copy.deepcopy(expected["old"])
    data[0]["blob"] = old[0]["blob"] = blob
    return {
        "id": 0,
        "database": expected["database"],
        "table": expected["table"],
        "pkNames": ["id"],
        "isDdl": False,
        "type": expected["type"],
        "es": vector["values"]["commit_ts"] >> 18,
        "ts": 0,
        "sql": "",
        "sqlType": expected["sqlType"],
        "mysqlType": expected["mysqlType"],
        "data": data,
        "old": old,
    }


def _v53_forms() -> dict[str, dict[str, Any]]:
    """UPDATE as the test states it; DELETE and INSERT as canal_flat.go @v5.3.4 (lines 137-163) writes
    them: a DELETE's `data` is its row and `old` the row again, an INSERT's `old` is [null]."""
    update = _v53_update()
    delete = {**copy.deepcopy(update), "type": "DELETE", "data": update["old"], "old": update["old"]}
    insert = {**copy.deepcopy(update), "type": "INSERT", "old": [None]}
    return {"update": update, "delete": delete, "insert": insert}


@pytest.mark.parametrize("kind", ["insert", "update", "delete"])
def test_a_v53_message_is_held_to_v53s_rules_and_not_to_todays(kind, upstream, schemas) -> None:
    table = _table_of(upstream, schemas, PERSON, "person")

    def lookup(database: str, name: str, names: Any = None) -> TableSchema | None:
        return table if name == "person" else None

    message = _v53_forms()[kind]
    decoded = _decode(CanalJsonDecoder(False, lookup, release=Release.parse("v5.3.4")), message)
    assert decoded.findings == [], decoded.findings
    (change,) = decoded.changes
    assert isinstance(change, RowChange) and change.kind == kind
    image = change.before if kind == "delete" else change.after
    assert image is not None and (image["tiny"], image["blob"]) == (255, "测试blob".encode())
    today = _decode(CanalJsonDecoder(False, lookup), message)
    assert {f.kind for f in today.findings} & {"bad-shape", "type-mismatch"}, today.findings


def test_a_v53_delete_whose_old_is_not_its_row_is_a_finding() -> None:
    message = _v53_forms()["delete"]
    message["old"] = [{**message["old"][0], "name": "Carol"}]
    decoded = _decode(CanalJsonDecoder(False, release=Release.parse("v5.3.4")), message)
    assert ("bad-value", "old") in {(f.kind, f.field) for f in decoded.findings}


AVRO_TYPES = _type_vectors(AVRO)
_GO_TYPES = {
    "mysql.TypeTiny": "tinyint",
    "mysql.TypeShort": "smallint",
    "mysql.TypeInt24": "mediumint",
    "mysql.TypeLong": "int",
    "mysql.TypeLonglong": "bigint",
    "mysql.TypeFloat": "float",
    "mysql.TypeDouble": "double",
    "mysql.TypeBit": "bit",
    "mysql.TypeNewDecimal": "decimal",
    "mysql.TypeTinyBlob": "tinytext",
    "mysql.TypeMediumBlob": "mediumtext",
    "mysql.TypeBlob": "text",
    "mysql.TypeLongBlob": "longtext",
    "mysql.TypeVarchar": "varchar",
    "mysql.TypeVarString": "varchar",
    "mysql.TypeString": "char",
    "mysql.TypeEnum": "enum",
    "mysql.TypeSet": "set",
    "mysql.TypeJSON": "json",
    "mysql.TypeDate": "date",
    "mysql.TypeDatetime": "datetime",
    "mysql.TypeTimestamp": "timestamp",
    "mysql.TypeDuration": "time",
    "mysql.TypeYear": "year",
}
_BINARY = {
    "tinytext": "tinyblob",
    "mediumtext": "mediumblob",
    "text": "blob",
    "longtext": "longblob",
    "varchar": "varbinary",
    "char": "binary",
}


def _avro_column(spec: dict[str, Any]) -> Column | None:
    """The column a vector's Go field type describes (types.NewFieldType with the named flags)."""
    base = _GO_TYPES.get(spec["go_type"])
    if base is None:
        return None
    flags = set(spec.get("flags") or [])
    if "BinaryFlag" in flags:
        base = _BINARY.get(base, base)
    members = tuple(
        re.findall(r'"((?:[^"\\]|\\.)*)"', spec.get("field_type_go", "").partition("[]string{")[2])
    )
    return Column(
        spec["name"],
        "longtext" if base == "json" else base,
        base,
        unsigned="UnsignedFlag" in flags,
        is_json=base == "json",
        members=members if base in ("enum", "set") else (),
    )


@pytest.mark.parametrize(
    ("doc", "vector"), [(d, v) for _, d, v in AVRO_TYPES], ids=[i for i, _, _ in AVRO_TYPES]
)
def test_avro_field_types_are_ticdcs_at_each_release(doc, vector) -> None:
    column = _avro_column(vector["column"])
    if column is None:
        pytest.skip(f"{vector['column']['go_type']}: a type the upstream MariaDB has not")
    options = vector.get("options") or {}
    avro = ticdc_avro.AvroOptions(
        decimal_mode=options.get("avro-decimal-handling-mode", "precise"),
        bigint_unsigned_mode=options.get("avro-bigint-unsigned-handling-mode", "long"),
        release=release_of(doc),
    )
    assert ticdc_avro.avro_type(column, avro) == vector["expected_schema"]


def test_avro_float_is_a_double_between_v61_and_v70() -> None:
    found = {
        doc["version"]: vector["expected_schema"]["type"]
        for _, doc, vector in AVRO_TYPES
        if vector["column"]["name"] == "float"
    }
    assert found["6.4.0"] == "double" and found["7.5.7"] == "float", found


def test_json_text_before_and_after_tidb_58899_is_one_value() -> None:
    from tests.framework.test_canal_json_findings import JSON_SPELLINGS

    column = Column("c", "longtext", "longtext", is_json=True)
    for before, after in JSON_SPELLINGS:
        assert canonical(column, before) == canonical(column, after)
