"""The evaluation form's measures follow what is written: a measure added, or corrected, through htmx comes back
with a fresh evaluation form that offers it, swapped in place of the one on the page."""

import pytest
from django.urls import reverse

from stafettlogg.models import Entry, Kind
from tests.conftest import client_for
from tests.stafettlogg.test_views import HTMX, correct_url, days_from_today, measure, post_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(writer):
    return client_for(writer)


EVALUATION_FORM_OOB = 'id="log-post-evaluation" hx-swap-oob="true"'


def test_post__measure_by_htmx__the_evaluation_form_comes_back_offering_it(client, family):
    data = {
        "kind": "measure",
        "measure-text": "Leksehjelp på SFO.",
        "measure-responsible": "SFO-leiar",
        "measure-starts_on": days_from_today(0),
        "measure-evaluate_by": days_from_today(60),
        "measure-visibility": "team",
    }

    page = client.post(post_url(family), data, **HTMX).content.decode()

    new = Entry.objects.get(family=family, kind=Kind.MEASURE)
    assert 'id="log-post-measure"' in page
    assert EVALUATION_FORM_OOB in page
    assert f'<option value="{new.pk}">' in page


def test_post__note_by_htmx__leaves_the_evaluation_form_alone(client, family):
    data = {"kind": "note", "note-text": "Mor fortel at det går betre.", "note-visibility": "team"}

    page = client.post(post_url(family), data, **HTMX).content.decode()

    assert 'id="log-post-note"' in page
    assert "log-post-evaluation" not in page


def test_correct__measure_by_htmx__the_evaluation_form_offers_the_correction_instead(client, writer, family):
    original = measure(writer, family)

    page = client.post(
        correct_url(family), {"entry": original.pk, f"rett-{original.pk}-text": "Lesetrening fire dagar."}, **HTMX
    ).content.decode()

    correction = Entry.objects.get(corrects=original)
    evaluation_form = page[page.index(EVALUATION_FORM_OOB) :]
    assert f'<option value="{correction.pk}">' in evaluation_form
    assert f'<option value="{original.pk}">' not in evaluation_form


def test_post__measure_bad_input__gives_no_second_form(client, family):
    page = client.post(post_url(family), {"kind": "measure", "measure-text": ""}, **HTMX).content.decode()

    assert "error-summary" in page
    assert "log-post-evaluation" not in page
    assert reverse("stafettlogg:post", args=[family.pk]) in page
