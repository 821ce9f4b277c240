"""The sinkmatrix pytest plugin loads through its `pytest11` entry point (pip install -e . or a wheel)."""
