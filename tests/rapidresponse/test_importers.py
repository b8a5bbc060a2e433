import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from icetracker.pagecache import VERSION_KEY
from imports.models import ImportRun
from rapidresponse.models import NationalResource, RapidResponseNetwork

pytestmark = pytest.mark.django_db

HEADER = (
    "state,region,organization_name,hotline_phone,hotline_hours,website_url,"
    "provides_rapid_response,provides_legal_aid,provides_know_your_rights,languages,"
    "source_url,source_seen_date\n"
)
GOOD = "TX,Houston,Example Hotline,833-HOU-IMMI,24/7,https://example.org,yes,no,yes,English; Spanish,https://news.example.org/a,2025-10\n"


def run(command: str, path: Path, *args: str) -> str:
    out = StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def csv_file(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "networks.csv"
    path.write_text(header + "".join(rows))
    return path


def test_the_real_file_loads_every_row(real_data):
    networks = RapidResponseNetwork.objects
    assert networks.count() == 52
    assert networks.filter(state="US").count() == 6
    assert networks.exclude(state="US").values("state").distinct().count() == 26
    assert networks.exclude(hotline_phone="").count() == 35
    assert networks.filter(last_verified__isnull=True).count() == 20
    precisions = {
        p: networks.filter(last_verified_precision=p).count() for p in ("day", "month", "year")
    }
    assert precisions == {"day": 13, "month": 15, "year": 4}
    assert NationalResource.objects.count() == 4


def test_numbers_are_stored_exactly_as_published(real_data):
    phones = set(RapidResponseNetwork.objects.values_list("hotline_phone", flat=True))
    assert {"833-HOU-IMMI", "(971) 412-ACLU / (971) 412-2258", "336.543.0353"} <= phones
    # San Mateo County's number has a Connecticut area code as published: kept, not "fixed".
    san_mateo = RapidResponseNetwork.objects.get(region="San Mateo County")
    assert san_mateo.hotline_phone == "(203) 666-4472"


def test_months_and_years_keep_their_precision(real_data):
    maine = RapidResponseNetwork.objects.get(state="ME")
    assert (maine.last_verified, maine.last_verified_precision) == (
        datetime.date(2025, 10, 1),
        "month",
    )
    assert maine.last_verified_iso == "2025-10"
    florida = RapidResponseNetwork.objects.get(state="FL", hotline_phone="888-600-5762")
    assert florida.last_verified_iso == "2025"


def test_languages_become_codes_plus_the_published_note(real_data):
    florida = RapidResponseNetwork.objects.get(state="FL", hotline_phone="888-600-5762")
    assert florida.languages == ["en", "es", "ht"]
    assert "call-backs in other languages" in florida.languages_note
    san_diego = RapidResponseNetwork.objects.get(region="San Diego County")
    assert (san_diego.languages, san_diego.languages_note) == (["en", "es"], "")


def test_a_source_that_is_not_a_url_is_kept_as_a_note(real_data):
    ilrc = RapidResponseNetwork.objects.get(website_url="https://www.ilrc.org/red-cards")
    assert ilrc.source_url == ""
    assert ilrc.source_note.startswith("github find_string")


def test_second_run_changes_nothing(networks_csv, resources_csv):
    run("import_networks", networks_csv)
    output = run("import_networks", networks_csv)
    assert "created 0, updated 0, unchanged 52, failed 0" in output
    run("import_national_resources", resources_csv)
    output = run("import_national_resources", resources_csv)
    assert "created 0, updated 0, unchanged 4, failed 0" in output
    assert RapidResponseNetwork.history.count() == 52


def test_dry_run_counts_exactly_and_writes_nothing(networks_csv):
    output = run("import_networks", networks_csv, "--dry-run")
    assert "[dry run] networks.csv: created 52" in output
    assert RapidResponseNetwork.objects.count() == 0
    assert RapidResponseNetwork.history.count() == 0


def test_a_changed_row_is_updated_with_history(tmp_path):
    run("import_networks", csv_file(tmp_path, GOOD))
    output = run("import_networks", csv_file(tmp_path, GOOD.replace("24/7", "Mon-Fri")))
    assert "created 0, updated 1, unchanged 0" in output
    network = RapidResponseNetwork.objects.get()
    assert network.hotline_hours == "Mon-Fri"
    assert network.history.count() == 2


def test_bad_rows_are_named_by_line_column_and_value_and_nothing_is_written(tmp_path):
    path = csv_file(
        tmp_path,
        GOOD,
        "ZZ,Somewhere,Bad State,555,,,yes,no,yes,,https://x.example.org,2025\n",
        "TX,Dallas,Bad Flags,214-555-0100,,ftp://x.example.org,maybe,no,yes,,https://x.example.org,2025-13\n",
        "TX,Dallas,,214-555-0101,,,yes,no,yes,,,\n",
    )
    with pytest.raises(CommandError, match="nothing written"):
        run("import_networks", path)
    assert RapidResponseNetwork.objects.count() == 0
    errors = {(e["line"], e["column"], e["value"]) for e in ImportRun.objects.get().errors}
    assert (3, "state", "ZZ") in errors
    assert (4, "website_url", "ftp://x.example.org") in errors
    assert (4, "provides_rapid_response", "maybe") in errors
    assert (4, "source_seen_date", "2025-13") in errors
    assert (5, "organization_name", "") in errors
    assert (5, "source_url", "") in errors


def test_the_command_prints_each_error_with_line_and_column(tmp_path):
    path = csv_file(tmp_path, GOOD.replace(",yes,no,yes,", ",yes,no,perhaps,"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_networks", str(path), stdout=StringIO(), stderr=err)
    assert "line 2, column 'provides_know_your_rights'" in err.getvalue()
    assert "'perhaps'" in err.getvalue()


def test_future_dates_and_duplicate_entries_are_rejected(tmp_path):
    future = GOOD.replace("2025-10", f"{timezone.localdate().year + 1}-01-01")
    with pytest.raises(CommandError):
        run("import_networks", csv_file(tmp_path, future))
    with pytest.raises(CommandError):
        run("import_networks", csv_file(tmp_path, GOOD, GOOD))
    messages = [e["message"] for run in ImportRun.objects.all() for e in run.errors]
    assert "is in the future" in messages
    assert any(message.startswith("duplicate key TX / Example Hotline") for message in messages)


def test_lower_case_state_and_bare_host_website(tmp_path):
    row = GOOD.replace("TX,", "tx,", 1).replace("https://example.org", "example.org")
    output = run("import_networks", csv_file(tmp_path, row))
    network = RapidResponseNetwork.objects.get()
    assert (network.state, network.website_url) == ("TX", "https://example.org")
    assert "has no scheme; stored as https://example.org" in output


def test_a_number_that_cannot_be_dialled_is_kept_and_reported(tmp_path):
    output = run("import_networks", csv_file(tmp_path, GOOD.replace("833-HOU-IMMI", "363-1423")))
    assert RapidResponseNetwork.objects.get().hotline_phone == "363-1423"
    assert "no complete number in '363-1423'" in output


def test_admin_edits_are_not_overwritten_unless_asked(tmp_path):
    path = csv_file(tmp_path, GOOD)
    run("import_networks", path)
    network = RapidResponseNetwork.objects.get()
    network.hotline_hours = "Corrected by an editor"
    network.save()  # as the admin does: a history row without an import reason
    output = run("import_networks", path)
    network.refresh_from_db()
    assert network.hotline_hours == "Corrected by an editor"
    assert "was edited in the admin after its last import" in output
    assert "hotline_hours" in output
    run("import_networks", path, "--overwrite")
    network.refresh_from_db()
    assert network.hotline_hours == "24/7"


def test_a_real_import_refreshes_cached_pages_and_a_dry_run_does_not(
    tmp_path, django_capture_on_commit_callbacks
):
    key = VERSION_KEY.format("rapidresponse")
    path = csv_file(tmp_path, GOOD)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run("import_networks", path, "--dry-run")
    assert (callbacks, cache.get(key)) == ([], None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run("import_networks", path)
    assert len(callbacks) == 1
    assert cache.get(key) == 2


def test_national_resource_rows_are_checked(tmp_path):
    path = tmp_path / "resources.csv"
    path.write_text(
        "key,kind,title,url,phone,description,source_url,source_seen_date\n"
        "Bad Key,podcast,Title,,,,https://x.example.org,\n"
        "ok-key,hotline,Title,,,,https://x.example.org,\n"
    )
    with pytest.raises(CommandError):
        run("import_national_resources", path)
    errors = {(e["line"], e["column"]) for e in ImportRun.objects.get().errors}
    assert {(2, "key"), (2, "kind"), (3, "url")} <= errors
    assert NationalResource.objects.count() == 0
