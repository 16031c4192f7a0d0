"""The guardians' public self-assessment and the unit's inbox of the concerns they send."""

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

from familielos import once
from familielos.models import Membership, ServiceKind
from screening import workflow
from screening.models import Audience, Recommendation, Submission
from tests import factories
from tests.conftest import client_for, form_token

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.django_db]

SubmissionEvent = apps.get_model("screening", "SubmissionEvent")
GOOD_CONTACT = {
    "send-contact_name": "Guro Hansen",
    "send-contact_phone": "412 34 567",
    "send-contact_email": "guro@example.no",
    "send-message": "Han søv dårleg og vil ikkje på skulen.",
    "send-consent": "on",
}


@pytest.fixture
def school(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE, contact="55 11 22 33")
    Membership.objects.create(user=staff, unit=unit)
    return unit


@pytest.fixture
def other_school(outsider):
    unit = factories.ServiceUnitFactory(name="Austbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=outsider, unit=unit)
    return unit


@pytest.fixture
def barnevern():
    return factories.ServiceUnitFactory(
        name="Barnevernstenesta", kind=ServiceKind.BARNEVERN, contact="Telefon 55 99 88 77"
    )


@pytest.fixture
def instrument():
    return workflow.current_instrument("barneskole", Audience.GUARDIAN)


def _risk_ids(instrument, n):
    return list(instrument.factors.filter(kind="risk", signals_abuse=False).values_list("pk", flat=True)[:n])


def _answers(instrument, factor_ids):
    return {"instrument": instrument.pk, "factors": list(factor_ids)}


def _send(client, instrument, unit, factor_ids=(), **changes):
    data = {**_answers(instrument, factor_ids), **GOOD_CONTACT, "send-unit": unit.pk if unit else "", **changes}
    return client.post(reverse("selfassessment:send"), {k: v for k, v in data.items() if v is not None})


def _history_count():
    return SubmissionEvent.objects.count()


# --- Start and questions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "group"), [({"age": "8"}, "barneskole"), ({"age_group": "barnehage"}, "barnehage")])
def test_start__age_or_age_group__goes_to_its_questions(client, query, group):
    response = client.get(reverse("selfassessment:start"), query)
    assert response.status_code == 302
    assert response.url == reverse("selfassessment:instrument", args=[group])


@pytest.mark.parametrize("query", [{"age": ""}, {"age": "17"}, {"age": "åtte"}, {"age_group": "vidaregaande"}])
def test_start__no_usable_age__shows_a_field_error(client, query):
    response = client.get(reverse("selfassessment:start"), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.text


def test_instrument_page__shows_the_guardian_version_in_groups(client, instrument):
    response = client.get(reverse("selfassessment:instrument", args=["barneskole"]))
    assert response.status_code == 200
    assert [group.title for group in response.context["groups"]] == ["Om barnet", "Om familien", "Det som går bra"]
    for factor in instrument.factors.all():
        assert f'<label for="factor-{factor.pk}">' in response.text
    assert f'name="instrument" value="{instrument.pk}"' in response.text


def test_instrument_page__unknown_age_group__is_404(client):
    assert client.get(reverse("selfassessment:instrument", args=["vidaregaande"])).status_code == 404


# --- Result: computed, never stored -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticked", "recommendation"),
    [
        (0, Recommendation.OBSERVE),
        (2, Recommendation.OBSERVE),
        (3, Recommendation.AVKLARING),
        (5, Recommendation.AVKLARING),
        (6, Recommendation.RESSURSTEAM),
    ],
)
def test_result__computing__gives_advice_and_stores_nothing(client, instrument, ticked, recommendation):
    history_before = _history_count()
    response = client.post(reverse("selfassessment:result"), _answers(instrument, _risk_ids(instrument, ticked)))
    assert response.status_code == 200
    assert response.context["result"].recommendation == recommendation
    assert not Submission.objects.exists()
    assert _history_count() == history_before
    assert "no-store" in response["Cache-Control"]


def test_result__lists_where_to_get_help_with_contact(client, instrument, barnevern):
    factories.ServiceUnitFactory(name="Helsestasjonen", kind=ServiceKind.HELSESTASJON, contact="55 00 00 01")
    factories.ServiceUnitFactory(name="PPT", kind=ServiceKind.PPT, contact="55 00 00 02")
    factories.ServiceUnitFactory(name="NAV Øygarden", kind=ServiceKind.NAV, contact="55 00 00 03")
    response = client.post(reverse("selfassessment:result"), _answers(instrument, _risk_ids(instrument, 2)))
    for text in ("Helsestasjonen", "55 00 00 01", "PPT", "55 00 00 02", "Barnevernstenesta"):
        assert text in response.text
    assert "NAV Øygarden" not in response.text


def test_result__abuse_factor__says_get_help_now_with_barnevern_and_emergency_numbers(client, instrument, barnevern):
    abuse = instrument.factors.get(signals_abuse=True)
    response = client.post(reverse("selfassessment:result"), _answers(instrument, [abuse.pk]))
    assert response.context["result"].barnevern_warning
    assert 'id="urgent-title"' in response.text
    assert 'href="tel:112"' in response.text
    assert 'href="tel:116111"' in response.text
    assert "Telefon 55 99 88 77" in response.text
    assert not Submission.objects.exists()


def test_result__no_abuse_factor__has_no_urgent_message(client, instrument, barnevern):
    response = client.post(reverse("selfassessment:result"), _answers(instrument, _risk_ids(instrument, 5)))
    assert 'id="urgent-title"' not in response.text


@pytest.mark.parametrize(
    "tamper",
    ["staff_instrument", "missing_instrument", "text_instrument", "foreign_factor", "text_factor"],
)
@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__tampered_ids__are_refused_clearly_and_store_nothing(client, instrument, school, url, tamper):
    staff_version = workflow.current_instrument("barneskole", Audience.STAFF)
    data = {**_answers(instrument, _risk_ids(instrument, 1)), **GOOD_CONTACT, "send-unit": school.pk}
    if tamper == "staff_instrument":
        data["instrument"] = staff_version.pk
        data["factors"] = _risk_ids(staff_version, 1)
    elif tamper == "missing_instrument":
        data["instrument"] = 999_999
    elif tamper == "text_instrument":
        data["instrument"] = "1 OR 1=1"
    elif tamper == "foreign_factor":
        data["factors"] = [*data["factors"], staff_version.factors.first().pk]
    else:
        data["factors"] = ["x"]
    history_before = _history_count()
    response = client.post(reverse(url), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert not Submission.objects.exists()
    assert _history_count() == history_before


# --- Sending to the kindergarten or school ----------------------------------------------------------------------


def test_send__good_input__stores_one_guardian_submission_for_the_chosen_unit(client, instrument, school, other_school):
    factor_ids = _risk_ids(instrument, 3)
    response = _send(client, instrument, school, factor_ids)
    assert response.status_code == 302
    assert response.url == reverse("selfassessment:sent")
    submission = Submission.objects.get()
    assert (submission.audience, submission.status, submission.unit) == (Audience.GUARDIAN, "submitted", school)
    assert (submission.contact_name, submission.contact_phone, submission.contact_email) == (
        "Guro Hansen",
        "412 34 567",
        "guro@example.no",
    )
    assert submission.seen == GOOD_CONTACT["send-message"]
    assert set(submission.factors.values_list("pk", flat=True)) == set(factor_ids)
    assert (submission.risk_score, submission.recommendation) == (3, Recommendation.AVKLARING)
    assert submission.created_by is None
    assert client.get(response.url).status_code == 200


def test_send__sent_twice__reaches_the_school_once(client, instrument, school):
    ids = _risk_ids(instrument, 3)
    token = form_token(client.post(reverse("selfassessment:result"), _answers(instrument, ids)).text)

    responses = [_send(client, instrument, school, ids, **{once.TOKEN_NAME: token}) for _ in range(2)]

    assert [response.url for response in responses] == [reverse("selfassessment:sent")] * 2
    assert Submission.objects.count() == 1


def test_send__phone_only__is_enough(client, instrument, school):
    assert _send(client, instrument, school, **{"send-contact_email": ""}).status_code == 302
    assert Submission.objects.get().contact_email == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"send-contact_phone": "", "send-contact_email": ""}, "contact_phone"),
        ({"send-contact_email": "guro@"}, "contact_email"),
        ({"send-contact_phone": "ring meg"}, "contact_phone"),
        ({"send-unit": "999999"}, "unit"),
        ({"send-unit": "barnevern"}, "unit"),
        ({"send-contact_name": ""}, "contact_name"),
        ({"send-consent": None}, "consent"),
    ],
)
def test_send__bad_input__shows_field_errors_and_stores_nothing(client, instrument, school, barnevern, changes, field):
    if changes.get("send-unit") == "barnevern":
        changes = {"send-unit": barnevern.pk}  # a real unit, but not a kindergarten or school
    history_before = _history_count()
    response = _send(client, instrument, school, _risk_ids(instrument, 2), **changes)
    assert response.status_code == 200
    assert field in response.context["send_form"].errors
    assert f'href="#id_send-{field}"' in response.text
    assert not Submission.objects.exists()
    assert _history_count() == history_before


def test_send__school_questions_to_a_kindergarten__is_a_field_error_and_stores_nothing(client, instrument, school):
    kindergarten = factories.ServiceUnitFactory(name="Solbakken barnehage", kind=ServiceKind.BARNEHAGE)
    result = client.post(reverse("selfassessment:result"), _answers(instrument, _risk_ids(instrument, 2)))
    assert "Vestbygd skule" in result.text
    assert "Solbakken barnehage" not in result.text
    response = _send(client, instrument, kindergarten, _risk_ids(instrument, 2))
    assert response.status_code == 200
    assert "unit" in response.context["send_form"].errors
    assert not Submission.objects.exists()


def test_send__kindergarten_questions__go_to_a_kindergarten_not_a_school(client, school):
    questions = workflow.current_instrument("barnehage", Audience.GUARDIAN)
    kindergarten = factories.ServiceUnitFactory(name="Solbakken barnehage", kind=ServiceKind.BARNEHAGE)
    result = client.post(reverse("selfassessment:result"), _answers(questions, _risk_ids(questions, 2)))
    assert "Solbakken barnehage" in result.text
    assert "Vestbygd skule" not in result.text
    assert _send(client, questions, school, _risk_ids(questions, 2)).status_code == 200
    assert not Submission.objects.exists()
    assert _send(client, questions, kindergarten, _risk_ids(questions, 2)).status_code == 302
    assert Submission.objects.get().unit == kindergarten


# --- Rate limit, cookies, no tracking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "setting"),
    [("result", "SELF_ASSESSMENT_RESULTS_PER_HOUR"), ("send", "SELF_ASSESSMENT_SENDS_PER_HOUR")],
)
def test_public_post__over_the_hourly_limit__answers_429(client, instrument, school, settings, url, setting):
    setattr(settings, setting, 2)
    data = {**_answers(instrument, _risk_ids(instrument, 1)), **GOOD_CONTACT, "send-unit": school.pk}
    statuses = [client.post(reverse(f"selfassessment:{url}"), data).status_code for _ in range(3)]
    assert statuses[:2] == ([200, 200] if url == "result" else [302, 302])
    assert statuses[2] == 429
    response = client.post(reverse(f"selfassessment:{url}"), data)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert 'href="tel:116111"' in response.text
    assert Submission.objects.count() == (2 if url == "send" else 0)
    # Another address has its own allowance.
    other = client.post(reverse(f"selfassessment:{url}"), data, REMOTE_ADDR="10.9.8.7")
    assert other.status_code != 429


def _public_responses(client, instrument, school):
    answers = _answers(instrument, _risk_ids(instrument, 2))
    return {
        "start": client.get(reverse("selfassessment:start")),
        "start_invalid": client.get(reverse("selfassessment:start"), {"age": "99"}),
        "instrument": client.get(reverse("selfassessment:instrument", args=["barneskole"])),
        "change_answers": client.post(reverse("selfassessment:instrument", args=["barneskole"]), answers),
        "result": client.post(reverse("selfassessment:result"), answers),
        "send_invalid": _send(client, instrument, school, **{"send-contact_name": ""}),
        "send": _send(client, instrument, school),
        "sent": client.get(reverse("selfassessment:sent")),
        "out_of_date": client.post(reverse("selfassessment:result"), {"instrument": "x"}),
    }


def test_public_pages__set_no_session_cookie(instrument, school):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("selfassessment:start"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    for name, response in _public_responses(client, instrument, school).items():
        assert response.status_code in (200, 302, 400), name
        assert settings.SESSION_COOKIE_NAME not in response.cookies, name
        assert "sessionid" not in response.get("Set-Cookie", ""), name
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_public_pages__load_nothing_from_elsewhere(client, instrument, school):
    for name, response in _public_responses(client, instrument, school).items():
        if response.status_code == 302:
            continue
        for attribute in ('src="http', "src='http", 'href="http', 'href="//', 'src="//', 'action="http'):
            assert attribute not in response.text, name


def test_answers_page__changing_answers__ticks_them_again(client, instrument):
    ids = _risk_ids(instrument, 2)
    response = client.post(reverse("selfassessment:instrument", args=["barneskole"]), _answers(instrument, ids))
    assert response.context["ticked"] == set(ids)
    assert f'value="{ids[0]}" id="factor-{ids[0]}" checked' in response.text


# --- The unit's inbox -------------------------------------------------------------------------------------------


@pytest.fixture
def concern(instrument, school):
    return workflow.send_self_assessment(
        instrument=instrument,
        unit=school,
        factor_ids=_risk_ids(instrument, 2),
        contact_name="Guro Hansen",
        contact_phone="412 34 567",
        contact_email="guro@example.no",
        message="Vil ikkje på skulen.",
    )


SECRETS = ("Guro Hansen", "412 34 567", "guro@example.no", "Vil ikkje på skulen.")


@pytest.mark.parametrize(("name", "method"), [("list", "get"), ("detail", "get"), ("open", "post")])
def test_inbox__anonymous__redirects_to_login(client, concern, name, method):
    url = reverse(f"inbox:{name}", args=[] if name == "list" else [concern.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method"), [("detail", "get"), ("open", "post")])
def test_inbox__other_units_concern__is_404(outsider_client, other_school, concern, name, method):
    assert getattr(outsider_client, method)(reverse(f"inbox:{name}", args=[concern.pk])).status_code == 404
    concern.refresh_from_db()
    assert concern.opened_at is None


def test_inbox__staff_concern_and_other_units__are_not_listed(
    staff, staff_client, outsider_client, other_school, concern
):
    staff_screening = workflow.save_screening(
        actor=staff, instrument=workflow.current_instrument("barneskole"), unit=concern.unit, factor_ids=[], submit=True
    )
    mine = staff_client.get(reverse("inbox:list"))
    assert [c.pk for c in mine.context["page"]] == [concern.pk]
    assert staff_client.get(reverse("inbox:detail", args=[staff_screening.pk])).status_code == 404
    assert list(outsider_client.get(reverse("inbox:list")).context["page"]) == []


def test_inbox__before_opening__shows_only_date_age_group_and_recommendation(staff_client, concern):
    listing = staff_client.get(reverse("inbox:list"))
    detail = staff_client.get(reverse("inbox:detail", args=[concern.pk]))
    assert (listing.status_code, detail.status_code) == (200, 200)
    for response in (listing, detail):
        for secret in SECRETS:
            assert secret not in response.text
    assert reverse("inbox:open", args=[concern.pk]) in detail.text
    assert "no-store" in detail["Cache-Control"]


def test_inbox__opening__reveals_contact_and_answers_and_is_recorded(staff, staff_client, concern):
    response = staff_client.post(reverse("inbox:open", args=[concern.pk]))
    assert response.status_code == 302
    assert response.url == reverse("inbox:detail", args=[concern.pk])

    concern.refresh_from_db()
    assert concern.opened_by == staff
    assert concern.opened_at is not None
    event = SubmissionEvent.objects.filter(pgh_obj=concern, pgh_label="update").latest("pgh_id")
    assert event.opened_by_id == staff.pk
    assert event.opened_at == concern.opened_at
    assert event.pgh_context.metadata["user"] == staff.pk
    assert event.pgh_context.metadata["action"] == "open_guardian_concern"

    detail = staff_client.get(response.url)
    for secret in SECRETS:
        assert secret in detail.text
    for factor in concern.factors.all():
        assert factor.label in detail.text


def test_inbox__opening_again__keeps_the_first_opening(staff, staff_client, concern):
    colleague = factories.unit_staff()
    Membership.objects.create(user=colleague, unit=concern.unit)
    staff_client.post(reverse("inbox:open", args=[concern.pk]))
    concern.refresh_from_db()
    first = concern.opened_at
    client_for(colleague).post(reverse("inbox:open", args=[concern.pk]))
    concern.refresh_from_db()
    assert (concern.opened_by, concern.opened_at) == (staff, first)


def test_inbox__open_by_get__is_refused(staff_client, concern):
    assert staff_client.get(reverse("inbox:open", args=[concern.pk])).status_code == 405
    concern.refresh_from_db()
    assert concern.opened_at is None
