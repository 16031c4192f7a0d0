"""The referral pages: who may open them, what each shows, and that bad input saves nothing."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import workflow as case_workflow
from cases.models import Case, FamilyGroupObjectPermission, Level
from familielos.models import AccessAction, AccessEvent, Membership, ServiceKind
from teams import workflow
from teams.models import AgendaItem, Outcome, Referral, ReferralStatus, TeamRole, Urgency
from tests import factories
from tests.conftest import client_for, post_twice

pytestmark = pytest.mark.django_db

TEXTS = {
    "question": "Treng barnet hjelp frå fleire tenester?",
    "tried": "Fast vaksen i friminutta sidan august.",
    "child_view": "Barnet seier det kjedar seg.",
    "guardian_view": "Foreldra er uroa.",
    "urgency": Urgency.NORMAL,
}


@pytest.fixture
def school(staff):
    school = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=school)
    return school


@pytest.fixture
def team(school):
    team = factories.RessursteamFactory(name="Ressursteam Vest")
    team.covers.add(school)
    return team


@pytest.fixture
def member(team):
    return factories.team_member(team, username="rt-medlem")


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar")


@pytest.fixture
def other_member():
    """A member of another ressursteam: may see nothing of this team's referrals."""
    return factories.team_member(factories.RessursteamFactory(name="Ressursteam Aust"))


@pytest.fixture
def level1(case, school):
    Case.objects.filter(pk=case.pk).update(opened_unit=school)
    return case_workflow.move_to_avklaring(actor=case.opened_by, case=case, reason="Samtale med foreldra.")


def _nb(message: str) -> str:
    """A message as the pages show it (in Bokmål, the default language)."""
    with translation.override("nb"):
        return translation.gettext(message)


def _draft(case, team, **texts):
    return workflow.create_referral(actor=case.opened_by, team=team, case=case, **{**TEXTS, **texts})


def _sent(case, team, **texts):
    factories.give_consent(case, units=team.units.all())
    return workflow.send_referral(actor=case.opened_by, referral=_draft(case, team, **texts))


def _anonymous(staff, school, team, **texts):
    referral = workflow.create_referral(actor=staff, team=team, unit=school, **{**TEXTS, **texts})
    return workflow.send_referral(actor=staff, referral=referral)


def _returned(case, team, leader, member, question="Kor lenge har dette vart?"):
    referral = _sent(case, team)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    workflow.decide(
        actor=member,
        item=meeting.items.get(referral=referral),
        outcome=Outcome.MORE_INFO,
        reasons="Vi treng meir.",
        question=question,
    )
    referral.refresh_from_db()
    return referral


def _post_new(client, case, to, action="draft", **changes):
    data = {**TEXTS, "team": to.pk, action: "1", **changes}
    return client.post(reverse("teams:referral_new", args=[case.family_id]), data)


# Access: anonymous → login, outsiders → 404, the sender and the team → 200 ------------------------------------


SENDER_URLS = ["teams:referral_edit", "teams:referral_withdraw"]
SENDER_POSTS = ["teams:referral_edit", "teams:referral_send", "teams:referral_withdraw", "teams:referral_answer"]


def test_referral_pages__anonymous_visitor__is_sent_to_log_in(client, level1, team):
    referral = _draft(level1, team)
    urls = [reverse(name, args=[referral.pk]) for name in ["teams:referral_detail", *SENDER_POSTS]]
    urls += [
        reverse("teams:referral_list"),
        reverse("teams:referral_anonymous_new"),
        reverse("teams:referral_new", args=[level1.family_id]),
    ]
    for url in urls:
        response = client.get(url) if "svar" not in url and "send" not in url else client.post(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_referral_pages__other_units_staff_and_other_teams_member__are_404_for_get_and_post(
    level1, team, outsider_client, other_member
):
    referral = _sent(level1, team)
    for client in (outsider_client, client_for(other_member)):
        assert client.get(reverse("teams:referral_detail", args=[referral.pk])).status_code == 404
        for name in SENDER_URLS:
            assert client.get(reverse(name, args=[referral.pk])).status_code == 404, name
        for name in SENDER_POSTS:
            assert client.post(reverse(name, args=[referral.pk]), {"answer": "x"}).status_code == 404, name
        new_url = reverse("teams:referral_new", args=[level1.family_id])
        assert client.get(new_url).status_code == 404
        assert client.post(new_url, {**TEXTS, "team": team.pk}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert Referral.objects.count() == 1


def test_referral_pages__sender_and_team_member__open_the_referral(level1, team, member, staff_client):
    referral = _sent(level1, team)
    detail = reverse("teams:referral_detail", args=[referral.pk])
    assert staff_client.get(detail).status_code == 200
    assert client_for(member).get(detail).status_code == 200
    assert staff_client.get(reverse("teams:referral_withdraw", args=[referral.pk])).status_code == 200
    assert staff_client.get(reverse("teams:referral_list")).status_code == 200
    assert staff_client.get(reverse("teams:referral_anonymous_new")).status_code == 200


def test_referral__team_member__may_read_but_not_change_it(level1, team, member):
    referral = _sent(level1, team)
    member_client = client_for(member)
    for name in SENDER_URLS:
        assert member_client.get(reverse(name, args=[referral.pk])).status_code == 404
    assert member_client.post(reverse("teams:referral_withdraw", args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_draft__is_the_senders_only__the_team_sees_a_404(level1, team, member):
    referral = _draft(level1, team)
    assert client_for(member).get(referral.get_absolute_url()).status_code == 404


def test_anonymous_new__role_without_a_unit__is_refused(other_member):
    assert client_for(other_member).get(reverse("teams:referral_anonymous_new")).status_code == 403


# The referral form for a family's case --------------------------------------------------------------------------


def test_case_page__refer_step__links_to_the_referral_form(level1, staff_client):
    response = staff_client.get(level1.family.get_absolute_url())
    assert reverse("teams:referral_new", args=[level1.family_id]) in response.text


def test_referral_new__preselects_the_covering_team_and_shows_the_attachments(level1, team, staff_client):
    from cases import actions

    samtale = actions.book_avklaringssamtale(
        actor=level1.opened_by, case=level1, starts_at=timezone.now(), place="Skulen"
    )
    factories.RessursteamFactory(name="Ressursteam Nord")
    response = staff_client.get(reverse("teams:referral_new", args=[level1.family_id]))
    form = response.context["form"]
    assert form["team"].value() == team.pk
    assert list(form.fields["team"].queryset) == [team]
    assert "Ressursteam Nord" not in response.text
    assert timezone.localtime(samtale.starts_at).strftime("%d.%m.%Y") in response.text
    assert response.context["samtale"] == samtale


def test_referral_new__save_as_draft__keeps_the_case_where_it_is(level1, team, staff_client):
    response = _post_new(staff_client, level1, team)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == referral.get_absolute_url()
    assert referral.status == ReferralStatus.DRAFT
    assert (referral.question, referral.case, referral.sender) == (TEXTS["question"], level1, level1.opened_by)
    level1.refresh_from_db()
    assert level1.level == Level.AVKLARING
    assert AccessEvent.objects.filter(family_id=level1.family_id, action=AccessAction.CREATE).exists()


def test_referral_new__send_without_consent__is_refused_keeps_the_draft_and_the_text(level1, team, staff_client):
    response = _post_new(staff_client, level1, team, action="send")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.DRAFT
    assert response.url == reverse("teams:referral_edit", args=[referral.pk])
    page = staff_client.get(response.url)
    [refusal] = [str(message) for message in page.context["messages"]]
    assert team.units.get().name in refusal
    assert refusal in page.text
    assert reverse("cases:consent_new", args=[level1.family_id]) in page.text
    assert TEXTS["tried"] in page.text
    level1.refresh_from_db()
    assert level1.level == Level.AVKLARING
    assert not FamilyGroupObjectPermission.objects.filter(group=team.group).exists()


SAVE_AND_SEND = 'name="send"'


def test_referral_pages__without_consent__offer_a_draft_only_and_say_why(level1, team, staff_client):
    new = staff_client.get(reverse("teams:referral_new", args=[level1.family_id])).text
    draft = _draft(level1, team)
    edit = staff_client.get(reverse("teams:referral_edit", args=[draft.pk])).text
    detail = staff_client.get(draft.get_absolute_url()).text

    assert SAVE_AND_SEND not in new
    assert SAVE_AND_SEND not in edit
    assert reverse("teams:referral_send", args=[draft.pk]) not in detail
    reason = "Until the guardians' consent covers every service in the team, the referral cannot be sent with the " + (
        "family's name. Without consent, ask the team anonymously instead."
    )
    for page in (new, edit, detail):
        assert escape(_nb(reason)) in page


def test_referral_new__no_team_covers_the_childs_unit_and_no_consent__offers_a_draft_only(level1, team, staff_client):
    team.covers.clear()
    page = staff_client.get(reverse("teams:referral_new", args=[level1.family_id])).text

    assert SAVE_AND_SEND not in page
    assert reverse("cases:consent_new", args=[level1.family_id]) in page
    assert reverse("teams:referral_anonymous_new") in page


def test_referral_new__no_team_covers_the_childs_unit_but_consent_covers_one__offers_to_send(
    level1, team, staff_client
):
    team.covers.clear()
    factories.give_consent(level1, units=team.units.all())

    assert SAVE_AND_SEND in staff_client.get(reverse("teams:referral_new", args=[level1.family_id])).text


def test_referral_new__send_with_consent__moves_the_case_to_level_2_for_the_team(level1, team, member, staff_client):
    factories.give_consent(level1, units=team.units.all())
    response = _post_new(staff_client, level1, team, action="send")
    referral = Referral.objects.get()
    assert response.url == referral.get_absolute_url()
    assert referral.status == ReferralStatus.SENT
    level1.refresh_from_db()
    assert (level1.level, level1.ressursteam) == (Level.RESSURSTEAM, team)
    page = client_for(member).get(referral.get_absolute_url())
    assert "Familien Hansen" in page.text
    assert TEXTS["question"] in page.text


@pytest.mark.parametrize("anonymous", [False, True])
def test_referral_new__sent_twice__makes_and_sends_one_referral(level1, team, school, staff_client, anonymous):
    factories.give_consent(level1, units=team.units.all())
    if anonymous:
        url, data = reverse("teams:referral_anonymous_new"), {**TEXTS, "unit": school.pk, "team": team.pk}
    else:
        url, data = reverse("teams:referral_new", args=[level1.family_id]), {**TEXTS, "team": team.pk}

    first, again = post_twice(staff_client, url, {**data, "send": "1"})

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT
    assert first.url == referral.get_absolute_url()
    assert again.redirect_chain == [(first.url, 302)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": "  "}, "question"),
        ({"team": "999999"}, "team"),
        ({"team": "ikkje-eit-tal"}, "team"),
        ({"urgency": "kanskje"}, "urgency"),
    ],
)
def test_referral_new__bad_input__saves_nothing_and_shows_the_error(level1, team, staff_client, changes, field):
    response = _post_new(staff_client, level1, team, action="send", **changes)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.text
    # The page opens at the summary: on a phone the form's end, where the button was, shows nothing wrong.
    assert re.search(r'<div class="error-summary" role="alert"[^>]*autofocus>', response.text)
    assert not Referral.objects.exists()


def test_referral_new__a_team_not_offered__is_a_field_error(level1, team, staff_client):
    other = factories.RessursteamFactory(name="Ressursteam Nord")
    response = _post_new(staff_client, level1, other)
    assert response.context["form"].errors["team"]
    assert not Referral.objects.exists()


def test_referral_new__case_already_at_level_2__shows_why_and_no_form(level1, team, staff_client):
    _sent(level1, team)
    response = staff_client.get(reverse("teams:referral_new", args=[level1.family_id]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert response.context["refusal"] == _nb("Only a case at level 0 or 1 can be referred to a ressursteam.")
    assert response.context["refusal"] in response.text
    assert _post_new(staff_client, level1, team).status_code == 200
    assert Referral.objects.count() == 1


# Changing and sending a draft -----------------------------------------------------------------------------------


def test_referral_edit__good_input__saves_the_new_text(level1, team, staff_client):
    referral = _draft(level1, team)
    url = reverse("teams:referral_edit", args=[referral.pk])
    response = staff_client.post(url, {**TEXTS, "question": "Ny tekst", "version": referral.version, "draft": "1"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.question, referral.version) == ("Ny tekst", 2)


def test_referral_edit__tampered_version__is_refused_and_keeps_what_was_typed(level1, team, staff_client):
    referral = _draft(level1, team)
    url = reverse("teams:referral_edit", args=[referral.pk])
    response = staff_client.post(url, {**TEXTS, "question": "Skrive i ei anna fane", "version": 7, "send": "1"})
    assert response.status_code == 200
    assert response.context["refusal"] == _nb(
        "This referral was saved in another window while you were writing. Reload it first."
    )
    assert "Skrive i ei anna fane" in response.text
    referral.refresh_from_db()
    assert (referral.question, referral.status, referral.version) == (TEXTS["question"], ReferralStatus.DRAFT, 1)


def test_referral_edit__empty_question__is_a_field_error_and_saves_nothing(level1, team, staff_client):
    referral = _draft(level1, team)
    url = reverse("teams:referral_edit", args=[referral.pk])
    response = staff_client.post(url, {**TEXTS, "question": "", "version": 1})
    assert response.context["form"].errors["question"]
    referral.refresh_from_db()
    assert referral.question == TEXTS["question"]


def test_referral_edit__another_users_referral_id__is_404_and_changes_nothing(level1, team, school):
    referral = _draft(level1, team)
    colleague = factories.unit_staff()
    Membership.objects.create(user=colleague, unit=school)
    colleague_client = client_for(colleague)
    url = reverse("teams:referral_edit", args=[referral.pk])
    assert colleague_client.post(url, {**TEXTS, "question": "Kapra", "version": 1}).status_code == 404
    assert colleague_client.post(reverse("teams:referral_send", args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert (referral.question, referral.status) == (TEXTS["question"], ReferralStatus.DRAFT)


def test_referral_send__from_the_detail_page__sends_the_draft(level1, team, staff_client):
    referral = _draft(level1, team)
    factories.give_consent(level1, units=team.units.all())
    page = staff_client.get(referral.get_absolute_url())
    assert reverse("teams:referral_send", args=[referral.pk]) in page.text
    response = staff_client.post(reverse("teams:referral_send", args=[referral.pk]))
    assert response.url == referral.get_absolute_url()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    after = staff_client.get(referral.get_absolute_url())
    assert reverse("teams:referral_send", args=[referral.pk]) not in after.text
    assert reverse("teams:referral_edit", args=[referral.pk]) not in after.text


# Withdrawing and answering --------------------------------------------------------------------------------------


def test_referral_withdraw__asks_first__then_leaves_the_agenda(level1, team, leader, staff_client):
    referral = _sent(level1, team)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=2))
    url = reverse("teams:referral_withdraw", args=[referral.pk])
    confirm = staff_client.get(url)
    assert _nb("The case goes back to level 1, and the team no longer has access to the family.") in confirm.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ON_AGENDA
    response = staff_client.post(url)
    assert response.url == referral.get_absolute_url()
    referral.refresh_from_db()
    level1.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert level1.level == Level.AVKLARING
    assert url not in staff_client.get(referral.get_absolute_url()).text


def test_referral_answer__returned_with_a_question__sender_answers_it(level1, team, leader, member, staff_client):
    referral = _returned(level1, team, leader, member)
    page = staff_client.get(referral.get_absolute_url())
    assert "Kor lenge har dette vart?" in page.text
    assert 'name="answer"' in page.text
    assert 'name="answer"' not in client_for(member).get(referral.get_absolute_url()).text
    url = reverse("teams:referral_answer", args=[referral.pk])
    response = staff_client.post(url, {"answer": "Sidan august."})
    assert response.url == referral.get_absolute_url()
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == (ReferralStatus.SENT, "Sidan august.")


def test_referral_answer__empty__is_a_field_error_and_saves_nothing(level1, team, leader, member, staff_client):
    referral = _returned(level1, team, leader, member)
    response = staff_client.post(reverse("teams:referral_answer", args=[referral.pk]), {"answer": " "})
    assert response.status_code == 200
    assert response.context["answer_form"].errors["answer"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED


def test_referral_answer__not_returned__is_refused(level1, team, staff_client):
    referral = _sent(level1, team)
    response = staff_client.post(reverse("teams:referral_answer", args=[referral.pk]), {"answer": "Svar"})
    assert response.context["refusal"] == _nb("The team has not asked a question about this referral.")
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == (ReferralStatus.SENT, "")


# What the detail page shows, and to whom -------------------------------------------------------------------------


def test_referral_detail__decided__shows_the_decision_with_reasons(level1, team, leader, member, staff_client):
    referral = _sent(level1, team, urgency=Urgency.URGENT)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now())
    workflow.decide(
        actor=member, item=meeting.items.get(), outcome=Outcome.NO_ACTION, reasons="Tiltaka i klassen verkar."
    )
    response = staff_client.get(referral.get_absolute_url())
    assert "Tiltaka i klassen verkar." in response.text
    assert str(Outcome.NO_ACTION.label) in response.text
    assert str(Urgency.URGENT.label) in response.text
    assert response.context["can_withdraw"] is False


def test_referral_detail__member_after_the_case_left_the_team__is_404(level1, team, member):
    referral = _sent(level1, team)
    workflow.withdraw_referral(actor=level1.opened_by, referral=referral)
    response = client_for(member).get(referral.get_absolute_url())
    assert response.status_code == 404
    assert "Familien Hansen" not in response.text


def test_referral_detail__sender_without_the_family_grant__sees_no_names(level1, team, staff, staff_client):
    from cases import access

    referral = _sent(level1, team)
    access.revoke_user(staff, level1.family)
    response = staff_client.get(referral.get_absolute_url())
    assert response.status_code == 200
    assert TEXTS["question"] in response.text
    for name in ("Familien Hansen", "Emma"):
        assert name not in response.text
    assert response.context["family"] is None
    assert reverse("cases:consent_new", args=[level1.family_id]) not in response.text


def test_referral_detail__named__records_an_access_event_for_the_family(level1, team, member):
    referral = _sent(level1, team)
    client_for(member).get(referral.get_absolute_url())
    event = AccessEvent.objects.filter(actor=member).get()
    assert (event.family_id, event.action, event.object_type) == (level1.family_id, AccessAction.VIEW, "referral")


def test_referral_detail__screening_link__only_for_those_who_may_see_the_screening(level1, team, member, school):
    from screening.models import Instrument, Submission, SubmissionStatus

    screening = Submission.objects.create(
        instrument=Instrument.objects.first(),
        unit=school,
        child=level1.children.get(),
        created_by=level1.opened_by,
        status=SubmissionStatus.SUBMITTED,
        submitted_at=timezone.now(),
        risk_score=3,
        recommendation="ressursteam",
    )
    referral = _sent(level1, team)
    assert referral.screening == screening
    link = reverse("screening:submission_detail", args=[screening.pk])
    assert link in client_for(level1.opened_by).get(referral.get_absolute_url()).text
    member_page = client_for(member).get(referral.get_absolute_url())
    assert link not in member_page.text
    assert str(screening.get_recommendation_display()) in member_page.text


# Anonymous discussion cases --------------------------------------------------------------------------------------


def test_anonymous_new__warns_and_offers_only_the_senders_units(staff_client, school, team):
    factories.ServiceUnitFactory(name="Annan skule")
    response = staff_client.get(reverse("teams:referral_anonymous_new"))
    assert _nb("Write no names, birth dates or other details that identify the child.") in response.text
    assert list(response.context["form"].fields["unit"].queryset) == [school]
    assert "Annan skule" not in response.text


def test_anonymous_new__save_and_send__shares_text_only(staff_client, school, team, member):
    url = reverse("teams:referral_anonymous_new")
    response = staff_client.post(url, {**TEXTS, "unit": school.pk, "team": team.pk, "send": "1"})
    referral = Referral.objects.get()
    assert response.url == referral.get_absolute_url()
    assert (referral.case, referral.status, referral.unit) == (None, ReferralStatus.SENT, school)
    assert not FamilyGroupObjectPermission.objects.filter(group=team.group).exists()
    assert client_for(member).get(referral.get_absolute_url()).status_code == 200
    assert not AccessEvent.objects.filter(path__contains="/henvisninger/").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": ""}, "question"),
        ({"team": "999999"}, "team"),
        ({"unit": "999999"}, "unit"),
    ],
)
def test_anonymous_new__bad_input__saves_nothing(staff_client, school, team, changes, field):
    data = {**TEXTS, "unit": school.pk, "team": team.pk, "send": "1", **changes}
    response = staff_client.post(reverse("teams:referral_anonymous_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Referral.objects.exists()


def test_anonymous_new__a_unit_or_team_not_offered__saves_nothing(staff_client, school, team):
    other_unit = factories.ServiceUnitFactory(name="Annan skule")
    other_team = factories.RessursteamFactory(name="Ressursteam Nord")
    url = reverse("teams:referral_anonymous_new")
    for changes in ({"unit": other_unit.pk}, {"team": other_team.pk}):
        response = staff_client.post(url, {**TEXTS, "unit": school.pk, "team": team.pk, **changes})
        assert response.context["form"].errors
    assert not Referral.objects.exists()


def test_anonymous_referral__never_shows_a_name__even_from_a_sender_with_a_named_family(
    staff, staff_client, level1, school, team, member, leader
):
    named = _sent(level1, team)
    anonymous = _anonymous(staff, school, team, question="Eit barn i 3. klasse trekkjer seg unna.")
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now())
    workflow.withdraw_referral(actor=staff, referral=named)
    pages = [
        (client_for(member), anonymous.get_absolute_url()),
        (client_for(leader), anonymous.get_absolute_url()),
        (staff_client, anonymous.get_absolute_url()),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "Eit barn i 3. klasse" in response.text
        for name in ("Familien Hansen", "Emma", "Guro"):
            assert name not in response.text, (url, name)
    assert not AccessEvent.objects.filter(object_id=str(anonymous.pk), object_type="referral").exists()


# The sender's list and the family page ---------------------------------------------------------------------------


def test_referral_list__the_senders_own_newest_first_with_status(staff, staff_client, level1, school, team):
    named = _draft(level1, team)
    anonymous = _anonymous(staff, school, team)
    someone_else = factories.unit_staff()
    Membership.objects.create(user=someone_else, unit=school)
    workflow.create_referral(actor=someone_else, team=team, unit=school, question="Ikkje mi")
    response = staff_client.get(reverse("teams:referral_list"))
    assert list(response.context["page"]) == [anonymous, named]
    assert "Familien Hansen" in response.text
    assert str(ReferralStatus.DRAFT.label) in response.text
    assert str(ReferralStatus.SENT.label) in response.text
    assert AccessEvent.objects.filter(family_id=level1.family_id, object_type="referral_list").exists()


def test_referral_list__same_query_count_at_5_and_25(staff, staff_client, school, team, django_assert_max_num_queries):
    def add(count):
        for n in range(count):
            if n % 2:
                _draft(factories.open_case(opener=staff, family_name=f"Familien {n}"), team)
            else:
                _anonymous(staff, school, team)

    url = reverse("teams:referral_list")
    add(5)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    add(20)
    with django_assert_max_num_queries(len(small)):
        response = staff_client.get(url)
    assert len(response.context["page"]) == 25


def test_family_page__lists_the_familys_referrals_with_status_and_decision(level1, team, leader, member, staff_client):
    referral = _sent(level1, team)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now())
    workflow.decide(actor=member, item=meeting.items.get(), outcome=Outcome.NO_ACTION, reasons="Ikkje no.")
    response = staff_client.get(level1.family.get_absolute_url())
    assert f'href="{referral.get_absolute_url()}"' in response.text
    assert str(ReferralStatus.DECIDED.label) in response.text
    assert str(Outcome.NO_ACTION.label) in response.text


def test_family_page__another_persons_draft__is_not_listed(level1, team, member, staff_client):
    draft = _draft(level1, team, question="Eit utkast")
    sent = _sent(level1, team)
    response = client_for(member).get(level1.family.get_absolute_url())
    assert list(response.context["referrals"]) == [sent]
    assert draft.get_absolute_url() not in response.text
    own = staff_client.get(level1.family.get_absolute_url())
    assert set(own.context["referrals"]) == {draft, sent}


def test_referral_detail__a_draft_whose_case_has_moved_on__is_not_offered_to_send(level1, team, staff_client):
    draft = _draft(level1, team, question="Eit eldre utkast.")
    _sent(level1, team)

    page = staff_client.get(draft.get_absolute_url()).text

    assert reverse("teams:referral_send", args=[draft.pk]) not in page
    assert SAVE_AND_SEND not in staff_client.get(reverse("teams:referral_edit", args=[draft.pk])).text
