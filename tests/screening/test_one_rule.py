"""One scoring rule for the staff tool and the guardians' self-assessment, and a guardian's concern as the start of
the staff's own work: registering the family, or a screening with the guardian's answers ticked.
"""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from familielos import roles
from familielos.models import Membership, ServiceKind
from screening import workflow
from screening.models import AgeGroup, Audience, Instrument, Recommendation, Submission
from tests import factories
from tests.conftest import client_for

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.django_db]


def _shared_risk_keys(age_group):
    """Keys of risk factors both tools of the age group have (the guardians' tool uses the staff tool's keys)."""
    staff = workflow.current_instrument(age_group)
    guardian = workflow.current_instrument(age_group, Audience.GUARDIAN)
    keys = set(guardian.factors.filter(kind="risk", signals_abuse=False).values_list("key", flat=True))
    return staff, guardian, sorted(keys & set(staff.factors.values_list("key", flat=True)))


def _ticked(instrument, keys):
    return list(instrument.factors.filter(key__in=keys))


@pytest.mark.parametrize("age_group", AgeGroup.values)
@pytest.mark.parametrize(
    ("ticks", "abuse", "recommendation", "warning"),
    [
        (0, False, Recommendation.OBSERVE, False),
        (1, False, Recommendation.OBSERVE, False),
        (2, False, Recommendation.OBSERVE, False),
        (3, False, Recommendation.AVKLARING, False),
        (5, False, Recommendation.AVKLARING, False),
        (6, False, Recommendation.RESSURSTEAM, False),
        (7, False, Recommendation.RESSURSTEAM, False),
        (0, True, Recommendation.OBSERVE, True),
        (2, True, Recommendation.AVKLARING, True),
    ],
)
def test_result_of__same_ticks_in_both_tools__same_recommendation(age_group, ticks, abuse, recommendation, warning):
    staff, guardian, keys = _shared_risk_keys(age_group)
    assert len(keys) >= ticks
    chosen = keys[:ticks] + (["violence_abuse_neglect"] if abuse else [])
    staff_result = workflow.result_of(staff, _ticked(staff, chosen))
    guardian_result = workflow.result_of(guardian, _ticked(guardian, chosen))
    assert staff_result.recommendation == guardian_result.recommendation == recommendation
    assert staff_result.risk_score == guardian_result.risk_score == ticks + abuse
    assert staff_result.barnevern_warning == guardian_result.barnevern_warning == warning


def test_result_of__staff_thresholds_changed__the_guardians_tool_follows(leader_and_new_thresholds):
    staff, guardian, keys = _shared_risk_keys("barneskole")
    four = _ticked(guardian, keys[:4])
    assert workflow.result_of(guardian, four).recommendation == Recommendation.RESSURSTEAM
    assert workflow.thresholds(guardian) == workflow.thresholds(staff) == (2, 4)


@pytest.fixture
def leader_and_new_thresholds():
    """Version 2 of the barneskole staff tool, published with thresholds 2 and 4."""
    leader = factories.UserFactory(role=roles.LEADER)
    draft = workflow.draft_new_version(actor=leader, instrument=workflow.current_instrument("barneskole"))
    workflow.edit_instrument(
        actor=leader, instrument=draft, changes={"avklaring_threshold": 2, "ressursteam_threshold": 4}
    )
    return workflow.publish(actor=leader, instrument=draft)


def test_guardian_instrument__with_thresholds_of_its_own__is_refused_by_the_database():
    guardian = workflow.current_instrument("barneskole", Audience.GUARDIAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.create(
            age_group="barneskole",
            audience=Audience.GUARDIAN,
            version=guardian.version + 1,
            title="Eigen",
            avklaring_threshold=2,
            ressursteam_threshold=5,
        )


def test_default_guardian_instruments__have_no_thresholds_of_their_own():
    guardians = Instrument.objects.filter(audience=Audience.GUARDIAN)
    assert guardians.exists()
    assert set(guardians.values_list("avklaring_threshold", "ressursteam_threshold")) == {(None, None)}


def test_instrument_edit__guardian_tool__offers_no_thresholds_and_saves_its_texts():
    leader = factories.UserFactory(role=roles.LEADER)
    draft = workflow.draft_new_version(
        actor=leader, instrument=workflow.current_instrument("barneskole", Audience.GUARDIAN)
    )
    client = client_for(leader)
    url = reverse("screening:instrument_edit", args=[draft.pk])
    page = client.get(url)
    assert 'name="avklaring_threshold"' not in page.text
    data = {
        "title": "Foreldra",
        "title_nn": "Foreldra (nn)",
        "introduction": "",
        "introduction_nn": "",
        "avklaring_threshold": "1",
        "factor-TOTAL_FORMS": 0,
        "factor-INITIAL_FORMS": 0,
        "factor-MIN_NUM_FORMS": 0,
        "factor-MAX_NUM_FORMS": 500,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.title_nn, draft.avklaring_threshold) == ("Foreldra", "Foreldra (nn)", None)
    detail = client.get(reverse("screening:instrument_detail", args=[draft.pk]))
    assert detail.context["avklaring_threshold"] == workflow.current_instrument("barneskole").avklaring_threshold


# A concern from a guardian: register the family, or start a screening from it


@pytest.fixture
def school(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=unit)
    return unit


def _concern(unit, keys, message="Han søv dårleg."):
    instrument = workflow.current_instrument("barneskole", Audience.GUARDIAN)
    return workflow.send_self_assessment(
        instrument=instrument,
        unit=unit,
        factor_ids=[factor.pk for factor in _ticked(instrument, keys)],
        contact_name="Guro Hansen",
        contact_phone="412 34 567",
        message=message,
    )


@pytest.fixture
def concern(school):
    return _concern(school, ["making_friends", "high_absence", "friends"])


def _start_url(concern, **query):
    return reverse("screening:submission_new"), {
        "unit": concern.unit_id,
        "age_group": concern.instrument.age_group,
        "fra": concern.pk,
        **query,
    }


def test_inbox_detail__opened__offers_to_register_the_family_and_to_start_a_screening(staff, staff_client, concern):
    workflow.open_guardian_concern(actor=staff, submission=concern)
    response = staff_client.get(reverse("inbox:detail", args=[concern.pk]))
    next_steps = response.text.split('id="next-title"')[1]
    assert f'href="{reverse("cases:family_new")}"' in next_steps
    url, query = _start_url(concern)
    assert response.context["screening_url"].startswith(url + "?")
    assert f"fra={concern.pk}" in response.context["screening_url"]
    assert response.context["screening_url"].replace("&", "&amp;") in response.text


def test_inbox_detail__not_opened__offers_neither(staff_client, concern):
    response = staff_client.get(reverse("inbox:detail", args=[concern.pk]))
    assert 'id="next-title"' not in response.text
    assert "screening_url" not in response.context
    assert "fra=" not in response.text


def test_submission_new__from_an_opened_concern__ticks_the_matching_factors_and_summarises_the_answers(
    staff, staff_client, concern
):
    workflow.open_guardian_concern(actor=staff, submission=concern)
    response = staff_client.get(*_start_url(concern))
    assert response.status_code == 200
    staff_tool = workflow.current_instrument("barneskole")
    assert response.context["instrument"] == staff_tool
    form = response.context["form"]
    expected = set(staff_tool.factors.filter(key__in=["making_friends", "high_absence", "friends"]).values_list("pk"))
    assert {(pk,) for pk in form.initial["factors"]} == expected
    assert response.context["result"].risk_score == 2
    for factor in _ticked(staff_tool, ["making_friends", "high_absence"]):
        assert re.search(rf'value="{factor.pk}" id="id_factors_\d+" checked', response.text)
    seen = form.initial["seen"]
    for text in ("Barnet mitt har ingen eller få venner", "Barnet mitt har venner", "Han søv dårleg."):
        assert text in seen
    assert "Han søv dårleg." in response.text
    # Nothing is saved until the staff member saves it.
    assert Submission.objects.filter(audience=Audience.STAFF).count() == 0


def test_submission_new__from_a_concern_with_no_matching_factor__fills_age_group_and_observations(
    staff, staff_client, school
):
    concern = _concern(school, [], message="Ho vil ikkje på skulen.")
    workflow.open_guardian_concern(actor=staff, submission=concern)
    response = staff_client.get(*_start_url(concern))
    assert response.context["instrument"] == workflow.current_instrument("barneskole")
    assert response.context["form"].initial["factors"] == []
    assert "Ho vil ikkje på skulen." in response.context["form"].initial["seen"]


def test_submission_new__from_a_concern__saves_as_the_staff_members_own_screening(staff, staff_client, concern):
    workflow.open_guardian_concern(actor=staff, submission=concern)
    url, query = _start_url(concern)
    staff_tool = workflow.current_instrument("barneskole")
    ids = [factor.pk for factor in _ticked(staff_tool, ["making_friends", "high_absence"])]
    data = {
        "instrument": staff_tool.pk,
        "unit": concern.unit_id,
        "child": "",
        "child_description": "gut, 8 år",
        "factors": ids,
        "seen": "Samtale med mor.",
        "action": "submit",
    }
    response = staff_client.post(f"{url}?unit={query['unit']}&age_group=barneskole&fra={concern.pk}", data)
    assert response.status_code == 302
    saved = Submission.objects.get(audience=Audience.STAFF)
    assert (saved.created_by, saved.risk_score, saved.recommendation) == (staff, 2, Recommendation.OBSERVE)


@pytest.mark.parametrize("fra", ["unopened", "other-unit", "staff-screening", "abc", "1 OR 1=1", "²", "9" * 30])
def test_submission_new__from_a_concern_the_user_may_not_use__is_404(staff, staff_client, school, concern, fra):
    if fra == "unopened":
        fra = concern.pk
    elif fra == "other-unit":
        other = _concern(factories.ServiceUnitFactory(name="Austbygd skule", kind=ServiceKind.SKOLE), ["withdrawn"])
        Submission.objects.filter(pk=other.pk).update(opened_at=concern.submitted_at)
        fra = other.pk
    elif fra == "staff-screening":
        fra = workflow.save_screening(
            actor=staff, instrument=workflow.current_instrument("barneskole"), unit=school, factor_ids=[], submit=True
        ).pk
    url, query = _start_url(concern, fra=fra)
    assert staff_client.get(url, query).status_code == 404


def test_submission_new__from_a_concern__in_nynorsk__summarises_in_nynorsk(staff, staff_client, concern):
    workflow.open_guardian_concern(actor=staff, submission=concern)
    staff_client.cookies["django_language"] = "nn"
    response = staff_client.get(*_start_url(concern))
    assert "Barnet mitt har ingen eller få vener" in response.context["form"].initial["seen"]
    assert "Barnet mitt har ingen eller få vener" in response.text
