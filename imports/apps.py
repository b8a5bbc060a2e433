from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Data imports")

    def data_source_health(self) -> list[dict[str, Any]]:
        from imports.models import ImportRun

        return ImportRun.objects.source_health()
