"""`python -m sinkmatrix.cdcs.debezium CONFIG.json`: the hand-off process
(sinkmatrix.cdcs.debezium.handoff)."""

from sinkmatrix.cdcs.debezium.handoff import main

main()
