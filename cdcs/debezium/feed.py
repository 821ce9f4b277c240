"""The hand-off's status feed on its stdout: what both sides of it agree on."""

STATUS = "sinkmatrix-status "  # then one JSON object: state, error, position, taken, records, faults
READY = "sinkmatrix-debezium engine running"  # printed once the engine's thread runs
