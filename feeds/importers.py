"""Importer for the bundled list of feed sources (data/feeds/sources.csv).

The CSV seeds sources: a source that already exists (same canonical URL or same name) is left
as it is, because from then on editors manage it in the admin (they may have deactivated it or
changed its keywords), and `make run` must not undo their work.
"""

from collections.abc import Hashable

from django.db.models import Q

from feeds.canonical import NotCanonical, canonicalise_url
from feeds.models import FeedSource, KeywordMode, split_keywords
from imports.csvfile import Row
from imports.models import ImportRun
from imports.runner import Counts, Importer, Parsed, upsert


class FeedSourceImporter(Importer):
    importer = "feeds.sources"
    source_name = "Feed sources bundled with the tracker"
    required_columns = ("name", "url")
    optional_columns = ("homepage", "active", "keyword_mode", "keywords", "notes")

    def parse(self, row: Row) -> dict:
        record = {
            "name": row.text("name", required=True, max_length=200),
            "url": row.url("url", required=True),
            "homepage": row.url("homepage"),
            "active": row.boolean("active"),
            "keyword_mode": row.choice("keyword_mode", KeywordMode.values) or KeywordMode.INHERIT,
            "keywords": "\n".join(split_keywords(row.text("keywords"))),
            "notes": row.text("notes"),
        }
        if record["active"] is None:
            record["active"] = True
        if record["url"]:
            try:
                record["url"] = canonicalise_url(record["url"])
            except NotCanonical as exc:
                row.error("url", str(exc), row.raw("url"))
        if record["keyword_mode"] != KeywordMode.INHERIT and not record["keywords"]:
            row.error("keywords", "a source that extends or replaces keywords needs some")
        return record

    def key(self, record: dict) -> Hashable:
        return record["url"]

    def write(self, parsed: list[Parsed], run: ImportRun) -> Counts:
        records = [item.record for item in parsed]
        urls = [record["url"] for record in records]
        names = [record["name"] for record in records]
        existing = FeedSource.objects.filter(Q(url__in=urls) | Q(name__in=names))
        taken = {value for pair in existing.values_list("url", "name") for value in pair}
        new = [r for r in records if r["url"] not in taken and r["name"] not in taken]
        counts = upsert(FeedSource, new, key_fields=["url"], scope=Q(url__in=urls))
        counts.unchanged += len(records) - len(new)
        return counts
