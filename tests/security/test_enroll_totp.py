"""`manage.py enroll_totp <username>` enrols an authenticator app for the admin's second factor."""

import base64
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]


def enroll(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("enroll_totp", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def code_from_uri(uri: str) -> str:
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def printed_uri(output: str) -> str:
    return re.search(r"otpauth://totp/\S+", output).group(0)


def test_the_printed_uri_signs_in_to_the_admin(client, make_staff, settings):
    settings.REQUIRE_2FA = True
    make_staff("ed")
    output, _err = enroll("ed")
    uri = printed_uri(output)
    assert uri.startswith("otpauth://totp/ICE%20Accountability%20Tracker%3Aed?")
    assert "issuer=ICE%20Accountability%20Tracker" in uri
    assert "█" in output or "▀" in output, "a QR code is printed for the terminal"
    assert TOTPDevice.objects.get(user__username="ed").confirmed

    response = client.post(
        "/admin/login/",
        {"username": "ed", "password": PASSWORD, "otp_token": code_from_uri(uri)},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_unknown_user_is_an_error(make_staff):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        enroll("ghost")


def test_a_second_enrolment_needs_replace_and_retires_the_old_device(make_staff):
    make_staff("ed")
    first = printed_uri(enroll("ed", "--no-qr")[0])
    with pytest.raises(CommandError, match="--replace"):
        enroll("ed")
    output, _err = enroll("ed", "--replace", "--no-qr")
    assert "Removed 1 old device" in output
    assert printed_uri(output) != first
    assert TOTPDevice.objects.filter(user__username="ed").count() == 1


def test_enrolling_a_non_staff_user_warns(make_staff):
    make_staff("reader", role=None, is_staff=False)
    _out, err = enroll("reader", "--no-qr")
    assert "not staff" in err
