"""The sink × protocol × version matrix: axes, cells, and the pytest plugin that expands cases over them."""
