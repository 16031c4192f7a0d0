"""Every familieteam URL, generated from the URL conf: anonymous → login; everyone outside the familieteam → 404 for
every method, including those who see the family itself (whoever opened the case, the ressursteam) and a member
removed a moment ago; the familielos → the page, with the read in the access log. A new URL is covered the day it
is added: one whose ids this file cannot fill fails `test_url_conf__every_familieteam_url_is_covered`."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Level, OwnerKind
from familielos import roles
from familielos.models import AccessEvent
from familieteam import workflow
from familieteam.models import Column, LifeArea
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Pages that are no one family's: each shows only the person's own (their action points), or no family data at all
# (the blank canvas).
NOT_SCOPED = {"familieteam:my_action_points", "familieteam:canvas_blank_pdf"}
KNOWN_IDS = {"family_pk", "pk", "member_pk", "cell_pk"}


def _familieteam_patterns(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _familieteam_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace == "familieteam:":
            yield f"{namespace}{pattern.name}", set(pattern.pattern.regex.groupindex)


FAMILIETEAM_URLS = sorted(_familieteam_patterns())
SCOPED_URLS = [(name, kwargs) for name, kwargs in FAMILIETEAM_URLS if name not in NOT_SCOPED]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world below, made once for the module and rolled back after it (the outsiders are refused and change
    nothing); each test runs in a savepoint inside it, rolled back after it, so the familielos's reads leave nothing."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


def _world():
    """A level-3 family with a familieteam (a staff member, a trusted person), a planned meeting with a written cell
    and an action point; and everyone who sees the family but is not in its team."""
    case, ressursteam, los, team_member = factories.case_at(Level.FAMILIELOS, family_name="Familien Vik")
    member, member_user = factories.familieteam_member(case)
    removed, removed_user = factories.familieteam_member(case, unit=factories.ServiceUnitFactory())
    workflow.remove_member(actor=los, member=removed)
    trusted = factories.trusted_person(case)
    meeting = factories.familieteam_meeting(case, invited=[member, trusted])
    cell = workflow.save_cell(
        actor=los,
        meeting=meeting,
        life_area=LifeArea.objects.first(),
        column=Column.NOW,
        text="Kari tek bussen til skulen sjølv.",
        due=None,
        base_version=0,
    ).cell
    point = workflow.set_action_point(
        actor=los,
        meeting=meeting,
        what="Ring PPT",
        owner=workflow.Owner(OwnerKind.STAFF, user_id=member_user.pk),
        due=None,
    )
    outsiders = {
        "opener": case.opened_by,
        "ressursteam_member": team_member,
        "other_familielos": factories.familielos(),
        "removed_member": removed_user,
        "stranger": factories.unit_staff(),
        "leader": factories.UserFactory(role=roles.LEADER),
    }
    ids = {"family_pk": case.family_id, "member_pk": trusted.pk, "cell_pk": cell.pk, "meeting_pk": meeting.pk}
    return {"case": case, "los": los, "member_user": member_user, "outsiders": outsiders, "ids": ids, "point": point}


def _url(name, kwarg_names, world):
    ids = world["ids"]
    values = {**ids, "pk": world["point"].pk if name == "familieteam:action_point_status" else ids["meeting_pk"]}
    return reverse(name, kwargs={key: values[key] for key in kwarg_names})


def test_url_conf__every_familieteam_url_is_covered():
    assert len(FAMILIETEAM_URLS) >= 15
    for name, kwarg_names in FAMILIETEAM_URLS:
        assert kwarg_names <= KNOWN_IDS, name


@pytest.mark.parametrize(("name", "kwarg_names"), SCOPED_URLS, ids=[name for name, _ in SCOPED_URLS])
def test_familieteam_url__outside_the_team__is_404_for_every_method(name, kwarg_names, world):
    url = _url(name, kwarg_names, world)
    for who, user in world["outsiders"].items():
        client = client_for(user)
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        # A method the view does not take answers 405 for every family alike, which tells nothing.
        assert set(statuses.values()) <= {404, 405}, (who, statuses)
        assert 404 in statuses.values(), (who, statuses)


@pytest.mark.parametrize(("name", "kwarg_names"), FAMILIETEAM_URLS, ids=[name for name, _ in FAMILIETEAM_URLS])
def test_familieteam_url__anonymous__redirects_to_login(name, kwarg_names, world, client):
    response = client.get(_url(name, kwarg_names, world))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwarg_names"), SCOPED_URLS, ids=[name for name, _ in SCOPED_URLS])
def test_familieteam_url__the_familielos__answers_and_records_the_read(name, kwarg_names, world):
    family_id = world["case"].family_id
    before = AccessEvent.objects.filter(family_id=family_id).count()
    response = client_for(world["los"]).get(_url(name, kwarg_names, world))
    if response.status_code == 405:
        return  # POST-only: its writes are tested with the view.
    assert response.status_code in (200, 302)
    assert AccessEvent.objects.filter(family_id=family_id).count() > before
