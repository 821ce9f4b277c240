"""What the hand-off and its client agree on: the status feed on its stdout, and the beat table."""

STATUS = "sinkmatrix-status "  # then one JSON object: state, error, position, taken, records, faults
READY = "sinkmatrix-debezium engine running"  # printed once the engine's thread runs
WARM = "sinkmatrix-debezium warm"  # printed by a warm start once its JVM runs, before it reads stdin
BEATS = "sinkmatrix_beats"  # the database of the beat table (captured, never a test's)
BEAT = f"UPDATE {BEATS}.beat SET n = n + 1 WHERE id = 1"  # a write the connector captures
