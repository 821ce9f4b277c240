"""TiCDC as the CDC under test, from its public images on the compose backend (TiDB upstream)."""
