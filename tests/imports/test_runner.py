"""The import contract, exercised with a minimal importer that writes auth groups."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from imports.commands import ImportCommand
from imports.models import ImportRun
from imports.runner import Counts, Importer, run_import, upsert
from staff.roles import ROLES

pytestmark = pytest.mark.django_db


class GroupImporter(Importer):
    importer = "test.groups"
    source_name = "Test"
    required_columns = ("name", "size")

    def parse(self, row):
        return {"name": row.text("name", required=True), "size": row.integer("size", minimum=0)}

    def key(self, record):
        return record["name"]

    def check(self, parsed):
        return [f"line {p.line}: size 0" for p in parsed if p.record["size"] == 0]

    def write(self, parsed, run):
        return upsert(
            Group, [{"name": p.record["name"]} for p in parsed], key_fields=("name",), run=run
        )


def imported_groups():
    # The staff role groups (staff/roles.py) exist in every database; count only the rest.
    return Group.objects.exclude(name__in=ROLES)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "groups.csv"
    path.write_text(text)
    return path


def test_import_creates_then_second_run_is_unchanged(tmp_path):
    path = write(tmp_path, "name,size\nalpha,1\nbeta,2\n")
    first = run_import(GroupImporter(), path)
    second = run_import(GroupImporter(), path)
    assert (first.status, first.created, first.unchanged) == ("succeeded", 2, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert imported_groups().count() == 2


def test_dry_run_counts_exactly_and_writes_nothing(tmp_path):
    run = run_import(GroupImporter(), write(tmp_path, "name,size\nalpha,1\n"), dry_run=True)
    assert (run.status, run.created, run.dry_run) == ("succeeded", 1, True)
    assert not imported_groups().exists()
    assert ImportRun.objects.filter(pk=run.pk).exists()


def test_a_bad_row_fails_the_file_and_writes_nothing(tmp_path):
    run = run_import(GroupImporter(), write(tmp_path, "name,size\nalpha,1\nbeta,many\ngamma,-2\n"))
    assert run.status == "failed"
    assert (run.rows_read, run.failed) == (3, 2)
    assert run.errors[0]["line"] == 3
    assert run.errors[0]["column"] == "size"
    assert run.errors[0]["value"] == "many"
    assert not imported_groups().exists()


def test_duplicate_key_inside_a_file_is_an_error(tmp_path):
    run = run_import(GroupImporter(), write(tmp_path, "name,size\nalpha,1\nalpha,2\n"))
    assert run.status == "failed"
    assert "duplicate key alpha; first seen on line 2" in run.errors[0]["message"]
    assert run.errors[0]["line"] == 3


def test_file_format_errors_are_recorded_on_the_run(tmp_path):
    run = run_import(GroupImporter(), write(tmp_path, ""))
    assert run.status == "failed"
    assert run.errors == [
        {"line": 1, "column": None, "value": None, "message": "the file is empty"}
    ]


def test_quality_warnings_are_kept_on_the_run(tmp_path):
    run = run_import(GroupImporter(), write(tmp_path, "name,size\nalpha,0\n"))
    assert run.warnings == ["line 2: size 0"]


class Command(ImportCommand):
    importer_class = GroupImporter


def test_command_reports_counts_and_exits_non_zero_on_bad_input(tmp_path, capsys):
    good = write(tmp_path, "name,size\nalpha,1\n")
    call_command(Command(), str(good))
    assert "created 1, updated 0, unchanged 0, failed 0" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("name;size\nx;1\n")
    with pytest.raises(CommandError, match="nothing written for: bad.csv"):
        Command().handle(paths=[bad], dry_run=False)


def test_counts_add_up():
    total = Counts(1, 2, 3)
    total += Counts(1, 1, 1)
    assert (total.created, total.updated, total.unchanged) == (2, 3, 4)
