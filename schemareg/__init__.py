"""An embedded schema registry: the Confluent Schema Registry REST API subset that TiCDC and clients use."""
