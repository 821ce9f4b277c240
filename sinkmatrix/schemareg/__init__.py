"""An embedded schema registry: the Confluent Schema Registry REST API subset that TiCDC and clients use."""

# The line the server prints once it listens (followed by its URL); the starter waits for it. Here,
# not in `sinkmatrix.schemareg.server`, so a starter need not import the server's web framework.
READY_MARKER = "schemareg listening on "
