"""`python -m cdcs.debezium CONFIG.json`: the hand-off process (cdcs.debezium.handoff)."""

from cdcs.debezium.handoff import main

main()
