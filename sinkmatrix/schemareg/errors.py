"""Typed registry errors, each carrying the HTTP status and Confluent error code it is answered with."""

from __future__ import annotations

_LEVELS_HINT = (
    "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE"
)


class RegistryError(Exception):
    """A request the registry refuses; `http_status` and `error_code` are what Confluent answers."""

    http_status = 500
    error_code = 50001

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class SubjectNotFound(RegistryError):
    http_status, error_code = 404, 40401

    def __init__(self, subject: str) -> None:
        super().__init__(f"Subject '{subject}' not found.")


class VersionNotFound(RegistryError):
    http_status, error_code = 404, 40402

    def __init__(self, subject: str, version: int | str) -> None:
        super().__init__(f"Version {version} not found under subject '{subject}'.")


class SchemaNotFound(RegistryError):
    http_status, error_code = 404, 40403


class SubjectSoftDeleted(RegistryError):
    http_status, error_code = 404, 40404

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently."
        )


class SubjectNotSoftDeleted(RegistryError):
    http_status, error_code = 404, 40405

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' was not deleted first before being permanently deleted: "
            "delete it without permanent=true first."
        )


class VersionSoftDeleted(RegistryError):
    http_status, error_code = 404, 40406

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was soft deleted. "
            "Set permanent=true to delete permanently."
        )


class VersionNotSoftDeleted(RegistryError):
    http_status, error_code = 404, 40407

    def __init__(self, subject: str, version: int) -> None:
        super().__init__(
            f"Subject '{subject}' Version {version} was not deleted first before being permanently "
            "deleted: delete it without permanent=true first."
        )


class SubjectLevelNotConfigured(RegistryError):
    http_status, error_code = 404, 40408

    def __init__(self, subject: str) -> None:
        super().__init__(
            f"Subject '{subject}' does not have subject-level compatibility configured: "
            "pass defaultToGlobal=true to read the global level."
        )


class IncompatibleSchema(RegistryError):
    http_status, error_code = 409, 409

    def __init__(self, subject: str, level: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"Schema being registered is incompatible with an earlier schema for subject "
            f"'{subject}' ({level}): " + "; ".join(problems)
        )


class InvalidSchema(RegistryError):
    http_status, error_code = 422, 42201


class InvalidVersion(RegistryError):
    http_status, error_code = 422, 42202

    def __init__(self, version: str) -> None:
        super().__init__(
            f"The specified version '{version}' is not a valid version id. "
            "Allowed values are between [1, 2^31-1] and the string \"latest\"."
        )


class InvalidCompatibilityLevel(RegistryError):
    http_status, error_code = 422, 42203

    def __init__(self, given: object) -> None:
        super().__init__(f"Invalid compatibility level {given!r}. Valid values are {_LEVELS_HINT}.")


class StoreError(RegistryError):
    """The store file could not be written or read; the message names the file and the cause."""

    http_status, error_code = 500, 50001


class BadRequest(RegistryError):
    """The request itself is malformed (not JSON, wrong content type)."""

    http_status, error_code = 400, 400


class UnsupportedMediaType(RegistryError):
    http_status, error_code = 415, 415
