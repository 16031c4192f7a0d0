"""The client address behind PROXY_COUNT trusted proxies: for the audit log, rate limits and the login lockout."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from familielos.audit import client_ip
from tests.factories import PASSWORD

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # No proxy: X-Forwarded-For is whatever the client wrote, never trusted.
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        (0, "2001:db8::7", "198.51.100.1", "2001:db8::7"),
        # One proxy: the rightmost entry is what it saw; a forged entry to its left is ignored.
        (1, PROXY, "198.51.100.1", "198.51.100.1"),
        (1, PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (1, PROXY, "6.6.6.6,198.51.100.1", "198.51.100.1"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (1, PROXY, "198.51.100.1:51234", "198.51.100.1"),
        (1, PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        # Two proxies (a CDN in front of the load balancer): the second from the right.
        (2, PROXY, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, PROXY, "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # Fewer entries than proxies: the connection's own address.
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (2, PROXY, "198.51.100.1", PROXY),
        # Not an IP address: None, never the garbage.
        (1, PROXY, "6.6.6.6, not-an-ip", None),
        (1, PROXY, "198.51.100.999", None),
        (1, PROXY, "' OR 1=1 --", None),
        (0, "unix-socket", None, None),
        (0, "", None, None),
    ],
)
def test_client_ip__cases(proxies, remote_addr, forwarded_for, expected):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = RequestFactory().get("/", **headers)

    with override_settings(PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_client_ip__no_remote_addr__is_none():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]

    assert client_ip(request) is None


def test_axes__uses_our_client_ip():
    assert settings.AXES_CLIENT_IP_CALLABLE == "familielos.audit.client_ip"


# --- The login lockout behind one proxy: every request arrives from the proxy's address --------------------------


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _behind_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


@override_settings(PROXY_COUNT=1)
def test_login_behind_proxy__user_locked_from_one_client__signs_in_from_another(staff):
    attacker = _behind_proxy("198.51.100.66")
    statuses = [
        log_in(attacker, staff.username, "wrong-password-123").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert log_in(_behind_proxy("198.51.100.66"), staff.username, PASSWORD).status_code == 429

    colleague = _behind_proxy("198.51.100.20")
    response = log_in(colleague, staff.username, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" in colleague.session


@override_settings(PROXY_COUNT=1)
def test_login_behind_proxy__forged_forwarded_for__does_not_escape_the_lockout(staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(_behind_proxy("198.51.100.66"), staff.username, "wrong-password-123")
    # The client prepends an address of its choice; the proxy appends the real one.
    forger = _behind_proxy("198.51.100.20, 198.51.100.66")

    response = log_in(forger, staff.username, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in forger.session
