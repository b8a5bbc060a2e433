import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-staff-passphrase-42"


@pytest.fixture
def make_staff(db):
    """Create a staff user in a role group: make_staff("editor1", role="Editor")."""

    def make(username: str, role: str | None = "Editor", **fields):
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, is_staff=True, **fields
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def make_device(db):
    def make(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return make


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_verified(client, user, device: TOTPDevice) -> None:
    """A session that passed both factors, as the login form leaves it."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
