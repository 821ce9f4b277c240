"""The reference CDC as an outside program: its console script `refcdc` and the JSON config it reads.
An example of a CDC plug-in for a program (sinkmatrix.cdcs.external): nothing of sinkmatrix.refcdc
is imported, the program is all it knows."""

import json
from typing import ClassVar

from sinkmatrix.cdcs.external import CellSettings, ExternalProcessCdc, LogLine


class RefcdcProgram(ExternalProcessCdc):
    name = "refcdc-program"
    sinks: ClassVar = {"mysql": ("",), "canal-json": ("",)}
    command = ("refcdc", "{config}")
    config_file = "refcdc.json"
    ready = LogLine("refcdc streaming")
    log_files: ClassVar = {"refcdc-log": "refcdc.log"}

    def config(self, s: CellSettings) -> str:
        if s.sink == "mysql":
            sink = {"type": "mysql", "host": s.downstream_host, "port": s.downstream_port,
                    "user": s.downstream_user, "password": s.downstream_password}
        else:
            sink = {"type": "kafka", "bootstrap": s.kafka_bootstrap, "format": s.sink}
        return json.dumps({
            "upstream": {"host": s.upstream_host, "port": s.upstream_port, "user": s.upstream_user,
                         "password": s.upstream_password},
            "sink": sink, "databases": [s.databases], "server_id": s.server_id,
            "start": {"file": s.binlog_file, "pos": s.binlog_pos},
            "checkpoint_path": f"{s.root}/checkpoint.json", "status_socket": f"{s.root}/status.sock",
            "log_path": f"{s.root}/refcdc.log"})

