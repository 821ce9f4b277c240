"""Run output: structured logs, and later reports and triage, under reports/<run-id>/."""
