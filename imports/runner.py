"""Run an importer over one file: parse everything, then write atomically, and record the run.

The contract every importer gets for free:
- every bad cell of every row is reported by line, column and value;
- a file with any bad row (or a duplicate key) writes nothing;
- `dry_run` does the full write inside a transaction and rolls it back, so its counts are exact;
- a second run over the same data creates nothing and updates nothing;
- every run, failed or not, is kept as an `ImportRun`.
"""

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone

from imports.csvfile import CellError, FileFormatError, Row, read_csv
from imports.models import ImportRun

MAX_STORED_ERRORS = 1000
BATCH_SIZE = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass
class Parsed:
    """A parsed row: its line in the file and the record the importer made of it."""

    line: int
    record: Any


class DryRunRollback(Exception):
    """Raised inside the write transaction of a dry run to undo it."""


class Importer(ABC):
    importer: ClassVar[str]
    source_name: ClassVar[str]
    source_url: ClassVar[str] = ""
    required_columns: ClassVar[Sequence[str]]
    optional_columns: ClassVar[Sequence[str]] = ()

    def read(self, data: bytes) -> Iterable[Row]:
        return read_csv(data, required=self.required_columns, optional=self.optional_columns)

    @abstractmethod
    def parse(self, row: Row) -> Any:
        """Turn a row into a record; record problems with row.error() or the typed accessors."""

    @abstractmethod
    def key(self, record: Any) -> Hashable:
        """The natural key of a record; two rows with the same key in one file are an error."""

    def describe_key(self, key: Hashable) -> str:
        return str(key)

    def check(self, parsed: list[Parsed]) -> list[str]:
        """Data-quality warnings about the whole file (reported, never merged silently)."""
        return []

    @abstractmethod
    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        """Write the records; runs inside a transaction."""


def _parse_all(importer: Importer, data: bytes) -> tuple[list[Parsed], list[CellError], int]:
    parsed: list[Parsed] = []
    errors: list[CellError] = []
    bad_rows = 0
    first_line: dict[Hashable, int] = {}
    for row in importer.read(data):
        record = importer.parse(row)
        if not row.errors:
            key = importer.key(record)
            if key in first_line:
                described = importer.describe_key(key)
                row.error(None, f"duplicate key {described}; first seen on line {first_line[key]}")
            else:
                first_line[key] = row.line
        if row.errors:
            bad_rows += 1
            errors.extend(row.errors)
        else:
            parsed.append(Parsed(row.line, record))
    return parsed, errors, bad_rows


def _finish(run: ImportRun, status: str, **fields: Any) -> ImportRun:
    for name, value in fields.items():
        setattr(run, name, value)
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def run_import(
    importer: Importer, path: Path, *, dry_run: bool = False, triggered_by: str = ""
) -> ImportRun:
    data = path.read_bytes()
    run = ImportRun.objects.create(
        importer=importer.importer,
        source_name=importer.source_name,
        source_url=importer.source_url,
        file_name=path.name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
        triggered_by=triggered_by,
    )
    try:
        parsed, errors, bad_rows = _parse_all(importer, data)
    except FileFormatError as exc:
        return _finish(run, ImportRun.Status.FAILED, errors=[exc.as_dict()])
    rows_read = len(parsed) + bad_rows
    if errors:
        stored = [error.as_dict() for error in errors[:MAX_STORED_ERRORS]]
        if len(errors) > MAX_STORED_ERRORS:
            stored.append(
                {
                    "line": None,
                    "column": None,
                    "value": None,
                    "message": f"{len(errors) - MAX_STORED_ERRORS} more errors not stored",
                }
            )
        return _finish(
            run, ImportRun.Status.FAILED, rows_read=rows_read, failed=bad_rows, errors=stored
        )
    warnings = importer.check(parsed)
    try:
        with transaction.atomic():
            counts = importer.write(parsed, run)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return _finish(
        run,
        ImportRun.Status.SUCCEEDED,
        rows_read=rows_read,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        warnings=warnings,
    )


def _normalise(field: models.Field, value: Any) -> Any:
    if value is not None and isinstance(field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def upsert(
    model: type[models.Model],
    records: Iterable[dict[str, Any]],
    *,
    key_fields: Sequence[str],
    run: ImportRun | None = None,
    scope: models.Q | None = None,
) -> Counts:
    """Create missing rows and update changed ones, matching on `key_fields`.

    Unchanged rows are not written at all. Rows written get `import_run=run` when the model has
    that field, and history rows when the model is tracked by django-simple-history.
    """
    meta = model._meta
    has_run = any(f.name == "import_run" for f in meta.get_fields())
    existing = {
        tuple(getattr(obj, name) for name in key_fields): obj
        for obj in model.objects.filter(scope or models.Q())
    }
    counts = Counts()
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for record in records:
        values = {name: _normalise(meta.get_field(name), value) for name, value in record.items()}
        obj = existing.get(tuple(values[name] for name in key_fields))
        if obj is None:
            to_create.append(model(**values, **({"import_run": run} if has_run else {})))
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        changed_fields.update(changed)
        to_update.append(obj)
    if has_run and to_update:
        for obj in to_update:
            obj.import_run = run
        changed_fields.add("import_run")
    if to_update and any(f.name == "updated_at" for f in meta.get_fields()):
        now = timezone.now()
        for obj in to_update:
            obj.updated_at = now
        changed_fields.add("updated_at")
    _bulk_write(model, to_create, to_update, sorted(changed_fields), run)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _bulk_write(
    model: type[models.Model],
    to_create: list[models.Model],
    to_update: list[models.Model],
    fields: list[str],
    run: ImportRun | None,
) -> None:
    reason = f"import run {run.pk}" if run else "import"
    if hasattr(model, "history"):
        from simple_history.utils import bulk_create_with_history, bulk_update_with_history

        if to_create:
            bulk_create_with_history(
                to_create, model, batch_size=BATCH_SIZE, default_change_reason=reason
            )
        if to_update:
            bulk_update_with_history(
                to_update, model, fields, batch_size=BATCH_SIZE, default_change_reason=reason
            )
        return
    if to_create:
        model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
