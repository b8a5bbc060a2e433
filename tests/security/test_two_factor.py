"""With REQUIRE_2FA, every admin page needs a password and a TOTP code from an enrolled device."""

import pytest
from django.contrib.auth import get_user_model

from tests.security.conftest import PASSWORD, current_code, sign_in_verified
from tests.security.htmlcheck import executable_html_problems
from tests.security.urlwalk import admin_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.REQUIRE_2FA = True


# Candidate values for admin URL parameters; the walk tries them until a path resolves.
ADMIN_VALUES = {
    "app_label": ["auth", "incidents", "feeds", "rapidresponse", "stats", "imports", "axes"],
    "url": ["no-such-admin-page/"],
    "*": ["1", "x"],
}
NOT_GUARDED = {"admin:login"}
# Logging out of a session that is not allowed in just goes back to the index (and so to login).
REDIRECTS = {"admin:logout": "/admin/"}


def admin_paths() -> dict[str, str]:
    """Each guarded admin path and where an unverified user must be sent."""
    paths = {}
    for route in admin_routes():
        if route.name in NOT_GUARDED:
            continue
        path = route.fill(ADMIN_VALUES)
        assert path, f"cannot build a path for admin route {route}: add candidate values"
        paths[path] = REDIRECTS.get(route.name, "/admin/login/")
    return paths


def login(client, username: str, password: str = PASSWORD, code: str | None = None):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post("/admin/login/", data)


def test_no_admin_page_opens_to_a_superuser_without_a_second_factor(client):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(superuser)
    paths = admin_paths()
    assert len(paths) > 20
    opened = {}
    for path, target in paths.items():
        response = client.get(path)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or location.split("?")[0] != target:
            opened[path] = response.status_code
    assert not opened, f"reachable without a verified device: {opened}"


def test_the_same_pages_open_once_verified(client, make_device):
    superuser = get_user_model().objects.create_superuser("root", password=PASSWORD)
    sign_in_verified(client, superuser, make_device(superuser))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 200


def test_the_login_form_asks_for_a_code(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="otp_token"' in response.content
    assert b'autocomplete="one-time-code"' in response.content


def test_password_and_code_sign_in(client, make_staff, make_device):
    user = make_staff("ed")
    device = make_device(user)
    response = login(client, "ed", code=current_code(device))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("code", [None, "", "000000", "12345678", "abcdef"])
def test_a_missing_or_wrong_code_does_not_sign_in(client, make_staff, make_device, code):
    user = make_staff("ed")
    device = make_device(user)
    if code == "000000" and current_code(device) == "000000":
        code = "111111"
    response = login(client, "ed", code=code)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_and_a_wrong_password_look_the_same(client, make_staff, make_device):
    """Otherwise the form would confirm a guessed password to a credential-stuffing attacker."""
    device = make_device(make_staff("ed"))
    good_password_bad_code = login(
        client, "ed", code="999999" if current_code(device) != "999999" else "111111"
    )
    bad_password_good_code = login(
        client, "ed", password="wrong-password-123", code=current_code(device)
    )
    errors = [
        r.context["form"].non_field_errors()
        for r in (good_password_bad_code, bad_password_good_code)
    ]
    assert errors[0] == errors[1]
    assert "authentication code" in str(errors[0])


def test_a_staff_user_without_a_device_cannot_sign_in(client, make_staff):
    make_staff("ed")
    response = login(client, "ed", code="123456")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_code_cannot_be_replayed(client, make_staff, make_device):
    device = make_device(make_staff("ed"))
    code = current_code(device)
    assert login(client, "ed", code=code).status_code == 302
    client.post("/admin/logout/")
    assert login(client, "ed", code=code).status_code == 200


def test_a_device_of_another_user_does_not_count(client, make_staff, make_device):
    make_staff("ed")
    other = make_device(make_staff("other"))
    assert login(client, "ed", code=current_code(other)).status_code == 200


def test_without_the_setting_a_password_is_enough(client, make_staff, settings):
    settings.REQUIRE_2FA = False
    make_staff("ed")
    assert b"otp_token" not in client.get("/admin/login/").content
    assert login(client, "ed").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_never_shows_a_totp_secret(client, make_staff, make_device):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    sign_in_verified(client, root, make_device(root))
    device = make_device(make_staff("ed"))
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    for view in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code == 403


def test_admin_pages_work_under_the_strict_csp(client, make_device):
    """The CSP covers the admin too: an inline script there would silently break editing."""
    from django.contrib import admin

    from tests.incidents.factories import EvidenceFactory

    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    sign_in_verified(client, root, make_device(root))
    evidence = EvidenceFactory()
    paths = ["/admin/", f"/admin/incidents/incident/{evidence.incident.pk}/change/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths += [base, base + "add/"]
    for path in paths:
        response = client.get(path)
        if response.status_code == 403:  # e.g. an admin without an add page
            continue
        assert response.status_code == 200, path
        assert not executable_html_problems(response.content.decode()), path
