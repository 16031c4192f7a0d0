import pytest

pytestmark = pytest.mark.django_db


def test_family_detail__granted__shows_family(staff_client, family):
    response = staff_client.get(family.get_absolute_url())
    assert response.status_code == 200
    assert "Familien Hansen" in response.text


def test_family_detail__no_grant__is_404(outsider_client, family):
    assert outsider_client.get(family.get_absolute_url()).status_code == 404
