"""A database outage: every page is a readable 503 with Retry-After and one log line, never a 500 or a 400.

The outage is real: the connection is pointed at a port nothing listens on, so psycopg cannot connect, exactly as
when PostgreSQL is stopped (its port or socket then refuses connections). The shared test server keeps running for
the other test processes. Transactional tests, since the connection is closed in the middle.
"""

import contextlib
import logging
import socket
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TEXT_NB = "Familielos får ikke kontakt med databasen"


def closed_port() -> int:
    """A local port that refuses connections: bound once to find a free one, then closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_down():
    """Until the block ends, every new connection to the database is refused."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def warnings_and_worse(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.fixture
def signed_in():
    """A teacher with a family, signed in before the database goes away."""
    staff = factories.unit_staff(username="laerer")
    family = factories.open_case(opener=staff, family_name="Familien Hansen").family
    return client_for(staff), family


def test_page__database_down__is_readable_503_with_retry_after(signed_in, caplog):
    client, family = signed_in

    with database_down():
        response = client.get(family.get_absolute_url())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert TEXT_NB in response.text
    assert "<h1>Midlertidig utilgjengelig</h1>" in response.text
    assert "Familien Hansen" not in response.text
    [record] = warnings_and_worse(caplog)
    assert record.name == "familielos.outage"
    assert record.exc_info is None
    assert family.get_absolute_url() in record.getMessage()


def test_page__database_down__nynorsk_user_reads_nynorsk(signed_in):
    client, family = signed_in
    client.cookies["django_language"] = "nn"

    with database_down():
        response = client.get(family.get_absolute_url())

    assert response.status_code == 503
    assert "Familielos får ikkje kontakt med databasen" in response.text
    assert '<html lang="nn">' in response.text


def test_htmx_request__database_down__is_503_fragment(signed_in, caplog):
    client, _family = signed_in

    with database_down():
        response = client.get(reverse("cases:family_list"), headers={"HX-Request": "true"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "HX-Request" in response["Vary"]
    assert TEXT_NB in response.text
    assert "<html" not in response.text
    assert len(warnings_and_worse(caplog)) == 1


def test_login__database_down__is_503(caplog):
    with database_down():
        response = Client().post(reverse("login"), {"username": "laerer", "password": PASSWORD})

    assert response.status_code == 503
    assert TEXT_NB in response.text
    assert len(warnings_and_worse(caplog)) == 1


def test_form_post__database_down__is_503_not_500(signed_in, caplog):
    client, family = signed_in
    # The history middleware asks who is signed in before the view: the failure is in a middleware, not the view.
    client.raise_request_exception = False

    with database_down():
        response = client.post(reverse("cases:person_new", args=[family.pk]), {"role": "other", "first_name": "Ola"})

    assert response.status_code == 503
    assert TEXT_NB in response.text
    [record] = warnings_and_worse(caplog)
    assert record.exc_info is None


def test_session_save__database_lost_after_the_view__is_503_not_400(signed_in, caplog):
    client, _family = signed_in
    client.raise_request_exception = False
    save_session = SessionMiddleware.process_response
    outage = contextlib.ExitStack()

    def database_lost_before_saving(middleware, request, response):
        outage.enter_context(database_down())
        return save_session(middleware, request, response)

    # A session never refreshed before is saved by this request (SessionRefreshMiddleware).
    with outage, mock.patch.object(SessionMiddleware, "process_response", database_lost_before_saving):
        response = client.get(reverse("cases:family_list"))

    assert response.status_code == 503
    assert TEXT_NB in response.text
    assert "Bad Request" not in response.text
    [record] = warnings_and_worse(caplog)
    assert record.exc_info is None


def test_healthz__database_down__is_503():
    with database_down():
        response = Client().get(reverse("healthz"))

    assert response.status_code == 503
    assert response.text == "database unavailable\n"


def test_page__database_back__answers_again(signed_in):
    client, family = signed_in
    with database_down():
        assert client.get(family.get_absolute_url()).status_code == 503

    response = client.get(family.get_absolute_url())

    assert response.status_code == 200
    assert "Familien Hansen" in response.text
