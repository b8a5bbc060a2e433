import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-staff-passphrase-42"


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for tests about logins rather than about hashing."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


@pytest.fixture
def cheap_hashing(settings):
    """Logins cost ~0.4 s each with the production Argon2 parameters on a busy machine."""
    settings.PASSWORD_HASHERS = ["tests.security.conftest.CheapArgon2PasswordHasher"]


@pytest.fixture
def make_staff(db):
    """Create a staff user in a role group: make_staff("editor1", role="Editor")."""

    def make(username: str, role: str | None = "Editor", **fields):
        fields.setdefault("is_staff", True)
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
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
