"""The evaluation form's measures follow what is written: a measure added, or corrected, through htmx comes back
with the evaluation form's measure list offering it, swapped in place of the list on the page. Only the list: what
someone is typing in the evaluation form stays, and the measure chosen there stays chosen."""

import pytest
from django.urls import reverse

from stafettlogg.models import Entry, Kind
from tests import factories
from tests.conftest import client_for
from tests.stafettlogg.test_views import HTMX, correct_url, days_from_today, measure, post_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(writer):
    return client_for(writer)


MEASURE_FIELD_OOB = 'id="id_evaluation-measure_field" hx-swap-oob="true"'


def _new_measure(**more) -> dict:
    """A good new measure's post, with `more` fields (the evaluation form's chosen measure, as hx-include sends it)."""
    return {
        "kind": "measure",
        "measure-text": "Leksehjelp på SFO.",
        "measure-responsible": "SFO-leiar",
        "measure-starts_on": days_from_today(0),
        "measure-evaluate_by": days_from_today(60),
        "measure-visibility": "team",
        **more,
    }


def test_post__measure_by_htmx__the_evaluation_form_comes_back_offering_it(client, family):
    data = _new_measure()

    page = client.post(post_url(family), data, **HTMX).content.decode()

    new = Entry.objects.get(family=family, kind=Kind.MEASURE)
    assert 'id="log-post-measure"' in page
    measure_list = _oob_measure_list(page)
    assert f'<option value="{new.pk}">' in measure_list
    # Only the measure field comes again: not the evaluation form's other fields, which keep what is typed in them.
    assert page.count("hx-swap-oob") == 1
    assert 'name="evaluation-text"' not in page


def _oob_measure_list(page: str) -> str:
    """The measure list in the field swapped out of band in place of the evaluation form's measure field."""
    field = page[page.index(MEASURE_FIELD_OOB) :]
    start = field.index('<select name="evaluation-measure"')
    select = field[start : field.index("</select>", start)]
    assert 'id="id_evaluation-measure"' in select
    return select


def test_post__measure_by_htmx__the_measure_chosen_in_the_evaluation_form_stays_chosen(client, writer, family):
    chosen = measure(writer, family)
    data = _new_measure(**{"evaluation-measure": str(chosen.pk)})

    page = client.post(post_url(family), data, **HTMX).content.decode()

    assert f'<option value="{chosen.pk}" selected>' in _oob_measure_list(page)


def test_post__measure_by_htmx__a_chosen_measure_of_another_family_is_not_offered(client, writer, family):
    elsewhere = factories.unit_staff(username="annan")
    other = measure(elsewhere, factories.open_case(opener=elsewhere, family_name="Familien Annan").family)
    data = _new_measure(**{"evaluation-measure": str(other.pk)})

    page = client.post(post_url(family), data, **HTMX).content.decode()

    assert f'value="{other.pk}"' not in _oob_measure_list(page)


def test_post__note_by_htmx__leaves_the_evaluation_form_alone(client, family):
    data = {"kind": "note", "note-text": "Mor fortel at det går betre.", "note-visibility": "team"}

    page = client.post(post_url(family), data, **HTMX).content.decode()

    assert 'id="log-post-note"' in page
    assert 'name="evaluation-measure"' not in page


def test_correct__measure_by_htmx__the_evaluation_form_offers_the_correction_instead(client, writer, family):
    original = measure(writer, family)

    page = client.post(
        correct_url(family), {"entry": original.pk, f"rett-{original.pk}-text": "Lesetrening fire dagar."}, **HTMX
    ).content.decode()

    correction = Entry.objects.get(corrects=original)
    measure_list = _oob_measure_list(page)
    assert f'<option value="{correction.pk}">' in measure_list
    assert f'<option value="{original.pk}">' not in measure_list


def test_post__measure_bad_input__gives_no_second_form(client, family):
    page = client.post(post_url(family), {"kind": "measure", "measure-text": ""}, **HTMX).content.decode()

    assert "error-summary" in page
    assert 'name="evaluation-measure"' not in page
    assert reverse("stafettlogg:post", args=[family.pk]) in page


def test_correct__the_measure_chosen_in_the_evaluation_form__its_correction_is_chosen_instead(client, writer, family):
    original = measure(writer, family)
    text = {f"rett-{original.pk}-text": "Lesetrening fire dagar."}
    data = {"entry": original.pk, **text, "evaluation-measure": original.pk}

    page = client.post(correct_url(family), data, **HTMX).content.decode()

    correction = Entry.objects.get(corrects=original)
    assert f'<option value="{correction.pk}" selected>' in _oob_measure_list(page)


def test_post__measure_with_a_chosen_measure_that_is_not_an_id__chooses_none(client, family):
    data = _new_measure(**{"evaluation-measure": "²"})

    page = client.post(post_url(family), data, **HTMX)

    assert page.status_code == 200
    assert " selected>" not in _oob_measure_list(page.content.decode()).split("</option>", 1)[1]
