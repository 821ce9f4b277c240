"""An embedded schema registry: the Confluent Schema Registry REST API subset TiCDC and Confluent clients use."""
