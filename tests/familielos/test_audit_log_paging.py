"""The access log pages by (at, id): no count of the table, every event once, and any cursor is harmless."""

import re
from base64 import urlsafe_b64encode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familielos import roles
from familielos.models import AccessEvent
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE = 50


def insert_events(count: int, *, family_id: int = 7, username: str = "laerer") -> None:
    """`count` events, three to an instant, so that paging must break ties by id."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO familielos_accessevent
                (at, actor_id, actor_username, role, action, family_id, object_type, object_id, path, ip)
            SELECT now() - make_interval(secs => g / 3), 1, %s, 'unit_staff', 'view', %s, 'family', %s, '/', NULL
            FROM generate_series(1, %s) AS g
            """,
            [username, family_id, str(family_id), count],
        )


@pytest.fixture
def leader_client(db):
    return client_for(factories.UserFactory(username="leiar", role=roles.LEADER))


def newest_first(events=None) -> list[int]:
    return list((events or AccessEvent.objects.all()).order_by("-at", "-id").values_list("id", flat=True))


def walk(client, direction: str, params: dict) -> list[list[int]]:
    """The event ids of the page `params` asks for and of every page after it by the `direction` links."""
    pages = []
    cursor_param = {"older": "eldre", "newer": "nyere"}[direction]
    while True:
        response = client.get(reverse("audit_log"), params)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([event.id for event in page.events])
        if getattr(page, direction) is None:
            return pages
        params = {name: value for name, value in params.items() if name not in ("eldre", "nyere")}
        params[cursor_param] = getattr(page, direction)


def test_audit_log__older_links__walk_every_event_once_in_order(leader_client):
    insert_events(2 * PAGE + 7)

    pages = walk(leader_client, "older", {})

    assert [len(page) for page in pages] == [PAGE, PAGE, 7]
    assert [event_id for page in pages for event_id in page] == newest_first()


def test_audit_log__newer_links__walk_back_up_the_same_pages(leader_client):
    insert_events(2 * PAGE + 7)
    down = walk(leader_client, "older", {})
    first = leader_client.get(reverse("audit_log")).context["page"]
    oldest = leader_client.get(reverse("audit_log"), {"eldre": _older(leader_client, first.older)}).context["page"]

    up = walk(leader_client, "newer", {"nyere": oldest.newer})

    assert [event.id for event in oldest.events] == down[2]
    assert oldest.older is None
    assert up == [down[1], down[0]]


def _older(client, cursor: str) -> str:
    return client.get(reverse("audit_log"), {"eldre": cursor}).context["page"].older


def test_audit_log__filtered__links_keep_the_filter(leader_client):
    insert_events(PAGE + 5, family_id=7)
    insert_events(PAGE + 5, family_id=8)

    response = leader_client.get(reverse("audit_log"), {"family": 7})
    # Each page read is itself in family 7's trail, after the page: the walk finds the events before it.
    before_the_walk = newest_first(AccessEvent.objects.filter(family_id=7))
    pages = walk(leader_client, "older", {"family": 7})

    assert re.search(r'href="\?family=7&amp;eldre=[\w-]+"', response.text)
    assert [event_id for page in pages for event_id in page] == before_the_walk


def test_audit_log__any_page__counts_nothing_and_makes_few_queries(leader_client, django_assert_max_num_queries):
    insert_events(3 * PAGE)
    first = leader_client.get(reverse("audit_log")).context["page"]

    for params in ({}, {"eldre": first.older}, {"nyere": first.older}, {"username": "laerer", "eldre": first.older}):
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(6):
            response = leader_client.get(reverse("audit_log"), params)
        assert response.status_code == 200
        assert not [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


def encoded(text: str) -> str:
    return urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "!!!",
        "' OR 1=1 --",
        "A" * 10_000,
        encoded("abc.def"),
        encoded("1.-5"),
        encoded("1.0"),
        encoded("1.2.3"),
        encoded("99999999999999999999999999.1"),
        encoded("-99999999999999999999999999.1"),
        encoded("1.99999999999999999999999"),
        encoded("١٢.٣"),
    ],
)
@pytest.mark.parametrize("direction", ["eldre", "nyere"])
def test_audit_log__hostile_cursor__shows_the_newest_page(leader_client, cursor, direction):
    insert_events(PAGE + 1)

    response = leader_client.get(reverse("audit_log"), {direction: cursor})

    assert response.status_code == 200
    assert [event.id for event in response.context["page"].events] == newest_first()[:PAGE]
