"""The family's own pages: who reaches them, that each shows only the signed-in family's data in plain words, the
log's two forms, and flat query counts as a family's log and tasks grow."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import actions
from cases.models import Avklaringssamtale, Level, OwnerKind, PersonRole
from familielos.models import AccessAction, AccessEvent
from familieteam import workflow as familieteam_workflow
from familieteam.models import Column, EvaluationResult, LifeArea
from stafettlogg import selectors as log_selectors
from stafettlogg import workflow as log_workflow
from stafettlogg.models import TEXT_MAX, Entry, Event, Kind, Visibility
from tests import factories
from tests.conftest import client_for, post_twice

pytestmark = pytest.mark.django_db

PAGES = ["portal:home", "portal:plan", "portal:action_points", "portal:log"]


@pytest.fixture(scope="module", autouse=True)
def hansen_world(django_db_setup, django_db_blocker):
    """`staff`, `case` (tests/conftest.py) and `parent` (tests/portal/conftest.py), made once for the module and rolled
    back after it; each test runs in a savepoint inside it, rolled back after it, so what one test posts or changes
    is gone for the next. Autouse: a test that asks for its login by name (`request.getfixturevalue`) would otherwise
    make it inside its own savepoint, which rolls it back."""
    with django_db_blocker.unblock(), transaction.atomic():
        staff = factories.unit_staff(username="laerer")
        case = factories.open_case(opener=staff, family_name="Familien Hansen", child_name="Emma")
        parent = factories.family_login(case.family.persons.get(role=PersonRole.GUARDIAN), username="forelder")
        yield {"staff": staff, "case": case, "parent": parent}
        transaction.set_rollback(True)


@pytest.fixture
def staff(db, hansen_world):
    return type(hansen_world["staff"]).objects.get(pk=hansen_world["staff"].pk)


@pytest.fixture
def case(db, hansen_world):
    """Read afresh for each test: a test that moves the case on leaves the next one a case at level 0."""
    return type(hansen_world["case"]).objects.get(pk=hansen_world["case"].pk)


@pytest.fixture
def parent(db, hansen_world):
    return type(hansen_world["parent"]).objects.get(pk=hansen_world["parent"].pk)


def shown(msgid: str, context: str = "") -> str:
    """A text as a page in the default language (Bokmål) shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return escape(text)


def family_post(user, text, kind=Kind.MESSAGE):
    return log_workflow.post_from_family(actor=user, kind=kind, text=text)


def set_point(case, what, *, owner=None, meeting=None):
    owner = owner or familieteam_workflow.Owner(OwnerKind.GUARDIAN, person_id=case.guardian.pk)
    return familieteam_workflow.set_action_point(
        actor=case.familielos,
        meeting=meeting or case.meeting,
        what=what,
        owner=owner,
        due=timezone.localdate() + timedelta(days=7),
    )


# Who reaches the pages.


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("login", ["parent", "youth_login"])
def test_page__guardian_and_young_person__see_it(request, name, login):
    response = client_for(request.getfixturevalue(login)).get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", PAGES)
def test_page__signed_out__goes_to_the_portal_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == f"/min-familie/logg-inn/?next={reverse(name)}"


@pytest.mark.parametrize("name", PAGES)
def test_page__staff_who_opened_the_case__gets_404(staff_client, name):
    assert staff_client.get(reverse(name)).status_code == 404


def test_tick_and_post__staff__get_404(staff_client, family):
    assert staff_client.post(reverse("portal:log_post"), {"kind": "message", "message-text": "Hei"}).status_code == 404
    assert staff_client.post(reverse("portal:action_point_tick", args=[1]), {}).status_code == 404
    assert not Entry.objects.filter(family=family, text="Hei").exists()


@pytest.mark.parametrize("name", PAGES)
def test_page__guardian_whose_parental_responsibility_is_removed__gets_404_at_once(parent, guardian, name):
    client = client_for(parent)
    assert client.get(reverse(name)).status_code == 200
    guardian.parental_responsibility = False
    guardian.save(update_fields=["parental_responsibility"])
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_page__login_unlinked_from_the_person__gets_404(parent, guardian, name):
    client = client_for(parent)
    guardian.user = None
    guardian.save(update_fields=["user"])
    assert client.get(reverse(name)).status_code == 404


# Only one's own family.


def test_pages__another_familys_login_sees_only_its_own_log(parent, other_case):
    other_login = other_case.family.persons.get(role=PersonRole.GUARDIAN).user
    family_post(parent, "Melding frå Hansen")
    family_post(other_login, "Melding frå Berg")
    for name in ("portal:home", "portal:log"):
        ours = client_for(parent).get(reverse(name)).content.decode()
        theirs = client_for(other_login).get(reverse(name)).content.decode()
        assert "Melding frå Hansen" in ours
        assert "Melding frå Berg" not in ours
        assert "Melding frå Berg" in theirs
        assert "Melding frå Hansen" not in theirs


def test_pages__another_familys_login_sees_only_its_own_tasks(lund):
    berg, _team, _los, _member = factories.case_at(Level.FAMILIELOS, family_name="Familien Berg", child_name="Siv")
    berg.guardian = berg.family.persons.get(role=PersonRole.GUARDIAN)
    berg.login = factories.family_login(berg.guardian, username="berg_forelder")
    berg.meeting = factories.familieteam_meeting(berg)
    set_point(berg, "Bergs eiga oppgåve")
    set_point(lund, "Lunds eiga oppgåve")
    for name in ("portal:home", "portal:action_points"):
        ours = client_for(lund.login).get(reverse(name)).content.decode()
        theirs = client_for(berg.login).get(reverse(name)).content.decode()
        assert "Lunds eiga oppgåve" in ours
        assert "Bergs eiga oppgåve" not in ours
        assert "Bergs eiga oppgåve" in theirs
        assert "Lunds eiga oppgåve" not in theirs


def test_log_and_home__a_team_only_entry__never_shows(parent, family, staff):
    log_workflow.post_entry(
        actor=staff, family=family, kind=Kind.NOTE, visibility=Visibility.TEAM, text="Berre for teamet"
    )
    log_workflow.post_entry(
        actor=staff, family=family, kind=Kind.MESSAGE, visibility=Visibility.TEAM_AND_FAMILY, text="Til familien"
    )
    client = client_for(parent)
    for name in ("portal:home", "portal:log"):
        page = client.get(reverse(name)).content.decode()
        assert "Til familien" in page
        assert "Berre for teamet" not in page


# The start page.


def test_home__greets_by_first_name_and_shows_meeting_contact_tasks_and_log(lund):
    set_point(lund, "Ringje skulen")
    log_workflow.post_entry(
        actor=lund.familielos,
        family=lund.family,
        kind=Kind.MESSAGE,
        visibility=Visibility.TEAM_AND_FAMILY,
        text="Velkomen til familieteamet",
    )
    response = client_for(lund.login).get(reverse("portal:home"))
    page = response.content.decode()
    assert escape(lund.guardian.first_name) in page
    assert lund.guardian.last_name not in page.split("<h1>")[1].split("</h1>")[0]
    assert timezone.localtime(lund.meeting.starts_at).strftime("%d.%m.%Y") in page
    assert escape(lund.meeting.place) in page
    assert lund.familielos.get_full_name() in page
    assert factories.FAMILIELOS_SERVICE in page
    assert "Ringje skulen" in page
    assert "Velkomen til familieteamet" in page
    assert AccessEvent.objects.filter(actor=lund.login, family_id=lund.family_id, action=AccessAction.VIEW).exists()


def test_home__a_booked_clarifying_conversation_is_the_next_meeting(parent, case, staff):
    from cases import workflow as case_workflow

    case = case_workflow.move_to_avklaring(actor=staff, case=case, reason="Samtale.")
    starts_at = timezone.now() + timedelta(days=3)
    actions.book_avklaringssamtale(actor=staff, case=case, starts_at=starts_at, place="Nordvik skule, rom 2")
    page = client_for(parent).get(reverse("portal:home")).content.decode()
    assert "Nordvik skule, rom 2" in page
    assert timezone.localtime(starts_at).strftime("%d.%m.%Y") in page


@pytest.mark.parametrize(("begun_hours_ago", "shown"), [(1, True), (3, False)])
def test_home__a_booked_conversation__stays_the_next_meeting_for_two_hours_after_it_began(
    parent, case, staff, begun_hours_ago, shown
):
    from cases import workflow as case_workflow

    case = case_workflow.move_to_avklaring(actor=staff, case=case, reason="Samtale.")
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() + timedelta(days=1), place="Nordvik skule, rom 2"
    )
    Avklaringssamtale.objects.filter(pk=samtale.pk).update(starts_at=timezone.now() - timedelta(hours=begun_hours_ago))

    page = client_for(parent).get(reverse("portal:home")).content.decode()

    assert ("Nordvik skule, rom 2" in page) is shown


# The plan.


def _save(case, meeting, area, column, text, version=0, due=None):
    return familieteam_workflow.save_cell(
        actor=case.familielos,
        meeting=meeting,
        life_area=area,
        column=column,
        text=text,
        due=due,
        base_version=version,
    ).cell


def test_plan__shows_the_latest_held_canvas_per_life_area_with_last_times_evaluation(lund):
    school, home = LifeArea.objects.filter(active=True)[:2]
    # Held fifty days ago, and the next one twenty days ago (a meeting is finished once it has begun); the third
    # comes in ten days.
    first = familieteam_workflow.reschedule_meeting(
        actor=lund.familielos,
        meeting=lund.meeting,
        starts_at=timezone.now() - timedelta(days=50),
        place=lund.meeting.place,
    )
    _save(lund, first, school, Column.NOW, "Leksehjelp to dagar i veka")
    finish = {"present": [], "family_present": "Guro", "next_place": "Skulen"}
    second = familieteam_workflow.finish_meeting(
        actor=lund.familielos, meeting=first, next_starts_at=first.starts_at + timedelta(days=30), **finish
    )
    carried = second.cells.get(life_area=school, column=Column.NOW)
    familieteam_workflow.evaluate(
        actor=lund.familielos,
        meeting=second,
        cell=carried.carried_from,
        result=EvaluationResult.PARTLY,
        comment="Éin dag fungerte",
    )
    _save(lund, second, school, Column.NOW, "Leksehjelp tre dagar i veka", version=carried.version)
    _save(lund, second, home, Column.SHORT_GOAL, "Felles middag kvar dag", due=date(2031, 3, 1))
    third = familieteam_workflow.finish_meeting(
        actor=lund.familielos, meeting=second, next_starts_at=second.starts_at + timedelta(days=30), **finish
    )
    _save(lund, third, home, Column.LONG_GOAL, "Ikkje halde fast enno")

    page = client_for(lund.login).get(reverse("portal:plan")).content.decode()
    assert timezone.localtime(second.starts_at).strftime("%d.%m.%Y") in page
    assert escape(school.name) in page
    assert "Leksehjelp tre dagar i veka" in page
    assert "Felles middag kvar dag" in page
    assert "01.03.2031" in page
    assert "Ikkje halde fast enno" not in page
    assert "Leksehjelp to dagar i veka" in page
    assert shown("Partly done") in page
    assert "Éin dag fungerte" in page
    assert AccessEvent.objects.filter(actor=lund.login, object_type="familieteammeeting", object_id=str(second.pk))


def test_plan__only_a_planned_meeting__shows_its_canvas_and_says_it_can_change(lund):
    area = LifeArea.objects.filter(active=True).first()
    _save(lund, lund.meeting, area, Column.SHORT_GOAL, "Sove før klokka ti", due=date(2031, 1, 1))
    page = client_for(lund.login).get(reverse("portal:plan")).content.decode()
    assert "Sove før klokka ti" in page
    assert shown("The meeting has not been held yet, so the plan can still change.") in page


def test_plan__before_level_3__explains_and_shows_the_agreements(parent, case, staff):
    from cases import workflow as case_workflow

    case = case_workflow.move_to_avklaring(actor=staff, case=case, reason="Samtale.")
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    samtale.refresh_from_db()
    actions.record_avklaringssamtale(
        actor=staff,
        samtale=samtale,
        version=samtale.version,
        agreements=[{"what": "Fast vaksen i friminuttet", "who": "Kontaktlæraren", "follow_up": None}],
        concern="Uro.",
    )
    page = client_for(parent).get(reverse("portal:plan")).content.decode()
    assert (
        shown(
            "Your plan is made together with a familieteam: the people who help your family. The plan comes here when "
            "a familieteam is set up."
        )
        in page
    )
    assert "Fast vaksen i friminuttet" in page
    assert "Kontaktlæraren" in page


# The log.


def test_log__measure_and_evaluation_say_what_and_when_in_plain_words(lund):
    measure = log_workflow.post_measure(
        actor=lund.familielos,
        family=lund.family,
        visibility=Visibility.TEAM_AND_FAMILY,
        text="Ekstra lesetrening",
        responsible="Kontaktlærar Per",
        starts_on=date(2030, 1, 6),
        evaluate_by=date(2030, 3, 1),
    )
    log_workflow.evaluate_measure(
        actor=lund.familielos,
        family=lund.family,
        measure=measure,
        outcome="well",
        visibility=Visibility.TEAM_AND_FAMILY,
        text="Ida les meir",
        next_steps="Halde fram",
    )
    page = client_for(lund.login).get(reverse("portal:log")).content.decode()
    assert "Ekstra lesetrening" in page
    assert "Kontaktlærar Per" in page
    assert "06.01.2030" in page
    assert "01.03.2030" in page
    assert shown("We talk about how it went by") in page
    assert shown("Went well") in page
    assert "Halde fram" in page
    assert lund.familielos.get_full_name() in page
    assert factories.FAMILIELOS_SERVICE in page


def test_log__a_task_done__is_worded_as_a_task_as_the_familys_pages_say(lund):
    Entry.objects.create_event(
        family_id=lund.family.pk,
        actor=lund.familielos,
        event=Event.ACTION_POINT_DONE,
        params={"what": "Bestille tannlege"},
    )
    page = client_for(lund.login).get(reverse("portal:log")).text
    assert shown("Task done: %(what)s") % {"what": "Bestille tannlege"} in page
    staff_page = client_for(lund.familielos).get(reverse("stafettlogg:log", args=[lund.family.pk])).text
    assert shown("Action point done: %(what)s") % {"what": "Bestille tannlege"} in staff_page


def test_log__pages_by_keyset_newest_first(lund):
    for number in range(30):
        family_post(lund.login, f"Melding nummer {number:02d}")
    client = client_for(lund.login)
    first = client.get(reverse("portal:log"))
    first_page = first.content.decode()
    assert "Melding nummer 29" in first_page
    assert "Melding nummer 04" not in first_page
    assert first_page.index("Melding nummer 29") < first_page.index("Melding nummer 28")
    older = first.context["page"].older
    second_page = client.get(reverse("portal:log"), {"eldre": older}).content.decode()
    assert "Melding nummer 04" in second_page
    assert "Melding nummer 29" not in second_page


@pytest.mark.parametrize("kind", [Kind.MESSAGE, Kind.LYSGLIMT])
def test_log_post__appears_in_the_family_log_and_the_staffs_log(parent, family, kind):
    client = client_for(parent)
    response = client.post(reverse("portal:log_post"), {"kind": kind, f"{kind}-text": "Ida syklar til skulen no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:log")
    entry = Entry.objects.get(family=family, text="Ida syklar til skulen no")
    assert (entry.kind, entry.visibility, entry.author) == (kind, Visibility.TEAM_AND_FAMILY, parent)
    assert entry in log_selectors.entries(family)
    assert "Ida syklar til skulen no" in client.get(reverse("portal:log")).content.decode()
    assert AccessEvent.objects.filter(actor=parent, action=AccessAction.CHANGE, object_id=str(entry.pk)).exists()


def test_log_post__sent_twice__is_in_the_log_once(parent, family):
    data = {"kind": Kind.MESSAGE, "message-text": "Kan vi flytte møtet?"}

    first, again = post_twice(client_for(parent), reverse("portal:log_post"), data)

    assert again.redirect_chain == [(first.url, 302)]
    assert Entry.objects.filter(family=family, text="Kan vi flytte møtet?").count() == 1


def test_log_post__shows_in_the_staffs_log_page(parent, family, staff_client):
    client_for(parent).post(reverse("portal:log_post"), {"kind": "lysglimt", "lysglimt-text": "Ein fin tur i dag"})
    page = staff_client.get(reverse("stafettlogg:log", args=[family.pk])).content.decode()
    assert "Ein fin tur i dag" in page


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("   ", "Write something before you send."),
        ("x" * (TEXT_MAX + 1), "The text is too long. Make it at most %(limit_value)d characters."),
    ],
)
def test_log_post__empty_or_too_long__is_said_and_nothing_is_saved_or_lost(parent, family, text, error):
    before = Entry.objects.filter(family=family).count()
    response = client_for(parent).post(reverse("portal:log_post"), {"kind": "message", "message-text": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert shown(error).replace("%(limit_value)d", str(TEXT_MAX)) in page
    if text.strip():
        assert text in page
    assert Entry.objects.filter(family=family).count() == before


@pytest.mark.parametrize("kind", ["note", "system", "", "abc", "1 OR 1=1"])
def test_log_post__another_kind__says_the_page_is_out_of_date_and_writes_nothing(parent, family, kind):
    before = Entry.objects.filter(family=family).count()
    response = client_for(parent).post(reverse("portal:log_post"), {"kind": kind, "message-text": "Berre ei melding"})
    assert response.status_code == 400
    assert shown("The page is out of date. Reload it.") in response.text
    assert shown("What you sent could not be taken") in response.text  # a page, not bare text
    assert Entry.objects.filter(family=family).count() == before


# Query counts: flat as the family's log and tasks grow.


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _grow(case, count):
    other_person = factories.person(case.family, first_name="Ola", birth_date=date(2019, 1, 1))
    for number in range(count):
        set_point(case, f"Oppgåve {number}")
        child = familieteam_workflow.Owner(OwnerKind.CHILD, person_id=other_person.pk)
        set_point(case, f"Barnets oppgåve {number}", owner=child)
        family_post(case.login, f"Melding {number}")
        log_workflow.post_measure(
            actor=case.familielos,
            family=case.family,
            visibility=Visibility.TEAM_AND_FAMILY,
            text=f"Tiltak {number}",
            responsible="Per",
            starts_on=date(2030, 1, 1),
            evaluate_by=date(2030, 2, 1),
            life_area=LifeArea.objects.first(),
        )


@pytest.mark.parametrize(("name", "most"), [("portal:home", 10), ("portal:log", 6), ("portal:action_points", 6)])
def test_page__query_count_is_flat_as_log_and_tasks_grow(lund, name, most, django_assert_max_num_queries):
    client = client_for(lund.login)
    url = reverse(name)
    _grow(lund, 2)
    client.get(url)  # The first request of a session reads more (the session, the user's permissions).
    few = _queries(client, url)
    _grow(lund, 10)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
    assert _queries(client, url) == few
