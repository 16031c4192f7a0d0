"""Per-family access: every family-scoped URL is a 404 without a grant, generated from the URL conf."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases import access, actions
from cases.models import Family
from familielos import roles
from familielos.errors import Refused
from familielos.models import AccessEvent
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _family_scoped_patterns(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "familieteam":
                # Open to the familieteam alone, not to all with the grant: tests/familieteam/test_access.py.
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _family_scoped_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and "family_pk" in pattern.pattern.regex.groupindex:
            yield f"{namespace}{pattern.name}", set(pattern.pattern.regex.groupindex)


FAMILY_URLS = sorted(_family_scoped_patterns())


def test_url_conf__has_family_scoped_urls():
    assert len(FAMILY_URLS) >= 6


@pytest.fixture
def family_kwargs(case):
    from cases import actions

    consent = factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    samtale = actions.book_avklaringssamtale(actor=case.opened_by, case=case, starts_at=timezone.now(), place="Skulen")
    return {
        "family_pk": case.family_id,
        "person_pk": case.family.persons.first().pk,
        "case_pk": case.pk,
        "consent_pk": consent.pk,
        "samtale_pk": samtale.pk,
        "step": "step-down",
    }


@pytest.mark.parametrize(("name", "kwarg_names"), FAMILY_URLS, ids=[name for name, _ in FAMILY_URLS])
def test_family_url__no_grant__is_404_for_every_method(name, kwarg_names, family_kwargs, outsider_client):
    url = reverse(name, kwargs={key: family_kwargs[key] for key in kwarg_names})
    statuses = {method: getattr(outsider_client, method)(url).status_code for method in ("get", "post")}
    # A method the view does not take answers 405 for every family alike, which tells nothing.
    assert set(statuses.values()) <= {404, 405}
    assert 404 in statuses.values()


@pytest.mark.parametrize(("name", "kwarg_names"), FAMILY_URLS, ids=[name for name, _ in FAMILY_URLS])
def test_family_url__anonymous__redirects_to_login(name, kwarg_names, family_kwargs, client):
    url = reverse(name, kwargs={key: family_kwargs[key] for key in kwarg_names})
    response = client.get(url)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwarg_names"), FAMILY_URLS, ids=[name for name, _ in FAMILY_URLS])
def test_family_url__granted__answers_and_records_the_read(name, kwarg_names, family_kwargs, case, staff_client):
    """The granted leg of the three-way test: every family page a GET opens answers and leaves an access event."""
    url = reverse(name, kwargs={key: family_kwargs[key] for key in kwarg_names})
    # A family's audit trail is the leaders' page, read by family number without a grant on the family.
    client = staff_client
    if name == "cases:family_audit":
        staff_client.get(case.family.get_absolute_url())  # a trail to read
        client = client_for(factories.UserFactory(role=roles.LEADER))
    before = AccessEvent.objects.filter(family_id=case.family_id).count()
    response = client.get(url)
    if response.status_code == 405:
        return  # POST-only: its writes are audited by the action tests.
    assert response.status_code in (200, 302)
    assert AccessEvent.objects.filter(family_id=case.family_id).count() > before


def test_family_url__missing_family__is_the_same_404(staff_client):
    assert staff_client.get(reverse("cases:family_detail", args=[999_999])).status_code == 404


def test_family_detail__three_ways(family, staff_client, outsider_client, client):
    url = family.get_absolute_url()
    assert client.get(url).status_code == 302
    assert outsider_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_family_list__never_includes_other_families(staff, staff_client, family):
    factories.open_case(opener=factories.unit_staff(), family_name="Familien Annan")
    response = staff_client.get(reverse("cases:family_list"))
    assert "Familien Hansen" in response.text
    assert "Familien Annan" not in response.text


def test_case_step__other_familys_case_id__is_404(staff, staff_client, family):
    other, *_ = factories.case_at(0, opener=factories.unit_staff())
    url = reverse("cases:case_step", args=[family.pk, other.pk, "avklaring"])
    assert staff_client.post(url, {"avklaring-reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.level == 0


def test_case_step__family_login__is_404_and_changes_nothing(case):
    from cases import actions

    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)
    guardian = case.family.persons.get(role="guardian")
    actions.link_family_login(actor=case.opened_by, person=guardian, user=parent)
    parent_client = client_for(parent)
    assert parent_client.get(case.family.get_absolute_url()).status_code == 404
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "close"])
    assert parent_client.post(url, {"close-reason": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "open"


def test_visible_families__superuser_and_global_permission__see_nothing(family):
    from django.contrib.auth.models import Permission

    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    global_viewer = factories.UserFactory()
    global_viewer.user_permissions.add(Permission.objects.get(codename="view_family"))
    assert not access.visible_families(superuser).exists()
    assert not access.visible_families(global_viewer).exists()
    assert client_for(superuser).get(family.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [None, roles.UNIT_STAFF, roles.LEADER])
def test_family_new__superuser__is_403_and_registers_nothing_whatever_its_role(db, role):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True, **({"role": role} if role else {}))
    client = client_for(superuser)
    data = {"family_name": "Familien Gulbrandsen", "child_first_name": "Emma", "reason": "Uro"}

    assert client.get(reverse("cases:family_new")).status_code == 403
    assert client.post(reverse("cases:family_new"), data).status_code == 403
    assert f'href="{reverse("cases:family_new")}"' not in client.get(reverse("home")).text
    with pytest.raises(Refused):
        actions.register_family(actor=superuser, family_name="Familien Gulbrandsen", child={}, guardians=[], reason="")
    assert not Family.objects.filter(name="Familien Gulbrandsen").exists()


def test_visible_families__through_a_team_group__sees_the_family_only_while_referred(staff):
    case, team, *_ = factories.case_at(2, opener=staff)
    member = factories.ressursteam_member(team)
    assert list(access.visible_families(member)) == [case.family]
    member.groups.remove(team.group)
    assert not access.visible_families(member).exists()


def test_visible_families__inactive_user__sees_nothing(staff, family):
    staff.is_active = False
    staff.save()
    assert not access.visible_families(staff).exists()
    assert Family.objects.filter(pk=family.pk).exists()


def test_case_step_form__three_ways(case, staff_client, outsider_client, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    assert client.get(url).status_code == 302
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert staff_client.get(url).status_code == 200


def test_visible_families__filter_on_the_permission_id_without_joining_permissions(staff, family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert list(access.visible_families(staff)) == [family]
    assert len(queries) == 1
    assert "auth_permission" not in queries[0]["sql"]
    assert "django_content_type" not in queries[0]["sql"]


@pytest.mark.django_db(transaction=True)
def test_permission_id__after_a_flush_recreates_the_permissions__is_looked_up_again():
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    access.permission_id(access.VIEW)
    call_command("flush", interactive=False, verbosity=0)
    assert access.permission_id(access.VIEW) == Permission.objects.get(codename="view_family").pk
    case = factories.open_case()
    assert access.can(case.opened_by, case.family, access.CHANGE)
