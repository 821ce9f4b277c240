"""Conformance vectors: messages captured from real producers, each file naming its source."""
