"""sinkmatrix: an integration-test framework for CDC pipelines (the DSL is `dsl`, the pytest plugin
`matrix.plugin`); this package holds its command line."""
