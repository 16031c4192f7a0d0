"""The access log never keeps a query string: a search term names families the searcher may not see logged."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from familielos.models import AccessAction, AccessEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

redaction = importlib.import_module("familielos.migrations.0004_redact_access_event_query_strings")


def old_event(family_id: int, path: str) -> AccessEvent:
    """A row as it was written before addresses lost their query string."""
    return AccessEvent.objects.create(
        actor_id=1,
        actor_username="laerer",
        action=AccessAction.VIEW,
        family_id=family_id,
        object_type="family_list",
        object_id=str(family_id),
        path=path,
    )


def test_family_list__search__query_lands_in_no_access_event(staff_client, family):
    response = staff_client.get(reverse("cases:family_list"), {"q": "Hansen"})

    assert response.status_code == 200
    assert "Familien Hansen" in response.text
    paths = list(AccessEvent.objects.values_list("path", flat=True))
    assert paths == [reverse("cases:family_list")]


def test_family_detail__address_with_query__stores_the_path_only(staff_client, family):
    staff_client.get(family.get_absolute_url(), {"q": "Familien Hansen", "side": "2"})

    assert AccessEvent.objects.get(family_id=family.pk).path == family.get_absolute_url()


def test_redaction_migration__old_rows__lose_their_query_strings(family):
    searched = old_event(family.pk, "/familier/?q=Familien+Gulbrandsen")
    plain = old_event(family.pk, f"/familier/{family.pk}/")
    odd = old_event(family.pk, "/familier/?q=a?b=Lien")

    with connection.schema_editor() as editor:
        redaction.redact_query_strings(apps, editor)

    assert [AccessEvent.objects.get(pk=event.pk).path for event in (searched, plain, odd)] == [
        "/familier/",
        f"/familier/{family.pk}/",
        "/familier/",
    ]


def test_redaction_migration__afterwards__table_is_append_only_again(family):
    event = old_event(family.pk, "/familier/?q=Lien")
    with connection.schema_editor() as editor:
        redaction.redact_query_strings(apps, editor)

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(path="/familier/?q=Lien")
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM familielos_accessevent WHERE id = %s", [event.pk])


def test_access_event_admin__list_and_detail__show_no_address(superuser, family):
    event = old_event(family.pk, "/familier/?q=Familien+Gulbrandsen")
    client = client_for(superuser)

    pages = [
        client.get(reverse("admin:familielos_accessevent_changelist")),
        client.get(reverse("admin:familielos_accessevent_change", args=[event.pk])),
    ]

    assert [page.status_code for page in pages] == [200, 200]
    for page in pages:
        assert "laerer" in page.text
        assert "Gulbrandsen" not in page.text
        assert "?q=" not in page.text


def test_failed_login__from_a_search_page__stores_no_return_address(client, empty_cache):
    client.post("/logg-inn/?next=/familier/%3Fq%3DGulbrandsen", {"username": "laerer", "password": "feil"})
    attempt = AccessAttempt.objects.get(username="laerer")
    assert "Gulbrandsen" not in attempt.get_data
    assert "Gulbrandsen" not in attempt.post_data
