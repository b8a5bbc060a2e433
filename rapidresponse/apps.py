from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RapidResponseConfig(AppConfig):
    name = "rapidresponse"
    verbose_name = _("Rapid-response directory")

    def ready(self) -> None:
        from rapidresponse import signals

        signals.connect()

    def bundled_data(self) -> list[tuple[str, list[str]]]:
        """Networks first, then national resources (the page shows each national entry once)."""
        folder = settings.BASE_DIR / "data" / "rapidresponse"
        return [
            ("import_networks", [str(folder / "networks.csv")]),
            ("import_national_resources", [str(folder / "national_resources.csv")]),
        ]
