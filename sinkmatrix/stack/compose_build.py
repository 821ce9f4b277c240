"""The system under test from a local build: a compose override that runs the CDC service from a
binary, a Docker build context, or a source tree, instead of its profile's image."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sinkmatrix.stack.errors import StackError

BINARY_TARGET = {"cdc": "/usr/local/bin/sut-cdc", "ticdc": "/cdc"}
SOURCE_TARGET = "/opt/sut"


def override_for(build: Path, *, service: str) -> tuple[str, bool]:
    """The override file's text (JSON is YAML) and whether compose must build an image."""
    build = build.expanduser().resolve()
    if build.is_dir() and (build / "Dockerfile").is_file():
        spec: dict[str, object] = {"build": {"context": str(build)}, "pull_policy": "build",
                                   "image": f"sinkmatrix/sut-{service}:local-build"}
        return _services(service, spec), True
    if build.is_dir() and (build / "sinkmatrix" / "refcdc").is_dir() and service == "cdc":
        spec = {"volumes": [f"{build}:{SOURCE_TARGET}:ro"], "environment": {"PYTHONPATH": SOURCE_TARGET}}
        return _services(service, spec), False
    if build.is_file() and os.access(build, os.X_OK):
        target = BINARY_TARGET.get(service, f"/usr/local/bin/sut-{service}")
        spec = {"volumes": [f"{build}:{target}:ro"]}
        if service == "cdc":  # the reference CDC's image runs Python; a binary replaces that
            spec["entrypoint"] = [target]
        return _services(service, spec), False
    raise StackError(f"--cdc-build {build}: expected an executable CDC binary, a directory with a "
                     f"Dockerfile (built by compose), or a source tree holding sinkmatrix/refcdc/ (mounted); "
                     f"it is none of these")


def _services(service: str, spec: dict[str, object]) -> str:
    return json.dumps({"services": {service: spec}}, indent=2) + "\n"
