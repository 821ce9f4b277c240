"""Example CDC plug-ins for programs (sinkmatrix.cdcs.external), registered by the tests that use them."""
