"""The MariaDB server's version is asked once per binary, and again when the binary changes."""

import os

from sinkmatrix.stack import mariadb


def _fake_server(path, version):
    path.write_text(f"#!/bin/sh\necho \"$0 >> $$\" >> {path}.calls\n"
                    f"echo \"mariadbd  Ver {version}-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64\"\n")
    path.chmod(0o755)


def _calls(path):
    return len((path.parent / f"{path.name}.calls").read_text().splitlines())


def test_asked_once_per_binary(tmp_path):
    server = tmp_path / "mariadbd"
    _fake_server(server, "10.11.6")
    assert [mariadb.server_version(str(server)) for _ in range(3)] == ["10.11.6-MariaDB-0+deb12u1"] * 3
    assert _calls(server) == 1


def test_an_upgraded_binary_is_asked_again(tmp_path):
    server = tmp_path / "mariadbd"
    _fake_server(server, "10.11.6")
    assert mariadb.server_version(str(server)) == "10.11.6-MariaDB-0+deb12u1"
    _fake_server(server, "10.11.11")
    stat = server.stat()
    os.utime(server, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert mariadb.server_version(str(server)) == "10.11.11-MariaDB-0+deb12u1"
    assert _calls(server) == 2
