"""A page worked in says so (familielos.views.still_here, static/js/still_here.js), so that a long text typed into a
form does not outlast the session: the answer moves the idle expiry on; a signed-out person gets the login redirect,
which the page reads as "signed out"."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from cases.models import PersonRole
from familielos.models import AccessEvent
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

IDLE = timedelta(seconds=settings.SESSION_COOKIE_AGE)
URL = reverse("still_here")


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_still_here__every_few_minutes_while_typing__keeps_the_person_signed_in_past_the_idle_age(
    clock, staff_client, family
):
    assert staff_client.get(reverse("cases:family_new")).status_code == 200
    for _ in range(3 * IDLE // timedelta(minutes=5)):
        clock.advance(timedelta(minutes=5))
        assert staff_client.post(URL).status_code == 204

    assert expiry(staff_client) == clock.now + IDLE
    assert staff_client.get(family.get_absolute_url()).status_code == 200


def test_still_here__after_the_idle_age__is_the_login_redirect_and_extends_nothing(clock, staff_client):
    assert staff_client.get(reverse("cases:family_list")).status_code == 200
    clock.advance(IDLE + timedelta(seconds=1))

    response = staff_client.post(URL, HTTP_REFERER="http://testserver/familier/ny/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert staff_client.get(reverse("cases:family_list")).status_code == 302


def test_still_here__signed_out__is_the_login_redirect_and_makes_no_session(client):
    response = client.post(URL, HTTP_REFERER="https://elsewhere.example/page/")

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_still_here__without_the_csrf_token__is_refused_and_extends_nothing(clock, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = expiry(client)
    clock.advance(timedelta(minutes=5))

    assert client.post(URL).status_code == 403
    assert client.post(URL, {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
    assert expiry(client) == before


def test_still_here__opened__is_405(staff_client):
    assert staff_client.get(URL).status_code == 405


def test_still_here__logs_no_access_event(staff_client, django_assert_max_num_queries):
    staff_client.get(reverse("cases:family_list"))
    events = AccessEvent.objects.count()

    with django_assert_max_num_queries(4):
        assert staff_client.post(URL).status_code == 204

    assert AccessEvent.objects.count() == events


def test_still_here__the_familys_own_login__may_use_it(clock, family):
    guardian = family.persons.get(role=PersonRole.GUARDIAN)
    client = client_for(factories.family_login(guardian, username="forelder"))
    clock.advance(timedelta(minutes=5))

    assert client.post(URL).status_code == 204
    assert expiry(client) == clock.now + IDLE


def test_page__only_signed_in__carries_the_script(staff_client, client):
    assert "js/still_here.js" in staff_client.get(reverse("cases:family_list")).text
    assert "js/still_here.js" not in client.get(reverse("login")).text


def test_page__the_signed_out_notices_sign_in__leads_back_to_the_page(staff_client, family):
    page = staff_client.get(family.get_absolute_url()).text

    assert f'href="{reverse("login")}?next={quote(family.get_absolute_url())}"' in page
