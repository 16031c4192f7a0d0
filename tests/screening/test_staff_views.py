"""The staff screening pages: good input saves and shows the result, bad input shows clear errors and saves nothing."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import workflow as case_workflow
from cases.models import Level
from familielos import roles
from familielos.models import AccessAction, AccessEvent, Membership, ServiceKind
from screening import workflow
from screening.models import Factor, FactorKind, Submission, SubmissionStatus
from tests import factories
from tests.conftest import SENT_TWICE, client_for, form_token, post_twice, shown

pytestmark = pytest.mark.django_db

MISMATCH = "The form does not match this version of the screening tool. Reload it."


def _nb(msgid: str) -> str:
    """A message as a page shows it: the request's language is Bokmål, whatever the catalogue has by now."""
    with translation.override("nb"):
        return gettext(msgid)


@pytest.fixture
def unit(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=unit)
    return unit


@pytest.fixture
def colleague(unit):
    """Another teacher at the same school: sees its submitted screenings, not others' drafts."""
    user = factories.unit_staff(username="kollega")
    Membership.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def barnevern():
    return factories.ServiceUnitFactory(name="Barnevernstenesta", kind=ServiceKind.BARNEVERN, contact="55 12 34 56")


@pytest.fixture
def instrument():
    return workflow.current_instrument("barneskole")


@pytest.fixture
def leader(db):
    return factories.UserFactory(role=roles.LEADER)


@pytest.fixture
def new_url(unit):
    return reverse("screening:submission_new") + f"?unit={unit.pk}&age_group=barneskole"


def _risk_ids(instrument, n):
    return list(instrument.factors.filter(kind="risk", signals_abuse=False).values_list("pk", flat=True)[:n])


def _abuse_id(instrument):
    return instrument.factors.get(signals_abuse=True).pk


def _post(version, unit, /, *, action="submit", factors=(), **changes):
    data = {
        "instrument": str(version.pk),
        "unit": str(unit.pk),
        "child": "",
        "child_description": "gut, 8 år, 3B",
        "factors": [str(pk) for pk in factors],
        "seen": "Trekkjer seg unna i friminutta sidan hausten.",
        "child_said": "",
        "duration": "Sidan haustferien",
        "earlier_concern": "",
        "action": action,
    }
    data.update(changes)
    return data


def _submit(staff, instrument, unit, factor_ids, **kwargs):
    return workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=factor_ids, submit=True, seen="Sett.", **kwargs
    )


# Access: every URL of the staff screening, three ways.


@pytest.fixture
def submitted(staff, unit, instrument):
    return _submit(staff, instrument, unit, _risk_ids(instrument, 2), child_description="jente, 7 år")


@pytest.fixture
def draft(staff, unit, instrument):
    return workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], seen="Utkast")


@pytest.fixture
def guardian_concern(unit):
    instrument = workflow.current_instrument("barneskole", audience="guardian")
    return workflow.send_self_assessment(
        instrument=instrument,
        unit=unit,
        factor_ids=list(instrument.factors.values_list("pk", flat=True)[:2]),
        contact_name="Guro Foresatt",
        contact_phone="987 65 432",
        message="Vi er uroa for sonen vår.",
    )


# name: (method, the fixture whose pk is in the URL)
STAFF_URLS = {
    "submission_list": ("get", None),
    "submission_new": ("get", None),
    "submission_preview": ("post", None),
    "submission_detail": ("get", "submitted"),
    "submission_edit": ("get", "draft"),
    "submission_link": ("post", "submitted"),
}


def test_url_conf__every_staff_screening_url_has_an_access_test():
    resolver = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "screening")
    names = {p.name for p in resolver.url_patterns if isinstance(p, URLPattern)}
    staff_names = {name for name in names if not name.startswith(("instrument", "factor"))}
    assert staff_names == set(STAFF_URLS)


def _url(name, request):
    method, fixture = STAFF_URLS[name]
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return method, reverse(f"screening:{name}", args=args)


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_staff_url__anonymous__redirects_to_login(name, request, client):
    method, url = _url(name, request)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_staff_url__no_access__is_404(name, request, outsider_client):
    """Staff at another unit: another unit's screenings and another person's drafts are 404."""
    method, url = _url(name, request)
    if STAFF_URLS[name][1] is None:
        # The pages without an object: a role that does not screen (a familielos) gets the 404.
        outsider_client = client_for(factories.familielos())
    assert getattr(outsider_client, method)(url).status_code == 404


@pytest.mark.parametrize("name", sorted(STAFF_URLS))
def test_staff_url__allowed__is_200(name, request, staff_client, instrument):
    method, url = _url(name, request)
    data = {"instrument": instrument.pk} if method == "post" else None
    response = getattr(staff_client, method)(url, data, follow=True)
    assert response.status_code == 200


def test_submission_edit__a_colleagues_draft__is_404_and_changes_nothing(draft, colleague, instrument, unit):
    client = client_for(colleague)
    url = reverse("screening:submission_edit", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _post(instrument, unit, factors=_risk_ids(instrument, 3))).status_code == 404
    assert client.get(reverse("screening:submission_detail", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.factors.count(), draft.seen) == ("draft", 0, "Utkast")


def test_submission_detail__a_colleague_at_the_unit__sees_the_submitted_one(submitted, colleague):
    response = client_for(colleague).get(reverse("screening:submission_detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert "jente, 7 år" in response.text


# The list


def test_submission_list__shows_own_drafts_and_the_units_submitted_only(staff_client, staff, unit, instrument):
    workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], child_description="mitt")
    _submit(staff, instrument, unit, [], child_description="innsendt")
    other_unit = factories.ServiceUnitFactory(name="Austbygd skule")
    other = factories.unit_staff()
    Membership.objects.create(user=other, unit=other_unit)
    _submit(other, instrument, other_unit, [], child_description="annan skule")
    colleague = factories.unit_staff()
    Membership.objects.create(user=colleague, unit=unit)
    workflow.save_screening(actor=colleague, instrument=instrument, unit=unit, factor_ids=[], child_description="hans")
    response = staff_client.get(reverse("screening:submission_list"))
    assert response.status_code == 200
    assert "mitt" in response.text
    assert "innsendt" in response.text
    assert "annan skule" not in response.text
    assert "hans" not in response.text
    assert response.context["page"].paginator.count == 2


# A new screening: choosing the child and the age group


def test_submission_new__without_choices__shows_the_first_step(staff_client, unit):
    response = staff_client.get(reverse("screening:submission_new"))
    assert response.status_code == 200
    assert response.templates[0].name == "screening/submission_start.html"
    assert not response.context["form"].errors
    assert 'name="age_group"' in response.text


def test_screening_pages__the_child_list__logs_a_view_of_each_family_it_names(staff, staff_client, unit, new_url):
    named = [factories.open_case(opener=staff, family_name=f"Familien {name}").family for name in ("Aas", "Berg")]
    other = factories.open_case(family_name="Familien Utanfor").family

    for url in (reverse("screening:submission_new"), new_url):
        before = AccessEvent.objects.order_by("pk").last()
        page = staff_client.get(url).text
        assert "Familien Aas" in page
        assert "Familien Utanfor" not in page
        events = AccessEvent.objects.filter(pk__gt=before.pk if before else 0, object_type="child_choices")
        logged = set(events.values_list("family_id", flat=True))
        assert logged == {family.pk for family in named}
        assert other.pk not in logged


@pytest.mark.parametrize(
    ("kind", "age_group"),
    [(ServiceKind.SKOLE, "barneskole"), (ServiceKind.BARNEHAGE, "barnehage"), (ServiceKind.SFO, "barneskole")],
)
def test_submission_new__anonymous_on_automatic__takes_the_age_group_from_the_units_kind(
    staff, staff_client, kind, age_group
):
    unit = factories.ServiceUnitFactory(name="Eininga", kind=kind)
    Membership.objects.create(user=staff, unit=unit)
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "child": "", "age_group": ""})
    assert response.status_code == 200
    assert response.templates[0].name == "screening/submission_form.html"
    assert response.context["instrument"] == workflow.current_instrument(age_group)
    # "Change the age group" goes back to step 1 with the proposed age group chosen.
    back = staff_client.get(reverse("screening:submission_new") + "?" + response.context["change_query"])
    assert back.templates[0].name == "screening/submission_start.html"
    assert f'value="{age_group}" id="id_age_group_' in back.text
    assert re.search(rf'value="{age_group}"[^>]* checked', back.text)


def test_submission_new__named_child_without_birth_date__takes_the_age_group_from_the_unit(
    staff, staff_client, unit, case
):
    child = case.family.persons.get(role="child")
    child.birth_date = None
    child.save(update_fields=["birth_date"])
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "child": child.pk})
    assert response.context["instrument"] == workflow.current_instrument("barneskole")


def test_submission_new__anonymous_at_a_unit_without_an_age_group__is_a_clear_field_error(staff, staff_client):
    station = factories.ServiceUnitFactory(name="Vestbygd helsestasjon", kind=ServiceKind.HELSESTASJON)
    Membership.objects.create(user=staff, unit=station)
    response = staff_client.get(reverse("screening:submission_new"), {"unit": station.pk, "child": ""})
    assert response.status_code == 200
    error = response.context["form"].errors.as_data()["age_group"][0]
    assert error.code == "required"
    assert 'id="id_age_group_error"' in response.text
    assert "Vestbygd helsestasjon" in response.text
    with translation.override("nb"):
        assert str(error.message % error.params) in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"unit": "999999", "child": ""},
        {"unit": "abc", "child": ""},
        {"unit": "", "child": ""},
        {"age_group": "vidaregaande"},
        {"child": "1 OR 1=1"},
    ],
)
def test_submission_new__bad_step_1__is_a_field_error_and_no_form(staff_client, unit, query):
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, **query})
    assert response.status_code == 200
    assert response.templates[0].name == "screening/submission_start.html"
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.text


def test_submission_new__named_child__takes_the_age_group_from_the_childs_age(staff_client, unit, case):
    child = case.family.persons.get(role="child")
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "child": child.pk})
    assert response.status_code == 200
    assert response.context["instrument"] == workflow.current_instrument("barneskole")
    assert f'<option value="{child.pk}" selected>' in response.text


def test_submission_new__child_of_a_family_without_grant__is_a_field_error(staff_client, unit):
    stranger = factories.open_case(opener=factories.unit_staff(), family_name="Familien Annan").family
    child = stranger.persons.get(role="child")
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "child": child.pk})
    assert response.context["form"].errors.as_data()["child"][0].code == "invalid_choice"
    assert "Familien Annan" not in response.text


def test_submission_new__form__groups_factors_in_fieldsets_with_help_texts(staff_client, new_url, instrument):
    response = staff_client.get(new_url)
    assert response.status_code == 200
    text = response.text
    assert f'<input type="hidden" name="instrument" value="{instrument.pk}"' in text
    for group in instrument.groups.all():
        assert f"<legend>{group.title}</legend>" in text
    helped = instrument.factors.exclude(help_text="").first()
    assert helped.help_text in text
    assert f'aria-describedby="id_factors_{_index(instrument, helped)}_help"' in text
    assert text.count('type="checkbox" name="factors"') == instrument.factors.count()
    assert 'id="recommendation" aria-live="polite"' in text
    assert 'hx-post="{}"'.format(reverse("screening:submission_preview")) in text
    assert 'hx-trigger="change"' in text
    assert 'name="action" value="draft"' in text
    assert 'name="action" value="submit"' in text


def test_submission_new__description_of_an_anonymous_child__says_when_it_is_needed_not_optional(staff_client, new_url):
    """Submitting needs a description of the child unless a named child is chosen: its label says so, while a field
    that is optional still says "optional"."""
    text = staff_client.get(new_url).text
    optional = f'<span class="optional">({_nb("optional")})</span>'

    label = re.search(r'<label for="id_child_description">(.*?)</label>', text, re.S).group(1)
    assert optional not in label
    assert f'<span class="optional">({_nb("needed without a named child")})</span>' in label
    assert optional in re.search(r'<label for="id_child_said">(.*?)</label>', text, re.S).group(1)


def _index(instrument, factor):
    ordered = [f.pk for g in instrument.groups.order_by("position", "pk") for f in g.factors.order_by("position", "pk")]
    return ordered.index(factor.pk)


# Saving and submitting


def test_submission_new__save_draft__needs_no_observation_and_saves_a_draft(staff_client, new_url, instrument, unit):
    ids = _risk_ids(instrument, 2)
    response = staff_client.post(new_url, _post(instrument, unit, action="draft", factors=ids, seen=""))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("screening:submission_edit", args=[submission.pk])
    assert (submission.status, submission.risk_score) == (SubmissionStatus.DRAFT, None)
    assert set(submission.factors.values_list("pk", flat=True)) == set(ids)


def test_submission_new__submit_anonymous__stores_the_result_and_shows_it(staff_client, new_url, instrument, unit):
    ids = _risk_ids(instrument, 3)
    protective = instrument.factors.filter(kind=FactorKind.PROTECTIVE).first()
    response = staff_client.post(new_url, _post(instrument, unit, factors=[*ids, protective.pk]), follow=True)
    submission = Submission.objects.get()
    assert (submission.status, submission.risk_score, submission.recommendation) == ("submitted", 3, "avklaring")
    assert submission.is_anonymous
    assert response.redirect_chain[-1][0] == reverse("screening:submission_detail", args=[submission.pk])
    assert response.context["risk_factors"] == list(Factor.objects.filter(pk__in=ids))
    assert response.context["protective_factors"] == [protective]
    assert protective.label in response.text
    assert submission.get_recommendation_display() in response.text
    assert "gut, 8 år, 3B" in response.text
    assert response.context["link_form"] is not None
    assert not AccessEvent.objects.exists()


def test_submission_new__sent_twice__stores_one_screening_and_says_so(staff_client, new_url, instrument, unit):
    assert form_token(staff_client.get(new_url).text)

    first, again = post_twice(staff_client, new_url, _post(instrument, unit, factors=_risk_ids(instrument, 3)))

    submission = Submission.objects.get()
    detail = reverse("screening:submission_detail", args=[submission.pk])
    assert (first.url, again.redirect_chain) == (detail, [(detail, 302)])
    assert shown(SENT_TWICE) in again.text


def test_submission_new__submit_without_what_was_seen__is_a_field_error_and_saves_nothing(
    staff_client, new_url, instrument, unit
):
    response = staff_client.post(new_url, _post(instrument, unit, factors=_risk_ids(instrument, 2), seen="  "))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.as_data()["seen"][0].code == "required"
    assert f'id="id_seen_error">{form.errors["seen"][0]}' in response.text
    assert 'href="#id_seen"' in response.text
    # The ticked factors stay ticked.
    first = _risk_ids(instrument, 1)[0]
    assert (
        f'value="{first}" id="id_factors_{_index(instrument, Factor.objects.get(pk=first))}" checked' in response.text
    )
    assert not Submission.objects.exists()


def test_submission_new__submit_anonymous_without_description__is_a_field_error(
    staff_client, new_url, instrument, unit
):
    response = staff_client.post(new_url, _post(instrument, unit, child_description=""))
    assert response.context["form"].errors.as_data()["child_description"][0].code == "required"
    assert not Submission.objects.exists()


@pytest.mark.parametrize("factor", ["999999", "abc", "other-version", "other-instrument"])
def test_submission_new__factor_not_in_this_version__is_refused_and_saves_nothing(
    staff_client, new_url, instrument, unit, leader, factor
):
    if factor == "other-version":
        draft = workflow.draft_new_version(actor=leader, instrument=instrument)
        factor = str(draft.factors.get(key=instrument.factors.first().key).pk)
    elif factor == "other-instrument":
        factor = str(workflow.current_instrument("barnehage").factors.first().pk)
    response = staff_client.post(new_url, _post(instrument, unit, factors=[_risk_ids(instrument, 1)[0], factor]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["factors"] == [_nb(MISMATCH)]
    assert 'href="#id_factors_0"' in response.text
    assert 'id="id_factors_error"' in response.text
    assert not Submission.objects.exists()


@pytest.mark.parametrize("tampered", ["unpublished", "guardian", "other-age-group", "missing", "nonsense"])
def test_submission_new__tampered_instrument_id__is_refused_and_saves_nothing(
    staff_client, new_url, instrument, unit, leader, tampered
):
    value = {
        "unpublished": lambda: workflow.draft_new_version(actor=leader, instrument=instrument).pk,
        "guardian": lambda: workflow.current_instrument("barneskole", audience="guardian").pk,
        "other-age-group": lambda: workflow.current_instrument("barnehage").pk,
        "missing": lambda: "",
        "nonsense": lambda: "1 OR 1=1",
    }[tampered]()
    response = staff_client.post(new_url, _post(instrument, unit, instrument=str(value)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [_nb(MISMATCH)]
    assert _nb(MISMATCH) in response.text
    assert not Submission.objects.exists()


def test_submission_new__version_published_while_filling_in__asks_to_reload(
    staff_client, new_url, instrument, unit, leader
):
    workflow.publish(actor=leader, instrument=workflow.draft_new_version(actor=leader, instrument=instrument))
    response = staff_client.post(new_url, _post(instrument, unit, factors=_risk_ids(instrument, 1)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [_nb(MISMATCH)]
    assert not Submission.objects.exists()


def test_submission_new__unit_the_user_is_not_in__is_a_field_error(staff_client, new_url, instrument, unit):
    other = factories.ServiceUnitFactory(name="Austbygd skule")
    response = staff_client.post(new_url, _post(instrument, unit, unit=str(other.pk)))
    assert response.context["form"].errors.as_data()["unit"][0].code == "invalid_choice"
    assert not Submission.objects.exists()


def test_submission_new__named_child__opens_the_case_at_level_0_with_a_deadline_14_days_out(
    staff, staff_client, unit, instrument
):
    case = factories.open_case(opener=staff, family_name="Familien Vik", child_name="Ola")
    case_workflow.close_case(actor=staff, case=case, reason="Ingen uro lenger.")
    child = case.family.persons.get(role="child")
    url = reverse("screening:submission_new") + f"?unit={unit.pk}&child={child.pk}"
    data = _post(instrument, unit, child=str(child.pk), child_description="", factors=_risk_ids(instrument, 4))
    response = staff_client.post(url, data, follow=True)
    submission = Submission.objects.get()
    new_case = submission.case
    assert new_case != case
    assert (new_case.level, new_case.status, new_case.family) == (Level.UNDRING, "open", case.family)
    assert new_case.decision_deadline == timezone.localdate() + timedelta(days=14)
    assert case.family.get_absolute_url() in response.text
    assert new_case.decision_deadline.strftime("%d.%m.%Y") in response.text
    events = AccessEvent.objects.filter(family_id=case.family_id, object_type="submission")
    assert [(e.action, e.object_id) for e in events.order_by("at", "id")] == [
        (AccessAction.CREATE, str(submission.pk)),
        (AccessAction.VIEW, str(submission.pk)),
    ]


def test_submission_edit__draft__shows_the_answers_and_submits(staff, staff_client, draft, instrument, unit, case):
    ids = _risk_ids(instrument, 2)
    workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=ids, submission=draft, seen="Utkast"
    )
    url = reverse("screening:submission_edit", args=[draft.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.text.count(" checked") >= 2
    assert "Utkast" in response.text
    assert response.context["result"].risk_score == 2
    child = case.family.persons.get(role="child")
    response = staff_client.post(url, _post(instrument, unit, child=str(child.pk), factors=ids))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.child, draft.case) == ("submitted", child, case)
    assert AccessEvent.objects.filter(family_id=case.family_id, action=AccessAction.CHANGE).count() == 1


def test_submission_edit__named_draft__every_view_is_audited(staff, staff_client, instrument, unit, case):
    child = case.family.persons.get(role="child")
    draft = workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], child=child)
    staff_client.get(reverse("screening:submission_edit", args=[draft.pk]))
    event = AccessEvent.objects.get(family_id=case.family_id, object_type="submission")
    assert (event.action, event.object_id, event.actor) == (AccessAction.VIEW, str(draft.pk), staff)


def test_submission_edit__unnaming_a_draft__is_audited_on_the_family_it_was_named_to(
    staff, staff_client, instrument, unit, case
):
    child = case.family.persons.get(role="child")
    draft = workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], child=child)
    url = reverse("screening:submission_edit", args=[draft.pk])
    response = staff_client.post(url, _post(instrument, unit, action="draft", child=""))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.child is None
    event = AccessEvent.objects.get(family_id=case.family_id)
    assert (event.action, event.object_id) == (AccessAction.CHANGE, str(draft.pk))


def test_submission_new__user_in_no_unit__is_told_to_ask_for_a_unit(outsider_client):
    response = outsider_client.get(reverse("screening:submission_new"))
    assert response.status_code == 200
    assert response.context["has_units"] is False
    assert 'name="unit"' not in response.text


def test_submission_edit__a_draft_submitted_twice__shows_the_result_and_says_it_is_saved_once(
    staff_client, draft, instrument, unit
):
    url = reverse("screening:submission_edit", args=[draft.pk])

    first, again = post_twice(staff_client, url, _post(instrument, unit, factors=_risk_ids(instrument, 3)))

    assert first.url == reverse("screening:submission_detail", args=[draft.pk])
    assert again.redirect_chain == [(first.url, 302)]
    assert shown(SENT_TWICE) in again.text
    assert shown(
        "The screening was submitted in another window meanwhile, so what you wrote here is not saved."
    ) not in (again.text)


def test_submission_edit__submitted_in_another_window__says_so_keeps_the_text_and_changes_nothing(
    staff_client, submitted, instrument, unit
):
    url = reverse("screening:submission_edit", args=[submitted.pk])
    assert staff_client.get(url).url == reverse("screening:submission_detail", args=[submitted.pk])

    response = staff_client.post(url, _post(instrument, unit, factors=_risk_ids(instrument, 5), seen="Skrive seinare"))

    assert response.status_code == 200
    assert shown("The screening was submitted in another window meanwhile, so what you wrote here is not saved.") in (
        response.text
    )
    assert re.search(r'class="typed-text">Skrive seinare</dd>', response.text)
    submitted.refresh_from_db()
    assert submitted.risk_score == 2
    assert submitted.seen != "Skrive seinare"


def test_submission_detail__draft__redirects_to_the_form(staff_client, draft):
    response = staff_client.get(reverse("screening:submission_detail", args=[draft.pk]))
    assert response.url == reverse("screening:submission_edit", args=[draft.pk])


# The live recommendation


def test_submission_preview__abuse_factor__shows_the_barnevern_warning_and_saves_nothing(
    staff_client, instrument, unit, barnevern
):
    data = _post(instrument, unit, factors=[*_risk_ids(instrument, 2), _abuse_id(instrument)])
    response = staff_client.post(reverse("screening:submission_preview"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.context["result"].barnevern_warning
    assert response.context["result"].risk_score == 3
    assert 'class="barnevern-warning"' in response.text
    assert "Barnevernstenesta" in response.text
    assert "55 12 34 56" in response.text
    assert not Submission.objects.exists()
    assert not AccessEvent.objects.exists()


def test_submission_preview__few_factors__recommends_observing_without_warning(staff_client, instrument, unit):
    data = _post(instrument, unit, factors=_risk_ids(instrument, 1))
    response = staff_client.post(reverse("screening:submission_preview"), data)
    assert response.context["result"].recommendation == "observe"
    assert "barnevern-warning" not in response.text


@pytest.mark.parametrize("case_", ["foreign-factor", "unpublished"])
def test_submission_preview__bad_input__shows_an_error_and_saves_nothing(staff_client, instrument, unit, leader, case_):
    if case_ == "foreign-factor":
        data = _post(instrument, unit, factors=[workflow.current_instrument("barnehage").factors.first().pk])
    else:
        data = _post(instrument, unit, instrument=workflow.draft_new_version(actor=leader, instrument=instrument).pk)
    response = staff_client.post(reverse("screening:submission_preview"), data)
    assert response.status_code == 200
    assert "result" not in response.context
    assert 'class="error-text"' in response.text
    assert not Submission.objects.exists()


def test_submission_detail__barnevern_warning__is_shown_with_the_contact(
    staff, staff_client, instrument, unit, barnevern
):
    submission = _submit(staff, instrument, unit, [_abuse_id(instrument)], child_description="x")
    response = staff_client.get(reverse("screening:submission_detail", args=[submission.pk]))
    assert 'class="barnevern-warning"' in response.text
    assert "55 12 34 56" in response.text


# Linking an anonymous screening to a child


def test_submission_link__anonymous_submitted__links_to_the_child_and_opens_the_case(
    staff, staff_client, submitted, case
):
    child = case.family.persons.get(role="child")
    response = staff_client.post(reverse("screening:submission_link", args=[submitted.pk]), {"child": child.pk})
    assert response.status_code == 302
    submitted.refresh_from_db()
    case.refresh_from_db()
    assert (submitted.child, submitted.case) == (child, case)
    assert (case.level, case.decision_deadline) == (Level.UNDRING, timezone.localdate() + timedelta(days=14))
    event = AccessEvent.objects.get(family_id=case.family_id)
    assert (event.action, event.object_type) == (AccessAction.CHANGE, "submission")
    page = staff_client.get(response.url)
    assert case.family.get_absolute_url() in page.text
    assert page.context["link_form"] is None


def test_submission_link__child_of_another_family__is_a_field_error_and_links_nothing(staff_client, submitted):
    stranger = factories.open_case(opener=factories.unit_staff(), family_name="Familien Annan").family
    child = stranger.persons.get(role="child")
    response = staff_client.post(reverse("screening:submission_link", args=[submitted.pk]), {"child": child.pk})
    assert response.status_code == 200
    assert response.context["link_form"].errors.as_data()["child"][0].code == "invalid_choice"
    submitted.refresh_from_db()
    assert submitted.child is None


def test_submission_link__already_named__is_refused(staff, staff_client, instrument, unit, case):
    child = case.family.persons.get(role="child")
    named = _submit(staff, instrument, unit, [], child=child)
    response = staff_client.post(reverse("screening:submission_link", args=[named.pk]), {"child": child.pk})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert response.context["refusal"]


# A guardian's self-assessment sent to the unit has its own inbox


def test_guardians_concern__is_not_in_the_list_and_opens_in_the_inbox(staff_client, guardian_concern, submitted):
    response = staff_client.get(reverse("screening:submission_list"))
    assert list(response.context["page"]) == [submitted]
    response = staff_client.get(reverse("screening:submission_detail", args=[guardian_concern.pk]))
    assert response.url == reverse("inbox:detail", args=[guardian_concern.pk])
    url = reverse("screening:submission_link", args=[guardian_concern.pk])
    assert staff_client.post(url, {"child": ""}).status_code == 404


# Query counts do not grow with the data


LIST_MAX_QUERIES = 12
FORM_MAX_QUERIES = 15


def _warm(client, url):
    """One request first: the first after signing in may refresh the session, a one-off cost the counts leave out."""
    assert client.get(url).status_code == 200


def _queries(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as queries:
        assert getattr(client, method)(url, data).status_code == 200
    return len(queries)


def test_submission_list__query_count__does_not_grow_with_submissions(
    staff, staff_client, instrument, unit, case, django_assert_max_num_queries
):
    child = case.family.persons.get(role="child")
    url = reverse("screening:submission_list")

    def add(n):
        for i in range(n):
            _submit(staff, instrument, unit, _risk_ids(instrument, 2), child=child if i % 2 else None)
            workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], seen=f"{i}")

    add(3)
    _warm(staff_client, url)
    small = _queries(staff_client, url)
    add(30)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = staff_client.get(url)
    assert response.context["page"].paginator.count == 66
    assert _queries(staff_client, url) == small


def test_screening_form__query_count__does_not_grow_with_factors(
    staff, staff_client, instrument, unit, leader, new_url, django_assert_max_num_queries
):
    _warm(staff_client, new_url)
    small = _queries(staff_client, new_url)
    draft = workflow.draft_new_version(actor=leader, instrument=instrument)
    group = draft.groups.first()
    for n in range(60):
        workflow.add_factor(actor=leader, group=group, label=f"Ny faktor {n}", kind=FactorKind.RISK, help_text="Hjelp")
    large = workflow.publish(actor=leader, instrument=draft)
    assert large.factors.count() > 2 * instrument.factors.count()
    with django_assert_max_num_queries(FORM_MAX_QUERIES):
        response = staff_client.get(new_url)
    assert response.context["instrument"] == large
    assert _queries(staff_client, new_url) == small
    # Posting back with many factors ticked costs no more than with a few.
    few = _queries(staff_client, new_url, "post", _post(large, unit, factors=_risk_ids(large, 1), seen=""))
    many = _queries(staff_client, new_url, "post", _post(large, unit, factors=_risk_ids(large, 50), seen=""))
    assert many == few
