"""The registry's state and rules: global schema ids, subjects and their versions, compatibility levels.

Ids are global: one canonical schema has one id wherever it is registered, and keeps it after
deletions, so a restart from the store file or a re-registration hands out the same id.
Soft-deleted versions stay readable by id and with `deleted=true`; a permanent delete needs a
soft delete first, as in Confluent's registry.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sinkmatrix.schemareg import storage
from sinkmatrix.schemareg.avro_schema import AvroSchema, parse
from sinkmatrix.schemareg.compatibility import Level, check
from sinkmatrix.schemareg.errors import (
    IncompatibleSchema,
    RegistryError,
    SchemaNotFound,
    StoreError,
    SubjectLevelNotConfigured,
    SubjectNotFound,
    SubjectNotSoftDeleted,
    SubjectSoftDeleted,
    VersionNotFound,
    VersionNotSoftDeleted,
    VersionSoftDeleted,
)

DEFAULT_LEVEL = Level.BACKWARD  # Confluent's default


@dataclass(frozen=True)
class Version:
    """One version of a subject: which schema (by global id) it registered."""

    subject: str
    version: int
    id: int
    schema: AvroSchema
    deleted: bool = False


@dataclass(frozen=True)
class _Entry:
    version: int
    id: int
    deleted: bool = False


class Registry:
    """Subjects, versions and ids in memory, written through to a store file when one is given."""

    def __init__(self, store: Path | None = None) -> None:
        self._store = store
        self._schemas: dict[int, AvroSchema] = {}
        self._ids: dict[str, int] = {}
        self._subjects: dict[str, list[_Entry]] = {}
        self._global = DEFAULT_LEVEL
        self._levels: dict[str, Level] = {}
        if store is not None:
            if not store.parent.is_dir():
                raise StoreError(f"the store's directory {store.parent} does not exist; "
                                 "create it or pass another --store")
            saved = storage.load(store)
            if saved is not None:
                self._restore(saved, store)

    # -- reads ---------------------------------------------------------------------------------

    def schema(self, schema_id: int) -> AvroSchema:
        """The schema with this id while any version (soft-deleted included) still refers to it."""
        if not self.versions_of(schema_id, deleted=True):
            raise SchemaNotFound(f"Schema {schema_id} not found")
        return self._schemas[schema_id]

    def versions_of(self, schema_id: int, *, deleted: bool = False) -> list[tuple[str, int]]:
        """(subject, version) pairs that registered this id."""
        return [(subject, e.version) for subject, entries in sorted(self._subjects.items())
                for e in entries if e.id == schema_id and (deleted or not e.deleted)]

    def subjects(self, *, deleted: bool = False, deleted_only: bool = False, prefix: str = "") -> list[str]:
        found = []
        for subject, entries in sorted(self._subjects.items()):
            live = any(not e.deleted for e in entries)
            if subject.startswith(prefix) and (
                (not live) if deleted_only else (live or deleted)
            ):
                found.append(subject)
        return found

    def versions(self, subject: str, *, deleted: bool = False, deleted_only: bool = False) -> list[int]:
        entries = self._visible(subject, deleted=deleted or deleted_only)
        return [e.version for e in entries if e.deleted or not deleted_only]

    def get(self, subject: str, version: int | None, *, deleted: bool = False) -> Version:
        """A version of a subject; `None` is the latest."""
        entries = self._visible(subject, deleted=deleted)
        entry = entries[-1] if version is None else self._find(subject, entries, version)
        return self._version(subject, entry)

    def lookup(self, subject: str, schema: AvroSchema, *, deleted: bool = False) -> Version:
        """The version of `subject` that registered `schema` (the earliest, if several did)."""
        for entry in self._visible(subject, deleted=deleted):
            if self._schemas[entry.id] == schema:
                return self._version(subject, entry)
        raise SchemaNotFound(f"Schema not found under subject '{subject}'")

    def level(self, subject: str | None = None, *, default_to_global: bool = True) -> Level:
        if subject is None:
            return self._global
        if subject in self._levels:
            return self._levels[subject]
        if not default_to_global:
            raise SubjectLevelNotConfigured(subject)
        return self._global

    def test(self, subject: str, schema: AvroSchema, version: int | None, *,
             all_versions: bool = False) -> list[str]:
        """Why `schema` could not follow the subject's version (latest if None) or all its versions."""
        level = self.level(subject)
        if level is Level.NONE:
            return []
        if version is None:
            live = [e for e in self._subjects.get(subject, []) if not e.deleted]
            targets = live if all_versions else live[-1:]
        else:
            targets = [self._find(subject, self._visible(subject), version)]
        return check(level, schema, [(e.version, self._schemas[e.id]) for e in targets])

    # -- writes --------------------------------------------------------------------------------

    def register(self, subject: str, schema: AvroSchema) -> int:
        """The id of `schema` under `subject`: existing if already a live version, else a new version."""
        live = [e for e in self._subjects.get(subject, []) if not e.deleted]
        for entry in live:
            if self._schemas[entry.id] == schema:
                return entry.id
        level = self.level(subject)
        if level is not Level.NONE:
            problems = check(level, schema, [(e.version, self._schemas[e.id]) for e in live])
            if problems:
                raise IncompatibleSchema(subject, level, problems)
        with self._saving():
            schema_id = self._ids.get(schema.canonical)
            if schema_id is None:
                schema_id = max(self._schemas, default=0) + 1
                self._schemas[schema_id] = schema
                self._ids[schema.canonical] = schema_id
            entries = self._subjects.setdefault(subject, [])
            version = max((e.version for e in entries), default=0) + 1
            entries.append(_Entry(version, schema_id))
        return schema_id

    def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        """Soft-delete every live version, or (permanent) drop a soft-deleted subject; the versions."""
        entries = self._subjects.get(subject)
        if not entries:
            raise SubjectNotFound(subject)
        live = [e for e in entries if not e.deleted]
        if permanent and live:
            raise SubjectNotSoftDeleted(subject)
        if not permanent and not live:
            raise SubjectSoftDeleted(subject)
        with self._saving():
            if permanent:
                del self._subjects[subject]
            else:
                self._subjects[subject] = [replace(e, deleted=True) for e in entries]
            self._levels.pop(subject, None)
        return [e.version for e in (entries if permanent else live)]

    def delete_version(self, subject: str, version: int | None, *, permanent: bool = False) -> int:
        """Soft-delete a live version, or (permanent) drop a soft-deleted one; `None` is the latest."""
        soft_deleted = {e.version for e in self._subjects.get(subject, []) if e.deleted}
        if not permanent and version in soft_deleted:
            raise VersionSoftDeleted(subject, version)
        entries = self._visible(subject, deleted=permanent)
        entry = entries[-1] if version is None else self._find(subject, entries, version)
        if permanent and not entry.deleted:
            raise VersionNotSoftDeleted(subject, entry.version)
        with self._saving():
            if permanent:
                kept = [e for e in self._subjects[subject] if e is not entry]
            else:
                kept = [replace(e, deleted=True) if e is entry else e for e in self._subjects[subject]]
            if kept:
                self._subjects[subject] = kept
            else:
                del self._subjects[subject]
        return entry.version

    def set_level(self, subject: str | None, level: Level) -> Level:
        with self._saving():
            if subject is None:
                self._global = level
            else:
                self._levels[subject] = level
        return level

    def delete_level(self, subject: str | None) -> Level:
        """Forget a subject's level (or reset the global one); the level it had."""
        old = self.level(subject, default_to_global=False)
        with self._saving():
            if subject is None:
                self._global = DEFAULT_LEVEL
            else:
                del self._levels[subject]
        return old

    # -- internals -----------------------------------------------------------------------------

    def _visible(self, subject: str, *, deleted: bool = False) -> list[_Entry]:
        entries = [e for e in self._subjects.get(subject, []) if deleted or not e.deleted]
        if not entries:
            raise SubjectNotFound(subject)
        return entries

    def _find(self, subject: str, entries: list[_Entry], version: int) -> _Entry:
        for entry in entries:
            if entry.version == version:
                return entry
        raise VersionNotFound(subject, version)

    def _version(self, subject: str, entry: _Entry) -> Version:
        return Version(subject, entry.version, entry.id, self._schemas[entry.id], entry.deleted)

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        """Apply a change and write the store; if the write fails, take the change back."""
        before = (dict(self._schemas), dict(self._ids),
                  {s: list(e) for s, e in self._subjects.items()}, self._global, dict(self._levels))
        yield
        if self._store is None:
            return
        try:
            storage.save(self._store, self._state())
        except StoreError:
            (self._schemas, self._ids, self._subjects, self._global, self._levels) = before
            raise

    def _state(self) -> dict[str, Any]:
        return {
            "schemas": {str(i): s.canonical for i, s in sorted(self._schemas.items())},
            "subjects": {s: [[e.version, e.id, e.deleted] for e in entries]
                         for s, entries in sorted(self._subjects.items())},
            "compatibility": str(self._global),
            "subject_compatibility": {s: str(level) for s, level in sorted(self._levels.items())},
        }

    def _restore(self, saved: dict[str, Any], path: Path) -> None:
        try:
            for key, text in saved["schemas"].items():
                schema = parse(text)
                self._schemas[int(key)] = schema
                self._ids[schema.canonical] = int(key)
            for subject, rows in saved["subjects"].items():
                self._subjects[subject] = [_Entry(int(v), int(i), bool(d)) for v, i, d in rows]
            self._global = Level.parse(saved["compatibility"])
            self._levels = {s: Level.parse(v) for s, v in saved["subject_compatibility"].items()}
        except (KeyError, TypeError, ValueError, RegistryError) as exc:
            raise StoreError(
                f"the store {path} is damaged ({type(exc).__name__}: {exc}); move it away to start empty"
            ) from exc
