from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds.models import FeedSource
from feeds.services import ingest_source


class Command(BaseCommand):
    help = (
        "Fetch feeds now, without Celery, and queue the items that match the keywords. "
        "Prints per source: fetched, new, duplicate, filtered out, errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", metavar="NAME", help="Only this source (repeatable)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also poll sources still backing off after errors or a Retry-After.",
        )

    def sources(self, options: dict[str, Any]) -> list[FeedSource]:
        if options["source"]:
            sources = list(FeedSource.objects.filter(name__in=options["source"]))
            missing = set(options["source"]) - {source.name for source in sources}
            if missing:
                raise CommandError("no feed source named " + ", ".join(sorted(missing)))
            return sources
        queryset = FeedSource.objects.active() if options["force"] else FeedSource.objects.due()
        return list(queryset.order_by("name"))

    def handle(self, *args: Any, **options: Any) -> None:
        sources = self.sources(options)
        if not sources:
            self.stdout.write("No feed source is due.")
            return
        failed = 0
        for source in sources:
            result = ingest_source(source=source)
            style = self.style.ERROR if result.status == "error" else self.style.SUCCESS
            self.stdout.write(style(f"{source.name}: {result.summary()}"))
            for error in result.errors:
                self.stdout.write(f"  {error}")
            failed += result.status == "error"
        self.stdout.write(f"{len(sources)} source(s) polled, {failed} with errors.")
