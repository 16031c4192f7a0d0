"""No page's query count grows with the data (5 against 25 of everything), the hot pages stay within 12, and the steps
that walk a case up to level 3 within their statement budgets."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import actions, workflow
from cases.models import Case, ConsentDecision, Level, PersonRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

User = get_user_model()

MAX_QUERIES = 12


def _families(opener, count):
    for n in range(count):
        case = factories.open_case(opener=opener, family_name=f"Familien {n:03}")
        factories.person(case.family, first_name=f"Søsken {n}")


def _queries(client, url):
    """The queries of one GET, after a first one has done what a session's first request does once."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries


def _grow(case, actor, count):
    """`count` more people, consents, conversations with agreements, and level changes on the family."""
    for n in range(count):
        factories.person(case.family, first_name=f"Barn {n}")
        factories.give_consent(case, units=[factories.ServiceUnitFactory()], actor=case.opened_by)
        workflow.report_to_barnevern(actor=actor, case=case, reason=f"Melding {n}")


def test_family_list__same_count_at_5_and_25(staff, staff_client):
    url = reverse("cases:family_list") + "?q=familien&level=0"
    _families(staff, 5)
    small = len(_queries(staff_client, url))
    _families(staff, 20)
    assert len(_queries(staff_client, url)) == small <= MAX_QUERIES


@pytest.mark.parametrize("level", list(Level))
def test_family_detail__at_most_12_queries_and_the_same_at_5_and_25(level):
    case, team, los, _member = factories.case_at(level)
    actor = {Level.RESSURSTEAM: team and factories.ressursteam_member(team), Level.FAMILIELOS: los}.get(
        level, case.opened_by
    )
    if level <= Level.AVKLARING:
        actions.book_avklaringssamtale(actor=case.opened_by, case=case, starts_at=timezone.now(), place="Skulen")
    client = client_for(actor)
    url = case.family.get_absolute_url()
    _grow(case, actor, 5)
    small = _queries(client, url)
    _grow(case, actor, 20)
    large = _queries(client, url)
    assert len(large) == len(small) <= MAX_QUERIES, "\n".join(q["sql"][:150] for q in large)


def test_home__at_most_12_queries_and_the_same_at_5_and_25(staff, staff_client):
    def add(count):
        for n in range(count):
            case = factories.open_case(opener=staff, family_name=f"Familien {n}")
            actions.book_avklaringssamtale(actor=staff, case=case, starts_at=timezone.now(), place="Skulen")
            factories.open_case(opener=staff, family_name=f"Familien Uro {n}")

    add(5)
    small = len(_queries(staff_client, reverse("home")))
    add(20)
    assert len(_queries(staff_client, reverse("home"))) == small <= MAX_QUERIES


def test_pages__use_no_server_side_cursor(staff):
    """A server-side cursor (psycopg's `.iterator()`) holds a connection-pooler's session; no page opens one."""
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    factories.familielos()
    client = client_for(factories.ressursteam_member(team))
    samtale_case = factories.open_case(opener=staff, family_name="Familien Samtale")
    samtale = actions.book_avklaringssamtale(actor=staff, case=samtale_case, starts_at=timezone.now(), place="Skulen")
    pages = [
        (client, case.family.get_absolute_url()),
        (client, reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"])),
        (client, reverse("cases:consent_new", args=[case.family_id])),
        (client_for(staff), reverse("cases:family_new")),
        (client_for(staff), reverse("teams:referral_new", args=[samtale_case.family_id])),
        (client_for(staff), reverse("cases:samtale_detail", args=[samtale_case.family_id, samtale.pk])),
        (client_for(staff), reverse("home")),
        (client_for(staff), reverse("cases:family_list")),
    ]
    for page_client, url in pages:
        sql = [query["sql"] for query in _queries(page_client, url)]
        assert not [statement for statement in sql if "DECLARE" in statement], url


# The statements (savepoints included) each step takes to walk a case up to level 3: its action's work as one request
# does it, with the user loaded afresh, once the process has read what it reads once (the permission ids). The
# request's own statements (session, user, audit event) are not counted. A budget that grows is a step grown slower.
STEP_BUDGETS = {"register": 18, "avklaring": 17, "consent": 10, "refer": 19, "assign": 26}


def _walk_to_level_3(opener, team, los, member) -> tuple[Case, dict[str, list[str]]]:
    """The case walked up to level 3, and the statements of each step."""
    statements = {}

    def step(name, take):
        with CaptureQueriesContext(connection) as captured:
            result = take()
        statements[name] = [query["sql"] for query in captured]
        return result

    def fresh(user):
        return User.objects.get(pk=user.pk)

    actor = fresh(opener)
    case = step("register", lambda: factories.open_case(opener=actor))
    actor = fresh(opener)
    case = step("avklaring", lambda: workflow.move_to_avklaring(actor=actor, case=case, reason="Samtale."))
    actor, guardian = fresh(opener), case.family.persons.get(role=PersonRole.GUARDIAN)
    units = [*team.units.all(), *workflow.familielos_units(los)]
    today = timezone.localdate()
    step(
        "consent",
        lambda: actions.record_consent(
            actor=actor,
            family=case.family,
            given_by=guardian,
            decision=ConsentDecision.GIVEN,
            units=units,
            valid_from=today,
            valid_to=today + timedelta(days=365),
        ),
    )
    actor = fresh(opener)
    case = step("refer", lambda: workflow.refer_to_ressursteam(actor=actor, case=case, team=team, reason="Hjelp."))
    actor = fresh(member)
    case = step("assign", lambda: workflow.assign_familielos(actor=actor, case=case, familielos=los, reason="Los."))
    return case, statements


def test_steps_to_level_3__each_within_its_statement_budget():
    opener, team, los = factories.unit_staff(), factories.RessursteamFactory(), factories.familielos()
    member = factories.ressursteam_member(team)
    _walk_to_level_3(opener, team, los, member)
    case, statements = _walk_to_level_3(opener, team, los, member)
    assert case.level == Level.FAMILIELOS
    over = {name: sqls for name, sqls in statements.items() if len(sqls) > STEP_BUDGETS[name]}
    assert not over, "\n\n".join(
        f"{name}: {len(sqls)} statements, over its budget of {STEP_BUDGETS[name]}:\n" + "\n".join(sqls)
        for name, sqls in over.items()
    )
