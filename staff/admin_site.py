"""The admin site. With settings.REQUIRE_2FA every admin page needs a verified TOTP device."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from staff.forms import TwoFactorAdminLoginForm


class StaffAdminSite(admin.AdminSite):
    site_header = _("ICE Accountability Tracker administration")
    site_title = _("ICE Accountability Tracker admin")
    index_title = _("Editorial desk")

    # Read at request time, so the setting can change per environment (and in tests).
    @property
    def login_form(self) -> type | None:
        return TwoFactorAdminLoginForm if settings.REQUIRE_2FA else None

    @property
    def login_template(self) -> str | None:
        return "staff/login.html" if settings.REQUIRE_2FA else None

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who signed in without a second factor are treated as not staff at all."""
        if not super().has_permission(request):
            return False
        if not settings.REQUIRE_2FA:
            return True
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())
