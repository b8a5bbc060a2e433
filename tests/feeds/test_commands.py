"""poll_feeds, load_feed_sources and the bundled feed list."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from feeds.models import FeedItem, FeedSource, KeywordMode
from tests.feeds.conftest import Reply

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("poll_feeds", *args, stdout=out)
    return out.getvalue()


def test_poll_feeds_prints_a_summary_per_source_and_survives_a_broken_one(feed_server, make_source):
    feed_server.serve_feed("/good.xml", "rss20.xml")
    feed_server.serve("/bad.xml", Reply(500))
    make_source("/good.xml", name="Good")
    make_source("/bad.xml", name="Bad")
    output = run()
    assert "Good: fetched 4, new 3, duplicate 0, filtered out 1, errors 0" in output
    assert "Bad: fetched 0, new 0, duplicate 0, filtered out 0, errors 1" in output
    assert "HTTP 500" in output
    assert FeedItem.objects.count() == 3


def test_poll_feeds_one_source_by_name(feed_server, make_source):
    feed_server.serve_feed("/a.xml", "guid_a.xml")
    feed_server.serve_feed("/b.xml", "guid_b.xml")
    make_source("/a.xml", name="A")
    make_source("/b.xml", name="B")
    output = run("--source", "B")
    assert output.startswith("B: fetched 3, new 3")
    assert feed_server.hits("/a.xml") == 0


def test_poll_feeds_unknown_source_is_a_command_error(db):
    with pytest.raises(CommandError, match="no feed source named Nope"):
        run("--source", "Nope")


def test_poll_feeds_skips_sources_backing_off_unless_forced(feed_server, make_source):
    feed_server.serve("/feed.xml", Reply(500))
    make_source()
    run()
    assert "No feed source is due." in run()
    assert "errors 1" in run("--force")


def test_the_bundled_feed_list_loads_idempotently():
    [(command, args)] = apps.get_app_config("feeds").bundled_data()
    out = StringIO()
    call_command(command, *args, stdout=out)
    assert "failed 0" in out.getvalue()
    count = FeedSource.objects.count()
    assert count >= 6
    names = set(FeedSource.objects.values_list("name", flat=True))
    assert {"ACLU News", "ICE News Releases", "DHS News"} <= names
    assert all(
        url.startswith("https://") for url in FeedSource.objects.values_list("url", flat=True)
    )
    FeedSource.objects.filter(name="DHS News").update(active=False)
    out = StringIO()
    call_command(command, *args, stdout=out)
    assert f"created 0, updated 0, unchanged {count}" in out.getvalue()
    assert not FeedSource.objects.get(name="DHS News").active, "editors' changes are kept"


def test_load_feed_sources_reports_bad_rows_by_line(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text(
        "name,url,keyword_mode,keywords\n"
        "Fine,https://fine.example.org/feed,inherit,\n"
        "Bad URL,javascript:alert(1),inherit,\n"
        "No keywords,https://nokw.example.org/feed,replace,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_feed_sources", str(path), stdout=StringIO(), stderr=err)
    assert "line 3" in err.getvalue()
    assert "line 4" in err.getvalue()
    assert not FeedSource.objects.exists(), "a file with a bad row writes nothing"


def test_load_feed_sources_keyword_overrides(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text(
        "name,url,keyword_mode,keywords\n"
        'Own,https://own.example.org/feed,replace,"Border Patrol, migrants"\n'
    )
    call_command("load_feed_sources", str(path), stdout=StringIO())
    source = FeedSource.objects.get()
    assert source.keyword_mode == KeywordMode.REPLACE
    assert source.keywords == "border patrol\nmigrants"
