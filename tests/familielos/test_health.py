from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz__database_answers__is_200(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.text == "ok\n"
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz__database_down__is_503(client):
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert "database" in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz__database_down__does_not_leak_the_error(client):
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("password authentication failed")):
        response = client.get(reverse("healthz"))

    assert "password" not in response.text


def test_healthz__post__is_refused(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_favicon_ico__anonymous__is_sent_to_the_icon(client, settings):
    # WhiteNoise serves the static files, from the finders here as there is no collectstatic in tests.
    settings.WHITENOISE_USE_FINDERS = True
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url.endswith("favicon.svg")
    assert client.get(response.url).status_code == 200
