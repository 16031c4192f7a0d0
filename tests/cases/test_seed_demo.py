from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from cases.models import Case, Family, Level
from screening.models import Submission

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_seed_demo__twice__creates_every_level_once_and_working_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    families = Family.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Family.objects.count() == families
    assert set(Case.objects.filter(status="open").values_list("level", flat=True)) == set(Level.values)
    assert Case.objects.filter(status="closed").exists()
    assert Case.objects.filter(decision_deadline__isnull=False).count() == 2
    assert Submission.objects.filter(audience="guardian").count() == 1
    assert "laerer" in out.getvalue()
    for username in ("admin", "leder", "laerer", "rt-nord", "los1", "forsker", "forelder"):
        assert User.objects.get(username=username).check_password("familielos-demo"), username


def test_seed_demo__scale__adds_one_municipalitys_volumes():
    call_command("seed_demo", "--scale", "1", stdout=StringIO())
    assert Family.objects.count() >= 700
    assert Case.objects.filter(level=Level.FAMILIELOS, status="open").count() >= 50


@override_settings(HTTPS=True, DEBUG=False)
def test_seed_demo__production_settings__refuses_and_creates_nothing():
    with pytest.raises(CommandError, match="--allow-production-settings"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username__in=["admin", "laerer", "forelder"]).exists()
    assert not Family.objects.exists()


@override_settings(HTTPS=True, DEBUG=False)
def test_seed_demo__production_settings_allowed_explicitly__seeds():
    call_command("seed_demo", "--allow-production-settings", stdout=StringIO())

    assert User.objects.get(username="admin").is_superuser
    assert Family.objects.exists()


@override_settings(HTTPS=False, DEBUG=False)
def test_seed_demo__plain_http_test_settings__seeds():
    call_command("seed_demo", stdout=StringIO())

    assert User.objects.filter(username="laerer").exists()
