"""The public self-assessment under tampered ids: a clear answer, never a server error, nothing stored."""

import pytest
from django.urls import reverse

from familielos.models import ServiceKind
from screening import workflow
from screening.models import Audience, Submission
from tests import factories

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.django_db]

# Digits str.isdigit() and int() accept that are not ASCII, a negative, and a number too big for any id column.
TAMPERED_IDS = ["²", "١", "٣", "-1", "9" * 30, "1\n", " 1", "+1", "1_0"]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture
def instrument():
    return workflow.current_instrument("barnehage", Audience.GUARDIAN)


@pytest.fixture
def school():
    return factories.ServiceUnitFactory(name="Solbakken barnehage", kind=ServiceKind.BARNEHAGE)


@pytest.fixture
def good_post(instrument, school):
    """A complete, valid post for the result and send pages."""
    return {
        "instrument": str(instrument.pk),
        "factors": [str(pk) for pk in instrument.factors.values_list("pk", flat=True)[:2]],
        "send-unit": str(school.pk),
        "send-contact_name": "Guro Hansen",
        "send-contact_phone": "412 34 567",
        "send-consent": "on",
    }


def _assert_out_of_date(response):
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert "screening/public/out_of_date.html" in [template.name for template in response.templates]
    assert not Submission.objects.exists()


@pytest.mark.parametrize("value", TAMPERED_IDS)
@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__tampered_instrument__is_out_of_date_not_500(client, good_post, url, value):
    response = client.post(reverse(url), {**good_post, "instrument": value})

    _assert_out_of_date(response)


@pytest.mark.parametrize("value", TAMPERED_IDS)
@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__tampered_factor__is_out_of_date_not_500(client, good_post, url, value):
    response = client.post(reverse(url), {**good_post, "factors": [*good_post["factors"], value]})

    _assert_out_of_date(response)


@pytest.mark.parametrize("which", ["instrument", "factors"])
@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__real_id_in_arabic_indic_digits__is_out_of_date(client, good_post, url, which):
    """int() reads "٧" as 7: the right id written in other digits must not pass as that id."""
    data = {**good_post, "factors": good_post["factors"][:1]}
    data[which] = good_post["instrument"].translate(ARABIC_INDIC)
    if which == "factors":
        data[which] = [pk.translate(ARABIC_INDIC) for pk in good_post["factors"][:1]]
    else:
        data["factors"] = []

    response = client.post(reverse(url), data)

    _assert_out_of_date(response)


@pytest.mark.parametrize("value", TAMPERED_IDS)
def test_instrument_page__tampered_answers__shows_the_questions_unticked(client, instrument, good_post, value):
    url = reverse("selfassessment:instrument", args=["barnehage"])

    for data in ({**good_post, "instrument": value}, {**good_post, "factors": [*good_post["factors"], value]}):
        response = client.post(url, data)

        assert response.status_code == 200
        assert response.context["instrument"] == instrument
        assert response.context["ticked"] == set()
        assert " checked" not in response.text


@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__untampered__still_works(client, good_post, url):
    response = client.post(reverse(url), good_post)

    assert response.status_code == (302 if url == "selfassessment:send" else 200)


@pytest.mark.parametrize("url", ["selfassessment:result", "selfassessment:send"])
def test_public_post__thousands_of_made_up_factor_ids__are_refused_in_a_few_queries(
    client, good_post, url, django_assert_max_num_queries
):
    """4,000 ids (under the posted-field limit) on a form anyone may post: refused, in a few queries."""
    made_up = [str(10_000_000 + n) for n in range(4000)]
    with django_assert_max_num_queries(15):
        response = client.post(reverse(url), {**good_post, "factors": [*good_post["factors"], *made_up]})

    _assert_out_of_date(response)
