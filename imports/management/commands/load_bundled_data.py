"""Load every dataset the apps ship, in app order. Idempotent: a second run changes nothing.

Each app lists its bundled files with a `bundled_data()` method on its AppConfig, returning
(command name, arguments) pairs that are run with call_command.
"""

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Load the real, sourced data that ships with the project (used by `make run`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            bundled = getattr(config, "bundled_data", None)
            if bundled is None:
                continue
            for command, arguments in bundled():
                self.stdout.write(self.style.MIGRATE_HEADING(f"{config.label}: {command}"))
                extra = ["--dry-run"] if options["dry_run"] else []
                call_command(command, *arguments, *extra, stdout=self.stdout, stderr=self.stderr)
