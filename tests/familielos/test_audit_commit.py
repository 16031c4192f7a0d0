"""How an access event commits: a page view's event in one statement that does not wait for the disk; a change's,
a download's and an export's waiting for it, as a view event inside a larger transaction does; and every event
synchronously when AUDIT_SYNCHRONOUS_COMMIT is on.

These tests need real commits, so they run outside the test's wrapping transaction (transaction=True).
"""

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Family
from familielos import audit
from familielos.models import AccessAction, AccessEvent, Membership
from tests import factories
from tests.cases.test_views import GOOD_FAMILY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

ASYNCHRONOUS = "set_config('synchronous_commit', 'off', true)"


def _event_statements(queries) -> list[str]:
    return [query["sql"] for query in queries if AccessEvent._meta.db_table in query["sql"]]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_page_view__event__one_statement_committing_asynchronously_and_nothing_left_on_the_connection(staff, family):
    client = client_for(staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(family.get_absolute_url())

    assert response.status_code == 200
    [statement] = _event_statements(queries.captured_queries)
    assert statement.startswith("INSERT")
    assert ASYNCHRONOUS in statement
    # The setting was the event's transaction's own: the next change on this connection waits for the disk.
    assert _synchronous_commit() == "on"
    event = AccessEvent.objects.get(family_id=family.pk)
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        staff,
        AccessAction.VIEW,
        "family",
        str(family.pk),
    )


def test_change_through_a_page__its_event__waits_for_the_disk(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule")
    Membership.objects.create(user=staff, unit=unit)

    with CaptureQueriesContext(connection) as queries:
        response = client_for(staff).post(reverse("cases:family_new"), {**GOOD_FAMILY, "unit": unit.pk})

    assert response.status_code == 302
    family = Family.objects.get(name=GOOD_FAMILY["family_name"])
    [statement] = _event_statements(queries.captured_queries)
    assert ASYNCHRONOUS not in statement
    assert AccessEvent.objects.get(family_id=family.pk).action == AccessAction.CREATE


@pytest.mark.parametrize("action", [AccessAction.CHANGE, AccessAction.CREATE, AccessAction.PDF, AccessAction.EXPORT])
def test_every_event_but_a_view__on_its_own__waits_for_the_disk(staff, family, action):
    request = RequestFactory().get(family.get_absolute_url())
    request.user = staff

    with CaptureQueriesContext(connection) as queries:
        audit.record(request, action=action, family_id=family.pk)

    [statement] = _event_statements(queries.captured_queries)
    assert ASYNCHRONOUS not in statement


def test_view_events_inside_a_larger_transaction__commit_with_it_synchronously(staff, family):
    request = RequestFactory().get(family.get_absolute_url())
    request.user = staff

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=family)
        audit.record_listed(request, [family.pk], object_type="overview")

    statements = _event_statements(queries.captured_queries)
    assert len(statements) == 2
    assert not [statement for statement in statements if ASYNCHRONOUS in statement]
    assert AccessEvent.objects.filter(family_id=family.pk).count() == 2


def test_synchronous_setting_on__page_view__event_waits_for_the_disk(staff, family, settings):
    settings.AUDIT_SYNCHRONOUS_COMMIT = True

    with CaptureQueriesContext(connection) as queries:
        client_for(staff).get(family.get_absolute_url())

    [statement] = _event_statements(queries.captured_queries)
    assert ASYNCHRONOUS not in statement
    assert AccessEvent.objects.filter(family_id=family.pk).count() == 1


def test_list_page__no_family_shown__writes_nothing(staff):
    request = RequestFactory().get("/")
    request.user = staff

    with CaptureQueriesContext(connection) as queries:
        audit.record_listed(request, [], object_type="overview")

    assert _event_statements(queries.captured_queries) == []
