"""A CDC plug-in that lacks a required member (`emits`): `sinkmatrix doctor --check` must say so."""

from typing import ClassVar


class NoEmits:
    name: ClassVar[str] = "no-emits"
    backends: ClassVar[tuple[str, ...]] = ("embedded",)

    def start(self, env: object) -> object:
        raise NotImplementedError
