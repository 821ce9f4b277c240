"""The DSL's public names load on first use, and only what a process uses gets imported."""

import importlib
import subprocess
import sys

import pytest

import dsl


@pytest.mark.parametrize("name", dsl.__all__)
def test_every_public_name_resolves_to_its_definition(name):
    value = getattr(dsl, name)
    assert getattr(importlib.import_module(value.__module__), name) is value


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Tabel'"):
        dsl.Tabel  # noqa: B018


def test_dir_lists_the_public_names():
    assert set(dsl.__all__) <= set(dir(dsl))


def test_reference_cdc_loads_neither_the_request_machinery_nor_sqlalchemy():
    probe = ("import sys, sinkmatrix.refcdc.__main__, sinkmatrix.refcdc.binlog, sinkmatrix.refcdc.schemas, "
             "sinks.apply_mysql, "
             "sinkmatrix.refcdc.apply_kafka, sinkmatrix.refcdc.encode_canal; "
             "print(sorted(m for m in sys.modules if m.startswith(('dsl.', 'sqlalchemy'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "dsl.schema" in loaded
    for heavy in ("dsl.requests", "dsl.helper", "dsl.batch", "dsl.table", "sqlalchemy"):
        assert heavy not in loaded


def test_the_registry_client_loads_only_where_an_avro_cell_uses_it():
    """Listing the sinks (every matrix process does) and the reference CDC's encoders leave out the
    schema registry client, whose HTTP stack costs ≈0.1 s a process."""
    probe = ("import sys, sinks.registry, sinkmatrix.refcdc.encode_avro, sinkmatrix.refcdc.apply_kafka; "
             "sinks.registry.supported(); "
             "print(sorted(m for m in sys.modules if m.startswith('confluent_kafka.schema_registry')))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
