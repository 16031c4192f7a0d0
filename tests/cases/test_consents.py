"""What the guardians let the case be shared with (consents.covered_by_family): a guardian's last recorded word on a
service is theirs, a refusal by any guardian with parental responsibility outweighs another's consent, and only a
guardian who has parental responsibility counts; a case left without consent for its team steps down at once."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases import access, actions, consents
from cases.models import Consent, ConsentDecision, Level, LevelChange, PersonRole, ReasonCode
from familielos.errors import Refused
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _decide(case, guardian, decision, units, *, actor=None, starts_in=0, ends_in=None):
    """A consent (for a year unless `ends_in` days) or a refusal (with no end date unless `ends_in`), from
    `starts_in` days from today."""
    if ends_in is None and decision == ConsentDecision.GIVEN:
        ends_in = 365
    return actions.record_consent(
        actor=actor or case.opened_by,
        family=case.family,
        given_by=guardian,
        decision=decision,
        units=list(units),
        valid_from=timezone.localdate() + timedelta(days=starts_in),
        valid_to=None if ends_in is None else timezone.localdate() + timedelta(days=ends_in),
    )


def _guardian(case):
    """The guardian who gave the case's consent (the first)."""
    return case.family.persons.filter(role=PersonRole.GUARDIAN).earliest("pk")


def _second_guardian(case):
    return case.family.persons.create(
        role=PersonRole.GUARDIAN, first_name="Per", last_name="Test", parental_responsibility=True
    )


def test_refusal_after_the_guardians_consent__steps_the_case_down_and_the_team_loses_access(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    assert access.can(member, case.family)

    _decide(case, _guardian(case), ConsentDecision.REFUSED, team.units.all(), actor=staff)

    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert LevelChange.objects.filter(case=case).latest("pk").reason_code == ReasonCode.CONSENT_TEAM
    assert not access.can(member, case.family)
    assert access.can(staff, case.family)


def test_refusal_by_the_other_guardian__outweighs_the_first_ones_consent(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)

    _decide(case, _second_guardian(case), ConsentDecision.REFUSED, team.units.all()[:1], actor=staff)

    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert consents.uncovered(case.family, team.units.all()) == list(team.units.all()[:1])


def test_consent_recorded_after_the_same_guardians_refusal__replaces_it(staff):
    case = factories.case_at(Level.AVKLARING, opener=staff)[0]
    unit = factories.ServiceUnitFactory()
    _decide(case, _guardian(case), ConsentDecision.REFUSED, [unit], actor=staff)
    assert not consents.covers(case.family, [unit])

    _decide(case, _guardian(case), ConsentDecision.GIVEN, [unit], actor=staff)

    assert consents.covers(case.family, [unit])


def test_refusal_of_another_service__changes_nothing_for_the_team(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)

    _decide(case, _guardian(case), ConsentDecision.REFUSED, [factories.ServiceUnitFactory()], actor=staff)

    case.refresh_from_db()
    assert case.level == Level.RESSURSTEAM
    assert access.can(member, case.family)


def test_guardian_loses_parental_responsibility__their_consent_no_longer_counts(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    _second_guardian(case)

    actions.set_parental_responsibility(actor=staff, person=_guardian(case), has=False, reason="Dom i tingretten.")

    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert not consents.covers(case.family, team.units.all())
    assert not access.can(member, case.family)


def test_covered_by_family__many_families_in_one_query(staff, django_assert_num_queries):
    refused, given = (factories.case_at(Level.RESSURSTEAM, opener=staff) for _ in range(2))
    refused_case, refused_team, *_ = refused
    given_case, given_team, *_ = given
    refused_units = list(refused_team.units.all())
    _decide(refused_case, _second_guardian(refused_case), ConsentDecision.REFUSED, refused_units, actor=staff)
    families = [refused_case.family_id, given_case.family_id, 0]

    with django_assert_num_queries(1):
        covered = consents.covered_by_family(families)

    assert covered == {
        refused_case.family_id: set(),
        given_case.family_id: {unit.pk for unit in given_team.units.all()},
        0: set(),
    }


def test_refusal_naming_no_service__refuses_them_all_until_the_guardian_consents_again(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    other = factories.ServiceUnitFactory()
    _decide(case, _guardian(case), ConsentDecision.GIVEN, [other], actor=staff)

    _decide(case, _guardian(case), ConsentDecision.REFUSED, [], actor=staff)

    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert consents.covered_unit_ids(case.family) == set()

    _decide(case, _guardian(case), ConsentDecision.GIVEN, team.units.all(), actor=staff)

    assert consents.covered_unit_ids(case.family) == {unit.pk for unit in team.units.all()}


def test_refusal_naming_no_service_by_the_other_guardian__outweighs_the_first_ones_consent(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)

    _decide(case, _second_guardian(case), ConsentDecision.REFUSED, [], actor=staff)

    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert consents.covered_unit_ids(case.family) == set()


def test_refusal__with_an_end_date__is_refused_in_the_form_and_the_action(staff):
    """Were it to end, the consent it ended would count again without anyone saying so."""
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    end = timezone.localdate() + timedelta(days=30)

    with pytest.raises(Refused, match="no end date"):
        _decide(case, _guardian(case), ConsentDecision.REFUSED, team.units.all(), actor=staff, ends_in=30)
    response = client_for(staff).post(
        reverse("cases:consent_new", args=[case.family_id]),
        {
            "given_by": _guardian(case).pk,
            "decision": "refused",
            "valid_from": timezone.localdate().isoformat(),
            "valid_to": end.isoformat(),
        },
    )

    assert response.status_code == 200
    no_end = "A refusal has no end date: when the guardian agrees, record their consent."
    assert response.context["form"].errors["valid_to"] == [_said(no_end)]
    assert case.family.consents.count() == 1


def test_consent_signed_before_a_refusal_and_recorded_after_it__does_not_outweigh_it(staff):
    """A guardian's words count in the order they said them: a paper consent dated weeks back, typed in after this
    week's refusal, is the older word."""
    case, team = factories.case_at(Level.AVKLARING, opener=staff)[0], factories.RessursteamFactory()
    _decide(case, _guardian(case), ConsentDecision.REFUSED, team.units.all(), actor=staff, starts_in=-3)
    _decide(case, _guardian(case), ConsentDecision.GIVEN, team.units.all(), actor=staff, starts_in=-60)

    assert not consents.covers(case.family, team.units.all())


def test_refusal__from_a_later_day__is_refused(staff):
    case = factories.case_at(Level.AVKLARING, opener=staff)[0]
    with pytest.raises(Refused, match="counts from the day it is recorded"):
        _decide(case, _guardian(case), ConsentDecision.REFUSED, [], actor=staff, starts_in=1)


# The pages: what the person recording it is told.


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


STEPPED_DOWN = (
    "The case went back to level %(level)s: the guardians' consent no longer covers the services it was shared with. "
    "The case history says which."
)


def _said(msgid: str, **params) -> str:
    """A message as the default language (Bokmål) says it."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(msgid) % params if params else translation.gettext(msgid)


def test_consent_form__a_refusal_that_steps_the_case_down__says_so(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    client = client_for(staff)

    response = client.post(
        reverse("cases:consent_new", args=[case.family_id]),
        {"given_by": _guardian(case).pk, "decision": "refused", "valid_from": timezone.localdate().isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    assert _messages(response) == [_said("The refusal is recorded."), _said(STEPPED_DOWN, level=1)]
    case.refresh_from_db()
    assert case.level == Level.AVKLARING


def test_consent_form__a_consent__says_nothing_of_levels(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    response = client_for(staff).post(
        reverse("cases:consent_new", args=[case.family_id]),
        {
            "given_by": _guardian(case).pk,
            "decision": "given",
            "units": [factories.ServiceUnitFactory().pk],
            "valid_from": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert _messages(response) == [_said("The consent is recorded.")]


def test_parental_responsibility_removed__the_case_it_alone_consented_to__steps_down_and_says_so(staff):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    guardian = _guardian(case)
    prefix = f"ansvar-{guardian.pk}"

    response = client_for(staff).post(
        reverse("cases:parental_responsibility", args=[case.family_id, guardian.pk]),
        {f"{prefix}-has": False, f"{prefix}-reason": "Dom i tingretten."},
        follow=True,
    )

    assert _said(STEPPED_DOWN, level=1) in _messages(response)
    case.refresh_from_db()
    assert case.level == Level.AVKLARING


def test_family_page__a_consent_by_a_guardian_without_parental_responsibility__says_it_does_not_count(staff):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    client = client_for(staff)
    note = _said("(does not count: the guardian no longer has parental responsibility)")
    assert note not in client.get(case.family.get_absolute_url()).text

    actions.set_parental_responsibility(actor=staff, person=_guardian(case), has=False, reason="Dom i tingretten.")

    assert note in client.get(case.family.get_absolute_url()).text


def test_consent_form__a_refusal_that_takes_the_family_from_the_recorder__goes_to_the_start_page_saying_why(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    client = client_for(factories.ressursteam_member(team))

    response = client.post(
        reverse("cases:consent_new", args=[case.family_id]),
        {"given_by": _guardian(case).pk, "decision": "refused", "valid_from": timezone.localdate().isoformat()},
    )

    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(response.url)
    assert _said("You no longer work with this family, so its page is closed.") in _messages(page)


def test_family_page__a_consent_a_refusal_outweighs__says_for_which_services(staff):
    case = factories.case_at(Level.AVKLARING, opener=staff)[0]
    kept, refused = factories.ServiceUnitFactory(name="PPT Nord"), factories.ServiceUnitFactory(name="BUP Nord")
    _decide(case, _guardian(case), ConsentDecision.GIVEN, [kept, refused], actor=staff)
    client = client_for(staff)
    note = _said("(a refusal outweighs it for: %(services)s)") % {"services": "BUP Nord"}
    assert note not in client.get(case.family.get_absolute_url()).text

    _decide(case, _second_guardian(case), ConsentDecision.REFUSED, [refused], actor=staff)

    assert note in client.get(case.family.get_absolute_url()).text


# The rule itself, on what the guardians said (no database).

TODAY = date(2026, 6, 15)
TEAM, PPT = 1, 2
MOR, FAR = 10, 11


def said(pk, decision, units, *, by=MOR, start=-30, end=None, recorded=None, withdrawn=False, responsible=True):
    """A consent or refusal of family 1, `start`, `end` and `recorded` in days from TODAY."""
    return consents.Said(
        pk=pk,
        family_id=1,
        guardian_id=by,
        responsible=responsible,
        decision=decision,
        valid_from=TODAY + timedelta(days=start),
        valid_to=None if end is None else TODAY + timedelta(days=end),
        withdrawn=withdrawn,
        recorded_on=TODAY + timedelta(days=start if recorded is None else recorded),
        unit_ids=tuple(units),
    )


GIVEN, REFUSED = ConsentDecision.GIVEN, ConsentDecision.REFUSED


@pytest.mark.parametrize(
    ("words", "covered"),
    [
        ([said(1, GIVEN, [TEAM, PPT])], {TEAM, PPT}),
        ([said(1, GIVEN, [TEAM], end=-1)], set()),
        ([said(1, GIVEN, [TEAM], start=1)], set()),
        ([said(1, GIVEN, [TEAM], withdrawn=True)], set()),
        ([said(1, GIVEN, [TEAM], responsible=False)], set()),
        # A guardian's last word on a service is theirs.
        ([said(1, GIVEN, [TEAM, PPT]), said(2, REFUSED, [PPT], start=-3)], {TEAM}),
        ([said(1, REFUSED, [TEAM], start=-30), said(2, GIVEN, [TEAM], start=-3)], {TEAM}),
        # A refusal naming no service refuses them all, until a later consent.
        ([said(1, GIVEN, [TEAM, PPT]), said(2, REFUSED, [], start=-3)], set()),
        ([said(1, GIVEN, [TEAM, PPT]), said(2, REFUSED, [], start=-3), said(3, GIVEN, [PPT], start=-1)], {PPT}),
        # Another guardian's refusal outweighs a consent; one naming no service outweighs them all.
        ([said(1, GIVEN, [TEAM, PPT]), said(2, REFUSED, [PPT], by=FAR)], {TEAM}),
        ([said(1, GIVEN, [TEAM, PPT]), said(2, REFUSED, [], by=FAR)], set()),
        # …but not from a guardian without parental responsibility.
        ([said(1, GIVEN, [TEAM]), said(2, REFUSED, [TEAM], by=FAR, responsible=False)], {TEAM}),
        # In the order they said them: a consent signed before the refusal and recorded after it is the older word.
        ([said(2, REFUSED, [TEAM], start=-3), said(3, GIVEN, [TEAM], start=-60, recorded=0)], set()),
        # A consent for later was given on the day it was recorded.
        ([said(1, GIVEN, [TEAM], start=-5, recorded=-10), said(2, REFUSED, [TEAM], start=-3)], set()),
        # On the same day, the one recorded last is the last word.
        ([said(1, REFUSED, [TEAM], start=-3), said(2, GIVEN, [TEAM], start=-3)], {TEAM}),
    ],
)
def test_covered__the_rule(words, covered):
    assert consents.covered(words, TODAY).get(1, set()) == covered


def test_refusal__the_database_refuses_one_with_an_end_date(staff):
    case = factories.case_at(Level.AVKLARING, opener=staff)[0]
    refusal = _decide(case, _guardian(case), ConsentDecision.REFUSED, [], actor=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=refusal.pk).update(valid_to=timezone.localdate())


def test_consent_form__a_refusal_from_a_later_day__is_refused_at_the_field(staff):
    case = factories.case_at(Level.AVKLARING, opener=staff)[0]
    response = client_for(staff).post(
        reverse("cases:consent_new", args=[case.family_id]),
        {
            "given_by": _guardian(case).pk,
            "decision": "refused",
            "valid_from": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    ahead = "A refusal counts from the day it is recorded: give today's date or an earlier one."
    assert response.context["form"].errors["valid_from"] == [_said(ahead)]
    assert not case.family.consents.filter(decision=ConsentDecision.REFUSED).exists()


def test_withdrawal_that_takes_the_family_from_the_member__goes_to_the_start_page_saying_why(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    client = client_for(factories.ressursteam_member(team))
    consent = case.family.consents.get()

    response = client.post(reverse("cases:consent_withdraw", args=[case.family_id, consent.pk]))

    assert response.url == reverse("home")
    assert _said("You no longer work with this family, so its page is closed.") in _messages(client.get(response.url))
