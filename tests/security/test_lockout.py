"""django-axes locks sign-in after repeated failures, by username and by client address."""

import pytest

from tests.security.conftest import PASSWORD, current_code
from tests.security.htmlcheck import executable_html_problems

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.REQUIRE_2FA = False


def attempt(client, username, password="wrong-password-123", ip=ATTACKER, forwarded=None, **data):
    data = {"username": username, "password": password, "next": "/admin/", **data}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/admin/login/", data, REMOTE_ADDR=ip, **headers)


def assert_locked(response):
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert not executable_html_problems(response.content.decode())
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_repeated_failures_lock_the_account_from_any_address(client, make_staff):
    make_staff("ed")
    responses = [attempt(client, "ed").status_code for _ in range(3)]
    assert responses[:2] == [200, 200]
    # The right password, from an address that never failed, is still refused.
    assert_locked(attempt(client, "ed", PASSWORD, ip=ELSEWHERE))
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_lock_the_address_for_every_account(client, make_staff):
    make_staff("ed")
    for name in ("alice", "bob", "carol"):
        attempt(client, name)
    assert_locked(attempt(client, "ed", PASSWORD))
    # The same account signs in from elsewhere: only the address is locked.
    assert attempt(client, "ed", PASSWORD, ip=ELSEWHERE).status_code == 302


def test_a_spoofed_forwarded_for_header_does_not_give_a_fresh_address(client, make_staff):
    make_staff("ed")
    for n, name in enumerate(("alice", "bob", "carol")):
        attempt(client, name, forwarded=f"192.0.2.{n}")
    assert_locked(attempt(client, "ed", PASSWORD, forwarded="192.0.2.99"))


def test_behind_a_proxy_only_the_proxys_hop_is_believed(client, make_staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_staff("ed")
    proxy = "10.0.0.2"
    for n, name in enumerate(("alice", "bob", "carol")):
        # The client writes the left part; our proxy appends the address it saw.
        attempt(client, name, ip=proxy, forwarded=f"192.0.2.{n}, {ATTACKER}")
    assert_locked(attempt(client, "ed", PASSWORD, ip=proxy, forwarded=f"192.0.2.99, {ATTACKER}"))
    # Another visitor behind the same proxy is not locked out with the attacker.
    ok = attempt(client, "ed", PASSWORD, ip=proxy, forwarded=ELSEWHERE)
    assert ok.status_code == 302


def test_wrong_codes_count_as_failures(client, make_staff, make_device, settings):
    settings.REQUIRE_2FA = True
    device = make_device(make_staff("ed"))
    wrong = "000000" if current_code(device) != "000000" else "111111"
    responses = [attempt(client, "ed", PASSWORD, otp_token=wrong).status_code for _ in range(3)]
    assert responses[:2] == [200, 200]
    assert_locked(attempt(client, "ed", PASSWORD, ip=ELSEWHERE, otp_token=current_code(device)))
