"""Number spellings producers share: a FLOAT column's value is a float32, and the value a reader
(python, a JSON parser) sees is the shortest decimal that reads back as the same float32."""

from __future__ import annotations

import struct

_F32 = struct.Struct("<f")


def float32(value: float) -> float:
    """The shortest decimal that reads back as the same float32."""
    target = _F32.unpack(_F32.pack(value))[0]
    for digits in range(1, 10):
        candidate = float(f"{target:.{digits}g}")
        try:
            if _F32.unpack(_F32.pack(candidate))[0] == target:
                return candidate
        except OverflowError:  # near FLT_MAX a short spelling rounds past it: take more digits
            continue
    return target
