"""`manage.py enroll_totp <username>`: give a staff user a confirmed TOTP device.

Prints the otpauth:// URI and a QR code to scan with an authenticator app. Run it in a private
terminal: whoever sees the output can generate the user's codes.
"""

import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Create a confirmed TOTP device for a user and print its otpauth:// URI and QR code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name",
            default="authenticator app",
            help="A label for the device (default: %(default)s).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the user's existing TOTP devices first (a lost or compromised phone).",
        )
        parser.add_argument("--no-qr", action="store_true", help="Print the URI only.")

    def handle(self, *args, username: str, name: str, replace: bool, no_qr: bool, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}. Create it first.") from exc
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")

        devices = TOTPDevice.objects.devices_for_user(user)
        if devices.exists() and not replace:
            raise CommandError(
                f"User {username!r} already has a TOTP device. Use --replace to swap it for a "
                "new one (the old codes stop working)."
            )
        with transaction.atomic():
            removed, _ = devices.delete()
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)

        if not user.is_staff:
            self.stderr.write(
                self.style.WARNING(
                    f"{username!r} is not staff: the device works, but the admin stays closed "
                    "until the account is marked as staff."
                )
            )
        if removed:
            self.stdout.write(f"Removed {removed} old device(s).")
        self.stdout.write(f"Enrolled a TOTP device for {username!r}. Scan or enter this URI:")
        self.stdout.write(device.config_url)
        if not no_qr:
            self.stdout.write(terminal_qr(device.config_url))
        self.stdout.write(
            "The URI contains the secret: do not paste it anywhere else, and clear this terminal."
        )


def terminal_qr(data: str) -> str:
    code = qrcode.QRCode(border=2)
    code.add_data(data)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()
