"""A baton for every open case that was past level 0 before the baton existed: the familielos at level 3, else the
person who last moved the case up, else whoever opened it; held since that change."""

from django.db import migrations


def give_batons(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Baton = apps.get_model("cases", "Baton")
    LevelChange = apps.get_model("cases", "LevelChange")
    for case in Case.objects.filter(status="open", level__gte=1).exclude(family__baton__isnull=False):
        moved = LevelChange.objects.filter(case=case, kind="up").order_by("-at", "-pk").first()
        if case.level == 3 and case.familielos_id:
            holder_id = case.familielos_id
        else:
            holder_id = moved.actor_id if moved else case.opened_by_id
        Baton.objects.create(family_id=case.family_id, holder_id=holder_id, since=moved.at if moved else case.opened_at)


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_baton")]

    operations = [migrations.RunPython(give_batons, migrations.RunPython.noop)]
