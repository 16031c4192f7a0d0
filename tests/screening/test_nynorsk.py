"""The screening tools in Nynorsk: the shipped texts in both written standards, shown in the page's language
(falling back to Bokmål where no Nynorsk text is written), and edited in both by leaders.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from familielos import roles
from familielos.models import Membership, ServiceKind
from screening import workflow
from screening.models import Audience, Factor, FactorGroup, Instrument, InstrumentStatus
from tests import factories
from tests.conftest import client_for

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.django_db]

STAFF_NN = ["Svake sosiale ferdigheiter", "Familien og heimen", "Vanskar med samspel, turtaking og å lese andre."]
STAFF_NB = ["Svake sosiale ferdigheter", "Familien og hjemmet", "Vansker med samspill, turtaking og å lese andre."]
GUARDIAN_NN = ["Foreldra si eigenvurdering – barneskulebarn", "Barnet mitt har ingen eller få vener"]
GUARDIAN_NB = ["Foreldrenes egenvurdering – barneskolebarn", "Barnet mitt har ingen eller få venner"]


@pytest.fixture
def unit(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=unit)
    return unit


@pytest.fixture
def leader(db):
    return factories.UserFactory(username="leiar", role=roles.LEADER)


def _in_nynorsk(client):
    """Switch the UI to Nynorsk the way the header's language form does: through Django's set_language view."""
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "nn"
    return client


def test_migration__every_shipped_published_text__has_its_nynorsk_text():
    published = Instrument.objects.filter(status=InstrumentStatus.PUBLISHED)
    assert published.count() == 6
    assert not published.filter(title_nn="").exists()
    assert not published.filter(introduction_nn="").exists()
    assert not FactorGroup.objects.filter(title_nn="").exists()
    assert not Factor.objects.filter(label_nn="").exists()
    assert not Factor.objects.exclude(help_text="").filter(help_text_nn="").exists()
    staff = workflow.current_instrument("barneskole")
    assert staff.title_nn == "Vurderingsverktøy – barneskule (6–12 år)"
    assert staff.factors.get(key="high_absence").label_nn == "Høgt fråvær"


def test_migration__leaves_the_published_versions_frozen():
    published = workflow.current_instrument("barneskole")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE screening_instrument SET title_nn = 'Endra' WHERE id = %s", [published.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE screening_factor SET label_nn = 'Endra' WHERE instrument_id = %s", [published.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE screening_factorgroup SET title_nn = 'Endra' WHERE instrument_id = %s", [published.pk])


def test_staff_screening_form__in_nynorsk__reads_in_nynorsk(staff, unit):
    client = _in_nynorsk(client_for(staff))
    response = client.get(reverse("screening:submission_new"), {"unit": unit.pk, "age_group": "barneskole"})
    assert response.status_code == 200
    for text in [*STAFF_NN, "Vurderingsverktøy – barneskule (6–12 år)", "Faktorane er ikkje rangerte"]:
        assert text in response.text
    for text in STAFF_NB:
        assert text not in response.text


def test_staff_screening_form__in_bokmal__reads_in_bokmal(staff_client, unit):
    response = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "age_group": "barneskole"})
    for text in STAFF_NB:
        assert text in response.text
    for text in STAFF_NN:
        assert text not in response.text


def test_submission_detail__in_nynorsk__lists_the_ticked_factors_in_nynorsk(staff, unit):
    instrument = workflow.current_instrument("barneskole")
    submission = workflow.save_screening(
        actor=staff,
        instrument=instrument,
        unit=unit,
        factor_ids=[instrument.factors.get(key="high_absence").pk],
        submit=True,
        seen="Sett.",
        child_description="jente, 7 år",
    )
    client = client_for(staff)
    client.cookies["django_language"] = "nn"
    response = client.get(reverse("screening:submission_detail", args=[submission.pk]))
    assert "Høgt fråvær" in response.text
    assert "Høyt fravær" not in response.text


def test_self_assessment__in_nynorsk__questions_and_result_read_in_nynorsk(client):
    _in_nynorsk(client)
    page = client.get(reverse("selfassessment:instrument", args=["barneskole"]))
    assert page.status_code == 200
    for text in [*GUARDIAN_NN, "Om familien", "Ingenting blir lagra eller sendt om du ikkje sjølv vel det."]:
        assert text in page.text
    for text in GUARDIAN_NB:
        assert text not in page.text
    instrument = workflow.current_instrument("barneskole", Audience.GUARDIAN)
    ticked = instrument.factors.get(key="making_friends")
    result = client.post(reverse("selfassessment:result"), {"instrument": instrument.pk, "factors": [ticked.pk]})
    assert "Barnet mitt har ingen eller få vener" in result.text
    assert "Barnet mitt har ingen eller få venner" not in result.text


def test_factor__no_nynorsk_text__falls_back_to_bokmal_on_a_nynorsk_page(staff, unit, leader):
    draft = workflow.draft_new_version(actor=leader, instrument=workflow.current_instrument("barneskole"))
    group = draft.groups.first()
    added = workflow.add_factor(actor=leader, group=group, label="Søvnvanskar berre på bokmål", kind="risk")
    workflow.publish(actor=leader, instrument=draft)
    client = client_for(staff)
    client.cookies["django_language"] = "nn"
    response = client.get(reverse("screening:submission_new"), {"unit": unit.pk, "age_group": "barneskole"})
    assert added.label in response.text
    assert "Svake sosiale ferdigheiter" in response.text


def test_instrument_edit__leader_saves_both_languages_in_a_draft(leader, staff, unit):
    draft = workflow.draft_new_version(actor=leader, instrument=workflow.current_instrument("barneskole"))
    factor = draft.factors.order_by("group__position", "group__pk", "position", "pk").first()
    client = client_for(leader)
    url = reverse("screening:instrument_edit", args=[draft.pk])
    page = client.get(url)
    for name in ("title_nn", "introduction_nn", "factor-0-label_nn", "factor-0-help_text_nn"):
        assert f'name="{name}"' in page.text
        assert f'<label for="id_{name}"' in page.text
    data = {
        "title": "Verktøy – bokmål",
        "title_nn": "Verktøy – nynorsk",
        "introduction": "Innledning.",
        "introduction_nn": "Innleiing.",
        "avklaring_threshold": 3,
        "ressursteam_threshold": 6,
    }
    factors = list(draft.factors.order_by("group__position", "group__pk", "position", "pk"))
    data.update(
        {
            "factor-TOTAL_FORMS": len(factors),
            "factor-INITIAL_FORMS": len(factors),
            "factor-MIN_NUM_FORMS": 0,
            "factor-MAX_NUM_FORMS": 500,
        }
    )
    for i, each in enumerate(factors):
        data.update(
            {
                f"factor-{i}-id": each.pk,
                f"factor-{i}-label": each.label,
                f"factor-{i}-label_nn": each.label_nn,
                f"factor-{i}-help_text": each.help_text,
                f"factor-{i}-help_text_nn": each.help_text_nn,
                f"factor-{i}-kind": each.kind,
                f"factor-{i}-weight": each.weight,
            }
        )
        if each.signals_abuse:
            data[f"factor-{i}-signals_abuse"] = "on"
    data.update({"factor-0-label_nn": "Ny nynorsk tekst", "factor-0-help_text_nn": "Ny hjelpetekst på nynorsk."})
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    factor.refresh_from_db()
    assert (draft.title, draft.title_nn) == ("Verktøy – bokmål", "Verktøy – nynorsk")
    assert draft.introduction_nn == "Innleiing."
    assert (factor.label_nn, factor.help_text_nn) == ("Ny nynorsk tekst", "Ny hjelpetekst på nynorsk.")

    new = {"new-group": draft.groups.first().pk, "new-label": "Søvnvanskar", "new-label_nn": "Søvnvanskar (nn)"}
    new.update({"new-help_text_nn": "Søv dårleg.", "new-kind": "risk", "new-weight": 1})
    assert client.post(reverse("screening:factor_add", args=[draft.pk]), new).status_code == 302
    added = draft.factors.get(label="Søvnvanskar")
    assert (added.label_nn, added.help_text_nn) == ("Søvnvanskar (nn)", "Søv dårleg.")

    # Published, the staff read it in their language.
    workflow.publish(actor=leader, instrument=draft)
    staff_client = client_for(staff)
    staff_client.cookies["django_language"] = "nn"
    form = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "age_group": "barneskole"})
    for text in ("Verktøy – nynorsk", "Innleiing.", "Ny nynorsk tekst", "Søvnvanskar (nn)"):
        assert text in form.text
    staff_client.cookies["django_language"] = "nb"
    form = staff_client.get(reverse("screening:submission_new"), {"unit": unit.pk, "age_group": "barneskole"})
    assert "Verktøy – bokmål" in form.text
    assert "Ny nynorsk tekst" not in form.text


def test_draft_new_version__copies_the_nynorsk_texts(leader):
    published = workflow.current_instrument("barneskole", Audience.GUARDIAN)
    draft = workflow.draft_new_version(actor=leader, instrument=published)
    assert draft.title_nn == published.title_nn
    assert sorted(draft.groups.values_list("title_nn", flat=True)) == sorted(
        published.groups.values_list("title_nn", flat=True)
    )
    assert sorted(draft.factors.values_list("key", "label_nn", "help_text_nn")) == sorted(
        published.factors.values_list("key", "label_nn", "help_text_nn")
    )
