"""The default rows of samtaleduk 2; the municipality changes them in the administration."""

from django.db import migrations

DEFAULT_LIFE_AREAS = [
    ("Psykisk helse", "Psykisk helse"),
    ("Helse", "Helse"),
    ("Skole/barnehage", "Skule/barnehage"),
    ("Fritid", "Fritid"),
    ("Hjem og hverdag", "Heim og kvardag"),
    ("Arbeid og økonomi", "Arbeid og økonomi"),
]


def install(apps, schema_editor):
    LifeArea = apps.get_model("familieteam", "LifeArea")
    if LifeArea.objects.exists():
        return
    for position, (name_nb, name_nn) in enumerate(DEFAULT_LIFE_AREAS, start=1):
        LifeArea.objects.create(name_nb=name_nb, name_nn=name_nn, position=position)


class Migration(migrations.Migration):
    dependencies = [("familieteam", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
