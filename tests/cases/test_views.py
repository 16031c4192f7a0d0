"""The pages and forms: good input saves and redirects, bad input shows field errors and saves nothing."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions, workflow
from cases.models import Case, Consent, Family, Level, LevelChange, Person
from familielos.models import AccessEvent, Membership, SentForm
from tests import factories
from tests.conftest import SENT_TWICE, client_for, post_twice, shown

pytestmark = pytest.mark.django_db

GOOD_FAMILY = {
    "family_name": "Familien Berg",
    "child_first_name": "Nora",
    "child_last_name": "Berg",
    "child_birth_date": "2019-03-01",
    "guardian_first_name": "Siri",
    "guardian_last_name": "Berg",
    "reason": "Trekkjer seg frå leik over tid.",
    # The form's one-time token, as the page gives it (familielos.once).
    "once": "eingongsmerke-familie-1",
}


def test_family_new__good_input__registers_family_opens_case_and_redirects(staff, staff_client):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule")
    Membership.objects.create(user=staff, unit=unit)
    response = staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "unit": unit.pk})
    family = Family.objects.get(name="Familien Berg")
    assert response.status_code == 302
    assert response.url == family.get_absolute_url()
    case = family.cases.get()
    assert (case.level, case.opened_unit) == (Level.UNDRING, unit)
    assert family.persons.filter(role="guardian", parental_responsibility=True).count() == 1


def test_family_new__sent_twice__registers_the_family_once_and_shows_it(staff, staff_client):
    first = staff_client.post(reverse("cases:family_new"), GOOD_FAMILY)
    again = staff_client.post(reverse("cases:family_new"), GOOD_FAMILY, follow=True)
    family = Family.objects.get()
    assert first.url == family.get_absolute_url()
    assert again.redirect_chain == [(family.get_absolute_url(), 302)]
    assert re.search(r"sent twice|sendt to ganger", again.text)
    assert Case.objects.count() == 1


def test_family_new__filled_in_again_by_back_with_a_new_token__registers_the_family_once(staff_client):
    staff_client.post(reverse("cases:family_new"), GOOD_FAMILY)
    family = Family.objects.get()

    again = staff_client.post(
        reverse("cases:family_new"), {**GOOD_FAMILY, "once": "eit-nytt-merke-etter-back"}, follow=True
    )

    assert again.redirect_chain == [(family.get_absolute_url(), 302)]
    assert shown("You registered this family a moment ago: this is it. Nothing new was registered.") in again.text
    assert Family.objects.count() == Case.objects.count() == 1


@pytest.mark.parametrize(
    "corrected",
    [
        {"guardian_last_name": "Dal"},
        {"reason": "Ei anna uro."},
        {"second_guardian_first_name": "Per", "second_guardian_last_name": "Berg"},
    ],
)
def test_family_new__back_corrected_and_sent_again__registers_what_was_sent(staff_client, corrected):
    staff_client.post(reverse("cases:family_new"), GOOD_FAMILY)

    staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "once": "eit-nytt-merke", **corrected})

    # What was corrected is kept: a family of its own, as the person sent it (they can close the first).
    assert Family.objects.count() == 2


def test_family_new__same_form_sent_again_with_other_content__registers_that_family_too(staff_client):
    staff_client.post(reverse("cases:family_new"), GOOD_FAMILY)
    # Back in the browser, the form (and its token) as it was, changed and sent: a family of its own.
    staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "family_name": "Familien Dal"})
    assert sorted(Family.objects.values_list("name", flat=True)) == ["Familien Berg", "Familien Dal"]


def test_family_new__each_page_gives_a_new_token_and_another_persons_post_with_it_is_their_own(staff, staff_client):
    pages = [staff_client.get(reverse("cases:family_new")).text for _ in range(2)]
    tokens = [re.search(r'name="once" value="([A-Za-z0-9_-]+)"', page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    colleague = factories.unit_staff(username="kollega")
    staff_client.post(reverse("cases:family_new"), GOOD_FAMILY)
    assert client_for(colleague).post(reverse("cases:family_new"), GOOD_FAMILY).status_code == 302
    assert Family.objects.count() == 2


@pytest.mark.parametrize("token", [None, "", "kort", "ugyldig token med mellomrom", "x" * 65])
def test_family_new__token_missing_or_tampered__registers_the_family_as_any_form_would(staff_client, token):
    data = {**GOOD_FAMILY, "once": token}
    if token is None:
        del data["once"]
    response = staff_client.post(reverse("cases:family_new"), data)
    assert response.status_code == 302
    assert Family.objects.count() == 1
    assert not SentForm.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"family_name": ""}, "family_name", "required"),
        ({"child_birth_date": "2099-01-01"}, "child_birth_date", "future"),
        ({"child_birth_date": "1990-01-01"}, "child_birth_date", "adult"),
        ({"child_birth_date": "31.02.2020"}, "child_birth_date", "invalid"),
        ({"second_guardian_first_name": "Per"}, "second_guardian_last_name", "incomplete"),
        ({"reason": ""}, "reason", "required"),
        ({"reason": "x" * 4001}, "reason", "max_length"),
        ({"reason": "\u200b\u2060"}, "reason", "unreadable"),
        ({"reason": "ab\u0007\u001b[31mcd\u007f"}, "reason", "control_characters"),
        ({"reason": "Mor sier \u202eredna\u202c"}, "reason", "control_characters"),
        ({"family_name": "Familien Lie\ufffd"}, "family_name", "undecodable"),
        ({"unit": "999999"}, "unit", "invalid_choice"),
        ({"child_first_name": "\u202egnp.exe"}, "child_first_name", "control_characters"),
        ({"child_first_name": "Ola\u200b"}, "child_first_name", "hidden_characters"),
        ({"family_name": "Familien\u200d Lie"}, "family_name", "hidden_characters"),
    ],
)
def test_family_new__bad_input__shows_field_error_and_saves_nothing(staff_client, changes, field, code):
    response = staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()[field]] == [code]
    error_text = form.errors[field][0]
    assert f'id="id_{field}_error">{error_text}' in response.text
    assert f'href="#id_{field}"' in response.text
    assert not Family.objects.exists()


def test_family_new__role_without_permission__is_403(db):
    response = client_for(factories.familielos()).post(reverse("cases:family_new"), GOOD_FAMILY)
    assert response.status_code == 403
    assert not Family.objects.exists()


def test_case_step__good_input_without_htmx__moves_and_redirects(case, staff_client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = staff_client.post(url, {"avklaring-reason": "Foreldra er inviterte."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.level == Level.AVKLARING


def test_case_step__htmx__answers_with_the_case_fragment(case, staff_client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = staff_client.post(url, {"avklaring-reason": "Foreldra er inviterte."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="case"')
    assert "Foreldra er inviterte." in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_case_step__htmx__focus_goes_to_the_new_panels_heading_or_to_the_error_summary_of_a_failed_step(
    case, staff_client
):
    """The first element with autofocus in a swapped fragment takes the focus (htmx): one of them, never both."""
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])

    failed = staff_client.post(url, {"avklaring-reason": ""}, HTTP_HX_REQUEST="true").text
    taken = staff_client.post(url, {"avklaring-reason": "Foreldra er inviterte."}, HTTP_HX_REQUEST="true").text

    assert re.findall(r"<(\w+)[^>]*\bautofocus\b[^>]*>", failed) == ["div"]
    assert 'class="error-summary"' in re.search(r"<div[^>]*\bautofocus\b[^>]*>", failed).group(0)
    assert re.findall(r'<h2 id="case-heading"[^>]*\bautofocus\b', taken)


def test_case_step__missing_reason__shows_error_and_changes_nothing(case, staff_client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = staff_client.post(url, {"avklaring-reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="id_avklaring-reason_error"' in response.text
    case.refresh_from_db()
    assert case.level == Level.UNDRING
    assert LevelChange.objects.filter(case=case).count() == 1


def _level2_with_member(staff):
    """A case at level 2 and a member of its team (who may assign a familielos), with a familielos to choose."""

    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    los = factories.familielos(first_name="Frida", last_name="Los")
    return case, los, client_for(factories.ressursteam_member(team))


def test_case_step__guard_refuses__shows_the_refusal_and_changes_nothing(staff):
    case, los, member_client = _level2_with_member(staff)
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"])
    response = member_client.post(url, {"familielos-familielos": los.pk, "familielos-reason": "x"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert factories.FAMILIELOS_SERVICE in response.text
    case.refresh_from_db()
    assert case.level == Level.RESSURSTEAM


def test_case_step__foreign_familielos_id__is_a_field_error(staff):
    case, _los, member_client = _level2_with_member(staff)
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"])
    response = member_client.post(url, {"familielos-familielos": "999999", "familielos-reason": "x"})
    assert response.status_code == 200
    assert "familielos-familielos" in response.text
    assert response.context["form"].errors["familielos"]


def test_case_step__step_down_to_a_higher_level__is_a_field_error(staff, staff_client):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "step-down"])
    response = staff_client.post(url, {"step-down-to_level": "3", "step-down-reason": "x"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.level == Level.AVKLARING


@pytest.mark.parametrize("htmx", [True, False])
def test_case_step__familielos_steps_down__is_sent_to_the_start_page_with_a_message(staff, htmx):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    client = client_for(los)
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "step-down"])
    data = {"step-down-to_level": "2", "step-down-reason": "Utfasing.", "step-down-responsible_next": "Teamet"}

    response = client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    # The familielos no longer works with the family: its page, with steps they cannot take, is not shown again.
    assert response[("HX-Redirect" if htmx else "Location")] == reverse("home")
    message = shown("The case is updated. You no longer work with this family, so its page is closed.")
    assert message in client.get(reverse("home")).text
    case.refresh_from_db()
    assert case.level == Level.RESSURSTEAM


def test_case_step__step_no_longer_possible__shows_the_case_as_it_is_now(case, staff_client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "reopen"])
    response = staff_client.post(url, {"reopen-reason": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="case"')
    assert 'class="message message-warning"' in response.text
    case.refresh_from_db()
    assert case.status == "open"


def test_case_step__unknown_step__is_404(case, staff_client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "delete"])
    assert staff_client.post(url, {"delete-reason": "x"}).status_code == 404


def test_consent_new__good_input__records_consent(case, staff_client):
    unit = factories.ServiceUnitFactory()
    guardian = case.family.persons.get(role="guardian")
    today = timezone.localdate()
    response = staff_client.post(
        reverse("cases:consent_new", args=[case.family_id]),
        {"given_by": guardian.pk, "decision": "given", "units": [unit.pk], "valid_from": today.isoformat()},
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, list(consent.units.all()), consent.recorded_by) == (guardian, [unit], case.opened_by)


@pytest.mark.parametrize(
    ("url", "label_text", "needed_when"),
    [
        ("cases:consent_new", "Services that may share information", "needed when consent is given"),
        ("cases:person_new", "Date of birth", "needed for a child"),
    ],
)
def test_forms__a_field_needed_in_some_cases__says_when_not_optional(case, staff_client, url, label_text, needed_when):
    page = staff_client.get(reverse(url, args=[case.family_id])).text
    label = re.search(rf"<(?:legend|label[^>]*)>({re.escape(shown(label_text))}.*?)</(?:legend|label)>", page, re.S)
    assert label is not None
    assert f"({shown(needed_when)})" in label.group(1)
    assert shown("optional") not in label.group(1)


def test_samtale_record__an_agreements_what_and_who__say_they_are_needed_for_one_not_optional(case, staff_client):
    samtale = actions.book_avklaringssamtale(
        actor=case.opened_by, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    page = staff_client.get(reverse("cases:samtale_detail", args=[case.family_id, samtale.pk])).text
    for label_text in ("What", "Who"):
        labels = re.findall(rf"<label[^>]*>({re.escape(shown(label_text))} <span.*?)</label>", page, re.S)
        assert labels, label_text
        for label in labels:
            assert f"({shown('needed for an agreement')})" in label
            assert shown("optional") not in label


def test_consent_new__sent_twice__is_recorded_once(case, staff_client):
    guardian = case.family.persons.get(role="guardian")
    data = {"given_by": guardian.pk, "decision": "given", "units": [factories.ServiceUnitFactory().pk]}
    data["valid_from"] = timezone.localdate().isoformat()

    first, again = post_twice(staff_client, reverse("cases:consent_new", args=[case.family_id]), data)

    assert first.status_code == 302
    assert again.redirect_chain == [(first.url, 302)]
    assert shown(SENT_TWICE) in again.text
    assert Consent.objects.count() == 1


def test_consent_new__refusal__is_recorded_too(case, staff_client):
    guardian = case.family.persons.get(role="guardian")
    response = staff_client.post(
        reverse("cases:consent_new", args=[case.family_id]),
        {"given_by": guardian.pk, "decision": "refused", "valid_from": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Consent.objects.get().decision == "refused"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_to": "2000-01-01"}, "valid_to"),
        ({"units": []}, "units"),
        ({"decision": "maybe"}, "decision"),
        ({"valid_from": "i morgon"}, "valid_from"),
        ({"given_by": "child"}, "given_by"),
        ({"given_by": "other-family"}, "given_by"),
        ({"valid_from": "0001-01-01"}, "valid_from"),
        ({"valid_from": "9999-12-31"}, "valid_from"),
        ({"valid_to": "9999-12-31"}, "valid_to"),
        ({"note": "x" * 4001}, "note"),
        ({"note": "\u200b"}, "note"),
        # Ended before it is recorded: within the field's range, so only the form's own check catches it.
        (
            {
                "valid_from": (timezone.localdate() - timedelta(days=20)).isoformat(),
                "valid_to": (timezone.localdate() - timedelta(days=1)).isoformat(),
            },
            "valid_to",
        ),
    ],
)
def test_consent_new__bad_input__shows_field_error_and_saves_nothing(case, staff_client, changes, field):
    unit = factories.ServiceUnitFactory()
    guardian = case.family.persons.get(role="guardian")
    data = {
        "given_by": guardian.pk,
        "decision": "given",
        "units": [unit.pk],
        "valid_from": timezone.localdate().isoformat(),
        **changes,
    }
    if data["given_by"] == "child":
        data["given_by"] = case.family.persons.get(role="child").pk
    if data["given_by"] == "other-family":
        other, *_ = factories.case_at(0, opener=factories.unit_staff())
        data["given_by"] = other.family.persons.get(role="guardian").pk
    response = staff_client.post(reverse("cases:consent_new", args=[case.family_id]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Consent.objects.exists()


def test_consent_withdraw__active_consent__is_withdrawn_and_then_stops_covering(case, staff_client):
    consent = factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    response = staff_client.post(reverse("cases:consent_withdraw", args=[case.family_id, consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.state == "withdrawn"


def test_consent_new__opened_for_a_service__has_it_ticked_and_ignores_a_bad_value(case, staff_client):
    unit, other = factories.ServiceUnitFactory(), factories.ServiceUnitFactory()
    url = reverse("cases:consent_new", args=[case.family_id])

    page = staff_client.get(url, {"tjeneste": [str(unit.pk), "abc", "1" * 40]}).text

    assert re.search(rf'<input[^>]*value="{unit.pk}"[^>]*checked', page)
    assert not re.search(rf'<input[^>]*value="{other.pk}"[^>]*checked', page)


def test_consent_withdraw__opened_from_the_family_page__says_what_it_does_and_changes_nothing(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    consent = case.family.consents.get()
    family_page = client_for(staff).get(case.family.get_absolute_url()).text
    url = reverse("cases:consent_withdraw", args=[case.family_id, consent.pk])
    assert f'href="{url}"' in family_page

    page = client_for(staff).get(url).text

    assert shown("Yes, withdraw the consent") in page
    assert team.name in page  # named in what the withdrawal does: the case goes back to level 1
    assert workflow.level_after_withdrawal(consent) == (case, Level.AVKLARING)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_consent_withdraw__another_familys_consent_or_an_outsider__is_404(case, staff_client, outsider_client):
    other = factories.case_at(Level.AVKLARING)[0]
    foreign = factories.give_consent(other, units=[factories.ServiceUnitFactory()])
    own = factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    assert staff_client.get(reverse("cases:consent_withdraw", args=[case.family_id, foreign.pk])).status_code == 404
    assert outsider_client.get(reverse("cases:consent_withdraw", args=[case.family_id, own.pk])).status_code == 404
    assert outsider_client.post(reverse("cases:consent_withdraw", args=[case.family_id, own.pk])).status_code == 404
    own.refresh_from_db()
    assert own.withdrawn_at is None


def test_consent_state__expired_and_future(case):
    consent = factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    today = timezone.localdate()
    consent.valid_to = today - timedelta(days=1)
    consent.valid_from = today - timedelta(days=10)
    assert consent.state == "expired"
    consent.valid_from, consent.valid_to = today + timedelta(days=1), None
    assert consent.state == "future"


def test_person_new__good_input__adds_the_person(family, staff_client):
    response = staff_client.post(
        reverse("cases:person_new", args=[family.pk]),
        {"role": "child", "first_name": "Liten", "last_name": "Bror", "birth_date": "2022-02-02"},
    )
    assert response.status_code == 302
    assert family.persons.filter(first_name="Liten").exists()


def test_person_new__sent_twice__adds_the_person_once(family, staff_client):
    data = {"role": "child", "first_name": "Liten", "last_name": "Bror", "birth_date": "2022-02-02"}

    first, again = post_twice(staff_client, reverse("cases:person_new", args=[family.pk]), data)

    assert again.redirect_chain == [(first.url, 302)]
    assert family.persons.filter(first_name="Liten").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "child", "parental_responsibility": "on"}, "parental_responsibility"),
        ({"birth_date": "2099-01-01"}, "birth_date"),
        ({"first_name": ""}, "first_name"),
        ({"role": "boss"}, "role"),
        ({"birth_date": "0001-01-01"}, "birth_date"),
        ({"first_name": "Ny\u202e"}, "first_name"),
        ({"role": "child"}, "birth_date"),
        ({"role": "child", "birth_date": "2000-01-01"}, "birth_date"),
    ],
)
def test_person_new__bad_input__shows_field_error_and_saves_nothing(family, staff_client, changes, field):
    before = Person.objects.count()
    data = {"role": "guardian", "first_name": "Ny", "last_name": "Person", **changes}
    response = staff_client.post(reverse("cases:person_new", args=[family.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Person.objects.count() == before


def test_family_list__search_and_level_filter(staff, staff_client):
    factories.open_case(opener=staff, family_name="Familien Aas", child_name="Ingrid")
    moved, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Bakke")
    response = staff_client.get(reverse("cases:family_list"), {"q": "ingrid"})
    assert [f.name for f in response.context["page"]] == ["Familien Aas"]
    response = staff_client.get(reverse("cases:family_list"), {"level": "1"})
    assert [f.name for f in response.context["page"]] == ["Familien Bakke"]
    response = staff_client.get(reverse("cases:family_list"), {"level": "9"})
    assert response.status_code == 200


def test_family_list__level_filter__goes_by_the_open_case_only(staff, staff_client):
    closed, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Lukka")
    workflow.close_case(actor=staff, case=closed, reason="Tiltaket hjelpte.")
    factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Open")
    everyone = staff_client.get(reverse("cases:family_list"))
    assert {f.name for f in everyone.context["page"]} == {"Familien Lukka", "Familien Open"}
    at_level_1 = staff_client.get(reverse("cases:family_list"), {"level": "1"})
    assert [f.name for f in at_level_1.context["page"]] == ["Familien Open"]


def test_family_list__htmx__answers_with_the_results_fragment(staff_client, family):
    response = staff_client.get(reverse("cases:family_list"), {"q": "Hansen"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="results"')
    assert "Familien Hansen" in response.text


def test_family_list__paginates_25_a_page(staff, staff_client):
    for n in range(27):
        factories.open_case(opener=staff, family_name=f"Familien {n:02}")
    first = staff_client.get(reverse("cases:family_list"))
    second = staff_client.get(reverse("cases:family_list"), {"side": "2"})
    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2


def test_family_detail__view__writes_exactly_one_audit_event(staff, staff_client, family):
    staff_client.get(family.get_absolute_url())
    event = AccessEvent.objects.get()
    assert (event.actor, event.action, event.family_id, event.role) == (staff, "view", family.pk, "unit_staff")


def test_family_detail__nynorsk__renders_in_nynorsk(staff_client, family):
    staff_client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    response = staff_client.get(family.get_absolute_url())
    assert response["Content-Language"] == "nn"
    assert '<html lang="nn">' in response.text


def test_person_new__checkbox_error__is_shown_next_to_the_checkbox(family, staff_client):
    response = staff_client.post(
        reverse("cases:person_new", args=[family.pk]),
        {"role": "child", "first_name": "Ny", "last_name": "Person", "parental_responsibility": "on"},
    )
    error = response.context["form"].errors["parental_responsibility"][0]
    assert f'id="id_parental_responsibility_error">{error}' in response.text


def test_family_new__child_turning_18_today__is_refused_but_one_day_younger_is_not(staff_client):
    from cases.models import age_on

    today = timezone.localdate()
    try:
        eighteen_today = today.replace(year=today.year - 18)
    except ValueError:  # 29 February: the one born on 28 February 18 years ago turned 18 yesterday.
        eighteen_today = today.replace(year=today.year - 18, day=28)
    assert age_on(eighteen_today, today) == 18
    response = staff_client.post(
        reverse("cases:family_new"), {**GOOD_FAMILY, "child_birth_date": eighteen_today.isoformat()}
    )
    assert response.context["form"].errors["child_birth_date"]
    younger = eighteen_today + timedelta(days=1)
    response = staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "child_birth_date": younger.isoformat()})
    assert response.status_code == 302


def _covered_school(staff, team_name="Ressursteam Vest"):
    """A school covered by a ressursteam, and the staff member working there."""
    from teams.models import Ressursteam

    school = factories.ServiceUnitFactory(name="Vestbygd skule")
    Membership.objects.create(user=staff, unit=school)
    team = factories.RessursteamFactory(name=team_name)
    team.covers.add(school)
    return school, Ressursteam.objects.get(pk=team.pk)


def test_family_detail__names_the_ressursteam_covering_the_childs_school(staff, staff_client):
    school, team = _covered_school(staff)
    staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "unit": school.pk})
    family = Family.objects.get(name="Familien Berg")
    response = staff_client.get(family.get_absolute_url())
    assert "Ressursteam Vest" in response.text


def test_family_detail__no_unit_on_the_case__names_the_team_covering_the_screened_unit(staff, staff_client, case):
    from screening.models import Instrument, Submission

    school, team = _covered_school(staff, team_name="Ressursteam Sør")
    Submission.objects.create(
        instrument=Instrument.objects.first(), unit=school, child=case.children.get(), created_by=staff
    )
    response = staff_client.get(case.family.get_absolute_url())
    assert "Ressursteam Sør" in response.text


def test_family_detail__a_unit_on_the_case_and_a_screened_unit__names_the_team_of_the_unit_on_the_case(
    staff, staff_client
):
    from screening.models import Instrument, Submission

    school, _team = _covered_school(staff)
    kindergarten = factories.ServiceUnitFactory(name="Vestbygd barnehage")
    factories.RessursteamFactory(name="Ressursteam Aust").covers.add(kindergarten)
    staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "unit": school.pk})
    case = Family.objects.get(name="Familien Berg").cases.get()
    Submission.objects.create(
        instrument=Instrument.objects.first(), unit=kindergarten, child=case.children.get(), created_by=staff
    )

    response = staff_client.get(case.family.get_absolute_url())

    assert "Ressursteam Vest" in response.text
    assert "Ressursteam Aust" not in response.text


def test_consent_new__team_box__ticks_every_service_in_the_covering_team(staff, staff_client):
    school, team = _covered_school(staff)
    staff_client.post(reverse("cases:family_new"), {**GOOD_FAMILY, "unit": school.pk})
    family = Family.objects.get(name="Familien Berg")
    url = reverse("cases:consent_new", args=[family.pk])
    page = staff_client.get(url)
    assert "Ressursteam Vest" in str(page.context["form"]["team_services"].label)
    assert 'name="team_services"' in page.text
    guardian = family.persons.get(role="guardian")
    response = staff_client.post(
        url,
        {
            "given_by": guardian.pk,
            "decision": "given",
            "team_services": "on",
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert set(Consent.objects.get().units.all()) == set(team.units.all())


def test_case_step__get__is_the_steps_form_as_a_page_and_as_an_htmx_fragment(staff):
    case, los, member_client = _level2_with_member(staff)
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"])
    page = member_client.get(url)
    assert page.status_code == 200
    assert "<html" in page.text
    assert "Frida Los" in page.text
    fragment = member_client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.text
    assert 'hx-target="#case"' in fragment.text
    assert "Frida Los" in fragment.text


def test_family_detail__step_choices_load_only_when_a_step_is_opened(staff):
    case, _los, member_client = _level2_with_member(staff)
    response = member_client.get(case.family.get_absolute_url())
    assert "Frida Los" not in response.text
    step_url = reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"])
    assert f'hx-get="{step_url}"' in response.text
    assert f'<a href="{step_url}">' in response.text


def test_case_step__get_a_step_the_role_may_not_take__shows_why_and_no_form(staff, staff_client):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    response = staff_client.get(reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"]))
    assert response.status_code == 200
    assert "ressursteam" in response.context["refusal"]
    assert response.context["refusal"] in response.text.replace("&#x27;", "'")
    assert response.context["form"] is None
    assert 'name="familielos-familielos"' not in response.text


def test_case_step__assign_familielos__shows_the_familielos_service_the_consent_must_cover(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    factories.familielos()
    member_client = client_for(factories.ressursteam_member(team))
    response = member_client.get(reverse("cases:case_step", args=[case.family_id, case.pk, "familielos"]))
    assert "Familielos-tenesta" in response.text
    assert reverse("cases:consent_new", args=[case.family_id]) in response.text
