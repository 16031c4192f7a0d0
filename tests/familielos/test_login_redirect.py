"""A session that has run out sends people back to a page, never into a fragment or a POST-only address."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_htmx_post__signed_out__redirects_the_whole_page_to_login_and_back(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    page = case.family.get_absolute_url()
    response = client.post(
        url, {"avklaring-reason": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"


def test_plain_post__signed_out__returns_to_the_form_page_after_login(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    page = case.family.get_absolute_url()
    response = client.post(url, {"avklaring-reason": "x"}, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={page}"


def test_plain_post__signed_out_from_another_site__does_not_follow_its_referer(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = client.post(url, {"avklaring-reason": "x"}, HTTP_REFERER="https://evil.example/x")
    assert response.url == f"{reverse('login')}?next=/"


def test_get__signed_out__keeps_the_requested_page_as_next(family, client):
    response = client.get(family.get_absolute_url())
    assert response.url == f"{reverse('login')}?next={family.get_absolute_url()}"
