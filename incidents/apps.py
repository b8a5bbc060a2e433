from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

BUNDLED_FILES = ("deaths-in-custody.csv", "other-incidents.csv")


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents and evidence")

    def ready(self) -> None:
        from incidents import signals  # noqa: F401 - connects the cache invalidation receivers

    def bundled_data(self) -> list[tuple[str, list[str]]]:
        """The real, sourced incidents shipped in data/incidents/, loaded as public incidents."""
        folder = settings.BASE_DIR / "data" / "incidents"
        return [("import_incidents", [str(folder / name) for name in BUNDLED_FILES])]
