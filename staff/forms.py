"""The admin login form when two-factor authentication is required."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify_totp(user: AbstractBaseUser, token: str) -> TOTPDevice | None:
    """The user's confirmed TOTP device that accepts `token`, or None.

    Each device's own throttling applies: after a failure it refuses tokens for a growing delay.
    """
    with transaction.atomic():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(token):
                return device
    return None


class TwoFactorAdminLoginForm(AdminAuthenticationForm):
    """Username, password and a TOTP code, checked in one step.

    A wrong code gets the same message as a wrong password, so the form never tells an attacker
    that a guessed password was right, and it counts as a failed login for django-axes.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct username, password and authentication code for a staff "
            "account. All three are case-sensitive where it applies."
        ),
    }

    otp_token = forms.CharField(
        label=_("Authentication code"),
        max_length=10,
        help_text=_("The six-digit code shown by your authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        user = self.get_user()
        device = verify_totp(user, cleaned_data.get("otp_token") or "")
        if device is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        # django-otp's user_logged_in handler stores the verified device in the session.
        user.otp_device = device
        return cleaned_data
