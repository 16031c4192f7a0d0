from django.db import migrations


def install_defaults(apps, schema_editor):
    from screening import defaults

    defaults.install(
        apps.get_model("screening", "Instrument"),
        apps.get_model("screening", "FactorGroup"),
        apps.get_model("screening", "Factor"),
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
