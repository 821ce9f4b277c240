"""The vocabulary every layer shares, importing none of them: table schemas, row changes and binlog
positions, matrix cells and version profiles, faults, TiDB timestamps, and the CDC plug-in protocol."""
