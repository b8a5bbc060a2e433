from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RapidResponseConfig(AppConfig):
    name = "rapidresponse"
    verbose_name = _("Rapid-response directory")
