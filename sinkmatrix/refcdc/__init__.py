"""The reference CDC: upstream binlog → typed row changes → a sink (downstream MySQL apply, later Kafka)."""
