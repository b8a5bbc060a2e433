import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from incidents.apps import IncidentsConfig
from incidents.importers import (
    death_during_enforcement_type,
    is_official_ice_source,
    source_date,
)
from incidents.models import CreatedBy, Evidence, EvidenceType, Incident, Verification

pytestmark = pytest.mark.django_db

DATA = settings.BASE_DIR / "data" / "incidents"
DEATHS = DATA / "deaths-in-custody.csv"
OTHERS = DATA / "other-incidents.csv"

GENERAL_HEADER = "headline,summary,incident_type,incident_date,source_url,source_name"


def run(*paths, dry_run=False) -> str:
    from io import StringIO

    out = StringIO()
    args = [str(path) for path in paths] + (["--dry-run"] if dry_run else [])
    call_command("import_incidents", *args, stdout=out, stderr=out)
    return out.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_deaths_in_custody_file_loads_as_public_verified_or_reported():
    output = run(DEATHS)
    assert "created 57, updated 0, unchanged 0, failed 0" in output
    deaths = Incident.objects.filter(incident_type="death_detention")
    assert deaths.count() == 57
    assert set(deaths.values_list("outcome", flat=True)) == {"died"}
    assert all(i.is_public and i.created_by == CreatedBy.DATA_IMPORT for i in deaths)
    first = deaths.get(victim_name="Julio Cesar Chirino Peralta")
    assert (
        first.headline
        == "Death in ICE custody: Julio Cesar Chirino Peralta, 32, Port Isabel Detention Center"
    )
    assert first.location_detail == "Port Isabel Detention Center"
    assert "Nationality: Nicaragua." in first.summary
    assert first.victim_is_citizen is False
    assert first.verification_status == Verification.VERIFIED
    assert first.outcome_date == first.incident_date
    evidence = first.evidence.get()
    assert evidence.is_primary
    assert evidence.evidence_type == EvidenceType.GOVERNMENT_REPORT
    assert evidence.url == "https://www.ice.gov/doclib/foia/reports/ddrJulioCesarChirinoPeralta.pdf"
    # A news source that only quotes an "ICE statement" stays reported.
    aviles = deaths.get(victim_name="Gabriel Garcia Aviles")
    assert aviles.verification_status == Verification.REPORTED
    assert Counter(deaths.values_list("verification_status", flat=True)) == {
        "verified": 31,
        "reported": 26,
    }
    # the age is optional and the name's alternative spelling stays in victim_name
    xie = deaths.get(victim_name="Huabing Xie")
    assert xie.victim_age is None
    assert ", 32," not in xie.headline
    assert deaths.filter(victim_name__contains="(Brayan Garzon-Rayo)").exists()


def test_real_other_incidents_file_maps_types_and_citizenship():
    output = run(OTHERS)
    assert "created 12, updated 0, unchanged 0, failed 0" in output
    by_name = {i.victim_name: i for i in Incident.objects.all()}
    assert by_name["Julio Noriega"].incident_type == "citizen_detained"
    assert by_name["Julio Noriega"].victim_is_citizen is True
    assert by_name["Julio Noriega"].outcome == "released"
    assert by_name["Adrian Andrew Martinez"].incident_type == "citizen_detained"
    assert by_name["Marimar Martinez"].incident_type == "agent_violence"
    assert by_name["Renee Nicole Good"].incident_type == "ice_killing"
    assert by_name["Renee Nicole Good"].outcome == "died"
    assert by_name["Silverio Villegas Gonzalez"].incident_type == "ice_killing"
    assert by_name["Silverio Villegas Gonzalez"].victim_is_citizen is False
    castro = by_name["Josue Castro Rivera (ICE: Jose Castro-Rivera)"]
    assert castro.incident_type == "vehicle_incident"
    assert castro.headline.startswith("Josue Castro Rivera, 24, died during")
    assert (
        "Citizenship as reported: U.S. citizen, U.S. Army veteran."
        in by_name["George Retes"].summary
    )
    assert by_name["George Retes"].headline == (
        "US citizen George Retes, 25, detained by immigration agents in Camarillo, CA"
    )
    assert Evidence.objects.filter(is_primary=True).count() == 12
    retes = by_name["George Retes"].evidence.get()
    assert retes.source_name == "CBS News Los Angeles (Feb 25, 2026)"
    assert retes.captured_date == datetime.date(2026, 2, 25)
    assert not Incident.objects.filter(headline__icontains="170").exists()


def test_bundled_data_names_both_files_and_load_is_idempotent():
    [(command, paths)] = IncidentsConfig.bundled_data(None)
    assert command == "import_incidents"
    assert [Path(p).name for p in paths] == ["deaths-in-custody.csv", "other-incidents.csv"]
    run(*paths)
    assert "created 0, updated 0, unchanged 57" in run(*paths)
    assert Incident.objects.count() == 69


def test_dry_run_writes_nothing_but_counts_exactly():
    output = run(DEATHS, dry_run=True)
    assert "[dry run]" in output
    assert "created 57" in output
    assert Incident.objects.count() == 0


def test_editor_changes_are_not_overwritten_and_unpublished_stays_unpublished(django_user_model):
    run(OTHERS)
    editor = django_user_model.objects.create(username="ed")
    incident = Incident.objects.get(victim_name="Julio Noriega")
    incident.summary = "Edited by an editor."
    incident.is_public = False
    incident._history_user = editor
    incident.save()
    output = run(OTHERS)
    assert "was edited in the admin" in output
    incident.refresh_from_db()
    assert incident.summary == "Edited by an editor."
    assert incident.is_public is False


def test_file_changes_update_the_incident_and_its_source(tmp_path):
    text = OTHERS.read_text()
    run(OTHERS)
    changed = text.replace("Noriega,54,", "Noriega,55,").replace(
        "VisaVerge,", "VisaVerge (updated),"
    )
    output = run(write(tmp_path, "other-incidents.csv", changed))
    assert "created 0, updated 1, unchanged 11" in output
    noriega = Incident.objects.get(victim_name="Julio Noriega")
    assert noriega.victim_age == 55
    assert noriega.evidence.get().source_name == "VisaVerge (updated)"


def test_aggregate_report_is_refused_with_its_line_and_nothing_is_written(tmp_path):
    rows = OTHERS.read_text().splitlines()
    rows.append(
        '2025-10,aggregate_report,(more than 170 U.S. citizens),,U.S. citizens,,US,"Counted.",'
        "Common Dreams,https://www.commondreams.org/news/ice-detaining-us-citizens,,"
    )
    path = write(tmp_path, "other.csv", "\n".join(rows) + "\n")
    with pytest.raises(CommandError):
        output = run(path)
    output = _last_output(path)
    assert "line 14, column 'incident_type'" in output
    assert "aggregate report is not an incident" in output
    assert Incident.objects.count() == 0


def _last_output(path: Path) -> str:
    from imports.commands import format_error
    from imports.models import ImportRun

    run_ = ImportRun.objects.filter(file_name=path.name).latest("pk")
    return "\n".join(format_error(error) for error in run_.errors)


def test_privacy_rules_apply_to_imports(tmp_path):
    path = write(
        tmp_path,
        "general.csv",
        f"{GENERAL_HEADER},victim_name,agent_name\n"
        "Man detained,Call his family at 555-123-4567.,citizen_detained,2025-01-02,"
        "https://news.example.org/a,Example News,Someone,\n"
        "Agent named,Detained at a bus stop.,citizen_detained,2025-01-03,"
        "https://news.example.org/b,Example News,,Officer Jones\n"
        "Home address,Taken from 1234 Elm Street.,citizen_detained,2025-01-04,"
        "https://news.example.org/c,Example News,,\n",
    )
    with pytest.raises(CommandError):
        run(path)
    errors = _last_output(path)
    assert "line 2, column 'summary'" in errors
    assert "contact details" in errors
    assert "line 3, column 'agent_name'" in errors
    assert "line 4, column 'summary'" in errors
    assert "street addresses" in errors
    assert Incident.objects.count() == 0


def test_bad_cells_are_reported_by_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "general.csv",
        f"{GENERAL_HEADER},state\n"
        "A,B,teleportation,2025-01-02,https://news.example.org/a,News,TX\n"
        "A,B,citizen_detained,02/01/2025,https://news.example.org/b,News,TX\n"
        "A,B,citizen_detained,2025-01-02,javascript:alert(1),News,Texas\n"
        "A,B,citizen_detained,2025-01-02,https://news.example.org/a,News,TX\n",
    )
    with pytest.raises(CommandError):
        run(path)
    errors = _last_output(path)
    assert "line 2, column 'incident_type'" in errors
    assert "line 3, column 'incident_date'" in errors
    assert "line 4, column 'source_url'" in errors
    assert "line 4, column 'state'" in errors
    assert Incident.objects.count() == 0


def test_general_layout_in_json_with_line_numbers_and_drafts_by_default(tmp_path):
    records = [
        {
            "headline": "Raid at a church",
            "summary": "Agents entered during a service.",
            "incident_type": "sensitive_location",
            "incident_date": "2025-03-02",
            "state": "GA",
            "victim_count": 12,
            "victim_is_citizen": None,
            "verification_status": "verified",
            "source_url": "https://news.example.org/church",
            "source_name": "Example News",
            "source_type": "news_article",
            "source_date": "2025-03-03",
        },
        {
            "headline": "Published one",
            "summary": "Published straight away.",
            "incident_type": "rights_violation",
            "incident_date": "2025-03-04",
            "source_url": "https://news.example.org/other",
            "source_name": "Example News",
            "is_public": True,
        },
    ]
    path = write(tmp_path, "incidents.json", json.dumps(records, indent=2))
    assert "created 2" in run(path)
    church = Incident.objects.get(headline="Raid at a church")
    assert church.is_public is False  # the general layout imports drafts unless told
    assert church.victim_count == 12
    assert church.verification_status == "verified"
    assert church.evidence.get().captured_date == datetime.date(2025, 3, 3)
    assert Incident.objects.get(headline="Published one").is_public is True
    assert "unchanged 2" in run(path)


def test_json_errors_name_the_line(tmp_path):
    bad = '[\n  {"headline": "A"},\n  {"headline": "B", "summary": "x", "incident_type": "nope",\n'
    bad += '   "incident_date": "2025-01-01", "source_url": "https://a.example",\n'
    bad += '   "source_name": "N"}\n]'
    path = write(tmp_path, "bad.json", bad)
    with pytest.raises(CommandError):
        run(path)
    assert "line 2" in _last_output(path)
    assert "missing required key" in _last_output(path)
    path = write(tmp_path, "broken.json", '[\n  {"headline": "A",,}\n]')
    with pytest.raises(CommandError):
        run(path)
    assert "line 2" in _last_output(path)
    assert "invalid JSON" in _last_output(path)
    path = write(tmp_path, "extra.json", '[{"headline": "A", "agent_phone": "1"}]')
    with pytest.raises(CommandError):
        run(path)
    assert "unexpected key(s): agent_phone" in _last_output(path)


def test_deaths_file_in_json_uses_the_same_layout(tmp_path):
    import csv

    with DEATHS.open(newline="") as handle:
        records = list(csv.DictReader(handle))[:3]
    path = write(tmp_path, "deaths.json", json.dumps(records))
    assert "created 3" in run(path)
    assert Incident.objects.filter(incident_type="death_detention").count() == 3
    # the same natural key: the CSV then only adds the others
    assert "created 54, updated 0, unchanged 3" in run(DEATHS)


@pytest.mark.parametrize(
    ("name", "url", "official"),
    [
        ("ICE Detainee Death Report (URL as listed in ...)", "https://www.ice.gov/a.pdf", True),
        ("VisaVerge (ICE releases)", "https://www.visaverge.com/x", True),
        ("ICE press release (via pubt.io, Oct 28, 2025)", "https://pubt.io/x", True),
        ("El Diario NY (ICE statement)", "https://eldiariony.com/x", False),
        ("Sen. Warnock/Ossoff press release", "https://www.warnock.senate.gov/x", False),
        ("Some blog", "https://ice.gov.evil.example/x", False),
    ],
)
def test_official_ice_source_rule(name, url, official):
    assert is_official_ice_source(name, url) is official


def test_source_dates_and_death_type_rules():
    assert source_date("KCUR (Oct 9, 2025)", "https://x") == datetime.date(2025, 10, 9)
    assert source_date("Texas Public Radio (Sept 19, 2026)", "https://x") == datetime.date(
        2026, 9, 19
    )
    assert source_date("News", "https://x.org/2025/04/17/story/") == datetime.date(2025, 4, 17)
    assert source_date("News", "https://x.org/news/2026-02-27/story") == datetime.date(2026, 2, 27)
    assert source_date("News", "https://x.org/story") is None
    assert (
        death_during_enforcement_type("was fatally struck by a pickup on I-264")
        == "vehicle_incident"
    )
    assert death_during_enforcement_type("Shot and killed by an ICE officer") == "ice_killing"
    assert death_during_enforcement_type("Died of a heart attack") is None
