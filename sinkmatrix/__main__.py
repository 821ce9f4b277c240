"""`python -m sinkmatrix …`: the same as the `sinkmatrix` command."""

from sinkmatrix.cli import main

raise SystemExit(main())
