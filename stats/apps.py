from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Official statistics")

    def ready(self) -> None:
        from stats import signals

        signals.connect()

    def bundled_data(self) -> list[tuple[str, list[str]]]:
        """The statistics the project ships (data/stats/, see its README for provenance).

        Detention statistics first: the annual figures are checked against them.
        """
        from django.conf import settings

        base = settings.BASE_DIR / "data" / "stats"
        return [
            ("import_detention_stats", [str(base / "ice-detention-stats")]),
            ("import_annual_figures", [str(base / "annual-figures.csv")]),
            ("import_ice_stats", [str(base / "ice-stats")]),
        ]
