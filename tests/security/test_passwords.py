"""Passwords are hashed with Argon2 and must be at least 12 characters (and not common)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.security.conftest import sign_in_verified

pytestmark = pytest.mark.django_db

ELEVEN = "kq7-Vz!m2pX"
TWELVE = "kq7-Vz!m2pXw"


def test_new_passwords_are_hashed_with_argon2():
    user = get_user_model().objects.create_user("ed", password=TWELVE)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.password.startswith("argon2$argon2id$")


def test_an_older_hash_is_upgraded_to_argon2_at_the_next_sign_in():
    user = get_user_model().objects.create_user("ed")
    user.password = make_password(TWELVE, hasher="pbkdf2_sha256")
    user.save()
    assert user.check_password(TWELVE)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert check_password(TWELVE, user.password)


def test_eleven_characters_are_too_few_and_twelve_are_enough():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password(ELEVEN)
    validate_password(TWELVE)


@pytest.mark.parametrize("password", ["qazwsxedc123", "hannahmontana", "123456789012345"])
def test_common_or_numeric_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_admin_refuses_a_short_password_for_a_new_user(client, make_device):
    root = get_user_model().objects.create_superuser("root", password=TWELVE + "-root")
    sign_in_verified(client, root, make_device(root))
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "newbie", "password1": ELEVEN, "password2": ELEVEN, "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()
