"""Login throttling takes any input: an overlong username is one more wrong login, never a 500."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [255, 256, 300, 5000])
def test_login__overlong_username__is_a_normal_failed_login(length):
    client = Client(REMOTE_ADDR="10.3.3.3")

    response = client.post(reverse("login"), {"username": "a" * length, "password": "wrong-password-123"})

    assert response.status_code == 200
    assert "Innloggingen mislyktes" in response.text
    assert "oppgi korrekt" in response.text
    assert response.context["form"].non_field_errors()
    attempt = AccessAttempt.objects.get(ip_address="10.3.3.3")
    assert attempt.failures_since_start == 1
    assert attempt.username == "a" * min(length, 255)


def test_login__overlong_username__repeated__is_locked_out_like_any_other():
    client = Client(REMOTE_ADDR="10.3.3.3")
    username = "b" * 300

    statuses = [
        client.post(reverse("login"), {"username": username, "password": "wrong-password-123"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert AccessAttempt.objects.get(ip_address="10.3.3.3").failures_since_start == settings.AXES_FAILURE_LIMIT
