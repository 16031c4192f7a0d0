"""A familieteam for every case that reached level 3 before the familieteam existed (open at level 3, or closed
from it, for the short way back): level 3 counted from the case's last step up to it, planned for six months."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

from familieteam.plan import PLAN_MIN_MONTHS, add_months


def start_teams(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    LevelChange = apps.get_model("cases", "LevelChange")
    Familieteam = apps.get_model("familieteam", "Familieteam")
    at_level_3 = Q(status="open", level=3) | Q(status="closed", closed_from_level=3)
    for case in Case.objects.filter(at_level_3, familieteam__isnull=True):
        reached = (
            LevelChange.objects.filter(case=case, kind="up", to_level=3).order_by("-at").values_list("at", flat=True)
        ).first() or case.updated_at
        started = timezone.localtime(reached).date()
        Familieteam.objects.create(case=case, started_on=started, planned_end=add_months(started, PLAN_MIN_MONTHS))


class Migration(migrations.Migration):
    dependencies = [("familieteam", "0002_default_life_areas"), ("cases", "0013_drop_agreement")]

    operations = [migrations.RunPython(start_teams, migrations.RunPython.noop)]
