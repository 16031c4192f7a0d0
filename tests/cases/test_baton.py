"""The baton (stafettpinne): one named person holds a family's coordination; a handover waits for the new holder to
accept it; a holder who leaves hands several families over at once. The pages, their permissions and bad input."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cases import access, actions, baton, selectors, workflow
from cases.models import Baton, Case, Handover, HandoverStatus, Level
from familielos import roles
from familielos.errors import Refused
from familielos.models import AccessAction, AccessEvent
from teams.models import Ressursteam
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

User = get_user_model()

# A whole request: session, user and permissions, the page's own reads, one audit insert.
WAITING_BUDGET = 10
BULK_BUDGET = 12


@pytest.fixture(scope="module")
def vik(django_db_setup, django_db_blocker):
    """The family at level 2, its team and a colleague in the team, made once for the module and rolled back after
    it; each test runs in a savepoint inside it, rolled back after it, and reads what it uses afresh (`level2`,
    `staff`, `team`, `colleague`), so what one test changes is gone for the next. Its value is the ids."""
    with django_db_blocker.unblock(), transaction.atomic():
        holder = factories.unit_staff(username="laerer-vik")
        team = factories.RessursteamFactory(name="Ressursteam nord")
        case, *_ = factories.case_at(Level.RESSURSTEAM, opener=holder, team=team, family_name="Familien Vik")
        colleague = factories.ressursteam_member(team, first_name="Kari", last_name="Kollega")
        yield {"staff": holder.pk, "team": team.pk, "case": case.pk, "colleague": colleague.pk}
        transaction.set_rollback(True)


@pytest.fixture
def team(db, vik):
    return Ressursteam.objects.get(pk=vik["team"])


@pytest.fixture
def staff(request, db):
    """In a test of `level2`, the teacher who moved it to level 1 and holds its baton; in any other, a teacher with
    no families yet, so that the families the test counts are its own."""
    if "level2" in request.fixturenames:
        return User.objects.get(pk=request.getfixturevalue("vik")["staff"])
    return factories.unit_staff(username="laerer")


@pytest.fixture
def level2(db, vik):
    """A family at level 2: `staff` moved it to level 1 and holds the baton; the team's members may change it."""
    return Case.objects.get(pk=vik["case"])


@pytest.fixture
def colleague(db, vik):
    return User.objects.get(pk=vik["colleague"])


def ask(case, to, *, actor=None, note=""):
    return baton.request_handover(actor=actor or case.opened_by, family=case.family, to=to, note=note)


def holder(case):
    return baton.current_holder(case.family)


# --- where the baton starts and how it follows the case ----------------------------------------------------------


def test_baton__level_0__nobody_holds_it(case):
    assert holder(case) is None


def test_baton__first_move_to_level_1__the_person_who_moved_it_holds_it(case, staff):
    workflow.move_to_avklaring(actor=staff, case=case, reason="Samtale med foreldra.")
    assert holder(case) == staff


def test_baton__straight_from_level_0_to_2__the_referrer_holds_it(case, staff, team):
    factories.give_consent(case, units=team.units.all())
    workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="Treng meir hjelp.")
    assert holder(case) == staff


def test_baton__level_3__goes_to_the_familielos_at_once_and_a_waiting_handover_is_overtaken(level2, colleague, team):
    handover = ask(level2, colleague)
    los = factories.familielos(first_name="Frida")
    factories.give_consent(level2, units=workflow.familielos_units(los))
    member = factories.ressursteam_member(team)
    workflow.assign_familielos(actor=member, case=level2, familielos=los, reason="Familielos er rett.")
    assert holder(level2) == los
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.CANCELLED
    assert handover.decided_by == member


def test_baton__familielos_steps_down__it_goes_back_to_someone_who_still_works_with_the_family(staff):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    workflow.step_down(actor=los, case=case, to_level=Level.AVKLARING, reason="Betre no.", responsible_next="Skulen")
    assert not access.can(los, case.family, access.CHANGE)
    assert holder(case) == staff


def test_baton__step_down_by_a_team_member__the_team_member_takes_it(staff):
    case, _team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    workflow.step_down(
        actor=member, case=case, to_level=Level.RESSURSTEAM, reason="Betre no.", responsible_next="Ressursteamet"
    )
    assert holder(case) == member


def test_baton__a_move_that_leaves_the_holder_in_place__changes_nothing(level2, staff, colleague):
    since = level2.family.baton.since
    workflow.step_down(actor=colleague, case=level2, to_level=Level.AVKLARING, reason="Tilbake til skulen.")
    level2.family.baton.refresh_from_db()
    assert holder(level2) == staff
    assert level2.family.baton.since == since


# --- a handover needs acceptance ----------------------------------------------------------------------------------


def test_request_handover__the_old_holder_keeps_the_baton_until_it_is_accepted(level2, staff, colleague):
    handover = ask(level2, colleague, note="Mor vil helst ha telefon.")
    assert holder(level2) == staff
    assert handover.status == HandoverStatus.PENDING
    assert (handover.from_user, handover.to_user, handover.requested_by) == (staff, colleague, staff)
    baton.accept_handover(actor=colleague, handover=handover)
    assert holder(level2) == colleague
    handover.refresh_from_db()
    assert (handover.status, handover.decided_by) == (HandoverStatus.ACCEPTED, colleague)
    assert level2.family.baton.since == handover.decided_at


@pytest.mark.parametrize("who", ["holder", "another_member"])
def test_accept_handover__anyone_but_the_person_asked__is_refused(level2, staff, colleague, team, who):
    handover = ask(level2, colleague)
    actor = staff if who == "holder" else factories.ressursteam_member(team)
    with pytest.raises(Refused, match="Only the person asked can accept"):
        baton.accept_handover(actor=actor, handover=handover)
    assert holder(level2) == staff


def test_accept_handover__the_new_holder_lost_the_family_grant__is_refused(level2, staff, colleague, team):
    handover = ask(level2, colleague)
    colleague.groups.remove(team.group)
    with pytest.raises(Refused, match="cannot hold the baton"):
        baton.accept_handover(actor=colleague, handover=handover)
    assert holder(level2) == staff


def test_decline_handover__the_holder_keeps_it_and_it_cannot_be_accepted_after(level2, staff, colleague):
    handover = ask(level2, colleague)
    with pytest.raises(Refused, match="Only the person asked can decline"):
        baton.decline_handover(actor=staff, handover=handover)
    baton.decline_handover(actor=colleague, handover=handover)
    assert holder(level2) == staff
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.DECLINED
    with pytest.raises(Refused, match="no longer waiting"):
        baton.accept_handover(actor=colleague, handover=handover)
    assert holder(level2) == staff


def test_cancel_handover__by_the_holder__then_a_new_one_can_be_asked(level2, staff, colleague, team):
    handover = ask(level2, colleague)
    with pytest.raises(Refused, match="can cancel"):
        baton.cancel_handover(actor=colleague, handover=handover)
    baton.cancel_handover(actor=staff, handover=handover)
    assert Handover.objects.get(pk=handover.pk).status == HandoverStatus.CANCELLED
    with pytest.raises(Refused, match="no longer waiting"):
        baton.accept_handover(actor=colleague, handover=handover)
    other = factories.ressursteam_member(team)
    assert ask(level2, other).status == HandoverStatus.PENDING


def test_request_handover__one_waiting_per_family(level2, colleague, team):
    ask(level2, colleague)
    with pytest.raises(Refused, match="already waiting"):
        ask(level2, factories.ressursteam_member(team))
    assert Handover.objects.filter(family=level2.family).count() == 1


def test_handover__the_database_allows_one_waiting_per_family(level2, staff, colleague, team):
    ask(level2, colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.create(
            family=level2.family, from_user=staff, to_user=factories.ressursteam_member(team), requested_by=staff
        )


def test_handover__the_database_refuses_a_handover_to_the_holder_and_an_answer_without_who(level2, staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.create(family=level2.family, from_user=staff, to_user=staff, requested_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Handover.objects.create(
            family=level2.family,
            from_user=staff,
            to_user=factories.unit_staff(),
            requested_by=staff,
            status=HandoverStatus.ACCEPTED,
        )


# --- who may hand over, and to whom -------------------------------------------------------------------------------


def test_request_handover__to_someone_without_the_family_grant__is_refused(level2, staff, outsider):
    with pytest.raises(Refused, match="cannot hold the baton for this family"):
        ask(level2, outsider)
    assert not Handover.objects.exists()


def test_request_handover__to_an_inactive_colleague_or_the_familys_own_login__is_refused(level2, colleague):
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)
    guardian = level2.family.persons.get(role="guardian")
    actions.link_family_login(actor=level2.opened_by, person=guardian, user=parent)
    colleague.is_active = False
    colleague.save()
    for person in (parent, colleague):
        with pytest.raises(Refused, match="cannot hold the baton"):
            ask(level2, person)
    assert not Handover.objects.exists()


def test_request_handover__to_the_holder_themselves__is_refused(level2, staff):
    with pytest.raises(Refused, match="already holds the baton"):
        ask(level2, staff)


def test_request_handover__before_level_1__is_refused(case, staff, outsider):
    with pytest.raises(Refused, match="Nobody holds the baton"):
        ask(case, outsider)


def test_request_handover__a_team_member_who_does_not_hold_it__is_refused(level2, colleague, team):
    with pytest.raises(Refused, match="Only the baton holder"):
        ask(level2, factories.ressursteam_member(team), actor=colleague)


def test_request_handover__a_leader_who_works_with_the_family__may(level2, staff, colleague, team):
    leader = factories.ressursteam_member(team)
    leader.groups.add(factories.Group.objects.get(name=roles.LEADER))
    handover = ask(level2, colleague, actor=leader)
    assert (handover.from_user, handover.requested_by) == (staff, leader)
    # The leader who asked may withdraw it again.
    baton.cancel_handover(actor=leader, handover=handover)


def test_request_handover__a_leader_without_the_family_grant__is_refused(level2, colleague):
    leader = factories.UserFactory(role=roles.LEADER)
    with pytest.raises(Refused, match="Only the baton holder"):
        ask(level2, colleague, actor=leader)


def test_request_handover__the_familielos_at_level_3_may_after_handing_it_to_a_team_member(staff):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    _membership, worker = factories.familieteam_member(case)
    baton.accept_handover(actor=worker, handover=ask(case, worker, actor=los))
    assert holder(case) == worker
    back = ask(case, staff, actor=los)
    assert (back.from_user, back.to_user) == (worker, staff)


# --- bulk handover --------------------------------------------------------------------------------------------


def families_held_by(staff, team, count):
    return [
        factories.case_at(Level.RESSURSTEAM, opener=staff, team=team, family_name=f"Familien {index:02}")
        for index in range(count)
    ]


def test_bulk_handover__moves_exactly_the_chosen_families_each_when_accepted(staff, team):
    (first, *_), (second, *_), (kept, *_) = families_held_by(staff, team, 3)
    anna = factories.ressursteam_member(team, first_name="Anna")
    bjorn = factories.ressursteam_member(team, first_name="Bjørn")
    handovers = baton.bulk_handover(actor=staff, assignments={first.family_id: anna, second.family_id: bjorn})
    assert [(handover.family_id, handover.to_user) for handover in handovers] == [
        (first.family_id, anna),
        (second.family_id, bjorn),
    ]
    assert [holder(case) for case in (first, second, kept)] == [staff, staff, staff]
    baton.accept_handover(actor=anna, handover=handovers[0])
    assert [holder(case) for case in (first, second, kept)] == [anna, staff, staff]
    assert not Handover.objects.filter(family=kept.family).exists()


def test_bulk_handover__a_family_the_actor_does_not_hold__makes_none(staff, team, outsider):
    (mine, *_), *_ = families_held_by(staff, team, 1)
    other, *_ = factories.case_at(Level.RESSURSTEAM, opener=outsider, team=team, family_name="Familien Annan")
    anna = factories.ressursteam_member(team)
    with pytest.raises(Refused, match="do not hold the baton for one of the families"):
        baton.bulk_handover(actor=staff, assignments={mine.family_id: anna, other.family_id: anna})
    assert not Handover.objects.exists()


def test_bulk_handover__one_refused_family__makes_none(staff, team, outsider):
    (first, *_), (second, *_) = families_held_by(staff, team, 2)
    anna = factories.ressursteam_member(team)
    with pytest.raises(Refused, match="cannot hold the baton"):
        baton.bulk_handover(actor=staff, assignments={first.family_id: anna, second.family_id: outsider})
    assert not Handover.objects.exists()


def test_bulk_handover__nothing_chosen__is_refused(staff):
    with pytest.raises(Refused, match="at least one family"):
        baton.bulk_handover(actor=staff, assignments={})


# --- what pages show, in a fixed number of queries ------------------------------------------------------------


def test_baton_context__what_each_person_may_do(level2, staff, colleague, django_assert_num_queries):
    family = access.family_or_404(staff, level2.family_id, with_change=True)
    with django_assert_num_queries(1):
        context = baton.baton_context(staff, family, case=level2)
    assert (context["baton"].holder_id, context["pending"], context["can_hand_over"]) == (staff.pk, None, True)
    handover = ask(level2, colleague)
    mine = baton.baton_context(staff, family)
    theirs = baton.baton_context(colleague, access.family_or_404(colleague, level2.family_id, with_change=True))
    assert (mine["pending"].pk, mine["can_hand_over"], mine["can_cancel"], mine["is_asked"]) == (
        handover.pk,
        False,
        True,
        False,
    )
    assert (mine["pending"].from_name, mine["pending"].to_name) == (
        staff.get_full_name(),
        colleague.get_full_name(),
    )
    assert (theirs["can_hand_over"], theirs["can_cancel"], theirs["is_asked"]) == (False, False, True)


@pytest.mark.parametrize(
    ("first_name", "last_name"), [("", ""), ("Kari", ""), ("", "Nordmann"), ("  Kari ", " Nordmann  ")]
)
def test_family_page_row__baton_and_handover__name_each_person_as_pages_do(
    level2, staff, colleague, team, first_name, last_name
):
    """The family page's case row reads the baton and the handover waiting in SQL (baton_annotations), and the start
    page's desk its handovers (desk_context): each person by their name as roles.display_name gives it (the username
    when they have none), and this family's, not another's."""
    leader = factories.ressursteam_member(team, username="leiar-vik")
    leader.groups.add(factories.Group.objects.get(name=roles.LEADER))
    for person in (staff, colleague, leader):
        person.first_name, person.last_name = first_name, last_name
        person.save()
    other, *_ = factories.case_at(
        Level.RESSURSTEAM, opener=factories.unit_staff(username="laerer-berg"), team=team, family_name="Familien Berg"
    )
    ask(other, colleague)
    ask(level2, colleague, actor=leader)
    family, case = selectors.family_page_or_404(staff, level2.family_id)

    context = baton.baton_context(staff, family, case=case, row=case)

    assert (context["baton"].holder_id, context["baton"].holder_name) == (staff.pk, roles.display_name(staff))
    pending = context["pending"]
    assert (pending.from_name, pending.to_name, pending.requested_name) == (
        roles.display_name(staff),
        roles.display_name(colleague),
        roles.display_name(leader),
    )
    assert (pending.to_user_id, pending.requested_by_id) == (colleague.pk, leader.pk)
    # The start page's desk names the one who holds each family's baton the same way, the oldest asked first.
    berg = {"family_id": other.family_id, "family_name": "Familien Berg"}
    vik = {"family_id": family.pk, "family_name": family.name}
    assert baton.desk_context(colleague)["waiting"] == [
        {**berg, "from_name": roles.display_name(other.opened_by)},
        {**vik, "from_name": roles.display_name(staff)},
    ]


def test_baton_context__times__are_the_stored_moments(level2, staff, colleague):
    handover = ask(level2, colleague)
    held = Baton.objects.get(family_id=level2.family_id)

    context = baton.baton_context(staff, access.family_or_404(staff, level2.family_id, with_change=True))

    assert context["baton"].since == held.since
    assert context["pending"].requested_at == handover.requested_at


def test_desk_context__waiting_handovers_and_how_many_families_held(staff, team, django_assert_num_queries):
    (first, *_), (second, *_) = families_held_by(staff, team, 2)
    anna = factories.ressursteam_member(team)
    handover = ask(first, anna)
    with django_assert_num_queries(1):
        desk = baton.desk_context(anna)
    asker = staff.get_full_name()
    assert desk == {
        "waiting": [{"family_id": handover.family_id, "family_name": handover.family.name, "from_name": asker}],
        "held_count": 0,
    }
    assert baton.desk_context(staff) == {"waiting": [], "held_count": 2}


# --- the pages ----------------------------------------------------------------------------------------------


def test_handover_page__the_holder_asks_a_colleague(level2, staff, colleague, outsider):
    client = client_for(staff)
    url = reverse("baton:handover_new", args=[level2.family_id])
    response = client.get(url)
    assert response.status_code == 200
    choices = dict(response.context["form"].fields["to"].choices)
    assert str(colleague.pk) in choices
    assert str(outsider.pk) not in choices
    assert str(staff.pk) not in choices
    response = client.post(url, {"to": colleague.pk, "note": "Mor vil helst ha telefon."})
    assert response.status_code == 302
    handover = Handover.objects.get()
    assert (handover.to_user, handover.note, handover.status) == (colleague, "Mor vil helst ha telefon.", "pending")
    assert holder(level2) == staff
    assert AccessEvent.objects.filter(
        family_id=level2.family_id, action=AccessAction.CREATE, object_type="handover"
    ).exists()


@pytest.mark.parametrize("to", ["", "outsider", "nonsense"])
def test_handover_page__bad_choice__shows_the_error_and_keeps_the_note(level2, staff, colleague, outsider, to):
    value = {"": "", "outsider": outsider.pk, "nonsense": "abc"}[to]
    response = client_for(staff).post(
        reverse("baton:handover_new", args=[level2.family_id]), {"to": value, "note": "Viktig å vite."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["to"]
    assert "Viktig å vite." in response.text
    assert 'class="error-summary"' in response.text
    assert not Handover.objects.exists()


def test_handover_page__someone_who_may_not_hand_over__sees_why_and_no_form(level2, colleague, team):
    response = client_for(colleague).post(
        reverse("baton:handover_new", args=[level2.family_id]), {"to": factories.ressursteam_member(team).pk}
    )
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["refusal"]
    assert not Handover.objects.exists()


def test_handover_page__no_family_grant__is_404(level2, outsider_client):
    url = reverse("baton:handover_new", args=[level2.family_id])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"to": level2.opened_by_id}).status_code == 404


def test_waiting_page__the_person_asked_accepts(level2, staff, colleague):
    handover = ask(level2, colleague, note="Mor vil helst ha telefon.")
    client = client_for(colleague)
    response = client.get(reverse("baton:waiting"))
    assert response.status_code == 200
    assert response.context["waiting"] == [handover]
    assert "Familien Vik" in response.text
    assert "Mor vil helst ha telefon." in response.text
    assert AccessEvent.objects.filter(family_id=level2.family_id, object_type="baton").exists()
    response = client.post(reverse("baton:accept", args=[handover.pk]))
    assert response.status_code == 302
    assert holder(level2) == colleague
    assert AccessEvent.objects.filter(family_id=level2.family_id, action=AccessAction.CHANGE).exists()


def test_waiting_page__htmx_decline__answers_with_the_list_fragment(level2, staff, colleague):
    handover = ask(level2, colleague)
    response = client_for(colleague).post(reverse("baton:decline", args=[handover.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="baton-handovers"' in response.text
    assert "<html" not in response.text
    assert response.context["waiting"] == []
    assert "HX-Request" in response["Vary"]
    assert Handover.objects.get().status == HandoverStatus.DECLINED


def test_waiting_page__the_holder_cancels_and_someone_else_trying_to_accept_sees_why(level2, staff, colleague, team):
    handover = ask(level2, colleague)
    other = factories.ressursteam_member(team)
    response = client_for(other).post(reverse("baton:accept", args=[handover.pk]), follow=True)
    assert response.status_code == 200
    refusal = shown("Only the person asked can accept the handover.")
    assert any(str(message) == refusal for message in response.context["messages"])
    assert Handover.objects.get().status == HandoverStatus.PENDING
    response = client_for(staff).post(reverse("baton:cancel", args=[handover.pk]), {"then": "family"})
    assert response.status_code == 302
    assert response.url == level2.family.get_absolute_url()
    assert Handover.objects.get().status == HandoverStatus.CANCELLED


@pytest.mark.parametrize("verb", ["accept", "decline", "cancel"])
def test_answer__another_familys_handover_id__is_404_and_changes_nothing(level2, colleague, outsider, verb):
    """The outsider's own family's handover exists, but theirs is not the family of the id they post."""
    handover = ask(level2, colleague)
    response = client_for(outsider).post(reverse(f"baton:{verb}", args=[handover.pk]))
    assert response.status_code == 404
    assert Handover.objects.get().status == HandoverStatus.PENDING
    assert client_for(outsider).post(reverse(f"baton:{verb}", args=[999_999])).status_code == 404


def test_baton_pages__anonymous__go_to_login(client):
    for url in (reverse("baton:waiting"), reverse("baton:bulk")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_bulk_page__hands_over_the_chosen_families(staff, team):
    (first, *_), (second, *_), (kept, *_) = families_held_by(staff, team, 3)
    anna = factories.ressursteam_member(team, first_name="Anna")
    client = client_for(staff)
    response = client.get(reverse("baton:bulk"))
    assert response.status_code == 200
    assert [row["baton"].family for row in response.context["rows"]] == [first.family, second.family, kept.family]
    response = client.post(
        reverse("baton:bulk"),
        {f"family_{first.family_id}": anna.pk, f"family_{second.family_id}": anna.pk, "note": "Eg sluttar."},
    )
    assert response.status_code == 302
    assert sorted(Handover.objects.values_list("family_id", "to_user", "status", "note")) == [
        (first.family_id, anna.pk, "pending", "Eg sluttar."),
        (second.family_id, anna.pk, "pending", "Eg sluttar."),
    ]
    assert [holder(case) for case in (first, second, kept)] == [staff, staff, staff]
    # A family waiting for its new holder is shown as waiting, with no choice.
    rows = client.get(reverse("baton:bulk")).context["rows"]
    assert [row["pending"] is not None for row in rows] == [True, True, False]


@pytest.mark.parametrize("bad", ["nothing", "outsider"])
def test_bulk_page__bad_input__shows_the_error_and_makes_none(staff, team, outsider, bad):
    (first, *_), (second, *_) = families_held_by(staff, team, 2)
    data = {"note": "Eg sluttar."}
    if bad == "outsider":
        data[f"family_{first.family_id}"] = outsider.pk
    response = client_for(staff).post(reverse("baton:bulk"), data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.text
    assert "Eg sluttar." in response.text
    if bad == "outsider":
        assert response.context["form"].errors[f"family_{first.family_id}"]
    else:
        assert response.context["form"].non_field_errors()
    assert not Handover.objects.exists()


def test_bulk_page__a_family_not_held__cannot_be_posted(staff, team, outsider):
    (mine, *_), *_ = families_held_by(staff, team, 1)
    other, *_ = factories.case_at(Level.RESSURSTEAM, opener=outsider, team=team, family_name="Familien Annan")
    anna = factories.ressursteam_member(team)
    response = client_for(staff).post(reverse("baton:bulk"), {f"family_{other.family_id}": anna.pk})
    assert response.status_code == 200
    assert "Familien Annan" not in response.text
    assert not Handover.objects.exists()


def test_bulk_page__lists_only_the_users_own_batons(staff, team, outsider):
    families_held_by(staff, team, 1)
    factories.case_at(Level.RESSURSTEAM, opener=outsider, team=team, family_name="Familien Annan")
    response = client_for(staff).get(reverse("baton:bulk"))
    assert "Familien 00" in response.text
    assert "Familien Annan" not in response.text


def _waiting_page_queries(count, staff, team, anna, capture):
    for case, *_ in families_held_by(staff, team, count):
        ask(case, anna)
    client = client_for(anna)
    with capture() as queries:
        response = client.get(reverse("baton:waiting"))
    assert len(response.context["waiting"]) == count
    return len(queries.captured_queries)


def test_waiting_page__queries_are_the_same_for_2_and_10_families(staff, team, django_assert_max_num_queries):
    anna = factories.ressursteam_member(team)
    few = _waiting_page_queries(2, staff, team, anna, lambda: django_assert_max_num_queries(WAITING_BUDGET))
    Handover.objects.all().delete()
    many = _waiting_page_queries(10, staff, team, anna, lambda: django_assert_max_num_queries(few))
    assert many == few


def test_bulk_page__queries_are_the_same_for_2_and_10_families(staff, team, django_assert_max_num_queries):
    factories.ressursteam_member(team)
    families_held_by(staff, team, 2)
    client = client_for(staff)
    with django_assert_max_num_queries(BULK_BUDGET) as few:
        assert len(client.get(reverse("baton:bulk")).context["rows"]) == 2
    families_held_by(staff, team, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("baton:bulk")).context["rows"]) == 10


def test_the_daily_consent_check_leaves_a_baton_the_familielos_handed_on_at_level_3(staff):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    _membership, worker = factories.familieteam_member(case)
    baton.accept_handover(actor=worker, handover=ask(case, worker, actor=los))
    call_command("enforce_consents", stdout=StringIO())
    assert holder(case) == worker


@pytest.mark.parametrize("name", ["baton:waiting", "baton:bulk"])
@pytest.mark.parametrize("role", [roles.FAMILY_MEMBER, roles.RESEARCHER])
def test_the_baton_pages__someone_who_works_with_no_family__finds_none(name, role):
    assert client_for(factories.UserFactory(role=role)).get(reverse(name)).status_code == 404


def shown(msgid: str) -> str:
    """A message as a page in the default language (Bokmål) shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(msgid)


def test_the_migration_gives_a_baton_to_open_cases_past_level_0_that_had_none(staff):
    give_batons = importlib.import_module("cases.migrations.0015_batons_for_cases_past_level_0").give_batons
    at_3, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff, family_name="Familien Tre")
    at_1, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Ein")
    at_0, *_ = factories.case_at(Level.UNDRING, opener=staff, family_name="Familien Null")
    Baton.objects.all().delete()

    give_batons(apps, None)

    assert holder(at_3) == los
    assert holder(at_1) == staff
    assert not Baton.objects.filter(family=at_0.family).exists()


def test_handover_page__a_handover_waiting__says_so_and_offers_no_form(level2, staff, colleague):
    ask(level2, colleague)
    response = client_for(staff).get(reverse("baton:handover_new", args=[level2.family_id]))
    assert response.status_code == 200
    assert response.context["form"] is None
    waiting = shown("A handover to %(name)s is already waiting to be accepted. Cancel it first.")
    assert waiting % {"name": colleague.get_full_name()} in response.content.decode()


def test_waiting_page__lists_the_families_held_with_links_each_an_access_event(staff, team):
    cases = [case for case, *_ in families_held_by(staff, team, 2)]
    client = client_for(staff)

    page = client.get(reverse("baton:waiting")).content.decode()

    for case in cases:
        assert f'href="{case.family.get_absolute_url()}"' in page
        assert escape(case.family.name) in page
    listed = AccessEvent.objects.filter(actor=staff, object_type="baton").values_list("family_id", flat=True)
    assert {case.family_id for case in cases} <= set(listed)


def test_waiting_page__holding_no_baton__says_so(staff):
    page = client_for(staff).get(reverse("baton:waiting")).content.decode()

    assert escape(shown("You hold the baton for no family.")) in page


def test_waiting_page__queries_are_the_same_holding_2_and_10_batons(staff, team, django_assert_max_num_queries):
    client = client_for(staff)
    families_held_by(staff, team, 2)
    with django_assert_max_num_queries(WAITING_BUDGET) as few:
        assert len(client.get(reverse("baton:waiting")).context["held"]) == 2
    families_held_by(staff, team, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("baton:waiting")).context["held"]) == 10


def _shown(msgid: str, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return escape(translation.gettext(msgid) % params)


def test_waiting_pages__a_leader_asks__everyone_reads_who_asked(level2, staff, colleague, team):
    leader = factories.ressursteam_member(team, first_name="Lise", last_name="Leiar")
    leader.groups.add(factories.Group.objects.get(name=roles.LEADER))
    ask(level2, colleague, actor=leader)

    asked = client_for(colleague).get(reverse("baton:waiting")).text
    holder_page = client_for(staff).get(reverse("baton:waiting")).text
    family_page = client_for(colleague).get(level2.family.get_absolute_url()).text

    # The person asked, and the holder whose baton it is, read the leader's name: neither of them asked.
    assert "Lise Leiar" in asked
    assert "Lise Leiar" in holder_page
    assert _shown("%(name)s asks you to take over the baton.", name="Lise Leiar") in family_page


def test_waiting_pages__the_familielos_asks_for_it_themselves__reads_as_their_own_request_once(staff):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    _membership, worker = factories.familieteam_member(case)
    baton.accept_handover(actor=worker, handover=ask(case, worker, actor=los))
    handover = ask(case, los, actor=los)
    worker_name = worker.get_full_name() or worker.get_username()

    page = client_for(los).get(reverse("baton:waiting"))
    family_page = client_for(los).get(case.family.get_absolute_url()).text

    assert page.context["waiting"] == [handover]
    assert list(page.context["asked"]) == []
    text = " ".join(page.text.split())
    assert "asks you to take over" not in text
    assert "ber deg ta over" not in text
    assert _shown("You asked to take over the baton from %(name)s: it is yours when you accept.", name=worker_name) in (
        family_page
    )
