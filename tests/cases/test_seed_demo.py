from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

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
