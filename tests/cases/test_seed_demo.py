from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from cases import consents, workflow
from cases.management.commands import seed_demo
from cases.models import Case, Family, LetterTemplate, Level
from familielos.models import ServiceKind
from screening.models import Submission
from teams.models import Ressursteam, TeamMember, TeamRole

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
    concerns = Case.objects.filter(status="open", level=Level.UNDRING)
    assert not concerns.filter(decision_deadline__isnull=True).exists()
    assert concerns.filter(decision_deadline__lt=timezone.localdate()).count() == 1
    assert Submission.objects.filter(audience="guardian").count() == 1
    assert "laerer" in out.getvalue()
    assert set(TeamMember.objects.values_list("team__name", "user__username", "role")) == {
        ("Ressursteam nord", "rt-nord", TeamRole.LEADER),
        ("Ressursteam sør", "rt-sor", TeamRole.LEADER),
    }
    for username in ("admin", "leder", "laerer", "rt-nord", "los1", "forsker", "forelder"):
        assert User.objects.get(username=username).check_password("familielos-demo"), username


# One scale batch in miniature: the full volumes (700 families a batch) are checked by the benchmark (make bench).
TINY_VOLUMES = {Level.UNDRING: 2, Level.AVKLARING: 1, Level.RESSURSTEAM: 1, Level.FAMILIELOS: 1}


def open_cases_by_level() -> dict[int, int]:
    counts = dict.fromkeys(Level.values, 0)
    for level in Case.objects.filter(status="open").values_list("level", flat=True):
        counts[level] += 1
    return counts


def test_seed_demo__scale_run_again__adds_only_the_missing_batches(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", stdout=StringIO())
    demo_families, demo_levels = Family.objects.count(), open_cases_by_level()

    call_command("seed_demo", "--scale", "2", stdout=StringIO())
    assert Family.objects.count() == demo_families + 2 * 5
    assert open_cases_by_level() == {level: demo_levels[level] + 2 * TINY_VOLUMES[level] for level in Level.values}

    out = StringIO()
    call_command("seed_demo", "--scale", "2", stdout=out)
    assert Family.objects.count() == demo_families + 2 * 5
    assert "Scale batch 2/2 is already in place." in out.getvalue()

    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    assert Family.objects.count() == demo_families + 3 * 5
    assert Ressursteam.objects.filter(name__startswith="Ressursteam skala").count() == 3


@override_settings(MUNICIPALITY_NAME="Bjørnafjorden kommune")
def test_seed_demo__letters__name_the_municipality_the_pages_name():
    call_command("seed_demo", stdout=StringIO())

    assert set(LetterTemplate.objects.values_list("letterhead", flat=True)) == {"Bjørnafjorden kommune"}


def test_seed_demo__referrals__go_to_the_team_covering_the_childs_unit(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", "--scale", "1", stdout=StringIO())

    referred = Case.objects.filter(ressursteam__isnull=False).select_related("opened_unit", "ressursteam")
    assert {(case.opened_unit.name, case.ressursteam.name) for case in referred} >= {
        ("Solbakken barnehage", "Ressursteam nord"),
        ("Helsestasjonen", "Ressursteam nord"),
        ("Vestbygd skule", "Ressursteam sør"),
    }
    for case in referred:
        assert case.ressursteam.covers.filter(pk=case.opened_unit_id).exists(), case
    scale_team = Ressursteam.objects.get(name="Ressursteam skala 0")
    assert {unit.name for unit in scale_team.covers.all()} == {f"{name} – skala 0" for name in seed_demo.SCALE_UNITS}


def test_seed_demo__level_3__consent_covers_the_team_and_the_familielos_service(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", "--scale", "1", stdout=StringIO())

    level_3 = Case.objects.filter(level=Level.FAMILIELOS, status="open").select_related("familielos", "ressursteam")
    assert level_3.count() == 3 + TINY_VOLUMES[Level.FAMILIELOS]
    for case in level_3:
        familielos_service = workflow.familielos_units(case.familielos).get()
        assert familielos_service.kind == ServiceKind.FAMILIELOS
        assert consents.covers(case.family, [*case.ressursteam.units.all(), familielos_service]), case


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
