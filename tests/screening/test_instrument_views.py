"""The leaders' instrument editor: draft, edit and publish versions; a published version never changes."""

import pytest
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection, transaction
from django.urls import URLPattern, get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext

from familielos import roles
from screening import workflow
from screening.models import Factor, FactorKind, Instrument, InstrumentStatus
from tests import factories
from tests.conftest import client_for, post_twice

pytestmark = pytest.mark.django_db

FROZEN = "A published version never changes. Draft a new version instead."
MISMATCH = "The form does not match this version of the screening tool. Reload it."


def _nb(msgid: str) -> str:
    with translation.override("nb"):
        return gettext(msgid)


@pytest.fixture
def leader(db):
    return factories.UserFactory(username="leiar", role=roles.LEADER)


@pytest.fixture
def leader_client(leader):
    return client_for(leader)


@pytest.fixture
def published():
    return workflow.current_instrument("barneskole")


@pytest.fixture
def draft(leader, published):
    return workflow.draft_new_version(actor=leader, instrument=published)


def _edit_data(instrument, **changes):
    """The edit form as the page sends it, unchanged, with `changes` on top."""
    factors = list(instrument.factors.order_by("group__position", "group__pk", "position", "pk"))
    data = {
        "title": instrument.title,
        "title_nn": instrument.title_nn,
        "introduction": instrument.introduction,
        "introduction_nn": instrument.introduction_nn,
        "avklaring_threshold": instrument.avklaring_threshold,
        "ressursteam_threshold": instrument.ressursteam_threshold,
        "factor-TOTAL_FORMS": len(factors),
        "factor-INITIAL_FORMS": len(factors),
        "factor-MIN_NUM_FORMS": 0,
        "factor-MAX_NUM_FORMS": 500,
    }
    for i, factor in enumerate(factors):
        data.update(
            {
                f"factor-{i}-id": factor.pk,
                f"factor-{i}-label": factor.label,
                f"factor-{i}-label_nn": factor.label_nn,
                f"factor-{i}-help_text": factor.help_text,
                f"factor-{i}-help_text_nn": factor.help_text_nn,
                f"factor-{i}-kind": factor.kind,
                f"factor-{i}-weight": factor.weight,
            }
        )
        if factor.signals_abuse:
            data[f"factor-{i}-signals_abuse"] = "on"
    data.update(changes)
    return data


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Access: every editor URL, three ways.

# name: (method, the instrument it is called on)
EDITOR_URLS = {
    "instrument_list": ("get", None),
    "instrument_detail": ("get", "published"),
    "instrument_new_version": ("post", "published"),
    "instrument_edit": ("get", "draft"),
    "factor_add": ("post", "draft"),
    "instrument_publish": ("post", "draft"),
}


def test_url_conf__every_editor_url_has_an_access_test():
    resolver = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "screening")
    names = {p.name for p in resolver.url_patterns if isinstance(p, URLPattern)}
    assert {name for name in names if name.startswith(("instrument", "factor"))} == set(EDITOR_URLS)


def _url(name, request):
    method, fixture = EDITOR_URLS[name]
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    return method, reverse(f"screening:{name}", args=args)


@pytest.mark.parametrize("name", sorted(EDITOR_URLS))
def test_editor_url__anonymous__redirects_to_login(name, request, client):
    method, url = _url(name, request)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(EDITOR_URLS))
def test_editor_url__unit_staff__is_404_and_changes_nothing(name, request, staff_client):
    method, url = _url(name, request)
    before = list(Instrument.objects.values_list("pk", "status", "title"))
    assert getattr(staff_client, method)(url).status_code == 404
    assert list(Instrument.objects.values_list("pk", "status", "title")) == before


@pytest.mark.parametrize("name", sorted(EDITOR_URLS))
def test_editor_url__leader__is_200(name, request, leader_client):
    method, url = _url(name, request)
    assert getattr(leader_client, method)(url, follow=True).status_code == 200


# Reading


def test_instrument_list__shows_every_version_with_status(leader_client, draft):
    response = leader_client.get(reverse("screening:instrument_list"))
    assert response.status_code == 200
    assert reverse("screening:instrument_detail", args=[draft.pk]) in response.text
    assert Instrument.objects.count() == len(response.context["instruments"])
    assert draft.get_status_display() in response.text


def test_instrument_detail__published__is_read_only_with_a_new_version_button(leader_client, published):
    response = leader_client.get(reverse("screening:instrument_detail", args=[published.pk]))
    assert reverse("screening:instrument_edit", args=[published.pk]) not in response.text
    assert reverse("screening:instrument_publish", args=[published.pk]) not in response.text
    assert reverse("screening:instrument_new_version", args=[published.pk]) in response.text
    for factor in published.factors.all():
        assert factor.label in response.text


def test_instrument_detail__draft__links_to_edit_and_publish(leader_client, draft):
    response = leader_client.get(reverse("screening:instrument_detail", args=[draft.pk]))
    assert reverse("screening:instrument_edit", args=[draft.pk]) in response.text
    assert reverse("screening:instrument_publish", args=[draft.pk]) in response.text


# Drafting a new version


def test_instrument_new_version__copies_the_published_one_and_opens_the_editor(leader_client, published):
    response = leader_client.post(reverse("screening:instrument_new_version", args=[published.pk]))
    draft = Instrument.objects.get(age_group="barneskole", audience="staff", status=InstrumentStatus.DRAFT)
    assert response.url == reverse("screening:instrument_edit", args=[draft.pk])
    assert draft.version == published.version + 1
    assert set(draft.factors.values_list("key", flat=True)) == set(published.factors.values_list("key", flat=True))


def test_instrument_new_version__a_draft_exists__is_refused_with_a_message(leader_client, published, draft):
    response = leader_client.post(reverse("screening:instrument_new_version", args=[published.pk]))
    assert response.url == reverse("screening:instrument_detail", args=[published.pk])
    assert _messages(response) == [_nb("There is already a draft for this age group. Finish or edit that one.")]
    assert Instrument.objects.filter(status=InstrumentStatus.DRAFT).count() == 1


# Editing a draft


def test_instrument_edit__good_input__saves_texts_thresholds_and_factors(leader_client, draft):
    factors = list(draft.factors.order_by("group__position", "group__pk", "position", "pk"))
    data = _edit_data(
        draft,
        title="Vurderingsverktøy – barneskule",
        avklaring_threshold=4,
        ressursteam_threshold=8,
        **{
            "factor-0-label": "Ny tekst",
            "factor-0-weight": 2,
            "factor-0-signals_abuse": "on",
            "factor-1-kind": FactorKind.PROTECTIVE,
            "factor-2-DELETE": "on",
        },
    )
    response = leader_client.post(reverse("screening:instrument_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.avklaring_threshold, draft.ressursteam_threshold) == (
        "Vurderingsverktøy – barneskule",
        4,
        8,
    )
    first = Factor.objects.get(pk=factors[0].pk)
    assert (first.label, first.weight, first.signals_abuse) == ("Ny tekst", 2, True)
    assert Factor.objects.get(pk=factors[1].pk).kind == FactorKind.PROTECTIVE
    assert not Factor.objects.filter(pk=factors[2].pk).exists()
    assert draft.factors.count() == len(factors) - 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"ressursteam_threshold": 2, "avklaring_threshold": 3}, "ressursteam_threshold", "order"),
        ({"avklaring_threshold": 0}, "avklaring_threshold", "min_value"),
        ({"title": ""}, "title", "required"),
        ({"factor-0-weight": 11}, "factor-0-weight", "max_value"),
        ({"factor-0-weight": -1}, "factor-0-weight", "min_value"),
        ({"factor-0-label": ""}, "factor-0-label", "required"),
        ({"factor-0-kind": "severe"}, "factor-0-kind", "invalid_choice"),
        ({"introduction": "x" * 2001}, "introduction", "max_length"),
        ({"introduction_nn": "x" * 2001}, "introduction_nn", "max_length"),
    ],
)
def test_instrument_edit__bad_input__is_a_field_error_and_saves_nothing(leader_client, draft, changes, field, code):
    before = (draft.title, list(draft.factors.values_list("pk", "label", "weight", "kind")))
    response = leader_client.post(reverse("screening:instrument_edit", args=[draft.pk]), _edit_data(draft, **changes))
    assert response.status_code == 200
    if field.startswith("factor-"):
        form = response.context["factors"].forms[0]
        name = field.split("-", 2)[2]
    else:
        form, name = response.context["form"], field
    assert [error.code for error in form.errors.as_data()[name]] == [code]
    assert f'href="#id_{field}"' in response.text
    assert f'id="id_{field}_error"' in response.text
    draft.refresh_from_db()
    assert (draft.title, list(draft.factors.values_list("pk", "label", "weight", "kind"))) == before


def test_instrument_edit__factor_id_from_another_version__is_refused_and_saves_nothing(leader_client, draft, published):
    foreign = published.factors.first()
    data = _edit_data(draft, **{"factor-0-id": foreign.pk, "factor-0-label": "Kapra"})
    response = leader_client.post(reverse("screening:instrument_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["factors"].non_form_errors() == [_nb(MISMATCH)]
    assert _nb(MISMATCH) in response.text
    assert not Factor.objects.filter(label="Kapra").exists()
    assert Factor.objects.get(pk=foreign.pk).label == foreign.label


def test_instrument_edit__an_extra_new_factor_in_the_formset__is_refused(leader_client, draft):
    count = draft.factors.count()
    data = _edit_data(draft, **{"factor-TOTAL_FORMS": count + 1, f"factor-{count}-label": "Smugla inn"})
    data.update({f"factor-{count}-kind": "risk", f"factor-{count}-weight": 1})
    response = leader_client.post(reverse("screening:instrument_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["factors"].non_form_errors() == [_nb(MISMATCH)]
    assert draft.factors.count() == count


def test_edit_instrument__factor_of_another_version__is_refused_by_the_workflow(leader, draft, published):
    foreign = published.factors.first()
    with pytest.raises(workflow.ScreeningRefused, match="does not match"):
        workflow.edit_instrument(actor=leader, instrument=draft, changes={}, removed=[foreign.pk])
    assert Factor.objects.filter(pk=foreign.pk).exists()


# Adding a factor


def test_factor_add__good_input__adds_it_at_the_end_of_the_group_with_a_new_key(leader_client, draft):
    group = draft.groups.order_by("position").last()
    data = {"new-group": group.pk, "new-label": "Søvnvanskar", "new-kind": "protective", "new-weight": 1}
    response = leader_client.post(reverse("screening:factor_add", args=[draft.pk]), data)
    assert response.status_code == 302
    factor = draft.factors.get(label="Søvnvanskar")
    assert (factor.group, factor.kind, factor.key) == (group, "protective", "sovnvanskar")
    assert factor.position > max(f.position for f in group.factors.exclude(pk=factor.pk))


def test_factor_add__sent_twice__adds_the_factor_once(leader_client, draft):
    group = draft.groups.order_by("position").last()
    data = {"new-group": group.pk, "new-label": "Søvnvanskar", "new-kind": "protective", "new-weight": 1}

    first, again = post_twice(leader_client, reverse("screening:factor_add", args=[draft.pk]), data)

    assert again.redirect_chain == [(first.url, 302)]
    assert draft.factors.filter(label="Søvnvanskar").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"new-label": ""}, "label", "required"),
        ({"new-group": "other-version"}, "group", "invalid_choice"),
        ({"new-weight": 99}, "weight", "max_value"),
    ],
)
def test_factor_add__bad_input__is_a_field_error_and_adds_nothing(
    leader_client, draft, published, changes, field, code
):
    if changes.get("new-group") == "other-version":
        changes["new-group"] = published.groups.first().pk
    data = {"new-group": draft.groups.first().pk, "new-label": "Ny", "new-kind": "risk", "new-weight": 1, **changes}
    count = Factor.objects.count()
    response = leader_client.post(reverse("screening:factor_add", args=[draft.pk]), data)
    assert response.status_code == 200
    assert [error.code for error in response.context["new_factor"].errors.as_data()[field]] == [code]
    assert f'href="#id_new-{field}"' in response.text
    assert Factor.objects.count() == count


# Publishing freezes the version


def test_instrument_publish__draft__is_published_and_used_for_new_screenings(leader_client, draft):
    response = leader_client.post(reverse("screening:instrument_publish", args=[draft.pk]))
    assert response.url == reverse("screening:instrument_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == InstrumentStatus.PUBLISHED
    assert draft.published_at is not None
    assert workflow.current_instrument("barneskole") == draft


def test_instrument_publish__then_every_edit__is_refused_with_a_message_and_changes_nothing(
    leader, leader_client, draft
):
    workflow.publish(actor=leader, instrument=draft)
    before = list(draft.factors.values_list("pk", "label", "weight"))
    edit_url = reverse("screening:instrument_edit", args=[draft.pk])
    detail_url = reverse("screening:instrument_detail", args=[draft.pk])

    response = leader_client.get(edit_url)
    assert (response.status_code, response.url) == (302, detail_url)
    assert _messages(response) == [_nb(FROZEN)]

    response = leader_client.post(edit_url, _edit_data(draft, title="Endra", **{"factor-0-weight": 5}), follow=True)
    assert response.redirect_chain == [(detail_url, 302)]
    assert _nb(FROZEN) in response.text

    data = {"new-group": draft.groups.first().pk, "new-label": "Ny", "new-kind": "risk", "new-weight": 1}
    response = leader_client.post(reverse("screening:factor_add", args=[draft.pk]), data, follow=True)
    assert _nb(FROZEN) in response.text

    response = leader_client.post(reverse("screening:instrument_publish", args=[draft.pk]), follow=True)
    assert _nb(FROZEN) in response.text

    draft.refresh_from_db()
    assert draft.title != "Endra"
    assert list(draft.factors.values_list("pk", "label", "weight")) == before
    with pytest.raises(workflow.ScreeningRefused):
        workflow.edit_instrument(actor=leader, instrument=draft, changes={"title": "Endra"})
    with pytest.raises(workflow.ScreeningRefused):
        workflow.add_factor(actor=leader, group=draft.groups.first(), label="Ny", kind="risk")


def test_published_version__raw_sql_update_of_its_factors__is_refused_by_the_database(published):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE screening_factor SET label = 'Endra' WHERE instrument_id = %s", [published.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM screening_factor WHERE instrument_id = %s", [published.pk])
    assert not published.factors.filter(label="Endra").exists()


def test_draft_version__raw_sql_update_of_its_factors__is_allowed(draft):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE screening_factor SET weight = 2 WHERE instrument_id = %s", [draft.pk])
    assert set(draft.factors.values_list("weight", flat=True)) == {2}


def test_instrument_edit__a_draft_of_many_factors__saves(leader, leader_client, draft):
    """Django's default of 1,000 posted fields refused the editor's own form from about 140 factors."""
    group = draft.groups.order_by("position").first()
    existing = draft.factors.count()
    Factor.objects.bulk_create(
        Factor(
            instrument=draft, group=group, key=f"many-{n}", label=f"Faktor {n}", kind=FactorKind.RISK, position=1000 + n
        )
        for n in range(200 - existing)
    )
    response = leader_client.post(
        reverse("screening:instrument_edit", args=[draft.pk]), _edit_data(draft, **{"factor-0-label": "Endra"})
    )
    assert response.status_code == 302
    assert draft.factors.filter(label="Endra").exists()


def test_add_factor__a_draft_at_the_most_factors_the_editor_takes__is_refused(leader, draft, monkeypatch):
    monkeypatch.setattr(workflow, "MAX_FACTORS", draft.factors.count())
    with pytest.raises(workflow.Refused, match="at most"):
        workflow.add_factor(actor=leader, group=draft.groups.first(), label="Ein til", kind=FactorKind.RISK)
