"""Every ressursteam URL, generated from the URL conf: anonymous → login; someone outside the team (or not the
sender) → 404 for every method; the team's member or the referral's sender → the page. A new URL is covered the day
it is added: one whose id kinds this file cannot fill fails `test_url_conf__every_teams_url_is_covered`."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases import access
from cases.models import Level
from familielos import roles
from teams import workflow
from teams.models import Referral, TeamRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Pages that are not one team's or one referral's: every signed-in person may open them, and they show only
# the person's own (their teams, their referrals; leaders' capacity page, the anonymous referral form by role), or,
# to someone in no team, which teams there are and what they cover (no family in it).
OPEN_TO_ALL = {"teams:team_list", "teams:referral_list", "teams:meeting_list"}
ROLE_GATED = {"teams:capacity", "teams:referral_anonymous_new"}


def _teams_patterns(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _teams_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace.startswith("teams:"):
            yield f"{namespace}{pattern.name}", set(pattern.pattern.regex.groupindex)


TEAMS_URLS = sorted(_teams_patterns())
SCOPED_URLS = [(name, kwargs) for name, kwargs in TEAMS_URLS if name not in OPEN_TO_ALL | ROLE_GATED]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world below, made once for the module and rolled back after it (the outsiders are refused and the owners
    only read); each test runs in a savepoint inside it, rolled back after it, so what a test changes is gone for the
    next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


def _world():
    """A team with a leader, a named referral from a teacher on a meeting's agenda, and that family's grant; and a
    leader of another team and a teacher at another school, who see none of it."""
    staff = factories.unit_staff(username="laerer")
    team = factories.RessursteamFactory(name="Ressursteam nord")
    leader = factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar")
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Vik")
    factories.give_consent(case, units=team.units.all())
    referral = workflow.create_referral(actor=staff, team=team, case=case, question="Treng vi fleire?")
    referral = workflow.send_referral(actor=staff, referral=referral)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=7))
    other_team = factories.RessursteamFactory(name="Ressursteam sør")
    outsiders = [
        factories.team_member(other_team, role=TeamRole.LEADER, username="rt-sor"),
        factories.unit_staff(username="annan-laerar"),
    ]
    return {
        "team": team,
        "leader": leader,
        "staff": staff,
        "case": case,
        "referral": referral,
        "meeting": meeting,
        "outsiders": outsiders,
    }


@pytest.fixture
def referral(db, world):
    """The referral read afresh, for a test that changes it."""
    return Referral.objects.get(pk=world["referral"].pk)


def _url(name, kwarg_names, world):
    values = {
        "team_pk": world["team"].pk,
        "family_pk": world["case"].family_id,
        "item_pk": world["meeting"].items.get().pk,
        "pk": world["referral"].pk if name.startswith("teams:referral") else world["meeting"].pk,
    }
    return reverse(name, kwargs={key: values[key] for key in kwarg_names})


def _owner(name, world):
    """Who the page is for: the sender for a referral's pages (and a new referral), else the team's leader."""
    return world["staff"] if name.startswith("teams:referral") else world["leader"]


def test_url_conf__every_teams_url_is_covered():
    known = {"team_pk", "family_pk", "item_pk", "pk"}
    assert len(TEAMS_URLS) >= 15
    for name, kwarg_names in TEAMS_URLS:
        assert kwarg_names <= known, f"{name} takes {kwarg_names - known}: teach this test to fill them"


@pytest.mark.parametrize(("name", "kwarg_names"), TEAMS_URLS, ids=[name for name, _ in TEAMS_URLS])
def test_teams_url__anonymous__redirects_to_login(name, kwarg_names, world, client):
    response = client.get(_url(name, kwarg_names, world))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwarg_names"), SCOPED_URLS, ids=[name for name, _ in SCOPED_URLS])
def test_teams_url__outside_the_team__is_404_for_every_method(name, kwarg_names, world):
    url = _url(name, kwarg_names, world)
    for outsider in world["outsiders"]:
        client = client_for(outsider)
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert set(statuses.values()) <= {404, 405}, (outsider.username, statuses)
        assert 404 in statuses.values()


@pytest.mark.parametrize(("name", "kwarg_names"), SCOPED_URLS, ids=[name for name, _ in SCOPED_URLS])
def test_teams_url__member_or_sender__gets_the_page(name, kwarg_names, world):
    response = client_for(_owner(name, world)).get(_url(name, kwarg_names, world))
    # A POST-only address answers 405 to a GET; a form for a step already taken may redirect to the referral.
    assert response.status_code in (200, 302, 405)


def test_capacity_page__only_a_leader(world):
    url = reverse("teams:capacity")
    assert client_for(factories.UserFactory(role=roles.LEADER)).get(url).status_code == 200
    assert client_for(world["leader"]).get(url).status_code == 403
    assert client_for(world["staff"]).get(url).status_code == 403


def test_team_member__without_the_family_grant__does_not_open_the_named_referral(world, referral):
    other_member = factories.team_member(world["team"], username="rt-ny")
    assert access.can(other_member, world["case"].family)
    workflow.withdraw_referral(actor=world["staff"], referral=referral)
    url = reverse("teams:referral_detail", args=[referral.pk])
    assert client_for(other_member).get(url).status_code == 404
