"""Sessions: the idle expiry moves forward with use, but the session row is written at most once a minute."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Level
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.fixture
def signed_in(clock, staff):
    client = client_for(staff)
    assert client.get(reverse("cases:family_list")).status_code == 200
    return client


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in query["sql"] for query in queries)


def is_signed_in(client) -> bool:
    response = client.get(reverse("cases:family_list"))
    return response.status_code == 200


def test_session__requests_within_a_minute__write_the_session_once(clock, staff):
    client = client_for(staff)
    url = reverse("cases:family_list")

    writes = []
    for _ in range(4):
        writes.append(session_writes(client, url))
        clock.advance(timedelta(seconds=15))

    assert writes == [1, 0, 0, 0]


def test_session__a_minute_after_the_last_write__is_extended(clock, signed_in):
    clock.advance(timedelta(seconds=59))
    assert session_writes(signed_in, reverse("cases:family_list")) == 0
    clock.advance(timedelta(seconds=2))

    assert session_writes(signed_in, reverse("cases:family_list")) == 1
    row = Session.objects.get(session_key=signed_in.session.session_key)
    assert row.expire_date == clock.now + IDLE


def test_session__used_every_20_minutes__stays_signed_in_past_the_idle_age(clock, signed_in):
    for _ in range(4):
        clock.advance(timedelta(minutes=20))
        assert is_signed_in(signed_in)


def test_session__idle_for_the_idle_age__is_logged_out(clock, signed_in, family):
    clock.advance(IDLE + timedelta(seconds=1))

    response = signed_in.get(family.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "Familien Hansen" not in response.text


def test_session__idle_just_under_the_idle_age__is_still_signed_in(clock, signed_in):
    clock.advance(IDLE - timedelta(minutes=1))

    assert is_signed_in(signed_in)


def test_session__anonymous_visitor__gets_no_session(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_session__a_canvas_left_open__polls_but_is_logged_out_after_the_idle_age(clock):
    """The canvas page asks for changes every few seconds by itself; that is not the person's activity."""
    case, *_ = factories.case_at(Level.FAMILIELOS)
    meeting = factories.familieteam_meeting(case)
    client = client_for(case.familielos)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    changes = reverse("familieteam:cell_changes", args=[meeting.pk])
    for _ in range(IDLE // timedelta(minutes=5)):
        clock.advance(timedelta(minutes=5))
        client.get(changes)
    clock.advance(timedelta(minutes=1))

    response = client.get(meeting.get_absolute_url())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
