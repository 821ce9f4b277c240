"""Sink adapters: what the CDC emits, decoded and materialized into a view the DSL reads."""
