"""A page worked in says so (familielos.views.still_here, static/js/activity.js): typing a long text into a form
sends no request, and the idle expiry would sign the person out before the form is sent. The answer pushes the
expiry forward; a signed-out person gets the login redirect, which the page reads as "signed out"."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import PersonRole
from familielos.models import AccessEvent
from tests import factories
from tests.conftest import client_for, shown

pytestmark = pytest.mark.django_db

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)
URL = reverse("still_here")
SIGNED_OUT_TEXT = "What you write here now cannot be saved. Copy it, sign in again, load the page again, and paste it."


class Clock:
    def __init__(self):
        self.now = timezone.now()


@pytest.fixture
def clock():
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: frozen.now):
        yield frozen


def test_still_here__signed_in__answers_204_and_pushes_the_idle_expiry_forward(clock, staff_client):
    assert staff_client.get(reverse("cases:family_list")).status_code == 200
    clock.now += IDLE - timedelta(minutes=2)

    response = staff_client.post(URL)

    assert response.status_code == 204
    row = Session.objects.get(session_key=staff_client.session.session_key)
    assert row.expire_date == clock.now + IDLE


def test_still_here__every_few_minutes_while_typing__keeps_the_person_signed_in_past_the_idle_age(
    clock, staff_client, family
):
    assert staff_client.get(reverse("cases:family_new")).status_code == 200
    for _ in range(3 * IDLE // timedelta(minutes=5)):
        clock.now += timedelta(minutes=5)
        assert staff_client.post(URL).status_code == 204

    assert staff_client.get(family.get_absolute_url()).status_code == 200


def test_still_here__after_the_idle_age__is_the_login_redirect_and_extends_nothing(clock, staff_client):
    assert staff_client.get(reverse("cases:family_list")).status_code == 200
    clock.now += IDLE + timedelta(seconds=1)

    response = staff_client.post(URL, HTTP_REFERER="http://testserver/familier/ny/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert staff_client.get(reverse("cases:family_list")).status_code == 302


def test_still_here__signed_out__is_the_login_redirect(client):
    response = client.post(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_still_here__without_the_csrf_token__is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    assert client.post(URL).status_code == 403


def test_still_here__opened__is_405(staff_client):
    assert staff_client.get(URL).status_code == 405


def test_still_here__reads_and_logs_nothing(staff_client, family, django_assert_max_num_queries):
    staff_client.get(reverse("cases:family_list"))
    events = AccessEvent.objects.count()

    with django_assert_max_num_queries(4):
        assert staff_client.post(URL).status_code == 204

    assert AccessEvent.objects.count() == events


def test_still_here__the_familys_own_login__may_use_it(family):
    guardian = family.persons.get(role=PersonRole.GUARDIAN)
    client = client_for(factories.family_login(guardian, username="forelder"))

    assert client.post(URL).status_code == 204


def test_page__signed_in__carries_the_address_and_the_signed_out_notice(staff_client):
    page = staff_client.get(reverse("cases:family_list")).text

    assert f'data-url="{URL}"' in page
    assert f'data-every="{settings.SESSION_COOKIE_AGE // 6}"' in page
    assert shown("You were signed out") in page
    assert shown(SIGNED_OUT_TEXT) in page
    assert "js/activity.js" in page


def test_page__signed_out__has_none_of_it(client):
    page = client.get(reverse("login")).text

    assert URL not in page
    assert "js/activity.js" not in page
